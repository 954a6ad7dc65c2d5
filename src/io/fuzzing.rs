//! The importer's whole read path on arbitrary bytes, with its promises checked, for `cargo fuzz`
//! (`fuzz/fuzz_targets/import.rs`) and for the stable replay of the fuzz corpus (`tests/fuzz_corpus.rs`): both
//! call this one function, so a finding reproduces the same way in either.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::class_list::{self, DEFAULT_SCHOOL, ImportError, ImportReport, ProblemKind};
use super::header::{self, Synonyms};
use super::table::{self, Cell};
use super::{ReadError, reconcile};
use crate::domain::id_number;
use crate::store::Store;

/// The name the bytes are read under; refusals must name it so the operator knows which file failed.
const FILE: &str = "fuzz-input";

/// What the importer made of the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The file was refused as a whole (not a table, no header row, a broken row), with this message.
    Refused(String),
    /// The file was imported into a fresh drive; the report as the operator would see it.
    Imported(Box<ImportReport>),
}

/// Reads `bytes` as a class list (content-sniffed CSV in any encoding, XLSX or XLS), reads its rows alone (a
/// plan), imports it into a fresh in-memory drive the way the product does (rows streamed into one
/// transaction), imports it a second time, and checks what the importer promises:
///
/// - a refusal names the file;
/// - every non-empty row below a header is imported, reported as a duplicate or skipped, each with its row;
/// - the report's counts agree with the rows planned and with what the drive holds, and the import reports what
///   reading alone finds;
/// - the drive passes SQLite's integrity and foreign-key checks, with one search key and one `created` audit
///   row per pupil;
/// - importing the same file again adds and changes nothing.
///
/// A broken promise comes back as `Err` with what broke; the callers (fuzzer, tests) turn it into a failure.
/// A panic inside the importer is itself a finding and is deliberately not caught.
pub fn import_bytes(bytes: &[u8]) -> Result<Outcome, String> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).ok_or("fixed date")?;
    let sheets = match table::read_bytes(bytes, FILE) {
        Ok(sheets) => sheets,
        Err(e) => return refused(&e),
    };
    let synonyms = Synonyms::builtin();
    // The rows the importer must account for, counted here independently of it.
    let mut data_rows = Vec::new();
    for sheet in &sheets {
        let Some(map) = header::detect(&sheet.rows, synonyms) else { continue };
        for (index, row) in sheet.rows.iter().enumerate().skip(map.row + 1) {
            if !row.iter().all(Cell::is_empty) {
                data_rows.push((sheet.name.clone(), index + 1));
            }
        }
    }
    let plan = match class_list::plan_sheets(vec![(FILE.to_owned(), sheets.clone())], None, DEFAULT_SCHOOL, today) {
        Ok(plan) => plan,
        Err(ImportError::Read(e @ (ReadError::NoHeader { .. } | ReadError::OwnFormWithoutPupils { .. }))) => {
            if !data_rows.is_empty() {
                return Err(format!("no header reported, yet {} data rows were found", data_rows.len()));
            }
            return refused(&e);
        }
        // Pupils on a sheet without a header, beside sheets with one: refused whole.
        Err(ImportError::Read(e @ ReadError::SheetWithoutHeader { .. })) => return refused(&e),
        // Pupils' numbers beside the list, in columns its first rows showed to be no pupils': refused whole.
        Err(e @ ImportError::PupilsBesideTheList { .. }) => return refused_import(&e),
        Err(e) => return Err(format!("planning failed with something other than a missing header: {e}")),
    };
    let report = &plan.report;
    if report.rows_read != data_rows.len() {
        return Err(format!("rows_read {} but {} non-empty rows below the header", report.rows_read, data_rows.len()));
    }
    // A masked number fits no pupil of a fresh drive: each planned row giving one is left out, or is a repeat of
    // the row of the file giving its whole number, and imports nothing either way.
    let masked = plan.rows.iter().filter(|r| is_masked(r)).count();
    let repeats = masked
        .checked_sub(report.masked_left_out)
        .ok_or_else(|| format!("masked_left_out {} but {masked} planned rows are masked", report.masked_left_out))?;
    if report.rows_read + repeats != plan.rows.len() + report.duplicates + report.skipped {
        return Err(format!(
            "rows_read {} != planned {} + duplicates {} + skipped {} - masked repeats {repeats}",
            report.rows_read,
            plan.rows.len(),
            report.duplicates,
            report.skipped
        ));
    }
    let sources: HashSet<&str> = plan.rows.iter().map(|r| r.source.as_str()).collect();
    let reported: HashSet<(&str, usize)> =
        report.problems.iter().filter_map(|p| Some((p.sheet.as_str(), p.row?))).collect();
    for (sheet, row) in &data_rows {
        let source = if sheet.is_empty() { format!("{FILE}:{row}") } else { format!("{FILE}[{sheet}]:{row}") };
        if !sources.contains(source.as_str()) && !reported.contains(&(sheet.as_str(), *row)) {
            return Err(format!("row {row} of sheet {sheet:?} was neither imported nor reported"));
        }
    }
    if let Some(p) = report.problems.iter().find(|p| p.message.trim().is_empty() || p.file != FILE || p.row == Some(0))
    {
        return Err(format!("a problem without a message or naming the wrong file: {p:?}"));
    }
    let invalid = invalid_rows(&plan.rows);
    if report.id_invalid != invalid {
        return Err(format!("id_invalid {} but {invalid} planned rows have an invalid ID", report.id_invalid));
    }
    let identities: HashSet<String> = plan.rows.iter().map(|r| r.identity()).collect();
    if identities.len() != plan.rows.len() {
        return Err("two planned rows share an identity: a duplicate got through".into());
    }

    // The import as the product runs it: rows streamed from the sheets into one transaction, twice.
    let mut store = Store::open_in_memory().map_err(|e| e.to_string())?;
    store.set_fixed_clock("2026-11-23T10:00:00+08:00");
    let planned = plan.rows.len() - masked;
    let import = |store: &mut Store| {
        let inputs = vec![class_list::Input::Sheets(FILE.to_owned(), sheets.clone())];
        class_list::import_inputs(store, inputs, None, DEFAULT_SCHOOL, today, false)
    };
    let first = import(&mut store).map_err(|e| format!("first import failed: {e}"))?;
    if first.added + first.updated + first.unchanged + first.unnumbered_left_out != planned {
        return Err(format!(
            "added {} + updated {} + unchanged {} + left out {} != {planned} planned rows not masked",
            first.added, first.updated, first.unchanged, first.unnumbered_left_out
        ));
    }
    // What a row's statuses come to is the drive's to say (recorded, kept as the drive holds them, not enough to
    // record: `ProblemKind::Statuses`), which reading alone cannot; every other line is the reader's.
    let read_side = |r: &ImportReport| {
        let read: Vec<_> = r.problems.iter().filter(|p| p.kind == ProblemKind::List).cloned().collect();
        (r.rows_read, r.duplicates, r.skipped, r.id_invalid, r.masked_left_out, read)
    };
    if read_side(&first) != read_side(&plan.report) {
        return Err(format!("the import reported {first:?}, reading alone {:?}", plan.report));
    }
    check_store(&store, first.added)?;
    let again = import(&mut store).map_err(|e| format!("re-import: {e}"))?;
    if again.added != 0 || again.updated != 0 {
        return Err(format!("importing the same file again added {} and updated {}", again.added, again.updated));
    }
    check_store(&store, first.added)?;
    Ok(Outcome::Imported(Box::new(first)))
}

