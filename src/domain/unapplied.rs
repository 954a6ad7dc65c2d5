//! A payment the tax office lists that a reconciliation did not record (an ID number nobody on the roster holds,
//! the number under another name, a pupil the roster has declining …): kept in the drive's history so the family's
//! payment is not forgotten once the report is closed, and listed by `check` until the drive records the pupil's
//! payment. Pure: the record and its words; the store keeps it, the reconciliation makes it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::money;
use super::student::{Enrollment, PaymentStatus};

/// The audit log's field name for a kept record (its `new` holds the record as JSON).
pub const UNAPPLIED_PAYMENT: &str = "payment_unapplied";

/// Why a payment the tax office lists was not recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnappliedReason {
    /// A valid number nobody on the roster holds.
    UnknownNumber,
    /// A number that fails the check, matching no pupil.
    InvalidNumber,
    /// A number a spreadsheet held as a number (4.50202201501011E+17, or 15 digits and zeros), its digits after
    /// the 15th lost, matching no pupil: the list is to be made again with the column as text.
    RoundedNumber,
    /// The number is held, under another name.
    OtherName,
    /// The number fails the check, and is that of the pupil of the list's name typed wrong: the same first 17
    /// characters (`id_number::mistyped_from`). Most likely her payment, not recorded until the operator confirms it.
    MistypedNumber,
    /// The number is nobody's, and only the name ties it to the one pupil of the name held with a number a
    /// spreadsheet showed shorter (4.50203E+17: the county's digits, little else): it may be a parent's or another
    /// child's of the name, so it is not recorded until the operator, having asked, corrects her number to it.
    RoundedRoster,
    /// The roster's standing contradicts a payment (不参保, 异地参保, 已离校; 财政代缴 against a family's payment).
    RosterStatus,
    /// The pupil's rows hold a refund or an amount nobody can read: none of them were recorded.
    Held,
    /// One receipt number with different amounts.
    ReceiptConflict,
    /// A family's payment beside a department's for the same pupil, or the other way round.
    OtherPayer,
    /// Dated where no payment for the drive's insured year can be (before the year's first payment window, after
    /// the year, before the pupil's birth): a payment for another year is not this year's.
    OutsideYear,
    /// Dated after the day the list was read (within the year): the list is wrong there, and the payment is not
    /// recorded without its date, which moves the amount due and the cover.
    FutureDate,
    /// The pupil has a payment recorded already, and the list's is another (another amount or date): the
    /// recorded one is not replaced without the operator.
    RecordedDiffers,
    /// The row gives no ID number (证件号码 empty), and its name (in the class or school the list gives) is not
    /// that of exactly one pupil: none, or several the list does not tell apart.
    NoNumber,
    /// The row's receipt number (票证号码) is an earlier row's of the same list under another name or number, for
    /// the same amount: one payment listed under two payers (`UnappliedPayment::earlier` names the other row). The
    /// earlier row is reconciled as any row; this one stays listed until the operator dismisses it, having asked
    /// the tax office whose payment it is: no recorded payment can tell that the two rows were sorted out.
    RepeatedReceipt,
    /// Not a payment: the 医保 agency's feedback says a pupil the drive counts insured here (paid, or 财政代缴) is
    /// not registered (未参保, 未登记 …): a department's payment that never reached it, or a family's it has not
    /// seen. Kept so `check` lists it while the drive still counts the pupil insured, until the standing changes or
    /// the operator dismisses it; `agency_status` holds the list's word. An older canbao, not knowing the reason,
    /// leaves the record out.
    AgencyNotRegistered,
    /// An amount ten times the premium or more (40000 for 400: an amount in 分, or zeros typed twice), which `mark`
    /// refuses as a slip: not recorded, or the ledger handed to the agencies reads a payment of 40000 and `check`
    /// suggests a refund of money never paid.
    FarAmount,
}

/// The other row of a receipt number (票证号码) met twice under two payers (`UnappliedReason::RepeatedReceipt`,
/// and a `ReceiptConflict` of two amounts), so that `check` names both rows long after the report is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierRow {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub id_number: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sheet: String,
    pub row: usize,
}

/// One row of the tax office's list that says a payment was made, as kept when it was not recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnappliedPayment {
    /// The name as the list gives it.
    pub name: String,
    pub amount_fen: Option<i64>,
    pub paid_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
    /// The insured year the drive was collecting for; `None` on a drive without years.
    pub year: Option<i32>,
    /// The list's file name (without its folder), worksheet (empty for a CSV) and row.
    pub file: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub sheet: String,
    pub row: usize,
    pub reason: UnappliedReason,
    /// `OtherName`, `MistypedNumber`, `RoundedRoster`: the name the roster holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roster_name: Option<String>,
    /// `RosterStatus`: the roster's standing, as an enrollment or payment code (`declined`, `government` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roster_status: Option<String>,
    /// `Held`, a row whose amount could not be read (`4OO`): the amount as the list writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written_amount: Option<String>,
    /// `NoNumber`: the class the row gives, as written, so that only a pupil of the name in that class settles it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// A receipt number met before on another row of the list under another name or number: that row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earlier: Option<EarlierRow>,
    /// Set on a dismissal, never on a kept payment: the operator dealt with the payment kept as this record (the
    /// same payment, `same_payment`, for the same number) and said why; the audit row says who and when. An older
    /// canbao reads it as the payment kept again, which it lists once, as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dismissed: Option<String>,
    /// `NoNumber`: the school the row gives, as written. Part of the payment's identity: two families of one name
    /// paying the same amount on the same day at two schools are two payments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school: Option<String>,
    /// Set on taking dismissals back (`check --undismiss`), never on a kept payment: why, and which dismissals of
    /// the payment it takes back (their audit rows' hashes), so a dismissal made on another laptop that this one
    /// had not seen still holds after a merge. An older canbao reads it as the payment kept again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undismissed: Option<Undismissal>,
    /// `AgencyNotRegistered`: the status the agency's feedback gives (未参保, 未登记 …; empty for an empty cell).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_status: Option<String>,
    /// `FarAmount`: what the reconciliation weighed the amount against (`money::slip`), so that `check` says the
    /// rule it used (the pupil's premium, or the ceiling of one payment with or without a policy), as the payment
    /// form and `mark` say it. `None` on a record kept before it was kept, said in the general words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighed: Option<Weighed>,
}

/// What a held amount (`UnappliedReason::FarAmount`) was weighed against when it was kept: the pupil's full premium
/// where the policy priced the pupil, else the ceiling of one payment and the most the policy asks (none without
/// a policy); with the pupil's rows summed, how many and their total, which is what was weighed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weighed {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub premium_fen: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling_fen: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub most_fen: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summed: Option<(usize, i64)>,
}

impl Weighed {
    /// The slip as `money::slip` found it, with the rows' total where `summed` (several rows summed).
    pub fn of(slip: money::Slip, summed: Option<(usize, i64)>) -> Weighed {
        match slip {
            money::Slip::Premium { full, .. } => {
                Weighed { premium_fen: Some(full), ceiling_fen: None, most_fen: None, summed }
            }
            money::Slip::Ceiling { ceiling, most } => {
                Weighed { premium_fen: None, ceiling_fen: Some(ceiling), most_fen: most, summed }
            }
        }
    }

