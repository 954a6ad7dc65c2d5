//! The quote for one pupil: what the family pays, what a department pays, when cover starts and ends, and the
//! rule that decided it, as steps with their figures and clauses (`RuleStep`); the words for those are
//! `crate::words::quote`. The CLI's `quote`, the TUI's detail view and its payment prompt all use it.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Serialize, Serializer};

use super::{
    AmountBasis, BearsOn, CategoryRule, CoverageStart, DepartmentWindow, EnrollPlace, Judgement, PaidFirst,
    PaymentWindow, Policy, Subsidy, SubsidyPayment,
};
use crate::domain::category::CategoryTable;
use crate::domain::money;

/// How the pupil stands towards this insurance before paying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnrolleeKind {
    /// 续保: insured last year too.
    #[default]
    Continuing,
    /// 新参保: never insured here before.
    New,
    /// 中断后再参保: insured before, with a gap.
    Interrupted,
}

/// The facts a quote needs about one pupil: everything [`quote`] reads of them, so two pupils with the same
/// request owe the same (the payment form quotes a county's selection once per distinct request).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct QuoteRequest {
    /// Category names; aliases are accepted too.
    pub categories: Vec<String>,
    pub paid_on: NaiveDate,
    pub enrollee: EnrolleeKind,
    /// Said to have entered school this September (9月入学新生, `quote --freshman`).
    pub freshman: bool,
    /// The pupil's grade as the roster holds it (`class_label::grade_in`), empty when unknown. A window with a
    /// freshman rule takes a pupil of an entry grade (一年级, 七年级, 高一, 大一: `class_label::entry_grade`) as a
    /// September freshman; under other windows the grade changes nothing.
    pub grade: String,
    /// Needed only for the newborn exception (003 三(一)2); pupils without one are not treated as newborns.
    pub birth_date: Option<NaiveDate>,
}

/// A subsidy the department pays back to the family after they paid the whole premium (差额补助, 003 三(三)2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Refund {
    Amount {
        fen: i64,
    },
    /// The notice does not give the amount.
    Unspecified,
}

/// Whether a pupil enrolls away from school (待遇审批地, with the family).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BenefitPlace {
    /// The notice sends the pupil there (003 四(四) 原则上在待遇审批地参保缴费, 002 以家庭为单位参保).
    Required,
    /// The notice lets the pupil skip school enrollment (004 可以不在学籍地参保); school enrollment stays open.
    Optional,
}

/// The answer for one pupil. Amounts are fen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    /// The policy's name (file stem).
    pub policy: String,
    pub policy_title: String,
    /// The payment window the date fell in, e.g. 集中缴费期.
    pub window: String,
    /// Everything due for the year: the personal premium, or the financing standard (筹资标准).
    pub total_due_fen: i64,
    /// What the family pays the tax office.
    pub personal_due_fen: i64,
    /// What a department pays the tax office on the pupil's behalf (代缴).
    pub department_due_fen: i64,
    /// The department paying `department_due_fen` or the refund.
    pub paying_department: Option<String>,
    /// The category whose subsidy was applied.
    pub subsidy_category: Option<String>,
    /// Paid back to the family later (差额补助), if any.
    pub refund: Option<Refund>,
    /// A category of the pupil has a subsidy whose amount the policy does not give; the amounts leave it out.
    pub subsidy_unspecified: bool,
    #[serde(serialize_with = "ymd")]
    pub coverage_from: NaiveDate,
    #[serde(serialize_with = "ymd")]
    pub coverage_to: NaiveDate,
    /// How the rule decided it, step by step; `crate::words::quote` says it in either language.
    #[serde(skip)]
    pub steps: Vec<RuleStep>,
    /// Must enroll where the benefit was approved (待遇审批地) or with the family, not at school: say so on screen.
    pub enroll_at_benefit_place: bool,
    /// Where away from school the pupil enrolls: required, optional, or `None` (at school).
    pub benefit_place: Option<BenefitPlace>,
    /// Readings the notice does not state, apart from the rule text, for the operator to confirm with the agency.
    pub judgements: Vec<Judgement>,
}

impl Quote {
    /// The category whose department subsidises the pupil (`paying_department`): the subsidy applied, else the
    /// first whose subsidy the notice gives no amount for. A pupil of several categories is subsidised by this one
    /// alone (003 四(三)), so every form naming who pays takes it from here.
    pub fn paying_category(&self) -> Option<&str> {
        self.subsidy_category.as_deref().or_else(|| {
            self.steps.iter().find_map(|step| match step {
                // Several departments and no order: no category is the paying one (`UnspecifiedPayer::Undecided`).
                RuleStep::UnspecifiedSubsidy { categories, .. } if self.paying_department.is_some() => {
                    categories.first().map(String::as_str)
                }
                _ => None,
            })
        })
    }

    /// How the paying category was chosen among several subsidised ones: by the policy's order of full
    /// subsidies (003 四(三)1), by the highest (四(三)2), or `None` where only one category brings a subsidy.
    pub fn chosen_among(&self) -> Option<ChosenBy> {
        self.steps.iter().find_map(|step| match step {
            RuleStep::FullSubsidyOrder { .. } => Some(ChosenBy::Order),
            RuleStep::HighestSubsidy { .. } => Some(ChosenBy::Highest),
            _ => None,
        })
    }
}

/// How one subsidy was chosen among several (`Quote::chosen_among`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChosenBy {
    /// The policy's order of full subsidies (003 四(三)1: 计生 → 残疾 → 脱贫 → 医疗救助).
    Order,
    /// The highest subsidy, never a sum (003 四(三)2).
    Highest,
}

/// One step of the reasoning that decided a quote, with the figures, dates and clauses it rests on. The words
/// for it, in either language, are `crate::words::quote`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleStep {
    /// The day paid and the payment window it falls in.
    Window {
        policy_title: String,
        document: String,
        paid_on: NaiveDate,
        window: String,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// The pupil's grade is an entry grade and the window has a freshman rule: taken as a September freshman.
    FreshmanByGrade { grade: String },
    /// Born after last year's insured year ended: the pupil cannot have been insured before, so is new.
    BornAfterLastYear { birth_date: NaiveDate, last_year_end: NaiveDate },
    /// Born last year after its concentrated period ended: maybe enrolled as a newborn then, maybe never; quoted
    /// as continuing (a gap), and said that a pupil never insured is new.
    BornInLastYear { birth_date: NaiveDate, period_end: NaiveDate },
    /// A department paying in its own window (`DepartmentWindow`): not late, covered for the insured year.
    DepartmentWindow {
        paid_by: String,
        window: String,
        from: NaiveDate,
        to: NaiveDate,
        /// The notice's words for the window, or empty.
        notice: String,
        coverage_from: NaiveDate,
        coverage_to: NaiveDate,
        clause: String,
    },
    /// When cover starts under the payment window's rule.
    Coverage { basis: CoverageBasis, cited: Citation, coverage_from: NaiveDate, coverage_to: NaiveDate },
    /// The amount due for the year before any subsidy.
    Amount(AmountStep),
    /// Categories the policy gives no subsidy for: quoted as an ordinary pupil.
    NoRuleFor { categories: Vec<String> },
    /// The subsidy applied, how much, who pays it and how.
    Subsidy {
        category: String,
        kind: Subsidy,
        amount_fen: i64,
        paid_by: String,
        payment: SubsidyPayment,
        clause: String,
    },
    /// Several full subsidies: the policy's order chose `chosen`.
    FullSubsidyOrder { order: Vec<String>, chosen: String },
    /// Several subsidies: the highest, `chosen`, applies alone.
    HighestSubsidy { chosen: String },
    /// A subsidy of the personal premium leaves the government-subsidy part of the financing standard to the
    /// family.
    FamilyPaysGovernmentPart { amount_fen: i64 },
    /// Categories whose subsidy the policy gives no amount for.
    UnspecifiedSubsidy { categories: Vec<String>, paid_by: String, payment: SubsidyPayment, clause: String },
    /// Where these categories enroll (when away from school) and the policy's notes on them, in its two languages.
    Advice { categories: Vec<String>, place: Option<EnrollPlace>, note: String, note_en: String },
    /// What the family pays and what a department pays.
    Totals { personal_fen: i64, department_fen: i64 },
    /// The family paid more than its share before the category was certified (`PaidFirst::settle`): the
    /// premium stays paid, no department pays on the pupil's behalf, and the subsidy goes as the policy says.
    PaidFirst(PaidFirst),
}

/// Which of a payment window's cover rules applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverageBasis {
    /// The insured year.
    InsuredYear,
    /// A September freshman, covered from the window's freshman date.
    Freshman,
    /// A September freshman in a window without a freshman rule: the insured year.
    NoFreshmanRule,
    /// From the 1st of the month `months` after the payment month; `no_freshman_rule`: a freshman, without one.
    AfterPayment { enrollee: EnrolleeKind, months: u32, no_freshman_rule: bool },
}

