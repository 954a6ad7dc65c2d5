//! What the roster check doubts of a pupil that the forms must say beside the pupil too: an age no pupil of the
//! grade has (a parent's or a baby's number typed for the child), and a full subsidy the notice grants only to
//! 本市户籍 held by someone whose number says they cannot have it. Each is said in 备注 as 「…待核实」, and read back
//! from a form as canbao's words, never as the pupil's note.

use chrono::{Datelike, NaiveDate};

use super::category::CategoryTable;
use super::class_label::{ClassKey, Grade};
use super::id_number::{self, IdKind, age_on};
use super::policy::{Policy, Quote, QuoteRequest};
use super::student::Student;

/// The age, at the start of the school year (1 September), from which a number's holder is no pupil of the
/// drive: a drive is a 中小学's or 幼儿园's (DOMAIN: 在校学生; the batch template registers them as 中小学生, and 大学生
/// are no drive's pupils), whose oldest school year, 高三 (12), is usually 17 then, and the grade check lets a pupil
/// be [`OLDER_BY`] years older than usual: one older still fits no grade of any school the drive serves.
pub const ADULT_AGE: i32 = 12 + 5 + OLDER_BY + 1;

/// The oldest age a pupil of a school drive is taken to have, at the start of the school year ([`ADULT_AGE`]).
pub const OLDEST_PUPIL: i32 = ADULT_AGE - 1;

/// How far from the usual age for the grade a pupil may be before the age is doubted: two years younger (an
/// early start), four years older (a late start, years repeated).
const YOUNGER_BY: i32 = 2;
const OLDER_BY: i32 = 4;

/// A pupil's age that does not fit the grade they are in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GradeAge {
    /// The age at the start of the school year (1 September), which is what the grade follows; negative for a
    /// child born after it.
    pub age: i32,
    /// The grade as canbao writes it (七年级 for 初一, 三年级).
    pub grade: String,
    /// The usual age at the start of the school year for the grade.
    pub usual: i32,
}

/// The grade's usual age and the pupil's, when they are too far apart: a pupil of school year n (一年级 1 … 高三 12)
/// is usually n + 5 on the 1 September the school year starts. `None` for a grade that is no school year.
pub fn grade_age(grade: &str, class: &str, birth: NaiveDate, on: NaiveDate) -> Option<GradeAge> {
    year_age(school_year(grade, class)?, birth, on)
}

/// The school year (一年级 1 … 高三 12) a pupil's grade and class are in; `None` for a grade that is no school year.
pub fn school_year(grade: &str, class: &str) -> Option<u8> {
    match ClassKey::of(grade, class).grade {
        Grade::Year(n) => Some(n),
        _ => None,
    }
}

/// The 1 September the school year of `on` started.
fn school_year_start(on: NaiveDate) -> Option<NaiveDate> {
    let year_start = if on.month() >= 9 { on.year() } else { on.year() - 1 };
    NaiveDate::from_ymd_opt(year_start, 9, 1)
}

/// The age on `on` of the holder of a number born on `birth`, when they are an adult no pupil can be (at least
/// [`ADULT_AGE`] at the start of the school year): a parent's or a teacher's number, or a staff list.
pub fn adult_age(birth: NaiveDate, on: NaiveDate) -> Option<i32> {
    let start = school_year_start(on)?;
    (age_on(birth, start) >= ADULT_AGE).then(|| age_on(birth, on))
}

/// The latest birth date of an adult by [`adult_age`] on `on`: the roster's one read compares birth dates with it.
pub fn adult_born_by(on: NaiveDate) -> Option<NaiveDate> {
    let start = school_year_start(on)?;
    start.with_year(start.year() - ADULT_AGE)
}

/// A pupil's age on `on` when their valid number shows an adult (`adult_age`); an old 15-digit number's birth date
/// is the conversion's (19YY), which its own remark already doubts, and a flagged number's says nothing sure.
pub fn adult(s: &Student, on: NaiveDate) -> Option<i32> {
    let converted = s.id_kind == Some(IdKind::ResidentConverted);
    adult_age(s.birth_date.filter(|_| s.id_problem.is_none() && !converted)?, on)
}

/// What the forms say of a pupil whose number shows an adult of `age`.
pub fn adult_remark(age: i32) -> String {
    format!("身份证号码显示年龄 {age} 岁{OLD_TAIL}")
}

