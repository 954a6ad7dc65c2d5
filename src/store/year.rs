//! Insured years (保险年度). A drive comes back to the same school every autumn: the roster is kept, last
//! year's statuses are kept, and the new year starts with every pupil 未确认 / 未缴费.
//!
//! The pupil row holds the statuses of the drive's current year, so marks, imports and searches work on one
//! row as they always have; a closed year's statuses are in `year_statuses`. An earlier year is read through a
//! temporary view named `students` over the pupil rows and that year's statuses: SQLite resolves an unqualified
//! name in `temp` before `main`, so every read query works on the year unchanged, and the connection is made
//! query-only so nothing can be written to a closed year from it.

use std::collections::{HashMap, HashSet};

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};
use serde::Serialize;

use super::fields::{Field, FieldChange};
use super::{AuditContext, Result, Store, StoreError};
use crate::domain::class_label::{self, Promotion};
use crate::domain::search::pack_key;
use crate::domain::student::{Enrollment, Student};

/// The reason recorded for pupils who leave because their class was the last of its school stage.
pub const GRADUATED: &str = "毕业";

/// The grade graduates are moved to, out of the classes the next pupils move into; their class is the year
/// they left (`2027届`), and the closed year keeps the class they were in.
pub const GRADUATES_GRADE: &str = "已毕业";

/// The class of the pupils who left at the end of insured year `year`.
pub fn graduates_class(year: i32) -> String {
    format!("{year}届")
}

/// The grade pupils marked 已离校 (转学, 退学) are moved to when the next year starts, out of the class the next
/// pupils move into; their class is the year they left in (`2027年度`), and the closed year keeps the class they
/// were in.
pub const LEFT_GRADE: &str = "已离校";

/// The class of the pupils marked 已离校 during insured year `year`.
pub fn left_class(year: i32) -> String {
    format!("{year}年度")
}

/// Whether a pupil of this grade left the school before the year shown began (已毕业, or 已离校 in an earlier
/// year): in none of its classes, so in none of its totals or forms. The drive keeps them, for their history
/// and for last year's forms, which read the grade they had then.
pub fn is_former_pupil(grade: &str) -> bool {
    grade == GRADUATES_GRADE || grade == LEFT_GRADE
}

/// Whether the pupil is one of insured year `year`'s 待重新认定: at school that year (not 已离校, not a pupil who
/// left before it began) with a category carried from an earlier year and not certified again, each category
/// weighed by its own certification year (`CategoryMark::certified_for`), not by the pupil's oldest. The one
/// rule `stats` and the summary form count by, so the two never disagree.
pub fn awaits_recertification(s: &Student, year: Option<i32>) -> bool {
    s.enrollment != Enrollment::Left && !is_former_pupil(&s.grade) && !s.categories_to_recertify(year).is_empty()
}

/// `is_former_pupil` for a class label (grade and class joined), where only the label is at hand.
pub fn is_former_label(label: &str) -> bool {
    label.starts_with(GRADUATES_GRADE) || label.starts_with(LEFT_GRADE)
}

/// One class's step in `year new --promote`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassMove {
    pub school: String,
    pub from: String,
    /// The class it becomes; `None` when its pupils leave (毕业).
    pub to: Option<String>,
    pub pupils: usize,
}

/// A class `year new --promote` neither moves up nor sends out: its name gives no school year (学前班, 启智班,
/// 2023级1班, 实验班) or no class at all. Its pupils stay where they are, and the report says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassStay {
    pub school: String,
    /// The class as the roster shows it; empty for pupils in no class.
    pub class: String,
    pub pupils: usize,
}

/// What `year new` did, or with `dry_run` would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearReport {
    pub year: i32,
    pub previous: i32,
    /// Pupils moved up a grade.
    pub promoted: usize,
    /// Pupils whose class was the last of its stage, now 已离校 (毕业).
    pub graduated: usize,
    /// Pupils marked 已离校 during the year that closed, moved out of their classes (see [`LEFT_GRADE`]).
    pub left: usize,
    /// Pupils still at school whose categories are carried into the new year, to be certified again.
    pub carried_categories: usize,
    /// Pupils whose statuses were kept for the year that closed.
    pub kept: usize,
    pub moves: Vec<ClassMove>,
    /// With promotion, the classes it left as they are, in roster order.
    pub stayed: Vec<ClassStay>,
    /// The policy recorded for the new year.
    pub policy: Option<String>,
    pub dry_run: bool,
}

/// A pupil not on any of this year's lists while classmates are: perhaps gone (转学, 退学).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Leaver {
    #[serde(skip)]
    pub id: i64,
    pub name: String,
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub school: String,
    pub class: String,
}

/// Why a pupil listed as a possible leaver was not marked 已离校 when the operator said yes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoLongerLeaver {
    /// Marked something this year since the list was read (参保状态 or 缴费, 已离校 included): at school, or
    /// settled already.
    Marked,
    /// One of this year's lists names the pupil now.
    Listed,
    /// No longer on the drive.
    Gone,
}

/// What marking the possible leavers did: the outcomes of those marked, and those left out, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaversMarked {
    pub outcomes: Vec<super::Outcome>,
    pub left_out: Vec<(i64, NoLongerLeaver)>,
}

