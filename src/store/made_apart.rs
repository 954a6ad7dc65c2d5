//! Two rules for the newest changes two sides made apart to one group of a pupil's fields, where the newer of the
//! two would undo the one that says more: a merge of two laptops' files (`store::merge`) and a push of a drive to
//! the county (`county::decide`) each describe their changes through [`Step`] and ask [`bare_creation`] and
//! [`tax_record_stands`], so the county unites the laptops' drives as a merge of them would.

use super::fields::Field;
use crate::domain::student::PaymentStatus;

/// A payment's fields, won together: the values the rules are given are in this order.
pub const PAYMENT_GROUP: [Field; 4] = [Field::Payment, Field::PaidAmount, Field::PaidOn, Field::PaidChannel];

/// One side's history row of a pupil, as the rules read it.
pub trait Step {
    /// The field as the history names it (`created` for the pupil's creation).
    fn field(&self) -> &str;
    /// The other side lacks it: only such a row tells the other side something new.
    fn unshared(&self) -> bool;
    /// Written by a start of a year (a promotion, a move out as 已离校): the mechanical step every laptop takes.
    /// A kind of row no start of a year writes keeps the default.
    fn of_year_start(&self) -> bool {
        false
    }
    /// Written by a reconciliation: for a payment's field, the tax office's list recorded it. A kind of row no
    /// reconciliation writes keeps the default.
    fn reconciled(&self) -> bool {
        false
    }
}

/// Of two events made apart that last set a group, one a pupil's creation (a list imported, saying what the list
/// said) and the other a deliberate change of that pupil (a rename, a class moved, a status marked, by hand or by a
/// list imported again over the pupil it had): the change wins, whatever the instants, `Some(true)` when it is
/// theirs. A laptop that starts a drive of its own and imports the lists the other had corrected since says
/// nothing new of the pupils by adding them; taken as the newer word, its first import would undo the corrections.
/// Two creations (one pupil added on both with different classes) and a promotion (the mechanical step of a new
/// year, see `class_rule`) are weighed as before.
pub fn bare_creation<S: Step>(theirs: &S, ours: &S) -> Option<bool> {
    let created = |e: &S| e.field() == "created";
    let deliberate = |e: &S| !created(e) && !e.of_year_start();
    if !(theirs.unshared() && ours.unshared()) {
        return None;
    }
    match (created(theirs), created(ours)) {
        (true, false) if deliberate(ours) => Some(false),
        (false, true) if deliberate(theirs) => Some(true),
        _ => None,
    }
}

/// One side's history of a pupil, with which of its rows are of the insured year being settled.
pub type SideHistory<'h, S> = (&'h [S], &'h dyn Fn(&S) -> bool);

/// Whether, of two payments recorded apart with the same amount (status 已缴费 on both), one is the tax office's
/// record and the other one recorded by hand: `Some(true)` when theirs is the tax office's, `Some(false)` when
/// ours is. A side holds the tax office's record when a reconciliation set its payment and no change by hand of
/// the status came after (a date or channel corrected by hand since, `--force` included, is a correction of that
/// record, made knowing it, and keeps it the tax office's). The record stands whichever change is newer: the
/// two are one payment, and as a reconciliation read after a hand mark puts the list's date and channel in place
/// of the ones marked, and `mark --payment paid` after it keeps the record as it is, a hand mark made apart that
/// names no channel (已缴费, dated the day it was marked, the amount due) says nothing the tax office's record does
/// not. So does a hand top-up that brought the payment to the amount the list recorded (300 marked, 80 topped up,
/// and the list's 380): the same money, whose date is the one the tax office gives, not the day the top-up was
/// typed. A hand record naming a channel, two amounts, or two records of the tax office are weighed as before. The values are in [`PAYMENT_GROUP`] order; histories in each side's log order.
pub fn tax_record_stands<S: Step>(
    (their_history, theirs_in): SideHistory<S>,
    (our_history, ours_in): SideHistory<S>,
    (theirs, ours): (&[Option<String>], &[Option<String>]),
) -> Option<bool> {
    let at = |field: Field| PAYMENT_GROUP.iter().position(|&f| f == field);
    let amount = |values: &[Option<String>]| -> Option<i64> {
        let paid = at(Field::Payment).and_then(|i| values.get(i)?.as_deref()) == Some(PaymentStatus::Paid.code());
        paid.then(|| at(Field::PaidAmount).and_then(|i| values.get(i)?.as_deref()?.parse().ok())).flatten()
    };
    if amount(theirs).is_none_or(|fen| fen <= 0) || amount(theirs) != amount(ours) {
        return None;
    }
    tax_dated((their_history, theirs_in), (our_history, ours_in), (theirs, ours))
}

