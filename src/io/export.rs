//! Writing tables the way offices open and print them: XLSX with IDs and phones as text cells, dates and rates as
//! real date and percentage cells, a bold frozen header, a ruled table and a page setup for A4 (one page wide,
//! the title and header on every page, 第 N 页 共 M 页 in the footer); CSV in UTF-8 with a BOM so Excel shows the
//! Chinese, and plain values for the agencies' systems. Files are created owner-only and appear whole (written
//! beside the target, then renamed), so a crash never leaves half a form.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use super::ReadError;
use super::table::{neutralise_formula, xlsx_text};
use crate::private_file;

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
    /// Whether its cells wrap, top-aligned, and the row grows to hold them: a 备注 is free text of any length,
    /// and a cell that does not wrap is cut at the page edge in print or runs on over the next column (签字).
    pub wrap: bool,
}

/// The title of the forms' free-text column.
const REMARK_TITLE: &str = "备注";

impl ColumnSpec {
    /// A column; a 备注 column wraps ([`ColumnSpec::wrap`]).
    pub fn new(title: &str, width: f64) -> Self {
        ColumnSpec { title: title.to_owned(), width, wrap: title.trim() == REMARK_TITLE }
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
    /// A date cell shown `yyyy-mm-dd` (a date in CSV too, written the same way).
    Date(NaiveDate),
    /// A share in per mille, as [`coverage::percent`](crate::domain::coverage::percent) rounds it: a number
    /// with a percentage format in XLSX, the same text (`33.3%`) in CSV.
    Permille(u32),
    Empty,
}

impl Out<'_> {
    fn text(&self) -> Option<&str> {
        match self {
            Out::Text(s) => Some(s),
            Out::Str(s) => Some(s),
            Out::Number(_) | Out::Date(_) | Out::Permille(_) | Out::Empty => None,
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
    /// The hidden file it is written in, created new at the start (so it is this export's own), or `None` once
    /// it has its real name.
    temp: Option<PathBuf>,
    /// The XLSX's open temporary file, filled at [`TableWriter::finish`]; the CSV's is inside its writer.
    temp_file: Option<std::fs::File>,
    workbook: Option<Workbook>,
    csv: Option<csv::Writer<std::io::BufWriter<std::fs::File>>>,
    sheet: Option<SheetState>,
    sheets_started: usize,
    /// The names given to the workbook's sheets so far, lower-cased as Excel compares them.
    sheet_names: Vec<String>,
    formats: Formats,
}

/// The XLSX cell formats. Every cell of a table carries a thin border, so a printed row has its lines (the
/// sheet's grid does not print); each kind of value has its own format so a text cell stays text.
struct Formats {
    header: Format,
    title: Format,
    text: Format,
    /// A free-text cell ([`ColumnSpec::wrap`]).
    wrapped: Format,
    number: Format,
    date: Format,
    percent: Format,
    blank: Format,
    /// The lines below a table (签字、日期), with room to sign.
    foot: Format,
    /// An ID-number column's own format, text: a teacher who types a pupil's number in an empty row under the
    /// table keeps every digit, where a General column made it a number rounded past the 15th digit.
    id_column: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
        Formats {
            header: cell.clone().set_bold().set_align(FormatAlign::Center).set_text_wrap(),
            title: Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center),
            text: cell.clone().set_num_format("@"),
            wrapped: cell.clone().set_num_format("@").set_text_wrap().set_align(FormatAlign::Top),
            number: cell.clone().set_num_format("General"),
            date: cell.clone().set_num_format("yyyy-mm-dd").set_align(FormatAlign::Left),
            percent: cell.clone().set_num_format("0.0%"),
            blank: cell,
            foot: Format::new().set_align(FormatAlign::Bottom),
            id_column: Format::new().set_num_format("@"),
        }
    }
}

/// Excel's last row (0-based).
const EXCEL_LAST_ROW: u32 = 1_048_575;

/// A4 in Excel's paper-size numbering.
pub const PAPER_A4: u8 = 9;
/// The margins (inches): left and right, top and bottom, header and footer.
const MARGINS: (f64, f64, f64) = (0.5, 0.6, 0.3);
/// How wide (in column-width units) a table may be before it is printed landscape. A4 portrait inside 0.5"
/// margins is 184.6 mm, about 698 pixels at 96 dpi; a column of width w is 7w + 5 pixels in the default font.
/// Wider tables would shrink below about 90 % on a portrait page, so they turn.
const PORTRAIT_PIXELS: f64 = 698.0;

/// Whether columns of these widths are printed landscape.
pub fn needs_landscape(widths: impl IntoIterator<Item = f64>) -> bool {
    widths.into_iter().map(|w| w * 7.0 + 5.0).sum::<f64>() > PORTRAIT_PIXELS
}

/// The page setup every printed sheet gets: A4, one page wide and as many tall as needed, centred, page
/// numbers in the footer. `repeat` are the rows printed at the top of every page (title and header).
pub fn print_setup(
    sheet: &mut Worksheet,
    landscape: bool,
    repeat: Option<(u32, u32)>,
    last_col: u16,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    sheet.set_paper_size(PAPER_A4);
    if landscape {
        sheet.set_landscape();
    } else {
        sheet.set_portrait();
    }
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    let (side, edge, band) = MARGINS;
    sheet.set_margins(side, side, edge, edge, band, band);
    sheet.set_footer("&C第 &P 页 共 &N 页");
    // Whole columns: the rows printed are the ones used, and nothing right of the table spills onto a page.
    sheet.set_print_area(0, 0, EXCEL_LAST_ROW, last_col)?;
    if let Some((first, last)) = repeat {
        sheet.set_repeat_rows(first, last)?;
    }
    Ok(())
}

struct SheetState {
    columns: usize,
    /// The table's column titles, to name the field of a cell cut to fit ([`CutCell`]).
    titles: Vec<String>,
    /// The column holding the pupil's name (its title has 姓名), to name the pupil of a cut cell.
    name_column: Option<usize>,
    next_row: u32,
    /// The height of the table's rows in points, when they are written on (a signature column).
    row_height: Option<f64>,
    /// The width of each column whose cells wrap ([`ColumnSpec::wrap`]), `None` for the others.
    wrapped: Vec<Option<f64>>,
    /// Whether the last row written has a height of its own, so the table needs a plain row after it
    /// ([`TableWriter::end_table`]).
    last_row_high: bool,
}

impl SheetState {
    fn new(columns: &[ColumnSpec], next_row: u32) -> Self {
        let titles: Vec<String> = columns.iter().map(|c| c.title.clone()).collect();
        let name_column = titles.iter().position(|t| t.contains("姓名"));
        let wrapped = columns.iter().map(|c| c.wrap.then_some(c.width)).collect();
        SheetState {
            columns: columns.len(),
            titles,
            name_column,
            next_row,
            row_height: None,
            wrapped,
            last_row_high: false,
        }
    }

    /// The row's height: as many lines as its longest free-text cell wraps onto ([`ColumnSpec::wrap`]), and no less
    /// than the table's rows (`row_height`); `None` for a row of one line in a table of the default height. Set,
    /// not left to the spreadsheet: LibreOffice keeps a row of the default height on opening the file, so the
    /// wrapped text beyond the first line was not printed.
    fn height(&self, cells: &[Out]) -> Option<f64> {
        let lines = cells
            .iter()
            .zip(&self.wrapped)
            .filter_map(|(cell, width)| {
                // A CJK character is about two of the width's units; one unit is kept for the cell's margins.
                let needed: usize = cell.text()?.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
                let per_line = (width.as_ref()? - 1.0).max(1.0);
                Some((needed as f64 / per_line).ceil())
            })
            .fold(1.0, f64::max);
        if lines <= 1.0 {
            return self.row_height;
        }
        Some((lines * LINE_POINTS + 3.0).max(self.row_height.unwrap_or_default()))
    }
}

/// The height of a line of text in a cell, in points, with room for a CJK font's taller lines.
const LINE_POINTS: f64 = 15.0;

/// The most UTF-16 units Excel (and the workbook writer) keeps in one cell.
pub const EXCEL_CELL_UNITS: usize = 32_767;

/// A cell of an XLSX export cut to fit one Excel cell: where it is and how long it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutCell {
    pub file: PathBuf,
    pub sheet: String,
    /// The row as Excel numbers it.
    pub row: u32,
    /// The column's title; empty for a title or label line above a table.
    pub column: String,
    /// The pupil of the row (its 姓名 cell), when the table has one.
    pub pupil: String,
    /// The text's length in characters before it was cut.
    pub chars: usize,
}

