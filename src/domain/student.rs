//! A pupil on the roster and the statuses the drive records for them.

use chrono::NaiveDate;
use serde::Serialize;

use super::id_number::{IdKind, Sex};

/// 参保状态: where the pupil is enrolled for the insured year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Enrollment {
    /// 未确认: nobody has asked yet.
    Unknown,
    /// 在校参保: enrolled through the school.
    Here,
    /// 异地参保: enrolled elsewhere (with the family, where a benefit was approved, another city).
    Elsewhere,
    /// 不参保: the family declined; the reason is recorded.
    Declined,
    /// 已离校: left the school.
    Left,
}

impl Enrollment {
    pub const ALL: [Enrollment; 5] =
        [Enrollment::Unknown, Enrollment::Here, Enrollment::Elsewhere, Enrollment::Declined, Enrollment::Left];

    /// The stable word used in the database, JSON and the command line.
    pub fn code(self) -> &'static str {
        match self {
            Enrollment::Unknown => "unknown",
            Enrollment::Here => "here",
            Enrollment::Elsewhere => "elsewhere",
            Enrollment::Declined => "declined",
            Enrollment::Left => "left",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Enrollment::Unknown => "未确认",
            Enrollment::Here => "在校参保",
            Enrollment::Elsewhere => "异地参保",
            Enrollment::Declined => "不参保",
            Enrollment::Left => "已离校",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Enrollment::Unknown => "unknown",
            Enrollment::Here => "at school",
            Enrollment::Elsewhere => "elsewhere",
            Enrollment::Declined => "declined",
            Enrollment::Left => "left",
        }
    }

    /// The order the operator's enrollment key cycles through.
    pub fn next(self) -> Self {
        match self {
            Enrollment::Unknown => Enrollment::Here,
            Enrollment::Here => Enrollment::Elsewhere,
            Enrollment::Elsewhere => Enrollment::Declined,
            Enrollment::Declined => Enrollment::Left,
            Enrollment::Left => Enrollment::Unknown,
        }
    }
}

/// 缴费状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// 未缴费.
    Unpaid,
    /// 已缴费: the family paid (amount, date and channel recorded).
    Paid,
    /// 财政代缴: a department pays the whole premium.
    Government,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 3] = [PaymentStatus::Unpaid, PaymentStatus::Paid, PaymentStatus::Government];

    pub fn code(self) -> &'static str {
        match self {
            PaymentStatus::Unpaid => "unpaid",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Government => "government",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            PaymentStatus::Unpaid => "未缴费",
            PaymentStatus::Paid => "已缴费",
            PaymentStatus::Government => "财政代缴",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            PaymentStatus::Unpaid => "unpaid",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Government => "gov. paid",
        }
    }

    pub fn is_settled(self) -> bool {
        !matches!(self, PaymentStatus::Unpaid)
    }
}

/// 缴费渠道: how a family paid. The forms and the tax office's lists write the Chinese word, which is what the
/// drive stores; a channel outside the usual ones (a list's own word) is kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PaymentChannel {
    /// 微信
    WeChat,
    /// 支付宝
    Alipay,
    /// 税务大厅: at the tax office's counter.
    TaxHall,
    /// 银行
    Bank,
    /// 学校代收: collected by the school.
    School,
    /// 其他
    Other,
    /// A word from a list that is none of the above, kept as written.
    Named(String),
}

impl PaymentChannel {
    /// The channels an operator chooses from, in the order the payment dialog offers them.
    pub const CHOICES: [PaymentChannel; 6] = [
        PaymentChannel::WeChat,
        PaymentChannel::Alipay,
        PaymentChannel::TaxHall,
        PaymentChannel::Bank,
        PaymentChannel::School,
        PaymentChannel::Other,
    ];

    /// The word stored in the drive and written on the forms.
    pub fn label_zh(&self) -> &str {
        match self {
            PaymentChannel::WeChat => "微信",
            PaymentChannel::Alipay => "支付宝",
            PaymentChannel::TaxHall => "税务大厅",
            PaymentChannel::Bank => "银行",
            PaymentChannel::School => "学校代收",
            PaymentChannel::Other => "其他",
            PaymentChannel::Named(text) => text,
        }
    }

