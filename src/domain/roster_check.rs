//! `canbao check`: what is wrong with the roster as a whole — the same person twice, invalid ID numbers, pupils
//! with no class, categories nobody certifies. Pure: it reads pupils and says what it found.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use super::category::CategoryTable;
use super::id_number::{self, IdProblem};
use super::money;
use super::policy::{
    AmountDispute, PaidFirst, Policy, ShareReason, certified_department_share, family_share, paid_first, quote_pupil,
    recorded_payment_date_error, shortfall_fen,
};
use super::same_child::Signs;
use super::student::{Enrollment, PaymentStatus, Student};
use super::unapplied::{KeptPayment, UnappliedPayment, UnappliedReason};

/// Whether what the drive records for pupil `s` settles the kept payment `record`, so `check` no longer lists it:
/// a family's payment that is this one (a record held as 待核实 is settled only by its own amount and date), or a
/// 财政代缴 mark beside a record that is not the family's on top of the department's. A reconcile counts the
/// payments it keeps by this rule too, so its count is what `check` lists.
pub fn kept_settled_by(record: &UnappliedPayment, s: &Student) -> bool {
    match s.payment {
        // A payment held under another name (or otherwise 待核实) is likely the family's own: a payment recorded
        // at the counter since, on another day or for another amount, is a second one, not this one.
        PaymentStatus::Paid => {
            !(record.reason == UnappliedReason::RecordedDiffers
                && matches!((s.payment_details.amount_fen, record.amount_fen), (Some(a), Some(b)) if a != b))
                && super::unapplied::settled_by_recorded(record, &s.payment_details)
        }
        PaymentStatus::Government => !record.beside_department(),
        PaymentStatus::Unpaid => false,
    }
}

/// A pupil as a finding names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PupilRef {
    pub name: String,
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub school: String,
    pub class: String,
}

impl From<&Student> for PupilRef {
    fn from(s: &Student) -> Self {
        PupilRef {
            name: s.name.clone(),
            id_number: s.id_number.clone(),
            school: s.school.clone(),
            class: s.class_label(),
        }
    }
}

/// Pupils that look like the same person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicateGroup {
    /// The shared ID number, or the shared name and birth date.
    pub key: String,
    pub pupils: Vec<PupilRef>,
}

/// `serialize_with` for the groups of pupils holding one number: their key is that number, shown as the report's
/// ID fields are (`id_shown`); the other groups' keys are a name and a birth date or class.
fn same_id_shown<S: serde::Serializer>(groups: &[DuplicateGroup], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Shown<'a> {
        #[serde(serialize_with = "super::id_shown::id")]
        key: &'a str,
        pupils: &'a [PupilRef],
    }
    s.collect_seq(groups.iter().map(|g| Shown { key: &g.key, pupils: &g.pupils }))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvalidId {
    #[serde(flatten)]
    pub pupil: PupilRef,
    pub problem: String,
    pub problem_en: String,
}

/// A pupil whose phone is no phone number: the phone with any ID number in it masked (it is never shown whole,
/// `--reveal` or not: whose number it is nobody knows), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OddPhone {
    #[serde(flatten)]
    pub pupil: PupilRef,
    pub phone: String,
    pub problem: String,
    pub problem_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UncertifiedCategory {
    #[serde(flatten)]
    pub pupil: PupilRef,
    pub category: String,
    /// The department the category table names, when the category is known there.
    pub table_department: Option<String>,
}

/// Everything `check` found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CheckReport {
    pub students: usize,
    /// The same ID number on several pupils (only possible for numbers that failed the check, since a valid
    /// number is unique in the file).
    #[serde(serialize_with = "same_id_shown")]
    pub same_id: Vec<DuplicateGroup>,
    /// The same name and birth date under different ID numbers: likely one person typed twice.
    pub same_name_birth: Vec<DuplicateGroup>,
    /// The same name in the same class where a number was rounded by a spreadsheet (precision lost): likely
    /// one child entered twice, once from a numeric cell, which no birth date can tie.
    pub same_name_class_rounded: Vec<DuplicateGroup>,
    /// The same name in the same class where a pupil has no ID number at all beside one who has: likely one child
    /// entered twice, once from a list whose number cell was empty (or a formula with no saved result).
    pub same_name_class_unnumbered: Vec<DuplicateGroup>,
    /// The same name in the same class under different valid numbers born on different days (those born the same
    /// day are `same_name_birth`): one child whose number was corrected in its birth date and imported again as
    /// a new pupil, or two children of one name in a class, rare enough to be always worth a look.
    pub same_name_class_numbers: Vec<DuplicateGroup>,
    /// A pupil whose number fails the check, and a pupil of the same name holding a valid number that is the
    /// same in its first 17 characters (a check character typed wrong), or, in the same class, differs in one
    /// place: likely one child entered twice, which no birth date can tie. The flagged pupil comes first.
    pub same_name_mistyped: Vec<DuplicateGroup>,
    pub invalid_ids: Vec<InvalidId>,
    /// A phone that is no phone number by the one rule of phones (`phone::not_a_phone`): an ID number, too many
    /// or too few digits, as a drive of an earlier canbao (or a merge from one) may hold (`phone::is_no_phone`). A
    /// word (无, a name) is not one.
    pub odd_phones: Vec<OddPhone>,
    pub no_class: Vec<PupilRef>,
    /// Imported without a name (a formula with no saved result, an empty 姓名 beside a number): the forms say
    /// 「姓名为空，待核实」 beside the row, and the batch template registers nobody from it.
    pub no_name: Vec<PupilRef>,
    /// 不参保 without a reason (DOMAIN: declined "with a reason"): marked before canbao asked for one, or brought in
    /// by a merge from such a drive.
    pub declined_without_reason: Vec<PupilRef>,
    /// Categories on a pupil with no certifying department (认定部门).
    pub categories_without_department: Vec<UncertifiedCategory>,
    /// Marked 财政代缴 with no special category: no department to bill, and the ledger shows none. A pupil
    /// insured elsewhere whom the ledgers count in 异地缴费 is not one: the department that paid is there.
    pub government_without_category: Vec<PupilRef>,
    /// Marked 财政代缴 where the policy has the department pay nothing on the pupil's behalf, or cannot say
    /// what it pays (a 差额补助, a category without a subsidy, one the category table does not know): the
    /// 财政代缴 ledger says 待核实 beside them (only with a policy).
    pub government_to_verify: Vec<GovernmentToVerify>,
    /// A valid number whose holder is older than any pupil (over [`OLDEST_PUPIL`]): most often a parent's
    /// number typed for the child, which the agency would register as it stands.
    pub too_old: Vec<AgedPupil>,
    /// A valid number whose holder's age does not fit the pupil's grade (a baby or a five-year-old in 初一): a
    /// sibling's number, or the wrong grade; the forms say it in 备注 (`pupil_flags::age_remark`).
    pub age_for_grade: Vec<GradeAgePupil>,
    /// A holder of a residence permit for Hong Kong, Macao or Taiwan residents or of a foreigner's permanent
    /// residence card, or of a resident number from outside the policy's `local_area_codes`, in a category the
    /// policy subsidises only for 本市户籍 (only with a policy): the forms say
    /// it in 备注 (`pupil_flags::hukou_remark`), for the certifying department to confirm.
    pub local_hukou: Vec<HukouPupil>,
    /// Paid by the family, less than the policy's amount due (only with a policy).
    pub underpaid: Vec<Underpaid>,
    /// Paid by the family, more than the policy's amount due (only with a policy): a category the pupil holds or
    /// was given after paying (低保 95 元 due, 380 paid; 特困 nothing due).
    pub overpaid: Vec<Overpaid>,
    /// Payments the tax office listed that a reconciliation kept as not recorded (税务已缴费、名单未记入), whose
    /// number no pupil marked paid or 财政代缴 holds today, and a family's payment kept beside a department's
    /// for a pupil still marked 财政代缴 (a refund or a correction owed): set by [`tax_paid_unrecorded`], from
    /// the drive's history.
    pub tax_paid_unrecorded: Vec<UnrecordedPayment>,
    /// Paid by the family on a date no payment for the drive's insured year can have (before the year's first
    /// payment window, after the year, before the pupil's birth): counted insured on a payment for another year.
    /// Set by [`payments_outside_year`].
    pub payment_outside_year: Vec<PaymentOutsideYear>,
    /// Paid by the family, with different amounts recorded on two laptops: set by [`amounts_differ`], which
    /// takes these pupils out of `underpaid` and `overpaid`.
    pub amounts_differ: Vec<AmountsDiffer>,
    /// Unpaid or 财政代缴 now, after a reconciliation recorded the pupil paid (the tax office's list) and somebody
    /// changed it by hand: the tax office still has the family's payment, so a notice would have the family pay
    /// twice, and a department's payment on top of it registers the pupil paid twice.
    pub list_payment_cleared: Vec<ListPaymentCleared>,
    /// Paid for while the roster says 不参保 or 异地参保 (`Standing::paid_against_status`), or 已离校 when an agency's
    /// list recorded the payment after the pupil was marked so: insured by the payment, so the operator corrects
    /// the status or has the payment refunded. The reconciliation said it once; this lists it until settled. Set
    /// by [`paid_despite_status`].
    pub paid_despite_status: Vec<PaidDespiteStatus>,
    /// Paid, as a reconciled list recorded it, with no date: the list's date could not be read or it gave none.
    /// Recorded by hand without a date is not one. Set by [`list_payments_undated`].
    pub list_payment_undated: Vec<UndatedListPayment>,
    /// Marked paid by the family with no amount recorded (a teacher's ticked 班级核对表, a mark without
    /// `--amount`): nothing to weigh against the amount due, so neither `underpaid` nor `overpaid` can name them,
    /// and the forms show an empty 缴费金额.
    pub paid_without_amount: Vec<PupilRef>,
    /// The drive's policy is another insured year's than the roster's: `underpaid` and `overpaid` are empty
    /// because nothing was checked, not because every family paid what is due (set by [`check_in_year`]).
    pub amounts_not_checked: Option<AmountsNotChecked>,
    /// The upgrade to fixed numbers (drive schema 15) numbered the kept payments anew, and this check is the first
    /// to list them since: said once, in `--json` as in text (`numbers_changed`, absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub numbers_changed: Option<NumbersChanged>,
}

