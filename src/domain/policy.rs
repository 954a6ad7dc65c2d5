//! City/year policies (参保政策): premiums, periods, subsidies, and the quote for one pupil.
//!
//! A policy is data: one TOML file per notice and insured year under `data/policies/`, embedded in the binary,
//! plus any `<config_dir>/policies/*.toml` that adds a city/year or overrides a builtin one by file stem. This
//! module holds the parsed form; [`quote`] turns it into the amount due and the coverage for one pupil, and
//! [`ledger`] says which of the four ledgers (四本台账) a pupil belongs to.
//!
//! Money is integer fen (分) throughout; policy files write it in yuan.

mod department_share;
mod file;
mod ledger;
mod paid_first;
mod quote;
mod renew;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use super::category::CategoryTable;
use super::coverage::StatusMark;
pub use crate::data_file::DataFileError;
use crate::data_file::Embedded;
pub use department_share::{
    DepartmentShare, FamilyPart, FamilyShare, InsuredElsewhere, ShareReason, certified_department_share,
    department_share, family_share, insured_elsewhere, unsubsidised,
};
pub use ledger::{Ledger, ledger, pupil_ledger, roster_ledger};
pub use paid_first::{PaidFirst, paid_first, pupil_paid_first};
pub use quote::{
    AmountStep, BenefitPlace, ChosenBy, Citation, CoverageBasis, EnrolleeKind, Quote, QuoteError, QuoteRequest, Refund,
    RuleStep, quote, quote_in_year,
};
pub use renew::{Renewal, Renewed, ToCheck, WindowDates, edit_premium_and_windows, renew, shift_date, window_dates};

/// One notice's rules for one insured year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// The file stem, e.g. `liuzhou-2023`; what a drive file records and `--policy` takes.
    pub name: String,
    /// For people, e.g. 柳州市2023年度.
    pub title: String,
    /// The notice it comes from, e.g. 柳医保发〔2022〕26号.
    pub document: String,
    /// The insurance year (保险年度) the premium buys.
    pub insured_year: i32,
    /// 个人缴费标准.
    pub personal_premium_fen: i64,
    /// 各级财政补助标准, when the notice (or the file) gives it; needed for the financing standard (筹资标准).
    pub government_subsidy_fen: Option<i64>,
    /// Normal coverage (待遇享受期): usually 1 January – 31 December of the insured year.
    pub coverage_from: NaiveDate,
    pub coverage_to: NaiveDate,
    /// Payment windows in date order; a payment outside all of them cannot be quoted.
    pub windows: Vec<PaymentWindow>,
    /// Per-category rules, keyed by canonical category name.
    pub categories: BTreeMap<String, CategoryRule>,
    /// The order in which full subsidies apply when a pupil has several (003 四(三)1); earlier wins.
    pub full_subsidy_order: Vec<String>,
    /// The clause of the notice that says several partial subsidies give the highest, never a sum (003 四(三)2);
    /// empty when the notice says nothing of several categories, and the quote then says it is a reading.
    pub highest_subsidy_clause: String,
    /// How families pay (缴费方式), in the notice's words, for the payment notices; empty when the file has none.
    pub payment_instructions: String,
    /// The city's area codes (the leading digits of its residents' ID numbers, 5115 for 宜宾): a pupil whose
    /// number starts otherwise, in a category subsidised only for 本市户籍, is said to need the 户籍 checked. An
    /// area code is evidence, not proof (a family may have moved its 户籍). Empty: nothing is said.
    pub local_area_codes: Vec<String>,
    /// When departments pay on their own schedule for the pupils they pay for in full (003 三(三)1, 四(一)1):
    /// such a payment keeps the insured year's cover whatever the window says.
    pub department_windows: Vec<DepartmentWindow>,
    /// What the notice does for a family that paid the whole premium before the pupil's category was certified
    /// (or paid as an ordinary resident); `None` where the notice does not say.
    pub paid_before_certification: Option<SubsidyToFamily>,
    /// Readings the notice does not state, carried by the quotes they concern under this policy.
    pub judgements: Vec<ScopedJudgement>,
    /// Where the policy came from (the embedded path or the config file), for messages.
    pub source: String,
}

/// What a policy's `document` says of its notice number (通知文号).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeNumber<'a> {
    /// This year's number, as the operator filled it in.
    Filled(&'a str),
    /// Not filled in yet: the placeholder `policy new --from` (or `year new`) wrote, 「请填写2027年度通知文号（沿用自
    /// yibin-2024：宜医保办〔2023〕79号）」, carrying the earlier notice's number, found however deep the placeholder
    /// nests (a file renewed before renewals stopped nesting them).
    Carried(&'a str),
    /// Not filled in, and no earlier number carried.
    Missing,
}

/// The placeholder's first words, which no notice number starts with.
pub const NOTICE_NUMBER_PLACEHOLDER: &str = "请填写";

/// Reads a policy's `document` (see [`NoticeNumber`]).
pub fn notice_number(document: &str) -> NoticeNumber<'_> {
    let mut text = document.trim();
    let mut carried = false;
    while text.starts_with(NOTICE_NUMBER_PLACEHOLDER) {
        let inner = text
            .find("沿用自")
            .and_then(|at| text[at..].find('：').map(|colon| at + colon + '：'.len_utf8()))
            .map(|from| text[from..].trim_end());
        let Some(inner) = inner else { return NoticeNumber::Missing };
        // Each level of the placeholder closes its own bracket at the very end.
        text = inner.strip_suffix('）').unwrap_or(inner).trim();
        carried = true;
    }
    // A closing bracket nothing in the number opens is a placeholder's own, left over where a hand-edited file
    // closed one more level than it opened.
    while carried && text.ends_with('）') && text.matches('）').count() > text.matches('（').count() {
        text = text[..text.len() - '）'.len_utf8()].trim_end();
    }
    match (text.is_empty(), carried) {
        (true, _) => NoticeNumber::Missing,
        (false, true) => NoticeNumber::Carried(text),
        (false, false) => NoticeNumber::Filled(text),
    }
}

/// The endings of a city's name (柳州市, 黔东南苗族侗族自治州, 锡林郭勒盟, 阿里地区), as a policy's title names its city.
const CITY_ENDINGS: [&str; 4] = ["市", "州", "盟", "地区"];

/// The student information sheet's title (001 附件2 「宜宾市在校学生信息表」), after the city the drive's policy
/// names, or bare: 在校学生信息表.
pub const SHEET_TITLE: &str = "在校学生信息表";

/// Whether `text` is the student information sheet's title: [`SHEET_TITLE`], bare or after a city's name, so an
/// import knows the sheet whatever city's policy wrote it.
pub fn is_sheet_title(text: &str) -> bool {
    text.strip_suffix(SHEET_TITLE).is_some_and(|city| city.is_empty() || city_of(city) == Some(city))
}

/// The city a policy's title names before its year (「柳州市2023年度」 is 柳州市, 「宜宾市翠屏区2024年度」 宜宾市): the
/// Chinese characters the title starts with, up to the last ending of a city's name among them; `None` when the
/// title starts with no such name (「2025年度试行」).
pub fn city_of(title: &str) -> Option<&str> {
    let lead = title.trim_start();
    let run =
        lead.char_indices().find(|(_, c)| !('\u{4e00}'..='\u{9fff}').contains(c)).map_or(lead.len(), |(at, _)| at);
    let lead = &lead[..run];
    let end = CITY_ENDINGS.iter().filter_map(|e| lead.rfind(e).map(|at| at + e.len())).max()?;
    // An ending alone (「市2023年度」) names no city.
    let city = &lead[..end];
    (city.chars().count() >= 2 && !CITY_ENDINGS.contains(&city)).then_some(city)
}

impl Policy {
    /// The city the policy is for, as its title names it (see [`city_of`]).
    pub fn city(&self) -> Option<&str> {
        city_of(&self.title)
    }

    /// What the policy's `document` says of its notice number.
    pub fn notice_number(&self) -> NoticeNumber<'_> {
        notice_number(&self.document)
    }

    /// The notice as a form or a quote cites it: its number, the earlier notice's said as carried (「沿用
    /// 宜医保办〔2023〕79号」) while this year's is not filled in, or 「通知文号未填」: what is handed to a family or an
    /// agency never prints the placeholder's 「请填写…」.
    pub fn document_cited(&self) -> String {
        match self.notice_number() {
            NoticeNumber::Filled(number) => number.to_owned(),
            NoticeNumber::Carried(number) => format!("沿用 {number}"),
            NoticeNumber::Missing => "通知文号未填".to_owned(),
        }
    }

    /// The notice as the subject of a form's sentence (「…未规定特困人员的资助」): its number, 「通知（沿用 …）」, or
    /// 「本年度通知」.
    pub fn document_in_sentence(&self) -> String {
        match self.notice_number() {
            NoticeNumber::Filled(number) => number.to_owned(),
            NoticeNumber::Carried(number) => format!("通知（沿用 {number}）"),
            NoticeNumber::Missing => "本年度通知".to_owned(),
        }
    }

    /// The most a family can be asked to pay under this policy: the personal premium, or the financing standard
    /// (premium and subsidy) where a window charges it. A payment of this much or more falls short of nothing.
    pub fn most_a_family_pays_fen(&self) -> i64 {
        let standard = self.windows.iter().any(|w| w.amount == AmountBasis::FinancingStandard);
        match (standard, self.government_subsidy_fen) {
            (true, Some(subsidy)) => self.personal_premium_fen + subsidy,
            _ => self.personal_premium_fen,
        }
    }

    /// The text of the config-folder file this policy was read from, for the copy a drive keeps of the policy
    /// it uses; none for a bundled policy (every canbao has it).
    pub fn file_text(&self) -> Option<String> {
        if PolicySet::builtin().get(&self.name).is_some_and(|b| b.source == self.source) {
            return None;
        }
        let path = Path::new(&self.source);
        if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
            std::fs::read_to_string(path).ok()
        } else {
            None
        }
    }
}