    /// The slip again, for the amount weighed (`fen`: the row's, or the rows' total where summed). `None` for a
    /// record saying neither rule (written by hand, or by a later canbao).
    fn slip(self, fen: i64) -> Option<money::Slip> {
        match (self.premium_fen, self.ceiling_fen) {
            (Some(full), _) => {
                let far = money::far_from_due(fen, full).unwrap_or(money::FarAmount::Other);
                Some(money::Slip::Premium { far, full })
            }
            (None, Some(ceiling)) => Some(money::Slip::Ceiling { ceiling, most: self.most_fen }),
            (None, None) => None,
        }
    }
}

/// Dismissals taken back: why, and the audit rows (by their content's hash, `event_hash::row_hash`, which a merge
/// keeps) of the dismissals taken back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Undismissal {
    pub why: String,
    pub takes_back: Vec<String>,
}

/// A school's name as a tax list's school column is compared with the drive's: the same name typed in full-width
/// or half-width characters, with spaces anywhere, or with （） for () is the same school. Nothing more: 示范小学
/// and 示范小学校, or 示范 and 示范小学, stay two names, as another school's pupils of the name must never be
/// recorded from a row giving no number.
pub fn school_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// A kept record with the audit row's pupil (the one holding the number when it was kept) and number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptPayment {
    pub student_id: Option<i64>,
    pub id_number: String,
    pub record: UnappliedPayment,
}

