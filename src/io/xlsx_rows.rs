//! An XLSX worksheet's rows handed out as calamine reads them, by a thread of their own: a workbook of half a
//! million pupils is then never held as cells all at once (it was most of a large import's memory), and
//! reading the file overlaps with checking and storing the rows already read.

use std::io::Cursor;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use calamine::{DataRef, Reader, Xlsx};

use super::ReadError;
use super::cell::Cell;
use super::workbook::{MAX_CELLS, SharedBytes, contained, convert_ref, damaged, workbook_error};
use super::xlsx_digits::SheetDigits;

type Book = Xlsx<Cursor<SharedBytes>>;

/// The smallest number whose cell may hold more digits than its double: from 16 digits on (`xlsx_digits`).
const MIN_UNHELD: f64 = 1e15;

/// A sheet's name, whether Excel hides it, and its rows.
pub(super) type OpenSheet = (String, bool, StreamRows);

/// Rows sent together, and how many such batches may wait: a few thousand rows in memory at most.
const CHUNK: usize = 512;
const CHUNKS_WAITING: usize = 4;

enum Message {
    Rows(Vec<Vec<Cell>>),
    /// The sheet was read to its end.
    End,
    Failed(ReadError),
}

/// One worksheet's rows as the reading thread sends them.
pub(super) struct StreamRows {
    file: String,
    from_reader: Receiver<Message>,
    buffer: std::vec::IntoIter<Vec<Cell>>,
    finished: bool,
}

impl StreamRows {
    pub(super) fn next(&mut self) -> Option<Result<Vec<Cell>, ReadError>> {
        loop {
            if let Some(row) = self.buffer.next() {
                return Some(Ok(row));
            }
            if self.finished {
                return None;
            }
            match self.from_reader.recv() {
                Ok(Message::Rows(rows)) => self.buffer = rows.into_iter(),
                Ok(Message::End) => self.finished = true,
                Ok(Message::Failed(e)) => {
                    self.finished = true;
                    return Some(Err(e));
                }
                // The reader ended without saying why: the sheet is not known to be whole, so it is not passed
                // off as complete.
                Err(_) => {
                    self.finished = true;
                    return Some(Err(damaged(&self.file)));
                }
            }
        }
    }
}

/// The names of the sheets Excel hides (hidden or very hidden), as the workbook lists them (the whole-file reader asks too).
pub(super) fn hidden_sheets<RS: std::io::Read + std::io::Seek>(book: &impl calamine::Reader<RS>) -> Vec<String> {
    book.sheets_metadata()
        .iter()
        .filter(|s| s.visible != calamine::SheetVisible::Visible)
        .map(|s| s.name.clone())
        .collect()
}

/// Opens the workbook here and starts a thread that reads its sheets in order, each into its own channel, with
/// whether Excel hides the sheet; a sheet whose rows are no longer wanted (its `StreamRows` dropped) is skipped
/// by the reader. `merges`: the
/// file has merged cells somewhere, to be filled as rows pass. `None` when calamine cannot open the file as
/// XLSX: the caller's whole-file reader then judges it (another zip-based format, or a damaged file).
pub(super) fn open(bytes: SharedBytes, file: &str, merges: bool) -> Result<Option<Vec<OpenSheet>>, ReadError> {
    // Kept for the sheets with a number a double cannot hold, read once more for its digits (`xlsx_digits`).
    let whole = bytes.clone();
    let opened = contained(|| {
        let book: Option<Book> = calamine::open_workbook_from_rs(Cursor::new(bytes)).ok();
        book.map(|book| {
            let names = book.sheet_names();
            let hidden = hidden_sheets(&book);
            (book, names, hidden)
        })
    });
    let Some((book, names, hidden)) = opened.unwrap_or(None) else { return Ok(None) };
    if names.is_empty() {
        return Err(ReadError::BadWorkbook {
            file: file.to_owned(), reason: "工作簿中没有工作表 (no sheets)".into()
        });
    }
    let mut senders = Vec::with_capacity(names.len());
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let (to_sheet, from_reader) = sync_channel(CHUNKS_WAITING);
        senders.push((name.clone(), to_sheet));
        let rows = StreamRows { file: file.to_owned(), from_reader, buffer: Vec::new().into_iter(), finished: false };
        sheets.push((name.clone(), hidden.contains(&name), rows));
    }
    let owned = file.to_owned();
    std::thread::Builder::new()
        .name("xlsx-rows".into())
        .spawn(move || read_sheets(book, senders, &owned, merges, &whole))
        .map_err(|e| ReadError::unreadable(&e, std::path::Path::new(file)))?;
    Ok(Some(sheets))
}