/// A span of payment dates and what a payment in it costs and buys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentWindow {
    /// The notice's name for it, e.g. 集中缴费期.
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The clause it comes from, e.g. `000 附件四(二)`.
    pub clause: String,
    /// The notice's own words, quoted in the rule text.
    pub text: String,
    /// Where the coverage rule comes from when it is not `text` (e.g. borrowed from another notice).
    pub coverage_text: String,
    pub amount: AmountBasis,
    pub coverage: CoverageStart,
    /// 9月入学新生: cover starts on this date instead (004 二).
    pub freshman_coverage_from: Option<NaiveDate>,
    /// Newborns paying within this many months of birth pay only the personal premium (003 三(一)2).
    pub newborn_months: Option<u32>,
    /// Readings carried by a quote whose payment falls in this window.
    pub judgements: Vec<ScopedJudgement>,
}

/// A reading the notice does not state outright, for the operator to confirm with the agency. Shown apart from
/// the rule text, with the clause it rests on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Judgement {
    pub text: String,
    pub text_en: String,
    pub clause: String,
    /// What the reading decides: the amount due or the cover, so a form says it beside the right figure.
    pub bears_on: BearsOn,
    /// A category's reading that prices the pupil as one category where the pupil may be another: that other
    /// category (canonical name), in the reading's category's place, if the reading is not confirmed (001 does
    /// not name 过渡期内脱贫人口, priced as 已稳定脱贫人员; otherwise 防止返贫监测对象). From the file's `otherwise_as`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otherwise_as: Option<String>,
    /// What the family would pay (fen) if the reading is not confirmed, where the quote can say it: the quote fills
    /// it in for the pupil.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otherwise_personal_fen: Option<i64>,
}

/// What a reading the notice does not state decides (`Judgement::bears_on`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BearsOn {
    /// The amount the family or a department pays.
    #[default]
    Amount,
    /// When cover starts or ends (待遇期).
    Cover,
}

/// A judgement and the pupils it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedJudgement {
    pub judgement: Judgement,
    pub applies_to: JudgementScope,
}

/// Which pupils a judgement concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JudgementScope {
    Everyone,
    /// Pupils in a category this policy has a rule for (a rule the notice writes for ordinary residents).
    Special,
    /// Pupils in one of these categories (canonical names).
    Categories(Vec<String>),
}

impl ScopedJudgement {
    /// Whether a pupil in `categories` (canonical names) is concerned.
    pub fn concerns(&self, policy: &Policy, categories: &[String]) -> bool {
        match &self.applies_to {
            JudgementScope::Everyone => true,
            JudgementScope::Special => categories.iter().any(|c| policy.rule(c).is_some()),
            JudgementScope::Categories(listed) => categories.iter().any(|c| listed.contains(c)),
        }
    }
}

/// 003 二(二) 当年已实缴到账的保费不允许办理退费, 四(一)2、4: the premium a family paid stays paid, and the department
/// pays the subsidy the category carries into the family's bank account instead of to the tax office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubsidyToFamily {
    /// By when the department pays it, in the notice's words (认定的次月底前) and in English.
    pub when: String,
    pub when_en: String,
    pub clause: String,
}

/// Dates on which a department pays, for the pupils whose whole premium it pays (代缴), as part of the normal
/// schedule rather than late: such a payment is covered for the insured year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentWindow {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub clause: String,
    pub text: String,
}

/// What a payment in a window must amount to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountBasis {
    /// 个人缴费标准.
    PersonalPremium,
    /// 筹资标准: personal premium plus the government subsidy (003 三(一)2).
    FinancingStandard,
}

/// When cover starts for a payment in a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoverageStart {
    /// The policy's normal coverage start (1 January of the insured year).
    InsuredYear,
    /// The 1st of the month this many months after the payment month (1 = 次月).
    /// A continuing enrollee paying in such a window has a gap, so is counted as interrupted.
    MonthsAfterPayment { new_enrollee: u32, interrupted: u32 },
}

/// What a policy does for one category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryRule {
    /// Canonical category name.
    pub category: String,
    pub subsidy: Subsidy,
    pub payment: SubsidyPayment,
    /// The department that pays (or pays back) the subsidy; defaults to the certifying department.
    pub paid_by: String,
    /// Where such a pupil enrolls.
    pub enroll: EnrollPlace,
    /// The ledger such a pupil is counted in when not enrolled at school, if the file says; otherwise it follows
    /// from the subsidy.
    pub ledger: Option<Ledger>,
    pub clause: String,
    pub note: String,
    pub note_en: String,
    /// The notice grants the subsidy only to people of the city's own household registration (本市户籍, 001 附件1
    /// 四), which a holder of a residence permit for Hong Kong, Macao or Taiwan residents or of a foreigner's
    /// permanent residence card cannot have.
    pub local_hukou: bool,
    /// Readings about this category the notice does not state.
    pub judgements: Vec<Judgement>,
}

/// Where a pupil in a category enrolls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrollPlace {
    /// With the school, like everyone else.
    School,
    /// Where the benefit was approved (待遇审批地), not at school (000 附件二(五), 003 四(四)).
    BenefitPlace,
    /// With the family (以家庭为单位参保, 002 一).
    Family,
    /// May skip school enrollment, being enrolled where registered already (004 附件).
    BenefitPlaceOptional,
}

impl EnrollPlace {
    /// Not (necessarily) enrolled through the school: the screen says so, and the ledgers count it.
    pub fn away_from_school(self) -> bool {
        self != EnrollPlace::School
    }

    /// Must enroll away from school (待遇审批地, family); an optional place (004 可以不在学籍地参保) is not.
    pub fn required_away(self) -> bool {
        matches!(self, EnrollPlace::BenefitPlace | EnrollPlace::Family)
    }
}

/// How much of the personal premium a department covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subsidy {
    /// 全额补助: all of it.
    Full,
    /// 按比例资助: this percentage of it, rounded down to the fen.
    Share { percent: u32 },
    /// 定额资助: a fixed amount, never more than the premium.
    Fixed { fen: i64 },
    /// The notice names a subsidy but not its amount: quoted as nothing, and the rule text says so.
    Unspecified,
    /// Named only for where the pupil enrolls; no subsidy.
    None,
}

/// How the subsidy reaches the tax office.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubsidyPayment {
    /// 代缴: the department pays its part directly; the family pays only the rest.
    OnBehalf,
    /// 先缴后补 (差额补助): the family pays the full premium and the department pays the subsidy back later.
    Reimbursed,
}

impl Subsidy {
    /// The subsidy on a premium of `premium_fen`, never more than the premium.
    pub fn amount_fen(self, premium_fen: i64) -> i64 {
        let amount = match self {
            Subsidy::Full => premium_fen,
            Subsidy::Share { percent } => premium_fen * i64::from(percent) / 100,
            Subsidy::Fixed { fen } => fen,
            Subsidy::Unspecified | Subsidy::None => 0,
        };
        amount.clamp(0, premium_fen.max(0))
    }
}

/// Whether a premium typed for a policy (`premium_fen`) is far from the one it replaces or is made from (`was_fen`):
/// more than twice or under half of it, or, with none to compare, above any resident premium (2,000 元). A digit
/// too many (or the old amount joined to the new) more often than a new notice; the screen asks, the command line
/// wants `--yes`.
pub fn premium_far(was_fen: Option<i64>, premium_fen: i64) -> bool {
    const ABOVE_ANY_FEN: i64 = 200_000;
    match was_fen.filter(|&w| w > 0) {
        Some(was) => premium_fen > 2 * was || 2 * premium_fen < was,
        None => premium_fen > ABOVE_ANY_FEN,
    }
}

impl Policy {
    /// Parses one policy file against the builtin category table. `name` is the file stem.
    pub fn from_toml(name: &str, text: &str, file: &str) -> Result<Policy, DataFileError> {
        Policy::from_toml_with(name, text, file, CategoryTable::builtin())
    }

    /// Parses one policy file, resolving category names (or aliases) in `categories`.
    pub fn from_toml_with(
        name: &str,
        text: &str,
        file: &str,
        categories: &CategoryTable,
    ) -> Result<Policy, DataFileError> {
        file::parse(name, text, file, categories)
    }

    /// The policy's rule for a category (canonical name).
    pub fn rule(&self, category: &str) -> Option<&CategoryRule> {
        self.categories.get(category)
    }

