//! Field-level writes: every change to a pupil goes through `apply`, which compares, updates and audits.

use rusqlite::{OptionalExtension, Transaction, params};

use super::{AuditContext, Result, StoreError};
use crate::domain::class_label::{join, order_key};
use crate::domain::search::pack_key;
use crate::domain::student::CategoryMark;

/// A pupil's field that the operator, an import or a reconciliation can change. Values travel as text (amounts
/// as fen), which is also how the audit log records them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    School,
    Name,
    Grade,
    Class,
    Phone,
    /// 民族, as a list writes it (汉族, 壮族 …).
    Ethnicity,
    /// 居住地址: personal data, shown on the pupil's detail screen and written to forms that ask for it only.
    Address,
    Enrollment,
    DeclineReason,
    Payment,
    PaidAmount,
    PaidOn,
    PaidChannel,
    Categories,
    /// The insured year the categories were last certified (marked) for: a new year asks for them again.
    CategoriesYear,
    Note,
}

impl Field {
    /// The name used in the audit log.
    pub fn key(self) -> &'static str {
        match self {
            Field::School => "school",
            Field::Name => "name",
            Field::Grade => "grade",
            Field::Class => "class",
            Field::Phone => "phone",
            Field::Ethnicity => "ethnicity",
            Field::Address => "address",
            Field::Enrollment => "enrollment",
            Field::DeclineReason => "decline_reason",
            Field::Payment => "payment",
            Field::PaidAmount => "paid_amount_fen",
            Field::PaidOn => "paid_on",
            Field::PaidChannel => "paid_channel",
            Field::Categories => "categories",
            Field::CategoriesYear => "categories_year",
            Field::Note => "note",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Field::School => "学校",
            Field::Name => "姓名",
            Field::Grade => "年级",
            Field::Class => "班级",
            Field::Phone => "联系电话",
            Field::Ethnicity => "民族",
            Field::Address => "居住地址",
            Field::Enrollment => "参保状态",
            Field::DeclineReason => "不参保原因或参保地",
            Field::Payment => "缴费状态",
            Field::PaidAmount => "缴费金额",
            Field::PaidOn => "缴费日期",
            Field::PaidChannel => "缴费渠道",
            Field::Categories => "人员类别",
            Field::CategoriesYear => "人员类别认定年度",
            Field::Note => "备注",
        }
    }

    /// The field's name in English, as the preview of a reconciliation says what changes.
    pub fn label_en(self) -> &'static str {
        match self {
            Field::School => "school",
            Field::Name => "name",
            Field::Grade => "grade",
            Field::Class => "class",
            Field::Phone => "phone",
            Field::Ethnicity => "ethnicity",
            Field::Address => "address",
            Field::Enrollment => "enrollment",
            Field::DeclineReason => "reason or place",
            Field::Payment => "payment",
            Field::PaidAmount => "amount paid",
            Field::PaidOn => "paid on",
            Field::PaidChannel => "channel",
            Field::Categories => "categories",
            Field::CategoriesYear => "categories certified for",
            Field::Note => "note",
        }
    }

    pub fn from_key(key: &str) -> Option<Field> {
        ALL_FIELDS.into_iter().find(|f| f.key() == key)
    }

    /// A status of the pupil *for an insured year* (参保, 缴费 and their details), kept per year; the others
    /// belong to the pupil whatever the year.
    pub fn is_yearly(self) -> bool {
        matches!(
            self,
            Field::Enrollment
                | Field::DeclineReason
                | Field::Payment
                | Field::PaidAmount
                | Field::PaidOn
                | Field::PaidChannel
        )
    }

    /// The column holding it; `School` is resolved through the schools table.
    fn column(self) -> &'static str {
        match self {
            Field::School => "(SELECT name FROM schools WHERE id = school_id)",
            other => other.key(),
        }
    }
}

/// Every field, in the order the detail screen and merges go through them.
pub const ALL_FIELDS: [Field; 16] = [
    Field::School,
    Field::Name,
    Field::Grade,
    Field::Class,
    Field::Phone,
    Field::Ethnicity,
    Field::Address,
    Field::Enrollment,
    Field::DeclineReason,
    Field::Payment,
    Field::PaidAmount,
    Field::PaidOn,
    Field::PaidChannel,
    Field::Categories,
    Field::CategoriesYear,
    Field::Note,
];

/// The audit log's field names that are no [`Field`]: a pupil's creation, a number corrected or shown
/// (`id_number`), the drive's step to a new insured year, a payment the tax office listed that a reconciliation
/// did not record (`domain::unapplied`), an export of whole ID numbers (no pupil's: `reveal::EXPORT_FIELD`). With
/// the fields' keys, every name a history row can carry (a merge's record of a value it did not keep adds
/// `:conflict_lost` to one).
pub const AUDIT_ONLY_KEYS: [&str; 5] =
    ["created", "id_number", "year", crate::domain::unapplied::UNAPPLIED_PAYMENT, super::reveal::EXPORT_FIELD];

