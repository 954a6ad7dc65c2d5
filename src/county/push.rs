//! `canbao push`: one drive file into the county database in one transaction. Its rows go in with COPY into
//! temporary staging tables; then set-based statements match them to the county's pupils (as a merge keys
//! them) and, group of fields by group, keep the newest change as a merge does, listing the conflicts.

use std::io::Write;

use serde::Serialize;

use super::drive::{DriveEvent, DrivePupil, DriveRead, DriveStatus};
use super::{CountyError, schema};
use crate::store::Field;

/// What one field of the county's tables is, for the statements a group needs.
struct Group {
    /// The prefix of the group's stamp columns (`{prefix}_at`, `_origin`, `_event`, `_drive`).
    prefix: &'static str,
    /// Enrollment and payment are statuses of an insured year: `canbao.statuses`, else `canbao.pupils`.
    yearly: bool,
    /// Columns set from the staging row of the same name.
    sets: &'static [&'static str],
    /// (field as the audit log names it, the county's value as text, the drive's value as text).
    fields: &'static [(Field, &'static str, &'static str)],
}

/// In `store::merge::GROUPS` order (a test holds them together).
const COUNTY_GROUPS: [Group; 8] = [
    Group {
        prefix: "school",
        yearly: false,
        sets: &["school_id"],
        fields: &[(Field::School, "(SELECT name FROM canbao.schools WHERE id = t.school_id)", "s.school")],
    },
    Group { prefix: "name", yearly: false, sets: &["name"], fields: &[(Field::Name, "t.name", "s.name")] },
    Group {
        prefix: "class",
        yearly: false,
        sets: &["grade", "class", "class_order"],
        fields: &[(Field::Grade, "t.grade", "s.grade"), (Field::Class, "t.class", "s.class")],
    },
    Group { prefix: "phone", yearly: false, sets: &["phone"], fields: &[(Field::Phone, "t.phone", "s.phone")] },
    Group {
        prefix: "enrollment",
        yearly: true,
        sets: &["enrollment", "decline_reason"],
        fields: &[
            (Field::Enrollment, "t.enrollment", "s.enrollment"),
            (Field::DeclineReason, "t.decline_reason", "s.decline_reason"),
        ],
    },
    Group {
        prefix: "payment",
        yearly: true,
        sets: &["payment", "paid_amount_fen", "paid_on", "paid_channel"],
        fields: &[
            (Field::Payment, "t.payment", "s.payment"),
            (Field::PaidAmount, "t.paid_amount_fen::text", "s.paid_amount_fen::text"),
            (Field::PaidOn, "t.paid_on", "s.paid_on"),
            (Field::PaidChannel, "t.paid_channel", "s.paid_channel"),
        ],
    },
    Group {
        prefix: "categories",
        yearly: false,
        sets: &["categories", "categories_year"],
        fields: &[
            (Field::Categories, "t.categories::text", "s.categories::text"),
            (Field::CategoriesYear, "t.categories_year::text", "s.categories_year::text"),
        ],
    },
    Group { prefix: "note", yearly: false, sets: &["note"], fields: &[(Field::Note, "t.note", "s.note")] },
];

/// The same pupil's field set differently on two drives, neither having seen the other's change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushConflict {
    pub file: String,
    /// Masked unless the caller reveals it.
    pub id_number: String,
    pub name: String,
    pub school: String,
    /// The insured year, for a status.
    pub year: Option<i32>,
    pub field: String,
    pub kept: Option<String>,
    pub kept_at: Option<String>,
    pub kept_drive: String,
    pub lost: Option<String>,
    pub lost_at: Option<String>,
    pub lost_drive: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FilePush {
    pub file: String,
    /// The drive's current insured year.
    pub year: i32,
    pub students: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: usize,
    /// History rows new to the county.
    pub audit_rows: u64,
}

/// A drive file as `push` sends it.
pub struct DriveFile<'a> {
    /// How the county names the drive: the file's name.
    pub name: String,
    pub rows: &'a DriveRead,
}

fn server(e: postgres::Error) -> CountyError {
    CountyError::server(e)
}

