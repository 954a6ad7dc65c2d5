//! The four ledgers (四本台账, 001 三): every pupil on the roster is in exactly one.

use serde::Serialize;

use super::quote::{paying_rule, resolve_categories};
use super::{CategoryRule, Policy, QuoteError, Subsidy, SubsidyPayment};
use crate::domain::category::CategoryTable;
use crate::domain::student::{Enrollment, PaymentStatus};

/// 已缴费 · 未缴费 · 异地缴费 · 财政代缴 (001 三).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Ledger {
    /// 已缴费: paid here, by the family (or by the school collecting for it).
    Paid,
    /// 未缴费: enrolled through the school but not paid yet; the list the school chases.
    Unpaid,
    /// 异地缴费: enrolled and paid somewhere else — at home, with the family, or where a special category's
    /// benefit was approved (待遇审批地).
    PaidElsewhere,
    /// 财政代缴: a department pays the whole personal premium on the pupil's behalf.
    GovernmentPaid,
}

impl Ledger {
    /// All four, in the notice's order.
    pub const ALL: [Ledger; 4] = [Ledger::Paid, Ledger::Unpaid, Ledger::PaidElsewhere, Ledger::GovernmentPaid];

    /// The stable word used in JSON.
    pub fn code(self) -> &'static str {
        match self {
            Ledger::Paid => "paid",
            Ledger::Unpaid => "unpaid",
            Ledger::PaidElsewhere => "paid_elsewhere",
            Ledger::GovernmentPaid => "government_paid",
        }
    }

    /// The notice's word (001 三).
    pub fn label_zh(self) -> &'static str {
        match self {
            Ledger::Paid => "已缴费",
            Ledger::Unpaid => "未缴费",
            Ledger::PaidElsewhere => "异地缴费",
            Ledger::GovernmentPaid => "财政代缴",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Ledger::Paid => "paid",
            Ledger::Unpaid => "unpaid",
            Ledger::PaidElsewhere => "paid elsewhere",
            Ledger::GovernmentPaid => "government paid",
        }
    }
}

fn fully_paid_by_department(rule: &CategoryRule) -> bool {
    rule.subsidy == Subsidy::Full && rule.payment == SubsidyPayment::OnBehalf
}

/// Which ledger a pupil belongs to under `policy`.
///
/// `categories` are category names or aliases; `paid` means the premium was paid through this drive (the tax
/// office's list or the operator says so); `enrollment` is the roster's (异地参保: enrolled somewhere else).
///
/// - A pupil the family paid for is 已缴费, whatever their categories: the ledger's total is what the tax office
///   collected from families, and premiums paid are not refunded when a category is certified later (003
///   二(二)); the ledger's 备注 says what the category would have saved (`overpayment_words`).
/// - A pupil in a category the policy requires to enroll away from school (待遇审批地, family) is counted as the file's `ledger`
///   says, or else 财政代缴 when a department pays the whole premium for them and 异地缴费 otherwise, whether or not
///   anyone has confirmed yet that the pupil is enrolled there (the 异地缴费 ledger says which): the school asks
///   such a family for no premium (000 附件二(五) 须回待遇审批的主管部门办理参保登记; the payment notice says
///   不随学校参保). Only a pupil the operator enrolled at school all the same (在校参保, `mark --at-school`) is the
///   school's to chase in 未缴费.
/// - Any other pupil whose whole premium a department pays, by the category whose subsidy the quote applies
///   (`Quote::paying_category`), is 财政代缴, unless enrolled elsewhere (e.g. 001 附件1 四 pays only for pupils
///   registered in the city).
/// - Otherwise: 异地缴费 if enrolled elsewhere, 未缴费 if not.
pub fn ledger(
    policy: &Policy,
    table: &CategoryTable,
    categories: &[String],
    paid: bool,
    enrollment: Enrollment,
) -> Result<Ledger, QuoteError> {
    let enrolled_elsewhere = enrollment == Enrollment::Elsewhere;
    let names = resolve_categories(table, categories)?;
    if paid {
        return Ok(Ledger::Paid);
    }
    let rules: Vec<&CategoryRule> = names.iter().filter_map(|n| policy.rule(n)).collect();
    // Only a place the notice requires moves the pupil out of the school's ledgers; a pupil who may enroll at
    // school (004 可以不在学籍地参保) is counted by what happened, like anyone else.
    let paying = paying_rule(policy, table, &rules);
    if rules.iter().any(|r| r.enroll.required_away()) {
        // Counted by the category the quote takes (`Quote::paying_category`), as the other ledgers are: another
        // category beside it, or one that pays nothing, does not make the pupil a department's to pay for.
        let government = paying.is_some_and(|r| {
            r.ledger.unwrap_or(if fully_paid_by_department(r) { Ledger::GovernmentPaid } else { Ledger::PaidElsewhere })
                == Ledger::GovernmentPaid
        });
        // The school collects nothing from such a family, so 未缴费 (应缴金额) would chase it for a premium it pays
        // elsewhere; one nobody has asked yet is in 异地缴费 said unconfirmed, never counted insured for it.
        return Ok(if government {
            Ledger::GovernmentPaid
        } else if enrollment == Enrollment::Here {
            Ledger::Unpaid
        } else {
            Ledger::PaidElsewhere
        });
    }
    // The category the quote takes (003 四(三): one subsidy alone, never a sum) decides, as it decides what the
    // family pays: another fully paid category beside one the policy's order puts first (paid back to the family
    // afterwards) would list in 财政代缴 a pupil whose family the quote charges the whole premium.
    if paying.is_some_and(fully_paid_by_department) && !enrolled_elsewhere {
        return Ok(Ledger::GovernmentPaid);
    }
    Ok(if enrolled_elsewhere { Ledger::PaidElsewhere } else { Ledger::Unpaid })
}