impl Store {
    pub(crate) fn read_current_year(&self) -> Result<Option<i32>> {
        let has_meta: bool = self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta')",
            [],
            |r| r.get(0),
        )?;
        if !has_meta {
            return Ok(None);
        }
        Ok(self.meta("current_year")?.and_then(|y| y.parse().ok()))
    }

    /// Reads the drive's current and first years again: after the file's content changed under this
    /// connection (a restore, here or on another connection to the same file), a year kept from opening would
    /// stamp marks with a year the drive is not in and propose the wrong next year. An earlier year shown that
    /// the drive no longer holds as a closed year is left for the current one.
    pub fn reload_year(&mut self) -> Result<()> {
        self.current_year = self.read_current_year()?;
        self.first_year_cached = if self.current_year.is_some() { self.first_year()? } else { None };
        if let Some(viewed) = self.viewed_year
            && (self.current_year.is_none_or(|c| viewed >= c) || !self.years()?.contains(&viewed))
        {
            self.view_current_year()?;
        }
        Ok(())
    }

    /// The drive's current insured year.
    pub fn current_year(&self) -> Option<i32> {
        self.current_year
    }

    /// The earlier year this store shows read-only, if it was opened for one.
    pub fn viewed_year(&self) -> Option<i32> {
        self.viewed_year
    }

    /// The insured year the store's reads are for: the year viewed, else the current one.
    pub fn shown_year(&self) -> Option<i32> {
        self.viewed_year.or(self.current_year)
    }

    /// The year the file's statuses were given when it first learned of years: rows from before (audit rows,
    /// seen and certified years left NULL) belong to it.
    pub fn first_year(&self) -> Result<Option<i32>> {
        Ok(self.meta("first_year")?.and_then(|y| y.parse().ok()))
    }

    /// Every insured year the drive holds, oldest first.
    pub fn years(&self) -> Result<Vec<i32>> {
        let Some(current) = self.current_year else { return Ok(Vec::new()) };
        let mut years: Vec<i32> = self
            .conn
            .prepare("SELECT DISTINCT year FROM year_statuses ORDER BY year")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if !years.contains(&current) {
            years.push(current);
        }
        years.sort_unstable();
        Ok(years)
    }

    /// The policy a year was worked under: the drive's policy for the current year, the one recorded when a
    /// year closed for the others.
    pub fn year_policy(&self, year: i32) -> Result<Option<String>> {
        if Some(year) == self.current_year {
            return Ok(self
                .conn
                .query_row("SELECT value FROM main.meta WHERE key = 'policy'", [], |r| r.get(0))
                .optional()?);
        }
        Ok(self
            .conn
            .query_row("SELECT value FROM main.meta WHERE key = ?1", [format!("policy_{year}")], |r| r.get(0))
            .optional()?)
    }

    /// A write while an earlier year is shown is refused with the reason, before SQLite refuses it.
    pub(crate) fn refuse_past_year(&self) -> Result<()> {
        match (self.viewed_year, self.current_year) {
            (Some(year), Some(current)) => Err(StoreError::PastYear { year, current }),
            _ => Ok(()),
        }
    }

    /// Shows insured year `year` read-only from now on: every read of `students` sees that year's pupils and
    /// statuses, and `meta` names that year's policy. The current year itself changes nothing.
    pub fn view_year(&mut self, year: i32) -> Result<()> {
        let current = self.current_year.ok_or(StoreError::NoYears)?;
        if year == current {
            return Ok(());
        }
        let years = self.years()?;
        if year > current && years.contains(&year) {
            return Err(StoreError::LaterYear { year, current, command: self.command(&format!("year new {year}")) });
        }
        if year > current || !years.contains(&year) {
            let years = years.iter().map(i32::to_string).collect::<Vec<_>>().join("、");
            return Err(StoreError::NoSuchYear { year, years });
        }
        // Only the pupils of that year (a pupil added since was on no list then), in the class they were in
        // then; the rest of their identity as it is now. CROSS JOIN keeps the pupils as the outer loop, so each
        // pupil's year is found by its primary key; roster order is that year's classes, so a read in roster
        // order sorts (a closed year is read, never written, and a sort of its roster is a fraction of a
        // second) instead of walking `students_roster`.
        // The year's own copy of its policy's text, where the drive keeps one (it was replaced since, see
        // migration 12), read as the copy of that policy's name: every reader of the copy sees the year's.
        let year_copy = format!(
            "SELECT 'policy_copy:' || p.value AS key, c.value FROM main.meta p JOIN main.meta c
             ON c.key = '{}{year}' WHERE p.key = 'policy_{year}'",
            super::schema::YEAR_POLICY_COPY
        );
        let year_copy_key =
            year_copy.replacen("'policy_copy:' || p.value AS key, c.value", "'policy_copy:' || p.value", 1);
        // A drive from before 民族 and 居住地址 were kept, read as it is (`schema::read_older`), has neither.
        let personal = if super::schema::user_version(&self.conn)? < super::schema::ETHNICITY_VERSION {
            "NULL AS ethnicity, NULL AS address"
        } else {
            "s.ethnicity, s.address"
        };
        self.conn.execute_batch(&format!(
            "DROP VIEW IF EXISTS temp.students;
             CREATE TEMP VIEW students AS
             SELECT s.id, s.school_id, s.name, s.id_raw, s.id_number, s.id_kind, s.id_problem, s.sex, s.birth_date,
                    coalesce(y.grade, s.grade) AS grade, coalesce(y.class, s.class) AS class,
                    coalesce(y.class_order, s.class_order) AS class_order, s.phone, y.enrollment, y.decline_reason, y.payment,
                    y.paid_amount_fen, y.paid_on, y.paid_channel, coalesce(c.categories, s.categories) AS categories,
                    s.note, s.source, s.created_at, s.updated_at, s.name_order,
                    CASE WHEN c.categories IS NULL THEN s.categories_year ELSE c.categories_year END
                        AS categories_year,
                    s.seen_year, {personal}
             FROM main.students s CROSS JOIN year_statuses y ON y.student_id = s.id AND y.year = {year}
             LEFT JOIN year_categories c ON c.student_id = s.id AND c.year = {year};
             DROP VIEW IF EXISTS temp.meta;
             CREATE TEMP VIEW meta AS
             SELECT key, value FROM main.meta WHERE key <> 'policy' AND key NOT IN ({year_copy_key})
             UNION ALL SELECT 'policy', value FROM main.meta WHERE key = 'policy_{year}'
             UNION ALL {year_copy};
             PRAGMA query_only = 1;"
        ))?;
        self.viewed_year = Some(year);
        self.read_only = true;
        Ok(())
    }

    /// Back to the current year after `view_year`: the pupil rows' own statuses, writable again unless the
    /// drive was opened read-only.
    pub fn view_current_year(&mut self) -> Result<()> {
        if self.viewed_year.is_none() {
            return Ok(());
        }
        self.conn.execute_batch(
            "PRAGMA query_only = 0; DROP VIEW IF EXISTS temp.students; DROP VIEW IF EXISTS temp.meta;",
        )?;
        self.viewed_year = None;
        self.read_only = self.opened_read_only;
        Ok(())
    }

    /// The year a title bar names: the year shown, once the drive holds more than one (a drive in its first
    /// year has nothing to tell apart).
    pub fn year_in_title(&self) -> Option<i32> {
        let several =
            self.viewed_year.is_some() || self.first_year_cached.is_some_and(|f| Some(f) != self.current_year);
        if several { self.shown_year() } else { None }
    }

    /// Starts insured year `year` (the one after the current) in one transaction: each pupil's statuses are
    /// kept for the year that closes, and the new year starts 未确认 / 未缴费 (a pupil who left stays 已离校).
    /// With `promote` each class moves up a grade, and the last grade of a stage leaves as 已离校 (毕业).
    /// `policy` is recorded as the new year's; the old year keeps its own. Categories stay with the pupils and
    /// are shown as to be certified again until marked in the new year.
    pub fn start_year(&mut self, year: i32, promote: bool, policy: Option<&str>, dry_run: bool) -> Result<YearReport> {
        self.refuse_past_year()?;
        // The file's year, not the one kept at opening: another connection may have restored an older drive.
        self.reload_year()?;
        let current = self.current_year.ok_or(StoreError::NoYears)?;
        if year != current + 1 {
            return Err(StoreError::NotNextYear { year, current, next: current + 1 });
        }
        // The import's page cache while every pupil row is rewritten: with the reading cache the rows' pages
        // spilled to the log and were read back from it, several times over.
        self.conn.pragma_update(None, "cache_size", super::IMPORT_CACHE_KIB)?;
        let started = self.write_year(year, current, promote, policy, dry_run);
        // Cache size is not transactional: back to the reading cache whether the year started or not.
        let restored = self.conn.pragma_update(None, "cache_size", super::READ_CACHE_KIB);
        let report = started?;
        restored?;
        if !dry_run {
            self.current_year = Some(year);
        }
        Ok(report)
    }

    /// `start_year`'s one transaction, rolled back for a dry run.
    fn write_year(
        &mut self,
        year: i32,
        current: i32,
        promote: bool,
        policy: Option<&str>,
        dry_run: bool,
    ) -> Result<YearReport> {
        let mut ctx = self.audit_context("year");
        ctx.year = Some(year);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let old_policy: Option<String> =
            tx.query_row("SELECT value FROM meta WHERE key = 'policy'", [], |r| r.get(0)).optional()?;
        let kept = tx.execute(
            "INSERT OR REPLACE INTO year_statuses(student_id, year, enrollment, decline_reason, payment,
                 paid_amount_fen, paid_on, paid_channel, policy, grade, class, class_order)
             SELECT id, ?1, enrollment, decline_reason, payment, paid_amount_fen, paid_on, paid_channel, ?2,
                 grade, class, class_order
             FROM students",
            params![current, old_policy],
        )?;
        // Statuses a merge brought in for the new year already (another laptop started it first) are its
        // statuses; everyone else starts afresh.
        tx.execute(
            "UPDATE students SET (enrollment, decline_reason, payment, paid_amount_fen, paid_on, paid_channel) =
                 (SELECT enrollment, decline_reason, payment, paid_amount_fen, paid_on, paid_channel
                  FROM year_statuses WHERE student_id = students.id AND year = ?1)
             WHERE id IN (SELECT student_id FROM year_statuses WHERE year = ?1)",
            [year],
        )?;
        tx.execute(
            "UPDATE students SET
                 decline_reason = CASE WHEN enrollment = 'left' THEN decline_reason END,
                 enrollment = CASE WHEN enrollment = 'left' THEN 'left' ELSE 'unknown' END,
                 payment = 'unpaid', paid_amount_fen = NULL, paid_on = NULL, paid_channel = NULL
             WHERE id NOT IN (SELECT student_id FROM year_statuses WHERE year = ?1)",
            [year],
        )?;
        tx.execute("DELETE FROM year_statuses WHERE year = ?1", [year])?;

        // Before promotion, so the pupils who left are not moved up with their class: with or without it, the
        // class they sat in is someone else's this year.
        let left = move_leavers(&tx, &ctx, current, Scope::Roster)?;
        let Promoted { promoted, graduated, moves, stayed } =
            if promote { promote_classes(&tx, &ctx, current, Scope::Roster)? } else { Promoted::default() };
        let carried_categories: i64 =
            tx.query_row("SELECT count(*) FROM students WHERE categories <> '[]' AND enrollment <> 'left'", [], |r| {
                r.get(0)
            })?;
        let set = |key: &str, value: &str| tx.execute(super::SET_META, params![key, value]);
        set("current_year", &year.to_string())?;
        set("year_started", &year.to_string())?;
        if let Some(old) = &old_policy {
            set(&format!("policy_{current}"), old)?;
        }
        let new_policy = policy.map(str::to_owned).or(old_policy);
        if let Some(p) = &new_policy {
            set("policy", p)?;
        }
        ctx.write(&tx, None, "", "year", Some(&current.to_string()), Some(&year.to_string()))?;
        let report = YearReport {
            year,
            previous: current,
            promoted,
            graduated,
            left,
            carried_categories: carried_categories as usize,
            kept,
            moves,
            stayed,
            policy: new_policy,
            dry_run,
        };
        if dry_run {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok(report)
    }

    /// Pupils who may have left: in a year begun by `start_year`, the pupils of a class that this year's lists
    /// named (some classmate was imported this year) who were on none of them, and are not marked 已离校, nor
    /// marked anything else this year: a pupil the operator has taken this year's premium from, or heard a
    /// family's answer for (参保状态 or 缴费 no longer the new year's 未确认 / 未缴费), is at school whatever the
    /// lists say. Offered to the operator, never removed.
    pub fn leavers(&self) -> Result<Vec<Leaver>> {
        let Some(current) = self.shown_year() else { return Ok(Vec::new()) };
        let started: Option<i32> = self.meta("year_started")?.and_then(|y| y.parse().ok());
        if started != Some(current) {
            return Ok(Vec::new());
        }
        let first = self.first_year()?;
        // The classes this year's lists named, then one pass over the roster: a correlated look-up per pupil
        // would read a school's roster once for each of its pupils.
        let named: std::collections::HashSet<(i64, String, String)> = self
            .conn
            .prepare("SELECT DISTINCT school_id, grade, class FROM students WHERE seen_year = ?1")?
            .query_map([current], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if named.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare(&format!(
            "SELECT s.id, s.name, s.id_number, sc.name, s.grade, s.class, s.school_id
             FROM students s JOIN schools sc ON sc.id = s.school_id
             WHERE {UNMARKED} AND {UNLISTED}
             ORDER BY sc.id, s.class_order, s.id"
        ))?;
        let mut rows = stmt.query(params![current, first])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let (grade, class): (String, String) = (r.get(4)?, r.get(5)?);
            if !named.contains(&(r.get(6)?, grade.clone(), class.clone())) {
                continue;
            }
            out.push(Leaver {
                id: r.get(0)?,
                name: r.get(1)?,
                id_number: r.get(2)?,
                school: r.get(3)?,
                class: class_label::join(&grade, &class),
            });
        }
        Ok(out)
    }

    /// Marks the given pupils 已离校 for the current year, in one audited transaction; how many changed.
    pub fn mark_leavers(&mut self, ids: &[i64]) -> Result<usize> {
        let marked = self.mark_possible_leavers(ids)?;
        Ok(marked.outcomes.iter().filter(|o| !o.diffs.is_empty()).count())
    }

    /// Marks 已离校 those of the given pupils who are still possible leavers (`leavers`' rule), each looked at
    /// again in the write's own transaction: a list read a while ago (a dialog left open while another window
    /// took a payment) marks no pupil who has since been marked anything this year, or named by this year's
    /// lists. Those left out are given back with why.
    pub fn mark_possible_leavers(&mut self, ids: &[i64]) -> Result<LeaversMarked> {
        let current = self.current_year;
        let first = self.first_year()?;
        let mut left_out = Vec::new();
        let still = format!("SELECT {UNMARKED}, {UNLISTED} FROM students s WHERE s.id = ?3");
        let keep = |tx: &Transaction, id: i64| -> Result<bool> {
            let row: Option<(bool, Option<bool>)> = tx
                .prepare_cached(&still)?
                .query_row(params![current, first, id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let why = match row {
                None => Some(NoLongerLeaver::Gone),
                Some((false, _)) => Some(NoLongerLeaver::Marked),
                Some((true, Some(true))) => None,
                // NULL where the drive has no current year: as in `leavers`, nobody is then a possible leaver.
                Some((true, _)) => Some(NoLongerLeaver::Listed),
            };
            if let Some(why) = why {
                left_out.push((id, why));
            }
            Ok(why.is_none())
        };
        let outcomes = self.apply_changes_kept(LEAVERS, &leaver_changes(ids), keep)?;
        Ok(LeaversMarked { outcomes, left_out })
    }

    /// Whether every category of a pupil counts in the year shown (none 待重新认定), each by its own
    /// certification year (`Student::categories_certified`), as `stats` and the forms weigh them.
    pub fn categories_certified(&self, id: i64) -> Result<bool> {
        Ok(self.student(id)?.categories_certified(self.shown_year()))
    }

    /// How many pupils of the year shown await the certification of a category again (待重新认定), as `stats`
    /// counts them ([`awaits_recertification`]).
    pub fn categories_to_recertify(&self) -> Result<i64> {
        let year = self.current_year.and(self.shown_year());
        let mut n = 0;
        self.for_each_student(&Default::default(), |s| {
            n += i64::from(awaits_recertification(s, year));
            Ok(())
        })?;
        Ok(n)
    }
}

/// `leavers`' rule, one copy for the list and for the mark that looks at each pupil again (`s` the pupil's row,
/// `?1` the current year, `?2` the file's first year): nothing marked this year, 参保状态 未确认 and 缴费 未缴费 ...
const UNMARKED: &str = "s.enrollment = 'unknown' AND s.payment = 'unpaid'";
/// ... and on none of this year's lists: last named by an earlier year's, a pupil of no known year by the first's.
const UNLISTED: &str = "coalesce(s.seen_year, ?2) < ?1";

/// The history's action of marking the possible leavers 已离校 (`year leavers --mark`, the screen's leavers dialog).
pub const LEAVERS: &str = "leavers";

/// The changes that mark these pupils 已离校, as `year leavers --mark` and the screen's leavers dialog write them.
pub fn leaver_changes(ids: &[i64]) -> Vec<(i64, Vec<super::Change>)> {
    ids.iter().map(|&id| (id, vec![super::Change::Enrollment { status: Enrollment::Left, reason: None }])).collect()
}

/// Moves the pupils marked 已离校 when the year closed out of their classes, into [`LEFT_GRADE`] and the class
/// of the year they left in, inside `start_year`'s transaction; how many. Each pupil's change is written as
/// `promote_classes` writes its own (audit rows for grade and class under the year's action, `updated_at`,
/// `class_order`, search key), so a merge weighs it as the same mechanical step every laptop takes.
fn move_leavers(tx: &Transaction, ctx: &AuditContext, current: i32, scope: Scope) -> Result<usize> {
    let (grade, class) = (LEFT_GRADE, left_class(current));
    let (order, label) = (class_label::order_key(grade, &class), class_label::join(grade, &class));
    let leavers = format!("s.enrollment = 'left' AND s.grade NOT IN (?1, ?2){}", scope.pupils("s"));
    let leavers = leavers.as_str();
    let moving: Vec<(i64, String)> = tx
        .prepare(&format!("SELECT s.id, s.name, s.id_number FROM students s WHERE {leavers}"))?
        .query_map(params![GRADUATES_GRADE, LEFT_GRADE], |r| {
            let (name, id_number): (String, String) = (r.get(1)?, r.get(2)?);
            Ok((r.get(0)?, pack_key(&name, &id_number, &label)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if moving.is_empty() {
        return Ok(0);
    }
    // Grade then class, pupil by pupil in roster order, as `apply_diffs` writes them.
    tx.execute(
        &format!(
            "INSERT INTO audit(at, operator, origin, action, student_id, id_number, field, old, new, year)
             SELECT ?3, ?4, ?5, ?6, id, id_number, field, old, new, NULL FROM (
                 SELECT sc.id AS school, s.class_order, s.id, s.id_number, k.n, k.field,
                     CASE k.n WHEN 1 THEN CAST(s.grade AS TEXT) ELSE CAST(s.class AS TEXT) END AS old,
                     CASE k.n WHEN 1 THEN ?2 ELSE ?7 END AS new
                 FROM students s JOIN schools sc ON sc.id = s.school_id
                     CROSS JOIN (SELECT 1 AS n, 'grade' AS field UNION ALL SELECT 2, 'class') AS k
                 WHERE {leavers}
             )
             WHERE old IS NOT new
             ORDER BY school, class_order, id, n"
        ),
        params![GRADUATES_GRADE, LEFT_GRADE, ctx.at, ctx.operator, ctx.origin, ctx.action, class],
    )?;
    let moved = tx.execute(
        &format!("UPDATE students AS s SET grade = ?2, class = ?3, class_order = ?4, updated_at = ?5 WHERE {leavers}"),
        params![GRADUATES_GRADE, LEFT_GRADE, class, order, ctx.at],
    )?;
    super::search_blocks::put_many(tx, moving)?;
    Ok(moved)
}

/// Which pupils a year's step moves: the whole roster (`year new`), or only those a merge has just copied from
/// a file still in an earlier year (`temp.merge_copied`), which the step this drive took missed.
#[derive(Clone, Copy)]
enum Scope {
    Roster,
    Copied,
    /// The pupils a merge found marked 已离校 in a year this drive closed without them (`temp.merge_leavers`).
    Leavers,
}

impl Scope {
    /// The condition that keeps a statement to the scope's pupils, on pupil table `alias`.
    fn pupils(self, alias: &str) -> String {
        match self {
            Scope::Roster => String::new(),
            Scope::Copied => format!(" AND {alias}.id IN (SELECT ours FROM temp.merge_copied)"),
            Scope::Leavers => format!(" AND {alias}.id IN (SELECT ours FROM temp.merge_leavers)"),
        }
    }
}

/// What a merge did to the pupils it copied from a file still in an earlier insured year: the steps this drive
/// took into its own year since (`year new`), taken for them too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CopiedIntoLaterYear {
    /// The other file's insured year, the one the copied pupils' classes and statuses are of.
    pub from_year: i32,
    /// This drive's current year.
    pub to_year: i32,
    /// Pupils copied.
    pub pupils: usize,
    /// Moved up a grade, as this drive's promotion moved its own.
    pub promoted: usize,
    /// Whose class was the last of its stage: 已离校 (毕业).
    pub graduated: usize,
    /// Marked 已离校 in their year: out of their class, as this drive's own leavers.
    pub left: usize,
    /// Years this drive started without promoting (`year new` without `--promote`): the copied pupils stay in
    /// their classes through those, as this drive's own did.
    pub years_not_promoted: Vec<i32>,
}

/// Takes the pupils a merge copied (`temp.merge_copied`) from a file still in insured year `from_year` through
/// each year this drive started since, up to `to_year`, as `year new` took its own: the closed years keep the
/// class they sat in (their own year's statuses the merge copied; a year between, 未确认 / 未缴费), pupils who
/// left are moved out of their class, and each class moves up a grade where this drive's start of that year
/// promoted. Without it a 六年级 pupil added on the other laptop in the old year sat in this year's 六年级,
/// on this year's forms, a year after leaving school.
pub(crate) fn step_copied(
    tx: &Transaction,
    ctx: &AuditContext,
    from_year: i32,
    to_year: i32,
) -> Result<CopiedIntoLaterYear> {
    let pupils: i64 = tx.query_row("SELECT count(*) FROM temp.merge_copied", [], |r| r.get(0))?;
    let mut out = CopiedIntoLaterYear {
        from_year,
        to_year,
        pupils: usize::try_from(pupils).unwrap_or_default(),
        ..CopiedIntoLaterYear::default()
    };
    for year in from_year..to_year {
        if year > from_year {
            // A year between: none of it was recorded for them, so they stand as this drive's own pupils
            // stood when it began.
            tx.execute(
                "INSERT OR IGNORE INTO year_statuses(student_id, year, enrollment, decline_reason, payment, policy,
                     grade, class, class_order)
                 SELECT s.id, ?1, CASE WHEN s.enrollment = 'left' THEN 'left' ELSE 'unknown' END,
                     CASE WHEN s.enrollment = 'left' THEN s.decline_reason END, 'unpaid',
                     (SELECT value FROM meta WHERE key = 'policy_' || ?1), s.grade, s.class, s.class_order
                 FROM students s WHERE s.id IN (SELECT ours FROM temp.merge_copied)",
                [year],
            )?;
        }
        let step = AuditContext { action: "year".into(), year: Some(year + 1), ..ctx.clone() };
        out.left += move_leavers(tx, &step, year, Scope::Copied)?;
        if promoted_at_start(tx, year + 1)? {
            let Promoted { promoted, graduated, .. } = promote_classes(tx, &step, year, Scope::Copied)?;
            out.promoted += promoted;
            out.graduated += graduated;
        } else {
            out.years_not_promoted.push(year + 1);
        }
    }
    Ok(out)
}

/// A pupil the other laptop marked 已离校 in an insured year this drive has closed, who was still in a class of
/// this drive's year: the merge's word on whether the leaving was carried into this year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeaverAcrossYear {
    /// The closed year the pupil left in.
    pub year: i32,
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    /// The class of this year the pupil was in.
    pub class: String,
    /// Why the pupil stays in that class (`listed_this_year`: this year's list names the pupil;
    /// `marked_this_year`: this year has a status recorded for the pupil); `None`: moved out, as `year new` moves
    /// the pupils who left before it.
    pub kept_because: Option<&'static str>,
    /// The 已离校 was this laptop's own, and its start of this year moved the pupil out, while the other laptop's
    /// moved them up a grade: the pupil is back in the other laptop's class (`class_rule::stays_in_class`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub left_here: bool,
}

/// Carries into this drive's year `current` the leaving the other laptop recorded in a year this drive has
/// closed (`closed`: the merge's pupils and years of such changes, already applied to those years): a pupil
/// whose closed year now says 已离校 and who stands in this year as `year new` left them, 未确认 and 未缴费 and on
/// no list of this year, is 已离校 this year too and out of the class, as `year new` would have done had the mark
/// come before it. One whom this year has seen (a list of this year names them, or a status was recorded) is
/// left where they are, and said. Without it the pupil sat in this year's class, counted 应参保, on its forms.
pub(crate) fn carry_leavers(
    tx: &Transaction,
    ctx: &AuditContext,
    current: i32,
    closed: &[(i64, i32)],
) -> Result<Vec<LeaverAcrossYear>> {
    let first: Option<i32> = tx
        .query_row("SELECT value FROM meta WHERE key = 'first_year'", [], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten()
        .and_then(|y| y.parse().ok());
    // The latest closed year each pupil's changes went into.
    let mut latest: std::collections::BTreeMap<i64, i32> = std::collections::BTreeMap::new();
    for &(student, year) in closed {
        let at = latest.entry(student).or_insert(year);
        *at = (*at).max(year);
    }
    tx.execute_batch("CREATE TEMP TABLE IF NOT EXISTS merge_leavers(ours INTEGER PRIMARY KEY)")?;
    let mut out = Vec::new();
    let mut moving: std::collections::BTreeMap<i32, Vec<i64>> = std::collections::BTreeMap::new();
    for (student, year) in latest {
        // Left in that year, and in none of the closed years after it was the pupil seen at all.
        let left: Option<i64> = tx
            .query_row(
                "SELECT student_id FROM year_statuses WHERE student_id = ?1 AND year = ?2 AND enrollment = 'left'
                   AND NOT EXISTS (SELECT 1 FROM year_statuses l WHERE l.student_id = ?1 AND l.year > ?2 AND l.year < ?3
                                    AND (l.enrollment NOT IN ('unknown', 'left') OR l.payment <> 'unpaid'))",
                params![student, year, current],
                |r| r.get(0),
            )
            .optional()?;
        if left.is_none() {
            continue;
        }
        let (id_number, name, grade, class, enrollment, payment, seen): (
            String,
            String,
            String,
            String,
            String,
            String,
            Option<i32>,
        ) = tx.query_row(
            "SELECT id_number, name, grade, class, enrollment, payment, seen_year FROM students WHERE id = ?1",
            [student],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)),
        )?;
        if enrollment == "left" || is_former_pupil(&grade) {
            continue;
        }
        let kept_because = if seen.or(first).is_some_and(|s| s >= current) {
            Some("listed_this_year")
        } else if super::class_rule::marked_in_year(&enrollment, &payment) {
            Some("marked_this_year")
        } else {
            None
        };
        if kept_because.is_none() {
            let changes = [FieldChange::new(Field::Enrollment, Some("left"))];
            super::fields::apply_diffs(tx, ctx, student, &changes)?;
            moving.entry(year).or_default().push(student);
        }
        out.push(LeaverAcrossYear {
            year,
            id_number,
            name,
            class: class_label::join(&grade, &class),
            kept_because,
            left_here: false,
        });
    }
    // Out of their class into the year they left in, as `year new` moves its own: by year, each its own step.
    for (year, pupils) in moving {
        tx.execute("DELETE FROM temp.merge_leavers", [])?;
        for student in pupils {
            tx.execute("INSERT INTO temp.merge_leavers(ours) VALUES (?1)", [student])?;
        }
        let step = AuditContext { action: "year".into(), year: Some(current), ..ctx.clone() };
        move_leavers(tx, &step, year, Scope::Leavers)?;
    }
    tx.execute_batch("DROP TABLE IF EXISTS temp.merge_leavers")?;
    out.sort_by(|a, b| (a.year, &a.class, &a.name).cmp(&(b.year, &b.class, &b.name)));
    Ok(out)
}

/// Whether this drive's start of insured year `year` (by this laptop, or by another whose start a merge
/// copied in) moved classes up a grade: its `year` row has class rows of the same instant and laptop beside it
/// that are not the leavers' (those move whether or not the year promotes).
fn promoted_at_start(tx: &Transaction, year: i32) -> Result<bool> {
    Ok(tx.query_row(
        "SELECT EXISTS (
             SELECT 1 FROM audit y JOIN audit g ON g.at = y.at AND g.origin = y.origin
             WHERE y.action = 'year' AND y.field = 'year' AND y.student_id IS NULL AND y.new = ?1
                 AND g.action = 'year' AND g.field = 'grade' AND g.student_id IS NOT NULL AND g.new IS NOT ?2
         )",
        params![year.to_string(), LEFT_GRADE],
        |r| r.get(0),
    )?)
}

