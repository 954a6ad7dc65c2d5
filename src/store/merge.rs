//! Merging two laptops' copies of one drive. Pupils are matched by a valid ID number, else by the audit row
//! that created them, else by ID text, name, school and class when that names one pupil on each side; a pupil
//! that fits two children is added and listed, never merged into either. For each field the most recent
//! change to that pupil in either audit log wins; both histories are kept (the other file's audit rows are
//! copied in with their own origin, onto their own pupil); a field both sides changed since they last agreed
//! is a conflict, settled by the newer change, with the losing value recorded. Merging the same file twice
//! changes nothing, and merging A into B ends with the same pupils and values as B into A.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;

use super::fields::{self, Field, FieldChange};
use super::{Result, Store, StoreError, schema};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Conflict {
    pub id_number: String,
    pub name: String,
    pub field: String,
    /// The value kept (the newer change) and when it was made.
    pub kept: Option<String>,
    pub kept_at: String,
    /// The value that lost, recorded in the audit log too.
    pub lost: Option<String>,
    pub lost_at: String,
}

/// A pupil of the other file without a valid ID number who matches more than one pupil (theirs or ours) by
/// name, school, class and ID text. Guessing could give one child another's payment, so they are added as a
/// pupil of their own (and counted in `added`) for the operator to check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ambiguous {
    /// The ID text as stored: empty, or a number that failed the check.
    pub id_number: String,
    pub name: String,
    pub school: String,
    pub class: String,
    /// How many of our pupils and of theirs share this description.
    pub ours: usize,
    pub theirs: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: Vec<Conflict>,
    pub ambiguous: Vec<Ambiguous>,
    pub audit_rows_copied: usize,
    pub dry_run: bool,
}

/// One audit row, as both files can hold it; equal rows are the same event.
#[derive(Debug, Clone)]
struct Event {
    at: String,
    operator: String,
    origin: String,
    action: String,
    id_number: String,
    field: String,
    old: Option<String>,
    new: Option<String>,
    /// The insured year of a yearly field's row (a NULL in the file read as that file's first year). Not part
    /// of what makes two rows one event: both copies of a row from before years read it so, but each file
    /// could have been given its first year apart.
    year: Option<i32>,
}

impl Event {
    fn identity(&self) -> (&str, &str, &str, &str, &str, &str, Option<&str>, Option<&str>) {
        let Event { at, operator, origin, action, id_number, field, old, new, year: _ } = self;
        (at, operator, origin, action, id_number, field, old.as_deref(), new.as_deref())
    }
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.identity() == other.identity()
    }
}

impl Eq for Event {}

impl std::hash::Hash for Event {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.identity().hash(state);
    }
}

/// An event with the pupil row it is attached to in its own file. Row ids differ between the files, so the
/// pupil is kept beside the event and takes no part in telling events apart.
struct Logged {
    student: Option<i64>,
    event: Event,
}

/// A file's current and first insured years (meta `current_year`, `first_year`).
fn years_of(tx: &Transaction, db: &str) -> Result<(Option<i32>, Option<i32>)> {
    let get = |key: &str| -> Result<Option<i32>> {
        let text: Option<String> =
            tx.query_row(&format!("SELECT value FROM {db}.meta WHERE key = ?1"), [key], |r| r.get(0)).optional()?;
        Ok(text.and_then(|t| t.parse().ok()))
    };
    Ok((get("current_year")?, get("first_year")?))
}

