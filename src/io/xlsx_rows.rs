//! An XLSX worksheet's rows handed out as calamine reads them, by a thread of their own: a workbook of half a
//! million pupils is then never held as cells all at once (it was most of a large import's memory), and
//! reading the file overlaps with checking and storing the rows already read.

use std::io::Cursor;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use calamine::{DataRef, Reader, Xlsx};

use super::ReadError;
use super::table::{Cell, MAX_CELLS, SharedBytes, contained, convert_ref, damaged, workbook_error};

type Book = Xlsx<Cursor<SharedBytes>>;

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

/// Opens the workbook here and starts a thread that reads its sheets in order, each into its own channel; a
/// sheet whose rows are no longer wanted (its `StreamRows` dropped) is skipped by the reader. `merges`: the
/// file has merged cells somewhere, to be filled as rows pass. `None` when calamine cannot open the file as
/// XLSX: the caller's whole-file reader then judges it (another zip-based format, or a damaged file).
pub(super) fn open(
    bytes: SharedBytes,
    file: &str,
    merges: bool,
) -> Result<Option<Vec<(String, StreamRows)>>, ReadError> {
    let opened = contained(|| {
        let book: Option<Book> = calamine::open_workbook_from_rs(Cursor::new(bytes)).ok();
        book.map(|book| {
            let names = book.sheet_names();
            (book, names)
        })
    });
    let Some((book, names)) = opened.unwrap_or(None) else { return Ok(None) };
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
        sheets.push((name, rows));
    }
    let owned = file.to_owned();
    std::thread::Builder::new()
        .name("xlsx-rows".into())
        .spawn(move || read_sheets(book, senders, &owned, merges))
        .map_err(|e| ReadError::Unreadable { file: file.to_owned(), reason: e.to_string() })?;
    Ok(Some(sheets))
}

