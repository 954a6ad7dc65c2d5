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
    // Well into the import: a debug build takes several seconds over a list this long.
    caught(&child, libc::SIGINT);
    std::thread::sleep(Duration::from_millis(500));
    send(&child, libc::SIGINT);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{err}");
    assert!(err.contains("导入已被 Ctrl-C 中止") && err.contains("没有写入"), "{err}");
    assert!(err.contains("the import was stopped by Ctrl-C") && err.contains("nothing of it was written"), "{err}");
    // Stopped while the list was read (the rows are written as they are read), which is said with the list.
    assert!(err.contains("当时正在读取") && err.contains("big.csv"), "{err}");
    let store = Store::open_read_only(&db).unwrap();
    assert_eq!(store.student_count().unwrap(), 2, "the drive holds none of the stopped list");
    let created: i64 =
        store.connection().query_row("SELECT count(*) FROM audit WHERE field = 'created'", [], |r| r.get(0)).unwrap();
    assert_eq!(created, 2);
}

/// Ctrl-C while a dry run reads a large list stops it there, saying which list it was reading and that nothing
/// was written, where the list was read to its end first and the signal then said to have come after the
/// preview; SIGTERM under `--json` says the same in JSON, with the file.
#[test]
fn a_dry_run_stopped_while_it_reads_says_so_with_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (db, config) = (dir.path().join("drive.db"), dir.path().join("config"));
    let small = dir.path().join("small.csv");
    std::fs::write(&small, "姓名,身份证号码,班级\n张三,,1班\n李四,,2班\n").unwrap();
    assert!(canbao(&db, &config).arg("import").arg(&small).status().unwrap().success());
    let big = dir.path().join("全校名单.csv");
    std::fs::write(&big, class_list(100_000)).unwrap();
    for (signal, json) in [(libc::SIGINT, false), (libc::SIGTERM, true)] {
        let mut import = canbao(&db, &config);
        import.args(["import", "--dry-run"]).arg(&big);
        if json {
            import.arg("--json");
        }
        let child = import.spawn().unwrap();
        // Well into the reading: a debug build takes several seconds over a list this long.
        caught(&child, signal);
        std::thread::sleep(Duration::from_millis(500));
        send(&child, signal);
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(128 + signal), "{err}");
        // No space sets 停止信号 apart from the Chinese around it, as one does Ctrl-C.
        let by = if json { "停止信号" } else { " Ctrl-C " };
        let zh = format!("预览已被{by}中止：当时正在读取");
        assert!(err.contains(&zh) && err.contains("全校名单.csv") && err.contains("未写入任何内容"), "{err}");
        assert!(err.contains("while reading") && err.contains("nothing was written"), "{err}");
        assert!(!err.contains("came after the preview") && !err.contains("预览已经完成"), "{err}");
        if json {
            let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON answer");
            assert_eq!(answer["interrupted"], true, "{answer}");
            assert_eq!(answer["dry_run"], true, "{answer}");
            assert!(answer["file"].as_str().is_some_and(|f| f.ends_with("全校名单.csv")), "{answer}");
        }
    }
    assert_eq!(pupils_of(&db), 2, "the drive holds none of the list");
}

/// Waits until canbao catches `signal` (where the system says: Linux's /proc), so the signal sent next reaches
/// its handler and not the default that ends the process; elsewhere, a second.
fn caught(child: &std::process::Child, signal: i32) {
    let status = format!("/proc/{}/status", child.id());
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        let mask = std::fs::read_to_string(&status).ok().and_then(|s| {
            let mask = s.lines().find_map(|l| l.strip_prefix("SigCgt:"))?.trim().to_owned();
            u64::from_str_radix(&mask, 16).ok()
        });
        match mask {
            Some(mask) if mask & (1 << (signal - 1)) != 0 => return,
            Some(_) => std::thread::sleep(Duration::from_millis(10)),
            None => {
                std::thread::sleep(Duration::from_millis(1000));
                return;
            }
        }
    }
    panic!("canbao never caught signal {signal}");
}

fn send(child: &std::process::Child, signal: i32) {
    // SAFETY: kill(2) only sends a signal to the child's process id.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, signal) }, 0, "the command was still running");
}

