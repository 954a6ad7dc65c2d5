//! Reading any class-list file into rows of cells: CSV in whatever encoding Excel/WPS saved it, XLSX and XLS.
//! The file's type is told from its first bytes, not its name, because renamed files are common.

use std::io::Cursor;
use std::path::Path;

use calamine::{Reader, Sheets};

use super::ReadError;
use super::workbook::{MAX_CELLS, SharedBytes, contained, convert, damaged, workbook_error};

pub use super::cell::{Cell, clean_text, formula_without_result, invisible, neutralise_formula, printable, xlsx_text};
pub use super::workbook::containing_panic;

#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The worksheet's name; empty for a CSV.
    pub name: String,
    /// Row `i` is the file's row `i + 1`, as Excel numbers them, so reports point at the row a person sees.
    pub rows: Vec<Vec<Cell>>,
}

/// The longest cell read: no class list holds a note of more than a few lines, and a row with a longer cell is
/// reported and left out rather than stored (its search key, its pinyin, every screen would carry it).
pub const MAX_CELL_BYTES: usize = 64 * 1024;
/// The longest name: a name of four thousand bytes is not a pupil's.
pub const MAX_NAME_BYTES: usize = 4 * 1024;

/// The flag a stop raises (Ctrl-C or SIGTERM on the command line, the screen's stop), looked at as a file is read:
/// between the chunks of its bytes, the parts of a workbook inflated, and its rows, so a list of a million rows
/// stops at once where it used to be read to its end first. Reading comes before anything is kept: a stopped
/// read is `ReadError::Stopped`, and the import's transaction is rolled back unwritten.
#[derive(Debug, Clone, Default)]
pub struct Stop(Option<std::sync::Arc<std::sync::atomic::AtomicBool>>);

impl Stop {
    /// Reading stops once `flag` is raised; `None`: never.
    pub fn when(flag: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>) -> Self {
        Stop(flag)
    }

    pub fn asked(&self) -> bool {
        self.0.as_ref().is_some_and(|flag| flag.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// `Err(Stopped)` naming `file` once a stop was asked.
    fn check(&self, file: &str) -> Result<(), ReadError> {
        match self.asked() {
            true => Err(ReadError::Stopped { file: file.to_owned() }),
            false => Ok(()),
        }
    }
}

pub fn read_file(path: &Path) -> Result<Vec<Sheet>, ReadError> {
    open_file(path)?.into_iter().map(SheetRows::collect_sheet).collect()
}

/// A path as reports name it. A folder or file name that is not UTF-8 is most often GBK: a Windows zip tool writes
/// its entries' names so, without the flag that says UTF-8, and an archive unpacked elsewhere keeps those bytes
/// as the names of its folders and class lists. Such a name is read as GB18030 (GBK's superset) where it reads
/// cleanly, so 「一年级1班.csv 第 3 行」 is said, not 「һ�꼶1��.csv」; the other names of the path stay as they are.
pub fn shown_path(path: &Path) -> String {
    #[cfg(unix)]
    if path.to_str().is_none() {
        use std::os::unix::ffi::OsStrExt;
        let parts: Vec<String> = path
            .as_os_str()
            .as_bytes()
            .split(|&b| b == b'/')
            .map(|part| match std::str::from_utf8(part) {
                Ok(text) => text.to_owned(),
                Err(_) => encoding_rs::GB18030
                    .decode_without_bom_handling_and_without_replacement(part)
                    .map_or_else(|| String::from_utf8_lossy(part).into_owned(), |text| text.into_owned()),
            })
            .collect();
        return parts.join("/");
    }
    path.display().to_string()
}

/// A file's worksheets, each handing out its rows one at a time: a CSV is parsed as its rows are taken and a
/// workbook's rows are freed as they go, so an import of half a million pupils never holds them all as cells.
pub fn open_file(path: &Path) -> Result<Vec<SheetRows>, ReadError> {
    open_bytes(file_bytes(path)?, &shown_path(path))
}

/// The largest file read as a list. A county's whole roster of half a million pupils is some 40 MB as CSV and
/// less as XLSX; the whole file is held while it is read, so this bounds an import's memory.
pub const MAX_FILE_BYTES: u64 = 96 * 1024 * 1024;

/// A file's bytes, or the error naming it that every reader gives. Only a regular file is read: a FIFO would
/// block for ever and `/dev/zero` never ends, so both are refused before they are opened. A file that changes
/// while it is read (a list still being copied onto the laptop) is refused, not read as the part that was there.
pub fn file_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    file_bytes_then(path, &Stop::default(), || ())
}

/// [`file_bytes`], stopping between chunks once `stop` is asked: a large list on a slow USB stick takes seconds.
pub fn file_bytes_watching(path: &Path, stop: &Stop) -> Result<Vec<u8>, ReadError> {
    file_bytes_then(path, stop, || ())
}

/// [`file_bytes`], with `meanwhile` run once the bytes are read and before the file is looked at again: where a
/// copy still going on would write to it, and where a test does.
fn file_bytes_then(path: &Path, stop: &Stop, meanwhile: impl FnOnce()) -> Result<Vec<u8>, ReadError> {
    #[cfg(test)]
    read_count::counted(path);
    let file = shown_path(path);
    let unreadable = |e: std::io::Error| ReadError::unreadable(&e, path);
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    // Followed through a link, as the folder a careless pick names may be one.
    if meta.is_dir() {
        return Err(ReadError::Folder { file });
    }
    if !meta.is_file() {
        return Err(ReadError::NotAFile { file });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge { file });
    }
    let opened = std::fs::File::open(path).map_err(unreadable)?;
    let at_open = opened.metadata().map_err(unreadable)?;
    let bytes = read_whole_file(opened, at_open.len(), path, stop)?;
    meanwhile();
    // A copy writes as it goes: the file grows, or its time of writing moves, between the look before it was
    // opened and the look after it was read. Gone by then (a copy under a temporary name renamed over it) is
    // changed too.
    let after = std::fs::metadata(path).ok();
    let looks = |m: &std::fs::Metadata| (m.len(), m.modified().ok());
    if looks(&meta) != looks(&at_open) || after.is_none_or(|after| looks(&after) != looks(&at_open)) {
        return Err(ReadError::ChangedWhileRead { file });
    }
    Ok(bytes)
}

/// How many times each file was read, for tests that a file is read once: a list is taken from the operator's
/// USB stick as it was when it was read, and reading it again costs a county's import its time.
#[cfg(test)]
pub(crate) mod read_count {
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    /// Every path read, as often as it was: tests run side by side, each with files of its own.
    static READ: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

    pub(super) fn counted(path: &Path) {
        READ.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(path.to_path_buf());
    }

    /// How many times `path` was read so far.
    pub(crate) fn times_read(path: &Path) -> usize {
        READ.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter().filter(|p| *p == path).count()
    }
}

/// How much of a file is read between two looks at the stop: a few milliseconds' reading, even from a USB stick.
const READ_CHUNK_BYTES: u64 = 1024 * 1024;

/// The bytes of a file `len` long when it was opened, read to its end: more or fewer than that is a file that
/// grew or was cut while it was read.
fn read_whole_file(reader: impl std::io::Read, len: u64, path: &Path, stop: &Stop) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(len.min(MAX_FILE_BYTES) as usize);
    // Read past the limit by one byte: the file may have grown (or been swapped) since it was looked at.
    let mut reader = reader.take(MAX_FILE_BYTES + 1);
    loop {
        stop.check(&shown_path(path))?;
        let read = (&mut reader).take(READ_CHUNK_BYTES).read_to_end(&mut bytes);
        if read.map_err(|e| ReadError::unreadable(&e, path))? == 0 {
            break;
        }
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge { file: shown_path(path) });
    }
    if bytes.len() as u64 != len {
        return Err(ReadError::ChangedWhileRead { file: shown_path(path) });
    }
    Ok(bytes)
}

/// One worksheet's rows, in order; row `i` is the file's row `i + 1`. A CSV row that cannot be parsed is an
/// `Err` naming its row, and nothing follows it.
pub struct SheetRows {
    /// The worksheet's name; empty for a CSV.
    pub name: String,
    /// Excel hides the sheet (hidden or very hidden): the operator does not see it, so the importer leaves it out
    /// and says so.
    pub hidden: bool,
    /// The rows Excel hides (by hand or by a filter), as Excel numbers them, ascending: imported, and said, as the
    /// operator counting the rows on screen does not see them.
    pub hidden_rows: Vec<usize>,
    /// The columns Excel hides, from 0 (A), ascending: a column the operator does not see is not preferred over
    /// one they do, and is said.
    pub hidden_columns: Vec<usize>,
    /// Whose terms say what the workbook hides.
    pub hidden_in: HiddenIn,
    source: RowSource,
    /// Looked at before each row is handed out, with the file's name for what it says.
    stop: (Stop, String),
}

/// The program whose terms say what a workbook hides: Excel's for an XLSX or XLS, a spreadsheet's for an ODS
/// (LibreOffice's, WPS's), which no Excel made: 「在 Excel 中是隐藏的」 would send its operator looking for Excel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HiddenIn {
    #[default]
    Excel,
    OpenDocument,
}

impl HiddenIn {
    /// Where it is hidden: 「在 Excel 中」, 「在表格中」.
    pub fn zh(self) -> &'static str {
        match self {
            HiddenIn::Excel => "在 Excel 中",
            HiddenIn::OpenDocument => "在表格中",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            HiddenIn::Excel => "in Excel",
            HiddenIn::OpenDocument => "in the spreadsheet",
        }
    }

    /// The programs that unhide it.
    pub fn app_zh(self) -> &'static str {
        match self {
            HiddenIn::Excel => "Excel",
            HiddenIn::OpenDocument => "LibreOffice 或 WPS",
        }
    }

    pub fn app_en(self) -> &'static str {
        match self {
            HiddenIn::Excel => "Excel",
            HiddenIn::OpenDocument => "LibreOffice or WPS",
        }
    }

    /// An OpenDocument spreadsheet says so in its first entry, the uncompressed `mimetype` the format puts first.
    fn of(bytes: &[u8]) -> HiddenIn {
        let head = &bytes[..bytes.len().min(200)];
        match memchr::memmem::find(head, b"application/vnd.oasis.opendocument.spreadsheet") {
            Some(_) => HiddenIn::OpenDocument,
            None => HiddenIn::Excel,
        }
    }
}

/// A CSV's last line when the file ends without a line break after it: the row it was handed out as, and whether
/// the file ends inside a quoted cell. A file still being copied or saved ends so, mid-record; so does one Excel
/// saved whole (it writes no last line break), and only the reader, which knows the header, tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unended {
    /// The row as Excel numbers it.
    pub row: usize,
    pub in_quote: bool,
}

enum RowSource {
    Cells(std::vec::IntoIter<Vec<Cell>>),
    /// A sheet's first rows, held (`hold_head`), before the rest of it.
    Ahead(std::vec::IntoIter<Vec<Cell>>, Box<RowSource>),
    Csv(Box<CsvRows>),
    Xlsx(super::xlsx_rows::StreamRows),
    /// An ODS sheet read without its runs of empty rows (`ods_gaps`): each run's rows are handed out again after
    /// the row left in its place, so every row keeps its number and none of them is held.
    Gapped(Gapped),
}

struct Gapped {
    rows: std::vec::IntoIter<Vec<Cell>>,
    gaps: std::iter::Peekable<std::vec::IntoIter<(usize, usize)>>,
    /// The next row of `rows`, counted from 0.
    at: usize,
    /// Empty rows still to hand out before the next of `rows`.
    empty: usize,
}

impl Gapped {
    fn next(&mut self) -> Option<Vec<Cell>> {
        if self.empty > 0 {
            self.empty -= 1;
            return Some(Vec::new());
        }
        let row = self.rows.next()?;
        if let Some((_, more)) = self.gaps.next_if(|&(at, _)| at == self.at) {
            self.empty = more;
        }
        self.at += 1;
        Some(row)
    }
}

impl Iterator for SheetRows {
    type Item = Result<Vec<Cell>, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Err(stopped) = self.stop.0.check(&self.stop.1) {
            // Nothing follows: the sheet is not read on after it.
            self.source = RowSource::Cells(Vec::new().into_iter());
            self.stop.0 = Stop::default();
            return Some(Err(stopped));
        }
        self.source.next()
    }
}

impl RowSource {
    fn next(&mut self) -> Option<Result<Vec<Cell>, ReadError>> {
        match self {
            RowSource::Cells(rows) => rows.next().map(Ok),
            RowSource::Ahead(held, rest) => held.next().map(Ok).or_else(|| rest.next()),
            RowSource::Csv(csv) => csv.next(),
            RowSource::Xlsx(rows) => rows.next(),
            RowSource::Gapped(rows) => rows.next().map(Ok),
        }
    }
}