/// What a window's cover rests on: the policy's reading of it (`coverage_text`), else the notice's words, and
/// the clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub reading: String,
    pub notice: String,
    pub clause: String,
}

/// How the year's amount was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountStep {
    PersonalPremium {
        premium_fen: i64,
    },
    /// A newborn within `months` of birth pays the personal premium only.
    Newborn {
        months: u32,
        premium_fen: i64,
        clause: String,
    },
    /// The financing standard: the premium and the government subsidy.
    FinancingStandard {
        premium_fen: i64,
        subsidy_fen: i64,
        standard_fen: i64,
        clause: String,
    },
}

fn ymd<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(&date.format("%Y-%m-%d"))
}

/// Why no quote can be given. Never a guess: the operator must check with the agency.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    #[error("未知的人员类别“{name}”；可用的类别：{}", known.join("、"))]
    UnknownCategory { name: String, known: Vec<String> },
    #[error(
        "{paid_on} 不在{policy}的任何缴费期内（{}），无法确定应缴金额和待遇期，请向医保经办机构确认",
        spans(.windows, "至", "；")
    )]
    OutsideWindows { policy: String, paid_on: NaiveDate, windows: Vec<(String, NaiveDate, NaiveDate)> },
    /// A payment in a window whose cover starts `months` after the payment month (`window`, `clause`: the rule),
    /// made too late for any cover in the insured year.
    #[error(
        "{paid_on} 缴费后待遇自 {starts} 起（{window}，{clause}：缴费当月起 {months} 个月后才享受待遇），已超出{policy}\
         的待遇期（至 {coverage_to}），本年度不能享受待遇"
    )]
    NoCoverageLeft {
        policy: String,
        paid_on: NaiveDate,
        starts: NaiveDate,
        coverage_to: NaiveDate,
        window: String,
        months: u32,
        clause: String,
    },
    #[error("出生日期 {birth_date} 晚于缴费日期 {paid_on}")]
    BirthAfterPayment { birth_date: NaiveDate, paid_on: NaiveDate },
    /// The drive's policy is another insured year's (chosen with a warning, as a drive may start before the
    /// year's notice is out): its premium and windows are that year's, so nothing it says is this year's amount.
    #[error(
        "选定的政策 {policy} 是 {policy_year} 年度的，数据文件是 {year} 年度：它的缴费标准和缴费期不是 {year} 年度的，\
         无法计算应缴金额；请选定 {year} 年度的政策"
    )]
    OtherYear { policy: String, policy_year: i32, year: i32 },
}

impl QuoteError {
    /// The same error in English.
    pub fn message_en(&self) -> String {
        match self {
            QuoteError::UnknownCategory { name, known } => {
                format!("unknown category {name}; known categories: {}", known.join(", "))
            }
            QuoteError::OutsideWindows { policy, paid_on, windows } => format!(
                "{paid_on} is outside every payment window of {policy} ({}); the amount and coverage cannot be \
                 determined, ask the insurance agency",
                spans(windows, " to ", "; ")
            ),
            QuoteError::NoCoverageLeft { policy, paid_on, starts, coverage_to, window, months, clause } => format!(
                "paid on {paid_on}, cover would start on {starts} ({window}, {clause}: cover {months} months after \
                 the payment month), after {policy} ends ({coverage_to}): no cover this year"
            ),
            QuoteError::BirthAfterPayment { birth_date, paid_on } => {
                format!("birth date {birth_date} is after the payment date {paid_on}")
            }
            QuoteError::OtherYear { policy, policy_year, year } => format!(
                "the chosen policy {policy} is for insured year {policy_year}, the drive is in insured year {year}: \
                 its premium and payment windows are not {year}'s, so no amount can be worked out; choose {year}'s \
                 policy"
            ),
        }
    }
}

/// Payment windows as a refusal lists them: each name with its first and last day.
fn spans(windows: &[(String, NaiveDate, NaiveDate)], to: &str, between: &str) -> String {
    windows.iter().map(|(name, from, last)| format!("{name} {from}{to}{last}")).collect::<Vec<_>>().join(between)
}

/// Canonical names for the given names or aliases, without duplicates, in the order given.
pub(super) fn resolve_categories(table: &CategoryTable, names: &[String]) -> Result<Vec<String>, QuoteError> {
    let mut resolved: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        if name.trim().is_empty() {
            continue;
        }
        let Some(category) = table.lookup(name) else {
            return Err(QuoteError::UnknownCategory {
                name: name.trim().to_owned(),
                known: table.names().into_iter().map(str::to_owned).collect(),
            });
        };
        if !resolved.contains(&category.name) {
            resolved.push(category.name.clone());
        }
    }
    Ok(resolved)
}

/// The subsidy chosen among several categories, with why.
struct Chosen<'a> {
    rule: &'a CategoryRule,
    amount_fen: i64,
    /// Other categories that also carried a known subsidy.
    others: Vec<&'a CategoryRule>,
}

/// 003 四(三): full subsidies apply in the policy's order; otherwise the highest subsidy, never a sum. Ties
/// among equal amounts fall back to the category table's order so the answer never depends on input order.
fn choose_subsidy<'a>(
    policy: &Policy,
    table: &CategoryTable,
    rules: &[&'a CategoryRule],
    premium_fen: i64,
) -> Option<Chosen<'a>> {
    let rank = |rule: &CategoryRule| {
        let order = match rule.subsidy {
            Subsidy::Full => policy.full_subsidy_order.iter().position(|c| *c == rule.category),
            _ => None,
        };
        (order.unwrap_or(usize::MAX), table.position(&rule.category).unwrap_or(usize::MAX))
    };
    let subsidised: Vec<&'a CategoryRule> =
        rules.iter().copied().filter(|r| r.subsidy.amount_fen(premium_fen) > 0).collect();
    let best =
        subsidised.iter().copied().min_by_key(|r| (std::cmp::Reverse(r.subsidy.amount_fen(premium_fen)), rank(r)))?;
    Some(Chosen {
        rule: best,
        amount_fen: best.subsidy.amount_fen(premium_fen),
        others: subsidised.into_iter().filter(|r| r.category != best.category).collect(),
    })
}

/// The rule of the category that subsidises a pupil of `rules` (`Quote::paying_category`): the one [`quote`]
/// applies, whatever the day, as the premium it weighs subsidies by is the policy's, else the first whose subsidy
/// the notice gives no amount for. The ledgers count a pupil 财政代缴 by it alone, so a category the quote passes
/// over never puts a family it charges there.
pub(super) fn paying_rule<'a>(
    policy: &Policy,
    table: &CategoryTable,
    rules: &[&'a CategoryRule],
) -> Option<&'a CategoryRule> {
    match choose_subsidy(policy, table, rules, policy.personal_premium_fen) {
        Some(chosen) => Some(chosen.rule),
        None => match unspecified_payer(policy, rules) {
            UnspecifiedPayer::One(rule) | UnspecifiedPayer::ByOrder(rule, _) => Some(rule),
            UnspecifiedPayer::Undecided(_) | UnspecifiedPayer::None => None,
        },
    }
}

/// Who pays for a pupil whose subsidies the policy gives no amount for (`Subsidy::Unspecified`).
pub(super) enum UnspecifiedPayer<'a> {
    None,
    /// One such category, or several of one department.
    One(&'a CategoryRule),
    /// Several departments, chosen by the policy's order (003 四(三)1); with the categories, the first.
    ByOrder(&'a CategoryRule, Vec<&'a CategoryRule>),
    /// Several departments and no order among them: nothing says which one pays, so none is named (a form naming
    /// one would tell the other it need not pay, on a guess).
    Undecided(Vec<&'a CategoryRule>),
}

/// The unspecified categories of `rules`, by the policy's order of subsidies where it places them (those it
/// places first), else as given.
pub(super) fn unspecified_payer<'a>(policy: &Policy, rules: &[&'a CategoryRule]) -> UnspecifiedPayer<'a> {
    let mut unspecified: Vec<&'a CategoryRule> =
        rules.iter().copied().filter(|r| r.subsidy == Subsidy::Unspecified).collect();
    let place = |r: &CategoryRule| policy.full_subsidy_order.iter().position(|c| *c == r.category);
    unspecified.sort_by_key(|r| place(r).unwrap_or(usize::MAX));
    let Some(&first) = unspecified.first() else { return UnspecifiedPayer::None };
    if unspecified.iter().all(|r| r.paid_by == first.paid_by) {
        return UnspecifiedPayer::One(first);
    }
    if place(first).is_some() {
        return UnspecifiedPayer::ByOrder(first, unspecified);
    }
    UnspecifiedPayer::Undecided(unspecified)
}

/// Category names quoted one after another for a judgement's text: 「低保对象」「重度残疾人」.
fn quoted_list(names: &[String]) -> String {
    names.iter().map(|n| format!("「{n}」")).collect()
}