    pub fn label_en(&self) -> &str {
        match self {
            PaymentChannel::WeChat => "WeChat",
            PaymentChannel::Alipay => "Alipay",
            PaymentChannel::TaxHall => "tax office",
            PaymentChannel::Bank => "bank",
            PaymentChannel::School => "school",
            PaymentChannel::Other => "other",
            PaymentChannel::Named(text) => text,
        }
    }

    /// The channel a stored or typed word names; `None` for an empty word.
    pub fn from_text(text: &str) -> Option<PaymentChannel> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let known = Self::CHOICES.into_iter().find(|c| c.label_zh() == text || c.label_en().eq_ignore_ascii_case(text));
        Some(known.unwrap_or_else(|| PaymentChannel::Named(text.to_owned())))
    }
}

/// 缴费渠道 on a form for a payment the tax office's list recorded without saying how the family paid (a list
/// with no channel column, or a blank cell): every route the notices give ends at the tax office (002 五:
/// 缴费至…主管税务机关; 001 三 names banks, 社区代收 and 税务征收 alike), so that much is known, while the route
/// itself is not and is not guessed. Never stored: the drive keeps the channel empty, as the list gave it.
pub const TAX_LIST_WITHOUT_CHANNEL: &str = "税务（名单未列渠道）";

/// The details of a family's payment (缴费信息).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PaymentDetails {
    /// In fen (分), never floating point.
    pub amount_fen: Option<i64>,
    pub paid_on: Option<NaiveDate>,
    /// 缴费渠道: 微信, 支付宝, 银行, 税务大厅, 学校代收 …
    pub channel: Option<String>,
}

/// A category on a pupil, with the department that certified it (认定部门) and the insured year it certified it
/// for (认定年度): each category is certified on its own, and one carried from an earlier year (待重新认定) is not
/// this year's until certified again (003 二(一)), whatever the pupil's other categories are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryMark {
    pub name: String,
    pub department: String,
    /// The insured year it was certified for, as the store reads it; `None` in a drive without years, and in a
    /// change, a category to certify for the change's year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
}

impl CategoryMark {
    /// A category to certify for the year it is marked in.
    pub fn new(name: impl Into<String>, department: impl Into<String>) -> CategoryMark {
        CategoryMark { name: name.into(), department: department.into(), year: None }
    }

    /// Whether it counts in insured year `year` (`None`: a drive without years): certified for that year or a
    /// later one.
    pub fn certified_for(&self, year: Option<i32>) -> bool {
        match (self.year, year) {
            (Some(certified), Some(year)) => certified >= year,
            _ => true,
        }
    }
}

/// One pupil as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Student {
    pub id: i64,
    pub school: String,
    pub name: String,
    /// As the school wrote it (after removing invisible noise).
    pub id_raw: String,
    /// The 18-character number when valid, else the cleaned-up text.
    pub id_number: String,
    pub id_kind: Option<IdKind>,
    /// `None` when valid; the problem code otherwise (see `IdProblem::code`).
    pub id_problem: Option<String>,
    pub sex: Option<Sex>,
    pub birth_date: Option<NaiveDate>,
    pub grade: String,
    pub class: String,
    pub phone: String,
    /// 民族 as a list gave it; None until one does.
    pub ethnicity: Option<String>,
    /// 居住地址 as a list gave it; None until one does. Personal data: the detail screen shows it, no list does.
    pub address: Option<String>,
    pub enrollment: Enrollment,
    pub decline_reason: Option<String>,
    pub payment: PaymentStatus,
    pub payment_details: PaymentDetails,
    pub categories: Vec<CategoryMark>,
    pub note: String,
    /// "file:row" of the class list the pupil first came from.
    pub source: String,
    pub created_at: String,
    pub updated_at: String,
}