impl UnappliedPayment {
    /// The record as the audit row's `new` holds it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    pub fn from_json(text: &str) -> Option<UnappliedPayment> {
        serde_json::from_str(text).ok()
    }

    /// The payment of `amount_fen` paid on `paid_on` that a list gave for `name` at its `row` of `sheet` in
    /// `file`, kept for `reason`, with nothing else said: no year, receipt, roster name or standing. The caller
    /// sets what else it knows by struct update (`UnappliedPayment { year, ..UnappliedPayment::new(…) }`).
    pub fn new(
        name: &str,
        amount_fen: Option<i64>,
        paid_on: Option<NaiveDate>,
        (file, sheet, row): (&str, &str, usize),
        reason: UnappliedReason,
    ) -> UnappliedPayment {
        UnappliedPayment {
            name: name.to_owned(),
            amount_fen,
            paid_on,
            receipt: None,
            year: None,
            file: file.to_owned(),
            sheet: sheet.to_owned(),
            row,
            reason,
            roster_name: None,
            roster_status: None,
            written_amount: None,
            class: None,
            earlier: None,
            dismissed: None,
            school: None,
            undismissed: None,
            agency_status: None,
            weighed: None,
        }
    }

    /// For tests: [`UnappliedPayment::new`] of a CSV's row (no worksheet) with an amount.
    #[doc(hidden)]
    pub fn for_test(
        name: &str,
        amount_fen: i64,
        paid_on: Option<NaiveDate>,
        (file, row): (&str, usize),
        reason: UnappliedReason,
    ) -> UnappliedPayment {
        UnappliedPayment::new(name, Some(amount_fen), paid_on, (file, "", row), reason)
    }

    /// Whether `other` is the same payment of the tax office, whatever file it was read from (the list under
    /// another name, a link to it, or re-saved in another encoding) and whatever row: the same receipt number
    /// (票证号码) for the same amount where both give one, else the same amount on the same day; for the same
    /// insured year. The pupil (ID number) is the caller's to compare.
    pub fn same_payment(&self, other: &UnappliedPayment) -> bool {
        fn receipt(r: &UnappliedPayment) -> Option<&str> {
            r.receipt.as_deref().map(str::trim).filter(|t| !t.is_empty())
        }
        let same_receipt = match (receipt(self), receipt(other)) {
            (Some(mine), Some(theirs)) => mine == theirs,
            _ => self.paid_on == other.paid_on,
        };
        // Rows without a number are kept under no number and no pupil, all of them: only the name tells two
        // families' payments of the same amount on the same day apart.
        // So are a receipt's repeats kept under no number, and a receipt repeated on three rows is three payers.
        let by_name =
            |r: &UnappliedPayment| matches!(r.reason, UnappliedReason::NoNumber | UnappliedReason::RepeatedReceipt);
        let same_payer = !(by_name(self) || by_name(other)) || self.name == other.name;
        // Rows read without a school (or kept before the school was) are told apart by the name alone, as before.
        let same_school = match (&self.school, &other.school) {
            (Some(mine), Some(theirs)) => school_key(mine) == school_key(theirs),
            _ => true,
        };
        // The agency's word on a pupil is no payment: never the same as one kept of the tax office's list.
        let agency = |r: &UnappliedPayment| r.reason == UnappliedReason::AgencyNotRegistered;
        self.year == other.year
            && self.amount_fen == other.amount_fen
            && same_receipt
            && same_payer
            && same_school
            && agency(self) == agency(other)
    }

    /// The roster's standing in words.
    fn roster_status_label(&self, en: bool) -> String {
        let code = self.roster_status.as_deref().unwrap_or_default();
        let enrollment = Enrollment::from_code(code).map(|e| if en { e.label_en() } else { e.label_zh() });
        let payment = PaymentStatus::from_code(code).map(|p| if en { p.label_en() } else { p.label_zh() });
        enrollment.or(payment).unwrap_or(code).to_owned()
    }

    /// Why it was not recorded, in words; the row its receipt number was met on before, where it was.
    pub fn why(&self, en: bool) -> String {
        let why = self.why_alone(en);
        match (&self.earlier, self.reason) {
            (Some(earlier), reason) if reason != UnappliedReason::RepeatedReceipt => {
                let (at, receipt) = (self.earlier_said(earlier, en), self.receipt.as_deref().unwrap_or_default());
                if en {
                    format!("{why}; receipt {receipt} is also on {at}")
                } else {
                    format!("{why}；票证号码 {receipt} 也在 {at}")
                }
            }
            _ => why,
        }
    }

    /// Why a receipt under two payers (`RepeatedReceipt`) is still listed once the drive records this row's pupil
    /// (`pupil`, the roster's name) paid since: said as recorded, and under whom, no more as 「此行未记入」, which the
    /// operator who recorded it would read as the recording lost. Listed still, as no payment tells whether the
    /// tax office was asked whose it is (and the other row's pupil may be recorded paid for it too).
    pub fn why_repeated_recorded(&self, pupil: &str, en: bool) -> String {
        let receipt = self.receipt.as_deref().unwrap_or_default();
        let at = self.earlier.as_ref().map(|e| self.earlier_said(e, en)).unwrap_or_default();
        if en {
            format!(
                "receipt {receipt} is also on {at}, with the same amount: one payment under two payers; this row's \
                 payment is recorded since, under {pupil}"
            )
        } else {
            format!(
                "票证号码 {receipt} 也在 {at}，金额相同，是同一笔缴费记在两人名下；此行的缴费此后已记入 {pupil} 名下"
            )
        }
    }

    /// The other row of the receipt: 「税务.xlsx 第 2 行 周静露（4502**********4162）」.
    fn earlier_said(&self, earlier: &EarlierRow, en: bool) -> String {
        let at = list_place(&self.file, &earlier.sheet, earlier.row, en);
        let name = earlier.name.trim();
        match (earlier.id_number.is_empty(), en) {
            (true, _) => format!("{at} {name}"),
            (false, false) => format!("{at} {name}（{}）", super::id_number::mask(&earlier.id_number)),
            (false, true) => format!("{at} {name} ({})", super::id_number::mask(&earlier.id_number)),
        }
    }

    /// Why a held amount (`FarAmount`) was not recorded, by the rule the reconciliation weighed it by
    /// ([`Weighed`]), in the words the payment form, `mark` and the reconciliation use (`money::Slip::weighed`):
    /// 「金额 40000 元达到保费 400 元的 10 倍（4000 元）或以上，疑为以分为单位，未记入」, or with no policy 「…达到一名学生
    /// 一年缴费的上限 4000 元（未选政策，按 4000 元计）…」. A record kept without the rule is said in general words.
    fn far_said(&self, en: bool) -> String {
        let amount = self.amount_text();
        let Some((slip, summed)) = self.far_slip() else {
            return if en {
                format!(
                    "the amount {amount} yuan is ten times the premium or more: most likely in fen, or zeros typed \
                     twice; not recorded"
                )
            } else {
                format!("金额 {amount} 元远超应缴保费（10 倍以上），疑为以分为单位或多写了 0，未记入")
            };
        };
        let (weighed, weighed_en) = slip.weighed();
        let (looks, looks_en) = slip.far().words();
        match (summed, en) {
            (Some((n, total)), false) => {
                let total = money::plain(total);
                format!("金额 {amount} 元：此学生在名单上的 {n} 笔缴费合计 {total} 元，{weighed}，{looks}，未记入")
            }
            (Some((n, total)), true) => {
                let total = money::plain(total);
                format!(
                    "the amount {amount} yuan: this pupil's {n} payments on the list come to {total} yuan, which \
                     {weighed_en}, {looks_en}; not recorded"
                )
            }
            (None, false) => format!("金额 {amount} 元{weighed}，{looks}，未记入"),
            (None, true) => format!("the amount {amount} yuan {weighed_en}, {looks_en}; not recorded"),
        }
    }

    /// The rule a held amount (`FarAmount`) was weighed by, and the rows summed, where the record keeps it.
    fn far_slip(&self) -> Option<(money::Slip, Option<(usize, i64)>)> {
        let w = self.weighed?;
        let fen = w.summed.map_or(self.amount_fen, |(_, total)| Some(total))?;
        Some((w.slip(fen)?, w.summed))
    }

    /// A held amount's rule as a form's 备注 says it after 「税务名单有此身份证号码的缴费，但」, in the words of
    /// [`Self::far_said`] (`check`): 「金额达到保费 400 元的 10 倍（4000 元）或以上，疑为以分为单位」. A record kept
    /// without its rule, in the general words.
    fn far_rule(&self) -> String {
        let Some((slip, summed)) = self.far_slip() else {
            return "金额远超保费，疑为以分为单位或多写了 0".to_owned();
        };
        let (weighed, _) = slip.weighed();
        let (looks, _) = slip.far().words();
        match summed {
            Some((n, total)) => {
                format!("此学生在名单上的 {n} 笔缴费合计 {} 元，{weighed}，{looks}", money::plain(total))
            }
            None => format!("金额{weighed}，{looks}"),
        }
    }

    fn why_alone(&self, en: bool) -> String {
        let roster_name = self.roster_name.as_deref().unwrap_or_default();
        match (self.reason, en) {
            (UnappliedReason::UnknownNumber, false) => "名单中没有此身份证号码".to_owned(),
            (UnappliedReason::UnknownNumber, true) => "no pupil on the roster holds the number".to_owned(),
            (UnappliedReason::InvalidNumber, false) => "身份证号码未通过校验，无法核对".to_owned(),
            (UnappliedReason::InvalidNumber, true) => "the number fails the check: no pupil matched".to_owned(),
            (UnappliedReason::RoundedNumber, false) => {
                "身份证号码曾被表格当作数字保存（科学计数法或末几位变成 0），15 位之后的数字已丢失，无法核对".to_owned()
            }
            (UnappliedReason::RoundedNumber, true) => "the ID number was stored as a number by a spreadsheet \
                                                       (scientific notation, or its last digits zeros) and lost its \
                                                       digits after the 15th: no pupil matched"
                .to_owned(),
            (UnappliedReason::OtherName, false) => format!("本机记录为 {roster_name}，税务名单为 {}", self.name),
            (UnappliedReason::OtherName, true) => {
                format!("the roster holds the number under {roster_name}, the list says {}", self.name)
            }
            (UnappliedReason::MistypedNumber, false) => {
                format!("身份证号码校验位与同名学生 {roster_name} 的号码不同，像是同一人，待核实")
            }
            (UnappliedReason::MistypedNumber, true) => format!(
                "the number differs only in its check character from that of {roster_name}, of the same name: most \
                 likely the same child, to be confirmed"
            ),
            (UnappliedReason::RoundedRoster, false) => {
                format!("只按姓名对应到 {roster_name}（本机该生的号码曾被表格四舍五入，只留下前几位），待核实")
            }
            (UnappliedReason::RoundedRoster, true) => format!(
                "matched {roster_name} by the name only (the roster holds that pupil's number rounded by a \
                 spreadsheet, only its first digits left): to be confirmed"
            ),
            (UnappliedReason::RosterStatus, false) => {
                format!("本机记录为“{}”，税务名单为已缴费", self.roster_status_label(false))
            }
            (UnappliedReason::RosterStatus, true) => {
                format!("the roster says {}, the list paid", self.roster_status_label(true))
            }
            (UnappliedReason::Held, false) => match &self.written_amount {
                Some(written) => format!("缴费金额“{written}”无法识别，此学生在税务名单中的缴费一律未记录"),
                None => "此学生在税务名单中有退费或无法识别的金额，缴费一律未记录".to_owned(),
            },
            (UnappliedReason::Held, true) => match &self.written_amount {
                Some(written) => format!("the amount “{written}” is not understood: none of the pupil's rows recorded"),
                None => "the list has a refund or an amount not understood for this pupil: none of the rows recorded"
                    .to_owned(),
            },
            (UnappliedReason::ReceiptConflict, false) => "同一票证号码金额不一致".to_owned(),
            (UnappliedReason::ReceiptConflict, true) => "one receipt number with different amounts".to_owned(),
            (UnappliedReason::OtherPayer, false) => "与此学生的其他缴费付款方不同（个人缴费与部门代缴）".to_owned(),
            (UnappliedReason::OtherPayer, true) => {
                "another payer than the pupil's other payments (the family's and a department's)".to_owned()
            }
            (UnappliedReason::OutsideYear, false) => match self.year {
                Some(year) => {
                    format!("缴费日期不可能是 {year} 年度的缴费（早于该年度的缴费期、晚于年度结束或早于出生日期）")
                }
                None => "缴费日期不可能是本年度的缴费（早于缴费期、晚于年度结束或早于出生日期）".to_owned(),
            },
            (UnappliedReason::OutsideYear, true) => match self.year {
                Some(year) => format!(
                    "dated where no payment for insured year {year} can be (before its payment windows, after the \
                     year, or before the birth date)"
                ),
                None => "dated where no payment for the year can be (before its payment windows, after the year, or \
                         before the birth date)"
                    .to_owned(),
            },
            (UnappliedReason::FutureDate, false) => "缴费日期晚于核对当天，不可能已缴费".to_owned(),
            (UnappliedReason::FutureDate, true) => "dated after the day the list was reconciled".to_owned(),
            (UnappliedReason::RecordedDiffers, false) => {
                "与已记录的缴费（金额或日期）不同，已记录的缴费未替换".to_owned()
            }
            (UnappliedReason::RecordedDiffers, true) => {
                "another amount or date than the payment recorded, which was not replaced".to_owned()
            }
            (UnappliedReason::AgencyNotRegistered, _) => {
                let listed = self.agency_status.as_deref().map(str::trim).filter(|s| !s.is_empty());
                let roster = self.roster_status_label(en);
                match (listed, en) {
                    (Some(word), false) => format!("医保经办机构反馈为“{word}”，本机为“{roster}”，计为已参保"),
                    (None, false) => format!("医保经办机构反馈的参保状态为空，本机为“{roster}”，计为已参保"),
                    (Some(word), true) => {
                        format!("the agency's feedback says “{word}”, while the drive has the pupil {roster}: insured")
                    }
                    (None, true) => {
                        format!(
                            "the agency's feedback gives no status, while the drive has the pupil {roster}: insured"
                        )
                    }
                }
            }
            (UnappliedReason::NoNumber, false) => "此行没有身份证号码，按姓名找不到唯一的学生，无法核对".to_owned(),
            (UnappliedReason::NoNumber, true) => {
                "the row gives no ID number, and its name is not that of one pupil: not matched".to_owned()
            }
            (UnappliedReason::FarAmount, _) => self.far_said(en),
            (UnappliedReason::RepeatedReceipt, _) => {
                let receipt = self.receipt.as_deref().unwrap_or_default();
                let at = self.earlier.as_ref().map(|e| self.earlier_said(e, en)).unwrap_or_default();
                if en {
                    format!(
                        "receipt {receipt} is also on {at}, with the same amount: one payment under two payers, this \
                         row not recorded"
                    )
                } else {
                    format!("票证号码 {receipt} 也在 {at}，金额相同，是同一笔缴费记在两人名下，此行未记入")
                }
            }
        }
    }

    /// A family's payment the list holds for a pupil a department pays for (财政代缴): kept either as the roster's
    /// 财政代缴 against it, or as the other payer beside the department's row. The family paid on top of the
    /// department, so money is to be refunded or a mark corrected, which the 财政代缴 mark does not settle.
    pub fn beside_department(&self) -> bool {
        match self.reason {
            UnappliedReason::RosterStatus => self.roster_status.as_deref() == Some(PaymentStatus::Government.code()),
            UnappliedReason::OtherPayer => true,
            _ => false,
        }
    }

    /// What the operator does about it, in words.
    pub fn advice(&self, en: bool) -> &'static str {
        if self.reason == UnappliedReason::RosterStatus && self.beside_department() {
            return if en {
                "the pupil is marked government paid and the family paid too: check whether the department paid; if \
                 it did, the family's payment is to be refunded, if not, mark the pupil paid and reconcile again"
            } else {
                "此学生已登记财政代缴，家庭又缴了费：请核实部门是否已代缴；已代缴的，家庭的缴费应办理退费；未代缴的，改为已缴费后重新对账"
            };
        }
        match (self.reason, en) {
            (UnappliedReason::UnknownNumber, false) => {
                "若是本校学生，请添加该学生（界面：命令面板（:）选「添加学生」；命令行：canbao add）或更正名单中的号码，\
                 然后重新对账；否则请向税务核实"
            }
            (UnappliedReason::UnknownNumber, true) => {
                "if the child is at this school, add the pupil (on the screen: the palette's (:) \"Add a pupil\"; on \
                 the command line: canbao add) or correct the number held, and reconcile again; otherwise check with \
                 the tax office"
            }
            (UnappliedReason::InvalidNumber, false) => "请向税务核实号码，找到学生后更正号码并重新对账",
            (UnappliedReason::InvalidNumber, true) => {
                "check the number with the tax office; find the pupil, correct the number and reconcile again"
            }
            (UnappliedReason::RoundedNumber, false) => {
                "请在原表格中把身份证号码列设为文本格式，填入完整号码后重新导出，再核对"
            }
            (UnappliedReason::RoundedNumber, true) => {
                "set the ID number column of the source sheet to text, fill in the whole numbers and export the list \
                 again, and reconcile it again"
            }
            (UnappliedReason::MistypedNumber, false) => {
                "请向税务核实号码；确是此学生的缴费的，在学生详情中手工记录缴费，学生的号码无需更改"
            }
            (UnappliedReason::MistypedNumber, true) => {
                "check the number with the tax office; if the payment is the pupil's, record it by hand on the detail \
                 screen; the pupil's number needs no change"
            }
            (UnappliedReason::RoundedRoster, false) => {
                "请向家长或税务核实号码；是该生的号码的，在学生详情中按 E 把号码更正为此号码，再重新对账"
            }
            (UnappliedReason::RoundedRoster, true) => {
                "check the number with the family or the tax office; if it is the pupil's, correct the pupil's number \
                 to it with E on the detail screen and reconcile again"
            }
            (UnappliedReason::OtherName, false) => "核实姓名后在学生详情中按 E 更正，再重新对账",
            (UnappliedReason::OtherName, true) => {
                "check the name, correct it with E on the detail screen, and reconcile again"
            }
            (UnappliedReason::RosterStatus, false) => "核实此学生的参保状态，更正后重新对账，或手工记录缴费",
            (UnappliedReason::RosterStatus, true) => {
                "check the pupil's standing: correct it and reconcile again, or record the payment by hand"
            }
            (UnappliedReason::OutsideYear, false) => {
                "若是往年的缴费，本年度仍需缴费；若日期有误，请向税务核实后手工记录缴费"
            }
            (UnappliedReason::OutsideYear, true) => {
                "a payment for an earlier year leaves this year unpaid; if the date is wrong, check with the tax \
                 office, then record the payment by hand"
            }
            (UnappliedReason::FutureDate, false) => "请向税务核实缴费日期，再手工记录缴费或用更正后的名单重新对账",
            (UnappliedReason::FutureDate, true) => {
                "check the payment date with the tax office, then record the payment by hand or reconcile a corrected \
                 list"
            }
            (UnappliedReason::RecordedDiffers, false) => {
                "请向税务核实哪一笔是本年度的缴费，核实前不要向家长补收或退费；名单正确时，先清除已记录的缴费再重新核对，或手工更正"
            }
            (UnappliedReason::RecordedDiffers, true) => {
                "check with the tax office which is this year's payment, and ask the family for nothing more nor refund \
                 anything until then; if the list is right, clear the recorded payment and reconcile again, or correct \
                 it by hand"
            }
            (UnappliedReason::NoNumber, false) => {
                "请向税务核实缴费人的身份证号码；是本校学生的，在学生详情中手工记录缴费，或用补全号码的名单重新对账"
            }
            (UnappliedReason::NoNumber, true) => {
                "ask the tax office for the payer's ID number; if the child is at this school, record the payment by hand on the detail screen, or reconcile a list with the number filled in"
            }
            (UnappliedReason::AgencyNotRegistered, false) => {
                "请向医保经办机构核实：缴费或代缴确已到账的，请其补办参保登记；未到账的，更正本机的缴费记录；核实后用 canbao check \
                 --dismiss 编号 --why 说明 销项"
            }
            (UnappliedReason::AgencyNotRegistered, true) => {
                "check with the agency: if the payment (or the department's) reached it, have it register the pupil; if \
                 not, correct the payment recorded here; once sorted out, dismiss it: canbao check --dismiss N --why TEXT"
            }
            (UnappliedReason::RepeatedReceipt, false) => {
                "请向税务核实是谁的缴费：是此行学生的，在学生详情中手工记录缴费；核实后用 canbao check --dismiss 编号 --why 说明 销项"
            }
            (UnappliedReason::RepeatedReceipt, true) => {
                "ask the tax office whose payment it is; if it is this row's child, record it by hand on the detail \
                 screen; once sorted out, dismiss it: canbao check --dismiss N --why TEXT"
            }
            (UnappliedReason::FarAmount, false) => {
                "请向税务核实实缴金额：名单以分为单位的，请用以元为单位的名单重新对账；否则在学生详情中按实缴金额手工记录缴费"
            }
            (UnappliedReason::FarAmount, true) => {
                "check the amount paid with the tax office: reconcile a list in yuan if this one is in fen, or record \
                 the amount paid by hand on the detail screen"
            }
            (UnappliedReason::Held | UnappliedReason::ReceiptConflict | UnappliedReason::OtherPayer, false) => {
                "请向税务核实后手工记录缴费"
            }
            (UnappliedReason::Held | UnappliedReason::ReceiptConflict | UnappliedReason::OtherPayer, true) => {
                "check with the tax office, then record the payment by hand"
            }
        }
    }

    /// Why a payment kept under a number nobody held (`UnknownNumber`) is still not recorded once a pupil holds
    /// the number (`holder`, the roster's name): the number was corrected or the pupil added after the list was
    /// reconciled, and only reconciling it again decides the payment (by the names, as it does for every row), so
    /// 「名单中没有此身份证号码」 would be false and send the operator to add a pupil the roster has.
    pub fn why_number_now_held(&self, holder: &str, en: bool) -> String {
        if en {
            format!("the number is on the roster now ({holder}): the payment was not recorded when the list was read")
        } else {
            format!("号码已在名单中（{holder}），核对时尚无此号码，缴费未记入")
        }
    }

    /// What the operator does about [`UnappliedPayment::why_number_now_held`].
    pub fn advice_number_now_held(en: bool) -> &'static str {
        if en { "reconcile the tax office's list again" } else { "请重新核对税务名单" }
    }

    /// The amount in yuan, or a question mark when the list's could not be read.
    pub fn amount_text(&self) -> String {
        self.amount_fen.map_or_else(|| "?".to_owned(), money::plain)
    }

    /// Where on the list: `税务.xlsx [十月] 第 3 行` (`税务.xlsx [十月] row 3`).
    pub fn place(&self, en: bool) -> String {
        list_place(&self.file, &self.sheet, self.row, en)
    }

    /// The record in one line, as the pupil's history says it: name, amount, date, receipt, place, why.
    pub fn summary(&self, en: bool) -> String {
        let day = self.paid_on.map(|d| d.to_string());
        let receipt = self.receipt.as_ref().map(|r| if en { format!("receipt {r}") } else { format!("票证号码 {r}") });
        let amount = if en { format!("{} yuan", self.amount_text()) } else { format!("{} 元", self.amount_text()) };
        // The agency's word on a pupil holds no amount.
        let amount = (self.reason != UnappliedReason::AgencyNotRegistered).then_some(amount);
        let parts: Vec<String> = [Some(self.name.clone()), amount, day, receipt, Some(self.place(en))]
            .into_iter()
            .flatten()
            .filter(|p| !p.is_empty())
            .collect();
        if en {
            format!("{} ({})", parts.join(", "), self.why(true))
        } else {
            format!("{}（{}）", parts.join("，"), self.why(false))
        }
    }
}