fn first_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// [`quote`] under the drive's policy for the drive's insured year `year` (`None`, a drive without years: the
/// policy's own). Under a policy of another year the answer is [`QuoteError::OtherYear`] whatever the date: a
/// date in its windows would be priced at that year's premium and cover, which is not this year's payment, and
/// one outside them would be said as a date the notice does not cover when the notice is simply not this year's.
pub fn quote_in_year(
    policy: &Policy,
    categories: &CategoryTable,
    req: &QuoteRequest,
    year: Option<i32>,
) -> Result<Quote, QuoteError> {
    if let Some(year) = year.filter(|&y| y != policy.insured_year) {
        return Err(QuoteError::OtherYear { policy: policy.name.clone(), policy_year: policy.insured_year, year });
    }
    quote(policy, categories, req)
}

/// Amount due and coverage for one pupil paying on `req.paid_on` under `policy`.
pub fn quote(policy: &Policy, categories: &CategoryTable, req: &QuoteRequest) -> Result<Quote, QuoteError> {
    priced(policy, categories, req, true)
}

/// [`quote`]; `otherwise`: fill in what the family would pay if a category's reading is not confirmed
/// (`Judgement::otherwise_personal_fen`), by quoting the pupil once more as the other category, whose own
/// readings are then not followed further (a file may name two categories as each other's other).
fn priced(
    policy: &Policy,
    categories: &CategoryTable,
    req: &QuoteRequest,
    otherwise: bool,
) -> Result<Quote, QuoteError> {
    let names = resolve_categories(categories, &req.categories)?;
    if let Some(birth_date) = req.birth_date
        && birth_date > req.paid_on
    {
        return Err(QuoteError::BirthAfterPayment { birth_date, paid_on: req.paid_on });
    }
    let Some(window) = policy.window_for(req.paid_on) else {
        return Err(QuoteError::OutsideWindows {
            policy: policy.title.clone(),
            paid_on: req.paid_on,
            windows: policy.windows.iter().map(|w| (w.name.clone(), w.from, w.to)).collect(),
        });
    };
    let mut steps = vec![RuleStep::Window {
        policy_title: policy.title.clone(),
        document: policy.document_cited(),
        paid_on: req.paid_on,
        window: window.name.clone(),
        from: window.from,
        to: window.to,
    }];

    let premium = policy.personal_premium_fen;
    let rules: Vec<&CategoryRule> = names.iter().filter_map(|n| policy.rule(n)).collect();
    let chosen = choose_subsidy(policy, categories, &rules, premium);

    let mut req = req.clone();
    match birth_reading(policy, &req) {
        Some(BirthReading::SurelyNew { last_year_end }) => {
            req.enrollee = EnrolleeKind::New;
            let birth_date = req.birth_date.unwrap_or(last_year_end);
            steps.push(RuleStep::BornAfterLastYear { birth_date, last_year_end });
        }
        // Only where the cover waits on who the pupil is: quoted as a pupil with a gap, the later cover, which
        // never promises what the notice does not give, and said so.
        Some(BirthReading::MaybeNewborn { period_end })
            if matches!(window.coverage, CoverageStart::MonthsAfterPayment { .. }) =>
        {
            let birth_date = req.birth_date.unwrap_or(period_end);
            steps.push(RuleStep::BornInLastYear { birth_date, period_end });
        }
        _ => {}
    }
    let req = &req;

    // A department paying on its own schedule for a pupil it pays for in full is not a late payment.
    let department_window = chosen
        .as_ref()
        .filter(|c| c.rule.subsidy == Subsidy::Full && c.rule.payment == SubsidyPayment::OnBehalf)
        .and_then(|c| policy.department_window_for(req.paid_on).map(|w| (w, c.rule.paid_by.as_str())));
    let (coverage_from, cover) = coverage(policy, window, department_window, req)?;
    if matches!(cover, RuleStep::Coverage { basis: CoverageBasis::Freshman, .. }) && freshman_by_grade(window, req) {
        steps.push(RuleStep::FreshmanByGrade { grade: req.grade.clone() });
    }
    steps.push(cover);

    let (total, amount) = amount_due(policy, window, req);
    steps.push(RuleStep::Amount(amount));
    // A department window decides the cover itself, so the window's readings of cover do not apply.
    let window_judgements = if department_window.is_none() { window.judgements.as_slice() } else { &[] };
    let mut judgements: Vec<Judgement> = policy
        .judgements
        .iter()
        .chain(window_judgements)
        .filter(|j| j.concerns(policy, &names))
        .map(|j| j.judgement.clone())
        .collect();
    for rule in &rules {
        for judgement in &rule.judgements {
            let mut judgement = judgement.clone();
            if let Some(other) = judgement.otherwise_as.as_deref().filter(|_| otherwise) {
                let read_otherwise: Vec<String> =
                    names.iter().map(|n| if *n == rule.category { other.to_owned() } else { n.clone() }).collect();
                let asked = QuoteRequest { categories: read_otherwise, ..req.clone() };
                judgement.otherwise_personal_fen =
                    priced(policy, categories, &asked, false).ok().map(|q| q.personal_due_fen);
            }
            judgements.push(judgement);
        }
    }

    let unruled: Vec<String> = names.iter().filter(|n| policy.rule(n).is_none()).cloned().collect();
    if !unruled.is_empty() {
        steps.push(RuleStep::NoRuleFor { categories: unruled });
    }

    let mut personal_due = total;
    let mut department_due = 0;
    let mut paying_department = None;
    let mut subsidy_category = None;
    let mut refund = None;
    if let Some(chosen) = &chosen {
        let rule = chosen.rule;
        let amount = chosen.amount_fen;
        paying_department = Some(rule.paid_by.clone());
        subsidy_category = Some(rule.category.clone());
        match rule.payment {
            SubsidyPayment::OnBehalf => {
                department_due = amount;
                personal_due = total - amount;
            }
            SubsidyPayment::Reimbursed => refund = Some(Refund::Amount { fen: amount }),
        }
        steps.push(RuleStep::Subsidy {
            category: rule.category.clone(),
            kind: rule.subsidy,
            amount_fen: amount,
            paid_by: rule.paid_by.clone(),
            payment: rule.payment,
            clause: rule.clause.clone(),
        });
        if !chosen.others.is_empty() {
            let all_full = rule.subsidy == Subsidy::Full && chosen.others.iter().any(|o| o.subsidy == Subsidy::Full);
            if all_full && !policy.full_subsidy_order.is_empty() {
                let order = policy.full_subsidy_order.clone();
                steps.push(RuleStep::FullSubsidyOrder { order, chosen: rule.category.clone() });
            } else if !policy.highest_subsidy_clause.is_empty() {
                steps.push(RuleStep::HighestSubsidy { chosen: rule.category.clone() });
            } else {
                // Only 003 四(三)2 says 就高不就低: under a notice silent on several categories the highest is a
                // reading (it never overstates what the family is spared), not a rule to quote as the notice's.
                judgements.push(Judgement {
                    text: format!(
                        "通知未规定多重身份的补助如何计算：按补助最高的“{}”计，不累加，请向医保经办机构确认",
                        rule.category
                    ),
                    text_en: format!(
                        "The notice does not say how several subsidies combine: the highest, {}, is quoted, never a \
                         sum; confirm with the insurance agency",
                        rule.category
                    ),
                    clause: rule.clause.clone(),
                    bears_on: BearsOn::Amount,
                    otherwise_as: None,
                    otherwise_personal_fen: None,
                });
            }
        }
        if total > premium && rule.payment == SubsidyPayment::OnBehalf {
            // 003 三(一)2 makes special groups paying from July pay the financing standard but says nothing about
            // who pays the government-subsidy part; quoting it to the family is the reading that never
            // understates what they owe.
            steps.push(RuleStep::FamilyPaysGovernmentPart { amount_fen: total - premium });
            judgements.push(Judgement {
                text: format!(
                    "通知未说明此期间{}代缴多少：按只代缴个人缴费部分{}计，其余{}由家庭缴纳，请向医保经办机构确认",
                    rule.paid_by,
                    money::with_unit(premium),
                    money::with_unit(total - premium)
                ),
                text_en: format!(
                    "The notice does not say how much {} pays in this window: quoted as the personal premium ({} yuan) \
                     only, the remaining {} yuan to the family; confirm with the insurance agency",
                    rule.paid_by,
                    money::plain(premium),
                    money::plain(total - premium)
                ),
                clause: window.clause.clone(),
                bears_on: BearsOn::Amount,
                otherwise_as: None,
                otherwise_personal_fen: None,
            });
        }
    }

    let payer = if chosen.is_none() { unspecified_payer(policy, &rules) } else { UnspecifiedPayer::None };
    let subsidy_unspecified = !matches!(payer, UnspecifiedPayer::None);
    let names_of = |rules: &[&CategoryRule]| rules.iter().map(|r| r.category.clone()).collect::<Vec<_>>();
    match payer {
        UnspecifiedPayer::None => {}
        UnspecifiedPayer::One(rule) | UnspecifiedPayer::ByOrder(rule, _) => {
            paying_department = Some(rule.paid_by.clone());
            if rule.payment == SubsidyPayment::Reimbursed {
                refund = Some(Refund::Unspecified);
            }
            let unspecified: Vec<&CategoryRule> =
                rules.iter().copied().filter(|r| r.subsidy == Subsidy::Unspecified).collect();
            // The paying category first: `Quote::paying_category` takes it from there.
            let mut named = vec![rule.category.clone()];
            named.extend(unspecified.iter().filter(|r| r.category != rule.category).map(|r| r.category.clone()));
            steps.push(RuleStep::UnspecifiedSubsidy {
                categories: named,
                paid_by: rule.paid_by.clone(),
                payment: rule.payment,
                clause: rule.clause.clone(),
            });
            if let UnspecifiedPayer::ByOrder(_, several) = &payer {
                steps.push(RuleStep::FullSubsidyOrder {
                    order: policy.full_subsidy_order.clone(),
                    chosen: rule.category.clone(),
                });
                judgements.push(Judgement {
                    text: format!(
                        "本政策未列明{}的补助金额：多重身份按{}的顺序由「{}」（{}）资助，其余部门不重复资助，请向主管部门确认",
                        quoted_list(&names_of(several)),
                        policy.full_subsidy_order.join("→"),
                        rule.category,
                        rule.paid_by
                    ),
                    text_en: format!(
                        "The policy gives no subsidy amount for {}: by the order of subsidies ({}), {} ({}) subsidises \
                         the pupil and the other departments do not; confirm with the certifying departments",
                        names_of(several).join(", "),
                        policy.full_subsidy_order.join(" → "),
                        rule.category,
                        rule.paid_by
                    ),
                    clause: rule.clause.clone(),
                    bears_on: BearsOn::Amount,
                    otherwise_as: None,
                    otherwise_personal_fen: None,
                });
            }
        }
        UnspecifiedPayer::Undecided(several) => {
            let departments: Vec<String> = several.iter().fold(Vec::new(), |mut seen, r| {
                if !seen.contains(&r.paid_by) {
                    seen.push(r.paid_by.clone());
                }
                seen
            });
            steps.push(RuleStep::UnspecifiedSubsidy {
                categories: names_of(&several),
                paid_by: departments.join("或"),
                payment: SubsidyPayment::OnBehalf,
                clause: several[0].clause.clone(),
            });
            judgements.push(Judgement {
                text: format!(
                    "本政策未列明{}的补助金额，也未规定多重身份的补助顺序：由哪个部门（{}）资助待核实，请向主管部门确认",
                    quoted_list(&names_of(&several)),
                    departments.join("、")
                ),
                text_en: format!(
                    "The policy gives no subsidy amount for {} and no order among several categories: which \
                     department ({}) subsidises the pupil is to be confirmed with the certifying departments",
                    names_of(&several).join(", "),
                    departments.join(", ")
                ),
                clause: several[0].clause.clone(),
                bears_on: BearsOn::Amount,
                otherwise_as: None,
                otherwise_personal_fen: None,
            });
        }
    }

    let benefit_place = if rules.iter().any(|r| r.enroll.required_away()) {
        Some(BenefitPlace::Required)
    } else if rules.iter().any(|r| r.enroll.away_from_school()) {
        Some(BenefitPlace::Optional)
    } else {
        None
    };
    let enroll_at_benefit_place = benefit_place == Some(BenefitPlace::Required);
    let mut seen = std::collections::HashSet::new();
    judgements.retain(|j| seen.insert(j.text.clone()));
    steps.extend(advice(&rules));
    steps.push(RuleStep::Totals { personal_fen: personal_due, department_fen: department_due });

    Ok(Quote {
        policy: policy.name.clone(),
        policy_title: policy.title.clone(),
        window: window.name.clone(),
        total_due_fen: total,
        personal_due_fen: personal_due,
        department_due_fen: department_due,
        paying_department,
        subsidy_category,
        refund,
        subsidy_unspecified,
        coverage_from,
        coverage_to: policy.coverage_to,
        steps,
        enroll_at_benefit_place,
        benefit_place,
        judgements,
    })
}