impl SheetRows {
    /// The sheet's first rows read now and held, at most `max_rows` rows and about `max_cells` cells, its name and
    /// what Excel hides kept: a sheet looked at after the ones behind it, whose rows the reading thread, reading
    /// the sheets in order, would otherwise wait to hand over. `true` when they are the whole sheet; otherwise the
    /// rows after them follow the held ones as the sheet goes on, and the sheet is read now or not at all.
    pub fn hold_head(&mut self, max_rows: usize, max_cells: usize) -> Result<bool, ReadError> {
        let (mut held, mut cells) = (Vec::new(), 0);
        let whole = loop {
            if held.len() >= max_rows || cells >= max_cells {
                break false;
            }
            match self.next() {
                None => break true,
                Some(row) => {
                    let row = row?;
                    cells += row.len().max(1);
                    held.push(row);
                }
            }
        };
        let rest = std::mem::replace(&mut self.source, RowSource::Cells(Vec::new().into_iter()));
        self.source = match whole {
            true => RowSource::Cells(held.into_iter()),
            false => RowSource::Ahead(held.into_iter(), Box::new(rest)),
        };
        Ok(whole)
    }

    /// Rows this sheet handed out given back, to be handed out again first, before the rest of it: a sheet whose
    /// first rows were read is read again from its start, later.
    pub fn put_back(&mut self, rows: Vec<Vec<Cell>>) {
        let rest = std::mem::replace(&mut self.source, RowSource::Cells(Vec::new().into_iter()));
        self.source = RowSource::Ahead(rows.into_iter(), Box::new(rest));
    }

    /// The rows held and not yet handed out (`hold_head`).
    pub fn held_rows(&self) -> &[Vec<Cell>] {
        match &self.source {
            RowSource::Cells(rows) | RowSource::Ahead(rows, _) => rows.as_slice(),
            RowSource::Csv(_) | RowSource::Xlsx(_) | RowSource::Gapped(_) => &[],
        }
    }

    /// Hands back a row this sheet gave, once it has been used: a CSV's next row is read into its cells and
    /// their text, where making every row anew cost as much as parsing it.
    pub fn give_back(&mut self, row: Vec<Cell>) {
        if let RowSource::Csv(csv) = &mut self.source {
            csv.used = Some(row);
        }
    }

    /// The file's last line, once it has been handed out, when no line break ends it (a CSV's only).
    pub fn unended(&self) -> Option<Unended> {
        match &self.source {
            RowSource::Csv(csv) => csv.unended,
            RowSource::Cells(_) | RowSource::Ahead(..) | RowSource::Xlsx(_) | RowSource::Gapped(_) => None,
        }
    }

    /// Whether the file's last line has no line break after it, known before it is handed out (a CSV's only): what
    /// a reader judges that line by is worth gathering from the rows above.
    pub fn ends_unbroken(&self) -> bool {
        match &self.source {
            RowSource::Csv(csv) => csv.ends_unbroken,
            RowSource::Cells(_) | RowSource::Ahead(..) | RowSource::Xlsx(_) | RowSource::Gapped(_) => false,
        }
    }

    fn collect_sheet(self) -> Result<Sheet, ReadError> {
        let name = self.name.clone();
        Ok(Sheet { name, rows: self.collect::<Result<_, _>>()? })
    }
}

impl From<Sheet> for SheetRows {
    fn from(sheet: Sheet) -> Self {
        SheetRows {
            name: sheet.name,
            hidden: false,
            hidden_rows: Vec::new(),
            hidden_columns: Vec::new(),
            hidden_in: HiddenIn::Excel,
            source: RowSource::Cells(sheet.rows.into_iter()),
            stop: Default::default(),
        }
    }
}

pub fn read_bytes(bytes: &[u8], file: &str) -> Result<Vec<Sheet>, ReadError> {
    open_bytes(bytes.to_vec(), file)?.into_iter().map(SheetRows::collect_sheet).collect()
}

pub fn open_bytes(bytes: Vec<u8>, file: &str) -> Result<Vec<SheetRows>, ReadError> {
    open_bytes_watching(bytes, file, &Stop::default())
}

/// [`open_bytes`], stopping once `stop` is asked: while a workbook is inflated or read whole, and before any row
/// of its sheets is handed out.
pub fn open_bytes_watching(bytes: Vec<u8>, file: &str, stop: &Stop) -> Result<Vec<SheetRows>, ReadError> {
    let mut sheets = open_sheets(bytes, file, stop)?;
    for sheet in &mut sheets {
        sheet.stop = (stop.clone(), file.to_owned());
    }
    Ok(sheets)
}

fn open_sheets(bytes: Vec<u8>, file: &str, stop: &Stop) -> Result<Vec<SheetRows>, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty { file: file.to_owned() });
    }
    // Its reader would call it damaged or not Excel at all.
    if super::sniff::encrypted(&bytes) {
        return Err(ReadError::Encrypted { file: file.to_owned() });
    }
    // Before any reader sees it: a PDF would otherwise be read as CSV and want a header row, a Word document
    // get the workbook reader's English.
    if let Some(what) = super::sniff::not_a_table(&bytes) {
        let what = super::sniff::by_name(what, std::path::Path::new(file));
        return Err(ReadError::NotASpreadsheet { file: file.to_owned(), what });
    }
    if bytes.starts_with(b"PK\x03\x04") && zip_cut_short(&bytes) {
        return Err(ReadError::CutShort { file: file.to_owned() });
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        let mut xls_hidden = super::compound::check(&bytes, MAX_CELLS)
            .map_err(|reason| ReadError::BadWorkbook { file: file.to_owned(), reason: reason.to_owned() })?
            .into_iter();
        // An XLSX is read row by row as the import takes the rows; anything else (XLS, or a zip calamine cannot
        // open as XLSX, which its own detection then judges) is read whole.
        // An ODS is said as a spreadsheet, not an Excel workbook, when it cannot be read.
        let odf = HiddenIn::of(&bytes) == HiddenIn::OpenDocument;
        let as_odf = |e: ReadError| match e {
            ReadError::BadWorkbook { file, reason } if odf => ReadError::BadSpreadsheet { file, reason },
            e => e,
        };
        let bytes = SharedBytes(std::sync::Arc::new(bytes));
        if bytes.as_ref().starts_with(b"PK") {
            let scan = xlsx_scan(bytes.as_ref(), &|| stop.asked())
                .map_err(|reason| as_odf(ReadError::BadWorkbook { file: file.to_owned(), reason }))?;
            stop.check(file)?;
            // The sheets shed of their rows without values are what every reader after this one reads: the same
            // cells in the same places, without walking through a million empty rows to find them.
            let bytes = match scan.trimmed.is_empty() {
                true => bytes.clone(),
                false => contained(|| super::xlsx_trim::rebuilt(bytes.as_ref(), &scan.trimmed))
                    .flatten()
                    .map_or_else(|| bytes.clone(), |rebuilt| SharedBytes(std::sync::Arc::new(rebuilt))),
            };
            if let Some(sheets) = super::xlsx_rows::open(bytes.clone(), file, scan.merges)? {
                let mut hidden = match scan.hiding.is_empty() {
                    true => Default::default(),
                    false => {
                        contained(|| super::xlsx_hidden::hidden_rows(bytes.as_ref(), &scan.hiding)).unwrap_or_default()
                    }
                };
                return Ok(sheets
                    .into_iter()
                    .map(|(name, sheet_hidden, rows)| {
                        let parts = hidden.remove(&name).unwrap_or_default();
                        SheetRows {
                            hidden_rows: parts.rows,
                            hidden_columns: parts.columns,
                            name,
                            hidden: sheet_hidden,
                            hidden_in: HiddenIn::Excel,
                            source: RowSource::Xlsx(rows),
                            stop: Default::default(),
                        }
                    })
                    .collect());
            }
        }
        let shared = bytes.clone();
        let bytes = bytes.as_ref();
        if odf && let Some(reason) = contained(|| super::xlsx_hidden::ods_overflow(bytes)).flatten() {
            return Err(ReadError::BadSpreadsheet { file: file.to_owned(), reason });
        }
        stop.check(file)?;
        // An ODS's runs of empty rows between its rows of content are read as one row each and handed out again
        // as the rows pass, rather than made into cells by the reader.
        let (shrunk, mut gaps) = match odf {
            true => contained(|| super::ods_gaps::shrink(bytes)).flatten().unzip(),
            false => (None, None),
        };
        let read = shrunk.map_or_else(|| shared.clone(), |shrunk| SharedBytes(std::sync::Arc::new(shrunk)));
        let mut sheets = read_workbook_watching(read, file, stop).map_err(as_odf)?;
        // Runs noted for a sheet the reader does not name: its rows would not be put back where they were, so the
        // file is read as it is.
        if gaps.as_ref().is_some_and(|gaps| gaps.keys().any(|name| !sheets.iter().any(|(s, _)| &s.name == name))) {
            gaps = None;
            sheets = read_workbook_watching(shared, file, stop).map_err(as_odf)?;
        }
        stop.check(file)?;
        // An ODS says its hidden rows and columns in its content, by sheet name.
        let mut ods_hidden = match bytes.starts_with(b"PK") {
            true => contained(|| super::xlsx_hidden::ods_hidden(bytes)).unwrap_or_default(),
            false => Default::default(),
        };
        // An XLS's sheets come in the order of its sheet records, as `compound::check` counts them.
        return Ok(sheets
            .into_iter()
            .map(|(sheet, hidden)| {
                let parts = match ods_hidden.remove(&sheet.name) {
                    Some(parts) => parts,
                    None => xls_hidden.next().unwrap_or_default(),
                };
                let sheet_gaps = gaps.as_mut().and_then(|gaps| gaps.remove(&sheet.name)).unwrap_or_default();
                let mut rows = SheetRows {
                    hidden,
                    hidden_rows: parts.rows,
                    hidden_columns: parts.columns,
                    hidden_in: HiddenIn::of(bytes),
                    ..SheetRows::from(sheet)
                };
                if !sheet_gaps.is_empty()
                    && let RowSource::Cells(cells) =
                        std::mem::replace(&mut rows.source, RowSource::Cells(Vec::new().into_iter()))
                {
                    rows.source = RowSource::Gapped(Gapped {
                        rows: cells,
                        gaps: sheet_gaps.into_iter().peekable(),
                        at: 0,
                        empty: 0,
                    });
                }
                rows
            })
            .collect());
    }
    if looks_binary(&bytes) {
        return Err(ReadError::NotATable { file: file.to_owned() });
    }
    if let Some(disguise) = disguised_workbook(&bytes) {
        return read_disguised(&bytes, file, disguise, stop);
    }
    Ok(vec![SheetRows {
        name: String::new(),
        hidden: false,
        hidden_rows: Vec::new(),
        hidden_columns: Vec::new(),
        hidden_in: HiddenIn::Excel,
        source: RowSource::Csv(Box::new(CsvRows::new(bytes, file))),
        stop: Default::default(),
    }])
}

/// Whether a zip (an XLSX, an ODS) lacks the record that ends every whole one, its directory's end: written last,
/// so a workbook still being copied, or one a copy stopped short of, has none, where a damaged one mostly has.
fn zip_cut_short(bytes: &[u8]) -> bool {
    // 22 bytes, the last two its comment's length, then the comment (64 KiB at most): whole to the file's end.
    let from = bytes.len().saturating_sub(22 + 0xFFFF);
    let whole = memchr::memmem::rfind_iter(&bytes[from..], b"PK\x05\x06").any(|at| {
        let at = from + at;
        let comment = bytes.get(at + 20..at + 22).map(|n| usize::from(u16::from_le_bytes([n[0], n[1]])));
        comment.is_some_and(|comment| at + 22 + comment <= bytes.len())
    });
    !whole
}

/// What a file of markup saved with an `.xls` name is, as many school and government systems export a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Disguise {
    /// A web page's table (`html_table`).
    Html,
    /// Excel 2003 XML (`spreadsheet_ml`).
    SpreadsheetMl,
}

impl Disguise {
    /// What it is, as a refusal to read it names it.
    fn kind(self) -> (&'static str, &'static str) {
        match self {
            Disguise::SpreadsheetMl => ("Excel 2003 XML 表格（SpreadsheetML）", "Excel 2003 XML (SpreadsheetML)"),
            Disguise::Html => ("网页（HTML）格式", "a web page (HTML)"),
        }
    }
}

/// Web pages and Excel 2003 XML, told by their first bytes: read as CSV they would give a screen of tags.
pub(super) fn disguised_workbook(bytes: &[u8]) -> Option<Disguise> {
    let head = &bytes[..bytes.len().min(4096)];
    let text = match head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") || bomless_utf16(head).is_some() {
        true => decode(head).0.to_ascii_lowercase(),
        false => String::from_utf8_lossy(head).to_ascii_lowercase(),
    };
    let start = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if !start.starts_with('<') {
        return None;
    }
    if text.contains("urn:schemas-microsoft-com:office:spreadsheet") && !text.contains("<html") {
        return Some(Disguise::SpreadsheetMl);
    }
    if ["<html", "<!doctype html", "<table", "<meta", "<head"].iter().any(|tag| text.contains(tag)) {
        return Some(Disguise::Html);
    }
    None
}

