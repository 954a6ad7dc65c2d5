//! An ODS's runs of empty rows between its rows of content, taken out before calamine reads it and put back as
//! the rows are handed on. LibreOffice writes a run of empty rows as one row element repeated
//! (`table:number-rows-repeated`), and calamine makes every cell of every row of such a run between two rows of
//! content: a million empty rows between two halves of a list held some 255 MB, and a 1 KB file with a wide row
//! on either side of the run could ask for gigabytes. Here each such run is read as one row, and the rows after it
//! keep their numbers (`Gaps`, by sheet name, as `table::RowSource::Gapped` hands them on).

use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;

/// The rows of a sheet: a file that says more is read as it is, as calamine cuts it.
const EXCEL_ROWS: usize = 1 << 20;
/// Empty rows between content for the file to be read again without them: fewer cost calamine little.
const WORTH_ROWS: usize = 1 << 16;
/// The most of the content part held, rewritten: a larger one is read as it is.
const MAX_CONTENT_BYTES: usize = 64 << 20;

/// A sheet's runs of empty rows taken out: (the row left in their place, counted from 0 in the sheet as read,
/// how many more rows the run had), in order.
pub(super) type Gaps = Vec<(usize, usize)>;

/// The ODS `bytes` with its runs of empty rows made one row each, and where they were, by sheet name; `None`
/// when there are too few to pay, or anything here is not sure how calamine would read the file (which then
/// reads it as it is).
pub(super) fn shrink(bytes: &[u8]) -> Option<(Vec<u8>, HashMap<String, Gaps>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let index = archive.index_for_name("content.xml")?;
    let (content, gaps) = shrink_content(archive.by_index(index).ok()?)?;
    Some((super::xlsx_trim::rebuilt(bytes, &[(index, content)])?, gaps))
}

/// The row being passed through.
struct Row {
    /// Where its tag starts in what is written, and how long the tag is.
    tag_at: usize,
    tag_len: usize,
    repeats: usize,
    /// It holds something, or something this does not know calamine reads as nothing.
    filled: bool,
    /// The names of the elements open inside it.
    open: Vec<String>,
}

/// The sheet being passed through: its name, its runs taken out, its next row as calamine will read it and as the
/// file numbers it, and the empty rows taken out since its last row of content.
struct Table {
    name: String,
    gaps: Gaps,
    at: usize,
    original: usize,
    since_content: usize,
}

fn shrink_content(content: impl Read) -> Option<(Vec<u8>, HashMap<String, Gaps>)> {
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(content));
    reader.config_mut().check_end_names = false;
    let mut writer = quick_xml::Writer::new(Vec::new());
    let (mut buf, mut found) = (Vec::new(), HashMap::new());
    let (mut table, mut row) = (None::<Table>, None::<Row>);
    // Empty rows taken out between rows of content: what calamine would have made cells of.
    let mut between = 0usize;
    loop {
        let event = reader.read_event_into(&mut buf).ok()?;
        if matches!(event, Event::Eof) {
            break;
        }
        let written = writer.get_ref().len();
        if let Some(r) = &mut row {
            match &event {
                Event::Start(e) | Event::Empty(e) => {
                    let plain_cell = r.open.is_empty() && is_cell(e.name()) && !has_value(e)?;
                    r.filled |= !plain_cell;
                    if let Event::Start(_) = event {
                        r.open.push(e.name().as_ref().to_owned());
                    }
                }
                Event::End(e) => match r.open.pop() {
                    Some(name) if name == e.name().as_ref() => {}
                    None if e.name() == QName("table:table-row") => {
                        writer.write_event(event.borrow()).ok()?;
                        let r = row.take()?;
                        row_done(&mut writer, table.as_mut(), r, false, &mut between)?;
                        buf.clear();
                        continue;
                    }
                    // Not closed as opened: calamine may see other rows than these.
                    _ => return None,
                },
                Event::Text(t) => r.filled |= !t.chars().all(char::is_whitespace),
                _ => r.filled = true,
            }
            writer.write_event(event.borrow()).ok()?;
        } else {
            writer.write_event(event.borrow()).ok()?;
            match &event {
                Event::Start(e) | Event::Empty(e) if table.is_none() && e.name() == QName("table:table") => {
                    // calamine reads a table with a name only, and names its sheet by it unescaped as here: the runs
                    // are found by that name.
                    let name = match e.try_get_attribute("table:name").ok()? {
                        Some(name) => Some(quick_xml::escape::unescape(&name.value).ok()?.into_owned()),
                        None => None,
                    };
                    if let Some(name) = name {
                        let t = Table { name, gaps: Vec::new(), at: 0, original: 0, since_content: 0 };
                        match event {
                            Event::Empty(_) => {
                                found.insert(t.name, t.gaps);
                            }
                            _ => table = Some(t),
                        }
                    }
                }
                Event::End(e) if e.name() == QName("table:table") => {
                    if let Some(t) = table.take() {
                        found.insert(t.name, t.gaps);
                    }
                }
                Event::Start(e) | Event::Empty(e) if table.is_some() && e.name() == QName("table:table-row") => {
                    let repeats = match e.try_get_attribute("table:number-rows-repeated").ok()? {
                        Some(n) => n.value.parse::<usize>().ok()?,
                        None => 1,
                    };
                    let r = Row {
                        tag_at: written,
                        tag_len: writer.get_ref().len() - written,
                        repeats,
                        filled: false,
                        open: Vec::new(),
                    };
                    match event {
                        Event::Empty(_) => row_done(&mut writer, table.as_mut(), r, true, &mut between)?,
                        _ => row = Some(r),
                    }
                }
                _ => {}
            }
        }
        if writer.get_ref().len() > MAX_CONTENT_BYTES {
            return None;
        }
        buf.clear();
    }
    (between >= WORTH_ROWS).then(|| (writer.into_inner(), found))
}