/// The pupils a drive holds, once it passes SQLite's integrity check: read as any reader would, the log
/// included, so a drive another process is still writing is seen as it has committed.
fn pupils_of(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok", "{}", db.display());
    conn.query_row("SELECT count(*) FROM students", [], |r| r.get(0)).unwrap()
}

fn canbao(db: &Path, config: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_canbao"));
    c.arg("--db")
        .arg(db)
        .env_remove("CANBAO_DB")
        .env("CANBAO_OPERATOR", "测试")
        .env("XDG_CONFIG_HOME", config)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

/// What a command a signal reached says of its work, and the exit status it gives, whichever way the timing fell:
/// stopped (`before` pupils on the drive, nothing of the work kept, the stopped process's status) or too late to
/// stop it (`after`, the work kept and said so, status 0). `stopped` and `kept` are what stderr says in each case,
/// (Chinese, English), with the bilingual default. Whether the work was kept, as the drive or files show it.
fn told_truly(
    out: &std::process::Output,
    status: i32,
    kept_now: bool,
    stopped: (&str, &str),
    kept: (&str, &str),
) -> bool {
    let err = String::from_utf8_lossy(&out.stderr);
    eprintln!("{}: {}", stopped.1, if kept_now { "kept" } else { "stopped" });
    if kept_now {
        assert_eq!(out.status.code(), Some(0), "kept, so done: {err}");
        assert!(err.contains(kept.0) && err.contains(kept.1), "said to be kept: {err}");
        assert!(!err.contains(stopped.0) && !err.contains(stopped.1), "{err}");
    } else {
        assert_eq!(out.status.code(), Some(status), "{err}");
        assert!(err.contains(stopped.0) && err.contains(stopped.1), "said to be stopped: {err}");
        assert!(!err.contains(kept.0) && !err.contains(kept.1), "{err}");
    }
    kept_now
}

/// Ctrl-C after the import has committed, while canbao still writes its report (held up here by a reader that
/// does not read yet): the import is kept, and said to be, where the signal used to go unanswered and the operator
/// could not know whether the import landed.
#[test]
fn ctrl_c_after_the_commit_says_the_import_was_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (db, config) = (dir.path().join("drive.db"), dir.path().join("config"));
    // Every row's number fails its check, so the report names each row: far more than a pipe holds unread.
    let rows: i64 = 3000;
    let mut list = String::from("姓名,身份证号码,班级\n");
    for i in 0..rows {
        list.push_str(&format!("学生{i},4502022010010{i:04}X,{}班\n", 1 + i % 9));
    }
    let csv = dir.path().join("list.csv");
    std::fs::write(&csv, list).unwrap();
    let mut child = canbao(&db, &config).arg("import").arg(&csv).arg("--json").spawn().unwrap();
    // Committed: a reader sees every pupil, while canbao waits to write the rest of its report.
    let start = Instant::now();
    let committed = || {
        let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
        conn.query_row("SELECT count(*) FROM students", [], |r| r.get::<_, i64>(0)).ok()
    };
    while committed() != Some(rows) {
        assert!(child.try_wait().unwrap().is_none(), "the report is larger than a pipe holds");
        assert!(start.elapsed() < Duration::from_secs(120), "the import never committed");
        std::thread::sleep(Duration::from_millis(50));
    }
    send(&child, libc::SIGINT);
    let mut stdout = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut stdout).unwrap();
    let out = child.wait_with_output().unwrap();
    told_truly(
        &out,
        130,
        true,
        ("导入已被 Ctrl-C 中止", "the import was stopped by Ctrl-C"),
        ("Ctrl-C 来时导入已经保存", "Ctrl-C came after the import was saved: it was kept"),
    );
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("the whole report");
    assert_eq!(report["added"], rows);
    assert_eq!(pupils_of(&db), rows);
}