fn events(tx: &Transaction, schema_name: &str) -> Result<Vec<Logged>> {
    let (_, first) = years_of(tx, schema_name)?;
    let mut stmt = tx.prepare(&format!(
        "SELECT student_id, at, operator, origin, action, COALESCE(id_number, ''), field, old, new, year
         FROM {schema_name}.audit ORDER BY id"
    ))?;
    let rows = stmt.query_map([], |r| {
        let field: String = r.get(6)?;
        let year = if fields::yearly_key(&field) { r.get::<_, Option<i32>>(9)?.or(first) } else { None };
        Ok(Logged {
            student: r.get(0)?,
            event: Event {
                at: r.get(1)?,
                operator: r.get(2)?,
                origin: r.get(3)?,
                action: r.get(4)?,
                id_number: r.get(5)?,
                field,
                old: r.get(7)?,
                new: r.get(8)?,
                year,
            },
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Each pupil's events, in log order.
fn by_student(log: &[Logged]) -> HashMap<i64, Vec<&Event>> {
    let mut map: HashMap<i64, Vec<&Event>> = HashMap::new();
    for l in log {
        if let Some(s) = l.student {
            map.entry(s).or_default().push(&l.event);
        }
    }
    map
}

/// A newer event wins: instants are compared, not their text (a change stamped 10:00+08:00 was made before one
/// stamped 03:00Z). Equal instants are broken by origin so both directions of a merge choose alike.
fn newer(a: &Event, b: &Event) -> bool {
    super::instant::cmp(&a.at, &b.at).then_with(|| a.origin.cmp(&b.origin)).is_gt()
}

/// Fields that are one fact and so are won together: a payment's status, amount, date and channel come from
/// the same side (paid on one laptop and 财政代缴 on the other must not keep the family's amount under
/// 财政代缴), as do a grade and its class, and an enrollment and its decline reason.
pub(crate) const GROUPS: [&[Field]; 8] = [
    &[Field::School],
    &[Field::Name],
    &[Field::Grade, Field::Class],
    &[Field::Phone],
    &[Field::Enrollment, Field::DeclineReason],
    &[Field::Payment, Field::PaidAmount, Field::PaidOn, Field::PaidChannel],
    &[Field::Categories, Field::CategoriesYear],
    &[Field::Note],
];

/// Whether a pupil's creation row speaks for this group's values: the values a list gave when the pupil was
/// added (school, name, class, phone, 在校参保, categories) are that side's word as much as a later change is.
/// A value still at its default (no phone, 未确认, no categories) was not said by anyone and does not count.
pub(crate) fn said_at_creation(group: &[Field], values: &[Option<String>]) -> bool {
    let informative = |f: Field, v: &Option<String>| match (f, v.as_deref()) {
        (_, None | Some("")) => false,
        (Field::Enrollment, Some(v)) => v != crate::domain::student::Enrollment::Unknown.code(),
        (Field::Categories, Some(v)) => v != "[]",
        (Field::Payment | Field::PaidAmount | Field::PaidOn | Field::PaidChannel | Field::Note, _) => false,
        (Field::DeclineReason, _) => false,
        _ => true,
    };
    group.iter().zip(values).any(|(&f, v)| informative(f, v))
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
            PupilKey::Valid(n) => format!("v\u{1f}{n}"),
            PupilKey::Unchecked { id_number, name, school, grade, class } => {
                format!("u\u{1f}{id_number}\u{1f}{name}\u{1f}{school}\u{1f}{grade}\u{1f}{class}")
            }
        }
    }
}

struct Pupil {
    id: i64,
    key: PupilKey,
}

fn pupils(tx: &Transaction, db: &str) -> Result<Vec<Pupil>> {
    let mut stmt = tx.prepare(&format!(
        "SELECT s.id, s.id_number, s.id_problem IS NULL, s.name, sc.name, s.grade, s.class FROM {db}.students s
         JOIN {db}.schools sc ON sc.id = s.school_id ORDER BY s.id"
    ))?;
    let rows = stmt.query_map([], |r| {
        let key = PupilKey::of(r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?);
        Ok(Pupil { id: r.get(0)?, key })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// Their pupils paired with ours (their row id to ours), and the pupils that could not be paired safely.
struct Matching {
    pairs: HashMap<i64, i64>,
    ambiguous: HashMap<i64, (usize, usize)>,
}

/// Pairs pupils without guessing. A valid ID number pairs by itself. Otherwise the audit row that created the
/// pupil: copies of one file share it, so a pupil renamed or moved to another class on one laptop is still
/// found. Otherwise the key, when exactly one pupil on each side has it. Every rule is symmetric, so A into B
/// pairs the same pupils as B into A.
fn match_pupils(ours: &[Pupil], theirs: &[Pupil], our_log: &[Logged], their_log: &[Logged]) -> Matching {
    let mut pairs = HashMap::new();
    let our_valid: HashMap<&str, i64> = ours
        .iter()
        .filter_map(|p| match &p.key {
            PupilKey::Valid(n) => Some((n.as_str(), p.id)),
            PupilKey::Unchecked { .. } => None,
        })
        .collect();
    for p in theirs {
        if let PupilKey::Valid(n) = &p.key
            && let Some(&ours) = our_valid.get(n.as_str())
        {
            pairs.insert(p.id, ours);
        }
    }

    // The creation row, usable only where it is one pupil's only creation row, on each side. Every pupil not
    // yet paired takes part, not only those without a valid number: a number corrected on one laptop (valid
    // there, still flagged on the other) is the same child, created once.
    let valid_ours: HashSet<i64> = pairs.values().copied().collect();
    let valid_theirs: HashSet<i64> = pairs.keys().copied().collect();
    let creations = |log: &[Logged], pupils: &[Pupil], paired: &HashSet<i64>| {
        let open: HashSet<i64> = pupils.iter().map(|p| p.id).filter(|id| !paired.contains(id)).collect();
        let mut of_pupil: HashMap<i64, Vec<Event>> = HashMap::new();
        for l in log.iter().filter(|l| l.event.field == "created") {
            if let Some(s) = l.student.filter(|s| open.contains(s)) {
                of_pupil.entry(s).or_default().push(l.event.clone());
            }
        }
        let mut pupils_of: HashMap<Event, Vec<i64>> = HashMap::new();
        for (&s, list) in &of_pupil {
            for e in list {
                pupils_of.entry(e.clone()).or_default().push(s);
            }
        }
        of_pupil
            .into_iter()
            .filter_map(|(s, list)| match list.as_slice() {
                [only] if pupils_of[only].len() == 1 => Some((only.clone(), s)),
                _ => None,
            })
            .collect::<HashMap<Event, i64>>()
    };
    let our_created = creations(our_log, ours, &valid_ours);
    let their_created = creations(their_log, theirs, &valid_theirs);
    for (event, &theirs_id) in &their_created {
        if let Some(&ours_id) = our_created.get(event) {
            pairs.insert(theirs_id, ours_id);
        }
    }

    let paired_ours: HashSet<i64> = pairs.values().copied().collect();
    let group = |pupils: &[Pupil], skip: &dyn Fn(i64) -> bool| {
        let mut map: HashMap<PupilKey, Vec<i64>> = HashMap::new();
        for p in pupils.iter().filter(|p| matches!(p.key, PupilKey::Unchecked { .. }) && !skip(p.id)) {
            map.entry(p.key.clone()).or_default().push(p.id);
        }
        map
    };
    let our_keys = group(ours, &|id| paired_ours.contains(&id));
    let their_keys = group(theirs, &|id| pairs.contains_key(&id));
    let mut ambiguous = HashMap::new();
    for (key, their_ids) in &their_keys {
        match (their_ids.as_slice(), our_keys.get(key).map(Vec::as_slice)) {
            ([theirs_id], Some([ours_id])) => {
                pairs.insert(*theirs_id, *ours_id);
            }
            (_, Some(our_ids)) if !our_ids.is_empty() => {
                for &t in their_ids {
                    ambiguous.insert(t, (our_ids.len(), their_ids.len()));
                }
            }
            _ => {}
        }
    }
    Matching { pairs, ambiguous }
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

impl Store {
    /// Brings `other`'s changes into this drive in one transaction (after a backup, unless `dry_run`).
    pub fn merge_from(&mut self, other: &Path, dry_run: bool) -> Result<MergeReport> {
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
            return Err(StoreError::OlderSchema {
                path: other.display().to_string(),
                found: version,
                supported: schema::latest_version(),
            });
        }
        if version > schema::latest_version() {
            return Err(StoreError::TooNew { found: version, supported: schema::latest_version() });
        }
        drop(probe);
        if !dry_run {
            self.backup_now("merge")?;
        }
        let ctx = self.audit_context("merge");
        if self.encrypted() && other_plain {
            // Without an explicit empty key SQLCipher would read the attached file with this drive's key.
            self.conn.execute("ATTACH DATABASE ?1 AS other KEY ''", [other.to_string_lossy()])?;
        } else {
            self.conn.execute("ATTACH DATABASE ?1 AS other", [other.to_string_lossy()])?;
        }
        let result = (|| {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let report = merge_in(&tx, &ctx)?;
            if dry_run {
                tx.rollback()?;
            } else {
                tx.commit()?;
            }
            Ok(MergeReport { dry_run, ..report })
        })();
        self.conn.execute("DETACH DATABASE other", [])?;
        result
    }
}

/// Whether two paths name one file: the same device and inode where the system has them, else the same
/// canonical path.
fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) {
            return (x.dev(), x.ino()) == (y.dev(), y.ino());
        }
    }
    matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(x), Ok(y)) if x == y)
}

fn merge_in(tx: &Transaction, ctx: &super::AuditContext) -> Result<MergeReport> {
    let ours = events(tx, "main")?;
    let theirs = events(tx, "other")?;
    let ours_set: HashSet<&Event> = ours.iter().map(|l| &l.event).collect();
    let theirs_set: HashSet<&Event> = theirs.iter().map(|l| &l.event).collect();
    let our_history = by_student(&ours);
    let their_history = by_student(&theirs);
    let mut report = MergeReport::default();

    let (our_current, _) = years_of(tx, "main")?;
    let (their_current, _) = years_of(tx, "other")?;
    let their_pupils = pupils(tx, "other")?;
    let matching = match_pupils(&pupils(tx, "main")?, &their_pupils, &ours, &theirs);
    // Their pupil row to ours, including pupils copied in below, so their history lands on the right child.
    let mut ours_of = matching.pairs.clone();

    for pupil in &their_pupils {
        let their_id = pupil.id;
        let Some(&our_id) = matching.pairs.get(&their_id) else {
            ours_of.insert(their_id, copy_theirs(tx, ctx, pupil, their_current)?);
            report.added += 1;
            report.ambiguous.extend(ambiguous(pupil, matching.ambiguous.get(&their_id)));
            continue;
        };
        let (id_number, name): (String, String) =
            tx.query_row("SELECT id_number, name FROM main.students WHERE id = ?1", [our_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        // Each insured year's changes apart: a yearly group is settled once per year either side has a change
        // for, so one laptop's 2027 statuses never overwrite the other's 2028 ones.
        let mut changes: Vec<(Option<i32>, FieldChange)> = Vec::new();
        for group in GROUPS {
            let yearly = group.iter().all(|f| f.is_yearly());
            let mut years: Vec<Option<i32>> = vec![None];
            if yearly {
                years = [their_history.get(&their_id), our_history.get(&our_id)]
                    .into_iter()
                    .flatten()
                    .flat_map(|h| h.iter().map(|e| e.year))
                    .collect();
                years.sort_unstable();
                years.dedup();
            }
            for year in years {
                let in_year = |e: &Event| !yearly || e.year == year;
                let sets = |e: &Event| in_year(e) && (group.iter().any(|f| f.key() == e.field) || e.field == "created");
                // Nothing of theirs that could set this group is new to us (copies of one drive, mostly): nothing
                // to decide, and no value need be read.
                if their_history.get(&their_id).is_none_or(|h| h.iter().all(|e| !sets(e) || ours_set.contains(*e))) {
                    continue;
                }
                let values = |db: &str, student: i64, current: Option<i32>| -> Result<Vec<Option<String>>> {
                    group.iter().map(|&f| Ok(value(tx, db, student, f, year, current)?.flatten())).collect()
                };
                let theirs_values = values("other", their_id, their_current)?;
                let ours_values = values("main", our_id, our_current)?;
                // The newest event that set this group on one side: a change to any of its fields, or a creation
                // row when the values it gave are still there to speak for.
                let last = |history: &HashMap<i64, Vec<&Event>>, student: i64, values: &[Option<String>]| {
                    let created = said_at_creation(group, values);
                    history
                        .get(&student)?
                        .iter()
                        .filter(|e| in_year(e))
                        .filter(|e| group.iter().any(|f| f.key() == e.field) || (created && e.field == "created"))
                        .fold(None, |best: Option<Event>, e| match best {
                            Some(b) if !newer(e, &b) => Some(b),
                            _ => Some((*e).clone()),
                        })
                };
                let (Some(their_last), our_last) =
                    (last(&their_history, their_id, &theirs_values), last(&our_history, our_id, &ours_values))
                else {
                    continue;
                };
                if ours_set.contains(&their_last) {
                    continue; // We already have their latest change to this group.
                }
                let ours_unseen = our_last.as_ref().is_some_and(|o| !theirs_set.contains(o));
                let they_win = our_last.as_ref().is_none_or(|o| newer(&their_last, o));
                for ((&field, theirs_value), ours_value) in group.iter().zip(&theirs_values).zip(&ours_values) {
                    let key = field.key();
                    if ours_unseen && theirs_value != ours_value {
                        let our_last = our_last.clone().unwrap_or_else(|| their_last.clone());
                        let (kept, kept_at, lost, lost_at) = if they_win {
                            (theirs_value.clone(), their_last.at.clone(), ours_value.clone(), our_last.at.clone())
                        } else {
                            (ours_value.clone(), our_last.at.clone(), theirs_value.clone(), their_last.at.clone())
                        };
                        report.conflicts.push(Conflict {
                            id_number: id_number.clone(),
                            name: name.clone(),
                            field: key.into(),
                            kept,
                            kept_at,
                            lost,
                            lost_at,
                        });
                        if !they_win {
                            // Record the value that lost, so nobody's entry disappears without a trace.
                            let ctx = super::AuditContext { year: year.or(ctx.year), ..ctx.clone() };
                            ctx.write(
                                tx,
                                Some(our_id),
                                &id_number,
                                &format!("{key}:conflict_lost"),
                                theirs_value.as_deref(),
                                ours_value.as_deref(),
                            )?;
                        }
                    }
                    if they_win && theirs_value != ours_value {
                        changes.push((year, FieldChange::new_owned(field, theirs_value.clone())));
                    }
                }
            }
        }
        if changes.is_empty() {
            report.unchanged += 1;
        } else {
            apply_by_year(tx, ctx, our_id, &changes)?;
            report.updated += 1;
        }
    }

    // Both histories kept: their events we lack, attached to the pupil they were paired with or copied as.
    report.audit_rows_copied = copy_history(tx, &theirs, &ours_set, &ours_of)?;
    Ok(report)
}

/// A pupil only the other file has, copied in under the school of the same name; returns our new row id.
fn copy_theirs(tx: &Transaction, ctx: &super::AuditContext, pupil: &Pupil, their_current: Option<i32>) -> Result<i64> {
    let school: String = tx.query_row(
        "SELECT sc.name FROM other.students s JOIN other.schools sc ON sc.id = s.school_id WHERE s.id = ?1",
        [pupil.id],
        |r| r.get(0),
    )?;
    copy_pupil(tx, ctx, pupil.id, &school, their_current)
}

/// A copied pupil that matched more than one pupil on either side, as the report lists it.
fn ambiguous(pupil: &Pupil, counts: Option<&(usize, usize)>) -> Option<Ambiguous> {
    let (&(ours, theirs), PupilKey::Unchecked { id_number, name, school, grade, class }) = (counts?, &pupil.key) else {
        return None;
    };
    Some(Ambiguous {
        id_number: id_number.clone(),
        name: name.clone(),
        school: school.clone(),
        class: crate::domain::class_label::join(grade, class),
        ours,
        theirs,
    })
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

/// Their audit rows we lack, each attached to the pupil it was paired with or copied as; returns how many.
fn copy_history(
    tx: &Transaction,
    theirs: &[Logged],
    ours_set: &HashSet<&Event>,
    ours_of: &HashMap<i64, i64>,
) -> Result<usize> {
    let mut copied = 0;
    for l in theirs.iter().filter(|l| !ours_set.contains(&l.event)) {
        let e = &l.event;
        let sid = l.student.and_then(|s| ours_of.get(&s).copied());
        tx.prepare_cached(
            "INSERT INTO main.audit(at, operator, origin, action, student_id, id_number, field, old, new, year)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            e.at,
            e.operator,
            e.origin,
            e.action,
            sid,
            e.id_number,
            e.field,
            e.old,
            e.new,
            e.year
        ])?;
        copied += 1;
    }
    Ok(copied)
}

/// The ten text columns of a year's statuses from `first` on, read alike from `year_statuses` and from the
/// pupil row of the other file's current year.
fn year_columns(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<[Option<String>; 10]> {
    let mut row: [Option<String>; 10] = Default::default();
    for (i, cell) in row.iter_mut().enumerate() {
        *cell = r.get(first + i)?;
    }
    Ok(row)
}

/// A pupil only the other file has: the whole row, under the school of the same name, and their statuses of
/// every year they have, each in its own year here. Returns our new row id.
fn copy_pupil(
    tx: &Transaction,
    ctx: &super::AuditContext,
    their_id: i64,
    school: &str,
    their_current: Option<i32>,
) -> Result<i64> {
    let school_id = fields::ensure_school(tx, school, &ctx.at)?;
    let our_current = ctx.year;
    // Their current year's statuses go on our pupil row only when it is our current year too.
    let same_year = their_current == our_current;
    tx.execute(
        "INSERT INTO main.students(school_id, name, id_raw, id_number, id_kind, id_problem, sex, birth_date, grade,
            class, class_order, phone, enrollment, decline_reason, payment, paid_amount_fen, paid_on, paid_channel,
            categories, note, source, created_at, updated_at, categories_year, seen_year)
         SELECT ?1, name, id_raw, id_number, id_kind, id_problem, sex, birth_date, grade, class, class_order, phone,
            CASE WHEN ?3 THEN enrollment ELSE 'unknown' END, CASE WHEN ?3 THEN decline_reason END,
            CASE WHEN ?3 THEN payment ELSE 'unpaid' END, CASE WHEN ?3 THEN paid_amount_fen END,
            CASE WHEN ?3 THEN paid_on END, CASE WHEN ?3 THEN paid_channel END,
            categories, note, source, created_at, updated_at,
            coalesce(categories_year, ?4), coalesce(seen_year, ?4)
         FROM other.students WHERE id = ?2",
        params![school_id, their_id, same_year, first_year_of(tx, "other")?],
    )?;
    let id = tx.last_insert_rowid();
    // Their other years (and their current one, when it is not ours): ours are written where they belong.
    let mut years: Vec<(i32, [Option<String>; 10])> = tx
        .prepare(
            "SELECT year, enrollment, decline_reason, payment, CAST(paid_amount_fen AS TEXT), paid_on, paid_channel,
                policy, grade, class, class_order FROM other.year_statuses WHERE student_id = ?1",
        )?
        .query_map([their_id], |r| Ok((r.get(0)?, year_columns(r, 1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if let (false, Some(theirs)) = (same_year, their_current) {
        let row: [Option<String>; 10] = tx.query_row(
            "SELECT enrollment, decline_reason, payment, CAST(paid_amount_fen AS TEXT), paid_on, paid_channel, NULL,
                grade, class, class_order
             FROM other.students WHERE id = ?1",
            [their_id],
            |r| year_columns(r, 0),
        )?;
        years.push((theirs, row));
    }
    for (year, [enrollment, reason, payment, amount, paid_on, channel, policy, grade, class, order]) in years {
        if Some(year) == our_current {
            tx.execute(
                "UPDATE main.students SET enrollment = ?1, decline_reason = ?2, payment = ?3,
                     paid_amount_fen = CAST(?4 AS INTEGER), paid_on = ?5, paid_channel = ?6 WHERE id = ?7",
                params![enrollment, reason, payment, amount, paid_on, channel, id],
            )?;
        } else {
            tx.execute(
                "INSERT OR REPLACE INTO main.year_statuses(student_id, year, enrollment, decline_reason, payment,
                     paid_amount_fen, paid_on, paid_channel, policy, grade, class, class_order)
                 VALUES (?1, ?2, ?3, ?4, ?5, CAST(?6 AS INTEGER), ?7, ?8, ?9, ?10, ?11, ?12)",
                params![id, year, enrollment, reason, payment, amount, paid_on, channel, policy, grade, class, order],
            )?;
        }
    }
    let (name, number, grade, class): (String, String, String, String) =
        tx.query_row("SELECT name, id_number, grade, class FROM main.students WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    fields::write_search_key(tx, id, &name, &number, &crate::domain::class_label::join(&grade, &class))?;
    Ok(id)
}

fn first_year_of(tx: &Transaction, db: &str) -> Result<Option<i32>> {
    Ok(years_of(tx, db)?.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::id_number;
    use crate::domain::student::{Enrollment, PaymentDetails, PaymentStatus};
    use crate::store::Incoming;

    fn valid(first17: &str) -> String {
        format!("{first17}{}", id_number::check_char(first17.as_bytes()))
    }

    fn pupil(name: &str, id: &str) -> Incoming {
        Incoming {
            school: "测试小学".into(),
            school_given: true,
            name: name.into(),
            id_raw: id.into(),
            id: id_number::check(id, chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()),
            grade: "一年级".into(),
            class: "1班".into(),
            phone: String::new(),
            insured: false,
            categories: Vec::new(),
            source: "t.csv:2".into(),
        }
    }

    /// Two laptops' copies of one drive, as the operators got them.
    fn two_copies(dir: &Path) -> (Store, Store, Vec<String>) {
        let ids = vec![valid("45020220150101121"), valid("45020220150101131"), valid("45020220150101141")];
        let a_path = dir.join("a.db");
        let mut a = Store::open(&a_path).unwrap();
        a.set_fixed_clock("2026-11-23T09:00:00+08:00");
        a.set_operator("甲").unwrap();
        let rows: Vec<Incoming> = ids.iter().enumerate().map(|(i, id)| pupil(&format!("学生{i}"), id)).collect();
        a.apply_import(&rows, &[], 0, false).unwrap();
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
    fn dry_run_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = two_copies(dir.path());
        b.set_fixed_clock("2026-11-23T10:05:00+08:00");
        b.set_note(by_id(&b, &ids[1]).id, "x").unwrap();
        let b_path = b.path().unwrap().to_owned();
        drop(b);
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
        assert_eq!(a.merge_from(&b_path, false).unwrap().added, 0, "and a second merge adds nothing either");
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
        let ((a_into_b, _), (b_into_a, _)) = merge_both_ways(dir.path(), a, b);
        for s in [&a_into_b, &b_into_a] {
            let p = by_id(s, &ids[0]);
            assert_eq!(p.payment, PaymentStatus::Government);
            assert_eq!(
                (p.payment_details.amount_fen, p.payment_details.paid_on, p.payment_details.channel.clone()),
                (None, None, None),
                "{p:?}"
            );
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
        let ((mut a_into_b, r1), (mut b_into_a, r2)) = merge_both_ways(dir.path(), a, b);
        assert!(r1.conflicts.is_empty() && r2.conflicts.is_empty(), "{r1:?} {r2:?}");

        // B's file: its own year current, A's next year kept apart.
        assert_eq!(a_into_b.current_year(), Some(year));
        let p0 = by_id(&a_into_b, &ids[0]);
        assert_eq!(p0.payment_details.amount_fen, Some(38000), "B's payment for its year stays");
        assert_eq!(by_id(&a_into_b, &ids[1]).enrollment, Enrollment::Declined);
        let next: Option<i64> = a_into_b
            .connection()
            .query_row(
                "SELECT paid_amount_fen FROM year_statuses WHERE student_id = ?1 AND year = ?2",
                params![p0.id, year + 1],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(next, Some(40000), "A's payment for the next year kept for that year");

        // A's file: the next year current with A's payment, B's marks in the year before.
        assert_eq!(b_into_a.current_year(), Some(year + 1));
        assert_eq!(by_id(&b_into_a, &ids[0]).payment_details.amount_fen, Some(40000));
        assert_eq!(by_id(&b_into_a, &ids[1]).enrollment, Enrollment::Unknown, "the next year is asked afresh");
        let audit = b_into_a.audit_count().unwrap();
        let again = b_into_a.merge_from(&b_path, false).unwrap();
        assert_eq!((again.updated, again.audit_rows_copied), (0, 0), "{again:?}");
        assert_eq!(b_into_a.audit_count().unwrap(), audit);
        let again = a_into_b.merge_from(&a_path, false).unwrap();
        assert_eq!((again.updated, again.audit_rows_copied), (0, 0), "{again:?}");
        b_into_a.view_year(year).unwrap();
        assert_eq!(by_id(&b_into_a, &ids[0]).payment_details.amount_fen, Some(38000));
        assert_eq!(by_id(&b_into_a, &ids[1]).enrollment, Enrollment::Declined);
    }

    #[test]
    fn a_pupil_only_the_other_year_has_is_copied_with_each_years_statuses_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, b, ids) = two_copies(dir.path());
        let year = a.current_year().unwrap();
        a.set_fixed_clock("2026-11-24T10:00:00+08:00");
        let extra = valid("45020220150101151");
        a.apply_import(&[pupil("新生", &extra)], &[], 0, false).unwrap();
        a.set_payment(by_id(&a, &extra).id, PaymentStatus::Paid, &PaymentDetails::default()).unwrap();
        a.start_year(year + 1, false, None, false).unwrap();
        let a_path = a.path().unwrap().to_owned();
        drop(a);
        let mut b = b;
        b.merge_from(&a_path, false).unwrap();
        assert_eq!(b.current_year(), Some(year));
        assert_eq!(by_id(&b, &extra).payment, PaymentStatus::Paid, "A's old year is B's current one");
        assert_eq!(by_id(&b, &ids[0]).payment, PaymentStatus::Unpaid);
    }
}
