//! The rows of a push as COPY sends them: a pupil, a status and a history row, each either straight into the
//! county's table (pupils new to the county) or into a staging table (pupils it has, to be decided on).

use std::io::Write;

use super::CountyError;
use super::decide::COUNTY_GROUPS;
use super::drive::{DriveEvent, DrivePupil, DriveStatus};

/// COPY's text format: tab-separated, `\N` for NULL, and backslash, tab and line breaks escaped.
pub struct CopyLine {
    pub buf: Vec<u8>,
    row_start: bool,
}

impl CopyLine {
    pub fn new() -> CopyLine {
        CopyLine { buf: Vec::with_capacity(1 << 17), row_start: true }
    }

    fn separate(&mut self) {
        if !self.row_start {
            self.buf.push(b'\t');
        }
        self.row_start = false;
    }

    pub fn text(&mut self, value: &str) {
        self.separate();
        // Almost no text needs escaping: it is copied whole between the few bytes that do (pushing byte by
        // byte was a fifth of a push's own work).
        let bytes = value.as_bytes();
        // Without a short cut, so the compiler checks many bytes at a time.
        if bytes.iter().fold(true, |plain, &b| plain & (b > b'\r') & (b != b'\\')) {
            self.buf.extend_from_slice(bytes);
            return;
        }
        let mut from = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let escaped: &[u8] = match b {
                b'\\' => b"\\\\",
                b'\t' => b"\\t",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                _ => continue,
            };
            self.buf.extend_from_slice(&bytes[from..i]);
            self.buf.extend_from_slice(escaped);
            from = i + 1;
        }
        self.buf.extend_from_slice(&bytes[from..]);
    }

    /// A number, written without an allocation of its own.
    pub fn int(&mut self, value: i64) {
        self.separate();
        if value < 0 {
            self.buf.push(b'-');
        }
        // Digits from the last, without the formatting machinery (a few ids and years on every row).
        let mut digits = [0u8; 20];
        let mut rest = value.unsigned_abs();
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        self.buf.extend_from_slice(&digits[at..]);
    }

    pub fn opt(&mut self, value: Option<&str>) {
        match value {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    pub fn opt_int(&mut self, value: Option<i64>) {
        match value {
            Some(v) => self.int(v),
            None => self.null(),
        }
    }

    pub fn null(&mut self) {
        self.separate();
        self.buf.extend_from_slice(b"\\N");
    }

    pub fn end(&mut self) {
        self.buf.push(b'\n');
        self.row_start = true;
    }
}

impl Default for CopyLine {
    fn default() -> Self {
        CopyLine::new()
    }
}

/// Sends `rows` through `COPY table (columns) FROM STDIN`, a buffer at a time.
pub fn copy<T>(
    tx: &mut postgres::Transaction,
    table: &str,
    columns: &str,
    rows: impl IntoIterator<Item = T>,
    mut write: impl FnMut(&mut CopyLine, T),
) -> Result<(), CountyError> {
    let mut writer = tx.copy_in(&format!("COPY {table} ({columns}) FROM STDIN")).map_err(CountyError::server)?;
    let mut line = CopyLine::new();
    for row in rows {
        write(&mut line, row);
        line.end();
        if line.buf.len() > 1 << 16 {
            writer.write_all(&line.buf).map_err(|e| CountyError::Io(e.to_string()))?;
            line.buf.clear();
        }
    }
    writer.write_all(&line.buf).map_err(|e| CountyError::Io(e.to_string()))?;
    writer.finish().map_err(CountyError::server)?;
    Ok(())
}

/// Where a row goes: the county's own table (with the drive that set each group), or staging.
#[derive(Clone, Copy)]
pub enum Dest {
    County { drive_id: i32 },
    Staging,
}

/// The stamp columns of the pupil groups (`yearly` false) or the status groups, with `_drive` for the
/// county's tables.
pub fn stamp_columns(yearly: bool, into: Dest) -> String {
    let drive = matches!(into, Dest::County { .. });
    let class_step = if yearly { "" } else { CLASS_STEP_COLUMNS };
    let stamps = COUNTY_GROUPS
        .iter()
        .filter(|g| g.yearly == yearly)
        .map(|g| {
            if drive {
                format!("{0}_at, {0}_origin, {0}_event, {0}_drive", g.prefix)
            } else {
                format!("{0}_at, {0}_origin, {0}_event, {0}_kind", g.prefix)
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    format!("{stamps}{class_step}")
}

/// The columns, after the pupil groups' stamps, that say what the class rule needs of the change that set the
/// class (county schema 7).
const CLASS_STEP_COLUMNS: &str = ", class_promoted, class_made_in, class_from";

pub fn stamp_definitions(yearly: bool) -> String {
    let stamps: String = COUNTY_GROUPS
        .iter()
        .filter(|g| g.yearly == yearly)
        .map(|g| format!(", {0}_at timestamptz, {0}_origin text, {0}_event uuid, {0}_kind text", g.prefix))
        .collect();
    let class_step = if yearly { "" } else { ", class_promoted integer, class_made_in integer, class_from uuid" };
    format!("{stamps}{class_step}")
}

fn stamps(line: &mut CopyLine, last: &[Option<usize>; 8], yearly: bool, audit: &[DriveEvent], into: Dest) {
    for (g, last) in COUNTY_GROUPS.iter().zip(last) {
        if g.yearly != yearly {
            continue;
        }
        match last.map(|i| &audit[i]) {
            Some(e) => {
                line.opt(e.at.as_deref());
                line.text(&e.origin);
                line.text(&e.hash);
                match into {
                    Dest::County { drive_id } => line.int(i64::from(drive_id)),
                    // What kind of change it is, for the rule that weighs a creation against a change.
                    Dest::Staging => line.text(super::decide::kind_of(e)),
                }
            }
            None => {
                line.null();
                line.null();
                line.null();
                line.null();
            }
        }
    }
}

/// A pupil's own columns, after `id` (county) or `rid, sid, pupil_id` (staging).
pub const PUPIL_COLUMNS: &str = "key, created_event, id_number, id_valid, name, school_id, grade, class, class_order, \
     phone, categories, categories_year, note";

/// A pupil row: its county id, then [`PUPIL_COLUMNS`], then (staging) the school's name, then the stamps of
/// `last` (the pupil's own, or as the county's knowledge has them: see `push::stage_known`).
pub fn write_pupil(
    line: &mut CopyLine,
    (id, p, last): (i64, &DrivePupil, &[Option<usize>; 8]),
    school_id: i32,
    audit: &[DriveEvent],
    into: Dest,
) {
    if let Dest::Staging = into {
        line.int(p.sid);
        line.int(p.sid);
    }
    line.int(id);
    line.text(&p.key);
    line.opt(p.created_event.as_deref());
    line.text(&p.id_number);
    line.text(if p.id_valid { "t" } else { "f" });
    line.text(&p.name);
    line.int(i64::from(school_id));
    line.text(&p.grade);
    line.text(&p.class);
    line.text(&p.class_order);
    line.text(&p.phone);
    line.text(&p.categories);
    line.int(p.certified_year);
    line.text(&p.note);
    if let Dest::Staging = into {
        line.text(&p.school);
    }
    stamps(line, last, false, audit, into);
    line.opt_int(p.class_promoted().map(i64::from));
    line.opt_int(
        p.class_at.filter(|_| p.class_promoted().is_none()).and_then(|at| p.class_made_in_at(at)).map(i64::from),
    );
    line.opt(p.class_moved_from().map(|e| audit[e].hash.as_str()));
}

/// A status's own columns, after `pupil_id` (county) or `rid, sid, pupil_id` (staging).
pub const STATUS_COLUMNS: &str =
    "year, enrollment, decline_reason, payment, paid_amount_fen, paid_on, paid_channel, grade, class, class_order,
     amount_due_fen, sent_away, categories, categories_year";

pub fn write_status(
    line: &mut CopyLine,
    (rid, pupil_id): (usize, i64),
    (st, last): (&DriveStatus, &[Option<usize>; 8]),
    audit: &[DriveEvent],
    into: Dest,
) {
    if let Dest::Staging = into {
        line.int(rid as i64);
        line.int(st.sid);
    }
    line.int(pupil_id);
    line.int(i64::from(st.year));
    line.text(&st.enrollment);
    line.opt(st.decline_reason.as_deref());
    line.text(&st.payment);
    line.opt_int(st.paid_amount_fen);
    line.opt(st.paid_on.as_deref());
    line.opt(st.paid_channel.as_deref());
    line.opt(st.grade.as_deref());
    line.opt(st.class.as_deref());
    line.opt(st.class_order.as_deref());
    line.opt_int(st.amount_due_fen);
    line.opt(st.sent_away.map(|away| if away { "t" } else { "f" }));
    line.opt(st.categories.as_deref());
    line.opt_int(st.categories_year);
    stamps(line, last, true, audit, into);
}

pub const EVENT_COLUMNS: &str = "event, drive_id, pupil_id, at, at_text, operator, origin, action, id_number, field, \
     old, new, year, school, name, grade, class";

/// What a creation row gave its pupil, each where the row was the drive's newest change of it (see the county
/// schema's versions 12 and 13): the school, the name, and the grade and class (a rewind makes the class's sort
/// key again from them, as a drive makes it).
#[derive(Debug, Clone, Copy, Default)]
pub struct Created<'a> {
    pub school: Option<&'a str>,
    pub name: Option<&'a str>,
    pub class: Option<(&'a str, &'a str)>,
}

/// `created`: for a creation row, what it gave the pupil.
pub fn write_event(line: &mut CopyLine, e: &DriveEvent, drive_id: i32, pupil_id: Option<i64>, created: Created) {
    line.text(&e.hash);
    line.int(i64::from(drive_id));
    line.opt_int(pupil_id);
    line.opt(e.at.as_deref());
    line.text(&e.at_text);
    line.text(&e.operator);
    line.text(&e.origin);
    line.text(&e.action);
    line.text(&e.id_number);
    line.text(&e.field);
    // 民族 and 居住地址 (the merge's groups past the county's) stay on the laptop: the county's tables do not take
    // them (README), so their history rows reach it as changes without values, the drive's history whole and its
    // hashes matched.
    let kept_home = super::drive::stays_home(&e.field);
    line.opt(e.old.as_deref().filter(|_| !kept_home));
    line.opt(e.new.as_deref().filter(|_| !kept_home));
    line.opt_int(e.year.map(i64::from));
    line.opt(created.school);
    line.opt(created.name);
    match created.class {
        Some((grade, class)) => {
            line.text(grade);
            line.text(class);
        }
        None => {
            line.null();
            line.null();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_text_escapes_what_would_split_a_row() {
        let mut line = CopyLine::new();
        line.text("");
        line.text("a\tb\\c\nd");
        line.null();
        line.opt(Some(""));
        line.int(-12);
        line.int(i64::MIN);
        line.int(0);
        line.end();
        line.text("x");
        line.end();
        assert_eq!(String::from_utf8(line.buf).unwrap(), "\ta\\tb\\\\c\\nd\t\\N\t\t-12\t-9223372036854775808\t0\nx\n");
    }
    /// A history row of `field` from "旧" to "新", as the push writes it for the county.
    fn written(field: &str) -> String {
        let e = DriveEvent {
            seq: 1,
            sid: Some(1),
            at: Some("2026-11-23T01:00:00Z".into()),
            at_text: "2026-11-23T01:00:00Z".into(),
            operator: "甲".into(),
            origin: "o1".into(),
            action: "edit".into(),
            id_number: "x".into(),
            field: field.into(),
            old: Some("旧".into()),
            new: Some("新".into()),
            year: None,
            hash: "0".repeat(32),
        };
        let mut line = CopyLine::new();
        write_event(&mut line, &e, 1, Some(1), Created::default());
        line.end();
        String::from_utf8(line.buf).unwrap()
    }

    #[test]
    fn every_field_past_the_countys_groups_reaches_it_without_its_values() {
        use crate::store::merge::GROUPS;
        let home: Vec<&crate::store::Field> = GROUPS[COUNTY_GROUPS.len()..].iter().flat_map(|g| g.iter()).collect();
        assert!(!home.is_empty());
        for field in home {
            let row = written(field.key());
            assert!(row.contains(field.key()), "the change itself is sent: {row}");
            assert!(!row.contains('旧') && !row.contains('新'), "{} sent its values: {row}", field.key());
        }
        for field in GROUPS[..COUNTY_GROUPS.len()].iter().flat_map(|g| g.iter()) {
            let row = written(field.key());
            assert!(row.contains('旧') && row.contains('新'), "{} is the county's: {row}", field.key());
        }
    }
}