/// Whether the payment the drive records for the pupil (`recorded`, a 已缴费 mark) is this kept record's payment, so
/// the record is settled: only a record [`said_on_forms`] (the tax office's payment for the pupil's number, held
/// as 待核实 under another name, an unread amount, a number typed wrong or held since) asks this; any other kind is
/// settled by the pupil's payment as before. Such a payment is likely the family's own: a payment recorded at the
/// counter on another day or for another amount is a second one the family may have been charged, and stays
/// flagged until the recorded payment is that payment (its amount and date, as the list gives them).
pub fn settled_by_recorded(record: &UnappliedPayment, recorded: &super::student::PaymentDetails) -> bool {
    if !said_on_forms(record) {
        return true;
    }
    let same_amount = record.amount_fen.is_none_or(|fen| recorded.amount_fen == Some(fen));
    let same_day = record.paid_on.is_none_or(|day| recorded.paid_on == Some(day));
    same_amount && same_day
}

/// What a payment form, a class's payment question or `mark` says before recording a payment for a pupil the tax
/// office's list already holds a payment for under this pupil's number (`records`, each [`said_on_forms`]): the
/// amount, the date and the name on the list, so the family is not charged twice. `None` for no record.
pub fn already_paid_warning(name: &str, records: &[&UnappliedPayment], en: bool) -> Option<String> {
    let mut each: Vec<String> = Vec::new();
    for r in records {
        let day = r.paid_on.map_or_else(|| (if en { "no date" } else { "日期不详" }).to_owned(), |d| d.to_string());
        let one = if en {
            format!("{} yuan on {day} under the name {}", r.amount_text(), r.name.trim())
        } else {
            format!("{} 元（{day}，税务名单上的姓名为 {}）", r.amount_text(), r.name.trim())
        };
        if !each.contains(&one) {
            each.push(one);
        }
    }
    if each.is_empty() {
        return None;
    }
    Some(if en {
        format!(
            "the tax office already holds a payment for {name}'s ID number: {}; check with the tax office before \
             the family pays again",
            each.join(", ")
        )
    } else {
        format!("税务名单已有 {name} 身份证号码的缴费：{}；请先向税务核实，勿让家庭重复缴费", each.join("、"))
    })
}