/// Whether an audit row of this field (as the log names it; `payment:conflict_lost` is a payment's) is for an
/// insured year: a yearly field, or a pupil's creation, whose values (在校参保 from a list) are that year's.
pub fn yearly_key(key: &str) -> bool {
    let base = key.split(':').next().unwrap_or(key);
    base == "created" || Field::from_key(base).is_some_and(Field::is_yearly)
}

/// Whether an audit row of this field carries the insured year it was made in: a yearly field's (see
/// [`yearly_key`]), and a change of the categories, certified for that year, so a merge can route one made in a
/// year the other laptop has since closed into that year. Rows of categories written before they carried it
/// have none: the year they were made in cannot be told from the row (the laptop may have been in any year), so
/// they are read as the pupil's own, as they always were, never as the file's first year.
pub fn year_stamped_key(key: &str) -> bool {
    let base = key.split(':').next().unwrap_or(key);
    yearly_key(key) || base == Field::Categories.key() || base == Field::CategoriesYear.key()
}

/// The fields a closed insured year keeps its own value of in `year_statuses`, the class the pupil sat in then
/// (schema migration 6).
pub fn class_of_year(field: Field) -> bool {
    matches!(field, Field::Grade | Field::Class)
}

/// The fields a closed insured year keeps its own value of in `year_categories` (schema migration 11).
pub fn kept_per_closed_year(field: Field) -> bool {
    matches!(field, Field::Categories | Field::CategoriesYear)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    pub field: Field,
    pub value: Option<String>,
}

impl FieldChange {
    pub fn new(field: Field, value: Option<&str>) -> Self {
        FieldChange { field, value: value.map(str::to_owned) }
    }
    pub fn new_owned(field: Field, value: Option<String>) -> Self {
        FieldChange { field, value }
    }
}

/// Columns that are `NOT NULL` take "" for "no value".
fn not_null(field: Field) -> bool {
    matches!(
        field,
        Field::Name
            | Field::Grade
            | Field::Class
            | Field::Phone
            | Field::Note
            | Field::Categories
            | Field::Enrollment
            | Field::Payment
    )
}

/// One field's value before and after a write, as the audit log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldDiff {
    pub field: Field,
    pub old: Option<String>,
    pub new: Option<String>,
}

pub(crate) fn apply(tx: &Transaction, ctx: &AuditContext, id: i64, changes: &[FieldChange]) -> Result<usize> {
    Ok(apply_diffs(tx, ctx, id, changes)?.len())
}

/// Writes the changes that differ from what is stored, each with its audit row, and returns them.
pub(crate) fn apply_diffs(
    tx: &Transaction,
    ctx: &AuditContext,
    id: i64,
    changes: &[FieldChange],
) -> Result<Vec<FieldDiff>> {
    // The pupil's number and every field as it is, in one cached statement: a mark of a whole school reads 50k
    // pupils, and a statement per field, with the UPDATEs compiled afresh for each pupil, was most of its time.
    let (id_number, mut current): (String, Vec<Option<String>>) = tx
        .prepare_cached(current_values_sql())?
        .query_row([id], |r| {
            Ok((r.get(0)?, (1..=ALL_FIELDS.len()).map(|i| r.get(i)).collect::<rusqlite::Result<_>>()?))
        })
        .optional()?
        .ok_or(StoreError::NoSuchStudent(id))?;
    let mut diffs = Vec::new();
    for change in changes {
        let field = change.field;
        let value = match (&change.value, not_null(field)) {
            (None, true) => Some(String::new()),
            (v, _) => v.clone(),
        };
        // A field changed twice in one list (an enrollment set, then set again by a payment) is compared with
        // what the first change left.
        let Some(slot) = ALL_FIELDS.iter().position(|f| *f == field).and_then(|i| current.get_mut(i)) else {
            continue;
        };
        if *slot == value {
            continue;
        }
        let old = std::mem::replace(slot, value.clone());
        match field {
            Field::School => {
                let name = value.clone().unwrap_or_default();
                let school_id = ensure_school(tx, &name, &ctx.at)?;
                tx.prepare_cached("UPDATE students SET school_id = ?1 WHERE id = ?2")?
                    .execute(params![school_id, id])?;
            }
            Field::PaidAmount | Field::CategoriesYear => {
                let number: Option<i64> = value.as_deref().and_then(|v| v.parse().ok());
                tx.prepare_cached(&format!("UPDATE students SET {} = ?1 WHERE id = ?2", field.key()))?
                    .execute(params![number, id])?;
            }
            other => {
                tx.prepare_cached(&format!("UPDATE students SET {} = ?1 WHERE id = ?2", other.column()))?
                    .execute(params![value, id])?;
            }
        }
        ctx.write(tx, Some(id), &id_number, field.key(), old.as_deref(), value.as_deref())?;
        diffs.push(FieldDiff { field, old, new: value });
    }
    if !diffs.is_empty() {
        let text = |field: Field| {
            let at = ALL_FIELDS.iter().position(|f| *f == field);
            at.and_then(|i| current.get(i).cloned().flatten()).unwrap_or_default()
        };
        let placed = |d: &FieldDiff| matches!(d.field, Field::Name | Field::Grade | Field::Class);
        if diffs.iter().any(placed) {
            let (name, grade, class) = (text(Field::Name), text(Field::Grade), text(Field::Class));
            tx.prepare_cached("UPDATE students SET updated_at = ?1, class_order = ?2 WHERE id = ?3")?
                .execute(params![ctx.at, order_key(&grade, &class), id])?;
            write_search_key(tx, id, &name, &id_number, &join(&grade, &class))?;
        } else {
            // The class order is kept in the roster's index: left alone, the index is not rewritten.
            tx.prepare_cached("UPDATE students SET updated_at = ?1 WHERE id = ?2")?.execute(params![ctx.at, id])?;
        }
    }
    Ok(diffs)
}