#[cfg(test)]
impl Student {
    /// A pupil of 示范小学 三年级1班 named `name` with `id_number` (checked as on 2024-09-01: its sex and birth
    /// date read from a valid one), registered at school and unpaid: the rest of a test's pupil, its own fields
    /// set beside it (`Student { payment, ..Student::sample(..) }`).
    pub(crate) fn sample(name: &str, id_number: &str) -> Student {
        let check = crate::domain::id_number::check(id_number, NaiveDate::from_ymd_opt(2024, 9, 1).unwrap_or_default());
        Student {
            id: 1,
            school: "示范小学".into(),
            name: name.into(),
            id_raw: id_number.into(),
            id_number: check.normalized.clone(),
            id_kind: check.valid().map(|v| v.kind),
            id_problem: check.problem().map(|p| p.code().to_owned()),
            sex: check.valid().map(|v| v.sex),
            birth_date: check.valid().map(|v| v.birth_date),
            grade: "三年级".into(),
            class: "1班".into(),
            phone: String::new(),
            ethnicity: None,
            address: None,
            enrollment: Enrollment::Here,
            decline_reason: None,
            payment: PaymentStatus::Unpaid,
            payment_details: PaymentDetails::default(),
            categories: Vec::new(),
            note: String::new(),
            source: String::new(),
            created_at: String::new(),
            updated_at: String::new(),
        }
    }
}

impl Student {
    pub fn id_valid(&self) -> bool {
        self.id_problem.is_none()
    }

    /// Whether the pupil's ID number is to be verified before it goes anywhere: one that failed the check, or an
    /// old 15-digit one (converted to 18), which only people born in the 1900s were given, so it is a parent's or
    /// an old record's, never the pupil's. The one rule of the roster's `!`, its 证件问题 filter, the counts of
    /// 身份证号有问题 (dashboard, `canbao stats`, the summary) and the batch template, which leaves such a number
    /// out of 证件号码.
    pub fn id_to_verify(&self) -> bool {
        !self.id_valid() || self.id_kind == Some(IdKind::ResidentConverted)
    }

    /// Whether every category of the pupil counts in insured year `year` (none 待重新认定).
    pub fn categories_certified(&self, year: Option<i32>) -> bool {
        self.categories.iter().all(|m| m.certified_for(year))
    }

    /// The categories carried from an earlier year than `year` and not certified again (待重新认定).
    pub fn categories_to_recertify(&self, year: Option<i32>) -> Vec<&CategoryMark> {
        self.categories.iter().filter(|m| !m.certified_for(year)).collect()
    }

    /// The pupil as insured year `year` weighs them: with only the categories certified for it, so a category
    /// carried from an earlier year neither lowers the amount due nor goes on the year's forms as the year's.
    pub fn certified_in(&self, year: Option<i32>) -> std::borrow::Cow<'_, Student> {
        if self.categories_certified(year) {
            return std::borrow::Cow::Borrowed(self);
        }
        let categories = self.categories.iter().filter(|m| m.certified_for(year)).cloned().collect();
        std::borrow::Cow::Owned(Student { categories, ..self.clone() })
    }

    /// 所在年级、班级 as one label.
    pub fn class_label(&self) -> String {
        super::class_label::join(&self.grade, &self.class)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for e in Enrollment::ALL {
            assert_eq!(Enrollment::from_code(e.code()), Some(e));
        }
        for p in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::from_code(p.code()), Some(p));
        }
        assert_eq!(Enrollment::from_code("nope"), None);
    }

    #[test]
    fn enrollment_cycle_visits_every_status() {
        let mut seen = vec![Enrollment::Unknown];
        let mut e = Enrollment::Unknown.next();
        while e != Enrollment::Unknown {
            seen.push(e);
            e = e.next();
        }
        assert_eq!(seen.len(), Enrollment::ALL.len());
    }

    #[test]
    fn channels_are_stored_by_their_chinese_word() {
        for c in PaymentChannel::CHOICES {
            assert_eq!(PaymentChannel::from_text(c.label_zh()), Some(c.clone()));
            assert_eq!(PaymentChannel::from_text(c.label_en()), Some(c));
        }
        assert_eq!(PaymentChannel::from_text("  "), None);
        assert_eq!(PaymentChannel::from_text("云闪付"), Some(PaymentChannel::Named("云闪付".into())));
    }
}
