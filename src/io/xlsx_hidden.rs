//! Which rows of an XLSX's sheets are hidden in Excel (`<row r="5" hidden="1">`): teachers hide the rows of
//! pupils who have left, and a filter hides the rows it does not show. calamine reads every row alike and
//! says nothing of it, so the sheets whose XML mentions `hidden=` (`table::xlsx_scan` looks, as it inflates
//! every part anyway) are read once more here; most lists have none and cost nothing. An ODS says the same of
//! its rows and columns with `table:visibility` (`ods_hidden`).

use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read};

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

/// The rows of an Excel sheet.
const EXCEL_ROWS: usize = 1 << 20;

type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// What a sheet hides: rows as Excel numbers them, columns from 0 (A), each ascending.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Hidden {
    pub rows: Vec<usize>,
    pub columns: Vec<usize>,
}

/// The hidden rows and columns of the sheets whose parts are among `parts` (names as `part_key` writes them),
/// by sheet name; only sheets with some. What cannot be read gives nothing: calamine judges the file itself.
pub(super) fn hidden_rows(bytes: &[u8], parts: &[String]) -> HashMap<String, Hidden> {
    each_sheet(
        bytes,
        |_, part| parts.iter().any(|p| p == part),
        |entry| Some(hidden_parts(entry)).filter(|h| !h.rows.is_empty() || !h.columns.is_empty()),
    )
}

/// What `read` finds in the XML of each sheet `wanted` (by its name and part, as `part_key` writes it), by sheet
/// name; only the sheets it finds something in. What cannot be read gives nothing.
pub(super) fn each_sheet<T>(
    bytes: &[u8],
    mut wanted: impl FnMut(&str, &str) -> bool,
    mut read: impl FnMut(&mut dyn Read) -> Option<T>,
) -> HashMap<String, T> {
    let mut found = HashMap::new();
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else { return found };
    let names: HashMap<String, usize> =
        (0..archive.len()).filter_map(|i| Some((part_key(&archive.name_for_index(i)?.ok()?), i))).collect();
    // The workbook part is the package's office document (`xl/workbook.xml` as Excel writes it).
    let workbook = relationships(&mut archive, &names, "")
        .into_iter()
        .find(|(_, (_, kind))| kind.ends_with("/officeDocument"))
        .map_or_else(|| "xl/workbook.xml".to_owned(), |(_, (target, _))| target);
    let targets = relationships(&mut archive, &names, &workbook);
    for (sheet, id) in sheets(&mut archive, &names, &workbook) {
        let Some((target, _)) = targets.get(&id) else { continue };
        if !wanted(&sheet, target) {
            continue;
        }
        let Some(mut entry) = names.get(target).and_then(|&i| archive.by_index(i).ok()) else { continue };
        if let Some(what) = read(&mut entry) {
            found.insert(sheet, what);
        }
    }
    found
}

/// The parts of an XLSX's sheets, as `part_key` writes them; none when it is not one.
pub(super) fn sheet_parts(bytes: &[u8]) -> Vec<String> {
    let mut parts = Vec::new();
    each_sheet(
        bytes,
        |_, part| {
            parts.push(part.to_owned());
            false
        },
        |_| None::<()>,
    );
    parts
}

/// A part's name as looked up here: calamine finds parts case-insensitively and with either slash.
pub(super) fn part_key(name: &str) -> String {
    name.trim_start_matches('/').replace('\\', "/").to_ascii_lowercase()
}

/// `part`'s relationships (the package's own for ""): id to (target part, as `part_key` writes it; type).
fn relationships(
    archive: &mut Archive,
    names: &HashMap<String, usize>,
    part: &str,
) -> HashMap<String, (String, String)> {
    let (folder, file) = part.rsplit_once('/').unwrap_or(("", part));
    let rels = if folder.is_empty() { format!("_rels/{file}.rels") } else { format!("{folder}/_rels/{file}.rels") };
    let mut found = HashMap::new();
    each_element(archive, names, &rels, "Relationship", |attribute| {
        let (id, target, kind) = (attribute("Id"), attribute("Target"), attribute("Type"));
        if let (Some(id), Some(target)) = (id, target) {
            let target = match target.strip_prefix('/') {
                Some(absolute) => part_key(absolute),
                None => resolve(folder, &target),
            };
            found.insert(id, (target, kind.unwrap_or_default()));
        }
    });
    found
}

