//! What the log tells of a pupil's payment that the roster row cannot: amounts two laptops recorded differently
//! (as their merges left them), a payment an agency's list recorded, and the whole roster check that says both.

use std::collections::HashMap;

use super::{Result, Store, StudentFilter};
use crate::domain::category::CategoryTable;
use crate::domain::policy::{AmountDispute, PartPayment, Policy};
use crate::domain::roster_check::{self, CheckReport};
use crate::domain::student::{Enrollment, PaymentStatus, Student};
use crate::domain::unapplied::UnappliedReason;

impl Store {
    /// Those of `pupils` (as read for the year shown) whose recorded payment is one of several amounts the
    /// laptops of the drive recorded, by pupil id.
    ///
    /// The log tells it without the merge's help. Each change of the amount names the amount it replaced, on its
    /// laptop: one that replaced none of the amounts standing then was made apart, on another laptop, and opens a
    /// second line of entries. A merge that meets two lines keeps one and writes the other as the old value of its
    /// row (a row setting the other laptop's amount, or a record of a loss, `LOST`): the amount let go is in
    /// dispute until somebody changes the payment by hand after the merge, knowing what it kept, or a
    /// reconciliation records the amount the tax office lists (a row of action `reconcile`, naming the amount
    /// even when it was the one kept). Merges each way copy every row to both laptops, so both tell the same.
    pub fn amount_disputes(&self, pupils: &[Student]) -> Result<HashMap<i64, AmountDispute>> {
        // One pupil (the detail screen) by the log's pupil index; a roster in one pass over the log.
        let one = if let [pupil] = pupils { Some(pupil.id) } else { None };
        let kept_now: HashMap<i64, i64> = pupils
            .iter()
            .filter(|s| s.payment == PaymentStatus::Paid)
            .filter_map(|s| Some((s.id, s.payment_details.amount_fen?)))
            .collect();
        // Only the year shown: last year's dispute was last year's payment.
        let year = if self.current_year.is_some() { self.shown_year() } else { None };
        let first = if year.is_some() { self.first_year()? } else { None };
        // Only a pupil a merge changed the amount of, or kept theirs over another, can have two.
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT student_id, at, action = 'merge', old, new, id, action = 'reconcile', field = ?3,
                    action = '{top_up}' FROM audit
              WHERE student_id IN (SELECT student_id FROM audit
                                    WHERE action = 'merge' AND field IN (?3, ?4) AND old IS NOT NULL{pupil})
                AND field IN (?3, ?4) AND (?1 IS NULL OR coalesce(year, ?2) = ?1)
              ORDER BY id",
            pupil = one_pupil(one, "?5"),
            top_up = super::TOP_UP,
        ))?;
        let lost = format!("{AMOUNT}{}", super::merge::LOST);
        let mut entries: HashMap<i64, Vec<AmountEntry>> = HashMap::new();
        let mut rows = stmt.query(rusqlite::params![year, first, AMOUNT, lost, one])?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            if !kept_now.contains_key(&id) {
                continue;
            }
            let fen = |i: usize| row.get::<_, Option<String>>(i).map(|v| v.and_then(|v| v.parse::<i64>().ok()));
            entries.entry(id).or_default().push(AmountEntry {
                at: row.get(1)?,
                merged: row.get(2)?,
                old: fen(3)?,
                new: fen(4)?,
                row: row.get(5)?,
                listed: row.get(6)?,
                mirror: row.get::<_, bool>(2)? && row.get::<_, bool>(7)?,
                top_up: row.get(8)?,
            });
        }
        for list in entries.values_mut() {
            drop_mirrors(list);
        }
        let copied = super::merge::CopiedRows::read(&self.conn, "main")?;
        let mut runs = HashMap::new();
        for e in entries.values().flatten().filter(|e| e.merged && copied.local(e.row)) {
            runs.insert(e.row, self.run_copied_by(&copied, e.row)?);
        }
        Ok(entries
            .into_iter()
            .filter_map(|(id, mut entries)| {
                let kept_fen = *kept_now.get(&id)?;
                in_order(&mut entries, &runs);
                let others_fen = let_go(&entries, kept_fen);
                (!others_fen.is_empty()).then_some((id, AmountDispute { kept_fen, others_fen }))
            })
            .collect())
    }

    /// [`Store::amount_disputes`] of the pupils of `filter`, for a form that streams its rows without reading
    /// pupils whole (the student information sheet): only a pupil whose amount a merge weighed against another
    /// can have one, and only those few are read.
    pub fn amount_disputes_in(&self, filter: &StudentFilter) -> Result<HashMap<i64, AmountDispute>> {
        let lost = format!("{AMOUNT}{}", super::merge::LOST);
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT student_id FROM audit
              WHERE action = 'merge' AND field IN (?1, ?2) AND old IS NOT NULL AND student_id IS NOT NULL
              ORDER BY student_id",
        )?;
        let ids = stmt.query_map(rusqlite::params![AMOUNT, lost], |r| r.get::<_, i64>(0))?;
        let class = filter.class.as_deref().map(crate::domain::class_label::ClassKey::parse);
        let mut pupils = Vec::new();
        for id in ids {
            let Some(pupil) = super::read::student(&self.conn, id?)? else { continue };
            let school = filter.school.as_ref().is_none_or(|s| *s == pupil.school);
            let in_class = class
                .as_ref()
                .is_none_or(|c| crate::domain::class_label::ClassKey::of(&pupil.grade, &pupil.class) == *c);
            if school && in_class {
                pupils.push(pupil);
            }
        }
        if pupils.is_empty() {
            return Ok(HashMap::new());
        }
        self.amount_disputes(&pupils)
    }

    /// The pupils of `filter` whose family paid less than is due under `policy` for the year shown
    /// (`policy::part_payment`, quoted for the payment's date, `day` without one), by pupil id: a part payment
    /// insures nobody, so they read 否 and count as not insured, in the 未缴费 ledger, on every form, the stats and
    /// the dashboard. Categories carried from an earlier year and not certified again weigh nothing, as the payment
    /// notice asks the full amount for them; an amount two laptops recorded differently is the tax office's to
    /// settle, and no shortfall is worked out from it. Only pupils paid less than a family can owe are read whole.
    pub fn part_payments(
        &self,
        filter: &StudentFilter,
        policy: Option<&Policy>,
        day: chrono::NaiveDate,
    ) -> Result<HashMap<i64, PartPayment>> {
        let Some(policy) = policy else { return Ok(HashMap::new()) };
        let year = self.shown_year();
        let mut short = HashMap::new();
        let mut judge = |s: &Student| {
            // By the categories certified for the year: one carried from an earlier year weighs nothing.
            let s = s.certified_in(year);
            if let Some(part) = crate::domain::policy::part_payment(policy, &s, day, year) {
                short.insert(s.id, part);
            }
            Ok(())
        };
        self.for_each_paid_below(filter, policy.most_a_family_pays_fen(), &mut judge)?;
        // 财政代缴 that pays only the department's share (低保: 285 of 380), the family's still to collect.
        self.for_each_government_with_category(filter, &mut judge)?;
        if !short.is_empty() {
            for id in self.amount_disputes_in(filter)?.keys() {
                short.remove(id);
            }
        }
        Ok(short)
    }

    /// How many pupils' recorded payments `new` would read as short of the amount due (部分缴费, so no longer
    /// insured) that `old` (the drive's policy until now, if any) reads as paid in full: said before or as the
    /// policy changes, since every form, the stats and the dashboard then count them 未参保 with no payment touched.
    /// A pupil who has left (离校) is counted by neither, as the stats leave them out of 部分缴费.
    pub fn newly_short_under(&self, old: Option<&Policy>, new: &Policy) -> Result<usize> {
        let day = self.today();
        let all = StudentFilter::default();
        let before = self.part_payments(&all, old, day)?;
        let after = self.part_payments(&all, Some(new), day)?;
        let mut count = 0;
        for id in after.keys().filter(|id| !before.contains_key(id)) {
            let left = super::read::student(&self.conn, *id)?.is_some_and(|s| s.enrollment == Enrollment::Left);
            count += usize::from(!left);
        }
        Ok(count)
    }

    /// [`Store::part_payments`] of one pupil (the detail screen, a row refreshed after a mark): the family's payment
    /// short of the amount due under `policy`, quoted for the payment's date (today without one), by the categories
    /// certified for the year; `None` for a whole payment and an amount two laptops recorded differently.
    pub fn part_payment_of(&self, pupil: &Student, policy: Option<&Policy>) -> Result<Option<PartPayment>> {
        let Some(policy) = policy else { return Ok(None) };
        let family = pupil.payment == PaymentStatus::Paid && pupil.payment_details.amount_fen.is_some();
        if !family && pupil.payment != PaymentStatus::Government {
            return Ok(None);
        }
        let pupil = pupil.certified_in(self.shown_year());
        let pupil = pupil.as_ref();
        let Some(part) = crate::domain::policy::part_payment(policy, pupil, self.today(), self.shown_year()) else {
            return Ok(None);
        };
        let disputed = !self.amount_disputes(std::slice::from_ref(pupil))?.is_empty();
        Ok((!disputed).then_some(part))
    }

    /// The top-ups (补缴) recorded for the pupil in the year shown, each in fen, each once whatever laptops' logs
    /// hold its row (a merge copies it: the instant and laptop it was made on name it), oldest first.
    pub fn top_ups(&self, student_id: i64) -> Result<Vec<i64>> {
        let year = if self.current_year.is_some() { self.shown_year() } else { None };
        let first = if year.is_some() { self.first_year()? } else { None };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT DISTINCT at, origin, old, new FROM audit
              WHERE student_id = ?3 AND action = '{top_up}' AND field = '{AMOUNT}'
                AND (?1 IS NULL OR coalesce(year, ?2) = ?1)
              ORDER BY at",
            top_up = super::TOP_UP,
        ))?;
        let rows = stmt.query_map(rusqlite::params![year, first, student_id], |r| {
            Ok((r.get::<_, Option<String>>(2)?, r.get::<_, Option<String>>(3)?))
        })?;
        let mut found = Vec::new();
        for row in rows {
            let (old, new) = row?;
            let fen = |v: Option<String>| v.and_then(|v| v.parse::<i64>().ok());
            if let (Some(old), Some(new)) = (fen(old), fen(new))
                && new > old
            {
                found.push(new - old);
            }
        }
        Ok(found)
    }

    /// The payment a pupil's recorded one was topped up from by hand (补缴, `mark --top-up`), if the amount
    /// recorded now is the sum a chain of top-ups made: the amount and date before the first of them, which the
    /// top-up rows of the log keep as their old values. A tax list read again still holds that part payment under
    /// its own amount and date; it is the payment the top-ups built on, not another. Read from the rows whatever
    /// their order (a merge copies another laptop's), for the year shown.
    pub fn topped_up_from(&self, pupil: &Student) -> Result<Option<(i64, Option<chrono::NaiveDate>)>> {
        let Some(now) = pupil.payment_details.amount_fen.filter(|_| pupil.payment == PaymentStatus::Paid) else {
            return Ok(None);
        };
        let year = if self.current_year.is_some() { self.shown_year() } else { None };
        let first = if year.is_some() { self.first_year()? } else { None };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT at, origin, field, old, new FROM audit
              WHERE student_id = ?3 AND action = '{top_up}' AND field IN ('{AMOUNT}', 'paid_on')
                AND (?1 IS NULL OR coalesce(year, ?2) = ?1)
              ORDER BY id",
            top_up = super::TOP_UP,
        ))?;
        // (at, origin) names one top-up: its amount row and, when it moved the date, its date row.
        let mut amounts: Vec<((String, String), i64, i64)> = Vec::new();
        let mut dates: HashMap<(String, String), Option<chrono::NaiveDate>> = HashMap::new();
        let mut rows = stmt.query(rusqlite::params![year, first, pupil.id])?;
        while let Some(row) = rows.next()? {
            let key: (String, String) = (row.get(0)?, row.get(1)?);
            let field: String = row.get(2)?;
            let (old, new): (Option<String>, Option<String>) = (row.get(3)?, row.get(4)?);
            if field == AMOUNT {
                if let (Some(old), Some(new)) = (old.and_then(|v| v.parse().ok()), new.and_then(|v| v.parse().ok())) {
                    amounts.push((key, old, new));
                }
            } else {
                dates.insert(key, old.and_then(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()));
            }
        }
        // Back from the amount recorded now, each top-up to the amount it was added to; the date before the
        // first is the old date of the earliest top-up that moved it.
        let (mut amount, mut paid_on, mut found) = (now, pupil.payment_details.paid_on, false);
        for _ in 0..amounts.len() {
            let Some((key, old, _)) = amounts.iter().rev().find(|(_, old, new)| *new == amount && *old < *new) else {
                break;
            };
            found = true;
            amount = *old;
            if let Some(day) = dates.get(key) {
                paid_on = *day;
            }
        }
        Ok(found.then_some((amount, paid_on)))
    }

    /// The rows the merge that wrote row `merge_row` copied (first, last), if it copied any: the run after it,
    /// with nothing between but merge rows (a merge writes its own rows, then copies the other file's).
    fn run_copied_by(&self, copied: &super::merge::CopiedRows, merge_row: i64) -> Result<Option<(i64, i64)>> {
        let Some((first, last)) = copied.run_span_after(merge_row) else { return Ok(None) };
        let between: bool = self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM audit WHERE id > ?1 AND id < ?2 AND action <> 'merge')",
            [merge_row, first],
            |r| r.get(0),
        )?;
        Ok((!between).then_some((first, last)))
    }

    /// Those of `pupils` whose payment of the year shown was last recorded paid by a reconciliation (the tax
    /// office's list, or an agency's that says paid), by pupil id: when, and whether it was cleared by hand since
    /// (to 未缴费, or to 财政代缴, which drops the family's payment the tax office still holds as surely). A list
    /// that says the payment went back or a department paid, or a payment recorded again by hand, ends it.
    pub fn payments_from_a_list(&self, pupils: &[Student]) -> Result<HashMap<i64, ListedPayment>> {
        let one = if let [pupil] = pupils { Some(pupil.id) } else { None };
        let wanted: std::collections::HashSet<i64> = pupils.iter().map(|s| s.id).collect();
        let year = if self.current_year.is_some() { self.shown_year() } else { None };
        let first = if year.is_some() { self.first_year()? } else { None };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT student_id, at, action = 'reconcile', new FROM audit
              WHERE student_id IN (SELECT student_id FROM audit
                                    WHERE action = 'reconcile' AND field = 'payment' AND new = ?3{pupil})
                AND field = 'payment' AND action <> 'merge' AND (?1 IS NULL OR coalesce(year, ?2) = ?1)
              ORDER BY id",
            pupil = one_pupil(one, "?4"),
        ))?;
        let mut changes: HashMap<i64, Vec<(String, bool, String)>> = HashMap::new();
        let mut rows = stmt.query(rusqlite::params![year, first, PaymentStatus::Paid.code(), one])?;
        while let Some(row) = rows.next()? {
            let id: i64 = row.get(0)?;
            if wanted.contains(&id) {
                changes.entry(id).or_default().push((row.get(1)?, row.get(2)?, row.get(3)?));
            }
        }
        Ok(changes
            .into_iter()
            .filter_map(|(id, mut changes)| {
                // Stable: rows of one instant stay in log order.
                changes.sort_by(|a, b| super::instant::cmp(&a.0, &b.0));
                let mut listed: Option<ListedPayment> = None;
                for (at, by_list, new) in changes {
                    let paid = new == PaymentStatus::Paid.code();
                    let cleared_by_hand =
                        !by_list && (new == PaymentStatus::Unpaid.code() || new == PaymentStatus::Government.code());
                    listed = match listed {
                        _ if paid => by_list.then_some(ListedPayment { listed_at: at, cleared_by_hand: false }),
                        Some(l) if cleared_by_hand => Some(ListedPayment { cleared_by_hand: true, ..l }),
                        _ => None,
                    };
                }
                Some((id, listed?))
            })
            .collect())
    }

    /// The roster check (`canbao check`, the TUI's 检查): the roster's own findings, the tax office's payments
    /// kept as not recorded, the payments dated outside the year, and the payments whose amount two laptops
    /// recorded differently, in place of a shortfall or an excess worked out from the one kept.
    pub fn check_roster(&self, policy: Option<&Policy>) -> Result<CheckReport> {
        let all = self.students(&StudentFilter::default())?;
        // Pupils who graduated or left before the year shown are in none of its counts, as `stats` leaves them
        // out; a tax list's row is still matched against them, so it names the pupil it is about.
        let students: Vec<Student> = all.iter().filter(|s| !super::year::is_former_pupil(&s.grade)).cloned().collect();
        let year = self.shown_year();
        let mut report = roster_check::check_in_year(&students, CategoryTable::builtin(), policy, self.today(), year);
        // Each under the number it got when it was kept: recording another, dismissing another, or a list read
        // later sorting among them moves none.
        report.tax_paid_unrecorded = roster_check::tax_paid_unrecorded_numbered(&self.numbered_payments()?, &all);
        // A pupil recorded short of the amount due whom the tax office's list has paying more (kept as another
        // amount than the one recorded) is listed with that payment, not as 请向家长补收: the family may have paid.
        let listed_more: std::collections::HashSet<String> = report
            .tax_paid_unrecorded
            .iter()
            .filter(|u| u.reason == UnappliedReason::RecordedDiffers)
            .filter_map(|u| Some(u.pupil.as_ref()?.id_number.clone()))
            .collect();
        report.underpaid.retain(|u| !listed_more.contains(&u.pupil.id_number));
        report.payment_outside_year = roster_check::payments_outside_year(&students, policy, year);
        // Another year's policy quotes no amount due of this year's beside two laptops' amounts either.
        let pricing = policy.filter(|_| report.amounts_not_checked.is_none());
        roster_check::amounts_differ(
            &mut report,
            &students,
            &self.amount_disputes(&students)?,
            pricing,
            self.today(),
            year,
        );
        // An excess that is exactly a top-up recorded twice is that top-up keyed twice, not a category matter.
        let by_number: HashMap<&str, &Student> =
            students.iter().filter(|s| !s.id_number.is_empty()).map(|s| (s.id_number.as_str(), s)).collect();
        for o in report.overpaid.iter_mut().filter(|o| o.paid_first.is_none()) {
            let Some(pupil) = by_number.get(o.pupil.id_number.as_str()) else { continue };
            let over = (o.over * 100.0).round() as i64;
            if self.top_ups(pupil.id)?.iter().filter(|&&fen| fen == over).count() >= 2 {
                o.duplicated_top_up = Some(o.over);
            }
        }
        let listed = self.payments_from_a_list(&students)?;
        report.list_payment_cleared = students
            .iter()
            .filter(|s| s.payment != PaymentStatus::Paid)
            .filter_map(|s| {
                let l = listed.get(&s.id).filter(|l| l.cleared_by_hand)?;
                Some((s, l.listed_at.clone()))
            })
            .map(|(s, listed_at)| {
                // The receipts the list recorded stay with the pupil when the payment is cleared: the tax office's
                // numbers to ask it about.
                let receipts = self.receipts(s.id)?.into_iter().map(|r| r.number).collect();
                Ok(roster_check::ListPaymentCleared { pupil: s.into(), listed_at, payment: s.payment, receipts })
            })
            .collect::<Result<_>>()?;
        // The payments standing as a list recorded them; a pupil marked 已离校 only when so marked before the list
        // came (paid for, then left, is insured for the year and nothing to settle).
        let standing: HashMap<i64, String> =
            listed.iter().filter(|(_, l)| !l.cleared_by_hand).map(|(id, l)| (*id, l.listed_at.clone())).collect();
        let mut despite = standing.clone();
        for s in students.iter().filter(|s| s.enrollment == Enrollment::Left && s.payment.is_settled()) {
            let Some(listed_at) = standing.get(&s.id) else { continue };
            if self.enrollment_changed_after(s.id, listed_at)? {
                despite.remove(&s.id);
            }
        }
        report.paid_despite_status = roster_check::paid_despite_status(&students, &despite, &report.underpaid);
        report.list_payment_undated = roster_check::list_payments_undated(&students, &standing);
        // A payment the list recorded and 财政代缴 was marked over by hand is listed above with its receipts; the
        // same list read again keeps its row against the 财政代缴 mark, and that row is the same payment: said
        // once. A row of another payment (a receipt the roster never counted) stays a line of its own.
        let cleared: Vec<&roster_check::ListPaymentCleared> =
            report.list_payment_cleared.iter().filter(|c| c.payment == PaymentStatus::Government).collect();
        report.tax_paid_unrecorded.retain(|u| {
            let holder = u.pupil.as_ref().map_or(u.id_number.as_str(), |p| p.id_number.as_str());
            !(u.reason == UnappliedReason::RosterStatus
                && cleared.iter().any(|c| {
                    c.pupil.id_number == holder
                        && u.receipt.as_ref().map_or(c.receipts.is_empty(), |r| c.receipts.contains(r))
                }))
        });
        Ok(report)
    }
}

