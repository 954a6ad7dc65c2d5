//! 作废: a pupil recorded twice is voided as a duplicate (重复登记) of the pupil kept, never deleted. The void is
//! one field (`void_of`, naming the pupil kept) written as every change is, one audit row, so it is shown in the
//! history, taken back by `unvoid`, and merged to the other laptop as a field change. A voided record is in no
//! form, count, class list or search by default; its history and any money it held stay with it.
//!
//! Nothing of value is moved by a void: a record holding a payment or a category the kept one does not hold is
//! refused, and the operator records it on the kept pupil first (an audited mark), so no premium paid and no
//! category certified drops out of the forms unseen.

use rusqlite::{OptionalExtension, TransactionBehavior, params};

use super::fields::{self, Field, FieldChange, FieldDiff};
use super::{Result, Store};
use crate::domain::student::{PaymentStatus, Student};

/// The history's action of a void and of its undoing.
pub const VOID_ACTION: &str = "void";
pub const UNVOID_ACTION: &str = "unvoid";

/// Why a void (or its undoing) was not written. Nothing is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoidRefusal {
    /// The record named as its own duplicate.
    Itself,
    /// The record is voided already, as a duplicate of `of`.
    AlreadyVoid { of: String },
    /// The pupil to keep is itself a voided record.
    KeptIsVoid { of: String },
    /// `unvoid` of a record that is not voided.
    NotVoid,
    /// The record holds a payment (in `year`, `None` the drive's current one) the kept one does not hold alike.
    HoldsPayment { year: Option<i32>, payment: PaymentStatus, amount_fen: Option<i64> },
    /// The record holds categories the kept one does not.
    HoldsCategories { names: Vec<String> },
}

impl VoidRefusal {
    pub fn message_zh(&self) -> String {
        match self {
            VoidRefusal::Itself => "不能把一条记录作废为它自己的重复登记：请给出保留的另一名学生".into(),
            VoidRefusal::AlreadyVoid { of } => format!("这条记录已作废（重复登记，保留的一条：{}）", shown(of)),
            VoidRefusal::KeptIsVoid { of } => {
                format!("要保留的那条记录本身已作废（重复登记，保留的一条：{}）：请改为保留那一条", shown(of))
            }
            VoidRefusal::NotVoid => "这条记录没有作废，无需恢复".into(),
            VoidRefusal::HoldsPayment { year, payment, amount_fen } => format!(
                "这条记录有{}缴费记录「{}{}」，保留的一条没有同样的记录：作废会让这笔钱从各表中消失，未作废。\
                 请先在保留的一条上登记这笔缴费（canbao mark），再作废这一条",
                year.map(|y| format!(" {y} 年度的")).unwrap_or_default(),
                payment.label_zh(),
                amount_fen.map(|f| format!(" {}", crate::domain::money::with_unit(f))).unwrap_or_default()
            ),
            VoidRefusal::HoldsCategories { names } => format!(
                "这条记录有人员类别「{}」，保留的一条没有：作废会让类别从各表中消失，未作废。\
                 请先在保留的一条上登记这些类别，再作废这一条",
                names.join("、")
            ),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            VoidRefusal::Itself => {
                "a record cannot be voided as a duplicate of itself: name the other pupil, the one kept".into()
            }
            VoidRefusal::AlreadyVoid { of } => {
                format!("this record is voided already (recorded twice; the record kept: {})", shown(of))
            }
            VoidRefusal::KeptIsVoid { of } => format!(
                "the record to keep is itself voided (recorded twice; the record kept: {}): keep that one instead",
                shown(of)
            ),
            VoidRefusal::NotVoid => "this record is not voided: nothing to restore".into(),
            VoidRefusal::HoldsPayment { year, payment, amount_fen } => format!(
                "this record holds a payment{} ({}{}) the record kept does not hold alike: voiding it would drop the \
                 money from every form, so it was not voided. Record the payment on the record kept first (canbao \
                 mark), then void this one",
                year.map(|y| format!(" for {y}")).unwrap_or_default(),
                payment.label_en(),
                amount_fen.map(|f| format!(" {}", crate::domain::money::plain(f))).unwrap_or_default()
            ),
            VoidRefusal::HoldsCategories { names } => format!(
                "this record holds categories the record kept does not ({}): voiding it would drop them from every \
                 form, so it was not voided. Record them on the record kept first, then void this one",
                names.join(", ")
            ),
        }
    }
}

