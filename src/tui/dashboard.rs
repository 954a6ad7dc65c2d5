//! The dashboard's numbers, counted from the roster in memory: totals, the four ledgers, and per class.

use std::collections::HashMap;

use super::due::ledger_of;
use super::roster::RosterData;
use crate::domain::coverage::Standing;
use crate::domain::policy::{Ledger, PartPayment, Policy};
use crate::domain::student::{Enrollment, PaymentStatus};

/// One class's line. Each count is defined once, in `domain::coverage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassLine {
    /// The school the class belongs to: two schools may each have a 一年级1班, and they are two lines.
    pub school: String,
    pub label: String,
    pub students: usize,
    /// 已参保: paid (family or department) or insured elsewhere.
    pub insured: usize,
    /// 应参保: the pupils coverage is counted over (not declined, not left, not due away from school).
    pub eligible: usize,
    /// Registered for the year: 在校参保 or 异地参保 (a paid pupil counts as 在校参保).
    pub registered: usize,
    /// Paid, by the family or a department.
    pub settled: usize,
}

impl ClassLine {
    pub fn registered_permille(&self) -> u32 {
        permille(self.registered.min(self.eligible), self.eligible)
    }

    pub fn settled_permille(&self) -> u32 {
        permille(self.settled.min(self.eligible), self.eligible)
    }
}

impl ClassLine {
    /// Coverage in per mille, so 100 % is only shown when every eligible pupil is insured.
    pub fn coverage_permille(&self) -> u32 {
        permille(self.insured, self.eligible)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dashboard {
    pub students: usize,
    pub problems: usize,
    pub enrollment: Vec<(Enrollment, usize)>,
    pub payment: Vec<(PaymentStatus, usize)>,
    pub ledgers: Vec<(Ledger, usize)>,
    /// Of the 财政代缴 ledger, the pupils there by a certified full-subsidy category alone, whose department's
    /// payment nobody recorded: not insured yet, as 已参保 counts them, so the line says how many.
    pub government_unrecorded: usize,
    pub insured: usize,
    pub eligible: usize,
    /// Pupils the policy sends to enroll away from school whom nobody has registered here or found insured
    /// (`Standing::is_due_away`): not in `eligible`, as `canbao stats` counts them.
    pub due_away: usize,
    pub classes: Vec<ClassLine>,
    /// The drive day by day, from the audit log.
    pub days: Vec<crate::store::DayProgress>,
}

pub use crate::domain::coverage::permille;

/// What a pupil's ledger depends on: the categories, which of them are carried from an earlier year (待重新认定),
/// the statuses, and whether the family's payment is short of the amount due.
type LedgerKey<'a> = (&'a [u16], u32, Enrollment, PaymentStatus, bool);

impl Dashboard {
    /// Counts the roster under `policy`; `short`: the pupils whose family paid part of the amount due
    /// (`Store::part_payments`), whom a part payment does not insure.
    pub fn count(data: &RosterData, policy: Option<&Policy>, short: &HashMap<i64, PartPayment>) -> Dashboard {
        let mut d = Dashboard {
            enrollment: Enrollment::ALL.iter().map(|&e| (e, 0)).collect(),
            payment: PaymentStatus::ALL.iter().map(|&p| (p, 0)).collect(),
            ledgers: Ledger::ALL.iter().map(|&l| (l, 0)).collect(),
            ..Dashboard::default()
        };
        // Most pupils share a handful of (categories, statuses) combinations: ask the policy once for each.
        let mut memo: HashMap<LedgerKey, (Option<Ledger>, bool)> = HashMap::new();
        // One line per school and class, in the order the roster meets them.
        let mut lines: HashMap<(usize, u32), usize> = HashMap::new();
        let mut school = 0;
        let mut last: Option<((usize, u32), usize)> = None;
        // Pupils who left before the year began (已毕业, 已离校 last year) are in none of its classes or counts.
        let former: Vec<bool> = data.classes.iter().map(|c| crate::store::is_former_label(c)).collect();
        for (i, row) in data.rows.iter().enumerate() {
            while data.schools.get(school + 1).is_some_and(|(first, _)| *first as usize <= i) {
                school += 1;
            }
            if former.get(row.class as usize).copied().unwrap_or(false) {
                continue;
            }
            d.students += 1;
            // Numbers to verify, as `stats` and the summary count them: an adult's valid number is flagged on the
            // roster (「!」) but no number to correct.
            d.problems += usize::from(row.id_to_verify);
            let standing = Standing::new(row.enrollment, row.payment);
            bump(&mut d.enrollment, standing.enrollment());
            let part_paid = short.contains_key(&row.id);
            // A part payment is still to collect: 未缴费 in the counts of payments, as the 缴费 filter has it.
            bump(&mut d.payment, if part_paid { PaymentStatus::Unpaid } else { row.payment });
            let key = (&row.categories[..], row.carried, row.enrollment, row.payment, part_paid);
            let (ledger, sent_away) = *memo.entry(key).or_insert_with(|| {
                // Categories carried from an earlier year weigh nothing until certified again, each on its own, as
                // `stats` and the forms weigh them.
                let names: Vec<String> =
                    row.certified_categories().map(|c| data.category_names[c as usize].clone()).collect();
                let sent_away = policy.is_some_and(|p| p.away_rule(names.iter().map(String::as_str)).is_some());
                (ledger_of(policy, row.enrollment, row.payment, &names, part_paid), sent_away)
            });
            if let Some(l) = ledger {
                bump(&mut d.ledgers, l);
                d.government_unrecorded +=
                    usize::from(l == Ledger::GovernmentPaid && row.payment != PaymentStatus::Government);
            }
            let insured = standing.is_insured_paying(part_paid);
            let eligible = standing.is_expected_here(part_paid, sent_away);
            d.insured += usize::from(insured);
            d.eligible += usize::from(eligible);
            d.due_away += usize::from(standing.is_due_away(part_paid, sent_away));
            // Rows come class by class: the map is asked only when the class changes.
            let key = (school, row.class);
            let line = match last {
                Some((k, line)) if k == key => line,
                _ => *lines.entry(key).or_insert_with(|| {
                    d.classes.push(ClassLine {
                        school: data.schools.get(school).map(|(_, name)| name.clone()).unwrap_or_default(),
                        label: data.classes.get(row.class as usize).cloned().unwrap_or_default(),
                        students: 0,
                        insured: 0,
                        eligible: 0,
                        registered: 0,
                        settled: 0,
                    });
                    d.classes.len() - 1
                }),
            };
            last = Some((key, line));
            if let Some(c) = d.classes.get_mut(line) {
                c.students += 1;
                c.insured += usize::from(insured);
                c.registered += usize::from(matches!(standing.enrollment(), Enrollment::Here | Enrollment::Elsewhere));
                c.settled += usize::from(row.payment.is_settled() && !part_paid);
                c.eligible += usize::from(eligible);
            }
        }
        d
    }

