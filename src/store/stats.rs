//! Counts for `canbao stats` and the dashboard.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{Result, Store, StudentFilter};
use crate::domain::category::CategoryTable;
use crate::domain::coverage::Standing;
use crate::domain::policy::{Ledger, Policy, pupil_ledger};
use crate::domain::student::{Enrollment, PaymentStatus};

/// One class's counts; each count is defined once, in `domain::coverage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassStats {
    /// The school the class belongs to: two schools may each have a 三年级2班.
    pub school: String,
    pub class: String,
    pub students: i64,
    /// 应参保: still at school and not declined (or insured anyway), and not due away from school (`Stats::due_away`).
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
    /// Pupils with a category carried from an earlier year and not certified again (待重新认定), as
    /// `store::awaits_recertification` finds them: a new year asks again.
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
    /// Pupils the policy sends to enroll away from school (待遇审批地, with the family) whom nobody has registered
    /// here or found insured (`Standing::is_due_away`): left out of `expected`, as the school asks nothing of them.
    pub due_away: i64,
    /// 参保状态 counts, a paid pupil nobody asked counted as 在校参保.
    pub enrollment: BTreeMap<String, i64>,
    /// 缴费状态 counts (the status recorded, not the ledgers).
    pub payment: BTreeMap<String, i64>,
    /// Of the family payments recorded (已缴费), those short of the amount due (部分缴费): still to collect, in no
    /// class's 已缴费.
    pub part_paid: i64,
    /// The four ledgers (四本台账) under the drive's policy; declined pupils and those who left without paying in
    /// full are in none, a pupil who paid in full and then left stays in the paid one (insured for the year).
    pub ledgers: BTreeMap<String, i64>,
    /// Of the 财政代缴 ledger, the pupils there by a certified full-subsidy category alone, whose department's
    /// payment nobody recorded (the ledger's 备注 says 已认定类别，未登记代缴): not insured yet.
    pub government_unrecorded: i64,
    pub classes: Vec<ClassStats>,
    /// The drive day by day, from the audit log (the working group reports progress every day).
    pub days: Vec<DayProgress>,
}

/// One day of the drive, in the operator's zone: the pupils that day's changes, by anyone, left registered (在校参保
/// or 异地参保) or paid (by the family or a department) who were not so when the day began, and how many stood so
/// at its end. A change undone or cleared the same day is in no day's figures; one cleared on a later day comes
/// off that day's totals, and the last day's totals are the drive's own counts (a pupil brought in already
/// registered or paid, with no change of the log setting it, stands in every day's totals).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayProgress {
    pub date: chrono::NaiveDate,
    pub enrolled: i64,
    pub paid: i64,
    /// Running totals at the end of the day (they fall when a mark is cleared).
    pub enrolled_total: i64,
    pub paid_total: i64,
}

/// One change of a pupil's enrollment or payment, as the log holds it.
struct StatusChange {
    /// The instant (`None`: a text that is not one, which stands but is in no day).
    at: Option<chrono::DateTime<chrono::Utc>>,
    origin: String,
    row: i64,
    is_payment: bool,
    old: Option<String>,
    new: Option<String>,
    /// A change a merge let lose (see `lost_to_a_merge`): it stands in no day, as the drive never held it.
    lost: bool,
}

/// A merge's word that one of a pupil's statuses gave up value `lost` for `kept`: a row it wrote to set `kept`
/// over this laptop's value, or its record of the other laptop's value that lost (`KEY:conflict_lost`), whose
/// change it copied in just after.
struct Loss {
    row: i64,
    recorded: bool,
    is_payment: bool,
    lost: Option<String>,
    kept: Option<String>,
}

