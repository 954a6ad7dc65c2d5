//! Reading pupils back out.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row};

use super::fields::{categories_from_text, with_years};
use super::{Result, Store, search_blocks};
use crate::domain::class_label::ClassKey;
use crate::domain::coverage::Standing;
use crate::domain::id_number::{IdKind, Sex};
use crate::domain::search::{FieldBytes, Query};
use crate::domain::student::{Enrollment, PaymentDetails, PaymentStatus, Student};

const COLUMNS: &str = "s.id, sc.name, s.name, s.id_raw, s.id_number, s.id_kind, s.id_problem, s.sex, s.birth_date,
    s.grade, s.class, s.phone, s.enrollment, s.decline_reason, s.payment, s.paid_amount_fen, s.paid_on,
    s.paid_channel, s.categories, s.note, s.created_at, s.updated_at, s.source,
    coalesce(s.categories_year, (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'first_year')),
    s.ethnicity, s.address";

/// The keys a tax-list row without an ID number is matched to a pupil by (`io::reconcile`): the name, the class
/// and the school, with the pupil's id to read the one it names in full. No whole `Student` for every pupil.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameKeys {
    pub id: i64,
    pub name: String,
    pub grade: String,
    pub class: String,
    pub school: String,
}

/// One pupil as the student information sheet (学生信息表) shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetRow<'a> {
    /// The pupil's row id, to find what the sheet's 备注 says of the pupil's payment.
    pub id: i64,
    pub name: &'a str,
    pub id_number: &'a str,
    pub class_label: &'a str,
    /// 是否参保: insured here or elsewhere.
    pub insured: bool,
    /// 已离校: no longer at the school (insured this year or not).
    pub left: bool,
    /// Left before the year began (已毕业, or 已离校 in an earlier year): in none of its classes.
    pub former: bool,
    pub phone: &'a str,
    /// Why the ID number failed the check (`IdProblem::code`), if it did.
    pub id_problem: Option<&'a str>,
    /// What kind of number it is: an old 15-digit one (converted) gives a birth date of 19YY.
    pub id_kind: Option<IdKind>,
}

/// Which pupils to list.
#[derive(Debug, Clone, Default)]
pub struct StudentFilter {
    pub school: Option<String>,
    /// The combined 年级班级 label, written any way lists write it (初三6班 is 九年级(6)班; see `ClassKey`).
    pub class: Option<String>,
}

/// Calls `f` for each pupil of `rows` (the school already chosen by the query) in `filter`'s class, one at a time.
fn each_in_class(
    mut rows: rusqlite::Rows<'_>,
    filter: &StudentFilter,
    mut f: impl FnMut(&Student) -> Result<()>,
) -> Result<()> {
    let mut in_class = ClassFilter::new(filter);
    while let Some(row) = rows.next()? {
        let s = from_row(row)?;
        if in_class.admits(&s.grade, &s.class) {
            f(&s)?;
        }
    }
    Ok(())
}

/// `StudentFilter::class` applied to rows that come class by class: each class is compared once.
pub(super) struct ClassFilter {
    wanted: Option<ClassKey>,
    last: Option<(String, String, bool)>,
}

impl ClassFilter {
    pub(super) fn new(filter: &StudentFilter) -> ClassFilter {
        ClassFilter { wanted: filter.class.as_deref().map(ClassKey::parse), last: None }
    }

    pub(super) fn admits(&mut self, grade: &str, class: &str) -> bool {
        let Some(wanted) = &self.wanted else { return true };
        if let Some((g, c, answer)) = &self.last
            && g == grade
            && c == class
        {
            return *answer;
        }
        let answer = ClassKey::of(grade, class) == *wanted;
        self.last = Some((grade.to_owned(), class.to_owned(), answer));
        answer
    }
}

fn kind_from(s: &str) -> Option<IdKind> {
    match s {
        "resident" => Some(IdKind::Resident),
        "resident_converted" => Some(IdKind::ResidentConverted),
        "hk_mo_tw_permit" => Some(IdKind::HkMoTwPermit),
        "foreign_permanent" => Some(IdKind::ForeignPermanent),
        _ => None,
    }
}

