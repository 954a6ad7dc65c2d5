//! `canbao rollup`: the county's counts per school (per class within one school), counted in the database by
//! conditions built from `domain::coverage`, so 已参保 means here what it means on every laptop.

use serde::Serialize;

use super::{CountyError, schema};
use crate::domain::coverage::Standing;
use crate::domain::student::{Enrollment, PaymentStatus};

/// The (enrollment, payment) pairs for which `keep` holds, as an SQL condition on `st`.
fn standing_sql(keep: impl Fn(Standing) -> bool) -> String {
    let pairs: Vec<String> = Enrollment::ALL
        .iter()
        .flat_map(|&e| PaymentStatus::ALL.iter().map(move |&p| (e, p)))
        .filter(|&(e, p)| keep(Standing::new(e, p)))
        .map(|(e, p)| format!("('{}', '{}')", e.code(), p.code()))
        .collect();
    if pairs.is_empty() { "false".into() } else { format!("(st.enrollment, st.payment) IN ({})", pairs.join(", ")) }
}

/// One line of the roll-up: a school, or a class of one school.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub students: i64,
    /// 应参保: still at school and not declined, or insured anyway; not those `due_away`, as the drive's `stats`
    /// counts it (`Standing::is_expected_here`).
    pub expected: i64,
    /// 已参保: paid by the family or a department, or insured elsewhere.
    pub enrolled: i64,
    /// Paid by the family.
    pub paid: i64,
    /// Of `paid`, the payments short of the amount due (部分缴费, as the drive's `stats` finds them), and of
    /// `government` those paying only the department's share while the family's is unpaid: still to collect,
    /// insuring nobody, so neither 已参保 nor (for a pupil who left) 应参保.
    pub part_paid: i64,
    /// Of `paid`, the payments of the whole amount due (or of one the drive judged none short of): the 家庭缴费 the
    /// roll-up, the dashboard and the county's summary show. A part payment (`part_paid`) is no 家庭缴费 there: the
    /// premium is paid once the year's whole share is (DOMAIN: insured once the premium is paid; the notices have
    /// the full personal share paid, 003 二), so it is still to collect, in the 未缴费 ledger (README) and in no
    /// class's 家庭缴费 of a school's own summary and `stats`; said apart as 部分缴费. `paid` stays the payment
    /// status as recorded, as `stats`' 缴费状态 counts it.
    pub paid_in_full: i64,
    /// Paid by a department (财政代缴).
    pub government: i64,
    pub declined: i64,
    pub elsewhere: i64,
    pub left: i64,
    /// Pupils in at least one special group (特殊群体) certified for the year: a category carried from an earlier
    /// year (待重新认定) is none of the year's until certified again, as the drive's `stats` weighs it.
    pub special: i64,
    /// Pupils whose ID number failed the check.
    pub id_invalid: i64,
    /// Pupils the drive's policy sends to enroll away from school (待遇审批地, with the family) whom nobody has
    /// registered here or found insured (`Standing::is_due_away`): not in `expected`, as `stats` counts them.
    pub due_away: i64,
}