/// The workbook's sheets in order: name and relationship id.
fn sheets(archive: &mut Archive, names: &HashMap<String, usize>, workbook: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    each_element(archive, names, workbook, "sheet", |attribute| {
        if let (Some(name), Some(id)) = (attribute("name"), attribute("id")) {
            found.push((name, id));
        }
    });
    found
}

/// Calls `each` for every element named `wanted` (any namespace) in `part`, with a look-up of its attributes
/// by local name, unescaped.
fn each_element(
    archive: &mut Archive,
    names: &HashMap<String, usize>,
    part: &str,
    wanted: &str,
    mut each: impl FnMut(&dyn Fn(&str) -> Option<String>),
) {
    let Some(entry) = names.get(&part_key(part)).and_then(|&i| archive.by_index(i).ok()) else { return };
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(entry));
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == wanted => {
                let attribute = |key: &str| attribute_of(&e, key);
                each(&attribute);
            }
            Ok(Event::Eof) | Err(_) => return,
            _ => {}
        }
        buf.clear();
    }
}

/// A relative target from a part in `folder`, with `..` taken back.
fn resolve(folder: &str, target: &str) -> String {
    let mut path: Vec<&str> = folder.split('/').filter(|s| !s.is_empty()).collect();
    for step in target.split(['/', '\\']) {
        match step {
            "" | "." => {}
            ".." => {
                path.pop();
            }
            step => path.push(step),
        }
    }
    part_key(&path.join("/"))
}

/// The columns of a sheet: a `<col>` range reaching past them (`max="16384"` is common) is cut there.
const EXCEL_COLUMNS: usize = 1 << 14;

/// The rows and columns of a worksheet's XML marked hidden. A row without its number follows the one before,
/// as Excel reads it.
fn hidden_parts(entry: impl Read) -> Hidden {
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(entry));
    let (mut buf, mut rows, mut next) = (Vec::new(), Vec::new(), 1usize);
    let mut columns = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            // `<col min="2" max="2" hidden="1"/>`: Excel's columns from 1. A hidden range is what a teacher hid by
            // hand, a few columns; a range over every column (a hostile or odd file) is bounded by Excel's width.
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "col" => {
                let (mut min, mut max, mut hidden) = (0usize, 0usize, false);
                for a in e.attributes().with_checks(false).flatten() {
                    match a.key.local_name().as_ref() {
                        "min" => min = a.value.trim().parse().unwrap_or(0),
                        "max" => max = a.value.trim().parse().unwrap_or(0),
                        "hidden" => hidden = matches!(a.value.trim(), "1" | "true"),
                        _ => {}
                    }
                }
                if hidden && min >= 1 && columns.len() < EXCEL_COLUMNS {
                    columns.extend((min.max(1)..=max.max(min).min(EXCEL_COLUMNS)).map(|c| c - 1));
                }
            }
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "row" => {
                let (mut row, mut hidden) = (next, false);
                for a in e.attributes().with_checks(false).flatten() {
                    match a.key.local_name().as_ref() {
                        "r" => row = a.value.trim().parse().unwrap_or(row),
                        "hidden" => hidden = matches!(a.value.trim(), "1" | "true"),
                        _ => {}
                    }
                }
                // No sheet has more rows than Excel's: a hostile part repeating one row is not held a billion times.
                if hidden && rows.len() < EXCEL_ROWS {
                    rows.push(row);
                }
                next = row.saturating_add(1);
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
    rows.sort_unstable();
    rows.dedup();
    columns.sort_unstable();
    columns.dedup();
    Hidden { rows, columns }
}

