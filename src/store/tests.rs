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

/// One pupil with no ID number yet, imported into `school` from a.csv (the history shapes the backup and
/// pruning tests read).
pub(super) fn add_pupil(store: &mut Store, school: &str, name: &str) {
    let pupil = crate::store::Incoming {
        school: school.into(),
        school_given: true,
        name: name.into(),
        id_raw: String::new(),
        id: crate::domain::id_number::check("", store.today()),
        grade: "三年级".into(),
        class: "1班".into(),
        phone: String::new(),
        ethnicity: String::new(),
        address: String::new(),
        status: Default::default(),
        categories: Vec::new(),
        note: String::new(),
        source: "a.csv:2".into(),
        repeat: None,
        birth_date: None,
        sex: None,
    };
    store.apply_import(&[pupil], &["a.csv".into()], 0, false).unwrap();
}

fn valid_id(first17: &str) -> String {
    format!("{first17}{}", id_number::check_char(first17.as_bytes()))
}

/// A valid number that ends in 000, as a rounded one would: about one real number in 1,100 does.
fn valid_id_ending_000() -> String {
    (1..=28)
        .flat_map(|d| (0..10).map(move |k| format!("450202201501{d:02}{k}00")))
        .map(|body| valid_id(&body))
        .find(|n| n.ends_with("000"))
        .expect("some check digit is 0")
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

/// A new drive's schema is written in one transaction, the drive's mark with it: a canbao reading the file
/// meanwhile sees no tables or the whole drive, never the tables of an older canbao's drive lacking columns.
#[test]
fn a_new_drive_is_made_in_one_transaction() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = Connection::open(dir.path().join("new.db")).unwrap();
    let commits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = std::sync::Arc::clone(&commits);
    conn.commit_hook(Some(move || {
        counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        false
    }))
    .unwrap();
    schema::migrate(&mut conn).unwrap();
    assert_eq!(commits.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(schema::user_version(&conn).unwrap(), schema::latest_version());
    assert_eq!(schema::recognise(&conn).unwrap(), schema::Recognised::Drive);
    let app_id: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    assert_eq!(app_id, schema::APPLICATION_ID);
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
    let kept: String = s.conn.query_row("SELECT name FROM schools", [], |r| r.get(0)).unwrap();
    assert_eq!(kept, "旧学校");
    assert!(s.schools().unwrap().is_empty(), "a school without pupils is not listed as one");
}

/// A backup of a drive an older canbao made, opened read-only (read through `schema::read_older`'s views), or of a
/// drive showing an earlier year (`view_year`'s), holds the drive as it is, and the store reads on as before,
/// where `VACUUM INTO` made the copy's indexes on the views and refused ("views may not be indexed").
#[test]
fn a_drive_read_through_views_is_backed_up_and_read_on() {
    let dir = tempfile::tempdir().unwrap();
    for version in [1, 4, 5] {
        let path = dir.path().join(format!("v{version}.db"));
        {
            let mut conn = Connection::open(&path).unwrap();
            schema::migrate_to(&mut conn, version).unwrap();
            conn.execute_batch(
                "INSERT INTO schools(id, name, created_at) VALUES (1, '旧学校', 'x');
                 INSERT INTO students(id, school_id, name, id_raw, id_number, grade, class, enrollment, payment,
                    created_at, updated_at)
                 VALUES (1, 1, '张三', '', '', '三年级', '2班', 'here', 'paid', 'x', 'x');",
            )
            .unwrap();
        }
        let old = Store::open_read_only(&path).unwrap();
        let copy = dir.path().join(format!("copy-{version}.db"));
        old.backup_to(&copy).unwrap();
        assert_eq!(old.stats(None, None).unwrap().students, 1, "schema {version}: read on after the backup");
        let copied = Store::open_read_only(&copy).unwrap();
        assert_eq!(schema::user_version(&copied.conn).unwrap(), version, "the copy as the drive is");
        assert_eq!(copied.stats(None, None).unwrap().students, 1, "schema {version}");
    }
    let path = closed_drive(dir.path(), "years.db");
    let mut s = Store::open(&path).unwrap();
    let year = s.current_year().unwrap();
    s.start_year(year + 1, false, None, false).unwrap();
    s.view_year(year).unwrap();
    let copy = dir.path().join("copy-years.db");
    s.backup_to(&copy).unwrap();
    assert_eq!((s.viewed_year(), s.stats(None, None).unwrap().year), (Some(year), Some(year)), "still that year");
    assert!(s.connection().execute("UPDATE main.students SET note = 'x'", []).is_err(), "still query-only");
    assert_eq!(Store::open_read_only(&copy).unwrap().years().unwrap(), [year, year + 1]);
}

#[test]
fn a_version_1_roster_is_still_found_after_the_upgrade() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let mut conn = Connection::open(&path).unwrap();
        schema::migrate_to(&mut conn, 1).unwrap();
        conn.execute_batch(
            "INSERT INTO schools(id, name, created_at) VALUES (1, '旧学校', 'x');
             INSERT INTO students(id, school_id, name, id_raw, id_number, grade, class, enrollment, payment,
                created_at, updated_at)
             VALUES (70, 1, '张三', '', '', '三年级', '2班', 'here', 'paid', 'x', 'x');",
        )
        .unwrap();
        let key = crate::domain::search::pack_key("张三", "", "三年级2班");
        conn.execute("INSERT INTO search_keys(student_id, key) VALUES (70, ?1)", [key]).unwrap();
    }
    // Opened read-only (a second canbao on a file not yet upgraded), it is searched without the blocks.
    let old = Store::open_read_only(&path).unwrap();
    let (total, found) = old.search(&crate::domain::search::Query::parse("zs"), 10).unwrap();
    assert_eq!((total, found[0].name.as_str()), (1, "张三"));
    drop(old);
    let s = Store::open(&path).unwrap();
    let (total, found) = s.search(&crate::domain::search::Query::parse("zs"), 10).unwrap();
    assert_eq!(total, 1);
    assert_eq!(found[0].name, "张三");
    assert_eq!(found[0].payment, crate::domain::student::PaymentStatus::Paid);
    // The CHECK constraints survived the rebuild.
    assert!(s.conn.execute("UPDATE students SET payment = 'maybe' WHERE id = 70", []).is_err());
}

#[test]
fn a_file_from_a_newer_canbao_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "application_id", schema::APPLICATION_ID).unwrap();
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

/// Another program's database: a table of its own, perhaps a version of its own.
fn foreign_file(dir: &std::path::Path, user_version: i64) -> std::path::PathBuf {
    let path = dir.join("other.sqlite");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes(body) VALUES ('x');")
        .unwrap();
    conn.pragma_update(None, "user_version", user_version).unwrap();
    path
}

#[test]
fn another_programs_sqlite_file_is_refused_by_name_and_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    for version in [0, 3] {
        let path = foreign_file(dir.path(), version);
        let before = std::fs::read(&path).unwrap();
        for err in [Store::open(&path).err().expect("refused"), Store::open_read_only(&path).err().expect("refused")] {
            assert!(matches!(err, StoreError::Foreign { .. }), "{err}");
            assert!(err.to_string().contains("其他程序") && err.to_string().contains("other.sqlite"), "{err}");
        }
        assert_eq!(std::fs::read(&path).unwrap(), before, "not switched to WAL, no tables added");
        assert!(!dir.path().join("other.sqlite-wal").exists());
        std::fs::remove_file(&path).unwrap();
    }
    // A file marked by another program is refused even before it has tables.
    let path = dir.path().join("marked.sqlite");
    Connection::open(&path).unwrap().pragma_update(None, "application_id", 0x0F0F_0F0F).unwrap();
    assert!(matches!(Store::open(&path).err().expect("refused"), StoreError::Foreign { .. }));
}

#[test]
fn a_drive_from_before_the_mark_still_opens_and_is_marked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let mut conn = Connection::open(&path).unwrap();
        schema::migrate_to(&mut conn, schema::latest_version()).unwrap();
        assert_eq!(conn.query_row("PRAGMA application_id", [], |r| r.get::<_, i64>(0)).unwrap(), 0);
    }
    Store::open_read_only(&path).expect("read as it is");
    let s = Store::open(&path).unwrap();
    let app_id: i64 = s.conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    assert_eq!(app_id, schema::APPLICATION_ID);
}

#[test]
fn a_file_that_is_not_a_database_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.db");
    std::fs::write(&path, vec![0x42u8; 4096]).unwrap();
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err}");
}

/// A drive of two pupils in `dir`, closed (its log folded into the file, no `-wal` or `-shm` left).
fn closed_drive(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    let mut s = Store::open(&path).unwrap();
    s.apply_import(
        &[
            incoming("张三", &valid_id("11010520160101001"), "一年级1班"),
            incoming("李四", &valid_id("11010520160101002"), "一年级1班"),
        ],
        &["t.csv".into()],
        0,
        false,
    )
    .unwrap();
    drop(s);
    assert!(!sidecar(&path, "-wal").exists() && !sidecar(&path, "-shm").exists());
    path
}

#[test]
fn a_drive_in_a_folder_that_cannot_hold_its_shm_is_read_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    // A name SQLite's URI would misread unescaped.
    let path = closed_drive(dir.path(), "第一小学 50%?#.db");
    let s = Store::read_only_connection_in(&path, None, ShmFolder::Unwritable).unwrap();
    assert!(s.is_read_only());
    assert_eq!(s.stats(None, None).unwrap().students, 2);
    assert!(!sidecar(&path, "-shm").exists(), "nothing made beside the drive");
    // An empty -wal (left by a writer that ended cleanly elsewhere) holds nothing to miss.
    std::fs::write(sidecar(&path, "-wal"), b"").unwrap();
    assert_eq!(
        Store::read_only_connection_in(&path, None, ShmFolder::Unwritable).unwrap().stats(None, None).unwrap().students,
        2
    );
}

/// A read-only open of a drive with nothing beside it (a teacher's share, a copy handed over) leaves nothing
/// beside it once closed, where SQLite left the `-wal` and `-shm` it made for the reader. While a writer holds
/// the drive the files are the writer's: the reader closing first leaves them, and the writer, saving on, removes
/// them at its own close.
#[test]
fn a_read_only_open_leaves_no_files_beside_the_drive() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_drive(dir.path(), "第一小学.db");
    let gone = |path: &Path| !sidecar(path, "-wal").exists() && !sidecar(path, "-shm").exists();
    let reader = Store::open_read_only(&path).unwrap();
    assert_eq!(reader.stats(None, None).unwrap().students, 2);
    assert!(sidecar(&path, "-shm").exists(), "SQLite reads a WAL drive through its -shm");
    drop(reader);
    assert!(gone(&path), "nothing left beside the drive");
    // A refused open removes them too: a drive of a newer canbao.
    {
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", schema::latest_version() + 1).unwrap();
    }
    assert!(gone(&path));
    assert!(matches!(Store::open_read_only(&path).err(), Some(StoreError::TooNew { .. })));
    assert!(gone(&path), "nothing left by a refused open");
    Connection::open(&path).unwrap().pragma_update(None, "user_version", schema::latest_version()).unwrap();

    // The reader first, then a writer: the reader's close leaves the writer its files, and the writer's saves.
    let reader = Store::open_read_only(&path).unwrap();
    let mut writer = Store::open(&path).unwrap();
    let id = writer.conn.query_row("SELECT id FROM students LIMIT 1", [], |r| r.get(0)).unwrap();
    drop(reader);
    writer.set_note(id, "改过").unwrap();
    assert!(sidecar(&path, "-shm").exists(), "the writer's, still open");
    drop(writer);
    assert!(gone(&path));
    let reader = Store::open_read_only(&path).unwrap();
    let note: String = reader.conn.query_row("SELECT note FROM students WHERE id = ?1", [id], |r| r.get(0)).unwrap();
    assert_eq!(note, "改过");
    drop(reader);
    assert!(gone(&path));
}

/// The drive at `path` with a change still in its log, copied with its -wal into `folder` (as from a stick
/// pulled out while the TUI was open): the copy's path.
fn copied_with_its_log(path: &Path, folder: &Path) -> PathBuf {
    let mut writer = Store::open(path).unwrap();
    let id = writer.conn.query_row("SELECT id FROM students LIMIT 1", [], |r| r.get(0)).unwrap();
    writer.set_note(id, "改过").unwrap();
    std::fs::create_dir(folder).unwrap();
    let copy = folder.join("a.db");
    for suffix in ["", "-wal"] {
        std::fs::copy(sidecar(path, suffix), sidecar(&copy, suffix)).unwrap();
    }
    copy
}

#[test]
fn a_drive_whose_log_holds_changes_is_not_read_without_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_drive(dir.path(), "a.db");
    // A writer open with a change in its log: the file and its -wal copied together, as from a stick pulled
    // out while the TUI was open.
    let copy = copied_with_its_log(&path, &dir.path().join("copy"));
    let err = Store::read_only_connection_in(&copy, None, ShmFolder::Unwritable).err().expect("refused");
    assert!(matches!(err, StoreError::UnsavedLog { .. }), "{err}");
    assert!(err.to_string().contains("-wal") && err.to_string().contains("writable folder"), "{err}");
}

#[test]
fn a_writer_in_a_read_only_folder_is_told_the_folder_is_read_only() {
    let path = std::path::Path::new("/media/stick/a.db");
    let cannot_open = || {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CANTOPEN),
            Some("unable to open database file".into()),
        ))
    };
    let told = on_read_only_folder(cannot_open(), path, false).to_string();
    assert!(told.contains("只读") && told.contains("--read-only") && told.contains("writable folder"), "{told}");
    // A writable folder's failure is SQLite's own.
    assert!(matches!(on_read_only_folder(cannot_open(), path, true), StoreError::Sqlite(_)));
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
    let change = vec![crate::store::Change::Payment(crate::store::Payment::Government)];
    let items = [(pupil.id, change.clone()), (9_999, change)];
    let err = s.apply_changes("mark", &items, Default::default());
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

/// A rounded number (first 15 digits kept, then 000) as a numeric spreadsheet cell leaves it.
fn rounded(number: &str) -> String {
    format!("{}000", &number[..15])
}

#[test]
fn a_valid_number_corrects_the_pupil_held_with_the_rounded_one() {
    let real = valid_id("45020220150101123");
    let mut s = store_with(&[incoming("张三", &rounded(&real), "1班"), incoming("李四", "", "2班")]);
    let before = s.student_count().unwrap();
    // The family brings the card; the pupil moved class meanwhile, which the rounded number still ties.
    let out = s.apply_import(&[incoming("张三", &real, "3班")], &[], 0, false).unwrap();
    assert_eq!((out.added, out.updated), (0, 1));
    assert_eq!(s.student_count().unwrap(), before, "corrected, not added");
    let p = s.student_by_id_number(&real).unwrap().expect("now found by the valid number");
    assert_eq!(p.name, "张三");
    assert_eq!(p.id_problem, None);
    assert_eq!(p.class, "3班");
    let audited: i64 = s
        .conn
        .query_row("SELECT count(*) FROM audit WHERE field = 'id_number' AND new = ?1", [&real], |r| r.get(0))
        .unwrap();
    assert_eq!(audited, 1);
    let (total, found) = s.search(&crate::domain::search::Query::parse(&real[10..16]), 5).unwrap();
    assert_eq!((total, found[0].name.as_str()), (1, "张三"), "the search key holds the new number");
    // A pupil with no number gets one when the same name turns up in the same class with a valid number.
    let li = valid_id("45020220160202456");
    s.apply_import(&[incoming("李四", &li, "2班")], &[], 0, false).unwrap();
    assert_eq!(s.student_count().unwrap(), before);
    assert_eq!(s.student_by_id_number(&li).unwrap().map(|p| p.name), Some("李四".into()));
}

