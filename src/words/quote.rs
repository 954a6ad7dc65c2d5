//! A quote in words: each `RuleStep` said in Chinese or English from this file's two tables, for the detail
//! screen, the payment form and `canbao quote` (its text, and the `rule` / `rule_en` of `--json`). The command
//! line's Chinese carries the English in brackets, as all its default output does.

use super::{Language, fill};
use crate::domain::money;
use crate::domain::policy::{
    AmountStep, Citation, CoverageBasis, EnrollPlace, EnrolleeKind, PaidFirst, RuleStep, Subsidy, SubsidyPayment,
};

/// The sentences of a quote's rule in one language. Placeholders are described where they are numbered.
pub struct QuoteWords {
    /// Picks which of a policy's own two notes on a category is said.
    lang: Language,
    /// Between two sentences.
    sentence_gap: &'static str,
    /// Between the names in a list of categories.
    list_gap: &'static str,
    /// Between the categories of the policy's full-subsidy order.
    order_gap: &'static str,
    /// Between the parts of one category's advice.
    advice_gap: &'static str,
    /// Policy title, document, day paid, window, its first and last day.
    window: &'static str,
    /// The pupil's grade, an entry grade taken as a September freshman.
    freshman_by_grade: &'static str,
    /// Birth date, the end of last year's insured year.
    born_after: &'static str,
    /// Birth date, the end of last year's concentrated period.
    born_last_year: &'static str,
    /// {0} department, {1} its window, {2} {3} the window's days, {4} `department_notice`, {5} {6} the cover,
    /// {7} clause.
    department_window: &'static str,
    /// The notice's words for a department's window.
    department_notice: &'static str,
    /// The policy's reading of a window's cover.
    cite_reading: &'static str,
    /// The notice's words for a window's cover.
    cite_notice: &'static str,
    cite_clause: &'static str,
    /// Cover for the insured year: {0} what it rests on, {1} {2} the cover.
    insured_year: &'static str,
    /// A September freshman: as `insured_year`.
    freshman: &'static str,
    /// A freshman in a window without a freshman rule: as `insured_year`.
    no_freshman_rule: &'static str,
    /// Cover after a wait: {0} who (below), {1} what it rests on, {2} `after_no_freshman_rule` or nothing,
    /// {3} {4} the cover, {5} `wait`.
    after_payment: &'static str,
    /// The wait in months, said where the notice's own words do not say it.
    wait: &'static str,
    after_no_freshman_rule: &'static str,
    new_enrollee: &'static str,
    interrupted_enrollee: &'static str,
    continuing_enrollee: &'static str,
    /// The premium.
    personal_premium: &'static str,
    /// Months after birth, the premium, clause.
    newborn: &'static str,
    /// Premium, government subsidy, their sum, clause.
    financing_standard: &'static str,
    /// The categories.
    no_rule_for: &'static str,
    full_subsidy: &'static str,
    /// Percent.
    share_subsidy: &'static str,
    fixed_subsidy: &'static str,
    /// Category, the subsidy (above), amount, department, clause.
    subsidy_on_behalf: &'static str,
    /// As `subsidy_on_behalf`.
    subsidy_reimbursed: &'static str,
    /// The order, the category chosen.
    full_subsidy_order: &'static str,
    /// The category chosen.
    highest_subsidy: &'static str,
    /// The government-subsidy part.
    family_pays_government_part: &'static str,
    /// Categories, department, clause.
    unspecified_reimbursed: &'static str,
    /// As `unspecified_reimbursed`.
    unspecified_on_behalf: &'static str,
    /// Categories, what they are told.
    advice: &'static str,
    place_school: &'static str,
    place_benefit: &'static str,
    place_family: &'static str,
    place_benefit_optional: &'static str,
    /// The family's amount, the department's.
    totals: &'static str,
    /// A family that paid before the category was certified, under a notice that says what follows: {0} category,
    /// {1} what the family paid, {2} the subsidy, {3} department, {4} by when, {5} clause.
    paid_first_to_family: &'static str,
    /// The same under a notice that says nothing of it: {0} category, {1} paid, {2} the subsidy, {3} department.
    paid_first_unsaid: &'static str,
    /// `paid_first_unsaid`'s department where the quote names none.
    certifying_department: &'static str,
    /// `canbao quote`: the policy's title and name, the day paid.
    pub cli_head: &'static str,
    /// The amount.
    pub cli_family_pays: &'static str,
    /// Where the family's amount stands for a family that paid before the category was certified: the amount.
    pub cli_paid: &'static str,
    /// Where an amount stands for a pupil whose subsidy waits on the 本市户籍 check: {0} if local, {1} if not.
    pub hukou_pending: &'static str,
    /// `canbao quote`'s amount line for it: {0} `hukou_pending`.
    pub cli_hukou_pending: &'static str,
    /// The amount.
    pub cli_department_pays: &'static str,
    /// The cover's first and last day.
    pub cli_covered: &'static str,
    pub cli_away_required: &'static str,
    pub cli_away_optional: &'static str,
    /// Where an amount would stand for a pupil insured elsewhere: the place.
    pub cli_elsewhere_at: &'static str,
    pub cli_elsewhere: &'static str,
    /// Above the rule of a pupil insured elsewhere.
    pub cli_if_here: &'static str,
    pub cli_judgements: &'static str,
    /// A judgement's text, its clause.
    pub cli_judgement: &'static str,
}