/// Whether the pupil was imported without a name (a formula with no saved result, an empty 姓名 beside a number):
/// no form may go out with the row as if it were a pupil's.
pub fn nameless(s: &Student) -> bool {
    s.name.trim().is_empty()
}

/// Whether the roster marks the pupil 「!」 on `on`: a number to verify, no name, or an adult's number.
pub fn flagged(s: &Student, on: NaiveDate) -> bool {
    s.id_to_verify() || nameless(s) || adult(s, on).is_some()
}

/// Whether the batch template keeps the pupil from registering as a 中小学生: no name, or an adult's number. Their
/// 证件号码 is left out as a flagged number's is, so the agency's upload refuses the row.
pub fn not_to_register(s: &Student, on: NaiveDate) -> bool {
    nameless(s) || adult(s, on).is_some()
}

/// `grade_age` of a pupil of school year `n`: the grade's label is written only for an age that does not fit.
pub fn year_age(n: u8, birth: NaiveDate, on: NaiveDate) -> Option<GradeAge> {
    let year_start = if on.month() >= 9 { on.year() } else { on.year() - 1 };
    let start = NaiveDate::from_ymd_opt(year_start, 9, 1)?;
    let age = if birth > start { -1 } else { age_on(birth, start) };
    let usual = i32::from(n) + 5;
    if (usual - YOUNGER_BY..=usual + OLDER_BY).contains(&age) {
        return None;
    }
    let label = ClassKey { grade: Grade::Year(n), class: String::new() }.canonical();
    Some(GradeAge { age, grade: label, usual })
}

/// The school year of each grade and class met (`school_year`), read once: a list writes its few dozen classes row
/// after row, and reading the label anew for every pupil was a fifth of an import's reading.
#[derive(Debug, Default)]
pub struct SchoolYears {
    /// The grade and class being asked for, each its length and bytes, so no two pairs share a key.
    key: Vec<u8>,
    known: std::collections::HashMap<Vec<u8>, Option<u8>>,
}

impl SchoolYears {
    /// More grades and classes than any list has: past them (a hostile file) the cache starts again.
    const MAX: usize = 4096;

    pub fn of(&mut self, grade: &str, class: &str) -> Option<u8> {
        self.key.clear();
        for part in [grade, class] {
            self.key.extend_from_slice(&part.len().to_le_bytes());
            self.key.extend_from_slice(part.as_bytes());
        }
        if let Some(&year) = self.known.get(self.key.as_slice()) {
            return year;
        }
        let year = school_year(grade, class);
        if self.known.len() >= Self::MAX {
            self.known.clear();
        }
        self.known.insert(self.key.clone(), year);
        year
    }
}

/// The age remark's last words, by which a form read back knows it for canbao's.
const AGE_TAIL: &str = "，身份证号码或年级待核实";
const OLD_TAIL: &str = "，不像在校学生，身份证号码待核实";
/// What the forms say of a pupil imported without a name.
pub const NAMELESS_REMARK: &str = "姓名为空，待核实";
const HUKOU_TAIL: &str = "须具有本市户籍，补助待核实";
/// A resident number from outside the city's area codes: the 户籍 is to be checked, not taken as elsewhere.
const AREA_HEAD: &str = "身份证号码地区码不属本市，户籍待核实（地区码不能证明户籍）";

/// What the forms say of the pupil's age, if the check doubts it: older than any pupil, or not of the grade's age.
pub fn age_remark(s: &Student, on: NaiveDate) -> Option<String> {
    // An old 15-digit number's birth date is the conversion's (19YY), which its own remark already doubts.
    let converted = s.id_kind == Some(super::id_number::IdKind::ResidentConverted);
    let birth = s.birth_date.filter(|_| s.id_problem.is_none() && !converted)?;
    if let Some(age) = adult_age(birth, on) {
        return Some(adult_remark(age));
    }
    let odd = grade_age(&s.grade, &s.class, birth, on)?;
    Some(format!("出生于 {birth}，不是{}学生的年龄{AGE_TAIL}", odd.grade))
}

