//! Counts for `canbao stats` and the dashboard.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Result, Store, StudentFilter};
use crate::domain::category::CategoryTable;
use crate::domain::coverage::Standing;
use crate::domain::policy::{Ledger, Policy, roster_ledger};
use crate::domain::student::{Enrollment, PaymentStatus};

/// One class's counts; each count is defined once, in `domain::coverage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassStats {
    /// The school the class belongs to: two schools may each have a 三年级2班.
    pub school: String,
    pub class: String,
    pub students: i64,
    /// 应参保: still at school and not declined (or insured anyway).
    pub expected: i64,
    /// 已参保: paid by the family or a department, or insured elsewhere.
    pub enrolled: i64,
    /// Paid by the family or by a department.
    pub paid: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// The insured year counted (`None`: a file from before years, read without bringing it forward).
    pub year: Option<i32>,
    /// Pupils whose categories were certified for an earlier year (待重新认定): a new year asks again.
    pub categories_to_recertify: i64,
    /// Pupils of this year's classes: the pupils below are counted among them.
    pub students: i64,
    /// Pupils the drive keeps who left before the year began (已毕业, 已离校 in an earlier year): in no class
    /// and in none of the counts.
    pub former: i64,
    pub id_invalid: i64,
    /// 应参保 and 已参保, as the dashboard and the forms count them.
    pub expected: i64,
    pub insured: i64,
    /// 参保状态 counts, a paid pupil nobody asked counted as 在校参保.
    pub enrollment: BTreeMap<String, i64>,
    /// 缴费状态 counts (the status recorded, not the ledgers).
    pub payment: BTreeMap<String, i64>,
    /// The four ledgers (四本台账) under the drive's policy; declined and left pupils are in none.
    pub ledgers: BTreeMap<String, i64>,
    pub classes: Vec<ClassStats>,
    /// The drive day by day, from the audit log (the working group reports progress every day).
    pub days: Vec<DayProgress>,
}

/// One day of the drive: how many pupils were marked enrolled (在校参保 or 异地参保) and how many paid (the
/// family or a department), by anyone, that day in the operator's zone. Undone marks are not counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayProgress {
    pub date: chrono::NaiveDate,
    pub enrolled: i64,
    pub paid: i64,
}

impl Store {
    /// The drive day by day (see [`DayProgress`]), oldest first.
    ///
    /// Counts the changes still standing: the log is replayed in the order it was written, per pupil and
    /// field, and an undo takes back the change it reverted (the latest one standing, as the undo stack is
    /// last in, first out), so a bulk mark undone a minute later is in no day. A redo is a change of its own.
    pub fn daily_progress(&self) -> Result<Vec<DayProgress>> {
        use std::collections::{BTreeMap, HashMap, HashSet};
        let offset = self.display_offset();
        // Every value of the two fields, not only the counted ones: an undo of a mark to 未参保 must take that
        // mark back, not the 在校参保 under it.
        let mut stmt = self.conn.prepare(
            "SELECT at, student_id, field, action, new FROM audit
             WHERE student_id IS NOT NULL AND field IN ('payment', 'enrollment')
               AND (?1 IS NULL OR coalesce(year, ?2) = ?1)
             ORDER BY id",
        )?;
        // Only the year shown: last year's marks are not this year's progress.
        let year = if self.current_year.is_some() { self.shown_year() } else { None };
        let first = if year.is_some() { self.first_year()? } else { None };
        // Per pupil and field (payment or not): each change still standing, its day and whether it counts.
        type Changes = Vec<(Option<chrono::NaiveDate>, bool)>;
        let mut standing: HashMap<(i64, bool), Changes> = HashMap::new();
        let mut rows = stmt.query(rusqlite::params![year, first])?;
        while let Some(row) = rows.next()? {
            let at: String = row.get(0)?;
            let id: i64 = row.get(1)?;
            let field: String = row.get(2)?;
            let action: String = row.get(3)?;
            let new: Option<String> = row.get(4)?;
            let is_payment = field == "payment";
            let changes = standing.entry((id, is_payment)).or_default();
            if action == "undo" {
                changes.pop();
                continue;
            }
            // A change whose instant cannot be read is in no day, but it still stands for the undo after it.
            let day = super::instant::parse(&at).map(|i| i.with_timezone(&offset).date_naive());
            let counted = match new.as_deref() {
                Some("paid" | "government") => is_payment,
                Some("here" | "elsewhere") => !is_payment,
                _ => false,
            };
            changes.push((day, counted));
        }
        let mut days: BTreeMap<chrono::NaiveDate, (HashSet<i64>, HashSet<i64>)> = BTreeMap::new();
        for ((id, is_payment), changes) in standing {
            for day in changes.into_iter().filter_map(|(day, counted)| day.filter(|_| counted)) {
                let (enrolled, paid) = days.entry(day).or_default();
                if is_payment {
                    paid.insert(id);
                } else {
                    enrolled.insert(id);
                }
            }
        }
        Ok(days
            .into_iter()
            .map(|(date, (e, p))| DayProgress { date, enrolled: e.len() as i64, paid: p.len() as i64 })
            .collect())
    }

