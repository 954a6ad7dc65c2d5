//! A drive file read for a push: its pupils with, for each group of fields a merge wins together, the newest
//! change that set it (as `store::merge` chooses it); their statuses for each insured year the drive holds,
//! stamped the same way within the year; and its audit history with each row's hash.

use rusqlite::Connection;

use std::borrow::Cow;

use super::Map;
use rusqlite::OptionalExtension;

use crate::store::backup::{RESTORE_REMOVED, RESTORE_UNDONE, RESTORED_AT, RESTORED_BY};
use crate::store::class_rule::{ClassChange, outranks};
use crate::store::event_hash::row_hash;
use crate::store::merge::{CopiedRows, GROUPS, LOST, PupilKey, informative};
use crate::store::{Field, Store, StoreError, instant, schema};

/// One pupil as the drive holds them (the statuses apart, per year: [`DriveStatus`]).
pub struct DrivePupil {
    pub sid: i64,
    pub key: String,
    pub created_event: Option<String>,
    /// Every creation row the pupil holds that no other pupil of the drive does: a merge that paired two
    /// laptops' imports of one list by name and class left both laptops' on the pupil (then `created_event`,
    /// which names one only, is None). Any of them the county has names the county's pupil.
    pub created_events: Vec<String>,
    pub id_number: String,
    pub id_valid: bool,
    pub name: String,
    pub school: String,
    pub grade: String,
    pub class: String,
    pub class_order: String,
    pub phone: String,
    pub categories: String,
    pub categories_year: Option<i64>,
    /// The insured year the categories were certified for as the drive reads them: `categories_year`, or where
    /// that is NULL the drive's first year, which the county cannot tell: the push sends this.
    pub certified_year: i64,
    pub note: String,
    /// What is wrong with the number (`IdProblem::code`, an old 15-digit number converted as
    /// `id_number::OLD_NUMBER`), and the sex the row holds: what pairs a flagged number with the county's valid
    /// one as a merge pairs them (`same_child::look_alike`).
    pub id_problem: Option<String>,
    pub sex: Option<crate::domain::id_number::Sex>,
    /// Per group (in `GROUPS` order; the yearly ones stay empty): the audit row (index into
    /// `DriveRead::audit`) of its newest change.
    pub last: [Option<usize>; 8],
    /// The pupil's grade and class changes and creation rows in log order, as the class rule
    /// (`store::class_rule`) reads them: each history row (index into `DriveRead::audit`) with the insured
    /// year it started where `year new --promote` wrote it.
    pub class_log: Vec<(usize, Option<i32>)>,
    /// Where in `class_log` the class group's newest change (`last`'s) is.
    pub class_at: Option<usize>,
}

/// A pupil's enrollment and payment for one insured year: the current year's from the pupil row, closed
/// years' from `year_statuses`.
pub struct DriveStatus {
    pub sid: i64,
    pub year: i32,
    pub enrollment: String,
    pub decline_reason: Option<String>,
    pub payment: String,
    pub paid_amount_fen: Option<i64>,
    pub paid_on: Option<String>,
    pub paid_channel: Option<String>,
    /// The class the pupil was in during a closed year (drive schema 6); None: the class did not change
    /// since, and for the current year, whose class is the pupil's own.
    pub grade: Option<String>,
    pub class: Option<String>,
    pub class_order: Option<String>,
    /// The categories the pupil had during a closed year and the year that set was certified for (drive schema
    /// 11, its first year for a NULL), as `Store::view_year` reads them; None: unchanged since, and for the
    /// current year, whose categories are the pupil's own.
    pub categories: Option<String>,
    pub categories_year: Option<i64>,
    /// The amount due of a family's payment short of it (部分缴费: `Store::part_payments`, as the drive's `stats`
    /// counts it for the status's year, a closed one under its own policy); None for a whole payment or none. Set
    /// by the caller, which has the drive's policies.
    pub amount_due_fen: Option<i64>,
    /// Whether the drive's policy sends the pupil to enroll away from school (`Store::sent_away_pupils`, as the
    /// drive's `stats` judges 应参保), for the status's year; None where the caller judged none. Set by the caller.
    pub sent_away: Option<bool>,
    /// As `DrivePupil::last`, for the yearly groups only, counting the changes made in this year.
    pub last: [Option<usize>; 8],
}

impl DrivePupil {
    /// For a newest class change `year new --promote` wrote, the insured year it started.
    pub fn class_promoted(&self) -> Option<i32> {
        self.class_at.and_then(|at| self.class_log[at].1)
    }

    /// The insured year of the newest promotion before the class log's entry `at` (`ClassChange::made_in`).
    pub fn class_made_in_at(&self, at: usize) -> Option<i32> {
        self.class_log[..at].iter().rev().find_map(|&(_, year)| year)
    }

    /// For a promotion as the newest class change, the history row of the class change it moved up from.
    pub fn class_moved_from(&self) -> Option<usize> {
        let at = self.class_at.filter(|_| self.class_promoted().is_some())?;
        at.checked_sub(1).map(|before| self.class_log[before].0)
    }

    /// A field's value as the audit log writes it (the school by name).
    fn value(&self, field: Field) -> Option<Cow<'_, str>> {
        let text = match field {
            Field::School => &self.school,
            Field::Name => &self.name,
            Field::Grade => &self.grade,
            Field::Class => &self.class,
            Field::Phone => &self.phone,
            Field::Categories => &self.categories,
            Field::Note => &self.note,
            Field::CategoriesYear => return self.categories_year.map(|y| Cow::Owned(y.to_string())),
            _ => return None,
        };
        Some(Cow::Borrowed(text))
    }
}