/// The planned rows whose ID number is invalid, but for a row giving none that another row of the file, of the
/// same name, school and class, gives a valid number for: an earlier one, or the first valid one after it when it
/// is the only such row without a number before it. That row is the pupil holding the number (but for an old
/// 15-digit number before it, still to be checked), unless the two are two children by what else they say
/// (`same_child`: another sex, a 备注 saying so).
fn invalid_rows(rows: &[crate::store::Incoming]) -> usize {
    use crate::domain::class_label::ClassKey;
    use crate::domain::same_child::Signs;
    /// Per name, school and class: the valid rows so far (with the first one's signs), and the rows without a
    /// number before the first of them (with the first one's signs).
    #[derive(Default)]
    struct Seen {
        valid: usize,
        first_valid: Signs,
        unnumbered: usize,
        first_unnumbered: Signs,
        old: bool,
    }
    let mut seen: std::collections::HashMap<(String, String, String), Seen> = Default::default();
    let mut invalid = 0usize;
    for row in rows {
        // A masked number is no number to verify: the row is left out or a repeat (`is_masked`).
        if is_masked(row) {
            continue;
        }
        let no_number = row.id.normalized.is_empty() && !row.id.is_valid();
        if !no_number && !row.id.is_valid() {
            invalid += 1;
            continue;
        }
        let signs = Signs::of_row(row.id.valid().map(|v| v.sex), row.sex, &row.note);
        let key = (row.school.clone(), ClassKey::of(&row.grade, &row.class).canonical(), row.name.clone());
        let seen = seen.entry(key).or_default();
        if no_number {
            let apart = seen.valid == 1 && signs.apart(&seen.first_valid).is_some();
            if seen.valid == 0 || (seen.valid == 1 && (seen.old || apart)) {
                invalid += 1;
            }
            if seen.valid == 0 {
                if seen.unnumbered == 0 {
                    seen.first_unnumbered = signs;
                }
                seen.unnumbered += 1;
            }
        } else {
            if seen.valid == 0 && seen.unnumbered == 1 && signs.apart(&seen.first_unnumbered).is_none() {
                invalid -= 1;
            }
            seen.old = row.id.valid().is_some_and(|v| v.kind == id_number::IdKind::ResidentConverted);
            // An old 15-digit number, valid once converted, is still a number to verify (`IdCheck::to_verify`).
            invalid += usize::from(seen.old);
            if seen.valid == 0 {
                seen.first_valid = signs;
            }
            seen.valid += 1;
        }
    }
    invalid
}

