//! The policy questions the screens ask: what a pupil owes and which of the four ledgers they are in. The
//! answers come from `domain::policy`; this file only adapts the roster's rows to its requests.

use chrono::NaiveDate;

use crate::domain::category::CategoryTable;
use crate::domain::policy::{self, DepartmentShare, InsuredElsewhere, Ledger, Policy, PolicySet, Quote, QuoteRequest};
use crate::domain::student::{Enrollment, PaymentStatus, Student};
use crate::store::Store;

pub use crate::store::POLICY_META_KEY;

/// The drive's policy, if the file names one that exists. A broken policy file in the config folder is
/// reported, not fatal: the roster works without amounts.
pub fn drive_policy(store: &Store, config_dir: Option<&std::path::Path>) -> (Option<Policy>, Option<String>) {
    let Ok(Some(name)) = store.meta(POLICY_META_KEY) else {
        return (None, None);
    };
    let set = PolicySet::load(config_dir);
    let broken = set.broken().iter().map(ToString::to_string).collect::<Vec<_>>();
    let broken = (!broken.is_empty()).then(|| broken.join("；"));
    // Its own file broken: canbao's policy of that name, else the drive's copy, and the file is named.
    if set.broken_named(&name).is_some() {
        return (PolicySet::builtin().get(&name).cloned().or_else(|| store.kept_policy(&name)), broken);
    }
    // The drive's copy first, as `canbao` takes it (`cli::paperwork::policy_named`): the figures every laptop of
    // the drive shows, and a closed year's as they were; else this laptop's file (a drive that keeps no copy).
    (store.kept_policy(&name).or_else(|| set.get(&name).cloned()), broken)
}

/// The amount due and coverage for a pupil paying on `day` (their payment date if they paid), for the insured
/// year `year` (the drive's, or the one shown): a policy of another year says so rather than pricing that year's
/// premium or calling the date outside its windows. An error is the policy's own explanation, in the UI language.
pub fn quote_for(
    policy: &Policy,
    student: &Student,
    day: NaiveDate,
    english: bool,
    year: Option<i32>,
) -> Result<Quote, String> {
    quote_request(policy, &policy::pupil_request(student, day), english, year)
}

/// `quote` as it stands for `student` once the family has paid more than its share of a subsidised premium
/// (`policy::PaidFirst`): paid, nothing on the pupil's behalf, and what becomes of the subsidy. Any other quote
/// as it was.
pub fn settled(policy: &Policy, student: &Student, quote: Quote) -> Quote {
    match policy::paid_first(policy, student, &quote) {
        Some(paid) => paid.settle(quote),
        None => quote,
    }
}

/// `quote_for` of a request made already (`policy::pupil_request`).
pub fn quote_request(
    policy: &Policy,
    request: &QuoteRequest,
    english: bool,
    year: Option<i32>,
) -> Result<Quote, String> {
    policy::quote_in_year(policy, CategoryTable::builtin(), request, year)
        .map_err(|e| if english { e.message_en() } else { e.to_string() })
}

/// What a department pays for a pupil marked 财政代缴, as the 财政代缴 ledger states it (why it is 0, unknown or
/// part of the premium, or paid where the pupil is insured elsewhere); `None` for a pupil not so marked. By the
/// categories certified for insured year `year`: one carried from an earlier year (待重新认定) pays nothing yet.
pub fn government_share(
    policy: Option<&Policy>,
    student: &Student,
    day: NaiveDate,
    year: Option<i32>,
) -> Option<DepartmentShare> {
    (student.payment == PaymentStatus::Government)
        .then(|| policy::certified_department_share(policy, CategoryTable::builtin(), student, day, year))
}

/// Whether a pupil is insured elsewhere and counted in 异地缴费, as the ledgers count them: nothing is collected
/// here.
pub fn insured_elsewhere(policy: Option<&Policy>, student: &Student) -> Option<InsuredElsewhere> {
    policy::insured_elsewhere(policy, CategoryTable::builtin(), student)
}

/// The ledger of one pupil; `None` for pupils no ledger counts (declined, left school). The same rule as the
/// exports, so the dashboard and the ledgers never disagree.
pub fn ledger_of(
    policy: Option<&Policy>,
    enrollment: Enrollment,
    payment: PaymentStatus,
    categories: &[String],
    short: bool,
) -> Option<Ledger> {
    policy::pupil_ledger(policy, CategoryTable::builtin(), enrollment, payment, categories, short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ledgers_without_a_policy() {
        let none: &[String] = &[];
        assert_eq!(ledger_of(None, Enrollment::Here, PaymentStatus::Paid, none, false), Some(Ledger::Paid));
        assert_eq!(ledger_of(None, Enrollment::Unknown, PaymentStatus::Unpaid, none, false), Some(Ledger::Unpaid));
        assert_eq!(
            ledger_of(None, Enrollment::Elsewhere, PaymentStatus::Unpaid, none, false),
            Some(Ledger::PaidElsewhere)
        );
        assert_eq!(
            ledger_of(None, Enrollment::Here, PaymentStatus::Government, none, false),
            Some(Ledger::GovernmentPaid)
        );
        assert_eq!(ledger_of(None, Enrollment::Left, PaymentStatus::Unpaid, none, false), None);
        assert_eq!(ledger_of(None, Enrollment::Declined, PaymentStatus::Unpaid, none, false), None);
    }

    #[test]
    fn ledgers_with_a_policy() {
        let policy = PolicySet::builtin().get("yibin-2024").expect("policy");
        let tekun = vec!["特困人员".to_owned()];
        assert_eq!(
            ledger_of(Some(policy), Enrollment::Here, PaymentStatus::Unpaid, &tekun, false),
            Some(Ledger::GovernmentPaid)
        );
    }
}