impl Counts {
    /// 参保率 in per mille, as the dashboard shows it.
    pub fn coverage_permille(&self) -> u32 {
        crate::domain::coverage::permille(self.enrolled as usize, self.expected as usize)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchoolLine {
    pub school: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassLine {
    pub school: String,
    pub class: String,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryLine {
    pub category: String,
    pub students: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rollup {
    /// The insured year counted (None: nothing pushed yet): as asked, else the one most pupils are collected for.
    pub year: Option<i32>,
    /// Every insured year the database holds statuses for.
    pub years: Vec<i32>,
    /// Over every school, or over the one school asked for.
    #[serde(flatten)]
    pub totals: Counts,
    /// Pupils the drives keep who had left before the year began (已毕业, 已离校 in an earlier year), of the
    /// school asked for or of every school: in none of the figures, as a drive's `stats` leaves them out.
    pub former: i64,
    pub schools: Vec<SchoolLine>,
    /// With a school asked for: its classes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classes: Option<Vec<ClassLine>>,
    /// 参保状态 as the forms count it (a paid pupil nobody asked is 在校参保), over the same pupils as `totals`.
    pub enrollment: std::collections::BTreeMap<String, i64>,
    /// Each special group and its pupils, certified for the year (as `special`).
    pub categories: Vec<CategoryLine>,
    /// Pupils not left with a category certified for an earlier year than the one counted and not certified
    /// again (待重新认定), each category by its own year, as the drive's `stats` counts them
    /// (`store::awaits_recertification`): in `special` only by the categories certified for the year, if any.
    pub categories_to_recertify: i64,
    /// Drives pushed, newest first: (file, when, pushes).
    pub drives: Vec<DriveLine>,
    /// Pupils a push found in two schools' drives that share no history (`push::OtherSchoolPupil`), of the
    /// school asked for (either of the two) or of every school: the school that counts them is the newer
    /// change's, so the other's figures here differ from its own drive by them.
    pub other_school_pupils: i64,
    /// Schools in none of the year's figures, in another year (see [`OtherYearSchool`]).
    pub schools_in_other_years: Vec<OtherYearSchool>,
}

/// A school none of whose pupils has a status in the year counted: a drive still in an earlier year (or one that
/// started a later one early while the rest stay behind), which the year's figures leave out whole. Named beside
/// them, with the latest year it holds, so the county does not read the year's picture as every school's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OtherYearSchool {
    pub school: String,
    pub year: i32,
    pub students: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DriveLine {
    pub drive: String,
    pub pushed_at: String,
    pub pushes: i32,
}

/// A family's payment the drive found short of the amount due (`Store::part_payments`: 300 of 380), or a 财政代缴
/// that pays only the department's share while the family's is unpaid (低保: 95 of 380 still owed, pushed with the
/// family's share as the amount due and no amount paid), as an SQL condition on `st` that is never NULL. A county
/// before schema 8, or a status pushed before it, knows none.
fn part_paid_sql(version: i64) -> &'static str {
    if version >= schema::PART_PAID_VERSION {
        "(st.payment IN ('paid', 'government') AND st.enrollment <> 'elsewhere' AND st.amount_due_fen IS NOT NULL
          AND COALESCE(st.paid_amount_fen, 0) < st.amount_due_fen)"
    } else {
        "false"
    }
}

/// Whether the drive's policy sends the pupil to enroll away from school (`Store::sent_away_pupils`, pushed with
/// the status), as an SQL condition on `st` that is never NULL. A county before schema 9, or a status pushed
/// before it, knows of none.
fn sent_away_sql(version: i64) -> &'static str {
    if version >= schema::SENT_AWAY_VERSION { "COALESCE(st.sent_away, false)" } else { "false" }
}

/// An SQL condition on `st`: `keep` of the pupil's standing and whether the family's payment is short of the
/// amount due, as the drive's `stats` reads the two together (`Standing::is_insured_paying`).
fn paying_sql(version: i64, keep: impl Fn(Standing, bool) -> bool) -> String {
    let short = part_paid_sql(version);
    format!(
        "(({short} AND {}) OR (NOT {short} AND {}))",
        standing_sql(|s| keep(s, true)),
        standing_sql(|s| keep(s, false))
    )
}

/// As [`paying_sql`], `keep` also reading whether the policy sends the pupil away from school, as the drive's
/// `stats` reads the three together (`Standing::is_expected_here`).
fn judged_sql(version: i64, keep: impl Fn(Standing, bool, bool) -> bool) -> String {
    let away = sent_away_sql(version);
    format!(
        "(({away} AND {}) OR (NOT {away} AND {}))",
        paying_sql(version, |s, short| keep(s, short, true)),
        paying_sql(version, |s, short| keep(s, short, false))
    )
}

/// The pupil's categories in the year counted (a jsonb list) and the insured year that set was certified for
/// (each mark's own year, where it has one, is later), as SQL on `p` and `st`: a closed year's as its status
/// keeps them, else (unchanged since, the current year, or a county before schema 10) the pupil's own, as the
/// drive's `Store::view_year` reads them. A NULL year is the drive's first year (see schema 10): the pupil's
/// earliest insured year the county holds.
fn year_categories_sql(version: i64) -> (String, String) {
    let earliest = "(SELECT min(f.year) FROM canbao.statuses f WHERE f.pupil_id = p.id)";
    if version >= schema::YEAR_CATEGORIES_VERSION {
        (
            "COALESCE(st.categories, p.categories)".to_owned(),
            format!(
                "COALESCE(CASE WHEN st.categories IS NULL THEN p.categories_year ELSE st.categories_year END, \
                 {earliest})"
            ),
        )
    } else {
        ("p.categories".to_owned(), format!("COALESCE(p.categories_year, {earliest})"))
    }
}

/// An SQL condition on a mark `m` of the list [`year_categories_sql`] gives: it counts in the year `st.year`,
/// certified for it or a later one (`CategoryMark::certified_for`), by its own year or else the set's.
fn certified_sql(version: i64, m: &str) -> String {
    format!("({m}->>'name' IS NOT NULL AND {} >= st.year)", mark_year_sql(version, m))
}

/// The insured year a mark `m` of the list [`year_categories_sql`] gives was certified for: its own, else the
/// set's, as the drive reads it (`store::fields::with_years`).
fn mark_year_sql(version: i64, m: &str) -> String {
    let (_, set_year) = year_categories_sql(version);
    format!("COALESCE(CASE WHEN jsonb_typeof({m}->'year') = 'number' THEN ({m}->>'year')::int END, {set_year})")
}

/// An SQL condition on `p` and `st`: the pupil has a category certified for the year counted (特殊群体).
fn special_sql(version: i64) -> String {
    let (categories, _) = year_categories_sql(version);
    format!(
        "(jsonb_array_length({categories}) > 0
          AND EXISTS (SELECT 1 FROM jsonb_array_elements({categories}) m WHERE {}))",
        certified_sql(version, "m")
    )
}

/// An SQL condition on `p` and `st`: the pupil, not left, has a category certified for an earlier year than the
/// one counted and not certified again (待重新认定), each category weighed by its own year, as the drive's
/// `store::awaits_recertification` weighs it: the set's year alone says nothing of a mark that keeps its own.
fn to_recertify_sql(version: i64) -> String {
    let (categories, _) = year_categories_sql(version);
    format!(
        "(st.enrollment <> 'left' AND jsonb_array_length({categories}) > 0
          AND EXISTS (SELECT 1 FROM jsonb_array_elements({categories}) m
                      WHERE m->>'name' IS NOT NULL AND {} < st.year))",
        mark_year_sql(version, "m")
    )
}

