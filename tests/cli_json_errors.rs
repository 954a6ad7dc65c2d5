//! A command given `--json` that refuses or fails answers on standard output all the same: one object,
//! `{"ok": false, "error": {"kind", "message_zh", "message_en", …}}`, with the exit code and the message on
//! standard error as before, where a script piping it into jq read nothing.
//! A report that succeeds is an object starting with `"ok": true`, where a script could not test the one key
//! (the lists README documents stay lists), and `mark` has its report too.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn canbao(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("canbao").expect("binary");
    cmd.arg("--db").arg(db).env_remove("CANBAO_DB").env("CANBAO_OPERATOR", "测试");
    cmd.env("XDG_CONFIG_HOME", db.parent().expect("dir").join("config"));
    cmd
}

/// The drive of the bundled sample school.
fn sample_drive() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("drive.db");
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample-school.csv");
    canbao(&db).arg("import").arg(sample).assert().success();
    (dir, db)
}

/// The run's one JSON answer (the whole of standard output parses as one value), its `error` once `ok` is false,
/// the exit code `code` and the message still on standard error checked.
fn refused(cmd: &mut Command, code: i32) -> Value {
    let out = cmd.output().expect("runs");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(code), "{stdout}\n{stderr}");
    assert!(!stderr.trim().is_empty(), "the message is said on stderr as before");
    let answer: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("one JSON object ({e}): {stdout:?}"));
    assert_eq!(answer["ok"], false, "{answer}");
    let error = answer["error"].clone();
    for message in ["message_zh", "message_en"] {
        assert!(error[message].as_str().is_some_and(|m| !m.is_empty()), "{error}");
    }
    error
}

#[test]
fn another_schools_tax_list_refused_under_json_says_so_on_stdout() {
    let (dir, db) = sample_drive();
    let file = dir.path().join("other-school.csv");
    std::fs::write(
        &file,
        "姓名,身份证号码,缴费金额,缴费日期\n陈宁涵,110105201801010115,380,2023-10-10\n华凯鹏,11010520170202022X,380,2023-10-10\n",
    )
    .unwrap();
    let error = refused(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(&file), 1);
    assert_eq!(error["kind"], "matches_no_pupil", "{error}");
    assert!(error["file"].as_str().is_some_and(|f| f.ends_with("other-school.csv")), "{error}");
    assert!(error["message_zh"].as_str().unwrap().contains("另一所学校"), "{error}");
    assert!(error["message_en"].as_str().unwrap().contains("--keep-unmatched"), "{error}");
    assert!(!error["message_zh"].as_str().unwrap().contains("(the list"), "only the Chinese: {error}");
}

#[test]
fn a_class_list_given_to_merge_and_a_drive_that_is_no_drive_are_named_under_json() {
    let (dir, db) = sample_drive();
    let list = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample-school.csv");
    let error = refused(canbao(&db).args(["merge", "--json"]).arg(&list), 1);
    assert_eq!(error["kind"], "spreadsheet_not_a_drive", "{error}");
    assert!(error["file"].as_str().is_some_and(|f| f.ends_with("sample-school.csv")), "{error}");

    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, [0x5au8; 4096]).unwrap();
    let error = refused(canbao(&junk).args(["stats", "--json"]), 1);
    assert_eq!(error["kind"], "not_a_drive", "{error}");
    let error = refused(canbao(&dir.path().join("missing.db")).args(["check", "--json"]), 1);
    assert_eq!(error["kind"], "drive_missing", "{error}");
}

#[test]
fn import_of_a_missing_file_or_of_no_class_list_answers_in_json() {
    let (dir, db) = sample_drive();
    let error = refused(canbao(&db).args(["import", "--json"]).arg(dir.path().join("nowhere.xlsx")), 1);
    assert_eq!(error["kind"], "file_not_found", "{error}");
    assert!(error["file"].as_str().is_some_and(|f| f.ends_with("nowhere.xlsx")), "{error}");
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "hello\nworld\n").unwrap();
    let error = refused(canbao(&db).args(["import", "--json"]).arg(&text), 1);
    assert_eq!(error["kind"], "no_header_row", "{error}");
}

