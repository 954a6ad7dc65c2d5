//! The command line as scripts use it: the real binary, exit codes, and JSON checked field by field.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::{fixture, unreferenced};
use serde_json::Value;

fn canbao(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("canbao").expect("binary");
    cmd.arg("--db").arg(db).env_remove("CANBAO_DB").env("CANBAO_OPERATOR", "测试");
    cmd
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

/// A drive of its own folder (see `common::new_drive`) holding the fixture class list `name`, imported through
/// the binary.
fn imported(name: &str) -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = common::new_drive();
    canbao(&db).arg("import").arg(fixture(name)).assert().success();
    (dir, db)
}

/// A drive in a folder of its own holding the demo school (`data/sample-school.csv`), as README's first command shows.
fn sample_school_drive() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = common::new_drive();
    canbao(&db)
        .arg("import")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample-school.csv"))
        .assert()
        .success();
    (dir, db)
}

/// `find` without --reveal prints numbers masked, and a fragment finds only what the mask shows or the counter
/// is told: the whole number, its last four to six digits, the birth date. A longer prefix or digits from the
/// middle find nobody, where before the list confirmed the hidden digits; with --reveal any fragment finds.
#[test]
fn find_without_reveal_confirms_no_hidden_digit() {
    let (_dir, db) = common::new_drive();
    canbao(&db).args(["import", "--json"]).arg(fixture("gbk_title.csv")).assert().success();
    let number = "450202201804074223";
    let names = |args: &[&str]| -> Vec<String> {
        let found = json(canbao(&db).arg("find").args(args).args(["--json", "--limit", "100"]));
        found.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect()
    };
    for probe in [&number[..14], &number[..8], "0407422", "80407"] {
        assert!(!names(&[probe]).contains(&"罗欣".to_owned()), "{probe} confirms hidden digits");
        assert!(names(&[probe, "--reveal"]).contains(&"罗欣".to_owned()), "{probe} with --reveal");
    }
    for road in [number, "4223", "074223", "20180407", "201804"] {
        assert!(names(&[road]).contains(&"罗欣".to_owned()), "{road}");
    }
}

#[test]
fn import_find_stats_export_through_the_binary() {
    let (dir, db) = common::new_drive();

    let report = json(canbao(&db).args(["import", "--json"]).arg(fixture("gbk_title.csv")));
    assert_eq!(report["rows_read"], 25);
    assert_eq!(report["added"], 23);
    assert_eq!(report["updated"], 0);
    assert_eq!(report["unchanged"], 0);
    assert_eq!(report["duplicates"], 1);
    assert_eq!(report["id_invalid"], 3, "two numbers flagged and an old 15-digit one");
    let problems = report["problems"].as_array().unwrap();
    for p in problems {
        assert!(p["file"].as_str().unwrap().ends_with("gbk_title.csv"));
        assert!(p["row"].as_u64().unwrap() > 3);
        assert!(p.get("column").is_some());
        assert!(!p["message"].as_str().unwrap().is_empty());
    }
    assert!(
        problems.iter().any(|p| p["row"] == 16
            && p["column"] == "公民身份号码"
            && p["message"].as_str().unwrap().contains("校验码"))
    );

    // Full-width digits in the file; found by a fragment of the normalized number.
    let found = json(canbao(&db).args(["find", "0407422", "--json", "--reveal"]));
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), 1);
    let pupil = &found[0];
    assert_eq!(pupil["name"], "罗欣");
    assert_eq!(pupil["id_number"], "450202201804074223");
    assert_eq!(pupil["id_valid"], true);
    assert_eq!(pupil["class"], "三年级1班");
    assert_eq!(pupil["enrollment"], "unknown");
    assert_eq!(pupil["payment"], "unpaid");
    assert!(pupil["categories"].as_array().unwrap().is_empty());

    let by_initials = json(canbao(&db).args(["find", "lx", "--json", "--limit", "50"]));
    assert!(by_initials.as_array().unwrap().iter().any(|p| p["name"] == "罗欣"));

    let stats = json(canbao(&db).args(["stats", "--json"]));
    assert_eq!(stats["students"], 23);
    assert_eq!(stats["id_invalid"], 3, "two numbers flagged and an old 15-digit one");
    assert_eq!(stats["enrollment"]["unknown"], 23);
    assert_eq!(stats["payment"]["unpaid"], 23);
    let classes = stats["classes"].as_array().unwrap();
    let total: i64 = classes.iter().map(|c| c["students"].as_i64().unwrap()).sum();
    assert_eq!(total, 23);
    assert!(classes.iter().all(|c| c.get("class").is_some() && c.get("enrolled").is_some() && c.get("paid").is_some()));

    // Export then re-import: nothing changes.
    for format in ["xlsx", "csv"] {
        let out = dir.path().join(format!("sheet.{format}"));
        canbao(&db).args(["export", "sheet", "--format", format, "--out"]).arg(&out).assert().success();
        let again = json(canbao(&db).args(["import", "--json"]).arg(&out));
        assert_eq!(again["added"], 0, "{format}: {again}");
        assert_eq!(again["updated"], 0, "{format}: {again}");
        assert_eq!(again["unchanged"], 23, "{format}: every pupil matched");
    }
}

#[test]
fn dry_run_changes_nothing() {
    let (_dir, db) = common::new_drive();
    let report = json(canbao(&db).args(["import", "--dry-run", "--json"]).arg(fixture("utf8_bom.csv")));
    assert_eq!(report["added"], 10);
    // Not even the drive it would have gone into is made.
    assert!(std::fs::symlink_metadata(&db).is_err());
    canbao(&db).args(["stats", "--json"]).assert().failure();
}

#[test]
fn exit_codes() {
    let (dir, db) = common::new_drive();
    // A file with no header: a clear message naming it, exit 1.
    let out = canbao(&db).arg("import").arg(fixture("no_header.csv")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no_header.csv") && stderr.contains("表头"), "{stderr}");
    // A missing file.
    let out = canbao(&db).arg("import").arg(dir.path().join("nope.xlsx")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    // Usage errors exit 2.
    canbao(&db).arg("import").assert().code(2);
    canbao(&db).args(["export", "nonsense"]).assert().code(2);
    canbao(&db).args(["find", "x", "--limit", "many"]).assert().code(2);
    // Each says in Chinese what is wrong before clap's English; `--lang en` leaves the Chinese out.
    for (args, zh) in [(&["stats", "--nonsense"][..], "不认识的参数"), (&["nonsense"][..], "没有这个命令")]
    {
        let out = canbao(&db).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with("错误：") && stderr.contains(zh) && stderr.contains("error:"), "{args:?}: {stderr}");
    }
    let out = canbao(&db).args(["--lang", "en", "stats", "--nonsense"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("错误"), "{}", String::from_utf8_lossy(&out.stderr));
    // Help is not an error.
    let out = canbao(&db).arg("--help").output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("错误"));
    // Exporting an empty drive is a user-facing error.
    canbao(&db).args(["export", "sheet", "--out"]).arg(dir.path().join("x.xlsx")).assert().code(1);
}

/// A masked copy written under a name the operator gave (`--out 名单.xlsx`, a CSV, the class lists) is named as a
/// masked copy, `名单-打码.xlsx`, as every masked export's own name is: its numbers masked, and nothing left
/// under the plain name, where before the file took the plain name and nothing said it was masked.
#[test]
fn a_masked_copy_under_a_given_name_is_named_as_masked() {
    let (dir, db) = imported("gbk_title.csv");
    for (form, given, written) in [
        ("sheet", "名单.xlsx", "名单-打码.xlsx"),
        ("sheet", "名单.csv", "名单-打码.csv"),
        ("classes", "班级.xlsx", "班级-打码.xlsx"),
        ("sheet", "老师-打码.xlsx", "老师-打码.xlsx"),
    ] {
        let out = canbao(&db).args(["export", form, "--mask", "--out"]).arg(dir.path().join(given)).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{form} {given}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains(written), "{form} {given}: {stdout}");
        if given != written {
            assert!(!dir.path().join(given).exists(), "{form} {given}");
        }
        let bytes = std::fs::read(dir.path().join(written)).unwrap();
        let text = if given.ends_with(".csv") {
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let mut all = String::new();
            for i in 0..archive.len() {
                std::io::Read::read_to_string(&mut archive.by_index(i).unwrap(), &mut all).unwrap();
            }
            all
        };
        assert!(text.contains("**********"), "{form} {given}: masked numbers");
        let whole = text.as_bytes().windows(18).any(|w| w[..17].iter().all(u8::is_ascii_digit));
        assert!(!whole, "{form} {given}: a whole number");
    }
}

/// `export … --out - > 名单.csv`: the shell makes the file under its umask, readable by others (0644), where canbao
/// makes its own files owner-only; the export is written as asked and says so on stderr, with how to keep it
/// private. An owner-only file, and a pipe, hear nothing.
#[cfg(unix)]
#[test]
fn an_export_to_a_standard_output_others_may_read_says_so() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, db) = imported("gbk_title.csv");
    for (mode, said) in [(0o644, true), (0o600, false)] {
        let file = dir.path().join(format!("out-{mode:o}.csv"));
        let out = std::fs::File::create(&file).unwrap();
        out.set_permissions(std::fs::Permissions::from_mode(mode)).unwrap();
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_canbao"))
            .arg("--db")
            .arg(&db)
            .args(["export", "sheet", "--format", "csv", "--out", "-"])
            .env("CANBAO_OPERATOR", "测试")
            .stdout(out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{stderr}");
        assert!(std::fs::read_to_string(&file).unwrap().contains("在校学生信息表"), "the form went out");
        assert_eq!(stderr.contains("chmod 600"), said, "{mode:o}: {stderr}");
    }
    let piped = canbao(&db).args(["export", "sheet", "--format", "csv", "--out", "-"]).output().unwrap();
    assert!(piped.status.success() && !String::from_utf8_lossy(&piped.stderr).contains("chmod"));
}

/// `export --out` does not write whole ID numbers under a masked copy's name (…-打码.xlsx): refused, in both
/// languages, with the earlier masked copy untouched; `--mask` writes it.
#[test]
fn export_refuses_whole_numbers_under_a_masked_name() {
    let (dir, db) = imported("gbk_title.csv");
    let masked = dir.path().join("名单-打码.csv");
    canbao(&db).args(["export", "sheet", "--mask", "--out"]).arg(&masked).assert().success();
    let before = std::fs::read(&masked).unwrap();
    for (args, out) in [
        (vec!["export", "sheet", "--out"], masked.clone()),
        (vec!["--lang", "en", "export", "sheet", "--out"], masked.clone()),
        (vec!["export", "template", "--out"], dir.path().join("模板-打码.xlsx")),
    ] {
        let run = canbao(&db).args(&args).arg(&out).output().unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{args:?}: {stderr}");
        let said = if args.contains(&"en") {
            "choose a name without 打码"
        } else {
            "请换一个不带“打码”的文件名"
        };
        assert!(stderr.contains(said) && stderr.contains("--mask"), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read(&masked).unwrap(), before);
    assert!(!dir.path().join("模板-打码.xlsx").exists());
}

#[test]
fn find_json_past_its_limit_keeps_the_array_and_says_the_rest_on_stderr() {
    let (_dir, db) = imported("gbk_title.csv");
    let all = json(canbao(&db).args(["find", "年级", "--json", "--limit", "100"]));
    let total = all.as_array().unwrap().len();
    assert!(total > 3, "{all}");

    let out = canbao(&db).args(["find", "年级", "--json", "--limit", "3"]).output().unwrap();
    assert!(out.status.success());
    let first: Value = serde_json::from_slice(&out.stdout).expect("stdout stays one JSON array");
    assert_eq!(first.as_array().unwrap().len(), 3);
    let said = String::from_utf8_lossy(&out.stderr);
    let hint = format!("canbao --db {} find 年级 --json --limit {total}", db.display());
    assert!(said.contains(&format!("共 {total} 条，只输出前 3 条")), "{said}");
    assert!(said.contains(&format!("({total} found, only the first 3 written")), "{said}");
    assert!(said.contains(&hint), "{said}");

    // All of them written: nothing more to say.
    let out = canbao(&db).args(["find", "年级", "--json", "--limit", &total.to_string()]).output().unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn text_output_masks_ids_unless_revealed() {
    let (_dir, db) = imported("utf8_bom.csv");
    let first = json(canbao(&db).args(["find", "年级", "--json", "--reveal", "--limit", "1"]));
    let number = first[0]["id_number"].as_str().unwrap().to_owned();
    let masked = canbao(&db).args(["find", &number]).output().unwrap();
    let text = String::from_utf8_lossy(&masked.stdout);
    assert!(!text.contains(&number) && text.contains(&number[..4]), "{text}");
    let revealed = canbao(&db).args(["find", &number, "--reveal"]).output().unwrap();
    assert!(String::from_utf8_lossy(&revealed.stdout).contains(&number));
}

#[test]
fn a_second_writer_is_told_who_holds_the_file_and_reads_still_work() {
    let (_dir, db) = imported("utf8_bom.csv");
    let held = canbao::store::lock::DriveLock::acquire(&db, "张老师").unwrap();
    let out = canbao(&db).arg("import").arg(fixture("gbk_title.csv")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("张老师") && stderr.contains("正被"), "{stderr}");
    // A command that writes is not told it may only open read-only: it says what to do instead, also where that
    // window shows an earlier year (`--year`), which holds the drive to switch back to this one.
    assert!(stderr.contains("此命令现在不能执行") && !stderr.contains("只读打开"), "{stderr}");
    assert!(stderr.contains("它若在查看往年，先用命令面板的「切换年度」回到本年度"), "{stderr}");
    let stats = json(canbao(&db).args(["stats", "--json"]));
    assert_eq!(stats["students"], 10, "reading is not blocked, and the refused import changed nothing");
    // A preview writes nothing: it goes ahead on a drive another canbao holds, and says so.
    let preview =
        canbao(&db).arg("import").arg(fixture("gbk_title.csv")).args(["--dry-run", "--json"]).output().unwrap();
    assert_eq!(preview.status.code(), Some(0), "{}", String::from_utf8_lossy(&preview.stderr));
    assert!(String::from_utf8_lossy(&preview.stderr).contains("预览照常进行"));
    let report: Value = serde_json::from_slice(&preview.stdout).expect("json");
    assert!(report["added"].as_u64().unwrap_or_default() > 0, "{report}");
    let stats = json(canbao(&db).args(["stats", "--json"]));
    assert_eq!(stats["students"], 10, "and the preview changed nothing");
    drop(held);
    canbao(&db).arg("import").arg(fixture("gbk_title.csv")).assert().success();
}

/// `backup` while a canbao window holds the drive names the window from the lock (the operator, its terminal and
/// process) and says what to do: back up in that window from its palette (「立即备份」), or quit it and run the
/// command again, in Chinese and in English; while a command holds it, to wait for the command to end.
#[test]
fn a_backup_refused_while_a_window_holds_the_drive_names_the_window_and_what_to_do() {
    let (_dir, db) = imported("utf8_bom.csv");
    let mut held = canbao::store::lock::DriveLock::acquire(&db, "张老师").unwrap();
    held.held_by_window(Some("/dev/pts/7"));
    let pid = std::process::id().to_string();
    let (code, text) = said(canbao(&db).arg("backup"));
    assert_eq!(code, Some(1), "{text}");
    for words in
        ["张老师 的 canbao 窗口", "终端 /dev/pts/7", &format!("进程 {pid}"), "「立即备份」", "按 : 打开命令面板"]
    {
        assert!(text.contains(words), "{words}: {text}");
    }
    assert!(text.contains("退出那个窗口（q）后再运行 canbao --db"), "{text}");
    let (code, text) = said(canbao(&db).args(["--lang", "en", "backup"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("open in 张老师's canbao window") && text.contains("terminal /dev/pts/7"), "{text}");
    assert!(text.contains("choose Back up now") && text.contains("quit that window (q)"), "{text}");
    assert!(!text.contains("立即备份"), "{text}");
    drop(held);

    // A command holds it (no window): wait for it to end.
    let held = canbao::store::lock::DriveLock::acquire(&db, "张老师").unwrap();
    let (code, text) = said(canbao(&db).arg("backup"));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("请等那个命令结束后再运行") && !text.contains("立即备份"), "{text}");
    drop(held);
    canbao(&db).arg("backup").assert().success();
}

/// `--read-only backup FILE` copies the drive as it is, even while a window holds it, and writes nothing to the
/// drive (no `last_backup`), where it was refused as a change; without a file it says to name one.
#[test]
fn a_read_only_backup_copies_the_drive_while_a_window_holds_it_and_records_nothing() {
    let (dir, db) = imported("utf8_bom.csv");
    let last_backup = || {
        let store = canbao::store::Store::open_read_only(&db).unwrap();
        store.meta("last_backup").unwrap()
    };
    let before = last_backup();
    let mut held = canbao::store::lock::DriveLock::acquire(&db, "张老师").unwrap();
    held.held_by_window(Some("/dev/pts/7"));
    let copy = dir.path().join("copy.db");
    let (code, text) = said(canbao(&db).args(["--read-only", "backup"]).arg(&copy));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("已备份（只读打开，未记入数据文件）"), "{text}");
    let pupils = |path: &std::path::Path| {
        canbao::store::Store::open_read_only(path).unwrap().students(&Default::default()).unwrap().len()
    };
    assert!(pupils(&copy) > 0);
    assert_eq!(pupils(&copy), pupils(&db));
    let folder = dir.path().join("u盘");
    std::fs::create_dir(&folder).unwrap();
    let (code, text) = said(canbao(&db).args(["--read-only", "backup"]).arg(&folder));
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(std::fs::read_dir(&folder).unwrap().count(), 1, "one copy in the folder: {text}");
    // The drive's own name, by itself or through a link, is said to be the drive, not a backup that exists.
    #[cfg_attr(not(unix), allow(unused_mut))]
    let mut targets = vec![db.clone()];
    #[cfg(unix)]
    {
        let link = dir.path().join("link.db");
        std::os::unix::fs::symlink(&db, &link).unwrap();
        targets.push(link);
    }
    for target in &targets {
        let (code, text) = said(canbao(&db).args(["--read-only", "backup"]).arg(target));
        assert_eq!(code, Some(1), "{text}");
        assert!(text.contains("这就是正在使用的数据文件本身，不能备份到它自己") && !text.contains("已存在"), "{text}");
    }
    let (code, text) = said(canbao(&db).args(["--read-only", "backup"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("只读打开时要给出备份到的文件或文件夹") && text.contains("--read-only backup"), "{text}");
    drop(held);
    assert_eq!(last_backup(), before, "the drive records no backup it did not write");
}

/// A drive whose first 100 bytes (the SQLite header) are overwritten is said as damaged with its newest backup
/// and the `restore` command that puts it back, as a drive damaged further in is, where it was 「不是 canbao
/// 数据文件或文件已损坏」 with no backup named; the command restores it. A foreign file given as the drive, beside
/// that drive's backups, is offered none of them and stays as it was.
#[test]
fn a_drive_with_a_damaged_header_names_its_backup_and_restores() {
    let (dir, db) = imported("utf8_bom.csv");
    canbao(&db).arg("backup").assert().success();
    let newest = backup_names(dir.path()).into_iter().find(|n| n.ends_with("-manual.db")).expect("the backup");
    let backup = dir.path().join("backups").join(&newest);
    let mut bytes = std::fs::read(&db).unwrap();
    bytes[..100].fill(b'#');
    std::fs::write(&db, &bytes).unwrap();
    let (code, text) = said(canbao(&db).args(["stats", "--json"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("数据文件已损坏") && !text.contains("不是 canbao 数据文件"), "{text}");
    assert!(text.contains(&format!("canbao --db {} restore {}", db.display(), backup.display())), "{text}");
    canbao(&db).arg("restore").arg(&backup).assert().success();
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 10);

    let foreign = dir.path().join("notes.txt");
    std::fs::write(&foreign, "#".repeat(8192)).unwrap();
    for args in [&["stats"][..], &["restore", backup.to_str().unwrap()]] {
        let (code, text) = said(canbao(&foreign).args(args));
        assert_eq!(code, Some(1), "{text}");
        assert!(text.contains("不是 canbao 数据文件") && !text.contains("备份"), "{text}");
    }
    assert_eq!(std::fs::read(&foreign).unwrap(), "#".repeat(8192).into_bytes(), "unchanged");
}

/// A class list given to `restore` (the wrong file picked) is named as one, with nothing changed, where it was
/// called no canbao file or a damaged one.
#[test]
fn a_class_list_given_to_restore_is_named_as_one() {
    let (_dir, db) = imported("utf8_bom.csv");
    let (code, text) = said(canbao(&db).arg("restore").arg(fixture("gbk_title.csv")));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("这是表格（名单），不是 canbao 数据文件，未恢复，当前数据未改动"), "{text}");
    assert!(text.contains("canbao import") && !text.contains("已损坏"), "{text}");
    let (code, text) = said(canbao(&db).args(["--lang", "en", "restore"]).arg(fixture("gbk_title.csv")));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("nothing restored"), "{text}");
}

/// A pupil imported without a valid ID number keeps the 出生日期 the list gives (a whole date: the batch template
/// writes it), where it was read only to check a valid number against and then dropped; a year and month alone is
/// no birth date (nor a date after today), said at its row, and a valid number's own birth date is the one kept.
#[test]
fn a_pupil_without_an_id_number_keeps_the_lists_birth_date() {
    let (dir, db) = common::new_drive();
    let list = dir.path().join("list.csv");
    std::fs::write(
        &list,
        "姓名,身份证号码,出生日期,年级,班级\n王小明,,2018-03-09,一年级,1班\n李小红,45020220180310123,2018年3月10日,一年级,1班\n\
         张三,,2018.4,一年级,1班\n赵四,,2099-01-01,一年级,1班\n",
    )
    .unwrap();
    let out = canbao(&db).arg("import").arg(&list).output().unwrap();
    assert!(out.status.success());
    // A date not kept is said at its row, not dropped without a word.
    let said = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("第 4 行") && said.contains("出生日期“2018.4”不是完整的日期"), "{said}");
    assert!(said.contains("第 5 行") && said.contains("出生日期“2099-01-01”晚于今天，未记录"), "{said}");
    assert!(!said.contains("“2018-03-09”") && !said.contains("“2018年3月10日”"), "kept dates are not said: {said}");
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let pupils = store.students(&Default::default()).unwrap();
    let born = |name: &str| pupils.iter().find(|p| p.name == name).unwrap_or_else(|| panic!("{name}")).birth_date;
    let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
    assert_eq!(born("王小明"), day(2018, 3, 9), "no number: the list's birth date");
    assert_eq!(born("李小红"), day(2018, 3, 10), "a number cut short: the list's birth date");
    assert_eq!(born("张三"), None, "a year and month is no birth date");
    assert_eq!(born("赵四"), None, "a birth date after today is none");
}

/// A number copied from `find` or the screen, masked as canbao shows it, is said to be one, with the ways to name
/// the pupil, where it was told only that no pupil holds it; nothing is marked by its ends.
#[test]
fn a_masked_number_given_to_mark_is_said_to_be_masked() {
    let (_dir, db) = imported("utf8_bom.csv");
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let pupil = store.students(&Default::default()).unwrap().into_iter().find(|p| p.id_problem.is_none()).unwrap();
    drop(store);
    let masked = canbao::domain::id_number::mask(&pupil.id_number);
    let out = canbao(&db).args(["mark", &masked, "--payment", "paid", "--amount", "400"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("是打码后的号码") && said.contains("find --reveal") && said.contains("--class"), "{said}");
    let out = canbao(&db).args(["--lang", "en", "mark", &masked, "--note", "x"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("is a masked number") && !said.contains("打码"), "English only: {said}");
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let after = store.students(&Default::default()).unwrap().into_iter().find(|p| p.id == pupil.id).unwrap();
    assert_eq!(after.payment, pupil.payment, "nothing marked");
}

/// Times are shown in Beijing time whatever zone the reading laptop is set to, as the history is: the time
/// another canbao has held the drive since, and the time of a backup a restore refuses, in one format. Before,
/// a laptop set to UTC showed them eight hours off the clock the notices' dates are in.
#[test]
fn the_drive_in_use_since_and_a_backups_time_are_shown_in_beijing_time() {
    let (dir, db) = imported("utf8_bom.csv");
    let shown = |text: &str, before: &str, after: &str| -> chrono::NaiveDateTime {
        let at = text.split_once(before).and_then(|(_, rest)| rest.split_once(after)).map(|(t, _)| t);
        let at = at.unwrap_or_else(|| panic!("no time between {before} and {after}: {text}"));
        chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").unwrap_or_else(|e| panic!("{at}: {e}: {text}"))
    };
    let held = canbao::store::lock::DriveLock::acquire(&db, "张老师").unwrap();
    let since = |tz: &str| {
        let out = canbao(&db).env("TZ", tz).arg("import").arg(fixture("gbk_title.csv")).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        shown(&String::from_utf8_lossy(&out.stderr), "（自 ", " 起）")
    };
    let (beijing, utc) = (since("Asia/Shanghai"), since("UTC"));
    assert_eq!(beijing, utc, "the same instant, shown in Beijing time on both");
    let now_in_beijing = chrono::Utc::now().naive_utc() + chrono::Duration::hours(8);
    assert!((now_in_beijing - beijing).num_minutes().abs() <= 2, "{beijing} is now in Beijing");
    drop(held);

    let other = dir.path().join("S2.db");
    canbao(&other).args(["import", "--school", "第二小学"]).arg(fixture("gbk_title.csv")).assert().success();
    let taken = |tz: &str| {
        let out = canbao(&db).env("TZ", tz).arg("restore").arg(&other).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        shown(&String::from_utf8_lossy(&out.stderr), "备份时间 ", " (UTC+8)；")
    };
    assert_eq!(taken("Asia/Shanghai"), taken("UTC"));
}

/// A pupil one laptop holds with no ID number and the other with a whole one is said by merge as held with no
/// number there, where it read 「对方原为“”」 (held as  there).
#[test]
fn merge_says_a_pupil_held_with_no_number_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let b = dir.path().join("b.db");
    canbao(&a).arg("backup").arg(&b).assert().success();
    let list = |name: &str, id: &str| {
        let file = dir.path().join(name);
        std::fs::write(&file, format!("学校,姓名,身份证号码,年级,班级\n柳州市示范小学,新九,{id},一年级,3班\n"))
            .unwrap();
        file
    };
    canbao(&a).arg("import").arg(list("with.csv", "450203201909308803")).assert().success();
    canbao(&b).arg("import").arg(list("without.csv", "")).assert().success();
    let (code, text) = said(canbao(&a).arg("merge").arg(&b));
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("原为“”") && !text.contains("held as  "), "{text}");
    assert!(text.contains("新九 ") && text.contains("对方没有身份证号码 (held with no ID number there)"), "{text}");
}

#[test]
fn backup_restore_and_merge_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    // The import took an automatic backup first.
    assert!(std::fs::read_dir(dir.path().join("backups")).unwrap().count() >= 1);
    let b = dir.path().join("b.db");
    canbao(&a).arg("backup").arg(&b).assert().success();
    canbao(&b).arg("import").arg(fixture("gbk_title.csv")).assert().success();

    let report = json(canbao(&a).args(["merge", "--json"]).arg(&b));
    assert_eq!(report["added"], 23);
    assert_eq!(report["updated"], 0);
    assert!(report["conflicts"].as_array().unwrap().is_empty());
    assert!(report.get("unchanged").is_some());
    let again = json(canbao(&a).args(["merge", "--json"]).arg(&b));
    assert_eq!((again["added"].as_i64(), again["updated"].as_i64()), (Some(0), Some(0)));
    assert_eq!(json(canbao(&a).args(["stats", "--json"]))["students"], 33);

    // Restore the ten-pupil copy: the drive goes back, and the 33-pupil state is itself backed up first.
    let snapshot = dir.path().join("ten.db");
    canbao(&b).arg("backup").arg(&snapshot).assert().success();
    let ten = dir.path().join("only-ten.db");
    canbao(&ten).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    // Another drive, not a backup of this one: only with --force (see `restore_of_another_drive_…`).
    canbao(&a).arg("restore").arg(&ten).assert().code(1);
    canbao(&a).args(["restore", "--force"]).arg(&ten).assert().success();
    assert_eq!(json(canbao(&a).args(["stats", "--json"]))["students"], 10);
}

/// The names in the drive's backups folder.
fn backup_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join("backups"))
        .map(|e| e.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn an_import_or_reconciliation_that_fails_takes_no_backup() {
    let (dir, db) = imported("utf8_bom.csv");
    canbao(&db).arg("backup").assert().success();
    let before = backup_names(dir.path());
    assert!(before.iter().any(|n| n.ends_with("-manual.db")), "{before:?}");
    let docx = dir.path().join("名单.docx");
    std::fs::write(&docx, b"PK\x03\x04 a Word document, not a spreadsheet").unwrap();
    let missing = dir.path().join("nosuch.csv");
    // Retried as an operator (or a script in a loop) does: none of it may push the manual backup out.
    for _ in 0..3 {
        for bad in [missing.as_path(), docx.as_path(), fixture("no_header.csv").as_path()] {
            canbao(&db).arg("import").arg(bad).assert().code(1);
            // A good file with a bad one: the batch fails whole, before anything is written.
            canbao(&db).arg("import").arg(fixture("gbk_title.csv")).arg(bad).assert().code(1);
            canbao(&db).args(["reconcile", "--source", "tax"]).arg(bad).assert().code(1);
        }
    }
    assert_eq!(backup_names(dir.path()), before, "no failed import or reconciliation took a backup");
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 10);

    canbao(&db).arg("import").arg(fixture("gbk_title.csv")).assert().success();
    let taken: Vec<String> = backup_names(dir.path()).into_iter().filter(|n| !before.contains(n)).collect();
    assert_eq!(taken.len(), 1, "{taken:?}");
    assert!(taken[0].ends_with("-import.db"), "{taken:?}");
    let backup = canbao::store::Store::open_read_only(&dir.path().join("backups").join(&taken[0])).unwrap();
    assert_eq!(backup.student_count().unwrap(), 10, "the backup holds the drive as it was before the import");
}

#[test]
fn restore_of_another_drive_is_refused_without_force() {
    let (dir, db) = imported("utf8_bom.csv");
    let other = dir.path().join("lap").join("S2.db");
    std::fs::create_dir(dir.path().join("lap")).unwrap();
    canbao(&other).args(["import", "--school", "第二小学"]).arg(fixture("gbk_title.csv")).assert().success();
    let before = backup_names(dir.path());

    let out = canbao(&db).arg("restore").arg(&other).output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    for said in [
        "这不像本数据文件的备份（它的学校与本数据文件的不同）",
        "备份时间 ",
        "学校：第二小学",
        "23 人（当前数据 10 人）",
        "--force",
        // The drive was named by --db: so is it in the commands offered.
        &format!("canbao --db {} merge {}", db.display(), other.display()),
        &format!("canbao --db {} restore --force {}", db.display(), other.display()),
    ] {
        assert!(text.contains(said), "{said}: {text}");
    }
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 10, "nothing changed");
    assert_eq!(backup_names(dir.path()), before, "not even a backup");
    let out = canbao(&db).args(["--lang", "en", "restore"]).arg(&other).output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("23 pupils (the current data has 10)") && !text.contains("学校："), "{text}");

    // A backup of this drive, in its backups folder or under a name of the operator's, restores as before.
    canbao(&db).arg("backup").assert().success();
    let mine = dir.path().join("before-lunch.db");
    canbao(&db).arg("backup").arg(&mine).assert().success();
    let manual = dir
        .path()
        .join("backups")
        .join(backup_names(dir.path()).into_iter().find(|n| n.ends_with("-manual.db")).expect("the manual backup"));
    canbao(&db).arg("import").arg(fixture("gbk_title.csv")).assert().success();
    canbao(&db).arg("restore").arg(&mine).assert().success();
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 10);
    canbao(&db).arg("import").arg(fixture("gbk_title.csv")).assert().success();
    canbao(&db).arg("restore").arg(&manual).assert().success();
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 10);

    let out = canbao(&db).args(["restore", "--force"]).arg(&other).output().unwrap();
    assert!(out.status.success());
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 23, "--force replaces it");
    // Undoing the forced restore: the backup it took is this drive file's own, of the other school now; the
    // refusal says to add --force, not to merge two schools into one drive, and the restore said so first.
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    let undo = said
        .lines()
        .find_map(|l| {
            l.split_once(&format!(
                "如需撤销这次恢复 (to undo this restore)：canbao --db {} restore --force ",
                db.display()
            ))
        })
        .map(|(_, path)| PathBuf::from(path.trim()))
        .unwrap_or_else(|| panic!("the way back is named: {said}"));
    let out = canbao(&db).arg("restore").arg(&undo).output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("要撤销那次恢复，加 --force") && !text.contains("canbao merge"), "{text}");
    canbao(&db).args(["restore", "--force"]).arg(&undo).assert().success();
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 10, "the forced restore undone");
}

/// After a restore went back to the morning's backup, the noon one (a later state of the same drive, under a
/// name of the operator's) restores without --force; after a restore to the empty drive from before the first
/// import, so does the `-restore` backup that restore named. A copy with marks of its own is refused, saying
/// so, not that a name or school differs.
#[test]
fn a_later_state_of_the_drive_restores_after_a_restore_went_back() {
    let (dir, db) = imported("utf8_bom.csv");
    let (morning, noon) = (dir.path().join("早上.db"), dir.path().join("中午.db"));
    canbao(&db).arg("backup").arg(&morning).assert().success();
    canbao(&db).arg("import").arg(fixture("gbk_title.csv")).assert().success();
    canbao(&db).args(["mark", "45020220180710028X", "--payment", "paid", "--amount", "380"]).assert().success();
    canbao(&db).arg("backup").arg(&noon).assert().success();
    canbao(&db).arg("restore").arg(&morning).assert().success();
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 10);
    let out = canbao(&db).arg("restore").arg(&noon).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 33);

    let first = backup_names(dir.path()).into_iter().find(|n| n.ends_with("-import.db")).expect("import backup");
    let empty = dir.path().join("backups").join(first);
    assert_eq!(canbao::store::Store::open_read_only(&empty).unwrap().student_count().unwrap(), 0);
    let out = canbao(&db).arg("restore").arg(&empty).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    let named = said
        .lines()
        .find_map(|l| l.strip_prefix("恢复前的数据已备份 (the previous data was backed up): "))
        .unwrap_or_else(|| panic!("{said}"))
        .to_owned();
    let out = canbao(&db).arg("restore").arg(&named).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 33);

    let lap = dir.path().join("lap.db");
    canbao(&db).arg("backup").arg(&lap).assert().success();
    canbao(&lap).args(["mark", "45020220180710028X", "--note", "在另一台电脑上"]).assert().success();
    canbao(&db).args(["mark", "45020220180710028X", "--note", "在这台电脑上"]).assert().success();
    let out = canbao(&db).arg("restore").arg(&lap).output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("两边各有对方没有的修改") && !text.contains("文件名或学校不同"), "{text}");
}

#[test]
fn backup_into_a_folder_takes_the_automatic_backups_name() {
    let (dir, db) = imported("utf8_bom.csv");
    let folder = dir.path().join("bkdir");
    std::fs::create_dir(&folder).unwrap();
    let slashed = format!("{}/", dir.path().join("new-folder").display());
    for target in [folder.to_str().unwrap(), &format!("{}/", folder.display()), &slashed] {
        let out = canbao(&db).arg("backup").arg(target).output().unwrap();
        assert!(out.status.success(), "{target}: {}", String::from_utf8_lossy(&out.stderr));
    }
    for (folder, count) in [(folder, 2), (dir.path().join("new-folder"), 1)] {
        let names: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), count, "{names:?}");
        for name in &names {
            let stamp = name.strip_prefix("drive-").and_then(|n| n.strip_suffix("-manual.db")).expect(name);
            // In UTC, so a drive's backups sort by age whichever zone each laptop was set to.
            assert_eq!(stamp.len(), "20261201-093000.123Z".len(), "{name}");
            assert!(stamp.ends_with('Z'), "{name}");
            let copy = canbao::store::Store::open_read_only(&folder.join(name)).unwrap();
            assert_eq!(copy.student_count().unwrap(), 10);
        }
    }
    // A file of that name is still refused, and called a file.
    let file = dir.path().join("snap.db");
    canbao(&db).arg("backup").arg(&file).assert().success();
    let out = canbao(&db).arg("backup").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("备份文件已存在"));
}

#[test]
fn merge_and_restore_of_a_missing_file_or_a_folder_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let folder = dir.path().join("laptops");
    std::fs::create_dir(&folder).unwrap();
    let missing = dir.path().join("nonexist.db");
    for command in ["merge", "restore"] {
        let out = canbao(&a).arg(command).arg(&missing).output().unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command}: {text}");
        assert!(
            text.contains("不存在") && text.contains("no such") && text.contains("nonexist.db"),
            "{command}: {text}"
        );
        assert!(!text.contains("损坏"), "{command}: {text}");
        let out = canbao(&a).arg(command).arg(&folder).output().unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command}: {text}");
        assert!(text.contains("文件夹") && text.contains("a folder") && text.contains("laptops"), "{command}: {text}");
        assert!(!text.contains("损坏"), "{command}: {text}");
    }
    assert!(!missing.exists(), "nothing was made at the missing path");
    assert_eq!(json(canbao(&a).args(["stats", "--json"]))["students"], 10, "the drive is as it was");
}

/// A class list or a document picked for a merge by mistake is named for what it is, with the command a list
/// takes, instead of 「不是 canbao 数据文件或文件已损坏」.
#[test]
fn merge_names_a_class_list_or_a_document_given_to_it() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let pdf = dir.path().join("名单.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n").unwrap();
    for (file, says) in
        [(fixture("utf8_bom.csv"), "这是表格（名单），不是 canbao 数据文件，未合并"), (pdf, "这是 PDF 文件")]
    {
        let out = canbao(&a).arg("merge").arg(&file).output().unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{text}");
        assert!(text.contains(says) && !text.contains("损坏"), "{}: {text}", file.display());
    }
    assert_eq!(json(canbao(&a).args(["stats", "--json"]))["students"], 10, "the drive is as it was");
}

/// A form canbao exported, given to a merge or a restore, is named as canbao's export and not a drive; the import
/// is offered only for a form it reads back (在校学生信息表), not for the ledgers, which it refuses.
#[test]
fn merge_and_restore_name_canbaos_own_export() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let ledgers = dir.path().join("台账.xlsx");
    canbao(&a).args(["export", "ledgers", "--out"]).arg(&ledgers).assert().success();
    let sheet = dir.path().join("信息表.xlsx");
    canbao(&a).args(["export", "sheet", "--out"]).arg(&sheet).assert().success();
    // The import refuses the ledgers, so no message may send the operator there.
    let out = canbao(&a).arg("import").arg(&ledgers).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    for command in ["merge", "restore"] {
        let out = canbao(&a).arg(command).arg(&ledgers).output().unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command}: {text}");
        assert!(text.contains("这是 canbao 导出的") && text.contains("台账，不是数据文件"), "{command}: {text}");
        assert!(!text.contains("canbao import") && !text.contains("这是表格（名单）"), "{command}: {text}");
        let out = canbao(&a).arg(command).arg(&sheet).output().unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command}: {text}");
        assert!(text.contains("这是 canbao 导出的在校学生信息表，不是数据文件"), "{command}: {text}");
        assert!(text.contains("canbao import"), "{command}: {text}");
    }
    let out = canbao(&a).args(["--lang", "en", "merge"]).arg(&ledgers).output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("a form canbao exported, not a drive") && !text.contains("canbao import"), "{text}");
    assert_eq!(json(canbao(&a).args(["stats", "--json"]))["students"], 10, "the drive is as it was");
}

/// A file that is plainly no table is named for what it is, as the TUI's file picker names it, before any reader
/// parses it: a PDF renamed `.xlsx` is not read as a CSV wanting a header row, a Word document does not get the
/// workbook reader's English. Errors of the system are said in words, the path kept.
#[test]
fn import_names_what_a_wrong_file_is_and_says_the_systems_errors_in_words() {
    use std::io::Write;
    let (dir, db) = common::new_drive();
    let zip_of = |name: &str, parts: &[&str]| {
        let path = dir.path().join(name);
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        for part in parts {
            zip.start_file(*part, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(b"<x/>").unwrap();
        }
        zip.finish().unwrap();
        path
    };
    let pdf = dir.path().join("名单.xlsx");
    std::fs::write(&pdf, "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n").unwrap();
    let docx = zip_of("一班.xlsx", &["[Content_Types].xml", "word/document.xml"]);
    let photos = zip_of("二班.xlsx", &["照片/1.jpg"]);
    let damaged = zip_of("三班.xlsx", &["xl/workbook.xml"]);
    let errors = |file: &Path| {
        let out = canbao(&db).arg("import").arg(file).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    for (file, what) in [
        (&pdf, "这是 PDF 文件，不是表格 (a PDF, not a spreadsheet)"),
        (&docx, "这是 Word 文档，不是表格 (a Word document, not a spreadsheet)"),
        (&photos, "这是压缩包，不是表格"),
    ] {
        let text = errors(file);
        assert!(text.contains(what) && text.contains(&file.display().to_string()), "{text}");
        assert!(!text.contains("表头") && !text.contains("Cannot detect"), "{text}");
    }
    // A damaged workbook: the reader's own English comes after the operator's words, in the English part.
    let text = errors(&damaged);
    let chinese = &text[..text.find("(the format").expect("the English part")];
    assert!(chinese.contains("无法识别文件格式") && !chinese.contains("Cannot"), "{text}");
    let missing = dir.path().join("nosuch.csv");
    let text = errors(&missing);
    assert!(text.contains(&format!("找不到文件或文件夹 (not found)：{}", missing.display())), "{text}");
    assert!(!text.contains("os error") && !text.contains("No such file"), "{text}");
    // A file where a folder should be, for every command that opens a file given to it. The drive is there
    // (empty, as the screen makes it): a merge or restore that fails on a drive it made leaves none behind.
    drop(canbao::store::Store::open(&db).unwrap());
    let a_file = dir.path().join("x.txt");
    std::fs::write(&a_file, "").unwrap();
    for (command, under) in [("import", "a.csv"), ("merge", "a.db"), ("restore", "a.db"), ("backup", "b.db")] {
        let path = a_file.join(under);
        let out = canbao(&db).arg(command).arg(&path).output().unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{command}: {text}");
        assert!(text.contains("x.txt") && !text.contains("os error"), "{command}: {text}");
        assert!(!text.contains("损坏") && !text.contains("Not a directory"), "{command}: {text}");
    }
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 0);
}

/// The same list given twice — as written, as `./a.csv`, by its absolute path, through a symlink or a hard
/// link — is read once and
/// the operator told, as `push` does with a drive: read twice, each of its rows was reported as its own
/// duplicate.
#[test]
fn a_list_given_twice_or_under_two_names_is_read_once() {
    let (dir, db) = common::new_drive();
    let list = dir.path().join("a.csv");
    std::fs::copy(fixture("utf8_bom.csv"), &list).unwrap();
    let mut names = vec!["a.csv".to_owned(), "a.csv".to_owned(), "./a.csv".to_owned(), list.display().to_string()];
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink("a.csv", dir.path().join("link.csv")).unwrap();
        std::fs::hard_link(&list, dir.path().join("hard.csv")).unwrap();
        names.extend(["link.csv".to_owned(), "hard.csv".to_owned()]);
    }
    let out = canbao(&db).current_dir(dir.path()).args(["import", "--json"]).args(&names).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!((report["rows_read"].as_u64(), report["added"].as_u64()), (Some(10), Some(10)), "{report}");
    assert_eq!(report["duplicates"], 0, "{report}");
    assert!(report["problems"].as_array().unwrap().iter().all(|p| !p["message"].as_str().unwrap().contains("重复")));
    assert!(stderr.contains("a.csv 给了两次，只读一次 (a.csv is given twice: read once)"), "{stderr}");
    assert!(stderr.contains("./a.csv 与 a.csv 是同一个文件，只读一次"), "{stderr}");
    assert!(stderr.contains(&format!("{} 与 a.csv 是同一个文件", list.display())), "{stderr}");
    #[cfg(unix)]
    assert!(stderr.contains("link.csv 与 a.csv 是同一个文件"), "{stderr}");
    #[cfg(unix)]
    assert!(stderr.contains("hard.csv 与 a.csv 是同一个文件"), "{stderr}");
    let warnings: Vec<&str> =
        report["warnings"].as_array().expect("warnings").iter().filter_map(Value::as_str).collect();
    assert!(warnings.contains(&"a.csv 给了两次，只读一次 (a.csv is given twice: read once)"), "{report}");
    assert!(warnings.iter().any(|w| w.starts_with("./a.csv 与 a.csv 是同一个文件，只读一次")), "{report}");
}

/// Two copies of one class list under two names (the one e-mailed and the one saved from it) are read once and
/// said, where every row of the second was reported as a duplicate of the first, a line each.
#[test]
fn two_copies_of_one_list_are_read_once_and_said() {
    let (dir, db) = common::new_drive();
    std::fs::copy(fixture("utf8_bom.csv"), dir.path().join("a.csv")).unwrap();
    std::fs::copy(fixture("utf8_bom.csv"), dir.path().join("a-副本.csv")).unwrap();
    let out = canbao(&db).current_dir(dir.path()).args(["import", "--json", "a.csv", "a-副本.csv"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!((report["rows_read"].as_u64(), report["added"].as_u64()), (Some(10), Some(10)), "{report}");
    assert_eq!(report["duplicates"], 0, "{report}");
    assert!(stderr.contains("a-副本.csv 与 a.csv 内容完全相同，只读一次"), "{stderr}");
    // A script reading --json is told too, among the report's warnings.
    let warnings: Vec<&str> =
        report["warnings"].as_array().expect("warnings").iter().filter_map(Value::as_str).collect();
    assert!(warnings.iter().any(|w| w.starts_with("a-副本.csv 与 a.csv 内容完全相同，只读一次")), "{report}");
    // One byte apart, they are two lists: both read, the second's rows said as duplicates where they are.
    let mut changed = std::fs::read(fixture("utf8_bom.csv")).unwrap();
    changed.extend_from_slice(b"\n");
    std::fs::write(dir.path().join("b.csv"), changed).unwrap();
    let db2 = dir.path().join("drive2.db");
    let out = canbao(&db2).current_dir(dir.path()).args(["import", "--json", "a.csv", "b.csv"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && !stderr.contains("内容完全相同"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["rows_read"].as_u64(), Some(20), "{report}");
}

/// A mark from the command line while a read-only window has the drive open: SQLite's checkpoint at closing
/// is only for the last connection, so canbao copies the save into the drive file itself before it exits, and
/// the `.db` copied alone (without its `-wal`) holds it.
#[test]
fn a_mark_beside_a_read_only_window_is_in_the_drive_file_itself() {
    let (dir, db) = imported("gbk_title.csv");
    let window = canbao::store::Store::open_read_only(&db).unwrap();
    canbao(&db).args(["mark", "45020220180710028X", "--payment", "paid", "--amount", "380"]).assert().success();
    assert!(std::fs::metadata(dir.path().join("drive.db-wal")).unwrap().len() > 0, "the window kept the log");
    let elsewhere = tempfile::tempdir().unwrap();
    let copy = elsewhere.path().join("copy.db");
    std::fs::copy(&db, &copy).unwrap();
    let found = json(canbao(&copy).args(["find", "45020220180710028X", "--json"]));
    assert_eq!(found[0]["payment"], "paid", "the .db alone has the mark");
    drop(window);
}

#[test]
fn mark_from_the_command_line() {
    let (_dir, db) = imported("gbk_title.csv");
    // Lower-case x and spaces are accepted as the importer accepts them.
    canbao(&db)
        .args(["mark", "45020220180710028x", "--payment", "paid", "--amount", "380", "--channel", "微信"])
        .assert()
        .success();
    // 不参保 (or 异地参保) over a family's payment is refused as a payment over 不参保 is: nothing saved, and
    // the message says how to clear the payment. 已离校 is allowed: a pupil who paid and left is insured.
    for status in ["declined", "elsewhere"] {
        let refused = canbao(&db)
            .args(["mark", "450202 20180710 028X", "--enrollment", status, "--reason", "已在外地参保"])
            .assert()
            .code(1);
        let err = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
        assert!(err.contains("已记录为“已缴费”") && err.contains("--payment unpaid"), "{err}");
    }
    let found = json(canbao(&db).args(["find", "45020220180710028X", "--json"]));
    assert_eq!((found[0]["enrollment"].as_str(), found[0]["payment"].as_str()), (Some("here"), Some("paid")));
    canbao(&db).args(["mark", "450202 20180710 028X", "--enrollment", "left"]).assert().success();
    let found = json(canbao(&db).args(["find", "45020220180710028X", "--json"]));
    assert_eq!(found[0]["payment"], "paid");
    assert_eq!(found[0]["enrollment"], "left");
    // Clearing the payment in the same command is an answer.
    canbao(&db)
        .args([
            "mark",
            "45020220180710028X",
            "--enrollment",
            "declined",
            "--reason",
            "已在外地参保",
            "--payment",
            "unpaid",
        ])
        .assert()
        .success();
    let found = json(canbao(&db).args(["find", "45020220180710028X", "--json"]));
    assert_eq!((found[0]["enrollment"].as_str(), found[0]["payment"].as_str()), (Some("declined"), Some("unpaid")));
    canbao(&db).args(["mark", "110105194912310021", "--payment", "paid"]).assert().code(1);
    canbao(&db).args(["mark", "45020220180710028X", "--payment", "paid", "--amount", "三百"]).assert().code(1);
    canbao(&db).args(["mark", "45020220180710028X"]).assert().code(1);
    // A reason only 不参保 (or a place only 异地参保) keeps is refused with any other enrollment, not dropped.
    for args in [&["--enrollment", "left"][..], &["--enrollment", "here"], &["--payment", "unpaid"]] {
        let refused = canbao(&db)
            .args(["mark", "45020220180710028X"])
            .args(args)
            .args(["--reason", "转学到南宁"])
            .assert()
            .code(1);
        let err = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
        assert!(err.contains("--reason 只用于") && err.contains("未保存") && err.contains("--note"), "{args:?}: {err}");
    }
    let found = json(canbao(&db).args(["find", "45020220180710028X", "--json"]));
    assert_eq!((found[0]["enrollment"].as_str(), found[0]["payment"].as_str()), (Some("declined"), Some("unpaid")));
}

/// 不参保 is recorded with why (DOMAIN: "declined (with a reason)"): `mark --enrollment declined` without
/// --reason (or with a blank one) saves nothing and says, in both languages, to give --reason. A pupil declined
/// already keeps the reason held when marked declined again; one declined before without a reason (an older
/// drive) still reads as before.
#[test]
fn declining_needs_a_reason() {
    let (_dir, db) = imported("gbk_title.csv");
    let number = "45020220180710028X";
    let reason_of = |db: &Path| {
        let store = canbao::store::Store::open_read_only(db).unwrap();
        let pupils = store.students(&Default::default()).unwrap();
        let s = pupils.into_iter().find(|s| s.id_number == number).expect("pupil");
        (s.enrollment.code(), s.decline_reason)
    };
    for blank in [&[][..], &["--reason", ""], &["--reason", "  "]] {
        let (code, text) = said(canbao(&db).args(["mark", number, "--enrollment", "declined"]).args(blank));
        assert_eq!(code, Some(1), "{blank:?}: {text}");
        assert!(text.contains("不参保须写明原因") && text.contains("--reason") && text.contains("未保存"), "{text}");
        assert!(text.contains("declined needs a reason") && text.contains("nothing saved"), "{text}");
        assert!(text.contains(&format!("mark {number} --enrollment declined --reason")), "{text}");
        let (_, text) =
            said(canbao(&db).args(["--lang", "en", "mark", number, "--enrollment", "declined"]).args(blank));
        assert!(text.contains("declined needs a reason") && !text.contains("不参保须写明原因"), "English only: {text}");
        assert_eq!(reason_of(&db), ("unknown", None), "{blank:?}");
    }
    canbao(&db).args(["mark", number, "--enrollment", "declined", "--reason", "家长不同意"]).assert().success();
    assert_eq!(reason_of(&db), ("declined", Some("家长不同意".to_owned())));
    // Declined again without --reason: the reason held stays.
    canbao(&db).args(["mark", number, "--enrollment", "declined", "--note", "电话确认"]).assert().success();
    assert_eq!(reason_of(&db), ("declined", Some("家长不同意".to_owned())));
    // A pupil declined without a reason on an older drive reads as before; only a new mark asks for one.
    {
        let mut store = canbao::store::Store::open(&db).unwrap();
        let id = store.students(&Default::default()).unwrap().iter().find(|s| s.id_number == number).unwrap().id;
        store.set_enrollment(id, canbao::domain::student::Enrollment::Declined, None).unwrap();
    }
    assert_eq!(reason_of(&db), ("declined", None));
    let found = json(canbao(&db).args(["find", number, "--json"]));
    assert_eq!(found[0]["enrollment"], "declined");
    canbao(&db).args(["mark", number, "--enrollment", "declined"]).assert().code(1);
    canbao(&db).args(["mark", number, "--note", "家长再议"]).assert().success();
    assert_eq!(reason_of(&db), ("declined", None));
    // `check` lists such a pupil, to be given a reason, and no longer once it has one.
    let report = json(canbao(&db).args(["check", "--json"]));
    let listed = report["declined_without_reason"].as_array().expect("listed");
    assert_eq!(listed.len(), 1, "{report}");
    assert_eq!(listed[0]["id_number"], "4502**********028X", "masked: {report}");
    let (_, text) = said(canbao(&db).arg("check"));
    assert!(text.contains("不参保未写原因，请补填"), "{text}");
    canbao(&db).args(["mark", number, "--enrollment", "declined", "--reason", "已在老家参保"]).assert().success();
    let report = json(canbao(&db).args(["check", "--json"]));
    assert_eq!(report["declined_without_reason"].as_array().map(Vec::len), Some(0), "{report}");
}

/// `mark --reason` over another reason recorded for 不参保 (or another place for 异地参保) says the one it replaced,
/// which was replaced without a word; the same reason given again, or a first one, says nothing of it.
#[test]
fn a_reason_replaced_by_mark_is_said() {
    let (_dir, db) = imported("gbk_title.csv");
    let number = "45020220180710028X";
    let mark = |args: &[&str]| {
        let (code, text) = said(canbao(&db).args(["mark", number]).args(args));
        assert_eq!(code, Some(0), "{args:?}: {text}");
        text
    };
    let text = mark(&["--enrollment", "declined", "--reason", "家长不同意"]);
    assert!(!text.contains("原不参保原因"), "{text}");
    let text = mark(&["--enrollment", "declined", "--reason", "家长不同意", "--note", "电话确认"]);
    assert!(!text.contains("原不参保原因"), "{text}");
    let text = mark(&["--enrollment", "declined", "--reason", "已在老家参保"]);
    assert!(
        text.contains("原不参保原因「家长不同意」已改为「已在老家参保」")
            && text.contains("the reason declined, “家长不同意”, was replaced with “已在老家参保”"),
        "{text}"
    );
    let (_, text) =
        said(canbao(&db).args(["--lang", "en", "mark", number, "--enrollment", "declined", "--reason", "x"]));
    assert!(
        text.contains("the reason declined, “已在老家参保”, was replaced with “x”") && !text.contains("原不"),
        "{text}"
    );
    mark(&["--enrollment", "elsewhere", "--reason", "南宁市"]);
    let text = mark(&["--enrollment", "elsewhere", "--reason", "桂林市"]);
    assert!(text.contains("原参保地「南宁市」已改为「桂林市」"), "{text}");
    let text = mark(&["--enrollment", "elsewhere"]);
    assert!(text.contains("原参保地「桂林市」已清空"), "{text}");
}

#[test]
fn a_drive_in_use_is_offered_read_only_and_read_only_never_writes() {
    let (_dir, db) = imported("gbk_title.csv");
    let held = canbao::store::lock::DriveLock::acquire(&db, "张老师").expect("lock");

    // No terminal to ask at: the screen is not opened, and the message says who holds the file and the way in.
    let out = canbao(&db).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("正被 张老师 使用") && err.contains("--read-only"), "{err}");

    let bytes = std::fs::read(&db).unwrap();
    let out = canbao(&db).args(["--read-only", "mark", "450202201804074223", "--note", "x"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("只读模式，不能修改"));
    // Reading works beside the writer, and leaves the file as it was.
    let stats = json(canbao(&db).args(["--read-only", "stats", "--json"]));
    assert_eq!(stats["students"], 23);
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
    drop(held);
}

/// `--read-only` on a drive with nothing beside it (a teacher's share, a copy handed over) leaves nothing beside
/// it: SQLite made a `-wal` and a `-shm` for the reader and left them there, in a folder the operator only read.
#[test]
fn read_only_commands_leave_no_files_beside_the_drive() {
    let (dir, db) = imported("gbk_title.csv");
    let beside = || {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = beside();
    assert!(!before.iter().any(|n| n.ends_with("-wal") || n.ends_with("-shm")), "{before:?}");
    let bytes = std::fs::read(&db).unwrap();
    assert_eq!(json(canbao(&db).args(["--read-only", "stats", "--json"]))["students"], 23);
    assert_eq!(beside(), before);
    canbao(&db).args(["--read-only", "find", "年级"]).assert().success();
    canbao(&db).args(["--read-only", "check"]).output().unwrap();
    assert_eq!(beside(), before);
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "the drive itself as it was");
}

/// A payment, from `mark` or the tax office's list, makes a pupil nobody asked 在校参保; a payment for a pupil
/// marked 异地参保 or 不参保 is reported, never applied; and every count of 参保 agrees with the sheet's 是否参保.
#[test]
fn a_payment_means_insured_everywhere_and_contradictions_are_reported() {
    let oct8 = days_ago(60);
    let oct9 = days_ago(59);
    let (dir, db) = imported("utf8_bom.csv");
    let (zhou, wu, sun, gao) = ("450202201711194162", "450202201804012233", "450203201804047272", "450203201801098621");

    canbao(&db).args(["mark", zhou, "--enrollment", "declined", "--reason", "随父母参保"]).assert().success();
    let refused = canbao(&db).args(["mark", zhou, "--payment", "paid", "--amount", "380"]).assert().code(1);
    let err = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(err.contains("不参保") && err.contains("未保存"), "{err}");
    assert_eq!(json(canbao(&db).args(["find", zhou, "--json"]))[0]["payment"], "unpaid");
    // Saying where the pupil is enrolled in the same command is an answer: both are saved.
    canbao(&db).args(["mark", zhou, "--enrollment", "here", "--payment", "paid", "--amount", "380"]).assert().success();
    let found = json(canbao(&db).args(["find", zhou, "--json"]));
    assert_eq!((found[0]["enrollment"].as_str(), found[0]["payment"].as_str()), (Some("here"), Some("paid")));

    // No amount and no policy to quote it: refused, with how to give one.
    let no_amount = canbao(&db).args(["mark", wu, "--payment", "paid"]).assert().code(1);
    assert!(String::from_utf8_lossy(&no_amount.get_output().stderr).contains("--amount"));
    // With a policy, the amount due on the payment day is recorded.
    use_this_years_policy(dir.path(), &db);
    canbao(&db).args(["mark", wu, "--payment", "paid", "--paid-on", &oct8]).assert().success();
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let pupil = store.student_by_id_number(wu).unwrap().unwrap();
    assert_eq!(pupil.payment_details.amount_fen, Some(38000));
    assert_eq!(pupil.enrollment, canbao::domain::student::Enrollment::Here, "a payment enrolls the pupil");
    drop(store);

    // The tax office lists 孙远泽 (enrolled elsewhere) and 高敏 (never asked): money received is recorded, and the
    // roster's 异地参保 beside 孙远泽's payment is said for the operator to settle.
    canbao(&db).args(["mark", sun, "--enrollment", "elsewhere"]).assert().success();
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[["孙远泽", sun, "380", &oct9], ["高敏", gao, "380", &oct9]],
    );
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json", "--reveal"]).arg(&tax));
    assert_eq!(report["matched"], 2);
    assert_eq!(report["conflicts"].as_array().map(Vec::len), Some(0), "{report}");
    let said = report["recorded_over_status"].as_array().unwrap();
    assert_eq!(said.len(), 1, "{report}");
    assert_eq!(said[0]["id_number"], sun);
    assert_eq!(said[0]["roster"], "异地参保");
    let found = json(canbao(&db).args(["find", gao, "--json"]));
    assert_eq!((found[0]["enrollment"].as_str(), found[0]["payment"].as_str()), (Some("here"), Some("paid")));

    // One meaning: stats' insured is the sheet's 是 (four paid, one of them marked elsewhere).
    let stats = json(canbao(&db).args(["stats", "--json"]));
    assert_eq!(stats["insured"], 4, "{stats}");
    assert_eq!(stats["expected"], 10, "{stats}");
    assert_eq!(stats["payment"]["unpaid"], 6);
    assert_eq!(stats["ledgers"]["unpaid"], 6, "the unpaid ledger leaves out the pupil paid elsewhere: {stats}");
    let sheet = dir.path().join("sheet.csv");
    canbao(&db).args(["export", "sheet", "--format", "csv", "--out"]).arg(&sheet).assert().success();
    let text = std::fs::read_to_string(&sheet).unwrap();
    let yes = text.lines().filter(|l| l.split(',').nth(4) == Some("是")).count();
    assert_eq!(yes, 4, "{text}");
    let classes: i64 = stats["classes"].as_array().unwrap().iter().map(|c| c["enrolled"].as_i64().unwrap()).sum();
    assert_eq!(classes, 4);
}

/// `--enrollment unknown` beside a payment is a contradiction (a pupil paid for is 在校参保): refused, nothing
/// saved, naming what to give instead, in place of the payment setting 在校参保 over the option given.
#[test]
fn mark_unknown_with_a_payment_is_refused_and_nothing_saved() {
    let (_dir, db) = imported("utf8_bom.csv");
    let wu = "450202201804012233";
    let refused = canbao(&db)
        .args(["mark", wu, "--enrollment", "unknown", "--payment", "paid", "--amount", "380"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{err}");
    assert!(
        err.contains("--enrollment unknown（未确认）与 --payment paid（已缴费）矛盾") && err.contains("未保存"),
        "{err}"
    );
    assert!(err.contains("--enrollment unknown --payment unpaid") && err.contains("nothing saved"), "{err}");
    let found = json(canbao(&db).args(["find", wu, "--json"]));
    assert_eq!((found[0]["enrollment"].as_str(), found[0]["payment"].as_str()), (Some("unknown"), Some("unpaid")));
    let refused =
        canbao(&db).args(["mark", wu, "--enrollment", "unknown", "--payment", "government"]).output().unwrap();
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(refused.status.code() == Some(1) && err.contains("--payment government（财政代缴）矛盾"), "{err}");
    let found = json(canbao(&db).args(["find", wu, "--json"]));
    assert_eq!((found[0]["enrollment"].as_str(), found[0]["payment"].as_str()), (Some("unknown"), Some("unpaid")));
}

/// `mark --payment government` for a pupil whose category the policy sends to enroll where the benefit was approved
/// (liuzhou-2023, 000 附件二(五)) registers them with the school as a family's payment would: refused, nothing
/// saved, until `--at-school` says the school does enroll them. A pupil marked 异地参保 (in the same command or
/// before) is the benefit place's, and the department's payment for them is recorded as it is.
#[test]
fn government_paid_at_school_for_a_pupil_who_enrolls_at_the_benefit_place_is_refused() {
    let (dir, db) = common::new_drive();
    let list = dir.path().join("list.csv");
    std::fs::write(
        &list,
        "学校,姓名,身份证号码,年级,班级,人员类别\n\
         示范小学,何轩明,45020320190307775X,一年级,1班,低保对象\n\
         示范小学,许志文,450203201811029232,一年级,1班,特困人员\n\
         示范小学,孙语,450203201909308803,一年级,1班,\n",
    )
    .unwrap();
    canbao(&db).arg("import").arg(&list).assert().success();
    canbao(&db).args(["policy", "use", "liuzhou-2023"]).assert().success();
    let (he, xu, sun) = ("45020320190307775X", "450203201811029232", "450203201909308803");
    let status = |id: &str| {
        let found = json(canbao(&db).args(["find", id, "--json"]));
        (found[0]["enrollment"].as_str().unwrap().to_owned(), found[0]["payment"].as_str().unwrap().to_owned())
    };

    let refused = canbao(&db).args(["mark", he, "--payment", "government"]).assert().code(1);
    let err = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(err.contains("何轩明 为低保对象，按政策应在待遇审批地参保，未保存"), "{err}");
    assert!(err.contains("--at-school") && err.contains("nothing saved"), "{err}");
    assert!(
        err.contains("--enrollment elsewhere --payment government"),
        "how the benefit place's payment is kept: {err}"
    );
    assert_eq!(status(he), ("unknown".to_owned(), "unpaid".to_owned()));
    // 在校参保 in the same command is no answer: it is what the question is about.
    canbao(&db).args(["mark", he, "--enrollment", "here", "--payment", "government"]).assert().code(1);
    assert_eq!(status(he), ("unknown".to_owned(), "unpaid".to_owned()));
    canbao(&db).args(["mark", he, "--payment", "government", "--at-school"]).assert().success();
    assert_eq!(status(he), ("here".to_owned(), "government".to_owned()), "registered through the school");

    // The department's payment where the benefit was approved: 异地参保, in the same command or before.
    let marked = canbao(&db).args(["mark", xu, "--enrollment", "elsewhere", "--payment", "government"]).assert();
    let err = String::from_utf8_lossy(&marked.success().get_output().stderr).into_owned();
    assert!(!err.contains("没有登记人员类别"), "a pupil with a category: {err}");
    assert_eq!(status(xu), ("elsewhere".to_owned(), "government".to_owned()));
    // Clearing a payment registers no one: no --at-school asked for it.
    canbao(&db).args(["mark", he, "--payment", "unpaid"]).assert().success();
    assert_eq!(status(he).1, "unpaid");
    // A pupil in no such category is marked as before, with a word (the TUI asks): no category, no department.
    let marked = canbao(&db).args(["mark", sun, "--payment", "government"]).assert().success();
    let err = String::from_utf8_lossy(&marked.get_output().stderr).into_owned();
    assert!(err.contains("孙语 没有登记人员类别，仍已标记为财政代缴") && err.contains("has no category"), "{err}");
    assert!(err.contains("--source categories") && err.contains("check"), "{err}");
    assert_eq!(status(sun), ("here".to_owned(), "government".to_owned()));
    // Marked again: nothing changed, nothing said.
    let again = canbao(&db).args(["mark", sun, "--payment", "government"]).assert().success();
    assert!(!String::from_utf8_lossy(&again.get_output().stderr).contains("人员类别"));
}

/// The text output says what each number counts, and rounds the rate.
#[test]
fn stats_text_labels_each_count() {
    let (_dir, db) = imported("utf8_bom.csv");
    canbao(&db).args(["mark", "450202201711194162", "--payment", "government"]).assert().success();
    let out = canbao(&db).arg("stats").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for label in ["应参保 10 人", "已参保 1 人", "参保率 10.0%", "缴费状态", "四本台账", "财政代缴: 1"]
    {
        assert!(text.contains(label), "{label} missing:\n{text}");
    }
}

/// A pupil who paid and then left is insured for the year and stays in the 已缴费 ledger; `stats` says so of its
/// ledgers, in place of saying that left pupils are in none of them.
#[test]
fn stats_says_a_pupil_who_paid_and_then_left_stays_in_the_ledgers() {
    let (_dir, db) = imported("utf8_bom.csv");
    let wu = "450202201804012233";
    canbao(&db).args(["mark", wu, "--payment", "paid", "--amount", "380"]).assert().success();
    canbao(&db).args(["mark", wu, "--enrollment", "left"]).assert().success();
    let stats = json(canbao(&db).args(["stats", "--json"]));
    assert_eq!(stats["ledgers"]["paid"], 1, "{stats}");
    for (lang, words) in [
        ("zh", ["未缴足就离校的学生不在其中", "缴足后离校的本年度仍已参保，仍在台账中", "已缴费: 1"]),
        (
            "en",
            [
                "those who left without paying in full are in none",
                "paid in full and then left is insured this year",
                "paid: 1",
            ],
        ),
    ] {
        let out = canbao(&db).args(["--lang", lang, "stats"]).assert().success();
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        assert!(!text.contains("left pupils are in none"), "{text}");
        for w in words {
            assert!(text.contains(w), "{lang}: {w} in\n{text}");
        }
    }
}

/// This year's policy from last year's: written to the config folder, listed, usable, and quoting this year.
#[test]
fn policy_new_makes_this_years_policy_from_last_years() {
    let (dir, db) = imported("utf8_bom.csv");
    let with_config = |cmd: &mut Command| {
        cmd.env("XDG_CONFIG_HOME", dir.path().join("config")).env("HOME", dir.path());
    };
    let mut new = canbao(&db);
    with_config(&mut new);
    let out = new.args(["policy", "new", "yibin-2027", "--from", "yibin-2024", "--year", "2027", "--premium", "400"]);
    let text = String::from_utf8_lossy(&out.assert().success().get_output().stdout).into_owned();
    assert!(text.contains("2026-09-01 至 2027-02-28"), "{text}");
    assert!(text.contains("请对照本年度通知核对"), "{text}");
    let written = dir.path().join("config/canbao/policies/yibin-2027.toml");
    assert!(written.is_file(), "{}", written.display());
    #[cfg(unix)]
    {
        // Owner-only, as every file canbao makes: the file and the folders it made for it.
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&written), 0o600);
        assert_eq!(mode(&dir.path().join("config/canbao/policies")), 0o700);
    }

    let mut again = canbao(&db);
    with_config(&mut again);
    again.args(["policy", "new", "yibin-2027", "--from", "yibin-2024", "--year", "2027"]).assert().code(1);

    let mut list = canbao(&db);
    with_config(&mut list);
    let listed = json(list.args(["policy", "list", "--json"]));
    assert!(listed.as_array().unwrap().iter().any(|p| p["name"] == "yibin-2027" && p["insured_year"] == 2027));

    let mut quote = canbao(&db);
    with_config(&mut quote);
    let q = json(quote.args([
        "quote",
        "--policy",
        "yibin-2027",
        "--category",
        "低保",
        "--paid-on",
        "2026-10-08",
        "--json",
    ]));
    assert_eq!(q["personal_due"], 100.0, "25 % of the new 400: {q}");
    assert_eq!(q["coverage_from"], "2027-01-01");

    let mut bad = canbao(&db);
    with_config(&mut bad);
    bad.args(["policy", "new", "x", "--from", "nowhere-1999", "--year", "2027"]).assert().code(1);
}

/// `policy new`'s list of what to check against this year's notice is said in the language asked for, as the rest
/// of its lines are: English alone with `--lang en`. Before, each item said both languages whatever was asked.
#[test]
fn policy_new_lists_what_to_check_in_the_language_asked_for() {
    let (dir, db) = common::new_drive();
    let items = |lang: &str| -> Vec<String> {
        let mut new = canbao(&db);
        new.env("XDG_CONFIG_HOME", dir.path().join(lang)).env("HOME", dir.path());
        new.args(["--lang", lang, "policy", "new", "nanning-2027", "--from", "yibin-2024", "--year", "2027"]);
        let text = String::from_utf8_lossy(&new.assert().success().get_output().stdout).into_owned();
        text.lines().filter_map(|l| l.strip_prefix("  - ")).map(str::to_owned).collect()
    };
    // Another place's policy: its title, area codes and payment channels are on the list too.
    let (zh, en) = (items("zh"), items("en"));
    assert!(zh.len() > 3 && zh.len() == en.len(), "{zh:#?}\n{en:#?}");
    assert!(zh.iter().any(|l| l.contains("请核对")), "{zh:#?}");
    for line in &en {
        assert!(!["请", "沿用", "：", "（"].iter().any(|w| line.contains(w)), "English only: {line}");
    }
    assert!(en.iter().any(|l| l.starts_with("document: fill in this year's notice number")), "{en:#?}");
    assert!(en.iter().any(|l| l.starts_with("title kept from yibin-2024")), "{en:#?}");
}

#[test]
fn a_read_command_on_a_missing_drive_is_an_error_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mistyped.db");
    let commands: [&[&str]; 6] =
        [&["find", "张"], &["stats"], &["check"], &["export", "sheet"], &["quote"], &["policy", "show"]];
    for args in commands {
        let out = canbao(&db).args(args).current_dir(dir.path()).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("数据文件不存在") && stderr.contains("mistyped.db"), "{args:?}: {stderr}");
        assert!(!db.exists(), "{args:?} created the drive");
    }
    // The TUI, without a terminal to ask at, refuses too.
    let out = canbao(&db).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(!db.exists());
}

/// The policies are built in: `policy list` and `policy show NAME` need no drive. With none, the list says on
/// stderr that the drive is missing and that choosing a policy needs one; `policy show` without a name, or with a
/// name no policy has (a year typed for a name among them), lists the policies with their years.
#[test]
fn policies_are_listed_and_shown_without_a_drive_and_a_wrong_name_hints_the_years() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mistyped.db");
    let out = canbao(&db).args(["policy", "list"]).current_dir(dir.path()).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("liuzhou-2023") && stdout.contains("yibin-2024") && !stdout.contains('*'), "{stdout}");
    assert!(stderr.contains("mistyped.db") && stderr.contains("不存在") && stderr.contains("policy use"), "{stderr}");
    let listed = json(canbao(&db).args(["policy", "list", "--json"]));
    assert!(listed.as_array().unwrap().iter().all(|p| p["current"] == false), "{listed}");
    let shown = json(canbao(&db).args(["policy", "show", "liuzhou-2023", "--json"]));
    assert_eq!(shown["name"], "liuzhou-2023", "{shown}");
    assert!(!db.exists(), "a drive was made");

    let (code, text) = said(canbao(&db).args(["policy", "show"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("mistyped.db") && text.contains("liuzhou-2023（2023 年度）"), "{text}");
    assert!(text.contains("yibin-2024 for 2024"), "{text}");
    let (code, text) = said(canbao(&db).args(["policy", "show", "2023"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("2023 年度的政策：liuzhou-2023、nanchong-2023"), "{text}");
    assert!(text.contains("policies go by name; 2023's: liuzhou-2023, nanchong-2023"), "{text}");
    let (code, text) = said(canbao(&db).args(["--lang", "en", "policy", "show", "liuzhou-2030"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("no policy named liuzhou-2030") && text.contains("liuzhou-2021 for 2021"), "{text}");
    assert!(!text.contains("年度"), "{text}");

    // A drive that chose no policy: `policy show` names the policies there are, with their years.
    canbao(&db).arg("import").arg(fixture("gbk_title.csv")).assert().success();
    let (code, text) = said(canbao(&db).args(["policy", "show"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("还没有选定参保政策") && text.contains("quanzhou-2023（2023 年度）"), "{text}");
    assert!(text.contains("policy show NAME"), "{text}");
}

#[test]
fn a_read_command_on_another_programs_database_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("photos.sqlite");
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "CREATE TABLE photos(id INTEGER PRIMARY KEY, path TEXT); INSERT INTO photos(path) VALUES ('a');",
        )
        .unwrap();
    }
    let before = std::fs::read(&db).unwrap();
    for args in [&["stats"][..], &["find", "x"], &["import", "/nonexistent.csv"]] {
        let out = canbao(&db).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("其他程序") && stderr.contains("photos.sqlite"), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "not switched to WAL, no tables added");
    assert!(!dir.path().join("photos.sqlite-wal").exists());
}

/// A valid ID number from its first 17 digits.
fn valid_id(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{first17}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

#[test]
fn formula_and_invisible_cells_are_cleaned_on_import_and_neutralised_on_export() {
    let (dir, db) = common::new_drive();
    let (a, b, c, d) = (
        valid_id("45020220150101121"),
        valid_id("45020220150101131"),
        valid_id("45020220150101141"),
        valid_id("45020220150101151"),
    );
    let list = dir.path().join("list.csv");
    std::fs::write(
        &list,
        format!(
            "姓名,身份证号码,班级,联系电话\n\
             \"=HYPERLINK(\"\"http://x\"\",\"\"点\"\")\",{a},1班,\n\
             \"\t=1+1\",{b},1班,\n\
             李\u{200b}四,\t{c},1班,\n\
             王\u{1b}[31m五\u{202e},{d},@SUM(1),-5\n"
        ),
    )
    .unwrap();
    let report = json(canbao(&db).args(["import", "--json"]).arg(&list));
    assert_eq!(report["added"], 4, "{report}");
    let rows: Vec<u64> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["message"].as_str().unwrap().contains("不可见字符") && p["file"].as_str().unwrap().contains("list.csv")
        })
        // Consecutive rows with the same problem are one entry, from row to last_row.
        .flat_map(|p| p["row"].as_u64().unwrap()..=p["last_row"].as_u64().unwrap_or(p["row"].as_u64().unwrap()))
        .collect();
    assert_eq!(rows, [4, 5], "{report}");
    let found = json(canbao(&db).args(["find", "李四", "--json"]));
    assert_eq!(found[0]["name"], "李四", "{found}");
    let out = canbao(&db).args(["find", "王五"]).output().unwrap();
    assert!(!out.stdout.contains(&0x1b), "{}", String::from_utf8_lossy(&out.stdout));

    let csv = dir.path().join("out.csv");
    canbao(&db).args(["export", "sheet", "--format", "csv", "--out"]).arg(&csv).assert().success();
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let cells: Vec<String> =
        reader.records().flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>()).collect();
    for cell in &cells {
        assert!(!cell.starts_with(['=', '+', '@', '\t', '\r']), "a formula in the export: {cell:?}");
        assert!(!cell.starts_with('-') || cell.parse::<f64>().is_ok(), "a formula in the export: {cell:?}");
    }
    for id in [&a, &b, &c, &d] {
        assert!(cells.iter().any(|cell| cell == id), "ID {id} written as it is");
    }
    assert!(cells.iter().any(|cell| cell == "'=1+1"), "{cells:?}");
    // Importing the export again changes no name: the apostrophe the CSV puts before a formula is no part of it.
    let again = json(canbao(&db).args(["import", "--json"]).arg(&csv));
    assert_eq!(again["updated"], 0, "{again}");
}

/// A workbook's text cell is text: a name that starts a formula is written as the list wrote it, with no
/// apostrophe inside the name, while a CSV keeps the apostrophe a spreadsheet needs; either, imported again,
/// changes nothing.
#[test]
fn a_formula_like_name_is_written_to_xlsx_as_text_without_an_apostrophe() {
    use calamine::Reader;
    let (dir, db) = common::new_drive();
    let list = dir.path().join("list.csv");
    let name = "=HYPERLINK(\"http://x\",\"点\")";
    let id = valid_id("45020220150101161");
    std::fs::write(&list, format!("姓名,身份证号码,班级\n\"{}\",{id},一年级1班\n", name.replace('"', "\"\""))).unwrap();
    canbao(&db).arg("import").arg(&list).assert().success();
    let xlsx = dir.path().join("out.xlsx");
    canbao(&db).args(["export", "sheet", "--out"]).arg(&xlsx).assert().success();
    let mut book = calamine::open_workbook_auto(&xlsx).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    let cells: Vec<String> = range.rows().flat_map(|r| r.iter().map(ToString::to_string)).collect();
    assert!(cells.iter().any(|c| c == name), "the name as written: {cells:?}");
    assert!(!cells.iter().any(|c| c.starts_with("'=")), "no apostrophe inside a text cell: {cells:?}");
    let csv = dir.path().join("out.csv");
    canbao(&db).args(["export", "sheet", "--out"]).arg(&csv).assert().success();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("'=HYPERLINK("), "a CSV keeps its protection: {text}");
    for again in [&xlsx, &csv] {
        let report = json(canbao(&db).args(["import", "--json"]).arg(again));
        assert_eq!((report["updated"].clone(), report["added"].clone()), (0.into(), 0.into()), "{report}");
    }
}

#[test]
fn a_control_character_held_by_a_drive_never_reaches_the_terminal() {
    let (_dir, db) = imported("utf8_bom.csv");
    {
        // A drive made before imports cleaned names, or written by hand.
        let conn = rusqlite::Connection::open(&db).unwrap();
        // The drive's triggers keep the pinyin sort key with canbao's own SQL functions.
        canbao::store::schema::register_functions(&conn).unwrap();
        conn.execute("UPDATE students SET name = '张' || char(27) || ']0;pwned' || char(7) || '三'", []).unwrap();
    }
    let out = canbao(&db).args(["find", "年级", "--limit", "3"]).output().unwrap();
    assert!(out.status.success());
    assert!(!out.stdout.iter().any(|&b| b == 0x1b || b == 0x07), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("张�]0;pwned�三"));
}

#[test]
fn export_special_with_no_special_pupils_says_so() {
    let (dir, db) = imported("utf8_bom.csv");
    let out = canbao(&db).args(["export", "special", "--out"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("没有标记了人员类别"), "{stderr}");
}

/// A small tmpfs mounted on a temporary folder, unmounted when dropped; `None` where mounting is not allowed.
struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(at: &Path) -> Option<SmallDisk> {
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
            .arg(at)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| SmallDisk(at.to_owned()))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_called_a_full_disk() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("drive.db");
    canbao(&source).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let mount = dir.path().join("disk");
    std::fs::create_dir(&mount).unwrap();
    let Some(_disk) = SmallDisk::mount(&mount) else {
        println!("skipping: cannot mount a small disk here (needs root)");
        return;
    };
    let db = mount.join("drive.db");
    std::fs::copy(&source, &db).unwrap();
    // Fill what is left, so SQLite cannot even create the -shm file beside the drive.
    let mut filler = std::fs::File::create(mount.join("filler")).unwrap();
    while std::io::Write::write_all(&mut filler, &[0u8; 4096]).is_ok() {}
    drop(filler);
    for args in [&["stats"][..], &["import", fixture("gbk_title.csv").to_str().unwrap()]] {
        let out = canbao(&db).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("磁盘已满"), "{args:?}: {stderr}");
        assert!(!stderr.contains("disk I/O error"), "{args:?}: {stderr}");
    }
}

#[test]
fn an_export_leaves_no_abandoned_part_file_behind() {
    let (dir, db) = imported("utf8_bom.csv");
    let out = dir.path().join("forms");
    std::fs::create_dir(&out).unwrap();
    // One export killed an hour ago, one perhaps still running.
    let stale = out.join(".名单.xlsx.part");
    let running = out.join(".另一份.xlsx.part");
    let mine = out.join("not-mine.part");
    for p in [&stale, &running, &mine] {
        std::fs::write(p, b"partial").unwrap();
    }
    let hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for p in [&stale, &mine] {
        std::fs::File::options().write(true).open(p).unwrap().set_modified(hour_ago).unwrap();
    }
    canbao(&db).args(["export", "sheet", "--out"]).arg(out.join("x.xlsx")).assert().success();
    assert!(!stale.exists(), "the abandoned export's file is removed");
    assert!(running.exists(), "a recent one may belong to an export still running");
    assert!(mine.exists(), "only canbao's own pattern is touched");
}

#[test]
fn the_xlsx_export_is_on_disk_before_its_rename() {
    let (dir, db) = imported("utf8_bom.csv");
    let log = dir.path().join("trace.log");
    let target = dir.path().join("x.xlsx");
    let traced = std::process::Command::new("strace")
        .args(["-f", "-y", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2", "-o"])
        .arg(&log)
        .arg(env!("CARGO_BIN_EXE_canbao"))
        .arg("--db")
        .arg(&db)
        .args(["export", "sheet", "--out"])
        .arg(&target)
        .env_remove("CANBAO_DB")
        .output();
    let Some(traced) = traced.ok().filter(|o| o.status.success() && log.exists()) else {
        println!("skipping: strace is not available here");
        return;
    };
    assert!(target.exists(), "{}", String::from_utf8_lossy(&traced.stderr));
    let trace = std::fs::read_to_string(&log).unwrap();
    let synced = trace.lines().position(|l| l.contains("sync(") && l.contains(".x.xlsx.part>"));
    let renamed = trace.lines().position(|l| l.contains("rename") && l.contains(".x.xlsx.part\""));
    assert!(matches!((synced, renamed), (Some(s), Some(r)) if s < r), "{trace}");
}

#[cfg(unix)]
#[test]
fn a_leftover_read_only_wal_and_shm_beside_a_writable_drive_are_handled() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, db) = imported("utf8_bom.csv");
    let number = json(canbao(&db).args(["find", "年级", "--json", "--reveal", "--limit", "1"]))[0]["id_number"]
        .as_str()
        .unwrap()
        .to_owned();
    // The folder as copied while the drive was open: its -wal and -shm still hold a change.
    let copy = dir.path().join("copy");
    std::fs::create_dir(&copy).unwrap();
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        conn.execute("UPDATE students SET note = '复制前' WHERE id_number <> ?1", [&number]).unwrap();
        for suffix in ["", "-wal", "-shm"] {
            std::fs::copy(format!("{}{suffix}", db.display()), copy.join(format!("drive.db{suffix}"))).unwrap();
        }
    }
    let drive = copy.join("drive.db");
    // Root writes through any mode, so the binary runs as another user there, as an operator would.
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o777)).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        for entry in std::fs::read_dir(&copy).unwrap() {
            std::os::unix::fs::chown(entry.unwrap().path(), Some(65534), Some(65534)).unwrap();
        }
    }
    for suffix in ["-wal", "-shm"] {
        let p = copy.join(format!("drive.db{suffix}"));
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o400)).unwrap();
    }
    let binary = env!("CARGO_BIN_EXE_canbao");
    let mut mark = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", binary]);
        c
    } else {
        std::process::Command::new(binary)
    };
    mark.arg("--db").arg(&drive).args(["mark", &number, "--note", "复制后"]).env("CANBAO_OPERATOR", "测试");
    let Ok(out) = mark.output() else {
        println!("skipping: cannot run as another user here");
        return;
    };
    if root && String::from_utf8_lossy(&out.stderr).contains("Permission denied") && !drive.exists() {
        println!("skipping: the binary is not reachable by another user");
        return;
    }
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let found = json(canbao(&drive).args(["find", &number, "--json"]));
    assert_eq!(found.as_array().unwrap().len(), 1);
    let conn = rusqlite::Connection::open(&drive).unwrap();
    let notes: String =
        conn.query_row("SELECT group_concat(note) FROM students WHERE note <> ''", [], |r| r.get(0)).unwrap();
    assert!(notes.contains("复制后") && notes.contains("复制前"), "{notes}");
}

/// `stats --json` carries the drive day by day from the audit log: pupils enrolled and paid each day.
#[test]
fn stats_counts_each_day_of_the_drive() {
    let (_dir, db) = imported("utf8_bom.csv");
    canbao(&db).args(["mark", "450202201711194162", "--payment", "government"]).assert().success();
    canbao(&db).args(["mark", "450202201804012233", "--enrollment", "elsewhere"]).assert().success();
    let stats = json(canbao(&db).args(["stats", "--json"]));
    let days = stats["days"].as_array().unwrap();
    assert_eq!(days.len(), 1, "{stats}");
    assert_eq!((days[0]["enrolled"].as_i64(), days[0]["paid"].as_i64()), (Some(2), Some(1)), "{stats}");
    assert_eq!(days[0]["date"], (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive().to_string());
}

fn valid_number(first17: &str) -> String {
    format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()))
}

/// A class list `name` in `dir` of `rows` (姓名, 身份证号码, 年级, 班级).
fn write_list(dir: &Path, name: &str, rows: &[[&str; 4]]) -> PathBuf {
    write_csv(dir, name, "姓名,身份证号码,年级,班级", rows)
}

/// A CSV file `name` in `dir`, as a school or the tax office saves one: the `header` line, then a line a row, its
/// cells joined by commas, every line ended by a line break.
fn write_csv<const N: usize>(dir: &Path, name: &str, header: &str, rows: &[[&str; N]]) -> PathBuf {
    let mut text = format!("{header}\n");
    for row in rows {
        text.push_str(&row.join(","));
        text.push('\n');
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A drive in a folder of its own holding one school's pupils, imported through the binary from the class list
/// `list.csv` of `rows` (姓名, 身份证号码, 年级, 班级).
fn drive_of(rows: &[[&str; 4]]) -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = common::new_drive();
    let list = write_list(dir.path(), "list.csv", rows);
    canbao(&db).arg("import").arg(&list).assert().success();
    (dir, db)
}

fn names(found: &Value) -> Vec<String> {
    found.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn a_class_is_found_as_lists_write_it_and_names_are_in_pinyin_order() {
    let (a, b, c, d) = (
        valid_number("45020220110101123"),
        valid_number("45020220110101234"),
        valid_number("45020220110101345"),
        valid_number("45020220110101456"),
    );
    let (dir, db) = drive_of(&[
        ["张三", &a, "九年级", "6班"],
        ["李四", &b, "九年级", "5班"],
        ["吕布", &c, "九年级", "6班"],
        ["阿明", &d, "九年级", "6班"],
    ]);
    for written in ["初三6班", "九年级（6）班", "9年级6班", "九年级(6)班"] {
        let found = json(canbao(&db).args(["find", written, "--json"]));
        assert_eq!(names(&found), ["阿明", "吕布", "张三"], "{written}: by pinyin within a rank");
        let out = dir.path().join("sheet.csv");
        canbao(&db)
            .args(["export", "sheet", "--format", "csv", "--class", written, "--out"])
            .arg(&out)
            .assert()
            .success();
        let text = std::fs::read_to_string(&out).unwrap();
        let rows: Vec<&str> = text.lines().filter(|l| l.contains("九年级6班")).collect();
        assert_eq!(rows.len(), 3, "{written}: {text}");
        let order: Vec<usize> = ["阿明", "吕布", "张三"].iter().map(|n| text.find(n).unwrap()).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{written}: pinyin order, not code points: {text}");
        assert!(!text.contains("李四"), "{written}: {text}");
    }
    // Exports of other forms take the same --class.
    canbao(&db).args(["export", "classes", "--class", "初三6班", "--out"]).arg(dir.path()).assert().success();
    canbao(&db).args(["export", "classes", "--class", "初二6班", "--out"]).arg(dir.path()).assert().code(1);
    for typed in ["lv", "lu", "lvbu", "lubu"] {
        assert_eq!(names(&json(canbao(&db).args(["find", typed, "--json"]))), ["吕布"], "{typed}");
    }
}

#[test]
fn class_takes_a_grade_shortened_to_its_numeral_as_the_import_reads_it() {
    let (a, b) = (valid_number("45020220150101123"), valid_number("45020220150101234"));
    let (dir, db) = drive_of(&[["张三", &a, "三年级", "2班"], ["李四", &b, "三年级", "3班"]]);
    for written in ["三2班", "三（2）班", "三(2)班", "3(2)班", "三2"] {
        let out = dir.path().join("sheet.csv");
        let run = canbao(&db)
            .args(["export", "sheet", "--format", "csv", "--class", written, "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(run.status.success(), "{written}: {}", String::from_utf8_lossy(&run.stderr));
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains("张三") && !text.contains("李四"), "{written}: {text}");
        std::fs::remove_file(&out).unwrap();
    }
    for form in ["classes", "ledgers", "template"] {
        let run = canbao(&db).args(["export", form, "--class", "三2班", "--out"]).arg(dir.path()).output().unwrap();
        assert!(run.status.success(), "{form}: {}", String::from_utf8_lossy(&run.stderr));
    }
    let missing = canbao(&db).args(["export", "sheet", "--class", "三9班", "--out"]).arg(dir.path()).output().unwrap();
    assert_eq!(missing.status.code(), Some(1), "a class the drive lacks is still refused");
}

#[test]
fn mark_find_and_quote_reach_a_pupil_by_a_flagged_number_as_stored() {
    let good = valid_number("45020220150101123");
    let typo = format!("{}{}", &good[..17], if good.ends_with('1') { '2' } else { '1' });
    let (_dir, db) = drive_of(&[
        ["张三", "4.50202201501E+17", "一年级", "1班"],
        ["李四", &typo, "一年级", "1班"],
        ["王五", "4.50202201502E+17", "一年级", "2班"],
        ["赵六", "4.50202201502E+17", "一年级", "3班"],
    ]);

    assert_eq!(names(&json(canbao(&db).args(["find", "4.50202201501E+17", "--json"]))), ["张三"]);
    canbao(&db).args(["mark", "4.50202201501e+17", "--enrollment", "here"]).assert().success();
    canbao(&db).args(["mark", &typo, "--enrollment", "elsewhere"]).assert().success();
    let found = json(canbao(&db).args(["find", "一年级1班", "--json"]));
    let enrollment =
        |name: &str| found.as_array().unwrap().iter().find(|p| p["name"] == name).unwrap()["enrollment"].clone();
    assert_eq!((enrollment("张三"), enrollment("李四")), (Value::from("here"), Value::from("elsewhere")));

    // Two pupils share one rounded number: the name says which.
    let out = canbao(&db).args(["mark", "4.50202201502E+17", "--enrollment", "here"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--name") && err.contains("王五") && err.contains("赵六"), "{err}");
    canbao(&db)
        .args(["mark", "4.50202201502E+17", "--name", "赵六", "--enrollment", "declined", "--reason", "家长不同意"])
        .assert()
        .success();
    let found = json(canbao(&db).args(["find", "赵六", "--json"]));
    assert_eq!(found[0]["enrollment"], "declined");
    canbao(&db).args(["mark", "4.50202201502E+17", "--name", "钱七", "--note", "x"]).assert().code(1);

    let quote = json(canbao(&db).args(["quote", &typo, "--policy", "yibin-2024", "--paid-on", "2023-10-01", "--json"]));
    assert!(quote.get("personal_due").is_some(), "{quote}");
    // A number nobody holds still says what is wrong with it.
    let out = canbao(&db).args(["quote", "450202201501011", "--policy", "yibin-2024", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn check_lists_a_same_name_pair_in_one_class_where_a_number_was_rounded() {
    let real = valid_number("45020220150101123");
    let (_dir, db) = drive_of(&[
        ["张伟", &real, "一年级", "1班"],
        // Not the real number's rounding, which the import takes for that pupil: another 张伟's.
        ["张伟", "4.50202201601E+17", "一年级", "1班"],
        ["张伟", "", "一年级", "2班"],
    ]);
    let report = json(canbao(&db).args(["check", "--json"]));
    for key in ["students", "same_id", "same_name_birth", "invalid_ids", "no_class", "categories_without_department"] {
        assert!(report.get(key).is_some(), "{key} is kept: {report}");
    }
    let pairs = report["same_name_class_rounded"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{report}");
    assert_eq!(pairs[0]["pupils"].as_array().unwrap().len(), 2);
    assert_eq!(pairs[0]["pupils"][0]["class"], "一年级1班");
    let text = String::from_utf8_lossy(&canbao(&db).arg("check").output().unwrap().stdout).into_owned();
    assert!(text.contains("同班同名") && !text.contains(&real), "masked: {text}");
}

/// A one-row list gives 蒋婷语, held with her valid number, that number with its check character typed wrong: the
/// row is 蒋婷语, said so at the row, and nothing is added. One list giving 韦明 twice, with the valid number and
/// with its check character typed wrong, holds two entries, which `check` lists as probably one pupil, masked,
/// with what to do.
#[test]
fn check_lists_a_mistyped_number_beside_the_valid_one_of_the_same_name() {
    let (dir, db) = common::new_drive();
    canbao(&db)
        .arg("import")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample-school.csv"))
        .assert()
        .success();
    let list = dir.path().join("one.csv");
    std::fs::write(&list, "学校,姓名,身份证号码,年级,班级\n柳州市示范小学,蒋婷语,511302202007094540,一年级,2班\n")
        .unwrap();
    let report = json(canbao(&db).args(["import", "--json"]).arg(&list));
    assert_eq!((report["added"].as_i64(), report["id_invalid"].as_i64()), (Some(0), Some(0)), "{report}");
    let problems = report["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p["row"] == 2
            && p["message"].as_str().unwrap().starts_with("身份证号码校验位有误，按已登记的 5113**********4544 处理")),
        "{report}"
    );
    assert!(json(canbao(&db).args(["check", "--json"]))["same_name_mistyped"].as_array().unwrap().is_empty());

    std::fs::write(
        &list,
        "学校,姓名,身份证号码,年级,班级\n柳州市示范小学,韦明,450202201501011233,一年级,2班\n\
         柳州市示范小学,韦明,450202201501011230,一年级,2班\n",
    )
    .unwrap();
    canbao(&db).arg("import").arg(&list).assert().success();
    let report = json(canbao(&db).args(["check", "--json", "--reveal"]));
    let pairs = report["same_name_mistyped"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{report}");
    assert_eq!(pairs[0]["key"], "韦明 一年级2班");
    let numbers: Vec<&str> =
        pairs[0]["pupils"].as_array().unwrap().iter().map(|p| p["id_number"].as_str().unwrap()).collect();
    assert_eq!(numbers, ["450202201501011230", "450202201501011233"]);
    let text = String::from_utf8_lossy(&canbao(&db).arg("check").output().unwrap().stdout).into_owned();
    assert!(
        text.contains("可能是同一名学生") && text.contains("更正") && !text.contains("450202201501011233"),
        "{text}"
    );
}

#[test]
fn a_valid_number_corrects_a_rounded_one_that_carried_into_the_birth_date() {
    let (dir, db) = common::new_drive();
    let real = valid_number("45020220150505996");
    let shown = canbao::domain::id_number::rounded_by_spreadsheet(&real).unwrap();
    assert_eq!(shown, "450202201505060000");
    let first = write_list(dir.path(), "first.csv", &[["张三", &shown, "一年级", "1班"]]);
    let report = json(canbao(&db).args(["import", "--json"]).arg(&first));
    assert_eq!(report["id_invalid"], 1, "the rounded number is flagged: {report}");
    let card = write_list(dir.path(), "card.csv", &[["张三", &real, "一年级", "2班"]]);
    let report = json(canbao(&db).args(["import", "--json"]).arg(&card));
    assert_eq!((report["added"].as_i64(), report["updated"].as_i64()), (Some(0), Some(1)), "{report}");
    let found = json(canbao(&db).args(["find", &real, "--json"]));
    assert_eq!((found[0]["name"].as_str(), found[0]["id_valid"].as_bool()), (Some("张三"), Some(true)));
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 1);
}

/// The tax office lists a pupil by the real number the roster holds rounded (a spreadsheet cut it): found by
/// the rounded form and the name, marked paid, and the operator told to correct the number; a number nobody
/// has is listed with the list's name and row.
#[test]
fn reconcile_finds_a_pupil_held_with_a_rounded_number() {
    let real = valid_number("51150220160501150");
    let rounded = format!("{}000", &real[..15]);
    let (dir, db) = drive_of(&[["王霞丽", &rounded, "三年级", "2班"]]);
    let held = json(canbao(&db).args(["find", &rounded, "--json"]));
    assert_eq!(held[0]["id_valid"], false, "held flagged: {held}");
    let stranger = valid_number("45020220160501160");
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[["王霞丽", &real, "380", "2023-10-08"], ["李四", &stranger, "380", "2023-10-08"]],
    );
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json", "--reveal"]).arg(&tax));
    assert_eq!(report["matched"], 1, "{report}");
    assert_eq!(report["rounded_matches"][0]["stored"], rounded.as_str(), "{report}");
    assert_eq!(report["unknown_rows"][0]["name"], "李四", "{report}");
    assert_eq!(report["unknown_rows"][0]["row"], 3, "{report}");
    let found = json(canbao(&db).args(["find", &rounded, "--json"]));
    assert_eq!(found[0]["payment"], "paid");
    // A number kept as a spreadsheet showed it (4.50202E+17) keeps six digits: only the name ties the row to
    // 韦小红, so it is held for the operator, not recorded.
    let shown = dir.path().join("shown.csv");
    let real2 = valid_number("45020220160501203");
    std::fs::write(&shown, "姓名,身份证号码,年级,班级\n韦小红,4.50202E+17,三年级,2班\n").unwrap();
    canbao(&db).arg("import").arg(&shown).assert().success();
    let tax2 = write_csv(
        dir.path(),
        "tax2.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[["韦小红", &real2, "380", "2023-10-08"]],
    );
    let report2 = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax2));
    assert_eq!((&report2["matched"], &report2["not_reconciled"]), (&0.into(), &1.into()), "{report2}");
    let text = canbao(&db).args(["reconcile", "--source", "tax", "--dry-run"]).arg(&tax).assert().success();
    let out = String::from_utf8_lossy(&text.get_output().stdout).into_owned();
    assert!(out.contains("截断") && out.contains("李四"), "{out}");
}

/// A tax list whose last line is cut off (no line break after it, short of the header's columns or inside a
/// quoted cell), as a file still being copied is: that row is not reconciled and is said at the file and row, as
/// the import says it, where before its half-written amount was taken as the pupil's payment. A whole last line
/// without a line break (as Excel saves a CSV) is read.
#[test]
fn reconcile_leaves_out_a_last_line_cut_off() {
    let (first, second) = (valid_number("45020220160501150"), valid_number("45020220160501160"));
    let (dir, db) = drive_of(&[["王霞丽", &first, "三年级", "2班"], ["李四", &second, "三年级", "2班"]]);
    let paid = |number: &str| json(canbao(&db).args(["find", number, "--json"]))[0]["payment"].clone();
    let head = format!("姓名,证件号码,缴费金额,缴费日期\n王霞丽,{first},380,2023-10-08\n");
    for cut in [format!("李四,{second},38"), format!("李四,{second},380,\"2023-10")] {
        let tax = dir.path().join("tax.csv");
        std::fs::write(&tax, format!("{head}{cut}")).unwrap();
        let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json", "--dry-run"]).arg(&tax));
        let problems = report["problems"].as_array().unwrap();
        let said = problems.iter().find(|p| p["message"].as_str().unwrap().contains("最后一行不完整"));
        let said = said.unwrap_or_else(|| panic!("{cut}: {report}"));
        assert_eq!(
            (said["row"].as_u64(), said["file"].as_str().map(|f| f.ends_with("tax.csv"))),
            (Some(3), Some(true))
        );
        assert!(report["amount_mismatches"].as_array().is_none_or(Vec::is_empty), "{cut}: {report}");
        assert_eq!(report["rows_read"], 1, "{cut}: {report}");
        canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax).assert().success();
        assert_eq!(paid(&second), "unpaid", "{cut}: the cut-off row marked nobody");
    }
    // The same line whole, without a line break after it: read.
    let tax = dir.path().join("tax.csv");
    std::fs::write(&tax, format!("{head}李四,{second},380,2023-10-08")).unwrap();
    canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax).assert().success();
    assert_eq!(paid(&second), "paid");
}

#[test]
fn reconcile_skips_footers_and_names_a_pupil_held_with_a_flagged_number() {
    let real = valid_number("45020520180707906");
    // The class list typed the last character wrong: held flagged (check digit failed).
    let typo = format!("{}{}", &real[..17], if real.ends_with('2') { '3' } else { '2' });
    let (dir, db) = drive_of(&[["孙芳琳", &typo, "三年级", "2班"]]);
    let agency = dir.path().join("agency.csv");
    std::fs::write(&agency, format!("序号,姓名,证件号码\n1,孙芳琳,{real}\n合计,,1人\n,合计,16人\n")).unwrap();
    let report = json(canbao(&db).args(["reconcile", "--source", "agency", "--json", "--reveal"]).arg(&agency));
    assert_eq!(report["skipped"], 2, "{report}");
    let problems = report["problems"].as_array().unwrap();
    let rows: Vec<u64> = problems.iter().map(|p| p["row"].as_u64().unwrap()).collect();
    assert_eq!(rows, [3, 4], "{report}");
    assert!(problems.iter().all(|p| p["message"].as_str().unwrap().contains("表尾行")), "{report}");
    let unknown = &report["unknown_rows"][0];
    assert_eq!(unknown["id_number"], real.as_str(), "{report}");
    assert_eq!(unknown["flagged"][0]["id_number"], typo.as_str(), "{report}");
    assert_eq!(unknown["flagged"][0]["class"], "三年级2班", "{report}");
    // Never matched by guess: the operator corrects the number.
    assert_eq!(report["matched"], 0, "{report}");
    let out = canbao(&db).args(["reconcile", "--source", "agency", "--dry-run"]).arg(&agency).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let masked = canbao::domain::id_number::mask(&typo);
    assert!(text.contains(&masked) && text.contains("按 E") && !text.contains(&typo), "{text}");
}

/// The tax office lists a payment a row, so one pupil can be on it twice: a top-up after a part payment and a
/// parent who paid twice are summed into the pupil's one payment (dated when the premium was made up), and the
/// same payment listed again (same 票证号码, or same amount, date and channel) is reported, never counted twice.
/// What the report says is what the drive holds, and a second run changes nothing.
#[test]
fn a_tax_list_with_a_pupil_twice_sums_the_payments_and_counts_a_repeat_once() {
    let oct8 = days_ago(60);
    let oct9 = days_ago(59);
    let oct20 = days_ago(48);
    let nov2 = days_ago(35);
    let (dir, db) = imported("utf8_bom.csv");
    use_this_years_policy(dir.path(), &db);
    let (zhou, wu, sun, gao) = ("450202201711194162", "450202201804012233", "450203201804047272", "450203201801098621");
    let stranger = valid_number("45020220160501160");
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期,缴费渠道",
        &[
            ["周静露", zhou, "200", &oct8, "微信"],
            ["吴凯远", wu, "380", &oct8, "微信"],
            ["周静露", zhou, "180", &oct20, "支付宝"],
            ["吴凯远", wu, "380", &oct8, "微信"],
            ["孙远泽", sun, "380", &oct9, "银行"],
            ["孙远泽", sun, "380", &nov2, "银行"],
            ["李四", &stranger, "200", &oct8, "微信"],
            ["李四", &stranger, "180", &oct20, "微信"],
        ],
    );
    let dry = json(canbao(&db).args(["reconcile", "--source", "tax", "--dry-run", "--json", "--reveal"]).arg(&tax));
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json", "--reveal"]).arg(&tax));
    for key in ["matched", "already", "amount_mismatches", "combined_payments", "problems"] {
        assert_eq!(dry[key], report[key], "{key}: the dry run said what the run did");
    }
    assert_eq!((report["rows_read"].as_u64(), report["matched"].as_u64()), (Some(8), Some(3)), "{report}");
    // Nobody has the stranger's number: both rows are listed, the number once.
    assert_eq!(report["unknown_ids"], serde_json::json!([stranger]), "{report}");
    let unknown: Vec<u64> =
        report["unknown_rows"].as_array().unwrap().iter().map(|u| u["row"].as_u64().unwrap()).collect();
    assert_eq!(unknown, [8, 9], "{report}");
    let combined = report["combined_payments"].as_array().unwrap();
    assert_eq!(combined.len(), 2, "{report}");
    assert_eq!(combined[0]["id_number"], zhou);
    assert_eq!(combined[0]["rows"], serde_json::json!([2, 4]));
    assert_eq!((combined[0]["total"].as_f64(), combined[0]["paid_on"].as_str()), (Some(380.0), Some(oct20.as_str())));
    // Paid twice: the second payment is over the premium, and does not move the day the pupil was paid up.
    assert_eq!(combined[1]["id_number"], sun);
    assert_eq!((combined[1]["total"].as_f64(), combined[1]["paid_on"].as_str()), (Some(760.0), Some(oct9.as_str())));
    let mismatches = report["amount_mismatches"].as_array().unwrap();
    assert_eq!(mismatches.len(), 1, "the top-up made up the premium: {report}");
    assert_eq!((mismatches[0]["id_number"].as_str(), mismatches[0]["file_amount"].as_f64()), (Some(sun), Some(760.0)));
    assert_eq!(mismatches[0]["rows"], serde_json::json!([6, 7]));
    // 吴凯远's row 5 is row 3 again: reported with the file and its row, not counted.
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{report}");
    assert_eq!(problems[0]["row"], 5);
    assert_eq!(problems[0]["file"], tax.display().to_string());
    assert!(problems[0]["message"].as_str().unwrap().contains("第 3 行"), "{report}");

    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let details = |id: &str| store.student_by_id_number(id).unwrap().unwrap().payment_details;
    let day = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
    assert_eq!((details(zhou).amount_fen, details(zhou).paid_on), (Some(38_000), day(&oct20)));
    assert_eq!((details(wu).amount_fen, details(wu).paid_on), (Some(38_000), day(&oct8)));
    assert_eq!((details(sun).amount_fen, details(sun).paid_on), (Some(76_000), day(&oct9)));
    drop(store);
    let again = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!((again["matched"].as_u64(), again["already"].as_u64()), (Some(0), Some(3)), "{again}");

    // With 票证号码, a number is one payment: two payments of the same amount on the same day are both counted,
    // and a number listed again is one payment.
    let receipts = write_csv(
        dir.path(),
        "receipts.csv",
        "姓名,证件号码,缴费金额,缴费日期,缴费渠道,票证号码",
        &[
            ["高敏", gao, "190", &oct8, "微信", "332023100800017"],
            ["高敏", gao, "190", &oct8, "微信", "332023100800018"],
            ["高敏", gao, "190", &oct8, "微信", "332023100800018"],
        ],
    );
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&receipts));
    assert_eq!(report["matched"], 1, "{report}");
    assert_eq!(report["combined_payments"][0]["rows"], serde_json::json!([2, 3]), "{report}");
    assert_eq!(report["amount_mismatches"], serde_json::json!([]), "{report}");
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "the receipt column is read, so not listed as unused: {report}");
    assert_eq!(problems[0]["row"], 4);
    assert!(problems[0]["message"].as_str().unwrap().contains("票证号码相同"), "{report}");
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    assert_eq!(store.student_by_id_number(gao).unwrap().unwrap().payment_details.amount_fen, Some(38_000));
}

/// The drive of the tax-list tests: the UTF-8 class list under a policy of the drive's own year (380 元 due).
fn tax_drive() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = imported("utf8_bom.csv");
    use_this_years_policy(dir.path(), &db);
    (dir, db)
}

/// A tax drive whose `check` lists two payments of the tax office's list kept unrecorded, as [1] and [2]: 苏萱's and
/// 王甲's, 380 元 60 days ago in 三年级2班, without an ID number; the drive has nobody of either name in that class,
/// and the list was read with --keep-unmatched.
fn two_kept_payments() -> (tempfile::TempDir, PathBuf) {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,班级,缴费金额,缴费日期",
        &[["苏萱", "", "三年级2班", "380", &oct8], ["王甲", "", "三年级2班", "380", &oct8]],
    );
    canbao(&db).args(["reconcile", "--source", "tax", "--keep-unmatched"]).arg(&tax).assert().success();
    (dir, db)
}

/// The payments `check --json` lists as kept unrecorded: each line's number and name.
fn kept_lines(db: &Path) -> Vec<(u64, String)> {
    let check = json(canbao(db).args(["check", "--json"]));
    let lines = check["tax_paid_unrecorded"].as_array().cloned().unwrap_or_default();
    lines.iter().map(|l| (l["number"].as_u64().unwrap_or(0), l["name"].as_str().unwrap_or("").to_owned())).collect()
}

/// A drive under a policy of another year (`policy use` only warns) judges payment dates against the drive's own
/// insured year, not the policy's: a date in the policy's windows, years before, is refused by `mark` and held
/// back from the tax list (kept, and listed by `check`), never counted insured; a date of the drive's year is taken.
#[test]
fn payment_dates_are_judged_against_the_drives_year_under_a_policy_of_another() {
    let (dir, db) = imported("utf8_bom.csv");
    canbao(&db).args(["policy", "use", "liuzhou-2023"]).assert().success();
    let year = drive_year(&db);
    assert!(year > 2024, "the drive is not in liuzhou-2023's year: {year}");
    let (zhou, wu, sun) = ("450202201711194162", "450202201804012233", "450203201804047272");
    let old = ["mark", zhou, "--payment", "paid", "--amount", "350", "--paid-on", "2022-10-01"];
    let (code, text) = said(canbao(&db).args(old));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains(&format!("不是 {year} 年度的缴费")) && text.contains("未保存"), "{text}");
    let (_, text) = said(canbao(&db).arg("--lang").arg("en").args(old));
    assert!(text.contains(&format!("not a payment for {year}")) && text.contains("nothing saved"), "{text}");
    assert_eq!(paid_amount(&db, zhou), ("unpaid".to_owned(), None));
    let this_year = days_ago(30);
    let (code, text) =
        said(canbao(&db).args(["mark", zhou, "--payment", "paid", "--amount", "350", "--paid-on", &this_year]));
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(paid_amount(&db, zhou), ("paid".to_owned(), Some(35_000)));

    let tax = dir.path().join("tax.csv");
    let recent = days_ago(20);
    std::fs::write(
        &tax,
        format!(
            "姓名,证件号码,缴费金额,缴费日期
吴凯远,{wu},350,2022-10-01
孙远泽,{sun},350,{recent}
"
        ),
    )
    .unwrap();
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!((report["matched"].as_u64(), report["unapplied_payments"].as_u64()), (Some(1), Some(1)), "{report}");
    assert_eq!(paid_amount(&db, wu), ("unpaid".to_owned(), None), "{report}");
    assert_eq!(paid_amount(&db, sun), ("paid".to_owned(), Some(35_000)), "{report}");
    let check = json(canbao(&db).args(["check", "--json", "--reveal"]));
    let kept = check["tax_paid_unrecorded"].as_array().expect("tax_paid_unrecorded");
    assert!(kept.iter().any(|k| k["id_number"] == wu && k["reason"] == "outside_year"), "{check}");
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["insured"], 2);
}

/// Under a policy of another year (liuzhou-2023 on a drive of a later year), `quote`, `mark` without `--amount`
/// and a tax list say that the chosen policy is another year's and how to choose this year's (`policy new` from it,
/// then `policy use`; `policy use` alone once this laptop has it), in Chinese and English, where they said a date
/// of the drive's year was outside the notice's windows and to ask the agency; a tax list says it once, not per row.
/// `quote --policy` still answers for the policy named.
#[test]
fn another_years_policy_says_so_and_how_to_choose_this_years() {
    let (dir, db) = common::new_drive();
    let config = dir.path().join("config");
    let run = || {
        let mut cmd = canbao(&db);
        cmd.env("XDG_CONFIG_HOME", &config).env("HOME", dir.path());
        cmd
    };
    run().arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    run().args(["policy", "use", "liuzhou-2023"]).assert().success();
    let year = drive_year(&db);
    let (zhou, wu, sun) = ("450202201711194162", "450202201804012233", "450203201804047272");
    let recent = days_ago(20);
    let new = format!("policy new liuzhou-{year} --from liuzhou-2023 --year {year}");
    let use_it = format!("policy use liuzhou-{year}");
    let (code, text) = said(run().args(["mark", zhou, "--payment", "paid", "--paid-on", &recent]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains(&format!("选定的政策 liuzhou-2023 是 2023 年度的，数据文件是 {year} 年度")), "{text}");
    assert!(text.contains(&new) && text.contains(&use_it) && text.contains("--amount"), "{text}");
    assert!(!text.contains("缴费期内"), "{text}");
    assert_eq!(paid_amount(&db, zhou), ("unpaid".to_owned(), None));
    let (code, text) = said(run().args(["--lang", "en", "quote", "--paid-on", &recent]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("the chosen policy liuzhou-2023 is for insured year 2023"), "{text}");
    assert!(text.contains(&new) && text.contains(&use_it), "{text}");
    // A date in its own windows is quoted as the notice says, with a note that it is not the drive's year's.
    let (code, text) = said(run().args(["quote", "--paid-on", "2022-10-08"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains(&format!("这是 2023 年度的金额和待遇期，不是 {year} 年度的")) && text.contains(&new),
        "{text}"
    );
    // Named, a policy answers for its own year.
    let named = json(run().args(["quote", "--policy", "liuzhou-2023", "--paid-on", "2022-10-08", "--json"]));
    assert_eq!(named["personal_due"], 350.0, "{named}");

    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[["吴凯远", wu, "350", &recent], ["孙远泽", sun, "350", &recent]],
    );
    let (code, text) = said(run().args(["reconcile", "--source", "tax", "--dry-run"]).arg(&tax));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("金额未核对") && text.contains(&new), "{text}");
    let report = json(run().args(["reconcile", "--source", "tax", "--dry-run", "--json"]).arg(&tax));
    let problems = report["problems"].as_array().unwrap();
    let unchecked: Vec<_> = problems.iter().filter(|p| p["message"].as_str().unwrap().contains("核对")).collect();
    assert_eq!(unchecked.len(), 1, "{report}");
    assert!(unchecked[0]["message"].as_str().unwrap().contains("是 2023 年度的"), "{report}");

    run()
        .args(["policy", "new", &format!("liuzhou-{year}"), "--from", "liuzhou-2023", "--year", &year.to_string()])
        .assert()
        .success();
    let (code, text) = said(run().args(["mark", zhou, "--payment", "paid", "--paid-on", &recent]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains(&use_it) && !text.contains(&new), "{text}");
}

/// `mark` changing a paid pupil's amount or channel keeps the recorded date and judges it as a first mark judges
/// its date: a payment recorded on a day that is not the drive's year's (marked before the drive chose its
/// policy) is refused, with how to correct it; with the right date it is saved.
#[test]
fn changing_a_paid_pupils_amount_judges_the_recorded_date() {
    let (_dir, db) = imported("utf8_bom.csv");
    let zhou = "450202201711194162";
    // Without a policy only the birth date judges a date.
    let first = ["mark", zhou, "--payment", "paid", "--amount", "350", "--paid-on", "2022-10-01"];
    canbao(&db).args(first).assert().success();
    canbao(&db).args(["policy", "use", "liuzhou-2023"]).assert().success();
    let year = drive_year(&db);
    for change in [["--amount", "400"], ["--channel", "微信"]] {
        let (code, text) = said(canbao(&db).args(["mark", zhou, "--payment", "paid"]).args(change));
        assert_eq!(code, Some(1), "{text}");
        assert!(
            text.contains("已记录的缴费日期 2022-10-01") && text.contains(&format!("不是 {year} 年度的缴费")),
            "{text}"
        );
        assert!(text.contains("未保存") && text.contains("--paid-on"), "{text}");
        assert_eq!(paid_amount(&db, zhou), ("paid".to_owned(), Some(35_000)), "{text}");
    }
    let (_, text) = said(canbao(&db).args(["--lang", "en", "mark", zhou, "--payment", "paid", "--amount", "400"]));
    assert!(text.contains("recorded payment: the payment date 2022-10-01") && text.contains("--paid-on"), "{text}");
    // Kept as it is, the payment is not marked anew: a note beside it is saved.
    canbao(&db).args(["mark", zhou, "--payment", "paid", "--note", "家长已确认"]).assert().success();
    let right = days_ago(3);
    canbao(&db).args(["mark", zhou, "--payment", "paid", "--amount", "400", "--paid-on", &right]).assert().success();
    assert_eq!(paid_amount(&db, zhou), ("paid".to_owned(), Some(40_000)));
}

/// A payment another laptop recorded on a date that cannot be the drive's year's is kept by `merge`, as that laptop
/// recorded it, and listed in the report (text and `--json`), as `check` lists it; the merge says nothing of the
/// payments this drive already held, nor of the same payment merged again.
#[test]
fn a_merge_lists_a_payment_it_brings_dated_outside_the_year() {
    use canbao::domain::student::{PaymentDetails, PaymentStatus};
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    canbao(&a).args(["policy", "use", "liuzhou-2023"]).assert().success();
    canbao(&a).arg("backup").arg(&b).assert().success();
    let year = drive_year(&a);
    let zhou = "450202201711194162";
    {
        // Recorded there as no mark records it now: 2022-10-01 is liuzhou-2023's window, not the drive's year.
        let mut store = canbao::store::Store::open(&b).unwrap();
        let id = store.student_by_id_number(zhou).unwrap().unwrap().id;
        let paid_on = chrono::NaiveDate::from_ymd_opt(2022, 10, 1);
        let details = PaymentDetails { amount_fen: Some(35_000), paid_on, channel: None };
        store.set_payment(id, PaymentStatus::Paid, &details).unwrap();
    }
    let (in_json, in_english) = (dir.path().join("json.db"), dir.path().join("english.db"));
    for copy in [&in_json, &in_english] {
        canbao(&a).arg("backup").arg(copy).assert().success();
    }
    // The preview lists it as the merge will, and changes nothing.
    let preview = canbao(&a).args(["merge", "--dry-run"]).arg(&b).output().unwrap();
    assert!(preview.status.success(), "{}", String::from_utf8_lossy(&preview.stderr));
    let preview = String::from_utf8_lossy(&preview.stdout).into_owned();
    assert!(preview.contains("合并会带来的缴费中有 1 笔缴费日期不属于本年度"), "{preview}");
    assert!(preview.lines().any(|l| l.contains("周静露") && l.contains("2022-10-01")), "{preview}");
    let previewed = json(canbao(&a).args(["merge", "--dry-run", "--json"]).arg(&b));
    assert_eq!(previewed["payments_outside_year"][0]["paid_on"], "2022-10-01", "{previewed}");
    assert_eq!(paid_amount(&a, zhou), ("unpaid".to_owned(), None), "a preview changes nothing");
    let text = canbao(&a).arg("merge").arg(&b).output().unwrap();
    assert!(text.status.success(), "{}", String::from_utf8_lossy(&text.stderr));
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(text.contains("合并带来的缴费中有 1 笔缴费日期不属于本年度"), "{text}");
    let line = text.lines().find(|l| l.contains("周静露") && l.contains("2022-10-01")).unwrap_or_default();
    assert!(line.contains(&format!("不是 {year} 年度的缴费")), "{text}");
    assert_eq!(paid_amount(&a, zhou), ("paid".to_owned(), Some(35_000)), "kept as merged");
    let check = json(canbao(&a).args(["check", "--json", "--reveal"]));
    assert_eq!(check["payment_outside_year"][0]["id_number"], zhou, "{check}");
    // Merged again, into a drive that holds it already: nothing new to list.
    let again = json(canbao(&a).args(["merge", "--json"]).arg(&b));
    assert_eq!(again["payments_outside_year"], serde_json::json!([]), "{again}");
    let report = json(canbao(&in_json).args(["merge", "--json", "--reveal"]).arg(&b));
    let listed = report["payments_outside_year"].as_array().expect("payments_outside_year");
    assert_eq!((listed.len(), &listed[0]["id_number"], &listed[0]["paid_on"]), (1, &zhou.into(), &"2022-10-01".into()));
    let en = canbao(&in_english).args(["--lang", "en", "merge"]).arg(&b).output().unwrap();
    let en = String::from_utf8_lossy(&en.stdout).into_owned();
    assert!(en.contains("1 payment brought by the merge dated outside the insured year"), "{en}");
    assert!(en.contains(&format!("not a payment for {year}")) && !en.contains("不属于"), "{en}");
}

/// The drive's current insured year, as `canbao year list` gives it (a new drive collects for the year its
/// payments are made in, next year's from September).
fn drive_year(db: &Path) -> i64 {
    let years = json(canbao(db).args(["year", "list", "--json"]));
    let current = years.as_array().unwrap().iter().find(|y| y["current"] == true).expect("a current year");
    current["year"].as_i64().expect("year")
}

/// A payment date `days` before today, as a list or `--paid-on` writes it: a date of the drive's insured year for
/// `days` under 240 (a drive is in next year's from 1 September on), and never after today. Payment dates are
/// judged against the drive's year, so the tests' payments are dated in it, whenever they run.
fn days_ago(days: i64) -> String {
    ((chrono::Utc::now() + chrono::Duration::hours(8)).date_naive() - chrono::Duration::days(days)).to_string()
}

/// Chooses for the drive a policy of its own insured year (`drive_year`), 380 元 due, whose one payment window runs
/// from 1 January of the year before to the end of the year: every `days_ago` date is in it. The file is written
/// to a config folder under `dir`; the drive keeps its copy once it is chosen, so the other commands find it.
fn use_this_years_policy(dir: &Path, db: &Path) {
    let year = drive_year(db);
    let folder = dir.join("this-years-config");
    std::fs::create_dir_all(folder.join("canbao/policies")).unwrap();
    let text = format!(
        "title = \"本年度\"\ndocument = \"测试\"\ninsured_year = {year}\npersonal_premium = 380\n\n[[window]]\n\
         name = \"缴费期\"\nfrom = {}-01-01\nto = {year}-12-31\nclause = \"测试\"\ntext = \"测试\"\n\
         amount = \"personal\"\ncoverage = \"year\"\n",
        year - 1
    );
    std::fs::write(folder.join("canbao/policies/this-year.toml"), text).unwrap();
    let mut chosen = canbao(db);
    chosen.env("XDG_CONFIG_HOME", &folder).env("HOME", dir).args(["policy", "use", "this-year"]).assert().success();
}

fn paid_amount(db: &Path, id: &str) -> (String, Option<i64>) {
    let store = canbao::store::Store::open_read_only(db).unwrap();
    let pupil = store.student_by_id_number(id).unwrap().unwrap();
    (pupil.payment.code().to_owned(), pupil.payment_details.amount_fen)
}

/// A family's payment taken on one laptop and a later 财政代缴 marked on the other, which never saw it: merged either
/// way the 380 yuan stay on the roster, the preview and the report say the payment was kept over the later change
/// (in Chinese and English), each line naming it, and `--json` counts it and marks the conflicts with the
/// payment kept.
#[test]
fn a_payment_stands_over_a_later_change_made_on_the_other_laptop_both_ways() {
    use canbao::domain::student::{PaymentDetails, PaymentStatus};
    let zhou = "450202201711194162";
    let (dir, a) = tax_drive();
    let b = dir.path().join("other.db");
    canbao(&a).arg("backup").arg(&b).assert().success();
    let mark = |db: &Path, at: &str, status: PaymentStatus, details: PaymentDetails| {
        let mut store = canbao::store::Store::open(db).unwrap();
        store.set_fixed_clock(at);
        let id = store.student_by_id_number(zhou).unwrap().unwrap().id;
        store.set_payment(id, status, &details).unwrap();
    };
    let paid = PaymentDetails {
        amount_fen: Some(38_000),
        paid_on: chrono::NaiveDate::from_ymd_opt(2023, 10, 8),
        channel: Some("微信".into()),
    };
    mark(&a, "2023-10-08T10:00:00+08:00", PaymentStatus::Paid, paid);
    mark(&b, "2023-10-08T10:05:00+08:00", PaymentStatus::Government, PaymentDetails::default());
    for (into, from) in [(&a, &b), (&b, &a)] {
        let merged = dir.path().join("merged.db");
        let _ = std::fs::remove_file(&merged);
        canbao(into).arg("backup").arg(&merged).assert().success();
        for dry_run in [true, false] {
            let mut cmd = canbao(&merged);
            cmd.arg("merge").arg(from);
            if dry_run {
                cmd.arg("--dry-run");
            }
            let out = cmd.output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let text = String::from_utf8_lossy(&out.stdout);
            for words in [
                "已记录的缴费保留，未被较晚的修改覆盖：1 笔",
                "Recorded payments kept over a later change the other laptop made without knowing of them: 1",
                "「缴费状态」：保留 已缴费（",
                "未采用 财政代缴（",
                "「缴费金额」：保留 380.00（",
                "这是不知道这笔缴费时作的修改，已收的缴费保留",
            ] {
                assert!(text.contains(words), "{words}: {text}");
            }
        }
        assert_eq!(paid_amount(&merged, zhou), ("paid".to_owned(), Some(38_000)), "merged into {}", into.display());
        let again = json(canbao(&merged).args(["merge", "--json"]).arg(from));
        assert_eq!((again["payments_kept_over_later"].as_u64(), again["updated"].as_u64()), (Some(0), Some(0)));
    }
    let report = json(canbao(&b).args(["merge", "--json"]).arg(&a));
    assert_eq!(report["payments_kept_over_later"], 1, "{report}");
    let conflicts = report["conflicts"].as_array().expect("conflicts");
    assert!(!conflicts.is_empty() && conflicts.iter().all(|c| c["payment_kept"] == "paid"), "{report}");
    let status = conflicts.iter().find(|c| c["field"] == "payment").expect("the status");
    assert_eq!((&status["kept"], &status["lost"]), (&Value::from("paid"), &Value::from("government")));
    assert_eq!(paid_amount(&b, zhou), ("paid".to_owned(), Some(38_000)));
}

/// A 票证号码 is issued once per payment: the same number with two amounts is a list in error, never taken as one
/// payment at either amount. The pupil's payment is held for the operator, both rows and amounts named; the same
/// number with the same amount is a repeat, said at the receipt column with both rows.
#[test]
fn one_receipt_number_with_two_amounts_is_held_and_a_repeat_names_the_receipt_column() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (zhou, wu) = ("450202201711194162", "450202201804012233");
    let tax = write_csv(
        dir.path(),
        "receipts.csv",
        "姓名,证件号码,缴费金额,缴费日期,缴费渠道,票证号码",
        &[
            ["周静露", zhou, "200", &oct8, "微信", "332023100800017"],
            ["周静露", zhou, "380", &oct8, "微信", "332023100800017"],
            ["吴凯远", wu, "380", &oct8, "微信", "332023100800018"],
            ["吴凯远", wu, "380", &oct8, "微信", "332023100800018"],
        ],
    );
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json", "--reveal"]).arg(&tax));
    let conflicts = report["receipt_conflicts"].as_array().expect("receipt_conflicts");
    assert_eq!(conflicts.len(), 1, "{report}");
    assert_eq!(conflicts[0]["id_number"], zhou);
    assert_eq!(conflicts[0]["receipt"], "332023100800017");
    assert_eq!(conflicts[0]["rows"], serde_json::json!([2, 3]), "{report}");
    assert_eq!(conflicts[0]["amounts"], serde_json::json!([200.0, 380.0]), "{report}");
    assert_eq!(conflicts[0]["file"], tax.display().to_string());
    assert_eq!(paid_amount(&db, zhou), ("unpaid".to_owned(), None), "held, not paid at either amount");
    assert_eq!(report["matched"], 1, "{report}");
    assert!(report["combined_payments"].as_array().unwrap().is_empty(), "{report}");
    // 吴凯远's row 5 repeats row 4: said at the receipt column, naming row 4.
    let problems = report["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{report}");
    assert_eq!((problems[0]["row"].as_u64(), problems[0]["column"].as_str()), (Some(5), Some("票证号码")));
    assert!(problems[0]["message"].as_str().unwrap().contains("第 4 行"), "{report}");
    assert_eq!(paid_amount(&db, wu), ("paid".to_owned(), Some(38_000)));

    let text = canbao(&db).args(["reconcile", "--source", "tax", "--dry-run", "--reveal"]).arg(&tax).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    let line = text.lines().find(|l| l.contains("332023100800017")).unwrap_or_default();
    for words in ["第 2、3 行", "200", "380", "未记录", "票证号码", zhou] {
        assert!(line.contains(words), "{words}: {text}");
    }
    let en =
        canbao(&db).args(["--lang", "en", "reconcile", "--source", "tax", "--dry-run"]).arg(&tax).output().unwrap();
    let en = String::from_utf8_lossy(&en.stdout);
    assert!(en.contains("receipt 332023100800017") && en.contains("not recorded"), "{en}");
}

/// A later list holding only a top-up (补缴) under a new 票证号码 is a second payment: it adds to the one the drive
/// recorded from an earlier list, and the earlier list or the top-up read again changes nothing.
#[test]
fn a_later_list_with_only_a_top_up_adds_to_the_recorded_payment() {
    let oct8 = days_ago(60);
    let nov2 = days_ago(35);
    let (dir, db) = tax_drive();
    let zhou = "450202201711194162";
    let head = "姓名,证件号码,缴费金额,缴费日期,缴费渠道,票证号码\n";
    let first = dir.path().join("october.csv");
    std::fs::write(&first, format!("{head}周静露,{zhou},200,{oct8},微信,332023100800017\n")).unwrap();
    let top_up = dir.path().join("november.csv");
    std::fs::write(&top_up, format!("{head}周静露,{zhou},180,{nov2},微信,332023110200031\n")).unwrap();
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&first));
    assert_eq!(report["amount_mismatches"][0]["file_amount"], 200.0, "{report}");
    assert_eq!(paid_amount(&db, zhou), ("paid".to_owned(), Some(20_000)));

    let dry = json(canbao(&db).args(["reconcile", "--source", "tax", "--dry-run", "--json"]).arg(&top_up));
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&top_up));
    assert_eq!(dry["combined_payments"], report["combined_payments"]);
    assert_eq!(report["matched"], 1, "{report}");
    assert!(report["amount_mismatches"].as_array().unwrap().is_empty(), "380 paid in all: {report}");
    let combined = &report["combined_payments"][0];
    assert_eq!((combined["earlier"].as_f64(), combined["total"].as_f64()), (Some(200.0), Some(380.0)), "{report}");
    assert_eq!(combined["paid_on"], nov2.as_str(), "the day the premium was made up");
    assert_eq!(paid_amount(&db, zhou), ("paid".to_owned(), Some(38_000)));
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let day = store.student_by_id_number(zhou).unwrap().unwrap().payment_details.paid_on;
    assert_eq!(day.map(|d| d.to_string()), Some(nov2.clone()));
    drop(store);

    for list in [&top_up, &first] {
        let again = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(list));
        assert_eq!((again["matched"].as_u64(), again["already"].as_u64()), (Some(0), Some(1)), "{again}");
        assert_eq!(paid_amount(&db, zhou), ("paid".to_owned(), Some(38_000)));
    }
    // A list holding both payments is the same two payments.
    let both = dir.path().join("both.csv");
    std::fs::write(
        &both,
        format!("{head}周静露,{zhou},200,{oct8},微信,332023100800017\n周静露,{zhou},180,{nov2},微信,332023110200031\n"),
    )
    .unwrap();
    let again = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&both));
    assert_eq!((again["matched"].as_u64(), again["already"].as_u64()), (Some(0), Some(1)), "{again}");
    // The recorded receipt with another amount on a later list is held, not added nor replaced.
    let changed = dir.path().join("changed.csv");
    std::fs::write(&changed, format!("{head}周静露,{zhou},380,{oct8},微信,332023100800017\n")).unwrap();
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&changed));
    assert_eq!(report["receipt_conflicts"].as_array().map(Vec::len), Some(1), "{report}");
    assert_eq!(paid_amount(&db, zhou), ("paid".to_owned(), Some(38_000)));
}

/// `mark --channel` over a payment the tax office's list recorded is refused, naming the record it would replace
/// (its channel, or that the list named none, and its receipt), in Chinese and in English; with --force it is
/// replaced. A channel the same as the list's, or a payment recorded by hand, is no such replacement.
#[test]
fn a_channel_typed_over_a_tax_lists_payment_is_refused_unless_forced() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (zhou, wu, sun) = ("450202201711194162", "450202201804012233", "450203201804047272");
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期,缴费渠道,票证号码",
        &[
            ["周静露", zhou, "380", &oct8, "微信", "332023100800017"],
            ["吴凯远", wu, "380", &oct8, "", "332023100800018"],
        ],
    );
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    let channel = |id: &str| {
        let store = canbao::store::Store::open_read_only(&db).unwrap();
        store.student_by_id_number(id).unwrap().unwrap().payment_details.channel
    };
    for (id, listed) in [(zhou, "380.00 元，微信"), (wu, "380.00 元，税务（名单未列渠道）")] {
        let refused = canbao(&db).args(["mark", id, "--channel", "现金"]).assert().code(1);
        let err = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
        for words in ["核对税务名单记入", listed, "--channel 现金 会替换", "未保存", "--force", "332023100800"]
        {
            assert!(err.contains(words), "{words}: {err}");
        }
        let en = canbao(&db).args(["--lang", "en", "mark", id, "--channel", "现金"]).assert().code(1);
        let en = String::from_utf8_lossy(&en.get_output().stderr).into_owned();
        assert!(en.contains("from the tax office's list") && en.contains("nothing saved"), "{en}");
        assert!(!en.contains("未保存"), "{en}");
    }
    assert_eq!((channel(zhou).as_deref(), channel(wu)), (Some("微信"), None), "nothing replaced");
    canbao(&db).args(["mark", zhou, "--channel", "微信"]).assert().success();
    canbao(&db).args(["mark", zhou, "--channel", "现金", "--force"]).assert().success();
    assert_eq!(channel(zhou).as_deref(), Some("现金"));
    // A payment recorded by hand: no list's record to replace.
    canbao(&db).args(["mark", sun, "--payment", "paid", "--amount", "380", "--channel", "微信"]).assert().success();
    canbao(&db).args(["mark", sun, "--channel", "现金"]).assert().success();
    assert_eq!(channel(sun).as_deref(), Some("现金"));
}

/// `mark --force` and `--yes` lift different refusals: --force a channel typed over one the tax office's list
/// recorded, --yes an amount other than the amount due. The help says which each is for, and a refusal given to a
/// command that passed the other one says that one does not lift it, in Chinese and in English.
#[test]
fn mark_says_what_force_and_yes_each_lift() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (zhou, wu) = ("450202201711194162", "450202201804012233");
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期,缴费渠道",
        &[["周静露", zhou, "380", &oct8, "微信"]],
    );
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();

    let (code, text) = said(canbao(&db).args(["mark", zhou, "--channel", "现金", "--yes"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("--yes 只确认与应缴不符的金额，替换税务名单记入的缴费渠道要用 --force"), "{text}");
    let (code, text) = said(canbao(&db).args(["--lang", "en", "mark", zhou, "--channel", "现金", "--yes"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("--yes only confirms an amount other than the amount due") && !text.contains("只确认"),
        "{text}"
    );

    let (code, text) = said(canbao(&db).args(["mark", wu, "--payment", "paid", "--amount", "3700", "--force"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("--force 只用于替换税务名单记入的缴费渠道，金额与应缴不符要用 --yes"), "{text}");
    let (code, text) =
        said(canbao(&db).args(["--lang", "en", "mark", wu, "--payment", "paid", "--amount", "3700", "--force"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("--force only replaces a channel the tax office's list recorded"), "{text}");
    // Without the other flag, the refusals say nothing of it.
    let (_, text) = said(canbao(&db).args(["mark", wu, "--payment", "paid", "--amount", "3700"]));
    assert!(!text.contains("--force"), "{text}");

    let help = canbao(&db).args(["mark", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    assert!(
        help.contains("只与 --channel 一起用")
            && help.contains("金额与应缴不符时仍保存")
            && help.contains("按政策本年度不能享受待遇的缴费仍记入本年度"),
        "{help}"
    );
}

/// `canbao merge` of a file whose change is stamped hours ahead of this laptop's clock refuses, nothing changed,
/// saying both times and how to merge anyway, in Chinese and in English; its dry run previews and ends the same
/// way; with --accept-clock it merges, and the same file merged again is no news to refuse.
#[test]
fn a_merge_of_a_file_stamped_hours_ahead_is_refused_unless_the_clock_is_accepted() {
    let zhou = "450202201711194162";
    let (dir, a) = tax_drive();
    let b = dir.path().join("other.db");
    canbao(&a).arg("backup").arg(&b).assert().success();
    let note = |db: &Path| {
        let store = canbao::store::Store::open_read_only(db).unwrap();
        store.student_by_id_number(zhou).unwrap().unwrap().note
    };
    {
        let mut store = canbao::store::Store::open(&b).unwrap();
        store.set_fixed_clock(&(chrono::Utc::now() + chrono::Duration::hours(3)).to_rfc3339());
        let id = store.student_by_id_number(zhou).unwrap().unwrap().id;
        store.set_note(id, "三小时后").unwrap();
    }
    let refused = canbao(&a).arg("merge").arg(&b).assert().code(1);
    let err = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    for words in ["对方数据文件最新的修改时间为", "小时", "未做任何修改", "merge --accept-clock", "clocks disagree"]
    {
        assert!(err.contains(words), "{words}: {err}");
    }
    let en = canbao(&a).args(["--lang", "en", "merge"]).arg(&b).assert().code(1);
    let en = String::from_utf8_lossy(&en.get_output().stderr).into_owned();
    assert!(en.contains("The other file's newest change is stamped") && en.contains("--accept-clock"), "{en}");
    assert!(!en.contains("未做任何修改"), "{en}");
    assert_eq!(note(&a), "", "nothing changed");
    let dry = canbao(&a).args(["merge", "--dry-run"]).arg(&b).assert().code(1);
    let out = String::from_utf8_lossy(&dry.get_output().stdout).into_owned();
    let err = String::from_utf8_lossy(&dry.get_output().stderr).into_owned();
    assert!(out.contains("对方数据文件最新的修改时间为") && err.contains("--accept-clock"), "{out}\n{err}");
    canbao(&a).args(["merge", "--accept-clock"]).arg(&b).assert().success();
    assert_eq!(note(&a), "三小时后");
    canbao(&a).arg("merge").arg(&b).assert().success();
    let help = canbao(&a).args(["merge", "--help"]).assert().success();
    let help = String::from_utf8_lossy(&help.get_output().stdout).into_owned();
    assert!(help.contains("--accept-clock") && help.contains("时钟不一致时仍合并"), "{help}");
}

/// The receipts a reconciliation recorded travel with `merge`, both ways: a laptop that merged the other's file
/// knows its 票证号码, so the same list read again there adds nothing and a top-up-only list adds to the payment;
/// merged back, the first laptop knows the top-up's receipt too.
#[test]
fn receipts_travel_with_a_merge_so_a_top_up_adds_on_the_other_laptop() {
    let oct8 = days_ago(60);
    let nov2 = days_ago(35);
    let zhou = "450202201711194162";
    let head = "姓名,证件号码,缴费金额,缴费日期,缴费渠道,票证号码\n";
    for a_reconciles_first in [true, false] {
        let (dir, first_db) = tax_drive();
        let other_db = dir.path().join("other.db");
        canbao(&first_db).arg("backup").arg(&other_db).assert().success();
        // `a` reads the October list, `b` merges it and reads the top-up; then `a` merges `b` back.
        let (a, b) = if a_reconciles_first { (&first_db, &other_db) } else { (&other_db, &first_db) };
        let first = dir.path().join("october.csv");
        std::fs::write(&first, format!("{head}周静露,{zhou},200,{oct8},微信,332023100800017\n")).unwrap();
        let top_up = dir.path().join("november.csv");
        std::fs::write(&top_up, format!("{head}周静露,{zhou},180,{nov2},微信,332023110200031\n")).unwrap();
        canbao(a).args(["reconcile", "--source", "tax"]).arg(&first).assert().success();
        assert_eq!(paid_amount(a, zhou), ("paid".to_owned(), Some(20_000)));

        let merged = json(canbao(b).args(["merge", "--json"]).arg(a));
        assert_eq!(merged["receipts_copied"], 1, "{merged}");
        assert_eq!(paid_amount(b, zhou), ("paid".to_owned(), Some(20_000)));
        // The top-up read straight after the merge: `b` has never read the October list itself.
        let report = json(canbao(b).args(["reconcile", "--source", "tax", "--json"]).arg(&top_up));
        let combined = &report["combined_payments"][0];
        assert_eq!((combined["earlier"].as_f64(), combined["total"].as_f64()), (Some(200.0), Some(380.0)), "{report}");
        assert_eq!(paid_amount(b, zhou), ("paid".to_owned(), Some(38_000)), "the top-up adds");
        for list in [&first, &top_up] {
            let again = json(canbao(b).args(["reconcile", "--source", "tax", "--json"]).arg(list));
            assert_eq!((again["matched"].as_u64(), again["already"].as_u64()), (Some(0), Some(1)), "{again}");
            assert_eq!(paid_amount(b, zhou), ("paid".to_owned(), Some(38_000)), "not counted twice: {again}");
        }

        let back = json(canbao(a).args(["merge", "--json"]).arg(b));
        assert_eq!(back["receipts_copied"], 1, "{back}");
        assert_eq!(paid_amount(a, zhou), ("paid".to_owned(), Some(38_000)));
        for list in [&top_up, &first] {
            let again = json(canbao(a).args(["reconcile", "--source", "tax", "--json"]).arg(list));
            assert_eq!((again["matched"].as_u64(), again["already"].as_u64()), (Some(0), Some(1)), "{again}");
            assert_eq!(paid_amount(a, zhou), ("paid".to_owned(), Some(38_000)), "{again}");
        }
        // Nothing left to carry either way.
        for (into, from) in [(a, b), (b, a)] {
            let again = json(canbao(into).args(["merge", "--json"]).arg(from));
            assert_eq!(again["receipts_copied"], 0, "{again}");
            assert!(again["receipt_conflicts"].as_array().is_some_and(Vec::is_empty), "{again}");
        }
    }
}

/// One 票证号码 recorded with two amounts on two laptops is listed by the merge, the drive's own amount kept: the
/// tax office issues a number once, so one side's list was in error, for the operator to check.
#[test]
fn one_receipt_number_recorded_with_two_amounts_apart_is_listed_by_the_merge() {
    let oct8 = days_ago(60);
    let zhou = "450202201711194162";
    let head = "姓名,证件号码,缴费金额,缴费日期,缴费渠道,票证号码\n";
    let (dir, a) = tax_drive();
    let b = dir.path().join("other.db");
    canbao(&a).arg("backup").arg(&b).assert().success();
    let right = dir.path().join("right.csv");
    std::fs::write(&right, format!("{head}周静露,{zhou},380,{oct8},微信,332023100800017\n")).unwrap();
    let wrong = dir.path().join("wrong.csv");
    std::fs::write(&wrong, format!("{head}周静露,{zhou},200,{oct8},微信,332023100800017\n")).unwrap();
    canbao(&a).args(["reconcile", "--source", "tax"]).arg(&right).assert().success();
    canbao(&b).args(["reconcile", "--source", "tax"]).arg(&wrong).assert().success();
    let report = json(canbao(&a).args(["merge", "--json", "--reveal"]).arg(&b));
    let conflicts = report["receipt_conflicts"].as_array().expect("receipt_conflicts");
    assert_eq!(conflicts.len(), 1, "{report}");
    assert_eq!(conflicts[0]["receipt"], "332023100800017");
    assert_eq!(conflicts[0]["id_number"], zhou);
    assert_eq!((conflicts[0]["ours_fen"].as_i64(), conflicts[0]["theirs_fen"].as_i64()), (Some(38_000), Some(20_000)));
    assert_eq!(report["receipts_copied"], 0, "{report}");
    let text = canbao(&a).args(["merge", "--dry-run", "--reveal"]).arg(&b).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    let line = text.lines().find(|l| l.contains("332023100800017")).unwrap_or_default();
    for words in ["票证号码", "380", "200", zhou] {
        assert!(line.contains(words), "{words}: {text}");
    }
}

/// Money the tax office received insures the pupil whatever the school was told: a payment after the roster's
/// 不参保, or before an 已离校 marked later, is recorded (said beside the roster's word, never 未修改), and the pupil
/// reads 是 on the sheet, is in the 已缴费 ledger and the template's 参保 file, and is counted insured; the same
/// list read again finds both already so, with no conflict and no payment left unrecorded.
#[test]
fn a_tax_payment_beside_a_decline_or_a_leaving_is_recorded_and_insures_the_pupil_on_every_form() {
    let (oct8, oct9) = (days_ago(60), days_ago(59));
    let (dir, db) = tax_drive();
    let (sun, gao) = ("450203201804047272", "450203201801098621");
    canbao(&db).args(["mark", sun, "--enrollment", "declined", "--reason", "家长不同意"]).assert().success();
    canbao(&db).args(["mark", gao, "--enrollment", "left"]).assert().success();
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[["孙远泽", sun, "380", &oct9], ["高敏", gao, "380", &oct8]],
    );
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!((report["matched"].as_u64(), report["unapplied_payments"].as_u64()), (Some(2), Some(0)), "{report}");
    assert_eq!(report["conflicts"].as_array().map(Vec::len), Some(0), "{report}");
    let said: Vec<(&str, &str)> = report["recorded_over_status"]
        .as_array()
        .expect("recorded_over_status")
        .iter()
        .map(|c| (c["name"].as_str().unwrap_or_default(), c["roster"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(said, [("孙远泽", "不参保"), ("高敏", "已离校")]);
    assert_eq!(paid_amount(&db, sun), ("paid".to_owned(), Some(38_000)));
    assert_eq!(paid_amount(&db, gao), ("paid".to_owned(), Some(38_000)));
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let enrollment = |id: &str| store.student_by_id_number(id).unwrap().unwrap().enrollment.code();
    assert_eq!((enrollment(sun), enrollment(gao)), ("declined", "left"), "the roster's word is kept to settle");
    drop(store);

    let sheet = canbao(&db).args(["export", "sheet", "--format", "csv", "--out", "-"]).output().unwrap();
    let sheet = String::from_utf8_lossy(&sheet.stdout).into_owned();
    let row = |name: &str| sheet.lines().find(|l| l.contains(name)).unwrap_or_default().to_owned();
    assert!(row("孙远泽").contains(",是,") && row("孙远泽").contains("名单为不参保（家长不同意），已缴费"), "{sheet}");
    assert!(row("高敏").contains(",是,"), "paid, then left: insured: {sheet}");
    let out = dir.path().join("forms");
    canbao(&db).args(["export", "ledgers", "--format", "csv", "--out"]).arg(&out).assert().success();
    canbao(&db).args(["export", "template", "--format", "csv", "--out"]).arg(&out).assert().success();
    let file = |what: &str| {
        let entry = std::fs::read_dir(&out).unwrap().flatten().find(|e| e.file_name().to_string_lossy().contains(what));
        std::fs::read_to_string(entry.expect(what).path()).unwrap()
    };
    for what in ["已缴费台账", "批量参保模板-参保-"] {
        let text = file(what);
        assert!(text.contains("孙远泽") && text.contains("高敏"), "{what}: {text}");
    }
    assert!(!file("批量参保模板-未参保").contains("孙远泽"));
    let stats = json(canbao(&db).args(["stats", "--json"]));
    assert_eq!(stats["ledgers"]["paid"], 2, "{stats}");
    assert_eq!(stats["insured"], 2, "{stats}");

    let again = json(canbao(&db).args(["reconcile", "--source", "tax", "--dry-run", "--json"]).arg(&tax));
    assert_eq!((again["already"].as_u64(), again["unapplied_payments"].as_u64()), (Some(2), Some(0)), "{again}");
    assert_eq!(again["conflicts"].as_array().map(Vec::len), Some(0), "{again}");
    assert_eq!(again["recorded_over_status"].as_array().map(Vec::len), Some(0), "{again}");
}

/// The tax office's payments a reconciliation does not record (a number nobody on the roster holds, the number under
/// another name) are kept in the drive's history, once however often the list is
/// read, never by a dry run, and listed by `check` until the drive records the pupil's payment: a name corrected as
/// `E` corrects it, and the list reconciled again, takes that one off.
#[test]
fn tax_payments_not_recorded_are_kept_and_listed_by_check_until_recorded() {
    let oct8 = days_ago(60);
    let oct9 = days_ago(59);
    let (dir, db) = tax_drive();
    let (zhou, sun) = ("450202201711194162", "450203201804047272");
    let stranger = valid_number("45020220160501160");
    canbao(&db).args(["mark", sun, "--enrollment", "declined", "--reason", "外地"]).assert().success();
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[["王小明", &stranger, "380", &oct8], ["周静鹭", zhou, "380", &oct8], ["孙远泽", sun, "380", &oct9]],
    );
    let unrecorded = || -> Vec<(String, String, String)> {
        let report = json(canbao(&db).args(["check", "--json", "--reveal"]));
        let mut found: Vec<(String, String, String)> = report["tax_paid_unrecorded"]
            .as_array()
            .expect("tax_paid_unrecorded")
            .iter()
            .map(|u| {
                let text = |key: &str| u[key].as_str().unwrap_or_default().to_owned();
                (text("id_number"), text("name"), text("reason"))
            })
            .collect();
        found.sort();
        found
    };
    let kept_rows = || {
        let store = canbao::store::Store::open_read_only(&db).unwrap();
        let count = "SELECT count(*) FROM audit WHERE field = 'payment_unapplied'";
        store.connection().query_row(count, [], |r| r.get::<_, i64>(0)).unwrap()
    };
    let preview = json(canbao(&db).args(["reconcile", "--source", "tax", "--dry-run", "--json", "--reveal"]).arg(&tax));
    assert_eq!(preview["unapplied_payments"], 2, "{preview}");
    assert_eq!((unrecorded().len(), kept_rows()), (0, 0), "a dry run keeps nothing");
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json", "--reveal"]).arg(&tax));
    assert_eq!(report["unapplied_payments"], 2, "{report}");
    // The payment beside the roster's 不参保 is money received: recorded, not kept aside.
    assert_eq!(paid_amount(&db, sun), ("paid".to_owned(), Some(38_000)));
    let all = vec![
        (stranger.clone(), "王小明".to_owned(), "unknown_number".to_owned()),
        (zhou.to_owned(), "周静鹭".to_owned(), "other_name".to_owned()),
    ];
    let mut expected = all.clone();
    expected.sort();
    assert_eq!(unrecorded(), expected);
    // The same list again keeps nothing twice.
    let again = canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).output().unwrap();
    let said = String::from_utf8_lossy(&again.stdout);
    assert_eq!(said.matches("笔缴费未记入本机").count(), 1, "said once: {said}");
    assert_eq!((unrecorded().len(), kept_rows()), (2, 2));
    // The same list under another name (a copy, a link, re-saved in another encoding) keeps nothing twice either.
    let copy = dir.path().join("税务副本.csv");
    std::fs::copy(&tax, &copy).unwrap();
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&copy).assert().success();
    assert_eq!((unrecorded().len(), kept_rows()), (2, 2));
    // In words, with the number masked as every check line masks it.
    let text = String::from_utf8_lossy(&canbao(&db).arg("check").output().unwrap().stdout).into_owned();
    let line = text.lines().find(|l| l.contains("周静鹭")).unwrap_or_default();
    for words in [
        "税务已缴费、名单未记入",
        "380 元",
        &oct8,
        "tax.csv 第 3 行",
        "本机记录为 周静露，税务名单为 周静鹭",
        "按 E 更正",
    ] {
        assert!(line.contains(words), "{words}: {text}");
    }
    assert!(!text.contains(zhou) && !text.contains(&stranger), "numbers masked: {text}");
    // The pupil's history holds it.
    let id = {
        let store = canbao::store::Store::open_read_only(&db).unwrap();
        let id = store.student_by_id_number(zhou).unwrap().unwrap().id;
        let history = store.history(id).unwrap();
        assert!(history.iter().any(|e| e.field == "payment_unapplied" && e.action == "reconcile"), "{history:?}");
        id
    };
    // The name corrected as E corrects it, and the list read again: her payment is recorded, her line gone.
    {
        use canbao::store::{Field, FieldChange};
        let mut store = canbao::store::Store::open(&db).unwrap();
        store.change(id, "edit", &[FieldChange::new(Field::Name, Some("周静鹭"))]).unwrap();
    }
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    assert_eq!(paid_amount(&db, zhou), ("paid".to_owned(), Some(38_000)));
    let left: Vec<_> = all.into_iter().filter(|(number, _, _)| number != zhou).collect();
    let mut left_sorted = left.clone();
    left_sorted.sort();
    assert_eq!(unrecorded(), left_sorted);
}

/// A payment the tax office lists under another name for a pupil's number, then a payment recorded for the pupil
/// with `mark`: `mark` says the tax office's amount, date and name, and `check` goes on listing the payment as a
/// possible double payment, where before the mark dropped it from `check`.
#[test]
fn mark_paid_over_a_tax_payment_under_another_name_warns_and_check_keeps_it() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let zhou = "450202201711194162";
    let tax = write_csv(dir.path(), "tax.csv", "姓名,证件号码,缴费金额,缴费日期", &[["周静鹭", zhou, "380", &oct8]]);
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    let marked = canbao(&db).args(["mark", zhou, "--payment", "paid", "--amount", "380", "--yes"]).output().unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&marked.stdout), String::from_utf8_lossy(&marked.stderr));
    assert!(marked.status.success(), "{said}");
    assert!(said.contains("税务名单已有") && said.contains("周静鹭") && said.contains(&oct8), "{said}");
    let text = String::from_utf8_lossy(&canbao(&db).arg("check").output().unwrap().stdout).into_owned();
    let line = text.lines().find(|l| l.contains("周静鹭")).unwrap_or_default();
    assert!(line.contains("家庭可能重复缴费"), "{text}");
}

/// A payment row of the tax office's list whose amount nobody can read (`4OO`) is kept as a refund's pupil is: counted
/// among the payments not recorded, held in the pupil's history with its file and row, listed by `check`, and said
/// in the sheet's 备注 beside her 否, so the family's payment is not forgotten once the report is closed.
#[test]
fn a_tax_payment_whose_amount_cannot_be_read_is_kept_and_listed() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let zhou = "450202201711194162";
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期,票证号码",
        &[["周静露", zhou, "4OO", &oct8, "332023100800001"]],
    );
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!(report["unapplied_payments"], 1, "{report}");
    assert_eq!(paid_amount(&db, zhou), ("unpaid".to_owned(), None));
    let check = json(canbao(&db).args(["check", "--json", "--reveal"]));
    let listed = check["tax_paid_unrecorded"].as_array().expect("tax_paid_unrecorded");
    assert_eq!(listed.len(), 1, "{check}");
    assert_eq!((listed[0]["id_number"].as_str(), listed[0]["row"].as_u64()), (Some(zhou), Some(2)), "{check}");
    assert!(listed[0]["why"].as_str().unwrap_or_default().contains("“4OO”无法识别"), "{check}");
    // The plain report says what the cell held where the amount goes, as reconcile said it, not 「? 元」.
    let plain = canbao(&db).args(["check", "--reveal"]).output().unwrap();
    let plain = String::from_utf8_lossy(&plain.stdout).into_owned();
    let line = plain.lines().find(|l| l.contains(zhou)).unwrap_or_default();
    assert!(line.contains("\t金额“4OO”无法识别\t") && !line.contains("? 元"), "{plain}");
    let en = canbao(&db).args(["--lang", "en", "check", "--reveal"]).output().unwrap();
    let en = String::from_utf8_lossy(&en.stdout).into_owned();
    let line = en.lines().find(|l| l.contains(zhou)).unwrap_or_default();
    assert!(line.contains("\tamount “4OO” not understood\t") && !line.contains("? yuan"), "{en}");
    {
        let store = canbao::store::Store::open_read_only(&db).unwrap();
        let id = store.student_by_id_number(zhou).unwrap().unwrap().id;
        let history = store.history(id).unwrap();
        assert!(history.iter().any(|e| e.field == "payment_unapplied" && e.action == "reconcile"), "{history:?}");
    }
    let sheet = dir.path().join("sheet.csv");
    canbao(&db).args(["export", "sheet", "--format", "csv", "--out"]).arg(&sheet).assert().success();
    let sheet = std::fs::read_to_string(&sheet).unwrap();
    let row = sheet.lines().find(|l| l.contains("周静露")).unwrap_or_default();
    assert!(row.contains(",否,") && row.contains("金额无法识别（“4OO”") && row.contains("tax.csv 第 2 行"), "{sheet}");
}

/// The sample school under a policy of the drive's own year, 380 元 due, whose one payment window holds every
/// `days_ago` date, with Yibin's subsidies: 特困人员 pay nothing (a department pays the whole premium), 低保对象 pay
/// 25 % (95 元).
fn subsidised_drive() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = common::new_drive();
    canbao(&db)
        .arg("import")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample-school.csv"))
        .assert()
        .success();
    let year = drive_year(&db);
    let folder = dir.path().join("subsidised-config");
    std::fs::create_dir_all(folder.join("canbao/policies")).unwrap();
    let text = format!(
        "title = \"本年度\"\ndocument = \"测试\"\ninsured_year = {year}\npersonal_premium = 380\n\
         full_subsidy_order = [\"特困人员\"]\n\n[[window]]\nname = \"缴费期\"\nfrom = {}-01-01\nto = {year}-12-31\n\
         clause = \"测试\"\ntext = \"测试\"\namount = \"personal\"\ncoverage = \"year\"\n\n\
         [category.\"低保对象\"]\nsubsidy = \"share\"\nsubsidy_percent = 75\npaid_by = \"财政\"\nclause = \"测试\"\n\n\
         [category.\"特困人员\"]\nsubsidy = \"full\"\npaid_by = \"财政\"\nclause = \"测试\"\n",
        year - 1
    );
    std::fs::write(folder.join("canbao/policies/subsidised.toml"), text).unwrap();
    let mut chosen = canbao(&db);
    chosen
        .env("XDG_CONFIG_HOME", &folder)
        .env("HOME", dir.path())
        .args(["policy", "use", "subsidised"])
        .assert()
        .success();
    (dir, db)
}

/// A family's payment typed for a pupil who owes nothing (特困人员: a department pays the whole premium) is refused
/// pointing to 财政代缴 (--payment government), which is then saved, never to --amount 0, which is no payment.
#[test]
fn a_payment_for_a_pupil_who_owes_nothing_points_to_government_paid() {
    let (_dir, db) = subsidised_drive();
    let xu = "450203201811029232";
    for lang in ["zh", "en"] {
        let (code, text) = said(canbao(&db).args(["--lang", lang, "mark", xu, "--payment", "paid", "--amount", "380"]));
        assert_eq!(code, Some(1), "{text}");
        assert!(text.contains(&format!("mark {xu} --payment government")) && !text.contains("--amount 0"), "{text}");
        assert!(text.contains("--yes"), "{text}");
    }
    assert_eq!(paid_amount(&db, xu), ("unpaid".to_owned(), None));
    canbao(&db).args(["mark", xu, "--payment", "government"]).assert().success();
    assert_eq!(paid_amount(&db, xu).0, "government");
}

/// The problems an import reported at a row, by their messages.
fn problems_at(report: &Value, row: u64) -> Vec<String> {
    let problems = report["problems"].as_array().expect("problems");
    problems.iter().filter(|p| p["row"] == row).map(|p| p["message"].as_str().unwrap_or_default().to_owned()).collect()
}

/// A TAB inside a name (王<TAB>二, kept as 王二) is said at its row, as a zero-width space is, never removed unsaid.
#[test]
fn a_tab_inside_a_name_is_said_as_a_zero_width_space_is() {
    let (dir, db) = common::new_drive();
    let list = dir.path().join("list.csv");
    let (wang, li) = (valid_number("45020220150101002"), valid_number("45020220150101003"));
    std::fs::write(
        &list,
        format!("学校,姓名,身份证号码,年级,班级\n一小,王\t二,{wang},一年级,1班\n一小,李四,{li},一年级,1班\n"),
    )
    .unwrap();
    let report = json(canbao(&db).args(["import", "--json"]).arg(&list));
    assert!(problems_at(&report, 2).iter().any(|m| m.contains("不可见字符或控制字符")), "{report}");
    assert!(problems_at(&report, 3).is_empty(), "{report}");
    let found = String::from_utf8_lossy(&canbao(&db).args(["find", "王二"]).output().unwrap().stdout).into_owned();
    assert!(found.contains("王二"), "{found}");
}

/// A dry run imports nothing: the row it flags (a wrong check character) is said as one the import will import and
/// flag (将导入并标记), as the import itself then says it did (已导入并标记).
#[test]
fn a_dry_run_says_a_row_it_flags_will_be_imported_and_flagged() {
    let (dir, db) = common::new_drive();
    let list = dir.path().join("list.csv");
    let body = "45020220150101001";
    let good = canbao::domain::id_number::check_char(body.as_bytes());
    let wrong = if good == '1' { '2' } else { '1' };
    std::fs::write(&list, format!("学校,姓名,身份证号码,年级,班级\n一小,李四,{body}{wrong},一年级,1班\n")).unwrap();
    let preview = json(canbao(&db).args(["import", "--dry-run", "--json"]).arg(&list));
    let flagged = problems_at(&preview, 2).join(" ");
    assert!(flagged.contains("将导入并标记") && !flagged.contains("已导入并标记"), "{preview}");
    let report = json(canbao(&db).args(["import", "--json"]).arg(&list));
    assert!(problems_at(&report, 2).join(" ").contains("已导入并标记"), "{report}");
}

/// Each reported row of a workbook names its file, sheet and row: a tax office's workbook has a sheet a month.
#[test]
fn reported_rows_of_a_workbook_name_the_sheet() {
    let oct8 = days_ago(60);
    let nov8 = days_ago(29);
    let (dir, db) = tax_drive();
    let stranger = valid_number("45020220160501160");
    let path = dir.path().join("tax.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    for (month, rows) in [
        ("十月", vec![["张三", "450202201711194162", "380", &oct8]]),
        ("十一月", vec![["吴凯远", "450202201804012233", "380", &nov8], ["李四", &stranger, "350", &nov8]]),
    ] {
        let sheet = book.add_worksheet().set_name(month).unwrap();
        sheet.write_row(0, 0, ["姓名", "证件号码", "缴费金额", "缴费日期"]).unwrap();
        for (i, row) in rows.iter().enumerate() {
            sheet.write_row(i as u32 + 1, 0, *row).unwrap();
        }
    }
    book.save(&path).unwrap();
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&path));
    let file = path.display().to_string();
    let mismatch = &report["name_mismatches"][0];
    assert_eq!((mismatch["sheet"].as_str(), mismatch["row"].as_u64()), (Some("十月"), Some(2)), "{report}");
    assert_eq!(mismatch["file"], file.as_str());
    let unknown = &report["unknown_rows"][0];
    assert_eq!((unknown["sheet"].as_str(), unknown["row"].as_u64()), (Some("十一月"), Some(3)), "{report}");
    assert_eq!(unknown["file"], file.as_str());
    let text = canbao(&db).args(["reconcile", "--source", "tax", "--dry-run"]).arg(&path).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("[十月] 第 2 行") && text.contains("[十一月] 第 3 行"), "{text}");
    assert!(text.lines().filter(|l| l.contains("第 2 行") || l.contains("第 3 行")).all(|l| l.contains("tax.xlsx")));
}

/// An agency's workbook with a hidden row and a hidden sheet is read as a class list is: the row Excel hides is
/// reconciled and said, so the operator can match the counts; the hidden sheet is left out and said.
#[test]
fn agency_reconcile_says_the_rows_and_sheets_excel_hides() {
    let (dir, db) = tax_drive();
    let (zhou, wu, sun) = ("450202201711194162", "450202201804012233", "450203201804047272");
    let path = dir.path().join("agency.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("登记反馈").unwrap();
    sheet.write_row(0, 0, ["姓名", "证件号码"]).unwrap();
    sheet.write_row(1, 0, ["周静露", zhou]).unwrap();
    sheet.write_row(2, 0, ["吴凯远", wu]).unwrap();
    sheet.set_row_hidden(2).unwrap(); // Excel's row 3
    let old = book.add_worksheet().set_name("上次反馈").unwrap().set_hidden(true);
    old.write_row(0, 0, ["姓名", "证件号码"]).unwrap();
    old.write_row(1, 0, ["孙远泽", sun]).unwrap();
    book.save(&path).unwrap();
    let report = json(canbao(&db).args(["reconcile", "--source", "agency", "--json"]).arg(&path));
    assert_eq!((report["matched"].as_u64(), report["rows_read"].as_u64()), (Some(2), Some(2)), "{report}");
    let problems = report["problems"].as_array().unwrap();
    let said = |sheet: &str, row: Option<u64>, words: &str| {
        problems
            .iter()
            .any(|p| p["sheet"] == sheet && p["row"].as_u64() == row && p["message"].as_str().unwrap().contains(words))
    };
    assert!(said("登记反馈", Some(3), "此行在 Excel 中是隐藏的"), "{report}");
    // A whole sheet's line names no row: 「第 0 行」 is no row of the sheet.
    assert!(said("上次反馈", None, "工作表“上次反馈”在 Excel 中是隐藏的，其中 1 行未核对"), "{report}");
    let enrollment = |id: &str| {
        let store = canbao::store::Store::open_read_only(&db).unwrap();
        store.student_by_id_number(id).unwrap().unwrap().enrollment.code().to_owned()
    };
    assert_eq!((enrollment(wu).as_str(), enrollment(sun).as_str()), ("here", "unknown"));
}

/// Output into a pipe whose reader has gone (`| head -1`) ends the command quietly, never with a panic.
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_quietly() {
    let (dir, db) = common::new_drive();
    // More than a pipe holds (64 KiB), so the writer meets the closed pipe.
    let mut list = String::from("姓名,身份证号码,年级,班级\n");
    for i in 0..3000 {
        list.push_str(&format!("学生{i},{},三年级,{}班\n", valid_number(&format!("4502022015{i:07}")), i % 9 + 1));
    }
    let file = dir.path().join("big.csv");
    std::fs::write(&file, list).unwrap();
    canbao(&db).arg("import").arg(&file).assert().success();
    let bin = assert_cmd::cargo::cargo_bin("canbao");
    let script = format!(
        "'{}' --db '{}' find 三年级 --limit 5000 | head -c 1 >/dev/null; echo ${{PIPESTATUS[0]}}",
        bin.display(),
        db.display()
    );
    let out = std::process::Command::new("bash").arg("-c").arg(&script).env_remove("CANBAO_DB").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let status = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert_ne!(status, "101", "a panic's exit code");
}

#[test]
fn a_school_is_renamed_from_the_command_line() {
    let (dir, db) = imported("utf8_bom.csv");
    canbao(&db).args(["school", "rename", "本校", "柳州市城中区实验小学"]).assert().success();
    let stats = json(canbao(&db).args(["stats", "--json"]));
    assert_eq!(stats["students"], 10);
    let found = json(canbao(&db).args(["find", "450202201711194162", "--json"]));
    assert_eq!(found[0]["school"], "柳州市城中区实验小学");
    canbao(&db).args(["school", "rename", "本校", "别的名字"]).assert().code(1);
    // Onto another school's name: refused unless --merge says so.
    let other = dir.path().join("other.csv");
    std::fs::write(
        &other,
        format!("姓名,身份证号码,学校,年级,班级\n张三,{},实验小学,一年级,1班\n", valid_number("45020220150101123")),
    )
    .unwrap();
    // As written: without --school the list's short name is taken for the drive's school.
    canbao(&db).args(["import", "--school", "实验小学"]).arg(&other).assert().success();
    canbao(&db).args(["school", "rename", "实验小学", "柳州市城中区实验小学"]).assert().code(1);
    canbao(&db).args(["school", "rename", "实验小学", "柳州市城中区实验小学", "--merge"]).assert().success();
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 11);
}

#[test]
fn a_school_renamed_apart_on_two_laptops_is_one_merge_line_after_the_pupils_own_conflicts() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let b = dir.path().join("b.db");
    std::fs::copy(&a, &b).unwrap();
    canbao(&a).args(["school", "rename", "本校", "柳州市示范小学本部"]).assert().success();
    canbao(&a).args(["mark", "450202201711194162", "--note", "甲的备注"]).assert().success();
    // Audit instants have whole seconds: B's changes are plainly the later ones.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    canbao(&b).args(["school", "rename", "本校", "柳州市城中区示范小学"]).assert().success();
    canbao(&b).args(["mark", "450202201711194162", "--note", "乙的备注"]).assert().success();
    let out = canbao(&a).args(["merge", "--dry-run"]).arg(&b).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("保留")).collect();
    assert_eq!(lines.len(), 2, "the note, then the ten pupils' school as one line: {text}");
    assert!(
        lines[0].contains("周静露") && lines[0].contains("「备注」") && lines[0].contains("保留 乙的备注"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("  「学校」：保留 柳州市城中区示范小学（")
            && lines[1].contains("舍弃 柳州市示范小学本部（")
            && lines[1].contains("（10 名学生）"),
        "{text}"
    );
    assert!(!text.contains("未列出"), "{text}");
    // The kept and lost instants have their seconds: changes a second apart are told apart.
    let seconds = |l: &str| l.split(['（', '）', '，']).filter(|p| p.len() == 19 && p.as_bytes()[16] == b':').count();
    assert_eq!(seconds(lines[0]), 2, "{text}");
    // --json keeps every conflict.
    let report = json(canbao(&a).args(["merge", "--dry-run", "--json"]).arg(&b));
    assert_eq!(report["conflicts"].as_array().map(Vec::len), Some(11), "{report}");
}

/// A school renamed on one laptop while the other added a pupil under its old name: the merge follows the rename
/// either way and says so; two laptops that renamed it apart are told the command, naming the drive by --db.
#[test]
fn a_merge_follows_a_school_rename_and_names_the_command_where_it_cannot() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.db");
    canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let b = dir.path().join("b.db");
    std::fs::copy(&a, &b).unwrap();
    canbao(&b).args(["school", "rename", "本校", "柳州市示范小学"]).assert().success();
    let list = dir.path().join("new.csv");
    std::fs::write(
        &list,
        format!("姓名,身份证号码,学校,年级,班级\n新生,{},本校,三年级,2班\n", valid_number("45020220150101123")),
    )
    .unwrap();
    canbao(&a).arg("import").arg(&list).assert().success();
    let merged = |into: &Path, from: &Path| {
        let copy = dir.path().join(format!("{}-merged.db", into.file_stem().unwrap().to_string_lossy()));
        std::fs::copy(into, &copy).unwrap();
        let out = canbao(&copy).arg("merge").arg(from).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (copy, String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (b_merged, text) = merged(&b, &a);
    assert!(
        text.lines().any(|l| l.starts_with(
            "本机已将学校「本校」改名为「柳州市示范小学」：另一台电脑记在旧名下、本机改名时不在该校的 1 名学生，合并后也都在\
             「柳州市示范小学」 (This drive renamed the school 本校 to 柳州市示范小学: the pupils the other laptop had \
             under the old name that this drive did not have in the school when it renamed it (1) are under 柳州市示范小学 \
             too after the merge)"
        )),
        "{text}"
    );
    let (a_merged, text) = merged(&a, &b);
    assert!(
        text.contains(
            "另一台电脑已将学校「本校」改名为「柳州市示范小学」，合并后其学生都在「柳州市示范小学」（其中本机的 1 人在另一台电脑\
             改名时不在该校，也随改名转入）"
        ),
        "{text}"
    );
    // All 11 of this drive's pupils were under the old name: the 1 said is the one the other's rename did not reach.
    assert!(!text.contains("仍记在旧名下的 1 人"), "{text}");
    for drive in [&a_merged, &b_merged] {
        let found = json(canbao(drive).args(["find", &valid_number("45020220150101123"), "--json"]));
        assert_eq!(found[0]["school"], "柳州市示范小学", "{found}");
        let stats = json(canbao(drive).args(["stats", "--json"]));
        assert_eq!(stats["students"], 11, "{stats}");
    }

    // Renamed apart: A's merged drive renames the school once more, B's to another name, each adding a pupil.
    let list = dir.path().join("apart.csv");
    let row = |school: &str, id: &str| format!("姓名,身份证号码,学校,年级,班级\n另一新生,{id},{school},三年级,2班\n");
    canbao(&a_merged).args(["school", "rename", "柳州市示范小学", "示范小学本部"]).assert().success();
    std::fs::write(&list, row("示范小学本部", &valid_number("45020220150101133"))).unwrap();
    canbao(&a_merged).arg("import").arg(&list).assert().success();
    canbao(&b_merged).args(["school", "rename", "柳州市示范小学", "示范小学分校"]).assert().success();
    std::fs::write(&list, row("示范小学分校", &valid_number("45020220150101143"))).unwrap();
    canbao(&b_merged).arg("import").arg(&list).assert().success();
    let out = canbao(&a_merged).args(["merge", "--dry-run"]).arg(&b_merged).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("两台电脑把学校「柳州市示范小学」改成了不同的名称（本机改为「示范小学本部」，另一台电脑改为「示范小学分校」），未替你选定"),
        "{text}"
    );
    for (name, from, to) in
        [("示范小学分校", "示范小学本部", "示范小学分校"), ("示范小学本部", "示范小学分校", "示范小学本部")]
    {
        let command = format!("canbao --db {} school rename {from} {to} --merge", a_merged.display());
        assert!(
            text.contains(&format!("如都应叫「{name}」，请运行：{command} (To call them all {name}, run: {command})")),
            "{text}"
        );
    }
}

#[test]
fn completions_for_each_shell_name_the_commands() {
    let (_dir, db) = common::new_drive();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = canbao(&db).args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}: {}", String::from_utf8_lossy(&out.stderr));
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(script.contains("canbao") && script.contains("reconcile") && script.contains("reveal"), "{shell}");
    }
    let out = canbao(&db).args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!db.exists(), "completions never create a drive");
}

#[test]
fn paths_names_the_drive_and_its_backups_without_creating_anything() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.db");
    let shown = json(canbao(&db).args(["paths", "--json"]));
    assert_eq!(shown["drive"].as_str(), db.to_str());
    assert_eq!(shown["backup_dir"].as_str(), dir.path().join("backups").to_str());
    assert!(shown["data_dir"].as_str().is_some_and(|d| d.contains("canbao")), "{shown}");
    assert!(!db.exists() && !dir.path().join("backups").exists());
    let out = canbao(&db).args(["paths"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("备份文件夹") && text.contains("school.db"), "{text}");
    let out = canbao(&db).args(["--lang", "en", "paths"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("backups\t") && !text.contains("备份"), "{text}");
}

#[test]
fn export_of_a_class_the_drive_lacks_exits_1_naming_the_nearest() {
    let (dir, db) = common::new_drive();
    json(canbao(&db).args(["import", "--json"]).arg(fixture("gbk_title.csv")));
    let out_file = dir.path().join("sheet.xlsx");
    let out = canbao(&db).args(["export", "sheet", "--class", "三年级9班", "--out"]).arg(&out_file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("三年级9班") && err.contains("三年级1班"), "{err}");
    assert!(!out_file.exists(), "nothing written for a class the drive does not have");
    // The class written another way is the same class.
    let out = canbao(&db).args(["export", "sheet", "--class", "3年级1", "--out"]).arg(&out_file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn export_out_dash_writes_the_form_to_standard_output() {
    let (dir, db) = common::new_drive();
    json(canbao(&db).args(["import", "--json"]).arg(fixture("gbk_title.csv")));
    let out = canbao(&db)
        .current_dir(dir.path())
        .args(["export", "sheet", "--format", "csv", "--out", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("在校学生信息表") && text.contains("罗欣"), "{text}");
    assert!(!dir.path().join("-").exists(), "no file named -");
    let out = canbao(&db).args(["export", "ledgers", "--out", "-"]).output().unwrap();
    assert!(out.status.success());
    assert!(out.stdout.starts_with(b"PK"), "an XLSX on standard output");
    // As CSV the ledgers are four files: refused in words, with the two ways to have them.
    let out = canbao(&db).args(["export", "ledgers", "--format", "csv", "--out", "-"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr);
    // The refusal is the last line: before it only what is true of the drive whatever the form's way out (this
    // drive has no policy, so its ledgers' amounts are blank).
    assert_eq!(
        text.trim_end().lines().last().unwrap_or_default(),
        "错误 (error): 此表格导出为 4 个文件，不能写到标准输出：请用 --out 文件夹，或不加 --format csv 导出为一个 XLSX 工作簿 \
         (this form is 4 files, which cannot go to standard output: give --out a folder instead of -, or leave out \
         --format csv for one XLSX workbook)"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn import_reports_a_header_it_does_not_know_as_ignored() {
    let (dir, db) = common::new_drive();
    let file = dir.path().join("list.csv");
    std::fs::write(
        &file,
        "学生名册\n姓名,身份证号码,班级,家长微信,姓名\n罗欣,450202201804074223,三年级1班,lx2018,罗欣\n合计：1人,,,,\n",
    )
    .unwrap();
    let report = json(canbao(&db).args(["import", "--json"]).arg(&file));
    assert_eq!(report["added"], 1);
    let problems = report["problems"].as_array().unwrap();
    let ignored: Vec<&Value> = problems.iter().filter(|p| p["row"] == 2).collect();
    assert_eq!(ignored.len(), 2, "{problems:?}");
    assert!(ignored.iter().any(|p| p["column"] == "家长微信" && p["message"].as_str().unwrap().contains("不认识")));
    assert!(ignored.iter().any(|p| p["column"] == "姓名" && p["message"].as_str().unwrap().contains("重复")));
    // The footer (a word from data/headers.toml) is skipped, not a pupil.
    assert!(problems.iter().any(|p| p["row"] == 4 && p["message"].as_str().unwrap().contains("表尾")), "{problems:?}");
}

#[test]
fn lang_en_switches_the_command_lines_own_text_to_english() {
    let (dir, db) = common::new_drive();
    let out = canbao(&db).args(["--lang", "en", "import"]).arg(fixture("gbk_title.csv")).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("rows read 25: added 23"), "{text}");
    assert!(!text.contains("读取") && text.contains(" row "), "{text}");
    let has_han = |s: &str, allowed: &[&str]| {
        let mut s = s.to_owned();
        for a in allowed {
            s = s.replace(a, "");
        }
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    };
    let out = canbao(&db).args(["--lang", "en", "stats"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    // Class names are the school's own words; every label is English.
    let classes: Vec<String> = text.lines().filter_map(|l| l.split('\t').next()).map(str::to_owned).collect();
    let class_refs: Vec<&str> = classes.iter().map(String::as_str).filter(|c| c.contains('班')).collect();
    assert!(text.starts_with("pupils ") && text.contains("ledgers"), "{text}");
    assert!(!has_han(&text, &class_refs), "{text}");
    let out = canbao(&db).args(["--lang", "en", "find", "罗欣"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("unpaid") && !text.contains("未缴费"), "{text}");
    let out = canbao(&db).args(["--lang", "en", "export", "sheet", "--class", "三年级9班"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期,征收渠道",
        &[["某某", "11010519491231002X", "380", "2023-10-08", "微信"]],
    );
    let out =
        canbao(&db).args(["--lang", "en", "reconcile", "--source", "tax", "--dry-run"]).arg(&tax).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("rows read 1") && text.contains("row 2") && text.contains("not on the roster"), "{text}");
    assert!(!text.contains("第 2 行"), "{text}");
    // Without --lang en the text stays Chinese with the English after it.
    let out = canbao(&db).args(["stats"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("参保状态 (enrollment):"));
}

/// `import --lang en` is English only to its last line: the schools the lists name, the rows that name none and
/// each problem in the lists. School names, column names and the files' own words are data and stay.
#[test]
fn lang_en_import_names_the_schools_in_english() {
    let (dir, db) = common::new_drive();
    let named = dir.path().join("named.csv");
    std::fs::write(&named, "学校,姓名,身份证号码,年级,班级\n柳州市示范小学,某甲,11010519491231002X,一年级,1班\n柳州市示范小学,某乙,110105194912310021,一年级,1班\n")
        .unwrap();
    let out = canbao(&db)
        .args(["--lang", "en", "import", "--dry-run"])
        .arg(&named)
        .arg(fixture("utf8_nobom.csv"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("schools the lists name: 柳州市示范小学"), "{text}");
    assert!(text.contains("new pupils whose lists name no school"), "{text}");
    assert!(text.contains("row 3 \"身份证号码\": wrong check character"), "{text}");
    for chinese in ["名单所写", "没有写学校", "重新导入", "（", "：", "「"] {
        assert!(!text.contains(chinese), "{chinese} in {text}");
    }
    // Without --lang en both languages, as before.
    let out = canbao(&db).args(["import", "--dry-run"]).arg(&named).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("名单所写的学校 (schools the lists name): 柳州市示范小学"), "{text}");
}

/// A quote refused (paid outside every window, or too late for any cover) is said in both languages by default
/// and in English alone with --lang en, as every other error line.
#[test]
fn quote_refusals_are_english_with_lang_en_and_bilingual_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("none.db");
    let refusal = |lang: Option<&str>, paid_on: &str| {
        let mut cmd = canbao(&db);
        if let Some(lang) = lang {
            cmd.args(["--lang", lang]);
        }
        let out = cmd.args(["quote", "--policy", "yibin-2024", "--paid-on", paid_on]).output().unwrap();
        assert!(!out.status.success(), "{paid_on} refused");
        String::from_utf8_lossy(&out.stderr).trim().to_owned()
    };
    for (paid_on, zh, en) in [
        ("2023-08-31", "不在", "is outside every payment window of"),
        ("2024-12-31", "本年度不能享受待遇", "no cover this year"),
    ] {
        let both = refusal(None, paid_on);
        assert!(both.starts_with("错误 (error): ") && both.contains(zh) && both.contains(en), "{both}");
        let english = refusal(Some("en"), paid_on);
        assert!(english.starts_with("error: ") && english.contains(en), "{english}");
        // The policy's title and window names stay as the notices write them; the sentence is English.
        assert!(!english.contains(zh) && !english.contains("至") && !english.contains("请向"), "{english}");
    }
}

#[test]
fn lang_en_covers_check_merge_and_policy() {
    let (dir, db) = imported("gbk_title.csv");
    let en = |args: &[&str]| {
        let out = canbao(&db).args(["--lang", "en"]).args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let text = en(&["check"]);
    assert!(text.starts_with("checked 23 pupils") && !text.contains("处问题"), "{text}");
    assert!(text.contains("invalid ID: ") && text.contains("ID number is empty"), "{text}");
    assert!(!text.contains("身份证号码有问题") && !text.contains("身份证号码为空"), "{text}");
    let text = en(&["policy", "list"]);
    assert!(text.contains("premium") && !text.contains("个人缴费"), "{text}");
    assert!(text.contains("(no policy chosen yet") && !text.contains("尚未选定"), "{text}");
    assert!(en(&["policy", "use", "yibin-2024"]).starts_with("policy set: yibin-2024"));
    let text = en(&["policy", "show"]);
    assert!(text.contains("payment windows:") && text.contains("personal premium"), "{text}");
    assert!(
        !text.contains("待遇期") && !text.contains("按个人缴费标准") && !text.contains("请向经办机构确认"),
        "{text}"
    );
    let other = dir.path().join("other.db");
    canbao(&other).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let out = canbao(&db).args(["--lang", "en", "merge", "--dry-run", other.to_str().unwrap()]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "refused, as the merge would be");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--other-school") && !err.contains("未做任何修改"), "{err}");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    // A drive of another school with no history in common: said first, in English too.
    assert!(
        text.starts_with("dry run: nothing changed\nNote: the other file's school (本校) is not this drive's"),
        "{text}"
    );
    assert!(text.contains("share no history") && text.contains("merging it takes --other-school"), "{text}");
    assert!(text.contains("\nadded "), "{text}");
    assert!(!text.contains("新增") && !text.contains("试运行") && !text.contains("不是本数据文件"), "{text}");
}

/// A tax list's row dated after today is held back, never recorded without its date: a date after the insured year
/// is said as not this year's (that is judged first), one within the year as after today; both are kept and listed
/// by `check`, the pupils stay unpaid, and the report's count of payments not recorded is the rows it lists. A date
/// that cannot be read is said as the date not recorded, the payment recorded without it. Today is named as
/// Beijing's date, as `mark` names it, where before 「晚于今天」 said no date.
#[test]
fn a_tax_list_date_after_today_holds_the_row_back() {
    let (dir, db) = tax_drive();
    let year = drive_year(&db);
    let (zhou, wu, sun, gao) = ("450202201711194162", "450202201804012233", "450203201804047272", "450203201801098621");
    let stranger = valid_number("45020220160501160");
    let beijing = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let soon = (beijing + chrono::Duration::days(10)).to_string();
    let (after_year, recent) = (format!("{}-01-05", year + 1), days_ago(5));
    let tax = dir.path().join("tax.csv");
    std::fs::write(
        &tax,
        format!(
            "姓名,证件号码,缴费金额,缴费日期
周静露,{zhou},380,{after_year}
吴凯远,{wu},380,{soon}
\
             孙远泽,{sun},380,某天
高敏,{gao},380,{recent}
李四,{stranger},380,{recent}
"
        ),
    )
    .unwrap();
    let english = canbao(&db).args(["--lang", "en", "reconcile", "--source", "tax", "--dry-run"]).arg(&tax).output();
    let english = String::from_utf8_lossy(&english.unwrap().stdout).into_owned();
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    let said = |row: u64| -> Vec<String> {
        let problems = report["problems"].as_array().unwrap().iter().filter(|p| p["row"] == row);
        problems.map(|p| p["message"].as_str().unwrap().to_owned()).collect()
    };
    let (after, future, unread) = (said(2).join("\n"), said(3).join("\n"), said(4).join("\n"));
    assert!(after.contains(&format!("不是 {year} 年度的缴费")) && !after.contains("晚于今天"), "{report}");
    // Today said as Beijing's, as `mark` says it.
    assert!(future.contains(&format!("缴费日期 {soon} 晚于今天（北京时间 {beijing}）：此行缴费未记录")), "{report}");
    assert!(unread.contains("无法识别，未记录日期"), "{report}");
    let state = |id: &str| {
        let store = canbao::store::Store::open_read_only(&db).unwrap();
        let pupil = store.student_by_id_number(id).unwrap().unwrap();
        (pupil.payment.code().to_owned(), pupil.payment_details.paid_on.map(|d| d.to_string()))
    };
    assert_eq!(state(zhou), ("unpaid".to_owned(), None), "{report}");
    assert_eq!(state(wu), ("unpaid".to_owned(), None), "never recorded without its date: {report}");
    assert_eq!(state(sun), ("paid".to_owned(), None), "{report}");
    assert_eq!(state(gao), ("paid".to_owned(), Some(recent.clone())), "{report}");
    // The count is the rows held back: the two dates and the stranger's number, each listed by check.
    assert_eq!(report["unapplied_payments"], 3, "{report}");
    let check = json(canbao(&db).args(["check", "--json", "--reveal"]));
    let mut kept: Vec<(String, String)> = check["tax_paid_unrecorded"]
        .as_array()
        .expect("tax_paid_unrecorded")
        .iter()
        .map(|k| (k["id_number"].as_str().unwrap().to_owned(), k["reason"].as_str().unwrap().to_owned()))
        .collect();
    kept.sort();
    let mut expected = vec![
        (zhou.to_owned(), "outside_year".to_owned()),
        (wu.to_owned(), "future_date".to_owned()),
        (stranger.clone(), "unknown_number".to_owned()),
    ];
    expected.sort();
    assert_eq!(kept, expected, "{check}");
    // In English: the date, not the payment, is what a row with an unreadable date leaves out.
    let after_today =
        format!("the payment date {soon} is after today, {beijing} in Beijing: this row's payment is not");
    assert!(english.contains(&after_today), "{english}");
    assert!(english.contains("date “某天” not understood: the date was not recorded"), "{english}");
    assert!(english.contains("3 payments on the tax list are not recorded"), "{english}");
}

/// Everything a run printed, both streams.
fn said(cmd: &mut Command) -> (Option<i32>, String) {
    let out = cmd.output().expect("runs");
    (out.status.code(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// One run of [`dry_run_and_real`]: whether it was the dry run, its exit code, what it said on stderr, and both
/// streams together as [`said`] gives them.
struct Run {
    dry: bool,
    code: Option<i32>,
    err: String,
    text: String,
}

/// Runs the command `args` builds with `--dry-run` and then without, and hands each run to `check`: a dry run
/// refuses or reports what the real run does.
fn dry_run_and_real(db: &Path, args: impl Fn(&mut Command), mut check: impl FnMut(Run)) {
    for dry in [true, false] {
        let mut cmd = canbao(db);
        args(&mut cmd);
        if dry {
            cmd.arg("--dry-run");
        }
        let out = cmd.output().expect("runs");
        let (out_text, err) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        check(Run { dry, code: out.status.code(), text: format!("{out_text}{err}"), err: err.into_owned() });
    }
}

/// `reconcile --source S FLAG`, a flag only the tax office's list takes, given with an agency's list and a
/// department's (S), in Chinese and then in English: each run's source, exit code, what it said and whether in
/// English handed to `check`. Nothing is written.
fn a_tax_list_flag_given_with_another_list(flag: &str, mut check: impl FnMut(&str, Option<i32>, &str, bool)) {
    let (dir, db) = tax_drive();
    let list = dir.path().join("agency.csv");
    std::fs::write(&list, "姓名,身份证号码,参保状态\n周静露,450202201711194162,已参保\n").unwrap();
    let audit = || {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.query_row("SELECT count(*) FROM audit", [], |r| r.get::<_, i64>(0)).unwrap()
    };
    let before = audit();
    for source in ["agency", "categories"] {
        let (code, text) = said(canbao(&db).args(["reconcile", "--source", source, flag]).arg(&list));
        check(source, code, &text, false);
        let (code, text) = said(canbao(&db).args(["--lang", "en", "reconcile", "--source", source, flag]).arg(&list));
        check(source, code, &text, true);
    }
    assert_eq!(audit(), before, "nothing written");
}

/// [`dry_run_and_real`] of `reconcile --source tax` reading the tax office's list `tax`.
fn tax_list_dry_run_and_real(db: &Path, tax: &Path, check: impl FnMut(Run)) {
    dry_run_and_real(
        db,
        |cmd| {
            cmd.args(["reconcile", "--source", "tax"]).arg(tax);
        },
        check,
    );
}

#[test]
fn a_database_address_given_where_none_is_expected_is_masked_and_its_place_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let secret = "S3cretPW";
    let url = format!("postgresql://root:{secret}@127.0.0.1:1/county");
    let shown = "postgresql://root:***@127.0.0.1:1/county";
    let bare = || {
        let mut cmd = Command::cargo_bin("canbao").expect("binary");
        cmd.env_remove("CANBAO_DB").env_remove("CANBAO_PG").env("HOME", dir.path());
        cmd
    };
    // A positional argument: clap's usage error quotes it.
    for args in [vec!["rollup", url.as_str()], vec![url.as_str()], vec!["--lang", "en", "rollup", url.as_str()]] {
        let (code, text) = said(bare().args(&args));
        assert_eq!(code, Some(2), "{text}");
        assert!(!text.contains(secret) && text.contains(shown), "{args:?}: {text}");
        assert!(text.contains("--from URL"), "{args:?}: {text}");
    }
    // After --db: refused before anything looks for a file by that name.
    for args in [vec!["--db", url.as_str(), "stats"], vec!["stats", &format!("--db={url}")]] {
        let (code, text) = said(bare().args(&args));
        assert_eq!(code, Some(1), "{text}");
        assert!(!text.contains(secret) && text.contains(shown) && text.contains("--from URL"), "{args:?}: {text}");
    }
    // In push's file list: the hint is --to.
    let (code, text) = said(bare().arg("push").arg(&db).arg(&url));
    assert_eq!(code, Some(1), "{text}");
    assert!(!text.contains(secret) && text.contains(shown) && text.contains("--to URL"), "{text}");
    let (code, text) = said(bare().args(["push", "--dry-run"]).arg(&db).arg(&url).arg("--bogus"));
    assert_eq!(code, Some(2), "{text}");
    assert!(!text.contains(secret) && text.contains("--to URL"), "{text}");
}

#[test]
fn from_before_a_command_that_reads_a_drive_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let url = "postgresql://root:pw@127.0.0.1:1/county";
    let (code, text) = said(canbao(&db).args(["--from", url, "stats"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("rollup --from URL") && !text.contains("数据文件不存在"), "{text}");
    assert!(!db.exists());
    let (code, text) = said(canbao(&db).args(["--from", url, "push"]).arg(&db));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("--to URL"), "{text}");
    // rollup takes it as its own: it goes to the server (nothing listens on port 1).
    let (code, text) = said(canbao(&db).args(["--from", &format!("{url}?connect_timeout=2"), "rollup"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("连接不上汇总数据库") && !text.contains(":pw@"), "{text}");
}

/// In a shared folder someone may plant a link at the hidden name an export writes under, pointing at a file
/// of theirs or of the operator's: the export never writes through it (the file is byte for byte as it was),
/// and the form is still written, owner-only.
#[cfg(unix)]
#[test]
fn a_link_planted_at_an_export_s_hidden_name_is_never_written_through() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, db) = imported("utf8_bom.csv");
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    let victim = dir.path().join("victim.txt");
    let before = b"another file, not to be touched\n".to_vec();
    std::fs::write(&victim, &before).unwrap();
    for name in ["x.csv", "x.xlsx"] {
        let part = shared.join(format!(".{name}.part"));
        std::os::unix::fs::symlink(&victim, &part).unwrap();
        let out = shared.join(name);
        canbao(&db).args(["export", "sheet", "--out"]).arg(&out).assert().success();
        assert_eq!(std::fs::read(&victim).unwrap(), before, "{name}: the linked file is untouched");
        let meta = std::fs::symlink_metadata(&out).unwrap();
        assert!(meta.file_type().is_file() && meta.len() > 100, "{name}: the form is written");
        assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{name}");
        assert!(std::fs::symlink_metadata(&part).unwrap().file_type().is_symlink(), "not canbao's to remove");
    }
}

/// A link planted at a drive's `.lock` name is refused in words: opening it would truncate the file it
/// points at to write who holds the drive.
#[cfg(unix)]
#[test]
fn a_link_planted_at_the_drive_s_lock_name_is_refused_and_not_written_through() {
    let (dir, db) = imported("utf8_bom.csv");
    let victim = dir.path().join("victim.txt");
    let before = b"another file, not to be touched\n".to_vec();
    std::fs::write(&victim, &before).unwrap();
    let lock = dir.path().join("drive.db.lock");
    let _ = std::fs::remove_file(&lock);
    std::os::unix::fs::symlink(&victim, &lock).unwrap();
    let out = canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("链接") && stderr.contains("drive.db.lock"), "{stderr}");
    assert_eq!(std::fs::read(&victim).unwrap(), before, "the linked file is untouched");
}

/// A dry run writes nothing: on a drive not made yet it previews an empty one and makes no file, lock or folder.
#[test]
fn a_dry_run_import_on_a_missing_drive_makes_no_drive() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sub/missing.db");
    canbao(&db).args(["import", "--dry-run"]).arg(fixture("utf8_bom.csv")).assert().success();
    assert!(!dir.path().join("sub").exists(), "nothing made: {:?}", std::fs::read_dir(dir.path()).unwrap().count());
    let db = dir.path().join("missing.db");
    canbao(&db).args(["import", "--dry-run"]).arg(fixture("utf8_bom.csv")).assert().success();
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(left.is_empty(), "{left:?}");
}

/// `import --json` gives every problem the row it is about; one about a whole sheet (no header row, a hidden
/// sheet) has no `row` at all, and one about several rows gives the first of them. None says row 0.
#[test]
fn import_json_gives_each_problem_its_row_or_none_for_a_whole_sheet() {
    let (dir, db) = common::new_drive();
    let path = dir.path().join("rows.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("说明").unwrap().write_string(0, 0, "请按班级填写").unwrap();
    let list = book.add_worksheet().set_name("名单").unwrap();
    list.write_row(0, 0, ["姓名", "身份证号码"]).unwrap();
    for i in 0..13u32 {
        list.write_row(i + 1, 0, [format!("学生{i}"), valid_number(&format!("450202201501{:02}121", i + 1))]).unwrap();
    }
    for row in 2..14 {
        list.set_row_hidden(row).unwrap(); // Excel's rows 3 to 14
    }
    let last_year = book.add_worksheet().set_name("去年").unwrap().set_hidden(true);
    last_year.write_row(0, 0, ["姓名", "身份证号码"]).unwrap();
    last_year.write_row(1, 0, ["毕业生", valid_number("45020220100101121").as_str()]).unwrap();
    book.save(&path).unwrap();

    let report = json(canbao(&db).args(["import", "--json"]).arg(&path));
    let problems = report["problems"].as_array().unwrap();
    let find = |words: &str| problems.iter().find(|p| p["message"].as_str().unwrap().contains(words));
    for p in problems {
        assert!(p.get("row").is_none_or(|r| r.as_u64().unwrap() > 0), "{p}");
    }
    let no_header = find("找不到表头行").expect("the sheet without a header is said");
    assert_eq!((no_header.get("row"), &no_header["sheet"]), (None, &Value::from("说明")), "{no_header}");
    let hidden_sheet = find("在 Excel 中是隐藏的，其中").expect("the hidden sheet is said");
    assert_eq!((hidden_sheet.get("row"), &hidden_sheet["sheet"]), (None, &Value::from("去年")), "{hidden_sheet}");
    let classless = find("没有班级").expect("rows without a class are said");
    assert_eq!(classless.get("row"), None, "a sheet that gives no class is the whole sheet's: {classless}");
    let more_hidden = find("另有 2 行").expect("hidden rows past the tenth are said in one line");
    assert_eq!(more_hidden["row"], 13, "{more_hidden}");

    // As text the whole-sheet lines name the sheet and no row.
    let out = canbao(&dir.path().join("other.db")).arg("import").arg(&path).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.contains("找不到表头行")).unwrap();
    assert!(line.contains("[说明]") && !line.contains("第 0 行") && !line.contains(" 行 "), "{line}");
}

/// An import that fails into a drive file that did not exist leaves nothing behind: no empty drive, no lock,
/// no folder (none is made for a drive named in a folder that is not there). A drive that was there before
/// stays, empty or not.
#[test]
fn a_failed_import_into_a_new_drive_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("名单.pdf");
    std::fs::write(&pdf, "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n").unwrap();
    let new = dir.path().join("new.db");
    let nested = dir.path().join("sub").join("deeper").join("new.db");
    // In a folder that is not there, the drive is refused before the list is read: a typo, most likely.
    for (db, said) in [(&new, "PDF"), (&nested, "文件夹不存在")] {
        let out = canbao(db).arg("import").arg(&pdf).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains(said), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, [std::ffi::OsString::from("名单.pdf")], "nothing left beside the list");

    // An empty drive made before (by the screen, say) is not this command's to remove.
    let empty = dir.path().join("empty.db");
    drop(canbao::store::Store::open(&empty).unwrap());
    canbao(&empty).arg("import").arg(&pdf).assert().code(1);
    assert!(empty.exists());
    // A drive with pupils stays as it was; a list that imports makes its new drive as before.
    let good = dir.path().join("good.db");
    canbao(&good).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    canbao(&good).arg("import").arg(&pdf).assert().code(1);
    assert!(json(canbao(&good).args(["stats", "--json"]))["students"].as_u64().unwrap() > 0);
}

/// A list that writes the school otherwise (城关一小 for 城关镇第一小学) moves its pupils to a school of that name,
/// and a list may move pupils to other classes: the report counts both, names a few with their rows, and says
/// how to put them back, before anything is exported. No alias is guessed.
#[test]
fn pupils_moved_to_another_school_or_class_are_counted_and_named() {
    let (dir, db) = common::new_drive();
    let ids: Vec<String> = (1..=3).map(|i| valid_number(&format!("4502022015010{i}121"))).collect();
    let list = |name: &str, school: &str, classes: [&str; 3]| {
        let mut text = String::from("学校,姓名,身份证号码,班级\n");
        for (i, class) in classes.iter().enumerate() {
            text.push_str(&format!("{school},学生{i},{},{class}\n", ids[i]));
        }
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let first = list("first.csv", "城关镇第一小学", ["三年级1班", "三年级1班", "三年级2班"]);
    json(canbao(&db).args(["import", "--json"]).arg(&first));
    let second = list("second.csv", "城关一小", ["三年级1班", "三年级2班", "三年级2班"]);
    let report = json(canbao(&db).args(["import", "--dry-run", "--json"]).arg(&second));
    assert_eq!((&report["moved_school"], &report["moved_class"]), (&Value::from(3), &Value::from(1)), "{report}");
    let problems = report["problems"].as_array().unwrap();
    let says = |p: &Value, words: &[&str]| words.iter().all(|w| p["message"].as_str().unwrap().contains(w));
    let school = problems.iter().find(|p| says(p, &["城关镇第一小学", "城关一小", "3"])).expect("the move is said");
    assert!(says(school, &["--school"]), "{school}");
    assert!(
        problems.iter().any(|p| p["row"] == 3 && says(p, &["学生1", "三年级1班", "三年级2班"])),
        "the pupil whose class changed, at the row: {report}"
    );
    let out = canbao(&db).arg("import").arg("--dry-run").arg(&second).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("3 名学生") && text.contains("1 名学生"), "{text}");

    // A drive holding one class two ways (from an older canbao): the list puts the pupil in the drive's first
    // spelling, and that is said as a respelling, not a move.
    let two_ways = dir.path().join("two_ways.db");
    let third = list("third.csv", "城关镇第一小学", ["三年级1班", "三年级2班", "三年级2班"]);
    json(canbao(&two_ways).args(["import", "--json"]).arg(&third));
    let conn = rusqlite::Connection::open(&two_ways).unwrap();
    conn.execute("UPDATE students SET grade = '三年级', class = '(2)班' WHERE name = '学生2'", []).unwrap();
    drop(conn);
    let report = json(canbao(&two_ways).args(["import", "--json"]).arg(&third));
    assert_eq!((&report["respelled_class"], &report["moved_class"]), (&Value::from(1), &Value::from(0)), "{report}");
    assert!(
        report["problems"].as_array().unwrap().iter().any(|p| p["row"] == 4 && says(p, &["学生2", "三年级(2)班"])),
        "{report}"
    );
}

/// A drive's chosen policy travels by merge: B (none) takes A's, made on A by `policy new` and so unknown to
/// B's config folder, and says so; afterwards both laptops' figures agree. Two different policies stay each
/// laptop's own, said both ways.
#[test]
fn a_merge_takes_the_policy_this_drive_lacks_and_says_when_the_two_differ() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    canbao(&a).arg("backup").arg(&b).assert().success();
    let on_a = |cmd: &mut Command| {
        cmd.env("XDG_CONFIG_HOME", dir.path().join("config-a")).env("HOME", dir.path());
    };
    let on_b = |cmd: &mut Command| {
        cmd.env("XDG_CONFIG_HOME", dir.path().join("config-b")).env("HOME", dir.path());
    };
    let mut new = canbao(&a);
    on_a(&mut new);
    new.args(["policy", "new", "liuzhou-2027", "--from", "liuzhou-2023", "--year", "2027", "--premium", "400"])
        .assert()
        .success();
    let mut chosen = canbao(&a);
    on_a(&mut chosen);
    chosen.args(["policy", "use", "liuzhou-2027"]).assert().success();

    let mut merge = canbao(&b);
    on_b(&mut merge);
    let out = merge.arg("merge").arg(&a).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("参保政策（") && text.contains("本数据文件没有选定，已采用对方的 liuzhou-2027"), "{text}");
    let mut show = canbao(&b);
    on_b(&mut show);
    let shown = json(show.args(["policy", "show", "--json"]));
    assert_eq!(shown["name"], "liuzhou-2027", "{shown}");
    let stats = |db: &Path, on: &dyn Fn(&mut Command)| {
        let mut cmd = canbao(db);
        on(&mut cmd);
        json(cmd.args(["stats", "--json"]))
    };
    assert_eq!(stats(&a, &on_a), stats(&b, &on_b), "both laptops' figures agree");
    let mut back = canbao(&a);
    on_a(&mut back);
    let report = json(back.args(["merge", "--json"]).arg(&b));
    assert_eq!(report["policies"], serde_json::json!([]), "nothing to say the other way: {report}");

    // Two different policies: each keeps its own and is told.
    let mut other = canbao(&b);
    on_b(&mut other);
    other.args(["policy", "use", "liuzhou-2023"]).assert().success();
    let mut merge = canbao(&a);
    on_a(&mut merge);
    let text = String::from_utf8_lossy(&merge.arg("merge").arg(&b).assert().success().get_output().stdout).into_owned();
    assert!(text.contains("两边不同，保留本数据文件的 liuzhou-2027，对方为 liuzhou-2023"), "{text}");
    let mut merge = canbao(&b);
    on_b(&mut merge);
    let report = json(merge.args(["merge", "--json"]).arg(&a));
    assert_eq!(report["policies"][0]["outcome"], "kept_ours", "{report}");
    assert_eq!(report["policies"][0]["ours"], "liuzhou-2023", "{report}");
}

/// On a second laptop (the drive copied from another, whose config folder lacks the drive's policy, or has none
/// at all), `policy list` shows the drive's policy from the copy the drive keeps, starred, and says where it
/// comes from: it is the one `quote` and `policy show` use there.
#[test]
fn policy_list_on_a_second_laptop_stars_the_drives_own_policy_from_its_copy() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let on = |cmd: &mut Command, config: &str| {
        cmd.env("XDG_CONFIG_HOME", dir.path().join(config)).env("HOME", dir.path());
    };
    let mut new = canbao(&a);
    on(&mut new, "config-a");
    new.args(["policy", "new", "liuzhou-2027", "--from", "liuzhou-2023", "--year", "2027", "--premium", "400"])
        .assert()
        .success();
    let mut chosen = canbao(&a);
    on(&mut chosen, "config-a");
    chosen.args(["policy", "use", "liuzhou-2027"]).assert().success();
    canbao(&a).arg("backup").arg(&b).assert().success();
    // A second laptop with a config folder of its own, holding another policy.
    let mut other = canbao(&b);
    on(&mut other, "config-b");
    other
        .args(["policy", "new", "liuzhou-2028", "--from", "liuzhou-2023", "--year", "2028", "--premium", "420"])
        .assert()
        .success();

    for config in ["config-b", "no-config"] {
        let mut show = canbao(&b);
        on(&mut show, config);
        assert_eq!(json(show.args(["policy", "show", "--json"]))["name"], "liuzhou-2027", "{config}");
        let mut list = canbao(&b);
        on(&mut list, config);
        let listed = json(list.args(["policy", "list", "--json"]));
        let current: Vec<&Value> = listed.as_array().unwrap().iter().filter(|p| p["current"] == true).collect();
        assert_eq!(current.len(), 1, "{config}: {listed}");
        assert_eq!(current[0]["name"], "liuzhou-2027", "{config}: {listed}");
        assert_eq!(current[0]["personal_premium"], 400.0, "{config}: {listed}");
        assert!(current[0]["source"].as_str().unwrap().contains("数据文件中保存的副本"), "{config}: {listed}");
        assert!(listed.as_array().unwrap().iter().any(|p| p["name"] == "liuzhou-2023"), "{config}: {listed}");

        let mut list = canbao(&b);
        on(&mut list, config);
        let out = list.args(["policy", "list"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let line =
            text.lines().find(|l| l.starts_with("* ")).unwrap_or_else(|| panic!("{config}: none starred: {text}"));
        assert!(line.contains("liuzhou-2027") && line.contains("数据文件中保存的副本"), "{config}: {text}");
        assert!(!text.contains("尚未选定政策"), "{config}: {text}");
        assert_eq!(text.contains("liuzhou-2028"), config == "config-b", "{config}: {text}");
    }
}

/// On a second laptop, `policy use` of another policy keeps the drive's copy of the one made on the first:
/// `policy list` still lists it, as the drive's copy, and `policy use` takes it again with its own amounts.
#[test]
fn the_drives_copy_of_a_policy_stays_listed_after_switching_away_on_a_second_laptop() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let on = |cmd: &mut Command, home: &str| {
        cmd.env("XDG_CONFIG_HOME", dir.path().join(home).join(".config")).env("HOME", dir.path().join(home));
    };
    let mut new = canbao(&a);
    on(&mut new, "a");
    new.args(["policy", "new", "yibin-2027", "--from", "yibin-2024", "--year", "2027", "--premium", "400"])
        .assert()
        .success();
    let mut chosen = canbao(&a);
    on(&mut chosen, "a");
    chosen.args(["policy", "use", "yibin-2027"]).assert().success();
    std::fs::copy(&a, &b).unwrap();
    let listed = |b: &Path| -> Value {
        let mut list = canbao(b);
        on(&mut list, "b");
        json(list.args(["policy", "list", "--json"]))
    };
    for (name, next) in [("liuzhou-2021", "yibin-2027"), ("yibin-2027", "liuzhou-2023")] {
        let mut switch = canbao(&b);
        on(&mut switch, "b");
        switch.args(["policy", "use", name]).assert().success();
        let all = listed(&b);
        let kept: Vec<&Value> = all.as_array().unwrap().iter().filter(|p| p["name"] == "yibin-2027").collect();
        assert_eq!(kept.len(), 1, "{name}: {all}");
        assert_eq!(kept[0]["current"], name == "yibin-2027", "{name}: {all}");
        assert_eq!(kept[0]["personal_premium"], 400.0, "{name}: {all}");
        assert!(kept[0]["source"].as_str().unwrap().contains("数据文件中保存的副本"), "{name}: {all}");
        let mut text = canbao(&b);
        on(&mut text, "b");
        let out = text.args(["policy", "list"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.lines().any(|l| l.contains("yibin-2027") && l.contains("数据文件中保存的副本")), "{name}: {text}");
        let mut again = canbao(&b);
        on(&mut again, "b");
        again.args(["policy", "use", next]).assert().success();
    }
}

/// Another school's file taken by mistake: the preview says so; the merge is refused without --other-school.
#[test]
fn merging_another_schools_file_is_said_and_takes_other_school() {
    let (dir, db) = imported("utf8_bom.csv");
    let other = dir.path().join("S2.db");
    canbao(&other).args(["import", "--school", "第二小学"]).arg(fixture("gbk_title.csv")).assert().success();

    // The preview shows what the merge would do, and ends as the merge would: refused, status 1, the same words.
    let preview = canbao(&db).args(["merge", "--dry-run"]).arg(&other).output().unwrap();
    let text = String::from_utf8_lossy(&preview.stdout).into_owned();
    for said in ["对方数据文件的学校（第二小学）不是本数据文件的学校", "没有共同的修改记录", "--other-school"]
    {
        assert!(text.contains(said), "{said}: {text}");
    }
    let out = canbao(&db).arg("merge").arg(&other).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("第二小学") && err.contains("--other-school") && err.contains("未做任何修改"), "{err}");
    assert_eq!(preview.status.code(), Some(1), "{text}");
    assert_eq!(String::from_utf8_lossy(&preview.stderr), err, "the merge's refusal");
    let json_preview = canbao(&db).args(["merge", "--dry-run", "--json"]).arg(&other).output().unwrap();
    assert_eq!(json_preview.status.code(), Some(1));
    let previewed: serde_json::Value = serde_json::from_slice(&json_preview.stdout).expect("json");
    assert_eq!(previewed["other_schools"], serde_json::json!(["第二小学"]));
    // With --other-school the preview goes through, as the merge would.
    canbao(&db).args(["merge", "--dry-run", "--other-school"]).arg(&other).assert().success();
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 10, "nothing changed");
    let report = json(canbao(&db).args(["merge", "--other-school", "--json"]).arg(&other));
    assert_eq!(report["other_schools"], serde_json::json!(["第二小学"]));
    assert_eq!(report["shared_history"], false);
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 33);
}

/// Two laptops that each started a drive and imported the same list share no history: a merge would weigh two
/// drives that never agreed by their clocks, so it is refused, nothing changed, naming --no-common-history; the
/// preview ends the same way, and with the flag the merge goes through.
#[test]
fn merging_a_file_of_no_common_history_is_refused_without_no_common_history() {
    let (dir, db) = imported("utf8_bom.csv");
    let other = dir.path().join("laptop3.db");
    canbao(&other).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let audit = |db: &std::path::Path| json(canbao(db).args(["stats", "--json"]));
    let before = audit(&db);

    let out = canbao(&db).arg("merge").arg(&other).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{err}");
    for said in ["没有共同的修改记录", "未做任何修改", "--no-common-history", "share no history", "nothing changed"]
    {
        assert!(err.contains(said), "{said}: {err}");
    }
    assert!(!err.contains("--other-school"), "{err}");
    assert_eq!(audit(&db), before, "nothing changed");

    let preview = canbao(&db).args(["merge", "--dry-run"]).arg(&other).output().unwrap();
    let text = String::from_utf8_lossy(&preview.stdout);
    assert!(text.contains("合并时须加 --no-common-history 确认"), "{text}");
    assert_eq!(preview.status.code(), Some(1), "{text}");
    assert_eq!(String::from_utf8_lossy(&preview.stderr), err, "the merge's refusal");

    canbao(&db).args(["merge", "--dry-run", "--no-common-history"]).arg(&other).assert().success();
    let report = json(canbao(&db).args(["merge", "--no-common-history", "--json"]).arg(&other));
    assert_eq!(report["shared_history"], false);
    // Merged once, they share their history: the next merge takes no flag.
    canbao(&db).arg("merge").arg(&other).assert().success();
}

/// The laptop whose value lost in the other's merge is told when it merges back, not 「冲突 0」.
#[test]
fn a_conflict_the_other_laptop_decided_is_listed_on_the_laptop_whose_value_lost() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    canbao(&a).arg("backup").arg(&b).assert().success();
    let id = "450202201711194162";
    canbao(&a).args(["mark", id, "--note", "甲写的"]).assert().success();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    canbao(&b).args(["mark", id, "--note", "乙写的"]).assert().success();
    canbao(&b).arg("merge").arg(&a).assert().success();
    let out = canbao(&a).arg("merge").arg(&b).assert().success().get_output().stdout.clone();
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("冲突 1"), "{text}");
    assert!(
        text.contains("保留 乙写的") && text.contains("舍弃 甲写的") && text.contains("已由对方合并时决定"),
        "{text}"
    );
}

/// A command run as `canbao … | head -1` whose reader has gone before it prints: it still finishes, copies
/// its save into the drive file itself (the `.db` copied alone holds it, as README promises), and ends
/// without a panic message.
#[test]
fn a_command_whose_output_is_closed_still_puts_its_save_in_the_drive_file() {
    let (dir, db) = imported("gbk_title.csv");
    let late = write_list(dir.path(), "late.csv", &[["晚到丁", &valid_number("45020320190101001"), "一年级", "1班"]]);
    let closed = |args: &[&std::ffi::OsStr]| {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("canbao"))
            .arg("--db")
            .arg(&db)
            .env_remove("CANBAO_DB")
            .env("CANBAO_OPERATOR", "测试")
            .args(args)
            .stdout(writer)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!err.contains("panicked") && !err.contains("Broken pipe"), "{args:?}: {err}");
        assert!(out.status.code().is_some(), "{args:?}: ended by a signal: {:?}", out.status);
        let elsewhere = tempfile::tempdir().unwrap();
        let copy = elsewhere.path().join("copy.db");
        std::fs::copy(&db, &copy).unwrap();
        (elsewhere, copy)
    };
    let (_keep, copy) = closed(&["import".as_ref(), late.as_os_str()]);
    let found = json(canbao(&copy).args(["find", "晚到丁", "--json"]));
    assert_eq!(names(&found), ["晚到丁"], "the .db alone has the import");
    let (_keep, copy) =
        closed(&["mark", "45020220180710028X", "--payment", "paid", "--amount", "380"].map(|a| a.as_ref()));
    let found = json(canbao(&copy).args(["find", "45020220180710028X", "--json"]));
    assert_eq!(found[0]["payment"], "paid", "the .db alone has the mark");
    let (_keep, copy) = closed(&["school", "rename", "柳州市某某小学", "柳州市某某小学本部"].map(|a| a.as_ref()));
    let found = json(canbao(&copy).args(["find", "45020220180710028X", "--json"]));
    assert_eq!(found[0]["school"], "柳州市某某小学本部", "the .db alone has the rename");
}

/// An address that is no `postgresql://` URL (another scheme, none at all) never shows its password, and says
/// in Chinese what is wrong with it.
#[test]
fn a_mistyped_county_address_never_shows_its_password_and_says_why_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    canbao(&db).arg("import").arg(fixture("gbk_title.csv")).assert().success();
    let secret = "Pw123";
    for (url, shown, why) in [
        ("http://root:Pw123@127.0.0.1/x", "http://root:***@127.0.0.1/x", "postgresql://"),
        ("root:Pw123@127.0.0.1", "root:***@127.0.0.1", "postgresql://"),
        ("postgresql://root:Pw123@127.0.0.1:99999/x", "postgresql://root:***@127.0.0.1:99999/x", "端口号无效"),
    ] {
        let runs = [
            said(canbao(&db).env_remove("CANBAO_PG").args(["rollup", "--from", url])),
            said(canbao(&db).env_remove("CANBAO_PG").args(["export", "summary", "--from", url])),
            said(canbao(&db).env("CANBAO_PG", url).arg("rollup")),
            said(canbao(&db).env_remove("CANBAO_PG").arg("push").arg(&db).args(["--to", url])),
        ];
        for (code, text) in runs {
            assert_eq!(code, Some(1), "{url}: {text}");
            assert!(!text.contains(secret), "{url}: {text}");
            assert!(text.contains(shown) && text.contains(why), "{url}: {text}");
            assert!(!text.contains("invalid connection string\n"), "{url}: a Chinese reason first: {text}");
        }
    }
    let (_, text) = said(canbao(&db).env_remove("CANBAO_PG").args(["rollup", "--from", "http://root:Pw123@h/x"]));
    assert!(text.contains("地址应以 postgresql:// 开头"), "{text}");
}

/// A server that takes the connection and never answers (a hung server, a half-open VPN, another service on
/// the port) is given up on after the URL's connect_timeout, with a message, instead of hanging.
#[test]
fn a_server_that_never_answers_is_given_up_on_after_connect_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    canbao(&db).arg("import").arg(fixture("gbk_title.csv")).assert().success();
    // Connections wait in its backlog: the TCP handshake completes, and nothing is ever said.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    for query in ["connect_timeout=1", "connect_timeout=1&sslmode=disable"] {
        let url = format!("postgresql://root:Pw123@127.0.0.1:{port}/county?{query}");
        for args in [vec!["rollup", "--from", url.as_str()], vec!["push", db.to_str().unwrap(), "--to", url.as_str()]] {
            let started = std::time::Instant::now();
            let (code, text) =
                said(canbao(&db).env_remove("CANBAO_PG").args(&args).timeout(std::time::Duration::from_secs(20)));
            assert_eq!(code, Some(1), "{args:?}: {text}");
            assert!(started.elapsed() < std::time::Duration::from_secs(10), "{args:?}: {:?}", started.elapsed());
            assert!(text.contains("连接汇总数据库超时") && text.contains("timed out"), "{args:?}: {text}");
            assert!(!text.contains("Pw123"), "{text}");
        }
    }
    drop(silent);
}

/// `mark NUMBER --name WRONG` where a pupil holds the number under another name says so in both languages,
/// and names that pupil (masked).
#[test]
fn mark_with_a_name_that_does_not_fit_the_number_names_the_pupil_who_has_it() {
    let (_dir, db) = imported("gbk_title.csv");
    let (code, text) = said(canbao(&db).args(["mark", "45020220180710028X", "--name", "蒋子", "--payment", "paid"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("蒋*") && text.contains("not named 蒋子"), "{text}");
    assert!(!text.contains("no pupil with the ID number"), "{text}");
    let found = json(canbao(&db).args(["find", "45020220180710028X", "--json"]));
    assert_eq!(found[0]["payment"], "unpaid");
    // No pupil has the number at all: said so.
    let (code, text) = said(canbao(&db).args(["mark", &valid_number("45020220180101001"), "--payment", "paid"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("no pupil with the ID number 45020220180101001"), "{text}");
}

/// A script that writes class lists is no class list: refused, naming the file, nothing written. A list whose
/// numbers a spreadsheet rounded, or that has none, names people, and is imported as ever.
#[test]
fn a_script_is_refused_as_no_class_list_and_a_list_without_whole_numbers_is_not() {
    let (dir, db) = imported("gbk_title.csv");
    let before = json(canbao(&db).args(["stats", "--json"]))["students"].as_u64().unwrap();
    let script = dir.path().join("gen.py");
    std::fs::write(
        &script,
        "import csv\nrows=[]\n\
         with open('good.csv','w',encoding='utf-8-sig',newline='') as f:\n\
         \x20   w=csv.writer(f); w.writerow(['学校','姓名','身份证号码','年级','班级','联系电话'])\n\
         \x20   for r in rows: w.writerow(['测试小学',*r])\n\
         with open('gbk.csv','w',encoding='gbk',newline='') as f:\n\
         \x20   w=csv.writer(f); w.writerow(['学校','姓名','身份证号码','年级','班级','联系电话'])\n\
         \x20   for r in rows[:10]: w.writerow(['测试小学',*r])\n\
         with open('u16.txt','w',encoding='utf-16') as f:\n\
         \x20   for r in rows[10:20]: f.write('\\t'.join(['测试小学',*r])+'\\n')\n",
    )
    .unwrap();
    let (code, text) = said(canbao(&db).arg("import").arg(&script));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("此文件不像班级名单") && text.contains("does not look like a class list"), "{text}");
    assert!(text.contains("gen.py"), "{text}");
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"].as_u64().unwrap(), before);
    // Every number rounded by a spreadsheet, or none at all: imported, flagged.
    let rounded = write_list(
        dir.path(),
        "rounded.csv",
        &[["张伟", "4.50202201501E+17", "一年级", "1班"], ["李娜", "4.50202201502E+17", "一年级", "1班"]],
    );
    canbao(&db).arg("import").arg(&rounded).assert().success();
    let missing =
        write_list(dir.path(), "missing.csv", &[["王芳", "", "二年级", "1班"], ["赵磊", "", "二年级", "1班"]]);
    canbao(&db).arg("import").arg(&missing).assert().success();
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"].as_u64().unwrap(), before + 4);
}

/// A system file SQLite cannot open as a drive is named, and said to be the text it is, where SQLite's own words
/// named nothing.
#[cfg(target_os = "linux")]
#[test]
fn a_file_that_cannot_be_opened_as_a_drive_is_named() {
    let (code, text) = said(canbao(std::path::Path::new("/proc/version")).arg("stats"));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("不是 canbao 数据文件，未做任何修改：/proc/version：这是文本文件"), "{text}");
    assert!(text.contains("not a canbao drive, nothing was changed: /proc/version"), "{text}");
    assert!(!text.contains("unable to open database file"), "{text}");
}

/// A 15-digit number nobody holds is said as typed, with the 18-digit form it was looked for as: the operator
/// never typed that form.
#[test]
fn a_fifteen_digit_number_nobody_holds_is_said_as_typed_and_converted() {
    let (_dir, db) = imported("gbk_title.csv");
    let (code, text) = said(canbao(&db).args(["quote", "450202180823136", "--policy", "yibin-2024"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("名单中没有身份证号码为 450202180823136（已换算为 18 位号码 45020219180823136"), "{text}");
    assert!(
        text.contains("no pupil with the ID number 450202180823136, converted to the 18-digit 45020219180823136"),
        "{text}"
    );
}

/// Two rows of one name in one class, neither with an ID number: the second is reported as what it is (maybe
/// the same child, imported once), not as the same ID number, and the first row's 「已导入并标记」 does not
/// cover it.
#[test]
fn two_rows_of_one_name_and_class_without_numbers_are_reported_as_what_they_are() {
    let (dir, db) = common::new_drive();
    let list = dir.path().join("dup2.csv");
    std::fs::write(
        &list,
        "学校,姓名,身份证号码,年级,班级,联系电话\n\
         柳州市示范小学,王小,,一年级,1班,13000000001\n\
         柳州市示范小学,王小,,一年级,1班,13000000002\n",
    )
    .unwrap();
    let report = json(canbao(&db).args(["import", "--json"]).arg(&list));
    assert_eq!((report["added"].as_u64(), report["duplicates"].as_u64()), (Some(1), Some(1)), "{report}");
    let problems = report["problems"].as_array().unwrap();
    let at = |row: u64| problems.iter().filter(|p| p["row"] == row).collect::<Vec<_>>();
    let first = at(2);
    assert!(first.iter().all(|p| p["last_row"].is_null() || p["last_row"] == 2), "{report}");
    let second = at(3);
    assert_eq!(second.len(), 1, "{report}");
    let message = second[0]["message"].as_str().unwrap();
    assert!(!message.contains("同一身份证号码") && message.contains("都没有身份证号码"), "{message}");
    assert!(message.contains("13000000002") || message.contains("1300****0002"), "the other phone: {message}");
}

/// The screen started without a terminal (a desktop launcher, `< /dev/null`, a script): said in words, with the
/// commands that need none, never as a raw OS error.
#[test]
fn the_screen_without_a_terminal_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("y.db");
    canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let out = canbao(&db).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("没有终端") && err.contains("no terminal"), "{err}");
    // The command it suggests names the drive it was given.
    assert!(err.contains(&format!("canbao --db {} stats", db.display())), "{err}");
    assert!(!err.contains("os error"), "{err}");
}

#[test]
fn a_drive_from_before_a_reading_was_added_finds_its_pupils_by_it_once_opened() {
    let (_dir, db) = drive_of(&[["单小明", &valid_number("45020220110101123"), "三年级", "1班"]]);
    assert_eq!(names(&json(canbao(&db).args(["find", "danxiaoming", "--json"]))), ["单小明"]);
    // The drive as a canbao that read 单 only as shan left it: no "dan" in its search keys, schema 7.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let changed = conn.execute("UPDATE search_blocks SET keys = replace(keys, 'dan', 'shan')", []).unwrap();
    assert_eq!(changed, 1);
    conn.execute_batch("DELETE FROM meta WHERE key = 'merge_copies_from'; PRAGMA user_version = 7;").unwrap();
    drop(conn);
    // Any command brings the drive forward as it opens it, the search keys with it.
    assert_eq!(names(&json(canbao(&db).args(["find", "danxiaoming", "--json"]))), ["单小明"]);
    assert_eq!(names(&json(canbao(&db).args(["find", "shanxiaoming", "--json"]))), ["单小明"]);
}

/// 0 元 is no payment: `mark --payment paid --amount 0` would count the pupil 已参保 and print 是 on the
/// information sheet. Refused, as a negative amount is, saying why; an amount given with another payment than
/// paid (财政代缴 keeps no family amount) is refused, not dropped without a word.
#[test]
fn mark_refuses_a_payment_of_nothing() {
    let (_dir, db) = imported("gbk_title.csv");
    let id = "450202201804074223";
    for amount in ["0", "0.00", "￥0", "-380"] {
        let out = canbao(&db).args(["mark", id, "--payment", "paid", &format!("--amount={amount}")]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{amount}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("未保存") || err.contains("无法识别"), "{amount}: {err}");
        if amount != "-380" {
            assert!(err.contains("0 元") && err.contains("--payment government"), "{amount}: {err}");
        }
    }
    let out = canbao(&db).args(["mark", id, "--payment", "government", "--amount", "380"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--amount") && err.contains("--payment paid"), "{err}");
    let found = json(canbao(&db).args(["find", id, "--json"]));
    assert_eq!(found[0]["payment"], "unpaid");
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["insured"], 0);
    canbao(&db).args(["mark", id, "--payment", "paid", "--amount", "380"]).assert().success();
    assert_eq!(json(canbao(&db).args(["find", id, "--json"]))[0]["payment"], "paid");
}

/// The teacher's list comes again after the operator corrected pupils with `E` (a mistyped ID number, a phone, a
/// name): it finds the corrected pupil by the old number instead of adding a second child, keeps what the operator
/// corrected, and says so at each row.
#[test]
fn a_list_imported_again_finds_the_corrected_pupil_and_keeps_the_operators_corrections() {
    let (dir, db) = common::new_drive();
    let real = valid_number("51150220150505108");
    let typo = format!("{}{}", &real[..17], if real.ends_with('1') { '2' } else { '1' });
    let (he, sun) = (valid_number("51010420140809215"), valid_number("51010420140306123"));
    let list = dir.path().join("三年级1班.csv");
    std::fs::write(
        &list,
        format!(
            "姓名,身份证号码,年级,班级,联系电话\n陈静,{typo},三年级,1班,13900000001\n何静,{he},三年级,1班,13900000005\n\
             孙悦,{sun},三年级,1班,13900000006\n"
        ),
    )
    .unwrap();
    canbao(&db).arg("import").arg(&list).assert().success();
    {
        let mut store = canbao::store::Store::open(&db).unwrap();
        store.set_operator("李老师").unwrap();
        let id = |store: &canbao::store::Store, name: &str| {
            store.students(&Default::default()).unwrap().into_iter().find(|p| p.name == name).unwrap().id
        };
        let edits = [
            ("陈静", canbao::store::IdentityEdit { id_number: Some(real.clone()), ..Default::default() }),
            ("何静", canbao::store::IdentityEdit { phone: Some("13912345678".into()), ..Default::default() }),
            ("孙悦", canbao::store::IdentityEdit { name: Some("孙跃".into()), ..Default::default() }),
        ];
        for (name, edit) in edits {
            let pupil = id(&store, name);
            store.correct_identity(pupil, &edit).unwrap();
        }
    }
    let report = json(canbao(&db).args(["import", "--json"]).arg(&list));
    assert_eq!((report["added"].as_u64(), report["unchanged"].as_u64()), (Some(0), Some(3)), "{report}");
    assert_eq!(report["id_invalid"], 0, "{report}");
    let problems = report["problems"].as_array().unwrap();
    let at = |row: u64| -> Vec<String> {
        problems
            .iter()
            .filter(|p| p["row"] == row && p["file"].as_str().unwrap().ends_with("三年级1班.csv"))
            .map(|p| p["message"].as_str().unwrap().to_owned())
            .collect()
    };
    let masked = canbao::domain::id_number::mask(&real);
    assert!(at(2).iter().any(|m| m.contains("旧身份证号码已更正为") && m.contains(&masked)), "{report}");
    assert!(at(2).iter().all(|m| !m.contains("已导入并标记")), "not a flagged pupil added: {report}");
    assert!(at(3).iter().any(|m| m.contains("保留了操作员的更正") && m.contains("联系电话")), "{report}");
    assert!(at(4).iter().any(|m| m.contains("保留了操作员的更正") && m.contains("孙悦")), "{report}");

    let stats = json(canbao(&db).args(["stats", "--json"]));
    assert_eq!((stats["students"].as_u64(), stats["id_invalid"].as_u64()), (Some(3), Some(0)), "{stats}");
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let chen = store.student_by_id_number(&real).unwrap().expect("陈静 by her corrected number");
    assert_eq!(chen.name, "陈静");
    assert_eq!(store.student_by_id_number(&he).unwrap().unwrap().phone, "13912345678");
    assert_eq!(store.student_by_id_number(&sun).unwrap().unwrap().name, "孙跃");
}

/// Laptop B corrects 王欣's mistyped number from the family's card while laptop A adds a new pupil 王新 with that
/// number from a class list. A merge either way keeps two children, the number with 王新, and its report names
/// both (masked), where the correction was made, and what the operator is to do; both drives end alike.
#[test]
fn a_merge_names_a_number_corrected_on_one_laptop_that_the_other_gave_a_new_pupil() {
    let dir = tempfile::tempdir().unwrap();
    let real = valid_number("45020220150220706");
    let typo = format!("{}{}", &real[..17], if real.ends_with('1') { '2' } else { '1' });
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let base = write_list(dir.path(), "base.csv", &[["王欣", &typo, "三年级", "1班"]]);
    canbao(&a).arg("import").arg(&base).assert().success();
    canbao(&a).arg("backup").arg(&b).assert().success();
    let card = write_list(dir.path(), "card.csv", &[["王欣", &real, "三年级", "1班"]]);
    assert_eq!(json(canbao(&b).args(["import", "--json"]).arg(&card))["updated"], 1, "corrected on B");
    let list = write_list(dir.path(), "list.csv", &[["王新", &real, "三年级", "2班"]]);
    assert_eq!(json(canbao(&a).args(["import", "--json"]).arg(&list))["added"], 1);
    let mask = |n: &str| canbao::domain::id_number::mask(n);
    for (into, from, side, side_en) in [(&a, &b, "对方", "there"), (&b, &a, "本机", "here")] {
        let copy = dir.path().join(format!("copy-of-{}", into.file_name().unwrap().to_string_lossy()));
        std::fs::copy(into, &copy).unwrap();
        let out = canbao(&copy).arg("merge").arg(from).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        let zh = format!(
            "身份证号码 {} 由 王新（三年级2班）持有；王欣（三年级1班）在{side}被更正为这个号码，未采用，保留号码「{}」：\
             请核对这个号码是哪位学生的，在详情页按 E 更正另一位",
            mask(&real),
            mask(&typo)
        );
        let en = format!(
            "ID {} is held by 王新 (三年级2班); 王欣 (三年级1班) was corrected to it {side_en}: not applied, number \
             \"{}\" kept; check which child the number is, and correct the other with E in the detail screen",
            mask(&real),
            mask(&typo)
        );
        assert!(text.lines().any(|l| l.contains(&zh) && l.contains(&en)), "{text}");
        assert!(!text.contains(&real), "numbers masked: {text}");
        assert!(text.contains("冲突 1"), "{text}");
        let stats = json(canbao(&copy).args(["stats", "--json"]));
        assert_eq!((stats["students"].as_u64(), stats["id_invalid"].as_u64()), (Some(2), Some(1)), "{stats}");
        assert_eq!(names(&json(canbao(&copy).args(["find", &real, "--json"]))), ["王新"], "{text}");
        // The same in --json, the full numbers there.
        std::fs::copy(into, &copy).unwrap();
        let report = json(canbao(&copy).args(["merge", "--json", "--reveal"]).arg(from));
        let taken = &report["taken_numbers"][0];
        assert_eq!((taken["name"].as_str(), taken["holder"].as_str()), (Some("王欣"), Some("王新")), "{report}");
        assert_eq!((taken["id_number"].as_str(), taken["kept"].as_str()), (Some(real.as_str()), Some(typo.as_str())));
        assert!(report["named_apart"].as_array().unwrap().is_empty(), "{report}");
    }
}

/// Two laptops started apart from two lists of one school: one list's numbers were rounded by a spreadsheet
/// (15 digits then zeros, or shown as 4.50202201501E+17), the other's are whole. A merge pairs each rounded
/// pupil with the whole number of that name, as an import of the whole list does, both ways, never adding a
/// second child; a pupil two whole numbers could be is listed, not guessed.
#[test]
fn a_merge_pairs_pupils_held_with_rounded_numbers_with_their_whole_numbers_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) =
        (valid_number("45020220150101123"), valid_number("45020220160303567"), valid_number("45020220150101234"));
    let rounded = |n: &str| format!("{}000", &n[..15]);
    assert!(canbao::domain::id_number::check(&rounded(&a), chrono::NaiveDate::MIN).result.is_err());
    let shown = "4.50202201501E+17";
    let rounded_list = write_list(
        dir.path(),
        "rounded.csv",
        &[
            ["付晨", &rounded(&a), "三年级", "1班"],
            ["张思", &rounded(&b), "四年级", "2班"],
            ["高思", shown, "三年级", "1班"],
        ],
    );
    let whole_list = write_list(
        dir.path(),
        "whole.csv",
        &[["付晨", &a, "三年级", "1班"], ["张思", &b, "四年级", "2班"], ["高思", &c, "三年级", "1班"]],
    );
    for rounded_into_whole in [true, false] {
        let (x, y) = (
            dir.path().join(format!("x{rounded_into_whole}.db")),
            dir.path().join(format!("y{rounded_into_whole}.db")),
        );
        canbao(&x).arg("import").arg(&rounded_list).assert().success();
        canbao(&y).arg("import").arg(&whole_list).assert().success();
        let (into, from) = if rounded_into_whole { (&y, &x) } else { (&x, &y) };
        // Two drives started apart: the merge is taken only with --no-common-history.
        let report = json(canbao(into).args(["merge", "--no-common-history", "--json"]).arg(from));
        assert_eq!(report["added"], 0, "{report}");
        let stats = json(canbao(into).args(["stats", "--json"]));
        assert_eq!((stats["students"].as_u64(), stats["id_invalid"].as_u64()), (Some(3), Some(0)), "{stats}");
        for (name, number) in [("付晨", &a), ("张思", &b), ("高思", &c)] {
            let found = json(canbao(into).args(["find", number, "--json"]));
            assert_eq!(names(&found), [name], "{rounded_into_whole}: {report}");
        }
        let again = json(canbao(into).args(["merge", "--json"]).arg(from));
        assert_eq!((again["added"].as_u64(), again["updated"].as_u64()), (Some(0), Some(0)), "{again}");
    }

    // Two whole numbers of one name that both round to the flagged one: listed, and added to be checked.
    let twins = write_list(
        dir.path(),
        "twins.csv",
        &[["付晨", &a, "三年级", "1班"], ["付晨", &valid_number("45020220150101129"), "三年级", "2班"]],
    );
    let (x, y) = (dir.path().join("x.db"), dir.path().join("y.db"));
    canbao(&x).arg("import").arg(&rounded_list).assert().success();
    canbao(&y).arg("import").arg(&twins).assert().success();
    let report = json(canbao(&y).args(["merge", "--no-common-history", "--json"]).arg(&x));
    let listed = report["ambiguous"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{report}");
    assert_eq!(listed[0]["name"], "付晨", "{report}");
}

#[cfg(unix)]
#[test]
fn an_xlsx_export_to_standard_output_is_refused_on_a_terminal_and_written_elsewhere() {
    // `script` gives the command a terminal for its standard output.
    if std::process::Command::new("script").arg("--version").output().is_err() {
        eprintln!("notice: no script(1); test skipped");
        return;
    }
    let (_dir, db) = common::new_drive();
    canbao(&db)
        .arg("import")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample-school.csv"))
        .assert()
        .success();
    let on_terminal = |format: &str| {
        let line = format!("{} --db {} export summary {format} --out -", env!("CARGO_BIN_EXE_canbao"), db.display());
        let out = std::process::Command::new("script")
            .args(["-qec", &line, "/dev/null"])
            .env_remove("CANBAO_DB")
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let (code, said) = on_terminal("");
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("二进制") && said.contains("--format csv --out -") && !said.contains("PK"), "{said}");
    let (code, said) = on_terminal("--format csv");
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("参保进度汇总") && said.contains("填报时间"), "{said}");
    // Into a pipe the XLSX is written as asked.
    let out = canbao(&db).args(["export", "summary", "--out", "-"]).output().unwrap();
    assert!(out.status.success() && out.stdout.starts_with(b"PK"));
}

/// A list that names only another school (B) than the one the drive holds (A) adds its pupils under B, a new
/// school: the report says so first, with how to undo it (B is A written another way: rename B into A; the
/// list is another school's: restore the backup the import took), unless `--school` said where they go.
#[test]
fn a_list_naming_a_school_the_drive_does_not_hold_is_said_with_how_to_undo_it() {
    let (dir, db) = common::new_drive();
    let list = |name: &str, school: &str, from: u32| {
        let mut text = String::from("学校,姓名,身份证号码,班级\n");
        for i in from..from + 2 {
            text.push_str(&format!("{school},学生{i},{},三年级1班\n", valid_number(&format!("4502022015010{i}121"))));
        }
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    json(canbao(&db).args(["import", "--json"]).arg(list("a.csv", "城关镇第一小学", 1)));
    let other = list("b.csv", "河东小学", 5);
    let says = |report: &Value, words: &[&str]| {
        report["warnings"].as_array().unwrap().iter().any(|w| words.iter().all(|x| w.as_str().unwrap().contains(x)))
    };
    let preview = json(canbao(&db).args(["import", "--dry-run", "--json"]).arg(&other));
    assert!(says(&preview, &["河东小学", "城关镇第一小学", "2 名学生", "--school 城关镇第一小学"]), "{preview}");
    let out = canbao(&db).arg("import").arg(&other).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.lines().next().unwrap_or_default();
    assert!(first.contains("河东小学") && first.contains("城关镇第一小学"), "said first: {text}");
    let named = format!("canbao --db {} ", db.display());
    assert!(text.contains(&format!("{named}school rename 河东小学 城关镇第一小学 --merge")), "{text}");
    let restore = text.split(&format!("{named}restore ")).nth(1).expect("the backup to restore is named");
    let backup = restore.split([' ', ')', '；', '\n']).next().unwrap();
    assert!(backup.ends_with("-import.db") && Path::new(backup).is_file(), "{backup}: {text}");
    // The way back works as said: the drive holds school A's pupils alone again.
    canbao(&db).arg("restore").arg(backup).assert().success();
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 2);
    // In English, the English alone.
    let one = list("c.csv", "河西小学", 7);
    let out = canbao(&db).args(["--lang", "en", "import", "--dry-run"]).arg(&one).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().next().unwrap().starts_with("the list names the school 河西小学"), "{text}");
    // Told where the pupils go, nothing to warn of.
    let forced = json(canbao(&db).args(["import", "--json", "--school", "城关镇第一小学"]).arg(&other));
    assert!(!says(&forced, &["河东小学"]), "{forced}");
}

/// A drive (another laptop's, or a backup) given to `import` is named as a canbao drive, with `merge` as the way
/// to bring its pupils in; another program's SQLite database is named as one. Neither changes the drive.
#[test]
fn a_drive_given_to_import_is_named_and_merge_is_offered() {
    let dir = tempfile::tempdir().unwrap();
    let (db, other) = (dir.path().join("drive.db"), dir.path().join("other.db"));
    canbao(&other).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let out = canbao(&db).arg("import").arg(&other).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("这是 canbao 数据文件，不是班级名单") && text.contains(" merge "), "{text}");
    assert!(!text.contains("不是表格文件"), "{text}");
    let out = canbao(&db).args(["--lang", "en", "import"]).arg(&other).output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("a canbao drive, not a class list") && !text.contains("canbao 数据"), "{text}");
    let sqlite = dir.path().join("账本.db");
    rusqlite::Connection::open(&sqlite).unwrap().execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
    let out = canbao(&db).arg("import").arg(&sqlite).output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("这是 SQLite 数据库，不是表格"), "{text}");
    assert!(!db.exists() || json(canbao(&db).args(["stats", "--json"]))["students"] == 0);
}

/// A class list given as the drive (`--db 名单.xlsx`, the list where the drive should be) is named as a
/// spreadsheet, with the command that imports it, never called a damaged drive; nothing is written beside it.
#[test]
fn a_spreadsheet_given_as_the_drive_is_named_with_how_to_import_it() {
    let dir = tempfile::tempdir().unwrap();
    for (fixture_name, as_name) in
        [("merged_title.xlsx", "名单.xlsx"), ("split_grade_class.xls", "一班.xls"), ("utf8_bom.csv", "二班.csv")]
    {
        let list = dir.path().join(as_name);
        std::fs::copy(fixture(fixture_name), &list).unwrap();
        let before = std::fs::read(&list).unwrap();
        for args in [&["stats"][..], &["import", "x.csv"], &[]] {
            let out = canbao(&list).args(args).output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{as_name} {args:?}");
            let text = String::from_utf8_lossy(&out.stderr);
            assert!(text.contains("这是表格（名单），不是 canbao 数据文件"), "{as_name} {args:?}: {text}");
            assert!(text.contains(&format!("canbao import {}", list.display())), "{text}");
            assert!(!text.contains("损坏"), "{text}");
        }
        let out = canbao(&list).args(["--lang", "en", "stats"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        assert!(text.contains("a spreadsheet (a class list), not a canbao drive"), "{text}");
        assert_eq!(std::fs::read(&list).unwrap(), before);
    }
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 3, "nothing written beside the lists: {names:?}");
}

/// The student information sheet's usual name carries its school, as every other form's does: the drive's one
/// school without `--school`, written so that Windows can hold it (a / in a school's name is no folder).
#[test]
fn the_sheets_usual_name_carries_its_school() {
    let (dir, db) = common::new_drive();
    let list = dir.path().join("list.csv");
    let number = valid_number("45020220150101121");
    std::fs::write(&list, format!("学校,姓名,身份证号码,班级\n实验小学/分校,张三,{number},三年级1班\n")).unwrap();
    json(canbao(&db).args(["import", "--json"]).arg(&list));
    let out = dir.path().join("out");
    canbao(&db).args(["export", "sheet", "--out"]).arg(format!("{}/", out.display())).assert().success();
    let names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].starts_with("实验小学_分校-20") && names[0].ends_with(".xlsx"), "{names:?}");
    assert!(names[0].contains("年度-在校学生信息表-"), "{names:?}");
}

/// English counts agree with their number: one row, one pupil, never "1 rows" or "1 pupils"; the TUI's
/// import report as the command line's.
#[test]
fn english_reports_say_one_row_and_one_pupil_in_the_singular() {
    let (dir, db) = common::new_drive();
    let number = valid_number("45020220150101121");
    let list = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let en = |file: &Path| {
        let out = canbao(&db).args(["--lang", "en", "import"]).arg(file).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let plural_of_one = |text: &str| {
        let words: Vec<&str> = text.split([' ', '(', ',', ':']).collect();
        words.windows(2).any(|w| w[0] == "1" && ["rows", "pupils", "duplicates", "problems", "IDs"].contains(&w[1]))
    };
    let text = en(&list("a.csv", format!("姓名,身份证号码,班级\n张三,{number},三年级1班\n")));
    assert!(text.contains("1 new pupil whose lists name no school: put under"), "{text}");
    assert!(!plural_of_one(&text), "{text}");
    let text = en(&list("b.csv", format!("学校,姓名,身份证号码,班级\n城关一小,张三,{number},三年级2班\n")));
    assert!(text.contains("moved: 1 pupil to another school, 1 to another class"), "{text}");
    assert!(text.contains("1 pupil moved from school 本校 to 城关一小"), "{text}");
    assert!(!plural_of_one(&text), "{text}");
}

/// A pupil paid (the tax office's date, amount and channel) marked paid again keeps that payment, and is told
/// so: a script marking a whole list paid never rewrites the dates reconciled. A date or amount given is applied.
#[test]
fn marking_a_paid_pupil_paid_again_keeps_the_recorded_payment() {
    let oct8 = days_ago(60);
    let oct9 = days_ago(59);
    let (dir, db) = tax_drive();
    let wu = "450202201804012233";
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期,缴费渠道",
        &[["吴凯远", wu, "380", &oct8, "微信"]],
    );
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    let details = || {
        let store = canbao::store::Store::open_read_only(&db).unwrap();
        let d = store.student_by_id_number(wu).unwrap().unwrap().payment_details;
        (d.amount_fen, d.paid_on.map(|d| d.to_string()), d.channel)
    };
    let reconciled = (Some(38_000), Some(oct8.clone()), Some("微信".to_owned()));
    assert_eq!(details(), reconciled);

    let (code, text) = said(canbao(&db).args(["mark", wu, "--payment", "paid"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("已缴费") && text.contains(&oct8) && text.contains("未改动"), "{text}");
    assert_eq!(details(), reconciled, "the tax office's payment is kept");
    // With a note beside it, the note is saved and the payment kept.
    let (code, text) = said(canbao(&db).args(["mark", wu, "--payment", "paid", "--note", "家长已确认"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("1 项修改") && text.contains("未改动"), "{text}");
    assert_eq!(details(), reconciled);

    // What the operator gives is applied; what they leave out is kept.
    canbao(&db).args(["mark", wu, "--payment", "paid", "--paid-on", &oct9]).assert().success();
    assert_eq!(details(), (Some(38_000), Some(oct9.clone()), Some("微信".to_owned())));
    canbao(&db).args(["mark", wu, "--payment", "paid", "--amount", "400", "--yes"]).assert().success();
    assert_eq!(details(), (Some(40_000), Some(oct9.clone()), Some("微信".to_owned())));
}

/// A pupil without an ID number is marked by name and class, the class written any way a list writes it; a
/// name typed where the number goes is said to be no number, with the command to type; the class is asked
/// for even where the name is unique, and a name and class that fit nobody or two pupils pick nobody.
#[test]
fn a_pupil_without_an_id_number_is_marked_by_name_and_class() {
    let (_dir, db) = drive_of(&[
        ["张小明", "", "一年级", "1班"],
        ["张小明", "", "一年级", "2班"],
        ["李小红", "", "一年级", "2班"],
        ["王大", &valid_number("45020320190930880"), "一年级", "1班"],
        ["赵一", &valid_number("45020320180101001"), "二年级", "1班"],
        ["赵一", &valid_number("45020320180101003"), "二年级", "1班"],
    ]);
    let payment = |class: &str| -> Value {
        let found = json(canbao(&db).args(["find", "张小明", "--json"]));
        let pupil = found.as_array().unwrap().iter().find(|p| p["class"] == class).cloned();
        pupil.unwrap_or_else(|| panic!("{found}"))["payment"].clone()
    };

    // The name where the number goes: no number, and how to name the pupil.
    let (code, text) = said(canbao(&db).args(["mark", "张小明", "--payment", "government"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("“张小明”不是身份证号码") && text.contains("is not an ID number"), "{text}");
    assert!(text.contains("mark --name 张小明 --class 一年级1班"), "{text}");
    assert!(!text.contains("没有身份证号码为 张小明"), "{text}");
    // Nothing at all to name the pupil by.
    for args in [&["mark", "", "--payment", "government"][..], &["mark", "--payment", "government"]] {
        let (code, text) = said(canbao(&db).args(args));
        assert_eq!(code, Some(1), "{text}");
        assert!(text.contains("--name 姓名 --class 班级") && text.contains("picked by name and class"), "{text}");
    }
    // A name without a class: the classes that hold it are named, and nobody is marked.
    let (code, text) = said(canbao(&db).args(["mark", "--name", "张小明", "--payment", "government"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("一年级1班、一年级2班") && text.contains("give the class too"), "{text}");
    // A class that does not hold the name.
    let (code, text) = said(canbao(&db).args(["mark", "--name", "张小明", "--class", "三年级2班", "--note", "x"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("三年级2班没有叫 张小明 的学生"), "{text}");
    assert_eq!((payment("一年级1班"), payment("一年级2班")), ("unpaid".into(), "unpaid".into()));
    // Two pupils of one name in one class: neither, and both are listed, their numbers masked.
    let (code, text) = said(canbao(&db).args(["mark", "--name", "赵一", "--class", "二年级1班", "--note", "x"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("二年级1班有 2 名学生叫 赵一") && text.contains("2 pupils named 赵一"), "{text}");
    assert!(text.contains("4502**********") && !text.contains("45020320180101001"), "{text}");
    let twins = json(canbao(&db).args(["find", "赵一", "--json"]));
    assert_eq!(twins.as_array().map(Vec::len), Some(2), "{twins}");

    // Name and class, the class as a list writes it: that pupil, and only that one.
    let out =
        canbao(&db).args(["mark", "--name", "张小明", "--class", "一（2）班", "--payment", "government"]).assert();
    out.success();
    assert_eq!((payment("一年级1班"), payment("一年级2班")), ("unpaid".into(), "government".into()));
    // A pupil with a number is reached the same way.
    canbao(&db).args(["mark", "--name", "王大", "--class", "一年级1班", "--note", "家长已联系"]).assert().success();
    // quote names a pupil the same way.
    let (code, text) = said(canbao(&db).args(["quote", "--name", "李小红", "--policy", "yibin-2024", "--json"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("give the class too"), "{text}");
    let q =
        json(canbao(&db).args(["quote", "--name", "李小红", "--class", "一年级2班", "--policy", "yibin-2024"]).args([
            "--paid-on",
            "2023-10-08",
            "--json",
        ]));
    assert_eq!((q["name"].as_str(), q["personal_due"].as_f64()), (Some("李小红"), Some(380.0)));
}

/// A list with no school column into a drive of two schools: refused before anything is written, naming the
/// schools and --school; never a third school 「本校」. With --school it goes where it is told.
#[test]
fn a_list_without_a_school_into_a_drive_of_two_schools_is_refused_until_one_is_named() {
    let (dir, db) = common::new_drive();
    canbao(&db).args(["import", "--school", "第一小学"]).arg(fixture("utf8_bom.csv")).assert().success();
    canbao(&db).args(["import", "--school", "第二小学"]).arg(fixture("gbk_title.csv")).assert().success();
    let list = dir.path().join("list.csv");
    std::fs::write(&list, "姓名,身份证号码,班级\n张新来,110101201503070018,一年级1班\n").unwrap();
    let count = |db: &Path| json(canbao(db).args(["stats", "--json"]));
    let before = count(&db);
    let import = |cmd: &mut Command| {
        cmd.arg("import").arg(&list);
    };
    dry_run_and_real(&db, import, |Run { code, err: text, .. }| {
        assert_eq!(code, Some(1), "{text}");
        for said in ["第一小学", "第二小学", "--school", "未导入任何内容", "nothing imported"] {
            assert!(text.contains(said), "{said} in: {text}");
        }
    });
    assert_eq!(count(&db), before, "nothing written");
    let schools = |db: &Path| {
        let out = canbao(db).args(["find", "--json", "张新来"]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(!schools(&db).contains("张新来"), "{}", schools(&db));
    canbao(&db).args(["import", "--school", "第二小学"]).arg(&list).assert().success();
    assert!(schools(&db).contains("第二小学"), "{}", schools(&db));
    assert!(!schools(&db).contains("本校"));
}

/// A drive of two schools, 示范小学 and 第二中学, two pupils each, and a list naming no school of all four,
/// moved to another class; `held` lists them, `extra` adds rows of pupils new to the drive.
fn two_schools_and_a_list_of_their_pupils(dir: &Path) -> (PathBuf, impl Fn(&str, &str) -> PathBuf) {
    let db = dir.join("a.db");
    let rows = |school: &'static str, from: u32| {
        (from..from + 2)
            .map(move |i| (format!("学生{i}"), valid_number(&format!("4502022015010{i}121")), school.to_owned()))
    };
    let pupils: Vec<(String, String, String)> = rows("柳州市示范小学", 1).chain(rows("柳州市第二中学", 5)).collect();
    for school in ["柳州市示范小学", "柳州市第二中学"] {
        let mut text = String::from("学校,姓名,身份证号码,班级\n");
        for (name, id, _) in pupils.iter().filter(|p| p.2 == school) {
            text.push_str(&format!("{school},{name},{id},三年级1班\n"));
        }
        let path = dir.join(format!("{school}.csv"));
        std::fs::write(&path, text).unwrap();
        canbao(&db).arg("import").arg(&path).assert().success();
    }
    let dir = dir.to_path_buf();
    // Another class of the same grade: a list moving every pupil one grade up reads as next school year's.
    let list = move |name: &str, extra: &str| {
        let mut text = String::from("姓名,身份证号码,班级\n");
        for (name, id, _) in &pupils {
            text.push_str(&format!("{name},{id},三年级2班\n"));
        }
        text.push_str(extra);
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    (db, list)
}

/// Each pupil's school on the drive, by name.
fn schools_of(db: &Path) -> Vec<(String, String)> {
    let found = json(canbao(db).args(["find", "--json", "学生"]));
    let mut schools: Vec<(String, String)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_owned(), p["school"].as_str().unwrap().to_owned()))
        .collect();
    schools.sort();
    schools
}

/// A list naming no school of pupils the drive holds, on a drive of two schools: imported, each pupil in their
/// school, and said so, never as rows put under a school (「已记入「」」); a list that also adds a pupil is refused
/// counting that new pupil, not the list's rows.
#[test]
fn a_list_without_a_school_of_pupils_held_says_they_stay_in_their_schools() {
    let dir = tempfile::tempdir().unwrap();
    let (db, list) = two_schools_and_a_list_of_their_pupils(dir.path());
    let before = schools_of(&db);
    let held = list("held.csv", "");
    for lang in [None, Some("en")] {
        let mut cmd = canbao(&db);
        if let Some(lang) = lang {
            cmd.args(["--lang", lang]);
        }
        let (code, text) = said(cmd.arg("import").arg(&held));
        assert_eq!(code, Some(0), "{text}");
        assert!(!text.contains("已记入") && !text.contains("put under"), "{text}");
        match lang {
            None => assert!(text.contains("名单没有写学校名称：4 名已在册的学生仍在各自的学校"), "{text}"),
            Some(_) => assert!(text.contains("4 pupils already on the drive stay in their own schools"), "{text}"),
        }
    }
    assert_eq!(schools_of(&db), before, "each pupil in their school");
    let with_new = list("new.csv", &format!("张新来,{},三年级2班\n", valid_number("45020220150109121")));
    let (code, text) = said(canbao(&db).arg("import").arg(&with_new));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("1 名新学生的名单没有写学校名称") && text.contains("1 new pupil whose"), "{text}");
    // Into a drive of one school, the new pupils go to it, said of them alone; the pupil held stays where it was.
    let one = dir.path().join("one.db");
    let list = dir.path().join("one.csv");
    std::fs::write(
        &list,
        format!("学校,姓名,身份证号码,班级\n第一小学,学生1,{},一年级1班\n", valid_number("45020220150101121")),
    )
    .unwrap();
    canbao(&one).arg("import").arg(&list).assert().success();
    let (code, text) = said(canbao(&one).arg("import").arg(&with_new));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("4 名新学生的名单没有写学校名称，已记入「第一小学」"), "{text}");
    assert!(text.contains("名单没有写学校名称：1 名已在册的学生仍在各自的学校"), "{text}");
    assert!(text.contains("1 pupil already on the drive stays in their own school"), "{text}");
}

/// On a drive of several schools, each class of `stats` is named with its school: two schools' 三年级1班 are two
/// classes, not one said twice.
#[test]
fn stats_name_each_class_with_its_school_on_a_drive_of_several() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = two_schools_and_a_list_of_their_pupils(dir.path());
    let (code, text) = said(canbao(&db).arg("stats"));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("学校\t班级\t人数"), "{text}");
    for school in ["柳州市示范小学", "柳州市第二中学"] {
        assert!(text.lines().any(|l| l.starts_with(&format!("{school}\t三年级1班\t2\t"))), "{text}");
    }
    // One school's counts are one school's classes.
    let (_, text) = said(canbao(&db).args(["stats", "--school", "柳州市第二中学"]));
    assert!(text.lines().any(|l| l.starts_with("三年级1班\t2\t")) && !text.contains("学校\t班级"), "{text}");
}

/// A school renamed (`school rename`) is still the school the teachers' usual list names by its old name: the
/// pupils stay where they are, and the report says the list uses the old name.
#[test]
fn a_list_naming_a_renamed_school_by_its_old_name_leaves_its_pupils_where_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = two_schools_and_a_list_of_their_pupils(dir.path());
    canbao(&db).args(["school", "rename", "柳州市示范小学", "柳州市实验小学"]).assert().success();
    let before = schools_of(&db);
    let usual = dir.path().join("柳州市示范小学.csv");
    let (code, text) = said(canbao(&db).arg("import").arg(&usual));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("名单中的学校“柳州市示范小学”已改名为“柳州市实验小学”，按改名后的学校导入"), "{text}");
    assert!(!text.contains("转到了别的学校") && !text.contains("新学校"), "{text}");
    assert_eq!(schools_of(&db), before);
    let (_, text) = said(canbao(&db).args(["--lang", "en", "import"]).arg(&usual));
    assert!(text.contains("the list names the school 柳州市示范小学, since renamed 柳州市实验小学"), "{text}");
}

/// `--school` puts every row of a list in that school, moving pupils out of the other: the report says how many
/// from which school, and the way back is the backup the import took, named with --db; importing again under
/// the other school's name, which would move every pupil there, is not offered.
#[test]
fn pupils_moved_by_school_are_said_with_the_backup_that_brings_them_back() {
    let dir = tempfile::tempdir().unwrap();
    let (db, list) = two_schools_and_a_list_of_their_pupils(dir.path());
    let before = schools_of(&db);
    let held = list("held.csv", "");
    let (code, text) = said(canbao(&db).args(["import", "--dry-run", "--school", "柳州市示范小学"]).arg(&held));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("2 名从“柳州市第二中学”转到“柳州市示范小学”"), "{text}");
    assert!(
        text.contains("请不要用 --school 柳州市示范小学 导入") && !text.contains("--school 柳州市第二中学"),
        "{text}"
    );
    let (code, text) = said(canbao(&db).args(["import", "--school", "柳州市示范小学"]).arg(&held));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("导入把 2 名已在册的学生转到了别的学校"), "{text}");
    assert!(text.contains("2 名从“柳州市第二中学”转到“柳州市示范小学”"), "{text}");
    assert!(!text.contains("为学校名重新导入") && !text.contains("--school 柳州市第二中学"), "{text}");
    let named = format!("canbao --db {} restore ", db.display());
    let restore = text.split(&named).nth(1).expect("the backup to restore is named");
    let backup = restore.split([' ', ')', '（', '；', '\n']).next().unwrap();
    assert!(Path::new(backup).is_file(), "{backup}: {text}");
    assert!(schools_of(&db).iter().all(|(_, school)| school == "柳州市示范小学"));
    // The way back works as said: each pupil in their school again.
    canbao(&db).arg("restore").arg(backup).assert().success();
    assert_eq!(schools_of(&db), before);
    // In English, the English alone.
    let (_, text) = said(canbao(&db).args(["--lang", "en", "import", "--school", "柳州市示范小学"]).arg(&held));
    assert!(text.contains("2 pupils already on the drive moved to another school"), "{text}");
    assert!(text.contains("2 from 柳州市第二中学 to 柳州市示范小学") && !text.contains("转到"), "{text}");
    // A list naming one school of pupils from both moves only some: importing it again under the other school's
    // name would move them all, so the way back is the backup here too.
    canbao(&db).arg("restore").arg(backup).assert().success();
    let text =
        std::fs::read_to_string(&held).unwrap().replace("姓名,", "学校,姓名,").replace('\n', "\n柳州市示范小学,");
    let named_list = dir.path().join("named.csv");
    std::fs::write(&named_list, text.trim_end_matches("柳州市示范小学,")).unwrap();
    let (code, text) = said(canbao(&db).arg("import").arg(&named_list));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("2 名从“柳州市第二中学”转到“柳州市示范小学”") && text.contains(&named), "{text}");
    assert!(!text.contains("--school 柳州市第二中学"), "{text}");
}

/// A new drive's first import of two lists, one whose title names its school and one naming none: the rows of
/// the second are that school's, as the TUI's preview offers, not a second school 「本校」; said so, and a dry run
/// says the same. Lists naming no school at all still go under 「本校」.
#[test]
fn a_first_import_puts_rows_naming_no_school_under_the_one_school_the_other_lists_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gb.db");
    let files = [fixture("gbk_title.csv"), fixture("utf8_bom.csv")];
    let (code, text) = said(canbao(&db).args(["import", "--dry-run"]).args(&files));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("名新学生的名单没有写学校名称，将记入「柳州市某某小学」"), "{text}");
    let (code, text) = said(canbao(&db).arg("import").args(&files));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("名新学生的名单没有写学校名称，已记入「柳州市某某小学」"), "{text}");
    let schools = |db: &Path| {
        let stats = json(canbao(db).args(["stats", "--json"]));
        let mut held: Vec<String> =
            stats["classes"].as_array().unwrap().iter().map(|c| c["school"].as_str().unwrap().to_owned()).collect();
        held.sort();
        held.dedup();
        held
    };
    assert_eq!(schools(&db), ["柳州市某某小学"]);
    // Neither list naming a school: 「本校」, as before.
    let other = dir.path().join("other.db");
    canbao(&other).arg("import").arg(fixture("utf8_bom.csv")).arg(fixture("utf8_nobom.csv")).assert().success();
    assert_eq!(schools(&other), ["本校"]);
}

/// `canbao --db DB` on a laptop whose home (and so config folder) is `home`, no operator named.
fn on_laptop(db: &Path, home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("canbao").expect("binary");
    cmd.arg("--db")
        .arg(db)
        .env_remove("CANBAO_DB")
        .env_remove("CANBAO_OPERATOR")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"));
    cmd
}

/// The operators of the drive's note changes, oldest first.
fn note_operators(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn.prepare("SELECT operator FROM audit WHERE field = 'note' ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// A drive copied to a second laptop (a working group splitting a school, to merge later): a command there
/// without --operator records no operator, as on a drive that remembers none, where it recorded the name typed
/// on the first laptop for everything done on the second. The name given there is that laptop's from then on,
/// and the first laptop goes on with its own.
#[test]
fn a_command_on_a_copied_drive_records_no_other_laptops_operator() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    let drive = dir.path().join("drive.db");
    let import = on_laptop(&drive, &a).args(["--operator", "王老师", "import"]).arg(fixture("utf8_bom.csv")).output();
    assert!(import.unwrap().status.success());
    let copy = dir.path().join("copy.db");
    std::fs::copy(&drive, &copy).unwrap();
    let mark = ["mark", "--name", "仇家杰", "--class", "小班2班", "--note"];
    let mut said = Vec::new();
    for (db, home, note) in [(&drive, &a, "甲"), (&copy, &b, "乙")] {
        let out = on_laptop(db, home).args(mark).arg(note).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        said.push(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    // The second laptop is told why its change has no name, and how to give one; the first is told nothing.
    assert!(!said[0].contains("另一台电脑"), "{}", said[0]);
    assert!(
        said[1].contains("记住的操作员“王老师”是在另一台电脑上输入的") && said[1].contains("--operator"),
        "{}",
        said[1]
    );
    assert_eq!(note_operators(&drive), ["王老师"]);
    assert_eq!(note_operators(&copy), [""]);
    // A reveal is recorded as a change is, and its missing name said the same way.
    let find = on_laptop(&copy, &b).args(["find", "仇家杰", "--reveal"]).output().unwrap();
    assert!(find.status.success(), "{}", String::from_utf8_lossy(&find.stderr));
    assert!(String::from_utf8_lossy(&find.stderr).contains("是在另一台电脑上输入的"), "{find:?}");
    let out = on_laptop(&copy, &b).args(["--operator", "李老师"]).args(mark).arg("丙").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("另一台电脑"), "a name given: nothing to say");
    for (db, home, note) in [(&copy, &b, "丁"), (&drive, &a, "戊")] {
        let out = on_laptop(db, home).args(mark).arg(note).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(note_operators(&copy), ["", "李老师", "李老师"]);
    assert_eq!(note_operators(&drive), ["王老师", "王老师"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let id = a.join(".config/canbao/installation");
        assert_eq!(std::fs::metadata(&id).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

/// A drive of two schools, each with a 张伟 in 一年级1班; 东风小学 has no 二年级1班.
fn two_schools(dir: &Path) -> PathBuf {
    let db = dir.join("drive.db");
    let list = dir.join("two.csv");
    let rows = [
        ("东风小学", "张伟", valid_id("45020220190101001"), "一年级", "1班"),
        ("东风小学", "李娜", valid_id("45020220190101002"), "一年级", "1班"),
        ("东风小学", "王芳", valid_id("45020220140101003"), "六年级", "1班"),
        ("红旗小学", "张伟", valid_id("45020220190202006"), "一年级", "1班"),
        ("红旗小学", "孙强", valid_id("45020220180202007"), "二年级", "1班"),
    ];
    let mut text = String::from("学校,姓名,身份证号码,年级,班级\n");
    for (school, name, id, grade, class) in rows {
        text.push_str(&format!("{school},{name},{id},{grade},{class}\n"));
    }
    std::fs::write(&list, text).unwrap();
    canbao(&db).arg("import").arg(&list).assert().success();
    db
}

/// `find` on a drive of several schools names each pupil's school: two 张伟 of 一年级1班 are told apart with
/// their numbers masked.
#[test]
fn find_names_the_school_on_a_drive_of_several() {
    let dir = tempfile::tempdir().unwrap();
    let db = two_schools(dir.path());
    let out = canbao(&db).args(["find", "张伟"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    for school in ["东风小学", "红旗小学"] {
        assert!(lines.iter().any(|l| l.split('\t').any(|cell| cell == school)), "{school}: {text}");
    }
    assert!(lines.iter().all(|l| l.contains("**********") && l.contains("一年级1班")), "{text}");
    // One school: no column of it.
    let one = dir.path().join("one.db");
    canbao(&one).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let out = canbao(&one).args(["find", "年级", "--limit", "3"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let found = json(canbao(&one).args(["find", "年级", "--limit", "1", "--json"]));
    let school = found[0]["school"].as_str().unwrap().to_owned();
    assert!(!text.lines().next().unwrap().split('\t').any(|c| c == school), "{text}");
    // A school's name typed as a query finds no pupil, and says that schools are chosen with --school.
    let out = canbao(&db).args(["find", "红旗"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("没有找到“红旗”"), "{text}");
    assert!(
        text.contains("“红旗”是学校名称（红旗小学）的一部分") && text.contains("stats --school 红旗小学"),
        "{text}"
    );
    let out = canbao(&db).args(["find", "没有这人"]).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("学校名称"), "no school named so: nothing more said");
}

/// `--class` naming a class one of the schools a form covers does not have is refused, naming the class, the
/// school and its classes, with nothing written, rather than an empty sheet for that school.
#[test]
fn a_class_a_school_does_not_have_is_refused_naming_the_school() {
    let dir = tempfile::tempdir().unwrap();
    let db = two_schools(dir.path());
    let out = dir.path().join("out");
    let refused = canbao(&db).args(["export", "sheet", "--class", "二年级1班", "--out"]).arg(&out).output().unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("东风小学没有班级“二年级1班”"), "{said}");
    assert!(said.contains("一年级1班、六年级1班") && said.contains("--school 红旗小学"), "{said}");
    assert!(std::fs::read_dir(&out).map_or(true, |mut d| d.next().is_none()), "nothing written");
    for form in ["sheet", "classes", "template"] {
        let refused = canbao(&db)
            .args(["export", form, "--school", "东风小学", "--class", "二年级1班", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(refused.status.code(), Some(1), "{form}");
        let said = String::from_utf8_lossy(&refused.stderr);
        assert!(
            said.contains("东风小学没有班级“二年级1班”") && said.contains("一年级1班、六年级1班"),
            "{form}: {said}"
        );
    }
    assert!(std::fs::read_dir(&out).map_or(true, |mut d| d.next().is_none()), "nothing written");
    let en = canbao(&db).args(["--lang", "en", "export", "sheet", "--class", "二年级1班"]).output().unwrap();
    let said = String::from_utf8_lossy(&en.stderr);
    assert!(said.contains("东风小学 has no class 二年级1班") && said.contains("add --school 红旗小学"), "{said}");
    // A class both schools have: a sheet each.
    canbao(&db).args(["export", "sheet", "--class", "一年级1班", "--out"]).arg(&out).assert().success();
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1, "one workbook");
}

/// Counts worded in English agree with their nouns: one pupil is "1 pupil", never "1 pupils".
#[test]
fn english_counts_of_one_are_singular() {
    let (dir, db) = common::new_drive();
    let list = dir.path().join("one.csv");
    std::fs::write(&list, format!("姓名,身份证号码,班级\n张伟,{},一年级1班\n", valid_id("45020220190101001"))).unwrap();
    canbao(&db).arg("import").arg(&list).assert().success();
    let out = canbao(&db).args(["--lang", "en", "check"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("checked 1 pupil, 0 findings"), "{said}");
    let next = json(canbao(&db).args(["year", "list", "--json"]))[0]["year"].as_i64().unwrap() + 1;
    let out = canbao(&db)
        .args(["--lang", "en", "year", "new", &next.to_string(), "--dry-run"])
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("1 pupil's statuses kept"), "{said}");
    for line in [&said[..], &String::from_utf8_lossy(&out.stderr)] {
        assert!(!line.contains("1 pupils"), "{line}");
    }
}

/// `import` counts a row without an ID number left out for two pupils of its name and class in its counts line, so
/// the counts add up to the rows read, and says it at its row.
#[test]
fn import_counts_a_row_left_out_for_several_pupils_of_its_name() {
    let (dir, db) = common::new_drive();
    let (a, b) = (valid_id("45020320190930880"), valid_id("45020320190930881"));
    let list = dir.path().join("一班.csv");
    std::fs::write(&list, format!("姓名,身份证号码,班级\n孙语,{a},一年级1班\n孙语,{b},一年级1班\n孙语,,一年级1班\n"))
        .unwrap();
    let out = canbao(&db).arg("import").arg(&list).assert().success();
    let said = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for words in ["读取 3 行：新增 2，", "跳过 0，未导入 1", "skipped 0, not imported 1", "一班.csv 第 4 行"]
    {
        assert!(said.contains(words), "{words}: {said}");
    }
}

/// `import` prints how many rows gave a pupil's ID number under a wholly different name, each at its row, and
/// leaves the paid pupil as they were; `--rename-by-id` takes the list's name once the operator checked it.
#[test]
fn import_leaves_out_a_pupils_number_under_another_name_unless_told() {
    let (dir, db) = common::new_drive();
    let hou = valid_id("45020520160305123");
    let base = dir.path().join("一班.csv");
    std::fs::write(&base, format!("姓名,身份证号码,班级\n侯佑,{hou},一年级1班\n")).unwrap();
    canbao(&db).arg("import").arg(&base).assert().success();
    canbao(&db).args(["mark", &hou, "--payment", "paid", "--amount", "400"]).assert().success();
    let list = dir.path().join("二班.csv");
    std::fs::write(&list, format!("姓名,身份证号码,班级\n张三丰,{hou},一年级2班\n")).unwrap();
    let out = canbao(&db).arg("import").arg(&list).assert().success();
    let said = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for words in ["姓名完全不同、未导入 1 行", "1 row not imported", "--rename-by-id", "不像同一人"] {
        assert!(said.contains(words), "{words}: {said}");
    }
    let found = json(canbao(&db).args(["find", &hou, "--json"]));
    assert_eq!((found[0]["name"].as_str(), found[0]["class"].as_str()), (Some("侯佑"), Some("一年级1班")));
    assert_eq!(found[0]["payment"], "paid");
    let report = json(canbao(&db).args(["import", "--json", "--rename-by-id"]).arg(&list));
    assert_eq!((report["other_names"].as_u64(), report["updated"].as_u64()), (Some(0), Some(1)), "{report}");
    let found = json(canbao(&db).args(["find", &hou, "--json"]));
    assert_eq!((found[0]["name"].as_str(), found[0]["payment"].as_str()), (Some("张三丰"), Some("paid")));
}

/// `mark --amount` other than the amount due (3700 for 380; 3800, ten times it, is a slip refused whatever is
/// given) is refused, nothing saved, with the amount beside the amount due, the command that records the amount due
/// and `--yes` to save it anyway, as the payment form asks before saving it; with `--yes` it is saved, and the
/// amount due itself is saved without a word.
#[test]
fn a_marked_amount_other_than_the_amount_due_is_saved_only_with_yes() {
    let (_dir, db) = tax_drive();
    let (zhou, wu) = ("450202201711194162", "450202201804012233");
    let (code, text) = said(canbao(&db).args(["mark", zhou, "--payment", "paid", "--amount", "3700"]));
    assert_eq!(code, Some(1), "{text}");
    for words in ["金额 3700 元与应缴金额 380 元不符（多 3320 元），未保存", "--amount 380", "--yes"]
    {
        assert!(text.contains(words), "{words}: {text}");
    }
    assert_eq!(paid_amount(&db, zhou), ("unpaid".to_owned(), None));
    let (code, text) = said(canbao(&db).args(["--lang", "en", "mark", wu, "--payment", "paid", "--amount", "300"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("300 yuan is not the amount due (380 yuan): 80 yuan less; nothing saved"), "{text}");
    assert!(text.contains("--yes") && !text.contains("未保存"), "{text}");
    assert_eq!(paid_amount(&db, wu), ("unpaid".to_owned(), None));
    let (code, text) = said(canbao(&db).args(["mark", zhou, "--payment", "paid", "--amount", "3700", "--yes"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("不符"), "{text}");
    assert_eq!(paid_amount(&db, zhou), ("paid".to_owned(), Some(370_000)));
    let (code, text) = said(canbao(&db).args(["mark", wu, "--payment", "paid", "--amount", "380"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("不符") && !text.contains("--yes"), "{text}");
}

/// A teacher's class list from last school year, imported once the drive has started the next year with
/// `--promote`, would move every pupil it lists back down a grade: refused whole, saying it looks like last year's
/// list and how to import it anyway (`--move-down-a-grade`), which then moves them. A list of this year's moving
/// one pupil down a grade (a pupil kept back) is imported as before.
#[test]
fn last_school_years_class_list_is_refused_after_the_promotion() {
    let (dir, db) = common::new_drive();
    let names = ["严雨", "韦诗", "罗明", "赵六", "黄嘉", "陈博"];
    let ids: Vec<String> = (0..names.len()).map(|i| valid_id(&format!("4502052016030512{i}"))).collect();
    let list = |classes: &[&str]| {
        let mut text = String::from("姓名,身份证号码,班级\n");
        for ((name, id), class) in names.iter().zip(&ids).zip(classes) {
            text.push_str(&format!("{name},{id},{class}\n"));
        }
        text
    };
    let last = dir.path().join("二年级1班名单.csv");
    std::fs::write(&last, list(&["二年级1班"; 6])).unwrap();
    canbao(&db).arg("import").arg(&last).assert().success();
    let years = json(canbao(&db).args(["year", "list", "--json"]));
    let year = years.as_array().unwrap().iter().find(|y| y["current"] == true).unwrap()["year"].as_i64().unwrap();
    canbao(&db).args(["year", "new", &(year + 1).to_string(), "--promote", "--force"]).assert().success();
    let class_of = |id: &str| json(canbao(&db).args(["find", id, "--json"]))[0]["class"].as_str().unwrap().to_owned();
    assert_eq!(class_of(&ids[0]), "三年级1班");

    let import = |cmd: &mut Command| {
        cmd.arg("import").arg(&last);
    };
    dry_run_and_real(&db, import, |Run { code, err, .. }| {
        assert_eq!(code, Some(1), "{err}");
        for words in [
            "二年级1班名单.csv",
            "像是上一学年的班级名单",
            "未导入任何内容",
            "严雨 由“三年级1班”调到“二年级1班”",
            "looks like last school year's class list",
            "--move-down-a-grade",
        ] {
            assert!(err.contains(words), "{words}: {err}");
        }
        assert_eq!(class_of(&ids[0]), "三年级1班", "nothing imported");
    });

    // This year's list, one pupil kept back a grade: imported, the move said.
    let this_year = dir.path().join("三年级1班名单.csv");
    std::fs::write(&this_year, list(&["二年级1班", "三年级1班", "三年级1班", "三年级1班", "三年级1班", "三年级1班"]))
        .unwrap();
    let report = json(canbao(&db).args(["import", "--json"]).arg(&this_year));
    assert_eq!(report["moved_class"], 1, "{report}");
    assert_eq!(class_of(&ids[0]), "二年级1班");

    canbao(&db).args(["import", "--move-down-a-grade"]).arg(&last).assert().success();
    assert_eq!(class_of(&ids[1]), "二年级1班", "moved down as asked");
}

/// The commands `mark`'s hints suggest name the pupil as the operator did: chosen by name and class, by name and
/// class (quoted for the shell), never by the whole ID number, which the operator neither typed nor was shown;
/// chosen by number, by the number as typed.
#[test]
fn marks_hints_name_the_pupil_as_the_operator_did() {
    let (dir, db) = imported("gbk_title.csv");
    use_this_years_policy(dir.path(), &db);
    let number = "450203201709263719";
    let by_name = ["mark", "--name", "徐楠", "--class", "三年级 1班"];
    // 300 of 380: refused, and the amount due is suggested by name and class.
    let (code, text) = said(canbao(&db).args(by_name).args(["--payment", "paid", "--amount", "300"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("mark --name 徐楠 --class '三年级 1班' --payment paid --amount 380"), "{text}");
    assert!(!text.contains(number), "{text}");
    canbao(&db).args(by_name).args(["--payment", "paid", "--amount", "300", "--yes"]).assert().success();
    // 不参保 over the payment: refused, with how to clear it, by name and class.
    let (code, text) = said(canbao(&db).args(by_name).args(["--enrollment", "declined", "--reason", "家长不同意"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("mark --name 徐楠 --class '三年级 1班' --payment unpaid"), "{text}");
    assert!(!text.contains(number), "{text}");
    // Chosen by the number as typed: suggested as typed.
    let declined = ["--enrollment", "declined", "--reason", "家长不同意"];
    let (code, text) = said(canbao(&db).args(["mark", "450203 20170926 3719"]).args(declined));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("mark '450203 20170926 3719' --payment unpaid"), "{text}");
}

/// An amount, date or channel given alone corrects a family's payment recorded already, keeping the rest (the
/// recorded date with an amount). Refused only where no family's payment is recorded, saying what the pupil is
/// (未缴费, 财政代缴), in both languages, and never 财政代缴 of an unpaid pupil.
#[test]
fn an_amount_or_channel_alone_corrects_a_family_payment() {
    let (dir, db) = imported("gbk_title.csv");
    use_this_years_policy(dir.path(), &db);
    let (paid, unpaid, government) = ("450203201709263719", "450203201709200814", "450203201801160157");
    let day = days_ago(3);
    canbao(&db).args(["mark", paid, "--payment", "paid", "--amount", "380", "--paid-on", &day]).assert().success();
    canbao(&db).args(["mark", government, "--payment", "government"]).assert().success();
    let (code, text) = said(canbao(&db).args(["mark", paid, "--amount", "300", "--yes"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("财政代缴"), "{text}");
    let (code, text) = said(canbao(&db).args(["mark", paid, "--channel", "支付宝"]));
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(paid_amount(&db, paid), ("paid".to_owned(), Some(30_000)));
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let details = store.student_by_id_number(paid).unwrap().unwrap().payment_details;
    assert_eq!((details.paid_on.map(|d| d.to_string()), details.channel.as_deref()), (Some(day), Some("支付宝")));
    drop(store);
    for (lang, said_unpaid, said_government) in
        [("zh", "未缴费", "为财政代缴"), ("en", "is unpaid", "is government-paid")]
    {
        let (code, text) = said(canbao(&db).args(["--lang", lang, "mark", unpaid, "--amount", "300"]));
        assert_eq!(code, Some(1), "{text}");
        assert!(text.contains(said_unpaid) && text.contains("--payment paid") && !text.contains("财政代缴"), "{text}");
        let (code, text) = said(canbao(&db).args(["--lang", lang, "mark", government, "--channel", "微信"]));
        assert_eq!(code, Some(1), "{text}");
        assert!(text.contains(said_government) && text.contains("--payment paid"), "{text}");
    }
    assert_eq!(paid_amount(&db, unpaid), ("unpaid".to_owned(), None));
    assert_eq!(paid_amount(&db, government), ("government".to_owned(), None));
}

/// A drive reached through a symlink keeps one set of backups, beside the file itself and under its name, by
/// whichever path it is opened (as its lock does): `backup`, a merge's backup and `paths` follow the link.
#[cfg(unix)]
#[test]
fn a_drive_reached_through_a_symlink_keeps_its_backups_beside_the_file_itself() {
    let dir = tempfile::tempdir().unwrap();
    let here = std::fs::canonicalize(dir.path()).unwrap();
    let real = here.join("real").join("dir");
    std::fs::create_dir_all(&real).unwrap();
    let drive = real.join("s.db");
    canbao(&drive).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let other = here.join("lap").join("other.db");
    canbao(&drive).arg("backup").arg(&other).assert().success();
    canbao(&other).arg("import").arg(fixture("gbk_title.csv")).assert().success();
    let link = here.join("drive-link.db");
    std::os::unix::fs::symlink(&drive, &link).unwrap();
    let before = backup_names(&real);

    canbao(&link).arg("backup").assert().success();
    canbao(&link).arg("merge").arg(&other).assert().success();
    assert!(!here.join("backups").exists(), "nothing beside the link: {:?}", backup_names(&here));
    let taken: Vec<String> = backup_names(&real).into_iter().filter(|n| !before.contains(n)).collect();
    assert_eq!(taken.len(), 2, "{taken:?}");
    assert!(taken.iter().all(|n| n.starts_with("s-2")), "under the file's own name: {taken:?}");
    assert!(taken.iter().any(|n| n.ends_with("-manual.db")) && taken.iter().any(|n| n.ends_with("-merge.db")));
    let paths = json(canbao(&link).args(["paths", "--json"]));
    assert_eq!(paths["backup_dir"].as_str(), Some(real.join("backups").to_str().unwrap()));
}

/// Merging a file with nothing new again and again (or importing the same list again) changes nothing and
/// takes no backup: the backups taken before the merge that did change something stay.
#[test]
fn a_merge_or_import_that_changes_nothing_takes_no_backup() {
    let (dir, db) = imported("utf8_bom.csv");
    let other = dir.path().join("other.db");
    canbao(&db).arg("backup").arg(&other).assert().success();
    canbao(&other).arg("import").arg(fixture("gbk_title.csv")).assert().success();
    assert_eq!(json(canbao(&db).args(["merge", "--json"]).arg(&other))["added"], 23);
    let before = backup_names(dir.path());
    assert_eq!(before.iter().filter(|n| n.ends_with("-merge.db")).count(), 1, "{before:?}");
    for _ in 0..3 {
        let again = json(canbao(&db).args(["merge", "--json"]).arg(&other));
        assert_eq!((again["added"].as_i64(), again["updated"].as_i64()), (Some(0), Some(0)));
        canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    }
    assert_eq!(backup_names(dir.path()), before, "nothing changed, nothing backed up");
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 33);
}

/// 备份时间 is when the backup was taken, read from its name wherever it was copied to, not the copy's file time,
/// in Beijing time on a laptop set to UTC.
#[test]
fn a_backup_copied_elsewhere_is_said_taken_when_its_name_says() {
    let (dir, db) = imported("utf8_bom.csv");
    let theirs = dir.path().join("S2.db");
    canbao(&theirs).args(["import", "--school", "第二小学"]).arg(fixture("gbk_title.csv")).assert().success();
    let copied = dir.path().join("stick").join("S2-20261201-093000.000Z-manual.db");
    canbao(&theirs).arg("backup").arg(&copied).assert().success();
    let out = canbao(&db).env("TZ", "UTC").arg("restore").arg(&copied).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    // With its offset, beside the name's UTC stamp (before, 17:30 alone beside 093000Z read as two times).
    assert!(said.contains("备份时间 2026-12-01 17:30 (UTC+8)；"), "{said}");
}

/// A row whose 年级 is filled and whose 班级 is empty is a row left without a class: said at its row, the pupil
/// kept in the grade; a pupil already in a class of that grade keeps the class.
#[test]
fn a_row_with_a_grade_and_no_class_is_said() {
    let (dir, db) = common::new_drive();
    let first = dir.path().join("first.csv");
    std::fs::write(&first, "姓名,身份证号码,年级,班级\n孙语,450203201909308803,三年级,2班\n").unwrap();
    json(canbao(&db).args(["import", "--json"]).arg(&first));
    let list = dir.path().join("grade_only.csv");
    std::fs::write(
        &list,
        "姓名,身份证号码,年级,班级\n孙语,450203201909308803,三年级,\n林彤瑶,450202201911276365,三年级,\n\
         黎语雪,450202202007078525,三年级,1班\n",
    )
    .unwrap();
    let report = json(canbao(&db).args(["import", "--json"]).arg(&list));
    let said: Vec<(u64, &str)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["message"].as_str().unwrap().contains("班级为空"))
        .map(|p| (p["row"].as_u64().unwrap(), p["message"].as_str().unwrap()))
        .collect();
    assert_eq!(said.len(), 1, "{report}");
    assert_eq!(said[0].0, 2, "{report}");
    assert!(said[0].1.contains("第 2、3 行"), "{report}");
    let class = |number: &str| {
        let found = json(canbao(&db).args(["find", number, "--json"]));
        found[0]["class"].as_str().unwrap().to_owned()
    };
    assert_eq!(class("450203201909308803"), "三年级2班");
    assert_eq!(class("450202201911276365"), "三年级");
    assert_eq!(class("450202202007078525"), "三年级1班");
}

/// A UTF-8 class list with rows glued on from a GBK export is read as UTF-8: its header is found, and the rows
/// that cannot be read are named by file and row.
#[test]
fn a_utf8_list_with_gbk_rows_glued_on_is_read_and_the_rows_named() {
    let (dir, db) = common::new_drive();
    let list = dir.path().join("mixed.csv");
    let mut bytes =
        "姓名,身份证号码,班级\r\n孙语,450203201909308803,六年级1班\r\n林彤瑶,450202201911276365,六年级1班\r\n"
            .as_bytes()
            .to_vec();
    // 黎语雪,450202202007078525,六年级1班 in GBK, twice over (a name and a class per row).
    let gbk: &[u8] = b"\xc0\xe8\xd3\xef\xd1\xa9,450202202007078525,\xc1\xf9\xc4\xea\xbc\xb61\xb0\xe0\r\n";
    bytes.extend_from_slice(gbk);
    bytes.extend_from_slice(b"\xba\xce\xd0\xf9\xc3\xf7,45020320190307775X,\xc1\xf9\xc4\xea\xbc\xb61\xb0\xe0\r\n");
    std::fs::write(&list, &bytes).unwrap();
    let report = json(canbao(&db).args(["import", "--json"]).arg(&list));
    assert_eq!(report["rows_read"], 4, "{report}");
    let rows: Vec<(u64, u64)> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["message"].as_str().unwrap().contains("无法识别的字节"))
        .inspect(|p| assert!(p["file"].as_str().unwrap().ends_with("mixed.csv"), "{p}"))
        .map(|p| (p["row"].as_u64().unwrap(), p["last_row"].as_u64().unwrap_or(0)))
        .collect();
    // Rows 4 and 5, said as one run.
    assert_eq!(rows, [(4, 5)], "{report}");
}

/// A list giving a pupil of the drive's name, birth date and class another valid number (the number corrected
/// in the list, or on another laptop) adds a pupil, and says by file and row that it may be the same one.
#[test]
fn a_new_number_beside_a_pupil_of_the_same_name_birth_date_and_class_is_said() {
    let (dir, db) = common::new_drive();
    let (held, corrected, twin_day) =
        (valid_id("45020220190930827"), valid_id("45020220190930829"), valid_id("45020220191001829"));
    let list = |name: &str, rows: &[(&str, &str)]| {
        let path = dir.path().join(name);
        let mut text = "学校,姓名,身份证号码,年级,班级\n".to_owned();
        for (pupil, id) in rows {
            text.push_str(&format!("柳州市示范小学,{pupil},{id},一年级,2班\n"));
        }
        std::fs::write(&path, text).unwrap();
        path
    };
    canbao(&db).arg("import").arg(list("first.csv", &[("宋伟鹏", &held), ("李明", &twin_day)])).assert().success();
    let second = list("corrected.csv", &[("宋伟鹏", &corrected), ("李明", &valid_id("45020220190930823"))]);
    let out = canbao(&db).arg("import").arg(&second).output().unwrap();
    assert!(out.status.success());
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = said.lines().filter(|l| l.contains("可能是同一学生的身份证号码已更正")).collect();
    assert_eq!(lines.len(), 1, "only 宋伟鹏, not 李明 of another birth date: {said}");
    assert!(lines[0].contains("corrected.csv") && lines[0].contains("perhaps it is the same pupil"), "{said}");

    // Among hundreds of new pupils, each said at its own row, past the first hundreds too.
    let mut rows: Vec<(String, String)> =
        (0..600).map(|i| (format!("新生{i}"), valid_id(&format!("450202201801{:05}", 10_000 + i)))).collect();
    rows[3] = ("宋伟鹏".into(), valid_id("45020220190930837"));
    rows[450] = ("宋伟鹏".into(), valid_id("45020220190930845"));
    let rows: Vec<(&str, &str)> = rows.iter().map(|(name, id)| (name.as_str(), id.as_str())).collect();
    let out = canbao(&db).arg("import").arg(list("many.csv", &rows)).output().unwrap();
    assert!(out.status.success());
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = said.lines().filter(|l| l.contains("可能是同一学生的身份证号码已更正")).collect();
    assert_eq!(lines.len(), 2, "{said}");
    assert!(lines[0].contains("第 5 行") && lines[1].contains("第 452 行"), "{said}");
}

/// A list giving a pupil of the drive's name and class another valid number born on another day (the number
/// corrected in its birth date's digits) adds a pupil and says so at its row, and `check` lists the two until one
/// is deleted; a list that gives the held number too names two children, and says nothing of them.
#[test]
fn a_new_number_of_another_birth_date_beside_a_pupil_of_the_same_name_and_class_is_said() {
    let (dir, db) = common::new_drive();
    let (held, corrected) = (valid_id("45020320191123075"), valid_id("45020320191125075"));
    let list = |name: &str, rows: &[(&str, &str)]| {
        let path = dir.path().join(name);
        let mut text = "学校,姓名,身份证号码,年级,班级\n".to_owned();
        for (pupil, id) in rows {
            text.push_str(&format!("柳州市示范小学,{pupil},{id},二年级,1班\n"));
        }
        std::fs::write(&path, text).unwrap();
        path
    };
    let (other, wang) = (valid_id("45020320190101076"), valid_id("45020320190303072"));
    let first = [("杨文远", held.as_str()), ("李明", &other), ("王芳", &wang)];
    canbao(&db).arg("import").arg(list("school.csv", &first)).assert().success();
    let second = [("李明", other.as_str()), ("杨文远", &corrected), ("王芳", &wang)];
    let out = canbao(&db).arg("import").arg(list("school2.csv", &second)).output().unwrap();
    assert!(out.status.success());
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = said.lines().filter(|l| l.contains("出生日期不同，请核对是否为同一学生")).collect();
    assert_eq!(lines.len(), 1, "{said}");
    assert!(lines[0].contains("school2.csv") && lines[0].contains("第 3 行"), "{said}");
    assert!(lines[0].contains(&held[..4]) && !lines[0].contains(&held), "the held number, masked: {said}");
    assert!(!said.contains("可能是同一学生的身份证号码已更正"), "not said as born the same day: {said}");

    let out = canbao(&db).args(["check", "--json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let groups = report["same_name_class_numbers"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{report}");
    assert_eq!(groups[0]["pupils"].as_array().unwrap().len(), 2, "{report}");
    assert!(groups[0]["key"].as_str().unwrap().starts_with("杨文远"), "{report}");
    assert_eq!(report["same_name_birth"].as_array().unwrap().len(), 0, "{report}");
    let out = canbao(&db).arg("check").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("同班同名、身份证号码不同且出生日期不同") && text.contains("发现 1 处问题"), "{text}");

    // Both numbers in one list, the new one's row first: two children of one name, nothing said of either.
    let second_wang = valid_id("45020320190305072");
    let both = [("王芳", second_wang.as_str()), ("王芳", &wang)];
    let out = canbao(&db).arg("import").arg(list("both.csv", &both)).output().unwrap();
    assert!(out.status.success());
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("新增 1"), "{said}");
    assert!(!said.contains("请核对是否为同一学生") && !said.contains("可能是同一学生"), "{said}");
}

/// Every option and argument of every command says what it is for in `canbao <cmd> --help`, where `canbao export
/// --help` listed --school and --class with nothing beside them.
#[test]
fn every_option_has_help_text() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if arg.is_hide_set() || id == "help" || id == "version" {
                continue;
            }
            let said = arg.get_help().or(arg.get_long_help()).is_some_and(|h| !h.to_string().trim().is_empty());
            if !said {
                missing.push(format!("{path} {id}"));
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut cmd = canbao::cli::Cli::command();
    cmd.build();
    let mut missing = Vec::new();
    walk(&cmd, "canbao", &mut missing);
    assert!(missing.is_empty(), "options without help text:\n{}", missing.join("\n"));
}

/// A number a spreadsheet rounded (4.50202201501011E+17, or 15 digits and zeros) is said by `check` as the import
/// and reconcile say it, as stored as a number with its last digits lost and the column to be made text, in both
/// languages: a pupil held so, and a tax list's payment under such a number, where before the payment was said to
/// fail the check (「未通过校验」) and the tax office was to be asked for the number.
#[test]
fn check_says_a_rounded_number_was_rounded_by_the_spreadsheet() {
    let (dir, db) = common::new_drive();
    let list = dir.path().join("list.csv");
    std::fs::write(&list, "姓名,身份证号码,班级\n张三,4.50202201501011E+17,一年级1班\n").unwrap();
    canbao(&db).arg("import").arg(&list).assert().success();
    let tax = dir.path().join("tax.csv");
    std::fs::write(&tax, format!("姓名,证件号码,缴费金额,缴费日期\n李四,4.50202201601011E+17,380,{}\n", days_ago(3)))
        .unwrap();
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    let (code, text) = said(canbao(&db).arg("check"));
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("未通过校验"), "{text}");
    for (name, line) in [("张三", "invalid ID"), ("李四", "tax office")] {
        let line = text.lines().find(|l| l.contains(name) && l.contains(line)).unwrap_or_default();
        assert!(line.contains("科学计数法") && line.contains("文本格式"), "{name}: {text}");
    }
    let (_, text) = said(canbao(&db).args(["--lang", "en", "check"]));
    assert!(!text.contains("fails the check"), "{text}");
    assert_eq!(text.matches("scientific notation").count(), 2, "{text}");
    assert_eq!(text.matches("column of the source sheet to text").count(), 2, "{text}");
    let report = json(canbao(&db).args(["check", "--json"]));
    assert_eq!(report["tax_paid_unrecorded"][0]["reason"], "rounded_number", "{report}");
}

/// A cell that would start a formula (`@SUM(1)`, `+SUM(1)`, `=1+1`, a tab before one) is kept as typed, where before the
/// drive held it behind an apostrophe (`'@SUM(1)`): only a CSV export puts the apostrophe before it, for every one of
/// `= + - @`, a tab and a carriage return, and the CSV or XLSX export imported again changes nothing.
#[test]
fn a_formula_like_cell_is_kept_as_typed_and_guarded_only_in_a_csv_export() {
    use calamine::Reader;
    let (dir, db) = common::new_drive();
    let list = dir.path().join("list.csv");
    let names = ["@SUM(1)", "+SUM(1)", "-SUM(1)", "=1+1", "\t=2+2"];
    let mut text = String::from("姓名,身份证号码,班级\n");
    for (i, name) in names.iter().enumerate() {
        text.push_str(&format!("{name},{},一年级1班\n", valid_id(&format!("4502022015010116{i}"))));
    }
    std::fs::write(&list, text).unwrap();
    canbao(&db).arg("import").arg(&list).assert().success();
    let kept = || {
        let store = canbao::store::Store::open_read_only(&db).unwrap();
        let mut names: Vec<String> =
            store.students(&canbao::store::StudentFilter::default()).unwrap().into_iter().map(|s| s.name).collect();
        names.sort();
        names
    };
    let mut typed = ["+SUM(1)", "-SUM(1)", "=1+1", "=2+2", "@SUM(1)"];
    typed.sort();
    assert_eq!(kept(), typed);

    let csv = dir.path().join("out.csv");
    canbao(&db).args(["export", "sheet", "--format", "csv", "--out"]).arg(&csv).assert().success();
    let written = std::fs::read_to_string(&csv).unwrap();
    for name in typed {
        assert!(written.contains(&format!(",'{name},")), "{name} guarded in the CSV: {written}");
    }
    let xlsx = dir.path().join("out.xlsx");
    canbao(&db).args(["export", "sheet", "--out"]).arg(&xlsx).assert().success();
    let mut book = calamine::open_workbook_auto(&xlsx).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let cells: Vec<String> =
        book.worksheet_range(&sheet).unwrap().rows().flat_map(|r| r.iter().map(ToString::to_string)).collect();
    for name in typed {
        assert!(cells.iter().any(|c| c == name), "{name} as typed: {cells:?}");
    }
    for again in [&csv, &xlsx] {
        let report = json(canbao(&db).args(["import", "--json"]).arg(again));
        assert_eq!((report["updated"].clone(), report["added"].clone()), (0.into(), 0.into()), "{report}");
    }
    assert_eq!(kept(), typed);
}

#[test]
fn problems_of_an_import_or_a_reconciliation_never_show_a_whole_id_number() {
    let (dir, db) = common::new_drive();
    // The mother's number typed into the phone column.
    let mother = "45020219850305124X";
    let list = dir.path().join("list.csv");
    std::fs::write(&list, format!("姓名,身份证号,班级,联系电话\n周静露,450202201711194162,三年级2班,{mother}\n"))
        .unwrap();
    let text = canbao(&db).arg("import").arg(&list).assert().success();
    let text = String::from_utf8_lossy(&text.get_output().stdout).into_owned();
    assert!(text.contains("4502**********124X") && !text.contains(mother), "{text}");
    let dry = canbao(&db).args(["import", "--dry-run", "--json"]).arg(&list).assert().success();
    let dry = String::from_utf8_lossy(&dry.get_output().stdout).into_owned();
    assert!(dry.contains("4502**********124X") && !dry.contains(mother), "{dry}");

    // A tax list pasted a column off: the pupil's number under 缴费日期 is said at the row, masked, with --json
    // and with --reveal alike (the reveal shows the numbers of the report's fields, not of a cell quoted).
    let zhou = "450202201711194162";
    let tax = write_csv(dir.path(), "tax.csv", "姓名,证件号码,缴费金额,缴费日期", &[["周静露", zhou, "380", zhou]]);
    for args in [&["--dry-run"][..], &["--dry-run", "--json"], &["--dry-run", "--json", "--reveal"]] {
        let out = canbao(&db).args(["reconcile", "--source", "tax"]).args(args).arg(&tax).assert().success();
        let out = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        let said = out.lines().find(|l| l.contains("缴费日期“")).unwrap_or_else(|| panic!("{args:?}: {out}"));
        assert!(said.contains("4502**********4162") && !said.contains(zhou), "{args:?}: {said}");
    }
}

/// JSON masks the fields that hold ID numbers, by what they are, and nothing else: a pupil of the same name
/// held with a flagged number keeps her name and class in `unknown_rows[].flagged`, her number masked unless
/// revealed.
#[test]
fn json_masks_the_id_fields_and_only_them() {
    let real = valid_number("45020520180707906");
    let typo = format!("{}{}", &real[..17], if real.ends_with('2') { '3' } else { '2' });
    let (dir, db) = drive_of(&[["孙芳琳", &typo, "三年级", "2班"]]);
    let agency = dir.path().join("agency.csv");
    std::fs::write(&agency, format!("序号,姓名,证件号码\n1,孙芳琳,{real}\n")).unwrap();
    let report = json(canbao(&db).args(["reconcile", "--source", "agency", "--dry-run", "--json"]).arg(&agency));
    let unknown = &report["unknown_rows"][0];
    let mask = canbao::domain::id_number::mask;
    assert_eq!(unknown["id_number"], mask(&real).as_str(), "{report}");
    assert_eq!(unknown["flagged"][0]["id_number"], mask(&typo).as_str(), "{report}");
    assert_eq!((unknown["flagged"][0]["name"].as_str(), unknown["name"].as_str()), (Some("孙芳琳"), Some("孙芳琳")));
    assert_eq!(unknown["flagged"][0]["class"], "三年级2班", "{report}");
    let check = json(canbao(&db).args(["check", "--json"]));
    assert_eq!(check["invalid_ids"][0]["id_number"], mask(&typo).as_str(), "{check}");

    // Two laptops gave 周静露 different phones, one a landline with its area code (12 digits): a phone, shown as
    // it is; her number is masked.
    let a = dir.path().join("a.db");
    canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let b = dir.path().join("b.db");
    canbao(&a).arg("backup").arg(&b).assert().success();
    let zhou = "450202201711194162";
    let landline = "077212345678";
    for (drive, phone) in [(&a, landline), (&b, "13800138000")] {
        let list = dir.path().join("phone.csv");
        std::fs::write(&list, format!("姓名,身份证号,所在年级、班级,联系电话\n周静露,{zhou},三年级2班,{phone}\n"))
            .unwrap();
        canbao(drive).arg("import").arg(&list).assert().success();
    }
    let merged = json(canbao(&a).args(["merge", "--dry-run", "--json"]).arg(&b));
    let conflict = &merged["conflicts"][0];
    assert_eq!(conflict["field"], "phone", "{merged}");
    assert_eq!(conflict["id_number"], mask(zhou).as_str(), "{merged}");
    assert!(conflict["kept"] == landline || conflict["lost"] == landline, "{merged}");
    let found = json(canbao(&db).args(["find", "孙芳琳", "--json"]));
    assert_eq!(found[0]["id_number"], mask(&typo).as_str(), "{found}");
    let revealed = json(canbao(&db).args(["find", "孙芳琳", "--json", "--reveal"]));
    assert_eq!(revealed[0]["id_number"], typo.as_str(), "{revealed}");
}

#[test]
fn exports_lists_every_export_of_whole_id_numbers() {
    let (dir, db) = imported("utf8_bom.csv");
    let empty = canbao(&db).arg("exports").assert().success();
    assert!(String::from_utf8_lossy(&empty.get_output().stdout).contains("没有导出"));
    assert_eq!(json(canbao(&db).args(["exports", "--json"])), serde_json::json!([]));
    let sheet = dir.path().join("名单.xlsx");
    canbao(&db).args(["export", "sheet", "--out"]).arg(&sheet).assert().success();
    // A masked copy shows no whole number: not recorded, not listed.
    canbao(&db).args(["export", "sheet", "--mask", "--out"]).arg(dir.path().join("打码.xlsx")).assert().success();
    let listed = json(canbao(&db).args(["exports", "--json"]));
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["operator"], "测试");
    assert_eq!(listed[0]["form"], "sheet");
    assert_eq!(listed[0]["pupils"], 10);
    assert!(listed[0]["files"][0].as_str().unwrap().ends_with("名单.xlsx"), "{listed:?}");
    assert!(listed[0]["at"].as_str().is_some_and(|at| !at.is_empty()) && listed[0].get("year").is_some());
    let text = canbao(&db).arg("exports").assert().success();
    let text = String::from_utf8_lossy(&text.get_output().stdout).into_owned();
    assert!(text.contains("测试") && text.contains("在校学生信息表") && text.contains("名单.xlsx"), "{text}");
    let en = canbao(&db).args(["--lang", "en", "exports"]).assert().success();
    assert!(String::from_utf8_lossy(&en.get_output().stdout).contains("student information sheet"));
}

/// A reveal or an export of whole numbers from the command line is recorded under the drive's lock: while a
/// window holds the drive, nothing is shown whole, written or recorded, and the operator is told where to do it.
#[test]
fn a_reveal_or_an_export_of_whole_numbers_waits_for_the_drive() {
    let (dir, db) = imported("utf8_bom.csv");
    let zhou = "450202201711194162";
    let held = canbao::store::lock::DriveLock::acquire(&db, "张老师").unwrap();
    for args in [vec!["find", zhou, "--reveal"], vec!["check", "--reveal", "--json"]] {
        let out = canbao(&db).args(&args).output().unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stdout} {stderr}");
        assert!(
            stderr.contains("正被 张老师 使用") && stderr.contains("按 r") && stderr.contains("press r"),
            "{stderr}"
        );
        assert!(!stdout.contains(zhou), "{args:?}: {stdout}");
    }
    let sheet = dir.path().join("名单.xlsx");
    let out = canbao(&db).args(["export", "sheet", "--out"]).arg(&sheet).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("正被 张老师 使用") && stderr.contains("--mask"), "{stderr}");
    assert!(!sheet.exists());
    let out = canbao(&db).args(["export", "ledgers", "--out"]).arg(dir.path().join("台账")).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.code() == Some(1) && !stderr.contains("--mask"), "{stderr}");
    // What shows no whole number needs no record and goes ahead.
    canbao(&db).args(["find", zhou]).assert().success();
    canbao(&db).args(["export", "sheet", "--mask", "--out"]).arg(dir.path().join("打码.xlsx")).assert().success();
    drop(held);
    assert_eq!(json(canbao(&db).args(["exports", "--json"])), serde_json::json!([]));
    let recorded = || -> i64 {
        let conn = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        conn.query_row("SELECT COUNT(*) FROM audit WHERE action IN ('reveal', 'export')", [], |r| r.get(0)).unwrap()
    };
    assert_eq!(recorded(), 0, "nothing was recorded while the drive was held");
    canbao(&db).args(["find", zhou, "--reveal"]).assert().success();
    canbao(&db).args(["export", "sheet", "--out"]).arg(&sheet).assert().success();
    assert!(sheet.exists());
    assert_eq!(recorded(), 2);
}

/// An export of whole numbers that cannot be recorded (here a trigger stands for a full disk) hands nothing
/// out and leaves an earlier export of the same name as it was, where it once removed it with the new file.
#[test]
fn an_export_that_cannot_be_recorded_keeps_the_earlier_file_of_its_name() {
    let (dir, db) = imported("utf8_bom.csv");
    let sheet = dir.path().join("名单.xlsx");
    let folder = dir.path().join("台账");
    canbao(&db).args(["export", "sheet", "--out"]).arg(&sheet).assert().success();
    canbao(&db).args(["export", "ledgers", "--out"]).arg(&folder).assert().success();
    let earlier = std::fs::read(&sheet).unwrap();
    let ledgers: Vec<(std::path::PathBuf, Vec<u8>)> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect();
    assert!(!ledgers.is_empty());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "CREATE TRIGGER no_room BEFORE INSERT ON audit WHEN NEW.action = 'export'
         BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
    )
    .unwrap();
    drop(conn);
    // A pupil more, so the new files differ from the earlier ones.
    let list = dir.path().join("more.csv");
    std::fs::write(&list, "姓名,身份证号,班级\n黄新,450202201705061230,三年级2班\n").unwrap();
    canbao(&db).arg("import").arg(&list).assert().success();
    canbao(&db).args(["export", "sheet", "--out"]).arg(&sheet).assert().code(1);
    assert_eq!(std::fs::read(&sheet).ok(), Some(earlier), "the earlier sheet is as it was");
    canbao(&db).args(["export", "ledgers", "--out"]).arg(&folder).assert().code(1);
    for (path, bytes) in &ledgers {
        assert_eq!(std::fs::read(path).ok().as_ref(), Some(bytes), "{}", path.display());
    }
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .chain(std::fs::read_dir(&folder).unwrap())
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "no hidden copy left: {left:?}");
}

/// A phone cell that is no phone number (a parent's ID number, valid or not, however spaced; too many digits) is
/// said at its file and row, masked, by the import and its dry run alike, in the tense of each; the pupil is
/// imported with no phone, and none goes out on the sheet. Of two phones in one cell the first is kept, and said.
#[test]
fn a_phone_cell_that_is_no_phone_is_said_masked_and_never_kept() {
    let (dir, db) = common::new_drive();
    let parent = "450203198801011237";
    let cells = [
        parent,
        "4502 0319 8801 0112 37",
        "45020319880101123x",
        "1380013800012",
        "45020319880101123",
        "13800000000 13900000000",
    ];
    let mut text = String::from("学校,姓名,身份证号码,年级,班级,联系电话\n");
    for (i, cell) in cells.iter().enumerate() {
        text.push_str(&format!("测试小学,乙{i},{},一年级,1班,{cell}\n", valid_id(&format!("4502032019093088{i}"))));
    }
    let list = dir.path().join("m2.csv");
    std::fs::write(&list, text).unwrap();
    let said_of = |out: &str, row: usize| -> String {
        let at = format!("m2.csv 第 {row} 行 「联系电话」");
        out.lines().find(|l| l.contains(&at)).unwrap_or_else(|| panic!("row {row} not said: {out}")).to_owned()
    };
    let dry = canbao(&db).args(["import", "--dry-run"]).arg(&list).assert().success();
    let dry = String::from_utf8_lossy(&dry.get_output().stdout).into_owned();
    let done = canbao(&db).arg("import").arg(&list).assert().success();
    let done = String::from_utf8_lossy(&done.get_output().stdout).into_owned();
    for (out, tense) in [(&dry, "此项将留空，学生将导入"), (&done, "此项留空，学生已导入")] {
        assert!(!out.contains(parent) && !out.contains("45020319880101123x"), "{out}");
        assert!(!out.contains("按原样导入"), "{out}");
        // Rows 2 and 3 say the same (the spaced number is the same number): one line for both.
        assert!(said_of(out, 2).contains("4502**********1237") && said_of(out, 2).contains(tense), "{out}");
        assert!(said_of(out, 4).contains("4502**********123x"), "{out}");
        assert!(said_of(out, 5).contains("有 13 位数字"), "{out}");
        assert!(said_of(out, 6).contains("有 17 位数字") && !out.contains(cells[4]), "{out}");
    }
    assert!(said_of(&dry, 7).contains("有 2 个号码，将只导入第一个 13800000000"), "{dry}");
    assert!(said_of(&dry, 7).contains("only the first, 13800000000, will be imported"), "{dry}");
    assert!(said_of(&done, 7).contains("有 2 个号码，只导入了第一个 13800000000"), "{done}");

    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let mut phones: Vec<(String, String)> = store
        .students(&canbao::store::StudentFilter::default())
        .unwrap()
        .into_iter()
        .map(|s| (s.name, s.phone))
        .collect();
    phones.sort();
    let want: Vec<(String, String)> =
        (0..6).map(|i| (format!("乙{i}"), if i == 5 { "13800000000".to_owned() } else { String::new() })).collect();
    assert_eq!(phones, want);
    let csv = dir.path().join("sheet.csv");
    canbao(&db).args(["export", "sheet", "--format", "csv", "--out"]).arg(&csv).assert().success();
    assert!(!std::fs::read_to_string(&csv).unwrap().contains("45020319880101"));
}

/// A drive that already holds a parent's ID number as a phone (imported by an earlier canbao): `check` lists the
/// pupil, the number masked, `--reveal` or not; the forms leave the phone empty.
#[test]
fn check_lists_a_phone_that_is_no_phone_and_the_forms_leave_it_out() {
    let (dir, db) = common::new_drive();
    let parent = "450203198801011237";
    let list = dir.path().join("list.csv");
    let pupil = valid_id("45020320190930880");
    std::fs::write(&list, format!("姓名,身份证号码,班级,联系电话\n乙一,{pupil},一年级1班,13800138000\n")).unwrap();
    canbao(&db).arg("import").arg(&list).assert().success();
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute("UPDATE students SET phone = ?1", [parent]).unwrap();
    }
    let out = String::from_utf8_lossy(&canbao(&db).arg("check").output().unwrap().stdout).into_owned();
    assert!(out.contains("发现 1 处问题") && out.contains("联系电话不是电话号码"), "{out}");
    assert!(out.contains("4502**********1237") && !out.contains(parent), "{out}");
    let report = json(canbao(&db).args(["check", "--json", "--reveal"]));
    assert_eq!(report["odd_phones"][0]["name"], "乙一", "{report}");
    assert_eq!(report["odd_phones"][0]["phone"], "4502**********1237", "{report}");
    let csv = dir.path().join("sheet.csv");
    canbao(&db).args(["export", "sheet", "--format", "csv", "--out"]).arg(&csv).assert().success();
    let written = std::fs::read_to_string(&csv).unwrap();
    assert!(!written.contains(parent) && written.contains(&pupil), "{written}");
}

/// `stats --school` with a name the drive does not hold (misspelt, or part of one) is refused naming the nearest
/// schools, in text and --json, as `export sheet --school` refuses it, where it printed all zeros and exited 0.
#[test]
fn stats_of_a_school_the_drive_does_not_hold_is_refused_naming_the_nearest() {
    let (_dir, db) = common::new_drive();
    canbao(&db).args(["import", "--school", "柳州市示范小学"]).arg(fixture("utf8_bom.csv")).assert().success();
    for json in [false, true] {
        let mut cmd = canbao(&db);
        cmd.args(["stats", "--school", "柳州市示范"]);
        if json {
            cmd.arg("--json");
        }
        let (code, text) = said(&mut cmd);
        assert_ne!(code, Some(0), "{text}");
        assert!(text.contains("找不到学校“柳州市示范”，最接近的是：柳州市示范小学"), "{text}");
    }
    let (code, text) = said(canbao(&db).args(["--lang", "en", "stats", "--school", "柳州示范小学"]));
    assert_ne!(code, Some(0), "{text}");
    assert!(text.contains("no school named “柳州示范小学”; nearest: 柳州市示范小学"), "{text}");
    let stats = json(canbao(&db).args(["stats", "--json", "--school", "柳州市示范小学"]));
    assert!(stats["students"].as_u64().unwrap() > 0, "{stats}");
}

/// A new drive named as a list or a document (`--db 新文件.xlsx import list.csv`) is refused, saying what --db
/// names and where the list goes, where a SQLite drive was made under the spreadsheet's name; an existing drive
/// so named still opens.
#[test]
fn a_new_drive_named_as_a_spreadsheet_is_refused_and_an_existing_one_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["新文件.xlsx", "名单.CSV", "list.txt"] {
        let db = dir.path().join(name);
        let (code, text) = said(canbao(&db).arg("import").arg(fixture("utf8_bom.csv")));
        assert_ne!(code, Some(0), "{text}");
        assert!(text.contains("--db 指定的是数据文件") && text.contains("import 后面"), "{text}");
        assert!(!db.exists(), "{name}: nothing made");
    }
    let (code, text) =
        said(canbao(&dir.path().join("x.xlsx")).args(["--lang", "en", "import"]).arg(fixture("utf8_bom.csv")));
    assert_ne!(code, Some(0), "{text}");
    assert!(text.contains("--db names the drive file"), "{text}");
    let good = dir.path().join("school.db");
    canbao(&good).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let named = dir.path().join("old.xlsx");
    std::fs::rename(&good, &named).unwrap();
    assert!(json(canbao(&named).args(["stats", "--json"]))["students"].as_u64().unwrap() > 0);
    canbao(&named).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
}

/// A backup to a folder that takes no new file (`/proc`) names the file the operator gave and says it cannot be
/// written, where it said the internal `.canbao-partial` file's folder did not exist.
#[cfg(target_os = "linux")]
#[test]
fn a_backup_to_a_folder_that_takes_no_file_names_the_target_and_the_cause() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("rb.db");
    canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let (code, text) = said(canbao(&db).args(["backup", "/proc/x.db"]));
    assert_ne!(code, Some(0), "{text}");
    assert!(!text.contains("canbao-partial") && !text.contains("文件夹不存在"), "{text}");
    assert!(text.contains("没有写入权限 (permission denied)：/proc/x.db"), "{text}");
}

/// The screen on a laptop whose clock is far behind the drive's newest change is refused as a command's change
/// is, before its daily backup (stamped years back) or any mark, where it opened and saved marks dated 2000.
#[cfg(target_os = "linux")]
#[test]
fn the_screen_with_a_clock_far_behind_the_drive_is_refused_before_anything_is_written() {
    if std::process::Command::new("faketime").arg("--version").output().is_err() {
        eprintln!("faketime is not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("D.db");
    canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let backups = || std::fs::read_dir(dir.path().join("backups")).map(|d| d.count()).unwrap_or(0);
    let before = backups();
    let mut cmd = Command::new("faketime");
    cmd.arg("2000-01-01 08:00:00").arg(env!("CARGO_BIN_EXE_canbao")).arg("--db").arg(&db);
    cmd.env_remove("CANBAO_DB").env("CANBAO_OPERATOR", "测试");
    let (code, text) = said(&mut cmd);
    assert_ne!(code, Some(0), "{text}");
    assert!(text.contains("本机时钟") && text.contains("--accept-clock"), "{text}");
    assert_eq!(backups(), before, "no daily backup dated 2000: {text}");
}

/// A laptop whose clock is far behind the drive's newest change (a dead BIOS battery) is refused a change, saying
/// so with --accept-clock to override, where it saved the change stamped years back; --accept-clock lets it.
#[cfg(target_os = "linux")]
#[test]
fn a_clock_far_behind_the_drives_newest_change_refuses_changes_unless_accepted() {
    if std::process::Command::new("faketime").arg("--version").output().is_err() {
        eprintln!("faketime is not installed: skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("D.db");
    canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let (name, class) = ("周静露", "三年级2班");
    let behind = |extra: &[&str]| {
        let mut cmd = Command::new("faketime");
        cmd.arg("2000-01-01 08:00:00").arg(env!("CARGO_BIN_EXE_canbao")).arg("--db").arg(&db);
        cmd.env_remove("CANBAO_DB").env("CANBAO_OPERATOR", "测试").args(extra);
        cmd.args(["mark", "--name", name, "--class", class, "--enrollment", "declined", "--reason", "家长拒绝"]);
        said(&mut cmd)
    };
    let (code, text) = behind(&[]);
    assert_ne!(code, Some(0), "{text}");
    assert!(text.contains("本机时钟") && text.contains("--accept-clock") && !text.contains("已保存"), "{text}");
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["enrollment"]["declined"], 0, "nothing saved");
    let (code, text) = behind(&["--accept-clock"]);
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["enrollment"]["declined"], 1);
}

/// A boy given without an ID number and a girl of his name and class given with one are two children, as the import
/// kept them: `check` does not list them as one child twice, and the batch template's 性别 shows the boy's sex as
/// the list stated it.
#[test]
fn check_does_not_list_a_boy_and_a_girl_of_one_name_as_one_child() {
    let (dir, db) = common::new_drive();
    let list = dir.path().join("list.csv");
    // The girl's number's 17th digit is even.
    std::fs::write(&list, "姓名,身份证号码,性别,班级\n陈七,,男,一年级1班\n陈七,450203201909308803,女,一年级1班\n")
        .unwrap();
    let report = json(canbao(&db).args(["import", "--json"]).arg(&list));
    assert_eq!(report["added"], 2, "{report}");
    let check = json(canbao(&db).args(["check", "--json"]));
    assert_eq!(check["same_name_class_unnumbered"].as_array().map(Vec::len), Some(0), "{check}");
    let out = dir.path().join("forms");
    canbao(&db).args(["export", "template", "--format", "csv", "--out"]).arg(&out).assert().success();
    let templates: String = std::fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    let boy = templates.lines().find(|l| l.contains("陈七") && !l.contains("4502")).unwrap_or_default();
    assert!(boy.contains(",男,"), "{templates}");
}

/// A tax list prices a pupil by the categories certified for the drive's year: 许志文's 特困人员, carried from last
/// year and not certified again (待重新认定), subsidises nothing this year, so the family's 380 元 is the amount due,
/// recorded with no mismatch, where before the list was weighed against the full subsidy (0 元 due) and the
/// family's full premium was said not to match.
#[test]
fn a_tax_list_prices_a_carried_category_as_no_subsidy() {
    let (dir, db) = subsidised_drive();
    let xu = "450203201811029232";
    let year = drive_year(&db);
    {
        let store = canbao::store::Store::open(&db).unwrap();
        let carried = "UPDATE students SET categories_year = ?1 WHERE id_number = ?2";
        assert_eq!(store.connection().execute(carried, rusqlite::params![year - 1, xu]).unwrap(), 1);
    }
    let tax = dir.path().join("tax.csv");
    std::fs::write(&tax, format!("姓名,证件号码,缴费金额,缴费日期\n许志文,{xu},380,{}\n", days_ago(20))).unwrap();
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json", "--reveal"]).arg(&tax));
    assert_eq!(report["amount_mismatches"], serde_json::json!([]), "{report}");
    assert_eq!(paid_amount(&db, xu), ("paid".to_owned(), Some(38_000)), "{report}");
    let check = json(canbao(&db).args(["check", "--json", "--reveal"]));
    assert_eq!(check["overpaid"], serde_json::json!([]), "{check}");
    // `mark` without an amount records the amount due by the year's categories: the full 380 元.
    canbao(&db).args(["mark", xu, "--payment", "unpaid"]).assert().success();
    let (code, text) = said(canbao(&db).args(["mark", xu, "--payment", "paid", "--paid-on", &days_ago(10)]));
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(paid_amount(&db, xu), ("paid".to_owned(), Some(38_000)), "{text}");
}

/// `find` marks each category carried from an earlier year (待重新认定) beside its name: 许志文's 低保对象 certified
/// this year reads plain and his 特困人员 from last year reads 「特困人员（待重新认定）」, where before the categories
/// were listed with no marker at all.
#[test]
fn find_marks_each_carried_category() {
    let (_dir, db) = subsidised_drive();
    let year = i32::try_from(drive_year(&db)).unwrap();
    {
        let mut store = canbao::store::Store::open(&db).unwrap();
        let pupils = store.students(&Default::default()).unwrap();
        let xu = pupils.iter().find(|s| s.id_number == "450203201811029232").expect("许志文").id;
        let mark = |name: &str, year: i32| canbao::domain::student::CategoryMark {
            name: name.into(),
            department: "民政".into(),
            year: Some(year),
        };
        store.set_categories(xu, &[mark("低保对象", year), mark("特困人员", year - 1)]).unwrap();
    }
    let (code, text) = said(canbao(&db).args(["find", "许志文"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("低保对象、特困人员（待重新认定）"), "{text}");
}

/// `stats --school` says the categories awaiting certification again (待重新认定) of that school only, as it counts
/// everything else: a pupil of another school with a category carried from last year is not among them, where
/// before the whole drive's were said under any one school.
#[test]
fn stats_of_one_school_counts_that_schools_categories_to_recertify() {
    let (dir, db) = common::new_drive();
    let roster = dir.path().join("roster.csv");
    std::fs::write(
        &roster,
        "学校,姓名,身份证号码,年级,班级,人员类别\n甲小学,何轩明,45020320190307775X,一年级,1班,低保对象\n\
         乙小学,孙语,450203201909308803,一年级,1班,\n",
    )
    .unwrap();
    canbao(&db).arg("import").arg(&roster).assert().success();
    let year = json(canbao(&db).args(["stats", "--json"]))["year"].as_i64().expect("the drive's year");
    canbao(&db).args(["year", "new", &(year + 1).to_string(), "--promote", "--force"]).assert().success();
    let pending = |school: &[&str]| {
        json(canbao(&db).args(["stats", "--json"]).args(school))["categories_to_recertify"].as_i64().unwrap_or(-1)
    };
    assert_eq!(pending(&[]), 1);
    assert_eq!(pending(&["--school", "甲小学"]), 1);
    assert_eq!(pending(&["--school", "乙小学"]), 0);
}

/// The pupils of 五年级 as (name, ID number, class, payment), whole numbers, sorted.
fn fifth_graders(db: &Path) -> Vec<(String, String, String, String)> {
    let found = json(canbao(db).args(["find", "五年级", "--json", "--reveal", "--limit", "100"]));
    let text = |p: &Value, key: &str| p[key].as_str().unwrap_or_default().to_owned();
    let mut all: Vec<_> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (text(p, "name"), text(p, "id_number"), text(p, "class"), text(p, "payment")))
        .collect();
    all.sort();
    all
}

/// 韦小宝 came with an old 15-digit number (converted to 18, flagged, the family asked for the real one) and paid.
/// The school's corrected list gives her real number, for the same name, school and class: her number is corrected,
/// audited and said at the row, her payment kept, and no second child is added; the old list imported again adds
/// nobody. The two lists ticked together in one import, into a fresh drive or one holding pupils, give the same one
/// child.
#[test]
fn a_real_number_corrects_the_pupil_held_with_an_old_15_digit_one() {
    let dir = tempfile::tempdir().unwrap();
    let real = valid_number("45020220150710313");
    let other = valid_number("45020220150301222");
    let old = write_list(
        dir.path(),
        "v1.csv",
        &[["韦小宝", "450202990710313", "五年级", "1班"], ["覃小龙", &other, "五年级", "1班"]],
    );
    let corrected =
        write_list(dir.path(), "v2.csv", &[["韦小宝", &real, "五年级", "1班"], ["覃小龙", &other, "五年级", "1班"]]);
    let db = dir.path().join("one.db");
    canbao(&db).args(["import", "--school", "测试小学"]).arg(&old).assert().success();
    let paid = ["mark", "--name", "韦小宝", "--class", "五年级1班", "--payment", "paid", "--amount", "380"];
    canbao(&db).args(paid).assert().success();
    let report = json(canbao(&db).args(["import", "--json", "--school", "测试小学"]).arg(&corrected));
    assert_eq!((report["added"].as_i64(), report["updated"].as_i64()), (Some(0), Some(1)), "{report}");
    let problems = report["problems"].as_array().unwrap();
    assert!(
        problems.iter().any(|p| p["row"] == 2
            && p["message"]
                .as_str()
                .unwrap()
                .starts_with("韦小宝 的身份证号码由 4502**********3138 更正为 4502**********")),
        "{report}"
    );
    let one = ("韦小宝".to_owned(), real.clone(), "五年级1班".to_owned(), "paid".to_owned());
    assert!(fifth_graders(&db).contains(&one) && fifth_graders(&db).len() == 2, "{:?}", fifth_graders(&db));
    let again = json(canbao(&db).args(["import", "--json", "--school", "测试小学"]).arg(&old));
    assert_eq!(again["added"].as_i64(), Some(0), "{again}");
    assert_eq!(fifth_graders(&db).len(), 2);

    let seeded = write_list(dir.path(), "seed.csv", &[["陆一", &valid_number("45020220150101555"), "一年级", "1班"]]);
    for seed in [None, Some(&seeded)] {
        let db = dir.path().join(format!("together{}.db", seed.is_some()));
        if let Some(seed) = seed {
            canbao(&db).args(["import", "--school", "测试小学"]).arg(seed).assert().success();
        }
        let report = json(canbao(&db).args(["import", "--json", "--school", "测试小学"]).arg(&old).arg(&corrected));
        let held = fifth_graders(&db);
        let names: Vec<&str> = held.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(names, ["覃小龙", "韦小宝"], "{report}");
        assert!(held.iter().any(|p| p.0 == "韦小宝" && p.1 == real), "{held:?} {report}");
    }
}

/// Importing two lists one after the other and ticking both in one import give the same pupils: a list and a copy
/// of it with one pupil's check character typed wrong (and another's digit one place off in her class), in either
/// order, and an old 15-digit number with the school's corrected list, in either order.
#[test]
fn two_lists_imported_together_give_what_importing_them_one_after_the_other_gives() {
    let dir = tempfile::tempdir().unwrap();
    let (ming, li, qin) =
        (valid_number("45020220160103102"), valid_number("45020220160405203"), valid_number("45020220150301222"));
    let typed_wrong = |number: &str, at: usize| {
        let mut bytes = number.as_bytes().to_vec();
        bytes[at] = if bytes[at] == b'9' { b'0' } else { bytes[at] + 1 };
        String::from_utf8(bytes).unwrap()
    };
    let (ming_typo, li_typo) = (typed_wrong(&ming, 17), typed_wrong(&li, 15));
    let real = valid_number("45020220150710313");
    let list = |name: &str, rows: &[[&str; 4]]| write_list(dir.path(), name, rows);
    let list1 = list(
        "list1.csv",
        &[["张小明", &ming, "五年级", "1班"], ["李小红", &li, "五年级", "1班"], ["覃小龙", &qin, "五年级", "1班"]],
    );
    let typo = list(
        "list_typo.csv",
        &[
            ["张小明", &ming_typo, "五年级", "1班"],
            ["李小红", &li_typo, "五年级", "1班"],
            ["覃小龙", &qin, "五年级", "1班"],
        ],
    );
    let old = list("v1.csv", &[["韦小宝", "450202990710313", "五年级", "2班"]]);
    let corrected = list("v2.csv", &[["韦小宝", &real, "五年级", "2班"]]);
    for (case, (a, b), pupils) in [
        ("typo after", (&list1, &typo), 3),
        ("typo first", (&typo, &list1), 3),
        ("old number first", (&old, &corrected), 1),
        ("old number after", (&corrected, &old), 1),
    ] {
        let (one_by_one, together) = (dir.path().join(format!("{case}-1.db")), dir.path().join(format!("{case}-2.db")));
        canbao(&one_by_one).args(["import", "--school", "测试小学"]).arg(a).assert().success();
        canbao(&one_by_one).args(["import", "--school", "测试小学"]).arg(b).assert().success();
        canbao(&together).args(["import", "--school", "测试小学"]).arg(a).arg(b).assert().success();
        let held = fifth_graders(&one_by_one);
        assert_eq!(held.len(), pupils, "{case}: {held:?}");
        assert_eq!(fifth_graders(&together), held, "{case}");
    }
}

/// A resident number of the 17 characters given, with its check character.
fn with_check(first17: &str) -> String {
    format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()))
}

/// A pupil imported with an empty name (an empty 姓名 beside a valid number) is flagged wherever a flag shows:
/// `check` lists them, the roster marks them 「!」, the sheet says it in 备注 and the batch template registers no
/// one from the row, where before each of them took the nameless row as a pupil's.
#[test]
fn a_pupil_imported_without_a_name_is_flagged_everywhere() {
    let (dir, db) = common::new_drive();
    let (named, nameless) = (with_check("45020220150101101"), with_check("45020220150102102"));
    let list = dir.path().join("五年级.csv");
    std::fs::write(&list, format!("姓名,身份证号码,班级\n张三,{named},五年级1班\n,{nameless},五年级1班\n")).unwrap();
    let (_, text) = said(canbao(&db).args(["import", "--school", "测试小学"]).arg(&list));
    assert!(text.contains("姓名为空，已导入并标记"), "{text}");

    let report = json(canbao(&db).args(["check", "--json", "--reveal"]));
    let listed = report["no_name"].as_array().expect("no_name");
    assert_eq!(listed.len(), 1, "{report}");
    assert_eq!(listed[0]["id_number"], nameless.as_str());
    let (_, text) = said(canbao(&db).arg("check"));
    assert!(text.contains("姓名为空，请补填姓名"), "{text}");

    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let mut marked = Vec::new();
    store.for_each_roster_row(|r| marked.push((r.id_number.to_owned(), r.id_problem))).unwrap();
    marked.sort();
    assert_eq!(marked, [(named.clone(), false), (nameless.clone(), true)]);
    drop(store);
    // `find` marks the row 「!」 as the roster does (its number is valid: the name is what is missing).
    let found = canbao(&db).args(["find", "五年级1班"]).output().unwrap();
    let found = String::from_utf8_lossy(&found.stdout).into_owned();
    let mut flagged: Vec<bool> = found.lines().filter(|l| l.contains("五年级1班")).map(|l| l.contains(" !")).collect();
    flagged.sort();
    assert_eq!(flagged, [false, true], "{found}");

    let sheet = canbao(&db).args(["export", "sheet", "--format", "csv", "--out", "-"]).output().unwrap();
    let sheet = String::from_utf8_lossy(&sheet.stdout).into_owned();
    assert!(sheet.lines().any(|l| l.contains("姓名为空，待核实")), "{sheet}");
    let out = dir.path().join("forms");
    canbao(&db).args(["export", "template", "--format", "csv", "--out"]).arg(&out).assert().success();
    let entry = std::fs::read_dir(&out).unwrap().flatten().find(|e| e.file_name().to_string_lossy().contains("未参保"));
    let template = std::fs::read_to_string(entry.expect("未参保").path()).unwrap();
    let row = template.lines().find(|l| l.contains("姓名为空，待核实")).unwrap_or_else(|| panic!("{template}"));
    assert!(!row.contains(nameless.as_str()), "no nameless registration: {row}");
    assert!(template.contains(named.as_str()), "{template}");
}

/// Next school year's class list, imported before the drive's year turned, would move every pupil it lists up a
/// grade, and `year new --promote` up again: refused whole, saying it looks like next year's list, to start the
/// year first (naming the drive) and how to import it anyway (`--move-up-a-grade`), which then moves them. A list
/// of this year's moving one pupil up a grade is imported as before.
#[test]
fn next_school_years_class_list_is_refused_before_the_year_turns() {
    let (dir, db) = common::new_drive();
    let names = ["严雨", "韦诗", "罗明", "赵六", "黄嘉", "陈博"];
    let ids: Vec<String> = (0..names.len()).map(|i| valid_id(&format!("4502052016030512{i}"))).collect();
    let list = |classes: &[&str]| {
        let mut text = String::from("姓名,身份证号码,班级\n");
        for ((name, id), class) in names.iter().zip(&ids).zip(classes) {
            text.push_str(&format!("{name},{id},{class}\n"));
        }
        text
    };
    let this_year = dir.path().join("二年级1班名单.csv");
    std::fs::write(&this_year, list(&["二年级1班"; 6])).unwrap();
    canbao(&db).arg("import").arg(&this_year).assert().success();
    let years = json(canbao(&db).args(["year", "list", "--json"]));
    let year = years.as_array().unwrap().iter().find(|y| y["current"] == true).unwrap()["year"].as_i64().unwrap();
    let class_of = |id: &str| json(canbao(&db).args(["find", id, "--json"]))[0]["class"].as_str().unwrap().to_owned();

    let next = dir.path().join("三年级1班名单.csv");
    std::fs::write(&next, list(&["三年级1班"; 6])).unwrap();
    let import = |cmd: &mut Command| {
        cmd.arg("import").arg(&next);
    };
    dry_run_and_real(&db, import, |Run { code, err, .. }| {
        assert_eq!(code, Some(1), "{err}");
        let start = format!("canbao --db {} year new {} --promote", db.display(), year + 1);
        for words in [
            "三年级1班名单.csv",
            "这像是下一学年的班级名单：请先",
            start.as_str(),
            "开始新学年",
            "未导入任何内容",
            "严雨 由「二年级1班」调到「三年级1班」",
            "looks like next school year's class list",
            "--move-up-a-grade",
        ] {
            assert!(err.contains(words), "{words}: {err}");
        }
        assert_eq!(class_of(&ids[0]), "二年级1班", "nothing imported");
    });

    // This year's list, one pupil put a grade up: imported, the move said.
    let one_up = dir.path().join("二年级1班名单（改）.csv");
    std::fs::write(&one_up, list(&["三年级1班", "二年级1班", "二年级1班", "二年级1班", "二年级1班", "二年级1班"]))
        .unwrap();
    let report = json(canbao(&db).args(["import", "--json"]).arg(&one_up));
    assert_eq!(report["moved_class"], 1, "{report}");
    assert_eq!(class_of(&ids[0]), "三年级1班");

    canbao(&db).args(["import", "--move-up-a-grade"]).arg(&next).assert().success();
    assert_eq!(class_of(&ids[1]), "三年级1班", "moved up as asked");
}

/// A staff payroll (姓名, 身份证号码, 岗位, 基本工资; adults, no class) picked as a class list is refused whole, as
/// the tax office's list is, saying the numbers show adults; a class list with one adult's number (a parent's) is
/// imported with that row flagged: said at its row, listed by `check`, marked 「!」 on the roster, remarked on the
/// sheet and kept out of the batch template as a 中小学生. Before, the payroll's adults became pupils, said of
/// only by their unknown headers and missing class, and went to the agency's template as 中小学生.
#[test]
fn a_list_of_adults_is_refused_and_an_adults_row_is_flagged() {
    let (dir, db) = common::new_drive();
    let payroll = dir.path().join("教职工工资表.csv");
    let staff: Vec<String> =
        ["19720301", "19800515", "19880720", "19941103"].iter().map(|b| with_check(&format!("450202{b}101"))).collect();
    let mut text = String::from("姓名,身份证号码,岗位,基本工资\n");
    for (name, id) in ["陈红梅", "韩秀英", "胡老师", "曾老师"].iter().zip(&staff) {
        text.push_str(&format!("{name},{id},教师,5200\n"));
    }
    std::fs::write(&payroll, text).unwrap();
    let import = |cmd: &mut Command| {
        cmd.args(["import", "--school", "测试小学"]).arg(&payroll);
    };
    dry_run_and_real(&db, import, |Run { code, err, .. }| {
        assert_eq!(code, Some(1), "{err}");
        for words in
            ["教职工工资表.csv", "这像是教职工/成年人名单，不是学生名单；未导入任何内容", "按号码是成年人", "staff"]
        {
            assert!(err.contains(words), "{words}: {err}");
        }
    });
    if db.exists() {
        assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], 0, "nothing imported");
    }

    let pupils: Vec<String> = (0..5).map(|i| with_check(&format!("4502022016030510{i}"))).collect();
    let parent = staff[1].clone();
    let list = dir.path().join("三年级1班.csv");
    let mut text = String::from("姓名,身份证号码,班级\n");
    for (i, id) in pupils.iter().enumerate() {
        text.push_str(&format!("学生{i},{id},三年级1班\n"));
    }
    text.push_str(&format!("韦小宝,{parent},三年级1班\n"));
    std::fs::write(&list, text).unwrap();
    let report = json(canbao(&db).args(["import", "--json", "--school", "测试小学"]).arg(&list));
    assert_eq!(report["added"], 6, "{report}");
    let said = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["row"] == 7 && p["message"].as_str().unwrap().contains("不是中小学、幼儿园学生的年龄"));
    assert!(said, "{report}");
    let check = json(canbao(&db).args(["check", "--json", "--reveal"]));
    let listed: Vec<&str> =
        check["too_old"].as_array().unwrap().iter().map(|a| a["pupil"]["id_number"].as_str().unwrap()).collect();
    assert_eq!(listed, [parent.as_str()], "{check}");

    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let mut marked = Vec::new();
    store.for_each_roster_row(|r| marked.push((r.id_number.to_owned(), r.id_problem))).unwrap();
    assert!(marked.iter().all(|(id, flagged)| *flagged == (*id == parent)), "{marked:?}");
    drop(store);

    let sheet = canbao(&db).args(["export", "sheet", "--format", "csv", "--out", "-"]).output().unwrap();
    let sheet = String::from_utf8_lossy(&sheet.stdout).into_owned();
    let row = sheet.lines().find(|l| l.contains("韦小宝")).unwrap_or_default();
    assert!(row.contains("不像在校学生"), "{sheet}");
    let out = dir.path().join("forms");
    canbao(&db).args(["export", "template", "--format", "csv", "--out"]).arg(&out).assert().success();
    let entry = std::fs::read_dir(&out).unwrap().flatten().find(|e| e.file_name().to_string_lossy().contains("未参保"));
    let template = std::fs::read_to_string(entry.expect("未参保").path()).unwrap();
    let row = template.lines().find(|l| l.contains("韦小宝")).unwrap_or_else(|| panic!("{template}"));
    assert!(!row.contains(parent.as_str()) && row.contains("不像在校学生"), "no adult registered: {row}");
    assert!(template.contains(pupils[0].as_str()), "{template}");
}

/// A staff list written with old 15-digit numbers (adults born in the 1960s to 1980s) is refused whole as a list of
/// adults, by the birth dates the numbers read as; a class list with one parent's 15-digit number is imported, that
/// row saying the age it reads as. A class list of pupils' numbers written short (read as born in 1920 or before) is
/// no list of adults. Before, the guard read only 18-digit numbers, and the staff became pupils.
#[test]
fn a_staff_list_of_old_15_digit_numbers_is_refused_as_adults() {
    let (dir, db) = common::new_drive();
    let payroll = dir.path().join("教职工名单.csv");
    std::fs::write(
        &payroll,
        "姓名,身份证号码,岗位
陈红梅,450202650301101,教师
韩秀英,450202720515102,教师
胡老师,450202800720103,教师
         曾老师,450202881103104,教师
",
    )
    .unwrap();
    let refused = canbao(&db).args(["import", "--school", "测试小学"]).arg(&payroll).assert().code(1);
    let err = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(err.contains("这像是教职工/成年人名单") && err.contains("按号码是成年人"), "{err}");

    let pupils: Vec<String> = (0..5).map(|i| with_check(&format!("4502022016030510{i}"))).collect();
    let list = dir.path().join("三年级1班.csv");
    let mut text = String::from(
        "姓名,身份证号码,班级
",
    );
    for (i, id) in pupils.iter().enumerate() {
        text.push_str(&format!(
            "学生{i},{id},三年级1班
"
        ));
    }
    text.push_str(
        "韦小宝,450202800515102,三年级1班
",
    );
    std::fs::write(&list, text).unwrap();
    let report = json(canbao(&db).args(["import", "--json", "--school", "测试小学"]).arg(&list));
    assert_eq!(report["added"], 6, "{report}");
    let said = report["problems"].as_array().unwrap().iter().any(|p| {
        let message = p["message"].as_str().unwrap();
        p["row"] == 7 && message.contains("15位旧身份证号") && message.contains("不是中小学、幼儿园学生的年龄")
    });
    assert!(said, "{report}");

    // Pupils born 2008 to 2011 with their numbers cut to 15 digits read as born in 1920: pupils, not adults.
    let short = dir.path().join("高一1班.csv");
    let mut text = String::from(
        "姓名,身份证号码,班级
",
    );
    for (i, born) in ["200810", "200911", "201012", "201109"].iter().enumerate() {
        text.push_str(&format!(
            "学生乙{i},450202{born}151,高一1班
"
        ));
    }
    std::fs::write(&short, text).unwrap();
    let report = json(canbao(&db).args(["import", "--json", "--school", "测试小学"]).arg(&short));
    assert_eq!(report["added"], 4, "{report}");
}

/// The agency's feedback 「已参保」 with a 参保地 naming another city than the policy's (成都市 under 宜宾市's policy)
/// marks nothing and says the row, to be checked as 异地参保; one naming the policy's city, or a district, marks the
/// pupil 在校参保 as before. Before, every such row marked the pupil 在校参保 (unpaid: a payment notice followed),
/// and only 「以下列本次核对未使用：参保地」 was said.
#[test]
fn agency_feedback_insured_in_another_city_is_not_read_as_enrolled_here() {
    let (dir, db) = common::new_drive();
    let (away, here) = (with_check("51150220160305101"), with_check("51150220160306102"));
    let list = dir.path().join("一年级1班.csv");
    std::fs::write(&list, format!("姓名,身份证号码,班级\n吕书瑶,{away},一年级1班\n王小明,{here},一年级1班\n")).unwrap();
    canbao(&db).args(["import", "--school", "测试小学"]).arg(&list).assert().success();
    let year = drive_year(&db);
    let folder = dir.path().join("config");
    std::fs::create_dir_all(folder.join("canbao/policies")).unwrap();
    let text = format!(
        "title = \"宜宾市{year}年度\"\ndocument = \"测试\"\ninsured_year = {year}\npersonal_premium = 380\n\n[[window]]\n\
         name = \"缴费期\"\nfrom = {}-01-01\nto = {year}-12-31\nclause = \"测试\"\ntext = \"测试\"\n\
         amount = \"personal\"\ncoverage = \"year\"\n",
        year - 1
    );
    std::fs::write(folder.join("canbao/policies/yibin-test.toml"), text).unwrap();
    canbao(&db)
        .env("XDG_CONFIG_HOME", &folder)
        .env("HOME", dir.path())
        .args(["policy", "use", "yibin-test"])
        .assert()
        .success();

    let agency = dir.path().join("反馈.csv");
    std::fs::write(
        &agency,
        format!("姓名,公民身份号码,参保状态,参保地\n吕书瑶,{away},已参保,成都市\n王小明,{here},已参保,宜宾市翠屏区\n"),
    )
    .unwrap();
    let (code, text) = said(canbao(&db).args(["reconcile", "--source", "agency"]).arg(&agency));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("参保地为成都市，不是本地（宜宾市）：未标记，请核对是否异地参保"), "{text}");
    assert!(!text.contains("本次核对未使用：参保地"), "the column is read: {text}");
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let enrollment = |id: &str| store.student_by_id_number(id).unwrap().unwrap().enrollment.code();
    assert_eq!((enrollment(&away), enrollment(&here)), ("unknown", "here"));
}

/// A payment dated after today is refused naming today as Beijing's date, the drive's calendar: on a laptop whose
/// clock is in another time zone (UTC+14) the typed date is the operator's own today.
#[test]
fn a_payment_dated_after_today_names_beijings_today() {
    let (_dir, db) = common::new_drive();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    canbao(&db).arg("import").arg(&fixture).assert().success();
    let beijing = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let later = (beijing + chrono::Duration::days(2)).to_string();
    let mark = ["mark", "450202201711194162", "--payment", "paid", "--amount", "380", "--paid-on", &later];
    let (code, text) = said(canbao(&db).args(mark).env("TZ", "Pacific/Kiritimati"));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains(&format!("缴费日期 {later} 晚于今天（北京时间 {beijing}）")), "{text}");
}

/// `export --out` into a folder inside a folder that is not there either (a path mistyped several folders deep)
/// is refused, naming the first folder missing and --make-folders, and makes nothing; with --make-folders it
/// makes them. One new folder in a folder that is there is made unasked.
#[test]
fn export_into_folders_that_are_not_there_is_refused_without_make_folders() {
    let (dir, db) = imported("utf8_bom.csv");
    let typo = dir.path().join("Dekstop");
    for (form, out) in [("sheet", typo.join("2026").join("名单.xlsx")), ("ledgers", typo.join("2026").join("台账"))]
    {
        let refused = canbao(&db).args(["export", form, "--out"]).arg(&out).output().unwrap();
        let said = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{form}: {said}");
        assert!(
            said.contains(&format!("文件夹 {} 不存在", typo.display())) && said.contains("--make-folders"),
            "{said}"
        );
        assert!(!typo.exists(), "{form}: nothing made");
        canbao(&db).args(["export", form, "--make-folders", "--out"]).arg(&out).assert().success();
        assert!(out.exists(), "{form}");
        std::fs::remove_dir_all(&typo).unwrap();
    }
    let one_new = dir.path().join("新文件夹").join("名单.xlsx");
    canbao(&db).args(["export", "sheet", "--out"]).arg(&one_new).assert().success();
    assert!(one_new.is_file());
}

/// `export --out FILE` over an earlier export of another school's or another form of canbao's is refused, naming
/// what the file is and --force, and leaves it as it was; --force replaces it. The same form of the same school is
/// a re-export, and replaces its earlier file unasked. Before, any export of canbao's was replaced silently.
#[test]
fn export_over_another_schools_or_another_forms_export_needs_force() {
    let dir = tempfile::tempdir().unwrap();
    let (ours, theirs) = (dir.path().join("ours.db"), dir.path().join("theirs.db"));
    canbao(&ours).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    canbao(&theirs).arg("import").arg(fixture("gbk_title.csv")).assert().success();
    for format in ["xlsx", "csv"] {
        let file = dir.path().join(format!("名单.{format}"));
        canbao(&theirs).args(["export", "sheet", "--out"]).arg(&file).assert().success();
        let before = std::fs::read(&file).unwrap();
        let refused = canbao(&ours).args(["export", "sheet", "--out"]).arg(&file).output().unwrap();
        let said = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{format}: {said}");
        assert!(said.contains("不覆盖") && said.contains("--force") && said.contains("学校名称："), "{format}: {said}");
        assert_eq!(std::fs::read(&file).unwrap(), before, "{format}: left as it was");
        // The same form of the same school again: a re-export.
        canbao(&theirs).args(["export", "sheet", "--out"]).arg(&file).assert().success();
        // Another form of the same school under the sheet's name.
        let summary = canbao(&theirs).args(["export", "summary", "--out"]).arg(&file).output().unwrap();
        assert_eq!(summary.status.code(), Some(1), "{format}: {}", String::from_utf8_lossy(&summary.stderr));
        canbao(&ours).args(["export", "sheet", "--force", "--out"]).arg(&file).assert().success();
        assert_ne!(std::fs::read(&file).unwrap(), before, "{format}: replaced with --force");
    }
}

/// `restore` says how many changes it takes back, before and after, as the screen's question does; `--json`
/// answers with the count. Before, it said only 「已从 … 恢复」.
#[test]
fn restore_says_how_many_changes_it_takes_back() {
    let (dir, db) = imported("utf8_bom.csv");
    let backup = dir.path().join("before.db");
    canbao(&db).arg("backup").arg(&backup).assert().success();
    // Changes made since the backup: the pupils of a second list.
    canbao(&db).arg("import").arg(fixture("gbk_title.csv")).assert().success();
    let out = canbao(&db).args(["restore"]).arg(&backup).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let counted = |line: &str, before: &str, after: &str| -> i64 {
        let at = line.find(before).unwrap_or_else(|| panic!("{line}")) + before.len();
        line[at..].split(after).next().unwrap().trim().parse().unwrap_or_else(|_| panic!("{line}"))
    };
    let (ahead, done) = (counted(&said, "将撤销", "项更改"), counted(&said, "撤销了", "项更改"));
    assert!(ahead > 0 && ahead == done, "{said}");
    assert!(said.contains(&format!("this takes back {ahead} changes")), "{said}");
    canbao(&db).arg("import").arg(fixture("gbk_title.csv")).assert().success();
    let report = json(canbao(&db).args(["restore", "--json"]).arg(&backup));
    assert!(report["changes_undone"].as_i64().is_some_and(|n| n > 0), "{report}");
    assert_eq!(report["restored_from"], backup.display().to_string(), "{report}");
    assert!(report["safety_backup"].is_string(), "{report}");
}

/// A payment the tax list holds for a number nobody on the roster holds, read again in a later reconciliation (the
/// same list, or the tax office's next list holding it again), is not kept a second time, and the report says so:
/// how many of the payments not recorded were kept already (`unapplied_kept_before`), beside the ones kept now;
/// `check` lists each once. Before, every reading said all of them were kept again.
#[test]
fn a_tax_list_read_again_says_which_payments_were_kept_already() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (first, second) = (valid_number("45020220160501160"), valid_number("45020220160501179"));
    let tax = write_csv(dir.path(), "tax.csv", "姓名,证件号码,缴费金额,缴费日期", &[["王小明", &first, "380", &oct8]]);
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--keep-unmatched", "--json"]).arg(&tax));
    assert_eq!((report["unapplied_payments"].as_u64(), report["unapplied_kept_before"].as_u64()), (Some(1), Some(0)));
    // The tax office's next list: the same payment again, and another stranger's.
    let next = write_csv(
        dir.path(),
        "tax-next.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[["李小红", &second, "380", &oct8], ["王小明", &first, "380", &oct8]],
    );
    let preview =
        json(canbao(&db).args(["reconcile", "--source", "tax", "--keep-unmatched", "--dry-run", "--json"]).arg(&next));
    assert_eq!((preview["unapplied_payments"].as_u64(), preview["unapplied_kept_before"].as_u64()), (Some(2), Some(1)));
    let out = canbao(&db).args(["reconcile", "--source", "tax", "--keep-unmatched"]).arg(&next).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("其中 1 笔此前核对时已保存") && said.contains("1 of them was kept already"), "{said}");
    let check = json(canbao(&db).args(["check", "--json", "--reveal"]));
    let listed: Vec<&str> = check["tax_paid_unrecorded"]
        .as_array()
        .expect("tax_paid_unrecorded")
        .iter()
        .filter_map(|u| u["id_number"].as_str())
        .collect();
    assert_eq!(listed, [first.as_str(), second.as_str()], "each once, list by list: {check}");
}

/// A new drive's first import of one workbook whose class sheets are titled with the school and whose other
/// sheet names none: the other sheet's rows are that school's, as two files' are, not a second school 「本校」.
#[test]
fn a_first_import_of_one_workbook_puts_its_sheets_naming_no_school_under_the_school_its_other_sheets_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("one.db");
    let path = dir.path().join("classes.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, title, id) in
        [("1班", Some("城中区实验小学四年级学生名单"), "450202201703051233"), ("Sheet2", None, "450202201704062348")]
    {
        let sheet = book.add_worksheet().set_name(name).unwrap();
        let top = match title {
            Some(title) => {
                sheet.write_string(0, 0, title).unwrap();
                1
            }
            None => 0,
        };
        sheet.write_row(top, 0, ["姓名", "身份证号码"]).unwrap();
        sheet.write_row(top + 1, 0, [name, id]).unwrap();
    }
    book.save(&path).unwrap();
    let (code, text) = said(canbao(&db).arg("import").arg(&path));
    assert_eq!(code, Some(0), "{text}");
    // The untitled sheet's new pupil follows the workbook's school, said as a pupil whose list names none.
    assert!(text.contains("1 名新学生的名单没有写学校名称，已记入「城中区实验小学」"), "{text}");
    let stats = json(canbao(&db).args(["stats", "--json"]));
    let mut held: Vec<String> =
        stats["classes"].as_array().unwrap().iter().map(|c| c["school"].as_str().unwrap().to_owned()).collect();
    held.dedup();
    assert_eq!(held, ["城中区实验小学"], "{stats}");
}

/// `canbao find --help` says what a number finds while the numbers are masked (the whole number, its last four
/// to six digits, the birth date) and that --reveal finds by any part of it, where it promised a search by
/// 「身份证号片段」, which finds nobody masked.
#[test]
fn find_help_says_what_a_masked_number_finds() {
    use clap::CommandFactory;
    let mut cmd = canbao::cli::Cli::command();
    cmd.build();
    let find = cmd.find_subcommand_mut("find").expect("find");
    let help = find.render_help().to_string();
    for said in ["末 4 至 6 位", "出生日期", "last 4-6", "birth date", "任意片段", "any part"] {
        assert!(help.contains(said), "{said} not in:\n{help}");
    }
    assert!(!help.contains("身份证号片段"), "{help}");
}

/// `mark --payment government` for a pupil whose only category the drive's policy subsidises nothing for
/// (事实无人抚养儿童 under yibin-2024): no department pays, the family owes the premium, and the mark would count
/// the pupil insured and off the 未缴费台账. Refused, naming the policy, nothing saved; `--yes` saves it.
#[test]
fn government_paid_for_a_category_the_policy_does_not_subsidise_takes_yes() {
    let (dir, db) = common::new_drive();
    let list = dir.path().join("list.csv");
    std::fs::write(
        &list,
        "学校,姓名,身份证号码,年级,班级,人员类别\n示范小学,董涵远,511502201507140005,三年级,1班,事实无人抚养儿童\n",
    )
    .unwrap();
    canbao(&db).arg("import").arg(&list).assert().success();
    canbao(&db).args(["policy", "use", "yibin-2024"]).assert().success();
    let id = "511502201507140005";
    let status = || {
        let found = json(canbao(&db).args(["find", id, "--json"]));
        (found[0]["enrollment"].as_str().unwrap().to_owned(), found[0]["payment"].as_str().unwrap().to_owned())
    };
    let refused = canbao(&db).args(["mark", id, "--payment", "government"]).assert().code(1);
    let err = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(err.contains("董涵远 为事实无人抚养儿童") && err.contains("没有规定资助此类人员"), "{err}");
    assert!(err.contains("未保存") && err.contains("--yes") && err.contains("nothing saved"), "{err}");
    assert_eq!(status(), ("unknown".to_owned(), "unpaid".to_owned()));
    canbao(&db).args(["mark", id, "--payment", "government", "--yes"]).assert().success();
    assert_eq!(status(), ("here".to_owned(), "government".to_owned()));
}

/// A class list saved under the drive's name (`school.db` holding a CSV), beside the drive's backups, is named as
/// the class list it is, offered no backup and left as it was, by every road that opens the drive (a reading
/// command, the screen, `restore`). Before, its name and the backups beside it had it called a damaged drive,
/// with the newest backup offered to put in its place. A note saved so is named as text, not as a class list.
#[test]
fn a_class_list_saved_under_the_drives_name_is_no_damaged_drive() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("school.db");
    canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    canbao(&db).arg("backup").assert().success();
    let backup = dir.path().join("backups").join(backup_names(dir.path()).pop().expect("a backup"));
    let list = std::fs::read(fixture("gbk_title.csv")).unwrap();
    for (bytes, named) in
        [(list.clone(), "这是表格（名单），不是 canbao 数据文件"), (b"hello\nworld\n".to_vec(), "这是文本文件")]
    {
        std::fs::write(&db, &bytes).unwrap();
        for args in [&["stats"][..], &[], &["find", "张"], &["restore", backup.to_str().unwrap()]] {
            let (code, text) = said(canbao(&db).args(args).write_stdin(""));
            assert_eq!(code, Some(1), "{args:?}: {text}");
            assert!(text.contains(named), "{args:?}: {text}");
            assert!(!text.contains("已损坏") && !text.contains("damaged") && !text.contains("备份"), "{text}");
        }
        assert_eq!(std::fs::read(&db).unwrap(), bytes, "unchanged");
        let aside =
            std::fs::read_dir(dir.path()).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().contains("已损坏"));
        assert!(!aside, "nothing set aside");
    }
}

/// A preview given the flag a merge wants (--no-common-history for a file of no common history, --other-school for
/// another school's) says the merge itself takes the file in with it, where before it still said the flag was
/// needed; without the flag it still says so.
#[test]
fn a_merge_preview_given_its_flag_says_what_the_merge_does_with_it() {
    let (dir, db) = imported("utf8_bom.csv");
    let same = dir.path().join("laptop3.db");
    canbao(&same).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let other = dir.path().join("other.db");
    canbao(&other).arg("import").arg(fixture("gbk_title.csv")).assert().success();
    for (file, flag) in [(&same, "--no-common-history"), (&other, "--other-school")] {
        let (code, text) = said(canbao(&db).args(["merge", "--dry-run", flag]).arg(file));
        assert_eq!(code, Some(0), "{text}");
        assert!(!text.contains("须加"), "{flag}: {text}");
        assert!(text.contains(&format!("已加 {flag}：实际合并时会")), "{flag}: {text}");
        let (_, text) = said(canbao(&db).args(["--lang", "en", "merge", "--dry-run", flag]).arg(file));
        assert!(text.contains(&format!("{flag} is given: the merge itself takes")), "{flag}: {text}");
        let (code, text) = said(canbao(&db).args(["merge", "--dry-run"]).arg(file));
        assert_eq!(code, Some(1), "{text}");
        assert!(text.contains(&format!("合并时须加 {flag} 确认")), "{flag}: {text}");
    }
}

/// `restore` says by kind which changes it takes back and lists the first of them (when, who, what, whose), with
/// how many more; `restore --dry-run` says the same and restores nothing. Before, it said only how many, and
/// there was no way to see them before they were gone.
#[test]
fn restore_names_the_changes_it_takes_back_and_its_dry_run_restores_nothing() {
    let (dir, db) = imported("utf8_bom.csv");
    let backup = dir.path().join("before.db");
    canbao(&db).arg("backup").arg(&backup).assert().success();
    canbao(&db).arg("import").arg(fixture("gbk_title.csv")).assert().success();
    let pupils = json(canbao(&db).args(["stats", "--json"]))["students"].clone();
    let backups = backup_names(dir.path());
    let (code, text) = said(canbao(&db).args(["restore", "--dry-run"]).arg(&backup));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("试运行，未修改数据"), "{text}");
    let line = text.lines().find(|l| l.contains("将撤销")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("：导入 ") && line.contains("made since the backup: import "), "{line}");
    let listed: Vec<&str> = text.lines().filter(|l| l.starts_with("  ") && l.contains(" 测试 导入 ")).collect();
    assert_eq!(listed.len(), 20, "the first 20: {text}");
    assert!(text.contains("项未列出 (and"), "{text}");
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["students"], pupils, "nothing restored");
    assert_eq!(backup_names(dir.path()), backups, "no backup taken");
    let (code, text) = said(canbao(&db).args(["--lang", "en", "restore", "--dry-run"]).arg(&backup));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("made since the backup: import ") && text.contains("… and "), "{text}");
    let (code, done) = said(canbao(&db).arg("restore").arg(&backup));
    assert_eq!(code, Some(0), "{done}");
    assert!(done.contains(line), "the restore says what its preview said: {done}");
    assert_ne!(json(canbao(&db).args(["stats", "--json"]))["students"], pupils, "restored");
}

/// `check` says of one pupil listed twice what the operator can do, canbao deleting no pupil: mark the extra entry
/// 已离校 with a note, by the detail screen's e or `mark --enrollment left`; so marked, the entry is in the finding
/// no more. Before, it said to delete the extra entry, which no road does, and the finding stayed whatever was done.
#[test]
fn check_says_to_mark_an_extra_entry_as_left_and_then_lists_it_no_more() {
    let (dir, db) = common::new_drive();
    let list = dir.path().join("list.csv");
    // One child's number corrected (another birth date) in a second list: two entries of one name and class.
    let corrected = valid_number("45020320190101002");
    std::fs::write(&list, "姓名,身份证号码,班级\n陈七,450203201909308803,一年级1班\n").unwrap();
    canbao(&db).arg("import").arg(&list).assert().success();
    std::fs::write(&list, format!("姓名,身份证号码,班级\n陈七,{corrected},一年级1班\n")).unwrap();
    let (_, text) = said(canbao(&db).arg("import").arg(&list));
    assert!(text.contains("多出的一条请标为已离校") && !text.contains("删除多出"), "the import's word too: {text}");
    let check = json(canbao(&db).args(["check", "--json"]));
    assert_eq!(check["same_name_class_numbers"].as_array().map(Vec::len), Some(1), "{check}");
    let (_, text) = said(canbao(&db).arg("check"));
    assert!(text.contains("多出的一条请标为已离校") && text.contains("--enrollment left"), "{text}");
    assert!(!text.contains("删除多出") && !text.contains("delete the extra"), "{text}");
    let (code, text) =
        said(canbao(&db).args(["mark", "450203201909308803", "--enrollment", "left", "--note", "重复登记"]));
    assert_eq!(code, Some(0), "the road the message names works: {text}");
    let check = json(canbao(&db).args(["check", "--json"]));
    assert_eq!(check["same_name_class_numbers"].as_array().map(Vec::len), Some(0), "{check}");
}

/// A class list given to `push` (a workbook picked for the drive) is named as the spreadsheet it is, nothing
/// pushed, where before it was 「不是 canbao 数据文件或文件已损坏」.
#[test]
fn a_class_list_given_to_push_is_named_as_a_spreadsheet() {
    let (_dir, db) = common::new_drive();
    let list = fixture("multi_sheet.xlsx");
    let (code, text) =
        said(canbao(&db).args(["push", "--dry-run", "--to", "postgresql://u@127.0.0.1:1/county"]).arg(&list));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("这是表格（名单），不是 canbao 数据文件，未上报"), "{text}");
    assert!(text.contains("nothing pushed") && !text.contains("已损坏") && !text.contains("damaged"), "{text}");
}

/// A CSV export of whole ID numbers says once, in both languages, that a double-click in Excel turns them into
/// 5.1E+17 and how to open it instead; a masked one, or an XLSX, keeps them as text and says nothing of it.
#[test]
fn a_csv_export_of_whole_numbers_warns_of_excel_turning_them_into_numbers() {
    let (dir, db) = imported("gbk_title.csv");
    let said = |args: &[&str], out: &Path| {
        let run = canbao(&db).args(["export", "sheet"]).args(args).arg("--out").arg(out).output().unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr))
    };
    let whole = said(&["--format", "csv"], &dir.path().join("全.csv"));
    assert_eq!(whole.matches("5.1E+17").count(), 2, "once, in both languages: {whole}");
    assert!(whole.contains("「文本」") && whole.contains("From Text/CSV"), "{whole}");
    let masked = said(&["--format", "csv", "--mask"], &dir.path().join("打码.csv"));
    assert!(!masked.contains("5.1E+17"), "{masked}");
    let xlsx = said(&[], &dir.path().join("全.xlsx"));
    assert!(!xlsx.contains("5.1E+17"), "{xlsx}");
    let run = canbao(&db).args(["--lang", "en", "export", "sheet", "--format", "csv", "--out", "-"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("5.1E+17") && !stderr.contains("双击"), "{stderr}");
    assert!(!String::from_utf8_lossy(&run.stdout).contains("5.1E+17"), "not in the CSV itself");
}

/// A tax list's payment rows that give no ID number (证件号码 empty) all end somewhere: the one pupil of the name in
/// the row's class is reconciled and said so at the row; a name nobody on the roster has, or a pupil of the name in
/// another class than the row's, is kept as a payment not recorded with its file and row, counted in the report
/// (text and `--json`) and listed by `check`, until a payment of its amount and date is recorded for a pupil of the
/// name. Before, such rows were said once and dropped.
#[test]
fn tax_rows_without_an_id_number_are_matched_by_name_and_class_or_kept() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (wu, su) = ("450202201804012233", "450203201802017248");
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,班级,缴费金额,缴费日期",
        &[
            ["吴凯远", "", "三年级2班", "380", &oct8],
            ["王小明", "", "三年级2班", "380", &oct8],
            ["苏萱", "", "三年级2班", "380", &oct8],
        ],
    );
    let preview = json(canbao(&db).args(["reconcile", "--source", "tax", "--dry-run", "--json"]).arg(&tax));
    assert_eq!((preview["matched"].as_u64(), preview["unapplied_payments"].as_u64()), (Some(1), Some(2)), "{preview}");
    let out = canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    let line =
        |row: &str| text.lines().find(|l| l.contains(&format!("{row} 「证件号码」"))).unwrap_or_default().to_owned();
    assert!(line("第 2 行").contains("身份证号码为空；按姓名和班级，此行即 吴凯远（三年级2班，4502"), "{text}");
    assert!(!text.contains("核对未使用"), "the class column is read: {text}");
    assert!(
        line("第 3 行").contains("本机没有此姓名和班级的学生") && line("第 3 行").contains("380 元未记入"),
        "{text}"
    );
    assert!(line("第 4 行").contains("380 元未记入"), "{text}");
    assert!(text.contains("税务名单中有 2 笔缴费未记入本机"), "{text}");
    assert_eq!(paid_amount(&db, wu), ("paid".to_owned(), Some(38_000)));
    assert_eq!(paid_amount(&db, su), ("unpaid".to_owned(), None));
    let listed = || {
        let check = json(canbao(&db).args(["check", "--json"]));
        let lines = check["tax_paid_unrecorded"].as_array().cloned().unwrap_or_default();
        lines.iter().map(|l| (l["name"].as_str().unwrap_or_default().to_owned(), l["row"].as_u64())).collect::<Vec<_>>()
    };
    assert_eq!(listed(), [("王小明".to_owned(), Some(3)), ("苏萱".to_owned(), Some(4))]);
    // The list read again keeps nothing twice.
    let again = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!((again["already"].as_u64(), again["unapplied_kept_before"].as_u64()), (Some(1), Some(2)), "{again}");
    assert_eq!(listed().len(), 2);
    // The operator records 苏萱 (三年级1班) paid by hand: the row names 三年级2班, where no 苏萱 is, so her payment is
    // not taken for the row's (a namesake paid from another row would otherwise settle it); it stays listed until
    // the tax office's number for it is known.
    let mark = ["mark", su, "--payment", "paid", "--amount", "380", "--paid-on", &oct8, "--yes"];
    canbao(&db).args(mark).assert().success();
    assert_eq!(listed(), [("王小明".to_owned(), Some(3)), ("苏萱".to_owned(), Some(4))]);
}

/// A 票证号码 met again on a row of another name and number is said as that receipt repeated, with both rows, not as
/// a second family nobody on the roster is (名单外): the same amount is the one payment again, recorded nowhere
/// twice and kept to be listed by `check`; another amount may be money of its own, kept as not recorded too.
#[test]
fn a_receipt_repeated_under_another_name_is_said_as_a_repeated_receipt() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (zhou, wu) = ("450202201711194162", "450202201804012233");
    let (stranger, other) = ("450202201805011232", "450203201806024568");
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期,票证号码",
        &[
            ["周静露", zhou, "380", &oct8, "R-001"],
            ["王小明", stranger, "380", &oct8, "R-001"],
            ["吴凯远", wu, "380", &oct8, "R-002"],
            ["赵六", other, "300", &oct8, "R-002"],
        ],
    );
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json", "--reveal"]).arg(&tax));
    assert_eq!(report["unknown_rows"].as_array().map(Vec::len), Some(0), "{report}");
    let repeated = report["repeated_receipts"].as_array().cloned().unwrap_or_default();
    assert_eq!(repeated.len(), 2, "{report}");
    assert_eq!(repeated[0]["receipt"], "R-001");
    assert_eq!(repeated[0]["rows"], serde_json::json!([2, 3]));
    assert_eq!(repeated[0]["names"], serde_json::json!(["周静露", "王小明"]));
    assert_eq!(repeated[0]["id_numbers"], serde_json::json!([zhou, stranger]));
    assert_eq!((repeated[0]["kept"].as_bool(), repeated[1]["kept"].as_bool()), (Some(true), Some(true)));
    assert_eq!((report["matched"].as_u64(), report["unapplied_payments"].as_u64()), (Some(2), Some(2)), "{report}");
    assert_eq!(paid_amount(&db, zhou), ("paid".to_owned(), Some(38_000)));
    let check = json(canbao(&db).args(["check", "--json", "--reveal"]));
    let listed = check["tax_paid_unrecorded"].as_array().cloned().unwrap_or_default();
    let rows: Vec<_> =
        listed.iter().map(|l| (l["id_number"].as_str().unwrap_or_default(), l["row"].as_u64())).collect();
    assert_eq!(rows, [(stranger, Some(3)), (other, Some(5))], "{check}");
    // The text names the receipt and both rows, in Chinese and in English.
    let text = canbao(&db).args(["reconcile", "--source", "tax", "--dry-run"]).arg(&tax).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    let line = text.lines().find(|l| l.contains("R-001")).unwrap_or_default();
    assert!(line.contains("票证号码 R-001 重复：第 2 行 周静露") && line.contains("第 3 行 王小明"), "{text}");
    assert!(!text.contains("名单中没有 (not on the roster)"), "{text}");
    let en =
        canbao(&db).args(["--lang", "en", "reconcile", "--source", "tax", "--dry-run"]).arg(&tax).output().unwrap();
    let en = String::from_utf8_lossy(&en.stdout).into_owned();
    assert!(en.contains("receipt R-002 repeated: row 4 吴凯远") && en.contains("row 5 赵六"), "{en}");
}

/// An entry without an ID number that shares its name and class with another (a boy given without a number beside
/// a girl of his name given with one; or one child listed twice) is reached from the command line: `mark --name
/// --class` lists both, numbered, with what tells them apart (the masked number or none, the list and row each came
/// from, when it was added, its status) and how to pick one, saving nothing; `--without-id` picks the one without a
/// number and `--pick N` the Nth listed. Before, the two were said to be told apart by --school or the number,
/// and the one without a number could be marked only in the TUI.
#[test]
fn mark_reaches_an_entry_without_an_id_number_that_shares_name_and_class() {
    let (dir, db) = common::new_drive();
    let list = dir.path().join("list.csv");
    let number = "450203201909308803";
    std::fs::write(&list, format!("姓名,身份证号码,性别,班级\n陈七,,男,一年级1班\n陈七,{number},女,一年级1班\n"))
        .unwrap();
    let report = json(canbao(&db).args(["import", "--json"]).arg(&list));
    assert_eq!(report["added"], 2, "{report}");
    let pupils = || json(canbao(&db).args(["find", "陈七", "--json", "--reveal"]));
    let held = |with_number: bool| {
        let found = pupils();
        let found = found.as_array().cloned().unwrap_or_default();
        found.into_iter().find(|p| p["id_number"].as_str().is_some_and(|n| n.is_empty() != with_number)).unwrap()
    };
    let by_name = ["mark", "--name", "陈七", "--class", "一年级1班"];

    let (code, text) = said(canbao(&db).args(by_name).args(["--enrollment", "left", "--note", "重复登记"]));
    assert_eq!(code, Some(1), "{text}");
    for shown in
        ["--pick", "[1]", "[2]", "没有身份证号码", "4502**********8803", "list.csv:2", "list.csv:3", "--without-id"]
    {
        assert!(text.contains(shown), "{shown}: {text}");
    }
    assert!(!text.contains(number) && !text.contains("已保存"), "{text}");
    assert_eq!(held(false)["enrollment"], "unknown", "nothing saved");
    let (_, text) = said(canbao(&db).args(["--lang", "en"]).args(by_name).args(["--enrollment", "left"]));
    assert!(text.contains("add --pick N") && text.contains("no ID number") && !text.contains("没有"), "{text}");
    let out = canbao(&db).args(by_name).args(["--enrollment", "left", "--json"]).output().unwrap();
    let failed: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(failed["error"]["kind"], "ambiguous_pupil", "{failed}");
    let listed = failed["error"]["candidates"].as_array().cloned().unwrap_or_default();
    assert_eq!(listed.len(), 2, "{failed}");
    let numbered = listed.iter().find(|c| c["id_number"] != "").unwrap();
    assert_eq!(numbered["id_number"], "4502**********8803", "masked: {failed}");
    assert!(listed.iter().all(|c| c["source"].as_str().is_some_and(|s| s.contains("list.csv:"))), "{failed}");

    // The entry without a number, by --without-id: marked 已离校 with its note, the other untouched.
    let (code, text) =
        said(canbao(&db).args(by_name).args(["--without-id", "--enrollment", "left", "--note", "重复登记"]));
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(held(false)["enrollment"], "left");
    let (_, text) = said(canbao(&db).args(by_name).args(["--enrollment", "here"]));
    let line = text.lines().find(|l| l.contains("没有身份证号码") && l.contains("[")).unwrap_or_default();
    assert!(line.contains("已离校") && line.contains("备注：重复登记"), "the listing tells it apart: {text}");
    assert_eq!(held(true)["enrollment"], "unknown");

    // The one with the number, by its --pick as the listing numbered it.
    let pick = numbered["pick"].to_string();
    let (code, text) =
        said(canbao(&db).args(by_name).args(["--pick", &pick, "--enrollment", "declined", "--reason", "家长不同意"]));
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(held(true)["enrollment"], "declined");
    assert_eq!(held(false)["enrollment"], "left");

    // A pick past them, or --without-id with a number, is refused, nothing saved.
    let (code, text) = said(canbao(&db).args(by_name).args(["--pick", "3", "--enrollment", "here"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("没有第 3 位") && text.contains("[2]"), "{text}");
    let (code, text) =
        said(canbao(&db).args(["mark", number, "--name", "陈七", "--without-id", "--enrollment", "here"]));
    assert_ne!(code, Some(0), "{text}");
    assert_eq!(held(true)["enrollment"], "declined");
    assert_eq!(held(false)["enrollment"], "left");
}

/// A pupil marked 已缴费 on each of two copies of a drive, with another date and channel, is one payment kept by
/// the merge; it read as two conflicts of date and channel, with no word that the family may have paid twice.
#[test]
fn merge_says_a_pupil_paid_on_both_laptops_may_have_paid_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    canbao(&a).arg("backup").arg(&b).assert().success();
    let zhou = "450202201711194162";
    let mark = |db: &Path, on: &str, channel: &str| {
        let args = ["mark", zhou, "--payment", "paid", "--amount", "350", "--paid-on", on, "--channel", channel];
        canbao(db).args(args).assert().success();
    };
    mark(&a, "2026-12-05", "现金");
    mark(&b, "2026-12-06", "微信");
    let preview = json(canbao(&a).args(["merge", "--dry-run", "--json"]).arg(&b));
    let [paid] = &preview["paid_apart"].as_array().expect("paid_apart")[..] else { panic!("{preview}") };
    assert_eq!(
        (paid["ours_paid_on"].as_str(), paid["theirs_paid_on"].as_str()),
        (Some("2026-12-05"), Some("2026-12-06"))
    );
    assert_eq!(paid["name"], "周静露");
    let (code, text) = said(canbao(&a).arg("merge").arg(&b));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("两台电脑各自登记了缴费") && text.contains("如重复收取请核实"), "{text}");
    assert!(text.contains("2026-12-05") && text.contains("现金") && text.contains("微信"), "{text}");
    // Merged once, the payment is shared: merged again, nothing is said.
    let again = json(canbao(&a).args(["merge", "--json"]).arg(&b));
    assert!(again.get("paid_apart").is_none(), "{again}");
    // The same date and channel on both is one payment keyed twice, as today: no word.
    let (c, d) = (dir.path().join("c.db"), dir.path().join("d.db"));
    canbao(&c).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    canbao(&c).arg("backup").arg(&d).assert().success();
    mark(&c, "2026-12-05", "现金");
    mark(&d, "2026-12-05", "现金");
    let same = json(canbao(&c).args(["merge", "--json"]).arg(&d));
    assert!(same.get("paid_apart").is_none(), "{same}");
}

/// A tax list's row without an ID number kept because its class holds nobody of its name stays listed by `check`
/// when the pupil of the name in another class is recorded paid the same amount on the same day from another row:
/// that payment is the other row's, not this one. Before, the kept row was settled by it and `check` listed nothing.
#[test]
fn a_kept_row_without_a_number_is_not_settled_by_the_namesakes_payment_in_another_class() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let wu = "450202201804012233";
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,班级,缴费金额,缴费日期",
        &[["吴凯远", "", "三年级2班", "380", &oct8], ["吴凯远", "", "一年级1班", "380", &oct8]],
    );
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!((report["matched"].as_u64(), report["unapplied_payments"].as_u64()), (Some(1), Some(1)), "{report}");
    assert_eq!(paid_amount(&db, wu), ("paid".to_owned(), Some(38_000)));
    let check = json(canbao(&db).args(["check", "--json"]));
    let listed: Vec<_> = check["tax_paid_unrecorded"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|l| (l["name"].as_str().unwrap_or_default().to_owned(), l["row"].as_u64()))
        .collect();
    assert_eq!(listed, [("吴凯远".to_owned(), Some(3))], "{check}");
}

/// A pupil marked 已缴费 on each of two copies of a drive, the same amount with another date and channel: the
/// laptop that merges first names the pupil, and so does the other when it merges the merged file back, whichever
/// payment the first merge kept, with each laptop's own date and channel; its operator took money too. Before,
/// merging back said nothing: the other laptop's file held this laptop's mark, so nothing read as made apart.
#[test]
fn merging_back_the_merged_file_names_a_pupil_paid_on_both_laptops_too() {
    let zhou = "450202201711194162";
    for a_first in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, merged) = (dir.path().join("a.db"), dir.path().join("b.db"), dir.path().join("ab.db"));
        canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
        canbao(&a).arg("backup").arg(&b).assert().success();
        let mark = |db: &Path, on: &str, channel: &str| {
            let args = ["mark", zhou, "--payment", "paid", "--amount", "350", "--paid-on", on, "--channel", channel];
            canbao(db).args(args).assert().success();
        };
        let (first, second) = if a_first {
            ((&a, "2026-12-05", "现金"), (&b, "2026-12-06", "微信"))
        } else {
            ((&b, "2026-12-06", "微信"), (&a, "2026-12-05", "现金"))
        };
        mark(first.0, first.1, first.2);
        // Audit instants have whole seconds: the second mark is plainly the newer, so its payment is kept.
        std::thread::sleep(std::time::Duration::from_millis(1100));
        mark(second.0, second.1, second.2);
        std::fs::copy(&a, &merged).unwrap();
        let there = json(canbao(&merged).args(["merge", "--json"]).arg(&b));
        assert_eq!(there["paid_apart"].as_array().map(Vec::len), Some(1), "{there}");
        let preview = json(canbao(&b).args(["merge", "--dry-run", "--json"]).arg(&merged));
        let [paid] = &preview["paid_apart"].as_array().unwrap_or_else(|| panic!("{a_first}: {preview}"))[..] else {
            panic!("{preview}")
        };
        assert_eq!(
            (paid["ours_paid_on"].as_str(), paid["ours_channel"].as_str()),
            (Some("2026-12-06"), Some("微信")),
            "{a_first}: {paid}"
        );
        assert_eq!(
            (paid["theirs_paid_on"].as_str(), paid["theirs_channel"].as_str()),
            (Some("2026-12-05"), Some("现金")),
            "{a_first}: {paid}"
        );
        let (code, text) = said(canbao(&b).arg("merge").arg(&merged));
        assert_eq!(code, Some(0), "{text}");
        assert!(text.contains("两台电脑各自登记了缴费") && text.contains("如重复收取请核实"), "{a_first}: {text}");
        // Merged back once, both hold everything: merged again either way, nothing is said.
        let again = json(canbao(&b).args(["merge", "--json"]).arg(&merged));
        assert!(again.get("paid_apart").is_none(), "{again}");
        let again = json(canbao(&merged).args(["merge", "--json"]).arg(&b));
        assert!(again.get("paid_apart").is_none(), "{again}");
    }
}

/// `--read-only` run by another user than the drive's owner on a drive with nothing beside it: root on a
/// teacher's file, or a colleague who may read the file and write the shared folder but not write the drive. It
/// leaves nothing beside the drive that the owner cannot use, and the owner's `mark` then saves. Before, the
/// colleague's read left a `-wal` and a `-shm` of theirs, mode 0644, and the owner was refused every change.
#[cfg(unix)]
#[test]
fn a_read_only_look_by_another_user_leaves_the_owner_free_to_write() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    // SAFETY: geteuid takes nothing and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        println!("skipping: only root can run canbao as other users");
        return;
    }
    // nobody, and a user with no name, as a colleague.
    const OWNER: u32 = 65534;
    const COLLEAGUE: u32 = 65533;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let share = dir.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let db = share.join("drive.db");
    canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    fn chown_all(path: &Path, uid: u32) {
        std::os::unix::fs::chown(path, Some(uid), Some(uid)).unwrap();
        if path.is_dir() {
            for entry in std::fs::read_dir(path).unwrap() {
                chown_all(&entry.unwrap().path(), uid);
            }
        }
    }
    chown_all(&share, OWNER);
    // The share: anyone makes files in it; the teacher's drive is hers, readable by all.
    std::fs::set_permissions(&share, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let run_as = |uid: u32, args: &[&str]| {
        let home = dir.path().join(format!("home-{uid}"));
        std::fs::create_dir_all(&home).unwrap();
        std::os::unix::fs::chown(&home, Some(uid), Some(uid)).unwrap();
        std::process::Command::new(env!("CARGO_BIN_EXE_canbao"))
            .uid(uid)
            .gid(uid)
            .env_remove("CANBAO_DB")
            .env("CANBAO_OPERATOR", "测试")
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap()
    };
    let sidecars = || {
        ["-wal", "-shm"]
            .iter()
            .filter_map(|s| {
                let file = PathBuf::from(format!("{}{s}", db.display()));
                std::fs::metadata(&file).ok().map(|m| (s.to_string(), m.uid()))
            })
            .collect::<Vec<_>>()
    };
    for reader in [0, COLLEAGUE] {
        let out = run_as(reader, &["--read-only", "stats", "--json"]);
        assert!(out.status.success(), "{reader}: {}", String::from_utf8_lossy(&out.stderr));
        let stats: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(stats["students"], 10, "{stats}");
        let left: Vec<_> = sidecars().into_iter().filter(|(_, uid)| *uid != OWNER).collect();
        assert!(left.is_empty(), "read by {reader}, left beside the drive: {left:?}");
        let out = run_as(OWNER, &["mark", "450202201711194162", "--note", &format!("after {reader}")]);
        assert!(out.status.success(), "after {reader}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let drive = rusqlite::Connection::open(&db).unwrap();
    let note: String =
        drive.query_row("SELECT note FROM students WHERE id_number = '450202201711194162'", [], |r| r.get(0)).unwrap();
    assert_eq!(note, format!("after {COLLEAGUE}"));
}

/// The payments `check` lists as paid at the tax office and not recorded here, as (name, row): the drive's `check`.
fn tax_unrecorded(db: &Path) -> Vec<(String, Option<u64>, String)> {
    let check = json(canbao(db).args(["check", "--json"]));
    let lines = check["tax_paid_unrecorded"].as_array().cloned().unwrap_or_default();
    let agency = check["agency_not_registered"].as_array().cloned().unwrap_or_default();
    lines
        .iter()
        .chain(&agency)
        .map(|l| {
            let name = l["name"].as_str().unwrap_or_default().to_owned();
            (name, l["row"].as_u64(), l["reason"].as_str().unwrap_or_default().to_owned())
        })
        .collect()
}

/// A 票证号码 met again under another name or number for the same amount is one payment under two payers: the later
/// row is kept (not only said in the report), and `check` lists it naming both rows, in Chinese and in English,
/// whoever is recorded paid since, until it is dismissed; the list read again keeps it once. Before, it was said
/// once and dropped, and `check` listed nothing.
#[test]
fn a_receipt_repeated_for_the_same_amount_is_kept_and_listed_with_both_rows() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (zhou, wu) = ("450202201711194162", "450202201804012233");
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期,票证号码",
        &[
            ["周静露", zhou, "380", &oct8, "R-001"],
            ["吴凯远", wu, "380", &oct8, "R-001"],
            ["高敏", "", "380", &oct8, "R-001"],
        ],
    );
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!((report["matched"].as_u64(), report["unapplied_payments"].as_u64()), (Some(1), Some(2)), "{report}");
    assert_eq!(report["repeated_receipts"].as_array().map(Vec::len), Some(2), "{report}");
    assert_eq!((paid_amount(&db, zhou).0, paid_amount(&db, wu).0), ("paid".to_owned(), "unpaid".to_owned()));
    let expected = [
        ("吴凯远".to_owned(), Some(3), "repeated_receipt".to_owned()),
        ("高敏".to_owned(), Some(4), "repeated_receipt".to_owned()),
    ];
    assert_eq!(tax_unrecorded(&db), expected);
    let check = json(canbao(&db).args(["check", "--json"]));
    let first = &check["tax_paid_unrecorded"][0];
    let (why, why_en) = (first["why"].as_str().unwrap_or_default(), first["why_en"].as_str().unwrap_or_default());
    assert!(why.contains("票证号码 R-001 也在 tax.csv 第 2 行 周静露（4502"), "{why}");
    assert!(why_en.contains("receipt R-001 is also on tax.csv row 2 周静露 (4502"), "{why_en}");
    let (code, text) = said(canbao(&db).arg("check"));
    assert_eq!(code, Some(0), "{text}");
    let text = unreferenced(&text);
    let line = text.lines().find(|l| l.contains("名单未记入") && l.contains("[1] 吴凯远")).unwrap_or_default();
    assert!(line.contains("tax.csv 第 3 行") && line.contains("第 2 行 周静露"), "{text}");
    assert!(text.contains("canbao check --dismiss"), "{text}");
    // Read again: kept once. A payment recorded by hand for the later row's pupil does not settle it: the receipt
    // still names two children until the operator, having asked the tax office, dismisses it.
    let again = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!(again["unapplied_kept_before"].as_u64(), Some(2), "{again}");
    canbao(&db)
        .args(["mark", wu, "--payment", "paid", "--amount", "380", "--paid-on", &oct8, "--yes"])
        .assert()
        .success();
    assert_eq!(tax_unrecorded(&db), expected);
}

/// A kept payment not recorded is dismissed by `check --dismiss N --why`: gone from `check`, said in the pupil's
/// history with who and why, not brought back by the list reconciled again nor by a merge with a copy that still
/// has it (either way round); a number out of the list, or no reason, dismisses nothing. Before, a row without a
/// number naming the wrong class stayed listed for good once its pupil was recorded paid by hand.
#[test]
fn a_kept_payment_is_dismissed_with_a_reason_and_stays_dismissed() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (zhou, su) = ("450202201711194162", "450203201802017248");
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,班级,缴费金额,缴费日期",
        &[["周静露", zhou, "三年级2班", "380", &oct8], ["苏萱", "", "三年级2班", "380", &oct8]],
    );
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    let su_row = vec![("苏萱".to_owned(), Some(3), "no_number".to_owned())];
    assert_eq!(tax_unrecorded(&db), su_row);
    canbao(&db)
        .args(["mark", su, "--payment", "paid", "--amount", "380", "--paid-on", &oct8, "--yes"])
        .assert()
        .success();
    assert_eq!(tax_unrecorded(&db), su_row, "the class rule keeps it listed");
    let other = dir.path().join("other.db");
    canbao(&db).arg("backup").arg(&other).assert().success();

    let (code, text) = said(canbao(&db).args(["check", "--dismiss", "1", "--why", "  "]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("--why") && text.contains("未销项"), "{text}");
    let (code, text) = said(canbao(&db).args(["check", "--dismiss", "2", "--why", "x"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("没有第 2 条（共 1 条）"), "{text}");
    let out = canbao(&db).args(["check", "--dismiss", "3", "--why", "x", "--json"]).output().unwrap();
    let failed: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(failed["error"]["kind"], "no_such_line", "{failed}");
    assert_eq!(tax_unrecorded(&db), su_row, "nothing dismissed");

    let why = "已向税务核实，是三年级1班苏萱的缴费，已手工记入";
    let (code, text) = said(canbao(&db).args(["--operator", "李老师", "check", "--dismiss", "1", "--why", why]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("已销项") && unreferenced(&text).contains("[1] 苏萱") && text.contains(why), "{text}");
    assert!(tax_unrecorded(&db).is_empty());
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (operator, new): (String, String) = conn
        .query_row(
            "SELECT operator, new FROM audit WHERE action = 'dismiss' AND field = 'payment_unapplied'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    drop(conn);
    assert!(operator == "李老师" && new.contains(why) && new.contains("苏萱"), "{operator} {new}");
    // The list again, and the copy that still has it, either way round.
    let again = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!(again["unapplied_kept_before"].as_u64(), Some(1), "{again}");
    assert!(tax_unrecorded(&db).is_empty());
    canbao(&db).arg("merge").arg(&other).assert().success();
    assert!(tax_unrecorded(&db).is_empty(), "a merge brings no dismissed payment back");
    assert_eq!(tax_unrecorded(&other), su_row);
    canbao(&other).arg("merge").arg(&db).assert().success();
    assert!(tax_unrecorded(&other).is_empty(), "the dismissal comes across");
}

/// A tax list made only of rows without an ID number whose names nobody on the drive holds is refused as another
/// school's, in words for rows without a number, in Chinese and English, never as numbers nobody holds.
#[test]
fn a_list_of_unnumbered_strangers_is_refused_in_words_for_rows_without_a_number() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[["王小明", "", "380", &oct8], ["李雷", "", "300", &oct8]],
    );
    let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("2 行都没有身份证号码，其姓名本数据文件中也没有学生"), "{text}");
    assert!(!text.contains("身份证号码都不是") && !text.contains("none of the ID numbers"), "{text}");
    let (code, text) = said(canbao(&db).args(["--lang", "en", "reconcile", "--source", "tax"]).arg(&tax));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("its 2 rows give no ID number, and no pupil on the roster has their names"), "{text}");
    assert!(!text.contains("none of the ID numbers"), "{text}");
    let dry = json(canbao(&db).args(["reconcile", "--source", "tax", "--dry-run", "--json"]).arg(&tax));
    assert_eq!((dry["strangers"].as_u64(), dry["unnumbered_strangers"].as_u64()), (Some(0), Some(2)), "{dry}");
    assert!(tax_unrecorded(&db).is_empty(), "nothing kept");
}

/// A tax list's school column names the drive's school when the two differ only in full-width or half-width
/// characters, spaces or （） against (): a row without an ID number is then recorded for the one pupil of its name
/// there. Another name (a suffix more, another school) still never records a pupil of another school.
#[test]
fn a_tax_lists_school_differing_only_in_width_spaces_or_brackets_is_the_drives() {
    let oct8 = days_ago(60);
    let (dir, db) = common::new_drive();
    let (li, wang) = ("450202201711194162", "450203201802017248");
    let list = dir.path().join("list.csv");
    std::fs::write(
        &list,
        format!(
            "学校,姓名,身份证号码,年级,班级\n第一小学（东校区）,李华,{li},一年级,1班\n第二小学,王芳,{wang},一年级,1班\n"
        ),
    )
    .unwrap();
    canbao(&db).arg("import").arg(&list).assert().success();
    use_this_years_policy(dir.path(), &db);
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "学校,姓名,证件号码,年级,班级,缴费金额,缴费日期",
        &[
            ["第一小学 (东校区)", "李华", "", "一年级", "1班", "380", &oct8],
            ["第二小学校", "王芳", "", "一年级", "1班", "380", &oct8],
            ["第一小学（东校区）", "王芳", "", "一年级", "1班", "300", &oct8],
        ],
    );
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!((report["matched"].as_u64(), report["unapplied_payments"].as_u64()), (Some(1), Some(2)), "{report}");
    assert_eq!(paid_amount(&db, li), ("paid".to_owned(), Some(38_000)));
    assert_eq!(paid_amount(&db, wang), ("unpaid".to_owned(), None));
    let rows: Vec<Option<u64>> = tax_unrecorded(&db).into_iter().map(|(_, row, _)| row).collect();
    assert_eq!(rows, [Some(3), Some(4)]);
}

/// Pupils held with one flagged number are listed by `mark NUMBER`, the head counting them in both languages,
/// and a `--pick` past them says whom the number fits and how many; `--pick N` marks the Nth.
#[test]
fn pupils_sharing_a_flagged_number_are_counted_and_picked() {
    let (dir, db) = common::new_drive();
    let list = dir.path().join("list.csv");
    let number = "45020220150101123";
    std::fs::write(&list, format!("姓名,身份证号码,班级\n张三,{number},一年级1班\n李四,{number},一年级1班\n")).unwrap();
    let report = json(canbao(&db).args(["import", "--json"]).arg(&list));
    assert_eq!(report["added"], 2, "{report}");
    let (code, text) = said(canbao(&db).args(["mark", number, "--enrollment", "here"]));
    assert_eq!(code, Some(1), "{text}");
    let heads = [format!("有 2 名学生的身份证号码都是 {number}"), format!("2 pupils share the ID number {number}")];
    assert!(heads.iter().all(|h| text.contains(h.as_str())) && text.contains("--name"), "{text}");
    let (code, text) = said(canbao(&db).args(["mark", number, "--pick", "3", "--enrollment", "here"]));
    assert_eq!(code, Some(1), "{text}");
    let heads = [
        format!("身份证号码为 {number} 的学生只有 2 名，没有第 3 位"),
        format!("pupils with the ID number {number}: only 2, no number 3"),
    ];
    assert!(heads.iter().all(|h| text.contains(h.as_str())), "{text}");
    let (code, text) = said(canbao(&db).args(["mark", number, "--pick", "2", "--enrollment", "here"]));
    assert_eq!(code, Some(0), "{text}");
    let found = json(canbao(&db).args(["find", "李四", "--json"]));
    assert_eq!(found[0]["enrollment"], "here", "{found}");
}

/// The receipt numbers a tax list gave are named with its payment where `mark` refuses a channel over it and where
/// it tells of clearing it, in Chinese and in English; a payment the list gave no receipt for names none.
#[test]
fn marks_words_over_a_tax_lists_payment_name_its_receipt_in_both_languages() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (zhou, wu) = ("450202201711194162", "450202201804012233");
    let tax = dir.path().join("tax.csv");
    let receipt = "332023100800017";
    let rows = format!(
        "姓名,证件号码,缴费金额,缴费日期,缴费渠道,票证号码\n周静露,{zhou},380,{oct8},微信,{receipt}\n吴凯远,{wu},380,{oct8},微信,\n"
    );
    std::fs::write(&tax, rows).unwrap();
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    let (code, zh) = said(canbao(&db).args(["mark", zhou, "--channel", "现金"]));
    let (_, en) = said(canbao(&db).args(["--lang", "en", "mark", zhou, "--channel", "现金"]));
    assert_eq!(code, Some(1), "{zh}");
    assert!(zh.contains(&format!("微信，票证号码 {receipt}）")), "{zh}");
    assert!(en.contains(&format!(", receipt {receipt})")), "{en}");
    let (_, zh) = said(canbao(&db).args(["mark", wu, "--channel", "现金"]));
    assert!(!zh.contains("票证号码") && !zh.contains("receipt"), "{zh}");
    let cleared = canbao(&db).args(["mark", zhou, "--payment", "unpaid"]).output().unwrap();
    assert!(cleared.status.success(), "{cleared:?}");
    let told = String::from_utf8_lossy(&cleared.stderr);
    assert!(told.contains(&format!("核对税务名单记入的（票证号码 {receipt}）；")), "{told}");
    assert!(told.contains(&format!(" (receipt {receipt}): cleared here")), "{told}");
}

/// `find --limit 0` is refused with a word on it, where it printed 「没有找到」 over a match and succeeded.
#[test]
fn find_refuses_a_limit_of_none() {
    let (_dir, db) = common::new_drive();
    canbao(&db).args(["import", "--json"]).arg(fixture("gbk_title.csv")).assert().success();
    let found = json(canbao(&db).args(["find", "罗欣", "--json"]));
    assert!(!found.as_array().unwrap().is_empty(), "{found}");
    let out = canbao(&db).args(["find", "罗欣", "--limit", "0"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("--limit 0 不列出任何学生"), "{said}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("没有找到"));
}

/// `mark --paid-on` explains a day that is no day the same way whichever field is past its end (month 13, 30
/// February), and a negative --amount or --top-up reaches the amount's own refusal, not clap's 「unexpected
/// argument '-5'」.
#[test]
fn mark_explains_impossible_days_and_refuses_negative_amounts_in_words() {
    let (_dir, db) = common::new_drive();
    canbao(&db).args(["import", "--json"]).arg(fixture("gbk_title.csv")).assert().success();
    let pupil = "45020220180710028X";
    for day in ["2026-13-01", "2026-02-30"] {
        let out = canbao(&db).args(["mark", pupil, "--payment", "paid", "--amount", "380", "--paid-on", day]).output();
        let said = String::from_utf8_lossy(&out.unwrap().stderr).into_owned();
        assert!(said.contains(&format!("没有这一天：{day}")), "{day}: {said}");
    }
    let out = canbao(&db).args(["mark", pupil, "--payment", "paid", "--amount", "-5"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("为负数"), "{said}");
    let out = canbao(&db).args(["mark", pupil, "--top-up", "-5"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(!said.contains("unexpected argument"), "{said}");
    let found = json(canbao(&db).args(["find", pupil, "--json"]));
    assert_eq!(found[0]["payment"].as_str(), Some("unpaid"), "nothing saved");
}

/// A staff table stacked under the pupils, under its own header with 姓名 and 身份证号码 (「教师」, then 「序号 姓名
/// 身份证号码 职务 联系电话」), is left out and said with its rows when every one of its numbers is an adult's:
/// before, its teachers were imported as pupils of the sheet's class. The same under 「教职工名单」 below pupils
/// with a class column. A pupil's age among its rows reads the whole table as pupils: no pupil is dropped.
#[test]
fn a_staff_table_under_the_pupils_is_left_out_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let pupil = |n: usize| valid_number(&format!("45020220160{}0{}1{n:02}", 1 + n % 9, 1 + n % 9));
    let adults = [valid_number("45020219840305123"), valid_number("45020219900612456")];
    let young = valid_number("45020220160707789");
    let list = |title: &str, class_column: bool, staff: &[&str]| {
        let mut csv = String::from("四年级2班学生名单\n");
        csv.push_str(if class_column {
            "序号,姓名,身份证号码,班级\n"
        } else {
            "序号,姓名,身份证号码,家长电话\n"
        });
        for n in 0..10 {
            let last = if class_column { "四年级2班" } else { "13800000000" };
            let name = "甲乙丙丁戊己庚辛壬癸".chars().nth(n).unwrap();
            csv.push_str(&format!("{},学生{name},{},{last}\n", n + 1, pupil(n)));
        }
        csv.push_str(&format!("\n{title}\n序号,姓名,身份证号码,职务,联系电话\n"));
        for (n, number) in staff.iter().enumerate() {
            let name = "甲乙".chars().nth(n).unwrap();
            csv.push_str(&format!("{},老师{name},{number},教师,1350000000{n}\n", n + 1));
        }
        csv
    };
    for (title, class_column) in [("教师", false), ("教职工名单", true)] {
        let db = dir.path().join(format!("{title}.db"));
        let file = dir.path().join("四年级2班.csv");
        std::fs::write(&file, list(title, class_column, &[&adults[0], &adults[1]])).unwrap();
        let report = json(canbao(&db).args(["import", "--json"]).arg(&file));
        assert_eq!(report["added"], 10, "{report}");
        let said: Vec<&str> =
            report["problems"].as_array().unwrap().iter().filter_map(|p| p["message"].as_str()).collect();
        let staff = said.iter().find(|m| m.contains("是教职工表")).unwrap_or_else(|| panic!("{said:?}"));
        assert!(staff.starts_with("第 16 至 17 行是教职工表") && staff.contains("2 人"), "{staff}");
        // The staff's rows gave no 「…工作表名称…也没有写出班级」 either.
        assert!(!said.iter().any(|m| m.contains("没有写出班级")), "{said:?}");
        for number in &adults {
            let found = json(canbao(&db).args(["find", number, "--json"]));
            assert_eq!(found.as_array().map(Vec::len), Some(0), "{number}: {found}");
        }
    }
    // A pupil's age among the staff rows: the whole table is read, the adult flagged as before.
    let db = dir.path().join("mixed.db");
    let file = dir.path().join("四年级2班.csv");
    std::fs::write(&file, list("教师", false, &[&adults[0], &young])).unwrap();
    let report = json(canbao(&db).args(["import", "--json"]).arg(&file));
    assert_eq!(report["added"], 12, "{report}");
}

/// `policy use` of a policy with a higher amount due says how many payments recorded in full it reads as short
/// (部分缴费, no longer insured): before, 380 paid under a new 400 became part payments without a word and the
/// stats' 已参保 dropped. Back to the first policy, none is short and nothing is said.
#[test]
fn policy_use_says_the_payments_the_new_amount_reads_as_short() {
    let (dir, db) = tax_drive();
    let zhou = "450202201711194162";
    canbao(&db)
        .args(["mark", zhou, "--payment", "paid", "--amount", "380", "--paid-on", &days_ago(10)])
        .assert()
        .success();
    let insured = json(canbao(&db).args(["stats", "--json"]))["insured"].as_i64().unwrap();
    let folder = dir.path().join("this-years-config");
    let year = drive_year(&db);
    let text = std::fs::read_to_string(folder.join("canbao/policies/this-year.toml")).unwrap();
    assert!(text.contains(&format!("insured_year = {year}")));
    let dearer = text.replace("personal_premium = 380", "personal_premium = 400");
    std::fs::write(folder.join("canbao/policies/this-year-400.toml"), dearer).unwrap();
    let run = |name: &str| {
        let mut cmd = canbao(&db);
        cmd.env("XDG_CONFIG_HOME", &folder).env("HOME", dir.path()).args(["policy", "use", name, "--yes"]);
        said(&mut cmd)
    };
    let (code, text) = run("this-year-400");
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("1 名学生已记录的缴费不足应缴，现计为部分缴费"), "{text}");
    assert_eq!(json(canbao(&db).args(["stats", "--json"]))["insured"].as_i64(), Some(insured - 1));
    let (code, text) = run("this-year");
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("不足应缴"), "{text}");
}

/// Staff listed under a staff title with no header of their own (「教职工名单」 or 「教师」, then their rows in the
/// pupils' columns) are left out and said under that title: before, they were imported as pupils of the list, and
/// 「教师」 was said as a row with no name. A pupil's age among them reads them all. A class written as a number is
/// said with an example the import does not itself read as a class.
#[test]
fn staff_under_a_title_without_their_own_header_are_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let pupil = |n: usize| valid_number(&format!("4502022017030{}1{n:02}", 1 + n));
    let adults = [valid_number("45020219880305123"), valid_number("45020219880612456")];
    let young = valid_number("45020220170707789");
    let list = |title: &str, staff: &[&str]| {
        let mut csv = String::from("序号,姓名,身份证号码,班级\n");
        for n in 0..3 {
            csv.push_str(&format!("{},学生{n},{},301\n", n + 1, pupil(n)));
        }
        csv.push_str(&format!("\n{title}\n"));
        for (n, number) in staff.iter().enumerate() {
            csv.push_str(&format!("{},老师{n},{number},\n", n + 1));
        }
        csv
    };
    for title in ["教职工名单", "教师", "三年级2班教师"] {
        let db = dir.path().join(format!("{title}.db"));
        let file = dir.path().join("s.csv");
        std::fs::write(&file, list(title, &[&adults[0], &adults[1]])).unwrap();
        let report = json(canbao(&db).args(["import", "--json", "--school", "学校"]).arg(&file));
        assert_eq!(report["added"], 3, "{title}: {report}");
        let said: Vec<&str> =
            report["problems"].as_array().unwrap().iter().filter_map(|p| p["message"].as_str()).collect();
        let staff = said.iter().find(|m| m.contains("是教职工表")).unwrap_or_else(|| panic!("{said:?}"));
        assert!(staff.starts_with(&format!("第 6 至 8 行是教职工表“{title}”：2 人")), "{staff}");
        assert!(!said.iter().any(|m| m.contains("此行没有姓名")), "{said:?}");
        let numbered = said.iter().find(|m| m.contains("已按班级读入")).unwrap_or_else(|| panic!("{said:?}"));
        assert!(!numbered.contains("101") && !numbered.contains("301 指"), "{numbered}");
        for number in &adults {
            let found = json(canbao(&db).args(["find", number, "--json"]));
            assert_eq!(found.as_array().map(Vec::len), Some(0), "{number}: {found}");
        }
    }
    let db = dir.path().join("mixed.db");
    let file = dir.path().join("s.csv");
    std::fs::write(&file, list("教师", &[&adults[0], &young])).unwrap();
    let report = json(canbao(&db).args(["import", "--json", "--school", "学校"]).arg(&file));
    assert_eq!(report["added"], 5, "{report}");
}

/// `check --dismiss N` takes the number `check` printed, and a dismissal shifts no other line's number: with [1]
/// dismissed, [3] of the first listing is still [3], in `check`, `check --json` and the dismissal itself. Before,
/// the lines were numbered afresh, so [3] of the first listing was dismissed as [2] and `--dismiss 3` took another.
#[test]
fn a_dismissal_leaves_the_other_lines_numbered_as_first_listed() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let zhou = "450202201711194162";
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,班级,缴费金额,缴费日期",
        &[
            ["周静露", zhou, "三年级2班", "380", &oct8],
            ["苏萱", "", "三年级2班", "380", &oct8],
            ["王甲", "", "三年级2班", "380", &oct8],
            ["李乙", "", "三年级2班", "380", &oct8],
            ["赵丙", "", "三年级2班", "380", &oct8],
        ],
    );
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    let first = kept_lines(&db);
    assert_eq!(first.iter().map(|(n, _)| *n).collect::<Vec<_>>(), vec![1, 2, 3, 4], "{first:?}");
    let third = first[2].1.clone();
    canbao(&db).args(["check", "--dismiss", "1", "--why", "已核实"]).assert().success();
    let after = kept_lines(&db);
    assert_eq!(after, first[1..].to_vec(), "numbers as first listed");
    let (_, text) = said(canbao(&db).arg("check"));
    let text = unreferenced(&text);
    assert!(text.contains(&format!("[3] {third}")) && !text.contains(&format!("[1] {}", first[0].1)), "{text}");
    let (code, text) = said(canbao(&db).args(["check", "--dismiss", "3", "--why", "已核实"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(unreferenced(&text).contains(&format!("[3] {third}")), "{text}");
    let left = kept_lines(&db);
    assert_eq!(left, vec![first[1].clone(), first[3].clone()], "the one first listed as [3] is dismissed");
    // Given again, a number names the same payment, dismissed already; one never listed dismisses nothing.
    let (code, text) = said(canbao(&db).args(["check", "--dismiss", "1", "--why", "x"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("已于") && text.contains(&first[0].1), "{text}");
    let (code, text) = said(canbao(&db).args(["check", "--dismiss", "9", "--why", "x"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("没有第 9 条") && text.contains("2, 4"), "{text}");
}

/// A tax list reconciled again after one of its payments was dismissed says only the ones `check` will list as not
/// recorded, and the dismissed one apart. Before, it said 「有 2 笔缴费未记入本机 … canbao check 会列出」 of a list
/// `check` listed one payment of.
#[test]
fn a_list_reconciled_again_counts_no_dismissed_payment_among_those_check_lists() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let zhou = "450202201711194162";
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,班级,缴费金额,缴费日期",
        &[
            ["周静露", zhou, "三年级2班", "380", &oct8],
            ["苏萱", "", "三年级2班", "380", &oct8],
            ["王甲", "", "三年级2班", "380", &oct8],
        ],
    );
    let (_, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
    assert!(text.contains("税务名单中有 2 笔缴费未记入本机"), "{text}");
    canbao(&db).args(["check", "--dismiss", "1", "--why", "已核实"]).assert().success();
    assert_eq!(tax_unrecorded(&db).len(), 1);
    let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("税务名单中有 1 笔缴费未记入本机"), "{text}");
    assert!(text.contains("另有 1 笔缴费此前已销项"), "{text}");
    let again = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!(again["unapplied_dismissed"].as_u64(), Some(1), "{again}");
}

/// A dismissal is taken back by `check --undismiss N --why`: `check --dismissed` lists the payments dismissed under
/// the numbers `check` gave them, with who, when and why; taken back, the payment is listed again under its number,
/// with an audit row. A merge carries the taking back either way round, a copy's dismissal that the taking back
/// took back does not bring the dismissal back, and a dismissal made afterwards on the copy holds. Before, only a
/// backup restore undid a dismissal.
#[test]
fn a_dismissal_is_taken_back_and_merges_carry_it_either_way() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let zhou = "450202201711194162";
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,班级,缴费金额,缴费日期",
        &[
            ["周静露", zhou, "三年级2班", "380", &oct8],
            ["苏萱", "", "三年级2班", "380", &oct8],
            ["王甲", "", "三年级2班", "380", &oct8],
        ],
    );
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    let both = vec![(1, "苏萱".to_owned()), (2, "王甲".to_owned())];
    assert_eq!(kept_lines(&db), both);
    let (code, text) = said(canbao(&db).args(["check", "--dismissed"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("没有已销项的缴费"), "{text}");
    let why = "已向税务核实，是三年级1班苏萱的缴费";
    canbao(&db).args(["--operator", "李老师", "check", "--dismiss", "1", "--why", why]).assert().success();
    assert_eq!(kept_lines(&db), vec![(2, "王甲".to_owned())]);
    let other = dir.path().join("other.db");
    canbao(&db).arg("backup").arg(&other).assert().success();

    let (code, text) = said(canbao(&db).args(["check", "--dismissed"]));
    assert_eq!(code, Some(0), "{text}");
    let text = unreferenced(&text);
    let line = text.lines().find(|l| l.contains("[1] 苏萱")).unwrap_or_default();
    assert!(line.contains("李老师") && line.contains(why), "{text}");
    assert!(text.contains("canbao check --undismiss"), "{text}");
    let listed = json(canbao(&db).args(["check", "--dismissed", "--json"]));
    assert_eq!(listed[0]["number"].as_u64(), Some(1), "{listed}");
    assert_eq!(
        (listed[0]["operator"].as_str(), listed[0]["dismissal_reason"].as_str()),
        (Some("李老师"), Some(why)),
        "{listed}"
    );
    let (code, text) = said(canbao(&db).args(["check", "--undismiss", "1", "--why", " "]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("--why") && text.contains("未撤销"), "{text}");
    let out = canbao(&db).args(["check", "--undismiss", "2", "--why", "x", "--json"]).output().unwrap();
    let failed: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(failed["error"]["kind"], "no_such_line", "{failed}");

    let back = "销错了：三年级1班苏萱另有缴费";
    let (code, text) = said(canbao(&db).args(["--operator", "王老师", "check", "--undismiss", "1", "--why", back]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("已撤销销项") && unreferenced(&text).contains("[1] 苏萱") && text.contains(back), "{text}");
    assert_eq!(kept_lines(&db), both, "listed again under its number");
    assert!(json(canbao(&db).args(["check", "--dismissed", "--json"])).as_array().is_some_and(Vec::is_empty));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (operator, new): (String, String) = conn
        .query_row("SELECT operator, new FROM audit WHERE action = 'undismiss'", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    drop(conn);
    assert!(operator == "王老师" && new.contains(back), "{operator} {new}");

    // The copy still holding the dismissal, merged in: the dismissal taken back stays taken back.
    canbao(&db).arg("merge").arg(&other).assert().success();
    assert_eq!(kept_lines(&db), both, "a merge brings no dismissal taken back again");
    assert_eq!(kept_lines(&other), vec![(2, "王甲".to_owned())]);
    canbao(&other).arg("merge").arg(&db).assert().success();
    assert_eq!(kept_lines(&other).iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>(), ["苏萱", "王甲"]);
    // Dismissed again on the copy, after the taking back: that dismissal holds on both.
    canbao(&other).args(["check", "--dismiss", "1", "--why", "再次核实"]).assert().success();
    canbao(&db).arg("merge").arg(&other).assert().success();
    assert_eq!(kept_lines(&db), vec![(2, "王甲".to_owned())], "a later dismissal holds");
}

/// A payment `check` lists keeps its number when another listed one gets recorded, and when a list read later
/// sorts its rows among the others: the number is the one it got when it was kept. Before, the lines were numbered
/// by their place, so recording [1] made [2] read [1], and `--dismiss 2` dismissed another payment.
#[test]
fn a_listed_payment_keeps_its_number_when_another_is_recorded_or_a_later_list_sorts_before_it() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (zhou, wu) = ("450202201711194162", "450202201804012233");
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,班级,缴费金额,缴费日期",
        &[
            ["周静露", zhou, "三年级2班", "380", &oct8],
            ["吴凯运", wu, "三年级2班", "380", &oct8],
            ["苏萱", "", "三年级2班", "380", &oct8],
            ["王甲", "", "三年级2班", "380", &oct8],
        ],
    );
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    assert_eq!(kept_lines(&db), vec![(1, "吴凯运".to_owned()), (2, "苏萱".to_owned()), (3, "王甲".to_owned())]);
    // The payment under another name is the pupil's: recorded, it is listed no more, and the others keep theirs.
    canbao(&db)
        .args(["mark", wu, "--payment", "paid", "--amount", "380", "--paid-on", &oct8, "--yes"])
        .assert()
        .success();
    assert_eq!(kept_lines(&db), vec![(2, "苏萱".to_owned()), (3, "王甲".to_owned())]);
    // A later list of the same name whose row sorts before theirs.
    let later = dir.path().join("later");
    std::fs::create_dir(&later).unwrap();
    std::fs::write(
        later.join("tax.csv"),
        format!(
            "姓名,证件号码,班级,缴费金额,缴费日期\n李乙,,三年级2班,300,{oct8}\n周静露,{zhou},三年级2班,380,{oct8}\n"
        ),
    )
    .unwrap();
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(later.join("tax.csv")).assert().success();
    let after = kept_lines(&db);
    assert!(after.contains(&(2, "苏萱".to_owned())) && after.contains(&(3, "王甲".to_owned())), "{after:?}");
    assert!(after.iter().any(|(n, name)| name == "李乙" && *n > 3), "{after:?}");
    let (_, text) = said(canbao(&db).arg("check"));
    assert!(unreferenced(&text).contains("[3] 王甲"), "{text}");
    let (code, text) = said(canbao(&db).args(["check", "--dismiss", "3", "--why", "已核实"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(unreferenced(&text).contains("[3] 王甲"), "{text}");
}

/// Two rows without an ID number of the same name, amount and date from two schools of a tax list are two
/// families' payments: kept and listed apart, and dismissing one leaves the other. Before, the second was taken
/// for the first kept already and only one was listed.
#[test]
fn unnumbered_rows_of_one_name_amount_and_date_at_two_schools_are_listed_apart() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let zhou = "450202201711194162";
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "学校,姓名,证件号码,缴费金额,缴费日期",
        &[
            ["", "周静露", zhou, "380", &oct8],
            ["第一小学", "王甲", "", "380", &oct8],
            ["第二小学", "王甲", "", "380", &oct8],
        ],
    );
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!(report["unapplied_payments"].as_u64(), Some(2), "{report}");
    let rows: Vec<Option<u64>> = tax_unrecorded(&db).into_iter().map(|(_, row, _)| row).collect();
    assert_eq!(rows, [Some(3), Some(4)]);
    let again = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!(again["unapplied_kept_before"].as_u64(), Some(2), "{again}");
    canbao(&db).args(["check", "--dismiss", "1", "--why", "已核实"]).assert().success();
    let rows: Vec<Option<u64>> = tax_unrecorded(&db).into_iter().map(|(_, row, _)| row).collect();
    assert_eq!(rows, [Some(4)]);
}

/// A dismissal of a row without an ID number is said in the history of the pupil of its name when the drive holds
/// exactly one: the operator's word on whose payment it was is where the pupil's payments are. Two pupils of the
/// name: in neither. Before, it was in no pupil's history, only the log.
#[test]
fn a_dismissed_row_without_a_number_is_in_the_history_of_the_one_pupil_of_its_name() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (zhou, su) = ("450202201711194162", "450203201802017248");
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,班级,缴费金额,缴费日期",
        &[["周静露", zhou, "三年级2班", "380", &oct8], ["苏萱", "", "三年级2班", "380", &oct8]],
    );
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    let why = "已向税务核实，是三年级1班苏萱的缴费";
    canbao(&db).args(["check", "--dismiss", "1", "--why", why]).assert().success();
    let dismissals = |db: &Path| {
        let store = canbao::store::Store::open_read_only(db).unwrap();
        let pupil = store.student_by_id_number(su).unwrap().expect("苏萱");
        let history = store.history(pupil.id).unwrap();
        history.iter().filter(|e| e.action == "dismiss" && e.new.as_deref().is_some_and(|n| n.contains(why))).count()
    };
    assert_eq!(dismissals(&db), 1);
    // A second 苏萱 on the drive: whose it was is no longer told by the name.
    let list = dir.path().join("more.csv");
    std::fs::write(&list, "姓名,身份证号,所在年级、班级\n苏萱,450203201806050029,三年级2班\n").unwrap();
    canbao(&db).arg("import").arg(&list).assert().success();
    assert_eq!(dismissals(&db), 0);
}

/// A drive kept payments before they were numbered when kept (schema 14) has them numbered in the order they were
/// kept: read-only as it is, and on opening, once, in the migration; a payment kept afterwards takes the next number.
#[test]
fn an_older_drives_kept_payments_are_numbered_in_the_order_they_were_kept() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let zhou = "450202201711194162";
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,班级,缴费金额,缴费日期",
        &[
            ["周静露", zhou, "三年级2班", "380", &oct8],
            ["苏萱", "", "三年级2班", "380", &oct8],
            ["王甲", "", "三年级2班", "380", &oct8],
        ],
    );
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER audit_kept_number; DROP TABLE kept_numbers; PRAGMA user_version = 14;").unwrap();
    drop(conn);
    let numbered = |db: &Path, read_only: bool| -> Vec<(u64, String)> {
        let mut command = canbao(db);
        if read_only {
            command.arg("--read-only");
        }
        let check = json(command.args(["check", "--json"]));
        let lines = check["tax_paid_unrecorded"].as_array().cloned().unwrap_or_default();
        lines.iter().map(|l| (l["number"].as_u64().unwrap_or(0), l["name"].as_str().unwrap_or("").to_owned())).collect()
    };
    let both = vec![(1, "苏萱".to_owned()), (2, "王甲".to_owned())];
    assert_eq!(numbered(&db, true), both, "read as it is");
    assert_eq!(numbered(&db, false), both, "numbered on opening");
    let version: i64 =
        rusqlite::Connection::open(&db).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, canbao::store::schema::latest_version());
    let later = write_csv(
        dir.path(),
        "later.csv",
        "姓名,证件号码,班级,缴费金额,缴费日期",
        &[["李乙", "", "三年级2班", "300", &oct8], ["周静露", zhou, "三年级2班", "380", &oct8]],
    );
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&later).assert().success();
    assert_eq!(numbered(&db, false), vec![both[0].clone(), both[1].clone(), (3, "李乙".to_owned())]);
}

/// `policy use` of a policy whose amount due reads payments recorded in full as short asks, as the screen's
/// policy choice asks: without `--yes` it is refused with the count and the command that sets it anyway, and the
/// drive keeps its policy (the stats' 已参保 unchanged); under `--lang en` in English; with `--yes` it is set. A
/// policy that reads none as short needs no `--yes`.
#[test]
fn policy_use_asks_for_yes_when_the_new_amount_reads_payments_as_short() {
    let (dir, db) = tax_drive();
    let zhou = "450202201711194162";
    canbao(&db)
        .args(["mark", zhou, "--payment", "paid", "--amount", "380", "--paid-on", &days_ago(10)])
        .assert()
        .success();
    let stats = || json(canbao(&db).args(["stats", "--json"]));
    let insured = stats()["insured"].as_i64().unwrap();
    let folder = dir.path().join("this-years-config");
    let text = std::fs::read_to_string(folder.join("canbao/policies/this-year.toml")).unwrap();
    let dearer = text.replace("personal_premium = 380", "personal_premium = 400");
    std::fs::write(folder.join("canbao/policies/this-year-400.toml"), dearer).unwrap();
    let run = |args: &[&str]| {
        let mut cmd = canbao(&db);
        cmd.env("XDG_CONFIG_HOME", &folder).env("HOME", dir.path()).args(args);
        said(&mut cmd)
    };
    let (code, text) = run(&["policy", "use", "this-year-400"]);
    assert_eq!(code, Some(1), "{text}");
    for words in ["1 名学生已记录的缴费会不足应缴", "未选定政策", "--yes", "policy use this-year-400 --yes"]
    {
        assert!(text.contains(words), "{words}: {text}");
    }
    assert_eq!(stats()["insured"].as_i64(), Some(insured), "nothing changed");
    let (code, text) = run(&["--lang", "en", "policy", "use", "this-year-400"]);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("1 pupil(s) would be short") && !text.contains("未选定"), "{text}");
    let (code, text) = run(&["policy", "use", "this-year-400", "--yes"]);
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(stats()["insured"].as_i64(), Some(insured - 1));
    let (code, text) = run(&["policy", "use", "this-year"]);
    assert_eq!(code, Some(0), "back to 380 reads nobody as short: {text}");
}

/// A numeric value that is none (`find --limit=-1`, `--year 二〇二七`, `mark --pick 0`) is said as every other
/// refusal is, 「错误 (error): 中文 (English)」, English alone under `--lang en`, where clap's message was English
/// only; a negative number given apart from its flag (`--limit -1`) is read as the flag's value, not as an unknown
/// flag. Exit 2, and under --json the usage error as JSON.
#[test]
fn numeric_values_that_are_no_numbers_are_refused_in_chinese_and_english() {
    let (_dir, db) = imported("gbk_title.csv");
    for (args, zh) in [
        (&["find", "x", "--limit=-1"][..], "--limit 的值「-1」不对：应为 1 或更大的整数"),
        (&["find", "x", "--limit", "-1"][..], "--limit 的值「-1」不对：应为 1 或更大的整数"),
        (&["find", "x", "--limit", "many"][..], "--limit 的值「many」不对"),
        (&["check", "--dismiss", "-2", "--why", "x"][..], "--dismiss 的值「-2」不对"),
        (&["--year", "二〇二七", "stats"][..], "--year 的值「二〇二七」不对：应为四位数的年度，如 2027"),
        (&["year", "new", "-2027"][..], "的值「-2027」不对：应为四位数的年度"),
        (&["policy", "new", "x", "--from", "yibin-2024", "--year", "2o27"][..], "--year 的值「2o27」不对"),
        (&["mark", "x", "--pick", "0", "--payment", "paid"][..], "--pick 的值「0」不对：应为 1 或更大的整数"),
    ] {
        let out = canbao(&db).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with("错误 (error): ") && stderr.contains(zh), "{args:?}: {stderr}");
        assert!(stderr.contains("(invalid value '"), "{args:?}: {stderr}");
        assert!(!stderr.contains("For more information"), "clap's own message: {args:?}: {stderr}");
    }
    let out = canbao(&db).args(["--lang", "en", "find", "x", "--limit=-1"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.starts_with("error: invalid value '-1' for --limit: give a whole number of 1 or more"), "{stderr}");
    assert!(!stderr.contains("不对"), "{stderr}");
    let out = canbao(&db).args(["find", "x", "--limit=-1", "--json"]).output().unwrap();
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(answer["error"]["kind"], "usage", "{answer}");
    // Numbers as they were: a count, 0 (refused by find in its own words), a year nobody has.
    canbao(&db).args(["find", "x", "--limit", "5"]).assert().code(0);
    let out = canbao(&db).args(["find", "x", "--limit", "0"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--limit 0 不列出任何学生"));
}

/// A part payment the tax office's list recorded and the operator topped up by hand since (补缴, dated the day
/// of the top-up) is the payment the list still holds: the list read again, with or without 票证号码, and on a
/// laptop that read it apart and merged the top-up in, finds it recorded (原已一致), no conflict, nothing kept
/// for `check` to list, and the sum stands.
#[test]
fn a_tax_list_read_again_after_a_hand_top_up_finds_its_part_payment_recorded() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (zhou, wu) = ("450202201711194162", "450202201804012233");
    let before = dir.path().join("before.db");
    std::fs::copy(&db, &before).unwrap();
    let with_receipts = write_csv(
        dir.path(),
        "receipts.csv",
        "姓名,证件号码,缴费金额,缴费日期,票证号码",
        &[["周静露", zhou, "200", &oct8, "332023100800017"]],
    );
    let without =
        write_csv(dir.path(), "plain.csv", "姓名,证件号码,缴费金额,缴费日期", &[["吴凯远", wu, "300", &oct8]]);
    for (list, id, top_up, total) in [(&with_receipts, zhou, "180", 38_000), (&without, wu, "80", 38_000)] {
        canbao(&db).args(["reconcile", "--source", "tax"]).arg(list).assert().success();
        canbao(&db).args(["mark", id, "--top-up", top_up]).assert().success();
        assert_eq!(paid_amount(&db, id), ("paid".to_owned(), Some(total)));
        let again = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(list));
        assert_eq!((again["matched"].as_u64(), again["already"].as_u64()), (Some(0), Some(1)), "{again}");
        assert_eq!(again["conflicts"].as_array().map(Vec::len), Some(0), "{again}");
        assert_eq!(again["unapplied_payments"].as_u64(), Some(0), "{again}");
        assert_eq!(paid_amount(&db, id), ("paid".to_owned(), Some(total)), "the top-up stays");
    }
    let check = json(canbao(&db).args(["check", "--json", "--reveal"]));
    assert_eq!(check["tax_paid_unrecorded"].as_array().map(Vec::len), Some(0), "{check}");

    // Another laptop read the list apart, then merged the top-up in: the list read there again is recorded too.
    canbao(&before).args(["reconcile", "--source", "tax"]).arg(&with_receipts).assert().success();
    let merged = json(canbao(&before).args(["merge", "--json"]).arg(&db));
    assert_eq!(merged["conflicts"].as_array().map(Vec::len), Some(0), "{merged}");
    assert_eq!(paid_amount(&before, zhou), ("paid".to_owned(), Some(38_000)), "the top-up stands: {merged}");
    let again = json(canbao(&before).args(["reconcile", "--source", "tax", "--json"]).arg(&with_receipts));
    assert_eq!(again["conflicts"].as_array().map(Vec::len), Some(0), "{again}");
    assert_eq!(again["unapplied_payments"].as_u64(), Some(0), "{again}");
    let check = json(canbao(&before).args(["check", "--json", "--reveal"]));
    assert!(!check["tax_paid_unrecorded"].as_array().unwrap().iter().any(|k| k["id_number"] == zhou), "{check}");
}

/// A list titled with the drive's school written short (城中区实验小学 on a drive of 柳州市城中区实验小学),
/// imported without --school, goes into the drive's school, said with the command that imports it as written;
/// taken as written it moved the held pupils into a second school and split their class.
#[test]
fn a_list_titled_with_the_drives_school_written_short_goes_into_that_school() {
    let (dir, db) = common::new_drive();
    let head = "姓名,身份证号,所在年级、班级\n";
    let rows = "何博杰,450202201510123026,五年级1班\n陶子怡,450202201507133055,五年级1班\n";
    let first = dir.path().join("first.csv");
    std::fs::write(&first, format!("{head}{rows}")).unwrap();
    canbao(&db).args(["import", "--school", "柳州市城中区实验小学"]).arg(&first).assert().success();
    let short = dir.path().join("short.csv");
    std::fs::write(&short, format!("城中区实验小学五年级1班名单\n{head}{rows}")).unwrap();
    let out = canbao(&db).arg("import").arg(&short).output().unwrap();
    assert!(out.status.success());
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    for words in ["可能是同一所学校", "已全部导入“柳州市城中区实验小学”", "--school 城中区实验小学"]
    {
        assert!(said.contains(words), "{words}: {said}");
    }
    assert!(!said.contains("转到"), "{said}");
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    assert_eq!(store.schools().unwrap(), ["柳州市城中区实验小学"], "{said}");
}

/// A dismissed row without an ID number that names another school is not in the history of the one pupil of its
/// name at this school: it was another school's pupil's payment.
#[test]
fn a_dismissed_row_of_another_school_is_not_in_the_history_of_the_pupil_of_its_name() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let su = "450203201802017248";
    let tax = dir.path().join("tax.csv");
    let zhou = "450202201711194162";
    std::fs::write(
        &tax,
        format!(
            "姓名,证件号码,学校,班级,缴费金额,缴费日期\n周静露,{zhou},,三年级2班,380,{oct8}\n\
             苏萱,,别的小学,三年级2班,380,{oct8}\n"
        ),
    )
    .unwrap();
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    let kept: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT new FROM audit WHERE field = 'payment_unapplied' AND id_number = ''", [], |r| r.get(0))
        .unwrap();
    assert!(kept.contains("别的小学"), "the row is kept with its school: {kept}");
    let why = "别的学校的苏萱";
    canbao(&db).args(["check", "--dismiss", "1", "--why", why]).assert().success();
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let pupil = store.student_by_id_number(su).unwrap().expect("苏萱");
    let history = store.history(pupil.id).unwrap();
    assert!(!history.iter().any(|e| e.action == "dismiss"), "{history:?}");
}

/// `check --dismissed --json` gives each line's own words as `why` and `why_en`, as `check --json` does, and the
/// reason the dismissal was given under `dismissal_reason`, once each; `--dismiss --json` and `--undismiss --json`
/// name the reason given the same way. Before, the dismissal's reason was a second `why` beside the line's, and a
/// reader took one or the other.
#[test]
fn the_dismissed_lines_json_keeps_the_lines_words_apart_from_the_reason_given() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,班级,缴费金额,缴费日期",
        &[["苏萱", "", "三年级2班", "380", &oct8]],
    );
    canbao(&db).args(["reconcile", "--source", "tax", "--keep-unmatched"]).arg(&tax).assert().success();
    let check = json(canbao(&db).args(["check", "--json"]));
    let line = check["tax_paid_unrecorded"][0].clone();
    assert!(line["why"].as_str().is_some_and(|w| !w.is_empty()), "{line}");
    let why = "已向税务核实，是三年级1班苏萱的缴费";
    let done = json(canbao(&db).args(["check", "--dismiss", "1", "--why", why, "--json"]));
    assert_eq!(done["dismissal_reason"].as_str(), Some(why), "{done}");
    assert_eq!(done["dismissed"]["why"], line["why"], "{done}");
    let out = canbao(&db).args(["check", "--dismissed", "--json"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(text.matches("\"why\":").count(), 1, "one `why` to the line: {text}");
    let listed: Value = serde_json::from_str(&text).expect("json");
    assert_eq!((&listed[0]["why"], &listed[0]["why_en"]), (&line["why"], &line["why_en"]), "{listed}");
    assert_eq!(listed[0]["dismissal_reason"].as_str(), Some(why), "{listed}");
    let back = "销错了";
    let undone = json(canbao(&db).args(["check", "--undismiss", "1", "--why", back, "--json"]));
    assert_eq!(undone["undismissal_reason"].as_str(), Some(back), "{undone}");
    assert_eq!(undone["undismissed"]["why"], line["why"], "{undone}");
}

/// A payment dismissed and recorded since (the pupil marked paid with the list's amount and date) is still listed
/// by `check --dismissed`, said as recorded since (`since_recorded` in `--json`), and can still be taken back.
/// Before, it was in no list once recorded, so its dismissal could be neither seen nor taken back.
#[test]
fn a_payment_dismissed_and_recorded_since_is_still_listed_as_dismissed() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let zhou = "450202201711194162";
    let tax = write_csv(dir.path(), "tax.csv", "姓名,证件号码,缴费金额,缴费日期", &[["周静", zhou, "380", &oct8]]);
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    assert_eq!(tax_unrecorded(&db).len(), 1, "kept under another name");
    canbao(&db).args(["check", "--dismiss", "1", "--why", "已核实"]).assert().success();
    let listed = json(canbao(&db).args(["check", "--dismissed", "--json"]));
    assert_eq!(listed[0]["since_recorded"].as_bool(), Some(false), "{listed}");
    canbao(&db)
        .args(["mark", zhou, "--payment", "paid", "--amount", "380", "--paid-on", &oct8, "--yes"])
        .assert()
        .success();
    let listed = json(canbao(&db).args(["check", "--dismissed", "--json"]));
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!((listed[0]["name"].as_str(), listed[0]["since_recorded"].as_bool()), (Some("周静"), Some(true)));
    let (code, text) = said(canbao(&db).args(["check", "--dismissed"]));
    assert_eq!(code, Some(0), "{text}");
    let line = text.lines().find(|l| l.contains("周静")).unwrap_or_default();
    assert!(line.contains("已核实") && line.contains("此后已记入缴费"), "{text}");
    canbao(&db).args(["check", "--undismiss", "1", "--why", "销错了"]).assert().success();
    assert!(json(canbao(&db).args(["check", "--dismissed", "--json"])).as_array().is_some_and(Vec::is_empty));
}

/// A drive of schema 14 whose kept payments the upgrade to fixed numbers numbers anew: the first `check` after it
/// says the numbers changed, once; a later `check` does not, nor does a drive that never had other numbers.
/// Before, only the README said so, and a list printed before the upgrade was dismissed by its old numbers.
#[test]
fn the_first_check_after_the_upgrade_to_fixed_numbers_says_they_changed_once() {
    let (_dir, db) = two_kept_payments();
    let changed = "编号已改为记入时的固定编号";
    let (code, text) = said(canbao(&db).arg("check"));
    assert_eq!(code, Some(0), "{text}");
    assert!(unreferenced(&text).contains("[1] 苏萱") && !text.contains(changed), "never numbered otherwise: {text}");
    // As a canbao of schema 14 left it: no fixed numbers.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER audit_kept_number; DROP TABLE kept_numbers; PRAGMA user_version = 14;").unwrap();
    drop(conn);
    let (code, text) = said(canbao(&db).arg("check"));
    assert_eq!(code, Some(0), "{text}");
    assert!(unreferenced(&text).contains("[1] 苏萱") && text.contains(changed), "{text}");
    let (_, text) = said(canbao(&db).arg("check"));
    assert!(unreferenced(&text).contains("[1] 苏萱") && !text.contains(changed), "said once: {text}");
}

/// Two laptops that kept the same payments in another order number them apart after merging both ways, but each
/// payment has one reference on both: `check` shows it beside the number (`[2 K3F9QX]`), `--json` as `reference`,
/// and `check --dismiss`/`--undismiss` take it as they take the number, typed in either case. Before, only the
/// numbers named a line, and 「第 1 条」 said from one laptop to the other was another payment there.
#[test]
fn two_laptops_merged_both_ways_show_each_payment_under_one_reference() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let other = dir.path().join("other.db");
    canbao(&db).arg("backup").arg(&other).assert().success();
    let list = |name: &str, rows: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("姓名,证件号码,班级,缴费金额,缴费日期\n{rows}")).unwrap();
        path
    };
    let su = format!("苏萱,,三年级2班,380,{oct8}\n");
    let wang = format!("王甲,,三年级2班,380,{oct8}\n");
    canbao(&db).args(["reconcile", "--source", "tax", "--keep-unmatched"]).arg(list("a.csv", &su)).assert().success();
    canbao(&db).args(["reconcile", "--source", "tax", "--keep-unmatched"]).arg(list("b.csv", &wang)).assert().success();
    canbao(&other)
        .args(["reconcile", "--source", "tax", "--keep-unmatched"])
        .arg(list("c.csv", &wang))
        .assert()
        .success();
    canbao(&other)
        .args(["reconcile", "--source", "tax", "--keep-unmatched"])
        .arg(list("d.csv", &su))
        .assert()
        .success();
    canbao(&db).arg("merge").arg(&other).assert().success();
    canbao(&other).arg("merge").arg(&db).assert().success();
    let listed = |db: &Path| -> Vec<(String, u64, String)> {
        let check = json(canbao(db).args(["check", "--json"]));
        let lines = check["tax_paid_unrecorded"].as_array().cloned().unwrap_or_default();
        let mut lines: Vec<(String, u64, String)> = lines
            .iter()
            .map(|l| {
                let name = l["name"].as_str().unwrap_or_default().to_owned();
                (name, l["number"].as_u64().unwrap_or(0), l["reference"].as_str().unwrap_or_default().to_owned())
            })
            .collect();
        lines.sort();
        lines
    };
    let (here, there) = (listed(&db), listed(&other));
    assert_eq!(here.iter().map(|l| l.0.as_str()).collect::<Vec<_>>(), ["王甲", "苏萱"], "{here:?}");
    assert_ne!(here[0].1, there[0].1, "each laptop numbers them as it kept them: {here:?} {there:?}");
    let references = |lines: &[(String, u64, String)]| lines.iter().map(|l| l.2.clone()).collect::<Vec<_>>();
    assert_eq!(references(&here), references(&there), "one reference on both laptops");
    let wang_ref = here[0].2.clone();
    assert!(wang_ref.len() == 6 && wang_ref.as_bytes()[0].is_ascii_uppercase(), "{wang_ref}");
    assert_ne!(wang_ref, here[1].2);
    let (_, text) = said(canbao(&other).arg("check"));
    assert!(text.contains(&format!("[{} {wang_ref}] 王甲", there[0].1)), "{text}");
    // Said on one laptop, dismissed on the other by it.
    let (code, text) = said(canbao(&db).args(["check", "--dismiss", &wang_ref.to_lowercase(), "--why", "已核实"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains(&format!("[{} {wang_ref}] 王甲", here[0].1)), "{text}");
    assert_eq!(listed(&db).iter().map(|l| l.0.as_str()).collect::<Vec<_>>(), ["苏萱"]);
    let dismissed = json(canbao(&db).args(["check", "--dismissed", "--json"]));
    assert_eq!(dismissed[0]["reference"].as_str(), Some(wang_ref.as_str()), "{dismissed}");
    let (code, text) = said(canbao(&db).args(["check", "--undismiss", &wang_ref, "--why", "销错了"]));
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(listed(&db), here, "listed again under its number and reference");
    // A reference nobody has dismisses nothing, and says the lines there are.
    let unknown = if wang_ref == "ZZZZZZ" { "YYYYYY" } else { "ZZZZZZ" };
    let (code, text) = said(canbao(&db).args(["check", "--dismiss", unknown, "--why", "x"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains(&format!("没有参照码为 {unknown} 的一条")) && text.contains("现有编号"), "{text}");
}

/// Last year's tax list reconciled again after the new year began is refused as an earlier year's list, nothing
/// kept; a list of this year that also holds a row of a payment last year holds says that row is that year's and
/// keeps it not for `check`.
#[test]
fn last_years_tax_list_after_the_new_year_is_refused_and_its_recorded_rows_are_not_kept() {
    // A drive made last insured year: this year's payments (today's) are then in the next year's window.
    let (dir, db) = imported("utf8_bom.csv");
    let year = drive_year(&db) - 1;
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute("UPDATE meta SET value = ?1 WHERE key IN ('current_year', 'first_year')", [year.to_string()]).unwrap();
    drop(conn);
    use_this_years_policy(dir.path(), &db);
    assert_eq!(drive_year(&db), year);
    let (zhou, wu, sun) = ("450202201711194162", "450202201804012233", "450203201804047272");
    let tax = dir.path().join("tax.csv");
    std::fs::write(
        &tax,
        format!(
            "姓名,证件号码,缴费金额,缴费日期\n周静露,{zhou},380,{}\n吴凯远,{wu},380,{}\n",
            days_ago(60),
            days_ago(50)
        ),
    )
    .unwrap();
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    // The next year's policy, whose window opened 30 days ago: the list's payments are all before it.
    let next = year + 1;
    let folder = dir.path().join("next-years-config");
    std::fs::create_dir_all(folder.join("canbao/policies")).unwrap();
    let text = format!(
        "title = \"下年度\"\ndocument = \"测试\"\ninsured_year = {next}\npersonal_premium = 380\n\n[[window]]\n\
         name = \"缴费期\"\nfrom = {}\nto = {next}-12-31\nclause = \"测试\"\ntext = \"测试\"\n\
         amount = \"personal\"\ncoverage = \"year\"\n",
        days_ago(30)
    );
    std::fs::write(folder.join("canbao/policies/next-year.toml"), text).unwrap();
    canbao(&db)
        .env("XDG_CONFIG_HOME", &folder)
        .env("HOME", dir.path())
        .args(["year", "new", &next.to_string(), "--policy", "next-year", "--force"])
        .assert()
        .success();
    let kept = || -> i64 {
        rusqlite::Connection::open(&db)
            .unwrap()
            .query_row("SELECT count(*) FROM audit WHERE field = 'payment_unapplied'", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(kept(), 0);
    tax_list_dry_run_and_real(&db, &tax, |Run { code, text, .. }| {
        assert_eq!(code, Some(1), "{text}");
        for words in
            [&format!("这是 {year} 年度的缴费名单") as &str, "未保存任何内容", &format!("the {year} insured year's")]
        {
            assert!(text.contains(words), "{words}: {text}");
        }
        assert_eq!(kept(), 0, "{text}");
    });
    // This year's list with last year's row of 周静露 in it: the row is said to be last year's and not kept.
    std::fs::write(
        &tax,
        format!(
            "姓名,证件号码,缴费金额,缴费日期\n周静露,{zhou},380,{}\n孙远泽,{sun},380,{}\n",
            days_ago(60),
            days_ago(10)
        ),
    )
    .unwrap();
    let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains(&format!("此行缴费已记入 {year} 年度")), "{text}");
    assert_eq!(kept(), 0, "{text}");
    assert_eq!(paid_amount(&db, sun).0, "paid", "{text}");
}

/// A tax list's part payment is said as 部分缴费 with what is still owed in the list of pupils changed, as the
/// roster says it, where before it read 「未缴费 → 已缴费（200 元…）」.
#[test]
fn a_tax_lists_part_payment_is_said_part_paid_among_the_changes() {
    let (dir, db) = tax_drive();
    let zhou = "450202201711194162";
    let tax = dir.path().join("tax.csv");
    std::fs::write(&tax, format!("姓名,证件号码,缴费金额,缴费日期\n周静露,{zhou},200,{}\n", days_ago(30))).unwrap();
    tax_list_dry_run_and_real(&db, &tax, |Run { code, text, .. }| {
        assert_eq!(code, Some(0), "{text}");
        assert!(text.contains("未缴费 → 部分缴费（200 元，还差 180 元"), "{text}");
        assert!(!text.contains("→ 已缴费"), "{text}");
    });
    let (code, text) = said(canbao(&db).args(["--lang", "en", "check"]));
    assert_eq!(code, Some(0), "{text}");
}

/// `add` puts one pupil on the drive as an import of a one-row list 「手工添加.csv」: found by `find` after, with
/// the import's history row naming that list; `--dry-run` writes nothing; a wrong check digit is flagged as an
/// import flags it; a missing name or class is refused in both languages; the list is gone afterwards.
#[test]
fn add_puts_one_pupil_on_the_drive_through_the_import() {
    let (dir, db) = common::new_drive();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let add = |args: &[&str]| {
        let mut cmd = canbao(&db);
        cmd.env("TMPDIR", &tmp).arg("add").args(args);
        cmd
    };
    let long = "450202201911021741";
    let pupil = ["--name", "龙小雨", "--id", long, "--class", "三年级2班", "--phone", "13800138000"];
    let dry = add(&pupil).arg("--dry-run").output().unwrap();
    let said = String::from_utf8_lossy(&dry.stdout).into_owned();
    assert!(dry.status.success() && said.contains("新增 1") && said.contains("试运行"), "{said}");
    let found =
        |query: &str| String::from_utf8_lossy(&canbao(&db).args(["find", query]).output().unwrap().stdout).into_owned();
    assert!(!found("龙小雨").contains("1741"), "a dry run adds nobody: {}", found("龙小雨"));
    let out = add(&pupil).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("新增 1"), "{said}");
    assert!(!said.contains("没有写学校名称"), "the drive's one school, said of no list: {said}");
    assert!(found("龙小雨").contains("1741"), "{}", found("龙小雨"));
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let held = store.student_by_id_number(long).unwrap().expect("龙小雨");
    assert_eq!(held.phone, "13800138000");
    let history = store.history(held.id).unwrap();
    assert!(
        history.iter().any(|e| e.action == "import" && e.new.as_deref().is_some_and(|n| n.starts_with("手工添加.csv"))),
        "{history:?}"
    );
    drop(store);
    // A wrong check character: added and flagged, as an import flags the row, naming the list as 手工添加.csv.
    let out = add(&["--name", "龙小雪", "--id", "450202201911021742", "--class", "三年级2班"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{said}");
    assert!(said.contains("身份证号有问题 1") && said.contains("手工添加.csv 第 2 行"), "{said}");
    assert!(!said.contains(&tmp.display().to_string()), "{said}");
    // No name, no class: refused, nothing written.
    for (args, words) in [
        (&["--id", long, "--class", "三年级2班"][..], "请填写学生姓名"),
        (&["--name", "龙小雨", "--id", long][..], "请填写班级"),
    ] {
        let out = add(args).output().unwrap();
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success() && said.contains(words) && said.contains("nothing added"), "{said}");
    }
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "the one-row lists are removed");
}

/// A tax list's row of a number the drive does not hold names the way to add the pupil: `canbao add` and the
/// palette's 「添加学生」.
#[test]
fn a_tax_rows_unknown_number_names_the_way_to_add_the_pupil() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[["周静露", "450202201711194162", "380", &oct8], ["龙小雨", "450202201911021741", "380", &oct8]],
    );
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    let out = canbao(&db).arg("check").output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("请添加该学生") && said.contains("canbao add") && said.contains("「添加学生」"), "{said}");
}

/// A payment's reference is worked out from what its masked line shows (the masked number, the name, amount, date,
/// receipt and place on the list, with the drive's year), and two numbers differing only in the digits the mask
/// hides give one reference: a list printed masked, or its `--json`, gives no hidden digit back. Before, the
/// reference was made from the whole number, and trying every county code and birth date against it gave the
/// number back.
#[test]
fn a_payments_reference_is_worked_out_from_its_masked_line_and_holds_no_hidden_digit() {
    let oct8 = days_ago(60);
    let line_of = |number: &str| {
        let (dir, db) = tax_drive();
        let tax = dir.path().join("tax.csv");
        std::fs::write(
            &tax,
            format!("姓名,证件号码,缴费金额,缴费日期,票证号码\n李想,{number},380,{oct8},332026100000123\n"),
        )
        .unwrap();
        canbao(&db).args(["reconcile", "--source", "tax", "--keep-unmatched"]).arg(&tax).assert().success();
        let check = json(canbao(&db).args(["check", "--json"]));
        (check["tax_paid_unrecorded"][0].clone(), drive_year(&db))
    };
    // Nobody's numbers, of one mask: another county code and birth date.
    let (a, year) = line_of("450203201709064162");
    let (b, _) = line_of("450202201709174162");
    assert_eq!(a["id_number"].as_str(), Some("4502**********4162"), "{a}");
    let reference = a["reference"].as_str().unwrap_or_default();
    assert_eq!(reference.len(), 6, "{a}");
    assert_eq!(b["reference"].as_str(), Some(reference), "the hidden digits play no part: {a} {b}");
    let shown = serde_json::json!({
        "name": a["name"],
        "amount_fen": a["amount"].as_f64().map(|yuan| (yuan * 100.0).round() as i64),
        "paid_on": a["paid_on"],
        "receipt": a["receipt"],
        "year": year,
        "file": a["file"],
        "sheet": a["sheet"],
        "row": a["row"],
        "reason": a["reason"],
    });
    let shown: canbao::domain::unapplied::UnappliedPayment = serde_json::from_value(shown).expect("the line's fields");
    let masked = a["id_number"].as_str().unwrap_or_default();
    assert_eq!(canbao::domain::unapplied::reference(masked, &shown), reference, "from the masked line: {a}");
}

/// A drive upgraded to fixed numbers refuses `check --dismiss N` (and `--undismiss N`) until `check` has said the
/// numbers changed: the number was most likely read off a list printed before the upgrade, where it may be another
/// family's payment. A reference is taken all the same, and after `check` a number is too. Before, the first
/// `--dismiss 1` after the upgrade dismissed whichever payment is number 1 now, without a word.
#[test]
fn a_dismissal_by_number_straight_after_the_upgrade_to_fixed_numbers_is_refused_until_check_said_so() {
    let (_dir, db) = two_kept_payments();
    canbao(&db).args(["check", "--dismiss", "2", "--why", "已核实"]).assert().success();
    let wang = json(canbao(&db).args(["check", "--dismissed", "--json"]))[0]["reference"].as_str().map(str::to_owned);
    let wang = wang.expect("王甲's reference");
    // As a canbao of schema 14 left it: no fixed numbers.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER audit_kept_number; DROP TABLE kept_numbers; PRAGMA user_version = 14;").unwrap();
    drop(conn);
    let (code, text) = said(canbao(&db).args(["check", "--dismiss", "1", "--why", "已核实"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("编号已改为记入时的固定编号") && text.contains("未销项") && text.contains("参照码"),
        "{text}"
    );
    assert!(text.contains("give the reference"), "{text}");
    let out = canbao(&db).args(["check", "--dismiss", "1", "--why", "已核实", "--json"]).output().unwrap();
    let refused: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(refused["error"]["kind"], "numbers_changed", "{refused}");
    let (code, text) = said(canbao(&db).args(["check", "--undismiss", "1", "--why", "销错了"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("编号已改为记入时的固定编号") && text.contains("未撤销"), "{text}");
    // Read-only: `check --json` says the renumbering as the text form does, and a read-only one remembers nothing.
    let listed = |db: &Path| {
        json(canbao(db).args(["--read-only", "check", "--json"]))["tax_paid_unrecorded"].as_array().map_or(0, Vec::len)
    };
    assert_eq!(listed(&db), 1, "nothing dismissed nor taken back");
    // A reference names the same payment before and after.
    let (code, text) = said(canbao(&db).args(["check", "--undismiss", &wang, "--why", "销错了"]));
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(listed(&db), 2);
    let (_, text) = said(canbao(&db).arg("check"));
    assert!(text.contains("编号已改为记入时的固定编号"), "{text}");
    let (code, text) = said(canbao(&db).args(["check", "--dismiss", "1", "--why", "已核实"]));
    assert_eq!(code, Some(0), "said by check, the number is taken: {text}");
    assert_eq!(tax_unrecorded(&db).len(), 1);
}

/// `policy new` with a premium far from its base's (36000 over Quanzhou's 360: a digit too many) writes nothing and
/// says to add --yes, as the screen's form asks before saving one; --yes writes it, and a premium near the base's
/// is written at once. Before, 36000 元 was written without a word, to be quoted by every form of the year.
#[test]
fn policy_new_with_a_premium_far_from_its_bases_wants_yes() {
    let (dir, db) = imported("utf8_bom.csv");
    let new = |name: &str, premium: &str, yes: bool| {
        let mut cmd = canbao(&db);
        cmd.env("XDG_CONFIG_HOME", dir.path().join("config")).env("HOME", dir.path());
        cmd.args(["policy", "new", name, "--from", "quanzhou-2023", "--year", "2027", "--premium", premium]);
        if yes {
            cmd.arg("--yes");
        }
        said(&mut cmd)
    };
    let written = |name: &str| dir.path().join(format!("config/canbao/policies/{name}.toml")).is_file();
    let (code, text) = new("qz-a", "36000", false);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("36000 元") && text.contains("360 元") && text.contains("--yes"), "{text}");
    assert!(!written("qz-a"), "refused, nothing written");
    let (code, text) = new("qz-a", "36000", true);
    assert_eq!(code, Some(0), "{text}");
    assert!(written("qz-a"));
    let (code, text) = new("qz-b", "400", false);
    assert_eq!(code, Some(0), "{text}");
    assert!(written("qz-b"));
}

/// `check --json` after the upgrade to fixed numbers says the renumbering (`numbers_changed`) and remembers it, as
/// the text form does: a dismissal by number is taken after it, and the next check says it no more. Before, only
/// the text form cleared it, and a script's `check --json` left every `--dismiss N` refused.
#[test]
fn check_json_says_the_renumbering_once_as_the_text_form_does() {
    let (_dir, db) = two_kept_payments();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("DROP TRIGGER audit_kept_number; DROP TABLE kept_numbers; PRAGMA user_version = 14;").unwrap();
    drop(conn);
    let first = json(canbao(&db).args(["check", "--json"]));
    let note = first["numbers_changed"]["why"].as_str().unwrap_or_default();
    assert!(note.contains("编号已改为记入时的固定编号"), "{first}");
    let again = json(canbao(&db).args(["check", "--json"]));
    assert!(again.get("numbers_changed").is_none(), "said once: {again}");
    let (code, text) = said(canbao(&db).args(["check", "--dismiss", "1", "--why", "已核实"]));
    assert_eq!(code, Some(0), "said by check --json, the number is taken: {text}");
    assert_eq!(tax_unrecorded(&db).len(), 1);
}

/// `check --dismiss` of a payment dismissed already says so, with when, by whom and why, and changes nothing
/// (exit 0, as a list reconciled again): before, it read as a reference mistyped (「没有参照码为 … 的一条」, exit 1).
#[test]
fn dismissing_a_payment_dismissed_already_says_when_and_changes_nothing() {
    let (_dir, db) = two_kept_payments();
    let check = json(canbao(&db).args(["check", "--json"]));
    let reference = check["tax_paid_unrecorded"][0]["reference"].as_str().unwrap_or_default().to_owned();
    assert_eq!(reference.len(), 6, "{check}");
    let (code, text) = said(canbao(&db).args(["check", "--dismiss", &reference, "--why", "已向税务核实"]));
    assert_eq!(code, Some(0), "{text}");
    let rows = |db: &std::path::Path| {
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.query_row("SELECT count(*) FROM audit", [], |r| r.get::<_, i64>(0)).unwrap()
    };
    let before = rows(&db);
    let (code, text) = said(canbao(&db).args(["check", "--dismiss", &reference.to_lowercase(), "--why", "再销一次"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("已于") && text.contains("无需再销项") && text.contains("已向税务核实"), "{text}");
    assert!(!text.contains("没有参照码"), "not a mistyped reference: {text}");
    assert_eq!(rows(&db), before, "nothing written");
    let out = json(canbao(&db).args(["check", "--dismiss", &reference, "--why", "再销一次", "--json"]));
    assert_eq!(out["already_dismissed"]["dismissal_reason"], "已向税务核实", "{out}");
    assert_eq!(out["reference"].as_str(), Some(reference.as_str()), "{out}");
    assert_eq!(tax_unrecorded(&db).len(), 1, "the other still listed");
}

/// A tax row without an ID number names a pupil whatever middle dot (or none, or a space) either side writes:
/// 「阿依古丽买买提」 is each of three pupils named 「阿依古丽·买买提」, said as not telling which (nothing recorded)
/// until its class tells them apart, and 「古丽娜尔·吐尔逊」 is the roster's 「古丽娜尔吐尔逊」. Before, the row
/// found nobody of the name (「本机没有此姓名的学生」) and the pupil in the row's class stayed unpaid.
#[test]
fn a_tax_row_without_a_number_finds_a_name_written_without_its_middle_dot() {
    let (a, b, c, d) = (
        valid_number("45020220180401223"),
        valid_number("45020220180402224"),
        valid_number("45020220180403225"),
        valid_number("45020220180404226"),
    );
    let (dir, db) = drive_of(&[
        ["阿依古丽·买买提", &a, "三年级", "1班"],
        ["阿依古丽·买买提", &b, "三年级", "2班"],
        ["阿依古丽·买买提", &c, "三年级", "3班"],
        ["古丽娜尔吐尔逊", &d, "三年级", "1班"],
    ]);
    use_this_years_policy(dir.path(), &db);
    let (day1, day2) = (days_ago(50), days_ago(40));
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,班级,缴费金额,缴费日期",
        &[
            ["阿依古丽买买提", "", "", "380", &day1],
            ["阿依古丽买买提", "", "三年级2班", "380", &day2],
            ["古丽娜尔・吐尔逊", "", "三年级1班", "380", &day2],
        ],
    );
    let out = canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    let line =
        |row: &str| text.lines().find(|l| l.contains(&format!("{row} 「证件号码」"))).unwrap_or_default().to_owned();
    assert!(line("第 2 行").contains("本机有 3 名此姓名的学生，无法确定是谁"), "ambiguous, none picked: {text}");
    assert!(line("第 3 行").contains("此行即 阿依古丽·买买提（三年级2班"), "{text}");
    assert!(line("第 4 行").contains("此行即 古丽娜尔吐尔逊（三年级1班"), "{text}");
    assert_eq!(paid_amount(&db, &a), ("unpaid".to_owned(), None), "never one picked of three");
    assert_eq!(paid_amount(&db, &b), ("paid".to_owned(), Some(38_000)));
    assert_eq!(paid_amount(&db, &c), ("unpaid".to_owned(), None));
    assert_eq!(paid_amount(&db, &d), ("paid".to_owned(), Some(38_000)));
    let kept = tax_unrecorded(&db);
    assert_eq!(kept.len(), 1, "the ambiguous row is kept: {kept:?}");
    assert_eq!(kept[0].0, "阿依古丽买买提");
}

/// A receipt under two payers whose later row's pupil is recorded paid since is still listed (no payment tells that
/// the tax office was asked), but no more as 「此行未记入」: the line says the payment is recorded, under whom.
/// Before, it kept saying 「此行未记入」 for a payment the operator had just recorded.
#[test]
fn a_receipt_under_two_payers_recorded_for_the_second_says_so() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (zhou, wu) = ("450202201711194162", "450202201804012233");
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期,票证号码",
        &[["周静露", zhou, "380", &oct8, "R-001"], ["吴凯远", wu, "380", &oct8, "R-001"]],
    );
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    let why = || {
        let check = json(canbao(&db).args(["check", "--json"]));
        let first = &check["tax_paid_unrecorded"][0];
        (first["why"].as_str().unwrap_or_default().to_owned(), first["why_en"].as_str().unwrap_or_default().to_owned())
    };
    assert!(why().0.contains("此行未记入"), "{:?}", why());
    canbao(&db)
        .args(["mark", wu, "--payment", "paid", "--amount", "380", "--paid-on", &oct8, "--yes"])
        .assert()
        .success();
    let (zh, en) = why();
    assert!(!zh.contains("此行未记入"), "{zh}");
    assert!(zh.contains("票证号码 R-001 也在") && zh.contains("已记入 吴凯远 名下"), "{zh}");
    assert!(en.contains("recorded since, under 吴凯远"), "{en}");
    let (code, text) = said(canbao(&db).arg("check"));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("已记入 吴凯远 名下"), "{text}");
}

/// A tax list whose payments give no date, read after the drive moved on into a new insured year, cannot tell this
/// year's list from last year's read again (which a dated list is refused as): it is reconciled, but said so above
/// the rows, in the preview and the run, with how to undo it. The same list in the drive's first year, and a dated
/// list of this year, are reconciled without the word. Before, it was taken silently as this year's.
#[test]
fn an_undated_tax_list_after_the_new_year_is_said_as_of_no_known_year() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let zhou = "450202201711194162";
    let undated = write_csv(dir.path(), "undated.csv", "姓名,证件号码,缴费金额", &[["周静露", zhou, "380"]]);
    let warned = |report: &Value| {
        report["problems"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["message"].as_str().unwrap_or_default().contains("都没有缴费日期"))
    };
    let first_year = json(canbao(&db).args(["reconcile", "--source", "tax", "--dry-run", "--json"]).arg(&undated));
    assert!(!warned(&first_year), "the drive's first year: no earlier year's list to take it for: {first_year}");
    let year = json(canbao(&db).args(["stats", "--json"]))["year"].as_i64().expect("the drive's year");
    canbao(&db).args(["year", "new", &(year + 1).to_string(), "--promote", "--force"]).assert().success();
    let preview = json(canbao(&db).args(["reconcile", "--source", "tax", "--dry-run", "--json"]).arg(&undated));
    assert!(warned(&preview), "{preview}");
    let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&undated));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("都没有缴费日期") && text.contains("canbao restore"), "{text}");
    assert!(text.contains(&format!("无法判断是否为 {} 年度的缴费名单", year + 1)), "{text}");
    let dated = dir.path().join("dated.csv");
    std::fs::write(&dated, format!("姓名,证件号码,缴费金额,缴费日期\n周静露,{zhou},380,{}\n", days_ago(3))).unwrap();
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--dry-run", "--json"]).arg(&dated));
    assert!(!warned(&report), "{report}");
}

/// The agency's feedback saying 未参保 for a pupil the drive counts insured (paid here) is a 状态冲突 in the report
/// and is kept: `check` lists it (`agency_not_registered`) while the pupil is still counted insured, once however
/// often the list is read, and no more once the payment is cleared; another is dismissed as a kept payment is.
/// Before, it was said once in the report and forgotten.
#[test]
fn the_agencys_not_registered_for_an_insured_pupil_is_kept_for_check_until_settled() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (zhou, wu) = ("450202201711194162", "450202201804012233");
    for id in [zhou, wu] {
        canbao(&db)
            .args(["mark", id, "--payment", "paid", "--amount", "380", "--paid-on", &oct8, "--yes"])
            .assert()
            .success();
    }
    let agency = dir.path().join("agency.csv");
    std::fs::write(&agency, format!("姓名,证件号码,参保状态\n周静露,{zhou},未参保\n吴凯远,{wu},未登记\n")).unwrap();
    let preview = json(canbao(&db).args(["reconcile", "--source", "agency", "--dry-run", "--json"]).arg(&agency));
    assert_eq!(preview["conflicts"].as_array().map(Vec::len), Some(2), "{preview}");
    assert_eq!(tax_unrecorded(&db).len(), 0, "a preview keeps nothing");
    let report = json(canbao(&db).args(["reconcile", "--source", "agency", "--json"]).arg(&agency));
    assert_eq!(report["conflicts"].as_array().map(Vec::len), Some(2), "{report}");
    assert_eq!(report["unapplied_payments"].as_u64(), Some(0), "no payment: {report}");
    let listed = tax_unrecorded(&db);
    assert_eq!(
        listed,
        [
            ("周静露".to_owned(), Some(2), "agency_not_registered".to_owned()),
            ("吴凯远".to_owned(), Some(3), "agency_not_registered".to_owned())
        ]
    );
    canbao(&db).args(["reconcile", "--source", "agency"]).arg(&agency).assert().success();
    assert_eq!(tax_unrecorded(&db).len(), 2, "kept once");
    let (code, text) = said(canbao(&db).arg("check"));
    assert_eq!(code, Some(0), "{text}");
    let line = text.lines().find(|l| l.contains("周静露") && l.contains("医保经办机构")).unwrap_or_default();
    assert!(line.contains("未参保") && line.contains("已缴费"), "{text}");
    assert!(!line.contains("税务已缴费"), "{line}");
    // Settled: the payment cleared here.
    canbao(&db).args(["mark", zhou, "--payment", "unpaid", "--yes"]).assert().success();
    let listed = tax_unrecorded(&db);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].0, "吴凯远");
    let check = json(canbao(&db).args(["check", "--json"]));
    assert_eq!(check["tax_paid_unrecorded"], serde_json::json!([]), "its own key: {check}");
    let reference = check["agency_not_registered"][0]["reference"].as_str().unwrap_or_default().to_owned();
    let (code, text) = said(canbao(&db).args(["check", "--dismiss", &reference, "--why", "已向医保核实，已补登记"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(tax_unrecorded(&db).is_empty());
}

/// `add` with a class the school does not have (三年级9班 where it has 三年级1班 and 2班) is refused, with or
/// without --dry-run, naming the nearest classes and --yes, as `E` asks in the TUI; --yes adds the pupil into the
/// new class. Before, only the counts were said and a one-pupil class was made.
#[test]
fn add_refuses_a_class_the_school_does_not_have_without_yes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let pupil = ["add", "--name", "插班生", "--id", "450202201911021741", "--class", "三年级9班"];
    let add = |cmd: &mut Command| {
        cmd.args(pupil);
    };
    dry_run_and_real(&db, add, |Run { dry, code, err: said, text }| {
        assert_ne!(code, Some(0), "dry {dry}: {text}");
        assert!(
            said.contains("没有班级「三年级9班」") && said.contains("三年级2班") && said.contains("--yes"),
            "{said}"
        );
    });
    let found = String::from_utf8_lossy(&canbao(&db).args(["find", "插班生"]).output().unwrap().stdout).into_owned();
    assert!(!found.contains("1741"), "{found}");
    // A class the school has, written another way, is no new class.
    canbao(&db)
        .args(["add", "--name", "龙小雨", "--id", "450202201911021733", "--class", "三（2）班"])
        .assert()
        .success();
    canbao(&db).args(pupil).arg("--yes").assert().success();
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let held = store.student_by_id_number("450202201911021741").unwrap().expect("插班生");
    assert_eq!(held.class_label(), "三年级9班");
}

/// A department's list of certified people (title 「民政局认定名单」, 姓名 | 身份证号码 | 人员类别, no class) picked
/// as a class list is refused, naming the category reconcile, nothing written: before, its person not at the
/// school became a pupil with no class marked 特困. The same list through reconcile --source categories marks the
/// school's pupils only.
#[test]
fn a_departments_category_list_is_refused_as_a_class_list() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let path = dir.path().join("民政.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write(0, 0, "民政局认定名单").unwrap();
    sheet.write_row(1, 0, ["姓名", "身份证号码", "人员类别"]).unwrap();
    let rows = [
        ["周静露", "450202201711194162", "低保对象"],
        ["吴凯远", "450202201804012233", "孤儿"],
        ["不认识", "450203201601018885", "特困人员"],
    ];
    for (i, row) in rows.iter().enumerate() {
        sheet.write_row(i as u32 + 2, 0, *row).unwrap();
    }
    book.save(&path).unwrap();
    let count = || json(canbao(&db).args(["stats", "--json"]))["students"].clone();
    let before = count();
    let import = |cmd: &mut Command| {
        cmd.arg("import").arg(&path);
    };
    dry_run_and_real(&db, import, |Run { code, err: said, text, .. }| {
        assert_ne!(code, Some(0), "{text}");
        assert!(said.contains("部门认定名单") && said.contains("--source categories"), "{said}");
    });
    // Without its title too, on a drive holding pupils: nothing in it gives a class.
    let plain = dir.path().join("list.csv");
    std::fs::write(&plain, "姓名,身份证号码,人员类别\n不认识,450203201601018885,特困人员\n").unwrap();
    let out = canbao(&db).arg("import").arg(&plain).output().unwrap();
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("部门认定名单"));
    assert_eq!(count(), before, "nobody added");
    let found = String::from_utf8_lossy(&canbao(&db).args(["find", "不认识"]).output().unwrap().stdout).into_owned();
    assert!(!found.contains("8885"), "{found}");
    canbao(&db).args(["reconcile", "--source", "categories"]).arg(&path).assert().success();
    assert_eq!(count(), before, "the category reconcile adds nobody");
}

/// A tax list's amount is held back as a slip (「多写了 0」, in 分) only when it is ten times the full premium or
/// more, not ten times the family's share after a subsidy: under a 90 % subsidy (38 元 due of 380), 许志文's family
/// paying the whole 380 元 is recorded paid, where before it was held back as 「疑为多写了一个 0」 and he stayed
/// 未缴费; 38000 for the 380 premium is still held back.
#[test]
fn a_full_premium_paid_under_a_large_subsidy_is_recorded_not_held_as_a_slip() {
    let (dir, db) = sample_school_drive();
    let year = drive_year(&db);
    let folder = dir.path().join("config");
    std::fs::create_dir_all(folder.join("canbao/policies")).unwrap();
    let text = format!(
        "title = \"本年度\"\ndocument = \"测试\"\ninsured_year = {year}\npersonal_premium = 380\n\n[[window]]\n\
         name = \"缴费期\"\nfrom = {}-01-01\nto = {year}-12-31\nclause = \"测试\"\ntext = \"测试\"\n\
         amount = \"personal\"\ncoverage = \"year\"\n\n[category.\"特困人员\"]\nsubsidy = \"share\"\n\
         subsidy_percent = 90\npaid_by = \"财政\"\nclause = \"测试\"\n",
        year - 1
    );
    std::fs::write(folder.join("canbao/policies/ninety.toml"), text).unwrap();
    canbao(&db)
        .env("XDG_CONFIG_HOME", &folder)
        .env("HOME", dir.path())
        .args(["policy", "use", "ninety"])
        .assert()
        .success();
    let (xu, sun) = ("450203201811029232", "450203201909308803");
    let quoted = json(canbao(&db).args(["quote", xu, "--paid-on", &days_ago(20), "--json"]));
    assert_eq!(quoted["personal_due"].as_f64(), Some(38.0), "{quoted}");
    let tax = dir.path().join("tax.csv");
    let day = days_ago(20);
    std::fs::write(&tax, format!("姓名,证件号码,缴费金额,缴费日期\n许志文,{xu},380,{day}\n孙语,{sun},38000,{day}\n"))
        .unwrap();
    let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
    assert_eq!(code, Some(0), "{text}");
    assert!(!text.contains("金额 380 元"), "{text}");
    assert_eq!(paid_amount(&db, xu), ("paid".to_owned(), Some(38_000)), "{text}");
    assert!(text.contains("金额 38000 元达到保费 380 元的 10 倍（3800 元）或以上，疑为以分为单位"), "{text}");
    assert_eq!(paid_amount(&db, sun), ("unpaid".to_owned(), None), "{text}");
}

/// A class-less list of the school's own pupils with a 人员类别 column (a 新生名单 before classes, 插班生 with their
/// 低保/残疾) is no department's list: on a drive holding them it is imported, said, where before it was refused
/// with no way past. A list of strangers with the same columns is still refused, naming --as-class-list, which
/// takes it.
#[test]
fn a_class_less_list_of_the_schools_own_pupils_with_categories_is_imported() {
    let (dir, db) = sample_school_drive();
    let count = || json(canbao(&db).args(["stats", "--json"]))["students"].clone();
    let before = count();
    let own = dir.path().join("新生.csv");
    std::fs::write(
        &own,
        "姓名,身份证号码,人员类别\n孙语,450203201909308803,低保对象\n林彤瑶,450202201911276365,\n\
         黎语雪,450202202007078525,\n",
    )
    .unwrap();
    let (code, text) = said(canbao(&db).arg("import").arg(&own));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("按班级名单导入"), "{text}");
    assert_eq!(count(), before, "nobody added");
    let strangers = dir.path().join("名单.csv");
    std::fs::write(&strangers, "姓名,身份证号码,人员类别\n不认识,450203201601018885,特困人员\n").unwrap();
    let (code, text) = said(canbao(&db).arg("import").arg(&strangers));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("部门认定名单") && text.contains("--as-class-list"), "{text}");
    assert_eq!(count(), before, "nobody added");
    let (code, text) = said(canbao(&db).args(["import", "--as-class-list"]).arg(&strangers));
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(count().as_u64(), before.as_u64().map(|n| n + 1), "{text}");
}

/// `check --dismiss N` given twice by number answers as by reference: the second time says the payment was
/// dismissed already, when, by whom and why, writes nothing and exits 0; the number is fixed when the payment is
/// kept, so it still names the same payment and never another (the other line keeps its own number). Before, the
/// second said 「没有第 N 条」 (exit 1), as if the number were mistyped.
#[test]
fn dismissing_by_number_twice_says_dismissed_already_as_by_reference() {
    let (_dir, db) = two_kept_payments();
    let check = json(canbao(&db).args(["check", "--json"]));
    let lines = check["tax_paid_unrecorded"].as_array().cloned().unwrap_or_default();
    assert_eq!(lines.len(), 2, "{check}");
    let first = lines[0]["number"].as_u64().unwrap().to_string();
    let (first_name, other_name) = (lines[0]["name"].as_str().unwrap(), lines[1]["name"].as_str().unwrap());
    let (code, text) = said(canbao(&db).args(["check", "--dismiss", &first, "--why", "已向税务核实"]));
    assert_eq!(code, Some(0), "{text}");
    let rows = || {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.query_row("SELECT count(*) FROM audit", [], |r| r.get::<_, i64>(0)).unwrap()
    };
    let before = rows();
    let (code, text) = said(canbao(&db).args(["check", "--dismiss", &first, "--why", "再销一次"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("已于") && text.contains("由 测试") && text.contains("已向税务核实"), "{text}");
    assert!(text.contains(first_name) && !text.contains(other_name), "the same payment, not another: {text}");
    assert!(!text.contains("没有第"), "not a mistyped number: {text}");
    assert_eq!(rows(), before, "nothing written");
    let out = json(canbao(&db).args(["check", "--dismiss", &first, "--why", "再销一次", "--json"]));
    assert_eq!(out["already_dismissed"]["dismissal_reason"], "已向税务核实", "{out}");
    assert_eq!(out["number"].as_u64().map(|n| n.to_string()), Some(first.clone()), "{out}");
    let left = tax_unrecorded(&db);
    assert_eq!(left.len(), 1, "the other still listed: {left:?}");
    assert_eq!(left[0].0, other_name, "{left:?}");
}

/// A tax list's payment row repeated under the same 票证号码 (the same pupil, amount and date) is one payment,
/// counted with the row it repeats among 同一学生的其他行, not among 未核对: the summary still adds up to the rows
/// read, and the preview and the run count alike. Before, the repeat read as a row held back (未核对 1).
#[test]
fn a_repeated_receipt_row_of_a_pupil_is_not_counted_unreconciled() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期,票证号码",
        &[
            ["周静露", "450202201711194162", "380", &oct8, "R-1"],
            ["周静露", "450202201711194162", "380", &oct8, "R-1"],
            ["吴凯远", "450202201804012233", "380", &oct8, "R-2"],
        ],
    );
    let counts = |r: &Value| {
        let n = |key: &str| r[key].as_u64().unwrap_or_else(|| panic!("{key}: {r}"));
        (n("rows_read"), n("matched"), n("further_rows"), n("not_reconciled"))
    };
    let dry = json(canbao(&db).args(["reconcile", "--source", "tax", "--dry-run", "--json"]).arg(&tax));
    assert_eq!(counts(&dry), (3, 2, 1, 0), "{dry}");
    let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax", "--dry-run"]).arg(&tax));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("同一学生的其他行 1，未核对 0"), "{text}");
    assert!(text.contains("不重复计算"), "still said at its row: {text}");
    let run = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!(counts(&run), counts(&dry), "{run}");
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let zhou = store.student_by_id_number("450202201711194162").unwrap().unwrap();
    assert_eq!(zhou.payment_details.amount_fen, Some(38_000), "one payment, not two");
}

/// The agency's 未参保 for a pupil the drive records paid says the payment recorded here, its amount and date, in
/// `check`'s line (and its JSON as `recorded_amount`, `recorded_on`), and still dismisses by its number. Before, the
/// line said 「金额不详 日期不详」 of a payment the drive holds.
#[test]
fn the_agencys_not_registered_line_says_the_payment_recorded_here() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let zhou = "450202201711194162";
    canbao(&db)
        .args(["mark", zhou, "--payment", "paid", "--amount", "380", "--paid-on", &oct8, "--yes"])
        .assert()
        .success();
    let agency = dir.path().join("agency.csv");
    std::fs::write(&agency, format!("姓名,证件号码,参保状态\n周静露,{zhou},未参保\n")).unwrap();
    canbao(&db).args(["reconcile", "--source", "agency"]).arg(&agency).assert().success();
    let (code, text) = said(canbao(&db).arg("check"));
    assert_eq!(code, Some(0), "{text}");
    let line = text.lines().find(|l| l.contains("周静露") && l.contains("医保经办机构")).unwrap_or_default();
    assert!(line.contains("380 元") && line.contains(&oct8), "{text}");
    assert!(!line.contains("金额不详") && !line.contains("日期不详"), "{line}");
    let (code, text) = said(canbao(&db).args(["--lang", "en", "check"]));
    assert_eq!(code, Some(0), "{text}");
    let line = text.lines().find(|l| l.contains("周静露") && l.contains("agency")).unwrap_or_default();
    assert!(line.contains("380 yuan") && line.contains(&oct8) && !line.contains("amount unknown"), "{text}");
    let check = json(canbao(&db).args(["check", "--json"]));
    let listed = &check["agency_not_registered"][0];
    assert_eq!(listed["recorded_amount"].as_f64(), Some(380.0), "{check}");
    assert_eq!(listed["recorded_on"].as_str(), Some(oct8.as_str()), "{check}");
    let number = listed["number"].as_u64().unwrap_or_default().to_string();
    let (code, text) = said(canbao(&db).args(["check", "--dismiss", &number, "--why", "已向医保核实"]));
    assert_eq!(code, Some(0), "{text}");
    assert!(tax_unrecorded(&db).is_empty(), "dismissed");
}

/// A tax list every payment of which is ten times the premium or more (38000 for 380: the whole list in 分) is
/// refused as a list, in the preview as in the run: nothing recorded or kept, and the message says the amounts look
/// like 分, to convert or check. Before, each row was held back on its own (`far_amount`) and kept for `check`.
#[test]
fn a_tax_list_all_in_fen_is_refused_whole() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let tax = write_csv(
        dir.path(),
        "fen.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[
            ["周静露", "450202201711194162", "38000", &oct8],
            ["吴凯远", "450202201804012233", "38000", &oct8],
            ["孙远泽", "450203201804047272", "38000", &oct8],
        ],
    );
    let rows = || {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.query_row("SELECT count(*) FROM audit", [], |r| r.get::<_, i64>(0)).unwrap()
    };
    let before = rows();
    tax_list_dry_run_and_real(&db, &tax, |Run { dry, code, text, .. }| {
        assert_eq!(code, Some(1), "dry {dry}: {text}");
        assert!(text.contains("以分为单位") && text.contains("未保存任何内容") && text.contains("换算为元"), "{text}");
        assert!(text.contains("3 笔缴费"), "{text}");
    });
    let out = canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax).output().unwrap();
    let error: Value = serde_json::from_slice(&out.stdout).or_else(|_| serde_json::from_slice(&out.stderr)).unwrap();
    assert_eq!(error["error"]["kind"], "amounts_in_fen", "{error}");
    assert_eq!(rows(), before, "nothing written");
    assert!(tax_unrecorded(&db).is_empty(), "nothing kept for check");
    // The same list in 元 is taken.
    std::fs::write(&tax, std::fs::read_to_string(&tax).unwrap().replace("38000", "380")).unwrap();
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!(report["matched"].as_u64(), Some(3), "{report}");
}

/// Another school's tax list holding one of the drive's pupils is taken on purpose with `--other-school-ok`: the
/// pupil's payment is recorded and none of the strangers' payments is kept (`check` lists none), said in the report
/// with how many were left out; the preview says the same. Before, only `--keep-unmatched` took the list, and it
/// kept every stranger's payment in the drive's history for `check` to list for good.
#[test]
fn another_schools_tax_list_taken_on_purpose_keeps_no_strangers() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (a, b) = (valid_number("11010520150101001"), valid_number("11010520150202002"));
    let tax = write_csv(
        dir.path(),
        "other.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[
            ["周静露", "450202201711194162", "380", &oct8],
            ["外校甲", &a, "380", &oct8],
            ["外校乙", &b, "380", &oct8],
            ["外校丙", "", "380", &oct8],
        ],
    );
    let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
    assert_eq!(code, Some(1), "refused without a word: {text}");
    assert!(text.contains("--other-school-ok"), "the refusal names the way: {text}");
    let dry =
        json(canbao(&db).args(["reconcile", "--source", "tax", "--other-school-ok", "--dry-run", "--json"]).arg(&tax));
    assert_eq!((dry["other_school"].as_bool(), dry["strangers_not_kept"].as_u64()), (Some(true), Some(3)), "{dry}");
    assert_eq!(dry["unapplied_payments"].as_u64(), Some(0), "{dry}");
    let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax", "--other-school-ok"]).arg(&tax));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("--other-school-ok") && text.contains("名单外的 3 笔缴费不保存"), "{text}");
    assert!(text.contains("外校甲"), "each stranger still said: {text}");
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let zhou = store.student_by_id_number("450202201711194162").unwrap().unwrap();
    assert_eq!(zhou.payment_details.amount_fen, Some(38_000), "our pupil's payment recorded");
    drop(store);
    assert!(tax_unrecorded(&db).is_empty(), "no stranger kept for check: {:?}", tax_unrecorded(&db));
    let (code, text) =
        said(canbao(&db).args(["reconcile", "--source", "tax", "--other-school-ok", "--keep-unmatched"]).arg(&tax));
    assert_eq!(code, Some(2), "the two ask opposite things: {text}");
}

/// A department's 特困 list whose header names its certifying department and date (序号,姓名,身份证号码,人员类别,
/// 认定部门,认定时间; no class, no title) picked as a class list is refused, naming the category reconcile, though
/// most of its numbers are the drive's pupils: before, it was imported and its 76-year-old stranger became a pupil.
#[test]
fn a_category_list_whose_header_names_its_certifying_department_is_refused() {
    let (dir, db) = sample_school_drive();
    let count = || json(canbao(&db).args(["stats", "--json"]))["students"].clone();
    let before = count();
    let list = dir.path().join("特困.csv");
    std::fs::write(
        &list,
        "序号,姓名,身份证号码,人员类别,认定部门,认定时间\n1,孙语,450203201909308803,特困人员,民政局,2026-03-01\n\
         2,林彤瑶,450202201911276365,特困人员,民政局,2026-03-01\n3,黎语雪,450202202007078525,特困人员,民政局,2026-03-01\n\
         4,路人甲,450202195003123015,特困人员,民政局,2026-03-01\n",
    )
    .unwrap();
    let (code, text) = said(canbao(&db).arg("import").arg(&list));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("部门认定名单") && text.contains("--source categories"), "{text}");
    assert_eq!(count(), before, "nobody added");
}

/// A class-less list with a category column imported because most of its numbers are the drive's pupils still
/// never adds an adult as a new pupil: his row is refused, said with the file and the row. Asked as a class list
/// (--as-class-list), the adult is taken, flagged as before.
#[test]
fn an_adult_in_a_category_list_imported_anyway_is_not_added_as_a_pupil() {
    let (dir, db) = sample_school_drive();
    let count = || json(canbao(&db).args(["stats", "--json"]))["students"].clone();
    let before = count();
    let list = dir.path().join("类别.csv");
    std::fs::write(
        &list,
        "序号,姓名,身份证号码,人员类别\n1,孙语,450203201909308803,特困人员\n2,林彤瑶,450202201911276365,特困人员\n\
         3,黎语雪,450202202007078525,特困人员\n4,路人甲,450202195003123015,特困人员\n",
    )
    .unwrap();
    let (code, text) = said(canbao(&db).arg("import").arg(&list));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("按班级名单导入"), "{text}");
    let line = text.lines().find(|l| l.contains("第 5 行")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("类别.csv") && line.contains("未导入"), "{text}");
    assert_eq!(count(), before, "the adult is not added");
    let found = String::from_utf8_lossy(&canbao(&db).args(["find", "路人甲"]).output().unwrap().stdout).into_owned();
    assert!(!found.contains("3015"), "{found}");
    let (code, text) = said(canbao(&db).args(["import", "--as-class-list"]).arg(&list));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("岁，不是中小学"), "{text}");
    assert_eq!(count().as_u64(), before.as_u64().map(|n| n + 1), "{text}");
}

/// With `--other-school-ok` the list is another school's: a row without an ID number is that school's child, even
/// when one pupil here has the name. Before, the one 吴凯远 of the drive was recorded paid with the other school's
/// 吴凯远's 380 元; now the row records nothing, keeps nothing, and says why at its row, naming our pupil.
#[test]
fn another_schools_list_never_pays_our_pupil_by_the_name_alone() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (a, b, c) =
        (valid_number("11010520150101001"), valid_number("11010520150202002"), valid_number("11010520150303003"));
    let tax = write_csv(
        dir.path(),
        "other.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[
            ["周静露", "450202201711194162", "380", &oct8],
            ["外校甲", &a, "380", &oct8],
            ["外校乙", &b, "380", &oct8],
            ["外校丙", &c, "380", &oct8],
            ["吴凯远", "", "380", &oct8],
        ],
    );
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--other-school-ok", "--json"]).arg(&tax));
    assert_eq!(paid_amount(&db, "450202201804012233"), ("unpaid".to_owned(), None), "{report}");
    assert_eq!(paid_amount(&db, "450202201711194162"), ("paid".to_owned(), Some(38_000)), "{report}");
    let problems = report["problems"].as_array().cloned().unwrap_or_default();
    let said = problems.iter().find(|p| p["row"].as_u64() == Some(6)).unwrap_or_else(|| panic!("{report}"));
    let message = said["message"].as_str().unwrap();
    assert!(message.contains("吴凯远") && message.contains("另一所学校的名单") && message.contains("未记入"), "{said}");
    assert!(tax_unrecorded(&db).is_empty(), "no stranger kept for check: {:?}", tax_unrecorded(&db));
}

/// With `--other-school-ok`, a pupil of ours held with a flagged number (the check digit typed wrong on the class
/// list) whose valid number the other school's tax list gives under the same name is no stranger: the payment is
/// kept for `check`, listed under the pupil, as without the flag, so the operator corrects the number and records
/// it. Before, it was counted a stranger's and thrown away.
#[test]
fn another_schools_list_keeps_the_payment_of_our_pupil_held_with_a_flagged_number() {
    let oct8 = days_ago(60);
    let real = valid_number("45020520160305911");
    let typo = format!("{}{}", &real[..17], if real.ends_with('2') { '3' } else { '2' });
    let (dir, db) = drive_of(&[["周静露", "450202201711194162", "三年级", "2班"], ["孙芳琳", &typo, "三年级", "2班"]]);
    use_this_years_policy(dir.path(), &db);
    let (a, b) = (valid_number("11010520150101001"), valid_number("11010520150202002"));
    let tax = write_csv(
        dir.path(),
        "other.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[
            ["周静露", "450202201711194162", "380", &oct8],
            ["孙芳琳", &real, "380", &oct8],
            ["外校甲", &a, "380", &oct8],
            ["外校乙", &b, "380", &oct8],
        ],
    );
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--other-school-ok", "--json"]).arg(&tax));
    assert_eq!(report["strangers_not_kept"].as_u64(), Some(2), "{report}");
    let kept: Vec<String> = tax_unrecorded(&db).into_iter().map(|(name, _, _)| name).collect();
    assert_eq!(kept, ["孙芳琳"], "our pupil's payment kept, no stranger's: {report}");
}

/// `--other-school-ok` is the operator's word that the list is another school's: strangers' payments are not kept
/// whatever their share of the list. Before, a list holding more of ours than strangers (a district's list) had the
/// flag ignored without a word, and every stranger's payment kept for good.
#[test]
fn another_schools_list_keeps_no_stranger_whatever_the_proportion() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (a, b) = (valid_number("11010520150101001"), valid_number("11010520150202002"));
    let tax = write_csv(
        dir.path(),
        "district.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[
            ["周静露", "450202201711194162", "380", &oct8],
            ["吴凯远", "450202201804012233", "380", &oct8],
            ["孙远泽", "450203201804047272", "380", &oct8],
            ["外校甲", &a, "380", &oct8],
            ["外校乙", &b, "380", &oct8],
        ],
    );
    let dry =
        json(canbao(&db).args(["reconcile", "--source", "tax", "--other-school-ok", "--dry-run", "--json"]).arg(&tax));
    assert_eq!((dry["other_school"].as_bool(), dry["strangers_not_kept"].as_u64()), (Some(true), Some(2)), "{dry}");
    let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax", "--other-school-ok"]).arg(&tax));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("名单外的 2 笔缴费不保存"), "{text}");
    assert_eq!(paid_amount(&db, "450203201804047272"), ("paid".to_owned(), Some(38_000)));
    assert!(tax_unrecorded(&db).is_empty(), "no stranger kept for check: {:?}", tax_unrecorded(&db));
}

/// The 分 refusal counts the drive's pupils' payments, and says so: a list of more rows, strangers' among them, is
/// not said to hold only that many payments.
#[test]
fn a_list_in_fen_is_refused_counting_what_it_says() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let (a, b) = (valid_number("11010520150101001"), valid_number("11010520150202002"));
    let tax = write_csv(
        dir.path(),
        "fen.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[
            ["周静露", "450202201711194162", "38000", &oct8],
            ["吴凯远", "450202201804012233", "38000", &oct8],
            ["外校甲", &a, "38000", &oct8],
            ["外校乙", &b, "38000", &oct8],
        ],
    );
    let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("名单上本校学生的 2 笔缴费"), "{text}");
    let (_, text) = said(canbao(&db).args(["--lang", "en", "reconcile", "--source", "tax"]).arg(&tax));
    assert!(text.contains("all 2 payments of this drive's pupils on the list"), "{text}");
}

/// The English of the line saying another school's list was taken has its verb, in the run and in the preview, and
/// one payment is one.
#[test]
fn another_schools_list_is_said_in_english_with_its_verb() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let a = valid_number("11010520150101001");
    let tax = write_csv(
        dir.path(),
        "other.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[["周静露", "450202201711194162", "380", &oct8], ["外校甲", &a, "380", &oct8]],
    );
    let base = ["--lang", "en", "reconcile", "--source", "tax", "--other-school-ok"];
    let (_, text) = said(canbao(&db).args(base).arg("--dry-run").arg(&tax));
    assert!(text.contains("the 1 payment of strangers would not be kept"), "{text}");
    let (code, text) = said(canbao(&db).args(base).arg(&tax));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("the 1 payment of strangers is not kept"), "{text}");
}

/// A tax list whose amount column's header gives its unit (「缴费金额(分)」, 「金额（分）」, 「实缴金额（万元）」) on a drive
/// with no policy for its year, where no premium shows an amount 100 times too high: each amount is read in the
/// header's unit and recorded in 元, exactly (38000 分 is 380 元). Before, the unit was not read and 38000 元 was
/// recorded. A header in 元 reads as before, and an amount in 分 that is no whole 分 is recorded for nobody.
#[test]
fn a_tax_list_headed_in_fen_records_its_amounts_in_yuan() {
    let oct8 = days_ago(60);
    for (header, written, recorded) in [
        ("缴费金额(分)", "38000", Some(38_000)),
        ("金额（分）", "38000.00", Some(38_000)),
        ("缴费金额（元）", "380", Some(38_000)),
        ("缴费金额(元)", "380.00", Some(38_000)),
        ("实缴金额（万元）", "0.038", Some(38_000)),
        ("缴费金额(分)", "38000.5", None),
    ] {
        let (dir, db) = imported("utf8_bom.csv");
        let tax = dir.path().join("fen.csv");
        let text = format!("姓名,证件号码,{header},缴费日期\n周静露,450202201711194162,{written},{oct8}\n");
        std::fs::write(&tax, text).unwrap();
        let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
        assert_eq!(code, Some(0), "{header} {written}: {text}");
        let status = if recorded.is_some() { "paid" } else { "unpaid" };
        let paid = paid_amount(&db, "450202201711194162");
        assert_eq!(paid, (status.to_owned(), recorded), "{header} {written}: {text}");
    }
}

/// With `--other-school-ok`, a row giving no ID number and a name nobody on the drive holds is a stranger's: its
/// payment is not kept, and its row says so. Before, the row said its payment was kept in the drive's history and
/// listed by the roster check, which it was not.
#[test]
fn another_schools_stranger_without_a_number_is_said_not_kept() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let a = valid_number("11010520150101001");
    let tax = write_csv(
        dir.path(),
        "other.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[["周静露", "450202201711194162", "380", &oct8], ["外校甲", &a, "380", &oct8], ["外校丙", "", "380", &oct8]],
    );
    for lang in ["zh", "en"] {
        let args = ["--lang", lang, "reconcile", "--source", "tax", "--other-school-ok", "--dry-run", "--json"];
        let report = json(canbao(&db).args(args).arg(&tax));
        assert_eq!(report["strangers_not_kept"].as_u64(), Some(2), "{report}");
        let problems = report["problems"].as_array().cloned().unwrap_or_default();
        let said = problems.iter().find(|p| p["row"].as_u64() == Some(4)).unwrap_or_else(|| panic!("{report}"));
        let message = said["message"].as_str().unwrap_or_default();
        assert!(!message.contains("保存在修改记录中") && !message.contains("kept in the drive's history"), "{said}");
        assert!(message.contains("不保存") && message.contains("not kept"), "{said}");
    }
    let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax", "--other-school-ok"]).arg(&tax));
    assert_eq!(code, Some(0), "{text}");
    assert!(tax_unrecorded(&db).is_empty(), "no stranger kept for check: {:?}", tax_unrecorded(&db));
}

/// `--other-school-ok` says a tax list is another school's: given with an agency's list or a department's it was
/// accepted and did nothing. It is refused, in either language, naming the tax list, and nothing is read.
#[test]
fn other_school_ok_is_refused_for_a_list_that_is_not_the_tax_offices() {
    a_tax_list_flag_given_with_another_list("--other-school-ok", |source, code, text, english| {
        if english {
            assert!(text.contains("--other-school-ok") && text.contains("only for the tax office's list"), "{text}");
        } else {
            assert_eq!(code, Some(1), "{source}: {text}");
            assert!(text.contains("--other-school-ok") && text.contains("税务缴费名单"), "{source}: {text}");
        }
    });
}

/// Two lists each titled with the drive's school written longer, in two ways (「梧州市万秀区城南小学…」 and
/// 「万秀区城南小学2026年秋季…」 on a drive of 城南小学), go into the drive's school, said naming it, in the preview as
/// in the run. Before, they made two new schools.
#[test]
fn two_lists_naming_the_drives_school_longer_in_two_ways_go_into_it() {
    let (dir, db) = common::new_drive();
    let ids: Vec<String> = (1..=3).map(|i| valid_number(&format!("4502022016030509{i}"))).collect();
    let first = dir.path().join("first.csv");
    std::fs::write(&first, format!("姓名,身份证号码,班级\n早来,{},三年级1班\n", ids[0])).unwrap();
    canbao(&db).args(["import", "--school", "城南小学"]).arg(&first).assert().success();
    let a = dir.path().join("a.csv");
    std::fs::write(&a, format!("梧州市万秀区城南小学三年级1班名单\n姓名,身份证号码,班级\n甲,{},三年级1班\n", ids[1]))
        .unwrap();
    let b = dir.path().join("b.csv");
    std::fs::write(&b, format!("万秀区城南小学2026年秋季学生名单\n姓名,身份证号码,班级\n乙,{},三年级2班\n", ids[2]))
        .unwrap();
    let import = |cmd: &mut Command| {
        cmd.arg("import").arg(&a).arg(&b);
    };
    dry_run_and_real(&db, import, |Run { dry, code, text, .. }| {
        assert_eq!(code, Some(0), "{text}");
        assert!(text.contains("可能是同一所学校") && text.contains("导入“城南小学”"), "dry {dry}: {text}");
        assert!(!text.contains("新学校"), "dry {dry}: {text}");
    });
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    assert_eq!(store.schools().unwrap(), ["城南小学"]);
    for id in &ids {
        assert_eq!(store.student_by_id_number(id).unwrap().unwrap().school, "城南小学");
    }
}

/// A workbook one of whose sheets is titled with another school (「别的小学三年级1班名单」) and another untitled: the
/// untitled sheet is that school's too, whichever comes first, as the workbook is one school's list. Before, the
/// untitled sheet went into the drive's school.
#[test]
fn an_untitled_sheet_follows_the_school_its_workbooks_other_sheets_name() {
    for titled_first in [true, false] {
        let (dir, db) = common::new_drive();
        let ids: Vec<String> = (1..=3).map(|i| valid_number(&format!("4502022016030519{i}"))).collect();
        let first = dir.path().join("first.csv");
        std::fs::write(&first, format!("姓名,身份证号码,班级\n早来,{},四年级1班\n", ids[0])).unwrap();
        canbao(&db).args(["import", "--school", "城南小学"]).arg(&first).assert().success();
        let path = dir.path().join("book.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let titled = |book: &mut rust_xlsxwriter::Workbook| {
            let sheet = book.add_worksheet().set_name("三年级1班").unwrap();
            sheet.write(0, 0, "别的小学三年级1班名单").unwrap();
            sheet.write_row(1, 0, ["姓名", "身份证号码"]).unwrap();
            sheet.write_row(2, 0, ["甲", ids[1].as_str()]).unwrap();
        };
        let untitled = |book: &mut rust_xlsxwriter::Workbook| {
            let sheet = book.add_worksheet().set_name("三年级2班").unwrap();
            sheet.write_row(0, 0, ["姓名", "身份证号码"]).unwrap();
            sheet.write_row(1, 0, ["乙", ids[2].as_str()]).unwrap();
        };
        if titled_first {
            titled(&mut book);
            untitled(&mut book);
        } else {
            untitled(&mut book);
            titled(&mut book);
        }
        book.save(&path).unwrap();
        let (code, text) = said(canbao(&db).arg("import").arg(&path));
        assert_eq!(code, Some(0), "{text}");
        assert!(text.contains("三年级2班") && text.contains("别的小学"), "said: {text}");
        let store = canbao::store::Store::open_read_only(&db).unwrap();
        let school = |id: &String| store.student_by_id_number(id).unwrap().unwrap().school;
        assert_eq!(school(&ids[1]), "别的小学", "titled first {titled_first}: {text}");
        assert_eq!(school(&ids[2]), "别的小学", "titled first {titled_first}: {text}");
        assert_eq!(school(&ids[0]), "城南小学");
    }
}

/// With `--lang en` the note that another canbao holds the drive, before a preview of an import, a reconcile or a
/// merge, is English only, as the rest of the preview is. Before, it was the bilingual line with Chinese first.
#[test]
fn the_drive_in_use_note_of_a_preview_is_english_only_with_lang_en() {
    let (dir, db) = imported("utf8_bom.csv");
    let other = dir.path().join("other.db");
    std::fs::copy(&db, &other).unwrap();
    let held = canbao::store::lock::DriveLock::acquire(&db, "张老师").unwrap();
    let list = fixture("gbk_title.csv");
    let runs: [Vec<&std::ffi::OsStr>; 2] = [
        vec!["import".as_ref(), list.as_os_str(), "--dry-run".as_ref()],
        vec!["merge".as_ref(), other.as_os_str(), "--dry-run".as_ref()],
    ];
    for args in runs {
        let out = canbao(&db).args(["--lang", "en"]).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("note: 张老师 has the drive open since"), "{args:?}: {stderr}");
        assert!(!stderr.contains("注意") && !stderr.contains("预览照常进行"), "{args:?}: {stderr}");
    }
    drop(held);
}

/// `mark --amount` beyond any premium (a date typed as the amount) is refused, naming the ceiling, `--yes` or not.
#[test]
fn mark_refuses_an_amount_beyond_any_premium() {
    let (_dir, db) = imported("utf8_bom.csv");
    let first = json(canbao(&db).args(["find", "年级", "--json", "--reveal", "--limit", "1"]));
    let number = first[0]["id_number"].as_str().unwrap().to_owned();
    let out =
        canbao(&db).args(["mark", &number, "--payment", "paid", "--amount", "20261201", "--yes"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("4000 元"), "{stderr}");
    let after = json(canbao(&db).args(["find", &number, "--json"]));
    assert_eq!(after[0]["payment"], "unpaid", "{after}");
}

/// A tax list reconciled again after the roster's name of a pupil it paid for was corrected counts that row's
/// payment, recorded already for the pupil at its amount and date, among none not recorded: the count agrees with
/// what `check` lists. Before, it said 2 where `check` listed 1.
#[test]
fn a_list_reconciled_again_after_a_name_correction_counts_only_what_check_lists() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let zhou = "450202201711194162";
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,班级,缴费金额,缴费日期",
        &[["周静露", zhou, "三年级2班", "380", &oct8], ["苏萱", "", "三年级2班", "380", &oct8]],
    );
    let (_, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
    assert!(text.contains("税务名单中有 1 笔缴费未记入本机"), "{text}");
    let mut store = canbao::store::Store::open(&db).unwrap();
    let held = store.student_by_id_number(zhou).unwrap().expect("周静露");
    let edit = canbao::store::IdentityEdit { name: Some("周静璐".into()), ..Default::default() };
    store.correct_identity(held.id, &edit).unwrap();
    drop(store);
    tax_list_dry_run_and_real(&db, &tax, |Run { dry, code, text, .. }| {
        assert_eq!(code, Some(0), "{text}");
        assert_eq!(tax_unrecorded(&db).len(), 1, "{:?}", tax_unrecorded(&db));
        assert!(text.contains("税务名单中有 1 笔缴费未记入本机"), "dry run {dry}: {text}");
    });
}

/// A tax list whose amount column's header gives its unit after a slash, a space or a dash (「金额/分」, 「缴费金额 分」,
/// 「金额/元」, 「实缴金额-分」) reads that column as the amount in that unit: a 95-元 part payment is recorded as 95 元,
/// not as paid in full. Before, the column was dropped as unused and every row recorded as paid with no amount.
#[test]
fn a_tax_list_headed_with_its_unit_after_a_slash_or_a_space_reads_its_amounts() {
    let oct8 = days_ago(60);
    for (header, written) in [
        ("金额/分", "9500"),
        ("缴费金额 分", "9500"),
        ("金额/元", "95"),
        ("实缴金额-分", "9500"),
        ("缴费额 /元", "95.00"),
    ] {
        let (dir, db) = tax_drive();
        let tax = dir.path().join("unit.csv");
        let text = format!(
            "纳税人姓名,身份证号码,{header},缴费日期\n周静露,450202201711194162,{written},{oct8}\n\
             吴凯远,450202201804012233,{},{oct8}\n",
            if written.contains('.') || header.ends_with('元') { "380" } else { "38000" }
        );
        std::fs::write(&tax, text).unwrap();
        let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
        assert_eq!(code, Some(0), "{header}: {text}");
        assert!(!text.contains("未使用"), "{header}: {text}");
        assert_eq!(paid_amount(&db, "450202201711194162").1, Some(9_500), "{header}: {text}");
        assert_eq!(paid_amount(&db, "450202201804012233"), ("paid".to_owned(), Some(38_000)), "{header}: {text}");
    }
}

/// A tax list with a column whose header names an amount the reconciliation cannot read as one (「金额合计」) and no
/// amount column it reads is refused whole, naming the column: recorded, every row would be paid in full whatever
/// it paid. Before, the column was listed among the unused and every payment recorded in full.
#[test]
fn a_tax_list_whose_amount_looking_column_is_unread_is_refused() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let tax = write_csv(
        dir.path(),
        "sum.csv",
        "姓名,身份证号码,金额合计,缴费日期",
        &[["周静露", "450202201711194162", "95", &oct8]],
    );
    tax_list_dry_run_and_real(&db, &tax, |Run { dry, code, text, .. }| {
        assert_eq!(code, Some(1), "dry {dry}: {text}");
        assert!(text.contains("金额合计") && text.contains("未保存任何内容"), "{text}");
    });
    assert_eq!(paid_amount(&db, "450202201711194162"), ("unpaid".to_owned(), None));
}

/// A tax list headed in 分 whose amounts are plainly 元 (380, 380.00, 95, 285 for a premium of 380: each a hundredth
/// of it or less read in 分) is refused whole, saying the header's unit does not fit the amounts, as a list in 分
/// under a 元 header is. Before, every family was recorded as having paid 3.80 元, 0.95 元, 2.85 元.
#[test]
fn a_tax_list_headed_in_fen_with_amounts_in_yuan_is_refused_whole() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let tax = write_csv(
        dir.path(),
        "fen_but_yuan.csv",
        "姓名,证件号码,缴费金额(分),缴费日期",
        &[
            ["周静露", "450202201711194162", "380", &oct8],
            ["吴凯远", "450202201804012233", "380.00", &oct8],
            ["孙远泽", "450203201804047272", "95", &oct8],
        ],
    );
    tax_list_dry_run_and_real(&db, &tax, |Run { dry, code, text, .. }| {
        assert_eq!(code, Some(1), "dry {dry}: {text}");
        assert!(
            text.contains("以元为单位") && text.contains("缴费金额(分)") && text.contains("未保存任何内容"),
            "{text}"
        );
    });
    assert_eq!(paid_amount(&db, "450202201711194162"), ("unpaid".to_owned(), None));
    assert!(tax_unrecorded(&db).is_empty(), "nothing kept for check");
}

/// On a drive with no policy, a tax list whose amounts are beyond any premium (38000, 9500, 28500 under 「金额（元）」
/// or a plain 「缴费金额」: a list in 分) is refused whole, saying the most a pupil's year is taken to cost, as `mark`
/// refuses such an amount. Before, 38000 元 was recorded as each family's payment.
#[test]
fn a_tax_list_beyond_any_premium_is_refused_without_a_policy() {
    let oct8 = days_ago(60);
    for header in ["金额（元）", "缴费金额"] {
        let (dir, db) = imported("utf8_bom.csv");
        let tax = dir.path().join("yuan_but_fen.csv");
        std::fs::write(
            &tax,
            format!(
                "纳税人姓名,身份证号码,{header},缴费日期\n周静露,450202201711194162,38000,{oct8}\n\
                 吴凯远,450202201804012233,9500,{oct8}\n"
            ),
        )
        .unwrap();
        tax_list_dry_run_and_real(&db, &tax, |Run { dry, code, text, .. }| {
            assert_eq!(code, Some(1), "{header} dry {dry}: {text}");
            assert!(text.contains("4000 元") && text.contains("未保存任何内容"), "{text}");
        });
        assert_eq!(paid_amount(&db, "450202201711194162"), ("unpaid".to_owned(), None), "{header}");
    }
}

/// An untitled sheet beside a sheet titled with another school follows that school for its new pupils only: a
/// pupil the drive already holds (the drive's own class, sent in the same workbook) stays in the drive's school.
#[test]
fn an_untitled_sheet_beside_another_schools_title_keeps_the_drives_own_pupils_in_their_school() {
    let (dir, db) = common::new_drive();
    let ids: Vec<String> = (1..=3).map(|i| valid_number(&format!("4502022016030519{i}"))).collect();
    let first = dir.path().join("first.csv");
    std::fs::write(&first, format!("姓名,身份证号码,班级\n早来,{},一年级2班\n", ids[0])).unwrap();
    canbao(&db).args(["import", "--school", "育才小学"]).arg(&first).assert().success();
    let path = dir.path().join("book.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("一年级1班").unwrap();
    sheet.write(0, 0, "宜宾市翠屏区实验小学一年级1班名单").unwrap();
    sheet.write_row(1, 0, ["姓名", "身份证号码"]).unwrap();
    sheet.write_row(2, 0, ["甲", ids[1].as_str()]).unwrap();
    let sheet = book.add_worksheet().set_name("一年级2班").unwrap();
    sheet.write_row(0, 0, ["姓名", "身份证号码"]).unwrap();
    sheet.write_row(1, 0, ["早来", ids[0].as_str()]).unwrap();
    sheet.write_row(2, 0, ["乙", ids[2].as_str()]).unwrap();
    book.save(&path).unwrap();
    let (code, text) = said(canbao(&db).arg("import").arg(&path));
    assert_eq!(code, Some(0), "{text}");
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let school = |id: &String| store.student_by_id_number(id).unwrap().unwrap().school;
    assert_eq!(school(&ids[0]), "育才小学", "{text}");
    assert_eq!(school(&ids[1]), "宜宾市翠屏区实验小学", "{text}");
    assert_eq!(school(&ids[2]), "宜宾市翠屏区实验小学", "{text}");
}

/// A tax list whose unit is said on a line above its header (「单位：分」, as exports write it beside the title)
/// reads its amounts in that unit, and says so: 38000 there is 380 元. A header saying its own unit goes before
/// the line; a line naming another 单位 (the paying school's) says no unit.
#[test]
fn a_tax_list_whose_unit_line_above_the_header_says_fen_records_its_amounts_in_yuan() {
    let oct8 = days_ago(60);
    for (above, header, written, recorded) in [
        ("城乡居民医保缴费明细,,,\n单位：分,,,\n", "缴费金额", "38000", Some(38_000)),
        ("缴费明细（金额单位：分）,,,\n", "缴费金额", "38000", Some(38_000)),
        ("制表日期：2026-11-01   单位:分,,,\n", "缴费金额", "38000", Some(38_000)),
        ("单位：分,,,\n", "缴费金额（元）", "380", Some(38_000)),
        ("缴费单位：第一小学,,,\n", "缴费金额", "380", Some(38_000)),
    ] {
        let (dir, db) = imported("utf8_bom.csv");
        let tax = dir.path().join("fen.csv");
        let text = format!("{above}姓名,证件号码,{header},缴费日期\n周静露,450202201711194162,{written},{oct8}\n");
        std::fs::write(&tax, text).unwrap();
        let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
        assert_eq!(code, Some(0), "{above} {written}: {text}");
        let paid = paid_amount(&db, "450202201711194162");
        assert_eq!(paid, ("paid".to_owned(), recorded), "{above} {header} {written}: {text}");
        if header == "缴费金额" && written == "38000" {
            assert!(text.contains("按分读取"), "{above}: {text}");
        }
    }
}

/// Chooses for the drive a policy of its own insured year named `name`, `premium` 元 due, as
/// `use_this_years_policy` does: a later notice's premium for the same drive.
fn use_a_policy_of_premium(dir: &Path, db: &Path, name: &str, premium: i64) {
    let year = drive_year(db);
    let folder = dir.join(format!("{name}-config"));
    std::fs::create_dir_all(folder.join("canbao/policies")).unwrap();
    let text = format!(
        "title = \"本年度\"\ndocument = \"测试\"\ninsured_year = {year}\npersonal_premium = {premium}\n\n[[window]]\n\
         name = \"缴费期\"\nfrom = {}-01-01\nto = {year}-12-31\nclause = \"测试\"\ntext = \"测试\"\n\
         amount = \"personal\"\ncoverage = \"year\"\n",
        year - 1
    );
    std::fs::write(folder.join(format!("canbao/policies/{name}.toml")), text).unwrap();
    let mut chosen = canbao(db);
    chosen.env("XDG_CONFIG_HOME", &folder).env("HOME", dir).args(["policy", "use", name]).assert().success();
}

/// `mark --amount` weighs an amount against the ceiling the drive's policy gives one payment, ten times its
/// premium: 3900 for a premium of 380 is refused naming 3800 元, and under a later notice's premium of 500, 4500 is
/// a payment (asked about with `--yes`, as any amount other than the one due). Before, the ceiling was 4,000 元
/// whatever the policy: 3900 was recorded for 380 and 4500 refused for 500.
#[test]
fn mark_weighs_an_amount_against_ten_times_the_policys_premium() {
    let zhou = "450202201711194162";
    let (dir, db) = tax_drive();
    let (code, text) = said(canbao(&db).args(["mark", zhou, "--payment", "paid", "--amount", "3900", "--yes"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("3800 元") && text.contains("未保存"), "{text}");
    assert_eq!(paid_amount(&db, zhou), ("unpaid".to_owned(), None));
    let (code, text) = said(canbao(&db).args(["mark", zhou, "--payment", "paid", "--amount", "3700", "--yes"]));
    assert_eq!(code, Some(0), "below the ceiling, a payment: {text}");
    assert_eq!(paid_amount(&db, zhou), ("paid".to_owned(), Some(370_000)));
    use_a_policy_of_premium(dir.path(), &db, "later", 500);
    let wu = "450202201804012233";
    let (code, text) = said(canbao(&db).args(["mark", wu, "--payment", "paid", "--amount", "4500", "--yes"]));
    assert_eq!(code, Some(0), "under a premium of 500 the ceiling is 5000: {text}");
    assert_eq!(paid_amount(&db, wu), ("paid".to_owned(), Some(450_000)));
    let (code, text) = said(canbao(&db).args(["mark", wu, "--payment", "paid", "--amount", "5000", "--yes"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("5000 元"), "{text}");
}

/// One rule for a tax list's amounts beyond what a pupil's year is paid, with a policy and without: one such amount
/// among payments is held back at its row (not recorded, kept for `check`), and a list only of two or more such is
/// refused whole, its refusal saying the rule; one such amount alone is held at its row too. Before, without a
/// policy, 38000 元 among 380s was recorded as a family's payment, and a list of one such row refused whole where
/// with a policy it was held at its row.
#[test]
fn a_tax_lists_amounts_beyond_the_ceiling_are_weighed_alike_with_a_policy_and_without() {
    let oct8 = days_ago(60);
    let (zhou, wu, sun) = ("450202201711194162", "450202201804012233", "450203201804047272");
    for with_policy in [false, true] {
        let drive = || if with_policy { tax_drive() } else { imported("utf8_bom.csv") };
        // One among payments: held at its row, the others recorded.
        let (dir, db) = drive();
        let tax = write_csv(
            dir.path(),
            "one_far.csv",
            "姓名,证件号码,缴费金额,缴费日期",
            &[["周静露", zhou, "380", &oct8], ["吴凯远", wu, "380", &oct8], ["孙远泽", sun, "38000", &oct8]],
        );
        let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
        assert_eq!(code, Some(0), "policy {with_policy}: {text}");
        assert_eq!(paid_amount(&db, zhou), ("paid".to_owned(), Some(38_000)), "policy {with_policy}: {text}");
        assert_eq!(paid_amount(&db, sun), ("unpaid".to_owned(), None), "policy {with_policy}: {text}");
        assert!(text.contains("38000 元") && text.contains("未记入"), "said at its row: {text}");
        let kept = tax_unrecorded(&db);
        assert!(
            kept.iter().any(|(name, row, _)| name == "孙远泽" && *row == Some(4)),
            "policy {with_policy}: {kept:?}"
        );
        // Alone on its list: held at its row as well, not the whole list refused.
        let (dir, db) = drive();
        let tax =
            write_csv(dir.path(), "alone.csv", "姓名,证件号码,缴费金额,缴费日期", &[["孙远泽", sun, "38000", &oct8]]);
        let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
        assert_eq!(code, Some(0), "policy {with_policy}: {text}");
        assert_eq!(paid_amount(&db, sun), ("unpaid".to_owned(), None), "policy {with_policy}: {text}");
        assert_eq!(tax_unrecorded(&db).len(), 1, "policy {with_policy}: {text}");
        // Two: the whole list refused, the rule said, nothing kept.
        let (dir, db) = drive();
        let tax = write_csv(
            dir.path(),
            "two.csv",
            "姓名,证件号码,缴费金额,缴费日期",
            &[["吴凯远", wu, "38000", &oct8], ["孙远泽", sun, "38000", &oct8]],
        );
        for (lang, rule) in [("zh", ["两笔以上", "只有一笔时"]), ("en", ["two or more", "one alone"])] {
            let (code, text) = said(canbao(&db).args(["--lang", lang, "reconcile", "--source", "tax"]).arg(&tax));
            assert_eq!(code, Some(1), "policy {with_policy}: {text}");
            assert!(rule.iter().all(|words| text.contains(words)), "the rule said: {text}");
        }
        assert!(tax_unrecorded(&db).is_empty(), "policy {with_policy}");
    }
}

/// A tax list headed in 分 whose amounts are 元 (400, 400, 380: four-元 payments read so) is refused on a drive with
/// no policy too, weighed against the least premium the notices set, as a policy's premium catches it. Before,
/// without a policy, each family was recorded as having paid 4 元.
#[test]
fn a_tax_list_headed_in_fen_with_amounts_in_yuan_is_refused_without_a_policy() {
    let oct8 = days_ago(60);
    let (dir, db) = imported("utf8_bom.csv");
    let tax = write_csv(
        dir.path(),
        "fen_but_yuan.csv",
        "姓名,证件号码,金额(分),缴费日期",
        &[
            ["周静露", "450202201711194162", "400", &oct8],
            ["吴凯远", "450202201804012233", "400", &oct8],
            ["孙远泽", "450203201804047272", "380", &oct8],
        ],
    );
    for (lang, said_so) in
        [("zh", ["以元为单位", "280 元", "未保存任何内容"]), ("en", ["look like yuan", "280 yuan", "nothing saved"])]
    {
        let (code, text) = said(canbao(&db).args(["--lang", lang, "reconcile", "--source", "tax"]).arg(&tax));
        assert_eq!(code, Some(1), "{text}");
        assert!(said_so.iter().all(|words| text.contains(words)), "{text}");
    }
    assert_eq!(paid_amount(&db, "450202201711194162"), ("unpaid".to_owned(), None));
    assert!(tax_unrecorded(&db).is_empty(), "nothing kept for check");
}

/// Under a 分 header, one family's real part payment of a tenth of the premium or less (3000 分, 30 元 of 380) is
/// read as a part payment, alone on its list or among full payments; only a list most of whose payments (two or
/// more) are under a tenth is refused. Before, a list of that one payment was refused whole as a list in 元.
#[test]
fn a_small_part_payment_under_a_fen_header_is_read_as_one() {
    let oct8 = days_ago(60);
    let (zhou, wu, sun) = ("450202201711194162", "450202201804012233", "450203201804047272");
    for rows in [
        format!("孙远泽,{sun},3000,{oct8}\n"),
        format!("周静露,{zhou},38000,{oct8}\n吴凯远,{wu},38000,{oct8}\n孙远泽,{sun},3000,{oct8}\n"),
    ] {
        let (dir, db) = tax_drive();
        let tax = dir.path().join("part.csv");
        std::fs::write(&tax, format!("姓名,证件号码,缴费金额(分),缴费日期\n{rows}")).unwrap();
        let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
        assert_eq!(code, Some(0), "{rows}: {text}");
        assert_eq!(paid_amount(&db, sun), ("paid".to_owned(), Some(3_000)), "{rows}: {text}");
        assert!(text.contains("部分缴费"), "said as a part payment: {text}");
    }
    let (dir, db) = tax_drive();
    let tax = write_csv(
        dir.path(),
        "mostly.csv",
        "姓名,证件号码,缴费金额(分),缴费日期",
        &[["周静露", zhou, "380", &oct8], ["吴凯远", wu, "380", &oct8], ["孙远泽", sun, "38000", &oct8]],
    );
    let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("3 笔缴费中有 2 笔") && text.contains("以元为单位"), "{text}");
    assert_eq!(paid_amount(&db, sun), ("unpaid".to_owned(), None));
}

/// `--keep-unmatched` keeps a tax list's payments of strangers: given with an agency's list or a department's it was
/// accepted and did nothing. It is refused, in either language, naming the tax list, and nothing is read.
#[test]
fn keep_unmatched_is_refused_for_a_list_that_is_not_the_tax_offices() {
    a_tax_list_flag_given_with_another_list("--keep-unmatched", |source, code, text, english| {
        assert_eq!(code, Some(1), "{source}: {text}");
        if english {
            assert!(text.contains("--keep-unmatched is only for the tax office's list"), "{text}");
        } else {
            assert!(text.contains("--keep-unmatched 只用于税务缴费名单"), "{source}: {text}");
        }
    });
}

/// `mark --top-up` on a drive with no policy, where no amount due weighs it, is refused when the payment it makes
/// up reaches the ceiling of one payment (a date typed as the top-up), as `mark --amount` is. Before, 300 元 and a
/// top-up of 20261201 were recorded as 20261501 元 paid.
#[test]
fn mark_refuses_a_top_up_making_the_payment_reach_the_ceiling() {
    let (_dir, db) = imported("utf8_bom.csv");
    let zhou = "450202201711194162";
    canbao(&db).args(["mark", zhou, "--payment", "paid", "--amount", "300", "--yes"]).assert().success();
    let (code, text) = said(canbao(&db).args(["mark", zhou, "--top-up", "20261201"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("4000 元") && text.contains("未保存"), "{text}");
    assert_eq!(paid_amount(&db, zhou), ("paid".to_owned(), Some(30_000)));
    let (code, text) = said(canbao(&db).args(["mark", zhou, "--top-up", "80"]));
    assert_eq!(code, Some(0), "a top-up below it: {text}");
    assert_eq!(paid_amount(&db, zhou), ("paid".to_owned(), Some(38_000)));
}

/// `add` with a number already on the roster (as the number, or in `--name` with the name in `--id`) is refused as
/// 添加学生 refuses it: that pupil named with class and status, not a new pupil, nothing added, exit code 1, in
/// Chinese and with `--lang en`, and in `--json` by its kind; a pupil 已离校 is pointed at the enrollment (`mark
/// --name … --class … --enrollment here`), which brings them back. Before, the one-row list was imported as a list's
/// row of that number, said deep in the report with exit code 0.
#[test]
fn add_refuses_a_number_already_on_the_roster_naming_that_pupil() {
    let (_dir, db) = common::new_drive();
    canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let number = "450202201711194162";
    let before =
        canbao::store::Store::open_read_only(&db).unwrap().student_by_id_number(number).unwrap().expect("held");
    let other_class = if before.class_label() == "三年级1班" { "三年级2班" } else { "三年级1班" };
    let add = |lang: &str, swapped: bool| {
        let (name, id) = if swapped { (number, "周新新") } else { ("周新新", number) };
        said(canbao(&db).args(["--lang", lang, "add", "--name", name, "--id", id, "--class", other_class]))
    };
    for (lang, swapped) in [("zh", false), ("zh", true), ("en", false)] {
        let (code, text) = add(lang, swapped);
        assert_eq!(code, Some(1), "{text}");
        let expected = match lang {
            "zh" => {
                format!("此身份证号码已是 {}（{}，未缴费）：不是新学生，没有添加", before.name, before.class_label())
            }
            _ => format!(
                "this ID number is already {}'s ({}, unpaid): not a new pupil",
                before.name,
                before.class_label()
            ),
        };
        assert!(text.contains(&expected), "{text}");
        assert!(text.contains(" E"), "points to E: {text}");
        let now = canbao::store::Store::open_read_only(&db).unwrap().student_by_id_number(number).unwrap().unwrap();
        assert_eq!((now.name.clone(), now.class_label()), (before.name.clone(), before.class_label()), "{text}");
    }
    let (code, text) =
        said(canbao(&db).args(["add", "--json", "--name", "周新新", "--id", number, "--class", other_class]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("\"pupil_on_roster\""), "{text}");
    // A pupil who left and came back: their enrollment brings them back, not a new pupil nor `E`.
    canbao(&db).args(["mark", number, "--enrollment", "left"]).assert().success();
    let (code, text) = add("zh", false);
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains(&format!("（{}，已离校，未缴费）", before.class_label())), "{text}");
    let mark = format!("mark --name {} --class {} --enrollment here", before.name, before.class_label());
    assert!(text.contains(&mark) && !text.contains("按 E"), "{text}");
    // The command said brings the pupil back.
    let (code, text) = said(canbao(&db).args(mark.split(' ')));
    assert_eq!(code, Some(0), "{text}");
    let now = canbao::store::Store::open_read_only(&db).unwrap().student_by_id_number(number).unwrap().unwrap();
    assert_eq!(now.enrollment, canbao::domain::student::Enrollment::Here);
}

/// A tax list reconciled again after the roster's name of a pupil it paid for was corrected writes no kept payment
/// for that row, recorded already for the pupil at its amount and date: the drive's history holds only the kept
/// payments `check` lists and the reconcile counts. Before, a `payment_unapplied` row was written for it all the
/// same, neither counted nor listed.
#[test]
fn a_list_reconciled_again_keeps_no_payment_the_pupil_has_recorded() {
    let oct8 = days_ago(60);
    let (dir, db) = tax_drive();
    let zhou = "450202201711194162";
    let tax = dir.path().join("tax.csv");
    std::fs::write(
        &tax,
        format!(
            "姓名,证件号码,班级,缴费金额,缴费日期\n周静露,{zhou},三年级2班,380,{oct8}\n苏萱,,三年级2班,380,{oct8}\n"
        ),
    )
    .unwrap();
    canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
    let kept_rows = || -> (i64, i64) {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let count = |sql: &str| conn.query_row(sql, [zhou], |r| r.get::<_, i64>(0)).unwrap();
        (
            count("SELECT count(*) FROM audit WHERE field = 'payment_unapplied' AND ?1 <> ''"),
            count("SELECT count(*) FROM audit WHERE field = 'payment_unapplied' AND id_number = ?1"),
        )
    };
    let (all_before, zhou_before) = kept_rows();
    assert_eq!(zhou_before, 0, "周静露's payment is recorded, not kept");
    let mut store = canbao::store::Store::open(&db).unwrap();
    let held = store.student_by_id_number(zhou).unwrap().expect("周静露");
    let edit = canbao::store::IdentityEdit { name: Some("周静璐".into()), ..Default::default() };
    store.correct_identity(held.id, &edit).unwrap();
    drop(store);
    let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("税务名单中有 1 笔缴费未记入本机"), "{text}");
    assert_eq!(tax_unrecorded(&db).len(), 1, "{:?}", tax_unrecorded(&db));
    assert_eq!(kept_rows(), (all_before, 0), "no kept payment written for the one recorded: {text}");
}

/// Chooses for the drive a policy of its own year whose later window charges the financing standard (280 元 and
/// a 580 元 subsidy, as liuzhou-2021): its year-wide ceiling is 8600 元, while a pupil paying in the first window
/// owes 280 元.
fn use_a_financing_standard_policy(dir: &Path, db: &Path) {
    let year = drive_year(db);
    let folder = dir.join("standard-config");
    std::fs::create_dir_all(folder.join("canbao/policies")).unwrap();
    let text = format!(
        "title = \"本年度\"\ndocument = \"测试\"\ninsured_year = {year}\npersonal_premium = 280\n\
         government_subsidy = 580\n\n[[window]]\nname = \"缴费期\"\nfrom = {}-01-01\nto = {year}-11-30\n\
         clause = \"测试\"\ntext = \"测试\"\namount = \"personal\"\ncoverage = \"year\"\n\n[[window]]\n\
         name = \"年末\"\nfrom = {year}-12-01\nto = {year}-12-31\nclause = \"测试\"\ntext = \"测试\"\n\
         amount = \"financing_standard\"\ncoverage = \"year\"\n",
        year - 1
    );
    std::fs::write(folder.join("canbao/policies/standard.toml"), text).unwrap();
    let mut chosen = canbao(db);
    chosen.env("XDG_CONFIG_HOME", &folder).env("HOME", dir).args(["policy", "use", "standard"]).assert().success();
}

/// `mark` weighs an amount against the pupil's own premium where the policy prices the pupil, as the tax list's
/// reconciliation does: 3000 for a 280 元 premium is refused by both, said against the premium, not against the
/// year's 8600 元 ceiling (ten times the financing standard). Without a policy, the refusal says none is chosen,
/// not 「保费的 10 倍」. Before, `mark` saved 3000 元 that the reconciliation held.
#[test]
fn mark_weighs_an_amount_against_the_pupils_premium_as_the_reconciliation_does() {
    let zhou = "450202201711194162";
    let day = days_ago(60);
    let (dir, db) = imported("utf8_bom.csv");
    use_a_financing_standard_policy(dir.path(), &db);
    for lang in ["zh", "en"] {
        let (code, text) = said(canbao(&db).args([
            "--lang",
            lang,
            "mark",
            zhou,
            "--payment",
            "paid",
            "--amount",
            "3000",
            "--paid-on",
            &day,
            "--yes",
        ]));
        assert_eq!(code, Some(1), "{text}");
        assert!(text.contains("280") && !text.contains("8600"), "{text}");
    }
    assert_eq!(paid_amount(&db, zhou), ("unpaid".to_owned(), None));
    let tax = dir.path().join("tax.csv");
    std::fs::write(&tax, format!("姓名,证件号码,缴费金额,缴费日期\n周静露,{zhou},3000,{day}\n")).unwrap();
    let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(paid_amount(&db, zhou), ("unpaid".to_owned(), None), "{text}");
    let (code, text) =
        said(canbao(&db).args(["mark", zhou, "--payment", "paid", "--amount", "2000", "--paid-on", &day, "--yes"]));
    assert_eq!(code, Some(0), "under ten times the premium: {text}");
    let (_dir, db) = imported("utf8_bom.csv");
    let (code, text) = said(canbao(&db).args(["mark", zhou, "--payment", "paid", "--amount", "5000", "--yes"]));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("未选政策") && !text.contains("保费的"), "{text}");
}

/// A tax list in 分 under a 元 header is refused on most of its payments, as a list in 元 under a 分 header is: 38000,
/// 38000 and 3000 (a 30 元 top-up in 分) refuse the list whole, where before the 3000 was recorded as 3000 元.
#[test]
fn a_list_in_fen_under_a_yuan_header_is_refused_on_most_of_its_payments() {
    let oct8 = days_ago(60);
    let (zhou, wu, sun) = ("450202201711194162", "450202201804012233", "450203201804047272");
    let (dir, db) = imported("utf8_bom.csv");
    let tax = dir.path().join("mostly_fen.csv");
    std::fs::write(
        &tax,
        format!(
            "姓名,证件号码,缴费金额,缴费日期\n周静露,{zhou},38000,{oct8}\n吴凯远,{wu},38000,{oct8}\n\
             孙远泽,{sun},3000,{oct8}\n"
        ),
    )
    .unwrap();
    for lang in ["zh", "en"] {
        let (code, text) = said(canbao(&db).args(["--lang", lang, "reconcile", "--source", "tax"]).arg(&tax));
        assert_eq!(code, Some(1), "{text}");
        assert!(text.contains("2") && (text.contains("过半") || text.contains("more than half")), "{text}");
    }
    assert_eq!(paid_amount(&db, sun), ("unpaid".to_owned(), None));
    assert!(tax_unrecorded(&db).is_empty());
}

/// A pupil's rows on a tax list are weighed summed as well as one by one, as `mark --amount` weighs what it records:
/// two rows of 2000 for one pupil (no policy) come to 4000 元, the ceiling, and are held at their rows, not recorded.
#[test]
fn a_pupils_rows_summed_beyond_the_ceiling_are_held() {
    let zhou = "450202201711194162";
    let (dir, db) = imported("utf8_bom.csv");
    let tax = dir.path().join("twice.csv");
    std::fs::write(
        &tax,
        format!(
            "姓名,证件号码,缴费金额,缴费日期\n周静露,{zhou},2000,{}\n周静露,{zhou},2000,{}\n",
            days_ago(60),
            days_ago(50)
        ),
    )
    .unwrap();
    let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
    assert_eq!(code, Some(0), "{text}");
    assert_eq!(paid_amount(&db, zhou), ("unpaid".to_owned(), None), "{text}");
    assert!(text.contains("4000"), "{text}");
    assert_eq!(tax_unrecorded(&db).len(), 2, "{text}");
}

/// The pupils of one class as `find --json --reveal` gives them: name, number held and its problem, by name.
fn held_numbers(db: &Path, class: &str) -> Vec<(String, String, String)> {
    let found = json(canbao(db).args(["find", class, "--json", "--reveal"]));
    let text = |p: &Value, key: &str| p[key].as_str().unwrap_or("").to_owned();
    let mut held: Vec<_> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (text(p, "name"), text(p, "id_number"), text(p, "id_problem")))
        .collect();
    held.sort();
    held
}

/// A number a spreadsheet rounded reaches canbao spelt many ways: Excel's `5.11502202001205E+17` in a CSV, a small
/// e, full-width digits and spaces, no sign, an XLSX number cell. Each is kept as the digits a numeric cell keeps
/// (511502202001205000), flagged as rounded even where those digits pass the check (…207000), so the screen masks
/// it as any number, every form prints its last four as 待核实, and the same list read again, or the pupil's row of
/// an XLSX, is the pupil held. A number shown shorter (5.11502e+17) keeps the digits it shows, spelt as Excel
/// spells it, printed so. A corrected list with the whole number, in the same class, puts the whole one in its
/// place.
#[test]
fn a_rounded_number_is_kept_in_one_form_however_a_list_spells_it() {
    let real = valid_number("51150220200120512");
    let (dir, db) = common::new_drive();
    let list = dir.path().join("名单.csv");
    std::fs::write(
        &list,
        "姓名,身份证号码,年级,班级\n张三,5.11502202001205E+17,一年级,1班\n\
         李四, ５.１１５０２２０２００１２０６e+17 ,一年级,1班\n王五,5.11502202001207E17,一年级,1班\n\
         赵六,5.11502e+17,一年级,2班\n",
    )
    .unwrap();
    canbao(&db).arg("import").arg(&list).assert().success();
    let lost = "precision_lost".to_owned();
    let expected = vec![
        ("张三".to_owned(), "511502202001205000".to_owned(), lost.clone()),
        ("李四".to_owned(), "511502202001206000".to_owned(), lost.clone()),
        ("王五".to_owned(), "511502202001207000".to_owned(), lost.clone()),
    ];
    let mut by_name = expected.clone();
    by_name.sort();
    assert_eq!(held_numbers(&db, "一年级1班"), by_name);
    assert_eq!(held_numbers(&db, "一年级2班"), vec![("赵六".to_owned(), "5.11502E+17".to_owned(), lost.clone())]);

    let screen = String::from_utf8_lossy(&canbao(&db).args(["find", "一年级"]).output().unwrap().stdout).into_owned();
    assert!(screen.contains("5115**********5000") && screen.contains("5115**********0000"), "{screen}");
    assert!(!screen.to_lowercase().contains("e+17"), "masked as any number: {screen}");
    let sheet = canbao(&db).args(["export", "sheet", "--format", "csv", "--out", "-"]).output().unwrap();
    assert!(sheet.status.success(), "{}", String::from_utf8_lossy(&sheet.stderr));
    let sheet = String::from_utf8_lossy(&sheet.stdout).into_owned();
    assert_eq!(sheet.matches("51150220200120待核实").count(), 3, "{sheet}");
    assert!(sheet.contains(",511502待核实,"), "the digits it shows: {sheet}");
    assert!(!sheet.to_lowercase().contains("e+17"), "{sheet}");

    // The same list again, and the class's XLSX with the number in a number cell: the pupils held.
    canbao(&db).arg("import").arg(&list).assert().success();
    let xlsx = dir.path().join("名单.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_row(0, 0, ["姓名", "身份证号码", "年级", "班级"]).unwrap();
    sheet.write_string(1, 0, "张三").unwrap();
    sheet.write_number(1, 1, 511502202001205000.0).unwrap();
    sheet.write_row(1, 2, ["一年级", "1班"]).unwrap();
    sheet.write_row(2, 0, ["李四", "5.11502202001206E+17", "一年级", "1班"]).unwrap();
    book.save(&xlsx).unwrap();
    canbao(&db).arg("import").arg(&xlsx).assert().success();
    assert_eq!(held_numbers(&db, "一年级1班"), by_name, "nobody added");

    // The tax office's list gives the number as Excel wrote it: the pupil, said masked as any number.
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期",
        &[["张三", "5.11502202001205e+17", "380", "2026-11-20"]],
    );
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!(report["matched"], 1, "{report}");
    assert!(!report.to_string().to_lowercase().contains("e+17"), "{report}");

    // The teacher's corrected list gives the whole number: it takes the rounded one's place.
    let corrected = write_list(dir.path(), "更正.csv", &[["张三", &real, "一年级", "1班"]]);
    canbao(&db).arg("import").arg(&corrected).assert().success();
    let held = held_numbers(&db, "一年级1班");
    assert_eq!(held.len(), 3, "{held:?}");
    assert!(held.contains(&("张三".to_owned(), real.clone(), String::new())), "{held:?}");
}

/// A rounded number typed at `add`, `mark` or `find` (as Excel showed it, in any case) is the one form a list's
/// is kept in: `add` keeps it as the digits a numeric cell keeps, flagged, and `mark` and `find` reach the pupil
/// held so.
#[test]
fn a_rounded_number_typed_at_add_mark_or_find_is_the_one_form() {
    let (_dir, db) = drive_of(&[["张三", "511502202001205000", "一年级", "1班"]]);
    assert_eq!(names(&json(canbao(&db).args(["find", "5.11502202001205e+17", "--json"]))), ["张三"]);
    canbao(&db).args(["mark", "5.11502202001205E+17", "--enrollment", "here"]).assert().success();
    let found = json(canbao(&db).args(["find", "张三", "--json"]));
    assert_eq!(found[0]["enrollment"], "here", "{found}");

    canbao(&db)
        .args(["add", "--name", "王五", "--id", "5.11502202001207e+17", "--class", "一年级1班"])
        .assert()
        .success();
    let held = held_numbers(&db, "一年级1班");
    assert!(
        held.contains(&("王五".to_owned(), "511502202001207000".to_owned(), "precision_lost".to_owned())),
        "flagged though its digits pass the check: {held:?}"
    );
    canbao(&db)
        .args(["mark", "5.11502202001207E+17", "--name", "王五", "--enrollment", "declined", "--reason", "家长不同意"])
        .assert()
        .success();
}

/// A drive an earlier canbao wrote holds rounded numbers as the list spelt them (5.11502202001205E+17, a small e):
/// opened, they are kept in the one form a list's is kept in today, so the list read again is those pupils, and
/// a number shown shorter keeps Excel's spelling.
#[test]
fn a_drive_holding_rounded_numbers_as_lists_spelt_them_keeps_them_in_the_one_form() {
    let (dir, db) = drive_of(&[
        ["张三", "511502202001205000", "一年级", "1班"],
        ["李四", "511502202001206000", "一年级", "1班"],
        ["赵六", "5.11502E+17", "一年级", "2班"],
    ]);
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "UPDATE students SET id_number = '5.11502202001205E+17' WHERE name = '张三';
         UPDATE students SET id_number = '5.11502202001206e+17' WHERE name = '李四';
         UPDATE students SET id_number = '5.11502e+17' WHERE name = '赵六';
         PRAGMA user_version = 17;",
    )
    .unwrap();
    drop(conn);
    let lost = "precision_lost".to_owned();
    assert_eq!(
        held_numbers(&db, "一年级1班"),
        vec![
            ("张三".to_owned(), "511502202001205000".to_owned(), lost.clone()),
            ("李四".to_owned(), "511502202001206000".to_owned(), lost.clone()),
        ]
    );
    assert_eq!(held_numbers(&db, "一年级2班"), vec![("赵六".to_owned(), "5.11502E+17".to_owned(), lost.clone())]);
    let version: i64 =
        rusqlite::Connection::open(&db).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, canbao::store::schema::latest_version());
    assert_eq!(names(&json(canbao(&db).args(["find", "5.11502202001205E+17", "--json"]))), ["张三"]);
    let list = write_list(dir.path(), "again.csv", &[["张三", "5.11502202001205E+17", "一年级", "1班"]]);
    canbao(&db).arg("import").arg(&list).assert().success();
    assert_eq!(held_numbers(&db, "一年级1班").len(), 2, "nobody added");
}

/// The words of a held amount's reason as `check --json` lists it (`why`, in Chinese): the first kept payment's
/// of `reason`.
fn kept_why(db: &Path, reason: &str) -> String {
    let check = json(canbao(db).args(["check", "--json"]));
    let lines = check["tax_paid_unrecorded"].as_array().cloned().unwrap_or_default();
    let line = lines.iter().find(|l| l["reason"] == reason).unwrap_or_else(|| panic!("{reason}: {check}"));
    format!("{} | {}", line["why"].as_str().unwrap_or_default(), line["why_en"].as_str().unwrap_or_default())
}

/// An amount held as no pupil's payment is said by the rule that held it, in the same words by the reconciliation,
/// `check` and `mark --amount`: against the pupil's premium (「达到保费 380 元的 10 倍（3800 元）或以上」) under a
/// policy pricing the pupil, and against the ceiling of one payment (「达到一名学生一年缴费的上限 4000 元（未选政策，按
/// 4000 元计）」) with no policy. Before, `check` said 「远超应缴保费（10 倍以上）」 whatever the rule, and the
/// reconciliation 「与保费 380 元不符」 where `mark` said the tenfold.
#[test]
fn a_held_amount_is_said_by_the_rule_used_alike_by_reconcile_check_and_mark() {
    let (zhou, wu, sun) = ("450202201711194162", "450202201804012233", "450203201804047272");
    let day = days_ago(60);
    let cases = [
        (
            true,
            "38000",
            "金额 38000 元达到保费 380 元的 10 倍（3800 元）或以上",
            "is 10 times the premium of 380 yuan (3800 yuan) or more",
        ),
        (
            false,
            "4000",
            "金额 4000 元达到一名学生一年缴费的上限 4000 元（未选政策，按 4000 元计）",
            "reaches the most one pupil's year is paid, 4000 yuan (no policy chosen: 4000 yuan taken)",
        ),
    ];
    for (policy, amount, zh, en) in cases {
        let (dir, db) = if policy { tax_drive() } else { imported("utf8_bom.csv") };
        let tax = write_csv(
            dir.path(),
            "tax.csv",
            "姓名,证件号码,缴费金额,缴费日期",
            &[["周静露", zhou, amount, &day], ["吴凯远", wu, "380", &day]],
        );
        let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
        assert_eq!(code, Some(0), "{text}");
        assert!(text.contains(zh) && text.contains(en), "{policy}: reconcile: {text}");
        assert_eq!(paid_amount(&db, zhou), ("unpaid".to_owned(), None), "{text}");
        let why = kept_why(&db, "far_amount");
        assert!(why.contains(zh) && why.contains(en), "{policy}: check: {why}");
        assert!(!why.contains("10 倍以上"), "{policy}: check: {why}");
        let (code, text) =
            said(canbao(&db).args(["mark", sun, "--enrollment", "here", "--payment", "paid", "--amount", amount]));
        assert_eq!(code, Some(1), "{text}");
        assert!(text.contains(zh) && text.contains(en), "{policy}: mark: {text}");
    }
}

/// A pupil's rows summed on a tax list are weighed as the one payment they are recorded as: dated the day they first
/// made up the amount due, each row priced by its own date to find it, and weighed at that day as `mark --amount`
/// weighs the payment, whatever order the list gives them in. Under a policy whose later window charges the
/// financing standard (1020 元, against 380 before), 2000 + 2000 paid across the two windows made up the 380 due on
/// the first day, so the sum is a slip there (4000 ≥ 3800), as `mark` refuses it for that day. Before, the list's
/// first row priced the sum: the 380 row first held it, the 1020 row first recorded 4000 元 that `mark` refuses.
#[test]
fn a_pupils_summed_rows_are_weighed_as_recorded_whatever_their_order() {
    let (zhou, sun) = ("450202201711194162", "450203201804047272");
    let (early, late) = (days_ago(60), days_ago(10));
    for late_first in [false, true] {
        let (dir, db) = imported("utf8_bom.csv");
        let year = drive_year(&db);
        let folder = dir.path().join("config");
        std::fs::create_dir_all(folder.join("canbao/policies")).unwrap();
        let text = format!(
            "title = \"本年度\"\ndocument = \"测试\"\ninsured_year = {year}\npersonal_premium = 380\n\
             government_subsidy = 640\n\n[[window]]\nname = \"集中缴费期\"\nfrom = {}-01-01\nto = {}\n\
             clause = \"测试\"\ntext = \"测试\"\namount = \"personal\"\ncoverage = \"year\"\n\n[[window]]\n\
             name = \"中途参保\"\nfrom = {}\nto = {year}-12-31\nclause = \"测试\"\ntext = \"测试\"\n\
             amount = \"financing_standard\"\ncoverage = \"year\"\n",
            year - 1,
            days_ago(30),
            days_ago(29),
        );
        std::fs::write(folder.join("canbao/policies/two-windows.toml"), text).unwrap();
        canbao(&db)
            .env("XDG_CONFIG_HOME", &folder)
            .env("HOME", dir.path())
            .args(["policy", "use", "two-windows"])
            .assert()
            .success();
        let (first, second) = if late_first { (&late, &early) } else { (&early, &late) };
        let tax = write_csv(
            dir.path(),
            "tax.csv",
            "姓名,证件号码,缴费金额,缴费日期",
            &[["周静露", zhou, "2000", first], ["周静露", zhou, "2000", second]],
        );
        let (code, text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
        assert_eq!(code, Some(0), "{text}");
        assert!(
            text.contains("2 笔缴费合计 4000 元，达到保费 380 元的 10 倍（3800 元）或以上"),
            "late first: {late_first}: {text}"
        );
        assert_eq!(paid_amount(&db, zhou), ("unpaid".to_owned(), None), "late first: {late_first}: {text}");
        let why = kept_why(&db, "far_amount");
        assert!(why.contains("合计 4000 元，达到保费 380 元的 10 倍（3800 元）或以上"), "{why}");
        let (code, text) = said(canbao(&db).args([
            "mark",
            sun,
            "--enrollment",
            "here",
            "--payment",
            "paid",
            "--amount",
            "4000",
            "--paid-on",
            &early,
        ]));
        assert_eq!(code, Some(1), "{text}");
        assert!(text.contains("达到保费 380 元的 10 倍（3800 元）或以上"), "mark: {text}");
    }
}

/// A reconciliation's preview (`--dry-run`) counts the payments it keeps unrecorded as the run does: a department's
/// row beside the family's payment the same list records is no payment `check` lists once the family's is recorded,
/// in the preview as in the run. Before, the preview judged by the roster before the list's own changes (the pupil
/// unpaid) and counted it, where the run did not.
#[test]
fn a_reconcile_preview_counts_what_the_run_does() {
    let zhou = "450202201711194162";
    let day = days_ago(60);
    let (dir, db) = tax_drive();
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期,缴费渠道",
        &[["周静露", zhou, "380", &day, "微信"], ["周静露", zhou, "285", &day, "民政代缴"]],
    );
    let counts = |report: &Value| -> Vec<(String, Value)> {
        ["matched", "already", "unapplied_payments", "unapplied_kept_before", "further_rows", "not_reconciled"]
            .iter()
            .map(|k| ((*k).to_owned(), report[*k].clone()))
            .chain(std::iter::once(("conflicts".to_owned(), report["conflicts"].as_array().map(Vec::len).into())))
            .collect()
    };
    let dry = json(canbao(&db).args(["reconcile", "--source", "tax", "--dry-run", "--json"]).arg(&tax));
    let real = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!(counts(&dry), counts(&real), "dry: {dry}\nreal: {real}");
    assert_eq!(real["unapplied_payments"].as_u64(), Some(tax_unrecorded(&db).len() as u64), "{real}");
    // The text says the same count too.
    let (_, dry_text) = said(canbao(&db).args(["reconcile", "--source", "tax", "--dry-run"]).arg(&tax));
    let (_, real_text) = said(canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax));
    let unrecorded = |text: &str| text.lines().filter(|l| l.contains("未记入") || l.contains("未核对")).count();
    assert_eq!(unrecorded(&dry_text), unrecorded(&real_text), "dry: {dry_text}\nreal: {real_text}");
}

/// A drive with no policy chosen for its year is told so by `canbao import`, in the words of the screen's import
/// report (「本数据文件还没有 2027 年度的参保政策…」 and how to set one), in both languages and among `--json`'s
/// warnings; once a policy is chosen, not again. Before, only the screen said it.
#[test]
fn import_says_the_drive_has_no_policy_for_its_year() {
    let list = [["严雨", "450205201603051221", "二年级", "1班"]];
    let (dir, db) = drive_of(&list);
    let year = drive_year(&db);
    let zh = format!("本数据文件还没有 {year} 年度的参保政策，应缴金额和缴费期无从判断。");
    let en = format!("This drive has no policy for {year} yet: amounts due and payment windows cannot be judged.");
    let again = write_list(dir.path(), "again.csv", &list);
    let (code, text) = said(canbao(&db).arg("import").arg(&again));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains(&zh) && text.contains("canbao policy new") && text.contains(&en), "{text}");
    let (_, text) = said(canbao(&db).args(["--lang", "en", "import"]).arg(&again));
    assert!(text.contains(&en) && !text.contains(&zh), "{text}");
    let report = json(canbao(&db).args(["import", "--json"]).arg(&again));
    let warnings = report["warnings"].as_array().cloned().unwrap_or_default();
    assert!(warnings.iter().any(|w| w.as_str().is_some_and(|w| w.contains(&zh))), "{report}");
    use_this_years_policy(dir.path(), &db);
    let (_, text) = said(canbao(&db).arg("import").arg(&again));
    assert!(!text.contains("参保政策") && !text.contains("no policy"), "{text}");
}

/// Next school year's class list refused before the year turns names the `year new … --promote` to run first as
/// one that works today: with `--force` and why while this year is not over (with no policy, by the date alone),
/// which `year new` refuses without. Run as named, it starts the year, and the list then imports. Before, it named
/// the command without `--force`, refused from September to June on a drive with no policy.
#[test]
fn next_school_years_list_names_a_year_new_that_works() {
    let (dir, db) = common::new_drive();
    let names = ["严雨", "韦诗", "罗明", "赵六"];
    let ids: Vec<String> = (0..names.len()).map(|i| valid_id(&format!("4502052016030512{i}"))).collect();
    let list = |class: &str| {
        let mut text = String::from("姓名,身份证号码,班级\n");
        for (name, id) in names.iter().zip(&ids) {
            text.push_str(&format!("{name},{id},{class}\n"));
        }
        text
    };
    let this_year = dir.path().join("二年级1班名单.csv");
    std::fs::write(&this_year, list("二年级1班")).unwrap();
    canbao(&db).arg("import").arg(&this_year).assert().success();
    let next = dir.path().join("三年级1班名单.csv");
    std::fs::write(&next, list("三年级1班")).unwrap();
    let refused = canbao(&db).arg("import").arg(&next).output().unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let err = String::from_utf8_lossy(&refused.stderr).into_owned();
    let named = err.split("请先 ").nth(1).and_then(|rest| rest.split('（').next()).unwrap_or_else(|| panic!("{err}"));
    let words: Vec<&str> = named.split_whitespace().collect();
    assert_eq!(words.first(), Some(&"canbao"), "{err}");
    if named.ends_with("--force") {
        assert!(
            err.contains("所以开始新学年要加 --force") && err.contains("so starting the year takes --force"),
            "{err}"
        );
    }
    let mut run = Command::cargo_bin("canbao").expect("binary");
    let started = run.env_remove("CANBAO_DB").env("CANBAO_OPERATOR", "测试").args(&words[1..]).output().unwrap();
    assert!(started.status.success(), "{named}: {}", String::from_utf8_lossy(&started.stderr));
    canbao(&db).arg("import").arg(&next).assert().success();
}

/// A tax list headed in 分 whose amounts are in 元 (380 read as 3.80), its first such row one the chosen
/// policy does not price (paid after its last window), is refused whole, the example weighed against the policy's
/// personal premium and said so (「此学生未能按政策计价，按本年度政策的个人保费 380 元计」), never as with no policy
/// chosen; nothing recorded, nothing kept.
#[test]
fn a_list_in_yuan_headed_in_fen_with_an_unpriced_row_under_a_policy_is_refused_as_priced_by_the_policy() {
    let (zhou, wu, sun) = ("450202201711194162", "450202201804012233", "450203201804047272");
    let (dir, db) = imported("utf8_bom.csv");
    let year = drive_year(&db);
    let folder = dir.path().join("config");
    std::fs::create_dir_all(folder.join("canbao/policies")).unwrap();
    let text = format!(
        "title = \"本年度\"\ndocument = \"测试\"\ninsured_year = {year}\npersonal_premium = 380\n\n[[window]]\n\
         name = \"缴费期\"\nfrom = {}-01-01\nto = {}\nclause = \"测试\"\ntext = \"测试\"\n\
         amount = \"personal\"\ncoverage = \"year\"\n",
        year - 1,
        days_ago(30)
    );
    std::fs::write(folder.join("canbao/policies/closed.toml"), text).unwrap();
    canbao(&db)
        .env("XDG_CONFIG_HOME", &folder)
        .env("HOME", dir.path())
        .args(["policy", "use", "closed"])
        .assert()
        .success();
    let tax = write_csv(
        dir.path(),
        "tax.csv",
        "姓名,证件号码,缴费金额(分),缴费日期",
        &[
            ["周静露", zhou, "380", &days_ago(10)],
            ["吴凯远", wu, "380", &days_ago(60)],
            ["孙远泽", sun, "380", &days_ago(60)],
        ],
    );
    for (lang, words) in [
        ("zh", "此学生未能按政策计价，按本年度政策的个人保费 380 元计"),
        ("en", "the pupil not priced by the policy: weighed against its personal premium, 380 yuan"),
    ] {
        let (code, text) = said(canbao(&db).args(["--lang", lang, "reconcile", "--source", "tax"]).arg(&tax));
        assert_eq!(code, Some(1), "{text}");
        assert!(text.contains(words) && text.contains("“380”"), "{lang}: {text}");
        assert!(!text.contains("未选政策") && !text.contains("no policy chosen"), "{lang}: {text}");
    }
    for id in [zhou, wu, sun] {
        assert_eq!(paid_amount(&db, id), ("unpaid".to_owned(), None));
    }
    assert!(tax_unrecorded(&db).is_empty());
}

/// The drive's policy file in the config folder broken after it was chosen: `mark --amount`, `reconcile` and
/// `stats` each name the file and say it cannot be read, and neither `mark` nor `reconcile` records anything.
#[test]
fn a_broken_policy_file_is_said_by_mark_reconcile_and_stats() {
    let (zhou, wu) = ("450202201711194162", "450202201804012233");
    let (dir, db) = imported("utf8_bom.csv");
    let year = drive_year(&db);
    let folder = dir.path().join("config");
    let file = folder.join("canbao/policies/mine.toml");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    let text = format!(
        "title = \"本年度\"\ndocument = \"测试\"\ninsured_year = {year}\npersonal_premium = 380\n\n[[window]]\n\
         name = \"缴费期\"\nfrom = {}-01-01\nto = {year}-12-31\nclause = \"测试\"\ntext = \"测试\"\n\
         amount = \"personal\"\ncoverage = \"year\"\n",
        year - 1
    );
    std::fs::write(&file, text).unwrap();
    let with_config = |cmd: &mut Command| {
        cmd.env("XDG_CONFIG_HOME", &folder).env("HOME", dir.path());
    };
    let mut chosen = canbao(&db);
    with_config(&mut chosen);
    chosen.args(["policy", "use", "mine"]).assert().success();
    std::fs::write(&file, "title = \"本年度\"\npersonal_premium = \n").unwrap();
    let tax =
        write_csv(dir.path(), "tax.csv", "姓名,证件号码,缴费金额,缴费日期", &[["吴凯远", wu, "380", &days_ago(60)]]);
    let runs: [(&str, Vec<String>); 3] = [
        (
            "mark",
            ["mark", zhou, "--enrollment", "here", "--payment", "paid", "--amount", "380"].map(String::from).to_vec(),
        ),
        ("reconcile", vec!["reconcile".into(), "--source".into(), "tax".into(), tax.display().to_string()]),
        ("stats", vec!["stats".into()]),
    ];
    let shown = file.display().to_string();
    for (what, args) in runs {
        let mut cmd = canbao(&db);
        with_config(&mut cmd);
        let (code, text) = said(cmd.args(&args));
        assert_eq!(code, Some(1), "{what}: {text}");
        for words in [
            "政策“mine”无法使用",
            shown.as_str(),
            "格式有误",
            "请改正或删除该文件",
            "policy \"mine\" cannot be used",
            "fix or delete the file",
        ] {
            assert!(text.contains(words), "{what}: {words}: {text}");
        }
    }
    assert_eq!(paid_amount(&db, zhou), ("unpaid".to_owned(), None));
    assert_eq!(paid_amount(&db, wu), ("unpaid".to_owned(), None));
    assert!(tax_unrecorded(&db).is_empty());
}

/// A merge's conflict line names who made each change beside its time (「保留 乙写的（… 乙），舍弃 甲写的（… 甲）」),
/// in both languages and in `--json` (`kept_by`, `lost_by`), so the two laptops' people know whom to ask. Before,
/// the line gave the two times only.
#[test]
fn a_merge_conflict_names_both_operators() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    canbao(&a).arg("backup").arg(&b).assert().success();
    let id = "450202201711194162";
    canbao(&a).env("CANBAO_OPERATOR", "甲").args(["mark", id, "--note", "甲写的"]).assert().success();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    canbao(&b).env("CANBAO_OPERATOR", "乙").args(["mark", id, "--note", "乙写的"]).assert().success();
    let preview = json(canbao(&a).args(["merge", "--dry-run", "--json"]).arg(&b));
    let conflict = &preview["conflicts"][0];
    assert_eq!((conflict["kept_by"].as_str(), conflict["lost_by"].as_str()), (Some("乙"), Some("甲")), "{preview}");
    let en = canbao(&a).args(["--lang", "en", "merge", "--dry-run"]).arg(&b).output().unwrap();
    let en = String::from_utf8_lossy(&en.stdout).into_owned();
    let line = en.lines().find(|l| l.contains("乙写的")).unwrap_or_else(|| panic!("{en}"));
    assert!(line.contains(", by 乙)") && line.contains(", by 甲)"), "{line}");
    let out = canbao(&a).arg("merge").arg(&b).assert().success().get_output().stdout.clone();
    let text = String::from_utf8_lossy(&out);
    let line = text.lines().find(|l| l.contains("乙写的")).unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains("保留 乙写的（") && line.contains("，乙），舍弃 甲写的（") && line.contains("，甲）"),
        "{line}"
    );
}

/// A class list saved by a spreadsheet that showed every number as 4.50203E+17 (six digits left: only the area
/// code) gives the tax list nothing to match by but the name. A by-name match there never records a payment: a
/// number whose birth date is an adult's is no pupil's, two different numbers claiming one pupil are held both,
/// and even one number alone waits for the operator, each row saying why; in the CSV's spelling of the rounded
/// number and in an XLSX number cell alike.
#[test]
fn a_tax_list_matched_by_name_to_a_number_rounded_to_six_digits_pays_nobody_and_says_why() {
    let adult = valid_id("45020319800101001");
    let (second, third) = (valid_id("45020320150505002"), valid_id("45020320160606003"));
    let alone = valid_id("45020320150707004");
    for spelling in ["csv", "xlsx"] {
        let (dir, db) = common::new_drive();
        let pupils = ["周一", "吴二", "郑三"];
        let list = if spelling == "csv" {
            let list = dir.path().join("四年级.csv");
            let rows: String = pupils.iter().map(|n| format!("{n},4.50203E+17,四年级1班\n")).collect();
            std::fs::write(&list, format!("姓名,身份证号码,班级\n{rows}")).unwrap();
            list
        } else {
            let list = dir.path().join("四年级.xlsx");
            let mut book = rust_xlsxwriter::Workbook::new();
            let sheet = book.add_worksheet();
            for (c, h) in ["姓名", "身份证号码", "班级"].iter().enumerate() {
                sheet.write_string(0, c as u16, *h).unwrap();
            }
            for (r, n) in pupils.iter().enumerate() {
                let r = r as u32 + 1;
                sheet.write_string(r, 0, *n).unwrap();
                sheet.write_number(r, 1, 4.50203e17).unwrap();
                sheet.write_string(r, 2, "四年级1班").unwrap();
            }
            book.save(&list).unwrap();
            list
        };
        canbao(&db).arg("import").arg(&list).assert().success();
        use_this_years_policy(dir.path(), &db);
        let tax = dir.path().join("税务.csv");
        let day = days_ago(3);
        std::fs::write(
            &tax,
            format!(
                "纳税人姓名,证件号码,缴费金额,缴费日期,票证号码\n周一,{adult},380,{day},B1\n吴二,{second},380,{day},B2\n\
                 吴二,{third},380,{day},B3\n郑三,{alone},380,{day},B4\n"
            ),
        )
        .unwrap();
        let (code, preview) = said(canbao(&db).args(["reconcile", "--source", "tax", "--dry-run"]).arg(&tax));
        assert_eq!(code, Some(0), "{spelling}: {preview}");
        let line = |name: &str| preview.lines().filter(|l| l.contains(name)).collect::<Vec<_>>().join("\n");
        assert!(line("周一").contains("成年"), "{spelling}: an adult's number is no pupil's: {preview}");
        assert!(line("吴二").contains("不同的身份证号码"), "{spelling}: two numbers for one pupil: {preview}");
        assert!(
            line("郑三").contains("按姓名") && line("郑三").contains("未记入"),
            "{spelling}: held, said as matched by name: {preview}"
        );
        assert!(!preview.contains("按合计"), "{spelling}: nothing summed: {preview}");
        canbao(&db).args(["reconcile", "--source", "tax"]).arg(&tax).assert().success();
        let store = canbao::store::Store::open_read_only(&db).unwrap();
        for s in store.students(&canbao::store::StudentFilter::default()).unwrap() {
            assert_eq!(s.payment.code(), "unpaid", "{spelling}: {} paid by a number matched by name only", s.name);
        }
        let kept = store.check_roster(None).unwrap().tax_paid_unrecorded;
        for number in [&adult, &second, &third, &alone] {
            assert!(kept.iter().any(|k| k.id_number == *number), "{spelling}: {number} kept for check: {kept:?}");
        }
    }
}

/// A name with a middle dot (阿依古丽·买买提) is found typed without it, as an operator types it on a Chinese
/// keyboard, and with whatever dot the keyboard or a list gives (• ． . 丶 ‧ ・), as with a space.
#[test]
fn a_name_with_a_middle_dot_is_found_typed_without_it_or_with_another_dot() {
    let (dir, db) = common::new_drive();
    let list = dir.path().join("list.csv");
    let text = format!(
        "姓名,身份证号码,班级\n阿依古丽·买买提,{},一年级1班\n阿依古丽,{},一年级2班\n",
        valid_id("45020220180101002"),
        valid_id("45020220180202004")
    );
    std::fs::write(&list, text).unwrap();
    canbao(&db).arg("import").arg(&list).assert().success();
    for typed in [
        "阿依古丽·买买提",
        "阿依古丽 买买提",
        "阿依古丽买买提",
        "阿依古丽•买买提",
        "阿依古丽．买买提",
        "阿依古丽.买买提",
        "阿依古丽丶买买提",
        "阿依古丽‧买买提",
        "阿依古丽・买买提",
        "古丽买买",
    ] {
        let found = json(canbao(&db).args(["find", typed, "--json"]));
        let names: Vec<&str> = found.as_array().unwrap().iter().filter_map(|p| p["name"].as_str()).collect();
        assert_eq!(names, ["阿依古丽·买买提"], "{typed}");
    }
}

/// `find --limit N` past its limit writes only pupils on stdout, one a line: how many more there are goes to
/// stderr, so a script reading the lines (`find … | cut -f2`) gets no line that is not a pupil.
#[test]
fn find_past_its_limit_says_the_rest_on_stderr_not_among_the_pupils() {
    let (_dir, db) = imported("gbk_title.csv");
    let out = canbao(&db).args(["find", "年级", "--limit", "1"]).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(!stdout.contains("显示前"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("显示前 1 条"), "{stderr}");
}

/// A merge's conflicts grouped over many pupils (a school renamed apart on two laptops) name who made each side's
/// changes beside the times, as a single pupil's line does, in both languages. Before, the grouped line gave the
/// times only.
#[test]
fn a_grouped_merge_conflict_names_both_operators() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    canbao(&a).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    canbao(&a).arg("backup").arg(&b).assert().success();
    canbao(&a).env("CANBAO_OPERATOR", "甲").args(["school", "rename", "本校", "柳州市示范小学本部"]).assert().success();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    canbao(&b)
        .env("CANBAO_OPERATOR", "乙")
        .args(["school", "rename", "本校", "柳州市城中区示范小学"])
        .assert()
        .success();
    let out = canbao(&a).args(["merge", "--dry-run"]).arg(&b).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let line = text.lines().find(|l| l.contains("名学生）")).unwrap_or_else(|| panic!("{text}"));
    assert!(
        line.contains("保留 柳州市城中区示范小学（") && line.contains("，乙），舍弃 柳州市示范小学本部（"),
        "{line}"
    );
    assert!(line.contains("，甲）"), "{line}");
    let en = canbao(&a).args(["--lang", "en", "merge", "--dry-run"]).arg(&b).output().unwrap();
    let en = String::from_utf8_lossy(&en.stdout).into_owned();
    let line = en.lines().find(|l| l.contains(" of 10 pupils")).unwrap_or_else(|| panic!("{en}"));
    assert!(line.contains(", by 乙)") && line.contains(", by 甲)"), "{line}");
}
