//! Writing a reconciliation (the agencies' lists matched against the roster): different changes for each pupil,
//! all in one transaction under one audit action, or none of them.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::TransactionBehavior;

use super::fields::{self, Field, FieldChange};
use super::{AuditContext, Change, ChangeOptions, Outcome, Refusal, Result, Store, StudentFilter};
use crate::domain::student::PaymentStatus;
use crate::domain::unapplied::{self, KeptPayment, UNAPPLIED_PAYMENT, UnappliedPayment, UnappliedReason};

/// One payment of the tax office's list, by its receipt number (票证号码): what a recorded payment is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    pub number: String,
    pub amount_fen: Option<i64>,
    pub paid_on: Option<NaiveDate>,
    pub channel: Option<String>,
}

/// What [`Store::apply_reconciliation_counted`] did: each item's outcome, how many kept payments were kept
/// already, and how many of the payments kept for good the drive does not record once the changes are made.
#[derive(Debug)]
pub struct Reconciled {
    pub outcomes: Vec<Outcome>,
    pub kept_before: usize,
    pub unsettled: usize,
}

/// The tax office's payments a reconciliation does not record, kept in the drive's history (see
/// `domain::unapplied`).
#[derive(Debug, Clone, Default)]
pub struct Unapplied {
    /// Kept whatever the outcomes: rows matching no pupil, or held before any change was made.
    pub always: Vec<KeptPayment>,
    /// Item by item as the changes: kept only when that pupil's changes are refused (a payment against the
    /// roster's 不参保), with the roster's standing the refusal names.
    pub if_refused: Vec<Vec<KeptPayment>>,
}

/// The roster's standing a refusal stands on, as a code (`declined`, `government` …).
fn refusal_standing(refusal: &Refusal) -> &'static str {
    match refusal {
        Refusal::PaymentAgainstEnrollment { enrollment, .. } => enrollment.code(),
        Refusal::EnrollmentAgainstPayment { payment, .. } => payment.code(),
    }
}

/// The records kept already for one pupil (`?1`, none for a number nobody held) and number (`?2`), with their
/// audit row's id: by the kept payments' own index on the number (schema 13), never by the pupils' one, under
/// whose NULL every number nobody holds is kept (the unary `+` keeps the planner off it).
pub(crate) const KEPT_FOR_NUMBER: &str = "SELECT id, new FROM audit
     WHERE field = 'payment_unapplied' AND id_number = ?2 AND +student_id IS ?1";

/// Every kept record, oldest first, with its number (none for a dismissal) and the columns of its hash
/// (`event_hash::audit_row_hash` from column 2): through the same index, not the whole log.
pub(crate) const KEPT_ALL: &str = "SELECT a.student_id, n.number, a.at, a.operator, a.origin, a.action,
            COALESCE(a.id_number, ''), a.field, a.old, a.new
     FROM audit a LEFT JOIN kept_numbers n ON n.audit_id = a.id
     WHERE a.field = 'payment_unapplied' ORDER BY a.id";

/// The kept payments of the year shown with their numbers, and the dismissals in force.
struct KeptLog {
    kept: Vec<(KeptPayment, Option<usize>)>,
    dismissals: Dismissals,
}

/// One dismissal's audit row: its record, its hash (which taking it back names), when and who.
struct Dismissal {
    id_number: String,
    record: UnappliedPayment,
    hash: String,
    at: String,
    operator: String,
}

struct Dismissals(Vec<Dismissal>);

impl Dismissals {
    /// By the number they were kept under, oldest first.
    fn by_id_number(&self) -> HashMap<String, Vec<&Dismissal>> {
        let mut by: HashMap<String, Vec<&Dismissal>> = HashMap::new();
        for d in &self.0 {
            by.entry(d.id_number.clone()).or_default().push(d);
        }
        by
    }
}

/// A payment dismissed and not taken back, as `check --dismissed` lists it: the line `check` would list, and the
/// dismissal's reason, instant and operator.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DismissedLine {
    /// In `--json`, the line's own keys: `why` and `why_en` are the line's words, `reason` its kind.
    #[serde(flatten)]
    pub line: crate::domain::roster_check::UnrecordedPayment,
    /// The reason the operator gave for the dismissal: a key of its own, which none of the line's is.
    #[serde(rename = "dismissal_reason")]
    pub dismissal: String,
    pub at: String,
    pub operator: String,
    /// The drive records the payment since it was dismissed: `check` would not list it were it taken back.
    pub since_recorded: bool,
}

/// Whether the kept payment is the line `check` lists: its number, place on the list, amount, date and receipt.
fn kept_is_line(k: &KeptPayment, line: &crate::domain::roster_check::UnrecordedPayment) -> bool {
    let r = &k.record;
    k.id_number == line.id_number
        && r.file == line.file
        && r.sheet == line.sheet
        && r.row == line.row
        && r.amount_fen.map(crate::domain::money::as_number) == line.amount
        && r.paid_on == line.paid_on
        && r.receipt == line.receipt
}

