//! Class lists in: every file read, every row accounted for (added, updated, unchanged, duplicate, or skipped
//! with a reason), and the whole batch written in one transaction.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use super::ReadError;
use super::header::{self, Column, HeaderMap, Synonyms};
use super::table::{self, Cell, Sheet};
use crate::domain::category::CategoryTable;
use crate::domain::class_label;
use crate::domain::id_number::{self, IdCheck, Sex};
use crate::domain::student::CategoryMark;
use crate::store::{Incoming, Store, StoreError};

/// The school used when neither the command line, the file, nor the drive names one.
pub const DEFAULT_SCHOOL: &str = "本校";

/// One thing the operator must look at, pointing at the cell it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: String,
    /// Worksheet name; empty for CSV.
    pub sheet: String,
    /// The row as Excel numbers it (CSV: the record number); 0 when the problem concerns a whole worksheet.
    pub row: usize,
    /// The column's header as the file writes it; empty when the problem is about the whole row.
    pub column: String,
    pub message: String,
}

/// What an import did, or (dry run) would do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub rows_read: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub duplicates: usize,
    /// Rows imported with an ID number that is missing or invalid (flagged, not dropped).
    pub id_invalid: usize,
    /// Rows with content but neither name nor ID (titles between classes, footers, repeated headers).
    pub skipped: usize,
    pub dry_run: bool,
    pub problems: Vec<Problem>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("没有要导入的文件 (no files to import)")]
    NoFiles,
}

/// Rows read from files, not yet applied.
pub struct ImportPlan {
    pub rows: Vec<Incoming>,
    pub report: ImportReport,
    pub files: Vec<String>,
}

/// Reads every file; any file that cannot be read or has no header fails the whole batch, so a half-read
/// USB stick never leaves a half-imported school.
pub fn plan(
    paths: &[&Path],
    school: Option<&str>,
    default_school: &str,
    today: NaiveDate,
) -> Result<ImportPlan, ImportError> {
    if paths.is_empty() {
        return Err(ImportError::NoFiles);
    }
    let mut inputs = Vec::with_capacity(paths.len());
    for path in paths {
        inputs.push((path.display().to_string(), table::read_file(path)?));
    }
    plan_sheets(inputs, school, default_school, today)
}

/// Like `plan`, for files already read (the bundled sample school, tests).
pub fn plan_sheets(
    inputs: Vec<(String, Vec<Sheet>)>,
    school: Option<&str>,
    default_school: &str,
    today: NaiveDate,
) -> Result<ImportPlan, ImportError> {
    let mut reader = RowReader {
        synonyms: Synonyms::builtin(),
        categories: CategoryTable::builtin(),
        today,
        rows: Vec::new(),
        report: ImportReport::default(),
        seen: HashMap::new(),
    };
    let mut files = Vec::new();
    for (file, sheets) in inputs {
        reader.read_file(&file, sheets, school, default_school)?;
        files.push(file);
    }
    Ok(ImportPlan { rows: reader.rows, report: reader.report, files })
}

/// Reads and applies in one go: the command line's and the TUI's import.
pub fn import(
    store: &mut Store,
    paths: &[&Path],
    school: Option<&str>,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    let schools = store.schools()?;
    let default_school = match schools.as_slice() {
        [only] => only.clone(),
        _ => DEFAULT_SCHOOL.to_owned(),
    };
    let plan = plan(paths, school, &default_school, store.today())?;
    apply(store, plan, dry_run)
}

pub fn apply(store: &mut Store, plan: ImportPlan, dry_run: bool) -> Result<ImportReport, ImportError> {
    let mut report = plan.report;
    let outcome = store.apply_import(&plan.rows, &plan.files, report.duplicates, dry_run)?;
    report.added = outcome.added;
    report.updated = outcome.updated;
    report.unchanged = outcome.unchanged;
    report.dry_run = dry_run;
    Ok(report)
}

struct RowReader<'a> {
    synonyms: &'a Synonyms,
    categories: &'a CategoryTable,
    today: NaiveDate,
    rows: Vec<Incoming>,
    report: ImportReport,
    /// Identity → where it was first seen, for duplicate reports.
    seen: HashMap<String, (String, String)>,
}