/// A web page's tables (one sheet, as Excel shows it) or an Excel 2003 XML workbook's sheets, read whole: such
/// exports hold a school's list, not a county's. What cannot be read is said with the file's name and what it is.
fn read_disguised(bytes: &[u8], file: &str, disguise: Disguise, stop: &Stop) -> Result<Vec<SheetRows>, ReadError> {
    let (kind, kind_en) = disguise.kind();
    let refused = |reason: String| ReadError::Disguised { file: file.to_owned(), kind, kind_en, reason };
    let stopped = || stop.asked();
    let text = super::html_table::declared_text(bytes).unwrap_or_else(|| decode(bytes).0);
    let sheets = match disguise {
        Disguise::Html => match super::html_table::read(&text, &stopped) {
            Ok(page) => page.map(|page| {
                vec![SheetRows {
                    hidden_rows: page.hidden_rows,
                    ..SheetRows::from(Sheet { name: String::new(), rows: page.rows })
                }]
            }),
            Err(super::html_table::Refusal::Reason(reason)) => return Err(refused(reason)),
            Err(super::html_table::Refusal::TooLarge) => return Err(ReadError::TooLarge { file: file.to_owned() }),
        },
        Disguise::SpreadsheetMl => match super::spreadsheet_ml::read(&text, &stopped) {
            Ok(sheets) => sheets.map(|sheets| {
                sheets
                    .into_iter()
                    .map(|s| SheetRows {
                        hidden: s.hidden,
                        hidden_rows: s.hidden_rows,
                        hidden_columns: s.hidden_columns,
                        ..SheetRows::from(Sheet { name: s.name, rows: s.rows })
                    })
                    .collect()
            }),
            Err(super::spreadsheet_ml::Refusal::Reason(reason)) => return Err(refused(reason)),
            Err(super::spreadsheet_ml::Refusal::TooLarge) => return Err(ReadError::TooLarge { file: file.to_owned() }),
        },
    };
    stop.check(file)?;
    sheets.ok_or_else(|| ReadError::Stopped { file: file.to_owned() })
}

/// Text files have no NUL bytes and few control characters; a PNG or a zip fragment has many.
fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) || bomless_utf16(head).is_some() {
        return false; // UTF-16 text has NULs by nature.
    }
    let control = head.iter().filter(|&&b| b < 0x09 || ((0x0E..0x20).contains(&b) && b != 0x1B)).count();
    control * 20 > head.len()
}

/// The whole-file reader on its own, for tests that compare the streamed rows with it.
#[cfg(test)]
pub(super) fn read_whole(bytes: &[u8], file: &str) -> Result<Vec<Sheet>, ReadError> {
    Ok(read_workbook(bytes, file)?.into_iter().map(|(sheet, _)| sheet).collect())
}

/// [`read_workbook`], its panics caught. The reader (calamine's) cannot be stopped half way, so a stop that may
/// come reads on a thread of its own and is looked at meanwhile: the import ends at once, and the thread, left to
/// finish, drops what it read (a workbook of 96 MB at the most, seconds of work). Without a stop, read here.
fn read_workbook_watching(bytes: SharedBytes, file: &str, stop: &Stop) -> Result<Vec<(Sheet, bool)>, ReadError> {
    let read = move |bytes: SharedBytes, file: String| {
        contained(|| read_workbook(bytes.as_ref(), &file)).unwrap_or_else(|| Err(damaged(&file)))
    };
    if stop.0.is_none() {
        return read(bytes, file.to_owned());
    }
    let (done, result) = std::sync::mpsc::channel();
    let owned = file.to_owned();
    let spawned = std::thread::Builder::new().name("workbook-read".into()).spawn(move || {
        // The receiver is gone only when the import was stopped: nothing is left to tell.
        let _ = done.send(read(bytes, owned));
    });
    if let Err(e) = spawned {
        return Err(ReadError::unreadable(&e, Path::new(file)));
    }
    loop {
        match result.recv_timeout(std::time::Duration::from_millis(50)) {
            Ok(sheets) => return sheets,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => stop.check(file)?,
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return Err(damaged(file)),
        }
    }
}

/// Every sheet, with whether Excel hides it.
fn read_workbook(bytes: &[u8], file: &str) -> Result<Vec<(Sheet, bool)>, ReadError> {
    let bad = |e: calamine::Error| workbook_error(file, e);
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(bad)?;
    let names = book.sheet_names();
    let hidden = super::xlsx_rows::hidden_sheets(&book);
    if names.is_empty() {
        return Err(ReadError::BadWorkbook {
            file: file.to_owned(), reason: "工作簿中没有工作表 (no sheets)".into()
        });
    }
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let mut rows = Rows::new(file);
        let range = book.worksheet_range(&name).map_err(bad)?;
        let (row0, col0) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
        for (r, c, data) in range.used_cells() {
            rows.put(row0 + r, col0 + c, convert(data))?;
        }
        // A formula the file keeps no result for reads as an empty value: said as a formula, as an XLSX's is
        // (`xlsx_rows`), not as an empty cell. A book whose formulas cannot be read keeps its values as read.
        if let Ok(formulas) = book.worksheet_formula(&name) {
            let (row0, col0) = formulas.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
            for (r, c, formula) in formulas.used_cells() {
                let (r, c) = (row0 + r, col0 + c);
                let unsaved = rows.rows.get(r).and_then(|row| row.get(c)).is_none_or(Cell::is_empty);
                if !formula.is_empty() && unsaved {
                    rows.put(r, c, Cell::Unevaluated(formula.clone()))?;
                }
            }
        }
        let merges = merged_regions(&mut book, &name);
        fill_merged(&mut rows, &merges)?;
        let rows = rows.rows;
        sheets.push((Sheet { rows, name: name.clone() }, hidden.contains(&name)));
    }
    Ok(sheets)
}

/// A sheet's rows as cells arrive, refusing a sheet once it would hold more than `MAX_CELLS`: the positions
/// come from the file, and one cell far out would otherwise make every row before it.
struct Rows<'a> {
    file: &'a str,
    rows: Vec<Vec<Cell>>,
    /// Rows and cells made so far, each counted as one.
    made: usize,
}

impl<'a> Rows<'a> {
    fn new(file: &'a str) -> Self {
        Rows { file, rows: Vec::new(), made: 0 }
    }

    fn put(&mut self, r: usize, c: usize, cell: Cell) -> Result<(), ReadError> {
        self.reach(r, c)?[c] = cell;
        Ok(())
    }

    /// Row `r`, made at least `c + 1` cells wide.
    fn reach(&mut self, r: usize, c: usize) -> Result<&mut Vec<Cell>, ReadError> {
        let new_rows = (r + 1).saturating_sub(self.rows.len());
        let new_cells = (c + 1).saturating_sub(self.rows.get(r).map_or(0, Vec::len));
        self.made = self.made.saturating_add(new_rows).saturating_add(new_cells);
        if self.made > MAX_CELLS {
            return Err(ReadError::TooLarge { file: self.file.to_owned() });
        }
        if new_rows > 0 {
            self.rows.resize(r + 1, Vec::new());
        }
        let row = &mut self.rows[r];
        if new_cells > 0 {
            row.resize(c + 1, Cell::Empty);
        }
        Ok(row)
    }
}

/// Whether any worksheet of an XLSX file has merged cells. calamine finds merges by inflating and parsing a
/// whole sheet a second time (a third of reading a 60k-row list); a byte search of the sheets is a fraction of
/// that, and most class lists have no merges at all. Anything unreadable here says "maybe", leaving the answer
/// to calamine.
/// The most a workbook's part may inflate to. A sheet of half a million pupils is some 150 MB of XML; the
/// sheets are read as they inflate, so this bounds time, not memory.
const MAX_PART_BYTES: u64 = 1024 * 1024 * 1024;
/// The shared strings are held whole by the reader, so they are bounded more tightly (half a million pupils'
/// names and numbers take some 40 MB).
const MAX_SHARED_STRINGS_BYTES: u64 = 64 * 1024 * 1024;
/// The longest text between two tags: one cell's text, escaped (`&amp;` is five bytes for one). The XML
/// reader holds such a run whole, so an 18 KB file that inflates to one 256 MiB name is refused here.
const MAX_XML_TEXT_BYTES: usize = 6 * MAX_CELL_BYTES;

/// How many times its packed size a part must inflate to for an overlong text in it to be taken for a zip bomb's:
/// worksheet XML packs some ten to one, text a person wrote less, a run of one repeated byte over a thousand.
const BOMB_RATIO: u64 = 100;
/// The least a part must say it inflates to for its overlong text to be taken for a zip bomb's: a cell of a
/// megabyte pasted into a small sheet is a long cell, said as one.
const BOMB_MIN_BYTES: u64 = 4 * 1024 * 1024;
/// The most held of sheets shed of their rows without values, all sheets together.
const MAX_TRIMMED_BYTES: usize = 32 * 1024 * 1024;

/// Inflates every part of an XLSX once, in constant memory, before the reader sees it: refuses a part that
/// inflates past its bound or holds one overlong text, and tells whether the file has merged cells (`true`
/// when the zip cannot be read: calamine then judges it).
fn xlsx_scan(bytes: &[u8], stopped: &dyn Fn() -> bool) -> Result<Scan, String> {
    const TOO_LARGE: &str = "解压后过大，不像是班级名单 (inflates too large to be a class list)";
    let maybe = Scan { merges: true, hiding: Vec::new(), trimmed: Vec::new() };
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(maybe) };
    // Without the "<": a namespace prefix (`<x:mergeCell`) is common from .NET writers.
    let finder = memchr::memmem::Finder::new(b"mergeCell");
    let hides = memchr::memmem::Finder::new(b"hidden=");
    let (mut merges, mut hiding) = (false, Vec::new());
    // The sheets, passed through `xlsx_trim` as they inflate: their rows without values are left out of what the
    // reader is handed, within a bound on what is held.
    let sheets = contained(|| super::xlsx_hidden::sheet_parts(bytes)).unwrap_or_default();
    let (mut trimmed, mut kept) = (Vec::new(), 0usize);
    let mut chunk = vec![0u8; 64 * 1024];
    for i in 0..archive.len() {
        let Ok(mut entry) = archive.by_index(i) else { return Ok(maybe) };
        // calamine finds parts case-insensitively and with either slash, and a sheet may live anywhere: every
        // part but the shared strings (which hold cell text, and could name the word) is searched.
        let Ok(name) = entry.name() else { return Ok(maybe) };
        let part = super::xlsx_hidden::part_key(&name);
        let name = name.to_string();
        let shared = part.ends_with("sharedstrings.xml");
        let mut trim = (kept < MAX_TRIMMED_BYTES && sheets.contains(&part)).then(super::xlsx_trim::Trim::new);
        let mut hides_rows = false;
        let limit = if shared { MAX_SHARED_STRINGS_BYTES } else { MAX_PART_BYTES };
        // A part the zip says inflates past its bound is refused before a byte of it is inflated (a gigabyte of
        // empty rows took a minute); one that says less and inflates more is caught as it inflates.
        if entry.size() > limit {
            return Err(TOO_LARGE.to_owned());
        }
        // An overlong text in a part packed beyond any sheet's ratio is a zip bomb's run, not a cell someone
        // typed: the file is refused as one that unpacks too large, which is what it is.
        let packed = entry.compressed_size();
        let declared = entry.size();
        // A long cell is said as one, with the part (the sheet's file, or the workbook's shared text) holding it,
        // so the pasted blob can be found; only a run in a part that says it inflates to megabytes and packs
        // as a bomb's does is the bomb it looks like.
        let long_text = |inflated: u64| {
            let size = declared.max(inflated);
            if packed > 0 && size >= BOMB_MIN_BYTES && size / packed >= BOMB_RATIO {
                return TOO_LARGE.to_owned();
            }
            let kb = MAX_XML_TEXT_BYTES / 1024;
            let (zh, en) = match shared {
                true => ("工作簿的共享文字", "the workbook's shared text"),
                false => ("工作表", "the sheet"),
            };
            format!(
                "{zh}（{name}）中有一个单元格的文字超过 {kb} KB，太长，不像是班级名单：请在表格中找到这段很长的文字，删去或缩短后\
                 重新导入 (a cell in {en} ({name}) holds more than {kb} KB of text, too long for a class list: find that \
                 long text in the spreadsheet, delete or shorten it, and import again)"
            )
        };
        // Chunks overlap by the needle's length, so a word split between two reads is still seen.
        let keep = b"mergeCell".len() - 1;
        let (mut filled, mut inflated, mut text_run) = (0, 0u64, 0usize);
        loop {
            // Stopped: what was found so far, which the caller, looking at the stop next, never uses.
            if stopped() {
                return Ok(maybe);
            }
            let Ok(n) = std::io::Read::read(&mut entry, &mut chunk[filled..]) else { return Ok(maybe) };
            if n == 0 {
                break;
            }
            inflated += n as u64;
            if inflated > limit {
                return Err(TOO_LARGE.to_owned());
            }
            // A run between two tags inside one chunk is shorter than the chunk, and so than the bound: only
            // the runs that reach a chunk's edges need counting, found with one search from each end.
            let new = &chunk[filled..filled + n];
            match (memchr::memchr2(b'<', b'>', new), memchr::memrchr2(b'<', b'>', new)) {
                (Some(first), Some(last)) => {
                    if text_run + first > MAX_XML_TEXT_BYTES {
                        return Err(long_text(inflated));
                    }
                    text_run = new.len() - last - 1;
                }
                _ => text_run += new.len(),
            }
            if text_run > MAX_XML_TEXT_BYTES {
                return Err(long_text(inflated));
            }
            if let Some(trim) = &mut trim {
                trim.feed(new);
            }
            let end = filled + n;
            if !shared && !merges && finder.find(&chunk[..end]).is_some() {
                merges = true;
            }
            if !shared && !hides_rows && hides.find(&chunk[..end]).is_some() {
                hides_rows = true;
            }
            let tail = end.saturating_sub(keep);
            chunk.copy_within(tail..end, 0);
            filled = end - tail;
        }
        if hides_rows {
            hiding.push(part);
        }
        if let Some(xml) = trim.and_then(super::xlsx_trim::Trim::finish)
            && kept + xml.len() <= MAX_TRIMMED_BYTES
        {
            kept += xml.len();
            trimmed.push((i, xml));
        }
    }
    Ok(Scan { merges, hiding, trimmed })
}

