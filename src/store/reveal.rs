//! Recording that the operator revealed full ID numbers: showing them is itself an event the audit log keeps.

use rusqlite::TransactionBehavior;

use super::{Result, Store};

impl Store {
    /// Records one reveal of full ID numbers: for one pupil (`Some(id)`, e.g. from the detail screen) or for the
    /// whole roster (`None`). Hiding them again is not recorded: only exposure matters.
    pub fn record_reveal(&mut self, student: Option<i64>) -> Result<()> {
        let id_number = match student {
            Some(id) => self.student(id)?.id_number,
            None => String::new(),
        };
        let ctx = self.audit_context("reveal");
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let scope = if student.is_some() { "pupil" } else { "roster" };
        ctx.write(&tx, student, &id_number, "id_number", None, Some(scope))?;
        tx.commit()?;
        Ok(())
    }

    /// Records that a command printed full ID numbers (`--reveal`): one row per pupil shown when the command
    /// knows them (`find`), else one row naming the command (`reconcile`, `check` and `merge` may show numbers
    /// that are on no pupil of this drive). `scope` says which command, as the TUI's rows say "pupil" or
    /// "roster".
    pub fn record_reveal_in(&mut self, scope: &str, pupils: &[i64]) -> Result<()> {
        let mut numbers = Vec::with_capacity(pupils.len());
        for &id in pupils {
            numbers.push((Some(id), self.student(id)?.id_number));
        }
        if numbers.is_empty() {
            numbers.push((None, String::new()));
        }
        let ctx = self.audit_context("reveal");
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (student, id_number) in &numbers {
            ctx.write(&tx, *student, id_number, "id_number", None, Some(scope))?;
        }
        tx.commit()?;
        Ok(())
    }
}