fn count_columns(version: i64) -> String {
    format!(
        "count(*), count(*) FILTER (WHERE {expected}), count(*) FILTER (WHERE {insured}),
         count(*) FILTER (WHERE st.payment = 'paid'), count(*) FILTER (WHERE {part_paid} AND st.enrollment <> 'left'),
         count(*) FILTER (WHERE st.payment = 'government'),
         count(*) FILTER (WHERE st.enrollment = 'declined'), count(*) FILTER (WHERE st.enrollment = 'elsewhere'),
         count(*) FILTER (WHERE st.enrollment = 'left'), count(*) FILTER (WHERE {special}),
         count(*) FILTER (WHERE NOT p.id_valid), count(*) FILTER (WHERE {due_away}),
         count(*) FILTER (WHERE st.payment = 'paid' AND NOT ({part_paid} AND st.enrollment <> 'left'))",
        expected = judged_sql(version, Standing::is_expected_here),
        due_away = judged_sql(version, Standing::is_due_away),
        insured = paying_sql(version, Standing::is_insured_paying),
        part_paid = part_paid_sql(version),
        special = special_sql(version),
    )
}

fn counts(row: &postgres::Row, from: usize) -> Counts {
    Counts {
        students: row.get(from),
        expected: row.get(from + 1),
        enrolled: row.get(from + 2),
        paid: row.get(from + 3),
        part_paid: row.get(from + 4),
        government: row.get(from + 5),
        declined: row.get(from + 6),
        elsewhere: row.get(from + 7),
        left: row.get(from + 8),
        special: row.get(from + 9),
        id_invalid: row.get(from + 10),
        due_away: row.get(from + 11),
        paid_in_full: row.get(from + 12),
    }
}

