//! A family that paid the premium before the pupil's category was certified, or paid as an ordinary resident
//! (003 四(一)2、4): the premium stays paid, and no department pays it a second time on the pupil's behalf. What
//! becomes of the subsidy the category carries is the policy's to say (`Policy::paid_before_certification`: 003
//! 二(二) no refund, the department pays it into the family's account); a notice silent on it is said to be so.
//! `quote`, the detail screen and the 已缴费 ledger's 备注 all take it from here; `crate::words::quote` says it.

use chrono::NaiveDate;

use super::{Policy, Quote, Refund, RuleStep, SubsidyToFamily, quote_pupil};
use crate::domain::student::{PaymentStatus, Student};

/// What stands for a pupil whose family paid more than its share under a subsidised category.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidFirst {
    /// The category whose subsidy the family's payment left unused.
    pub category: String,
    /// The department that would have paid on the pupil's behalf.
    pub department: String,
    /// Fen: what the family paid (the whole amount due, where the payment was recorded without an amount).
    pub paid_fen: i64,
    /// Fen: the part of the subsidy the family's payment covered: what the department does not pay now.
    pub subsidy_fen: i64,
    /// The policy's rule for the subsidy; `None`: the notice does not say.
    pub to_family: Option<SubsidyToFamily>,
}

/// The family's payment of `pupil` beside `quote` for the pupil's certified categories: `None` unless the family
/// paid (已缴费) more than its share of a premium a department pays part or all of on the pupil's behalf.
pub fn paid_first(policy: &Policy, pupil: &Student, quote: &Quote) -> Option<PaidFirst> {
    if pupil.payment != PaymentStatus::Paid || quote.department_due_fen <= 0 || quote.refund.is_some() {
        return None;
    }
    let paid = pupil.payment_details.amount_fen.unwrap_or(quote.total_due_fen);
    let over = paid - quote.personal_due_fen;
    if over <= 0 {
        return None;
    }
    Some(PaidFirst {
        category: quote.subsidy_category.clone()?,
        department: quote.paying_department.clone().unwrap_or_default(),
        paid_fen: paid,
        subsidy_fen: over.min(quote.department_due_fen),
        to_family: policy.paid_before_certification.clone(),
    })
}

/// [`paid_first`] under the drive's policy, quoted as the ledgers quote the pupil (their payment date, `day`
/// without one).
pub fn pupil_paid_first(policy: &Policy, pupil: &Student, day: NaiveDate) -> Option<PaidFirst> {
    paid_first(policy, pupil, &quote_pupil(policy, pupil, day).ok()?)
}

impl PaidFirst {
    /// `quote` as it stands once the family has paid: the family's payment, nothing on the pupil's behalf, the
    /// subsidy paid back to the family where the policy says so, and the step saying it in place of the totals
    /// (「家庭应缴0元，部门代缴380元」 would read as a department still owing what the family paid).
    pub fn settle(&self, mut quote: Quote) -> Quote {
        quote.personal_due_fen = self.paid_fen;
        quote.department_due_fen = 0;
        if self.to_family.is_some() {
            quote.refund = Some(Refund::Amount { fen: self.subsidy_fen });
        }
        quote.steps.retain(|s| !matches!(s, RuleStep::Totals { .. }));
        quote.steps.push(RuleStep::PaidFirst(self.clone()));
        quote
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::PolicySet;
    use crate::domain::student::{CategoryMark, PaymentDetails};

    fn paid(category: &str, fen: Option<i64>, on: NaiveDate) -> Student {
        Student {
            payment: PaymentStatus::Paid,
            payment_details: PaymentDetails { amount_fen: fen, paid_on: Some(on), channel: None },
            categories: vec![CategoryMark { name: category.into(), department: String::new(), year: None }],
            ..Student::sample("甲", "450205201603184361")
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    /// 003 二(二)、四(一)2: no refund, the department pays the family; a notice silent on it (001) gives no rule, and
    /// the settled quote has no department paying what the family paid.
    #[test]
    fn a_family_paid_first_is_settled_as_the_notice_says() {
        let set = PolicySet::builtin();
        let liuzhou = set.get("liuzhou-2021").expect("policy");
        let pupil = paid("孤儿", Some(28_000), day(2020, 10, 10));
        let first = pupil_paid_first(liuzhou, &pupil, day(2020, 10, 10)).expect("paid first");
        assert_eq!((first.paid_fen, first.subsidy_fen, first.department.as_str()), (28_000, 28_000, "医保"));
        assert_eq!(first.to_family.as_ref().map(|t| t.clause.as_str()), Some("003 二(二)、四(一)2、四(一)4"));
        let settled = first.settle(quote_pupil(liuzhou, &pupil, day(2020, 10, 10)).expect("quote"));
        assert_eq!((settled.personal_due_fen, settled.department_due_fen), (28_000, 0));
        assert_eq!(settled.refund, Some(Refund::Amount { fen: 28_000 }));
        assert!(!settled.steps.iter().any(|s| matches!(s, RuleStep::Totals { .. })), "{:?}", settled.steps);

        let yibin = set.get("yibin-2024").expect("policy");
        // 低保: 95 due, 380 paid: 285 of 财政's share the family's payment covered; no rule for it in 001.
        let pupil = paid("低保对象", Some(38_000), day(2023, 10, 10));
        let first = pupil_paid_first(yibin, &pupil, day(2023, 10, 10)).expect("paid first");
        assert_eq!((first.subsidy_fen, first.to_family.is_none()), (28_500, true));
        let settled = first.settle(quote_pupil(yibin, &pupil, day(2023, 10, 10)).expect("quote"));
        assert_eq!((settled.personal_due_fen, settled.department_due_fen, settled.refund), (38_000, 0, None));
        // Paid only the family's share, or no category the policy subsidises: nothing to say.
        assert_eq!(pupil_paid_first(yibin, &paid("低保对象", Some(9_500), day(2023, 10, 10)), day(2023, 10, 10)), None);
        assert_eq!(
            pupil_paid_first(yibin, &paid("失地农民", Some(38_000), day(2023, 10, 10)), day(2023, 10, 10)),
            None
        );
        // Unpaid: the department pays as the rule says.
        let unpaid = Student { payment: PaymentStatus::Unpaid, ..paid("特困人员", None, day(2023, 10, 10)) };
        assert_eq!(pupil_paid_first(yibin, &unpaid, day(2023, 10, 10)), None);
    }
}
