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

/// The audit log's field of an export's record (action `export`, no pupil): what was written, the JSON of an
/// [`ExportRecord`]. No pupil's value changes, so every reader of the pupils' history passes it by.
pub const EXPORT_FIELD: &str = "export";

/// What an export of full ID numbers sent out of the drive, as its history keeps it: the form (`sheet`,
/// `template`, `ledgers`, `special`, `classes`), how many ID numbers it wrote (a pupil's row each), the files by
/// name (`-` for standard output), and the insured year shown. Who and when are the audit row's own.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExportRecord {
    pub form: String,
    pub pupils: usize,
    pub files: Vec<String>,
    pub year: Option<i32>,
}

impl Store {
    /// Records an export that carried full ID numbers (the drive's history says who exported what, when, how many
    /// pupils, to which files), as a reveal is recorded: a read-only connection cannot, and the caller refuses the
    /// export there rather than let the numbers leave unrecorded.
    pub fn record_export(&mut self, record: &ExportRecord) -> Result<()> {
        // A window showing an earlier year changes no pupil, but may record what it hands out.
        if self.opened_read_only {
            return Err(super::StoreError::ReadOnly);
        }
        // Strings, a count and a year: nothing that JSON cannot say.
        let new = serde_json::to_string(record).unwrap_or_default();
        let ctx = self.audit_context("export");
        // An earlier year is shown on a connection made query-only: writable for this row alone.
        let viewing = self.viewed_year.is_some();
        if viewing {
            self.conn.execute_batch("PRAGMA query_only = 0")?;
        }
        let written = (|| -> Result<()> {
            let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            ctx.write(&tx, None, "", EXPORT_FIELD, None, Some(&new))?;
            Ok(tx.commit()?)
        })();
        if viewing {
            self.conn.execute_batch("PRAGMA query_only = 1")?;
        }
        written
    }

    /// The exports the drive's history records, oldest first: (when, who, what).
    pub fn exports(&self) -> Result<Vec<(String, String, ExportRecord)>> {
        let mut stmt = self.conn.prepare(
            "SELECT at, operator, new FROM audit
             WHERE action = 'export' AND field = ?1 AND student_id IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([EXPORT_FIELD], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, Option<String>>(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (at, operator, new) = row?;
            // A row another canbao wrote in a shape this one does not read is left out, not an error.
            if let Some(record) = new.and_then(|n| serde_json::from_str(&n).ok()) {
                out.push((at, operator, record));
            }
        }
        Ok(out)
    }
}
