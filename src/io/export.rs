//! Writing tables the way offices open them: XLSX with IDs and phones as text cells, a bold frozen header and
//! sensible widths; CSV in UTF-8 with a BOM so Excel shows the Chinese. Files are created owner-only and
//! appear whole (written beside the target, then renamed), so a crash never leaves half a form.

use std::io::Write;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet};

use super::ReadError;
use super::private_file;
use super::table::neutralise_formula;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Xlsx,
    Csv,
}

impl FileFormat {
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Xlsx => "xlsx",
            FileFormat::Csv => "csv",
        }
    }

    pub fn parse(s: &str) -> Option<FileFormat> {
        match s.to_ascii_lowercase().as_str() {
            "xlsx" => Some(FileFormat::Xlsx),
            "csv" => Some(FileFormat::Csv),
            _ => None,
        }
    }
}

/// One column of an exported table.
#[derive(Debug, Clone)]
pub struct ColumnSpec {
    pub title: String,
    /// Width in Excel's character units; CJK characters count about two.
    pub width: f64,
}

impl ColumnSpec {
    pub fn new(title: &str, width: f64) -> Self {
        ColumnSpec { title: title.to_owned(), width }
    }
}

/// A value in an exported row. `Text` and `Str` are always written as text cells, so an 18-digit ID or a
/// phone number is never turned into a rounded number.
#[derive(Debug, Clone, PartialEq)]
pub enum Out<'a> {
    Text(String),
    /// Text borrowed from where it is read (a row of the drive), for exports that write many rows.
    Str(&'a str),
    Number(f64),
    Empty,
}

impl Out<'_> {
    fn text(&self) -> Option<&str> {
        match self {
            Out::Text(s) => Some(s),
            Out::Str(s) => Some(s),
            Out::Number(_) | Out::Empty => None,
        }
    }
}

/// Lines above the header: a title and label lines like 学校名称：… 填报时间：….
#[derive(Debug, Clone, Default)]
pub struct Preamble {
    pub title: Option<String>,
    /// Each line is a list of cells; in XLSX each cell spans its share of the columns.
    pub lines: Vec<Vec<String>>,
}

/// Writes one XLSX workbook (many sheets) or one CSV file (one table).
pub struct TableWriter {
    format: FileFormat,
    target: PathBuf,
    temp: PathBuf,
    workbook: Option<Workbook>,
    csv: Option<csv::Writer<std::io::BufWriter<std::fs::File>>>,
    sheet: Option<SheetState>,
    sheets_started: usize,
    header_format: Format,
    text_format: Format,
    /// Excel's General, spelled out so a number in a text column does not take the column's text format.
    number_format: Format,
    title_format: Format,
}

struct SheetState {
    columns: usize,
    next_row: u32,
    /// Per XLSX column, once its first value is seen: whether the column itself carries the text format. Its
    /// text cells are then written without a format of their own and take the column's when the row is
    /// flushed; a format passed per cell is hashed whole on every write, which was a quarter of a 60k-row
    /// export's time.
    text_column: Vec<Option<bool>>,
}

fn write_err(target: &Path, e: impl std::fmt::Display) -> ReadError {
    ReadError::Write { file: target.display().to_string(), reason: e.to_string() }
}

