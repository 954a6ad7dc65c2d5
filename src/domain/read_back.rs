//! canbao's own forms read back. Each status cell a form writes (是否参保, 是否缴费, 参保登记, 参保情况, 缴费情况,
//! the batch template's 备注) is a test of the pupil's standing by the very definition that wrote it
//! (`coverage::Standing`), so a row says exactly the standings that pass all of its cells: no more (是否参保 是
//! alone does not say whether the premium was paid or the pupil is insured elsewhere) and no less. An import
//! takes a standing from a row only where the row names one and it fills in what the drive did not know; a
//! status the drive holds is never overridden by a list.

use super::coverage::Standing;
use super::student::{Enrollment, PaymentStatus};

/// One status cell of one of canbao's forms, as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Said {
    /// 是否参保 (在校学生信息表, 班级核对表): `Standing::is_insured`.
    Insured(bool),
    /// 是否缴费 (班级核对表): a payment, the family's or a department's, is recorded.
    Paid(bool),
    /// 参保登记 (班级核对表), 参保情况 (参保花名册): `Standing::registration_word`; `None` where nothing is known.
    Registration(Option<&'static str>),
    /// 缴费情况 (参保花名册).
    Payment(PaymentStatus),
    /// The batch template's 参保状态, or the word its 备注 starts with: the enrollment as the forms show it
    /// (`Standing::enrollment`) of a pupil in one of the template's two files (a pupil who left unpaid is in
    /// neither, so 已离校 there means paid for).
    Template(Enrollment),
}

impl Said {
    /// Whether a pupil of this standing would have the cell written so.
    pub fn holds(self, s: Standing) -> bool {
        match self {
            Said::Insured(insured) => s.is_insured() == insured,
            Said::Paid(paid) => s.payment.is_settled() == paid,
            Said::Registration(word) => s.registration_word() == word,
            Said::Payment(payment) => s.payment == payment,
            Said::Template(enrollment) => {
                s.enrollment() == enrollment && (s.registers_at_school() || s.outside_school_registration())
            }
        }
    }
}

/// Every standing a form can show: each enrollment with each payment, except a settled payment nobody asked
/// about (every form shows it as 在校参保, `Standing::enrollment`) and the pairs `mark` refuses to hold together
/// (不参保 over a payment, 异地参保 over the family's).
pub fn shown_standings() -> impl Iterator<Item = Standing> {
    Enrollment::ALL
        .into_iter()
        .flat_map(|e| PaymentStatus::ALL.into_iter().map(move |p| Standing::new(e, p)))
        .filter(|s| s.enrollment() == s.enrollment && !s.enrollment_contradicts_payment())
}

/// The words 参保登记 is written with (`Standing::registration_word`), each once.
pub fn registration_words() -> Vec<&'static str> {
    let mut words: Vec<&'static str> = shown_standings().filter_map(Standing::registration_word).collect();
    words.sort_unstable();
    words.dedup();
    words
}

/// The standings a row's cells allow together.
pub fn allowed(said: &[Said]) -> Vec<Standing> {
    shown_standings().filter(|s| said.iter().all(|cell| cell.holds(*s))).collect()
}

/// What an import makes of a row's status cells, against what the drive holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// The row says nothing of the statuses, or what the drive holds already.
    Agrees,
    /// The standing to record: the row names it, and it only fills in what the drive did not know (an enrollment
    /// nobody had asked for, a payment not recorded).
    Take(Standing),
    /// No standing passes all of the row's cells: one was changed and another not.
    SelfContradicting,
    /// The row says the pupil stands otherwise than the drive holds, and a list never overrides a status.
    Contradicts,
    /// The row says something the drive does not hold, but not enough to record it (是否参保 是 alone: paid, or
    /// insured elsewhere?).
    Undecided,
}

