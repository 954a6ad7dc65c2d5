//! What the forms mean by 参保: the one definition every count, sheet, template and screen uses.
//!
//! A pupil is insured for the year (已参保, 是否参保=是) once the year's premium is paid, by the family or by a
//! department (财政代缴), or when enrolled elsewhere (异地参保). Paying through the tax office makes a pupil
//! insured even if nobody ticked a box at the school. Not insured: not yet paid, declined, left school.

use super::student::{Enrollment, PaymentStatus};

/// A pupil's two statuses for the insured year, read together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Standing {
    pub enrollment: Enrollment,
    pub payment: PaymentStatus,
}

/// The word every form and screen says a family's part payment with (300 of 380: still to collect, insuring
/// nobody), in Chinese and English: 是否缴费 and 是否参保 say 否 beside it.
pub const PART_PAID: (&str, &str) = ("部分缴费", "part-paid");

impl Standing {
    pub fn new(enrollment: Enrollment, payment: PaymentStatus) -> Standing {
        Standing { enrollment, payment }
    }

    /// 已参保: the premium is paid (family or department) or the pupil is insured elsewhere.
    pub fn is_insured(self) -> bool {
        self.payment.is_settled() || self.enrollment == Enrollment::Elsewhere
    }

    /// `is_insured` of a pupil whose family's payment may fall short of the amount due (`short`:
    /// `policy::part_payment` found one): a part payment insures nobody (是否参保 否, 「已缴 300 元，应缴 380 元，差
    /// 80 元」 beside it), nor does a 财政代缴 that pays only the department's share while the family's is unpaid
    /// (低保: 285 of 380), so such a pupil is insured only elsewhere (异地参保).
    pub fn is_insured_paying(self, short: bool) -> bool {
        if short && self.payment.is_settled() { self.enrollment == Enrollment::Elsewhere } else { self.is_insured() }
    }

    /// `is_expected` of a pupil whose family's payment may fall short of the amount due (`short`): a pupil who
    /// left (or declined) with a part payment is insured by nothing, so counted as one who left unpaid.
    pub fn is_expected_paying(self, short: bool) -> bool {
        self.is_insured_paying(short) || !matches!(self.enrollment, Enrollment::Declined | Enrollment::Left)
    }

    /// A pupil the drive's policy sends to enroll away from school (`sent_away`: `Policy::away_rule`, 待遇审批地 or
    /// with the family) whom nobody has registered here or found insured: the school asks no premium of them (the
    /// 未参保 template says 「应在待遇审批地参保缴费，不随学校参保」), so they are due elsewhere, not at school, and
    /// 应参保 leaves them out as it would a pupil the school asks nothing of. Once confirmed 异地参保, paid, or
    /// enrolled here all the same (`mark --at-school`), they are counted as anyone else.
    pub fn is_due_away(self, short: bool, sent_away: bool) -> bool {
        sent_away && self.enrollment() == Enrollment::Unknown && !self.is_insured_paying(short)
    }

    /// 应参保 as `stats`, the dashboard and the summary count it: `is_expected_paying`, less the pupils
    /// `is_due_away`.
    pub fn is_expected_here(self, short: bool, sent_away: bool) -> bool {
        self.is_expected_paying(short) && !self.is_due_away(short, sent_away)
    }