/// The ledger of a pupil on the roster, from the statuses the drive records; `None` for pupils no ledger counts
/// (declined or left school, and not paid). The exports and the dashboard count with it.
///
/// Without a policy: paid → 已缴费, 财政代缴 → 财政代缴, enrolled elsewhere → 异地缴费, the rest → 未缴费.
/// With one, the policy decides for special categories (where they enroll, who pays); an operator's 财政代缴
/// mark wins for a pupil enrolled here, and a category the table does not know is ignored rather than failing
/// the whole list. A pupil insured elsewhere (异地参保) whom a department paid for was paid for where the
/// benefit was approved, and is counted there: 异地缴费, unless the policy itself counts such a pupil as
/// 财政代缴 (003 四(四): the benefit place's department in the same city pays in full), as for one not marked.
pub fn roster_ledger(
    policy: Option<&Policy>,
    table: &CategoryTable,
    enrollment: Enrollment,
    payment: PaymentStatus,
    categories: &[String],
) -> Option<Ledger> {
    if matches!(enrollment, Enrollment::Declined | Enrollment::Left) && payment == PaymentStatus::Unpaid {
        return None;
    }
    let elsewhere = enrollment == Enrollment::Elsewhere;
    if payment == PaymentStatus::Government {
        return Some(match policy {
            Some(p) if elsewhere => ledger(p, table, categories, false, enrollment).unwrap_or(Ledger::PaidElsewhere),
            _ => Ledger::GovernmentPaid,
        });
    }
    let paid = payment == PaymentStatus::Paid;
    let fallback = if paid {
        Ledger::Paid
    } else if elsewhere {
        Ledger::PaidElsewhere
    } else {
        Ledger::Unpaid
    };
    Some(match policy {
        Some(p) => ledger(p, table, categories, paid, enrollment).unwrap_or(fallback),
        None => fallback,
    })
}