impl CutCell {
    /// The line an export prints for it, Chinese then English in brackets.
    pub fn message(&self) -> String {
        let CutCell { file, sheet, row, column, pupil, chars } = self;
        let file = file.display();
        let pupil = if pupil.is_empty() { String::new() } else { format!(" {pupil}") };
        let column_zh = if column.is_empty() { String::new() } else { format!("「{column}」") };
        let column_en = if column.is_empty() { String::new() } else { format!(" \"{column}\"") };
        format!(
            "{file} [{sheet}] 第 {row} 行{pupil}{column_zh}：内容有 {chars} 字，超过 Excel 单元格的上限，已截断，\
             单元格末尾标有“{CUT_MARK}”；请在数据文件中改正此项 ({file} [{sheet}] row {row}{pupil}{column_en}: \
             {chars} characters, more than an Excel cell holds: cut, and marked at its end; correct it in the drive)"
        )
    }
}

/// What ends a cell cut to fit, so the form itself shows that something is missing.
pub const CUT_MARK: &str = "…（已截断）";

/// Cells cut by exports of this process, not yet taken by the one that asked for the export
/// ([`take_cut_cells`]). Kept beside the forms' results rather than in them: a cut is a rare note on a file
/// that was written, and every form returns only the files it wrote.
static CUT_CELLS: std::sync::Mutex<Vec<CutCell>> = std::sync::Mutex::new(Vec::new());

/// The cells cut to fit in the files `under` (a file, or a folder the files were written in), taken out.
pub fn take_cut_cells(under: &Path) -> Vec<CutCell> {
    let mut all = CUT_CELLS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let (taken, kept) = std::mem::take(&mut *all).into_iter().partition(|c| c.file.starts_with(under));
    *all = kept;
    taken
}

/// `text` as one Excel cell holds it: past the limit, cut with [`CUT_MARK`] at the end; `Some` length in
/// characters when it was cut.
fn fit_cell(text: &str) -> (std::borrow::Cow<'_, str>, Option<usize>) {
    // Bytes are at least UTF-16 units / 2 ... a text of fewer bytes than the limit always fits.
    if text.len() <= EXCEL_CELL_UNITS || text.encode_utf16().count() <= EXCEL_CELL_UNITS {
        return (std::borrow::Cow::Borrowed(text), None);
    }
    let room = EXCEL_CELL_UNITS - CUT_MARK.encode_utf16().count();
    let mut units = 0;
    let mut end = 0;
    for (at, c) in text.char_indices() {
        units += c.len_utf16();
        if units > room {
            break;
        }
        end = at + c.len_utf8();
    }
    let cut = format!("{}{CUT_MARK}", text.get(..end).unwrap_or_default());
    (std::borrow::Cow::Owned(cut), Some(text.chars().count()))
}

/// The workbook writer's error in words: its one message a stored text can cause said in Chinese too.
fn xlsx_err(target: &Path, e: rust_xlsxwriter::XlsxError) -> ReadError {
    match e {
        rust_xlsxwriter::XlsxError::MaxStringLengthExceeded => write_err(
            target,
            "单元格内容超过 Excel 的上限 32767 字 (a cell holds more than Excel's limit of 32,767 characters)",
        ),
        other => write_err(target, other),
    }
}

fn write_err(target: &Path, e: impl std::fmt::Display) -> ReadError {
    ReadError::Write { file: target.display().to_string(), reason: e.to_string() }
}

/// A CSV writer's error: the system's (a full disk) in words, as any other write.
fn csv_err(target: &Path, e: csv::Error) -> ReadError {
    if !e.is_io_error() {
        return write_err(target, e);
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => io_err(target, io),
        other => write_err(target, format!("{other:?}")),
    }
}

/// A title or label line's text as one cell holds it, a cut noted with its row.
fn fit_line<'t>(target: &Path, sheet: &Worksheet, row: u32, text: &'t str) -> std::borrow::Cow<'t, str> {
    let (text, cut) = fit_cell(text);
    if let Some(chars) = cut {
        let (file, sheet) = (target.to_owned(), sheet.name());
        note_cut(CutCell { file, sheet, row: row + 1, column: String::new(), pupil: String::new(), chars });
    }
    text
}

fn note_cut(cut: CutCell) {
    CUT_CELLS.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(cut);
}

/// The file a workbook is saved into, stopping at its first failed write. The zip writer inside the workbook,
/// dropped unfinished when the save fails, tries to finish its archive and prints a debug line to stderr when
/// it cannot: what it writes after the failure is discarded (the file is removed anyway), and the failure kept
/// to be said in words.
struct StopAtFailure<W> {
    inner: W,
    failed: Option<std::io::Error>,
}

impl<W: Write> StopAtFailure<W> {
    fn new(inner: W) -> Self {
        StopAtFailure { inner, failed: None }
    }

    /// Keeps the first failure, and hands back one like it.
    fn keep(&mut self, e: std::io::Error) -> std::io::Error {
        if e.kind() == std::io::ErrorKind::Interrupted {
            return e;
        }
        let like = match e.raw_os_error() {
            Some(code) => std::io::Error::from_raw_os_error(code),
            None => std::io::Error::new(e.kind(), e.to_string()),
        };
        self.failed = Some(e);
        like
    }
}

impl<W: Write> Write for StopAtFailure<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.failed.is_some() {
            return Ok(buf.len());
        }
        self.inner.write(buf).map_err(|e| self.keep(e))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.failed.is_some() {
            return Ok(());
        }
        self.inner.flush().map_err(|e| self.keep(e))
    }
}

/// Runs a write with the workbook writer's panics caught (see [`TableWriter::temp_failed`]): the file's error,
/// not the end of the program.
fn guarded<T>(write: impl FnOnce() -> Result<T, ReadError>) -> Result<Result<T, ReadError>, String> {
    super::workbook::contained_saying(write)
}

/// Saves `book` into `out`; a failure of the system's (a full disk) is said in words naming `target`.
fn save_workbook<W: Write + Send>(book: &mut Workbook, out: W, target: &Path) -> Result<W, ReadError> {
    let mut out = StopAtFailure::new(out);
    let saved = book.save_to_writer(&mut out);
    match (saved, out.failed.take()) {
        (Ok(()), None) => Ok(out.inner),
        (_, Some(failed)) => Err(io_err(target, failed)),
        (Err(e), None) => Err(write_err(target, e)),
    }
}

/// An operating system error while writing `target`, in the operator's words first: the system's own text is
/// English. The file named is the one asked for, never the hidden one written beside it.
pub(crate) fn io_err(target: &Path, e: std::io::Error) -> ReadError {
    if e.kind() == std::io::ErrorKind::StorageFull {
        return ReadError::DiskFull { file: target.display().to_string() };
    }
    let reason = match e.kind() {
        // An export makes its folder: "exists" there is a file that has the folder's name.
        std::io::ErrorKind::AlreadyExists if crate::private_file::taken_words(&e).is_none() => {
            match dangling_link(target) {
                // A link to a folder that is gone (a USB stick pulled out) is no file: the folder is what is missing.
                Some(link) if link == target => {
                "这是链接，所指的文件夹不存在（U 盘已拔出？）(a link to a folder that is not there: USB drive unplugged?)"
                    .to_owned()
            }
            Some(link) => format!(
                "{} 是链接，所指的文件夹不存在（U 盘已拔出？）(a link to a folder that is not there: USB drive unplugged?)",
                link.display()
            ),
            None => "路径中有一段是文件，不是文件夹 (part of the path is a file, not a folder)".to_owned(),
            }
        }
        _ => crate::os_error::phrase(&e, crate::os_error::Access::Write),
    };
    ReadError::Write { file: target.display().to_string(), reason }
}

/// The first link on the way to `target` whose own target is not there.
fn dangling_link(target: &Path) -> Option<&Path> {
    let mut ancestors: Vec<&Path> = target.ancestors().filter(|p| !p.as_os_str().is_empty()).collect();
    ancestors.reverse();
    ancestors
        .into_iter()
        .find(|p| p.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) && p.metadata().is_err())
}

/// An export's file is refused in place of these: the drive and what SQLite and canbao keep beside it. An export
/// is renamed over its target, so writing a form onto the drive (or onto its `-wal`, which SQLite would then
/// read as the drive's latest pages) would lose every pupil without a word.
const DRIVE_SIDECARS: [&str; 5] = ["", "-wal", "-shm", "-journal", ".lock"];

/// How the names of drives, backups and their sidecars end (compared in lower case). An encrypted drive has no
/// header to tell it by, so its name is what says it: no form is ever called `.db`.
const DRIVE_ENDINGS: [&str; 7] = [".db", ".db-wal", ".db-shm", ".db-journal", ".db.lock", ".sqlite", ".sqlite3"];