/// Marks the changes a merge let lose though the order of instants would make them the pupil's newest: a
/// 不参保 made on one laptop after the other took a payment, which the merge does not apply (a payment outranks
/// it). Replayed, it would leave the pupil declined where the drive holds them registered. A change that lost
/// to a newer one needs no marking: the newer one comes after it anyway.
fn lost_to_a_merge(changes: &mut [StatusChange], losses: &[Loss], copied: &super::merge::CopiedRows) {
    let lost: Vec<bool> = changes
        .iter()
        .map(|c| {
            losses.iter().any(|l| {
                let written_after = if l.recorded {
                    copied.run_of(c.row).is_some_and(|run| copied.run_after(l.row) == Some(run))
                } else {
                    c.row < l.row
                };
                l.is_payment == c.is_payment
                    && l.lost == c.new
                    && l.kept != c.new
                    && written_after
                    && !changes.iter().any(|k| k.is_payment == c.is_payment && k.new == l.kept && k.order(c).is_gt())
            })
        })
        .collect();
    for (change, lost) in changes.iter_mut().zip(lost) {
        change.lost = lost;
    }
}

impl StatusChange {
    /// The order two laptops holding the same changes both read them in: by instant, then by the session that
    /// made them, and a session's own changes in the order it wrote them (a merge copies them in that order).
    fn order(&self, other: &StatusChange) -> std::cmp::Ordering {
        self.at.cmp(&other.at).then_with(|| self.origin.cmp(&other.origin)).then(self.row.cmp(&other.row))
    }
}

/// What a day's figures count of a pupil's two statuses: (registered, paid). `short`: a part-payer (see
/// `Store::daily_progress_with`), never counted paid, as `stats` counts her.
fn counted(enrollment: Enrollment, payment: PaymentStatus, short: bool) -> (bool, bool) {
    let standing = Standing::new(enrollment, payment);
    (matches!(standing.enrollment(), Enrollment::Here | Enrollment::Elsewhere), payment.is_settled() && !short)
}

/// One pupil's changes replayed into `days` (per day: registered and paid gained, registered and paid lost),
/// `now` the pupil's two statuses as the drive holds them.
///
/// Only the ends of each day count, so each status is followed on its own: it holds the value its first change
/// replaced until then, the value each day of its changes left at that day's end, and from its last day on the
/// value the drive holds. Ending on the drive's value, not on a change the order of instants makes the newest,
/// keeps the days true to the drive whatever a merge kept of changes made in one second (the other laptop's
/// 在校参保 beside this one's 在校参保 then 不参保), so the last day's totals, counted back from the drive's own
/// counts, are never more or fewer than the pupils the days counted.
fn replay(
    changes: Vec<StatusChange>,
    now: (Enrollment, PaymentStatus),
    short: bool,
    offset: chrono::FixedOffset,
    days: &mut BTreeMap<chrono::NaiveDate, [i64; 4]>,
) {
    // Changes that name no instant are in no day: the value a dated change replaced already holds them.
    let mut dated: Vec<(chrono::NaiveDate, StatusChange)> = changes
        .into_iter()
        .filter(|c| !c.lost)
        .filter_map(|c| Some((c.at?.with_timezone(&offset).date_naive(), c)))
        .collect();
    dated.sort_by(|(_, a), (_, b)| a.at.cmp(&b.at).then(a.row.cmp(&b.row)));
    let of = |is_payment: bool| dated.iter().filter(move |(_, c)| c.is_payment == is_payment);
    let (mut enrollment, enrollment_ends) = course(of(false), Enrollment::Unknown, now.0, Enrollment::from_code);
    let (mut payment, payment_ends) = course(of(true), PaymentStatus::Unpaid, now.1, PaymentStatus::from_code);
    let mut start = counted(enrollment, payment, short);
    let dates: std::collections::BTreeSet<_> = enrollment_ends.keys().chain(payment_ends.keys()).copied().collect();
    for day in dates {
        enrollment = enrollment_ends.get(&day).copied().unwrap_or(enrollment);
        payment = payment_ends.get(&day).copied().unwrap_or(payment);
        let end = counted(enrollment, payment, short);
        if start != end {
            let figures = days.entry(day).or_default();
            figures[0] += i64::from(end.0 && !start.0);
            figures[1] += i64::from(end.1 && !start.1);
            figures[2] += i64::from(start.0 && !end.0);
            figures[3] += i64::from(start.1 && !end.1);
        }
        start = end;
    }
}