/// What became of one payment to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept {
    /// Written now.
    Now,
    /// The same payment is kept already from an earlier operation (audit rows up to `before`).
    Before,
    /// The same payment came earlier in this one (the same row under two sheets, a row repeated).
    Again,
}

/// One kept payment as an audit row, unless the same record is kept already for the same pupil and number
/// (a few index entries: the log of a large drive, nor its strangers' rows, is never read for it). `before`: the
/// last audit row written before this operation.
fn keep_unapplied(tx: &rusqlite::Transaction, ctx: &AuditContext, kept: &KeptPayment, before: i64) -> Result<Kept> {
    // The same payment kept already, from this list, an earlier reconciliation of it, or the same list under
    // another name (a link, a copy saved as GBK or UTF-16): not kept twice (`UnappliedPayment::same_payment`).
    let mut held = tx.prepare_cached(KEPT_FOR_NUMBER)?;
    let rows = held.query_map(rusqlite::params![kept.student_id, kept.id_number], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?))
    })?;
    for row in rows {
        let (id, new) = row?;
        let Some(record) = new.as_deref().and_then(UnappliedPayment::from_json) else { continue };
        if record.same_payment(&kept.record) {
            return Ok(if id <= before { Kept::Before } else { Kept::Again });
        }
    }
    ctx.write(tx, kept.student_id, &kept.id_number, UNAPPLIED_PAYMENT, None, Some(&kept.record.to_json()))?;
    Ok(Kept::Now)
}

/// Whether what the drive records for the pupil holding a kept payment's number (the pupil it was kept for, else
/// the one whose valid number it is) settles it (`roster_check::kept_settled_by`), so `check` does not list it: a
/// reconciliation neither keeps nor counts such a payment. The agency's 未参保 is no payment, kept while the
/// pupil counts insured, never settled so.
fn settled_on_drive(conn: &rusqlite::Connection, k: &KeptPayment) -> Result<bool> {
    use rusqlite::OptionalExtension;
    if k.record.reason == UnappliedReason::AgencyNotRegistered {
        return Ok(false);
    }
    let id = match k.student_id {
        Some(id) => Some(id),
        None if !k.id_number.is_empty() => {
            conn.prepare_cached(super::read::EXISTING_VALID)?.query_row([&k.id_number], |r| r.get(0)).optional()?
        }
        None => None,
    };
    let Some(id) = id else { return Ok(false) };
    Ok(super::read::student(conn, id)?.is_some_and(|s| crate::domain::roster_check::kept_settled_by(&k.record, &s)))
}

/// The meta key marking that the upgrade to fixed numbers (schema 15) numbered kept payments anew, `1` until a check
/// has said so (then `said`).
const KEPT_NUMBERS_CHANGED: &str = "kept_numbers_changed";

impl Store {
    /// Whether the upgrade to fixed numbers numbered the kept payments anew and no check has said so yet: a list
    /// printed before it may name another payment under a number.
    pub fn kept_numbers_changed(&self) -> Result<bool> {
        Ok(self.meta(KEPT_NUMBERS_CHANGED)?.as_deref() == Some("1"))
    }

    /// The renumbering said (by `check` or 检查名单): not said again.
    pub fn kept_numbers_change_said(&mut self) -> Result<()> {
        self.set_meta(KEPT_NUMBERS_CHANGED, "said")
    }

