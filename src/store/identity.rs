//! Correcting who a pupil is — name, ID number, class, phone — as the operator fixes a typo from the detail
//! screen. Each field that changes gets its audit row, the ID number is checked exactly as an import checks it,
//! and the search and order keys follow; undoing writes the old values back exactly as they were stored.

use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use super::fields::{self, Field, FieldChange};
use super::read::{kind_code, sex_code, sex_from};
use super::{AuditContext, Result, Store, StoreError};
use crate::domain::class_label::{ClassKey, join, split};
use crate::domain::id_number::{self, IdProblem, Sex};

/// What the operator changed; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityEdit {
    pub name: Option<String>,
    /// As typed; checked as on import. A valid number another pupil holds is refused; a number with a problem
    /// is kept and flagged; "" removes the number (flagged as missing).
    pub id_number: Option<String>,
    /// The class as typed (三年级2班, 初三6班, 九年级（6）班): a class of the pupil's school that it means is
    /// taken as that class is written there.
    pub class: Option<String>,
    pub phone: Option<String>,
    /// 民族 as typed, spelled as the forms spell it (`domain::ethnicity::normalise`: 汉 is 汉族); "" clears it.
    pub ethnicity: Option<String>,
    /// 居住地址 as typed, kept on one line as an import keeps it; "" clears it.
    pub address: Option<String>,
}

/// A pupil's identity exactly as stored, so that an undo restores it as it was rather than re-checking it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentitySnapshot {
    pub name: String,
    pub id_raw: String,
    pub id_number: String,
    pub id_kind: Option<String>,
    pub id_problem: Option<String>,
    pub sex: Option<String>,
    pub birth_date: Option<String>,
    pub grade: String,
    pub class: String,
    pub phone: String,
    /// 民族 and 居住地址, None where none is held.
    pub ethnicity: Option<String>,
    pub address: Option<String>,
}

/// What a correction did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityCorrection {
    /// Fields that changed, each with its audit row (a class move is two: grade and class).
    pub changed: usize,
    /// `Store::restore_identity(id, &before, "undo")` undoes the correction; `after` redoes it.
    pub before: IdentitySnapshot,
    pub after: IdentitySnapshot,
    /// What is wrong with the new number, when it was kept flagged.
    pub id_problem: Option<IdProblem>,
    /// The sex a list stated for the pupil, held without a valid number, when the valid number now saved gives the
    /// other: the number's is kept.
    pub sex_replaced: Option<Sex>,
}

impl Store {
    /// Corrects a pupil's name, ID number, class and phone in one transaction (see `IdentityEdit`).
    pub fn correct_identity(&mut self, id: i64, edit: &IdentityEdit) -> Result<IdentityCorrection> {
        let today = self.today();
        let ctx = self.audit_context("edit");
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let before = snapshot(&tx, id)?;
        let mut after = before.clone();
        if let Some(name) = &edit.name {
            let name = name.trim();
            if name.is_empty() {
                return Err(StoreError::EmptyName);
            }
            name.clone_into(&mut after.name);
        }
        let mut id_problem = None;
        let mut sex_replaced = None;
        if let Some(raw) = &edit.id_number {
            let check = id_number::check(raw, today);
            // The number as typed again (spaces, a lower-case x) is no change, unless it was held flagged: a real
            // number ending in 000 that a numeric cell brought is flagged as rounded, and typing it, its check
            // digit holding, is the operator confirming it.
            if check.normalized != before.id_number || (before.id_problem.is_some() && check.result.is_ok()) {
                after.id_raw = raw.trim().to_owned();
                after.id_number = check.normalized.clone();
                match &check.result {
                    Ok(v) => {
                        if before.id_problem.is_some() {
                            sex_replaced = sex_from(before.sex.as_deref()).filter(|&stated| stated != v.sex);
                        }
                        after.id_number.clone_from(&v.number);
                        after.id_kind = Some(kind_code(v.kind).to_owned());
                        after.id_problem = None;
                        after.sex = Some(sex_code(v.sex).to_owned());
                        after.birth_date = Some(v.birth_date.to_string());
                    }
                    Err(p) => {
                        after.id_kind = None;
                        after.id_problem = Some(p.code().to_owned());
                        // A valid number's sex goes with it; the one a list stated for a pupil without one stays.
                        if before.id_problem.is_none() {
                            after.sex = None;
                        }
                        after.birth_date = None;
                        id_problem = Some(p.clone());
                    }
                }
            }
        }
        if let Some(label) = &edit.class {
            let (grade, class) = class_in_school(&tx, id, label)?;
            if join(&grade, &class) != join(&before.grade, &before.class) {
                (after.grade, after.class) = (grade, class);
            }
        }
        // Kept as the importer keeps it (digits only), so the next import of the list reads it as no change.
        if let Some(phone) = &edit.phone {
            after.phone = crate::domain::phone::clean(phone.trim());
        }
        // Cleared as the phone is, by an empty field: NULL, as a pupil no list gave them to holds them.
        if let Some(ethnicity) = &edit.ethnicity {
            after.ethnicity = Some(crate::domain::ethnicity::normalise(ethnicity)).filter(|e| !e.is_empty());
        }
        if let Some(address) = &edit.address {
            after.address = Some(crate::domain::one_line(address)).filter(|a| !a.is_empty());
        }
        let changed = write(&tx, &ctx, id, &before, &after)?;
        tx.commit()?;
        Ok(IdentityCorrection { changed, before, after, id_problem, sex_replaced })
    }