    /// 是否参保 as every form writes it: 是 when insured (`is_insured`), 否 otherwise — never a third word, so a
    /// pupil reads the same on the class list as on the student information sheet.
    pub fn insured_word(self) -> &'static str {
        insured_word(self.is_insured())
    }

    /// Where the pupil stands with registration, in the words a form prints beside 是否参保 (班级核对表's 参保登记,
    /// 参保花名册's 参保情况): what the drive knows that 是否参保 alone does not say, such as a family that registered
    /// through the school and has not paid (已登记未缴费, 是否参保 否). None while nobody has asked and nothing is
    /// paid. No word here says insured for a pupil `is_insured` does not count.
    pub fn registration_word(self) -> Option<&'static str> {
        Some(match (self.enrollment(), self.payment) {
            (Enrollment::Unknown, _) => return None,
            (Enrollment::Here, PaymentStatus::Unpaid) => "已登记未缴费",
            (Enrollment::Here, PaymentStatus::Government) => "财政代缴",
            (Enrollment::Here, PaymentStatus::Paid) => "在校参保",
            (Enrollment::Elsewhere, _) => "异地参保",
            (Enrollment::Declined, _) => "不参保",
            // A pupil paid for who then left is insured this year (是否参保 是): left, not declined.
            (Enrollment::Left, _) => "已离校",
        })
    }

    /// 应参保: the pupils the coverage rate is counted over — everyone still at school who has not declined,
    /// and anyone insured whatever their status says (a pupil who paid and then left is still insured).
    pub fn is_expected(self) -> bool {
        self.is_insured() || !matches!(self.enrollment, Enrollment::Declined | Enrollment::Left)
    }

    /// The enrollment the forms show: a pupil paid for but never asked is enrolled through the school (files
    /// from before payments set it, and a department's payment, say so only by the payment).
    pub fn enrollment(self) -> Enrollment {
        if self.enrollment == Enrollment::Unknown && self.payment.is_settled() {
            Enrollment::Here
        } else {
            self.enrollment
        }
    }

    /// A settled payment the enrollment does not allow: anyone's payment for a pupil who declined (不参保) or left
    /// (已离校), a family's for one insured elsewhere (异地参保; a department may pay where its benefit was
    /// approved). `mark` refuses to record such a payment unless the pupil is made 在校参保, and a merge or a push
    /// that would put one laptop's payment beside another's enrollment keeps the payment, not the enrollment
    /// (see `made_apart_contradicts`).
    pub fn payment_contradicts_enrollment(self) -> bool {
        match self.enrollment {
            Enrollment::Unknown | Enrollment::Here => false,
            Enrollment::Elsewhere => self.payment == PaymentStatus::Paid,
            Enrollment::Declined | Enrollment::Left => self.payment.is_settled(),
        }
    }

    /// Whether a payment and an enrollment made apart (one laptop's payment, another's enrollment, neither side
    /// having seen the other's) may not stand side by side: the payment then keeps the enrollment it was taken
    /// with and the enrollment is listed as a conflict naming it. One rule for the laptops' merge
    /// (`store::merge`) and the county's push (`county::decide`), so that two laptops pushed apart and merged
    /// first end alike. An 已离校 included, whatever the two clocks say: changes made apart have no order but
    /// the laptops' clocks, and a clock behind would lose a payment's 在校参保. (On one laptop, `mark` allows
    /// an 已离校 after a payment; a laptop holding the payment, merged in, marks it so.) `payment_stood`: the
    /// payment was kept over the other side's change, whose 未确认 beside it is a pair no mark makes.
    pub fn made_apart_contradicts(self, payment_stood: bool) -> bool {
        self.payment_contradicts_enrollment()
            || (payment_stood && self.enrollment == Enrollment::Unknown && self.payment.is_settled())
    }

    /// An enrollment `mark` refuses to set over a settled payment: 不参保 for a pupil paid for, 异地参保 for one
    /// the family paid for. 已离校 is allowed: a pupil who paid and then left is still insured this year. Set in
    /// either order, a payment and such an enrollment would otherwise end side by side on one laptop.
    pub fn enrollment_contradicts_payment(self) -> bool {
        self.enrollment != Enrollment::Left && self.payment_contradicts_enrollment()
    }

    /// In the batch enrollment template's 参保 file (002 四(一)): enrolled through the school, and a pupil paid
    /// for who then left: the year's premium went in through the school, so the agency registers the pupil for
    /// the year, as the 已缴费 (or 财政代缴) ledger and the 已参保 count have them.
    ///
    /// So is a pupil whose payment a tax list recorded beside the roster's 不参保 (or a family's beside 异地参保,
    /// see `paid_against_status`): the tax office collected the year's premium for this school, so the pupil is
    /// registered and counted insured here, the roster's word said beside it in 备注.
    pub fn registers_at_school(self) -> bool {
        match self.enrollment() {
            Enrollment::Here => true,
            Enrollment::Left | Enrollment::Declined => self.payment.is_settled(),
            Enrollment::Elsewhere => self.payment == PaymentStatus::Paid,
            Enrollment::Unknown => false,
        }
    }

    /// A payment recorded beside an enrollment that says the pupil is not insured through the school (a tax
    /// list's payment for a pupil marked 不参保, a family's for one marked 异地参保): the payment insures the pupil,
    /// and the roster's word is the operator's to settle. A pupil paid for who then left is no such case.
    pub fn paid_against_status(self) -> bool {
        self.enrollment != Enrollment::Left && self.payment_contradicts_enrollment()
    }

    /// What a form's 备注 says of a pupil `paid_against_status`, with the roster's reason or place:
    /// 「名单为不参保（家长不同意），已缴费：计为已参保，待核实」, so the 是 beside it is read with the school's word.
    pub fn status_remark(self, reason: Option<&str>) -> Option<String> {
        if !self.paid_against_status() {
            return None;
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty()).map(|r| format!("（{r}）")).unwrap_or_default();
        Some(format!(
            "{STATUS_REMARK_PREFIX}{}{reason}，{}：{STATUS_REMARK_SUFFIX}",
            self.enrollment.label_zh(),
            self.payment.label_zh()
        ))
    }

    /// What the student information sheet's 备注 says of a pupil paid for who has left (a tax list's payment for
    /// a pupil marked 已离校, or a payment and then the move): the sheet has no column for the enrollment, so its
    /// 是 alone reads as a pupil at school. 「名单为已离校（转学），已缴费：本年度计为已参保」, as
    /// `status_remark` says the roster's word, without its 待核实: a pupil paid for who then left is insured for
    /// the year, no contradiction to settle.
    pub fn left_remark(self, reason: Option<&str>) -> Option<String> {
        if self.enrollment != Enrollment::Left || !self.payment.is_settled() {
            return None;
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty()).map(|r| format!("（{r}）")).unwrap_or_default();
        Some(format!(
            "{STATUS_REMARK_PREFIX}{}{reason}，{}：{LEFT_REMARK_SUFFIX}",
            self.enrollment.label_zh(),
            self.payment.label_zh()
        ))
    }

    /// In the template's 未参保 file: still at school and not enrolled through it.
    pub fn outside_school_registration(self) -> bool {
        !self.registers_at_school() && self.enrollment() != Enrollment::Left
    }
}

