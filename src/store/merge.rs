//! Merging two laptops' copies of one drive. Pupils are matched by a valid ID number (unless the audit rows that
//! created them say the number was given to two children, see `NumberTaken`), else by the audit rows that
//! created them, else by ID text, name, school and class when that names one pupil on each side; a pupil
//! that fits two children is added and listed, never merged into either. For each field the most recent
//! change to that pupil in either audit log wins; both histories are kept (the other file's audit rows are
//! copied in with their own origin, onto their own pupil); a field both sides changed since they last agreed
//! is a conflict, settled by the newer change, with the losing value recorded. A change made on a laptop after
//! it held the other's wins over it without conflict, whatever the two clocks say (see `CopiedRows`). Merging
//! the same file twice changes nothing, and merging A into B ends with the same pupils and values as B into A.
//! The receipt numbers a reconciliation recorded go with their pupils too (see `carry_receipts`).

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;

use super::category_union;
use super::change::TOP_UP;
use super::class_rule::{self, ClassChange};
use super::fields::{self, Field, FieldChange};
use super::lock::same_file;
use super::made_apart::{self, PAYMENT_GROUP, bare_creation, tax_record_stands};
use super::year::LEFT_GRADE;
use super::{Result, Store, StoreError, schema};
use crate::domain::coverage::Standing;
use crate::domain::same_child::{LinkCounts, PupilSigns, look_alike};
use crate::domain::student::{Enrollment, PaymentStatus};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    pub field: String,
    /// The value kept (the newer change) and when it was made.
    pub kept: Option<String>,
    pub kept_at: String,
    /// The value that lost, recorded in the audit log too.
    pub lost: Option<String>,
    pub lost_at: String,
    /// Set when the enrollment lost to a payment it contradicts (see `keep_the_payment`): the payment status
    /// kept, made at `kept_at`. `kept` is then the enrollment of the side that took the payment, and `lost`
    /// the 不参保, 异地参保 or 已离校 not applied, whichever change was newer. Set too on a conflict of the
    /// payment's own fields when a recorded payment stood over a later change made apart (see
    /// `payment_stands`): `kept` is then the payment's value, `lost` the later change's.
    pub payment_kept: Option<String>,
    /// For a class, the grades the kept and the lost class go with: 「保留 2班，舍弃 1班」 said nothing of which
    /// grade's classes, so the line names 四年级2班 and 四年级1班.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grades: Option<[Option<String>; 2]>,
    /// A payment's field whose lost value is the one a reconciliation recorded from the tax office's list, and the
    /// kept value no list's: the tax office's record replaced by a change made by hand (on either laptop), which
    /// the operator checks with the tax office rather than take the newer change for the right one.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tax_record_lost: bool,
    /// A payment's field whose kept value is the one a reconciliation recorded from the tax office's list, over a
    /// payment of the same amount recorded by hand on the other laptop without knowing of it (see
    /// `tax_record_stands`): one payment, whose date and channel are the tax office's, whichever change is newer.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub tax_record_kept: bool,
    /// The value kept is one an undo wrote back (撤销) on its laptop: the line says so, as the time alone reads
    /// like a change made then.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub kept_undone: bool,
    /// Who made the kept and the lost change (their audit rows' operators), so the line names the people of both
    /// laptops beside the times; empty where no row tells (a row without an operator).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kept_by: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub lost_by: String,
}

/// `serialize_with` for a merge's conflicts: one over the ID number itself keeps one number and loses another,
/// each shown as the report's ID fields are (`id_shown`).
fn conflicts_shown<S: serde::Serializer>(all: &[Conflict], s: S) -> std::result::Result<S::Ok, S::Error> {
    use crate::domain::id_shown::field_value;
    s.collect_seq(all.iter().map(|c| Conflict {
        kept: field_value(&c.field, c.kept.as_deref()),
        lost: field_value(&c.field, c.lost.as_deref()),
        ..c.clone()
    }))
}

/// A pupil of the other file who matches more than one pupil (theirs or ours): without a valid ID number, by
/// name, school, class and ID text; or, one side's number valid and the other's rounded or mistyped, by name
/// and the rule an import pairs them by (`id_number::flagged_may_be`). Guessing could give one child another's payment, so they are added as a
/// pupil of their own (and counted in `added`) for the operator to check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ambiguous {
    /// The ID text as stored: empty, or a number that failed the check.
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    pub school: String,
    pub class: String,
    /// How many of our pupils and of theirs share this description.
    pub ours: usize,
    pub theirs: usize,
}

/// A pupil one file held with a number a spreadsheet rounded (or one mistyped, or none) and the other with a
/// valid number, paired by name (and class) as an import pairs them (`id_number::flagged_may_be`): one child,
/// who keeps the valid number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlikeNumber {
    pub name: String,
    pub class: String,
    /// The valid number the pupil keeps.
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    /// The number the other side held, as stored.
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub flagged: String,
    /// This drive held the flagged number, and now holds the valid one.
    pub ours_flagged: bool,
}

/// One valid ID number the two files hold under different names, neither side having renamed its pupil: their
/// class lists named the child differently, or the number is two children's (one of them wrongly). Paired by the
/// number as one pupil, as an import pairs it, and listed for the operator to check, as an import does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedApart {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub ours: String,
    pub our_class: String,
    pub theirs: String,
    pub their_class: String,
}

/// A valid ID number one laptop gave a pupil by a correction while the other laptop gave it to another pupil (a
/// new pupil of its list, or one it corrected): 王欣 corrected to the number on one laptop, 王新 added with it on
/// the other. The creation row both files hold for 王欣 says 王欣 is one child on both, so the two are not paired
/// by the number; a number is one child's, so the pupil holding it keeps it and the correction is not applied
/// (recorded in 王欣's history as lost): 王欣 keeps, or has back, the number the other file holds for it. Both
/// directions of a merge end so. Listed for the operator to check which child the number is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NumberTaken {
    /// The number both were given.
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    /// The pupil whose correction to it was not applied, and its class.
    pub name: String,
    pub class: String,
    /// The number that pupil holds after the merge, as stored (flagged, or empty, when it was so).
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub kept: String,
    /// The pupil holding the number, and its class.
    pub holder: String,
    pub holder_class: String,
    /// The correction was made on this laptop (and undone by this merge), not on the other.
    pub corrected_here: bool,
}

/// One 票证号码 both files recorded for one pupil and insured year with different amounts. The tax office issues a
/// number once per payment, so one side's list was in error: as a reconciliation does with such a number, neither
/// amount is taken over the other. Our receipt stays as it was, theirs is not copied, and the pair is listed for
/// the operator to check with the tax office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptConflict {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    pub receipt: String,
    /// The insured year the receipt was recorded for (0: a drive without years).
    pub year: i32,
    /// The amount this drive recorded under the number (kept), and the other file's (not copied).
    pub ours_fen: i64,
    pub theirs_fen: i64,
}

/// One pupil's changes from the other laptop that went into an insured year this drive has closed (it started a
/// later one since): written into that year's statuses, which only that year's forms and counts (`--year`)
/// show. Listed, as nothing on this year's roster would show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClosedYearChange {
    pub year: i32,
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    /// The class the pupil was in during that year.
    pub class: String,
    /// The fields changed, as the history names them (`enrollment`, `payment` …).
    pub fields: Vec<String>,
    /// The class the change put the pupil in during that year (grade and class joined), when it changed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_now: Option<String>,
    /// This year's class the pupil moved into with it, the promotion taken again from the class changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_this_year: Option<String>,
    /// Our pupil's row.
    #[serde(skip)]
    pub student: i64,
}

/// A part-payer's top-ups recorded apart on the two laptops (40 on each for 300 of 380): each is money the family
/// handed over, with its own date, operator and receipt, so the merge adds them all to the payment they followed
/// rather than keep one laptop's sum over the other's. Listed with each side's top-ups and the sum kept, for the
/// operator to check one receipt was not keyed on both laptops.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopUpsJoined {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    /// The insured year of the payment (none on a drive without years).
    pub year: Option<i32>,
    /// The amount both laptops held before their top-ups, in fen.
    pub before_fen: i64,
    /// This drive's top-ups and the other file's, in fen, oldest first.
    pub ours_fen: Vec<i64>,
    pub theirs_fen: Vec<i64>,
    /// The payment kept: `before_fen` with every top-up added.
    pub total_fen: i64,
    /// A top-up of each laptop's is of the same amount (`made_apart::same_amount`): counted as two, as every
    /// top-up is, though nothing on either drive tells them from one keyed twice; said so, for the operator to
    /// check the receipts.
    pub same_amount: bool,
}

/// A pupil each laptop marked 已缴费 apart, the same amount with a different date or channel (see
/// `made_apart::paid_apart`): one payment is kept, as the newer date and channel say, and the line asks the
/// operator to check the family was not charged twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaidApart {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    /// The insured year of the payment (none on a drive without years).
    pub year: Option<i32>,
    /// The amount both recorded, in fen.
    pub amount_fen: Option<i64>,
    /// This drive's date and channel (as stored), and the other file's.
    pub ours_paid_on: Option<String>,
    pub ours_channel: Option<String>,
    pub theirs_paid_on: Option<String>,
    pub theirs_channel: Option<String>,
}

impl PaidApart {
    /// The pupil's payment as each side recorded it, from values in `group`'s order: the amount both recorded.
    fn of(
        (id_number, name, year): (&str, &str, Option<i32>),
        group: &[Field],
        ours: &[Option<String>],
        theirs: &[Option<String>],
    ) -> PaidApart {
        let at = |field: Field, values: &[Option<String>]| {
            group.iter().position(|&f| f == field).and_then(|i| values.get(i).cloned().flatten())
        };
        PaidApart {
            id_number: id_number.to_owned(),
            name: name.to_owned(),
            year,
            amount_fen: at(Field::PaidAmount, ours).and_then(|v| v.parse().ok()),
            ours_paid_on: at(Field::PaidOn, ours),
            ours_channel: at(Field::PaidChannel, ours),
            theirs_paid_on: at(Field::PaidOn, theirs),
            theirs_channel: at(Field::PaidChannel, theirs),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    #[serde(serialize_with = "conflicts_shown")]
    pub conflicts: Vec<Conflict>,
    /// Top-ups of one payment recorded apart on the two laptops, all added to it (see `TopUpsJoined`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub top_ups_joined: Vec<TopUpsJoined>,
    /// Pupils both laptops marked 已缴费 apart with a different date or channel (see `PaidApart`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paid_apart: Vec<PaidApart>,
    pub ambiguous: Vec<Ambiguous>,
    /// Pupils one file held with a rounded or mistyped number and the other with the valid one, paired as one
    /// child (see `pair_look_alikes`).
    pub alike_numbers: Vec<AlikeNumber>,
    /// Pupils paired by a valid number the two files hold under different names (see `NamedApart`).
    pub named_apart: Vec<NamedApart>,
    /// Numbers corrected to on one laptop that the other gave another pupil (see `NumberTaken`).
    pub taken_numbers: Vec<NumberTaken>,
    pub audit_rows_copied: usize,
    /// Their reconciliations' receipts (票证号码) we lacked, copied onto our pupils.
    pub receipts_copied: usize,
    pub receipt_conflicts: Vec<ReceiptConflict>,
    /// Payments (a pupil's in one insured year) recorded on one laptop that stood over a later change the other
    /// laptop made to them without knowing of them (see `payment_stands`); here or, for one of
    /// `decided_there`, by the other file's merge. Their conflicts carry `payment_kept`.
    pub payments_kept_over_later: usize,
    /// Values of ours the other file's own merge already weighed against theirs and let lose (its conflict,
    /// decided there): replaced here, listed as conflicts are.
    #[serde(serialize_with = "conflicts_shown")]
    pub decided_there: Vec<Conflict>,
    /// The drive's policy of each insured year, where the two files do not agree (see `merge_notes`).
    pub policies: Vec<super::merge_notes::PolicyNote>,
    /// The other file's schools that none of our pupils is in.
    pub other_schools: Vec<String>,
    /// The other file's schools none of our pupils is in whose pupils are ours by their creation rows (a
    /// school renamed on one copy of the drive): not in `other_schools`.
    pub renamed_schools: Vec<super::merge_notes::RenamedSchool>,
    /// Schools renamed on one laptop only, with pupils still under the old name: followed, or left for the
    /// operator with the command to type (see `merge_renames`).
    pub school_renames: Vec<super::merge_renames::SchoolRename>,
    /// Whether the two files hold a change in common (copies of one drive, or merged before).
    pub shared_history: bool,
    /// Changes a restore took back that one of the two files still holds (its laptop merged them before the
    /// restore): those our restore took back are not applied again; either way, the operator decides.
    #[serde(serialize_with = "super::merge_restored::taken_back_shown")]
    pub restore_taken_back: Vec<super::merge_restored::TakenBack>,
    /// Pupils a restore of this drive removed whom the other file still holds (merged there before the
    /// restore): brought back as it holds them, with their whole history, never paid without the row that
    /// recorded the payment.
    pub restored_pupils_back: Vec<super::merge_restored::PupilBack>,
    /// The other file holds no pupil (a backup taken before the first import, a new drive): nothing to merge,
    /// said so rather than as a file of no history in common.
    pub other_has_no_pupils: bool,
    /// The other file's newest change is stamped ahead of this laptop's clock (see `merge_notes::ClockAhead`).
    pub their_clock_ahead: Option<super::merge_notes::ClockAhead>,
    /// This drive's newest change of its own is stamped ahead of this laptop's clock: it was set back since (see
    /// `merge_notes::our_clock_behind`).
    pub our_clock_behind: Option<super::merge_notes::ClockAhead>,
    /// The other file is still in an earlier insured year: the pupils copied from it, taken through the years
    /// this drive started since (see `year::step_copied`).
    pub copied_into_later_year: Option<super::year::CopiedIntoLaterYear>,
    /// The other laptop's changes to paired pupils' statuses of a year this drive has closed, a pupil and
    /// year each, oldest year first.
    pub into_closed_years: Vec<ClosedYearChange>,
    /// Of those, the pupils the other laptop marked 已离校 in a closed year who were still in this year's
    /// classes: moved out of them as `year new` moves its leavers, or left there, and why (see
    /// `year::carry_leavers`); and the pupils this laptop's start of the year moved out as 已离校 that are back in
    /// the other laptop's class a grade up, the year having seen them (`left_here`).
    pub leavers_across_year: Vec<super::year::LeaverAcrossYear>,
    /// The other file's schools (those it has pupils in) and its newest change's stamp: a screen that picked
    /// the file names what it merged, so a copy of the wrong day or folder is seen before it is taken in.
    #[serde(skip)]
    pub their_schools: Vec<String>,
    #[serde(skip)]
    pub their_newest_change: Option<String>,
    pub dry_run: bool,
}

/// One audit row, as both files can hold it; equal rows (see `SAME_EVENT`) are the same event.
#[derive(Debug, Clone)]
struct Event {
    at: String,
    /// Who made the change (the row's operator), for the conflict line.
    operator: String,
    origin: String,
    field: String,
    /// The insured year of a yearly field's row (a NULL in the file read as that file's first year). Not part
    /// of what makes two rows one event: both copies of a row from before years read it so, but each file
    /// could have been given its first year apart.
    year: Option<i32>,
    /// Whether the other file lacks this row: only such a row can tell the other side something new.
    unshared: bool,
    /// Whether this laptop wrote the row itself (see `CopiedRows`): made after every row before it in its log,
    /// it supersedes them whatever the clocks say.
    local: bool,
    /// For a grade or class row `year new --promote` wrote (action `year`), the insured year it started: the
    /// mechanical step every laptop takes, which a deliberate change for that year outranks (see
    /// `class_decision`).
    promoted_into: Option<i32>,
    /// For a grade row a year's start wrote, whether it moved the pupil out of the classes as 已离校 (marked so
    /// in the year that closed) rather than up a grade (see `ClassChange::moved_out`).
    moved_out: bool,
    /// For a row a merge of this laptop copied in, the fields (and insured years) whose value that merge kept
    /// over the other file's (it recorded theirs as lost, `KEY:conflict_lost`, just before copying this row).
    /// Such a row comes after this laptop's own in its log, but lost to them: of two changes made in the same
    /// second, the log's order would otherwise make it this side's newest, and the two drives would each hold
    /// their own value and read the other's as already known.
    outweighed: Vec<(String, Option<i32>)>,
    /// For a row a merge of this laptop copied in, the payment fields (and insured years) that merge set to the
    /// other file's value (`prevailed_for`); with the first row of that merge's copied run (`run`).
    prevailed: Vec<(String, Option<i32>)>,
    run: Option<i64>,
    /// Written by a reconciliation: for a payment's field, the tax office's list recorded it.
    reconciled: bool,
    /// For a top-up's row of the amount (action `top_up`), the amount it added to and the sum it made, in fen.
    top_up: Option<(i64, i64)>,
    /// Written by an undo: a conflict its value wins or loses says so.
    undo: bool,
    /// The row's id in its file's log, and whether a merge copied it there (see `Sides::made_in`).
    row: (i64, bool),
    /// The value the row wrote: a payment marked apart that lost at the other laptop's merge is said with the
    /// date and channel it had (`paid_apart_there`).
    new: Option<String>,
}

/// The rules two sides' changes made apart are weighed by in a merge as in a push to the county (`made_apart`).
impl made_apart::Step for Event {
    fn field(&self) -> &str {
        &self.field
    }

    fn unshared(&self) -> bool {
        self.unshared
    }

    fn of_year_start(&self) -> bool {
        self.promoted_into.is_some() || self.moved_out
    }

    fn reconciled(&self) -> bool {
        self.reconciled
    }
}

impl made_apart::PaymentStep for Event {
    fn top_up(&self) -> Option<(i64, i64)> {
        self.top_up
    }

    fn made(&self) -> (&str, &str) {
        (&self.at, &self.origin)
    }

    fn new_value(&self) -> Option<&str> {
        self.new.as_deref()
    }
}

impl Event {
    /// Whether the merge that copied this row took the other file's value of one of payment fields `keys` over
    /// this laptop's: a recorded payment stands over a later change made without knowing of it (see
    /// `payment_stands`), so this laptop's own row, newer by its clock, is no longer what it holds. Without
    /// this, its next merge would take that overruled row for its newest change and weigh it again.
    fn prevailed_for(&self, keys: &[&str]) -> bool {
        self.prevailed
            .iter()
            .any(|(key, year)| keys.contains(&key.as_str()) && (*year == self.year || !fields::yearly_key(key)))
    }

    /// Whether the merge that copied this row kept this laptop's value of one of fields `keys` over it.
    fn outweighed_for(&self, keys: &[&str]) -> bool {
        self.outweighed
            .iter()
            .any(|(key, year)| keys.contains(&key.as_str()) && (*year == self.year || !fields::yearly_key(key)))
    }
}

pub(crate) use super::copied_rows::CopiedRows;
use super::copied_rows::{COPIED_RUN, COPIES_FROM};

/// Notes the rows this merge copied (ids after `before`, up to the log's end), starting the record at
/// `high_water` (the log's end before the merge) if this drive has none yet.
fn record_copied(tx: &Transaction, high_water: i64, before: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO main.meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING",
        params![COPIES_FROM, high_water.to_string()],
    )?;
    let last: i64 = tx.query_row("SELECT COALESCE(max(id), 0) FROM main.audit", [], |r| r.get(0))?;
    if last > before {
        tx.execute(
            "INSERT INTO main.meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![format!("{COPIED_RUN}{}", before + 1), last.to_string()],
        )?;
    }
    Ok(())
}

impl MergeReport {
    /// The conflicts the report counts: the pupils' values weighed here or by the other file's merge, numbers
    /// taken by two pupils, and policies kept under one name with two texts.
    pub fn conflict_count(&self) -> usize {
        let policies = self.policies.iter().filter(|p| p.outcome.is_copy_conflict()).count();
        self.conflicts.len() + self.decided_there.len() + self.taken_numbers.len() + policies
    }
}

/// The columns that make two audit rows one event, as SQL comparing row `a` with row `b`. The year takes no
/// part (see `Event::year`); a missing ID number reads as empty, as it always has.
const SAME_EVENT: &str = "a.at = b.at AND a.operator = b.operator AND a.origin = b.origin AND a.action = b.action
     AND COALESCE(a.id_number, '') = COALESCE(b.id_number, '') AND a.field = b.field AND a.old IS b.old
     AND a.new IS b.new";

/// The columns `fingerprints` hashes, for a row named `a`.
const EVENT_COLUMNS: &str = "a.at, a.operator, a.origin, a.action, COALESCE(a.id_number, ''), a.field, a.old, a.new";

/// A file's current and first insured years (meta `current_year`, `first_year`).
fn years_of(tx: &Transaction, db: &str) -> Result<(Option<i32>, Option<i32>)> {
    let get = |key: &str| -> Result<Option<i32>> {
        let text: Option<String> =
            tx.query_row(&format!("SELECT value FROM {db}.meta WHERE key = ?1"), [key], |r| r.get(0)).optional()?;
        Ok(text.and_then(|t| t.parse().ok()))
    };
    Ok((get("current_year")?, get("first_year")?))
}

/// The SQL functions a merge compares and routes audit rows with. Registered on the drive's own connection
/// each time, so a connection opened by any road has them.
fn register_functions(conn: &rusqlite::Connection) -> Result<()> {
    use rusqlite::functions::FunctionFlags;
    let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_INNOCUOUS;
    conn.create_scalar_function("canbao_yearly", 1, flags, |ctx| {
        Ok(fields::yearly_key(ctx.get_raw(0).as_str().unwrap_or("")))
    })?;
    Ok(())
}

/// One side's history of one pupil, in log order: `db`'s audit rows for pupil row `student` up to row
/// `up_to` (the merge's own rows come later and are not history), each marked by whether the other file
/// lacks it (`unshared`, a temp table of row ids).
///
/// The rows an earlier merge wrote (action `merge`) are left out: they set a value the other laptop's change
/// gave, and that change was copied in with them, under its own time and origin. Counted as this side's
/// change, a value a laptop only received would be news to the laptop it came from, stamped with the time of
/// the merge: every round trip of merges would list the pupils it touched as conflicts. Its records of a value
/// that lost (`KEY:conflict_lost`) are read only to mark the rows that merge copied (`Event::outweighed`).
fn history(
    tx: &Transaction,
    (db, copied): (&str, &CopiedRows),
    year_starts: &YearStarts,
    unshared: &str,
    student: i64,
    up_to: i64,
    first: Option<i32>,
) -> Result<Vec<Event>> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT a.at, a.origin, CASE WHEN a.action = 'reveal' THEN 'reveal' ELSE a.field END, a.year,
                n.id IS NOT NULL, a.id, a.action = 'year', a.action = 'merge',
                a.action = 'year' AND a.field = 'grade' AND a.new IS '{LEFT_GRADE}', a.action = 'reconcile',
                CASE WHEN a.action = '{TOP_UP}' AND a.field = 'paid_amount_fen' THEN a.old END,
                CASE WHEN a.action = '{TOP_UP}' AND a.field = 'paid_amount_fen' THEN a.new END,
                (a.action <> 'merge' OR a.field LIKE '%' || '{LOST}' OR a.field IN ({PAYMENT_KEYS}))
                  AND (a.action <> 'reconcile' OR a.old IS NOT a.new),
                a.action, a.old, a.new, COALESCE(a.operator, '')
         FROM {db}.audit a
         LEFT JOIN temp.{unshared} n ON n.id = a.id
         WHERE a.student_id = ?1 AND a.id <= ?2
         ORDER BY a.id"
    ))?;
    // A tax list's confirmation of a disputed amount held (old and new alike, written by a reconcile) changes no
    // value: as an event it would be the side's newest payment change and win over a real one made apart.
    // This laptop's own merges' records of a value that lost: (row, field, year).
    let mut kept_here: Vec<(i64, String, Option<i32>)> = Vec::new();
    // This laptop's own merges' changes of a payment field to the other file's value: (row, field, year).
    let mut taken_here: Vec<(i64, String, Option<i32>)> = Vec::new();
    let mut events = Vec::new();
    let mut undone = UndonePairs::default();
    let mut rows = stmt.query(params![student, up_to])?;
    while let Some(r) = rows.next()? {
        let field: String = r.get(2)?;
        // A categories row carries the year it was made in; one written before rows carried it has none, and
        // stays the pupil's own (see `fields::year_stamped_key`), not the file's first year's.
        let year = if fields::yearly_key(&field) {
            r.get::<_, Option<i32>>(3)?.or(first)
        } else if fields::year_stamped_key(&field) {
            r.get(3)?
        } else {
            None
        };
        let id: i64 = r.get(5)?;
        let local = copied.local(id);
        let action: String = r.get(13)?;
        let (old, new): (Option<String>, Option<String>) = (r.get(14)?, r.get(15)?);
        let event = (r.get::<_, bool>(12)? && !r.get::<_, bool>(7)?).then_some(events.len());
        let written = new.clone();
        let row = LoggedRow { origin: r.get(1)?, action: &action, old, new, unshared: r.get(4)? };
        if let Some(change) = undone.log(&field, year, row, event) {
            undone.events.extend(change.into_iter().chain(event));
        }
        if !r.get::<_, bool>(12)? {
            continue;
        }
        if r.get::<_, bool>(7)? {
            // Only a record this laptop's merge wrote speaks for the rows it copied; one copied in is the other
            // laptop's (see `merge_notes::lost_there`).
            if let Some(key) = field.strip_suffix(LOST).filter(|_| local) {
                kept_here.push((id, key.to_owned(), year));
            } else if local && !field.ends_with(LOST) {
                taken_here.push((id, field, year));
            }
            continue;
        }
        let run = copied.run_of(id);
        // The records of `marks` the merge that copied this row wrote just before copying its run.
        let of_run = |marks: &[(i64, String, Option<i32>)]| {
            run.map_or_else(Vec::new, |run| {
                marks
                    .iter()
                    .filter(|(row, _, _)| *row < run && copied.run_after(*row) == Some(run))
                    .map(|(_, key, year)| (key.clone(), *year))
                    .collect()
            })
        };
        let (outweighed, prevailed) = (of_run(&kept_here), of_run(&taken_here));
        let (at, origin): (String, String) = (r.get(0)?, r.get(1)?);
        let promoted_into =
            if r.get::<_, bool>(6)? { year_starts.get(&(at.clone(), origin.clone())).copied() } else { None };
        events.push(Event {
            at,
            operator: r.get(16)?,
            origin,
            field,
            year,
            unshared: r.get(4)?,
            local,
            promoted_into,
            moved_out: r.get(8)?,
            outweighed,
            prevailed,
            run,
            reconciled: r.get(9)?,
            top_up: fen(r, 10)?.zip(fen(r, 11)?),
            undo: action == UNDO,
            row: (id, run.is_some()),
            new: written,
        });
    }
    // A change and the undo that took it back, both made apart from the other file (or both known to it), said
    // nothing to the other laptop: the value is as before the change. Kept as events, the undo would be this
    // side's newest change and put back the value the other laptop had corrected since.
    if !undone.events.is_empty() {
        let mut at = 0;
        events.retain(|_| {
            at += 1;
            !undone.events.contains(&(at - 1))
        });
    }
    Ok(events)
}

/// The action of an audit row an undo wrote (`tui::undo`): the values the change before it replaced, written back.
const UNDO: &str = "undo";

/// Who made the newest change of `history` made at `at` (its operator), for a conflict found by its time; empty
/// when none was.
fn operator_at(history: &[Event], at: &str) -> String {
    history.iter().rev().find(|e| e.at == at).map(|e| e.operator.clone()).unwrap_or_default()
}

/// The action of the audit rows of a school rename (`Store::rename_school`): one per pupil moved.
const RENAME: &str = "rename";

/// A row `UndonePairs` has not seen taken back, with its event's index if it is one.
type OpenRow = (LoggedRow<'static>, Option<usize>);

/// What `UndonePairs` needs of one audit row of a pupil.
struct LoggedRow<'a> {
    origin: String,
    action: &'a str,
    old: Option<String>,
    new: Option<String>,
    unshared: bool,
}

/// Finds, in one side's log of a pupil, each change and the undo that took it back: of one field (and insured
/// year), one laptop's, with nothing between them in the log (a merge's row between means the laptop held the
/// other's value before it undid, and a set-back then is a change), the undo writing back the value the change
/// replaced, and the other file lacking both or holding both.
#[derive(Default)]
struct UndonePairs {
    /// Per field and year, the rows not yet taken back, newest last: (row, its event's index if it is one).
    open: std::collections::HashMap<(String, Option<i32>), Vec<OpenRow>>,
    /// The indices of the events a pair cancelled.
    events: Vec<usize>,
}

impl UndonePairs {
    /// Logs a row, whose event (if it becomes one) is at index `event`. For an undo of the open change before it,
    /// returns `Some` with that change's event index (if it was one): the two cancel.
    fn log(&mut self, field: &str, year: Option<i32>, row: LoggedRow, event: Option<usize>) -> Option<Option<usize>> {
        let stack = self.open.entry((field.to_owned(), year)).or_default();
        // A school rename taken back, by `u` or by renaming the school back, is no change of the school either,
        // whatever session wrote the two (the screen renames on its worker): weighed as the newest change of the
        // pupils' school, it would undo the other laptop's deliberate rename.
        let renamed_back = |change: &LoggedRow| change.action == RENAME && (row.action == UNDO || row.action == RENAME);
        if (row.action == UNDO || row.action == RENAME)
            && let Some((change, _)) = stack.last()
            && change.action != UNDO
            && change.action != "merge"
            && (renamed_back(change) || (row.action == UNDO && change.origin == row.origin))
            && change.unshared == row.unshared
            && change.new == row.old
            && change.old == row.new
        {
            return stack.pop().map(|(_, e)| e);
        }
        let action: &'static str = match row.action {
            UNDO => UNDO,
            RENAME => RENAME,
            "merge" => "merge",
            _ => "",
        };
        stack.push((LoggedRow { action, ..row }, event));
        None
    }
}

/// Column `i` of an audit row, an amount in fen, if it holds one.
fn fen(r: &rusqlite::Row, i: usize) -> rusqlite::Result<Option<i64>> {
    Ok(r.get::<_, Option<String>>(i)?.and_then(|v| v.parse().ok()))
}

/// The suffix of the field of an audit row recording a value a merge let lose (`note:conflict_lost`).
pub(crate) const LOST: &str = ":conflict_lost";

/// The payment group's fields as the audit log names them, for SQL (`GROUPS`' payment group).
const PAYMENT_KEYS: &str = "'payment', 'paid_amount_fen', 'paid_on', 'paid_channel'";

fn is_class_event(e: &Event) -> bool {
    e.field == Field::Grade.key() || e.field == Field::Class.key() || e.field == "created"
}

/// A class event no start of a year wrote: one the operator or a list made within a year.
fn deliberate_class(e: &Event) -> bool {
    is_class_event(e) && e.promoted_into.is_none() && !e.moved_out
}

/// Whether our pupil was on the roster of closed insured year `year` (has its statuses): a pupil added since
/// is given no class for a year they were not in.
fn in_closed_year(tx: &Transaction, our_id: i64, year: i32) -> Result<bool> {
    Ok(tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM main.year_statuses WHERE student_id = ?1 AND year = ?2)",
        params![our_id, year],
        |r| r.get(0),
    )?)
}

/// An event of one side's history where the class rule (`class_rule`) weighs it: what came before it in its
/// own log says which year it was made in, and what a promotion moved from.
#[derive(Clone, Copy)]
struct InLog<'h> {
    history: &'h [Event],
    at: usize,
}

impl<'h> InLog<'h> {
    fn of(history: &'h [Event], e: &Event) -> Option<InLog<'h>> {
        Some(InLog { history, at: history.iter().position(|h| std::ptr::eq(h, e))? })
    }
}

impl InLog<'_> {
    /// Whether `h` is a row of the same start of a year as this promotion (its grade and class rows, the
    /// enrollment of a graduate): one step, not something it moved from.
    fn same_step(&self, h: &Event) -> bool {
        let e = &self.history[self.at];
        e.promoted_into.is_some() && h.promoted_into == e.promoted_into && h.at == e.at && h.origin == e.origin
    }

    /// The newest row before this one in its log that `wanted` picks, other than this promotion's own, when the
    /// other side lacks it.
    fn unshared_before(&self, wanted: impl Fn(&Event) -> bool) -> Option<Self> {
        let at = self.history[..self.at].iter().rposition(|h| wanted(h) && !self.same_step(h))?;
        self.history[at].unshared.then_some(InLog { history: self.history, at })
    }
}

impl ClassChange for InLog<'_> {
    fn promoted_into(&self) -> Option<i32> {
        self.history[self.at].promoted_into
    }

    fn made_in(&self) -> Option<i32> {
        self.history[..self.at].iter().rev().find_map(|h| h.promoted_into.filter(|_| is_class_event(h)))
    }

    fn moved_from(&self) -> Option<Self> {
        // A move out writes a grade row and then a class row: the grade row is the same step.
        self.unshared_before(is_class_event)
    }

    fn newer_than(&self, other: &Self) -> bool {
        newer(&self.history[self.at], &other.history[other.at])
    }

    fn moved_out(&self) -> bool {
        let e = &self.history[self.at];
        e.promoted_into.is_some() && self.history.iter().any(|h| h.moved_out && self.same_step(h))
    }

    fn left_from(&self) -> Option<Self> {
        self.unshared_before(|h| h.field == Field::Enrollment.key() && h.promoted_into.is_none())
    }
}

/// Whether `deliberate`, a class change of `history` that no promotion wrote, was made in the insured year
/// promotion row `promotion` (of either side) started (`class_rule::outranks`).
fn deliberate_outranks(history: &[Event], deliberate: &Event, promotion: &Event) -> bool {
    let promotion = InLog { history: std::slice::from_ref(promotion), at: 0 };
    InLog::of(history, deliberate).is_some_and(|d| class_rule::outranks(&d, &promotion))
}

/// Every start of a year either file records (its own, and those merges copied in), by the instant and origin
/// `year new` stamped on it and on the class rows of its promotion.
type YearStarts = std::collections::HashMap<(String, String), i32>;

fn year_starts(tx: &Transaction) -> Result<YearStarts> {
    let mut starts = YearStarts::new();
    for db in ["main", "other"] {
        let mut stmt = tx.prepare(&format!(
            "SELECT at, origin, CAST(new AS INTEGER) FROM {db}.audit
             WHERE action = 'year' AND field = 'year' AND student_id IS NULL"
        ))?;
        let rows = stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get::<_, Option<i32>>(2)?)))?;
        for row in rows {
            if let ((at, origin), Some(year)) = row? {
                starts.insert((at, origin), year);
            }
        }
    }
    Ok(starts)
}

/// The grade and class, changed apart on both sides, weighed by the rule a push to the county weighs them by
/// too (`class_rule::decide`). `Some(true)` when theirs wins; `None` leaves it to the instants.
fn class_decision(their_history: &[Event], theirs: &Event, our_history: &[Event], ours: &Event) -> Option<bool> {
    class_rule::decide(&InLog::of(their_history, theirs)?, &InLog::of(our_history, ours)?)
}

/// The insured year two promotions (one per side) started when one moved the pupil out as 已离校 and the other
/// up a grade (`class_rule::moved_apart`): the class rule weighs the enrollment each found, and the new year's
/// enrollment follows the class that won (`follow_the_promotion`).
fn moved_apart(their_history: &[Event], theirs: &Event, our_history: &[Event], ours: &Event) -> Option<i32> {
    class_rule::moved_apart(&InLog::of(their_history, theirs)?, &InLog::of(our_history, ours)?)
}

/// Of two promotions that moved the pupil apart, the one up a grade when that year has an enrollment or a
/// payment recorded for the pupil on either side: the class rule a push to the county weighs them by too
/// (`class_rule::stays_in_class`).
fn stays_in_class(
    tx: &Transaction,
    sides: &Sides,
    (their_id, our_id): (i64, i64),
    (their_history, theirs): (&[Event], &Event),
    (our_history, ours): (&[Event], &Event),
) -> Result<Option<class_rule::StaysInClass>> {
    let (Some(theirs), Some(ours)) = (InLog::of(their_history, theirs), InLog::of(our_history, ours)) else {
        return Ok(None);
    };
    let marked = |db: &str, student: i64, into: i32, current: Option<i32>| -> Result<bool> {
        let enrollment = value(tx, db, student, Field::Enrollment, Some(into), current)?.flatten();
        let payment = value(tx, db, student, Field::Payment, Some(into), current)?.flatten();
        Ok(class_rule::marked_in_year(
            enrollment.as_deref().unwrap_or("unknown"),
            payment.as_deref().unwrap_or("unpaid"),
        ))
    };
    class_rule::stays_in_class(&theirs, &ours, |into| {
        Ok(marked("other", their_id, into, sides.their_current)? || marked("main", our_id, into, sides.our_current)?)
    })
}

/// Their promotion into year `into` won the class over ours, one of the two having moved the pupil out as
/// 已离校 and the other up a grade: the enrollment that year started with goes with it (已离校 kept, or 未确认
/// afresh). A year's start writes no row for the enrollment it gives, so nothing else carries it: the laptop
/// whose class lost kept its own, and the two drives stayed apart, each merge finding nothing new. A change of
/// the enrollment made in that year on either side is a row, and is settled as any.
fn follow_the_promotion(
    tx: &Transaction,
    sides: &Sides,
    (their_id, our_id): (i64, i64),
    (their_history, our_history): (&[Event], &[Event]),
    into: i32,
    changes: &mut Vec<(Option<i32>, FieldChange)>,
) -> Result<()> {
    let group = [Field::Enrollment, Field::DeclineReason];
    let changed_in_year = their_history
        .iter()
        .chain(our_history)
        .any(|e| e.year == Some(into) && group.iter().any(|f| f.key() == e.field) && e.promoted_into.is_none());
    if changed_in_year || changes.iter().any(|(y, c)| *y == Some(into) && group.contains(&c.field)) {
        return Ok(());
    }
    for field in group {
        let theirs = value(tx, "other", their_id, field, Some(into), sides.their_current)?.flatten();
        let ours = value(tx, "main", our_id, field, Some(into), sides.our_current)?.flatten();
        if theirs != ours {
            changes.push((Some(into), FieldChange::new_owned(field, theirs)));
        }
    }
    Ok(())
}

/// A newer event wins: instants are compared, not their text (a change stamped 10:00+08:00 was made before one
/// stamped 03:00Z). Of equal instants a pupil's creation comes before a change, and then origin decides, so
/// both directions of a merge choose alike.
fn newer(a: &Event, b: &Event) -> bool {
    super::instant::cmp(&a.at, &b.at)
        .then_with(|| (a.field != "created").cmp(&(b.field != "created")))
        .then_with(|| a.origin.cmp(&b.origin))
        .is_gt()
}

/// Whether copied row `e`, later than `b` in one side's log, still comes before it: `b` is newer by instant,
/// or `e` is a pupil's creation (an import on the other laptop) in `b`'s second. A creation whose values said
/// nothing of a group (未确认, no payment) was never weighed when its merge copied it; taken as the newest row
/// of its second, it would hide the change it tied with, and the two laptops would each keep their own value
/// with nothing left to merge. A change and a creation of one second are ordered so on both sides (`newer`).
fn copied_before(b: &Event, e: &Event) -> bool {
    let order = super::instant::cmp(&b.at, &e.at);
    !e.local && (order.is_gt() || (order.is_eq() && e.field == "created" && b.field != "created"))
}

/// As `newer`; two changes of one instant and origin (one session's stamp, on two copies of a file taken within
/// its second) are ordered by the values they left, `(a's, b's)`, so both directions still choose alike.
fn newer_or_greater<T: Ord + ?Sized>(a: &Event, b: &Event, (a_values, b_values): (&T, &T)) -> bool {
    let tied = super::instant::cmp(&a.at, &b.at).is_eq() && a.origin == b.origin;
    if tied { a_values > b_values } else { newer(a, b) }
}

/// Fields that are one fact and so are won together: a payment's status, amount, date and channel come from
/// the same side (paid on one laptop and 财政代缴 on the other must not keep the family's amount under
/// 财政代缴), as do a grade and its class, and an enrollment and its decline reason.
///
/// 民族 and 居住地址 come last: the county's tables keep the first eight only (`county::decide::COUNTY_GROUPS`).
pub(crate) const GROUPS: [&[Field]; 10] = [
    &[Field::School],
    &[Field::Name],
    &[Field::Grade, Field::Class],
    &[Field::Phone],
    &[Field::Enrollment, Field::DeclineReason],
    &PAYMENT_GROUP,
    &[Field::Categories, Field::CategoriesYear],
    &[Field::Note],
    &[Field::Ethnicity],
    &[Field::Address],
];

/// Whether a pupil's creation row speaks for this group's values: the values a list gave when the pupil was
/// added (school, name, class, phone, 在校参保, categories) are that side's word as much as a later change is.
/// A value still at its default (no phone, 未确认, no categories) was not said by anyone and does not count.
pub(crate) fn said_at_creation(group: &[Field], values: &[Option<String>]) -> bool {
    group.iter().zip(values).any(|(&f, v)| informative(f, v.as_deref()))
}

/// Whether a value a creation row gave `field` says something (see `said_at_creation`): not empty, not the
/// default a new pupil gets.
pub(crate) fn informative(field: Field, value: Option<&str>) -> bool {
    match (field, value) {
        (_, None | Some("")) => false,
        (Field::Enrollment, Some(v)) => v != crate::domain::student::Enrollment::Unknown.code(),
        (Field::Categories, Some(v)) => v != "[]",
        (Field::Payment | Field::PaidAmount | Field::PaidOn | Field::PaidChannel | Field::Note, _) => false,
        (Field::DeclineReason, _) => false,
        _ => true,
    }
}

/// How a pupil is recognised in the other file. A valid ID number is a person. Any other ID text (empty, or a
/// rounded or mistyped number, which several children can share) says who it is only together with the name,
/// school and class.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PupilKey {
    Valid(String),
    Unchecked { id_number: String, name: String, school: String, grade: String, class: String },
}

impl PupilKey {
    /// The key of a pupil as a drive holds them: `valid` when the number passed the check (`id_problem` empty).
    pub fn of(id_number: String, valid: bool, name: String, school: String, grade: String, class: String) -> PupilKey {
        if valid { PupilKey::Valid(id_number) } else { PupilKey::Unchecked { id_number, name, school, grade, class } }
    }

    /// The key as one text, for a store outside the drive (the county's database) to keep pupils apart by it
    /// exactly as a merge does. The unit separator cannot occur in a name, school or class a list gives.
    pub fn text(&self) -> String {
        match self {
            PupilKey::Valid(n) => PupilKey::text_of(n, true, "", "", "", ""),
            PupilKey::Unchecked { id_number, name, school, grade, class } => {
                PupilKey::text_of(id_number, false, name, school, grade, class)
            }
        }
    }

    /// [`PupilKey::text`] of the key [`PupilKey::of`] would make, from borrowed fields (a push keys every pupil
    /// of a drive: no copies of five fields each to drop again).
    pub fn text_of(id_number: &str, valid: bool, name: &str, school: &str, grade: &str, class: &str) -> String {
        const SEP: char = '\u{1f}';
        if valid {
            let mut text = String::with_capacity(2 + id_number.len());
            text.push('v');
            text.push(SEP);
            text.push_str(id_number);
            return text;
        }
        let mut text =
            String::with_capacity(6 + id_number.len() + name.len() + school.len() + grade.len() + class.len());
        text.push('u');
        for part in [id_number, name, school, grade, class] {
            text.push(SEP);
            text.push_str(part);
        }
        text
    }
}

/// The temp tables a merge works in, made at its start and dropped at its end (a failed merge's rollback drops
/// them too). They hold row ids, fingerprints and counts: a merge of two large drives keeps its working set
/// in SQLite's pages, which spill to disk, instead of holding both histories in memory. Only the audit rows'
/// fingerprints are held in memory a while (`fingerprints`: 16 bytes a row, 32 MB for a million rows on both
/// sides), to find the rows both logs may share.
const WORK_TABLES: [&str; 15] = [
    "merge_our_fp",
    "merge_correction_links",
    "merge_their_fp",
    "merge_their_new",
    "merge_our_new",
    "merge_pairs",
    "merge_contested",
    "merge_our_created",
    "merge_their_created",
    "merge_creation_links",
    "merge_our_keys",
    "merge_their_keys",
    "merge_ambiguous",
    "merge_copied",
    "merge_named",
];

fn drop_work_tables(tx: &Transaction) -> Result<()> {
    for table in WORK_TABLES {
        tx.execute_batch(&format!("DROP TABLE IF EXISTS temp.{table}"))?;
    }
    Ok(())
}

/// Which audit rows each side lacks: `merge_their_new` holds their rows we lack (with their pupil row),
/// `merge_our_new` ours they lack. Each side's rows are fingerprinted as they are read; only rows whose
/// fingerprint the other side holds too can have a twin there (`merge_our_fp`, `merge_their_fp`, indexed by
/// fingerprint), and a twin is confirmed column by column. Two drives with no history in common compare none.
fn unshared_events(tx: &Transaction) -> Result<()> {
    let same = SAME_EVENT;
    let (our_candidates, their_candidates) = held_by_both(fingerprints(tx, "main")?, fingerprints(tx, "other")?);
    tx.execute_batch(
        "CREATE TEMP TABLE merge_our_fp(id INTEGER PRIMARY KEY, fp INTEGER NOT NULL);
         CREATE TEMP TABLE merge_their_fp(id INTEGER PRIMARY KEY, fp INTEGER NOT NULL);",
    )?;
    for (table, candidates) in [("merge_our_fp", our_candidates), ("merge_their_fp", their_candidates)] {
        let mut put = tx.prepare(&format!("INSERT INTO temp.{table}(id, fp) VALUES (?1, ?2)"))?;
        for (id, fp) in candidates {
            put.execute([id, fp])?;
        }
    }
    tx.execute_batch(&format!(
        "CREATE INDEX temp.merge_our_fp_fp ON merge_our_fp(fp);
         CREATE INDEX temp.merge_their_fp_fp ON merge_their_fp(fp);
         CREATE TEMP TABLE merge_their_new(id INTEGER PRIMARY KEY, student INTEGER);
         INSERT INTO merge_their_new SELECT b.id, b.student_id FROM other.audit b
             WHERE NOT EXISTS (SELECT 1 FROM merge_their_fp t JOIN merge_our_fp f ON f.fp = t.fp
                               JOIN main.audit a ON a.id = f.id
                               WHERE t.id = b.id AND {same});
         CREATE INDEX temp.merge_their_new_student ON merge_their_new(student);
         CREATE TEMP TABLE merge_our_new(id INTEGER PRIMARY KEY);
         INSERT INTO merge_our_new SELECT b.id FROM main.audit b
             WHERE NOT EXISTS (SELECT 1 FROM merge_our_fp t JOIN merge_their_fp f ON f.fp = t.fp
                               JOIN other.audit a ON a.id = f.id
                               WHERE t.id = b.id AND {same});"
    ))?;
    Ok(())
}

/// Every audit row of `db` as (fingerprint, row id): the columns `SAME_EVENT` compares, hashed. Both files'
/// rows are hashed in this one process, so any fixed fast hash does; a collision costs a comparison, never a
/// wrong answer.
fn fingerprints(tx: &Transaction, db: &str) -> Result<Vec<(i64, i64)>> {
    use std::hash::{BuildHasher, Hash, Hasher};
    let state = foldhash::fast::FixedState::with_seed(0x6576656e74);
    // Sized once: 16 bytes a row, the only part of either log a merge holds in memory.
    let rows: i64 = tx.query_row(&format!("SELECT COALESCE(max(id), 0) FROM {db}.audit"), [], |r| r.get(0))?;
    let mut out = Vec::with_capacity(usize::try_from(rows).unwrap_or_default());
    let mut stmt = tx.prepare(&format!("SELECT a.id, {EVENT_COLUMNS} FROM {db}.audit a"))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let mut hasher = state.build_hasher();
        for i in 1..=8 {
            match row.get_ref(i)? {
                ValueRef::Null => 0u8.hash(&mut hasher),
                ValueRef::Text(t) | ValueRef::Blob(t) => (1u8, t).hash(&mut hasher),
                ValueRef::Integer(n) => (2u8, n).hash(&mut hasher),
                ValueRef::Real(x) => (3u8, x.to_bits()).hash(&mut hasher),
            }
        }
        out.push((hasher.finish().cast_signed(), row.get::<_, i64>(0)?));
    }
    out.sort_unstable();
    Ok(out)
}

/// Audit rows as (row id, fingerprint).
type Held = Vec<(i64, i64)>;

/// The rows of each side (both sorted by fingerprint) whose fingerprint the other side holds too, in row id
/// order: kept in the sides' own vectors, so no more memory is taken when the two logs share every row.
fn held_by_both(mut ours: Vec<(i64, i64)>, mut theirs: Vec<(i64, i64)>) -> (Held, Held) {
    let (mut i, mut j, mut kept_ours, mut kept_theirs) = (0, 0, 0, 0);
    while i < ours.len() && j < theirs.len() {
        let fp = ours[i].0.min(theirs[j].0);
        let our_end = i + ours[i..].iter().take_while(|r| r.0 == fp).count();
        let their_end = j + theirs[j..].iter().take_while(|r| r.0 == fp).count();
        if our_end > i && their_end > j {
            for k in i..our_end {
                ours[kept_ours] = (ours[k].1, fp);
                kept_ours += 1;
            }
            for k in j..their_end {
                theirs[kept_theirs] = (theirs[k].1, fp);
                kept_theirs += 1;
            }
        }
        (i, j) = (our_end, their_end);
    }
    ours.truncate(kept_ours);
    theirs.truncate(kept_theirs);
    ours.sort_unstable();
    theirs.sort_unstable();
    (ours, theirs)
}

/// A side's pupils not yet paired (or paired by a contested number, see `contested_numbers`) with each of their
/// creation rows that the other file holds too, into `table` as (pupil, audit row, fingerprint). A pupil can
/// hold several: a merge that paired two laptops' imports of one list by name and class copied the other
/// laptop's creation row onto the pupil it paired. Only rows both files hold can pair pupils, so only those are
/// looked at (`fps` holds no other; CROSS JOIN keeps SQLite from walking the whole log for them instead): two
/// drives with no history in common skip the step.
fn shared_creations(tx: &Transaction, db: &str, table: &str, paired: &str, fps: &str, unshared: &str) -> Result<()> {
    tx.execute_batch(&format!(
        "CREATE TEMP TABLE {table}(audit INTEGER PRIMARY KEY, student INTEGER NOT NULL, fp INTEGER NOT NULL);
         INSERT INTO {table} SELECT a.id, a.student_id, f.fp FROM temp.{fps} f CROSS JOIN {db}.audit a ON a.id = f.id
             WHERE a.field = 'created' AND a.id NOT IN (SELECT id FROM temp.{unshared})
               AND a.student_id IN (SELECT id FROM {db}.students)
               AND a.student_id NOT IN (SELECT {paired} FROM temp.merge_pairs
                                        WHERE theirs NOT IN (SELECT theirs FROM temp.merge_contested));
         CREATE INDEX temp.{table}_fp ON {table}(fp);"
    ))?;
    Ok(())
}

/// The pairs by a valid number that the history the files share could contradict, into `merge_contested`: one
/// side holds the number by a change the other lacks (a correction of the number, or the pupil's creation).
/// Walked from the rows each side lacks, few between copies of one drive; two drives with no history in common
/// share no creation row to contradict a number and skip the step.
fn contested_numbers(tx: &Transaction) -> Result<()> {
    let shared: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM temp.merge_our_fp)", [], |r| r.get(0))?;
    if !shared {
        return Ok(());
    }
    tx.execute_batch(
        "INSERT OR IGNORE INTO merge_contested SELECT p.theirs, p.ours FROM temp.merge_their_new n
             JOIN other.audit b ON b.id = n.id JOIN temp.merge_pairs p ON p.theirs = n.student
             WHERE b.field IN ('created', 'id_number') AND b.action <> 'reveal';
         INSERT OR IGNORE INTO merge_contested SELECT p.theirs, p.ours FROM temp.merge_our_new n
             JOIN main.audit a ON a.id = n.id JOIN temp.merge_pairs p ON p.ours = a.student_id
             WHERE a.field IN ('created', 'id_number') AND a.action <> 'reveal';",
    )?;
    Ok(())
}

/// Unpairs the pairs by a valid number that the shared history contradicts: one of the two pupils shares its
/// creation row with another pupil of the other side, and with that one only, who is not paired by a number
/// itself, while the two paired share none. One laptop corrected 王欣's number to the one the other laptop gave a
/// new pupil 王新: 王欣 is 王欣 on both, and 王新 a child of its own (see `settle_taken_numbers`). Left in
/// `merge_contested` are the pairs undone; each pupil of them is then paired by its creation row.
fn history_over_numbers(tx: &Transaction) -> Result<()> {
    tx.execute_batch(
        "DELETE FROM merge_contested WHERE EXISTS (SELECT 1 FROM merge_creation_links l
                                                   WHERE l.theirs = merge_contested.theirs
                                                     AND l.ours = merge_contested.ours)
             OR NOT (EXISTS (SELECT 1 FROM merge_creation_links l
                             WHERE l.theirs = merge_contested.theirs AND l.ours <> merge_contested.ours
                               AND l.ours NOT IN (SELECT ours FROM merge_pairs)
                               AND NOT EXISTS (SELECT 1 FROM merge_creation_links x
                                               WHERE x.theirs = l.theirs AND x.ours <> l.ours)
                               AND NOT EXISTS (SELECT 1 FROM merge_creation_links y
                                               WHERE y.ours = l.ours AND y.theirs <> l.theirs))
                     OR EXISTS (SELECT 1 FROM merge_creation_links l
                                WHERE l.ours = merge_contested.ours AND l.theirs <> merge_contested.theirs
                                  AND l.theirs NOT IN (SELECT theirs FROM merge_pairs)
                                  AND NOT EXISTS (SELECT 1 FROM merge_creation_links x
                                                  WHERE x.theirs = l.theirs AND x.ours <> l.ours)
                                  AND NOT EXISTS (SELECT 1 FROM merge_creation_links y
                                                  WHERE y.ours = l.ours AND y.theirs <> l.theirs)));
         DELETE FROM merge_pairs WHERE theirs IN (SELECT theirs FROM merge_contested);",
    )?;
    Ok(())
}

/// A side's open pupils without a valid number, grouped by key (ID text, name, school, grade, class): how
/// many share it, and one of them.
fn unchecked_keys(tx: &Transaction, db: &str, table: &str, paired: &str) -> Result<()> {
    tx.execute_batch(&format!(
        "CREATE TEMP TABLE {table} AS
             SELECT s.id_number AS number, s.name, sc.name AS school, s.grade, s.class, count(*) AS n, min(s.id) AS one
             FROM {db}.students s JOIN {db}.schools sc ON sc.id = s.school_id
             WHERE s.id_problem IS NOT NULL AND s.id NOT IN (SELECT {paired} FROM temp.merge_pairs)
             GROUP BY 1, 2, 3, 4, 5;
         CREATE INDEX temp.{table}_key ON {table}(number, name, school, grade, class);"
    ))?;
    Ok(())
}

/// Pairs their pupils with ours into `merge_pairs` (their row id, ours) without guessing, and lists in
/// `merge_ambiguous` their pupils that fit more than one child. A valid ID number pairs by itself, unless the
/// creation rows the files share plainly pair one of the two with another pupil (`history_over_numbers`). Otherwise
/// the history the two files share: a pupil of theirs and one of ours that hold the same creation row (either
/// laptop's, or both when an earlier merge paired them by name and class and copied one onto the other) are
/// one child whatever their school, class, name or number are now, when no other open pupil on either side
/// holds one of those rows; every pupil not yet paired takes part (a number corrected on one laptop, valid
/// there and still flagged on the other, is the same child). Otherwise the key, when exactly one pupil on each
/// side has it (after those whose number one side corrected from the number the other holds under the same
/// name, `pair_by_corrections`). Last, a valid number on one side and a flagged one on the other (`pair_look_alikes`). Every rule
/// is symmetric, so A into B pairs the same pupils as B into A.
fn match_pupils(tx: &Transaction) -> Result<Vec<LookAlike>> {
    tx.execute_batch(
        "CREATE TEMP TABLE merge_pairs(theirs INTEGER PRIMARY KEY, ours INTEGER NOT NULL UNIQUE);
         INSERT INTO merge_pairs SELECT b.id, a.id FROM other.students b
             JOIN main.students a ON a.id_number = b.id_number AND a.id_problem IS NULL
             WHERE b.id_problem IS NULL;
         CREATE TEMP TABLE merge_contested(theirs INTEGER PRIMARY KEY, ours INTEGER NOT NULL);",
    )?;
    contested_numbers(tx)?;
    shared_creations(tx, "main", "merge_our_created", "ours", "merge_our_fp", "merge_our_new")?;
    shared_creations(tx, "other", "merge_their_created", "theirs", "merge_their_fp", "merge_their_new")?;
    // Which of their pupils and ours hold one creation row; a pupil linked so to one pupil only, which is linked
    // to it only, is that pupil. Links to a pupil paired already take no part.
    tx.execute_batch(&format!(
        "CREATE TEMP TABLE merge_creation_links(theirs INTEGER NOT NULL, ours INTEGER NOT NULL,
                                                PRIMARY KEY (theirs, ours)) WITHOUT ROWID;
         INSERT OR IGNORE INTO merge_creation_links SELECT t.student, o.student FROM merge_their_created t
             JOIN merge_our_created o ON o.fp = t.fp
             JOIN other.audit b ON b.id = t.audit JOIN main.audit a ON a.id = o.audit
             WHERE {SAME_EVENT};
         CREATE INDEX temp.merge_creation_links_ours ON merge_creation_links(ours);"
    ))?;
    history_over_numbers(tx)?;
    tx.execute_batch(
        "INSERT INTO merge_pairs SELECT l.theirs, l.ours FROM merge_creation_links l
             WHERE l.theirs NOT IN (SELECT theirs FROM merge_pairs) AND l.ours NOT IN (SELECT ours FROM merge_pairs)
               AND NOT EXISTS (SELECT 1 FROM merge_creation_links x WHERE x.theirs = l.theirs AND x.ours <> l.ours
                                   AND x.ours NOT IN (SELECT ours FROM merge_pairs))
               AND NOT EXISTS (SELECT 1 FROM merge_creation_links y WHERE y.ours = l.ours AND y.theirs <> l.theirs
                                   AND y.theirs NOT IN (SELECT theirs FROM merge_pairs));",
    )?;
    pair_by_corrections(tx)?;
    unchecked_keys(tx, "main", "merge_our_keys", "ours")?;
    unchecked_keys(tx, "other", "merge_their_keys", "theirs")?;
    let same_key = |x: &str, y: &str| {
        format!(
            "({x}.number, {x}.name, {x}.school, {x}.grade, {x}.class) = ({y}.number, {y}.name, {y}.school, {y}.grade, {y}.class)"
        )
    };
    tx.execute_batch(&format!(
        "CREATE TEMP TABLE merge_ambiguous(theirs INTEGER PRIMARY KEY, ours_n INTEGER NOT NULL, theirs_n INTEGER NOT NULL);
         INSERT INTO merge_ambiguous SELECT b.id, o.n, t.n
             FROM other.students b JOIN other.schools sc ON sc.id = b.school_id
             JOIN merge_their_keys t
                 ON (t.number, t.name, t.school, t.grade, t.class) = (b.id_number, b.name, sc.name, b.grade, b.class)
             JOIN merge_our_keys o ON {}
             WHERE b.id_problem IS NOT NULL AND b.id NOT IN (SELECT theirs FROM merge_pairs)
               AND NOT (t.n = 1 AND o.n = 1);
         INSERT INTO merge_pairs SELECT t.one, o.one FROM merge_their_keys t JOIN merge_our_keys o ON {}
             WHERE t.n = 1 AND o.n = 1;",
        same_key("o", "t"),
        same_key("o", "t"),
    ))?;
    pair_look_alikes(tx)
}

/// Pairs the pupils still apart of whom one side corrected its number from the number the other side holds, under
/// the same name: the rule an import applies to a list that still gives a corrected number (`CORRECTED_FROM`).
/// Two laptops that each imported the school's list share no creation row, so a number corrected with `E` on one
/// before their first merge would otherwise make the child twice. A pupil linked so to more than one on the other
/// side is not guessed. Symmetric, as every rule of `match_pupils`.
fn pair_by_corrections(tx: &Transaction) -> Result<()> {
    tx.execute_batch(
        "CREATE TEMP TABLE merge_correction_links(theirs INTEGER NOT NULL, ours INTEGER NOT NULL,
                                                  PRIMARY KEY (theirs, ours)) WITHOUT ROWID;
         INSERT OR IGNORE INTO merge_correction_links SELECT b.id, a.id FROM other.audit y
             JOIN other.students b ON b.id = y.student_id
             JOIN main.students a ON a.id_number = y.old AND a.name = b.name AND a.id_number <> b.id_number
             WHERE y.field = 'id_number' AND y.old IS NOT NULL AND y.action <> 'reveal';
         INSERT OR IGNORE INTO merge_correction_links SELECT b.id, a.id FROM main.audit x
             JOIN main.students a ON a.id = x.student_id
             JOIN other.students b ON b.id_number = x.old AND b.name = a.name AND b.id_number <> a.id_number
             WHERE x.field = 'id_number' AND x.old IS NOT NULL AND x.action <> 'reveal';
         DELETE FROM merge_correction_links
             WHERE theirs IN (SELECT theirs FROM merge_pairs) OR ours IN (SELECT ours FROM merge_pairs);
         INSERT INTO merge_pairs SELECT l.theirs, l.ours FROM merge_correction_links l
             WHERE NOT EXISTS (SELECT 1 FROM merge_correction_links x WHERE x.theirs = l.theirs AND x.ours <> l.ours)
               AND NOT EXISTS (SELECT 1 FROM merge_correction_links y WHERE y.ours = l.ours AND y.theirs <> l.theirs);",
    )?;
    Ok(())
}

/// The pairs of `named_apart`, from the pairs outwards (`CROSS JOIN`): left to itself SQLite read every pupil of
/// ours in id order to spare the sort, probing the log for each, which cost a merge of two drives with no pupil
/// in common a read of the whole roster and 100k probes of the log to find nothing.
const NAMED_APART: &str = "SELECT a.id_number, a.name, a.grade, a.class, b.name, b.grade, b.class
     FROM temp.merge_pairs p CROSS JOIN main.students a ON a.id = p.ours CROSS JOIN other.students b ON b.id = p.theirs
     WHERE a.name <> b.name
       AND NOT EXISTS (SELECT 1 FROM main.audit x WHERE x.student_id = a.id AND x.field = 'name')
       AND NOT EXISTS (SELECT 1 FROM other.audit y WHERE y.student_id = b.id AND y.field = 'name')
     ORDER BY a.id";

/// The pairs whose pupils the two files name differently though neither renamed its own (read before either
/// name is settled): the operator is asked to check that the number is the one child's.
fn named_apart(tx: &Transaction) -> Result<Vec<NamedApart>> {
    let mut stmt = tx.prepare(NAMED_APART)?;
    let label = |grade: String, class: String| crate::domain::class_label::join(&grade, &class);
    let rows = stmt.query_map([], |r| {
        Ok(NamedApart {
            id_number: r.get(0)?,
            ours: r.get(1)?,
            our_class: label(r.get(2)?, r.get(3)?),
            theirs: r.get(4)?,
            their_class: label(r.get(5)?, r.get(6)?),
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A pair `pair_look_alikes` made: their pupil, ours, and whether ours is the one held with the flagged number.
struct LookAlike {
    theirs: i64,
    ours: i64,
    ours_flagged: bool,
}

/// Pairs the pupils still apart of whom one side holds a valid number and the other a flagged one (a number a
/// spreadsheet rounded, one mistyped, none), by the rule an import pairs a valid number with a flagged pupil
/// (`id_number::flagged_may_be`): the same name, and the valid number rounded to the flagged one or typed with
/// its check character wrong, or the same school and class. Two laptops that started from the school's list, one typed as text and one whose numbers
/// Excel rounded, hold one child so. A pupil that fits more than one on the other side is not guessed: listed
/// in `merge_ambiguous`, and added if theirs.
fn pair_look_alikes(tx: &Transaction) -> Result<Vec<LookAlike>> {
    // Two drives of valid numbers only (most of them) skip the step and its two reads of the pupils. A pupil
    // held with an old 15-digit number converted to 18 counts as flagged (`id_number::OLD_NUMBER`).
    let flagged: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM main.students WHERE (id_problem IS NOT NULL OR id_kind = 'resident_converted')
                       AND id NOT IN (SELECT ours FROM temp.merge_pairs))
             OR EXISTS(SELECT 1 FROM other.students WHERE (id_problem IS NOT NULL OR id_kind = 'resident_converted')
                       AND id NOT IN (SELECT theirs FROM temp.merge_pairs))",
        [],
        |r| r.get(0),
    )?;
    if !flagged {
        return Ok(Vec::new());
    }
    // Only pupils whose name a flagged pupil has (few, found through `students_bad_name`, and those of an old
    // number, read once) take part.
    let named = "SELECT name FROM main.students WHERE id_problem IS NOT NULL
                 UNION SELECT name FROM other.students WHERE id_problem IS NOT NULL
                 UNION SELECT name FROM main.students WHERE id_kind = 'resident_converted'
                 UNION SELECT name FROM other.students WHERE id_kind = 'resident_converted'";
    let problem = format!(
        "CASE WHEN s.id_problem IS NULL AND s.id_kind = 'resident_converted' THEN '{}' ELSE s.id_problem END",
        crate::domain::id_number::OLD_NUMBER
    );
    tx.execute_batch(&format!(
        "CREATE TEMP TABLE merge_named(side INTEGER, id INTEGER, name TEXT, number TEXT, problem TEXT, school TEXT,
                                       grade TEXT, class TEXT, sex TEXT, note TEXT);
         INSERT INTO merge_named SELECT 0, s.id, s.name, s.id_number, {problem}, sc.name, s.grade, s.class, s.sex,
                 s.note
             FROM main.students s JOIN main.schools sc ON sc.id = s.school_id
             WHERE s.name IN ({named})
               AND s.id NOT IN (SELECT ours FROM temp.merge_pairs);
         INSERT INTO merge_named SELECT 1, s.id, s.name, s.id_number, {problem}, sc.name, s.grade, s.class, s.sex,
                 s.note
             FROM other.students s JOIN other.schools sc ON sc.id = s.school_id
             WHERE s.name IN ({named})
               AND s.id NOT IN (SELECT theirs FROM temp.merge_pairs)
               AND s.id NOT IN (SELECT theirs FROM temp.merge_ambiguous);
         CREATE INDEX temp.merge_named_name ON merge_named(name, side);",
    ))?;
    let mut stmt = tx.prepare(
        "SELECT t.id, o.id, t.number, t.problem, o.number, o.problem, t.school, o.school,
                t.grade, t.class, o.grade, o.class, t.sex, t.note, o.sex, o.note
         FROM temp.merge_named t JOIN temp.merge_named o ON o.name = t.name AND o.side = 0
         WHERE t.side = 1 AND (t.problem IS NULL) <> (o.problem IS NULL)
         ORDER BY t.id, o.id",
    )?;
    let mut links: Vec<(i64, i64, bool)> = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> rusqlite::Result<String> { Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default()) };
        let (their_problem, our_problem): (Option<String>, Option<String>) = (r.get(3)?, r.get(5)?);
        let (their_school, our_school): (String, String) = (r.get(6)?, r.get(7)?);
        let (theirs_number, ours_number) = (text(2)?, text(4)?);
        let (their_class, our_class) = ((text(8)?, text(9)?), (text(10)?, text(11)?));
        let (their_note, our_note) = (text(13)?, text(15)?);
        let sex =
            |i: usize| -> rusqlite::Result<_> { Ok(super::read::sex_from(r.get::<_, Option<String>>(i)?.as_deref())) };
        let theirs = PupilSigns {
            number: &theirs_number,
            problem: their_problem.as_deref(),
            school: &their_school,
            grade: &their_class.0,
            class: &their_class.1,
            sex: sex(12)?,
            note: &their_note,
        };
        let ours = PupilSigns {
            number: &ours_number,
            problem: our_problem.as_deref(),
            school: &our_school,
            grade: &our_class.0,
            class: &our_class.1,
            sex: sex(14)?,
            note: &our_note,
        };
        if let Some(theirs_flagged) = look_alike(&theirs, &ours) {
            links.push((r.get(0)?, r.get(1)?, !theirs_flagged));
        }
    }
    drop(rows);
    drop(stmt);
    let counts = LinkCounts::of(links.iter().map(|l| (l.0, l.1)));
    let (per_theirs, per_ours) = (&counts.per_a, &counts.per_b);
    let mut paired = Vec::new();
    for &(theirs, ours, ours_flagged) in &links {
        if counts.unique(theirs, ours) {
            tx.execute("INSERT INTO temp.merge_pairs(theirs, ours) VALUES (?1, ?2)", params![theirs, ours])?;
            paired.push(LookAlike { theirs, ours, ours_flagged });
        } else {
            let of_ours = per_theirs[&theirs] as i64;
            // How many of ours fit their pupil, and the most of theirs that fit one of those.
            let theirs_n = links.iter().filter(|l| l.0 == theirs).map(|l| per_ours[&l.1] as i64).max().unwrap_or(1);
            tx.execute(
                "INSERT OR IGNORE INTO temp.merge_ambiguous(theirs, ours_n, theirs_n) VALUES (?1, ?2, ?3)",
                params![theirs, of_ours, theirs_n],
            )?;
        }
    }
    Ok(paired)
}

/// The value of `field` for pupil row `student` in schema `db`; for a yearly field, in insured year `year`
/// (the pupil row holds the file's current year, `year_statuses` the others; a year with no row there is the
/// defaults, 未确认 / 未缴费).
fn value(
    tx: &Transaction,
    db: &str,
    student: i64,
    field: Field,
    year: Option<i32>,
    current: Option<i32>,
) -> Result<Option<Option<String>>> {
    let closed = year.filter(|y| current.is_some_and(|c| *y < c));
    if let Some(year) = closed.filter(|_| fields::kept_per_closed_year(field)) {
        // A closed year's own categories, else the pupil's: held unchanged since (schema migration 11).
        return closed_year_value(tx, db, (student, year), field, ("year_categories", "student_id"));
    }
    if let Some(year) = closed.filter(|_| fields::class_of_year(field)) {
        // The class a closed year keeps, else the pupil's: unchanged since (schema migration 6).
        return closed_year_value(tx, db, (student, year), field, ("year_statuses", "class"));
    }
    if let Some(year) = year.filter(|y| field.is_yearly() && Some(*y) != current) {
        let stored: Option<Option<String>> = tx
            .query_row(
                &format!(
                    "SELECT CAST({} AS TEXT) FROM {db}.year_statuses WHERE student_id = ?1 AND year = ?2",
                    field.key()
                ),
                params![student, year],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?;
        let default = match field {
            Field::Enrollment => Some(crate::domain::student::Enrollment::Unknown.code().to_owned()),
            Field::Payment => Some(crate::domain::student::PaymentStatus::Unpaid.code().to_owned()),
            _ => None,
        };
        return Ok(Some(stored.unwrap_or(default)));
    }
    let column = match field {
        Field::School => format!("(SELECT name FROM {db}.schools WHERE id = s.school_id)"),
        other => format!("s.{}", other.key()),
    };
    Ok(tx
        .query_row(&format!("SELECT CAST({column} AS TEXT) FROM {db}.students s WHERE s.id = ?1"), [student], |r| {
            r.get::<_, Option<String>>(0)
        })
        .optional()?)
}

/// The value of `field` a closed insured year keeps for pupil row `student` in `table` of schema `db`, else the
/// pupil's own: the year's row holds it when its column `held` is set (a year's categories are their own row;
/// a year's statuses hold a class only when it changed since).
fn closed_year_value(
    tx: &Transaction,
    db: &str,
    (student, year): (i64, i32),
    field: Field,
    (table, held): (&str, &str),
) -> Result<Option<Option<String>>> {
    let column = field.key();
    Ok(tx
        .query_row(
            &format!(
                "SELECT CAST(CASE WHEN y.{held} IS NULL THEN s.{column} ELSE y.{column} END AS TEXT)
                 FROM {db}.students s LEFT JOIN {db}.{table} y ON y.student_id = s.id AND y.year = ?2
                 WHERE s.id = ?1"
            ),
            params![student, year],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?)
}

impl Store {
    /// Brings `other`'s changes into this drive in one transaction (after a backup, unless `dry_run`), whatever
    /// school the other file is of: for a caller whose operator has seen the preview.
    pub fn merge_from(&mut self, other: &Path, dry_run: bool) -> Result<MergeReport> {
        self.merge_from_checked(other, dry_run, true)
    }

    /// As `merge_from`; unless `other_school`, a file whose schools are not this drive's and that shares no
    /// history with it (another school's drive taken by mistake) is refused, nothing changed: its pupils who
    /// share ID numbers with ours would move to its school.
    pub fn merge_from_checked(&mut self, other: &Path, dry_run: bool, other_school: bool) -> Result<MergeReport> {
        self.merge_from_judged(other, (dry_run, other_school, true, true), None)
    }

    /// As `merge_from_checked`, refusing too, unless `no_common_history` (or `other_school`), a file that shares no
    /// history with this drive, nothing changed (`StoreError::MergeNoCommonHistory`); with `brought` given the pupils whose family payment the merge brings (paid by the
    /// family after it, on another date than before or not paid so before), a thousand at a time, read inside the
    /// merge's transaction: a dry run, rolled back, tells them as the merge would. Only those pupils are read whole,
    /// so a merge of a county's drives stays in the memory it takes without this.
    pub fn merge_from_judged(
        &mut self,
        other: &Path,
        (dry_run, other_school, no_common_history, accept_clock): (bool, bool, bool, bool),
        mut brought: Option<&mut Brought>,
    ) -> Result<MergeReport> {
        // The same file under another name (a symlink, a hard link, `./a.db` for `a.db`) is refused before
        // anything, backups included, is done: merging a drive into itself would only double its history.
        if let Some(ours) = &self.path
            && same_file(ours, other)
        {
            return Err(StoreError::MergeSelf { path: other.display().to_string() });
        }
        // The other laptop's copy is read with this drive's passphrase: copies of one drive share it.
        let probe = Store::open_read_only_keyed(other, self.key.as_ref())?;
        let other_plain = !probe.encrypted();
        let version = schema::user_version(&probe.conn)?;
        if version < schema::latest_version() {
            let (path, found, supported) = (other.display().to_string(), version, schema::latest_version());
            // Upgrading it in place, as the message asks, needs a folder that can be written.
            return Err(if super::folder_writable(other) {
                StoreError::OlderSchema {
                    path,
                    found,
                    supported,
                    command: crate::words::canbao_command(Some(other), "stats"),
                }
            } else {
                StoreError::OlderSchemaReadOnly { path, found, supported }
            });
        }
        if version > schema::latest_version() {
            return Err(StoreError::TooNew { found: version, supported: schema::latest_version() });
        }
        // A file already in a later insured year is refused, before any backup: its pupils, classes and lists
        // are next year's, and taken into this year they would sit on this year's forms (next year's first
        // graders in this year's 一年级) and be promoted again by this laptop's own `year new`. The other way
        // round (late payments of last year into a drive that has moved on) is a merge like any other.
        let theirs = probe.read_current_year()?;
        // Attached as the probe read it: a copy on read-only media only as an immutable file.
        let attached =
            if probe.immutable { super::immutable_uri(other).into_bytes() } else { super::sql_file_name(other) };
        drop(probe);
        if let (Some(theirs), Some(ours)) = (theirs, self.read_current_year()?)
            && theirs > ours
        {
            let command = self.command(&format!("year new {} --promote", ours + 1));
            let (why_zh, why_en) = (String::new(), String::new());
            let command_en = command.clone();
            return Err(StoreError::MergeLaterYear {
                theirs,
                ours,
                next: ours + 1,
                command,
                command_en,
                why_zh,
                why_en,
            });
        }
        // The backup is taken inside the merge's transaction, once the merge is known to go ahead (see below).
        let auto_backup = if dry_run { None } else { self.auto_backup() };
        let ctx = self.audit_context("merge");
        register_functions(&self.conn)?;
        match (&self.key, other_plain) {
            // Without an explicit empty key SQLCipher would read the attached file with this drive's key.
            (Some(_), true) => {
                self.conn.execute("ATTACH DATABASE CAST(?1 AS TEXT) AS other KEY ''", [&attached])?;
            }
            // With the passphrase, as the probe opened it: SQLCipher derives the key with the copy's own salt. Without
            // a key it would take this drive's, derived with this drive's salt, and a copy encrypted apart (another
            // laptop, the same passphrase) would read as "not a database".
            (Some(key), false) => {
                self.conn
                    .execute("ATTACH DATABASE CAST(?1 AS TEXT) AS other KEY ?2", params![&attached, key.expose()])?;
            }
            (None, _) => {
                self.conn.execute("ATTACH DATABASE CAST(?1 AS TEXT) AS other", [&attached])?;
            }
        }
        // The work tables go to a temp file rather than memory (this build's default), so a merge of two large
        // drives needs no more memory than a small one. Changing the setting deletes every temp object, so it is
        // changed only on a connection that holds none (an earlier year's read-only views are temp views). An
        // encrypted drive keeps them in memory: SQLite's temp file is not encrypted, and the work tables hold
        // names and ID numbers.
        let work_tables_on_disk = !self.encrypted()
            && self.conn.query_row("SELECT count(*) = 0 FROM temp.sqlite_master", [], |r| r.get::<_, bool>(0))?;
        if work_tables_on_disk {
            self.conn.execute_batch("PRAGMA temp_store = FILE")?;
        }
        // The import's page cache, for the drive and for the work tables: enough that the pupils' indexes are not
        // read again and again, and the same whatever the drives' size.
        self.conn.pragma_update(Some("main"), "cache_size", super::IMPORT_CACHE_KIB)?;
        self.conn.pragma_update(Some("temp"), "cache_size", super::IMPORT_CACHE_KIB)?;
        // The merge a refusal of another school's file offers names this drive, as this run was given it.
        let other_school_command = self.command(&format!("merge --other-school {}", crate::words::shell_path(other)));
        let accept_clock_command = self.command(&format!("merge --accept-clock {}", crate::words::shell_path(other)));
        let unrelated_command = self.command(&format!("merge --no-common-history {}", crate::words::shell_path(other)));
        let drive = self.hint_drive().map(Path::to_path_buf);
        let result = (|| {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // The drive as the merge found it, to tell whether the merge changed anything.
            let state_before = match &auto_backup {
                Some(_) => Some(super::backup::drive_state(&tx)?),
                None => None,
            };
            let dated_before = match brought {
                Some(_) => super::read::family_payment_dates_in(&tx)?,
                None => Vec::new(),
            };
            let report = merge_in(&tx, &ctx, drive.as_deref())?;
            if let Some(brought) = brought.as_mut() {
                let before: std::collections::HashMap<i64, &Option<String>> =
                    dated_before.iter().map(|(id, day)| (*id, day)).collect();
                let ids: Vec<i64> = super::read::family_payment_dates_in(&tx)?
                    .into_iter()
                    .filter(|(id, day)| before.get(id).is_none_or(|was| *was != day))
                    .map(|(id, _)| id)
                    .collect();
                for chunk in ids.chunks(1000) {
                    brought(&super::read::students_by_ids_in(&tx, chunk)?);
                }
            }
            if !dry_run && !other_school && !report.other_schools.is_empty() && !report.shared_history {
                tx.rollback()?;
                return Err(StoreError::MergeOtherSchool {
                    path: other.display().to_string(),
                    schools: report.other_schools.join("、"),
                    command: other_school_command,
                });
            }
            if !dry_run && !other_school && !no_common_history && refused_unrelated(&report) {
                tx.rollback()?;
                return Err(StoreError::MergeNoCommonHistory {
                    path: other.display().to_string(),
                    command: unrelated_command,
                });
            }
            // A merge goes by when changes were made: with a clock wrong, the wrong side would win every
            // conflict. Unless the operator accepted the clocks, nothing is changed and both times are said.
            if !dry_run && !accept_clock && (report.their_clock_ahead.is_some() || report.our_clock_behind.is_some()) {
                tx.rollback()?;
                return Err(StoreError::MergeClock {
                    their_clock_ahead: report.their_clock_ahead.map(Box::new),
                    our_clock_behind: report.our_clock_behind.map(Box::new),
                    command: accept_clock_command,
                });
            }
            if dry_run {
                tx.rollback()?;
            } else {
                // Last, when nothing but the commit is left: a merge refused (another school's file) or failed
                // takes no backup, so retrying one never pushes the kept backups out. Read through a second
                // connection, it holds the drive as the merge found it. A merge that changed nothing (the same
                // file merged again) takes none: there is nothing to go back from, and each such backup would
                // push a useful one out of the kept number.
                if let Some(auto) = &auto_backup
                    && state_before != Some(super::backup::drive_state(&tx)?)
                {
                    auto.take_during(&tx, "merge", state_before.as_deref())?;
                }
                tx.commit()?;
            }
            Ok(MergeReport { dry_run, ..report })
        })();
        let restored =
            if work_tables_on_disk { self.conn.execute_batch("PRAGMA temp_store = DEFAULT") } else { Ok(()) }
                .and_then(|()| self.conn.pragma_update(Some("main"), "cache_size", super::READ_CACHE_KIB))
                .and_then(|()| self.conn.pragma_update(Some("temp"), "cache_size", super::READ_CACHE_KIB));
        self.conn.execute("DETACH DATABASE other", [])?;
        restored?;
        result
    }
}

/// Whether a merge of this report is one of a file that shares no history with this drive, which takes
/// `--no-common-history` (`StoreError::MergeNoCommonHistory`): not a file with no pupil (nothing to merge, said so),
/// nor this drive empty (taking the copy it was handed, which counts as shared history).
pub fn refused_unrelated(r: &MergeReport) -> bool {
    !r.shared_history && !r.other_has_no_pupils
}

/// What `Store::merge_from_judged` hands the pupils whose family payment the merge brings, a batch at a time.
pub type Brought<'a> = dyn FnMut(&[crate::domain::student::Student]) + 'a;

/// What a merge knows of both files while it walks their pupils.
struct Sides {
    our_current: Option<i32>,
    their_current: Option<i32>,
    our_first: Option<i32>,
    their_first: Option<i32>,
    /// Our last audit row before the merge: the rows it writes are not our history.
    our_high_water: i64,
    /// Which rows of each file are copies (see `CopiedRows`).
    our_copied: CopiedRows,
    their_copied: CopiedRows,
    their_classes: TheirClasses,
    year_starts: YearStarts,
    /// Each file's own starts of a year (`own_starts`), ours first: which insured year a class change was made in.
    own_starts: (Vec<OwnStart>, Vec<OwnStart>),
}

/// A start of a year (`year new`) a file's own laptop made: its row in the log, its instant, the year started.
type OwnStart = (i64, String, i32);

impl Sides {
    /// The insured year a change of `ours`' side or theirs was made in: the last year that side's laptop
    /// started before it (in its log, for a row the laptop wrote; by instant, for one a merge copied in), else
    /// its first. A class row carries no year, and a laptop still in last year changes last year's class, not
    /// the one this drive has promoted into since; a change made in the second of a start is told apart.
    fn made_in(&self, ours: bool, e: &Event) -> Option<i32> {
        let (starts, first) =
            if ours { (&self.own_starts.0, self.our_first) } else { (&self.own_starts.1, self.their_first) };
        let (row, copied) = e.row;
        let before = |(id, at, _): &&OwnStart| if copied { super::instant::cmp(at, &e.at).is_le() } else { *id < row };
        starts.iter().filter(before).map(|(_, _, y)| *y).max().or(first)
    }
}

/// The starts of a year file `db`'s laptop made (`year new`) or held when copied, not those a merge copied in.
fn own_starts(tx: &Transaction, db: &str, copied: &CopiedRows) -> Result<Vec<OwnStart>> {
    let mut stmt = tx.prepare(&format!(
        "SELECT id, at, CAST(new AS INTEGER) FROM {db}.audit
         WHERE action = 'year' AND field = 'year' AND student_id IS NULL ORDER BY id"
    ))?;
    let rows =
        stmt.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, Option<i32>>(2)?)))?;
    let mut starts = Vec::new();
    for row in rows {
        if let (id, at, Some(year)) = row?
            && copied.run_of(id).is_none()
        {
            starts.push((id, at, year));
        }
    }
    Ok(starts)
}

/// Which of their class changes speak for our current year. A pupil's class belongs to an insured year: a
/// laptop that has started the next year (`year new --promote`) holds next year's classes, and they must not
/// move our pupils up a grade while we are still in this one (our own promotion would then move them a second
/// time); a laptop still in last year must not move our promoted pupils back.
enum TheirClasses {
    /// Both files are in the same year.
    All,
    /// They are in a later year: only their changes before this instant (their start of a year after ours),
    /// and their values as of our year.
    Before(String),
    /// They are in an earlier year, or all their history is in later years than ours.
    None,
}

fn their_classes(
    tx: &Transaction,
    ours: Option<i32>,
    theirs: Option<i32>,
    their_first: Option<i32>,
) -> Result<TheirClasses> {
    let (Some(ours), Some(theirs)) = (ours, theirs) else { return Ok(TheirClasses::All) };
    if theirs == ours {
        return Ok(TheirClasses::All);
    }
    if theirs < ours || their_first.is_some_and(|first| first > ours) {
        return Ok(TheirClasses::None);
    }
    let starts: Vec<String> = tx
        .prepare(
            "SELECT at FROM other.audit
             WHERE action = 'year' AND field = 'year' AND CAST(new AS INTEGER) > ?1",
        )?
        .query_map([ours], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(starts.into_iter().min_by(|a, b| super::instant::cmp(a, b)).map_or(TheirClasses::None, TheirClasses::Before))
}

/// Their pupil's grade and class in insured year `year` (one they have closed): kept in `year_statuses` when it
/// changed since, else the pupil's own.
fn their_class_in(tx: &Transaction, their_id: i64, year: i32) -> Result<Vec<Option<String>>> {
    let (grade, class) = tx.query_row(
        "SELECT CASE WHEN y.class IS NULL THEN s.grade ELSE y.grade END, COALESCE(y.class, s.class)
         FROM other.students s LEFT JOIN other.year_statuses y ON y.student_id = s.id AND y.year = ?2
         WHERE s.id = ?1",
        params![their_id, year],
        |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<String>>(1)?)),
    )?;
    Ok(vec![grade, class])
}

/// `drive`: this drive as the commands the report offers must name it (see `Store::command`).
fn merge_in(tx: &Transaction, ctx: &super::AuditContext, drive: Option<&Path>) -> Result<MergeReport> {
    drop_work_tables(tx)?;
    let (our_current, our_first) = years_of(tx, "main")?;
    let (their_current, their_first) = years_of(tx, "other")?;
    let our_high_water: i64 = tx.query_row("SELECT COALESCE(max(id), 0) FROM main.audit", [], |r| r.get(0))?;
    let their_classes = their_classes(tx, our_current, their_current, their_first)?;
    let (our_copied, their_copied) = (CopiedRows::read(tx, "main")?, CopiedRows::read(tx, "other")?);
    let own_starts = (own_starts(tx, "main", &our_copied)?, own_starts(tx, "other", &their_copied)?);
    let sides = Sides {
        own_starts,
        our_current,
        their_current,
        our_first,
        their_first,
        our_high_water,
        our_copied,
        their_copied,
        their_classes,
        year_starts: year_starts(tx)?,
    };
    // Read before any of their pupils is added to ours.
    let mut other_schools = super::merge_notes::other_schools(tx)?;
    unshared_events(tx)?;
    let (mut held_here, held_there) = super::merge_restored::hold_back(tx)?;
    let renamed_schools = super::merge_notes::renamed_schools(tx, &mut other_schools)?;
    let shared_history = super::merge_notes::shares_history(tx)?;
    let their_clock_ahead = super::merge_notes::their_clock_ahead(tx, &ctx.at)?;
    let our_clock_behind = super::merge_notes::our_clock_behind(tx, &ctx.at, &sides.our_copied)?;
    let renames = super::merge_renames::plan(tx, shared_history)?;
    let look_alikes = match_pupils(tx)?;
    let named_apart = named_apart(tx)?;
    // Before their pupils are copied: a number of ours one of them brings is given up first.
    let (mut taken_numbers, given_up) = settle_taken_numbers(tx, ctx)?;
    tx.execute_batch("CREATE TEMP TABLE merge_copied(theirs INTEGER PRIMARY KEY, ours INTEGER NOT NULL);")?;
    let added = copy_unpaired(tx, ctx, &sides)?;
    // A pupil our restore removed comes back whole, its history with it: no status without its rows.
    let mut restored_pupils_back = super::merge_restored::bring_back_removed(tx, &mut held_here)?;
    let removed_here = super::merge_restored::removed_here(tx, &restored_pupils_back)?;
    restored_pupils_back.extend(removed_here);
    let mut report = MergeReport {
        added,
        restored_pupils_back,
        named_apart,
        other_schools,
        renamed_schools,
        shared_history,
        their_clock_ahead,
        our_clock_behind,
        other_has_no_pupils: !tx.query_row("SELECT EXISTS (SELECT 1 FROM other.students)", [], |r| r.get(0))?,
        ..MergeReport::default()
    };
    let mut schools = tx.prepare(
        "SELECT DISTINCT sc.name FROM other.schools sc JOIN other.students s ON s.school_id = sc.id ORDER BY sc.name",
    )?;
    report.their_schools = schools.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    drop(schools);
    report.their_newest_change = tx.query_row("SELECT max(at) FROM other.audit", [], |r| r.get(0))?;
    let mut listed = tx.prepare("SELECT theirs, ours_n, theirs_n FROM temp.merge_ambiguous ORDER BY theirs")?;
    let mut rows = listed.query([])?;
    while let Some(row) = rows.next()? {
        let count = |i: usize| -> Result<usize> { Ok(usize::try_from(row.get::<_, i64>(i)?).unwrap_or_default()) };
        report.ambiguous.push(ambiguous(tx, row.get(0)?, count(1)?, count(2)?)?);
    }
    drop(rows);
    drop(listed);
    // Our pupils this merge changed, each counted once.
    let mut changed = settle_look_alikes(tx, ctx, &look_alikes, &mut report.alike_numbers)?;
    changed.extend(given_up);
    // The pupils paired with ours that their file has news of, one at a time: only they are read in full.
    let paired: i64 = tx.query_row("SELECT count(*) FROM temp.merge_pairs", [], |r| r.get(0))?;
    let mut walk = tx.prepare(
        "SELECT p.theirs, p.ours FROM temp.merge_pairs p
         WHERE EXISTS (SELECT 1 FROM temp.merge_their_new n WHERE n.student = p.theirs) ORDER BY p.theirs",
    )?;
    let mut rows = walk.query([])?;
    // Our pupils whose school was settled as a conflict: a rename is not followed over the newer change kept.
    let mut school_decided = std::collections::HashSet::new();
    while let Some(row) = rows.next()? {
        let found = (
            &mut report.conflicts,
            &mut report.decided_there,
            &mut taken_numbers,
            &mut report.payments_kept_over_later,
            &mut report.into_closed_years,
        );
        let ours: i64 = row.get(1)?;
        let joined = (&mut report.top_ups_joined, &mut report.leavers_across_year, &mut report.paid_apart);
        if settle_pupil(tx, ctx, &sides, (row.get(0)?, ours), found, &mut school_decided, joined)? {
            changed.insert(ours);
        }
    }
    drop(rows);
    drop(walk);
    report.updated += changed.len();
    report.into_closed_years.sort_by_key(|c| c.year);
    report.taken_numbers = taken_numbers;
    report.unchanged = usize::try_from(paired).unwrap_or_default().saturating_sub(report.updated);
    // Both histories kept: their events we lack, attached to the pupil they were paired with or copied as.
    let before: i64 = tx.query_row("SELECT COALESCE(max(id), 0) FROM main.audit", [], |r| r.get(0))?;
    report.audit_rows_copied = copy_history(tx, sides.their_first)?;
    record_copied(tx, our_high_water, before)?;
    // After their history, as the year's step came after the pupils' creation; this laptop's own rows.
    if let (Some(theirs), Some(ours)) = (sides.their_current, sides.our_current)
        && theirs < ours
        && report.added > 0
    {
        report.copied_into_later_year = Some(super::year::step_copied(tx, ctx, theirs, ours)?);
    }
    // A leaving the other laptop recorded in a year this drive has since closed holds in this year too.
    if let Some(ours) = sides.our_current {
        let closed: Vec<(i64, i32)> = report
            .into_closed_years
            .iter()
            .filter(|c| c.fields.iter().any(|f| f == "enrollment"))
            .map(|c| (c.student, c.year))
            .collect();
        if !closed.is_empty() {
            report.leavers_across_year.extend(super::year::carry_leavers(tx, ctx, ours, &closed)?);
        }
    }
    // A pupil settled as moved out by the other laptop's start of the year and then met again as its closed
    // year's leaver is one word, said once.
    let mut said = std::collections::HashSet::new();
    report.leavers_across_year.retain(|l| said.insert((l.year, l.id_number.clone())));
    // After their history: a move of a pupil copied from them comes after the rows that created it.
    let moved;
    (report.school_renames, moved) = super::merge_renames::follow(tx, ctx, renames, &school_decided, drive)?;
    // A pupil of ours the rename moved is updated as much as one the other file's changes moved; one copied
    // from them is counted as added.
    let mut is_pair = tx.prepare("SELECT EXISTS (SELECT 1 FROM temp.merge_pairs WHERE ours = ?1)")?;
    let mut is_copied = tx.prepare("SELECT EXISTS (SELECT 1 FROM temp.merge_copied WHERE ours = ?1)")?;
    for id in moved {
        if changed.contains(&id) || is_copied.query_row([id], |r| r.get::<_, bool>(0))? {
            continue;
        }
        report.updated += 1;
        if is_pair.query_row([id], |r| r.get::<_, bool>(0))? {
            report.unchanged = report.unchanged.saturating_sub(1);
        }
    }
    drop(is_pair);
    drop(is_copied);
    // Once every value this merge sets is set (a leaver carried into this year, a rename followed): a change the
    // restore took back that the merge made again holds once more, and is not listed as held back.
    report.restore_taken_back =
        super::merge_restored::list(tx, (held_here, held_there), (sides.our_current, sides.their_current))?;
    (report.receipts_copied, report.receipt_conflicts) = carry_receipts(tx)?;
    report.policies = super::merge_notes::settle_copies(tx, sides.our_current)?;
    report.policies.extend(super::merge_notes::carry_policies(tx, sides.our_current, sides.their_current)?);
    report.policies.extend(super::merge_notes::carry_year_copies(tx, sides.our_current, sides.their_current)?);
    drop_work_tables(tx)?;
    Ok(report)
}

/// The pupils `pair_look_alikes` paired: ours takes their valid number where it held the flagged one (audited
/// as a correction of the number, as an import's is), so both directions of a merge end with the valid number;
/// each pair is listed. Returns our pupils whose number was corrected.
fn settle_look_alikes(
    tx: &Transaction,
    ctx: &super::AuditContext,
    pairs: &[LookAlike],
    listed: &mut Vec<AlikeNumber>,
) -> Result<std::collections::HashSet<i64>> {
    let mut corrected = std::collections::HashSet::new();
    for pair in pairs {
        let ours = super::identity::snapshot(tx, pair.ours)?;
        let theirs = their_number(tx, pair.theirs, &ours)?;
        let (valid, flagged) = if pair.ours_flagged { (&theirs, &ours) } else { (&ours, &theirs) };
        if pair.ours_flagged {
            match super::identity::write(tx, ctx, pair.ours, &ours, &theirs) {
                Ok(_) => {
                    corrected.insert(pair.ours);
                }
                // Another of our pupils holds it: the two stay as they are, for the operator to see in `check`.
                Err(StoreError::IdTaken { .. }) => continue,
                Err(e) => return Err(e),
            }
        }
        listed.push(AlikeNumber {
            name: ours.name.clone(),
            class: crate::domain::class_label::join(&ours.grade, &ours.class),
            id_number: valid.id_number.clone(),
            flagged: flagged.id_number.clone(),
            ours_flagged: pair.ours_flagged,
        });
    }
    Ok(corrected)
}

/// One paired pupil their file has news of: each group of fields goes to the side that changed it last, a
/// change both sides made since they last agreed is listed as a conflict. Returns whether ours changed.
fn settle_pupil(
    tx: &Transaction,
    ctx: &super::AuditContext,
    sides: &Sides,
    (their_id, our_id): (i64, i64),
    (conflicts, decided_there, taken, payments_kept, into_closed): (
        &mut Vec<Conflict>,
        &mut Vec<Conflict>,
        &mut Vec<NumberTaken>,
        &mut usize,
        &mut Vec<ClosedYearChange>,
    ),
    school_decided: &mut std::collections::HashSet<i64>,
    (top_ups_joined, leavers, paid_apart): (
        &mut Vec<TopUpsJoined>,
        &mut Vec<super::year::LeaverAcrossYear>,
        &mut Vec<PaidApart>,
    ),
) -> Result<bool> {
    let their_history = history(
        tx,
        ("other", &sides.their_copied),
        &sides.year_starts,
        "merge_their_new",
        their_id,
        i64::MAX,
        sides.their_first,
    )?;
    let our_history = history(
        tx,
        ("main", &sides.our_copied),
        &sides.year_starts,
        "merge_our_new",
        our_id,
        sides.our_high_water,
        sides.our_first,
    )?;
    let (id_number, name): (String, String) =
        tx.query_row("SELECT id_number, name FROM main.students WHERE id = ?1", [our_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    // Each insured year's changes apart: a yearly group is settled once per year either side has a change
    // for, so one laptop's 2027 statuses never overwrite the other's 2028 ones.
    let mut changes: Vec<(Option<i32>, FieldChange)> = Vec::new();
    let mut found: Vec<Found> = Vec::new();
    let mut statuses: Vec<Decided> = Vec::new();
    // The insured years whose recorded payment stood over a later change: one payment each, however it stood.
    let mut kept_years: std::collections::BTreeSet<Option<i32>> = std::collections::BTreeSet::new();
    // The year two promotions started that moved the pupil out as 已离校 on one side and up a grade on the
    // other, and whether theirs won (`moved_apart`).
    let mut moved_out_apart: Option<(i32, bool)> = None;
    for group in GROUPS {
        let yearly = group.iter().all(|f| f.is_yearly());
        let mut years: Vec<Option<i32>> = vec![None];
        if yearly {
            years = their_history.iter().chain(&our_history).map(|e| e.year).collect();
            years.sort_unstable();
            years.dedup();
        } else if group.contains(&Field::Categories) {
            // Categories are the pupil's (settled on the pupil row, as ever), but a change they made in a year
            // this drive has closed since was that year's too: settled again for that year's own categories,
            // which its forms and counts (`--year`) read. A row without a year is the pupil's only.
            let closed = |e: &&Event| e.unshared && e.field == Field::Categories.key();
            let ours = sides.our_current;
            years.extend(their_history.iter().filter(closed).map(|e| e.year).filter(|y| y.is_some() && ours > *y));
            years.sort_unstable();
            years.dedup();
        } else if group.contains(&Field::Class) {
            // A class change they made in a year this drive has closed since (a laptop still in last year) is
            // that year's class: settled again for the class the closed year keeps, which its forms read.
            let ours = sides.our_current;
            years.extend(
                their_history
                    .iter()
                    .filter(|e| e.unshared && deliberate_class(e))
                    .map(|e| sides.made_in(false, e))
                    .filter(|y| y.is_some() && ours > *y),
            );
            years.sort_unstable();
            years.dedup();
        }
        // Their class changes made in a later insured year than ours are not ours to take (see TheirClasses).
        let (class_before, no_class_now) = match (group.contains(&Field::Class), &sides.their_classes) {
            (false, _) | (true, TheirClasses::All) => (None, false),
            (true, TheirClasses::Before(at)) => (Some(at.as_str()), false),
            (true, TheirClasses::None) => (None, true),
        };
        for year in years {
            // A closed year's class: the changes each side made while in that year, none of a promotion.
            let closed_class = year.filter(|_| group.contains(&Field::Class));
            if closed_class.is_none() && no_class_now {
                continue;
            }
            if let Some(closed) = closed_class
                && !in_closed_year(tx, our_id, closed)?
            {
                continue;
            }
            let of_side = |ours: bool, e: &Event| match closed_class {
                Some(closed) => deliberate_class(e) && sides.made_in(ours, e) == Some(closed),
                None => (!yearly && year.is_none()) || e.year == year,
            };
            let in_year = |e: &Event| of_side(true, e);
            let theirs_in = |e: &Event| {
                of_side(false, e)
                    && (closed_class.is_some() || class_before.is_none_or(|b| super::instant::cmp(&e.at, b).is_lt()))
            };
            let sets = |e: &Event| theirs_in(e) && (group.iter().any(|f| f.key() == e.field) || e.field == "created");
            // Nothing of theirs that could set this group is new to us (copies of one drive, mostly): nothing to
            // decide, and no value need be read.
            if their_history.iter().all(|e| !sets(e) || !e.unshared) {
                continue;
            }
            let values = |db: &str, student: i64, current: Option<i32>| -> Result<Vec<Option<String>>> {
                group.iter().map(|&f| Ok(value(tx, db, student, f, year, current)?.flatten())).collect()
            };
            let theirs_values = match (class_before, sides.our_current) {
                (Some(_), Some(our_year)) if closed_class.is_none() => their_class_in(tx, their_id, our_year)?,
                _ => values("other", their_id, sides.their_current)?,
            };
            let ours_values = values("main", our_id, sides.our_current)?;
            if group.contains(&Field::CategoriesYear) && certified_later(&ours_values, &theirs_values, sides) {
                continue;
            }
            // The newest event that set this group on one side: a change to any of its fields, or a creation row
            // when the values it gave are still there to speak for.
            let (Some(their_last), our_last) = (
                last_setting(&their_history, group, &theirs_values, &theirs_in),
                last_setting(&our_history, group, &ours_values, &in_year),
            ) else {
                continue;
            };
            // Categories are a set, united rather than replaced: a change of theirs we lack tells us something
            // even when a copy of ours is their newest (of one second, the copy comes later in their log, and the
            // union their merge wrote is no event of its history), and one of ours they lack is to be united.
            let categories = group.contains(&Field::Categories);
            let apart = |history: &[Event], of_side: &dyn Fn(&Event) -> bool| {
                history.iter().any(|e| {
                    of_side(e) && e.unshared && (group.iter().any(|f| f.key() == e.field) || e.field == "created")
                })
            };
            // So are a payment's top-ups: their merge may have added ours to theirs (`join_top_ups`), and its newest
            // change is then a copy of our top-up, while the sum is news here.
            let topped_up = group.contains(&Field::Payment)
                && theirs_values != ours_values
                && their_history.iter().any(|e| theirs_in(e) && e.unshared && e.top_up.is_some());
            // A payment each laptop marked apart, which the other laptop's merge named (`paid_apart`) and which
            // its file now holds with ours: said here too, the operator of this laptop being the other who took
            // money. Whether their merge kept their payment or ours, nothing else here would say it.
            if group.contains(&Field::Payment)
                && let Some(own) = paid_apart_there(
                    (&their_history, &theirs_in),
                    (&our_history, &in_year),
                    (&theirs_values, &ours_values),
                )
            {
                paid_apart.push(PaidApart::of((&id_number, &name, year), PAYMENT_GROUP.as_slice(), &ours_values, &own));
            }
            let theirs_new = their_last.unshared || (categories && apart(&their_history, &theirs_in)) || topped_up;
            if !theirs_new {
                continue; // We already have their latest change to this group.
            }
            let ours_unseen = our_last.is_some_and(|o| o.unshared) || (categories && apart(&our_history, &in_year));
            let stays = match our_last.filter(|o| o.unshared && group.contains(&Field::Class)) {
                Some(o) => {
                    stays_in_class(tx, sides, (their_id, our_id), (&their_history, their_last), (&our_history, o))?
                }
                None => None,
            };
            if let Some(s) = stays.as_ref().filter(|s| s.up_is_ours) {
                // The group is [grade, class].
                let part = |i: usize| ours_values.get(i).cloned().flatten().unwrap_or_default();
                let (grade, class) = (part(0), part(1));
                leavers.push(super::year::LeaverAcrossYear {
                    year: s.into - 1,
                    id_number: id_number.clone(),
                    name: name.clone(),
                    class: crate::domain::class_label::join(&grade, &class),
                    kept_because: Some("marked_this_year"),
                    left_here: false,
                });
            }
            // Our newest change is in their history too: they chose theirs over it, so theirs came after it
            // (in their log, whatever the two clocks say).
            let by_time = our_last.is_none_or(|o| {
                !o.unshared
                    || bare_creation(their_last, o).unwrap_or_else(|| {
                        group
                            .contains(&Field::Class)
                            .then(|| {
                                stays
                                    .as_ref()
                                    .map(|s| !s.up_is_ours)
                                    .or_else(|| class_decision(&their_history, their_last, &our_history, o))
                            })
                            .flatten()
                            .unwrap_or_else(|| newer_or_greater(their_last, o, (&theirs_values, &ours_values)))
                    })
            });
            // Made apart, a recorded payment stands whichever change is newer (`payment_stands`).
            let stands = (ours_unseen && group.contains(&Field::Payment))
                .then(|| payment_stands(&theirs_values, &ours_values))
                .flatten()
                .filter(|&theirs_recorded| {
                    if theirs_recorded {
                        recorded_apart(&their_history, &theirs_in)
                    } else {
                        recorded_apart(&our_history, &in_year)
                    }
                });
            // Made apart, the tax office's record of a payment stands over the same payment recorded by hand.
            let tax_stands = (stands.is_none() && ours_unseen && group.contains(&Field::Payment))
                .then(|| {
                    tax_record_stands(
                        (&their_history, &theirs_in),
                        (&our_history, &in_year),
                        (&theirs_values, &ours_values),
                    )
                })
                .flatten();
            let they_win = stands.or(tax_stands).unwrap_or(by_time);
            // Ours moved the pupil out, theirs up a grade, and the year has seen them: back in their class, said
            // with why, where the class conflict alone read as the other laptop undoing this one's leaving.
            if let Some(s) = stays.as_ref().filter(|s| !s.up_is_ours && they_win) {
                let part = |i: usize| theirs_values.get(i).cloned().flatten().unwrap_or_default();
                let (grade, class) = (part(0), part(1));
                leavers.push(super::year::LeaverAcrossYear {
                    year: s.into - 1,
                    id_number: id_number.clone(),
                    name: name.clone(),
                    class: crate::domain::class_label::join(&grade, &class),
                    kept_because: Some("marked_this_year"),
                    left_here: true,
                });
            }
            // Ours seen there too: their merge weighed the two promotions, and theirs won.
            if let Some(into) = our_last
                .filter(|_| group.contains(&Field::Class))
                .and_then(|o| moved_apart(&their_history, their_last, &our_history, o))
            {
                moved_out_apart = Some((into, they_win));
            }
            // Ours seen there, their merge kept their payment over our later change: said here as it was there.
            let stood_there = our_last.is_some_and(|o| {
                !ours_unseen
                    && group.contains(&Field::Payment)
                    && payment_stands(&theirs_values, &ours_values) == Some(true)
                    && newer(o, their_last)
            });
            let over_later = stands.is_some_and(|s| s != by_time);
            let payment_kept = (over_later || stood_there).then(|| PaymentStatus::Paid.code().to_owned());
            // Ours seen there and later than theirs, yet their merge kept their enrollment: ours contradicts the
            // payment they hold (`keep_the_payment` there), which is said here as it was there, and counted.
            let against_their_payment = match our_last {
                Some(o) if group.contains(&Field::Enrollment) && !ours_unseen && newer(o, their_last) => {
                    let payment = value(tx, "other", their_id, Field::Payment, year, sides.their_current)?.flatten();
                    let standing = crate::domain::coverage::Standing::new(
                        ours_values[0].as_deref().and_then(Enrollment::from_code).unwrap_or(Enrollment::Unknown),
                        payment.as_deref().and_then(PaymentStatus::from_code).unwrap_or(PaymentStatus::Unpaid),
                    );
                    payment.filter(|_| standing.payment_contradicts_enrollment())
                }
                _ => None,
            };
            let mut said_there = false;
            if group.contains(&Field::Categories) && ours_unseen && theirs_values != ours_values {
                let united =
                    unite_categories(tx, sides, (their_id, our_id), (&theirs_values, &ours_values), they_win, year)?;
                for ((field, value), held) in
                    [Field::Categories, Field::CategoriesYear].into_iter().zip(united.values).zip(&ours_values)
                {
                    if value != *held {
                        changes.push((year, FieldChange::new_owned(field, value)));
                    }
                }
                for (conflict, record) in united.conflicts {
                    let conflict = Conflict { id_number: id_number.clone(), name: name.clone(), ..conflict };
                    found.push(Found { group, year, conflict, record, there: false });
                }
                continue;
            }
            let grade_at = group.iter().position(|f| *f == Field::Grade);
            // A class conflict's grades, the kept side's first (`theirs_kept`): a class is never said without its grade.
            let class_grades = |field: Field, theirs_kept: bool| {
                let grade = |values: &[Option<String>]| grade_at.and_then(|i| values.get(i).cloned().flatten());
                (field == Field::Class && grade_at.is_some()).then(|| {
                    let (theirs, ours) = (grade(&theirs_values), grade(&ours_values));
                    if theirs_kept { [theirs, ours] } else { [ours, theirs] }
                })
            };
            // The tax office's record of a payment (a reconciliation's) replaced by a change no list made: the
            // newer change wins as any does, but the operator hears that it was the tax office's record that lost.
            let tax_lost =
                |kept: &Event, lost: &Event| group.contains(&Field::Payment) && lost.reconciled && !kept.reconciled;
            // Top-ups of one part payment recorded apart on both laptops: every one of them is kept, added up,
            // and the group is no conflict (the newer side's date and channel go with the sum).
            let joined = (ours_unseen && group.contains(&Field::Payment))
                .then(|| {
                    join_top_ups((&their_history, &theirs_in), (&our_history, &in_year), (&theirs_values, &ours_values))
                })
                .flatten();
            // One side's payment the other's topped up by hand: the top-ups stand, no conflict.
            let built_on = (joined.is_none() && ours_unseen && group.contains(&Field::Payment))
                .then(|| {
                    built_on_by_top_ups(
                        (&their_history, &theirs_in),
                        (&our_history, &in_year),
                        (&theirs_values, &ours_values),
                    )
                })
                .flatten();
            if let Some(theirs_kept) = built_on {
                for ((&field, theirs_value), ours_value) in group.iter().zip(&theirs_values).zip(&ours_values) {
                    if theirs_kept && theirs_value != ours_value {
                        changes.push((year, FieldChange::new_owned(field, theirs_value.clone())));
                    }
                }
                statuses.push(Decided {
                    group,
                    year,
                    theirs: theirs_values,
                    ours: ours_values,
                    they_win: theirs_kept,
                    their_at: their_last.at.clone(),
                    our_at: our_last.map(|o| o.at.clone()),
                    stood: false,
                });
                continue;
            }
            if joined.is_none()
                && tax_stands.is_none()
                && ours_unseen
                && group.contains(&Field::Payment)
                && made_apart::paid_apart(
                    (&their_history, &theirs_in),
                    (&our_history, &in_year),
                    (&theirs_values, &ours_values),
                )
            {
                paid_apart.push(PaidApart::of((&id_number, &name, year), group, &ours_values, &theirs_values));
            }
            if let Some(j) = &joined {
                top_ups_joined.push(TopUpsJoined {
                    id_number: id_number.clone(),
                    name: name.clone(),
                    year,
                    ..j.clone()
                });
            }
            // Top-ups joined are one payment of their sum: where one side's record of it is the tax office's and
            // the other's a bare hand top-up, the list's date and channel stand, as they do over a hand top-up of
            // the same amount (`tax_record_stands`), not the newer side's.
            let dated_by_theirs = joined
                .as_ref()
                .and_then(|_| {
                    made_apart::tax_dated(
                        (&their_history, &theirs_in),
                        (&our_history, &in_year),
                        (&theirs_values, &ours_values),
                    )
                })
                .unwrap_or(they_win);
            for ((&field, theirs_value), ours_value) in group.iter().zip(&theirs_values).zip(&ours_values) {
                let key = field.key();
                if let Some(j) = joined.as_ref() {
                    let kept = match field {
                        Field::PaidAmount => Some(j.total_fen.to_string()),
                        _ if dated_by_theirs => theirs_value.clone(),
                        _ => ours_value.clone(),
                    };
                    if kept != *ours_value {
                        changes.push((year, FieldChange::new_owned(field, kept)));
                    }
                    continue;
                }
                if ours_unseen && theirs_value != ours_value {
                    let our_last = our_last.unwrap_or(their_last);
                    let (kept_event, lost_event) =
                        if they_win { (their_last, our_last) } else { (our_last, their_last) };
                    let (kept, kept_at, lost, lost_at) = if they_win {
                        (theirs_value.clone(), their_last.at.clone(), ours_value.clone(), our_last.at.clone())
                    } else {
                        (ours_value.clone(), our_last.at.clone(), theirs_value.clone(), their_last.at.clone())
                    };
                    let conflict = Conflict {
                        id_number: id_number.clone(),
                        name: name.clone(),
                        field: key.into(),
                        kept,
                        kept_at,
                        lost,
                        lost_at,
                        payment_kept: payment_kept.clone(),
                        grades: class_grades(field, they_win),
                        tax_record_lost: tax_lost(kept_event, lost_event),
                        tax_record_kept: tax_stands.is_some(),
                        kept_undone: kept_event.undo,
                        kept_by: kept_event.operator.clone(),
                        lost_by: lost_event.operator.clone(),
                    };
                    found.push(Found { group, year, conflict, record: !they_win, there: false });
                }
                // Theirs made after they held our tax record (merged, then changed there): it wins, as a later change
                // does, with no conflict to decide; said all the same, the list's value no longer on either laptop.
                if let Some(o) = our_last
                    .filter(|o| they_win && !ours_unseen && theirs_value != ours_value && tax_lost(their_last, o))
                    && !super::merge_notes::lost_there(
                        tx,
                        their_id,
                        key,
                        ours_value.as_deref(),
                        theirs_value.as_deref(),
                    )?
                {
                    let conflict = Conflict {
                        id_number: id_number.clone(),
                        name: name.clone(),
                        field: key.into(),
                        kept: theirs_value.clone(),
                        kept_at: their_last.at.clone(),
                        lost: ours_value.clone(),
                        lost_at: o.at.clone(),
                        payment_kept: None,
                        grades: None,
                        tax_record_lost: true,
                        tax_record_kept: false,
                        kept_undone: their_last.undo,
                        kept_by: their_last.operator.clone(),
                        lost_by: o.operator.clone(),
                    };
                    found.push(Found { group, year, conflict, record: false, there: false });
                }
                // Ours seen there and weighed by their merge, which kept theirs: their operator was told, ours is.
                if let Some(o) = our_last.filter(|_| they_win && !ours_unseen && theirs_value != ours_value)
                    && super::merge_notes::lost_there(
                        tx,
                        their_id,
                        key,
                        ours_value.as_deref(),
                        theirs_value.as_deref(),
                    )?
                {
                    decided_there.push(Conflict {
                        id_number: id_number.clone(),
                        name: name.clone(),
                        field: key.into(),
                        kept: theirs_value.clone(),
                        kept_at: their_last.at.clone(),
                        lost: ours_value.clone(),
                        lost_at: o.at.clone(),
                        payment_kept: payment_kept.clone().filter(|_| stood_there).or(against_their_payment.clone()),
                        grades: class_grades(field, true),
                        tax_record_lost: false,
                        tax_record_kept: false,
                        kept_undone: their_last.undo,
                        kept_by: their_last.operator.clone(),
                        lost_by: o.operator.clone(),
                    });
                    said_there |= stood_there || against_their_payment.is_some();
                }
                if they_win && theirs_value != ours_value {
                    changes.push((year, FieldChange::new_owned(field, theirs_value.clone())));
                }
            }
            if over_later || said_there {
                kept_years.insert(year);
            }
            if group.contains(&Field::Enrollment) || group.contains(&Field::Payment) {
                statuses.push(Decided {
                    group,
                    year,
                    theirs: theirs_values,
                    ours: ours_values,
                    they_win,
                    their_at: their_last.at.clone(),
                    our_at: our_last.map(|o| o.at.clone()),
                    stood: stands.is_some(),
                });
            }
        }
    }
    if let Some((into, true)) = moved_out_apart {
        follow_the_promotion(tx, sides, (their_id, our_id), (&their_history, &our_history), into, &mut changes)?;
    }
    let pupil = Pupil { our_id, their_id, id_number: &id_number, name: &name };
    let moved_this_year =
        carry_closed_class(tx, sides, &pupil, (&their_history, &our_history), &mut changes, &mut found)?;
    keep_the_payment(tx, sides, &pupil, (&their_history, &our_history), &statuses, &mut changes, &mut found)?;
    // An enrollment made later than the payment and not applied because it contradicts it (only
    // `keep_the_payment` names a payment on an enrollment's conflict): the payment stood over that later change
    // as much as over a later 未缴费, and the summary counts both.
    for f in &found {
        let against = f.group.contains(&Field::Enrollment) && f.conflict.payment_kept.is_some();
        if against && super::instant::cmp(&f.conflict.lost_at, &f.conflict.kept_at).is_gt() {
            kept_years.insert(f.year);
        }
    }
    *payments_kept += kept_years.len();
    // A categories change made in a year closed here since is settled on the pupil row and again for that year:
    // the same two changes, one conflict, said once (the lost value is recorded in each).
    let categories = Field::Categories.key();
    let on_the_pupil: Vec<(String, String)> = found
        .iter()
        .filter(|f| f.year.is_none() && !f.there && f.conflict.field == categories)
        .map(|f| (f.conflict.kept_at.clone(), f.conflict.lost_at.clone()))
        .collect();
    for Found { year, conflict, record, there, .. } in found {
        let said = year.is_some()
            && !there
            && conflict.field == categories
            && on_the_pupil.contains(&(conflict.kept_at.clone(), conflict.lost_at.clone()));
        if conflict.field == Field::School.key() {
            school_decided.insert(our_id);
        }
        if there {
            decided_there.push(conflict);
            continue;
        }
        if record {
            // Record the value that lost, so nobody's entry disappears without a trace.
            let ctx = super::AuditContext { year: year.or(ctx.year), ..ctx.clone() };
            ctx.write(
                tx,
                Some(our_id),
                &id_number,
                &format!("{}{LOST}", conflict.field),
                conflict.lost.as_deref(),
                conflict.kept.as_deref(),
            )?;
        }
        if !said {
            conflicts.push(conflict);
        }
    }
    // A reveal's row names the ID number as its field (see `history`): it is no change of the number.
    let numbered = settle_number(
        tx,
        ctx,
        (our_id, their_id),
        (&their_history, &our_history),
        (&id_number, &name),
        (conflicts, decided_there, taken),
    )?;
    if changes.is_empty() {
        return Ok(numbered);
    }
    // Before they are applied: the class a closed year keeps is read as it was.
    let closed: std::collections::BTreeSet<i32> =
        changes.iter().filter_map(|(y, _)| y.filter(|y| sides.our_current.is_some_and(|c| *y < c))).collect();
    for year in closed {
        // Categories the pupil row takes too are seen on this year's roster (to certify again): not said here.
        // Their certification year goes with them, one field to the reader.
        let on_roster = changes.iter().any(|(y, c)| y.is_none() && fields::kept_per_closed_year(c.field));
        let named: Vec<String> = changes
            .iter()
            .filter(|(y, c)| *y == Some(year) && c.field != Field::CategoriesYear)
            .filter(|(_, c)| !(on_roster && c.field == Field::Categories))
            .map(|(_, c)| c.field.key().to_owned())
            .collect();
        if named.is_empty() {
            continue;
        }
        let class = our_class_in(tx, our_id, year)?;
        // A class change is said with the class it made, and this year's class it moved (`carry_closed_class`).
        let class_changed = changes.iter().any(|(y, c)| *y == Some(year) && fields::class_of_year(c.field));
        let class_now = match class_changed {
            true => {
                let now = |field: Field| -> Result<String> {
                    match changes.iter().find(|(y, c)| *y == Some(year) && c.field == field) {
                        Some((_, c)) => Ok(c.value.clone().unwrap_or_default()),
                        None => Ok(value(tx, "main", our_id, field, Some(year), sides.our_current)?
                            .flatten()
                            .unwrap_or_default()),
                    }
                };
                Some(crate::domain::class_label::join(&now(Field::Grade)?, &now(Field::Class)?))
            }
            false => None,
        };
        into_closed.push(ClosedYearChange {
            year,
            id_number: id_number.clone(),
            name: name.clone(),
            class,
            fields: named,
            class_now,
            moved_this_year: moved_this_year.clone().filter(|_| class_changed && Some(year + 1) == sides.our_current),
            student: our_id,
        });
    }
    apply_by_year(tx, ctx, our_id, &changes)?;
    Ok(true)
}

/// A class the other laptop changed in the year this drive closed last (`changes` takes it for that year), where
/// this drive's start of the current year promoted the pupil from the class it held then: the promotion is taken
/// again from the class corrected, as it would have been had the change come before it (三年级1班 corrected to
/// 三年级2班 makes this year's 四年级1班 四年级2班). A class of this year changed here since is kept and listed as
/// a conflict; one this merge settled itself (`changes` has this year's) is left to that. Returns this year's
/// class the pupil moved into, if the promotion moved them.
fn carry_closed_class(
    tx: &Transaction,
    sides: &Sides,
    pupil: &Pupil,
    (their_history, our_history): (&[Event], &[Event]),
    changes: &mut Vec<(Option<i32>, FieldChange)>,
    found: &mut Vec<Found>,
) -> Result<Option<String>> {
    let Some(current) = sides.our_current else { return Ok(None) };
    let year = current - 1;
    let taken = |f: Field| changes.iter().find(|(y, c)| *y == Some(year) && c.field == f).map(|(_, c)| c.value.clone());
    if taken(Field::Grade).is_none() && taken(Field::Class).is_none() {
        return Ok(None);
    }
    if changes.iter().any(|(y, c)| y.is_none() && fields::class_of_year(c.field)) {
        return Ok(None);
    }
    let held = |field: Field, year: Option<i32>| -> Result<String> {
        Ok(value(tx, "main", pupil.our_id, field, year, Some(current))?.flatten().unwrap_or_default())
    };
    let (old_grade, old_class) = (held(Field::Grade, Some(year))?, held(Field::Class, Some(year))?);
    let corrected = |f: Field, old: &str| taken(f).map_or_else(|| old.to_owned(), |v| v.unwrap_or_default());
    let (new_grade, new_class) = (corrected(Field::Grade, &old_grade), corrected(Field::Class, &old_class));
    let (now_grade, now_class) = (held(Field::Grade, None)?, held(Field::Class, None)?);
    let school: i64 =
        tx.query_row("SELECT school_id FROM main.students WHERE id = ?1", [pupil.our_id], |r| r.get(0))?;
    // The step this drive's `year new` took, a 六年级 into the school's own 七年级 where it teaches one.
    let promoted = |grade: &str, class: &str| -> Result<Option<(String, String)>> {
        Ok(match super::year::promotion_out_of(tx, school, year, (grade, class))? {
            crate::domain::class_label::Promotion::To { grade, class } => Some((grade, class)),
            _ => None,
        })
    };
    // Only a step up this drive took: a class that stays or leaves (毕业) is no promotion to take again.
    let (Some(from_old), Some(target)) = (promoted(&old_grade, &old_class)?, promoted(&new_grade, &new_class)?) else {
        return Ok(None);
    };
    let now = (now_grade, now_class);
    if now == target {
        return Ok(None);
    }
    if now == from_old {
        let moved = crate::domain::class_label::join(&target.0, &target.1);
        for (field, value) in [(Field::Grade, target.0), (Field::Class, target.1)] {
            let held = if field == Field::Grade { &now.0 } else { &now.1 };
            if *held != value {
                changes.push((None, FieldChange::new_owned(field, Some(value))));
            }
        }
        return Ok(Some(moved));
    }
    // This year's class was changed here since the promotion: ours stands, and the operator hears of theirs.
    let at = |history: &[Event], of: &dyn Fn(&Event) -> bool| {
        history.iter().rev().find(|e| deliberate_class(e) && of(e)).map(|e| e.at.clone()).unwrap_or_default()
    };
    let (kept_at, lost_at) = (
        at(our_history, &|e| sides.made_in(true, e) == Some(current)),
        at(their_history, &|e| sides.made_in(false, e) == Some(year)),
    );
    let conflict = Conflict {
        id_number: pupil.id_number.to_owned(),
        name: pupil.name.to_owned(),
        field: Field::Class.key().into(),
        kept: Some(now.1.clone()),
        kept_by: operator_at(our_history, &kept_at),
        kept_at,
        lost: Some(target.1.clone()),
        lost_by: operator_at(their_history, &lost_at),
        lost_at,
        payment_kept: None,
        grades: Some([Some(now.0), Some(target.0)]),
        tax_record_lost: false,
        tax_record_kept: false,
        kept_undone: false,
    };
    let group = GROUPS.into_iter().find(|g| g.contains(&Field::Class)).unwrap_or(&[]);
    // Recorded as lost: their change, copied after it, is then not this laptop's newest class of this year.
    found.push(Found { group, year: None, conflict, record: true, there: false });
    Ok(None)
}

/// Our pupil's class (grade and class joined) in insured year `year`, one this drive has closed: kept in
/// `year_statuses` when it changed since, else the pupil's own.
fn our_class_in(tx: &Transaction, our_id: i64, year: i32) -> Result<String> {
    let (grade, class): (Option<String>, Option<String>) = tx.query_row(
        "SELECT CASE WHEN y.class IS NULL THEN s.grade ELSE y.grade END, COALESCE(y.class, s.class)
         FROM main.students s LEFT JOIN main.year_statuses y ON y.student_id = s.id AND y.year = ?2
         WHERE s.id = ?1",
        params![our_id, year],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(crate::domain::class_label::join(&grade.unwrap_or_default(), &class.unwrap_or_default()))
}

/// Whether one of two payment groups (status, amount, date, channel) changed apart on the two laptops is a
/// payment recorded with its amount and the other not: `Some(true)` when theirs is, `Some(false)` when ours is.
/// That payment stands whichever change is newer: money collected, which the tax office will confirm, is not
/// undone by a change (未缴费, 财政代缴, a payment taken back) made on the other laptop without knowing of it. A
/// change made after the laptop held the payment is not made apart (see `CopiedRows`) and wins as any does; two
/// recorded payments (two amounts) go to the newer, listed as a conflict.
fn payment_stands(theirs: &[Option<String>], ours: &[Option<String>]) -> Option<bool> {
    let group = GROUPS.into_iter().find(|g| g.contains(&Field::Payment)).unwrap_or(&[]);
    let at = |field: Field| group.iter().position(|&f| f == field);
    let recorded = |values: &[Option<String>]| {
        let value = |field: Field| at(field).and_then(|i| values.get(i)).and_then(|v| v.as_deref());
        value(Field::Payment) == Some(PaymentStatus::Paid.code())
            && value(Field::PaidAmount).and_then(|a| a.parse::<i64>().ok()).is_some_and(|fen| fen > 0)
    };
    match (recorded(theirs), recorded(ours)) {
        (true, false) => Some(true),
        (false, true) => Some(false),
        _ => None,
    }
}

/// One side's history of a pupil, with which of its events are of the insured year being settled.
type SideHistory<'h> = (&'h [Event], &'h dyn Fn(&Event) -> bool);

/// The top-ups two laptops recorded apart on one part payment, joined (see `TopUpsJoined`), if that is what each
/// side's changes of the payment group the other lacks are: on both sides, each change of the amount is a top-up,
/// at least one, the payment is still 已缴费, and both sides' top-ups follow one amount held before. Anything
/// else (a correction of the amount, a tax list's amount, a payment cleared) is weighed as before, a conflict.
/// The same top-up copied back is a row both files hold, and is not counted again.
fn join_top_ups(
    (their_history, theirs_in): SideHistory,
    (our_history, ours_in): SideHistory,
    (theirs, ours): (&[Option<String>], &[Option<String>]),
) -> Option<TopUpsJoined> {
    let group = GROUPS.into_iter().find(|g| g.contains(&Field::Payment)).unwrap_or(&[]);
    let at = |field: Field| group.iter().position(|&f| f == field);
    let amount = |values: &[Option<String>]| -> Option<i64> {
        let paid = at(Field::Payment).and_then(|i| values.get(i)?.as_deref()) == Some(PaymentStatus::Paid.code());
        paid.then(|| at(Field::PaidAmount).and_then(|i| values.get(i)?.as_deref()?.parse().ok())).flatten()
    };
    let top_ups = |history: &[Event], in_year: &dyn Fn(&Event) -> bool| -> Option<Vec<i64>> {
        super::made_apart::top_ups_apart(
            history.iter().filter(|e| e.unshared && in_year(e)).map(|e| (e.field.as_str(), e.top_up)),
        )
    };
    let (their_top_ups, our_top_ups) = (top_ups(their_history, theirs_in)?, top_ups(our_history, ours_in)?);
    let (theirs_fen, ours_fen) = (amount(theirs)?, amount(ours)?);
    let (before_fen, total_fen) =
        super::made_apart::join_top_ups((theirs_fen, &their_top_ups), (ours_fen, &our_top_ups))?;
    Some(TopUpsJoined {
        id_number: String::new(),
        name: String::new(),
        year: None,
        before_fen,
        total_fen,
        same_amount: super::made_apart::same_amount(&their_top_ups, &our_top_ups),
        ours_fen: our_top_ups,
        theirs_fen: their_top_ups,
    })
}

/// Whether one side's payment is the other's topped up by hand (补缴): `Some(true)` when theirs is. One rule
/// with the push to the county: `made_apart::built_on_by_top_ups`.
fn built_on_by_top_ups(
    theirs: SideHistory,
    ours: SideHistory,
    values: (&[Option<String>], &[Option<String>]),
) -> Option<bool> {
    made_apart::built_on_by_top_ups(theirs, ours, values)
}

/// A payment the other laptop marked apart from ours (已缴费, the same amount, another date or channel) that its
/// merge of our file has met since (`made_apart::paid_apart`, said there): in their log, their own mark of the
/// status, which we lack, comes before the copy of our newest mark, which their merge brought in, and nothing of
/// theirs changed the status after it. Our merge of their file meets our mark as one they hold, so the rule of
/// two marks apart says nothing here, whichever payment their merge kept. Returns the payment their mark
/// recorded (values in `PAYMENT_GROUP` order): the rows it and the changes before the copy wrote, else the
/// values they hold.
fn paid_apart_there(
    (their_history, theirs_in): SideHistory,
    (our_history, ours_in): SideHistory,
    (theirs, ours): (&[Option<String>], &[Option<String>]),
) -> Option<Vec<Option<String>>> {
    let status = Field::Payment.key();
    let ours_mark = our_history.iter().rev().find(|e| ours_in(e) && e.field == status)?;
    if ours_mark.unshared || !ours_mark.local {
        return None;
    }
    let same = |e: &Event| e.at == ours_mark.at && e.origin == ours_mark.origin;
    let copy_at = their_history.iter().rposition(|e| theirs_in(e) && e.field == status)?;
    let copy = &their_history[copy_at];
    if copy.unshared || !copy.row.1 || !same(copy) {
        return None;
    }
    let mark = their_history[..copy_at].iter().rev().find(|e| theirs_in(e) && e.field == status)?;
    if !(mark.unshared && mark.local) {
        return None;
    }
    let mut own = theirs.to_vec();
    for e in their_history[..copy_at].iter().filter(|e| theirs_in(e) && e.unshared) {
        if let Some(i) = PAYMENT_GROUP.iter().position(|f| f.key() == e.field) {
            own[i] = e.new.clone();
        }
    }
    let at = |field: Field, values: &[Option<String>]| {
        PAYMENT_GROUP.iter().position(|&f| f == field).and_then(|i| values.get(i).cloned().flatten())
    };
    let paid = |values: &[Option<String>]| at(Field::Payment, values).as_deref() == Some(PaymentStatus::Paid.code());
    let differ = |field: Field| at(field, &own).filter(|v| !v.is_empty()) != at(field, ours).filter(|v| !v.is_empty());
    (paid(&own)
        && paid(ours)
        && at(Field::PaidAmount, &own) == at(Field::PaidAmount, ours)
        && (differ(Field::PaidOn) || differ(Field::PaidChannel)))
    .then_some(own)
}

/// Whether the payment a side holds was recorded apart from the other laptop: its newest change of the payment
/// status (or, with none, the pupil's creation) is one the other file lacks. A payment both laptops held was
/// known to a change that cleared it (a refund recorded on one laptop while the other fixed the channel): that
/// change wins as any does, by time, where it was overruled as made without knowing of the payment.
/// A top-up is money received too (`made_apart::receives_money`): one the other laptop lacks, after the newest
/// change of the status, makes the payment one recorded apart, so that a 未缴费 or 财政代缴 marked there, which
/// never saw that money, does not wipe it silently but is a conflict the payment stands over.
fn recorded_apart(history: &[Event], in_year: &dyn Fn(&Event) -> bool) -> bool {
    match history.iter().rev().find(|e| in_year(e) && super::made_apart::receives_money(&e.field, e.top_up.is_some())) {
        Some(e) => e.unshared,
        None => history.iter().any(|e| e.field == "created" && e.unshared),
    }
}

/// A conflict found while a pupil's groups are decided, written once they all are: `record` when ours won
/// and their value is to be kept in the audit log as lost; `there` when theirs won and the other file's own
/// merge already decided it so (listed in `decided_there`, not as a conflict of this merge).
struct Found {
    group: &'static [Field],
    year: Option<i32>,
    conflict: Conflict,
    record: bool,
    there: bool,
}

/// How one status group (enrollment, payment) of one insured year was decided: the values on each side, and
/// the newest change to it on each.
struct Decided {
    group: &'static [Field],
    year: Option<i32>,
    theirs: Vec<Option<String>>,
    ours: Vec<Option<String>>,
    they_win: bool,
    their_at: String,
    our_at: Option<String>,
    /// A payment recorded on one side stood over a change the other made apart (`payment_stands`).
    stood: bool,
}

/// The pupil being settled: our row, theirs, and how the report names them.
struct Pupil<'a> {
    our_id: i64,
    their_id: i64,
    id_number: &'a str,
    name: &'a str,
}

/// Enrollment and payment are decided apart, so a payment made on one laptop and a 不参保, 异地参保 or 已离校
/// marked on the other could end side by side, a pair `mark` refuses
/// (`Standing::payment_contradicts_enrollment`) and one the county would count as both declined and insured.
/// The payment stands (money collected, which the tax office will confirm); the enrollment that contradicts it
/// is not applied: the pupil keeps the enrollment of the side that took the payment, and the pair is listed as
/// a conflict naming the payment. A pair either laptop holds by itself (paid, then left school) is that
/// laptop's own word and stays. An 已离校 marked on one laptop apart from the other's payment is not applied,
/// whichever clock is later, as the county's push judges it (`Standing::made_apart_contradicts`, the one rule of
/// both): the conflict tells the operator to mark it again where the payment is held.
fn keep_the_payment(
    tx: &Transaction,
    sides: &Sides,
    pupil: &Pupil,
    (their_history, our_history): (&[Event], &[Event]),
    statuses: &[Decided],
    changes: &mut Vec<(Option<i32>, FieldChange)>,
    found: &mut Vec<Found>,
) -> Result<()> {
    let enrollment_group = GROUPS.into_iter().find(|g| g.contains(&Field::Enrollment)).unwrap_or(&[]);
    let payment_group = GROUPS.into_iter().find(|g| g.contains(&Field::Payment)).unwrap_or(&[]);
    let mut years: Vec<Option<i32>> = statuses.iter().map(|d| d.year).collect();
    years.sort_unstable();
    years.dedup();
    for year in years {
        let decided = |group: &[Field]| statuses.iter().find(|d| d.group == group && d.year == year);
        let (enrollment, payment) = (decided(enrollment_group), decided(payment_group));
        // A group not decided this year is as each side holds it.
        let values = |group: &[Field], d: Option<&Decided>, ours: bool| -> Result<Vec<Option<String>>> {
            match (d, ours) {
                (Some(d), true) => Ok(d.ours.clone()),
                (Some(d), false) => Ok(d.theirs.clone()),
                (None, true) => group
                    .iter()
                    .map(|&f| Ok(value(tx, "main", pupil.our_id, f, year, sides.our_current)?.flatten()))
                    .collect(),
                (None, false) => group
                    .iter()
                    .map(|&f| Ok(value(tx, "other", pupil.their_id, f, year, sides.their_current)?.flatten()))
                    .collect(),
            }
        };
        let (our_enrollment, their_enrollment) =
            (values(enrollment_group, enrollment, true)?, values(enrollment_group, enrollment, false)?);
        let (our_payment, their_payment) =
            (values(payment_group, payment, true)?, values(payment_group, payment, false)?);
        let status = |group: &[Field], field: Field, vals: &[Option<String>]| {
            group.iter().position(|&f| f == field).and_then(|i| vals.get(i).cloned().flatten())
        };
        let ours = (
            status(enrollment_group, Field::Enrollment, &our_enrollment),
            status(payment_group, Field::Payment, &our_payment),
        );
        let theirs = (
            status(enrollment_group, Field::Enrollment, &their_enrollment),
            status(payment_group, Field::Payment, &their_payment),
        );
        let (their_e, their_p) = (enrollment.is_some_and(|d| d.they_win), payment.is_some_and(|d| d.they_win));
        let merged = (
            if their_e { theirs.0.clone() } else { ours.0.clone() },
            if their_p { theirs.1.clone() } else { ours.1.clone() },
        );
        let standing = Standing::new(
            merged.0.as_deref().and_then(Enrollment::from_code).unwrap_or(Enrollment::Unknown),
            merged.1.as_deref().and_then(PaymentStatus::from_code).unwrap_or(PaymentStatus::Unpaid),
        );
        // A payment that stood over the other side's change keeps the enrollment it was taken with over a 未确认
        // from that side too: paid and 未确认 is a pair no mark makes, read as 在校参保 by the roster and the
        // counts and as 未确认 by the detail screen.
        let contradicts = standing.made_apart_contradicts(payment.is_some_and(|d| d.stood));
        if !contradicts || merged == ours || merged == theirs {
            continue;
        }
        let in_year = |e: &Event| e.year == year;
        let last_at = |history: &[Event], group: &[Field], vals: &[Option<String>]| {
            last_setting(history, group, vals, &in_year).map(|e| e.at.clone()).unwrap_or_default()
        };
        // The payment came from one side and the enrollment from the other (the pair is neither side's own).
        let (kept, lost, kept_at, lost_at) = if their_p {
            let lost_at = enrollment.and_then(|d| d.our_at.clone());
            let lost_at = lost_at.unwrap_or_else(|| last_at(our_history, enrollment_group, &our_enrollment));
            (&their_enrollment, &our_enrollment, payment.map(|d| d.their_at.clone()).unwrap_or_default(), lost_at)
        } else {
            let kept_at = payment.and_then(|d| d.our_at.clone());
            let kept_at = kept_at.unwrap_or_else(|| last_at(our_history, payment_group, &our_payment));
            let lost_at = enrollment.map(|d| d.their_at.clone());
            let lost_at = lost_at.unwrap_or_else(|| last_at(their_history, enrollment_group, &their_enrollment));
            (&our_enrollment, &their_enrollment, kept_at, lost_at)
        };
        // The kept side is the payment's: theirs when it came from their file.
        let (kept_history, lost_history) =
            if their_p { (their_history, our_history) } else { (our_history, their_history) };
        let (kept_by, lost_by) = (operator_at(kept_history, &kept_at), operator_at(lost_history, &lost_at));
        changes.retain(|(y, c)| *y != year || !enrollment_group.contains(&c.field));
        found.retain(|f| f.year != year || f.group != enrollment_group);
        for ((&field, kept), lost) in enrollment_group.iter().zip(kept).zip(lost) {
            if kept == lost {
                continue;
            }
            if their_p {
                changes.push((year, FieldChange::new_owned(field, kept.clone())));
            }
            let conflict = Conflict {
                id_number: pupil.id_number.to_owned(),
                name: pupil.name.to_owned(),
                field: field.key().into(),
                kept: kept.clone(),
                kept_at: kept_at.clone(),
                lost: lost.clone(),
                lost_at: lost_at.clone(),
                payment_kept: merged.1.clone(),
                grades: None,
                tax_record_lost: false,
                tax_record_kept: false,
                kept_undone: false,
                kept_by: kept_by.clone(),
                lost_by: lost_by.clone(),
            };
            // The payment came from their file, whose own merge already kept its enrollment over ours and
            // recorded ours as lost: their operator was told then, ours is told now that it is decided there.
            let there = their_p
                && super::merge_notes::lost_there(tx, pupil.their_id, field.key(), lost.as_deref(), kept.as_deref())?;
            found.push(Found { group: enrollment_group, year, conflict, record: !their_p, there });
        }
    }
    Ok(())
}

/// Our pupil's identity (`ours`) with the other file's pupil `their_id`'s number in it: the number, its kind and
/// problem, and the sex and birth date it gives.
fn their_number(tx: &Transaction, their_id: i64, ours: &super::IdentitySnapshot) -> Result<super::IdentitySnapshot> {
    Ok(tx.query_row(
        "SELECT id_raw, id_number, id_kind, id_problem, sex, birth_date FROM other.students WHERE id = ?1",
        [their_id],
        |r| {
            Ok(super::IdentitySnapshot {
                id_raw: r.get(0)?,
                id_number: r.get(1)?,
                id_kind: r.get(2)?,
                id_problem: r.get(3)?,
                sex: r.get(4)?,
                birth_date: r.get(5)?,
                ..ours.clone()
            })
        },
    )?)
}

/// The pupil's ID number, corrected on one laptop or both (a family's card, a corrected list, `E`): decided as a
/// group is, by its newest correction on each side. Returns whether ours changed. A number another of our pupils
/// holds is not taken: ours stays, the correction is recorded as lost and listed (`NumberTaken`). Ours replaced
/// by theirs because the other laptop's merge already let it lose is listed as decided there. Conflict values
/// are masked: the full numbers are in the history.
fn settle_number(
    tx: &Transaction,
    ctx: &super::AuditContext,
    (our_id, their_id): (i64, i64),
    (their_history, our_history): (&[Event], &[Event]),
    (id_number, name): (&str, &str),
    (conflicts, decided_there, taken): (&mut Vec<Conflict>, &mut Vec<Conflict>, &mut Vec<NumberTaken>),
) -> Result<bool> {
    let numbered = |e: &&Event| e.field == "id_number";
    let keys = ["id_number"];
    let Some(their_last) = newest(their_history.iter().filter(numbered), &keys).filter(|e| e.unshared) else {
        return Ok(false);
    };
    let our_last = newest(our_history.iter().filter(numbered), &keys);
    let ours = super::identity::snapshot(tx, our_id)?;
    let theirs = their_number(tx, their_id, &ours)?;
    if (&theirs.id_number, &theirs.id_problem) == (&ours.id_number, &ours.id_problem) {
        return Ok(false);
    }
    let ours_unseen = our_last.is_some_and(|o| o.unshared);
    let they_win =
        our_last.is_none_or(|o| !o.unshared || newer_or_greater(their_last, o, (&theirs.id_number, &ours.id_number)));
    if they_win {
        match super::identity::write(tx, ctx, our_id, &ours, &theirs) {
            Ok(_) => {}
            Err(StoreError::IdTaken { name: holder, class: holder_class, .. }) => {
                record_lost_number(tx, ctx, our_id, &theirs.id_number, &ours.id_number)?;
                taken.push(NumberTaken {
                    id_number: theirs.id_number.clone(),
                    name: name.to_owned(),
                    class: crate::domain::class_label::join(&ours.grade, &ours.class),
                    kept: ours.id_number.clone(),
                    holder,
                    holder_class,
                    corrected_here: false,
                });
                return Ok(false);
            }
            Err(e) => return Err(e),
        }
    }
    let masked = |s: &super::IdentitySnapshot| Some(crate::domain::id_number::mask(&s.id_number));
    // Our correction seen there and weighed by their merge, which kept theirs: their operator was told, ours is
    // told now, as the number is replaced here.
    if let Some(o) = our_last.filter(|_| they_win && !ours_unseen)
        && super::merge_notes::lost_there(tx, their_id, "id_number", Some(&ours.id_number), Some(&theirs.id_number))?
    {
        decided_there.push(Conflict {
            id_number: id_number.to_owned(),
            name: name.to_owned(),
            field: "id_number".into(),
            kept: masked(&theirs),
            kept_at: their_last.at.clone(),
            lost: masked(&ours),
            lost_at: o.at.clone(),
            payment_kept: None,
            grades: None,
            tax_record_lost: false,
            tax_record_kept: false,
            kept_undone: false,
            kept_by: their_last.operator.clone(),
            lost_by: o.operator.clone(),
        });
    }
    if ours_unseen || !they_win {
        let (kept, lost, kept_at, lost_at) = if they_win {
            (&theirs, &ours, their_last.at.clone(), our_last.map(|o| o.at.clone()).unwrap_or_default())
        } else {
            (&ours, &theirs, our_last.map_or_else(|| their_last.at.clone(), |o| o.at.clone()), their_last.at.clone())
        };
        let our_by = our_last.map(|o| o.operator.clone()).unwrap_or_default();
        let (kept_by, lost_by) =
            if they_win { (their_last.operator.clone(), our_by) } else { (our_by, their_last.operator.clone()) };
        conflicts.push(Conflict {
            id_number: id_number.to_owned(),
            name: name.to_owned(),
            field: "id_number".into(),
            kept: masked(kept),
            kept_at,
            lost: masked(lost),
            lost_at,
            payment_kept: None,
            grades: None,
            tax_record_lost: false,
            tax_record_kept: false,
            kept_undone: false,
            kept_by,
            lost_by,
        });
        if !they_win {
            record_lost_number(tx, ctx, our_id, &theirs.id_number, &ours.id_number)?;
        }
    }
    Ok(they_win)
}

/// Records number `lost` as one our pupil `our_id` did not take, keeping `kept`: nobody's correction disappears
/// without a trace.
fn record_lost_number(tx: &Transaction, ctx: &super::AuditContext, our_id: i64, lost: &str, kept: &str) -> Result<()> {
    ctx.write(tx, Some(our_id), kept, &format!("id_number{LOST}"), Some(lost), Some(kept))
}

/// Our pupils whose valid number a pupil of theirs brings whom the history keeps apart from them (see
/// `history_over_numbers`): one laptop corrected 王欣 to the number the other laptop gave 王新. The pupil holding
/// the number keeps it, here as there: ours, paired by its creation row, gives up the number and takes the one
/// their file holds for it, so their pupil is added with the number. Our correction to it is recorded as lost
/// and listed; a number ours held from before, which their laptop corrected away from it and gave their pupil,
/// is only their change arriving. Returns those listed, and every pupil of ours whose number changed.
fn settle_taken_numbers(tx: &Transaction, ctx: &super::AuditContext) -> Result<(Vec<NumberTaken>, Vec<i64>)> {
    let contested: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM temp.merge_contested)", [], |r| r.get(0))?;
    if !contested {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut stmt = tx.prepare(
        "SELECT a.id, p.theirs, b.name, b.grade, b.class,
                EXISTS (SELECT 1 FROM main.audit x WHERE x.student_id = a.id AND x.field = 'id_number'
                        AND x.action NOT IN ('reveal', 'merge') AND x.id IN (SELECT id FROM temp.merge_our_new))
                OR NOT EXISTS (SELECT 1 FROM temp.merge_their_new n JOIN other.audit y ON y.id = n.id
                               WHERE n.student = p.theirs AND y.field = 'id_number'
                                 AND y.action NOT IN ('reveal', 'merge'))
         FROM other.students b
         JOIN main.students a ON a.id_number = b.id_number AND a.id_problem IS NULL
         JOIN temp.merge_pairs p ON p.ours = a.id
         WHERE b.id_problem IS NULL AND b.id NOT IN (SELECT theirs FROM temp.merge_pairs)
         ORDER BY a.id",
    )?;
    let found = stmt
        .query_map([], |r| {
            let holder = (r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?);
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, holder, r.get::<_, bool>(5)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    drop(stmt);
    let (mut taken, mut changed) = (Vec::new(), Vec::new());
    for (ours_id, twin, (holder, grade, class), ours_corrected) in found {
        let ours = super::identity::snapshot(tx, ours_id)?;
        let theirs = their_number(tx, twin, &ours)?;
        // Their file holds the pupil with another number, which none of ours holds (else the twin would have
        // been paired by it, and the history not followed).
        super::identity::write(tx, ctx, ours_id, &ours, &theirs)?;
        changed.push(ours_id);
        if !ours_corrected {
            continue;
        }
        record_lost_number(tx, ctx, ours_id, &ours.id_number, &theirs.id_number)?;
        taken.push(NumberTaken {
            id_number: ours.id_number.clone(),
            name: ours.name.clone(),
            class: crate::domain::class_label::join(&ours.grade, &ours.class),
            kept: theirs.id_number.clone(),
            holder,
            holder_class: crate::domain::class_label::join(&grade, &class),
            corrected_here: true,
        });
    }
    Ok((taken, changed))
}

/// A side's `created` and `categories` rows for pupil `student` in file `db`, in log order, each with whether
/// the other file lacks it (`unshared`, a temp table of row ids), for [`category_union::steps`]; for a closed
/// insured year `year` (the file's current one being `current`), only the rows made in it, against that year's
/// own categories. Who made each row (`operators`, by instant and origin, as a step names its row) is added to
/// `operators`, so a conflict names the people of both laptops as any other does.
fn category_history(
    tx: &Transaction,
    (db, unshared): (&str, &str),
    student: i64,
    (up_to, year, current, first): (i64, Option<i32>, Option<i32>, Option<i32>),
    operators: &mut std::collections::HashMap<(String, String), String>,
) -> Result<std::collections::BTreeMap<String, category_union::CategoryStep>> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT a.field, a.old, a.new, a.at, a.origin, n.id IS NOT NULL, COALESCE(a.operator, '') FROM {db}.audit a
         LEFT JOIN temp.{unshared} n ON n.id = a.id
         WHERE a.student_id = ?1 AND a.id <= ?2 AND a.field IN ('created', 'categories', 'categories_year')
           AND (?3 IS NULL OR a.year = ?3)
         ORDER BY a.id"
    ))?;
    let read: Vec<(category_union::HistoryRow, String)> = stmt
        .query_map(params![student, up_to, year], |r| {
            let row = category_union::HistoryRow {
                field: r.get(0)?,
                old: r.get(1)?,
                new: r.get(2)?,
                at: r.get(3)?,
                origin: r.get(4)?,
                event: None,
                unshared: r.get(5)?,
            };
            Ok((row, r.get(6)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut rows = Vec::with_capacity(read.len());
    for (row, operator) in read {
        operators.insert((row.at.clone(), row.origin.clone()), operator);
        rows.push(row);
    }
    category_union::steps(
        &rows,
        || -> Result<_> {
            let now = value(tx, db, student, Field::Categories, year, current)?.flatten();
            Ok(fields::categories_from_text(now.as_deref().unwrap_or("[]")))
        },
        first,
    )
}

/// The categories both laptops changed since they last agreed, united (see [`category_union`]): only a
/// category one side added and the other removed is a conflict, decided by the newer of the two changes
/// (listed, with the list that would have been). `values` are the group's new values (categories, their year:
/// the later of the two certifications), `conflicts` each with whether the value that lost is ours to record.
struct United {
    values: [Option<String>; 2],
    conflicts: Vec<(Conflict, bool)>,
}

fn unite_categories(
    tx: &Transaction,
    sides: &Sides,
    (their_id, our_id): (i64, i64),
    (theirs, ours): (&[Option<String>], &[Option<String>]),
    they_win: bool,
    year: Option<i32>,
) -> Result<United> {
    let mut operators = std::collections::HashMap::new();
    let their_steps = category_history(
        tx,
        ("other", "merge_their_new"),
        their_id,
        (i64::MAX, year, sides.their_current, sides.their_first),
        &mut operators,
    )?;
    let our_steps = category_history(
        tx,
        ("main", "merge_our_new"),
        our_id,
        (sides.our_high_water, year, sides.our_current, sides.our_first),
        &mut operators,
    )?;
    let made_by = |step: &category_union::CategoryStep| {
        operators.get(&(step.at.clone(), step.origin.clone())).cloned().unwrap_or_default()
    };
    let ours_list = ours.first().cloned().flatten();
    let union = category_union::unite(ours_list.as_deref().unwrap_or("[]"), &their_steps, &our_steps, they_win);
    // Each category's year is the later of the two sides' certifications of it (a category certified for this
    // year on one laptop is this year's, whichever side's list the union took it from); the set's year is the
    // oldest of them, as every write keeps it.
    let (our_marks, their_marks) = (side_marks(ours, sides.our_first), side_marks(theirs, sides.their_first));
    let certified =
        |name: &str| our_marks.iter().chain(&their_marks).filter(|m| m.name == name).filter_map(|m| m.year).max();
    let marks: Vec<_> = fields::categories_from_text(&union.list)
        .into_iter()
        .map(|m| crate::domain::student::CategoryMark { year: certified(&m.name), ..m })
        .collect();
    let (united, oldest) = fields::certified_categories(&marks, None);
    let ours_year = side_year(ours, sides.our_first);
    let oldest = oldest.or(ours_year.max(side_year(theirs, sides.their_first)));
    let changed = Some(&united) != ours.first().and_then(Option::as_ref);
    let year_value =
        if changed || oldest != ours_year { oldest.map(|y| y.to_string()) } else { ours.get(1).cloned().flatten() };
    let conflicts = union
        .lost
        .into_iter()
        .map(|lost| {
            let (kept_by, lost_by) = (made_by(&lost.kept), made_by(&lost.lost));
            let conflict = Conflict {
                id_number: String::new(),
                name: String::new(),
                field: Field::Categories.key().into(),
                kept: Some(united.clone()),
                kept_at: lost.kept.at,
                lost: Some(lost.lost_list),
                lost_at: lost.lost.at,
                payment_kept: None,
                grades: None,
                tax_record_lost: false,
                tax_record_kept: false,
                kept_undone: false,
                kept_by,
                lost_by,
            };
            (conflict, lost.ours_kept)
        })
        .collect();
    Ok(United { values: [Some(united), year_value], conflicts })
}

/// A side's `categories_year` in the group's values (categories, then the year), NULL read as its first year.
fn side_year(values: &[Option<String>], first: Option<i32>) -> Option<i32> {
    values.get(1).and_then(|y| y.as_deref()?.parse::<i32>().ok()).or(first)
}

/// A side's categories, each with the year it was certified for.
fn side_marks(values: &[Option<String>], first: Option<i32>) -> Vec<crate::domain::student::CategoryMark> {
    let list = values.first().cloned().flatten().unwrap_or_default();
    fields::with_years(fields::categories_from_text(&list), side_year(values, first))
}

/// Our categories were certified for a later insured year than theirs: newer news than theirs, whatever the
/// clocks say (a laptop still in last year does not undo this year's certification). Values in the group's
/// order (categories, then the year; NULL is the file's first year). Each side's newest certification is
/// weighed: a category of ours carried over beside one certified this year does not make the whole set last
/// year's.
fn certified_later(ours: &[Option<String>], theirs: &[Option<String>], sides: &Sides) -> bool {
    let newest = |values: &[Option<String>], first: Option<i32>| {
        side_marks(values, first).iter().filter_map(|m| m.year).max().or(side_year(values, first))
    };
    let ours_marked = ours.first().is_some_and(|c| c.as_deref().is_some_and(|c| c != "[]"));
    match (newest(ours, sides.our_first), newest(theirs, sides.their_first)) {
        (Some(o), Some(t)) => ours_marked && o > t,
        _ => false,
    }
}

/// The newest event that set `group` on one side (among those `in_year`): a change to any of its fields, or a
/// creation row when the values it gave are still there to speak for.
fn last_setting<'h>(
    history: &'h [Event],
    group: &[Field],
    values: &[Option<String>],
    in_year: &dyn Fn(&Event) -> bool,
) -> Option<&'h Event> {
    let created = said_at_creation(group, values);
    let keys: Vec<&str> = group.iter().map(|f| f.key()).collect();
    let setting = history
        .iter()
        .filter(|e| in_year(e))
        .filter(|e| group.iter().any(|f| f.key() == e.field) || (created && e.field == "created"));
    if !group.contains(&Field::Class) {
        return newest(setting, &keys);
    }
    // A promotion copied in from the other laptop, or a deliberate change copied in after this laptop's own
    // promotion, is weighed as the merge that copied it weighed it (`class_decision`): the side's newest is
    // the change it holds.
    setting.fold(None, |best, e| match best {
        Some(b) if e.outweighed_for(&keys) => Some(b),
        Some(b) if deliberate_outranks(history, b, e) => Some(b),
        Some(b) if deliberate_outranks(history, e, b) => Some(e),
        Some(b) if copied_before(b, e) => Some(b),
        _ => Some(e),
    })
}

/// The newest of one side's events, given in log order. A change the laptop made itself (`Event::local`) was
/// made after every row before it in its log: it is the newest so far, whatever the clocks say (a clock behind
/// the other laptop's must not bring back the value it corrected). A copied change was weighed against what
/// the laptop held by instant, as the merge that copied it weighed it; of two in the same second (instants
/// have whole seconds: a quick correction, an import and the promotion after it), the later in the log is the
/// newer, but for a creation copied in after a change of its second (`copied_before`). Origins break ties only
/// between the two sides (`newer`), where there is no common log. A copied
/// change the merge let lose to this laptop's value of the group (`Event::outweighed`, `keys` the group's
/// fields) is not the newer, whatever its instant: that merge weighed it already, by `newer`.
fn newest<'h>(events: impl Iterator<Item = &'h Event>, keys: &[&str]) -> Option<&'h Event> {
    events.fold(None, |best, e| match best {
        Some(b) if e.outweighed_for(keys) => Some(b),
        // The merge that copied it took its payment over what the laptop held before (`Event::prevailed_for`).
        Some(b) if b.run != e.run && e.prevailed_for(keys) => Some(e),
        Some(b) if copied_before(b, e) => Some(b),
        _ => Some(e),
    })
}

/// A copied pupil that matched more than one pupil on either side, as the report lists it.
fn ambiguous(tx: &Transaction, their_id: i64, ours: usize, theirs: usize) -> Result<Ambiguous> {
    Ok(tx.query_row(
        "SELECT s.id_number, s.name, sc.name, s.grade, s.class FROM other.students s
         JOIN other.schools sc ON sc.id = s.school_id WHERE s.id = ?1",
        [their_id],
        |r| {
            let (grade, class): (String, String) = (r.get(3)?, r.get(4)?);
            Ok(Ambiguous {
                id_number: r.get(0)?,
                name: r.get(1)?,
                school: r.get(2)?,
                class: crate::domain::class_label::join(&grade, &class),
                ours,
                theirs,
            })
        },
    )?)
}

/// The fields their side won, written year by year (each insured year's statuses to its own year).
fn apply_by_year(
    tx: &Transaction,
    ctx: &super::AuditContext,
    our_id: i64,
    changes: &[(Option<i32>, FieldChange)],
) -> Result<()> {
    let mut years: Vec<Option<i32>> = changes.iter().map(|(y, _)| *y).collect();
    years.sort_unstable();
    years.dedup();
    for year in years {
        let of_year: Vec<FieldChange> = changes.iter().filter(|(y, _)| *y == year).map(|(_, c)| c.clone()).collect();
        fields::apply_in_year(tx, ctx, our_id, year, &of_year)?;
    }
    Ok(())
}

/// Their audit rows we lack, in their order, each attached to the pupil it was paired with or copied as, its
/// year read as their file reads it; returns how many.
fn copy_history(tx: &Transaction, their_first: Option<i32>) -> Result<usize> {
    Ok(tx.execute(
        "INSERT INTO main.audit(at, operator, origin, action, student_id, id_number, field, old, new, year)
         SELECT b.at, b.operator, b.origin, b.action, COALESCE(p.ours, c.ours), COALESCE(b.id_number, ''), b.field,
             b.old, b.new, CASE WHEN canbao_yearly(b.field) THEN COALESCE(b.year, ?1) ELSE b.year END
         FROM temp.merge_their_new n JOIN other.audit b ON b.id = n.id
         LEFT JOIN temp.merge_pairs p ON p.theirs = b.student_id
         LEFT JOIN temp.merge_copied c ON c.theirs = b.student_id
         ORDER BY n.id",
        [their_first],
    )?)
}

/// Their receipts (the 票证号码 a reconciliation recorded as making up a payment) that we lack, onto the pupil each
/// of theirs was paired with or copied as, each in its own insured year; a number we hold for that pupil and year
/// is the same payment and is not copied again. Without them a top-up-only list read here after the merge would
/// replace the payment the other laptop recorded instead of adding to it. A number both sides recorded with two
/// amounts is returned, not settled (see [`ReceiptConflict`]). The receipts kept may then not add up to the
/// payment kept (each side's payment wins or loses as a whole): a reconciliation checks that they do before it
/// adds to them, and otherwise takes the list's amount, as it did before receipts were kept.
fn carry_receipts(tx: &Transaction) -> Result<(usize, Vec<ReceiptConflict>)> {
    const PUPILS: &str =
        "(SELECT theirs, ours FROM temp.merge_pairs UNION ALL SELECT theirs, ours FROM temp.merge_copied)";
    let mut stmt = tx.prepare(&format!(
        "SELECT s.id_number, s.name, r.receipt, r.year, o.amount_fen, r.amount_fen
         FROM other.receipts r JOIN {PUPILS} m ON m.theirs = r.student_id
         JOIN main.receipts o ON o.student_id = m.ours AND o.year = r.year AND o.receipt = r.receipt
         JOIN main.students s ON s.id = m.ours
         WHERE o.amount_fen <> r.amount_fen
         ORDER BY m.ours, r.year, r.receipt"
    ))?;
    let conflicts = stmt
        .query_map([], |r| {
            Ok(ReceiptConflict {
                id_number: r.get(0)?,
                name: r.get(1)?,
                receipt: r.get(2)?,
                year: r.get(3)?,
                ours_fen: r.get(4)?,
                theirs_fen: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    drop(stmt);
    let copied = tx.execute(
        &format!(
            "INSERT INTO main.receipts(student_id, year, receipt, amount_fen, paid_on, channel)
             SELECT m.ours, r.year, r.receipt, r.amount_fen, r.paid_on, r.channel
             FROM other.receipts r JOIN {PUPILS} m ON m.theirs = r.student_id
             WHERE NOT EXISTS (SELECT 1 FROM main.receipts o
                               WHERE o.student_id = m.ours AND o.year = r.year AND o.receipt = r.receipt)"
        ),
        [],
    )?;
    Ok((copied, conflicts))
}

/// Their pupils we have no match for, copied in one pass each way: the schools they need, then the pupil rows
/// in their order (our new row ids recorded in `merge_copied`), their statuses of every year each in its own
/// year here, and their search keys. Returns how many.
fn copy_unpaired(tx: &Transaction, ctx: &super::AuditContext, sides: &Sides) -> Result<usize> {
    tx.execute(
        "INSERT INTO main.schools(name, created_at)
         SELECT sc.name, ?1 FROM other.students b JOIN other.schools sc ON sc.id = b.school_id
         WHERE b.id NOT IN (SELECT theirs FROM temp.merge_pairs)
           AND sc.name NOT IN (SELECT name FROM main.schools)
         GROUP BY sc.name ORDER BY min(b.id)",
        [&ctx.at],
    )?;
    // New row ids given here, in their order, as one insert at a time would give them.
    let added = tx.execute(
        "INSERT INTO temp.merge_copied(theirs, ours)
         SELECT b.id, (SELECT COALESCE(max(id), 0) FROM main.students) + row_number() OVER (ORDER BY b.id)
         FROM other.students b WHERE b.id NOT IN (SELECT theirs FROM temp.merge_pairs)",
        [],
    )?;
    // Their current year's statuses go on our pupil row only when it is our current year too; a pupil who left
    // in their earlier year has left in ours, as `year new` keeps our own leavers.
    let same_year = sides.their_current == sides.our_current;
    // Their names' sort keys come with them: both files are at the latest schema, whose keys are today's
    // readings (a missing one is filled by the insert trigger). Written in their order, which numbers our new
    // rows (`merge_copied`): appended to the table and needing no sort.
    tx.execute(
        "INSERT INTO main.students(id, school_id, name, id_raw, id_number, id_kind, id_problem, sex, birth_date,
            grade, class, class_order, phone, enrollment, decline_reason, payment, paid_amount_fen, paid_on,
            paid_channel, categories, note, source, created_at, updated_at, categories_year, seen_year, name_order,
            ethnicity, address)
         SELECT c.ours, (SELECT id FROM main.schools WHERE name = sc.name), b.name, b.id_raw, b.id_number,
            b.id_kind, b.id_problem, b.sex, b.birth_date, b.grade, b.class, b.class_order, b.phone,
            CASE WHEN ?1 OR b.enrollment = 'left' THEN b.enrollment ELSE 'unknown' END,
            CASE WHEN ?1 OR b.enrollment = 'left' THEN b.decline_reason END,
            CASE WHEN ?1 THEN b.payment ELSE 'unpaid' END, CASE WHEN ?1 THEN b.paid_amount_fen END,
            CASE WHEN ?1 THEN b.paid_on END, CASE WHEN ?1 THEN b.paid_channel END,
            b.categories, b.note, b.source, b.created_at, b.updated_at,
            coalesce(b.categories_year, ?2), coalesce(b.seen_year, ?2), b.name_order, b.ethnicity, b.address
         FROM temp.merge_copied c JOIN other.students b ON b.id = c.theirs
         JOIN other.schools sc ON sc.id = b.school_id ORDER BY c.theirs",
        params![same_year, sides.their_first],
    )?;
    // Their other years, and their current one when it is not ours; a year that is our current one goes on
    // the pupil row.
    tx.execute(
        "INSERT OR REPLACE INTO main.year_statuses(student_id, year, enrollment, decline_reason, payment,
             paid_amount_fen, paid_on, paid_channel, policy, grade, class, class_order)
         SELECT c.ours, y.year, y.enrollment, y.decline_reason, y.payment, y.paid_amount_fen, y.paid_on,
             y.paid_channel, y.policy, y.grade, y.class, y.class_order
         FROM temp.merge_copied c JOIN other.year_statuses y ON y.student_id = c.theirs
         WHERE y.year IS NOT ?1",
        [sides.our_current],
    )?;
    // The categories they had in their closed years, where those differ from the ones they bring.
    tx.execute(
        "INSERT OR REPLACE INTO main.year_categories(student_id, year, categories, categories_year)
         SELECT c.ours, y.year, y.categories, y.categories_year
         FROM temp.merge_copied c JOIN other.year_categories y ON y.student_id = c.theirs
         WHERE y.year IS NOT ?1",
        [sides.our_current],
    )?;
    tx.execute(
        "UPDATE main.students AS s SET enrollment = y.enrollment, decline_reason = y.decline_reason,
             payment = y.payment, paid_amount_fen = y.paid_amount_fen, paid_on = y.paid_on,
             paid_channel = y.paid_channel
         FROM temp.merge_copied c JOIN other.year_statuses y ON y.student_id = c.theirs
         WHERE s.id = c.ours AND y.year = ?1",
        [sides.our_current],
    )?;
    if let (false, Some(theirs)) = (same_year, sides.their_current) {
        tx.execute(
            "INSERT OR REPLACE INTO main.year_statuses(student_id, year, enrollment, decline_reason, payment,
                 paid_amount_fen, paid_on, paid_channel, policy, grade, class, class_order)
             SELECT c.ours, ?1, b.enrollment, b.decline_reason, b.payment, b.paid_amount_fen, b.paid_on,
                 b.paid_channel, NULL, b.grade, b.class, b.class_order
             FROM temp.merge_copied c JOIN other.students b ON b.id = c.theirs",
            [theirs],
        )?;
    }
    copied_search_keys(tx)?;
    Ok(added)
}

/// The copied pupils' search keys, a few thousand pupils at a time so memory stays flat. A pupil's key is
/// made of its name, number and class, which it brings as they are: taken from their search blocks (a merge
/// needs both files at the latest schema, whose keys are today's readings), not worked out again. Only a pupil
/// their blocks lack a key for, or every pupil when their keys are marked for rewriting, is worked out here.
fn copied_search_keys(tx: &Transaction) -> Result<()> {
    const CHUNK: usize = 4096;
    let their_keys_current: bool = tx.query_row(
        "SELECT NOT EXISTS(SELECT 1 FROM other.meta WHERE key = ?1)",
        [super::search_blocks::OUTDATED],
        |r| r.get(0),
    )?;
    let mut without_key: Vec<i64> = Vec::new();
    {
        // Both in their ids' order: the copies were numbered in that order, and a block holds its records so.
        let mut copied = tx.prepare("SELECT theirs, ours FROM temp.merge_copied ORDER BY theirs")?;
        let mut copied =
            copied.query_and_then([], |r| Ok::<_, StoreError>((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
        let mut blocks = tx.prepare(
            "SELECT keys FROM other.search_blocks
             WHERE ?1 AND block IN (SELECT theirs >> 6 FROM temp.merge_copied) ORDER BY block",
        )?;
        let mut blocks = blocks.query([their_keys_current])?;
        let mut chunk: Vec<(i64, String)> = Vec::with_capacity(CHUNK);
        let mut next = copied.next().transpose()?;
        while let Some(block) = blocks.next()? {
            let text: String = block.get(0)?;
            for (their_id, key) in super::search_blocks::records(&text) {
                while let Some((theirs, ours)) = next
                    && theirs <= their_id
                {
                    if theirs == their_id {
                        chunk.push((ours, key.to_owned()));
                    } else {
                        without_key.push(ours);
                    }
                    next = copied.next().transpose()?;
                }
                if chunk.len() >= CHUNK {
                    super::search_blocks::put_many(tx, chunk.drain(..))?;
                }
            }
        }
        while let Some((_, ours)) = next {
            without_key.push(ours);
            next = copied.next().transpose()?;
        }
        super::search_blocks::put_many(tx, chunk)?;
    }
    let mut work_out =
        tx.prepare("SELECT canbao_search_key(name, id_number, grade, class) FROM main.students WHERE id = ?1")?;
    for ids in without_key.chunks(CHUNK) {
        let keys = ids
            .iter()
            .map(|&id| Ok((id, work_out.query_row([id], |r| r.get::<_, String>(0))?)))
            .collect::<Result<Vec<_>>>()?;
        super::search_blocks::put_many(tx, keys)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A merge's look-ups of the pupils it paired start from the pairs: of two drives with no pupil in common,
    /// neither roster is read.
    #[test]
    fn the_pupils_named_apart_are_read_from_the_pairs() {
        let store_of = |path: &Path, first: usize| {
            let mut s = Store::open(path).unwrap();
            let rows: Vec<Incoming> = (first..first + 300)
                .map(|i| pupil(&format!("学生{i}"), &valid(&format!("450202201502{i:05}"))))
                .collect();
            s.apply_import(&rows, &[], 0, false).unwrap();
            s
        };
        let dir = tempfile::tempdir().unwrap();
        let ours = store_of(&dir.path().join("a.db"), 0);
        let other = dir.path().join("b.db");
        drop(store_of(&other, 1000));
        let conn = ours.connection();
        conn.execute("ATTACH DATABASE ?1 AS other", [other.to_string_lossy()]).unwrap();
        conn.execute_batch("CREATE TEMP TABLE merge_pairs(theirs INTEGER PRIMARY KEY, ours INTEGER NOT NULL UNIQUE)")
            .unwrap();
        for analyzed in [false, true] {
            if analyzed {
                conn.execute_batch("ANALYZE main; ANALYZE other").unwrap();
            }
            let plan: Vec<String> = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {NAMED_APART}"))
                .unwrap()
                .query_map([], |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let scans: Vec<&String> = plan.iter().filter(|p| p.trim().starts_with("SCAN")).collect();
            assert_eq!(scans.len(), 1, "{plan:?}");
            assert_eq!(scans[0].trim(), "SCAN p", "analyzed: {analyzed}: {plan:?}");
        }
    }

    /// Every pupil's key in the search blocks, by name, beside the key worked out from the pupil row.
    fn keys_by_name(s: &Store) -> Vec<(String, String, String)> {
        let conn = s.connection();
        let mut stored = std::collections::HashMap::new();
        let mut blocks = conn.prepare("SELECT keys FROM search_blocks").unwrap();
        for text in blocks.query_map([], |r| r.get::<_, String>(0)).unwrap() {
            let text = text.unwrap();
            for (id, key) in super::super::search_blocks::records(&text) {
                stored.insert(id, key.to_owned());
            }
        }
        let mut rows = conn
            .prepare("SELECT id, name, canbao_search_key(name, id_number, grade, class) FROM students ORDER BY name")
            .unwrap();
        rows.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))
            .unwrap()
            .map(|r| {
                let (id, name, worked_out) = r.unwrap();
                (name, stored.get(&id).cloned().unwrap_or_default(), worked_out)
            })
            .collect()
    }

    #[test]
    fn copied_pupils_are_found_by_the_keys_they_bring_or_by_keys_worked_out_when_theirs_are_outdated() {
        for outdated in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let mut ours = Store::open(&dir.path().join("a.db")).unwrap();
            // 曾0 is on both drives: paired, not copied, its record among the copied ones' in their blocks.
            ours.apply_import(
                &[pupil("单一", &valid("45020220150101121")), pupil("曾0", &valid("45020220150200000"))],
                &[],
                0,
                false,
            )
            .unwrap();
            let their_path = dir.path().join("b.db");
            let theirs = Store::open(&their_path).unwrap();
            // Pupils enough for several blocks, and names whose readings a search key spells out.
            let rows: Vec<Incoming> = (0..150)
                .map(|i| {
                    pupil(&format!("{}{i}", ["曾", "单", "吕", "区"][i % 4]), &valid(&format!("450202201502{:05}", i)))
                })
                .collect();
            let mut theirs = theirs;
            theirs.apply_import(&rows, &[], 0, false).unwrap();
            // Keys only their file holds: brought as they are when their keys are today's, else worked out.
            theirs.connection().execute_batch("UPDATE search_blocks SET keys = replace(keys, 'zeng', 'ceng')").unwrap();
            if outdated {
                theirs
                    .connection()
                    .execute("INSERT INTO meta(key, value) VALUES (?1, '1')", [super::super::search_blocks::OUTDATED])
                    .unwrap();
            }
            drop(theirs);
            let report = ours.merge_from(&their_path, false).unwrap();
            assert_eq!(report.added, 149);
            let keys = keys_by_name(&ours);
            assert_eq!(keys.len(), 151);
            for (name, stored, worked_out) in keys {
                if !outdated && name.starts_with('曾') && name != "曾0" {
                    assert_eq!(stored, worked_out.replace("zeng", "ceng"), "{name}: their key, brought");
                    assert_ne!(stored, worked_out);
                } else {
                    assert_eq!(stored, worked_out, "{name} (their keys outdated: {outdated})");
                }
            }
        }
    }

    /// Two lists named one child differently: each laptop added the pupil from its own list, with one valid
    /// number. The number pairs the two, as an import would: each side's merge says so, by both names. A pupil
    /// renamed on one laptop is no such case.
    #[test]
    fn a_number_two_laptops_hold_under_two_names_is_listed_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let real = valid("45020220150220706");
        let (mut a, mut b) = copies_of(dir.path(), &[pupil("李四", &valid("45020220150101131"))]);
        a.apply_import(&[pupil("王新", &real)], &[], 0, false).unwrap();
        b.apply_import(&[pupil("王欣", &real)], &[], 0, false).unwrap();
        // The other renames its own pupil: known to be the same child.
        let li = by_name(&a, "李四").id;
        a.correct_identity(li, &crate::store::IdentityEdit { name: Some("李思".into()), ..Default::default() })
            .unwrap();
        let ((into_b, r1), (into_a, r2)) = merge_both_ways(dir.path(), a, b);
        let names =
            |r: &MergeReport| r.named_apart.iter().map(|n| (n.ours.clone(), n.theirs.clone())).collect::<Vec<_>>();
        assert_eq!(names(&r1), vec![("王欣".to_owned(), "王新".to_owned())], "{r1:?}");
        assert_eq!(names(&r2), vec![("王新".to_owned(), "王欣".to_owned())], "{r2:?}");
        assert_eq!(r1.named_apart[0].id_number, real);
        for (s, r) in [(&into_b, &r1), (&into_a, &r2)] {
            assert_eq!(s.students(&Default::default()).unwrap().len(), 2, "one child by the number: {r:?}");
            assert!(r.taken_numbers.is_empty(), "{r:?}");
        }
    }

    /// The scenario of two laptops sharing one drive: laptop B corrects 王欣's number (`from`: mistyped, another
    /// valid one, or none) to `real` with `E`, and moves, phones and takes the payment of 王欣; laptop A meanwhile adds a
    /// new pupil 王新 with `real` from a class list. Returns both laptops' drives.
    fn corrected_on_b_and_given_on_a(dir: &Path, from: &str, real: &str) -> (Store, Store) {
        let (mut a, mut b) = copies_of(dir, &[pupil("王欣", from), pupil("李四", &valid("45020220150101131"))]);
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.apply_import(&[Incoming { source: "名单.csv:9".into(), ..pupil("王新", real) }], &[], 0, false).unwrap();
        b.set_fixed_clock("2026-11-23T10:05:00+08:00");
        let wang = by_name(&b, "王欣").id;
        let edit = super::super::IdentityEdit {
            id_number: Some(real.to_owned()),
            class: Some("三年级2班".into()),
            phone: Some("13912345678".into()),
            ..Default::default()
        };
        b.correct_identity(wang, &edit).unwrap();
        b.set_payment(wang, PaymentStatus::Paid, &PaymentDetails { amount_fen: Some(38000), ..Default::default() })
            .unwrap();
        (a, b)
    }

    /// Every pupil as both drives must agree on it: name, number and whether it is flagged, class, phone,
    /// statuses.
    fn pupils_held(s: &Store) -> Vec<String> {
        let mut all: Vec<String> = s
            .students(&Default::default())
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{}|{}|{:?}|{}|{}|{}|{:?}|{:?}",
                    p.name,
                    p.id_number,
                    p.id_problem,
                    p.class_label(),
                    p.phone,
                    p.enrollment.code(),
                    p.payment,
                    p.payment_details.amount_fen
                )
            })
            .collect();
        all.sort();
        all
    }

    fn taken(r: &MergeReport) -> Vec<(String, String, String, String, bool)> {
        r.taken_numbers
            .iter()
            .map(|t| (t.name.clone(), t.id_number.clone(), t.kept.clone(), t.holder.clone(), t.corrected_here))
            .collect()
    }

    /// B's 王欣 shares its creation row with A's 王欣, not with A's 王新 who holds the number: a merge either way
    /// keeps 王欣 and 王新 two children. 王欣 takes B's class, phone and payment; the number stays with 王新, 王欣
    /// keeping (on A) or having back (on B) the number both held before, and each report names both. Both drives
    /// end with the same pupils, and merging each other's result changes nothing.
    #[test]
    fn a_number_corrected_on_one_laptop_to_one_the_other_gave_a_new_pupil_turns_no_child_into_another() {
        let real = valid("45020220150220706");
        let typo = format!("{}{}", &real[..17], if real.ends_with('1') { '2' } else { '1' });
        for from in [typo, valid("45020220150303123"), String::new()] {
            let dir = tempfile::tempdir().unwrap();
            let (a, b) = corrected_on_b_and_given_on_a(dir.path(), &from, &real);
            let ((into_b, r1), (into_a, r2)) = merge_both_ways(dir.path(), a, b);
            for (s, r) in [(&into_b, &r1), (&into_a, &r2)] {
                let wang = by_name(s, "王欣");
                assert_eq!(wang.id_number, from, "{r:?}");
                assert_eq!((wang.class_label(), wang.payment), ("三年级2班".to_owned(), PaymentStatus::Paid), "{r:?}");
                assert_eq!(wang.phone, "13912345678");
                let xin = by_name(s, "王新");
                assert_eq!((xin.id_number.as_str(), xin.payment), (real.as_str(), PaymentStatus::Unpaid), "{r:?}");
                assert_eq!(xin.id_problem, None);
                assert_eq!(s.students(&Default::default()).unwrap().len(), 3, "{r:?}");
                assert!(r.named_apart.is_empty(), "{r:?}");
                assert!(r.conflicts.iter().all(|c| c.field != "id_number"), "listed once, as taken: {r:?}");
                // The correction that was not applied is in 王欣's history.
                let lost = s.history(wang.id).unwrap();
                assert!(lost.iter().any(|h| h.field == "id_number:conflict_lost"), "{lost:?}");
            }
            assert_eq!(taken(&r1), vec![("王欣".into(), real.clone(), from.clone(), "王新".into(), true)], "{r1:?}");
            assert_eq!(taken(&r2), vec![("王欣".into(), real.clone(), from.clone(), "王新".into(), false)], "{r2:?}");
            assert_eq!((r1.added, r2.added), (1, 0));
            assert_eq!(pupils_held(&into_b), pupils_held(&into_a));
            // Each merges the other's result: nothing more to do, nothing listed again.
            let (b_path, a_path) = (into_b.path().unwrap().to_owned(), into_a.path().unwrap().to_owned());
            drop(into_a);
            let mut into_b = into_b;
            let again = into_b.merge_from(&a_path, false).unwrap();
            assert_eq!((again.added, again.updated), (0, 0), "{again:?}");
            assert!(again.taken_numbers.is_empty() && again.conflicts.is_empty(), "{again:?}");
            drop(into_b);
            let mut into_a = Store::open(&a_path).unwrap();
            let again = into_a.merge_from(&b_path, false).unwrap();
            assert_eq!((again.added, again.updated), (0, 0), "{again:?}");
            assert!(again.taken_numbers.is_empty() && again.conflicts.is_empty(), "{again:?}");
            assert_eq!(pupils_held(&into_a), pupils_held(&Store::open(&b_path).unwrap()));
        }
    }

    /// Laptop A corrects 王欣's number away from the one both held, then gives that number to a new pupil 王新
    /// (the number was 王新's, entered under 王欣 by mistake); laptop B took 王欣's payment meanwhile. A merge either
    /// way keeps the two children as A holds them, 王欣 with B's payment: A's correction arriving, nothing to list.
    #[test]
    fn a_number_moved_to_a_new_pupil_on_one_laptop_moves_on_the_other_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (number, corrected) = (valid("45020220150220706"), valid("45020220150303123"));
        let (mut a, mut b) =
            copies_of(dir.path(), &[pupil("王欣", &number), pupil("李四", &valid("45020220150101131"))]);
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let wang = by_name(&a, "王欣").id;
        a.correct_identity(
            wang,
            &super::super::IdentityEdit { id_number: Some(corrected.clone()), ..Default::default() },
        )
        .unwrap();
        a.apply_import(&[Incoming { source: "名单.csv:9".into(), ..pupil("王新", &number) }], &[], 0, false).unwrap();
        b.set_fixed_clock("2026-11-23T10:05:00+08:00");
        let wang = by_name(&b, "王欣").id;
        b.set_payment(wang, PaymentStatus::Paid, &PaymentDetails { amount_fen: Some(38000), ..Default::default() })
            .unwrap();
        let ((into_b, r1), (into_a, r2)) = merge_both_ways(dir.path(), a, b);
        for (s, r) in [(&into_b, &r1), (&into_a, &r2)] {
            let wang = by_name(s, "王欣");
            assert_eq!((wang.id_number.as_str(), wang.payment), (corrected.as_str(), PaymentStatus::Paid), "{r:?}");
            assert_eq!(by_name(s, "王新").id_number, number, "{r:?}");
            assert!(r.taken_numbers.is_empty() && r.named_apart.is_empty() && r.conflicts.is_empty(), "{r:?}");
        }
        assert_eq!((r1.added, r1.updated), (1, 1), "{r1:?}");
        assert_eq!(pupils_held(&into_b), pupils_held(&into_a));
    }

    /// The same, one laptop merging the other's file and the other then merging the result back, whichever laptop
    /// merges first: both end with 王欣 and 王新 apart, the number with 王新, and the laptop that merges first says
    /// so.
    #[test]
    fn a_number_corrected_to_one_the_other_laptop_gave_a_new_pupil_ends_alike_after_a_round_trip() {
        let real = valid("45020220150220706");
        let typo = format!("{}{}", &real[..17], if real.ends_with('1') { '2' } else { '1' });
        for a_first in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let (a, b) = corrected_on_b_and_given_on_a(dir.path(), &typo, &real);
            let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
            drop((a, b));
            let (first, second) = if a_first { (&a_path, &b_path) } else { (&b_path, &a_path) };
            let ((one, r1), (two, r2)) = round_trip(&dir.path().join("trip"), first, second);
            assert_eq!(taken(&r1), vec![("王欣".into(), real.clone(), typo.clone(), "王新".into(), !a_first)]);
            assert_eq!(pupils_held(&one), pupils_held(&two), "{r1:?} {r2:?}");
            assert_eq!(by_name(&one, "王新").id_number, real);
            assert_eq!(
                (by_name(&two, "王欣").id_number, by_name(&two, "王欣").payment),
                (typo.clone(), PaymentStatus::Paid)
            );
            assert_eq!(two.students(&Default::default()).unwrap().len(), 3, "{r2:?}");
        }
    }

    #[test]
    fn only_rows_whose_fingerprint_both_sides_hold_are_compared() {
        // (fingerprint, row id), sorted as `unshared_events` sorts them; fingerprint 7 is on both sides twice.
        let ours = [(1, 10), (7, 3), (7, 4), (9, 1)];
        let theirs = [(2, 5), (7, 8), (7, 9), (8, 2), (9, 6), (11, 7)];
        let (ours, theirs) = held_by_both(ours.to_vec(), theirs.to_vec());
        assert_eq!(ours, vec![(1, 9), (3, 7), (4, 7)]);
        assert_eq!(theirs, vec![(6, 9), (8, 7), (9, 7)]);
        assert_eq!(held_by_both(vec![(1, 1)], vec![]), (vec![], vec![]));
        assert_eq!(held_by_both(vec![(1, 1), (3, 2)], vec![(2, 1), (4, 2)]), (vec![], vec![]));
    }

    #[test]
    fn a_pupils_key_text_is_the_one_a_county_already_holds() {
        let own = |s: &str| s.to_owned();
        let valid = PupilKey::of(own("450202201601010012"), true, own("张三"), own("一小"), own("三年级"), own("1班"));
        assert_eq!(valid.text(), "v\u{1f}450202201601010012");
        let flagged = PupilKey::of(own("4502022016"), false, own("张三"), own("一小"), own("三年级"), own("1班"));
        assert_eq!(flagged.text(), "u\u{1f}4502022016\u{1f}张三\u{1f}一小\u{1f}三年级\u{1f}1班");
        assert_eq!(PupilKey::text_of("4502022016", false, "张三", "一小", "三年级", "1班"), flagged.text());
        assert_eq!(PupilKey::text_of("450202201601010012", true, "张三", "一小", "三年级", "1班"), valid.text());
    }
    use crate::domain::id_number;
    use crate::domain::student::{Enrollment, PaymentDetails, PaymentStatus};
    use crate::store::Incoming;
    use crate::store::merge_renames::SchoolRename;

    fn valid(first17: &str) -> String {
        format!("{first17}{}", id_number::check_char(first17.as_bytes()))
    }

    fn pupil(name: &str, id: &str) -> Incoming {
        Incoming::for_test("测试小学", name, id)
    }

    /// Two laptops' copies of one drive, as the operators got them.
    fn two_copies(dir: &Path) -> (Store, Store, Vec<String>) {
        two_copies_after(dir, |_, _| {})
    }

    /// Two copies of one drive made after `before` was done to it.
    fn two_copies_after(dir: &Path, before: impl FnOnce(&mut Store, &[String])) -> (Store, Store, Vec<String>) {
        let ids = vec![valid("45020220150101121"), valid("45020220150101131"), valid("45020220150101141")];
        let a_path = dir.join("a.db");
        let mut a = Store::open(&a_path).unwrap();
        a.set_fixed_clock("2026-11-23T09:00:00+08:00");
        a.set_operator("甲").unwrap();
        let rows: Vec<Incoming> = ids.iter().enumerate().map(|(i, id)| pupil(&format!("学生{i}"), id)).collect();
        a.apply_import(&rows, &[], 0, false).unwrap();
        before(&mut a, &ids);
        let b_path = dir.join("b.db");
        a.backup_to(&b_path).unwrap();
        let mut b = Store::open(&b_path).unwrap();
        b.set_operator("乙").unwrap();
        (a, b, ids)
    }

    fn by_id(s: &Store, id: &str) -> crate::domain::student::Student {
        s.student_by_id_number(id).unwrap().unwrap()
    }

    fn snapshot(s: &Store) -> Vec<String> {
        s.students(&Default::default())
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{}|{}|{}|{}|{:?}|{}|{}",
                    p.id_number,
                    p.name,
                    p.class_label(),
                    p.enrollment.code(),
                    p.payment,
                    p.note,
                    p.categories.len()
                )
            })
            .collect()
    }

    #[test]
    fn changes_from_both_laptops_meet_and_a_second_merge_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let p0 = by_id(&a, &ids[0]).id;
        a.set_payment(p0, PaymentStatus::Paid, &PaymentDetails { amount_fen: Some(38000), ..Default::default() })
            .unwrap();
        b.set_fixed_clock("2026-11-23T10:05:00+08:00");
        let p1 = by_id(&b, &ids[1]).id;
        b.set_enrollment(p1, Enrollment::Here, None).unwrap();
        // A pupil only B has.
        let extra = valid("45020220150101151");
        b.apply_import(&[pupil("新生", &extra)], &[], 0, false).unwrap();
        let b_path = b.path().unwrap().to_owned();
        drop(b);

        let report = a.merge_from(&b_path, false).unwrap();
        assert_eq!((report.added, report.updated), (1, 1), "{report:?}");
        assert!(report.conflicts.is_empty());
        assert_eq!(by_id(&a, &ids[0]).payment, PaymentStatus::Paid, "our change kept");
        assert_eq!(by_id(&a, &ids[1]).enrollment, Enrollment::Here, "their change arrived");
        assert!(a.student_by_id_number(&extra).unwrap().is_some());
        let history = a.history(by_id(&a, &ids[1]).id).unwrap();
        assert!(history.iter().any(|h| h.operator == "乙" && h.field == "enrollment"), "their history kept");

        let audit = a.audit_count().unwrap();
        let again = a.merge_from(&b_path, false).unwrap();
        assert_eq!((again.added, again.updated, again.audit_rows_copied), (0, 0, 0), "{again:?}");
        assert_eq!(a.audit_count().unwrap(), audit);
    }

    /// Merges each laptop's file into a copy of the other's, so both directions start from the same two files:
    /// (A merged into B, its report), (B merged into A, its report).
    fn merge_both_ways(dir: &Path, a: Store, b: Store) -> ((Store, MergeReport), (Store, MergeReport)) {
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop(a);
        drop(b);
        let (a2, b2) = (dir.join("a2.db"), dir.join("b2.db"));
        Store::open(&a_path).unwrap().backup_to(&a2).unwrap();
        Store::open(&b_path).unwrap().backup_to(&b2).unwrap();
        let mut a_into_b = Store::open(&b2).unwrap();
        let r1 = a_into_b.merge_from(&a_path, false).unwrap();
        let mut b_into_a = Store::open(&a2).unwrap();
        let r2 = b_into_a.merge_from(&b_path, false).unwrap();
        ((a_into_b, r1), (b_into_a, r2))
    }

    fn rename(s: &mut Store, id: i64, at: &str, name: &str) -> crate::store::IdentityCorrection {
        s.set_fixed_clock(at);
        s.correct_identity(id, &crate::store::IdentityEdit { name: Some(name.into()), ..Default::default() }).unwrap()
    }

    /// Renames pupil `id` by mistake at `at` and undoes it at once, as `u` does on the screen.
    fn rename_and_undo(s: &mut Store, id: i64, at: &str) {
        let done = rename(s, id, at, "学生零然");
        s.restore_identity(id, &done.before, "undo").unwrap();
    }

    #[test]
    fn a_change_undone_on_one_laptop_leaves_the_others_correction_standing_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let (pa, pb) = (by_id(&a, &ids[0]).id, by_id(&b, &ids[0]).id);
        rename(&mut a, pa, "2026-12-06T10:06:12+08:00", "学生零");
        // Later, on the other laptop: a rename by mistake, taken back at once.
        rename_and_undo(&mut b, pb, "2026-12-06T10:06:28+08:00");
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            assert_eq!(by_id(s, &ids[0]).name, "学生零", "{r:?}");
            assert!(r.conflicts.is_empty() && r.decided_there.is_empty(), "{r:?}");
        }
        // And each merged file into the other's: nothing new either way, the correction still standing.
        let (b_path, a_path) = (a_into_b.path().unwrap().to_owned(), b_into_a.path().unwrap().to_owned());
        drop((a_into_b, b_into_a));
        let ((one, r3), (two, r4)) = round_trip(&dir.path().join("trip"), &a_path, &b_path);
        for (s, r) in [(&one, &r3), (&two, &r4)] {
            assert_eq!(by_id(s, &ids[0]).name, "学生零", "{r:?}");
            assert!(r.conflicts.is_empty(), "{r:?}");
        }
    }

    #[test]
    fn a_change_undone_after_the_other_laptop_merged_it_in_is_news_to_it() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let (pa, pb) = (by_id(&a, &ids[0]).id, by_id(&b, &ids[0]).id);
        let done = rename(&mut b, pb, "2026-12-06T10:06:12+08:00", "学生零然");
        let b_path = b.path().unwrap().to_owned();
        a.set_fixed_clock("2026-12-06T10:07:00+08:00");
        a.merge_from(&b_path, false).unwrap();
        assert_eq!(by_id(&a, &ids[0]).name, "学生零然");
        // The other laptop takes it back after this one holds it: the undo is the newer word.
        b.set_fixed_clock("2026-12-06T10:08:00+08:00");
        b.restore_identity(pb, &done.before, "undo").unwrap();
        drop(b);
        let r = a.merge_from(&b_path, false).unwrap();
        assert_eq!(by_id(&a, &ids[0]).name, "学生0", "{r:?}");
        let _ = pa;
    }

    #[test]
    fn a_name_set_back_on_purpose_after_merging_the_correction_in_wins_and_an_undone_one_is_said_so() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let (pa, pb) = (by_id(&a, &ids[0]).id, by_id(&b, &ids[0]).id);
        rename(&mut a, pa, "2026-12-06T10:06:12+08:00", "学生零");
        let a_path = a.path().unwrap().to_owned();
        drop(a);
        b.set_fixed_clock("2026-12-06T10:07:00+08:00");
        b.merge_from(&a_path, false).unwrap();
        assert_eq!(by_id(&b, &ids[0]).name, "学生零");
        // Knowing the correction, the operator sets the name back on purpose: that is a change, and it wins.
        rename(&mut b, pb, "2026-12-06T10:08:00+08:00", "学生0");
        let b_path = b.path().unwrap().to_owned();
        drop(b);
        let mut a = Store::open(&a_path).unwrap();
        let r = a.merge_from(&b_path, false).unwrap();
        assert_eq!(by_id(&a, &ids[0]).name, "学生0", "{r:?}");

        // A rename the other laptop merged in and corrected, then undone where it was made: the undo is a change
        // the other laptop never saw, newer than its correction, and wins; its line says it was an undo.
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let (pa, pb) = (by_id(&a, &ids[0]).id, by_id(&b, &ids[0]).id);
        let done = rename(&mut b, pb, "2026-12-06T10:06:00+08:00", "学生零然");
        let b_path = b.path().unwrap().to_owned();
        a.set_fixed_clock("2026-12-06T10:06:05+08:00");
        a.merge_from(&b_path, false).unwrap();
        rename(&mut a, pa, "2026-12-06T10:06:12+08:00", "学生零");
        b.set_fixed_clock("2026-12-06T10:06:28+08:00");
        b.restore_identity(pb, &done.before, "undo").unwrap();
        let ((_, r1), (_, r2)) = merge_both_ways(dir.path(), a, b);
        for r in [&r1, &r2] {
            let c = r.conflicts.iter().chain(&r.decided_there).find(|c| c.field == "name").expect("a conflict");
            assert_eq!((c.kept.as_deref(), c.kept_undone), (Some("学生0"), true), "{r:?}");
        }
    }

    #[test]
    fn conflicts_go_to_the_newer_change_and_both_directions_agree() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let (pa, pb) = (by_id(&a, &ids[0]).id, by_id(&b, &ids[0]).id);
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.set_note(pa, "家长说已在老家参保").unwrap();
        b.set_fixed_clock("2026-11-23T11:00:00+08:00");
        b.set_note(pb, "已核实：在校参保").unwrap();
        a.set_fixed_clock("2026-11-23T12:00:00+08:00");
        a.set_enrollment(by_id(&a, &ids[2]).id, Enrollment::Declined, Some("外地")).unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        assert_eq!(r1.conflicts.len(), 1, "{r1:?}");
        assert_eq!(r2.conflicts.len(), 1, "{r2:?}");
        let c = &r2.conflicts[0];
        assert_eq!(c.field, "note");
        assert_eq!(c.kept.as_deref(), Some("已核实：在校参保"));
        assert_eq!(c.lost.as_deref(), Some("家长说已在老家参保"));
        assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a));
        assert_eq!(by_id(&b_into_a, &ids[0]).note, "已核实：在校参保");
        assert_eq!(by_id(&a_into_b, &ids[2]).enrollment, Enrollment::Declined);
    }

    #[test]
    fn a_drive_never_merged_weighs_its_own_changes_by_its_log_not_its_clock() {
        let dir = tempfile::tempdir().unwrap();
        // The list was read at 09:00 by each laptop's clock (two_copies); then both clocks were put back an
        // hour, and each laptop corrected the same pupil's name.
        let (mut a, mut b, ids) = two_copies(dir.path());
        let rename = |s: &mut Store, at: &str, name: &str| {
            s.set_fixed_clock(at);
            let id = by_id(s, &ids[0]).id;
            s.correct_identity(id, &super::super::IdentityEdit { name: Some(name.to_owned()), ..Default::default() })
                .unwrap();
        };
        rename(&mut a, "2026-11-23T08:00:00+08:00", "甲改的名");
        rename(&mut b, "2026-11-23T08:30:00+08:00", "乙改的名");
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        // Each laptop's correction came after the import in its own log: the two are a conflict, the later wins,
        // where before the import's stamp outweighed both and each laptop silently kept its own name.
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            assert_eq!(by_id(s, &ids[0]).name, "乙改的名", "{r:?}");
            assert_eq!(r.conflicts.len(), 1, "{r:?}");
        }
    }

    /// Two copies of one drive, the other one (closed, returned by path) with a note on the second pupil.
    fn other_copy_with_a_note(dir: &Path) -> (Store, std::path::PathBuf, Vec<String>) {
        let (a, mut b, ids) = two_copies(dir);
        b.set_fixed_clock("2026-11-23T10:05:00+08:00");
        b.set_note(by_id(&b, &ids[1]).id, "x").unwrap();
        let b_path = b.path().unwrap().to_owned();
        (a, b_path, ids)
    }

    #[test]
    fn a_merge_leaves_no_work_tables_behind_and_the_next_one_starts_clean() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, b_path, ids) = other_copy_with_a_note(dir.path());
        let temp_objects = |s: &Store| -> i64 {
            s.conn.query_row("SELECT count(*) FROM temp.sqlite_master", [], |r| r.get(0)).unwrap()
        };
        // A preview, the merge, then the same merge again, which finds nothing new.
        for (dry_run, updated) in [(true, 1), (false, 1), (false, 0)] {
            let report = a.merge_from(&b_path, dry_run).unwrap();
            assert_eq!(temp_objects(&a), 0, "dry run {dry_run}");
            assert_eq!(report.updated, updated, "dry run {dry_run}");
        }
        assert_eq!(a.student(by_id(&a, &ids[1]).id).unwrap().note, "x");
    }

    #[test]
    fn dry_run_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, b_path, _) = other_copy_with_a_note(dir.path());
        let before = snapshot(&a);
        let report = a.merge_from(&b_path, true).unwrap();
        assert_eq!(report.updated, 1);
        assert_eq!(snapshot(&a), before);
    }

    /// A pupil as a list gives one without a usable ID: none at all, or a number a spreadsheet rounded.
    fn unchecked(name: &str, rounded: Option<f64>) -> Incoming {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let id = match rounded {
            Some(n) => id_number::check_numeric_cell(n, today),
            None => id_number::check("", today),
        };
        // Each row of a real list has its own source (file and row), which its creation row records.
        Incoming { id_raw: id.normalized.clone(), id, source: format!("t.csv:{name}"), ..pupil(name, "") }
    }

    #[test]
    fn a_number_corrected_on_one_laptop_is_the_same_child_in_a_merge() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b) = copies_of(dir.path(), &[unchecked("王五", None), unchecked("王六", None)]);
        let number = {
            let body = "45020220150101123";
            format!("{body}{}", id_number::check_char(body.as_bytes()))
        };
        // The family brings the card to laptop B: the flagged pupil's number is corrected there.
        let out = b.apply_import(&[Incoming { source: "card.csv:2".into(), ..pupil("王五", &number) }], &[], 0, false);
        assert_eq!(out.unwrap().updated, 1);
        let b_path = b.path().unwrap().to_owned();
        drop(b);
        let report = a.merge_from(&b_path, false).unwrap();
        assert_eq!(report.added, 0, "{report:?}");
        assert_eq!(a.students(&Default::default()).unwrap().len(), 2);
        assert_eq!(by_name(&a, "王五").id_number, number, "the correction arrived: {report:?}");
        assert_eq!(a.merge_from(&b_path, false).unwrap().added, 0, "and a second merge adds nothing either");
    }

    /// Two laptops that each imported the school's list share no history; 王五's number corrected with `E` on B
    /// before their first merge is the same child both ways (as an import finds a list's old number), not a
    /// second 王五: B's correction arrives on A, and B keeps it.
    #[test]
    fn a_number_corrected_before_the_first_merge_of_two_imports_of_one_list_is_the_same_child_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (valid("45020220150101123"), valid("45020220150101131"));
        let rows = [pupil("王五", &old), pupil("王六", &valid("45020220150101140"))];
        let (a_path, b_path) = (dir.path().join("a.db"), dir.path().join("b.db"));
        for (path, at) in [(&a_path, "2026-11-23T09:00:00+08:00"), (&b_path, "2026-11-23T09:05:00+08:00")] {
            let mut s = Store::open(path).unwrap();
            s.set_fixed_clock(at);
            s.apply_import(&rows, &[], 0, false).unwrap();
        }
        let mut b = Store::open(&b_path).unwrap();
        correct_wang_wu(&mut b, "2026-11-23T10:00:00+08:00", &new);
        drop(b);
        let ((a_into_b, r1), (b_into_a, r2)) =
            merge_both_ways(dir.path(), Store::open(&a_path).unwrap(), Store::open(&b_path).unwrap());
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            assert_eq!(r.added, 0, "{r:?}");
            assert_eq!(s.students(&Default::default()).unwrap().len(), 2, "{r:?}");
            assert_eq!(by_name(s, "王五").id_number, new, "B's correction: {r:?}");
        }
    }

    /// 王五's number corrected at `at` with `E`, as the operator does from the family's card.
    fn correct_wang_wu(s: &mut Store, at: &str, number: &str) {
        s.set_fixed_clock(at);
        let id = by_name(s, "王五").id;
        let edit = super::super::IdentityEdit { id_number: Some(number.to_owned()), ..Default::default() };
        s.correct_identity(id, &edit).unwrap();
    }

    /// The same flagged pupil corrected to two numbers, one on each laptop: the later correction on both, listed
    /// as a conflict both ways (masked), and a second merge changes nothing.
    #[test]
    fn a_number_corrected_apart_on_two_laptops_ends_alike_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b) = copies_of(dir.path(), &[unchecked("王五", None), unchecked("王六", None)]);
        let (from_a, from_b) = (valid("45020220150101123"), valid("45020220150101131"));
        correct_wang_wu(&mut a, "2026-11-23T10:00:00+08:00", &from_a);
        correct_wang_wu(&mut b, "2026-11-23T10:01:00+08:00", &from_b);
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            assert_eq!(by_name(s, "王五").id_number, from_b, "the later correction: {r:?}");
            assert_eq!(s.students(&Default::default()).unwrap().len(), 2, "{r:?}");
            let listed: Vec<&Conflict> = r.conflicts.iter().filter(|c| c.field == "id_number").collect();
            assert_eq!(listed.len(), 1, "{r:?}");
            assert_eq!(listed[0].kept.as_deref(), Some(id_number::mask(&from_b).as_str()));
            assert_eq!(listed[0].lost.as_deref(), Some(id_number::mask(&from_a).as_str()));
        }
        let (a_path, mut b_into_a) = (a_into_b.path().unwrap().to_owned(), b_into_a);
        drop(a_into_b);
        let again = b_into_a.merge_from(&a_path, false).unwrap();
        assert_eq!((again.updated, again.conflicts.len()), (0, 0), "{again:?}");
    }

    /// The later correction made on A wins A's merge of B's file; when B then merges A's file, B's own correction,
    /// which A's merge let lose, is replaced and B's report says so, as decided on A (it once said nothing).
    #[test]
    fn a_number_correction_that_lost_on_the_other_laptop_is_listed_where_it_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b) = copies_of(dir.path(), &[unchecked("王五", None), unchecked("王六", None)]);
        let (from_a, from_b) = (valid("45020220150101123"), valid("45020220150101131"));
        correct_wang_wu(&mut b, "2026-11-23T10:00:00+08:00", &from_b);
        correct_wang_wu(&mut a, "2026-11-23T10:01:00+08:00", &from_a);
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop((a, b));
        let ((a, r1), (b, r2)) = round_trip(&dir.path().join("trip"), &a_path, &b_path);
        let numbers = |r: &MergeReport, decided_there: bool| -> Vec<(Option<String>, Option<String>)> {
            let listed = if decided_there { &r.decided_there } else { &r.conflicts };
            listed.iter().filter(|c| c.field == "id_number").map(|c| (c.kept.clone(), c.lost.clone())).collect()
        };
        let expected = vec![(Some(id_number::mask(&from_a)), Some(id_number::mask(&from_b)))];
        assert_eq!(numbers(&r1, false), expected, "{r1:?}");
        assert_eq!(by_name(&b, "王五").id_number, from_a, "{r2:?}");
        assert!(numbers(&r2, false).is_empty(), "listed once, where it was decided: {r2:?}");
        assert_eq!(numbers(&r2, true), expected, "{r2:?}");
        assert_eq!(snapshot(&a), snapshot(&b));
    }

    /// Two laptops' copies of one drive holding these pupils.
    fn copies_of(dir: &Path, rows: &[Incoming]) -> (Store, Store) {
        let a_path = dir.join("a.db");
        let mut a = Store::open(&a_path).unwrap();
        a.set_fixed_clock("2026-11-23T09:00:00+08:00");
        a.set_operator("甲").unwrap();
        a.apply_import(rows, &[], 0, false).unwrap();
        let b_path = dir.join("b.db");
        a.backup_to(&b_path).unwrap();
        let mut b = Store::open(&b_path).unwrap();
        b.set_operator("乙").unwrap();
        (a, b)
    }

    fn by_name(s: &Store, name: &str) -> crate::domain::student::Student {
        let all = s.students(&Default::default()).unwrap();
        let mut found = all.into_iter().filter(|p| p.name == name);
        let one = found.next().unwrap_or_else(|| panic!("no pupil {name}"));
        assert!(found.next().is_none(), "more than one pupil {name}");
        one
    }

    const ROUNDED: f64 = 450_222_201_501_011_234.0;

    /// Two laptops started apart from one school's list: one read it from a workbook whose numbers Excel
    /// rounded (numeric cells), the other from the list typed as text. A merge either way pairs each rounded
    /// pupil with the whole number of that name, as an import of the typed list does, and both end alike, with
    /// the whole numbers; a second merge changes nothing.
    #[test]
    fn pupils_held_with_rounded_numbers_on_one_laptop_are_the_whole_numbers_children_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let names = ["付晨", "张思", "江天"];
        let whole: Vec<String> =
            ["45020220170413355", "45020220160707878", "45020220170212975"].iter().map(|b| valid(b)).collect();
        let open = |name: &str, operator: &str, rows: Vec<Incoming>| {
            let mut s = Store::open(&dir.path().join(name)).unwrap();
            s.set_fixed_clock("2026-11-23T09:00:00+08:00");
            s.set_operator(operator).unwrap();
            s.apply_import(&rows, &[], 0, false).unwrap();
            s
        };
        let rounded_rows =
            names.iter().zip(&whole).map(|(n, w)| unchecked(n, Some(w.parse::<f64>().unwrap()))).collect();
        let rounded = open("x.db", "甲", rounded_rows);
        assert_eq!(rounded.students(&Default::default()).unwrap().iter().filter(|p| p.id_problem.is_some()).count(), 3);
        let whole_rows = names.iter().zip(&whole).map(|(n, w)| pupil(n, w)).collect();
        let typed = open("y.db", "乙", whole_rows);
        let ((into_typed, r1), (into_rounded, r2)) = merge_both_ways(dir.path(), rounded, typed);
        for (s, r) in [(&into_typed, &r1), (&into_rounded, &r2)] {
            assert_eq!((r.added, r.ambiguous.len(), r.alike_numbers.len()), (0, 0, 3), "{r:?}");
            for (name, number) in names.iter().zip(&whole) {
                let p = by_name(s, name);
                assert_eq!((p.id_number.as_str(), p.id_problem), (number.as_str(), None), "{r:?}");
            }
        }
        assert!(r1.alike_numbers.iter().all(|a| !a.ours_flagged) && r2.alike_numbers.iter().all(|a| a.ours_flagged));
        assert_eq!(r2.updated, 3, "the rounded laptop's numbers were corrected: {r2:?}");
        assert_eq!(snapshot(&into_typed), snapshot(&into_rounded));
        let history = into_rounded.history(by_name(&into_rounded, "付晨").id).unwrap();
        assert!(history.iter().any(|h| h.action == "merge" && h.field == "id_number"), "the correction is audited");
        let from = into_typed.path().unwrap().to_owned();
        drop(into_typed);
        let mut into_rounded = into_rounded;
        let again = into_rounded.merge_from(&from, false).unwrap();
        assert_eq!((again.added, again.updated, again.alike_numbers.len()), (0, 0, 0), "{again:?}");
    }

    /// A boy held without a number on one laptop and a girl of his name and class held with one on the other are two
    /// children in a merge either way, as an import of the two rows keeps them; with no sex stated, one child.
    #[test]
    fn a_pupil_without_a_number_of_another_stated_sex_is_not_paired_with_a_numbered_one() {
        use crate::domain::id_number::Sex;
        // The 17th digit even: a girl's number.
        let girl = valid("45020320190930880");
        for (case, stated, pupils, alike) in [("boy", Some(Sex::Male), 2, 0), ("unsaid", None, 1, 1)] {
            let dir = tempfile::tempdir().unwrap();
            let open = |name: &str, operator: &str, row: Incoming| {
                let mut s = Store::open(&dir.path().join(name)).unwrap();
                s.set_fixed_clock("2026-11-23T09:00:00+08:00");
                s.set_operator(operator).unwrap();
                s.apply_import(&[row], &[], 0, false).unwrap();
                s
            };
            let x = open("x.db", "甲", Incoming { sex: stated, ..pupil("陈七", "") });
            let y = open("y.db", "乙", pupil("陈七", &girl));
            let ((into_y, r1), (into_x, r2)) = merge_both_ways(dir.path(), x, y);
            for (s, r) in [(&into_y, &r1), (&into_x, &r2)] {
                assert_eq!(s.students(&Default::default()).unwrap().len(), pupils, "{case}: {r:?}");
                assert_eq!(r.alike_numbers.len(), alike, "{case}: {r:?}");
            }
        }
    }

    /// One laptop imported 韦小宝 with an old 15-digit number (converted to 18, flagged, the family asked for the
    /// real one) and took her payment; the other the school's corrected list with her real number. A merge either way
    /// is one child holding the real number, the payment kept and the pair listed, as an import of the corrected
    /// list makes it; another 韦小宝 in another class stays apart.
    #[test]
    fn a_pupil_held_with_an_old_15_digit_number_is_the_real_numbers_child_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let real = valid("45020220150710313");
        let open = |name: &str, operator: &str, rows: &[Incoming]| {
            let mut s = Store::open(&dir.path().join(name)).unwrap();
            s.set_fixed_clock("2026-11-23T09:00:00+08:00");
            s.set_operator(operator).unwrap();
            s.apply_import(rows, &[], 0, false).unwrap();
            s
        };
        let other_class = Incoming { class: "2班".into(), ..pupil("韦小宝", "450202990710314") };
        let mut old = open("x.db", "甲", &[pupil("韦小宝", "450202990710313"), other_class]);
        let held = old.students(&Default::default()).unwrap();
        let ours = held.iter().find(|p| p.class_label() == "一年级1班").unwrap();
        assert_eq!((ours.id_number.len(), ours.id_problem.is_none()), (18, true), "converted and valid: {ours:?}");
        old.set_payment(
            ours.id,
            PaymentStatus::Paid,
            &PaymentDetails { amount_fen: Some(38000), ..Default::default() },
        )
        .unwrap();
        let corrected = open("y.db", "乙", &[pupil("韦小宝", &real)]);
        let ((into_corrected, r1), (into_old, r2)) = merge_both_ways(dir.path(), old, corrected);
        for (s, r) in [(&into_corrected, &r1), (&into_old, &r2)] {
            let all = s.students(&Default::default()).unwrap();
            assert_eq!(all.len(), 2, "{r:?}");
            let one = all.iter().find(|p| p.class_label() == "一年级1班").unwrap();
            assert_eq!((one.id_number.as_str(), one.payment), (real.as_str(), PaymentStatus::Paid), "{r:?}");
            assert_eq!((r.alike_numbers.len(), r.ambiguous.len()), (1, 0), "{r:?}");
            assert_eq!(r.alike_numbers[0].id_number, real, "{r:?}");
        }
        assert!(r2.alike_numbers[0].ours_flagged && !r1.alike_numbers[0].ours_flagged);
        let history = into_old.history(by_name_of_class(&into_old, "韦小宝", "一年级1班")).unwrap();
        assert!(history.iter().any(|h| h.action == "merge" && h.field == "id_number"), "the correction is audited");
    }

    fn by_name_of_class(s: &Store, name: &str, class: &str) -> i64 {
        let all = s.students(&Default::default()).unwrap();
        all.iter().find(|p| p.name == name && p.class_label() == class).map(|p| p.id).expect("the pupil")
    }

    #[test]
    fn pupils_without_an_id_number_each_keep_their_own_changes() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b) = copies_of(dir.path(), &[unchecked("李甲", None), unchecked("李乙", None)]);
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.set_note(by_name(&a, "李甲").id, "甲的备注").unwrap();
        b.set_fixed_clock("2026-11-23T10:05:00+08:00");
        let yi = by_name(&b, "李乙").id;
        b.set_note(yi, "乙的备注").unwrap();
        b.set_enrollment(yi, Enrollment::Here, None).unwrap();
        let b_path = b.path().unwrap().to_owned();
        drop(b);

        let report = a.merge_from(&b_path, false).unwrap();
        assert!(report.conflicts.is_empty(), "{report:?}");
        assert!(report.ambiguous.is_empty(), "{report:?}");
        assert_eq!((report.added, report.updated, report.unchanged), (0, 1, 1), "{report:?}");
        let (jia, yi) = (by_name(&a, "李甲"), by_name(&a, "李乙"));
        assert_eq!((jia.note.as_str(), jia.enrollment), ("甲的备注", Enrollment::Unknown));
        assert_eq!((yi.note.as_str(), yi.enrollment), ("乙的备注", Enrollment::Here));
        // Each child's history holds only its own entries.
        assert!(a.history(jia.id).unwrap().iter().all(|h| h.operator != "乙"), "李乙's history went to 李甲");
        assert!(a.history(yi.id).unwrap().iter().any(|h| h.operator == "乙" && h.field == "note"));
    }

    #[test]
    fn pupils_sharing_one_rounded_id_number_stay_apart() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b) =
            copies_of(dir.path(), &[unchecked("王丙", Some(ROUNDED)), unchecked("王丁", Some(ROUNDED))]);
        assert_eq!(by_name(&a, "王丙").id_number, by_name(&a, "王丁").id_number, "the test needs one shared number");
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.set_note(by_name(&a, "王丁").id, "丁：已在老家参保").unwrap();
        b.set_fixed_clock("2026-11-23T10:05:00+08:00");
        let bing = by_name(&b, "王丙").id;
        b.set_payment(bing, PaymentStatus::Paid, &PaymentDetails { amount_fen: Some(38000), ..Default::default() })
            .unwrap();
        // A third child with the same rounded number, only on B.
        b.apply_import(&[unchecked("王戊", Some(ROUNDED))], &[], 0, false).unwrap();
        let b_path = b.path().unwrap().to_owned();
        drop(b);

        let report = a.merge_from(&b_path, false).unwrap();
        assert_eq!((report.added, report.updated), (1, 1), "{report:?}");
        assert!(report.conflicts.is_empty(), "{report:?}");
        let (bing, ding, wu) = (by_name(&a, "王丙"), by_name(&a, "王丁"), by_name(&a, "王戊"));
        assert_eq!((bing.payment, bing.note.as_str()), (PaymentStatus::Paid, ""));
        assert_eq!((ding.payment, ding.note.as_str()), (PaymentStatus::Unpaid, "丁：已在老家参保"));
        assert_eq!(wu.payment, PaymentStatus::Unpaid);
        assert!(a.history(ding.id).unwrap().iter().all(|h| h.operator != "乙"), "王丙's payment in 王丁's history");
        assert!(a.history(wu.id).unwrap().iter().any(|h| h.field == "created"), "王戊's own history came along");
    }

    #[test]
    fn a_pupil_renamed_on_one_laptop_is_still_the_same_child() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b) = copies_of(dir.path(), &[unchecked("张三", None), unchecked("张四", None)]);
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let san = by_name(&a, "张三").id;
        a.change(san, "mark", &[FieldChange::new(Field::Name, Some("张叁"))]).unwrap();
        b.set_fixed_clock("2026-11-23T10:05:00+08:00");
        b.set_enrollment(by_name(&b, "张三").id, Enrollment::Declined, Some("外地")).unwrap();
        let b_path = b.path().unwrap().to_owned();
        drop(b);

        let report = a.merge_from(&b_path, false).unwrap();
        assert_eq!((report.added, report.updated), (0, 1), "{report:?}");
        assert_eq!(by_name(&a, "张叁").enrollment, Enrollment::Declined);
        assert_eq!(a.students(&Default::default()).unwrap().len(), 2);
    }

    #[test]
    fn a_pupil_matching_two_children_is_added_and_listed_never_merged() {
        let dir = tempfile::tempdir().unwrap();
        // A: two pupils that came to share a description (a correction made 张叁 into a second 张三).
        let mut a = Store::open(&dir.path().join("a.db")).unwrap();
        a.set_fixed_clock("2026-11-23T09:00:00+08:00");
        a.apply_import(&[unchecked("张三", None), unchecked("张叁", None)], &[], 0, false).unwrap();
        let other = by_name(&a, "张叁").id;
        a.change(other, "mark", &[FieldChange::new(Field::Name, Some("张三"))]).unwrap();
        // B: a drive started on its own, with one 张三 of that class, paid.
        let b_path = dir.path().join("b.db");
        let mut b = Store::open(&b_path).unwrap();
        b.set_fixed_clock("2026-11-23T09:30:00+08:00");
        b.apply_import(&[unchecked("张三", None)], &[], 0, false).unwrap();
        let theirs = b.students(&Default::default()).unwrap()[0].id;
        b.set_payment(theirs, PaymentStatus::Paid, &PaymentDetails::default()).unwrap();
        drop(b);

        let report = a.merge_from(&b_path, false).unwrap();
        assert_eq!((report.added, report.updated), (1, 0), "{report:?}");
        assert_eq!(report.ambiguous.len(), 1, "{report:?}");
        assert_eq!((report.ambiguous[0].ours, report.ambiguous[0].theirs), (2, 1));
        assert_eq!(report.ambiguous[0].name, "张三");
        let all = a.students(&Default::default()).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all.iter().filter(|p| p.payment == PaymentStatus::Paid).count(), 1, "only the added one is paid");
        for p in all.iter().filter(|p| p.payment != PaymentStatus::Paid) {
            assert!(a.history(p.id).unwrap().iter().all(|h| h.field != "payment"), "payment history on {}", p.id);
        }

        // The added pupil carries its creation row, so the next merge finds it instead of adding it again.
        let audit = a.audit_count().unwrap();
        let again = a.merge_from(&b_path, false).unwrap();
        assert_eq!((again.added, again.updated, again.audit_rows_copied), (0, 0, 0), "{again:?}");
        assert!(again.ambiguous.is_empty(), "{again:?}");
        assert_eq!(a.audit_count().unwrap(), audit);
    }

    #[test]
    fn with_unchecked_pupils_both_directions_agree_and_a_second_merge_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let rows = [
            pupil("赵一", &valid("45020220150101121")),
            unchecked("无号甲", None),
            unchecked("无号乙", None),
            unchecked("整数甲", Some(ROUNDED)),
            unchecked("整数乙", Some(ROUNDED)),
        ];
        let (mut a, mut b) = copies_of(dir.path(), &rows);
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.set_note(by_name(&a, "无号甲").id, "A 的备注").unwrap();
        a.set_enrollment(by_name(&a, "整数乙").id, Enrollment::Elsewhere, None).unwrap();
        a.change(by_name(&a, "无号乙").id, "mark", &[FieldChange::new(Field::Class, Some("2班"))]).unwrap();
        b.set_fixed_clock("2026-11-23T11:00:00+08:00");
        b.set_note(by_name(&b, "无号甲").id, "B 的备注，较新").unwrap();
        b.set_payment(by_name(&b, "无号乙").id, PaymentStatus::Paid, &PaymentDetails::default()).unwrap();
        b.set_enrollment(by_name(&b, "整数甲").id, Enrollment::Here, None).unwrap();
        b.apply_import(&[unchecked("整数丙", Some(ROUNDED)), unchecked("无号丙", None)], &[], 0, false).unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        let ((mut a_into_b, r1), (mut b_into_a, r2)) = merge_both_ways(dir.path(), a, b);

        assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a));
        assert_eq!(r1.conflicts.len(), 1, "{r1:?}");
        assert_eq!(r2.conflicts.len(), 1, "{r2:?}");
        assert_eq!(r2.conflicts[0].name, "无号甲");
        assert_eq!(r2.added, 2, "{r2:?}");
        for s in [&a_into_b, &b_into_a] {
            assert_eq!(s.students(&Default::default()).unwrap().len(), 7);
            assert_eq!(by_name(s, "无号甲").note, "B 的备注，较新");
            let yi = by_name(s, "无号乙");
            assert_eq!((yi.payment, yi.class.as_str()), (PaymentStatus::Paid, "2班"));
            assert_eq!(by_name(s, "整数甲").enrollment, Enrollment::Here);
            assert_eq!(by_name(s, "整数乙").enrollment, Enrollment::Elsewhere);
            assert_eq!(by_name(s, "整数丙").enrollment, Enrollment::Unknown);
        }

        for (store, from) in [(&mut a_into_b, &a_path), (&mut b_into_a, &b_path)] {
            let (before, audit) = (snapshot(store), store.audit_count().unwrap());
            let again = store.merge_from(from, false).unwrap();
            assert_eq!((again.added, again.updated, again.audit_rows_copied), (0, 0, 0), "{again:?}");
            assert!(again.conflicts.is_empty() && again.ambiguous.is_empty(), "{again:?}");
            assert_eq!((snapshot(store), store.audit_count().unwrap()), (before, audit));
        }
    }

    /// Two laptops that each imported the same class lists (two pupils without a valid number among them), then
    /// merged once: the merged drive, in `dir/m.db`. Its flagged pupils were paired by name, school and class,
    /// and hold both laptops' creation rows.
    fn imported_apart_then_merged(dir: &Path) -> std::path::PathBuf {
        let rows = [pupil("赵一", &valid("45020220150101121")), unchecked("王欣", None), unchecked("孙芳琳", None)];
        let m_path = dir.join("m.db");
        let mut a = Store::open(&m_path).unwrap();
        a.set_fixed_clock("2026-11-23T09:00:00+08:00");
        a.set_operator("甲").unwrap();
        a.apply_import(&rows, &[], 0, false).unwrap();
        let b_path = dir.join("imported-on-b.db");
        let mut b = Store::open(&b_path).unwrap();
        b.set_fixed_clock("2026-11-23T01:10:00Z");
        b.set_operator("乙").unwrap();
        b.apply_import(&rows, &[], 0, false).unwrap();
        drop(b);
        let report = a.merge_from(&b_path, false).unwrap();
        assert_eq!((report.added, report.unchanged), (0, 3), "{report:?}");
        m_path
    }

    /// Two copies (`a.db`, `b.db`) of the drive `imported_apart_then_merged` made, as two laptops got them.
    fn copies_of_the_merged_drive(dir: &Path) -> (Store, Store) {
        let m_path = imported_apart_then_merged(dir);
        let m = Store::open(&m_path).unwrap();
        let (a_path, b_path) = (dir.join("a.db"), dir.join("b.db"));
        m.backup_to(&a_path).unwrap();
        m.backup_to(&b_path).unwrap();
        drop(m);
        let mut a = Store::open(&a_path).unwrap();
        a.set_operator("甲").unwrap();
        let mut b = Store::open(&b_path).unwrap();
        b.set_operator("乙").unwrap();
        (a, b)
    }

    #[test]
    fn pupils_paired_by_name_in_an_earlier_merge_stay_one_after_a_school_rename_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, b) = copies_of_the_merged_drive(dir.path());
        a.set_fixed_clock("2026-11-24T10:00:00+08:00");
        assert_eq!(a.rename_school("测试小学", "测试小学本部").unwrap(), 3);
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            assert_eq!(r.added, 0, "an older copy holds no pupil the renamed one lacks: {r:?}");
            assert!(r.ambiguous.is_empty() && r.conflicts.is_empty(), "{r:?}");
            let all = s.students(&Default::default()).unwrap();
            assert_eq!(all.len(), 3, "{r:?}");
            assert!(all.iter().all(|p| p.school == "测试小学本部"), "{r:?}");
        }
        assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a));
    }

    /// Each pupil's name and school, by name.
    fn schools_by_name(s: &Store) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> =
            s.students(&Default::default()).unwrap().into_iter().map(|p| (p.name, p.school)).collect();
        all.sort();
        all
    }

    /// B renamed the school while A added a pupil under its old name: each way, the merge follows the rename for
    /// that pupil and says so, both drives end with one school, and merging back changes nothing.
    #[test]
    fn a_school_renamed_on_one_laptop_takes_the_pupils_the_other_added_under_its_old_name_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, _) = two_copies(dir.path());
        b.set_fixed_clock("2026-11-23T10:00:00+08:00");
        assert_eq!(b.rename_school("测试小学", "测试小学本部").unwrap(), 3);
        a.set_fixed_clock("2026-11-23T10:30:00+08:00");
        a.apply_import(&[pupil("新生", &valid("45020220150101151"))], &[], 0, false).unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        let followed =
            |here| SchoolRename::Followed {
                old: "测试小学".into(), new: "测试小学本部".into(), here, moved: 1
            };
        assert_eq!(r1.school_renames, [followed(true)], "B's own rename, A's pupil: {r1:?}");
        assert_eq!(r2.school_renames, [followed(false)], "B's rename arrives at A: {r2:?}");
        // A's pupil moved by following the rename is updated as the three B renamed are; at B it is added.
        assert_eq!((r1.added, r1.updated, r1.unchanged), (1, 0, 3), "{r1:?}");
        assert_eq!((r2.added, r2.updated, r2.unchanged), (0, 4, 0), "{r2:?}");
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            assert!(r.conflicts.is_empty(), "{r:?}");
            assert_eq!(s.schools().unwrap(), ["测试小学本部"], "{r:?}");
            assert_eq!(s.students(&Default::default()).unwrap().len(), 4);
        }
        assert_eq!(schools_by_name(&a_into_b), schools_by_name(&b_into_a));
        assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a));
        // The move is the merge's own audited change of the pupil's school.
        let moved = a_into_b.student_by_id_number(&valid("45020220150101151")).unwrap().unwrap();
        let history = a_into_b.history(moved.id).unwrap();
        assert!(
            history.iter().any(|h| h.action == "merge"
                && h.field == "school"
                && h.old.as_deref() == Some("测试小学")
                && h.new.as_deref() == Some("测试小学本部")),
            "{history:?}"
        );
        // The two merged drives merged into each other: nothing left to follow, nothing changes.
        let (a_path, b_path) = (b_into_a.path().unwrap().to_owned(), a_into_b.path().unwrap().to_owned());
        drop(b_into_a);
        let mut a_into_b = a_into_b;
        let audit = a_into_b.audit_count().unwrap();
        let again = a_into_b.merge_from(&a_path, false).unwrap();
        assert!(again.school_renames.is_empty() && again.conflicts.is_empty(), "{again:?}");
        assert_eq!((again.added, again.updated), (0, 0), "{again:?}");
        assert_eq!(a_into_b.schools().unwrap(), ["测试小学本部"]);
        let copied = a_into_b.audit_count().unwrap() - audit;
        assert_eq!(copied, i64::try_from(again.audit_rows_copied).unwrap(), "only the other's rows: {again:?}");
        drop(a_into_b);
        let mut b_into_a = Store::open(&a_path).unwrap();
        let back = b_into_a.merge_from(&b_path, false).unwrap();
        assert!(back.school_renames.is_empty() && back.conflicts.is_empty(), "{back:?}");
        assert_eq!(b_into_a.schools().unwrap(), ["测试小学本部"]);
    }

    /// B renamed the school; A renamed it too after B's rename, then took that back: by renaming the school back
    /// (in another session), or by `u` on the screen (an undo the screen's worker writes). A rename taken back is
    /// no change of A's, as an undone mark is: B's deliberate rename stands both ways, with no conflict.
    #[test]
    fn a_school_rename_taken_back_after_the_other_laptops_rename_is_no_change_both_ways() {
        for by_undo in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let (mut a, mut b, ids) = two_copies(dir.path());
            b.set_fixed_clock("2026-11-23T10:00:00+08:00");
            assert_eq!(b.rename_school("测试小学", "测试小学本部").unwrap(), 3);
            a.set_fixed_clock("2026-11-23T10:30:00+08:00");
            let moved = a.rename_school_pupils("测试小学", "测试小学分校").unwrap();
            let a_path = a.path().unwrap().to_owned();
            drop(a);
            let mut a = Store::open(&a_path).unwrap();
            a.set_fixed_clock("2026-11-23T10:31:00+08:00");
            if by_undo {
                let back: Vec<(i64, Vec<FieldChange>)> =
                    moved.iter().map(|&id| (id, vec![FieldChange::new(Field::School, Some("测试小学"))])).collect();
                a.change_batch(UNDO, &back, false).unwrap();
            } else {
                a.rename_school("测试小学分校", "测试小学").unwrap();
            }
            let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
            assert_eq!((r1.updated, r1.unchanged), (0, 3), "{r1:?}");
            assert_eq!((r2.updated, r2.unchanged), (3, 0), "{r2:?}");
            for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
                assert_eq!(s.schools().unwrap(), ["测试小学本部"], "by undo: {by_undo}: {r:?}");
                assert!(r.conflicts.is_empty() && r.decided_there.is_empty(), "{r:?}");
                assert!(!r.school_renames.iter().any(|x| matches!(x, SchoolRename::Overruled { .. })), "{r:?}");
                for id in &ids {
                    assert_eq!(by_id(s, id).school, "测试小学本部", "{r:?}");
                }
            }
            assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a));
        }
    }

    /// A school renamed twice on one laptop takes the other's pupils under its first name to its last one.
    #[test]
    fn a_school_renamed_twice_is_followed_to_its_last_name_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, _) = two_copies(dir.path());
        b.set_fixed_clock("2026-11-23T10:00:00+08:00");
        b.rename_school("测试小学", "测试小学本部").unwrap();
        b.rename_school("测试小学本部", "城关一小").unwrap();
        a.apply_import(&[pupil("新生", &valid("45020220150101151"))], &[], 0, false).unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            assert_eq!(s.schools().unwrap(), ["城关一小"], "{r:?}");
            assert!(
                matches!(&r.school_renames[..], [SchoolRename::Followed { old, new, moved: 1, .. }]
                    if old == "测试小学" && new == "城关一小"),
                "{r:?}"
            );
        }
    }

    /// Each laptop renamed the school to a name of its own, and A added a pupil under its name: no name is
    /// chosen for the operator. Both ways the pupils end alike, and the report names both names with the commands
    /// that put them under one, naming the drive by --db as the run was given it.
    #[test]
    fn a_school_renamed_apart_on_two_laptops_is_left_with_the_commands_to_join_it_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, _) = two_copies(dir.path());
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.rename_school("测试小学", "测试小学本部").unwrap();
        a.apply_import(&[Incoming::for_test("测试小学本部", "新生", &valid("45020220150101151"))], &[], 0, false)
            .unwrap();
        b.set_fixed_clock("2026-11-23T11:00:00+08:00");
        b.rename_school("测试小学", "测试小学分校").unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop(a);
        drop(b);
        let (a2, b2) = (dir.path().join("a2.db"), dir.path().join("b2.db"));
        Store::open(&a_path).unwrap().backup_to(&a2).unwrap();
        Store::open(&b_path).unwrap().backup_to(&b2).unwrap();
        let mut a_into_b = Store::open(&b2).unwrap();
        a_into_b.name_in_commands(Some(b2.clone()));
        let r1 = a_into_b.merge_from(&a_path, false).unwrap();
        let mut b_into_a = Store::open(&a2).unwrap();
        let r2 = b_into_a.merge_from(&b_path, false).unwrap();

        // B's rename is the newer: the three pupils both held are under B's name, A's new pupil under A's.
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            assert_eq!(r.conflicts.len(), 3, "{r:?}");
            let mut schools = s.schools().unwrap();
            schools.sort();
            assert_eq!(schools, ["测试小学分校", "测试小学本部"], "{r:?}");
        }
        assert_eq!(schools_by_name(&a_into_b), schools_by_name(&b_into_a));
        let command = |drive: Option<&Path>, from: &str, to: &str| {
            crate::words::canbao_command(drive, &format!("school rename {from} {to} --merge"))
        };
        let b2_named = Some(b2.as_path());
        assert_eq!(
            r1.school_renames,
            [SchoolRename::Apart {
                old: "测试小学".into(),
                ours: "测试小学分校".into(),
                theirs: "测试小学本部".into(),
                ours_pupils: 3,
                theirs_pupils: 1,
                to_ours: Some(command(b2_named, "测试小学本部", "测试小学分校")),
                to_theirs: Some(command(b2_named, "测试小学分校", "测试小学本部")),
            }]
        );
        assert!(r1.school_renames.iter().all(|r| format!("{r:?}").contains("--db")), "{r1:?}");
        assert_eq!(
            r2.school_renames,
            [SchoolRename::Apart {
                old: "测试小学".into(),
                ours: "测试小学本部".into(),
                theirs: "测试小学分校".into(),
                ours_pupils: 1,
                theirs_pupils: 3,
                to_ours: Some(command(None, "测试小学分校", "测试小学本部")),
                to_theirs: Some(command(None, "测试小学本部", "测试小学分校")),
            }]
        );
    }

    /// B renamed the school to a name A had meanwhile given another school's pupils: the pupil A still held under
    /// the old name is not moved into that school on a guess. Both ways alike, with the command that would.
    #[test]
    fn a_rename_onto_a_school_the_other_laptop_already_has_is_not_followed_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, _) = two_copies(dir.path());
        b.set_fixed_clock("2026-11-23T10:00:00+08:00");
        b.rename_school("测试小学", "实验小学").unwrap();
        a.set_fixed_clock("2026-11-23T10:30:00+08:00");
        let rows = [
            Incoming::for_test("实验小学", "别校生", &valid("45020220150101161")),
            pupil("新生", &valid("45020220150101151")),
        ];
        a.apply_import(&rows, &[], 0, false).unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        let taken = |here| SchoolRename::NameTaken {
            old: "测试小学".into(),
            new: "实验小学".into(),
            here,
            left: 1,
            command: "canbao school rename 测试小学 实验小学 --merge".into(),
        };
        assert_eq!(r1.school_renames, [taken(true)], "{r1:?}");
        assert_eq!(r2.school_renames, [taken(false)], "{r2:?}");
        assert_eq!(schools_by_name(&a_into_b), schools_by_name(&b_into_a));
        assert_eq!(by_id(&a_into_b, &valid("45020220150101151")).school, "测试小学");
    }

    #[test]
    fn a_number_corrected_on_one_laptop_and_a_payment_on_the_other_meet_after_an_earlier_merge_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b) = copies_of_the_merged_drive(dir.path());
        let number = valid("45020220150101123");
        a.set_fixed_clock("2026-11-24T10:00:00+08:00");
        let edit = super::super::IdentityEdit { id_number: Some(number.clone()), ..Default::default() };
        a.correct_identity(by_name(&a, "孙芳琳").id, &edit).unwrap();
        b.set_fixed_clock("2026-11-24T10:05:00+08:00");
        let details = PaymentDetails { amount_fen: Some(40000), ..Default::default() };
        b.set_payment(by_name(&b, "孙芳琳").id, PaymentStatus::Paid, &details).unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            assert_eq!((r.added, r.updated), (0, 1), "{r:?}");
            assert_eq!(s.students(&Default::default()).unwrap().len(), 3, "{r:?}");
            let sun = by_name(s, "孙芳琳");
            assert_eq!((sun.id_number.as_str(), sun.payment), (number.as_str(), PaymentStatus::Paid), "{r:?}");
        }
        assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a));
    }

    fn mark_of(name: &str, department: &str) -> crate::domain::student::CategoryMark {
        crate::domain::student::CategoryMark { name: name.into(), department: department.into(), year: None }
    }

    fn category_names(s: &Store, id: &str) -> Vec<String> {
        by_id(s, id).categories.iter().map(|c| c.name.clone()).collect()
    }

    #[test]
    fn categories_certified_apart_on_two_laptops_are_united_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.set_categories(by_id(&a, &ids[0]).id, &[mark_of("低保对象", "民政局")]).unwrap();
        b.set_fixed_clock("2026-11-23T10:01:00+08:00");
        b.set_categories(by_id(&b, &ids[0]).id, &[mark_of("孤儿", "民政局儿童福利科")]).unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            assert!(r.conflicts.is_empty(), "two certifications, neither undone: {r:?}");
            assert_eq!(category_names(s, &ids[0]), ["低保对象", "孤儿"], "{r:?}");
            let departments: Vec<String> = by_id(s, &ids[0]).categories.iter().map(|c| c.department.clone()).collect();
            assert_eq!(departments, ["民政局", "民政局儿童福利科"]);
        }
        let (a_path, mut b_into_a) = (a_into_b.path().unwrap().to_owned(), b_into_a);
        drop(a_into_b);
        let again = b_into_a.merge_from(&a_path, false).unwrap();
        assert_eq!((again.updated, again.conflicts.len()), (0, 0), "{again:?}");
    }

    /// Certified apart in one second (a tax office's and a civil affairs list reconciled on two laptops at once),
    /// then merged one way and back: the second merge takes the first's union, where the copied certification of
    /// the same second looked like the first laptop's newest categories change and the union was never copied.
    #[test]
    fn categories_certified_apart_in_one_second_converge_when_merged_there_and_back() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let b_path = b.path().unwrap().to_owned();
        for s in [&mut a, &mut b] {
            s.set_fixed_clock("2026-11-23T10:00:00+08:00");
        }
        b.set_categories(by_id(&b, &ids[0]).id, &[mark_of("低保对象", "民政")]).unwrap();
        a.set_categories(by_id(&a, &ids[0]).id, &[mark_of("特困人员", "民政")]).unwrap();
        drop(b);
        let there = a.merge_from(&b_path, false).unwrap();
        assert_eq!(category_names(&a, &ids[0]), ["低保对象", "特困人员"], "{there:?}");
        let a_path = a.path().unwrap().to_owned();
        drop(a);
        let mut b = Store::open(&b_path).unwrap();
        let back = b.merge_from(&a_path, false).unwrap();
        assert_eq!(category_names(&b, &ids[0]), ["低保对象", "特困人员"], "{back:?}");
        let a = Store::open(&a_path).unwrap();
        assert_eq!(snapshot(&a), snapshot(&b));
        drop(a);
        let again = b.merge_from(&a_path, false).unwrap();
        assert_eq!((again.updated, again.conflicts.len()), (0, 0), "{again:?}");
    }

    /// Two copies in the drive's second year, the pupil's 重度残疾人 certified in the first and carried over.
    fn two_copies_with_a_carried_category(dir: &Path) -> (Store, Store, Vec<String>, i32) {
        let (a, b, ids) = two_copies_after(dir, |s, ids| {
            s.set_categories(by_id(s, &ids[0]).id, &[mark_of("重度残疾人", "残联")]).unwrap();
            let next = s.current_year().unwrap() + 1;
            s.start_year(next, false, None, false).unwrap();
        });
        let year = a.current_year().unwrap();
        (a, b, ids, year)
    }

    /// Each category's certification year: the union keeps the later one per category, so a category certified
    /// this year on one laptop does not certify the other laptop's carried one (待重新认定).
    fn years_of(s: &Store, id: &str) -> Vec<(String, Option<i32>)> {
        by_id(s, id).categories.iter().map(|c| (c.name.clone(), c.year)).collect()
    }

    #[test]
    fn categories_added_apart_in_the_new_year_leave_a_carried_one_to_certify_again_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids, year) = two_copies_with_a_carried_category(dir.path());
        a.set_fixed_clock("2027-11-23T10:00:00+08:00");
        let held = by_id(&a, &ids[0]).categories;
        a.set_categories(by_id(&a, &ids[0]).id, &[held.clone(), vec![mark_of("低保对象", "民政")]].concat()).unwrap();
        b.set_fixed_clock("2027-11-23T10:01:00+08:00");
        b.set_categories(by_id(&b, &ids[0]).id, &[held, vec![mark_of("孤儿", "民政")]].concat()).unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            assert!(r.conflicts.is_empty(), "{r:?}");
            let expected = [("低保对象", Some(year)), ("孤儿", Some(year)), ("重度残疾人", Some(year - 1))];
            let expected: Vec<(String, Option<i32>)> = expected.iter().map(|(n, y)| ((*n).to_owned(), *y)).collect();
            assert_eq!(years_of(s, &ids[0]), expected, "{r:?}");
            assert!(!s.categories_certified(by_id(s, &ids[0]).id).unwrap(), "{r:?}");
            assert_eq!(s.categories_to_recertify().unwrap(), 1, "{r:?}");
        }
    }

    #[test]
    fn a_carried_category_certified_on_one_laptop_and_another_added_on_the_other_are_both_this_years_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids, year) = two_copies_with_a_carried_category(dir.path());
        a.set_fixed_clock("2027-11-23T10:00:00+08:00");
        let held = by_id(&a, &ids[0]).categories;
        a.set_categories(by_id(&a, &ids[0]).id, &[held, vec![mark_of("低保对象", "民政")]].concat()).unwrap();
        // Certified again on the other laptop, alone.
        b.set_fixed_clock("2027-11-23T10:01:00+08:00");
        b.set_categories(by_id(&b, &ids[0]).id, &[mark_of("重度残疾人", "残联")]).unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            assert!(r.conflicts.is_empty(), "{r:?}");
            let expected = [("低保对象", Some(year)), ("重度残疾人", Some(year))];
            let expected: Vec<(String, Option<i32>)> = expected.iter().map(|(n, y)| ((*n).to_owned(), *y)).collect();
            assert_eq!(years_of(s, &ids[0]), expected, "{r:?}");
            assert!(s.categories_certified(by_id(s, &ids[0]).id).unwrap(), "{r:?}");
        }
        assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a));
        let (a_path, mut b_into_a) = (a_into_b.path().unwrap().to_owned(), b_into_a);
        drop(a_into_b);
        let again = b_into_a.merge_from(&a_path, false).unwrap();
        assert_eq!((again.updated, again.conflicts.len()), (0, 0), "{again:?}");
    }

    /// A categories row from before rows carried their year (none in `audit.year`) is the pupil's, as it always
    /// was: it cannot tell which year the laptop was in, so it goes onto the pupil row only and the year A has
    /// closed keeps its categories. The same row with its year goes into that year as well.
    #[test]
    fn a_categories_row_without_its_year_stays_the_pupils_and_one_with_it_reaches_the_closed_year() {
        for stamped in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let (mut a, mut b, ids) = two_copies(dir.path());
            let year = a.current_year().unwrap();
            a.start_year(year + 1, false, None, false).unwrap();
            b.set_categories(by_id(&b, &ids[0]).id, &[mark_of("特困人员", "民政")]).unwrap();
            let b_path = b.path().unwrap().to_owned();
            if !stamped {
                let trigger: String = b
                    .conn
                    .query_row("SELECT sql FROM sqlite_master WHERE name = 'audit_no_update'", [], |r| r.get(0))
                    .unwrap();
                b.conn
                    .execute_batch(&format!(
                        "DROP TRIGGER audit_no_update;
                         UPDATE audit SET year = NULL WHERE field IN ('categories', 'categories_year');
                         {trigger};"
                    ))
                    .unwrap();
            }
            drop(b);
            let report = a.merge_from(&b_path, false).unwrap();
            assert_eq!(category_names(&a, &ids[0]), ["特困人员"], "the pupil's, either way: {report:?}");
            a.view_year(year).unwrap();
            let closed: &[&str] = if stamped { &["特困人员"] } else { &[] };
            assert_eq!(category_names(&a, &ids[0]), closed, "stamped {stamped}: {report:?}");
            a.view_current_year().unwrap();
        }
    }

    /// This year's certification on A stands on the pupil row (a laptop still in last year does not undo it),
    /// while B's certification made in last year goes into last year, which the report names: nothing on this
    /// year's roster shows it.
    #[test]
    fn a_category_certified_in_a_closed_year_under_this_years_certification_goes_into_that_year_only() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let year = a.current_year().unwrap();
        a.start_year(year + 1, false, None, false).unwrap();
        a.set_categories(by_id(&a, &ids[0]).id, &[mark_of("低保对象", "民政")]).unwrap();
        b.set_categories(by_id(&b, &ids[0]).id, &[mark_of("特困人员", "民政")]).unwrap();
        let b_path = b.path().unwrap().to_owned();
        drop(b);
        let report = a.merge_from(&b_path, false).unwrap();
        assert_eq!(category_names(&a, &ids[0]), ["低保对象"], "{report:?}");
        let closed: Vec<_> = report.into_closed_years.iter().map(|c| (c.year, c.fields.clone())).collect();
        assert_eq!(closed, [(year, vec![Field::Categories.key().to_owned()])], "{report:?}");
        a.view_year(year).unwrap();
        assert_eq!(category_names(&a, &ids[0]), ["特困人员"], "{report:?}");
        a.view_current_year().unwrap();
        let again = a.merge_from(&b_path, false).unwrap();
        assert_eq!((again.updated, again.into_closed_years.len()), (0, 0), "{again:?}");
    }

    /// A carried category (待重新认定) removed on one laptop and certified again on the other (a department's
    /// list), a minute apart in either order, alone or beside one certified this year: the newer change stands
    /// and is listed as a conflict, on both merges. Before, a certification again changed no category (only
    /// the set's year, or a list naming it as it was), so the removal won either way and no conflict was said.
    #[test]
    fn a_carried_category_removed_on_one_laptop_and_certified_again_on_the_other_is_a_conflict_both_ways() {
        for beside in [false, true] {
            for removal_newer in [false, true] {
                let dir = tempfile::tempdir().unwrap();
                let (mut a, mut b, ids) = two_copies_after(dir.path(), |s, ids| {
                    let id = by_id(s, &ids[0]).id;
                    s.set_categories(id, &[mark_of("重度残疾人", "残联")]).unwrap();
                    let next = s.current_year().unwrap() + 1;
                    s.start_year(next, false, None, false).unwrap();
                    if beside {
                        let held = by_id(s, &ids[0]).categories;
                        s.set_categories(id, &[held, vec![mark_of("低保对象", "民政")]].concat()).unwrap();
                    }
                });
                let year = a.current_year().unwrap();
                let others: Vec<_> =
                    by_id(&a, &ids[0]).categories.into_iter().filter(|c| c.name != "重度残疾人").collect();
                let (removed_at, certified_at) = if removal_newer {
                    ("2027-11-23T10:01:00+08:00", "2027-11-23T10:00:00+08:00")
                } else {
                    ("2027-11-23T10:00:00+08:00", "2027-11-23T10:01:00+08:00")
                };
                a.set_fixed_clock(removed_at);
                a.set_categories(by_id(&a, &ids[0]).id, &others).unwrap();
                b.set_fixed_clock(certified_at);
                let again = [others.clone(), vec![mark_of("重度残疾人", "残联")]].concat();
                b.set_categories(by_id(&b, &ids[0]).id, &again).unwrap();
                let mut expected: Vec<(String, Option<i32>)> =
                    others.iter().map(|c| (c.name.clone(), Some(year))).collect();
                if !removal_newer {
                    expected.push(("重度残疾人".to_owned(), Some(year)));
                }
                expected.sort();
                let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
                for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
                    let case = format!("beside {beside}, removal newer {removal_newer}: {r:?}");
                    assert_eq!(years_of(s, &ids[0]), expected, "{case}");
                    assert_eq!(r.conflicts.len(), 1, "{case}");
                    assert_eq!(r.conflicts[0].field, Field::Categories.key(), "{case}");
                }
                assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a));
            }
        }
    }

    /// A category removed on one laptop and given by another department on the other, both in last year, before
    /// A started this year (B still in last year, or having started it too): one conflict, listed once, though
    /// the change is settled on the pupil row and again in the year A has closed.
    #[test]
    fn a_category_conflict_made_in_a_year_closed_since_is_listed_once() {
        for b_moved_on in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let (mut a, mut b, ids) = two_copies_after(dir.path(), |s, ids| {
                s.set_categories(by_id(s, &ids[0]).id, &[mark_of("特困人员", "民政局")]).unwrap();
            });
            let year = a.current_year().unwrap();
            a.set_fixed_clock("2026-11-23T10:00:00+08:00");
            a.set_categories(by_id(&a, &ids[0]).id, &[]).unwrap();
            b.set_fixed_clock("2026-11-23T10:01:00+08:00");
            b.set_categories(by_id(&b, &ids[0]).id, &[mark_of("特困人员", "残联")]).unwrap();
            a.set_fixed_clock("2026-11-24T10:00:00+08:00");
            a.start_year(year + 1, false, None, false).unwrap();
            if b_moved_on {
                b.set_fixed_clock("2026-11-24T10:00:00+08:00");
                b.start_year(year + 1, false, None, false).unwrap();
            }
            let b_path = b.path().unwrap().to_owned();
            drop(b);
            let r = a.merge_from(&b_path, false).unwrap();
            assert_eq!(r.conflicts.len(), 1, "b moved on {b_moved_on}: {r:?}");
            assert_eq!(category_names(&a, &ids[0]), ["特困人员"], "the newer, B's: {r:?}");
            a.view_year(year).unwrap();
            assert_eq!(category_names(&a, &ids[0]), ["特困人员"], "last year's too: {r:?}");
        }
    }

    #[test]
    fn a_category_removed_on_one_laptop_and_another_added_on_the_other_are_both_kept_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies_after(dir.path(), |s, ids| {
            s.set_categories(by_id(s, &ids[0]).id, &[mark_of("特困", "民政局")]).unwrap();
        });
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.set_categories(by_id(&a, &ids[0]).id, &[]).unwrap();
        b.set_fixed_clock("2026-11-23T09:30:00+08:00");
        b.set_categories(by_id(&b, &ids[0]).id, &[mark_of("特困", "民政局"), mark_of("孤儿", "民政局")]).unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            assert!(r.conflicts.is_empty(), "{r:?}");
            assert_eq!(category_names(s, &ids[0]), ["孤儿"], "the removal and the addition both stand: {r:?}");
        }
    }

    #[test]
    fn every_field_belongs_to_one_group() {
        for f in fields::ALL_FIELDS {
            assert_eq!(GROUPS.iter().filter(|g| g.contains(&f)).count(), 1, "{f:?}");
        }
    }

    #[test]
    fn one_pupil_added_on_two_laptops_with_different_classes_merges_alike_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let number = valid("45020220150101121");
        let mut a = Store::open(&dir.path().join("a.db")).unwrap();
        a.set_fixed_clock("2026-11-23T09:00:00+08:00");
        a.apply_import(&[Incoming { phone: "13800000001".into(), ..pupil("赵一", &number) }], &[], 0, false).unwrap();
        let mut b = Store::open(&dir.path().join("b.db")).unwrap();
        b.set_fixed_clock("2026-11-23T09:30:00+08:00");
        let row = Incoming { class: "2班".into(), phone: "13900000002".into(), ..pupil("赵一", &number) };
        b.apply_import(&[row], &[], 0, false).unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a));
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            let p = by_id(s, &number);
            assert_eq!((p.class.as_str(), p.phone.as_str()), ("2班", "13900000002"), "the later list wins");
            let fields: Vec<&str> = r.conflicts.iter().map(|c| c.field.as_str()).collect();
            assert_eq!(fields, ["class", "phone"], "{r:?}");
            // The classes are named with their grade: 2班 alone says nothing of which grade's.
            let grade = Some("一年级".to_owned());
            assert_eq!(r.conflicts[0].grades, Some([grade.clone(), grade]), "{r:?}");
        }
    }

    #[test]
    fn newest_wins_by_instant_across_time_zones_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        // 10:00 in Beijing is 02:00 UTC: B's change at 03:00 UTC is the later one, though its text sorts first.
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.set_note(by_id(&a, &ids[0]).id, "北京时间十点").unwrap();
        b.set_fixed_clock("2026-11-23T03:00:00+00:00");
        b.set_note(by_id(&b, &ids[0]).id, "UTC 三点，较晚").unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a));
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            assert_eq!(by_id(s, &ids[0]).note, "UTC 三点，较晚");
            assert_eq!(r.conflicts.len(), 1, "{r:?}");
        }
        assert!(a_into_b.history(by_id(&a_into_b, &ids[0]).id).unwrap().iter().all(|h| h.at.ends_with('Z')));
    }

    /// A merges B, B merges A: B now holds A's payment, written there by its merge. A's operator then marks the
    /// pupil 已离校, a pupil B's operator never touched: the next merge either way is no conflict, for B's copy of
    /// A's payment is A's own change, not B's. A field both operators changed after the round trip still is.
    #[test]
    fn a_value_a_laptop_only_received_by_a_merge_is_no_conflict_after_a_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let paid = PaymentDetails { amount_fen: Some(40000), ..Default::default() };
        a.set_payment(by_id(&a, &ids[0]).id, PaymentStatus::Paid, &paid).unwrap();
        b.set_fixed_clock("2026-11-23T10:01:00+08:00");
        b.set_note(by_id(&b, &ids[1]).id, "乙记").unwrap();
        drop(b);
        a.set_fixed_clock("2026-11-23T10:02:00+08:00");
        assert!(a.merge_from(&b_path, false).unwrap().conflicts.is_empty());
        drop(a);
        let mut b = Store::open(&b_path).unwrap();
        b.set_fixed_clock("2026-11-23T10:03:00+08:00");
        assert!(b.merge_from(&a_path, false).unwrap().conflicts.is_empty());
        assert_eq!(by_id(&b, &ids[0]).payment, PaymentStatus::Paid, "B holds A's payment");
        let mut a = Store::open(&a_path).unwrap();
        a.set_fixed_clock("2026-11-23T10:04:00+08:00");
        a.set_enrollment(by_id(&a, &ids[0]).id, Enrollment::Left, None).unwrap();
        // Both operators write a note on the third pupil: that one is a real disagreement.
        a.set_note(by_id(&a, &ids[2]).id, "甲后记").unwrap();
        b.set_fixed_clock("2026-11-23T10:05:00+08:00");
        b.set_note(by_id(&b, &ids[2]).id, "乙后记").unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a));
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            let p = by_id(s, &ids[0]);
            assert_eq!((p.enrollment, p.payment), (Enrollment::Left, PaymentStatus::Paid), "{r:?}");
            let listed: Vec<(&str, &str, Option<&str>)> =
                r.conflicts.iter().map(|c| (c.name.as_str(), c.field.as_str(), c.lost.as_deref())).collect();
            assert_eq!(listed, [("学生2", "note", Some("甲后记"))], "only the real disagreement: {r:?}");
            assert_eq!(by_id(s, &ids[2]).note, "乙后记");
        }
    }

    /// B's clock runs 30 minutes ahead. A merges B's change, then A's operator changes the same thing at A-time
    /// 10:40, really after it: `edit` makes that change on A after A received B's. Merged either way, A's change
    /// stands, with no conflict, and the two files end alike.
    fn a_change_made_after_receiving_the_other_one_wins_whatever_the_clocks(
        b_edit: impl Fn(&mut Store, &[String]),
        a_edit: impl Fn(&mut Store, &[String]),
        check: impl Fn(&Store, &[String], &str),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let b_path = b.path().unwrap().to_owned();
        b.set_fixed_clock("2026-11-23T11:00:00+08:00");
        b_edit(&mut b, &ids);
        drop(b);
        a.set_fixed_clock("2026-11-23T10:35:00+08:00");
        let report = a.merge_from(&b_path, false).unwrap();
        assert!(report.conflicts.is_empty(), "{report:?}");
        a.set_fixed_clock("2026-11-23T10:40:00+08:00");
        a_edit(&mut a, &ids);
        check(&a, &ids, "A's own change");
        let b = Store::open(&b_path).unwrap();
        let ((mut a_into_b, r1), (mut b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        for (s, r, case) in [(&a_into_b, &r1, "B merged A"), (&b_into_a, &r2, "A merged B again")] {
            check(s, &ids, &format!("{case}: {r:?}"));
            assert!(r.conflicts.is_empty(), "{case}: {r:?}");
        }
        assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a));
        // And back the other way: both files hold A's change, and nothing is news any more.
        let (a2, b2) = (b_into_a.path().unwrap().to_owned(), a_into_b.path().unwrap().to_owned());
        let again = a_into_b.merge_from(&a2, false).unwrap();
        assert!(again.conflicts.is_empty() && again.updated == 0, "{again:?}");
        let again = b_into_a.merge_from(&b2, false).unwrap();
        assert!(again.conflicts.is_empty() && again.updated == 0, "{again:?}");
        check(&a_into_b, &ids, "B, merged again");
        check(&b_into_a, &ids, "A, merged again");
    }

    #[test]
    fn a_note_corrected_after_receiving_the_other_laptops_wins_though_its_clock_is_behind() {
        a_change_made_after_receiving_the_other_one_wins_whatever_the_clocks(
            |b, ids| {
                b.set_note(by_id(b, &ids[0]).id, "乙").unwrap();
            },
            |a, ids| {
                a.set_note(by_id(a, &ids[0]).id, "甲改").unwrap();
            },
            |s, ids, case| assert_eq!(by_id(s, &ids[0]).note, "甲改", "{case}"),
        );
    }

    #[test]
    fn a_payment_and_an_enrollment_changed_after_receiving_the_other_laptops_win_though_its_clock_is_behind() {
        a_change_made_after_receiving_the_other_one_wins_whatever_the_clocks(
            |b, ids| {
                let paid = PaymentDetails { amount_fen: Some(38000), ..Default::default() };
                b.set_payment(by_id(b, &ids[0]).id, PaymentStatus::Paid, &paid).unwrap();
                b.set_enrollment(by_id(b, &ids[1]).id, Enrollment::Here, None).unwrap();
            },
            |a, ids| {
                let paid = PaymentDetails { amount_fen: Some(40000), ..Default::default() };
                a.set_payment(by_id(a, &ids[0]).id, PaymentStatus::Paid, &paid).unwrap();
                a.set_enrollment(by_id(a, &ids[1]).id, Enrollment::Declined, Some("外地")).unwrap();
            },
            |s, ids, case| {
                let p = by_id(s, &ids[0]);
                assert_eq!((p.payment, p.payment_details.amount_fen), (PaymentStatus::Paid, Some(40000)), "{case}");
                let p = by_id(s, &ids[1]);
                assert_eq!((p.enrollment, p.decline_reason.as_deref()), (Enrollment::Declined, Some("外地")), "{case}");
            },
        );
    }

    /// Two changes neither laptop saw before making its own are a conflict, whatever the clocks: decided by
    /// instant, as the clocks give them, and listed both ways.
    #[test]
    fn changes_made_apart_with_skewed_clocks_are_still_a_conflict_decided_by_instant() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        // An earlier round trip, so each laptop holds copies of the other's events.
        b.set_fixed_clock("2026-11-23T11:00:00+08:00");
        b.set_note(by_id(&b, &ids[1]).id, "乙先").unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop(b);
        a.set_fixed_clock("2026-11-23T10:35:00+08:00");
        a.merge_from(&b_path, false).unwrap();
        drop(a);
        let mut b = Store::open(&b_path).unwrap();
        b.set_fixed_clock("2026-11-23T11:06:00+08:00");
        b.merge_from(&a_path, false).unwrap();
        let mut a = Store::open(&a_path).unwrap();
        // Now each changes the first pupil's note without the other's: A's is really later, but its clock is
        // 30 minutes behind, so by instant B's is newer.
        a.set_fixed_clock("2026-11-23T10:40:00+08:00");
        a.set_note(by_id(&a, &ids[0]).id, "甲").unwrap();
        b.set_fixed_clock("2026-11-23T11:08:00+08:00");
        b.set_note(by_id(&b, &ids[0]).id, "乙").unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a));
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            assert_eq!(by_id(s, &ids[0]).note, "乙", "{r:?}");
            let listed: Vec<_> =
                r.conflicts.iter().map(|c| (c.field.as_str(), c.kept.as_deref(), c.lost.as_deref())).collect();
            assert_eq!(listed, [("note", Some("乙"), Some("甲"))], "{r:?}");
        }
    }

    /// A merges B's note, B's operator changes it again, A merges B again: B changed a value that A only
    /// received from B, which is no conflict, whenever A's merge wrote it.
    #[test]
    fn a_second_merge_of_a_change_to_a_value_merged_in_before_is_no_conflict() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let b_path = b.path().unwrap().to_owned();
        b.set_fixed_clock("2026-11-23T10:00:00+08:00");
        b.set_note(by_id(&b, &ids[0]).id, "一").unwrap();
        a.set_fixed_clock("2026-11-23T10:30:00+08:00");
        a.merge_from(&b_path, false).unwrap();
        b.set_fixed_clock("2026-11-23T10:40:00+08:00");
        b.set_note(by_id(&b, &ids[0]).id, "二").unwrap();
        drop(b);
        a.set_fixed_clock("2026-11-23T10:50:00+08:00");
        let report = a.merge_from(&b_path, false).unwrap();
        assert_eq!(by_id(&a, &ids[0]).note, "二", "{report:?}");
        assert!(report.conflicts.is_empty(), "{report:?}");
    }

    #[test]
    fn a_quick_correction_in_the_same_second_still_arrives_after_the_entry_it_corrects() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, b, ids) = two_copies(dir.path());
        let b_path = b.path().unwrap().to_owned();
        let edit_b = |b: Store, note: &str| {
            let mut b = b;
            // Instants have whole seconds: the correction ties with the entry it corrects.
            b.set_fixed_clock("2026-11-23T10:00:00+08:00");
            let id = by_id(&b, &ids[0]).id;
            b.set_note(id, note).unwrap();
        };
        edit_b(b, "一");
        a.merge_from(&b_path, false).unwrap();
        assert_eq!(by_id(&a, &ids[0]).note, "一");
        edit_b(Store::open(&b_path).unwrap(), "二");
        let report = a.merge_from(&b_path, false).unwrap();
        assert_eq!(by_id(&a, &ids[0]).note, "二", "{report:?}");
        assert!(report.conflicts.is_empty(), "{report:?}");
    }

    #[test]
    fn an_old_file_with_local_offsets_still_orders_against_utc() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        b.set_fixed_clock("2026-11-23T03:00:00Z");
        b.set_note(by_id(&b, &ids[0]).id, "较晚").unwrap();
        // A file from before UTC instants: its change is stamped with the local offset as text.
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.set_note(by_id(&a, &ids[0]).id, "较早").unwrap();
        a.connection().execute("DROP TRIGGER audit_no_update", []).unwrap();
        a.connection().execute("UPDATE audit SET at = '2026-11-23T10:00:00+08:00' WHERE field = 'note'", []).unwrap();
        let ((a_into_b, _), (b_into_a, _)) = merge_both_ways(dir.path(), a, b);
        assert_eq!(by_id(&a_into_b, &ids[0]).note, "较晚");
        assert_eq!(by_id(&b_into_a, &ids[0]).note, "较晚");
    }

    /// A payment's status, amount, date and channel are one fact: paid on one laptop and 财政代缴 on the other
    /// never keeps the family's amount under 财政代缴. Made apart, the payment stands whole (see
    /// `payment_stands`); 财政代缴 marked after receiving the payment wins whole, with no amount left.
    #[test]
    fn paid_on_one_side_and_government_on_the_other_keep_no_family_amount() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let details = PaymentDetails {
            amount_fen: Some(38000),
            paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 23),
            channel: Some("微信".into()),
        };
        a.set_payment(by_id(&a, &ids[0]).id, PaymentStatus::Paid, &details).unwrap();
        b.set_fixed_clock("2026-11-23T11:00:00+08:00");
        b.set_payment(by_id(&b, &ids[0]).id, PaymentStatus::Government, &PaymentDetails::default()).unwrap();
        let ((mut a_into_b, _), (b_into_a, _)) = merge_both_ways(dir.path(), a, b);
        for s in [&a_into_b, &b_into_a] {
            let p = by_id(s, &ids[0]);
            assert_eq!((p.payment, &p.payment_details), (PaymentStatus::Paid, &details), "{p:?}");
        }
        // B's operator, now holding the payment, marks 财政代缴 after all.
        a_into_b.set_fixed_clock("2026-11-23T11:30:00+08:00");
        a_into_b
            .set_payment(by_id(&a_into_b, &ids[0]).id, PaymentStatus::Government, &PaymentDetails::default())
            .unwrap();
        let ((a_into_b, _), (b_into_a, _)) = merge_both_ways(&dir.path().join("again"), b_into_a, a_into_b);
        for s in [&a_into_b, &b_into_a] {
            let p = by_id(s, &ids[0]);
            assert_eq!(p.payment, PaymentStatus::Government);
            assert_eq!(p.payment_details, PaymentDetails::default(), "{p:?}");
        }
    }

    /// The payment A took, 380 yuan by 微信, as each test of a payment standing records it.
    fn family_payment() -> PaymentDetails {
        PaymentDetails {
            amount_fen: Some(38000),
            paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
            channel: Some("微信".into()),
        }
    }

    /// A takes a family's payment; B, which never saw it, changes the same pupil's payment otherwise: 财政代缴,
    /// a payment taken and taken back, 已缴费 without the money. Whichever change is newer by the clocks, the
    /// payment stands, merged either way; B's value is the conflict's lost one, the payment naming it when B's
    /// change was the later (the merge then says it kept the payment over a later change), and nothing is news
    /// a second time. B's operator, once holding the payment, can still change it: that change wins, whatever
    /// B's clock says.
    #[test]
    fn a_recorded_payment_stands_over_a_change_made_apart_whichever_is_newer_both_ways() {
        type Change = fn(&mut Store, i64);
        let cases: [(&str, Change, &str); 3] = [
            (
                "government",
                |b, id| {
                    b.set_payment(id, PaymentStatus::Government, &PaymentDetails::default()).unwrap();
                },
                "government",
            ),
            (
                "taken back",
                |b, id| {
                    let paid = PaymentDetails { amount_fen: Some(20000), ..Default::default() };
                    b.set_payment(id, PaymentStatus::Paid, &paid).unwrap();
                    b.set_payment(id, PaymentStatus::Unpaid, &PaymentDetails::default()).unwrap();
                },
                "unpaid",
            ),
            (
                "paid without the money",
                |b, id| {
                    b.set_payment(id, PaymentStatus::Paid, &PaymentDetails::default()).unwrap();
                },
                "paid",
            ),
        ];
        for (what, change, lost) in cases {
            for b_later in [true, false] {
                let case = format!("{what}, B's change later: {b_later}");
                let dir = tempfile::tempdir().unwrap();
                let (mut a, mut b, ids) = two_copies(dir.path());
                let (pay_at, change_at) = if b_later {
                    ("2026-11-23T10:00:00+08:00", "2026-11-23T10:05:00+08:00")
                } else {
                    ("2026-11-23T10:05:00+08:00", "2026-11-23T10:00:00+08:00")
                };
                a.set_fixed_clock(pay_at);
                a.set_payment(by_id(&a, &ids[0]).id, PaymentStatus::Paid, &family_payment()).unwrap();
                b.set_fixed_clock(change_at);
                let pupil = by_id(&b, &ids[0]).id;
                change(&mut b, pupil);
                let ((mut a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
                assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a), "{case}");
                for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
                    let p = by_id(s, &ids[0]);
                    assert_eq!((p.payment, &p.payment_details), (PaymentStatus::Paid, &family_payment()), "{case}");
                    let status = r.conflicts.iter().find(|c| c.field == "payment");
                    let status = status.map(|c| (c.kept.as_deref(), c.lost.as_deref()));
                    if lost != "paid" {
                        assert_eq!(status, Some((Some("paid"), Some(lost))), "{case}: {r:?}");
                    }
                    let amount = r.conflicts.iter().find(|c| c.field == "paid_amount_fen");
                    assert_eq!(amount.map(|c| c.kept.as_deref()), Some(Some("38000")), "{case}: {r:?}");
                    let named = if b_later { Some("paid") } else { None };
                    assert!(r.conflicts.iter().all(|c| c.payment_kept.as_deref() == named), "{case}: {r:?}");
                    assert_eq!(r.payments_kept_over_later, usize::from(b_later), "{case}: {r:?}");
                }
                // A's merge kept its payment: B's value is recorded in A's history as the one that lost.
                let lost_here: Vec<_> = b_into_a
                    .history(by_id(&b_into_a, &ids[0]).id)
                    .unwrap()
                    .into_iter()
                    .filter(|h| h.field == "payment:conflict_lost")
                    .map(|h| (h.old, h.new))
                    .collect();
                if lost != "paid" {
                    assert_eq!(lost_here, [(Some(lost.to_owned()), Some("paid".to_owned()))], "{case}");
                }
                let (a_path, b_path) = (dir.path().join("a.db"), dir.path().join("b.db"));
                let mut b_into_a = b_into_a;
                for (s, from) in [(&mut a_into_b, &a_path), (&mut b_into_a, &b_path)] {
                    let again = s.merge_from(from, false).unwrap();
                    assert!(again.conflicts.is_empty() && again.updated == 0, "{case}: {again:?}");
                    assert_eq!(again.payments_kept_over_later, 0, "{case}: {again:?}");
                }
                // B, holding the payment now, takes it back on purpose, its clock behind A's payment.
                a_into_b.set_fixed_clock("2026-11-23T09:00:00+08:00");
                a_into_b.set_payment(by_id(&a_into_b, &ids[0]).id, PaymentStatus::Unpaid, &Default::default()).unwrap();
                let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(&dir.path().join("again"), b_into_a, a_into_b);
                for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
                    let p = by_id(s, &ids[0]);
                    assert_eq!((p.payment, p.payment_details.amount_fen), (PaymentStatus::Unpaid, None), "{case}");
                    assert!(r.conflicts.is_empty() && r.payments_kept_over_later == 0, "{case}: {r:?}");
                }
            }
        }
    }

    /// Both laptops hold a family's payment; A fixes its channel while B takes it back (a refund, 重复缴费已退).
    /// B took back a payment it held: the newer of the two changes wins, merged either way, as any two do; where
    /// A's channel fix made the payment stand over B's as a change made without knowing of it.
    #[test]
    fn a_payment_both_laptops_held_taken_back_on_one_while_the_other_fixes_its_channel_goes_to_the_newer() {
        for b_later in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let (mut a, mut b, ids) = two_copies_after(dir.path(), |a, ids| {
                a.set_payment(by_id(a, &ids[0]).id, PaymentStatus::Paid, &family_payment()).unwrap();
            });
            let (fix_at, back_at) = if b_later {
                ("2026-11-23T10:00:00+08:00", "2026-11-23T10:00:01+08:00")
            } else {
                ("2026-11-23T10:00:01+08:00", "2026-11-23T10:00:00+08:00")
            };
            a.set_fixed_clock(fix_at);
            let fixed = PaymentDetails { channel: Some("支付宝".into()), ..family_payment() };
            a.set_payment(by_id(&a, &ids[0]).id, PaymentStatus::Paid, &fixed).unwrap();
            b.set_fixed_clock(back_at);
            b.set_payment(by_id(&b, &ids[0]).id, PaymentStatus::Unpaid, &PaymentDetails::default()).unwrap();
            let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
            assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a), "B later: {b_later}");
            for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
                let p = by_id(s, &ids[0]);
                if b_later {
                    assert_eq!((p.payment, p.payment_details.amount_fen), (PaymentStatus::Unpaid, None), "{r:?}");
                } else {
                    assert_eq!((p.payment, &p.payment_details), (PaymentStatus::Paid, &fixed), "{r:?}");
                }
                assert_eq!(r.payments_kept_over_later, 0, "{r:?}");
                assert!(r.conflicts.iter().all(|c| c.payment_kept.is_none()), "{r:?}");
                assert!(r.conflicts.iter().any(|c| c.field == "payment"), "listed as a conflict: {r:?}");
            }
        }
    }

    /// A tax list confirmed on A the amount A holds (a row of the log with the same old and new amount) after B
    /// fixed the payment's channel: the confirmation changes nothing, so B's fix reaches A and stays on B, where
    /// the confirmation, newer, won as A's change to the payment and undid B's fix on both laptops.
    #[test]
    fn a_tax_lists_confirmation_of_the_amount_held_does_not_outweigh_a_change_made_apart() {
        let dir = tempfile::tempdir().unwrap();
        let (a, mut b, ids) = two_copies_after(dir.path(), |a, ids| {
            a.set_payment(by_id(a, &ids[0]).id, PaymentStatus::Paid, &family_payment()).unwrap();
        });
        b.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let fixed = PaymentDetails { channel: Some("支付宝".into()), ..family_payment() };
        b.set_payment(by_id(&b, &ids[0]).id, PaymentStatus::Paid, &fixed).unwrap();
        a.conn
            .execute(
                "INSERT INTO audit(at, operator, origin, action, student_id, id_number, field, old, new, year)
                 SELECT '2026-11-23T02:05:00Z', '甲', 'taxlist', 'reconcile', id, id_number, 'paid_amount_fen',
                        '38000', '38000', NULL FROM students WHERE id_number = ?1",
                [&ids[0]],
            )
            .unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            let p = by_id(s, &ids[0]);
            assert_eq!((p.payment, &p.payment_details), (PaymentStatus::Paid, &fixed), "{r:?}");
            assert!(r.conflicts.is_empty(), "{r:?}");
        }
    }

    /// A takes a payment and takes it back (未缴费, 未确认 again) while B, its clock a day behind, takes the same
    /// family's payment: B's stands, and with it the enrollment it was taken with (在校参保), where A's newer
    /// 未确认 was applied beside it, a pair no mark makes (paid, 未确认), which the roster showed as 在校参保 and
    /// the detail screen and `find` as 未确认.
    #[test]
    fn a_payment_that_stands_keeps_the_enrollment_it_was_taken_with_over_an_unconfirmed_made_apart() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        b.set_fixed_clock("2026-11-22T10:00:00+08:00");
        b.set_payment(by_id(&b, &ids[0]).id, PaymentStatus::Paid, &family_payment()).unwrap();
        assert_eq!(by_id(&b, &ids[0]).enrollment, Enrollment::Here);
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.set_payment(by_id(&a, &ids[0]).id, PaymentStatus::Paid, &family_payment()).unwrap();
        a.set_fixed_clock("2026-11-23T10:01:00+08:00");
        let pupil = by_id(&a, &ids[0]).id;
        a.set_payment(pupil, PaymentStatus::Unpaid, &PaymentDetails::default()).unwrap();
        a.set_enrollment(pupil, Enrollment::Unknown, None).unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a));
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            let p = by_id(s, &ids[0]);
            assert_eq!((p.enrollment, p.payment), (Enrollment::Here, PaymentStatus::Paid), "{r:?}");
        }
    }

    /// B merged A's payment, which stood over B's 财政代缴 stamped later; A, which never saw that 财政代缴, then
    /// corrects the amount, its clock still before B's stamp. B's overruled 财政代缴 is no longer B's newest
    /// change to the payment: A's correction reaches B as any change after the payment B holds, without a
    /// conflict, and A keeps it.
    #[test]
    fn a_payment_corrected_after_it_stood_over_a_later_change_reaches_the_laptop_that_made_it() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.set_payment(by_id(&a, &ids[0]).id, PaymentStatus::Paid, &family_payment()).unwrap();
        b.set_fixed_clock("2026-11-23T10:10:00+08:00");
        b.set_payment(by_id(&b, &ids[0]).id, PaymentStatus::Government, &PaymentDetails::default()).unwrap();
        let first = b.merge_from(&a_path, false).unwrap();
        assert_eq!(first.payments_kept_over_later, 1, "{first:?}");
        a.set_fixed_clock("2026-11-23T10:05:00+08:00");
        let corrected = PaymentDetails { amount_fen: Some(35000), ..family_payment() };
        a.set_payment(by_id(&a, &ids[0]).id, PaymentStatus::Paid, &corrected).unwrap();
        drop(b);
        let b = Store::open(&b_path).unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(&dir.path().join("after"), a, b);
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            let p = by_id(s, &ids[0]);
            assert_eq!((p.payment, &p.payment_details), (PaymentStatus::Paid, &corrected), "{r:?}");
            assert!(r.conflicts.is_empty() && r.decided_there.is_empty(), "{r:?}");
        }
    }

    /// One laptop takes a payment, the other marks the same pupil 不参保, 异地参保 or 已离校 without having seen
    /// it: the payment stands and the enrollment is not applied, whichever way the files are merged and whichever
    /// was newer, and the report names the payment kept, as the county's push does with the two files pushed
    /// apart (an 已离校 after the payment is marked again where the payment is held). A department's payment
    /// for a pupil insured elsewhere merges as any two groups do.
    #[test]
    fn a_payment_stands_against_an_enrollment_marked_apart_that_contradicts_it() {
        let cases = [
            (Enrollment::Declined, Some("家长拒绝"), PaymentStatus::Paid),
            (Enrollment::Elsewhere, Some("外省"), PaymentStatus::Paid),
            (Enrollment::Left, None, PaymentStatus::Government),
            (Enrollment::Left, None, PaymentStatus::Paid),
            (Enrollment::Elsewhere, Some("外省"), PaymentStatus::Government),
        ];
        for (enrollment, reason, payment) in cases {
            for payment_first in [true, false] {
                let case = format!("{enrollment:?} {payment:?}, payment first: {payment_first}");
                let dir = tempfile::tempdir().unwrap();
                // Enrolled here before the copies were made: the payment then changes no enrollment of its own.
                let (mut a, mut b, ids) = two_copies_after(dir.path(), |a, ids| {
                    a.set_enrollment(by_id(a, &ids[0]).id, Enrollment::Here, None).unwrap();
                });
                let (pay_at, mark_at) = if payment_first {
                    ("2026-11-23T10:00:00+08:00", "2026-11-23T10:00:05+08:00")
                } else {
                    ("2026-11-23T10:00:05+08:00", "2026-11-23T10:00:00+08:00")
                };
                a.set_fixed_clock(pay_at);
                let details = PaymentDetails { amount_fen: Some(40000), ..Default::default() };
                a.set_payment(by_id(&a, &ids[0]).id, payment, &details).unwrap();
                b.set_fixed_clock(mark_at);
                b.set_enrollment(by_id(&b, &ids[0]).id, enrollment, reason).unwrap();
                let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
                assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a), "{case}");
                // Whatever the clocks: changes made apart have no order but theirs.
                let contradicts = Standing::new(enrollment, payment).payment_contradicts_enrollment();
                for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
                    let p = by_id(s, &ids[0]);
                    assert_eq!(p.payment, payment, "{case}: the payment stands: {r:?}");
                    let listed: Vec<_> = r
                        .conflicts
                        .iter()
                        .map(|c| (c.field.as_str(), c.kept.as_deref(), c.lost.as_deref(), c.payment_kept.as_deref()))
                        .collect();
                    if contradicts {
                        assert_eq!((p.enrollment, p.decline_reason.as_deref()), (Enrollment::Here, None), "{case}");
                        let mut expected =
                            vec![("enrollment", Some("here"), Some(enrollment.code()), Some(payment.code()))];
                        if let Some(reason) = reason {
                            expected.push(("decline_reason", None, Some(reason), Some(payment.code())));
                        }
                        assert_eq!(listed, expected, "{case}");
                        let c = &r.conflicts[0];
                        let same = |a: &str, b: &str| crate::store::instant::cmp(a, b).is_eq();
                        assert!(same(&c.kept_at, pay_at) && same(&c.lost_at, mark_at), "{case}: {c:?}");
                        // The summary's count of payments kept over a later change counts this one when the
                        // enrollment not applied was the later: once, for the pupil's two fields.
                        assert_eq!(r.payments_kept_over_later, usize::from(payment_first), "{case}: {r:?}");
                    } else {
                        assert_eq!(p.enrollment, enrollment, "{case}");
                        assert!(listed.iter().all(|c| c.3.is_none()), "{case}: {listed:?}");
                    }
                }
                for (mut s, from) in [(a_into_b, dir.path().join("a.db")), (b_into_a, dir.path().join("b.db"))] {
                    let (before, audit) = (snapshot(&s), s.audit_count().unwrap());
                    let again = s.merge_from(&from, false).unwrap();
                    assert_eq!((again.updated, again.audit_rows_copied), (0, 0), "{case}: {again:?}");
                    assert!(again.conflicts.is_empty(), "{case}: {again:?}");
                    assert_eq!((snapshot(&s), s.audit_count().unwrap()), (before, audit), "{case}");
                }
            }
        }
    }

    /// A reconciliation's receipts, as it writes them with the payment they make up.
    fn reconcile_receipts(s: &mut Store, id: &str, receipts: &[(&str, i64)]) {
        use crate::store::{Change, ChangeOptions, Payment, Receipt};
        let amount_fen = Some(receipts.iter().map(|r| r.1).sum());
        let paid = vec![Change::Payment(Payment::Paid { amount_fen, paid_on: None, channel: None })];
        let list: Vec<Receipt> = receipts
            .iter()
            .map(|&(number, fen)| Receipt {
                number: number.into(),
                amount_fen: Some(fen),
                paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 23),
                channel: Some("微信".into()),
            })
            .collect();
        let pupil = by_id(s, id).id;
        s.apply_changes_with_receipts("reconcile", &[(pupil, paid)], &[Some(list)], ChangeOptions::default()).unwrap();
    }

    /// The tax office's list records `id` paid 380 on 20 November, by bank, as `canbao reconcile` does.
    fn reconcile_by_bank(s: &mut Store, id: &str) {
        use crate::domain::student::PaymentChannel;
        use crate::store::{Change, ChangeOptions, Payment};
        let paid = vec![Change::Payment(Payment::Paid {
            amount_fen: Some(38000),
            paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
            channel: Some(PaymentChannel::Bank),
        })];
        let pupil = by_id(s, id).id;
        s.apply_changes_with_receipts("reconcile", &[(pupil, paid)], &[None], ChangeOptions::default()).unwrap();
    }

    /// The channel conflicts of a merge report as (kept, lost, whether the lost one was the tax office's record).
    fn channel_conflicts(conflicts: &[Conflict]) -> Vec<(Option<&str>, Option<&str>, bool)> {
        conflicts
            .iter()
            .filter(|c| c.field == "paid_channel")
            .map(|c| (c.kept.as_deref(), c.lost.as_deref(), c.tax_record_lost))
            .collect()
    }

    /// A reconciles the tax office's list (银行) while B, never having seen it, records the payment by hand a
    /// minute later (现金): the newer change wins as any, and whichever laptop merges, the line says the value
    /// dropped is the tax office's record.
    #[test]
    fn a_hand_entry_made_apart_over_the_tax_offices_record_says_the_record_was_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        a.set_fixed_clock("2026-11-24T10:00:00+08:00");
        reconcile_by_bank(&mut a, &ids[0]);
        b.set_fixed_clock("2026-11-24T10:01:00+08:00");
        let cash = PaymentDetails { channel: Some("现金".into()), ..family_payment() };
        b.set_payment(by_id(&b, &ids[0]).id, PaymentStatus::Paid, &cash).unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop((a, b));
        for (case, first, second) in [("A first", &a_path, &b_path), ("B first", &b_path, &a_path)] {
            let case_dir = dir.path().join(case);
            std::fs::create_dir_all(&case_dir).unwrap();
            let ours = case_dir.join("ours.db");
            std::fs::copy(first, &ours).unwrap();
            let mut s = Store::open(&ours).unwrap();
            s.set_fixed_clock("2026-11-24T10:05:00+08:00");
            let r = s.merge_from(second, false).unwrap();
            assert_eq!(channel_conflicts(&r.conflicts), [(Some("现金"), Some("银行"), true)], "{case}: {r:?}");
            let other = r.conflicts.iter().filter(|c| c.field != "paid_channel" && c.field != "paid_on");
            assert!(other.clone().all(|c| !c.tax_record_lost), "{case}: {r:?}");
        }
    }

    /// Laptop A corrects a pupil its list had (王明 renamed 王明明, by a list imported again) and moves another to
    /// another class; laptop C, a drive of its own, imports the original list a day later. C's import only says what
    /// A's list said before A corrected it: the corrections stand, whichever laptop merges first, and after a round
    /// trip both hold them with nothing more to merge.
    #[test]
    fn a_first_import_on_another_laptop_does_not_undo_corrections_made_before_it_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let ids = [valid("45020220150101121"), valid("45020220150101131")];
        let rows = [pupil("王明", &ids[0]), pupil("朱秀艳", &ids[1])];
        let a_path = dir.path().join("a.db");
        let mut a = Store::open(&a_path).unwrap();
        a.set_fixed_clock("2026-11-23T09:00:00+08:00");
        a.apply_import(&rows, &[], 0, false).unwrap();
        let before = by_id(&a, &ids[1]).class;
        a.set_fixed_clock("2026-11-24T09:00:00+08:00");
        a.change(by_id(&a, &ids[0]).id, "import", &[FieldChange::new(Field::Name, Some("王明明"))]).unwrap();
        a.change(by_id(&a, &ids[1]).id, "import", &[FieldChange::new(Field::Class, Some("9班"))]).unwrap();
        let c_path = dir.path().join("c.db");
        let mut c = Store::open(&c_path).unwrap();
        c.set_fixed_clock("2026-11-25T09:00:00+08:00");
        c.apply_import(&rows, &[], 0, false).unwrap();
        drop((a, c));
        for (case, first, second) in [("A first", &a_path, &c_path), ("C first", &c_path, &a_path)] {
            let ((one, r1), (two, _)) = round_trip(&dir.path().join(case), first, second);
            for s in [&one, &two] {
                assert_eq!(by_id(s, &ids[0]).name, "王明明", "{case}");
                assert_eq!(by_id(s, &ids[1]).class, "9班", "{case}");
            }
            let mut listed: Vec<_> =
                r1.conflicts.iter().map(|c| (c.field.as_str(), c.kept.clone(), c.lost.clone())).collect();
            listed.sort();
            let expected = [
                ("class", Some("9班".to_owned()), Some(before.clone())),
                ("name", Some("王明明".to_owned()), Some("王明".to_owned())),
            ];
            assert_eq!(listed, expected, "{case}: {r1:?}");
            let mut one = one;
            let again = one.merge_from(two.path().unwrap(), false).unwrap();
            assert_eq!((again.updated, again.conflicts.len()), (0, 0), "{case}: {again:?}");
        }
    }

    /// A reconciles the tax office's list (380, 20 November, 银行) while B, never having seen it, marks the pupil
    /// paid a minute later saying nothing more (the amount due, dated the day, no channel): one payment, whose
    /// record is the tax office's, as a reconciliation read after the mark would re-date it and a mark after the
    /// reconciliation would keep it. It stands whichever laptop merges first, and the line says so; a channel A
    /// corrected by hand over its tax record (`--force`) stands the same, being a correction made knowing it.
    #[test]
    fn a_bare_hand_mark_made_apart_does_not_replace_the_tax_offices_record_both_ways() {
        for corrected in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let (mut a, mut b, ids) = two_copies(dir.path());
            a.set_fixed_clock("2026-11-24T10:00:00+08:00");
            reconcile_by_bank(&mut a, &ids[0]);
            let expected = PaymentDetails {
                amount_fen: Some(38000),
                paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
                channel: Some(if corrected { "现金" } else { "银行" }.into()),
            };
            if corrected {
                a.set_fixed_clock("2026-11-24T10:00:30+08:00");
                a.set_payment(by_id(&a, &ids[0]).id, PaymentStatus::Paid, &expected).unwrap();
            }
            b.set_fixed_clock("2026-11-24T10:01:00+08:00");
            let bare = PaymentDetails {
                amount_fen: Some(38000),
                paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 24),
                channel: None,
            };
            b.set_payment(by_id(&b, &ids[0]).id, PaymentStatus::Paid, &bare).unwrap();
            let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
            drop((a, b));
            for (case, first, second) in [("A first", &a_path, &b_path), ("B first", &b_path, &a_path)] {
                let case = format!("{case}, corrected {corrected}");
                let ((one, r1), (two, r2)) = round_trip(&dir.path().join(&case), first, second);
                for s in [&one, &two] {
                    let p = by_id(s, &ids[0]);
                    assert_eq!((p.payment, &p.payment_details), (PaymentStatus::Paid, &expected), "{case}");
                }
                let dates: Vec<_> = r1
                    .conflicts
                    .iter()
                    .filter(|c| c.field == "paid_on")
                    .map(|c| (c.kept.as_deref(), c.lost.as_deref(), c.tax_record_kept, c.tax_record_lost))
                    .collect();
                assert_eq!(dates, [(Some("2026-11-20"), Some("2026-11-24"), true, false)], "{case}: {r1:?}");
                assert!(r1.conflicts.iter().all(|c| c.tax_record_kept && !c.tax_record_lost), "{case}: {r1:?}");
                assert_eq!(r1.payments_kept_over_later, 0, "{case}: {r1:?}");
                // Merged back, the other laptop takes it with nothing more to decide, and a second merge is nothing.
                assert!(r2.conflicts.iter().all(|c| c.tax_record_kept), "{case}: {r2:?}");
                let mut one = one;
                let again = one.merge_from(two.path().unwrap(), false).unwrap();
                assert_eq!((again.updated, again.conflicts.len()), (0, 0), "{case}: {again:?}");
            }
        }
    }

    /// B merges A's tax record (银行), then changes its channel by hand (现金): a change made after it held the
    /// record wins with nothing to decide, but A's merge says the tax office's record was replaced, once.
    #[test]
    fn a_hand_change_made_over_the_tax_offices_record_merged_there_is_said_where_the_record_was() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        a.set_fixed_clock("2026-11-24T10:00:00+08:00");
        reconcile_by_bank(&mut a, &ids[0]);
        let a_path = a.path().unwrap().to_owned();
        b.set_fixed_clock("2026-11-24T10:01:00+08:00");
        assert!(b.merge_from(&a_path, false).unwrap().conflicts.is_empty());
        b.set_fixed_clock("2026-11-24T10:02:00+08:00");
        let p = by_id(&b, &ids[0]).id;
        let cash = PaymentDetails { channel: Some("现金".into()), paid_on: None, amount_fen: Some(38000) };
        b.set_payment(p, PaymentStatus::Paid, &cash).unwrap();
        let b_path = b.path().unwrap().to_owned();
        a.set_fixed_clock("2026-11-24T10:05:00+08:00");
        let r = a.merge_from(&b_path, false).unwrap();
        assert_eq!(channel_conflicts(&r.conflicts), [(Some("现金"), Some("银行"), true)], "{r:?}");
        assert_eq!(by_id(&a, &ids[0]).payment_details.channel.as_deref(), Some("现金"), "the later change stands");
        assert!(a.merge_from(&b_path, false).unwrap().conflicts.is_empty(), "said once");
        // B, whose change stood, has nothing to be told.
        assert!(b.merge_from(&a_path, false).unwrap().conflicts.is_empty());
    }

    fn receipt_numbers(s: &Store, id: &str) -> Vec<(String, Option<i64>)> {
        s.receipts(by_id(s, id).id).unwrap().into_iter().map(|r| (r.number, r.amount_fen)).collect()
    }

    /// Receipts go both ways onto the matching pupil (paired or copied), each once; a number recorded with two
    /// amounts is listed, each side keeping its own; a second merge and a dry run copy nothing.
    #[test]
    fn receipts_travel_both_ways_once_and_two_amounts_of_one_number_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let extra = valid("45020220150101151");
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.apply_import(&[pupil("新生", &extra)], &[], 0, false).unwrap();
        reconcile_receipts(&mut a, &ids[0], &[("R1", 20_000)]);
        reconcile_receipts(&mut a, &extra, &[("R9", 38_000)]);
        reconcile_receipts(&mut a, &ids[1], &[("R5", 38_000)]);
        b.set_fixed_clock("2026-11-23T11:00:00+08:00");
        reconcile_receipts(&mut b, &ids[0], &[("R1", 20_000), ("R2", 18_000)]);
        reconcile_receipts(&mut b, &ids[1], &[("R5", 20_000)]);
        let b_path = b.path().unwrap().to_owned();
        let dry = a.merge_from(&b_path, true).unwrap();
        assert_eq!(dry.receipts_copied, 1, "{dry:?}");
        assert_eq!(receipt_numbers(&a, &ids[0]), [("R1".into(), Some(20_000))], "a dry run copies nothing");
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        let two = vec![("R1".to_owned(), Some(20_000)), ("R2".to_owned(), Some(18_000))];
        for (s, r, ours_r5, theirs_r5) in [(&a_into_b, &r1, 20_000, 38_000), (&b_into_a, &r2, 38_000, 20_000)] {
            assert_eq!(receipt_numbers(s, &ids[0]), two, "{r:?}");
            assert_eq!(receipt_numbers(s, &extra), [("R9".into(), Some(38_000))], "{r:?}");
            assert_eq!(receipt_numbers(s, &ids[1]), [("R5".into(), Some(ours_r5))], "ours kept: {r:?}");
            let listed: Vec<_> = r
                .receipt_conflicts
                .iter()
                .map(|c| (c.id_number.as_str(), c.receipt.as_str(), c.ours_fen, c.theirs_fen))
                .collect();
            assert_eq!(listed, [(ids[1].as_str(), "R5", ours_r5, theirs_r5)], "{r:?}");
            assert_eq!(r.receipt_conflicts[0].year, s.current_year().unwrap_or(0));
            // B's payment of 380 (R1 + R2) was newer: it and its receipts agree on either side.
            assert_eq!(by_id(s, &ids[0]).payment_details.amount_fen, Some(38_000));
        }
        assert_eq!((r1.receipts_copied, r2.receipts_copied), (1, 1), "{r1:?} {r2:?}");
        for (mut s, from) in [(a_into_b, dir.path().join("a.db")), (b_into_a, b_path)] {
            let again = s.merge_from(&from, false).unwrap();
            assert_eq!(again.receipts_copied, 0, "{again:?}");
            assert_eq!(again.receipt_conflicts.len(), 1, "still listed until settled: {again:?}");
        }
    }

    #[test]
    fn a_drive_is_not_merged_into_itself_under_any_name() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, _b, _) = two_copies(dir.path());
        let path = a.path().unwrap().to_owned();
        let audit = a.audit_count().unwrap();
        let link = dir.path().join("link.db");
        let hard = dir.path().join("hard.db");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        std::fs::hard_link(&path, &hard).unwrap();
        let dotted = dir.path().join(".").join("a.db");
        for name in [&path, &link, &hard, &dotted] {
            let err = a.merge_from(name, false).expect_err("refused");
            assert!(matches!(err, StoreError::MergeSelf { .. }), "{}: {err}", name.display());
        }
        assert_eq!(a.audit_count().unwrap(), audit);
        assert!(!dir.path().join("backups").exists(), "refused before any backup");
    }

    #[test]
    fn an_older_file_is_called_older_not_newer() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, _b, _) = two_copies(dir.path());
        let old = dir.path().join("old.db");
        {
            let mut conn = rusqlite::Connection::open(&old).unwrap();
            schema::migrate_to(&mut conn, 1).unwrap();
        }
        let err = a.merge_from(&old, false).expect_err("refused");
        assert!(matches!(err, StoreError::OlderSchema { found: 1, .. }), "{err}");
        assert!(err.to_string().contains("较旧") && !err.to_string().contains("较新"), "{err}");
    }

    /// A laptop still in this year marks a category after the other laptop certified another for the next year:
    /// merged either way, next year's certification stays.
    #[test]
    fn a_laptop_in_last_year_does_not_undo_next_years_category_certification() {
        use crate::domain::student::CategoryMark;
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let year = a.current_year().unwrap();
        let mark = |name: &str| vec![CategoryMark { name: name.into(), department: "民政".into(), year: None }];
        a.set_fixed_clock("2026-11-24T10:00:00+08:00");
        a.start_year(year + 1, false, None, false).unwrap();
        a.set_categories(by_id(&a, &ids[0]).id, &mark("低保对象")).unwrap();
        b.set_fixed_clock("2026-11-25T10:00:00+08:00");
        b.set_categories(by_id(&b, &ids[0]).id, &mark("孤儿")).unwrap();
        // A has moved on and takes B's file (B would first start the year itself).
        let b_path = b.path().unwrap().to_owned();
        drop(b);
        let r = a.merge_from(&b_path, false).unwrap();
        let p = by_id(&a, &ids[0]);
        assert_eq!(p.categories.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["低保对象"], "{r:?}");
    }

    /// A laptop still in this year refuses the file of one that started the next year, before any backup and
    /// whether previewed or not; once it has started the year itself the two merge both ways, nobody is moved
    /// up twice, and next year's newcomer stays in the class next year's list gave.
    #[test]
    fn a_file_in_a_later_year_is_refused_until_this_laptop_starts_that_year() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let year = a.current_year().unwrap();
        let class_of = |s: &Store, id: &str| by_id(s, id).class_label();
        let first = class_of(&a, &ids[0]);
        a.set_fixed_clock("2026-11-24T10:00:00+08:00");
        a.start_year(year + 1, true, None, false).unwrap();
        let promoted = class_of(&a, &ids[0]);
        assert_ne!(first, promoted, "the promotion moved the pupil");
        let newcomer = valid("45020220200101151");
        a.apply_import(&[pupil("新生", &newcomer)], &[], 0, false).unwrap();
        let newcomer_class = class_of(&a, &newcomer);
        assert_eq!(newcomer_class, first, "next year's first grader in next year's 一年级");
        // B, still in this year, is given A's file.
        b.set_fixed_clock("2026-11-25T10:00:00+08:00");
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop(a);
        let before = snapshot(&b);
        let audit = b.audit_count().unwrap();
        for dry_run in [true, false] {
            let err = b.merge_from(&a_path, dry_run).expect_err("refused");
            assert!(
                matches!(err, StoreError::MergeLaterYear { theirs, ours, .. } if theirs == year + 1 && ours == year),
                "{err}"
            );
            let text = err.to_string();
            assert!(text.contains(&format!("canbao year new {} --promote", year + 1)), "{text}");
            assert!(text.contains(&format!("已开始 {} 年度", year + 1)), "{text}");
        }
        assert_eq!((snapshot(&b), b.audit_count().unwrap()), (before, audit), "nothing changed");
        assert!(b.student_by_id_number(&newcomer).unwrap().is_none());
        assert!(!dir.path().join("backups").exists(), "refused before any backup");
        // B starts the year itself, then takes A's: the classes promoted once, the newcomer in 一年级.
        b.start_year(year + 1, true, None, false).unwrap();
        let report = b.merge_from(&a_path, false).unwrap();
        assert!(report.conflicts.is_empty(), "{report:?}");
        assert_eq!((class_of(&b, &ids[0]), class_of(&b, &newcomer)), (promoted.clone(), newcomer_class.clone()));
        drop(b);
        let mut a = Store::open(&a_path).unwrap();
        let report = a.merge_from(&b_path, false).unwrap();
        assert!(report.conflicts.is_empty(), "{report:?}");
        assert_eq!((class_of(&a, &ids[0]), class_of(&a, &newcomer)), (promoted, newcomer_class));
        assert_eq!(snapshot(&a), snapshot(&Store::open(&b_path).unwrap()), "both laptops end alike");
    }

    /// Each laptop's `year new --promote` is the same mechanical step: it never outranks, by a later clock, a
    /// class the other laptop set deliberately for that year (next year's list moving a pupil), nor a class
    /// corrected on one laptop before both promoted.
    #[test]
    fn a_promotion_does_not_undo_a_class_set_for_its_year_on_the_other_laptop_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let year = a.current_year().unwrap();
        let moved =
            |id: &str, grade: &str| Incoming { grade: grade.into(), class: "2班".into(), ..pupil("学生", id) };
        // B, still in this year, corrects a pupil's class from this year's list, then promotes (later clock).
        b.set_fixed_clock("2026-11-24T09:00:00+08:00");
        b.apply_import(&[moved(&ids[1], "一年级")], &[], 0, false).unwrap();
        // A promotes and takes next year's list, which moves another pupil to 2班.
        a.set_fixed_clock("2026-11-25T10:00:00+08:00");
        a.start_year(year + 1, true, None, false).unwrap();
        a.set_fixed_clock("2026-11-26T10:00:00+08:00");
        a.apply_import(&[moved(&ids[0], "二年级")], &[], 0, false).unwrap();
        assert_eq!(by_id(&a, &ids[0]).class_label(), "二年级2班");
        b.set_fixed_clock("2026-11-27T10:00:00+08:00");
        b.start_year(year + 1, true, None, false).unwrap();
        assert_eq!(by_id(&b, &ids[1]).class_label(), "二年级2班");
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            assert_eq!(by_id(s, &ids[0]).class_label(), "二年级2班", "next year's list stands: {r:?}");
            assert_eq!(by_id(s, &ids[1]).class_label(), "二年级2班", "the correction carries through: {r:?}");
            assert_eq!(by_id(s, &ids[2]).class_label(), "二年级1班");
        }
        assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a));
        // B's own file then takes A's merged one (A kept its list's class over B's promotion there): B ends as A.
        let a2 = b_into_a.path().unwrap().to_owned();
        drop((a_into_b, b_into_a));
        let mut b = Store::open(&dir.path().join("b.db")).unwrap();
        let back = b.merge_from(&a2, false).unwrap();
        assert_eq!(by_id(&b, &ids[0]).class_label(), "二年级2班", "{back:?}");
        assert_eq!(snapshot(&b), snapshot(&Store::open(&a2).unwrap()));
    }

    /// A pupil recorded 已离校 on the drive both laptops copied, corrected back on A (here, and paid) before A's
    /// promotion moved them up a grade, while B's promotion, earlier and from the uncorrected state, moved them
    /// out into 已离校: A's correction carries through A's promotion, whichever laptop merges first, and the
    /// two drives end alike, the pupil in the class a grade up and not 已离校 in the new year.
    #[test]
    fn a_correction_of_an_already_left_before_one_promotion_outweighs_the_other_laptops_move_out_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies_after(dir.path(), |s, ids| {
            s.set_fixed_clock("2026-11-23T10:00:00+08:00");
            s.set_enrollment(by_id(s, &ids[0]).id, Enrollment::Left, Some("转学")).unwrap();
        });
        let year = a.current_year().unwrap();
        b.set_fixed_clock("2026-11-24T22:41:21+08:00");
        b.start_year(year + 1, true, None, false).unwrap();
        assert_eq!(by_id(&b, &ids[0]).grade, crate::store::year::LEFT_GRADE, "B moved the pupil out");
        a.set_fixed_clock("2026-11-24T22:43:00+08:00");
        let p = by_id(&a, &ids[0]).id;
        a.set_enrollment(p, Enrollment::Here, None).unwrap();
        a.set_payment(p, PaymentStatus::Paid, &family_payment()).unwrap();
        a.set_fixed_clock("2026-11-24T22:44:46+08:00");
        a.start_year(year + 1, true, None, false).unwrap();
        let up = by_id(&a, &ids[0]).class_label();
        assert_eq!(up, "二年级1班");
        let check = |s: &mut Store, what: &str| {
            let pupil = by_id(s, &ids[0]);
            assert_eq!((pupil.class_label(), pupil.enrollment), (up.clone(), Enrollment::Unknown), "{what}");
            s.view_year(year).unwrap();
            let last = by_id(s, &ids[0]);
            assert_eq!((last.enrollment, last.payment), (Enrollment::Here, PaymentStatus::Paid), "{what}");
            s.view_current_year().unwrap();
        };
        let ((mut a_into_b, r1), (mut b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        check(&mut a_into_b, &format!("A into B: {r1:?}"));
        check(&mut b_into_a, &format!("B into A: {r2:?}"));
        assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a), "both directions end alike");
        // Each laptop's own file then takes the other's merged one: nothing left apart, and again alike.
        let (ab, ba) = (a_into_b.path().unwrap().to_owned(), b_into_a.path().unwrap().to_owned());
        drop((a_into_b, b_into_a));
        let mut a = Store::open(&dir.path().join("a.db")).unwrap();
        let back = a.merge_from(&ab, false).unwrap();
        check(&mut a, &format!("A after B's merge: {back:?}"));
        let mut b = Store::open(&dir.path().join("b.db")).unwrap();
        let back = b.merge_from(&ba, false).unwrap();
        check(&mut b, &format!("B after A's merge: {back:?}"));
        assert_eq!(snapshot(&a), snapshot(&b));
        assert_eq!(snapshot(&a), snapshot(&Store::open(&ab).unwrap()));
    }

    #[test]
    fn two_laptops_in_different_years_keep_each_years_statuses_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let year = a.current_year().unwrap();
        let paid = |fen: i64| PaymentDetails {
            amount_fen: Some(fen),
            paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 23),
            channel: Some("微信".into()),
        };
        // A starts the next year and takes this year's premium there; B is still on the year before.
        a.set_fixed_clock("2026-11-24T10:00:00+08:00");
        a.start_year(year + 1, false, None, false).unwrap();
        a.set_payment(by_id(&a, &ids[0]).id, PaymentStatus::Paid, &paid(40000)).unwrap();
        b.set_fixed_clock("2026-11-25T10:00:00+08:00");
        b.set_payment(by_id(&b, &ids[0]).id, PaymentStatus::Paid, &paid(38000)).unwrap();
        b.set_enrollment(by_id(&b, &ids[1]).id, Enrollment::Declined, Some("外地")).unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop(a);
        assert!(matches!(b.merge_from(&a_path, true), Err(StoreError::MergeLaterYear { .. })));

        // A takes B's late marks: the next year current with A's payment, B's marks in the year before.
        let mut b_into_a = Store::open(&a_path).unwrap();
        let r = b_into_a.merge_from(&b_path, false).unwrap();
        assert!(r.conflicts.is_empty(), "{r:?}");
        assert_eq!(b_into_a.current_year(), Some(year + 1));
        assert_eq!(by_id(&b_into_a, &ids[0]).payment_details.amount_fen, Some(40000));
        assert_eq!(by_id(&b_into_a, &ids[1]).enrollment, Enrollment::Unknown, "the next year is asked afresh");
        let audit = b_into_a.audit_count().unwrap();
        let again = b_into_a.merge_from(&b_path, false).unwrap();
        assert_eq!((again.updated, again.audit_rows_copied), (0, 0), "{again:?}");
        assert_eq!(b_into_a.audit_count().unwrap(), audit);

        // B starts the year too and takes A's: its own year's statuses stay, A's next year's come in.
        b.start_year(year + 1, false, None, false).unwrap();
        let r = b.merge_from(&a_path, false).unwrap();
        assert!(r.conflicts.is_empty(), "{r:?}");
        assert_eq!(by_id(&b, &ids[0]).payment_details.amount_fen, Some(40000), "A's payment for the next year");
        b.view_year(year).unwrap();
        assert_eq!(by_id(&b, &ids[0]).payment_details.amount_fen, Some(38000), "B's payment for its year stays");
        assert_eq!(by_id(&b, &ids[1]).enrollment, Enrollment::Declined);
        b_into_a.view_year(year).unwrap();
        assert_eq!(by_id(&b_into_a, &ids[0]).payment_details.amount_fen, Some(38000));
        assert_eq!(by_id(&b_into_a, &ids[1]).enrollment, Enrollment::Declined);
    }

    /// The other laptop's changes to the statuses of a year this drive has closed go into that year, and the
    /// report lists them, a pupil and year each with the fields changed: nothing on this year's roster shows
    /// them. Changes to this year's statuses, and a second merge of the same file, are not listed.
    #[test]
    fn changes_the_other_laptop_made_to_a_year_closed_here_are_listed() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let year = a.current_year().unwrap();
        a.set_fixed_clock("2026-11-24T10:00:00+08:00");
        a.start_year(year + 1, true, None, false).unwrap();
        b.set_fixed_clock("2026-11-25T10:00:00+08:00");
        b.set_payment(by_id(&b, &ids[0]).id, PaymentStatus::Paid, &family_payment()).unwrap();
        b.set_enrollment(by_id(&b, &ids[1]).id, Enrollment::Declined, Some("外地")).unwrap();
        let b_path = b.path().unwrap().to_owned();
        drop(b);
        let preview = a.merge_from(&b_path, true).unwrap();
        let report = a.merge_from(&b_path, false).unwrap();
        assert_eq!(preview.into_closed_years, report.into_closed_years, "the preview says it too");
        let listed: Vec<(i32, &str, &str, Vec<&str>)> = report
            .into_closed_years
            .iter()
            .map(|c| (c.year, c.id_number.as_str(), c.class.as_str(), c.fields.iter().map(String::as_str).collect()))
            .collect();
        assert_eq!(
            listed,
            [
                (
                    year,
                    ids[0].as_str(),
                    "一年级1班",
                    vec!["enrollment", "payment", "paid_amount_fen", "paid_on", "paid_channel"]
                ),
                (year, ids[1].as_str(), "一年级1班", vec!["enrollment", "decline_reason"]),
            ],
            "{report:?}"
        );
        assert_eq!(by_id(&a, &ids[0]).payment, PaymentStatus::Unpaid, "this year's statuses unchanged");
        a.view_year(year).unwrap();
        assert_eq!(by_id(&a, &ids[0]).payment, PaymentStatus::Paid, "last year's payment went into last year");
        a.view_current_year().unwrap();
        assert!(a.merge_from(&b_path, false).unwrap().into_closed_years.is_empty(), "once");
        // A change of this year's statuses, from a laptop in the same year, is none of them.
        let (a_path, a2) = (a.path().unwrap().to_owned(), dir.path().join("a2.db"));
        a.backup_to(&a2).unwrap();
        let mut other = Store::open(&a2).unwrap();
        other.set_fixed_clock("2026-11-26T10:00:00+08:00");
        other.set_payment(by_id(&other, &ids[2]).id, PaymentStatus::Paid, &family_payment()).unwrap();
        drop((a, other));
        let r = Store::open(&a_path).unwrap().merge_from(&a2, false).unwrap();
        assert_eq!(r.updated, 1, "{r:?}");
        assert!(r.into_closed_years.is_empty(), "{r:?}");
    }

    /// A pupil added on the laptop still in last year, and paid there, comes into the laptop that has moved on
    /// with last year's payment in last year and this year's statuses fresh.
    #[test]
    fn a_pupil_only_the_earlier_year_has_is_copied_with_each_years_statuses_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let year = a.current_year().unwrap();
        a.set_fixed_clock("2026-11-24T10:00:00+08:00");
        a.start_year(year + 1, false, None, false).unwrap();
        b.set_fixed_clock("2026-11-25T10:00:00+08:00");
        let extra = valid("45020220150101151");
        b.apply_import(&[pupil("新生", &extra)], &[], 0, false).unwrap();
        b.set_payment(by_id(&b, &extra).id, PaymentStatus::Paid, &PaymentDetails::default()).unwrap();
        let b_path = b.path().unwrap().to_owned();
        drop(b);
        a.merge_from(&b_path, false).unwrap();
        assert_eq!(a.current_year(), Some(year + 1));
        assert_eq!(by_id(&a, &extra).payment, PaymentStatus::Unpaid, "the new year is asked afresh");
        assert_eq!(by_id(&a, &ids[0]).payment, PaymentStatus::Unpaid);
        a.view_year(year).unwrap();
        assert_eq!(by_id(&a, &extra).payment, PaymentStatus::Paid, "B's year is A's last one");
    }

    /// Laptop A's and B's files (closed, returned by path, A's first) after `edit` was done on each copy, at
    /// the same second on both clocks.
    fn same_second_edits(
        dir: &Path,
        edit: impl Fn(&mut Store, &[String], bool),
    ) -> (std::path::PathBuf, std::path::PathBuf, Vec<String>) {
        let (mut a, mut b, ids) = two_copies(dir);
        for (s, is_a) in [(&mut a, true), (&mut b, false)] {
            s.set_fixed_clock("2026-12-03T15:14:40+08:00");
            edit(s, &ids, is_a);
        }
        (a.path().unwrap().to_owned(), b.path().unwrap().to_owned(), ids)
    }

    /// `first` merges `second`'s file, then `second` merges `first`'s (each on a copy in `dir`): the two drives
    /// after it and the two reports.
    fn round_trip(dir: &Path, first: &Path, second: &Path) -> ((Store, MergeReport), (Store, MergeReport)) {
        std::fs::create_dir_all(dir).unwrap();
        let (f, s) = (dir.join("first.db"), dir.join("second.db"));
        Store::open(first).unwrap().backup_to(&f).unwrap();
        Store::open(second).unwrap().backup_to(&s).unwrap();
        let mut first = Store::open(&f).unwrap();
        first.set_fixed_clock("2026-12-03T15:20:00+08:00");
        let r1 = first.merge_from(&s, false).unwrap();
        let mut second = Store::open(&s).unwrap();
        second.set_fixed_clock("2026-12-03T15:25:00+08:00");
        let r2 = second.merge_from(&f, false).unwrap();
        ((first, r1), (second, r2))
    }

    fn listed(conflicts: &[Conflict]) -> Vec<(String, Option<String>, Option<String>)> {
        let mut out: Vec<_> = conflicts.iter().map(|c| (c.field.clone(), c.kept.clone(), c.lost.clone())).collect();
        out.sort();
        out
    }

    #[test]
    fn changes_made_in_the_same_second_on_both_laptops_end_alike_whichever_merges_first() {
        let dir = tempfile::tempdir().unwrap();
        let (a_path, b_path, ids) = same_second_edits(dir.path(), |s, ids, is_a| {
            let (p0, p1) = (by_id(s, &ids[0]).id, by_id(s, &ids[1]).id);
            if is_a {
                s.set_enrollment(p0, Enrollment::Elsewhere, Some("柳北区")).unwrap();
                s.set_note(p1, "甲后来又改了").unwrap();
            } else {
                s.set_enrollment(p0, Enrollment::Declined, Some("不想")).unwrap();
                s.set_note(p1, "乙的备注最新").unwrap();
            }
        });
        let mut ends = Vec::new();
        for (case, first, second) in [("A first", &a_path, &b_path), ("B first", &b_path, &a_path)] {
            let ((mut f, r1), (mut s, r2)) = round_trip(&dir.path().join(case), first, second);
            assert_eq!(snapshot(&f), snapshot(&s), "{case}: {r1:?} {r2:?}");
            // The first merge weighs the two changes and lists them, whichever it keeps.
            assert_eq!(r1.conflicts.len(), 3, "{case}: {r1:?}");
            // The second laptop is told when its own values lost there, and then takes the kept ones.
            let kept_own = r1.conflicts.iter().all(|c| c.kept.as_deref() != Some("乙的备注最新")) == (first == &a_path);
            if kept_own {
                assert!(r2.conflicts.is_empty(), "{case}: {r2:?}");
                assert_eq!(listed(&r2.decided_there), listed(&r1.conflicts), "{case}: {r2:?}");
                assert_eq!(r2.updated, 2, "{case}: {r2:?}");
            } else {
                assert!(r2.conflicts.is_empty() && r2.decided_there.is_empty(), "{case}: {r2:?}");
            }
            // Nothing more to say, either way.
            let (f_path, s_path) = (f.path().unwrap().to_owned(), s.path().unwrap().to_owned());
            for (d, other) in [(&mut f, &s_path), (&mut s, &f_path)] {
                let again = d.merge_from(other, false).unwrap();
                assert_eq!(again.updated, 0, "{case}: {again:?}");
                assert!(again.conflicts.is_empty() && again.decided_there.is_empty(), "{case}: {again:?}");
            }
            assert_eq!(snapshot(&f), snapshot(&s), "{case}");
            ends.push(snapshot(&f));
        }
        // The same winner whichever laptop merged first.
        assert_eq!(ends[0], ends[1]);
        let _ = ids;
    }

    /// Two laptops import one list in the same second, and one marks a pupil paid in that second too: whichever
    /// session's stamp sorts first and whichever laptop merges first, both end with the mark.
    #[test]
    fn an_import_and_a_mark_on_the_other_laptop_in_one_second_end_alike_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let id = valid("45020220150101121");
        for (case, b_origin) in [("B's import sorts first", "0-b-import"), ("B's import sorts last", "z-b-import")] {
            let case_dir = dir.path().join(case);
            std::fs::create_dir_all(&case_dir).unwrap();
            let (a_path, b_path) = (case_dir.join("a.db"), case_dir.join("b.db"));
            for (path, origin) in [(&a_path, "m-a-import"), (&b_path, b_origin)] {
                let mut s = Store::open(path).unwrap();
                s.set_fixed_clock("2026-12-04T20:42:14Z");
                s.origin = origin.into();
                s.apply_import(&[pupil("孙语", &id)], &[], 0, false).unwrap();
            }
            let mut a = Store::open(&a_path).unwrap();
            a.set_fixed_clock("2026-12-04T20:42:14Z");
            a.origin = "m-a-mark".into();
            let p = by_id(&a, &id).id;
            a.set_enrollment(p, Enrollment::Here, None).unwrap();
            a.set_payment(p, PaymentStatus::Paid, &PaymentDetails { amount_fen: Some(38000), ..Default::default() })
                .unwrap();
            drop(a);
            for (order, first, second) in [("A first", &a_path, &b_path), ("B first", &b_path, &a_path)] {
                let ((f, r1), (s, r2)) = round_trip(&case_dir.join(order), first, second);
                assert_eq!(snapshot(&f), snapshot(&s), "{case}, {order}: {r1:?} {r2:?}");
                for d in [&f, &s] {
                    let pupil = by_id(d, &id);
                    assert_eq!((pupil.enrollment, pupil.payment), (Enrollment::Here, PaymentStatus::Paid), "{case}");
                }
            }
        }
    }

    #[test]
    fn two_changes_of_one_instant_and_origin_are_ordered_by_value_alike_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        // One session's stamp on both files' notes (a copy taken in the middle of a session's second): neither
        // instant nor origin tells them apart.
        let (a_path, b_path, ids) = same_second_edits(dir.path(), |s, ids, is_a| {
            s.origin = "one-session".into();
            s.set_note(by_id(s, &ids[1]).id, if is_a { "甲" } else { "乙" }).unwrap();
        });
        let mut ends = Vec::new();
        for (case, first, second) in [("A first", &a_path, &b_path), ("B first", &b_path, &a_path)] {
            let ((f, r1), (s, r2)) = round_trip(&dir.path().join(case), first, second);
            assert_eq!(snapshot(&f), snapshot(&s), "{case}: {r1:?} {r2:?}");
            assert_eq!(r1.conflicts.len(), 1, "{case}: {r1:?}");
            ends.push(by_id(&f, &ids[1]).note);
        }
        assert_eq!(ends, ["甲", "甲"], "the greater value (甲 is U+7532, 乙 U+4E59), whichever laptop merged first");
    }

    #[test]
    fn a_payment_kept_over_an_enrollment_is_said_decided_there_on_the_laptop_that_marked_it() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies_after(dir.path(), |a, ids| {
            a.set_enrollment(by_id(a, &ids[0]).id, Enrollment::Here, None).unwrap();
        });
        a.set_fixed_clock("2026-12-03T15:14:40+08:00");
        let details = PaymentDetails { amount_fen: Some(40000), ..Default::default() };
        a.set_payment(by_id(&a, &ids[0]).id, PaymentStatus::Paid, &details).unwrap();
        b.set_fixed_clock("2026-12-03T15:14:45+08:00");
        b.set_enrollment(by_id(&b, &ids[0]).id, Enrollment::Declined, Some("不想")).unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop((a, b));
        let ((a, r1), (b, r2)) = round_trip(&dir.path().join("trip"), &a_path, &b_path);
        assert_eq!(snapshot(&a), snapshot(&b));
        let expected = vec![
            ("decline_reason".to_owned(), None, Some("不想".to_owned())),
            ("enrollment".to_owned(), Some("here".to_owned()), Some("declined".to_owned())),
        ];
        assert_eq!(listed(&r1.conflicts), expected, "{r1:?}");
        assert!(r2.conflicts.is_empty(), "listed once, where it was decided: {r2:?}");
        assert_eq!(listed(&r2.decided_there), expected, "{r2:?}");
        assert!(r2.decided_there.iter().all(|c| c.payment_kept.as_deref() == Some("paid")), "{r2:?}");
        let p = by_id(&b, &ids[0]);
        assert_eq!((p.enrollment, p.payment), (Enrollment::Here, PaymentStatus::Paid));
    }

    /// The payment taken with its 在校参保 in one step, a 不参保 marked a second later on the other laptop: the
    /// laptop that marked it, merging second, is told the same reason and count as the one that decided.
    #[test]
    fn a_payment_taken_with_its_enrollment_kept_over_a_later_decline_is_said_alike_on_both_laptops() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        a.set_fixed_clock("2026-12-04T20:36:38+08:00");
        let p = by_id(&a, &ids[0]).id;
        a.set_enrollment(p, Enrollment::Here, None).unwrap();
        a.set_payment(p, PaymentStatus::Paid, &PaymentDetails { amount_fen: Some(40000), ..Default::default() })
            .unwrap();
        b.set_fixed_clock("2026-12-04T20:36:39+08:00");
        b.set_enrollment(by_id(&b, &ids[0]).id, Enrollment::Declined, Some("不想")).unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop((a, b));
        let ((a, r1), (b, r2)) = round_trip(&dir.path().join("trip"), &a_path, &b_path);
        assert_eq!(snapshot(&a), snapshot(&b));
        let expected = vec![
            ("decline_reason".to_owned(), None, Some("不想".to_owned())),
            ("enrollment".to_owned(), Some("here".to_owned()), Some("declined".to_owned())),
        ];
        assert_eq!(listed(&r1.conflicts), expected, "{r1:?}");
        assert!(r1.conflicts.iter().all(|c| c.payment_kept.as_deref() == Some("paid")), "{r1:?}");
        assert_eq!(listed(&r2.decided_there), expected, "{r2:?}");
        assert!(r2.decided_there.iter().all(|c| c.payment_kept.as_deref() == Some("paid")), "{r2:?}");
        assert_eq!((r1.payments_kept_over_later, r2.payments_kept_over_later), (1, 1), "{r1:?} {r2:?}");
        let p = by_id(&b, &ids[0]);
        assert_eq!((p.enrollment, p.payment), (Enrollment::Here, PaymentStatus::Paid));
    }

    /// B records a payment, A merges it, B restores a backup from before it: B's merge of A's file brings the
    /// payment back no more, and says it; A's merge of B's says B's restore took back what A still holds.
    #[test]
    fn a_payment_a_restore_took_back_is_not_brought_back_by_a_merge_and_both_laptops_say_so() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let before = dir.path().join("b-before.db");
        b.backup_to(&before).unwrap();
        b.set_fixed_clock("2026-12-04T10:00:00+08:00");
        let details = PaymentDetails { amount_fen: Some(38000), ..Default::default() };
        b.set_payment(by_id(&b, &ids[0]).id, PaymentStatus::Paid, &details).unwrap();
        let b_path = b.path().unwrap().to_owned();
        drop(b);
        a.set_fixed_clock("2026-12-04T10:05:00+08:00");
        a.merge_from(&b_path, false).unwrap();
        assert_eq!(by_id(&a, &ids[0]).payment, PaymentStatus::Paid);
        let a_path = a.path().unwrap().to_owned();
        drop(a);
        let mut b = Store::open(&b_path).unwrap();
        b.set_operator("乙").unwrap();
        b.restore_from(&before).unwrap();
        assert_eq!(by_id(&b, &ids[0]).payment, PaymentStatus::Unpaid);
        b.set_fixed_clock("2026-12-04T10:10:00+08:00");
        let r = b.merge_from(&a_path, false).unwrap();
        assert_eq!(by_id(&b, &ids[0]).payment, PaymentStatus::Unpaid, "not brought back: {r:?}");
        let said: Vec<_> =
            r.restore_taken_back.iter().map(|t| (t.field.as_str(), t.value.as_deref(), t.restored_here)).collect();
        assert!(said.contains(&("payment", Some("paid"), true)), "{r:?}");
        assert!(said.contains(&("paid_amount_fen", Some("38000"), true)), "{r:?}");
        assert!(r.conflicts.is_empty() && r.updated == 0, "{r:?}");
        // Merged again: still not brought back, still said.
        let again = b.merge_from(&a_path, false).unwrap();
        assert_eq!(by_id(&b, &ids[0]).payment, PaymentStatus::Unpaid);
        assert!(!again.restore_taken_back.is_empty(), "{again:?}");
        drop(b);
        let mut a = Store::open(&a_path).unwrap();
        a.set_fixed_clock("2026-12-04T10:15:00+08:00");
        let r = a.merge_from(&b_path, false).unwrap();
        assert_eq!(by_id(&a, &ids[0]).payment, PaymentStatus::Paid, "the operator decides: {r:?}");
        let said: Vec<_> =
            r.restore_taken_back.iter().map(|t| (t.field.as_str(), t.value.as_deref(), t.restored_here)).collect();
        assert!(said.contains(&("payment", Some("paid"), false)), "{r:?}");
    }

    /// A starts the next year and carries out of its class a pupil B, still in last year, marked 已离校; B starts the
    /// year and merges A. A copy of A restores the backup from before its start of the year, starts it again and
    /// merges B: B's mark moves the pupil out again, so the move the restore took back holds once more and is not
    /// said as taken back, not applied again.
    #[test]
    fn a_move_a_restore_took_back_that_the_merge_makes_again_is_not_said_as_taken_back() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let year = a.current_year().unwrap();
        let before_year = dir.path().join("a-year.db");
        a.backup_to(&before_year).unwrap();
        a.set_fixed_clock("2026-11-24T10:00:00+08:00");
        a.start_year(year + 1, true, None, false).unwrap();
        b.set_fixed_clock("2026-11-24T10:05:00+08:00");
        b.set_enrollment(by_id(&b, &ids[0]).id, Enrollment::Left, None).unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        a.set_fixed_clock("2026-11-24T10:10:00+08:00");
        let r = a.merge_from(&b_path, false).unwrap();
        assert_eq!(r.leavers_across_year.len(), 1, "{r:?}");
        let gone = format!("已离校{year}年度");
        assert_eq!(by_id(&a, &ids[0]).class_label(), gone);
        b.set_fixed_clock("2026-11-24T10:15:00+08:00");
        b.start_year(year + 1, true, None, false).unwrap();
        b.merge_from(&a_path, false).unwrap();
        let copy = dir.path().join("a2.db");
        a.backup_to(&copy).unwrap();
        drop(a);
        let mut a2 = Store::open(&copy).unwrap();
        a2.set_operator("甲").unwrap();
        a2.restore_from(&before_year).unwrap();
        a2.set_fixed_clock("2026-11-24T10:20:00+08:00");
        a2.start_year(year + 1, true, None, false).unwrap();
        let r = a2.merge_from(&b_path, false).unwrap();
        assert_eq!(by_id(&a2, &ids[0]).class_label(), gone, "{r:?}");
        let said: Vec<_> = r.leavers_across_year.iter().map(|l| l.id_number.as_str()).collect();
        assert_eq!(said, [ids[0].as_str()], "{r:?}");
        let taken_back: Vec<_> = r.restore_taken_back.iter().filter(|t| t.id_number == ids[0]).collect();
        assert!(taken_back.is_empty(), "the merge made the move again: {r:?}");
    }

    /// A records a payment and B another, each merges the other's file, then A restores a backup from before both:
    /// the restore took back A's own payment and its copy of B's. B's payment is still B's own and comes back with
    /// A's next merges, unsaid; only A's own is held back and listed, on A and, merged there, on B.
    #[test]
    fn a_restore_holds_back_only_this_laptops_own_payments_from_later_merges() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let before = dir.path().join("a-before.db");
        a.backup_to(&before).unwrap();
        let details = PaymentDetails { amount_fen: Some(38000), ..Default::default() };
        b.set_fixed_clock("2026-12-04T10:00:00+08:00");
        b.set_payment(by_id(&b, &ids[0]).id, PaymentStatus::Paid, &details).unwrap();
        a.set_fixed_clock("2026-12-04T10:01:00+08:00");
        a.set_payment(by_id(&a, &ids[1]).id, PaymentStatus::Paid, &details).unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        b.set_fixed_clock("2026-12-04T10:03:00+08:00");
        b.merge_from(&a_path, false).unwrap();
        a.set_fixed_clock("2026-12-04T10:05:00+08:00");
        a.merge_from(&b_path, false).unwrap();
        a.restore_from(&before).unwrap();
        let paid = |s: &Store| [0, 1].map(|i| by_id(s, &ids[i]).payment);
        assert_eq!(paid(&a), [PaymentStatus::Unpaid; 2]);
        for at in ["2026-12-04T10:10:00+08:00", "2026-12-04T10:11:00+08:00"] {
            a.set_fixed_clock(at);
            let r = a.merge_from(&b_path, false).unwrap();
            assert_eq!(paid(&a), [PaymentStatus::Paid, PaymentStatus::Unpaid], "B's own comes back: {r:?}");
            let said: Vec<_> = r.restore_taken_back.iter().map(|t| (t.id_number.as_str(), t.restored_here)).collect();
            assert!(said.contains(&(ids[1].as_str(), true)), "A's own held back and said: {r:?}");
            assert!(!said.iter().any(|(id, _)| *id == ids[0]), "B's own not said: {r:?}");
        }
        b.set_fixed_clock("2026-12-04T10:15:00+08:00");
        let r = b.merge_from(&a_path, false).unwrap();
        assert_eq!(paid(&b), [PaymentStatus::Paid; 2], "{r:?}");
        let said: Vec<_> = r.restore_taken_back.iter().map(|t| (t.id_number.as_str(), t.restored_here)).collect();
        assert!(said.contains(&(ids[1].as_str(), false)), "{r:?}");
        assert!(!said.iter().any(|(id, _)| *id == ids[0]), "B's own payment, which A holds again: {r:?}");
    }

    /// A imports a wrong list, B merges it, A restores the backup from before the import (as the import offers):
    /// A's next merge of B brings the pupils back as B holds them, and lists each of them (it once said nothing,
    /// a pupil with no change but its creation leaving no trace of the restore).
    #[test]
    fn pupils_of_an_import_a_restore_took_back_that_the_other_file_holds_are_listed_by_the_merge() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, _) = two_copies(dir.path());
        let before = dir.path().join("a-before.db");
        a.backup_to(&before).unwrap();
        let wrong = [valid("45020220150101151"), valid("45020220150101160")];
        a.set_fixed_clock("2026-12-04T10:00:00+08:00");
        a.apply_import(&[pupil("错一", &wrong[0]), pupil("错二", &wrong[1])], &[], 0, false).unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        b.set_fixed_clock("2026-12-04T10:03:00+08:00");
        b.merge_from(&a_path, false).unwrap();
        a.restore_from(&before).unwrap();
        a.set_fixed_clock("2026-12-04T10:10:00+08:00");
        let r = a.merge_from(&b_path, false).unwrap();
        let mut said: Vec<_> = r.restored_pupils_back.iter().map(|p| p.id_number.clone()).collect();
        said.sort();
        assert_eq!(said, wrong, "{r:?}");
        assert_eq!(r.added, 2, "{r:?}");
    }

    /// A adds a pupil and records the payment, B merges it, A restores a backup from before the pupil: A's merge
    /// of B brings the pupil back with its history (who added it, who recorded the payment and when), as B holds
    /// it, and says so; never a paid pupil without the row that recorded the payment. Merged again, nothing more.
    #[test]
    fn a_pupil_a_restore_removed_comes_back_from_a_merge_with_its_history_and_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, _) = two_copies(dir.path());
        let before = dir.path().join("a-before.db");
        a.backup_to(&before).unwrap();
        let new_id = valid("45020220150101151");
        a.set_fixed_clock("2026-12-04T10:00:00+08:00");
        a.apply_import(&[pupil("新生", &new_id)], &[], 0, false).unwrap();
        let details = PaymentDetails { amount_fen: Some(38000), ..Default::default() };
        a.set_payment(by_id(&a, &new_id).id, PaymentStatus::Paid, &details).unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        b.set_fixed_clock("2026-12-04T10:03:00+08:00");
        b.merge_from(&a_path, false).unwrap();
        a.restore_from(&before).unwrap();
        assert!(a.student_by_id_number(&new_id).unwrap().is_none());
        a.set_fixed_clock("2026-12-04T10:10:00+08:00");
        let r = a.merge_from(&b_path, false).unwrap();
        let back = by_id(&a, &new_id);
        assert_eq!(back.payment, PaymentStatus::Paid, "{r:?}");
        let history = a.history(back.id).unwrap();
        let recorded: Vec<_> = history
            .iter()
            .filter(|h| h.field == "payment")
            .map(|h| (h.operator.as_str(), h.at.as_str(), h.new.as_deref()))
            .collect();
        assert_eq!(recorded.len(), 1, "who recorded the payment, and when: {history:?}");
        assert_eq!((recorded[0].0, recorded[0].2), ("甲", Some("paid")), "{history:?}");
        let said: Vec<_> = r.restored_pupils_back.iter().map(|p| p.id_number.as_str()).collect();
        assert_eq!(said, [new_id.as_str()], "{r:?}");
        assert_eq!(r.added, 1, "{r:?}");
        let again = a.merge_from(&b_path, false).unwrap();
        assert!(again.restored_pupils_back.is_empty() && again.restore_taken_back.is_empty(), "{again:?}");
        assert_eq!(a.history(back.id).unwrap().len(), history.len());
        b.set_fixed_clock("2026-12-04T10:15:00+08:00");
        let r = b.merge_from(&a_path, false).unwrap();
        assert_eq!(snapshot(&a), snapshot(&b), "{r:?}");
    }

    /// A merge that finds a clock wrong changes nothing unless the clocks are accepted: the other laptop's change
    /// stamped three hours ahead of this clock, or this laptop's own change stamped after its clock now (set back
    /// since). A laptop in another time zone whose clock is right is no wrong clock, either way.
    #[test]
    fn a_merge_refuses_a_clock_found_wrong_unless_accepted_and_takes_another_time_zone() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let details = PaymentDetails { amount_fen: Some(38000), ..Default::default() };
        b.set_fixed_clock("2026-12-04T13:00:00+08:00");
        b.set_payment(by_id(&b, &ids[0]).id, PaymentStatus::Paid, &details).unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        a.set_fixed_clock("2026-12-04T10:00:00+08:00");
        let refused = a.merge_from_judged(&b_path, (false, false, true, false), None).unwrap_err();
        let StoreError::MergeClock { their_clock_ahead: Some(ahead), our_clock_behind: None, .. } = &refused else {
            panic!("{refused:?}");
        };
        assert_eq!(ahead.minutes, 180, "{refused:?}");
        assert!(refused.to_string().contains("--accept-clock"), "{refused}");
        assert_eq!(by_id(&a, &ids[0]).payment, PaymentStatus::Unpaid, "nothing changed");
        let preview = a.merge_from_judged(&b_path, (true, false, true, false), None).unwrap();
        assert!(preview.their_clock_ahead.is_some(), "the preview says it: {preview:?}");
        a.merge_from_judged(&b_path, (false, false, true, true), None).unwrap();
        assert_eq!(by_id(&a, &ids[0]).payment, PaymentStatus::Paid);
        // B's clock set right: its fast row, now merged, is said no more; B's later change is weighed.
        b.set_fixed_clock("2026-12-04T10:05:00+08:00");
        b.set_note(by_id(&b, &ids[1]).id, "对").unwrap();
        a.set_fixed_clock("2026-12-04T10:06:00+08:00");
        let r = a.merge_from_judged(&b_path, (false, false, true, false), None).unwrap();
        assert!(r.their_clock_ahead.is_none() && r.our_clock_behind.is_none(), "{r:?}");
        // This laptop's clock set back after it recorded a change: its own newest change is in its future.
        a.set_fixed_clock("2026-12-04T12:00:00+08:00");
        a.set_note(by_id(&a, &ids[2]).id, "快").unwrap();
        a.set_fixed_clock("2026-12-04T10:07:00+08:00");
        let refused = a.merge_from_judged(&b_path, (false, false, true, false), None).unwrap_err();
        let StoreError::MergeClock { their_clock_ahead: None, our_clock_behind: Some(behind), .. } = &refused else {
            panic!("{refused:?}");
        };
        assert_eq!((behind.minutes, behind.newest.as_str()), (113, "2026-12-04T04:00:00Z"), "{refused:?}");
        // B merges A: A's fast row is news to B, stamped ahead of B's clock.
        b.set_fixed_clock("2026-12-04T10:08:00+08:00");
        let refused = b.merge_from_judged(&a_path, (false, false, true, false), None).unwrap_err();
        assert!(matches!(refused, StoreError::MergeClock { their_clock_ahead: Some(_), .. }), "{refused:?}");
        // Another time zone, the clocks right: a change made at 11:10 in Tokyo is one made at 10:10 here.
        let zones = dir.path().join("zones");
        std::fs::create_dir(&zones).unwrap();
        let (mut c, mut d, ids) = two_copies(&zones);
        c.set_fixed_clock("2026-12-04T11:10:00+09:00");
        c.set_payment(by_id(&c, &ids[0]).id, PaymentStatus::Paid, &details).unwrap();
        d.set_fixed_clock("2026-12-04T10:11:00+08:00");
        let r = d.merge_from_judged(c.path().unwrap(), (false, false, true, false), None).unwrap();
        assert!(r.their_clock_ahead.is_none() && r.our_clock_behind.is_none(), "{r:?}");
        assert_eq!(by_id(&d, &ids[0]).payment, PaymentStatus::Paid);
        c.set_fixed_clock("2026-12-04T11:12:00+09:00");
        let r = c.merge_from_judged(d.path().unwrap(), (false, false, true, false), None).unwrap();
        assert!(r.their_clock_ahead.is_none() && r.our_clock_behind.is_none(), "{r:?}");
    }

    /// One laptop, its clock three hours behind, records a payment and later corrects its amount; the other
    /// merges after each. Both amounts came from one laptop, one after the other: no two amounts to check.
    #[test]
    fn a_payments_amount_corrected_on_the_laptop_that_took_it_is_no_dispute_after_merges() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let paid = |fen: i64| PaymentDetails { amount_fen: Some(fen), ..Default::default() };
        b.set_fixed_clock("2026-12-04T07:00:00+08:00");
        let pb = by_id(&b, &ids[0]).id;
        b.set_payment(pb, PaymentStatus::Paid, &paid(38000)).unwrap();
        let b_path = b.path().unwrap().to_owned();
        a.set_fixed_clock("2026-12-04T10:05:00+08:00");
        a.merge_from(&b_path, false).unwrap();
        let a_path = a.path().unwrap().to_owned();
        // B takes A's copy back (its merge's row with it) before it corrects the amount.
        b.set_fixed_clock("2026-12-04T07:08:00+08:00");
        b.merge_from(&a_path, false).unwrap();
        b.set_fixed_clock("2026-12-04T07:10:00+08:00");
        b.set_payment(pb, PaymentStatus::Paid, &paid(30000)).unwrap();
        a.set_fixed_clock("2026-12-04T10:20:00+08:00");
        let r = a.merge_from(&b_path, false).unwrap();
        assert!(r.conflicts.is_empty(), "{r:?}");
        let pupil = by_id(&a, &ids[0]);
        assert_eq!(pupil.payment_details.amount_fen, Some(30000));
        let disputes = a.amount_disputes(std::slice::from_ref(&pupil)).unwrap();
        assert!(disputes.is_empty(), "{disputes:?}");
        b.set_fixed_clock("2026-12-04T07:30:00+08:00");
        b.merge_from(&a_path, false).unwrap();
        let pupil = by_id(&b, &ids[0]);
        assert!(b.amount_disputes(std::slice::from_ref(&pupil)).unwrap().is_empty());
    }

    /// 每日进度 is read from the changes themselves, not from the rows a merge wrote to apply the other laptop's:
    /// two laptops merged once each way show the same days, and the day of a merge is no day of the drive.
    #[test]
    fn two_laptops_merged_once_each_way_show_the_same_days() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let paid = |s: &mut Store, at: &str, pupil: usize, status: PaymentStatus| {
            s.set_fixed_clock(at);
            let id = by_id(s, &ids[pupil]).id;
            s.set_payment(id, status, &PaymentDetails::default()).unwrap();
        };
        paid(&mut a, "2026-12-02T10:00:00+08:00", 0, PaymentStatus::Paid);
        paid(&mut a, "2026-12-02T10:01:00+08:00", 2, PaymentStatus::Paid);
        // A mistake on B, cleared the same day.
        paid(&mut b, "2026-12-02T10:30:00+08:00", 2, PaymentStatus::Paid);
        paid(&mut b, "2026-12-02T10:31:00+08:00", 2, PaymentStatus::Unpaid);
        paid(&mut b, "2026-12-02T11:00:00+08:00", 0, PaymentStatus::Government);
        paid(&mut b, "2026-12-02T11:01:00+08:00", 1, PaymentStatus::Paid);
        // A department's payment on A after that: B's merge back writes it to B, a row A's log never holds.
        paid(&mut a, "2026-12-02T12:00:00+08:00", 2, PaymentStatus::Government);
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop((a, b));
        let ((first, _), (second, _)) = round_trip(&dir.path().join("trip"), &a_path, &b_path);
        assert_eq!(snapshot(&first), snapshot(&second));
        let days = |s: &Store| -> Vec<(String, i64, i64, i64, i64)> {
            let days = s.daily_progress().unwrap();
            days.into_iter().map(|d| (d.date.to_string(), d.enrolled, d.paid, d.enrolled_total, d.paid_total)).collect()
        };
        assert_eq!(days(&first), days(&second));
        assert_eq!(days(&first), [("2026-12-02".to_owned(), 3, 3, 3, 3)]);
        let stats = first.stats(None, None).unwrap();
        assert_eq!(stats.payment["paid"] + stats.payment["government"], 3);
    }

    /// A 不参保 a merge let lose to the other laptop's payment (see `keep_the_payment`) is no change of the drive's
    /// days, though it is newer than the payment: each drive shows the pupil registered from the payment on, as
    /// it holds them, and both drives show the same days.
    #[test]
    fn a_decline_a_merge_let_lose_to_a_payment_is_in_no_day() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        a.set_fixed_clock("2026-12-03T23:30:00+08:00");
        a.set_payment(by_id(&a, &ids[0]).id, PaymentStatus::Paid, &PaymentDetails::default()).unwrap();
        b.set_fixed_clock("2026-12-04T00:30:00+08:00");
        b.set_payment(by_id(&b, &ids[1]).id, PaymentStatus::Paid, &PaymentDetails::default()).unwrap();
        b.set_fixed_clock("2026-12-04T00:40:00+08:00");
        b.set_enrollment(by_id(&b, &ids[0]).id, Enrollment::Declined, Some("不要")).unwrap();
        let ((mut a_into_b, _), (mut b_into_a, _)) = merge_both_ways(dir.path(), a, b);
        assert_eq!(snapshot(&a_into_b), snapshot(&b_into_a));
        // Read in Shanghai: A's payment fell on the 3rd, B's marks on the 4th.
        a_into_b.set_fixed_clock("2026-12-05T09:00:00+08:00");
        b_into_a.set_fixed_clock("2026-12-05T09:00:00+08:00");
        let days = |s: &Store| -> Vec<(String, i64, i64, i64, i64)> {
            let days = s.daily_progress().unwrap();
            days.into_iter().map(|d| (d.date.to_string(), d.enrolled, d.paid, d.enrolled_total, d.paid_total)).collect()
        };
        let expected = [("2026-12-03".to_owned(), 1, 1, 1, 1), ("2026-12-04".to_owned(), 1, 1, 2, 2)];
        assert_eq!(days(&a_into_b), expected, "the laptop whose 不参保 lost");
        assert_eq!(days(&b_into_a), expected, "the laptop that kept its payment");
    }

    /// Laptop A marks a pupil 在校参保 and then 不参保 within one second, and laptop B marks her 在校参保 in that
    /// same second: merged either way, whichever session sorts first, each drive's days end with the pupil as it
    /// holds her, and no day gains more pupils than it ends with. Before, the replay ended her day on the value
    /// the second's changes chained to, not the one the merge kept, and the totals counted back from the drive's
    /// own counts went wrong by her.
    #[test]
    fn same_second_marks_on_two_laptops_leave_days_that_end_at_the_drives_counts() {
        for origins in [["a-session", "b-session"], ["b-session", "a-session"]] {
            let dir = tempfile::tempdir().unwrap();
            let (mut a, mut b, ids) = two_copies(dir.path());
            (a.origin, b.origin) = (origins[0].to_owned(), origins[1].to_owned());
            a.set_fixed_clock("2026-12-03T10:00:00+08:00");
            a.set_payment(by_id(&a, &ids[1]).id, PaymentStatus::Paid, &PaymentDetails::default()).unwrap();
            a.set_fixed_clock("2026-12-04T10:00:00+08:00");
            let pupil = by_id(&a, &ids[0]).id;
            a.set_enrollment(pupil, Enrollment::Here, None).unwrap();
            a.set_enrollment(pupil, Enrollment::Declined, Some("不要")).unwrap();
            b.set_fixed_clock("2026-12-04T10:00:00+08:00");
            b.set_enrollment(by_id(&b, &ids[0]).id, Enrollment::Here, None).unwrap();
            let ((a_into_b, _), (b_into_a, _)) = merge_both_ways(dir.path(), a, b);
            days_agree_with_counts(&a_into_b, &format!("{origins:?}, A merged into B"));
            days_agree_with_counts(&b_into_a, &format!("{origins:?}, B merged into A"));
        }
    }

    /// That `s`'s days end at its own counts (`stats`), and that no day gains more pupils than it ends with.
    fn days_agree_with_counts(s: &Store, case: &str) {
        let days = s.daily_progress().unwrap();
        let stats = s.stats(None, None).unwrap();
        let shown: Vec<_> =
            days.iter().map(|d| (d.date.to_string(), d.enrolled, d.paid, d.enrolled_total, d.paid_total)).collect();
        if let Some(last) = days.last() {
            let registered = stats.enrollment["here"] + stats.enrollment["elsewhere"];
            let paid = stats.payment["paid"] + stats.payment["government"];
            assert_eq!((last.enrolled_total, last.paid_total), (registered, paid), "{case}: {shown:?}");
        }
        for d in &days {
            assert!(d.enrolled <= d.enrolled_total && d.paid <= d.paid_total, "{case}: {shown:?}");
            let within = 0..=stats.students;
            assert!(within.contains(&d.enrolled_total) && within.contains(&d.paid_total), "{case}: {shown:?}");
        }
    }

    /// A laptop's edits of one status for `undo_step` to undo or redo: pupil, field, value before, value after.
    type Edits = Vec<(i64, Field, String, String)>;

    /// Does step `kind` on laptop `s` at `at` to pupil `id`: one of seven marks, an undo or a redo of the laptop's
    /// own last edit, as `u` and `Ctrl-r` write them.
    fn undo_step(s: &mut Store, at: &str, id: &str, kind: usize, (undo, redo): (&mut Edits, &mut Edits)) {
        const MARKS: [(Field, &str); 7] = [
            (Field::Enrollment, "here"),
            (Field::Enrollment, "declined"),
            (Field::Enrollment, "elsewhere"),
            (Field::Enrollment, "unknown"),
            (Field::Payment, "paid"),
            (Field::Payment, "unpaid"),
            (Field::Payment, "government"),
        ];
        s.set_fixed_clock(at);
        let write = |s: &mut Store, action: &str, (pupil, field, value): (i64, Field, &str)| {
            s.change_batch(action, &[(pupil, vec![FieldChange::new(field, Some(value))])], false).is_ok()
        };
        let (from, to, action) = match kind {
            7 => (undo, redo, "undo"),
            8 => (redo, undo, "redo"),
            _ => {
                let pupil = by_id(s, id);
                let (field, value) = MARKS[kind];
                let before = match field {
                    Field::Payment => pupil.payment.code(),
                    _ => pupil.enrollment.code(),
                };
                let done = match (field, value) {
                    (Field::Payment, v) => {
                        let status = PaymentStatus::from_code(v).unwrap();
                        s.set_payment(pupil.id, status, &PaymentDetails::default())
                    }
                    (_, v) => {
                        let reason = (v == "declined").then_some("不要");
                        s.set_enrollment(pupil.id, Enrollment::from_code(v).unwrap(), reason)
                    }
                };
                if done.is_ok_and(|n| n > 0) {
                    undo.push((pupil.id, field, before.to_owned(), value.to_owned()));
                    redo.clear();
                }
                return;
            }
        };
        if let Some((pupil, field, before, after)) = from.pop() {
            let value = if action == "undo" { &before } else { &after };
            if write(s, action, (pupil, field, value)) {
                to.push((pupil, field, before, after));
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 12, ..Default::default() })]

        /// Whatever two laptops mark, undo and redo, in seconds they share or not and either side of a midnight,
        /// each drive's days end at its own counts and no day gains more than it ends with: merged either way,
        /// and once more back.
        #[test]
        fn days_end_at_the_drives_counts_after_any_marks_undos_and_merges(
            steps in proptest::collection::vec((proptest::bool::ANY, 0usize..4, 0usize..3, 0usize..9), 1..16),
        ) {
            const SECONDS: [&str; 4] = [
                "2026-12-03T10:00:00+08:00",
                "2026-12-03T23:59:59+08:00",
                "2026-12-04T00:00:00+08:00",
                "2026-12-04T00:00:01+08:00",
            ];
            let dir = tempfile::tempdir().unwrap();
            let (mut a, mut b, ids) = two_copies(dir.path());
            let mut steps = steps;
            // Each laptop's clock goes forward.
            steps.sort_by_key(|&(_, second, _, _)| second);
            let (mut a_edits, mut b_edits) = ((Vec::new(), Vec::new()), (Vec::new(), Vec::new()));
            for (on_b, second, pupil, kind) in steps {
                let (s, (undo, redo)) = if on_b { (&mut b, &mut b_edits) } else { (&mut a, &mut a_edits) };
                undo_step(s, SECONDS[second], &ids[pupil], kind, (undo, redo));
            }
            days_agree_with_counts(&a, "A alone");
            days_agree_with_counts(&b, "B alone");
            let ((a_into_b, _), (mut b_into_a, _)) = merge_both_ways(dir.path(), a, b);
            days_agree_with_counts(&a_into_b, "A merged into B");
            days_agree_with_counts(&b_into_a, "B merged into A");
            b_into_a.merge_from(a_into_b.path().unwrap(), false).unwrap();
            days_agree_with_counts(&b_into_a, "merged back");
        }
    }

    /// Records a top-up of `fen` on `s`'s pupil `id` at `at`, as `mark --top-up` does: the amount recorded plus it.
    fn top_up(s: &mut Store, id: &str, at: &str, fen: i64) {
        use crate::store::{Change, ChangeOptions, Payment, TOP_UP};
        s.set_fixed_clock(at);
        let pupil = by_id(s, id);
        let total = pupil.payment_details.amount_fen.unwrap() + fen;
        let day = chrono::NaiveDate::parse_from_str(&at[..10], "%Y-%m-%d").ok();
        let paid = Change::Payment(Payment::Paid { amount_fen: Some(total), paid_on: day, channel: None });
        s.apply_change(TOP_UP, pupil.id, vec![paid], ChangeOptions::default()).unwrap();
    }

    /// A part-payer (300 of 380) brings 40 to each laptop: two top-ups, two receipts, both money. Merged either
    /// way, and back, she has paid 380, the merge that met them says so, nothing is a conflict or a dispute, and
    /// a top-up both files hold (merged again) is not added twice.
    #[test]
    fn top_ups_recorded_apart_on_two_laptops_both_count_and_a_top_up_merged_again_does_not() {
        let part = PaymentDetails { amount_fen: Some(30000), ..family_payment() };
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies_after(dir.path(), |a, ids| {
            a.set_payment(by_id(a, &ids[0]).id, PaymentStatus::Paid, &part).unwrap();
        });
        top_up(&mut a, &ids[0], "2026-12-01T10:00:00+08:00", 4000);
        top_up(&mut b, &ids[0], "2026-12-02T10:00:00+08:00", 4000);
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop((a, b));
        let amount = |s: &Store| by_id(s, &ids[0]).payment_details.amount_fen;
        let disputes = |s: &Store| s.amount_disputes(&[by_id(s, &ids[0])]).unwrap();
        for (first, second) in [(&a_path, &b_path), (&b_path, &a_path)] {
            let trip = dir.path().join(format!("trip-{}", first.file_name().unwrap().to_string_lossy()));
            let ((mut first, r1), (second, r2)) = round_trip(&trip, first, second);
            assert_eq!((amount(&first), amount(&second)), (Some(38000), Some(38000)), "{r1:?} {r2:?}");
            assert!(r1.conflicts.is_empty() && r2.conflicts.is_empty() && r2.decided_there.is_empty(), "{r1:?}");
            let [joined] = &r1.top_ups_joined[..] else { panic!("{r1:?}") };
            assert_eq!((joined.before_fen, &joined.ours_fen, &joined.theirs_fen), (30000, &vec![4000], &vec![4000]));
            assert_eq!(joined.total_fen, 38000);
            assert!(disputes(&first).is_empty() && disputes(&second).is_empty());
            assert_eq!(snapshot(&first), snapshot(&second));
            // The other file again, now holding both top-ups: nothing new.
            let again = first.merge_from(second.path().unwrap(), false).unwrap();
            assert!(again.top_ups_joined.is_empty() && again.conflicts.is_empty(), "{again:?}");
            assert_eq!(amount(&first), Some(38000));
        }
        // Each file merged into a copy of the other: the same sum both ways.
        let ((a_into_b, r1), (b_into_a, r2)) =
            merge_both_ways(&dir.path().join("both"), Store::open(&a_path).unwrap(), Store::open(&b_path).unwrap());
        assert_eq!((amount(&a_into_b), amount(&b_into_a)), (Some(38000), Some(38000)), "{r1:?} {r2:?}");
        assert_eq!((r1.top_ups_joined.len(), r2.top_ups_joined.len()), (1, 1));
    }

    /// A top-up on one laptop while the other recorded the tax office's list's whole payment is no sum: one of the
    /// two is kept, and the other is said, as a conflict of the amount, and stays in dispute for the roster check.
    #[test]
    fn a_top_up_beside_a_tax_lists_whole_payment_is_said_not_added() {
        let part = PaymentDetails { amount_fen: Some(30000), ..family_payment() };
        for top_up_later in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let (mut a, mut b, ids) = two_copies_after(dir.path(), |a, ids| {
                a.set_payment(by_id(a, &ids[0]).id, PaymentStatus::Paid, &part).unwrap();
            });
            let at = if top_up_later { "2026-12-02T10:00:00+08:00" } else { "2026-11-30T10:00:00+08:00" };
            top_up(&mut a, &ids[0], at, 4000);
            b.set_fixed_clock("2026-12-01T10:00:00+08:00");
            reconcile_by_bank(&mut b, &ids[0]);
            let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
            drop((a, b));
            let ((first, r1), (second, _)) = round_trip(&dir.path().join("trip"), &a_path, &b_path);
            assert!(r1.top_ups_joined.is_empty(), "{r1:?}");
            let kept = by_id(&first, &ids[0]).payment_details.amount_fen;
            assert_eq!(kept, by_id(&second, &ids[0]).payment_details.amount_fen);
            let amounts: Vec<_> = r1.conflicts.iter().filter(|c| c.field == "paid_amount_fen").collect();
            assert_eq!(amounts.len(), 1, "{r1:?}");
            let lost = if top_up_later { "38000" } else { "34000" };
            assert_eq!(amounts[0].lost.as_deref(), Some(lost), "{top_up_later}");
            let pupil = by_id(&first, &ids[0]);
            assert!(!first.amount_disputes(&[pupil]).unwrap().is_empty(), "{top_up_later}");
        }
    }

    /// 民族 and 居住地址 merge as the other pupil fields: one laptop's value is carried to the other, a pupil added
    /// on one laptop comes with them, and the later of two values wins, the other said as a conflict.
    #[test]
    fn ethnicity_and_address_merge_field_by_field() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        let with = |name: &str, id: &str, ethnicity: &str, address: &str| Incoming {
            ethnicity: ethnicity.into(),
            address: address.into(),
            ..pupil(name, id)
        };
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.apply_import(
            &[with("学生0", &ids[0], "壮族", "文昌路 1 号"), with("学生1", &ids[1], "", "八一路 3 号")],
            &[],
            0,
            false,
        )
        .unwrap();
        b.set_fixed_clock("2026-11-23T10:30:00+08:00");
        let new = valid("45020220150101151");
        b.apply_import(
            &[with("学生0", &ids[0], "", "文昌路 2 号"), with("新生", &new, "瑶族", "柳石路 9 号")],
            &[],
            0,
            false,
        )
        .unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            let personal = |id: &str| {
                let p = by_id(s, id);
                (p.ethnicity, p.address)
            };
            let text = |v: &str| Some(v.to_owned());
            assert_eq!(personal(&ids[0]), (text("壮族"), text("文昌路 2 号")), "A's 民族, B's later address: {r:?}");
            assert_eq!(personal(&ids[1]), (None, text("八一路 3 号")), "{r:?}");
            assert_eq!(personal(&new), (text("瑶族"), text("柳石路 9 号")), "the pupil added on B: {r:?}");
            let fields: Vec<&str> = r.conflicts.iter().map(|c| c.field.as_str()).collect();
            assert_eq!(fields, ["address"], "{r:?}");
        }
    }

    /// 民族 and 居住地址 corrected by hand (`E` on one laptop, `mark` on the other) merge as a list's do: each
    /// laptop's correction is carried to the other, and the later of two corrections of one field wins, said.
    #[test]
    fn ethnicity_and_address_corrected_by_hand_merge_field_by_field() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let (on_a, on_b) = (by_id(&a, &ids[0]).id, by_id(&b, &ids[0]).id);
        let edit = super::super::IdentityEdit {
            ethnicity: Some("壮".into()),
            address: Some("文昌路 1 号".into()),
            ..Default::default()
        };
        a.correct_identity(on_a, &edit).unwrap();
        b.set_fixed_clock("2026-11-23T10:30:00+08:00");
        let change = crate::store::Change::Address("文昌路 2 号".into());
        b.apply_change("mark", on_b, vec![change], Default::default()).unwrap();
        let ((a_into_b, r1), (b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        for (s, r) in [(&a_into_b, &r1), (&b_into_a, &r2)] {
            let p = by_id(s, &ids[0]);
            assert_eq!((p.ethnicity.as_deref(), p.address.as_deref()), (Some("壮族"), Some("文昌路 2 号")), "{r:?}");
            let fields: Vec<&str> = r.conflicts.iter().map(|c| c.field.as_str()).collect();
            assert_eq!(fields, ["address"], "{r:?}");
        }
    }

    /// A categories conflict names who made each change (the audit rows' operators), as any other conflict line
    /// does, on both merges: 乙's newer certification kept, 甲's removal lost. Before, both were empty.
    #[test]
    fn a_categories_conflict_names_both_operators() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies_after(dir.path(), |s, ids| {
            s.set_categories(by_id(s, &ids[0]).id, &[mark_of("重度残疾人", "残联")]).unwrap();
        });
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.set_categories(by_id(&a, &ids[0]).id, &[]).unwrap();
        b.set_fixed_clock("2026-11-23T10:01:00+08:00");
        b.set_categories(by_id(&b, &ids[0]).id, &[mark_of("重度残疾人", "民政局")]).unwrap();
        let ((_, r1), (_, r2)) = merge_both_ways(dir.path(), a, b);
        for r in [&r1, &r2] {
            assert_eq!(r.conflicts.len(), 1, "{r:?}");
            let c = &r.conflicts[0];
            assert_eq!(c.field, Field::Categories.key(), "{r:?}");
            assert_eq!((c.kept_by.as_str(), c.lost_by.as_str()), ("乙", "甲"), "{r:?}");
        }
    }
}