/// Of two payments recorded apart (values in [`PAYMENT_GROUP`] order), the one whose date and channel are the
/// tax office's, by [`tax_record_stands`]'s reading of the two histories, amounts aside: `Some(true)` when
/// theirs. Top-ups joined by a merge or a push (`join_top_ups`) are one payment of their sum, which neither side
/// held: where one side's record of it is the tax office's and the other's a bare hand top-up, the list's date
/// and channel stand, as for one payment of the same amount, not the newer side's.
pub fn tax_dated<S: Step>(
    (their_history, theirs_in): SideHistory<S>,
    (our_history, ours_in): SideHistory<S>,
    (theirs, ours): (&[Option<String>], &[Option<String>]),
) -> Option<bool> {
    let at = |field: Field| PAYMENT_GROUP.iter().position(|&f| f == field);
    let paid = |values: &[Option<String>]| {
        at(Field::Payment).and_then(|i| values.get(i)?.as_deref()) == Some(PaymentStatus::Paid.code())
    };
    if !(paid(theirs) && paid(ours)) {
        return None;
    }
    let of_group = |e: &S| PAYMENT_GROUP.iter().any(|f| f.key() == e.field());
    let from_the_list = |history: &[S], in_year: &dyn Fn(&S) -> bool| {
        let listed = history.iter().rposition(|e| in_year(e) && of_group(e) && e.reconciled());
        listed.is_some_and(|i| {
            !history[i + 1..].iter().any(|e| in_year(e) && e.field() == Field::Payment.key() && !e.reconciled())
        })
    };
    // A hand record naming how the family paid (现金 over the list's 银行) is a word of its own, weighed by time
    // as before and said when it replaces the tax office's (`merge::Conflict::tax_record_lost`).
    let bare = |values: &[Option<String>]| {
        at(Field::PaidChannel).and_then(|i| values.get(i)?.as_deref()).is_none_or(str::is_empty)
    };
    match (from_the_list(their_history, theirs_in), from_the_list(our_history, ours_in)) {
        (true, false) if bare(ours) => Some(true),
        (false, true) if bare(theirs) => Some(false),
        _ => None,
    }
}

/// A payment's history row as [`built_on_by_top_ups`] reads it, beside what [`Step`] gives.
pub trait PaymentStep: Step {
    /// For a top-up's row of the amount (action `top_up`), the amount it added to and the sum it made, in fen.
    fn top_up(&self) -> Option<(i64, i64)>;
    /// When and on which laptop it was made (instant, origin): the rows of one change share them, so a top-up's
    /// date and channel rows are known by its amount's.
    fn made(&self) -> (&str, &str);
    /// The value it wrote.
    fn new_value(&self) -> Option<&str>;
}