/// One status's course through its dated `changes` (sorted by instant, then log order): the value it held
/// before the first, and the value it held at the end of each day of them, the last day's being `now`, the
/// drive's. A value this canbao does not know leaves the status as it was, one never set is `unset`.
fn course<'a, T: Copy>(
    changes: impl Iterator<Item = &'a (chrono::NaiveDate, StatusChange)>,
    unset: T,
    now: T,
    parse: fn(&str) -> Option<T>,
) -> (T, BTreeMap<chrono::NaiveDate, T>) {
    let changes: Vec<&(chrono::NaiveDate, StatusChange)> = changes.collect();
    let mut ends = BTreeMap::new();
    // The first written of the first instant: the changes of two laptops in one second each replaced the value
    // both held before it, and one laptop writes its own in the order it made them.
    let Some((_, first)) = changes.first() else { return (now, ends) };
    let before = first.old.as_deref().and_then(parse).unwrap_or(unset);
    let mut value = before;
    for (at, (day, change)) in changes.iter().enumerate() {
        let next_day = changes.get(at + 1).map(|(d, _)| d);
        if next_day == Some(day) {
            continue;
        }
        value = match next_day {
            None => now,
            Some(_) => {
                // The day's last instant ends on the change none of that instant's others took further (the other
                // laptop's 在校参保, then this one's 不参保: 不参保); where the values go round, the last written.
                let instant = changes[..=at].iter().rev().take_while(|(_, c)| c.at == change.at).map(|(_, c)| c);
                let instant: Vec<&StatusChange> = instant.collect();
                let last = instant
                    .iter()
                    .find(|c| !instant.iter().any(|o| o.row != c.row && o.old == c.new))
                    .copied()
                    .unwrap_or(change);
                last.new.as_deref().and_then(parse).unwrap_or(value)
            }
        };
        ends.insert(*day, value);
    }
    (before, ends)
}

impl Store {
    /// The drive day by day (see [`DayProgress`]), oldest first.
    ///
    /// Each pupil's changes to the two statuses are replayed in the order of their instants, undos and redos
    /// among them (each sets the value it restored), and each day's figures compare the pupil at its start with
    /// the pupil at its end, the end of the pupil's last day being the pupil as the drive holds them (see
    /// `replay`). The rows a merge wrote to apply the other laptop's changes are left out: those changes were
    /// copied in with them, under their own instants, so two laptops merged each way read the same changes and
    /// show the same days, and a merge is no day of the drive. Those rows, and a merge's records of a value that
    /// lost, only tell which changes a merge let lose (see `lost_to_a_merge`).
    pub fn daily_progress(&self) -> Result<Vec<DayProgress>> {
        self.daily_progress_with(&std::collections::HashSet::new())
    }

