//! The roads people really take to a drive file, through the real binary: a symlink or a hard link to it, a
//! folder of several drives' backups, the demo file, and ID numbers in text output.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use canbao::store::Store;
use canbao::store::lock::DriveLock;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn canbao(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("canbao").expect("binary");
    cmd.arg("--db").arg(db).env_remove("CANBAO_DB").env("CANBAO_OPERATOR", "测试");
    // One laptop per drive, however it is reached: through a link elsewhere it is still the same laptop's drive,
    // whose remembered operator a command does not write again as typed on another laptop.
    let real = std::fs::canonicalize(db).unwrap_or_else(|_| db.to_owned());
    cmd.env("XDG_CONFIG_HOME", real.parent().expect("dir").join("config"));
    cmd
}

/// Runs and returns (exit code, stdout, stderr).
fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(cmd: &mut Command) -> String {
    let (code, out, err) = run(cmd);
    assert_eq!(code, 0, "{err}");
    out
}

fn json(cmd: &mut Command) -> Value {
    serde_json::from_str(&ok(cmd)).expect("json")
}

/// A drive holding the ten pupils of the UTF-8 fixture.
fn ten_pupils(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    ok(canbao(&db).arg("import").arg(fixture("utf8_bom.csv")));
    db
}

/// A class list of one new pupil, the `n`th: an import of it changes the drive, and so takes a backup (an
/// import that changes nothing takes none).
fn new_pupil(dir: &Path, n: usize) -> PathBuf {
    let digits: Vec<char> = "甲乙丙丁戊己庚辛壬癸".chars().collect();
    let list = dir.join(format!("new-{n}.csv"));
    let name = format!("新生{}{}", digits[n / 10 % 10], digits[n % 10]);
    std::fs::write(&list, format!("姓名,身份证号码,班级\n{name},,一年级1班\n")).unwrap();
    list
}

/// A pupil's full number, read from the drive itself: a command shows it only when revealed, which it records.
fn first_id(db: &Path) -> String {
    let store = Store::open_read_only(db).expect("open");
    let sql = "SELECT id_number FROM students WHERE id_number <> '' ORDER BY id LIMIT 1";
    store.connection().query_row(sql, [], |r| r.get(0)).expect("a pupil")
}

fn reveals(db: &Path) -> Vec<(Option<i64>, String)> {
    let store = Store::open_read_only(db).expect("open");
    let mut stmt =
        store.connection().prepare("SELECT student_id, new FROM audit WHERE action = 'reveal' ORDER BY id").unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap()
}

// ---- one writer, whatever the path ----

#[cfg(unix)]
#[test]
fn a_symlink_to_a_drive_in_use_cannot_write_and_neither_can_the_real_path() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "drive.db");
    let id = first_id(&db);
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(&db, &link).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let linked_folder = elsewhere.path().join("folder");
    std::os::unix::fs::symlink(dir.path(), &linked_folder).unwrap();

    // This test process is the first writer, as a running TUI is; the binary is the second.
    let held = DriveLock::acquire(&db, "张老师").expect("lock");
    let before = std::fs::read(&db).unwrap();
    for path in [link.clone(), linked_folder.join("drive.db")] {
        let (code, _, err) = run(canbao(&path).args(["mark", &id, "--note", "through another path"]));
        assert_eq!(code, 1, "{} wrote while the drive was in use: {err}", path.display());
        assert!(err.contains("正被 张老师 使用"), "{err}");
    }
    drop(held);
    assert_eq!(std::fs::read(&db).unwrap(), before);

    let held = DriveLock::acquire(&link, "李老师").expect("lock through the link");
    let (code, _, err) = run(canbao(&db).args(["mark", &id, "--note", "the real path"]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("正被 李老师 使用"), "{err}");
    drop(held);
    ok(canbao(&link).args(["mark", &id, "--note", "once free"]));
}

#[cfg(unix)]
#[test]
fn a_drive_with_a_hard_link_is_refused_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "drive.db");
    let id = first_id(&db);
    let second = dir.path().join("second.db");
    std::fs::hard_link(&db, &second).unwrap();
    let before = std::fs::read(&db).unwrap();
    for path in [&db, &second] {
        for args in [vec!["mark", id.as_str(), "--note", "x"], vec!["find", "1"], vec!["backup"], vec![]] {
            let (code, _, err) = run(canbao(path).args(&args));
            assert_eq!(code, 1, "{args:?} on {}: {err}", path.display());
            assert!(err.contains("硬链接") && err.contains("hard links"), "{err}");
        }
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "nothing was written through either name");
    assert!(!dir.path().join("second.db-wal").exists());
    std::fs::remove_file(&second).unwrap();
    ok(canbao(&db).args(["mark", &id, "--note", "one name again"]));
}

#[test]
fn backup_waits_for_no_one_and_takes_the_lock_like_any_writer() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "drive.db");
    let held = DriveLock::acquire(&db, "张老师").expect("lock");
    for args in [vec!["backup"], vec!["backup", dir.path().join("copy.db").to_str().unwrap()]] {
        let (code, _, err) = run(canbao(&db).args(&args));
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains("正被 张老师 使用"), "{err}");
    }
    drop(held);
    assert!(ok(canbao(&db).arg("backup")).contains("已备份"));
}

// ---- a drive in the making ----

/// A reader's words for a drive it could not read: never those of a damaged file, nor SQLite's own.
fn not_damaged(err: &str) {
    assert!(!err.contains("损坏") && !err.contains("damaged"), "{err}");
    assert!(!err.contains("数据库错误") && !err.contains("database error"), "{err}");
}

/// While another canbao makes a drive (it holds the lock) a reader finds no file, an empty one, or one with
/// SQLite's header and no tables yet: each is said to be in the making, in both languages, not damaged. Left so
/// by a creation that was killed (no one holds the lock), the file is said to hold no data yet, with the command
/// that finishes it; that command does.
#[test]
fn a_drive_being_made_is_said_to_be_in_the_making_and_a_leftover_one_to_hold_no_data_yet() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("new.db");
    let making = DriveLock::acquire(&db, "王老师").expect("lock");
    let states: [(&str, &dyn Fn()); 3] = [
        ("no file yet", &|| {}),
        ("an empty file", &|| std::fs::write(&db, b"").unwrap()),
        ("a header and no tables", &|| {
            let conn = rusqlite::Connection::open(&db).unwrap();
            conn.pragma_update(None, "journal_mode", "WAL").unwrap();
        }),
    ];
    for (state, make) in states {
        make();
        for command in [&["stats"][..], &["find", "张"][..]] {
            let (code, _, err) = run(canbao(&db).arg("--read-only").args(command));
            assert_eq!(code, 1, "{state}: {err}");
            assert!(
                err.contains("数据文件正在建立") && err.contains("the drive is still being created"),
                "{state}: {err}"
            );
            not_damaged(&err);
        }
        let (_, _, err) = run(canbao(&db).args(["--lang", "en", "--read-only", "stats"]));
        assert!(err.contains("the drive is still being created") && !err.contains("正在建立"), "{state}: {err}");
    }
    drop(making);
    let (code, _, err) = run(canbao(&db).args(["--read-only", "stats"]));
    assert_eq!(code, 1, "{err}");
    not_damaged(&err);
    assert!(err.contains("还没有任何数据") && err.contains("holds no data yet"), "{err}");
    let finish = format!("canbao --db {} stats", db.display());
    assert!(err.contains(&finish) && err.contains("删除"), "{err}");
    std::fs::remove_file(&db).unwrap();
    std::fs::write(&db, b"").unwrap();
    let (_, _, err) = run(canbao(&db).args(["--lang", "en", "--read-only", "find", "张"]));
    assert!(err.contains("holds no data yet") && err.contains("open it for writing") && err.contains(&finish), "{err}");
    not_damaged(&err);
    ok(canbao(&db).arg("stats"));
    ok(canbao(&db).args(["--read-only", "stats"]));
}

/// Readers racing the making of new drives find each drive not there, in the making or made: never a damaged
/// file, and never a drive of some of canbao's tables and not all (SQLite's "no such column").
#[cfg(unix)]
#[test]
fn a_reader_racing_the_making_of_a_drive_never_finds_it_damaged_or_half_made() {
    let dir = tempfile::tempdir().expect("tempdir");
    for round in 0..12 {
        let db = dir.path().join(format!("race-{round}.db"));
        let mut maker = std::process::Command::new(env!("CARGO_BIN_EXE_canbao"))
            .arg("--db")
            .arg(&db)
            .env_remove("CANBAO_DB")
            .env("CANBAO_OPERATOR", "测试")
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .arg("import")
            .arg(fixture("utf8_bom.csv"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        loop {
            let done = maker.try_wait().expect("wait").is_some();
            let (code, _, err) = run(canbao(&db).args(["--read-only", "stats", "--json"]));
            if code != 0 {
                not_damaged(&err);
                assert!(err.contains("不存在") || err.contains("正在建立"), "{err}");
            }
            if done {
                assert_eq!(code, 0, "{err}");
                break;
            }
        }
    }
}

// ---- backups of several drives in one folder ----

#[test]
fn twenty_imports_into_one_drive_keep_every_backup_of_another() {
    let dir = tempfile::tempdir().unwrap();
    let other = ten_pupils(dir.path(), "school-2024.db");
    ok(canbao(&other).arg("import").arg(new_pupil(dir.path(), 99)));
    let names = |prefix: &str| -> Vec<String> {
        let mut found: Vec<String> = std::fs::read_dir(dir.path().join("backups"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(prefix))
            .collect();
        found.sort();
        found
    };
    let theirs = names("school-2024-");
    assert_eq!(theirs.len(), 2);
    let school = dir.path().join("school.db");
    for n in 0..20 {
        ok(canbao(&school).arg("import").arg(new_pupil(dir.path(), n)));
    }
    assert_eq!(names("school-2024-"), theirs, "school.db's imports pruned another drive's backups");
    assert_eq!(names("school-").len() - theirs.len(), 20, "school.db keeps its newest 20");
}

/// Files in the drive's backups folder, by name.
fn backup_names(db: &Path) -> Vec<String> {
    let mut found: Vec<String> = std::fs::read_dir(db.parent().unwrap().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    found
}

/// A backup opened in another canbao (its lock held, marks saved in its `-wal`) while the drive takes 20 more
/// backups is not pruned: the marks are there once it is closed. What pruning removes leaves no `-wal`, `-shm`
/// or `.lock` behind.
#[test]
fn a_backup_open_in_another_canbao_survives_twenty_more_backups() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "p.db");
    // Automatic backups: the operator's own (`canbao backup`) are never pruned anyway.
    let import = |n: usize| ok(canbao(&db).arg("import").arg(new_pupil(dir.path(), n)));
    import(20);
    let opened = backup_names(&db).into_iter().next_back().expect("the import's backup");
    let opened = dir.path().join("backups").join(opened);
    // This test process is the other window, as `canbao --db backups/p-…-import.db` holds it.
    let held = DriveLock::acquire(&opened, "王老师").expect("lock");
    let mut window = Store::open(&opened).unwrap();
    let pupil = window.students(&Default::default()).unwrap()[0].id;
    window.set_note(pupil, "marked in the backup").unwrap();
    for n in 0..20 {
        import(n);
    }
    assert!(opened.exists(), "{:?}", backup_names(&db));
    drop(window);
    drop(held);
    import(21);
    let names = backup_names(&db);
    let copies: Vec<&String> = names.iter().filter(|n| n.ends_with(".db")).collect();
    assert_eq!(copies.len(), 21, "the newest 20 and the backup that was open: {names:?}");
    for name in &names {
        let main = name.strip_suffix("-wal").or(name.strip_suffix("-shm")).or(name.strip_suffix(".lock"));
        assert!(main.is_none_or(|m| names.iter().any(|n| n == m)), "{name} was left without its file: {names:?}");
    }
    let note = Store::open_read_only(&opened).unwrap().student(pupil).unwrap().note;
    assert_eq!(note, "marked in the backup");
}

/// Two laptops' drives of the default name: the other's backups copied into this drive's folder are not
/// this drive's, so none is pruned and none pushes this drive's own out of its 20; nor are files merely named
/// like backups (text, another program's database, symlinks).
#[cfg(unix)]
#[test]
fn another_laptops_backups_copied_in_push_out_none_of_this_drives() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a").join("canbao.db"), dir.path().join("b").join("canbao.db"));
    std::fs::create_dir_all(a.parent().unwrap()).unwrap();
    std::fs::create_dir_all(b.parent().unwrap()).unwrap();
    ok(canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).args(["--school", "甲小学"]));
    for _ in 0..5 {
        ok(canbao(&a).arg("backup"));
    }
    let ours = backup_names(&a);
    ok(canbao(&b).arg("import").arg(fixture("utf8_bom.csv")).args(["--school", "乙小学"]));
    for _ in 0..20 {
        ok(canbao(&b).arg("backup"));
    }
    let folder = dir.path().join("a").join("backups");
    for name in backup_names(&b) {
        std::fs::copy(dir.path().join("b").join("backups").join(&name), folder.join(&name)).unwrap();
    }
    let named = |n: u32| folder.join(format!("canbao-20200101-000000.{n:03}-import.db"));
    std::fs::write(named(2), "not a database, only named like a backup").unwrap();
    let foreign = dir.path().join("other-app.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);")
        .unwrap();
    std::fs::copy(&foreign, named(3)).unwrap();
    std::os::unix::fs::symlink(&a, named(4)).unwrap();
    std::os::unix::fs::symlink(&foreign, named(5)).unwrap();
    let before = backup_names(&a);

    ok(canbao(&a).arg("backup"));
    let after = backup_names(&a);
    for name in &before {
        assert!(after.contains(name), "{name} was pruned: {after:?}");
    }
    assert_eq!(after.len(), before.len() + 1);
    assert!(ours.iter().all(|n| after.contains(n)), "this drive keeps all {} of its own", ours.len() + 1);
    assert_eq!(json(canbao(&a).args(["stats", "--json"]))["students"], 10, "the drive itself is whole");
}