/// `SELECT id_number, <every field in ALL_FIELDS order, as text> FROM students WHERE id = ?1`.
fn current_values_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let columns: Vec<String> = ALL_FIELDS.iter().map(|f| format!("CAST({} AS TEXT)", f.column())).collect();
        format!("SELECT id_number, {} FROM students WHERE id = ?1", columns.join(", "))
    })
}

/// Writes yearly changes for insured year `year`: the pupil row when it is the drive's current year, else that
/// year's row in `year_statuses` (made, at the defaults, if the pupil has none), each with its audit row
/// stamped with `year`. Categories for a closed year go to that year's own row in `year_categories` (made from
/// the pupil's, which it held unchanged since). Changes to the other fields go to the pupil row.
pub(crate) fn apply_in_year(
    tx: &Transaction,
    ctx: &AuditContext,
    id: i64,
    year: Option<i32>,
    changes: &[FieldChange],
) -> Result<Vec<FieldDiff>> {
    let Some(year) = year.filter(|y| Some(*y) != ctx.year) else {
        return apply_diffs(tx, ctx, id, changes);
    };
    let closed = ctx.year.is_some_and(|current| year < current);
    let (yearly, pupil): (Vec<FieldChange>, Vec<FieldChange>) = changes
        .iter()
        .cloned()
        .partition(|c| c.field.is_yearly() || (closed && (kept_per_closed_year(c.field) || class_of_year(c.field))));
    let mut diffs = apply_diffs(tx, ctx, id, &pupil)?;
    if yearly.is_empty() {
        return Ok(diffs);
    }
    if yearly.iter().any(|c| class_of_year(c.field)) {
        // A closed year's class left NULL (unchanged since) is the pupil's: written whole before one part changes.
        tx.prepare_cached(
            "UPDATE year_statuses SET (grade, class, class_order) =
                 (SELECT grade, class, class_order FROM students WHERE id = ?1)
             WHERE student_id = ?1 AND year = ?2 AND class IS NULL",
        )?
        .execute(params![id, year])?;
    }
    let id_number: String = tx
        .query_row("SELECT id_number FROM students WHERE id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or(StoreError::NoSuchStudent(id))?;
    // Categories alone make no status row: the pupil would join that year's roster.
    if yearly.iter().any(|c| c.field.is_yearly()) {
        tx.prepare_cached("INSERT INTO year_statuses(student_id, year) VALUES (?1, ?2) ON CONFLICT DO NOTHING")?
            .execute(params![id, year])?;
    }
    let in_year = AuditContext { year: Some(year), ..ctx.clone() };
    if yearly.iter().any(|c| kept_per_closed_year(c.field)) {
        tx.prepare_cached(
            "INSERT INTO year_categories(student_id, year, categories, categories_year)
             SELECT id, ?2, categories, categories_year FROM students WHERE id = ?1
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![id, year])?;
    }
    for change in yearly {
        let field = change.field;
        let value = match (&change.value, not_null(field)) {
            (None, true) => Some(String::new()),
            (v, _) => v.clone(),
        };
        let table = if kept_per_closed_year(field) { "year_categories" } else { "year_statuses" };
        let old: Option<String> = tx.query_row(
            &format!("SELECT CAST({} AS TEXT) FROM {table} WHERE student_id = ?1 AND year = ?2", field.key()),
            params![id, year],
            |r| r.get(0),
        )?;
        if old == value {
            continue;
        }
        let sql = format!("UPDATE {table} SET {} = ?1 WHERE student_id = ?2 AND year = ?3", field.key());
        if matches!(field, Field::PaidAmount | Field::CategoriesYear) {
            let number: Option<i64> = value.as_deref().and_then(|v| v.parse().ok());
            tx.execute(&sql, params![number, id, year])?;
        } else {
            tx.execute(&sql, params![value, id, year])?;
        }
        in_year.write(tx, Some(id), &id_number, field.key(), old.as_deref(), value.as_deref())?;
        diffs.push(FieldDiff { field, old, new: value });
    }
    if diffs.iter().any(|d| class_of_year(d.field)) {
        let (grade, class): (String, String) = tx.query_row(
            "SELECT COALESCE(grade, ''), COALESCE(class, '') FROM year_statuses WHERE student_id = ?1 AND year = ?2",
            params![id, year],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        tx.execute(
            "UPDATE year_statuses SET class_order = ?1 WHERE student_id = ?2 AND year = ?3",
            params![order_key(&grade, &class), id, year],
        )?;
    }
    Ok(diffs)
}

/// Writes a pupil's search key after a change to the name, the class or the number.
pub(crate) fn write_search_key(
    tx: &Transaction,
    id: i64,
    name: &str,
    id_number: &str,
    class_label: &str,
) -> Result<()> {
    super::search_blocks::put(tx, id, pack_key(name, id_number, class_label))
}

pub(crate) fn ensure_school(tx: &Transaction, name: &str, at: &str) -> Result<i64> {
    if let Some(id) =
        tx.prepare_cached("SELECT id FROM schools WHERE name = ?1")?.query_row([name], |r| r.get(0)).optional()?
    {
        return Ok(id);
    }
    tx.prepare_cached("INSERT INTO schools(name, created_at) VALUES (?1, ?2)")?.execute(params![name, at])?;
    Ok(tx.last_insert_rowid())
}

/// Categories are stored as a JSON list so a pupil's set changes as one field, with one audit row. A mark's
/// `year` is written when it has one; the store writes only the marks certified later than the pupil's
/// `categories_year` with theirs ([`certified_categories`]), so a set certified in one year reads as it always has.
pub fn categories_to_text(categories: &[CategoryMark]) -> String {
    let mut sorted = categories.to_vec();
    // Of one category given twice, the later certification.
    sorted.sort_by(|a, b| a.name.cmp(&b.name).then(b.year.cmp(&a.year)));
    sorted.dedup_by(|a, b| a.name == b.name);
    serde_json::to_string(&sorted).unwrap_or_else(|_| "[]".into())
}

/// A list as stored, each mark's year as written: `None` for a mark that is the pupil's `categories_year`'s
/// (every mark of a file from before marks had years). [`with_years`] fills them in.
pub fn categories_from_text(text: &str) -> Vec<CategoryMark> {
    #[derive(serde::Deserialize)]
    struct Stored {
        name: String,
        #[serde(default)]
        department: String,
        #[serde(default)]
        year: Option<i32>,
    }
    serde_json::from_str::<Vec<Stored>>(text)
        .map(|v| v.into_iter().map(|s| CategoryMark { name: s.name, department: s.department, year: s.year }).collect())
        .unwrap_or_default()
}

/// The marks with each one's certification year: its own, else the pupil's `categories_year` (`certified`,
/// already resolved to the file's first year when NULL).
pub fn with_years(mut marks: Vec<CategoryMark>, certified: Option<i32>) -> Vec<CategoryMark> {
    for mark in &mut marks {
        mark.year = mark.year.or(certified);
    }
    marks
}

/// A pupil's category set as the store keeps it, from marks each with its certification year (`None`: one to
/// certify for `year`, the year the change is made in): the list's text and `categories_year`, the oldest
/// certification among them (so `coalesce(categories_year, first) < year` still finds every pupil with a
/// category to certify again). Only the marks certified later than that carry their year in the text.
pub fn certified_categories(marks: &[CategoryMark], year: Option<i32>) -> (String, Option<i32>) {
    let mut marks: Vec<CategoryMark> =
        marks.iter().map(|m| CategoryMark { year: m.year.or(year), ..m.clone() }).collect();
    marks.sort_by(|a, b| a.name.cmp(&b.name).then(b.year.cmp(&a.year)));
    marks.dedup_by(|a, b| a.name == b.name);
    let oldest = marks.iter().filter_map(|m| m.year).min();
    for mark in &mut marks {
        if mark.year == oldest {
            mark.year = None;
        }
    }
    (categories_to_text(&marks), oldest.or(year))
}