    /// Writes a pupil's identity back exactly as `to` holds it (undo with a correction's `before`, redo with
    /// its `after`), audited under `action`. Returns how many fields changed.
    pub fn restore_identity(&mut self, id: i64, to: &IdentitySnapshot, action: &str) -> Result<usize> {
        let ctx = self.audit_context(action);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = snapshot(&tx, id)?;
        let changed = write(&tx, &ctx, id, &now, to)?;
        tx.commit()?;
        Ok(changed)
    }

    /// A pupil's identity as stored.
    pub fn identity(&self, id: i64) -> Result<IdentitySnapshot> {
        snapshot(&self.conn, id)
    }
}

pub(super) fn snapshot(conn: &rusqlite::Connection, id: i64) -> Result<IdentitySnapshot> {
    conn.query_row(
        "SELECT name, id_raw, id_number, id_kind, id_problem, sex, birth_date, grade, class, phone,
            CAST(ethnicity AS TEXT), CAST(address AS TEXT)
         FROM students WHERE id = ?1",
        [id],
        |r| {
            Ok(IdentitySnapshot {
                name: r.get(0)?,
                id_raw: r.get(1)?,
                id_number: r.get(2)?,
                id_kind: r.get(3)?,
                id_problem: r.get(4)?,
                sex: r.get(5)?,
                birth_date: r.get(6)?,
                grade: r.get(7)?,
                class: r.get(8)?,
                phone: r.get(9)?,
                ethnicity: r.get(10)?,
                address: r.get(11)?,
            })
        },
    )
    .optional()?
    .ok_or(StoreError::NoSuchStudent(id))
}

/// The grade and class a typed label means in the pupil's school: a class already there that it names (so
/// 初三6班 joins the school's 九年级6班), else the label split as an import splits it.
fn class_in_school(tx: &Transaction, id: i64, label: &str) -> Result<(String, String)> {
    let wanted = ClassKey::parse(label);
    let mut stmt = tx.prepare(
        "SELECT DISTINCT grade, class FROM students
         WHERE school_id = (SELECT school_id FROM students WHERE id = ?1)
         ORDER BY class_order",
    )?;
    let classes = stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for class in classes {
        let (grade, class) = class?;
        if ClassKey::of(&grade, &class) == wanted {
            return Ok((grade, class));
        }
    }
    Ok(split(label))
}