/// SIGTERM stops a large `import --json`: standard output says, in JSON, that the import was stopped and
/// rolled back, where it was left empty; or, had the signal come after the commit, holds the report of an import
/// the drive kept.
#[test]
fn an_import_stopped_by_sigterm_answers_in_json() {
    let dir = tempfile::tempdir().unwrap();
    let (db, config) = (dir.path().join("drive.db"), dir.path().join("config"));
    let small = dir.path().join("small.csv");
    std::fs::write(&small, "姓名,身份证号码,班级\n张三,,1班\n李四,,2班\n").unwrap();
    assert!(canbao(&db, &config).arg("import").arg(&small).output().unwrap().status.success());
    let big = dir.path().join("big.csv");
    std::fs::write(&big, class_list(100_000)).unwrap();
    let child = canbao(&db, &config).args(["import", "--json"]).arg(&big).spawn().unwrap();
    caught(&child, libc::SIGTERM);
    std::thread::sleep(Duration::from_millis(500));
    send(&child, libc::SIGTERM);
    let out = child.wait_with_output().unwrap();
    let pupils = pupils_of(&db);
    assert!(pupils == 2 || pupils == 100_002, "all or nothing: {pupils}");
    let kept = told_truly(
        &out,
        143,
        pupils == 100_002,
        // Stopped while it read the list (which it names) or after: rolled back either way.
        ("导入已被停止信号中止", "all of it was rolled back"),
        ("停止信号来时导入已经保存", "a stop signal came after the import was saved: it was kept"),
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on standard output");
    if kept {
        assert_eq!((json["ok"].clone(), json["added"].clone()), (true.into(), 100_000.into()), "{json}");
    } else {
        assert_eq!(json["ok"], false, "{json}");
        assert_eq!(json["interrupted"], true, "{json}");
        assert_eq!(json["signal"], "SIGTERM");
        assert_eq!(json["kept"], false);
        assert_eq!(json["rolled_back"], true);
        assert_eq!(json["dry_run"], false);
        assert!(json["message"].as_str().unwrap().contains("the import was stopped by a stop signal"), "{json}");
    }
}

/// Ctrl-C or SIGTERM during the other long commands: a merge and a reconciliation roll back whole, an export and
/// a backup leave no file under the name they were writing, a restore is finished rather than left half done; each
/// says so in both languages, where the process used to end without a word (and a killed restore half done).
#[test]
fn long_commands_stopped_by_a_signal_say_what_became_of_their_work() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let big = dir.path().join("big.db");
    let list = dir.path().join("big.csv");
    let rows = 60_000;
    std::fs::write(&list, class_list(rows)).unwrap();
    assert!(canbao(&big, &config).arg("import").arg(&list).output().unwrap().status.success());
    let small = dir.path().join("small.db");
    let two = dir.path().join("two.csv");
    std::fs::write(&two, "姓名,身份证号码,班级\n张三,,1班\n李四,,2班\n").unwrap();
    assert!(canbao(&small, &config).arg("import").arg(&two).output().unwrap().status.success());
    let rows = rows as i64;
    let signalled = |mut command: Command, signal: i32, after: u64| {
        let child = command.spawn().unwrap();
        caught(&child, signal);
        std::thread::sleep(Duration::from_millis(after));
        send(&child, signal);
        child.wait_with_output().unwrap()
    };

    // A merge: one transaction.
    let mut merge = canbao(&small, &config);
    merge.args(["merge", "--no-common-history", "--other-school"]).arg(&big);
    let out = signalled(merge, libc::SIGINT, 300);
    let pupils = pupils_of(&small);
    assert!(pupils == 2 || pupils == rows + 2, "all or nothing: {pupils}");
    told_truly(
        &out,
        130,
        pupils == rows + 2,
        ("合并已被 Ctrl-C 中止：这次合并全部撤回", "the merge was stopped by Ctrl-C: all of it was rolled back"),
        ("Ctrl-C 来时合并已经保存", "Ctrl-C came after the merge was saved: it was kept"),
    );

    // A reconciliation: one transaction.
    let mut tax = String::from("姓名,证件号码,缴费金额,缴费日期,缴费渠道\n");
    for row in std::fs::read_to_string(&list).unwrap().lines().skip(1) {
        let mut cells = row.split(',');
        let (name, id) = (cells.next().unwrap(), cells.next().unwrap());
        tax.push_str(&format!("{name},{id},380,2026-10-08,微信\n"));
    }
    let tax_list = dir.path().join("tax.csv");
    std::fs::write(&tax_list, tax).unwrap();
    let mut reconcile = canbao(&big, &config);
    reconcile.args(["reconcile", "--source", "tax"]).arg(&tax_list);
    let out = signalled(reconcile, libc::SIGTERM, 300);
    pupils_of(&big);
    let conn = rusqlite::Connection::open_with_flags(&big, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let paid: i64 =
        conn.query_row("SELECT count(*) FROM year_statuses WHERE payment = 'paid'", [], |r| r.get(0)).unwrap();
    drop(conn);
    assert!(paid == 0 || paid == rows, "all or nothing: {paid}");
    told_truly(
        &out,
        143,
        paid == rows,
        ("对账已被停止信号中止：这次对账全部撤回", "the reconciliation was stopped by a stop signal: all of it"),
        ("停止信号来时对账已经保存", "a stop signal came after the reconciliation was saved: it was kept"),
    );

    // A backup: written under another name, given its own when whole.
    let copy = dir.path().join("copy.db");
    let mut backup = canbao(&big, &config);
    backup.arg("backup").arg(&copy);
    let out = signalled(backup, libc::SIGTERM, 50);
    let kept = told_truly(
        &out,
        143,
        copy.exists(),
        ("备份已被停止信号中止", "the backup was stopped by a stop signal: none of the files"),
        ("停止信号来时备份已经完成", "a stop signal came after the backup was done"),
    );
    if kept {
        assert_eq!(pupils_of(&copy), rows);
    }
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|n| n.contains("partial")), "no half copy left: {names:?}");

    // An export: its files are written under hidden names and given theirs only when all are whole.
    let forms = dir.path().join("forms");
    std::fs::create_dir(&forms).unwrap();
    let sheet = forms.join("sheet.xlsx");
    let mut export = canbao(&big, &config);
    export.args(["export", "sheet", "--out"]).arg(&sheet);
    let out = signalled(export, libc::SIGINT, 300);
    told_truly(
        &out,
        130,
        sheet.exists(),
        ("导出已被 Ctrl-C 中止", "the export was stopped by Ctrl-C: none of the files it was writing was left"),
        ("Ctrl-C 来时导出已经完成", "Ctrl-C came after the export was done"),
    );
    let left: Vec<_> = std::fs::read_dir(&forms).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.len() == usize::from(sheet.exists()), "nothing but the form itself: {left:?}");

    // A restore: not stopped half way, finished and said so.
    let restored = dir.path().join("restored.db");
    assert!(canbao(&restored, &config).arg("import").arg(&two).output().unwrap().status.success());
    let backup_of_big = dir.path().join("big-backup.db");
    assert!(canbao(&big, &config).arg("backup").arg(&backup_of_big).output().unwrap().status.success());
    let mut restore = canbao(&restored, &config);
    restore.args(["restore", "--force"]).arg(&backup_of_big);
    let out = signalled(restore, libc::SIGINT, 100);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("收到 Ctrl-C，但恢复不能中途停下：恢复已经完成")
            && err.contains("Ctrl-C came during the restore, which is not stopped half way: it was finished"),
        "{err}"
    );
    assert_eq!(pupils_of(&restored), rows, "the backup's pupils, all of them");
}