impl DriveStatus {
    /// A yearly field's value as the audit log writes it (amounts as fen).
    fn value(&self, field: Field) -> Option<Cow<'_, str>> {
        match field {
            Field::Enrollment => Some(Cow::Borrowed(&self.enrollment)),
            Field::DeclineReason => self.decline_reason.as_deref().map(Cow::Borrowed),
            Field::Payment => Some(Cow::Borrowed(&self.payment)),
            Field::PaidAmount => self.paid_amount_fen.map(|f| Cow::Owned(f.to_string())),
            Field::PaidOn => self.paid_on.as_deref().map(Cow::Borrowed),
            Field::PaidChannel => self.paid_channel.as_deref().map(Cow::Borrowed),
            _ => None,
        }
    }
}

/// How many of `store::merge::GROUPS`, from the first, the county keeps (`decide::COUNTY_GROUPS`): a drive's 民族
/// and 居住地址, the groups after them, stay on the drive.
pub const COUNTY_GROUP_COUNT: usize = 8;

/// Whether a history row's field (as the audit log names it) is one of the merge's groups past the county's,
/// whose values stay on the drive: read from `GROUPS`, so a group added after them stays home too.
pub fn stays_home(field: &str) -> bool {
    GROUPS[COUNTY_GROUP_COUNT..].iter().flat_map(|g| g.iter()).any(|f| f.key() == field)
}

/// One audit row.
pub struct DriveEvent {
    pub seq: i64,
    pub sid: Option<i64>,
    /// The instant in UTC (RFC 3339), when the text names one.
    pub at: Option<String>,
    pub at_text: String,
    pub operator: String,
    pub origin: String,
    pub action: String,
    pub id_number: String,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// The insured year of a yearly field's row (or a creation's): the file's first year where it wrote none.
    pub year: Option<i32>,
    pub hash: String,
}

pub struct DriveRead {
    pub pupils: Vec<DrivePupil>,
    /// Each change an undo took back, as (the change's row, the undo's row), indices into `audit`: neither is any
    /// group's newest change (`last`), the two saying nothing (see `taken_back`).
    pub taken_back: Vec<(usize, usize)>,
    pub statuses: Vec<DriveStatus>,
    pub audit: Vec<DriveEvent>,
    /// The insured year the pupil rows' statuses are for.
    pub current_year: i32,
    /// The drive's first insured year: what a NULL `categories_year` means.
    pub first_year: i32,
    /// The changes to its pupils this drive's restores took back (`store::backup::RESTORE_UNDONE`), by hash,
    /// that its history does not hold again.
    pub undone: Vec<String>,
    /// When and by whom the drive's latest restore was made (meta `restored_at`, `restored_by`).
    pub restored: Option<(String, String)>,
    /// The creation rows (hashes) of the pupils this laptop added that its restores removed
    /// (`store::backup::RESTORE_REMOVED`), which its history does not hold again.
    pub removed: Vec<String>,
}

impl DriveRead {
    pub fn first_event(&self) -> String {
        self.audit.first().map(|e| e.hash.clone()).unwrap_or_default()
    }

    pub fn last_event(&self) -> (i64, String) {
        self.audit.last().map(|e| (e.seq, e.hash.clone())).unwrap_or((0, String::new()))
    }
}

/// Reads everything a push sends, in one snapshot of the drive. The connection should be read-only: a drive
/// may be open in a TUI.
/// `fallback_year` is the current year of a file from before insured years were kept.
pub fn read(conn: &Connection, fallback_year: i32) -> Result<DriveRead, StoreError> {
    // One read transaction: a save in a TUI between reading the pupils and their history would otherwise stamp
    // a pupil's old value with the change that replaced it, and the county would never take the new one.
    let _snapshot = conn.unchecked_transaction()?;
    let head = Head::of(conn, fallback_year)?;
    let (pupils, statuses) = read_rows(conn, &head)?;
    let audit = read_audit(conn, head.has_years, head.first_year)?;
    Ok(head.settled(pupils, statuses, audit))
}

/// As [`read`], the history on a second connection of its own (in a thread) while this one reads the pupils:
/// the two take about as long, and a push sends nothing before it has both. Where the second connection's
/// snapshot is not this one's (a save in a TUI came between them), this connection reads the history again.
pub fn read_store(store: &Store, fallback_year: i32) -> Result<DriveRead, StoreError> {
    let Some(reopen) = store.reopener() else { return read(store.connection(), fallback_year) };
    read_beside(store.connection(), move || reopen.open(), fallback_year)
}

/// [`read_store`] with the second connection opened by `second`.
fn read_beside(
    conn: &Connection,
    second: impl FnOnce() -> Result<Store, StoreError> + Send,
    fallback_year: i32,
) -> Result<DriveRead, StoreError> {
    let _snapshot = conn.unchecked_transaction()?;
    let head = Head::of(conn, fallback_year)?;
    let last = last_event(conn, &head)?;
    let (has_years, first_year) = (head.has_years, head.first_year);
    let (rows, history) = std::thread::scope(|s| {
        let history = s.spawn(move || -> Result<Vec<DriveEvent>, StoreError> {
            let second = second()?;
            let conn = second.connection();
            let _snapshot = conn.unchecked_transaction()?;
            read_audit(conn, has_years, first_year)
        });
        (read_rows(conn, &head), history.join())
    });
    let (pupils, statuses) = rows?;
    // The log is append-only: two snapshots whose history ends in the same row hold the same history.
    let ends = |audit: &[DriveEvent]| audit.last().map(|e| (e.seq, e.hash.clone()));
    let audit = match history {
        Ok(Ok(audit)) if ends(&audit) == last => audit,
        _ => read_audit(conn, has_years, first_year)?,
    };
    Ok(head.settled(pupils, statuses, audit))
}

/// What the rest of the reading depends on: the drive's schema and years.
struct Head {
    version: i64,
    has_years: bool,
    current_year: i32,
    first_year: i32,
    /// Which audit rows a merge copied in (read in the pupils' snapshot, which a history read beside them
    /// matches: see `read_beside`).
    copied: CopiedRows,
    /// What the drive's restores took back, and the latest restore's time and operator.
    undone: Vec<String>,
    restored: Option<(String, String)>,
    removed: Vec<String>,
}