    /// The receipts that made up the pupil's recorded payment in the current year, as the last reconciliation
    /// that read a receipt column left them (none for a file from before they were kept: see `schema::read_older`).
    pub fn receipts(&self, student_id: i64) -> Result<Vec<Receipt>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT receipt, amount_fen, paid_on, channel FROM receipts WHERE student_id = ?1 AND year = ?2
             ORDER BY paid_on, receipt",
        )?;
        let rows = stmt.query_map(rusqlite::params![student_id, self.current_year.unwrap_or(0)], |r| {
            let day: Option<String> = r.get(2)?;
            Ok(Receipt {
                number: r.get(0)?,
                amount_fen: r.get(1)?,
                paid_on: day.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                channel: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    /// The latest earlier insured year (before the current one) whose recorded payment for the pupil is the one a
    /// list's row gives: the same receipt number among that year's receipts, or a family payment of that year made
    /// the same day. A tax list of last year read again after the new year began holds such rows only.
    pub fn earlier_year_payment(
        &self,
        student_id: i64,
        receipt: Option<&str>,
        paid_on: NaiveDate,
    ) -> Result<Option<i32>> {
        let Some(current) = self.current_year else { return Ok(None) };
        let day = paid_on.format("%Y-%m-%d").to_string();
        let mut stmt = self.conn.prepare_cached(
            "SELECT max(year) FROM (
                 SELECT year FROM receipts WHERE student_id = ?1 AND year < ?2 AND ?3 <> '' AND receipt = ?3
                 UNION ALL
                 SELECT year FROM year_statuses WHERE student_id = ?1 AND year < ?2 AND payment = 'paid'
                     AND paid_on = ?4
             )",
        )?;
        Ok(stmt.query_row(rusqlite::params![student_id, current, receipt.unwrap_or_default(), day], |r| r.get(0))?)
    }

    /// `apply_changes`, and in the same transaction, for each pupil whose changes were not refused and whose
    /// entry in `receipts` (item by item) is `Some`, the receipts that now make up the recorded payment, in place
    /// of the ones kept before.
    pub fn apply_changes_with_receipts(
        &mut self,
        action: &str,
        items: &[(i64, Vec<Change>)],
        receipts: &[Option<Vec<Receipt>>],
        options: ChangeOptions,
    ) -> Result<Vec<Outcome>> {
        Ok(self.apply_reconciliation(action, items, receipts, &Unapplied::default(), &[], options)?.0)
    }

    /// `apply_changes_with_receipts`, keeping in the same transaction the tax office's payments it does not
    /// record (see [`Unapplied`]), each as an audit row under `action` (field `payment_unapplied`): a record kept
    /// already (the same list read again) is not kept twice. Nothing is kept on a dry run.
    ///
    /// `confirmed`, item by item as the changes (missing items: none), is the amount (fen) the list gives for
    /// a payment two laptops recorded with different amounts (`Store::amount_disputes`). When the pupil's
    /// changes leave that amount without changing it (the list gives the amount the drive holds), it is
    /// recorded all the same, as an audit row of the amount under `action` with the amount as old and new
    /// value: the log then tells that the tax office's list settled the dispute, on this laptop and on every
    /// laptop merged with it. An amount the changes did change has its own row already.
    ///
    /// With the outcomes, how many of the payments it keeps were kept already by an earlier operation (a
    /// reconciliation of the same list, or of another list holding the same payment), and so not kept again; on
    /// a dry run, how many a real run would find kept already.
    pub fn apply_reconciliation(
        &mut self,
        action: &str,
        items: &[(i64, Vec<Change>)],
        receipts: &[Option<Vec<Receipt>>],
        unapplied: &Unapplied,
        confirmed: &[Option<i64>],
        options: ChangeOptions,
    ) -> Result<(Vec<Outcome>, usize)> {
        let applied = self.apply_reconciliation_counted(action, items, receipts, unapplied, confirmed, options)?;
        Ok((applied.outcomes, applied.kept_before))
    }

    /// [`Store::apply_reconciliation`], with how many of `unapplied.always` (the agency's 未参保 apart, which is no
    /// payment) the drive does not record once the changes are made (`settled_on_drive`): the payments `check`
    /// lists. Judged within the transaction, after the list's own changes, so a dry run (rolled back) counts what
    /// the real run counts, where the roster read after it is the one from before the list.
    pub fn apply_reconciliation_counted(
        &mut self,
        action: &str,
        items: &[(i64, Vec<Change>)],
        receipts: &[Option<Vec<Receipt>>],
        unapplied: &Unapplied,
        confirmed: &[Option<i64>],
        options: ChangeOptions,
    ) -> Result<Reconciled> {
        let year = self.current_year.unwrap_or(0);
        let ctx = self.audit_context(action);
        let mut kept_before = 0;
        let mut unsettled = 0;
        let outcomes = self.apply_changes_then(action, items, options, |tx, outcomes| {
            let before: i64 = tx.query_row("SELECT COALESCE(max(id), 0) FROM audit", [], |r| r.get(0))?;
            let mut keep = |kept: &KeptPayment| -> Result<()> {
                if keep_unapplied(tx, &ctx, kept, before)? == Kept::Before {
                    kept_before += 1;
                }
                Ok(())
            };
            for kept in &unapplied.always {
                // A payment the drive records for its pupil once the changes are made (a row read again under
                // a name since corrected) is one `check` does not list: kept, it was a row of the log for nothing.
                if !settled_on_drive(tx, kept)? {
                    keep(kept)?;
                    unsettled += usize::from(kept.record.reason != UnappliedReason::AgencyNotRegistered);
                }
            }
            for (outcome, list) in outcomes.iter().zip(&unapplied.if_refused) {
                let Some(refusal) = &outcome.refused else { continue };
                for kept in list {
                    let mut kept = kept.clone();
                    kept.record.roster_status = Some(refusal_standing(refusal).to_owned());
                    keep(&kept)?;
                }
            }
            for (outcome, fen) in outcomes.iter().zip(confirmed) {
                let Some(fen) = fen.filter(|_| outcome.refused.is_none()) else { continue };
                if outcome.diffs.iter().any(|d| d.field == Field::PaidAmount) {
                    continue;
                }
                let (id_number, held): (String, Option<i64>) = tx
                    .prepare_cached("SELECT id_number, paid_amount_fen FROM students WHERE id = ?1")?
                    .query_row([outcome.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                // Only the amount the pupil holds is confirmed: a change refused in part never says otherwise.
                if held == Some(fen) {
                    let fen = fen.to_string();
                    ctx.write(tx, Some(outcome.id), &id_number, Field::PaidAmount.key(), Some(&fen), Some(&fen))?;
                }
            }
            for (outcome, list) in outcomes.iter().zip(receipts) {
                let Some(list) = list.as_ref().filter(|_| outcome.refused.is_none()) else { continue };
                tx.prepare_cached("DELETE FROM receipts WHERE student_id = ?1 AND year = ?2")?
                    .execute(rusqlite::params![outcome.id, year])?;
                let mut insert = tx.prepare_cached(
                    "INSERT OR REPLACE INTO receipts (student_id, year, receipt, amount_fen, paid_on, channel)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?;
                for r in list {
                    let day = r.paid_on.map(|d| d.format("%Y-%m-%d").to_string());
                    insert.execute(rusqlite::params![outcome.id, year, r.number, r.amount_fen, day, r.channel])?;
                }
            }
            Ok(())
        })?;
        Ok(Reconciled { outcomes, kept_before, unsettled })
    }

    /// The payments reconciliations kept as not recorded for the insured year shown (a record of a drive
    /// without years is its first year's), oldest first. Reads the whole log: `check` reads every pupil anyway.
    pub fn unapplied_payments(&self) -> Result<Vec<KeptPayment>> {
        Ok(self.numbered_payments()?.into_iter().map(|(k, _)| k).collect())
    }

    /// The kept payments as [`Store::unapplied_payments`] reads them, each with the number it got when it was kept
    /// (`kept_numbers`), the dismissed ones left out.
    pub(crate) fn numbered_payments(&self) -> Result<Vec<(KeptPayment, Option<usize>)>> {
        let log = self.kept_log()?;
        let mut kept = log.kept;
        // A dismissal holds whenever the payment was kept, before or after it, on this laptop or another's merged
        // in: by the payment and the number, never by the audit row, which a merge copies under its own id.
        let dismissed = log.dismissals.by_id_number();
        if !dismissed.is_empty() {
            kept.retain(|(k, _)| {
                dismissed.get(&k.id_number).is_none_or(|d| !d.iter().any(|d| d.record.same_payment(&k.record)))
            });
        }
        // A payment kept twice by an older canbao (the list read again under another name) is listed once.
        Ok(unapplied::once_each_numbered(kept))
    }

    /// The payments dismissed (`check --dismiss`) for the insured year shown and not taken back, by number, as kept
    /// with the reason.
    pub fn dismissed_payments(&self) -> Result<HashMap<String, Vec<UnappliedPayment>>> {
        let log = self.kept_log()?;
        Ok(log
            .dismissals
            .by_id_number()
            .into_iter()
            .map(|(n, d)| (n, d.into_iter().map(|d| d.record.clone()).collect()))
            .collect())
    }

    /// The kept payments of the year shown, oldest first, with their numbers, and the dismissals in force.
    fn kept_log(&self) -> Result<KeptLog> {
        let shown = self.shown_year();
        let first = if shown.is_some() { self.first_year()? } else { None };
        let mut stmt = self.conn.prepare(KEPT_ALL)?;
        let mut rows = stmt.query([])?;
        let mut kept = Vec::new();
        let mut dismissals = Vec::new();
        let mut taken_back: std::collections::HashSet<String> = std::collections::HashSet::new();
        while let Some(r) = rows.next()? {
            let (student_id, number, new): (Option<i64>, Option<i64>, Option<String>) =
                (r.get(0)?, r.get(1)?, r.get(9)?);
            // A record a later canbao wrote in a shape this one cannot read is left out, not an error.
            let Some(record) = new.as_deref().and_then(UnappliedPayment::from_json) else { continue };
            if record.year.or(first) != shown {
                continue;
            }
            let id_number: String = r.get(6)?;
            if let Some(undone) = &record.undismissed {
                taken_back.extend(undone.takes_back.iter().cloned());
            } else if record.dismissed.is_some() {
                let hash = super::event_hash::audit_row_hash(r, 2)?;
                let (at, operator) = (r.get(2)?, r.get(3)?);
                dismissals.push(Dismissal { id_number, record, hash, at, operator });
            } else {
                let number = number.and_then(|n| usize::try_from(n).ok());
                kept.push((KeptPayment { student_id, id_number, record }, number));
            }
        }
        // Taken back wherever the taking back was written: a dismissal it did not see (made on another laptop
        // meanwhile) holds.
        dismissals.retain(|d| !taken_back.contains(&d.hash));
        Ok(KeptLog { kept, dismissals: Dismissals(dismissals) })
    }

    /// Dismisses a payment `check` lists as paid at the tax office and not recorded here (`line`, one of
    /// `CheckReport::tax_paid_unrecorded`): the operator dealt with it (a receipt under two payers sorted out with
    /// the tax office, a row without a number recorded by hand for a pupil of another class) and says `why`. One
    /// audit row in its own transaction, under the action `dismiss`, holding the record as kept with the reason:
    /// who and when are the row's. It holds on every laptop the drive is merged with, and a list reconciled again
    /// does not bring the payment back (it is kept already). `None`: no kept payment is that line any longer.
    pub fn dismiss_unapplied(
        &mut self,
        line: &crate::domain::roster_check::UnrecordedPayment,
        why: &str,
    ) -> Result<Option<UnappliedPayment>> {
        self.refuse_past_year()?;
        let why = why.trim();
        // Said as it was last kept, as `check` says it.
        let Some(kept) = self.unapplied_payments()?.into_iter().rev().find(|k| kept_is_line(k, line)) else {
            return Ok(None);
        };
        let record = UnappliedPayment { dismissed: Some(why.to_owned()), ..kept.record };
        let ctx = self.audit_context("dismiss");
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        ctx.write(&tx, kept.student_id, &kept.id_number, UNAPPLIED_PAYMENT, None, Some(&record.to_json()))?;
        tx.commit()?;
        Ok(Some(record))
    }

    /// The payments dismissed and not taken back that `check` would list were they not, under the numbers `check`
    /// gave them (`check --dismissed`, the palette's 撤销销项), each with its dismissal (the latest, where several
    /// laptops dismissed it): who, when and why.
    pub fn dismissed_lines(&self) -> Result<Vec<DismissedLine>> {
        let log = self.kept_log()?;
        if log.dismissals.0.is_empty() {
            return Ok(Vec::new());
        }
        let dismissed = log.dismissals.by_id_number();
        let of = |k: &KeptPayment| -> Option<&Dismissal> {
            dismissed.get(&k.id_number)?.iter().rev().copied().find(|d| d.record.same_payment(&k.record))
        };
        let kept: Vec<(KeptPayment, Option<usize>)> =
            unapplied::once_each_numbered(log.kept.into_iter().filter(|(k, _)| of(k).is_some()).collect());
        let all = self.students(&StudentFilter::default())?;
        // Those recorded since are listed too, said so: a dismissal is not forgotten for a payment recorded later.
        let lines = crate::domain::roster_check::tax_paid_lines_with_recorded(&kept, &all);
        Ok(lines
            .into_iter()
            .filter_map(|(line, since_recorded)| {
                let (k, _) = kept.iter().rev().find(|(k, _)| kept_is_line(k, &line))?;
                let d = of(k)?;
                let dismissal = d.record.dismissed.clone().unwrap_or_default();
                let (at, operator) = (d.at.clone(), d.operator.clone());
                Some(DismissedLine { dismissal, at, operator, since_recorded, line })
            })
            .collect())
    }

    /// Takes back the dismissals of a payment `check --dismissed` lists (`line`): `check` lists it again, under
    /// its number. One audit row in its own transaction, under the action `undismiss`, holding the record with
    /// `why` and the dismissals it takes back; a merge carries it as it carries a dismissal, and a dismissal made
    /// on another laptop that this one had not seen still holds. `None`: the payment is no longer dismissed.
    pub fn undismiss_unapplied(
        &mut self,
        line: &crate::domain::roster_check::UnrecordedPayment,
        why: &str,
    ) -> Result<Option<UnappliedPayment>> {
        self.refuse_past_year()?;
        let log = self.kept_log()?;
        let Some((kept, _)) = log.kept.iter().rev().find(|(k, _)| kept_is_line(k, line)) else { return Ok(None) };
        let takes_back: Vec<String> = log
            .dismissals
            .0
            .iter()
            .filter(|d| d.id_number == kept.id_number && d.record.same_payment(&kept.record))
            .map(|d| d.hash.clone())
            .collect();
        if takes_back.is_empty() {
            return Ok(None);
        }
        let undismissed = Some(unapplied::Undismissal { why: why.trim().to_owned(), takes_back });
        let record = UnappliedPayment { dismissed: None, undismissed, ..kept.record.clone() };
        let ctx = self.audit_context("undismiss");
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        ctx.write(&tx, kept.student_id, &kept.id_number, UNAPPLIED_PAYMENT, None, Some(&record.to_json()))?;
        tx.commit()?;
        Ok(Some(record))
    }

    /// The tax office's payments kept as held under another name than the roster's (`UnappliedReason::OtherName`),
    /// or with an amount nobody could read, or under a number nobody held then and a pupil holds now
    /// (`unapplied::said_on_forms`), for the insured year shown, by the pupil the row was matched to (or holding the
    /// number now), for each such pupil of `filter` the drive
    /// still records no payment for (未缴费), as `check` lists them: the forms say so beside the pupil's 否, so
    /// nobody takes the child for simply unpaid. Reads the whole log once (`unapplied_payments`) and only those
    /// pupils.
    pub fn payments_under_other_names(&self, filter: &StudentFilter) -> Result<HashMap<i64, Vec<UnappliedPayment>>> {
        let mut by_pupil: HashMap<i64, Vec<UnappliedPayment>> = HashMap::new();
        let mut payment: HashMap<i64, Option<(PaymentStatus, crate::domain::student::PaymentDetails)>> = HashMap::new();
        let mut in_class = super::read::ClassFilter::new(filter);
        for kept in self.unapplied_payments()? {
            if !crate::domain::unapplied::said_on_forms(&kept.record) {
                continue;
            }
            let id = match (kept.student_id, kept.record.reason) {
                // Kept under a number nobody held then: the pupil holding it now (its number corrected, or added)
                // reads 否 beside a payment the tax office holds for that number until the list is reconciled again.
                (None, UnappliedReason::UnknownNumber) if !kept.id_number.is_empty() => {
                    self.student_by_id_number(&kept.id_number)?.map(|s| s.id)
                }
                (None, _) | (_, UnappliedReason::UnknownNumber) => None,
                (Some(id), _) => Some(id),
            };
            let Some(id) = id else { continue };
            let recorded = match payment.get(&id) {
                Some(p) => p.clone(),
                None => {
                    // A pupil removed since holds nothing to remark on.
                    let p = super::read::student(&self.conn, id)?
                        .filter(|s| {
                            filter.school.as_ref().is_none_or(|school| *school == s.school)
                                && in_class.admits(&s.grade, &s.class)
                        })
                        .map(|s| (s.payment, s.payment_details));
                    payment.insert(id, p.clone());
                    p
                }
            };
            // Unpaid, or recorded paid by another payment than the list's (at the counter since): the family may
            // have paid twice, and the remark stays until the recorded payment is the list's.
            let still_unpaid = match recorded {
                Some((PaymentStatus::Unpaid, _)) => true,
                Some((PaymentStatus::Paid, details)) => {
                    !crate::domain::unapplied::settled_by_recorded(&kept.record, &details)
                }
                _ => false,
            };
            if still_unpaid {
                by_pupil.entry(id).or_default().push(kept.record);
            }
        }
        Ok(by_pupil)
    }

    /// The tax office's payments kept for each of `pupils` (id and ID number) that the forms say beside the pupil
    /// (`unapplied::said_on_forms`: under another name, an amount nobody could read, a number typed wrong, or held
    /// since), by pupil id, for the insured year shown: what recording a payment for the pupil says first, so the
    /// family is not charged again for a payment the tax office may already hold. Reads the log once.
    pub fn tax_payments_held_for(&self, pupils: &[(i64, &str)]) -> Result<HashMap<i64, Vec<UnappliedPayment>>> {
        let mut held: HashMap<i64, Vec<UnappliedPayment>> = HashMap::new();
        let kept = self.unapplied_payments()?;
        if kept.is_empty() {
            return Ok(held);
        }
        let by_number: HashMap<&str, i64> =
            pupils.iter().filter(|(_, n)| !n.is_empty()).map(|(id, n)| (*n, *id)).collect();
        let ids: std::collections::HashSet<i64> = pupils.iter().map(|(id, _)| *id).collect();
        for k in kept.into_iter().filter(|k| crate::domain::unapplied::said_on_forms(&k.record)) {
            let id = match (k.student_id, k.record.reason) {
                (_, UnappliedReason::UnknownNumber) => by_number.get(k.id_number.as_str()).copied(),
                (Some(id), _) => ids.contains(&id).then_some(id),
                (None, _) => None,
            };
            if let Some(id) = id {
                let list = held.entry(id).or_default();
                if !list.iter().any(|r| r.same_payment(&k.record)) {
                    list.push(k.record);
                }
            }
        }
        Ok(held)
    }

    /// Applies each pupil's own changes in one transaction, with an audit row (under `action`) per field that
    /// really changed. Returns, per item and in order, how many fields changed: 0 means the pupil was already
    /// so. With `dry_run` the same work is done and rolled back, so the counts are exactly what a real run does.
    pub fn change_batch(
        &mut self,
        action: &str,
        items: &[(i64, Vec<FieldChange>)],
        dry_run: bool,
    ) -> Result<Vec<usize>> {
        let ctx = self.audit_context(action);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut changed = Vec::with_capacity(items.len());
        for (id, changes) in items {
            changed.push(fields::apply(&tx, &ctx, *id, changes)?);
        }
        if dry_run {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::student::PaymentStatus;
    use crate::domain::unapplied::{UnappliedPayment, UnappliedReason};
    use crate::store::{Field, FieldChange, Store};

    /// The sample school, and its first unpaid pupil held with a valid number.
    fn sample_and_unpaid_pupil() -> (Store, crate::domain::student::Student) {
        let mut store = Store::open_in_memory().expect("store");
        crate::demo::load_sample(&mut store).expect("sample");
        let pupil = store
            .students(&Default::default())
            .expect("list")
            .into_iter()
            .find(|s| s.payment == PaymentStatus::Unpaid && s.id_problem.is_none() && !s.id_number.is_empty())
            .expect("an unpaid pupil");
        (store, pupil)
    }

    /// A payment of the tax office's list for `name` (its amount and day) that a reconciliation keeps unrecorded
    /// for `reason`, as the list's third row gives it.
    fn held_payment(
        store: &Store,
        name: &str,
        (amount_fen, paid_on): (i64, Option<chrono::NaiveDate>),
        reason: UnappliedReason,
    ) -> UnappliedPayment {
        UnappliedPayment {
            year: store.shown_year(),
            ..UnappliedPayment::for_test(name, amount_fen, paid_on, ("税务.xlsx", 3), reason)
        }
    }

    #[test]
    fn batch_is_all_or_nothing_and_counts_per_pupil() {
        let mut store = Store::open_in_memory().expect("store");
        crate::demo::load_sample(&mut store).expect("sample");
        let ids: Vec<i64> = store.students(&Default::default()).expect("list").iter().take(2).map(|s| s.id).collect();
        let paid = vec![FieldChange::new(Field::Payment, Some(PaymentStatus::Paid.code()))];
        let items: Vec<(i64, Vec<FieldChange>)> = ids.iter().map(|&id| (id, paid.clone())).collect();
        let audit_before = store.audit_count().expect("count");
        assert_eq!(store.change_batch("reconcile", &items, true).expect("dry run"), [1, 1]);
        assert_eq!(store.audit_count().expect("count"), audit_before);
        assert_eq!(store.change_batch("reconcile", &items, false).expect("run"), [1, 1]);
        assert_eq!(store.change_batch("reconcile", &items, false).expect("again"), [0, 0]);
        assert_eq!(store.history(ids[0]).expect("history").last().map(|e| e.action.as_str()), Some("reconcile"));
        // An unknown pupil fails the whole batch.
        let bad = vec![(ids[0], vec![FieldChange::new(Field::Note, Some("x"))]), (-1, paid)];
        assert!(store.change_batch("reconcile", &bad, false).is_err());
        assert_eq!(store.student(ids[0]).expect("pupil").note, "");
    }

    /// A tax payment kept under a number nobody held, once a pupil is given that number (corrected with E), is
    /// said as waiting on a new reconciliation by `check` and on the forms beside the pupil's 否, never as a number
    /// the roster lacks nor with an empty 备注.
    #[test]
    fn a_payment_kept_for_a_number_nobody_held_follows_the_pupil_given_it() {
        use crate::domain::id_number;
        use crate::domain::unapplied::KeptPayment;
        use crate::store::{ChangeOptions, IdentityEdit, Unapplied};
        let (mut store, pupil) = sample_and_unpaid_pupil();
        let first17 = "51152320180611251";
        let number = format!("{first17}{}", id_number::check_char(first17.as_bytes()));
        assert!(store.student_by_id_number(&number).expect("lookup").is_none());
        let paid_on = chrono::NaiveDate::from_ymd_opt(2026, 11, 15);
        let record = held_payment(&store, &pupil.name, (40_000, paid_on), UnappliedReason::UnknownNumber);
        let kept = Unapplied {
            always: vec![KeptPayment { student_id: None, id_number: number.clone(), record }],
            if_refused: Vec::new(),
        };
        store.apply_reconciliation("reconcile", &[], &[], &kept, &[], ChangeOptions::default()).expect("keep");
        let said = |store: &Store| {
            let report = store.check_roster(None).expect("check");
            let line = report.tax_paid_unrecorded.iter().find(|u| u.id_number == number).expect("listed").clone();
            (line.why, line.advice)
        };
        assert_eq!(said(&store).0, "名单中没有此身份证号码");
        assert!(store.payments_under_other_names(&Default::default()).expect("remarks").is_empty());
        let edit = IdentityEdit { id_number: Some(number.clone()), ..IdentityEdit::default() };
        store.correct_identity(pupil.id, &edit).expect("correct");
        let (why, advice) = said(&store);
        assert!(why.starts_with("号码已在名单中") && why.contains(&pupil.name), "{why}");
        assert_eq!(advice, "请重新核对税务名单");
        let remarks = store.payments_under_other_names(&Default::default()).expect("remarks");
        let records: Vec<&UnappliedPayment> = remarks.get(&pupil.id).expect("the pupil's").iter().collect();
        let remark = crate::domain::unapplied::other_name_remark(&records).expect("a remark");
        assert!(remark.contains("400 元，2026-11-15") && remark.contains("请重新核对税务名单"), "{remark}");
        assert!(crate::domain::unapplied::is_other_name_remark(&remark), "read back as canbao's: {remark}");
    }

    /// A tax payment held under another name for a pupil's number is not forgotten when the counter records a
    /// payment for the pupil on another day: `check` says the family may have paid twice, the forms keep the
    /// remark, and recording a payment asks about it first; only the list's own payment (its amount and date)
    /// recorded for the pupil settles it.
    #[test]
    fn a_tax_payment_under_another_name_outlives_a_payment_at_the_counter() {
        use crate::domain::unapplied::KeptPayment;
        use crate::store::{Change, ChangeOptions, Payment, Unapplied};
        let (mut store, pupil) = sample_and_unpaid_pupil();
        let listed_on = chrono::NaiveDate::from_ymd_opt(2026, 11, 21);
        let record = UnappliedPayment {
            roster_name: Some(pupil.name.clone()),
            ..held_payment(&store, "错名字", (38_000, listed_on), UnappliedReason::OtherName)
        };
        let kept = Unapplied {
            always: vec![KeptPayment { student_id: Some(pupil.id), id_number: pupil.id_number.clone(), record }],
            if_refused: Vec::new(),
        };
        store.apply_reconciliation("reconcile", &[], &[], &kept, &[], ChangeOptions::default()).expect("keep");
        let held = store.tax_payments_held_for(&[(pupil.id, pupil.id_number.as_str())]).expect("held");
        assert_eq!(held.get(&pupil.id).map(Vec::len), Some(1), "asked about before a payment is recorded");
        let listed = |store: &Store| {
            let report = store.check_roster(None).expect("check");
            report.tax_paid_unrecorded.into_iter().find(|u| u.id_number == pupil.id_number)
        };
        let counter_day = chrono::NaiveDate::from_ymd_opt(2026, 12, 6);
        let pay = |store: &mut Store, day| {
            let paid = Payment::Paid { amount_fen: Some(38_000), paid_on: day, channel: None };
            store.apply_change("mark", pupil.id, vec![Change::Payment(paid)], ChangeOptions::default()).expect("pay");
        };
        pay(&mut store, counter_day);
        let line = listed(&store).expect("still listed after the counter's payment");
        assert!(line.why.contains("家庭可能重复缴费") && line.why.contains("2026-12-06"), "{}", line.why);
        assert!(line.advice.contains("380 元、2026-11-21"), "{}", line.advice);
        assert!(line.why_en.contains("may have paid twice"), "{}", line.why_en);
        let remarks = store.payments_under_other_names(&Default::default()).expect("remarks");
        assert!(remarks.contains_key(&pupil.id), "the forms' 备注 keeps the note");
        // The operator finds it is the same payment: recorded as the list gives it, it is settled.
        pay(&mut store, listed_on);
        assert!(listed(&store).is_none(), "settled by the list's own payment");
        assert!(store.payments_under_other_names(&Default::default()).expect("remarks").is_empty());
    }

    /// Receipts are written with the payment they make up, in its transaction: not on a dry run, not for a
    /// refused pupil, and a later set replaces the one kept.
    #[test]
    fn receipts_go_with_the_payment_or_not_at_all() {
        use crate::domain::student::Enrollment;
        use crate::store::{Change, ChangeOptions, Payment, Receipt};
        let mut store = Store::open_in_memory().expect("store");
        crate::demo::load_sample(&mut store).expect("sample");
        let ids: Vec<i64> = store.students(&Default::default()).expect("list").iter().take(2).map(|s| s.id).collect();
        let receipt = |number: &str, fen: i64| Receipt {
            number: number.to_owned(),
            amount_fen: Some(fen),
            paid_on: chrono::NaiveDate::from_ymd_opt(2023, 10, 8),
            channel: Some("微信".to_owned()),
        };
        let paid =
            |fen: i64| vec![Change::Payment(Payment::Paid { amount_fen: Some(fen), paid_on: None, channel: None })];
        let declined = vec![Change::Enrollment { status: Enrollment::Declined, reason: Some("外地".to_owned()) }];
        store.apply_changes("mark", &[(ids[1], declined)], ChangeOptions::default()).expect("decline");
        let items = vec![(ids[0], paid(20_000)), (ids[1], paid(20_000))];
        let receipts = vec![Some(vec![receipt("A", 20_000)]), Some(vec![receipt("B", 20_000)])];
        let dry = ChangeOptions { dry_run: true, ..ChangeOptions::default() };
        store.apply_changes_with_receipts("reconcile", &items, &receipts, dry).expect("dry run");
        assert!(store.receipts(ids[0]).expect("receipts").is_empty());
        let outcomes =
            store.apply_changes_with_receipts("reconcile", &items, &receipts, ChangeOptions::default()).expect("run");
        assert!(outcomes[1].refused.is_some());
        assert_eq!(store.receipts(ids[0]).expect("receipts"), [receipt("A", 20_000)]);
        assert!(store.receipts(ids[1]).expect("receipts").is_empty(), "a refused pupil's receipts are not kept");
        let both = vec![Some(vec![receipt("A", 20_000), receipt("C", 18_000)])];
        store
            .apply_changes_with_receipts("reconcile", &[(ids[0], paid(38_000))], &both, ChangeOptions::default())
            .expect("top-up");
        let numbers: Vec<String> = store.receipts(ids[0]).expect("receipts").into_iter().map(|r| r.number).collect();
        assert_eq!(numbers, ["A", "C"]);
    }
}
