//! A web page saved with an `.xls` name, as many school and education systems export a list: `<table>`,
//! `<tr>`, `<td>`, in GBK or UTF-8 (said by a `<meta charset>` or not at all), with entities, styles Excel reads
//! (`mso-number-format`) and title rows spanning columns. Read as Excel opens it: one sheet, the tables one
//! under another, a line of text between them (a title in `<h2>`) a row of its own, so a row number said of it
//! is the one the operator sees in Excel or WPS. Every cell is text, as written: an ID number keeps its `X` and
//! its leading zeros. Tolerant of what browsers are tolerant of (a `<td>` never closed, a stray `</tr>`); only
//! a page with no table, tables nested past reason, or more cells than any list has are refused.

use std::ops::Range;

use super::cell::Cell;
use super::workbook::MAX_CELLS;

/// Tables inside tables deeper than this are no list's layout.
const MAX_NESTING: usize = 32;
/// The most columns one cell spans, and rows: what HTML itself allows.
const MAX_COLSPAN: usize = 1000;
const MAX_ROWSPAN: usize = 65_534;
/// The most cells filled by cells spanning rows, the page over: a class column over a school's pupils is some
/// thousands; a span over every row of a long page, copied into each, would hold the page many times over.
const MAX_SPILLED: usize = 2_000_000;

/// Why a page cannot be read: reasons in both languages, as `ReadError::Disguised` says them.
#[derive(Debug, PartialEq)]
pub(super) enum Refusal {
    Reason(String),
    TooLarge,
}

/// The page's one sheet: its rows, and the rows hidden in it (`display:none`), as Excel numbers them.
#[derive(Debug, Default)]
pub(super) struct Page {
    pub rows: Vec<Vec<Cell>>,
    pub hidden_rows: Vec<usize>,
}

/// A page's text in the charset its `<meta>` (or an XML declaration) names, when the bytes read cleanly in it: a
/// page often says UTF-8 and is GBK, or the other way round, and then, as with a BOM, `None`: the caller reads it
/// as any text file (`table::decode`).
pub(super) fn declared_text(bytes: &[u8]) -> Option<String> {
    let bom = bytes.starts_with(b"\xEF\xBB\xBF") || bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF");
    if bom {
        return None;
    }
    let text = declared_charset(bytes)?.decode_without_bom_handling_and_without_replacement(bytes)?;
    Some(text.into_owned())
}

/// The charset a page (`<meta charset="gb2312">`, `content="text/html; charset=GBK"`) or an XML declaration
/// (`encoding="gb2312"`) names in its first bytes; not a UTF-16 one, which ASCII text cannot be in.
pub(super) fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let text: String = head.iter().map(|&b| if b.is_ascii() { b.to_ascii_lowercase() as char } else { ' ' }).collect();
    for key in ["charset=", "encoding="] {
        let Some(at) = text.find(key) else { continue };
        let label: String = text[at + key.len()..]
            .trim_start_matches(['"', '\'', ' '])
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
            .collect();
        if let Some(encoding) = encoding_rs::Encoding::for_label(label.as_bytes())
            && encoding != encoding_rs::UTF_16LE
            && encoding != encoding_rs::UTF_16BE
            && encoding != encoding_rs::REPLACEMENT
        {
            return Some(encoding);
        }
    }
    None
}

/// The page's tables as one sheet. `stopped` is looked at now and then: a page of 90 MB takes a while.
pub(super) fn read(text: &str, stopped: &dyn Fn() -> bool) -> Result<Option<Page>, Refusal> {
    let mut page = Builder::default();
    let mut seen = 0usize;
    for token in (Tokens { text, at: 0 }) {
        seen += 1;
        if seen.is_multiple_of(4096) && stopped() {
            return Ok(None);
        }
        match token {
            Token::Text(range) => page.text(&text[range]),
            Token::Start { name, attributes, .. } => page.start(&name, &text[attributes])?,
            Token::End(name) => page.end(&name)?,
        }
    }
    page.finish()
}

#[derive(Debug)]
enum Token {
    Text(Range<usize>),
    /// A tag's name, lowercase, and the text of its attributes.
    Start {
        name: String,
        attributes: Range<usize>,
    },
    End(String),
}