impl RowReader<'_> {
    fn read_file(
        &mut self,
        file: &str,
        sheets: Vec<Sheet>,
        school: Option<&str>,
        default_school: &str,
    ) -> Result<(), ReadError> {
        let mut found_any = false;
        let multi = sheets.len() > 1;
        for mut sheet in sheets {
            let Some(map) = header::detect(&sheet.rows, self.synonyms) else {
                if sheet.rows.iter().any(|r| r.iter().any(|c| !c.is_empty())) && multi {
                    self.problem(
                        file,
                        &sheet,
                        0,
                        "",
                        "工作表中找不到表头行，整张表未导入 (no header row: sheet not imported)".into(),
                    );
                }
                continue;
            };
            found_any = true;
            let title_school = header::school_from_title(&sheet.rows, map.row);
            let sheet_school = school.map(str::to_owned).or(title_school);
            // A workbook with one sheet per class often has no class column: the sheet's name is the class.
            let sheet_class = (multi
                && !map.columns.contains_key(&Column::Class)
                && !map.columns.contains_key(&Column::GradeClass)
                && (sheet.name.contains('班') || sheet.name.contains("年级")))
            .then(|| sheet.name.clone());
            // The pupils' rows are taken out of the sheet and each one's cells freed once it is read, so a list of
            // half a million pupils is not held twice over (as cells and as planned rows); the title and header
            // rows stay for the messages that quote them.
            let body = sheet.rows.split_off((map.row + 1).min(sheet.rows.len()));
            for (offset, row) in body.into_iter().enumerate() {
                self.read_row(
                    file,
                    &sheet,
                    &map,
                    map.row + 1 + offset,
                    &row,
                    (sheet_school.as_deref(), default_school),
                    school.is_some(),
                    sheet_class.as_deref(),
                );
            }
        }
        if found_any { Ok(()) } else { Err(ReadError::NoHeader { file: file.to_owned() }) }
    }

    fn problem(&mut self, file: &str, sheet: &Sheet, row: usize, column: &str, message: String) {
        self.report.problems.push(Problem {
            file: file.to_owned(),
            sheet: sheet.name.clone(),
            row,
            column: column.to_owned(),
            message,
        });
    }

    #[expect(clippy::too_many_arguments, reason = "one row's whole context; a struct would only rename it")]
    fn read_row(
        &mut self,
        file: &str,
        sheet: &Sheet,
        map: &HeaderMap,
        index: usize,
        row: &[Cell],
        (sheet_school, default_school): (Option<&str>, &str),
        school_forced: bool,
        sheet_class: Option<&str>,
    ) {
        if row.iter().all(Cell::is_empty) {
            return;
        }
        let row_no = index + 1;
        self.report.rows_read += 1;
        let header_of = |c: Column| map.header_text(c, &sheet.rows);
        let text = |c: Column| map.get(c, row).map(Cell::text).filter(|t| !t.is_empty());
        let name = text(Column::Name).map(|n| clean_name(&n)).unwrap_or_default();
        let id_cell = map.get(Column::IdNumber, row).cloned().unwrap_or(Cell::Empty);
        // A header repeated mid-file (lists pasted together class by class) is not a pupil named 姓名. A row
        // whose ID cell holds digits is a pupil, which spares matching every cell against the header words.
        let id_has_digits = match &id_cell {
            Cell::Number(_) => true,
            other => other.text().bytes().filter(u8::is_ascii_digit).nth(5).is_some(),
        };
        let repeated_header = !id_has_digits && {
            let mapped = header::map_row(row, self.synonyms);
            mapped.contains_key(&Column::Name) && mapped.contains_key(&Column::IdNumber)
        };
        // "合计：3人" or "制表人：…" under the list: a footer written where the names are, with no number.
        let footer = id_cell.is_empty()
            && ["合计", "总计", "小计", "共计", "制表", "填表", "审核", "备注", "说明", "注："]
                .iter()
                .any(|word| name.starts_with(word));
        if repeated_header || footer || (name.is_empty() && id_cell.is_empty()) {
            let message = if repeated_header {
                "重复的表头行，已跳过 (repeated header row, skipped)".to_owned()
            } else if footer {
                format!("表尾行“{name}”，不是学生，已跳过 (a footer row, not a pupil: skipped)")
            } else {
                format!(
                    "此行没有姓名和身份证号码，未导入：{} (no name and no ID number: row not imported)",
                    row.iter().map(Cell::text).filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" ")
                )
            };
            self.report.skipped += 1;
            self.problem(file, sheet, row_no, "", message);
            return;
        }
        if row.iter().any(|c| matches!(c, Cell::Text(t) if t.contains('\u{fffd}'))) {
            self.problem(
                file,
                sheet,
                row_no,
                "",
                "此行有无法识别的字节（文件编码损坏），显示为“�”，已导入，请核对 (undecodable bytes in this row, shown as �)"
                    .into(),
            );
        }
        let id_raw = id_cell.text();
        let id: IdCheck = match &id_cell {
            Cell::Number(f) => id_number::check_numeric_cell(*f, self.today),
            other => id_number::check(&other.text(), self.today),
        };
        if name.is_empty() {
            self.problem(
                file,
                sheet,
                row_no,
                &header_of(Column::Name),
                "姓名为空，已导入并标记 (name is empty)".into(),
            );
        }
        if let Err(p) = &id.result {
            self.problem(
                file,
                sheet,
                row_no,
                &header_of(Column::IdNumber),
                format!("{}（已导入并标记）({})", p.message_zh(), p.message_en()),
            );
        }
        let (grade, class) = class_label::from_columns(
            text(Column::Grade).as_deref(),
            text(Column::Class).as_deref(),
            text(Column::GradeClass).as_deref().or(sheet_class),
        );
        let phone = text(Column::Phone).map(|p| clean_phone(&p)).unwrap_or_default();
        // Which school the file itself names (command line, a school column, the title), if any; a pupil
        // already on the drive only changes school when the file says so.
        let named_school = match (school_forced, text(Column::School)) {
            (false, Some(s)) => Some(s),
            _ => sheet_school.map(str::to_owned),
        };
        let school_given = named_school.is_some();
        let school = named_school.unwrap_or_else(|| default_school.to_owned());
        let insured =
            text(Column::Enrolled).is_some_and(|v| matches!(v.as_str(), "是" | "已参保" | "参保" | "Y" | "y" | "yes"));
        let mut categories = Vec::new();
        if let Some(list) = text(Column::Category) {
            for word in list.split(['、', ',', '，', ';', '；', '/', ' ']).map(str::trim).filter(|w| !w.is_empty()) {
                if matches!(word, "无" | "否" | "/" | "-" | "—") {
                    continue;
                }
                match self.categories.lookup(word) {
                    Some(c) => categories.push(CategoryMark { name: c.name.clone(), department: c.department.clone() }),
                    None => self.problem(
                        file,
                        sheet,
                        row_no,
                        &header_of(Column::Category),
                        format!("未知的人员类别“{word}”，未标记 (unknown category, not marked)"),
                    ),
                }
            }
        }
        if let (Some(sex_text), Ok(valid)) = (text(Column::Sex), &id.result) {
            let stated = match sex_text.as_str() {
                "男" => Some(Sex::Male),
                "女" => Some(Sex::Female),
                _ => None,
            };
            if stated.is_some_and(|s| s != valid.sex) {
                self.problem(
                    file,
                    sheet,
                    row_no,
                    &header_of(Column::Sex),
                    format!("性别“{sex_text}”与身份证号码不符 (sex does not match the ID number)"),
                );
            }
        }
        let source =
            if sheet.name.is_empty() { format!("{file}:{row_no}") } else { format!("{file}[{}]:{row_no}", sheet.name) };
        let incoming = Incoming {
            school,
            school_given,
            name,
            id_raw,
            id,
            grade,
            class,
            phone,
            insured,
            categories,
            source: source.clone(),
        };
        let identity = incoming.identity();
        if let Some((first, first_name)) = self.seen.get(&identity) {
            let message = if *first_name == incoming.name {
                format!("与 {first} 重复（同一身份证号码），只导入一次 (duplicate of {first}, imported once)")
            } else {
                // One ID, two names: exactly what the operator has to chase, so it is said outright.
                format!(
                    "与 {first} 身份证号码相同但姓名不同（“{first_name}”与“{}”），只导入了前者，请核实 \
                     (same ID as {first} but a different name: only the first was imported, check it)",
                    incoming.name
                )
            };
            self.report.duplicates += 1;
            self.problem(file, sheet, row_no, &header_of(Column::IdNumber), message);
            return;
        }
        // Counted here, after the duplicate check, so the report agrees with what is stored.
        self.report.id_invalid += usize::from(!incoming.id.is_valid());
        self.seen.insert(identity, (source, incoming.name.clone()));
        self.rows.push(incoming);
    }
}

/// Teachers pad two-character names with spaces to line them up ("张  三"); a Chinese name has no spaces.
/// Names in Latin letters keep single spaces.
pub fn clean_name(raw: &str) -> String {
    let has_cjk = raw.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c));
    if has_cjk {
        raw.chars().filter(|c| !c.is_whitespace()).collect()
    } else {
        raw.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// Phones as digits: full-width digits, spaces and dashes removed ("138-0013-8000").
pub fn clean_phone(raw: &str) -> String {
    raw.chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            c if c.is_whitespace() || c == '-' || c == '－' => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_phones() {
        assert_eq!(clean_name("张  三"), "张三");
        assert_eq!(clean_name(" Tom   Lee "), "Tom Lee");
        assert_eq!(clean_name("阿依古丽·买买提"), "阿依古丽·买买提");
        assert_eq!(clean_phone("138-0013 8000"), "13800138000");
        assert_eq!(clean_phone("１３８００１３８０００"), "13800138000");
    }
}