/// Whether one side's payment is the other's topped up by hand (补缴): `Some(true)` when theirs is. The side's
/// changes of the payment group the other lacks end in top-ups (with the dates and channels each wrote), and the
/// first of them was added to the very payment the other side holds (已缴费, that amount, that date): a tax
/// list read on both laptops, one topping it up since. The top-ups stand, whichever change is newer, with no
/// conflict: the other side's payment is the part they were added to, and keeping it lost the family's top-up.
/// A merge (`store::merge`) and a push to the county (`county::decide`) ask it alike. The values are in
/// [`PAYMENT_GROUP`] order; histories in each side's log order.
pub fn built_on_by_top_ups<S: PaymentStep>(
    (their_history, theirs_in): SideHistory<S>,
    (our_history, ours_in): SideHistory<S>,
    (theirs, ours): (&[Option<String>], &[Option<String>]),
) -> Option<bool> {
    let at = |field: Field| PAYMENT_GROUP.iter().position(|&f| f == field);
    let payment = |values: &[Option<String>]| -> Option<(i64, Option<String>)> {
        let paid = at(Field::Payment).and_then(|i| values.get(i)?.as_deref()) == Some(PaymentStatus::Paid.code());
        let fen = at(Field::PaidAmount).and_then(|i| values.get(i)?.as_deref()?.parse().ok());
        let day = at(Field::PaidOn).and_then(|i| values.get(i).cloned().flatten());
        paid.then_some((fen?, day))
    };
    let topped_up_from = |history: &[S], in_year: &dyn Fn(&S) -> bool, now: i64| {
        let of_group = |e: &S| in_year(e) && PAYMENT_GROUP.iter().any(|f| f.key() == e.field());
        let events: Vec<&S> = history.iter().filter(|e| of_group(e)).collect();
        let of_top_up =
            |e: &S| e.top_up().is_some() || events.iter().any(|t| t.top_up().is_some() && t.made() == e.made());
        let start = events.iter().rposition(|e| !of_top_up(e)).map_or(0, |i| i + 1);
        let run = &events[start..];
        if run.is_empty() || run.iter().any(|e| !e.unshared()) {
            return None;
        }
        let mut amount: Option<i64> = None;
        for (old, new) in run.iter().filter_map(|e| e.top_up()) {
            if amount.is_some_and(|fen| fen != old) {
                return None;
            }
            amount = Some(new);
        }
        let first = run.iter().find_map(|e| e.top_up())?.0;
        if amount != Some(now) {
            return None;
        }
        let day = events[..start]
            .iter()
            .rev()
            .find(|e| e.field() == Field::PaidOn.key())
            .and_then(|e| e.new_value().map(str::to_owned));
        Some((first, day))
    };
    let (theirs_now, ours_now) = (payment(theirs)?, payment(ours)?);
    if topped_up_from(their_history, theirs_in, theirs_now.0).is_some_and(|before| before == ours_now) {
        return Some(true);
    }
    topped_up_from(our_history, ours_in, ours_now.0).is_some_and(|before| before == theirs_now).then_some(false)
}

/// The amounts one side's top-ups of a payment added, oldest first, where every change that side made apart to
/// the payment of the year is a top-up (`rows`: each such row's field and, for a top-up's row of the amount, the
/// amount it added to and the sum it made); None where one is not (the status changed, an amount corrected, the
/// pupil added apart) or none is a top-up. Dates and channels a top-up wrote beside its amount say nothing more.
pub fn top_ups_apart<'r>(rows: impl IntoIterator<Item = (&'r str, Option<(i64, i64)>)>) -> Option<Vec<i64>> {
    let mut added = Vec::new();
    for (field, top_up) in rows {
        if field == Field::PaidAmount.key() {
            let (old, new) = top_up?;
            added.push(new - old);
        } else if field == Field::Payment.key() || field == "created" {
            return None;
        }
    }
    (!added.is_empty()).then_some(added)
}

/// Two payments (`theirs`, `ours`: the amount each side holds, in fen, and the top-ups it made apart, as
/// [`top_ups_apart`] gives them) topped up apart from the same amount: every top-up counts, the amount both held
/// before them and the sum, in fen. None where the two did not start from the same amount.
pub fn join_top_ups(theirs: (i64, &[i64]), ours: (i64, &[i64])) -> Option<(i64, i64)> {
    let before = ours.0 - ours.1.iter().sum::<i64>();
    (theirs.0 - theirs.1.iter().sum::<i64>() == before).then(|| (before, ours.0 + theirs.1.iter().sum::<i64>()))
}

/// Whether a history row records money received for a payment, as the rule of a payment recorded apart reads it
/// (`store::merge`'s `recorded_apart`, `county::decide::payments_recorded_apart`): a change of the payment status,
/// or a top-up's row of the amount (`top_up`), which adds money to a payment without changing its status.
pub fn receives_money(field: &str, top_up: bool) -> bool {
    field == Field::Payment.key() || (top_up && field == Field::PaidAmount.key())
}

/// Whether two sides' top-ups made apart (as [`top_ups_apart`] gives them) include one of the same amount on
/// each: two such top-ups look alike, and a hand top-up keeps no receipt (票证号码) to tell whether they are two
/// payments or one keyed on both laptops. Each history row is a top-up made, so both count, as top-ups of
/// different amounts do; the merge and the push say so, for the operator to check against the receipts.
pub fn same_amount(theirs: &[i64], ours: &[i64]) -> bool {
    theirs.iter().any(|fen| ours.contains(fen))
}