/// [`roster_ledger`] of a pupil whose family's payment may fall short of the amount due (`short`:
/// `policy::part_payment` found one): a part payment insures nobody, so the pupil is chased for the rest in
/// 未缴费 whatever the roster's enrollment says, unless insured elsewhere (异地参保: 异地缴费). So is a 财政代缴 mark
/// that pays only the department's share while the family's is unpaid (`short` too): not in 财政代缴, whose pupils
/// a department pays for in full, but chased for the family's share with the unpaid.
pub fn pupil_ledger(
    policy: Option<&Policy>,
    table: &CategoryTable,
    enrollment: Enrollment,
    payment: PaymentStatus,
    categories: &[String],
    short: bool,
) -> Option<Ledger> {
    if short && payment.is_settled() {
        // One who left (or declined) with a part payment is chased no more than one who left unpaid.
        return match enrollment {
            Enrollment::Elsewhere => Some(Ledger::PaidElsewhere),
            Enrollment::Left | Enrollment::Declined => None,
            _ => Some(Ledger::Unpaid),
        };
    }
    roster_ledger(policy, table, enrollment, payment, categories)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::{Policy, PolicySet};

    fn ledger_of(policy: &str, categories: &[&str], paid: bool, elsewhere: bool) -> Ledger {
        let policy = PolicySet::builtin().get(policy).expect("policy");
        let categories: Vec<String> = categories.iter().map(|c| c.to_string()).collect();
        let enrollment = if elsewhere { Enrollment::Elsewhere } else { Enrollment::Unknown };
        ledger(policy, CategoryTable::builtin(), &categories, paid, enrollment).expect("known categories")
    }

    #[test]
    fn ordinary_pupils_follow_payment() {
        // 001 三: 已缴费、未缴费、异地缴费 for pupils without a category.
        assert_eq!(ledger_of("yibin-2024", &[], true, false), Ledger::Paid);
        assert_eq!(ledger_of("yibin-2024", &[], false, false), Ledger::Unpaid);
        assert_eq!(ledger_of("yibin-2024", &[], false, true), Ledger::PaidElsewhere);
    }

    #[test]
    fn full_subsidy_is_government_paid() {
        // 001 附件1 四(三): 特困人员个人不缴费，由政府全额补助 → 财政代缴 …
        assert_eq!(ledger_of("yibin-2024", &["特困"], false, false), Ledger::GovernmentPaid);
        // … but a family that paid before the category was certified is 已缴费: not refunded (003 二(二)).
        assert_eq!(ledger_of("yibin-2024", &["特困人员"], true, false), Ledger::Paid);
        // 001 附件1 四: only pupils registered in the city; one enrolled at home is 异地缴费.
        assert_eq!(ledger_of("yibin-2024", &["孤儿"], false, true), Ledger::PaidElsewhere);
        // 001 附件1 二(二): 低保 pay 95元 themselves, so they are in the paid/unpaid ledgers.
        assert_eq!(ledger_of("yibin-2024", &["低保"], false, false), Ledger::Unpaid);
        assert_eq!(ledger_of("yibin-2024", &["低保"], true, false), Ledger::Paid);
    }

    #[test]
    fn benefit_place_pupils() {
        // 003 四(四) + 三(二)1: 计生对象 enroll at the benefit place and 卫健 pays in full → 财政代缴.
        assert_eq!(ledger_of("liuzhou-2021", &["计生对象"], false, false), Ledger::GovernmentPaid);
        // A family's payment at school stays the family's: 已缴费.
        assert_eq!(ledger_of("liuzhou-2021", &["计生对象"], true, false), Ledger::Paid);
        // 003 三(二)2: 低保 (差额补助) pay themselves at the benefit place → 异地缴费, confirmed enrolled there or not
        // asked yet: the school collects nothing from them.
        assert_eq!(ledger_of("liuzhou-2021", &["低保对象"], false, true), Ledger::PaidElsewhere);
        assert_eq!(ledger_of("liuzhou-2021", &["低保对象"], false, false), Ledger::PaidElsewhere);
        // 003 四(一)4: one who paid here as an ordinary pupil stays 已缴费.
        assert_eq!(ledger_of("liuzhou-2021", &["低保对象"], true, false), Ledger::Paid);
        // 000 附件二(五): 须回待遇审批的主管部门办理参保登记; 000 gives no subsidy → 异地缴费.
        assert_eq!(ledger_of("liuzhou-2023", &["监测户"], false, true), Ledger::PaidElsewhere);
        assert_eq!(ledger_of("liuzhou-2023", &["监测户"], false, false), Ledger::PaidElsewhere);
        // 002 一: 以家庭为单位参保.
        assert_eq!(ledger_of("nanchong-2023", &["失地农民"], false, true), Ledger::PaidElsewhere);
        assert_eq!(ledger_of("nanchong-2023", &["失地农民"], false, false), Ledger::PaidElsewhere);
    }

    /// Liuzhou 2023 (000 附件二(五)): 低保、特困、孤儿、重度残疾、监测对象 须回待遇审批的主管部门办理参保登记, and the
    /// payment notice tells the family 不随学校参保, so the 未缴费 ledger (应缴金额 350) never chases such a pupil
    /// nobody has asked yet; only one the operator enrolled at school all the same (`mark --at-school`) is.
    #[test]
    fn liuzhou_2023_benefit_place_pupils_are_not_chased_for_the_school_premium() {
        let policy = PolicySet::builtin().get("liuzhou-2023").expect("policy");
        let table = CategoryTable::builtin();
        for category in ["低保对象", "特困人员", "孤儿", "重度残疾人", "防止返贫监测对象"] {
            let names = [category.to_owned()];
            let unasked = roster_ledger(Some(policy), table, Enrollment::Unknown, PaymentStatus::Unpaid, &names);
            assert_eq!(unasked, Some(Ledger::PaidElsewhere), "{category}");
            let at_school = roster_ledger(Some(policy), table, Enrollment::Here, PaymentStatus::Unpaid, &names);
            assert_eq!(at_school, Some(Ledger::Unpaid), "{category}");
        }
    }

    #[test]
    fn quanzhou_004_optional_benefit_place_is_counted_by_what_happened() {
        // 004 附件: 医疗救助对象…可以不在学籍地参保 — may, not must: unpaid at school is 未缴费 (the school still
        // asks), paid here is 已缴费, and only one enrolled elsewhere is 异地缴费.
        assert_eq!(ledger_of("quanzhou-2023", &["医疗救助对象"], false, false), Ledger::Unpaid);
        assert_eq!(ledger_of("quanzhou-2023", &["医疗救助对象"], true, false), Ledger::Paid);
        assert_eq!(ledger_of("quanzhou-2023", &["医疗救助对象"], false, true), Ledger::PaidElsewhere);
    }

    /// A test policy of two fully subsidised categories, 特困人员 first in its order and paid back to the family
    /// afterwards, 孤儿 paid on the pupil's behalf: `each` added to both categories' tables, `more` after them.
    fn two_full_categories(each: &str, more: &str) -> Policy {
        let text = format!(
            r#"
title = "测试市2023年度"
document = "测试〔2022〕1号"
insured_year = 2023
personal_premium = 350
full_subsidy_order = ["特困人员", "孤儿"]

[[window]]
name = "集中缴费期"
from = 2022-09-01
to = 2022-12-31
coverage = "year"

[category."特困人员"]
subsidy = "full"
payment = "reimbursed"
paid_by = "民政"
{each}
[category."孤儿"]
subsidy = "full"
paid_by = "民政"
{each}{more}"#
        );
        Policy::from_toml("test", &text, "policies/test.toml").expect("parses")
    }

    /// A pupil of two fully subsidised categories, the one the policy's order puts first paid back to the family
    /// afterwards (差额补助 after paying) and the other paid on the pupil's behalf: the quote applies the first alone
    /// (003 四(三)1) and charges the family the premium, so the pupil is chased in 未缴费, not listed 财政代缴 by
    /// the category the quote passed over.
    #[test]
    fn the_quotes_paying_category_alone_puts_a_pupil_in_government_paid() {
        let policy = two_full_categories("", "");
        let table = CategoryTable::builtin();
        let both = ["孤儿".to_owned(), "特困人员".to_owned()];
        let request = crate::domain::policy::QuoteRequest {
            categories: both.to_vec(),
            paid_on: chrono::NaiveDate::from_ymd_opt(2022, 10, 8).expect("day"),
            enrollee: Default::default(),
            freshman: false,
            grade: String::new(),
            birth_date: None,
        };
        let quote = crate::domain::policy::quote(&policy, table, &request).expect("quote");
        assert_eq!((quote.paying_category(), quote.personal_due_fen), (Some("特困人员"), 35_000));
        assert_eq!(ledger(&policy, table, &both, false, Enrollment::Here), Ok(Ledger::Unpaid));
        // The orphan alone is paid for on the pupil's behalf: 财政代缴.
        assert_eq!(ledger(&policy, table, &both[..1], false, Enrollment::Here), Ok(Ledger::GovernmentPaid));
    }

    /// A pupil who must enroll at the benefit place is counted by the quote's paying category too, as the other
    /// ledgers count: a category whose department pays nothing is not 财政代缴 whatever its `ledger` says (the
    /// family pays the premium where the benefit was approved: 异地缴费), and of two categories the one the quote
    /// passes over does not put the pupil there. Before, any of the pupil's categories did.
    #[test]
    fn a_benefit_place_pupil_is_government_paid_by_the_quotes_paying_category_alone() {
        let policy = two_full_categories(
            "enroll = \"benefit_place\"\n",
            "\n[category.\"低保对象\"]\nsubsidy = \"none\"\nenroll = \"benefit_place\"\nledger = \"government_paid\"\n",
        );
        let table = CategoryTable::builtin();
        let only = ["低保对象".to_owned()];
        assert_eq!(ledger(&policy, table, &only, false, Enrollment::Unknown), Ok(Ledger::PaidElsewhere));
        assert_eq!(ledger(&policy, table, &only, false, Enrollment::Here), Ok(Ledger::Unpaid));
        let both = ["孤儿".to_owned(), "特困人员".to_owned()];
        assert_eq!(ledger(&policy, table, &both, false, Enrollment::Unknown), Ok(Ledger::PaidElsewhere));
        // The orphan alone is paid for on the pupil's behalf: 财政代缴.
        assert_eq!(ledger(&policy, table, &both[..1], false, Enrollment::Unknown), Ok(Ledger::GovernmentPaid));
    }

    #[test]
    fn unknown_category_is_an_error() {
        let policy = PolicySet::builtin().get("yibin-2024").expect("policy");
        let err = ledger(policy, CategoryTable::builtin(), &["贫困生".to_owned()], false, Enrollment::Unknown)
            .expect_err("unknown");
        assert!(matches!(err, QuoteError::UnknownCategory { .. }));
    }

    #[test]
    fn labels_are_the_notices_words() {
        let labels: Vec<&str> = Ledger::ALL.iter().map(|l| l.label_zh()).collect();
        assert_eq!(labels, ["已缴费", "未缴费", "异地缴费", "财政代缴"]);
    }

    #[test]
    fn roster_ledger_follows_the_statuses() {
        let table = CategoryTable::builtin();
        let yibin = PolicySet::builtin().get("yibin-2024");
        let none: &[String] = &[];
        // 001 三: the four ledgers; declined or departed pupils who did not pay are in none of them.
        assert_eq!(roster_ledger(None, table, Enrollment::Here, PaymentStatus::Paid, none), Some(Ledger::Paid));
        assert_eq!(roster_ledger(None, table, Enrollment::Unknown, PaymentStatus::Unpaid, none), Some(Ledger::Unpaid));
        assert_eq!(
            roster_ledger(None, table, Enrollment::Elsewhere, PaymentStatus::Unpaid, none),
            Some(Ledger::PaidElsewhere)
        );
        assert_eq!(roster_ledger(None, table, Enrollment::Declined, PaymentStatus::Unpaid, none), None);
        assert_eq!(
            roster_ledger(None, table, Enrollment::Here, PaymentStatus::Government, none),
            Some(Ledger::GovernmentPaid)
        );
        // 001 附件1 四(四): 孤儿 个人不缴费，由政府全额补助 → 财政代缴 even before anyone marks it.
        let orphan = ["孤儿".to_owned()];
        assert_eq!(
            roster_ledger(yibin, table, Enrollment::Here, PaymentStatus::Unpaid, &orphan),
            Some(Ledger::GovernmentPaid)
        );
        // 异地参保 and paid for by a department: paid where the benefit was approved, so 异地缴费 — Yibin pays
        // only for pupils registered in the city (001 附件1 四) …
        assert_eq!(
            roster_ledger(yibin, table, Enrollment::Elsewhere, PaymentStatus::Government, &orphan),
            Some(Ledger::PaidElsewhere)
        );
        assert_eq!(
            roster_ledger(yibin, table, Enrollment::Elsewhere, PaymentStatus::Government, none),
            Some(Ledger::PaidElsewhere)
        );
        // … while Liuzhou's benefit-place department pays in full and is counted 财政代缴 (003 四(四)).
        let liuzhou = PolicySet::builtin().get("liuzhou-2021");
        let family_planning = ["计生对象".to_owned()];
        assert_eq!(
            roster_ledger(liuzhou, table, Enrollment::Elsewhere, PaymentStatus::Government, &family_planning),
            Some(Ledger::GovernmentPaid)
        );
        // Without a policy nothing says where the department is: the operator's mark.
        assert_eq!(
            roster_ledger(None, table, Enrollment::Elsewhere, PaymentStatus::Government, none),
            Some(Ledger::GovernmentPaid)
        );
        // An unknown category falls back to the statuses.
        let odd = ["贫困生".to_owned()];
        assert_eq!(roster_ledger(yibin, table, Enrollment::Here, PaymentStatus::Unpaid, &odd), Some(Ledger::Unpaid));
    }
}