// ---- the demo file ----

#[test]
fn every_write_to_the_demo_file_says_it_is_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.db");
    let (store, _) = canbao::demo::fresh_demo(&demo).expect("demo");
    drop(store);
    let id = first_id(&demo);
    let (code, _, err) = run(canbao(&demo).args(["mark", &id, "--note", "real work?"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("示例数据文件") && err.contains("demo file"), "{err}");
    let (_, _, err) = run(canbao(&demo).arg("import").arg(fixture("utf8_bom.csv")));
    assert!(err.contains("示例数据文件"), "{err}");
    // A real drive is not called the demo.
    let real = ten_pupils(dir.path(), "drive.db");
    let (_, _, err) = run(canbao(&real).args(["mark", &first_id(&real), "--note", "x"]));
    assert!(!err.contains("示例"), "{err}");
}

/// The sample file exports no form from the command line, as the screen exports none from it: each form is
/// refused, naming the file as the sample, and nothing is written. Before, `export` wrote official-looking forms of
/// its made-up pupils, unmarked.
#[test]
fn the_sample_file_exports_no_forms() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.db");
    drop(canbao::demo::fresh_demo(&demo).expect("demo"));
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let forms = ["sheet", "classes", "template", "ledgers", "special", "summary", "notices"];
    for form in forms {
        let (code, said, err) = run(canbao(&demo).args(["export", form, "--out"]).arg(&out));
        assert_eq!(code, 1, "{form} refused: {said}{err}");
        assert!(err.contains("示例数据") && err.contains("sample file"), "{form}: {err}");
        assert!(err.contains(&demo.display().to_string()), "{form} names the file: {err}");
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 0, "{form}: nothing written");
    }
    let masked = run(canbao(&demo).args(["export", "sheet", "--mask", "--format", "csv", "--out", "-"]));
    assert_eq!((masked.0, masked.1.as_str()), (1, ""), "nor to standard output, masked: {}", masked.2);
    let (code, _, err) = run(canbao(&demo).args(["--lang", "en", "export", "sheet", "--out"]).arg(&out));
    assert_eq!(code, 1);
    assert!(err.contains("the sample file exports no forms") && !err.contains("示例"), "{err}");
    assert!(canbao::demo::is_demo(&Store::open_read_only(&demo).unwrap()));
    // A real drive exports as ever.
    let real = ten_pupils(dir.path(), "drive.db");
    ok(canbao(&real).args(["export", "sheet", "--out"]).arg(&out));
}

/// A policy kept in the drive alone (the demo's, in a copy of the demo no longer marked as one, as the sample file
/// exports nothing), its notice number not filled, with no file of it on this laptop: the export's warning names
/// the policy by its name and year, says this laptop has no file of it, and where the number is filled in and
/// taken (`policy use`), in each language. Before, it said to fill it in 「数据文件中保存的副本」, the drive's copy,
/// which no one can edit, and then named a file on this laptop that was not there.
#[test]
fn the_notice_number_warning_names_the_policy_file_and_the_command_that_takes_it() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.db");
    let (store, _) = canbao::demo::fresh_demo(&demo).expect("demo");
    store.connection().execute("DELETE FROM meta WHERE key = ?1", [canbao::demo::DEMO_META_KEY]).unwrap();
    drop(store);
    let out = dir.path().join("sheet.csv");
    let (code, said, err) = run(canbao(&demo).args(["export", "sheet", "--format", "csv", "--out"]).arg(&out));
    assert_eq!(code, 0, "{err}");
    let err = format!("{said}{err}");
    let store = Store::open_read_only(&demo).expect("demo");
    let name = store.meta(canbao::store::POLICY_META_KEY).unwrap().expect("the demo's policy");
    drop(store);
    let file = dir.path().canonicalize().unwrap().join("config/canbao/policies").join(format!("{name}.toml"));
    assert!(!file.exists(), "no file of it here");
    assert!(!err.contains(&file.display().to_string()), "no file named that is not here: {err}");
    assert!(err.contains(&format!("保费政策 {name}（")) && err.contains(" 年度，数据文件中保存的副本）"), "{err}");
    assert!(
        err.contains(&format!("本机没有它的政策文件：请在建立这份政策的电脑上，在政策文件 {name}.toml 中填写")),
        "{err}"
    );
    assert!(err.contains(&format!("policy use {name} 采用")), "{err}");
    assert!(
        err.contains(&format!(
            "this computer has no file of it: fill in this year's notice number in the policy file {name}.toml"
        )),
        "{err}"
    );
    assert!(!err.contains("数据文件中保存的副本 中"), "{err}");
}

// ---- a backup opened as a drive ----

/// The drive's `canbao backup`, and the drive's true path as the warning names it.
fn manual_backup(drive: &Path) -> (PathBuf, String) {
    ok(canbao(drive).arg("backup"));
    let name = backup_names(drive).into_iter().find(|n| n.ends_with("-manual.db")).expect("a manual backup");
    let shown = std::fs::canonicalize(drive).unwrap().display().to_string();
    (drive.parent().unwrap().join("backups").join(name), shown)
}

/// Every command on a file in `backups/` says, on stderr, that it is a backup and which drive it is a backup
/// of; it still runs (looking into a backup is allowed), and `--json` output stays JSON.
#[test]
fn every_command_on_a_backup_says_so_on_stderr_and_names_the_drive() {
    let dir = tempfile::tempdir().unwrap();
    let drive = ten_pupils(dir.path(), "drive.db");
    let (backup, shown) = manual_backup(&drive);
    let warned = |err: &str, what: &str| {
        assert!(err.contains("注意：这是备份副本"), "{what}: {err}");
        assert!(err.contains(&shown), "{what} names the drive: {err}");
        assert!(err.contains(&format!("canbao --db {shown} restore {}", backup.display())), "{what}: {err}");
    };
    for args in [&["stats", "--json"][..], &["find", "1", "--json"], &["check", "--json"], &["year", "list", "--json"]]
    {
        let (code, out, err) = run(canbao(&backup).args(args));
        assert_eq!(code, 0, "{args:?} runs on a backup: {err}");
        serde_json::from_str::<Value>(&out).unwrap_or_else(|e| panic!("{args:?}: stdout is JSON ({e}): {out}"));
        warned(&err, &format!("{args:?}"));
        assert!(err.contains("备份时的数据"), "{args:?} reads: {err}");
    }
    let (code, out, err) = run(canbao(&backup).args(["import", "--dry-run", "--json"]).arg(fixture("utf8_bom.csv")));
    assert_eq!(code, 0, "{err}");
    serde_json::from_str::<Value>(&out).expect("import --json");
    warned(&err, "import --dry-run");
    let sheet = dir.path().join("sheet.csv");
    let (code, _, err) = run(canbao(&backup).args(["export", "sheet", "--format", "csv", "--out"]).arg(&sheet));
    assert_eq!(code, 0, "{err}");
    warned(&err, "export");

    // A change is made, in the backup, and says it never reaches the drive.
    let id = first_id(&drive);
    let (code, out, err) = run(canbao(&backup).args(["mark", &id, "--note", "备份里的备注"]));
    assert_eq!(code, 0, "a warning, not a refusal: {err}");
    assert!(out.contains("已保存"), "{out}");
    warned(&err, "mark");
    assert!(err.contains("在这里的修改只留在这份备份中，不会进入原数据文件"), "{err}");
    let noted = |db: &Path| {
        let store = Store::open_read_only(db).expect("open");
        store
            .connection()
            .query_row("SELECT count(*) FROM students WHERE note = '备份里的备注'", [], |r| r.get(0))
    };
    assert_eq!(noted(&backup).unwrap_or(-1), 1i64);
    assert_eq!(noted(&drive).unwrap_or(-1), 0i64);

    // In English with --lang en; and the drive itself says nothing of backups.
    let (_, out, err) = run(canbao(&backup).args(["--lang", "en", "stats", "--json"]));
    serde_json::from_str::<Value>(&out).expect("stats --json");
    assert!(err.contains("note: this is a backup copy") && err.contains(&shown) && !err.contains("备份"), "{err}");
    let (_, _, err) = run(canbao(&drive).args(["mark", &id, "--note", "x"]));
    assert!(!err.contains("备份副本") && !err.contains("backup copy"), "{err}");
}

/// A file in `backups/` under a name of its own, or `push` given a backup: still said, with the folder the
/// drive is in and the drive to push instead.
#[test]
fn a_backup_under_another_name_and_a_pushed_backup_are_said_to_be_backups() {
    let dir = tempfile::tempdir().unwrap();
    let drive = ten_pupils(dir.path(), "drive.db");
    let (backup, shown) = manual_backup(&drive);
    let renamed = backup.with_file_name("copy.db");
    std::fs::copy(&backup, &renamed).unwrap();
    let (code, _, err) = run(canbao(&renamed).arg("stats"));
    assert_eq!(code, 0, "{err}");
    let folder = std::fs::canonicalize(dir.path()).unwrap().display().to_string();
    assert!(err.contains("注意：这是备份副本") && err.contains(&format!("（在 {folder} 中）")), "{err}");

    // Nothing listens on port 1: the drives are read, and said, before the county is reached.
    let (code, out, err) = run(canbao(&drive)
        .args(["push", "--json", "--to", "postgresql://x@127.0.0.1:1/county?connect_timeout=2"])
        .arg(&backup));
    assert_eq!(code, 1, "{out}");
    assert!(err.contains("注意：这是备份副本") && err.contains(&format!("canbao push {shown}")), "{err}");
}

/// A command that reads a backup leaves it byte for byte as it was, with nothing beside it: it is opened read-only
/// (a preview, which must write to roll back, in the journal mode the backup has). A command that records in it (a
/// reveal) changes it by its record alone, never to WAL. Before, each was opened as a drive is and switched it to
/// WAL: its header rewritten, and its `-wal` and `-shm` left beside it.
#[test]
fn reading_a_backup_leaves_it_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let drive = ten_pupils(dir.path(), "drive.db");
    let (backup, _) = manual_backup(&drive);
    let beside = |suffix: &str| {
        let mut name = backup.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    let nothing_beside = |what: &str| {
        for suffix in ["-wal", "-shm", "-journal"] {
            assert!(!beside(suffix).exists(), "{what} left {suffix} beside the backup");
        }
    };
    let taken = std::fs::read(&backup).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let out = out.to_str().unwrap();
    let list = fixture("utf8_bom.csv");
    let list = list.to_str().unwrap();
    let commands: [&[&str]; 13] = [
        &["stats"],
        &["stats", "--json"],
        &["find", "1", "--json"],
        &["check"],
        &["exports"],
        &["year", "list"],
        &["year", "leavers", "--json"],
        &["policy", "show", "liuzhou-2023"],
        &["quote", "--policy", "liuzhou-2023", "--category", "低保", "--paid-on", "2022-10-08"],
        &["export", "summary", "--out", out],
        &["export", "sheet", "--mask", "--out", out],
        &["--lang", "en", "stats"],
        &["import", "--dry-run", list],
    ];
    // On the laptop the drive is used on: a preview, which may write, has no operator's name to record.
    let laptop = std::fs::canonicalize(dir.path()).unwrap().join("config");
    for args in commands {
        let (code, said, err) = run(canbao(&backup).env("XDG_CONFIG_HOME", &laptop).args(args));
        assert_eq!(code, 0, "{args:?}: {said}{err}");
        assert!(std::fs::read(&backup).unwrap() == taken, "{args:?} changed the backup: {err}");
        nothing_beside(&format!("{args:?}"));
    }
    assert!(reveals(&backup).is_empty());
    let (code, _, err) = run(canbao(&backup).args(["find", "1", "--reveal", "--json"]));
    assert_eq!(code, 0, "{err}");
    let recorded = std::fs::read(&backup).unwrap();
    assert_eq!(recorded[18..20], taken[18..20], "the journal mode is the backup's own");
    nothing_beside("a reveal");
    assert!(!reveals(&backup).is_empty(), "the reveal is recorded");
}

// ---- ID numbers in text output ----