fn read_sheets(mut book: Book, senders: Vec<(String, SyncSender<Message>)>, file: &str, merges: bool) {
    let mut senders = senders.into_iter();
    while let Some((name, to_sheet)) = senders.next() {
        let error = match contained(|| read_sheet(&mut book, &name, &to_sheet, file, merges)) {
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
/// positions come from the file, and one cell far out would otherwise make every row before it).
fn read_sheet(
    book: &mut Book,
    name: &str,
    to_sheet: &SyncSender<Message>,
    file: &str,
    merges: bool,
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
    while let Some(cell) = reader.next_cell().map_err(|e| workbook_error(file, e))? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (r, c) = cell.get_position();
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
        row[c] = convert_ref(cell.get_value());
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
mod tests {
    use std::io::{Read, Write};

    use crate::io::class_list::{self, Input};
    use crate::io::table::open_bytes;
    use crate::store::Store;

    use super::*;

    /// A workbook with these sheets, each a header row and `pupils` numbered rows, after `titles` title rows.
    fn workbook(sheets: &[(&str, usize, usize)]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        for (month, &(name, titles, pupils)) in (1..).zip(sheets) {
            let sheet = book.add_worksheet().set_name(name).expect("name");
            for t in 0..titles {
                sheet.write_string(t as u32, 0, format!("说明第{t}行")).expect("cell");
            }
            if pupils > 0 {
                let header = titles as u32;
                sheet.write_string(header, 0, "姓名").expect("cell");
                sheet.write_string(header, 1, "身份证号码").expect("cell");
                for p in 0..pupils {
                    // A birth month per sheet: no pupil repeats another sheet's.
                    let body = format!("1101052015{month:02}{:02}{:03}", 1 + p / 1000, p % 1000);
                    let number = format!("{body}{}", crate::domain::id_number::check_char(body.as_bytes()));
                    sheet.write_string(header + 1 + p as u32, 0, format!("{name}学生{p}")).expect("cell");
                    sheet.write_string(header + 1 + p as u32, 1, number).expect("cell");
                }
            }
        }
        book.save_to_buffer().expect("xlsx")
    }

    /// The same workbook with one part's text changed.
    fn rewrite_part(bytes: &[u8], part: &str, change: impl Fn(String) -> String) -> Vec<u8> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).expect("entry");
            let name = entry.name().expect("name").into_owned();
            let mut text = Vec::new();
            entry.read_to_end(&mut text).expect("read");
            if name == part {
                text = change(String::from_utf8(text).expect("xml")).into_bytes();
            }
            let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
            out.start_file(name, stored).expect("start");
            out.write_all(&text).expect("write");
        }
        out.finish().expect("finish").into_inner()
    }

    fn import(bytes: Vec<u8>) -> Result<class_list::ImportReport, class_list::ImportError> {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("list.xlsx");
        std::fs::write(&path, bytes).expect("write");
        let mut store = Store::open_in_memory().expect("store");
        store.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let today = store.today();
        class_list::import_inputs(&mut store, vec![Input::Path(path)], None, "本校", today, false)
    }

    /// A long sheet with no header is given up after its first rows while the reader still has thousands to
    /// send: it moves on to the next sheet instead of waiting for it forever, and every pupil there arrives.
    #[test]
    fn a_sheet_left_unread_does_not_hold_up_the_next() {
        let bytes = workbook(&[("说明", 6 * CHUNK * CHUNKS_WAITING, 0), ("一班", 2, 1500), ("二班", 0, 3)]);
        let report = import(bytes).expect("imports");
        assert_eq!(report.added, 1503);
        assert!(report.problems.iter().any(|p| p.sheet == "说明" && p.message.contains("表头")), "{report:?}");
    }

    #[test]
    fn rows_stream_in_order_with_their_numbers() {
        let bytes = workbook(&[("一班", 3, 2 * CHUNK + 7)]);
        let mut sheets = open_bytes(bytes, "list.xlsx").expect("opens");
        let rows: Vec<Vec<Cell>> = sheets.remove(0).collect::<Result<_, _>>().expect("rows");
        assert_eq!(rows.len(), 3 + 1 + 2 * CHUNK + 7);
        assert_eq!(rows[3][0], Cell::Text("姓名".into()));
        assert_eq!(rows.last().expect("last")[0], Cell::Text(format!("一班学生{}", 2 * CHUNK + 6)));
    }

    /// A hand-made file whose rows come out of order is refused by name, not read with rows in the wrong
    /// places.
    #[test]
    fn rows_out_of_order_are_refused() {
        let bytes = workbook(&[("一班", 0, 3)]);
        let swapped = rewrite_part(&bytes, "xl/worksheets/sheet1.xml", |xml| {
            let start = |r: usize| xml.find(&format!("<row r=\"{r}\"")).expect("row");
            let (second, third, end) = (start(2), start(3), xml.find("</sheetData>").expect("end"));
            format!("{}{}{}{}", &xml[..second], &xml[third..end], &xml[second..third], &xml[end..])
        });
        let err = import(swapped).expect_err("refused");
        assert!(err.to_string().contains("list.xlsx") && err.to_string().contains("顺序"), "{err}");
    }

    /// A sheet that breaks part-way fails the whole import, and so does every sheet after it: none of them
    /// passes for empty.
    #[test]
    fn a_broken_sheet_fails_the_import() {
        let bytes = workbook(&[("一班", 0, 3), ("二班", 0, 3000), ("三班", 0, 3)]);
        let broken = rewrite_part(&bytes, "xl/worksheets/sheet2.xml", |xml| {
            let cut = xml.find("<row r=\"2000\"").expect("row");
            xml[..cut].to_owned()
        });
        let err = import(broken).expect_err("refused");
        assert!(err.to_string().contains("list.xlsx"), "{err}");
    }

    /// A sheet without a header (instructions before the lists) that is damaged far below its first rows fails
    /// the import every time, as when files were read whole: the reader is not left to race the importer over
    /// whether the damage was reached before the sheet was given up.
    #[test]
    fn damage_deep_in_a_sheet_without_a_header_fails_the_import() {
        let bytes = workbook(&[("说明", 20 * CHUNK, 0), ("一班", 0, 3)]);
        let broken = rewrite_part(&bytes, "xl/worksheets/sheet1.xml", |xml| {
            let cut = xml.find(&format!("<row r=\"{}\"", 19 * CHUNK)).expect("row");
            xml[..cut].to_owned()
        });
        for _ in 0..3 {
            let err = import(broken.clone()).expect_err("refused");
            assert!(err.to_string().contains("list.xlsx"), "{err}");
        }
    }

    /// A sheet with these cells and these merged ranges written into its XML as they are (rust_xlsxwriter
    /// refuses overlapping ones, which other writers and hand-made files do have).
    fn sheet_with_merges(cells: &[(u32, u16, &str)], refs: &[&str]) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for &(r, c, text) in cells {
            sheet.write_string(r, c, text).expect("cell");
        }
        let bytes = book.save_to_buffer().expect("xlsx");
        let merges: String = refs.iter().map(|r| format!("<mergeCell ref=\"{r}\"/>")).collect();
        rewrite_part(&bytes, "xl/worksheets/sheet1.xml", |xml| {
            let merges = format!("</sheetData><mergeCells count=\"{}\">{merges}</mergeCells>", refs.len());
            xml.replacen("</sheetData>", &merges, 1)
        })
    }

    /// Overlapping ranges fill as the whole-file reader fills them: in the file's order, each range's value
    /// being its top-left cell as the ranges before it left it, whatever rows they start in.
    #[test]
    fn overlapping_merges_fill_as_the_whole_file_reader_does() {
        let cells = [(0, 0, "甲"), (1, 1, "乙"), (2, 2, "丙"), (5, 0, "末")];
        for refs in [
            &["A1:C3", "B2:C4"][..],
            &["B2:C4", "A1:C3"],
            &["A1:A3", "A2:C2"],
            &["A2:C2", "A1:A3"],
            &["A1:C1", "B1:B4"],
            &["B1:B4", "A1:C1"],
            &["C3:C5", "B2:C4", "A1:C2"],
        ] {
            let bytes = sheet_with_merges(&cells, refs);
            let streamed = crate::io::table::read_bytes(&bytes, "m.xlsx").expect("streams");
            let whole = crate::io::table::read_whole(&bytes, "m.xlsx").expect("whole");
            assert_eq!(streamed, whole, "{refs:?}");
        }
    }

    /// calamine in a release build hands a range written backwards ("C1:A1") through as it is: it fills
    /// nothing, as in the whole-file reader, instead of failing the file.
    #[test]
    fn a_range_written_backwards_fills_nothing() {
        let backwards = calamine::Dimensions { start: (0, 2), end: (1, 0) };
        let mut merged = Merged::new(vec![backwards]);
        let mut made = 0;
        let mut row = vec![Cell::Empty, Cell::Empty, Cell::Text("甲".into())];
        merged.fill(0, &mut row, &mut made).expect("fits");
        assert_eq!(row, vec![Cell::Empty, Cell::Empty, Cell::Text("甲".into())]);
        let mut row = Vec::new();
        merged.fill(1, &mut row, &mut made).expect("fits");
        assert!(row.iter().all(Cell::is_empty), "{row:?}");
    }

    /// Thousands of ranges laid over the same column and a million rows would make billions of fills of one
    /// cell: the file is refused as too large at once, by both readers.
    #[test]
    fn many_ranges_over_the_same_cells_are_refused_quickly() {
        let refs = vec!["A1:A1048576"; 5000];
        let bytes = sheet_with_merges(&[(0, 0, "甲"), (1_048_575, 1, "末")], &refs);
        let streamed = crate::io::table::read_bytes(&bytes, "m.xlsx");
        assert!(matches!(streamed, Err(ReadError::TooLarge { .. })), "{:?}", streamed.map(|s| s.len()));
        let whole = crate::io::table::read_whole(&bytes, "m.xlsx");
        assert!(matches!(whole, Err(ReadError::TooLarge { .. })), "{:?}", whole.map(|s| s.len()));
    }

    /// A sheet whose first rows are empty is read to its end to see whether it has anything: a read error on
    /// the way fails the import, as it does in any other sheet, instead of passing the sheet off as empty.
    #[test]
    fn a_sheet_that_breaks_while_looked_through_fails_the_import() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let first = book.add_worksheet().set_name("一班").expect("name");
        first.write_string(0, 0, "姓名").expect("cell");
        first.write_string(0, 1, "身份证号码").expect("cell");
        first.write_string(1, 0, "张三").expect("cell");
        first.write_string(1, 1, "11010520150101002X").expect("cell");
        let second = book.add_worksheet().set_name("说明").expect("name");
        for r in 0..3000 {
            second.write_string(r, 0, " ").expect("cell");
        }
        second.write_string(3000, 0, "二班的学生另见附表").expect("cell");
        let bytes = book.save_to_buffer().expect("xlsx");
        let broken = rewrite_part(&bytes, "xl/worksheets/sheet2.xml", |xml| {
            let cut = xml.find("<row r=\"2000\"").expect("row");
            xml[..cut].to_owned()
        });
        assert!(crate::io::table::read_bytes(&broken, "list.xlsx").is_err(), "reading alone refuses it");
        let result = import(broken);
        assert!(result.is_err(), "{result:?}");
    }

    /// Ranges that fill nothing (their top-left cell is empty) cost one look each, however many a file lists.
    #[test]
    fn ranges_that_fill_nothing_are_dropped_in_one_pass() {
        let refs = vec!["B1:B1"; 300_000];
        let bytes = sheet_with_merges(&[(0, 0, "甲"), (3, 0, "末")], &refs);
        let streamed = crate::io::table::read_bytes(&bytes, "m.xlsx").expect("reads");
        assert_eq!(streamed, crate::io::table::read_whole(&bytes, "m.xlsx").expect("whole"));
    }
}