/// The number a list corrects is carried in what the row did, so the report can say it at the row: the number
/// held and the list's, as they were stored.
#[test]
fn a_number_an_import_corrects_is_told_with_both_numbers() {
    let card = valid_id("45020220150101906");
    let typo = format!("{}{}", &card[..17], if card.ends_with('2') { '3' } else { '2' });
    let mut s = store_with(&[incoming("孙芳琳", &typo, "1班"), incoming("李四", "", "2班")]);
    // Nothing else changes: the row would be unchanged but for the number.
    match apply_row(&mut s, &incoming("孙芳琳", &card, "1班")) {
        IncomingOutcome::Updated(moves) => {
            assert_eq!(moves.corrected_number, Some((typo.clone(), card.clone())));
            assert_eq!(moves.name, "孙芳琳");
        }
        other => panic!("the correction, said: {other:?}"),
    }
    // A pupil held with no number: none replaced.
    let li = valid_id("45020220160202456");
    match apply_row(&mut s, &incoming("李四", &li, "2班")) {
        IncomingOutcome::Updated(moves) => assert_eq!(moves.corrected_number, Some((String::new(), li.clone()))),
        other => panic!("{other:?}"),
    }
    // The same list again corrects nothing.
    match apply_row(&mut s, &incoming("孙芳琳", &card, "1班")) {
        IncomingOutcome::Unchanged => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_uncorrected_list_imported_again_is_the_corrected_pupil_not_a_second_child() {
    // A 16th digit of 7: the spreadsheet rounded the 15th up, as Excel does.
    let real = valid_id("45020220160313075");
    let list_form = id_number::rounded_by_spreadsheet(&real).unwrap();
    assert!(!list_form.starts_with(&real[..15]), "rounded up: {list_form}");
    let list = [incoming("邹杰", &list_form, "1班"), incoming("李四", &valid_id("45020220160202456"), "1班")];
    let mut s = store_with(&list);
    assert_eq!(s.students(&StudentFilter::default()).unwrap().iter().filter(|p| p.id_problem.is_some()).count(), 1);
    // The family brings the card.
    let out = s.apply_import(&[incoming("邹杰", &real, "1班")], &[], 0, false).unwrap();
    assert_eq!((out.added, out.updated), (0, 1));
    // The teacher's list, still rounded, imported again: the same two pupils.
    let out = s.apply_import(&list, &[], 0, false).unwrap();
    assert_eq!((out.added, out.updated), (0, 0), "{out:?}");
    assert_eq!(s.student_count().unwrap(), 2);
    assert_eq!(s.student_by_id_number(&real).unwrap().map(|p| p.id_problem), Some(None), "the whole number stays");
    // Another child's rounded number (other first digits) is another child.
    let out = s.apply_import(&[incoming("邹杰", &rounded(&valid_id("45020220170101123")), "1班")], &[], 0, false);
    assert_eq!(out.unwrap().added, 1);
}

#[test]
fn another_child_of_the_same_name_and_class_keeps_their_rounded_number() {
    // 张伟 came from a numeric cell; another 张伟 in the same class arrives with a different valid number. The
    // first 15 digits survive rounding, and these differ: two children, the flagged one untouched.
    let first = valid_id("45020220150101123");
    let mut s = store_with(&[incoming("张伟", &rounded(&first), "1班")]);
    let other = valid_id("45020220160303567");
    let out = s.apply_import(&[incoming("张伟", &other, "1班")], &[], 0, false).unwrap();
    assert_eq!(out.added, 1);
    assert_eq!(s.student_count().unwrap(), 2);
    let flagged = s.students(&StudentFilter::default()).unwrap().into_iter().filter(|p| p.id_problem.is_some()).count();
    assert_eq!(flagged, 1);
}

#[test]
fn a_row_without_a_number_and_its_numbered_row_are_one_searchable_pupil() {
    let mut s = store_with(&[incoming("李四", valid_id("45020220100101001").as_str(), "2班")]);
    let number = valid_id("45020220150101123");
    let rows = [incoming("王五", "", "1班"), incoming("王五", &number, "1班")];
    let out = s.apply_import(&rows, &[], 0, false).unwrap();
    // Nothing but the number is new: unchanged, as with the numbered row first.
    assert_eq!((out.added, out.updated, out.unchanged), (1, 0, 1), "the same on an empty roster and on this one");
    assert_eq!(s.student_count().unwrap(), 2);
    let (total, found) = s.search(&crate::domain::search::Query::parse(&number), 5).unwrap();
    assert_eq!((total, found[0].name.as_str()), (1, "王五"));
}

#[test]
fn a_correction_is_not_guessed_between_two_candidates() {
    let real = valid_id("45020220150101123");
    let mut s = store_with(&[incoming("王五", "", "1班"), {
        let mut other = incoming("王五", &rounded(&real), "2班");
        other.source = "t.csv:second".into();
        other
    }]);
    // Two flagged 王五 could be this child (one by class, one by the rounded number): neither is changed.
    let mut row = incoming("王五", &real, "1班");
    row.school = "测试小学".into();
    let out = s.apply_import(&[row], &[], 0, false).unwrap();
    assert_eq!(out.added, 1);
    assert_eq!(s.student_count().unwrap(), 3);
}

#[test]
fn reading_back_a_rounded_number_that_happens_to_check_confirms_it() {
    // A rounded number whose check digit happens to hold, given back as text: canbao's own forms print a flagged
    // number with 待核实, so a text cell of all 18 digits is a list corrected as the flag's advice asks.
    let shown = valid_id_ending_000();
    let mut s = Store::open_in_memory().unwrap();
    let mut from_numeric = incoming("赵六", &shown, "1班");
    from_numeric.id = id_number::check_numeric_cell(shown.parse::<f64>().unwrap(), today());
    assert_eq!(from_numeric.id.normalized, shown);
    s.apply_import(&[from_numeric], &[], 0, false).unwrap();
    let again = s.apply_import(&[incoming("赵六", &shown, "1班")], &[], 0, false).unwrap();
    assert_eq!(again.updated, 1);
    assert_eq!(s.student_count().unwrap(), 1);
    let all = s.students(&StudentFilter::default()).unwrap();
    assert_eq!(all[0].id_problem, None);
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
    let stats = s.stats(None, None).unwrap();
    assert_eq!(stats.students, 3);
    let classes: Vec<(&str, i64, i64, i64)> =
        stats.classes.iter().map(|c| (c.class.as_str(), c.students, c.enrolled, c.paid)).collect();
    assert_eq!(classes, vec![("三年级2班", 2, 1, 1), ("三年级10班", 1, 0, 0)]);
    assert_eq!(stats.enrollment["elsewhere"], 1);
    assert_eq!(stats.payment["government"], 1);
}

/// 每日进度 counts, for each day, the pupils that day left paid (or registered) who were not so before it: a
/// payment cleared the same day is in no day, and one cleared on a later day comes off the running totals that
/// day, so the last day's totals are the drive's own counts.
#[test]
fn daily_progress_counts_what_each_day_left_standing() {
    let ids = [valid_id("45020220150101121"), valid_id("45020220150101131")];
    let mut s = store_with(&[incoming("甲", &ids[0], "1班"), incoming("乙", &ids[1], "1班")]);
    let pupils = s.students(&StudentFilter::default()).unwrap();
    let (jia, yi) = (pupils[0].id, pupils[1].id);
    s.set_fixed_clock("2026-12-03T10:00:00+08:00");
    s.set_payment(jia, PaymentStatus::Paid, &Default::default()).unwrap();
    // A mistake, cleared at once: 甲 stays 在校参保, unpaid.
    s.set_payment(jia, PaymentStatus::Unpaid, &Default::default()).unwrap();
    s.set_payment(yi, PaymentStatus::Paid, &Default::default()).unwrap();
    s.set_fixed_clock("2026-12-31T12:00:00+08:00");
    s.set_payment(jia, PaymentStatus::Paid, &Default::default()).unwrap();
    s.set_payment(yi, PaymentStatus::Unpaid, &Default::default()).unwrap();
    let days: Vec<(String, i64, i64, i64, i64)> = s
        .daily_progress()
        .unwrap()
        .into_iter()
        .map(|d| (d.date.to_string(), d.enrolled, d.paid, d.enrolled_total, d.paid_total))
        .collect();
    assert_eq!(days, [("2026-12-03".to_owned(), 2, 1, 2, 1), ("2026-12-31".to_owned(), 0, 1, 2, 1)]);
    let stats = s.stats(None, None).unwrap();
    assert_eq!((stats.payment["paid"], stats.enrollment["here"]), (1, 2), "the totals are the drive's counts");
}

/// A mark and its correction made by two sessions of one laptop in one second (`mark … --payment paid`, then
/// `mark … --payment unpaid`), the correction's session an origin that sorts first: the day counts the pupil
/// registered by that day and unpaid, as the drive holds them. Before, the origins ordered the correction
/// first, the pupil began the day paid (so registered) and ended it paid: that day gained nobody and the day
/// before had them in its total.
#[test]
fn daily_progress_follows_a_correction_made_in_the_marks_second_by_another_session() {
    let ids = [valid_id("45020220150101121"), valid_id("45020220150101131")];
    let mut s = store_with(&[incoming("甲", &ids[0], "1班"), incoming("乙", &ids[1], "1班")]);
    let pupils = s.students(&StudentFilter::default()).unwrap();
    let (jia, yi) = (pupils[0].id, pupils[1].id);
    s.set_fixed_clock("2026-12-05T23:59:50+08:00");
    s.set_payment(yi, PaymentStatus::Paid, &Default::default()).unwrap();
    s.set_fixed_clock("2026-12-06T12:50:00+08:00");
    s.origin = "b-session".into();
    s.set_enrollment(jia, Enrollment::Here, None).unwrap();
    s.set_payment(jia, PaymentStatus::Paid, &Default::default()).unwrap();
    s.origin = "a-session".into();
    s.set_payment(jia, PaymentStatus::Unpaid, &Default::default()).unwrap();
    let days: Vec<(String, i64, i64, i64, i64)> = s
        .daily_progress()
        .unwrap()
        .into_iter()
        .map(|d| (d.date.to_string(), d.enrolled, d.paid, d.enrolled_total, d.paid_total))
        .collect();
    assert_eq!(days, [("2026-12-05".to_owned(), 1, 1, 1, 1), ("2026-12-06".to_owned(), 1, 0, 2, 1)]);
}

/// The same mark and correction in one second, then a change of the pupil on a later day: the day of the
/// correction still ends with the pupil unpaid, as the drive held them until the later change.
#[test]
fn a_day_ends_on_the_correction_made_in_its_last_second_by_another_session() {
    let ids = [valid_id("45020220150101121")];
    let mut s = store_with(&[incoming("甲", &ids[0], "1班")]);
    let jia = s.students(&StudentFilter::default()).unwrap()[0].id;
    s.set_fixed_clock("2026-12-06T12:50:00+08:00");
    s.origin = "b-session".into();
    s.set_enrollment(jia, Enrollment::Here, None).unwrap();
    s.set_payment(jia, PaymentStatus::Paid, &Default::default()).unwrap();
    s.origin = "a-session".into();
    s.set_payment(jia, PaymentStatus::Unpaid, &Default::default()).unwrap();
    s.set_fixed_clock("2026-12-07T09:00:00+08:00");
    s.set_payment(jia, PaymentStatus::Government, &Default::default()).unwrap();
    let days: Vec<(String, i64, i64, i64, i64)> = s
        .daily_progress()
        .unwrap()
        .into_iter()
        .map(|d| (d.date.to_string(), d.enrolled, d.paid, d.enrolled_total, d.paid_total))
        .collect();
    assert_eq!(days, [("2026-12-06".to_owned(), 1, 0, 1, 0), ("2026-12-07".to_owned(), 0, 1, 1, 1)]);
}

/// A pupil a list brought in as 在校参保, whom no change ever marked, stands in the running totals of every day, so
/// the last day's 已登记 is the dashboard's own count; no day counts them as newly registered.
#[test]
fn daily_totals_count_a_pupil_a_list_registered() {
    let ids = [valid_id("45020220150101121"), valid_id("45020220150101131")];
    let registered =
        Incoming { status: crate::store::import::ListStatus::Enrolled, ..incoming("甲", &ids[0], "1班") };
    let mut s = store_with(&[registered, incoming("乙", &ids[1], "1班")]);
    let yi = s.students(&StudentFilter::default()).unwrap().into_iter().find(|p| p.name == "乙").unwrap().id;
    s.set_fixed_clock("2026-12-03T10:00:00+08:00");
    s.set_payment(yi, PaymentStatus::Paid, &Default::default()).unwrap();
    let days: Vec<(String, i64, i64, i64, i64)> = s
        .daily_progress()
        .unwrap()
        .into_iter()
        .map(|d| (d.date.to_string(), d.enrolled, d.paid, d.enrolled_total, d.paid_total))
        .collect();
    assert_eq!(days, [("2026-12-03".to_owned(), 1, 1, 2, 1)]);
    assert_eq!(s.stats(None, None).unwrap().enrollment["here"], 2);
}

fn in_grade(mut row: Incoming, grade: &str) -> Incoming {
    row.grade = grade.into();
    row
}

#[test]
fn a_class_a_list_spells_another_way_joins_the_class_the_drive_has() {
    let mut s = store_with(&[incoming("安琪", &valid_id("45020220130405121"), "2班")]);
    // Another list, and within it a class first written one way and then another.
    let rows = [
        in_grade(incoming("李明", &valid_id("45020220130405122"), "2班"), "3年级"),
        in_grade(incoming("张伟", &valid_id("45020220130405123"), "(2)班"), "三年级"),
        in_grade(incoming("王芳", &valid_id("45020220150405124"), "1班"), "初一"),
        in_grade(incoming("刘洋", &valid_id("45020220150405125"), "1班"), "七年级"),
    ];
    let outcome = s.apply_import(&rows, &["u.csv".into()], 0, false).unwrap();
    assert_eq!(outcome.added, 4);
    let classes: Vec<(String, String)> = s
        .students(&StudentFilter::default())
        .unwrap()
        .into_iter()
        .map(|p| (p.class_label(), p.name))
        .map(|(c, n)| (n, c))
        .collect();
    let class_of = |name: &str| classes.iter().find(|(n, _)| n == name).map(|(_, c)| c.as_str()).unwrap();
    for name in ["安琪", "李明", "张伟"] {
        assert_eq!(class_of(name), "三年级2班", "{name}");
    }
    assert_eq!((class_of("王芳"), class_of("刘洋")), ("初一1班", "初一1班"), "the first spelling of a new class");
    // The list read again in its own spelling changes nothing.
    let again = s.apply_import(&rows, &["u.csv".into()], 0, false).unwrap();
    assert_eq!((again.unchanged, again.updated), (4, 0));
    let stats = s.stats(None, None).unwrap();
    let counted: Vec<(&str, i64)> = stats.classes.iter().map(|c| (c.class.as_str(), c.students)).collect();
    assert_eq!(counted, [("三年级2班", 3), ("初一1班", 2)]);
}

#[test]
fn a_drive_holding_a_class_under_two_spellings_shows_it_once() {
    // As lists imported before spellings were read as one left it: 李明 in 3年级2班, sorted among the others.
    let rows = [
        incoming("安琪", &valid_id("45020220130405121"), "2班"),
        incoming("李明", &valid_id("45020220130405122"), "2班"),
        incoming("张伟", &valid_id("45020220130405123"), "2班"),
    ];
    let mut s = store_with(&rows);
    s.conn.execute("UPDATE students SET grade = '3年级' WHERE name = '李明'", []).unwrap();
    let stats = s.stats(None, None).unwrap();
    let counted: Vec<(&str, i64)> = stats.classes.iter().map(|c| (c.class.as_str(), c.students)).collect();
    assert_eq!(counted, [("三年级2班", 3)]);
    assert_eq!(s.class_labels(None).unwrap(), ["三年级2班"]);
    let mut labels = Vec::new();
    s.for_each_sheet_row(&StudentFilter::default(), |r| {
        labels.push(r.class_label.to_owned());
        Ok(())
    })
    .unwrap();
    assert_eq!(labels, ["三年级2班"; 3]);
    // A list naming the class either way puts the pupil in the spelling shown.
    let outcome = s.apply_import(&[in_grade(rows[1].clone(), "3年级")], &["u.csv".into()], 0, false).unwrap();
    assert_eq!(outcome.updated, 1);
    let li = s.students(&StudentFilter::default()).unwrap().into_iter().find(|p| p.name == "李明").unwrap();
    assert_eq!(li.class_label(), "三年级2班");
}

#[test]
fn an_old_number_whose_long_form_ends_in_000_is_found_again() {
    // 110130210501700 converts to 110130192105017000: valid, and the same text a rounded long number becomes.
    // Its check digit holds, so read back as text it is that number again, not a rounded one.
    let old = incoming("王五", "110130210501700", "1班");
    assert!(old.id.is_valid());
    let mut s = store_with(&[old]);
    let long = incoming("王五", "110130192105017000", "1班");
    assert!(long.id.is_valid());
    let outcome = s.apply_import(&[long], &[], 0, false).unwrap();
    assert_eq!((outcome.added, outcome.unchanged), (0, 1), "re-reading an export must not add the pupil twice");
    assert_eq!(s.students(&StudentFilter::default()).unwrap().len(), 1);
}

/// A pupil added and then changed by a later row of the same batch (here the number read back from a numeric
/// cell, with the same name, in another class): the history starts with the creation, then the change.
#[test]
fn a_pupil_changed_later_in_its_own_batch_has_its_creation_first() {
    let shown = valid_id_ending_000();
    let mut s = store_with(&[incoming("钱七", &valid_id("45020220140101123"), "1班")]);
    let mut from_numeric = incoming("赵六", &shown, "2班");
    from_numeric.id = id_number::check_numeric_cell(shown.parse::<f64>().unwrap(), today());
    let out = s.apply_import(&[incoming("赵六", &shown, "1班"), from_numeric], &[], 0, false).unwrap();
    assert_eq!((out.added, out.updated), (1, 1));
    let id = s.students(&StudentFilter::default()).unwrap().iter().find(|p| p.name == "赵六").unwrap().id;
    let fields: Vec<String> = s.history(id).unwrap().into_iter().map(|e| e.field).collect();
    assert_eq!(fields.first().map(String::as_str), Some("created"), "{fields:?}");
    assert!(fields.iter().any(|f| f == "class"), "{fields:?}");
    assert_eq!(fields.iter().filter(|f| *f == "created").count(), 1, "{fields:?}");
    assert_eq!(s.search_key_count().unwrap(), 2);
}

/// An import that cannot even start (another program is writing the drive) must not leave the connection
/// holding the import's large page cache for the rest of the session.
#[test]
fn an_import_that_cannot_start_leaves_the_read_cache() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    let mut s = Store::open(&path).unwrap();
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    s.connection().busy_timeout(std::time::Duration::ZERO).unwrap();
    assert!(s.begin_import().is_err(), "the drive is locked by another writer");
    let cache: i64 = s.connection().pragma_query_value(None, "cache_size", |r| r.get(0)).unwrap();
    assert_eq!(cache, READ_CACHE_KIB);
}

#[test]
fn a_valid_number_corrects_the_pupil_whose_rounded_number_carried_into_the_birth_date() {
    // …0505 996x in a numeric cell is shown as …0506 000: the first 15 digits are not the real ones.
    let real = valid_id("45020220150505996");
    let shown = id_number::rounded_by_spreadsheet(&real).unwrap();
    assert_eq!(&shown[..15], "450202201505060", "the rounding carried into the birth date");
    let mut s = store_with(&[incoming("张三", &shown, "1班"), incoming("李四", "", "2班")]);
    assert_eq!(s.student_count().unwrap(), 2);
    // The family brings the card, in another class by now: only the rounded number ties them.
    let out = s.apply_import(&[incoming("张三", &real, "3班")], &[], 0, false).unwrap();
    assert_eq!((out.added, out.updated), (0, 1));
    assert_eq!(s.student_count().unwrap(), 2, "corrected, not added");
    let p = s.student_by_id_number(&real).unwrap().expect("found by the valid number");
    assert_eq!((p.name.as_str(), p.id_problem.as_deref(), p.class.as_str()), ("张三", None, "3班"));
}

#[test]
fn a_rounded_number_rounded_differently_is_another_child() {
    // The same name and class, but a number that neither rounds down nor up to the flagged one.
    let first = valid_id("45020220150505996");
    let mut s = store_with(&[incoming("张伟", &id_number::rounded_by_spreadsheet(&first).unwrap(), "1班")]);
    let other = valid_id("45020220150507123");
    assert_eq!(s.apply_import(&[incoming("张伟", &other, "1班")], &[], 0, false).unwrap().added, 1);
}

#[test]
fn a_flagged_number_finds_its_pupils_as_stored() {
    let s = store_with(&[
        incoming("张三", "4.50202201501E+17", "1班"),
        incoming("李四", "4.50202201501E+17", "2班"),
        incoming("王五", &valid_id("45020220150101123"), "1班"),
    ]);
    let names = |number: &str| -> Vec<String> {
        s.students_by_stored_number(number).unwrap().into_iter().map(|p| p.name).collect()
    };
    assert_eq!(names("4.50202201501E+17"), ["张三", "李四"]);
    assert_eq!(names(&valid_id("45020220150101123")), ["王五"]);
    assert!(names("").is_empty());
    assert!(names("450202201501").is_empty(), "the whole number, not a part");
}

#[test]
fn names_are_listed_by_pinyin_within_a_class_and_follow_a_rename() {
    let rows: Vec<Incoming> = ["赵六", "张三", "阿明", "李娜", "林一", "吕布", "陆明"]
        .iter()
        .enumerate()
        .map(|(i, name)| incoming(name, &valid_id(&format!("4502022015010{:02}23", i + 10)), "1班"))
        .collect();
    let mut s = store_with(&rows);
    let names = |s: &Store| -> Vec<String> {
        s.students(&StudentFilter::default()).unwrap().into_iter().map(|p| p.name).collect()
    };
    let expected = ["阿明", "李娜", "林一", "陆明", "吕布", "张三", "赵六"];
    assert_eq!(names(&s), expected, "not code-point order (张 U+5F20 before 李 U+674E)");
    let by_order: Vec<String> =
        s.students_by_ids(&s.roster_order().unwrap()).unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(by_order, expected, "the TUI's order is the exports' order");
    // A rename through any path keeps the sort key (the trigger).
    let zhao = s.students(&StudentFilter::default()).unwrap().into_iter().find(|p| p.name == "赵六").unwrap().id;
    s.change(zhao, "edit", &[FieldChange::new(Field::Name, Some("安然"))]).unwrap();
    assert_eq!(names(&s)[..2], ["阿明", "安然"], "a before an, whatever follows");
}

#[test]
fn a_version_2_file_gets_name_order_and_its_u_umlaut_keys_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    {
        let mut conn = Connection::open(&path).unwrap();
        schema::migrate_to(&mut conn, 2).unwrap();
        conn.execute_batch(
            "INSERT INTO schools(id, name, created_at) VALUES (1, '旧学校', 'x');
             INSERT INTO students(id, school_id, name, id_raw, id_number, id_problem, grade, class, class_order,
                created_at, updated_at)
             VALUES (1, 1, '张三', '', '', 'missing', '高中一年级', '1班', '019|000001班', 'x', 'x'),
                    (2, 1, '李四', '', '', 'missing', '高中一年级', '1班', '019|000001班', 'x', 'x'),
                    (3, 1, '王女', '', '', 'missing', '高一', '2班', '020|000002班', 'x', 'x');
             INSERT INTO search_blocks(block, keys) VALUES
                (0, '1' || char(31) || '张三' || char(31) || 'zhangsan' || char(31) || 'zs' || char(31) || ''
                    || char(31) || '高中一年级1班' || char(30) ||
                    '2' || char(31) || '李四' || char(31) || 'lisi' || char(31) || 'ls' || char(31) || ''
                    || char(31) || '高中一年级1班' || char(30) ||
                    '3' || char(31) || '王女' || char(31) || 'wangnü' || char(31) || 'wn' || char(31) || ''
                    || char(31) || '高一2班');",
        )
        .unwrap();
    }
    // Read-only, not brought forward: still listed by pinyin.
    let old = Store::open_read_only(&path).unwrap();
    assert_eq!(old.roster_order().unwrap(), [2, 1, 3]);
    drop(old);
    let s = Store::open(&path).unwrap();
    assert_eq!(schema::user_version(&s.conn).unwrap(), schema::latest_version());
    let order: Vec<(i64, String, String)> = s
        .conn
        .prepare("SELECT id, name_order, class_order FROM students ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(order[0].1, crate::domain::pinyin_keys::name_order("张三"));
    assert_eq!(order[0].2, crate::domain::class_label::order_key("高一", "1班"), "高中一年级 ranks as 高一");
    assert_eq!(s.roster_order().unwrap(), [2, 1, 3]);
    for typed in ["wangnv", "wangnu"] {
        let (total, found) = s.search(&crate::domain::search::Query::parse(typed), 5).unwrap();
        assert_eq!((total, found[0].name.as_str()), (1, "王女"), "{typed}");
    }
    assert_eq!(s.search_key_count().unwrap(), 3, "the rebuilt block keeps every pupil");
    let (total, _) = s.search(&crate::domain::search::Query::parse("初中"), 5).unwrap();
    assert_eq!(total, 0, "高 classes are no 初中 classes");
    let (total, _) = s.search(&crate::domain::search::Query::parse("高一"), 5).unwrap();
    assert_eq!(total, 3, "高一 is also 高中一年级");
}

#[test]
fn search_ties_are_in_roster_order_either_way_they_are_placed() {
    let rows: Vec<Incoming> = [("赵六", "2班"), ("张三", "1班"), ("阿明", "2班"), ("李娜", "1班")]
        .iter()
        .enumerate()
        .map(|(i, (name, class))| incoming(name, &valid_id(&format!("4502022015010{:02}23", i + 10)), class))
        .collect();
    let s = store_with(&rows);
    let roster = s.roster_order().unwrap();
    let mut scrambled: Vec<(u32, i64)> = roster.iter().rev().map(|&id| (0, id)).collect();
    scrambled.push((1, roster[0]));
    for lookups in [0, 100] {
        let mut hits = scrambled.clone();
        s.sort_ties_in_roster_order_by(&mut hits, lookups).unwrap();
        let expected: Vec<(u32, i64)> = roster.iter().map(|&id| (0, id)).chain([(1, roster[0])]).collect();
        assert_eq!(hits, expected, "lookups {lookups}");
    }
    let names: Vec<String> = s.students_by_ids(&roster).unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["李娜", "张三", "阿明", "赵六"]);
}