/// A planned row whose ID number is masked (`id_number::masked_ends`), which the import matches to a pupil held or
/// leaves out, and never stores.
fn is_masked(row: &crate::store::Incoming) -> bool {
    !row.id.is_valid() && id_number::masked_ends(&row.id.normalized).is_some()
}

fn refused(e: &ReadError) -> Result<Outcome, String> {
    refused_with(e.to_string())
}

fn refused_import(e: &ImportError) -> Result<Outcome, String> {
    refused_with(e.to_string())
}

fn refused_with(message: String) -> Result<Outcome, String> {
    if message.contains(FILE) {
        Ok(Outcome::Refused(message))
    } else {
        Err(format!("a refusal without the file: {message}"))
    }
}

fn check_store(store: &Store, pupils: usize) -> Result<(), String> {
    let conn = store.connection();
    let one = |sql: &str| -> Result<String, String> {
        conn.query_row(sql, [], |r| r.get::<_, String>(0)).map_err(|e| format!("{sql}: {e}"))
    };
    let integrity = one("PRAGMA integrity_check")?;
    if integrity != "ok" {
        return Err(format!("integrity_check: {integrity}"));
    }
    let dangling = one("SELECT CAST(count(*) AS TEXT) FROM pragma_foreign_key_check")?;
    if dangling != "0" {
        return Err(format!("{dangling} rows fail the foreign-key check"));
    }
    let keys = store.search_key_count().map_err(|e| e.to_string())?;
    let counts = one(&format!(
        "SELECT (SELECT count(*) FROM students) || ' {keys} ' || (SELECT count(*) FROM audit WHERE field = 'created')"
    ))?;
    if counts != format!("{pupils} {pupils} {pupils}") {
        return Err(format!("pupils, search keys, created rows = {counts}; expected {pupils} of each"));
    }
    Ok(())
}

/// Checks one ID-number string the way a text cell is checked, and as a numeric cell when it parses as one
/// (with the agency-list amount and date parsers, which read the same kind of cells): the checker must not panic, must agree with itself, and must call a number valid only when its check
/// character is right. `Err` says what broke.
pub fn check_id_text(raw: &str) -> Result<(), String> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).ok_or("fixed date")?;
    let first = id_number::check(raw, today);
    if first != id_number::check(raw, today) {
        return Err(format!("two checks of {raw:?} disagree"));
    }
    if let Some(valid) = first.valid() {
        let digits = valid.number.as_bytes();
        if digits.len() == 18 && id_number::check_char(&digits[..17]) != char::from(digits[17]) {
            return Err(format!("{raw:?} accepted with a wrong check character"));
        }
        // The normalized form is what the drive stores and searches by; it must check the same. The one
        // exception is deliberate: an 18-digit form ending in 000 reads as a rounded number, and the importer
        // finds such a pupil again by number and name (store::import, `existing`).
        let again = id_number::check(&valid.number, today);
        let rounded_look =
            again.problem() == Some(&id_number::IdProblem::PrecisionLost) && valid.number.ends_with("000");
        if again.valid().map(|v| &v.number) != Some(&valid.number) && !rounded_look {
            return Err(format!("{raw:?} is valid but its normalized form {:?} is not", valid.number));
        }
    }
    let _ = id_number::mask(&first.normalized);
    if let Ok(value) = raw.trim().parse::<f64>() {
        let _ = id_number::check_numeric_cell(value, today);
        let _ = reconcile::parse_amount(&Cell::Number(value));
        let _ = reconcile::parse_date(&Cell::Number(value));
    }
    let _ = reconcile::parse_amount(&Cell::Text(raw.to_owned()));
    let _ = reconcile::parse_date(&Cell::Text(raw.to_owned()));
    Ok(())
}
