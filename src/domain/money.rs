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

/// The most one pupil's year is taken to cost: ten times the highest premium the notices set (380 元, 400 with
/// room). An amount beyond it is a slip (a date typed into 金额: 20261201), refused with this said, where an
/// amount near the one due (400 for 380) is only asked about.
pub const MOST_PAID_FEN: i64 = 400_000;

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
    if due_fen <= 0 || fen < due_fen.saturating_mul(10) {
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
}