    /// The rule that has a pupil in these categories enroll away from school (待遇审批地, with the family), if
    /// any: such a pupil is not registered or paid at school without asking. An optional place (004) is not.
    pub fn away_rule<'a>(&self, categories: impl IntoIterator<Item = &'a str>) -> Option<&CategoryRule> {
        categories.into_iter().filter_map(|c| self.rule(c)).find(|r| r.enroll.required_away())
    }

    /// The rule `mark` goes against: it registers with the school (`StatusMark::registers_at_school`) a pupil in
    /// `categories` whom this policy sends to enroll away from it, who would then be registered and paid for twice.
    /// The one test of a school registration: the screen asks before such a mark (a bulk mark leaves the pupil out),
    /// and `canbao mark` refuses it without `--at-school`.
    pub fn away_rule_against<'a>(
        &self,
        categories: impl IntoIterator<Item = &'a str>,
        mark: StatusMark,
    ) -> Option<&CategoryRule> {
        if !mark.registers_at_school() {
            return None;
        }
        self.away_rule(categories)
    }

    /// The window containing a payment date.
    pub fn window_for(&self, paid_on: NaiveDate) -> Option<&PaymentWindow> {
        self.windows.iter().find(|w| w.from <= paid_on && paid_on <= w.to)
    }

    /// The department window containing a payment date.
    pub fn department_window_for(&self, paid_on: NaiveDate) -> Option<&DepartmentWindow> {
        self.department_windows.iter().find(|w| w.from <= paid_on && paid_on <= w.to)
    }
}

/// Why a payment date cannot be a payment for the drive's insured year: before the pupil was born, before the
/// year's first payment window opens (a family that paid for an earlier year is not insured for this one), or after
/// the year ends. A date between the windows, within the year, is a late or in-year payment and is not refused
/// here (003 三(一)2, 001 中途参保): only the quote says what it buys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentDateError {
    BeforeBirth {
        paid_on: NaiveDate,
        birth_date: NaiveDate,
    },
    /// Before `opens`, the first day a payment for `year` can be made: the policy's first window (or a
    /// department's); under a policy of another year (`windows` empty), 1 January of the year before.
    BeforeYear {
        paid_on: NaiveDate,
        year: i32,
        opens: NaiveDate,
        windows: Vec<(String, NaiveDate, NaiveDate)>,
        /// The policy's insured year when it is not `year`: its windows are another year's and say nothing.
        policy_year: Option<i32>,
    },
    /// After `ends`, the last day of the insured year (or of a window running past it).
    AfterYear {
        paid_on: NaiveDate,
        year: i32,
        ends: NaiveDate,
        windows: Vec<(String, NaiveDate, NaiveDate)>,
        policy_year: Option<i32>,
    },
}

impl PaymentDateError {
    /// The policy's windows, or (a policy of another year) why they are not named, as the messages say them.
    fn windows_text(windows: &[(String, NaiveDate, NaiveDate)], policy_year: Option<i32>, en: bool) -> String {
        if let Some(policy_year) = policy_year {
            return if en {
                format!("the drive's policy is for insured year {policy_year}: its payment windows are not this year's")
            } else {
                format!("本数据文件的政策是 {policy_year} 年度的，其缴费期不是本年度的")
            };
        }
        let (to, between) = if en { (" to ", "; ") } else { (" 至 ", "；") };
        windows.iter().map(|(name, from, last)| format!("{name} {from}{to}{last}")).collect::<Vec<_>>().join(between)
    }

    pub fn message_zh(&self) -> String {
        match self {
            PaymentDateError::BeforeBirth { paid_on, birth_date } => {
                format!("缴费日期 {paid_on} 早于出生日期 {birth_date}，不可能是此学生的缴费")
            }
            PaymentDateError::BeforeYear { paid_on, year, opens, windows, policy_year: None } => format!(
                "缴费日期 {paid_on} 早于 {year} 年度的第一个缴费期（{opens} 起；{}），不是 {year} 年度的缴费",
                PaymentDateError::windows_text(windows, None, false)
            ),
            PaymentDateError::BeforeYear { paid_on, year, opens, windows, policy_year } => format!(
                "缴费日期 {paid_on} 早于 {year} 年度最早可能的缴费日期（{opens}；{}），不是 {year} 年度的缴费",
                PaymentDateError::windows_text(windows, *policy_year, false)
            ),
            PaymentDateError::AfterYear { paid_on, year, ends, windows, policy_year } => format!(
                "缴费日期 {paid_on} 晚于 {year} 年度结束（{ends}；{}），不是 {year} 年度的缴费",
                PaymentDateError::windows_text(windows, *policy_year, false)
            ),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            PaymentDateError::BeforeBirth { paid_on, birth_date } => {
                format!("the payment date {paid_on} is before the birth date {birth_date}: no payment for this pupil")
            }
            PaymentDateError::BeforeYear { paid_on, year, opens, windows, policy_year: None } => format!(
                "the payment date {paid_on} is before the first payment window of insured year {year} (from {opens}; \
                 {}): not a payment for {year}",
                PaymentDateError::windows_text(windows, None, true)
            ),
            PaymentDateError::BeforeYear { paid_on, year, opens, windows, policy_year } => format!(
                "the payment date {paid_on} is before any payment for insured year {year} can be made (from {opens}; \
                 {}): not a payment for {year}",
                PaymentDateError::windows_text(windows, *policy_year, true)
            ),
            PaymentDateError::AfterYear { paid_on, year, ends, windows, policy_year } => format!(
                "the payment date {paid_on} is after insured year {year} ends ({ends}; {}): not a payment for {year}",
                PaymentDateError::windows_text(windows, *policy_year, true)
            ),
        }
    }
}

impl std::fmt::Display for PaymentDateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message_zh(), self.message_en())
    }
}

/// Why a top-up's day was refused (see [`top_up_day`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopUpDateError {
    /// After today, and not the recorded payment's day one day ahead.
    Future,
    /// Before the recorded payment's day, and not today under a recorded day one day ahead.
    BeforeRecorded(NaiveDate),
}

impl TopUpDateError {
    /// What a top-up dated `typed` and refused as before the recorded payment says, in Chinese and in English
    /// (`None` for a day after today, said as any payment's): the same words in `mark --top-up` and the screen's
    /// payment form, with the one day a recorded payment may be ahead.
    pub fn before_recorded(self, typed: NaiveDate) -> Option<(String, String)> {
        let TopUpDateError::BeforeRecorded(first) = self else { return None };
        Some((
            format!(
                "补缴日期 {typed} 早于已记录的缴费日期 {first}；只有已记录日期比今天晚一天（另一台电脑所在时区已到次日）时，\
                 今天的补缴按该日记录"
            ),
            format!(
                "the top-up's date {typed} is before the payment recorded on {first}; only a recorded day one day after \
                 today, from a laptop in a time zone ahead, dates today's top-up"
            ),
        ))
    }
}

/// The day a top-up (补缴) is dated: the day `typed`, never before the payment it follows (`recorded`), which
/// decides its cover period, and never after `today`. Except that a recorded day one day after today is taken as
/// another laptop's today, one whose time zone had already reached the next day (two laptops merged across
/// zones): money handed over now is dated that day (`true`: moved to it), or typed as it, rather than refused
/// until tomorrow. Further apart the dates are a mistake, refused as before.
pub fn top_up_day(
    typed: NaiveDate,
    recorded: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(NaiveDate, bool), TopUpDateError> {
    let ahead = recorded.filter(|r| today.succ_opt() == Some(*r));
    if typed > today {
        return if Some(typed) == ahead { Ok((typed, false)) } else { Err(TopUpDateError::Future) };
    }
    match recorded {
        Some(first) if typed < first => match ahead {
            Some(ahead) if typed == today => Ok((ahead, true)),
            _ => Err(TopUpDateError::BeforeRecorded(first)),
        },
        _ => Ok((typed, false)),
    }
}

/// Whether `paid_on` can be a payment for the drive's insured year `year` (`None`, a drive without years: the
/// policy's), and never before `birth_date`. `None` when it can. Under `policy` (the drive's) of that year: from
/// its first payment window (or department window) to the end of its cover (or a window running later). Under a
/// policy of another year (chosen with a warning), whose windows are not the drive's year's: from 1 January of the
/// year before to 31 December of the year, where any collection for the year falls.
pub fn payment_date_error(
    policy: Option<&Policy>,
    year: Option<i32>,
    birth_date: Option<NaiveDate>,
    paid_on: NaiveDate,
) -> Option<PaymentDateError> {
    // The year first: an absurd date is said with the windows it misses. Without a policy nothing says when the
    // year's payments are made (the notice does; the drive's year is only its label): a date before the pupil's
    // birth is all that can be refused.
    if let Some(policy) = policy {
        let year = year.unwrap_or(policy.insured_year);
        let (opens, ends, windows, policy_year) = if year == policy.insured_year {
            let starts = policy.windows.iter().map(|w| w.from).chain(policy.department_windows.iter().map(|w| w.from));
            let lasts = policy.windows.iter().map(|w| w.to).chain(policy.department_windows.iter().map(|w| w.to));
            let windows = policy.windows.iter().map(|w| (w.name.clone(), w.from, w.to)).collect();
            let ends = lasts.chain([policy.coverage_to]).max().unwrap_or(policy.coverage_to);
            (starts.min(), Some(ends), windows, None)
        } else {
            let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
            (day(year - 1, 1, 1), day(year, 12, 31), Vec::new(), Some(policy.insured_year))
        };
        if let Some(opens) = opens
            && paid_on < opens
        {
            return Some(PaymentDateError::BeforeYear { paid_on, year, opens, windows, policy_year });
        }
        if let Some(ends) = ends
            && paid_on > ends
        {
            return Some(PaymentDateError::AfterYear { paid_on, year, ends, windows, policy_year });
        }
    }
    birth_date.filter(|born| paid_on < *born).map(|birth_date| PaymentDateError::BeforeBirth { paid_on, birth_date })
}

/// [`payment_date_error`] for a pupil's recorded family payment: `None` for a pupil not paid by the family, or
/// paid without a date.
pub fn recorded_payment_date_error(
    policy: Option<&Policy>,
    year: Option<i32>,
    pupil: &super::student::Student,
) -> Option<PaymentDateError> {
    if pupil.payment != super::student::PaymentStatus::Paid {
        return None;
    }
    payment_date_error(policy, year, pupil.birth_date, pupil.payment_details.paid_on?)
}

/// Every policy available: the builtin ones, plus those from the config directory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PolicySet {
    policies: BTreeMap<String, Policy>,
    /// The config folder's files that could not be used, in file order: left out, and said, so that one broken
    /// file stops only the drive that uses it.
    broken: Vec<BrokenPolicy>,
}