/// Why a kept record [`said_on_forms`] is still listed beside a pupil the drive records paid on another day or for
/// another amount ([`settled_by_recorded`]): the family may have paid twice.
pub fn why_paid_twice(record: &UnappliedPayment, recorded: &super::student::PaymentDetails, en: bool) -> String {
    let amount = recorded.amount_fen.map_or_else(|| "?".to_owned(), money::plain);
    let day = recorded.paid_on.map_or_else(|| (if en { "no date" } else { "日期不详" }).to_owned(), |d| d.to_string());
    if en {
        format!(
            "the pupil's payment is recorded ({amount} yuan, {day}) and the tax office holds another for the number \
             ({}): the family may have paid twice",
            record.why(true)
        )
    } else {
        format!(
            "本机已登记缴费（{amount} 元，{day}），税务名单另有此号码的缴费（{}）：家庭可能重复缴费",
            record.why(false)
        )
    }
}

/// What the operator does about [`why_paid_twice`].
pub fn advice_paid_twice(record: &UnappliedPayment, en: bool) -> String {
    let day = record.paid_on.map_or_else(|| (if en { "its date" } else { "其日期" }).to_owned(), |d| d.to_string());
    let amount = record.amount_text();
    if en {
        format!(
            "check with the tax office: if it is the same payment, set the recorded payment to {amount} yuan on {day} \
             on the detail screen; if not, the family paid twice and one payment is to be refunded"
        )
    } else {
        format!(
            "此学生已登记缴费，税务名单另有一笔：请向税务核实；是同一笔的，在学生详情中把缴费改为 {amount} 元、{day}；\
             不是的，家庭重复缴费，应办理退费"
        )
    }
}

/// How [`other_name_remark`] begins and ends, so a form read back knows the remark for canbao's.
const OTHER_NAME_PREFIX: &str = "税务名单有此身份证号码的缴费，但";
const OTHER_NAME_END: &str = "待核实";

/// Whether a kept record is one the forms' 备注 say beside an unpaid pupil's 否 ([`other_name_remark`]): a payment
/// held under another name, or one whose amount nobody could read (`4OO`), or one under a number nobody held when
/// the list was read (said only for a pupil who holds the number since).
pub fn said_on_forms(record: &UnappliedPayment) -> bool {
    matches!(
        record.reason,
        UnappliedReason::OtherName
            | UnappliedReason::MistypedNumber
            | UnappliedReason::UnknownNumber
            | UnappliedReason::FarAmount
            | UnappliedReason::RoundedRoster
    ) || (record.reason == UnappliedReason::Held && record.written_amount.is_some())
}