impl Head {
    fn of(conn: &Connection, fallback_year: i32) -> Result<Head, StoreError> {
        let version = schema::user_version(conn)?;
        let has_years = version >= schema::YEAR_VERSION;
        let current_year = meta_year(conn, has_years, "current_year")?.unwrap_or(fallback_year);
        let first_year = meta_year(conn, has_years, "first_year")?.unwrap_or(current_year);
        let copied = CopiedRows::read(conn, "main")?;
        let meta = |key: &str| -> Result<Option<String>, StoreError> {
            if !has_years {
                return Ok(None);
            }
            Ok(conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
        };
        let undone = meta(RESTORE_UNDONE)?.unwrap_or_default().lines().map(str::to_owned).collect();
        let removed = meta(RESTORE_REMOVED)?.unwrap_or_default().lines().map(str::to_owned).collect();
        let restored = match (meta(RESTORED_AT)?, meta(RESTORED_BY)?) {
            (Some(at), by) => Some((at, by.unwrap_or_default())),
            _ => None,
        };
        Ok(Head { version, has_years, current_year, first_year, copied, undone, restored, removed })
    }

    fn settled(
        &self,
        mut pupils: Vec<DrivePupil>,
        mut statuses: Vec<DriveStatus>,
        audit: Vec<DriveEvent>,
    ) -> DriveRead {
        let taken_back = taken_back(&audit);
        settle(&mut pupils, &mut statuses, &audit, &self.copied, &taken_back);
        // A change the history holds again (a later backup restored, another laptop's copy merged in) is the
        // drive's once more.
        let held: super::Set<&str> = audit.iter().map(|e| e.hash.as_str()).collect();
        let hash = |h: &str| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit());
        let mut undone: Vec<String> =
            self.undone.iter().filter(|h| hash(h) && !held.contains(h.as_str())).cloned().collect();
        undone.sort_unstable();
        undone.dedup();
        let mut removed: Vec<String> =
            self.removed.iter().filter(|h| hash(h) && !held.contains(h.as_str())).cloned().collect();
        removed.sort_unstable();
        removed.dedup();
        DriveRead {
            pupils,
            statuses,
            taken_back,
            audit,
            current_year: self.current_year,
            first_year: self.first_year,
            undone,
            restored: self.restored.clone(),
            removed,
        }
    }
}

/// The pupils with every insured year's statuses.
fn read_rows(conn: &Connection, head: &Head) -> Result<(Vec<DrivePupil>, Vec<DriveStatus>), StoreError> {
    let (pupils, mut statuses) = read_pupils(conn, head.has_years, head.current_year, head.first_year)?;
    if head.has_years {
        read_closed_years(conn, head, &mut statuses)?;
    }
    Ok((pupils, statuses))
}

/// The last history row (its id and hash), as [`read_audit`] reads it.
fn last_event(conn: &Connection, head: &Head) -> Result<Option<(i64, String)>, StoreError> {
    let last = read_audit_where(conn, head.has_years, head.first_year, "WHERE id = (SELECT max(id) FROM audit)")?;
    Ok(last.last().map(|e| (e.seq, e.hash.clone())))
}

/// A year kept in the drive's `meta` (none in a file from before insured years were kept).
fn meta_year(conn: &Connection, has_years: bool, key: &str) -> Result<Option<i32>, StoreError> {
    if !has_years {
        return Ok(None);
    }
    let text: Option<String> =
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .map(Some)
            .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
    Ok(text.and_then(|t| t.parse().ok()))
}