/// A policy file in the config folder that cannot be used: its name (the file stem; empty when the folder
/// itself cannot be read) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenPolicy {
    pub name: String,
    pub error: DataFileError,
}

impl BrokenPolicy {
    /// Why, in Chinese: 「政策文件 …/x.toml 格式有误（键 title，第 1 行）：…」.
    pub fn words_zh(&self) -> String {
        self.error.named_as("政策文件", "policy file").0
    }

    /// Why, in English.
    pub fn words_en(&self) -> String {
        self.error.named_as("政策文件", "policy file").1
    }
}

impl std::fmt::Display for BrokenPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (zh, en) = self.error.named_as("政策文件", "policy file");
        write!(f, "{zh} ({en})")
    }
}

include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));

static BUILTIN_SET: Embedded<PolicySet, DataFileError> = Embedded::new(PolicySet::parse_builtin);

/// A builtin policy file's text, as shipped in `data/policies/`.
pub fn builtin_text(name: &str) -> Option<&'static str> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, text)| *text)
}

impl PolicySet {
    /// The policies embedded in the binary (`data/policies/*.toml`), parsed on first use.
    pub fn builtin() -> &'static PolicySet {
        BUILTIN_SET.get()
    }

    /// Why an embedded policy could not be parsed (a broken build): the command line refuses to start on it.
    pub fn builtin_error() -> Option<&'static DataFileError> {
        BUILTIN_SET.error()
    }

    fn parse_builtin() -> Result<PolicySet, DataFileError> {
        let mut set = PolicySet::default();
        for (name, text) in BUILTIN {
            let file = format!("data/policies/{name}.toml");
            set.insert(Policy::from_toml(name, text, &file)?);
        }
        Ok(set)
    }

    /// The builtin policies plus `<config_dir>/policies/*.toml`, each adding a policy or replacing the builtin
    /// one with the same file stem. A missing directory is not an error. A file that cannot be read or used is
    /// left out and kept in [`PolicySet::broken`] (and a builtin policy it would replace is left out too: the
    /// operator meant their own); the others are used.
    pub fn load(config_dir: Option<&Path>) -> PolicySet {
        let mut set = PolicySet::builtin().clone();
        let Some(dir) = config_dir.map(|d| d.join("policies")) else {
            return set;
        };
        let read_error = |path: &Path, err: std::io::Error| DataFileError::Read {
            file: path.display().to_string(),
            message: crate::os_error::phrase(&err, crate::os_error::Access::Read),
        };
        let mut paths = Vec::new();
        match std::fs::read_dir(&dir) {
            Ok(entries) => {
                for entry in entries {
                    match entry {
                        Ok(entry) => paths.push(entry.path()),
                        Err(e) => set.broken.push(BrokenPolicy { name: String::new(), error: read_error(&dir, e) }),
                    }
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return set,
            Err(err) => {
                set.broken.push(BrokenPolicy { name: String::new(), error: read_error(&dir, err) });
                return set;
            }
        }
        paths.retain(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file());
        // Sorted so that errors are reported in a stable order.
        paths.sort();
        for path in paths {
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            let file = path.display().to_string();
            let parsed = match std::fs::read_to_string(&path) {
                Err(e) => Err(read_error(&path, e)),
                // An empty file (a write cut short) would read as one missing its first key.
                Ok(text) if text.trim().is_empty() => Err(DataFileError::Invalid {
                    file: file.clone(),
                    key: String::new(),
                    line: None,
                    message_zh: "文件是空的；请删除它，或重新生成该政策".to_owned(),
                    message_en: "the file is empty: delete it, or make the policy again".to_owned(),
                }),
                Ok(text) => Policy::from_toml(stem, &text, &file),
            };
            match parsed {
                Ok(policy) => set.insert(policy),
                Err(error) => {
                    set.policies.remove(stem);
                    set.broken.push(BrokenPolicy { name: stem.to_owned(), error });
                }
            }
        }
        set
    }

    /// The config folder's policy files that could not be used, in file order.
    pub fn broken(&self) -> &[BrokenPolicy] {
        &self.broken
    }

    /// The broken file that `name` would come from, if it is one.
    pub fn broken_named(&self, name: &str) -> Option<&BrokenPolicy> {
        self.broken.iter().find(|b| b.name == name.trim())
    }

    /// Adds a policy, replacing one with the same name.
    pub fn insert(&mut self, policy: Policy) {
        self.policies.insert(policy.name.clone(), policy);
    }

    pub fn get(&self, name: &str) -> Option<&Policy> {
        self.policies.get(name.trim())
    }

    /// Policy names, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.policies.keys().map(String::as_str).collect()
    }

    /// Every policy, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = &Policy> {
        self.policies.values()
    }
}

/// What a pupil on the roster owes when paying on `day` (their recorded payment date, if any, wins): their
/// categories, birth date and the builtin category table, as a payment is checked everywhere.
pub fn quote_pupil(policy: &Policy, pupil: &super::student::Student, day: NaiveDate) -> Result<Quote, QuoteError> {
    quote(policy, CategoryTable::builtin(), &pupil_request(pupil, day))
}

/// [`quote_pupil`] for the drive's insured year `year`, as [`quote_in_year`] says it.
pub fn quote_pupil_in_year(
    policy: &Policy,
    pupil: &super::student::Student,
    day: NaiveDate,
    year: Option<i32>,
) -> Result<Quote, QuoteError> {
    quote_in_year(policy, CategoryTable::builtin(), &pupil_request(pupil, day), year)
}

/// The refusal `quote` gives a family payment on `day` that buys `pupil` no cover in the drive's insured year
/// `year` ([`QuoteError::NoCoverageLeft`]: a mid-year payment whose wait runs past the year's end), by `quote`'s
/// own rules, whatever date an earlier payment of the pupil's says; `None` when the payment covers some of the
/// year, or when the policy says nothing of it (no window, another year's policy): those are said elsewhere.
pub fn no_cover_in_year(
    policy: &Policy,
    pupil: &super::student::Student,
    day: NaiveDate,
    year: Option<i32>,
) -> Option<QuoteError> {
    let request = QuoteRequest { paid_on: day, ..pupil_request(pupil, day) };
    match quote_in_year(policy, CategoryTable::builtin(), &request, year) {
        Err(e @ QuoteError::NoCoverageLeft { .. }) => Some(e),
        _ => None,
    }
}

/// What [`quote_pupil`] asks the policy about `pupil`.
/// The whole amount due for `request` before any subsidy, at least the personal premium: what an amount paid is
/// weighed against as a slip (`money::slip`). Not the family's share after it: with a subsidy of 90 % or more, a
/// family whose category the tax office did not know yet pays the whole premium, ten times its share, and that is
/// a payment. `None` where the policy prices nothing of it (another year's policy, no window on the day).
pub fn full_premium_fen(
    policy: &Policy,
    table: &CategoryTable,
    request: &QuoteRequest,
    year: Option<i32>,
) -> Option<i64> {
    quote_in_year(policy, table, request, year).ok().map(|q| policy.personal_premium_fen.max(q.total_due_fen))
}

pub fn pupil_request(pupil: &super::student::Student, day: NaiveDate) -> QuoteRequest {
    QuoteRequest {
        categories: pupil.categories.iter().map(|c| c.name.clone()).collect(),
        paid_on: pupil.payment_details.paid_on.unwrap_or(day),
        enrollee: EnrolleeKind::default(),
        freshman: false,
        grade: super::class_label::grade_in(&pupil.grade, &pupil.class),
        birth_date: pupil.birth_date,
    }
}

/// 少缴: how much less than `quote`'s personal share the family paid, for a pupil recorded as paid by the family
/// with an amount; `None` when nothing is missing. A reconcile records the amount the tax office lists (the
/// family did pay it) and reports the difference once: this is how it stays in sight afterwards.
pub fn shortfall_fen(pupil: &super::student::Student, quote: &Quote) -> Option<i64> {
    if pupil.payment != super::student::PaymentStatus::Paid {
        return None;
    }
    let paid = pupil.payment_details.amount_fen?;
    (paid < quote.personal_due_fen).then(|| quote.personal_due_fen - paid)
}