#[test]
fn check_masks_id_numbers_unless_revealed_and_records_the_reveal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    ok(canbao(&db).arg("import").arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample-school.csv")));
    let store = Store::open_read_only(&db).expect("open");
    let invalid: Vec<String> =
        store.check_roster(None).expect("check").invalid_ids.into_iter().map(|i| i.pupil.id_number).collect();
    drop(store);
    assert!(!invalid.is_empty());
    let masked = ok(canbao(&db).arg("check"));
    let masked_json = ok(canbao(&db).args(["check", "--json"]));
    for number in &invalid {
        assert!(!masked.contains(number.as_str()), "{number} in clear:\n{masked}");
        assert!(!masked_json.contains(number.as_str()), "{number} in clear:\n{masked_json}");
    }
    assert!(reveals(&db).is_empty());
    let shown = ok(canbao(&db).args(["check", "--reveal"]));
    for number in &invalid {
        assert!(shown.contains(number.as_str()), "{shown}");
    }
    assert_eq!(reveals(&db), vec![(None, "check".to_owned())]);
    let (code, out, err) = run(canbao(&db).args(["--read-only", "check", "--reveal"]));
    assert_eq!(code, 1, "a read-only session cannot record the reveal, so it does not reveal");
    assert!(err.contains("只读") && !invalid.iter().any(|n| out.contains(n.as_str())), "{err}");
}

#[test]
fn json_masks_id_numbers_unless_revealed_and_records_the_reveal() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "drive.db");
    let id = first_id(&db);
    let masked = canbao::domain::id_number::mask(&id);
    let found = ok(canbao(&db).args(["find", &id, "--json"]));
    assert!(!found.contains(&id) && found.contains(&masked), "{found}");
    let leavers = ok(canbao(&db).args(["year", "leavers", "--json"]));
    assert!(!leavers.contains(&id), "{leavers}");
    let check = ok(canbao(&db).args(["check", "--json"]));
    assert!(!check.contains(&id), "{check}");
    assert!(reveals(&db).is_empty(), "masked JSON records nothing");
    // A script that needs the full number asks for it, and the drive keeps the showing.
    let shown = json(canbao(&db).args(["find", &id, "--json", "--reveal"]));
    assert_eq!(shown[0]["id_number"], id.as_str(), "{shown}");
    let rows = reveals(&db);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].0.is_some() && rows[0].1 == "find", "{rows:?}");
    let (code, out, err) = run(canbao(&db).args(["--read-only", "find", &id, "--json", "--reveal"]));
    assert_eq!(code, 1, "a read-only session cannot record the reveal, so it does not reveal: {out}");
    assert!(err.contains("只读") && !out.contains(&id), "{err}");
}

#[test]
fn find_reveal_is_recorded_for_each_pupil_shown() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "drive.db");
    let id = first_id(&db);
    ok(canbao(&db).args(["find", &id]));
    assert!(reveals(&db).is_empty(), "a masked find records nothing");
    assert!(ok(canbao(&db).args(["find", &id, "--reveal"])).contains(&id));
    let rows = reveals(&db);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert!(rows[0].0.is_some() && rows[0].1 == "find", "{rows:?}");
}

#[test]
fn reconcile_masks_id_numbers_unless_revealed() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "drive.db");
    let id = first_id(&db);
    let body = "11010519491231002";
    let stranger = format!("{body}{}", canbao::domain::id_number::check_char(body.as_bytes()));
    let stranger = stranger.as_str();
    let list = dir.path().join("tax.csv");
    std::fs::write(
        &list,
        format!("姓名,证件号码,缴费金额,缴费日期\n别人,{id},380,2026-11-20\n陌生人,{stranger},380,2026-11-20\n"),
    )
    .unwrap();
    let masked = ok(canbao(&db).args(["reconcile", "--source", "tax", "--dry-run"]).arg(&list));
    assert!(masked.contains("别人") || masked.contains(&id[..4]), "the name mismatch is reported:\n{masked}");
    assert!(!masked.contains(&id) && !masked.contains(stranger), "{masked}");
    assert!(reveals(&db).is_empty());
    let shown = ok(canbao(&db).args(["reconcile", "--source", "tax", "--dry-run", "--reveal"]).arg(&list));
    assert!(shown.contains(&id) && shown.contains(stranger), "{shown}");
    assert_eq!(reveals(&db), vec![(None, "reconcile".to_owned())]);
}

#[test]
fn merge_masks_id_numbers_unless_revealed() {
    let dir = tempfile::tempdir().unwrap();
    let a = ten_pupils(dir.path(), "a.db");
    let id = first_id(&a);
    let b = dir.path().join("b.db");
    ok(canbao(&a).arg("backup").arg(&b));
    ok(canbao(&a).args(["mark", &id, "--note", "ours"]));
    ok(canbao(&b).args(["mark", &id, "--note", "theirs"]));
    let masked = ok(canbao(&a).args(["merge", "--dry-run"]).arg(&b));
    assert!(masked.contains(&id[..4]), "the conflict is listed:\n{masked}");
    assert!(!masked.contains(&id), "{masked}");
    let shown = ok(canbao(&a).args(["merge", "--dry-run", "--reveal"]).arg(&b));
    assert!(shown.contains(&id), "{shown}");
    assert_eq!(reveals(&a), vec![(None, "merge".to_owned())]);
}

fn exports(db: &Path) -> Vec<(String, canbao::store::ExportRecord)> {
    let store = Store::open_read_only(db).expect("open");
    store.exports().expect("exports").into_iter().map(|(_, operator, record)| (operator, record)).collect()
}

#[test]
fn every_export_of_whole_id_numbers_is_recorded_with_who_what_and_where() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "drive.db");
    let other = dir.path().join("other.db");
    ok(canbao(&db).arg("backup").arg(&other));
    let pupils = json(canbao(&db).args(["stats", "--json"]))["students"].as_u64().unwrap() as usize;
    let sheet = dir.path().join("信息表.xlsx");
    ok(canbao(&db).args(["export", "sheet", "--out"]).arg(&sheet));
    let recorded = exports(&db);
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    let (operator, record) = &recorded[0];
    assert_eq!(operator, "测试");
    assert_eq!((record.form.as_str(), record.pupils), ("sheet", pupils), "{record:?}");
    assert_eq!(record.files, [sheet.display().to_string()], "{record:?}");
    // The copy for teachers, the summary and the notices show no whole number: nothing to record.
    ok(canbao(&db).args(["export", "sheet", "--mask", "--out"]).arg(dir.path().join("打码.xlsx")));
    ok(canbao(&db).args(["export", "summary", "--out"]).arg(dir.path().join("汇总.xlsx")));
    assert_eq!(exports(&db).len(), 1, "{:?}", exports(&db));
    // The agencies' forms, every file named; standard output as `-`.
    ok(canbao(&db).args(["export", "ledgers", "--format", "csv", "--out"]).arg(dir.path().join("台账")));
    // Two files cannot go to standard output: refused, and nothing handed out is nothing recorded.
    let (code, _, err) = run(canbao(&db).args(["export", "template", "--format", "csv", "--out", "-"]));
    assert_eq!(code, 1, "{err}");
    ok(canbao(&db).args(["export", "sheet", "--format", "csv", "--out", "-"]));
    let recorded = exports(&db);
    let forms: Vec<&str> = recorded.iter().map(|(_, r)| r.form.as_str()).collect();
    assert_eq!(forms, ["sheet", "ledgers", "sheet"], "{recorded:?}");
    assert_eq!(recorded[1].1.files.len(), 4, "the four ledgers: {recorded:?}");
    assert_eq!(recorded[2].1.files, ["-"], "{recorded:?}");
    // Another laptop's merge brings the records across, and changes no pupil for them.
    let merged = json(canbao(&other).args(["merge", "--json"]).arg(&db));
    assert_eq!(merged["updated"], 0, "{merged}");
    assert_eq!(exports(&other).len(), 3, "{:?}", exports(&other));
    let again = json(canbao(&db).args(["merge", "--json"]).arg(&other));
    assert_eq!((&again["updated"], exports(&db).len()), (&0.into(), 3), "{again}");
}

#[test]
fn a_read_only_window_refuses_exports_of_whole_id_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "drive.db");
    let sheet = dir.path().join("信息表.xlsx");
    let (code, _, err) = run(canbao(&db).args(["--read-only", "export", "sheet", "--out"]).arg(&sheet));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("只读") && err.contains("--mask"), "{err}");
    assert!(!sheet.exists());
    let (code, out, err) =
        run(canbao(&db).args(["--read-only", "export", "template", "--format", "csv", "--out", "-"]));
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty() && err.contains("只读"), "{out}{err}");
    // What shows no whole number is written all the same.
    ok(canbao(&db).args(["--read-only", "export", "sheet", "--mask", "--out"]).arg(dir.path().join("打码.xlsx")));
    ok(canbao(&db).args(["--read-only", "export", "summary", "--out"]).arg(dir.path().join("汇总.xlsx")));
    assert!(exports(&db).is_empty());
}

#[cfg(unix)]
#[test]
fn folders_made_for_exports_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "drive.db");
    let out = dir.path().join("forms").join("today");
    ok(canbao(&db).args(["export", "classes", "--make-folders", "--format", "csv", "--out"]).arg(&out));
    for folder in [dir.path().join("forms"), out.clone()] {
        let mode = std::fs::metadata(&folder).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700, "{}", folder.display());
    }
    let backups = std::fs::metadata(dir.path().join("backups")).unwrap().permissions().mode() & 0o777;
    assert_eq!(backups, 0o700);
    for file in std::fs::read_dir(&out).unwrap() {
        let mode = file.unwrap().metadata().unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

/// A file that is no drive (random bytes, another program's database) named as the drive of a command that
/// changes it: refused, left as it was, and no `.lock` file is left beside it; a drive's own lock stays.
#[test]
fn a_file_that_is_no_drive_is_left_without_a_lock_file_beside_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let noise = dir.path().join("noise.db");
    let bytes: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&noise, &bytes).expect("noise");
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other).expect("sqlite").execute_batch("CREATE TABLE t (x)").expect("table");
    for file in [&noise, &other] {
        let before = std::fs::read(file).expect("read");
        let (code, _, err) = run(canbao(file).arg("import").arg(fixture("utf8_bom.csv")));
        assert_ne!(code, 0, "{err}");
        assert_eq!(std::fs::read(file).expect("read"), before, "left as it was");
        let lock = dir.path().join(format!("{}.lock", file.file_name().unwrap().to_string_lossy()));
        assert!(!lock.exists(), "no lock file beside {}: {err}", file.display());
    }
    let drive = dir.path().join("drive.db");
    ok(canbao(&drive).arg("import").arg(fixture("utf8_bom.csv")));
    assert!(dir.path().join("drive.db.lock").exists(), "a drive keeps its lock file");
}

// ---- an export never lands on a drive ----

/// Every file under `dir` (folders as `name/`) with its bytes, to show a refused export left it as it was. A
/// drive's lock file is there by name only: an export of whole numbers takes the drive as any change does, which
/// writes who holds it into the lock file.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            found.push((format!("{name}/"), Vec::new()));
            found.extend(tree(&path).into_iter().map(|(n, b)| (format!("{name}/{n}"), b)));
        } else if meta.file_type().is_symlink() {
            found.push((name, std::fs::read_link(&path).unwrap().to_string_lossy().into_owned().into_bytes()));
        } else if name.ends_with(".db.lock") {
            found.push((name, Vec::new()));
        } else {
            found.push((name, std::fs::read(&path).unwrap()));
        }
    }
    found.sort();
    found
}

/// `canbao export ARGS --out OUT` run in `cwd` is refused: exit 1, `why` in the message, nothing under `dir`
/// written or changed.
fn refused(db: &Path, cwd: &Path, args: &[&str], out: &Path, dir: &Path, why: &str) {
    let before = tree(dir);
    let (code, stdout, err) = run(canbao(db).current_dir(cwd).arg("export").args(args).arg("--out").arg(out));
    assert_eq!(code, 1, "export {args:?} --out {} was not refused: {stdout}{err}", out.display());
    assert!(err.contains(why), "export {args:?} --out {}: {err}", out.display());
    assert!(!err.contains("os error"), "said in words: {err}");
    assert!(tree(dir) == before, "export {args:?} --out {} changed the folder", out.display());
}

fn pupils_in(db: &Path) -> i64 {
    json(canbao(db).args(["stats", "--json"]))["students"].as_i64().expect("students")
}

/// The tester's data loss: `export sheet --out RE2.db` renamed the form over the drive. Every kind of export,
/// in every format, and every spelling of the drive's path is refused; the drive opens as it was.
#[test]
fn an_export_onto_the_drive_itself_is_refused_in_every_kind_and_spelling() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "drive.db");
    let here = dir.path();
    let kinds: [&[&str]; 6] = [
        &["sheet"],
        &["sheet", "--format", "csv"],
        &["summary", "--format", "csv"],
        &["summary"],
        &["ledgers"],
        &["classes"],
    ];
    for kind in kinds {
        for out in [db.clone(), PathBuf::from("drive.db"), PathBuf::from("./new/../drive.db")] {
            refused(&db, here, kind, &out, here, "正在导出的数据文件 (the drive being exported)");
        }
    }
    // The forms of several files want a folder, and say so rather than 「File exists (os error 17)」.
    for kind in [&["ledgers", "--format", "csv"][..], &["classes", "--format", "csv"], &["template"]] {
        refused(&db, here, kind, &db, here, "不是文件夹");
    }
    assert_eq!(pupils_in(&db), 10, "the drive still opens, every pupil in it");
}