/// What `xlsx_scan` found.
struct Scan {
    /// Some worksheet may have merged cells.
    merges: bool,
    /// The parts (as `xlsx_hidden::part_key` writes them) that may hide rows: they say `hidden=`.
    hiding: Vec<String>,
    /// Sheets that shed their rows without values (`xlsx_trim`), by the part's index in the zip.
    trimmed: Vec<(usize, Vec<u8>)>,
}

#[cfg(test)]
fn xlsx_has_merges(bytes: &[u8]) -> bool {
    xlsx_scan(bytes, &|| false).map_or(true, |scan| scan.merges)
}

fn merged_regions<RS: std::io::Read + std::io::Seek>(book: &mut Sheets<RS>, name: &str) -> Vec<calamine::Dimensions> {
    match book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(name).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// A merged range shows one value over all its cells; teachers merge a class column over its pupils, so
/// every row of the range gets the value. Cells it adds count against the sheet's limit like any other.
fn fill_merged(rows: &mut Rows, merges: &[calamine::Dimensions]) -> Result<(), ReadError> {
    let mut laid = 0usize;
    for m in merges {
        let (r0, c0) = (m.start.0 as usize, m.start.1 as usize);
        let (r1, c1) = (m.end.0 as usize, m.end.1 as usize);
        let Some(value) = rows.rows.get(r0).and_then(|r| r.get(c0)).cloned() else { continue };
        if value.is_empty() {
            continue;
        }
        for r in r0..=r1.min(rows.rows.len() - 1) {
            // Every cell a range is laid over counts too: thousands of ranges over the same million rows would
            // otherwise be billions of fills.
            laid = laid.saturating_add((c1 + 1).saturating_sub(c0).max(1));
            if laid > MAX_CELLS {
                return Err(ReadError::TooLarge { file: rows.file.to_owned() });
            }
            for cell in rows.reach(r, c1)?.iter_mut().take(c1 + 1).skip(c0) {
                if cell.is_empty() {
                    *cell = value.clone();
                }
            }
        }
    }
    Ok(())
}

/// UTF-16 written without a BOM (by a script or a school system; Excel writes one), told by its zero bytes:
/// the digits, separators and line ends of a list are one zero byte each, all on the same side of their
/// pairs, while Chinese characters have few (一 is `00 4E`). Text in any other encoding has none, and a
/// binary file has them on both sides and in pairs.
fn bomless_utf16(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(8192) & !1];
    let pairs = head.len() / 2;
    if pairs < 8 || head.chunks_exact(2).any(|p| p == [0, 0]) {
        return None;
    }
    let zeros_at = |side: usize| head.iter().skip(side).step_by(2).filter(|&&b| b == 0).count();
    let (even, odd) = (zeros_at(0), zeros_at(1));
    // At least one character in ten is ASCII, and the other side has at most a quarter as many zeros.
    if odd * 10 >= pairs && even * 4 <= odd {
        Some(encoding_rs::UTF_16LE)
    } else if even * 10 >= pairs && odd * 4 <= even {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Decodes a text file: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text", with or without its BOM),
/// else GB18030, the superset of GBK that Chinese Excel and WPS save CSV in.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (String::from_utf8_lossy(rest).into_owned(), "UTF-8 BOM");
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        let (text, _, _) = encoding_rs::UTF_16LE.decode(bytes);
        return (text.into_owned(), "UTF-16LE");
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let (text, _, _) = encoding_rs::UTF_16BE.decode(bytes);
        return (text.into_owned(), "UTF-16BE");
    }
    if let Some(encoding) = bomless_utf16(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(bytes);
        return (text.into_owned(), encoding.name());
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), "UTF-8"),
        // GBK text almost never forms long runs of valid UTF-8, so a file that is UTF-8 but for a stray byte
        // or two is still UTF-8: its damaged cells show U+FFFD and the importer names their rows.
        Err(_) if mostly_utf8(bytes) => (String::from_utf8_lossy(bytes).into_owned(), "UTF-8"),
        // A file whose first lines (title, header) are Chinese in UTF-8 is UTF-8, though rows glued on below came
        // from a GBK export: read whole as GB18030 its header would be garbled and the file refused. The glued
        // rows show U+FFFD, and the importer names them by row.
        Err(e) if utf8_head(&bytes[..e.valid_up_to()]) => (String::from_utf8_lossy(bytes).into_owned(), "UTF-8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            (text.into_owned(), "GB18030")
        }
    }
}

/// `decode` for bytes the caller gives up: valid UTF-8, the usual case, becomes the text without a copy.
fn decode_owned(mut bytes: Vec<u8>) -> String {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
        return String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    }
    if !(bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || bomless_utf16(&bytes).is_some()) {
        match String::from_utf8(bytes) {
            Ok(text) => return text,
            Err(e) => bytes = e.into_bytes(),
        }
    }
    decode(&bytes).0
}

/// Whole lines of valid UTF-8 at the file's start holding Chinese text (four characters or more): GBK text
/// is next to never valid UTF-8 over a line, so these lines were written in UTF-8.
fn utf8_head(valid: &[u8]) -> bool {
    let Some(end) = valid.iter().rposition(|&b| b == b'\n') else { return false };
    std::str::from_utf8(&valid[..end]).is_ok_and(|lines| lines.chars().filter(|c| !c.is_ascii()).count() >= 4)
}

/// At least 20 valid multi-byte UTF-8 characters for each invalid sequence.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                multibyte += s.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                // The prefix up to valid_up_to is valid UTF-8 by definition.
                multibyte += std::str::from_utf8(good).map_or(0, |s| s.chars().filter(|c| !c.is_ascii()).count());
                invalid += 1;
                rest = &bad[e.error_len().unwrap_or(bad.len()).min(bad.len())..];
            }
        }
    }
    invalid > 0 && multibyte >= 20 * invalid
}