/// [`shortfall_fen`] under the drive's policy, quoted for the pupil's payment date (`day` without one), as
/// the reconcile checked it; `None` also when the policy gives no amount for that date.
pub fn pupil_shortfall_fen(policy: &Policy, pupil: &super::student::Student, day: NaiveDate) -> Option<i64> {
    if pupil.payment != super::student::PaymentStatus::Paid {
        return None;
    }
    shortfall_fen(pupil, &quote_pupil(policy, pupil, day).ok()?)
}

/// The pupils whose recorded payment `edited` would read otherwise than `before` does: another window, another
/// cover period, another amount due (so another shortfall), or quoted under one and refused under the other. An
/// edit of the drive's policy applies to payments already taken: moving a window's edge over a payment date moves
/// that payment, and the operator is to know before saving, not from a detail screen later.
pub fn payments_read_otherwise<'a>(
    before: &Policy,
    edited: &Policy,
    pupils: &'a [super::student::Student],
    year: Option<i32>,
) -> Vec<PaymentReadOtherwise<'a>> {
    let read = |policy: &Policy, pupil: &super::student::Student, day: NaiveDate| {
        quote_pupil_in_year(policy, pupil, day, year).ok()
    };
    let key = |q: &Option<Quote>| {
        q.as_ref().map(|q| (q.window.clone(), q.coverage_from, q.coverage_to, q.personal_due_fen, q.department_due_fen))
    };
    pupils
        .iter()
        .filter(|s| s.payment != super::student::PaymentStatus::Unpaid)
        .filter_map(|pupil| {
            let day = pupil.payment_details.paid_on?;
            let (was, will) = (read(before, pupil, day), read(edited, pupil, day));
            (key(&was) != key(&will)).then_some(PaymentReadOtherwise { pupil, day, was, will })
        })
        .collect()
}

/// One payment [`payments_read_otherwise`] found: paid on `day`, quoted `was` before the edit and `will` after
/// (`None`: the policy gives no amount for that day).
pub struct PaymentReadOtherwise<'a> {
    pub pupil: &'a super::student::Student,
    pub day: NaiveDate,
    pub was: Option<Quote>,
    pub will: Option<Quote>,
}

/// What a form or a screen says of a shortfall: 「少缴 20 元」, and in English.
pub fn shortfall_words(fen: i64) -> (String, String) {
    (format!("少缴 {} 元", super::money::plain(fen)), format!("{} yuan short", super::money::plain(fen)))
}

/// A family's payment short of the amount due (部分缴费, 300 of 380), as a form's 备注 says it beside 是否参保 否: it
/// insures nobody, and the rest is still to collect. So is a 财政代缴 mark on a pupil whose category leaves the family
/// a share to pay (`department_fen`: 低保 under 001 附件1 二(二), the department's 285 recorded, the family's 95 not):
/// the premium is paid only in part, and the family's share is what is still to collect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartPayment {
    /// Fen: what the family paid (the amount recorded; 0 beside a department's share).
    pub paid_fen: i64,
    /// Fen: the personal share due under the drive's policy.
    pub due_fen: i64,
    /// Fen: the department's share a 财政代缴 mark recorded, where the family's share is still unpaid; `None` for a
    /// family's part payment.
    pub department_fen: Option<i64>,
}

impl PartPayment {
    /// A family's part payment: `paid_fen` of `due_fen`.
    pub fn family(paid_fen: i64, due_fen: i64) -> PartPayment {
        PartPayment { paid_fen, due_fen, department_fen: None }
    }

    /// Fen: what is still to collect from the family.
    pub fn owed_fen(&self) -> i64 {
        self.due_fen - self.paid_fen
    }

    /// 「已缴 300 元，应缴 380 元，差 80 元」; beside a department's share 「部门代缴 285 元，家庭应缴 95 元，差 95 元」.
    pub fn remark(&self) -> String {
        let plain = super::money::plain;
        if let Some(department) = self.department_fen {
            return format!(
                "{DEPARTMENT_PREFIX}{} 元，家庭应缴 {} 元，{SHORT_WORD}{} 元",
                plain(department),
                plain(self.due_fen),
                plain(self.owed_fen())
            );
        }
        format!(
            "{PAID_PREFIX}{} 元，应缴 {} 元，{SHORT_WORD}{} 元",
            plain(self.paid_fen),
            plain(self.due_fen),
            plain(self.due_fen - self.paid_fen)
        )
    }
}

/// How [`PartPayment::remark`] begins and names the difference, so a form read back knows it for canbao's.
const PAID_PREFIX: &str = "已缴 ";
const DEPARTMENT_PREFIX: &str = "部门代缴 ";
const SHORT_WORD: &str = "差 ";
/// How [`AmountDispute::remark`] begins.
const TO_VERIFY: &str = "金额待核实";

/// The family's payment of `pupil` short of the amount due under the drive's `policy` for the drive's insured
/// year `year` (quoted for the pupil's payment date, `day` without one); `None` when nothing is missing, when the
/// payment has no amount, when the pupil is insured elsewhere (异地参保: insured, nothing to collect here), or when
/// the policy is another year's (its premium is not this year's: a shortfall worked out from it would be false).
/// A 财政代缴 mark on a pupil whose category leaves the family a share ([`family_share`]) is one too, the family
/// having paid nothing of its share (`PartPayment::department_fen`).
pub fn part_payment(
    policy: &Policy,
    pupil: &super::student::Student,
    day: NaiveDate,
    year: Option<i32>,
) -> Option<PartPayment> {
    // A pupil insured elsewhere (异地参保) is insured whatever was paid at school: nothing is still to collect here.
    if pupil.enrollment == super::student::Enrollment::Elsewhere {
        return None;
    }
    match pupil.payment {
        super::student::PaymentStatus::Paid => {
            let quote = quote_pupil_in_year(policy, pupil, day, year).ok()?;
            let short = shortfall_fen(pupil, &quote)?;
            Some(PartPayment::family(quote.personal_due_fen - short, quote.personal_due_fen))
        }
        // 财政代缴 on a pupil whose category leaves the family a share (低保: 285 of 380 by the department): the
        // family's 95 is still to collect, under the policy of the drive's year only.
        super::student::PaymentStatus::Government => {
            if year.is_some_and(|y| y != policy.insured_year) {
                return None;
            }
            let share = family_share(Some(policy), CategoryTable::builtin(), pupil, day)?;
            Some(PartPayment { paid_fen: 0, due_fen: share.family_fen, department_fen: Some(share.department_fen) })
        }
        super::student::PaymentStatus::Unpaid => None,
    }
}

/// What a form's 备注 says of a pupil's payment: a payment recorded beside the roster's 不参保 or 异地参保
/// (`Standing::status_remark`), then that the amount is in dispute between laptops (`dispute`, which the tax
/// office settles: no shortfall is worked out from the amount a merge kept), else a part payment under the
/// drive's policy of the year. `None` for a payment that is whole and agrees with the roster.
pub fn payment_remark(
    policy: Option<&Policy>,
    pupil: &super::student::Student,
    day: NaiveDate,
    year: Option<i32>,
    dispute: Option<&AmountDispute>,
) -> Option<String> {
    let status =
        super::coverage::Standing::new(pupil.enrollment, pupil.payment).status_remark(pupil.decline_reason.as_deref());
    let (paid, part) = match dispute.filter(|_| pupil.payment == super::student::PaymentStatus::Paid) {
        Some(dispute) => (Some(dispute.remark()), false),
        None => {
            let part = policy.and_then(|policy| part_payment(policy, pupil, day, year)).map(|p| p.remark());
            let short = part.is_some();
            (part, short)
        }
    };
    // A part payment insures nobody: the roster's word is not said to be counted insured.
    let status = status.filter(|_| !part);
    match (status, paid) {
        (Some(status), Some(paid)) => Some(format!("{status}；{paid}")),
        (status, paid) => status.or(paid),
    }
}

/// Whether a part of a 备注 is [`PartPayment::remark`]'s: a form read back takes the 是否参保 否 beside it for the
/// short payment it is, not for nothing paid.
pub fn is_part_payment_remark(part: &str) -> bool {
    let part = part.trim();
    part.strip_prefix(PAID_PREFIX).is_some_and(|rest| rest.contains("元，应缴 ") && rest.contains(SHORT_WORD))
        || part
            .strip_prefix(DEPARTMENT_PREFIX)
            .is_some_and(|rest| rest.contains("元，家庭应缴 ") && rest.contains(SHORT_WORD))
}

/// Whether a part of a 备注 is one [`payment_remark`] writes: a form read back (a batch template imported) takes
/// it for canbao's words, never for a reason or a note.
pub fn is_payment_remark(part: &str) -> bool {
    let part = part.trim();
    is_part_payment_remark(part)
        || (part.starts_with(TO_VERIFY) && part.contains("电脑记录"))
        || super::coverage::is_status_remark(part)
}

/// Different amounts recorded for one family's payment on two laptops, of which a merge kept one (the later
/// entry): the family may have paid twice (cash at school and WeChat at home), or one entry is a typing slip.
/// Which is true only the tax office's record says, so no shortfall or excess is worked out from the amount
/// kept: a 「少缴 20 元」 would send the operator to ask a family that paid 400 in cash for 20 more.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AmountDispute {
    /// Fen: the amount the drive holds now, the one the merge kept.
    pub kept_fen: i64,
    /// Fen: the other amounts recorded for the payment, which the merge did not keep.
    pub others_fen: Vec<i64>,
}

