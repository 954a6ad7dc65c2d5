//! A worksheet's XML without the rows that hold no value, for calamine to read instead of the whole part. A sheet
//! whose every row down to Excel's last (1,048,576) carries styled empty cells (`<c r="A7" s="1"/>`), or a
//! hundred megabytes of `<row>` elements with nothing in them, took calamine tens of seconds to walk through to
//! find five pupils at its top; `table::xlsx_scan` inflates every part once anyway, and passes each sheet's
//! bytes through here as they inflate.
//!
//! What is left out is only what calamine would read as nothing: a row whose cells have no child element (no
//! `<v>`, no `<is>`, no `<f>`), whose tags are plain enough to be sure calamine reads them without an error. Every
//! row kept gets its number written (`r="…"`) when it had none, as calamine would have counted it, so no row moves.
//! Anything this cannot be sure of (a comment, a DTD, a nested row, names that do not close as they open, a row
//! number out of the ordinary) leaves the part as it is, for calamine to judge.

/// Bytes a part must shed for its trimmed copy to be worth making: a list's own rows are not copied for nothing.
const WORTH: usize = 1 << 20;
/// The most kept: a part whose rows with values are larger than this is read as it is (a real list of some
/// hundred thousand pupils is read at calamine's pace, as before).
const MAX_KEPT: usize = 32 << 20;
/// The longest tag waited for across chunks.
const MAX_TAG: usize = 1 << 20;
/// Elements open inside one row.
const MAX_DEPTH: usize = 32;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Mode {
    /// Before `<sheetData>`: copied as it is.
    Before,
    /// Inside `<sheetData>`, between rows.
    Data,
    /// Inside a row.
    Row,
    /// After `</sheetData>`: copied as it is.
    After,
    /// Not sure of something: the part is left as it is.
    Abandoned,
}

/// One worksheet part passed through in the chunks it inflates in.
pub(super) struct Trim {
    mode: Mode,
    out: Vec<u8>,
    pending: Vec<u8>,
    taken: usize,
    /// The row number calamine gives the next row without `r`, from 0.
    next_row: u64,
    /// Where the row being read starts in `out`, and its number from 0.
    row_start: usize,
    row: u64,
    /// The row being read has something calamine would read as a value (or that this does not know it would not).
    valued: bool,
    /// The elements open inside the row, by name as written.
    open: Vec<Vec<u8>>,
}

impl Trim {
    pub(super) fn new() -> Trim {
        Trim {
            mode: Mode::Before,
            out: Vec::new(),
            pending: Vec::new(),
            taken: 0,
            next_row: 0,
            row_start: 0,
            row: 0,
            valued: false,
            open: Vec::new(),
        }
    }

    pub(super) fn feed(&mut self, bytes: &[u8]) {
        self.taken += bytes.len();
        match self.mode {
            Mode::Abandoned => return,
            Mode::After => {
                self.out.extend_from_slice(bytes);
                self.check_kept();
                return;
            }
            _ => {}
        }
        self.pending.extend_from_slice(bytes);
        let mut at = 0;
        while at < self.pending.len() && !matches!(self.mode, Mode::Abandoned | Mode::After) {
            let Some(open) = memchr::memchr(b'<', &self.pending[at..]).map(|i| at + i) else {
                self.text(at, self.pending.len());
                at = self.pending.len();
                break;
            };
            if open > at {
                self.text(at, open);
                at = open;
            }
            let Some(end) = tag_end(&self.pending[at..]) else {
                if self.pending.len() - at > MAX_TAG {
                    self.abandon();
                }
                break;
            };
            let tag = std::mem::take(&mut self.pending);
            self.tag(&tag[at..at + end]);
            self.pending = tag;
            at += end;
        }
        match self.mode {
            Mode::Abandoned => self.pending = Vec::new(),
            Mode::After => {
                let rest = self.pending.split_off(at);
                self.out.extend_from_slice(&rest);
                self.pending = Vec::new();
            }
            _ => {
                self.pending.drain(..at);
            }
        }
        self.check_kept();
    }

    /// The trimmed part, when it sheds enough to be worth reading instead.
    pub(super) fn finish(self) -> Option<Vec<u8>> {
        (self.mode == Mode::After && self.pending.is_empty() && self.taken.saturating_sub(self.out.len()) >= WORTH)
            .then_some(self.out)
    }

    fn check_kept(&mut self) {
        if self.out.len() > MAX_KEPT {
            self.abandon();
        }
    }