/// A drive an older canbao left: schema 7, its search keys made when 单 read only as shan (单小明 and 199 李四:
/// enough for a stop to find the rewrite under way).
fn older_drive(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("older.db");
    let mut s = Store::open(&path).unwrap();
    s.set_operator("甲").unwrap();
    let rows: Vec<Incoming> = (0..200)
        .map(|i| incoming(if i == 0 { "单小明" } else { "李四" }, &valid_id(&format!("45020220150101{i:03}")), "1班"))
        .collect();
    s.apply_import(&rows, &["t.csv".into()], 0, false).unwrap();
    drop(s);
    let conn = Connection::open(&path).unwrap();
    assert_eq!(conn.execute("UPDATE search_blocks SET keys = replace(keys, 'dan', 'shan')", []).unwrap(), 4);
    conn.execute_batch("DELETE FROM meta WHERE key = 'merge_copies_from'; PRAGMA user_version = 7;").unwrap();
    path
}

fn finds(s: &Store, typed: &str) -> bool {
    s.search(&crate::domain::search::Query::parse(typed), 5).unwrap().0 == 1
}

/// A command opening an older drive writes its pupils' search keys again by today's readings before anything
/// else, as the drive is brought forward.
#[test]
fn an_older_drive_gets_todays_readings_as_it_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = older_drive(dir.path());
    let s = Store::open(&path).unwrap();
    assert!(finds(&s, "danxiaoming") && finds(&s, "shanxiaoming"));
    assert!(!s.search_keys_outdated().unwrap());
    assert_eq!(s.search_key_count().unwrap(), 200);
}

/// The screen's open brings an older drive forward without its search keys (seconds for a county's drive,
/// before any frame): they stay as they were, said outdated, until written again in one transaction; a stopped
/// rewrite leaves them so, and the next open writes them.
#[test]
fn an_older_drive_opened_for_the_screen_keeps_its_keys_until_they_are_written_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = older_drive(dir.path());
    let mut s = Store::open_keyed_for_screen(&path, None).unwrap();
    assert_eq!(schema::user_version(&s.conn).unwrap(), schema::latest_version());
    assert!(s.search_keys_outdated().unwrap());
    assert!(!finds(&s, "danxiaoming") && finds(&s, "shanxiaoming"), "the older readings meanwhile");

    s.stop_when(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true))).unwrap();
    assert!(s.rebuild_search_keys().is_err(), "stopped");
    assert!(s.search_keys_outdated().unwrap(), "a stopped rewrite is still to be done");
    assert!(!finds(&s, "danxiaoming") && finds(&s, "shanxiaoming"), "and left the keys as they were");
    drop(s);

    let mut s = Store::open_keyed_for_screen(&path, None).unwrap();
    assert!(s.search_keys_outdated().unwrap(), "opened again, still to be done");
    assert!(s.rebuild_search_keys().unwrap());
    assert!(finds(&s, "danxiaoming") && finds(&s, "shanxiaoming"));
    assert!(!s.search_keys_outdated().unwrap());
    assert!(!s.rebuild_search_keys().unwrap(), "nothing left to write");
    assert_eq!(s.search_key_count().unwrap(), 200);
}

/// A signal stops a command's work until its transaction is committed, and nothing it reads after: the report of
/// a reconciliation saved is said whole, where the read after the commit failed as interrupted.
#[test]
fn a_stop_after_the_work_is_saved_cuts_no_read_after_it() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    let mut s = Store::open_in_memory().unwrap();
    let (saved, stop) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
    s.watch_commits(Some(Arc::clone(&saved))).unwrap();
    s.stop_until_saved(Arc::clone(&stop), Arc::clone(&saved)).unwrap();
    let long_read =
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) SELECT count(*) FROM n";
    let many = "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
                INSERT INTO meta(key, value) SELECT 'n' || i, i FROM n; COMMIT;";
    stop.store(true, SeqCst);
    assert!(s.conn.execute_batch(many).is_err(), "the work is stopped before its commit");
    assert!(!saved.load(SeqCst) && s.conn.is_autocommit());
    stop.store(false, SeqCst);
    s.set_meta("work", "saved").unwrap();
    assert!(saved.load(SeqCst));
    stop.store(true, SeqCst);
    let read = s.conn.query_row(long_read, [], |r| r.get::<_, i64>(0));
    assert_eq!(read.unwrap(), 100_000, "a read after the commit runs to its end");
}

/// What a command a signal reached says of its work comes from `watch_commits`: set by SQLite's commit, cleared
/// by its rollback (one a stop caused included), and left alone by what is written once it is no longer watched.
#[test]
fn watched_commits_say_whether_the_latest_transaction_landed() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
    let mut s = Store::open_in_memory().unwrap();
    let saved = Arc::new(AtomicBool::new(false));
    s.watch_commits(Some(Arc::clone(&saved))).unwrap();
    s.conn.query_row("SELECT count(*) FROM students", [], |r| r.get::<_, i64>(0)).unwrap();
    assert!(!saved.load(SeqCst), "a read commits nothing");
    s.set_meta("watched", "1").unwrap();
    assert!(saved.load(SeqCst), "committed");
    s.stop_when(Arc::new(AtomicBool::new(true))).unwrap();
    let many = "BEGIN; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
                INSERT INTO meta(key, value) SELECT 'n' || i, i FROM n; COMMIT;";
    assert!(s.conn.execute_batch(many).is_err(), "stopped");
    assert!(!saved.load(SeqCst), "rolled back by the stop");
    assert!(s.conn.is_autocommit(), "no transaction left open");
    s.stop_no_longer().unwrap();
    s.watch_commits(None).unwrap();
    s.set_meta("watched", "2").unwrap();
    assert!(!saved.load(SeqCst), "no longer watched");
}

/// A drive made today, or brought forward with no pupil, has no keys to write again.
#[test]
fn a_new_drive_has_no_search_keys_to_write_again() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open_keyed_for_screen(&dir.path().join("new.db"), None).unwrap();
    assert!(!s.search_keys_outdated().unwrap());
    let s = store_with(&[incoming("单小明", &valid_id("45020220150101123"), "1班")]);
    assert!(!s.search_keys_outdated().unwrap());
    assert!(finds(&s, "danxiaoming"));
}

/// A backup an older canbao took, restored, is searched by today's readings as an opened drive is.
#[test]
fn a_restored_older_backup_gets_todays_readings() {
    let dir = tempfile::tempdir().unwrap();
    let older = older_drive(dir.path());
    let mut s = Store::open(&dir.path().join("now.db")).unwrap();
    s.set_operator("甲").unwrap();
    s.restore_from(&older).unwrap();
    assert!(finds(&s, "danxiaoming"));
    assert!(!s.search_keys_outdated().unwrap());
}

/// Pupils read by id in one statement come back in the order asked, an id asked twice twice and one no pupil
/// has left out, each as `student` reads them one at a time.
#[test]
fn pupils_by_id_come_in_the_order_asked() {
    let rows: Vec<Incoming> = ["赵六", "张三", "阿明", "李娜"]
        .iter()
        .enumerate()
        .map(|(i, name)| incoming(name, &valid_id(&format!("4502022015010{:02}23", i + 10)), "1班"))
        .collect();
    let s = store_with(&rows);
    let ids = s.roster_order().unwrap();
    let asked = [ids[3], 999_999, ids[0], ids[3], ids[2]];
    let read = s.students_by_ids(&asked).unwrap();
    let one_by_one: Vec<Student> = [ids[3], ids[0], ids[3], ids[2]].iter().map(|&id| s.student(id).unwrap()).collect();
    assert_eq!(read, one_by_one);
    assert!(s.students_by_ids(&[]).unwrap().is_empty());
    assert!(s.students_by_ids(&[999_999]).unwrap().is_empty());
}

#[test]
fn a_pupil_merged_in_from_another_laptop_gets_its_name_order() {
    let dir = tempfile::tempdir().unwrap();
    let other_path = dir.path().join("other.db");
    {
        let mut other = Store::open(&other_path).unwrap();
        other.apply_import(&[incoming("吕布", &valid_id("45020220150101123"), "1班")], &[], 0, false).unwrap();
    }
    let mut ours = Store::open(&dir.path().join("ours.db")).unwrap();
    ours.apply_import(&[incoming("张三", &valid_id("45020220150101234"), "1班")], &[], 0, false).unwrap();
    ours.merge_from(&other_path, false).unwrap();
    let missing: i64 =
        ours.conn.query_row("SELECT count(*) FROM students WHERE name_order IS NULL", [], |r| r.get(0)).unwrap();
    assert_eq!(missing, 0);
    let names: Vec<String> = ours.students(&StudentFilter::default()).unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["吕布", "张三"]);
}

