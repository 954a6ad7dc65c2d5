//! An Excel 2003 XML Spreadsheet (SpreadsheetML: `<?mso-application progid="Excel.Sheet"?>`, `<Workbook
//! xmlns="urn:schemas-microsoft-com:office:spreadsheet">`), as school systems still export with an `.xls` name:
//! `Worksheet`, `Table`, `Row`, `Cell`, `Data`. A row or cell may skip ahead with `ss:Index`; a cell merged
//! over others (`ss:MergeAcross`, `ss:MergeDown`) gives its value to every cell it covers, as an XLSX's merged
//! cells do, and the cells it covers are not written. Text cells are read as written (an ID number keeps its `X`
//! and leading zeros); a number cell written with more digits than a double keeps gives its digits.

use quick_xml::events::{BytesStart, Event};

use super::cell::Cell;
use super::workbook::MAX_CELLS;

/// Excel's sheet: rows and columns past these are no sheet Excel opens.
const MAX_ROWS: usize = 1 << 20;
const MAX_COLUMNS: usize = 1 << 14;

#[derive(Debug, PartialEq)]
pub(super) enum Refusal {
    Reason(String),
    TooLarge,
}

/// One worksheet: its name, whether Excel hides it, and the rows and columns it hides.
#[derive(Debug, Default)]
pub(super) struct Sheet {
    pub name: String,
    pub hidden: bool,
    pub rows: Vec<Vec<Cell>>,
    /// As Excel numbers them.
    pub hidden_rows: Vec<usize>,
    /// From 0 (A).
    pub hidden_columns: Vec<usize>,
}

/// A cell merged down over the rows below it.
struct Down {
    columns: std::ops::Range<usize>,
    /// The last row it covers, from 0.
    last: usize,
    value: Cell,
}

