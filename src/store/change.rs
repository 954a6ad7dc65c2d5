//! Changes to a pupil as the operator, or an agency's list, means them, and the rules that keep a mark in step
//! with what the forms say. The TUI, `canbao mark` and `reconcile` change statuses only through here; field
//! lists are built in this one place.
//!
//! Enrollment and payment are statuses of a pupil *for an insured year*; categories and the note belong to the
//! pupil. `Change::is_yearly` says which is which, so a drive that keeps several years applies the first kind
//! to the year in hand and the second to the pupil.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, TransactionBehavior};
use serde::Serialize;

use super::fields::{self, Field, FieldChange, FieldDiff};
use super::{Result, Store, StoreError};
use crate::domain::coverage::Standing;
use crate::domain::student::{CategoryMark, Enrollment, PaymentChannel, PaymentStatus};

/// The history's action of a top-up: the rest of a family's part payment (300 of 380) paid later and added to it
/// (`mark --top-up`, the payment form's 补缴), its amount row naming the part it followed.
pub const TOP_UP: &str = "top_up";

/// 缴费: what is recorded of the year's premium.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payment {
    /// 未缴费: any amount, date and channel recorded are cleared.
    Unpaid,
    /// 已缴费 by the family. A detail given as `None` keeps what the drive already holds (an agency's list
    /// without that column never erases what the operator recorded).
    Paid { amount_fen: Option<i64>, paid_on: Option<NaiveDate>, channel: Option<PaymentChannel> },
    /// 财政代缴: a department pays; no family amount is kept under it.
    Government,
}

impl Payment {
    pub fn status(&self) -> PaymentStatus {
        match self {
            Payment::Unpaid => PaymentStatus::Unpaid,
            Payment::Paid { .. } => PaymentStatus::Paid,
            Payment::Government => PaymentStatus::Government,
        }
    }
}

/// One change to one pupil.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// 参保状态, with the reason for 不参保 or the place for 异地参保 (kept for those two only).
    Enrollment { status: Enrollment, reason: Option<String> },
    /// 缴费. A payment for a pupil nobody has asked yet (未确认) makes them 在校参保 in the same write.
    Payment(Payment),
    /// 人员类别: the pupil's whole set. A mark without a year is certified for the year the change is made in;
    /// one with its year keeps it (a category carried from an earlier year that nobody certified again).
    Categories(Vec<CategoryMark>),
    /// 备注.
    Note(String),
    /// 民族 as typed, spelled as the forms spell it (`domain::ethnicity::normalise`); "" clears it.
    Ethnicity(String),
    /// 居住地址 as typed, kept on one line; "" clears it.
    Address(String),
}

impl Change {
    /// A status for the insured year rather than a fact about the pupil.
    pub fn is_yearly(&self) -> bool {
        matches!(self, Change::Enrollment { .. } | Change::Payment(_))
    }
}

/// Why a pupil's changes were not applied. Nothing of that pupil's changes is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Refusal {
    /// A payment for a pupil whose enrollment says they are not insured through the school here (异地参保,
    /// 不参保, 已离校): someone must look before the drive says both.
    PaymentAgainstEnrollment { enrollment: Enrollment, payment: PaymentStatus },
    /// 不参保 for a pupil paid for, or 异地参保 for one the family paid for
    /// (`Standing::enrollment_contradicts_payment`): the payment must be cleared first. Never confirmed away:
    /// a premium paid is not undone by a status.
    EnrollmentAgainstPayment { enrollment: Enrollment, payment: PaymentStatus },
}

impl Refusal {
    pub fn message_zh(&self) -> String {
        match self {
            Refusal::PaymentAgainstEnrollment { enrollment, payment } => {
                format!("该生为“{}”，不能登记为“{}”", enrollment.label_zh(), payment.label_zh())
            }
            Refusal::EnrollmentAgainstPayment { enrollment, payment } => {
                format!("该生为“{}”，不能标记为“{}”：请先清除缴费", payment.label_zh(), enrollment.label_zh())
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            Refusal::PaymentAgainstEnrollment { enrollment, payment } => {
                format!("marked {}: not recorded as {}", enrollment.label_en(), payment.label_en())
            }
            Refusal::EnrollmentAgainstPayment { enrollment, payment } => {
                format!("{}: not marked {}; clear the payment first", payment.label_en(), enrollment.label_en())
            }
        }
    }
}

/// How a batch of changes is applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChangeOptions {
    /// Do the same work and roll it back, so the outcome is exactly what a real run would do.
    pub dry_run: bool,
    /// The operator was shown what a refusal would be and said yes: a payment against the enrollment makes
    /// the pupil 在校参保 instead of being refused. An enrollment against a payment is refused all the same.
    pub confirmed: bool,
    /// The payments are the tax office's record of money received (a reconciled tax list): one against the
    /// enrollment (a family that paid after declining, a pupil who paid and left) is recorded beside it, the
    /// enrollment and its reason kept for the operator to settle, rather than refused: the pupil is insured by
    /// the payment whatever the school was told (`Standing::is_insured`), and a payment left unrecorded would
    /// drop a child the tax office collected for from every form.
    pub payment_stands: bool,
}