/// COPY's text format: tab-separated, `\N` for NULL, and backslash, tab and line breaks escaped.
struct CopyLine {
    buf: Vec<u8>,
    row_start: bool,
}

impl CopyLine {
    fn new() -> CopyLine {
        CopyLine { buf: Vec::with_capacity(1 << 17), row_start: true }
    }

    fn separate(&mut self) {
        if !self.row_start {
            self.buf.push(b'\t');
        }
        self.row_start = false;
    }

    fn text(&mut self, value: &str) {
        self.separate();
        for b in value.bytes() {
            match b {
                b'\\' => self.buf.extend_from_slice(b"\\\\"),
                b'\t' => self.buf.extend_from_slice(b"\\t"),
                b'\n' => self.buf.extend_from_slice(b"\\n"),
                b'\r' => self.buf.extend_from_slice(b"\\r"),
                _ => self.buf.push(b),
            }
        }
    }

    fn opt(&mut self, value: Option<&str>) {
        match value {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    fn null(&mut self) {
        self.separate();
        self.buf.extend_from_slice(b"\\N");
    }

    fn end(&mut self) {
        self.buf.push(b'\n');
        self.row_start = true;
    }
}

/// The stamp columns of the pupil groups (`yearly` false) or the status groups.
fn stamp_columns(yearly: bool) -> String {
    COUNTY_GROUPS
        .iter()
        .filter(|g| g.yearly == yearly)
        .map(|g| format!("{0}_at, {0}_origin, {0}_event", g.prefix))
        .collect::<Vec<_>>()
        .join(", ")
}

fn stamp_definitions(yearly: bool) -> String {
    COUNTY_GROUPS
        .iter()
        .filter(|g| g.yearly == yearly)
        .map(|g| format!(", {0}_at timestamptz, {0}_origin text, {0}_event text", g.prefix))
        .collect()
}

const STAGE_PUPIL_COLUMNS: &str = "rid, sid, key, created_event, id_number, id_valid, name, school, school_id, \
     grade, class, class_order, phone, categories, categories_year, note";

const STAGE_STATUS_COLUMNS: &str =
    "rid, sid, year, enrollment, decline_reason, payment, paid_amount_fen, paid_on, paid_channel";

fn create_staging(tx: &mut postgres::Transaction) -> Result<(), CountyError> {
    tx.batch_execute(&format!(
        "CREATE TEMP TABLE stage_pupils (
            rid bigint PRIMARY KEY, sid bigint NOT NULL, key text NOT NULL, created_event text,
            id_number text NOT NULL, id_valid boolean NOT NULL, name text NOT NULL, school text NOT NULL,
            grade text NOT NULL, class text NOT NULL, class_order text NOT NULL, phone text NOT NULL,
            school_id integer NOT NULL, categories jsonb NOT NULL, categories_year integer, note text NOT NULL{pupil_stamps},
            pupil_id bigint, is_new boolean NOT NULL DEFAULT false,
            changed boolean NOT NULL DEFAULT false
         ) ON COMMIT DROP;
         CREATE TEMP TABLE stage_statuses (
            rid bigint PRIMARY KEY, sid bigint NOT NULL, year integer NOT NULL, enrollment text NOT NULL,
            decline_reason text, payment text NOT NULL, paid_amount_fen bigint, paid_on text,
            paid_channel text{status_stamps}, pupil_id bigint
         ) ON COMMIT DROP;
         CREATE TEMP TABLE fresh_statuses (pupil_id bigint NOT NULL) ON COMMIT DROP;
         CREATE TEMP TABLE stage_audit (
            seq bigint NOT NULL, sid bigint, event text NOT NULL, at timestamptz, at_text text NOT NULL,
            operator text NOT NULL, origin text NOT NULL, action text NOT NULL, id_number text,
            field text NOT NULL, old text, new text, year integer
         ) ON COMMIT DROP;",
        pupil_stamps = stamp_definitions(false),
        status_stamps = stamp_definitions(true),
    ))
    .map_err(server)
}

/// Sends `rows` through COPY, a buffer at a time.
fn copy<T>(
    tx: &mut postgres::Transaction,
    sql: &str,
    rows: &[T],
    mut write: impl FnMut(&mut CopyLine, usize, &T),
) -> Result<(), CountyError> {
    let mut writer = tx.copy_in(sql).map_err(server)?;
    let mut line = CopyLine::new();
    for (i, row) in rows.iter().enumerate() {
        write(&mut line, i, row);
        line.end();
        if line.buf.len() > 1 << 16 {
            writer.write_all(&line.buf).map_err(|e| CountyError::Io(e.to_string()))?;
            line.buf.clear();
        }
    }
    writer.write_all(&line.buf).map_err(|e| CountyError::Io(e.to_string()))?;
    writer.finish().map_err(server)?;
    Ok(())
}

fn stamps(line: &mut CopyLine, last: &[Option<usize>; 8], yearly: bool, audit: &[DriveEvent]) {
    for (g, last) in COUNTY_GROUPS.iter().zip(last) {
        if g.yearly != yearly {
            continue;
        }
        match last.map(|i| &audit[i]) {
            Some(e) => {
                line.opt(e.at.as_deref());
                line.text(&e.origin);
                line.text(&e.hash);
            }
            None => {
                line.null();
                line.null();
                line.null();
            }
        }
    }
}

fn write_pupil(line: &mut CopyLine, p: &DrivePupil, school_id: i32, audit: &[DriveEvent]) {
    line.text(&p.sid.to_string());
    line.text(&p.sid.to_string());
    line.text(&p.key);
    line.opt(p.created_event.as_deref());
    line.text(&p.id_number);
    line.text(if p.id_valid { "t" } else { "f" });
    line.text(&p.name);
    line.text(&p.school);
    line.text(&school_id.to_string());
    line.text(&p.grade);
    line.text(&p.class);
    line.text(&p.class_order);
    line.text(&p.phone);
    line.text(&p.categories);
    line.opt(p.categories_year.map(|y| y.to_string()).as_deref());
    line.text(&p.note);
    stamps(line, &p.last, false, audit);
}

fn write_status(line: &mut CopyLine, rid: usize, st: &DriveStatus, audit: &[DriveEvent]) {
    line.text(&rid.to_string());
    line.text(&st.sid.to_string());
    line.text(&st.year.to_string());
    line.text(&st.enrollment);
    line.opt(st.decline_reason.as_deref());
    line.text(&st.payment);
    line.opt(st.paid_amount_fen.map(|f| f.to_string()).as_deref());
    line.opt(st.paid_on.as_deref());
    line.opt(st.paid_channel.as_deref());
    stamps(line, &st.last, true, audit);
}

fn write_event(line: &mut CopyLine, e: &DriveEvent) {
    line.text(&e.seq.to_string());
    line.opt(e.sid.map(|s| s.to_string()).as_deref());
    line.text(&e.hash);
    line.opt(e.at.as_deref());
    line.text(&e.at_text);
    line.text(&e.operator);
    line.text(&e.origin);
    line.text(&e.action);
    line.text(&e.id_number);
    line.text(&e.field);
    line.opt(e.old.as_deref());
    line.opt(e.new.as_deref());
    line.opt(e.year.map(|y| y.to_string()).as_deref());
}

fn copy_all(tx: &mut postgres::Transaction, rows: &DriveRead) -> Result<(), CountyError> {
    let audit = &rows.audit;
    // The schools first (a handful), so each pupil row arrives with its school's id.
    let mut names: Vec<&str> = rows.pupils.iter().map(|p| p.school.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    tx.execute("INSERT INTO canbao.schools(name) SELECT unnest($1::text[]) ON CONFLICT (name) DO NOTHING", &[&names])
        .map_err(server)?;
    let ids: std::collections::HashMap<String, i32> = tx
        .query("SELECT name, id FROM canbao.schools WHERE name = ANY($1)", &[&names])
        .map_err(server)?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let sql = format!("COPY stage_pupils ({STAGE_PUPIL_COLUMNS}, {}) FROM STDIN", stamp_columns(false));
    copy(tx, &sql, &rows.pupils, |line, _, p| write_pupil(line, p, ids.get(&p.school).copied().unwrap_or(0), audit))?;
    let sql = format!("COPY stage_statuses ({STAGE_STATUS_COLUMNS}, {}) FROM STDIN", stamp_columns(true));
    copy(tx, &sql, &rows.statuses, |line, i, st| write_status(line, i, st, audit))?;
    copy(
        tx,
        "COPY stage_audit (seq, sid, event, at, at_text, operator, origin, action, id_number, field, old, new, year)
         FROM STDIN",
        audit,
        |line, _, e| write_event(line, e),
    )
}

/// Where a group's rows are: (staging table, county table, how a county row is found for a staging row, the
/// staging rows that were new to the county in this push and so have nothing to decide).
fn target(g: &Group) -> (&'static str, &'static str, &'static str, &'static str) {
    if g.yearly {
        // A status row this push inserted carries the staging row's own stamps, so it has nothing to decide.
        ("stage_statuses", "canbao.statuses", "t.pupil_id = s.pupil_id AND t.year = s.year", "false")
    } else {
        ("stage_pupils", "canbao.pupils", "t.id = s.pupil_id", "s.is_new")
    }
}

/// The decisions for one group, as a CTE `d`: the drive's newest change to the group is new to the county
/// (not the county's own and not in its history); `they_win` when it is newer than the county's (instants,
/// then origin, as a merge orders them); `ours_unseen` when the drive's history lacks the county's change, so
/// the two were made apart; `differ` when the values differ.
fn decisions(g: &Group) -> String {
    let (stage, table, on, fresh) = target(g);
    let p = g.prefix;
    let county: Vec<&str> = g.fields.iter().map(|f| f.1).collect();
    let drive: Vec<&str> = g.fields.iter().map(|f| f.2).collect();
    format!(
        "d AS (
            SELECT s.rid, s.sid,
                   (t.{p}_event IS NULL
                    OR (COALESCE(s.{p}_at, '-infinity'), s.{p}_origin)
                       > (COALESCE(t.{p}_at, '-infinity'), COALESCE(t.{p}_origin, ''))) AS they_win,
                   (t.{p}_event IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM stage_audit a WHERE a.event = t.{p}_event)) AS ours_unseen,
                   (ROW({county}, NULL) IS DISTINCT FROM ROW({drive}, NULL)) AS differ
            FROM {stage} s JOIN {table} t ON {on}
            WHERE NOT {fresh} AND s.{p}_event IS NOT NULL AND s.{p}_event IS DISTINCT FROM t.{p}_event
              AND NOT EXISTS (SELECT 1 FROM canbao.audit a WHERE a.event = s.{p}_event)
         )",
        county = county.join(", "),
        drive = drive.join(", "),
    )
}