/// Moves a pupil from `from` to `to`, one audit row per field that differs.
pub(super) fn write(
    tx: &Transaction,
    ctx: &AuditContext,
    id: i64,
    from: &IdentitySnapshot,
    to: &IdentitySnapshot,
) -> Result<usize> {
    let mut changed = 0;
    if (&from.id_number, &from.id_problem) != (&to.id_number, &to.id_problem) || from.id_raw != to.id_raw {
        if to.id_problem.is_none()
            && let Some((name, grade, class)) = tx
                .query_row(
                    "SELECT name, grade, class FROM students
                     WHERE id_number = ?1 AND id_problem IS NULL AND id <> ?2",
                    params![to.id_number, id],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)),
                )
                .optional()?
        {
            return Err(StoreError::IdTaken {
                number: id_number::mask(&to.id_number),
                name,
                class: join(&grade, &class),
            });
        }
        tx.execute(
            "UPDATE students SET id_raw = ?1, id_number = ?2, id_kind = ?3, id_problem = ?4, sex = ?5,
                birth_date = ?6, updated_at = ?7
             WHERE id = ?8",
            params![to.id_raw, to.id_number, to.id_kind, to.id_problem, to.sex, to.birth_date, ctx.at, id],
        )?;
        if (&from.id_number, &from.id_problem) != (&to.id_number, &to.id_problem) {
            ctx.write(tx, Some(id), &to.id_number, "id_number", Some(&from.id_number), Some(&to.id_number))?;
            changed += 1;
        }
    }
    let changes: Vec<FieldChange> = [
        (Field::Name, &from.name, &to.name),
        (Field::Grade, &from.grade, &to.grade),
        (Field::Class, &from.class, &to.class),
        (Field::Phone, &from.phone, &to.phone),
    ]
    .into_iter()
    .filter(|(_, old, new)| old != new)
    .map(|(field, _, new)| FieldChange::new(field, Some(new)))
    .chain(
        [(Field::Ethnicity, &from.ethnicity, &to.ethnicity), (Field::Address, &from.address, &to.address)]
            .into_iter()
            .filter(|(_, old, new)| old != new)
            .map(|(field, _, new)| FieldChange::new_owned(field, new.clone())),
    )
    .collect();
    changed += fields::apply(tx, ctx, id, &changes)?;
    if changed > 0 {
        fields::write_search_key(tx, id, &to.name, &to.id_number, &join(&to.grade, &to.class))?;
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::search::Query;
    use crate::store::{Incoming, StudentFilter};

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn valid(first17: &str) -> String {
        format!("{first17}{}", id_number::check_char(first17.as_bytes()))
    }

    fn row(name: &str, number: &str, grade: &str, class: &str) -> Incoming {
        Incoming {
            school: "测试中学".into(),
            school_given: true,
            name: name.into(),
            id_raw: number.into(),
            id: id_number::check(number, today()),
            grade: grade.into(),
            class: class.into(),
            phone: "13800138000".into(),
            ethnicity: String::new(),
            address: String::new(),
            status: Default::default(),
            categories: Vec::new(),
            note: String::new(),
            source: format!("t.csv:{name}"),
            repeat: None,
            birth_date: None,
            sex: None,
        }
    }

    fn store() -> (Store, i64, i64) {
        let mut s = Store::open_in_memory().unwrap();
        s.set_fixed_clock("2026-11-23T10:00:00+08:00");
        s.set_operator("甲").unwrap();
        let rows = [
            row("张山", "450202201101011231", "九年级", "6班"),
            row("李四", &valid("45020220110202456"), "九年级", "5班"),
        ];
        s.apply_import(&rows, &["t.csv".into()], 0, false).unwrap();
        let all = s.students(&StudentFilter::default()).unwrap();
        let id = |name: &str| all.iter().find(|p| p.name == name).unwrap().id;
        let (zhang, li) = (id("张山"), id("李四"));
        (s, zhang, li)
    }

    fn found(s: &Store, query: &str) -> Vec<String> {
        s.search(&Query::parse(query), 10).unwrap().1.into_iter().map(|p| p.name).collect()
    }

    fn audit_fields(s: &Store, id: i64, action: &str) -> Vec<String> {
        s.history(id).unwrap().into_iter().filter(|a| a.action == action).map(|a| a.field).collect()
    }

    /// A pupil without a number keeps the sex a list stated through a number corrected to one that still fails the
    /// check; a valid number of the other sex replaces it, and the correction says the sex it replaced.
    #[test]
    fn a_stated_sex_stays_until_a_valid_number_replaces_it_and_is_said() {
        let (mut s, ..) = store();
        let boy = Incoming { sex: Some(Sex::Male), ..row("陈七", "", "九年级", "6班") };
        s.apply_import(&[boy], &["b.csv".into()], 0, false).unwrap();
        let all = s.students(&StudentFilter::default()).unwrap();
        let chen = all.iter().find(|p| p.name == "陈七").unwrap().id;
        assert_eq!(s.student(chen).unwrap().sex, Some(Sex::Male));
        let number = |n: &str| IdentityEdit { id_number: Some(n.into()), ..IdentityEdit::default() };
        let done = s.correct_identity(chen, &number("4502022011")).unwrap();
        assert!(done.id_problem.is_some() && done.sex_replaced.is_none(), "{done:?}");
        assert_eq!(s.student(chen).unwrap().sex, Some(Sex::Male));
        // The 17th digit even: a girl's number.
        let done = s.correct_identity(chen, &number(&valid("45020220110303462"))).unwrap();
        assert_eq!((&done.id_problem, done.sex_replaced), (&None, Some(Sex::Male)), "{done:?}");
        assert_eq!(s.student(chen).unwrap().sex, Some(Sex::Female));
    }

    #[test]
    fn name_number_class_and_phone_are_corrected_audited_and_undone() {
        let (mut s, zhang, _) = store();
        let before_flagged = s.student(zhang).unwrap();
        assert_eq!(before_flagged.id_problem.as_deref(), Some("check_digit"), "the test starts from a typo");
        let real = valid("45020220110101123");
        let edit = IdentityEdit {
            name: Some("张三".into()),
            id_number: Some(format!(" {} ", real.to_lowercase())),
            class: Some("初三（5）班".into()),
            phone: Some("13900139000".into()),
            ..Default::default()
        };
        let done = s.correct_identity(zhang, &edit).unwrap();
        assert_eq!(done.changed, 4, "name, number, class (the grade is the same), phone: {done:?}");
        assert_eq!(done.id_problem, None);
        let p = s.student(zhang).unwrap();
        assert_eq!((p.name.as_str(), p.id_number.as_str(), p.id_problem.as_deref()), ("张三", real.as_str(), None));
        assert_eq!(
            p.class_label(),
            "九年级5班",
            "初三（5）班 is the school's 九年级5班, written as the school writes it"
        );
        assert_eq!(p.phone, "13900139000");
        assert!(p.birth_date.is_some() && p.sex.is_some(), "a valid number tells birth date and sex");
        let mut fields = audit_fields(&s, zhang, "edit");
        fields.sort();
        assert_eq!(fields, ["class", "id_number", "name", "phone"], "grade is the same 九年级");
        // The search and order keys follow.
        assert_eq!(found(&s, "zhangsan"), ["张三"]);
        assert!(found(&s, "zhangshan").is_empty());
        assert_eq!(found(&s, &real[6..14]), ["张三"]);
        assert_eq!(s.student_by_id_number(&real).unwrap().map(|p| p.id), Some(zhang));
        let order: String =
            s.connection().query_row("SELECT name_order FROM students WHERE id = ?1", [zhang], |r| r.get(0)).unwrap();
        assert_eq!(order, crate::domain::pinyin_keys::name_order("张三"));

        // Undo writes the old values back exactly, flagged number and all.
        assert_eq!(s.restore_identity(zhang, &done.before, "undo").unwrap(), 4);
        let back = s.student(zhang).unwrap();
        assert_eq!(back, Student { updated_at: back.updated_at.clone(), ..before_flagged });
        assert_eq!(found(&s, "zhangshan"), ["张山"]);
        assert_eq!(audit_fields(&s, zhang, "undo").len(), 4);
        // And redo again.
        assert_eq!(s.restore_identity(zhang, &done.after, "redo").unwrap(), 4);
        assert_eq!(s.student(zhang).unwrap().name, "张三");
    }

    #[test]
    fn a_number_another_pupil_holds_is_refused_and_nothing_is_written() {
        let (mut s, zhang, li) = store();
        let li_number = s.student(li).unwrap().id_number;
        let audit_before = s.audit_count().unwrap();
        let edit =
            IdentityEdit { name: Some("张三".into()), id_number: Some(li_number.clone()), ..Default::default() };
        let err = s.correct_identity(zhang, &edit).unwrap_err();
        assert!(matches!(err, StoreError::IdTaken { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains("李四") && message.contains("九年级5班"), "{message}");
        assert!(!message.contains(&li_number), "the number is masked: {message}");
        assert_eq!(s.student(zhang).unwrap().name, "张山", "the name change went with the refusal");
        assert_eq!(s.audit_count().unwrap(), audit_before);
    }

    #[test]
    fn a_number_with_a_problem_is_kept_flagged_and_an_empty_name_is_refused() {
        let (mut s, _, li) = store();
        let edit = IdentityEdit { id_number: Some("4.50202201101E+17".into()), ..Default::default() };
        let done = s.correct_identity(li, &edit).unwrap();
        assert_eq!(done.id_problem, Some(IdProblem::PrecisionLost));
        let p = s.student(li).unwrap();
        assert_eq!((p.id_problem.as_deref(), p.birth_date), (Some("precision_lost"), None));
        assert_eq!(found(&s, "4.50202201101E+17"), ["李四"]);
        let err = s.correct_identity(li, &IdentityEdit { name: Some("  ".into()), ..Default::default() }).unwrap_err();
        assert!(matches!(err, StoreError::EmptyName), "{err}");
        // The same values again change nothing and write nothing.
        let audit = s.audit_count().unwrap();
        let same =
            IdentityEdit { name: Some("李四".into()), class: Some("9年级5班".into()), ..Default::default() };
        assert_eq!(s.correct_identity(li, &same).unwrap().changed, 0);
        assert_eq!(s.audit_count().unwrap(), audit);
        assert!(matches!(s.correct_identity(999, &same), Err(StoreError::NoSuchStudent(999))));
    }

    #[test]
    fn a_class_the_school_does_not_have_is_split_as_an_import_splits_it() {
        let (mut s, zhang, _) = store();
        s.correct_identity(zhang, &IdentityEdit { class: Some("七年级(2)班".into()), ..Default::default() }).unwrap();
        let p = s.student(zhang).unwrap();
        assert_eq!((p.grade.as_str(), p.class.as_str()), ("七年级", "2班"));
        assert_eq!(found(&s, "初一2班"), ["张山"]);
        let order: String =
            s.connection().query_row("SELECT class_order FROM students WHERE id = ?1", [zhang], |r| r.get(0)).unwrap();
        assert_eq!(order, crate::domain::class_label::order_key("七年级", "2班"));
    }

    use crate::domain::student::Student;
    /// A real number ending in 000 that a numeric cell brought is flagged as rounded; typed at E as it is held,
    /// its check digit holding, it is the operator confirming it: the flag goes, audited, and the undo brings it back.
    #[test]
    fn typing_a_flagged_real_number_ending_in_000_confirms_it() {
        let (mut s, ..) = store();
        let real = (1..=28)
            .flat_map(|d| (0..10).map(move |k| format!("450202201101{d:02}{k}00")))
            .map(|body| valid(&body))
            .find(|n| n.ends_with("000"))
            .unwrap();
        let mut from_numeric = row("钱七七", &real, "九年级", "6班");
        from_numeric.id = id_number::check_numeric_cell(real.parse::<f64>().unwrap(), today());
        s.apply_import(&[from_numeric], &["n.xlsx".into()], 0, false).unwrap();
        let id = s.students(&StudentFilter::default()).unwrap().into_iter().find(|p| p.name == "钱七七").unwrap().id;
        assert_eq!(s.student(id).unwrap().id_problem.as_deref(), Some("precision_lost"));
        let done =
            s.correct_identity(id, &IdentityEdit { id_number: Some(real.clone()), ..Default::default() }).unwrap();
        assert_eq!((done.changed, done.id_problem), (1, None));
        assert_eq!(s.student(id).unwrap().id_problem, None);
        assert_eq!(audit_fields(&s, id, "edit"), ["id_number"]);
        s.restore_identity(id, &done.before, "undo").unwrap();
        assert_eq!(s.student(id).unwrap().id_problem.as_deref(), Some("precision_lost"));
    }
}
