//! A pupil recorded twice: the extra record voided as a duplicate (作废，重复登记) of the one kept, from the command
//! line and from the detail screen; never deleted, restored with `pupil unvoid`, and in no form or count meanwhile.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use canbao::domain::id_number::check_char;
use canbao::store::Store;
use canbao::tui::{Action, App, Language};
use serde_json::Value;

mod common;
use common::rows;

fn valid(first17: &str) -> String {
    format!("{first17}{}", check_char(first17.as_bytes()))
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

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A drive holding 王小明 twice in one class (the number corrected on a second list: another birth date) and 李华:
/// the extra record's number, the kept one's, and the drive.
fn drive(dir: &Path) -> (String, String, PathBuf) {
    let (extra, kept, other) = (valid("45020220150101121"), valid("45020220150203131"), valid("45020220150301141"));
    let list = dir.join("list.csv");
    std::fs::write(
        &list,
        format!(
            "姓名,身份证号,所在年级、班级\n王小明,{extra},三年级2班\n王小明,{kept},三年级2班\n李华,{other},三年级2班\n"
        ),
    )
    .unwrap();
    let db = dir.join("drive.db");
    canbao(&db).arg("import").arg(&list).assert().success();
    (extra, kept, db)
}

fn students(db: &Path) -> i64 {
    json(canbao(db).args(["stats", "--json"]))["students"].as_i64().unwrap()
}

#[test]
fn a_pupil_recorded_twice_is_voided_out_of_counts_check_and_search_and_restored() {
    let dir = tempfile::tempdir().unwrap();
    let (extra, kept, db) = drive(dir.path());
    let check = json(canbao(&db).args(["check", "--json"]));
    assert_eq!(check["same_name_class_numbers"].as_array().unwrap().len(), 1, "{check}");
    // The check names the road it now has.
    assert!(stdout(canbao(&db).arg("check")).contains("canbao pupil void"));

    let said = stdout(canbao(&db).args(["pupil", "void", &extra, "--duplicate-of", &kept]));
    assert!(said.contains("已作废") && said.contains("重复登记"), "{said}");
    assert!(said.contains("4502**********1217") && said.contains("4502**********1316"), "both named, masked: {said}");
    // Whole, only the number typed, in the command that restores it.
    assert!(!said.contains(&kept) && said.contains(&format!("pupil unvoid {extra}")), "{said}");

    assert_eq!(students(&db), 2);
    let check = json(canbao(&db).args(["check", "--json"]));
    assert!(check["same_name_class_numbers"].as_array().unwrap().is_empty(), "no duplicate warning: {check}");
    let found = json(canbao(&db).args(["find", "王小明", "--json"]));
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    let found = json(canbao(&db).args(["find", "王小明", "--voided", "--json"]));
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    let voided: Vec<&Value> = found.iter().filter(|p| p.get("void_of").is_some()).collect();
    assert_eq!(voided.len(), 1);
    assert_eq!(voided[0]["void_of"], "王小明 4502**********1316");

    // Kept in the drive with its history: the void is one audited change.
    let s = Store::open_read_only(&db).unwrap();
    let id = s.students_by_stored_number(&extra).unwrap()[0].id;
    let last = s.history(id).unwrap().pop().unwrap();
    assert_eq!((last.action.as_str(), last.field.as_str(), last.operator.as_str()), ("void", "void_of", "测试"));
    drop(s);

    // Marked by mistake on the voided record: refused, the kept one named.
    let out = canbao(&db).args(["mark", &extra, "--payment", "paid", "--amount", "380"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("已作废") && err.contains("pupil unvoid"), "{err}");
    // Twice: said, nothing written.
    let out = canbao(&db).args(["pupil", "void", &extra, "--duplicate-of", &kept]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("已作废"));

    let said = stdout(canbao(&db).args(["pupil", "unvoid", &extra]));
    assert!(said.contains("已恢复"), "{said}");
    assert_eq!(students(&db), 3);
    let out = canbao(&db).args(["pupil", "unvoid", &extra]).output().unwrap();
    assert!(!out.status.success(), "not voided any more");
}

#[test]
fn a_record_holding_a_payment_the_kept_one_lacks_is_not_voided_and_told_why_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let (extra, kept, db) = drive(dir.path());
    canbao(&db).args(["mark", &extra, "--payment", "paid", "--amount", "380"]).assert().success();
    let out = canbao(&db).args(["pupil", "void", &extra, "--duplicate-of", &kept]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("缴费") && err.contains("payment") && err.contains("canbao mark"), "{err}");
    assert_eq!(students(&db), 3, "nothing voided");
    let en = canbao(&db).args(["--lang", "en", "pupil", "void", &extra, "--duplicate-of", &kept]).output().unwrap();
    let en = String::from_utf8_lossy(&en.stderr);
    assert!(en.contains("holds a payment") && !en.contains("缴费"), "{en}");

    // Recorded on the kept record too: the extra one goes, and the payment is counted once.
    canbao(&db).args(["mark", &kept, "--payment", "paid", "--amount", "380"]).assert().success();
    canbao(&db).args(["pupil", "void", &extra, "--duplicate-of", &kept]).assert().success();
    let stats = json(canbao(&db).args(["stats", "--json"]));
    assert_eq!((stats["students"].as_i64(), stats["payment"]["paid"].as_i64()), (Some(2), Some(1)), "{stats}");
}

#[test]
fn the_forms_leave_the_voided_record_out() {
    let dir = tempfile::tempdir().unwrap();
    let (extra, kept, db) = drive(dir.path());
    canbao(&db).args(["pupil", "void", &extra, "--duplicate-of", &kept]).assert().success();
    for kind in ["sheet", "template", "ledgers", "classes"] {
        let out = dir.path().join(kind);
        canbao(&db).args(["export", kind, "--format", "csv", "--out"]).arg(&out).assert().success();
        let mut text = String::new();
        for file in std::fs::read_dir(&out).unwrap() {
            text.push_str(&std::fs::read_to_string(file.unwrap().path()).unwrap());
        }
        assert_eq!(text.matches("王小明").count(), 1, "{kind}: {text}");
        assert!(!text.contains(&extra[14..]), "{kind}: {text}");
    }
    let summary = dir.path().join("summary.csv");
    canbao(&db).args(["export", "summary", "--out"]).arg(&summary).assert().success();
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.lines().any(|l| l.contains("三年级2班") && l.contains(",2,")), "{summary}");
}

