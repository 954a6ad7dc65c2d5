//! A department's share in words (`domain::policy::DepartmentShare`): the 财政代缴 ledger's 备注, the detail
//! screen's line under the share, `canbao quote` and `canbao check`, from this file's two tables.

use super::{Language, fill};
use crate::domain::money::plain;
use crate::domain::policy::{DepartmentShare, FamilyPart, Refund, ShareReason};

/// The sentences for a department's share in one language. Placeholders are described where they are numbered.
pub struct ShareWords {
    /// Picks which of a refusal's two messages is said.
    lang: Language,
    /// Between the names in a list of categories.
    list_gap: &'static str,
    no_category: &'static str,
    /// The categories carried from an earlier year.
    recertify: &'static str,
    no_policy: &'static str,
    /// The category.
    unknown_category: &'static str,
    /// The quote's refusal.
    unquotable: &'static str,
    /// {0} category, {1} what the family pays, {2} department, {3} `refund_amount` or `refund_unspecified`,
    /// {4} clause.
    reimbursed: &'static str,
    /// The amount paid back.
    refund_amount: &'static str,
    refund_unspecified: &'static str,
    /// {0} the notice, {1} category, {2} clause, {3} department.
    amount_not_given: &'static str,
    /// {0} the notice, {1} categories, {2} what the family pays.
    no_subsidy: &'static str,
    /// What the family pays, {1} why (below).
    family_owes: &'static str,
    /// {0} window, {1} the financing standard, {2} clause.
    financing_standard: &'static str,
    /// {0} category, {1} clause.
    partial_subsidy: &'static str,
    /// The place.
    elsewhere_at: &'static str,
    elsewhere: &'static str,
    /// `canbao quote`'s line for the words above, under 部门代缴.
    pub cli_line: &'static str,
    /// The share: {0} yuan.
    amount: &'static str,
    /// {0} the share in yuan, {1} the department.
    amount_by: &'static str,
    /// A share nobody here can give, where an amount would stand; {0} the department.
    unknown_amount: &'static str,
    unknown_amount_by: &'static str,
    /// Where an amount would stand for a pupil a department paid for where insured elsewhere.
    paid_there: &'static str,
}

pub static ZH: ShareWords = ShareWords {
    lang: Language::Zh,
    list_gap: "、",
    no_category: "无人员类别，代缴部门和金额待核实",
    recertify: "人员类别（{}）待重新认定：本年度尚未认定，代缴部门和金额待核实",
    no_policy: "未选用参保政策，代缴金额待核实",
    unknown_category: "人员类别「{}」不在类别表中，代缴部门和金额待核实",
    unquotable: "代缴金额无法计算：{}",
    reimbursed: "{0}为差额补助，部门不代缴：由家庭缴纳 {1} 元，{2}{3}（{4}）",
    refund_amount: "事后发放补助 {} 元",
    refund_unspecified: "事后发放差额补助",
    amount_not_given: "{0}未规定{1}的资助金额（{2}），代缴金额以{3}核定为准",
    no_subsidy: "{0}未规定{1}的资助，部门代缴 0 元，按通知由家庭缴纳 {2} 元；财政代缴待核实",
    family_owes: "家庭另缴 {0} 元（{1}）",
    financing_standard: "{0}按筹资标准 {1} 元缴纳，{2}",
    partial_subsidy: "{0}部分资助，{1}",
    elsewhere_at: "异地参保：{}，由参保地部门代缴，计入异地缴费台账，不计本地代缴金额",
    elsewhere: "异地参保，由参保地部门代缴，计入异地缴费台账，不计本地代缴金额",
    cli_line: "财政代缴 (government paid)  {}",
    amount: "{0} 元",
    amount_by: "{0} 元（{1}）",
    unknown_amount: "待核实",
    unknown_amount_by: "待核实（{1}）",
    paid_there: "由参保地部门代缴",
};

pub static EN: ShareWords = ShareWords {
    lang: Language::En,
    list_gap: ", ",
    no_category: "no special category: which department pays, and how much, is to be checked",
    recertify: "category ({}) to be certified again: not certified this year, so which department pays, and how \
                much, is to be checked",
    no_policy: "no policy chosen for the drive: the department's amount is to be checked",
    unknown_category: "category {} is not in the category table: the department and the amount are to be checked",
    unquotable: "the department's amount cannot be worked out: {}",
    reimbursed: "{0} is a difference subsidy, not paid on the pupil's behalf: the family pays {1} yuan and {2} pays \
                 {3} afterwards ({4})",
    refund_amount: "{} yuan back",
    refund_unspecified: "the difference back",
    amount_not_given: "{0} gives no amount for {1} ({2}): {3} decides the amount",
    no_subsidy: "{0} gives {1} no subsidy: the department pays 0 yuan and the family {2} yuan under the notice; the \
                 government payment is to be checked",
    family_owes: "the family still pays {0} yuan ({1})",
    financing_standard: "{0}: the financing standard of {1} yuan, {2}",
    partial_subsidy: "{0}: a partial subsidy, {1}",
    elsewhere_at: "insured elsewhere ({}) and paid for by a department there: counted in the paid-elsewhere ledger, \
                   with no amount here",
    elsewhere: "insured elsewhere and paid for by a department there: counted in the paid-elsewhere ledger, with no \
                amount here",
    cli_line: "government paid  {}",
    amount: "{0} yuan",
    amount_by: "{0} yuan ({1})",
    unknown_amount: "to be checked",
    unknown_amount_by: "to be checked ({1})",
    paid_there: "paid where insured",
};

