//! 财政代缴: what a department pays for a pupil, and why wherever the figure alone would mislead (0, none, or
//! part of the premium). The 财政代缴 ledger's 代缴部门 · 代缴金额 · 备注, the detail screen, `quote` and `check`
//! all take it from here, so none of them shows a bare 0. Data only: `crate::words::share` says it.

use chrono::NaiveDate;
use serde::Serialize;

use super::{CategoryRule, Ledger, Policy, QuoteError, Refund, pupil_request, quote, roster_ledger};
use crate::domain::category::CategoryTable;
use crate::domain::student::{Enrollment, PaymentStatus, Student};

/// The department's share of one pupil's premium under the drive's policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentShare {
    /// The department that pays, else the one that certified the category; empty where nothing names one.
    pub department: String,
    /// Fen; `None` where nobody here can say (no category, no policy, an amount the notice does not give, a
    /// department elsewhere).
    pub amount_fen: Option<i64>,
    /// Why the share is 0, unknown or only part of the premium; `None` where the department pays its share
    /// and nothing is left to say.
    pub reason: Option<ShareReason>,
}

/// Why a department's share needs words beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ShareReason {
    /// Marked 财政代缴 with no special category: no department to bill, no amount.
    NoCategory,
    /// Marked 财政代缴 with only categories carried from an earlier year (待重新认定): no department pays for them
    /// this year until one certifies them again.
    Recertify { categories: Vec<String> },
    /// The drive has no policy: no notice gives the share.
    NoPolicy,
    /// A category the category table does not know.
    UnknownCategory { name: String },
    /// The policy gives no amount at all (the quote's refusal, in both languages).
    Unquotable { message: String, message_en: String },
    /// 差额补助 (003 三(三)2、四(一)3): the family pays the whole premium and the department pays back later;
    /// nothing is paid on the pupil's behalf.
    Reimbursed { category: String, clause: String, family_fen: i64, refund: Refund },
    /// The notice names a subsidy for the category without its amount (000 附件二(五)).
    AmountNotGiven { document: String, category: String, clause: String },
    /// The notice gives none of the pupil's categories a subsidy: the family owes the premium, and the 财政代缴
    /// mark is to be checked.
    NoSubsidy { document: String, categories: Vec<String>, family_fen: i64 },
    /// The department pays only part: what the family still owes, and why.
    FamilyOwes { family_fen: i64, because: FamilyPart },
    /// Insured elsewhere (异地参保) and paid for by a department there: counted in 异地缴费, not here.
    PaidElsewhere { place: Option<String> },
}

impl ShareReason {
    /// A 财政代缴 mark the notice does not bear out, to be put right: the department pays nothing on the
    /// pupil's behalf, or nothing says what it pays. A partial share, an amount a department decides and a
    /// department elsewhere are the rule working, not a mistake.
    pub fn to_verify(&self) -> bool {
        matches!(
            self,
            ShareReason::UnknownCategory { .. }
                | ShareReason::Recertify { .. }
                | ShareReason::Unquotable { .. }
                | ShareReason::Reimbursed { .. }
                | ShareReason::NoSubsidy { .. }
        )
    }
}

/// Why the family still pays part of a premium a department pays for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FamilyPart {
    /// Paid in a window that takes the financing standard (003 三(一)2): the department pays the premium only.
    FinancingStandard { window: String, total_fen: i64, clause: String },
    /// The category's subsidy is a share of the premium (001 附件1 二(二): 75 %).
    PartialSubsidy { category: String, clause: String },
}

/// A pupil insured elsewhere (异地参保) whom the ledgers count in 异地缴费: the premium is paid where the pupil is
/// insured, by the family or a department there, so nothing is collected here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsuredElsewhere {
    /// Where, as the operator recorded it with 异地参保.
    pub place: Option<String>,
}

