//! Money: amounts are kept in fen (分, integers) everywhere and become yuan (元) only when read or written.
//! Every amount typed, read from a file or shown goes through here.

/// Parses a yuan amount as people write it: `380`, `380.5`, `380.50`, `￥380`, `¥95.5`, `285.00元`. At most two
/// decimal places; no sign (an amount paid or due is never negative). Full-width digits and point (３８０,
/// ９５．５) are the same amount.
pub fn parse_yuan(text: &str) -> Option<i64> {
    let narrowed = super::narrow(text);
    let t = narrowed.trim().trim_start_matches(['¥', '￥']).trim_end_matches('元').trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || frac.len() > 2 {
        return None;
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
    whole.checked_mul(100)?.checked_add(frac)
}

/// How many times the most a pupil's year costs one payment reaches before it is no pupil's payment: a premium
/// buys one year, a family that paid twice (two parents, not knowing of each other) pays twice it and a top-up
/// less, so an amount ten times the premium or more is a slip, never recorded: a list in 分 is a hundred times, a 0
/// typed twice ten times, a date typed into 金额 (20261201) more. The form, `mark` and the reconciliation all weigh
/// an amount by it ([`payment_ceiling`], [`far_from_due`]).
pub const SLIP_FACTOR: i64 = 10;

/// The premium amounts are weighed against where no policy is chosen: the highest personal premium the notices
/// set (380 元), with room (400).
pub const HIGHEST_PREMIUM_FEN: i64 = 40_000;

/// The least personal premium the notices set (280 元): where no policy is chosen, an amount read from a list that
/// is under a tenth of it (4 元, 380 written under a 分 header) is no family's payment of any year's premium.
pub const LOWEST_PREMIUM_FEN: i64 = 28_000;

/// The ceiling where no policy is chosen: [`SLIP_FACTOR`] times [`HIGHEST_PREMIUM_FEN`] (4,000 元).
pub const MOST_PAID_FEN: i64 = SLIP_FACTOR * HIGHEST_PREMIUM_FEN;

/// What the ceiling of one payment needs of a year's policy (`policy::Policy` is one): a trait here, so that the
/// rules of money stay below the policy that prices a pupil, not beside it.
pub trait PremiumYear {
    /// The most the policy asks for one pupil's year: the personal premium, or the financing standard where a
    /// window charges it.
    fn most_fen(&self) -> i64;
    /// The personal premium.
    fn personal_fen(&self) -> i64;
}

/// The ceiling of one payment for a pupil's year: [`SLIP_FACTOR`] times the most the chosen year's policy asks
/// for a year (its personal premium, or the financing standard where a window charges it), so a later notice's
/// premium moves it; [`MOST_PAID_FEN`] where no policy is chosen. An amount of it or more ([`beyond_ceiling`]) is
/// refused by the payment form and `mark`, and held back at its row by the reconciliation, with this said.
pub fn payment_ceiling<P: PremiumYear>(policy: Option<&P>) -> i64 {
    policy.map_or(MOST_PAID_FEN, |p| p.most_fen().max(1).saturating_mul(SLIP_FACTOR))
}

/// Whether `fen` reaches the ceiling of one payment under the chosen year's policy ([`payment_ceiling`]).
pub fn beyond_ceiling<P: PremiumYear>(fen: i64, policy: Option<&P>) -> bool {
    fen >= payment_ceiling(policy)
}

/// The premium a list's amount in 分 is weighed against when none is known for its pupil: the chosen year's
/// personal premium, or the least the notices set ([`LOWEST_PREMIUM_FEN`]) where no policy is chosen. An amount
/// under a tenth of it is no family's payment (the subsidies of the notices leave a family a tenth or more to pay,
/// or nothing, which the department pays).
pub fn least_premium<P: PremiumYear>(policy: Option<&P>) -> i64 {
    policy.map_or(LOWEST_PREMIUM_FEN, |p| p.personal_fen())
}

/// Whether `fen`, read from a list, is under a tenth of the premium `full`: in 元 under a header saying 分. Not 0,
/// which is nothing paid (a department's row for a pupil it pays for in full), in any unit.
pub fn under_a_tenth(fen: i64, full: i64) -> bool {
    full > 0 && fen > 0 && fen.saturating_mul(SLIP_FACTOR) < full
}

/// Always two decimal places, as a form's money column: 38000 → `380.00`, 9505 → `95.05`.
pub fn two_places(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Whole yuan without decimals, else two places, as the notices write amounts: 35000 → `350`, 9550 → `95.50`.
pub fn plain(fen: i64) -> String {
    let abs = fen.unsigned_abs();
    if abs.is_multiple_of(100) {
        let sign = if fen < 0 { "-" } else { "" };
        format!("{sign}{}", abs / 100)
    } else {
        two_places(fen)
    }
}

/// [`plain`] with its unit, for a sentence: 35000 → `350元`.
pub fn with_unit(fen: i64) -> String {
    format!("{}元", plain(fen))
}

/// Fen as a yuan number, for JSON and spreadsheet cells; exact for every amount a premium can take.
pub fn as_number(fen: i64) -> f64 {
    fen as f64 / 100.0
}

/// Why an amount paid is far from the amount due: as `mark` refuses any amount other than the one due unless the
/// family did pay it, a list's amount ten times the premium or more is no family's payment but a slip, and is said
/// as which (a list of 40000 for a 400 premium gives fen; 4000 has a zero typed twice).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FarAmount {
    /// 100 times the amount due: the amount in 分.
    InFen,
    /// 10 times: a 0 typed twice.
    ZeroTwice,
    /// Any other amount ten times the amount due or more (not exactly 10 or 100 times).
    Other,
}

impl FarAmount {
    /// What the slip most likely is, in words: (Chinese, English).
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            FarAmount::InFen => ("疑为以分为单位", "most likely an amount in fen"),
            FarAmount::ZeroTwice => ("疑为多写了一个 0", "most likely a 0 typed twice"),
            FarAmount::Other => ("疑为以分为单位或多写了 0", "most likely in fen, or zeros typed twice"),
        }
    }
}