/// A pupil whose number is a residence permit for Hong Kong, Macao or Taiwan residents or a foreigner's
/// permanent residence card (by the check, or by its shape where the check flagged it), in categories the policy
/// subsidises only for 本市户籍 (001 附件1 四): such a holder has no household registration in the city. Only the
/// categories certified for the insured year count: one carried from an earlier year (待重新认定) gives no
/// subsidy until certified again, so there is no subsidy whose condition to doubt.
struct HukouDoubt<'a> {
    /// The permit or card; `None`: a resident number from outside the city's area codes.
    kind: Option<IdKind>,
    /// The categories whose subsidy needs 本市户籍, and the clauses that say so.
    categories: Vec<&'a str>,
    clauses: Vec<&'a str>,
}

fn hukou_doubt<'a>(policy: Option<&'a Policy>, s: &'a Student, year: Option<i32>) -> Option<HukouDoubt<'a>> {
    let policy = policy?;
    let kind = match id_number::kind_of(s.id_kind, &s.id_number) {
        Some(k @ (IdKind::HkMoTwPermit | IdKind::ForeignPermanent)) => Some(k),
        // A resident number issued outside the city (001 附件1 四 具有本市户籍): evidence, not proof, of a 户籍
        // elsewhere; a flagged number says nothing sure of its area.
        Some(IdKind::Resident | IdKind::ResidentConverted)
            if s.id_problem.is_none()
                && !policy.local_area_codes.is_empty()
                && !policy.local_area_codes.iter().any(|c| s.id_number.starts_with(c.as_str())) =>
        {
            None
        }
        _ => return None,
    };
    let rules: Vec<_> = s
        .categories
        .iter()
        .filter(|c| c.certified_for(year))
        .filter_map(|c| policy.rule(&c.name))
        .filter(|rule| rule.local_hukou)
        .collect();
    let mut categories: Vec<&str> = rules.iter().map(|r| r.category.as_str()).collect();
    categories.dedup();
    let mut clauses: Vec<&str> = rules.iter().map(|r| r.clause.as_str()).filter(|c| !c.is_empty()).collect();
    clauses.dedup();
    (!categories.is_empty()).then_some(HukouDoubt { kind, categories, clauses })
}

/// What the forms say of a pupil holding a residence permit or a foreigner's card in a category the policy
/// subsidises only for 本市户籍. The subsidy is not withheld: the certifying department decides whom it
/// certified, and the drive cannot see a 户籍; it is said for the department to confirm. `year`: the insured year
/// whose certified categories count.
pub fn hukou_remark(policy: Option<&Policy>, s: &Student, year: Option<i32>) -> Option<String> {
    let doubt = hukou_doubt(policy, s, year)?;
    let holder = match doubt.kind {
        Some(IdKind::ForeignPermanent) => "外国人永久居留身份证持有人无本市户籍",
        Some(_) => "港澳台居民居住证持有人无本市户籍",
        None => AREA_HEAD,
    };
    let clause = if doubt.clauses.is_empty() { String::new() } else { format!("（{}）", doubt.clauses.join("、")) };
    Some(format!("{holder}，{}的政府补助{clause}{HUKOU_TAIL}", doubt.categories.join("、")))
}

/// What a pupil whose subsidy waits on the 本市户籍 check (`hukou_remark`) pays either way: the quote's figures
/// if the pupil holds the city's 户籍, and those without the categories that need it if not. The ID number is
/// evidence, not proof, so neither is said as the amount: both are, 待核实.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HukouPending {
    /// Fen: the family's and a department's share for a pupil of the city's 户籍 (the quote's).
    pub local_personal_fen: i64,
    pub local_department_fen: i64,
    /// Fen: the same for a pupil of another 户籍.
    pub other_personal_fen: i64,
    pub other_department_fen: i64,
}

/// [`HukouPending`] of `s`, quoted `quote` on `request`; `None` where nothing doubts the pupil's 户籍 or the
/// amounts do not depend on it.
pub fn hukou_pending(
    policy: &Policy,
    table: &CategoryTable,
    s: &Student,
    request: &QuoteRequest,
    quote: &Quote,
) -> Option<HukouPending> {
    // Every category counts here: the request holds only those certified for the year, and a doubt raised by
    // another changes no amount below.
    let doubt = hukou_doubt(Some(policy), s, None)?;
    let categories = request
        .categories
        .iter()
        .filter(|c| table.lookup(c).is_none_or(|found| !doubt.categories.contains(&found.name.as_str())))
        .cloned()
        .collect();
    let other = super::policy::quote(policy, table, &QuoteRequest { categories, ..request.clone() }).ok()?;
    (other.personal_due_fen != quote.personal_due_fen).then_some(HukouPending {
        local_personal_fen: quote.personal_due_fen,
        local_department_fen: quote.department_due_fen,
        other_personal_fen: other.personal_due_fen,
        other_department_fen: other.department_due_fen,
    })
}

