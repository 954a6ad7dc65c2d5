//! Merging two laptops' copies of one drive. Pupils are matched by ID number; for each field the most recent
//! change in either audit log wins; both histories are kept (the other file's audit rows are copied in with
//! their own origin); a field both sides changed since they last agreed is a conflict, settled by the newer
//! change, with the losing value recorded. Merging the same file twice changes nothing, and merging A into
//! B ends with the same pupils and values as B into A.

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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergeReport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: Vec<Conflict>,
    pub audit_rows_copied: usize,
    pub dry_run: bool,
}

/// One audit row, as both files can hold it; equal rows are the same event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Event {
    at: String,
    operator: String,
    origin: String,
    action: String,
    id_number: String,
    field: String,
    old: Option<String>,
    new: Option<String>,
}

fn events(tx: &Transaction, schema_name: &str) -> Result<Vec<Event>> {
    let mut stmt = tx.prepare(&format!(
        "SELECT at, operator, origin, action, COALESCE(id_number, ''), field, old, new FROM {schema_name}.audit ORDER BY id"
    ))?;
    let rows = stmt.query_map([], |r| {
        Ok(Event {
            at: r.get(0)?,
            operator: r.get(1)?,
            origin: r.get(2)?,
            action: r.get(3)?,
            id_number: r.get(4)?,
            field: r.get(5)?,
            old: r.get(6)?,
            new: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

/// A newer event wins; equal times are broken by origin so both directions of a merge choose alike.
fn newer(a: &Event, b: &Event) -> bool {
    (a.at.as_str(), a.origin.as_str()) > (b.at.as_str(), b.origin.as_str())
}

/// The value of `field` for the pupil with this ID in schema `db`.
fn value(tx: &Transaction, db: &str, id_number: &str, name: &str, field: Field) -> Result<Option<Option<String>>> {
    let column = match field {
        Field::School => format!("(SELECT name FROM {db}.schools WHERE id = s.school_id)"),
        other => format!("s.{}", other.key()),
    };
    Ok(tx
        .query_row(
            &format!(
                "SELECT CAST({column} AS TEXT) FROM {db}.students s WHERE s.id_number = ?1
                 AND (s.id_problem IS NULL OR s.name = ?2) ORDER BY s.id_problem IS NOT NULL LIMIT 1"
            ),
            params![id_number, name],
            |r| r.get::<_, Option<String>>(0),
        )
        .optional()?)
}

impl Store {
    /// Brings `other`'s changes into this drive in one transaction (after a backup, unless `dry_run`).
    pub fn merge_from(&mut self, other: &Path, dry_run: bool) -> Result<MergeReport> {
        // The other laptop's copy is read with this drive's passphrase: copies of one drive share it.
        let probe = Store::open_read_only_keyed(other, self.key.as_ref())?;
        let other_plain = !probe.encrypted();
        let version = schema::user_version(&probe.conn)?;
        if version != schema::latest_version() {
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

fn merge_in(tx: &Transaction, ctx: &super::AuditContext) -> Result<MergeReport> {
    let ours = events(tx, "main")?;
    let theirs = events(tx, "other")?;
    let ours_set: HashSet<&Event> = ours.iter().collect();
    let theirs_set: HashSet<&Event> = theirs.iter().collect();
    let new_to_us: Vec<&Event> = theirs.iter().filter(|e| !ours_set.contains(e)).collect();
    let mut report = MergeReport::default();

    // Pupils of the other file, by identity (valid ID; or invalid ID with the name).
    let mut stmt = tx.prepare(
        "SELECT s.id, s.id_number, s.name, s.id_problem IS NULL, sc.name FROM other.students s
         JOIN other.schools sc ON sc.id = s.school_id ORDER BY s.id",
    )?;
    let their_pupils: Vec<(i64, String, String, bool, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    drop(stmt);

    for (their_id, id_number, name, valid, school) in their_pupils {
        let our_id: Option<i64> = tx
            .query_row(
                "SELECT id FROM main.students WHERE id_number = ?1 AND (?2 AND id_problem IS NULL OR NOT ?2 AND id_problem IS NOT NULL AND name = ?3)",
                params![id_number, valid, name],
                |r| r.get(0),
            )
            .optional()?;
        let Some(our_id) = our_id else {
            copy_pupil(tx, ctx, their_id, &school)?;
            report.added += 1;
            continue;
        };
        let mut changes = Vec::new();
        for field in fields::ALL_FIELDS {
            let key = field.key();
            let last = |log: &[Event]| -> Option<Event> {
                log.iter().filter(|e| e.id_number == id_number && e.field == key).fold(None, |best, e| match best {
                    Some(b) if !newer(e, &b) => Some(b),
                    _ => Some(e.clone()),
                })
            };
            let (Some(their_last), our_last) = (last(&theirs), last(&ours)) else { continue };
            if ours_set.contains(&their_last) {
                continue; // We already have their latest change to this field.
            }
            let theirs_value = value(tx, "other", &id_number, &name, field)?.flatten();
            let ours_value = value(tx, "main", &id_number, &name, field)?.flatten();
            let ours_unseen = our_last.as_ref().is_some_and(|o| !theirs_set.contains(o));
            let they_win = our_last.as_ref().is_none_or(|o| newer(&their_last, o));
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
                changes.push(FieldChange::new_owned(field, theirs_value));
            }
        }
        if changes.is_empty() {
            report.unchanged += 1;
        } else {
            fields::apply(tx, ctx, our_id, &changes)?;
            report.updated += 1;
        }
    }

    // Both histories kept: their events we lack, attached to our pupil with the same ID.
    let mut ids: HashMap<String, Option<i64>> = HashMap::new();
    for e in &new_to_us {
        let sid = match ids.get(&e.id_number) {
            Some(v) => *v,
            None => {
                let v: Option<i64> = tx
                    .query_row(
                        "SELECT id FROM main.students WHERE id_number = ?1 ORDER BY id_problem IS NOT NULL LIMIT 1",
                        [&e.id_number],
                        |r| r.get(0),
                    )
                    .optional()?;
                ids.insert(e.id_number.clone(), v);
                v
            }
        };
        tx.prepare_cached(
            "INSERT INTO main.audit(at, operator, origin, action, student_id, id_number, field, old, new)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?
        .execute(params![e.at, e.operator, e.origin, e.action, sid, e.id_number, e.field, e.old, e.new])?;
        report.audit_rows_copied += 1;
    }
    Ok(report)
}

/// A pupil only the other file has: the whole row, under the school of the same name.
fn copy_pupil(tx: &Transaction, ctx: &super::AuditContext, their_id: i64, school: &str) -> Result<()> {
    let school_id = fields::ensure_school(tx, school, &ctx.at)?;
    tx.execute(
        "INSERT INTO main.students(school_id, name, id_raw, id_number, id_kind, id_problem, sex, birth_date, grade,
            class, class_order, phone, enrollment, decline_reason, payment, paid_amount_fen, paid_on, paid_channel,
            categories, note, source, created_at, updated_at)
         SELECT ?1, name, id_raw, id_number, id_kind, id_problem, sex, birth_date, grade, class, class_order, phone,
            enrollment, decline_reason, payment, paid_amount_fen, paid_on, paid_channel, categories, note, source,
            created_at, updated_at
         FROM other.students WHERE id = ?2",
        params![school_id, their_id],
    )?;
    let id = tx.last_insert_rowid();
    let (name, number, grade, class): (String, String, String, String) =
        tx.query_row("SELECT name, id_number, grade, class FROM main.students WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?;
    fields::write_search_key(tx, id, &name, &number, &crate::domain::class_label::join(&grade, &class))?;
    Ok(())
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
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop(a);
        drop(b);
        // Merge each into a copy of the other, so both directions start from the same two files.
        let a2 = dir.path().join("a2.db");
        let b2 = dir.path().join("b2.db");
        Store::open(&a_path).unwrap().backup_to(&a2).unwrap();
        Store::open(&b_path).unwrap().backup_to(&b2).unwrap();
        let mut a_into_b = Store::open(&b2).unwrap();
        let r1 = a_into_b.merge_from(&a_path, false).unwrap();
        let mut b_into_a = Store::open(&a2).unwrap();
        let r2 = b_into_a.merge_from(&b_path, false).unwrap();
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
}