#[cfg(unix)]
#[test]
fn an_export_onto_the_drive_through_a_symlink_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "drive.db");
    let link = dir.path().join("表格.xlsx");
    std::os::unix::fs::symlink(&db, &link).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let folder = elsewhere.path().join("folder");
    std::os::unix::fs::symlink(dir.path(), &folder).unwrap();
    let why = "正在导出的数据文件";
    refused(&db, dir.path(), &["sheet"], &link, dir.path(), why);
    refused(&db, dir.path(), &["summary", "--format", "csv"], &folder.join("drive.db"), dir.path(), why);
    // The drive opened through the link, the form aimed at the file itself.
    let drive_link = elsewhere.path().join("link.db");
    std::os::unix::fs::symlink(&db, &drive_link).unwrap();
    refused(&drive_link, dir.path(), &["sheet"], &db, dir.path(), why);
    assert_eq!(std::fs::read_link(&link).unwrap(), db, "the link is still the link");
    assert_eq!(pupils_in(&db), 10);
}

/// While another canbao has the drive open its latest marks may live only in `-wal`: a form written over it
/// would lose them. This test's connection stands for that canbao (SQLite keeps the `-wal` while it is open).
#[test]
fn an_export_onto_the_drives_wal_and_other_sidecars_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "drive.db");
    let id = first_id(&db);
    let open = rusqlite::Connection::open(&db).unwrap();
    open.query_row("SELECT count(*) FROM students", [], |r| r.get::<_, i64>(0)).unwrap();
    ok(canbao(&db).args(["mark", &id, "--note", "only in the wal"]));
    let wal = dir.path().join("drive.db-wal");
    assert!(std::fs::metadata(&wal).is_ok_and(|m| m.len() > 0), "the mark is in the -wal");
    let before = (std::fs::read(&db).unwrap(), std::fs::read(&wal).unwrap());
    for (suffix, kind) in [
        ("-wal", &["sheet"][..]),
        ("-wal", &["summary", "--format", "csv"]),
        ("-journal", &["sheet"]),
        (".lock", &["sheet"]),
    ] {
        let out = dir.path().join(format!("drive.db{suffix}"));
        let (code, _, err) = run(canbao(&db).arg("export").args(kind).arg("--out").arg(&out));
        assert_eq!(code, 1, "{suffix}: {err}");
        assert!(err.contains(&format!("数据文件的 {suffix} 文件")), "{err}");
    }
    assert!(!dir.path().join("drive.db-journal").exists(), "nothing written in the -journal's place");
    assert!((std::fs::read(&db).unwrap(), std::fs::read(&wal).unwrap()) == before, "drive and -wal as they were");
    drop(open);
    let store = Store::open_read_only(&db).unwrap();
    let note: String =
        store.connection().query_row("SELECT note FROM students WHERE id_number = ?1", [&id], |r| r.get(0)).unwrap();
    assert_eq!(note, "only in the wal", "the mark made while the drive was open is kept");
}

/// Another school's drive, a backup, a renamed copy of a drive and an encrypted-looking `.db` are no forms.
#[test]
fn an_export_onto_another_drive_or_a_backup_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "drive.db");
    let other = ten_pupils(dir.path(), "other.db");
    let copy = dir.path().join("学生信息表.xlsx");
    std::fs::copy(&other, &copy).unwrap();
    let secret = dir.path().join("secret.db");
    let noise: Vec<u8> = (0..8192u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&secret, &noise).unwrap();
    let backup = dir.path().join("copy-of-drive.db");
    ok(canbao(&db).arg("backup").arg(&backup));
    ok(canbao(&db).arg("backup"));
    let in_backups = std::fs::read_dir(dir.path().join("backups")).unwrap().next().unwrap().unwrap().path();
    let here = dir.path();
    refused(&db, here, &["sheet"], &other, here, "SQLite");
    refused(&db, here, &["summary"], &copy, here, "SQLite");
    refused(&db, here, &["sheet"], &secret, here, "named like a drive or backup");
    refused(&db, here, &["ledgers"], &backup, here, "SQLite");
    refused(&db, here, &["sheet"], &in_backups, here, "备份");
    refused(&db, here, &["sheet"], &here.join("backups"), here, "备份文件夹");
    assert_eq!(pupils_in(&other), 10, "the other drive still opens");
}

/// A file of another type is refused (no overwrite flag: the operator moves it or picks another name); an
/// earlier export of the same type is replaced, which is how forms are exported again.
#[test]
fn an_export_replaces_an_earlier_export_of_its_type_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "drive.db");
    let here = dir.path();
    let notes = here.join("notes.xlsx");
    std::fs::write(&notes, "家长电话，别删").unwrap();
    let word = here.join("名单.docx");
    std::fs::write(&word, b"PK\x03\x04\x14\x00\x00\x00word/document.xml").unwrap();
    let list = here.join("名单.csv");
    std::fs::copy(fixture("utf8_bom.csv"), &list).unwrap();
    let why = "导出只覆盖同类型的文件";
    refused(&db, here, &["sheet"], &notes, here, why);
    refused(&db, here, &["sheet"], &word, here, "Word 文档");
    // Named .csv, the summary is a CSV: the school's list under that name is no earlier export of it.
    refused(&db, here, &["summary"], &list, here, "可能是班级名单");
    let renamed_word = here.join("名单2.xlsx");
    std::fs::copy(&word, &renamed_word).unwrap();
    refused(&db, here, &["sheet"], &renamed_word, here, "Word 文档");

    for (format, name) in [("xlsx", "表.xlsx"), ("csv", "表.csv")] {
        let out = here.join(name);
        ok(canbao(&db).args(["export", "sheet", "--format", format, "--out"]).arg(&out));
        std::fs::write(&out, std::fs::read(&out).unwrap().repeat(2)).unwrap();
        ok(canbao(&db).args(["export", "sheet", "--format", format, "--out"]).arg(&out));
        let again = here.join(format!("again.{format}"));
        ok(canbao(&db).args(["export", "sheet", "--format", format, "--out"]).arg(&again));
        // Replaced, not written after what was there (twice the length): a workbook's compressed length moves by
        // a byte or so with the digits of the time it records, so the two exports are compared within that.
        let (replaced, fresh) = (std::fs::read(&out).unwrap().len(), std::fs::read(&again).unwrap().len());
        assert!(replaced.abs_diff(fresh) <= 16, "{name} replaced: {replaced} bytes against {fresh}");
    }
    let ledgers = here.join("台账");
    ok(canbao(&db).args(["export", "ledgers", "--format", "csv", "--out"]).arg(&ledgers));
    ok(canbao(&db).args(["export", "ledgers", "--format", "csv", "--out"]).arg(&ledgers));
}

/// The school's own class list is never taken for an earlier export because it has the same type: the list
/// this drive was imported from (CSV) and a workbook someone else made are left byte for byte. An export
/// re-saved by a spreadsheet (openpyxl keeping the creator; a CSV saved again as UTF-16 or GB18030) is still
/// an export, and is replaced.
#[test]
fn an_export_never_replaces_a_class_list_of_its_type_but_replaces_a_re_saved_export() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "drive.db");
    let here = dir.path();
    let csv_list = here.join("名单.csv");
    std::fs::copy(fixture("utf8_bom.csv"), &csv_list).unwrap();
    let xlsx_list = here.join("一年级.xlsx");
    std::fs::copy(fixture("merged_title.xlsx"), &xlsx_list).unwrap();
    let why = "这不是 canbao 导出的表格（可能是班级名单）";
    for (format, list) in [("csv", &csv_list), ("xlsx", &xlsx_list)] {
        refused(&db, here, &["sheet", "--format", format], list, here, why);
        refused(&db, here, &["summary", "--format", format], list, here, "not a table canbao exported");
    }
    assert_eq!(std::fs::read(&csv_list).unwrap(), std::fs::read(fixture("utf8_bom.csv")).unwrap());
    assert_eq!(std::fs::read(&xlsx_list).unwrap(), std::fs::read(fixture("merged_title.xlsx")).unwrap());
    // A teacher's list titled as the export is, with a header and columns of its own under the title: the label
    // line every titled export writes (学校名称：…, 填报时间：…) is not there, so it is no export.
    let titled = here.join("一年级1班名单.csv");
    let teacher = "\u{feff}在校学生信息表\n序号,姓名,身份证号码,所在年级、班级,班主任备注\n1,王一,450202201901010002,一年级1班,午托\n";
    std::fs::write(&titled, teacher).unwrap();
    refused(&db, here, &["sheet", "--format", "csv"], &titled, here, why);
    assert_eq!(std::fs::read_to_string(&titled).unwrap(), teacher);

    let resaved = here.join("re-saved.xlsx");
    std::fs::copy(fixture("resaved_export_openpyxl.xlsx"), &resaved).unwrap();
    ok(canbao(&db).args(["export", "sheet", "--out"]).arg(&resaved));
    assert_ne!(std::fs::read(&resaved).unwrap(), std::fs::read(fixture("resaved_export_openpyxl.xlsx")).unwrap());

    let sheet = here.join("s.csv");
    ok(canbao(&db).args(["export", "sheet", "--format", "csv", "--out"]).arg(&sheet));
    let fresh = std::fs::read(&sheet).unwrap();
    let text = String::from_utf8(fresh[3..].to_vec()).unwrap();
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let gb = encoding_rs::GB18030.encode(&text).0.into_owned();
    for (name, bytes) in [("s16le.csv", le), ("s16be.csv", be), ("sgb.csv", gb), ("nobom.csv", text.into_bytes())] {
        let out = here.join(name);
        std::fs::write(&out, &bytes).unwrap();
        ok(canbao(&db).args(["export", "sheet", "--format", "csv", "--out"]).arg(&out));
        assert_eq!(std::fs::read(&out).unwrap(), fresh, "{name} replaced by the export");
    }
    // Each form's CSV starts its own way: a ledger's and the summary's earlier exports are theirs to replace.
    let summary = here.join("汇总.csv");
    ok(canbao(&db).args(["export", "summary", "--format", "csv", "--out"]).arg(&summary));
    ok(canbao(&db).args(["export", "summary", "--format", "csv", "--out"]).arg(&summary));
}

// ---- a drive on read-only media ----

/// The binary as an operator runs it on `db`: as another user (`nobody`) when this test runs as root, to whom
/// no folder is read-only (CI runs as root), else as this user. `None`, said, where the other user cannot be
/// taken or cannot reach the binary: the permission part of a test is then skipped visibly.
#[cfg(unix)]
fn as_operator(db: &Path, home: &Path) -> Option<Command> {
    use std::os::unix::process::CommandExt;
    let binary = assert_cmd::cargo::cargo_bin("canbao");
    let command = |args: &[&str]| {
        let mut cmd = std::process::Command::new(&binary);
        cmd.args(args)
            .env_remove("CANBAO_DB")
            .env("CANBAO_OPERATOR", "测试")
            .env("HOME", home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"));
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } == 0 {
            cmd.uid(NOBODY).gid(NOBODY);
        }
        cmd
    };
    match command(&["--version"]).output() {
        Ok(out) if out.status.success() => {}
        other => {
            println!("skipping the read-only folder part: cannot run canbao as another user here ({other:?})");
            return None;
        }
    }
    let mut cmd = Command::from_std(command(&[]));
    cmd.arg("--db").arg(db);
    Some(cmd)
}

#[cfg(unix)]
const NOBODY: u32 = 65534;