/// The pupil holding a valid number: an import's per-row look-up, by an index.
pub(crate) const EXISTING_VALID: &str = "SELECT id FROM students WHERE id_number = ?1 AND id_problem IS NULL";

pub(crate) fn kind_code(k: IdKind) -> &'static str {
    match k {
        IdKind::Resident => "resident",
        IdKind::ResidentConverted => "resident_converted",
        IdKind::HkMoTwPermit => "hk_mo_tw_permit",
        IdKind::ForeignPermanent => "foreign_permanent",
    }
}

/// The stored word of a sex: a valid number's, or the one a list's 性别 cell stated for a pupil without one.
pub(crate) fn sex_code(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

pub(crate) fn sex_from(code: Option<&str>) -> Option<Sex> {
    match code {
        Some("male") => Some(Sex::Male),
        Some("female") => Some(Sex::Female),
        _ => None,
    }
}

/// "YYYY-MM-DD" as the store writes dates; chrono's format parser cost a tenth of a 60k-pupil export.
fn iso_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?.iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    }
    NaiveDate::from_ymd_opt(i32::try_from(digits(0..4)?).ok()?, digits(5..7)?, digits(8..10)?)
}

fn from_row(r: &Row) -> rusqlite::Result<Student> {
    let date = |s: Option<String>| s.as_deref().and_then(iso_date);
    Ok(Student {
        id: r.get(0)?,
        school: r.get(1)?,
        name: r.get(2)?,
        id_raw: r.get(3)?,
        id_number: r.get(4)?,
        id_kind: r.get::<_, Option<String>>(5)?.as_deref().and_then(kind_from),
        id_problem: r.get(6)?,
        sex: sex_from(r.get::<_, Option<String>>(7)?.as_deref()),
        birth_date: date(r.get(8)?),
        grade: r.get(9)?,
        class: r.get(10)?,
        phone: r.get(11)?,
        ethnicity: r.get(24)?,
        address: r.get(25)?,
        enrollment: Enrollment::from_code(&r.get::<_, String>(12)?).unwrap_or(Enrollment::Unknown),
        decline_reason: r.get(13)?,
        payment: PaymentStatus::from_code(&r.get::<_, String>(14)?).unwrap_or(PaymentStatus::Unpaid),
        payment_details: PaymentDetails { amount_fen: r.get(15)?, paid_on: date(r.get(16)?), channel: r.get(17)? },
        categories: with_years(categories_from_text(&r.get::<_, String>(18)?), r.get(23)?),
        note: r.get(19)?,
        created_at: r.get(20)?,
        updated_at: r.get(21)?,
        source: r.get(22)?,
    })
}

pub(crate) fn student(conn: &Connection, id: i64) -> Result<Option<Student>> {
    let sql = format!("SELECT {COLUMNS} FROM students s JOIN schools sc ON sc.id = s.school_id WHERE s.id = ?1");
    Ok(conn.prepare_cached(&sql)?.query_row([id], from_row).optional()?)
}

/// Pupils held with a flagged number, by the number as stored (`find`, `mark`, `quote`).
/// The pupils of one name held with a flagged number: asked for each row of a list that names nobody.
pub(crate) const FLAGGED_NAMED_IDS: &str =
    "SELECT id FROM students WHERE id_problem IS NOT NULL AND name = ?1 ORDER BY id";

pub(crate) const BY_FLAGGED_NUMBER: &str =
    "SELECT id FROM students WHERE id_number = ?1 AND id_problem IS NOT NULL ORDER BY id";

