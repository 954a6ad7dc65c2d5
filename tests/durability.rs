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
    assert_eq!(store.search_key_count().unwrap(), count, "every pupil searchable");
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
    // Adjusted as the run goes: an import that finished before its kill shortens the window, a kill lengthens
    // it a little, so the kills keep landing across the whole import (commit included) on a machine whose speed
    // changes under other load.
    let mut span = start.elapsed().as_millis().max(20) as u64;

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
            Some(_) => {
                completed += 1;
                span = (span * 4 / 5).max(5);
            }
            None => {
                child.kill().unwrap(); // SIGKILL
                killed += 1;
                span += span / 20 + 1;
            }
        }
        let _ = child.wait();
        verify(&db, rows as i64);
    }
    eprintln!("kills: {killed} killed mid-run, {completed} finished before the kill, {round} runs");
    assert!(killed >= kills, "{killed} kills of the {kills} wanted");
}

#[test]
fn killed_marks_keep_every_acknowledged_mark() {
    let kills: usize = std::env::var("CANBAO_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(50);
    let dir = tempfile::tempdir().unwrap();
    let pupils = 400;
    let csv = dir.path().join("list.csv");
    std::fs::write(&csv, class_list(pupils)).unwrap();
    let db = dir.path().join("drive.db");
    let bin = env!("CARGO_BIN_EXE_canbao");
    let ok = Command::new(bin).arg("--db").arg(&db).arg("import").arg(&csv).stdout(Stdio::null()).status().unwrap();
    assert!(ok.success());
    let ids: Vec<String> = {
        let store = Store::open(&db).unwrap();
        store.students(&Default::default()).unwrap().into_iter().map(|s| s.id_number).collect()
    };
    let mark = |id: &str| {
        let mut c = Command::new(bin);
        c.arg("--db").arg(&db).env("CANBAO_OPERATOR", "测试").args([
            "mark",
            id,
            "--payment",
            "paid",
            "--amount",
            "380",
        ]);
        c.stdout(Stdio::piped()).stderr(Stdio::null());
        c
    };
    let start = Instant::now();
    assert!(mark(&ids[0]).status().unwrap().success());
    let span = start.elapsed().as_micros().max(2000) as u64;

    let mut rng = Lcg(7);
    let (mut killed, mut acknowledged) = (0, vec![ids[0].clone()]);
    for id in ids.iter().skip(1) {
        if killed >= kills {
            break;
        }
        let mut child = mark(id).spawn().unwrap();
        std::thread::sleep(Duration::from_micros(rng.next() % span));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap();
            killed += 1;
        }
        let out = child.wait_with_output().unwrap();
        if out.status.success() && String::from_utf8_lossy(&out.stdout).contains("已保存") {
            acknowledged.push(id.clone());
        }
    }
    let store = Store::open(&db).unwrap();
    let ok: String = store.connection().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    for id in &acknowledged {
        let s = store.student_by_id_number(id).unwrap().unwrap();
        assert_eq!(s.payment, canbao::domain::student::PaymentStatus::Paid, "acknowledged mark kept: {id}");
    }
    // Every paid pupil (acknowledged or killed after its commit) has the audit row that says so.
    for s in store.students(&Default::default()).unwrap() {
        let audited =
            store.history(s.id).unwrap().iter().any(|h| h.field == "payment" && h.new.as_deref() == Some("paid"));
        assert_eq!(s.payment == canbao::domain::student::PaymentStatus::Paid, audited, "{}", s.id_number);
    }
    eprintln!("marks: {killed} killed, {} acknowledged", acknowledged.len());
    assert!(killed >= kills.min(pupils / 4), "{killed} kills");
}

/// Ctrl-C (SIGINT) in the middle of a large import stops it with a word: the import is rolled back whole, the
/// drive keeps what it held and none of the list, and the exit status is a stopped process's (130).
#[test]
fn an_import_stopped_by_ctrl_c_says_so_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_canbao");
    let db = dir.path().join("drive.db");
    let small = dir.path().join("small.csv");
    std::fs::write(&small, "姓名,身份证号码,班级\n张三,,1班\n李四,,2班\n").unwrap();
    let import = |list: &Path| {
        let mut c = Command::new(bin);
        c.arg("--db")
            .arg(&db)
            .env_remove("CANBAO_DB")
            .env("CANBAO_OPERATOR", "测试")
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .arg("import")
            .arg(list);
        c
    };
    assert!(import(&small).stdout(Stdio::null()).status().unwrap().success());
    let big = dir.path().join("big.csv");
    std::fs::write(&big, class_list(100_000)).unwrap();
    let child = import(&big).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    // Once canbao catches SIGINT (where the system says: Linux's /proc), and well into the import: a debug build
    // takes several seconds over a list this long.
    let status = format!("/proc/{}/status", child.id());
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        let caught = std::fs::read_to_string(&status).ok().and_then(|s| {
            let mask = s.lines().find_map(|l| l.strip_prefix("SigCgt:"))?.trim().to_owned();
            u64::from_str_radix(&mask, 16).ok()
        });
        match caught {
            Some(mask) if mask & (1 << (libc::SIGINT - 1)) != 0 => break,
            Some(_) => std::thread::sleep(Duration::from_millis(20)),
            None => {
                std::thread::sleep(Duration::from_millis(1000));
                break;
            }
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    // SAFETY: kill(2) only sends a signal to the child's process id.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0, "the import was still running");
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("导入已被 Ctrl-C 中止") && err.contains("没有写入"), "{err}");
    assert!(err.contains("the import was stopped by Ctrl-C") && err.contains("nothing of it was written"), "{err}");
    let store = Store::open_read_only(&db).unwrap();
    assert_eq!(store.student_count().unwrap(), 2, "the drive holds none of the stopped list");
    let created: i64 =
        store.connection().query_row("SELECT count(*) FROM audit WHERE field = 'created'", [], |r| r.get(0)).unwrap();
    assert_eq!(created, 2);
}