/// The pupils, and the current year's statuses, which their rows hold.
fn read_pupils(
    conn: &Connection,
    has_years: bool,
    current_year: i32,
    first_year: i32,
) -> Result<(Vec<DrivePupil>, Vec<DriveStatus>), StoreError> {
    let mut pupils = Vec::new();
    let mut statuses = Vec::new();
    let categories_year = if has_years { "s.categories_year" } else { "NULL" };
    let mut stmt = conn.prepare(&format!(
        "SELECT s.id, s.id_number, s.id_problem IS NULL, s.name, sc.name, s.grade, s.class, s.class_order,
                s.phone, s.enrollment, s.decline_reason, s.payment, s.paid_amount_fen, s.paid_on, s.paid_channel,
                s.categories, {categories_year}, s.note,
                CASE WHEN s.id_problem IS NULL AND s.id_kind = 'resident_converted' THEN '{old}' ELSE s.id_problem END,
                s.sex
         FROM students s JOIN schools sc ON sc.id = s.school_id ORDER BY s.id",
        old = crate::domain::id_number::OLD_NUMBER
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let sid: i64 = r.get(0)?;
        let categories_year: Option<i64> = r.get(16)?;
        pupils.push(DrivePupil {
            sid,
            key: String::new(),
            created_event: None,
            created_events: Vec::new(),
            id_number: r.get(1)?,
            id_valid: r.get(2)?,
            name: r.get(3)?,
            school: r.get(4)?,
            grade: r.get(5)?,
            class: r.get(6)?,
            class_order: r.get(7)?,
            phone: r.get(8)?,
            categories: r.get(15)?,
            categories_year,
            certified_year: categories_year.unwrap_or(i64::from(first_year)),
            note: r.get(17)?,
            id_problem: r.get(18)?,
            sex: match r.get::<_, Option<String>>(19)?.as_deref() {
                Some("male") => Some(crate::domain::id_number::Sex::Male),
                Some("female") => Some(crate::domain::id_number::Sex::Female),
                _ => None,
            },
            last: [None; 8],
            class_log: Vec::new(),
            class_at: None,
        });
        // The current year's class is the pupil's own: its status row carries none.
        statuses.push(DriveStatus {
            sid,
            year: current_year,
            enrollment: r.get(9)?,
            decline_reason: r.get(10)?,
            payment: r.get(11)?,
            paid_amount_fen: r.get(12)?,
            paid_on: r.get(13)?,
            paid_channel: r.get(14)?,
            grade: None,
            class: None,
            class_order: None,
            categories: None,
            categories_year: None,
            amount_due_fen: None,
            sent_away: None,
            last: [None; 8],
        });
    }
    Ok((pupils, statuses))
}

/// The closed years' statuses, with the class each pupil was in that year where the drive keeps it (schema 6
/// on) and the categories they had then where they changed since (schema 11 on); before those, every closed
/// year reads as "no change since".
fn read_closed_years(conn: &Connection, head: &Head, statuses: &mut Vec<DriveStatus>) -> Result<(), StoreError> {
    let class =
        if head.version >= schema::YEAR_CLASS_VERSION { "y.grade, y.class, y.class_order" } else { "NULL, NULL, NULL" };
    let kept = head.version >= schema::YEAR_CATEGORIES_VERSION;
    // A kept set's NULL year is the drive's first year, as for the pupil's own (`store::read`).
    let (categories, join) = if kept {
        (
            "c.categories, CASE WHEN c.categories IS NOT NULL THEN coalesce(c.categories_year, ?2) END",
            "LEFT JOIN year_categories c ON c.student_id = y.student_id AND c.year = y.year",
        )
    } else {
        ("NULL, NULL", "")
    };
    let mut stmt = conn.prepare(&format!(
        "SELECT y.student_id, y.year, y.enrollment, y.decline_reason, y.payment, y.paid_amount_fen, y.paid_on,
                y.paid_channel, {class}, {categories}
         FROM year_statuses y {join} WHERE y.year <> ?1 ORDER BY y.student_id, y.year"
    ))?;
    let mut rows =
        if kept { stmt.query([head.current_year, head.first_year])? } else { stmt.query([head.current_year])? };
    while let Some(r) = rows.next()? {
        statuses.push(DriveStatus {
            sid: r.get(0)?,
            year: r.get(1)?,
            enrollment: r.get(2)?,
            decline_reason: r.get(3)?,
            payment: r.get(4)?,
            paid_amount_fen: r.get(5)?,
            paid_on: r.get(6)?,
            paid_channel: r.get(7)?,
            grade: r.get(8)?,
            class: r.get(9)?,
            class_order: r.get(10)?,
            categories: r.get(11)?,
            categories_year: r.get(12)?,
            amount_due_fen: None,
            sent_away: None,
            last: [None; 8],
        });
    }
    Ok(())
}

/// The audit log in the drive's order, each row with its year and its hash.
fn read_audit(conn: &Connection, has_years: bool, first_year: i32) -> Result<Vec<DriveEvent>, StoreError> {
    read_audit_where(conn, has_years, first_year, "")
}

/// The audit rows `filter` (a WHERE clause) keeps.
fn read_audit_where(
    conn: &Connection,
    has_years: bool,
    first_year: i32,
    filter: &str,
) -> Result<Vec<DriveEvent>, StoreError> {
    let mut audit = Vec::new();
    let year = if has_years { "year" } else { "NULL" };
    let mut stmt = conn.prepare(&format!(
        "SELECT id, student_id, at, operator, origin, action, COALESCE(id_number, ''), field, old, new, {year}
         FROM audit {filter} ORDER BY id"
    ))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let at_text: String = r.get(2)?;
        let (operator, origin, action, id_number, field): (String, String, String, String, String) =
            (r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?);
        let (old, new): (Option<String>, Option<String>) = (r.get(8)?, r.get(9)?);
        // As a merge reads it: a yearly row without a year is the file's first year's.
        let year =
            if crate::store::yearly_key(&field) { r.get::<_, Option<i32>>(10)?.or(Some(first_year)) } else { None };
        // The same content as store::merge's Event, which is how a merge tells two rows are one change (the
        // year is no part of it there either).
        let hash = row_hash(&at_text, &operator, &origin, &action, &id_number, &field, old.as_deref(), new.as_deref());
        audit.push(DriveEvent {
            seq: r.get(0)?,
            sid: r.get(1)?,
            at: instant::parse(&at_text).map(instant::to_text),
            at_text,
            operator,
            origin,
            action,
            id_number,
            field,
            old,
            new,
            year,
            hash,
        });
    }
    Ok(audit)
}

/// The history rows the class rule reads: a pupil's grade and class changes and creation rows.
const CLASS_FIELDS: [&str; 3] = ["grade", "class", "created"];

/// One side's change to a pupil's grade and class as the class rule (`store::class_rule`) weighs it: a
/// drive's, from its history, or the county's, from the stamps it keeps of the change that set the class.
#[derive(Debug, Clone)]
pub struct ClassStep {
    pub promoted_into: Option<i32>,
    pub made_in: Option<i32>,
    /// For a promotion: the change it moved up from, where the other side lacks it.
    pub from: Option<Box<ClassStep>>,
    pub at: String,
    pub origin: String,
    /// For a promotion: whether it moved the pupil out of the classes as 已离校 (`ClassChange::moved_out`).
    pub moved_out: bool,
    /// For a promotion: the newest change of the pupil's enrollment before it, where the other side lacks it
    /// (`ClassChange::left_from`).
    pub left: Option<Box<ClassStep>>,
}

impl ClassStep {
    /// A change made at `at` by `origin` (into the year `promoted_into` for a promotion), known by nothing more:
    /// no year it was made in, nothing it moved from, no move out.
    pub fn bare(at: String, origin: String, promoted_into: Option<i32>) -> ClassStep {
        ClassStep { promoted_into, made_in: None, from: None, at, origin, moved_out: false, left: None }
    }

    /// Entry `at` of a pupil's class log, with nothing it moved from.
    fn logged(pupil: &DrivePupil, at: usize, audit: &[DriveEvent]) -> ClassStep {
        let e = &audit[pupil.class_log[at].0];
        ClassStep {
            made_in: pupil.class_made_in_at(at),
            ..ClassStep::bare(e.at_text.clone(), e.origin.clone(), pupil.class_log[at].1)
        }
    }