/// The kept payments' numbers are the fixed ones given when each was kept, said once after the upgrade: a list
/// printed before it may name another payment under a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumbersChanged {
    pub why: String,
    pub why_en: String,
}

impl NumbersChanged {
    pub fn new() -> NumbersChanged {
        NumbersChanged {
            why: "编号已改为记入时的固定编号，升级前打印的编号不再适用，请按上面的编号销项".to_owned(),
            why_en: "the numbers are now the ones given when each payment was kept; a list printed before the upgrade \
                     no longer applies: dismiss by the numbers above"
                .to_owned(),
        }
    }
}

impl Default for NumbersChanged {
    fn default() -> Self {
        Self::new()
    }
}

/// Why no payment was checked against the amount due: the drive's policy is another insured year's (allowed with a
/// warning, as a drive may start before the year's notice is out), and its premium is not this year's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AmountsNotChecked {
    pub policy: String,
    pub policy_year: i32,
    /// The roster's insured year (the drive's, or the one shown).
    pub year: i32,
    pub why: String,
    pub why_en: String,
}

impl AmountsNotChecked {
    /// Said when `policy` is of another insured year than `year`; `None` when they agree or either is missing.
    pub fn of(policy: Option<&Policy>, year: Option<i32>) -> Option<AmountsNotChecked> {
        let policy = policy?;
        let year = year.filter(|&y| y != policy.insured_year)?;
        let (name, policy_year) = (policy.name.clone(), policy.insured_year);
        Some(AmountsNotChecked {
            why: format!(
                "金额未核对：使用的保费政策 {name} 为 {policy_year} 年度，本名单为 {year} 年度，少缴、多缴无法核对；\
                 请选定 {year} 年度的政策"
            ),
            why_en: format!(
                "amounts not checked: the policy in use, {name}, is for insured year {policy_year} and the roster \
                 is for {year}, so underpayments and overpayments cannot be checked; choose {year}'s policy"
            ),
            policy: name,
            policy_year,
            year,
        })
    }
}

/// A payment an agency's list recorded and a hand cleared since (see [`CheckReport::list_payment_cleared`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListPaymentCleared {
    #[serde(flatten)]
    pub pupil: PupilRef,
    /// The audit instant (UTC) of the reconciliation that recorded the payment.
    pub listed_at: String,
    /// What the roster records now: `unpaid`, or `government` (财政代缴 marked over the family's payment).
    pub payment: PaymentStatus,
    /// The receipt numbers (票证号码) the reconciliation recorded, which the roster no longer counts as paid.
    pub receipts: Vec<String>,
}

/// A pupil paid for whom the roster has as 不参保, 已离校 or 异地参保 (see [`CheckReport::paid_despite_status`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaidDespiteStatus {
    #[serde(flatten)]
    pub pupil: PupilRef,
    /// The roster's status, kept beside the payment.
    pub enrollment: Enrollment,
    /// The roster's reason (不参保) or place (异地参保), where given.
    pub reason: Option<String>,
    pub payment: PaymentStatus,
    /// Yuan, as recorded.
    pub amount: Option<f64>,
    pub paid_on: Option<NaiveDate>,
    /// 缴费渠道, as recorded.
    pub channel: Option<String>,
    /// The audit instant (UTC) of the reconciliation that recorded the payment; `null` where it was recorded
    /// otherwise (by hand, by a merge).
    pub listed_at: Option<String>,
    /// Yuan short of the amount due (a part payment, which insures nobody), as `underpaid` has it; `null` for a
    /// payment in full or one not checked.
    pub short: Option<f64>,
}

/// A payment a reconciled list recorded with no date (see [`CheckReport::list_payment_undated`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UndatedListPayment {
    #[serde(flatten)]
    pub pupil: PupilRef,
    /// Yuan, as recorded.
    pub amount: Option<f64>,
    pub channel: Option<String>,
    /// The audit instant (UTC) of the reconciliation that recorded the payment.
    pub listed_at: String,
}

impl PaidDespiteStatus {
    /// The roster's status with its reason or place: `不参保（家长已在单位参保）`, `declined (家长已在单位参保)`.
    pub fn status_words(&self, en: bool) -> String {
        let label = if en { self.enrollment.label_en() } else { self.enrollment.label_zh() };
        match (&self.reason, en) {
            (Some(r), false) => format!("{label}（{r}）"),
            (Some(r), true) => format!("{label} ({r})"),
            (None, _) => label.to_owned(),
        }
    }

    /// The payment as recorded: `已缴费 380 元，2023-11-01，微信`, `paid 380 yuan, 2023-11-01, WeChat`.
    pub fn payment_words(&self, en: bool) -> String {
        let label = if en { self.payment.label_en() } else { self.payment.label_zh() };
        if self.payment != PaymentStatus::Paid {
            return label.to_owned();
        }
        let details = paid_words(self.amount, Some(self.paid_on), self.channel.as_deref(), en);
        let Some(short) = self.short else { return format!("{label} {details}") };
        let short = money::plain((short * 100.0).round() as i64);
        let (part, part_en) = super::coverage::PART_PAID;
        if en {
            format!("{label} {details}, {short} yuan short of the amount due: {part_en}, not counted insured")
        } else {
            format!("{label} {details}，少于应缴（差 {short} 元），为{part}，不计为已参保")
        }
    }
}

impl UndatedListPayment {
    /// The payment as recorded, without its date: `380 元，微信`, `380 yuan, WeChat`.
    pub fn payment_words(&self, en: bool) -> String {
        paid_words(self.amount, None, self.channel.as_deref(), en)
    }
}

/// A recorded payment's amount, date (when `day` is given: `None` inside it is said as no date) and channel, in
/// one language: `380 元，2023-11-01，微信`, `380 yuan, 2023-11-01, WeChat`; `金额不详`, `amount unknown`.
fn paid_words(amount: Option<f64>, day: Option<Option<NaiveDate>>, channel: Option<&str>, en: bool) -> String {
    let fen = amount.map(|yuan| (yuan * 100.0).round() as i64);
    let mut parts = vec![match (fen, en) {
        (Some(fen), false) => format!("{} 元", money::plain(fen)),
        (Some(fen), true) => format!("{} yuan", money::plain(fen)),
        (None, false) => "金额不详".to_owned(),
        (None, true) => "amount unknown".to_owned(),
    }];
    if let Some(day) = day {
        parts.push(day.map_or_else(|| (if en { "no date" } else { "日期不详" }).to_owned(), |d| d.to_string()));
    }
    if let Some(channel) = channel.map(str::trim).filter(|c| !c.is_empty()) {
        let named = super::student::PaymentChannel::from_text(channel);
        parts.push(match (named, en) {
            (Some(c), true) => c.label_en().to_owned(),
            _ => channel.to_owned(),
        });
    }
    parts.join(if en { ", " } else { "，" })
}

/// The pupils of `students` paid for against the roster's status: 不参保 or 异地参保 whatever recorded the payment,
/// and 已离校 only where `listed` (pupil id → the instant a list recorded the payment standing now) holds the pupil,
/// the caller having kept there only the pupils marked 已离校 before the list came: a pupil paid for who then left
/// is insured for the year, nothing to settle. A part payment is said short as `underpaid` (the report's, checked
/// already) has it, as reconcile says it.
pub fn paid_despite_status(
    students: &[Student],
    listed: &HashMap<i64, String>,
    underpaid: &[Underpaid],
) -> Vec<PaidDespiteStatus> {
    students
        .iter()
        .filter(|s| {
            let standing = super::coverage::Standing::new(s.enrollment, s.payment);
            standing.paid_against_status()
                || (s.enrollment == Enrollment::Left && s.payment.is_settled() && listed.contains_key(&s.id))
        })
        .map(|s| {
            let paid = (s.payment == PaymentStatus::Paid).then_some(&s.payment_details);
            let pupil = PupilRef::from(s);
            let short = underpaid.iter().find(|u| u.department.is_none() && u.pupil == pupil).map(|u| u.short);
            PaidDespiteStatus {
                pupil,
                enrollment: s.enrollment,
                reason: s.decline_reason.clone().filter(|r| !r.trim().is_empty()),
                payment: s.payment,
                amount: paid.and_then(|d| d.amount_fen).map(money::as_number),
                paid_on: paid.and_then(|d| d.paid_on),
                channel: paid.and_then(|d| d.channel.clone()),
                listed_at: listed.get(&s.id).cloned(),
                short,
            }
        })
        .collect()
}

/// The pupils of `students` paid with no date recorded whose payment a reconciled list recorded (`listed`: pupil id
/// → the instant it did, for the payments standing now as the list recorded them).
pub fn list_payments_undated(students: &[Student], listed: &HashMap<i64, String>) -> Vec<UndatedListPayment> {
    students
        .iter()
        .filter(|s| s.payment == PaymentStatus::Paid && s.payment_details.paid_on.is_none())
        .filter_map(|s| {
            Some(UndatedListPayment {
                pupil: s.into(),
                amount: s.payment_details.amount_fen.map(money::as_number),
                channel: s.payment_details.channel.clone(),
                listed_at: listed.get(&s.id)?.clone(),
            })
        })
        .collect()
}

/// A family payment two laptops recorded with different amounts (see [`AmountDispute`]): the tax office's
/// record says whether the family paid twice or one entry is wrong, and only then what is short or over.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AmountsDiffer {
    #[serde(flatten)]
    pub pupil: PupilRef,
    /// Yuan: the amount the drive holds, the one a merge kept.
    pub paid: f64,
    /// Yuan: the amounts recorded on the other laptops.
    pub others: Vec<f64>,
    /// Yuan: the quote's personal share for the payment date; `null` without a policy or a quote for the day.
    pub due: Option<f64>,
    pub why: String,
    pub why_en: String,
}