/// Every look-up an import, a reconciliation or `find` makes once per row reads a few index entries, never the
/// whole roster: SQLite's own plan for each, on a drive holding valid and flagged pupils, names an index.
#[test]
fn every_per_row_lookup_uses_an_index() {
    let rows: Vec<Incoming> = (0..300)
        .map(|i| {
            let number =
                if i % 10 == 0 { format!("45020220150101{i:03}0") } else { valid_id(&format!("4502022015{i:07}")) };
            incoming(&format!("学生{i}"), &number, &format!("{}班", i % 6))
        })
        .collect();
    let s = store_with(&rows);
    let queries = [
        ("import: a valid number", super::read::EXISTING_VALID),
        ("import: a flagged number", super::import::EXISTING_FLAGGED),
        ("import: a number a spreadsheet made, in the row's class", super::import::FLAGGED_NUMBER_OF_SCHOOL),
        ("import: no number", super::import::EXISTING_UNNUMBERED),
        ("import: no number, for a pupil held with a flagged one", super::import::FLAGGED_OF_CLASS),
        ("import: no number, for a pupil of the class held with a valid one", super::import::VALID_OF_CLASS),
        ("import: a valid number, for a pupil the batch added without one", super::import::UNNUMBERED_ADDED_OF_CLASS),
        ("import: the flagged look-alike", super::import::FLAGGED_SAME_PUPIL),
        ("import: a new pupil's look-alike under another number", super::import::LOOK_ALIKE),
        ("import: the look-alikes of a handover's new pupils", super::import::LOOK_ALIKES),
        ("import: a rounded number of a pupil corrected since", super::import::VALID_NEAR),
        ("import: the valid number a mistyped check character stands for", super::import::VALID_NAMED),
        ("import: the pupils renamed from a rounded number's name", super::import::RENAMED_FROM),
        ("import: the pupil a list's whole number is of, held rounded", super::import::FLAGGED_NAMED),
        ("import: the valid pupils of a class a mistyped number may be", super::import::VALID_SAME_CLASS),
        ("import: the pupils of a class held with an old 15-digit number", super::import::CONVERTED_OF_CLASS),
        ("import: the pupil an earlier row gave with an old 15-digit number", super::import::CONVERTED_NAMED),
        (
            "import: the valid pupils of a class an old 15-digit number may be",
            super::import::VALID_NOT_CONVERTED_OF_CLASS,
        ),
        ("import: a masked number's pupils of one class and name", super::import::MASKED_SAME_CLASS),
        ("import: the pupil whose number was corrected from this one", super::import::CORRECTED_FROM),
        ("find/mark: a flagged number", super::read::BY_FLAGGED_NUMBER),
        ("import, once per school: its first class", super::import::SCHOOLS_FIRST_CLASS),
        ("import, once per school: its next class", super::import::SCHOOLS_NEXT_CLASS),
        ("reconcile: a payment kept already for the row's number", super::reconcile::KEPT_FOR_NUMBER),
        ("reconcile: a flagged pupil of the row's name", super::read::FLAGGED_NAMED_IDS),
    ];
    // Planned as a new drive plans them (no statistics), and again after SQLite has counted the tables.
    for ((what, sql), analyzed) in queries.iter().flat_map(|q| [(q, false), (q, true)]) {
        if analyzed {
            s.conn.execute_batch("ANALYZE").unwrap();
        }
        let plan = query_plan(&s.conn, sql);
        let full_scan = plan.iter().any(|p| {
            let p = p.trim();
            (p.starts_with("SCAN s") && !p.starts_with("SCAN sc"))
                || p.starts_with("SCAN students")
                || p.starts_with("SCAN audit")
        });
        assert!(!full_scan, "{what} (analyzed: {analyzed}) reads the whole table: {plan:?}");
        // A school's classes are read in the index's order: sorting them would read the whole school.
        let sorts = plan.iter().any(|p| p.contains("TEMP B-TREE"));
        assert!(!(what.contains("once per school") && sorts), "{what} sorts the school's pupils: {plan:?}");
        assert!(plan.iter().any(|p| p.contains("INDEX") || p.contains("PRIMARY KEY")), "{what}: {plan:?}");
    }
}

/// The steps SQLite plans for `sql`, its parameters unbound (as a new statement is planned before its first row).
fn query_plan(conn: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    let unbound = std::iter::repeat_n(rusqlite::types::Null, stmt.parameter_count());
    stmt.query_map(rusqlite::params_from_iter(unbound), |r| r.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// A new pupil's look-alike (the name, birth date and class of a pupil held under another number) is sought among
/// the roster index's entries of that name in the class, not among every pupil of the class read from the table.
#[test]
fn a_new_pupils_look_alike_reads_only_its_names_entries_of_the_class() {
    let rows: Vec<Incoming> = (0..300)
        .map(|i| incoming(&format!("学生{i}"), &valid_id(&format!("4502022015{i:07}")), &format!("{}班", i % 3)))
        .collect();
    let s = store_with(&rows);
    for analyzed in [false, true] {
        if analyzed {
            s.conn.execute_batch("ANALYZE").unwrap();
        }
        for sql in [super::import::LOOK_ALIKE, super::import::LOOK_ALIKES] {
            let plan = query_plan(&s.conn, sql);
            assert!(
                plan.iter().any(|p| p.contains("students_roster") && p.contains("name_order=?")),
                "analyzed: {analyzed}: {plan:?}"
            );
        }
    }
}

/// A statement taken from the cache again is not compiled again: an import's per-row look-ups, used once per
/// row, and the same on a read-only connection (the second window's searches).
#[test]
fn cached_statements_are_compiled_once_however_often_they_are_used() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let rows: Vec<Incoming> =
        (0..40).map(|i| incoming(&format!("学生{i}"), &valid_id(&format!("4502022015{i:07}")), "1班")).collect();
    let mut s = Store::open(&path).unwrap();
    s.apply_import(&rows[..20], &[], 0, false).unwrap();
    // Into a drive holding pupils, so every row asks whether its number was corrected from another.
    s.apply_import(&rows[20..], &[], 0, false).unwrap();
    let recompiled = |conn: &rusqlite::Connection, sql: &str| {
        conn.prepare_cached(sql).unwrap().get_status(rusqlite::StatementStatus::RePrepare)
    };
    assert_eq!(recompiled(&s.conn, super::import::CORRECTED_FROM), 0, "the corrected-from look-up, 20 rows");
    let reader = Store::open_read_only(&path).unwrap();
    let filter = "SELECT id FROM students WHERE id > ?1 AND name = ?2";
    for i in 0..3 {
        let mut stmt = reader.conn.prepare_cached(filter).unwrap();
        let mut found = stmt.query(rusqlite::params![i, "学生1"]).unwrap();
        while found.next().unwrap().is_some() {}
    }
    assert_eq!(recompiled(&reader.conn, filter), 0, "a read-only connection's statement, 3 uses");
}

#[test]
fn a_school_is_renamed_with_its_pupils_audited() {
    let mut s = store_with(&[
        incoming("张三", &valid_id("45020220150101123"), "1班"),
        incoming("李四", &valid_id("45020220150101124"), "2班"),
    ]);
    let audit = s.audit_count().unwrap();
    assert_eq!(s.rename_school("测试小学", "柳州市城中区实验小学").unwrap(), 2);
    assert_eq!(s.schools().unwrap(), ["柳州市城中区实验小学"]);
    assert_eq!(s.audit_count().unwrap() - audit, 2, "one audited change per pupil");
    assert!(matches!(s.rename_school("没有的学校", "x"), Err(StoreError::NoSuchSchool(_))));
}

/// The pupils of the school each name holds, sorted.
fn pupils_by_school(s: &Store) -> Vec<(String, i64)> {
    let mut stmt = s
        .conn
        .prepare(
            "SELECT sc.name, count(*) FROM students st JOIN schools sc ON sc.id = st.school_id
             GROUP BY sc.name ORDER BY sc.name",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<rusqlite::Result<_>>().unwrap()
}

#[test]
fn a_list_naming_a_school_by_its_name_before_a_rename_is_that_school() {
    let list = [
        incoming("张三", &valid_id("45020220150101123"), "1班"),
        incoming("李四", &valid_id("45020220150101124"), "2班"),
    ];
    let mut s = store_with(&list);
    s.rename_school("测试小学", "测试实验小学").unwrap();
    s.rename_school("测试实验小学", "柳州市实验小学").unwrap();
    // The teachers' usual list again, with a pupil new to the drive: all under the school's name now.
    let mut again = list.to_vec();
    again.push(incoming("王五", &valid_id("45020220150101125"), "1班"));
    let outcome = s.apply_import(&again, &["t.csv".into()], 0, false).unwrap();
    assert_eq!(pupils_by_school(&s), [("柳州市实验小学".to_owned(), 3)]);
    assert_eq!(outcome.schools_renamed, [("测试小学".to_owned(), "柳州市实验小学".to_owned())]);
    assert_eq!((outcome.added, outcome.unchanged), (1, 2), "{outcome:?}");
    // A school holding pupils under the old name again is the school the list names.
    let mut other = Store::open_in_memory().unwrap();
    other.apply_import(&list, &["t.csv".into()], 0, false).unwrap();
    other.rename_school("测试小学", "测试实验小学").unwrap();
    let elsewhere =
        Incoming { school: "河东小学".into(), ..incoming("赵六", &valid_id("45020220150101126"), "1班") };
    other.apply_import(&[elsewhere], &["u.csv".into()], 0, false).unwrap();
    other.rename_school("河东小学", "测试小学").unwrap();
    let outcome = other.apply_import(&list, &["t.csv".into()], 0, false).unwrap();
    assert!(outcome.schools_renamed.is_empty(), "{outcome:?}");
    assert_eq!(pupils_by_school(&other), [("测试小学".to_owned(), 3)]);
}

#[test]
fn an_import_leaves_the_name_order_trigger_in_place_whatever_its_end() {
    let trigger = |s: &Store| -> i64 {
        s.conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'students_name_order_insert'", [], |r| r.get(0))
            .unwrap()
    };
    let mut s = Store::open_in_memory().unwrap();
    let rows = vec![incoming("张三", &valid_id("45020220150101001"), "1班")];
    s.apply_import(&rows, &[], 0, true).unwrap();
    assert_eq!(trigger(&s), 1, "after a dry run");
    s.apply_import(&rows, &[], 0, false).unwrap();
    assert_eq!(trigger(&s), 1, "after an import");
    let session = s.begin_import().unwrap();
    drop(session);
    assert_eq!(trigger(&s), 1, "after an import given up half-way");
    // And it still does its work for a pupil written by another path.
    s.conn
        .execute(
            "INSERT INTO students(school_id, name, id_raw, id_number, created_at, updated_at)
             SELECT school_id, '李四', '', '', '', '' FROM students LIMIT 1",
            [],
        )
        .unwrap();
    let order: Option<String> =
        s.conn.query_row("SELECT name_order FROM students WHERE name = '李四'", [], |r| r.get(0)).unwrap();
    assert!(order.is_some_and(|o| !o.is_empty()));
}

#[test]
fn a_read_only_open_on_a_full_disk_reads_the_file_as_it_is_or_says_the_disk_is_full() {
    let dir = tempfile::tempdir().unwrap();
    let path = closed_drive(dir.path(), "a.db");
    // The -shm can be made but not grown: the drive alone is read, as on read-only media.
    let s = Store::read_only_connection_in(&path, None, ShmFolder::Full).unwrap();
    assert_eq!(s.stats(None, None).unwrap().students, 2);
    drop(s);
    // A -wal holding changes cannot be left out: the full disk is said, never a damaged drive.
    let copy = copied_with_its_log(&path, &dir.path().join("copy"));
    let err = Store::read_only_connection_in(&copy, None, ShmFolder::Full).err().expect("refused");
    let told = err.to_string();
    assert!(matches!(err, StoreError::FullAtOpen { .. }), "{told}");
    assert!(told.starts_with("磁盘已满") && told.contains("a.db"), "{told}");
    assert!(!told.contains("损坏") && !told.contains("修改未保存") && !told.contains("只读"), "{told}");
}

#[test]
fn sqlite_failing_to_grow_the_shm_is_no_room_and_not_a_damaged_file() {
    let failure = |code: std::ffi::c_int| {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), Some("disk I/O error".into()))
    };
    assert!(no_room_for_shm(&failure(rusqlite::ffi::SQLITE_IOERR_SHMSIZE)));
    assert!(no_room_for_shm(&failure(rusqlite::ffi::SQLITE_IOERR_SHMMAP)));
    assert!(no_room_for_shm(&failure(rusqlite::ffi::SQLITE_FULL)));
    assert!(!no_room_for_shm(&failure(rusqlite::ffi::SQLITE_NOTADB)));
    assert!(!no_room_for_shm(&failure(rusqlite::ffi::SQLITE_CANTOPEN)));
}

#[test]
fn a_full_disk_while_opening_says_nothing_about_saving() {
    let path = std::path::Path::new("/media/stick/a.db");
    let full = || {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            Some("database or disk is full".into()),
        ))
    };
    for e in [StoreError::DiskFull, full()] {
        let told = while_opening(e, path, false).to_string();
        assert!(told.starts_with("磁盘已满") && told.contains("/media/stick/a.db"), "{told}");
        assert!(!told.contains("修改未保存") && told.contains("(the disk is full"), "{told}");
    }
    let told = while_opening(full(), path, true).to_string();
    assert!(told.starts_with("磁盘已满") && told.contains("未留下任何文件"), "{told}");
    // Anything else is as it was.
    assert!(matches!(while_opening(StoreError::EmptyName, path, false), StoreError::EmptyName));
}

#[test]
fn a_new_drive_on_a_full_disk_is_not_left_behind_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    PAGE_LIMIT.set(Some(2));
    let opened = Store::open(&path);
    PAGE_LIMIT.set(None);
    let err = opened.err().expect("full");
    assert!(matches!(err, StoreError::FullAtCreate { .. }), "{err}");
    assert!(err.to_string().starts_with("磁盘已满") && err.to_string().contains("new.db"), "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "nothing left: {left:?}");
}

#[test]
fn a_folder_given_as_the_drive_is_said_to_be_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(dir.path()).err().expect("a folder");
    assert!(matches!(err, StoreError::Folder { .. }), "{err}");
    assert!(err.to_string().contains("是文件夹"), "{err}");
}

/// An import sets the drive's foreign-key and CHECK enforcement aside for its own transaction (every value it
/// writes is one of canbao's own codes, and every school it names it has just found or made): however it ends,
/// committed, dry run, failed on the way or unable to start, the connection enforces both again afterwards.
#[test]
fn every_way_an_import_ends_leaves_the_constraints_enforced() {
    fn enforced(s: &Store, how: &str) {
        let conn = s.connection();
        let fk: i64 = conn.pragma_query_value(None, "foreign_keys", |r| r.get(0)).unwrap();
        let ignored: i64 = conn.pragma_query_value(None, "ignore_check_constraints", |r| r.get(0)).unwrap();
        assert_eq!((fk, ignored), (1, 0), "after {how}");
        let tx = conn.unchecked_transaction().unwrap();
        assert!(tx.execute("UPDATE students SET sex = 'x'", []).is_err(), "CHECK after {how}");
        assert!(tx.execute("UPDATE students SET school_id = 999", []).is_err(), "foreign key after {how}");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drive.db");
    let mut s = Store::open(&path).unwrap();
    s.apply_import(&[incoming("张三", &valid_id("45020220150101123"), "1班")], &[], 0, false).unwrap();
    enforced(&s, "a committed import");
    s.apply_import(&[incoming("李四", &valid_id("45020220150101124"), "1班")], &[], 0, true).unwrap();
    enforced(&s, "a dry run");
    {
        let mut session = s.begin_import().unwrap();
        session.apply(&incoming("王五", &valid_id("45020220150101125"), "2班")).unwrap();
    }
    enforced(&s, "an import dropped without finishing");
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    s.connection().busy_timeout(std::time::Duration::ZERO).unwrap();
    assert!(s.begin_import().is_err(), "the drive is locked by another writer");
    other.execute_batch("ROLLBACK").unwrap();
    enforced(&s, "an import that could not start");
    assert_eq!(s.student_count().unwrap(), 1);
}

/// One row through an import of its own, and what it did.
fn apply_row(s: &mut Store, row: &Incoming) -> crate::store::import::IncomingOutcome {
    let mut session = s.begin_import().unwrap();
    let applied = session.apply(row).unwrap();
    session.finish(&[], 0, false).unwrap();
    applied.outcome
}

fn id_of(s: &Store, name: &str) -> i64 {
    let all = s.students(&StudentFilter::default()).unwrap();
    let mut found = all.iter().filter(|p| p.name == name);
    let one = found.next().unwrap_or_else(|| panic!("no pupil {name}"));
    assert!(found.next().is_none(), "two pupils {name}");
    one.id
}

/// The teacher's list still has the number the drive corrected (with `E`, or by a later list): the row is that
/// pupil, said so, and no second child with the old number is added.
#[test]
fn a_list_still_giving_a_number_the_drive_corrected_is_that_pupil_not_a_second_child() {
    use crate::store::import::IncomingOutcome;
    let real = valid_id("51150220150505108");
    let typo = format!("{}{}", &real[..17], if real.ends_with('1') { '2' } else { '1' });
    // A digit typed wrong that happens to pass the check: valid, yet not the child's.
    let real_li = valid_id("51150220150505209");
    let typo_li = valid_id("51150220150505290");
    let list = [incoming("陈静", &typo, "1班"), incoming("李四", &typo_li, "1班")];
    let mut s = store_with(&list);
    assert_eq!(s.student(id_of(&s, "陈静")).unwrap().id_problem.as_deref(), Some("check_digit"));
    for (name, number) in [("陈静", &real), ("李四", &real_li)] {
        let edit = IdentityEdit { id_number: Some(number.clone()), ..Default::default() };
        s.correct_identity(id_of(&s, name), &edit).unwrap();
    }
    match apply_row(&mut s, &list[0]) {
        IncomingOutcome::Kept(moves) => assert_eq!(moves.old_number, Some((typo.clone(), real.clone()))),
        other => panic!("the corrected pupil, said: {other:?}"),
    }
    let again = s.apply_import(&list, &[], 0, false).unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 2), "{again:?}");
    assert_eq!(s.student_count().unwrap(), 2);
    for (name, number) in [("陈静", &real), ("李四", &real_li)] {
        let p = s.student(id_of(&s, name)).unwrap();
        assert_eq!((p.id_number.as_str(), p.id_problem), (number.as_str(), None), "the correction stays");
    }
    // The list moves her to another class: still she, moved.
    match apply_row(&mut s, &incoming("陈静", &typo, "2班")) {
        IncomingOutcome::Updated(moves) => {
            assert_eq!(moves.old_number, Some((typo.clone(), real.clone())));
            assert!(moves.class.is_some(), "{moves:?}");
        }
        other => panic!("{other:?}"),
    }
    // Another child's name with the old number is another child.
    assert_eq!(s.apply_import(&[incoming("王五", &typo, "1班")], &[], 0, false).unwrap().added, 1);

    // A number an import corrected (the valid one arrived for the flagged pupil of that name and class) too.
    let card = valid_id("51150220160606107");
    let flagged = format!("{}{}", &card[..17], if card.ends_with('1') { '2' } else { '1' });
    let mut s = store_with(&[incoming("赵六", &flagged, "3班")]);
    assert_eq!(s.apply_import(&[incoming("赵六", &card, "3班")], &[], 0, false).unwrap().updated, 1);
    let again = s.apply_import(&[incoming("赵六", &flagged, "3班")], &[], 0, false).unwrap();
    assert_eq!((again.added, again.unchanged), (0, 1), "{again:?}");
    assert_eq!(s.student_count().unwrap(), 1);
}