/// What happened to one pupil.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub id: i64,
    /// The fields that really changed (empty: the pupil was already so).
    pub diffs: Vec<FieldDiff>,
    pub refused: Option<Refusal>,
}

/// The part of a pupil the rules read.
#[derive(Debug, Clone, Copy)]
struct Current {
    enrollment: Enrollment,
    payment: PaymentStatus,
}

impl Store {
    /// Applies each pupil's changes in one transaction under one audit action, all or none. A pupil whose
    /// changes break a rule is refused (nothing of theirs written) and reported in their outcome; the others
    /// are written.
    pub fn apply_changes(
        &mut self,
        action: &str,
        items: &[(i64, Vec<Change>)],
        options: ChangeOptions,
    ) -> Result<Vec<Outcome>> {
        self.apply_changes_then(action, items, options, |_, _| Ok(()))
    }

    /// `apply_changes`, each pupil first looked at by `keep` inside the transaction, on the drive as it is at the
    /// write: a pupil it turns away gets no outcome and nothing of theirs is written. A question asked long
    /// before the answer (the possible leavers' list) holds only while the pupils are still as it was asked of.
    pub(super) fn apply_changes_kept(
        &mut self,
        action: &str,
        items: &[(i64, Vec<Change>)],
        keep: impl FnMut(&rusqlite::Transaction, i64) -> Result<bool>,
    ) -> Result<Vec<Outcome>> {
        self.apply_changes_in(action, items, ChangeOptions::default(), keep, |_, _| Ok(()))
    }

    /// `apply_changes`, with `then` writing what goes with the outcomes in the same transaction (rolled back
    /// with it on a dry run).
    pub(super) fn apply_changes_then(
        &mut self,
        action: &str,
        items: &[(i64, Vec<Change>)],
        options: ChangeOptions,
        then: impl FnOnce(&rusqlite::Transaction, &[Outcome]) -> Result<()>,
    ) -> Result<Vec<Outcome>> {
        self.apply_changes_in(action, items, options, |_, _| Ok(true), then)
    }