/// A pupil's class column in the year counted: a closed year's as its status keeps it, else (unchanged since,
/// the current year, or a database whose pushes have not yet brought it to schema 4) the pupil's own.
fn year_class(version: i64, column: &str) -> String {
    if version >= schema::YEAR_CLASS_VERSION {
        format!("COALESCE(st.{column}, p.{column})")
    } else {
        format!("p.{column}")
    }
}

/// The insured year most pupils are being collected for: each pupil's latest year, the commonest (the later on
/// a tie). One working group that starts next year early must not empty the county's picture of this one.
fn collected_year(tx: &mut postgres::Transaction) -> Result<Option<i32>, CountyError> {
    let row = tx
        .query_opt(
            "SELECT y FROM (SELECT max(year) AS y FROM canbao.statuses GROUP BY pupil_id) latest
             GROUP BY y ORDER BY count(*) DESC, y DESC LIMIT 1",
            &[],
        )
        .map_err(CountyError::server)?;
    Ok(row.map(|r| r.get(0)))
}

const FROM: &str = "FROM canbao.pupils p JOIN canbao.statuses st ON st.pupil_id = p.id AND st.year = $1
                    JOIN canbao.schools sc ON sc.id = p.school_id";

/// An SQL condition on `p` and `st`: the pupil had left the school before year `st.year` began (a graduate, or
/// marked 已离校 in an earlier year: `store::is_former_pupil`), so they are in none of its classes or counts, as
/// the drive's own `stats` and forms leave them out. The grade tells, as on the drive: the one that year's
/// status keeps, else the pupil's own. A county from before schema 4 keeps no closed year's grade: a pupil whose
/// grade now is a former pupil's is left out of their latest year only, so a closed year (when they were still
/// at school, or cannot be told apart) keeps every pupil it had.
fn former_sql(version: i64) -> String {
    let grades = format!("('{}', '{}')", crate::store::GRADUATES_GRADE, crate::store::LEFT_GRADE);
    if version >= schema::YEAR_CLASS_VERSION {
        format!("{} IN {grades}", year_class(version, "grade"))
    } else {
        format!(
            "p.grade IN {grades} AND NOT EXISTS (SELECT 1 FROM canbao.statuses later
                                                 WHERE later.pupil_id = p.id AND later.year > st.year)"
        )
    }
}