pub static ZH: QuoteWords = QuoteWords {
    lang: Language::Zh,
    sentence_gap: "",
    list_gap: "、",
    order_gap: "、",
    advice_gap: "；",
    window: "{}（{}）：{}缴费，属「{}」（{}至{}）。",
    freshman_by_grade: "年级为「{}」，属入学年级，按今年9月入学新生计（如非今年9月入学，如留级、转入，应按其他在校学生计）。",
    born_after: "出生于{}，晚于上一保险年度结束（{}），此前不可能已参保，按新参保计。",
    born_last_year: "出生于{}，在上一年度集中缴费期结束（{}）后出生，可能已作为新生儿参保：如参保后中断，按中断缴费计（以下即按此计）；如从未参保，按新参保计，请向家长核实。",
    department_window: "由{0}在「{1}」（{2}至{3}）代缴，属代缴部门的统一缴费时间，不按补缴计，{4}待遇期{5}至{6}（{7}）。",
    department_notice: "依「{}」，",
    cite_reading: "{}",
    cite_notice: "依「{}」",
    cite_clause: "（{}）",
    insured_year: "{0}，待遇期{1}至{2}。",
    freshman: "9月入学新生，{0}，待遇期{1}至{2}。",
    no_freshman_rule: "本缴费期无新生特别规定，按普通学生计，{0}，待遇期{1}至{2}。",
    after_payment: "{0}{5}{1}{2}，待遇期{3}至{4}。",
    wait: "",
    after_no_freshman_rule: "，本缴费期无新生特别规定",
    new_enrollee: "新参保，",
    interrupted_enrollee: "中断后再参保，",
    continuing_enrollee: "续保人员未在集中缴费期缴费，按中断缴费计，",
    personal_premium: "个人缴费标准{}。",
    newborn: "出生{}个月内的新生儿按个人缴费标准{}缴纳（{}）。",
    financing_standard: "此期间按筹资标准缴纳：个人缴费{}+财政补助{}={}（{}）。",
    no_rule_for: "{}：本政策未规定该类别的资助，按普通学生计。",
    full_subsidy: "个人缴费部分全额补助",
    share_subsidy: "按个人缴费标准的{}%资助",
    fixed_subsidy: "定额资助",
    subsidy_on_behalf: "{}：{}{}，由{}代缴（{}）。",
    subsidy_reimbursed: "{}：先按应缴标准全额缴纳，{}{}由{}事后发放给个人（{}）。",
    full_subsidy_order: "多重身份的全额补助按{}的顺序，由「{}」补助。",
    highest_subsidy: "多重身份的补助就高不就低，取最高的「{}」，不累加，补助不超过个人缴费标准。",
    family_pays_government_part: "补助仅限个人缴费部分，财政补助部分{}由个人缴纳（通知未说明，按保守读法计）。",
    unspecified_reimbursed: "{}：差额补助，先按应缴标准全额缴纳，差额由{}事后发放给个人，标准本政策未列明（{}）。",
    unspecified_on_behalf: "{}：本政策未列明资助标准，按个人缴费标准计；如有资助，以{}核定为准（{}）。",
    advice: "{}：{}。",
    place_school: "随学校参保",
    place_benefit: "应在待遇审批地参保缴费，不随学校参保",
    place_family: "以家庭为单位参保，不随学校参保",
    place_benefit_optional: "已在户籍地（待遇审批地）参保的，可以不在学校参保",
    totals: "家庭应缴{}，部门代缴{}。",
    paid_first_to_family: "{0}：家庭已缴{1}，已缴保费不予退费，部门不再代缴；按规定应享受的补助{2}由{3}于{4}拨付至家庭指定的银行账户（{5}）。",
    paid_first_unsaid: "{0}：家庭已缴{1}，部门不再代缴；通知未规定已缴保费是否退还、补助{2}是否另行发放给家庭，请向{3}确认。",
    certifying_department: "认定部门",
    cli_head: "{}（{}）  {} 缴费",
    cli_family_pays: "家庭应缴 (family pays)      {}",
    cli_paid: "已缴 {} (paid)",
    hukou_pending: "待核实户籍：本市户籍{0}，非本市户籍{1}",
    cli_hukou_pending: "{0} (pending the hukou check)",
    cli_department_pays: "部门代缴 (department pays)  {}",
    cli_covered: "待遇期 (covered)            {} 至 {}",
    cli_away_required: "注意：此类学生不随学校参保（见下） (enrolls away from school, see below)",
    cli_away_optional: "注意：此类学生可以不随学校参保（见下） (may enroll away from school, see below)",
    cli_elsewhere_at: "0元：异地参保（{}），在参保地缴费，本地不收取 (insured elsewhere: nothing is collected here)",
    cli_elsewhere: "0元：异地参保，在参保地缴费，本地不收取 (insured elsewhere: nothing is collected here)",
    cli_if_here: "以下是改在本地参保时按本政策的计算 (if enrolled here instead):",
    cli_judgements: "通知未明说、请向经办机构确认的判断：",
    cli_judgement: "- {}（{}）",
};