    /// Whether class log entries `a` and `b` are rows of one start of a year (a move out's grade and class rows).
    fn same_step(pupil: &DrivePupil, audit: &[DriveEvent], a: usize, b: usize) -> bool {
        let (ea, eb) = (&audit[pupil.class_log[a].0], &audit[pupil.class_log[b].0]);
        pupil.class_log[a].1.is_some()
            && pupil.class_log[a].1 == pupil.class_log[b].1
            && ea.at_text == eb.at_text
            && ea.origin == eb.origin
    }

    /// The pupil's newest class change, each change before it the other side lacks (`other_has` says which it
    /// has) chained as what it moved from.
    pub fn newest_of(pupil: &DrivePupil, audit: &[DriveEvent], other_has: &dyn Fn(&str) -> bool) -> Option<ClassStep> {
        fn chain(pupil: &DrivePupil, at: usize, audit: &[DriveEvent], other_has: &dyn Fn(&str) -> bool) -> ClassStep {
            // A move out writes a grade row and then a class row: the grade row is the same step, not what it
            // moved from (as `store::merge` reads it).
            let from = (0..at)
                .rev()
                .find(|&before| !ClassStep::same_step(pupil, audit, at, before))
                .filter(|&before| !other_has(&audit[pupil.class_log[before].0].hash))
                .map(|before| Box::new(chain(pupil, before, audit, other_has)));
            ClassStep { from, ..ClassStep::logged(pupil, at, audit) }
        }
        let at = pupil.class_at?;
        let moved_out = pupil.class_log[at].1.is_some()
            && (0..pupil.class_log.len()).any(|other| {
                let e = &audit[pupil.class_log[other].0];
                ClassStep::same_step(pupil, audit, at, other)
                    && e.field == "grade"
                    && e.new.as_deref() == Some(crate::store::LEFT_GRADE)
            });
        // The newest change of the enrollment before the promotion that no start of a year wrote, when the other
        // side lacks it.
        let promotion = pupil.class_log[at].0;
        let left = audit[..promotion]
            .iter()
            .rposition(|e| {
                e.sid == Some(pupil.sid)
                    && e.field == Field::Enrollment.key()
                    && !["year", "merge"].contains(&e.action.as_str())
            })
            .filter(|&e| !other_has(&audit[e].hash))
            .map(|e| {
                Box::new(ClassStep {
                    promoted_into: None,
                    made_in: None,
                    from: None,
                    at: audit[e].at_text.clone(),
                    origin: audit[e].origin.clone(),
                    moved_out: false,
                    left: None,
                })
            });
        Some(ClassStep { moved_out, left, ..chain(pupil, at, audit, other_has) })
    }
}

impl ClassChange for ClassStep {
    fn promoted_into(&self) -> Option<i32> {
        self.promoted_into
    }

    fn made_in(&self) -> Option<i32> {
        self.made_in
    }

    fn moved_from(&self) -> Option<Self> {
        self.from.as_deref().cloned()
    }

    fn newer_than(&self, other: &Self) -> bool {
        instant::cmp(&self.at, &other.at).then_with(|| self.origin.cmp(&other.origin)).is_gt()
    }

    fn moved_out(&self) -> bool {
        self.moved_out
    }

    fn left_from(&self) -> Option<Self> {
        self.left.as_deref().cloned()
    }
}

/// As `store::merge`'s `Event::outweighed`: whether row `seq` is one a merge copied right after recording this
/// drive's value of (pupil, group, year) as kept over theirs (`kept_here`: the rows of those records).
fn outweighed(
    kept_here: &Map<(i64, usize, Option<i32>), Vec<i64>>,
    copied: &CopiedRows,
    key: (i64, usize, Option<i32>),
    seq: i64,
) -> bool {
    copied.run_of(seq).is_some_and(|run| {
        kept_here.get(&key).is_some_and(|rows| rows.iter().any(|&c| c < run && copied.run_after(c) == Some(run)))
    })
}

/// Each change of a pupil's field and the undo that took it back (as `store::merge` pairs them in a side's
/// history): of one field and insured year, made in one session, nothing between them in the log (not a merge's
/// row: a value set back after the other laptop's was merged in is a change), the undo writing back the value
/// the change replaced. Nested undos pair inside out. (change row, undo row), indices into `audit`.
///
/// A school rename taken back, by `u` or by renaming the school back, pairs whatever session wrote the two (the
/// screen renames on its worker), as a merge pairs it: weighed as the pupils' newest change of school, it would
/// undo at the county another laptop's deliberate rename, which a merge of the two keeps.
fn taken_back(audit: &[DriveEvent]) -> Vec<(usize, usize)> {
    const UNDO: &str = "undo";
    const RENAME: &str = "rename";
    let mut open: Map<(i64, &str, Option<i32>), Vec<usize>> = Map::default();
    let mut pairs = Vec::new();
    for (e, event) in audit.iter().enumerate() {
        let Some(sid) = event.sid else { continue };
        let stack = open.entry((sid, event.field.as_str(), event.year)).or_default();
        if (event.action == UNDO || event.action == RENAME)
            && let Some(&c) = stack.last()
            && let change = &audit[c]
            && change.action != UNDO
            && change.action != "merge"
            && ((event.action == UNDO && change.origin == event.origin) || change.action == RENAME)
            && change.new == event.old
            && change.old == event.new
        {
            stack.pop();
            pairs.push((c, e));
            continue;
        }
        stack.push(e);
    }
    pairs
}