    /// `daily_progress`, the pupils of `part_paid` (a family's payment short of the amount due,
    /// `Store::part_payments`) never counted paid: a part payment insures nobody, so the days' 缴费 end at the
    /// drive's own 已缴费 count, as `stats` and the dashboard count it.
    pub fn daily_progress_with(&self, part_paid: &std::collections::HashSet<i64>) -> Result<Vec<DayProgress>> {
        let offset = self.display_offset();
        // In log order, a plain scan: most of a large drive's log is its creation rows, which the pupils' index
        // would visit one look-up at a time.
        let mut stmt = self.conn.prepare(&format!(
            "SELECT at, origin, id, student_id, field, old, new, action = 'merge' FROM audit
                 WHERE student_id IS NOT NULL
                   AND (field IN ('payment', 'enrollment')
                        OR action = 'merge' AND field IN ('payment{lost}', 'enrollment{lost}'))
                   AND (?1 IS NULL OR coalesce(year, ?2) = ?1)
                 ORDER BY id",
            lost = super::merge::LOST
        ))?;
        // Only the year shown: last year's marks are not this year's progress.
        let year = if self.current_year.is_some() { self.shown_year() } else { None };
        let first = if year.is_some() { self.first_year()? } else { None };
        let mut pupils: HashMap<i64, (Vec<StatusChange>, Vec<Loss>)> = HashMap::new();
        let mut rows = stmt.query(rusqlite::params![year, first])?;
        while let Some(row) = rows.next()? {
            let (changes, losses) = pupils.entry(row.get(3)?).or_default();
            let field: String = row.get(4)?;
            let is_payment = field.starts_with("payment");
            if row.get::<_, bool>(7)? {
                let recorded = field.ends_with(super::merge::LOST);
                // A record of a loss reads lost → kept, as a row the merge wrote to set the kept value does.
                losses.push(Loss { row: row.get(2)?, recorded, is_payment, lost: row.get(5)?, kept: row.get(6)? });
                continue;
            }
            let at: String = row.get(0)?;
            changes.push(StatusChange {
                at: super::instant::parse(&at),
                origin: row.get(1)?,
                row: row.get(2)?,
                is_payment,
                old: row.get(5)?,
                new: row.get(6)?,
                lost: false,
            });
        }
        let copied = super::merge::CopiedRows::read(&self.conn, "main")?;
        let standing = self.year_pupils()?;
        let mut days: BTreeMap<chrono::NaiveDate, [i64; 4]> = BTreeMap::new();
        for (id, (mut changes, losses)) in pupils {
            // A pupil who left before the year began is in none of the counts, so in no day either.
            let Some(&now) = standing.get(&id) else { continue };
            if !losses.is_empty() {
                lost_to_a_merge(&mut changes, &losses, &copied);
            }
            replay(changes, now, part_paid.contains(&id), offset, &mut days);
        }
        if days.is_empty() {
            return Ok(Vec::new());
        }
        // The totals are counted back from the pupils as they stand now, so the last day's are the counts the
        // dashboard and `stats` show: a pupil a list brought in already registered or paid, whom no change of
        // the log set so, stands in every day's totals.
        let (mut enrolled_total, mut paid_total) = (0i64, 0i64);
        for (id, &(enrollment, payment)) in &standing {
            let (registered, paid) = counted(enrollment, payment, part_paid.contains(id));
            enrolled_total += i64::from(registered);
            paid_total += i64::from(paid);
        }
        let mut out: Vec<DayProgress> = days
            .into_iter()
            .rev()
            .map(|(date, [enrolled, paid, unregistered, cleared])| {
                let day = DayProgress { date, enrolled, paid, enrolled_total, paid_total };
                enrolled_total -= enrolled - unregistered;
                paid_total -= paid - cleared;
                day
            })
            .collect();
        out.reverse();
        Ok(out)
    }

    /// The two statuses of each of the year's pupils, as `stats` reads them: the pupils who left before the year
    /// began are not among them.
    fn year_pupils(&self) -> Result<HashMap<i64, (Enrollment, PaymentStatus)>> {
        // Four columns, not a whole `Student` per pupil: the dashboard counts again after every change.
        let mut stmt = self.conn.prepare("SELECT id, grade, enrollment, payment FROM students")?;
        let mut rows = stmt.query([])?;
        let mut pupils = HashMap::new();
        while let Some(row) = rows.next()? {
            // Read as `Student` reads them: a value this canbao does not know is nobody asked, unpaid.
            let text = |i: usize| -> rusqlite::Result<&str> { Ok(row.get_ref(i)?.as_str().unwrap_or_default()) };
            if super::year::is_former_pupil(text(1)?) {
                continue;
            }
            let enrollment = Enrollment::from_code(text(2)?).unwrap_or(Enrollment::Unknown);
            let payment = PaymentStatus::from_code(text(3)?).unwrap_or(PaymentStatus::Unpaid);
            pupils.insert(row.get(0)?, (enrollment, payment));
        }
        Ok(pupils)
    }