    fn abandon(&mut self) {
        self.mode = Mode::Abandoned;
        self.out = Vec::new();
        self.pending = Vec::new();
        self.open = Vec::new();
    }

    /// Text between tags: calamine reads none of it outside a cell's value, which keeps its row anyway.
    fn text(&mut self, from: usize, to: usize) {
        match self.mode {
            Mode::Before | Mode::Row => self.out.extend_from_slice(&self.pending[from..to]),
            Mode::Data | Mode::After | Mode::Abandoned => {}
        }
    }

    /// One tag, `<` to `>`.
    fn tag(&mut self, tag: &[u8]) {
        let inner = &tag[1..tag.len() - 1];
        if inner.starts_with(b"!--") && self.mode == Mode::Before {
            self.out.extend_from_slice(tag);
            return;
        }
        if inner.starts_with(b"?") && self.mode == Mode::Before {
            self.out.extend_from_slice(tag);
            return;
        }
        if inner.starts_with(b"!") || inner.starts_with(b"?") {
            return self.abandon();
        }
        if let Some(name) = inner.strip_prefix(b"/") {
            return self.end_tag(tag, name.trim_ascii_end());
        }
        let empty = inner.ends_with(b"/");
        let inner = if empty { &inner[..inner.len() - 1] } else { inner };
        let name_len = inner.iter().position(|b| b.is_ascii_whitespace()).unwrap_or(inner.len());
        let (name, attributes) = inner.split_at(name_len);
        let local = local_name(name);
        match self.mode {
            Mode::Before => {
                self.out.extend_from_slice(tag);
                if local == b"sheetData" {
                    self.mode = if empty { Mode::After } else { Mode::Data };
                }
            }
            Mode::Data => {
                if local != b"row" {
                    return self.abandon();
                }
                let Some(attributes) = plain_attributes(attributes) else { return self.abandon() };
                let row = match attributes.iter().find(|(key, _)| *key == b"r") {
                    None => None,
                    Some((_, r)) => match row_number(r) {
                        Some(r) => Some(r),
                        None => return self.abandon(),
                    },
                };
                self.row = row.unwrap_or(self.next_row);
                self.row_start = self.out.len();
                self.valued = false;
                if empty {
                    // Nothing in it: left out, and counted as calamine counts it.
                    self.next_row = self.row + 1;
                    return;
                }
                match row {
                    Some(_) => self.out.extend_from_slice(tag),
                    None => {
                        self.out.push(b'<');
                        self.out.extend_from_slice(name);
                        self.out.extend_from_slice(format!(" r=\"{}\"", self.row + 1).as_bytes());
                        self.out.extend_from_slice(&tag[1 + name.len()..]);
                    }
                }
                self.mode = Mode::Row;
            }
            Mode::Row => {
                if matches!(local, b"row" | b"sheetData") || self.open.len() >= MAX_DEPTH {
                    return self.abandon();
                }
                self.out.extend_from_slice(tag);
                // A cell directly in the row, with plain tags, is read as nothing unless something is inside it.
                let plain_cell = self.open.is_empty() && local == b"c" && plain_cell(attributes);
                match (empty, plain_cell) {
                    (true, true) => {}
                    // Any other empty element directly in a row is passed over by calamine.
                    (true, false) if self.open.is_empty() && local != b"c" => {}
                    (true, false) => self.valued = true,
                    (false, plain) => {
                        self.valued |= !plain;
                        self.open.push(name.to_vec());
                    }
                }
            }
            Mode::After | Mode::Abandoned => {}
        }
    }

    fn end_tag(&mut self, tag: &[u8], name: &[u8]) {
        match self.mode {
            Mode::Before => self.out.extend_from_slice(tag),
            Mode::Data if local_name(name) == b"sheetData" => {
                self.out.extend_from_slice(tag);
                self.mode = Mode::After;
            }
            Mode::Row => match self.open.pop() {
                Some(open) if open == name => self.out.extend_from_slice(tag),
                None if local_name(name) == b"row" => {
                    self.next_row = self.row + 1;
                    self.mode = Mode::Data;
                    if self.valued {
                        self.out.extend_from_slice(tag);
                    } else {
                        self.out.truncate(self.row_start);
                    }
                }
                _ => self.abandon(),
            },
            Mode::Data | Mode::After | Mode::Abandoned => self.abandon(),
        }
    }
}

