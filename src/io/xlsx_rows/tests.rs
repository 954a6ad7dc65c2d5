//! The streaming reader against the whole-file one, through the table reader that chooses between them.

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

/// A 填写说明 sheet with a header and a few sample rows before the class sheets is held while they are read, then
/// left out as they hold the pupils: its rows are said, and the reader never waits on it. A long one, thousands
/// of pupils, is a list named as notes: read where it stands, never held whole, its pupils imported and said.
#[test]
fn a_notes_sheet_with_a_header_before_the_classes_is_left_out_or_read_as_the_list_it_is() {
    let bytes = workbook(&[("填写说明", 1, 3), ("一班", 0, 3), ("二班", 0, 2)]);
    let report = import(bytes).expect("imports");
    assert_eq!(report.added, 5, "{:?}", report.problems.first());
    let said = report.problems.iter().find(|p| p.sheet == "填写说明" && p.row.is_none());
    assert!(said.is_some_and(|p| p.message.contains("未作为名单导入")), "{:?}", report.problems.first());
    let bytes = workbook(&[("填写说明", 1, 5 * CHUNK), ("一班", 0, 3), ("二班", 0, 2)]);
    let report = import(bytes).expect("imports");
    assert_eq!(report.added, 5 * CHUNK + 5, "{:?}", report.problems.first());
    let said = |p: &&class_list::Problem| p.sheet == "填写说明" && p.row.is_none();
    assert!(report.problems.iter().filter(said).any(|p| p.message.contains("名称像填写说明或示例")));
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