/// What promotion did to the roster, for the report.
#[derive(Default)]
struct Promoted {
    promoted: usize,
    graduated: usize,
    moves: Vec<ClassMove>,
    stayed: Vec<ClassStay>,
}

/// Each school's first junior grade as it writes it (七年级, 初一 …), from its classes (school, grade, class,
/// pupils): the one most of its pupils are in when it writes two.
fn first_junior_grades(classes: &[(i64, String, String, i64)]) -> HashMap<i64, String> {
    let mut junior_pupils: HashMap<(i64, String), i64> = HashMap::new();
    for (school, grade, class, pupils) in classes {
        if let Some(written) = class_label::first_junior_grade(grade, class) {
            *junior_pupils.entry((*school, written)).or_default() += pupils;
        }
    }
    let mut junior: HashMap<i64, (String, i64)> = HashMap::new();
    for ((school, written), pupils) in junior_pupils {
        let best = junior.entry(school).or_insert_with(|| (written.clone(), pupils));
        // Ties go to the first in text order, so the same roster always steps the same way.
        if (pupils, std::cmp::Reverse(&written)) > (best.1, std::cmp::Reverse(&best.0)) {
            *best = (written, pupils);
        }
    }
    junior.into_iter().map(|(school, (written, _))| (school, written)).collect()
}