/// Whether `pupil` is insured elsewhere and counted in 异地缴费. A pupil the policy sends to enroll where a
/// benefit was approved, but not marked 异地参保, is not: nobody has said yet that the pupil is insured there.
pub fn insured_elsewhere(policy: Option<&Policy>, table: &CategoryTable, pupil: &Student) -> Option<InsuredElsewhere> {
    if pupil.enrollment != Enrollment::Elsewhere {
        return None;
    }
    let names: Vec<String> = pupil.categories.iter().map(|c| c.name.clone()).collect();
    if roster_ledger(policy, table, pupil.enrollment, pupil.payment, &names) != Some(Ledger::PaidElsewhere) {
        return None;
    }
    let place = pupil.decline_reason.as_deref().map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned);
    Some(InsuredElsewhere { place })
}

/// A department's share that leaves the family a share of its own to pay (001 附件1 二(二): 低保 and 监测对象 pay
/// 95 of 380, 已稳定脱贫 285): a 财政代缴 mark records only the department's part, and the pupil is insured once the
/// family's share is paid too. The family's share is recorded as its payment (`mark --payment paid --amount 95`,
/// `p`), the department's share going with it as the category says; 财政代缴 is for a department that pays all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyShare {
    /// Fen: what the family still pays.
    pub family_fen: i64,
    /// Fen: what the department pays.
    pub department_fen: i64,
    /// The department that pays, else the one that certified the category.
    pub department: String,
    /// The category whose subsidy it is, and the notice's clause.
    pub category: String,
    pub clause: String,
}

/// The family's share of `pupil`'s premium where a department pays only part of it by the pupil's category
/// ([`FamilyShare`]), as a 财政代缴 mark on the pupil would be read; `None` where a department pays it all,
/// pays nothing, or nothing says what it pays, and for a pupil insured elsewhere (异地参保), whom a department
/// may pay for where the benefit was approved.
pub fn family_share(
    policy: Option<&Policy>,
    table: &CategoryTable,
    pupil: &Student,
    day: NaiveDate,
) -> Option<FamilyShare> {
    if pupil.enrollment == Enrollment::Elsewhere {
        return None;
    }
    let marked = Student { payment: PaymentStatus::Government, ..pupil.clone() };
    let share = department_share(policy, table, &marked, day);
    match share.reason {
        Some(ShareReason::FamilyOwes { family_fen, because: FamilyPart::PartialSubsidy { category, clause } }) => {
            Some(FamilyShare {
                family_fen,
                department_fen: share.amount_fen?,
                department: share.department,
                category,
                clause,
            })
        }
        _ => None,
    }
}

/// Where a 财政代缴 mark on `pupil` would be paid by no department: the drive's notice subsidises none of their
/// categories (事实无人抚养儿童 under a notice that names no such subsidy, `ShareReason::NoSubsidy`), so the family
/// owes the premium and the mark would count the pupil insured with nothing paid. The notice as a sentence names
/// it, the categories, and the family's due. `None` for a pupil with no category (said of its own), insured
/// elsewhere, or any share a department does pay.
pub fn unsubsidised(
    policy: Option<&Policy>,
    table: &CategoryTable,
    pupil: &Student,
    day: NaiveDate,
) -> Option<(String, Vec<String>, i64)> {
    if pupil.enrollment == Enrollment::Elsewhere || pupil.categories.is_empty() {
        return None;
    }
    let marked = Student { payment: PaymentStatus::Government, ..pupil.clone() };
    match department_share(policy, table, &marked, day).reason {
        Some(ShareReason::NoSubsidy { document, categories, family_fen }) => Some((document, categories, family_fen)),
        _ => None,
    }
}

/// [`department_share`] as insured year `year` weighs the pupil, by the categories certified for it (as the
/// ledgers and `check` count the pupil). A pupil whose categories are all carried from an earlier year
/// (待重新认定) is said to be so, never as one with no category: the category is there, to be certified again.
pub fn certified_department_share(
    policy: Option<&Policy>,
    table: &CategoryTable,
    pupil: &Student,
    day: NaiveDate,
    year: Option<i32>,
) -> DepartmentShare {
    let share = department_share(policy, table, &pupil.certified_in(year), day);
    let carried: Vec<String> = pupil.categories_to_recertify(year).iter().map(|m| m.name.clone()).collect();
    match share.reason {
        Some(ShareReason::NoCategory) if !carried.is_empty() => {
            DepartmentShare { reason: Some(ShareReason::Recertify { categories: carried }), ..share }
        }
        _ => share,
    }
}