impl AmountDispute {
    /// The amounts, the one kept first: 「380 元 / 400 元」 and "380 / 400 yuan".
    fn amounts(&self) -> (String, String) {
        let all: Vec<String> =
            std::iter::once(self.kept_fen).chain(self.others_fen.iter().copied()).map(super::money::plain).collect();
        (format!("{} 元", all.join(" 元 / ")), format!("{} yuan", all.join(" / ")))
    }

    /// What a form's 备注 says of it where the form shows no amount (the student information sheet, the batch
    /// template): 「金额待核实（两台电脑记录 380 元 / 400 元）」.
    pub fn remark(&self) -> String {
        let laptops = if self.others_fen.len() > 1 { "多台" } else { "两台" };
        format!("{TO_VERIFY}（{laptops}电脑记录 {}）", self.amounts().0)
    }

    /// What a form or a screen says beside the amount: 「两台电脑记录的金额不同（380 元 / 400 元），待税务核实」
    /// (多台 for three amounts or more).
    pub fn words(&self) -> (String, String) {
        let (zh, en) = self.amounts();
        // Three laptops' amounts are no longer two.
        let (laptops, laptops_en) =
            if self.others_fen.len() > 1 { ("多台", "the laptops") } else { ("两台", "two laptops") };
        (
            format!("{laptops}电脑记录的金额不同（{zh}），待税务核实"),
            format!("{laptops_en} recorded different amounts ({en}): ask the tax office"),
        )
    }
}

/// 多缴: what the family paid beyond the personal share `quote` gives for the pupil's categories, said as the
/// 已缴费 ledger's 备注: 「应缴 350 元，家庭已缴 400 元，多缴 50 元」. A family that paid beyond its share of a premium a
/// department pays part of (a category certified after paying) is [`PaidFirst`], said with what the policy does
/// then. `None` when the family paid no more than due, or the payment has no amount.
pub fn overpayment_words(pupil: &super::student::Student, quote: &Quote) -> Option<String> {
    if pupil.payment != super::student::PaymentStatus::Paid {
        return None;
    }
    let paid = pupil.payment_details.amount_fen?;
    let due = quote.personal_due_fen;
    if paid <= due {
        return None;
    }
    let (paid_text, due_text, over) =
        (super::money::plain(paid), super::money::plain(due), super::money::plain(paid - due));
    Some(match quote.subsidy_category.as_deref() {
        Some(category) => {
            format!("{category}：应缴 {due_text} 元，家庭已缴 {paid_text} 元，多缴 {over} 元")
        }
        None => format!("应缴 {due_text} 元，家庭已缴 {paid_text} 元，多缴 {over} 元"),
    })
}

/// [`overpayment_words`] under the drive's policy, quoted as [`pupil_shortfall_fen`] quotes.
pub fn pupil_overpayment_words(policy: &Policy, pupil: &super::student::Student, day: NaiveDate) -> Option<String> {
    if pupil.payment != super::student::PaymentStatus::Paid {
        return None;
    }
    overpayment_words(pupil, &quote_pupil(policy, pupil, day).ok()?)
}

impl super::money::PremiumYear for Policy {
    fn most_fen(&self) -> i64 {
        self.most_a_family_pays_fen()
    }
    fn personal_fen(&self) -> i64 {
        self.personal_premium_fen
    }
}

#[cfg(test)]
mod tests {

    /// A placeholder renewed twice before renewals stopped nesting still gives the first notice's number.
    #[test]
    fn a_notice_number_is_read_through_placeholders() {
        assert_eq!(notice_number("柳医保发〔2022〕26号"), NoticeNumber::Filled("柳医保发〔2022〕26号"));
        let once = "请填写2027年度通知文号（沿用自 liuzhou-2023：柳医保发〔2022〕26号）";
        assert_eq!(notice_number(once), NoticeNumber::Carried("柳医保发〔2022〕26号"));
        let nested = "请填写2029年度通知文号（沿用自 yibin-2028：请填写2028年度通知文号（沿用自 yibin-2027：请填写2027年度通知\
                      文号（沿用自 yibin-2024：宜医保办〔2023〕79号 附件1））））";
        assert_eq!(notice_number(nested), NoticeNumber::Carried("宜医保办〔2023〕79号 附件1"));
        assert_eq!(notice_number("请填写2027年度通知文号"), NoticeNumber::Missing);
        assert_eq!(notice_number(""), NoticeNumber::Missing);
    }

    /// Every builtin policy names its city in its title; a title that starts with no city's name gives none.
    #[test]
    fn a_policy_names_its_city_in_its_title() {
        let set = PolicySet::builtin();
        assert_eq!(set.get("liuzhou-2023").and_then(Policy::city), Some("柳州市"));
        assert_eq!(set.get("liuzhou-2021").and_then(Policy::city), Some("柳州市"));
        assert_eq!(set.get("yibin-2024").and_then(Policy::city), Some("宜宾市"));
        assert_eq!(set.get("quanzhou-2023").and_then(Policy::city), Some("泉州市"));
        assert_eq!(city_of("宜宾市翠屏区2024年度"), Some("宜宾市"));
        assert_eq!(city_of("黔东南苗族侗族自治州2024年度"), Some("黔东南苗族侗族自治州"));
        assert_eq!(city_of("2025年度试行"), None);
        assert_eq!(city_of("市2025年度"), None);
        assert_eq!(city_of(""), None);
    }
    use super::*;

    /// Yibin 2024 (001 附件1): 380 元 for an ordinary pupil, 95 元 for 低保. 300 paid of 380 is 80 short; 95 paid
    /// by a 低保 pupil is nothing short; a department's payment or one with no amount is never a shortfall.
    #[test]
    fn amounts_in_dispute_name_every_laptops_amount() {
        let two = AmountDispute { kept_fen: 38_000, others_fen: vec![40_000] };
        assert_eq!(two.words().0, "两台电脑记录的金额不同（380 元 / 400 元），待税务核实");
        let three = AmountDispute { kept_fen: 38_000, others_fen: vec![39_000, 40_000] };
        assert_eq!(three.words().0, "多台电脑记录的金额不同（380 元 / 390 元 / 400 元），待税务核实");
        assert_eq!(
            three.words().1,
            "the laptops recorded different amounts (380 / 390 / 400 yuan): ask the tax office"
        );
    }

    /// 001 附件1 二(二): 低保 pay 95 of 380, the department 285. A 财政代缴 mark on such a pupil pays only the
    /// department's share: the family's 95 is still owed, she is not insured and is chased in 未缴费. A full
    /// subsidy (四(三) 特困) is 财政代缴 as before, and a pupil insured elsewhere owes nothing here.
    #[test]
    fn a_department_paying_only_its_share_leaves_the_familys_owed() {
        use crate::domain::coverage::Standing;
        use crate::domain::student::{CategoryMark, Enrollment, PaymentDetails, PaymentStatus, Student};
        let policy = PolicySet::builtin().get("yibin-2024").expect("policy").clone();
        let table = CategoryTable::builtin();
        let day = NaiveDate::from_ymd_opt(2023, 10, 8).expect("day");
        let category = |name: &str| vec![CategoryMark { name: name.into(), department: "民政".into(), year: None }];
        let mut pupil = Student {
            payment: PaymentStatus::Government,
            categories: category("低保对象"),
            ..Student::sample("郑可洁", "450205201603184361")
        };
        let share = family_share(Some(&policy), table, &pupil, day).expect("the family's 95");
        assert_eq!((share.family_fen, share.department_fen), (9_500, 28_500));
        assert_eq!((share.category.as_str(), share.clause.as_str()), ("低保对象", "001 附件1 二(二)"));
        let part = part_payment(&policy, &pupil, day, Some(2024)).expect("95 owed");
        assert_eq!(part, PartPayment { paid_fen: 0, due_fen: 9_500, department_fen: Some(28_500) });
        assert_eq!(part.remark(), "部门代缴 285 元，家庭应缴 95 元，差 95 元");
        assert!(is_part_payment_remark(&part.remark()) && is_payment_remark(&part.remark()));
        assert_eq!(part_payment(&policy, &pupil, day, Some(2025)), None, "another year's premium says nothing");
        let standing = Standing::new(pupil.enrollment, pupil.payment);
        assert!(!standing.is_insured_paying(true) && standing.is_expected_paying(true));
        let names = vec!["低保对象".to_owned()];
        let counted =
            |short| pupil_ledger(Some(&policy), table, Enrollment::Here, PaymentStatus::Government, &names, short);
        assert_eq!(counted(true), Some(Ledger::Unpaid));
        // 已稳定脱贫: the department 95, the family 285.
        pupil.categories = category("已稳定脱贫人员");
        let part = part_payment(&policy, &pupil, day, Some(2024)).expect("285 owed");
        assert_eq!((part.due_fen, part.department_fen), (28_500, Some(9_500)));
        // A full subsidy leaves the family nothing: 财政代缴 as before.
        pupil.categories = category("特困人员");
        assert_eq!(family_share(Some(&policy), table, &pupil, day), None);
        assert_eq!(part_payment(&policy, &pupil, day, Some(2024)), None);
        // Insured elsewhere: a department there paid, nothing is collected here.
        pupil.categories = category("低保对象");
        pupil.enrollment = Enrollment::Elsewhere;
        assert_eq!(family_share(Some(&policy), table, &pupil, day), None);
        assert_eq!(part_payment(&policy, &pupil, day, Some(2024)), None);
        // The family's 95 recorded as its payment: whole, insured.
        pupil.enrollment = Enrollment::Here;
        pupil.payment = PaymentStatus::Paid;
        pupil.payment_details = PaymentDetails { amount_fen: Some(9_500), paid_on: Some(day), channel: None };
        assert_eq!(part_payment(&policy, &pupil, day, Some(2024)), None);
    }