/// Moves the pupils whose payment `disputes` holds (by pupil id) from the short and over payments to
/// `amounts_differ`: a shortfall worked out from the amount a merge happened to keep would have the operator ask
/// a family that paid in cash on one laptop for more. The amount due is by the categories certified for insured
/// year `year`.
pub fn amounts_differ(
    report: &mut CheckReport,
    students: &[Student],
    disputes: &HashMap<i64, AmountDispute>,
    policy: Option<&Policy>,
    today: NaiveDate,
    year: Option<i32>,
) {
    let mut disputed: Vec<PupilRef> = Vec::new();
    for s in students {
        let Some(dispute) = disputes.get(&s.id) else { continue };
        let due = policy
            .and_then(|p| quote_pupil(p, &s.certified_in(year), today).ok())
            .map(|q| money::as_number(q.personal_due_fen));
        let (why, why_en) = dispute.words();
        report.amounts_differ.push(AmountsDiffer {
            pupil: s.into(),
            paid: money::as_number(dispute.kept_fen),
            others: dispute.others_fen.iter().copied().map(money::as_number).collect(),
            due,
            why,
            why_en,
        });
        disputed.push(s.into());
    }
    report.underpaid.retain(|u| !disputed.contains(&u.pupil));
    report.overpaid.retain(|o| !disputed.contains(&o.pupil));
}

/// A family's payment recorded with a date that cannot be the drive's insured year's.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaymentOutsideYear {
    #[serde(flatten)]
    pub pupil: PupilRef,
    pub paid_on: NaiveDate,
    /// Yuan, as recorded.
    pub amount: Option<f64>,
    pub why: String,
    pub why_en: String,
}

/// The pupils paid by the family on a date that cannot be a payment for the drive's insured year `year`: under
/// `policy` (the drive's) its windows and cover, or (a policy of another year) that year and the one before;
/// without one, only a date before the pupil's birth.
pub fn payments_outside_year(
    students: &[Student],
    policy: Option<&Policy>,
    year: Option<i32>,
) -> Vec<PaymentOutsideYear> {
    students
        .iter()
        .filter_map(|s| {
            let e = recorded_payment_date_error(policy, year, s)?;
            Some(PaymentOutsideYear {
                pupil: s.into(),
                paid_on: s.payment_details.paid_on?,
                amount: s.payment_details.amount_fen.map(money::as_number),
                why: e.message_zh(),
                why_en: e.message_en(),
            })
        })
        .collect()
}

/// A payment the tax office listed that the drive has not recorded: the list's name and number, what it says,
/// why it was not recorded and what to do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnrecordedPayment {
    /// Its number in `check`'s list, which `check --dismiss N` takes: its place among every payment the list would
    /// hold with none dismissed, so dismissing one leaves the others' numbers as the operator read them
    /// (`Store::check_roster` sets it; [`tax_paid_unrecorded`] numbers its own lines from 1).
    pub number: usize,
    /// Six characters made from the payment itself (`unapplied::reference`), the same on every laptop: the number
    /// is this laptop's, and after a merge the same payment may have another there. `check --dismiss` takes either.
    pub reference: String,
    /// The name as the list gives it.
    pub name: String,
    /// The number as the list gives it.
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    /// Yuan; `null` where the list's amount could not be read (or the list has none).
    pub amount: Option<f64>,
    /// The amount as the list writes it (`4OO`) where it could not be read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written_amount: Option<String>,
    pub paid_on: Option<NaiveDate>,
    pub receipt: Option<String>,
    /// The list's file name, worksheet (empty for a CSV) and row.
    pub file: String,
    pub sheet: String,
    pub row: usize,
    pub reason: UnappliedReason,
    pub why: String,
    pub why_en: String,
    pub advice: String,
    pub advice_en: String,
    /// The pupil who holds the number today, if any (not marked paid).
    pub pupil: Option<PupilRef>,
    /// The agency's 未参保 (`AgencyNotRegistered`, which holds no payment of its own): the payment the drive records
    /// for the pupil it counts insured, yuan and date, said in place of the list's (none), not as unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_amount: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recorded_on: Option<NaiveDate>,
}

pub use super::pupil_flags::OLDEST_PUPIL;

/// A family's payment short of the amount due under the drive's policy (少缴): the family is asked for the rest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Underpaid {
    #[serde(flatten)]
    pub pupil: PupilRef,
    /// Yuan, as recorded.
    pub paid: f64,
    /// Yuan: the quote's personal share for the payment date.
    pub due: f64,
    /// Yuan: `due - paid`.
    pub short: f64,
    /// Yuan: the department's share a 财政代缴 mark recorded for a pupil whose category leaves the family a share
    /// (低保: 285 of 380), the family having paid none of its own (`paid` 0): the family's share is collected and
    /// recorded as its payment (`mark --payment paid --amount 95`, `p`), the department's going with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<f64>,
}

/// A family's payment beyond the amount due under the drive's policy (多缴): the category and the amount are
/// checked, and what was paid beyond the share is settled as the city's notice says (a refund, or the
/// department's share paid back to the family who paid in full).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overpaid {
    #[serde(flatten)]
    pub pupil: PupilRef,
    /// Yuan, as recorded.
    pub paid: f64,
    /// Yuan: the quote's personal share for the payment date.
    pub due: f64,
    /// Yuan: `paid - due`.
    pub over: f64,
    /// The family paid before the pupil's category was certified: what `quote` says stands (paid, no department
    /// share, the notice's word on the subsidy), which the check says in place of a refund owed.
    #[serde(skip)]
    pub paid_first: Option<PaidFirst>,
    /// Yuan: the excess is exactly a top-up (补缴) of this amount recorded twice (the same top-up keyed on two
    /// laptops and joined by a merge, or keyed twice on one): said as such, with how to undo one, not as a matter
    /// of categories. `null` otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicated_top_up: Option<f64>,
}

/// A 财政代缴 mark the drive's policy does not bear out, with the share the ledger states and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GovernmentToVerify {
    #[serde(flatten)]
    pub pupil: PupilRef,
    /// The paying or certifying department; empty where nothing names one.
    pub department: String,
    /// Yuan; `null` where nothing says the share.
    pub amount: Option<f64>,
    pub reason: ShareReason,
}

/// A pupil whose age does not fit the grade: born on `birth_date`, usually `usual_age` at the start of the
/// school year in `grade`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GradeAgePupil {
    #[serde(flatten)]
    pub pupil: PupilRef,
    #[serde(serialize_with = "crate::domain::id_shown::birth_date")]
    pub birth_date: NaiveDate,
    pub grade: String,
    pub usual_age: i32,
}

/// A pupil whose category subsidy needs 本市户籍 the pupil's document says they cannot have: why, in both
/// languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HukouPupil {
    #[serde(flatten)]
    pub pupil: PupilRef,
    pub remark: String,
    pub remark_en: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgedPupil {
    pub pupil: PupilRef,
    pub age: i32,
}

impl CheckReport {
    /// How many findings there are in all.
    pub fn findings(&self) -> usize {
        self.same_id.len()
            + self.same_name_birth.len()
            + self.same_name_class_rounded.len()
            + self.same_name_class_unnumbered.len()
            + self.same_name_class_numbers.len()
            + self.same_name_mistyped.len()
            + self.invalid_ids.len()
            + self.odd_phones.len()
            + self.no_class.len()
            + self.no_name.len()
            + self.declined_without_reason.len()
            + self.categories_without_department.len()
            + self.government_without_category.len()
            + self.government_to_verify.len()
            + self.too_old.len()
            + self.age_for_grade.len()
            + self.local_hukou.len()
            + self.underpaid.len()
            + self.overpaid.len()
            + self.amounts_differ.len()
            + self.list_payment_cleared.len()
            + self.paid_despite_status.len()
            + self.list_payment_undated.len()
            + self.paid_without_amount.len()
            + self.tax_paid_unrecorded.len()
            + self.payment_outside_year.len()
            + usize::from(self.amounts_not_checked.is_some())
    }
}

/// Checks the roster. `today` rewords stored problem codes and dates the ages; `policy` (the drive's) quotes
/// the amounts due, for payments short of them.
pub fn check(students: &[Student], table: &CategoryTable, policy: Option<&Policy>, today: NaiveDate) -> CheckReport {
    check_in_year(students, table, policy, today, None)
}