/// The hidden rows and columns of an ODS's sheets, by sheet name; only sheets with some. LibreOffice writes a
/// hidden row or column as `table:visibility="collapse"`, one a filter leaves out as `"filter"`, each repeated
/// by `table:number-rows-repeated` (`-columns-`); calamine reads them all alike. Not an ODS, or unreadable: nothing.
pub(super) fn ods_hidden(bytes: &[u8]) -> HashMap<String, Hidden> {
    let mut found = HashMap::new();
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else { return found };
    let Ok(entry) = archive.by_name("content.xml") else { return found };
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(entry));
    let mut buf = Vec::new();
    // The sheet being read, its next row (as numbered on screen, from 1) and next column (from 0).
    let (mut sheet, mut hidden, mut row, mut column) = (None::<String>, Hidden::default(), 1usize, 0usize);
    // Tables inside a cell (rare) are not sheets: only the outermost table's rows and columns count.
    let mut depth = 0usize;
    loop {
        let (event, empty) = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::End(e)) if e.local_name().as_ref() == "table" => {
                depth = depth.saturating_sub(1);
                if depth == 0
                    && let Some(name) = sheet.take()
                    && (!hidden.rows.is_empty() || !hidden.columns.is_empty())
                {
                    found.insert(name, std::mem::take(&mut hidden));
                }
                buf.clear();
                continue;
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {
                buf.clear();
                continue;
            }
        };
        let attribute = |key: &str| attribute_of(&event, key);
        let repeated = |key: &str| attribute(key).and_then(|n| n.trim().parse::<usize>().ok()).unwrap_or(1).max(1);
        let collapsed = || attribute("visibility").is_some_and(|v| matches!(v.trim(), "collapse" | "filter"));
        match event.local_name().as_ref() {
            "table" if !empty => {
                depth += 1;
                if depth == 1 {
                    sheet = Some(attribute("name").unwrap_or_default());
                    (hidden, row, column) = (Hidden::default(), 1, 0);
                }
            }
            "table-column" if depth == 1 => {
                let n = repeated("number-columns-repeated");
                if collapsed() && hidden.columns.len() < EXCEL_COLUMNS {
                    hidden.columns.extend((column..column.saturating_add(n)).take_while(|&c| c < EXCEL_COLUMNS));
                }
                column = column.saturating_add(n);
            }
            "table-row" if depth == 1 => {
                let n = repeated("number-rows-repeated");
                // A run of hidden rows to the sheet's end is a million rows: bounded by a sheet's height.
                if collapsed() && hidden.rows.len() < EXCEL_ROWS {
                    hidden.rows.extend((row..row.saturating_add(n)).take_while(|&r| r <= EXCEL_ROWS));
                }
                row = row.saturating_add(n);
            }
            _ => {}
        }
        buf.clear();
    }
    found
}

