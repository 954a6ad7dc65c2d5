//! How a pupil's grade and class changed apart on two sides are weighed, where the clocks alone would choose
//! wrong: a merge of two laptops' files (`store::merge`) and a push of a drive to the county
//! (`county::decide`) each describe their two newest class changes through [`ClassChange`] and ask [`decide`].
//!
//! A promotion (`year new --promote`) is the same mechanical step on every laptop, so it does not outrank, by
//! its later clock, a deliberate change (a list of the new year, an `E` correction) made on the other side for
//! the year it started, whatever the clocks say. Of two promotions into one year that give different classes,
//! the change each promoted from decides: a correction one laptop made before promoting carries through it.
//! So too when one promotion moved the pupil out of the classes as 已离校 and the other up a grade: each did what
//! the enrollment it found said, so the change of that enrollment one side lacks decides (a pupil recorded
//! 已离校, then corrected back on one laptop before it promoted, carries the correction through).

/// One side's change to a pupil's grade and class, as the rule needs to know it.
pub trait ClassChange: Sized {
    /// For a row `year new --promote` wrote, the insured year it started; None for a deliberate change.
    fn promoted_into(&self) -> Option<i32>;
    /// The insured year of the newest promotion before this change in its own side's log (None: no promotion
    /// came before it there). Asked of deliberate changes only.
    fn made_in(&self) -> Option<i32>;
    /// For a promotion: the newest class change before it in its own side's log, when the other side lacks
    /// that change (None when there is none, or the other side has it too).
    fn moved_from(&self) -> Option<Self>;
    /// By instants, origin breaking ties, as the side's own comparison of two changes made apart orders them.
    fn newer_than(&self, other: &Self) -> bool;
    /// For a promotion: whether it moved the pupil out of the classes as 已离校 (marked so in the year it closed)
    /// rather than up a grade. A side that cannot tell says no, and the case below is not taken.
    fn moved_out(&self) -> bool {
        false
    }
    /// For a promotion: the newest change of the pupil's enrollment before it in its own side's log (the 已离校
    /// it moved the pupil out for, or the correction back from it), when the other side lacks that change.
    fn left_from(&self) -> Option<Self> {
        None
    }
}

/// Whether `deliberate`, a class change no promotion wrote, was made in the insured year `promotion` started:
/// after a promotion into that year in its own log.
pub fn outranks<C: ClassChange>(deliberate: &C, promotion: &C) -> bool {
    match promotion.promoted_into() {
        Some(year) if deliberate.promoted_into().is_none() => deliberate.made_in() == Some(year),
        _ => false,
    }
}

/// The insured year two promotions started when one moved the pupil out as 已离校 and the other up a grade
/// ([`ClassChange::moved_out`]): each did what the enrollment it found said.
pub fn moved_apart<C: ClassChange>(theirs: &C, ours: &C) -> Option<i32> {
    match (theirs.promoted_into(), ours.promoted_into()) {
        (Some(t), Some(o)) if t == o && theirs.moved_out() != ours.moved_out() => Some(t),
        _ => None,
    }
}

/// Whether a pupil's status of a year, other than 已离校, says the year has seen them: an enrollment or a payment
/// was recorded (`year new` starts everyone 未确认 and 未缴费, and carries only 已离校 over).
pub fn marked_in_year(enrollment: &str, payment: &str) -> bool {
    !matches!(enrollment, "unknown" | "left") || payment != "unpaid"
}

/// Of two promotions that moved a pupil apart ([`moved_apart`]), the one up a grade, which keeps the pupil in
/// the class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaysInClass {
    /// The insured year both promotions started.
    pub into: i32,
    /// Whether the promotion up a grade is `ours`: `theirs` then moved the pupil out.
    pub up_is_ours: bool,
}