#[test]
fn v_on_the_detail_screen_asks_naming_both_pupils_masked_and_voids_on_yes() {
    let dir = tempfile::tempdir().unwrap();
    let (extra, kept, db) = drive(dir.path());
    let mut app = App::new(Store::open(&db).unwrap(), &common::options(Language::Zh, Some("测试"))).unwrap();
    app.update(Action::Resize(100, 30));
    // The roster by name: 李华, then the two 王小明, the first one recorded first.
    app.update(Action::Down);
    app.update(Action::OpenDetail);
    assert_eq!(app.detail.as_ref().unwrap().student.id_number, extra);
    app.update(Action::VoidDuplicate);
    let shown = rows(&common::drawn(&app)).join("\n");
    assert!(shown.contains("作废：王小明 三年级2班 4502**********1217"), "{shown}");
    assert!(shown.contains("保留：王小明 三年级2班 4502**********1316"), "{shown}");
    assert!(!shown.contains(&extra) && !shown.contains(&kept), "{shown}");
    // Enter on the default answer (No) changes nothing.
    app.update(Action::Confirm);
    assert!(app.modal.is_none());
    assert_eq!(app.store.void_of(app.detail.as_ref().unwrap().student.id).unwrap(), None);

    app.update(Action::VoidDuplicate);
    app.update(Action::Yes);
    assert!(app.detail.is_none(), "back on the roster");
    let shown = rows(&common::drawn(&app)).join("\n");
    assert!(shown.contains("已作废 王小明 4502**********1217"), "{shown}");
    assert_eq!(shown.matches("王小明").count(), 2, "the status line and the one row left: {shown}");
    drop(app);
    assert_eq!(students(&db), 2);
}