pub static EN: QuoteWords = QuoteWords {
    lang: Language::En,
    sentence_gap: " ",
    list_gap: ", ",
    order_gap: ", then ",
    advice_gap: "; ",
    window: "{} ({}): paid on {}, in window \"{}\" ({} to {}).",
    freshman_by_grade: "Grade {} is an entry grade: quoted as a September freshman (one who did not start this September, repeating or transferred in, is an ordinary pupil).",
    born_after: "Born on {}, after last year's insured year ended ({}): never insured before, counted as a new enrollee.",
    born_last_year: "Born on {}, after last year's concentrated period ended ({}): may have been insured as a newborn, and is then interrupted (quoted so below); one never insured is a new enrollee: ask the family.",
    department_window: "Paid on the pupil's behalf by {0} in \"{1}\" ({2} to {3}), the department's own schedule, not a late payment{4}; covered {5} to {6} ({7}).",
    department_notice: "",
    cite_reading: "",
    cite_notice: "",
    cite_clause: " ({})",
    insured_year: "Normal cover{0}; covered {1} to {2}.",
    freshman: "September freshman: cover from {1}{0}; covered {1} to {2}.",
    no_freshman_rule: "No freshman rule for this window, so the normal cover applies{0}; covered {1} to {2}.",
    after_payment: "{0}: {5}{1}{2}; covered {3} to {4}.",
    wait: "cover starts on the 1st of the month {} month(s) after the payment month",
    after_no_freshman_rule: "; no freshman rule for this window",
    new_enrollee: "New enrollee",
    interrupted_enrollee: "Interrupted enrollee",
    continuing_enrollee: "Continuing enrollee who missed the concentrated period, counted as interrupted",
    personal_premium: "Personal premium {}.",
    newborn: "Newborn within {} months of birth: personal premium {} only ({}).",
    financing_standard: "In this window the financing standard is due: personal {} + government subsidy {} = {} ({}).",
    no_rule_for: "{}: no subsidy for this category under this policy.",
    full_subsidy: "full subsidy of the personal premium",
    share_subsidy: "subsidy of {}% of the personal premium",
    fixed_subsidy: "fixed subsidy",
    subsidy_on_behalf: "{}: {} ({}), paid on the pupil's behalf by {} ({}).",
    subsidy_reimbursed: "{}: pay in full first; the {} ({}) is paid back by {} ({}).",
    full_subsidy_order: "Several full subsidies apply in the order {}: {} pays.",
    highest_subsidy: "Several subsidies: the highest ({}) applies, never a sum, never more than the premium.",
    family_pays_government_part: "The subsidy covers the personal premium only; the government-subsidy part ({}) is quoted to the family (the notice is silent; conservative reading).",
    unspecified_reimbursed: "{}: partial subsidy paid back afterwards by {}; the policy gives no amount ({}).",
    unspecified_on_behalf: "{}: the policy gives no subsidy amount, so the full premium is quoted; any subsidy is decided by {} ({}).",
    advice: "{}: {}.",
    place_school: "enrolls with the school",
    place_benefit: "enrolls where the benefit was approved, not at school",
    place_family: "enrolls with the family, not at school",
    place_benefit_optional: "may skip school enrollment if enrolled where registered",
    totals: "Family pays {}; department pays {}.",
    paid_first_to_family: "{0}: the family has paid {1}, which is not refunded, and no department pays on the pupil's behalf; {3} pays the subsidy due, {2}, into the family's bank account {4} ({5}).",
    paid_first_unsaid: "{0}: the family has paid {1}, so no department pays on the pupil's behalf; the notice does not say whether the premium is refunded or the subsidy, {2}, paid to the family: ask {3}.",
    certifying_department: "the certifying department",
    cli_head: "{} ({})  paid on {}",
    cli_family_pays: "family pays      {}",
    cli_paid: "{} paid",
    hukou_pending: "pending the hukou check: {0} if local, {1} if not",
    cli_hukou_pending: "{0}",
    cli_department_pays: "department pays  {}",
    cli_covered: "covered          {} to {}",
    cli_away_required: "note: enrolls away from school (see below)",
    cli_away_optional: "note: may enroll away from school (see below)",
    cli_elsewhere_at: "0 yuan: insured elsewhere ({}) and paid there, nothing is collected here",
    cli_elsewhere: "0 yuan: insured elsewhere and paid there, nothing is collected here",
    cli_if_here: "If enrolled here instead, the policy would give:",
    cli_judgements: "Readings the notice does not state (confirm with the agency):",
    cli_judgement: "- {} ({})",
};