/// What a form's 备注 says of the tax office's payments kept under another name than the roster's for the pupil
/// holding the number (`UnappliedReason::OtherName`), while the drive records no payment for the pupil: 「税务名单有此
/// 身份证号码的缴费，但姓名为 潘某某（380 元，2023-10-10），待核实」. The pupil reads 是否参保 否 on the forms, and
/// without it a teacher or the agency would take the child for simply unpaid and have the family pay again, where
/// the tax office may well hold the family's payment under a name typed wrong on either side. A payment whose
/// amount could not be read is said the same way: 「税务名单有此身份证号码的缴费，但金额无法识别（“4OO”，2026-11-21，
/// 税务.csv 第 2 行），待核实」. The same payment kept twice (the list read again, on two laptops) is said once.
/// `None` for no record.
pub fn other_name_remark(records: &[&UnappliedPayment]) -> Option<String> {
    let mut names: Vec<String> = Vec::new();
    let mut unread: Vec<String> = Vec::new();
    let mut mistyped: Vec<String> = Vec::new();
    let mut now_held: Vec<String> = Vec::new();
    let mut by_name: Vec<String> = Vec::new();
    // By the rule each was weighed by, as `check` says it: one part per rule.
    let mut far: Vec<(String, Vec<String>)> = Vec::new();
    for r in records {
        let day = r.paid_on.map_or_else(|| "日期不详".to_owned(), |d| d.to_string());
        // 「；」 parts a 备注 read back: a name never holds one, but a list's cell may.
        let (one, list) = match (&r.written_amount, r.reason) {
            (Some(written), UnappliedReason::Held) => {
                (format!("“{}”，{day}，{}", written.trim().replace('；', "，"), r.place(false)), &mut unread)
            }
            (_, UnappliedReason::MistypedNumber) => {
                (format!("{}（{} 元，{day}）", r.name.trim().replace('；', "，"), r.amount_text()), &mut mistyped)
            }
            (_, UnappliedReason::UnknownNumber) => {
                (format!("{}（{} 元，{day}）", r.name.trim().replace('；', "，"), r.amount_text()), &mut now_held)
            }
            (_, UnappliedReason::RoundedRoster) => {
                (format!("{}（{} 元，{day}）", r.name.trim().replace('；', "，"), r.amount_text()), &mut by_name)
            }
            (_, UnappliedReason::FarAmount) => {
                let rule = r.far_rule();
                let at = match far.iter().position(|(said, _)| *said == rule) {
                    Some(at) => at,
                    None => {
                        far.push((rule, Vec::new()));
                        far.len() - 1
                    }
                };
                (format!("{} 元，{day}，{}", r.amount_text(), r.place(false)), &mut far[at].1)
            }
            _ => (format!("{}（{} 元，{day}）", r.name.trim().replace('；', "，"), r.amount_text()), &mut names),
        };
        if !list.contains(&one) {
            list.push(one);
        }
    }
    let mut said = Vec::new();
    if !names.is_empty() {
        said.push(format!("{OTHER_NAME_PREFIX}姓名为 {}，{OTHER_NAME_END}", names.join("、")));
    }
    if !unread.is_empty() {
        said.push(format!("{OTHER_NAME_PREFIX}金额无法识别（{}），{OTHER_NAME_END}", unread.join("、")));
    }
    if !mistyped.is_empty() {
        said.push(format!("{OTHER_NAME_PREFIX}号码校验位不同（{}），{OTHER_NAME_END}", mistyped.join("、")));
    }
    if !now_held.is_empty() {
        said.push(format!(
            "{OTHER_NAME_PREFIX}核对时名单中尚无此号码，缴费未记入（{}），请重新核对税务名单，{OTHER_NAME_END}",
            now_held.join("、")
        ));
    }
    if !by_name.is_empty() {
        said.push(format!(
            "{OTHER_NAME_PREFIX}只按姓名对应（{}），本机此学生的号码曾被表格四舍五入，请向家长或税务核实号码，\
             {OTHER_NAME_END}",
            by_name.join("、")
        ));
    }
    for (rule, each) in far {
        said.push(format!("{OTHER_NAME_PREFIX}{rule}（{}），{OTHER_NAME_END}", each.join("、")));
    }
    (!said.is_empty()).then(|| said.join("；"))
}

/// Whether a part of a 备注 is one [`other_name_remark`] writes: a form read back takes it for canbao's words,
/// never for a reason or a note.
pub fn is_other_name_remark(part: &str) -> bool {
    let part = part.trim();
    part.starts_with(OTHER_NAME_PREFIX) && part.ends_with(OTHER_NAME_END)
}

/// How [`flagged_name_remark`] begins and ends, so a form read back knows the remark for canbao's.
const FLAGGED_NAME_PREFIX: &str = "税务名单有同名的缴费，身份证号码为 ";
const FLAGGED_NAME_END: &str = "若是此学生即其正确号码，待核实";

/// What the student information sheet's 备注 says of a pupil held with a number that failed the check while the tax
/// office's list holds a payment under the pupil's name and a valid number nobody on the roster holds
/// (`UnappliedReason::UnknownNumber`, each with the number as `number` shows it): reconcile names the pupil beside
/// that row (「名单中有同名学生…号码未通过校验」) and `check` lists the payment until the number is corrected, while
/// the sheet's 否 and 「身份证号码未通过校验」 would have the family pay again for a child the tax office may hold
/// paid under the corrected number. In Chinese, for the form, and in English: 「税务名单有同名的缴费，身份证号码为
/// 4502**********1381（380 元，2023-10-10），若是此学生即其正确号码，待核实」. The same payment kept twice is said
/// once. `None` for no payment.
pub fn flagged_name_remark(
    payments: &[(&str, &UnappliedPayment)],
    number: impl Fn(&str) -> String,
) -> Option<(String, String)> {
    let (mut zh, mut en): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for (id, r) in payments {
        let (shown, amount) = (number(id), r.amount_text());
        // 「；」 parts a 备注 read back: a number never holds one.
        let one = match r.paid_on {
            Some(day) => format!("{shown}（{amount} 元，{day}）"),
            None => format!("{shown}（{amount} 元，日期不详）"),
        };
        if !zh.contains(&one) {
            zh.push(one);
            en.push(match r.paid_on {
                Some(day) => format!("{shown} ({amount} yuan, {day})"),
                None => format!("{shown} ({amount} yuan, no date)"),
            });
        }
    }
    (!zh.is_empty()).then(|| {
        (
            format!("{FLAGGED_NAME_PREFIX}{}，{FLAGGED_NAME_END}", zh.join("、")),
            format!(
                "the tax office's list holds a payment under this name with ID number {}: if it is this pupil's, it \
                 is the correct number; to be checked",
                en.join(", ")
            ),
        )
    })
}

/// Whether a part of a 备注 is one [`flagged_name_remark`] writes: a form read back takes it for canbao's words,
/// never for the pupil's note.
pub fn is_flagged_name_remark(part: &str) -> bool {
    let part = part.trim();
    part.starts_with(FLAGGED_NAME_PREFIX) && part.ends_with(FLAGGED_NAME_END)
}

/// The characters of a [`reference`]: Crockford's base 32 (no I, L, O nor U, which read as 1, 1, 0 and V).
const REFERENCE_CHARS: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The letters of [`REFERENCE_CHARS`], a reference's first character: a reference is never a number, so
/// `check --dismiss 3` and `check --dismiss K3F9QX` cannot be mistaken for one another.
const REFERENCE_LETTERS: &[u8; 22] = b"ABCDEFGHJKMNPQRSTVWXYZ";