/// Whether two payments (values in [`PAYMENT_GROUP`] order) are each one a laptop recorded apart: both
/// 已缴费 with the same amount, and on each side the newest change of the status in the year (`in_year`) is one
/// the other side lacks, so each laptop took the pupil from unpaid to paid without knowing of the other's. With
/// a different date or channel, nothing tells one payment keyed on both laptops from a family that paid twice;
/// the merge and the push keep one payment, as before, and say so for the operator to check the receipts. Two
/// amounts are said otherwise (`两边记录的缴费金额不同`), the same date and channel are one payment.
pub fn paid_apart<S: Step>(
    (their_history, theirs_in): SideHistory<S>,
    (our_history, ours_in): SideHistory<S>,
    (theirs, ours): (&[Option<String>], &[Option<String>]),
) -> bool {
    let at = |field: Field, values: &[Option<String>]| {
        PAYMENT_GROUP.iter().position(|&f| f == field).and_then(|i| values.get(i).cloned().flatten())
    };
    let paid = |values: &[Option<String>]| at(Field::Payment, values).as_deref() == Some(PaymentStatus::Paid.code());
    let marked_apart = |history: &[S], in_year: &dyn Fn(&S) -> bool| {
        history.iter().rev().find(|e| in_year(e) && e.field() == Field::Payment.key()).is_some_and(|e| e.unshared())
    };
    let differ =
        |field: Field| at(field, theirs).filter(|v| !v.is_empty()) != at(field, ours).filter(|v| !v.is_empty());
    paid(theirs)
        && paid(ours)
        && at(Field::PaidAmount, theirs) == at(Field::PaidAmount, ours)
        && (differ(Field::PaidOn) || differ(Field::PaidChannel))
        && marked_apart(their_history, theirs_in)
        && marked_apart(our_history, ours_in)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row described outright: (field, unshared, year start, reconciled).
    struct Row(&'static str, bool, bool, bool);

    impl Step for Row {
        fn field(&self) -> &str {
            self.0
        }
        fn unshared(&self) -> bool {
            self.1
        }
        fn of_year_start(&self) -> bool {
            self.2
        }
        fn reconciled(&self) -> bool {
            self.3
        }
    }

    #[test]
    fn a_deliberate_change_outweighs_a_creation_made_apart_and_nothing_else_does() {
        let created = Row("created", true, false, false);
        let renamed = Row("name", true, false, false);
        let promoted = Row("class", true, true, false);
        let known = Row("name", false, false, false);
        assert_eq!(bare_creation(&created, &renamed), Some(false));
        assert_eq!(bare_creation(&renamed, &created), Some(true));
        assert_eq!(bare_creation(&created, &promoted), None);
        assert_eq!(bare_creation(&created, &created), None);
        assert_eq!(bare_creation(&created, &known), None);
    }

    #[test]
    fn the_tax_offices_record_stands_over_a_bare_hand_mark_of_the_same_amount() {
        let paid = |channel: Option<&str>, fen: &str| {
            vec![Some("paid".to_owned()), Some(fen.to_owned()), Some("2026-11-20".to_owned()), channel.map(Into::into)]
        };
        let listed = [Row("payment", true, false, true)];
        let by_hand = [Row("payment", true, false, false)];
        let all: &dyn Fn(&Row) -> bool = &|_| true;
        let (listed, by_hand): (SideHistory<Row>, SideHistory<Row>) = ((&listed, all), (&by_hand, all));
        let (bank, bare) = (paid(Some("银行"), "38000"), paid(None, "38000"));
        assert_eq!(tax_record_stands(listed, by_hand, (&bank, &bare)), Some(true));
        assert_eq!(tax_record_stands(by_hand, listed, (&bare, &bank)), Some(false));
        // A hand record naming a channel, or another amount, is weighed by time.
        assert_eq!(tax_record_stands(listed, by_hand, (&bank, &paid(Some("现金"), "38000"))), None);
        assert_eq!(tax_record_stands(listed, by_hand, (&bank, &paid(None, "40000"))), None);
    }
}