/// The department's share for `pupil`, as the 财政代缴 ledger states it: quoted for the pupil's payment date
/// (`day` without one), or for the first day of the policy's first window (the concentrated period) when no
/// window takes that date, since a department's share does not depend on the day. A pupil marked 财政代缴 whom
/// the ledgers count in 异地缴费 is said to be paid for there.
pub fn department_share(
    policy: Option<&Policy>,
    table: &CategoryTable,
    pupil: &Student,
    day: NaiveDate,
) -> DepartmentShare {
    let unknown = |department: String, reason: ShareReason| DepartmentShare {
        department,
        amount_fen: None,
        reason: Some(reason),
    };
    let names: Vec<String> = pupil.categories.iter().map(|c| c.name.clone()).collect();
    if pupil.payment == PaymentStatus::Government
        && let Some(InsuredElsewhere { place }) = insured_elsewhere(policy, table, pupil)
    {
        return unknown(String::new(), ShareReason::PaidElsewhere { place });
    }
    // Neither the department nor its share is known without a category: no amount, not 0.
    if pupil.categories.is_empty() {
        return unknown(String::new(), ShareReason::NoCategory);
    }
    let certifying = pupil.categories.iter().map(|c| c.department.clone()).find(|d| !d.is_empty()).unwrap_or_default();
    let Some(policy) = policy else {
        return unknown(certifying, ShareReason::NoPolicy);
    };
    let mut request = pupil_request(pupil, day);
    let quoted = quote(policy, table, &request).or_else(|first| match policy.windows.first() {
        Some(window) => {
            request.paid_on = window.from;
            request.birth_date = None;
            quote(policy, table, &request)
        }
        None => Err(first),
    });
    let q = match quoted {
        Ok(q) => q,
        Err(QuoteError::UnknownCategory { name, .. }) => {
            return unknown(certifying, ShareReason::UnknownCategory { name });
        }
        Err(e) => {
            return unknown(certifying, ShareReason::Unquotable { message: e.to_string(), message_en: e.message_en() });
        }
    };
    let department = q.paying_department.clone().filter(|d| !d.is_empty()).unwrap_or(certifying);
    // The rule that gave the subsidy (or named one without its amount), for its category and clause.
    let rule = q.paying_category().and_then(|c| policy.rule(c));
    let (category, clause) = rule.map(|r: &CategoryRule| (r.category.clone(), r.clause.clone())).unwrap_or_default();
    let reason = if let Some(refund) = q.refund {
        // Nothing goes to the tax office on the pupil's behalf: 0 is the share.
        Some(ShareReason::Reimbursed { category, clause, family_fen: q.personal_due_fen, refund })
    } else if q.subsidy_unspecified {
        return unknown(
            department,
            ShareReason::AmountNotGiven { document: policy.document_in_sentence(), category, clause },
        );
    } else if q.department_due_fen == 0 {
        Some(ShareReason::NoSubsidy {
            document: policy.document_in_sentence(),
            categories: names,
            family_fen: q.personal_due_fen,
        })
    } else if q.personal_due_fen > 0 {
        let because = if q.total_due_fen > policy.personal_premium_fen {
            let window = policy.windows.iter().find(|w| w.name == q.window);
            FamilyPart::FinancingStandard {
                window: q.window.clone(),
                total_fen: q.total_due_fen,
                clause: window.map(|w| w.clause.clone()).unwrap_or_default(),
            }
        } else {
            FamilyPart::PartialSubsidy { category, clause }
        };
        Some(ShareReason::FamilyOwes { family_fen: q.personal_due_fen, because })
    } else {
        None
    };
    DepartmentShare { department, amount_fen: Some(q.department_due_fen), reason }
}