/// Gives `path` (and everything under it) to the user [`as_operator`] runs as, with `mode` on the folders.
#[cfg(unix)]
fn hand_over(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let meta = std::fs::symlink_metadata(path).unwrap();
    if meta.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            hand_over(&entry.unwrap().path(), mode);
        }
    }
    if root {
        std::os::unix::fs::lchown(path, Some(NOBODY), Some(NOBODY)).unwrap();
    }
    if meta.is_dir() {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

/// The tester's stick: a drive canbao wrote and closed (WAL mode, no `-shm` beside it), in a folder the
/// operator cannot write (a write-protected USB stick, a read-only share). Every road that only reads it opens
/// it: `--read-only` stats, find and export, push, and merge and restore from it into a drive elsewhere; none
/// calls it damaged, and nothing on the stick changes. Without `--read-only` a reading command says the folder
/// is read-only and how to look at it.
#[cfg(unix)]
#[test]
fn a_drive_on_read_only_media_is_read_by_every_road_that_only_reads() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let stick = dir.path().join("stick");
    std::fs::create_dir(&stick).unwrap();
    let drive = ten_pupils(&stick, "a.db");
    // The other laptop's copy from an older canbao: the schema version is all a merge reads before refusing.
    let older = stick.join("older.db");
    std::fs::copy(&drive, &older).unwrap();
    rusqlite::Connection::open(&older).unwrap().pragma_update(None, "user_version", 1).unwrap();
    let header = std::fs::read(&drive).unwrap();
    assert_eq!((header[18], header[19]), (2, 2), "a drive canbao wrote is in WAL mode");
    assert!(!stick.join("a.db-shm").exists() && !stick.join("a.db-wal").exists(), "closed cleanly");
    // Elsewhere, writable: the operator's own drives and the export's folder.
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let mine = work.join("mine.db");
    ok(canbao(&mine).arg("import").arg(fixture("utf8_nobom.csv")));
    let restored = work.join("restored.db");
    ok(canbao(&restored).arg("import").arg(fixture("utf8_nobom.csv")));
    hand_over(&work, 0o700);
    hand_over(&stick, 0o555);
    let before = tree(&stick);
    let Some(_) = as_operator(&drive, &work) else {
        hand_over(&stick, 0o755);
        return;
    };
    let operator = |db: &Path| as_operator(db, &work).expect("ran before");

    let (code, _, err) = run(operator(&drive).arg("import").arg(fixture("utf8_nobom.csv")));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("只读") && err.contains("--read-only") && !err.contains("损坏"), "{err}");
    let stats = json(operator(&drive).args(["--read-only", "stats", "--json"]));
    assert_eq!(stats["students"], 10, "{stats}");
    let found = json(operator(&drive).args(["--read-only", "find", "周静露", "--json"]));
    assert_eq!(found.as_array().map(Vec::len), Some(1), "{found}");
    // Whole ID numbers leave a drive only recorded in its history, which a drive that cannot be written cannot
    // take: the copy for teachers it gives.
    let sheet = work.join("sheet.xlsx");
    let (code, _, err) = run(operator(&drive).args(["--read-only", "export", "sheet", "--out"]).arg(&sheet));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("只读") && err.contains("复制") && !sheet.exists(), "{err}");
    ok(operator(&drive).args(["--read-only", "export", "sheet", "--mask", "--out"]).arg(&sheet));
    assert!(work.join("sheet-打码.xlsx").exists() && !sheet.exists());
    // Nothing listens on port 1: the push reads the drive, then fails to reach the county, not to read it.
    let (code, _, err) =
        run(operator(&drive).args(["push", "--dry-run", "--to", "postgresql://u@127.0.0.1:1/county"]).arg(&drive));
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains("损坏") && !err.contains("读不了") && !err.contains("not a canbao file"), "{err}");
    // Two drives that each imported the list: merged only with --no-common-history.
    let report = json(operator(&mine).args(["merge", "--no-common-history", "--json"]).arg(&drive));
    assert!(report.get("added").is_some(), "{report}");
    // Not upgraded where it lies: the operator is told to copy it first, not to run a command that cannot work.
    let (code, _, err) = run(operator(&mine).arg("merge").arg(&older));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("只读") && err.contains("复制") && !err.contains("损坏"), "{err}");
    let (code, out, err) = run(operator(&restored).args(["restore", "--force"]).arg(&drive));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("恢复"), "{out}");
    assert_eq!(json(operator(&restored).args(["stats", "--json"]))["students"], 10);
    // The English line of the refusal names the drive and the way to read it.
    let (_, _, err) = run(operator(&drive).args(["--lang", "en", "import"]).arg(fixture("utf8_nobom.csv")));
    assert!(err.contains("--read-only") && err.contains("a.db"), "{err}");

    hand_over(&stick, 0o755);
    assert!(tree(&stick) == before, "the stick is as it was");
}

// ---- what a refused or empty change leaves in the backups folder ----

/// The tester's loop: another school's drive merged by mistake, refused (no `--other-school`), retried 22
/// times. No try takes a backup, so the operator's own `canbao backup` is still there; and automatic backups,
/// however many, never prune a manual one.
#[test]
fn a_refused_merge_takes_no_backup_and_automatic_backups_never_prune_a_manual_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "s.db");
    let elsewhere = dir.path().join("other");
    std::fs::create_dir(&elsewhere).unwrap();
    let other = elsewhere.join("o.db");
    ok(canbao(&other).arg("import").arg(fixture("utf8_nobom.csv")).args(["--school", "鱼峰区第二小学"]));
    ok(canbao(&db).arg("backup"));
    let before = backup_names(&db);
    let manual: Vec<&String> = before.iter().filter(|n| n.ends_with("-manual.db")).collect();
    assert_eq!(manual.len(), 1, "{before:?}");
    for _ in 0..22 {
        let (code, _, err) = run(canbao(&db).arg("merge").arg(&other));
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("--other-school"), "{err}");
    }
    assert_eq!(backup_names(&db), before, "a refused merge took a backup");
    // A merge that goes ahead still takes its backup first.
    ok(canbao(&db).args(["merge", "--other-school"]).arg(&other));
    assert_eq!(backup_names(&db).iter().filter(|n| n.ends_with("-merge.db")).count(), 1);

    rusqlite::Connection::open(&db)
        .unwrap()
        .execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('backups_keep', '3')", [])
        .unwrap();
    for n in 0..5 {
        ok(canbao(&db).arg("import").arg(new_pupil(dir.path(), n)));
    }
    let after = backup_names(&db);
    assert!(after.contains(manual[0]), "an import's backup pruned the manual one: {after:?}");
    let automatic = after.iter().filter(|n| n.ends_with(".db") && !n.ends_with("-manual.db")).count();
    assert_eq!(automatic, 3, "the automatic ones keep their number: {after:?}");
}

/// A class list with a header and no pupils (the template a teacher never filled in): the import says the
/// file holds no pupils, names it, exits 1, takes no backup and leaves no new drive. Beside a list with
/// pupils, it is named in a warning and the others are imported.
#[test]
fn a_list_with_a_header_and_no_pupils_is_said_and_takes_no_backup() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("空名单.csv");
    std::fs::write(&empty, "姓名,身份证号码\n").unwrap();
    let footer_only = dir.path().join("只有合计.csv");
    std::fs::write(&footer_only, "姓名,身份证号码,班级\n合计,,\n").unwrap();
    let db = ten_pupils(dir.path(), "s.db");
    let before = backup_names(&db);
    for list in [&empty, &footer_only] {
        let (code, out, err) = run(canbao(&db).arg("import").arg(list));
        assert_eq!(code, 1, "{out}{err}");
        assert!(err.contains("没有学生") && err.contains(&list.display().to_string()), "{err}");
        assert_eq!(backup_names(&db), before, "an import of no pupils took a backup");
    }
    let (code, _, err) = run(canbao(&db).args(["--lang", "en", "import"]).arg(&empty));
    assert_eq!(code, 1);
    assert!(err.contains("no pupils"), "{err}");
    let fresh = dir.path().join("fresh.db");
    let (code, _, _) = run(canbao(&fresh).arg("import").arg(&empty));
    assert_eq!(code, 1);
    assert!(!fresh.exists(), "a drive made for no pupils is not left behind");

    let (code, out, err) = run(canbao(&db).arg("import").arg(&empty).arg(new_pupil(dir.path(), 0)));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("没有学生") && out.contains("空名单.csv"), "{out}");
    assert_eq!(backup_names(&db).len(), before.len() + 1);
}

// ---- the file an export writes is what its name says ----

/// `--out 名单.csv` without `--format` writes CSV, `--out 名单.xlsx` XLSX; `--format` and a name that disagree
/// are refused before anything is written; a form of several files given a name ending in .csv is told it
/// needs a folder, and no folder of that name is made.
#[test]
fn the_extension_of_out_decides_the_format_and_a_mismatch_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let here = dir.path();
    let db = ten_pupils(here, "drive.db");
    let zip = |p: &Path| std::fs::read(p).unwrap().starts_with(b"PK");
    let csv = here.join("名单.csv");
    ok(canbao(&db).args(["export", "sheet", "--out"]).arg(&csv));
    assert!(!zip(&csv), "a .csv name got a workbook");
    assert!(std::fs::read_to_string(&csv).unwrap().contains("周静露"));
    let upper = here.join("名单2.CSV");
    ok(canbao(&db).args(["export", "sheet", "--out"]).arg(&upper));
    assert!(!zip(&upper), "a .CSV name got a workbook");
    let xlsx = here.join("名单.xlsx");
    ok(canbao(&db).args(["export", "sheet", "--out"]).arg(&xlsx));
    assert!(zip(&xlsx));
    let summary = here.join("汇总.csv");
    ok(canbao(&db).args(["export", "summary", "--out"]).arg(&summary));
    assert!(!zip(&summary), "the summary named .csv got a workbook");

    for (format, name) in [("csv", "y.xlsx"), ("xlsx", "y.csv")] {
        let out = here.join(name);
        refused(&db, here, &["sheet", "--format", format], &out, here, "--format");
        refused(&db, here, &["summary", "--format", format], &out, here, name);
    }
    // Not yet there, it is no file: the name is said to be a table's, not a file that stands in the way.
    refused(
        &db,
        here,
        &["ledgers"],
        &here.join("台账.csv"),
        here,
        "是表格文件的名字：这份表格导出多个文件，需要一个文件夹",
    );
    refused(&db, here, &["template"], &here.join("out").join("t28.csv"), here, "是表格文件的名字");
    refused(&db, here, &["classes", "--format", "csv"], &here.join("班级.xlsx"), here, "--format");
    // Matching, both given: as before.
    ok(canbao(&db).args(["export", "sheet", "--format", "csv", "--out"]).arg(here.join("z.csv")));
}

// ---- a mistyped --db ----

/// `import` into a `--db` in a folder that does not exist (a typo) makes nothing and says which folder is
/// missing; so do `merge`, `restore` and `policy use`. In a folder that exists, a new drive is made and said
/// to be new, on stderr; an import into an existing drive says nothing of the kind.
#[test]
fn a_mistyped_db_makes_no_folders_and_a_new_drive_is_said_to_be_new() {
    let dir = tempfile::tempdir().unwrap();
    let here = dir.path();
    let db = ten_pupils(here, "s.db");
    let typo = here.join("typo").join("dir2").join("x.db");
    let list = fixture("utf8_bom.csv");
    let before = tree(here);
    for args in [
        vec!["import".to_owned(), list.display().to_string()],
        vec!["merge".to_owned(), db.display().to_string()],
        vec!["restore".to_owned(), db.display().to_string()],
        vec!["policy".to_owned(), "use".to_owned(), "liuzhou-2023".to_owned()],
    ] {
        let (code, out, err) = run(canbao(&typo).args(&args));
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(err.contains("文件夹不存在") && err.contains("typo"), "{args:?}: {err}");
        assert!(tree(here) == before, "{args:?} made something");
    }
    let (code, _, err) = run(canbao(&typo).args(["--lang", "en", "import"]).arg(&list));
    assert_eq!(code, 1);
    assert!(err.contains("does not exist"), "{err}");

    let fresh = here.join("fresh.db");
    let (code, out, err) = run(canbao(&fresh).args(["import", "--json"]).arg(&list));
    assert_eq!(code, 0, "{err}");
    assert!(serde_json::from_str::<Value>(&out).is_ok(), "stdout stays JSON: {out}");
    assert!(err.contains(&format!("新建数据文件：{}", fresh.display())), "{err}");
    let (_, _, err) = run(canbao(&fresh).arg("import").arg(&list));
    assert!(!err.contains("新建"), "{err}");
    let (_, _, err) = run(canbao(&here.join("m.db")).arg("merge").arg(&db));
    assert!(err.contains("新建数据文件"), "{err}");
}

/// A `--db` that is a link to a file not there yet (its folder there) makes the drive where the link points, and
/// says it is new, naming the path it was made at, as a plain new path does.
#[cfg(unix)]
#[test]
fn a_drive_made_through_a_dangling_link_is_said_to_be_new_where_it_was_made() {
    let dir = tempfile::tempdir().unwrap();
    let here = dir.path();
    std::fs::create_dir(here.join("target")).unwrap();
    let link = here.join("link2.db");
    std::os::unix::fs::symlink("target/t2.db", &link).unwrap();
    let (code, _, err) = run(canbao(&link).arg("import").arg(fixture("utf8_bom.csv")));
    assert_eq!(code, 0, "{err}");
    let made = here.join("target").join("t2.db");
    assert!(made.is_file());
    assert!(err.contains(&format!("新建数据文件：{}", made.display())), "{err}");
    let (_, _, err) = run(canbao(&link).arg("import").arg(fixture("utf8_bom.csv")));
    assert!(!err.contains("新建"), "{err}");
}

/// A new drive in a folder the operator cannot write is refused, nothing made, with words about making one
/// there (choose a writable folder), not those for opening a drive that is there (--read-only, copy it).
#[cfg(unix)]
#[test]
fn a_new_drive_in_a_read_only_folder_is_refused_as_one_that_cannot_be_made_there() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let ro = dir.path().join("ro");
    std::fs::create_dir(&ro).unwrap();
    hand_over(&home, 0o700);
    hand_over(&ro, 0o555);
    let drive = ro.join("new.db");
    let Some(_) = as_operator(&drive, &home) else {
        hand_over(&ro, 0o755);
        return;
    };
    let (code, _, err) = run(as_operator(&drive, &home).unwrap().arg("import").arg(fixture("utf8_bom.csv")));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("只读") && err.contains("不能在这里新建数据文件") && err.contains("可写的文件夹"), "{err}");
    assert!(!err.contains("--read-only") && !err.contains("复制"), "{err}");
    let (code, _, err) =
        run(as_operator(&drive, &home).unwrap().args(["--lang", "en", "import"]).arg(fixture("utf8_bom.csv")));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no drive can be made there") && err.contains("writable folder"), "{err}");
    assert!(std::fs::read_dir(&ro).unwrap().next().is_none(), "nothing made");
    hand_over(&ro, 0o755);
}