impl QuoteWords {
    pub fn of(lang: Language) -> &'static QuoteWords {
        match lang {
            Language::Zh => &ZH,
            Language::En => &EN,
        }
    }

    /// An amount with its unit as this language writes it: `350元`, `350 yuan` (as the detail screen says it).
    pub fn money(&self, fen: i64) -> String {
        match self.lang {
            Language::Zh => money::with_unit(fen),
            Language::En => format!("{} yuan", money::plain(fen)),
        }
    }

    /// A family that paid before the category was certified: what stands, and what becomes of the subsidy.
    pub fn paid_first(&self, p: &PaidFirst) -> String {
        let department = if p.department.trim().is_empty() { self.certifying_department } else { &p.department };
        let (paid, subsidy) = (self.money(p.paid_fen), self.money(p.subsidy_fen));
        match &p.to_family {
            Some(rule) => {
                let when = match self.lang {
                    Language::Zh => &rule.when,
                    Language::En => &rule.when_en,
                };
                fill(self.paid_first_to_family, &[&p.category, &paid, &subsidy, &department, when, &rule.clause])
            }
            None => fill(self.paid_first_unsaid, &[&p.category, &paid, &subsidy, &department]),
        }
    }

    /// Where a pupil in a category enrolls, as the operator tells the family.
    pub fn place(&self, place: EnrollPlace) -> &'static str {
        match place {
            EnrollPlace::School => self.place_school,
            EnrollPlace::BenefitPlace => self.place_benefit,
            EnrollPlace::Family => self.place_family,
            EnrollPlace::BenefitPlaceOptional => self.place_benefit_optional,
        }
    }

    /// A window's cover rests on: the policy's reading, else the notice's words, then the clause.
    fn cited(&self, c: &Citation) -> String {
        let mut s = if !c.reading.is_empty() {
            fill(self.cite_reading, &[&c.reading])
        } else if !c.notice.is_empty() {
            fill(self.cite_notice, &[&c.notice])
        } else {
            String::new()
        };
        if !c.clause.is_empty() {
            s.push_str(&fill(self.cite_clause, &[&c.clause]));
        }
        s
    }

    fn subsidy(&self, kind: Subsidy) -> String {
        match kind {
            Subsidy::Full => self.full_subsidy.to_owned(),
            Subsidy::Share { percent } => fill(self.share_subsidy, &[&percent]),
            Subsidy::Fixed { .. } | Subsidy::Unspecified | Subsidy::None => self.fixed_subsidy.to_owned(),
        }
    }

    /// One step in words; `None` for a step with nothing to say in this language.
    pub fn step(&self, step: &RuleStep) -> Option<String> {
        let list = |names: &[String]| names.join(self.list_gap);
        let said = match step {
            RuleStep::Window { policy_title, document, paid_on, window, from, to } => {
                fill(self.window, &[policy_title, document, paid_on, window, from, to])
            }
            RuleStep::FreshmanByGrade { grade } => fill(self.freshman_by_grade, &[grade]),
            RuleStep::BornAfterLastYear { birth_date, last_year_end } => {
                fill(self.born_after, &[birth_date, last_year_end])
            }
            RuleStep::BornInLastYear { birth_date, period_end } => fill(self.born_last_year, &[birth_date, period_end]),
            RuleStep::DepartmentWindow { paid_by, window, from, to, notice, coverage_from, coverage_to, clause } => {
                let notice = if notice.is_empty() { String::new() } else { fill(self.department_notice, &[notice]) };
                fill(self.department_window, &[paid_by, window, from, to, &notice, coverage_from, coverage_to, clause])
            }
            RuleStep::Coverage { basis, cited, coverage_from, coverage_to } => {
                let cited = self.cited(cited);
                match *basis {
                    CoverageBasis::InsuredYear => fill(self.insured_year, &[&cited, coverage_from, coverage_to]),
                    CoverageBasis::Freshman => fill(self.freshman, &[&cited, coverage_from, coverage_to]),
                    CoverageBasis::NoFreshmanRule => fill(self.no_freshman_rule, &[&cited, coverage_from, coverage_to]),
                    CoverageBasis::AfterPayment { enrollee, months, no_freshman_rule } => {
                        let who = match enrollee {
                            EnrolleeKind::New => self.new_enrollee,
                            EnrolleeKind::Interrupted => self.interrupted_enrollee,
                            EnrolleeKind::Continuing => self.continuing_enrollee,
                        };
                        let freshman = if no_freshman_rule { self.after_no_freshman_rule } else { "" };
                        let wait = fill(self.wait, &[&months]);
                        fill(self.after_payment, &[&who, &cited, &freshman, coverage_from, coverage_to, &wait])
                    }
                }
            }
            RuleStep::Amount(AmountStep::PersonalPremium { premium_fen }) => {
                fill(self.personal_premium, &[&self.money(*premium_fen)])
            }
            RuleStep::Amount(AmountStep::Newborn { months, premium_fen, clause }) => {
                fill(self.newborn, &[months, &self.money(*premium_fen), clause])
            }
            RuleStep::Amount(AmountStep::FinancingStandard { premium_fen, subsidy_fen, standard_fen, clause }) => {
                let amounts = [premium_fen, subsidy_fen, standard_fen].map(|f| self.money(*f));
                fill(self.financing_standard, &[&amounts[0], &amounts[1], &amounts[2], clause])
            }
            RuleStep::NoRuleFor { categories } => fill(self.no_rule_for, &[&list(categories)]),
            RuleStep::Subsidy { category, kind, amount_fen, paid_by, payment, clause } => {
                let template = match payment {
                    SubsidyPayment::OnBehalf => self.subsidy_on_behalf,
                    SubsidyPayment::Reimbursed => self.subsidy_reimbursed,
                };
                fill(template, &[category, &self.subsidy(*kind), &self.money(*amount_fen), paid_by, clause])
            }
            RuleStep::FullSubsidyOrder { order, chosen } => {
                fill(self.full_subsidy_order, &[&order.join(self.order_gap), chosen])
            }
            RuleStep::HighestSubsidy { chosen } => fill(self.highest_subsidy, &[chosen]),
            RuleStep::FamilyPaysGovernmentPart { amount_fen } => {
                fill(self.family_pays_government_part, &[&self.money(*amount_fen)])
            }
            RuleStep::UnspecifiedSubsidy { categories, paid_by, payment, clause } => {
                let template = match payment {
                    SubsidyPayment::Reimbursed => self.unspecified_reimbursed,
                    SubsidyPayment::OnBehalf => self.unspecified_on_behalf,
                };
                fill(template, &[&list(categories), paid_by, clause])
            }
            RuleStep::Advice { categories, place, note, note_en } => {
                let note = match self.lang {
                    Language::Zh => note,
                    Language::En => note_en,
                };
                let parts: Vec<&str> = place
                    .map(|p| self.place(p))
                    .into_iter()
                    .chain(Some(note.as_str()))
                    .filter(|p| !p.is_empty())
                    .collect();
                if parts.is_empty() {
                    return None;
                }
                fill(self.advice, &[&list(categories), &parts.join(self.advice_gap)])
            }
            RuleStep::Totals { personal_fen, department_fen } => {
                fill(self.totals, &[&self.money(*personal_fen), &self.money(*department_fen)])
            }
            RuleStep::PaidFirst(paid) => self.paid_first(paid),
        };
        Some(said)
    }
}