/// A drive cut short (a stick pulled during a copy) is said as damaged in words, and `restore` of a good backup
/// works onto it, the damaged file kept aside, where the restore used to fail on the damaged drive it opened first.
#[test]
fn a_backup_is_restored_onto_a_damaged_drive() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let (db, list, good) = (dir.path().join("t.db"), dir.path().join("list.csv"), dir.path().join("good.db"));
    std::fs::write(&list, class_list(300)).unwrap();
    assert!(canbao(&db, &config).arg("import").arg(&list).output().unwrap().status.success());
    assert!(canbao(&db, &config).arg("backup").arg(&good).output().unwrap().status.success());
    let size = std::fs::metadata(&db).unwrap().len();
    std::fs::OpenOptions::new().write(true).open(&db).unwrap().set_len(size / 2).unwrap();
    let stats = canbao(&db, &config).arg("stats").output().unwrap();
    let said = String::from_utf8_lossy(&stats.stderr);
    assert!(!stats.status.success() && said.contains("数据文件已损坏") && said.contains("damaged"), "{said}");
    let restore = canbao(&db, &config).arg("restore").arg(&good).output().unwrap();
    let said = String::from_utf8_lossy(&restore.stdout).into_owned() + &String::from_utf8_lossy(&restore.stderr);
    assert!(restore.status.success(), "{said}");
    assert_eq!(pupils_of(&db), 300);
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("t-已损坏-"))
        .collect();
    assert_eq!(aside.len(), 1, "{said}");
    assert_eq!(aside[0].metadata().unwrap().len(), size / 2, "the damaged file is kept as it was");
}