/// The screen (canbao with no command) makes a new drive only where a command would, and says so in the same
/// words: a named drive in a missing folder or in a read-only folder is refused before anything is asked, and one
/// through a link to a missing file is said to be missing where the link points. Without a terminal to ask at,
/// the refusal is all there is.
#[cfg(unix)]
#[test]
fn the_screen_refuses_or_names_a_new_drive_as_the_commands_do() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let here = dir.path();
    std::fs::create_dir(here.join("target")).unwrap();
    let link = here.join("link.db");
    std::os::unix::fs::symlink("target/t.db", &link).unwrap();
    let (code, _, err) = run(&mut canbao(&link));
    assert_eq!(code, 1, "{err}");
    let made = here.join("target").join("t.db");
    assert!(err.contains(&format!("数据文件不存在：{}", made.display())) && err.contains("是指向它的链接"), "{err}");
    assert!(err.contains(&format!("which the link {} points to", link.display())), "{err}");
    assert!(!made.exists());
    let typo = here.join("typo").join("x.db");
    let (code, _, err) = run(&mut canbao(&typo));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("数据文件所在的文件夹不存在") && err.contains("未新建任何文件"), "{err}");
    assert!(!here.join("typo").exists());

    std::fs::set_permissions(here, std::fs::Permissions::from_mode(0o755)).unwrap();
    let home = here.join("home");
    std::fs::create_dir(&home).unwrap();
    let ro = here.join("ro");
    std::fs::create_dir(&ro).unwrap();
    hand_over(&home, 0o700);
    hand_over(&ro, 0o555);
    let drive = ro.join("new.db");
    let Some(mut screen) = as_operator(&drive, &home) else {
        hand_over(&ro, 0o755);
        return;
    };
    let (code, _, err) = run(&mut screen);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("只读") && err.contains("不能在这里新建数据文件") && err.contains("可写的文件夹"), "{err}");
    let (_, _, err) = run(as_operator(&drive, &home).unwrap().args(["--lang", "en"]));
    assert!(err.contains("no drive can be made there") && err.contains("writable folder"), "{err}");
    assert!(std::fs::read_dir(&ro).unwrap().next().is_none(), "nothing made");
    hand_over(&ro, 0o755);
}

// ---- the commands canbao tells the operator to type ----

/// Runs a command canbao printed for the operator to type, as a shell reads it, with this build's binary for
/// `canbao`, no `CANBAO_DB` and a home of its own: a hint that does not name its drive reaches another one.
#[cfg(unix)]
fn run_hint(hint: &str, home: &Path) -> (i32, String, String) {
    let rest = hint.trim().strip_prefix("canbao ").unwrap_or_else(|| panic!("a canbao command: {hint}"));
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!("\"$CANBAO_BIN\" {rest}"))
        .env("CANBAO_BIN", env!("CARGO_BIN_EXE_canbao"))
        .env_remove("CANBAO_DB")
        .env("CANBAO_OPERATOR", "测试")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"));
    run(&mut cmd)
}

/// The text between `after` and the first of `until` that follows it.
#[cfg(unix)]
fn said_between<'a>(text: &'a str, after: &str, until: &[&str]) -> &'a str {
    let (_, rest) = text.split_once(after).unwrap_or_else(|| panic!("{after}: {text}"));
    let end = until.iter().filter_map(|u| rest.find(u)).min().unwrap_or(rest.len());
    &rest[..end]
}

/// A drive named by `--db` (in a folder whose name has a space) or by `CANBAO_DB`: each restore canbao says how
/// to type names that drive, quoted as a shell needs, so typed as said it restores this drive and no other.
#[cfg(unix)]
#[test]
fn the_restore_canbao_says_to_type_restores_the_drive_it_was_given() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let folder = dir.path().join("my drives");
    std::fs::create_dir_all(&folder).unwrap();
    let drive = ten_pupils(&folder, "drive.db");
    let other = dir.path().join("lap").join("S2.db");
    std::fs::create_dir(dir.path().join("lap")).unwrap();
    ok(canbao(&other).args(["import", "--school", "第二小学"]).arg(fixture("gbk_title.csv")));
    let pupils = |db: &Path| json(canbao(db).args(["stats", "--json"]))["students"].as_i64().unwrap();

    // Refused: the forced restore it offers replaces this drive.
    let (code, _, err) = run(canbao(&drive).arg("restore").arg(&other));
    assert_eq!(code, 1, "{err}");
    let forced = said_between(&err, "请加 --force 重新运行：", &["\n"]);
    assert!(forced.contains("--db '"), "quoted: {forced}");
    let (code, out, err) = run_hint(forced, &home);
    assert_eq!(code, 0, "{forced}: {err}");
    assert_eq!(pupils(&drive), 23, "{forced}");

    // Undoing that forced restore, as it says.
    let undo = said_between(&out, "to undo this restore)：", &["\n"]);
    let (code, _, err) = run_hint(undo, &home);
    assert_eq!(code, 0, "{undo}: {err}");
    assert_eq!(pupils(&drive), 10, "{undo}");

    // An import that put pupils under a new school, on a drive named by CANBAO_DB alone.
    let named = folder.join("by env.db");
    let by_env = || {
        let mut cmd = Command::cargo_bin("canbao").unwrap();
        cmd.env("CANBAO_DB", &named).env("CANBAO_OPERATOR", "测试").env("HOME", &home);
        cmd
    };
    let list = |name: &str, school: &str, from: u32| {
        let mut text = String::from("学校,姓名,身份证号码,班级\n");
        for i in from..from + 2 {
            let number = format!("4502022015010{i}12");
            let number = format!("{number}{}", canbao::domain::id_number::check_char(number.as_bytes()));
            text.push_str(&format!("{school},学生{i},{number},三年级1班\n"));
        }
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    ok(by_env().arg("import").arg(list("a.csv", "城关镇第一小学", 1)));
    let said = ok(by_env().arg("import").arg(list("b.csv", "河东小学", 5)));
    let back = said_between(&said, "请恢复导入前的备份：", &[" (the list"]);
    assert!(back.contains("--db '") && back.contains("by env.db"), "{back}");
    let (code, _, err) = run_hint(back, &home);
    assert_eq!(code, 0, "{back}: {err}");
    assert_eq!(pupils(&named), 2, "{back}: the drive named by CANBAO_DB, back to school A alone");
    let rename = said_between(&said, "的另一种写法，请把它并入“城关镇第一小学”：", &["；"]);
    assert!(rename.starts_with("canbao --db '") && rename.contains("school rename"), "{rename}");

    // A backup opened as a drive: the restore it offers takes the backup into the drive it was taken of.
    ok(canbao(&drive).arg("backup"));
    let name = backup_names(&drive).into_iter().find(|n| n.ends_with("-manual.db")).expect("a manual backup");
    let copy = folder.join("backups").join(name);
    ok(canbao(&drive).arg("import").arg(fixture("gbk_title.csv")));
    let (_, _, err) = run(canbao(&copy).args(["stats", "--json"]));
    let go_on = said_between(&err, "请先恢复它：", &["\n", "；"]);
    let (code, _, err) = run_hint(go_on, &home);
    assert_eq!(code, 0, "{go_on}: {err}");
    assert_eq!(pupils(&drive), 10, "{go_on}");
}

/// A drive given to `import` as if it were a class list (the other laptop's copy, a backup of this drive, this
/// drive itself, an encrypted drive, whose bytes are noise): nothing imported, the file named for what it is,
/// and the merge or restore that takes it in said as a command that, typed as said, reaches this drive.
#[cfg(unix)]
#[test]
fn a_drive_given_to_import_is_named_with_the_merge_or_restore_that_takes_it() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let folder = dir.path().join("my drives");
    std::fs::create_dir_all(&folder).unwrap();
    let drive = ten_pupils(&folder, "drive.db");
    ok(canbao(&drive).arg("backup"));
    let name = backup_names(&drive).into_iter().find(|n| n.ends_with("-manual.db")).expect("a manual backup");
    let backup = folder.join("backups").join(name);
    // The other laptop's copy of this drive, with a list more imported there.
    let laptop = dir.path().join("U盘 (1)");
    std::fs::create_dir(&laptop).unwrap();
    let copy = laptop.join("drive.db");
    std::fs::copy(&drive, &copy).unwrap();
    ok(canbao(&copy).arg("import").arg(fixture("gbk_title.csv")));
    let pupils = |db: &Path| json(canbao(db).args(["stats", "--json"]))["students"].as_i64().unwrap();
    let (before, theirs) = (pupils(&drive), pupils(&copy));
    assert!(theirs > before);

    let (code, _, err) = run(canbao(&drive).arg("import").arg(&copy));
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with("错误 (error): 这是 canbao 数据文件，不是班级名单，未导入："), "{err}");
    assert!(err.contains("(a canbao drive, not a class list: nothing imported; "), "{err}");
    assert_eq!(pupils(&drive), before, "nothing imported");
    let merge = said_between(&err, "要把另一台电脑的数据并入本数据文件，请用：", &["\n"]);
    assert!(merge.starts_with("canbao --db '") && merge.contains(" merge '"), "quoted: {merge}");
    let (code, _, err) = run_hint(merge, &home);
    assert_eq!(code, 0, "{merge}: {err}");
    assert_eq!(pupils(&drive), theirs, "{merge}: the other laptop's pupils came in");

    // A backup of this drive: the restore it offers goes back to it.
    let (code, _, err) = run(canbao(&drive).arg("import").arg(&backup));
    assert_eq!(code, 1, "{err}");
    let restore = said_between(&err, "若它是本数据文件的备份，要回到它，请用：", &["\n"]);
    let (code, _, err) = run_hint(restore, &home);
    assert_eq!(code, 0, "{restore}: {err}");
    assert_eq!(pupils(&drive), before, "{restore}");

    // In English, the English alone.
    let (_, _, err) = run(canbao(&drive).args(["--lang", "en", "import"]).arg(&copy));
    assert!(err.starts_with("error: a canbao drive, not a class list: nothing imported: "), "{err}");
    assert!(err.contains("\nTo bring another laptop's data into this drive: canbao --db '"), "{err}");
    assert!(!err.contains("数据文件") && !err.contains("请用"), "{err}");

    // This drive itself, by another name too.
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(&drive, &link).unwrap();
    for itself in [drive.clone(), folder.join(".").join("drive.db"), link] {
        let (code, _, err) = run(canbao(&drive).arg("import").arg(&itself));
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("这是正在使用的数据文件本身，不是班级名单，未导入"), "{}: {err}", itself.display());
        assert!(!err.contains("merge"), "not to be merged into itself: {err}");
    }

    // An encrypted drive is noise from its first byte: named as one, or as damaged, never as a table to read.
    let mut x = 0x2545_F491u32;
    let noise: Vec<u8> = (0..16 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect();
    let encrypted = laptop.join("加密.db");
    std::fs::write(&encrypted, &noise).unwrap();
    let (code, _, err) = run(canbao(&drive).arg("import").arg(&encrypted));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("这像是加密的 canbao 数据文件（也可能是已损坏或加密的其他文件），不是班级名单"), "{err}");
    assert!(err.contains(&format!("merge '{}'", encrypted.display())), "{err}");
    assert_eq!(err.contains("--features encryption"), !cfg!(feature = "encryption"), "{err}");
    // Under a list's name, a damaged list more likely than a drive.
    let damaged = laptop.join("名单.xlsx");
    std::fs::write(&damaged, &noise).unwrap();
    let (code, _, err) = run(canbao(&drive).arg("import").arg(&damaged));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("这个文件的内容像是已损坏或加密的数据，不是能读的表格：请重新取得这份名单"), "{err}");
    assert!(!err.contains("merge"), "{err}");
    assert_eq!(pupils(&drive), before, "nothing imported");
    // Nor does an export replace an encrypted drive that lost its `.db`.
    let unnamed = laptop.join("加密");
    std::fs::write(&unnamed, &noise).unwrap();
    let (code, _, err) = run(canbao(&drive).args(["export", "sheet", "--format", "csv", "--out"]).arg(&unnamed));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("不覆盖") && err.contains("这像是加密的数据文件（或已损坏的文件）"), "{err}");
    assert!(!err.contains("merge"), "{err}");
    assert_eq!(std::fs::read(&unnamed).unwrap(), noise);
}