fn conflicts_of(
    tx: &mut postgres::Transaction,
    g: &Group,
    file: &str,
    drive_id: i32,
    reveal: bool,
) -> Result<Vec<PushConflict>, CountyError> {
    let (stage, table, on, _) = target(g);
    let p = g.prefix;
    let year = if g.yearly { "s.year" } else { "NULL::integer" };
    let values: String = g.fields.iter().map(|f| format!(", {}, {}", f.1, f.2)).collect();
    let sql = format!(
        "WITH {d}
         SELECT d.they_win, pp.id_number, pp.name, sc.name,
                to_char(s.{p}_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                to_char(t.{p}_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),
                COALESCE((SELECT name FROM canbao.drives WHERE id = t.{p}_drive), ''),
                (SELECT name FROM canbao.drives WHERE id = $1), {year} {values}
         FROM d JOIN {stage} s ON s.rid = d.rid JOIN {table} t ON {on}
              JOIN canbao.pupils pp ON pp.id = s.pupil_id JOIN canbao.schools sc ON sc.id = pp.school_id
         WHERE d.ours_unseen AND d.differ ORDER BY s.sid",
        d = decisions(g),
    );
    let mut out = Vec::new();
    for row in tx.query(&sql, &[&drive_id]).map_err(server)? {
        let they_win: bool = row.get(0);
        let id_number: String = row.get(1);
        let (drive_at, county_at): (Option<String>, Option<String>) = (row.get(4), row.get(5));
        let (county_drive, this_drive): (String, String) = (row.get(6), row.get(7));
        for (i, f) in g.fields.iter().enumerate() {
            let county: Option<String> = row.get(9 + 2 * i);
            let drive: Option<String> = row.get(10 + 2 * i);
            if county == drive {
                continue;
            }
            let ((kept, kept_at, kept_drive), (lost, lost_at, lost_drive)) = if they_win {
                ((drive, drive_at.clone(), this_drive.clone()), (county, county_at.clone(), county_drive.clone()))
            } else {
                ((county, county_at.clone(), county_drive.clone()), (drive, drive_at.clone(), this_drive.clone()))
            };
            out.push(PushConflict {
                file: file.to_owned(),
                id_number: if reveal { id_number.clone() } else { crate::domain::id_number::mask(&id_number) },
                name: row.get(2),
                school: row.get(3),
                year: row.get(8),
                field: f.0.key().to_owned(),
                kept,
                kept_at,
                kept_drive,
                lost,
                lost_at,
                lost_drive,
            });
        }
    }
    Ok(out)
}

fn apply_group(tx: &mut postgres::Transaction, g: &Group, drive_id: i32) -> Result<(), CountyError> {
    let (stage, table, _, _) = target(g);
    let p = g.prefix;
    let sets: String = g.sets.iter().map(|c| format!("{c} = s.{c}, ")).collect();
    let key = if g.yearly { "t.pupil_id = s.pupil_id AND t.year = s.year" } else { "t.id = s.pupil_id" };
    let sql = format!(
        "WITH {d},
         u AS (
            UPDATE {table} t SET {sets}{p}_at = s.{p}_at, {p}_origin = s.{p}_origin, {p}_event = s.{p}_event,
                   {p}_drive = $1
            FROM d JOIN {stage} s ON s.rid = d.rid
            WHERE {key} AND d.they_win
            RETURNING s.sid, d.differ
         )
         UPDATE stage_pupils p SET changed = true FROM u WHERE u.sid = p.sid AND u.differ",
        d = decisions(g),
    );
    tx.execute(&sql, &[&drive_id]).map_err(server)?;
    Ok(())
}

/// The stamp columns of a group for an insert from staging: (`x_at, x_origin, x_event, x_drive`, the values).
fn stamp_insert(groups: &[&Group]) -> (String, String) {
    let cols = groups
        .iter()
        .map(|g| format!("{0}_at, {0}_origin, {0}_event, {0}_drive", g.prefix))
        .collect::<Vec<_>>()
        .join(", ");
    let values = groups
        .iter()
        .map(|g| {
            format!(
                "s.{0}_at, s.{0}_origin, s.{0}_event, CASE WHEN s.{0}_event IS NULL THEN NULL ELSE $1::integer END",
                g.prefix
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    (cols, values)
}

/// Pushes one drive in the caller's transaction (which holds the push lock and has migrated the schema).
pub fn push_file(
    tx: &mut postgres::Transaction,
    file: &DriveFile,
    reveal: bool,
) -> Result<(FilePush, Vec<PushConflict>), CountyError> {
    let rows = file.rows;
    let (last_seq, last_event) = rows.last_event();
    let drive_id: i32 = tx
        .query_one(
            "INSERT INTO canbao.drives(name, first_event, last_audit_id, last_event) VALUES ($1, $2, $3, $4)
             ON CONFLICT (name, first_event) DO UPDATE SET last_audit_id = excluded.last_audit_id,
                 last_event = excluded.last_event, pushed_at = now(), pushes = canbao.drives.pushes + 1
             RETURNING id",
            &[&file.name, &rows.first_event(), &last_seq, &last_event],
        )
        .map_err(server)?
        .get(0);
    create_staging(tx)?;
    copy_all(tx, rows)?;
    tx.batch_execute(
        "CREATE INDEX ON stage_audit(event); CREATE INDEX ON stage_pupils(key); CREATE INDEX ON stage_statuses(sid);
         ANALYZE stage_pupils; ANALYZE stage_statuses; ANALYZE stage_audit;",
    )
    .map_err(server)?;

    // Schools, then each pupil found: by key, else (a number corrected on one laptop, a flagged pupil moved)
    // by the one creation row copies of a drive share.
    tx.batch_execute(
        "UPDATE stage_pupils s SET pupil_id = p.id FROM canbao.pupils p WHERE p.key = s.key;
         UPDATE stage_pupils s SET pupil_id = p.id FROM canbao.pupils p
         WHERE s.pupil_id IS NULL AND s.created_event IS NOT NULL AND p.created_event = s.created_event
           AND (SELECT count(*) FROM canbao.pupils q WHERE q.created_event = s.created_event) = 1
           AND NOT EXISTS (SELECT 1 FROM stage_pupils o WHERE o.pupil_id = p.id);
         INSERT INTO canbao.categories(name)
         SELECT DISTINCT c->>'name' FROM stage_pupils s, jsonb_array_elements(s.categories) c
         WHERE c->>'name' IS NOT NULL ON CONFLICT (name) DO NOTHING;",
    )
    .map_err(server)?;
    // A number made valid on this drive becomes the county's key for the pupil.
    tx.execute(
        "WITH u AS (
            UPDATE canbao.pupils t SET key = s.key, id_number = s.id_number, id_valid = true
            FROM stage_pupils s
            WHERE t.id = s.pupil_id AND s.id_valid AND NOT t.id_valid
              AND NOT EXISTS (SELECT 1 FROM canbao.pupils o WHERE o.key = s.key)
            RETURNING s.sid
         )
         UPDATE stage_pupils s SET changed = true FROM u WHERE u.sid = s.sid",
        &[],
    )
    .map_err(server)?;

    let pupil_groups: Vec<&Group> = COUNTY_GROUPS.iter().filter(|g| !g.yearly).collect();
    let status_groups: Vec<&Group> = COUNTY_GROUPS.iter().filter(|g| g.yearly).collect();
    let (stamp_cols, stamp_values) = stamp_insert(&pupil_groups);
    tx.execute(
        &format!(
            "INSERT INTO canbao.pupils(key, created_event, id_number, id_valid, name, school_id, grade, class,
                 class_order, phone, categories, categories_year, note, {stamp_cols})
             SELECT key, created_event, id_number, id_valid, name, school_id, grade, class, class_order, phone,
                 categories, categories_year, note, {stamp_values}
             FROM stage_pupils s WHERE s.pupil_id IS NULL ORDER BY s.sid"
        ),
        &[&drive_id],
    )
    .map_err(server)?;
    tx.batch_execute(
        "UPDATE stage_pupils s SET pupil_id = p.id, is_new = true FROM canbao.pupils p
         WHERE s.pupil_id IS NULL AND p.key = s.key;
         UPDATE stage_statuses st SET pupil_id = s.pupil_id FROM stage_pupils s WHERE s.sid = st.sid;",
    )
    .map_err(server)?;
    let (stamp_cols, stamp_values) = stamp_insert(&status_groups);
    // Each insured year's statuses, where the county has no row of that pupil and year yet.
    tx.execute(
        &format!(
            "WITH ins AS (
                INSERT INTO canbao.statuses(pupil_id, year, enrollment, decline_reason, payment, paid_amount_fen,
                     paid_on, paid_channel, {stamp_cols})
                SELECT pupil_id, year, enrollment, decline_reason, payment, paid_amount_fen, paid_on, paid_channel,
                     {stamp_values}
                FROM stage_statuses s
                WHERE NOT EXISTS (SELECT 1 FROM canbao.statuses t WHERE t.pupil_id = s.pupil_id AND t.year = s.year)
                RETURNING pupil_id
             )
             INSERT INTO fresh_statuses SELECT DISTINCT pupil_id FROM ins"
        ),
        &[&drive_id],
    )
    .map_err(server)?;

    let mut conflicts = Vec::new();
    // A file of pupils all new to the county (its first push) has nothing to decide.
    let known: bool =
        tx.query_one("SELECT EXISTS (SELECT 1 FROM stage_pupils WHERE NOT is_new)", &[]).map_err(server)?.get(0);
    for g in COUNTY_GROUPS.iter().filter(|_| known) {
        conflicts.extend(conflicts_of(tx, g, &file.name, drive_id, reveal)?);
        apply_group(tx, g, drive_id)?;
    }
    let audit_rows = tx
        .execute(
            "INSERT INTO canbao.audit(event, drive_id, pupil_id, at, at_text, operator, origin, action, id_number,
                 field, old, new, year)
             SELECT a.event, $1, s.pupil_id, a.at, a.at_text, a.operator, a.origin, a.action, a.id_number, a.field,
                 a.old, a.new, a.year
             FROM stage_audit a LEFT JOIN stage_pupils s ON s.sid = a.sid ORDER BY a.seq
             ON CONFLICT (event) DO NOTHING",
            &[&drive_id],
        )
        .map_err(server)?;
    let row = tx
        .query_one(
            "SELECT count(*) FILTER (WHERE is_new),
                    count(*) FILTER (WHERE NOT is_new
                                       AND (changed OR pupil_id IN (SELECT pupil_id FROM fresh_statuses))),
                    count(*)
             FROM stage_pupils",
            &[],
        )
        .map_err(server)?;
    let (added, updated, students): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
    let report = FilePush {
        file: file.name.clone(),
        year: rows.current_year,
        students: students as usize,
        added: added as usize,
        updated: updated as usize,
        unchanged: (students - added - updated) as usize,
        conflicts: conflicts.len(),
        audit_rows,
    };
    // The staging tables go with the transaction; a second file in this session makes its own.
    tx.batch_execute(
        "DROP TABLE stage_pupils; DROP TABLE stage_statuses; DROP TABLE stage_audit; DROP TABLE fresh_statuses;",
    )
    .map_err(server)?;
    Ok((report, conflicts))
}

