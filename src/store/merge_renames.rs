//! School renames a merge follows. A school renamed on one laptop (`canbao school rename`, the screen's
//! 学校改名) while the other still added pupils under its old name would otherwise end as two schools: the pupils
//! both files hold take the new name as any newer change, but those only the other laptop had stay under the old
//! one. A rename one file holds and the other lacks is followed for every pupil left under the old name, so
//! both directions of a merge end with one school. Where following would be a guess (the two laptops renamed the
//! school to different names, or the new name is a school the other laptop already has), nothing is moved and
//! the report names the two schools and the command that joins them.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use rusqlite::{Transaction, params};
use serde::Serialize;

use super::fields::{self, Field, FieldChange};
use super::{AuditContext, Result};
use crate::words::{canbao_command, shell_word};

/// What a merge did with a school renamed on one laptop only, when pupils were still under its old name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SchoolRename {
    /// `old` was renamed `new` (on this drive when `here`, else on the other laptop): the `moved` pupils still
    /// under `old` after the merge are now under `new`, audited as the merge's change.
    Followed { old: String, new: String, here: bool, moved: usize },
    /// `old` was renamed `new` on one laptop (this drive when `here`), but the other already had a school named
    /// `new`, which may be another school: the `left` pupils under `old` stay there. `command` joins the two.
    NameTaken { old: String, new: String, here: bool, left: usize, command: String },
    /// `old` was renamed `new` on one laptop (this drive when `here`), but the other changed the school of `newer`
    /// of the pupils both hold to `old` after that rename (renamed it back), and the merge kept that newer change
    /// (a conflict, listed as such): the rename is not followed, and the `stayed` pupils under `old` stay there.
    Overruled { old: String, new: String, here: bool, newer: usize, stayed: usize },
    /// This drive renamed `old` to `ours` and the other laptop to `theirs`: the pupils are where their own
    /// changes put them (`ours_pupils`, `theirs_pupils` after the merge). `to_ours` and `to_theirs` are the
    /// commands that put them all under one name (`None` where all already are).
    Apart {
        old: String,
        ours: String,
        theirs: String,
        ours_pupils: usize,
        theirs_pupils: usize,
        to_ours: Option<String>,
        to_theirs: Option<String>,
    },
}

/// A rename to follow or to name, decided from the two files as they were before the merge changed anything.
#[derive(Debug)]
pub(super) enum Planned {
    Follow { old: String, new: String, here: bool, taken: bool },
    Apart { old: String, ours: String, theirs: String },
}

/// The renames each side holds and the other lacks (read once `temp.merge_our_new` and `temp.merge_their_new`
/// hold the rows each side lacks), of two copies of one drive, before any pupil of theirs is added to ours. A
/// side's rename of a school it still has pupils under (the name used again since) is not followed.
pub(super) fn plan(tx: &Transaction, shared_history: bool) -> Result<Vec<Planned>> {
    // Two files with no history in common are not copies of one drive: a school's name is all that makes the
    // schools of the two one, as it always was.
    if !shared_history {
        return Ok(Vec::new());
    }
    let ours = latest_renames(tx, "main", "merge_our_new")?;
    let theirs = latest_renames(tx, "other", "merge_their_new")?;
    // Where a name leads, one rename on: nowhere when the two sides renamed it apart.
    let step = |name: &str| match (ours.get(name), theirs.get(name)) {
        (Some(o), Some(t)) if o != t => None,
        (o, t) => o.or(t).map(String::as_str),
    };
    // The last name of a school `old` was renamed `first`, renamed again since (甲 to 乙, then 乙 to 丙); `None`
    // for a name that leads back to one already passed.
    let last_name = |old: &str, first: &str| -> Option<String> {
        let mut seen = BTreeSet::from([old.to_owned()]);
        let mut name = first.to_owned();
        while let Some(next) = step(&name) {
            if !seen.insert(name.clone()) {
                return None;
            }
            name = next.to_owned();
        }
        (name != old).then_some(name)
    };
    let olds: BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
    let mut planned = Vec::new();
    for old in olds {
        let (ours_name, theirs_name) =
            (ours.get(old).and_then(|o| last_name(old, o)), theirs.get(old).and_then(|t| last_name(old, t)));
        let (here, new) = match (ours_name, theirs_name) {
            (Some(o), Some(t)) if o != t => {
                planned.push(Planned::Apart { old: old.clone(), ours: o, theirs: t });
                continue;
            }
            // Both renamed it alike: neither has a pupil under the old name.
            (Some(_), Some(_)) | (None, None) => continue,
            (Some(o), None) => (true, o),
            (None, Some(t)) => (false, t),
        };
        // A school of that name on the side that did not rename may be another school: even one both copies
        // held, which the renaming side joined (`school rename --merge`), is joined here only by its operator.
        let taken = holds(tx, if here { "other" } else { "main" }, &new)?;
        planned.push(Planned::Follow { old: old.clone(), new, here, taken });
    }
    Ok(planned)
}