impl Store {
    /// Whether the pupil's enrollment of the year shown was changed after the reconciliation that recorded the
    /// payment at `at` (by hand, an import, a list; a merge's own rows apart, as the rows it copied keep the instant
    /// they were made at): later by instant, or in the same second and later in the log.
    fn enrollment_changed_after(&self, student_id: i64, at: &str) -> Result<bool> {
        let year = if self.current_year.is_some() { self.shown_year() } else { None };
        let first = if year.is_some() { self.first_year()? } else { None };
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, id > coalesce((SELECT max(id) FROM audit WHERE student_id = ?1 AND action = 'reconcile'
                                         AND field = 'payment' AND new = ?4), 0)
               FROM audit
              WHERE student_id = ?1 AND field = 'enrollment' AND action <> 'merge'
                AND (?2 IS NULL OR coalesce(year, ?3) = ?2)",
        )?;
        let paid = PaymentStatus::Paid.code();
        let changes = stmt.query_map(rusqlite::params![student_id, year, first, paid], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?))
        })?;
        for change in changes {
            let (changed, later_in_log) = change?;
            match super::instant::cmp(&changed, at) {
                std::cmp::Ordering::Greater => return Ok(true),
                std::cmp::Ordering::Equal if later_in_log => return Ok(true),
                _ => {}
            }
        }
        Ok(false)
    }
}