/// The zip `bytes` with the parts at these indices replaced by their trimmed copies (stored), every other part
/// copied as it is packed. `None` when the zip cannot be written again: the original is then read.
pub(super) fn rebuilt(bytes: &[u8], trimmed: &[(usize, Vec<u8>)]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(bytes.len())));
    for i in 0..archive.len() {
        match trimmed.iter().find(|(at, _)| *at == i) {
            Some((_, xml)) => {
                let name = archive.by_index_raw(i).ok()?.name().ok()?.into_owned();
                let stored = zip::write::SimpleFileOptions::default()
                    .compression_method(zip::CompressionMethod::Stored)
                    .large_file(xml.len() as u64 >= u64::from(u32::MAX));
                out.start_file(name, stored).ok()?;
                out.write_all(xml).ok()?;
            }
            None => out.raw_copy_file(archive.by_index_raw(i).ok()?).ok()?,
        }
    }
    Some(out.finish().ok()?.into_inner())
}

/// The length of the tag `bytes` starts with (`<` to `>` inclusive), quotes inside it skipped as the XML reader
/// skips them; `None` while it is not all there.
fn tag_end(bytes: &[u8]) -> Option<usize> {
    if bytes.starts_with(b"<!--") {
        return memchr::memmem::find(&bytes[4..], b"-->").map(|i| 4 + i + 3);
    }
    if bytes.starts_with(b"<?") {
        return memchr::memmem::find(&bytes[2..], b"?>").map(|i| 2 + i + 2);
    }
    if bytes.starts_with(b"<!") || bytes.starts_with(b"</") {
        return memchr::memchr(b'>', bytes).map(|i| i + 1);
    }
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate().skip(1) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), b) if b == q => quote = None,
            (None, b'>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

fn local_name(name: &[u8]) -> &[u8] {
    name.rsplit(|&b| b == b':').next().unwrap_or(name)
}

/// The attributes of a tag, when each is plainly `name="value"` (or single quotes), no name twice: calamine reads
/// such a tag without an error. `None` otherwise.
fn plain_attributes(mut rest: &[u8]) -> Option<Attributes<'_>> {
    let mut found = Attributes { all: [(&[], &[]); MAX_ATTRIBUTES], len: 0 };
    loop {
        let trimmed = rest.trim_ascii_start();
        if trimmed.is_empty() {
            return Some(found);
        }
        if found.len == MAX_ATTRIBUTES {
            return None;
        }
        // Each attribute follows a space.
        if trimmed.len() == rest.len() {
            return None;
        }
        let key_len = trimmed.iter().position(|&b| b == b'=' || b.is_ascii_whitespace())?;
        let (key, after) = trimmed.split_at(key_len);
        let plain_key = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'-' | b'.');
        if key.is_empty() || !key.iter().all(plain_key) || found.iter().any(|(k, _)| *k == key) {
            return None;
        }
        let after = after.trim_ascii_start().strip_prefix(b"=")?.trim_ascii_start();
        let quote = *after.first().filter(|q| matches!(q, b'"' | b'\''))?;
        let close = memchr::memchr(quote, &after[1..])?;
        let value = &after[1..1 + close];
        if value.contains(&b'<') {
            return None;
        }
        found.all[found.len] = (key, value);
        found.len += 1;
        rest = &after[close + 2..];
    }
}

/// More attributes than a row or a cell is written with: such a tag is not taken as plain.
const MAX_ATTRIBUTES: usize = 16;

/// A tag's attributes, held without allocating: a million rows' tags are read.
struct Attributes<'a> {
    all: [(&'a [u8], &'a [u8]); MAX_ATTRIBUTES],
    len: usize,
}

impl<'a> Attributes<'a> {
    fn iter(&self) -> impl Iterator<Item = &(&'a [u8], &'a [u8])> {
        self.all[..self.len].iter()
    }
}

/// A row's `r` as calamine reads it, from 0, when it is plain digits (up to seven, not 0).
fn row_number(r: &[u8]) -> Option<u64> {
    if r.is_empty() || r.len() > 7 || !r.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let n: u64 = std::str::from_utf8(r).ok()?.parse().ok()?;
    n.checked_sub(1)
}

