//! A disk that fills up, and files that are not what they should be: what canbao leaves behind and what it
//! says. A real full disk needs a mount, which a test may not rely on; the system's own limit on file size
//! (`RLIMIT_FSIZE`, with its signal ignored, so a write past it fails as a write on a full disk does) makes every
//! write of the command fail where a full disk would, and the words for the full disk itself are checked
//! beside the code that says them.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// canbao on `db`, with its config folder under `home`.
fn canbao(db: &Path, home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("canbao").expect("binary");
    cmd.arg("--db")
        .arg(db)
        .env_remove("CANBAO_DB")
        .env("CANBAO_OPERATOR", "测试")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"));
    cmd
}

/// A drive (`drive.db`) holding the ten pupils of the UTF-8 fixture, in a folder of its own that is also the
/// home folder [`canbao`] is given.
fn ten_pupils() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    canbao(&db, dir.path()).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    (dir, db)
}

/// As [`canbao`], where no file may grow past `bytes`: each write past it fails (EFBIG), as on a full disk.
fn canbao_limited(db: &Path, home: &Path, bytes: u64) -> Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("canbao"));
    cmd.arg("--db")
        .arg(db)
        .env_remove("CANBAO_DB")
        .env("CANBAO_OPERATOR", "测试")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: between fork and exec only async-signal-safe calls (signal, setrlimit), touching no memory
        // of the parent's but the limit on this stack.
        unsafe {
            cmd.pre_exec(move || {
                libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
                let limit = libc::rlimit { rlim_cur: bytes as libc::rlim_t, rlim_max: bytes as libc::rlim_t };
                if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    Command::from_std(cmd)
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match std::fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// `policy new` whose write fails leaves no file behind (an empty one would break every later command), and
/// the next commands work.
#[cfg(unix)]
#[test]
fn a_policy_file_that_cannot_be_written_is_not_left_behind() {
    let (dir, db) = ten_pupils();
    let home = dir.path();
    canbao(&db, home).args(["policy", "use", "liuzhou-2023"]).assert().success();
    let policies = home.join("config/canbao/policies");

    let out = canbao_limited(&db, home, 0)
        .args(["policy", "new", "liuzhou-x", "--from", "liuzhou-2023", "--year", "2027"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("liuzhou-x.toml") && stderr(&out).contains("政策文件未写入"), "{}", stderr(&out));
    assert_eq!(files_in(&policies), Vec::<String>::new(), "nothing left in the policies folder");

    let stats = canbao(&db, home).arg("stats").output().unwrap();
    assert!(stats.status.success(), "{}", stderr(&stats));
    canbao(&db, home)
        .args(["policy", "new", "liuzhou-x", "--from", "liuzhou-2023", "--year", "2027"])
        .assert()
        .success();
    assert_eq!(files_in(&policies), ["liuzhou-x.toml"]);
}

/// A broken file in the config folder's `policies/` stops only a drive that uses it: `stats`, `policy list` and
/// `year new` go on, naming it as a policy file (政策文件, not the drive's 数据文件), with its path and why.
#[test]
fn one_broken_policy_file_stops_only_the_drive_that_uses_it() {
    let (dir, db) = ten_pupils();
    let home = dir.path();
    // The drive's own year's policy: `year new` makes the next year's from no other year's.
    canbao(&db, home)
        .args(["policy", "new", "liuzhou-2027", "--from", "liuzhou-2023", "--year", "2027"])
        .assert()
        .success();
    canbao(&db, home).args(["policy", "use", "liuzhou-2027"]).assert().success();
    let policies = home.join("config/canbao/policies");
    std::fs::create_dir_all(&policies).unwrap();
    // One a full disk cut short, one a hand edit broke.
    std::fs::write(policies.join("liuzhou-x.toml"), "").unwrap();
    std::fs::write(policies.join("liuzhou-y.toml"), "title = \"柳州\"\n").unwrap();
    let named =
        |text: &str, file: &str| text.contains("政策文件") && text.contains(&policies.join(file).display().to_string());

    let stats = canbao(&db, home).arg("stats").output().unwrap();
    assert!(stats.status.success(), "{}", stderr(&stats));
    assert!(stdout(&stats).contains("学生"), "{}", stdout(&stats));
    assert!(named(&stderr(&stats), "liuzhou-x.toml") && named(&stderr(&stats), "liuzhou-y.toml"), "{}", stderr(&stats));
    assert!(!stderr(&stats).contains("数据文件"), "{}", stderr(&stats));

    let list = canbao(&db, home).args(["policy", "list"]).output().unwrap();
    assert!(list.status.success(), "{}", stderr(&list));
    let text = stdout(&list);
    assert!(text.contains("* liuzhou-2027") && text.contains("yibin-2024"), "{text}");
    let broken = text.lines().find(|l| l.contains("liuzhou-y")).unwrap_or_default();
    assert!(named(broken, "liuzhou-y.toml") && broken.contains("格式有误") && broken.contains("无法使用"), "{text}");
    assert!(text.lines().any(|l| named(l, "liuzhou-x.toml") && l.contains("空")), "{text}");
    let json = canbao(&db, home).args(["policy", "list", "--json"]).output().unwrap();
    assert!(json.status.success(), "{}", stderr(&json));
    let listed: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(listed.as_array().unwrap().iter().all(|p| p["title"].is_string()), "{listed}");
    assert!(named(&stderr(&json), "liuzhou-y.toml"), "{}", stderr(&json));

    // --force: 2027's concentrated period may be open on the day the test runs, which is not this test's matter.
    let year = canbao(&db, home).args(["year", "new", "2028", "--promote", "--force"]).output().unwrap();
    assert!(year.status.success(), "{}", stderr(&year));
    assert!(policies.join("liuzhou-2028.toml").is_file());

    // A drive that uses the broken file is stopped, and told which file and why.
    let other = home.join("other.db");
    canbao(&other, home).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let used = canbao(&other, home).args(["policy", "use", "liuzhou-y"]).output().unwrap();
    assert_eq!(used.status.code(), Some(1));
    assert!(named(&stderr(&used), "liuzhou-y.toml") && stderr(&used).contains("无法使用"), "{}", stderr(&used));
}

/// A policy file that breaks after the drive chose it stops the forms that quote amounts, but not `check`: its
/// duplicates and invalid numbers are still listed, and it says the underpayments were not checked and why.
#[test]
fn a_policy_file_broken_after_it_was_chosen_leaves_check_working() {
    let (dir, db) = ten_pupils();
    let home = dir.path();
    canbao(&db, home)
        .args(["policy", "new", "liuzhou-z", "--from", "liuzhou-2023", "--year", "2027"])
        .assert()
        .success();
    canbao(&db, home).args(["policy", "use", "liuzhou-z"]).assert().success();
    let file = home.join("config/canbao/policies/liuzhou-z.toml");
    std::fs::write(&file, "title = \"柳州\"\n").unwrap();
    for args in [&["check"][..], &["check", "--json"]] {
        let out = canbao(&db, home).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let told = stderr(&out);
        assert!(told.contains(&file.display().to_string()) && told.contains("少缴"), "{args:?}: {told}");
        if args.len() == 2 {
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert!(report["students"].as_u64().unwrap_or(0) > 0, "{report}");
        }
    }
}

/// `--read-only` where SQLite cannot grow the `-shm` beside the drive (a full disk; here a limit on file size)
/// reads the drive as it is, as on read-only media; never calls it damaged. Without `--read-only`, a reading
/// command says it cannot open the drive, and nothing about unsaved changes.
#[cfg(unix)]
#[test]
fn a_drive_whose_shm_cannot_grow_is_read_as_it_is_and_never_called_damaged() {
    let (dir, db) = ten_pupils();
    let home = dir.path();
    let before = std::fs::read(&db).unwrap();
    for args in [&["--read-only", "stats", "--json"][..], &["--read-only", "find", "周", "--json"]] {
        let out = canbao_limited(&db, home, 16).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(serde_json::from_slice::<serde_json::Value>(&out.stdout).is_ok(), "{args:?}");
    }
    for args in [&["stats"][..], &["find", "周"]] {
        let out = canbao_limited(&db, home, 16).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let told = stderr(&out);
        assert!(told.contains("-shm") && !told.contains("损坏") && !told.contains("修改未保存"), "{args:?}: {told}");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "the drive is as it was");
}

/// A command that can do nothing on an empty drive, given a path that names no file (a typo), says so and
/// makes nothing; a folder given as the drive is said to be one.
#[test]
fn a_missing_drive_is_not_made_by_a_command_that_needs_pupils_and_a_folder_is_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let list = fixture("utf8_bom.csv");
    let list = list.to_str().unwrap();
    let typo = home.join("typo.db");
    for args in [
        &["mark", "450202201711194162", "--payment", "paid", "--amount", "380"][..],
        &["school", "rename", "甲小学", "乙小学"],
        &["reconcile", "--source", "tax", list],
        &["reconcile", "--source", "tax", "--dry-run", list],
        &["year", "new", "2028"],
        &["year", "leavers", "--mark"],
        &["backup"],
    ] {
        let out = canbao(&typo, home).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(stderr(&out).contains("数据文件不存在"), "{args:?}: {}", stderr(&out));
        assert_eq!(files_in(home), Vec::<String>::new(), "{args:?} made nothing");
    }
    let folder = home.join("dir.db");
    std::fs::create_dir(&folder).unwrap();
    for args in [&["stats"][..], &["import", list], &["--read-only", "stats"]] {
        let out = canbao(&folder, home).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let told = stderr(&out);
        assert!(told.contains("是文件夹") && !told.contains("unable to open"), "{args:?}: {told}");
    }
}

/// An export that cannot be written (a full disk; here a limit on file size) names the file asked for, never
/// the hidden one written beside it, prints no library's debug line, leaves no folder it made, and leaves an
/// earlier export of the same name as it was.
#[cfg(unix)]
#[test]
fn an_export_that_cannot_be_written_leaves_no_folder_and_names_the_file_asked_for() {
    let (dir, db) = ten_pupils();
    let home = dir.path();
    // A masked copy's name says so: `--mask --out x.xlsx` writes x-打码.xlsx.
    let earlier = home.join("x-打码.xlsx");
    canbao(&db, home).args(["export", "sheet", "--mask", "--out"]).arg(home.join("x.xlsx")).assert().success();
    let bytes = std::fs::read(&earlier).unwrap();
    // --read-only: the drive is read as it is, without the -shm the limit would refuse. Such a window writes
    // only forms without whole ID numbers (an export of them is recorded in the drive): the masked copies.
    let cases: [(&[&str], PathBuf, &str); 6] = [
        (&["export", "sheet", "--mask", "--out"], home.join("x.xlsx"), "x-打码.xlsx"),
        (&["export", "sheet", "--mask", "--out"], home.join("new/x.xlsx"), "new/x-打码.xlsx"),
        (&["export", "classes", "--mask", "--out"], home.join("led"), "led/"),
        (&["export", "classes", "--mask", "--format", "csv", "--out"], home.join("ledc"), "ledc/"),
        (&["export", "classes", "--mask", "--make-folders", "--out"], home.join("cls/a/b"), "cls/a/b/"),
        (&["export", "summary", "--out"], home.join("sum"), "sum/"),
    ];
    let refused = canbao_limited(&db, home, 16)
        .arg("--read-only")
        .args(["export", "ledgers", "--out"])
        .arg(home.join("led"))
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    for (args, out, named) in cases {
        let run = canbao_limited(&db, home, 16).arg("--read-only").args(args).arg(&out).output().unwrap();
        assert_eq!(run.status.code(), Some(1), "{args:?}");
        let told = stderr(&run);
        assert!(told.contains(&home.join(named).display().to_string()), "{args:?}: {told}");
        assert!(!told.contains(".part") && !told.contains("ZipWriter"), "{args:?}: {told}");
    }
    assert_eq!(std::fs::read(&earlier).unwrap(), bytes, "the earlier export is as it was");
    for made in ["new", "led", "ledc", "cls", "sum"] {
        assert!(!home.join(made).exists(), "{made}: no folder left: {:?}", files_in(home));
    }
}

/// The screen's exports write into a hidden folder inside the one asked for: a file that cannot be written
/// there (here a name too long for the disk) is named where it was to go, and the folder the export made is
/// removed again.
#[test]
fn a_screen_export_that_fails_names_the_file_asked_for_and_leaves_no_folder() {
    use canbao::io::export::FileFormat;
    use canbao::io::sheet::ExportOptions;
    use canbao::tui::jobs::{JobOutcome, Work, execute};
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let db = home.join("drive.db");
    canbao(&db, home).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let mut store = canbao::store::Store::open(&db).unwrap();
    let options =
        ExportOptions { format: FileFormat::Xlsx, school: None, class: None, mask: false, date: store.today() };
    let out = home.join("表格");
    let long = format!("{}.xlsx", "名".repeat(90));
    let sheet = Work::Export { target: out.join(&long), options, policy: None };
    let JobOutcome::Failed(message) = execute(sheet, &mut store) else { panic!("written") };
    assert!(message.contains(&out.join(&long).display().to_string()), "{message}");
    assert!(!message.contains(".canbao-") && !message.contains(".part"), "{message}");
    assert!(!out.exists(), "the folder the export made is removed");
}