/// The workbook's worksheets; `None` when `stopped` said so. Malformed XML is refused with the line it is on.
pub(super) fn read(text: &str, stopped: &dyn Fn() -> bool) -> Result<Option<Vec<Sheet>>, Refusal> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut sheets: Vec<Sheet> = Vec::new();
    let mut cells = 0usize;
    // Where the reading is: the row under way (from 0) and its next column, the cell's value so far.
    let (mut row, mut column) = (0usize, 0usize);
    let mut next_row = 0usize;
    let mut in_table = false;
    let mut downs: Vec<Down> = Vec::new();
    let mut cell: Option<(usize, usize, usize, String, Option<String>)> = None;
    let mut in_data = false;
    let mut in_comment = 0usize;
    let mut in_visible = false;
    let mut next_column = 0usize;
    // Elements open: a file that ends inside one was cut short (a copy or a download that stopped).
    let mut depth = 0usize;
    let mut events = 0usize;
    let line = |at: u64| text.as_bytes()[..(at as usize).min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1;
    // The line of the file's text, as an editor numbers it: a sheet's row may be written anywhere.
    let refuse = |at: u64, what: &str, what_en: &str| {
        Refusal::Reason(format!(
            "文件文字的第 {n} 行附近{what}，内容不完整或有误 (near line {n} of the file's text{what_en}: incomplete or \
             wrong)",
            n = line(at)
        ))
    };
    loop {
        events += 1;
        if events.is_multiple_of(4096) && stopped() {
            return Ok(None);
        }
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                let at = reader.error_position();
                return Err(refuse(at, "，XML 格式错误", &format!(", malformed XML: {e}")));
            }
        };
        let at = reader.buffer_position();
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                depth += usize::from(!empty);
                match e.local_name().as_ref() {
                    "Worksheet" => {
                        let name = value(e, "Name").unwrap_or_else(|| format!("Sheet{}", sheets.len() + 1));
                        sheets.push(Sheet { name, ..Sheet::default() });
                        (next_row, next_column, in_table) = (0, 0, false);
                        downs.clear();
                    }
                    "Table" if !sheets.is_empty() => in_table = true,
                    "Column" if in_table => {
                        let Some(sheet) = sheets.last_mut() else { continue };
                        let at_column = match value(e, "Index") {
                            Some(i) => index(&i, MAX_COLUMNS).ok_or_else(|| {
                                refuse(at, "，列号 ss:Index 无效", ", a column's ss:Index is no column number")
                            })?,
                            None => next_column,
                        };
                        let span = value(e, "Span").and_then(|s| s.trim().parse::<usize>().ok()).unwrap_or(0);
                        if value(e, "Hidden").is_some_and(|h| h.trim() == "1") {
                            let end = at_column.saturating_add(span).min(MAX_COLUMNS - 1);
                            sheet.hidden_columns.extend(at_column..=end);
                        }
                        next_column = at_column.saturating_add(span).saturating_add(1);
                    }
                    "Row" if in_table => {
                        let Some(sheet) = sheets.last_mut() else { continue };
                        row = match value(e, "Index") {
                            Some(i) => {
                                let i = index(&i, MAX_ROWS).ok_or_else(|| {
                                    refuse(at, "，行号 ss:Index 无效", ", a row's ss:Index is no row number")
                                })?;
                                if i < next_row {
                                    return Err(refuse(
                                        at,
                                        &format!(
                                            "，工作表「{}」中行号 ss:Index=\"{}\" 比上一行的小",
                                            sheet.name,
                                            i + 1
                                        ),
                                        &format!(
                                            ", in sheet «{}» the row ss:Index=\"{}\" comes before the row above it",
                                            sheet.name,
                                            i + 1
                                        ),
                                    ));
                                }
                                i
                            }
                            None => next_row,
                        };
                        if row >= MAX_ROWS {
                            return Err(Refusal::TooLarge);
                        }
                        let span = value(e, "Span").and_then(|s| s.trim().parse::<usize>().ok()).unwrap_or(0);
                        let next_before = next_row;
                        next_row = row.saturating_add(span).saturating_add(1);
                        if value(e, "Hidden").is_some_and(|h| h.trim() == "1") {
                            let end = row.saturating_add(span).min(MAX_ROWS - 1);
                            sheet.hidden_rows.extend(row + 1..=end + 1);
                        }
                        if sheet.rows.len() <= row {
                            sheet.rows.resize(row + 1, Vec::new());
                        }
                        // Rows skipped over still show the cells merged down over them.
                        if !downs.is_empty() {
                            for skipped in next_before..row {
                                lay_downs(sheet, &mut downs, skipped, &mut cells)?;
                            }
                        }
                        column = 0;
                        if empty {
                            lay_downs(sheet, &mut downs, row, &mut cells)?;
                        }
                    }
                    "Cell" if in_table => {
                        let at_column = match value(e, "Index") {
                            Some(i) => {
                                let i = index(&i, MAX_COLUMNS).ok_or_else(|| {
                                    refuse(at, "，列号 ss:Index 无效", ", a cell's ss:Index is no column number")
                                })?;
                                if i < column {
                                    return Err(refuse(
                                        at,
                                        &format!("，表格第 {} 行中单元格的列号 ss:Index 比左边的小", row + 1),
                                        &format!(
                                            ", in row {} a cell's ss:Index comes before the cell on its left",
                                            row + 1
                                        ),
                                    ));
                                }
                                i
                            }
                            None => column,
                        };
                        let across = merge(e, "MergeAcross");
                        let down = merge(e, "MergeDown");
                        if at_column.saturating_add(across) >= MAX_COLUMNS {
                            return Err(Refusal::TooLarge);
                        }
                        column = at_column + across + 1;
                        cell = Some((at_column, across, down, String::new(), None));
                        if empty {
                            end_cell(&mut sheets, &mut downs, row, cell.take(), &mut cells)?;
                        }
                    }
                    "Data" if cell.is_some() && in_comment == 0 => {
                        if let Some(c) = cell.as_mut() {
                            c.4 = Some(value(e, "Type").unwrap_or_default());
                        }
                        in_data = !empty;
                    }
                    "Comment" if !empty => in_comment += 1,
                    "Visible" if !empty => in_visible = true,
                    _ => {}
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                match e.local_name().as_ref() {
                    "Data" => in_data = false,
                    "Comment" => in_comment = in_comment.saturating_sub(1),
                    "Visible" => in_visible = false,
                    "Cell" => end_cell(&mut sheets, &mut downs, row, cell.take(), &mut cells)?,
                    "Row" if in_table => {
                        if let Some(sheet) = sheets.last_mut() {
                            lay_downs(sheet, &mut downs, row, &mut cells)?;
                        }
                    }
                    "Table" => in_table = false,
                    _ => {}
                }
            }
            Event::Text(t) => {
                if in_data && let Some(c) = cell.as_mut() {
                    c.3.push_str(&t.xml10_content());
                } else if in_visible
                    && matches!(t.trim(), "SheetHidden" | "SheetVeryHidden")
                    && let Some(sheet) = sheets.last_mut()
                {
                    sheet.hidden = true;
                }
            }
            Event::CData(t) if in_data => {
                if let Some(c) = cell.as_mut() {
                    c.3.push_str(&t);
                }
            }
            Event::GeneralRef(r) if in_data => {
                if let Some(c) = cell.as_mut() {
                    let said = match r.resolve_char_ref() {
                        Ok(Some(ch)) => Some(ch),
                        Ok(None) => match &*r {
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "amp" => Some('&'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        },
                        Err(_) => Some('\u{fffd}'),
                    };
                    match said {
                        Some(ch) => c.3.push(ch),
                        None => {
                            c.3.push('&');
                            c.3.push_str(&r);
                            c.3.push(';');
                        }
                    }
                }
            }
            Event::Eof if depth > 0 => {
                return Err(Refusal::Reason(
                    "文件在中途结束，内容不完整（可能复制或下载没有完成）：请重新取得这份名单 (the file ends half way, \
                     incomplete (maybe a copy or download that did not finish): get the list again)"
                        .into(),
                ));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if sheets.is_empty() {
        return Err(Refusal::Reason("文件中没有工作表（Worksheet） (the file holds no worksheet)".into()));
    }
    Ok(Some(sheets))
}

/// An attribute's value, whatever its prefix (`ss:Index`, `Index`).
fn value(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes().with_checks(false).flatten().find(|a| a.key.local_name().as_ref() == name).map(|a| {
        quick_xml::escape::unescape(&a.value).map_or_else(|_| a.value.clone().into_owned(), |v| v.into_owned())
    })
}

/// A 1-based `ss:Index` as a place from 0, below `max`.
fn index(text: &str, max: usize) -> Option<usize> {
    text.trim().parse::<usize>().ok().filter(|&i| (1..=max).contains(&i)).map(|i| i - 1)
}

fn merge(e: &BytesStart, name: &str) -> usize {
    value(e, name).and_then(|m| m.trim().parse::<usize>().ok()).unwrap_or(0).min(MAX_COLUMNS)
}

/// A cell's value by its type: text as written; a number as a double, or its digits when a double cannot keep
/// them; a date as the day it is.
fn cell_value(text: String, kind: &str) -> Cell {
    if text.trim().is_empty() {
        return Cell::Empty;
    }
    match kind {
        "Number" => {
            let t = text.trim();
            if super::xlsx_digits::whole_number(t).is_some() {
                Cell::Digits(t.to_owned())
            } else {
                t.parse::<f64>().ok().filter(|f| f.is_finite()).map_or(Cell::Text(text), Cell::Number)
            }
        }
        "DateTime" => match text.trim().split_once('T') {
            Some((day, _)) if chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_ok() => Cell::Text(day.to_owned()),
            _ => Cell::Text(text),
        },
        "Boolean" => Cell::Text(if text.trim() == "1" { "TRUE" } else { "FALSE" }.into()),
        _ => Cell::Text(text),
    }
}

fn end_cell(
    sheets: &mut [Sheet],
    downs: &mut Vec<Down>,
    row: usize,
    cell: Option<(usize, usize, usize, String, Option<String>)>,
    cells: &mut usize,
) -> Result<(), Refusal> {
    let (Some(sheet), Some((first, across, down, text, kind))) = (sheets.last_mut(), cell) else { return Ok(()) };
    let value = cell_value(text, kind.as_deref().unwrap_or("String"));
    let columns = first..first + across + 1;
    count(cells, columns.len())?;
    let Some(cells_of_row) = sheet.rows.get_mut(row) else { return Ok(()) };
    if cells_of_row.len() < columns.end {
        cells_of_row.resize(columns.end, Cell::Empty);
    }
    for c in &mut cells_of_row[columns.clone()] {
        *c = value.clone();
    }
    if down > 0 {
        let last = row.saturating_add(down).min(MAX_ROWS - 1);
        downs.push(Down { columns, last, value });
    }
    Ok(())
}

/// The cells merged down from the rows above over `row`'s empty cells, once the row is read: they are not
/// written in it.
fn lay_downs(sheet: &mut Sheet, downs: &mut Vec<Down>, row: usize, cells: &mut usize) -> Result<(), Refusal> {
    downs.retain(|d| d.last >= row);
    let Some(cells_of_row) = sheet.rows.get_mut(row) else { return Ok(()) };
    for d in downs.iter().filter(|d| d.last >= row && d.columns.start <= MAX_COLUMNS) {
        // The row the merge starts on has it already.
        count(cells, d.columns.len())?;
        if cells_of_row.len() < d.columns.end {
            cells_of_row.resize(d.columns.end, Cell::Empty);
        }
        for c in &mut cells_of_row[d.columns.clone()] {
            if c.is_empty() {
                *c = d.value.clone();
            }
        }
    }
    Ok(())
}

fn count(cells: &mut usize, more: usize) -> Result<(), Refusal> {
    *cells = cells.saturating_add(more);
    match *cells > MAX_CELLS {
        true => Err(Refusal::TooLarge),
        false => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sheet: &Sheet) -> Vec<Vec<String>> {
        sheet.rows.iter().map(|r| r.iter().map(Cell::text).collect()).collect()
    }

    const BOOK: &str = r#"<?xml version="1.0"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="三年级2班">
  <Table>
   <Row><Cell ss:MergeAcross="2"><Data ss:Type="String">城关一小 三年级2班</Data></Cell></Row>
   <Row ss:Index="3"><Cell><Data ss:Type="String">班级</Data></Cell><Cell><Data ss:Type="String">姓名</Data></Cell><Cell><Data ss:Type="String">身份证号</Data></Cell></Row>
   <Row><Cell ss:MergeDown="1"><Data ss:Type="String">2班</Data></Cell><Cell><Data ss:Type="String">张&amp;三</Data><Comment><Data>注</Data></Comment></Cell><Cell><Data ss:Type="String">51010220150101123X</Data></Cell></Row>
   <Row ss:Hidden="1"><Cell ss:Index="2"><ss:Data ss:Type="String" xmlns="http://www.w3.org/TR/REC-html40"><B>李</B>四</ss:Data></Cell><Cell><Data ss:Type="String">051010220150101123</Data></Cell></Row>
   <Row><Cell ss:Index="3"><Data ss:Type="Number">450205201603057004</Data></Cell><Cell/><Cell><Data ss:Type="DateTime">2015-01-01T00:00:00.000</Data></Cell></Row>
  </Table>
 </Worksheet>
 <Worksheet ss:Name="说明"><WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetHidden</Visible></WorksheetOptions></Worksheet>
</Workbook>"#;

    #[test]
    fn rows_and_cells_skip_ahead_and_merged_cells_fill_what_they_cover() {
        let sheets = read(BOOK, &|| false).expect("reads").expect("not stopped");
        assert_eq!(sheets.len(), 2);
        assert_eq!((sheets[0].name.as_str(), sheets[0].hidden), ("三年级2班", false));
        assert_eq!((sheets[1].name.as_str(), sheets[1].hidden), ("说明", true));
        assert_eq!(
            texts(&sheets[0]),
            [
                vec!["城关一小 三年级2班"; 3],
                vec![],
                vec!["班级", "姓名", "身份证号"],
                vec!["2班", "张&三", "51010220150101123X"],
                vec!["2班", "李四", "051010220150101123"],
                vec!["", "", "450205201603057004", "", "2015-01-01"],
            ]
        );
        assert_eq!(sheets[0].rows[5][2], Cell::Digits("450205201603057004".into()));
        assert_eq!(sheets[0].hidden_rows, [5]);
    }

    #[test]
    fn malformed_xml_and_rows_going_back_are_refused_with_their_line() {
        let cut = format!("{}</Worksheet></Workbook>", &BOOK[..BOOK.find("</Table>").unwrap()]);
        assert!(
            matches!(read(&cut, &|| false), Err(Refusal::Reason(r)) if r.contains("第 11 行附近") && r.contains("XML"))
        );
        let back = BOOK.replace("<Row ss:Index=\"3\">", "<Row ss:Index=\"1\">");
        let said = read(&back, &|| false).err();
        assert!(
            matches!(&said, Some(Refusal::Reason(r)) if r.contains("第 7 行附近") && r.contains("ss:Index=\"1\" 比上一行的小")),
            "{said:?}"
        );
        assert!(matches!(read("<Workbook/>", &|| false), Err(Refusal::Reason(r)) if r.contains("没有工作表")));
        let short = &BOOK[..BOOK.find("</Table>").unwrap()];
        assert!(matches!(read(short, &|| false), Err(Refusal::Reason(r)) if r.contains("中途结束")));
    }
}