/// Whether a file of whole ID numbers may be written under `target`'s name: not under one that says it is masked
/// (`…-打码.xlsx`, the name a masked copy for class teachers is given, see
/// [`MASKED_MARK`](super::sheet::MASKED_MARK)), whether or not a file of that name is there, so whole numbers
/// never go out in a file whoever is handed it takes for the masked copy. `masked`: the export's numbers are
/// masked, and any name will do.
pub fn check_masked_name(target: &Path, masked: bool) -> Result<(), ReadError> {
    let stem = target.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    match masked || !stem.contains(MASKED_WORD) {
        true => Ok(()),
        false => Err(ReadError::WholeNumbersUnderMaskedName { file: target.display().to_string() }),
    }
}

/// The name a masked copy is written under when the operator named it (`--out 名单.xlsx`, a name typed on the
/// screen): with [`MASKED_MARK`](super::sheet::MASKED_MARK) before its extension (`名单-打码.xlsx`), as every masked
/// export's own name has it, so whoever is handed the file knows it for the copy for class teachers, not one the
/// agencies can register by; a name that says 打码 already is kept.
pub fn masked_name(target: &Path) -> PathBuf {
    let Some(stem) = target.file_stem().filter(|s| !s.to_string_lossy().contains(MASKED_WORD)) else {
        return target.to_owned();
    };
    let mut name = stem.to_owned();
    // `sheet::MASKED_MARK`, spelt here: the sheet's module imports this one.
    name.push("-");
    name.push(MASKED_WORD);
    if let Some(extension) = target.extension() {
        name.push(".");
        name.push(extension);
    }
    target.with_file_name(name)
}

/// The word a masked copy's name carries ([`MASKED_MARK`](super::sheet::MASKED_MARK) without its dash).
const MASKED_WORD: &str = "打码";

/// Whether an export may write `target`, replacing what is there: the one rule of the command line and the
/// screen. Refused, whether the file exists or not: the drive being exported (`drive`; through a symlink, a
/// hard link or another spelling of its path too), its `-wal`, `-shm`, `-journal` and `.lock`, anything in its
/// backups folder, and a name that ends like a drive (`.db`). Refused when it exists: an SQLite database (a
/// drive or backup of another school) and any file that is not of the type the export writes (an XLSX
/// workbook for XLSX, a text file for CSV, under that extension): a class list in Word, a PDF, notes named
/// `.xlsx`; and any file of that type that canbao did not write ([`ownership`](super::ownership)): the school's
/// own class list named `名单.csv` or `一年级.xlsx`. An earlier export of the same type is replaced (the screen
/// asks first), as is an empty file.
pub fn check_target(target: &Path, format: FileFormat, drive: Option<&Path>) -> Result<(), ReadError> {
    check_target_as(target, format, drive, None)
}

/// As [`check_target`], for an export whose CSV has no title: its first line is `header`, which also says an
/// earlier export of it.
pub fn check_target_as(
    target: &Path,
    format: FileFormat,
    drive: Option<&Path>,
    header: Option<&[String]>,
) -> Result<(), ReadError> {
    let refuse = |reason: String| Err(ReadError::WontReplace { file: target.display().to_string(), reason });
    if let Some(drive) = drive {
        // Whole paths, so `a.db`, `./a.db`, `new/../a.db` and `/x/a.db` compare equal even where no file or
        // folder exists yet (a folder still to be made is a real one, so `new/..` is where `new` will be).
        let whole = |p: &Path| {
            let found = crate::store::lock::true_path(p);
            let found = std::path::absolute(&found).unwrap_or(found);
            let mut plain = PathBuf::new();
            for part in found.components() {
                match part {
                    std::path::Component::ParentDir => {
                        plain.pop();
                    }
                    std::path::Component::CurDir => {}
                    other => plain.push(other),
                }
            }
            plain
        };
        let ours = whole(drive);
        let theirs = whole(target);
        // Lower case: on a disk that ignores case (Windows, macOS) `RE2.DB-WAL` is the drive's `-wal`.
        let fold = |p: &Path| p.to_string_lossy().to_lowercase();
        for suffix in DRIVE_SIDECARS {
            let mut name = ours.clone().into_os_string();
            name.push(suffix);
            let sidecar = PathBuf::from(name);
            if fold(&sidecar) == fold(&theirs) || crate::store::lock::same_file(&sidecar, target) {
                return refuse(if suffix.is_empty() {
                    "这是正在导出的数据文件 (the drive being exported)".to_owned()
                } else {
                    format!("这是正在导出的数据文件的 {suffix} 文件 (the drive's {suffix} file)")
                });
            }
        }
        let backups = whole(&ours.parent().unwrap_or(Path::new(".")).join("backups"));
        if theirs.parent().is_some_and(|folder| fold(folder) == fold(&backups)) {
            return refuse(
                "这是数据文件的备份文件夹，只放备份 (the drive's backups folder holds backups only)".to_owned(),
            );
        }
    }
    let name = target.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
    let drive_name = || refuse("文件名是数据文件或备份的名字（.db）(named like a drive or backup)".to_owned());
    let named_like_drive = DRIVE_ENDINGS.iter().any(|ending| name.ends_with(ending));
    // A dangling symlink is replaced, as any symlink is (the rename replaces the link, not what it names).
    let Ok(meta) = std::fs::metadata(target) else {
        return if named_like_drive { drive_name() } else { Ok(()) };
    };
    if meta.is_dir() {
        // The rename says it: 已有同名的文件夹.
        return Ok(());
    }
    if !meta.is_file() {
        return refuse("这不是普通文件 (not a regular file)".to_owned());
    }
    let head = super::ownership::head_of(target).map_err(|e| io_err(target, e))?;
    let head = head.as_slice();
    if head.starts_with(b"SQLite format 3\0") {
        return refuse(
            "这是 SQLite 数据库，可能是 canbao 的数据文件或备份 (an SQLite database: perhaps a drive or backup)"
                .to_owned(),
        );
    }
    if named_like_drive {
        return drive_name();
    }
    if head.is_empty() {
        return Ok(());
    }
    // A Word document, a PDF, a picture or an archive is named for what it is, as the importer names it.
    if let Some(what) = super::sniff::file_not_a_table(target) {
        // Noise is said as what it may be, without the importer's ways to take a drive in.
        if what == super::sniff::ENCRYPTED_DRIVE || what == super::sniff::NOISE {
            return refuse(
                "这像是加密的数据文件（或已损坏的文件） (encrypted data, perhaps an encrypted drive, or a damaged file)"
                    .to_owned(),
            );
        }
        return refuse(what.to_owned());
    }
    let extension = target.extension().map(|e| e.to_string_lossy().to_lowercase());
    let same_kind = extension.as_deref() == Some(format.extension())
        && match format {
            // A workbook is a zip (other zips were refused above).
            FileFormat::Xlsx => head.starts_with(b"PK\x03\x04"),
            FileFormat::Csv => {
                let binary: [&[u8]; 4] = [b"PK", b"%PDF", b"\xD0\xCF\x11\xE0", b"\x89PNG"];
                // UTF-16 text (「Unicode 文本」) has zero bytes, and says so with its BOM.
                let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
                (utf16 || !head.contains(&0)) && !binary.iter().any(|magic| head.starts_with(magic))
            }
        };
    if !same_kind {
        let kind = match format {
            FileFormat::Xlsx => ("XLSX 表格", "an XLSX export"),
            FileFormat::Csv => ("CSV 表格", "a CSV export"),
        };
        return refuse(format!(
            "这不是以前导出的 {}；导出只覆盖同类型的文件 (not {}: an export replaces only a file of its own type)",
            kind.0, kind.1
        ));
    }
    let ours = match format {
        FileFormat::Xlsx => super::ownership::workbook_by_canbao(target),
        FileFormat::Csv => super::ownership::csv_by_canbao(&super::ownership::first_lines(head, 2), header),
    };
    if ours {
        return Ok(());
    }
    refuse(
        "这不是 canbao 导出的表格（可能是班级名单），导出不会覆盖它 \
         (not a table canbao exported, perhaps a class list: an export never replaces it)"
            .to_owned(),
    )
}

/// As [`check_target`] for every file of a form of several files, before any is written: a form is placed
/// whole or not at all.
pub fn check_targets(targets: &[PathBuf], format: FileFormat, drive: Option<&Path>) -> Result<(), ReadError> {
    check_targets_as(targets, format, drive, None)
}

/// As [`check_targets`], for an export whose CSV's first line is `header` ([`check_target_as`]).
pub fn check_targets_as(
    targets: &[PathBuf],
    format: FileFormat,
    drive: Option<&Path>,
    header: Option<&[String]>,
) -> Result<(), ReadError> {
    targets.iter().try_for_each(|t| check_target_as(t, format, drive, header))
}

/// `--out` for a form of several files: a folder. One that is a file is said as such, not as the system's
/// "File exists" for the folder that could not be made.
pub fn check_folder(folder: &Path) -> Result<(), ReadError> {
    match std::fs::metadata(folder) {
        Ok(meta) if !meta.is_dir() => Err(ReadError::NeedsFolder { file: folder.display().to_string() }),
        _ => Ok(()),
    }
}