/// The tags and text of a page, as a browser tells them apart: comments, `<!DOCTYPE>`, `<?xml?>` and the
/// content of `<script>`, `<style>`, `<title>` and Office's `<xml>` islands passed over; a `<` that starts
/// no tag is text; a tag the file ends inside is dropped.
struct Tokens<'a> {
    text: &'a str,
    at: usize,
}

/// Elements whose content is no text of the page.
const SKIPPED: [&str; 5] = ["script", "style", "title", "xml", "textarea"];

impl Iterator for Tokens<'_> {
    type Item = Token;

    fn next(&mut self) -> Option<Token> {
        let bytes = self.text.as_bytes();
        loop {
            if self.at >= bytes.len() {
                return None;
            }
            let from = self.at;
            if bytes[from] != b'<' {
                let end = memchr::memchr(b'<', &bytes[from..]).map_or(bytes.len(), |i| from + i);
                self.at = end;
                return Some(Token::Text(from..end));
            }
            let rest = &bytes[from..];
            if rest.starts_with(b"<!--") {
                self.at = memchr::memmem::find(&rest[4..], b"-->").map_or(bytes.len(), |i| from + 4 + i + 3);
                continue;
            }
            if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
                self.at = memchr::memchr(b'>', rest).map_or(bytes.len(), |i| from + i + 1);
                continue;
            }
            let closing = rest.get(1) == Some(&b'/');
            let name_from = from + 1 + usize::from(closing);
            let name_len = bytes[name_from..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'-' | b'_'))
                .count();
            if name_len == 0 || !bytes[name_from].is_ascii_alphabetic() {
                // A `<` that starts no tag (「<5岁」) is text, as a browser shows it.
                let end = memchr::memchr(b'<', &bytes[from + 1..]).map_or(bytes.len(), |i| from + 1 + i);
                self.at = end;
                return Some(Token::Text(from..end));
            }
            let name = self.text[name_from..name_from + name_len].to_ascii_lowercase();
            // An Office tag's prefix (`o:p`, `x:ExcelWorkbook`) is kept: no table tag has one.
            let Some(end) = tag_end(bytes, name_from + name_len) else {
                self.at = bytes.len();
                return None;
            };
            self.at = end + 1;
            if closing {
                return Some(Token::End(name));
            }
            if SKIPPED.contains(&name.as_str()) && bytes[end - 1] != b'/' {
                // To its closing tag, whatever case it is written in.
                let close = format!("</{name}");
                let after = &self.text[self.at..];
                let found =
                    after.as_bytes().windows(close.len()).position(|w| w.eq_ignore_ascii_case(close.as_bytes()));
                self.at = found.map_or(bytes.len(), |i| {
                    let at = self.at + i;
                    memchr::memchr(b'>', &bytes[at..]).map_or(bytes.len(), |j| at + j + 1)
                });
                continue;
            }
            return Some(Token::Start { name, attributes: name_from + name_len..end });
        }
    }
}

/// Where a tag whose attributes start at `from` ends (its `>`), past `>` inside quoted values.
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), b) if b == q => quote = None,
            (None, b'>') => return Some(i),
            _ => {}
        }
    }
    None
}

/// The value of the attribute `wanted` (lowercase) in a tag's attribute text, its entities read.
fn attribute(attributes: &str, wanted: &str) -> Option<String> {
    let bytes = attributes.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let name_from = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !matches!(bytes[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = &attributes[name_from..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = "";
        if bytes.get(i) == Some(&b'=') {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = memchr::memchr(q, &bytes[i + 1..]).map_or(bytes.len(), |j| i + 1 + j);
                    value = &attributes[i + 1..end];
                    i = end + 1;
                }
                _ => {
                    let from = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    value = &attributes[from..i];
                }
            }
        }
        if name.eq_ignore_ascii_case(wanted) {
            return Some(entities(value));
        }
        if name.is_empty() {
            i += 1;
        }
    }
    None
}