/// The hukou remark in English, for the command line and the screen in English.
pub fn hukou_remark_en(policy: Option<&Policy>, s: &Student, year: Option<i32>) -> Option<String> {
    let doubt = hukou_doubt(policy, s, year)?;
    let holder = match doubt.kind {
        Some(IdKind::ForeignPermanent) => "a holder of a foreigner's permanent residence card has no",
        Some(_) => "a holder of a residence permit for Hong Kong, Macao or Taiwan residents has no",
        None => "the ID number's area code is not the city's (evidence, not proof): check the pupil's",
    };
    let clause = if doubt.clauses.is_empty() { String::new() } else { format!(" ({})", doubt.clauses.join(", ")) };
    Some(format!(
        "{holder} local household registration (本市户籍), which the policy requires for the subsidy of {}{clause}: \
         to be confirmed with the certifying department",
        doubt.categories.join(", ")
    ))
}

/// Every remark of this module for the pupil, in the order the forms write them, of insured year `year`.
pub fn remarks(policy: Option<&Policy>, s: &Student, on: NaiveDate, year: Option<i32>) -> Vec<String> {
    let name = nameless(s).then(|| NAMELESS_REMARK.to_owned());
    [name, age_remark(s, on), hukou_remark(policy, s, year)].into_iter().flatten().collect()
}

/// Whether a part of a 备注 is one this module writes.
pub fn is_flag_remark(part: &str) -> bool {
    let part = part.trim();
    part == NAMELESS_REMARK
        || (part.starts_with("出生于 ") && part.ends_with(AGE_TAIL))
        || (part.starts_with("身份证号码显示年龄 ") && part.ends_with(OLD_TAIL))
        || ((part.contains("无本市户籍") || part.starts_with(AREA_HEAD)) && part.ends_with(HUKOU_TAIL))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    /// A baby and a five-year-old in 初一 are doubted; a twelve- and a fifteen-year-old are not; 大班 is no school
    /// year and says nothing.
    #[test]
    fn an_age_is_weighed_against_the_grade() {
        let on = d(2026, 12, 4);
        assert!(grade_age("", "初一2班", d(2026, 10, 1), on).is_some_and(|g| g.age == -1 && g.grade == "七年级"));
        assert!(grade_age("", "初一（1）班", d(2021, 6, 1), on).is_some_and(|g| g.age == 5 && g.usual == 12));
        assert_eq!(grade_age("初一", "1班", d(2013, 3, 11), on), None);
        assert_eq!(grade_age("七年级", "1班", d(2010, 3, 11), on), None);
        assert!(grade_age("一年级", "1班", d(2013, 3, 11), on).is_some());
        assert_eq!(grade_age("大班", "", d(2021, 3, 11), on), None);
    }

    /// A 高三 pupil four years late (21 on 1 September) is a pupil; one a year older, or a parent, is an adult.
    #[test]
    fn an_adult_is_older_than_any_grade_allows() {
        let on = d(2026, 12, 4);
        assert_eq!(adult_age(d(2005, 9, 1), on), None);
        assert_eq!(adult_age(d(2004, 9, 1), on), Some(22));
        assert_eq!(adult_age(d(1972, 3, 1), on), Some(54));
        assert_eq!(adult_born_by(on), Some(d(2004, 9, 1)));
        assert_eq!(adult_born_by(d(2027, 3, 1)), Some(d(2004, 9, 1)), "the school year began in 2026");
    }

    #[test]
    fn the_remarks_are_known_read_back() {
        assert!(is_flag_remark("出生于 2026-10-01，不是初一学生的年龄，身份证号码或年级待核实"));
        assert!(is_flag_remark("身份证号码显示年龄 41 岁，不像在校学生，身份证号码待核实"));
        assert!(is_flag_remark(
            "港澳台居民居住证持有人无本市户籍，特困人员的政府补助（001 附件1 四(三)）须具有本市户籍，补助待核实"
        ));
        assert!(is_flag_remark(&format!("{AREA_HEAD}，特困人员的政府补助（001 附件1 四(三)）{HUKOU_TAIL}")));
        assert!(!is_flag_remark("出生于农村") && !is_flag_remark("左撇子"));
    }
}