/// [`check`] of the roster of insured year `year`: under a policy of another year no payment is weighed against
/// that year's premium (a 少缴 of this year's 400 against 2024's 380 would be wrong either way), and the report
/// says the amounts went unchecked rather than leaving the operator to read an empty list as all paid in full.
pub fn check_in_year(
    students: &[Student],
    table: &CategoryTable,
    policy: Option<&Policy>,
    today: NaiveDate,
    year: Option<i32>,
) -> CheckReport {
    let amounts_not_checked = AmountsNotChecked::of(policy, year);
    let pricing = policy.filter(|_| amounts_not_checked.is_none());
    let mut report = CheckReport { students: students.len(), amounts_not_checked, ..CheckReport::default() };
    let mut by_id: BTreeMap<&str, Vec<&Student>> = BTreeMap::new();
    let mut by_name_birth: BTreeMap<(String, String), Vec<&Student>> = BTreeMap::new();
    let mut by_name_class: BTreeMap<(String, String, String), Vec<&Student>> = BTreeMap::new();
    for s in students {
        // An extra entry of one pupil is marked 已离校 (canbao deletes no pupil): it is then no longer one of two.
        if !s.name.is_empty() && s.enrollment != Enrollment::Left {
            by_name_class.entry((s.school.clone(), s.class_label(), s.name.clone())).or_default().push(s);
        }
        if !s.id_number.is_empty() {
            by_id.entry(s.id_number.as_str()).or_default().push(s);
        }
        if let Some(birth) = s.birth_date
            && !s.name.is_empty()
        {
            by_name_birth.entry((s.name.clone(), birth.to_string())).or_default().push(s);
        }
        if let Some(code) = &s.id_problem {
            let (problem, problem_en) = problem_text(code, &s.id_raw, today);
            report.invalid_ids.push(InvalidId { pupil: s.into(), problem, problem_en });
        } else if s.id_to_verify() {
            // An old 15-digit number, which the batch template leaves out as it leaves out a flagged one: listed
            // with them, not as a pupil a hundred years old by the birth date its conversion gives.
            let (problem, problem_en) = old_number_text();
            report.invalid_ids.push(InvalidId { pupil: s.into(), problem, problem_en });
        }
        if super::phone::is_no_phone(&s.phone)
            && let Some(why) = super::phone::not_a_phone(&s.phone)
        {
            let (problem, problem_en) = why.why();
            let phone = super::id_shown::mask_in_text(&s.phone).into_owned();
            report.odd_phones.push(OddPhone { pupil: s.into(), phone, problem, problem_en });
        }
        if s.grade.trim().is_empty() && s.class.trim().is_empty() {
            report.no_class.push(s.into());
        }
        if super::pupil_flags::nameless(s) {
            report.no_name.push(s.into());
        }
        if s.enrollment == Enrollment::Declined && s.decline_reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            report.declined_without_reason.push(s.into());
        }
        if s.payment == PaymentStatus::Paid && s.payment_details.amount_fen.is_none() {
            report.paid_without_amount.push(s.into());
        }
        if s.payment == PaymentStatus::Government {
            // As the 财政代缴 ledger states the pupil's share, so the check lists what the ledger flags.
            let share = certified_department_share(policy, table, s, today, year);
            match share.reason {
                Some(ShareReason::NoCategory) => report.government_without_category.push(s.into()),
                Some(reason) if reason.to_verify() => report.government_to_verify.push(GovernmentToVerify {
                    pupil: s.into(),
                    department: share.department,
                    amount: share.amount_fen.map(money::as_number),
                    reason,
                }),
                _ => {}
            }
        }
        if let Some(birth) = s.birth_date.filter(|_| !s.id_to_verify()) {
            if let Some(age) = super::pupil_flags::adult_age(birth, today) {
                report.too_old.push(AgedPupil { pupil: s.into(), age });
            } else if let Some(odd) = super::pupil_flags::grade_age(&s.grade, &s.class, birth, today) {
                report.age_for_grade.push(GradeAgePupil {
                    pupil: s.into(),
                    birth_date: birth,
                    grade: odd.grade,
                    usual_age: odd.usual,
                });
            }
        }
        if let Some(remark) = super::pupil_flags::hukou_remark(policy, s, year) {
            let remark_en = super::pupil_flags::hukou_remark_en(policy, s, year).unwrap_or_default();
            report.local_hukou.push(HukouPupil { pupil: s.into(), remark, remark_en });
        }
        // The amount due by the categories certified for the year: one carried from an earlier year and not
        // certified again (待重新认定) subsidises nothing, as the payment notice and the ledgers have it.
        let priced = s.certified_in(year);
        // Nobody asks the family of a pupil who left for the rest: she is counted as one who left unpaid.
        if s.payment == PaymentStatus::Paid
            && s.enrollment != Enrollment::Left
            && let Some(policy) = pricing
            && let Ok(quote) = quote_pupil(policy, &priced, today)
            && let Some(short) = shortfall_fen(s, &quote)
        {
            report.underpaid.push(Underpaid {
                pupil: s.into(),
                paid: money::as_number(quote.personal_due_fen - short),
                due: money::as_number(quote.personal_due_fen),
                short: money::as_number(short),
                department: None,
            });
        }
        // 财政代缴 that pays only the department's share (低保: 285 of 380): the family's 95 is still to collect.
        if s.payment == PaymentStatus::Government
            && s.enrollment != Enrollment::Left
            && let Some(policy) = pricing
            && let Some(share) = family_share(Some(policy), table, &priced, today)
        {
            report.underpaid.push(Underpaid {
                pupil: s.into(),
                paid: 0.0,
                due: money::as_number(share.family_fen),
                short: money::as_number(share.family_fen),
                department: Some(money::as_number(share.department_fen)),
            });
        }
        if s.payment == PaymentStatus::Paid
            && let Some(policy) = pricing
            && let Some(paid) = s.payment_details.amount_fen
            && let Ok(quote) = quote_pupil(policy, &priced, today)
            && paid > quote.personal_due_fen
        {
            report.overpaid.push(Overpaid {
                pupil: s.into(),
                paid: money::as_number(paid),
                due: money::as_number(quote.personal_due_fen),
                over: money::as_number(paid - quote.personal_due_fen),
                paid_first: paid_first(policy, &priced, &quote),
                duplicated_top_up: None,
            });
        }
        for mark in &s.categories {
            if mark.department.trim().is_empty() {
                report.categories_without_department.push(UncertifiedCategory {
                    pupil: s.into(),
                    category: mark.name.clone(),
                    table_department: table.lookup(&mark.name).map(|c| c.department.clone()),
                });
            }
        }
    }
    for (id, group) in by_id {
        if group.len() > 1 {
            report
                .same_id
                .push(DuplicateGroup { key: id.to_owned(), pupils: group.into_iter().map(Into::into).collect() });
        }
    }
    for ((_, class, name), group) in by_name_class {
        let valid: Vec<&Student> =
            group.iter().copied().filter(|s| s.id_problem.is_none() && !s.id_number.is_empty()).collect();
        let mut born: Vec<Option<NaiveDate>> = valid.iter().map(|s| s.birth_date).collect();
        born.sort_unstable();
        born.dedup();
        // Valid numbers are unique on the drive, so two of them are two numbers.
        if valid.len() > 1 && born.len() > 1 {
            report.same_name_class_numbers.push(DuplicateGroup {
                key: format!("{name} {class}"),
                pupils: valid.into_iter().map(Into::into).collect(),
            });
        }
        let rounded = group.iter().any(|s| s.id_problem.as_deref() == Some(IdProblem::PrecisionLost.code()));
        let one_number = group.iter().all(|s| s.id_number == group[0].id_number);
        // One number shared by all is already a same_id finding.
        if group.len() > 1 && rounded && !one_number {
            report.same_name_class_rounded.push(DuplicateGroup {
                key: format!("{name} {class}"),
                pupils: group.into_iter().map(Into::into).collect(),
            });
        } else if group.iter().any(|s| s.id_number.is_empty()) && !one_number {
            let alike = unnumbered_alike(&group);
            if !alike.is_empty() {
                report.same_name_class_unnumbered.push(DuplicateGroup {
                    key: format!("{name} {class}"),
                    pupils: alike.into_iter().map(Into::into).collect(),
                });
            }
        }
    }
    report.same_name_mistyped = mistyped_pairs(students);
    for ((name, birth), group) in by_name_birth {
        let mut numbers: Vec<&str> = group.iter().map(|s| s.id_number.as_str()).collect();
        numbers.sort_unstable();
        numbers.dedup();
        if numbers.len() > 1 {
            report.same_name_birth.push(DuplicateGroup {
                key: format!("{name} {birth}"),
                pupils: group.into_iter().map(Into::into).collect(),
            });
        }
    }
    report
}

impl UnrecordedPayment {
    /// Whether `other` is the same payment of the same list: its number, place, amount, date and receipt.
    pub fn same_line(&self, other: &UnrecordedPayment) -> bool {
        self.id_number == other.id_number
            && self.file == other.file
            && self.sheet == other.sheet
            && self.row == other.row
            && self.amount == other.amount
            && self.paid_on == other.paid_on
            && self.receipt == other.receipt
    }

    /// Where on the list: `税务.xlsx [十月] 第 3 行` (`税务.xlsx [十月] row 3`).
    pub fn place(&self, en: bool) -> String {
        super::unapplied::list_place(&self.file, &self.sheet, self.row, en)
    }

    /// How the line is named, within its brackets: its number, then its reference (`3 K3F9QX`).
    pub fn label(&self) -> String {
        format!("{} {}", self.number, self.reference)
    }

    /// The amount with its unit (`380 元`, `380 yuan`), or, where the list's could not be read, what its cell held
    /// as reconcile said it (`金额“4OO”无法识别`, `amount “4OO” not understood`); the date, or words for none.
    pub fn amount_and_day(&self, en: bool) -> (String, String) {
        // The agency's 未参保 lists no payment: the one recorded here is what the operator checks with the agency.
        if self.reason == UnappliedReason::AgencyNotRegistered
            && (self.recorded_amount.is_some() || self.recorded_on.is_some())
        {
            let amount = match (self.recorded_amount, en) {
                (Some(yuan), false) => format!("本机记录 {} 元", money::plain((yuan * 100.0).round() as i64)),
                (Some(yuan), true) => format!("recorded here {} yuan", money::plain((yuan * 100.0).round() as i64)),
                (None, false) => "本机未记金额".to_owned(),
                (None, true) => "no amount recorded here".to_owned(),
            };
            let day = self
                .recorded_on
                .map_or_else(|| (if en { "no date" } else { "日期不详" }).to_owned(), |d| d.to_string());
            return (amount, day);
        }
        let written = self.written_amount.as_deref().map(str::trim).filter(|w| !w.is_empty());
        let amount = match (self.amount, written, en) {
            (Some(yuan), _, false) => format!("{} 元", money::plain((yuan * 100.0).round() as i64)),
            (Some(yuan), _, true) => format!("{} yuan", money::plain((yuan * 100.0).round() as i64)),
            (None, Some(w), false) => format!("金额“{w}”无法识别"),
            (None, Some(w), true) => format!("amount “{w}” not understood"),
            (None, None, false) => "金额不详".to_owned(),
            (None, None, true) => "amount unknown".to_owned(),
        };
        let day = self.paid_on.map_or_else(|| (if en { "no date" } else { "日期不详" }).to_owned(), |d| d.to_string());
        (amount, day)
    }
}

/// A kept payment's row as `tax_paid_unrecorded` tells two apart: the number, the list's file, sheet and row,
/// the amount in fen, the date and the receipt.
type ListRow<'a> = (&'a str, &'a str, &'a str, usize, Option<i64>, Option<NaiveDate>, Option<&'a str>);

/// The kept payments (`kept`, oldest first) whose number no pupil of `students` marked paid or 财政代缴 holds
/// (nor is the pupil the row was matched to so marked), a family's payment kept beside a department's
/// (`UnappliedPayment::beside_department`) while the pupil is marked 财政代缴, and a payment kept as another amount
/// than the one recorded (`RecordedDiffers`) while the amount recorded is the smaller:
/// each payment once (the same row of the same file read again, on this laptop or another's merged in, is one),
/// said as it was last kept. A payment goes from the list by itself once the drive records the pupil's.
pub fn tax_paid_unrecorded(kept: &[KeptPayment], students: &[Student]) -> Vec<UnrecordedPayment> {
    let numbered: Vec<(KeptPayment, Option<usize>)> = kept.iter().map(|k| (k.clone(), None)).collect();
    tax_paid_unrecorded_numbered(&numbered, students)
}