impl TableWriter {
    /// Starts a file at `target`, refused (before anything is written) where [`check_target`] refuses it;
    /// `drive` is the drive the rows come from.
    pub fn create(target: &Path, format: FileFormat, drive: Option<&Path>) -> Result<TableWriter, ReadError> {
        Self::create_as(target, format, drive, None)
    }

    /// As [`create`](Self::create), for a table with no title whose CSV's first line is `header`
    /// ([`check_target_as`]).
    pub fn create_as(
        target: &Path,
        format: FileFormat,
        drive: Option<&Path>,
        header: Option<&[String]>,
    ) -> Result<TableWriter, ReadError> {
        check_target_as(target, format, drive, header)?;
        let file_name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            private_file::create_dir_all(dir).map_err(|e| io_err(target, e))?;
        }
        remove_abandoned_parts(target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")));
        // Created new and owner-only now, for XLSX too (filled at the end): a link someone planted at the name
        // in a shared folder is stepped around, never written through. A taken name may be another export's.
        let pid = std::process::id();
        let (temp, file) = private_file::create_temp(target, |n| match n {
            0 => format!(".{file_name}{PART}"),
            n => format!(".{file_name}.{pid}-{n}{PART}"),
        })
        .map_err(|e| io_err(target, e))?;
        made_here(&temp);
        let mut writer = TableWriter {
            format,
            target: target.to_owned(),
            temp: Some(temp),
            temp_file: None,
            workbook: None,
            csv: None,
            sheet: None,
            sheets_started: 0,
            sheet_names: Vec::new(),
            formats: Formats::new(),
        };
        match format {
            FileFormat::Xlsx => {
                // Deflate at level 6 (the zip default) was half of writing a 60k-row sheet; level 2 takes 56%
                // less time for a file 16% larger (2.7 MB to 3.1 MB at 60k), and the operator is waiting.
                let mut book = Workbook::new();
                book.set_zip_compression_level(2);
                // Says canbao wrote it, so a later export may replace it and nothing else (Excel and WPS keep
                // the creator when the file is saved again).
                book.set_properties(&DocProperties::new().set_author(super::ownership::CREATOR));
                writer.workbook = Some(book);
                writer.temp_file = Some(file);
            }
            FileFormat::Csv => {
                let mut file = std::io::BufWriter::new(file);
                file.write_all(b"\xEF\xBB\xBF").map_err(|e| io_err(target, e))?;
                writer.csv = Some(csv::WriterBuilder::new().flexible(true).from_writer(file));
            }
        }
        Ok(writer)
    }

    /// Starts a table: a new worksheet in XLSX; in CSV, tables follow one another separated by a blank line.
    pub fn begin_table(
        &mut self,
        sheet_name: &str,
        preamble: &Preamble,
        columns: &[ColumnSpec],
    ) -> Result<(), ReadError> {
        guarded(|| self.start_table(sheet_name, preamble, columns)).unwrap_or_else(|said| self.temp_failed(&said))
    }

    /// The workbook writer's panic as this file's error. In constant-memory mode it keeps each sheet's rows in a
    /// temporary file, and panics when that file cannot be written (the temporary folder's disk is full).
    fn temp_failed<T>(&self, said: &str) -> Result<T, ReadError> {
        let temp = std::env::temp_dir();
        let reason = if said.contains("StorageFull") {
            format!("临时文件夹 {0} 所在的磁盘已满 (the disk of the temporary folder {0} is full)", temp.display())
        } else {
            format!("无法写入临时文件夹 {0} (cannot write the temporary folder {0}: {said})", temp.display())
        };
        Err(ReadError::Write { file: self.target.display().to_string(), reason })
    }

    /// Ends the table being written: a plain row after a last row of its own height, as rust_xlsxwriter's
    /// constant-memory mode writes a sheet's last row twice when it has a height, which Excel reports as a damaged
    /// file.
    fn end_table(&mut self) -> Result<(), ReadError> {
        let TableWriter { target, workbook, sheet, sheets_started, formats, .. } = self;
        let (Some(book), Some(state)) = (workbook.as_mut(), sheet.as_mut()) else { return Ok(()) };
        if !state.last_row_high {
            return Ok(());
        }
        let err = |e: rust_xlsxwriter::XlsxError| xlsx_err(target, e);
        let sheet = book.worksheet_from_index(*sheets_started - 1).map_err(err)?;
        sheet.write_blank(state.next_row, 0, &formats.foot).map_err(err)?;
        state.next_row += 1;
        state.last_row_high = false;
        Ok(())
    }

    fn start_table(&mut self, sheet_name: &str, preamble: &Preamble, columns: &[ColumnSpec]) -> Result<(), ReadError> {
        self.end_table()?;
        let target = self.target.clone();
        let err = |e: rust_xlsxwriter::XlsxError| xlsx_err(&target, e);
        if let Some(book) = self.workbook.as_mut() {
            let sheet: &mut Worksheet = book.add_worksheet_with_constant_memory().map_err(err)?;
            sheet.set_name(unique_sheet_name(sheet_name, &mut self.sheet_names)).map_err(err)?;
            let last_col = (columns.len().max(1) - 1) as u16;
            let mut row = 0u32;
            if let Some(title) = &preamble.title {
                let title = fit_line(&target, sheet, row, title);
                let title = title.as_ref();
                sheet.set_row_height(row, 28).map_err(err)?;
                if last_col > 0 {
                    sheet.merge_range(row, 0, row, last_col, title, &self.formats.title).map_err(err)?;
                } else {
                    sheet.write_string_with_format(row, 0, title, &self.formats.title).map_err(err)?;
                }
                row += 1;
            }
            for line in &preamble.lines {
                // More labels than columns (学校名称、保险年度、填报时间 over the summary's two): each label on a row of
                // its own across the table, as labels folded into one narrow cell were cut off in print.
                let parts: Vec<&[String]> =
                    if line.len() > columns.len().max(1) { line.chunks(1).collect() } else { vec![line] };
                for part in parts {
                    spread_line(&target, sheet, row, columns.len(), part, &Format::new()).map_err(err)?;
                    row += 1;
                }
            }
            for (i, c) in columns.iter().enumerate() {
                sheet.set_column_width(i as u16, c.width).map_err(err)?;
                if is_id_column(&c.title) {
                    sheet.set_column_format(i as u16, &self.formats.id_column).map_err(err)?;
                }
                sheet.write_string_with_format(row, i as u16, &c.title, &self.formats.header).map_err(err)?;
            }
            sheet.set_freeze_panes(row + 1, 0).map_err(err)?;
            let landscape = needs_landscape(columns.iter().map(|c| c.width));
            print_setup(sheet, landscape, Some((0, row)), last_col).map_err(err)?;
            self.sheet = Some(SheetState::new(columns, row + 1));
        } else if let Some(w) = self.csv.as_mut() {
            let e = |e: csv::Error| csv_err(&target, e);
            if self.sheets_started > 0 {
                // A blank line between two tables. The csv writer writes even a record of no fields as `""`, so
                // the line goes to the file itself, once the writer's buffers are flushed.
                w.flush().map_err(|err| io_err(&target, err))?;
                let mut file: &std::fs::File = w.get_ref().get_ref();
                file.write_all(b"\n").map_err(|err| io_err(&target, err))?;
            }
            if let Some(title) = &preamble.title {
                w.write_record([title]).map_err(e)?;
            }
            for line in &preamble.lines {
                w.write_record(line.iter().map(|c| neutralise_formula(c).into_owned())).map_err(e)?;
            }
            w.write_record(columns.iter().map(|c| c.title.as_str())).map_err(e)?;
            self.sheet = Some(SheetState::new(columns, 0));
        }
        self.sheets_started += 1;
        Ok(())
    }

    pub fn row(&mut self, cells: &[Out]) -> Result<(), ReadError> {
        guarded(|| self.write_row(cells)).unwrap_or_else(|said| self.temp_failed(&said))
    }