/// The whole rule of a quote, its steps in order, in `lang`.
pub fn rule_text(steps: &[RuleStep], lang: Language) -> String {
    let words = QuoteWords::of(lang);
    steps.iter().filter_map(|s| words.step(s)).collect::<Vec<_>>().join(words.sentence_gap)
}

#[cfg(test)]
mod tests {
    use super::super::{placeholders, table_strings};

    /// Every Chinese sentence has the same placeholders as its English one, except where one language says
    /// nothing (an empty template).
    #[test]
    fn both_languages_fill_the_same_placeholders() {
        let source = include_str!("quote.rs");
        let zh = table_strings(source, "pub static ZH");
        let en = table_strings(source, "pub static EN");
        assert!(zh.len() > 30, "the table is read: {} fields", zh.len());
        assert_eq!(zh.keys().collect::<Vec<_>>(), en.keys().collect::<Vec<_>>());
        for (field, z) in &zh {
            let e = &en[field];
            if z.is_empty() && e.is_empty() {
                // Not a template (the table's language).
                continue;
            }
            assert_eq!((z.len(), e.len()), (1, 1), "{field}");
            if z[0].is_empty() || e[0].is_empty() {
                continue;
            }
            assert_eq!(placeholders(&z[0]), placeholders(&e[0]), "{field}: {} / {}", z[0], e[0]);
        }
    }
}