/// [`tax_paid_unrecorded`] of payments each with the number it got when it was kept (`Store::numbered_payments`):
/// a line is listed under the number of the first kept of its rows. Lines without one (payments made up, never
/// kept) are numbered after the highest, in the order listed.
pub fn tax_paid_unrecorded_numbered(
    kept: &[(KeptPayment, Option<usize>)],
    students: &[Student],
) -> Vec<UnrecordedPayment> {
    numbered_lines(kept, students, true).into_iter().map(|(line, _)| line).collect()
}

/// [`tax_paid_unrecorded_numbered`] of every payment of `kept`, those the drive records since included, each with
/// whether it does (`true`): what `check --dismissed` lists, so a payment dismissed and recorded since is still
/// there to see (and take back), said as recorded since.
pub fn tax_paid_lines_with_recorded(
    kept: &[(KeptPayment, Option<usize>)],
    students: &[Student],
) -> Vec<(UnrecordedPayment, bool)> {
    numbered_lines(kept, students, false)
}

/// The lines of [`tax_paid_unrecorded_numbered`], each with whether the drive records the payment since; `settle`:
/// those it records are left out.
fn numbered_lines(
    kept: &[(KeptPayment, Option<usize>)],
    students: &[Student],
    settle: bool,
) -> Vec<(UnrecordedPayment, bool)> {
    let mut holders: BTreeMap<&str, Vec<&Student>> = BTreeMap::new();
    for s in students.iter().filter(|s| !s.id_number.is_empty()) {
        holders.entry(s.id_number.as_str()).or_default().push(s);
    }
    let by_id: BTreeMap<i64, &Student> = students.iter().map(|s| (s.id, s)).collect();
    let mut named: BTreeMap<String, Vec<&Student>> = BTreeMap::new();
    if kept.iter().any(|(k, _)| k.record.reason == UnappliedReason::NoNumber) {
        for s in students {
            named.entry(super::name_alike::match_key(&s.name)).or_default().push(s);
        }
    }
    let mut found: Vec<Option<(UnrecordedPayment, bool)>> = Vec::new();
    // The number of each line's first kept row.
    let mut numbers: Vec<Option<usize>> = Vec::new();
    // Each payment's line by the row it came from: a wrong list reconciled (another county's, every number
    // unknown) keeps tens of thousands, and looking each up in the lines so far made `check` quadratic.
    let mut line_of: HashMap<ListRow<'_>, usize> = HashMap::new();
    for (k, number) in kept {
        // A row with no number is held by nobody: the pupils of its name may have been recorded paid for it by hand.
        let no_number = k.id_number.is_empty() && k.record.reason == UnappliedReason::NoNumber;
        let holding = holders.get(k.id_number.as_str()).map(Vec::as_slice).unwrap_or_default();
        // The pupil the row was matched to counts as well: a number held rounded or since corrected is theirs.
        let matched = k.student_id.and_then(|id| by_id.get(&id));
        // A 财政代缴 mark does not settle a family's payment kept beside the department's: the family paid on top
        // of the department, and a refund or a correction is owed until the operator sees to it.
        // Nor does a family's payment recorded at another amount than the list's, kept as such (`RecordedDiffers`):
        // 300 recorded and 380 listed, the family would be asked for money the tax office holds; 300 recorded and 80
        // listed, the 80 may be the rest paid at the tax office, which reconcile said check would list. Only the
        // same amount on another date is the recorded payment itself.
        let settles = |s: &&Student| kept_settled_by(&k.record, s);
        let row = (
            k.id_number.as_str(),
            k.record.file.as_str(),
            k.record.sheet.as_str(),
            k.record.row,
            k.record.amount_fen,
            k.record.paid_on,
            k.record.receipt.as_deref(),
        );
        // Of a row without a number, only the payment itself recorded for a pupil of the name settles it (the
        // same amount and date), never a 财政代缴 mark nor another payment.
        let settles_unnumbered = |s: &&Student| {
            let details = &s.payment_details;
            s.payment == PaymentStatus::Paid
                // A pupil of the name in another class than the row's is not its payer: the one in the row's class
                // recorded paid from another row of the list would otherwise settle this row too.
                && k.record.class.as_deref().is_none_or(|written| {
                    super::class_label::ClassKey::parse(written)
                        .names(&super::class_label::ClassKey::of(&s.grade, &s.class))
                })
                // Nor is one at another school than the row's.
                && k.record.school.as_deref().is_none_or(|written| {
                    super::unapplied::school_key(written) == super::unapplied::school_key(&s.school)
                })
                && k.record.amount_fen.is_none_or(|fen| details.amount_fen == Some(fen))
                && k.record.paid_on.is_none_or(|day| details.paid_on == Some(day))
        };
        // A receipt under two payers is settled by no payment recorded: whichever pupil is recorded paid, the
        // other row's name still holds the tax office's receipt, until the operator dismisses it.
        let settled = if k.record.reason == UnappliedReason::AgencyNotRegistered {
            // The agency's 未参保 stands while the drive counts the pupil insured here; a standing changed since
            // (the payment cleared, 异地参保) settles it.
            !holding.iter().chain(matched).any(|s| s.payment.is_settled() && s.enrollment != Enrollment::Elsewhere)
        } else if k.record.reason == UnappliedReason::RepeatedReceipt {
            false
        } else if no_number {
            named
                .get(&super::name_alike::match_key(&k.record.name))
                .is_some_and(|same| same.iter().any(settles_unnumbered))
        } else {
            k.id_number.is_empty() || holding.iter().chain(matched).any(settles)
        };
        if settled && settle {
            // The row said as it was last kept: kept again settled (another reason), it is no longer listed.
            if let Some(&at) = line_of.get(&row) {
                found[at] = None;
            }
            continue;
        }
        // A rounded number kept before such numbers had a reason of their own is said as one all the same (the
        // day plays no part in telling a rounded number).
        let rounded = k.record.reason == UnappliedReason::InvalidNumber
            && id_number::check(&k.id_number, NaiveDate::MIN).result == Err(IdProblem::PrecisionLost);
        let record = rounded.then(|| UnappliedPayment { reason: UnappliedReason::RoundedNumber, ..k.record.clone() });
        let said = record.as_ref().unwrap_or(&k.record);
        let r = &k.record;
        // A number nobody held when the list was read, held since (corrected with E, by a list, or the pupil
        // added): 「名单中没有此身份证号码」 is no longer true, and only reconciling again records the payment.
        let now_held = holding.first().filter(|_| r.reason == UnappliedReason::UnknownNumber);
        // The pupil is recorded paid since, by another payment than this one: said as a possible double payment.
        let paid_twice = holding
            .iter()
            .chain(matched)
            .find(|s| s.payment == PaymentStatus::Paid)
            .filter(|_| super::unapplied::said_on_forms(r));
        // Recorded since, the payment is said as it was kept, not as one the pupil may have paid twice.
        let (paid_twice, now_held) = if settled { (None, None) } else { (paid_twice, now_held) };
        // A receipt under two payers whose row's pupil is recorded paid since: said as recorded, under whom.
        let recorded_as_row = holding
            .iter()
            .chain(matched)
            .find(|s| s.payment == PaymentStatus::Paid)
            .filter(|_| r.reason == UnappliedReason::RepeatedReceipt);
        let (why, why_en, advice, advice_en) = match (paid_twice, now_held) {
            _ if recorded_as_row.is_some() => {
                let pupil = recorded_as_row.map(|s| s.name.as_str()).unwrap_or_default();
                (
                    r.why_repeated_recorded(pupil, false),
                    r.why_repeated_recorded(pupil, true),
                    r.advice(false).to_owned(),
                    r.advice(true).to_owned(),
                )
            }
            (Some(paid), _) => (
                super::unapplied::why_paid_twice(r, &paid.payment_details, false),
                super::unapplied::why_paid_twice(r, &paid.payment_details, true),
                super::unapplied::advice_paid_twice(r, false),
                super::unapplied::advice_paid_twice(r, true),
            ),
            (None, Some(holder)) => (
                r.why_number_now_held(&holder.name, false),
                r.why_number_now_held(&holder.name, true),
                UnappliedPayment::advice_number_now_held(false).to_owned(),
                UnappliedPayment::advice_number_now_held(true).to_owned(),
            ),
            (None, None) => {
                (said.why(false), said.why(true), said.advice(false).to_owned(), said.advice(true).to_owned())
            }
        };
        // The agency's 未参保 is said with the payment the drive records for the pupil it counts insured.
        let insured_here = holding
            .iter()
            .chain(matched)
            .find(|s| s.payment.is_settled() && s.enrollment != Enrollment::Elsewhere)
            .filter(|_| r.reason == UnappliedReason::AgencyNotRegistered);
        let line = UnrecordedPayment {
            number: 0,
            reference: super::unapplied::reference(&k.id_number, r),
            name: r.name.clone(),
            id_number: k.id_number.clone(),
            amount: r.amount_fen.map(money::as_number),
            written_amount: r.written_amount.clone().filter(|_| r.amount_fen.is_none()),
            paid_on: r.paid_on,
            receipt: r.receipt.clone(),
            file: r.file.clone(),
            sheet: r.sheet.clone(),
            row: r.row,
            reason: said.reason,
            why,
            why_en,
            advice,
            advice_en,
            // A number typed wrong is nobody's: the pupil it was typed for is named.
            pupil: holding
                .first()
                .or(matched
                    .filter(|_| matches!(r.reason, UnappliedReason::MistypedNumber | UnappliedReason::RoundedRoster)))
                .map(|s| PupilRef::from(*s)),
            recorded_amount: insured_here.and_then(|s| s.payment_details.amount_fen).map(money::as_number),
            recorded_on: insured_here.and_then(|s| s.payment_details.paid_on),
        };
        match line_of.get(&row) {
            Some(&at) => found[at] = Some((line, settled)),
            None => {
                line_of.insert(row, found.len());
                found.push(Some((line, settled)));
                numbers.push(*number);
            }
        }
    }
    // Grouped by list (its file, then worksheet), the lists in the order first kept, each in its own row order:
    // a list of strangers read among the school's own is one block to check with the tax office, not scattered
    // through the others by the day each was kept.
    let lines: Vec<((UnrecordedPayment, bool), Option<usize>)> =
        found.into_iter().zip(numbers).filter_map(|(line, number)| Some((line?, number))).collect();
    let mut list_of: HashMap<(String, String), usize> = HashMap::new();
    let mut keyed: Vec<((usize, usize), (UnrecordedPayment, bool))> = lines
        .into_iter()
        .map(|((line, settled), number)| {
            let next = list_of.len();
            let list = *list_of.entry((line.file.clone(), line.sheet.clone())).or_insert(next);
            ((list, line.row), (UnrecordedPayment { number: number.unwrap_or(0), ..line }, settled))
        })
        .collect();
    keyed.sort_by_key(|(key, _)| *key);
    let highest = keyed.iter().map(|(_, (line, _))| line.number).max().unwrap_or(0);
    let mut unnumbered = 0;
    keyed
        .into_iter()
        .map(|(_, (line, settled))| {
            if line.number != 0 {
                return (line, settled);
            }
            unnumbered += 1;
            (UnrecordedPayment { number: highest + unnumbered, ..line }, settled)
        })
        .collect()
}