/// A row passed through: an empty one repeated is made one row, and its run noted.
fn row_done(
    writer: &mut quick_xml::Writer<Vec<u8>>,
    table: Option<&mut Table>,
    row: Row,
    empty_tag: bool,
    between: &mut usize,
) -> Option<()> {
    let Some(t) = table else { return Some(()) };
    t.original = t.original.saturating_add(row.repeats);
    if t.original > EXCEL_ROWS {
        return None;
    }
    if !row.filled && row.repeats > 1 {
        let tag: &[u8] = if empty_tag { b"<table:table-row/>" } else { b"<table:table-row>" };
        writer.get_mut().splice(row.tag_at..row.tag_at + row.tag_len, tag.iter().copied());
        t.gaps.push((t.at, row.repeats - 1));
        t.since_content += row.repeats - 1;
        t.at += 1;
    } else {
        t.at += row.repeats;
        if row.filled {
            *between += std::mem::take(&mut t.since_content);
        }
    }
    Some(())
}

fn is_cell(name: QName) -> bool {
    name == QName("table:table-cell") || name == QName("table:covered-table-cell")
}

/// Whether a cell says a value or a formula, whatever its namespace prefixes.
fn has_value(cell: &BytesStart) -> Option<bool> {
    for a in cell.attributes().with_checks(false) {
        let a = a.ok()?;
        let key = a.key.local_name();
        if key.as_ref() == "formula" || key.as_ref().ends_with("value") || key.as_ref().ends_with("value-type") {
            return Some(true);
        }
    }
    Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(rows: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet><table:table table:name="名单">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    }

    fn filled(text: &str) -> String {
        format!(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell></table:table-row>"#
        )
    }

    const EMPTY_RUN: &str = r#"<table:table-row table:style-name="ro1" table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="2"/></table:table-row>"#;

    #[test]
    fn a_run_of_empty_rows_between_content_is_one_row_and_noted() {
        let xml = content(&format!("{}{}{EMPTY_RUN}{}", filled("a"), filled("b"), filled("c")));
        let (out, gaps) = shrink_content(xml.as_bytes()).expect("shrunk");
        let out = String::from_utf8(out).expect("utf8");
        assert_eq!(
            out,
            content(&format!(
                r#"{}{}<table:table-row><table:table-cell table:number-columns-repeated="2"/></table:table-row>{}"#,
                filled("a"),
                filled("b"),
                filled("c")
            ))
        );
        assert_eq!(gaps, HashMap::from([("名单".to_owned(), vec![(2, 999_999)])]));
    }

    #[test]
    fn runs_that_cost_nothing_or_hold_something_are_left() {
        // At the sheet's end, as LibreOffice writes it: calamine makes no cells of it.
        assert!(shrink_content(content(&format!("{}{EMPTY_RUN}", filled("a"))).as_bytes()).is_none());
        // A cell of text without a value type, or a formula: not known to be nothing.
        for cell in [
            r#"<table:table-cell><text:p>x</text:p></table:table-cell>"#,
            r#"<table:table-cell table:formula="of:=1"/>"#,
        ] {
            let run = format!(r#"<table:table-row table:number-rows-repeated="1000000">{cell}</table:table-row>"#);
            let xml = content(&format!("{}{run}{}", filled("a"), filled("b")));
            assert!(shrink_content(xml.as_bytes()).is_none(), "{cell}");
        }
        // More rows than a sheet has: read as it is, as calamine cuts it.
        let past = EMPTY_RUN.replace("1000000", "1048576");
        assert!(shrink_content(content(&format!("{}{past}{}", filled("a"), filled("b"))).as_bytes()).is_none());
    }
}