/// The condition narrowing a look-up in the log to one pupil, bound as `param`: written into the statement only
/// then, as `(?N IS NULL OR student_id = ?N)` would keep SQLite from the pupils' index and scan the whole log on
/// every detail screen and every `p`.
fn one_pupil(one: Option<i64>, param: &str) -> String {
    // Named either way, so the statement takes the same parameters.
    if one.is_some() { format!(" AND student_id = {param}") } else { format!(" AND {param} IS NULL") }
}

/// A payment a reconciliation recorded (see [`Store::payments_from_a_list`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedPayment {
    /// The audit instant of the reconciliation that recorded it.
    pub listed_at: String,
    /// Changed to 未缴费 by hand since (a mark, an undo), here or on a laptop merged in.
    pub cleared_by_hand: bool,
}

/// The audit log's name of a family's amount paid.
const AMOUNT: &str = "paid_amount_fen";

/// A change of a pupil's amount paid in the log: by hand (a mark, an undo, a list) or by a merge.
#[derive(Clone)]
struct AmountEntry {
    at: String,
    /// The audit row's id.
    row: i64,
    merged: bool,
    /// Written by a reconciliation: the amount the tax office's list gives.
    listed: bool,
    old: Option<i64>,
    new: Option<i64>,
    /// A merge's change of the amount (not its record of a loss), until `drop_mirrors` weighs it.
    mirror: bool,
    /// A top-up's change (action `top_up`): an amount added to the one it names, not one put in its place.
    top_up: bool,
}

