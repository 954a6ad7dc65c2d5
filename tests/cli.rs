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

/// A payment, from `mark` or the tax office's list, makes a pupil nobody asked 在校参保; a payment for a pupil
/// marked 异地参保 or 不参保 is reported, never applied; and every count of 参保 agrees with the sheet's 是否参保.
#[test]
fn a_payment_means_insured_everywhere_and_contradictions_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
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
    canbao(&db).args(["policy", "use", "yibin-2024"]).assert().success();
    canbao(&db).args(["mark", wu, "--payment", "paid", "--paid-on", "2023-10-08"]).assert().success();
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let pupil = store.student_by_id_number(wu).unwrap().unwrap();
    assert_eq!(pupil.payment_details.amount_fen, Some(38000));
    assert_eq!(pupil.enrollment, canbao::domain::student::Enrollment::Here, "a payment enrolls the pupil");
    drop(store);

    // The tax office lists 孙远泽 (enrolled elsewhere) and 高敏 (never asked).
    canbao(&db).args(["mark", sun, "--enrollment", "elsewhere"]).assert().success();
    let tax = dir.path().join("tax.csv");
    std::fs::write(
        &tax,
        format!("姓名,证件号码,缴费金额,缴费日期\n孙远泽,{sun},380,2023-10-09\n高敏,{gao},380,2023-10-09\n"),
    )
    .unwrap();
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!(report["matched"], 1);
    let conflicts = report["conflicts"].as_array().unwrap();
    assert_eq!(conflicts.len(), 1, "{report}");
    assert_eq!(conflicts[0]["id_number"], sun);
    assert_eq!(conflicts[0]["roster"], "异地参保");
    let found = json(canbao(&db).args(["find", gao, "--json"]));
    assert_eq!((found[0]["enrollment"].as_str(), found[0]["payment"].as_str()), (Some("here"), Some("paid")));

    // One meaning: stats' insured is the sheet's 是 (three paid, one elsewhere).
    let stats = json(canbao(&db).args(["stats", "--json"]));
    assert_eq!(stats["insured"], 4, "{stats}");
    assert_eq!(stats["expected"], 10, "{stats}");
    assert_eq!(stats["payment"]["unpaid"], 7);
    assert_eq!(stats["ledgers"]["unpaid"], 6, "the unpaid ledger leaves out the pupil paid elsewhere: {stats}");
    let sheet = dir.path().join("sheet.csv");
    canbao(&db).args(["export", "sheet", "--format", "csv", "--out"]).arg(&sheet).assert().success();
    let text = std::fs::read_to_string(&sheet).unwrap();
    let yes = text.lines().filter(|l| l.split(',').nth(4) == Some("是")).count();
    assert_eq!(yes, 4, "{text}");
    let classes: i64 = stats["classes"].as_array().unwrap().iter().map(|c| c["enrolled"].as_i64().unwrap()).sum();
    assert_eq!(classes, 4);
}

/// The text output says what each number counts, and rounds the rate.
#[test]
fn stats_text_labels_each_count() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    canbao(&db).arg("import").arg(fixture("utf8_bom.csv")).assert().success();
    canbao(&db).args(["mark", "450202201711194162", "--payment", "government"]).assert().success();
    let out = canbao(&db).arg("stats").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    for label in ["应参保 10 人", "已参保 1 人", "参保率 10.0%", "缴费状态", "四本台账", "财政代缴: 1"]
    {
        assert!(text.contains(label), "{label} missing:\n{text}");
    }
}

/// This year's policy from last year's: written to the config folder, listed, usable, and quoting this year.
#[test]
fn policy_new_makes_this_years_policy_from_last_years() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
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