/// Reads a row's cells against `held`, the pupil's standing on the drive (a new pupil's: 未确认, 未缴费).
pub fn read(said: &[Said], held: Standing) -> Reading {
    if said.is_empty() {
        return Reading::Agrees;
    }
    let allowed = allowed(said);
    if allowed.is_empty() {
        return Reading::SelfContradicting;
    }
    let shown = Standing::new(held.enrollment(), held.payment);
    if allowed.contains(&shown) {
        return Reading::Agrees;
    }
    // A status the drive holds stays: only an unknown enrollment and an unrecorded payment are filled in.
    let reachable: Vec<Standing> = allowed
        .into_iter()
        .filter(|t| shown.enrollment == Enrollment::Unknown || shown.enrollment == t.enrollment)
        .filter(|t| shown.payment == PaymentStatus::Unpaid || shown.payment == t.payment)
        .collect();
    let Some(first) = reachable.first().copied() else { return Reading::Contradicts };
    // What every reachable standing shares is what the row says; the rest stays as it is, and must then pass.
    let enrollment =
        if reachable.iter().all(|t| t.enrollment == first.enrollment) { first.enrollment } else { shown.enrollment };
    let payment = if reachable.iter().all(|t| t.payment == first.payment) { first.payment } else { shown.payment };
    let target = Standing::new(enrollment, payment);
    if reachable.contains(&target) { Reading::Take(target) } else { Reading::Undecided }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Enrollment::*;
    use PaymentStatus::*;

    /// The class list's three status cells as `export classes` writes them for a pupil.
    fn class_list_cells(s: Standing) -> Vec<Said> {
        vec![
            Said::Insured(s.is_insured()),
            Said::Paid(s.payment.is_settled()),
            Said::Registration(s.registration_word()),
        ]
    }

    #[test]
    fn a_class_list_row_read_back_names_the_standing_it_was_written_from() {
        let fresh = Standing::new(Unknown, Unpaid);
        for s in shown_standings() {
            let cells = class_list_cells(s);
            assert_eq!(read(&cells, s), Reading::Agrees, "{s:?} onto itself");
            let expected = match s {
                // 已离校, paid: whether by the family or a department the list does not say.
                Standing { enrollment: Left, payment: Paid | Government } => Reading::Undecided,
                s if s == fresh => Reading::Agrees,
                s => Reading::Take(s),
            };
            assert_eq!(read(&cells, fresh), expected, "{s:?} onto a new pupil");
        }
        // Nobody asked, a department paid: shown 财政代缴, which is what the drive holds.
        let unknown_government = Standing::new(Unknown, Government);
        assert_eq!(read(&class_list_cells(unknown_government), unknown_government), Reading::Agrees);
    }

    #[test]
    fn insured_alone_names_no_standing() {
        let fresh = Standing::new(Unknown, Unpaid);
        assert_eq!(read(&[Said::Insured(true)], fresh), Reading::Undecided);
        assert_eq!(read(&[Said::Insured(false)], fresh), Reading::Agrees);
        // Registered, unpaid, and the sheet says insured: paid or 财政代缴, it does not say.
        assert_eq!(read(&[Said::Insured(true)], Standing::new(Here, Unpaid)), Reading::Undecided);
        // Paid, and the sheet says not insured: the payment stays.
        assert_eq!(read(&[Said::Insured(false)], Standing::new(Here, Paid)), Reading::Contradicts);
        assert_eq!(read(&[Said::Insured(true)], Standing::new(Elsewhere, Unpaid)), Reading::Agrees);
    }

    #[test]
    fn a_status_the_drive_holds_is_never_overridden() {
        let declined = Standing::new(Declined, Unpaid);
        let elsewhere = class_list_cells(Standing::new(Elsewhere, Unpaid));
        assert_eq!(read(&elsewhere, declined), Reading::Contradicts);
        // Filled in: a payment onto a registered pupil, an enrollment onto one nobody asked.
        let paid = class_list_cells(Standing::new(Here, Paid));
        assert_eq!(read(&paid, Standing::new(Here, Unpaid)), Reading::Take(Standing::new(Here, Paid)));
        assert_eq!(read(&paid, Standing::new(Here, Government)), Reading::Contradicts);
    }

    #[test]
    fn cells_that_disagree_say_nothing() {
        // A teacher ticked 是否参保 and left the rest: insured, yet no payment and nothing known.
        let cells = [Said::Insured(true), Said::Paid(false), Said::Registration(None)];
        assert_eq!(read(&cells, Standing::new(Unknown, Unpaid)), Reading::SelfContradicting);
        assert_eq!(
            read(&[Said::Insured(false), Said::Registration(Some("异地参保"))], Standing::new(Unknown, Unpaid)),
            Reading::SelfContradicting
        );
    }

    #[test]
    fn the_templates_remark_gives_the_enrollment_and_no_payment() {
        let fresh = Standing::new(Unknown, Unpaid);
        assert_eq!(read(&[Said::Template(Here)], fresh), Reading::Take(Standing::new(Here, Unpaid)));
        assert_eq!(read(&[Said::Template(Declined)], fresh), Reading::Take(Standing::new(Declined, Unpaid)));
        assert_eq!(read(&[Said::Template(Unknown)], fresh), Reading::Agrees);
        // 已离校 in the template: paid for (who left unpaid is in neither file), by whom it does not say.
        assert_eq!(read(&[Said::Template(Left)], fresh), Reading::Undecided);
        let paid = Standing::new(Here, Paid);
        assert_eq!(read(&[Said::Template(Here)], paid), Reading::Agrees);
    }

    #[test]
    fn the_registration_words_are_the_forms_own() {
        assert_eq!(registration_words(), ["不参保", "在校参保", "已登记未缴费", "已离校", "异地参保", "财政代缴"]);
    }
}