/// A class list of `pupils` (name, ID number without its check character, class) in `dir`.
#[cfg(unix)]
fn class_list(dir: &Path, name: &str, pupils: &[(&str, &str, &str)]) -> PathBuf {
    let mut text = String::from("学校,姓名,身份证号码,班级\n");
    for (pupil, number, class) in pupils {
        let number = format!("{number}{}", canbao::domain::id_number::check_char(number.as_bytes()));
        text.push_str(&format!("城关镇第一小学,{pupil},{number},{class}\n"));
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The other commands canbao says to type, on a drive named by `--db` in a folder whose name has a space: the
/// clearing of a payment a mark was refused over, the choice of a policy just made, the old year's stats and the
/// leavers after a new year, the marking of those leavers. Each, typed as said without `CANBAO_DB`, acts on
/// that drive (the default one, which does not exist, would refuse or be made empty).
#[cfg(unix)]
#[test]
fn every_command_canbao_says_to_type_reaches_the_drive_it_was_given() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("my drives (2026)");
    std::fs::create_dir_all(&folder).unwrap();
    // The hints' runs share the drive's config folder (`canbao` puts it beside the drive), as an operator's do.
    let home = folder.as_path();
    let default_drive = home.join("data").join("canbao").join("canbao.db");
    let pupils3 = [("甲", "45020220190301002", "一年级1班"), ("乙", "45020220190301010", "一年级1班")];
    let pupils = [pupils3[0], pupils3[1], ("丙", "45020220190301029", "一年级1班")];
    let drive = folder.join("school drive.db");
    ok(canbao(&drive).arg("import").arg(class_list(dir.path(), "a.csv", &pupils)));
    let number = |i: usize| {
        let n = pupils[i].1;
        format!("{n}{}", canbao::domain::id_number::check_char(n.as_bytes()))
    };
    let found = |i: usize| json(canbao(&drive).args(["find", &number(i), "--json"]))[0].clone();

    // A mark refused over a payment: the clearing it offers clears it on this drive.
    ok(canbao(&drive).args(["mark", &number(0), "--payment", "paid", "--amount", "380", "--channel", "微信"]));
    let (code, _, err) = run(canbao(&drive).args(["mark", &number(0), "--enrollment", "declined", "--reason", "x"]));
    assert_eq!(code, 1, "{err}");
    let clear = said_between(&err, "请先清除：", &["（"]);
    assert!(clear.starts_with("canbao --db '"), "named and quoted: {clear}");
    let (code, _, err) = run_hint(clear, home);
    assert_eq!(code, 0, "{clear}: {err}");
    assert_eq!(found(0)["payment"], "unpaid", "{clear}");

    // A policy made on this laptop: the choice it offers is made for this drive.
    let year = json(canbao(&drive).args(["year", "list", "--json"]))
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["current"] == true)
        .and_then(|y| y["year"].as_i64())
        .expect("a current year");
    let made =
        ok(canbao(&drive).args(["policy", "new", "ours-2099", "--from", "yibin-2024", "--year"]).arg(year.to_string()));
    let choose = said_between(&made, "选定：", &[" (to use it)"]);
    let (code, _, err) = run_hint(choose, home);
    assert_eq!(code, 0, "{choose}: {err}");
    assert!(ok(canbao(&drive).args(["policy", "list"])).lines().any(|l| l.starts_with("* ours-2099")), "{choose}");

    // A new year: the old year's stats and the leavers it offers are this drive's.
    let next = (year + 1).to_string();
    let (code, started, err) = run(canbao(&drive).args(["year", "new", &next, "--promote"]));
    let started = if code == 0 {
        started
    } else {
        // While this year's concentrated period is open (the policy is made for today's year): refused, with the
        // command that starts it all the same, which must reach this drive as well.
        let forced = said_between(&err, "确需现在开始：", &["。未做任何修改"]);
        let (code, out, err) = run_hint(forced, home);
        assert_eq!(code, 0, "{forced}: {err}");
        out
    };
    let old_stats = said_between(&started, &format!("查看 {year} 年度："), &["；"]);
    let (code, out, err) = run_hint(old_stats, home);
    assert_eq!(code, 0, "{old_stats}: {err}");
    assert_eq!(out, ok(canbao(&drive).args(["--year", &year.to_string(), "stats"])), "{old_stats}");
    let leavers = said_between(&started, "导入新生名单后用 ", &[" 查看"]);
    let (code, _, err) = run_hint(leavers, home);
    assert_eq!(code, 0, "{leavers}: {err}");

    // This year's list leaves 丙 out: the leavers the import points to, and the marking they offer.
    let this_year: Vec<_> = pupils3.iter().map(|(n, id, _)| (*n, *id, "二年级1班")).collect();
    let imported = ok(canbao(&drive).arg("import").arg(class_list(dir.path(), "b.csv", &this_year)));
    let see = said_between(&imported, "同班同学在名单中）：", &[" 查看"]);
    let (code, out, err) = run_hint(see, home);
    assert_eq!(code, 0, "{see}: {err}");
    assert!(out.contains("丙"), "{see}: {out}");
    let mark = said_between(&out, "确认后用 ", &[" 登记为已离校"]);
    let (code, _, err) = run_hint(mark, home);
    assert_eq!(code, 0, "{mark}: {err}");
    assert_eq!(found(2)["enrollment"], "left", "{mark}");
    assert!(!default_drive.exists(), "no hint reached the default drive");
}