    fn write_row(&mut self, cells: &[Out]) -> Result<(), ReadError> {
        let TableWriter { target, workbook, csv, sheet, sheets_started, formats, .. } = self;
        let state = sheet.as_mut().ok_or_else(|| write_err(target, "no table started"))?;
        debug_assert!(cells.len() <= state.columns);
        if let Some(book) = workbook.as_mut() {
            let sheet = book.worksheet_from_index(*sheets_started - 1).map_err(|e| xlsx_err(target, e))?;
            let row = state.next_row;
            let height = state.height(cells);
            if let Some(height) = height {
                sheet.set_row_height(row, height).map_err(|e| xlsx_err(target, e))?;
            }
            state.last_row_high = height.is_some();
            // Short rows are ruled to the table's width, so a printed row has every line.
            let blanks = (cells.len()..state.columns).map(|_| &Out::Empty);
            for (i, cell) in cells.iter().chain(blanks).enumerate() {
                let col = i as u16;
                match cell {
                    Out::Text(_) | Out::Str(_) => {
                        // A text cell is text: a formula the drive keeps behind an apostrophe goes in without it.
                        let (text, cut) = fit_cell(xlsx_text(cell.text().unwrap_or_default()));
                        if let Some(chars) = cut {
                            let pupil = state.name_column.and_then(|at| cells.get(at)?.text()).unwrap_or_default();
                            note_cut(CutCell {
                                file: target.clone(),
                                sheet: sheet.name(),
                                row: row + 1,
                                column: state.titles.get(i).cloned().unwrap_or_default(),
                                pupil: fit_cell(pupil).0.chars().take(50).collect(),
                                chars,
                            });
                        }
                        let wraps = state.wrapped.get(i).is_some_and(Option::is_some);
                        sheet.write_string_with_format(
                            row,
                            col,
                            text,
                            if wraps { &formats.wrapped } else { &formats.text },
                        )
                    }
                    Out::Number(n) => sheet.write_number_with_format(row, col, *n, &formats.number),
                    Out::Date(d) => match excel_date(*d) {
                        Some(date) => sheet.write_date_with_format(row, col, date, &formats.date),
                        None => {
                            sheet.write_string_with_format(row, col, d.format("%Y-%m-%d").to_string(), &formats.text)
                        }
                    },
                    Out::Permille(p) => {
                        sheet.write_number_with_format(row, col, f64::from(*p) / 1000.0, &formats.percent)
                    }
                    Out::Empty => sheet.write_blank(row, col, &formats.blank),
                }
                .map_err(|e| xlsx_err(target, e))?;
            }
            state.next_row += 1;
        } else if let Some(w) = csv.as_mut() {
            for cell in cells {
                match cell {
                    Out::Number(n) => w.write_field(n.to_string()),
                    Out::Date(d) => w.write_field(d.format("%Y-%m-%d").to_string()),
                    Out::Permille(p) => w.write_field(crate::domain::coverage::percent(*p)),
                    // Every text cell of a CSV may be opened in a spreadsheet: none may start a formula.
                    other => w.write_field(neutralise_formula(other.text().unwrap_or("")).as_bytes()),
                }
                .map_err(|e| csv_err(target, e))?;
            }
            w.write_record(None::<&[u8]>).map_err(|e| csv_err(target, e))?;
        }
        Ok(())
    }

    /// Makes the current table's rows this tall (points), for a column people write in. XLSX only.
    pub fn row_height(&mut self, points: f64) {
        if let Some(state) = self.sheet.as_mut() {
            state.row_height = Some(points);
        }
    }

    /// Lines below the table for the people who sign it (班主任签字、日期; 单位（盖章）、经办人、日期), each line's
    /// cells spread over the table's width with room to write. XLSX only: a CSV is for machines.
    pub fn sign_lines(&mut self, lines: &[Vec<String>]) -> Result<(), ReadError> {
        guarded(|| self.write_sign_lines(lines)).unwrap_or_else(|said| self.temp_failed(&said))
    }

    fn write_sign_lines(&mut self, lines: &[Vec<String>]) -> Result<(), ReadError> {
        let TableWriter { target, workbook, sheet, sheets_started, formats, .. } = self;
        let (Some(book), Some(state)) = (workbook.as_mut(), sheet.as_mut()) else { return Ok(()) };
        let err = |e: rust_xlsxwriter::XlsxError| xlsx_err(target, e);
        let sheet = book.worksheet_from_index(*sheets_started - 1).map_err(err)?;
        // A blank row between the table and the lines.
        let mut row = state.next_row + 1;
        for line in lines {
            // Before the row's cells: in constant-memory mode a row's height set after them is written twice.
            sheet.set_row_height(row, 30).map_err(err)?;
            spread_line(target, sheet, row, state.columns, line, &formats.foot).map_err(err)?;
            row += 1;
        }
        // A plain row last: rust_xlsxwriter's constant-memory mode writes a sheet's last row twice when it has a
        // height of its own, which Excel reports as a damaged file.
        sheet.write_blank(row, 0, &formats.foot).map_err(err)?;
        state.next_row = row + 1;
        state.last_row_high = false;
        Ok(())
    }

    /// A worksheet to lay out by hand (a form that is not a table, such as a payment slip), in the same workbook
    /// and written the same way. XLSX only.
    pub fn free_sheet(&mut self, name: &str) -> Result<&mut Worksheet, ReadError> {
        let target = self.target.clone();
        let err = |e: rust_xlsxwriter::XlsxError| xlsx_err(&target, e);
        self.end_table()?;
        let book = self.workbook.as_mut().ok_or_else(|| write_err(&target, "只能写入 XLSX (XLSX only)"))?;
        self.sheet = None;
        self.sheets_started += 1;
        let sheet = book.add_worksheet_with_constant_memory().map_err(err)?;
        sheet.set_name(unique_sheet_name(name, &mut self.sheet_names)).map_err(err)?;
        Ok(sheet)
    }

    /// Writes the file in place; until this returns, the target is untouched.
    pub fn finish(self) -> Result<PathBuf, ReadError> {
        self.finish_unplaced()?.place()
    }

    /// Writes the file whole under its hidden name, to be given its real name by [`place_all`] with the other
    /// files of the same form: a form of several files is placed only once every file is written.
    pub fn finish_unplaced(mut self) -> Result<Unplaced, ReadError> {
        guarded(|| self.end_table()).unwrap_or_else(|said| self.temp_failed(&said))?;
        let target = self.target.clone();
        let temp = self.temp.clone().ok_or_else(|| write_err(&target, "no temporary file"))?;
        if let Some(mut book) = self.workbook.take() {
            let file = self.temp_file.take().ok_or_else(|| write_err(&target, "no temporary file"))?;
            let out = guarded(|| save_workbook(&mut book, std::io::BufWriter::new(file), &target))
                .unwrap_or_else(|said| self.temp_failed(&said))?;
            // On disk before the rename, as the CSV is: a power cut after it must not leave an empty form
            // under the real name.
            let file = out.into_inner().map_err(|e| io_err(&target, e.into_error()))?;
            file.sync_all().map_err(|e| io_err(&target, e))?;
        }
        if let Some(w) = self.csv.take() {
            let mut inner = w.into_inner().map_err(|e| io_err(&target, e.into_error()))?;
            inner.flush().map_err(|e| io_err(&target, e))?;
            inner.get_ref().sync_all().map_err(|e| io_err(&target, e))?;
        }
        // The hidden file is the `Unplaced`'s now: it removes it if it is never placed.
        self.temp = None;
        Ok(Unplaced { temp: Some(temp), target })
    }

    pub fn format(&self) -> FileFormat {
        self.format
    }
}

/// A file written whole under its hidden name, not yet given its real name; removed if dropped unplaced.
pub struct Unplaced {
    temp: Option<PathBuf>,
    target: PathBuf,
}

/// The earlier files the exports of this process replaced, each with the hidden copy kept of it, while a
/// [`ReplacedFiles`] is held (`None` otherwise: nothing is kept).
static REPLACED: std::sync::Mutex<Option<Vec<(PathBuf, PathBuf)>>> = std::sync::Mutex::new(None);

/// While held, a file an export puts in place of an earlier one of its name keeps that earlier file aside, under
/// a hidden name beside it (a hard link, else a copy): an export of whole ID numbers that then cannot be recorded
/// (a full disk) hands nothing out, and puts the earlier files back rather than lose them. Dropped, it puts the
/// earlier files back; [`ReplacedFiles::settled`] lets the new ones stand and removes the copies.
pub struct ReplacedFiles(());

impl ReplacedFiles {
    pub fn keep() -> ReplacedFiles {
        *REPLACED.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Vec::new());
        ReplacedFiles(())
    }

    /// The export went out as written: the earlier files' copies are removed.
    pub fn settled(self) {
        let kept = REPLACED.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take().unwrap_or_default();
        for (_, copy) in kept {
            private_file::remove_if_plain_file(&copy);
        }
    }

    /// Keeps the file at `target`, about to be replaced, aside while a [`ReplacedFiles`] is held; nothing when
    /// none is, or no file is there.
    fn keep_earlier(target: &Path) -> Result<(), ReadError> {
        let mut kept = REPLACED.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(kept) = kept.as_mut() else { return Ok(()) };
        if !std::fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_file()) {
            return Ok(());
        }
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let copy = target.with_file_name(format!(".{name}.{}-{}-kept{PART}", std::process::id(), kept.len()));
        private_file::remove_if_plain_file(&copy);
        if std::fs::hard_link(target, &copy).is_err() {
            // A disk without hard links (a FAT stick): a copy, owner-only as the export is.
            std::fs::copy(target, &copy).map_err(|e| io_err(target, e))?;
            private_file::restrict(&copy);
        }
        kept.push((target.to_owned(), copy));
        Ok(())
    }
}

