//! Applying a batch of class-list rows: one transaction, every row accounted for.

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use super::fields::{self, Field, FieldChange, categories_from_text, categories_to_text, ensure_school};
use super::read::kind_code;
use super::{AuditContext, Result, Store};
use crate::domain::id_number::{IdCheck, Sex};
use crate::domain::student::{CategoryMark, Enrollment};

/// One pupil as a class list gives them, already cleaned up by the importer.
#[derive(Debug, Clone)]
pub struct Incoming {
    pub school: String,
    /// The file named the school (command line, a school column, a 学校名称 title). When it did not, a pupil
    /// already on the drive keeps their school instead of moving to the default one.
    pub school_given: bool,
    pub name: String,
    pub id_raw: String,
    pub id: IdCheck,
    pub grade: String,
    pub class: String,
    pub phone: String,
    /// 是否参保 said yes.
    pub insured: bool,
    pub categories: Vec<CategoryMark>,
    /// "file:row", kept on the pupil for tracing a value back to the list it came from.
    pub source: String,
}

impl Incoming {
    /// Two rows of a batch are the same pupil when this key is equal. A valid ID is a person; an invalid one is
    /// only trusted together with the name, since rounded numbers of different pupils can coincide; with no
    /// ID at all, name and class are all there is.
    pub fn identity(&self) -> String {
        match (&self.id.result, self.id.normalized.is_empty()) {
            (Ok(v), _) => v.number.clone(),
            (Err(_), false) => format!("{}\u{1f}{}", self.id.normalized, self.name),
            (Err(_), true) => format!("\u{1f}{}\u{1f}{}{}", self.name, self.grade, self.class),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncomingOutcome {
    Added,
    Updated,
    Unchanged,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportOutcome {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Per incoming row, in order.
    pub per_row: Vec<(String, IncomingOutcome)>,
}

impl Store {
    /// Adds or updates every pupil of the batch in one transaction. With `dry_run` the same work is done and
    /// then rolled back, so the report is exactly what a real import would do.
    pub fn apply_import(
        &mut self,
        rows: &[Incoming],
        files: &[String],
        duplicates: usize,
        dry_run: bool,
    ) -> Result<ImportOutcome> {
        let ctx = self.audit_context("import");
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut outcome = ImportOutcome::default();
        for row in rows {
            let result = apply_one(&tx, &ctx, row)?;
            match result {
                IncomingOutcome::Added => outcome.added += 1,
                IncomingOutcome::Updated => outcome.updated += 1,
                IncomingOutcome::Unchanged => outcome.unchanged += 1,
            }
            outcome.per_row.push((row.source.clone(), result));
        }
        if dry_run {
            tx.rollback()?;
        } else {
            let invalid = rows.iter().filter(|r| !r.id.is_valid()).count();
            tx.execute(
                "INSERT INTO imports(at, operator, files, rows_read, added, updated, unchanged, duplicates, id_invalid)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    ctx.at,
                    ctx.operator,
                    serde_json::to_string(files).unwrap_or_default(),
                    rows.len() as i64,
                    outcome.added as i64,
                    outcome.updated as i64,
                    outcome.unchanged as i64,
                    duplicates as i64,
                    invalid as i64
                ],
            )?;
            tx.commit()?;
        }
        Ok(outcome)
    }
}

fn existing(tx: &Transaction, row: &Incoming) -> Result<Option<i64>> {
    let found = match (&row.id.result, row.id.normalized.is_empty()) {
        (Ok(v), _) => tx
            .prepare_cached("SELECT id FROM students WHERE id_number = ?1 AND id_problem IS NULL")?
            .query_row([&v.number], |r| r.get(0))
            .optional()?,
        // An old 15-digit number whose 18-digit form ends in 000 is stored valid, yet reads back as a rounded
        // number (the same text Excel makes of a long number); with the same name it is that pupil again.
        (Err(_), false) => tx
            .prepare_cached(
                "SELECT id FROM students WHERE id_number = ?1 AND name = ?2 ORDER BY id_problem IS NOT NULL LIMIT 1",
            )?
            .query_row(params![row.id.normalized, row.name], |r| r.get(0))
            .optional()?,
        (Err(_), true) => tx
            .prepare_cached(
                "SELECT s.id FROM students s JOIN schools sc ON sc.id = s.school_id
                 WHERE s.id_number = '' AND s.id_problem IS NOT NULL AND s.name = ?1 AND s.grade = ?2 AND s.class = ?3 AND sc.name = ?4",
            )?
            .query_row(params![row.name, row.grade, row.class, row.school], |r| r.get(0))
            .optional()?,
    };
    Ok(found)
}

fn apply_one(tx: &Transaction, ctx: &AuditContext, row: &Incoming) -> Result<IncomingOutcome> {
    if let Some(id) = existing(tx, row)? {
        return update_existing(tx, ctx, id, row);
    }
    let school_id = ensure_school(tx, &row.school, &ctx.at)?;
    let (number, kind, problem, sex, birth) = match &row.id.result {
        Ok(v) => (
            v.number.clone(),
            Some(kind_code(v.kind)),
            None,
            Some(if v.sex == Sex::Male { "male" } else { "female" }),
            Some(v.birth_date.to_string()),
        ),
        Err(p) => (row.id.normalized.clone(), None, Some(p.code()), None, None),
    };
    let enrollment = if row.insured { Enrollment::Here } else { Enrollment::Unknown };
    tx.prepare_cached(
        "INSERT INTO students(school_id, name, id_raw, id_number, id_kind, id_problem, sex, birth_date, grade, class,
            phone, enrollment, categories, source, created_at, updated_at, class_order)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, ?16)",
    )?
    .execute(params![
        school_id,
        row.name,
        row.id_raw,
        number,
        kind,
        problem,
        sex,
        birth,
        row.grade,
        row.class,
        row.phone,
        enrollment.code(),
        categories_to_text(&row.categories),
        row.source,
        ctx.at,
        crate::domain::class_label::order_key(&row.grade, &row.class)
    ])?;
    let id = tx.last_insert_rowid();
    fields::write_search_key(
        tx,
        id,
        &row.name,
        &number,
        &crate::domain::class_label::join(&row.grade, &row.class),
        true,
    )?;
    ctx.write(tx, Some(id), &number, "created", None, Some(&row.source))?;
    Ok(IncomingOutcome::Added)
}

/// A pupil already on the roster: the list may move them to another class or correct the name or phone;
/// statuses and history stay. An empty cell never erases what the roster knows.
fn update_existing(tx: &Transaction, ctx: &AuditContext, id: i64, row: &Incoming) -> Result<IncomingOutcome> {
    let mut changes = Vec::new();
    if row.school_given {
        changes.push(FieldChange::new(Field::School, Some(&row.school)));
    }
    if !row.name.is_empty() {
        changes.push(FieldChange::new(Field::Name, Some(&row.name)));
    }
    if !row.grade.is_empty() || !row.class.is_empty() {
        let (cur_grade, cur_class): (String, String) =
            tx.query_row("SELECT grade, class FROM students WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        // Compare as labels: "三年级"+"2班" and ""+"三年级2班" are the same class written two ways.
        if crate::domain::class_label::join(&cur_grade, &cur_class)
            != crate::domain::class_label::join(&row.grade, &row.class)
        {
            changes.push(FieldChange::new(Field::Grade, Some(&row.grade)));
            changes.push(FieldChange::new(Field::Class, Some(&row.class)));
        }
    }
    if !row.phone.is_empty() {
        changes.push(FieldChange::new(Field::Phone, Some(&row.phone)));
    }
    if row.insured {
        let current: String = tx.query_row("SELECT enrollment FROM students WHERE id = ?1", [id], |r| r.get(0))?;
        if current == Enrollment::Unknown.code() {
            changes.push(FieldChange::new(Field::Enrollment, Some(Enrollment::Here.code())));
        }
    }
    if !row.categories.is_empty() {
        let current: String = tx.query_row("SELECT categories FROM students WHERE id = ?1", [id], |r| r.get(0))?;
        let mut merged = categories_from_text(&current);
        for c in &row.categories {
            if !merged.iter().any(|m| m.name == c.name) {
                merged.push(c.clone());
            }
        }
        changes.push(FieldChange::new_owned(Field::Categories, Some(categories_to_text(&merged))));
    }
    let n = fields::apply(tx, ctx, id, &changes)?;
    Ok(if n > 0 { IncomingOutcome::Updated } else { IncomingOutcome::Unchanged })
}