/// A span (`colspan`, `rowspan`) as a browser reads it: its leading digits, at least 1, at most `max`.
fn span(attributes: &str, name: &str, max: usize) -> usize {
    let Some(value) = attribute(attributes, name) else { return 1 };
    let digits: String = value.trim().chars().take_while(char::is_ascii_digit).take(8).collect();
    digits.parse::<usize>().unwrap_or(1).clamp(1, max)
}

/// Text with its character references read: `&nbsp;` a space, `&#x4E00;` 一; an unknown one stays as written.
pub(super) fn entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let end = after.bytes().take(12).position(|b| b == b';');
        let read = end.and_then(|end| Some((reference(&after[..end])?, end)));
        match read {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character a reference names (without its `&` and `;`): a number, or a name pages use.
fn reference(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return Some(char::from_u32(code).filter(|&c| c != '\0').unwrap_or('\u{fffd}'));
    }
    Some(match name {
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "middot" => '·',
        "times" => '×',
        "yen" => '¥',
        "copy" => '©',
        "reg" => '®',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        _ => return None,
    })
}

/// Tags that end a line of text outside a table, and inside a cell start a new line in it.
const BLOCKS: [&str; 16] =
    ["p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "hr", "center", "caption", "body", "pre", "form"];

/// A cell spanning rows, as the rows below it see it: the columns it covers and its value.
struct Spill {
    columns: Range<usize>,
    /// The last row of its table it covers, counted from the table's first.
    last: usize,
    value: Cell,
}

#[derive(Default)]
struct Table {
    /// The table's rows so far, counting the one under way.
    rows: usize,
    spills: Vec<Spill>,
    row: Option<Row>,
}

struct Row {
    cells: Vec<Cell>,
    /// The columns cells spanning rows from above cover, empty or not.
    taken: Vec<bool>,
    /// The next column a cell not placed by a spill goes to.
    column: usize,
    /// The cell under way: its text, its first column and its spans.
    cell: Option<(String, usize, usize, usize)>,
    hidden: bool,
    /// It held a table: a row of a table laid out around another is not one of the list's.
    held_table: bool,
}

#[derive(Default)]
struct Builder {
    page: Page,
    tables: Vec<Table>,
    /// Text outside any table since the last line's end.
    loose: String,
    cells: usize,
    spilled: usize,
    seen_table: bool,
}

impl Builder {
    fn text(&mut self, raw: &str) {
        let target = match self.tables.last_mut() {
            None => &mut self.loose,
            Some(table) => match table.row.as_mut().and_then(|row| row.cell.as_mut()) {
                Some((text, ..)) => text,
                // Text in a table outside its cells is shown above it by a browser; a list's has none.
                None => return,
            },
        };
        push_collapsed(target, &entities(raw));
    }

    fn start(&mut self, name: &str, attributes: &str) -> Result<(), Refusal> {
        match name {
            "table" => {
                if self.tables.len() >= MAX_NESTING {
                    return Err(Refusal::Reason(
                        "网页中的表格一层套一层，嵌套过深，不像是班级名单 (tables nested too deep to be a class list)"
                            .into(),
                    ));
                }
                self.line_break();
                if let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) {
                    row.held_table = true;
                }
                self.seen_table = true;
                self.tables.push(Table::default());
            }
            "tr" => {
                if self.tables.is_empty() {
                    return Ok(());
                }
                self.end_row()?;
                let hidden = attribute(attributes, "style")
                    .is_some_and(|s| s.to_ascii_lowercase().replace(' ', "").contains("display:none"));
                self.begin_row(hidden)?;
            }
            "td" | "th" => {
                let Some(table) = self.tables.last_mut() else { return Ok(()) };
                if table.row.is_none() {
                    self.begin_row(false)?;
                }
                self.end_cell()?;
                let (across, down) =
                    (span(attributes, "colspan", MAX_COLSPAN), span(attributes, "rowspan", MAX_ROWSPAN));
                let Some(row) = self.tables.last_mut().and_then(|t| t.row.as_mut()) else { return Ok(()) };
                while row.taken.get(row.column) == Some(&true) {
                    row.column += 1;
                }
                row.cell = Some((String::new(), row.column, across, down));
            }
            _ if BLOCKS.contains(&name) => self.line_break(),
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &str) -> Result<(), Refusal> {
        match name {
            "table" => {
                if self.tables.is_empty() {
                    return Ok(());
                }
                self.end_row()?;
                self.tables.pop();
            }
            "tr" => self.end_row()?,
            "td" | "th" => self.end_cell()?,
            _ if BLOCKS.contains(&name) => self.line_break(),
            _ => {}
        }
        Ok(())
    }

    /// A line break: inside a cell a new line of its text, outside tables the end of a row of text.
    fn line_break(&mut self) {
        match self.tables.last_mut() {
            Some(table) => {
                if let Some((text, ..)) = table.row.as_mut().and_then(|row| row.cell.as_mut())
                    && !text.trim_end_matches(' ').is_empty()
                {
                    let kept = text.trim_end_matches(' ').len();
                    text.truncate(kept);
                    text.push('\n');
                }
            }
            None => {
                let line = std::mem::take(&mut self.loose);
                if !line.trim().is_empty() {
                    self.page.rows.push(vec![Cell::Text(line.trim().to_owned())]);
                }
            }
        }
    }

    fn count(&mut self, cells: usize) -> Result<(), Refusal> {
        self.cells = self.cells.saturating_add(cells);
        match self.cells > MAX_CELLS {
            true => Err(Refusal::TooLarge),
            false => Ok(()),
        }
    }

    /// A new row of the innermost table, with the cells spilling into it from the rows above.
    fn begin_row(&mut self, hidden: bool) -> Result<(), Refusal> {
        let Some(table) = self.tables.last_mut() else { return Ok(()) };
        let at = table.rows;
        table.rows += 1;
        table.spills.retain(|s| s.last >= at);
        let laid: usize = table.spills.iter().map(|s| s.columns.len()).sum();
        self.spilled = self.spilled.saturating_add(laid);
        if self.spilled > MAX_SPILLED {
            return Err(Refusal::TooLarge);
        }
        let (mut cells, mut taken) = (Vec::new(), Vec::new());
        for spill in &table.spills {
            if cells.len() < spill.columns.end {
                cells.resize(spill.columns.end, Cell::Empty);
                taken.resize(spill.columns.end, false);
            }
            for cell in &mut cells[spill.columns.clone()] {
                *cell = spill.value.clone();
            }
            taken[spill.columns.clone()].fill(true);
        }
        table.row = Some(Row { cells, taken, column: 0, cell: None, hidden, held_table: false });
        self.count(laid)
    }

    fn end_cell(&mut self) -> Result<(), Refusal> {
        let Some(table) = self.tables.last_mut() else { return Ok(()) };
        let Some(row) = table.row.as_mut() else { return Ok(()) };
        let Some((text, first, across, down)) = row.cell.take() else { return Ok(()) };
        let text = text.trim_matches(|c: char| c == ' ' || c == '\n');
        let value = if text.is_empty() { Cell::Empty } else { Cell::Text(text.to_owned()) };
        let columns = first..first + across;
        if row.cells.len() < columns.end {
            row.cells.resize(columns.end, Cell::Empty);
        }
        for cell in &mut row.cells[columns.clone()] {
            *cell = value.clone();
        }
        row.column = columns.end;
        if down > 1 {
            let last = table.rows - 1 + (down - 1);
            table.spills.push(Spill { columns, last, value });
        }
        self.count(across)
    }

    fn end_row(&mut self) -> Result<(), Refusal> {
        self.end_cell()?;
        let Some(row) = self.tables.last_mut().and_then(|t| t.row.take()) else { return Ok(()) };
        if row.held_table && row.cells.iter().all(Cell::is_empty) {
            return Ok(());
        }
        self.page.rows.push(row.cells);
        if row.hidden {
            self.page.hidden_rows.push(self.page.rows.len());
        }
        Ok(())
    }

    fn finish(mut self) -> Result<Option<Page>, Refusal> {
        // Generators close their tables; a page ending inside one is a copy or a download cut short, whose rows
        // past the cut are missing.
        if !self.tables.is_empty() {
            return Err(Refusal::Reason(
                "网页在表格中途结束，内容不完整（可能复制或下载没有完成）：请重新取得这份名单 (the web page ends in the \
                 middle of a table, incomplete (maybe a copy or download that did not finish): get the list again)"
                    .into(),
            ));
        }
        while !self.tables.is_empty() {
            self.end("table")?;
        }
        self.line_break();
        if !self.seen_table {
            return Err(Refusal::Reason(
                "网页中没有表格（<table>），其中没有可读的名单 (the web page holds no table, so no list to read)"
                    .into(),
            ));
        }
        Ok(Some(self.page))
    }
}

/// Appends text with its runs of spacing as one space, as a browser shows it; `&nbsp;` was made a space already.
fn push_collapsed(target: &mut String, text: &str) {
    for c in text.chars() {
        let c = if c == '\u{a0}' { ' ' } else { c };
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c') {
            if !target.is_empty() && !target.ends_with([' ', '\n']) {
                target.push(' ');
            }
        } else {
            target.push(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(html: &str) -> Vec<Vec<String>> {
        let page = read(html, &|| false).expect("reads").expect("not stopped");
        page.rows.iter().map(|r| r.iter().map(Cell::text).collect()).collect()
    }

    #[test]
    fn cells_spanning_rows_and_columns_fill_what_they_cover() {
        let html = "<table><tr><td colspan=3>城关一小 三年级名单</td></tr>\
            <tr><th>班级<th>姓名<th>身份证号</tr>\
            <tr><td rowspan=2>1班</td><td>张三</td><td>51010220150101123X</td></tr>\
            <tr><td>李四</td><td>&#x30;51010220150101123</td></tr></table>";
        assert_eq!(
            rows(html),
            [
                vec!["城关一小 三年级名单"; 3],
                vec!["班级", "姓名", "身份证号"],
                vec!["1班", "张三", "51010220150101123X"],
                vec!["1班", "李四", "051010220150101123"],
            ]
        );
    }

    #[test]
    fn text_outside_tables_is_a_row_and_what_is_no_text_is_passed_over() {
        let html = "<html><head><title>x</title><style>td{mso-number-format:\"\\@\";}</style>\
            <!--[if gte mso 9]><xml><x:Name>Sheet1</x:Name></xml><![endif]--></head>\
            <body><h2>三年级&nbsp;2班</h2><table><tr><td> 张&amp;三 <br>备注 </td><td x:str>&lt;5岁</td></tr></table>\
            <script>var a = '<td>';</script></body></html>";
        assert_eq!(
            rows(html),
            [vec!["三年级 2班"], vec!["张&三 备注", "<5岁"]],
            "a line break in a cell is a space, as every cell's is"
        );
    }

    #[test]
    fn a_page_without_a_table_or_with_too_deep_tables_is_refused() {
        assert!(matches!(read("<html><body>没有</body></html>", &|| false), Err(Refusal::Reason(_))));
        let cut = "<table><tr><td>姓名</td><td>身份证号</td></tr><tr><td>张三</td><td>5101";
        assert!(matches!(read(cut, &|| false), Err(Refusal::Reason(r)) if r.contains("中途结束")));
        let deep = "<table><tr><td>".repeat(100);
        assert!(matches!(read(&deep, &|| false), Err(Refusal::Reason(r)) if r.contains("嵌套")));
        let wide = format!("<table><tr><td colspan=1000 rowspan=65534>x{}", "<tr>".repeat(2001));
        assert_eq!(read(&wide, &|| false).err(), Some(Refusal::TooLarge));
    }

    #[test]
    fn the_declared_charset_reads_a_gbk_page() {
        let page = "<meta http-equiv=Content-Type content=\"text/html; charset=gb2312\"><table><tr><td>韦明亮</td></tr></table>";
        let bytes = encoding_rs::GBK.encode(page).0.into_owned();
        assert!(declared_text(&bytes).is_some_and(|text| text.contains("韦明亮")));
        // Said UTF-8, written GBK: left to the reading of any text file, which believes the bytes.
        let lying = encoding_rs::GBK.encode(&page.replace("gb2312", "utf-8")).0.into_owned();
        assert_eq!(declared_text(&lying), None);
    }
}