impl Drop for ReplacedFiles {
    fn drop(&mut self) {
        let kept = REPLACED.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take().unwrap_or_default();
        // The last replaced first: a file replaced twice gets back the one that was there before either.
        for (target, copy) in kept.into_iter().rev() {
            let _ = std::fs::rename(&copy, &target);
        }
    }
}

/// Whether an export may put its file in place of an earlier export of canbao's that is another form, or the same
/// form of another school (`export --force`). Off, such a file is refused ([`check_same_form`]); a re-export of
/// the same form of the same school replaces its earlier file either way.
static REPLACE_OTHER_FORMS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Lets this process's exports replace an earlier export of another form or school (`export --force`).
pub fn replace_other_forms(yes: bool) {
    REPLACE_OTHER_FORMS.store(yes, std::sync::atomic::Ordering::Relaxed);
}

/// The file at `target` is about to be replaced by `written`: allowed when nothing is there, or it is the same
/// form of the same school (a re-export), or `--force` said so; an earlier export of another form or another
/// school (last year's file name reused, a class teacher's sheet saved under the summary's name) is refused,
/// naming both. A file canbao did not write never comes this far (`check_target` refused it).
pub fn check_same_form(target: &Path, written: &Path) -> Result<(), ReadError> {
    if REPLACE_OTHER_FORMS.load(std::sync::atomic::Ordering::Relaxed)
        || !std::fs::symlink_metadata(target).is_ok_and(|m| m.is_file() && m.len() > 0)
    {
        return Ok(());
    }
    let (theirs, ours) = (super::ownership::form_signature(target), super::ownership::form_signature(written));
    if let (Some(a), Some(b)) = (&theirs, &ours)
        && same_form(a, b)
    {
        return Ok(());
    }
    Err(ReadError::OtherForm {
        file: target.display().to_string(),
        theirs: theirs.unwrap_or_else(|| "无法读出它是哪份表格 (not readable as a form)".to_owned()),
        ours: ours.unwrap_or_default(),
    })
}

/// Whether two form signatures (`ownership::form_signature`) are one form of one school: a re-export.
fn same_form(a: &str, b: &str) -> bool {
    // The title alone where one of them names no school: an export re-saved in Excel or WPS may lose its label row.
    let title = |s: &str| s.split('，').next().unwrap_or_default().to_owned();
    a == b || (title(a) == title(b) && (!a.contains("学校名称：") || !b.contains("学校名称：")))
}

/// An earlier export of canbao's at `target` that is another form, or the same form of another school, than the
/// form of signature `ours` about to replace it (what [`check_same_form`] refuses without `--force`): the form and
/// school it is (`ownership::form_named`), for the screen's question before replacing it. `None` when nothing is
/// there, it is a re-export of the same form, or it cannot be read as a form.
pub fn other_form_there(target: &Path, ours: &str) -> Option<(String, Option<String>)> {
    if !std::fs::symlink_metadata(target).is_ok_and(|m| m.is_file() && m.len() > 0) {
        return None;
    }
    let theirs = super::ownership::form_signature(target)?;
    (!same_form(&theirs, ours)).then(|| super::ownership::form_named(&theirs))
}

impl Unplaced {
    /// Gives the file its real name.
    pub fn place(mut self) -> Result<PathBuf, ReadError> {
        let temp = self.temp.take().ok_or_else(|| write_err(&self.target, "no temporary file"))?;
        if let Err(e) = check_same_form(&self.target, &temp) {
            private_file::remove_if_plain_file(&temp);
            return Err(e);
        }
        if let Err(e) = ReplacedFiles::keep_earlier(&self.target) {
            private_file::remove_if_plain_file(&temp);
            return Err(e);
        }
        if let Err(e) = std::fs::rename(&temp, &self.target) {
            private_file::remove_if_plain_file(&temp);
            return Err(io_err(&self.target, e));
        }
        private_file::restrict(&self.target);
        Ok(self.target.clone())
    }
}

impl Drop for Unplaced {
    fn drop(&mut self) {
        if let Some(temp) = &self.temp {
            private_file::remove_if_plain_file(temp);
        }
    }
}

/// Gives each file of a form its real name, once all are written: a form that fails half-way leaves none of
/// its files (the agency would take the half it got for the whole).
pub fn place_all(files: Vec<Unplaced>) -> Result<Vec<PathBuf>, ReadError> {
    // Every earlier file is looked at before any is replaced: a form refused half-way leaves none of its files.
    for file in &files {
        if let Some(temp) = &file.temp {
            check_same_form(&file.target, temp)?;
        }
    }
    let mut placed = Vec::with_capacity(files.len());
    // Past a failed rename, the files left are dropped, and so removed.
    for file in files {
        placed.push(file.place()?);
    }
    Ok(placed)
}

impl Drop for TableWriter {
    fn drop(&mut self) {
        // An abandoned export leaves no partial file behind (its own: made new by this writer).
        self.temp_file = None;
        if let Some(temp) = &self.temp {
            private_file::remove_if_plain_file(temp);
        }
    }
}

/// What an export's file is called while it is written: `.{name}.part`, beside the target.
const PART: &str = ".part";

/// A `.part` file left this long ago belongs to no export still running: an export writes its file in
/// seconds (a minute at county scale).
const ABANDONED_AFTER: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// A hidden owner-only folder inside `folder` (created if missing) for an export's files to be written into
/// before they are moved in with a rename, on the same disk: a form of several files is placed only once it is
/// whole, and not at all when the operator keeps the files already there or stops the export.
pub fn new_stage(folder: &Path) -> Result<PathBuf, ReadError> {
    new_stage_sweeping(folder).map(|(stage, _)| stage)
}

/// [`new_stage`], with how many stage folders and `.part` files of killed exports it removed from `folder` first
/// (to be said: they held pupils' data, hidden).
pub fn new_stage_sweeping(folder: &Path) -> Result<(PathBuf, usize), ReadError> {
    check_folder(folder)?;
    private_file::create_dir_all(folder).map_err(|e| io_err(folder, e))?;
    let swept = remove_abandoned_parts(folder);
    // Made new, owner-only (never a folder or a link to one that someone put at the name); a taken name is
    // stepped around.
    for _ in 0..20 {
        let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        let stage = folder.join(format!(".canbao-{}-{}{PART}", std::process::id(), stamp.as_nanos()));
        match private_file::create_dir_new(&stage) {
            Ok(()) => {
                made_here(&stage);
                return Ok((stage, swept));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_err(folder, e)),
        }
    }
    Err(io_err(folder, private_file::temp_name_taken()))
}

/// The names of the `.part` files and stage folders this process made: its own, never another export's
/// abandoned ones, whatever the clocks say. Judged by age alone, a form of several files on a shared folder whose
/// file times ran 15 minutes behind the laptop's clock had its first file taken as abandoned by its second, and
/// the export failed (「文件夹不存在」).
static MADE_HERE: std::sync::Mutex<Vec<std::ffi::OsString>> = std::sync::Mutex::new(Vec::new());

fn made_here(part: &Path) {
    if let (Some(name), Ok(mut made)) = (part.file_name(), MADE_HERE.lock()) {
        made.push(name.to_owned());
    }
}

fn is_made_here(name: &std::ffi::OsStr) -> bool {
    MADE_HERE.lock().is_ok_and(|made| made.iter().any(|n| n == name))
}

/// Removes the `.part` files and stage folders of exports that were killed mid-way (a power cut, a kill -9, a
/// quit at the question to replace files): they hold minors' data under a name nobody looks at. Only
/// canbao's own pattern, and only what no export could still be writing: left long ago, or a stage folder whose
/// canbao (the PID in its name) is no longer running here. Said by their number.
fn remove_abandoned_parts(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let mut removed = 0;
    for entry in entries.flatten() {
        let os_name = entry.file_name();
        let name = os_name.to_string_lossy();
        if !(name.starts_with('.') && name.ends_with(PART) && name.len() > 1 + PART.len()) || is_made_here(&os_name) {
            continue;
        }
        // The entry itself, never what a link there points at.
        let Ok(meta) = std::fs::symlink_metadata(entry.path()) else { continue };
        let old = meta.modified().ok().and_then(|t| t.elapsed().ok()).is_some_and(|age| age > ABANDONED_AFTER);
        // A kill -9 a minute ago left a stage the next export found too young to remove: its canbao is gone.
        let orphan = stage_pid(&name).is_some_and(|pid| !process_alive(pid));
        let gone = if (old || orphan) && meta.is_file() {
            std::fs::remove_file(entry.path()).is_ok()
        } else if (old || orphan) && meta.is_dir() {
            std::fs::remove_dir_all(entry.path()).is_ok()
        } else {
            false
        };
        removed += usize::from(gone);
    }
    removed
}