/// Leaves out each merge's change of the amount that only took a change made by hand (copied with it, the same
/// amount replaced by the same): it weighed nothing against that change and is no line of its own. Left in,
/// and placed by the merging laptop's clock, it could stand after a later correction of that change made on a
/// laptop whose clock runs behind, and bring back the amount corrected away as a second payment.
fn drop_mirrors(entries: &mut Vec<AmountEntry>) {
    let by_hand: std::collections::HashSet<(Option<i64>, Option<i64>)> =
        entries.iter().filter(|e| !e.merged).map(|e| (e.old, e.new)).collect();
    entries.retain(|e| !(e.mirror && by_hand.contains(&(e.old, e.new))));
}

/// Puts a pupil's amount changes in the order they were made: by instant, rows of one instant in log order. A
/// merge writes its own rows before the rows it copies, though it weighed those first, and its rows' instant is
/// its own clock's, which may run behind the other laptop's: each of this laptop's merge rows (with the run it
/// copied, in `runs`) goes after the rows of that run.
fn in_order(entries: &mut [AmountEntry], runs: &HashMap<i64, Option<(i64, i64)>>) {
    let placed: Vec<(String, (i64, bool))> = entries
        .iter()
        .map(|e| match runs.get(&e.row).copied().flatten() {
            Some((first, last)) => {
                let weighed = entries.iter().filter(|c| first <= c.row && c.row <= last).map(|c| c.at.as_str());
                let at = weighed.chain([e.at.as_str()]).max_by(|a, b| super::instant::cmp(a, b)).unwrap_or(&e.at);
                (at.to_owned(), (last, true))
            }
            None => (e.at.clone(), (e.row, false)),
        })
        .collect();
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| super::instant::cmp(&placed[a].0, &placed[b].0).then(placed[a].1.cmp(&placed[b].1)));
    let sorted: Vec<AmountEntry> = order.iter().map(|&i| entries[i].clone()).collect();
    entries.clone_from_slice(&sorted);
}