impl ShareWords {
    pub fn of(lang: Language) -> &'static ShareWords {
        match lang {
            Language::Zh => &ZH,
            Language::En => &EN,
        }
    }

    /// The share where an amount stands: the yuan and who pays them, or why there is no figure.
    pub fn amount(&self, share: &DepartmentShare) -> String {
        let template = match (share.amount_fen, share.department.is_empty(), &share.reason) {
            (None, _, Some(ShareReason::PaidElsewhere { .. })) => self.paid_there,
            (Some(_), true, _) => self.amount,
            (Some(_), false, _) => self.amount_by,
            (None, true, _) => self.unknown_amount,
            (None, false, _) => self.unknown_amount_by,
        };
        fill(template, &[&share.amount_fen.map(plain).unwrap_or_default(), &share.department])
    }

    /// Why the share is what it is, as the ledger's 备注 says it; empty where nothing needs saying.
    pub fn remark(&self, share: &DepartmentShare) -> String {
        share.reason.as_ref().map(|r| self.reason(&share.department, r)).unwrap_or_default()
    }

    /// `reason` in words, for a share `department` pays (or certified).
    pub fn reason(&self, department: &str, reason: &ShareReason) -> String {
        match reason {
            ShareReason::NoCategory => self.no_category.to_owned(),
            ShareReason::Recertify { categories } => fill(self.recertify, &[&categories.join(self.list_gap)]),
            ShareReason::NoPolicy => self.no_policy.to_owned(),
            ShareReason::UnknownCategory { name } => fill(self.unknown_category, &[name]),
            ShareReason::Unquotable { message, message_en } => {
                fill(self.unquotable, &[if self.lang == Language::En { message_en } else { message }])
            }
            ShareReason::Reimbursed { category, clause, family_fen, refund } => {
                let back = match refund {
                    Refund::Amount { fen } => fill(self.refund_amount, &[&plain(*fen)]),
                    Refund::Unspecified => self.refund_unspecified.to_owned(),
                };
                fill(self.reimbursed, &[category, &plain(*family_fen), &department, &back, clause])
            }
            ShareReason::AmountNotGiven { document, category, clause } => {
                fill(self.amount_not_given, &[document, category, clause, &department])
            }
            ShareReason::NoSubsidy { document, categories, family_fen } => {
                fill(self.no_subsidy, &[document, &categories.join(self.list_gap), &plain(*family_fen)])
            }
            ShareReason::FamilyOwes { family_fen, because } => {
                let why = match because {
                    FamilyPart::FinancingStandard { window, total_fen, clause } => {
                        fill(self.financing_standard, &[window, &plain(*total_fen), clause])
                    }
                    FamilyPart::PartialSubsidy { category, clause } => fill(self.partial_subsidy, &[category, clause]),
                };
                fill(self.family_owes, &[&plain(*family_fen), &why])
            }
            ShareReason::PaidElsewhere { place: Some(place) } => fill(self.elsewhere_at, &[place]),
            ShareReason::PaidElsewhere { place: None } => self.elsewhere.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both tables fill the same placeholders, so no figure is said in one language and dropped in the other.
    #[test]
    fn both_languages_take_the_same_placeholders() {
        let holes = |t: &str| {
            let mut found: Vec<String> =
                t.match_indices('{').map(|(i, _)| t[i..].split('}').next().unwrap_or("").to_owned()).collect();
            found.sort();
            found
        };
        let pairs = [
            (ZH.unknown_category, EN.unknown_category),
            (ZH.unquotable, EN.unquotable),
            (ZH.reimbursed, EN.reimbursed),
            (ZH.refund_amount, EN.refund_amount),
            (ZH.amount_not_given, EN.amount_not_given),
            (ZH.no_subsidy, EN.no_subsidy),
            (ZH.family_owes, EN.family_owes),
            (ZH.financing_standard, EN.financing_standard),
            (ZH.partial_subsidy, EN.partial_subsidy),
            (ZH.elsewhere_at, EN.elsewhere_at),
            (ZH.cli_line, EN.cli_line),
            (ZH.amount, EN.amount),
            (ZH.amount_by, EN.amount_by),
            (ZH.unknown_amount_by, EN.unknown_amount_by),
        ];
        for (zh, en) in pairs {
            assert_eq!(holes(zh), holes(en), "{zh} / {en}");
        }
    }
}