/// The PID in a stage folder's name (`.canbao-PID-STAMP.part`, as [`new_stage`] names it).
fn stage_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(".canbao-")?.strip_suffix(PART)?;
    let (pid, stamp) = rest.split_once('-')?;
    (!stamp.is_empty() && stamp.bytes().all(|b| b.is_ascii_digit())).then_some(())?;
    pid.parse().ok().filter(|&pid| pid > 0)
}

/// Whether a process `pid` runs on this computer: `kill(pid, 0)` fails with ESRCH only when none does (EPERM is
/// another user's, running). Elsewhere no answer is had cheaply, and the stage is left to its age.
#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return true };
    // SAFETY: signal 0 sends nothing; it only asks whether the process exists.
    let sent = unsafe { libc::kill(pid, 0) };
    sent == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// A line of label cells spread over a table's width: each cell spans its share of the columns, the last one
/// the rest, so nothing is printed beyond the table.
fn spread_line(
    target: &Path,
    sheet: &mut Worksheet,
    row: u32,
    columns: usize,
    line: &[String],
    format: &Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let last_col = (columns.max(1) - 1) as u16;
    // More label cells than columns (学校名称、保险年度、填报时间 over a table of two): the last column takes the
    // rest side by side, so none is left off the sheet.
    let folded: Vec<String>;
    let line = if line.len() > columns.max(1) {
        let (each, rest) = line.split_at(columns.max(1) - 1);
        folded = each.iter().cloned().chain(std::iter::once(rest.join("　"))).collect();
        &folded[..]
    } else {
        line
    };
    let span = (columns / line.len().max(1)).max(1) as u16;
    for (i, cell) in line.iter().enumerate() {
        let cell = fit_line(target, sheet, row, cell);
        let cell = cell.as_ref();
        let first = i as u16 * span;
        if first > last_col {
            break;
        }
        let last = if i + 1 == line.len() { last_col } else { (first + span - 1).min(last_col) };
        if last > first {
            sheet.merge_range(row, first, row, last, cell, format)?;
        } else {
            sheet.write_string_with_format(row, first, cell, format)?;
        }
    }
    Ok(())
}

/// A date as Excel stores it; `None` outside Excel's years (1900–9999), where the date is written as text.
pub fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8).ok()
}

/// Excel forbids some characters and more than 31 characters in a sheet name.
/// A name Excel takes for a new sheet of the workbook: without the characters it refuses (`[]:*?/\`), not
/// starting or ending with `'`, at most 31 UTF-16 units, and not one of `used` (compared as Excel does, ignoring
/// case) nor the reserved `History`: a name met again gets 「(2)」, 「(3)」 … (two classes whose names differ only in
/// a refused character, or past the 31st). `used` gets the name.
fn unique_sheet_name(name: &str, used: &mut Vec<String>) -> String {
    let cleaned: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).collect();
    let cleaned = cleaned.trim_matches('\'');
    let base = if cleaned.trim().is_empty() { "Sheet1" } else { cleaned };
    let taken = |candidate: &str, used: &[String]| {
        let lower = candidate.to_lowercase();
        lower == "history" || used.contains(&lower)
    };
    let mut n = 1;
    let name = loop {
        let suffix = if n == 1 { String::new() } else { format!("({n})") };
        let room = 31 - suffix.encode_utf16().count();
        let mut fitted = String::new();
        for c in base.chars() {
            if fitted.encode_utf16().count() + c.len_utf16() > room {
                break;
            }
            fitted.push(c);
        }
        let candidate = format!("{}{suffix}", fitted.trim_end_matches('\''));
        if !taken(&candidate, used) {
            break candidate;
        }
        n += 1;
    };
    used.push(name.to_lowercase());
    name
}

/// Characters a file name cannot hold on Windows are replaced, so a class called 1/2班 still gets a file.
/// Whether a column holds ID numbers (身份证号码, 证件号码 and the like), by its title.
fn is_id_column(title: &str) -> bool {
    title.contains("身份证") || title.contains("证件号")
}

pub fn safe_file_part(text: &str) -> String {
    text.chars().map(|c| if "\\/:*?\"<>|".contains(c) || c.is_control() { '_' } else { c }).collect()
}

