//! What another window saved since this one last looked, read from the audit log: a read-only window applies
//! a few changed statuses in place instead of reading half a million pupils again.

use super::fields::Field;
use super::{Result, Store};

/// Whether an audit row's field (as the log names it) changes no pupil's place, name, number or class, so its
/// row can be read again where it stands. A school, name or class moves the pupil or its search key; any other
/// key (a creation, an ID number) is not a `Field` at all.
fn in_place(key: &str) -> bool {
    // `payment:conflict_lost` is a payment's row: a merge's record of the value it did not keep.
    let base = key.split(':').next().unwrap_or(key);
    Field::from_key(base).is_some_and(|f| !matches!(f, Field::School | Field::Name | Field::Grade | Field::Class))
}

/// Meta key set by every restore (see `Store::restore_from`).
pub const RESTORED_AT: &str = "restored_at";

/// What, besides new audit rows, means a window's roster is not the file's any more: a restore, or a new
/// insured year started (its statuses are another year's).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriveEpoch {
    restored_at: Option<String>,
    current_year: Option<String>,
}

/// The audit rows after `since`, as a window needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriterChanges {
    /// Pupils whose statuses changed, each once.
    pub pupils: Vec<i64>,
    /// The last audit row read: the next look starts after it.
    pub up_to: i64,
    /// Something changed that moves pupils or their search keys (a new pupil, a name, a class, a school), or
    /// more changed than is worth applying one by one: the whole roster is read again.
    pub reshaped: bool,
}

impl Store {
    /// See [`DriveEpoch`]: two meta rows, read by key.
    pub fn drive_epoch(&self) -> Result<DriveEpoch> {
        Ok(DriveEpoch { restored_at: self.meta(RESTORED_AT)?, current_year: self.meta("current_year")? })
    }

    /// The newest audit row's id: where a window that has just read the roster starts looking from.
    pub fn audit_high_water(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT coalesce(max(id), 0) FROM audit", [], |r| r.get(0))?)
    }

    /// The changes after audit row `since`, reading at most `limit` rows (by the audit table's own key, never
    /// the whole log).
    pub fn writer_changes(&self, since: i64, limit: usize) -> Result<WriterChanges> {
        let mut statement =
            self.conn.prepare_cached("SELECT id, student_id, field FROM audit WHERE id > ?1 ORDER BY id LIMIT ?2")?;
        let rows = statement.query_map(rusqlite::params![since, limit as i64 + 1], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?, r.get::<_, String>(2)?))
        })?;
        let mut changes = WriterChanges { pupils: Vec::new(), up_to: since, reshaped: false };
        let mut seen = std::collections::HashSet::new();
        for (count, row) in rows.enumerate() {
            let (id, pupil, field) = row?;
            if count >= limit {
                changes.reshaped = true;
                break;
            }
            changes.up_to = id;
            match pupil {
                // A payment a reconciliation kept as not recorded changes nothing the roster shows.
                _ if field == crate::domain::unapplied::UNAPPLIED_PAYMENT => {}
                // Nor does another window's export of a form (no pupil's, no value changed).
                None if field == super::reveal::EXPORT_FIELD => {}
                Some(pupil) if in_place(&field) => {
                    if seen.insert(pupil) {
                        changes.pupils.push(pupil);
                    }
                }
                _ => changes.reshaped = true,
            }
        }
        Ok(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::student::{Enrollment, Student};
    use crate::store::Change;

    fn first(store: &Store) -> Student {
        store.students(&Default::default()).unwrap().remove(0)
    }

    #[test]
    fn statuses_are_changes_in_place_and_a_new_pupil_or_name_reshapes() {
        let mut store = Store::open_in_memory().unwrap();
        crate::demo::load_sample(&mut store).unwrap();
        let start = store.audit_high_water().unwrap();
        let none = store.writer_changes(start, 100).unwrap();
        assert_eq!(none, WriterChanges { pupils: vec![], up_to: start, reshaped: false });

        let pupil = first(&store);
        let change = vec![(pupil.id, vec![Change::Enrollment { status: Enrollment::Here, reason: None }])];
        store.apply_changes("mark", &change, Default::default()).unwrap();
        let marked = store.writer_changes(start, 100).unwrap();
        assert_eq!(marked.pupils, vec![pupil.id]);
        assert!(!marked.reshaped);
        assert!(marked.up_to > start);
        assert_eq!(store.writer_changes(marked.up_to, 100).unwrap().pupils, Vec::<i64>::new(), "seen once");

        store.rename_school(&pupil.school, "另一所学校").unwrap();
        assert!(store.writer_changes(marked.up_to, 100_000).unwrap().reshaped, "a school's name moves pupils");
        // More changes than the limit: read again whole rather than one by one.
        assert!(store.writer_changes(start, 1).unwrap().reshaped);
    }
}