fn read_sheets(
    mut book: Book,
    senders: Vec<(String, SyncSender<Message>)>,
    file: &str,
    merges: bool,
    bytes: &SharedBytes,
) {
    let mut senders = senders.into_iter();
    while let Some((name, to_sheet)) = senders.next() {
        let error = match contained(|| read_sheet(&mut book, &name, &to_sheet, file, merges, bytes)) {
            Some(Ok(())) => {
                let _ = to_sheet.send(Message::End);
                continue;
            }
            Some(Err(e)) => e,
            None => damaged(file),
        };
        // The import stops at the first failed sheet; every later one fails too, so that none of them can pass
        // for an empty sheet should the first failure go unread.
        let _ = to_sheet.send(Message::Failed(error));
        for (_, later) in senders {
            let _ = later.send(Message::Failed(ReadError::BadWorkbook {
                file: file.to_owned(),
                reason: format!("工作表“{name}”无法读取 (sheet {name} cannot be read)"),
            }));
        }
        return;
    }
}

/// Sends one sheet's rows in order: row `i` is the file's row `i + 1`, rows without cells are sent empty so the
/// numbering holds, and the sheet is refused once it would make more than `MAX_CELLS` rows and cells (the
/// positions come from the file, and one cell far out would otherwise make every row before it). A number cell
/// a double cannot hold whole is given the digits its text writes, when `xlsx_digits` takes them (`bytes`: the
/// file, read for them at the first such cell).
fn read_sheet(
    book: &mut Book,
    name: &str,
    to_sheet: &SyncSender<Message>,
    file: &str,
    merges: bool,
    bytes: &SharedBytes,
) -> Result<(), ReadError> {
    // calamine finds a sheet's merges by reading the sheet once more, so only a file that has some asks.
    let mut merged =
        Merged::new(if merges { book.merge_cells_by_sheet_name(name).unwrap_or_default() } else { Vec::new() });
    let mut reader = match book.worksheet_cells_reader(name) {
        Ok(reader) => reader,
        // A chart sheet: no cells, as calamine's own range reader has it.
        Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(()),
        Err(e) => return Err(workbook_error(file, e)),
    };
    let too_large = || ReadError::TooLarge { file: file.to_owned() };
    let mut chunk: Vec<Vec<Cell>> = Vec::with_capacity(CHUNK);
    let mut row: Vec<Cell> = Vec::new();
    let mut at = 0usize;
    let mut made = 0usize;
    let mut digits: Option<SheetDigits> = None;
    // With each cell's formula, if any: one whose result the file does not hold is kept as such, not passed over
    // as an empty cell.
    while let Some(cell) = reader.next_cell_with_formula_metadata().map_err(|e| workbook_error(file, e))? {
        let value = match (&cell.value, cell.formula) {
            (DataRef::Empty, None) => continue,
            (DataRef::Empty, Some(formula)) => Cell::Unevaluated(formula_text(formula)),
            // Most lists hold no number this long, and pay nothing for the few that do.
            (DataRef::Float(f), _) if f.abs() >= MIN_UNHELD => {
                let digits = digits.get_or_insert_with(|| super::xlsx_digits::sheet_numbers(bytes.as_ref(), name));
                match digits.get(&cell.pos) {
                    // The cell placed as the second reading placed it, and holding the same number: its digits.
                    Some(&whole) if whole as f64 == *f => Cell::Digits(whole.to_string()),
                    _ => Cell::Number(*f),
                }
            }
            (value, _) => convert_ref(value),
        };
        let (r, c) = cell.pos;
        let (r, c) = (r as usize, c as usize);
        if r < at {
            return Err(ReadError::BadWorkbook {
                file: file.to_owned(),
                reason: format!("工作表“{name}”的行顺序错乱 (rows of sheet {name} out of order)"),
            });
        }
        while at < r {
            let mut done = std::mem::take(&mut row);
            merged.fill(at, &mut done, &mut made).map_err(|()| too_large())?;
            chunk.push(done);
            at += 1;
            made += 1;
            if made > MAX_CELLS {
                return Err(too_large());
            }
            if chunk.len() == CHUNK && to_sheet.send(Message::Rows(std::mem::take(&mut chunk))).is_err() {
                return Ok(()); // No one reads this sheet any more.
            }
        }
        if row.len() <= c {
            made += c + 1 - row.len();
            if made > MAX_CELLS {
                return Err(too_large());
            }
            row.resize(c + 1, Cell::Empty);
        }
        row[c] = value;
    }
    if !row.is_empty() {
        merged.fill(at, &mut row, &mut made).map_err(|()| too_large())?;
        chunk.push(row);
    }
    if !chunk.is_empty() {
        let _ = to_sheet.send(Message::Rows(chunk));
    }
    Ok(())
}