/// A written file's path as the drive's record of an export keeps it: whole (a name typed relative to the folder
/// canbao ran in says nothing once that is forgotten), not resolved through links, but with a `..` resolved
/// (`data/../out`), where the record of where whole ID numbers went would otherwise name a folder they are not
/// in. Only the folder's real path says where `..` leads (through a link it is not the folder the name shows).
pub fn shown_in_full(path: &Path) -> String {
    let whole = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    let climbs = whole.components().any(|c| c == std::path::Component::ParentDir);
    let resolved =
        climbs.then(|| Some(std::fs::canonicalize(whole.parent()?).ok()?.join(whole.file_name()?))).flatten();
    resolved.unwrap_or(whole).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An export's file named through `..` is recorded where it went, where the record kept `data/../out`.
    #[test]
    fn an_exports_path_through_dot_dot_is_recorded_resolved() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("data")).unwrap();
        std::fs::create_dir(dir.path().join("out")).unwrap();
        let recorded = shown_in_full(&dir.path().join("data").join("..").join("out").join("ledgers.xlsx"));
        let expected = std::fs::canonicalize(dir.path().join("out")).unwrap().join("ledgers.xlsx");
        assert_eq!(recorded, expected.display().to_string());
        let plain = dir.path().join("out").join("ledgers.xlsx");
        assert_eq!(shown_in_full(&plain), plain.display().to_string(), "kept as named");
    }

    #[cfg(unix)]
    #[test]
    fn an_export_into_a_link_to_a_missing_folder_says_the_folder_is_missing_not_that_it_is_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("usb");
        std::os::unix::fs::symlink(dir.path().join("unplugged"), &link).unwrap();
        let said = new_stage(&link).unwrap_err().to_string();
        assert!(said.contains("所指的文件夹不存在"), "{said}");
        assert!(!said.contains("是文件"), "{said}");
        let said = TableWriter::create(&link.join("名单.xlsx"), FileFormat::Xlsx, None).err().unwrap().to_string();
        assert!(said.contains("usb 是链接，所指的文件夹不存在"), "{said}");
    }

    /// A stage a kill -9 left a minute ago is removed by the next export, as its canbao is gone, where it stayed
    /// for 15 minutes (and in a folder that went onto a USB stick, for good). A young one of a canbao still
    /// running stays.
    #[cfg(unix)]
    #[test]
    fn a_young_stage_of_a_canbao_no_longer_running_is_removed_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let killed = dir.path().join(format!(".canbao-{dead}-1796572054816859816.part"));
        std::fs::create_dir(&killed).unwrap();
        std::fs::write(killed.join(".名单.xlsx.part"), b"4502").unwrap();
        let running = dir.path().join(format!(".canbao-{}-1.part", std::process::id()));
        std::fs::create_dir(&running).unwrap();
        let (stage, swept) = new_stage_sweeping(dir.path()).unwrap();
        assert!(!killed.exists(), "the killed export's stage is removed");
        assert!(running.is_dir() && stage.is_dir(), "a running canbao's stage stays");
        assert_eq!(swept, 1);
        assert_eq!(stage_pid(".canbao-12-34.part"), Some(12));
        assert_eq!(stage_pid(".名单.xlsx.part"), None);
    }

    #[test]
    fn an_exports_own_stage_is_never_taken_as_abandoned_whatever_its_file_time() {
        let dir = tempfile::tempdir().unwrap();
        let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let age = |p: &Path| std::fs::File::open(p).unwrap().set_modified(hour_ago).unwrap();
        // Another export's, killed an hour ago; and this export's first, its time an hour behind (a shared folder
        // whose clock is behind the laptop's).
        let abandoned = dir.path().join(".canbao-1-1.part");
        std::fs::create_dir(&abandoned).unwrap();
        age(&abandoned);
        let first = new_stage(dir.path()).unwrap();
        age(&first);
        let second = new_stage(dir.path()).unwrap();
        assert!(first.is_dir() && second.is_dir(), "this export's stages stay");
        assert!(!abandoned.exists(), "an abandoned one is removed");
    }

    #[test]
    fn a_form_of_several_files_is_placed_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.xlsx"), dir.path().join("b.xlsx"));
        let columns = [ColumnSpec::new("姓名", 10.0), ColumnSpec::new("联系电话", 10.0)];
        let written = |path: &Path| {
            let mut writer = TableWriter::create(path, FileFormat::Xlsx, None).unwrap();
            writer.begin_table("Sheet1", &Preamble::default(), &columns).unwrap();
            writer
        };
        // The second file fails (here: is abandoned) after the first was written: neither is there.
        let first = written(&a).finish_unplaced().unwrap();
        drop(written(&b));
        drop(first);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
        // Both written: both placed.
        let both = vec![written(&a).finish_unplaced().unwrap(), written(&b).finish_unplaced().unwrap()];
        assert!(!a.exists() && !b.exists());
        assert_eq!(place_all(both).unwrap(), [a.clone(), b.clone()]);
        assert!(a.exists() && b.exists());
    }

    /// A number a teacher types under the table, in the ID column, stays text: the column's own format is `@`.
    #[test]
    fn an_id_columns_own_format_is_text_for_the_rows_under_the_table() {
        use std::io::Read;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("classes.xlsx");
        let columns = [ColumnSpec::new("姓名", 10.0), ColumnSpec::new("身份证号码", 22.0)];
        let mut writer = TableWriter::create(&path, FileFormat::Xlsx, None).unwrap();
        writer.begin_table("一班", &Preamble::default(), &columns).unwrap();
        writer.finish().unwrap();
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        let mut part = |name: &str| {
            let mut text = String::new();
            zip.by_name(name).unwrap().read_to_string(&mut text).unwrap();
            text
        };
        let (sheet, styles) = (part("xl/worksheets/sheet1.xml"), part("xl/styles.xml"));
        // Column B (2) carries a style; that style's number format is text, `@` (Excel's own 49, or one the
        // workbook defines as `@`).
        let col = sheet.split("<col ").find(|c| c.contains("min=\"2\"")).expect("column B");
        let style: usize = col.split("style=\"").nth(1).expect("a style").split('"').next().unwrap().parse().unwrap();
        let xfs = styles.split("<cellXfs").nth(1).unwrap();
        let xf = xfs.split("<xf ").nth(style + 1).expect("the style");
        let id: String = xf.split("numFmtId=\"").nth(1).unwrap().chars().take_while(char::is_ascii_digit).collect();
        let text = id == "49" || styles.contains(&format!("numFmtId=\"{id}\" formatCode=\"@\""));
        assert!(text, "{xf}");
        let name_col = sheet.split("<col ").find(|c| c.contains("min=\"1\"")).expect("column A");
        assert!(!name_col.contains("style="), "{name_col}");
    }

    #[test]
    fn every_label_of_a_line_above_a_narrow_table_is_on_the_sheet() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.xlsx");
        let columns = [ColumnSpec::new("项目", 18.0), ColumnSpec::new("人数", 10.0)];
        let labels =
            vec!["汇总范围：全县".to_owned(), "保险年度：2027年度".to_owned(), "填报时间：2026-12-03".to_owned()];
        let preamble = Preamble { title: Some("参保进度汇总".into()), lines: vec![labels] };
        let mut writer = TableWriter::create(&path, FileFormat::Xlsx, None).unwrap();
        writer.begin_table("汇总", &preamble, &columns).unwrap();
        writer.row(&[Out::Str("学生总数"), Out::Number(3.0)]).unwrap();
        writer.finish().unwrap();
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
        let range = book.worksheet_range("汇总").unwrap();
        let text: Vec<String> = range.rows().flatten().map(|c| c.to_string()).collect();
        for label in ["汇总范围：全县", "保险年度：2027年度", "填报时间：2026-12-03"] {
            assert!(text.iter().any(|t| t.contains(label)), "{label} missing: {text:?}");
        }
    }

    #[test]
    fn a_text_longer_than_a_cell_is_cut_marked_and_noted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cut.xlsx");
        let columns = [ColumnSpec::new("姓名", 10.0), ColumnSpec::new("联系电话", 10.0)];
        let mut writer = TableWriter::create(&path, FileFormat::Xlsx, None).unwrap();
        writer.begin_table("名单", &Preamble::default(), &columns).unwrap();
        let long = "\u{20000}".repeat(20_000);
        writer.row(&[Out::Str("王五"), Out::Text(long.clone())]).unwrap();
        writer.row(&[Out::Str("张三"), Out::Str("13800138000")]).unwrap();
        writer.finish().unwrap();
        let cuts = take_cut_cells(dir.path());
        assert_eq!(cuts.len(), 1, "{cuts:?}");
        let cut = &cuts[0];
        assert_eq!(
            (cut.sheet.as_str(), cut.row, cut.column.as_str(), cut.pupil.as_str()),
            ("名单", 2, "联系电话", "王五")
        );
        assert_eq!(cut.chars, 20_000);
        assert!(
            cut.message().contains("王五「联系电话」")
                && cut.message().contains("cut.xlsx [名单] row 2 王五 \"联系电话\": 20000 characters"),
            "{}",
            cut.message()
        );
        assert!(take_cut_cells(dir.path()).is_empty(), "taken once");
        // Cut on a character's edge, within the limit in UTF-16 units (two for each of these characters).
        let (fit, cut) = fit_cell(&long);
        assert_eq!(cut, Some(20_000));
        assert!(fit.ends_with(CUT_MARK) && fit.encode_utf16().count() <= EXCEL_CELL_UNITS, "{}", fit.len());
        assert_eq!(fit_cell("13800138000"), (std::borrow::Cow::Borrowed("13800138000"), None));
    }

    #[test]
    fn sheet_names_are_unique_and_as_excel_takes_them() {
        let mut used = Vec::new();
        let mut name = |n: &str| unique_sheet_name(n, &mut used);
        assert_eq!(name("三年级2班"), "三年级2班");
        assert_eq!(name("三年级2班"), "三年级2班(2)");
        assert_eq!(name("三年级2班"), "三年级2班(3)");
        assert_eq!(name("A班"), "A班");
        assert_eq!(name("a班"), "a班(2)", "Excel compares names without case");
        assert_eq!(name("三年级[2]班"), "三年级2班(4)");
        assert_eq!(name("'实验班'"), "实验班");
        assert_eq!(name("history"), "history(2)", "History is Excel's own");
        assert_eq!(name(":*?"), "Sheet1");
        let long = "柳州市城中区实验小学附属幼儿园大班国际理解教育与科学素养实验班一班";
        let first = name(long);
        let second = name(long);
        assert_eq!(first.encode_utf16().count(), 31);
        assert!(second.ends_with("(2)") && second.encode_utf16().count() <= 31, "{second}");
        // Characters outside the BMP count twice towards the 31.
        let wide = name(&"𠮷".repeat(20));
        assert_eq!(wide.encode_utf16().count(), 30);
        for n in [first, second, wide] {
            let mut book = Workbook::new();
            assert!(book.add_worksheet().set_name(&n).is_ok(), "{n}");
        }
    }

    /// A file on a disk that fills up after `room` bytes.
    struct FillsUp {
        room: usize,
    }

    impl Write for FillsUp {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::Error::from_raw_os_error(28));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Set in the child process of the test below, which saves the workbook.
    const CHILD: &str = "CANBAO_TEST_SAVE_ON_A_FULL_DISK";

    /// A workbook on a disk that fills mid-save: the full disk is said in words naming the file asked for,
    /// and nothing else reaches stderr (the zip writer inside, dropped unfinished, would print its own debug
    /// line). Saved in a child process, whose stderr is the test's to read.
    #[test]
    fn a_workbook_on_a_full_disk_says_so_naming_the_file_and_prints_nothing_else() {
        if std::env::var_os(CHILD).is_some() {
            let mut book = Workbook::new();
            let sheet = book.add_worksheet();
            for row in 0..2_000u32 {
                let text = format!("{row:>8} 第{row}行 {}", row.wrapping_mul(2_654_435_761));
                sheet.write_string(row, 0, text).expect("cell");
            }
            // Full at different points of the archive: inside a part, between two, in its directory.
            for room in [300, 1_000, 1_500, 2_500, 4_000, 6_000, 10_000, 20_000, 30_000] {
                let err = save_workbook(&mut book, FillsUp { room }, Path::new("表格/四本台账.xlsx"))
                    .err()
                    .expect("the disk fills");
                assert!(matches!(&err, ReadError::DiskFull { file } if file == "表格/四本台账.xlsx"), "{err}");
                assert!(err.to_string().starts_with("磁盘已满") && !err.to_string().contains("os error"), "{err}");
            }
            return;
        }
        let me = std::env::current_exe().expect("test binary");
        let name = "io::export::tests::a_workbook_on_a_full_disk_says_so_naming_the_file_and_prints_nothing_else";
        let out = std::process::Command::new(me)
            .args([name, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .output()
            .expect("runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success() && stdout.contains("1 passed"), "{stdout}\n{stderr}");
        assert!(!stderr.contains("ZipWriter") && !stderr.contains("finalize"), "{stderr}");
    }
}