    pub fn coverage_permille(&self) -> u32 {
        permille(self.insured, self.eligible)
    }
}

fn bump<K: PartialEq>(counts: &mut [(K, usize)], key: K) {
    if let Some((_, n)) = counts.iter_mut().find(|(k, _)| *k == key) {
        *n += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up() {
        let mut store = crate::store::Store::open_in_memory().expect("store");
        store.set_fixed_clock("2026-11-23T10:00:00+08:00");
        crate::demo::load_sample(&mut store).expect("sample");
        let data = RosterData::load(&store).expect("load");
        let d = Dashboard::count(&data, None, &HashMap::new());
        assert_eq!(d.students, 360);
        assert_eq!(d.classes.iter().map(|c| c.students).sum::<usize>(), 360);
        assert_eq!(d.ledgers.iter().map(|(_, n)| n).sum::<usize>(), 360);
        assert_eq!(permille(1, 3), 333);
        assert_eq!(permille(0, 0), 0);
    }

    /// Pupils the 财政代缴 ledger holds by a certified full-subsidy category alone are counted apart, so the
    /// ledgers of the insured add up to 已参保: a department's payment recorded moves a pupil out of that count.
    #[test]
    fn government_paid_by_category_alone_is_counted_apart() {
        let mut store = crate::store::Store::open_in_memory().expect("store");
        store.set_fixed_clock("2026-11-23T10:00:00+08:00");
        crate::demo::load_sample(&mut store).expect("sample");
        let policy = crate::domain::policy::PolicySet::builtin().get("yibin-2024");
        let of = |d: &Dashboard, l: Ledger| d.ledgers.iter().find(|(k, _)| *k == l).map_or(0, |(_, n)| *n);
        let adds_up = |d: &Dashboard| {
            of(d, Ledger::Paid) + of(d, Ledger::PaidElsewhere) + of(d, Ledger::GovernmentPaid) - d.government_unrecorded
        };
        let d = Dashboard::count(&RosterData::load(&store).expect("load"), policy, &HashMap::new());
        // 001 附件1 四: 特困人员 ×2, 孤儿 ×2, 重度残疾人 ×2 in the sample, none marked.
        assert_eq!((of(&d, Ledger::GovernmentPaid), d.government_unrecorded), (6, 6));
        assert_eq!(adds_up(&d), d.insured);
        let orphan = store.students(&Default::default()).expect("list");
        let orphan = orphan.iter().find(|s| s.name == "李可月").expect("李可月");
        store.set_payment(orphan.id, PaymentStatus::Government, &Default::default()).expect("government");
        let d = Dashboard::count(&RosterData::load(&store).expect("load"), policy, &HashMap::new());
        assert_eq!((of(&d, Ledger::GovernmentPaid), d.government_unrecorded), (6, 5));
        assert_eq!(adds_up(&d), d.insured);
    }

    /// A part payment (300 of 380 under yibin-2024) insures nobody: the pupil is counted in 未缴费 and not 已参保,
    /// as `canbao stats` and the forms count it; paid in full, in 已缴费 and 已参保.
    #[test]
    fn a_part_payment_is_counted_unpaid_as_the_stats_count_it() {
        let mut store = crate::store::Store::open_in_memory().expect("store");
        store.set_fixed_clock("2026-11-23T10:00:00+08:00");
        crate::demo::load_sample(&mut store).expect("sample");
        // Yibin's rules for the sample's year: a policy of another year prices nothing.
        let mut yibin = crate::domain::policy::PolicySet::builtin().get("yibin-2024").expect("yibin").clone();
        yibin.insured_year = store.shown_year().expect("a year");
        let policy = Some(&yibin);
        let pupils = store.students(&Default::default()).expect("list");
        let pupil = pupils.iter().find(|s| s.categories.is_empty() && s.payment == PaymentStatus::Unpaid).expect("one");
        let count = |store: &crate::store::Store| {
            let short = store.part_payments(&Default::default(), policy, store.today()).expect("short");
            Dashboard::count(&RosterData::load(store).expect("load"), policy, &short)
        };
        let of = |d: &Dashboard, l: Ledger| d.ledgers.iter().find(|(k, _)| *k == l).map_or(0, |(_, n)| *n);
        let before = count(&store);
        let paid = |fen| crate::domain::student::PaymentDetails {
            amount_fen: Some(fen),
            paid_on: chrono::NaiveDate::from_ymd_opt(2023, 10, 10),
            channel: None,
        };
        store.set_payment(pupil.id, PaymentStatus::Paid, &paid(30_000)).expect("part");
        let d = count(&store);
        assert_eq!(
            (d.insured, of(&d, Ledger::Paid), of(&d, Ledger::Unpaid)),
            (before.insured, of(&before, Ledger::Paid), of(&before, Ledger::Unpaid))
        );
        let stats = store.stats(None, policy).expect("stats");
        assert_eq!((d.insured as i64, stats.ledgers["unpaid"]), (stats.insured, of(&d, Ledger::Unpaid) as i64));
        // Still to collect: no class's 缴费 counts the part payment, here or in `canbao stats`, and the counts of
        // payments have the pupil unpaid.
        let settled = |d: &Dashboard| d.classes.iter().map(|c| c.settled).sum::<usize>();
        let paid_of = |d: &Dashboard, p: PaymentStatus| d.payment.iter().find(|(k, _)| *k == p).map_or(0, |(_, n)| *n);
        assert_eq!(settled(&d), settled(&before));
        assert_eq!(paid_of(&d, PaymentStatus::Paid), paid_of(&before, PaymentStatus::Paid));
        assert_eq!(stats.classes.iter().map(|c| c.paid).sum::<i64>(), settled(&d) as i64);
        assert_eq!(stats.part_paid, 1);
        store.set_payment(pupil.id, PaymentStatus::Paid, &paid(38_000)).expect("whole");
        let d = count(&store);
        assert_eq!((d.insured, of(&d, Ledger::Paid)), (before.insured + 1, of(&before, Ledger::Paid) + 1));
        assert_eq!(settled(&d), settled(&before) + 1);
    }

    /// Under a policy that sends some categories to enroll at the benefit place (liuzhou-2023: 低保, 特困), the
    /// dashboard's 应参保 leaves out those nobody has registered here, as `canbao stats` does, class by class.
    #[test]
    fn pupils_due_at_the_benefit_place_are_not_eligible_here() {
        let mut store = crate::store::Store::open_in_memory().expect("store");
        store.set_fixed_clock("2026-11-23T10:00:00+08:00");
        crate::demo::load_sample(&mut store).expect("sample");
        let policy = crate::domain::policy::PolicySet::builtin().get("liuzhou-2023");
        let data = RosterData::load(&store).expect("load");
        let without = Dashboard::count(&data, None, &HashMap::new());
        let d = Dashboard::count(&data, policy, &HashMap::new());
        let stats = store.stats(None, policy).expect("stats");
        assert!(d.due_away > 0, "the sample has 低保 and 特困 pupils");
        assert_eq!(d.eligible + d.due_away, without.eligible);
        assert_eq!((d.eligible as i64, d.due_away as i64), (stats.expected, stats.due_away));
        let lines: Vec<i64> = d.classes.iter().map(|c| c.eligible as i64).collect();
        assert_eq!(lines, stats.classes.iter().map(|c| c.expected).collect::<Vec<_>>());
    }

    /// In the new year the graduates and the pupils who left last year are in no class line and no count, as
    /// `canbao stats` counts them.
    #[test]
    fn pupils_who_left_before_the_year_are_not_counted() {
        let mut store = crate::store::Store::open_in_memory().expect("store");
        store.set_fixed_clock("2026-11-23T10:00:00+08:00");
        crate::demo::load_sample(&mut store).expect("sample");
        let first = store.students(&Default::default()).expect("list")[0].id;
        store.set_enrollment(first, Enrollment::Left, None).expect("left");
        let year = store.current_year().expect("a year");
        store.start_year(year + 1, true, None, false).expect("new year");
        let stats = store.stats(None, None).expect("stats");
        assert!(stats.former > 1, "the sample has graduates and one who left: {stats:?}");
        let d = Dashboard::count(&RosterData::load(&store).expect("load"), None, &HashMap::new());
        assert_eq!(d.students as i64, stats.students);
        assert_eq!(d.enrollment.iter().find(|(e, _)| *e == Enrollment::Left).map(|(_, n)| *n), Some(0));
        assert!(d.classes.iter().all(|c| !crate::store::is_former_label(&c.label)), "{:?}", d.classes);
    }

    /// 「身份证号有问题」 counts the numbers to verify, as `canbao stats` (`id_invalid`) and the summary count them:
    /// an adult's valid number (a parent's, a teacher's) or a missing name is flagged on the roster (「!」), but is
    /// no number in error. Before, the dashboard counted every flagged pupil and said 3 where `stats` said 0.
    #[test]
    fn numbers_in_question_are_the_ones_stats_counts() {
        let mut store = crate::store::Store::open_in_memory().expect("store");
        store.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let number = |birth: &str, seq: u32| {
            let body = format!("450202{birth}{seq:03}");
            format!("{body}{}", crate::domain::id_number::check_char(body.as_bytes()))
        };
        let csv = format!(
            "姓名,身份证号码,班级\n王一,{},三年级1班\n李老师,{},三年级1班\n张老师,{},三年级1班\n赵二,450202201701019999,三年级1班\n",
            number("20170305", 11),
            number("19840305", 12),
            number("19900305", 13),
        );
        let sheets = crate::io::table::read_bytes(csv.as_bytes(), "list.csv").expect("read");
        let inputs = vec![crate::io::class_list::Input::Sheets("list.csv".into(), sheets)];
        let today = store.today();
        crate::io::class_list::import_inputs(&mut store, inputs, None, "本校", today, false).expect("import");
        let data = RosterData::load(&store).expect("load");
        assert_eq!(data.rows.iter().filter(|r| r.problem).count(), 3, "two adults and a wrong number flagged");
        let d = Dashboard::count(&data, None, &HashMap::new());
        let stats = store.stats(None, None).expect("stats");
        assert_eq!((d.problems as i64, stats.id_invalid), (1, 1));
    }
}