/// `fen` paid against `due_fen` due, when ten times the amount due or more: never what a family pays for one
/// pupil (two full payments are twice, a top-up less), so never recorded as a payment. `None` below that, and for
/// nothing due (a department pays the whole premium: any amount is said as paid over 0).
pub fn far_from_due(fen: i64, due_fen: i64) -> Option<FarAmount> {
    if due_fen <= 0 || fen < due_fen.saturating_mul(SLIP_FACTOR) {
        return None;
    }
    Some(if fen == due_fen.saturating_mul(100) {
        FarAmount::InFen
    } else if fen == due_fen.saturating_mul(10) {
        FarAmount::ZeroTwice
    } else {
        FarAmount::Other
    })
}

/// An amount that is no pupil's payment ([`slip`]), and what it was weighed against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slip {
    /// Ten times the pupil's full premium `full` or more, the policy pricing the pupil.
    Premium { far: FarAmount, full: i64 },
    /// The pupil not priced: at the year-wide ceiling or beyond ([`payment_ceiling`]); `most`: the most the chosen
    /// policy asks for one pupil's year, none where no policy is chosen.
    Ceiling { ceiling: i64, most: Option<i64> },
}

impl Slip {
    /// What the slip most likely is ([`FarAmount`]): against a ceiling, nothing tells 分 from zeros typed twice.
    pub fn far(self) -> FarAmount {
        match self {
            Slip::Premium { far, .. } => far,
            Slip::Ceiling { .. } => FarAmount::Other,
        }
    }

    /// The premium it was weighed against, if the pupil's.
    pub fn premium(self) -> Option<i64> {
        match self {
            Slip::Premium { full, .. } => Some(full),
            Slip::Ceiling { .. } => None,
        }
    }

    /// What the amount was weighed against, as the sentence 「金额 X 元…」 goes on, each rule said as it is:
    /// (Chinese, English).
    pub fn weighed(self) -> (String, String) {
        let factor = SLIP_FACTOR;
        match self {
            Slip::Premium { full, .. } => {
                let (ten, full) = (plain(full.saturating_mul(factor)), plain(full));
                (
                    format!("达到保费 {full} 元的 {factor} 倍（{ten} 元）或以上"),
                    format!("is {factor} times the premium of {full} yuan ({ten} yuan) or more"),
                )
            }
            Slip::Ceiling { ceiling, most: Some(most) } => {
                let (ceiling, most) = (plain(ceiling), plain(most));
                (
                    format!(
                        "达到一名学生一年缴费的上限 {ceiling} 元（按所选政策一名学生一年最多应缴 {most} 元的 {factor} 倍）"
                    ),
                    format!(
                        "reaches the most one pupil's year is paid, {ceiling} yuan ({factor} times the most the chosen \
                         policy asks for a pupil's year, {most} yuan)"
                    ),
                )
            }
            Slip::Ceiling { ceiling, most: None } => {
                let ceiling = plain(ceiling);
                (
                    format!("达到一名学生一年缴费的上限 {ceiling} 元（未选政策，按 {ceiling} 元计）"),
                    format!(
                        "reaches the most one pupil's year is paid, {ceiling} yuan (no policy chosen: {ceiling} yuan taken)"
                    ),
                )
            }
        }
    }
}