/// A mark of one pupil's statuses, as `mark` and the screen's keys make it: what it sets (`None`: left as it is),
/// over the enrollment the pupil has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusMark {
    pub enrollment_now: Enrollment,
    pub enrollment: Option<Enrollment>,
    pub payment: Option<PaymentStatus>,
}

impl StatusMark {
    /// The mark registers the pupil with the school: 在校参保, or a payment recorded here. A family's always (over
    /// 异地参保, 不参保 or 已离校 it is saved only with 在校参保); a department's (财政代缴) unless the pupil is insured
    /// elsewhere, where the department paid at the place that approved its benefit (see
    /// `Standing::payment_contradicts_enrollment`). Clearing a payment registers no one.
    pub fn registers_at_school(self) -> bool {
        let enrollment = self.enrollment.unwrap_or(self.enrollment_now);
        self.enrollment == Some(Enrollment::Here)
            || match self.payment {
                Some(PaymentStatus::Paid) => true,
                Some(PaymentStatus::Government) => enrollment != Enrollment::Elsewhere,
                Some(PaymentStatus::Unpaid) | None => false,
            }
    }
}

/// How `Standing::status_remark` begins and ends, so a form read back knows it for canbao's words.
pub const STATUS_REMARK_PREFIX: &str = "名单为";
pub const STATUS_REMARK_SUFFIX: &str = "计为已参保，待核实";
/// How `Standing::left_remark` ends.
pub const LEFT_REMARK_SUFFIX: &str = "本年度计为已参保";