/// Where the categories enroll when away from school, and the policy's notes on them. Categories that share
/// the same advice are named together, so three 待遇审批地 categories give one step.
fn advice(rules: &[&CategoryRule]) -> Vec<RuleStep> {
    let mut steps: Vec<RuleStep> = Vec::new();
    for rule in rules {
        let place = Some(rule.enroll).filter(|e| e.away_from_school());
        let note = rule.note.trim_end_matches('。').to_owned();
        let note_en = rule.note_en.trim_end_matches('.').to_owned();
        if place.is_none() && note.is_empty() && note_en.is_empty() {
            continue;
        }
        let same = steps.iter_mut().find_map(|s| match s {
            RuleStep::Advice { categories, place: p, note: n, note_en: e }
                if *p == place && *n == note && *e == note_en =>
            {
                Some(categories)
            }
            _ => None,
        });
        match same {
            Some(categories) => categories.push(rule.category.clone()),
            None => steps.push(RuleStep::Advice { categories: vec![rule.category.clone()], place, note, note_en }),
        }
    }
    steps
}

/// What a birth date says of a pupil quoted as continuing. Born after last year's insured year ended (within
/// this one), the pupil cannot have been insured before: new. Born after last year's concentrated period but
/// within last year, the pupil may have been enrolled as a newborn then (003 三(一)2 lets a newborn pay within
/// three months of birth) and have a gap now, or never have been enrolled: either may be the case.
enum BirthReading {
    SurelyNew { last_year_end: NaiveDate },
    MaybeNewborn { period_end: NaiveDate },
}

fn birth_reading(policy: &Policy, req: &QuoteRequest) -> Option<BirthReading> {
    let birth = req.birth_date?;
    if req.enrollee != EnrolleeKind::Continuing {
        return None;
    }
    let last_window_end = policy.windows.first()?.to.checked_sub_months(Months::new(12))?;
    let last_year_end = policy.coverage_to.checked_sub_months(Months::new(12))?;
    if birth > last_year_end.max(last_window_end) {
        Some(BirthReading::SurelyNew { last_year_end })
    } else if birth > last_window_end {
        Some(BirthReading::MaybeNewborn { period_end: last_window_end })
    } else {
        None
    }
}

/// A pupil not said to be a freshman whose grade is an entry grade, under a window with a freshman rule. Only
/// where the window has the rule: elsewhere the grade is no statement that the pupil entered this September,
/// and nothing about it is said.
fn freshman_by_grade(window: &PaymentWindow, req: &QuoteRequest) -> bool {
    window
        .freshman_coverage_from
        .is_some_and(|from| !req.freshman && crate::domain::class_label::entry_grade(&req.grade, from.year()))
}

fn coverage(
    policy: &Policy,
    window: &PaymentWindow,
    department: Option<(&DepartmentWindow, &str)>,
    req: &QuoteRequest,
) -> Result<(NaiveDate, RuleStep), QuoteError> {
    if let Some((dw, paid_by)) = department
        && window.coverage != CoverageStart::InsuredYear
    {
        return Ok((
            policy.coverage_from,
            RuleStep::DepartmentWindow {
                paid_by: paid_by.to_owned(),
                window: dw.name.clone(),
                from: dw.from,
                to: dw.to,
                notice: dw.text.clone(),
                coverage_from: policy.coverage_from,
                coverage_to: policy.coverage_to,
                clause: dw.clause.clone(),
            },
        ));
    }
    let freshman = req.freshman || freshman_by_grade(window, req);
    let (from, basis) = match window.coverage {
        CoverageStart::InsuredYear => match (freshman, window.freshman_coverage_from) {
            (true, Some(from)) => (from, CoverageBasis::Freshman),
            (true, None) => (policy.coverage_from, CoverageBasis::NoFreshmanRule),
            (false, _) => (policy.coverage_from, CoverageBasis::InsuredYear),
        },
        CoverageStart::MonthsAfterPayment { new_enrollee, interrupted } => {
            let months = match req.enrollee {
                EnrolleeKind::New => new_enrollee,
                // Not paying in the concentrated period leaves a gap after 31 December, which is what 中断 means.
                EnrolleeKind::Interrupted | EnrolleeKind::Continuing => interrupted,
            };
            let start = first_of_month(req.paid_on).checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX);
            let from = start.max(policy.coverage_from);
            if from > policy.coverage_to {
                return Err(QuoteError::NoCoverageLeft {
                    policy: policy.title.clone(),
                    paid_on: req.paid_on,
                    starts: start,
                    coverage_to: policy.coverage_to,
                    window: window.name.clone(),
                    months,
                    clause: window.clause.clone(),
                });
            }
            (from, CoverageBasis::AfterPayment { enrollee: req.enrollee, months, no_freshman_rule: req.freshman })
        }
    };
    let cited =
        Citation { reading: window.coverage_text.clone(), notice: window.text.clone(), clause: window.clause.clone() };
    Ok((from, RuleStep::Coverage { basis, cited, coverage_from: from, coverage_to: policy.coverage_to }))
}

