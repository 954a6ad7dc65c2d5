//! Writing a reconciliation (the agencies' lists matched against the roster): different changes for each pupil,
//! all in one transaction under one audit action, or none of them.

use rusqlite::TransactionBehavior;

use super::fields::{self, Field, FieldChange};
use super::{Result, Store};
use crate::domain::student::CategoryMark;

impl FieldChange {
    /// Sets a pupil's whole category list, in the form the store keeps it (so an unchanged set is no change).
    pub fn categories(marks: &[CategoryMark]) -> FieldChange {
        FieldChange::new_owned(Field::Categories, Some(fields::categories_to_text(marks)))
    }
}

impl Store {
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
    use crate::store::{Field, FieldChange, Store};

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
}