/// The pupils of one name and class, some without a number, that may be one child twice: each one without a
/// number and each one with a number that the import's rule (`same_child`: another sex, a 备注 saying they are two
/// children) does not tell apart. A pair the import kept as two children is not one to delete.
fn unnumbered_alike<'a>(group: &[&'a Student]) -> Vec<&'a Student> {
    let signs = |s: &Student| Signs::of_row(s.sex, None, &s.note);
    let (without, with): (Vec<&Student>, Vec<&Student>) = group.iter().copied().partition(|s| s.id_number.is_empty());
    let kept: Vec<bool> = group
        .iter()
        .map(|s| {
            let others = if s.id_number.is_empty() { &with } else { &without };
            others.iter().any(|o| signs(s).apart(&signs(o)).is_none())
        })
        .collect();
    group.iter().zip(kept).filter(|(_, k)| *k).map(|(s, _)| *s).collect()
}

/// Each pupil held with a flagged number (not one a spreadsheet rounded: `same_name_class_rounded` lists those)
/// with the valid pupils of the same name whose number it may be mistyped from (`same_name_mistyped`).
/// What to do with an extra entry of one pupil, which canbao never deletes: mark it 已离校, which takes it out of the
/// pupils to insure and out of these findings, with a note saying why. Chinese and English.
pub const EXTRA_ENTRY: (&str, &str) = (
    "多出的一条请标为已离校并在备注中写明重复登记（详情页按 e 选「已离校」；或 canbao mark 身份证号码 --enrollment left \
     --note 重复登记，没有身份证号码的一条用 canbao mark --name 姓名 --class 班级 --without-id --enrollment left --note \
     重复登记）：canbao 不删除学生，已离校的不计入应参保",
    "mark the extra entry as left with a note that it is a duplicate (e in the detail screen, 已离校; or canbao mark \
     ID --enrollment left --note 重复登记, and for the entry without an ID number canbao mark --name NAME --class \
     CLASS --without-id --enrollment left --note 重复登记): canbao deletes no pupil, and one who left is not counted \
     as to insure",
);

fn mistyped_pairs(students: &[Student]) -> Vec<DuplicateGroup> {
    let mut valid_by_name: BTreeMap<&str, Vec<&Student>> = BTreeMap::new();
    // An entry marked 已离校 (how an extra entry of one pupil is put aside) pairs with none.
    let here = |s: &&Student| s.enrollment != Enrollment::Left;
    for s in students.iter().filter(here).filter(|s| s.id_problem.is_none() && !s.name.is_empty()) {
        valid_by_name.entry(s.name.as_str()).or_default().push(s);
    }
    let mut groups = Vec::new();
    for flagged in students.iter().filter(here) {
        let Some(problem) = &flagged.id_problem else { continue };
        if problem == IdProblem::PrecisionLost.code() || flagged.id_number.is_empty() {
            continue;
        }
        let Some(alike) = valid_by_name.get(flagged.name.as_str()) else { continue };
        let class = flagged.class_label();
        let matches: Vec<&Student> = alike
            .iter()
            .copied()
            .filter(|v| {
                let same_class = v.school == flagged.school && v.class_label() == class;
                id_number::mistyped_from(&v.id_number, &flagged.id_number, same_class)
            })
            .collect();
        if matches.is_empty() {
            continue;
        }
        let mut pupils = vec![PupilRef::from(flagged)];
        pupils.extend(matches.into_iter().map(PupilRef::from));
        groups.push(DuplicateGroup { key: format!("{} {class}", flagged.name), pupils });
    }
    groups
}

/// What `check` says of an old 15-digit number (kept converted to 18), in both languages; the detail screen's
/// 证件问题 line says the same.
pub fn old_number_text() -> (String, String) {
    (
        "15位旧身份证号码（已按 18 位保存），只发给 1900 年代出生的人，多为家长或旧记录的号码，批量参保模板不填入：\
         请核对户口簿，填入学生本人的 18 位号码"
            .into(),
        "an old 15-digit ID number (kept as 18): only people born in the 1900s were given them, so it is most \
         likely a parent's or an old record's, and the batch template leaves it out: check the household register \
         and enter the pupil's own 18-character number"
            .into(),
    )
}