    #[test]
    fn a_family_payment_below_the_quote_is_a_shortfall() {
        use crate::domain::student::{CategoryMark, PaymentDetails, PaymentStatus};
        let policy = PolicySet::builtin().get("yibin-2024").expect("policy").clone();
        let day = NaiveDate::from_ymd_opt(2023, 10, 8).expect("day");
        use crate::domain::student::Student;
        let mut pupil = Student { grade: "一年级".into(), ..Student::sample("孙语", "450203201909308803") };
        pupil.payment = PaymentStatus::Paid;
        pupil.payment_details = PaymentDetails { amount_fen: Some(30_000), paid_on: Some(day), channel: None };
        assert_eq!(pupil_shortfall_fen(&policy, &pupil, day), Some(8_000));
        assert_eq!(shortfall_words(8_000).0, "少缴 80 元");
        pupil.payment_details.amount_fen = Some(38_000);
        assert_eq!(pupil_shortfall_fen(&policy, &pupil, day), None);
        pupil.payment_details.amount_fen = Some(50_000);
        assert_eq!(pupil_shortfall_fen(&policy, &pupil, day), None, "more than due is no shortfall");
        pupil.categories = vec![CategoryMark { name: "低保对象".into(), department: "民政".into(), year: None }];
        pupil.payment_details.amount_fen = Some(9_500);
        assert_eq!(pupil_shortfall_fen(&policy, &pupil, day), None, "the 低保 share paid in full");
        pupil.payment_details.amount_fen = Some(5_000);
        assert_eq!(pupil_shortfall_fen(&policy, &pupil, day), Some(4_500));
        pupil.payment_details.amount_fen = None;
        assert_eq!(pupil_shortfall_fen(&policy, &pupil, day), None);
        pupil.payment_details.amount_fen = Some(0);
        pupil.payment = PaymentStatus::Government;
        assert_eq!(pupil_shortfall_fen(&policy, &pupil, day), None);
        // The forms' 备注: paid and due, under the policy of the drive's year only.
        pupil.payment = PaymentStatus::Paid;
        pupil.categories.clear();
        pupil.payment_details.amount_fen = Some(30_000);
        let part = part_payment(&policy, &pupil, day, Some(2024)).expect("80 short");
        assert_eq!(part, PartPayment::family(30_000, 38_000));
        assert_eq!(part.remark(), "已缴 300 元，应缴 380 元，差 80 元");
        assert!(is_payment_remark(&part.remark()));
        assert_eq!(part_payment(&policy, &pupil, day, None), Some(part), "a drive without years");
        assert_eq!(part_payment(&policy, &pupil, day, Some(2025)), None, "another year's premium says nothing");
        let dispute = AmountDispute { kept_fen: 30_000, others_fen: vec![38_000] };
        let said = payment_remark(Some(&policy), &pupil, day, Some(2024), Some(&dispute));
        assert_eq!(said.as_deref(), Some("金额待核实（两台电脑记录 300 元 / 380 元）"));
        assert!(is_payment_remark(&dispute.remark()));
        assert_eq!(payment_remark(None, &pupil, day, Some(2024), None), None);
        assert!(!is_payment_remark("不参保：已在户籍地参保") && !is_payment_remark("已缴费"));
        assert_eq!(policy.most_a_family_pays_fen(), 38_000);
    }