/// A formula's text as the file writes it; a cell sharing another's formula gives none of its own.
fn formula_text(formula: calamine::XlsxFormulaMetadata) -> String {
    match formula {
        calamine::XlsxFormulaMetadata::Normal { formula } | calamine::XlsxFormulaMetadata::Shared { formula, .. } => {
            formula
        }
        _ => String::new(),
    }
}

/// A sheet's merged ranges, filled into its rows as they pass. A merged range shows one value over all its
/// cells (teachers merge a class column over its pupils), so every row of the range that has cells gets the
/// value in the range's empty cells, as the whole-file reader fills them (`table::fill_merged`): ranges that
/// overlap (hand-made files have them) fill in the file's order, and a range's value is its top-left cell as
/// the ranges before it in the file have left it.
struct Merged {
    /// By first row, taken in order as rows pass; each with its place in the file's list.
    waiting: std::vec::IntoIter<(usize, calamine::Dimensions)>,
    next: Option<(usize, calamine::Dimensions)>,
    /// Ranges under way, in the file's order.
    open: Vec<Open>,
    /// Cells the ranges have been laid over so far: `MAX_CELLS` at most, as in `table::fill_merged`.
    laid: usize,
}

struct Open {
    /// The range's place in the file's list.
    index: usize,
    last_row: usize,
    first_column: usize,
    last_column: usize,
    /// The value of its top-left cell; `None` until the range's first row is filled.
    value: Option<Cell>,
}

impl Merged {
    fn new(ranges: Vec<calamine::Dimensions>) -> Merged {
        let mut ranges: Vec<(usize, calamine::Dimensions)> = ranges.into_iter().enumerate().collect();
        ranges.sort_by_key(|(_, m)| m.start.0);
        let mut waiting = ranges.into_iter();
        let next = waiting.next();
        Merged { waiting, next, open: Vec::new(), laid: 0 }
    }

    /// Fills row `r` (complete) from the ranges over it; cells added count in `made`, `Err` past `MAX_CELLS`.
    fn fill(&mut self, r: usize, row: &mut Vec<Cell>, made: &mut usize) -> Result<(), ()> {
        let before = self.open.len();
        while let Some((index, m)) = self.next.filter(|(_, m)| m.start.0 as usize <= r) {
            self.next = self.waiting.next();
            // A range begins in its top-left row, the one passing now.
            self.open.push(Open {
                index,
                last_row: m.end.0 as usize,
                first_column: m.start.1 as usize,
                last_column: m.end.1 as usize,
                value: None,
            });
        }
        if self.open.len() > before {
            // Two sorted runs: a merge, not a sort from scratch.
            self.open.sort_by_key(|o| o.index);
        }
        // Ranges that have ended, or whose top-left cell is empty, are dropped as the others move up, in one pass.
        let mut kept = 0;
        for k in 0..self.open.len() {
            let o = &mut self.open[k];
            if o.last_row < r {
                continue;
            }
            if o.value.is_none() {
                match row.get(o.first_column).filter(|v| !v.is_empty()) {
                    Some(value) => o.value = Some(value.clone()),
                    None => continue,
                }
            }
            let (c0, c1) = (o.first_column, o.last_column);
            self.laid = self.laid.saturating_add((c1 + 1).saturating_sub(c0).max(1));
            if self.laid > MAX_CELLS {
                return Err(());
            }
            if row.len() <= c1 {
                *made += c1 + 1 - row.len();
                if *made > MAX_CELLS {
                    return Err(());
                }
                row.resize(c1 + 1, Cell::Empty);
            }
            if let Some(value) = &o.value {
                // `take` and `skip` rather than a slice: a range written backwards fills nothing.
                for cell in row.iter_mut().take(c1 + 1).skip(c0) {
                    if cell.is_empty() {
                        *cell = value.clone();
                    }
                }
            }
            self.open.swap(kept, k);
            kept += 1;
        }
        self.open.truncate(kept);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