/// Whether a cell's attributes are plain, with its `r`, if any, a reference calamine reads without an error
/// (one to three letters, then a row of up to seven digits, not 0).
fn plain_cell(attributes: &[u8]) -> bool {
    let Some(attributes) = plain_attributes(attributes) else { return false };
    attributes.iter().filter(|(key, _)| *key == b"r").all(|(_, r)| {
        let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        (1..=3).contains(&letters) && row_number(&r[letters..]).is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trimmed(xml: &str, chunk: usize) -> Option<String> {
        let mut trim = Trim::new();
        for piece in xml.as_bytes().chunks(chunk) {
            trim.feed(piece);
        }
        trim.finish().map(|t| String::from_utf8(t).expect("utf8"))
    }

    const HEAD: &str = r#"<?xml version="1.0"?><worksheet xmlns="x"><dimension ref="A1:C1048576"/><sheetData>"#;
    const TAIL: &str = r#"</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>"#;

    #[test]
    fn styled_empty_cells_to_the_last_row_are_left_out() {
        let mut xml = format!(r#"{HEAD}<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>"#);
        for r in 2..=1_048_576 {
            use std::fmt::Write;
            write!(xml, r#"<row r="{r}"><c r="A{r}" s="1"/><c s="1"></c></row>"#).expect("written");
        }
        xml.push_str(TAIL);
        let first = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c></row>"#;
        assert_eq!(trimmed(&xml, 64 * 1024).expect("trimmed"), format!("{HEAD}{first}{TAIL}"));
        // Cut anywhere between chunks, tags and all.
        let short = xml.split_at(xml.find(r#"<row r="20000""#).expect("row")).0;
        assert_eq!(trimmed(&format!("{short}{TAIL}"), 7).expect("trimmed"), format!("{HEAD}{first}{TAIL}"));
    }

    #[test]
    fn rows_without_numbers_keep_theirs() {
        let junk = "<row><c s=\"1\"/><c s='1'/></row>\n<row/>".repeat(40_000);
        let xml = format!(
            r#"{HEAD}<row><c><v>1</v></c></row>{junk}<x:row spans="1:2"><c><v>2</v></c><c><f>A1</f></c></x:row>{junk}<row r="200000"><c s="1"/><c t="s"><v>0</v></c></row><row><c><v>3</v></c></row>{TAIL}"#
        );
        let out = trimmed(&xml, 4096).expect("trimmed");
        assert_eq!(
            out,
            format!(
                r#"{HEAD}<row r="1"><c><v>1</v></c></row><x:row r="80002" spans="1:2"><c><v>2</v></c><c><f>A1</f></c></x:row><row r="200000"><c s="1"/><c t="s"><v>0</v></c></row><row r="200001"><c><v>3</v></c></row>{TAIL}"#
            )
        );
    }

    #[test]
    fn what_it_cannot_be_sure_of_is_left_as_it_is() {
        let junk = r#"<row><c s="1"/></row>"#.repeat(100_000);
        assert!(trimmed(&format!("{HEAD}{junk}{TAIL}"), 4096).is_some());
        for odd in [
            "<!-- <row> -->",
            "<![CDATA[x]]>",
            r#"<row r="A5"><c s="1"/></row>"#,
            r#"<row r="0"/>"#,
            r#"<row><c><row/></c></row>"#,
            r#"<row><c s="1"></x></row>"#,
            r#"<c r="A1"><v>1</v></c>"#,
        ] {
            assert!(trimmed(&format!("{HEAD}{junk}{odd}{junk}{TAIL}"), 4096).is_none(), "{odd}");
        }
        // A sheet that does not end is not passed off as whole.
        assert!(trimmed(&format!("{HEAD}{junk}"), 4096).is_none());
        // Little to shed: the part is read as it is.
        let little = r#"<row><c s="1"/></row>"#.repeat(20_000);
        assert!(trimmed(&format!("{HEAD}{little}{TAIL}"), 4096).is_none());
    }

    #[test]
    fn a_cell_calamine_would_fail_on_keeps_its_row() {
        let junk = r#"<row><c s="1"/></row>"#.repeat(100_000);
        for odd in [r#"<c r="5"/>"#, r#"<c r="A0"/>"#, r#"<c r="A1" s=1/>"#, r#"<c r="A1" r="A2"/>"#] {
            let xml = format!("{HEAD}{junk}<row>{odd}</row>{junk}{TAIL}");
            let out = trimmed(&xml, 4096).expect("trimmed");
            assert!(out.contains(&format!(r#"<row r="100001">{odd}</row>"#)), "{odd}: {out}");
        }
    }
}
