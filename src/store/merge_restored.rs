//! Changes a restore took back (`backup::RESTORE_UNDONE`) that the other laptop's file still holds, having
//! merged them before the restore: a merge would bring them back as news with no word, and the county, which
//! the push told of the restore, would then disagree with both laptops. The merge brings none back; both
//! laptops list them, for the operator to decide.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use super::Result;

/// A change of one pupil's field that a restore took back, which one of the two files still holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TakenBack {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    pub field: String,
    /// The value the change set, which the laptop that restored no longer holds.
    pub value: Option<String>,
    /// When the change was made (UTC, as the history stamps it).
    pub at: String,
    /// This drive's restore took it back, and the other file still holds it: not applied again. Else the other
    /// laptop's restore took it back, and this drive still holds it.
    pub restored_here: bool,
}

/// `serialize_with` for the changes a restore took back: an ID number's correction shown as the report's ID
/// fields are (`id_shown`).
pub(super) fn taken_back_shown<S: serde::Serializer>(all: &[TakenBack], s: S) -> std::result::Result<S::Ok, S::Error> {
    let shown = |b: &TakenBack| TakenBack {
        value: crate::domain::id_shown::field_value(&b.field, b.value.as_deref()),
        ..b.clone()
    };
    s.collect_seq(all.iter().map(shown))
}

/// A pupil a restore of this drive removed, whom the other file still holds: brought back with its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PupilBack {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
}

/// One audit row a restore took back: (pupil row, field, value it set, when, insured year).
type Undone = (i64, String, Option<String>, String, Option<i32>);

/// The rows of theirs held back because this drive's restore took them back, each with its row in their log.
pub(super) type HeldHere = Vec<(i64, Undone)>;

/// The rows of `db`'s log listed in `temp.{lacking}` (the rows the other file lacks) whose change `undone`
/// names: hashed as the restore hashed them (`backup::log_hashes`).
fn rows_undone(tx: &Transaction, db: &str, lacking: &str, undone: &HashSet<String>) -> Result<Vec<(i64, Undone)>> {
    let mut stmt = tx.prepare(&format!(
        "SELECT a.id, a.student_id, a.at, a.operator, a.origin, a.action, COALESCE(a.id_number, ''), a.field,
                a.old, a.new, a.year
         FROM temp.{lacking} n JOIN {db}.audit a ON a.id = n.id
         WHERE a.student_id IS NOT NULL AND a.field <> 'created'
         ORDER BY a.id"
    ))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let text = |i: usize| r.get::<_, String>(i);
        let hash = super::event_hash::audit_row_hash(r, 2)?;
        if undone.contains(&hash) {
            out.push((r.get(0)?, (r.get(1)?, text(7)?, r.get(9)?, text(2)?, r.get(10)?)));
        }
    }
    Ok(out)
}

/// Before the pupils are settled: their rows we lack that a restore of this drive took back are no news. They
/// are taken out of `temp.merge_their_new`, so no value of theirs is weighed as new and none is copied into our
/// history, and returned (with ours the other file's restores took back, which we still hold) to be listed
/// once the pupils are paired (`list`).
pub(super) fn hold_back(tx: &Transaction) -> Result<(HeldHere, Vec<Undone>)> {
    let ours_undone = super::backup::hashes_in(tx, "main", super::backup::RESTORE_UNDONE)?;
    let mut here = Vec::new();
    if !ours_undone.is_empty() {
        let mut drop = tx.prepare("DELETE FROM temp.merge_their_new WHERE id = ?1")?;
        for (row, undone) in rows_undone(tx, "other", "merge_their_new", &ours_undone)? {
            drop.execute([row])?;
            here.push((row, undone));
        }
    }
    let theirs_undone = super::backup::hashes_in(tx, "other", super::backup::RESTORE_UNDONE)?;
    let there = if theirs_undone.is_empty() {
        Vec::new()
    } else {
        rows_undone(tx, "main", "merge_our_new", &theirs_undone)?.into_iter().map(|(_, u)| u).collect()
    };
    Ok((here, there))
}

/// Once their unpaired pupils are copied (`temp.merge_copied`): the held-back rows of a pupil copied here are of a
/// pupil our restore removed whole (a change of it was ours, and we hold no pupil it pairs with). Copied as the
/// other file holds it, its statuses come with it, and so must the rows that recorded them: they go back into
/// `temp.merge_their_new`, to be copied into our history, and out of `held`. Returns those pupils.
pub(super) fn bring_back_removed(tx: &Transaction, held: &mut HeldHere) -> Result<Vec<PupilBack>> {
    if held.is_empty() {
        return Ok(Vec::new());
    }
    let mut copied = tx.prepare("SELECT EXISTS (SELECT 1 FROM temp.merge_copied WHERE theirs = ?1)")?;
    let mut restore = tx.prepare("INSERT INTO temp.merge_their_new(id, student) VALUES (?1, ?2)")?;
    let mut students = Vec::new();
    let mut kept = Vec::new();
    for (row, undone) in held.drain(..) {
        if copied.query_row([undone.0], |r| r.get::<_, bool>(0))? {
            restore.execute([row, undone.0])?;
            students.push(undone.0);
        } else {
            kept.push((row, undone));
        }
    }
    *held = kept;
    students.sort_unstable();
    students.dedup();
    let mut back = Vec::new();
    for student in students {
        back.push(tx.query_row("SELECT id_number, name FROM other.students WHERE id = ?1", [student], |r| {
            Ok(PupilBack { id_number: r.get(0)?, name: r.get(1)? })
        })?);
    }
    Ok(back)
}