#[test]
fn quote_refusals_answer_in_json_with_id_numbers_masked() {
    let (_dir, db) = sample_drive();
    let error = refused(canbao(&db).args(["quote", "--category", "低保", "--json"]), 1);
    assert_eq!(error["kind"], "no_policy", "{error}");
    assert!(error["message_zh"].as_str().unwrap().starts_with("数据文件还没有选定参保政策"), "{error}");
    assert!(error["message_en"].as_str().unwrap().starts_with("no policy: see `canbao --db"), "{error}");
    canbao(&db).args(["policy", "use", "liuzhou-2023"]).assert().success();
    // A valid number nobody on the drive holds, and one with a wrong check character.
    for (number, kind) in [("110105201801010115", "no_such_pupil"), ("110105201801010116", "bad_id_number")] {
        let error = refused(canbao(&db).args(["quote", number, "--json"]), 1);
        assert_eq!(error["kind"], kind, "{error}");
        let said = error.to_string();
        assert!(!said.contains(number) && said.contains("1101**********011"), "masked: {said}");
    }
}

#[test]
fn find_stats_and_a_mistyped_command_line_answer_in_json() {
    let (_dir, db) = sample_drive();
    let error = refused(canbao(&db).args(["find", "", "--json"]), 1);
    assert_eq!(error["kind"], "empty_query", "{error}");
    let error = refused(canbao(&db).args(["stats", "--json", "--school", "没有这所学校", "--bogus"]), 2);
    assert_eq!(error["kind"], "usage", "{error}");
    // Without --json nothing is printed on stdout, as before.
    let out = canbao(&db).args(["find", ""]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "{}", String::from_utf8_lossy(&out.stdout));
    // Under --lang en the Chinese message is still Chinese.
    let error = refused(canbao(&db).args(["--lang", "en", "policy", "show", "nope", "--json"]), 1);
    assert_eq!(error["kind"], "no_such_policy", "{error}");
    assert!(error["message_zh"].as_str().unwrap().contains("没有名为"), "{error}");
    assert!(!error["message_en"].as_str().unwrap().contains("没有名为"), "{error}");
}

/// The run's one JSON answer on success: exit 0 and the whole of standard output one value; an object's first
/// key `ok` (as written: `Value` sorts its keys).
fn answered(cmd: &mut Command) -> Value {
    let out = cmd.output().expect("runs");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let answer: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("one JSON value ({e}): {stdout:?}"));
    if answer.is_object() {
        assert!(stdout.starts_with("{\n  \"ok\": true,"), "ok comes first: {stdout}");
    }
    answer
}

#[test]
fn every_report_under_json_says_ok_true_and_the_documented_lists_stay_lists() {
    let (dir, db) = sample_drive();
    canbao(&db).args(["policy", "use", "liuzhou-2023"]).assert().success();
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample-school.csv");
    let copy = dir.path().join("laptop.db");
    std::fs::copy(&db, &copy).unwrap();
    let reports: [&[&str]; 9] = [
        &["stats", "--json"],
        &["check", "--json"],
        &["paths", "--json"],
        &["policy", "show", "--json"],
        &["quote", "--category", "低保", "--paid-on", "2022-11-01", "--json"],
        &["import", "--dry-run", "--json", sample.to_str().unwrap()],
        &["merge", "--dry-run", "--json", copy.to_str().unwrap()],
        &["year", "leavers", "--json"],
        &["mark", "450203201909308803", "--note", "复核", "--json"],
    ];
    for args in reports {
        let report = answered(canbao(&db).args(args));
        assert_eq!(report["ok"], true, "{args:?}: {report}");
    }
    // README documents these as lists: they stay lists, with no `ok` to add.
    for args in [
        &["find", "孙语", "--json"][..],
        &["exports", "--json"],
        &["policy", "list", "--json"],
        &["year", "list", "--json"],
    ] {
        let report = answered(canbao(&db).args(args));
        assert!(report.is_array(), "{args:?}: {report}");
    }
}