/// Each school side `db` renamed in rows the other side lacks, and the name its latest such rename gave it,
/// leaving out a school `db` still has pupils under.
fn latest_renames(tx: &Transaction, db: &str, unshared: &str) -> Result<BTreeMap<String, String>> {
    // Read from the rows the other side lacks (few, between copies of one drive), not the whole log.
    let mut stmt = tx.prepare(&format!(
        "SELECT a.old, a.new FROM temp.{unshared} n CROSS JOIN {db}.audit a ON a.id = n.id
         WHERE a.action = 'rename' AND a.field = 'school' AND a.old IS NOT NULL AND a.new IS NOT NULL
         GROUP BY a.old, a.new ORDER BY max(a.id)"
    ))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut latest = BTreeMap::new();
    for row in rows {
        let (old, new) = row?;
        latest.insert(old, new);
    }
    let mut kept = BTreeMap::new();
    for (old, new) in latest {
        if old != new && !holds(tx, db, &old)? {
            kept.insert(old, new);
        }
    }
    Ok(kept)
}

/// Whether side `db` has a pupil under school `name`.
fn holds(tx: &Transaction, db: &str, name: &str) -> Result<bool> {
    Ok(tx.query_row(
        &format!(
            "SELECT EXISTS (SELECT 1 FROM {db}.schools sc JOIN {db}.students s ON s.school_id = sc.id
                            WHERE sc.name = ?1)"
        ),
        [name],
        |r| r.get(0),
    )?)
}

/// Our pupils under school `name`, once the merge has settled and copied the pupils.
fn pupils_under(tx: &Transaction, name: &str) -> Result<Vec<i64>> {
    let mut stmt = tx.prepare(
        "SELECT s.id FROM main.students s JOIN main.schools sc ON sc.id = s.school_id WHERE sc.name = ?1 ORDER BY s.id",
    )?;
    let ids = stmt.query_map(params![name], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// Moves the pupils still under a followed rename's old name to its new one (each move audited with `ctx`, the
/// merge's), once the merge has settled and copied the pupils; says what it did, and what it left for the
/// operator with the command to type, naming the drive as `drive` (see [`crate::words::canbao_command`]).
/// `decided`: our pupils whose school the merge settled as a conflict, newest change kept. One of them under the
/// old name holds a change newer than the rename (the school renamed back on the other laptop): the rename is
/// not followed, as the newest word on the school's name, for it or for the pupils under that name with it.
/// Returns the pupils moved, too.
pub(super) fn follow(
    tx: &Transaction,
    ctx: &AuditContext,
    planned: Vec<Planned>,
    decided: &HashSet<i64>,
    drive: Option<&Path>,
) -> Result<(Vec<SchoolRename>, Vec<i64>)> {
    let command = |from: &str, to: &str, onto_a_school: bool| {
        let merge = if onto_a_school { " --merge" } else { "" };
        canbao_command(drive, &format!("school rename {} {}{merge}", shell_word(from), shell_word(to)))
    };
    let (mut said, mut moved) = (Vec::new(), Vec::new());
    for plan in planned {
        match plan {
            Planned::Follow { old, new, here, taken } => {
                let under_old = pupils_under(tx, &old)?;
                if under_old.is_empty() {
                    continue;
                }
                let newer = under_old.iter().filter(|id| decided.contains(id)).count();
                if newer > 0 {
                    said.push(SchoolRename::Overruled { old, new, here, newer, stayed: under_old.len() });
                    continue;
                }
                if taken {
                    let command = command(&old, &new, true);
                    said.push(SchoolRename::NameTaken { old, new, here, left: under_old.len(), command });
                    continue;
                }
                let change = [FieldChange::new(Field::School, Some(&new))];
                for &id in &under_old {
                    fields::apply(tx, ctx, id, &change)?;
                }
                said.push(SchoolRename::Followed { old, new, here, moved: under_old.len() });
                moved.extend(under_old);
            }
            Planned::Apart { old, ours, theirs } => {
                let (ours_pupils, theirs_pupils) = (pupils_under(tx, &ours)?.len(), pupils_under(tx, &theirs)?.len());
                if ours_pupils + theirs_pupils == 0 {
                    continue;
                }
                let to_theirs = (ours_pupils > 0).then(|| command(&ours, &theirs, theirs_pupils > 0));
                let to_ours = (theirs_pupils > 0).then(|| command(&theirs, &ours, ours_pupils > 0));
                said.push(SchoolRename::Apart { old, ours, theirs, ours_pupils, theirs_pupils, to_ours, to_theirs });
            }
        }
    }
    Ok((said, moved))
}