/// The roll-up for `year` (default: the latest year pushed), per school, and per class of `school`.
pub fn rollup(client: &mut postgres::Client, year: Option<i32>, school: Option<&str>) -> Result<Rollup, CountyError> {
    let version = schema::check_readable(client)?;
    let server = CountyError::server;
    // One snapshot: a push landing halfway through does not make the totals disagree with the lines.
    let mut tx = client
        .build_transaction()
        .read_only(true)
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .start()
        .map_err(server)?;
    let years: Vec<i32> = tx
        .query("SELECT DISTINCT year FROM canbao.statuses ORDER BY year", &[])
        .map_err(server)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let year = match year {
        Some(y) if !years.is_empty() && !years.contains(&y) => return Err(CountyError::NoYear { year: y, years }),
        Some(y) => Some(y),
        None => collected_year(&mut tx)?,
    };
    let y = year.unwrap_or(0);
    if let Some(name) = school {
        let known: bool = tx
            .query_one("SELECT EXISTS (SELECT 1 FROM canbao.schools WHERE name = $1)", &[&name])
            .map_err(server)?
            .get(0);
        if !known {
            return Err(CountyError::NoSchool(name.to_owned()));
        }
    }
    // With a school asked for, its own totals: a school's sheet must not carry the county's.
    const ONE: &str = "($2::text IS NULL OR sc.name = $2)";
    // Every count is of the year's pupils at school; the former ones are only counted, as `stats` counts them.
    let former = former_sql(version);
    let at_school = format!("NOT ({former})");
    let totals = tx
        .query_one(&format!("SELECT {} {FROM} WHERE {ONE} AND {at_school}", count_columns(version)), &[&y, &school])
        .map_err(server)?;
    let totals = counts(&totals, 0);
    let shown: Vec<String> = Enrollment::ALL
        .iter()
        .map(|&e| format!("count(*) FILTER (WHERE {} AND {at_school})", standing_sql(|s| s.enrollment() == e)))
        .chain(std::iter::once(format!("count(*) FILTER (WHERE {former})")))
        .chain(std::iter::once(format!("count(*) FILTER (WHERE {} AND {at_school})", to_recertify_sql(version))))
        .collect();
    let row =
        tx.query_one(&format!("SELECT {} {FROM} WHERE {ONE}", shown.join(", ")), &[&y, &school]).map_err(server)?;
    let enrollment =
        Enrollment::ALL.iter().enumerate().map(|(i, e)| (e.code().to_owned(), row.get::<_, i64>(i))).collect();
    let former_pupils: i64 = row.get(Enrollment::ALL.len());
    let categories_to_recertify: i64 = row.get(Enrollment::ALL.len() + 1);
    let schools = tx
        .query(
            &format!(
                "SELECT sc.name, {} {FROM} WHERE {at_school} GROUP BY sc.name ORDER BY sc.name",
                count_columns(version)
            ),
            &[&y],
        )
        .map_err(server)?
        .iter()
        .map(|r| SchoolLine { school: r.get(0), counts: counts(r, 1) })
        .collect();
    let classes = match school {
        None => None,
        Some(name) => Some(
            tx.query(
                &format!(
                    "SELECT {grade}, {class}, {counts} {FROM} WHERE sc.name = $2 AND {at_school}
                     GROUP BY 1, 2 ORDER BY min({order}), 1, 2",
                    grade = year_class(version, "grade"),
                    class = year_class(version, "class"),
                    order = year_class(version, "class_order"),
                    counts = count_columns(version)
                ),
                &[&y, &name],
            )
            .map_err(server)?
            .iter()
            .map(|r| {
                let (grade, class): (String, String) = (r.get(0), r.get(1));
                ClassLine {
                    school: name.to_owned(),
                    class: crate::domain::class_label::join(&grade, &class),
                    counts: counts(r, 2),
                }
            })
            .collect(),
        ),
    };
    let (year_categories, _) = year_categories_sql(version);
    let categories = tx
        .query(
            &format!(
                "SELECT c->>'name', count(DISTINCT p.id) {FROM}, jsonb_array_elements({year_categories}) c
                 WHERE {ONE} AND {at_school} AND {certified}
                 GROUP BY 1 ORDER BY 2 DESC, 1",
                certified = certified_sql(version, "c"),
            ),
            &[&y, &school],
        )
        .map_err(server)?
        .iter()
        .map(|r| CategoryLine { category: r.get(0), students: r.get(1) })
        .collect();
    let drives = tx
        .query(
            "SELECT name, to_char(pushed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), pushes
             FROM canbao.drives ORDER BY pushed_at DESC, name",
            &[],
        )
        .map_err(server)?
        .iter()
        .map(|r| DriveLine { drive: r.get(0), pushed_at: r.get(1), pushes: r.get(2) })
        .collect();
    let other_school_pupils = if version >= schema::OTHER_SCHOOL_VERSION {
        tx.query_one(
            "SELECT count(DISTINCT o.pupil_id) FROM canbao.other_school_pupils o
             JOIN canbao.pupils p ON p.id = o.pupil_id
             -- A record whose drive's restore took the pupil back (`push::rewind_removed`) names one school.
             WHERE o.county_school_id <> o.drive_school_id
               AND ($1::text IS NULL
                OR (SELECT id FROM canbao.schools WHERE name = $1) IN (p.school_id, o.county_school_id, o.drive_school_id))",
            &[&school],
        )
        .map_err(server)?
        .get(0)
    } else {
        0
    };
    // A school none of whose pupils is in the year: its latest year and its pupils (the dashboard asks every few
    // seconds).
    let schools_in_other_years = tx
        .query(OTHER_YEAR_SCHOOLS, &[&y, &school])
        .map_err(server)?
        .iter()
        .map(|r| OtherYearSchool { school: r.get(0), year: r.get(1), students: r.get(2) })
        .collect();
    tx.commit().map_err(server)?;
    Ok(Rollup {
        year,
        years,
        totals,
        former: former_pupils,
        schools,
        classes,
        enrollment,
        categories,
        categories_to_recertify,
        drives,
        other_school_pupils,
        schools_in_other_years,
    })
}

