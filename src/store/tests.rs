use super::*;
use crate::domain::id_number;
use crate::domain::student::{Enrollment, PaymentStatus};
use crate::store::import::Incoming;

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn incoming(name: &str, id: &str, class: &str) -> Incoming {
    Incoming {
        school: "测试小学".into(),
        school_given: true,
        name: name.into(),
        id_raw: id.into(),
        id: id_number::check(id, today()),
        grade: "三年级".into(),
        class: class.into(),
        phone: "13800138000".into(),
        insured: false,
        categories: Vec::new(),
        source: format!("t.csv:{name}"),
    }
}

fn valid_id(first17: &str) -> String {
    format!("{first17}{}", id_number::check_char(first17.as_bytes()))
}

fn store_with(rows: &[Incoming]) -> Store {
    let mut s = Store::open_in_memory().unwrap();
    s.set_fixed_clock("2026-11-23T10:00:00+08:00");
    s.set_operator("甲").unwrap();
    s.apply_import(rows, &["t.csv".into()], 0, false).unwrap();
    s
}

#[test]
fn fresh_file_is_at_the_latest_version() {
    let s = Store::open_in_memory().unwrap();
    assert_eq!(schema::user_version(&s.conn).unwrap(), schema::latest_version());
}

#[test]
fn migrations_run_step_by_step_and_keep_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.db");
    {
        let mut conn = Connection::open(&path).unwrap();
        schema::migrate_to(&mut conn, 1).unwrap();
        conn.execute("INSERT INTO schools(name, created_at) VALUES ('旧学校', 'x')", []).unwrap();
    }
    let s = Store::open(&path).unwrap();
    assert_eq!(schema::user_version(&s.conn).unwrap(), schema::latest_version());
    assert_eq!(s.schools().unwrap(), vec!["旧学校".to_owned()]);
}

#[test]
fn a_file_from_a_newer_canbao_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::TooNew { found: 999, .. }), "{err}");
    assert!(err.to_string().contains("较新版本"));
    let conn = Connection::open(&path).unwrap();
    assert_eq!(schema::user_version(&conn).unwrap(), 999);
    drop(conn);
    assert_eq!(std::fs::read(&path).unwrap().len(), before.len());
}

#[test]
fn a_file_that_is_not_a_database_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.db");
    std::fs::write(&path, vec![0x42u8; 4096]).unwrap();
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
}

#[test]
#[cfg(unix)]
fn new_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.db");
    drop(Store::open(&path).unwrap());
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn every_change_is_audited_in_its_transaction() {
    let id = valid_id("45020220150101123");
    let mut s = store_with(&[incoming("张三", &id, "2班")]);
    let pupil = s.student_by_id_number(&id).unwrap().unwrap();
    s.set_operator("乙").unwrap();
    assert_eq!(s.set_enrollment(pupil.id, Enrollment::Declined, Some("已在外地参保")).unwrap(), 2);
    // Setting the same again changes nothing and writes nothing.
    let audit_before = s.audit_count().unwrap();
    assert_eq!(s.set_enrollment(pupil.id, Enrollment::Declined, Some("已在外地参保")).unwrap(), 0);
    assert_eq!(s.audit_count().unwrap(), audit_before);
    let history = s.history(pupil.id).unwrap();
    let decline = history.iter().find(|h| h.field == "enrollment").unwrap();
    assert_eq!((decline.old.as_deref(), decline.new.as_deref()), (Some("unknown"), Some("declined")));
    assert_eq!(decline.operator, "乙");
    // Leaving "declined" clears the reason.
    s.set_enrollment(pupil.id, Enrollment::Here, None).unwrap();
    assert_eq!(s.student(pupil.id).unwrap().decline_reason, None);
}

#[test]
fn audit_log_is_append_only() {
    let id = valid_id("45020220150101123");
    let s = store_with(&[incoming("张三", &id, "2班")]);
    assert!(s.conn.execute("UPDATE audit SET new = 'x'", []).is_err());
    assert!(s.conn.execute("DELETE FROM audit", []).is_err());
}

#[test]
fn a_failed_bulk_change_leaves_nothing_behind() {
    let id = valid_id("45020220150101123");
    let mut s = store_with(&[incoming("张三", &id, "2班")]);
    let pupil = s.student_by_id_number(&id).unwrap().unwrap();
    let audit_before = s.audit_count().unwrap();
    let change = [FieldChange::new(Field::Payment, Some("government"))];
    let err = s.change_many(&[pupil.id, 9_999], "mark", &change);
    assert!(matches!(err, Err(StoreError::NoSuchStudent(9_999))));
    assert_eq!(s.student(pupil.id).unwrap().payment, PaymentStatus::Unpaid);
    assert_eq!(s.audit_count().unwrap(), audit_before);
}

#[test]
fn invalid_ids_are_kept_and_matched_with_the_name() {
    let rounded = "450202201501011000";
    let rows = [incoming("张三", rounded, "1班"), incoming("李四", rounded, "1班")];
    let mut s = store_with(&rows);
    assert_eq!(s.student_count().unwrap(), 2, "two pupils whose numbers were rounded alike are both kept");
    let again = s.apply_import(&rows, &[], 0, false).unwrap();
    assert_eq!(again.unchanged, 2);
    let all = s.students(&StudentFilter::default()).unwrap();
    assert!(all.iter().all(|p| p.id_problem.as_deref() == Some("precision_lost")));
}

#[test]
fn stats_count_per_class_in_school_order() {
    let rows = [
        incoming("甲", &valid_id("45020220150101121"), "10班"),
        incoming("乙", &valid_id("45020220150101131"), "2班"),
        incoming("丙", &valid_id("45020220150101141"), "2班"),
    ];
    let mut s = store_with(&rows);
    let first = s.students(&StudentFilter::default()).unwrap()[0].id;
    s.set_enrollment(first, Enrollment::Elsewhere, None).unwrap();
    s.set_payment(first, PaymentStatus::Government, &Default::default()).unwrap();
    let stats = s.stats(None).unwrap();
    assert_eq!(stats.students, 3);
    let classes: Vec<(&str, i64, i64, i64)> =
        stats.classes.iter().map(|c| (c.class.as_str(), c.students, c.enrolled, c.paid)).collect();
    assert_eq!(classes, vec![("三年级2班", 2, 1, 1), ("三年级10班", 1, 0, 0)]);
    assert_eq!(stats.enrollment["elsewhere"], 1);
    assert_eq!(stats.payment["government"], 1);
}

#[test]
fn an_old_number_whose_long_form_ends_in_000_is_found_again() {
    // 110130210501700 converts to 110130192105017000: valid, but the same text a rounded long number becomes.
    let old = incoming("王五", "110130210501700", "1班");
    assert!(old.id.is_valid());
    let mut s = store_with(&[old]);
    let long = incoming("王五", "110130192105017000", "1班");
    assert_eq!(long.id.result, Err(id_number::IdProblem::PrecisionLost));
    let outcome = s.apply_import(&[long], &[], 0, false).unwrap();
    assert_eq!((outcome.added, outcome.unchanged), (0, 1), "re-reading an export must not add the pupil twice");
    // Another child whose rounded number happens to be that text is not taken for them.
    let other = s.apply_import(&[incoming("王六", "110130192105017000", "1班")], &[], 0, false).unwrap();
    assert_eq!(other.added, 1);
    assert_eq!(s.students(&StudentFilter::default()).unwrap().len(), 2);
}
