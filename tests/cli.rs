//! The command line as scripts use it: the real binary, exit codes, and JSON checked field by field.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

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

#[test]
fn import_find_stats_export_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");

    let report = json(canbao(&db).args(["import", "--json"]).arg(fixture("gbk_title.csv")));
    assert_eq!(report["rows_read"], 25);
    assert_eq!(report["added"], 23);
    assert_eq!(report["updated"], 0);
    assert_eq!(report["unchanged"], 0);
    assert_eq!(report["duplicates"], 1);
    assert_eq!(report["id_invalid"], 2);
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
    let found = json(canbao(&db).args(["find", "0407422", "--json"]));
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
    assert_eq!(stats["id_invalid"], 2);
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
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    let report = json(canbao(&db).args(["import", "--dry-run", "--json"]).arg(fixture("utf8_bom.csv")));
    assert_eq!(report["added"], 10);
    let stats = json(canbao(&db).args(["stats", "--json"]));
    assert_eq!(stats["students"], 0);
}

#[test]
fn exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
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
    // Exporting an empty drive is a user-facing error.
    canbao(&db).args(["export", "sheet", "--out"]).arg(dir.path().join("x.xlsx")).assert().code(1);
}

#[test]
fn text_output_masks_ids_unless_revealed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let first = json(canbao(&db).args(["find", "年级", "--json", "--limit", "1"]));
    let number = first[0]["id_number"].as_str().unwrap().to_owned();
    let masked = canbao(&db).args(["find", &number]).output().unwrap();
    let text = String::from_utf8_lossy(&masked.stdout);
    assert!(!text.contains(&number) && text.contains(&number[..4]), "{text}");
    let revealed = canbao(&db).args(["find", &number, "--reveal"]).output().unwrap();
    assert!(String::from_utf8_lossy(&revealed.stdout).contains(&number));
}

#[test]
fn a_second_writer_is_told_who_holds_the_file_and_reads_still_work() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    let held = canbao::store::lock::DriveLock::acquire(&db, "张老师").unwrap();
    let out = canbao(&db).arg("import").arg(fixture("gbk_title.csv")).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("张老师") && stderr.contains("正被"), "{stderr}");
    let stats = json(canbao(&db).args(["stats", "--json"]));
    assert_eq!(stats["students"], 10, "reading is not blocked, and the refused import changed nothing");
    drop(held);
    canbao(&db).arg("import").arg(fixture("gbk_title.csv")).assert().success();
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
    canbao(&a).arg("restore").arg(&ten).assert().success();
    assert_eq!(json(canbao(&a).args(["stats", "--json"]))["students"], 10);
}

#[test]
fn mark_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    canbao(&db).arg("import").arg(fixture("gbk_title.csv")).assert().success();
    // Lower-case x and spaces are accepted as the importer accepts them.
    canbao(&db)
        .args(["mark", "45020220180710028x", "--payment", "paid", "--amount", "380", "--channel", "微信"])
        .assert()
        .success();
    canbao(&db)
        .args(["mark", "450202 20180710 028X", "--enrollment", "declined", "--reason", "已在外地参保"])
        .assert()
        .success();
    let found = json(canbao(&db).args(["find", "45020220180710028X", "--json"]));
    assert_eq!(found[0]["payment"], "paid");
    assert_eq!(found[0]["enrollment"], "declined");
    canbao(&db).args(["mark", "110105194912310021", "--payment", "paid"]).assert().code(1);
    canbao(&db).args(["mark", "45020220180710028X", "--payment", "paid", "--amount", "三百"]).assert().code(1);
    canbao(&db).args(["mark", "45020220180710028X"]).assert().code(1);
}

#[test]
fn a_drive_in_use_is_offered_read_only_and_read_only_never_writes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    canbao(&db).arg("import").arg(fixture("gbk_title.csv")).assert().success();
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

fn valid_number(first17: &str) -> String {
    format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()))
}

fn write_list(dir: &Path, name: &str, rows: &[[&str; 4]]) -> PathBuf {
    let mut text = String::from("姓名,身份证号码,年级,班级\n");
    for r in rows {
        text.push_str(&r.join(","));
        text.push('\n');
    }
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn names(found: &Value) -> Vec<String> {
    found.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn a_class_is_found_as_lists_write_it_and_names_are_in_pinyin_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    let (a, b, c, d) = (
        valid_number("45020220110101123"),
        valid_number("45020220110101234"),
        valid_number("45020220110101345"),
        valid_number("45020220110101456"),
    );
    let list = write_list(
        dir.path(),
        "list.csv",
        &[
            ["张三", &a, "九年级", "6班"],
            ["李四", &b, "九年级", "5班"],
            ["吕布", &c, "九年级", "6班"],
            ["阿明", &d, "九年级", "6班"],
        ],
    );
    canbao(&db).arg("import").arg(&list).assert().success();
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
fn mark_find_and_quote_reach_a_pupil_by_a_flagged_number_as_stored() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    let good = valid_number("45020220150101123");
    let typo = format!("{}{}", &good[..17], if good.ends_with('1') { '2' } else { '1' });
    let list = write_list(
        dir.path(),
        "list.csv",
        &[
            ["张三", "4.50202201501E+17", "一年级", "1班"],
            ["李四", &typo, "一年级", "1班"],
            ["王五", "4.50202201502E+17", "一年级", "2班"],
            ["赵六", "4.50202201502E+17", "一年级", "3班"],
        ],
    );
    canbao(&db).arg("import").arg(&list).assert().success();

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
    canbao(&db).args(["mark", "4.50202201502E+17", "--name", "赵六", "--enrollment", "declined"]).assert().success();
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
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    let real = valid_number("45020220150101123");
    let list = write_list(
        dir.path(),
        "list.csv",
        &[
            ["张伟", &real, "一年级", "1班"],
            ["张伟", "4.50202201501E+17", "一年级", "1班"],
            ["张伟", "", "一年级", "2班"],
        ],
    );
    canbao(&db).arg("import").arg(&list).assert().success();
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

#[test]
fn a_valid_number_corrects_a_rounded_one_that_carried_into_the_birth_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
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