/// A `void_of` value as a screen or a message shows it: the ID number in it masked.
pub fn shown(of: &str) -> String {
    crate::domain::id_shown::mask_in_text(of).into_owned()
}

/// The `void_of` value naming the pupil kept: the name and the ID number as stored (none for a pupil without
/// one), which read the same on every laptop (row ids do not).
pub fn naming(kept: &Student) -> String {
    format!("{} {}", kept.name, kept.id_number).trim().to_owned()
}

impl Store {
    /// Whom the record duplicates (`void_of`), if it is voided.
    pub fn void_of(&self, id: i64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT void_of FROM students WHERE id = ?1", [id], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }

    /// Every voided record, by row id, with whom it duplicates.
    pub fn voided(&self) -> Result<std::collections::HashMap<i64, String>> {
        let mut stmt = self.conn.prepare("SELECT id, void_of FROM students WHERE void_of IS NOT NULL")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Voids record `id` as a duplicate of pupil `kept` (重复登记), one audited field change; or says why not.
    pub fn void_duplicate(&mut self, id: i64, kept: i64) -> Result<std::result::Result<Vec<FieldDiff>, VoidRefusal>> {
        self.refuse_past_year()?;
        if id == kept {
            return Ok(Err(VoidRefusal::Itself));
        }
        let (void, keep) = (self.student(id)?, self.student(kept)?);
        if let Some(of) = self.void_of(id)? {
            return Ok(Err(VoidRefusal::AlreadyVoid { of }));
        }
        if let Some(of) = self.void_of(kept)? {
            return Ok(Err(VoidRefusal::KeptIsVoid { of }));
        }
        if let Some(refusal) = self.held_apart(&void, &keep)? {
            return Ok(Err(refusal));
        }
        let value = naming(&keep);
        Ok(Ok(self.write_void(id, VOID_ACTION, Some(value))?))
    }

    /// Restores a voided record (the void undone, audited as it was made).
    pub fn unvoid(&mut self, id: i64) -> Result<std::result::Result<Vec<FieldDiff>, VoidRefusal>> {
        self.refuse_past_year()?;
        if self.void_of(id)?.is_none() {
            return Ok(Err(VoidRefusal::NotVoid));
        }
        Ok(Ok(self.write_void(id, UNVOID_ACTION, None)?))
    }

    fn write_void(&mut self, id: i64, action: &str, value: Option<String>) -> Result<Vec<FieldDiff>> {
        let ctx = self.audit_context(action);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let diffs = fields::apply_diffs(&tx, &ctx, id, &[FieldChange::new_owned(Field::VoidOf, value)])?;
        tx.commit()?;
        Ok(diffs)
    }

    /// What record `void` holds that `kept` does not: a payment (this year's or a closed year's) not recorded
    /// alike on the kept one, or a category it lacks.
    fn held_apart(&self, void: &Student, kept: &Student) -> Result<Option<VoidRefusal>> {
        let same_payment = void.payment == kept.payment
            && (void.payment != PaymentStatus::Paid
                || void.payment_details.amount_fen == kept.payment_details.amount_fen);
        if void.payment != PaymentStatus::Unpaid && !same_payment {
            return Ok(Some(VoidRefusal::HoldsPayment {
                year: None,
                payment: void.payment,
                amount_fen: void.payment_details.amount_fen,
            }));
        }
        let closed: Option<(i32, String, Option<i64>)> = self
            .conn
            .query_row(
                "SELECT y.year, y.payment, y.paid_amount_fen FROM year_statuses y
                 WHERE y.student_id = ?1 AND y.payment <> 'unpaid'
                   AND NOT EXISTS (SELECT 1 FROM year_statuses k WHERE k.student_id = ?2 AND k.year = y.year
                                   AND k.payment = y.payment AND k.paid_amount_fen IS y.paid_amount_fen)
                 ORDER BY y.year LIMIT 1",
                params![void.id, kept.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        if let Some((year, payment, amount_fen)) = closed {
            let payment = PaymentStatus::from_code(&payment).unwrap_or(PaymentStatus::Paid);
            return Ok(Some(VoidRefusal::HoldsPayment { year: Some(year), payment, amount_fen }));
        }
        let names: Vec<String> = void
            .categories
            .iter()
            .filter(|c| !kept.categories.iter().any(|k| k.name == c.name))
            .map(|c| c.name.clone())
            .collect();
        Ok((!names.is_empty()).then_some(VoidRefusal::HoldsCategories { names }))
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::domain::id_number;
    use crate::domain::student::PaymentDetails;
    use crate::store::Incoming;

    fn valid(first17: &str) -> String {
        format!("{first17}{}", id_number::check_char(first17.as_bytes()))
    }

    /// One laptop's drive with 王小明 recorded twice (the number corrected on a second list) and 李华; and a copy
    /// of it, the other laptop's.
    fn twice(dir: &Path) -> (Store, Store, [String; 3]) {
        let ids = [valid("45020220150101121"), valid("45020220150101131"), valid("45020220150101141")];
        let mut a = Store::open(&dir.join("a.db")).unwrap();
        a.set_fixed_clock("2026-11-23T09:00:00+08:00");
        a.set_operator("甲").unwrap();
        let rows: Vec<Incoming> = [("王小明", &ids[0]), ("王小明", &ids[1]), ("李华", &ids[2])]
            .iter()
            .map(|(name, id)| Incoming::for_test("测试小学", name, id))
            .collect();
        a.apply_import(&rows, &[], 0, false).unwrap();
        a.backup_to(&dir.join("b.db")).unwrap();
        let mut b = Store::open(&dir.join("b.db")).unwrap();
        b.set_operator("乙").unwrap();
        (a, b, ids)
    }

    fn id_of(s: &Store, number: &str) -> i64 {
        s.student_by_id_number(number).unwrap().unwrap().id
    }

    fn listed(s: &Store) -> Vec<String> {
        s.students(&Default::default()).unwrap().into_iter().map(|p| p.id_number).collect()
    }

    fn paid(fen: i64) -> PaymentDetails {
        PaymentDetails { amount_fen: Some(fen), ..Default::default() }
    }

    #[test]
    fn a_void_is_one_audited_change_out_of_every_list_and_unvoid_brings_the_record_back() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, _, ids) = twice(dir.path());
        let (extra, kept) = (id_of(&a, &ids[0]), id_of(&a, &ids[1]));
        let audit = a.audit_count().unwrap();
        let diffs = a.void_duplicate(extra, kept).unwrap().unwrap();
        assert_eq!(diffs.len(), 1);
        assert_eq!(a.audit_count().unwrap(), audit + 1, "one audit row");
        assert_eq!(a.void_of(extra).unwrap().as_deref(), Some(format!("王小明 {}", ids[1]).as_str()));
        assert_eq!(listed(&a), [ids[2].clone(), ids[1].clone()], "the record is still held, in no list");
        assert_eq!(a.stats(None, None).unwrap().students, 2);
        assert_eq!(a.roster_order().unwrap().len(), 2);
        let q = crate::domain::search::Query::parse("王小明");
        assert_eq!(a.search(&q, 10).unwrap().0, 1, "not found by default");
        assert_eq!(a.search_voided(&q, 10, true).unwrap().0, 2, "found when asked for");
        let last = a.history(extra).unwrap().pop().unwrap();
        assert_eq!((last.action.as_str(), last.field.as_str()), (VOID_ACTION, "void_of"));
        // Twice, or keeping a voided record, or itself: refused, nothing written.
        assert!(matches!(a.void_duplicate(extra, kept).unwrap(), Err(VoidRefusal::AlreadyVoid { .. })));
        assert!(matches!(a.void_duplicate(kept, extra).unwrap(), Err(VoidRefusal::KeptIsVoid { .. })));
        assert_eq!(a.void_duplicate(kept, kept).unwrap(), Err(VoidRefusal::Itself));
        assert_eq!(a.audit_count().unwrap(), audit + 1);

        a.unvoid(extra).unwrap().unwrap();
        assert_eq!(a.void_of(extra).unwrap(), None);
        assert_eq!(listed(&a).len(), 3);
        assert_eq!(a.unvoid(extra).unwrap(), Err(VoidRefusal::NotVoid));
    }

    #[test]
    fn money_or_a_category_only_the_extra_record_holds_refuses_the_void() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, _, ids) = twice(dir.path());
        let (extra, kept) = (id_of(&a, &ids[0]), id_of(&a, &ids[1]));
        a.set_payment(extra, PaymentStatus::Paid, &paid(38000)).unwrap();
        let refused = a.void_duplicate(extra, kept).unwrap().unwrap_err();
        assert!(matches!(refused, VoidRefusal::HoldsPayment { year: None, amount_fen: Some(38000), .. }));
        assert!(refused.message_zh().contains("380元") && refused.message_en().contains("380"), "{refused:?}");
        assert_eq!(a.void_of(extra).unwrap(), None);
        // Another amount on the kept record is not the same payment.
        a.set_payment(kept, PaymentStatus::Paid, &paid(30000)).unwrap();
        assert!(a.void_duplicate(extra, kept).unwrap().is_err());
        // Recorded alike on the kept record: voided, and the payment is counted once.
        a.set_payment(kept, PaymentStatus::Paid, &paid(38000)).unwrap();
        let mark =
            crate::domain::student::CategoryMark { name: "低保".into(), department: String::new(), year: None };
        a.set_categories(extra, std::slice::from_ref(&mark)).unwrap();
        assert_eq!(
            a.void_duplicate(extra, kept).unwrap(),
            Err(VoidRefusal::HoldsCategories { names: vec!["低保".into()] })
        );
        a.set_categories(kept, &[mark]).unwrap();
        a.void_duplicate(extra, kept).unwrap().unwrap();
        assert_eq!(a.stats(None, None).unwrap().payment.get("paid"), Some(&1));
    }

    #[test]
    fn a_void_merges_to_the_other_laptop_both_ways_and_an_older_copy_does_not_bring_the_record_back() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, b, ids) = twice(dir.path());
        let before = dir.path().join("b_before.db");
        b.backup_to(&before).unwrap();
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.void_duplicate(id_of(&a, &ids[0]), id_of(&a, &ids[1])).unwrap().unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop(b);
        // A's void into B: arrives as a field change.
        let mut b = Store::open(&b_path).unwrap();
        let report = b.merge_from(&a_path, false).unwrap();
        assert!(report.conflicts.is_empty(), "{report:?}");
        assert!(b.void_of(id_of(&b, &ids[0])).unwrap().is_some());
        assert_eq!(listed(&b).len(), 2);
        drop(b);
        // B's copy from before the void, into A: the void stands (B never changed the record).
        drop(a);
        let mut a = Store::open(&a_path).unwrap();
        a.merge_from(&before, false).unwrap();
        assert!(a.void_of(id_of(&a, &ids[0])).unwrap().is_some(), "not resurrected");
        // Undone on A, the restore arrives on B too.
        a.set_fixed_clock("2026-11-23T11:00:00+08:00");
        a.unvoid(id_of(&a, &ids[0])).unwrap().unwrap();
        drop(a);
        let mut b = Store::open(&b_path).unwrap();
        b.merge_from(&a_path, false).unwrap();
        assert_eq!(b.void_of(id_of(&b, &ids[0])).unwrap(), None);
        assert_eq!(listed(&b).len(), 3);
    }

    #[test]
    fn a_payment_marked_on_the_other_laptop_before_it_knew_of_the_void_is_carried_and_listed_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b, ids) = twice(dir.path());
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.void_duplicate(id_of(&a, &ids[0]), id_of(&a, &ids[1])).unwrap().unwrap();
        b.set_fixed_clock("2026-11-23T10:05:00+08:00");
        b.set_payment(id_of(&b, &ids[0]), PaymentStatus::Paid, &paid(38000)).unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop(a);
        drop(b);
        let (a2, b2) = (dir.path().join("a2.db"), dir.path().join("b2.db"));
        Store::open(&a_path).unwrap().backup_to(&a2).unwrap();
        Store::open(&b_path).unwrap().backup_to(&b2).unwrap();
        for (into, from) in [(&a2, &b_path), (&b2, &a_path)] {
            let mut s = Store::open(into).unwrap();
            let report = s.merge_from(from, false).unwrap();
            let extra = s.student_by_id_number(&ids[0]).unwrap().unwrap();
            assert!(s.void_of(extra.id).unwrap().is_some(), "the void stands: {report:?}");
            assert_eq!(extra.payment, PaymentStatus::Paid, "the mark is carried, not lost");
            assert_eq!(report.voided_holding.len(), 1, "{report:?}");
            let listed = &report.voided_holding[0];
            assert_eq!((listed.id_number.as_str(), listed.amount_fen), (ids[0].as_str(), Some(38000)));
            assert_eq!(listed.void_of, format!("王小明 {}", ids[1]));
            // No form counts it: the operator records it on the pupil kept.
            assert_eq!(s.stats(None, None).unwrap().payment.get("paid"), Some(&0));
        }
    }
}