impl Store {
    /// The classes pupils are in, as `年级班级` labels in roster order, without duplicates.
    pub fn class_labels(&self, school: Option<&str>) -> Result<Vec<String>> {
        // Of two spellings of a class, which sort alike, the one of the first pupil by name comes first, as the
        // forms and counts choose it.
        let mut stmt = self.conn.prepare(
            "SELECT s.grade, s.class FROM students s JOIN schools sc ON sc.id = s.school_id
             WHERE (?1 IS NULL OR sc.name = ?1)
             GROUP BY s.grade, s.class ORDER BY MIN(sc.name), MIN(s.class_order), MIN(s.name_order)",
        )?;
        let labels = stmt.query_map([school], |r| {
            Ok(crate::domain::class_label::join(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?))
        })?;
        // One class held under two spellings (3年级2班, 三年级2班) is one class to choose.
        let mut out: Vec<String> = Vec::new();
        let mut keys: Vec<ClassKey> = Vec::new();
        for label in labels {
            let label = label?;
            let key = ClassKey::parse(&label);
            if !out.contains(&label) && (label.is_empty() || !keys.contains(&key)) {
                out.push(label);
                keys.push(key);
            }
        }
        Ok(out)
    }

    /// Pupils in roster order: school, grade, class, name.
    pub fn students(&self, filter: &StudentFilter) -> Result<Vec<Student>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM students s JOIN schools sc ON sc.id = s.school_id
             WHERE (?1 IS NULL OR sc.name = ?1)
             ORDER BY sc.name, s.class_order, s.name_order, s.id_number, s.name, s.id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let all = stmt.query_map([filter.school.as_deref()], from_row)?.collect::<Result<Vec<_>, _>>()?;
        let mut in_class = ClassFilter::new(filter);
        Ok(all.into_iter().filter(|s| in_class.admits(&s.grade, &s.class)).collect())
    }

    /// Every pupil's [`NameKeys`], as `students` reads the roster (any school, any class), in no order.
    pub fn name_keys(&self) -> Result<Vec<NameKeys>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.id, s.name, s.grade, s.class, sc.name FROM students s JOIN schools sc ON sc.id = s.school_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(NameKeys { id: r.get(0)?, name: r.get(1)?, grade: r.get(2)?, class: r.get(3)?, school: r.get(4)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Calls `f` for each pupil in roster order without holding them all in memory, for exports of any size.
    pub fn for_each_student(&self, filter: &StudentFilter, f: impl FnMut(&Student) -> Result<()>) -> Result<()> {
        let sql = format!(
            "SELECT {COLUMNS} FROM students s JOIN schools sc ON sc.id = s.school_id
             WHERE (?1 IS NULL OR sc.name = ?1)
             ORDER BY sc.name, s.class_order, s.name_order, s.id_number, s.name, s.id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        each_in_class(stmt.query([filter.school.as_deref()])?, filter, f)
    }

    /// The few fields the student information sheet shows, borrowed from SQLite's row in roster order. A full
    /// `Student` per row (two dozen fields, a dozen strings) was a third of a 60k-pupil export.
    pub fn for_each_sheet_row(&self, filter: &StudentFilter, mut f: impl FnMut(&SheetRow) -> Result<()>) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT s.name, s.id_number, s.grade, s.class, s.enrollment, s.phone, s.payment, s.id_problem, sc.name,
                    s.id, s.id_kind
             FROM students s JOIN schools sc ON sc.id = s.school_id
             WHERE (?1 IS NULL OR sc.name = ?1)
             ORDER BY sc.name, s.class_order, s.name_order, s.id_number, s.name, s.id",
        )?;
        let mut rows = stmt.query([filter.school.as_deref()])?;
        // Rows come class by class: each class's label is made once, and a class the drive holds under two
        // spellings is written the first way.
        let mut spelling = crate::domain::class_label::OneSpelling::default();
        let mut in_class = ClassFilter::new(filter);
        while let Some(row) = rows.next()? {
            let text = |i: usize| -> rusqlite::Result<&str> { Ok(row.get_ref(i)?.as_str()?) };
            let (grade, class) = (text(2)?, text(3)?);
            if !in_class.admits(grade, class) {
                continue;
            }
            let label = spelling.label(text(8)?, grade, class);
            let enrollment = Enrollment::from_code(text(4)?).unwrap_or(Enrollment::Unknown);
            let payment = PaymentStatus::from_code(text(6)?).unwrap_or(PaymentStatus::Unpaid);
            let insured = Standing::new(enrollment, payment).is_insured();
            let id_problem = row.get_ref(7)?.as_str_or_null().map_err(rusqlite::Error::from)?;
            let id_kind = row.get_ref(10)?.as_str_or_null().map_err(rusqlite::Error::from)?.and_then(kind_from);
            f(&SheetRow {
                id: row.get(9)?,
                name: text(0)?,
                id_number: text(1)?,
                class_label: label,
                insured,
                left: enrollment == Enrollment::Left,
                former: super::year::is_former_pupil(grade),
                phone: text(5)?,
                id_problem,
                id_kind,
            })?;
        }
        Ok(())
    }

    /// Whether any pupil of the school (or of the drive) holds an ID number a form remarks on: one that failed the
    /// check, or an old 15-digit one (`id_number::form_remark`); or a pupil without a name or with an adult's
    /// number (`pupil_flags`).
    pub fn has_id_remarks(&self, school: Option<&str>) -> Result<bool> {
        let adult_born_by = crate::domain::pupil_flags::adult_born_by(self.today()).map(|d| d.to_string());
        Ok(self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM students s JOIN schools sc ON sc.id = s.school_id
             WHERE (s.id_problem IS NOT NULL OR s.id_kind = ?2 OR trim(s.name) = '' OR s.birth_date <= ?3)
                 AND (?1 IS NULL OR sc.name = ?1))",
            rusqlite::params![school, kind_code(IdKind::ResidentConverted), adult_born_by],
            |r| r.get(0),
        )?)
    }

    /// Calls `f` for each pupil of `filter` paid by the family with an amount below `below_fen`, in roster order:
    /// the only pupils whose payment can fall short of the amount due, read whole for a form that streams the
    /// rest (the student information sheet), without holding them all.
    pub fn for_each_paid_below(
        &self,
        filter: &StudentFilter,
        below_fen: i64,
        f: impl FnMut(&Student) -> Result<()>,
    ) -> Result<()> {
        let paid = PaymentStatus::Paid.code();
        self.for_each_where(filter, "s.payment = ?2 AND s.paid_amount_fen < ?3", &[&paid, &below_fen], f)
    }

    /// Calls `f` for each pupil of `filter` marked 财政代缴 and holding a category, in roster order: the few whose
    /// department may pay only its share (`policy::family_share`), read without reading every pupil whole.
    pub fn for_each_government_with_category(
        &self,
        filter: &StudentFilter,
        mut f: impl FnMut(&Student) -> Result<()>,
    ) -> Result<()> {
        let (government, elsewhere) = (PaymentStatus::Government.code(), Enrollment::Elsewhere.code());
        self.for_each_where(filter, "s.payment = ?2 AND s.enrollment <> ?3", &[&government, &elsewhere], |s| {
            if s.categories.is_empty() { Ok(()) } else { f(s) }
        })
    }

    /// Calls `f` for each pupil of `filter` whose payment is recorded beside an enrollment that says otherwise
    /// (`Standing::paid_against_status`: a tax list's payment beside 不参保) or beside 已离校 (a pupil paid for who
    /// left), in roster order: the few the student information sheet's 备注 must say so of, read without reading
    /// every pupil whole.
    pub fn for_each_paid_beside_status(
        &self,
        filter: &StudentFilter,
        mut f: impl FnMut(&Student) -> Result<()>,
    ) -> Result<()> {
        let (declined, elsewhere, left) =
            (Enrollment::Declined.code(), Enrollment::Elsewhere.code(), Enrollment::Left.code());
        let unpaid = PaymentStatus::Unpaid.code();
        let condition = "s.enrollment IN (?2, ?3, ?4) AND s.payment <> ?5";
        self.for_each_where(filter, condition, &[&declined, &elsewhere, &left, &unpaid], |s| {
            let standing = Standing::new(s.enrollment, s.payment);
            if standing.paid_against_status() || s.enrollment == Enrollment::Left { f(s) } else { Ok(()) }
        })
    }

    /// The pupils of `filter`'s school that `condition` (SQL on `s`, its parameters from ?2 on, `values`) keeps,
    /// in roster order, each given to `f` once `filter`'s class takes it: the few a form needs read whole
    /// without reading every pupil.
    fn for_each_where(
        &self,
        filter: &StudentFilter,
        condition: &str,
        values: &[&dyn rusqlite::ToSql],
        f: impl FnMut(&Student) -> Result<()>,
    ) -> Result<()> {
        let sql = format!(
            "SELECT {COLUMNS} FROM students s JOIN schools sc ON sc.id = s.school_id
             WHERE (?1 IS NULL OR sc.name = ?1) AND {condition}
             ORDER BY sc.name, s.class_order, s.name_order, s.id_number, s.name, s.id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let school = filter.school.as_deref();
        let mut params: Vec<&dyn rusqlite::ToSql> = vec![&school];
        params.extend_from_slice(values);
        each_in_class(stmt.query(params.as_slice())?, filter, f)
    }

    /// Whether nothing was ever put in the drive: no school, no pupil, no import and no change in its history,
    /// as a drive is when it has just been made (or when the only command that wrote it failed).
    pub fn holds_nothing(&self) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT NOT EXISTS(SELECT 1 FROM schools) AND NOT EXISTS(SELECT 1 FROM students)
                AND NOT EXISTS(SELECT 1 FROM imports) AND NOT EXISTS(SELECT 1 FROM audit)
                AND NOT EXISTS(SELECT 1 FROM year_statuses)",
            [],
            |r| r.get(0),
        )?)
    }

    /// Each pupil paid by the family with a payment date: id, that date and the birth date, as stored. What
    /// judging every payment's date needs, without reading every paid pupil whole.
    pub fn family_payment_days(&self) -> Result<Vec<(i64, String, Option<String>)>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, paid_on, birth_date FROM students WHERE payment = 'paid' AND paid_on IS NOT NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    }

    pub fn student_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM students", [], |r| r.get(0))?)
    }

    /// Pupils whose students.id is in `ids`, in the order given (an id given twice, twice; one no pupil has, left
    /// out). One statement for them all: a look-up per pupil took ten times as long, and kept the screen frozen
    /// for seconds before the payment form of a selection of 50k pupils opened.
    pub fn students_by_ids(&self, ids: &[i64]) -> Result<Vec<Student>> {
        students_by_ids_in(&self.conn, ids)
    }

    /// The valid-ID pupil with this number, if any (reconcile asks once per row of an agency's list).
    pub fn student_by_id_number(&self, number: &str) -> Result<Option<Student>> {
        let id: Option<i64> = self.conn.prepare_cached(EXISTING_VALID)?.query_row([number], |r| r.get(0)).optional()?;
        match id {
            Some(id) => student(&self.conn, id),
            None => Ok(None),
        }
    }

    /// Best rank first, and pupils of one rank as the roster lists them (class, then name by pinyin), as the
    /// TUI shows them.
    fn sort_ties_in_roster_order(&self, hits: &mut Vec<(u32, i64)>) -> Result<()> {
        // A few hits are placed by their own sort keys; many, by one pass over the roster index.
        self.sort_ties_in_roster_order_by(hits, 4096)
    }

    pub(crate) fn sort_ties_in_roster_order_by(&self, hits: &mut Vec<(u32, i64)>, lookups: usize) -> Result<()> {
        if hits.len() <= lookups {
            let mut stmt =
                self.conn.prepare_cached("SELECT school_id, class_order, name_order FROM students WHERE id = ?1")?;
            let mut keyed = Vec::with_capacity(hits.len());
            for &(rank, id) in hits.iter() {
                // A pupil the keys hold but the year shown does not (added since) is no hit.
                let key: Option<(i64, String, String)> =
                    stmt.query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).optional()?;
                if let Some(key) = key {
                    keyed.push((rank, key, id));
                }
            }
            keyed.sort_unstable();
            let kept = keyed.len();
            for (hit, (rank, _, id)) in hits.iter_mut().zip(keyed) {
                *hit = (rank, id);
            }
            hits.truncate(kept);
        } else {
            let order = self.roster_order()?;
            let mut position = vec![u32::MAX; order.iter().copied().max().map_or(0, |m| m as usize + 1)];
            for (at, &id) in order.iter().enumerate() {
                position[id as usize] = at as u32;
            }
            hits.retain(|&(_, id)| position.get(id as usize).is_some_and(|&p| p != u32::MAX));
            hits.sort_unstable_by_key(|&(rank, id)| (rank, position.get(id as usize).copied().unwrap_or(u32::MAX)));
        }
        Ok(())
    }

    /// The pupils held with this number as stored: the one with it as a valid number, or else every pupil
    /// whose flagged number reads exactly so (rounded numbers of different pupils can coincide).
    pub fn students_by_stored_number(&self, number: &str) -> Result<Vec<Student>> {
        if let Some(valid) = self.student_by_id_number(number)? {
            return Ok(vec![valid]);
        }
        if number.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(BY_FLAGGED_NUMBER)?;
        let ids = stmt.query_map([number], |r| r.get(0))?.collect::<Result<Vec<i64>, _>>()?;
        self.students_by_ids(&ids)
    }

    /// The pupils of exactly this name, in the order they were added: the command line names a pupil without
    /// an ID number by name and class.
    pub fn students_named(&self, name: &str) -> Result<Vec<Student>> {
        let mut stmt = self.conn.prepare_cached("SELECT id FROM students WHERE name = ?1 ORDER BY id")?;
        let ids = stmt.query_map([name], |r| r.get(0))?.collect::<Result<Vec<i64>, _>>()?;
        self.students_by_ids(&ids)
    }

    /// The pupils of this name held with a number that failed the check (`students_bad_name`): whom a valid
    /// number nobody holds may belong to, for reconcile to name as a hint; never matched by guess.
    pub fn flagged_students_named(&self, name: &str) -> Result<Vec<Student>> {
        if name.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(FLAGGED_NAMED_IDS)?;
        let ids = stmt.query_map([name], |r| r.get(0))?.collect::<Result<Vec<i64>, _>>()?;
        self.students_by_ids(&ids)
    }

    /// One search straight off the file, for a process that searches once (`canbao find`): the keys are
    /// matched where SQLite holds them, and only the best `limit` pupils are read in full.
    /// While a closed year is shown: the class label of each pupil who was in another class that year than
    /// now, by pupil id (the year's row holds a class only where it changed since). Empty for the current year.
    pub fn year_class_labels(&self) -> Result<std::collections::HashMap<i64, String>> {
        let Some(year) = self.viewed_year else { return Ok(Default::default()) };
        let mut stmt = self.conn.prepare(
            "SELECT y.student_id, coalesce(y.grade, s.grade), coalesce(y.class, s.class)
             FROM year_statuses y JOIN main.students s ON s.id = y.student_id
             WHERE y.year = ?1 AND (y.grade IS NOT NULL OR y.class IS NOT NULL)",
        )?;
        let labels = stmt
            .query_map([year], |r| {
                let (grade, class): (String, String) = (r.get(1)?, r.get(2)?);
                Ok((r.get(0)?, crate::domain::class_label::join(&grade, &class)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(labels)
    }

    pub fn search(&self, query: &Query, limit: usize) -> Result<(usize, Vec<Student>)> {
        // On one snapshot: a statement on its own takes the log's read lock and checks the file again (two fcntl
        // and an fstat), and placing the hits looks each one up (a class's pupils, hundreds of them at 20k).
        if self.conn.is_autocommit() {
            return self.roster_snapshot(|store| store.search_in_snapshot(query, limit));
        }
        self.search_in_snapshot(query, limit)
    }

    fn search_in_snapshot(&self, query: &Query, limit: usize) -> Result<(usize, Vec<Student>)> {
        let mut hits: Vec<(u32, i64)> = Vec::new();
        // Every word must occur in a pupil's key (a class in one of its spellings), so one rules out most
        // blocks in one pass, and most keys of the blocks left before they are ranked.
        let needles: Vec<_> = query.must_occur().into_iter().map(memchr::memmem::Finder::new).collect();
        let holds = |text: &[u8]| needles.is_empty() || needles.iter().any(|f| f.find(text).is_some());
        // A closed year's pupils are found in the class they were in then, not by this year's stored key.
        let year_classes = self.year_class_labels()?;
        let mut stmt = self.conn.prepare("SELECT keys FROM search_blocks")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let block = match row.get_ref(0)? {
                ValueRef::Text(t) | ValueRef::Blob(t) => t,
                _ => &[],
            };
            if year_classes.is_empty() && !holds(block) {
                continue;
            }
            for (id, key) in search_blocks::records_bytes(block) {
                let rekeyed = year_classes
                    .get(&id)
                    .map(|label| crate::domain::search::with_class(&String::from_utf8_lossy(key), label).into_bytes());
                let key = rekeyed.as_deref().unwrap_or(key);
                if !holds(key) {
                    continue;
                }
                if let Some(rank) = query.rank_bytes(&FieldBytes::parse(key)) {
                    hits.push((rank, id));
                }
            }
        }
        self.sort_ties_in_roster_order(&mut hits)?;
        let total = hits.len();
        let ids: Vec<i64> = hits.iter().take(limit).map(|h| h.1).collect();
        Ok((total, self.students_by_ids(&ids)?))
    }
}

/// Each pupil paid by the family, with the payment's date as stored (current year), read on a merge's
/// transaction before and after it merges: a few bytes a pupil, where whole pupils of a county's drive would take
/// a hundred megabytes, for telling what a merge changed.
pub(super) fn family_payment_dates_in(conn: &Connection) -> Result<Vec<(i64, Option<String>)>> {
    let mut stmt = conn.prepare("SELECT id, paid_on FROM main.students WHERE payment = 'paid' ORDER BY id")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// [`Store::students_by_ids`] on a connection (a merge's transaction reads the pupils it brought through it).
pub(super) fn students_by_ids_in(conn: &Connection, ids: &[i64]) -> Result<Vec<Student>> {
    match ids {
        // A number nobody holds, asked for each row of a list of strangers: no statement to compile for none.
        [] => return Ok(Vec::new()),
        [id] => return Ok(student(conn, *id)?.into_iter().collect()),
        _ => {}
    }

    let mut list = String::with_capacity(ids.len() * 8 + 2);
    list.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            list.push(',');
        }
        list.push_str(&id.to_string());
    }
    list.push(']');
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM students s JOIN schools sc ON sc.id = s.school_id
         WHERE s.id IN (SELECT value FROM json_each(?1))"
    ))?;
    let mut by_id: HashMap<i64, Student> = HashMap::with_capacity(ids.len());
    for pupil in stmt.query_map([list], from_row)? {
        let pupil = pupil?;
        by_id.insert(pupil.id, pupil);
    }
    let mut out: Vec<Student> = Vec::with_capacity(by_id.len());
    let mut placed: HashMap<i64, usize> = HashMap::new();
    for id in ids {
        if let Some(pupil) = by_id.remove(id) {
            placed.insert(*id, out.len());
            out.push(pupil);
        } else if let Some(&at) = placed.get(id) {
            out.push(out[at].clone());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::iso_date;
    use chrono::NaiveDate;

    #[test]
    fn stored_dates_read_back() {
        assert_eq!(iso_date("2015-01-31"), NaiveDate::from_ymd_opt(2015, 1, 31));
        assert_eq!(iso_date("2015-02-30"), None);
        assert_eq!(iso_date("2015-1-3"), NaiveDate::from_ymd_opt(2015, 1, 3), "chrono still reads the rest");
        assert_eq!(iso_date("20a5-01-31"), None);
        assert_eq!(iso_date(""), None);
    }
}