    /// A payment date is this year's from the policy's first window (a department's counts) to the end of its
    /// cover: a late payment between the windows and the year's end is, a payment for the year before, one after
    /// the year, an absurd date and one before the pupil's birth are not.
    #[test]
    fn a_payment_date_belongs_to_the_year_from_its_first_window_to_its_end() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("day");
        let liuzhou = PolicySet::builtin().get("liuzhou-2023").expect("policy");
        let error = |on: NaiveDate| payment_date_error(Some(liuzhou), None, None, on);
        for on in [day(2022, 9, 1), day(2022, 12, 31), day(2023, 1, 20), day(2023, 8, 1), day(2023, 12, 31)] {
            assert_eq!(error(on), None, "{on}");
        }
        for on in [day(2022, 8, 31), day(2021, 11, 1), NaiveDate::MIN, day(1, 1, 1)] {
            assert!(matches!(error(on), Some(PaymentDateError::BeforeYear { year: 2023, .. })), "{on}");
        }
        let after = error(day(2024, 1, 1)).expect("after");
        assert!(matches!(after, PaymentDateError::AfterYear { year: 2023, .. }), "{after:?}");
        let words = error(day(2021, 11, 1)).expect("before");
        assert!(words.message_zh().contains("早于 2023 年度的第一个缴费期（2022-09-01 起；"), "{}", words.message_zh());
        assert!(words.message_zh().contains("集中缴费期 2022-09-01 至 2022-12-31"), "{}", words.message_zh());
        assert!(words.message_en().contains("not a payment for 2023"), "{}", words.message_en());
        // Born after the window opened: a payment before the birth is no payment for the child.
        let born = Some(day(2022, 10, 15));
        let before_birth = payment_date_error(Some(liuzhou), Some(2023), born, day(2022, 10, 1)).expect("before birth");
        assert!(matches!(before_birth, PaymentDateError::BeforeBirth { .. }), "{before_birth:?}");
        assert_eq!(payment_date_error(Some(liuzhou), Some(2023), born, day(2022, 10, 20)), None);
        // Without a policy only the birth date says anything.
        assert_eq!(payment_date_error(None, Some(2027), None, day(2001, 1, 1)), None);
        assert!(payment_date_error(None, Some(2027), born, day(2001, 1, 1)).is_some());
        // 003's departments pay from 1 January, inside the year (liuzhou-2021's first window opens 2020-09-01).
        let departments = PolicySet::builtin().get("liuzhou-2021").expect("policy");
        assert_eq!(payment_date_error(Some(departments), None, None, day(2021, 3, 31)), None);
        assert!(payment_date_error(Some(departments), None, None, day(2020, 8, 31)).is_some());
    }

    /// A drive of one insured year under a policy of another (chosen with a warning) judges a payment date against
    /// the drive's year, not the policy's: the policy's windows are another year's, so any day from 1 January of
    /// the year before to the year's end can be the year's payment, and a date in the policy's own windows is not.
    #[test]
    fn a_payment_date_is_judged_by_the_drives_year_under_a_policy_of_another() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("day");
        let liuzhou = PolicySet::builtin().get("liuzhou-2023").expect("policy");
        let error = |on: NaiveDate| payment_date_error(Some(liuzhou), Some(2027), None, on);
        for on in [day(2026, 1, 1), day(2026, 10, 1), day(2027, 7, 1), day(2027, 12, 31)] {
            assert_eq!(error(on), None, "{on}");
        }
        for on in [day(2022, 10, 1), day(2023, 3, 1), day(2025, 12, 31)] {
            let e = error(on).expect("before");
            assert!(matches!(e, PaymentDateError::BeforeYear { year: 2027, policy_year: Some(2023), .. }), "{e:?}");
        }
        let after = error(day(2028, 1, 5)).expect("after");
        assert!(matches!(after, PaymentDateError::AfterYear { year: 2027, .. }), "{after:?}");
        let words = error(day(2022, 10, 1)).expect("before");
        assert!(
            words.message_zh().contains("早于 2027 年度最早可能的缴费日期（2026-01-01；"),
            "{}",
            words.message_zh()
        );
        assert!(words.message_zh().contains("政策是 2023 年度的"), "{}", words.message_zh());
        assert!(
            !words.message_zh().contains("集中缴费期"),
            "another year's windows are not named: {}",
            words.message_zh()
        );
        assert!(words.message_en().contains("policy is for insured year 2023"), "{}", words.message_en());
        assert!(words.message_en().contains("not a payment for 2027"), "{}", words.message_en());
        // The policy's own year keeps its exact windows, and a drive without years takes the policy's.
        assert!(payment_date_error(Some(liuzhou), Some(2023), None, day(2022, 8, 31)).is_some());
        assert_eq!(payment_date_error(Some(liuzhou), Some(2023), None, day(2022, 9, 1)), None);
        assert_eq!(payment_date_error(Some(liuzhou), None, None, day(2022, 9, 1)), None);
        // The birth date still counts.
        let born = Some(day(2026, 5, 1));
        let before_birth = payment_date_error(Some(liuzhou), Some(2027), born, day(2026, 3, 1)).expect("birth");
        assert!(matches!(before_birth, PaymentDateError::BeforeBirth { .. }), "{before_birth:?}");
    }

    #[test]
    fn every_file_in_data_policies_is_builtin() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/policies");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .expect("data/policies")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .map(|p| p.file_stem().expect("stem").to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert!(!files.is_empty());
        for name in &files {
            let shipped = std::fs::read_to_string(dir.join(format!("{name}.toml"))).expect("policy file");
            assert_eq!(builtin_text(name), Some(shipped.as_str()), "{name}");
        }
        assert_eq!(PolicySet::builtin().names(), files);
    }

    #[test]
    fn every_builtin_policy_parses() {
        let set = PolicySet::builtin();
        assert_eq!(set.names(), ["liuzhou-2021", "liuzhou-2023", "nanchong-2023", "quanzhou-2023", "yibin-2024"]);
        for policy in set.iter() {
            assert!(!policy.windows.is_empty(), "{}", policy.name);
            assert!(policy.personal_premium_fen > 0, "{}", policy.name);
        }
    }

    #[test]
    fn builtin_premiums_match_the_notices() {
        let set = PolicySet::builtin();
        let premium = |name: &str| set.get(name).map(|p| p.personal_premium_fen);
        // 000 二: 350元; 001 附件1 二(一): 380元; 002 三: 350元; 004 二: 360元.
        assert_eq!(premium("liuzhou-2023"), Some(35_000));
        assert_eq!(premium("yibin-2024"), Some(38_000));
        assert_eq!(premium("nanchong-2023"), Some(35_000));
        assert_eq!(premium("quanzhou-2023"), Some(36_000));
        // 004 二: 各级财政补助标准不低于610元/人.
        assert_eq!(set.get("quanzhou-2023").and_then(|p| p.government_subsidy_fen), Some(61_000));
        assert_eq!(set.get("yibin-2024").map(|p| p.title.as_str()), Some("宜宾市2024年度"));
    }

    #[test]
    fn config_dir_overrides_and_adds_policies() {
        let dir = tempfile::tempdir().expect("tempdir");
        let policies = dir.path().join("policies");
        std::fs::create_dir(&policies).expect("mkdir");
        let override_text =
            builtin_text("yibin-2024").expect("yibin-2024").replace("personal_premium = 380", "personal_premium = 400");
        std::fs::write(policies.join("yibin-2024.toml"), override_text).expect("write");
        let added = builtin_text("liuzhou-2023")
            .expect("liuzhou-2023")
            .replace("title = \"柳州市2023年度\"", "title = \"柳州市2023年度（试行）\"");
        std::fs::write(policies.join("liuzhou-test.toml"), added).expect("write");
        std::fs::write(policies.join("readme.txt"), "not a policy").expect("write");

        let set = PolicySet::load(Some(dir.path()));
        assert!(set.broken().is_empty());
        assert_eq!(set.get("yibin-2024").map(|p| p.personal_premium_fen), Some(40_000));
        assert_eq!(set.get("liuzhou-test").map(|p| p.title.as_str()), Some("柳州市2023年度（试行）"));
        assert_eq!(set.get("liuzhou-2023").map(|p| p.personal_premium_fen), Some(35_000));
        assert_eq!(set.names().len(), 6);
        // The override's source is the config file, so messages point at the file the operator edited.
        assert!(set.get("yibin-2024").is_some_and(|p| p.source.ends_with("yibin-2024.toml")));
    }

    #[test]
    fn missing_config_dir_gives_the_builtin_set() {
        let dir = tempfile::tempdir().expect("tempdir");
        let set = PolicySet::load(Some(dir.path()));
        assert_eq!(set, *PolicySet::builtin());
        assert_eq!(PolicySet::load(None), *PolicySet::builtin());
    }

    #[test]
    fn malformed_config_file_names_file_and_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        let policies = dir.path().join("policies");
        std::fs::create_dir(&policies).expect("mkdir");
        let bad = builtin_text("yibin-2024")
            .expect("yibin-2024")
            .replace("personal_premium = 380", "personal_premium = \"三百八\"");
        std::fs::write(policies.join("yibin-2024.toml"), bad).expect("write");
        let set = PolicySet::load(Some(dir.path()));
        let [broken] = set.broken() else { panic!("one broken file: {:?}", set.broken()) };
        let err = &broken.error;
        assert!(err.file().ends_with("yibin-2024.toml"), "{err}");
        assert_eq!(err.key(), "personal_premium");
        assert!(err.to_string().contains("yibin-2024.toml"), "{err}");
        assert!(err.to_string().contains("personal_premium"), "{err}");
        // The builtin policy of that name is not used in its place: the operator meant their own.
        assert_eq!(set.get("yibin-2024"), None);
        assert_eq!(set.broken_named("yibin-2024"), Some(broken));
    }

    #[test]
    fn a_broken_or_empty_policy_file_is_left_out_and_named_as_a_policy_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let policies = dir.path().join("policies");
        std::fs::create_dir(&policies).expect("mkdir");
        // A write cut short by a full disk, a hand edit gone wrong, and a good file after them.
        std::fs::write(policies.join("liuzhou-x.toml"), "").expect("write");
        std::fs::write(policies.join("liuzhou-y.toml"), "title = \"柳州\"\n").expect("write");
        let good = builtin_text("liuzhou-2023").expect("liuzhou-2023");
        std::fs::write(policies.join("liuzhou-z.toml"), good).expect("write");
        let set = PolicySet::load(Some(dir.path()));
        assert!(set.get("liuzhou-z").is_some(), "the good file is used");
        assert!(set.get("yibin-2024").is_some(), "the builtin ones too");
        let names: Vec<&str> = set.broken().iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, ["liuzhou-x", "liuzhou-y"]);
        for broken in set.broken() {
            let words = broken.to_string();
            assert!(words.starts_with("政策文件 ") && !words.contains("数据文件"), "{words}");
            assert!(words.contains(&format!("{}.toml", broken.name)), "{words}");
            assert!(words.contains("(policy file ") && !words.contains("data file"), "{words}");
        }
        assert!(set.broken()[0].to_string().contains("文件是空的"), "{}", set.broken()[0]);
    }

    #[test]
    fn subsidy_never_exceeds_the_premium() {
        assert_eq!(Subsidy::Full.amount_fen(38_000), 38_000);
        assert_eq!(Subsidy::Share { percent: 75 }.amount_fen(38_000), 28_500);
        assert_eq!(Subsidy::Share { percent: 33 }.amount_fen(100), 33);
        assert_eq!(Subsidy::Fixed { fen: 50_000 }.amount_fen(38_000), 38_000);
        assert_eq!(Subsidy::Unspecified.amount_fen(38_000), 0);
    }

    /// The ceiling of one payment is the chosen year's: ten times its premium, so a later notice's premium moves
    /// it; the financing standard where a window charges it; the constant only where no policy is chosen.
    #[test]
    fn the_ceiling_of_one_payment_follows_the_policys_premium() {
        let set = PolicySet::builtin();
        let yibin = set.get("yibin-2024").expect("yibin-2024");
        assert_eq!(crate::domain::money::payment_ceiling(Some(yibin)), 10 * yibin.personal_premium_fen);
        let mut later = yibin.clone();
        later.personal_premium_fen = 50_000;
        assert_eq!(crate::domain::money::payment_ceiling(Some(&later)), 500_000, "a later premium moves it");
        assert!(
            !crate::domain::money::beyond_ceiling(450_000, Some(&later))
                && crate::domain::money::beyond_ceiling(450_000, None::<&Policy>)
        );
        assert!(
            crate::domain::money::beyond_ceiling(380_000, Some(yibin))
                && !crate::domain::money::beyond_ceiling(379_999, Some(yibin))
        );
        let liuzhou = set.get("liuzhou-2021").expect("liuzhou-2021");
        assert_eq!(crate::domain::money::payment_ceiling(Some(liuzhou)), 10 * liuzhou.most_a_family_pays_fen());
        assert!(liuzhou.most_a_family_pays_fen() > liuzhou.personal_premium_fen, "the financing standard");
        assert_eq!(crate::domain::money::payment_ceiling(None::<&Policy>), crate::domain::money::MOST_PAID_FEN);
        assert_eq!(crate::domain::money::least_premium(None::<&Policy>), crate::domain::money::LOWEST_PREMIUM_FEN);
        assert_eq!(crate::domain::money::least_premium(Some(yibin)), yibin.personal_premium_fen);
    }

    /// Where no policy is chosen, amounts are weighed against the premiums of the notices: every bundled notice's
    /// personal premium lies between the least and the highest, so a notice added outside them moves them.
    #[test]
    fn the_premiums_weighed_without_a_policy_bound_every_bundled_notice() {
        for policy in PolicySet::builtin().iter() {
            let premium = policy.personal_premium_fen;
            assert!(
                (crate::domain::money::LOWEST_PREMIUM_FEN..=crate::domain::money::HIGHEST_PREMIUM_FEN)
                    .contains(&premium),
                "{}: {premium}",
                policy.name
            );
        }
        assert!(
            crate::domain::money::under_a_tenth(400, crate::domain::money::LOWEST_PREMIUM_FEN)
                && !crate::domain::money::under_a_tenth(2_800, crate::domain::money::LOWEST_PREMIUM_FEN)
        );
        assert!(!crate::domain::money::under_a_tenth(0, 0), "no premium, nothing weighed");
        assert!(
            !crate::domain::money::under_a_tenth(0, crate::domain::money::LOWEST_PREMIUM_FEN),
            "nothing paid is no unit's slip"
        );
    }
}