/// A pupil moved out as 已离校 by one side's start of a year and up a grade by the other's ([`moved_apart`]),
/// whom that year has seen since on either side, stays in the class, ahead of [`decide`] and the clocks: an
/// enrollment or a payment recorded for the year ([`marked_in_year`]) says the pupil is at school, and
/// taken out of the class they sat 已离校 while 在校参保, out of every count of the year. A merge carrying a
/// closed year's leaving into this year keeps such a pupil (`year::carry_leavers`); this keeps one met only
/// after both sides started the year, in a merge and in a push to the county alike.
///
/// `marked_in(year)`: whether either side recorded an enrollment or a payment for the pupil in that year,
/// asked only of two promotions moved apart. None: not such a pair, or a year that has not seen the pupil.
pub fn stays_in_class<C: ClassChange, E>(
    theirs: &C,
    ours: &C,
    marked_in: impl FnOnce(i32) -> Result<bool, E>,
) -> Result<Option<StaysInClass>, E> {
    match moved_apart(theirs, ours) {
        Some(into) if marked_in(into)? => Ok(Some(StaysInClass { into, up_is_ours: theirs.moved_out() })),
        _ => Ok(None),
    }
}

/// The grade and class, changed apart on both sides: `Some(true)` when `theirs` wins by the rule, `Some(false)`
/// when `ours` does; `None` leaves it to the instants.
pub fn decide<C: ClassChange>(theirs: &C, ours: &C) -> Option<bool> {
    match (theirs.promoted_into(), ours.promoted_into()) {
        (Some(_), None) => outranks(ours, theirs).then_some(false),
        (None, Some(_)) => outranks(theirs, ours).then_some(true),
        (Some(t), Some(o)) if t == o => {
            // One moved the pupil out as 已离校, the other up a grade: the enrollment each found decides, by the
            // change of it one side lacks, else (changed apart on both) by the newer change.
            if theirs.moved_out() != ours.moved_out() {
                match (theirs.left_from(), ours.left_from()) {
                    (Some(_), None) => return Some(true),
                    (None, Some(_)) => return Some(false),
                    (Some(t), Some(o)) => return Some(t.newer_than(&o)),
                    (None, None) => {}
                }
            }
            match (theirs.moved_from(), ours.moved_from()) {
                (Some(_), None) => Some(true),
                (None, Some(_)) => Some(false),
                (Some(t), Some(o)) => Some(decide(&t, &o).unwrap_or_else(|| t.newer_than(&o))),
                (None, None) => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A change described outright: (promoted into, made in, moved from, instant).
    #[derive(Clone)]
    struct Step(Option<i32>, Option<i32>, Option<Box<Step>>, u32);

    /// A promotion into `year` that moved the pupil out as 已离校 or not, with the enrollment change it found
    /// when the other side lacks it, and the class change it moved from.
    #[derive(Clone)]
    struct Out(Step, bool, Option<Box<Out>>);

    impl ClassChange for Step {
        fn promoted_into(&self) -> Option<i32> {
            self.0
        }
        fn made_in(&self) -> Option<i32> {
            self.1
        }
        fn moved_from(&self) -> Option<Step> {
            self.2.as_deref().cloned()
        }
        fn newer_than(&self, other: &Step) -> bool {
            self.3 > other.3
        }
    }

    impl ClassChange for Out {
        fn promoted_into(&self) -> Option<i32> {
            self.0.0
        }
        fn made_in(&self) -> Option<i32> {
            self.0.1
        }
        fn moved_from(&self) -> Option<Out> {
            self.0.2.as_deref().map(|s| Out(s.clone(), false, None))
        }
        fn newer_than(&self, other: &Out) -> bool {
            self.0.3 > other.0.3
        }
        fn moved_out(&self) -> bool {
            self.1
        }
        fn left_from(&self) -> Option<Out> {
            self.2.as_deref().cloned()
        }
    }

    #[test]
    fn of_a_promotion_out_as_left_and_one_up_a_grade_the_enrollment_change_one_side_lacks_decides() {
        let correction = Out(Step(None, None, None, 1), false, None);
        // The earlier promotion moved the pupil out; the later one, after a correction back, up a grade.
        let up = Out(Step(Some(2028), None, None, 9), false, Some(Box::new(correction.clone())));
        let out = Out(Step(Some(2028), None, None, 5), true, None);
        assert_eq!(decide(&up, &out), Some(true));
        assert_eq!(decide(&out, &up), Some(false));
        // The same whatever the clocks: the move out later than the promotion up.
        let late_out = Out(Step(Some(2028), None, None, 20), true, None);
        assert_eq!(decide(&up, &late_out), Some(true));
        // Changed apart on both (a 已离校 marked on one, a correction on the other): the newer change.
        let marked =
            Out(Step(Some(2028), None, None, 5), true, Some(Box::new(Out(Step(None, None, None, 3), false, None))));
        assert_eq!(decide(&marked, &up), Some(true));
        assert_eq!(decide(&up, &marked), Some(false));
        // Both up a grade: the enrollment plays no part.
        let plain = Out(Step(Some(2028), None, None, 2), false, None);
        assert_eq!(decide(&up, &plain), None);
    }

    #[test]
    fn a_pupil_the_year_has_seen_stays_in_the_class_whichever_side_moved_him_out() {
        let up = Out(Step(Some(2028), None, None, 5), false, None);
        // The move out found the 已离校 the other side lacks, and is the later: alone it would win.
        let marked = Out(Step(None, None, None, 3), false, None);
        let out = Out(Step(Some(2028), None, None, 9), true, Some(Box::new(marked)));
        assert_eq!(decide(&out, &up), Some(true));
        let seen = |year: i32| Ok::<_, ()>(year == 2028);
        assert_eq!(stays_in_class(&out, &up, seen), Ok(Some(StaysInClass { into: 2028, up_is_ours: true })));
        assert_eq!(stays_in_class(&up, &out, seen), Ok(Some(StaysInClass { into: 2028, up_is_ours: false })));
        // Not seen in the year: the rule says nothing, and `decide` weighs the two.
        assert_eq!(stays_in_class(&out, &up, |_| Ok::<_, ()>(false)), Ok(None));
        // Both up a grade: nothing to ask.
        let asked = std::cell::Cell::new(false);
        let ask = |_| {
            asked.set(true);
            Ok::<_, ()>(true)
        };
        assert_eq!(stays_in_class(&up, &up, ask), Ok(None));
        assert!(!asked.get(), "a pair not moved apart asks nothing");
    }

    #[test]
    fn a_deliberate_change_for_the_year_a_promotion_started_outranks_it_whatever_the_clocks() {
        let promotion = Step(Some(2028), None, None, 9);
        let listed = Step(None, Some(2028), None, 1);
        assert_eq!(decide(&promotion, &listed), Some(false));
        assert_eq!(decide(&listed, &promotion), Some(true));
        // Made in another year (before any promotion): the clocks decide.
        let corrected = Step(None, None, None, 1);
        assert_eq!(decide(&promotion, &corrected), None);
        assert_eq!(decide(&corrected, &Step(None, Some(2028), None, 2)), None, "two deliberate changes");
    }

    #[test]
    fn of_two_promotions_into_one_year_the_change_each_moved_from_decides() {
        let correction = Step(None, None, None, 1);
        let carried = Step(Some(2028), None, Some(Box::new(correction.clone())), 2);
        let plain = Step(Some(2028), None, None, 5);
        assert_eq!(decide(&carried, &plain), Some(true));
        assert_eq!(decide(&plain, &carried), Some(false));
        // Both moved from a change the other side lacks: those are weighed, by the rule and then the clocks.
        let later = Step(Some(2028), None, Some(Box::new(Step(None, None, None, 3))), 0);
        assert_eq!(decide(&carried, &later), Some(false));
        // Into different years: the clocks.
        assert_eq!(decide(&Step(Some(2029), None, None, 0), &plain), None);
    }
}
