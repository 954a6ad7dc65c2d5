//! The laptop dies mid-save: the real process is killed with SIGKILL at pseudo-random moments during imports,
//! and after every kill the file must be intact, each import all or nothing, and the audit log in step with
//! the data. `CANBAO_KILLS` raises the number of kills for a longer run.

#![cfg(unix)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use canbao::store::Store;

fn class_list(rows: usize) -> String {
    let mut s = String::from("姓名,身份证号码,班级\n");
    for i in 0..rows {
        let first17 = format!("450202{}{:02}{:02}{:03}", 2010 + i % 8, 1 + i / 28 % 12, 1 + i % 28, i / 336 % 1000);
        let check = canbao::domain::id_number::check_char(first17.as_bytes());
        s.push_str(&format!("学生{i},{first17}{check},{}班\n", 1 + i % 9));
    }
    s
}

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn verify(db: &Path, full: i64) -> i64 {
    let store = Store::open(db).expect("the file opens after a kill");
    let ok: String = store.connection().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let count = store.student_count().unwrap();
    assert!(count == 0 || count == full, "an import is all or nothing: {count} of {full}");
    let created: i64 =
        store.connection().query_row("SELECT count(*) FROM audit WHERE field = 'created'", [], |r| r.get(0)).unwrap();
    assert_eq!(created, count, "one audit row per pupil added");
    let keys: i64 = store.connection().query_row("SELECT count(*) FROM search_keys", [], |r| r.get(0)).unwrap();
    assert_eq!(keys, count, "every pupil searchable");
    count
}

#[test]
fn killed_imports_leave_an_intact_file() {
    let kills: usize = std::env::var("CANBAO_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(50);
    let dir = tempfile::tempdir().unwrap();
    let rows = 3000;
    let csv = dir.path().join("big.csv");
    std::fs::write(&csv, class_list(rows)).unwrap();
    let bin = env!("CARGO_BIN_EXE_canbao");

    // How long one import takes here, so kills land before, during and after the commit.
    let db = dir.path().join("timing.db");
    let start = Instant::now();
    let status = Command::new(bin).arg("--db").arg(&db).arg("import").arg(&csv).stdout(Stdio::null()).status().unwrap();
    assert!(status.success());
    let span = start.elapsed().as_millis().max(20) as u64;

    let mut rng = Lcg(20261123);
    let mut killed = 0;
    let mut completed = 0;
    let mut round = 0;
    while killed < kills && round < kills * 4 {
        round += 1;
        // A fresh file every few rounds, so most kills hit a first import (the big transaction).
        let db = dir.path().join(format!("drive-{}.db", round / 5));
        let mut child = Command::new(bin)
            .arg("--db")
            .arg(&db)
            .env("CANBAO_OPERATOR", "测试")
            .arg("import")
            .arg(&csv)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.next() % (span + span / 4)));
        match child.try_wait().unwrap() {
            Some(_) => completed += 1,
            None => {
                child.kill().unwrap(); // SIGKILL
                killed += 1;
            }
        }
        let _ = child.wait();
        verify(&db, rows as i64);
    }
    eprintln!("kills: {killed} killed mid-run, {completed} finished before the kill, {round} runs");
    assert!(killed >= kills, "{killed} kills of the {kills} wanted");
}