/// The stored problem code in words, Chinese and English; the raw value is re-checked for the details
/// (expected check character …).
fn problem_text(code: &str, raw: &str, today: NaiveDate) -> (String, String) {
    let problem = match id_number::check(raw, today).result {
        Err(problem) if problem.code() == code => problem,
        // A number kept flagged for a reason the raw text no longer shows (a rounded number typed as text, an
        // old file): said in words all the same.
        _ => match code {
            "missing" => IdProblem::Missing,
            "precision_lost" => IdProblem::PrecisionLost,
            "area" => IdProblem::Area,
            "birth_date" => IdProblem::BirthDate,
            "future_birth_date" => IdProblem::FutureBirthDate,
            "date" => IdProblem::Date,
            "check_digit" => return ("身份证号码校验码错误".into(), "wrong check character".into()),
            "length" => return ("身份证号码位数不对".into(), "the ID number has the wrong length".into()),
            "character" => return ("身份证号码含有非法字符".into(), "the ID number has an invalid character".into()),
            other => return (format!("身份证号码有问题（{other}）"), format!("the ID number has a problem ({other})")),
        },
    };
    if problem == IdProblem::PrecisionLost {
        // Said as the import says it: the whole number is in the sheet the list was made from, once its column is text.
        return (
            "身份证号码曾被表格当作数字保存（科学计数法或末几位变成 0），15 位之后的数字已丢失：请在原表格中把身份证号码列设为\
             文本格式，填入完整号码后重新导入；原表格中也没有完整号码的，请向家长重新核对"
                .into(),
            "the ID number was stored as a number by a spreadsheet (scientific notation, or its last digits zeros) and \
             lost its digits after the 15th: set the ID number column of the source sheet to text, fill in the whole \
             numbers and import the list again; where the source has no whole number either, ask the family"
                .into(),
        );
    }
    (problem.message_zh(), problem.message_en())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::student::{CategoryMark, Enrollment, PaymentDetails, PaymentStatus};

    fn pupil(name: &str, id: &str, class: &str) -> Student {
        Student {
            id: 0,
            grade: String::new(),
            class: class.into(),
            enrollment: Enrollment::Unknown,
            ..Student::sample(name, id)
        }
    }

    /// A 380-yuan payment of row 2 of 税务.csv, kept as not recorded for `reason`.
    fn kept_row(
        number: &str,
        student_id: Option<i64>,
        name: &str,
        paid_on: Option<NaiveDate>,
        reason: crate::domain::unapplied::UnappliedReason,
    ) -> crate::domain::unapplied::KeptPayment {
        crate::domain::unapplied::KeptPayment {
            student_id,
            id_number: number.into(),
            record: crate::domain::unapplied::UnappliedPayment::for_test(
                name,
                38_000,
                paid_on,
                ("税务.csv", 2),
                reason,
            ),
        }
    }

    /// A kept payment is listed until a pupil holding its number (or the pupil its row was matched to) is marked
    /// paid or 财政代缴, and the same row of the same list kept twice (read again on another laptop) is one line.
    #[test]
    fn a_payment_kept_as_not_recorded_is_listed_until_the_pupils_is_recorded() {
        use crate::domain::unapplied::UnappliedReason;
        let kept = |number: &str, student_id: Option<i64>, reason: UnappliedReason| {
            kept_row(number, student_id, "王明钢", NaiveDate::from_ymd_opt(2023, 10, 8), reason)
        };
        let mut held = pupil("王明刚", "450203201909308803", "1班");
        held.id = 7;
        let list = [
            kept("450203201909308803", Some(7), UnappliedReason::OtherName),
            kept("450203201909308803", Some(7), UnappliedReason::RosterStatus),
            kept("450202201909301381", None, UnappliedReason::UnknownNumber),
        ];
        let found = tax_paid_unrecorded(&list, std::slice::from_ref(&held));
        let said: Vec<(&str, UnappliedReason)> = found.iter().map(|f| (f.id_number.as_str(), f.reason)).collect();
        assert_eq!(
            said,
            [
                ("450203201909308803", UnappliedReason::RosterStatus),
                ("450202201909301381", UnappliedReason::UnknownNumber)
            ]
        );
        assert_eq!(found[0].pupil.as_ref().map(|p| p.name.as_str()), Some("王明刚"));
        held.payment = PaymentStatus::Government;
        assert_eq!(tax_paid_unrecorded(&list, std::slice::from_ref(&held)).len(), 1);
        // Matched by a number since corrected: the pupil of the row counts.
        held.id_number = "450203201909308811".into();
        held.payment = PaymentStatus::Paid;
        assert_eq!(tax_paid_unrecorded(&list, std::slice::from_ref(&held)).len(), 1);
    }

    /// A tax list's payment under a number a spreadsheet rounded is said as rounded (科学计数法, the column to make
    /// text), also when it was kept as a number failing the check before rounded numbers had a reason of their own;
    /// a number failing the check otherwise is said so.
    #[test]
    fn a_tax_payment_under_a_rounded_number_is_said_rounded_not_failing_the_check() {
        use crate::domain::unapplied::UnappliedReason;
        let kept = |number: &str, reason: UnappliedReason| {
            kept_row(number, None, "李四", NaiveDate::from_ymd_opt(2026, 11, 10), reason)
        };
        let list = [
            kept("4.50202201501011E+17", UnappliedReason::RoundedNumber),
            kept("450202201601011000", UnappliedReason::InvalidNumber),
            kept("450202201601011235", UnappliedReason::InvalidNumber),
        ];
        let found = tax_paid_unrecorded(&list, &[]);
        let reasons: Vec<UnappliedReason> = found.iter().map(|f| f.reason).collect();
        use UnappliedReason::{InvalidNumber, RoundedNumber};
        assert_eq!(reasons, [RoundedNumber, RoundedNumber, InvalidNumber]);
        for rounded in &found[..2] {
            assert!(rounded.why.contains("科学计数法") && !rounded.why.contains("未通过校验"), "{}", rounded.why);
            assert!(rounded.advice.contains("文本格式") && rounded.advice_en.contains("to text"), "{}", rounded.advice);
        }
        assert!(found[2].why.contains("未通过校验"), "{}", found[2].why);
    }

    /// A family's payment kept because the pupil is marked 财政代缴 is listed while the mark stands: the family
    /// paid on top of the department, and a refund or a correction is owed. Marked 已缴费, it is the family's.
    #[test]
    fn a_family_payment_beside_a_department_is_listed_while_marked_government_paid() {
        use crate::domain::unapplied::{KeptPayment, UnappliedPayment, UnappliedReason};
        let mut held = pupil("郭宇轩", "450203201909308803", "1班");
        held.id = 7;
        held.payment = PaymentStatus::Government;
        let mut record = UnappliedPayment {
            roster_status: Some("government".into()),
            ..UnappliedPayment::for_test(
                "郭宇轩",
                38_000,
                NaiveDate::from_ymd_opt(2026, 10, 16),
                ("税务.csv", 8),
                UnappliedReason::RosterStatus,
            )
        };
        let kept = |record: &UnappliedPayment| KeptPayment {
            student_id: Some(7),
            id_number: "450203201909308803".into(),
            record: record.clone(),
        };
        let found = tax_paid_unrecorded(&[kept(&record)], std::slice::from_ref(&held));
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].advice.contains("退费"), "{}", found[0].advice);
        assert!(found[0].advice_en.contains("refunded"), "{}", found[0].advice_en);
        record.reason = UnappliedReason::OtherPayer;
        record.roster_status = None;
        assert_eq!(tax_paid_unrecorded(&[kept(&record)], std::slice::from_ref(&held)).len(), 1);
        held.payment = PaymentStatus::Paid;
        assert!(tax_paid_unrecorded(&[kept(&record)], std::slice::from_ref(&held)).is_empty());
        // Kept against another standing (不参保) and marked 财政代缴 since: settled as before.
        record.reason = UnappliedReason::RosterStatus;
        record.roster_status = Some("declined".into());
        held.payment = PaymentStatus::Government;
        assert!(tax_paid_unrecorded(&[kept(&record)], std::slice::from_ref(&held)).is_empty());
    }

    /// Paid for beside 不参保 or 异地参保 is listed whatever recorded it, with the status and the payment; beside
    /// 已离校 only where a list recorded it while the pupil stood so (the caller's `listed`); a department's payment
    /// for a pupil insured elsewhere, and an unpaid decline, are not.
    #[test]
    fn a_payment_beside_the_rosters_status_is_listed() {
        let paid = |name: &str, id: i64, enrollment: Enrollment, payment: PaymentStatus| {
            let mut s = pupil(name, "", "1班");
            (s.id, s.enrollment, s.payment) = (id, enrollment, payment);
            if payment == PaymentStatus::Paid {
                s.payment_details = PaymentDetails {
                    amount_fen: Some(38_000),
                    paid_on: NaiveDate::from_ymd_opt(2023, 11, 1),
                    channel: Some("微信".into()),
                };
            }
            s
        };
        let mut declined = paid("卢雅", 1, Enrollment::Declined, PaymentStatus::Paid);
        declined.decline_reason = Some("家长已在单位参保".into());
        let students = [
            declined,
            paid("林彤瑶", 2, Enrollment::Elsewhere, PaymentStatus::Paid),
            paid("孙语", 3, Enrollment::Left, PaymentStatus::Paid),
            paid("黎语雪", 4, Enrollment::Left, PaymentStatus::Paid),
            paid("郭诚磊", 5, Enrollment::Elsewhere, PaymentStatus::Government),
            paid("高俊", 6, Enrollment::Declined, PaymentStatus::Unpaid),
            paid("蒋睿豪", 7, Enrollment::Here, PaymentStatus::Paid),
        ];
        let listed = HashMap::from([(1, "2026-11-23T02:00:00Z".to_owned()), (3, "2026-11-23T02:00:00Z".to_owned())]);
        let found = paid_despite_status(&students, &listed, &[]);
        let names: Vec<&str> = found.iter().map(|f| f.pupil.name.as_str()).collect();
        assert_eq!(names, ["卢雅", "林彤瑶", "孙语"]);
        assert_eq!(found[0].status_words(false), "不参保（家长已在单位参保）");
        assert_eq!(found[0].payment_words(false), "已缴费 380 元，2023-11-01，微信");
        assert_eq!(found[1].payment_words(true), "paid 380 yuan, 2023-11-01, WeChat");
        assert_eq!((found[0].listed_at.is_some(), found[1].listed_at.is_none()), (true, true));
        // A part payment insures nobody: said short, as reconcile said it.
        let short = Underpaid { pupil: found[1].pupil.clone(), paid: 300.0, due: 380.0, short: 80.0, department: None };
        let again = paid_despite_status(&students, &listed, &[short]);
        assert!(again[1].payment_words(false).ends_with("少于应缴（差 80 元），为部分缴费，不计为已参保"), "{again:?}");
        assert!(again[1].payment_words(true).contains("80 yuan short") && again[0].short.is_none(), "{again:?}");
        let report = CheckReport { paid_despite_status: found, ..CheckReport::default() };
        assert_eq!(report.findings(), 3);
    }

    /// A payment with no date is listed only where a reconciled list recorded it.
    #[test]
    fn a_list_payment_without_a_date_is_listed() {
        let mut listed_pupil = pupil("孙语", "", "1班");
        (listed_pupil.id, listed_pupil.payment) = (1, PaymentStatus::Paid);
        listed_pupil.payment_details.amount_fen = Some(38_000);
        let mut by_hand = listed_pupil.clone();
        (by_hand.id, by_hand.name) = (2, "林彤瑶".into());
        let mut dated = listed_pupil.clone();
        (dated.id, dated.name) = (3, "黎语雪".into());
        dated.payment_details.paid_on = NaiveDate::from_ymd_opt(2023, 11, 1);
        let at = "2026-11-23T02:00:00Z".to_owned();
        let listed = HashMap::from([(1, at.clone()), (3, at)]);
        let found = list_payments_undated(&[listed_pupil, by_hand, dated], &listed);
        let names: Vec<&str> = found.iter().map(|f| f.pupil.name.as_str()).collect();
        assert_eq!(names, ["孙语"]);
        assert_eq!((found[0].payment_words(false), found[0].payment_words(true)), ("380 元".into(), "380 yuan".into()));
        let report = CheckReport { list_payment_undated: found, ..CheckReport::default() };
        assert_eq!(report.findings(), 1);
    }

    #[test]
    fn government_paid_without_a_category_is_found() {
        let mut paid = pupil("赵六", "", "1班");
        paid.payment = PaymentStatus::Government;
        let mut fine = paid.clone();
        fine.categories = vec![CategoryMark { name: "特困人员".into(), department: "民政".into(), year: None }];
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        let report = check(&[paid, fine], CategoryTable::builtin(), None, today);
        assert_eq!(report.government_without_category.len(), 1);
    }

    /// A pupil insured elsewhere whom a department paid for is counted in 异地缴费 under a policy, as the
    /// ledgers count them: not a 财政代缴 pupil without a category. Without a policy nothing says where the
    /// department is, and the ledger keeps them in 财政代缴, so check lists them there too.
    #[test]
    fn government_paid_elsewhere_is_listed_as_the_ledger_counts_it() {
        let mut away = pupil("郭诚磊", "450202201910303851", "1班");
        away.payment = PaymentStatus::Government;
        away.enrollment = Enrollment::Elsewhere;
        away.decline_reason = Some("南宁市".into());
        let mut here = pupil("高俊", "450202201912156031", "1班");
        here.payment = PaymentStatus::Government;
        here.enrollment = Enrollment::Here;
        let today = chrono::NaiveDate::from_ymd_opt(2023, 10, 8).unwrap_or_default();
        let yibin = crate::domain::policy::PolicySet::builtin().get("yibin-2024");
        let names = |r: &CheckReport| r.government_without_category.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
        let pupils = [away, here];
        assert_eq!(names(&check(&pupils, CategoryTable::builtin(), yibin, today)), ["高俊"]);
        assert_eq!(names(&check(&pupils, CategoryTable::builtin(), None, today)), ["郭诚磊", "高俊"]);
    }

    /// A parent's number typed for the child: a valid number whose holder is 40 is found, with the age, and so
    /// is one of 25, whom no grade of a 中小学 has; a 高三 pupil of 21 is not.
    #[test]
    fn a_number_too_old_for_a_pupil_is_found() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        let parent = pupil("卢翔", "450202198603182610", "四年级1班");
        assert!(parent.id_problem.is_none(), "a valid number");
        let student = pupil("韦大", &format!("45020220010101003{}", id_number::check_char(b"45020220010101003")), "");
        assert!(student.id_problem.is_none(), "a valid number");
        let late =
            pupil("韦小", &format!("45020220050101003{}", id_number::check_char(b"45020220050101003")), "高三1班");
        let report = check(&[parent, student, late], CategoryTable::builtin(), None, today);
        let found: Vec<(&str, i32)> = report.too_old.iter().map(|a| (a.pupil.name.as_str(), a.age)).collect();
        assert_eq!(found, [("卢翔", 40), ("韦大", 25)]);
    }

    /// An old 15-digit number, which the batch template leaves out (`Student::id_to_verify`), is listed with the
    /// numbers to verify, where it was listed as a pupil 108 years old by its conversion's birth date.
    #[test]
    fn an_old_15_digit_number_is_listed_with_the_numbers_to_verify() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        let old = pupil("莫怡航", "511502180101773", "一年级2班");
        assert_eq!(old.id_kind, Some(id_number::IdKind::ResidentConverted), "an old number");
        assert!(old.id_to_verify() && old.id_valid());
        let report = check(&[old], CategoryTable::builtin(), None, today);
        let listed: Vec<&str> = report.invalid_ids.iter().map(|i| i.problem.as_str()).collect();
        assert!(listed.len() == 1 && listed[0].contains("15位旧身份证号码"), "{listed:?}");
        assert!(report.invalid_ids[0].problem_en.contains("old 15-digit"));
        assert!(report.too_old.is_empty(), "not a pupil of 108");
    }

    #[test]
    fn a_date_in_the_id_cell_is_said_as_a_date() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        let (text, en) = problem_text("date", "2016-03-05", today);
        assert_eq!((text.as_str(), en.as_str()), (id_number::DATE_IN_ID_CELL, id_number::DATE_IN_ID_CELL_EN));
    }

    #[test]
    fn a_stored_code_is_said_in_words() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap_or_default();
        let (text, _) = problem_text("precision_lost", "450202201605011000", today);
        assert!(text.contains("15 位之后") && !text.contains("precision_lost"), "{text}");
    }

    #[test]
    fn finds_each_kind_of_problem() {
        let mut with_category = pupil("许志文", "450203201811029232", "2班");
        with_category.categories =
            vec![CategoryMark { name: "特困人员".into(), department: String::new(), year: None }];
        let students = vec![
            // Same name and birth date, different (valid) numbers: 001 附件1 三 asks for one record per person.
            pupil("孙语", "450203201909308803", "1班"),
            pupil("孙语", "450202201909301381", "3班"),
            // The same wrong number twice.
            pupil("林彤瑶", "450202201911276364", "1班"),
            pupil("林彤遥", "450202201911276364", "1班"),
            pupil("黎语雪", "450202202007078525", ""),
            with_category,
        ];
        let report =
            check(&students, CategoryTable::builtin(), None, NaiveDate::from_ymd_opt(2024, 9, 1).unwrap_or_default());
        assert_eq!(report.students, 6);
        assert_eq!(report.same_name_birth.len(), 1, "{report:?}");
        assert_eq!(report.same_name_birth[0].pupils.len(), 2);
        assert_eq!(report.same_id.len(), 1);
        assert_eq!(report.same_id[0].key, "450202201911276364");
        assert_eq!(report.invalid_ids.len(), 2);
        assert!(report.invalid_ids[0].problem.contains("校验码"), "{}", report.invalid_ids[0].problem);
        assert_eq!(report.no_class.len(), 1);
        assert_eq!(report.no_class[0].name, "黎语雪");
        assert_eq!(report.categories_without_department.len(), 1);
        assert_eq!(report.categories_without_department[0].table_department.as_deref(), Some("民政"));
        assert_eq!(report.findings(), 6);
        assert!(report.same_name_class_rounded.is_empty());
    }

    /// 蒋婷语 held with her valid number and again with its check character typed wrong: one child twice, though
    /// the flagged number gives no birth date. A digit typed wrong elsewhere ties them only in the same class.
    #[test]
    fn a_mistyped_number_beside_a_valid_one_of_the_same_name_is_listed() {
        let today = NaiveDate::from_ymd_opt(2026, 9, 1).unwrap_or_default();
        // A valid number, and the same with its 14th digit typed wrong (the check character kept).
        let numbers = |first17: &str, wrong: &str| {
            let check = id_number::check_char(first17.as_bytes());
            (format!("{first17}{check}"), format!("{wrong}{check}"))
        };
        let (wei, wei_typo) = numbers("45020220150101123", "45020220150101623");
        let (huang, huang_typo) = numbers("45020220160202456", "45020220160202956");
        let students = vec![
            pupil("蒋婷语", "511302202007094544", "一年级2班"),
            pupil("蒋婷语", "511302202007094540", "一年级2班"),
            pupil("韦明", &wei, "1班"),
            pupil("韦明", &wei_typo, "1班"),
            // Another class: a digit typed wrong in the middle is no tie.
            pupil("黄丽", &huang, "1班"),
            pupil("黄丽", &huang_typo, "2班"),
            // Another name: another child.
            pupil("蒋婷", "511302202007094541", "一年级2班"),
        ];
        let report = check(&students, CategoryTable::builtin(), None, today);
        let found: Vec<(&str, Vec<&str>)> = report
            .same_name_mistyped
            .iter()
            .map(|g| (g.key.as_str(), g.pupils.iter().map(|p| p.id_number.as_str()).collect()))
            .collect();
        assert_eq!(
            found,
            [
                ("蒋婷语 一年级2班", vec!["511302202007094540", "511302202007094544"]),
                ("韦明 1班", vec![wei_typo.as_str(), wei.as_str()]),
            ],
            "{report:?}"
        );
        assert!(report.same_name_birth.is_empty() && report.same_id.is_empty(), "{report:?}");
    }

    #[test]
    fn a_same_name_in_the_same_class_with_a_rounded_number_is_listed() {
        let today = NaiveDate::from_ymd_opt(2024, 9, 1).unwrap_or_default();
        let students = vec![
            pupil("张伟", "450202201501011239", "1班"),
            pupil("张伟", "4.50202201501011E+17", "1班"),
            // Another class, or no rounded number: not this finding.
            pupil("张伟", "450202201501011000", "2班"),
            pupil("李娜", "450202201909301381", "1班"),
            pupil("李娜", "", "1班"),
        ];
        let report = check(&students, CategoryTable::builtin(), None, today);
        assert_eq!(report.same_name_class_rounded.len(), 1, "{report:?}");
        assert_eq!(report.same_name_class_rounded[0].key, "张伟 1班");
        assert_eq!(report.same_name_class_rounded[0].pupils.len(), 2);
        assert!(report.findings() > report.invalid_ids.len());
        // 李娜 twice in 1班, once with no number: a list of its own.
        assert_eq!(report.same_name_class_unnumbered.len(), 1, "{report:?}");
        assert_eq!(report.same_name_class_unnumbered[0].key, "李娜 1班");
    }

    /// A pupil held with no ID number beside one of the same name and class held with a number (an import that
    /// added the child again from a list whose number cell was empty) is listed; in another class it is not.
    #[test]
    fn a_same_name_in_the_same_class_with_no_number_is_listed() {
        let today = NaiveDate::from_ymd_opt(2024, 9, 1).unwrap_or_default();
        let students = vec![
            pupil("孙语", "450203201909308803", "1班"),
            pupil("孙语", "", "1班"),
            pupil("王五", "", "2班"),
            pupil("王五", "450203201909308803", "3班"),
        ];
        let report = check(&students, CategoryTable::builtin(), None, today);
        let found: Vec<(&str, usize)> =
            report.same_name_class_unnumbered.iter().map(|g| (g.key.as_str(), g.pupils.len())).collect();
        assert_eq!(found, [("孙语 1班", 2)], "{report:?}");
    }

    /// A pair the import kept as two children (`same_child`: a 备注 saying so, or another sex) is not listed as one
    /// child twice, whose extra entry to delete would be a real child.
    #[test]
    fn two_children_of_one_name_the_import_kept_apart_are_not_listed_as_one() {
        let today = NaiveDate::from_ymd_opt(2024, 9, 1).unwrap_or_default();
        let mut noted = pupil("陈七", "", "1班");
        noted.note = "同名不同人".into();
        let mut boy = pupil("陈八", "", "1班");
        boy.sex = Some(id_number::Sex::Male);
        let students = vec![
            pupil("陈七", "450203201909308803", "1班"),
            noted,
            pupil("陈八", "450203201909308803", "1班"),
            boy,
            // Nothing tells these two apart: still listed.
            pupil("孙语", "450203201909308803", "2班"),
            pupil("孙语", "", "2班"),
        ];
        let report = check(&students, CategoryTable::builtin(), None, today);
        let found: Vec<(&str, usize)> =
            report.same_name_class_unnumbered.iter().map(|g| (g.key.as_str(), g.pupils.len())).collect();
        assert_eq!(found, [("孙语 2班", 2)], "{report:?}");
    }

    /// The payments kept as not recorded are listed list by list, each list's in its row order: a list of
    /// strangers read between two of the school's own is one block, where before the lines went by the day each
    /// was kept and two readings of the school's list were split by the strangers' rows.
    #[test]
    fn kept_payments_are_listed_grouped_by_their_list() {
        use crate::domain::unapplied::UnappliedReason;
        let kept = |number: &str, file: &str, row: usize| {
            let mut k =
                kept_row(number, None, "王明钢", NaiveDate::from_ymd_opt(2026, 10, 8), UnappliedReason::UnknownNumber);
            k.record.file = file.into();
            k.record.row = row;
            k
        };
        let list = [
            kept("450202201909301381", "十月.csv", 5),
            kept("110105201801010115", "外校.csv", 2),
            kept("110105201801010123", "外校.csv", 3),
            kept("450202201909301390", "十月.csv", 3),
        ];
        let found = tax_paid_unrecorded(&list, &[]);
        let said: Vec<(&str, usize)> = found.iter().map(|f| (f.file.as_str(), f.row)).collect();
        assert_eq!(said, [("十月.csv", 3), ("十月.csv", 5), ("外校.csv", 2), ("外校.csv", 3)]);
    }

    /// A pupil marked paid with no amount recorded (a teacher's ticked 班级核对表) is a finding of its own, counted;
    /// one paid with an amount, or unpaid, is not. Before, nothing named them: no amount was no shortfall.
    #[test]
    fn a_pupil_paid_with_no_amount_recorded_is_listed() {
        let today = NaiveDate::from_ymd_opt(2024, 9, 1).unwrap_or_default();
        let mut ticked = pupil("周一", "450203201909308803", "1班");
        ticked.payment = PaymentStatus::Paid;
        let mut receipted = pupil("周二", "", "1班");
        receipted.payment = PaymentStatus::Paid;
        receipted.payment_details.amount_fen = Some(40_000);
        let students = vec![ticked, receipted, pupil("周三", "", "1班")];
        let report = check(&students, CategoryTable::builtin(), None, today);
        let named: Vec<&str> = report.paid_without_amount.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(named, ["周一"], "{report:?}");
        let without = CheckReport { paid_without_amount: Vec::new(), ..report.clone() };
        assert_eq!(report.findings(), without.findings() + 1);
    }
}