/// A kept payment's reference: six characters (`K3F9QX`) made from the payment itself, the same on every laptop,
/// where its number (`kept_numbers`) is the one this laptop gave it, so that after a merge either way the same
/// payment may be 「第 3 条」 here and 「第 5 条」 there. Made from what tells two payments apart
/// ([`UnappliedPayment::same_payment`]) as the masked line shows it: the number it was kept under masked
/// (`4502**********1381`, as `check` prints it), the insured year, the amount, the receipt (else the date), the
/// name where the name tells payments apart, the school as the list gives it. Never from the digits the mask hides:
/// the other parts are on the line, and trying every county code and birth date against a reference made from
/// the whole number would give the number back from a list printed masked. Two payments of one mask, amount and
/// receipt (or day) share one; `check --dismiss` then asks for the number.
pub fn reference(id_number: &str, record: &UnappliedPayment) -> String {
    let receipt = record.receipt.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let by_name = matches!(record.reason, UnappliedReason::NoNumber | UnappliedReason::RepeatedReceipt);
    let parts = [
        super::id_number::mask(id_number.trim()),
        record.year.map(|y| y.to_string()).unwrap_or_default(),
        record.amount_fen.map(|f| f.to_string()).unwrap_or_default(),
        match (receipt, record.paid_on) {
            (Some(r), _) => format!("r:{r}"),
            (None, Some(day)) => format!("d:{day}"),
            (None, None) => String::new(),
        },
        if by_name { record.name.trim().to_owned() } else { String::new() },
        record.school.as_deref().map(school_key).unwrap_or_default(),
    ];
    // FNV-1a, 64 bits: the same in every build and on every machine, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in &parts {
        for b in part.bytes().chain([0x1F]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
    let mut out = String::with_capacity(6);
    out.push(char::from(REFERENCE_LETTERS[(h % 22) as usize]));
    h /= 22;
    for _ in 0..5 {
        out.push(char::from(REFERENCE_CHARS[(h % 32) as usize]));
        h /= 32;
    }
    out
}

/// A payment `check` lists (or `check --dismissed`), as the operator names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinePick {
    /// Its number, this laptop's.
    Number(usize),
    /// Its [`reference`], the same on every laptop (as [`parse_reference`] reads it).
    Reference(String),
}

impl LinePick {
    /// Whether it names the line of `number` and `reference`.
    pub fn names(&self, number: usize, reference: &str) -> bool {
        match self {
            LinePick::Number(n) => *n == number,
            LinePick::Reference(r) => r == reference,
        }
    }
}

/// A [`reference`] as an operator types it: in either case, full-width, with a leading `#`, O for 0 and I or L for
/// 1 (as Crockford's base 32 reads them). `None` for anything that is not one.
pub fn parse_reference(typed: &str) -> Option<String> {
    let narrow = super::narrow(typed.trim());
    let text = narrow.trim_start_matches('#');
    let read: String = text
        .chars()
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect();
    let bytes = read.as_bytes();
    (bytes.len() == 6
        && REFERENCE_LETTERS.contains(&bytes[0])
        && bytes[1..].iter().all(|b| REFERENCE_CHARS.contains(b)))
    .then_some(read)
}

/// A row of a list as the reports name it: `税务.xlsx [十月] 第 3 行` (`税务.xlsx [十月] row 3`), no sheet for a CSV.
/// The kept payments with each one the log holds more than once (the same payment of the same pupil kept from
/// two readings, by a canbao that kept it again when the list came under another name) once, the first kept.
pub fn once_each(kept: Vec<KeptPayment>) -> Vec<KeptPayment> {
    once_each_numbered(kept.into_iter().map(|k| (k, ())).collect()).into_iter().map(|(k, ())| k).collect()
}

/// [`once_each`] of kept payments each with something of its own (the number it was kept under): the first
/// kept's.
pub fn once_each_numbered<T>(kept: Vec<(KeptPayment, T)>) -> Vec<(KeptPayment, T)> {
    let mut by_pupil: std::collections::HashMap<(Option<i64>, String), Vec<UnappliedPayment>> =
        std::collections::HashMap::new();
    let mut listed = Vec::with_capacity(kept.len());
    for (k, own) in kept {
        let held = by_pupil.entry((k.student_id, k.id_number.clone())).or_default();
        if !held.iter().any(|h| h.same_payment(&k.record)) {
            held.push(k.record.clone());
            listed.push((k, own));
        }
    }
    listed
}

