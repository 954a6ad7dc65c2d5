//! Encryption at rest through the real binary: what is on disk, who can open it, and the way back to plain.
//! Built without the `encryption` feature only the last test runs: the commands exist and say why they fail.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn canbao(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("canbao").expect("binary");
    cmd.arg("--db").arg(db).env_remove("CANBAO_DB").env_remove("CANBAO_PASSPHRASE").env("CANBAO_OPERATOR", "测试");
    cmd
}

fn stderr_of(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().expect("runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[cfg(not(feature = "encryption"))]
#[test]
fn a_plain_build_has_the_commands_and_says_it_cannot_encrypt() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    canbao(&db).arg("import").arg(fixture("gbk_title.csv")).assert().success();
    let before = std::fs::read(&db).unwrap();
    for command in ["encrypt", "decrypt"] {
        let (code, err) = stderr_of(canbao(&db).arg(command).env("CANBAO_PASSPHRASE", "pw"));
        assert_eq!(code, 1, "{command}: {err}");
        assert!(
            err.contains("此版本的 canbao 不含加密功能") && err.contains("--features encryption"),
            "{command}: {err}"
        );
        // An operator cannot rebuild canbao: the Chinese half asks for no build.
        assert!(!err.contains("重新构建"), "{command}: {err}");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "the drive is untouched");
    // A passphrase for a drive that does not exist yet must not quietly make a plain one.
    let new = dir.path().join("new.db");
    let (code, err) =
        stderr_of(canbao(&new).arg("import").arg(fixture("gbk_title.csv")).env("CANBAO_PASSPHRASE", "pw"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--features encryption"), "{err}");
    assert!(!new.exists());
}

#[cfg(feature = "encryption")]
mod keyed {
    use super::*;
    use canbao::store::{Passphrase, Store};

    const PASS: &str = "长城 long wall 2024";
    const NAME: &str = "罗欣";
    const ID: &str = "450202201804074223";

    /// A drive with the fixture's pupils and a few audited marks.
    fn plain_drive(dir: &Path) -> PathBuf {
        let db = dir.join("drive.db");
        canbao(&db).arg("import").arg(fixture("gbk_title.csv")).assert().success();
        canbao(&db).args(["mark", ID, "--payment", "paid", "--amount", "400", "--note", "母亲代缴"]).assert().success();
        canbao(&db).args(["mark", ID, "--enrollment", "here"]).assert().success();
        db
    }

    fn contains(haystack: &[u8], needle: &str) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
    }

    fn assert_noise(path: &Path) {
        let bytes = std::fs::read(path).unwrap();
        assert!(bytes.len() >= 4096, "{} is a real file", path.display());
        assert_ne!(&bytes[..16], b"SQLite format 3\0", "{} has a plain header", path.display());
        for secret in [NAME, ID, "母亲代缴", "CREATE TABLE"] {
            assert!(!contains(&bytes, secret), "{secret:?} readable in {}", path.display());
        }
    }

    /// Every row of the tables that matter, as text, in storage order.
    fn dump(store: &Store) -> Vec<String> {
        let conn = store.connection();
        let mut rows = Vec::new();
        for table in ["schools", "students", "audit", "meta", "search_blocks"] {
            let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY rowid")).unwrap();
            let n = stmt.column_count();
            let mut q = stmt.query([]).unwrap();
            while let Some(r) = q.next().unwrap() {
                let cells: Vec<String> = (0..n).map(|i| cell(r.get_ref(i).unwrap())).collect();
                let row = format!("{table}: {}", cells.join("|"));
                // Converting takes a backup, which stamps its time and where it went (the converted file is a new
                // file): the rows expected to change.
                if !row.contains("\"last_backup\"") && !row.contains("\"last_backup_in\"") {
                    rows.push(row);
                }
            }
        }
        rows
    }

    fn cell(value: rusqlite::types::ValueRef) -> String {
        use rusqlite::types::ValueRef;
        match value {
            ValueRef::Null => "NULL".into(),
            ValueRef::Integer(i) => i.to_string(),
            ValueRef::Real(f) => f.to_string(),
            ValueRef::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
            ValueRef::Blob(b) => format!("blob {b:02x?}"),
        }
    }

    fn key() -> Passphrase {
        Passphrase::new(PASS).unwrap()
    }

    #[test]
    fn encrypt_hides_everything_and_decrypt_brings_every_row_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = plain_drive(dir.path());
        let before = dump(&Store::open(&db).unwrap());
        let plain_version: i64 =
            Store::open(&db).unwrap().connection().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert!(before.iter().any(|r| r.starts_with("audit:") && r.contains("母亲代缴")), "marks are audited");
        assert!(contains(&std::fs::read(&db).unwrap(), ID), "a plain drive shows its data: the check can fail");

        let out = canbao(&db).arg("encrypt").env("CANBAO_PASSPHRASE", PASS).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains("已加密") && said.contains("无法恢复"), "{said}");
        assert!(!said.contains(PASS) && !String::from_utf8_lossy(&out.stderr).contains(PASS));
        assert_noise(&db);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&db).unwrap().permissions().mode() & 0o777, 0o600);
        }

        let encrypted = Store::open_keyed(&db, Some(&key())).unwrap();
        assert!(encrypted.encrypted());
        let version: i64 = encrypted.connection().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version, plain_version, "the schema version travels with the data");
        assert_eq!(dump(&encrypted), before);
        drop(encrypted);

        // The binary reads it with the passphrase, and a change made now survives the way back.
        let found = canbao(&db).args(["find", ID, "--json"]).env("CANBAO_PASSPHRASE", PASS).output().unwrap();
        assert!(found.status.success());
        assert!(String::from_utf8_lossy(&found.stdout).contains(NAME));

        let out = canbao(&db).arg("decrypt").env("CANBAO_PASSPHRASE", PASS).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(&std::fs::read(&db).unwrap()[..16], b"SQLite format 3\0");
        assert_eq!(dump(&Store::open(&db).unwrap()), before, "every row and audit entry came back");
    }

    #[test]
    fn a_wrong_or_missing_passphrase_is_said_plainly_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = plain_drive(dir.path());
        canbao(&db).arg("encrypt").env("CANBAO_PASSPHRASE", PASS).assert().success();
        let bytes = std::fs::read(&db).unwrap();

        let (code, err) = stderr_of(canbao(&db).arg("stats").env("CANBAO_PASSPHRASE", "not it"));
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("数据文件已加密，口令错误或未提供口令"), "{err}");
        assert!(!err.contains("not it"), "the passphrase is never echoed: {err}");
        assert!(!err.contains("hmac"), "no library noise under the message: {err}");

        let (code, err) = stderr_of(canbao(&db).args(["mark", ID, "--note", "x"]).env("CANBAO_PASSPHRASE", "nope"));
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("口令错误"), "{err}");

        // No passphrase and no terminal to ask at: the message says where one comes from.
        let (code, err) = stderr_of(canbao(&db).arg("stats"));
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("CANBAO_PASSPHRASE"), "{err}");

        assert_eq!(std::fs::read(&db).unwrap(), bytes, "the file is byte for byte the same");
        assert!(!db.with_file_name("drive.db-wal").exists());
    }

    #[test]
    fn a_new_drive_with_a_passphrase_is_encrypted_from_the_start() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("fresh.db");
        canbao(&db).arg("import").arg(fixture("gbk_title.csv")).env("CANBAO_PASSPHRASE", PASS).assert().success();
        assert_noise(&db);
        let store = Store::open_read_only_keyed(&db, Some(&key())).unwrap();
        assert_eq!(store.student_by_id_number(ID).unwrap().expect("imported").name, NAME);
    }

    #[test]
    fn backups_of_an_encrypted_drive_are_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        let db = plain_drive(dir.path());
        canbao(&db).arg("encrypt").env("CANBAO_PASSPHRASE", PASS).assert().success();
        let manual = dir.path().join("manual.db");
        canbao(&db).arg("backup").arg(&manual).env("CANBAO_PASSPHRASE", PASS).assert().success();
        // An import takes its own automatic backup first; the ones from before encrypting are plain, as the
        // encrypt command warns.
        let backups = || -> Vec<PathBuf> {
            std::fs::read_dir(dir.path().join("backups")).unwrap().map(|e| e.unwrap().path()).collect()
        };
        let earlier = backups();
        // A list with a new pupil: an import that changes nothing takes no backup.
        let list = dir.path().join("newcomer.csv");
        std::fs::write(&list, "姓名,身份证号码,年级,班级\n新生,450202201503011237,一年级,1班\n").unwrap();
        canbao(&db).arg("import").arg(&list).env("CANBAO_PASSPHRASE", PASS).assert().success();
        let automatic: Vec<PathBuf> = backups().into_iter().filter(|p| !earlier.contains(p)).collect();
        assert_eq!(automatic.len(), 1, "the import left a backup");
        for backup in automatic.iter().chain([&manual]) {
            assert_noise(backup);
            let copy = Store::open_read_only_keyed(backup, Some(&key())).expect("opens with the drive's passphrase");
            assert_eq!(copy.student_by_id_number(ID).unwrap().expect("in the backup").name, NAME);
        }
        // And a backup restores into the encrypted drive.
        canbao(&db).arg("restore").arg(&manual).env("CANBAO_PASSPHRASE", PASS).assert().success();
        assert_noise(&db);
    }

    /// In a folder whose name is not UTF-8 (「班级」 in GBK, from a USB stick) a drive is encrypted, backed up,
    /// merged and decrypted as anywhere, where SQLite was given the folder's name as lossy text and said
    /// "unable to open database".
    #[cfg(unix)]
    #[test]
    fn a_drive_in_a_folder_whose_name_is_not_utf8_is_encrypted_merged_and_decrypted() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join(OsStr::from_bytes(b"\xb0\xe0\xbc\xb6"));
        assert!(folder.to_str().is_none(), "not UTF-8");
        std::fs::create_dir(&folder).unwrap();
        let db = plain_drive(&folder);
        let run = |cmd: &mut Command| {
            let out = cmd.env("CANBAO_PASSPHRASE", PASS).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        run(canbao(&db).arg("encrypt"));
        assert_noise(&db);
        let copy = folder.join("copy.db");
        run(canbao(&db).arg("backup").arg(&copy));
        assert_noise(&copy);
        run(canbao(&copy).args(["mark", ID, "--note", "另一台电脑"]));
        let merged = run(canbao(&db).args(["merge", "--json"]).arg(&copy));
        let report: serde_json::Value = serde_json::from_str(&merged).expect("json");
        assert_eq!(report["updated"], 1, "{merged}");
        run(canbao(&db).arg("decrypt"));
        assert_eq!(&std::fs::read(&db).unwrap()[..16], b"SQLite format 3\0");
        let store = Store::open(&db).unwrap();
        assert_eq!(store.student_by_id_number(ID).unwrap().expect("kept").note, "另一台电脑");
    }

    #[test]
    fn encrypt_with_out_leaves_the_drive_alone_and_refuses_twice() {
        let dir = tempfile::tempdir().unwrap();
        let db = plain_drive(dir.path());
        let before = std::fs::read(&db).unwrap();
        let copy = dir.path().join("copy.db");
        canbao(&db).arg("encrypt").arg("--out").arg(&copy).env("CANBAO_PASSPHRASE", PASS).assert().success();
        assert_eq!(std::fs::read(&db).unwrap(), before);
        assert_noise(&copy);
        let (code, err) = stderr_of(canbao(&copy).arg("encrypt").env("CANBAO_PASSPHRASE", PASS));
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("已经加密"), "{err}");
        let (code, err) = stderr_of(canbao(&db).arg("decrypt").env("CANBAO_PASSPHRASE", PASS));
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("没有加密"), "{err}");
    }

    /// At a terminal with no `CANBAO_PASSPHRASE`, canbao asks for the passphrase and does not show it.
    #[test]
    fn the_passphrase_is_asked_for_at_a_terminal_without_echo() {
        use std::process::Command as Std;
        if Std::new("tmux").arg("-V").output().is_err() {
            println!("skipping: tmux is not installed (CI installs it)");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let db = plain_drive(dir.path());
        canbao(&db).arg("encrypt").env("CANBAO_PASSPHRASE", PASS).assert().success();
        let attempt = |typed: &str| -> String {
            let socket = format!("canbao-pass-{}-{}", std::process::id(), typed.len());
            let tmux =
                |args: &[&str]| Std::new("tmux").arg("-L").arg(&socket).args(args).env("LC_ALL", "C.UTF-8").output();
            let shell = format!(
                "env -u CANBAO_PASSPHRASE '{}' --db '{}' stats; echo exit=$?; sleep 30",
                env!("CARGO_BIN_EXE_canbao"),
                db.display()
            );
            tmux(&["new-session", "-d", "-x", "120", "-y", "40", "-s", "p", &shell]).expect("tmux");
            let wait_for = |needle: &str| -> String {
                let start = std::time::Instant::now();
                loop {
                    let out = tmux(&["capture-pane", "-p", "-t", "p"]).expect("capture");
                    let screen = String::from_utf8_lossy(&out.stdout).into_owned();
                    if screen.contains(needle) {
                        return screen;
                    }
                    if start.elapsed() > std::time::Duration::from_secs(20) {
                        let _ = tmux(&["kill-server"]);
                        panic!("never showed {needle:?}:\n{screen}");
                    }
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
            };
            wait_for("口令 (passphrase)");
            tmux(&["send-keys", "-t", "p", "-l", typed]).expect("type");
            tmux(&["send-keys", "-t", "p", "Enter"]).expect("enter");
            let screen = wait_for("exit=");
            let _ = tmux(&["kill-server"]);
            screen
        };
        let screen = attempt("long wall");
        assert!(screen.contains("exit=1"), "a wrong passphrase is refused: {screen}");
        assert!(screen.contains("口令错误"), "{screen}");
        assert!(!screen.contains("long wall"), "what was typed is never shown: {screen}");
        let screen = attempt(PASS);
        assert!(screen.contains("exit=0") && screen.contains("学生 23 人"), "the right one opens it: {screen}");
        assert!(!screen.contains(PASS), "what was typed is never shown: {screen}");
    }

    /// A backup is copied page by page by SQLite's backup API, into a copy keyed with the drive's passphrase
    /// before a page is written: SQLCipher encrypts every page it writes. The automatic backup an import takes
    /// (read through a second connection) and one taken by hand are no plain files, open with the passphrase
    /// and with nothing else, hold the pupils, and one restores the drive.
    #[test]
    fn a_backup_copied_page_by_page_is_encrypted_with_the_drives_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("drive.db");
        canbao(&db).arg("import").arg(fixture("gbk_title.csv")).env("CANBAO_PASSPHRASE", PASS).assert().success();
        assert_noise(&db);
        let backups = || -> Vec<PathBuf> {
            std::fs::read_dir(dir.path().join("backups")).unwrap().map(|e| e.unwrap().path()).collect()
        };
        let earlier = backups();
        let list = dir.path().join("newcomer.csv");
        std::fs::write(&list, "姓名,身份证号码,年级,班级\n新生,450202201503011237,一年级,1班\n").unwrap();
        canbao(&db).arg("import").arg(&list).env("CANBAO_PASSPHRASE", PASS).assert().success();
        let automatic: Vec<PathBuf> = backups().into_iter().filter(|p| !earlier.contains(p)).collect();
        assert_eq!(automatic.len(), 1, "the import took its backup: {automatic:?}");
        let by_hand = dir.path().join("by-hand.db");
        canbao(&db).arg("backup").arg(&by_hand).env("CANBAO_PASSPHRASE", PASS).assert().success();
        let wrong = Passphrase::new("长城 long wall 2025").unwrap();
        for (backup, pupils) in [(&automatic[0], 23), (&by_hand, 24)] {
            let bytes = std::fs::read(backup).unwrap();
            assert_ne!(&bytes[..16], b"SQLite format 3\0", "{}", backup.display());
            assert_noise(backup);
            assert!(Store::open_read_only(backup).is_err(), "{} opens without the passphrase", backup.display());
            assert!(
                Store::open_read_only_keyed(backup, Some(&wrong)).is_err(),
                "{} opens with another",
                backup.display()
            );
            let copy = Store::open_read_only_keyed(backup, Some(&key())).expect("opens with the drive's passphrase");
            let check: String = copy.connection().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
            assert_eq!(check, "ok", "{}", backup.display());
            assert_eq!(copy.student_count().unwrap(), pupils, "{}", backup.display());
            assert_eq!(copy.student_by_id_number(ID).unwrap().expect("in the backup").name, NAME);
        }
        canbao(&db).arg("restore").arg(&automatic[0]).env("CANBAO_PASSPHRASE", PASS).assert().success();
        assert_noise(&db);
        let restored = Store::open_read_only_keyed(&db, Some(&key())).unwrap();
        assert_eq!(restored.student_count().unwrap(), 23, "the drive as the import found it");
    }

    /// A backup of an encrypted drive is keyed as the drive itself is: with its passphrase and its salt, so that
    /// SQLCipher derives the drive's own key for it. A copy taken by hand and worked in on another laptop merges
    /// back (the merge attaches it with the key the drive was opened with), and so do the automatic backups the
    /// import and the merge take. A copy salted apart opened with the passphrase alone and was "not a database"
    /// to the merge.
    #[test]
    fn a_backup_of_an_encrypted_drive_is_keyed_as_the_drive_and_merges_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = plain_drive(dir.path());
        let run = |cmd: &mut Command| {
            let out = cmd.env("CANBAO_PASSPHRASE", PASS).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        run(canbao(&db).arg("encrypt"));
        let salt = |path: &Path| std::fs::read(path).unwrap()[..16].to_vec();
        let copy = dir.path().join("copy.db");
        run(canbao(&db).arg("backup").arg(&copy));
        assert_noise(&copy);
        assert_eq!(salt(&copy), salt(&db), "the copy has the drive's salt");
        run(canbao(&copy).args(["mark", ID, "--note", "另一台电脑"]));
        let merged = run(canbao(&db).args(["merge", "--json"]).arg(&copy));
        let report: serde_json::Value = serde_json::from_str(&merged).expect("json");
        assert_eq!(report["updated"], 1, "{merged}");
        let list = dir.path().join("newcomer.csv");
        std::fs::write(&list, "姓名,身份证号码,年级,班级\n新生,450202201503011237,一年级,1班\n").unwrap();
        run(canbao(&db).arg("import").arg(&list));
        let automatic: Vec<PathBuf> = std::fs::read_dir(dir.path().join("backups"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with("-merge.db") || p.to_string_lossy().ends_with("-import.db"))
            .filter(|p| std::fs::read(p).unwrap()[..16] != *b"SQLite format 3\0")
            .collect();
        assert_eq!(automatic.len(), 2, "the merge's and the import's: {automatic:?}");
        for (n, backup) in automatic.iter().enumerate() {
            assert_noise(backup);
            assert_eq!(salt(backup), salt(&db), "{}", backup.display());
            let other = dir.path().join("other.db");
            std::fs::copy(backup, &other).unwrap();
            run(canbao(&other).args(["mark", ID, "--note", &format!("备份{n}里改的")]));
            let merged = run(canbao(&db).args(["merge", "--json"]).arg(&other));
            let report: serde_json::Value = serde_json::from_str(&merged).expect("json");
            assert_eq!(report["updated"], 1, "{}: {merged}", backup.display());
            std::fs::remove_file(&other).unwrap();
        }
        let store = Store::open_read_only_keyed(&db, Some(&key())).unwrap();
        assert_eq!(store.student_by_id_number(ID).unwrap().expect("kept").note, "备份1里改的");
    }

    /// A copy of the drive encrypted apart (on another laptop, with the same passphrase, so with a salt of its own)
    /// merges in: the merge attaches it with the passphrase, from which SQLCipher derives its key with the copy's
    /// own salt. Before, it was attached with the key this drive was opened with and read as "not a database".
    #[test]
    fn a_copy_encrypted_apart_with_the_same_passphrase_merges() {
        let dir = tempfile::tempdir().unwrap();
        let db = plain_drive(dir.path());
        let run = |cmd: &mut Command| {
            let out = cmd.env("CANBAO_PASSPHRASE", PASS).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let other = dir.path().join("other.db");
        canbao(&db).arg("backup").arg(&other).assert().success();
        assert_eq!(&std::fs::read(&other).unwrap()[..16], b"SQLite format 3\0", "a plain copy");
        run(canbao(&db).arg("encrypt"));
        run(canbao(&other).arg("encrypt"));
        let salt = |path: &Path| std::fs::read(path).unwrap()[..16].to_vec();
        assert_ne!(salt(&other), salt(&db), "encrypted apart: a salt of its own");
        run(canbao(&other).args(["mark", ID, "--note", "另一台电脑加密的"]));
        let merged = run(canbao(&db).args(["merge", "--json"]).arg(&other));
        let report: serde_json::Value = serde_json::from_str(&merged).expect("json");
        assert_eq!(report["updated"], 1, "{merged}");
        let store = Store::open_read_only_keyed(&db, Some(&key())).unwrap();
        assert_eq!(store.student_by_id_number(ID).unwrap().expect("kept").note, "另一台电脑加密的");
    }
}