    /// Counts for one school (or all), with the ledgers under `policy` (without one: by the statuses alone).
    pub fn stats(&self, school: Option<&str>, policy: Option<&Policy>) -> Result<Stats> {
        let mut stats = Stats {
            year: self.shown_year(),
            categories_to_recertify: if self.current_year.is_some() { self.categories_to_recertify()? } else { 0 },
            students: 0,
            former: 0,
            id_invalid: 0,
            expected: 0,
            insured: 0,
            enrollment: Enrollment::ALL.iter().map(|e| (e.code().to_owned(), 0)).collect(),
            payment: PaymentStatus::ALL.iter().map(|p| (p.code().to_owned(), 0)).collect(),
            ledgers: Ledger::ALL.iter().map(|l| (l.code().to_owned(), 0)).collect(),
            classes: Vec::new(),
            days: self.daily_progress()?,
        };
        let mut classes: Vec<ClassStats> = Vec::new();
        // A class held under two spellings is counted once, under the first; its pupils need not be contiguous
        // then, so each class is found by its school and label.
        let mut spelling = crate::domain::class_label::OneSpelling::default();
        let mut index: std::collections::HashMap<(String, String), usize> = std::collections::HashMap::new();
        let filter = StudentFilter { school: school.map(str::to_owned), class: None };
        self.for_each_student(&filter, |s| {
            if super::year::is_former_pupil(&s.grade) {
                stats.former += 1;
                return Ok(());
            }
            let standing = Standing::new(s.enrollment, s.payment);
            stats.students += 1;
            stats.id_invalid += i64::from(!s.id_valid());
            stats.expected += i64::from(standing.is_expected());
            stats.insured += i64::from(standing.is_insured());
            *stats.enrollment.entry(standing.enrollment().code().to_owned()).or_default() += 1;
            let categories: Vec<String> = s.categories.iter().map(|c| c.name.clone()).collect();
            if let Some(l) = roster_ledger(policy, CategoryTable::builtin(), s.enrollment, s.payment, &categories) {
                *stats.ledgers.entry(l.code().to_owned()).or_default() += 1;
            }
            *stats.payment.entry(s.payment.code().to_owned()).or_default() += 1;
            let label = spelling.label(&s.school, &s.grade, &s.class);
            // Rows arrive in roster order, so a class's pupils are mostly contiguous.
            let at = match classes.last() {
                Some(c) if c.class == label && c.school == s.school => classes.len() - 1,
                _ => *index.entry((s.school.clone(), label.to_owned())).or_insert_with(|| {
                    let (school, class) = (s.school.clone(), label.to_owned());
                    classes.push(ClassStats { school, class, students: 0, expected: 0, enrolled: 0, paid: 0 });
                    classes.len() - 1
                }),
            };
            if let Some(c) = classes.get_mut(at) {
                c.students += 1;
                c.expected += i64::from(standing.is_expected());
                c.enrolled += i64::from(standing.is_insured());
                c.paid += i64::from(s.payment.is_settled());
            }
            Ok(())
        })?;
        stats.classes = classes;
        Ok(stats)
    }
}
