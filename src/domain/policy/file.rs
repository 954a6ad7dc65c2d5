//! The policy file format and its checks. Serde does the shape (unknown keys, types, missing keys, with the
//! position toml reports); [`parse`] then checks what serde cannot, naming the key for each problem.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::{
    AmountBasis, BearsOn, CategoryRule, CoverageStart, DataFileError, DepartmentWindow, EnrollPlace, Judgement,
    JudgementScope, Ledger, PaymentWindow, Policy, ScopedJudgement, Subsidy, SubsidyPayment, SubsidyToFamily,
};
use crate::data_file::render_segment;
use crate::domain::category::CategoryTable;
use crate::domain::money;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    title: String,
    document: String,
    insured_year: i32,
    personal_premium: Yuan,
    #[serde(default)]
    government_subsidy: Option<Yuan>,
    #[serde(default)]
    coverage_from: Option<Date>,
    #[serde(default)]
    coverage_to: Option<Date>,
    #[serde(default)]
    full_subsidy_order: Vec<String>,
    #[serde(default)]
    highest_subsidy_clause: String,
    #[serde(default)]
    window: Vec<WindowFile>,
    #[serde(default)]
    department_window: Vec<DepartmentWindowFile>,
    #[serde(default)]
    judgement: Vec<JudgementFile>,
    #[serde(default)]
    category: BTreeMap<String, CategoryRuleFile>,
    #[serde(default)]
    payment_instructions: String,
    #[serde(default)]
    local_area_codes: Vec<String>,
    #[serde(default)]
    paid_before_certification: Option<SubsidyToFamilyFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SubsidyToFamilyFile {
    when: String,
    when_en: String,
    clause: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DepartmentWindowFile {
    name: String,
    from: Date,
    to: Date,
    clause: String,
    #[serde(default)]
    text: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JudgementFile {
    text: String,
    text_en: String,
    clause: String,
    #[serde(default)]
    applies_to: AppliesToFile,
    #[serde(default)]
    categories: Vec<String>,
    /// What the reading decides: "amount" (the default) or "cover".
    #[serde(default)]
    bears_on: BearsOn,
    /// In a category's judgement only: the category the pupil is priced as if the reading is not confirmed.
    #[serde(default)]
    otherwise_as: Option<String>,
}

#[derive(Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum AppliesToFile {
    #[default]
    Everyone,
    Special,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowFile {
    name: String,
    from: Date,
    to: Date,
    #[serde(default)]
    clause: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    coverage_text: String,
    #[serde(default)]
    amount: AmountFile,
    coverage: CoverageFile,
    #[serde(default)]
    new_enrollee_months: Option<u32>,
    #[serde(default)]
    interrupted_months: Option<u32>,
    #[serde(default)]
    freshman_coverage_from: Option<Date>,
    #[serde(default)]
    newborn_months: Option<u32>,
    #[serde(default)]
    judgement: Vec<JudgementFile>,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum AmountFile {
    #[default]
    Personal,
    FinancingStandard,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum CoverageFile {
    Year,
    MonthsAfterPayment,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryRuleFile {
    subsidy: SubsidyFile,
    #[serde(default)]
    subsidy_percent: Option<u32>,
    #[serde(default)]
    subsidy_amount: Option<Yuan>,
    #[serde(default)]
    payment: PaymentFile,
    #[serde(default)]
    paid_by: Option<String>,
    #[serde(default)]
    enroll: EnrollFile,
    #[serde(default)]
    ledger: Option<LedgerFile>,
    #[serde(default)]
    clause: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    note_en: String,
    /// The notice grants the subsidy only to people of the city's own household registration (本市户籍).
    #[serde(default)]
    local_hukou: bool,
    #[serde(default)]
    judgement: Vec<JudgementFile>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum SubsidyFile {
    Full,
    Share,
    Fixed,
    Unspecified,
    None,
}

#[derive(Deserialize, Default, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum PaymentFile {
    #[default]
    OnBehalf,
    Reimbursed,
}

#[derive(Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum EnrollFile {
    #[default]
    School,
    BenefitPlace,
    Family,
    BenefitPlaceOptional,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum LedgerFile {
    PaidElsewhere,
    GovernmentPaid,
}

/// An amount written in yuan: an integer (`350`), a string (`"95.50"`), or a float with at most two decimals.
#[derive(Clone, Copy)]
struct Yuan(i64);

impl<'de> Deserialize<'de> for Yuan {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(YuanVisitor)
    }
}

struct YuanVisitor;

const YUAN_EXPECTED: &str = "以元为单位的金额，如 350 或 \"95.50\"";

impl Visitor<'_> for YuanVisitor {
    type Value = Yuan;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(YUAN_EXPECTED)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Yuan, E> {
        if v < 0 {
            return Err(E::custom(format!("金额不能为负数：{v}")));
        }
        v.checked_mul(100).map(Yuan).ok_or_else(|| E::custom(format!("金额过大：{v}")))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Yuan, E> {
        i64::try_from(v).map_err(|_| E::custom(format!("金额过大：{v}"))).and_then(|v| self.visit_i64(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Yuan, E> {
        let fen = (v * 100.0).round();
        // Refuses 95.555 and the like rather than rounding someone's money silently.
        if !v.is_finite() || v < 0.0 || (v * 100.0 - fen).abs() > 1e-6 || fen > 1e15 {
            return Err(E::custom(format!("金额 {v} 无效：应为不为负、最多两位小数的元")));
        }
        Ok(Yuan(fen as i64))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Yuan, E> {
        money::parse_yuan(v).map(Yuan).ok_or_else(|| E::custom(format!("金额“{v}”无效：{YUAN_EXPECTED}")))
    }
}

/// A TOML local date (`2023-01-01`); a date-time or a quoted string is refused.
#[derive(Clone, Copy)]
struct Date(NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = toml::value::Datetime::deserialize(deserializer)?;
        match (value.date, value.time, value.offset) {
            (Some(d), None, None) => NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                .map(Date)
                .ok_or_else(|| de::Error::custom(format!("日期 {value} 不存在"))),
            _ => Err(de::Error::custom(format!("应为日期（如 2023-01-01），不是 {value}"))),
        }
    }
}

struct Checker<'a> {
    file: &'a str,
    text: &'a str,
}

impl Checker<'_> {
    fn err(&self, key: &str, zh: impl Into<String>, en: impl Into<String>) -> DataFileError {
        DataFileError::invalid(self.file, self.text, key, zh.into(), en.into())
    }
}

pub(super) fn parse(name: &str, text: &str, file: &str, table: &CategoryTable) -> Result<Policy, DataFileError> {
    let raw: PolicyFile = toml::from_str(text).map_err(|e| DataFileError::from_toml(file, text, &e))?;
    let check = Checker { file, text };

    if !(2000..=2100).contains(&raw.insured_year) {
        return Err(check.err(
            "insured_year",
            format!("保险年度 {} 不合理", raw.insured_year),
            format!("insured year {} is implausible", raw.insured_year),
        ));
    }
    if raw.personal_premium.0 == 0 {
        return Err(check.err("personal_premium", "个人缴费标准不能为0", "the personal premium is zero"));
    }
    let year_start = NaiveDate::from_ymd_opt(raw.insured_year, 1, 1);
    let year_end = NaiveDate::from_ymd_opt(raw.insured_year, 12, 31);
    let (Some(coverage_from), Some(coverage_to)) =
        (raw.coverage_from.map(|d| d.0).or(year_start), raw.coverage_to.map(|d| d.0).or(year_end))
    else {
        return Err(check.err("insured_year", "保险年度无效", "invalid insured year"));
    };
    if coverage_from > coverage_to {
        return Err(check.err(
            "coverage_to",
            format!("待遇期结束日 {coverage_to} 早于开始日 {coverage_from}"),
            format!("coverage ends ({coverage_to}) before it starts ({coverage_from})"),
        ));
    }
    let government_subsidy_fen = raw.government_subsidy.map(|y| y.0);

    if raw.window.is_empty() {
        return Err(check.err("window", "至少需要一个缴费期 [[window]]", "at least one [[window]] is required"));
    }
    let mut windows = Vec::with_capacity(raw.window.len());
    for (i, w) in raw.window.into_iter().enumerate() {
        windows.push(window(&check, i, w, government_subsidy_fen.is_some(), coverage_to, table)?);
    }
    let mut order: Vec<usize> = (0..windows.len()).collect();
    order.sort_by_key(|&i| windows[i].from);
    for pair in order.windows(2) {
        let (a, b) = (&windows[pair[0]], &windows[pair[1]]);
        if b.from <= a.to {
            return Err(check.err(
                &format!("window[{}].from", pair[1]),
                format!("缴费期“{}”与“{}”日期重叠", b.name, a.name),
                format!("payment window {} overlaps {}", b.name, a.name),
            ));
        }
    }
    windows.sort_by_key(|w| w.from);

    let mut department_windows = Vec::with_capacity(raw.department_window.len());
    for (i, w) in raw.department_window.into_iter().enumerate() {
        department_windows.push(department_window(&check, i, w, coverage_to)?);
    }
    let mut judgements = Vec::with_capacity(raw.judgement.len());
    for (i, j) in raw.judgement.into_iter().enumerate() {
        judgements.push(scoped_judgement(&check, &format!("judgement[{i}]"), j, table)?);
    }

    let mut categories = BTreeMap::new();
    for (written, rule) in raw.category {
        let key = format!("category.{}", render_segment(&written));
        let rule = category_rule(&check, &key, &written, rule, table)?;
        if categories.contains_key(&rule.category) {
            return Err(check.err(
                &key,
                format!("类别“{}”重复（“{written}”是它的别名）", rule.category),
                format!("category {} appears twice ({written} is an alias of it)", rule.category),
            ));
        }
        categories.insert(rule.category.clone(), rule);
    }

    let full_subsidy_order = full_subsidy_order(&check, &raw.full_subsidy_order, &categories, table)?;

    Ok(Policy {
        name: name.to_owned(),
        title: raw.title.trim().to_owned(),
        document: raw.document.trim().to_owned(),
        insured_year: raw.insured_year,
        personal_premium_fen: raw.personal_premium.0,
        government_subsidy_fen,
        coverage_from,
        coverage_to,
        windows,
        categories,
        full_subsidy_order,
        highest_subsidy_clause: raw.highest_subsidy_clause.trim().to_owned(),
        payment_instructions: raw.payment_instructions.trim().to_owned(),
        local_area_codes: raw
            .local_area_codes
            .iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty() && c.chars().all(|d| d.is_ascii_digit()))
            .collect(),
        department_windows,
        paid_before_certification: raw.paid_before_certification.map(|p| SubsidyToFamily {
            when: p.when.trim().to_owned(),
            when_en: p.when_en.trim().to_owned(),
            clause: p.clause.trim().to_owned(),
        }),
        judgements,
        source: file.to_owned(),
    })
}

/// One `[[department_window]]`: dates within the insured year, and its clause.
fn department_window(
    check: &Checker,
    i: usize,
    w: DepartmentWindowFile,
    coverage_to: NaiveDate,
) -> Result<DepartmentWindow, DataFileError> {
    let key = |k: &str| format!("department_window[{i}].{k}");
    if w.from.0 > w.to.0 {
        return Err(check.err(
            &key("to"),
            format!("代缴期“{}”结束日 {} 早于开始日 {}", w.name, w.to.0, w.from.0),
            format!("department window {} ends before it starts", w.name),
        ));
    }
    // A department paying after the insured year cannot be buying that year's cover on schedule.
    if w.to.0 > coverage_to || (w.from.0.year() - coverage_to.year()).abs() > 1 {
        return Err(check.err(
            &key("to"),
            format!("代缴期“{}”应在保险年度结束（{coverage_to}）之前", w.name),
            format!("department window {} must end within the insured year", w.name),
        ));
    }
    if w.clause.trim().is_empty() {
        return Err(check.err(&key("clause"), "代缴期需要注明依据条款 clause", "a department window needs its clause"));
    }
    Ok(DepartmentWindow {
        name: w.name.trim().to_owned(),
        from: w.from.0,
        to: w.to.0,
        clause: w.clause.trim().to_owned(),
        text: w.text.trim().to_owned(),
    })
}

/// `full_subsidy_order`: categories of this policy with a full (or unspecified) subsidy, each once, by their notices' names.
fn full_subsidy_order(
    check: &Checker,
    written_order: &[String],
    categories: &BTreeMap<String, CategoryRule>,
    table: &CategoryTable,
) -> Result<Vec<String>, DataFileError> {
    let mut order = Vec::with_capacity(written_order.len());
    for written in written_order {
        let key = "full_subsidy_order";
        let Some(category) = table.lookup(written) else {
            return Err(unknown_category(check, key, written, table));
        };
        match categories.get(&category.name) {
            // A notice without amounts still has the standing order (003 四(三)1 is yearly): it decides which
            // department pays for a pupil of several categories whose amounts are unspecified.
            Some(CategoryRule { subsidy: Subsidy::Full | Subsidy::Unspecified, .. }) => {}
            _ => {
                return Err(check.err(
                    key,
                    format!(
                        "“{written}”不是本政策中全额补助（subsidy = \"full\"）或未列明金额（\"unspecified\"）的类别"
                    ),
                    format!("{written} is not a full-subsidy (or unspecified) category in this policy"),
                ));
            }
        }
        if order.contains(&category.name) {
            return Err(check.err(key, format!("“{written}”重复"), format!("{written} is listed twice")));
        }
        order.push(category.name.clone());
    }
    Ok(order)
}

fn scoped_judgement(
    check: &Checker,
    key: &str,
    j: JudgementFile,
    table: &CategoryTable,
) -> Result<ScopedJudgement, DataFileError> {
    let applies_to = match (j.applies_to, j.categories.is_empty()) {
        (AppliesToFile::Everyone, true) => JudgementScope::Everyone,
        (AppliesToFile::Special, true) => JudgementScope::Special,
        (AppliesToFile::Everyone, false) => {
            let mut names = Vec::with_capacity(j.categories.len());
            for written in &j.categories {
                let Some(category) = table.lookup(written) else {
                    return Err(unknown_category(check, &format!("{key}.categories"), written, table));
                };
                names.push(category.name.clone());
            }
            JudgementScope::Categories(names)
        }
        (AppliesToFile::Special, false) => {
            return Err(check.err(
                &format!("{key}.categories"),
                "applies_to = \"special\" 与 categories 不能同时使用",
                "applies_to = \"special\" and categories exclude each other",
            ));
        }
    };
    if j.otherwise_as.is_some() {
        return Err(check.err(
            &format!("{key}.otherwise_as"),
            "otherwise_as 只能用于类别的判断（[[category.\"类别\".judgement]]）",
            "otherwise_as belongs in a category's judgement ([[category.\"NAME\".judgement]]) only",
        ));
    }
    Ok(ScopedJudgement { judgement: judgement(check, key, &j, table)?, applies_to })
}

fn judgement(check: &Checker, key: &str, j: &JudgementFile, table: &CategoryTable) -> Result<Judgement, DataFileError> {
    let (text, text_en, clause) = (j.text.trim(), j.text_en.trim(), j.clause.trim());
    if text.is_empty() || text_en.is_empty() || clause.is_empty() {
        return Err(check.err(
            key,
            "判断（judgement）需要 text、text_en 和 clause，都不能为空",
            "a judgement needs text, text_en and clause, none empty",
        ));
    }
    let otherwise_as = match j.otherwise_as.as_deref().map(str::trim) {
        None => None,
        Some(written) => match table.lookup(written) {
            Some(category) => Some(category.name.clone()),
            None => return Err(unknown_category(check, &format!("{key}.otherwise_as"), written, table)),
        },
    };
    Ok(Judgement {
        text: text.to_owned(),
        text_en: text_en.to_owned(),
        clause: clause.to_owned(),
        bears_on: j.bears_on,
        otherwise_as,
        otherwise_personal_fen: None,
    })
}

fn window(
    check: &Checker,
    i: usize,
    w: WindowFile,
    has_subsidy: bool,
    coverage_to: NaiveDate,
    table: &CategoryTable,
) -> Result<PaymentWindow, DataFileError> {
    let key = |k: &str| format!("window[{i}].{k}");
    if w.from.0 > w.to.0 {
        return Err(check.err(
            &key("to"),
            format!("缴费期“{}”结束日 {} 早于开始日 {}", w.name, w.to.0, w.from.0),
            format!("payment window {} ends before it starts", w.name),
        ));
    }
    let amount = match w.amount {
        AmountFile::Personal => AmountBasis::PersonalPremium,
        AmountFile::FinancingStandard if !has_subsidy => {
            return Err(check.err(
                &key("amount"),
                "按筹资标准缴费需要先给出各级财政补助标准 government_subsidy",
                "amount = \"financing_standard\" needs government_subsidy",
            ));
        }
        AmountFile::FinancingStandard => AmountBasis::FinancingStandard,
    };
    if w.newborn_months.is_some() && amount != AmountBasis::FinancingStandard {
        return Err(check.err(
            &key("newborn_months"),
            "newborn_months 只用于按筹资标准缴费的缴费期",
            "newborn_months only applies with amount = \"financing_standard\"",
        ));
    }
    let coverage = match (w.coverage, w.new_enrollee_months, w.interrupted_months) {
        (CoverageFile::Year, None, None) => CoverageStart::InsuredYear,
        (CoverageFile::Year, Some(_), _) => {
            return Err(check.err(
                &key("new_enrollee_months"),
                "coverage = \"year\" 时不应给出月数",
                "months are only used with coverage = \"months_after_payment\"",
            ));
        }
        (CoverageFile::Year, None, Some(_)) => {
            return Err(check.err(
                &key("interrupted_months"),
                "coverage = \"year\" 时不应给出月数",
                "months are only used with coverage = \"months_after_payment\"",
            ));
        }
        (CoverageFile::MonthsAfterPayment, Some(new_enrollee), Some(interrupted)) => {
            if new_enrollee > 24 || interrupted > 24 {
                return Err(check.err(&key("new_enrollee_months"), "月数不合理（超过24）", "more than 24 months"));
            }
            CoverageStart::MonthsAfterPayment { new_enrollee, interrupted }
        }
        (CoverageFile::MonthsAfterPayment, None, _) => {
            return Err(check.err(
                &key("new_enrollee_months"),
                "coverage = \"months_after_payment\" 需要 new_enrollee_months",
                "coverage = \"months_after_payment\" needs new_enrollee_months",
            ));
        }
        (CoverageFile::MonthsAfterPayment, Some(_), None) => {
            return Err(check.err(
                &key("interrupted_months"),
                "coverage = \"months_after_payment\" 需要 interrupted_months",
                "coverage = \"months_after_payment\" needs interrupted_months",
            ));
        }
    };
    let freshman_coverage_from = w.freshman_coverage_from.map(|d| d.0);
    if let Some(from) = freshman_coverage_from
        && from > coverage_to
    {
        return Err(check.err(
            &key("freshman_coverage_from"),
            format!("新生待遇开始日 {from} 晚于待遇期结束日 {coverage_to}"),
            format!("freshman coverage starts ({from}) after coverage ends ({coverage_to})"),
        ));
    }
    if w.name.trim().is_empty() {
        return Err(check.err(&key("name"), "缴费期名称不能为空", "the window name is empty"));
    }
    // A window dated years away from the insured year is almost always a typo in the year.
    if (w.from.0.year() - coverage_to.year()).abs() > 1 || (w.to.0.year() - coverage_to.year()).abs() > 1 {
        return Err(check.err(
            &key("from"),
            format!("缴费期“{}”的日期与保险年度相差过远", w.name),
            format!("payment window {} is far from the insured year", w.name),
        ));
    }
    let mut judgements = Vec::with_capacity(w.judgement.len());
    for (j, raw) in w.judgement.into_iter().enumerate() {
        judgements.push(scoped_judgement(check, &key(&format!("judgement[{j}]")), raw, table)?);
    }
    Ok(PaymentWindow {
        name: w.name.trim().to_owned(),
        from: w.from.0,
        to: w.to.0,
        clause: w.clause.trim().to_owned(),
        text: w.text.trim().to_owned(),
        coverage_text: w.coverage_text.trim().to_owned(),
        amount,
        coverage,
        freshman_coverage_from,
        newborn_months: w.newborn_months,
        judgements,
    })
}

fn unknown_category(check: &Checker, key: &str, written: &str, table: &CategoryTable) -> DataFileError {
    check.err(
        key,
        format!("未知类别“{written}”；已知类别：{}", table.names().join("、")),
        format!("unknown category {written}; known: {}", table.names().join(", ")),
    )
}

fn category_rule(
    check: &Checker,
    key: &str,
    written: &str,
    rule: CategoryRuleFile,
    table: &CategoryTable,
) -> Result<CategoryRule, DataFileError> {
    let Some(category) = table.lookup(written) else {
        return Err(unknown_category(check, key, written, table));
    };
    let sub = |k: &str| format!("{key}.{k}");
    let subsidy = match (rule.subsidy, rule.subsidy_percent, rule.subsidy_amount) {
        (SubsidyFile::Share, _, Some(_)) => {
            return Err(check.err(
                &sub("subsidy_amount"),
                "subsidy_amount 只用于 subsidy = \"fixed\"",
                "subsidy_amount is only used with subsidy = \"fixed\"",
            ));
        }
        (SubsidyFile::Share, Some(percent), None) if percent <= 100 => Subsidy::Share { percent },
        (SubsidyFile::Share, Some(percent), None) => {
            return Err(check.err(
                &sub("subsidy_percent"),
                format!("资助比例 {percent}% 超过100%"),
                format!("subsidy share {percent}% is over 100%"),
            ));
        }
        (SubsidyFile::Share, None, _) => {
            return Err(check.err(
                &sub("subsidy_percent"),
                "subsidy = \"share\" 需要 subsidy_percent（资助比例，0–100）",
                "subsidy = \"share\" needs subsidy_percent",
            ));
        }
        (SubsidyFile::Fixed, None, Some(amount)) => Subsidy::Fixed { fen: amount.0 },
        (SubsidyFile::Fixed, _, None) => {
            return Err(check.err(
                &sub("subsidy_amount"),
                "subsidy = \"fixed\" 需要 subsidy_amount（定额资助，元）",
                "subsidy = \"fixed\" needs subsidy_amount",
            ));
        }
        (SubsidyFile::Full | SubsidyFile::Unspecified | SubsidyFile::None, None, None) => match rule.subsidy {
            SubsidyFile::Full => Subsidy::Full,
            SubsidyFile::Unspecified => Subsidy::Unspecified,
            _ => Subsidy::None,
        },
        (_, Some(_), _) => {
            return Err(check.err(
                &sub("subsidy_percent"),
                "subsidy_percent 只用于 subsidy = \"share\"",
                "subsidy_percent is only used with subsidy = \"share\"",
            ));
        }
        (_, None, Some(_)) => {
            return Err(check.err(
                &sub("subsidy_amount"),
                "subsidy_amount 只用于 subsidy = \"fixed\"",
                "subsidy_amount is only used with subsidy = \"fixed\"",
            ));
        }
    };
    let ledger = match rule.ledger {
        Some(_) if rule.enroll == EnrollFile::School => {
            return Err(check.err(
                &sub("ledger"),
                "ledger 只用于不随学校参保（enroll 不是 \"school\"）的类别",
                "ledger is only used when enroll is not \"school\"",
            ));
        }
        Some(LedgerFile::PaidElsewhere) => Some(Ledger::PaidElsewhere),
        Some(LedgerFile::GovernmentPaid) => Some(Ledger::GovernmentPaid),
        None => None,
    };
    let mut judgements = Vec::with_capacity(rule.judgement.len());
    for (j, raw) in rule.judgement.into_iter().enumerate() {
        let key = sub(&format!("judgement[{j}]"));
        if raw.applies_to != AppliesToFile::Everyone || !raw.categories.is_empty() {
            return Err(check.err(
                &key,
                "类别下的判断不能再写 applies_to 或 categories（类别本身就是范围）",
                "a category's judgement takes neither applies_to nor categories (the category is its scope)",
            ));
        }
        judgements.push(judgement(check, &key, &raw, table)?);
    }
    let paid_by = rule
        .paid_by
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| category.department.clone());
    Ok(CategoryRule {
        category: category.name.clone(),
        subsidy,
        payment: match rule.payment {
            PaymentFile::OnBehalf => SubsidyPayment::OnBehalf,
            PaymentFile::Reimbursed => SubsidyPayment::Reimbursed,
        },
        paid_by,
        enroll: match rule.enroll {
            EnrollFile::School => EnrollPlace::School,
            EnrollFile::BenefitPlace => EnrollPlace::BenefitPlace,
            EnrollFile::Family => EnrollPlace::Family,
            EnrollFile::BenefitPlaceOptional => EnrollPlace::BenefitPlaceOptional,
        },
        ledger,
        clause: rule.clause.trim().to_owned(),
        note: rule.note.trim().to_owned(),
        note_en: rule.note_en.trim().to_owned(),
        // A file written before the key existed (a policy renewed from yibin-2024 earlier) says it in its note.
        local_hukou: rule.local_hukou || rule.note.contains("须具有本市户籍"),
        judgements,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
title = "测试市2023年度"
document = "测试〔2022〕1号"
insured_year = 2023
personal_premium = 350

[[window]]
name = "集中缴费期"
from = 2022-09-01
to = 2022-12-31
coverage = "year"

[category."低保"]
subsidy = "share"
subsidy_percent = 75
"#;

    fn parse_text(text: &str) -> Result<Policy, DataFileError> {
        parse("test", text, "policies/test.toml", CategoryTable::builtin())
    }

    #[test]
    fn minimal_file_parses_and_resolves_aliases() {
        let policy = parse_text(MINIMAL).expect("parses");
        assert_eq!(policy.coverage_from, NaiveDate::from_ymd_opt(2023, 1, 1).expect("date"));
        assert_eq!(policy.coverage_to, NaiveDate::from_ymd_opt(2023, 12, 31).expect("date"));
        let rule = policy.rule("低保对象").expect("alias 低保 resolves to 低保对象");
        assert_eq!(rule.subsidy, Subsidy::Share { percent: 75 });
        assert_eq!(rule.paid_by, "民政");
        assert_eq!(rule.payment, SubsidyPayment::OnBehalf);
        assert_eq!(policy.payment_instructions, "", "optional");
        let with =
            MINIMAL.replacen("[[window]]", "payment_instructions = \"  “某某税务”微信公众号  \"\n\n[[window]]", 1);
        assert_eq!(parse_text(&with).expect("parses").payment_instructions, "“某某税务”微信公众号");
    }

    #[test]
    fn unknown_key_names_file_key_and_line() {
        let text = MINIMAL.replace("coverage = \"year\"", "coverage = \"year\"\ngrace_days = 10");
        let err = parse_text(&text).expect_err("unknown key");
        assert_eq!(err.file(), "policies/test.toml");
        assert_eq!(err.key(), "window[0].grace_days");
        let shown = err.to_string();
        assert!(shown.contains("policies/test.toml") && shown.contains("grace_days"), "{shown}");
        assert!(shown.contains("第 12 行"), "{shown}");
    }

    #[test]
    fn wrong_type_names_the_key() {
        let err = parse_text(&MINIMAL.replace("insured_year = 2023", "insured_year = \"2023\"")).expect_err("type");
        assert_eq!(err.key(), "insured_year");
        let err = parse_text(&MINIMAL.replace("from = 2022-09-01", "from = \"2022-09-01\"")).expect_err("date");
        assert_eq!(err.key(), "window[0].from");
        let err = parse_text(&MINIMAL.replace("subsidy = \"share\"", "subsidy = \"half\"")).expect_err("variant");
        assert_eq!(err.key(), "category.\"低保\".subsidy");
        assert!(err.message_en().contains("policies/test.toml"));
    }

    #[test]
    fn missing_premium_names_the_key() {
        let err = parse_text(&MINIMAL.replace("personal_premium = 350\n", "")).expect_err("missing");
        assert_eq!(err.key(), "personal_premium");
        assert!(err.to_string().contains("personal_premium"), "{err}");
        let err = parse_text(&MINIMAL.replace("coverage = \"year\"\n", "")).expect_err("missing");
        assert_eq!(err.key(), "window[0].coverage");
    }

    #[test]
    fn amounts_accept_yuan_in_several_spellings() {
        for (written, fen) in
            [("350", 35_000), ("\"95.50\"", 9_550), ("\"95.5\"", 9_550), ("95.5", 9_550), ("\"350元\"", 35_000)]
        {
            let text = MINIMAL.replace("personal_premium = 350", &format!("personal_premium = {written}"));
            assert_eq!(parse_text(&text).map(|p| p.personal_premium_fen), Ok(fen), "{written}");
        }
        for written in ["-1", "\"9.555\"", "95.555", "\"三百\"", "0"] {
            let text = MINIMAL.replace("personal_premium = 350", &format!("personal_premium = {written}"));
            let err = parse_text(&text).expect_err(written);
            assert_eq!(err.key(), "personal_premium", "{written}");
        }
    }

    #[test]
    fn content_errors_name_the_key() {
        let cases = [
            (MINIMAL.replace("subsidy_percent = 75", "subsidy_percent = 175"), "category.\"低保\".subsidy_percent"),
            (MINIMAL.replace("subsidy_percent = 75\n", ""), "category.\"低保\".subsidy_percent"),
            (MINIMAL.replace("[category.\"低保\"]", "[category.\"贫困生\"]"), "category.\"贫困生\""),
            (MINIMAL.replace("to = 2022-12-31", "to = 2022-08-31"), "window[0].to"),
            (
                MINIMAL.replace("coverage = \"year\"", "coverage = \"months_after_payment\""),
                "window[0].new_enrollee_months",
            ),
            (
                MINIMAL.replace("coverage = \"year\"", "coverage = \"year\"\namount = \"financing_standard\""),
                "window[0].amount",
            ),
            (
                MINIMAL.replace("insured_year = 2023", "insured_year = 2023\nfull_subsidy_order = [\"低保\"]"),
                "full_subsidy_order",
            ),
            (format!("{MINIMAL}\n[category.\"低保对象\"]\nsubsidy = \"full\"\n"), "category.\"低保对象\""),
            (
                format!(
                    "{MINIMAL}\n[[window]]\nname = \"补缴\"\nfrom = 2022-12-01\nto = 2023-01-31\ncoverage = \"year\"\n"
                ),
                "window[1].from",
            ),
        ];
        for (text, key) in cases {
            let err = parse_text(&text).expect_err(key);
            assert_eq!(err.key(), key, "{err}");
            assert!(err.to_string().contains("policies/test.toml"), "{err}");
        }
    }

    #[test]
    fn judgements_and_department_windows_are_checked() {
        let judged = format!(
            "{MINIMAL}\n[[judgement]]\ncategories = [\"低保\"]\ntext = \"读法\"\ntext_en = \"reading\"\nclause = \"1\"\n"
        );
        let policy = parse_text(&judged).expect("parses");
        assert_eq!(policy.judgements[0].applies_to, JudgementScope::Categories(vec!["低保对象".to_owned()]));
        let cases = [
            (judged.replace("text_en = \"reading\"\n", ""), "judgement[0].text_en"),
            (judged.replace("clause = \"1\"", "clause = \" \""), "judgement[0]"),
            (judged.replace("[\"低保\"]", "[\"贫困生\"]"), "judgement[0].categories"),
            // Only a category's reading prices the pupil as another category.
            (format!("{judged}otherwise_as = \"特困\"\n"), "judgement[0].otherwise_as"),
            (
                judged.replace("categories = [\"低保\"]", "categories = [\"低保\"]\napplies_to = \"special\""),
                "judgement[0].categories",
            ),
            (
                format!(
                    "{MINIMAL}\n[[category.\"低保\".judgement]]\napplies_to = \"special\"\ntext = \"a\"\ntext_en = \"b\"\nclause = \"c\"\n"
                ),
                "category.\"低保\".judgement[0]",
            ),
            (
                format!(
                    "{MINIMAL}\n[[department_window]]\nname = \"代缴\"\nfrom = 2023-01-01\nto = 2024-03-31\nclause = \"x\"\n"
                ),
                "department_window[0].to",
            ),
            (
                format!(
                    "{MINIMAL}\n[[department_window]]\nname = \"代缴\"\nfrom = 2023-01-01\nto = 2023-03-31\nclause = \"\"\n"
                ),
                "department_window[0].clause",
            ),
        ];
        for (text, key) in cases {
            let err = parse_text(&text).expect_err(key);
            assert_eq!(err.key(), key, "{err}");
        }
    }

    #[test]
    fn content_errors_carry_the_line() {
        let err = parse_text(&MINIMAL.replace("subsidy_percent = 75", "subsidy_percent = 175")).expect_err("over 100");
        assert!(err.to_string().contains("第 15 行"), "{err}");
    }
}