/// Comma unless the first lines clearly use tabs or semicolons instead.
fn delimiter(text: &str) -> u8 {
    // The first lines within the file's first bytes: a file of one line of 40 MB is not copied to be looked at.
    let mut end = text.len().min(DELIMITER_HEAD_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = || text[..end].lines().take(20);
    let count = |c: u8| head().map(|line| line.bytes().filter(|&b| b == c).count()).sum::<usize>();
    let (commas, tabs, semis) = (count(b','), count(b'\t'), count(b';'));
    if tabs > commas && tabs >= semis {
        b'\t'
    } else if semis > commas && semis > tabs {
        b';'
    } else {
        b','
    }
}

/// The most of a CSV's start looked at for its separator.
const DELIMITER_HEAD_BYTES: usize = 64 * 1024;

/// The longest CSV cell read, as a workbook's (`MAX_XML_TEXT_BYTES`): a longer one refuses the file at its row.
const MAX_CSV_CELL_BYTES: usize = MAX_XML_TEXT_BYTES;
/// The longest CSV record (a line, or the lines of a quoted cell that holds line breaks): no class list's row is a
/// megabyte. The csv reader is handed no more of the text than this past a record's start, so a line of 40 MB, or
/// a quote never closed, is held to this much and refused at its row, where it used to be held whole (and copied:
/// 940 MB for a line of 40 MB).
const MAX_CSV_RECORD_BYTES: usize = 1024 * 1024;
/// The most cells a CSV row may have: a worksheet's columns (Excel's and WPS's 16,384, XFD).
const MAX_CSV_COLUMNS: usize = 16_384;

/// A CSV's decoded text as the csv reader takes it, no further than `end`: the reader is given one record's bound
/// at a time (`CsvRows::read_record`).
struct Bounded {
    text: Vec<u8>,
    at: usize,
    end: usize,
}

impl std::io::Read for Bounded {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let end = self.end.min(self.text.len());
        let n = buf.len().min(end.saturating_sub(self.at));
        buf[..n].copy_from_slice(&self.text[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Whether the text after a quote opening a cell holds its closing quote: a quote not followed by another (two
/// quotes are one quote of the cell's text).
fn quote_closes(mut after: &[u8]) -> bool {
    while let Some(at) = memchr::memchr(b'"', after) {
        if after.get(at + 1) != Some(&b'"') {
            return true;
        }
        after = &after[at + 2..];
    }
    false
}

/// Where the quoted cell a record's text ends inside begins, just after its quote, read as the csv reader reads it:
/// a quote opens a cell only at its start, and two quotes inside one are a quote. `None` when it ends outside one.
fn open_quote(record: &[u8], delimiter: u8) -> Option<usize> {
    let (mut opened, mut at_start, mut bytes) = (None, true, record.iter().enumerate().peekable());
    while let Some((at, &b)) = bytes.next() {
        if opened.is_some() {
            if b == b'"' {
                if bytes.peek().is_some_and(|(_, b)| **b == b'"') {
                    bytes.next();
                } else {
                    opened = None;
                }
            }
        } else if b == b'"' && at_start {
            opened = Some(at + 1);
        }
        at_start = opened.is_none() && (b == delimiter || b == b'\n' || b == b'\r');
    }
    opened
}

/// A CSV's records parsed as they are taken. The decoded text is held (a few dozen bytes a pupil); its cells
/// are made one row at a time.
struct CsvRows {
    file: String,
    reader: csv::Reader<Bounded>,
    /// The record after the one being handed out: the last record is checked for a quote left open. `Err`: why it
    /// cannot be read (the csv reader's error, or a bound it passes), said at its row.
    ahead: Option<Result<csv::StringRecord, String>>,
    /// The record handed out last, read into again: a fresh one grows its buffers anew on every row, which
    /// cost more than parsing the row (even an empty one is an allocation).
    spare: Option<csv::StringRecord>,
    /// A row handed out before and given back (`SheetRows::give_back`), to read the next one into.
    used: Option<Vec<Cell>>,
    /// Rows handed out so far: records, and the empty lines before them.
    index: usize,
    /// Empty lines before the record in `ahead`. The csv reader skips them, yet Excel shows each as a row (its
    /// "save as CSV" writes an empty row as one): each is handed out as an empty row, so row numbers are Excel's.
    blanks_ahead: u64,
    cells: usize,
    failed: bool,
    delimiter: u8,
    /// Set as the last record is handed out, when no line break follows it.
    unended: Option<Unended>,
    /// Whether the text ends without a line break, known before its last record is read.
    ends_unbroken: bool,
    /// The most cells a record handed out so far had: what a row swallowed by an unclosed quote looks like.
    widest: usize,
}

impl CsvRows {
    fn new(bytes: Vec<u8>, file: &str) -> Self {
        // NUL bytes stay in the text: a cell's cleaning removes them as any control character, and the row
        // holding them is said (`此行有不可见字符或控制字符`); a line of only NULs stays a line, so the rows after
        // it keep the numbers an editor shows.
        let text = decode_owned(bytes);
        let ends_unbroken = !text.is_empty() && !text.ends_with(['\n', '\r']);
        let delimiter = delimiter(&text);
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(Bounded { text: text.into_bytes(), at: 0, end: 0 });
        let mut rows = CsvRows {
            file: file.to_owned(),
            reader,
            ahead: None,
            spare: None,
            used: None,
            index: 0,
            blanks_ahead: 0,
            cells: 0,
            failed: false,
            delimiter,
            unended: None,
            ends_unbroken,
            widest: 0,
        };
        rows.ahead = rows.read_record();
        rows
    }

    fn read_record(&mut self) -> Option<Result<csv::StringRecord, String>> {
        let mut record = self.spare.take().unwrap_or_default();
        // The record's bound, from its first character (the empty lines before it are rows of their own), kept to
        // a character's start so the cut cell is still text.
        let text = &self.reader.get_ref().text;
        let from = usize::try_from(self.reader.position().byte()).unwrap_or(usize::MAX).min(text.len());
        let first = from + text[from..].iter().take_while(|&&b| b == b'\n' || b == b'\r').count();
        let mut end = first.saturating_add(MAX_CSV_RECORD_BYTES + 1).min(text.len());
        while end < text.len() && text[end] & 0xC0 == 0x80 {
            end -= 1;
        }
        self.reader.get_mut().end = end;
        let read = self.reader.read_record(&mut record);
        let cut = end < self.reader.get_ref().text.len()
            && usize::try_from(self.reader.position().byte()).is_ok_and(|at| at >= end);
        match read {
            Ok(true) => {
                self.blanks_ahead = self.blanks_before(&record);
                match self.past_bounds(&record, cut.then_some(first)) {
                    Some(reason) => Some(Err(reason)),
                    None => Some(Ok(record)),
                }
            }
            Ok(false) => None,
            Err(e) => Some(Err(e.to_string())),
        }
    }

    /// Why `record` is refused, if it is: too many cells, a cell too long, or (`cut`, beginning at that byte)
    /// read to its bound without ending: a cell too long, a quote never closed, or a line too long. A record
    /// within them is looked at cell by cell only when it is longer than a cell may be.
    fn past_bounds(&self, record: &csv::StringRecord, cut: Option<usize>) -> Option<String> {
        let kb = |bytes: usize| bytes / 1024;
        let column = |at: usize| super::cell::column_letter(at);
        let too_long = |at: usize| {
            format!(
                "{} 列的单元格超过 {} KB，太长，不像是班级名单：请在表格中找到这段很长的文字，删去或缩短后重新导入 \
                 (the cell in column {} holds more than {} KB of text, too long for a class list: find that long \
                 text in the spreadsheet, delete or shorten it, and import again)",
                column(at),
                kb(MAX_CSV_CELL_BYTES),
                column(at),
                kb(MAX_CSV_CELL_BYTES)
            )
        };
        let too_wide = |cells: Option<usize>| {
            let (zh, en) = match cells {
                Some(n) => (format!("有 {n} 列"), format!("has {n} cells")),
                None => (format!("超过 {MAX_CSV_COLUMNS} 列"), format!("has more than {MAX_CSV_COLUMNS} cells")),
            };
            format!(
                "这一行{zh}，多于电子表格最多的 {MAX_CSV_COLUMNS} 列，不像是班级名单：请检查文件的分隔符或这一行后重新导入 \
                 (the row {en}, more than the {MAX_CSV_COLUMNS} columns a spreadsheet holds: not a class list; check \
                 the file's separators or this row and import again)"
            )
        };
        let cells = record.len();
        let Some(first) = cut else {
            if cells > MAX_CSV_COLUMNS {
                return Some(too_wide(Some(cells)));
            }
            if record.as_byte_record().as_slice().len() <= MAX_CSV_CELL_BYTES {
                return None;
            }
            return record.iter().position(|cell| cell.len() > MAX_CSV_CELL_BYTES).map(too_long);
        };
        // Cut at its bound: the last cell is the one being read when the bound came.
        let last = cells.saturating_sub(1);
        let text = &self.reader.get_ref().text;
        if let Some(quote) = open_quote(&text[first..self.reader.get_ref().end], self.delimiter)
            && !quote_closes(&text[first + quote..])
        {
            return Some(format!(
                "{} 列的单元格以引号开头，但这个引号直到文件末尾都没有闭合，此后的各行都连成了这一个单元格：请在表格中检查这一格\
                 的引号后重新导入 (the cell in column {} opens a quote that is never closed, so every line after it runs \
                 into that one cell: check that cell's quotes in the spreadsheet and import again)",
                column(last),
                column(last)
            ));
        }
        if record.get(last).is_some_and(|cell| cell.len() > MAX_CSV_CELL_BYTES) {
            return Some(too_long(last));
        }
        if let Some(at) = record.iter().position(|cell| cell.len() > MAX_CSV_CELL_BYTES) {
            return Some(too_long(at));
        }
        if cells > MAX_CSV_COLUMNS {
            return Some(too_wide(None));
        }
        Some(format!(
            "这一行超过 {} KB，太长，不像是班级名单：请检查这一行后重新导入 (the row is longer than {} KB, too long for a \
             class list: check that row and import again)",
            kb(MAX_CSV_RECORD_BYTES),
            kb(MAX_CSV_RECORD_BYTES)
        ))
    }

    /// The empty lines the reader skipped before `record`, just read. Its position is where the reading began,
    /// the reader's is where it ended; between them are the empty lines, the record's own lines (one more per
    /// line break inside a quoted cell) and its line break where the reader took it. A record ending in CR LF
    /// ends at the CR, so its LF is read with the next record, which begins on it: that LF is the line before's,
    /// and the last record, which may lack a line break, has none to take. A file whose lines end in a bare CR
    /// counts no lines: none.
    fn blanks_before(&self, record: &csv::StringRecord) -> u64 {
        let Some(start) = record.position() else { return 0 };
        let end = self.reader.position();
        let text = &self.reader.get_ref().text;
        let byte_at = |at: u64| usize::try_from(at).ok().and_then(|at| text.get(at)).copied();
        let previous_lf =
            byte_at(start.byte()) == Some(b'\n') && start.byte().checked_sub(1).and_then(byte_at) == Some(b'\r');
        let own_lf = end.byte() > start.byte() && byte_at(end.byte() - 1) == Some(b'\n');
        // The fields lie end to end in the record's buffer: their line breaks counted in one pass.
        let breaks = memchr::memchr_iter(b'\n', record.as_byte_record().as_slice()).count();
        end.line().saturating_sub(start.line() + breaks as u64 + u64::from(previous_lf) + u64::from(own_lf))
    }

    /// `record`, the last, as an [`Unended`] line when the text ends without a line break.
    fn unended_last(&self, record: &csv::StringRecord) -> Option<Unended> {
        let text = &self.reader.get_ref().text;
        if text.last().is_none_or(|&b| b == b'\n' || b == b'\r') {
            return None;
        }
        let start = usize::try_from(record.position()?.byte()).ok()?;
        let in_quote = open_quote(text.get(start..)?, self.delimiter).is_some();
        Some(Unended { row: self.index, in_quote })
    }

    /// `record`, the last, as an [`Unended`] line cut off inside a quoted cell of several lines; `Some(None)` when a
    /// line of the cell holds as many cells as the rows above (at least two): the rest of a row and rows after it,
    /// which an unclosed quote swallowed. `None` when the record ends outside a quote.
    fn cut_in_cell(&self, record: &csv::StringRecord) -> Option<Option<Unended>> {
        let text = &self.reader.get_ref().text;
        let start = usize::try_from(record.position()?.byte()).ok()?;
        let record_text = text.get(start..)?;
        let cell = record_text.get(open_quote(record_text, self.delimiter)?..)?;
        let row_like = self.widest.saturating_sub(1).max(1);
        let mut lines = cell.split(|&b| b == b'\n');
        let swallowed = lines.any(|line| line.iter().filter(|&&b| b == self.delimiter).count() >= row_like);
        Some((!swallowed).then_some(Unended { row: self.index, in_quote: true }))
    }

    fn bad_row(&mut self, reason: String) -> Option<Result<Vec<Cell>, ReadError>> {
        self.failed = true;
        Some(Err(ReadError::BadRow { file: self.file.clone(), row: self.index, reason }))
    }

    fn next(&mut self) -> Option<Result<Vec<Cell>, ReadError>> {
        if self.failed {
            return None;
        }
        // Before a record refused too: its row is said as Excel numbers it.
        if self.blanks_ahead > 0 && self.ahead.is_some() {
            self.blanks_ahead -= 1;
            self.index += 1;
            let mut cells = self.used.take().unwrap_or_default();
            cells.clear();
            return Some(Ok(cells));
        }
        let current = self.ahead.take()?;
        self.index += 1;
        let record = match current {
            Ok(record) => record,
            Err(reason) => return self.bad_row(reason),
        };
        self.ahead = self.read_record();
        // The csv reader takes an unclosed quote to run to the end of the file, swallowing every row after
        // it into one cell; that is a broken file, not a pupil. A cell of several lines (a 备注) that the file
        // ends inside, as a file still being copied does, swallows no row: it is the last record cut off.
        let open = match self.ahead {
            None if record.iter().any(|f| f.contains('\n')) => self.cut_in_cell(&record),
            _ => None,
        };
        match open {
            Some(Some(cut)) => self.unended = Some(cut),
            Some(None) => return self.bad_row("引号未闭合，此行之后的内容无法分清行列 (unterminated quote)".into()),
            None if self.ahead.is_none() => self.unended = self.unended_last(&record),
            None => {}
        }
        self.widest = self.widest.max(record.len());
        self.cells += record.len();
        if self.cells > MAX_CELLS {
            self.failed = true;
            return Some(Err(ReadError::TooLarge { file: self.file.clone() }));
        }
        let mut cells = self.used.take().unwrap_or_default();
        cells.truncate(record.len());
        for (at, field) in record.iter().enumerate() {
            let empty = crate::domain::text::trim(field).is_empty();
            match cells.get_mut(at) {
                Some(Cell::Text(text)) if !empty => {
                    text.clear();
                    text.push_str(field);
                }
                Some(cell) => *cell = if empty { Cell::Empty } else { Cell::Text(field.to_owned()) },
                None => cells.push(if empty { Cell::Empty } else { Cell::Text(field.to_owned()) }),
            }
        }
        self.spare = Some(record);
        Some(Ok(cells))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A list still being copied when it is read: written to between the look before it was opened and the look
    /// after it was read, or read to more or fewer bytes than its length at opening, it is refused in words that
    /// say to wait for the copy, where before the part already there was read as the whole list (a CSV cut at a
    /// line end imported its first rows without a word).
    #[test]
    fn a_file_that_changes_while_it_is_read_is_refused() {
        use std::io::Write;
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("名单.csv");
        std::fs::write(&path, "姓名,身份证号码\n张三,450202201703051233\n").expect("write");
        let copying = || {
            let mut file = std::fs::OpenOptions::new().append(true).open(&path).expect("open");
            file.write_all("李四,450202201611203455\n".as_bytes()).expect("append");
        };
        let refused = file_bytes_then(&path, &Stop::default(), copying).expect_err("changed while read");
        assert!(matches!(&refused, ReadError::ChangedWhileRead { file } if file.ends_with("名单.csv")), "{refused:?}");
        let said = refused.to_string();
        assert!(said.contains("可能还在复制中") && said.contains("请等复制完成后重新导入"), "{said}");
        assert!(said.contains("未保存任何内容"), "{said}");
        let english = crate::words::in_language(&said, crate::words::Language::En);
        assert!(english.contains("maybe still being copied") && english.contains("nothing saved"), "{english}");
        assert!(!english.contains("复制"), "{english}");
        // Once the copy is done the whole file is read.
        assert_eq!(file_bytes(&path).expect("read").len() as u64, std::fs::metadata(&path).expect("meta").len());
        // The reading's own count against the length at opening: a file grown or cut under the reader.
        let reader = |text: &'static [u8]| Cursor::new(text);
        for (text, len) in [(&b"abcdef"[..], 5), (&b"abc"[..], 5)] {
            let read = read_whole_file(reader(text), len, &path, &Stop::default());
            assert!(matches!(read, Err(ReadError::ChangedWhileRead { .. })), "{text:?} for {len}: {read:?}");
        }
        assert_eq!(read_whole_file(reader(b"abcde"), 5, &path, &Stop::default()).expect("whole"), b"abcde");
    }

    /// A workbook whose end is missing (a copy not finished, or stopped) says so, not only that it is damaged.
    #[test]
    fn a_workbook_cut_short_may_still_be_copying() {
        let whole = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/multi_sheet.xlsx")).expect("x");
        for cut in [whole.len() / 2, whole.len() - 10, 100] {
            let refused = open_bytes(whole[..cut].to_vec(), "一班.xlsx").err().expect("cut short");
            assert!(matches!(&refused, ReadError::CutShort { file } if file == "一班.xlsx"), "{cut}: {refused:?}");
            let said = refused.to_string();
            assert!(said.contains("可能还在复制中") && said.contains("被截断"), "{said}");
            let english = crate::words::in_language(&said, crate::words::Language::En);
            assert!(english.contains("may still be being copied") && english.contains("cut short"), "{english}");
        }
        // The end there, something inside wrong: damaged, as before.
        let mut damaged = whole.clone();
        damaged[40..400].fill(b'x');
        let refused = open_bytes(damaged, "一班.xlsx").err();
        assert!(!matches!(refused, Some(ReadError::CutShort { .. })), "{refused:?}");
        assert!(open_bytes(whole, "一班.xlsx").is_ok());
    }

    /// Each CSV row at the row Excel shows it: empty lines are rows (at the start, between records, several
    /// together), a quoted cell with a line break is one row, and a last line without a break is read.
    #[test]
    fn csv_empty_lines_are_rows_as_in_excel() {
        let shown = |text: &str| -> Vec<String> {
            let sheets = read_bytes(text.as_bytes(), "t.csv").expect("reads");
            sheets[0].rows.iter().map(|r| r.iter().map(Cell::text).collect::<Vec<_>>().join("|")).collect()
        };
        let text = "\u{feff}t\r\n\r\nh,i\r\na,\"x\r\ny\"\r\nb,\r\n\r\nc,\r\nd,\r\n";
        assert_eq!(shown(text), ["t", "", "h|i", "a|x  y", "b|", "", "c|", "d|"]);
        assert_eq!(shown("\n\nh\n\n\nz"), ["", "", "h", "", "", "z"]);
        assert_eq!(shown("h\n\"a\n\nb\"\n\nz\n\n"), ["h", "a  b", "", "z"], "an empty line inside a cell is no row");
        // Lines ending in CR LF, the last without a line break: the last row is the last line, not one below it.
        assert_eq!(shown("h\r\na\r\nb"), ["h", "a", "b"]);
        assert_eq!(shown("h\r\na\r\n\r\nb"), ["h", "a", "", "b"]);
        assert_eq!(shown("\r\n\r\nh\r\n\"a\r\nx\"\r\n\r\nb"), ["", "", "h", "a  x", "", "b"]);
        assert_eq!(shown("h\r\na\r\nb\r\n\r\n"), ["h", "a", "b"]);
    }

    /// A sheet's head is held up to the rows asked for, and the sheet goes on from it whole; a sheet no longer
    /// than that is held whole.
    #[test]
    fn a_sheets_head_is_held_no_further_than_asked() {
        let sheet =
            |n: usize| Sheet { name: "说明".into(), rows: (0..n).map(|i| vec![Cell::Text(i.to_string())]).collect() };
        let mut rows = SheetRows::from(sheet(10));
        assert!(!rows.hold_head(3, 100).expect("held"));
        assert_eq!(rows.held_rows().len(), 3);
        let read: Vec<String> = rows.map(|r| r.expect("row")[0].text()).collect();
        assert_eq!(read, (0..10).map(|i| i.to_string()).collect::<Vec<_>>());
        let mut rows = SheetRows::from(sheet(10));
        assert!(!rows.hold_head(100, 4).expect("held"), "held no further than the cells asked for");
        assert_eq!(rows.held_rows().len(), 4);
        let mut rows = SheetRows::from(sheet(3));
        assert!(rows.hold_head(3, 100).expect("held") || rows.held_rows().len() == 3);
        let mut rows = SheetRows::from(sheet(2));
        assert!(rows.hold_head(3, 100).expect("held"));
        assert_eq!(rows.count(), 2);
    }

    #[test]
    fn gbk_is_detected() {
        let (gbk, _, _) = encoding_rs::GBK.encode("姓名,身份证号\n张三,1\n");
        let sheets = read_bytes(&gbk, "t.csv").expect("reads");
        assert_eq!(sheets[0].rows[0][0], Cell::Text("姓名".into()));
        assert_eq!(decode(&gbk).1, "GB18030");
        // A UTF-8 file with one stray byte stays UTF-8: only the damaged cell is lost, not the whole file.
        let mut damaged = "姓名,身份证号码,班级\n张三,11010520150101123X,一年级1班\n".repeat(5).into_bytes();
        damaged.insert(damaged.len() - 1, 0xFF);
        let (text, encoding) = decode(&damaged);
        assert_eq!(encoding, "UTF-8");
        assert!(text.starts_with("姓名,身份证号码"));
        assert_eq!(text.matches('\u{fffd}').count(), 1);
    }

    #[test]
    fn a_utf8_file_with_gbk_rows_glued_on_is_utf8() {
        // A teacher's UTF-8 list with rows appended from a GBK export, too many to pass as a stray byte.
        let mut bytes = "姓名,身份证号码,班级\r\n陈一,450215201401011014,六年级1班\r\n".as_bytes().to_vec();
        let (gbk, _, _) = encoding_rs::GBK.encode("林一号,450215201402021029,六年级1班\r\n林二号,1,六年级1班\r\n");
        bytes.extend_from_slice(&gbk);
        let (text, encoding) = decode(&bytes);
        assert_eq!(encoding, "UTF-8");
        assert!(text.starts_with("姓名,身份证号码,班级\r\n陈一"), "{text}");
        assert!(text.lines().nth(2).is_some_and(|l| l.contains('\u{fffd}')), "{text}");
        // A GBK file stays GBK.
        assert_eq!(decode(&gbk).1, "GB18030");
    }

    #[test]
    fn a_formula_is_kept_as_typed_and_padded_numbers_are_cleaned() {
        let text = |s: &str| Cell::Text(s.into()).text();
        assert_eq!(text("\t=1+1"), "=1+1", "a tab-neutralised formula is the formula");
        assert_eq!(text("'=1+1"), "=1+1", "the apostrophe a CSV export put before it is no part of the text");
        assert_eq!(text("@SUM(1)"), "@SUM(1)");
        assert_eq!(text("\t450202201501011234"), "450202201501011234", "an ID padded with a tab is clean");
        assert_eq!(text("\t-12.5"), "-12.5");
        assert_eq!(text("=HYPERLINK(\"x\")"), "=HYPERLINK(\"x\")", "stored as typed, made safe only on export");
        assert_eq!(text("+86 138-0013-8000"), "+86 138-0013-8000");
        assert_eq!(text("-"), "-");
        assert_eq!(text("  张三 "), "张三");
    }

    #[test]
    fn invisible_characters_are_removed() {
        let cell = Cell::Text("李\u{200b}四\u{202e}\u{1b}".into());
        assert!(cell.has_invisible());
        assert_eq!(cell.text(), "李四");
        assert!(!Cell::Text("\t4502 李四\r\n".into()).has_invisible(), "tabs and line ends are only spacing");
        assert!(Cell::Text("\u{200b}\u{feff}".into()).is_empty());
    }

    #[test]
    fn formula_cells_are_neutralised_for_csv_and_numbers_are_not() {
        for f in ["=1+1", "+SUM(A1)", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"http://x\",\"点\")"] {
            assert_eq!(neutralise_formula(f), format!("'{f}"), "{f:?}");
        }
        for plain in ["-12.5", "+8613800000000", "450202201501011234", "45020220150101123X", "张三", "'=1", ""] {
            assert_eq!(neutralise_formula(plain), plain, "{plain:?}");
        }
    }

    #[test]
    fn web_pages_and_spreadsheetml_saved_as_xls_are_read_and_named_when_they_cannot_be() {
        let html = "\u{feff}<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><body><table><tr><td>姓名</td></tr></table>";
        let sheets = read_bytes(html.as_bytes(), "名单.xls").expect("read");
        assert_eq!(sheets[0].rows, [vec![Cell::Text("姓名".into())]]);
        // A page saying UTF-8 and written in GBK, as school systems' pages often do: read as its bytes are.
        let lying = "<meta charset=\"utf-8\"><table><tr><td>韦明亮</td></tr></table>";
        let sheets = read_bytes(&encoding_rs::GBK.encode(lying).0, "名单.xls").expect("read");
        assert_eq!(sheets[0].rows, [vec![Cell::Text("韦明亮".into())]]);
        let xml =
            "<?xml version=\"1.0\"?>\n<Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"><Worksheet>";
        let cut_html = "<html><body><table><tr><td>姓名";
        for (bytes, word) in [(cut_html, "HTML"), (xml, "SpreadsheetML")] {
            let err = read_bytes(bytes.as_bytes(), "名单.xls").expect_err("refused");
            assert!(matches!(err, ReadError::Disguised { .. }) && err.to_string().contains(word), "{err}");
            assert!(err.to_string().contains("名单.xls") && err.to_string().contains("中途结束"), "{err}");
        }
        assert!(
            read_bytes("姓名,身份证号码\n<b>张三</b>,1\n".as_bytes(), "t.csv").is_ok(),
            "a CSV with a tag in a cell"
        );
    }

    #[test]
    fn bom_and_tabs() {
        let sheets = read_bytes("\u{feff}姓名\t班级\n张三\t1班\n".as_bytes(), "t.txt").expect("reads");
        assert_eq!(sheets[0].rows[1], vec![Cell::Text("张三".into()), Cell::Text("1班".into())]);
    }

    #[test]
    fn utf16_without_a_bom_is_text() {
        let text =
            "学校名称：柳州市城中区实验小学\r\n姓名\t身份证号码\t班级\r\n张一\t450202201504050017\t一年级1班\r\n";
        let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (bytes, order) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
            assert!(!looks_binary(&bytes), "{order}");
            assert_eq!(decode(&bytes), (text.to_owned(), order));
            let sheets = read_bytes(&bytes, "u.txt").expect(order);
            assert_eq!(sheets[0].rows[2][0], Cell::Text("张一".into()), "{order}");
        }
        // Zero bytes on both sides, or in pairs, are no text.
        assert_eq!(bomless_utf16(&[0, 1, 0, 2, 3, 0, 4, 0, 0, 0, 5, 6, 0, 7, 8, 0, 9, 0]), None);
        assert_eq!(bomless_utf16("姓名,身份证号\n".as_bytes()), None);
    }

    #[test]
    fn a_workbook_with_a_password_to_open_says_so() {
        let locked = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/password.xlsx"));
        match read_bytes(&locked.expect("fixture"), "名单.xlsx") {
            Err(e @ ReadError::Encrypted { .. }) => {
                let said = e.to_string();
                assert!(said.contains("设有打开密码") && said.contains("名单.xlsx"), "{said}");
            }
            other => panic!("expected Encrypted, got {other:?}"),
        }
    }

    #[test]
    fn binary_is_refused() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
        assert!(
            matches!(read_bytes(png, "x.csv"), Err(ReadError::NotASpreadsheet { what, .. }) if what.contains("图片"))
        );
        assert!(matches!(read_bytes(b"\0\x01\x02\x03\x04\x05", "x.csv"), Err(ReadError::NotATable { .. })));
        // A PDF is mostly text: read as CSV it wanted a header row.
        let pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n";
        assert!(
            matches!(read_bytes(pdf, "x.xlsx"), Err(ReadError::NotASpreadsheet { what, .. }) if what.contains("PDF"))
        );
        assert!(matches!(read_bytes(b"", "x.csv"), Err(ReadError::Empty { .. })));
        // A zip's start with no end: cut short, as a copy not finished leaves one.
        assert!(matches!(read_bytes(b"PK\x03\x04garbage", "x.xlsx"), Err(ReadError::CutShort { .. })));
        let mut ended = b"PK\x03\x04garbage".to_vec();
        ended.extend_from_slice(b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
        let damaged = read_bytes(&ended, "x.xlsx");
        assert!(damaged.is_err() && !matches!(damaged, Err(ReadError::CutShort { .. })), "{damaged:?}");
    }

    #[test]
    fn unterminated_quote_is_an_error_with_its_row() {
        let text = "姓名,身份证号码\n王五,1\n\"张三,1\n李四,2\n";
        match read_bytes(text.as_bytes(), "u.csv") {
            Err(ReadError::BadRow { row, .. }) => assert_eq!(row, 3),
            other => panic!("expected BadRow, got {other:?}"),
        }
        // A quoted cell with a line break inside is fine when the quote closes.
        assert!(read_bytes("姓名,备注\n张三,\"两行\n备注\"\n".as_bytes(), "ok.csv").is_ok());
        // One that the file ends inside, as a file still being copied does, swallowed no row: the rows above are
        // read, and the last is marked cut off inside a quote, for the reader to leave out.
        for cut in ["姓名,备注\n张三,x\n李四,\"两行\n备", "姓名,备注\r\n张三,x\r\n李四,\"两行\"\"是\"\"\r\n"]
        {
            let mut sheets = open_bytes(cut.as_bytes().to_vec(), "cut.csv").expect("read");
            let rows: Vec<Vec<Cell>> = sheets[0].by_ref().collect::<Result<_, _>>().expect(cut);
            assert_eq!(rows.len(), 3, "{cut:?}");
            assert_eq!(sheets[0].unended(), Some(Unended { row: 3, in_quote: true }), "{cut:?}");
        }
        // A line of the open cell as wide as the rows above is a row, or the rest of one, that the quote swallowed.
        for swallowed in ["姓名,身份证号码,备注\n张三,1,\"两行\n李四,2,x\n", "姓名,身份证号码,备注\n\"张三,1,x\n"]
        {
            assert!(matches!(read_bytes(swallowed.as_bytes(), "u.csv"), Err(ReadError::BadRow { row: 2, .. })));
        }
    }

    /// A CSV row past a class list's bounds (a cell over 384 KB, a row over 1 MB, a quote never closed, more
    /// cells than a worksheet's columns) refuses the file at its row as soon as it is met, in any encoding and
    /// wherever the row is, with the csv reader handed no more of the text than the bound: a line of 40 MB took
    /// 260 MB and more to refuse, and a row of 20,000 cells was refused only once every row was parsed.
    #[test]
    fn a_csv_row_past_its_bounds_is_refused_at_its_row_read_no_further() {
        let header = "姓名,身份证号码,班级\n";
        let pupil = "张三,110105194912310021,一年级1班\n";
        let long = "长".repeat(2 * 1024 * 1024 / 3);
        let middle = 500 * 1024;
        let refused = |text: Vec<u8>| -> (usize, String, usize) {
            let mut rows = CsvRows::new(text, "名单.csv");
            loop {
                match rows.next() {
                    Some(Ok(_)) => continue,
                    Some(Err(ReadError::BadRow { file, row, reason })) => {
                        assert_eq!(file, "名单.csv");
                        assert!(rows.next().is_none(), "nothing after the refusal");
                        return (row, reason, rows.reader.position().byte() as usize);
                    }
                    other => panic!("refused at a row, not {other:?}"),
                }
            }
        };
        let cell_b = "B 列的单元格超过 384 KB";
        let cases: Vec<(&str, String, usize, &str)> = vec![
            ("a long cell between rows", format!("{header}{pupil}李四,{long},一年级1班\n{pupil}"), 3, cell_b),
            ("a long first line", format!("{long}\n{header}{pupil}"), 1, "A 列的单元格超过 384 KB"),
            ("a long last line, unended", format!("{header}{pupil}\n李四,{long}"), 4, cell_b),
            ("a long line after empty lines", format!("{header}\r\n\r\n李四,{long}\r\n{pupil}"), 4, cell_b),
            ("a cell over 384 KB within 1 MB", format!("{header}李四,{}\n{pupil}", "x".repeat(middle)), 2, cell_b),
            (
                "a long quoted cell of many lines, closed",
                format!("{header}李四,\"{}\",一年级1班\n{pupil}", "备注\n".repeat(300_000)),
                2,
                cell_b,
            ),
            (
                "a quote never closed",
                format!("{header}{pupil}李四,\"备注\n{}", pupil.repeat(40_000)),
                3,
                "B 列的单元格以引号开头，但这个引号直到文件末尾都没有闭合",
            ),
            (
                "a row of many short cells over 1 MB",
                format!("{header}{pupil}{}\n", vec!["x".repeat(1100); 1000].join(",")),
                3,
                "这一行超过 1024 KB",
            ),
            (
                "a row wider than a worksheet",
                format!("{header}{pupil}{}\n", vec!["1"; 16_385].join(",")),
                3,
                "有 16385 列",
            ),
            (
                "a long row of separators only",
                format!("{header}{pupil}{}\n", ",".repeat(3 * 1024 * 1024)),
                3,
                "超过 16384 列",
            ),
        ];
        for (what, text, row, said) in cases {
            let len = text.len();
            for (encoding, bytes) in
                [("UTF-8", text.clone().into_bytes()), ("GBK", encoding_rs::GBK.encode(&text).0.into_owned())]
            {
                let (at, reason, read_to) = refused(bytes);
                assert_eq!(at, row, "{what} ({encoding}): {reason}");
                assert!(reason.contains(said), "{what} ({encoding}): {reason}");
                let english = crate::words::in_language(&reason, crate::words::Language::En);
                assert!(english.contains("import again") && !english.contains("列"), "{what}: {english}");
                // Read no further than the bound past the rows before it.
                assert!(
                    read_to <= 2 * MAX_CSV_RECORD_BYTES + 64 || read_to == len,
                    "{what} ({encoding}): read to {read_to}"
                );
            }
        }
        // Within the bounds a list reads as before: a cell of 300 KB, a row as wide as a worksheet, a quoted cell of
        // many lines, and more than a bound's worth of empty lines before a row (rows of their own, not its text).
        let wide = vec!["1"; 16_384].join(",");
        let blanks = "\n".repeat(MAX_CSV_RECORD_BYTES + 10);
        let text = format!(
            "{header}李四,{},一年级1班\n{wide}\n王五,\"两行\n备注\",一年级1班\n{blanks}{pupil}",
            "x".repeat(300 * 1024)
        );
        let mut csv = CsvRows::new(text.into_bytes(), "名单.csv");
        let rows: Vec<Vec<Cell>> = std::iter::from_fn(|| csv.next()).collect::<Result<_, _>>().expect("reads");
        assert_eq!(rows.len(), 4 + blanks.len() + 1);
        assert_eq!(rows[1][1].text().len(), 300 * 1024);
        assert_eq!(rows[2].len(), 16_384);
        assert_eq!(rows.last().map(|r| r[0].text()), Some("张三".to_owned()));
    }

    /// A stop asked for while a file is read (`Stop`) ends the reading at once, whatever the file: its bytes, a
    /// workbook being opened, a CSV's or a sheet's next row. Nothing is handed out after it.
    #[test]
    fn a_stop_ends_the_reading_of_any_file() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        let flag = Arc::new(AtomicBool::new(false));
        let stop = Stop::when(Some(Arc::clone(&flag)));
        let stopped = |e: &ReadError, name: &str| matches!(e, ReadError::Stopped { file } if file == name);
        let csv = format!("姓名,身份证号码\n{}", "张三,110105194912310021\n".repeat(1000));
        let mut rows = open_bytes_watching(csv.clone().into_bytes(), "名单.csv", &stop).expect("opens").remove(0);
        for _ in 0..100 {
            rows.next().expect("a row").expect("read");
        }
        flag.store(true, Ordering::Relaxed);
        let said = rows.next().expect("the stop").expect_err("stopped");
        assert!(stopped(&said, "名单.csv"), "{said:?}");
        assert!(said.to_string().contains("未导入任何内容") && said.to_string().contains("nothing imported"));
        assert!(rows.next().is_none(), "nothing after the stop");
        // Asked before: each kind of file stops before a row of it is handed out, or while it is opened.
        let fixture = |name: &str| std::fs::read(format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR")));
        let files = [
            ("名单.csv", csv.into_bytes()),
            ("名单.xlsx", fixture("multi_sheet.xlsx").expect("xlsx")),
            ("名单.xls", fixture("split_grade_class.xls").expect("xls")),
            ("名单.ods", ods_with_hidden_rows()),
        ];
        for (name, bytes) in files {
            assert!(open_bytes(bytes.clone(), name).is_ok_and(|sheets| !sheets.is_empty()), "{name} reads unstopped");
            match open_bytes_watching(bytes, name, &stop) {
                Err(e) => assert!(stopped(&e, name), "{name}: {e:?}"),
                Ok(mut sheets) => {
                    let first = sheets[0].next().expect("the stop").expect_err("stopped");
                    assert!(stopped(&first, name), "{name}: {first:?}");
                }
            }
        }
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("名单.csv");
        std::fs::write(&path, "姓名,身份证号码\n").expect("write");
        let said = file_bytes_watching(&path, &stop).expect_err("stopped");
        assert!(matches!(&said, ReadError::Stopped { file } if file.ends_with("名单.csv")), "{said:?}");
    }

    /// An ODS of one sheet 一班 as LibreOffice saves it: column C hidden, row 3 hidden by hand and row 4 by a
    /// filter, the empty rows to the sheet's end hidden too.
    fn ods_with_hidden_rows() -> Vec<u8> {
        let cell =
            |t: &str| format!("<table:table-cell office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>");
        let row = |visibility: &str, cells: &[&str]| {
            let cells: String = cells.iter().map(|t| cell(t)).collect();
            format!("<table:table-row{visibility}>{cells}</table:table-row>")
        };
        let table = format!(
            "<table:table table:name=\"一班\">\
             <table:table-column table:number-columns-repeated=\"2\"/>\
             <table:table-column table:visibility=\"collapse\"/>{}{}{}{}\
             <table:table-row table:number-rows-repeated=\"1048572\" table:visibility=\"collapse\">\
             <table:table-cell table:number-columns-repeated=\"3\"/></table:table-row>\
             </table:table>",
            row("", &["姓名", "身份证号码", "备注"]),
            row("", &["张三", "450202201703051233", ""]),
            row(" table:visibility=\"collapse\"", &["李四", "450202201704062348", ""]),
            row(" table:visibility=\"filter\"", &["王五", "450202201603051236", ""]),
        );
        ods_of("", &table)
    }

    /// An ODS as LibreOffice saves it, holding `tables` (`<table:table>` elements), `doctype` before its content.
    fn ods_of(doctype: &str, tables: &str) -> Vec<u8> {
        use std::io::Write;
        let content = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>{doctype}<office:document-content \
             xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
             xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
             xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
             <office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
        );
        let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest \
             xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
             <manifest:file-entry manifest:full-path=\"/\" \
             manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
             <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
             </manifest:manifest>";
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (name, text) in [
            ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
            ("META-INF/manifest.xml", manifest),
            ("content.xml", content.as_str()),
        ] {
            out.start_file(name, stored).expect("entry");
            out.write_all(text.as_bytes()).expect("write");
        }
        out.finish().expect("zip").into_inner()
    }

    #[test]
    fn an_ods_says_its_hidden_rows_and_columns_as_an_xlsx_does() {
        let sheets = open_bytes(ods_with_hidden_rows(), "a.ods").expect("reads");
        assert_eq!(sheets.len(), 1);
        let sheet = &sheets[0];
        assert_eq!(sheet.name, "一班");
        assert_eq!(&sheet.hidden_rows[..2], [3, 4]);
        assert!(sheet.hidden_rows.len() <= 1 << 20, "{}", sheet.hidden_rows.len());
        assert_eq!(sheet.hidden_columns, [2]);
        let rows = read_bytes(&ods_with_hidden_rows(), "a.ods").expect("reads").remove(0).rows;
        // Rows as numbered on screen: the hidden ones are where their numbers say.
        assert_eq!(rows[2][0], Cell::Text("李四".into()));
        assert_eq!(rows[3][0], Cell::Text("王五".into()));
    }

    /// An ODS sheet of a header and a pupil, then `last` (a row element).
    fn ods_pupil_then(last: &str) -> Vec<u8> {
        let cell =
            |t: &str| format!("<table:table-cell office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>");
        ods_of(
            "",
            &format!(
                "<table:table table:name=\"一班\"><table:table-row>{}{}</table:table-row>\
                 <table:table-row>{}{}</table:table-row>{last}</table:table>",
                cell("姓名"),
                cell("身份证号码"),
                cell("张三"),
                cell("450202201703051233")
            ),
        )
    }

    #[test]
    fn an_ods_row_with_content_repeated_past_a_sheets_last_row_is_refused_before_it_is_read() {
        // A 1 KB file asking for one pupil's row a billion times: calamine would make a million copies of it.
        let repeated = "<table:table-row table:number-rows-repeated=\"1000000000\">\
             <table:table-cell office:value-type=\"string\"><text:p>重复</text:p></table:table-cell></table:table-row>";
        match open_bytes(ods_pupil_then(repeated), "a.ods").map(|_| ()) {
            Err(ReadError::BadSpreadsheet { reason, .. }) => {
                assert!(reason.contains("“一班”第 3 行") && reason.contains("1000000000"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        // A cell with content repeated past the last column.
        let wide = "<table:table-row><table:table-cell office:value-type=\"float\" office:value=\"1\" \
             table:number-columns-repeated=\"100000\"/></table:table-row>";
        assert!(matches!(open_bytes(ods_pupil_then(wide), "a.ods"), Err(ReadError::BadSpreadsheet { .. })));
        // Empty rows and cells repeated to the sheet's end, as LibreOffice writes them, and a pupil in its last row.
        let empty = "<table:table-row table:number-rows-repeated=\"1048573\">\
             <table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>\
             <table:table-row><table:table-cell office:value-type=\"string\"><text:p>李四</text:p></table:table-cell>\
             </table:table-row>";
        let rows = read_bytes(&ods_pupil_then(empty), "a.ods").expect("reads").remove(0).rows;
        assert_eq!(rows.len(), 1 << 20);
        assert_eq!(rows[(1 << 20) - 1][0], Cell::Text("李四".into()));
    }

    #[test]
    fn an_ods_cell_of_text_alone_repeated_past_the_last_column_is_refused() {
        // No value type: only its text says it holds something, as a hand-made file writes it.
        let wide = "<table:table-row><table:table-cell table:number-columns-repeated=\"100000\">\
             <text:p>重复</text:p></table:table-cell></table:table-row>";
        match open_bytes(ods_pupil_then(wide), "a.ods").map(|_| ()) {
            Err(ReadError::BadSpreadsheet { reason, .. }) => {
                assert!(reason.contains("“一班”第 3 行") && reason.contains("16384"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        // Its text in a paragraph of its own, as LibreOffice nests it, and a run of empty cells after it.
        let nested = "<table:table-row><table:table-cell table:number-columns-repeated=\"20000\">\
             <text:p><text:span>重复</text:span></text:p></table:table-cell></table:table-row>";
        assert!(matches!(open_bytes(ods_pupil_then(nested), "a.ods"), Err(ReadError::BadSpreadsheet { .. })));
        let empty = "<table:table-row><table:table-cell table:number-columns-repeated=\"100000\"><text:p/>\
             </table:table-cell></table:table-row>";
        assert!(open_bytes(ods_pupil_then(empty), "a.ods").is_ok());
    }

    #[test]
    fn an_ods_run_of_empty_rows_between_pupils_is_not_made_into_cells_and_no_row_moves() {
        let run = "<table:table-row table:number-rows-repeated=\"1000000\">\
             <table:table-cell table:number-columns-repeated=\"2\"/></table:table-row>\
             <table:table-row><table:table-cell office:value-type=\"string\"><text:p>李四</text:p></table:table-cell>\
             </table:table-row>";
        let mut sheets = open_bytes(ods_pupil_then(run), "a.ods").expect("reads");
        let sheet = sheets.remove(0);
        // The run is one row to the reader, its other rows handed out empty as the sheet passes.
        assert!(matches!(sheet.source, RowSource::Gapped(_)));
        let rows: Vec<Vec<Cell>> = sheet.collect::<Result<_, _>>().expect("rows");
        assert_eq!(rows.len(), 2 + 1_000_000 + 1);
        assert_eq!(rows[1][0], Cell::Text("张三".into()));
        assert!(rows[2..1_000_002].iter().all(Vec::is_empty));
        assert_eq!(rows[1_000_002], vec![Cell::Text("李四".into())]);
    }

    /// An XLSX of a header and two pupils, then `more` rows inside its sheet data.
    fn xlsx_then(more: &str) -> Vec<u8> {
        use std::io::{Read, Write};
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (r, (name, number)) in
            [("姓名", "身份证号码"), ("张三", "450202201603011234"), ("李四", "450202201603021248")]
                .into_iter()
                .enumerate()
        {
            sheet.write_string(r as u32, 0, name).expect("cell");
            sheet.write_string(r as u32, 1, number).expect("cell");
        }
        let bytes = book.save_to_buffer().expect("xlsx");
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).expect("entry");
            let name = entry.name().expect("name").into_owned();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).expect("read");
            if name == "xl/worksheets/sheet1.xml" {
                let text = String::from_utf8(content).expect("utf-8");
                content = text.replacen("</sheetData>", &format!("{more}</sheetData>"), 1).into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default()).expect("entry");
            out.write_all(&content).expect("write");
        }
        out.finish().expect("zip").into_inner()
    }

    #[test]
    fn rows_without_values_are_left_out_of_what_the_reader_is_handed_and_no_row_moves() {
        // Rows without their numbers, a pupil among them, then styled empty cells row after row.
        let mut more = "<row><c s=\"0\"/><c s=\"0\"></c></row>".repeat(60_000);
        more.push_str(r#"<row><c t="inlineStr"><is><t>王五</t></is></c></row>"#);
        for r in 60_005..=120_000 {
            more.push_str(&format!(r#"<row r="{r}"><c r="A{r}" s="0"/><c r="B{r}" s="0"/></row>"#));
        }
        let bytes = xlsx_then(&more);
        let scan = xlsx_scan(&bytes, &|| false).expect("scan");
        assert_eq!(scan.trimmed.len(), 1);
        let (_, sheet) = &scan.trimmed[0];
        assert!(sheet.len() < 4096, "{}", String::from_utf8_lossy(sheet));
        // The same cells in the same rows as calamine reads from the whole part.
        let streamed = read_bytes(&bytes, "a.xlsx").expect("reads");
        assert_eq!(streamed, read_whole(&bytes, "a.xlsx").expect("whole"));
        assert_eq!(streamed[0].rows.len(), 60_004);
        assert_eq!(streamed[0].rows[60_003], vec![Cell::Text("王五".into())]);
    }

    #[test]
    fn an_ods_that_says_it_inflates_past_the_bound_is_refused_before_it_is_inflated() {
        let mut bytes = ods_pupil_then("");
        // The central directory's record of content.xml: its inflated size, 24 bytes in, said as 2 GiB.
        let at = memchr::memmem::find_iter(&bytes, b"PK\x01\x02")
            .find(|&at| bytes[at + 46..].starts_with(b"content.xml"))
            .expect("content.xml");
        bytes[at + 24..at + 28].copy_from_slice(&0x8000_0000u32.to_le_bytes());
        match open_bytes(bytes, "a.ods").map(|_| ()) {
            Err(ReadError::BadSpreadsheet { reason, .. }) => assert!(reason.contains("解压后过大"), "{reason}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_ods_that_cannot_be_read_is_said_as_a_spreadsheet_not_an_excel_workbook() {
        let laughs = "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>";
        let bytes = ods_of(
            laughs,
            "<table:table table:name=\"a\"><table:table-row><table:table-cell \
             office:value-type=\"string\"><text:p>&lol2;</text:p></table:table-cell></table:table-row></table:table>",
        );
        let e = open_bytes(bytes, "a.ods").map(|_| ()).expect_err("refused");
        let said = e.to_string();
        assert!(matches!(e, ReadError::BadSpreadsheet { .. }) && !said.contains("Excel 工作簿"), "{said}");
    }

    /// An XLSX whose workbook uses the 1904 date system, as Mac Excel saves it: rust_xlsxwriter writes 1900
    /// only, so the flag is set in `xl/workbook.xml` afterwards.
    fn xlsx_1904(day_number: f64) -> Vec<u8> {
        use std::io::{Read, Write};
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        sheet.write_string(0, 0, "缴费日期").expect("cell");
        sheet.write_number_with_format(1, 0, day_number, &date).expect("cell");
        let bytes = book.save_to_buffer().expect("xlsx");
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).expect("entry");
            let name = entry.name().expect("name").into_owned();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).expect("read");
            if name == "xl/workbook.xml" {
                let text = String::from_utf8(content).expect("utf-8");
                assert!(text.contains("<workbookPr"), "{text}");
                content = text.replacen("<workbookPr", "<workbookPr date1904=\"1\"", 1).into_bytes();
            }
            out.start_file(name, zip::write::SimpleFileOptions::default()).expect("entry");
            out.write_all(&content).expect("write");
        }
        out.finish().expect("zip").into_inner()
    }

    #[test]
    fn xlsx_dates_follow_the_workbooks_date_system() {
        // 2022-10-15 is day 43_387 counted from 1904-01-01 (day 44_849 from 1899-12-30); read as 1900 it was
        // 2018-10-14.
        let sheets = read_bytes(&xlsx_1904(43_387.0), "mac.xlsx").expect("reads");
        assert_eq!(sheets[0].rows[1][0], Cell::Text("2022-10-15".into()));
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        sheet.write_number_with_format(0, 0, 44_849.0, &date).expect("cell");
        let sheets = read_bytes(&book.save_to_buffer().expect("xlsx"), "pc.xlsx").expect("reads");
        assert_eq!(sheets[0].rows[0][0], Cell::Text("2022-10-15".into()));
    }

    #[test]
    fn cells_far_apart_do_not_make_the_rectangle_between_them() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "姓名").expect("cell");
        sheet.write_string(1_048_575, 16_383, "x").expect("cell");
        let bytes = book.save_to_buffer().expect("xlsx");
        // calamine's own range reader asks for the 17 billion cells between them, and the process aborts.
        let sheets = read_bytes(&bytes, "far.xlsx").expect("two cells are a small sheet");
        assert_eq!(sheets[0].rows.len(), 1_048_576);
        assert_eq!(sheets[0].rows[1].len(), 0);
        assert_eq!(sheets[0].rows[1_048_575].len(), 16_384);

        let mut rows = Rows::new("m.xlsx");
        rows.put(0, 0, Cell::Text("一年级".into())).expect("cell");
        rows.put(1_000_000, 0, Cell::Text("x".into())).expect("cell");
        let whole_sheet = calamine::Dimensions { start: (0, 0), end: (1_048_575, 16_383) };
        assert!(matches!(fill_merged(&mut rows, &[whole_sheet]), Err(ReadError::TooLarge { .. })));
    }

    #[test]
    fn merges_are_looked_for_only_where_a_sheet_has_them() {
        let plain = |merge: bool| {
            let mut book = rust_xlsxwriter::Workbook::new();
            book.add_worksheet().write_string(0, 0, "姓名").expect("cell");
            let second = book.add_worksheet();
            second.write_string(0, 0, "班级").expect("cell");
            if merge {
                second.merge_range(1, 0, 3, 0, "一年级1班", &rust_xlsxwriter::Format::new()).expect("merge");
                for row in 1..=3 {
                    second.write_string(row, 1, "张三").expect("cell");
                }
            }
            book.save_to_buffer().expect("xlsx")
        };
        assert!(!xlsx_has_merges(&plain(false)));
        assert!(xlsx_has_merges(&plain(true)), "a merge on the second sheet is found");
        let merged = read_bytes(&plain(true), "m.xlsx").expect("reads");
        assert_eq!(merged[1].rows[3][0], Cell::Text("一年级1班".into()), "and still filled");
        assert!(xlsx_has_merges(b"PK\x03\x04 not a zip"), "unreadable means maybe");
        // A namespace prefix and a backslashed, capitalised part name, as other writers make them.
        let zipped = |part: &str, xml: &str| {
            let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
            w.start_file(part, zip::write::SimpleFileOptions::default()).expect("part");
            std::io::Write::write_all(&mut w, xml.as_bytes()).expect("xml");
            w.finish().expect("zip").into_inner()
        };
        let dotnet = r#"<x:worksheet><x:mergeCells count="1"><x:mergeCell ref="A2:A30"/></x:mergeCells></x:worksheet>"#;
        assert!(xlsx_has_merges(&zipped("XL\\Worksheets\\Sheet1.xml", dotnet)));
        assert!(
            !xlsx_has_merges(&zipped("xl/sharedStrings.xml", "<si><t>mergeCell</t></si>")),
            "cell text is not a merge"
        );
    }

    /// An overlong text is named as such in a part packed as text packs, and as a file that unpacks too large in
    /// one packed as a zip bomb is.
    #[test]
    fn a_zip_bombs_run_is_said_to_unpack_too_large_and_a_long_cell_is_a_long_cell() {
        let zipped = |xml: &[u8], method: zip::CompressionMethod| {
            let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
            let options = zip::write::SimpleFileOptions::default().compression_method(method);
            w.start_file("xl/worksheets/sheet1.xml", options).expect("part");
            std::io::Write::write_all(&mut w, xml).expect("xml");
            w.finish().expect("zip").into_inner()
        };
        let cell =
            |text: Vec<u8>| [b"<worksheet><c><is><t>".to_vec(), text, b"</t></is></c></worksheet>".to_vec()].concat();
        let bomb = zipped(&cell(vec![b'A'; 8 * 1024 * 1024]), zip::CompressionMethod::Deflated);
        let said = xlsx_scan(&bomb, &|| false).err().expect("refused");
        assert!(said.contains("解压后过大") && said.contains("inflates too large"), "{said}");
        let typed: Vec<u8> = (0..MAX_XML_TEXT_BYTES + 1).map(|i| b"0123456789"[i * 7 % 10]).collect();
        let said = xlsx_scan(&zipped(&cell(typed), zip::CompressionMethod::Stored), &|| false).err().expect("refused");
        assert!(said.contains("384 KB") && !said.contains("解压后过大"), "{said}");
        assert!(said.contains("工作表（xl/worksheets/sheet1.xml）"), "where it is: {said}");
        // A megabyte of one pasted character packs as a bomb's run does, but the part is small: a long cell.
        let pasted = zipped(&cell(vec![b'A'; 1024 * 1024]), zip::CompressionMethod::Deflated);
        let said = xlsx_scan(&pasted, &|| false).err().expect("refused");
        assert!(said.contains("384 KB") && !said.contains("解压后过大"), "{said}");
    }

    #[test]
    fn merged_cells_fill_their_range_and_xlsx_cells_keep_their_places() {
        let mut rows = Rows::new("m.xlsx");
        rows.put(0, 1, Cell::Text("1班".into())).expect("cell");
        rows.put(2, 0, Cell::Text("张三".into())).expect("cell");
        fill_merged(&mut rows, &[calamine::Dimensions { start: (0, 1), end: (2, 1) }]).expect("fits");
        assert_eq!(rows.rows[2], vec![Cell::Text("张三".into()), Cell::Text("1班".into())]);
        assert_eq!(rows.rows[1], vec![Cell::Empty, Cell::Text("1班".into())]);

        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(2, 3, "姓名").expect("cell");
        sheet.write_number(4, 1, 2.0).expect("cell");
        let sheets = read_bytes(&book.save_to_buffer().expect("xlsx"), "p.xlsx").expect("reads");
        assert_eq!(sheets[0].rows.len(), 5);
        assert_eq!(sheets[0].rows[2].get(3), Some(&Cell::Text("姓名".into())));
        assert_eq!(sheets[0].rows[4], vec![Cell::Empty, Cell::Number(2.0)]);
    }

    /// Rows streamed from an XLSX, merges filled as they pass, are what the whole-file reader makes of it:
    /// a title merged across, a class merged down over its pupils, a range running past the last row, an
    /// empty merged range, and rows left empty between.
    #[test]
    fn streamed_rows_equal_the_whole_file_reader() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let plain = rust_xlsxwriter::Format::new();
        let sheet = book.add_worksheet().set_name("名单").expect("name");
        sheet.merge_range(0, 0, 0, 4, "某某小学学生花名册", &plain).expect("title");
        for (c, title) in ["序号", "姓名", "身份证号码", "班级"].iter().enumerate() {
            sheet.write_string(2, c as u16, *title).expect("header");
        }
        for p in 0..6u32 {
            sheet.write_number(3 + p, 0, f64::from(p + 1)).expect("seq");
            sheet.write_string(3 + p, 1, format!("学生{p}")).expect("name");
        }
        sheet.merge_range(3, 3, 5, 3, "一年级1班", &plain).expect("class");
        sheet.merge_range(6, 3, 12, 3, "一年级2班", &plain).expect("past the end");
        sheet.merge_range(20, 6, 21, 7, "", &plain).expect("empty range");
        let second = book.add_worksheet();
        second.write_string(4, 2, "只有一格").expect("cell");
        let bytes = book.save_to_buffer().expect("xlsx");
        let streamed = read_bytes(&bytes, "m.xlsx").expect("streams");
        let whole = read_whole(&bytes, "m.xlsx").expect("whole");
        assert_eq!(streamed, whole);
        assert_eq!(streamed[0].rows[4][3], Cell::Text("一年级1班".into()));
        assert_eq!(streamed[0].rows[8][3], Cell::Text("一年级2班".into()));
    }

    #[test]
    fn numbers_print_like_a_person_wrote_them() {
        assert_eq!(Cell::Number(2.0).text(), "2");
        assert_eq!(Cell::Number(13800138000.0).text(), "13800138000");
        assert_eq!(Cell::Number(2.5).text(), "2.5");
    }
}