    /// Counts for one school (or all), with the ledgers under `policy` (without one: by the statuses alone).
    pub fn stats(&self, school: Option<&str>, policy: Option<&Policy>) -> Result<Stats> {
        let mut stats = Stats {
            year: self.shown_year(),
            categories_to_recertify: 0,
            students: 0,
            former: 0,
            id_invalid: 0,
            expected: 0,
            insured: 0,
            due_away: 0,
            enrollment: Enrollment::ALL.iter().map(|e| (e.code().to_owned(), 0)).collect(),
            payment: PaymentStatus::ALL.iter().map(|p| (p.code().to_owned(), 0)).collect(),
            ledgers: Ledger::ALL.iter().map(|l| (l.code().to_owned(), 0)).collect(),
            government_unrecorded: 0,
            part_paid: 0,
            classes: Vec::new(),
            days: Vec::new(),
        };
        let mut classes: Vec<ClassStats> = Vec::new();
        // A class held under two spellings is counted once, under the first; its pupils need not be contiguous
        // then, so each class is found by its school and label.
        let mut spelling = crate::domain::class_label::OneSpelling::default();
        let mut index: std::collections::HashMap<(String, String), usize> = std::collections::HashMap::new();
        let filter = StudentFilter { school: school.map(str::to_owned), class: None };
        // Categories carried from an earlier year (待重新认定) weigh nothing in the year's ledgers until certified
        // again, each on its own, as the forms count them (003 二(一)).
        let year = self.current_year.and(self.shown_year());
        // A part payment insures nobody: counted unpaid, in 未缴费, as every form counts it.
        let short = self.part_payments(&filter, policy, self.today())?;
        // The days are the whole drive's: one school's part-payers are read again only when a school is asked.
        let drive_part_paid: std::collections::HashSet<i64> = match school {
            Some(_) => self.part_payments(&Default::default(), policy, self.today())?.into_keys().collect(),
            None => short.keys().copied().collect(),
        };
        stats.days = self.daily_progress_with(&drive_part_paid)?;
        self.for_each_student(&filter, |s| {
            if super::year::is_former_pupil(&s.grade) {
                stats.former += 1;
                return Ok(());
            }
            stats.categories_to_recertify += i64::from(super::year::awaits_recertification(s, year));
            let standing = Standing::new(s.enrollment, s.payment);
            stats.students += 1;
            stats.id_invalid += i64::from(s.id_to_verify());
            let part_paid = short.contains_key(&s.id);
            let categories: Vec<String> =
                s.categories.iter().filter(|c| c.certified_for(year)).map(|c| c.name.clone()).collect();
            let sent_away = sent_away(policy, s, year);
            let expected = standing.is_expected_here(part_paid, sent_away);
            stats.expected += i64::from(expected);
            stats.due_away += i64::from(standing.is_due_away(part_paid, sent_away));
            // Still to collect: not from one who left (the forms count her as one who left unpaid).
            stats.part_paid += i64::from(part_paid && s.enrollment != Enrollment::Left);
            let insured = standing.is_insured_paying(part_paid);
            stats.insured += i64::from(insured);
            *stats.enrollment.entry(standing.enrollment().code().to_owned()).or_default() += 1;
            let ledger =
                pupil_ledger(policy, CategoryTable::builtin(), s.enrollment, s.payment, &categories, part_paid);
            if let Some(l) = ledger {
                *stats.ledgers.entry(l.code().to_owned()).or_default() += 1;
                stats.government_unrecorded +=
                    i64::from(l == Ledger::GovernmentPaid && s.payment != PaymentStatus::Government);
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
                c.expected += i64::from(expected);
                c.enrolled += i64::from(insured);
                // A part payment is still to collect: not 已缴费 (含代缴).
                c.paid += i64::from(s.payment.is_settled() && !part_paid);
            }
            Ok(())
        })?;
        stats.classes = classes;
        Ok(stats)
    }

    /// The pupils `policy` sends to enroll away from school, as `stats` judges them for 应参保 (`Stats::due_away`):
    /// a push gives the county this judgement, so the county's 应参保 is the school's.
    pub fn sent_away_pupils(&self, policy: Option<&Policy>) -> Result<std::collections::HashSet<i64>> {
        let mut found = std::collections::HashSet::new();
        if policy.is_none() {
            return Ok(found);
        }
        let year = self.current_year.and(self.shown_year());
        self.for_each_student(&StudentFilter::default(), |s| {
            if sent_away(policy, s, year) {
                found.insert(s.id);
            }
            Ok(())
        })?;
        Ok(found)
    }
}

/// Whether `policy` sends the pupil to enroll away from school (`Policy::away_rule`), by the categories certified
/// for `year`: those carried from an earlier year (待重新认定) weigh nothing until certified again.
fn sent_away(policy: Option<&Policy>, s: &crate::domain::student::Student, year: Option<i32>) -> bool {
    let certified = s.categories.iter().filter(|c| c.certified_for(year));
    policy.is_some_and(|p| p.away_rule(certified.map(|c| c.name.as_str())).is_some())
}