/// The one rule the payment form, `mark`, a top-up (weighed with the payment it makes up) and the reconciliation
/// hold an amount by: `fen` against the pupil's full premium `full` ([`far_from_due`]) where the policy prices the
/// pupil, else against the year-wide ceiling ([`payment_ceiling`]). `None` for an amount a family may pay.
pub fn slip<P: PremiumYear>(fen: i64, full: Option<i64>, policy: Option<&P>) -> Option<Slip> {
    match full.filter(|full| *full > 0) {
        Some(full) => far_from_due(fen, full).map(|far| Slip::Premium { far, full }),
        None => beyond_ceiling(fen, policy)
            .then(|| Slip::Ceiling { ceiling: payment_ceiling(policy), most: policy.map(|p| p.most_fen()) }),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn amounts_as_people_write_them() {
        assert_eq!(parse_yuan("380"), Some(38_000));
        assert_eq!(parse_yuan("￥95.5"), Some(9_550));
        assert_eq!(parse_yuan(" 285.00元 "), Some(28_500));
        assert_eq!(parse_yuan("1.234"), None);
        assert_eq!(parse_yuan("-3"), None);
        assert_eq!(parse_yuan("abc"), None);
        assert_eq!(parse_yuan(""), None);
        assert_eq!(parse_yuan("99999999999999999999"), None, "too large is refused, not wrapped");
    }

    #[test]
    fn amounts_as_canbao_writes_them() {
        assert_eq!(two_places(38_000), "380.00");
        assert_eq!(two_places(9_505), "95.05");
        assert_eq!(plain(35_000), "350");
        assert_eq!(plain(9_550), "95.50");
        assert_eq!(with_unit(5), "0.05元");
        assert_eq!(with_unit(-305), "-3.05元");
        assert_eq!(with_unit(-30_000), "-300元");
        assert_eq!(as_number(28_500), 285.0);
        assert_eq!(two_places(i64::MIN), "-92233720368547758.08", "the most negative amount does not overflow");
    }

    #[test]
    fn an_amount_ten_times_the_premium_or_more_is_a_slip() {
        assert_eq!(far_from_due(4_000_000, 40_000), Some(FarAmount::InFen));
        assert_eq!(far_from_due(400_000, 40_000), Some(FarAmount::ZeroTwice));
        assert_eq!(far_from_due(760_000, 38_000), Some(FarAmount::Other));
        assert_eq!(far_from_due(76_000, 38_000), None, "two full payments are a family's");
        assert_eq!(far_from_due(30_000, 38_000), None);
        assert_eq!(far_from_due(40_000, 0), None, "nothing due");
    }

    proptest! {
        /// Whatever canbao writes, it reads back as the same number of fen.
        #[test]
        fn what_is_written_reads_back(fen in 0..i64::MAX) {
            prop_assert_eq!(parse_yuan(&two_places(fen)), Some(fen));
            prop_assert_eq!(parse_yuan(&plain(fen)), Some(fen));
            prop_assert_eq!(parse_yuan(&with_unit(fen)), Some(fen));
        }
    }

    /// The ceiling of one payment under a policy is said as the chosen policy's, which may be another year's
    /// (`policy use yibin-2024` on a 2027 drive), not as 「本年度政策」.
    #[test]
    fn the_ceiling_names_the_chosen_policy_not_this_years() {
        let (zh, en) = Slip::Ceiling { ceiling: 380_000, most: Some(38_000) }.weighed();
        assert!(zh.contains("按所选政策一名学生一年最多应缴 380 元") && !zh.contains("本年度"), "{zh}");
        assert!(en.contains("the chosen policy asks"), "{en}");
    }
}