pub fn list_place(file: &str, sheet: &str, row: usize, en: bool) -> String {
    let sheet = if sheet.is_empty() { String::new() } else { format!(" [{sheet}]") };
    if en { format!("{file}{sheet} row {row}") } else { format!("{file}{sheet} 第 {row} 行") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(reason: UnappliedReason) -> UnappliedPayment {
        UnappliedPayment {
            year: Some(2024),
            roster_name: Some("王明刚".into()),
            roster_status: Some("declined".into()),
            ..UnappliedPayment::for_test(
                "王明钢",
                38_000,
                NaiveDate::from_ymd_opt(2023, 10, 8),
                ("税务.csv", 3),
                reason,
            )
        }
    }

    #[test]
    fn a_record_reads_back_as_written_and_is_said_in_both_languages() {
        let kept = record(UnappliedReason::OtherName);
        assert_eq!(UnappliedPayment::from_json(&kept.to_json()), Some(kept.clone()));
        assert_eq!(
            kept.summary(false),
            "王明钢，380 元，2023-10-08，税务.csv 第 3 行（本机记录为 王明刚，税务名单为 王明钢）"
        );
        assert_eq!(
            kept.summary(true),
            "王明钢, 380 yuan, 2023-10-08, 税务.csv row 3 (the roster holds the number under 王明刚, the list says 王明钢)"
        );
        let remark = other_name_remark(&[&kept, &kept]).expect("a remark");
        assert_eq!(remark, "税务名单有此身份证号码的缴费，但姓名为 王明钢（380 元，2023-10-08），待核实");
        assert!(is_other_name_remark(&remark) && !is_other_name_remark("不参保：家长不同意"));
        assert_eq!(other_name_remark(&[]), None);
        let declined = record(UnappliedReason::RosterStatus);
        assert_eq!(declined.why(false), "本机记录为“不参保”，税务名单为已缴费");
        assert_eq!(declined.why(true), "the roster says declined, the list paid");
    }

    #[test]
    fn the_same_payment_read_from_another_file_is_one_payment() {
        let kept = |file: &str, receipt: Option<&str>, fen: i64, day: u32| KeptPayment {
            student_id: Some(7),
            id_number: "450203201909308803".into(),
            record: UnappliedPayment {
                file: file.into(),
                receipt: receipt.map(str::to_owned),
                amount_fen: Some(fen),
                paid_on: NaiveDate::from_ymd_opt(2026, 11, day),
                ..record(UnappliedReason::RecordedDiffers)
            },
        };
        let a = kept("tax.csv", Some("332023100000000"), 38_000, 20);
        // By receipt where both give one: the same receipt whatever the file; another receipt is another payment.
        assert!(a.record.same_payment(&kept("tax_gbk.csv", Some("332023100000000"), 38_000, 20).record));
        assert!(!a.record.same_payment(&kept("tax.csv", Some("332023100000001"), 38_000, 20).record));
        // One receipt with two amounts (a conflict) is two rows to keep.
        assert!(!a.record.same_payment(&kept("tax.csv", Some("332023100000000"), 40_000, 20).record));
        // Without a receipt: the amount and the day.
        let b = kept("tax.csv", None, 38_000, 20);
        assert!(b.record.same_payment(&kept("taxlink.csv", None, 38_000, 20).record));
        assert!(!b.record.same_payment(&kept("taxlink.csv", None, 38_000, 21).record));
        let other_pupil = KeptPayment { student_id: Some(8), ..a.clone() };
        let listed = once_each(vec![
            a.clone(),
            kept("taxlink.csv", Some("332023100000000"), 38_000, 20),
            kept("tax_u16.csv", Some("332023100000000"), 38_000, 20),
            other_pupil.clone(),
        ]);
        assert_eq!(listed, vec![a, other_pupil]);
    }

    /// The file a receipt was also met on is set apart from 「也在」 by a space, as every other name in the line is.
    #[test]
    fn the_other_row_of_a_receipt_is_named_after_a_space() {
        let earlier = EarlierRow { name: "周静露".into(), id_number: String::new(), sheet: String::new(), row: 2 };
        let repeated = UnappliedPayment {
            receipt: Some("R-001".into()),
            earlier: Some(earlier),
            file: "tax1.xlsx".into(),
            ..record(UnappliedReason::RepeatedReceipt)
        };
        assert!(
            repeated.why(false).starts_with("票证号码 R-001 也在 tax1.xlsx 第 2 行 周静露，"),
            "{}",
            repeated.why(false)
        );
        let conflict = UnappliedPayment { reason: UnappliedReason::ReceiptConflict, ..repeated };
        assert!(
            conflict.why(false).ends_with("；票证号码 R-001 也在 tax1.xlsx 第 2 行 周静露"),
            "{}",
            conflict.why(false)
        );
    }

    /// A kept payment's reference is the payment's own: the same read from another file or row, kept on another
    /// laptop, or with the list's name (where the number tells payments apart) typed otherwise; another amount,
    /// receipt or number is another reference. Typed in either case, with O for 0, it is read back.
    #[test]
    fn a_payment_has_one_reference_whatever_file_it_was_read_from() {
        let kept = UnappliedPayment { receipt: Some("332023100000000".into()), ..record(UnappliedReason::OtherName) };
        let number = "450203201909308803";
        let r = reference(number, &kept);
        assert_eq!(r.len(), 6);
        assert!(r.as_bytes()[0].is_ascii_uppercase(), "never a number: {r}");
        let elsewhere =
            UnappliedPayment { file: "tax_gbk.csv".into(), row: 9, name: "王明刚".into(), ..kept.clone() };
        assert!(kept.same_payment(&elsewhere));
        assert_eq!(reference(number, &elsewhere), r);
        let more = UnappliedPayment { amount_fen: Some(40_000), ..kept.clone() };
        assert_ne!(reference(number, &more), r);
        assert_ne!(reference("450203201909308811", &kept), r);
        assert_eq!(parse_reference(&r.to_lowercase()), Some(r.clone()));
        assert_eq!(parse_reference(&format!("#{r}")), Some(r.clone()));
        assert_eq!(parse_reference("KO1L2I"), Some("K01121".to_owned()));
        assert_eq!(parse_reference("123456"), None, "a number is a number");
        assert_eq!(parse_reference("K3F9Q"), None);
        // Rows without a number are told apart by the name.
        let unnumbered = |name: &str| UnappliedPayment { name: name.into(), ..record(UnappliedReason::NoNumber) };
        assert_ne!(reference("", &unnumbered("苏萱")), reference("", &unnumbered("王甲")));
    }

    /// A reference is made from the number as `check` masks it: two numbers differing only in the digits the mask
    /// hides (the county code and the birth date) give one reference, the masked number gives it too, and the
    /// digits shown still tell payments apart. Before, every hidden county code and birth date could be tried
    /// against a reference made from the whole number until one gave it, and the masked list gave the number back.
    #[test]
    fn a_reference_is_made_from_the_masked_number_and_gives_no_hidden_digit_back() {
        let kept =
            UnappliedPayment { receipt: Some("332026100000123".into()), ..record(UnappliedReason::UnknownNumber) };
        let number = "450203201709064162";
        let r = reference(number, &kept);
        assert_eq!(reference(&super::super::id_number::mask(number), &kept), r, "the masked line's number gives it");
        for hidden in ["450202201709174162", "450299201001014162", "450200000000004162"] {
            assert_eq!(reference(hidden, &kept), r, "{hidden}");
        }
        assert_ne!(reference("450203201709064163", &kept), r, "a digit shown is part of it");
        assert_ne!(reference("450303201709064162", &kept), r, "a digit shown is part of it");
        let by_day = UnappliedPayment { receipt: None, ..kept.clone() };
        assert_eq!(reference("450202201709174162", &by_day), reference(number, &by_day));
        assert_ne!(reference(number, &by_day), r);
    }

    /// A tax payment held because only the name tied it to a pupil whose number a spreadsheet rounded
    /// (`RoundedRoster`) is said beside the pupil's 否 on the forms, in the words of the other held payments, and
    /// read back as canbao's; before, the forms said nothing and the pupil read simply unpaid.
    #[test]
    fn a_payment_matched_by_name_to_a_rounded_number_is_said_on_the_forms() {
        let kept = record(UnappliedReason::RoundedRoster);
        assert!(said_on_forms(&kept));
        let remark = other_name_remark(&[&kept]).expect("a remark");
        assert_eq!(
            remark,
            "税务名单有此身份证号码的缴费，但只按姓名对应（王明钢（380 元，2023-10-08）），本机此学生的号码曾被表格四舍五入，\
             请向家长或税务核实号码，待核实"
        );
        assert!(is_other_name_remark(&remark));
    }

    /// A held far amount's 备注 says the rule it was weighed by, as `check` does (the pupil's premium, or the ceiling
    /// of one payment, or the rows summed), not the general 「金额远超保费」, kept only for a record without its rule.
    #[test]
    fn a_held_far_amount_is_said_on_the_forms_by_its_rule() {
        let far = |weighed: Option<Weighed>, fen: i64| UnappliedPayment {
            amount_fen: Some(fen),
            weighed,
            ..record(UnappliedReason::FarAmount)
        };
        let premium = Weighed::of(money::Slip::Premium { far: money::FarAmount::InFen, full: 40_000 }, None);
        let by_premium = far(Some(premium), 4_000_000);
        let remark = other_name_remark(&[&by_premium]).expect("a remark");
        assert_eq!(
            remark,
            "税务名单有此身份证号码的缴费，但金额达到保费 400 元的 10 倍（4000 元）或以上，疑为以分为单位\
             （40000 元，2023-10-08，税务.csv 第 3 行），待核实"
        );
        assert!(by_premium.why(false).contains("达到保费 400 元的 10 倍（4000 元）或以上"));
        let ceiling = Weighed::of(money::Slip::Ceiling { ceiling: 400_000, most: None }, Some((2, 800_000)));
        let summed = far(Some(ceiling), 400_000);
        let remark = other_name_remark(&[&summed]).expect("a remark");
        assert!(
            remark.contains(
                "但此学生在名单上的 2 笔缴费合计 8000 元，达到一名学生一年缴费的上限 4000 元（未选政策，按 4000 元计）"
            ),
            "{remark}"
        );
        assert!(is_other_name_remark(&remark));
        let old = far(None, 4_000_000);
        let remark = other_name_remark(&[&old]).expect("a remark");
        assert!(remark.contains("但金额远超保费，疑为以分为单位或多写了 0（40000 元"), "{remark}");
        // Two rules, two parts.
        let both = other_name_remark(&[&by_premium, &old]).expect("a remark");
        assert_eq!(both.split('；').count(), 2, "{both}");
    }
}