/// The schools none of whose pupils is in the year `$1` (`$2`: one school, or NULL for all), with their latest
/// year and their pupils. Public so that a test can read its plan: the dashboard asks every few seconds.
/// Each school is first asked for one pupil with a status of the year, through `pupils_school` and the
/// statuses' key, and stops at the first (the LIMIT keeps it a probe per school, not a join of every pupil with
/// every year's statuses); only the few schools with none are read whole.
pub const OTHER_YEAR_SCHOOLS: &str = "WITH o AS MATERIALIZED (
                SELECT sc.id, sc.name FROM canbao.schools sc
                LEFT JOIN LATERAL (
                    SELECT 1 AS found FROM canbao.pupils p
                    WHERE p.school_id = sc.id
                      AND (SELECT true FROM canbao.statuses st WHERE st.pupil_id = p.id AND st.year = $1)
                    LIMIT 1
                ) f ON true
                WHERE ($2::text IS NULL OR sc.name = $2) AND f.found IS NULL
             )
             SELECT o.name, max(st.year), count(DISTINCT p.id)
             FROM o JOIN canbao.pupils p ON p.school_id = o.id JOIN canbao.statuses st ON st.pupil_id = p.id
             GROUP BY o.name ORDER BY o.name";

/// The roll-up as the dashboard shows it: a database nothing has been pushed to yet (no schema) is a county with
/// no pupils and no drives, so the screen opens on it and shows the first push when it arrives.
pub fn for_dashboard(client: &mut postgres::Client, year: Option<i32>) -> Result<Rollup, CountyError> {
    match rollup(client, year, None) {
        Err(CountyError::Empty) => Ok(Rollup::nothing_yet(year)),
        other => other,
    }
}

impl Rollup {
    /// A county nothing has been pushed to.
    pub fn nothing_yet(year: Option<i32>) -> Rollup {
        Rollup {
            year,
            years: Vec::new(),
            totals: Counts::default(),
            former: 0,
            schools: Vec::new(),
            classes: None,
            enrollment: Enrollment::ALL.iter().map(|e| (e.code().to_owned(), 0)).collect(),
            categories: Vec::new(),
            categories_to_recertify: 0,
            drives: Vec::new(),
            other_school_pupils: 0,
            schools_in_other_years: Vec::new(),
        }
    }
}

/// Every school the database holds, by name.
pub fn school_names(client: &mut postgres::Client) -> Result<Vec<String>, CountyError> {
    let rows = client.query("SELECT name FROM canbao.schools ORDER BY name", &[]).map_err(CountyError::server)?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_conditions_list_every_pair_the_definitions_accept() {
        let insured = standing_sql(Standing::is_insured);
        // Paid by anyone, with any enrollment, and elsewhere with any payment: 5 + 5 + 3 - 2 counted twice.
        assert_eq!(insured.matches("), (").count() + 1, 11, "{insured}");
        assert!(insured.contains("('elsewhere', 'unpaid')") && !insured.contains("('here', 'unpaid')"));
        let expected = standing_sql(Standing::is_expected);
        assert!(!expected.contains("('declined', 'unpaid')") && expected.contains("('left', 'paid')"));
    }
}