/// The amounts other than `kept` that a merge let go and nobody has settled since (see
/// [`Store::amount_disputes`]), from the pupil's amount changes in the order they were made.
fn let_go(entries: &[AmountEntry], kept: i64) -> Vec<i64> {
    // The amount each line of entries stands at; a pupil starts with none.
    let mut standing: Vec<Option<i64>> = vec![None];
    let mut let_go: Vec<i64> = Vec::new();
    // Top-ups add to a payment, and two laptops' top-ups of one payment are all kept, added up, by a merge
    // (`merge::TopUpsJoined`): each amount a top-up made, by the amount it followed first (its root), and what
    // every top-up of that root seen so far adds up to.
    let mut root_of: HashMap<i64, i64> = HashMap::new();
    let mut total: HashMap<i64, i64> = HashMap::new();
    for e in entries {
        if let (true, false, Some(old), Some(new)) = (e.top_up, e.merged, e.old, e.new) {
            let root = root_of.get(&old).copied().unwrap_or(old);
            let sum = total.get(&root).copied().unwrap_or(old) + (new - old);
            total.insert(root, sum);
            root_of.insert(new, root);
        }
        // A merge's sum of the top-ups both laptops recorded: every line of that payment ends in it, none let go.
        if let (true, Some(old), Some(new)) = (e.merged, e.old, e.new)
            && old != new
            && let Some(&root) = root_of.get(&old)
            && total.get(&root) == Some(&new)
        {
            standing.retain(|v| v.is_none_or(|v| v != root && root_of.get(&v) != Some(&root)));
            if !standing.contains(&Some(new)) {
                standing.push(Some(new));
            }
            root_of.insert(new, root);
            continue;
        }
        if e.merged {
            // A merge settles two lines on one amount; the other was let go only if it still stood.
            if let Some(pos) = standing.iter().position(|v| *v == e.old) {
                standing.remove(pos);
                if let Some(old) = e.old.filter(|old| Some(*old) != e.new) {
                    let_go.push(old);
                }
            }
            if !standing.contains(&e.new) {
                standing.push(e.new);
            }
        } else if let Some(pos) = standing.iter().position(|v| *v == e.old) {
            // Made knowing the amount it replaced: after a merge, that settles what the merge let go. The tax
            // office's list settles it whatever else stands: its record of the payment is the one asked for.
            if standing.len() == 1 || e.listed {
                let_go.clear();
            }
            standing[pos] = e.new;
        } else if !standing.contains(&e.new) {
            // Made apart: another laptop's line.
            standing.push(e.new);
        }
    }
    let_go.retain(|&fen| fen != kept);
    let_go.sort_unstable();
    let_go.dedup();
    if standing.contains(&Some(kept)) { let_go } else { Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An entry at second `s` of a minute: by hand (`merged` false) or a merge's row, replacing `old` by `new`.
    fn at(s: u32, merged: bool, old: Option<i64>, new: Option<i64>) -> AmountEntry {
        AmountEntry {
            at: format!("2026-12-04T10:00:{s:02}Z"),
            row: i64::from(s),
            merged,
            listed: false,
            old,
            new,
            mirror: false,
            top_up: false,
        }
    }

    #[test]
    fn an_amount_a_merge_let_go_stays_in_dispute_until_changed_by_hand() {
        // 380 here, 300 there a second later; the merge takes the later 300 (its row), or keeps it (a record of
        // the loss of 380 on the laptop that had 300): either way 380 was let go.
        let here = [at(1, false, None, Some(380)), at(2, false, None, Some(300)), at(3, true, Some(380), Some(300))];
        assert_eq!(let_go(&here, 300), [380]);
        // The amount held now is another: somebody changed it since, so nothing is said of these.
        assert!(let_go(&here, 500).is_empty());
        // Cleared and recorded again after the merge: settled.
        let settled = [&here[..], &[at(4, false, Some(300), None), at(5, false, None, Some(300))]].concat();
        assert!(let_go(&settled, 300).is_empty());
        // A laptop whose clock runs behind: its entry reads as the earlier one, and the merge kept the other.
        let skewed = [at(1, false, None, Some(300)), at(2, false, None, Some(380)), at(3, true, Some(300), Some(380))];
        assert_eq!(let_go(&skewed, 380), [300]);
    }

    #[test]
    fn a_change_made_knowing_the_other_laptops_amount_is_no_dispute() {
        // 380 there, merged here (a row from none), corrected here to 300, merged back there (a row 380 → 300
        // on the laptop whose 380 was replaced knowingly): one line of entries all along.
        let entries = [
            at(1, false, None, Some(380)),
            at(2, true, None, Some(380)),
            at(3, false, Some(380), Some(300)),
            at(4, true, Some(380), Some(300)),
        ];
        assert!(let_go(&entries, 300).is_empty());
        // The same amount recorded on both laptops apart is one payment said twice.
        let same = [at(1, false, None, Some(380)), at(2, false, None, Some(380)), at(3, true, Some(380), Some(380))];
        assert!(let_go(&same, 380).is_empty());
    }

    /// The row this laptop's merge wrote comes before the rows it copied in the log, and on a fast merge or a
    /// clock behind the other laptop's, at or before their instant: it is still read after them.
    #[test]
    fn a_merge_row_is_read_after_the_rows_its_merge_copied() {
        let row = |row: i64, s: u32, merged: bool, old: Option<i64>, new: Option<i64>| AmountEntry {
            at: format!("2026-12-04T10:00:{s:02}Z"),
            row,
            merged,
            listed: false,
            old,
            new,
            mirror: false,
            top_up: false,
        };
        for merged_at in [1, 0] {
            // 380 here, then the merge (row 3) keeping it over the other laptop's 400 (copied as rows 4 to 6).
            let mut entries = [
                row(1, 1, false, None, Some(380)),
                row(3, merged_at, true, Some(400), Some(380)),
                row(5, 1, false, None, Some(400)),
            ];
            let runs = HashMap::from([(3, Some((4, 6)))]);
            in_order(&mut entries, &runs);
            assert_eq!(entries.iter().map(|e| e.row).collect::<Vec<_>>(), [1, 5, 3]);
            assert_eq!(let_go(&entries, 380), [400], "{merged_at}");
        }
        // A change made here after the merge, in the same second, still settles it.
        let mut entries = [
            row(1, 1, false, None, Some(380)),
            row(3, 1, true, Some(400), Some(380)),
            row(5, 1, false, None, Some(400)),
            row(7, 1, false, Some(380), None),
        ];
        in_order(&mut entries, &HashMap::from([(3, Some((4, 6)))]));
        assert_eq!(entries.iter().map(|e| e.row).collect::<Vec<_>>(), [1, 5, 3, 7]);
    }

    /// The amount the tax office's list gives, recorded by a reconciliation, settles what a merge let go even
    /// while a third laptop's amount, made apart, still stands; that laptop's merge opens a dispute of its own.
    #[test]
    fn the_tax_lists_amount_settles_what_a_merge_let_go() {
        let listed = |s: u32, fen: i64| AmountEntry { listed: true, ..at(s, false, Some(fen), Some(fen)) };
        // 400 here, 380 there, 350 on a third laptop; the first merge keeps 380, the list says 380.
        let entries = [
            at(1, false, None, Some(40_000)),
            at(2, false, None, Some(38_000)),
            at(3, false, None, Some(35_000)),
            at(4, true, Some(40_000), Some(38_000)),
        ];
        assert_eq!(let_go(&entries, 38_000), [40_000]);
        let confirmed = [&entries[..], &[listed(5, 38_000)]].concat();
        assert!(let_go(&confirmed, 38_000).is_empty(), "settled by the list");
        // The same row by hand is no word of the tax office's: two amounts still stand.
        let by_hand = [&entries[..], &[at(5, false, Some(38_000), Some(38_000))]].concat();
        assert_eq!(let_go(&by_hand, 38_000), [40_000]);
        // The third laptop merged in later, its 350 newer: the list's 380 is let go now, and disputed.
        let third = [&confirmed[..], &[at(6, true, Some(38_000), Some(35_000))]].concat();
        assert_eq!(let_go(&third, 35_000), [38_000]);
    }

    #[test]
    fn a_correction_made_apart_keeps_the_dispute() {
        // 380 here, 300 there, 380 corrected here to 400 before any merge: the merge meets 400 and 300.
        let entries = [
            at(1, false, None, Some(380)),
            at(2, false, None, Some(300)),
            at(3, false, Some(380), Some(400)),
            at(4, true, Some(400), Some(300)),
        ];
        assert_eq!(let_go(&entries, 300), [400]);
    }
}