impl TableWriter {
    pub fn create(target: &Path, format: FileFormat) -> Result<TableWriter, ReadError> {
        let file_name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = target.with_file_name(format!(".{file_name}{PART}"));
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            private_file::create_dir_all(dir).map_err(|e| write_err(target, e))?;
        }
        remove_abandoned_parts(target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")));
        let (workbook, csv) = match format {
            FileFormat::Xlsx => {
                // Deflate at level 6 (the zip default) was half of writing a 60k-row sheet; level 2 takes 56%
                // less time for a file 16% larger (2.7 MB to 3.1 MB at 60k), and the operator is waiting.
                let mut book = Workbook::new();
                book.set_zip_compression_level(2);
                (Some(book), None)
            }
            FileFormat::Csv => {
                let mut file = std::io::BufWriter::new(private_file::create(&temp).map_err(|e| write_err(target, e))?);
                file.write_all(b"\xEF\xBB\xBF").map_err(|e| write_err(target, e))?;
                (None, Some(csv::WriterBuilder::new().flexible(true).from_writer(file)))
            }
        };
        Ok(TableWriter {
            format,
            target: target.to_owned(),
            temp,
            workbook,
            csv,
            sheet: None,
            sheets_started: 0,
            header_format: Format::new()
                .set_bold()
                .set_align(FormatAlign::Center)
                .set_border(rust_xlsxwriter::FormatBorder::Thin),
            text_format: Format::new().set_num_format("@"),
            number_format: Format::new().set_num_format("General"),
            title_format: Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center),
        })
    }

    /// Starts a table: a new worksheet in XLSX; in CSV, tables follow one another separated by a blank line.
    pub fn begin_table(
        &mut self,
        sheet_name: &str,
        preamble: &Preamble,
        columns: &[ColumnSpec],
    ) -> Result<(), ReadError> {
        let target = self.target.clone();
        let err = |e: rust_xlsxwriter::XlsxError| write_err(&target, e);
        if let Some(book) = self.workbook.as_mut() {
            let sheet: &mut Worksheet = book.add_worksheet_with_constant_memory().map_err(err)?;
            sheet.set_name(sheet_name_safe(sheet_name)).map_err(err)?;
            let last_col = (columns.len().max(1) - 1) as u16;
            let mut row = 0u32;
            if let Some(title) = &preamble.title {
                if last_col > 0 {
                    sheet.merge_range(row, 0, row, last_col, title, &self.title_format).map_err(err)?;
                } else {
                    sheet.write_string_with_format(row, 0, title, &self.title_format).map_err(err)?;
                }
                sheet.set_row_height(row, 28).map_err(err)?;
                row += 1;
            }
            for line in &preamble.lines {
                let span = (columns.len() / line.len().max(1)).max(1) as u16;
                for (i, cell) in line.iter().enumerate() {
                    let first = i as u16 * span;
                    let last = if i + 1 == line.len() { last_col.max(first) } else { first + span - 1 };
                    if last > first {
                        sheet.merge_range(row, first, row, last, cell, &Format::new()).map_err(err)?;
                    } else {
                        sheet.write_string(row, first, cell).map_err(err)?;
                    }
                }
                row += 1;
            }
            for (i, c) in columns.iter().enumerate() {
                sheet.set_column_width(i as u16, c.width).map_err(err)?;
                sheet.write_string_with_format(row, i as u16, &c.title, &self.header_format).map_err(err)?;
            }
            sheet.set_freeze_panes(row + 1, 0).map_err(err)?;
            sheet.set_repeat_rows(row, row).map_err(err)?;
            self.sheet = Some(SheetState { columns: columns.len(), next_row: row + 1, text_column: Vec::new() });
        } else if let Some(w) = self.csv.as_mut() {
            let e = |e: csv::Error| write_err(&target, e);
            if self.sheets_started > 0 {
                w.write_record([""]).map_err(e)?;
            }
            if let Some(title) = &preamble.title {
                w.write_record([title]).map_err(e)?;
            }
            for line in &preamble.lines {
                w.write_record(line.iter().map(|c| neutralise_formula(c).into_owned())).map_err(e)?;
            }
            w.write_record(columns.iter().map(|c| c.title.as_str())).map_err(e)?;
            self.sheet = Some(SheetState { columns: columns.len(), next_row: 0, text_column: Vec::new() });
        }
        self.sheets_started += 1;
        Ok(())
    }

    pub fn row(&mut self, cells: &[Out]) -> Result<(), ReadError> {
        let TableWriter { target, workbook, csv, sheet, sheets_started, text_format, number_format, .. } = self;
        let state = sheet.as_mut().ok_or_else(|| write_err(target, "no table started"))?;
        debug_assert!(cells.len() <= state.columns);
        if let Some(book) = workbook.as_mut() {
            let sheet = book.worksheet_from_index(*sheets_started - 1).map_err(|e| write_err(target, e))?;
            if state.text_column.len() < cells.len() {
                state.text_column.resize(cells.len(), None);
            }
            let row = state.next_row;
            for (i, cell) in cells.iter().enumerate() {
                let col = i as u16;
                // A column is text when its first value is: rows already flushed keep the formats they had,
                // and a later value of the other kind carries its own format, so every cell reads as before.
                let text_column = &mut state.text_column[i];
                match (cell, cell.text()) {
                    (_, Some(s)) => {
                        if text_column.is_none() {
                            sheet.set_column_format(col, text_format).map_err(|e| write_err(target, e))?;
                            *text_column = Some(true);
                        }
                        if *text_column == Some(true) {
                            sheet.write_string(row, col, s)
                        } else {
                            sheet.write_string_with_format(row, col, s, text_format)
                        }
                    }
                    (Out::Number(n), None) => match text_column.get_or_insert(false) {
                        true => sheet.write_number_with_format(row, col, *n, number_format),
                        false => sheet.write_number(row, col, *n),
                    },
                    (_, None) => continue,
                }
                .map_err(|e| write_err(target, e))?;
            }
            state.next_row += 1;
        } else if let Some(w) = csv.as_mut() {
            for cell in cells {
                match cell {
                    Out::Number(n) => w.write_field(n.to_string()),
                    // Every text cell of a CSV may be opened in a spreadsheet: none may start a formula.
                    other => w.write_field(neutralise_formula(other.text().unwrap_or("")).as_bytes()),
                }
                .map_err(|e| write_err(target, e))?;
            }
            w.write_record(None::<&[u8]>).map_err(|e| write_err(target, e))?;
        }
        Ok(())
    }

    /// Writes the file in place; until this returns, the target is untouched.
    pub fn finish(mut self) -> Result<PathBuf, ReadError> {
        let target = self.target.clone();
        if let Some(mut book) = self.workbook.take() {
            let file = private_file::create(&self.temp).map_err(|e| write_err(&target, e))?;
            let mut out = std::io::BufWriter::new(file);
            book.save_to_writer(&mut out).map_err(|e| write_err(&target, e))?;
            // On disk before the rename, as the CSV is: a power cut after it must not leave an empty form
            // under the real name.
            let file = out.into_inner().map_err(|e| write_err(&target, e.error()))?;
            file.sync_all().map_err(|e| write_err(&target, e))?;
        }
        if let Some(w) = self.csv.take() {
            let mut inner = w.into_inner().map_err(|e| write_err(&target, e.error()))?;
            inner.flush().map_err(|e| write_err(&target, e))?;
            inner.get_ref().sync_all().map_err(|e| write_err(&target, e))?;
        }
        std::fs::rename(&self.temp, &target).map_err(|e| write_err(&target, e))?;
        private_file::restrict(&target);
        Ok(target)
    }

    pub fn format(&self) -> FileFormat {
        self.format
    }
}

impl Drop for TableWriter {
    fn drop(&mut self) {
        // An abandoned export leaves no partial file behind.
        if self.temp.exists() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// What an export's file is called while it is written: `.{name}.part`, beside the target.
const PART: &str = ".part";

/// A `.part` file left this long ago belongs to no export still running: an export writes its file in
/// seconds (a minute at county scale).
const ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Removes the `.part` files of exports that were killed mid-way (a power cut, a kill -9): they hold minors'
/// data under a name nobody looks at. Only canbao's own pattern, and only files no export could still be
/// writing.
fn remove_abandoned_parts(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with('.') && name.ends_with(PART) && name.len() > 1 + PART.len()) {
            continue;
        }
        let old = entry
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > ABANDONED_AFTER);
        if old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Excel forbids some characters and more than 31 characters in a sheet name.
fn sheet_name_safe(name: &str) -> String {
    let cleaned: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if cleaned.is_empty() { "Sheet1".into() } else { cleaned }
}