#[test]
fn mark_under_json_answers_with_the_pupil_masked_and_each_field_changed() {
    let (_dir, db) = sample_drive();
    let report = answered(canbao(&db).args([
        "mark",
        "450203201909308803",
        "--enrollment",
        "declined",
        "--reason",
        "家长不同意",
        "--json",
    ]));
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["pupil"]["name"], "孙语", "{report}");
    assert_eq!(report["pupil"]["id_number"], "4502**********8803", "masked: {report}");
    assert_eq!(report["pupil"]["school"], "柳州市示范小学", "{report}");
    let changes = report["changes"].as_array().expect("changes");
    let change = |field: &str| changes.iter().find(|c| c["field"] == field).cloned().unwrap_or_default();
    assert_eq!(
        (change("enrollment")["old"].clone(), change("enrollment")["new"].clone()),
        ("unknown".into(), "declined".into())
    );
    assert_eq!(
        (change("decline_reason")["old"].clone(), change("decline_reason")["new"].clone()),
        (Value::Null, "家长不同意".into())
    );
    assert!(!report.to_string().contains("450203201909308803"), "{report}");

    // The same again changes nothing: an empty list, still ok.
    let again = answered(canbao(&db).args(["mark", "450203201909308803", "--enrollment", "declined", "--json"]));
    assert_eq!(
        (again["ok"].clone(), again["changes"].clone()),
        (Value::Bool(true), Value::Array(Vec::new())),
        "{again}"
    );

    // A refusal answers with the central error object.
    let error = refused(canbao(&db).args(["mark", "450202201911276365", "--enrollment", "declined", "--json"]), 1);
    assert_eq!(error["kind"], "refused", "{error}");
    assert!(error["message_en"].as_str().unwrap().contains("--reason"), "{error}");
    let error = refused(canbao(&db).args(["mark", "450202201911276365", "--json"]), 1);
    assert_eq!(error["kind"], "nothing_to_mark", "{error}");
    // Each language whole, not one half run into the other.
    assert_eq!(
        error["message_en"], "nothing to mark: give --enrollment, --payment, --note, --ethnicity or --address",
        "{error}"
    );
    assert_eq!(
        error["message_zh"], "没有要登记的内容：请给出 --enrollment、--payment、--note、--ethnicity 或 --address",
        "{error}"
    );
}

#[test]
fn a_mistyped_json_flag_is_pointed_to_json() {
    let (_dir, db) = sample_drive();
    for (command, typo) in [
        (&["mark", "450203201909308803", "--note", "x"][..], "--jsno"),
        (&["mark"], "--josn"),
        (&["stats"], "--jsno"),
        (&["check"], "--josn"),
        (&["find", "孙"], "--jsn"),
    ] {
        let out = canbao(&db).args(command).arg(typo).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("similar argument exists: '--json'"), "{command:?} {typo}: {stderr}");
    }
    // A command with no --json says so, where clap's tip had it passed as a value (a file named --json) or named
    // another flag.
    let cases = [
        (&["backup"][..], "--json", "canbao backup"),
        (&["export", "sheet"], "--jsonl", "canbao export"),
        (&["school", "rename", "a", "b"], "--josn", "canbao school rename"),
    ];
    for (command, given, name) in cases {
        let out = canbao(&db).args(command).arg(given).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(&format!("tip: '{name}' has no --json")), "{command:?} {given}: {stderr}");
        assert!(!stderr.contains("-- --") && !stderr.contains("--school"), "{command:?} {given}: {stderr}");
    }
}

#[test]
fn import_of_lists_without_pupils_answers_ok_false_under_json() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (db, list) = (dir.path().join("drive.db"), dir.path().join("only_header.csv"));
    std::fs::write(&list, "姓名,身份证号码,班级\n").unwrap();
    let error = refused(canbao(&db).args(["import", "--json"]).arg(&list), 1);
    assert_eq!(error["kind"], "no_pupils_in_lists", "{error}");
}

/// `mark --ethnicity` takes one of the 56 groups (a short form or a GB/T 3304 code spelled in full) or nothing to
/// clear it, and refuses anything else in both languages, nothing changed: a sentence given as the 民族 was kept.
#[test]
fn mark_refuses_an_ethnicity_that_is_no_group() {
    let (_dir, db) = sample_drive();
    let pupil = "450202201911276365";
    let held = |db: &Path| -> String {
        let conn = rusqlite::Connection::open(db).expect("drive");
        let read = "SELECT ifnull(ethnicity, '') FROM students WHERE id_number = ?1";
        conn.query_row(read, [pupil], |r| r.get(0)).expect("pupil")
    };
    canbao(&db).args(["mark", pupil, "--ethnicity", "壮"]).assert().success();
    assert_eq!(held(&db), "壮族");
    for bad in ["汉族壮族", "这位学生的民族是汉族请核对家长提供的户口本", "外星人"] {
        let error = refused(canbao(&db).args(["mark", pupil, "--ethnicity", bad, "--json"]), 1);
        assert_eq!(error["kind"], "bad_ethnicity", "{bad}: {error}");
        let (zh, en) = (error["message_zh"].as_str().unwrap(), error["message_en"].as_str().unwrap());
        assert!(zh.contains("不是 56 个民族之一") && en.contains("not one of the 56 ethnic groups"), "{error}");
        assert_eq!(held(&db), "壮族", "{bad}: unchanged");
    }
    canbao(&db).args(["mark", pupil, "--ethnicity", "01"]).assert().success();
    assert_eq!(held(&db), "汉族");
    canbao(&db).args(["mark", pupil, "--ethnicity", ""]).assert().success();
    assert_eq!(held(&db), "", "cleared");
}