/// Fills in each pupil's key, creation row and newest change per group (per year for the yearly groups). The
/// changes an undo took back (`taken_back`) and their undos are no group's newest.
fn settle(
    pupils: &mut [DrivePupil],
    statuses: &mut [DriveStatus],
    audit: &[DriveEvent],
    copied: &CopiedRows,
    taken_back: &[(usize, usize)],
) {
    let cancelled: super::Set<usize> = taken_back.iter().flat_map(|&(c, u)| [c, u]).collect();
    // The groups the county keeps: a drive's 民族 and 居住地址 (the groups after them) stay on the drive.
    let groups = &GROUPS[..COUNTY_GROUP_COUNT];
    let group_of: Map<&str, usize> =
        groups.iter().enumerate().flat_map(|(g, fields)| fields.iter().map(move |f| (f.key(), g))).collect();
    let yearly: Vec<bool> = groups.iter().map(|fields| fields.iter().all(|f| f.is_yearly())).collect();
    let index: Map<i64, usize> = pupils.iter().enumerate().map(|(i, p)| (p.sid, i)).collect();
    let status_index: Map<(i64, i32), usize> = statuses.iter().enumerate().map(|(i, s)| ((s.sid, s.year), i)).collect();
    // Which groups a pupil's creation row speaks for depends on the values still there (see said_at_creation).
    // Asked of every pupil and group: the values are looked at where they are, not copied.
    fn said<'v>(fields: &[Field], value: &dyn Fn(Field) -> Option<Cow<'v, str>>) -> bool {
        fields.iter().any(|&f| informative(f, value(f).as_deref()))
    }
    let pupil_said: Vec<[bool; 8]> =
        pupils.iter().map(|p| std::array::from_fn(|g| !yearly[g] && said(GROUPS[g], &|f| p.value(f)))).collect();
    let status_said: Vec<[bool; 8]> =
        statuses.iter().map(|st| std::array::from_fn(|g| yearly[g] && said(GROUPS[g], &|f| st.value(f)))).collect();
    // The audit is in log order, and the newest is chosen as a merge chooses it (`store::merge`'s `newest`): a
    // change made on this laptop supersedes every row before it, whatever the clocks say; a row a merge copied
    // in is weighed by instant, and of two in the same second (instants have whole seconds: an import and the
    // year's promotion moments after it), the later in the log is the newer. A copied row the merge that
    // copied it let lose to this drive's value (`outweighed`: it recorded the row's as lost just before) is not.
    let consider = |slot: &mut Option<usize>, e: usize, outweighed: bool| {
        if slot.is_none_or(|best| {
            !outweighed
                && (copied.local(audit[e].seq) || !instant::cmp(&audit[best].at_text, &audit[e].at_text).is_gt())
        }) {
            *slot = Some(e);
        }
    };
    // This drive's own merges' records of a value that lost, by pupil, group and year (for a yearly group): the
    // rows of each, in log order.
    let mut kept_here: Map<(i64, usize, Option<i32>), Vec<i64>> = Map::default();
    let mut creations: Map<usize, Vec<usize>> = Map::default();
    let mut pupils_of_creation: Map<&str, usize> = Map::default();
    // Every start of a year the drive records (its own, and those merges copied in), by the instant and origin
    // `year new` stamped on it and on the class rows of its promotion (as `store::merge` reads them).
    let year_starts: Map<(&str, &str), i32> = audit
        .iter()
        .filter(|e| e.sid.is_none() && e.action == "year" && e.field == "year")
        .filter_map(|e| Some(((e.at_text.as_str(), e.origin.as_str()), e.new.as_deref()?.parse().ok()?)))
        .collect();
    for (e, event) in audit.iter().enumerate() {
        let Some(sid) = event.sid else { continue };
        let Some(&p) = index.get(&sid) else { continue };
        if cancelled.contains(&e) {
            continue;
        }
        // A row a merge wrote sets the value another laptop's change gave, and that change is in this history
        // too, under its own time: as in a merge (`store::merge`'s history), it is no change of this drive's.
        if event.action == "merge" {
            if let Some(&g) = event.field.strip_suffix(LOST).and_then(|key| group_of.get(key))
                && copied.local(event.seq)
            {
                kept_here.entry((sid, g, event.year.filter(|_| yearly[g]))).or_default().push(event.seq);
            }
            continue;
        }
        let outweighed =
            |g: usize| outweighed(&kept_here, copied, (sid, g, event.year.filter(|_| yearly[g])), event.seq);
        if CLASS_FIELDS.contains(&event.field.as_str()) {
            let promoted = (event.action == "year")
                .then(|| year_starts.get(&(event.at_text.as_str(), event.origin.as_str())).copied())
                .flatten();
            pupils[p].class_log.push((e, promoted));
        }
        // The status row of the event's year, when the drive holds one.
        let status = event.year.and_then(|y| status_index.get(&(sid, y)).copied());
        if event.field == "created" {
            creations.entry(p).or_default().push(e);
            *pupils_of_creation.entry(event.hash.as_str()).or_default() += 1;
            for g in 0..groups.len() {
                if pupil_said[p][g] {
                    consider(&mut pupils[p].last[g], e, outweighed(g));
                }
                if let Some(st) = status.filter(|&st| status_said[st][g]) {
                    consider(&mut statuses[st].last[g], e, outweighed(g));
                }
            }
        } else if let Some(&g) = group_of.get(event.field.as_str()) {
            if !yearly[g] {
                consider(&mut pupils[p].last[g], e, outweighed(g));
            } else if let Some(st) = status {
                consider(&mut statuses[st].last[g], e, outweighed(g));
            }
        }
    }
    // The class group's newest change as a merge chooses it (`store::merge`'s `last_setting`): a promotion
    // copied in from another laptop, or a deliberate change copied in after this laptop's own promotion, is
    // weighed as the merge that copied it weighed it (`class_rule::outranks`).
    if let Some(g) = GROUPS.iter().position(|fields| fields.contains(&Field::Class)) {
        for (p, pupil) in pupils.iter_mut().enumerate() {
            let step = |at: usize| ClassStep::logged(pupil, at, audit);
            let mut best: Option<usize> = None;
            for (at, &(e, _)) in pupil.class_log.iter().enumerate() {
                if audit[e].field == "created" && !pupil_said[p][g] {
                    continue;
                }
                best = match best {
                    Some(b) if outweighed(&kept_here, copied, (pupil.sid, g, None), audit[e].seq) => Some(b),
                    Some(b) if outranks(&step(b), &step(at)) => Some(b),
                    Some(b) if outranks(&step(at), &step(b)) => Some(at),
                    Some(b)
                        if !copied.local(audit[e].seq)
                            && instant::cmp(&audit[pupil.class_log[b].0].at_text, &audit[e].at_text).is_gt() =>
                    {
                        Some(b)
                    }
                    _ => Some(at),
                };
            }
            pupil.class_at = best;
            pupil.last[g] = best.map(|at| pupil.class_log[at].0);
        }
    }
    // The creation row names the pupil only where it is the pupil's one creation row and no other pupil's.
    for (p, list) in creations {
        let own: Vec<String> = list
            .iter()
            .map(|&e| &audit[e].hash)
            .filter(|hash| pupils_of_creation.get(hash.as_str()) == Some(&1))
            .cloned()
            .collect();
        if let ([_], [hash]) = (list.as_slice(), own.as_slice()) {
            pupils[p].created_event = Some(hash.clone());
        }
        pupils[p].created_events = own;
    }
    for p in pupils.iter_mut() {
        p.key = PupilKey::text_of(&p.id_number, p.id_valid, &p.name, &p.school, &p.grade, &p.class);
    }
    let mut keys: Map<&str, usize> = Map::default();
    for p in pupils.iter() {
        *keys.entry(p.key.as_str()).or_default() += 1;
    }
    // Which keys two pupils share, found before any key is changed.
    let shared: Vec<bool> = pupils.iter().map(|p| keys.get(p.key.as_str()).is_some_and(|&n| n > 1)).collect();
    drop(keys);
    // Two children a merge could not tell apart (same flagged number, name and class) stay two pupils: each
    // keyed further by its creation row, which copies of the drive share.
    for (p, shared) in pupils.iter_mut().zip(shared) {
        if shared {
            let own = p.created_event.clone().unwrap_or_else(|| format!("row{}", p.sid));
            p.key = format!("{}\u{1f}#{own}", p.key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::{Path, PathBuf};

    /// A drive at schema `version` (5 or later): one pupil, now in 二年级1班, whose 2025 year is closed.
    fn drive_at(version: i64) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        schema::register_functions(&conn).unwrap();
        schema::migrate_to(&mut conn, version).unwrap();
        conn.execute_batch(
            "INSERT INTO schools(id, name, created_at) VALUES (1, '一小', '2025-10-01T00:00:00Z');
             INSERT INTO students(id, school_id, name, id_raw, id_number, grade, class, class_order, enrollment,
                 payment, categories, created_at, updated_at)
             VALUES (1, 1, '王一', 'x', 'x', '二年级', '1班', '02', 'unknown', 'unpaid', '[]',
                     '2025-10-01T00:00:00Z', '2025-10-01T00:00:00Z');
             INSERT INTO year_statuses(student_id, year, enrollment, payment) VALUES (1, 2025, 'here', 'paid');
             INSERT OR REPLACE INTO meta(key, value) VALUES ('current_year', '2026'), ('first_year', '2025');",
        )
        .unwrap();
        conn
    }

    fn closed_class(conn: &Connection) -> (i32, Option<String>, Option<String>, Option<String>) {
        let read = read(conn, 2026).unwrap();
        let closed: Vec<&DriveStatus> = read.statuses.iter().filter(|s| s.year != read.current_year).collect();
        let [st] = closed.as_slice() else { panic!("one closed year, got {}", closed.len()) };
        let current = read.statuses.iter().find(|s| s.year == 2026).expect("the current year's statuses");
        assert!(current.class.is_none(), "the current year's class is the pupil's own");
        (st.year, st.grade.clone(), st.class.clone(), st.class_order.clone())
    }

    #[test]
    fn a_closed_years_class_is_read_where_the_drive_keeps_it() {
        // Schema 5 keeps no class per year: "no change since".
        assert_eq!(closed_class(&drive_at(5)), (2025, None, None, None));
        let six = drive_at(6);
        assert_eq!(closed_class(&six), (2025, None, None, None), "NULL in the drive stays NULL");
        six.execute("UPDATE year_statuses SET grade = '一年级', class = '1班', class_order = '01'", []).unwrap();
        assert_eq!(closed_class(&six), (2025, Some("一年级".into()), Some("1班".into()), Some("01".into())));
    }

    #[test]
    fn of_two_changes_in_one_second_from_one_laptop_the_later_in_the_log_is_the_newest() {
        let conn = drive_at(6);
        // Instants have whole seconds: an import and a change moments after it, or two quick edits, tie.
        conn.execute_batch(
            "UPDATE students SET note = '二';
             INSERT INTO audit(at, operator, origin, action, student_id, id_number, field, old, new, year) VALUES
                 ('2026-11-23T01:00:00Z', '甲', 'o1', 'import', 1, 'x', 'created', NULL, 't.csv:2', 2026),
                 ('2026-11-23T01:00:00Z', '甲', 'o9', 'edit', 1, 'x', 'note', '', '一', NULL),
                 -- Each run of canbao is its own origin: the correction's may sort first.
                 ('2026-11-23T01:00:00Z', '甲', 'o2', 'edit', 1, 'x', 'note', '一', '二', NULL);",
        )
        .unwrap();
        let read = read(&conn, 2026).unwrap();
        let note = GROUPS.iter().position(|g| g.contains(&Field::Note)).unwrap();
        let last = read.pupils[0].last[note].map(|e| read.audit[e].new.clone());
        assert_eq!(last, Some(Some("二".to_owned())), "the value the drive holds is its newest change");
    }

    #[test]
    fn a_change_copied_in_the_same_second_that_the_merge_let_lose_is_not_the_newest() {
        let conn = drive_at(schema::latest_version());
        // This laptop's note, then its merge of the other laptop's note of the same second: the merge kept
        // ours (recorded theirs as lost), then copied theirs in, later in the log.
        conn.execute_batch(
            "UPDATE students SET note = '甲';
             INSERT OR REPLACE INTO meta(key, value) VALUES ('merge_copies_from', '0'), ('merge_copied:4', '4');
             INSERT INTO audit(id, at, operator, origin, action, student_id, id_number, field, old, new, year) VALUES
                 (1, '2026-11-23T01:00:00Z', '甲', 'o1', 'import', 1, 'x', 'created', NULL, 't.csv:2', 2026),
                 (2, '2026-11-23T02:00:00Z', '甲', 'oA', 'edit', 1, 'x', 'note', '', '甲', NULL),
                 (3, '2026-11-23T02:10:00Z', '甲', 'oA', 'merge', 1, 'x', 'note:conflict_lost', '乙', '甲', NULL),
                 (4, '2026-11-23T02:00:00Z', '乙', 'oB', 'edit', 1, 'x', 'note', '', '乙', NULL);",
        )
        .unwrap();
        let read = read(&conn, 2026).unwrap();
        let note = GROUPS.iter().position(|g| g.contains(&Field::Note)).unwrap();
        let last = read.pupils[0].last[note].map(|e| read.audit[e].new.clone());
        assert_eq!(last, Some(Some("甲".to_owned())), "the change whose value the drive holds");
    }

    #[test]
    fn a_drives_own_change_made_after_its_clock_was_set_back_is_its_newest() {
        let conn = drive_at(schema::latest_version());
        conn.execute_batch(
            "UPDATE students SET name = '王二';
             INSERT INTO audit(at, operator, origin, action, student_id, id_number, field, old, new, year) VALUES
                 ('2026-11-23T10:00:00Z', '甲', 'o1', 'import', 1, 'x', 'created', NULL, 't.csv:2', 2026),
                 ('2026-11-23T09:00:00Z', '甲', 'o2', 'edit', 1, 'x', 'name', '王一', '王二', NULL);",
        )
        .unwrap();
        let read = read(&conn, 2026).unwrap();
        let name = GROUPS.iter().position(|g| g.contains(&Field::Name)).unwrap();
        let last = read.pupils[0].last[name].map(|e| read.audit[e].field.clone());
        assert_eq!(last.as_deref(), Some("name"), "the correction, later in the log, not the import");
    }

    /// A drive file (one pupil with its creation row) and the store reading it.
    fn drive_file(dir: &Path) -> (PathBuf, Store) {
        let path = dir.join("d.db");
        let mut conn = Connection::open(&path).unwrap();
        schema::register_functions(&conn).unwrap();
        schema::migrate_to(&mut conn, schema::latest_version()).unwrap();
        // As every drive is kept: a reader does not hold a TUI's save back.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             INSERT INTO schools(id, name, created_at) VALUES (1, '一小', '2026-10-01T00:00:00Z');
             INSERT INTO students(id, school_id, name, id_raw, id_number, grade, class, class_order, enrollment,
                 payment, categories, created_at, updated_at)
             VALUES (1, 1, '王一', 'x', 'x', '二年级', '1班', '02', 'unknown', 'unpaid', '[]',
                     '2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z');
             INSERT INTO audit(at, operator, origin, action, student_id, id_number, field, old, new, year) VALUES
                 ('2026-11-23T01:00:00Z', '甲', 'o1', 'import', 1, 'x', 'created', NULL, 't.csv:2', 2026);",
        )
        .unwrap();
        drop(conn);
        let store = Store::open_read_only(&path).unwrap();
        (path, store)
    }

    /// A pupil's key, creation row and newest change per group.
    type PupilSent = (String, Option<String>, [Option<usize>; 8]);

    /// What a push takes from a read: every pupil's key, creation row and newest change per group, every
    /// status's, and the history's hashes.
    fn sent(read: &DriveRead) -> (Vec<PupilSent>, Vec<[Option<usize>; 8]>, Vec<String>) {
        (
            read.pupils.iter().map(|p| (p.key.clone(), p.created_event.clone(), p.last)).collect(),
            read.statuses.iter().map(|s| s.last).collect(),
            read.audit.iter().map(|e| e.hash.clone()).collect(),
        )
    }

    #[test]
    fn the_history_read_beside_the_pupils_is_the_one_they_were_read_with() {
        let dir = tempfile::tempdir().unwrap();
        let (path, store) = drive_file(dir.path());
        let alone = read(store.connection(), 2026).unwrap();
        let split = read_store(&store, 2026).unwrap();
        assert_eq!(sent(&split), sent(&alone));
        assert_eq!(split.audit.len(), 1);
        // A save lands between this connection's snapshot and the second's: the second sees a history this
        // snapshot's pupils do not match, so the history is read again here.
        let reopen = store.reopener().unwrap();
        let saved_between = move || {
            let writer = Connection::open(&path).unwrap();
            schema::register_functions(&writer).unwrap();
            writer
                .execute_batch(
                    "UPDATE students SET note = '新';
                     INSERT INTO audit(at, operator, origin, action, student_id, id_number, field, old, new)
                     VALUES ('2026-11-23T02:00:00Z', '乙', 'o2', 'edit', 1, 'x', 'note', '', '新');",
                )
                .unwrap();
            reopen.open()
        };
        let raced = read_beside(store.connection(), saved_between, 2026).unwrap();
        assert_eq!(sent(&raced), sent(&alone), "the pupils' snapshot, not the history of a later save");
        assert_eq!(raced.pupils[0].note, "");
        // The next push reads the save whole.
        let after = read_store(&store, 2026).unwrap();
        assert_eq!((after.audit.len(), after.pupils[0].note.as_str()), (2, "新"));
    }
}