/// The whole amount due for the year, before any subsidy, and how it was found.
fn amount_due(policy: &Policy, window: &PaymentWindow, req: &QuoteRequest) -> (i64, AmountStep) {
    let premium = policy.personal_premium_fen;
    let standard = match (window.amount, policy.government_subsidy_fen) {
        (AmountBasis::FinancingStandard, Some(subsidy)) => Some((premium + subsidy, subsidy)),
        // The file check requires a subsidy for such a window; without one only the premium can be quoted.
        _ => None,
    };
    let Some((standard, subsidy)) = standard else {
        return (premium, AmountStep::PersonalPremium { premium_fen: premium });
    };
    let newborn = match (window.newborn_months, req.birth_date) {
        // 出生3个月内 read strictly (paid before the day three months after birth): a payment on the boundary
        // day pays the larger amount rather than risking an underpayment.
        (Some(months), Some(birth)) => {
            birth.checked_add_months(Months::new(months)).is_some_and(|limit| req.paid_on < limit)
        }
        _ => false,
    };
    if newborn {
        let months = window.newborn_months.unwrap_or_default();
        return (premium, AmountStep::Newborn { months, premium_fen: premium, clause: window.clause.clone() });
    }
    let step = AmountStep::FinancingStandard {
        premium_fen: premium,
        subsidy_fen: subsidy,
        standard_fen: standard,
        clause: window.clause.clone(),
    };
    (standard, step)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::PolicySet;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn request(categories: &[&str], paid_on: NaiveDate) -> QuoteRequest {
        QuoteRequest {
            categories: categories.iter().map(|c| c.to_string()).collect(),
            paid_on,
            enrollee: EnrolleeKind::Continuing,
            freshman: false,
            grade: String::new(),
            birth_date: None,
        }
    }

    fn quote_for(policy: &str, req: &QuoteRequest) -> Result<Quote, QuoteError> {
        let policy = PolicySet::builtin().get(policy).expect("builtin policy");
        quote(policy, CategoryTable::builtin(), req)
    }

    fn rule_zh(q: &Quote) -> String {
        crate::words::quote::rule_text(&q.steps, crate::words::Language::Zh)
    }

    fn ok(policy: &str, req: &QuoteRequest) -> Quote {
        quote_for(policy, req).unwrap_or_else(|e| panic!("{e}"))
    }

    // ---- 000 Liuzhou 2023 ----

    #[test]
    fn liuzhou_2023_concentrated_period_covers_the_insured_year() {
        // 000 附件四(一): 集中缴费期2022年9月1日—12月31日，正常缴费后待遇2023年1月1日至12月31日; 三: 350元.
        for paid in [date(2022, 9, 1), date(2022, 12, 31)] {
            let q = ok("liuzhou-2023", &request(&[], paid));
            assert_eq!((q.coverage_from, q.coverage_to), (date(2023, 1, 1), date(2023, 12, 31)));
            assert_eq!((q.personal_due_fen, q.department_due_fen), (35_000, 0));
            assert_eq!(q.window, "集中缴费期");
        }
    }

    #[test]
    fn liuzhou_2023_late_new_enrollee_from_next_month() {
        // 000 附件四(二): 2023年1月1日—6月30日缴费，属于新参保登记缴费从次月1日起享受待遇.
        let mut req = request(&[], date(2023, 1, 1));
        req.enrollee = EnrolleeKind::New;
        assert_eq!(ok("liuzhou-2023", &req).coverage_from, date(2023, 2, 1));
        req.paid_on = date(2023, 6, 30);
        let q = ok("liuzhou-2023", &req);
        assert_eq!((q.coverage_from, q.coverage_to), (date(2023, 7, 1), date(2023, 12, 31)));
        assert_eq!(q.personal_due_fen, 35_000);
        assert!(rule_zh(&q).contains("次月1日起"), "{}", rule_zh(&q));
    }

    #[test]
    fn liuzhou_2023_late_interrupted_from_third_month() {
        // 000 附件四(二): 属于中断缴费的，从第三个月1日起享受待遇 — the payment month is the first (次月 the
        // second), so a January payment is covered from 1 March.
        let mut req = request(&[], date(2023, 1, 20));
        req.enrollee = EnrolleeKind::Interrupted;
        assert_eq!(ok("liuzhou-2023", &req).coverage_from, date(2023, 3, 1));
        req.paid_on = date(2023, 6, 15);
        assert_eq!(ok("liuzhou-2023", &req).coverage_from, date(2023, 8, 1));
        // A continuing pupil who missed the concentrated period has a gap from 1 January: counted as interrupted.
        req.enrollee = EnrolleeKind::Continuing;
        let q = ok("liuzhou-2023", &req);
        assert_eq!(q.coverage_from, date(2023, 8, 1));
        assert!(rule_zh(&q).contains("按中断缴费计"), "{}", rule_zh(&q));
    }

    #[test]
    fn liuzhou_2023_after_june_is_refused() {
        // 000 has no window after 6月30日 (and no government subsidy for 003's financing standard).
        let err = quote_for("liuzhou-2023", &request(&[], date(2023, 7, 1))).expect_err("outside");
        assert!(matches!(err, QuoteError::OutsideWindows { .. }));
        assert!(err.to_string().contains("2022-09-01至2022-12-31"), "{err}");
        let err = quote_for("liuzhou-2023", &request(&[], date(2022, 8, 31))).expect_err("too early");
        assert!(err.message_en().contains("outside every payment window"));
    }

    #[test]
    fn liuzhou_2023_special_pupils_enroll_at_the_benefit_place() {
        // 000 附件二(五): 特困、低保、监测户…须回待遇审批的主管部门办理参保登记; no subsidy amount is given.
        let q = ok("liuzhou-2023", &request(&["监测户"], date(2022, 10, 1)));
        assert!(q.enroll_at_benefit_place);
        assert!(q.subsidy_unspecified);
        assert_eq!((q.personal_due_fen, q.department_due_fen), (35_000, 0));
        assert!(rule_zh(&q).contains("应在待遇审批地参保缴费"), "{}", rule_zh(&q));
        // 000 附件二(六): other pupils enroll where they study.
        assert!(!ok("liuzhou-2023", &request(&[], date(2022, 10, 1))).enroll_at_benefit_place);
    }

    // ---- 003 Liuzhou 2021 (special groups) ----

    #[test]
    fn liuzhou_2021_july_to_december_costs_the_financing_standard() {
        // 003 三(一)2 / 四(一)5: 7月1日至12月31日缴纳当年度费用的，按筹资标准（个人缴费标准+各级财政补助）缴纳.
        let q = ok("liuzhou-2021", &request(&[], date(2021, 7, 1)));
        assert_eq!(q.total_due_fen, 28_000 + 58_000);
        assert_eq!(q.personal_due_fen, 86_000);
        assert!(rule_zh(&q).contains("筹资标准"), "{}", rule_zh(&q));
        // 003 三(一)1: until 6月30日 only the personal premium.
        let q = ok("liuzhou-2021", &request(&[], date(2021, 6, 30)));
        assert_eq!(q.personal_due_fen, 28_000);
    }

    #[test]
    fn liuzhou_2021_newborns_within_three_months_pay_the_personal_premium() {
        // 003 三(一)2: 除出生3个月内的新生儿参保缴费，按照当年个人缴费标准部分缴纳外.
        let mut req = request(&[], date(2021, 9, 10));
        req.enrollee = EnrolleeKind::New;
        req.birth_date = Some(date(2021, 7, 1));
        let q = ok("liuzhou-2021", &req);
        assert_eq!(q.personal_due_fen, 28_000);
        assert_eq!(q.coverage_from, date(2021, 10, 1));
        // 出生3个月以后的新生儿 pay the financing standard; the boundary day counts as after.
        req.paid_on = date(2021, 10, 1);
        assert_eq!(ok("liuzhou-2021", &req).personal_due_fen, 86_000);
        req.birth_date = Some(date(2021, 10, 2));
        assert!(matches!(quote_for("liuzhou-2021", &req), Err(QuoteError::BirthAfterPayment { .. })));
    }

    #[test]
    fn liuzhou_2021_full_subsidies_follow_the_order() {
        // 003 四(三)1: 全额补助顺序依次为计生对象、残疾人、过渡期内脱贫人口、医疗救助人员.
        let cases = [
            (vec!["医疗救助对象", "重度残疾人", "计生对象"], "计生对象", "卫健"),
            (vec!["过渡期内脱贫人口", "残疾"], "重度残疾人", "残联"),
            (vec!["特困", "脱贫户"], "过渡期内脱贫人口", "医保"),
        ];
        for (categories, winner, department) in cases {
            let q = ok("liuzhou-2021", &request(&categories, date(2020, 10, 1)));
            assert_eq!(q.subsidy_category.as_deref(), Some(winner), "{categories:?}");
            assert_eq!(q.paying_department.as_deref(), Some(department));
            assert_eq!((q.personal_due_fen, q.department_due_fen), (0, 28_000));
            assert!(rule_zh(&q).contains("计生对象、重度残疾人、过渡期内脱贫人口"), "{}", rule_zh(&q));
        }
    }

    #[test]
    fn liuzhou_2021_partial_subsidy_is_paid_back_later() {
        // 003 三(二)2 / 三(三)2: 差额补助对象按当年个人缴费标准缴纳，主管部门将差额补助部分发放给个人.
        let q = ok("liuzhou-2021", &request(&["低保"], date(2020, 11, 1)));
        assert_eq!((q.personal_due_fen, q.department_due_fen), (28_000, 0));
        assert_eq!(q.refund, Some(Refund::Unspecified));
        assert_eq!(q.paying_department.as_deref(), Some("民政"));
        // 003 四(四): 在校学生原则上在待遇审批地参保缴费.
        assert!(q.enroll_at_benefit_place);
        // A full subsidy beats a partial one: never less than the highest.
        let q = ok("liuzhou-2021", &request(&["低保", "计生"], date(2020, 11, 1)));
        assert_eq!((q.personal_due_fen, q.department_due_fen, q.refund), (0, 28_000, None));
    }

    #[test]
    fn liuzhou_2021_special_group_paying_in_july_owes_the_subsidy_part() {
        // 003 四(一)5: 特殊人员在7月1日至12月31日缴纳的，统一按筹资标准缴纳. The department's subsidy covers the
        // personal premium; who pays the rest is not said, so it is quoted to the family (conservative).
        let mut req = request(&["计生对象"], date(2021, 8, 15));
        req.enrollee = EnrolleeKind::New;
        let q = ok("liuzhou-2021", &req);
        assert_eq!((q.total_due_fen, q.department_due_fen, q.personal_due_fen), (86_000, 28_000, 58_000));
        assert_eq!(q.coverage_from, date(2021, 9, 1));
        assert!(rule_zh(&q).contains("保守"), "{}", rule_zh(&q));
    }

    /// 001 (Yibin) says nothing of a pupil in several categories: the highest subsidy is quoted as a reading to
    /// confirm, never as 003's rule 「多重身份的补助就高不就低」.
    #[test]
    fn several_subsidies_under_a_notice_silent_on_them_are_a_reading_not_a_rule() {
        let q = ok("yibin-2024", &request(&["低保对象", "已稳定脱贫人员"], date(2023, 10, 8)));
        assert!(!rule_zh(&q).contains("就高不就低") && !rule_zh(&q).contains("不累加"), "{}", rule_zh(&q));
        let said: Vec<&str> = q.judgements.iter().map(|j| j.text.as_str()).collect();
        assert!(said.iter().any(|t| t.starts_with("通知未规定多重身份的补助如何计算")), "{said:?}");
        assert!(q.judgements.iter().any(|j| j.text_en.starts_with("The notice does not say how several")));
    }

    #[test]
    fn highest_partial_subsidy_applies_never_a_sum() {
        // 003 四(三)2: 差额补助就高不就低，补助总金额不超过差额补助中的最高补助标准. Checked on a policy with
        // known partial amounts (003 itself gives none).
        let text = r#"
title = "测试"
document = "测试"
insured_year = 2021
personal_premium = 280
highest_subsidy_clause = "003 四(三)2"
[[window]]
name = "集中缴费期"
from = 2020-09-01
to = 2020-12-31
coverage = "year"
[category."低保对象"]
subsidy = "fixed"
subsidy_amount = 150
[category."低保边缘家庭未成年人"]
subsidy = "share"
subsidy_percent = 50
[category."返贫致贫人口"]
subsidy = "fixed"
subsidy_amount = 400
"#;
        let policy = Policy::from_toml("test", text, "test.toml").expect("parses");
        let table = CategoryTable::builtin();
        let q = quote(&policy, table, &request(&["低保", "低边"], date(2020, 10, 1))).expect("quote");
        assert_eq!((q.department_due_fen, q.personal_due_fen), (15_000, 13_000));
        assert_eq!(q.subsidy_category.as_deref(), Some("低保对象"));
        assert!(rule_zh(&q).contains("不累加"), "{}", rule_zh(&q));
        // A fixed subsidy above the premium is capped at the premium.
        let q = quote(&policy, table, &request(&["返贫致贫"], date(2020, 10, 1))).expect("quote");
        assert_eq!((q.department_due_fen, q.personal_due_fen), (28_000, 0));
    }

    // ---- 001 Yibin 2024 ----

    #[test]
    fn yibin_2024_concentrated_period_covers_the_insured_year() {
        // 001 附件1 一(二): 集中缴费2023年9月1日至2024年2月29日; 二(一): 380元.
        for paid in [date(2023, 9, 1), date(2024, 2, 29)] {
            let q = ok("yibin-2024", &request(&[], paid));
            assert_eq!((q.coverage_from, q.coverage_to), (date(2024, 1, 1), date(2024, 12, 31)));
            assert_eq!(q.personal_due_fen, 38_000);
        }
    }

    #[test]
    fn yibin_2024_mid_year_waits_six_months() {
        // 001 附件1 一(三): 中途参保，自缴费当月起6个月（不含）后享受医保待遇 — March to August wait, cover from
        // 1 September; the same for new and interrupted enrollees.
        for enrollee in [EnrolleeKind::New, EnrolleeKind::Interrupted, EnrolleeKind::Continuing] {
            let mut req = request(&[], date(2024, 3, 1));
            req.enrollee = enrollee;
            assert_eq!(ok("yibin-2024", &req).coverage_from, date(2024, 9, 1));
            req.paid_on = date(2024, 3, 31);
            assert_eq!(ok("yibin-2024", &req).coverage_from, date(2024, 9, 1));
            req.paid_on = date(2024, 6, 30);
            let q = ok("yibin-2024", &req);
            assert_eq!((q.coverage_from, q.coverage_to), (date(2024, 12, 1), date(2024, 12, 31)));
        }
        // Paid in July, the wait runs past the insured year: refused, not guessed.
        let err = quote_for("yibin-2024", &request(&[], date(2024, 7, 1))).expect_err("no cover left");
        assert!(matches!(err, QuoteError::NoCoverageLeft { starts, .. } if starts == date(2025, 1, 1)));
        // The notice has no freshman exception to the wait.
        let mut req = request(&[], date(2024, 4, 10));
        req.freshman = true;
        let q = ok("yibin-2024", &req);
        assert_eq!(q.coverage_from, date(2024, 10, 1));
        assert!(rule_zh(&q).contains("无新生特别规定"), "{}", rule_zh(&q));
    }

    #[test]
    fn yibin_2024_low_income_and_monitored_pay_a_quarter() {
        // 001 附件1 二(二): 低保对象、防止返贫监测对象按个人缴费标准的75%定额资助（即个人缴费95元）.
        for category in ["低保", "低保对象", "监测对象", "监测户", "突发严重困难户"] {
            let q = ok("yibin-2024", &request(&[category], date(2023, 10, 8)));
            assert_eq!((q.personal_due_fen, q.department_due_fen), (9_500, 28_500), "{category}");
            assert!(!q.enroll_at_benefit_place);
        }
    }

    #[test]
    fn yibin_2024_stably_lifted_out_of_poverty_pay_three_quarters() {
        // 001 附件1 二(二): 已稳定脱贫人员按25%资助（即个人缴费285元）.
        let q = ok("yibin-2024", &request(&["已稳定脱贫人员"], date(2023, 10, 8)));
        assert_eq!((q.personal_due_fen, q.department_due_fen), (28_500, 9_500));
        assert!(rule_zh(&q).contains("25%"), "{}", rule_zh(&q));
        // 脱贫户 is not named by 001; it gets the smaller of the two 脱贫 subsidies.
        let q = ok("yibin-2024", &request(&["脱贫户"], date(2023, 10, 8)));
        assert_eq!(q.personal_due_fen, 28_500);
    }

    #[test]
    fn yibin_2024_full_subsidy_groups_pay_nothing() {
        // 001 附件1 四(一)–(四): 一二级残疾人和三四级精神、智力残疾人；重点优抚对象；特困人员；孤儿 个人不缴费，
        // 由政府全额补助.
        for category in ["重度残疾人", "三四级智力残疾", "重点优抚对象", "特困人员", "孤儿"] {
            let q = ok("yibin-2024", &request(&[category], date(2023, 12, 1)));
            assert_eq!((q.personal_due_fen, q.department_due_fen), (0, 38_000), "{category}");
            assert!(rule_zh(&q).contains("本市户籍"), "{}", rule_zh(&q));
        }
        // Several at once: still nothing to pay, and never more than the premium in subsidy.
        let q = ok("yibin-2024", &request(&["低保", "孤儿", "已稳定脱贫"], date(2023, 12, 1)));
        assert_eq!((q.personal_due_fen, q.department_due_fen), (0, 38_000));
        assert_eq!(q.subsidy_category.as_deref(), Some("孤儿"));
        // Two partial subsidies: the higher (75 %) only.
        let q = ok("yibin-2024", &request(&["低保", "已稳定脱贫人员"], date(2023, 12, 1)));
        assert_eq!((q.personal_due_fen, q.department_due_fen), (9_500, 28_500));
    }

    #[test]
    fn yibin_2024_subsidy_applies_mid_year_too() {
        // 001 附件1 二(二) and 一(三) together: the subsidy does not depend on when the pupil pays.
        let q = ok("yibin-2024", &request(&["低保"], date(2024, 5, 20)));
        assert_eq!((q.personal_due_fen, q.coverage_from), (9_500, date(2024, 11, 1)));
    }

    // ---- 002 Nanchong 2023 ----

    #[test]
    fn nanchong_2023_school_collection() {
        // 002 二: 2023年度保费在2023年2月底前完成征收; 三: 350元/人.
        let q = ok("nanchong-2023", &request(&[], date(2023, 2, 28)));
        assert_eq!(
            (q.personal_due_fen, q.coverage_from, q.coverage_to),
            (35_000, date(2023, 1, 1), date(2023, 12, 31))
        );
        // 002 has no rule for later payments.
        assert!(matches!(
            quote_for("nanchong-2023", &request(&[], date(2023, 3, 1))),
            Err(QuoteError::OutsideWindows { .. })
        ));
    }

    #[test]
    fn nanchong_2023_special_pupils_enroll_with_the_family() {
        // 002 一: 特困人员、低保对象、脱贫户、重度残疾、防止返贫监测对象、重度精神病人、失地农民等…以家庭为单位参保.
        for category in ["特困", "低保", "脱贫户", "重度残疾", "监测对象", "重度精神病人", "失地农民"]
        {
            let q = ok("nanchong-2023", &request(&[category], date(2022, 9, 20)));
            assert!(q.enroll_at_benefit_place, "{category}");
            assert!(rule_zh(&q).contains("以家庭为单位参保"), "{}", rule_zh(&q));
        }
    }

    // ---- 004 Quanzhou 2023 ----

    #[test]
    fn quanzhou_2023_september_freshmen_covered_from_september() {
        // 004 二: 9月入学新生在规定的参保时限内（2022年9月1日—2023年2月28日）缴费的，保障期限从2022年9月1日
        // 至2023年12月31日.
        for paid in [date(2022, 9, 15), date(2022, 12, 31), date(2023, 2, 28)] {
            let mut req = request(&[], paid);
            req.freshman = true;
            let q = ok("quanzhou-2023", &req);
            assert_eq!((q.coverage_from, q.coverage_to), (date(2022, 9, 1), date(2023, 12, 31)), "{paid}");
            assert_eq!(q.personal_due_fen, 36_000);
        }
    }

    #[test]
    fn quanzhou_2023_entry_grade_pupils_are_freshmen_without_being_told() {
        // 004 二 今年9月份入学新生: the roster holds no date of entry, so an entry grade stands for it.
        for grade in ["一年级", "初一", "七年级", "高一", "大一", "2022级"] {
            for paid in [date(2022, 9, 15), date(2023, 2, 28)] {
                let mut req = request(&[], paid);
                req.grade = grade.into();
                let q = ok("quanzhou-2023", &req);
                assert_eq!((q.coverage_from, q.coverage_to), (date(2022, 9, 1), date(2023, 12, 31)), "{grade} {paid}");
                let said = rule_zh(&q);
                assert!(said.contains(&format!("年级为「{grade}」，属入学年级")), "{said}");
                assert!(said.contains("9月入学新生"), "{said}");
            }
        }
        for grade in ["二年级", "初二", "2021级"] {
            let mut req = request(&[], date(2022, 9, 15));
            req.grade = grade.into();
            assert_eq!(ok("quanzhou-2023", &req).coverage_from, date(2023, 1, 1), "{grade}");
        }
        // A policy without the rule says nothing of the grade: a first-grader is an ordinary pupil there.
        let mut req = request(&[], date(2022, 10, 1));
        req.grade = "一年级".into();
        let q = ok("liuzhou-2023", &req);
        assert_eq!(q.coverage_from, date(2023, 1, 1));
        assert!(!rule_zh(&q).contains("新生"), "{}", rule_zh(&q));
    }

    #[test]
    fn quanzhou_2023_other_pupils_covered_from_january() {
        // 004 二: 其他在校学生规定的参保时限内缴费的，保障期限从2023年1月1日至2023年12月31日.
        for paid in [date(2022, 9, 15), date(2023, 2, 28)] {
            let q = ok("quanzhou-2023", &request(&[], paid));
            assert_eq!((q.coverage_from, q.coverage_to), (date(2023, 1, 1), date(2023, 12, 31)));
        }
        // After 28 February the notice says nothing: refused.
        let mut req = request(&[], date(2023, 3, 1));
        req.freshman = true;
        assert!(matches!(quote_for("quanzhou-2023", &req), Err(QuoteError::OutsideWindows { .. })));
    }

    #[test]
    fn quanzhou_2023_004_fujian_medical_assistance_pupils_may_skip_school() {
        // 004 附件: 若在校学生为医疗救助对象，因已在户籍地资助参保，可以不在学籍地参保 — may, not must.
        let q = ok("quanzhou-2023", &request(&["医疗救助"], date(2022, 10, 1)));
        assert_eq!(q.benefit_place, Some(BenefitPlace::Optional));
        assert!(!q.enroll_at_benefit_place);
        assert!(rule_zh(&q).contains("可以不在学校参保"), "{}", rule_zh(&q));
        let json = serde_json::to_value(&q).expect("json");
        assert_eq!(json["benefit_place"], "optional");
        // Where a notice requires it (003 四(四) 原则上在待遇审批地参保缴费), it stays required.
        let q = ok("liuzhou-2021", &request(&["计生对象"], date(2020, 10, 1)));
        assert_eq!((q.benefit_place, q.enroll_at_benefit_place), (Some(BenefitPlace::Required), true));
        let q = ok("quanzhou-2023", &request(&[], date(2022, 10, 1)));
        assert_eq!(q.benefit_place, None);
        assert_eq!(serde_json::to_value(&q).expect("json")["benefit_place"], serde_json::Value::Null);
    }

    #[test]
    fn quanzhou_2023_004_er_january_payment_follows_the_body_said_aloud() {
        // 004 二 gives 2022-09-01–2023-02-28; the letter (附件二) only the concentrated period.
        let q = ok("quanzhou-2023", &request(&[], date(2023, 1, 15)));
        assert!(q.judgements.iter().any(|j| j.clause == "004 二、附件二"), "{:?}", q.judgements);
        let q = ok("quanzhou-2023", &request(&[], date(2022, 10, 15)));
        assert!(q.judgements.is_empty(), "{:?}", q.judgements);
    }

    // ---- judgements, department windows, newborns ----

    fn clauses(q: &Quote) -> Vec<&str> {
        q.judgements.iter().map(|j| j.clause.as_str()).collect()
    }

    #[test]
    fn liuzhou_2021_003_siyi1_department_paying_by_march_covers_the_year() {
        // 003 三(三)1 新年度1月底前完成代缴人员名单申报…统一划扣保费; 四(一)1 由代缴部门在新年度3月底前…统一缴费;
        // 二(一) 确保特殊人员的医保待遇延续: the department's payment in January–March is on schedule.
        for (category, paid) in [("计生对象", date(2021, 1, 20)), ("重度残疾人", date(2021, 3, 31))] {
            let q = ok("liuzhou-2021", &request(&[category], paid));
            assert_eq!((q.coverage_from, q.coverage_to), (date(2021, 1, 1), date(2021, 12, 31)), "{category}");
            assert_eq!((q.personal_due_fen, q.department_due_fen), (0, 28_000));
            assert!(
                rule_zh(&q).contains("代缴部门的统一缴费时间") && rule_zh(&q).contains("四(一)1"),
                "{}",
                rule_zh(&q)
            );
            // The borrowed late-cover reading does not apply to such a payment.
            assert!(!clauses(&q).contains(&"003 三(一)1；000 附件四(二)"), "{:?}", q.judgements);
        }
        // After March the department is late like anyone else (003 gives no later schedule).
        let q = ok("liuzhou-2021", &request(&["计生对象"], date(2021, 4, 1)));
        assert_eq!(q.coverage_from, date(2021, 6, 1));
        assert!(clauses(&q).contains(&"003 三(一)1；000 附件四(二)"), "{:?}", q.judgements);
        // A family paying itself (低保, 差额补助: 三(三)2) in January is a late payment.
        let q = ok("liuzhou-2021", &request(&["低保对象"], date(2021, 1, 20)));
        assert_eq!(q.coverage_from, date(2021, 3, 1));
        // So is an ordinary pupil.
        assert_eq!(ok("liuzhou-2021", &request(&[], date(2021, 1, 20))).coverage_from, date(2021, 3, 1));
    }

    #[test]
    fn liuzhou_2021_003_readings_are_carried_as_judgements() {
        // 003 gives no amounts (三(一)1 国家和自治区规定的年度个人缴费标准): 280 is from outside the notice.
        let q = ok("liuzhou-2021", &request(&[], date(2020, 10, 1)));
        assert_eq!(clauses(&q), vec!["003 三(一)1"]);
        assert!(q.judgements[0].text.contains("280") && q.judgements[0].text_en.contains("280"));
        // Which groups are full or partial is a reading of 三(二), said once however many groups the pupil has.
        let q = ok("liuzhou-2021", &request(&["计生对象", "低保对象", "孤儿"], date(2020, 10, 1)));
        assert_eq!(clauses(&q), vec!["003 三(一)1", "003 三(二)、四(三)"]);
        // From July: the borrowed cover, the 580 figure, and the department's share.
        let mut req = request(&["计生对象"], date(2021, 8, 15));
        req.enrollee = EnrolleeKind::New;
        let q = ok("liuzhou-2021", &req);
        let found = clauses(&q);
        assert!(found.contains(&"003 三(一)2；000 附件四(二)"), "{found:?}");
        assert!(found.contains(&"003 三(一)2"), "{found:?}");
        let share = q.judgements.iter().find(|j| j.text.contains("卫健")).expect("department share judgement");
        assert_eq!(share.clause, "003 三(一)2、四(一)5");
        assert!(share.text.contains("580"), "{}", share.text);
        // The rule text stays the rule; the judgements serialise as text / text_en / clause.
        let json = serde_json::to_value(&q).expect("json");
        assert!(json["judgements"][0]["text"].is_string() && json["judgements"][0]["text_en"].is_string());
    }

    #[test]
    fn yibin_2024_001_yi3_wait_for_subsidised_pupils_is_said_aloud() {
        // 001 附件1 一(三): the wait is written for 「未在集中缴费期及时参保缴费的普通居民」. Decided: subsidised
        // pupils get the same wait (the only mid-year rule), and the quote says so as a judgement.
        for category in ["低保对象", "特困人员"] {
            let q = ok("yibin-2024", &request(&[category], date(2024, 4, 10)));
            assert_eq!(q.coverage_from, date(2024, 10, 1), "{category}");
            assert!(clauses(&q).contains(&"001 附件1 一(三)"), "{category}: {:?}", q.judgements);
        }
        // An ordinary resident: the notice's own words, nothing to confirm.
        let q = ok("yibin-2024", &request(&[], date(2024, 4, 10)));
        assert_eq!(q.coverage_from, date(2024, 10, 1));
        assert!(q.judgements.is_empty(), "{:?}", q.judgements);
        // 一(二): the cover of the concentrated period is a reading too.
        let q = ok("yibin-2024", &request(&[], date(2023, 10, 10)));
        assert_eq!(clauses(&q), vec!["001 附件1 一(二)"]);
    }

    #[test]
    fn liuzhou_2021_003_sanyi_newborn_is_not_continuing() {
        // A pupil born in the insured year cannot have been insured before: quoted as new (次月), not as a
        // continuing pupil with a gap (第三个月).
        let mut req = request(&[], date(2021, 2, 10));
        req.birth_date = Some(date(2021, 1, 5));
        let q = ok("liuzhou-2021", &req);
        assert_eq!(q.coverage_from, date(2021, 3, 1));
        assert!(rule_zh(&q).contains("此前不可能已参保，按新参保计"), "{}", rule_zh(&q));
        // Born in 2020 after that year's concentrated period: maybe enrolled as a newborn in 2020 (三(一)2), so
        // maybe interrupted: the later cover, and said that a pupil never insured is new.
        req.birth_date = Some(date(2020, 5, 1));
        let q = ok("liuzhou-2021", &req);
        assert_eq!(q.coverage_from, date(2021, 4, 1));
        let said = rule_zh(&q);
        assert!(!said.contains("不可能已参保"), "{said}");
        assert!(said.contains("可能已作为新生儿参保") && said.contains("按中断"), "{said}");
        // An older pupil who missed the period has a gap.
        req.birth_date = Some(date(2014, 5, 1));
        let q = ok("liuzhou-2021", &req);
        assert_eq!(q.coverage_from, date(2021, 4, 1));
        assert!(!rule_zh(&q).contains("按新参保计"), "{}", rule_zh(&q));
        // An operator's explicit choice stands.
        req.birth_date = Some(date(2020, 5, 1));
        req.enrollee = EnrolleeKind::Interrupted;
        assert_eq!(ok("liuzhou-2021", &req).coverage_from, date(2021, 4, 1));
    }

    // ---- general ----

    #[test]
    fn unknown_category_lists_the_known_ones() {
        let err = quote_for("yibin-2024", &request(&["贫困生"], date(2023, 10, 1))).expect_err("unknown");
        let shown = err.to_string();
        assert!(shown.contains("贫困生") && shown.contains("低保对象") && shown.contains("特困人员"), "{shown}");
    }

    #[test]
    fn category_without_a_rule_is_quoted_as_an_ordinary_pupil() {
        // 001 does not mention 失地农民.
        let q = ok("yibin-2024", &request(&["失地农民"], date(2023, 10, 1)));
        assert_eq!((q.personal_due_fen, q.department_due_fen), (38_000, 0));
        assert!(rule_zh(&q).contains("未规定该类别的资助"), "{}", rule_zh(&q));
    }

    #[test]
    fn quote_serializes_dates_as_ymd() {
        let q = ok("yibin-2024", &request(&["低保"], date(2023, 10, 1)));
        let json = serde_json::to_value(&q).expect("json");
        assert_eq!(json["coverage_from"], "2024-01-01");
        assert_eq!(json["coverage_to"], "2024-12-31");
        assert_eq!(json["personal_due_fen"], 9_500);
        assert_eq!(json["policy"], "yibin-2024");
    }

    /// 003 四(三)1 orders who pays for a child of several categories (计生 → 残疾 → 脱贫 → 医疗救助), with 003's
    /// payers (三(二)1: 民政's and 扶贫's groups by 医保): liuzhou-2021 follows both. The 2023 notice (000) gives
    /// neither amounts, payers nor an order, so under liuzhou-2023 a child of two departments has no payer named
    /// (待核实); before, 003's order was borrowed alone and named 乡村振兴 for [特困人员, 过渡期内脱贫人口], where 003
    /// has 医保 pay for both.
    #[test]
    fn liuzhou_003_order_decides_who_pays_in_2021_and_2023_leaves_it_to_be_confirmed() {
        let cases = [
            (vec!["低保对象", "重度残疾人"], "重度残疾人", "残联"),
            (vec!["低保", "残疾", "计生"], "计生对象", "卫健"),
            (vec!["特困人员", "过渡期内脱贫人口"], "过渡期内脱贫人口", "医保"),
        ];
        for (categories, winner, department) in cases {
            let q = ok("liuzhou-2021", &request(&categories, date(2020, 10, 1)));
            assert_eq!(q.paying_category(), Some(winner), "{categories:?}");
            assert_eq!(q.paying_department.as_deref(), Some(department), "{categories:?}");
            let q = ok("liuzhou-2023", &request(&categories, date(2022, 10, 1)));
            assert_eq!((q.paying_department.as_deref(), q.paying_category()), (None, None), "{categories:?}");
            assert!(q.judgements.iter().any(|j| j.text.contains("待核实")), "{categories:?} {:?}", q.judgements);
            assert!(!q.judgements.iter().any(|j| j.text.contains("其余部门不重复资助")), "{:?}", q.judgements);
            assert_eq!(q.personal_due_fen, 35_000);
        }
    }

    /// A policy with neither amounts nor an order names no paying department for a child of two departments: a
    /// guess would tell the other department it need not pay.
    #[test]
    fn several_unspecified_subsidies_without_an_order_leave_the_payer_to_be_confirmed() {
        let text = r#"
title = "测试"
document = "测试"
insured_year = 2023
personal_premium = 350
[[window]]
name = "集中缴费期"
from = 2022-09-01
to = 2022-12-31
coverage = "year"
[category."低保对象"]
subsidy = "unspecified"
[category."重度残疾人"]
subsidy = "unspecified"
[category."特困人员"]
subsidy = "unspecified"
"#;
        let policy = Policy::from_toml("test", text, "test.toml").expect("parses");
        let table = CategoryTable::builtin();
        let q = quote(&policy, table, &request(&["低保对象", "重度残疾人"], date(2022, 10, 1))).expect("quote");
        assert_eq!((q.paying_department.as_deref(), q.paying_category()), (None, None));
        assert!(q.subsidy_unspecified);
        assert!(q.judgements.iter().any(|j| j.text.contains("待核实")), "{:?}", q.judgements);
        // Two categories of one department: that department, as before.
        let q = quote(&policy, table, &request(&["低保对象", "特困人员"], date(2022, 10, 1))).expect("quote");
        assert_eq!(q.paying_department.as_deref(), Some("民政"));
    }
}