/// Whether a part of a 备注 is one `Standing::status_remark` or `Standing::left_remark` writes.
pub fn is_status_remark(part: &str) -> bool {
    let part = part.trim();
    part.starts_with(STATUS_REMARK_PREFIX)
        && (part.ends_with(STATUS_REMARK_SUFFIX) || part.ends_with(LEFT_REMARK_SUFFIX))
}

/// 是否参保's cell for an insured (`Standing::is_insured`) or uninsured pupil: 是 or 否.
pub fn insured_word(insured: bool) -> &'static str {
    if insured { "是" } else { "否" }
}

/// A share in per mille, rounded to the nearest; 1000 only when every pupil counted is in the share, so
/// 100.0 % never hides the last uninsured pupil.
pub fn permille(part: usize, whole: usize) -> u32 {
    if whole == 0 {
        return 0;
    }
    let rounded = ((part as u64 * 1000 + whole as u64 / 2) / whole as u64) as u32;
    if part < whole { rounded.min(999) } else { rounded }
}

/// A per-mille share as a percentage with one decimal: 333 → "33.3%".
pub fn percent(permille: u32) -> String {
    format!("{}.{}%", permille / 10, permille % 10)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Enrollment::*;
    use PaymentStatus::*;

    #[test]
    fn insured_means_paid_or_elsewhere() {
        assert!(Standing::new(Unknown, Paid).is_insured(), "paid at the tax office, nobody asked");
        assert!(Standing::new(Here, Government).is_insured());
        assert!(Standing::new(Elsewhere, Unpaid).is_insured());
        assert!(!Standing::new(Here, Unpaid).is_insured(), "registered but not paid");
        assert!(!Standing::new(Declined, Unpaid).is_insured());
        assert!(!Standing::new(Left, Unpaid).is_insured());
    }

    #[test]
    fn the_words_beside_insured_never_say_insured_when_not() {
        let registered = Standing::new(Here, Unpaid);
        assert_eq!((registered.insured_word(), registered.registration_word()), ("否", Some("已登记未缴费")));
        assert_eq!(Standing::new(Unknown, Unpaid).insured_word(), "否", "nobody asked, nothing paid: not insured");
        assert_eq!(Standing::new(Unknown, Unpaid).registration_word(), None);
        assert_eq!(Standing::new(Unknown, Government).registration_word(), Some("财政代缴"));
        assert_eq!(Standing::new(Elsewhere, Unpaid).insured_word(), "是");
        assert_eq!(Standing::new(Left, Paid).insured_word(), "是");
        assert_eq!(Standing::new(Left, Unpaid).insured_word(), "否");
        for enrollment in Enrollment::ALL {
            for payment in [Unpaid, Paid, Government] {
                let standing = Standing::new(enrollment, payment);
                let said_insured = matches!(standing.registration_word(), Some("在校参保" | "财政代缴" | "异地参保"));
                assert!(!said_insured || standing.is_insured(), "{standing:?}");
            }
        }
    }

    #[test]
    fn expected_leaves_out_declined_and_left() {
        assert!(Standing::new(Unknown, Unpaid).is_expected());
        assert!(!Standing::new(Declined, Unpaid).is_expected());
        assert!(!Standing::new(Left, Unpaid).is_expected());
        assert!(Standing::new(Left, Paid).is_expected(), "paid, then left: still insured, still counted");
    }

    #[test]
    fn a_pupil_sent_away_is_expected_here_only_once_registered_or_insured() {
        assert!(!Standing::new(Unknown, Unpaid).is_expected_here(false, true), "nobody asked: due elsewhere");
        assert!(Standing::new(Unknown, Unpaid).is_expected_here(false, false));
        assert!(Standing::new(Here, Unpaid).is_expected_here(false, true), "enrolled at school all the same");
        assert!(Standing::new(Elsewhere, Unpaid).is_expected_here(false, true), "counted as 异地参保 is");
        assert!(Standing::new(Unknown, Government).is_expected_here(false, true));
        assert!(Standing::new(Unknown, Paid).is_expected_here(true, true), "a part payment registered here");
        assert!(!Standing::new(Declined, Unpaid).is_due_away(false, true), "declined: in no count already");
    }

    #[test]
    fn a_payment_means_enrolled_at_school() {
        assert_eq!(Standing::new(Unknown, Paid).enrollment(), Here);
        assert_eq!(Standing::new(Unknown, Government).enrollment(), Here);
        assert_eq!(Standing::new(Unknown, Unpaid).enrollment(), Unknown);
        assert_eq!(Standing::new(Elsewhere, Government).enrollment(), Elsewhere);
        assert!(Standing::new(Unknown, Paid).registers_at_school());
        assert!(Standing::new(Unknown, Unpaid).outside_school_registration());
        assert!(!Standing::new(Left, Unpaid).outside_school_registration());
        assert!(!Standing::new(Left, Unpaid).registers_at_school());
    }

    #[test]
    fn a_pupil_paid_for_who_left_is_registered_through_the_school() {
        for payment in [Paid, Government] {
            let standing = Standing::new(Left, payment);
            assert!(standing.registers_at_school() && !standing.outside_school_registration(), "{payment:?}");
            assert!(standing.is_insured() && standing.is_expected());
        }
    }

    #[test]
    fn a_mark_registers_at_school_by_enrolling_or_paying_here() {
        let mark = |now, enrollment, payment| StatusMark { enrollment_now: now, enrollment, payment };
        assert!(mark(Unknown, Some(Here), None).registers_at_school());
        assert!(mark(Elsewhere, None, Some(Paid)).registers_at_school(), "saved only as 在校参保");
        assert!(mark(Unknown, None, Some(Government)).registers_at_school());
        assert!(mark(Declined, None, Some(Government)).registers_at_school(), "saved only as 在校参保");
        assert!(mark(Elsewhere, Some(Here), Some(Government)).registers_at_school());
        assert!(!mark(Elsewhere, None, Some(Government)).registers_at_school(), "the benefit place's department");
        assert!(!mark(Unknown, Some(Elsewhere), Some(Government)).registers_at_school());
        assert!(!mark(Here, None, Some(Unpaid)).registers_at_school(), "clearing registers no one");
        assert!(!mark(Here, Some(Left), None).registers_at_school());
        assert!(!mark(Here, None, None).registers_at_school(), "a note alone");
    }

    #[test]
    fn a_payment_beside_a_decline_insures_and_registers_the_pupil_with_a_remark() {
        let declined = Standing::new(Declined, Paid);
        assert!(declined.is_insured() && declined.is_expected());
        assert!(declined.registers_at_school() && !declined.outside_school_registration());
        let remark = declined.status_remark(Some("家长不同意")).expect("remark");
        assert_eq!(remark, "名单为不参保（家长不同意），已缴费：计为已参保，待核实");
        assert!(is_status_remark(&remark));
        assert!(Standing::new(Elsewhere, Paid).registers_at_school(), "a family's payment through the school");
        assert!(!Standing::new(Elsewhere, Government).registers_at_school(), "the benefit place's department");
        assert_eq!(Standing::new(Left, Paid).status_remark(None), None, "paid, then left: no contradiction");
        assert_eq!(Standing::new(Here, Paid).status_remark(None), None);
    }

    #[test]
    fn shares_round_and_never_claim_everyone_early() {
        assert_eq!(permille(2, 3), 667, "rounded, not truncated to 666");
        assert_eq!(permille(1, 3), 333);
        assert_eq!(permille(1999, 2000), 999, "99.95% is not shown as 100.0%");
        assert_eq!(permille(5, 5), 1000);
        assert_eq!(permille(0, 0), 0);
        assert_eq!(percent(667), "66.7%");
    }
}