/// The schools of `classes` (school, grade, class, pupils) that number their secondary years by year (101班 for
/// 初一: `class_label::numbers_secondary_years`), by their names and classes.
fn secondary_numbered_schools(tx: &Transaction, classes: &[(i64, String, String, i64)]) -> Result<HashSet<i64>> {
    let mut by_school: HashMap<i64, Vec<(&str, &str)>> = HashMap::new();
    for (school, grade, class, _) in classes {
        by_school.entry(*school).or_default().push((grade, class));
    }
    let mut name = tx.prepare("SELECT name FROM schools WHERE id = ?1")?;
    let mut secondary = HashSet::new();
    for (school, classes) in by_school {
        let named: String = name.query_row([school], |r| r.get(0)).optional()?.unwrap_or_default();
        if class_label::numbers_secondary_years(&named, classes) {
            secondary.insert(school);
        }
    }
    Ok(secondary)
}

/// The step `year new --promote` takes a class of school `school` by out of insured year `year`, one this drive
/// has closed: `promote_classes`' own, so a 六年级 goes on into the school's first junior grade (九年一贯制) when
/// the school had classes of one that year, as the drive's start of the next year took it.
pub(crate) fn promotion_out_of(
    tx: &Transaction,
    school: i64,
    year: i32,
    (grade, class): (&str, &str),
) -> Result<Promotion> {
    let classes: Vec<(i64, String, String, i64)> = tx
        .prepare(
            "SELECT s.school_id, CASE WHEN y.class IS NULL THEN s.grade ELSE y.grade END, COALESCE(y.class, s.class),
                 count(*)
             FROM main.year_statuses y JOIN main.students s ON s.id = y.student_id
             WHERE y.year = ?1 AND y.enrollment <> 'left' AND s.school_id = ?2
             GROUP BY 1, 2, 3",
        )?
        .query_map(params![year, school], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let junior = first_junior_grades(&classes);
    let secondary = secondary_numbered_schools(tx, &classes)?.contains(&school);
    Ok(class_label::promote_into(grade, class, junior.get(&school).map(String::as_str), secondary))
}

/// Moves each class up a grade and the last grade of each stage out (毕业), inside `start_year`'s transaction,
/// after the new year's statuses are in place. Each pupil's change is what `fields::apply_diffs` would write
/// for it — the same fields, audit rows in the same order, `updated_at`, `class_order` and search key — but
/// as a few statements over the whole roster: one per pupil and field made a county's roster take most of a
/// minute.
fn promote_classes(tx: &Transaction, ctx: &AuditContext, current: i32, scope: Scope) -> Result<Promoted> {
    // Each distinct class is stepped once in Rust (the step is `class_label::promote`, not SQL); pupils find
    // their class's step by its key.
    tx.execute_batch(
        "DROP TABLE IF EXISTS temp.year_steps;
         DROP TABLE IF EXISTS temp.year_moves;
         CREATE TEMP TABLE year_steps (
             step INTEGER PRIMARY KEY, school_id INTEGER NOT NULL, grade TEXT NOT NULL, class TEXT NOT NULL,
             to_grade TEXT NOT NULL, to_class TEXT NOT NULL, to_order TEXT NOT NULL, to_label TEXT NOT NULL,
             leaves INTEGER NOT NULL, UNIQUE (school_id, grade, class)
         );
         -- A row per pupil who moves, kept narrow: a county's roster is held here for the transaction.
         CREATE TEMP TABLE year_moves (
             seq INTEGER PRIMARY KEY, id INTEGER NOT NULL UNIQUE, school_id INTEGER NOT NULL,
             step INTEGER NOT NULL, changed INTEGER NOT NULL
         );",
    )?;
    // Classes per school: whether a school's 六年级 leave or go on into its 七年级 depends on whether it teaches one.
    let (sql, args): (&str, &[&dyn rusqlite::ToSql]) = match scope {
        Scope::Roster => (
            "SELECT school_id, grade, class, count(*) FROM students WHERE enrollment <> 'left'
             GROUP BY school_id, grade, class",
            &[],
        ),
        // The copied pupils' classes, and the classes the rest of the school sat in during the year that closed
        // (`year_statuses`), for whether the school teaches a 七年级 its 六年级 goes on into.
        Scope::Copied => (
            "SELECT school_id, grade, class, count(*) FROM (
                 SELECT school_id, grade, class FROM students
                 WHERE enrollment <> 'left' AND id IN (SELECT ours FROM temp.merge_copied)
                 UNION ALL
                 SELECT s.school_id, CASE WHEN y.class IS NULL THEN s.grade ELSE y.grade END,
                     COALESCE(y.class, s.class)
                 FROM year_statuses y JOIN students s ON s.id = y.student_id
                 WHERE y.year = ?1 AND y.enrollment <> 'left'
                     AND s.id NOT IN (SELECT ours FROM temp.merge_copied)
             ) GROUP BY school_id, grade, class",
            &[&current],
        ),
        // A merge's leavers move out of their classes, never up: no class of theirs is promoted.
        Scope::Leavers => ("SELECT school_id, grade, class, count(*) FROM students WHERE 0 GROUP BY 1, 2, 3", &[]),
    };
    let classes: Vec<(i64, String, String, i64)> = tx
        .prepare(sql)?
        .query_map(args, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let junior = first_junior_grades(&classes);
    let secondary = secondary_numbered_schools(tx, &classes)?;
    let (left_grade, left_class) = (GRADUATES_GRADE.to_owned(), graduates_class(current));
    // The classes left as they are, by school and the class's place in the roster; a class written two ways is
    // one class, as the operator reads it.
    let mut stays: Vec<(i64, String, String, usize)> = Vec::new();
    {
        let mut step = tx.prepare(
            "INSERT INTO temp.year_steps(school_id, grade, class, to_grade, to_class, to_order, to_label, leaves)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for (school, grade, class, pupils) in classes {
            let into = junior.get(&school).map(String::as_str);
            let promotion = class_label::promote_into(&grade, &class, into, secondary.contains(&school));
            let (to_grade, to_class, leaves) = match promotion {
                Promotion::Unchanged => {
                    if !is_former_pupil(&grade) {
                        let label = class_label::join(&grade, &class);
                        let pupils = usize::try_from(pupils).unwrap_or_default();
                        match stays.iter_mut().find(|(s, _, l, _)| *s == school && *l == label) {
                            Some(stay) => stay.3 += pupils,
                            None => stays.push((school, class_label::order_key(&grade, &class), label, pupils)),
                        }
                    }
                    continue;
                }
                Promotion::To { grade, class } => (grade, class, false),
                Promotion::Leaves => (left_grade.clone(), left_class.clone(), true),
            };
            let (order, label) =
                (class_label::order_key(&to_grade, &to_class), class_label::join(&to_grade, &to_class));
            step.execute(params![school, grade, class, to_grade, to_class, order, label, leaves])?;
        }
    }
    // Every pupil who moves, in the order the roster was walked one pupil at a time (school, class, id):
    // that order is the audit rows' order. `changed`: a field differs, so the pupil gets audit rows, a new
    // `updated_at` and search key (a class stepping onto itself gets none).
    tx.execute(
        &format!(
            "INSERT INTO temp.year_moves(id, school_id, step, changed)
             SELECT s.id, s.school_id, st.step,
                 CAST(s.grade AS TEXT) IS NOT st.to_grade OR CAST(s.class AS TEXT) IS NOT st.to_class
                 OR st.leaves AND (CAST(s.enrollment AS TEXT) IS NOT 'left'
                                   OR CAST(s.decline_reason AS TEXT) IS NOT ?1)
             FROM students s JOIN schools sc ON sc.id = s.school_id
                 JOIN temp.year_steps st ON st.school_id = s.school_id AND st.grade = s.grade AND st.class = s.class
             WHERE s.enrollment <> 'left'{}
             ORDER BY sc.id, s.class_order, s.id",
            scope.pupils("s")
        ),
        [GRADUATED],
    )?;
    // One audit row per changed field, pupil by pupil, fields in `apply_diffs` order; the yearly fields
    // (参保状态, its reason) carry the new year, as `AuditContext::write` stamps them.
    tx.execute(
        "INSERT INTO audit(at, operator, origin, action, student_id, id_number, field, old, new, year)
         SELECT ?1, ?2, ?3, ?4, id, id_number, field, old, new, year FROM (
             SELECT m.seq, k.n, s.id, s.id_number, k.field, k.year,
                 CASE k.n WHEN 1 THEN CAST(s.enrollment AS TEXT) WHEN 2 THEN CAST(s.decline_reason AS TEXT)
                     WHEN 3 THEN CAST(s.grade AS TEXT) ELSE CAST(s.class AS TEXT) END AS old,
                 CASE k.n WHEN 1 THEN 'left' WHEN 2 THEN ?6 WHEN 3 THEN st.to_grade ELSE st.to_class END AS new
             FROM temp.year_moves m CROSS JOIN students s ON s.id = m.id
                 CROSS JOIN temp.year_steps st ON st.step = m.step
                 CROSS JOIN (SELECT 1 AS n, 'enrollment' AS field, ?5 AS year
                             UNION ALL SELECT 2, 'decline_reason', ?5
                             UNION ALL SELECT 3, 'grade', NULL
                             UNION ALL SELECT 4, 'class', NULL) AS k
             WHERE m.changed AND (k.n > 2 OR st.leaves)
         )
         WHERE old IS NOT new
         ORDER BY seq, n",
        params![ctx.at, ctx.operator, ctx.origin, ctx.action, ctx.year, GRADUATED],
    )?;
    tx.execute(
        "UPDATE students SET
             enrollment = CASE WHEN st.leaves THEN 'left' ELSE students.enrollment END,
             decline_reason = CASE WHEN st.leaves THEN ?2 ELSE students.decline_reason END,
             grade = st.to_grade, class = st.to_class, updated_at = ?1, class_order = st.to_order
         FROM temp.year_moves m JOIN temp.year_steps st ON st.step = m.step
         WHERE m.changed AND students.id = m.id",
        params![ctx.at, GRADUATED],
    )?;
    let keys: Vec<(i64, String)> = tx
        .prepare(
            "SELECT s.id, s.name, s.id_number, st.to_label
             FROM temp.year_moves m CROSS JOIN students s ON s.id = m.id
                 CROSS JOIN temp.year_steps st ON st.step = m.step
             WHERE m.changed",
        )?
        .query_map([], |r| {
            let (name, id_number, label): (String, String, String) = (r.get(1)?, r.get(2)?, r.get(3)?);
            Ok((r.get(0)?, pack_key(&name, &id_number, &label)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    super::search_blocks::put_many(tx, keys)?;

    // The report: each class's step, first met in the roster's order; a class label written two ways (一年级 +
    // 1班, or 一年级1班 as the class alone) is one class, as the operator reads it.
    let mut out = Promoted::default();
    let mut move_of: HashMap<(String, String), usize> = HashMap::new();
    let mut groups = tx.prepare(
        "SELECT sc.name, st.grade, st.class, st.to_label, st.leaves, count(*)
         FROM temp.year_moves m JOIN temp.year_steps st ON st.step = m.step JOIN schools sc ON sc.id = m.school_id
         GROUP BY m.school_id, m.step ORDER BY min(m.seq)",
    )?;
    let mut rows = groups.query([])?;
    while let Some(r) = rows.next()? {
        let (school, grade, class, label): (String, String, String, String) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let (leaves, pupils): (bool, i64) = (r.get(4)?, r.get(5)?);
        let pupils = usize::try_from(pupils).unwrap_or_default();
        if leaves {
            out.graduated += pupils;
        } else {
            out.promoted += pupils;
        }
        let from = class_label::join(&grade, &class);
        let at = *move_of.entry((school.clone(), from.clone())).or_insert_with(|| {
            out.moves.push(ClassMove { school, from, to: (!leaves).then_some(label), pupils: 0 });
            out.moves.len() - 1
        });
        if let Some(m) = out.moves.get_mut(at) {
            m.pupils += pupils;
        }
    }
    drop(rows);
    drop(groups);
    tx.execute_batch("DROP TABLE temp.year_steps; DROP TABLE temp.year_moves;")?;
    stays.sort();
    let mut school_name = tx.prepare("SELECT name FROM schools WHERE id = ?1")?;
    for (school, _, class, pupils) in stays {
        let school: String = school_name.query_row([school], |r| r.get(0))?;
        out.stayed.push(ClassStay { school, class, pupils });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::id_number;
    use crate::domain::student::{PaymentDetails, PaymentStatus};
    use crate::store::{Incoming, StudentFilter, schema};

    fn valid(first17: &str) -> String {
        format!("{first17}{}", id_number::check_char(first17.as_bytes()))
    }

    fn pupil(name: &str, first17: &str, grade: &str) -> Incoming {
        Incoming { grade: grade.into(), ..Incoming::for_test("测试学校", name, &valid(first17)) }
    }

    fn paid(store: &mut Store, id: i64, fen: i64) {
        let details = PaymentDetails {
            amount_fen: Some(fen),
            paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 23),
            channel: Some("微信".into()),
        };
        store.set_payment(id, PaymentStatus::Paid, &details).unwrap();
    }

    fn by_name(store: &Store, name: &str) -> crate::domain::student::Student {
        let all = store.students(&StudentFilter::default()).unwrap();
        all.into_iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no {name}"))
    }

    /// A file as today's release writes it: schema 4, a paid pupil, its audit rows without a year.
    fn release_file(path: &std::path::Path, policy: Option<&str>) {
        let mut conn = rusqlite::Connection::open(path).unwrap();
        schema::migrate_to(&mut conn, 4).unwrap();
        conn.execute_batch(
            "INSERT INTO schools(id, name, created_at) VALUES (1, '旧学校', '2025-10-01T00:00:00Z');
             INSERT INTO students(id, school_id, name, id_raw, id_number, grade, class, class_order, enrollment,
                 payment, paid_amount_fen, paid_on, paid_channel, categories, created_at, updated_at)
             VALUES (1, 1, '王一', 'x', 'x', '一年级', '1班', '', 'here', 'paid', 38000, '2025-10-08', '微信',
                     '[{\"name\":\"低保\",\"department\":\"民政\"}]', '2025-10-01T00:00:00Z', '2025-10-08T00:00:00Z'),
                    (2, 1, '王二', 'y', 'y', '六年级', '2班', '', 'declined', 'unpaid', NULL, NULL, NULL, '[]',
                     '2025-10-01T00:00:00Z', '2025-10-01T00:00:00Z');
             INSERT INTO audit(at, operator, origin, action, student_id, id_number, field, old, new)
             VALUES ('2025-10-08T00:00:00Z', '甲', 'o', 'mark', 1, 'x', 'payment', 'unpaid', 'paid');",
        )
        .unwrap();
        if let Some(p) = policy {
            conn.execute("INSERT INTO meta(key, value) VALUES ('policy', ?1)", [p]).unwrap();
        }
    }

    #[test]
    fn a_file_of_todays_release_takes_the_year_of_its_policy_or_of_its_payments() {
        let dir = tempfile::tempdir().unwrap();
        let by_dates = dir.path().join("dates.db");
        release_file(&by_dates, None);
        let mut s = Store::open(&by_dates).unwrap();
        // Paid in October 2025: for insured year 2026.
        assert_eq!((s.current_year(), s.first_year().unwrap()), (Some(2026), Some(2026)));
        assert_eq!(s.stats(None, None).unwrap().year, Some(2026));
        assert_eq!(s.categories_to_recertify().unwrap(), 0, "certified for the file's own year");
        // Its statuses survive the next year and are read back as 2026's.
        let report = s.start_year(2027, true, None, false).unwrap();
        assert_eq!((report.promoted, report.graduated, report.carried_categories), (1, 1, 1), "{report:?}");
        let one = by_name(&s, "王一");
        assert_eq!(
            (one.grade.as_str(), one.payment, one.enrollment),
            ("二年级", PaymentStatus::Unpaid, Enrollment::Unknown)
        );
        assert_eq!(s.categories_to_recertify().unwrap(), 1);
        assert!(!s.categories_certified(one.id).unwrap());
        s.view_year(2026).unwrap();
        let then = by_name(&s, "王一");
        assert_eq!((then.payment, then.payment_details.amount_fen), (PaymentStatus::Paid, Some(38000)));
        assert_eq!(by_name(&s, "王二").enrollment, Enrollment::Declined);
        assert_eq!(s.stats(None, None).unwrap().days.len(), 1, "the 2026 mark counts in 2026's days");

        let by_policy = dir.path().join("policy.db");
        release_file(&by_policy, Some("yibin-2024"));
        let s = Store::open(&by_policy).unwrap();
        assert_eq!(s.current_year(), Some(2024));
        assert_eq!(s.year_policy(2024).unwrap().as_deref(), Some("yibin-2024"));
    }

    /// Classes whose names give no school year stay where they are, and the report lists each with its pupils,
    /// school by school, so the operator knows they were not forgotten; a kindergarten's 大班 leaves however it
    /// is written.
    #[test]
    fn classes_promotion_leaves_as_they_are_are_listed_with_their_pupils() {
        let mut s = Store::open_in_memory().unwrap();
        s.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let class = |name: &str, first17: &str, school: &str, grade: &str, class: &str| Incoming {
            school: school.into(),
            class: class.into(),
            ..pupil(name, first17, grade)
        };
        let rows = [
            class("甲", "45020220150101121", "东风小学", "学前班", ""),
            class("乙", "45020220150101131", "东风小学", "学前班", ""),
            class("丙", "45020220150101141", "东风小学", "启智班", ""),
            class("丁", "45020220150101151", "红旗小学", "", "2023级1班"),
            class("戊", "45020220150101161", "红旗小学", "幼儿园大班", ""),
            class("己", "45020220150101171", "红旗小学", "一年级", "1班"),
        ];
        s.apply_import(&rows, &[], 0, false).unwrap();
        let y = s.current_year().unwrap();
        let report = s.start_year(y + 1, true, None, true).unwrap();
        let mut stayed: Vec<(&str, &str, usize)> =
            report.stayed.iter().map(|c| (c.school.as_str(), c.class.as_str(), c.pupils)).collect();
        assert_eq!(stayed.last().map(|c| c.0), Some("红旗小学"), "school by school: {report:?}");
        stayed.sort();
        assert_eq!(
            stayed,
            [("东风小学", "启智班", 1), ("东风小学", "学前班", 2), ("红旗小学", "2023级1班", 1)],
            "{report:?}"
        );
        assert_eq!((report.promoted, report.graduated), (1, 1), "幼儿园大班 leaves: {report:?}");
        let without = s.start_year(y + 1, false, None, true).unwrap();
        assert!(without.stayed.is_empty(), "without promotion every class stays: nothing to single out");
    }

    /// yibin-2027's text as `policy new` makes it from yibin-2024 at `fen`.
    fn yibin_2027(fen: i64) -> String {
        let base = crate::domain::policy::builtin_text("yibin-2024").unwrap();
        let request = crate::domain::policy::Renewal {
            name: "yibin-2027",
            base_name: "yibin-2024",
            base_text: base,
            year: 2027,
            premium_fen: Some(fen),
        };
        crate::domain::policy::renew(&request, crate::domain::category::CategoryTable::builtin()).unwrap().text
    }

    /// A closed year goes by the text its policy had: the copy of that name taken again later (its file edited
    /// and chosen for the current year), twice, leaves the closed year's at 380 where it moved with the copy.
    #[test]
    fn a_closed_year_keeps_its_policy_s_text_when_the_copy_of_its_name_changes() {
        let mut s = Store::open_in_memory().unwrap();
        s.set_fixed_clock("2026-11-23T10:00:00+08:00");
        s.apply_import(&[pupil("甲", "45020220150101121", "一年级")], &[], 0, false).unwrap();
        let y = s.current_year().unwrap();
        s.keep_policy_text("yibin-2027", &yibin_2027(38000)).unwrap();
        s.set_meta("policy", "yibin-2027").unwrap();
        s.start_year(y + 1, false, None, false).unwrap();
        let premium = |s: &Store| s.kept_policy("yibin-2027").map(|p| p.personal_premium_fen);
        for fen in [42000, 45000] {
            s.keep_policy_text("yibin-2027", &yibin_2027(fen)).unwrap();
            assert_eq!(premium(&s), Some(fen), "the current year takes the text chosen");
            s.view_year(y).unwrap();
            assert_eq!(s.meta("policy").unwrap().as_deref(), Some("yibin-2027"));
            assert_eq!(premium(&s), Some(38000), "the closed year keeps its own");
            assert_eq!(s.kept_policies().unwrap().len(), 1);
            s.view_current_year().unwrap();
        }
    }

    #[test]
    fn a_new_year_keeps_the_old_one_and_a_past_year_is_read_only() {
        let mut s = Store::open_in_memory().unwrap();
        s.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let rows = [
            pupil("甲", "45020220150101121", "一年级"),
            pupil("乙", "45020220150101131", "初三"),
            pupil("丙", "45020220150101141", "高中二年级"),
            pupil("丁", "45020220150101151", "大班"),
        ];
        s.apply_import(&rows, &[], 0, false).unwrap();
        let y = s.current_year().unwrap();
        let jia = by_name(&s, "甲").id;
        paid(&mut s, jia, 38000);
        let dry = s.start_year(y + 1, true, Some("next-policy"), true).unwrap();
        assert_eq!(s.current_year(), Some(y), "a dry run changes nothing");
        assert_eq!(by_name(&s, "甲").payment, PaymentStatus::Paid);
        let report = s.start_year(y + 1, true, Some("next-policy"), false).unwrap();
        assert_eq!(dry, YearReport { dry_run: true, ..report.clone() });
        assert_eq!((report.promoted, report.graduated), (2, 2), "{report:?}");
        let moves: Vec<(String, Option<String>)> =
            report.moves.iter().map(|m| (m.from.clone(), m.to.clone())).collect();
        assert!(moves.contains(&("初三1班".into(), None)), "{moves:?}");
        assert!(moves.contains(&("高中二年级1班".into(), Some("高中三年级1班".into()))), "{moves:?}");
        let yi = by_name(&s, "乙");
        assert_eq!((yi.enrollment, yi.decline_reason.as_deref()), (Enrollment::Left, Some(GRADUATED)));
        assert_eq!(yi.class_label(), format!("{GRADUATES_GRADE}{}", graduates_class(y)), "out of 初三1班");
        assert_eq!(by_name(&s, "甲").payment, PaymentStatus::Unpaid);
        assert_eq!(s.year_policy(y + 1).unwrap().as_deref(), Some("next-policy"));
        // Only the next year; never one already begun.
        for wrong in [y, y + 3, y - 1] {
            assert!(matches!(s.start_year(wrong, false, None, false), Err(StoreError::NotNextYear { .. })), "{wrong}");
        }
        // The year already begun is named as the current one, never as what it is not.
        let said = s.start_year(y + 1, false, None, false).map(|_| ()).unwrap_err().to_string();
        assert!(said.contains(&format!("当前年度是 {} 年度", y + 1)), "{said}");
        assert!(!said.contains(&format!("{}, not {}", y + 1, y + 1)), "{said}");
        // Marks in the new year leave the old year's payment alone.
        paid(&mut s, jia, 40000);
        assert!(
            s.connection()
                .query_row(
                    "SELECT year = ?1 FROM audit WHERE field = 'paid_amount_fen' ORDER BY id DESC LIMIT 1",
                    [y + 1],
                    |r| r.get::<_, bool>(0)
                )
                .unwrap()
        );
        s.view_year(y).unwrap();
        let then = by_name(&s, "甲");
        assert_eq!(then.payment_details.amount_fen, Some(38000));
        assert_eq!(then.class_label(), "一年级1班", "last year's class, not this year's");
        assert!(matches!(s.set_note(jia, "x"), Err(StoreError::PastYear { .. })));
        assert!(s.connection().execute("UPDATE main.students SET note = 'x'", []).is_err(), "query-only");
        assert!(matches!(s.view_year(y + 5), Err(StoreError::NoSuchYear { .. })));
    }

    #[test]
    fn a_restored_backup_from_before_the_new_year_is_back_in_its_own_year() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("drive.db");
        let mut s = Store::open(&path).unwrap();
        s.apply_import(&[pupil("甲", "45020220150101121", "一年级")], &[], 0, false).unwrap();
        let y = s.current_year().unwrap();
        let jia = by_name(&s, "甲").id;
        let before = s.backup_now("year").unwrap().expect("a file drive");
        // A second connection to the same file, as the TUI's is while a worker restores.
        let mut other = Store::open(&path).unwrap();
        s.start_year(y + 1, false, None, false).unwrap();
        other.reload_year().unwrap();
        assert_eq!(other.current_year(), Some(y + 1));
        assert_eq!(other.year_in_title(), Some(y + 1));

        s.restore_from(&before).unwrap();
        assert_eq!(s.current_year(), Some(y), "the restoring connection reads the restored year");
        assert_eq!(s.year_in_title(), None, "a drive in its first year names none");
        s.set_enrollment(jia, Enrollment::Here, None).unwrap();
        let stamped: Option<i32> = s
            .connection()
            .query_row("SELECT year FROM audit WHERE field = 'enrollment' ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(stamped, Some(y), "a mark after the restore belongs to the restored year");
        // The other connection still holds the year it read, yet starts only the year after the file's.
        assert!(matches!(other.start_year(y + 2, false, None, true), Err(StoreError::NotNextYear { .. })));
        assert_eq!(other.start_year(y + 1, false, None, true).unwrap().previous, y);
        assert_eq!(other.current_year(), Some(y));
    }

    #[test]
    fn past_year_reads_find_each_pupils_year_by_its_key() {
        let mut s = Store::open_in_memory().unwrap();
        s.apply_import(&[pupil("甲", "45020220150101121", "一年级")], &[], 0, false).unwrap();
        let y = s.current_year().unwrap();
        s.start_year(y + 1, false, None, false).unwrap();
        s.view_year(y).unwrap();
        let plan: Vec<String> = s
            .connection()
            .prepare("EXPLAIN QUERY PLAN SELECT id FROM students ORDER BY school_id, class_order, name_order, id")
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let plan = plan.join(" | ");
        // The pupils are the outer loop and each one's year is found by its key: never a scan of every year.
        assert!(plan.contains("SEARCH y USING PRIMARY KEY"), "{plan}");
        assert!(!plan.contains("SCAN y"), "{plan}");
    }

    #[test]
    fn pupils_missing_from_this_years_lists_are_offered_as_leavers() {
        let mut s = Store::open_in_memory().unwrap();
        let rows = [pupil("甲", "45020220150101121", "一年级"), pupil("乙", "45020220150101131", "一年级")];
        s.apply_import(&rows, &[], 0, false).unwrap();
        assert!(s.leavers().unwrap().is_empty(), "not in a year begun by year new");
        let y = s.current_year().unwrap();
        s.start_year(y + 1, true, None, false).unwrap();
        // This year's list of 二年级1班 names 甲 and a newcomer, not 乙.
        let again = Incoming { grade: "二年级".into(), ..pupil("甲", "45020220150101121", "") };
        let new = Incoming { grade: "二年级".into(), ..pupil("戊", "45020220150101161", "") };
        s.apply_import(&[again, new], &[], 0, false).unwrap();
        let leavers = s.leavers().unwrap();
        assert_eq!(leavers.iter().map(|l| l.name.as_str()).collect::<Vec<_>>(), ["乙"]);
        assert_eq!(s.mark_leavers(&leavers.iter().map(|l| l.id).collect::<Vec<_>>()).unwrap(), 1);
        assert_eq!(by_name(&s, "乙").enrollment, Enrollment::Left);
        assert!(s.leavers().unwrap().is_empty());
    }

    /// A pupil missing from this year's lists whom the operator has marked this year (paid, or a family's answer)
    /// is at school: no possible leaver, so marking the list 已离校 cannot take this year's payment's pupil out.
    /// Before, a pupil paid for this year stayed on the list and Yes marked him 已离校.
    #[test]
    fn a_pupil_marked_this_year_is_no_possible_leaver() {
        let mut s = Store::open_in_memory().unwrap();
        let rows = [
            pupil("甲", "45020220150101121", "一年级"),
            pupil("乙", "45020220150101131", "一年级"),
            pupil("丙", "45020220150101141", "一年级"),
            pupil("丁", "45020220150101151", "一年级"),
        ];
        s.apply_import(&rows, &[], 0, false).unwrap();
        let y = s.current_year().unwrap();
        s.start_year(y + 1, true, None, false).unwrap();
        let again = Incoming { grade: "二年级".into(), ..pupil("甲", "45020220150101121", "") };
        s.apply_import(&[again], &[], 0, false).unwrap();
        let names = |s: &Store| s.leavers().unwrap().into_iter().map(|l| l.name).collect::<Vec<_>>();
        assert_eq!(names(&s), ["乙", "丙", "丁"]);
        let id = |s: &Store, name: &str| by_name(s, name).id;
        let bing = id(&s, "丙");
        paid(&mut s, bing, 38_000);
        let ding = id(&s, "丁");
        s.set_enrollment(ding, Enrollment::Declined, Some("已在外地参保")).unwrap();
        assert_eq!(names(&s), ["乙"]);
    }

    /// A school teaching all nine years (九年一贯制: it has 七年级 classes) keeps its 六年级 pupils, who go on into
    /// 七年级; a primary school beside it on the same drive sees its 六年级 leave, and 九年级 leaves everywhere.
    #[test]
    fn a_nine_year_schools_sixth_grade_goes_on_into_its_seventh() {
        let mut s = Store::open_in_memory().unwrap();
        let at = |school: &str, p: Incoming| Incoming { school: school.into(), ..p };
        let rows = [
            at("九年一贯制学校", pupil("六甲", "45020220130101121", "六年级")),
            at("九年一贯制学校", pupil("七乙", "45020220120101131", "七年级")),
            at("九年一贯制学校", pupil("九丙", "45020220100101141", "九年级")),
            at("小学", pupil("六丁", "45020220130101151", "六年级")),
        ];
        s.apply_import(&rows, &[], 0, false).unwrap();
        let y = s.current_year().unwrap();
        let report = s.start_year(y + 1, true, None, false).unwrap();
        assert_eq!((report.promoted, report.graduated), (2, 2), "{report:?}");
        assert_eq!(by_name(&s, "六甲").class_label(), "七年级1班");
        assert_eq!(by_name(&s, "六甲").enrollment, Enrollment::Unknown, "still a pupil of the school");
        assert_eq!(by_name(&s, "七乙").class_label(), "八年级1班");
        for graduate in ["九丙", "六丁"] {
            assert_eq!(by_name(&s, graduate).enrollment, Enrollment::Left, "{graduate}");
            assert!(is_former_pupil(&by_name(&s, graduate).grade), "{graduate}");
        }
    }

    /// A pupil marked 已离校 during the year that closes is at no class of the new year: moved out of the class
    /// the next pupils move into (with or without promotion), and, with the graduates, counted in none of the
    /// new year's totals. The closed year keeps both where they were.
    #[test]
    fn pupils_who_left_and_graduates_are_in_none_of_the_new_years_classes_or_totals() {
        for promote in [true, false] {
            let mut s = Store::open_in_memory().unwrap();
            let rows = [
                pupil("二甲", "45020220170101121", "二年级"),
                pupil("三乙", "45020220160101131", "三年级"),
                pupil("三丙", "45020220160101141", "三年级"),
                pupil("六丁", "45020220130101151", "六年级"),
            ];
            s.apply_import(&rows, &[], 0, false).unwrap();
            let y = s.current_year().unwrap();
            let yi = by_name(&s, "三乙").id;
            s.set_enrollment(yi, Enrollment::Left, None).unwrap();
            let report = s.start_year(y + 1, promote, None, false).unwrap();
            assert_eq!(report.left, 1, "{promote}: {report:?}");

            let yi = by_name(&s, "三乙");
            assert_eq!(yi.class_label(), format!("{LEFT_GRADE}{}", left_class(y)), "{promote}: out of 三年级1班");
            assert_eq!(yi.enrollment, Enrollment::Left);
            assert!(is_former_pupil(&yi.grade));
            let audited: Vec<(String, String, String)> = s
                .connection()
                .prepare("SELECT field, old, new FROM audit WHERE student_id = ?1 AND action = 'year' ORDER BY id")
                .unwrap()
                .query_map([yi.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            let want = [("grade", "三年级", LEFT_GRADE.to_owned()), ("class", "1班", left_class(y))]
                .map(|(f, o, n)| (f.to_owned(), o.to_owned(), n));
            assert_eq!(audited, want, "{promote}: in the pupil's history");
            let stats = s.stats(None, None).unwrap();
            assert_eq!(stats.students, 3 - i64::from(promote), "{promote}: {stats:?}");
            assert_eq!(stats.former, 1 + i64::from(promote), "{promote}: {stats:?}");
            assert_eq!(stats.enrollment.get("left"), Some(&0), "{promote}: {stats:?}");
            let classes: Vec<(&str, i64)> = stats.classes.iter().map(|c| (c.class.as_str(), c.students)).collect();
            let want: &[(&str, i64)] = if promote {
                &[("三年级1班", 1), ("四年级1班", 1)]
            } else {
                &[("二年级1班", 1), ("三年级1班", 1), ("六年级1班", 1)]
            };
            assert_eq!(classes, want, "{promote}");
            // Found by their name, not by the class they left.
            let (_, found) = s.search(&crate::domain::search::Query::parse("三年级1班"), 10).unwrap();
            assert!(found.iter().all(|p| p.name != "三乙"), "{promote}: {found:?}");

            // The closed year keeps them in their classes, counted as they were.
            s.view_year(y).unwrap();
            assert_eq!(by_name(&s, "三乙").class_label(), "三年级1班");
            assert_eq!(by_name(&s, "六丁").class_label(), "六年级1班");
            let then = s.stats(None, None).unwrap();
            assert_eq!((then.students, then.former, then.enrollment.get("left")), (4, 0, Some(&1)), "{promote}");
        }
    }

    /// A graduate whom this year's list names again comes back to the class the list gives, as the list says
    /// (a school's 是否参保 是: 在校参保), without the reason they left; one named without a class has nowhere to go
    /// and stays where they were.
    #[test]
    fn a_graduate_on_this_years_list_comes_back_and_one_named_without_a_class_stays_out() {
        use crate::store::{IncomingOutcome, ListStatus};
        let mut s = Store::open_in_memory().unwrap();
        let rows = [pupil("甲", "45020220130101121", "六年级"), pupil("乙", "45020220130101131", "六年级")];
        s.apply_import(&rows, &[], 0, false).unwrap();
        let y = s.current_year().unwrap();
        s.start_year(y + 1, true, None, false).unwrap();
        let back = Incoming { status: ListStatus::Enrolled, ..pupil("甲", "45020220130101121", "六年级") };
        let classless = Incoming { class: String::new(), ..pupil("乙", "45020220130101131", "") };
        let mut session = s.begin_import().unwrap();
        let applied = session.apply(&back).unwrap();
        let from = format!("{GRADUATES_GRADE}{}", graduates_class(y));
        assert!(
            matches!(&applied.outcome, IncomingOutcome::Updated(m)
                if m.returned && m.class == Some((from.clone(), "六年级1班".into()))),
            "{applied:?}"
        );
        assert_eq!(session.apply(&classless).unwrap().outcome, IncomingOutcome::Unchanged);
        session.finish(&[], 0, false).unwrap();
        let jia = by_name(&s, "甲");
        assert_eq!(
            (jia.class_label().as_str(), jia.enrollment, jia.decline_reason),
            ("六年级1班", Enrollment::Here, None)
        );
        let yi = by_name(&s, "乙");
        assert_eq!((yi.class_label(), yi.enrollment), (from, Enrollment::Left));
        let stats = s.stats(None, None).unwrap();
        assert_eq!((stats.students, stats.former), (1, 1), "{stats:?}");
    }

    #[test]
    fn marking_categories_in_the_new_year_certifies_them() {
        let mut s = Store::open_in_memory().unwrap();
        let mut row = pupil("甲", "45020220150101121", "一年级");
        row.categories =
            vec![crate::domain::student::CategoryMark {
                name: "低保".into(), department: "民政".into(), year: None
            }];
        s.apply_import(&[row], &[], 0, false).unwrap();
        let id = by_name(&s, "甲").id;
        assert!(s.categories_certified(id).unwrap());
        let y = s.current_year().unwrap();
        s.start_year(y + 1, false, None, false).unwrap();
        assert!(!s.categories_certified(id).unwrap());
        // The same set, each mark without its year: certified for the year.
        let same: Vec<_> = by_name(&s, "甲")
            .categories
            .into_iter()
            .map(|m| crate::domain::student::CategoryMark { year: None, ..m })
            .collect();
        s.set_categories(id, &same).unwrap();
        assert!(s.categories_certified(id).unwrap(), "the same set, confirmed for the year");
    }

    /// The possible leavers' list and the mark that looks at each pupil again hold one rule: of a class this
    /// year's list named, a pupil in any state of 参保状态, 缴费 and the year last named is marked 已离校 exactly
    /// when `leavers` lists them, and every other is left out with why.
    #[test]
    fn the_leavers_list_and_its_mark_hold_one_rule() {
        let mut s = Store::open_in_memory().unwrap();
        let enrollments = ["unknown", "here", "elsewhere", "declined", "left"];
        let payments = ["unpaid", "paid", "government"];
        let mut pupils = Vec::new();
        let mut list = Vec::new();
        for (i, (e, p)) in enrollments.iter().flat_map(|e| payments.iter().map(move |p| (e, p))).enumerate() {
            for seen in 0..5 {
                let name = format!("学生{i}{seen}");
                list.push(pupil(&name, &format!("45020220150101{i:02}{seen}"), "一年级"));
                pupils.push((name, *e, *p, seen));
            }
        }
        s.apply_import(&list, &[], 0, false).unwrap();
        let first = s.first_year().unwrap().unwrap();
        let year = s.current_year().unwrap() + 1;
        s.start_year(year, false, None, false).unwrap();
        // Last named by no year's list, by one two years back, by last year's, by this year's, by a later one's.
        let seen_years = [None, Some(year - 2), Some(first), Some(year), Some(year + 1)];
        let mut ids = Vec::new();
        for (name, e, p, seen) in &pupils {
            let id = by_name(&s, name).id;
            s.conn
                .execute(
                    "UPDATE students SET enrollment = ?2, payment = ?3, seen_year = ?4 WHERE id = ?1",
                    params![id, e, p, seen_years[*seen]],
                )
                .unwrap();
            ids.push(id);
        }
        let listed: std::collections::BTreeSet<i64> = s.leavers().unwrap().iter().map(|l| l.id).collect();
        // Neither marked nor named this year, nor since: last named by no list, two years back, or last year.
        assert_eq!(listed.len(), 3, "{listed:?}");
        let marked = s.mark_possible_leavers(&ids).unwrap();
        let changed: std::collections::BTreeSet<i64> =
            marked.outcomes.iter().filter(|o| !o.diffs.is_empty()).map(|o| o.id).collect();
        assert_eq!(changed, listed);
        assert_eq!(marked.outcomes.len() + marked.left_out.len(), ids.len());
        for (id, why) in &marked.left_out {
            let (_, e, p, _) = &pupils[ids.iter().position(|i| i == id).unwrap()];
            let marked_this_year = (*e, *p) != ("unknown", "unpaid");
            assert_eq!(*why == NoLongerLeaver::Marked, marked_this_year, "{id} {why:?}");
        }
    }
}

#[cfg(test)]
mod per_category {
    use super::super::Store;
    use crate::domain::student::{CategoryMark, Student};
    use crate::store::{Incoming, StudentFilter};

    fn pupil_with(categories: &[(&str, &str)]) -> Incoming {
        let first17 = "45020220150101121";
        let number = format!("{first17}{}", crate::domain::id_number::check_char(first17.as_bytes()));
        let mut row = Incoming::for_test("测试小学", "甲", &number);
        row.categories = categories.iter().map(|(n, d)| CategoryMark::new(*n, *d)).collect();
        row
    }

    fn held(s: &Store) -> Student {
        s.students(&StudentFilter::default()).unwrap().remove(0)
    }

    fn names<'m>(marks: impl IntoIterator<Item = &'m CategoryMark>) -> Vec<&'m str> {
        marks.into_iter().map(|m| m.name.as_str()).collect()
    }

    /// A drive in its second year, its one pupil holding 重度残疾人 certified in the first and carried over.
    fn carried() -> (Store, i64, i32) {
        let mut s = Store::open_in_memory().unwrap();
        s.apply_import(&[pupil_with(&[("重度残疾人", "残联")])], &[], 0, false).unwrap();
        let year = s.current_year().unwrap() + 1;
        s.start_year(year, false, None, false).unwrap();
        let id = held(&s).id;
        (s, id, year)
    }

    #[test]
    fn marking_one_more_category_in_the_new_year_certifies_that_one_only() {
        let (mut s, id, year) = carried();
        let mut marks = held(&s).categories;
        marks.push(CategoryMark::new("低保对象", "民政"));
        s.set_categories(id, &marks).unwrap();
        let pupil = held(&s);
        assert_eq!(names(pupil.categories_to_recertify(Some(year))), ["重度残疾人"]);
        assert_eq!(names(&pupil.certified_in(Some(year)).categories), ["低保对象"]);
        assert!(!s.categories_certified(id).unwrap(), "重度残疾人 is still last year's");
        assert_eq!(s.categories_to_recertify().unwrap(), 1);
        // Certified again on its own: the whole set is the year's.
        let again: Vec<CategoryMark> =
            pupil.categories.iter().map(|m| CategoryMark { year: None, ..m.clone() }).collect();
        s.set_categories(id, &again).unwrap();
        assert!(s.categories_certified(id).unwrap());
        assert_eq!(s.categories_to_recertify().unwrap(), 0);
    }

    #[test]
    fn a_list_naming_one_category_in_the_new_year_certifies_that_one_only() {
        let (mut s, id, year) = carried();
        s.apply_import(&[pupil_with(&[("低保对象", "民政")])], &[], 0, false).unwrap();
        let pupil = held(&s);
        assert_eq!(pupil.id, id);
        assert_eq!(names(&pupil.categories), ["低保对象", "重度残疾人"]);
        assert_eq!(names(pupil.categories_to_recertify(Some(year))), ["重度残疾人"]);
        assert!(!s.categories_certified(id).unwrap());
        // The same list again changes nothing; one naming the carried category certifies it.
        let report = s.apply_import(&[pupil_with(&[("低保对象", "民政")])], &[], 0, false).unwrap();
        assert_eq!(report.updated, 0, "{report:?}");
        s.apply_import(&[pupil_with(&[("重度残疾人", "残联")])], &[], 0, false).unwrap();
        assert!(s.categories_certified(id).unwrap());
        assert!(held(&s).categories_certified(Some(year)));
    }

    /// A set certified in one year is stored as before marks had years, so a file an older canbao wrote reads
    /// the same and one this canbao writes reads the same to an older one.
    #[test]
    fn a_set_certified_in_one_year_is_stored_without_years_in_its_marks() {
        let (mut s, id, year) = carried();
        let stored = |s: &Store| -> (String, Option<i32>) {
            s.conn
                .query_row("SELECT categories, categories_year FROM students WHERE id = ?1", [id], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .unwrap()
        };
        assert_eq!(stored(&s).0, r#"[{"name":"重度残疾人","department":"残联"}]"#);
        assert_eq!(held(&s).categories[0].year, Some(year - 1), "NULL: the file's first year");
        let mut marks = held(&s).categories;
        marks.push(CategoryMark::new("低保对象", "民政"));
        s.set_categories(id, &marks).unwrap();
        let oldest = year - 1;
        assert_eq!(
            stored(&s),
            (
                format!(
                    r#"[{{"name":"低保对象","department":"民政","year":{year}}},{{"name":"重度残疾人","department":"残联"}}]"#
                ),
                Some(oldest)
            )
        );
        let all: Vec<CategoryMark> = marks.iter().map(|m| CategoryMark { year: None, ..m.clone() }).collect();
        s.set_categories(id, &all).unwrap();
        let text = r#"[{"name":"低保对象","department":"民政"},{"name":"重度残疾人","department":"残联"}]"#;
        assert_eq!(stored(&s), (text.to_owned(), Some(year)));
    }
}