/// What the operator corrected with `E` (a phone, a name, a class) is not undone by the list it corrected,
/// imported again: the list's old value is the one the correction replaced. A list with a value of its own
/// still updates the pupil, and says that it replaced a correction.
#[test]
fn an_old_list_does_not_undo_the_operators_corrections_and_a_new_value_still_arrives() {
    use crate::store::import::IncomingOutcome;
    let mut row = incoming("孙悦", &valid_id("45020220150101123"), "1班");
    row.phone = "13900000005".into();
    let mut s = store_with(std::slice::from_ref(&row));
    let id = id_of(&s, "孙悦");
    let edit = IdentityEdit {
        name: Some("孙跃".into()),
        class: Some("三年级2班".into()),
        phone: Some("13912345678".into()),
        ..Default::default()
    };
    s.correct_identity(id, &edit).unwrap();
    let kept = |moves: &crate::store::import::Moves| -> Vec<(Field, String, String)> {
        moves.kept.iter().map(|k| (k.field, k.list.clone(), k.held.clone())).collect()
    };
    let all_kept = vec![
        (Field::Name, "孙悦".to_owned(), "孙跃".to_owned()),
        (Field::Class, "三年级1班".to_owned(), "三年级2班".to_owned()),
        (Field::Phone, "13900000005".to_owned(), "13912345678".to_owned()),
    ];
    match apply_row(&mut s, &row) {
        IncomingOutcome::Kept(moves) => assert_eq!(kept(&moves), all_kept),
        other => panic!("kept, and said: {other:?}"),
    }
    let p = s.student(id).unwrap();
    assert_eq!((p.name.as_str(), p.class_label(), p.phone.as_str()), ("孙跃", "三年级2班".into(), "13912345678"));
    assert_eq!(s.apply_import(std::slice::from_ref(&row), &[], 0, false).unwrap().unchanged, 1);

    // A later list with a phone of its own: taken, and said to replace a correction.
    let newer = Incoming { phone: "13700000007".into(), ..row.clone() };
    match apply_row(&mut s, &newer) {
        IncomingOutcome::Updated(moves) => {
            assert_eq!(moves.over_corrections, [Field::Phone], "{moves:?}");
            assert_eq!(kept(&moves)[..2], all_kept[..2], "name and class still kept");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.student(id).unwrap().phone, "13700000007");
    // The first list once more: the phone the operator corrected away stays away.
    apply_row(&mut s, &row);
    assert_eq!(s.student(id).unwrap().phone, "13700000007");

    // A value a list set, not the operator, is a list's to change again, as before.
    let mut other = incoming("钱七", &valid_id("45020220150101131"), "1班");
    other.phone = "13600000001".into();
    s.apply_import(std::slice::from_ref(&other), &[], 0, false).unwrap();
    let changed = Incoming { phone: "13600000002".into(), ..other.clone() };
    s.apply_import(&[changed], &[], 0, false).unwrap();
    match apply_row(&mut s, &other) {
        IncomingOutcome::Updated(moves) => assert!(moves.kept.is_empty() && moves.over_corrections.is_empty()),
        outcome => panic!("{outcome:?}"),
    }
    assert_eq!(s.student(id_of(&s, "钱七")).unwrap().phone, "13600000001");
}

/// A number cell as openpyxl writes one (`%.16g`: 16 significant digits), read back as Excel shows it.
fn written_by_openpyxl(number: &str) -> id_number::IdCheck {
    // A numeric cell cannot hold a final X: the number was typed with a 0 there, or it would have stayed text.
    let value: u64 = number.replace('X', "0").parse().unwrap();
    let written: f64 = format!("{:.15e}", value as f64).parse().unwrap();
    id_number::check_numeric_cell(written, today())
}

/// A class list whose numbers a program rounded (here openpyxl's 16 digits, whose rounding at the 15th goes up
/// where Excel's own goes down) is the pupils the drive holds with the whole numbers: none added, the whole
/// number kept and said, and no family asked again for a number the drive holds.
#[test]
fn a_rounded_number_is_the_pupil_holding_the_whole_number_however_a_program_rounded_it() {
    use crate::store::import::IncomingOutcome;
    let pupils = [
        ("苏杰豪", "450203201801187456"),
        ("罗磊", "450202201711011477"),
        ("司马蕾妍", "450203201806062484"),
        ("赵颖丽", "450202201802041508"),
        ("钱七", &*valid_id("45020220150101123")),
    ];
    let mut s = store_with(&pupils.map(|(name, number)| incoming(name, number, "1班")));
    assert!(s.students(&StudentFilter::default()).unwrap().iter().all(|p| p.id_problem.is_none()));
    for (name, number) in pupils {
        let mut row = incoming(name, number, "2班");
        row.id = written_by_openpyxl(number);
        assert_eq!(row.id.result, Err(id_number::IdProblem::PrecisionLost), "{name}");
        match apply_row(&mut s, &row) {
            IncomingOutcome::Updated(moves) => {
                assert_eq!(moves.whole_number.as_deref(), Some(number), "{name}");
                assert!(moves.class.is_some(), "moved as the list says: {moves:?}");
            }
            other => panic!("{name}: the pupil holding the whole number, said: {other:?}"),
        }
        let p = s.student(id_of(&s, name)).unwrap();
        assert_eq!((p.id_number.as_str(), p.id_problem), (number, None), "{name}: the whole number stays");
        // Read again in the same class: nothing changes, and the row is still said to be that pupil.
        match apply_row(&mut s, &row) {
            IncomingOutcome::Kept(moves) => assert_eq!(moves.whole_number.as_deref(), Some(number), "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
    assert_eq!(s.student_count().unwrap(), 5);
    let flagged_rows: i64 = s.conn.query_row("SELECT sum(id_invalid) FROM imports", [], |r| r.get(0)).unwrap();
    assert_eq!(flagged_rows, 0, "no row left a pupil held with a rounded number");
    // Another child of the name whose number does not round so is another child, flagged.
    let mut other = incoming("罗磊", "", "1班");
    other.id = written_by_openpyxl(&valid_id("45020220171101300"));
    assert_eq!(apply_row(&mut s, &other), IncomingOutcome::Added);
}

/// Two pupils of one name whose numbers both round to the row's are not guessed between.
#[test]
fn a_rounded_number_two_pupils_of_the_name_could_round_to_is_neither() {
    let (first, second) = (valid_id("45020220150101121"), valid_id("45020220150101133"));
    let mut s = store_with(&[incoming("张伟", &first, "1班"), incoming("张伟", &second, "2班")]);
    let mut row = incoming("张伟", "", "1班");
    row.id = id_number::check_numeric_cell(450202201501011000.0, today());
    assert_eq!(s.apply_import(&[row], &[], 0, false).unwrap().added, 1);
}

/// A list giving 蒋婷语's number with its check character typed wrong, for the pupil held with the valid one: a
/// typo, so the row is that pupil wherever the list puts her, and the valid number stays; a digit typed wrong in
/// the middle is that pupil only in her own class. The other way round, a pupil held with the check character
/// typed wrong takes the valid number a later list gives, in another class too.
#[test]
fn a_check_character_typed_wrong_is_the_pupil_holding_the_valid_number() {
    use crate::store::import::IncomingOutcome;
    let wrong = |number: &str, at: usize| {
        let mut typed = number.to_owned();
        let was = typed.as_bytes()[at];
        typed.replace_range(at..=at, if was == b'0' { "1" } else { "0" });
        typed
    };
    let real = valid_id("51130220200709454");
    let (check_typo, middle_typo) = (wrong(&real, 17), wrong(&real, 13));
    assert!(id_number::check(&middle_typo, today()).problem().is_some(), "a digit typed wrong fails the check");
    let mut s = store_with(&[incoming("蒋婷语", &real, "2班")]);
    for (typed, class) in [(&check_typo, "3班"), (&middle_typo, "3班")] {
        match apply_row(&mut s, &incoming("蒋婷语", typed, class)) {
            // Moved to 3班 by the first row; the second changes nothing, said all the same.
            IncomingOutcome::Updated(moves) | IncomingOutcome::Kept(moves) => {
                assert_eq!(moves.mistyped_number, Some((typed.clone(), real.clone())), "{typed}")
            }
            other => panic!("{typed}: {other:?}"),
        }
    }
    let held = s.student(id_of(&s, "蒋婷语")).unwrap();
    assert_eq!(
        (held.id_number.as_str(), held.id_problem.as_deref(), held.class.as_str()),
        (real.as_str(), None, "3班")
    );
    // The middle digit in another class, or another name: another child, added flagged.
    assert_eq!(apply_row(&mut s, &incoming("蒋婷语", &middle_typo, "4班")), IncomingOutcome::Added);
    assert_eq!(apply_row(&mut s, &incoming("蒋婷", &check_typo, "3班")), IncomingOutcome::Added);
    assert_eq!(s.student_count().unwrap(), 3);

    let other = valid_id("51130220200709461");
    let other_typo = wrong(&other, 17);
    let mut s = store_with(&[incoming("韦明", &other_typo, "1班")]);
    match apply_row(&mut s, &incoming("韦明", &other, "2班")) {
        IncomingOutcome::Updated(moves) => assert_eq!(moves.corrected_number, Some((other_typo, other.clone()))),
        other => panic!("{other:?}"),
    }
    let held = s.student(id_of(&s, "韦明")).unwrap();
    assert_eq!((held.id_number.as_str(), held.id_problem.as_deref()), (other.as_str(), None));
}

/// A pupil held with the whole number and renamed since by a later list, and the teacher's older list giving the
/// number rounded by a spreadsheet under the name before: that pupil, found by the name they had, keeping the
/// whole number and the name now; nobody added. A pupil held with a rounded number and renamed with `E` is found
/// so too; a name nobody had is another child.
#[test]
fn a_rounded_number_under_a_name_before_a_rename_is_the_renamed_pupil() {
    use crate::store::import::IncomingOutcome;
    let real = valid_id("45020220170303456");
    let mut s = store_with(&[incoming("王小明", &real, "1班")]);
    assert_eq!(s.apply_import(&[incoming("王晓明", &real, "1班")], &[], 0, false).unwrap().updated, 1);
    let mut row = incoming("王小明", "", "1班");
    row.id = written_by_openpyxl(&real);
    match apply_row(&mut s, &row) {
        IncomingOutcome::Kept(moves) => assert_eq!(
            (moves.whole_number.as_deref(), moves.former_name.as_deref(), moves.name.as_str()),
            (Some(real.as_str()), Some("王小明"), "王晓明")
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(s.student_count().unwrap(), 1);
    assert_eq!(s.student(id_of(&s, "王晓明")).unwrap().id_number, real);

    let mut rounded = incoming("李娜", "", "2班");
    rounded.id = written_by_openpyxl(&valid_id("45020220170404567"));
    let mut s = store_with(&[rounded.clone()]);
    let edit = IdentityEdit { name: Some("李纳".into()), ..Default::default() };
    s.correct_identity(id_of(&s, "李娜"), &edit).unwrap();
    match apply_row(&mut s, &rounded) {
        IncomingOutcome::Kept(moves) => {
            assert_eq!(
                (moves.whole_number, moves.former_name.as_deref(), moves.name.as_str()),
                (None, Some("李娜"), "李纳")
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.student_count().unwrap(), 1);
    assert_eq!(apply_row(&mut s, &Incoming { name: "李四".into(), ..rounded }), IncomingOutcome::Added);
}

/// A pupil held with an 18-digit number that fails the check (a digit typed wrong), and a class list of the
/// same class giving that number rounded by a spreadsheet: the same child, not a second one; the number held
/// is kept, still flagged.
#[test]
fn a_rounded_number_of_a_mistyped_one_in_the_same_class_is_that_pupil() {
    let real = valid_id("45020520180707906");
    let typo = format!("{}{}", &real[..17], if real.ends_with('2') { '3' } else { '2' });
    let mut s = store_with(&[incoming("孙芳琳", &typo, "2班")]);
    let mut row = incoming("孙芳琳", "", "2班");
    row.id = written_by_openpyxl(&typo);
    let out = s.apply_import(&[row.clone()], &[], 0, false).unwrap();
    assert_eq!((out.added, out.unchanged), (0, 1), "{out:?}");
    let p = s.student(id_of(&s, "孙芳琳")).unwrap();
    assert_eq!((p.id_number.as_str(), p.id_problem.as_deref()), (typo.as_str(), Some("check_digit")));
    // In another class it may be another child of the name: added, for the operator to see both.
    row.class = "3班".into();
    assert_eq!(s.apply_import(&[row], &[], 0, false).unwrap().added, 1);
}

/// What an agency's list, its numbers rounded by a spreadsheet, can be taken for (`student_of_rounded_number`):
/// the one pupil of the name holding a whole number that rounds to it, or flagged with the same 15 digits; two
/// such pupils, a name that differs, or a number shown shorter (4.50202E+17) are nobody.
#[test]
fn a_rounded_number_names_a_pupil_only_when_the_name_and_its_digits_fit_one() {
    let whole = "450203201806062484";
    let mut s = store_with(&[incoming("司马蕾妍", whole, "1班"), incoming("罗磊", "450202201711011000", "1班")]);
    assert_eq!(s.student(id_of(&s, "罗磊")).unwrap().id_problem.as_deref(), Some("precision_lost"));
    // openpyxl's 16 digits round the 15th up: …063000, where Excel's own rounding shows …062000.
    let rounded = written_by_openpyxl(whole).normalized;
    assert_eq!(rounded, "450203201806063000");
    let found =
        |s: &Store, rounded: &str, name: &str| s.student_of_rounded_number(rounded, name).unwrap().map(|p| p.id);
    assert_eq!(found(&s, &rounded, "司马蕾妍"), Some(id_of(&s, "司马蕾妍")));
    assert_eq!(found(&s, "4.502032018060625e+17", "司马蕾妍"), Some(id_of(&s, "司马蕾妍")));
    assert_eq!(found(&s, &rounded, "司马蕾"), None, "another name");
    assert_eq!(found(&s, "4.50203E+17", "司马蕾妍"), None, "too few digits to name a child");
    assert_eq!(found(&s, "450203201806065000", "司马蕾妍"), None, "another child's number");
    // Flagged with the same digits: that pupil.
    assert_eq!(found(&s, "4.50202201711011E+17", "罗磊"), Some(id_of(&s, "罗磊")));
    // A second 司马蕾妍 whose number rounds alike: neither.
    let twin = incoming("司马蕾妍", &valid_id("45020320180606249"), "2班");
    s.apply_import(&[twin], &[], 0, false).unwrap();
    assert_eq!(found(&s, &rounded, "司马蕾妍"), None);
}

/// An agency's list still giving a number the drive corrected a pupil's from (`student_corrected_from`): that
/// pupil, under the name now or before a correction, or with no name; under another name nobody.
#[test]
fn a_number_corrected_away_names_the_pupil_it_was_corrected_from() {
    let real = valid_id("51150220150505209");
    let typo = valid_id("51150220150505290");
    let mut s = store_with(&[incoming("李四", &typo, "1班")]);
    let li = id_of(&s, "李四");
    let edit = IdentityEdit { id_number: Some(real.clone()), name: Some("李泗".into()), ..Default::default() };
    s.correct_identity(li, &edit).unwrap();
    let found = |name: &str| s.student_corrected_from(&typo, name).unwrap().map(|p| p.id);
    assert_eq!((found("李泗"), found("李四"), found("")), (Some(li), Some(li), Some(li)));
    assert_eq!(found("王五"), None);
    assert_eq!(s.student_corrected_from(&real, "李泗").unwrap(), None, "the number now is no old number");
}

/// A class's numbers typed as numbers in two lists written by different programs (Excel cuts what is typed at
/// the 15th digit, openpyxl's 16 digits round it up; a CSV of floats writes the double): one child, held as
/// the first list had it, never a second pupil. In another class it may be another child of the name.
#[test]
fn a_number_rounded_two_ways_by_two_programs_is_one_pupil() {
    let number = "450203201806062484";
    let mut typed = incoming("司马蕾妍", "", "1班");
    typed.id = id_number::check_numeric_cell(450203201806062000.0, today());
    let mut s = store_with(&[typed]);
    let mut by_script = incoming("司马蕾妍", "", "1班");
    by_script.id = written_by_openpyxl(number);
    assert_eq!(by_script.id.normalized, "450203201806063000");
    let floats = incoming("司马蕾妍", "4.502032018060625e+17", "1班");
    assert_eq!(floats.id.result, Err(id_number::IdProblem::PrecisionLost));
    for row in [&by_script, &floats] {
        let out = s.apply_import(std::slice::from_ref(row), &[], 0, false).unwrap();
        assert_eq!((out.added, out.unchanged), (0, 1), "{}: {out:?}", row.id.normalized);
    }
    let p = s.student(id_of(&s, "司马蕾妍")).unwrap();
    assert_eq!(p.id_number, "450203201806062000", "held as the first list had it");
    by_script.class = "2班".into();
    assert_eq!(s.apply_import(&[by_script], &[], 0, false).unwrap().added, 1);
}

/// One list that brings a pupil's valid number and, further down, the number the drive held for her before
/// (a class list and its older copy pasted together): the later row is still she, though the correction was
/// made by this very import.
#[test]
fn a_number_corrected_earlier_in_the_same_import_still_names_the_pupil() {
    let real = valid_id("51150220150505108");
    let typo = format!("{}{}", &real[..17], if real.ends_with('1') { '2' } else { '1' });
    let mut s = store_with(&[incoming("陈静", &typo, "1班"), incoming("李四", &valid_id("51150220150505209"), "1班")]);
    assert_eq!(s.student(id_of(&s, "陈静")).unwrap().id_problem.as_deref(), Some("check_digit"));
    let out = s.apply_import(&[incoming("陈静", &real, "1班"), incoming("陈静", &typo, "1班")], &[], 0, false).unwrap();
    assert_eq!(out.added, 0, "{out:?}");
    assert_eq!(s.student_count().unwrap(), 2);
    let p = s.student(id_of(&s, "陈静")).unwrap();
    assert_eq!((p.id_number.as_str(), p.id_problem), (real.as_str(), None), "the correction stays");
}

/// A drive on a laptop: the operator its config folder `laptop` (under `dir`) makes this session's.
fn open_on(path: &Path, dir: &Path, laptop: &str) -> Store {
    let mut s = Store::open(path).unwrap();
    s.on_installation(crate::installation::Installation::in_folder(&dir.join(laptop))).unwrap();
    s
}

/// The operator a drive remembers is the operator only on the laptop it was typed on: a copy taken to a second
/// laptop (a working group splitting a school, to merge later) records nobody there until a name is given,
/// where it recorded the first laptop's operator for everything done on the second. The name typed there is
/// that laptop's, and the first laptop then asks in turn.
#[test]
fn a_remembered_operator_belongs_to_the_laptop_it_was_typed_on() {
    let dir = tempfile::tempdir().unwrap();
    let drive = dir.path().join("a.db");
    let mut a = open_on(&drive, dir.path(), "laptop-a");
    a.set_operator("王老师").unwrap();
    add_pupil(&mut a, "第一小学", "甲");
    drop(a);
    let copy = dir.path().join("copy.db");
    std::fs::copy(&drive, &copy).unwrap();
    assert_eq!(open_on(&drive, dir.path(), "laptop-a").operator(), "王老师", "remembered where it was typed");
    let mut b = open_on(&copy, dir.path(), "laptop-b");
    assert_eq!((b.operator(), b.operator_elsewhere()), ("", Some("王老师")));
    // A change made there before any name is given records no operator, as on a drive that remembers none.
    let id = b.students(&Default::default()).unwrap()[0].id;
    b.set_note(id, "复印件").unwrap();
    let last = b.history(id).unwrap().into_iter().last().unwrap();
    assert_eq!(last.operator, "", "{last:?}");
    // A worker's connection sees the same.
    assert_eq!(b.reopener().unwrap().open().unwrap().operator(), "");
    b.set_operator("李老师").unwrap();
    assert_eq!(b.operator_elsewhere(), None);
    drop(b);
    assert_eq!(open_on(&copy, dir.path(), "laptop-b").operator(), "李老师");
    let back_on_a = open_on(&copy, dir.path(), "laptop-a");
    assert_eq!((back_on_a.operator(), back_on_a.operator_elsewhere()), ("", Some("李老师")));
    // A laptop that never recorded a name (no id in its config folder yet) is not the one that typed it.
    assert_eq!(open_on(&drive, dir.path(), "laptop-c").operator(), "");
    assert!(!dir.path().join("laptop-c").exists(), "reading makes nothing in the config folder");
}

/// A name remembered by an older canbao (no laptop recorded) is used as before, on whichever laptop opens the
/// drive; the first session that changes the drive makes it that laptop's, so a copy taken later asks.
#[test]
fn an_older_drives_remembered_name_becomes_the_first_writers_laptops() {
    let dir = tempfile::tempdir().unwrap();
    let drive = dir.path().join("a.db");
    let mut old = Store::open(&drive).unwrap();
    old.set_operator("王老师").unwrap();
    assert_eq!(old.meta(OPERATOR_INSTALLATION).unwrap(), None, "as an older canbao left it");
    drop(old);
    let mut a = open_on(&drive, dir.path(), "laptop-a");
    assert_eq!(a.operator(), "王老师");
    a.claim_remembered_operator().unwrap();
    let id = a.meta(OPERATOR_INSTALLATION).unwrap().expect("recorded");
    assert_eq!(crate::installation::Installation::in_folder(&dir.path().join("laptop-a")).id(), Some(id.as_str()));
    drop(a);
    assert_eq!(open_on(&drive, dir.path(), "laptop-a").operator(), "王老师");
    assert_eq!(open_on(&drive, dir.path(), "laptop-b").operator(), "");
    // Claimed once: a later session elsewhere does not take it over.
    let mut b = open_on(&drive, dir.path(), "laptop-b");
    b.claim_remembered_operator().unwrap();
    assert_eq!(b.meta(OPERATOR_INSTALLATION).unwrap(), Some(id));
}

/// A laptop whose config folder cannot be made has no id to record: the name typed there is remembered for
/// no laptop in particular (as an older canbao did), never as the last laptop's that had one.
#[test]
fn a_name_typed_where_no_id_can_be_kept_is_nobodys_laptops() {
    let dir = tempfile::tempdir().unwrap();
    let drive = dir.path().join("a.db");
    open_on(&drive, dir.path(), "laptop-a").set_operator("王老师").unwrap();
    // A file where the config folder's parent should be: no folder can be made there, even by root.
    std::fs::write(dir.path().join("not-a-folder"), "").unwrap();
    let mut b = Store::open(&drive).unwrap();
    b.on_installation(crate::installation::Installation::in_folder(&dir.path().join("not-a-folder/canbao"))).unwrap();
    b.set_operator("李老师").unwrap();
    assert_eq!(b.meta(OPERATOR_INSTALLATION).unwrap(), None);
    drop(b);
    assert_eq!(open_on(&drive, dir.path(), "laptop-a").operator(), "李老师");
}

/// Two laptops merged each way: a pupil's history shows each change once, by whoever made it. The rows a merge
/// wrote to apply the other laptop's change (kept in the log, as every row is) named the merging laptop's
/// operator beside the change itself, so this laptop's own mark read as made on the other one too.
#[test]
fn a_history_shows_a_change_once_by_its_maker_after_merges_each_way() {
    let dir = tempfile::tempdir().unwrap();
    let (a_path, b_path) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let mut a = open_on(&a_path, dir.path(), "laptop-a");
    add_pupil(&mut a, "第一小学", "甲");
    add_pupil(&mut a, "第一小学", "乙");
    drop(a);
    std::fs::copy(&a_path, &b_path).unwrap();
    let (mut a, mut b) = (open_on(&a_path, dir.path(), "laptop-a"), open_on(&b_path, dir.path(), "laptop-b"));
    a.set_operator("王老师").unwrap();
    b.set_operator("李老师").unwrap();
    let id = |s: &Store, name: &str| id_of(s, name);
    let (jia, yi) = (id(&a, "甲"), id(&a, "乙"));
    a.set_note(jia, "王记").unwrap();
    b.set_note(id(&b, "乙"), "李记").unwrap();
    b.merge_from(&a_path, false).unwrap();
    a.merge_from(&b_path, false).unwrap();
    let shown = |s: &Store, pupil: i64| -> Vec<(String, String, Option<String>)> {
        s.history(pupil).unwrap().into_iter().map(|e| (e.operator, e.field, e.new)).collect()
    };
    let note = |who: &str, what: &str| (who.to_owned(), "note".to_owned(), Some(what.to_owned()));
    let jia_history = shown(&a, jia);
    assert_eq!(jia_history.iter().filter(|e| e.1 == "note").cloned().collect::<Vec<_>>(), [note("王老师", "王记")]);
    let yi_history = shown(&a, yi);
    assert_eq!(yi_history.iter().filter(|e| e.1 == "note").cloned().collect::<Vec<_>>(), [note("李老师", "李记")]);
    // The other laptop shows the same.
    assert_eq!(shown(&b, id(&b, "甲")), jia_history);
    assert_eq!(shown(&b, id(&b, "乙")), yi_history);
}

/// A row without an ID number (an empty cell, a formula the file holds no result for) for a pupil the drive holds
/// with a valid one, of the same name, school and class, is that pupil: updated, the number kept, never a second
/// copy of the child without a number. Two such pupils are not guessed between: the row is left out, nothing
/// added; in another class, the row is a new pupil as before.
#[test]
fn a_row_without_a_number_is_the_one_valid_pupil_of_its_name_and_class() {
    use crate::store::import::IncomingOutcome;
    let sun = valid_id("45020320190930880");
    let mut s = store_with(&[incoming("孙语", &sun, "1班")]);
    let blank = Incoming { phone: "13900139000".into(), ..incoming("孙语", "", "1班") };
    // Its phone is not the held one's: kept as held and said (the row may be a second child of the name).
    match apply_row(&mut s, &blank) {
        IncomingOutcome::Kept(moves) => {
            assert_eq!(moves.number_kept.as_deref(), Some(sun.as_str()));
            assert_eq!(moves.phone_not_taken, Some(("13900139000".into(), "13800138000".into())));
        }
        other => panic!("{other:?}"),
    }
    let all = s.students(&StudentFilter::default()).unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!((all[0].id_number.as_str(), all[0].phone.as_str()), (sun.as_str(), "13800138000"));
    // The same row again changes nothing, and still says whose number is kept.
    assert!(matches!(apply_row(&mut s, &blank), IncomingOutcome::Kept(m) if m.number_kept.is_some()));

    let other = valid_id("45020320181212003");
    let mut session = s.begin_import().unwrap();
    session.apply(&incoming("孙语", &other, "1班")).unwrap();
    session.finish(&[], 0, false).unwrap();
    assert_eq!(apply_row(&mut s, &blank), IncomingOutcome::UnnumberedOfSeveral);
    assert_eq!(s.students(&StudentFilter::default()).unwrap().len(), 2);

    assert_eq!(apply_row(&mut s, &incoming("孙语", "", "2班")), IncomingOutcome::Added);
}

/// The pupils an import of `rows` leaves, each as (number, phone), into a drive holding `held`.
fn pupils_after(held: &[Incoming], rows: &[Incoming]) -> (Vec<(String, String)>, crate::store::import::ImportOutcome) {
    let mut s = store_with(held);
    let outcome = s.apply_import(rows, &["t.csv".into()], 0, false).unwrap();
    let all = s.students(&StudentFilter::default()).unwrap();
    (all.into_iter().map(|p| (p.id_number, p.phone)).collect(), outcome)
}

/// A row without an ID number and a row with a valid one, of the same name, school and class, in one import are
/// one pupil, whichever comes first and whether the drive was empty or not, as they are in two imports: the row
/// without a number takes the other's pupil, or the pupil it added takes the other's number. Several valid
/// numbers of the name and class before it are not guessed between: the row is left out.
#[test]
fn rows_with_and_without_a_number_of_one_child_in_one_import_are_one_pupil() {
    use crate::store::import::IncomingOutcome;
    let sun = valid_id("45020320190930880");
    let numbered = Incoming { phone: String::new(), ..incoming("孙语", &sun, "1班") };
    let blank = Incoming { phone: "13900139000".into(), ..incoming("孙语", "", "1班") };
    let other = incoming("李四", &valid_id("45020320181212003"), "1班");
    let one = vec![(sun.clone(), "13900139000".to_owned())];
    for held in [Vec::new(), vec![other.clone()]] {
        for rows in [[numbered.clone(), blank.clone()], [blank.clone(), numbered.clone()]] {
            let (mut pupils, outcome) = pupils_after(&held, &rows);
            pupils.retain(|(number, _)| !number.starts_with("4502032018"));
            assert_eq!(pupils, one, "held {}, {:?} first", held.len(), rows[0].id_raw);
            assert_eq!((outcome.added, outcome.updated + outcome.unchanged), (1, 1), "{outcome:?}");
        }
    }
    // Said as the row's pupil in either order.
    let mut s = store_with(&[]);
    let mut session = s.begin_import().unwrap();
    assert_eq!(session.apply(&numbered).unwrap().outcome, IncomingOutcome::Added);
    match session.apply(&blank).unwrap().outcome {
        IncomingOutcome::Updated(m) => assert_eq!(m.number_kept.as_deref(), Some(sun.as_str())),
        other => panic!("{other:?}"),
    }
    session.finish(&[], 0, true).unwrap();
    let mut session = s.begin_import().unwrap();
    assert_eq!(session.apply(&blank).unwrap().outcome, IncomingOutcome::Added);
    // Nothing but the number is new: counted unchanged, as the row without a number after it is.
    match session.apply(&numbered).unwrap().outcome {
        IncomingOutcome::Kept(m) => {
            assert!(m.unnumbered_taken);
            assert_eq!(m.corrected_number, Some((String::new(), sun.clone())));
        }
        other => panic!("{other:?}"),
    }
    session.finish(&[], 0, true).unwrap();
    // Two valid numbers of the name and class before it: which one is not guessed.
    let twin = incoming("孙语", &valid_id("45020320190930120"), "1班");
    let mut session = s.begin_import().unwrap();
    session.apply(&numbered).unwrap();
    session.apply(&twin).unwrap();
    assert_eq!(session.apply(&blank).unwrap().outcome, IncomingOutcome::UnnumberedOfSeveral);
    let outcome = session.finish(&[], 0, false).unwrap();
    assert_eq!((outcome.added, outcome.updated, outcome.unchanged), (2, 0, 0));
    assert_eq!(s.students(&StudentFilter::default()).unwrap().len(), 2);
}

/// Two laptops that met their schools in opposite orders (one imported 乙 first, the other 甲, as after a merge
/// each holds the other's under a later row) list them alike, by name: their `stats` and forms compare line
/// for line.
#[test]
fn schools_are_listed_by_name_whatever_order_a_laptop_met_them_in() {
    let dir = tempfile::tempdir().unwrap();
    let order = |first: &str, second: &str, file: &str| {
        let mut s = Store::open(&dir.path().join(file)).unwrap();
        for school in [first, second] {
            add_pupil(&mut s, school, &format!("{school}的学生"));
        }
        let classes: Vec<String> =
            s.stats(None, None).unwrap().classes.iter().map(|c| format!("{} {}", c.school, c.class)).collect();
        let roster: Vec<String> = s.students(&Default::default()).unwrap().into_iter().map(|p| p.name).collect();
        (s.schools().unwrap(), classes, roster, s.class_labels(None).unwrap())
    };
    let (one, two) = (order("乙小学", "甲小学", "one.db"), order("甲小学", "乙小学", "two.db"));
    assert_eq!(one, two);
    assert_eq!(one.0, ["乙小学", "甲小学"], "by name as SQLite compares text, the same on every laptop");
}

/// A drive cut short (a stick pulled during a copy) is said as damaged, naming its newest backup, and a restore
/// puts that backup in its place, the damaged file kept aside under a name that says so.
#[test]
fn a_damaged_drive_is_said_so_and_a_backup_restores_over_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let backup = {
        let mut store = Store::open(&path).unwrap();
        crate::demo::load_sample(&mut store).unwrap();
        store.backup_now("manual").unwrap().expect("a backup")
    };
    let pupils = Store::open_read_only(&backup).unwrap().student_count().unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&path).unwrap().set_len(size / 2).unwrap();
    let said = match Store::open(&path).and_then(|s| s.students(&Default::default()).map(|_| ())) {
        Err(e) => e.to_string(),
        Ok(()) => panic!("a drive cut in half read as whole"),
    };
    assert!(said.starts_with("数据文件已损坏") && said.contains("damaged"), "{said}");
    let name = backup.file_name().unwrap().to_string_lossy().into_owned();
    assert!(said.contains(&format!("最新的备份是 {}", backup.display())), "names {name}: {said}");
    assert!(said.contains(&format!("canbao --db {} restore ", path.display())), "{said}");
    let (mut store, aside) = Store::open_for_restore(&path, None).unwrap();
    let aside = aside.expect("set aside");
    assert!(aside.to_string_lossy().contains("已损坏") && aside.exists(), "{}", aside.display());
    assert_eq!(std::fs::metadata(&aside).unwrap().len(), size / 2, "the damaged file is kept as it was");
    store.restore_from(&backup).unwrap();
    assert_eq!(store.student_count().unwrap(), pupils);
}

/// A drive whose first page (the SQLite header) is overwritten reads as no database at all, where a drive damaged
/// further in reads as damaged: with backups of it, by its name, in its backups folder it was a drive, and is said
/// as the damaged drive it is, naming its newest backup, and a restore sets it aside and puts the backup back.
/// Before, it was 「不是 canbao 数据文件或文件已损坏」 with no backup named, and a restore refused it. A file of
/// another name beside it (a document given by mistake) has no backups of its own: it stays no canbao file, and
/// a restore onto it refuses, leaving it as it was.
#[test]
fn a_drive_whose_header_is_overwritten_is_said_damaged_and_restored_but_a_foreign_file_is_not() {
    for scribble in [vec![0u8; 100], b"not a header ".repeat(8)[..100].to_vec()] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let backup = {
            let mut store = Store::open(&path).unwrap();
            crate::demo::load_sample(&mut store).unwrap();
            store.backup_now("manual").unwrap().expect("a backup")
        };
        let pupils = Store::open_read_only(&backup).unwrap().student_count().unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[..100].copy_from_slice(&scribble);
        std::fs::write(&path, &bytes).unwrap();
        for opened in [Store::open(&path).err(), Store::open_read_only(&path).err()] {
            let said = opened.expect("a drive without its header read as one").to_string();
            assert!(said.starts_with("数据文件已损坏") && said.contains("damaged"), "{said}");
            assert!(said.contains(&format!("最新的备份是 {}", backup.display())), "{said}");
            assert!(said.contains(&format!("canbao --db {} restore ", path.display())), "{said}");
        }
        // A file given by mistake, beside the drive and its backups: not offered the drive's backup, not replaced.
        let foreign = dir.path().join("名单.txt");
        std::fs::write(&foreign, "姓名,身份证号码\n".repeat(300)).unwrap();
        let before = std::fs::read(&foreign).unwrap();
        for opened in [Store::open(&foreign).err(), Store::open_for_restore(&foreign, None).err()] {
            let e = opened.expect("a text file read as a drive");
            assert!(matches!(e, StoreError::NotADatabase { .. }), "{e}");
        }
        assert_eq!(std::fs::read(&foreign).unwrap(), before, "the foreign file unchanged");
        let kept: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("已损坏"))
            .collect();
        assert!(kept.is_empty(), "nothing set aside: {kept:?}");

        let (mut store, aside) = Store::open_for_restore(&path, None).unwrap();
        let aside = aside.expect("set aside");
        assert_eq!(std::fs::read(&aside).unwrap(), bytes, "the damaged file is kept as it was");
        store.restore_from(&backup).unwrap();
        assert_eq!(store.student_count().unwrap(), pupils);
    }
}

/// Two pupils of one name and class, imported in one order on one laptop and the other order on another: every
/// form lists them in the same order (by ID number), so two laptops of one drive print the same sheet. Before,
/// the tie went to the row id each laptop gave them, and the two sheets differed.
#[test]
fn pupils_of_one_name_are_listed_by_id_number_whatever_order_they_came_in() {
    let (a, b) = (valid_id("11010520160101009"), valid_id("11010520160101001"));
    let first = store_with(&[incoming("王芳", &a, "1班"), incoming("王芳", &b, "1班")]);
    let second = store_with(&[incoming("王芳", &b, "1班"), incoming("王芳", &a, "1班")]);
    let filter = StudentFilter::default();
    for store in [&first, &second] {
        let listed: Vec<String> = store.students(&filter).unwrap().into_iter().map(|s| s.id_number).collect();
        assert_eq!(listed, [b.clone(), a.clone()]);
        let mut each = Vec::new();
        store
            .for_each_student(&filter, |s| {
                each.push(s.id_number.clone());
                Ok(())
            })
            .unwrap();
        assert_eq!(each, listed);
        let mut sheet = Vec::new();
        store
            .for_each_sheet_row(&filter, |r| {
                sheet.push(r.id_number.to_owned());
                Ok(())
            })
            .unwrap();
        assert_eq!(sheet, listed);
    }
}

/// Whether a tax list's row is kept already (the same payment under the same number) is read from that number's
/// few entries of the log, whatever else the log holds: on a drive that has kept the payments of 400 numbers
/// nobody holds, one more number's question steps through a handful of rows. Before, it was asked by the pupils'
/// index, where every number nobody holds sits under one NULL: each row of a list of strangers read every one
/// kept before it, and a list of 20,000 such rows took minutes.
#[test]
fn a_kept_payment_is_sought_among_its_own_numbers_entries_not_every_strangers() {
    use crate::domain::unapplied::{KeptPayment, UnappliedPayment, UnappliedReason};
    let mut s = store_with(&[incoming("张三", &valid_id("45020220150101123"), "1班")]);
    let year = s.current_year();
    let kept = |i: usize| {
        let first17 = format!("5115212015{i:07}");
        KeptPayment {
            student_id: None,
            id_number: valid_id(&first17),
            record: UnappliedPayment {
                year,
                ..UnappliedPayment::for_test(
                    &format!("外校{i}"),
                    38_000,
                    chrono::NaiveDate::from_ymd_opt(2026, 10, 8),
                    ("税务.csv", i + 2),
                    UnappliedReason::UnknownNumber,
                )
            },
        }
    };
    let unapplied = Unapplied { always: (0..400).map(kept).collect(), if_refused: Vec::new() };
    s.apply_reconciliation("reconcile", &[], &[], &unapplied, &[], ChangeOptions::default()).unwrap();
    let steps = |s: &Store, number: &str| {
        let mut stmt = s.conn.prepare(super::reconcile::KEPT_FOR_NUMBER).unwrap();
        let found = stmt.query_map(rusqlite::params![None::<i64>, number], |r| r.get::<_, i64>(0)).unwrap().count();
        (found, stmt.get_status(rusqlite::StatementStatus::VmStep))
    };
    let (found, stepped) = steps(&s, &valid_id("51152120159999999"));
    assert_eq!(found, 0);
    assert!(stepped < 100, "a number nobody kept stepped {stepped} times through the log");
    let (found, stepped) = steps(&s, &kept(7).id_number);
    assert_eq!(found, 1);
    assert!(stepped < 100, "a number kept once stepped {stepped} times through the log");
    // The same 400 again, as the same list reconciled a second time: none kept twice, each found kept before.
    let (_, before) = s.apply_reconciliation("reconcile", &[], &[], &unapplied, &[], ChangeOptions::default()).unwrap();
    assert_eq!(before, 400);
    let held: i64 =
        s.conn.query_row("SELECT count(*) FROM audit WHERE field = 'payment_unapplied'", [], |r| r.get(0)).unwrap();
    assert_eq!(held, 400);
}

/// A class list saved under the drive's name, beside the drive's backups, is no drive at all (its first page is
/// no drive's past a header), where before the backups by its name had it said as a damaged drive, with a backup
/// offered and a restore setting it aside.
#[test]
fn a_class_list_under_the_drives_name_beside_its_backups_is_no_damaged_drive() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("school.db");
    {
        let mut store = Store::open(&path).unwrap();
        crate::demo::load_sample(&mut store).unwrap();
        store.backup_now("manual").unwrap().expect("a backup");
    }
    let list = "姓名,身份证号码,班级\n".to_owned() + &"张三,110105201601010011,一年级1班\n".repeat(400);
    std::fs::write(&path, &list).unwrap();
    for opened in
        [Store::open(&path).err(), Store::open_read_only(&path).err(), Store::open_for_restore(&path, None).err()]
    {
        let e = opened.expect("a class list read as a drive");
        assert!(matches!(e, StoreError::NotADatabase { .. }), "{e}");
    }
    assert_eq!(std::fs::read_to_string(&path).unwrap(), list, "unchanged");
}

/// The keys a tax-list row without an ID number is matched by are every pupil's, as the roster holds them: the
/// name, grade, class and school of each pupil `students` reads, and no other.
#[test]
fn name_keys_are_every_pupils_name_class_and_school() {
    let mut s = Store::open_in_memory().unwrap();
    crate::demo::load_sample(&mut s).unwrap();
    let mut keys: Vec<(i64, String, String, String, String)> =
        s.name_keys().unwrap().into_iter().map(|k| (k.id, k.name, k.grade, k.class, k.school)).collect();
    keys.sort();
    let mut pupils: Vec<(i64, String, String, String, String)> = s
        .students(&Default::default())
        .unwrap()
        .into_iter()
        .map(|p| (p.id, p.name, p.grade, p.class, p.school))
        .collect();
    pupils.sort();
    assert!(!pupils.is_empty());
    assert_eq!(keys, pupils);
}

/// A drive from before 民族 and 居住地址 were kept is read as it is (neither set), brought forward in one step on
/// opening, and then takes them from a list; a drive of a later schema than this canbao's is still refused.
#[test]
fn a_drive_from_before_ethnicity_and_address_is_migrated_and_takes_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v13.db");
    let number = "450203201909308803";
    {
        let mut conn = Connection::open(&path).unwrap();
        schema::migrate_to(&mut conn, schema::ETHNICITY_VERSION - 1).unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO schools(id, name, created_at) VALUES (1, '测试小学', 'x');
             INSERT INTO students(id, school_id, name, id_raw, id_number, grade, class, enrollment, payment,
                created_at, updated_at)
             VALUES (1, 1, '孙语', '{number}', '{number}', '一年级', '1班', 'here', 'paid', 'x', 'x');"
        ))
        .unwrap();
    }
    let old = Store::open_read_only(&path).unwrap();
    let held = old.students(&StudentFilter::default()).unwrap();
    assert_eq!((held[0].ethnicity.as_deref(), held[0].address.as_deref()), (None, None));
    assert_eq!(schema::user_version(&old.conn).unwrap(), schema::ETHNICITY_VERSION - 1, "read, not written");
    drop(old);
    let mut s = Store::open(&path).unwrap();
    assert_eq!(schema::user_version(&s.conn).unwrap(), schema::latest_version());
    let row = Incoming {
        ethnicity: "壮族".into(),
        address: "柳州市城中区文昌路 12 号".into(),
        ..incoming("孙语", number, "1班")
    };
    s.apply_import(&[row], &[], 0, false).unwrap();
    let p = &s.students(&StudentFilter::default()).unwrap()[0];
    assert_eq!((p.ethnicity.as_deref(), p.address.as_deref()), (Some("壮族"), Some("柳州市城中区文昌路 12 号")));
    assert_eq!(p.payment, PaymentStatus::Paid, "the rest as it was");
    // A new insured year keeps them: they are the pupil's, not the year's.
    let next = s.current_year().unwrap() + 1;
    s.start_year(next, false, None, false).unwrap();
    let p = &s.students(&StudentFilter::default()).unwrap()[0];
    assert_eq!((p.ethnicity.as_deref(), p.address.as_deref()), (Some("壮族"), Some("柳州市城中区文昌路 12 号")));
    drop(s);
    let newer = dir.path().join("newer.db");
    {
        let mut conn = Connection::open(&newer).unwrap();
        schema::migrate_to(&mut conn, schema::latest_version()).unwrap();
        conn.pragma_update(None, "user_version", schema::latest_version() + 1).unwrap();
    }
    assert!(matches!(Store::open(&newer).err().expect("refused"), StoreError::TooNew { .. }));
}