/// The current value of `field` of pupil row `student` in `db`, when the change of insured year `year` is of
/// the year the pupil row holds (`current`); `None` for another year's (not compared, not listed).
fn current_value(
    tx: &Transaction,
    db: &str,
    student: i64,
    field: &str,
    year: Option<i32>,
    current: Option<i32>,
) -> Result<Option<Option<String>>> {
    let Some(field) = super::fields::Field::from_key(field) else { return Ok(None) };
    if field.is_yearly() && year.is_some() && year != current {
        return Ok(None);
    }
    let column = match field {
        super::fields::Field::School => format!("(SELECT name FROM {db}.schools WHERE id = s.school_id)"),
        other => format!("s.{}", other.key()),
    };
    Ok(tx
        .query_row(&format!("SELECT CAST({column} AS TEXT) FROM {db}.students s WHERE s.id = ?1"), [student], |r| {
            r.get::<_, Option<String>>(0)
        })
        .optional()?)
}

/// After the pupils are settled: each change held back (`here`) whose value the other file's pupil still holds
/// and ours does not, and each of ours the other's restore took back (`there`) whose value we still hold and
/// the other file's pupil does not, the newest per pupil and field. Pupils are paired by `temp.merge_pairs`.
pub(super) fn list(
    tx: &Transaction,
    (here, there): (HeldHere, Vec<Undone>),
    (our_current, their_current): (Option<i32>, Option<i32>),
) -> Result<Vec<TakenBack>> {
    let mut listed: Vec<TakenBack> = Vec::new();
    let pair_of = |sql: &str, id: i64| -> Result<Option<i64>> { Ok(tx.query_row(sql, [id], |r| r.get(0)).optional()?) };
    let here = here.into_iter().map(|(_, undone)| undone).collect();
    for (restored_here, undone) in [(true, here), (false, there)] {
        for (student, field, value, at, year) in undone.into_iter().rev() {
            let (ours, theirs) = if restored_here {
                (pair_of("SELECT ours FROM temp.merge_pairs WHERE theirs = ?1", student)?, Some(student))
            } else {
                (Some(student), pair_of("SELECT theirs FROM temp.merge_pairs WHERE ours = ?1", student)?)
            };
            let (Some(ours), Some(theirs)) = (ours, theirs) else { continue };
            let (Some(our_value), Some(their_value)) = (
                current_value(tx, "main", ours, &field, year, our_current)?,
                current_value(tx, "other", theirs, &field, year, their_current)?,
            ) else {
                continue;
            };
            let (holder, restorer) = if restored_here { (their_value, our_value) } else { (our_value, their_value) };
            if holder != value || restorer == value {
                continue;
            }
            let (id_number, name): (String, String) =
                tx.query_row("SELECT id_number, name FROM main.students WHERE id = ?1", params![ours], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?;
            if listed.iter().any(|l| l.id_number == id_number && l.field == field && l.restored_here == restored_here) {
                continue;
            }
            listed.push(TakenBack { id_number, name, field, value, at, restored_here });
        }
    }
    Ok(listed)
}

/// Once their unpaired pupils are copied (`temp.merge_copied`): the pupils copied here whose creation row this
/// laptop made and a restore of it removed (`backup::RESTORE_REMOVED`: an import taken back by restoring the
/// backup from before it), which the other file merged before the restore. Brought back as the other file holds
/// them, and listed, so the operator knows the restore did not hold (`already`: those listed so already).
pub(super) fn removed_here(tx: &Transaction, already: &[PupilBack]) -> Result<Vec<PupilBack>> {
    let removed = super::backup::hashes_in(tx, "main", super::backup::RESTORE_REMOVED)?;
    if removed.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = tx.prepare(
        "SELECT b.id_number, b.name, a.at, a.operator, a.origin, a.action, COALESCE(a.id_number, ''), a.field,
                a.old, a.new
         FROM temp.merge_copied c JOIN other.students b ON b.id = c.theirs
         JOIN other.audit a ON a.student_id = b.id AND a.field = 'created'
         ORDER BY c.ours",
    )?;
    let mut rows = stmt.query([])?;
    let mut back: Vec<PupilBack> = Vec::new();
    while let Some(r) = rows.next()? {
        let text = |i: usize| r.get::<_, String>(i);
        let hash = super::event_hash::audit_row_hash(r, 2)?;
        let id_number = text(0)?;
        if removed.contains(&hash) && !already.iter().chain(&back).any(|p| p.id_number == id_number) {
            back.push(PupilBack { id_number, name: text(1)? });
        }
    }
    Ok(back)
}
