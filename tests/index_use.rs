//! Every look-up an import, a reconciliation or a merge makes once per row reads an index, never the roster or
//! the audit log: measured on the statements SQLite actually ran, with SQLite's own count of the rows each
//! stepped through by full table scan.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use canbao::io::class_list::ImportRequest;
use canbao::io::reconcile::{Source, reconcile};
use canbao::store::{Change, Payment, Store};

const ROSTER: usize = 3000;
/// A statement run at least this often in one operation is a per-row one.
const PER_ROW: usize = 100;

/// A valid 18-digit number from 17 digits (GB 11643's check digit).
fn valid_id(body: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
    format!("{body}{}", ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize])
}

/// Pupil `i`'s number: a real birth date (one of 2,000 days from 2012) and a serial keeping the rest apart.
fn number(i: usize) -> String {
    let born = chrono::NaiveDate::from_ymd_opt(2012, 1, 1).unwrap() + chrono::Days::new((i % 2000) as u64);
    valid_id(&format!("450202{}{:03}", born.format("%Y%m%d"), i / 2000))
}

/// Pupils `from..to` as a class list; the number's serial part keeps them apart.
fn class_list(dir: &Path, name: &str, from: usize, to: usize, phone: &str) -> std::path::PathBuf {
    let mut text = String::from("姓名,身份证号码,年级,班级,联系电话\n");
    for i in from..to {
        let number = number(i);
        text.push_str(&format!("学生{i},{number},{}年级,{}班,{phone}\n", ["一", "二", "三"][i % 3], 1 + i % 8));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn import(store: &mut Store, file: &Path) {
    let mut request = ImportRequest::new(store, vec![file.to_owned()], Some("示范学校".into())).unwrap();
    request.preview(store).unwrap();
    request.run(store, false).unwrap();
}

/// Per SQL text: runs, the most rows one run stepped through by full scan, the prepared statement's count so far.
type Runs = (usize, i64, i64);

/// Runs `work` on `store` watching its statements: each SQL text with how often it ran and the most rows one
/// run stepped through by full scan.
fn watched(store: &mut Store, work: impl FnOnce(&mut Store)) -> HashMap<String, (usize, i64)> {
    let seen: Arc<Mutex<HashMap<String, Runs>>> = Arc::default();
    let sink = Arc::clone(&seen);
    store
        .watch_statements(move |sql, scanned_so_far| {
            let mut seen = sink.lock().unwrap();
            let entry = seen.entry(sql.to_owned()).or_default();
            // The count is the prepared statement's since it was prepared: a cached statement adds up runs.
            let this_run = if scanned_so_far >= entry.2 { scanned_so_far - entry.2 } else { scanned_so_far };
            entry.0 += 1;
            entry.1 = entry.1.max(this_run);
            entry.2 = scanned_so_far;
        })
        .unwrap();
    work(store);
    let seen = seen.lock().unwrap();
    seen.iter().map(|(sql, &(runs, most, _))| (sql.clone(), (runs, most))).collect()
}

fn assert_per_row_lookups_use_an_index(what: &str, seen: &HashMap<String, (usize, i64)>) {
    let per_row: Vec<_> = seen.iter().filter(|(_, (runs, _))| *runs >= PER_ROW).collect();
    assert!(!per_row.is_empty(), "{what}: no statement ran once per row; the test would prove nothing");
    for (sql, (runs, most)) in per_row {
        // A scan of the schools or a temporary table stays far below the roster.
        assert!(
            *most < (ROSTER / 10) as i64,
            "{what}: run {runs} times, one run stepped through {most} rows by full scan:\n{sql}"
        );
    }
}

#[test]
fn import_reconcile_and_merge_into_a_large_drive_read_an_index_per_row() {
    let dir = tempfile::tempdir().unwrap();
    let ours = dir.path().join("ours.db");
    let theirs = dir.path().join("theirs.db");
    let mut store = Store::open(&ours).unwrap();
    import(&mut store, &class_list(dir.path(), "roster.csv", 0, ROSTER, "13800000000"));
    drop(store);
    std::fs::copy(&ours, &theirs).unwrap();

    // The other laptop: 300 payments and 300 newcomers.
    let mut other = Store::open(&theirs).unwrap();
    let ids: Vec<i64> = other.students(&Default::default()).unwrap().iter().take(300).map(|s| s.id).collect();
    let paid = Payment::Paid { amount_fen: Some(38_000), paid_on: Some(other.today()), channel: None };
    let items: Vec<_> = ids.iter().map(|&id| (id, vec![Change::Payment(paid.clone())])).collect();
    other.apply_changes("mark", &items, Default::default()).unwrap();
    import(&mut other, &class_list(dir.path(), "newcomers.csv", ROSTER, ROSTER + 300, "13800000000"));
    drop(other);

    let mut store = Store::open(&ours).unwrap();
    let batch = class_list(dir.path(), "batch.csv", ROSTER - 300, ROSTER + 600, "13900000000");
    let seen = watched(&mut store, |s| import(s, &batch));
    assert_per_row_lookups_use_an_index("import of 300 changed and 600 new pupils", &seen);

    let mut tax = String::from("姓名,证件号码,缴费金额,缴费日期\n");
    for i in 1000..1300 {
        tax.push_str(&format!("学生{i},{},380,2026-10-08\n", number(i)));
    }
    let tax_file = dir.path().join("tax.csv");
    std::fs::write(&tax_file, tax).unwrap();
    let seen = watched(&mut store, |s| {
        let report = reconcile(s, &tax_file, Source::Tax, None, false).unwrap();
        assert_eq!(report.matched, 300, "{:?}", report.problems.first());
    });
    assert_per_row_lookups_use_an_index("reconciliation of 300 payments", &seen);

    let seen = watched(&mut store, |s| {
        let report = s.merge_from(&theirs, false).unwrap();
        assert_eq!(report.added, 0, "the newcomers came in with the batch import already");
        assert!(
            report.updated > 200 && report.audit_rows_copied >= 600,
            "{} {}",
            report.updated,
            report.audit_rows_copied
        );
    });
    assert_per_row_lookups_use_an_index("merge of 300 payments and 300 newcomers", &seen);
}

#[test]
fn starting_the_next_year_is_a_few_statements_over_the_roster_never_one_per_pupil() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("drive.db")).unwrap();
    import(&mut store, &class_list(dir.path(), "roster.csv", 0, ROSTER, "13800000000"));
    let year = store.current_year().unwrap() + 1;
    let mut report = None;
    let seen = watched(&mut store, |s| report = Some(s.start_year(year, true, None, false).unwrap()));
    let report = report.unwrap();
    assert_eq!(report.promoted, ROSTER, "every class of 一/二/三年级 moves up: {report:?}");
    // Statements per pupil (a few per field) took a county's roster most of a minute: each statement now
    // runs a handful of times whatever the roster's size.
    let per_row: Vec<_> = seen.iter().filter(|(_, (runs, _))| *runs >= PER_ROW).collect();
    assert!(per_row.is_empty(), "statements run once per pupil: {per_row:#?}");
    // And each walks the roster (or its years) once, with the four audited fields per pupil: a pupil's row,
    // class step and year are found by key. A scan of the roster per pupil would step ROSTER times as far.
    for (sql, (runs, most)) in &seen {
        assert!(
            *most <= 5 * ROSTER as i64,
            "run {runs} times, one run stepped through {most} rows by full scan:\n{sql}"
        );
    }
}

/// The detail screen and `p` on a paid pupil ask the log of that one pupil (amounts two laptops recorded, a
/// payment a tax list recorded): by the pupils' index, never a scan of the log of the whole drive.
#[test]
fn one_pupils_payment_history_reads_only_that_pupils_log() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("drive.db")).unwrap();
    import(&mut store, &class_list(dir.path(), "roster.csv", 0, ROSTER, "13800000000"));
    let pupil = store.students(&Default::default()).unwrap().remove(0);
    let seen = watched(&mut store, |store| {
        store.amount_disputes(std::slice::from_ref(&pupil)).unwrap();
        store.payments_from_a_list(std::slice::from_ref(&pupil)).unwrap();
    });
    let log_reads: Vec<_> = seen.iter().filter(|(sql, _)| sql.contains("FROM audit")).collect();
    assert_eq!(log_reads.len(), 2, "{seen:?}");
    for (sql, (_, most)) in log_reads {
        assert!(*most < (ROSTER / 10) as i64, "one run stepped through {most} rows by full scan:\n{sql}");
    }
}