/// The names held with an old 15-digit number are read once an import through their own index, not by reading
/// the whole roster: a scan of the pupils cost each import in proportion to the drive (117 M instructions of
/// an import into a 100k-pupil drive).
#[test]
fn the_names_held_with_an_old_number_are_read_through_their_index() {
    let mut rows: Vec<Incoming> = (0..300)
        .map(|i| incoming(&format!("学生{i}"), &valid_id(&format!("4502022015{i:07}")), &format!("{}班", i % 6)))
        .collect();
    rows.push(incoming("旧号", "450202800101001", "1班"));
    let s = store_with(&rows);
    for analyzed in [false, true] {
        if analyzed {
            s.conn.execute_batch("ANALYZE").unwrap();
        }
        let plan = query_plan(&s.conn, super::import::CONVERTED_NAMES);
        assert!(plan.iter().any(|p| p.contains("students_converted_name")), "analyzed: {analyzed}: {plan:?}");
        assert!(!plan.iter().any(|p| p.trim() == "SCAN students"), "analyzed: {analyzed}: {plan:?}");
    }
    let names: Vec<String> = s
        .conn
        .prepare(super::import::CONVERTED_NAMES)
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(names, ["旧号"]);
}

/// 民族 and 居住地址 follow the phone's rule: a row without a number taken as the pupil by name and class fills
/// those the pupil holds none of and leaves a held one (both said); a row with the number replaces them; a value
/// the operator corrected away (`E`, or `mark`) is not brought back by the list, as a phone is not.
#[test]
fn ethnicity_and_address_follow_the_phones_rule() {
    use crate::store::import::IncomingOutcome;
    let sun = valid_id("45020320190930880");
    let mut s = store_with(&[Incoming { address: "文昌路 12 号".into(), ..incoming("孙语", &sun, "1班") }]);
    let personal = |s: &Store| {
        let p = &s.students(&StudentFilter::default()).unwrap()[0];
        (p.ethnicity.clone(), p.address.clone())
    };
    let text = |v: &str| Some(v.to_owned());
    let blank =
        Incoming { ethnicity: "壮族".into(), address: "八一路 3 号".into(), ..incoming("孙语", "", "1班") };
    match apply_row(&mut s, &blank) {
        IncomingOutcome::Updated(moves) => {
            assert_eq!(moves.number_kept.as_deref(), Some(sun.as_str()));
            assert_eq!(moves.personal_not_taken, [Field::Address], "{moves:?}");
            assert_eq!(moves.personal_filled, [Field::Ethnicity], "{moves:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(personal(&s), (text("壮族"), text("文昌路 12 号")));
    // The same row again changes nothing, and still says the address differs.
    assert!(matches!(apply_row(&mut s, &blank), IncomingOutcome::Kept(m) if m.personal_not_taken == [Field::Address]));
    // With the number, the list's address replaces the held one, as its phone would.
    s.set_fixed_clock("2026-11-23T11:00:00+08:00");
    let numbered = Incoming { address: "八一路 3 号".into(), ..incoming("孙语", &sun, "1班") };
    assert!(matches!(apply_row(&mut s, &numbered), IncomingOutcome::Updated(_)));
    assert_eq!(personal(&s), (text("壮族"), text("八一路 3 号")));
    // Corrected by hand: the list's address, corrected away, is kept out and said.
    s.set_fixed_clock("2026-11-23T12:00:00+08:00");
    let id = id_of(&s, "孙语");
    let edit = IdentityEdit { address: Some("八一路 5 号".into()), ..Default::default() };
    assert_eq!(s.correct_identity(id, &edit).unwrap().changed, 1);
    s.set_fixed_clock("2026-11-23T13:00:00+08:00");
    match apply_row(&mut s, &numbered) {
        IncomingOutcome::Kept(moves) => {
            let kept: Vec<Field> = moves.kept.iter().map(|k| k.field).collect();
            assert_eq!(kept, [Field::Address], "{moves:?}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(personal(&s), (text("壮族"), text("八一路 5 号")));
    // `mark --ethnicity` is the operator's too, spelled in full.
    s.set_fixed_clock("2026-11-23T14:00:00+08:00");
    s.apply_change("mark", id, vec![crate::store::Change::Ethnicity("瑶".into())], Default::default()).unwrap();
    assert_eq!(personal(&s), (text("瑶族"), text("八一路 5 号")));
    s.set_fixed_clock("2026-11-23T15:00:00+08:00");
    let listed = Incoming { ethnicity: "壮族".into(), ..incoming("孙语", &sun, "1班") };
    assert!(matches!(apply_row(&mut s, &listed), IncomingOutcome::Kept(m) if m.kept[0].field == Field::Ethnicity));
    assert_eq!(personal(&s), (text("瑶族"), text("八一路 5 号")));
    // A 民族 held as a list spelled it before (汉) is the list's 汉族: no change.
    s.conn.execute("UPDATE students SET ethnicity = '汉' WHERE id = ?1", [id]).unwrap();
    let han = Incoming { ethnicity: "汉族".into(), ..incoming("孙语", &sun, "1班") };
    assert_eq!(apply_row(&mut s, &han), IncomingOutcome::Unchanged);
}

/// `E`'s 民族 and 居住地址: 民族 spelled in full, the address on one line, an empty field clearing either (NULL, as
/// no list gave it), each change one audit row of the edit, and undone exactly.
#[test]
fn ethnicity_and_address_are_corrected_by_hand_audited_and_undone() {
    let sun = valid_id("45020320190930880");
    let row =
        Incoming { ethnicity: "壮族".into(), address: "文昌路 12 号".into(), ..incoming("孙语", &sun, "1班") };
    let mut s = store_with(&[row]);
    let id = id_of(&s, "孙语");
    let personal = |s: &Store| {
        let p = s.student(id).unwrap();
        (p.ethnicity, p.address)
    };
    let text = |v: &str| Some(v.to_owned());
    s.set_fixed_clock("2026-11-23T11:00:00+08:00");
    let edit = IdentityEdit {
        ethnicity: Some("\u{3000}回\u{3000}".into()),
        address: Some(" 八一路\n 3 号 ".into()),
        ..Default::default()
    };
    let done = s.correct_identity(id, &edit).unwrap();
    assert_eq!(done.changed, 2);
    assert_eq!(personal(&s), (text("回族"), text("八一路 3 号")));
    let rows: Vec<(String, String, Option<String>, Option<String>)> = s
        .history(id)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "edit")
        .map(|e| (e.field, e.action, e.old, e.new))
        .collect();
    assert_eq!(
        rows,
        [
            ("ethnicity".into(), "edit".into(), text("壮族"), text("回族")),
            ("address".into(), "edit".into(), text("文昌路 12 号"), text("八一路 3 号")),
        ]
    );
    // The same typed again is no change; an empty field clears.
    assert_eq!(
        s.correct_identity(id, &IdentityEdit { ethnicity: Some("回".into()), ..Default::default() }).unwrap().changed,
        0
    );
    s.set_fixed_clock("2026-11-23T12:00:00+08:00");
    let cleared = s.correct_identity(id, &IdentityEdit { address: Some(String::new()), ..Default::default() }).unwrap();
    assert_eq!(personal(&s), (text("回族"), None));
    s.restore_identity(id, &cleared.before, "undo").unwrap();
    s.restore_identity(id, &done.before, "undo").unwrap();
    assert_eq!(personal(&s), (text("壮族"), text("文昌路 12 号")));
}

/// Whether the clock is far behind the drive is told on every writer's open from the rows added since the last
/// open (the newest stamp before them kept in `meta`), not by reading the whole log: a change stamped ahead long
/// ago still warns after later changes, and the next open reads no row it has read.
#[test]
fn the_clock_behind_the_drive_is_told_from_the_rows_added_since_the_last_open() {
    let mut s = store_with(&[incoming("李明", &valid_id("45020220150101001"), "1班")]);
    let id = s.students(&StudentFilter::default()).unwrap()[0].id;
    s.set_fixed_clock("2030-01-01T10:00:00+08:00");
    s.set_note(id, "将来").unwrap();
    s.set_fixed_clock("2026-11-23T10:00:00+08:00");
    let behind = s.clock_behind_drive().unwrap().expect("a change of 2030");
    assert!(behind.newest.starts_with("2030-01-01"), "{behind:?}");
    let last: i64 = s.conn.query_row("SELECT max(id) FROM audit", [], |r| r.get(0)).unwrap();
    let kept = s.meta(super::AUDIT_NEWEST).unwrap().expect("kept");
    assert!(kept.starts_with(&format!("{last} 2030-01-01")), "{kept}");
    s.set_note(id, "现在").unwrap();
    let behind = s.clock_behind_drive().unwrap().expect("still the change of 2030");
    assert!(behind.newest.starts_with("2030-01-01"), "{behind:?}");
    let plan = query_plan(&s.conn, "SELECT id, at FROM audit WHERE id > ?1 ORDER BY id");
    assert!(plan.iter().all(|p| !p.trim().starts_with("SCAN")), "{plan:?}");
    s.set_fixed_clock("2030-01-01T09:00:00+08:00");
    assert!(s.clock_behind_drive().unwrap().is_none(), "within a day");
}

/// A restore to a backup taken before a change stamped far ahead takes the warning back with the change: the kept
/// newest stamp (`AUDIT_NEWEST`) is the backup's own, of the rows it holds, and the rows written after the restore
/// (reusing the ids of those it took back) are read as new.
#[test]
fn a_restore_before_a_change_stamped_far_ahead_takes_the_clock_warning_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut s = Store::open(&path).unwrap();
    s.set_fixed_clock("2026-11-23T10:00:00+08:00");
    s.set_operator("甲").unwrap();
    crate::demo::load_sample(&mut s).unwrap();
    let id = s.students(&StudentFilter::default()).unwrap()[0].id;
    assert!(s.clock_behind_drive().unwrap().is_none());
    let backup = s.backup_now("manual").unwrap().expect("a backup");
    s.set_fixed_clock("2030-01-01T10:00:00+08:00");
    s.set_note(id, "将来").unwrap();
    s.set_fixed_clock("2026-11-23T10:00:00+08:00");
    assert!(s.clock_behind_drive().unwrap().is_some(), "the change of 2030 warns");
    assert!(s.meta(super::AUDIT_NEWEST).unwrap().is_some_and(|k| k.contains("2030-01-01")));
    s.restore_from(&backup).unwrap();
    assert!(s.clock_behind_drive().unwrap().is_none(), "taken back with the change");
    s.set_note(id, "现在").unwrap();
    assert!(s.clock_behind_drive().unwrap().is_none());
    let kept = s.meta(super::AUDIT_NEWEST).unwrap().unwrap_or_default();
    assert!(!kept.contains("2030"), "{kept}");
}

/// A log cut below the kept newest stamp's id (by a tool outside canbao: no path of its own deletes a row) is read
/// again whole, so a far-ahead change it no longer holds stops warning; before, the kept stamp warned for ever.
#[test]
fn a_log_cut_below_the_kept_newest_stamp_is_read_again() {
    let mut s = store_with(&[incoming("李明", &valid_id("45020220150101001"), "1班")]);
    let id = s.students(&StudentFilter::default()).unwrap()[0].id;
    s.set_fixed_clock("2030-01-01T10:00:00+08:00");
    s.set_note(id, "将来").unwrap();
    s.set_fixed_clock("2026-11-23T10:00:00+08:00");
    assert!(s.clock_behind_drive().unwrap().is_some(), "the change of 2030 warns");
    let far: i64 = s.conn.query_row("SELECT max(id) FROM audit", [], |r| r.get(0)).unwrap();
    let trigger: String =
        s.conn.query_row("SELECT sql FROM sqlite_master WHERE name = 'audit_no_delete'", [], |r| r.get(0)).unwrap();
    s.conn
        .execute_batch(&format!("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE id >= {far}; {trigger};"))
        .unwrap();
    assert!(s.clock_behind_drive().unwrap().is_none(), "the change of 2030 is gone");
    let kept = s.meta(super::AUDIT_NEWEST).unwrap().unwrap_or_default();
    assert!(!kept.contains("2030"), "{kept}");
}

/// An import whose drive's kept newest stamp (`AUDIT_NEWEST`) stood at the log's last row moves it past its own
/// rows as it commits: the next writer's open reads none of them again (the mark is at the log's last row before
/// any open). A clock set back after an import stamped far ahead is still told, from the stamp kept.
#[test]
fn an_imports_own_audit_rows_are_not_read_again_and_a_clock_set_back_after_it_is_still_told() {
    let mut s = store_with(&[incoming("李明", &valid_id("45020220150101001"), "1班")]);
    let last = |s: &Store| -> i64 { s.conn.query_row("SELECT max(id) FROM audit", [], |r| r.get(0)).unwrap() };
    let kept = |s: &Store| s.meta(super::AUDIT_NEWEST).unwrap().unwrap_or_default();
    // The first import, into an empty drive, left the mark at its last row.
    assert!(kept(&s).starts_with(&format!("{} 2026-11-23", last(&s))), "{}", kept(&s));
    assert!(s.clock_behind_drive().unwrap().is_none());
    let before = last(&s);
    s.apply_import(&[incoming("王芳", &valid_id("45020220150202002"), "1班")], &["t.csv".into()], 0, false).unwrap();
    assert!(last(&s) > before);
    assert!(kept(&s).starts_with(&format!("{} 2026-11-23", last(&s))), "{}", kept(&s));
    // A dry run writes nothing, the mark with it.
    let mark = kept(&s);
    s.apply_import(&[incoming("赵丽", &valid_id("45020220150303003"), "1班")], &["t.csv".into()], 0, true).unwrap();
    assert_eq!(kept(&s), mark);
    // An import that writes no row leaves it too, later as it is: the drive unchanged, as its backup tells it.
    s.set_fixed_clock("2026-11-24T10:00:00+08:00");
    let again = last(&s);
    s.apply_import(&[incoming("王芳", &valid_id("45020220150202002"), "1班")], &["t.csv".into()], 0, false).unwrap();
    assert_eq!((last(&s), kept(&s)), (again, mark));
    // An import stamped far ahead, then the clock set back: told.
    s.set_fixed_clock("2030-01-01T10:00:00+08:00");
    s.apply_import(&[incoming("陈刚", &valid_id("45020220150404004"), "1班")], &["t.csv".into()], 0, false).unwrap();
    assert!(kept(&s).starts_with(&format!("{} 2030-01-01", last(&s))), "{}", kept(&s));
    s.set_fixed_clock("2026-11-23T11:00:00+08:00");
    let behind = s.clock_behind_drive().unwrap().expect("the import of 2030");
    assert!(behind.newest.starts_with("2030-01-01"), "{behind:?}");
    // An import with the clock behind keeps the far-ahead stamp as the newest.
    s.apply_import(&[incoming("刘洋", &valid_id("45020220150505005"), "1班")], &["t.csv".into()], 0, false).unwrap();
    assert!(kept(&s).starts_with(&format!("{} 2030-01-01", last(&s))), "{}", kept(&s));
    assert!(s.clock_behind_drive().unwrap().is_some_and(|b| b.newest.starts_with("2030-01-01")));
}

/// An import after rows no open has read yet (a change stamped far ahead since the last open) leaves the kept
/// newest stamp where it was: those rows are read at the next open, and the clock set back is told.
#[test]
fn an_import_after_rows_not_yet_read_leaves_them_to_the_next_open() {
    let mut s = store_with(&[incoming("李明", &valid_id("45020220150101001"), "1班")]);
    let id = s.students(&StudentFilter::default()).unwrap()[0].id;
    assert!(s.clock_behind_drive().unwrap().is_none());
    let mark = s.meta(super::AUDIT_NEWEST).unwrap().expect("kept");
    s.set_fixed_clock("2030-01-01T10:00:00+08:00");
    s.set_note(id, "将来").unwrap();
    s.set_fixed_clock("2026-11-23T11:00:00+08:00");
    s.apply_import(&[incoming("王芳", &valid_id("45020220150202002"), "1班")], &["t.csv".into()], 0, false).unwrap();
    assert_eq!(s.meta(super::AUDIT_NEWEST).unwrap().expect("kept"), mark);
    let behind = s.clock_behind_drive().unwrap().expect("the change of 2030");
    assert!(behind.newest.starts_with("2030-01-01"), "{behind:?}");
}

/// A value as `.dump` writes it: a text as text.
fn shown(value: rusqlite::types::ValueRef<'_>) -> String {
    match value {
        rusqlite::types::ValueRef::Text(text) => format!("{:?}", String::from_utf8_lossy(text)),
        other => format!("{other:?}"),
    }
}

/// A drive as `sqlite3 .dump` shows it: its schema in `sqlite_master`'s order, its marks, and every table's rows.
fn drive_as_dumped(conn: &Connection) -> Vec<String> {
    let master: Vec<(String, String, String, Option<String>)> = conn
        .prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut out: Vec<String> = master.iter().map(|entry| format!("{entry:?}")).collect();
    for pragma in ["user_version", "application_id"] {
        let value: i64 = conn.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get(0)).unwrap();
        out.push(format!("{pragma} = {value}"));
    }
    for (_, name, ..) in master.iter().filter(|(kind, ..)| kind == "table") {
        let mut stmt = conn.prepare(&format!("SELECT * FROM main.\"{name}\"")).unwrap();
        let columns = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let values: Vec<String> = (0..columns).map(|i| shown(row.get_ref(i).unwrap())).collect();
            out.push(format!("{name}: {}", values.join(", ")));
        }
    }
    out
}

/// A new drive is made at the latest schema at once, and is the drive the migrations make step by step: the same
/// tables, indexes and triggers with the same text in the same order (so its dump is the same), the same version
/// and mark, the same rows.
#[test]
fn a_new_drive_is_made_at_the_latest_schema_as_the_migrations_leave_it() {
    let dir = tempfile::tempdir().unwrap();
    let stepped = dir.path().join("stepped.db");
    {
        let mut conn = Connection::open(&stepped).unwrap();
        for version in 1..=schema::latest_version() {
            schema::migrate_to(&mut conn, version).unwrap();
        }
    }
    let stepped = Store::open(&stepped).unwrap();
    let made = Store::open(&dir.path().join("made.db")).unwrap();
    let made = drive_as_dumped(&made.conn);
    assert_eq!(made, drive_as_dumped(&stepped.conn));
    assert!(made.iter().any(|line| line.contains("address TEXT)")), "{made:#?}");
    assert!(made.iter().any(|line| line.starts_with("meta: ") && line.contains("merge_copies_from")), "{made:#?}");
}

/// A real number that ends in 000 (its check digit holds), flagged when a numeric cell brought it: the corrected
/// list giving it as text, or the number typed, is the pupil's number confirmed, and the flag goes, audited.
#[test]
fn a_real_number_ending_in_000_given_as_text_clears_the_flag() {
    let real = valid_id_ending_000();
    let mut s = store_with(&[incoming("钱七", &valid_id("45020220140101123"), "1班")]);
    let mut from_numeric = incoming("钱七七", &real, "2班");
    from_numeric.id = id_number::check_numeric_cell(real.parse::<f64>().unwrap(), today());
    assert_eq!(from_numeric.id.result, Err(id_number::IdProblem::PrecisionLost));
    s.apply_import(&[from_numeric], &[], 0, false).unwrap();
    let out = s.apply_import(&[incoming("钱七七", &real, "2班")], &[], 0, false).unwrap();
    assert_eq!((out.added, out.updated), (0, 1));
    assert_eq!(s.student_count().unwrap(), 2);
    let p = s.student_by_id_number(&real).unwrap().expect("held under the number");
    assert_eq!((p.name.as_str(), p.id_problem), ("钱七七", None));
    let audited: i64 = s
        .conn
        .query_row("SELECT count(*) FROM audit WHERE field = 'id_number' AND new = ?1", [&real], |r| r.get(0))
        .unwrap();
    assert_eq!(audited, 1);
}

/// Twins held under one rounded number, each in a class of their own: the corrected list's row of each class
/// is the twin of that class, not a third and fourth child.
#[test]
fn twins_held_under_one_rounded_number_are_told_apart_by_class() {
    let (a, b) = (valid_id("45010220180505601"), valid_id("45010220180505603"));
    let numeric = |name: &str, number: &str, class: &str| {
        let mut row = incoming(name, number, class);
        row.id = id_number::check_numeric_cell(number.parse::<f64>().unwrap(), today());
        row.source = format!("t.csv:{class}");
        row
    };
    let held = [numeric("陈晨", "450102201805056000", "7班"), numeric("陈晨", "450102201805056000", "8班")];
    let mut s = store_with(&held);
    assert_eq!(s.student_count().unwrap(), 2);
    let out = s.apply_import(&[incoming("陈晨", &a, "7班"), incoming("陈晨", &b, "8班")], &[], 0, false).unwrap();
    assert_eq!((out.added, out.updated), (0, 2));
    assert_eq!(s.student_count().unwrap(), 2, "corrected, not added");
    for (number, class) in [(&a, "7班"), (&b, "8班")] {
        let p = s.student_by_id_number(number).unwrap().expect("corrected");
        assert_eq!((p.class.as_str(), p.id_problem), (class, None));
    }
}