/// Each file in its own transaction, one push at a time across the county (a roll-up never waits). A dry run
/// rolls every transaction back, schema included.
pub fn push_all(
    client: &mut postgres::Client,
    files: &[DriveFile],
    dry_run: bool,
    reveal: bool,
) -> Result<PushReport, CountyError> {
    let mut report = PushReport { dry_run, ..Default::default() };
    for file in files {
        let in_file = |e: CountyError| CountyError::File { file: file.name.clone(), reason: e.to_string() };
        let mut tx = client.transaction().map_err(server)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&schema::PUSH_LOCK]).map_err(server)?;
        schema::migrate(&mut tx)?;
        let (one, conflicts) = push_file(&mut tx, file, reveal).map_err(in_file)?;
        if dry_run {
            tx.rollback().map_err(server)?;
        } else {
            tx.commit().map_err(|e| in_file(server(e)))?;
        }
        report.added += one.added;
        report.updated += one.updated;
        report.unchanged += one.unchanged;
        report.files.push(one);
        report.conflicts.extend(conflicts);
    }
    Ok(report)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PushReport {
    pub files: Vec<FilePush>,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: Vec<PushConflict>,
    pub dry_run: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::merge::GROUPS;

    #[test]
    fn the_county_groups_are_the_merge_groups() {
        for (county, merge) in COUNTY_GROUPS.iter().zip(GROUPS) {
            let fields: Vec<Field> = county.fields.iter().map(|f| f.0).collect();
            assert_eq!(fields.as_slice(), merge, "group {}", county.prefix);
        }
        assert_eq!(COUNTY_GROUPS.len(), GROUPS.len());
    }

    #[test]
    fn copy_text_escapes_what_would_split_a_row() {
        let mut line = CopyLine::new();
        line.text("");
        line.text("a\tb\\c\nd");
        line.null();
        line.opt(Some(""));
        line.end();
        line.text("x");
        line.end();
        assert_eq!(String::from_utf8(line.buf).unwrap(), "\ta\\tb\\\\c\\nd\t\\N\t\nx\n");
    }
}