    fn apply_changes_in(
        &mut self,
        action: &str,
        items: &[(i64, Vec<Change>)],
        options: ChangeOptions,
        mut keep: impl FnMut(&rusqlite::Transaction, i64) -> Result<bool>,
        then: impl FnOnce(&rusqlite::Transaction, &[Outcome]) -> Result<()>,
    ) -> Result<Vec<Outcome>> {
        self.refuse_past_year()?;
        let ctx = self.audit_context(action);
        let year = self.current_year;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut outcomes = Vec::with_capacity(items.len());
        for (id, changes) in items {
            if !keep(&tx, *id)? {
                continue;
            }
            let (enrollment, payment): (String, String) = tx
                .prepare_cached("SELECT enrollment, payment FROM students WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?
                .ok_or(StoreError::NoSuchStudent(*id))?;
            let current = Current {
                enrollment: Enrollment::from_code(&enrollment).unwrap_or(Enrollment::Unknown),
                payment: PaymentStatus::from_code(&payment).unwrap_or(PaymentStatus::Unpaid),
            };
            let outcome = match field_changes(current, changes, options, year) {
                Ok(list) => Outcome { id: *id, diffs: fields::apply_diffs(&tx, &ctx, *id, &list)?, refused: None },
                Err(refusal) => Outcome { id: *id, diffs: Vec::new(), refused: Some(refusal) },
            };
            outcomes.push(outcome);
        }
        then(&tx, &outcomes)?;
        if options.dry_run {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok(outcomes)
    }

    /// One pupil's changes, applied at once (see `apply_changes`).
    pub fn apply_change(
        &mut self,
        action: &str,
        id: i64,
        changes: Vec<Change>,
        options: ChangeOptions,
    ) -> Result<Outcome> {
        let mut outcomes = self.apply_changes(action, &[(id, changes)], options)?;
        Ok(outcomes.pop().unwrap_or(Outcome { id, diffs: Vec::new(), refused: None }))
    }
}

/// The stored fields a pupil's changes come to, read in order against the pupil's enrollment as each change
/// leaves it; or why they cannot be applied. An enrollment is judged against the payment the changes end with,
/// so clearing the payment and declining in one mark is allowed in either order. Marking categories certifies the marks given without
/// a year for `year`, the drive's current insured year, even when the set is the same as last year's.
fn field_changes(
    mut current: Current,
    changes: &[Change],
    options: ChangeOptions,
    year: Option<i32>,
) -> Result<Vec<FieldChange>, Refusal> {
    let confirmed = options.confirmed;
    let mut out: Vec<FieldChange> = Vec::new();
    let set_enrollment = |out: &mut Vec<FieldChange>, status: Enrollment, reason: Option<String>| {
        out.push(FieldChange::new(Field::Enrollment, Some(status.code())));
        let kept = matches!(status, Enrollment::Declined | Enrollment::Elsewhere);
        out.push(FieldChange::new_owned(Field::DeclineReason, reason.filter(|r| kept && !r.trim().is_empty())));
        status
    };
    let mut enrollment_set = false;
    for change in changes {
        match change {
            Change::Enrollment { status, reason } => {
                current.enrollment = set_enrollment(&mut out, *status, reason.clone());
                enrollment_set = true;
            }
            Change::Payment(payment) => {
                let status = payment.status();
                if status.is_settled() {
                    let standing = Standing::new(current.enrollment, status);
                    // Recorded beside the enrollment, which stays as it was (see `ChangeOptions::payment_stands`).
                    let stands_beside = options.payment_stands && !confirmed;
                    let contradicts = standing.payment_contradicts_enrollment() && !stands_beside;
                    if contradicts && !confirmed {
                        return Err(Refusal::PaymentAgainstEnrollment {
                            enrollment: current.enrollment,
                            payment: status,
                        });
                    }
                    if current.enrollment == Enrollment::Unknown || contradicts {
                        current.enrollment = set_enrollment(&mut out, Enrollment::Here, None);
                    }
                }
                current.payment = status;
                out.push(FieldChange::new(Field::Payment, Some(status.code())));
                match payment {
                    Payment::Paid { amount_fen, paid_on, channel } => {
                        if let Some(fen) = amount_fen {
                            out.push(FieldChange::new_owned(Field::PaidAmount, Some(fen.to_string())));
                        }
                        if let Some(day) = paid_on {
                            out.push(FieldChange::new_owned(Field::PaidOn, Some(day.to_string())));
                        }
                        if let Some(channel) = channel {
                            out.push(FieldChange::new(Field::PaidChannel, Some(channel.label_zh())));
                        }
                    }
                    Payment::Unpaid | Payment::Government => {
                        for field in [Field::PaidAmount, Field::PaidOn, Field::PaidChannel] {
                            out.push(FieldChange::new(field, None));
                        }
                    }
                }
            }
            Change::Categories(marks) => {
                let (text, certified) = super::fields::certified_categories(marks, year);
                out.push(FieldChange::new_owned(Field::Categories, Some(text)));
                if let Some(certified) = certified.filter(|_| year.is_some()) {
                    out.push(FieldChange::new_owned(Field::CategoriesYear, Some(certified.to_string())));
                }
            }
            Change::Note(text) => out.push(FieldChange::new(Field::Note, Some(text))),
            // NULL when cleared, as a pupil no list gave them to holds them.
            Change::Ethnicity(text) => {
                let spelled = crate::domain::ethnicity::normalise(text);
                out.push(FieldChange::new_owned(Field::Ethnicity, Some(spelled).filter(|e| !e.is_empty())));
            }
            Change::Address(text) => {
                let line = crate::domain::one_line(text);
                out.push(FieldChange::new_owned(Field::Address, Some(line).filter(|a| !a.is_empty())));
            }
        }
    }
    let standing = Standing::new(current.enrollment, current.payment);
    if enrollment_set && standing.enrollment_contradicts_payment() {
        return Err(Refusal::EnrollmentAgainstPayment { enrollment: current.enrollment, payment: current.payment });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StudentFilter;

    fn drive() -> (Store, Vec<i64>) {
        let mut store = Store::open_in_memory().expect("store");
        store.set_fixed_clock("2026-11-23T10:00:00+08:00");
        crate::demo::load_sample(&mut store).expect("sample");
        let ids = store.students(&StudentFilter::default()).expect("list").iter().take(4).map(|s| s.id).collect();
        (store, ids)
    }

    fn paid(fen: i64) -> Change {
        let day = NaiveDate::from_ymd_opt(2026, 11, 23);
        Change::Payment(Payment::Paid { amount_fen: Some(fen), paid_on: day, channel: Some(PaymentChannel::WeChat) })
    }

    #[test]
    fn a_payment_enrolls_a_pupil_nobody_asked_in_the_same_write() {
        let (mut store, ids) = drive();
        let audit = store.audit_count().expect("count");
        let outcome = store.apply_change("mark", ids[0], vec![paid(38000)], ChangeOptions::default()).expect("mark");
        assert_eq!(outcome.refused, None);
        let s = store.student(ids[0]).expect("pupil");
        assert_eq!((s.enrollment, s.payment), (Enrollment::Here, PaymentStatus::Paid));
        assert_eq!(s.payment_details.amount_fen, Some(38000));
        assert_eq!(s.payment_details.channel.as_deref(), Some("微信"));
        let fields: Vec<Field> = outcome.diffs.iter().map(|d| d.field).collect();
        assert!(fields.contains(&Field::Enrollment) && fields.contains(&Field::Payment));
        // One audit row per changed field, under the same action and instant.
        let history = store.history(ids[0]).expect("history");
        assert_eq!(store.audit_count().expect("count") - audit, outcome.diffs.len() as i64);
        let last = &history[history.len() - outcome.diffs.len()..];
        assert!(last.iter().all(|e| e.action == "mark" && e.at == last[0].at));
    }

    #[test]
    fn a_payment_against_the_enrollment_is_refused_unless_confirmed() {
        let (mut store, ids) = drive();
        let declined = Change::Enrollment { status: Enrollment::Declined, reason: Some("已在老家参保".into()) };
        store.apply_change("mark", ids[0], vec![declined], ChangeOptions::default()).expect("decline");
        let outcome = store.apply_change("mark", ids[0], vec![paid(38000)], ChangeOptions::default()).expect("mark");
        assert_eq!(
            outcome.refused,
            Some(Refusal::PaymentAgainstEnrollment { enrollment: Enrollment::Declined, payment: PaymentStatus::Paid })
        );
        assert!(outcome.diffs.is_empty());
        assert_eq!(store.student(ids[0]).expect("pupil").payment, PaymentStatus::Unpaid);

        let confirmed = ChangeOptions { confirmed: true, ..ChangeOptions::default() };
        let outcome = store.apply_change("mark", ids[0], vec![paid(38000)], confirmed).expect("mark");
        assert_eq!(outcome.refused, None);
        let s = store.student(ids[0]).expect("pupil");
        assert_eq!((s.enrollment, s.payment, s.decline_reason), (Enrollment::Here, PaymentStatus::Paid, None));
    }

    #[test]
    fn a_department_may_pay_for_a_pupil_enrolled_elsewhere_but_a_family_payment_is_asked() {
        let (mut store, ids) = drive();
        let elsewhere = Change::Enrollment { status: Enrollment::Elsewhere, reason: None };
        store.apply_change("mark", ids[0], vec![elsewhere.clone()], ChangeOptions::default()).expect("mark");
        let gov = Change::Payment(Payment::Government);
        let outcome = store.apply_change("mark", ids[0], vec![gov], ChangeOptions::default()).expect("mark");
        assert_eq!(outcome.refused, None);
        assert_eq!(store.student(ids[0]).expect("pupil").enrollment, Enrollment::Elsewhere);
        store.apply_change("mark", ids[1], vec![elsewhere], ChangeOptions::default()).expect("mark");
        let outcome = store.apply_change("mark", ids[1], vec![paid(100)], ChangeOptions::default()).expect("mark");
        assert!(outcome.refused.is_some());
    }

    /// The reverse order of `a_payment_against_the_enrollment_is_refused_unless_confirmed`: paid first, then
    /// 不参保 or 异地参保, would leave the same pair on one laptop. 已离校 stays allowed.
    #[test]
    fn an_enrollment_against_a_payment_is_refused_even_confirmed_until_the_payment_is_cleared() {
        let (mut store, ids) = drive();
        let declined =
            Change::Enrollment { status: Enrollment::Declined, reason: Some("家长已在单位参保".into()) };
        let elsewhere = Change::Enrollment { status: Enrollment::Elsewhere, reason: Some("南宁市".into()) };
        let left = Change::Enrollment { status: Enrollment::Left, reason: None };
        let gov = Change::Payment(Payment::Government);
        store.apply_change("mark", ids[0], vec![paid(38000)], ChangeOptions::default()).expect("paid");
        store.apply_change("mark", ids[1], vec![gov], ChangeOptions::default()).expect("gov");
        for options in [ChangeOptions::default(), ChangeOptions { confirmed: true, ..ChangeOptions::default() }] {
            for (id, change, payment) in [
                (ids[0], declined.clone(), PaymentStatus::Paid),
                (ids[0], elsewhere.clone(), PaymentStatus::Paid),
                (ids[1], declined.clone(), PaymentStatus::Government),
            ] {
                let outcome = store.apply_change("mark", id, vec![change.clone()], options).expect("mark");
                let Change::Enrollment { status, .. } = change else { unreachable!() };
                assert_eq!(outcome.refused, Some(Refusal::EnrollmentAgainstPayment { enrollment: status, payment }));
                assert!(outcome.diffs.is_empty());
            }
        }
        assert_eq!(store.student(ids[0]).expect("pupil").enrollment, Enrollment::Here);
        // A department may pay for a pupil insured elsewhere; a pupil who paid and left is still insured.
        let outcome = store.apply_change("mark", ids[1], vec![elsewhere], ChangeOptions::default()).expect("mark");
        assert_eq!(outcome.refused, None);
        let outcome = store.apply_change("mark", ids[0], vec![left], ChangeOptions::default()).expect("mark");
        assert_eq!(outcome.refused, None);
        // Clearing the payment in the same mark, before or after, lets 不参保 through.
        let unpaid = Change::Payment(Payment::Unpaid);
        let items = vec![(ids[0], vec![declined.clone(), unpaid.clone()]), (ids[1], vec![unpaid, declined])];
        let outcomes = store.apply_changes("mark", &items, ChangeOptions::default()).expect("batch");
        assert!(outcomes.iter().all(|o| o.refused.is_none()), "{outcomes:?}");
        let s = store.student(ids[1]).expect("pupil");
        assert_eq!((s.enrollment, s.payment), (Enrollment::Declined, PaymentStatus::Unpaid));
    }

    #[test]
    fn government_payment_keeps_no_family_amount_and_partial_details_keep_the_rest() {
        let (mut store, ids) = drive();
        store.apply_change("mark", ids[0], vec![paid(38000)], ChangeOptions::default()).expect("paid");
        let only_status = Change::Payment(Payment::Paid { amount_fen: None, paid_on: None, channel: None });
        store.apply_change("reconcile", ids[0], vec![only_status], ChangeOptions::default()).expect("again");
        assert_eq!(store.student(ids[0]).expect("pupil").payment_details.amount_fen, Some(38000));
        store
            .apply_change("mark", ids[0], vec![Change::Payment(Payment::Government)], ChangeOptions::default())
            .expect("gov");
        let s = store.student(ids[0]).expect("pupil");
        assert_eq!(s.payment, PaymentStatus::Government);
        assert_eq!(s.payment_details, Default::default());
    }

    #[test]
    fn changes_read_in_order_and_a_refused_pupil_leaves_the_others_written() {
        let (mut store, ids) = drive();
        // Enrolled here first, then paid: no refusal even though the pupil had declined.
        let declined = Change::Enrollment { status: Enrollment::Declined, reason: None };
        store.apply_change("mark", ids[0], vec![declined.clone()], ChangeOptions::default()).expect("decline");
        store.apply_change("mark", ids[1], vec![declined], ChangeOptions::default()).expect("decline");
        let here = Change::Enrollment { status: Enrollment::Here, reason: None };
        let items = vec![(ids[0], vec![here, paid(100)]), (ids[1], vec![paid(100)]), (ids[2], vec![paid(100)])];
        let outcomes = store.apply_changes("mark", &items, ChangeOptions::default()).expect("batch");
        assert_eq!(outcomes.iter().map(|o| o.refused.is_some()).collect::<Vec<_>>(), [false, true, false]);
        assert_eq!(store.student(ids[0]).expect("pupil").payment, PaymentStatus::Paid);
        assert_eq!(store.student(ids[1]).expect("pupil").payment, PaymentStatus::Unpaid);
        assert_eq!(store.student(ids[2]).expect("pupil").payment, PaymentStatus::Paid);
        // A dry run reports the same and writes nothing.
        let again = vec![(ids[3], vec![paid(100)])];
        let dry = ChangeOptions { dry_run: true, ..ChangeOptions::default() };
        assert_eq!(store.apply_changes("mark", &again, dry).expect("dry")[0].diffs.len(), 5);
        assert_eq!(store.student(ids[3]).expect("pupil").payment, PaymentStatus::Unpaid);
    }
}