/// A drive an older canbao made, opened read-only (it cannot be upgraded then), is said to be one, with the way
/// on, before the command runs, where a command reading what the older one did not keep failed with SQLite's
/// own words alone; a drive of this canbao's schema is not.
#[test]
fn an_older_drive_opened_read_only_is_said_to_be_one_with_the_way_on() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let out = canbao(&db).args(["--read-only", "find", "一"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("较旧版本"), "{}", String::from_utf8_lossy(&out.stderr));
    rusqlite::Connection::open(&db).unwrap().pragma_update(None, "user_version", 4).unwrap();
    let out = canbao(&db).args(["--read-only", "find", "一"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("数据文件由较旧版本的 canbao 建立（数据版本 4") && said.contains("不加 --read-only"),
        "{said}"
    );
    let out = canbao(&db).args(["--lang", "en", "--read-only", "find", "一"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("an older canbao made this drive (schema 4") && !said.contains("较旧"), "{said}");
}

/// Paths whose names are not UTF-8 (GBK names from a USB stick, or a zip made on Windows unpacked on Linux): an
/// error about such a path is said, in words, never a panic.
#[cfg(unix)]
#[test]
fn a_path_that_is_not_utf8_is_said_never_a_panic() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    // 「班级」 and 「二年级名单」 in GBK.
    let gbk = |bytes: &[u8]| dir.path().join(OsStr::from_bytes(bytes));
    let missing_list = gbk(b"\xb0\xe0\xbc\xb6.csv");
    let missing_drive = gbk(b"\xb6\xfe\xc4\xea\xbc\xb6.db");
    let commands: Vec<Vec<&OsStr>> = vec![
        vec![OsStr::new("import"), missing_list.as_os_str(), OsStr::new("--dry-run")],
        vec![OsStr::new("reconcile"), missing_list.as_os_str(), OsStr::new("--source"), OsStr::new("tax")],
        vec![OsStr::new("merge"), missing_drive.as_os_str()],
        vec![OsStr::new("restore"), missing_drive.as_os_str()],
    ];
    for args in commands {
        let (code, _, err) = run(canbao(&db).args(&args));
        assert!(code != 101 && !err.contains("panicked"), "{args:?}: {code} {err}");
        assert!(code != 0 && err.contains("错误"), "{args:?}: {code} {err}");
    }
    let (code, _, err) = run(canbao(&missing_drive).arg("stats"));
    assert!(code != 101 && !err.contains("panicked"), "stats: {code} {err}");
}

/// A drive kept in a folder whose name is not UTF-8 (「班级」 in GBK: a USB stick, or a zip made on Windows
/// unpacked on Linux) is backed up, restored, merged and moved to the next year there as anywhere, where each
/// stopped at SQLite's "unable to open database file" (the folder's name reached SQLite as lossy text).
#[cfg(unix)]
#[test]
fn a_drive_in_a_folder_whose_name_is_not_utf8_is_backed_up_restored_merged_and_moved_on() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join(OsStr::from_bytes(b"\xb0\xe0\xbc\xb6"));
    assert!(folder.to_str().is_none(), "not UTF-8");
    std::fs::create_dir(&folder).unwrap();
    let db = ten_pupils(&folder, "drive.db");
    let id = first_id(&db);
    let note = |db: &Path| Store::open_read_only(db).unwrap().student_by_id_number(&id).unwrap().expect("a pupil").note;
    let pupils = |db: &Path| json(canbao(db).args(["stats", "--json"]))["students"].as_u64().unwrap();
    // Said readably, the name's bytes that are no text as U+FFFD, never a panic.
    let shown = folder.display().to_string();
    let said = ok(canbao(&db).arg("backup"));
    assert!(said.contains("已备份") && said.contains(&shown), "{said}");
    // `paths --json` prints its object, the folder as shown text, where serde refused the path and printed none.
    let paths = json(canbao(&db).args(["paths", "--json"]));
    assert!(paths["drive"].as_str().is_some_and(|d| d.contains(&shown) && d.ends_with("drive.db")), "{paths}");
    let copy = folder.join("copy.db");
    ok(canbao(&db).arg("backup").arg(&copy));
    ok(canbao(&db).args(["mark", &id, "--note", "before the restore"]));
    let said = ok(canbao(&db).arg("restore").arg(&copy));
    assert!(said.contains(&shown), "{said}");
    assert_eq!((note(&db).as_str(), pupils(&db)), ("", 10), "the backup's data came back");
    // Another laptop's copy, with a mark of its own, merged back.
    let other = folder.join("other.db");
    ok(canbao(&db).arg("backup").arg(&other));
    ok(canbao(&other).args(["mark", &id, "--note", "on the other laptop"]));
    let merged = json(canbao(&db).args(["merge", "--json"]).arg(&other));
    assert_eq!(merged["updated"], 1, "{merged}");
    assert_eq!(note(&db), "on the other laptop");
    let year = |db: &Path| -> i64 {
        let years = json(canbao(db).args(["year", "list", "--json"]));
        years.as_array().unwrap().iter().find(|y| y["current"] == true).and_then(|y| y["year"].as_i64()).unwrap()
    };
    let before = year(&db);
    let started = json(canbao(&db).args(["year", "new", &(before + 1).to_string(), "--promote", "--force", "--json"]));
    assert_eq!((&started["promoted"], &started["graduated"]), (&9.into(), &1.into()), "{started}");
    assert_eq!((year(&db), pupils(&db)), (before + 1, 9), "the 大班 pupil left kindergarten");
    let backups: Vec<String> = std::fs::read_dir(folder.join("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for reason in ["manual", "restore", "merge", "year"] {
        assert!(backups.iter().any(|b| b.ends_with(&format!("-{reason}.db"))), "{reason}: {backups:?}");
    }
}

/// The drive of the ten pupils, one of them paid and one declined, as a canbao of schema `version` left it: what
/// the later schemas added is taken away again, and the version set back.
fn older_drive(dir: &Path, version: i64) -> PathBuf {
    let db = ten_pupils(dir, &format!("v{version}.db"));
    ok(canbao(&db).args(["policy", "use", "liuzhou-2023"]));
    let id = first_id(&db);
    ok(canbao(&db).args(["mark", &id, "--payment", "paid", "--amount", "380", "--paid-on", "2026-10-08"]));
    ok(canbao(&db).args([
        "mark",
        "--name",
        "吴凯远",
        "--class",
        "三年级2班",
        "--enrollment",
        "declined",
        "--reason",
        "已在外地参保",
    ]));
    let conn = rusqlite::Connection::open(&db).unwrap();
    canbao::store::schema::register_functions(&conn).unwrap();
    // Each schema's additions, newest first (see store::schema::MIGRATIONS).
    let added: [(i64, &str); 16] = [
        (17, "DROP INDEX students_converted_name;"),
        (16, "DELETE FROM meta WHERE key = 'kept_numbers_changed';"),
        (
            15,
            "DROP TRIGGER audit_kept_number; DROP TABLE kept_numbers;
             DELETE FROM meta WHERE key = 'kept_numbers_changed';",
        ),
        (14, "ALTER TABLE students DROP COLUMN ethnicity; ALTER TABLE students DROP COLUMN address;"),
        (13, "DROP INDEX audit_unapplied;"),
        (
            12,
            "DROP TRIGGER meta_policy_copy_keep_years;
             DELETE FROM meta WHERE key LIKE 'year!_policy!_copy:%' ESCAPE '!';",
        ),
        (11, "DROP TRIGGER students_categories_keep_years; DROP TABLE year_categories;"),
        (10, "DROP INDEX audit_renamed_from;"),
        (9, "DROP INDEX audit_corrected_from;"),
        (8, "DELETE FROM meta WHERE key IN ('merge_copies_from', 'search_keys_outdated');"),
        (7, "DROP TABLE receipts;"),
        (
            6,
            "ALTER TABLE year_statuses DROP COLUMN grade;
             ALTER TABLE year_statuses DROP COLUMN class;
             ALTER TABLE year_statuses DROP COLUMN class_order;",
        ),
        (
            5,
            "DROP TABLE year_statuses;
             ALTER TABLE audit DROP COLUMN year;
             ALTER TABLE students DROP COLUMN categories_year;
             ALTER TABLE students DROP COLUMN seen_year;
             DELETE FROM meta WHERE key IN ('current_year', 'first_year') OR key LIKE 'policy!_%' ESCAPE '!';",
        ),
        (4, "DROP INDEX students_bad_name;"),
        (
            3,
            "DROP TRIGGER students_name_order_insert;
             DROP TRIGGER students_name_order_update;
             DROP INDEX students_roster;
             ALTER TABLE students DROP COLUMN name_order;
             CREATE INDEX students_roster ON students(school_id, class_order, name);",
        ),
        (
            2,
            "CREATE TABLE search_keys (student_id INTEGER PRIMARY KEY REFERENCES students(id), key TEXT NOT NULL);
             INSERT INTO search_keys(student_id, key)
                 SELECT id, canbao_search_key(name, id_number, grade, class) FROM students;
             DROP TABLE search_blocks;",
        ),
    ];
    assert_eq!(
        canbao::store::schema::latest_version(),
        18,
        "a later schema's additions are taken away here too (18 changes rows only)"
    );
    for (step, sql) in added {
        if version < step {
            conn.execute_batch(sql).unwrap();
        }
    }
    // Made before drives were marked as canbao's.
    conn.pragma_update(None, "application_id", 0).unwrap();
    conn.pragma_update(None, "user_version", version).unwrap();
    db
}

/// Every command that only reads works on a drive an older canbao made, opened read-only (it cannot be
/// upgraded then), and a backup of it is taken: it is read as that canbao kept it, where `stats` and `check` said
/// it was older and then failed with SQLite's own "no such column: year".
#[test]
fn every_reading_command_reads_an_older_drive_opened_read_only() {
    let dir = tempfile::tempdir().unwrap();
    for version in 1..canbao::store::schema::latest_version() {
        let db = older_drive(dir.path(), version);
        let before = std::fs::read(&db).unwrap();
        let out = dir.path().join(format!("forms-{version}"));
        std::fs::create_dir(&out).unwrap();
        let read_only = |args: &[&str]| {
            let (code, stdout, stderr) = run(canbao(&db).arg("--read-only").args(args));
            assert_eq!(code, 0, "schema {version}, {args:?}: {stderr}");
            assert!(!stderr.contains("no such"), "schema {version}, {args:?}: {stderr}");
            assert!(stderr.contains(&format!("数据版本 {version}")), "schema {version}, {args:?}: {stderr}");
            stdout
        };
        let stats: Value = serde_json::from_str(&read_only(&["stats", "--json"])).unwrap();
        assert_eq!(stats["students"], 10, "schema {version}: {stats}");
        assert_eq!(stats["payment"]["paid"], 1, "schema {version}: {stats}");
        read_only(&["stats"]);
        read_only(&["check"]);
        read_only(&["check", "--json"]);
        let found: Value = serde_json::from_str(&read_only(&["find", "wky", "--json"])).unwrap();
        assert_eq!(found[0]["name"], "吴凯远", "schema {version}: {found}");
        assert_eq!(found[0]["enrollment"], "declined", "schema {version}: {found}");
        read_only(&["find", "三年级"]);
        for form in ["sheet", "classes"] {
            read_only(&["export", form, "--mask", "--out", out.to_str().unwrap()]);
        }
        assert_eq!(std::fs::read_dir(&out).unwrap().count(), 2, "schema {version}: the forms were written");
        read_only(&["exports"]);
        read_only(&["year", "list"]);
        read_only(&["year", "leavers"]);
        let copy = dir.path().join(format!("copy-{version}.db"));
        read_only(&["backup", copy.to_str().unwrap()]);
        let copied: Value = json(canbao(&copy).args(["--read-only", "stats", "--json"]));
        assert_eq!(copied["students"], 10, "schema {version}: the backup holds the drive: {copied}");
        assert_eq!(std::fs::read(&db).unwrap(), before, "schema {version}: the drive is as it was");
    }
}

/// A drive in a folder the operator may only read is read by the commands that only read it (stats, find, check,
/// export) without --read-only: they open it read-only by themselves, say so, and change nothing; an export of
/// whole ID numbers, which must be recorded in the drive, says why it cannot be. Before, each failed with
/// 「数据文件所在的文件夹是只读的」 and asked for --read-only.
#[cfg(unix)]
#[test]
fn reading_commands_open_a_drive_in_a_read_only_folder_read_only_by_themselves() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let stick = dir.path().join("stick");
    std::fs::create_dir(&stick).unwrap();
    let drive = ten_pupils(&stick, "a.db");
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    hand_over(&work, 0o700);
    hand_over(&stick, 0o555);
    let before = tree(&stick);
    let Some(_) = as_operator(&drive, &work) else {
        hand_over(&stick, 0o755);
        return;
    };
    let operator = || as_operator(&drive, &work).expect("ran before");
    let (code, out, err) = run(operator().args(["stats", "--json"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap()["students"], 10, "{out}");
    assert!(err.contains("只读的，已只读打开"), "{err}");
    let (code, out, err) = run(operator().args(["find", "周静露", "--json"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(serde_json::from_str::<Value>(&out).unwrap().as_array().map(Vec::len), Some(1), "{out}");
    let (code, _, err) = run(operator().arg("check"));
    assert!(err.contains("已只读打开") && !err.contains("不能打开来修改"), "{code}: {err}");
    let sheet = work.join("sheet.xlsx");
    let (code, _, err) = run(operator().args(["export", "sheet", "--mask", "--out"]).arg(&sheet));
    assert_eq!(code, 0, "{err}");
    assert!(work.join("sheet-打码.xlsx").exists());
    let (code, _, err) = run(operator().args(["export", "sheet", "--out"]).arg(&sheet));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("不能导出含完整身份证号码的表格") && err.contains("--mask") && !sheet.exists(), "{err}");
    let (_, _, err) = run(operator().args(["--lang", "en", "stats"]));
    assert!(err.contains("the drive's folder is read-only, so the drive is opened read-only"), "{err}");
    hand_over(&stick, 0o755);
    assert!(tree(&stick) == before, "the stick is as it was");
}

/// A command that changes nothing, given `--operator` (a one-off `find … --json` to compare two laptops), leaves the
/// drive as it was: the name it remembers stays, and a later change without `--operator` is recorded under it, not
/// under the name given to the `find`.
#[test]
fn a_command_that_only_reads_remembers_no_operator() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    ok(canbao(&db).env("CANBAO_OPERATOR", "张老师").arg("import").arg(fixture("utf8_bom.csv")));
    let remembered = |db: &Path| -> String {
        let store = Store::open_read_only(db).expect("open");
        store.meta("last_operator").unwrap().unwrap_or_default()
    };
    assert_eq!(remembered(&db), "张老师");
    let before = std::fs::read(&db).unwrap();
    let sheet = dir.path().join("sheet.xlsx");
    for args in [
        &["find", "周静露", "--json"][..],
        &["stats", "--json"],
        &["check"],
        &["export", "sheet", "--mask", "--out", sheet.to_str().unwrap()],
    ] {
        ok(canbao(&db).env_remove("CANBAO_OPERATOR").args(["--operator", "路人甲"]).args(args));
        assert_eq!(remembered(&db), "张老师", "{args:?}");
    }
    assert!(std::fs::read(&db).unwrap() == before, "a command that only reads wrote the drive");
    let id = first_id(&db);
    ok(canbao(&db).env_remove("CANBAO_OPERATOR").args(["mark", &id, "--note", "x"]));
    let store = Store::open_read_only(&db).expect("open");
    let by: String = store
        .connection()
        .query_row("SELECT operator FROM audit WHERE field = 'note' ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .expect("the note's row");
    assert_eq!(by, "张老师");
}

/// A drive copied in from a USB stick or a shared folder is 0644, and so are its `-wal`, `-shm` and backups: the
/// first command narrows each to 0600 and says so once on stderr (Chinese with the English; English alone with
/// `--lang en`); the next says nothing. One of another user's is named, never changed.
#[cfg(unix)]
#[test]
fn a_drive_others_can_read_is_narrowed_to_its_owner_and_said_once() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let mode = |p: &Path| std::fs::metadata(p).expect("meta").mode() & 0o777;
    let open_to_all = |p: &Path| std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let dir = tempfile::tempdir().expect("dir");
    let db = ten_pupils(dir.path(), "canbao.db");
    ok(canbao(&db).arg("backup"));
    let backups: Vec<PathBuf> =
        std::fs::read_dir(dir.path().join("backups")).expect("backups").map(|e| e.expect("entry").path()).collect();
    assert!(!backups.is_empty());
    let wal = dir.path().join("canbao.db-wal");
    std::fs::write(&wal, b"").expect("wal");
    for file in backups.iter().chain([&db, &wal]) {
        open_to_all(file);
    }
    let (code, _, err) = run(canbao(&db).arg("stats"));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("其他用户也能读（权限 0644") && err.contains("0600"), "{err}");
    assert_eq!(err.matches("0644").count(), 2, "said once, in both languages: {err}");
    // The `-wal` is gone once SQLite closes the drive, having been narrowed before it opened it.
    for file in backups.iter().chain([&db, &wal]).filter(|f| f.exists()) {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    let (_, _, err) = run(canbao(&db).arg("stats"));
    assert!(!err.contains("0644"), "said once: {err}");
    open_to_all(&db);
    let (_, _, err) = run(canbao(&db).args(["--lang", "en", "stats"]));
    assert!(err.contains("could be read by others (mode 0644") && !err.contains("其他用户"), "{err}");
    assert_eq!(mode(&db), 0o600);
    // Another user's drive: named, left as it is (only a run as root can make one here).
    if std::fs::metadata(&db).expect("meta").uid() == 0 {
        open_to_all(&db);
        std::os::unix::fs::chown(&db, Some(65534), None).expect("chown");
        let (_, _, err) = run(canbao(&db).arg("stats"));
        assert!(err.contains("canbao 无法更改") && err.contains("chmod 600"), "{err}");
        assert_eq!(mode(&db), 0o644);
    }
}

/// A drive readable by others in a folder others may write to (a share set up for a colleague to read the
/// teacher's drive) is said, and left as it is: narrowing it locked the colleague out of a share made on purpose.
#[cfg(unix)]
#[test]
fn a_drive_shared_in_a_folder_others_write_to_is_said_and_left_shared() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("dir");
    let share = dir.path().join("share");
    std::fs::create_dir(&share).expect("share");
    let db = ten_pupils(&share, "canbao.db");
    std::fs::set_permissions(&share, std::fs::Permissions::from_mode(0o777)).expect("chmod share");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod drive");
    let (code, _, err) = run(canbao(&db).arg("stats"));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("共享文件夹") && err.contains("chmod 600"), "{err}");
    let mode = std::fs::metadata(&db).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o644, "a share made on purpose is left as it is");
}

/// A drive an earlier canbao brought to schema 15 before that step marked the renumbering (no `kept_numbers_changed`
/// in its meta, as `older_drive` strips schema 16's addition) is marked on opening: its first `check` says once
/// that the numbers are the fixed ones now, and a `--dismiss N` before it is refused as on any renumbered drive.
/// Before, such a drive never got the notice.
#[test]
fn a_drive_brought_to_fixed_numbers_by_an_earlier_canbao_is_told_of_the_renumbering_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = ten_pupils(dir.path(), "v15.db");
    let first17 = "45020320170906416";
    let stranger = format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()));
    let day = ((chrono::Utc::now() + chrono::Duration::hours(8)).date_naive() - chrono::Duration::days(30)).to_string();
    let tax = dir.path().join("tax.csv");
    std::fs::write(&tax, format!("姓名,证件号码,缴费金额,缴费日期\n陌生人,{stranger},380,{day}\n")).unwrap();
    ok(canbao(&db).args(["reconcile", "--source", "tax", "--keep-unmatched"]).arg(&tax));
    {
        // As the earlier canbao's step 15 left it: numbered, no mark.
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch("DELETE FROM meta WHERE key = 'kept_numbers_changed'; PRAGMA user_version = 15;").unwrap();
    }
    let (code, _, err) = run(canbao(&db).args(["check", "--dismiss", "1", "--why", "已核实"]));
    assert_eq!(code, 1, "a number before the notice is refused: {err}");
    assert!(err.contains("编号已改为记入时的固定编号"), "{err}");
    let text = ok(canbao(&db).arg("check"));
    assert!(text.contains("编号已改为记入时的固定编号"), "{text}");
    let text = ok(canbao(&db).arg("check"));
    assert!(!text.contains("编号已改为记入时的固定编号"), "said once: {text}");
}

/// A drive the previous canbao left (one schema older) opened by any command without --read-only is copied into
/// its backups folder before the upgrade changes it, as the read-only note promises (「会先自动备份再升级」): the
/// copy is the drive as it was, at its old schema, the older canbao's on the other laptops can still open. Before,
/// `stats` upgraded it in place with no copy at all. A drive already at the latest schema takes no such copy.
#[test]
fn an_older_drive_is_backed_up_before_it_is_upgraded() {
    let dir = tempfile::tempdir().unwrap();
    let older = canbao::store::schema::latest_version() - 1;
    let db = older_drive(dir.path(), older);
    let backups = dir.path().join("backups");
    let upgrades = || -> Vec<PathBuf> {
        std::fs::read_dir(&backups)
            .map(|d| d.map(|e| e.unwrap().path()).filter(|p| p.to_string_lossy().ends_with("-upgrade.db")).collect())
            .unwrap_or_default()
    };
    assert!(upgrades().is_empty());
    let stats: Value = json(canbao(&db).args(["stats", "--json"]));
    assert_eq!(stats["students"], 10, "{stats}");
    let taken = upgrades();
    assert_eq!(taken.len(), 1, "one copy before the upgrade: {taken:?}");
    let version = |path: &Path| -> i64 {
        rusqlite::Connection::open(path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
    };
    assert_eq!(version(&taken[0]), older, "the copy is the drive as the older canbao left it");
    assert_eq!(version(&db), canbao::store::schema::latest_version(), "the drive itself is upgraded");
    let copied: Value = json(canbao(&taken[0]).args(["--read-only", "stats", "--json"]));
    assert_eq!(copied["students"], 10, "the copy holds the pupils: {copied}");
    ok(canbao(&db).args(["stats"]));
    assert_eq!(upgrades().len(), 1, "an upgraded drive is not copied again");
}