/// The value of `element`'s attribute named `key` (its local name, whatever the namespace prefix), unescaped.
fn attribute_of(element: &BytesStart, key: &str) -> Option<String> {
    element
        .attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .and_then(|a| a.normalized_value(XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

/// Why an ODS's sheets cannot be read as a class list, found before calamine reads them whole: a row with content
/// repeated (`table:number-rows-repeated`) past a sheet's 1,048,576 rows, or a cell with content repeated past its
/// 16,384 columns. calamine would make every copy of it (a 1 KB file asking for a row a billion times held some
/// 450 MB and never ended); LibreOffice, Excel and WPS stop at those limits, so no list of theirs goes past them.
/// Runs of empty rows and cells, which LibreOffice writes to a sheet's end, only move the count on. What cannot
/// be read here says nothing: calamine judges it.
pub(super) fn ods_overflow(bytes: &[u8]) -> Option<String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let entry = archive.by_name("content.xml").ok()?;
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(entry));
    let mut buf = Vec::new();
    // The sheet being read; the first row of the row element being read (numbered from 1), how many times it is
    // repeated, and whether it holds anything; the next column in it (from 0).
    let (mut sheet, mut row, mut repeats, mut filled, mut column) = (String::new(), 1usize, 1usize, false, 0usize);
    let (mut depth, mut in_row) = (0usize, false);
    // The cell being read, whose text is content as much as a value is: it is judged at its end.
    let mut cell = None::<OpenCell>;
    loop {
        let (event, empty) = match reader.read_event_into(&mut buf) {
            Ok(Event::Start(_)) if cell.is_some() => {
                if let Some(c) = &mut cell {
                    c.depth += 1;
                }
                buf.clear();
                continue;
            }
            Ok(Event::Start(e)) => (e, false),
            Ok(Event::Empty(e)) => (e, true),
            Ok(Event::Text(t)) => {
                let text = t.as_ref().chars().any(|c| !c.is_whitespace());
                filled |= in_row && text;
                if let Some(c) = &mut cell {
                    c.valued |= text;
                }
                buf.clear();
                continue;
            }
            Ok(Event::End(_)) if cell.as_ref().is_some_and(|c| c.depth > 0) => {
                if let Some(c) = &mut cell {
                    c.depth -= 1;
                }
                buf.clear();
                continue;
            }
            Ok(Event::End(_)) if cell.is_some() => {
                if let Some(c) = cell.take()
                    && let Some(reason) = columns_past_limit(&sheet, row, c.column, c.repeats, c.valued)
                {
                    return Some(reason);
                }
                buf.clear();
                continue;
            }
            Ok(Event::End(e)) => {
                match e.local_name().as_ref() {
                    "table" => depth = depth.saturating_sub(1),
                    "table-row" if depth == 1 && in_row => {
                        in_row = false;
                        if let Some(reason) = rows_past_limit(&sheet, row, repeats, filled) {
                            return Some(reason);
                        }
                        row = row.saturating_add(repeats);
                    }
                    _ => {}
                }
                buf.clear();
                continue;
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {
                buf.clear();
                continue;
            }
        };
        let attribute = |key: &str| attribute_of(&event, key);
        let repeated = |key: &str| attribute(key).and_then(|n| n.trim().parse::<usize>().ok()).unwrap_or(1).max(1);
        match event.local_name().as_ref() {
            "table" if !empty => {
                depth += 1;
                if depth == 1 {
                    (sheet, row) = (attribute("name").unwrap_or_default(), 1);
                }
            }
            "table-row" if depth == 1 => {
                (repeats, filled, column) = (repeated("number-rows-repeated"), false, 0);
                match empty {
                    true => row = row.saturating_add(repeats),
                    false => in_row = true,
                }
            }
            "table-cell" | "covered-table-cell" if depth == 1 && in_row => {
                let n = repeated("number-columns-repeated");
                let valued = attribute("value-type").is_some() || attribute("formula").is_some();
                filled |= valued;
                match empty {
                    true => {
                        if let Some(reason) = columns_past_limit(&sheet, row, column, n, valued) {
                            return Some(reason);
                        }
                    }
                    false => cell = Some(OpenCell { column, repeats: n, valued, depth: 0 }),
                }
                column = column.saturating_add(n);
            }
            _ => {}
        }
        buf.clear();
    }
}

/// A cell of an ODS row being read: the column it starts at, how many times it is repeated, whether it holds a
/// value, a formula or text so far, and how many elements are open inside it.
struct OpenCell {
    column: usize,
    repeats: usize,
    valued: bool,
    depth: usize,
}

/// The refusal of a cell of sheet `sheet` at row `row` starting at `column`, repeated `repeats` times, when it holds
/// something and reaches past a sheet's last column.
fn columns_past_limit(sheet: &str, row: usize, column: usize, repeats: usize, valued: bool) -> Option<String> {
    (valued && column.saturating_add(repeats) > EXCEL_COLUMNS).then(|| {
        format!(
            "工作表“{sheet}”第 {row} 行的单元格重复到第 {EXCEL_COLUMNS} 列之后，超出表格的列数上限 \
             (row {row} of sheet {sheet} repeats a cell past column {EXCEL_COLUMNS}, the most a spreadsheet has)"
        )
    })
}

/// The refusal of a row element of sheet `sheet` at row `row`, repeated `repeats` times, when it holds something
/// and reaches past a sheet's last row.
fn rows_past_limit(sheet: &str, row: usize, repeats: usize, filled: bool) -> Option<String> {
    let last = row.saturating_add(repeats - 1);
    (filled && last > EXCEL_ROWS).then(|| {
        format!(
            "工作表“{sheet}”第 {row} 行有内容，又重复 {repeats} 次，超出表格的 {EXCEL_ROWS} 行上限，不像是班级名单 \
             (row {row} of sheet {sheet} has content and is repeated {repeats} times, past the {EXCEL_ROWS} rows a \
             spreadsheet has: not a class list)"
        )
    })
}
