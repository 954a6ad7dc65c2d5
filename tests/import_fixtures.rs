//! Imports the fixture files that look like what schools send (tests/fixtures, made by generate.py) and checks
//! every row against tests/fixtures/expected.json: who was imported, with which ID, class and problem.

use std::path::{Path, PathBuf};

use canbao::io::ReadError;
use canbao::io::class_list::{self, ImportError};
use canbao::store::{Store, StudentFilter};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn expected() -> Value {
    let text = std::fs::read_to_string(root().join("tests/fixtures/expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("valid json")
}

fn store() -> Store {
    let mut s = Store::open_in_memory().expect("store");
    s.set_fixed_clock("2026-11-23T10:00:00+08:00");
    s.set_operator("测试").expect("operator");
    s
}

fn check_file(key: &str) {
    let spec = &expected()[key];
    let mut store = store();
    let path = root().join(key);
    let report = class_list::import(&mut store, &[path.as_path()], None, false).expect("import");
    let rows = spec["rows"].as_array().expect("rows");
    let problem_rows = |code: &str| -> Vec<u64> {
        rows.iter().filter(|r| r["problem"] == code).map(|r| r["row"].as_u64().unwrap()).collect()
    };
    let duplicates = problem_rows("duplicate");
    assert_eq!(report.duplicates, duplicates.len(), "{key}: duplicates");
    let data_rows = spec["data_rows"].as_u64().unwrap() as usize;
    assert_eq!(report.added + report.duplicates, data_rows, "{key}: every data row accounted for");
    let students = store.students(&StudentFilter::default()).expect("students");
    assert_eq!(students.len(), data_rows - duplicates.len(), "{key}: imported once each");

    for r in rows {
        let row_no = r["row"].as_u64().unwrap() as usize;
        let name = r["name"].as_str().unwrap();
        let problem = r["problem"].as_str();
        let sheet = r["sheet"].as_str().unwrap_or_default();
        let reported: Vec<_> = report
            .problems
            .iter()
            .filter(|p| p.row == Some(row_no) && (sheet.is_empty() || p.sheet == sheet))
            .collect();
        if problem == Some("duplicate") {
            assert!(reported.iter().any(|p| p.message.contains("重复")), "{key} row {row_no}: duplicate reported");
            continue;
        }
        let matches: Vec<_> = students
            .iter()
            .filter(|s| s.name == name && s.source.ends_with(&format!(":{row_no}")) && s.source.contains(sheet))
            .collect();
        assert_eq!(matches.len(), 1, "{key} row {row_no} ({name}) imported exactly once");
        let s = matches[0];
        assert_eq!(s.class_label(), r["class"].as_str().unwrap(), "{key} row {row_no}: class");
        match problem {
            None => {
                assert!(s.id_valid(), "{key} row {row_no}: {:?}", s.id_problem);
                assert_eq!(s.id_number, r["id_normalized"].as_str().unwrap(), "{key} row {row_no}: normalized");
                // An old 15-digit number is valid, and said at its row: its birth date is to be checked. A number
                // whose holder's age does not fit the grade (a parent's number, in the sample) is said at its row, as
                // check says it. Nothing else of a valid number is.
                let converted = s.id_kind == Some(canbao::domain::id_number::IdKind::ResidentConverted);
                let old = r["id_raw"].as_str().is_some_and(|raw| raw.len() == 15);
                let odd_age = s
                    .birth_date
                    .filter(|_| !converted)
                    .and_then(|birth| canbao::domain::pupil_flags::grade_age(&s.grade, &s.class, birth, store.today()));
                let id_said: Vec<_> =
                    reported.iter().filter(|p| p.column.contains("身份") || p.column.contains("证件")).collect();
                let expected = usize::from(old) + usize::from(odd_age.is_some());
                assert_eq!(id_said.len(), expected, "{key} row {row_no}: {id_said:?}");
                assert!(
                    id_said.iter().all(|p| (old && p.message.contains("15位旧身份证号"))
                        || (odd_age.is_some() && p.message.contains("学生的年龄"))),
                    "{key} row {row_no}: {id_said:?}"
                );
            }
            Some(code) => {
                assert_eq!(s.id_problem.as_deref(), Some(code), "{key} row {row_no}: problem code");
                assert!(!reported.is_empty(), "{key} row {row_no}: problem reported with its row");
                assert!(
                    reported.iter().all(|p| p.file.ends_with(Path::new(key).file_name().unwrap().to_str().unwrap()))
                );
            }
        }
        if let Some(phone) = r["phone"].as_str() {
            assert_eq!(s.phone, phone, "{key} row {row_no}: phone");
        }
    }
    for skipped in spec["skipped_rows"].as_array().into_iter().flatten() {
        let row = skipped["row"].as_u64().unwrap() as usize;
        let why = skipped["why"].as_str().unwrap_or_default();
        if why.contains("footer") || why.contains("no name") {
            assert!(report.problems.iter().any(|p| p.row == Some(row)), "{key}: skipped row {row} is reported");
        }
    }
}

#[test]
fn gbk_csv_with_title_row() {
    check_file("tests/fixtures/gbk_title.csv");
}

#[test]
fn utf8_csv_with_and_without_bom() {
    check_file("tests/fixtures/utf8_bom.csv");
    check_file("tests/fixtures/utf8_nobom.csv");
}

#[test]
fn xlsx_with_merged_title_and_numeric_ids() {
    check_file("tests/fixtures/merged_title.xlsx");
}

#[test]
fn xlsx_one_sheet_per_class() {
    check_file("tests/fixtures/multi_sheet.xlsx");
}

#[test]
fn xls_with_split_grade_and_class() {
    check_file("tests/fixtures/split_grade_class.xls");
}

#[test]
fn sample_school() {
    check_file("data/sample-school.csv");
}

#[test]
fn category_column_marks_pupils() {
    let mut store = store();
    let path = root().join("tests/fixtures/split_grade_class.xls");
    class_list::import(&mut store, &[path.as_path()], None, false).expect("import");
    let spec = &expected()["tests/fixtures/split_grade_class.xls"];
    let students = store.students(&StudentFilter::default()).unwrap();
    let with_category: Vec<_> = students.iter().filter(|s| !s.categories.is_empty()).collect();
    let expected_count = spec["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("category").is_some_and(|c| !c.is_null() && c != ""))
        .count();
    assert_eq!(with_category.len(), expected_count);
    assert!(
        with_category.iter().any(|s| s.categories.iter().any(|c| c.name == "低保对象" && !c.department.is_empty()))
    );
}

#[test]
fn files_without_a_header_fail_and_change_nothing() {
    for key in ["tests/fixtures/no_header.csv", "tests/fixtures/only_title.csv"] {
        let mut store = store();
        let good = root().join("tests/fixtures/utf8_bom.csv");
        let bad = root().join(key);
        let err = class_list::import(&mut store, &[good.as_path(), bad.as_path()], None, false).unwrap_err();
        assert!(matches!(err, ImportError::Read(ReadError::NoHeader { .. })), "{key}: {err}");
        assert!(err.to_string().contains(Path::new(key).file_name().unwrap().to_str().unwrap()));
        assert_eq!(store.student_count().unwrap(), 0, "{key}: nothing imported from the good file either");
    }
}

#[test]
fn reimport_is_unchanged_and_update_keeps_statuses() {
    let mut store = store();
    let path = root().join("tests/fixtures/utf8_bom.csv");
    let first = class_list::import(&mut store, &[path.as_path()], None, false).unwrap();
    assert_eq!(first.added, 10);
    let again = class_list::import(&mut store, &[path.as_path()], None, false).unwrap();
    assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 10));

    // Mark one pupil paid, then import a list that moves them to another class.
    let pupil = store.students(&StudentFilter::default()).unwrap().remove(0);
    store
        .set_payment(
            pupil.id,
            canbao::domain::student::PaymentStatus::Paid,
            &canbao::domain::student::PaymentDetails { amount_fen: Some(38000), paid_on: None, channel: None },
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let moved = dir.path().join("moved.csv");
    std::fs::write(&moved, format!("姓名,身份证号,班级\n{},{},九年级9班\n", pupil.name, pupil.id_number)).unwrap();
    let report = class_list::import(&mut store, &[moved.as_path()], None, false).unwrap();
    assert_eq!((report.added, report.updated), (0, 1));
    let after = store.student(pupil.id).unwrap();
    assert_eq!(after.class_label(), "九年级9班");
    assert_eq!(after.payment, canbao::domain::student::PaymentStatus::Paid);
    assert_eq!(after.phone, pupil.phone, "an absent phone column does not erase the phone");
    let history = store.history(pupil.id).unwrap();
    assert!(history.iter().any(|h| h.field == "class" && h.new.as_deref() == Some("9班")));
    assert!(history.iter().any(|h| h.field == "payment" && h.new.as_deref() == Some("paid")));
}

#[test]
fn dry_run_reports_the_same_and_changes_nothing() {
    let mut store = store();
    let path = root().join("tests/fixtures/gbk_title.csv");
    let dry = class_list::import(&mut store, &[path.as_path()], None, true).unwrap();
    assert!(dry.dry_run);
    assert_eq!(store.student_count().unwrap(), 0);
    assert_eq!(store.audit_count().unwrap(), 0);
    let real = class_list::import(&mut store, &[path.as_path()], None, false).unwrap();
    assert_eq!((dry.added, dry.duplicates, dry.id_invalid), (real.added, real.duplicates, real.id_invalid));
    assert_eq!(dry.problems, real.problems);
}

fn valid(first17: &str) -> String {
    format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()))
}

/// A pupil in two files of one import with different classes (or phones): the second row is dropped, and its line
/// says the rows disagree and what each gave, into an empty drive and into one already holding pupils (read
/// ahead of its writer) alike.
#[test]
fn a_duplicate_in_another_class_says_both_classes() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (valid("45020220150101121"), valid("45020220150101131"), valid("45020220150101141"));
    let first = dir.path().join("gA.csv");
    let second = dir.path().join("gB.csv");
    std::fs::write(
        &first,
        format!("姓名,身份证号码,班级,联系电话\n赵六,{a},1班,13800138000\n钱八,{b},1班,\n孙九,{c},1班,\n"),
    )
    .unwrap();
    std::fs::write(
        &second,
        format!("姓名,身份证号码,班级,联系电话\n赵六,{a},3班,13900139000\n钱八,{b},1班,\n孙久,{c},2班,\n"),
    )
    .unwrap();
    for before in [false, true] {
        let mut store = store();
        if before {
            let other = dir.path().join("other.csv");
            std::fs::write(&other, format!("姓名,身份证号码,班级\n周十,{},1班\n", valid("45020220150101151"))).unwrap();
            class_list::import(&mut store, &[other.as_path()], Some("第二小学"), false).unwrap();
        }
        let report =
            class_list::import(&mut store, &[first.as_path(), second.as_path()], Some("第二小学"), false).unwrap();
        assert_eq!((report.added, report.duplicates), (3, 3), "{report:?}");
        let said = |row: usize| {
            let p = report.problems.iter().find(|p| p.file.ends_with("gB.csv") && p.row == Some(row));
            p.unwrap_or_else(|| panic!("row {row}: {:?}", report.problems)).message.clone()
        };
        // The first row in the other file: named by its file and row, as the report's lines name rows.
        let at = |row: usize| (format!("{} 第 {row} 行", first.display()), format!("{} row {row}", first.display()));
        assert_eq!(
            said(2),
            format!(
                "与{0}重复（同一身份证号码），两行班级不同（“1班”与“3班”）、联系电话不同（“13800138000”与“13900139000”），\
                 只导入了前者，请核对 (duplicate of {1}, but the rows give different classes “1班” and “3班”, phones \
                 “13800138000” and “13900139000”: only the first was imported, check it)",
                at(2).0,
                at(2).1
            )
        );
        assert_eq!(
            said(3),
            format!("与{0}重复（同一身份证号码），只导入一次 (duplicate of {1}, imported once)", at(3).0, at(3).1)
        );
        let named_apart = said(4);
        assert!(named_apart.contains("姓名不同（“孙九”与“孙久”），两行班级不同（“1班”与“2班”）"), "{named_apart}");
        let pupils = store.students(&StudentFilter::default()).unwrap();
        let zhao = pupils.iter().find(|s| s.name == "赵六").unwrap();
        assert_eq!((zhao.class_label(), zhao.phone.as_str()), ("1班".to_owned(), "13800138000"));
    }
}

/// Two lists of one class in one import, the second giving the parents' phones the first has not: the pupil takes
/// the phone its repeated row gives, said at that row, into an empty drive (read ahead of the writer, every answer
/// known) or one holding pupils (the writer's answers awaited) alike.
#[test]
fn a_repeated_row_gives_the_pupil_the_phone_the_first_row_lacked() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (valid("45020220150101121"), valid("45020220150101131"));
    let first = dir.path().join("名单.csv");
    let second = dir.path().join("电话.csv");
    std::fs::write(&first, format!("姓名,身份证号码,班级\n赵六,{a},1班\n钱八,{b},1班\n")).unwrap();
    std::fs::write(&second, format!("姓名,身份证号码,班级,家长电话\n赵六,{a},1班,13900139000\n钱八,{b},1班,\n"))
        .unwrap();
    for before in [false, true] {
        let mut store = store();
        if before {
            let other = dir.path().join("other.csv");
            std::fs::write(&other, format!("姓名,身份证号码,班级\n周十,{},1班\n", valid("45020220150101151"))).unwrap();
            class_list::import(&mut store, &[other.as_path()], Some("第二小学"), false).unwrap();
        }
        let report =
            class_list::import(&mut store, &[first.as_path(), second.as_path()], Some("第二小学"), false).unwrap();
        let said = |row: usize| -> Vec<String> {
            let at = report.problems.iter().filter(|p| p.file.ends_with("电话.csv") && p.row == Some(row));
            at.map(|p| p.message.clone()).collect()
        };
        let at = |row: usize| (format!("{} 第 {row} 行", first.display()), format!("{} row {row}", first.display()));
        assert_eq!(
            said(2),
            [
                format!("与{0}重复（同一身份证号码），只导入一次 (duplicate of {1}, imported once)", at(2).0, at(2).1),
                format!(
                    "此行的联系电话“13900139000”，{0}没有：已补入该学生 (this row's phone “13900139000”, which {1} \
                     lacks, was taken for the pupil)",
                    at(2).0,
                    at(2).1
                )
            ]
        );
        assert_eq!(
            said(3),
            [format!("与{0}重复（同一身份证号码），只导入一次 (duplicate of {1}, imported once)", at(3).0, at(3).1)]
        );
        let pupils = store.students(&StudentFilter::default()).unwrap();
        let zhao = pupils.iter().find(|s| s.name == "赵六").unwrap();
        assert_eq!(zhao.phone, "13900139000", "before: {before}");
    }
}

/// A class's sheet and a whole school's sheet writing the class two ways (一年级1班, 1年级1班): one class, as the import
/// files it, so a pupil in both is a plain repeat, not rows of different classes to check.
#[test]
fn a_repeated_row_of_the_class_written_otherwise_is_no_class_difference() {
    let dir = tempfile::tempdir().unwrap();
    let a = valid("45020220190101121");
    let first = dir.path().join("一年级1班.csv");
    let second = dir.path().join("全校.csv");
    std::fs::write(&first, format!("姓名,身份证号码,班级\n赵六,{a},一年级1班\n")).unwrap();
    std::fs::write(&second, format!("姓名,身份证号码,班级\n赵六,{a},1年级（1）班\n")).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[first.as_path(), second.as_path()], Some("第二小学"), false).unwrap();
    let said: Vec<_> = report.problems.iter().map(|p| p.message.as_str()).collect();
    let at = format!("{} 第 2 行", first.display());
    assert_eq!(
        said,
        [format!("与{at}重复（同一身份证号码），只导入一次 (duplicate of {} row 2, imported once)", first.display())]
    );
}

/// Headings alone in the name column over parts of a class's list (「转出学生」, 「新转入学生（插班）」) are no pupils:
/// each is said at its row and skipped; the pupils under the heading of those leaving are imported, each said to
/// be checked, down to the next heading.
#[test]
fn section_headings_are_no_pupils_and_the_rows_under_a_leaving_one_are_said() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("五年级4班.csv");
    let (a, b, c) = (valid("45020720130110010"), valid("45020720130512011"), valid("45020720130612021"));
    let csv = format!(
        "姓名,身份证号码,备注\n前段一,{a},\n转出学生,,\n转出甲,{b},已转学\n新转入学生（插班）,,\n插班乙,{c},插班\n"
    );
    std::fs::write(&path, csv).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("测试小学"), false).unwrap();
    assert_eq!((report.added, report.skipped, report.id_invalid), (3, 2, 0), "{:?}", report.problems);
    let said = |row: usize| -> Vec<&str> {
        report.problems.iter().filter(|p| p.row == Some(row)).map(|p| p.message.as_str()).collect()
    };
    assert!(
        said(3).iter().any(|m| m.starts_with("分段标题行“转出学生”，不是学生，已跳过；其下的学生可能已转出本校")),
        "{:?}",
        said(3)
    );
    assert!(said(4).iter().any(|m| m.starts_with("此行在分段标题“转出学生”之下，学生可能已转出本校")), "{:?}", said(4));
    assert_eq!(
        said(5),
        [
            "分段标题行“新转入学生（插班）”，不是学生，已跳过 (a section heading, “新转入学生（插班）”, not a pupil: skipped)"
        ]
    );
    assert!(said(2).is_empty() && said(6).is_empty(), "{:?}", report.problems);
    let names: Vec<String> = store.students(&StudentFilter::default()).unwrap().into_iter().map(|p| p.name).collect();
    assert_eq!(names.len(), 3, "{names:?}");
}

/// A CSV with no class column named after its class (六年级3班.csv) gives its pupils that class, said for the file;
/// one whose name gives none is told to name the file after its class, not a sheet it does not have.
#[test]
fn a_csv_without_a_class_column_takes_the_class_its_file_name_gives() {
    let dir = tempfile::tempdir().unwrap();
    let named = dir.path().join("六年级3班.csv");
    let unnamed = dir.path().join("名单.csv");
    std::fs::write(&named, format!("姓名,身份证号码\n六一,{}\n", valid("45020220130110010"))).unwrap();
    std::fs::write(&unnamed, format!("姓名,身份证号码\n无班,{}\n", valid("45020220130110020"))).unwrap();
    let mut store = store();
    let report =
        class_list::import(&mut store, &[named.as_path(), unnamed.as_path()], Some("测试小学"), false).unwrap();
    let pupils = store.students(&StudentFilter::default()).unwrap();
    let class = |name: &str| pupils.iter().find(|p| p.name == name).unwrap().class_label();
    assert_eq!((class("六一"), class("无班")), ("六年级3班".to_owned(), String::new()));
    let said = |file: &str| -> Vec<(Option<usize>, &str)> {
        report.problems.iter().filter(|p| p.file.ends_with(file)).map(|p| (p.row, p.message.as_str())).collect()
    };
    let shown = named.display().to_string();
    assert_eq!(
        said("六年级3班.csv"),
        [(None, format!("表中没有班级列：学生按文件名“{shown}”中的班级导入到“六年级3班” (no class column: the pupils are imported into “六年级3班”, the class the file's name “{shown}” gives)").as_str())]
    );
    let unnamed_said = said("名单.csv");
    assert!(
        unnamed_said.iter().any(|(_, m)| m.contains("文件名和标题也没有写出班级") && m.contains("把文件命名为班级")),
        "{unnamed_said:?}"
    );
    assert!(!unnamed_said.iter().any(|(_, m)| m.contains("工作表名称")), "{unnamed_said:?}");
}

/// An .xls whose ID cell is a formula saved without its result (row 4) says the cell is a formula with no result
/// saved, as an XLSX does, not only that the ID number is empty.
#[test]
fn an_xls_formula_without_a_saved_result_is_said_as_a_formula() {
    let path = root().join("tests/fixtures/xls_formula_no_result.xls");
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("测试小学"), true).unwrap();
    let said: Vec<&str> = report.problems.iter().filter(|p| p.row == Some(4)).map(|p| p.message.as_str()).collect();
    assert!(said.iter().any(|m| m.starts_with("单元格是公式") && m.contains("没有保存它的计算结果")), "{said:?}");
}

/// One child twice in one list, once with the number a spreadsheet rounded and once with the whole number, in
/// either order: one pupil, holding the whole number, the second row said as a repeat of the first; read ahead of
/// the writer as row by row, into an empty drive and into one holding pupils. Another name with the rounded number
/// is another child.
#[test]
fn a_child_listed_rounded_and_whole_is_one_pupil_holding_the_whole_number() {
    let dir = tempfile::tempdir().unwrap();
    let (zhang, li) = (valid("45020220160606123"), valid("45020220160707456"));
    let rounded = |n: &str| format!("{}.{}E+17", &n[..1], &n[1..15]);
    let list = dir.path().join("list.csv");
    std::fs::write(
        &list,
        format!(
            "姓名,身份证号码,年级,班级\n张伟,{},一年级,1班\n李娜,{li},一年级,1班\n张伟,{zhang},一年级,1班\n\
             李娜,{},一年级,1班\n王芳,{},一年级,2班\n",
            rounded(&zhang),
            rounded(&li),
            rounded(&zhang)
        ),
    )
    .unwrap();
    let earlier = dir.path().join("earlier.csv");
    std::fs::write(&earlier, "姓名,身份证号码,年级,班级\n早先,11010520130307002X,一年级,3班\n").unwrap();
    let school = Some("示范小学");
    for holding in [false, true] {
        let prepare = |s: &mut Store| {
            if holding {
                class_list::import(s, &[earlier.as_path()], school, false).expect("earlier list");
            }
        };
        let report = imported_either_way(&prepare, &[list.as_path()], school);
        assert_eq!((report.added, report.duplicates), (3, 2), "{report:?}");
        let at = |row: usize| report.problems.iter().filter(move |p| p.row == Some(row)).map(|p| p.message.as_str());
        assert!(
            at(4).any(
                |m| m.starts_with("与第 2 行重复（同名，第 2 行的身份证号码") && m.contains("号码按此行的完整号码")
            ),
            "{report:?}"
        );
        assert!(
            at(5).any(
                |m| m.starts_with("与第 3 行重复（同名，此行的身份证号码是第 3 行的") && m.contains("保留完整号码")
            ),
            "{report:?}"
        );
        let mut s = store();
        prepare(&mut s);
        class_list::import(&mut s, &[list.as_path()], school, false).unwrap();
        let pupils = s.students(&StudentFilter::default()).unwrap();
        let held = |name: &str| {
            let found: Vec<_> = pupils.iter().filter(|p| p.name == name).collect();
            assert_eq!(found.len(), 1, "{name}: {found:?}");
            (found[0].id_number.clone(), found[0].id_problem.clone())
        };
        assert_eq!(held("张伟"), (zhang.clone(), None));
        assert_eq!(held("李娜"), (li.clone(), None));
        assert_eq!(held("王芳").1.as_deref(), Some("precision_lost"));
    }
}

/// A valid number with its check character typed wrong.
fn mistyped(number: &str) -> String {
    format!("{}{}", &number[..17], if number.ends_with('2') { '3' } else { '2' })
}

/// A list giving the valid number of a pupil held with a mistyped one corrects it, and says so at the row with
/// both numbers masked, read ahead of the writer as row by row. Imported again, nothing more is said.
#[test]
fn a_number_a_list_corrects_is_said_at_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let card = valid("45020220150101906");
    let held = dir.path().join("held.csv");
    std::fs::write(
        &held,
        format!(
            "学校,姓名,身份证号码,年级,班级\n示范小学,孙芳琳,{},五年级,1班\n示范小学,李四,,一年级,2班\n",
            mistyped(&card)
        ),
    )
    .unwrap();
    let li = valid("45020220160202456");
    let list = dir.path().join("list.csv");
    std::fs::write(
        &list,
        format!("学校,姓名,身份证号码,年级,班级\n示范小学,孙芳琳,{card},五年级,1班\n示范小学,李四,{li},一年级,2班\n"),
    )
    .unwrap();
    let prepare = |s: &mut Store| {
        class_list::import(s, &[held.as_path()], None, false).expect("held list");
    };
    let report = imported_either_way(&prepare, &[list.as_path()], None);
    assert_eq!((report.added, report.updated, report.id_invalid), (0, 2, 0), "{report:?}");
    let (from, to) = (canbao::domain::id_number::mask(&mistyped(&card)), canbao::domain::id_number::mask(&card));
    let at: Vec<(Option<usize>, &str, &str)> =
        report.problems.iter().map(|p| (p.row, p.column.as_str(), p.message.as_str())).collect();
    assert_eq!(
        at,
        [
            (
                Some(2),
                "身份证号码",
                format!(
                    "孙芳琳 的身份证号码由 {from} 更正为 {to}（按名单）(ID number corrected from {from} to {to} as the \
                     list gives it)"
                )
                .as_str()
            ),
            (
                Some(3),
                "身份证号码",
                format!(
                    "李四 原无身份证号码，已按名单填为 {li} (this pupil had no ID number: {li} filled in as the list \
                     gives it)",
                    li = canbao::domain::id_number::mask(&li)
                )
                .as_str()
            ),
        ],
        "{report:?}"
    );
    let mut s = store();
    prepare(&mut s);
    class_list::import(&mut s, &[list.as_path()], None, false).unwrap();
    let again = class_list::import(&mut s, &[list.as_path()], None, false).unwrap();
    assert_eq!((again.unchanged, again.problems.len()), (2, 0), "{again:?}");
}

#[test]
fn review_cases_repeated_header_renamed_duplicate_address_title_and_school_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (valid("45020220150101121"), valid("45020220150101131"));
    let list = dir.path().join("list.csv");
    std::fs::write(
        &list,
        format!(
            "学校地址：人民路1号\n姓名,身份证号码,班级\n赵六,{a},1班\n姓名,身份证号码,班级\n赵七,{a},1班\n钱八,{b},2班\n"
        ),
    )
    .unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[list.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!((report.added, report.duplicates, report.skipped), (2, 1, 1), "{report:?}");
    assert!(report.problems.iter().any(|p| p.row == Some(4) && p.message.contains("表头")));
    assert!(report.problems.iter().any(|p| p.row == Some(5) && p.message.contains("姓名不同")));
    assert_eq!(store.schools().unwrap(), vec!["第二小学".to_owned()]);

    // A second school arrives; a later list naming no school must not move 赵六 out of 第二小学.
    let other = dir.path().join("other.csv");
    std::fs::write(&other, format!("姓名,身份证号码,班级\n孙九,{},1班\n", valid("45020220150101141"))).unwrap();
    class_list::import(&mut store, &[other.as_path()], Some("第三小学"), false).unwrap();
    let moved = dir.path().join("moved.csv");
    std::fs::write(&moved, format!("学校地址：人民路1号\n姓名,身份证号码,班级\n赵六,{a},3班\n")).unwrap();
    let r = class_list::import(&mut store, &[moved.as_path()], None, false).unwrap();
    assert_eq!(r.updated, 1);
    let p = store.student_by_id_number(&a).unwrap().unwrap();
    assert_eq!((p.school.as_str(), p.class.as_str()), ("第二小学", "3班"));
}

#[test]
fn footers_in_the_name_column_and_stray_bytes_are_named_not_imported_as_pupils() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (valid("45020220150101121"), valid("45020220150101131"));
    let list = dir.path().join("list.csv");
    // UTF-8 with one byte no encoding can read, in 钱八's class cell, then two footer rows.
    let mut bytes = format!("姓名,身份证号码,班级\n赵六,{a},一年级1班\n钱八,{b},一年级2班").into_bytes();
    bytes.push(0xFF);
    bytes.extend_from_slice("\n合计：2人,,\n制表人：李老师,,\n".as_bytes());
    std::fs::write(&list, bytes).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[list.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!((report.added, report.skipped), (2, 2), "{report:?}");
    assert!(report.problems.iter().any(|p| p.row == Some(4) && p.message.contains("表尾")));
    assert!(report.problems.iter().any(|p| p.row == Some(5) && p.message.contains("表尾")));
    assert!(report.problems.iter().any(|p| p.row == Some(3) && p.message.contains("无法识别")));
    // The rest of the file was read as UTF-8, not as GB18030 mojibake.
    assert_eq!(store.student_by_id_number(&a).unwrap().map(|p| p.name), Some("赵六".into()));
}

#[test]
fn a_file_whose_only_pupil_was_left_out_for_a_long_cell_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.csv");
    let name = "李".repeat(2000);
    std::fs::write(&list, format!("姓名,身份证号码\n{name},{}\n", valid("45020220150101121"))).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[list.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!((report.added, report.skipped), (0, 1), "{report:?}");
    let warning = report.warnings.iter().find(|w| w.contains("list.csv")).expect("the file is said");
    assert!(warning.contains("单元格过长") && !warning.contains("只有表头"), "{warning}");
    assert!(warning.contains("1 row was left out for a name or ID-number cell too long"), "{warning}");
}

/// Rows are applied as they are read: a file that breaks after thousands of good rows must still leave the
/// drive exactly as it was, pupils, audit log, search keys and import history alike.
#[test]
fn a_file_that_breaks_after_many_good_rows_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.csv");
    let mut text = String::from("姓名,身份证号码,班级\n");
    for i in 0..5_000u32 {
        // Valid and all different: born on day 1 + i / 1000 of January 2010, sequence i % 1000.
        let body = format!("110105201001{:02}{:03}", 1 + i / 1000, i % 1000);
        let number = format!("{body}{}", canbao::domain::id_number::check_char(body.as_bytes()));
        text.push_str(&format!("学生{i},{number},{}班\n", i / 1000 + 1));
    }
    text.push_str("\"最后一行,110105194912310021,1班\n");
    std::fs::write(&path, text).unwrap();
    let mut store = store();
    let err = class_list::import(&mut store, &[path.as_path()], None, false).unwrap_err();
    assert!(matches!(err, ImportError::Read(ReadError::BadRow { .. })), "{err}");
    assert_eq!(store.student_count().unwrap(), 0);
    let count = |sql: &str| store.connection().query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(count("SELECT count(*) FROM audit"), 0);
    assert_eq!(count("SELECT count(*) FROM imports"), 0);
    assert_eq!(store.search_key_count().unwrap(), 0);
}

/// The tax office's paid list read as a class list by mistake. A file whose header is plainly that list (its
/// payment columns, 纳税人姓名, and no class) is refused whole, in words that say what it is and which command
/// reads it, before a stranger on it becomes a pupil; a class list that also has a payment column is imported,
/// with that said first, and a row giving a pupil's number under another child's name is left out, said at its row.
#[test]
fn a_paid_list_imported_as_a_class_list_is_refused_or_said_first() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (valid("45020220150101121"), valid("45020220150101131"));
    let stranger = valid("11010120160101123");
    let list = dir.path().join("list.csv");
    std::fs::write(&list, format!("姓名,身份证号码,班级\n邓阳雪,{a},1班\n钱八,{b},1班\n")).unwrap();
    let mut store = store();
    class_list::import(&mut store, &[list.as_path()], Some("第二小学"), false).unwrap();
    let before = store.students(&StudentFilter::default()).unwrap().len();
    const REFUSED: &str = "此文件像税务缴费名单，未导入：请用 核对税务缴费名单（canbao reconcile";
    // As the tax office writes it, in CSV and in a workbook, also with a title above the header.
    let header = ["纳税人姓名", "证件号码", "缴费金额", "缴费日期", "缴费渠道", "票证号码", "险种"];
    let csv = dir.path().join("paid.csv");
    std::fs::write(
        &csv,
        format!(
            "{}\n钱八,{b},400,2026-11-20,微信,3450001,城乡居民基本医疗保险\n陌生人,{stranger},400,2026-11-20,微信,3450002,城乡居民基本医疗保险\n",
            header.join(",")
        ),
    )
    .unwrap();
    let xlsx = dir.path().join("税务缴费.xlsx");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("城乡居民医保缴费明细")],
        header.iter().map(|h| Some(*h)).collect(),
        vec![Some("陌生人"), Some(stranger.as_str()), Some("400"), Some("2026-11-20"), Some("微信"), Some("1")],
    ];
    write_xlsx(&xlsx, "Sheet1", &rows, &[]);
    // Only the payment columns and 姓名: still the tax list.
    let bare = dir.path().join("bare.csv");
    std::fs::write(&bare, format!("姓名,证件号码,缴费金额,票证号码\n陌生人,{stranger},400,1\n")).unwrap();
    for path in [&csv, &xlsx, &bare] {
        for dry_run in [true, false] {
            // Beside a class list in the same batch too: the batch is refused whole, as a file without a header.
            let err = class_list::import(&mut store, &[list.as_path(), path.as_path()], None, dry_run).unwrap_err();
            let said = err.to_string();
            assert!(said.starts_with(REFUSED), "{path:?}: {said}");
            assert!(said.contains(&path.display().to_string()), "{said}");
        }
    }
    assert_eq!(store.students(&StudentFilter::default()).unwrap().len(), before);
    assert!(store.student_by_id_number(&stranger).unwrap().is_none());

    // A class list with a payment column: imported, the payment list said first.
    let mixed = dir.path().join("mixed.csv");
    std::fs::write(
        &mixed,
        format!("姓名,身份证号码,班级,缴费金额,缴费日期,缴费渠道\n钱八,{b},1班,400,2026-11-20,微信\n张冒名,{a},1班,400,2026-11-20,微信\n"),
    )
    .unwrap();
    for dry_run in [true, false] {
        let report = class_list::import(&mut store, &[mixed.as_path()], None, dry_run).unwrap();
        assert_eq!(report.warnings.len(), 1, "{report:?}");
        assert!(report.warnings[0].contains("缴费名单") && report.warnings[0].contains("reconcile"), "{report:?}");
        for column in ["缴费金额", "缴费日期", "缴费渠道"] {
            assert!(
                report
                    .problems
                    .iter()
                    .any(|p| p.row == Some(1) && p.column == column && p.message.contains("reconcile")),
                "{column}: {report:?}"
            );
        }
        // Another child's name on 邓阳雪's number: left out, not a rename of her.
        let other: Vec<_> = report.problems.iter().filter(|p| p.message.contains("在册学生“邓阳雪”")).collect();
        assert_eq!((other.len(), report.other_names), (1, 1), "{report:?}");
        assert_eq!((other[0].row, other[0].file.as_str()), (Some(3), mixed.display().to_string().as_str()));
        assert!(other[0].message.contains("张冒名"));
        assert!(!report.problems.iter().any(|p| p.message.contains("钱八")), "an unchanged name is not said");
    }
}

/// Excel's formula that forces text, `="4502…"` (written by exported lists and the tax office's lists; in a quoted
/// CSV field `"=""4502…"""`), with spaces around it or Chinese quotes: read as the number in a class list and in
/// every agency list, in a CSV (UTF-8 or GBK) and in an XLSX cell holding the text. A formula in a name or phone
/// is still kept neutralised.
#[test]
fn id_numbers_in_a_text_formula_are_read_as_the_number_everywhere() {
    use canbao::domain::student::{Enrollment, PaymentStatus};
    use canbao::io::reconcile::{Source, reconcile};

    let numbers: Vec<String> =
        ["45020520130405013", "45020520130805021", "45020520130905022", "45020520131005023"].map(valid).to_vec();
    // As a CSV line holds them: unquoted, quoted, spaces around, Chinese quotes.
    let in_csv = |i: usize| match i {
        0 => format!("=\"{}\"", numbers[0]),
        1 => format!("\"=\"\"{}\"\"\"", numbers[1]),
        2 => format!("\" =\"\"{}\"\" \"", numbers[2]),
        _ => format!("=“{}”", numbers[3]),
    };
    // As an XLSX cell holds the same text.
    let in_cell = |i: usize| match i {
        0 | 1 => format!("=\"{}\"", numbers[i]),
        2 => format!(" =\"{}\" ", numbers[2]),
        _ => format!("=“{}”", numbers[3]),
    };
    let names = ["司马光", "赵六", "欧阳娜", "=1+2"];
    let class_csv = || {
        let mut text = String::from("姓名,公民身份号码,年级,班级,联系电话\n");
        for (i, name) in names.iter().enumerate() {
            let phone = if i == 0 { "=1+1" } else { "13800138000" };
            text.push_str(&format!("{name},{},六年级,3,{phone}\n", in_csv(i)));
        }
        text
    };
    let tax_csv = || {
        let mut text = String::from("纳税人姓名,证件号码,缴费金额,缴费日期,缴费渠道\n");
        for (i, name) in names.iter().enumerate() {
            text.push_str(&format!("{name},{},350,2026-11-20,微信\n", in_csv(i)));
        }
        text
    };
    let agency_csv = || {
        let mut text = String::from("序号,姓名,证件号码\n");
        for (i, name) in names.iter().enumerate() {
            text.push_str(&format!("{},{name},{}\n", i + 1, in_csv(i)));
        }
        text
    };
    let categories_csv = || {
        let mut text = String::from("姓名,证件号码,人员类别\n");
        for (i, name) in names.iter().enumerate() {
            text.push_str(&format!("{name},{},低保对象\n", in_csv(i)));
        }
        text
    };
    let xlsx = |path: &Path, header: &[&str], row: &dyn Fn(usize, &str) -> Vec<String>| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in header.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for (i, name) in names.iter().enumerate() {
            for (c, text) in row(i, name).iter().enumerate() {
                sheet.write_string(i as u32 + 1, c as u16, text).unwrap();
            }
        }
        book.save(path).unwrap();
    };

    let dir = tempfile::tempdir().unwrap();
    for kind in ["utf8", "gbk", "xlsx"] {
        let at = |what: &str| format!("{kind}: {what}");
        let write = |stem: &str, csv: String, header: &[&str], row: &dyn Fn(usize, &str) -> Vec<String>| {
            let path = dir.path().join(format!("{stem}-{kind}.{}", if kind == "xlsx" { "xlsx" } else { "csv" }));
            match kind {
                "utf8" => std::fs::write(&path, csv).unwrap(),
                "gbk" => std::fs::write(&path, encoding_rs::GBK.encode(&csv).0).unwrap(),
                _ => xlsx(&path, header, row),
            }
            path
        };
        let list = write(
            "list",
            class_csv(),
            &["姓名", "公民身份号码", "年级", "班级", "联系电话"],
            &|i, name| {
                let phone = if i == 0 { "=1+1" } else { "13800138000" };
                vec![name.into(), in_cell(i), "六年级".into(), "3".into(), phone.into()]
            },
        );
        let mut store = store();
        for dry_run in [true, false] {
            let report = class_list::import(&mut store, &[list.as_path()], Some("第二小学"), dry_run).unwrap();
            assert_eq!((report.added, report.id_invalid), (4, 0), "{}: {report:?}", at("import"));
            assert!(
                !report.problems.iter().any(|p| p.message.contains("身份证号码")),
                "{}: {:?}",
                at("no ID problem"),
                report.problems
            );
        }
        for (i, number) in numbers.iter().enumerate() {
            let pupil = store.student_by_id_number(number).unwrap().unwrap_or_else(|| panic!("{}", at(number)));
            assert_eq!((pupil.id_number.as_str(), pupil.id_problem.as_deref()), (number.as_str(), None), "{kind}");
            assert_eq!(pupil.name, names[i], "{}", at("a formula in a name is kept as typed"));
        }
        // A formula in the phone column is no phone number: not kept (never evaluated either), and said.
        let phone = store.student_by_id_number(&numbers[0]).unwrap().unwrap().phone;
        assert_eq!(phone, "", "{}", at("a formula in a phone is no phone"));

        let tax = write(
            "tax",
            tax_csv(),
            &["纳税人姓名", "证件号码", "缴费金额", "缴费日期", "缴费渠道"],
            &|i, name| vec![name.into(), in_cell(i), "350".into(), "2026-11-20".into(), "微信".into()],
        );
        let agency = write("agency", agency_csv(), &["序号", "姓名", "证件号码"], &|i, name| {
            vec![(i + 1).to_string(), name.into(), in_cell(i)]
        });
        let certified =
            write("categories", categories_csv(), &["姓名", "证件号码", "人员类别"], &|i, name| {
                vec![name.into(), in_cell(i), "低保对象".into()]
            });
        for (path, source) in [(&tax, Source::Tax), (&agency, Source::Agency), (&certified, Source::Categories)] {
            for dry_run in [true, false] {
                let report = reconcile(&mut store, path, source, None, dry_run).unwrap();
                let what = at(&format!("{source:?} dry run {dry_run}"));
                assert_eq!(report.matched + report.already, 4, "{what}: {report:?}");
                assert!(report.unknown_rows.is_empty() && report.unknown_ids.is_empty(), "{what}: {report:?}");
                assert!(report.name_mismatches.is_empty(), "{what}: {report:?}");
                assert!(!report.problems.iter().any(|p| p.message.contains("身份证号码")), "{what}: {report:?}");
            }
        }
        for number in &numbers {
            let pupil = store.student_by_id_number(number).unwrap().unwrap();
            assert_eq!(pupil.payment, PaymentStatus::Paid, "{}", at("the tax row records the payment"));
            assert_eq!(pupil.payment_details.amount_fen, Some(35_000), "{kind}");
            assert_eq!(pupil.enrollment, Enrollment::Here, "{kind}");
            assert_eq!(pupil.categories.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["低保对象"], "{kind}");
        }
    }
}

/// One worksheet written as a school writes it: `rows` from the top (`None`, an empty cell), then `merges`
/// (first row, last row, first column, last column, 0-based) holding `text`, as Excel keeps a merged range.
fn write_xlsx(path: &Path, sheet_name: &str, rows: &[Vec<Option<&str>>], merges: &[(u32, u16, u16, &str)]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            if let Some(text) = text {
                sheet.write_string(r as u32, c as u16, *text).unwrap();
            }
        }
    }
    for &(row, first, last, text) in merges {
        sheet.merge_range(row, first, row, last, text, &rust_xlsxwriter::Format::new()).unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn footers_outside_the_name_column_are_skipped_with_their_rows_and_no_pupil_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("footer.xlsx");
    let ids: Vec<String> = (1..=4).map(|i| valid(&format!("4502022013040510{i}"))).collect();
    let id = |i: usize| Some(ids[i].as_str());
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("序号"), Some("姓名"), Some("身份证号"), Some("家长电话"), Some("备注")],
        vec![Some("1"), Some("学生甲"), id(0), None, None],
        vec![Some("2"), Some("学生乙"), id(1), None, None],
        // An ID still to come: a pupil, and its note's 说明 is no footer.
        vec![Some("3"), Some("学生丙"), None, None, Some("说明：身份证在办")],
        // A footer word beside a name, with no ID: kept, and said.
        vec![Some("4"), Some("学生丁"), None, Some("合计"), None],
        // A valid ID is a pupil whatever the row holds.
        vec![Some("合计"), Some("学生戊"), id(2), None, None],
        vec![Some("合计"), Some("3人")],     // row 7
        vec![None, Some("男：2人 女：1人")], // row 8
        vec![None, Some("以下空白")],        // row 9
        vec![Some("合计"), None, Some("3")], // row 10
        vec![Some("制表人：王老师"), Some("王老师"), None, Some("审核人：李老师")], // row 11
        vec![None, None, None, Some("填表日期：2026年9月1日")], // row 12
        vec![None, Some("以下无内容")],      // row 13
        vec![Some("人数：45")],              // row 14
        vec![Some("5"), None, Some("待补")], // row 15: no name, no ID
    ];
    write_xlsx(&path, "三年级1班", &rows, &[]);
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    let mut names: Vec<String> =
        store.students(&StudentFilter::default()).unwrap().into_iter().map(|s| s.name).collect();
    names.sort();
    assert_eq!(names, ["学生丁", "学生丙", "学生乙", "学生戊", "学生甲"], "{report:?}");
    assert_eq!((report.added, report.skipped), (5, 9), "{report:?}");
    let said = |row: usize| -> Vec<&str> {
        report.problems.iter().filter(|p| p.row == Some(row)).map(|p| p.message.as_str()).collect()
    };
    for row in 7..=14 {
        assert!(
            said(row).iter().any(|m| m.contains("表尾行") && m.contains("已跳过")),
            "row {row} skipped as a footer: {:?}",
            said(row)
        );
        assert!(report.problems.iter().any(|p| p.row == Some(row) && p.file.ends_with("footer.xlsx")));
    }
    assert!(said(7).iter().any(|m| m.contains("“合计 3人”")), "{:?}", said(7));
    assert!(said(15).iter().any(|m| m.contains("没有姓名和身份证号码")), "{:?}", said(15));
    assert!(said(5).iter().any(|m| m.contains("像是表尾行") && m.contains("已作为学生导入")), "{:?}", said(5));
    assert!(!said(4).iter().any(|m| m.contains("表尾")), "{:?}", said(4));
    assert!(!said(6).iter().any(|m| m.contains("表尾")), "{:?}", said(6));
}

#[test]
fn a_class_heading_row_over_the_table_gives_its_class_to_the_rows_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=6).map(|i| valid(&format!("4502022013040520{i}"))).collect();
    let id = |i: usize| Some(ids[i].as_str());

    // One sheet for the whole school, no class column: 「三年级1班」 merged across the table above each class.
    let path = dir.path().join("school.xlsx");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("序号"), Some("姓名"), Some("身份证号")],
        vec![],
        vec![Some("1"), Some("一班生甲"), id(0)],
        vec![Some("2"), Some("一班生乙"), id(1)],
        vec![],
        vec![],
        vec![Some("1"), Some("二班生甲"), id(2)],
        // Written in one cell, not merged.
        vec![Some("三年级（3）班")],
        vec![Some("1"), Some("三班生甲"), id(3)],
    ];
    write_xlsx(&path, "全校名单", &rows, &[(1, 0, 2, "三年级1班"), (5, 0, 2, "三年级2班")]);
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    let mut pupils: Vec<(String, String)> = store
        .students(&StudentFilter::default())
        .unwrap()
        .into_iter()
        .map(|s| (s.name.clone(), s.class_label()))
        .collect();
    pupils.sort();
    let expected =
        [("一班生乙", "三年级1班"), ("一班生甲", "三年级1班"), ("三班生甲", "三年级3班"), ("二班生甲", "三年级2班")];
    assert_eq!(pupils, expected.map(|(n, c)| (n.to_owned(), c.to_owned())), "{report:?}");
    assert_eq!((report.added, report.id_invalid, report.skipped), (4, 0, 3), "{report:?}");
    let said =
        |row: usize| report.problems.iter().find(|p| p.row == Some(row)).map(|p| p.message.as_str()).unwrap_or("");
    assert!(said(2).contains("班级标题行“三年级1班”") && said(2).contains("2 行（第 3 至 4 行）"), "{}", said(2));
    assert!(said(6).contains("班级标题行“三年级2班”") && said(6).contains("1 行（第 7 行）"), "{}", said(6));
    assert!(said(8).contains("班级标题行"), "{}", said(8));
    assert!(!report.problems.iter().any(|p| p.message.contains("没有班级")), "{:?}", report.problems);

    // With a class column, a heading fills only the rows that leave the class empty.
    let path = dir.path().join("with_class.xlsx");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("姓名"), Some("身份证号"), Some("班级")],
        vec![],
        vec![Some("四班生甲"), id(4), Some("三年级5班")],
        vec![Some("四班生乙"), id(5), None],
    ];
    write_xlsx(&path, "Sheet1", &rows, &[(1, 0, 2, "三年级4班")]);
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!((report.added, report.skipped), (2, 1), "{report:?}");
    let class_of = |i: usize| store.student_by_id_number(&ids[i]).unwrap().unwrap().class_label();
    assert_eq!((class_of(4), class_of(5)), ("三年级5班".to_owned(), "三年级4班".to_owned()));
}

/// What tells the synthetic pupils of a test apart in their names: no digit, which no name has.
const NAMED: [&str; 4] = ["甲", "乙", "丙", "丁"];

/// Excel hides a sheet (last year's list) and a row (a pupil who has left): the operator sees neither, so the
/// sheet is not imported and the row is, each said, and the counts can be matched with the screen. A hidden
/// sheet that holds no list (a drop-down's choices) is no list and goes unsaid.
#[test]
fn hidden_sheets_are_left_out_and_hidden_rows_imported_each_said() {
    let dir = tempfile::tempdir().unwrap();
    let pupils: Vec<String> = (1..=4).map(|i| valid(&format!("4502022014030{i}002"))).collect();
    let leavers = [valid("45020220130101003"), valid("45020220130102003")];
    let path = dir.path().join("hidden.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("五年级1班").unwrap();
    sheet.write_row(0, 0, ["姓名", "身份证号码"]).unwrap();
    for (i, id) in pupils.iter().enumerate() {
        sheet.write_row(i as u32 + 1, 0, [format!("在读{}", NAMED[i]), id.clone()]).unwrap();
    }
    sheet.set_row_hidden(4).unwrap(); // Excel's row 5
    let last_year = book.add_worksheet().set_name("去年名单").unwrap().set_hidden(true);
    last_year.write_row(0, 0, ["姓名", "身份证号码", "班级"]).unwrap();
    for (i, id) in leavers.iter().enumerate() {
        last_year.write_row(i as u32 + 1, 0, [format!("毕业生{i}"), id.clone(), "六年级1班".into()]).unwrap();
    }
    let choices = book.add_worksheet().set_name("下拉选项").unwrap().set_very_hidden(true);
    choices.write_column(0, 0, ["一年级", "二年级"]).unwrap();
    book.save(&path).unwrap();

    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第一小学"), false).unwrap();
    assert_eq!((report.added, report.skipped), (4, 0), "{report:?}");
    let said = |sheet: &str, row: Option<usize>, words: &str| {
        report.problems.iter().any(|p| p.sheet == sheet && p.row == row && p.message.contains(words))
    };
    assert!(said("五年级1班", Some(5), "此行在 Excel 中是隐藏的"), "{:?}", report.problems);
    assert!(said("去年名单", None, "工作表“去年名单”在 Excel 中是隐藏的，其中 2 行未导入"), "{:?}", report.problems);
    assert_eq!(report.problems.len(), 2, "the drop-down's sheet is no list: {:?}", report.problems);
    assert!(store.student_by_id_number(&pupils[3]).unwrap().is_some(), "the hidden row's pupil is imported");
    assert!(store.student_by_id_number(&leavers[0]).unwrap().is_none(), "the hidden sheet's are not");

    // The list only in a hidden sheet: refused with how to bring it in, not as a file without a header.
    let only_hidden = dir.path().join("only_hidden.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("说明").unwrap();
    let list = book.add_worksheet().set_name("名单").unwrap().set_hidden(true);
    list.write_row(0, 0, ["姓名", "身份证号码"]).unwrap();
    list.write_row(1, 0, ["甲", leavers[0].as_str()]).unwrap();
    book.save(&only_hidden).unwrap();
    match class_list::import(&mut store, &[only_hidden.as_path()], None, true) {
        Err(ImportError::Read(e @ ReadError::OnlyHidden { .. })) => {
            assert!(e.to_string().contains("隐藏的工作表“名单”") && e.to_string().contains("取消隐藏"), "{e}")
        }
        other => panic!("expected OnlyHidden, got {other:?}"),
    }
}

/// An ODS (LibreOffice's own format) hides rows by hand (`collapse`) and by a filter (`filter`): its pupils are
/// imported and each said at its row, as an XLSX's are.
#[test]
fn an_ods_hidden_rows_are_imported_and_said() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=3).map(|i| valid(&format!("4502022014030{i}002"))).collect();
    let cell =
        |t: &str| format!("<table:table-cell office:value-type=\"string\"><text:p>{t}</text:p></table:table-cell>");
    let row = |visibility: &str, name: &str, id: &str| {
        let phone = if name == "姓名" { "联系电话" } else { "" };
        format!("<table:table-row{visibility}>{}{}{}</table:table-row>", cell(name), cell(id), cell(phone))
    };
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet><table:table table:name=\"五年级1班\">\
         <table:table-column table:number-columns-repeated=\"2\"/>\
         <table:table-column table:visibility=\"collapse\"/>{}{}{}{}\
         </table:table></office:spreadsheet></office:body></office:document-content>",
        row("", "姓名", "身份证号码"),
        row("", "在读甲", &ids[0]),
        row(" table:visibility=\"collapse\"", "在读乙", &ids[1]),
        row(" table:visibility=\"filter\"", "在读丙", &ids[2]),
    );
    let path = dir.path().join("hidden.ods");
    let mut out = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest \
         xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
         <manifest:file-entry manifest:full-path=\"/\" \
         manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
         <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
         </manifest:manifest>";
    for (name, text) in [
        ("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        ("META-INF/manifest.xml", manifest),
        ("content.xml", content.as_str()),
    ] {
        out.start_file(name, stored).unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap();

    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第一小学"), false).unwrap();
    assert_eq!(report.added, 3, "{report:?}");
    // The two rows run on: said once, from the first to the last.
    let rows: Vec<(Option<usize>, Option<usize>)> = report
        .problems
        .iter()
        .filter(|p| p.message.contains("在表格中是隐藏的") && p.message.contains("hidden in the spreadsheet"))
        .map(|p| (p.row, p.last_row))
        .collect();
    assert_eq!(rows, [(Some(3), Some(4))], "{:?}", report.problems);
    // An ODS is no Excel workbook: its notices say the file's own terms, of its hidden column too.
    assert!(
        report.problems.iter().any(|p| p.message.contains("第 C 列“联系电话”在表格中已隐藏")),
        "{:?}",
        report.problems
    );
    assert!(report.problems.iter().all(|p| !p.message.contains("Excel")), "{:?}", report.problems);
}

/// Two 身份证号码 columns, the first (last year's wrong numbers) hidden in Excel: the visible one is read and the
/// hidden one said to be left out; a hidden column no visible column repeats (the phone) is read and said hidden.
#[test]
fn a_visible_column_is_preferred_over_a_hidden_one_of_the_same_header() {
    let dir = tempfile::tempdir().unwrap();
    let old: Vec<String> = (1..=3).map(|i| valid(&format!("4502142014010{i}101"))).collect();
    let new: Vec<String> = (1..=3).map(|i| valid(&format!("4502142014010{i}201"))).collect();
    let path = dir.path().join("hiddencol.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("五年级2班").unwrap();
    sheet.write_row(0, 0, ["姓名", "身份证号码", "身份证号码", "联系电话"]).unwrap();
    for i in 0..3 {
        let row = [format!("隐{}", NAMED[i]), old[i].clone(), new[i].clone(), format!("1390000000{i}")];
        sheet.write_row(i as u32 + 1, 0, row).unwrap();
    }
    sheet.set_column_hidden(1).unwrap();
    sheet.set_column_hidden(3).unwrap();
    book.save(&path).unwrap();

    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第一小学"), false).unwrap();
    assert_eq!((report.added, report.skipped), (3, 0), "{report:?}");
    for i in 0..3 {
        assert!(store.student_by_id_number(&new[i]).unwrap().is_some(), "the visible column's number is read");
        assert!(store.student_by_id_number(&old[i]).unwrap().is_none(), "the hidden column's is not");
    }
    let messages: Vec<&str> = report.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("第 B 列“身份证号码”在 Excel 中已隐藏，未导入")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("第 D 列“联系电话”在 Excel 中已隐藏，仍已导入")), "{messages:?}");
    assert!(!messages.iter().any(|m| m.contains("与前面的列重复")), "{messages:?}");
    assert_eq!(messages.len(), 2, "{messages:?}");
}

/// The tax office's list with last year's 缴费金额 hidden before this year's: reconcile reads the column the
/// operator sees, as the class-list import does, and says each hidden column, the one it read all the same and
/// those it left, never leaving one out unsaid.
#[test]
fn reconcile_prefers_a_visible_column_and_says_the_hidden_ones() {
    use canbao::io::reconcile::{Source, reconcile};
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (valid("45021420140101101"), valid("45021420140102101"));
    let list = dir.path().join("list.csv");
    std::fs::write(&list, format!("姓名,身份证号码,班级\n甲,{a},1班\n乙,{b},1班\n")).unwrap();
    let mut store = store();
    class_list::import(&mut store, &[list.as_path()], Some("第一小学"), false).unwrap();
    let tax = dir.path().join("tax.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("缴费").unwrap();
    sheet.write_row(0, 0, ["纳税人姓名", "证件号码", "缴费金额", "缴费金额", "缴费日期", "开户行"]).unwrap();
    for (i, (name, id)) in [("甲", &a), ("乙", &b)].into_iter().enumerate() {
        sheet.write_row(i as u32 + 1, 0, [name, id.as_str(), "350", "380", "2026-11-20", "农行"]).unwrap();
    }
    // Last year's amounts and the bank, out of sight; the number column hidden too, read as nothing repeats it.
    for column in [1, 2, 5] {
        sheet.set_column_hidden(column).unwrap();
    }
    book.save(&tax).unwrap();
    let report = reconcile(&mut store, &tax, Source::Tax, None, false).unwrap();
    assert_eq!(report.matched, 2, "{report:?}");
    for id in [&a, &b] {
        let paid = store.student_by_id_number(id).unwrap().unwrap().payment_details;
        assert_eq!(paid.amount_fen, Some(38_000), "the visible column's amount: {report:?}");
    }
    let messages: Vec<&str> = report.problems.iter().map(|p| p.message.as_str()).collect();
    let said = |what: &str| messages.iter().filter(|m| m.contains(what)).count();
    assert_eq!(said("第 B 列“证件号码”在 Excel 中已隐藏，仍已用于核对"), 1, "{messages:?}");
    assert_eq!(said("第 C 列“缴费金额”在 Excel 中已隐藏，本次核对未使用"), 1, "{messages:?}");
    assert_eq!(said("第 F 列“开户行”在 Excel 中已隐藏，本次核对未使用"), 1, "{messages:?}");
    assert_eq!(said("column C “缴费金额” is hidden in Excel: not used by this reconciliation"), 1, "{messages:?}");
    // The unused list names only what the operator sees: the hidden columns are said on their own.
    assert!(!messages.iter().any(|m| m.starts_with("以下列本次核对未使用")), "{messages:?}");
}

/// An XLS hides a column as an XLSX does (its COLINFO record): the import and reconcile say it as they say an
/// XLSX's hidden column, the import reading it all the same, where an XLS's hidden columns were read unsaid.
#[test]
fn a_hidden_column_of_an_xls_is_said_by_the_import_and_reconcile() {
    use canbao::io::reconcile::{Source, reconcile};
    let mut bytes = std::fs::read(root().join("tests/fixtures/split_grade_class.xls")).unwrap();
    // The fixture's COLINFO of column F (手机号): first and last column 5, then width, format and flags; set the
    // flag that hides it, as Excel does.
    let colinfo = [0x7D, 0x00, 0x0C, 0x00, 5, 0, 5, 0];
    let at = bytes.windows(colinfo.len()).position(|w| w == colinfo).expect("column F's COLINFO");
    bytes[at + 4 + 8] |= 0x01;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hidden_phone.xls");
    std::fs::write(&path, &bytes).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第一小学"), false).unwrap();
    let said: Vec<_> = report.problems.iter().filter(|p| p.message.contains("在 Excel 中已隐藏")).collect();
    assert_eq!(said.len(), 1, "{:?}", report.problems);
    assert!(said[0].message.starts_with("第 F 列“手机号”在 Excel 中已隐藏，仍已导入"), "{said:?}");
    assert_eq!((said[0].row, said[0].column.as_str()), (Some(1), "手机号"));
    let phones = store.students(&StudentFilter::default()).unwrap();
    assert!(phones.iter().all(|s| !s.phone.is_empty()), "the hidden phones imported all the same");
    let report = reconcile(&mut store, &path, Source::Categories, None, true).unwrap();
    let said: Vec<_> = report.problems.iter().filter(|p| p.message.contains("在 Excel 中已隐藏")).collect();
    assert_eq!(said.len(), 1, "{:?}", report.problems);
    assert!(said[0].message.starts_with("第 F 列“手机号”在 Excel 中已隐藏，本次核对未使用"), "{said:?}");
}

/// A workbook with nothing in it is said to be empty, as an empty CSV is, not to lack a header row.
#[test]
fn an_empty_workbook_is_said_to_be_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet();
    book.add_worksheet();
    book.save(&path).unwrap();
    let mut store = store();
    match class_list::import(&mut store, &[path.as_path()], None, true) {
        Err(ImportError::Read(e @ ReadError::Empty { .. })) => assert!(e.to_string().contains("是空的"), "{e}"),
        other => panic!("expected Empty, got {other:?}"),
    }
}

/// Row numbers of a CSV are the rows Excel shows: an empty line (as Excel's "save as CSV" writes an empty row,
/// or `csv.writer.writerow([])`) is a row, and a quoted cell holding a line break is one row, not two. Reports
/// and each pupil's source point at the row the operator finds.
#[test]
fn csv_rows_count_empty_lines_as_excel_does() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (valid("45020220150101121"), valid("45020220150101131"), valid("45020220150101141"));
    let list = dir.path().join("一班.csv");
    let text = format!(
        "\u{feff}一年级1班名单\r\n\r\n姓名,身份证号码,班级,备注\r\n赵六,{a},一年级1班,\"转入\r\n待核实\"\r\n\
         钱八,{b},一年级1班,\r\n\r\n孙九,{c},一年级1班,\r\n合计,3人,,\r\n"
    );
    std::fs::write(&list, text).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[list.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!(report.added, 3, "{report:?}");
    // Excel: 1 title, 2 empty, 3 header, 4 赵六 (two lines in one cell), 5 钱八, 6 empty, 7 孙九, 8 合计.
    assert!(report.problems.iter().any(|p| p.row == Some(8) && p.message.contains("表尾")), "{:?}", report.problems);
    let source = |id: &str| store.student_by_id_number(id).unwrap().expect("pupil").source;
    let rows: Vec<String> = [&a, &b, &c].iter().map(|id| source(id)).collect();
    assert!(rows.iter().all(|r| r.contains("一班.csv:")), "{rows:?}");
    let rows: Vec<&str> = rows.iter().filter_map(|r| r.rsplit_once(':')).map(|(_, row)| row).collect();
    assert_eq!(rows, ["4", "5", "7"]);
}

/// The same workbook with its sheet's formulas left without a result, as a program that writes formulas without
/// computing them (openpyxl, a school system's export) saves it: `<f>…</f>` and no `<v>`.
fn without_formula_results(bytes: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let mut stripped = 0;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut text = Vec::new();
        entry.read_to_end(&mut text).unwrap();
        if name.starts_with("xl/worksheets/") {
            let mut xml = String::from_utf8(text).unwrap();
            while let Some(at) = xml.find("</f><v>") {
                let end = at + xml[at..].find("</v>").unwrap() + "</v>".len();
                xml.replace_range(at + "</f>".len()..end, "");
                stripped += 1;
            }
            text = xml.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&text).unwrap();
    }
    assert!(stripped > 0, "the workbook had formula results to take out");
    out.finish().unwrap().into_inner()
}

/// A formula whose result the file does not hold is read as nothing; the row is kept (a pupil is never dropped
/// unseen) and the cell is said with its sheet, row and column, in Chinese and English, with what to do.
#[test]
fn a_formula_without_a_saved_result_is_said_with_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (valid("45020220150101121"), valid("45020220150101131"), valid("45020220150101141"));
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("三年级1班").unwrap();
    sheet.write_row(0, 0, ["姓名", "身份证号码"]).unwrap();
    sheet.write_formula(1, 0, r#"="张"&"三""#).unwrap();
    sheet.write_string(1, 1, &a).unwrap();
    sheet.write_string(2, 0, "李四").unwrap();
    sheet.write_formula(2, 1, format!(r#"="{b}""#).as_str()).unwrap();
    sheet.write_row(3, 0, ["王五", c.as_str()]).unwrap();
    let path = dir.path().join("formulas.xlsx");
    std::fs::write(&path, without_formula_results(&book.save_to_buffer().unwrap())).unwrap();

    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第一小学"), false).unwrap();
    assert_eq!((report.rows_read, report.added), (3, 3), "every row kept: {report:?}");
    let formula_at = |row: usize, column: &str| {
        report.problems.iter().any(|p| {
            p.sheet == "三年级1班"
                && p.row == Some(row)
                && p.column == column
                && p.file.ends_with("formulas.xlsx")
                && p.message.contains("公式")
                && p.message.contains("formula")
        })
    };
    assert!(formula_at(2, "姓名"), "{:?}", report.problems);
    assert!(formula_at(3, "身份证号码"), "{:?}", report.problems);
    assert!(!report.problems.iter().any(|p| p.row == Some(4)), "{:?}", report.problems);
    let li = store.students(&StudentFilter::default()).unwrap().into_iter().find(|s| s.name == "李四").unwrap();
    assert!(!li.id_valid(), "the number the file does not hold is flagged, not made up");
}

/// A row whose only cell is a formula without a saved result is said by that formula, not by an empty text
/// after the colon.
#[test]
fn a_row_of_only_a_formula_without_a_result_says_what_it_held() {
    let dir = tempfile::tempdir().unwrap();
    let a = valid("45020220150101121");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("三年级1班").unwrap();
    sheet.write_row(0, 0, ["姓名", "身份证号码", "联系电话"]).unwrap();
    sheet.write_row(1, 0, ["张三", a.as_str(), "13900000000"]).unwrap();
    sheet.write_formula(2, 2, "=C2").unwrap();
    let path = dir.path().join("formula_row.xlsx");
    std::fs::write(&path, without_formula_results(&book.save_to_buffer().unwrap())).unwrap();

    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第一小学"), false).unwrap();
    let line =
        report.problems.iter().find(|p| p.message.contains("此行没有姓名和身份证号码")).expect("the row is said");
    assert!(line.message.contains("未导入：公式“=C2”（无计算结果）"), "{}", line.message);
    assert!(line.message.contains("row not imported: a formula “=C2” with no result"), "{}", line.message);
}

/// 出生日期 is checked against the birth date in the ID number (the number decides), and 备注 is kept as the
/// pupil's note, never erasing one the operator wrote.
#[test]
fn birth_dates_are_checked_against_the_id_number_and_notes_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (valid("45020220130405121"), valid("45020220130406131"), valid("45020220130407141"));
    let list = dir.path().join("births.csv");
    std::fs::write(
        &list,
        format!(
            "姓名,身份证号码,出生日期,备注\n甲,{a},2013-04-05,\n乙,{b},2013.5.6,随迁子女\n丙,{c},2013年4月7日,\n\
             丁,{},201304,\n",
            valid("45020220130408151")
        ),
    )
    .unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[list.as_path()], Some("第一小学"), false).unwrap();
    assert_eq!(report.added, 4, "{report:?}");
    let births: Vec<_> = report.problems.iter().filter(|p| p.column == "出生日期").collect();
    assert_eq!(births.len(), 1, "only 乙's date differs from the number's: {births:?}");
    assert_eq!(births[0].row, Some(3));
    assert!(births[0].file.ends_with("births.csv"));
    assert!(births[0].message.contains("2013-04-06") && births[0].message.contains("ID number"), "{births:?}");
    let note_of = |store: &Store, id: &str| store.student_by_id_number(id).unwrap().unwrap().note;
    assert_eq!(note_of(&store, &b), "随迁子女");
    assert_eq!(note_of(&store, &a), "");
    // Imported again the list changes nothing; a note the operator wrote stays beside the list's.
    let again = class_list::import(&mut store, &[list.as_path()], Some("第一小学"), false).unwrap();
    assert_eq!((again.added, again.updated), (0, 0), "{again:?}");
    let pupil = store.student_by_id_number(&b).unwrap().unwrap();
    store
        .apply_change("mark", pupil.id, vec![canbao::store::Change::Note("家长周五来".into())], Default::default())
        .unwrap();
    class_list::import(&mut store, &[list.as_path()], Some("第一小学"), false).unwrap();
    let note = note_of(&store, &b);
    assert!(note.contains("家长周五来") && note.contains("随迁子女"), "{note}");
}

/// An old 15-digit number is valid and held as the 18 characters it converts to, but it was given to someone born in
/// the 1900s (19 inserted before the year), so it is not the pupil's number: the report says so at the row, in both
/// languages, with the date it gives and the 18-character number to put in its place, and the pupil is held as an
/// old number, which the forms remark on. A repeat of the row says only that it is a repeat.
#[test]
fn an_old_fifteen_digit_number_is_said_at_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("old.csv");
    let other = valid("45020220180307121");
    std::fs::write(
        &list,
        format!("姓名,身份证号码,班级\n张三,450203180307012,1班\n李四,{other},1班\n张三,450203180307012,1班\n"),
    )
    .unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[list.as_path()], Some("第一小学"), false).unwrap();
    // Counted in 身份证号有问题 as the dashboard and `canbao stats` count the pupil it gives: to be verified.
    assert_eq!((report.added, report.duplicates, report.id_invalid), (2, 1, 1), "{report:?}");
    let said: Vec<_> = report.problems.iter().filter(|p| p.message.contains("15位旧身份证号")).collect();
    assert_eq!(said.len(), 1, "{:?}", report.problems);
    let old = said[0];
    assert!(old.file.ends_with("old.csv"), "{old:?}");
    assert_eq!((old.row, old.column.as_str()), (Some(2), "身份证号码"));
    assert!(old.message.contains("1918-03-07") && old.message.contains("old 15-digit ID number"), "{old:?}");
    assert!(
        old.message.contains("户口簿上的 18 位身份证号码") && old.message.contains("in place of this one"),
        "{old:?}"
    );
    let pupil = store.student_by_id_number("450203191803070124").unwrap().expect("held converted");
    assert_eq!(pupil.id_kind, Some(canbao::domain::id_number::IdKind::ResidentConverted));
    assert_eq!(
        canbao::domain::id_number::form_remark(pupil.id_problem.as_deref(), pupil.id_kind),
        Some(canbao::domain::id_number::OLD_NUMBER_REMARK)
    );
}

/// A birth date a sheet holds as an Excel day number, its column not formatted as dates (41369 for 2013-04-05), is
/// that date to the import, in the workbook's number cell and in a CSV saved from it, as a payment date written so
/// is to reconcile: checked against the ID number and said only where it differs, with the date it reads as.
#[test]
fn an_excel_day_number_is_a_date_to_the_import_and_to_reconcile() {
    use canbao::io::reconcile::{Source, reconcile};
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (valid("45020220130405121"), valid("45020220130405131"));
    let book_path = dir.path().join("births.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_row(0, 0, ["姓名", "身份证号码", "出生日期"]).unwrap();
    sheet.write_row(1, 0, ["甲", a.as_str()]).unwrap();
    sheet.write_number(1, 2, 41_369.0).unwrap();
    sheet.write_row(2, 0, ["乙", b.as_str()]).unwrap();
    sheet.write_number(2, 2, 41_370.0).unwrap();
    book.save(&book_path).unwrap();
    let csv = dir.path().join("births.csv");
    std::fs::write(&csv, format!("姓名,身份证号码,出生日期\n甲,{a},41369\n乙,{b},41370\n")).unwrap();
    for list in [&book_path, &csv] {
        let mut store = store();
        let report = class_list::import(&mut store, &[list.as_path()], Some("第一小学"), false).unwrap();
        let births: Vec<_> = report.problems.iter().filter(|p| p.column == "出生日期").collect();
        assert_eq!(births.len(), 1, "{list:?}: only 乙's day differs: {births:?}");
        assert_eq!(births[0].row, Some(3));
        let message = &births[0].message;
        assert!(
            message.contains("41370") && message.contains("2013-04-06") && message.contains("2013-04-05"),
            "{message}"
        );
        assert!(!message.contains("不是可识别的日期"), "{message}");
    }
    // The tax office's list saved to CSV from such a sheet: the day number is the payment's date.
    let mut store = store();
    class_list::import(&mut store, &[csv.as_path()], Some("第一小学"), false).unwrap();
    let tax = dir.path().join("tax.csv");
    std::fs::write(&tax, format!("纳税人姓名,证件号码,缴费金额,缴费日期\n甲,{a},350,46346\n")).unwrap();
    let report = reconcile(&mut store, &tax, Source::Tax, None, false).unwrap();
    assert_eq!(report.matched, 1, "{report:?}");
    let paid = store.student_by_id_number(&a).unwrap().unwrap().payment_details;
    assert_eq!(paid.paid_on, chrono::NaiveDate::from_ymd_opt(2026, 11, 20), "{report:?}");
}

/// Teachers stack classes on one sheet: a sub-title in one cell (「三年级2班名单」) above the header repeated for
/// the next class. It is a title, not a pupil: skipped and said, and the class of the rows under it when the
/// table has no class column. A one-cell title that names no class (「补录学生名册」) is skipped and said too.
#[test]
fn a_sub_title_between_stacked_tables_is_no_pupil() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=6).map(|i| valid(&format!("4502022013040530{i}"))).collect();
    let id = |i: usize| Some(ids[i].as_str());
    let path = dir.path().join("多表.xlsx");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("三年级1班名单")],
        vec![Some("姓名"), Some("身份证号码"), Some("班级")],
        vec![Some("一班生甲"), id(0), Some("三年级1班")],
        vec![Some("一班生乙"), id(1), Some("三年级1班")],
        vec![],
        vec![Some("三年级2班名单")], // row 6
        vec![Some("姓名"), Some("身份证号码"), Some("班级")],
        vec![Some("二班生甲"), id(2), Some("三年级2班")],
        vec![Some("补录学生名册")], // row 9
        vec![Some("二班生乙"), id(3), Some("三年级2班")],
    ];
    write_xlsx(&path, "全年级", &rows, &[]);
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    let mut names: Vec<String> =
        store.students(&StudentFilter::default()).unwrap().into_iter().map(|s| s.name).collect();
    names.sort();
    assert_eq!(names, ["一班生乙", "一班生甲", "二班生乙", "二班生甲"], "{report:?}");
    assert_eq!((report.added, report.id_invalid, report.skipped), (4, 0, 3), "{report:?}");
    let said = |row: usize| -> Vec<&str> {
        report.problems.iter().filter(|p| p.row == Some(row)).map(|p| p.message.as_str()).collect()
    };
    assert!(said(6).iter().any(|m| m.contains("“三年级2班名单”") && m.contains("不是学生")), "{:?}", said(6));
    assert!(said(9).iter().any(|m| m.contains("“补录学生名册”") && m.contains("不是学生")), "{:?}", said(9));
    assert!(!report.problems.iter().any(|p| p.message.contains("班级为空")), "{:?}", report.problems);

    // Without a class column, the sub-title is the class of the rows under it.
    let path = dir.path().join("无班级列.xlsx");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("姓名"), Some("身份证号码")],
        vec![Some("三年级4班名单")],
        vec![Some("四班生甲"), id(4)],
        vec![Some("三年级5班名单")],
        vec![Some("姓名"), Some("身份证号码")],
        vec![Some("五班生甲"), id(5)],
    ];
    write_xlsx(&path, "全年级", &rows, &[]);
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!((report.added, report.skipped), (2, 3), "{report:?}");
    let class_of = |i: usize| store.student_by_id_number(&ids[i]).unwrap().unwrap().class_label();
    assert_eq!((class_of(4), class_of(5)), ("三年级4班".to_owned(), "三年级5班".to_owned()));
}

/// A name cell with a line break or brackets (「姚静\n(小名)」) is not a legal name as the agencies match it: the
/// pupil is imported, and the row said for the operator to correct. A digit is left alone (王2 may be how a
/// teacher tells two 王 apart).
#[test]
fn a_name_with_a_line_break_or_brackets_is_said_at_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=4).map(|i| valid(&format!("4502022013040540{i}"))).collect();
    let path = dir.path().join("乱.csv");
    std::fs::write(
        &path,
        format!(
            "学生名单\n\n\"姓 名\",\"身份证号（必填）\",\"班 级\",\"备注\"\n\"姚静\n(小名)\",{},一年级1班,\n李强（哥哥）,{},一年级1班,\n王2,{},一年级1班,\n张伟,{},一年级1班,\n",
            ids[0], ids[1], ids[2], ids[3]
        ),
    )
    .unwrap();
    let mut store = store();
    for dry_run in [true, false] {
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), dry_run).unwrap();
        let odd: Vec<(Option<usize>, &str)> = report
            .problems
            .iter()
            .filter(|p| p.message.contains("姓名中有"))
            .map(|p| (p.row, p.column.as_str()))
            .collect();
        assert_eq!(odd, [(Some(4), "姓 名"), (Some(5), "姓 名")], "{report:?}");
        let first = report.problems.iter().find(|p| p.row == Some(4) && p.message.contains("姓名中有")).unwrap();
        assert!(first.message.contains("换行") && first.message.contains("请核对"), "{}", first.message);
        assert_eq!(report.added + report.unchanged, 4, "{report:?}");
    }
    assert!(store.student_by_id_number(&ids[0]).unwrap().is_some());
}

/// A program writing numbers with 16 significant digits (openpyxl, pandas: `4.502032016070275e+17`) rounds an ID
/// typed as a number once more before Excel shows it at 15: the class list holds …028000 for …027459. The import
/// keeps the cell's double at 15 digits, as Excel shows it, and the tax list's exact number still finds the pupil
/// by that rounding.
#[test]
fn an_id_rounded_through_sixteen_digits_is_found_by_the_tax_list() {
    use canbao::io::reconcile::{Source, reconcile};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("三年级名单.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["姓名", "身份证号码", "班级"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    // 450203201607027459 as openpyxl writes it: the double nearest to 4.502032016070275e17.
    let written: f64 = "4.502032016070275e+17".parse().unwrap();
    sheet.write_string(1, 0, "文涛").unwrap();
    sheet.write_number(1, 1, written).unwrap();
    sheet.write_string(1, 2, "三年级1班").unwrap();
    book.save(&path).unwrap();
    let mut store = store();
    class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    let pupil = store.students(&StudentFilter::default()).unwrap().pop().unwrap();
    // Excel shows that double as 4.50203201607028E+17.
    assert_eq!((pupil.id_number.as_str(), pupil.id_problem.as_deref()), ("450203201607028000", Some("precision_lost")));
    let tax = dir.path().join("tax.csv");
    std::fs::write(
        &tax,
        "纳税人姓名,证件号码,缴费金额,缴费日期,缴费渠道\n文涛,450203201607027459,350,2026-11-20,微信\n",
    )
    .unwrap();
    let report = reconcile(&mut store, &tax, Source::Tax, None, true).unwrap();
    assert_eq!(report.rounded_matches.len(), 1, "{report:?}");
    assert_eq!(report.rounded_matches[0].stored, "450203201607028000");
}

/// A class list whose number cells hold `texts` as a script writes them (`<v>450205201603057004</v>`), one pupil
/// a row (name, that cell, 三年级1班): the cells are written as numbers, and their texts put in the sheet's XML.
fn xlsx_with_number_texts(path: &Path, pupils: &[(&str, &str)]) {
    use std::io::{Read, Write};
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_row(0, 0, ["姓名", "身份证号码", "班级"]).unwrap();
    for (i, (name, _)) in pupils.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, *name).unwrap();
        sheet.write_number(row, 1, f64::from(9000 + row)).unwrap();
        sheet.write_string(row, 2, "三年级1班").unwrap();
    }
    let bytes = book.save_to_buffer().unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let name = entry.name().unwrap().into_owned();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let mut xml = String::from_utf8(content).unwrap();
            for (i, (_, text)) in pupils.iter().enumerate() {
                let placeholder = format!("<v>{}</v>", 9001 + i);
                assert!(xml.contains(&placeholder), "{xml}");
                xml = xml.replace(&placeholder, &format!("<v>{text}</v>"));
            }
            content = xml.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&content).unwrap();
    }
    std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

/// A number cell a script wrote with all 18 digits of an ID holds the whole number: the pupil is imported with
/// it, valid, and nobody is asked to check it. What a spreadsheet really writes of an ID typed as a number (15
/// digits then zeros, or Excel's own `4.50205201603057E+17`) is still flagged as rounded, with its row said.
#[test]
fn a_number_cell_holding_all_the_digits_of_an_id_is_the_whole_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("三年级.xlsx");
    let whole = valid("45020520160305700");
    assert_eq!(whole, "450205201603057004");
    let pupils = [("韦一", whole.as_str()), ("韦二", "450205201603057000"), ("韦三", "4.50205201603057E+17")];
    xlsx_with_number_texts(&path, &pupils);
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!((report.added, report.id_invalid), (3, 2), "{report:?}");
    let held = |name: &str| {
        let pupils = store.students(&StudentFilter::default()).unwrap();
        let pupil = pupils.into_iter().find(|p| p.name == name).unwrap();
        (pupil.id_number, pupil.id_problem)
    };
    assert_eq!(held("韦一"), (whole.clone(), None));
    assert_eq!(held("韦二"), ("450205201603057000".to_owned(), Some("precision_lost".to_owned())));
    assert_eq!(held("韦三"), ("450205201603057000".to_owned(), Some("precision_lost".to_owned())));
    // The two rounded rows are said together; the whole number's row is not said at all.
    let said: Vec<_> = report.problems.iter().map(|p| (p.row, p.rows)).collect();
    assert_eq!(said, [(Some(3), Some(2))], "{:?}", report.problems);
    assert_eq!(store.student_by_id_number(&whole).unwrap().map(|p| p.name), Some("韦一".to_owned()));
}

/// A list saved again through a spreadsheet writes the flagged numbers it held another way (a 17-digit number as
/// 4.50102201510081E+016, 4.50102E+17 as 4.50E+17): each row is the pupil of its name and class held already, said
/// as such, never a second child; the whole numbers a later list gives then correct those pupils.
#[test]
fn a_flagged_number_written_another_way_is_the_pupil_of_the_name_and_class_held_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let (first, again, whole) = (dir.path().join("a.csv"), dir.path().join("b.csv"), dir.path().join("c.csv"));
    let (short, shown) = (valid("45010220151008117"), valid("45010220160101234"));
    let kept = valid("45010220151009123");
    std::fs::write(
        &first,
        format!("姓名,身份证号码,班级\n吴梓诗,45010220151008117,一年级1班\n吴一可,4.50102E+17,一年级1班\n张三,{kept},一年级1班\n"),
    )
    .unwrap();
    std::fs::write(
        &again,
        "姓名,身份证号码,班级\n吴梓诗,4.50102201510081E+016,一年级1班\n吴一可,4.50E+17,一年级1班\n张三,4.50E+17,一年级1班\n",
    )
    .unwrap();
    let mut store = store();
    class_list::import(&mut store, &[first.as_path()], Some("测试小学"), false).unwrap();
    let report = class_list::import(&mut store, &[again.as_path()], Some("测试小学"), false).unwrap();
    assert_eq!((report.added, report.unchanged), (0, 3), "{:?}", report.problems);
    assert_eq!(store.students(&StudentFilter::default()).unwrap().len(), 3);
    for row in [2, 3, 4] {
        let said: Vec<_> = report.problems.iter().filter(|p| p.row == Some(row)).map(|p| &p.message).collect();
        assert!(said.iter().any(|m| m.contains("未新增")), "row {row}: {said:?}");
        assert!(!said.iter().any(|m| m.contains("已导入并标记")), "row {row}: {said:?}");
    }

    std::fs::write(&whole, format!("姓名,身份证号码,班级\n吴梓诗,{short},一年级1班\n吴一可,{shown},一年级1班\n"))
        .unwrap();
    let report = class_list::import(&mut store, &[whole.as_path()], Some("测试小学"), false).unwrap();
    assert_eq!((report.added, report.updated), (0, 2), "{:?}", report.problems);
    let pupils = store.students(&StudentFilter::default()).unwrap();
    let mut held: Vec<_> =
        pupils.iter().map(|p| (p.name.as_str(), p.id_number.as_str(), p.id_problem.is_none())).collect();
    held.sort();
    assert_eq!(
        held,
        [("吴一可", shown.as_str(), true), ("吴梓诗", short.as_str(), true), ("张三", kept.as_str(), true)]
    );
}

/// One import of rows giving one pupil's flagged number written two ways (45010220151008117 and
/// 4.50102201510081E+016, 4.50102E+17 and 4.50E+17), in one file or two, makes one pupil of each name and class,
/// as two imports do: never a second child.
#[test]
fn one_import_of_a_flagged_number_written_two_ways_makes_one_pupil() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, one) = (dir.path().join("a.csv"), dir.path().join("b.csv"), dir.path().join("one.csv"));
    std::fs::write(&a, "姓名,身份证号码,班级\n李四,45010220151008117,四年级1班\n黄五,4.50102E+17,四年级1班\n").unwrap();
    std::fs::write(&b, "姓名,身份证号码,班级\n李四,4.50102201510081E+016,四年级1班\n黄五,4.50E+17,四年级1班\n")
        .unwrap();
    std::fs::write(
        &one,
        "姓名,身份证号码,班级\n李四,45010220151008117,四年级1班\n李四,4.50102201510081E+016,四年级1班\n\
         王二,4.50102201510081E+016,四年级2班\n",
    )
    .unwrap();
    let (mut store, mut fresh) = (store(), store());
    let report = class_list::import(&mut store, &[a.as_path(), b.as_path()], Some("测试小学"), false).unwrap();
    assert_eq!((report.added, report.duplicates), (2, 2), "{:?}", report.problems);
    assert!(report.problems.iter().any(|p| p.message.contains("可能是同一号码被表格改写")), "{:?}", report.problems);

    let report = class_list::import(&mut fresh, &[one.as_path()], Some("测试小学"), false).unwrap();
    // Another class's pupil of another name is another child.
    assert_eq!((report.added, report.duplicates), (2, 1), "{:?}", report.problems);
}

/// A number a spreadsheet rounded (4.50102E+17, 4.50102201510081E+016) or cut to 17 digits names nobody by itself:
/// two pupils of one name in two classes given it are two pupils, each imported and flagged, in one import (one
/// file, into an empty drive or one holding pupils) as in two; a pupil held with it stays in the class held.
#[test]
fn a_rounded_number_in_another_class_is_another_pupil_never_a_class_move() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.csv");
    std::fs::write(&other, format!("姓名,身份证号码,班级\n周十,{},一年级1班\n", valid("45020220150101151"))).unwrap();
    for number in ["4.50102E+17", "4.50102201510081E+016", "45010220151008117"] {
        let (one, first, second) =
            (dir.path().join("one.csv"), dir.path().join("first.csv"), dir.path().join("second.csv"));
        std::fs::write(&one, format!("姓名,身份证号码,班级\n黄五,{number},四年级1班\n黄五,{number},四年级2班\n"))
            .unwrap();
        std::fs::write(&first, format!("姓名,身份证号码,班级\n黄五,{number},四年级1班\n")).unwrap();
        std::fs::write(&second, format!("姓名,身份证号码,班级\n黄五,{number},四年级2班\n")).unwrap();
        let classes = |s: &Store| {
            let pupils = s.students(&StudentFilter::default()).unwrap();
            let mut held: Vec<(String, bool)> =
                pupils.iter().filter(|p| p.name == "黄五").map(|p| (p.class_label(), p.id_problem.is_some())).collect();
            held.sort();
            held
        };
        let two = [("四年级1班".to_owned(), true), ("四年级2班".to_owned(), true)];
        for holding in [false, true] {
            let prepare = |s: &mut Store| {
                if holding {
                    class_list::import(s, &[other.as_path()], Some("测试小学"), false).unwrap();
                }
            };
            let report = imported_either_way(&prepare, &[one.as_path()], Some("测试小学"));
            assert_eq!((report.added, report.duplicates), (2, 0), "{number}: {:?}", report.problems);
            assert_eq!(report.id_invalid, 2, "{number}: each flagged: {:?}", report.problems);
            let mut s = store();
            prepare(&mut s);
            class_list::import(&mut s, &[one.as_path()], Some("测试小学"), false).unwrap();
            assert_eq!(classes(&s), two, "{number}, holding {holding}");
        }
        let mut s = store();
        class_list::import(&mut s, &[first.as_path()], Some("测试小学"), false).unwrap();
        let report = class_list::import(&mut s, &[second.as_path()], Some("测试小学"), false).unwrap();
        assert_eq!((report.added, report.updated), (1, 0), "{number}: {:?}", report.problems);
        assert_eq!(classes(&s), two, "{number}: the pupil held stays in 四年级1班");
    }
}

/// A later row of one import repeating a pupil whose number is flagged (the same flagged number, or one written
/// another way), or paired with the earlier row by a spreadsheet's rounding of a whole number, gives the pupil the
/// phone the earlier row lacked and says so, as a plain repeat of a valid number does: never said as not taken.
#[test]
fn a_repeat_of_a_flagged_or_rounded_number_gives_the_phone_the_first_row_lacked() {
    let dir = tempfile::tempdir().unwrap();
    let (whole, rounds, typo) = (valid("45020220160606123"), valid("45020220160707456"), valid("45020220160808789"));
    let rounded = |n: &str| format!("{}.{}E+17", &n[..1], &n[1..15]);
    let mut mistyped = typo.clone();
    mistyped.replace_range(17.., if typo.ends_with('1') { "2" } else { "1" });
    // (name, the first row's number, the later row's)
    let pupils = [
        ("黄五", "4.50102E+17".to_owned(), "4.50102E+17".to_owned()),
        ("李四", mistyped.clone(), mistyped.clone()),
        ("吴梓诗", "45010220151008117".to_owned(), "4.50102201510081E+016".to_owned()),
        ("张伟", whole.clone(), rounded(&whole)),
        ("王芳", rounded(&rounds), rounds.clone()),
    ];
    let list = dir.path().join("list.csv");
    let mut text = String::from("姓名,身份证号码,班级,联系电话\n");
    for (name, first, _) in &pupils {
        text.push_str(&format!("{name},{first},四年级1班,\n"));
    }
    for (i, (name, _, later)) in pupils.iter().enumerate() {
        text.push_str(&format!("{name},{later},四年级1班,1310000000{i}\n"));
    }
    std::fs::write(&list, text).unwrap();
    let other = dir.path().join("other.csv");
    std::fs::write(&other, format!("姓名,身份证号码,班级\n周十,{},一年级1班\n", valid("45020220150101151"))).unwrap();
    for holding in [false, true] {
        let prepare = |s: &mut Store| {
            if holding {
                class_list::import(s, &[other.as_path()], Some("测试小学"), false).unwrap();
            }
        };
        let report = imported_either_way(&prepare, &[list.as_path()], Some("测试小学"));
        assert_eq!((report.added, report.duplicates), (5, 5), "{:?}", report.problems);
        for (i, (name, ..)) in pupils.iter().enumerate() {
            let row = pupils.len() + 2 + i;
            let said: Vec<&str> =
                report.problems.iter().filter(|p| p.row == Some(row)).map(|p| p.message.as_str()).collect();
            let phone = format!("1310000000{i}");
            assert!(said.iter().any(|m| m.contains(&phone) && m.contains("已补入")), "{name}: {said:?}");
            assert!(!said.iter().any(|m| m.contains("未导入") || m.contains("not taken")), "{name}: {said:?}");
        }
        let mut s = store();
        prepare(&mut s);
        class_list::import(&mut s, &[list.as_path()], Some("测试小学"), false).unwrap();
        let held = s.students(&StudentFilter::default()).unwrap();
        for (i, (name, ..)) in pupils.iter().enumerate() {
            let found: Vec<_> = held.iter().filter(|p| p.name == *name).collect();
            assert_eq!(found.len(), 1, "{name}: {found:?}");
            assert_eq!(found[0].phone, format!("1310000000{i}"), "{name}, holding {holding}");
        }
    }
}

/// A later row repeating a pupil's number with its name left empty is said once, as what it is: a repeat not
/// imported, whose name is empty; never also as a pupil imported and flagged for the empty name.
#[test]
fn a_repeated_row_without_a_name_is_said_once_as_a_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.csv");
    let a = valid("45020220150101121");
    std::fs::write(&list, format!("姓名,身份证号码,班级\n赵六,{a},1班\n,{a},1班\n")).unwrap();
    let report = imported_either_way(&|_: &mut Store| {}, &[list.as_path()], Some("第二小学"));
    assert_eq!((report.added, report.duplicates), (1, 1), "{:?}", report.problems);
    let said: Vec<&str> = report.problems.iter().filter(|p| p.row == Some(3)).map(|p| p.message.as_str()).collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("姓名为空") && said[0].contains("重复") && !said[0].contains("已导入并标记"), "{said:?}");
}

/// A row whose 姓名 and 身份证号码 cells are swapped (a valid number where the name goes, the name where the number
/// goes) is the pupil, imported with the two put right and said at its row; one whose name cell holds the number
/// and ID cell nothing is imported with the number. Before, both were dropped as holding no name and no number.
#[test]
fn a_row_with_its_name_and_number_swapped_is_imported_put_right_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("三年级2班.csv");
    let (swapped, alone) = (valid("45010320170505507"), valid("45010320170606608"));
    std::fs::write(
        &path,
        format!(
            "姓名,身份证号码,班级\n正常生,{},三年级2班\n{swapped},甲八,三年级2班\n{alone},,三年级2班\n",
            valid("45010320170505505")
        ),
    )
    .unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("测试小学"), false).unwrap();
    assert_eq!((report.added, report.skipped), (3, 0), "{:?}", report.problems);
    let held = store.student_by_id_number(&swapped).unwrap().map(|p| p.name);
    assert_eq!(held.as_deref(), Some("甲八"));
    assert!(store.student_by_id_number(&alone).unwrap().is_some());
    let said: Vec<_> = report.problems.iter().filter(|p| p.row == Some(3)).map(|p| p.message.as_str()).collect();
    assert!(said.iter().any(|m| m.contains("填反")), "{said:?}");
    assert!(!report.problems.iter().any(|p| p.message.contains("没有姓名和身份证号码")), "{:?}", report.problems);
}

/// A name cell holding an ID number that fails the check, or one a spreadsheet rounded, beside a name in the ID
/// number cell is the two swapped: imported put right and flagged as any such number. A name cell holding the
/// number the ID number cell holds too is never stored as the pupil's name: the row is imported without one and
/// said. No row with both cells filled is said to hold neither.
#[test]
fn a_name_cell_holding_any_id_number_is_never_a_name_and_a_swap_is_put_right() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("五年级1班.csv");
    let good = valid("45010220130505805");
    let mut bad = good.clone();
    bad.replace_range(17.., if bad.ends_with('1') { "2" } else { "1" });
    std::fs::write(
        &path,
        format!(
            "姓名,身份证号码,班级\n{bad},丙三,五年级1班\n4.50102201303038E+17,丁三,五年级1班\n{good},{good},五年级1班\n"
        ),
    )
    .unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("测试小学"), false).unwrap();
    assert!(!report.problems.iter().any(|p| p.message.contains("没有姓名和身份证号码")), "{:?}", report.problems);
    assert_eq!(report.added, 3, "{:?}", report.problems);
    let pupils = store.students(&StudentFilter::default()).unwrap();
    let mut names: Vec<_> = pupils.iter().map(|p| (p.name.as_str(), p.id_problem.is_some())).collect();
    names.sort();
    assert_eq!(names, [("", false), ("丁三", true), ("丙三", true)], "{:?}", report.problems);
    for row in [2, 3] {
        let said: Vec<_> = report.problems.iter().filter(|p| p.row == Some(row)).map(|p| &p.message).collect();
        assert!(said.iter().any(|m| m.contains("填反")), "row {row}: {said:?}");
    }
    let said: Vec<_> = report.problems.iter().filter(|p| p.row == Some(4)).map(|p| &p.message).collect();
    assert!(said.iter().any(|m| m.contains("姓名栏填的是身份证号码")), "{said:?}");
}

/// A CSV column of numbers a spreadsheet rounded (15 digits, then 000) holds some whose check digit holds by
/// chance: such a number is flagged as its neighbours are, not stored as a whole number, and the children sharing
/// it are each imported, not left out as one number of two names. A list of whole numbers with one ending in 000
/// keeps it valid.
#[test]
fn a_rounded_csv_column_flags_the_numbers_whose_check_digit_holds_by_chance() {
    let chance = valid("45020220120301200");
    assert_eq!(chance, "450202201203012000");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("六年级5班.csv");
    let mut csv = String::from("姓名,身份证号码,班级\n");
    let names = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸", "子", "丑"];
    for (k, name) in names.iter().enumerate() {
        let id = match k {
            0..3 => chance.clone(),
            _ => format!("45020220120301{}000", k % 3 + 3),
        };
        csv.push_str(&format!("圆整{name},{id},六年级5班\n"));
    }
    std::fs::write(&path, csv).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("测试小学"), false).unwrap();
    assert_eq!((report.added, report.duplicates, report.id_invalid), (12, 0, 12), "{:?}", report.problems);
    let pupils = store.students(&StudentFilter::default()).unwrap();
    assert!(pupils.iter().all(|p| p.id_problem.as_deref() == Some("precision_lost")), "{pupils:?}");
    assert!(report.problems.iter().all(|p| p.message.contains("15 位之后的数字已丢失")), "{:?}", report.problems);

    let whole = dir.path().join("六年级6班.csv");
    let ids = [valid("45020220120301300"), chance.clone(), valid("45020220120301400")];
    let csv: String = ids.iter().enumerate().map(|(k, id)| format!("整{k},{id},六年级6班\n")).collect();
    std::fs::write(&whole, format!("姓名,身份证号码,班级\n{csv}")).unwrap();
    let mut store = self::store();
    class_list::import(&mut store, &[whole.as_path()], Some("测试小学"), false).unwrap();
    assert_eq!(store.student_by_id_number(&chance).unwrap().map(|p| p.name), Some("整1".to_owned()));
}

/// A first import reads its files on one thread while another writes the rows (nothing on an empty roster can
/// match, so what each row does is known before it is written); any later import reads and writes row by row.
/// Both must come to the same pupils and say the same of every row: each fixture imported into an empty drive
/// and into one already holding an unrelated pupil of another school.
#[test]
fn a_first_import_read_beside_its_writing_keeps_and_says_what_one_read_row_by_row_does() {
    let keys: Vec<String> = expected().as_object().expect("fixtures").keys().cloned().collect();
    let mut compared = 0;
    for key in keys {
        let path = root().join(&key);
        let mut first = store();
        let mut later = store();
        let dir = tempfile::tempdir().unwrap();
        let earlier = dir.path().join("earlier.csv");
        std::fs::write(&earlier, "学校,姓名,身份证号码,年级,班级\n另一所学校,早先,11010520130307002X,一年级,1班\n")
            .unwrap();
        class_list::import(&mut later, &[earlier.as_path()], None, false).expect("earlier list");
        let (Ok(a), Ok(b)) = (
            class_list::import(&mut first, &[path.as_path()], None, false),
            class_list::import(&mut later, &[path.as_path()], None, false),
        ) else {
            continue;
        };
        let of_rows = |r: &class_list::ImportReport| {
            let mut rows: Vec<_> = r.problems.iter().filter(|p| p.row.is_some()).cloned().collect();
            rows.sort_by(|x, y| (&x.sheet, x.row, &x.message).cmp(&(&y.sheet, y.row, &y.message)));
            rows
        };
        assert_eq!(of_rows(&a), of_rows(&b), "{key}: what is said of each row");
        assert_eq!(
            (a.added, a.duplicates, a.id_invalid, a.rows_read, a.skipped),
            (b.added, b.duplicates, b.id_invalid, b.rows_read, b.skipped),
            "{key}: counts"
        );
        // With each pupil's search key, as a search reads it.
        let pupils = |s: &Store| {
            let keys = s.search_keys().unwrap();
            let mut all: Vec<_> = s
                .students(&StudentFilter::default())
                .unwrap()
                .into_iter()
                .filter(|p| p.name != "早先")
                .map(|p| {
                    let key = keys.get(p.id).expect("every pupil has a search key").to_owned();
                    assert!(key.contains(&p.name), "{}'s key holds the name: {key}", p.name);
                    format!("{:?}", (p.class_label(), p.name, p.id_number, p.id_problem, p.phone, p.source, key))
                })
                .collect();
            all.sort();
            all
        };
        assert_eq!(pupils(&first), pupils(&later), "{key}: the pupils kept");
        assert!(!pupils(&first).is_empty(), "{key}: pupils were imported");
        compared += 1;
    }
    assert!(compared >= 6, "most fixtures import: {compared}");
}

/// Teachers shorten 三年级2班 to 三2班 or 三（2）班: on a sheet named for the grade, the class, or nothing, the
/// cell is 三年级2班, never a class 三年级三2班 or 三2班 of its own, and a list writing it so moves nobody.
#[test]
fn a_class_cell_shortening_its_grade_to_a_numeral_is_that_grade() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=3).map(|i| valid(&format!("4502022017050500{i}"))).collect();
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("姓名"), Some("身份证号码"), Some("班级")],
        vec![Some("学生甲"), Some(ids[0].as_str()), Some("三（2）班")],
        vec![Some("学生乙"), Some(ids[1].as_str()), Some("三2班")],
        vec![Some("学生丙"), Some(ids[2].as_str()), Some("三(2)班")],
    ];
    let classes = |store: &Store| -> Vec<String> {
        store.students(&StudentFilter::default()).unwrap().into_iter().map(|s| s.class_label()).collect()
    };
    for sheet in ["三年级", "三年级2班", "Sheet1"] {
        let path = dir.path().join(format!("{sheet}.xlsx"));
        write_xlsx(&path, sheet, &rows, &[]);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第一小学"), false).unwrap();
        assert_eq!(report.added, 3, "{sheet}: {report:?}");
        assert_eq!(classes(&store), ["三年级2班"; 3], "{sheet}");
    }

    // A drive holding the class as 三年级2班: the shorthand list is the same class.
    let full = dir.path().join("full.xlsx");
    let full_rows: Vec<Vec<Option<&str>>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| if i == 0 { r.clone() } else { vec![r[0], r[1], Some("三年级2班")] })
        .collect();
    write_xlsx(&full, "Sheet1", &full_rows, &[]);
    let mut store = store();
    class_list::import(&mut store, &[full.as_path()], Some("第一小学"), false).unwrap();
    let short = dir.path().join("Sheet1.xlsx");
    let report = class_list::import(&mut store, &[short.as_path()], Some("第一小学"), false).unwrap();
    assert_eq!((report.moved_class, report.unchanged), (0, 3), "{report:?}");
    assert_eq!(classes(&store), ["三年级2班"; 3]);
}

/// An amount or a payment date written as a formula the file holds no result for is said as an ID formula is: the
/// formula, at its file, row and column, and what to do, not 「没有缴费金额」 or 「缴费日期“”无法识别」. An amount nobody
/// can read holds the pupil, as an unreadable amount does; a date nobody can read is not recorded.
#[test]
fn reconcile_says_an_amount_or_date_formula_without_a_saved_result() {
    use canbao::domain::student::PaymentStatus;
    use canbao::io::reconcile::{Source, reconcile};
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (valid("45020220170101121"), valid("45020220170101131"), valid("45020220170101141"));
    let list = dir.path().join("list.xlsx");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("姓名"), Some("身份证号码"), Some("班级")],
        vec![Some("张三"), Some(a.as_str()), Some("三年级1班")],
        vec![Some("李四"), Some(b.as_str()), Some("三年级1班")],
        vec![Some("王五"), Some(c.as_str()), Some("三年级1班")],
    ];
    write_xlsx(&list, "Sheet1", &rows, &[]);
    let mut store = store();
    class_list::import(&mut store, &[list.as_path()], Some("第一小学"), false).unwrap();

    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_row(0, 0, ["姓名", "证件号码", "缴费金额", "缴费日期"]).unwrap();
    sheet.write_row(1, 0, ["张三", a.as_str(), "350", "2026-11-20"]).unwrap();
    sheet.write_row(2, 0, ["李四", b.as_str()]).unwrap();
    sheet.write_formula(2, 2, "=175*2").unwrap();
    sheet.write_string(2, 3, "2026-11-20").unwrap();
    sheet.write_row(3, 0, ["王五", c.as_str(), "350"]).unwrap();
    sheet.write_formula(3, 3, "=DATE(2026,11,20)").unwrap();
    let tax = dir.path().join("tax.xlsx");
    std::fs::write(&tax, without_formula_results(&book.save_to_buffer().unwrap())).unwrap();

    let report = reconcile(&mut store, &tax, Source::Tax, None, false).unwrap();
    let said_at = |row: usize| -> Vec<_> { report.problems.iter().filter(|p| p.row == Some(row)).collect() };
    for (row, column, formula) in [(3, "缴费金额", "175*2"), (4, "缴费日期", "DATE(2026,11,20)")] {
        let said = said_at(row);
        assert_eq!(said.len(), 1, "row {row}: {said:?}");
        let p = said[0];
        assert!(p.file.ends_with("tax.xlsx") && p.column == column, "row {row}: {p:?}");
        assert!(p.message.contains("公式") && p.message.contains("formula"), "row {row}: {p:?}");
        assert!(p.message.contains(formula) && p.message.contains("Excel 或 WPS"), "row {row}: {p:?}");
        assert!(!p.message.contains("没有缴费金额") && !p.message.contains("“”"), "row {row}: {p:?}");
    }
    assert_eq!(report.matched, 2, "张三, and 王五 without a date; 李四 held: {report:?}");
    let pupil = |id: &str| store.student_by_id_number(id).unwrap().unwrap();
    assert_eq!(pupil(&b).payment, PaymentStatus::Unpaid, "{:?}", pupil(&b));
    let wang = pupil(&c);
    assert_eq!(wang.payment, PaymentStatus::Paid, "{wang:?}");
    assert_eq!((wang.payment_details.amount_fen, wang.payment_details.paid_on), (Some(35000), None), "{wang:?}");

    // A list without amounts counts a row by its date: a formula date with nothing else is said as a formula,
    // not as a row with no date.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_row(0, 0, ["姓名", "证件号码", "缴费日期"]).unwrap();
    sheet.write_row(1, 0, ["李四", b.as_str()]).unwrap();
    sheet.write_formula(1, 2, "=DATE(2026,11,20)").unwrap();
    let dated = dir.path().join("dated.xlsx");
    std::fs::write(&dated, without_formula_results(&book.save_to_buffer().unwrap())).unwrap();
    let report = reconcile(&mut store, &dated, Source::Tax, None, true).unwrap();
    let said: Vec<_> = report.problems.iter().filter(|p| p.row == Some(2)).collect();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].column == "缴费日期" && said[0].message.contains("公式"), "{said:?}");
    assert!(said[0].message.contains("formula") && said[0].file.ends_with("dated.xlsx"), "{said:?}");
    assert_eq!(report.matched, 0, "{report:?}");
}

/// An ID number written as a formula the file holds no result for (openpyxl writes 「="4502…"」 so) is said by
/// reconcile as import says it: a formula without its result, and what to do, not 「身份证号码为空」.
#[test]
fn reconcile_says_an_id_formula_without_a_saved_result() {
    use canbao::io::reconcile::{Source, reconcile};
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (valid("45020220170101121"), valid("45020220170101131"));
    let list = dir.path().join("list.xlsx");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("姓名"), Some("身份证号码"), Some("班级")],
        vec![Some("张三"), Some(a.as_str()), Some("三年级1班")],
        vec![Some("李四"), Some(b.as_str()), Some("三年级1班")],
    ];
    write_xlsx(&list, "Sheet1", &rows, &[]);
    let mut store = store();
    class_list::import(&mut store, &[list.as_path()], Some("第一小学"), false).unwrap();

    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_row(0, 0, ["姓名", "证件号码", "缴费金额", "缴费日期"]).unwrap();
    sheet.write_row(1, 0, ["张三", a.as_str(), "350", "2026-11-20"]).unwrap();
    sheet.write_string(2, 0, "李四").unwrap();
    sheet.write_formula(2, 1, format!(r#"="{b}""#).as_str()).unwrap();
    sheet.write_row(2, 2, ["350", "2026-11-20"]).unwrap();
    let tax = dir.path().join("tax.xlsx");
    std::fs::write(&tax, without_formula_results(&book.save_to_buffer().unwrap())).unwrap();

    let report = reconcile(&mut store, &tax, Source::Tax, None, true).unwrap();
    assert_eq!(report.matched, 1, "{report:?}");
    let said: Vec<&str> = report.problems.iter().filter(|p| p.row == Some(3)).map(|p| p.message.as_str()).collect();
    assert_eq!(said.len(), 1, "{said:?}");
    // The formula is quoted, its number masked as every number in a problem's text is.
    let masked = canbao::domain::id_shown::mask_in_text(&b).into_owned();
    assert_ne!(masked, b);
    assert!(said[0].contains("公式") && said[0].contains(&masked) && said[0].contains("formula"), "{said:?}");
    assert!(!said[0].contains(&b), "{said:?}");
    assert!(said[0].contains("Excel 或 WPS") && !said[0].contains("为空"), "{said:?}");
    assert!(report.problems.iter().any(|p| p.row == Some(3) && p.column == "证件号码"), "{:?}", report.problems);
}

/// A number cut or rounded to `keep` significant digits: cut (as Excel keeps what is typed), half up, or half to
/// even.
fn to_significant(value: u64, keep: u32, half_up: Option<bool>) -> u64 {
    let scale = 10u64.pow(value.to_string().len() as u32 - keep);
    let (kept, dropped) = (value / scale, value % scale);
    let up = match half_up {
        None => false,
        Some(true) => dropped >= scale / 2,
        Some(false) => dropped > scale / 2 || (dropped == scale / 2 && kept % 2 == 1),
    };
    (kept + u64::from(up)) * scale
}

/// A program that writes a numeric cell, and the double it writes for an ID typed as a number.
type Writer = (&'static str, fn(u64) -> f64);

/// A class list whose ID numbers were typed as numbers, as each program writes a numeric cell (Excel cuts what is
/// typed to 15 digits and writes its doubles with 17; openpyxl and pandas write 16, `%.16g`; others round the
/// number itself half up), of pupils the drive holds with their whole numbers from a list typed as text: every
/// row is that pupil, none is added, and no family is to be asked for a number the drive holds. A child the
/// drive does not know is added and flagged, and only that family is to be asked.
#[test]
fn a_class_list_of_numeric_ids_is_the_pupils_holding_the_whole_numbers_whichever_program_wrote_it() {
    let dir = tempfile::tempdir().unwrap();
    let (surnames, given) =
        (["王", "李", "张", "刘", "陈", "杨", "赵", "黄"], ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊"]);
    // The four the tester met, whose 16-digit forms end in 5, and more of every ending.
    let mut numbers: Vec<String> =
        ["450203201801187456", "450202201711011477", "450203201806062484", "450202201802041508"]
            .map(String::from)
            .into();
    numbers
        .extend((0..60).map(|i| valid(&format!("4502032018{:02}{:02}{:03}", 1 + i % 12, 1 + i % 28, i * 37 % 1000))));
    // A numeric cell cannot hold a final X: such a number stays text.
    numbers.retain(|n| !n.ends_with('X'));
    let names: Vec<String> =
        (0..numbers.len()).map(|i| format!("{}{}{}", surnames[i % 8], given[i / 8 % 8], given[i % 8])).collect();
    let text_list = dir.path().join("名单.csv");
    let mut csv = String::from("姓名,身份证号码,年级,班级\n");
    for (name, number) in names.iter().zip(&numbers) {
        csv.push_str(&format!("{name},{number},三年级,1班\n"));
    }
    std::fs::write(&text_list, csv).unwrap();
    let stranger = valid("45020320180909123");
    let stranger = if stranger.ends_with('X') { valid("45020320180909125") } else { stranger };
    let writers: [Writer; 5] = [
        ("Excel, typed", |n| to_significant(n, 15, None) as f64),
        ("Excel, 17 digits of its double", |n| n as f64),
        ("openpyxl, %.16g", |n| to_significant(n as f64 as u64, 16, Some(false)) as f64),
        ("16 digits, half up", |n| to_significant(n, 16, Some(true)) as f64),
        ("15 digits, half up", |n| to_significant(n, 15, Some(true)) as f64),
    ];
    for (program, write) in writers {
        let mut store = store();
        class_list::import(&mut store, &[text_list.as_path()], Some("第二小学"), false).unwrap();
        let path = dir.path().join("三年级.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_row(0, 0, ["姓名", "身份证号码", "班级"]).unwrap();
        for (i, (name, number)) in
            names.iter().map(String::as_str).zip(&numbers).chain([("新同学", &stranger)]).enumerate()
        {
            let row = i as u32 + 1;
            sheet.write_string(row, 0, name).unwrap();
            sheet.write_number(row, 1, write(number.parse().unwrap())).unwrap();
            sheet.write_string(row, 2, "三年级1班").unwrap();
        }
        book.save(&path).unwrap();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        let counts = (report.added, report.updated, report.unchanged, report.id_invalid);
        assert_eq!(counts, (1, 0, numbers.len(), 1), "{program}: {report:?}");
        let rows_said = |words: &str| -> Vec<(usize, usize)> {
            let said = report.problems.iter().filter(|p| p.message.contains(words));
            said.map(|p| (p.row.unwrap_or_default(), p.rows.unwrap_or(1))).collect()
        };
        assert_eq!(rows_said("请向家长重新核对"), [(numbers.len() + 2, 1)], "{program}: only the new child's family");
        let held: usize = rows_said("此行即持有完整号码的同名学生").iter().map(|(_, rows)| rows).sum();
        assert_eq!(held, numbers.len(), "{program}: {:?}", report.problems);
        let pupils = store.students(&StudentFilter::default()).unwrap();
        assert_eq!(pupils.len(), numbers.len() + 1, "{program}");
        assert_eq!(
            pupils.iter().filter(|p| p.id_problem.is_some()).map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["新同学"]
        );
        // The rows are said at the ID column, with what puts the list right.
        let stranger_said: Vec<_> = report.problems.iter().filter(|p| p.row == Some(numbers.len() + 2)).collect();
        assert!(
            stranger_said.iter().any(|p| p.column.contains("身份证号码") && p.message.contains("设为文本格式")),
            "{program}: {stranger_said:?}"
        );
        // The other way round: the numeric list first, its pupils flagged; the list typed as text then corrects
        // each of them, and adds nobody.
        let mut numeric_first = self::store();
        let first = class_list::import(&mut numeric_first, &[path.as_path()], Some("第二小学"), false).unwrap();
        assert_eq!((first.added, first.id_invalid), (numbers.len() + 1, numbers.len() + 1), "{program}");
        let report = class_list::import(&mut numeric_first, &[text_list.as_path()], Some("第二小学"), false).unwrap();
        assert_eq!((report.added, report.updated, report.id_invalid), (0, numbers.len(), 0), "{program}: {report:?}");
        let pupils = numeric_first.students(&StudentFilter::default()).unwrap();
        assert_eq!(pupils.len(), numbers.len() + 1, "{program}");
        assert_eq!(
            pupils.iter().filter(|p| p.id_problem.is_some()).map(|p| p.name.as_str()).collect::<Vec<_>>(),
            ["新同学"]
        );
    }
}

/// The double a program wrote for `number` in a numeric cell, as a CSV of floats writes it (pandas, Python's
/// shortest repr: `4.502032018060625e+17`).
fn as_python_writes(number: &str) -> String {
    let written = to_significant(number.parse::<u64>().unwrap() as f64 as u64, 16, Some(false)) as f64;
    format!("{written:e}").replace('e', "e+")
}

/// A CSV class list made from numeric ID cells (pandas writing floats, `4.502032018060625e+17`) is read as a
/// numeric cell is: each row the pupil holding the whole number, never a second child; a number shown with fewer
/// digits (`4.50203E+17`, as Excel saves a narrow General column) is flagged, and said with its row and column.
#[test]
fn a_csv_class_list_of_numbers_written_as_floats_is_the_pupils_holding_the_whole_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let pupils = [
        ("苏杰豪", "450203201801187456"),
        ("罗磊", "450202201711011477"),
        ("司马蕾妍", "450203201806062484"),
        ("赵颖丽", "450202201802041508"),
    ];
    let text_list = dir.path().join("名单.csv");
    let mut csv = String::from("姓名,身份证号码,班级\n");
    for (name, number) in pupils {
        csv.push_str(&format!("{name},{number},三年级1班\n"));
    }
    std::fs::write(&text_list, csv).unwrap();
    let mut store = store();
    class_list::import(&mut store, &[text_list.as_path()], Some("第二小学"), false).unwrap();
    let floats = dir.path().join("导出.csv");
    let mut csv = String::from("姓名,身份证号码,班级\n");
    for (name, number) in pupils {
        csv.push_str(&format!("{name},{},三年级1班\n", as_python_writes(number)));
    }
    csv.push_str("新同学,4.50203E+17,三年级1班\n");
    std::fs::write(&floats, csv).unwrap();
    assert!(std::fs::read_to_string(&floats).unwrap().contains("4.502032018060625e+17"));
    let report = class_list::import(&mut store, &[floats.as_path()], Some("第二小学"), false).unwrap();
    let counts = (report.added, report.updated, report.unchanged, report.id_invalid);
    assert_eq!(counts, (1, 0, pupils.len(), 1), "{report:?}");
    let held: usize =
        report.problems.iter().filter(|p| p.message.contains("此行即持有完整号码")).map(|p| p.rows.unwrap_or(1)).sum();
    assert_eq!(held, pupils.len(), "{:?}", report.problems);
    let new_row: Vec<_> = report.problems.iter().filter(|p| p.row == Some(pupils.len() + 2)).collect();
    assert!(
        new_row.iter().any(|p| p.column.contains("身份证号码")
            && p.message.contains("设为文本格式")
            && p.message.contains("set the ID number column of the source sheet to text")),
        "{new_row:?}"
    );
    for (name, number) in pupils {
        let held = store.student_by_id_number(number).unwrap().unwrap();
        assert_eq!(held.name, name, "the whole number stays");
    }
    assert_eq!(store.students(&StudentFilter::default()).unwrap().len(), pupils.len() + 1);
}

/// The tax office's list with its 证件号码 typed as numbers (a workbook written by a script, or a column set to
/// number): a row whose name and 15 surviving digits fit exactly one pupil is that pupil, its payment recorded
/// and the row said, with the pupil it was taken for and how to put the list right; a row fitting nobody, or two
/// children of the name, is not matched and said so, never taken for a wrong pupil or an unknown number.
#[test]
fn a_tax_list_with_numeric_id_cells_matches_only_a_pupil_its_digits_and_name_fit() {
    use canbao::domain::student::PaymentStatus;
    use canbao::io::reconcile::{Source, reconcile};
    let dir = tempfile::tempdir().unwrap();
    // Two children named 张伟 whose numbers share their first 15 digits: the rounded number fits both.
    let (zhang_1, zhang_2) = (valid("45020220150101121"), valid("45020220150101133"));
    let pupils = [
        ("苏杰豪", "450203201801187456".to_owned()),
        ("司马蕾妍", "450203201806062484".to_owned()),
        ("张伟", zhang_1.clone()),
        ("张伟", zhang_2.clone()),
    ];
    let list = dir.path().join("名单.csv");
    let mut csv = String::from("姓名,身份证号码,班级\n");
    for (i, (name, number)) in pupils.iter().enumerate() {
        csv.push_str(&format!("{name},{number},三年级{}班\n", i + 1));
    }
    std::fs::write(&list, csv).unwrap();
    let mut store = store();
    class_list::import(&mut store, &[list.as_path()], Some("第二小学"), false).unwrap();
    // A numeric cell cannot hold a final X: the number was typed with a 0 there.
    let openpyxl = |number: &str| {
        let value: u64 = number.replace('X', "0").parse().unwrap();
        to_significant(value as f64 as u64, 16, Some(false)) as f64
    };
    let tax = dir.path().join("税务缴费明细.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_row(0, 0, ["纳税人姓名", "证件号码", "缴费金额", "缴费日期", "缴费渠道"]).unwrap();
    let rows = [
        ("苏杰豪", openpyxl("450203201801187456")),
        ("司马蕾妍", openpyxl("450203201806062484")),
        ("张伟", openpyxl(&zhang_1)),
        // The name's digits fit 苏杰豪's number, the name does not.
        ("苏洁豪", openpyxl("450203201801187456")),
        ("新同学", openpyxl(&valid("45020320180909123"))),
    ];
    for (i, (name, number)) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, *name).unwrap();
        sheet.write_number(row, 1, *number).unwrap();
        sheet.write_number(row, 2, 380.0).unwrap();
        sheet.write_string(row, 3, "2026-11-20").unwrap();
        sheet.write_string(row, 4, "微信").unwrap();
    }
    book.save(&tax).unwrap();
    let report = reconcile(&mut store, &tax, Source::Tax, None, false).unwrap();
    assert_eq!(report.matched, 2, "{report:?}");
    assert!(report.unknown_rows.is_empty() && report.name_mismatches.is_empty(), "{report:?}");
    let said = |row: usize| -> Vec<&canbao::io::class_list::Problem> {
        report.problems.iter().filter(|p| p.row == Some(row) && p.column == "证件号码").collect()
    };
    for (row, name, number) in [(2, "苏杰豪", "450203201801187456"), (3, "司马蕾妍", "450203201806062484")] {
        let masked = canbao::domain::id_number::mask(number);
        let said = said(row);
        assert!(
            said.iter().any(|p| p.message.contains(&format!("此行即 {name}（{masked}）"))
                && p.message.contains("已按此学生核对")
                && p.message.contains("设为文本格式")
                && p.message.contains("reconciled as that pupil")),
            "row {row}: {said:?}"
        );
        let pupil = store.student_by_id_number(number).unwrap().unwrap();
        assert_eq!(pupil.payment, PaymentStatus::Paid, "{name}");
    }
    for row in [4, 5, 6] {
        let said = said(row);
        assert!(
            said.iter().any(|p| p.message.contains("此行未核对") && p.message.contains("设为文本格式")),
            "row {row}: {said:?}"
        );
    }
    for number in [&zhang_1, &zhang_2] {
        assert_eq!(store.student_by_id_number(number).unwrap().unwrap().payment, PaymentStatus::Unpaid);
    }
    // The same list saved as CSV by a script, its numbers as floats, is read alike.
    let csv_tax = dir.path().join("税务缴费明细.csv");
    let mut csv = String::from("纳税人姓名,证件号码,缴费金额,缴费日期,缴费渠道\n");
    csv.push_str(&format!("苏杰豪,{},380,2026-11-20,微信\n", as_python_writes("450203201801187456")));
    std::fs::write(&csv_tax, csv).unwrap();
    let report = reconcile(&mut store, &csv_tax, Source::Tax, None, true).unwrap();
    assert_eq!((report.matched, report.already), (0, 1), "{report:?}");
    assert!(report.problems.iter().any(|p| p.row == Some(2) && p.message.contains("此行即 苏杰豪")), "{report:?}");
}

/// A pupil whose ID number the drive corrected (with `E`), still listed by the tax office under the old number:
/// found by it, the payment recorded, and the row says so with the number now, instead of a payment nobody's.
/// A pupil whose name was corrected too is found under the old name; the old number under another name is no
/// one's.
#[test]
fn the_tax_list_finds_a_pupil_by_the_number_the_drive_corrected_away() {
    use canbao::domain::student::PaymentStatus;
    use canbao::io::reconcile::{Source, reconcile};
    use canbao::store::IdentityEdit;
    let dir = tempfile::tempdir().unwrap();
    let real_chen = valid("51150220150505108");
    let typo_chen = format!("{}{}", &real_chen[..17], if real_chen.ends_with('1') { '2' } else { '1' });
    // A digit typed wrong that happens to pass the check: valid, yet not the child's.
    let (real_li, typo_li) = (valid("51150220150505209"), valid("51150220150505290"));
    let (real_sun, typo_sun) = (valid("51150220150306123"), valid("51150220150306213"));
    let list = dir.path().join("名单.csv");
    std::fs::write(
        &list,
        format!(
            "姓名,身份证号码,班级\n陈静,{typo_chen},三年级1班\n李四,{typo_li},三年级1班\n孙悦,{typo_sun},三年级1班\n"
        ),
    )
    .unwrap();
    let mut store = store();
    class_list::import(&mut store, &[list.as_path()], Some("第二小学"), false).unwrap();
    let id_of = |store: &Store, name: &str| {
        store.students(&StudentFilter::default()).unwrap().into_iter().find(|p| p.name == name).unwrap().id
    };
    let edits = [
        ("陈静", IdentityEdit { id_number: Some(real_chen.clone()), ..Default::default() }),
        ("李四", IdentityEdit { id_number: Some(real_li.clone()), ..Default::default() }),
        ("孙悦", IdentityEdit { id_number: Some(real_sun.clone()), name: Some("孙跃".into()), ..Default::default() }),
    ];
    for (name, edit) in edits {
        let pupil = id_of(&store, name);
        store.correct_identity(pupil, &edit).unwrap();
    }
    let tax = dir.path().join("税务.csv");
    std::fs::write(
        &tax,
        format!(
            "纳税人姓名,证件号码,缴费金额,缴费日期,缴费渠道\n李四,{typo_li},380,2026-11-20,微信\n\
             陈静,{typo_chen},380,2026-11-20,微信\n孙悦,{typo_sun},380,2026-11-20,微信\n王五,{typo_li},380,2026-11-20,微信\n"
        ),
    )
    .unwrap();
    let report = reconcile(&mut store, &tax, Source::Tax, None, false).unwrap();
    assert_eq!(report.matched, 3, "{report:?}");
    assert!(report.name_mismatches.is_empty(), "{report:?}");
    // 王五 is not the pupil corrected from that number: a number nobody on the roster has.
    assert_eq!(report.unknown_rows.iter().map(|u| (u.row, u.name.as_str())).collect::<Vec<_>>(), [(5, "王五")]);
    for (row, name, now) in [(2, "李四", &real_li), (3, "陈静", &real_chen), (4, "孙跃", &real_sun)] {
        let masked = canbao::domain::id_number::mask(now);
        assert!(
            report.problems.iter().any(|p| p.row == Some(row)
                && p.column == "证件号码"
                && p.message.contains(&format!("名单中是 {name} 更正前的旧身份证号码"))
                && p.message.contains(&masked)
                && p.message.contains("corrected from")),
            "row {row}: {:?}",
            report.problems
        );
        let pupil = store.student_by_id_number(now).unwrap().unwrap();
        assert_eq!(pupil.payment, PaymentStatus::Paid, "{name}");
    }
    // Read again, nothing more to record.
    let again = reconcile(&mut store, &tax, Source::Tax, None, true).unwrap();
    assert_eq!((again.matched, again.already), (0, 3), "{again:?}");
}

/// Every pupil of a drive with its search key, as a search reads it, in one comparable list.
fn pupils_and_keys(store: &Store) -> Vec<String> {
    let keys = store.search_keys().unwrap();
    let mut all: Vec<String> = store
        .students(&StudentFilter::default())
        .unwrap()
        .into_iter()
        .map(|p| format!("{p:?} {:?}", keys.get(p.id)))
        .collect();
    all.sort();
    all
}

/// Two drives made alike by `prepare`, `files` imported into one row by row on one thread and into the other
/// as the product imports (reading ahead of its writer): the reports (every line, in order, and every count)
/// and the pupils must be the same. The report, for the caller to check that its case was met.
fn imported_either_way(
    prepare: &dyn Fn(&mut Store),
    files: &[&Path],
    school: Option<&str>,
) -> class_list::ImportReport {
    let (mut one, mut ahead) = (store(), store());
    prepare(&mut one);
    prepare(&mut ahead);
    let by_row = class_list::import_row_by_row(&mut one, files, school, false);
    let read_ahead = class_list::import(&mut ahead, files, school, false);
    match (by_row, read_ahead) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "{files:?}: the report");
            assert_eq!(pupils_and_keys(&one), pupils_and_keys(&ahead), "{files:?}: the pupils");
            a
        }
        (a, b) => {
            assert_eq!(a.map_err(|e| e.to_string()), b.map_err(|e| e.to_string()), "{files:?}");
            class_list::ImportReport::default()
        }
    }
}

/// An import into a drive that already holds pupils reads its rows on one thread while the other applies them,
/// and says what each row did once the writer answers, before anything else it says. It must keep and say
/// exactly what applying each row as it is read keeps and says, in the same order: every fixture into a drive
/// holding another school, and into one holding the fixture itself.
#[test]
fn every_fixture_read_ahead_of_its_writer_keeps_and_says_what_one_applied_row_by_row_does() {
    let keys: Vec<String> = expected().as_object().expect("fixtures").keys().cloned().collect();
    let dir = tempfile::tempdir().unwrap();
    let earlier = dir.path().join("earlier.csv");
    std::fs::write(&earlier, "学校,姓名,身份证号码,年级,班级\n另一所学校,早先,11010520130307002X,一年级,1班\n")
        .unwrap();
    let mut again = 0;
    for key in keys {
        let path = root().join(&key);
        imported_either_way(
            &|s| {
                class_list::import(s, &[earlier.as_path()], None, false).expect("earlier list");
            },
            &[path.as_path()],
            None,
        );
        let report = imported_either_way(
            &|s| {
                let _ = class_list::import(s, &[path.as_path()], None, false);
            },
            &[path.as_path()],
            None,
        );
        again += usize::from(report.unchanged > 0);
    }
    assert!(again >= 6, "most fixtures import a second time: {again}");
}

/// A day's second list for a school of 700, past several handovers between the threads: pupils moved, renamed,
/// given back their old corrected number, listed masked, repeated, flagged in a run of rows, moved to another
/// school, new ones, and more problems than the report lists one by one.
#[test]
fn a_changed_list_read_ahead_of_its_writer_says_each_row_as_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let number = |i: usize| valid(&format!("4502022015{:02}{:02}{:03}", 1 + (i / 28) % 12, 1 + i % 28, 100 + i / 336));
    let name = |i: usize, renamed: bool| {
        const FAMILY: [&str; 6] = ["王", "李", "张", "刘", "陈", "黄"];
        const GIVEN: [&str; 7] = ["子涵", "浩宇", "欣怡", "梓轩", "雨", "博文", "嘉"];
        let given = GIVEN[(i / 6) % 7];
        let mark = if renamed { "新" } else { "" };
        format!("{}{given}{mark}{}", FAMILY[i % 6], ["", "一", "二", "三"][(i / 42) % 4])
    };
    let mut base = String::from("学校,姓名,身份证号码,年级,班级,联系电话\n");
    for i in 0..700 {
        // Two pupils held with a mistyped check character: the day's list gives their valid numbers.
        let id = if matches!(i, 61 | 62) { mistyped(&number(i)) } else { number(i) };
        base.push_str(&format!("第一小学,{},{id},三年级,{}班,1380013{:04}\n", name(i, false), 1 + i % 8, i));
    }
    let renamed = |k: usize| valid(&format!("450202201403031{k}3"));
    for k in 0..2 {
        base.push_str(&format!("第一小学,欧阳旧名{k},{},三年级,1班,\n", renamed(k)));
    }
    let base_path = dir.path().join("base.csv");
    std::fs::write(&base_path, base).unwrap();
    let mut day = String::from("学校,姓名,身份证号码,年级,班级,联系电话,是否参保\n");
    for i in 0..780 {
        let (mut school, mut pupil, mut id, mut class, mut phone, mut enrolled) =
            ("第一小学", name(i, false), number(i), 1 + i % 8, format!("1380013{i:04}"), "");
        if i < 700 {
            if i % 5 == 0 {
                class = 1 + (i + 3) % 8;
            }
            if i % 7 == 0 {
                pupil = name(i, true);
            }
            if i % 9 == 0 {
                phone = "123".into();
            }
            if (300..320).contains(&i) {
                school = "第二小学";
            }
            if i % 50 == 3 {
                id = canbao::domain::id_number::mask(&id);
            }
            if i % 97 == 0 {
                enrolled = "是";
            }
            if (600..606).contains(&i) {
                // Rounded by a spreadsheet: the pupil of this name holds the whole number.
                id = format!("{}.{}E+17", &id[..1], &id[1..15]);
            }
            if (640..643).contains(&i) {
                // The check character typed wrong: the pupil of this name holds the valid number.
                id = mistyped(&id);
            }
        } else if i < 730 {
            // New pupils in a run of rows with a wrong check character.
            let first17 = format!("4502022016{:02}{:02}{:03}", 1 + i % 12, 1 + i % 28, i);
            let good = valid(&first17);
            let wrong = if good.ends_with('0') { '1' } else { '0' };
            id = format!("{first17}{wrong}");
        } else if i < 740 {
            // The same pupils again, lower in the list.
            (pupil, id) = (name(i - 720, false), number(i - 720));
        } else {
            id = valid(&format!("4502022016{:02}{:02}{:03}", 1 + i % 12, 1 + i % 28, i));
        }
        day.push_str(&format!("{school},{pupil},{id},三年级,{class}班,{phone},{enrolled}\n"));
    }
    for k in 0..2 {
        // Rounded, under the name the pupil had before the drive renamed them.
        let id = renamed(k);
        day.push_str(&format!("第一小学,欧阳旧名{k},{}.{}E+17,三年级,1班,,\n", &id[..1], &id[1..15]));
    }
    for k in 0..2 {
        // A new pupil twice, with the whole number and rounded, in either order.
        let whole = valid(&format!("450202201505051{k}7"));
        let shown = format!("{}.{}E+17", &whole[..1], &whole[1..15]);
        let (first, second) = if k == 0 { (&shown, &whole) } else { (&whole, &shown) };
        for id in [first, second] {
            day.push_str(&format!("第一小学,周新生{k},{id},三年级,2班,,\n"));
        }
    }
    day.push_str("合计：786人,,,,,,\n");
    let day_path = dir.path().join("day.csv");
    std::fs::write(&day_path, day).unwrap();
    let prepare = |s: &mut Store| {
        class_list::import(s, &[base_path.as_path()], None, false).expect("base list");
        // Two numbers corrected on the drive: the day's list still gives the old ones.
        for i in [40, 41] {
            let pupil = s.students_by_stored_number(&number(i)).unwrap().remove(0);
            let edit = canbao::store::IdentityEdit {
                id_number: Some(valid(&format!("4502022014{:02}{:02}{:03}", 1 + i % 12, 1 + i % 28, i))),
                ..Default::default()
            };
            s.correct_identity(pupil.id, &edit).expect("correct");
        }
        // Two pupils renamed on the drive: the day's list gives their rounded numbers under the names before.
        for k in 0..2 {
            let pupil = s.students_by_stored_number(&renamed(k)).unwrap().remove(0);
            let edit = canbao::store::IdentityEdit { name: Some(format!("欧阳新名{k}")), ..Default::default() };
            s.correct_identity(pupil.id, &edit).expect("rename");
        }
    };
    let report = imported_either_way(&prepare, &[day_path.as_path()], None);
    // Repeats: the ten rows lower in the list, the two new pupils given whole and rounded, and five of the rounded
    // rows 600..606, whose number the list gave whole earlier under the same name (pupils 264..270, whose numbers
    // round alike; 266 is renamed).
    // The case was met: rows of each kind were applied and said.
    let said = |words: &str| report.problems.iter().filter(|p| p.message.contains(words)).count();
    assert!(report.added >= 40 && report.updated > 200 && report.unchanged > 200, "{report:?}");
    assert!(report.moved_class > 0 && report.moved_school > 0 && report.duplicates == 17, "{report:?}");
    assert!(report.id_invalid >= 30, "{report:?}");
    assert!(said("旧身份证号码已更正") == 2, "{:?}", report.problems);
    assert!(said("身份证号码校验位有误，按已登记的") == 3, "{:?}", report.problems);
    assert!(said("是改名前的姓名：此行即持有完整号码的") == 2, "{:?}", report.problems);
    assert!(
        said("只导入一次，号码按此行的完整号码") == 1 && said("只导入一次，保留完整号码") == 1,
        "{:?}",
        report.problems
    );
    assert!(said("（按名单）") == 2, "{:?}", report.problems);
    assert!(said("已按名单改为") > 0 && said("此行起共") > 0, "{:?}", report.problems);
    assert!(report.masked_left_out > 0, "{report:?}");
}

/// A long list where nothing is wrong with any row as read, and only what the writer finds is said (a pupil
/// renamed every 50 rows, one moved every 40): said as the answers come back, while reading goes on, and the
/// same as row by row.
#[test]
fn a_long_list_said_as_the_writer_answers_reads_as_row_by_row() {
    let dir = tempfile::tempdir().unwrap();
    let number = |i: usize| valid(&format!("4502022013{:02}{:02}{:03}", 1 + (i / 28) % 12, 1 + i % 28, 100 + i / 336));
    let list = |changed: bool| {
        let mut text = String::from("姓名,身份证号码,年级,班级\n");
        for i in 0..3000 {
            let renamed = if changed && i % 50 == 0 { "新" } else { "" };
            let class = if changed && i % 40 == 0 { 9 } else { 1 + i % 8 };
            text.push_str(&format!("学生{i}{renamed},{},五年级,{class}班\n", number(i)));
        }
        text
    };
    let (base, day) = (dir.path().join("base.csv"), dir.path().join("day.csv"));
    std::fs::write(&base, list(false)).unwrap();
    std::fs::write(&day, list(true)).unwrap();
    let report = imported_either_way(
        &|s| {
            class_list::import(s, &[base.as_path()], Some("第一小学"), false).expect("base list");
        },
        &[day.as_path()],
        Some("第一小学"),
    );
    let renamed = report.problems.iter().filter(|p| p.message.contains("已按名单改为")).count();
    assert_eq!((report.updated, renamed, report.moved_class), (60 + 75 - 15, 60, 75), "{report:?}");
}

/// A valid number changed by hand to nothing (`E`, Ctrl-U), or one digit away to a number that fails the check:
/// the next list giving the valid number puts it back (in the pupil's history, said at the row), where the row
/// was taken for an old number corrected away and the hand's number kept. A valid number held is the operator's
/// correction, kept as before. Before that, a tax list with the valid number says the number held is empty.
#[test]
fn a_list_puts_back_the_valid_number_changed_by_hand_to_an_empty_or_invalid_one() {
    use canbao::io::reconcile::{Source, reconcile};
    use canbao::store::IdentityEdit;
    let dir = tempfile::tempdir().unwrap();
    let (wei, luo, zhao) = (valid("45020520160305700"), valid("45020520160305701"), valid("45020520160305702"));
    let typo = format!("{}{}", &luo[..17], if luo.ends_with('9') { '0' } else { '9' });
    let other = valid("45020520160305703");
    let list = dir.path().join("名单.csv");
    std::fs::write(
        &list,
        format!("姓名,身份证号码,班级\n韦诗,{wei},三年级1班\n罗明,{luo},三年级1班\n赵六,{zhao},三年级1班\n"),
    )
    .unwrap();
    let mut store = store();
    class_list::import(&mut store, &[list.as_path()], Some("柳州市示范小学"), false).unwrap();
    let id_of = |store: &Store, name: &str| {
        store.students(&StudentFilter::default()).unwrap().into_iter().find(|p| p.name == name).unwrap().id
    };
    let edits = [("韦诗", String::new()), ("罗明", typo.clone()), ("赵六", other.clone())];
    for (name, number) in &edits {
        let pupil = id_of(&store, name);
        store.correct_identity(pupil, &IdentityEdit { id_number: Some(number.clone()), ..Default::default() }).unwrap();
    }

    let tax = dir.path().join("税务.csv");
    std::fs::write(&tax, format!("纳税人姓名,证件号码,缴费金额,缴费日期,缴费渠道\n韦诗,{wei},380,2026-11-20,微信\n"))
        .unwrap();
    let report = reconcile(&mut store, &tax, Source::Tax, None, true).unwrap();
    let said: Vec<&str> = report.problems.iter().filter(|p| p.row == Some(2)).map(|p| p.message.as_str()).collect();
    assert!(said.iter().any(|m| m.contains("现号码 （空）") && m.contains("now (empty)")), "{said:?}");

    let report = class_list::import(&mut store, &[list.as_path()], Some("柳州市示范小学"), false).unwrap();
    assert_eq!(report.added, 0, "{:?}", report.problems);
    let at = |row: usize| -> Vec<&str> {
        report.problems.iter().filter(|p| p.row == Some(row)).map(|p| p.message.as_str()).collect()
    };
    let masked_typo = canbao::domain::id_number::mask(&typo);
    for (row, name, number, held, was) in
        [(2, "韦诗", &wei, "", "（空）"), (3, "罗明", &luo, typo.as_str(), masked_typo.as_str())]
    {
        let pupil = store.student_by_id_number(number).unwrap().unwrap_or_else(|| panic!("{name}: {:?}", at(row)));
        assert_eq!((pupil.name.as_str(), pupil.id_problem.as_deref()), (name, None));
        let masked = canbao::domain::id_number::mask(number);
        assert!(
            at(row).iter().any(|m| m.contains(&format!("改为 {was}")) && m.contains(&format!("{masked}，已改回"))),
            "{name}: {:?}",
            at(row)
        );
        assert!(at(row).iter().all(|m| !m.contains("更正为 ：")), "{name}: {:?}", at(row));
        let history = store.history(pupil.id).unwrap();
        let put_back = |e: &&canbao::store::AuditEntry| {
            e.field == "id_number" && e.old.as_deref() == Some(held) && e.new.as_deref() == Some(number.as_str())
        };
        assert!(history.iter().any(|e| put_back(&e)), "{name}: {history:?}");
    }
    // A valid number held: the operator's correction stays, the row found by the old number.
    let kept = store.student_by_id_number(&other).unwrap().expect("赵六 keeps the number typed");
    assert_eq!(kept.name, "赵六");
    assert!(store.student_by_id_number(&zhao).unwrap().is_none());
    assert!(at(4).iter().any(|m| m.contains("旧身份证号码已更正为")), "{:?}", at(4));
}

/// A list giving a paid pupil's ID number under a wholly different name (张三丰 for 侯佑) is another child's row
/// or the number on the wrong row: the row is left out, said at its row with both names and counted, and 侯佑
/// keeps his name, class and payment, so a later row of 侯佑 with his number's check character typed wrong is
/// still him rather than a second, unpaid 侯佑. A character corrected (候佑 for 侯佑) still renames him, and
/// `take_other_names` (`--rename-by-id`) takes the other name as the list gives it.
#[test]
fn a_paid_pupils_number_under_another_name_is_left_out_not_renamed() {
    use canbao::domain::student::{PaymentDetails, PaymentStatus};
    let dir = tempfile::tempdir().unwrap();
    let hou = valid("45020520160305123");
    let other = valid("45020520160305145");
    let base = dir.path().join("base.csv");
    std::fs::write(&base, format!("姓名,身份证号码,班级\n侯佑,{hou},一年级1班\n韦诗,{other},一年级1班\n")).unwrap();
    let prepare = |s: &mut Store| {
        class_list::import(s, &[base.as_path()], Some("第一小学"), false).expect("base list");
        let hou_id = s.students_by_stored_number(&hou).unwrap().remove(0).id;
        let paid = PaymentDetails { amount_fen: Some(40000), paid_on: None, channel: None };
        s.set_payment(hou_id, PaymentStatus::Paid, &paid).unwrap();
    };
    let list = dir.path().join("二班.csv");
    std::fs::write(&list, format!("姓名,身份证号码,班级\n张三丰,{hou},一年级2班\n侯佑,{},一年级2班\n", mistyped(&hou)))
        .unwrap();
    let report = imported_either_way(&prepare, &[list.as_path()], Some("第一小学"));
    assert_eq!((report.other_names, report.added), (1, 0), "{report:?}");
    let said: Vec<_> = report.problems.iter().filter(|p| p.message.contains("不像同一人")).collect();
    assert_eq!(said.len(), 1, "{:?}", report.problems);
    assert!(said[0].file.ends_with("二班.csv") && said[0].row == Some(2), "{:?}", said[0]);
    assert!(said[0].message.contains("张三丰") && said[0].message.contains("侯佑"), "{}", said[0].message);
    assert!(said[0].message.contains("not plausibly the same child"), "{}", said[0].message);
    assert!(!report.problems.iter().any(|p| p.message.contains("已按名单改为")), "{:?}", report.problems);

    let mut s = store();
    prepare(&mut s);
    class_list::import(&mut s, &[list.as_path()], Some("第一小学"), false).unwrap();
    let held = s.students_by_stored_number(&hou).unwrap().remove(0);
    assert_eq!((held.name.as_str(), held.payment), ("侯佑", PaymentStatus::Paid), "{held:?}");
    let named_hou = s.students(&StudentFilter::default()).unwrap().into_iter().filter(|p| p.name == "侯佑").count();
    assert_eq!(named_hou, 1, "one 侯佑, the paid one");

    // One character corrected: still the same child, renamed as before.
    let corrected = dir.path().join("更正.csv");
    std::fs::write(&corrected, format!("姓名,身份证号码,班级\n候佑,{hou},一年级1班\n")).unwrap();
    let report = class_list::import(&mut s, &[corrected.as_path()], Some("第一小学"), false).unwrap();
    assert_eq!((report.other_names, report.updated), (0, 1), "{report:?}");
    assert_eq!(s.students_by_stored_number(&hou).unwrap().remove(0).name, "候佑");

    // Told to, the import takes the list's name.
    let mut request =
        class_list::ImportRequest::new(&s, vec![list.clone()], Some("第一小学".to_owned())).expect("request");
    request.take_other_names = true;
    let report = request.run(&mut s, false).unwrap();
    assert_eq!(report.other_names, 0, "{report:?}");
    let renamed = s.students_by_stored_number(&hou).unwrap().remove(0);
    assert_eq!((renamed.name.as_str(), renamed.class_label().as_str()), ("张三丰", "一年级2班"));
}

/// Two rows of one ID number, the first under another child's name (张三丰 on 侯佑's number, refused as not the
/// drive's pupil) and the second 侯佑's own with a new phone: the second is no repeat of a row that imported
/// nothing, so it is applied and the phone kept, and the report says of each row what was done with it, read row
/// by row or ahead of the writer alike.
#[test]
fn a_second_row_of_a_number_is_applied_when_the_first_was_refused_under_another_name() {
    let dir = tempfile::tempdir().unwrap();
    let hou = valid("45020520160305123");
    let base = dir.path().join("base.csv");
    std::fs::write(&base, format!("姓名,身份证号码,班级,联系电话\n侯佑,{hou},一年级1班,13800138000\n")).unwrap();
    let prepare = |s: &mut Store| {
        class_list::import(s, &[base.as_path()], Some("第一小学"), false).expect("base list");
    };
    let list = dir.path().join("一班.csv");
    std::fs::write(
        &list,
        format!(
            "姓名,身份证号码,班级,联系电话\n张三丰,{hou},一年级1班,13700137000\n侯佑,{hou},一年级1班,13900139000\n"
        ),
    )
    .unwrap();
    let report = imported_either_way(&prepare, &[list.as_path()], Some("第一小学"));
    assert_eq!((report.other_names, report.duplicates, report.updated), (1, 0, 1), "{report:?}");
    let at = |row: usize| -> Vec<&str> {
        report.problems.iter().filter(|p| p.row == Some(row)).map(|p| p.message.as_str()).collect()
    };
    assert!(at(2).iter().any(|m| m.contains("此行未导入") && m.contains("张三丰")), "{:?}", report.problems);
    assert!(at(3).iter().any(|m| m.contains("与第 2 行身份证号码相同") && m.contains("单独处理")), "{:?}", at(3));
    assert!(!at(3).iter().any(|m| m.contains("只导入了前者")), "{:?}", at(3));
    let mut s = store();
    prepare(&mut s);
    class_list::import(&mut s, &[list.as_path()], Some("第一小学"), false).unwrap();
    let held = s.students_by_stored_number(&hou).unwrap().remove(0);
    assert_eq!((held.name.as_str(), held.phone.as_str()), ("侯佑", "13900139000"), "{held:?}");
}

/// A header of two rows, as school systems and teachers lay it out: 「学籍信息」 merged across 年级 and 班级,
/// 「联系方式」 across 家长电话, the other names merged down over both rows. The columns under a group label are
/// read from the second row; before, that row was skipped as a header repeated, and every pupil lost the class.
#[test]
fn a_header_of_two_rows_reads_the_columns_under_a_group_label() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two-rows.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let plain = rust_xlsxwriter::Format::new();
    sheet.merge_range(0, 0, 0, 5, "某某县实验小学学生名册", &plain).unwrap();
    for (column, name) in [(0, "序号"), (1, "姓名"), (2, "身份证号码")] {
        sheet.merge_range(1, column, 2, column, name, &plain).unwrap();
    }
    sheet.merge_range(1, 3, 1, 4, "学籍信息", &plain).unwrap();
    sheet.write_string(2, 3, "年级").unwrap();
    sheet.write_string(2, 4, "班级").unwrap();
    sheet.write_string(1, 5, "联系方式").unwrap();
    sheet.write_string(2, 5, "家长电话").unwrap();
    let ids: Vec<String> = (1..=4).map(|i| valid(&format!("4502062016010{i}011"))).collect();
    for (i, id) in ids.iter().enumerate() {
        let row = 3 + i as u32;
        sheet.write_number(row, 0, (i + 1) as f64).unwrap();
        sheet.write_string(row, 1, format!("郑{i}")).unwrap();
        sheet.write_string(row, 2, id).unwrap();
        sheet.write_string(row, 3, "四年级").unwrap();
        sheet.write_string(row, 4, format!("{}班", i % 2 + 1)).unwrap();
        sheet.write_string(row, 5, format!("1380000000{i}")).unwrap();
    }
    book.save(&path).unwrap();

    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("实验小学"), false).expect("import");
    assert_eq!(report.added, 4, "{:?}", report.problems);
    let said: Vec<&str> = report.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(!said.iter().any(|m| m.contains("表头") || m.contains("班级")), "{said:?}");
    let students = store.students(&StudentFilter::default()).expect("students");
    for (i, id) in ids.iter().enumerate() {
        let pupil = students.iter().find(|s| &s.id_number == id).expect("imported");
        assert_eq!((pupil.grade.as_str(), pupil.class.as_str()), ("四年级", if i % 2 == 0 { "1班" } else { "2班" }));
        assert_eq!(pupil.phone, format!("1380000000{i}"));
    }
}

/// The first row of a header of two rows is the header's, not a title: its 「所在学校」 names the school column,
/// never a school the pupils whose school cell is empty would be put in.
#[test]
fn the_first_row_of_a_two_row_header_is_no_title() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("two-rows.csv");
    let ids: Vec<String> = (1..=3).map(|i| valid(&format!("4502062016020{i}011"))).collect();
    let mut text = String::from("序号,姓名,身份证号码,所在学校,学籍信息,,联系方式\n,,,,年级,班级,家长电话\n");
    for (i, id) in ids.iter().enumerate() {
        let school = if i == 0 { "实验小学" } else { "" };
        text.push_str(&format!("{},郑{i},{id},{school},四年级,1班,1380000000{i}\n", i + 1));
    }
    std::fs::write(&path, text).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], None, false).expect("import");
    assert!(!report.schools.iter().any(|s| s == "所在学校"), "{:?}", report.schools);
    let students = store.students(&StudentFilter::default()).expect("students");
    assert_eq!(students.len(), 3);
    assert!(students.iter().all(|s| s.class == "1班" && s.grade == "四年级"), "{students:?}");
}

/// A class list whose folder and file names are GBK, as a Windows zip tool writes its entries' names (without
/// the UTF-8 flag) and an archive unpacked elsewhere keeps them, is named readably in the report, 「一年级/1班.csv」,
/// where before it was 「һ�꼶/1��.csv」.
#[cfg(unix)]
#[test]
fn a_list_whose_names_are_gbk_is_named_readably_in_the_report() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let gbk = |name: &str| encoding_rs::GBK.encode(name).0.into_owned();
    let folder = dir.path().join(std::ffi::OsStr::from_bytes(&gbk("一年级")));
    std::fs::create_dir(&folder).unwrap();
    let path = folder.join(std::ffi::OsStr::from_bytes(&gbk("1班.csv")));
    std::fs::write(
        &path,
        format!("姓名,身份证号码,班级\n张三,{},一年级1班\n李四,12345,一年级1班\n", valid("45020220170305123")),
    )
    .unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第一小学"), false).unwrap();
    assert_eq!(report.added, 2, "{report:?}");
    let flagged = report.problems.iter().find(|p| p.row == Some(3)).expect("the short number is said");
    assert!(flagged.file.ends_with("/一年级/1班.csv"), "{}", flagged.file);
    assert!(flagged.file.starts_with(&dir.path().display().to_string()), "{}", flagged.file);
}

/// A CSV cut inside its last cell, as a file still being copied ends (every cell of the last line there, the last
/// one short, no line break after it), has that line left out and said at its row and cell, by the import and by
/// reconcile, where before the pupil was imported into a class cut short (三年) and the payment taken with a date
/// cut short; a whole last line without a line break, and one whose cut cannot be told (a name), is read.
#[test]
fn a_last_line_cut_inside_its_last_cell_is_left_out_and_said() {
    use canbao::io::reconcile::{Source, reconcile};
    let dir = tempfile::tempdir().unwrap();
    let (a, b, c) = (valid("45020220150101121"), valid("45020220150101131"), valid("45020220150101141"));
    let cases = [
        ("class", format!("姓名,身份证号码,班级\n甲,{a},三年级1班\n乙,{b},三年级1班\n丙,{c},三年"), Some("班级")),
        (
            "grade",
            format!("姓名,身份证号码,班级,年级\n甲,{a},1班,三年级\n乙,{b},1班,三年级\n丙,{c},1班,三年"),
            Some("年级"),
        ),
        (
            "id",
            format!("姓名,班级,身份证号码\n甲,三年级1班,{a}\n乙,三年级1班,{b}\n丙,三年级1班,{}", &c[..9]),
            Some("身份证号码"),
        ),
        (
            "date",
            format!(
                "姓名,身份证号码,班级,出生日期\n甲,{a},三年级1班,2015-01-01\n乙,{b},三年级1班,2015-01-01\n丙,,三年级1班,2015-01-1"
            ),
            Some("出生日期"),
        ),
        ("whole", format!("姓名,身份证号码,班级\n甲,{a},三年级1班\n乙,{b},三年级1班\n丙,{c},三年级2班"), None),
        ("ended", format!("姓名,身份证号码,班级\n甲,{a},三年级1班\n乙,{b},三年级1班\n丙,{c},三年\r\n"), None),
        ("name", format!("身份证号码,班级,姓名\n{a},三年级1班,甲甲\n{b},三年级1班,乙乙\n{c},三年级1班,丙"), None),
    ];
    for (what, text, cut) in &cases {
        let path = dir.path().join(format!("{what}.csv"));
        std::fs::write(&path, text).unwrap();
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第一小学"), false).unwrap();
        assert_eq!(report.added, if cut.is_some() { 2 } else { 3 }, "{what}: {report:?}");
        let said = report.problems.iter().find(|p| p.message.contains("文件最后一行没有换行"));
        assert_eq!(said.map(|p| (p.row, p.column.as_str())), cut.map(|column| (Some(4), column)), "{what}: {report:?}");
        if let Some(said) = said {
            assert!(said.message.contains("该行未导入") && said.message.contains("was not imported"), "{said:?}");
        }
    }
    // A tax list cut inside its last date: the payment is not taken.
    let mut store = store();
    let list = dir.path().join("list.csv");
    std::fs::write(&list, format!("姓名,身份证号码,班级\n甲,{a},三年级1班\n乙,{b},三年级1班\n")).unwrap();
    class_list::import(&mut store, &[list.as_path()], Some("第一小学"), false).unwrap();
    let tax = dir.path().join("tax.csv");
    std::fs::write(&tax, format!("纳税人姓名,证件号码,缴费金额,缴费日期\n甲,{a},350,2026-10-08\n乙,{b},350,2026-10-"))
        .unwrap();
    let report = reconcile(&mut store, &tax, Source::Tax, None, false).unwrap();
    assert_eq!(report.matched, 1, "{report:?}");
    let said = report.problems.iter().find(|p| p.message.contains("文件最后一行没有换行"));
    assert_eq!(said.map(|p| (p.row, p.column.as_str())), Some((Some(3), "缴费日期")), "{report:?}");
    assert!(said.is_some_and(|p| p.message.contains("该行未核对")), "{report:?}");
    let paid = store.student_by_id_number(&b).unwrap().unwrap().payment_details;
    assert_eq!(paid.paid_on, None, "{report:?}");
}

/// The five pupils of a school, with valid numbers: name, the first 17 digits, class.
const FLOAT_PUPILS: [(&str, &str, &str); 5] = [
    ("甲一", "45020220170315123", "三年级1班"),
    ("甲二", "45020220170420124", "三年级1班"),
    ("甲三", "45020220170511125", "三年级2班"),
    ("乙一", "45020220190702126", "一年级1班"),
    ("丙一", "45020220160108127", "四年级1班"),
];

/// The two forms a program keeping a number as a double prints: the double's exact value (Python's
/// `int(float(x))`, pandas `astype('int64')`) and its shortest form (JavaScript's `String(n)`).
fn float_forms(number: &str) -> [String; 2] {
    let double = number.parse::<u64>().unwrap() as f64;
    [(double as u128).to_string(), double.to_string()]
}

/// A class list whose ID column went through a double and was saved as CSV, in either form a program prints
/// one, is the pupils the drive holds, matched by name and the 15 digits left, never a second copy of them. One
/// of the shortest forms (丙一's) passes its check digit by chance: it is still no new child, and no pupil takes
/// the wrong number.
#[test]
fn a_csv_of_ids_printed_from_doubles_adds_no_pupil_held_again() {
    let dir = tempfile::tempdir().unwrap();
    let whole: Vec<String> = FLOAT_PUPILS.iter().map(|(_, first17, _)| valid(first17)).collect();
    let list = |rows: &dyn Fn(&str) -> String| {
        let mut text = "姓名,身份证号码,班级\n".to_owned();
        for ((name, _, class), number) in FLOAT_PUPILS.iter().zip(&whole) {
            text.push_str(&format!("{name},{},{class}\n", rows(number)));
        }
        text
    };
    let held_path = dir.path().join("名单.csv");
    std::fs::write(&held_path, list(&|n| n.to_owned())).unwrap();
    let chance = float_forms(&whole[4])[1].clone();
    assert_eq!(chance, "450202201601081300");
    assert_eq!(canbao::domain::id_number::check_char(&chance.as_bytes()[..17]), '0', "it passes the check");
    for form in 0..2 {
        let mut store = store();
        class_list::import(&mut store, &[held_path.as_path()], Some("第二小学"), false).unwrap();
        let path = dir.path().join(format!("float{form}.csv"));
        std::fs::write(&path, list(&|n| float_forms(n)[form].clone())).unwrap();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        assert_eq!((report.added, report.unchanged + report.updated), (0, 5), "form {form}: {report:?}");
        let pupils = store.students(&StudentFilter::default()).unwrap();
        let mut numbers: Vec<_> = pupils.iter().map(|p| (p.id_number.clone(), p.id_problem.clone())).collect();
        numbers.sort();
        let mut expected: Vec<_> = whole.iter().map(|n| (n.clone(), None)).collect();
        expected.sort();
        assert_eq!(numbers, expected, "form {form}");
        let said: String = report.problems.iter().map(|p| p.message.as_str()).collect();
        assert!(!said.contains("校验码"), "form {form}: no check character is wrong: {said}");
    }
    // Alone on its list, the number that passes by chance is still 丙一's rounded: the pupil of the name holds the
    // number whose double it prints.
    let mut store = store();
    class_list::import(&mut store, &[held_path.as_path()], Some("第二小学"), false).unwrap();
    let path = dir.path().join("one.csv");
    std::fs::write(&path, format!("姓名,身份证号码,班级\n丙一,{chance},四年级1班\n")).unwrap();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!(report.added, 0, "{report:?}");
    assert_eq!(store.students(&StudentFilter::default()).unwrap().len(), 5);
    assert!(store.student_by_id_number(&chance).unwrap().is_none());
}

/// A tax list whose ID column went through a double, written out whole as a program prints it, is matched by name
/// and the 15 digits left, as the same rows written `4.50202201703151E+17` are: every row reconciled, none said
/// to be off the roster.
#[test]
fn a_tax_list_of_ids_printed_from_doubles_is_reconciled_by_name() {
    use canbao::io::reconcile::{Source, reconcile};
    let dir = tempfile::tempdir().unwrap();
    let whole: Vec<String> = FLOAT_PUPILS.iter().map(|(_, first17, _)| valid(first17)).collect();
    let mut text = "姓名,身份证号码,班级\n".to_owned();
    for ((name, _, class), number) in FLOAT_PUPILS.iter().zip(&whole) {
        text.push_str(&format!("{name},{number},{class}\n"));
    }
    let held_path = dir.path().join("名单.csv");
    std::fs::write(&held_path, text).unwrap();
    for form in 0..2 {
        let mut store = store();
        class_list::import(&mut store, &[held_path.as_path()], Some("第二小学"), false).unwrap();
        let mut tax = "纳税人姓名,证件号码,缴费金额,缴费日期,票证号码\n".to_owned();
        for (k, ((name, _, _), number)) in FLOAT_PUPILS.iter().zip(&whole).enumerate() {
            tax.push_str(&format!("{name},{},350,2026-11-20,332023100000{k}\n", float_forms(number)[form]));
        }
        let path = dir.path().join(format!("tax{form}.csv"));
        std::fs::write(&path, tax).unwrap();
        let report = reconcile(&mut store, &path, Source::Tax, None, true).unwrap();
        assert_eq!(report.matched, 5, "form {form}: {report:?}");
        assert!(report.unknown_rows.is_empty() && report.unknown_ids.is_empty(), "form {form}: {report:?}");
    }
}

/// One child given twice in a list into an empty drive, once with the whole number and once as a program printed
/// it through a float (its exact value: …1368 as …1392, passing the check by chance; …5019 as …5040, failing
/// it): one pupil with the whole number, the float row said as a repeat of the whole one, where before the child
/// was added twice. Another class's child of the name is another child.
#[test]
fn a_float_printed_number_beside_the_whole_one_in_one_list_is_one_child() {
    let dir = tempfile::tempdir().unwrap();
    for (whole, printed) in [("450102201901011368", "450102201901011392"), ("450102201901015019", "450102201901015040")]
    {
        assert!(canbao::domain::id_number::printed_from(whole, printed), "{whole} prints as {printed}");
        let path = dir.path().join("list.csv");
        std::fs::write(&path, format!("姓名,身份证号码,班级\n张三,{whole},三年级1班\n张三,{printed},三年级1班\n"))
            .unwrap();
        let mut drive = store();
        let report = class_list::import(&mut drive, &[path.as_path()], Some("第一小学"), false).unwrap();
        assert_eq!((report.added, report.duplicates), (1, 1), "{printed}: {report:?}");
        assert_eq!(drive.student_count().unwrap(), 1, "{printed}");
        assert!(drive.student_by_id_number(whole).unwrap().is_some(), "{printed}: the whole number kept");
        let said = report.problems.iter().find(|p| p.row == Some(3)).map(|p| p.message.as_str()).unwrap_or_default();
        assert!(said.contains("与第 2 行重复") && said.contains("浮点数") && said.contains("保留完整号码"), "{said}");
        // In another class, a child of the same name is another child.
        std::fs::write(&path, format!("姓名,身份证号码,班级\n张三,{whole},三年级1班\n张三,{printed},三年级2班\n"))
            .unwrap();
        let mut drive = store();
        let report = class_list::import(&mut drive, &[path.as_path()], Some("第一小学"), false).unwrap();
        assert_eq!((report.added, report.duplicates), (2, 0), "{printed}: {report:?}");
    }
    // Shown shorter by a spreadsheet (14 digits), in the same class: the same child, as the drive pairs it.
    let path = dir.path().join("shown.csv");
    let text = "姓名,身份证号码,班级
张三,450102201901011368,三年级1班
张三,4.5010220190101E+17,三年级1班
";
    std::fs::write(&path, text).unwrap();
    let mut drive = store();
    let report = class_list::import(&mut drive, &[path.as_path()], Some("第一小学"), false).unwrap();
    assert_eq!((report.added, report.duplicates), (1, 1), "{report:?}");
    let said = report.problems.iter().find(|p| p.row == Some(3)).map(|p| p.message.as_str()).unwrap_or_default();
    assert!(said.contains("与第 2 行重复") && said.contains("四舍五入"), "{said}");
}

/// A number written as a double with 16 significant digits (`4.502032018060625e+17`, as openpyxl writes a numeric
/// cell and pandas a float column) is paired by all its digits: of two children named 张伟 in one class whose
/// numbers both round to its 15 digits (…063000), it is the one whose number its 16 digits fit, never a new pupil.
/// Before, the number was rounded again to 15 digits, which both numbers fit, so neither was taken and a third 张伟
/// was added with a number sharing only 13 digits with the real one.
#[test]
fn a_number_written_with_sixteen_digits_is_paired_by_all_of_them() {
    let dir = tempfile::tempdir().unwrap();
    let (ours, other) = ("450203201806062484".to_owned(), valid("45020320180606290"));
    let text_list = dir.path().join("名单.csv");
    std::fs::write(&text_list, format!("姓名,身份证号码,班级\n张伟,{ours},三年级1班\n张伟,{other},三年级1班\n"))
        .unwrap();
    let mut store = store();
    class_list::import(&mut store, &[text_list.as_path()], Some("第二小学"), false).unwrap();
    let floats = dir.path().join("导出.csv");
    std::fs::write(&floats, "姓名,身份证号码,班级\n张伟,4.502032018060625e+17,三年级1班\n").unwrap();
    let report = class_list::import(&mut store, &[floats.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!((report.added, report.unchanged), (0, 1), "{:?}", report.problems);
    assert_eq!(store.students(&StudentFilter::default()).unwrap().len(), 2);
    // The digits past the 15th that do not fit a child's number make it no rounding of it.
    use canbao::domain::id_number::{Rounding, rounding_of};
    assert_eq!(rounding_of(&ours, "4.502032018060625e+17"), Some(Rounding::Fifteen));
    assert_eq!(rounding_of(&other, "4.502032018060625e+17"), None);
    assert_eq!(rounding_of(&other, "4.50203201806063E+17"), Some(Rounding::Fifteen), "15 digits fit both");
}

/// One list giving a child's number shown shorter by a spreadsheet (4.50202E+17, 4.502022015071E+17) and, on another
/// row of the same name and class, the whole number, in either order, into an empty drive, is one pupil holding the
/// whole number; two children of the name in the class whose numbers both fit the shown one are not guessed. Before,
/// the shown form before the whole number added two children, and a form of 12 digits or fewer did in either order.
#[test]
fn a_number_shown_shorter_and_the_whole_one_in_one_list_are_one_pupil_in_either_order() {
    let dir = tempfile::tempdir().unwrap();
    let whole = valid("45020220150710313");
    for shown in ["4.50202E+17", "4.502022015071E+17", "4.5020220150710E+17"] {
        for shown_first in [true, false] {
            let rows = if shown_first { [shown, whole.as_str()] } else { [whole.as_str(), shown] };
            let list = dir.path().join("五年级2班.csv");
            let text = format!("姓名,身份证号码,班级\n韦小宝,{},五年级2班\n韦小宝,{},五年级2班\n", rows[0], rows[1]);
            std::fs::write(&list, text).unwrap();
            let mut store = store();
            let report = class_list::import(&mut store, &[list.as_path()], Some("测试小学"), false).unwrap();
            let held = store.students(&StudentFilter::default()).unwrap();
            let numbers: Vec<&str> = held.iter().map(|s| s.id_number.as_str()).collect();
            assert_eq!(numbers, [whole.as_str()], "{shown} first {shown_first}: {:?}", report.problems);
            assert_eq!(report.duplicates, 1, "{shown} first {shown_first}");
        }
    }
    // Two children of the name in the class whose numbers round to 4.50202E+17: the shown number is neither's.
    let twin = valid("45020220160101222");
    for shown_first in [true, false] {
        let list = dir.path().join("五年级3班.csv");
        let text = if shown_first {
            format!(
                "姓名,身份证号码,班级\n韦小宝,4.50202E+17,五年级3班\n韦小宝,{whole},五年级3班\n韦小宝,{twin},五年级3班\n"
            )
        } else {
            format!(
                "姓名,身份证号码,班级\n韦小宝,{whole},五年级3班\n韦小宝,{twin},五年级3班\n韦小宝,4.50202E+17,五年级3班\n"
            )
        };
        std::fs::write(&list, text).unwrap();
        let mut store = store();
        class_list::import(&mut store, &[list.as_path()], Some("测试小学"), false).unwrap();
        let held = store.students(&StudentFilter::default()).unwrap();
        if shown_first {
            // The first whole number took it, the second is a child of its own.
            assert_eq!(held.len(), 2, "{held:?}");
            assert!(held.iter().any(|s| s.id_number == twin), "{held:?}");
        } else {
            assert_eq!(held.len(), 3, "neither guessed: {held:?}");
        }
    }
}

/// Numbers of other documents where the ID number goes (a 回乡证's H or M and 8 or 10 digits, a 台胞证's 8 digits, a
/// passport's letters and digits) are imported flagged and said as what they look like, with what the notice's forms
/// take instead; a 港澳台居民居住证 number (810000 / 820000 / 830000, its check character right) is a valid number.
/// Before, each was said to hold an invalid character or to have 8 digits instead of 18.
#[test]
fn numbers_of_other_documents_are_said_as_such_and_residence_permits_are_valid() {
    let dir = tempfile::tempdir().unwrap();
    let (hk, tw) = (valid("81000020150101123"), valid("83000020150301124"));
    let rows = [
        ("甲", "H12345678", "回乡证"),
        ("乙", "M1234567890", "回乡证"),
        ("丙", "12345678", "台胞证"),
        ("丁", "E12345678", "护照"),
        ("戊", "EA1234567", "护照"),
    ];
    let list = dir.path().join("五年级2班.csv");
    let mut text = String::from("姓名,身份证号码,班级\n");
    for (name, number, _) in rows {
        text.push_str(&format!("{name},{number},五年级2班\n"));
    }
    text.push_str(&format!("港生,{hk},五年级2班\n台生,{tw},五年级2班\n"));
    std::fs::write(&list, text).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[list.as_path()], Some("测试小学"), false).unwrap();
    assert_eq!((report.added, report.id_invalid), (rows.len() + 2, rows.len()), "{:?}", report.problems);
    for (i, (_, number, document)) in rows.iter().enumerate() {
        let row = i + 2;
        let said: Vec<_> = report
            .problems
            .iter()
            .filter(|p| p.row.is_some_and(|first| first <= row && row <= p.last_row.unwrap_or(first)))
            .collect();
        assert!(
            said.iter().any(|p| p.message.contains(&format!("像是{document}"))
                && p.message.contains("居民身份证号码（18 位）")
                && !p.message.contains("非法字符")),
            "{number}: {said:?}"
        );
    }
    for permit in [&hk, &tw] {
        let held = store.student_by_id_number(permit).unwrap().expect("a valid permit number");
        assert_eq!(held.id_problem, None, "{permit}");
    }
    let flagged = store.students(&StudentFilter::default()).unwrap();
    assert!(flagged.iter().filter(|s| s.id_problem.as_deref() == Some("other_document")).count() == rows.len());
}

/// A school system's export named `.xls` that is a web page (GBK, a `<meta charset>`, entities, a title over the
/// columns, a class merged down over its pupils, `mso-number-format` text cells) or Excel 2003 XML (rows and cells
/// skipping ahead with `ss:Index`, `ss:MergeAcross`): its pupils are imported with their ID numbers exactly as
/// written, and a row's problem is said at the row Excel shows it in. Before, both were refused.
#[test]
fn web_page_and_excel_2003_xml_exports_named_xls_are_imported() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (valid("51010220150101123"), valid("45020220150101121"));
    let with_x = (0..100)
        .map(|d| valid(&format!("510102201501011{d:02}")))
        .find(|n| n.ends_with('X'))
        .expect("a number whose check character is X");
    let page = format!(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\">\
         <style>.t{{mso-number-format:\"\\@\";}}</style></head><body>\
         <table border=1><tr><td colspan=\"4\" align=center>城关镇第一小学&nbsp;学生名单</td></tr>\
         <tr><th>班级</th><th>姓名</th><th>身份证号码</th><th>性别</th></tr>\
         <tr><td rowspan=3>三年级2班</td><td>韦明亮</td><td class=t>{a}</td><td>男</td></tr>\
         <tr><td>黄&#x4E00;</td><td class=t>{with_x}</td><td>男</td></tr>\
         <tr><td>覃小红</td><td class=t>12345</td><td>女</td></tr>\
         </table></body></html>"
    );
    let html = dir.path().join("学生名单.xls");
    std::fs::write(&html, encoding_rs::GBK.encode(&page).0).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[html.as_path()], Some("城关镇第一小学"), false).expect("import");
    assert_eq!(report.added, 3, "{:?}", report.problems);
    let held = store.student_by_id_number(&with_x).unwrap().expect("the number ending in X, as written");
    assert!(held.name == "黄一" && held.class.contains("2班"), "{held:?}");
    assert!(store.student_by_id_number(&a).unwrap().is_some());
    assert!(
        report.problems.iter().any(|p| p.row == Some(5) && p.column == "身份证号码"),
        "the short number said at the row Excel shows it in: {:?}",
        report.problems
    );
    let book = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<?mso-application progid="Excel.Sheet"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="四年级1班">
  <Table>
   <Row><Cell ss:MergeAcross="2"><Data ss:Type="String">四年级1班名单</Data></Cell></Row>
   <Row ss:Index="3"><Cell><Data ss:Type="String">姓名</Data></Cell><Cell><Data ss:Type="String">身份证号码</Data></Cell><Cell><Data ss:Type="String">联系电话</Data></Cell></Row>
   <Row><Cell><Data ss:Type="String">蒙小军</Data></Cell><Cell><Data ss:Type="String">{b}</Data></Cell><Cell><Data ss:Type="Number">13800001111</Data></Cell></Row>
   <Row ss:Index="7"><Cell><Data ss:Type="String">陆小燕</Data></Cell><Cell ss:Index="3"><Data ss:Type="String">13800002222</Data></Cell></Row>
  </Table>
 </Worksheet>
</Workbook>"#
    );
    let xml = dir.path().join("四年级.xls");
    std::fs::write(&xml, book).unwrap();
    let report = class_list::import(&mut store, &[xml.as_path()], Some("城关镇第一小学"), false).expect("import");
    let held = store.student_by_id_number(&b).unwrap().expect("imported");
    assert!(held.name == "蒙小军" && held.class.contains("1班") && held.phone == "13800001111", "{held:?}");
    assert!(
        report.problems.iter().any(|p| p.row == Some(7) && p.sheet == "四年级1班"),
        "the pupil without a number said at row 7, where ss:Index put it: {:?}",
        report.problems
    );
}

/// A school's list whose 是否参保 (or 参保状态) says 否 for a pupil the drive holds as paid, or 是 for one it holds as
/// 不参保, is said at its row, and the drive's statuses, and the money recorded, stay as they were; a 否 beside a
/// pupil nobody has asked, and a 是 beside a paid one, say nothing. Before, every one was passed over in silence.
#[test]
fn a_lists_insured_column_contradicting_the_drive_is_said_at_its_row() {
    use canbao::domain::student::{Enrollment, PaymentDetails, PaymentStatus};
    let dir = tempfile::tempdir().unwrap();
    let (paid, declined, unasked, also_paid) = (
        valid("45020220150101121"),
        valid("45020220150101131"),
        valid("45020220150101141"),
        valid("45020220150101151"),
    );
    let list = dir.path().join("三年级1班.csv");
    let write = |column: &str, cells: [&str; 4]| {
        let mut text = format!("姓名,身份证号码,班级,{column}\n");
        for ((name, number), cell) in
            [("甲", &paid), ("乙", &declined), ("丙", &unasked), ("丁", &also_paid)].iter().zip(cells)
        {
            text.push_str(&format!("{name},{number},三年级1班,{cell}\n"));
        }
        std::fs::write(&list, text).unwrap();
    };
    write("是否参保", ["", "", "", ""]);
    let mut store = store();
    class_list::import(&mut store, &[list.as_path()], Some("测试小学"), false).unwrap();
    let id = |store: &Store, number: &str| store.student_by_id_number(number).unwrap().expect("held").id;
    let money = PaymentDetails { amount_fen: Some(38000), paid_on: None, channel: Some("微信".into()) };
    for number in [&paid, &also_paid] {
        store.set_payment(id(&store, number), PaymentStatus::Paid, &money).unwrap();
    }
    store.set_enrollment(id(&store, &declined), Enrollment::Declined, Some("家长不同意")).unwrap();
    for column in ["是否参保", "参保状态"] {
        write(column, ["否", "是", "否", "是"]);
        let report = class_list::import(&mut store, &[list.as_path()], Some("测试小学"), false).unwrap();
        let said = |row: usize| {
            report.problems.iter().filter(|p| p.row == Some(row)).map(|p| p.message.clone()).collect::<Vec<_>>()
        };
        assert!(
            said(2).iter().any(|m| m.contains("与数据文件不符") && m.contains("已缴费")),
            "{column}: {:?}",
            report.problems
        );
        assert!(
            said(3).iter().any(|m| m.contains("与数据文件不符") && m.contains("不参保")),
            "{column}: {:?}",
            report.problems
        );
        assert!(said(4).is_empty() && said(5).is_empty(), "{column}: {:?}", report.problems);
        let held = store.student_by_id_number(&paid).unwrap().unwrap();
        assert_eq!(held.payment, PaymentStatus::Paid, "the money recorded stays");
        let held = store.student_by_id_number(&declined).unwrap().unwrap();
        assert_eq!(held.enrollment, Enrollment::Declined);
        let held = store.student_by_id_number(&unasked).unwrap().unwrap();
        assert_eq!((held.enrollment, held.payment), (Enrollment::Unknown, PaymentStatus::Unpaid));
    }
}

/// Every pupil's name in the drive, sorted, with the class each was put in.
fn names_and_classes(store: &Store) -> Vec<(String, String)> {
    let mut got: Vec<(String, String)> = store
        .students(&StudentFilter::default())
        .unwrap()
        .into_iter()
        .map(|s| {
            let class = s.class_label();
            (s.name, class)
        })
        .collect();
    got.sort();
    got
}

/// A list printed in two blocks side by side (分两栏) whose second block writes its columns in an order of its own
/// (姓名 班级 身份证号 beside 序号 姓名 身份证号 班级) gives the pupils of both, each block read by its own header.
/// Before, the second block's columns were said as repeated and its pupils were not imported.
#[test]
fn a_list_in_two_blocks_whose_second_has_its_columns_in_another_order_gives_the_pupils_of_both() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=5).map(|i| valid(&format!("4502022015030540{i}"))).collect();
    let id = |i: usize| Some(ids[i].as_str());
    let path = dir.path().join("分两栏.xlsx");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("四年级学生名单")],
        vec![
            Some("序号"),
            Some("姓名"),
            Some("身份证号"),
            Some("班级"),
            None,
            Some("姓名"),
            Some("班级"),
            Some("身份证号"),
        ],
        vec![Some("1"), Some("左甲"), id(0), Some("四年级1班"), None, Some("右甲"), Some("四年级2班"), id(3)],
        vec![Some("2"), Some("左乙"), id(1), Some("四年级1班"), None, Some("右乙"), Some("四年级2班"), id(4)],
        vec![Some("3"), Some("左丙"), id(2), Some("四年级1班")],
    ];
    write_xlsx(&path, "四年级", &rows, &[]);
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    let class = |c: &str| c.to_owned();
    assert_eq!(
        names_and_classes(&store),
        [
            ("右乙".to_owned(), class("四年级2班")),
            ("右甲".to_owned(), class("四年级2班")),
            ("左丙".to_owned(), class("四年级1班")),
            ("左乙".to_owned(), class("四年级1班")),
            ("左甲".to_owned(), class("四年级1班")),
        ],
        "{:?}",
        report.problems
    );
    assert_eq!((report.added, report.id_invalid, report.skipped), (5, 0, 0), "{report:?}");
    let problems = &report.problems;
    assert!(!problems.iter().any(|p| p.message.contains("重复")), "{problems:?}");
    assert!(
        problems.iter().any(|p| p.row == Some(2) && p.message.contains("分 2 栏") && p.message.contains("F–H")),
        "{problems:?}"
    );
    let right = store.student_by_id_number(&ids[3]).unwrap().unwrap();
    assert!(right.source.contains("第 2 栏") && right.source.ends_with(":3"), "{}", right.source);

    // 家长电话 in each block names no adult's name or number: both blocks are pupils.
    let path = dir.path().join("家长电话.xlsx");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("姓名"), Some("身份证号"), Some("家长电话"), Some("姓名"), Some("身份证号"), Some("家长电话")],
        vec![Some("甲"), id(0), Some("13800000001"), Some("乙"), id(1), Some("13800000002")],
    ];
    write_xlsx(&path, "四年级1班", &rows, &[]);
    let mut store = self::store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!(report.added, 2, "{:?}", report.problems);
    assert_eq!(store.student_by_id_number(&ids[1]).unwrap().unwrap().phone, "13800000002");
}

/// A second name and ID number beside the list's that is no block of the same columns: a guardian's, as its
/// numbers are adults', is said and left out; one holding a pupil's number where the rows before showed none
/// refuses the file, naming its columns and the row, rather than import half the list.
#[test]
fn a_second_name_and_id_number_beside_the_list_is_read_by_its_rows_never_half_silently() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=3).map(|i| valid(&format!("4502022015030541{i}"))).collect();
    let parents: Vec<String> = (1..=3).map(|i| valid(&format!("4502021985030541{i}"))).collect();
    let header = vec![
        Some("序号"),
        Some("姓名"),
        Some("身份证号"),
        Some("联系电话"),
        Some("序号"),
        Some("姓名"),
        Some("身份证号"),
    ];
    let row = |n: &'static str, name: &'static str, id: &str, other: &'static str, number: &str| -> Vec<String> {
        [n, name, id, "13800000001", n, other, number].map(str::to_owned).to_vec()
    };
    let owned = |rows: &[Vec<String>]| -> Vec<Vec<Option<String>>> {
        rows.iter().map(|r| r.iter().map(|c| Some(c.clone())).collect()).collect()
    };
    let write = |path: &Path, body: Vec<Vec<String>>| {
        let body = owned(&body);
        let mut rows: Vec<Vec<Option<&str>>> = vec![header.clone()];
        rows.extend(body.iter().map(|r| r.iter().map(|c| c.as_deref()).collect()));
        write_xlsx(path, "三年级1班", &rows, &[]);
    };
    let guardians = dir.path().join("家长.xlsx");
    write(
        &guardians,
        vec![row("1", "张一", &ids[0], "张父", &parents[0]), row("2", "李二", &ids[1], "李母", &parents[1])],
    );
    let mut store = store();
    let report = class_list::import(&mut store, &[guardians.as_path()], Some("第二小学"), false).unwrap();
    let names: Vec<String> = names_and_classes(&store).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["张一", "李二"], "{:?}", report.problems);
    assert!(
        report.problems.iter().any(|p| p.row == Some(1)
            && p.message.contains("第 E–G 列另有一组姓名和身份证号码")
            && p.message.contains("成年人")),
        "{:?}",
        report.problems
    );

    // A pupil's number in those columns under a guardian's: nothing is imported, and the file says why.
    let mixed = dir.path().join("混排.xlsx");
    write(&mixed, vec![row("1", "张一", &ids[0], "张父", &parents[0]), row("2", "李二", &ids[1], "王三", &ids[2])]);
    let mut store = self::store();
    let error = class_list::import(&mut store, &[mixed.as_path()], Some("第二小学"), false).unwrap_err();
    let said = error.to_string();
    assert!(matches!(error, ImportError::PupilsBesideTheList { row: 3, .. }), "{said}");
    assert!(said.contains("第 E–G 列") && said.contains("第 3 行") && said.contains("未导入任何内容"), "{said}");
    assert!(store.students(&StudentFilter::default()).unwrap().is_empty());
}

/// A table of the teachers under the pupils (a blank row, 「班主任」, then 「姓名 | 联系电话」 over 李老师) gives no
/// pupil named 姓名 or 李老师: its header and rows are skipped, each said at its row (a header with a staff's
/// column, 职务, said as a staff table's in one line). A pupil's row after it, holding an ID number, is read again.
#[test]
fn a_table_of_other_people_under_the_pupils_gives_no_pupils_and_its_rows_are_said() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=3).map(|i| valid(&format!("4502022015030542{i}"))).collect();
    let id = |i: usize| Some(ids[i].as_str());
    for (file, staff_header, staff_row) in [
        // 联系电话 under the phone column, the ID number's cell empty.
        (
            "phone.xlsx",
            vec![None, Some("姓名"), None, Some("联系电话")],
            vec![None, Some("李老师"), None, Some("13900000000")],
        ),
        // 联系电话 under the ID number column: the phone where a number goes.
        ("id.xlsx", vec![None, Some("姓名"), Some("联系电话")], vec![None, Some("李老师"), Some("13900000000")]),
        // Its own first column.
        (
            "post.xlsx",
            vec![Some("职务"), Some("姓名"), Some("电话")],
            vec![Some("班主任"), Some("李老师"), Some("13900000000")],
        ),
    ] {
        let path = dir.path().join(file);
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("序号"), Some("姓名"), Some("身份证号"), Some("联系电话"), Some("班级")],
            vec![Some("1"), Some("学生甲"), id(0), Some("13800000001"), Some("三年级1班")],
            vec![Some("2"), Some("学生乙"), id(1), Some("13800000002"), Some("三年级1班")],
            vec![],
            vec![Some("班主任")],       // row 5
            staff_header.clone(),       // row 6
            staff_row.clone(),          // row 7
            vec![None, Some("王老师")], // row 8
            // A pupil's row again, holding an ID number.
            vec![Some("3"), Some("学生丙"), id(2), None, Some("三年级1班")], // row 9
        ];
        write_xlsx(&path, "三年级1班", &rows, &[]);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        let names: Vec<String> = names_and_classes(&store).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["学生丙", "学生乙", "学生甲"], "{file}: {:?}", report.problems);
        assert_eq!((report.added, report.skipped), (3, 4), "{file}: {:?}", report.problems);
        let said =
            |row: usize, what: &str| report.problems.iter().any(|p| p.row == Some(row) && p.message.contains(what));
        assert!(said(6, "另一张表的表头"), "{file}: {:?}", report.problems);
        if file == "post.xlsx" {
            // A header with a column only a staff table has (职务): its rows are said as a staff table's, in one line.
            assert!(said(7, "第 7 至 8 行是教职工表"), "{file}: {:?}", report.problems);
        } else {
            assert!(said(7, "此行在另一张表之下") && said(7, "第 6 行"), "{file}: {:?}", report.problems);
            assert!(said(8, "此行在另一张表之下"), "{file}: {:?}", report.problems);
        }
        assert!(report.problems.iter().any(|p| p.row == Some(5)), "{file}: {:?}", report.problems);
    }
}

/// A list without a class column under a title naming its class (「XX小学四年级1班学生名单」), on a sheet or in a
/// file whose name names none, gives its pupils that class, and says so; a title naming two classes gives none.
#[test]
fn a_title_naming_the_class_gives_it_to_a_list_without_a_class_column() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=4).map(|i| valid(&format!("4502022016030543{i}"))).collect();
    let csv = dir.path().join("名单.csv");
    std::fs::write(&csv, format!("XX小学四年级1班学生名单\n姓名,身份证号\n甲一,{}\n甲二,{}\n", ids[0], ids[1]))
        .unwrap();
    let xlsx = dir.path().join("学生.xlsx");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("2026年秋季学期柳州市示范小学四年级（2）班学生花名册")],
        vec![Some("姓名"), Some("身份证号")],
        vec![Some("乙一"), Some(ids[2].as_str())],
    ];
    write_xlsx(&xlsx, "Sheet1", &rows, &[]);
    let mut store = store();
    let report = class_list::import(&mut store, &[csv.as_path(), xlsx.as_path()], Some("示范小学"), false).unwrap();
    let class_of = |i: usize| store.student_by_id_number(&ids[i]).unwrap().unwrap().class_label();
    assert_eq!(
        [class_of(0), class_of(1), class_of(2)],
        ["四年级1班", "四年级1班", "四年级2班"],
        "{:?}",
        report.problems
    );
    let problems = &report.problems;
    assert!(
        problems.iter().any(|p| p.file.ends_with("名单.csv")
            && p.message.contains("按标题“XX小学四年级1班学生名单”中的班级导入到“四年级1班”")),
        "{problems:?}"
    );
    assert!(problems.iter().any(|p| p.message.contains("导入到“四年级2班”")), "{problems:?}");
    assert!(!problems.iter().any(|p| p.message.contains("没有班级，")), "{problems:?}");

    let two = dir.path().join("两班.csv");
    std::fs::write(&two, format!("XX小学四年级1班、2班学生名单\n姓名,身份证号\n丙一,{}\n", ids[3])).unwrap();
    let mut store = self::store();
    let report = class_list::import(&mut store, &[two.as_path()], Some("示范小学"), false).unwrap();
    assert_eq!(store.student_by_id_number(&ids[3]).unwrap().unwrap().class_label(), "", "{:?}", report.problems);
    assert!(report.problems.iter().any(|p| p.message.contains("没有班级，")), "{:?}", report.problems);
}

/// A table stacked under another with other columns is read by its own header in all: its rows left without a
/// class are said by its own class column (it has none: not 「班级为空」 at the first table's), and its unknown
/// columns are said at its header as the first table's are.
#[test]
fn a_table_stacked_under_another_says_its_own_class_and_columns() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030544{i}"))).collect();
    let path = dir.path().join("两表.xlsx");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("姓名"), Some("身份证号"), Some("班级")],
        vec![Some("甲一"), Some(ids[0].as_str()), Some("四年级1班")],
        vec![],
        vec![Some("序号"), Some("姓名"), Some("身份证号"), Some("联系电话"), Some("户籍地址")], // row 4
        vec![Some("1"), Some("乙一"), Some(ids[1].as_str()), Some("13800000001"), Some("某路1号")],
    ];
    write_xlsx(&path, "全校", &rows, &[]);
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!(report.added, 2, "{:?}", report.problems);
    let problems = &report.problems;
    assert!(!problems.iter().any(|p| p.message.contains("班级为空")), "{problems:?}");
    assert!(
        problems.iter().any(|p| p.message.contains("表中没有班级列") && p.message.contains("第 5 行")),
        "{problems:?}"
    );
    assert!(problems.iter().any(|p| p.row == Some(4) && p.message.contains("不认识的表头“户籍地址”")), "{problems:?}");
}

/// A class cell holding a bare number of three digits (101) is read as the class so named (101班), and the file says
/// once which numbers became which classes, as a school may mean 一年级1班 by 101.
#[test]
fn class_cells_of_bare_numbers_are_said_once_with_the_class_each_became() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=3).map(|i| valid(&format!("4502022016030545{i}"))).collect();
    let csv = dir.path().join("名单.csv");
    let text = format!("姓名,身份证号,班级\n甲,{},101\n乙,{},102\n丙,{},101\n", ids[0], ids[1], ids[2]);
    std::fs::write(&csv, text).unwrap();
    let mut store = store();
    // A school whose name does not say 小学: 101 and 102 may be a junior school's 初一 (under 小学, 一年级1班).
    let report = class_list::import(&mut store, &[csv.as_path()], Some("城关中心校"), false).unwrap();
    assert_eq!(store.student_by_id_number(&ids[0]).unwrap().unwrap().class_label(), "101班");
    let said: Vec<_> = report.problems.iter().filter(|p| p.message.contains("班级列写的是数字")).collect();
    assert_eq!(said.len(), 1, "{:?}", report.problems);
    assert!(said[0].message.contains("“101”→“101班”、“102”→“102班”"), "{}", said[0].message);
}

/// A table of staff under the pupils whose header names no 姓名 but a staff word beside a phone (「班主任 | 联系电话」,
/// 「教师 | 电话」, 「联系人 | 手机」) ends the pupils' table: 赵老师 under it is no pupil, and her phone is no ID number;
/// its rows are said as a staff table's.
/// An 11-digit mobile number in the ID column, with no such header over it, is never kept as a pupil's ID number.
#[test]
fn a_staff_header_without_a_name_column_ends_the_pupils_and_a_mobile_is_no_id() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=3).map(|i| valid(&format!("4502022015030546{i}"))).collect();
    let id = |i: usize| Some(ids[i].as_str());
    for (file, staff) in [
        ("head.xlsx", ["班主任", "联系电话"]),
        ("teacher.xlsx", ["教师", "电话"]),
        ("contact.xlsx", ["联系人", "手机"]),
        ("post.xlsx", ["任课老师", "手机号码"]),
    ] {
        let path = dir.path().join(file);
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("姓名"), Some("身份证号码"), Some("班级")],
            vec![Some("学生甲"), id(0), Some("三年级1班")],
            vec![Some("学生乙"), id(1), Some("三年级1班")],
            vec![],
            vec![Some(staff[0]), Some(staff[1])],           // row 5
            vec![Some("赵老师"), Some("13800000000")],      // row 6
            vec![Some("钱老师"), Some("13900000000")],      // row 7
            vec![Some("学生丙"), id(2), Some("三年级1班")], // row 8
        ];
        write_xlsx(&path, "三年级1班", &rows, &[]);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        let names: Vec<String> = names_and_classes(&store).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["学生丙", "学生乙", "学生甲"], "{file}: {:?}", report.problems);
        let said =
            |row: usize, what: &str| report.problems.iter().any(|p| p.row == Some(row) && p.message.contains(what));
        assert!(said(5, "另一张表的表头"), "{file}: {:?}", report.problems);
        // Its rows are said as a staff table's, in one line with their rows.
        assert!(said(6, "第 6 至 7 行是教职工表"), "{file}: {:?}", report.problems);
    }

    // A mobile number in the ID column of a pupil's row, no staff header above it: the row is said, and the number
    // is kept as no pupil's ID.
    let path = dir.path().join("mobile.csv");
    std::fs::write(&path, format!("姓名,身份证号码,班级\n学生甲,{},三年级1班\n孙老师,13700000000,三年级1班\n", ids[0]))
        .unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    let students = store.students(&StudentFilter::default()).unwrap();
    assert!(!students.iter().any(|s| s.id_number.contains("13700000000")), "{:?}", report.problems);
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.row == Some(3) && p.message.contains("手机号码") && p.message.contains("13700000000")),
        "{:?}",
        report.problems
    );
}

/// 年级 「一年级」 beside 班级 「101」 is class 1 of 一年级, as 1, 01, 1班, 一年级1班, 1年级1班, 1.1 and 1-1 beside it
/// are, and as another list's 「一年级1班」 is: one class, however each row writes it. 201 under 一年级 contradicts
/// its grade and is said at its row.
#[test]
fn a_class_numbered_within_its_grade_is_one_class_however_written() {
    let dir = tempfile::tempdir().unwrap();
    let cells = ["101", "1", "01", "1班", "一年级1班", "1年级1班", "1.1", "1-1", "201"];
    let ids: Vec<String> = (0..=cells.len()).map(|i| valid(&format!("45020220190305{:03}", 470 + i))).collect();
    let mut text = "姓名,身份证号码,年级,班级\n".to_owned();
    for (i, cell) in cells.iter().enumerate() {
        text.push_str(&format!("学生{i},{},一年级,{cell}\n", ids[i]));
    }
    let first = dir.path().join("一.csv");
    std::fs::write(&first, text).unwrap();
    let second = dir.path().join("二.csv");
    std::fs::write(&second, format!("姓名,身份证号码,班级\n学生末,{},一年级1班\n", ids[cells.len()])).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[first.as_path(), second.as_path()], Some("第二小学"), false).unwrap();
    let class_of = |i: usize| store.student_by_id_number(&ids[i]).unwrap().unwrap().class_label();
    let label = class_of(0);
    assert!(label == "一年级1班", "{label}: {:?}", report.problems);
    for i in (0..=cells.len()).filter(|i| *i != 8) {
        assert_eq!(class_of(i), label, "row {}: {:?}", i + 2, report.problems);
    }
    // 201 under 一年级: kept as written, and said at its row (row 10).
    assert_ne!(class_of(8), label, "{:?}", report.problems);
    assert!(
        report.problems.iter().any(|p| p.row == Some(10) && p.message.contains("“201”") && p.message.contains("不符")),
        "{:?}",
        report.problems
    );
    assert!(!report.problems.iter().any(|p| p.row == Some(2) && p.message.contains("不符")), "{:?}", report.problems);

    // 初一's classes numbered 101 or 701 are 初一1班.
    let junior = dir.path().join("初一.csv");
    std::fs::write(&junior, format!("姓名,身份证号码,年级,班级\n甲,{},初一,101\n乙,{},初一,701\n", ids[0], ids[1]))
        .unwrap();
    let mut store = self::store();
    let report = class_list::import(&mut store, &[junior.as_path()], Some("第二中学"), false).unwrap();
    let class_of = |i: usize| store.student_by_id_number(&ids[i]).unwrap().unwrap().class_label();
    assert_eq!((class_of(0), class_of(1)), ("初一1班".to_owned(), "初一1班".to_owned()), "{:?}", report.problems);
}

/// A school's own list (not canbao's form) whose 是否参保 contradicts the drive quotes its cell as written at the row,
/// counts the row apart from canbao's form's statuses, and its line under the totals speaks of the list, never of
/// 「按 canbao 表格更改参保缴费状态 0 名学生」.
#[test]
fn a_schools_insured_column_is_quoted_and_counted_as_the_lists_not_canbaos_form() {
    use canbao::domain::student::{PaymentDetails, PaymentStatus};
    let dir = tempfile::tempdir().unwrap();
    let (paid, other) = (valid("45020220150101161"), valid("45020220150101171"));
    let list = dir.path().join("三年级1班.csv");
    std::fs::write(&list, format!("姓名,身份证号码,班级\n甲,{paid},三年级1班\n乙,{other},三年级1班\n")).unwrap();
    let mut store = store();
    class_list::import(&mut store, &[list.as_path()], Some("测试小学"), false).unwrap();
    let held = store.student_by_id_number(&paid).unwrap().unwrap();
    let money = PaymentDetails { amount_fen: Some(38000), paid_on: None, channel: Some("微信".into()) };
    store.set_payment(held.id, PaymentStatus::Paid, &money).unwrap();
    std::fs::write(
        &list,
        format!("姓名,身份证号码,班级,是否参保\n甲,{paid},三年级1班, 未参保 \n乙,{other},三年级1班,是\n"),
    )
    .unwrap();
    let report = class_list::import(&mut store, &[list.as_path()], Some("测试小学"), false).unwrap();
    assert_eq!(
        (report.statuses_set, report.statuses_left, report.list_statuses_differ),
        (0, 0, 1),
        "{:?}",
        report.problems
    );
    assert!(
        report.problems.iter().any(|p| p.row == Some(2) && p.message.contains("是否参保为“未参保”，与数据文件不符")),
        "{:?}",
        report.problems
    );
    let (zh, en) = canbao::words::import::statuses_line(&report).expect("a line");
    assert!(!zh.contains("canbao 表格") && !zh.contains(" 0 ") && zh.contains("1 行的是否参保"), "{zh}");
    assert!(!en.contains("canbao's own form") && en.contains("是否参保"), "{en}");
    // Nothing to say of a list whose statuses all agree.
    let quiet = class_list::ImportReport::default();
    assert!(canbao::words::import::statuses_line(&quiet).is_none());
}

/// A second name and ID number headed as a guardian's (「… | 监护人 | 姓名 | 身份证号码」) is never a block of pupils,
/// and a young guardian (20) beside a pupil of seven in an unlabelled second pair is no pupil either: neither list
/// is refused. A child's number there still refuses the file.
#[test]
fn a_young_guardian_beside_the_list_is_no_pupil_and_refuses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let pupils: Vec<String> = (1..=3).map(|i| valid(&format!("4502022019030548{i}"))).collect();
    let guardians: Vec<String> = (1..=2).map(|i| valid(&format!("4502021990010148{i}"))).collect();
    let young = valid("45020220060501481");
    let child = valid("45020220160501481");
    let rows = |header: [&'static str; 7], beside: [&str; 3]| -> Vec<Vec<Option<String>>> {
        let mut rows = vec![header.iter().map(|h| Some(h.to_string())).collect::<Vec<_>>()];
        for i in 0..3 {
            let (g, p) = (beside[i].to_owned(), pupils[i].clone());
            let mut row = vec![Some((i + 1).to_string()), Some(format!("学生{i}")), Some(p), Some("一年级1班".into())];
            row.extend(match header[4] {
                "监护人" => [Some(format!("家长{i}")), Some(format!("家长{i}")), Some(g)],
                _ => [Some("13800000000".to_owned()), Some(g), Some(format!("家长{i}"))],
            });
            rows.push(row);
        }
        rows
    };
    let labelled = ["序号", "姓名", "身份证号码", "班级", "监护人", "姓名", "身份证号码"];
    let unlabelled = ["序号", "姓名", "身份证号码", "班级", "联系电话", "身份证号码", "姓名"];
    for (file, header, beside) in [
        ("labelled.xlsx", labelled, [guardians[0].as_str(), young.as_str(), guardians[1].as_str()]),
        ("unlabelled.xlsx", unlabelled, [guardians[0].as_str(), young.as_str(), guardians[1].as_str()]),
        ("labelled_child.xlsx", labelled, [guardians[0].as_str(), child.as_str(), guardians[1].as_str()]),
    ] {
        let path = dir.path().join(file);
        let owned = rows(header, beside);
        let cells: Vec<Vec<Option<&str>>> = owned.iter().map(|r| r.iter().map(|c| c.as_deref()).collect()).collect();
        write_xlsx(&path, "Sheet1", &cells, &[]);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false);
        let report = report.unwrap_or_else(|e| panic!("{file}: refused: {e}"));
        for number in &pupils {
            assert!(store.student_by_id_number(number).unwrap().is_some(), "{file}: {:?}", report.problems);
        }
        assert!(store.student_by_id_number(&young).unwrap().is_none(), "{file}: {:?}", report.problems);
    }
    // The child's number beside an unlabelled list: refused, as before.
    let path = dir.path().join("child.xlsx");
    let owned = rows(unlabelled, [guardians[0].as_str(), child.as_str(), guardians[1].as_str()]);
    let cells: Vec<Vec<Option<&str>>> = owned.iter().map(|r| r.iter().map(|c| c.as_deref()).collect()).collect();
    write_xlsx(&path, "Sheet1", &cells, &[]);
    let mut store = store();
    let refused = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false);
    assert!(matches!(refused, Err(ImportError::PupilsBesideTheList { .. })), "{:?}", refused.map(|r| r.problems));
}

/// A table stacked under another without a class column of its own takes the class its own title names
/// (「XX小学四年级2班学生名单」 over it, alone as a class heading or beside a date), never 「XX小学四年级2班」; with no title
/// it takes the class its sheet is named for, said at its header.
#[test]
fn a_stacked_table_without_a_class_column_takes_its_own_title_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030549{i}"))).collect();
    let title = "XX小学四年级2班学生名单";
    for (file, title_row) in [
        ("heading.xlsx", vec![Some(title)]),
        ("dated.xlsx", vec![Some(title), None, Some("2026-09-01")]),
        ("untitled.xlsx", vec![]),
    ] {
        let path = dir.path().join(file);
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("姓名"), Some("身份证号")],
            vec![Some("甲一"), Some(ids[0].as_str())],
            vec![],
            title_row.clone(),                                                    // row 4
            vec![Some("序号"), Some("姓名"), Some("身份证号"), Some("联系电话")], // row 5
            vec![Some("1"), Some("乙一"), Some(ids[1].as_str()), Some("13800000001")],
        ];
        write_xlsx(&path, "三年级1班", &rows, &[]);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        let class_of = |i: usize| store.student_by_id_number(&ids[i]).unwrap().unwrap().class_label();
        assert_eq!(class_of(0), "三年级1班", "{file}: {:?}", report.problems);
        if title_row.is_empty() {
            assert_eq!(class_of(1), "三年级1班", "{file}: {:?}", report.problems);
            let said =
                report.problems.iter().any(|p| p.row == Some(5) && p.message.contains("按工作表名称“三年级1班”"));
            assert!(said, "{file}: {:?}", report.problems);
        } else {
            assert_eq!(class_of(1), "四年级2班", "{file}: {:?}", report.problems);
            let said = report.problems.iter().any(|p| p.message.contains(title) && p.message.contains("“四年级2班”"));
            assert!(said, "{file}: {:?}", report.problems);
        }
    }
}

/// Rows as an XLSX sheet (named `sheet`) or, for a `.csv` path, as CSV lines (an empty cell nothing between commas).
fn write_rows(path: &Path, sheet: &str, rows: &[Vec<Option<&str>>]) {
    if path.extension().is_some_and(|e| e == "csv") {
        let lines: Vec<String> =
            rows.iter().map(|r| r.iter().map(|c| c.unwrap_or("")).collect::<Vec<_>>().join(",")).collect();
        std::fs::write(path, lines.join("\n") + "\n").unwrap();
    } else {
        write_xlsx(path, sheet, rows, &[]);
    }
}

/// A staff table stacked under the pupils under a title naming a class (「XX小学四年级2班学生名单」 beside a date,
/// then 「序号 姓名 身份证号 职务 联系电话」) is left out with no line giving it that class: a stacked table's class
/// line waits for its rows to prove pupils. Before, 「按标题…中的班级导入到“四年级2班”」 was said of the staff left
/// out. Rows that prove pupils take the class, said at the table's header.
#[test]
fn a_stacked_tables_class_line_waits_for_its_rows_to_prove_pupils() {
    let dir = tempfile::tempdir().unwrap();
    let pupils: Vec<String> = (1..=5).map(|i| valid(&format!("4502022016030550{i}"))).collect();
    let adults = [valid("45020219840305123"), valid("45020219900612456")];
    for (file, second) in [
        ("staff.xlsx", adults[1].as_str()),
        ("staff.csv", adults[1].as_str()),
        ("pupils.xlsx", pupils[4].as_str()),
        ("pupils.csv", pupils[4].as_str()),
    ] {
        let path = dir.path().join(file);
        let mut rows: Vec<Vec<Option<&str>>> = vec![vec![Some("姓名"), Some("身份证号")]];
        for (i, name) in ["甲一", "甲二", "甲三", "甲四"].iter().enumerate() {
            rows.push(vec![Some(name), Some(pupils[i].as_str())]);
        }
        rows.extend([
            vec![],
            vec![Some("XX小学四年级2班学生名单"), None, Some("2026-09-01")], // row 7
            vec![Some("序号"), Some("姓名"), Some("身份证号"), Some("职务"), Some("联系电话")], // row 8
            vec![Some("1"), Some("王老师"), Some(adults[0].as_str()), Some("班主任"), Some("13800000001")],
            vec![Some("2"), Some("李某"), Some(second), Some("教师"), Some("13800000002")],
        ]);
        write_rows(&path, "全校", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        let class_line: Vec<_> =
            report.problems.iter().filter(|p| p.message.contains("导入到“四年级2班”")).map(|p| p.row).collect();
        if file.starts_with("staff") {
            assert!(class_line.is_empty(), "{file}: {:?}", report.problems);
            assert!(!report.problems.iter().any(|p| p.message.contains("此表没有班级列")), "{file}");
            assert!(
                report.problems.iter().any(|p| p.row == Some(9) && p.message.starts_with("第 9 至 10 行是教职工表")),
                "{file}: {:?}",
                report.problems
            );
            for number in &adults {
                assert!(store.student_by_id_number(number).unwrap().is_none(), "{file}: {:?}", report.problems);
            }
        } else {
            assert_eq!(class_line, [Some(8)], "{file}: {:?}", report.problems);
            let class_of = store.student_by_id_number(&pupils[4]).unwrap().unwrap().class_label();
            assert_eq!(class_of, "四年级2班", "{file}: {:?}", report.problems);
        }
    }
}

/// A staff block beside the pupils' header in the same row, after an empty column (「姓名 | 身份证号码 | 班级 |  |
/// 班主任 | 联系电话」, the teacher's name and phone in the first pupil's row), gives no pupil its phone: its columns
/// are not the pupils', and are said left out with the rows that fill them. Before, the first pupil took the
/// teacher's phone. A guardian's 联系人 beside the pupils stays theirs, and an empty column inside the pupils' own
/// header (before 班级) keeps their class.
#[test]
fn a_staff_block_beside_the_pupils_header_gives_no_pupil_its_phone() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030551{i}"))).collect();
    let id = |i: usize| Some(ids[i].as_str());
    for (file, staff) in [
        ("head.xlsx", ["班主任", "联系电话"]),
        ("head.csv", ["班主任", "联系电话"]),
        ("teacher.xlsx", ["任课教师", "手机"]),
        ("wide.csv", ["班主任（姓名）", "联系电话"]),
        ("post.xlsx", ["职务", "电话"]),
    ] {
        let path = dir.path().join(file);
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("姓名"), Some("身份证号码"), Some("班级"), None, Some(staff[0]), Some(staff[1])],
            vec![Some("学生甲"), id(0), Some("三年级1班"), None, Some("王老师"), Some("13900000009")],
            vec![Some("学生乙"), id(1), Some("三年级1班")],
        ];
        write_rows(&path, "三年级1班", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        assert_eq!(report.added, 2, "{file}: {:?}", report.problems);
        let first = store.student_by_id_number(&ids[0]).unwrap().unwrap();
        assert_eq!((first.phone.as_str(), first.class_label().as_str()), ("", "三年级1班"), "{file}");
        assert!(!first.note.contains("13900000009"), "{file}: {}", first.note);
        let said = report.problems.iter().find(|p| p.message.contains("教职工的信息"));
        let said = said.unwrap_or_else(|| panic!("{file}: {:?}", report.problems));
        assert!(said.row == Some(1) && said.message.contains("第 E–F 列"), "{file}: {said:?}");
        assert!(said.message.contains("1 行（第 2 行）"), "{file}: {said:?}");
        assert!(!report.problems.iter().any(|p| p.message.contains("不认识的表头")), "{file}: {:?}", report.problems);
    }
    // A guardian's contact beside the pupils, and an empty column before their own 班级: read as theirs.
    let path = dir.path().join("guardian.csv");
    std::fs::write(
        &path,
        format!("姓名,身份证号码,,班级,,联系人,联系电话\n学生甲,{},,三年级2班,,甲父,13700000007\n", ids[0]),
    )
    .unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    let first = store.student_by_id_number(&ids[0]).unwrap().unwrap();
    assert_eq!((first.phone.as_str(), first.class_label().as_str()), ("13700000007", "三年级2班"), "{report:?}");
    assert!(!report.problems.iter().any(|p| p.message.contains("教职工的信息")), "{:?}", report.problems);
}

/// An 11-digit mobile in the ID column of a row that is a pupil already held (by name and class: on the drive, or
/// an earlier row of the same import) is said as a mobile in the ID column. Before, only 「证件号码留空…」 was said,
/// as if the cell had been empty. The pupil keeps her number.
#[test]
fn a_mobile_in_the_id_column_of_a_pupil_held_is_said_as_a_mobile() {
    let dir = tempfile::tempdir().unwrap();
    let id = valid("45020220160305521");
    let first = dir.path().join("first.csv");
    std::fs::write(&first, format!("姓名,身份证号码,班级\n学生甲,{id},三年级1班\n")).unwrap();
    let mobile = dir.path().join("mobile.csv");
    std::fs::write(&mobile, "姓名,身份证号码,班级\n学生甲,13700000000,三年级1班\n").unwrap();
    let both = dir.path().join("both.xlsx");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("姓名"), Some("身份证号码"), Some("班级")],
        vec![Some("学生甲"), Some(id.as_str()), Some("三年级1班")],
        vec![Some("学生甲"), Some("137 0000 0000"), Some("三年级1班")],
    ];
    write_xlsx(&both, "三年级1班", &rows, &[]);
    let mobile_said = |report: &class_list::ImportReport, row: usize| {
        report
            .problems
            .iter()
            .any(|p| p.row == Some(row) && p.message.contains("手机号码") && p.message.contains("137"))
    };
    // Held on the drive, read later.
    let mut store = store();
    class_list::import(&mut store, &[first.as_path()], Some("第二小学"), false).unwrap();
    let report = class_list::import(&mut store, &[mobile.as_path()], Some("第二小学"), false).unwrap();
    assert!(mobile_said(&report, 2), "{:?}", report.problems);
    assert_eq!(store.students(&StudentFilter::default()).unwrap().len(), 1);
    assert_eq!(store.student_by_id_number(&id).unwrap().unwrap().name, "学生甲");
    // An earlier row of the same import.
    let mut store = self::store();
    let report = class_list::import(&mut store, &[both.as_path()], Some("第二小学"), false).unwrap();
    assert!(mobile_said(&report, 3), "{:?}", report.problems);
    assert_eq!(store.students(&StudentFilter::default()).unwrap().len(), 1, "{:?}", report.problems);
}

/// A sheet named for the staff (「教师」, 「教职工名单」) with neither a staff title nor a staff column is held as a
/// staff table: its rows are left out and said when every number is an adult's, and read as pupils when one is
/// a pupil's age. Before, its teachers were imported as pupils beside the class sheets.
#[test]
fn a_sheet_named_for_the_staff_is_held_as_a_staff_table() {
    let dir = tempfile::tempdir().unwrap();
    let pupils: Vec<String> = (1..=4).map(|i| valid(&format!("4502022016030553{i}"))).collect();
    let adults = [valid("45020219840305123"), valid("45020219900612456")];
    for (sheet_name, second) in [("教师", &adults[1]), ("教职工名单", &adults[1]), ("教职工", &pupils[3])] {
        let path = dir.path().join(format!("{sheet_name}.xlsx"));
        let mut book = rust_xlsxwriter::Workbook::new();
        let class = book.add_worksheet().set_name("三年级1班").unwrap();
        for (c, word) in ["姓名", "身份证号码", "联系电话"].iter().enumerate() {
            class.write_string(0, c as u16, *word).unwrap();
        }
        for (r, name) in ["学生甲", "学生乙", "学生丙"].iter().enumerate() {
            class.write_string(r as u32 + 1, 0, *name).unwrap();
            class.write_string(r as u32 + 1, 1, &pupils[r]).unwrap();
        }
        let staff = book.add_worksheet().set_name(sheet_name).unwrap();
        for (c, word) in ["姓名", "身份证号码", "联系电话"].iter().enumerate() {
            staff.write_string(0, c as u16, *word).unwrap();
        }
        for (r, (name, number)) in [("王老师", &adults[0]), ("李某", second)].iter().enumerate() {
            staff.write_string(r as u32 + 1, 0, *name).unwrap();
            staff.write_string(r as u32 + 1, 1, number.as_str()).unwrap();
            staff.write_string(r as u32 + 1, 2, "13800000001").unwrap();
        }
        book.save(&path).unwrap();
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        let left = report.problems.iter().find(|p| p.message.contains("是教职工表"));
        if second == &pupils[3] {
            assert_eq!(report.added, 5, "{sheet_name}: {:?}", report.problems);
            assert!(left.is_none(), "{sheet_name}: {left:?}");
        } else {
            assert_eq!(report.added, 3, "{sheet_name}: {:?}", report.problems);
            let left = left.unwrap_or_else(|| panic!("{sheet_name}: {:?}", report.problems));
            assert_eq!((left.sheet.as_str(), left.row), (sheet_name, Some(2)), "{left:?}");
            assert!(left.message.starts_with(&format!("第 2 至 3 行是教职工表“{sheet_name}”：2 人")), "{left:?}");
            assert!(store.student_by_id_number(&adults[0]).unwrap().is_none());
        }
    }
}

/// A pupils' table stacked without a class column on a sheet named for its class (「三年级1班」), with no title
/// over it, takes the sheet's class, said at its header; on a sheet named for none (「全校」) it has no class, said
/// there too. The CSV's file name names its class as a sheet's name does.
#[test]
fn a_stacked_table_without_a_class_column_takes_the_class_its_sheet_is_named_for() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030554{i}"))).collect();
    for (file, sheet, class) in [
        ("class.xlsx", "三年级1班", "三年级1班"),
        ("三年级1班.csv", "", "三年级1班"),
        ("school.xlsx", "全校", ""),
        ("名单.csv", "", ""),
    ] {
        let path = dir.path().join(file);
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("姓名"), Some("身份证号"), Some("班级")],
            vec![Some("甲一"), Some(ids[0].as_str()), Some("三年级1班")],
            vec![],
            vec![Some("序号"), Some("姓名"), Some("身份证号"), Some("联系电话")], // row 4
            vec![Some("1"), Some("乙一"), Some(ids[1].as_str()), Some("13800000001")],
        ];
        write_rows(&path, sheet, &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        let class_of = store.student_by_id_number(&ids[1]).unwrap().unwrap().class_label();
        assert_eq!(class_of, class, "{file}: {:?}", report.problems);
        let said = |what: &str| report.problems.iter().any(|p| p.row == Some(4) && p.message.contains(what));
        match class {
            "" => assert!(said("此表没有班级列") && said("没有班级"), "{file}: {:?}", report.problems),
            _ => assert!(said("导入到“三年级1班”"), "{file}: {:?}", report.problems),
        }
    }
}

/// A class cell naming another year than its row's 年级 cell never moves the pupil into that year, however it writes
/// the year short (1.2, 1-2, 一.2, 一(2)班, 102, 0102 beside 二年级): the pupil stays in 二年级 with the class as
/// written, and the report says each row once; 一年级2班, naming its class whole, is that class, said as well. Beside
/// 一年级 the same cells are 一年级2班.
#[test]
fn a_class_cell_naming_another_year_leaves_the_pupil_in_the_grade_columns_grade() {
    let dir = tempfile::tempdir().unwrap();
    let cells = ["1.2", "1-2", "一.2", "一（2）班", "一年级2班", "102", "0102"];
    let ids: Vec<String> = (0..cells.len() * 2).map(|i| valid(&format!("45020220180305{:03}", 700 + i))).collect();
    let mut text = "姓名,身份证号码,年级,班级\n".to_owned();
    for (i, cell) in cells.iter().enumerate() {
        text.push_str(&format!("二年级生{i},{},二年级,{cell}\n", ids[i]));
        text.push_str(&format!("一年级生{i},{},一年级,{cell}\n", ids[cells.len() + i]));
    }
    let csv = dir.path().join("名单.csv");
    std::fs::write(&csv, text).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[csv.as_path()], Some("第二小学"), false).unwrap();
    for (i, cell) in cells.iter().enumerate() {
        let pupil = store.student_by_id_number(&ids[i]).unwrap().unwrap();
        if *cell == "一年级2班" {
            // Named whole, the class is the one the cell names (never 二年级一年级2班), said at the row.
            assert_eq!(pupil.class_label(), "一年级2班", "{cell}: {:?}", report.problems);
        } else {
            assert_eq!(pupil.grade, "二年级", "{cell}: {:?}", report.problems);
            assert_ne!(pupil.class, "2班", "{cell}: not silently 二年级2班");
        }
        let first = store.student_by_id_number(&ids[cells.len() + i]).unwrap().unwrap();
        assert_eq!(first.class_label(), "一年级2班", "{cell}: {:?}", report.problems);
        // Said once at the row (rows 2, 4, 6 …), naming the cell; never at the 一年级 row below it.
        let row = 2 + 2 * i;
        let said: Vec<_> = report.problems.iter().filter(|p| p.row == Some(row) && p.column == "班级").collect();
        assert_eq!(said.len(), 1, "{cell}: {said:?}");
        assert!(said[0].message.contains(&format!("“{cell}”")) && said[0].message.contains("二年级"), "{said:?}");
        let below = report.problems.iter().any(|p| p.row == Some(row + 1) && p.column == "班级");
        assert!(!below, "{cell}: {:?}", report.problems);
    }
    assert!(!report.problems.iter().any(|p| p.message.contains("无法从")), "{:?}", report.problems);
}

/// A class list of bare three-digit class numbers and no grade whose numbers leave no doubt (401 is only a primary
/// school's year) reads 301 as 三年级1班, said with each number's class; importing it again changes nobody; a later
/// list of that school writing only 301 and 302 (as a junior school's 初三 might) keeps them 301班 as written, which the
/// drive's 三年级1班 takes in; the class filter finds the pupils by the class shown.
#[test]
fn three_digit_class_numbers_are_read_as_years_by_the_lists_other_classes() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=6).map(|i| valid(&format!("4502022016030560{i}"))).collect();
    let csv = dir.path().join("名单.csv");
    let text = format!(
        "姓名,身份证号,班级\n甲,{},301\n乙,{},302班\n丙,{},401\n丁,{},601\n戊,,302\n",
        ids[0], ids[1], ids[2], ids[3]
    );
    std::fs::write(&csv, text).unwrap();
    let mut store = store();
    let school = Some("城关中心校");
    let report = class_list::import(&mut store, &[csv.as_path()], school, false).unwrap();
    let class_of = |store: &Store, i: usize| store.student_by_id_number(&ids[i]).unwrap().unwrap().class_label();
    let read = ["三年级1班", "三年级2班", "四年级1班", "六年级1班"];
    for (i, label) in read.iter().enumerate() {
        assert_eq!(class_of(&store, i), *label, "{:?}", report.problems);
    }
    let said: Vec<_> = report.problems.iter().filter(|p| p.message.contains("班级列写的是三位数的班号")).collect();
    assert_eq!(said.len(), 1, "{:?}", report.problems);
    assert!(said[0].message.contains("“301”→“三年级1班”、“302班”→“三年级2班”"), "{}", said[0].message);
    assert!(!report.problems.iter().any(|p| p.message.contains("→“301班”")), "{:?}", report.problems);
    let everyone = |store: &Store| names_and_classes(store);
    let before = everyone(&store);
    assert!(before.contains(&("戊".to_owned(), "三年级2班".to_owned())), "{before:?}");

    // The same file again: the same pupils, nobody moved or added.
    let again = class_list::import(&mut store, &[csv.as_path()], school, false).unwrap();
    assert_eq!(everyone(&store), before, "{:?}", again.problems);
    assert_eq!((again.added, again.moved_class, again.respelled_class), (0, 0, 0), "{:?}", again.problems);

    // A later list of only 301 and 302: kept 301班 as the list writes it, into the class the drive holds.
    let later = dir.path().join("补录.csv");
    std::fs::write(&later, format!("姓名,身份证号,班级\n甲,{},301\n己,{},301\n戊,,302\n", ids[0], ids[4])).unwrap();
    let report = class_list::import(&mut store, &[later.as_path()], school, false).unwrap();
    assert!(report.problems.iter().any(|p| p.message.contains("“301”→“301班”")), "{:?}", report.problems);
    assert_eq!((class_of(&store, 0), class_of(&store, 4)), ("三年级1班".into(), "三年级1班".into()));
    assert_eq!(report.moved_class, 0, "{:?}", report.problems);
    let after = everyone(&store);
    assert_eq!(after.iter().filter(|(name, _)| name == "戊").count(), 1, "{after:?}");
    assert_eq!(store.class_labels(None).unwrap(), read, "the class filter's list");
    let filter = StudentFilter { class: Some("三年级1班".to_owned()), ..StudentFilter::default() };
    let mut found: Vec<String> = store.students(&filter).unwrap().into_iter().map(|s| s.name).collect();
    found.sort();
    assert_eq!(found, ["己", "甲"]);
}

/// A drive that holds a school's classes as 301班 (a list read before it could be told) keeps them so when a list
/// read by year names them 三年级1班: its pupils are not moved, and a new pupil goes to the class as the drive spells it.
#[test]
fn classes_held_as_numbers_keep_their_spelling_when_a_list_reads_them_by_year() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=4).map(|i| valid(&format!("4502022016030561{i}"))).collect();
    let first = dir.path().join("一.csv");
    std::fs::write(&first, format!("姓名,身份证号,班级\n甲,{},301\n乙,{},302\n", ids[0], ids[1])).unwrap();
    let second = dir.path().join("二.csv");
    let text = format!("姓名,身份证号,班级\n甲,{},301\n丙,{},301\n丁,{},401\n", ids[0], ids[2], ids[3]);
    std::fs::write(&second, text).unwrap();
    let mut store = store();
    let school = Some("城关中心校");
    class_list::import(&mut store, &[first.as_path()], school, false).unwrap();
    let report = class_list::import(&mut store, &[second.as_path()], school, false).unwrap();
    let class_of = |i: usize| store.student_by_id_number(&ids[i]).unwrap().unwrap().class_label();
    assert_eq!([class_of(0), class_of(2), class_of(3)], ["301班", "301班", "四年级1班"], "{:?}", report.problems);
    assert_eq!(report.moved_class, 0, "{:?}", report.problems);
}

/// A title with a date beside it over a table stacked under another (「XX小学四年级2班学生名单 | | 2026-09-01」, or a
/// list's title with its 制表日期) is a title, never a pupil of that name without an ID number; a name beside a
/// date is still a pupil.
#[test]
fn a_title_beside_a_date_over_a_stacked_table_is_no_pupil() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030551{i}"))).collect();
    for (file, title_row, class) in [
        ("class.xlsx", vec![Some("XX小学四年级2班学生名单"), None, Some("2026-09-01")], "四年级2班"),
        ("list.xlsx", vec![Some("补录学生名册"), Some("制表日期：2026-09-01")], "三年级1班"),
    ] {
        let path = dir.path().join(file);
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("姓名"), Some("身份证号")],
            vec![Some("甲一"), Some(ids[0].as_str())],
            vec![],
            title_row,
            vec![Some("序号"), Some("姓名"), Some("身份证号"), Some("联系电话")],
            vec![Some("1"), Some("乙一"), Some(ids[1].as_str()), Some("13800000001")],
        ];
        write_xlsx(&path, "三年级1班", &rows, &[]);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        assert_eq!((report.added, store.student_count().unwrap()), (2, 2), "{file}: {:?}", report.problems);
        let class_of = store.student_by_id_number(&ids[1]).unwrap().unwrap().class_label();
        assert_eq!(class_of, class, "{file}: {:?}", report.problems);
    }
    // A name beside a date (a birth date, no number yet): a pupil.
    let path = dir.path().join("birth.xlsx");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("姓名"), Some("身份证号"), Some("出生日期")],
        vec![Some("甲一"), Some(ids[0].as_str()), None],
        vec![Some("乙二"), None, Some("2016-03-05")],
    ];
    write_xlsx(&path, "三年级1班", &rows, &[]);
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!(store.student_count().unwrap(), 2, "{:?}", report.problems);
}

/// A staff block beside the pupils' header with its own ID number column (「姓名 | 身份证号码 | 班级 |  | 班主任 |
/// 身份证号码 | 联系电话」) is the staff's too: where the pupils have no phone column of their own, the first pupil
/// takes no phone from it, and nothing of it is imported.
#[test]
fn a_staff_block_beside_the_pupils_with_its_own_id_column_gives_no_pupil_its_phone() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030552{i}"))).collect();
    let teacher = valid("45020219840305123");
    for file in ["staff_id.xlsx", "staff_id.csv"] {
        let path = dir.path().join(file);
        let header = ["姓名", "身份证号码", "班级", "", "班主任", "身份证号码", "联系电话"];
        let rows: Vec<Vec<Option<&str>>> = vec![
            header.iter().map(|h| Some(*h).filter(|h| !h.is_empty())).collect(),
            vec![
                Some("学生甲"),
                Some(ids[0].as_str()),
                Some("三年级1班"),
                None,
                Some("王老师"),
                Some(teacher.as_str()),
                Some("13900000009"),
            ],
            vec![Some("学生乙"), Some(ids[1].as_str()), Some("三年级1班")],
        ];
        write_rows(&path, "三年级1班", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false);
        let report = report.unwrap_or_else(|e| panic!("{file}: refused: {e}"));
        assert_eq!(report.added, 2, "{file}: {:?}", report.problems);
        let first = store.student_by_id_number(&ids[0]).unwrap().unwrap();
        assert_eq!((first.phone.as_str(), first.class_label().as_str()), ("", "三年级1班"), "{file}");
        assert!(store.student_by_id_number(&teacher).unwrap().is_none(), "{file}");
        let said = report.problems.iter().find(|p| p.message.contains("教职工的信息"));
        let said = said.unwrap_or_else(|| panic!("{file}: {:?}", report.problems));
        assert!(said.message.contains("第 E–G 列"), "{file}: {said:?}");
    }
}

/// Whether three-digit class numbers are read by year is decided by every class cell of the sheet, not its first
/// rows alone: a list sorted from 101 whose 401 comes after two hundred rows of 一年级 reads as the same list
/// sorted from 401 does.
#[test]
fn three_digit_class_numbers_are_decided_by_every_class_of_the_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (0..=240).map(|i| valid(&format!("45020220160305{i:03}"))).collect();
    let mut text = "姓名,身份证号,班级\n".to_owned();
    for (i, id) in ids.iter().enumerate() {
        let class = match i {
            0..=229 => ["101", "102"][i % 2],
            _ => "401",
        };
        text.push_str(&format!("学生甲,{id},{class}\n"));
    }
    let csv = dir.path().join("名单.csv");
    std::fs::write(&csv, text).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[csv.as_path()], Some("城关中心校"), false).unwrap();
    let class_of = |i: usize| store.student_by_id_number(&ids[i]).unwrap().unwrap().class_label();
    assert_eq!(
        [class_of(0), class_of(1), class_of(240)],
        ["一年级1班", "一年级2班", "四年级1班"],
        "{:?}",
        report.problems
    );
    assert!(report.problems.iter().any(|p| p.message.contains("班级列写的是三位数的班号")), "{:?}", report.problems);
}

/// 民族 written as GB/T 3304 codes (「01」 汉族, 「02」 蒙古族), in a column of codes and names, is read as the
/// groups' names and said; a column holding anything else keeps its codes as written.
#[test]
fn ethnic_groups_written_as_national_codes_are_read_as_their_names() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=3).map(|i| valid(&format!("4502022016030562{i}"))).collect();
    for (file, third, read) in
        [("codes.csv", "壮族", ["汉族", "蒙古族", "壮族"]), ("mixed.csv", "穿青人", ["01", "02", "穿青人"])]
    {
        let path = dir.path().join(file);
        let text = format!(
            "姓名,身份证号码,班级,民族\n甲,{},一年级1班,01\n乙,{},一年级1班,02\n丙,{},一年级1班,{third}\n",
            ids[0], ids[1], ids[2]
        );
        std::fs::write(&path, text).unwrap();
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        for (i, group) in read.iter().enumerate() {
            let pupil = store.student_by_id_number(&ids[i]).unwrap().unwrap();
            assert_eq!(pupil.ethnicity.as_deref(), Some(*group), "{file}: {:?}", report.problems);
        }
        let said = report.problems.iter().any(|p| p.message.contains("GB/T 3304"));
        assert_eq!(said, file == "codes.csv", "{file}: {:?}", report.problems);
    }
}

/// A staff table stacked under the pupils under a header naming the staff (「教师姓名 | 身份证号码 | 职务」,
/// 「教职工姓名 | 身份证号 | 岗位」, 「班主任 | 身份证号码」, 「教师姓名 | 教师身份证号」), with or without a blank row
/// above it, is left out as one headed 「姓名 | 身份证号码 | 职务」 is, and its header row is no pupil. Before, the
/// adults were imported (flagged, in a class named 「班主任」), and with no blank row the header row was a pupil
/// named 「教职工姓名」.
#[test]
fn a_staff_table_under_a_header_naming_the_staff_is_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let pupils: Vec<String> = (1..=3).map(|i| valid(&format!("4502022017020220{i}"))).collect();
    let adults = [valid("45020219800505501"), valid("45020219810505502")];
    let headers: [&[&str]; 5] = [
        &["教师姓名", "身份证号码", "职务"],
        &["教职工姓名", "身份证号", "岗位"],
        &["班主任", "身份证号码"],
        &["教师姓名", "教师身份证号"],
        &["姓名", "身份证号码", "职务"],
    ];
    for (n, header) in headers.iter().enumerate() {
        for blank in [true, false] {
            let file = format!("stack{n}_{blank}.xlsx");
            let path = dir.path().join(&file);
            let mut rows: Vec<Vec<Option<&str>>> = vec![vec![Some("姓名"), Some("身份证号码"), Some("班级")]];
            for (i, name) in ["学生甲", "学生乙", "学生丙"].iter().enumerate() {
                rows.push(vec![Some(name), Some(pupils[i].as_str()), Some("一年级1班")]);
            }
            if blank {
                rows.push(vec![]);
            }
            rows.push(header.iter().map(|h| Some(*h)).collect());
            let post = |p: &'static str| (header.len() > 2).then_some(p);
            rows.push(vec![Some("老师甲"), Some(adults[0].as_str()), post("班主任")]);
            rows.push(vec![Some("老师乙"), Some(adults[1].as_str()), post("教师")]);
            write_rows(&path, "全校", &rows);
            let mut store = store();
            let report = class_list::import(&mut store, &[path.as_path()], Some("测试小学"), false).unwrap();
            for number in &adults {
                assert!(store.student_by_id_number(number).unwrap().is_none(), "{file}: {:?}", report.problems);
            }
            assert_eq!(report.added, 3, "{file}: {:?}", report.problems);
            let first = if blank { 7 } else { 6 };
            let said = format!("第 {first} 至 {} 行是教职工表", first + 1);
            assert!(report.problems.iter().any(|p| p.message.starts_with(&said)), "{file}: {:?}", report.problems);
        }
    }
}

/// 民族 written as GB/T 3304 codes only after the rows read ahead (a list whose first rows are all 汉族, its later
/// ones written 01 and 03) still reads its codes as the groups' names, said with the row they start at.
#[test]
fn ethnicity_codes_first_met_after_the_rows_read_ahead_are_read_as_names() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (0..260).map(|i| valid(&format!("45020220160305{i:03}"))).collect();
    let mut text = "姓名,身份证号码,班级,民族\n".to_owned();
    for (i, id) in ids.iter().enumerate() {
        let group = match i {
            0..=249 => "汉族",
            250 => "03",
            _ => "01",
        };
        text.push_str(&format!("学生{i},{id},四年级1班,{group}\n"));
    }
    let path = dir.path().join("late.csv");
    std::fs::write(&path, text).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    let group = |i: usize| store.student_by_id_number(&ids[i]).unwrap().unwrap().ethnicity;
    assert_eq!([group(0), group(250), group(251)], [Some("汉族".into()), Some("回族".into()), Some("汉族".into())]);
    let said = report.problems.iter().find(|p| p.message.contains("GB/T 3304"));
    let said = said.unwrap_or_else(|| panic!("{:?}", report.problems));
    assert_eq!(said.row, Some(252), "{said:?}");
}

/// A class cell writing another grade in full (「三年级1班」, or 「1.2」 in a 年级班级 column) on a grade's sheet
/// (二年级) keeps the class the cell names and says so at its row; a cell of the sheet's grade says nothing.
#[test]
fn a_class_cell_naming_another_grade_than_its_sheet_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=3).map(|i| valid(&format!("4502022016020250{i}"))).collect();
    for (file, header, cell, to) in
        [("full.xlsx", "班级", "三年级1班", "三年级1班"), ("combined.xlsx", "年级班级", "三年级2班", "三年级2班")]
    {
        let path = dir.path().join(file);
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("姓名"), Some("身份证号码"), Some(header)],
            vec![Some("学生甲"), Some(ids[0].as_str()), Some("1班")],
            vec![Some("学生乙"), Some(ids[1].as_str()), Some(cell)],
            vec![Some("学生丙"), Some(ids[2].as_str()), Some("二年级2班")],
        ];
        write_xlsx(&path, "二年级", &rows, &[]);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("测试小学"), false).unwrap();
        let class_of = |i: usize| store.student_by_id_number(&ids[i]).unwrap().unwrap().class_label();
        assert_eq!([class_of(0), class_of(1), class_of(2)], ["二年级1班", to, "二年级2班"], "{file}");
        let said: Vec<_> = report.problems.iter().filter(|p| p.row == Some(3)).collect();
        assert_eq!(said.len(), 1, "{file}: {:?}", report.problems);
        for words in ["“二年级”", &format!("“{cell}”"), &format!("“{to}”")] {
            assert!(said[0].message.contains(words), "{file}: {words}: {}", said[0].message);
        }
        let others = report.problems.iter().any(|p| p.row == Some(2) || p.row == Some(4));
        assert!(!others, "{file}: {:?}", report.problems);
    }
}

/// The line saying how class numbers were read names the class the pupils went into: a later list keeping 301 as
/// 301班 says the drive's 三年级1班 it went into, and a list read by year into a drive holding 301班 says 301班; a
/// 年级 cell of a bare numeral (「二」) beside 201 reads 二年级1班, never a class 「二1班」.
#[test]
fn the_line_on_class_numbers_names_the_class_the_pupils_went_into() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=8).map(|i| valid(&format!("4502022016030570{i}"))).collect();
    let school = Some("城关中心校");
    let line_of = |report: &class_list::ImportReport, cell: &str| -> String {
        let found = report.problems.iter().find(|p| p.message.contains(&format!("“{cell}”→")));
        found.unwrap_or_else(|| panic!("{cell}: {:?}", report.problems)).message.clone()
    };
    // Read by year first; a later list keeps 301 as 301班, into the drive's 三年级1班.
    let first = dir.path().join("名单.csv");
    let text = format!("姓名,身份证号,班级\n甲,{},301\n乙,{},401\n", ids[0], ids[1]);
    std::fs::write(&first, text).unwrap();
    let mut store = store();
    class_list::import(&mut store, &[first.as_path()], school, false).unwrap();
    let later = dir.path().join("补录.csv");
    std::fs::write(&later, format!("姓名,身份证号,班级\n丙,{},301\n", ids[2])).unwrap();
    let report = class_list::import(&mut store, &[later.as_path()], school, false).unwrap();
    let class_of = |store: &Store, i: usize| store.student_by_id_number(&ids[i]).unwrap().unwrap().class_label();
    assert_eq!(class_of(&store, 2), "三年级1班");
    let line = line_of(&report, "301");
    assert!(line.contains("三年级1班"), "{line}");

    // Held as 301班 first; a list read by year names 三年级1班, and its pupils go into 301班.
    let held = dir.path().join("一.csv");
    std::fs::write(&held, format!("姓名,身份证号,班级\n丁,{},301\n", ids[3])).unwrap();
    let by_year = dir.path().join("二.csv");
    std::fs::write(&by_year, format!("姓名,身份证号,班级\n戊,{},301\n己,{},401\n", ids[4], ids[5])).unwrap();
    let mut store2 = self::store();
    class_list::import(&mut store2, &[held.as_path()], school, false).unwrap();
    let report = class_list::import(&mut store2, &[by_year.as_path()], school, false).unwrap();
    assert_eq!(class_of(&store2, 4), "301班");
    let line = line_of(&report, "301");
    assert!(line.contains("“301班”"), "{line}");

    // 年级 「二」 beside 201.
    let numeral = dir.path().join("年级.csv");
    std::fs::write(&numeral, format!("姓名,身份证号,年级,班级\n庚,{},二,201\n辛,{},二,2\n", ids[6], ids[7])).unwrap();
    let mut store3 = self::store();
    let report = class_list::import(&mut store3, &[numeral.as_path()], school, false).unwrap();
    assert_eq!((class_of(&store3, 6), class_of(&store3, 7)), ("二年级1班".into(), "二年级2班".into()));
    assert!(!report.problems.iter().any(|p| p.message.contains("“二1班”")), "{:?}", report.problems);
}

/// Rows under a staff header (「教师姓名 | 身份证号码」) that a pupil's number among them sends back to be read as
/// pupils are all read as pupils, those without a number before the first number too: none is dropped as a row
/// under another table, and each without a number is said at its row.
#[test]
fn rows_without_a_number_under_a_staff_header_proved_pupils_are_pupils() {
    let dir = tempfile::tempdir().unwrap();
    let pupils: Vec<String> = (1..=4).map(|i| valid(&format!("4502022017020240{i}"))).collect();
    let adult = valid("45020219800505503");
    for (blank, ext) in [(true, "xlsx"), (false, "xlsx"), (true, "csv")] {
        let file = format!("back_{blank}.{ext}");
        let path = dir.path().join(&file);
        let mut rows: Vec<Vec<Option<&str>>> = vec![vec![Some("姓名"), Some("身份证号码"), Some("班级")]];
        for (i, name) in ["学生甲", "学生乙"].iter().enumerate() {
            rows.push(vec![Some(name), Some(pupils[i].as_str()), Some("一年级1班")]);
        }
        if blank {
            rows.push(vec![]);
        }
        rows.push(vec![Some("教师姓名"), Some("身份证号码")]);
        let unnumbered = rows.len() + 1;
        rows.push(vec![Some("无号甲"), None]);
        rows.push(vec![Some("无号乙"), Some("")]);
        rows.push(vec![Some("老师丙"), Some(adult.as_str())]);
        rows.push(vec![Some("学生丁"), Some(pupils[2].as_str())]);
        rows.push(vec![Some("无号戊"), None]);
        write_rows(&path, "一年级1班", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("测试小学"), false).unwrap();
        let names: Vec<String> = names_and_classes(&store).into_iter().map(|(name, _)| name).collect();
        for name in ["学生丁", "无号甲", "无号乙", "无号戊"] {
            assert!(names.iter().any(|n| n == name), "{file}: {name}: {names:?} {:?}", report.problems);
        }
        for row in [unnumbered, unnumbered + 1] {
            let said = report.problems.iter().any(|p| p.row == Some(row) || p.last_row.is_some_and(|l| l >= row));
            assert!(said, "{file}: row {row}: {:?}", report.problems);
            let skipped = report.problems.iter().any(|p| p.row == Some(row) && p.message.contains("另一张表之下"));
            assert!(!skipped, "{file}: row {row}: {:?}", report.problems);
        }
    }
}

/// A staff table stacked under the pupils under a header naming the staff but with no ID column (「教师姓名 |
/// 联系电话」, 「班主任 | 电话」), with or without a blank row above it, is held and left out as one with an ID column
/// is, said with its rows: no adult becomes a pupil without a number (before, a row with an adult's number ended it
/// and the rows after it were pupils), nor its header a pupil. A pupil's row after it (a valid number of a pupil's
/// age) is a pupil again.
#[test]
fn a_staff_table_without_an_id_column_under_a_header_naming_the_staff_is_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let pupils: Vec<String> = (1..=4).map(|i| valid(&format!("4502022017020230{i}"))).collect();
    let adult = valid("45020219800505504");
    let headers: [&[&str]; 3] = [&["教师姓名", "联系电话"], &["班主任", "电话"], &["教职工姓名", "联系电话", "职务"]];
    for (n, header) in headers.iter().enumerate() {
        for (blank, ext, phones) in
            [(true, "xlsx", true), (false, "xlsx", true), (true, "csv", false), (false, "csv", true)]
        {
            let file = format!("nid{n}_{blank}_{phones}.{ext}");
            let path = dir.path().join(&file);
            let mut rows: Vec<Vec<Option<&str>>> =
                vec![vec![Some("姓名"), Some("身份证号码"), Some("班级"), Some("联系电话")]];
            for (i, name) in ["学生甲", "学生乙", "学生丙"].iter().enumerate() {
                rows.push(vec![Some(name), Some(pupils[i].as_str()), Some("一年级1班"), Some("13800000001")]);
            }
            if blank {
                rows.push(vec![]);
            }
            rows.push(header.iter().map(|h| Some(*h)).collect());
            let first = rows.len() + 1;
            let phone = |p: &'static str| phones.then_some(p);
            let post = |p: &'static str| (header.len() > 2).then_some(p);
            rows.push(vec![Some("王老师"), phone("13900000001"), post("班主任")]);
            // An adult's number where the phones are: before, it ended the table, and the rows after were pupils.
            rows.push(vec![Some("孙老师"), Some(adult.as_str()), post("教师")]);
            rows.push(vec![Some("李老师"), phone("13900000002"), post("教师")]);
            rows.push(vec![Some("赵老师"), None, post("教师")]);
            let last = rows.len();
            rows.push(vec![Some("学生丁"), Some(pupils[3].as_str()), Some("一年级1班")]);
            write_rows(&path, "全校", &rows);
            let mut store = store();
            let report = class_list::import(&mut store, &[path.as_path()], Some("测试小学"), false).unwrap();
            let names: Vec<String> = names_and_classes(&store).into_iter().map(|(name, _)| name).collect();
            assert_eq!(names, ["学生丁", "学生丙", "学生乙", "学生甲"], "{file}: {:?}", report.problems);
            let said = format!("第 {first} 至 {last} 行是教职工表");
            let line = report.problems.iter().find(|p| p.message.starts_with(&said) && p.row == Some(first));
            assert!(line.is_some(), "{file}: {said}: {:?}", report.problems);
            assert_eq!(report.added, 4, "{file}: {:?}", report.problems);
        }
    }
}

/// A teachers' table stacked under the pupils with its columns shifted (「教师姓名 | 身份证号码 | 职务」 from column A,
/// under 「序号 | 学生姓名 | 身份证号码 …」), and a sheet named 教职工名单 with a header canbao does not read: each teacher's
/// row is said once, as left out, where it also read 「姓名栏填的是身份证号码…此行已按身份证号码栏导入」 of a row not
/// imported; the staff sheet is said as a staff list, where each row's advice to write a pupils' header above it
/// would import the headmaster as a pupil.
#[test]
fn a_shifted_teachers_table_and_a_staff_sheet_are_said_as_left_out_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名单.xlsx");
    let pupils: Vec<String> = (1..=3).map(|i| valid(&format!("4502022019010210{i}"))).collect();
    let teachers = [valid("45020219851019426"), valid("45020219880920770")];
    let head = valid("45020219750821452");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("一年级").unwrap();
    for (c, h) in ["序号", "学生姓名", "身份证号码", "年级", "班级"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (i, id) in pupils.iter().enumerate() {
        let r = 1 + i as u32;
        sheet.write_number(r, 0, r as f64).unwrap();
        sheet.write_string(r, 1, format!("学生{r}")).unwrap();
        sheet.write_string(r, 2, id).unwrap();
        sheet.write_string(r, 3, "一年级").unwrap();
        sheet.write_string(r, 4, "1班").unwrap();
    }
    for (c, h) in ["教师姓名", "身份证号码", "职务"].iter().enumerate() {
        sheet.write_string(5, c as u16, *h).unwrap();
    }
    for (i, (name, id)) in [("覃老师", &teachers[0]), ("韦老师", &teachers[1])].iter().enumerate() {
        sheet.write_string(6 + i as u32, 0, *name).unwrap();
        sheet.write_string(6 + i as u32, 1, id.as_str()).unwrap();
        sheet.write_string(6 + i as u32, 2, "班主任").unwrap();
    }
    let staff = book.add_worksheet().set_name("教职工名单").unwrap();
    for (c, h) in ["教职工姓名", "身份证号", "岗位"].iter().enumerate() {
        staff.write_string(0, c as u16, *h).unwrap();
    }
    staff.write_string(1, 0, "黄校长").unwrap();
    staff.write_string(1, 1, head.as_str()).unwrap();
    staff.write_string(1, 2, "校长").unwrap();
    book.save(&path).unwrap();

    for dry_run in [true, false] {
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("东风小学"), dry_run).unwrap();
        assert_eq!(report.added, 3, "{:?}", report.problems);
        for row in [7, 8] {
            let said: Vec<&str> =
                report.problems.iter().filter(|p| p.row == Some(row)).map(|p| p.message.as_str()).collect();
            assert!(!said.is_empty(), "row {row} is said: {:?}", report.problems);
            assert!(!said.iter().any(|m| m.contains("已按身份证号码栏导入")), "row {row} was not imported: {said:?}");
            // Under the staff's own header, not a footer: the table is said as the rows under another table's.
            assert!(said.iter().all(|m| m.contains("另一张表之下") && !m.contains("表尾行")), "row {row}: {said:?}");
        }
        let staff_said: Vec<&str> =
            report.problems.iter().filter(|p| p.sheet == "教职工名单").map(|p| p.message.as_str()).collect();
        assert!(staff_said.iter().any(|m| m.contains("是教职工名单，不是学生名单，未导入")), "{staff_said:?}");
        assert!(!staff_said.iter().any(|m| m.contains("若是学生，请在名单上方写一行表头")), "{staff_said:?}");
    }
}

/// A row giving a pupil's number under a wholly different name says the screen's way (E on the pupil) and, for
/// taking the list's names, the command line by name in both languages (the import preview shows these words):
/// before, the English named a bare --rename-by-id, and the Chinese no command line at all.
#[test]
fn a_number_under_another_name_names_the_command_line_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let hou = valid("45020520160305123");
    let base = dir.path().join("base.csv");
    std::fs::write(&base, format!("姓名,身份证号码,班级\n侯佑,{hou},一年级1班\n")).unwrap();
    let list = dir.path().join("二班.csv");
    std::fs::write(&list, format!("姓名,身份证号码,班级\n张三丰,{hou},一年级2班\n")).unwrap();
    let mut s = store();
    class_list::import(&mut s, &[base.as_path()], Some("第一小学"), false).expect("base list");
    let report = class_list::import(&mut s, &[list.as_path()], Some("第一小学"), false).unwrap();
    let said = report.problems.iter().find(|p| p.message.contains("不像同一人")).expect("said at its row");
    for words in [
        "按 E 更正姓名",
        "在命令行用 canbao import --rename-by-id",
        "on the command line with canbao import --rename-by-id",
    ] {
        assert!(said.message.contains(words), "{words}: {}", said.message);
    }
}

/// A grade cell (二 or 二年级) beside a class cell naming another grade whole (三年级1班): the pupil goes into the
/// class the cell names, said at the row, as on a sheet named for the grade; before, the two were joined into a
/// class 二年级三年级1班 whose name holds two grades. A cell writing its year short (3.2) keeps the column's grade.
#[test]
fn a_grade_cell_beside_a_class_named_whole_for_another_grade_takes_the_class_named() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("名单.csv");
    let rows = [
        ("壬一", valid("51150220180101555"), "二年级", "1班"),
        ("壬二", valid("51150220180202555"), "二年级", "三年级1班"),
        ("壬三", valid("51150220180303555"), "二", "三年级2班"),
        ("壬四", valid("51150220180404555"), "三年级", "三年级1班"),
        ("壬五", valid("51150220180505555"), "二年级", "3.2"),
    ];
    let body: String = rows.iter().map(|(n, id, g, c)| format!("{n},{id},{g},{c}\n")).collect();
    std::fs::write(&list, format!("姓名,身份证号码,年级,班级\n{body}")).unwrap();
    let mut s = store();
    let report = class_list::import(&mut s, &[list.as_path()], Some("第一小学"), false).unwrap();
    assert_eq!(report.added, 5, "{:?}", report.problems);
    let pupils = s.students(&StudentFilter::default()).unwrap();
    let class_of = |name: &str| {
        let p = pupils.iter().find(|p| p.name == name).unwrap();
        (p.grade.clone(), p.class.clone())
    };
    assert_eq!(class_of("壬二"), ("三年级".to_owned(), "1班".to_owned()));
    assert_eq!(class_of("壬三"), ("三年级".to_owned(), "2班".to_owned()));
    assert_eq!(class_of("壬四"), ("三年级".to_owned(), "1班".to_owned()));
    assert_eq!(class_of("壬五").0, "二年级", "a year written short keeps the grade column's");
    for p in &pupils {
        assert!(!format!("{}{}", p.grade, p.class).contains("二年级三"), "{}: {} {}", p.name, p.grade, p.class);
    }
    for row in [3, 4] {
        let said = report.problems.iter().find(|p| p.row == Some(row)).expect("said at its row");
        assert!(said.message.contains("已按班级列所写导入到“三年级"), "row {row}: {}", said.message);
    }
}

/// Rows under a staff header that proved pupils by a pupil's number leave out a row with an adult's number (the
/// 班主任 at the end), said at its row as staff, where before he was imported into a class 五年级班主任; the header's
/// line says the rows under it were read as pupils, not that they are none.
#[test]
fn an_adult_among_rows_under_a_staff_header_read_as_pupils_is_left_out_as_staff() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("名单.xlsx");
    let ids: Vec<String> = (1..=6).map(|i| valid(&format!("4502022016030570{i}"))).collect();
    let adult = valid("45020219850305701");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("姓名"), Some("身份证号码"), Some("班级")],
        vec![Some("戊一"), Some(ids[0].as_str()), Some("1班")],
        vec![Some("戊二"), Some(ids[1].as_str()), Some("1班")],
        vec![],
        vec![Some("教师姓名"), Some("身份证号码"), Some("职务")], // row 5
        vec![Some("己一"), None, Some("2班")],
        vec![Some("己二"), Some(ids[2].as_str()), Some("2班")],
        vec![Some("己三"), None, Some("2班")],
        vec![Some("庚老师"), Some(adult.as_str()), Some("班主任")], // row 9
    ];
    write_rows(&path, "五年级", &rows);
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第一小学"), false).unwrap();
    let pupils = store.students(&StudentFilter::default()).unwrap();
    assert!(!pupils.iter().any(|p| p.name == "庚老师" || p.class.contains("班主任")), "{:?}", report.problems);
    assert!(pupils.iter().any(|p| p.name == "己二"), "{:?}", report.problems);
    let at = |row: usize| report.problems.iter().find(|p| p.row == Some(row)).map(|p| p.message.clone());
    assert!(at(9).is_some_and(|m| m.contains("是教职工，不是学生")), "{:?}", report.problems);
    let header = at(5).unwrap_or_default();
    assert!(header.contains("已作为学生导入") && !header.contains("都不是学生"), "{header}");
}

/// A second class's block stacked under the first on one sheet, under its own title (「三年级2班学生名单」) and a
/// header without an ID number column (「学生姓名 | 性别 | 联系电话」): the title names the block's class, as the
/// first block's title names its own, the header is read as a header, and the block's pupils are imported into
/// their class, flagged for the missing number as on a sheet without one. Before, the title was imported as a
/// pupil and the pupils under it were lost.
#[test]
fn a_class_block_stacked_under_another_without_an_id_column_gives_its_pupils_under_its_title() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030580{i}"))).collect();
    for file in ["stacked.xlsx", "stacked.csv"] {
        let path = dir.path().join(file);
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("三年级1班学生名单")],
            vec![Some("姓名"), Some("身份证号码"), Some("性别")],
            vec![Some("甲一"), Some(ids[0].as_str()), Some("男")],
            vec![Some("甲二"), Some(ids[1].as_str()), Some("女")],
            vec![],
            vec![Some("三年级2班学生名单")], // row 6
            vec![Some("学生姓名"), Some("性别"), Some("联系电话")],
            vec![Some("乙一"), Some("男"), Some("13800000001")], // row 8
            vec![Some("乙二"), Some("女"), Some("13800000002")],
        ];
        write_rows(&path, "Sheet1", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false);
        let report = report.unwrap_or_else(|e| panic!("{file}: refused: {e}"));
        let got = names_and_classes(&store);
        let want: Vec<(String, String)> =
            [("乙一", "三年级2班"), ("乙二", "三年级2班"), ("甲一", "三年级1班"), ("甲二", "三年级1班")]
                .iter()
                .map(|(n, c)| (n.to_string(), c.to_string()))
                .collect();
        assert_eq!(got, want, "{file}: {:?}", report.problems);
        for row in [8, 9] {
            let flagged = report.problems.iter().any(|p| {
                (p.row == Some(row) || p.row.is_some_and(|r| r < row) && p.last_row.is_some_and(|l| l >= row))
                    && p.message.contains("身份证号码为空（已导入并标记）")
            });
            assert!(flagged, "{file}: row {row} flagged for its missing number: {:?}", report.problems);
        }
        let title = report.problems.iter().find(|p| p.row == Some(6)).map(|p| p.message.as_str()).unwrap_or_default();
        assert!(!title.contains("已导入"), "{file}: the title is no pupil: {title}");
    }
}

/// The staff table's lines say their rows and counts as a reader says them: one row left out is 「此行」 (the
/// report puts 「第 25 行：」 before the line, which said 「第 25 行：第 25 行是教职工表」), one age once (「41 岁」,
/// never 「41 至 41 岁」), one person in English as one (never "1 people", "ID number(s)", "row(s)"), and a preview
/// says what will not be imported (「将不导入」), never that it was not (「未导入」).
#[test]
fn the_staff_tables_lines_say_one_row_one_age_and_a_preview_in_the_future() {
    let dir = tempfile::tempdir().unwrap();
    let pupils: Vec<String> = (1..=2).map(|i| valid(&format!("4502022017020250{i}"))).collect();
    let adult = valid("45020219850305702");
    let age = {
        let report_day = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let born = chrono::NaiveDate::from_ymd_opt(1985, 3, 5).unwrap();
        report_day.years_since(born).unwrap()
    };
    // A staff table of one adult under the staff's own header; one without an ID column over one teacher.
    let numbered: Vec<Vec<Option<&str>>> = vec![
        vec![Some("姓名"), Some("身份证号码"), Some("班级")],
        vec![Some("学生甲"), Some(pupils[0].as_str()), Some("一年级1班")],
        vec![Some("学生乙"), Some(pupils[1].as_str()), Some("一年级1班")],
        vec![],
        vec![Some("教师姓名"), Some("身份证号码"), Some("职务")],
        vec![Some("老师甲"), Some(adult.as_str()), Some("班主任")], // row 6
    ];
    let unnumbered: Vec<Vec<Option<&str>>> = vec![
        vec![Some("姓名"), Some("身份证号码"), Some("班级")],
        vec![Some("学生甲"), Some(pupils[0].as_str()), Some("一年级1班")],
        vec![Some("学生乙"), Some(pupils[1].as_str()), Some("一年级1班")],
        vec![],
        vec![Some("教师姓名"), Some("联系电话")],
        vec![Some("王老师"), Some("13900000001")], // row 6
    ];
    for (file, rows) in [("numbered.xlsx", &numbered), ("unnumbered.xlsx", &unnumbered)] {
        let path = dir.path().join(file);
        write_rows(&path, "全校", rows);
        for dry_run in [false, true] {
            let mut store = store();
            let report = class_list::import(&mut store, &[path.as_path()], Some("测试小学"), dry_run).unwrap();
            assert_eq!(report.added, 2, "{file}: {:?}", report.problems);
            let line = report.problems.iter().find(|p| p.message.contains("行是教职工表"));
            let line = line.unwrap_or_else(|| panic!("{file}: {:?}", report.problems));
            assert_eq!(line.row, Some(6), "{file}: {line:?}");
            let said = match dry_run {
                true => class_list::as_preview(&line.message),
                false => line.message.clone(),
            };
            assert!(said.starts_with("此行是教职工表") && !said.contains("第 6 行"), "{file}: {said}");
            for wrong in ["(s)", "1 people", "至 {age} 岁", "to {age})"] {
                assert!(!said.contains(&wrong.replace("{age}", &age.to_string())), "{file}: {wrong}: {said}");
            }
            match file {
                "numbered.xlsx" => {
                    assert!(
                        said.contains(&format!("（{age} 岁）")) && said.contains(&format!("(aged {age})")),
                        "{said}"
                    )
                }
                _ => assert!(said.contains("its 1 person is no pupil"), "{said}"),
            }
            match dry_run {
                true => assert!(
                    said.contains("将不导入") && !said.contains("未导入") && said.contains("will not be imported"),
                    "{file}: {said}"
                ),
                false => assert!(said.contains("未导入") && said.contains("not imported"), "{file}: {said}"),
            }
        }
    }
}

/// The staff's other lines, previewed: a sheet naming the staff (one row with a number: "1 row holds", never "1
/// rows hold"), the staff's columns beside the pupils (one row filling them: "1 row fills them (row 2)", never "1
/// row(s)"), a staff table's rows without a valid number left out with the adults, and a staff header over rows
/// that proved pupils: each says in a preview what will be done, never 「未导入」 of a dry run.
#[test]
fn every_staff_line_of_a_preview_says_what_will_not_be_imported() {
    let dir = tempfile::tempdir().unwrap();
    let pupils: Vec<String> = (1..=4).map(|i| valid(&format!("4502022017020260{i}"))).collect();
    let adults = [valid("45020219850305703"), valid("45020219800305704")];
    let path = dir.path().join("名单.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("一年级1班").unwrap();
    let pupils_rows: Vec<Vec<&str>> = vec![
        vec!["姓名", "身份证号码", "班级", "", "班主任", "身份证号码", "联系电话"],
        vec!["学生甲", pupils[0].as_str(), "一年级1班", "", "王老师", adults[0].as_str(), "13900000009"],
        vec!["学生乙", pupils[1].as_str(), "一年级1班"],
        vec![],
        // A staff table whose adults are left out with a name without a number (row 6).
        vec!["教师姓名", "身份证号码", "职务"],
        vec!["老师甲", adults[0].as_str(), "班主任"],
        vec!["老师乙", "", "教师"],
        vec!["老师丙", adults[1].as_str(), "教师"],
    ];
    for (r, row) in pupils_rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
            sheet.write_string(r as u32, c as u16, *text).unwrap();
        }
    }
    let staff = book.add_worksheet().set_name("教职工名单").unwrap();
    for (c, h) in ["教职工姓名", "身份证号", "岗位"].iter().enumerate() {
        staff.write_string(0, c as u16, *h).unwrap();
    }
    staff.write_string(1, 0, "黄校长").unwrap();
    staff.write_string(1, 1, adults[1].as_str()).unwrap();
    staff.write_string(1, 2, "校长").unwrap();
    book.save(&path).unwrap();
    // A staff header over a pupil: read as pupils, and a preview says they are to be.
    let proved = dir.path().join("proved.csv");
    let (pupil_a, pupil_b) = (pupils[2].as_str(), pupils[3].as_str());
    std::fs::write(
        &proved,
        format!("姓名,身份证号码,班级\n学生丙,{pupil_a},一年级1班\n\n教师姓名,身份证号码\n学生丁,{pupil_b}\n"),
    )
    .unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path(), proved.as_path()], Some("测试小学"), true).unwrap();
    let said: Vec<String> = report.problems.iter().map(|p| class_list::as_preview(&p.message)).collect();
    let find = |words: &str| said.iter().find(|m| m.contains(words)).unwrap_or_else(|| panic!("{words}: {said:#?}"));
    let sheet_line = find("是教职工名单");
    assert!(sheet_line.contains("将不导入") && sheet_line.contains("1 row holds a valid"), "{sheet_line}");
    assert!(sheet_line.contains("will not be imported"), "{sheet_line}");
    let beside = find("教职工的信息");
    assert!(beside.contains("1 row fills them (row 2)") && beside.contains("均将不导入"), "{beside}");
    assert!(beside.contains("none of it to be imported") && beside.contains("will go to a pupil"), "{beside}");
    let table = find("行是教职工表");
    assert!(
        table.contains("一并将不导入") && table.contains("1 row with no valid ID number (row 7) will be"),
        "{table}"
    );
    assert!(table.contains("its 2 ID numbers all an adult's"), "{table}");
    let header = find("像是教职工表");
    assert!(header.contains("将作为学生导入") && header.contains("to be read as pupils"), "{header}");
    for line in said.iter().filter(|m| m.contains("教职工")) {
        assert!(!line.contains("未导入") && !line.contains("(s)"), "{line}");
    }
}

/// Two sheets writing the same class cell (三年级1班 under 二年级's grade), one named for the grade and one named
/// for a class: each is read by its own name, whichever comes first. Before, the second took the first's reading
/// of the cell, and the line saying the cell names another grade than the sheet's was said of the wrong one.
#[test]
fn the_same_class_cell_on_a_sheet_named_for_a_class_is_read_by_its_own_name() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030590{i}"))).collect();
    for order in [["二年级", "二年级1班"], ["二年级1班", "二年级"]] {
        let path = dir.path().join(format!("{}.xlsx", order[0]));
        let mut book = rust_xlsxwriter::Workbook::new();
        for (i, name) in order.iter().enumerate() {
            let sheet = book.add_worksheet().set_name(*name).unwrap();
            for (c, h) in ["姓名", "身份证号码", "班级"].iter().enumerate() {
                sheet.write_string(0, c as u16, *h).unwrap();
            }
            sheet.write_string(1, 0, format!("学生{i}")).unwrap();
            sheet.write_string(1, 1, ids[i].as_str()).unwrap();
            sheet.write_string(1, 2, "三年级1班").unwrap();
        }
        book.save(&path).unwrap();
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("测试小学"), false).unwrap();
        assert_eq!(report.added, 2, "{order:?}: {:?}", report.problems);
        let other_than_sheet = |sheet: &str| {
            report.problems.iter().any(|p| p.sheet == sheet && p.message.starts_with("工作表名称（或标题）写的年级是"))
        };
        assert!(other_than_sheet("二年级"), "{order:?}: {:?}", report.problems);
        assert!(!other_than_sheet("二年级1班"), "{order:?}: {:?}", report.problems);
    }
}

/// A staff block beside the pupils' header naming the staff only in its ID number's header (「姓名 | 班主任身份证号 |
/// 联系电话」 past an empty column): the staff's, as a block under 「班主任」 is. No staff member becomes a pupil, and
/// no pupil takes the class teacher's phone; before, the first pupil's phone was the teacher's.
#[test]
fn a_staff_block_beside_the_pupils_named_only_in_its_id_header_gives_no_pupil_its_phone() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030553{i}"))).collect();
    let teacher = valid("45020219840305124");
    for file in ["staff_id_word.xlsx", "staff_id_word.csv"] {
        let path = dir.path().join(file);
        let header = ["姓名", "身份证号码", "班级", "", "姓名", "班主任身份证号", "联系电话"];
        let rows: Vec<Vec<Option<&str>>> = vec![
            header.iter().map(|h| Some(*h).filter(|h| !h.is_empty())).collect(),
            vec![
                Some("学生甲"),
                Some(ids[0].as_str()),
                Some("三年级1班"),
                None,
                Some("王老师"),
                Some(teacher.as_str()),
                Some("13900000009"),
            ],
            vec![Some("学生乙"), Some(ids[1].as_str()), Some("三年级1班")],
        ];
        write_rows(&path, "三年级1班", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false);
        let report = report.unwrap_or_else(|e| panic!("{file}: refused: {e}"));
        assert_eq!(report.added, 2, "{file}: {:?}", report.problems);
        assert_eq!(names_and_classes(&store).len(), 2, "{file}: {:?}", report.problems);
        let first = store.student_by_id_number(&ids[0]).unwrap().unwrap();
        assert_eq!((first.phone.as_str(), first.class_label().as_str()), ("", "三年级1班"), "{file}");
        assert!(store.student_by_id_number(&teacher).unwrap().is_none(), "{file}");
        let said = report.problems.iter().find(|p| p.message.contains("教职工的信息"));
        let said = said.unwrap_or_else(|| panic!("{file}: {:?}", report.problems));
        assert!(said.message.contains("第 E–G 列") && said.message.contains("1 row fills them (row 2)"), "{said:?}");
    }
}

/// The department's list `path` imported all the same, as a class list of 第二小学 (`--as-class-list`): `what`
/// names the case where it fails.
fn imported_as_class_list(store: &mut Store, path: &Path, what: &str) -> class_list::ImportReport {
    let mut request =
        class_list::ImportRequest::new(store, vec![path.to_owned()], Some("第二小学".to_owned())).unwrap();
    request.as_class_list = true;
    request.run(store, false).unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// A sheet for `write_sheets`: its name, its header and its rows as written.
type SheetSpec<'a> = (&'a str, &'a [&'a str], Vec<Vec<String>>);

/// A workbook of class sheets written with `rust_xlsxwriter`: each sheet's name, header and rows as written.
fn write_sheets(path: &Path, sheets: &[SheetSpec<'_>]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, header, rows) in sheets {
        let sheet = book.add_worksheet().set_name(*name).unwrap();
        for (c, h) in header.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                sheet.write_string(r as u32 + 1, c as u16, text).unwrap();
            }
        }
    }
    book.save(path).unwrap();
}

/// A workbook of class sheets with one sheet of the school's special pupils beside them (姓名 | 身份证号 | 人员类别,
/// no class: a department-style list) imports its class sheets; the special sheet is not imported as a class list
/// and is named, pointing to the category reconcile. Before, the whole workbook was refused without naming the
/// sheet (on a drive holding pupils, or under a sheet name naming a category).
#[test]
fn a_category_sheet_beside_class_sheets_is_left_out_by_name_and_the_classes_import() {
    let dir = tempfile::tempdir().unwrap();
    let class_one: Vec<String> = (1..=3).map(|i| valid(&format!("4502022016030561{i}"))).collect();
    let class_two: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030562{i}"))).collect();
    let stranger = valid("45020320100101888");
    let class_rows = |ids: &[String], tag: &str| -> Vec<Vec<String>> {
        ids.iter().enumerate().map(|(i, id)| vec![format!("{tag}学生{i}"), id.clone()]).collect()
    };
    let special_rows = vec![
        vec!["一班学生0".to_owned(), class_one[0].clone(), "低保对象".to_owned()],
        vec!["不认识".to_owned(), stranger.clone(), "特困人员".to_owned()],
    ];
    let held = dir.path().join("held.csv");
    std::fs::write(&held, format!("姓名,身份证号码,班级\n早来,{},四年级1班\n", valid("45020220150305771"))).unwrap();
    for (special_name, drive_holds) in [("特殊学生", true), ("低保名单", false), ("低保名单", true)] {
        let path = dir.path().join(format!("school-{special_name}-{drive_holds}.xlsx"));
        let pupils: &[&str] = &["姓名", "身份证号码"];
        let special: &[&str] = &["姓名", "身份证号", "人员类别"];
        write_sheets(
            &path,
            &[
                ("三年级1班", pupils, class_rows(&class_one, "一班")),
                ("三年级2班", pupils, class_rows(&class_two, "二班")),
                (special_name, special, special_rows.clone()),
            ],
        );
        let mut store = store();
        if drive_holds {
            class_list::import(&mut store, &[held.as_path()], Some("第二小学"), false).unwrap();
        }
        let what = format!("{special_name}, drive holding pupils {drive_holds}");
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false)
            .unwrap_or_else(|e| panic!("{what}: refused: {e}"));
        assert_eq!(report.added, 5, "{what}: {:?}", report.problems);
        assert!(store.student_by_id_number(&stranger).unwrap().is_none(), "{what}: the stranger is no pupil");
        let first = store.student_by_id_number(&class_one[0]).unwrap().unwrap();
        assert_eq!(first.class_label(), "三年级1班", "{what}");
        let said =
            report.problems.iter().find(|p| p.sheet == special_name && p.message.contains("--source categories"));
        let said = said.unwrap_or_else(|| panic!("{what}: {:?}", report.problems));
        assert!(said.message.contains(special_name) && said.message.contains("未作为班级名单导入"), "{said:?}");
    }
    // A workbook of nothing but category sheets is refused as a single one is.
    let path = dir.path().join("only.xlsx");
    let special: &[&str] = &["姓名", "身份证号", "人员类别"];
    write_sheets(&path, &[("低保", special, special_rows.clone()), ("特困", special, special_rows.clone())]);
    let mut store = store();
    class_list::import(&mut store, &[held.as_path()], Some("第二小学"), false).unwrap();
    let refused = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false);
    assert!(matches!(refused, Err(ImportError::CategoryList { .. })), "{refused:?}");
    // So is one beside a 说明 sheet only, its sample row no class's pupil to import beside it.
    let path = dir.path().join("notes.xlsx");
    let notes: &[&str] = &["姓名", "身份证号码"];
    let sample = vec![vec!["张三".to_owned(), valid("45020220160305991")]];
    write_sheets(&path, &[("填写说明", notes, sample), ("特殊学生", special, special_rows.clone())]);
    let refused = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false);
    assert!(matches!(refused, Err(ImportError::CategoryList { .. })), "{refused:?}");
}

/// A department's list (姓名 | 身份证号码 | 人员类别, no class) named as one only by its file's or its sheet's name
/// (「民政局特困人员名单.xlsx」, a sheet 「低保名单」) is refused as a class list on an empty drive too, as one under
/// such a title is; `--as-class-list` still takes it. Before, its people became pupils with no class.
#[test]
fn a_category_list_named_by_its_file_or_sheet_is_refused_on_an_empty_drive() {
    let dir = tempfile::tempdir().unwrap();
    let id = valid("45020320100101888");
    let rows = vec![vec!["不认识".to_owned(), id.clone(), "特困人员".to_owned()]];
    let header: &[&str] = &["姓名", "身份证号码", "人员类别"];
    let by_file = dir.path().join("民政局特困人员名单.xlsx");
    write_sheets(&by_file, &[("Sheet1", header, rows.clone())]);
    let by_sheet = dir.path().join("list.xlsx");
    write_sheets(&by_sheet, &[("低保名单", header, rows.clone())]);
    let by_csv = dir.path().join("低保名单.csv");
    std::fs::write(&by_csv, format!("姓名,身份证号码,人员类别\n不认识,{id},特困人员\n")).unwrap();
    for path in [&by_file, &by_sheet, &by_csv] {
        let mut store = store();
        let refused = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false);
        assert!(matches!(refused, Err(ImportError::CategoryList { .. })), "{path:?}: {refused:?}");
        assert!(store.student_by_id_number(&id).unwrap().is_none(), "{path:?}");
        let report = imported_as_class_list(&mut store, path, &format!("{path:?}"));
        assert_eq!(report.added, 1, "{path:?}: {report:?}");
    }
}

/// A list by grade with a 人员类别 column and no 班级 has a grade, though canbao reads it from no column (a header
/// it does not know, 入学年级 or 原年级; the sheet's or the file's name, 三年级): imported as it would be without
/// its category column, the categories read. Before, on a drive holding pupils, it was refused as a department's
/// list 「没有班级或年级」.
#[test]
fn a_list_by_grade_with_a_category_column_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030571{i}"))).collect();
    let held = dir.path().join("held.csv");
    std::fs::write(&held, format!("姓名,身份证号码,班级\n早来,{},四年级1班\n", valid("45020220150305771"))).unwrap();
    let cases = [
        ("by-header.csv", "Sheet1", "入学年级"),
        ("by-header.xlsx", "Sheet1", "原年级"),
        ("list.xlsx", "三年级", ""),
        ("三年级.csv", "Sheet1", ""),
    ];
    for (file, sheet, grade_header) in cases {
        let path = dir.path().join(file);
        let mut rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("姓名"), Some("身份证号码"), Some("人员类别")],
            vec![Some("甲"), Some(ids[0].as_str()), Some("低保对象")],
            vec![Some("乙"), Some(ids[1].as_str()), None],
        ];
        if !grade_header.is_empty() {
            for (at, row) in rows.iter_mut().enumerate() {
                row.push(Some(if at == 0 { grade_header } else { "三年级" }));
            }
        }
        write_rows(&path, sheet, &rows);
        for drive_holds in [false, true] {
            let mut store = store();
            if drive_holds {
                class_list::import(&mut store, &[held.as_path()], Some("第二小学"), false).unwrap();
            }
            let what = format!("{file}, drive holding pupils {drive_holds}");
            let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false)
                .unwrap_or_else(|e| panic!("{what}: refused: {e}"));
            assert_eq!(report.added, 2, "{what}: {:?}", report.problems);
            let first = store.student_by_id_number(&ids[0]).unwrap().unwrap();
            let categories: Vec<&str> = first.categories.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(categories, ["低保对象"], "{what}");
        }
    }
}

/// A staff block beside the pupils past an empty column (「姓名 | 身份证号码 | 职务」) is said once, as the
/// staff's; before, it was said first as another name and ID number block of adults (「多为家长」), then again.
#[test]
fn a_staff_block_beside_the_pupils_is_said_once_as_the_staffs() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030581{i}"))).collect();
    let teacher = valid("45020219840305124");
    // Named as the staff's by a 职务 column (「姓名 | 身份证号码 | 职务」), or by its name column (「班主任」).
    let blocks =
        [("staff.xlsx", "姓名", "职务"), ("staff.csv", "姓名", "职务"), ("teacher.xlsx", "班主任", "联系电话")];
    for (file, staff_name, third) in blocks {
        let path = dir.path().join(file);
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![
                Some("姓名"),
                Some("身份证号码"),
                Some("班级"),
                None,
                Some(staff_name),
                Some("身份证号码"),
                Some(third),
            ],
            vec![
                Some("学生甲"),
                Some(ids[0].as_str()),
                Some("三年级1班"),
                None,
                Some("王老师"),
                Some(teacher.as_str()),
                Some(if third == "职务" { "班主任" } else { "13900000009" }),
            ],
            vec![Some("学生乙"), Some(ids[1].as_str()), Some("三年级1班")],
        ];
        write_rows(&path, "三年级1班", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false)
            .unwrap_or_else(|e| panic!("{file}: refused: {e}"));
        assert_eq!(report.added, 2, "{file}: {:?}", report.problems);
        assert!(store.student_by_id_number(&teacher).unwrap().is_none(), "{file}");
        let about_block: Vec<_> =
            report.problems.iter().filter(|p| p.message.contains("E–G") || p.message.contains("E-G")).collect();
        assert_eq!(about_block.len(), 1, "{file}: {about_block:?}");
        assert!(about_block[0].message.contains("教职工"), "{file}: {about_block:?}");
        assert!(!report.problems.iter().any(|p| p.message.contains("多为家长")), "{file}: {:?}", report.problems);
    }
}

/// Reconcile reads an ID cell written with a label (「身份证：4502…」) as the import does: the label left out, the
/// row matched, and said at its row. Before, the row was refused as an ID number that cannot be read.
#[test]
fn reconcile_reads_an_id_cell_with_a_label_as_the_import_does() {
    use canbao::io::reconcile::{Source, reconcile};
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030591{i}"))).collect();
    let list = dir.path().join("list.csv");
    std::fs::write(&list, format!("姓名,身份证号码,班级\n甲,{},三年级1班\n乙,{},三年级1班\n", ids[0], ids[1])).unwrap();
    let mut store = store();
    class_list::import(&mut store, &[list.as_path()], Some("第二小学"), false).unwrap();
    for ext in ["csv", "xlsx"] {
        let path = dir.path().join(format!("categories.{ext}"));
        let (first, second) = (format!("身份证：{}", ids[0]), format!("身份证号 {}", ids[1]));
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("姓名"), Some("身份证号码"), Some("人员类别")],
            vec![Some("甲"), Some(first.as_str()), Some("低保对象")],
            vec![Some("乙"), Some(second.as_str()), Some("孤儿")],
        ];
        write_rows(&path, "Sheet1", &rows);
        let report = reconcile(&mut store, &path, Source::Categories, None, true).unwrap();
        assert_eq!(report.matched + report.already, 2, "{ext}: {report:?}");
        for row in [2, 3] {
            let said = report.problems.iter().find(|p| p.row == Some(row) && p.message.contains("不是号码"));
            assert!(said.is_some(), "{ext} row {row}: {:?}", report.problems);
        }
        assert!(!report.problems.iter().any(|p| p.message.contains(&ids[0])), "{ext}: a whole number shown");
    }
    let path = dir.path().join("categories.csv");
    reconcile(&mut store, &path, Source::Categories, None, false).unwrap();
    let first = store.student_by_id_number(&ids[0]).unwrap().unwrap();
    assert_eq!(first.categories.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["低保对象"]);
}

/// The pupils' rows of a list, each `[年级, 班级, 姓名, 身份证号]` with a number made from its index.
fn graded_rows<'a>(cells: &[(&'a str, &'a str, &'a str)], ids: &'a [String]) -> Vec<Vec<Option<&'a str>>> {
    let mut rows = vec![vec![Some("年级"), Some("班级"), Some("姓名"), Some("身份证号")]];
    for (i, (grade, class, name)) in cells.iter().enumerate() {
        let cell = |t: &'a str| Some(t).filter(|t| !t.is_empty());
        rows.push(vec![cell(grade), cell(class), cell(name), cell(ids[i].as_str()).filter(|_| !name.is_empty())]);
    }
    rows
}

/// A grade written once per block, its 年级 cells blank below it (a sheet with merged 年级 cells, saved as CSV or
/// unmerged): each blank cell is the grade above, said once for the sheet with the rows and the grade each took.
/// Before, the pupils under the first went to a class 「1班」 of no grade, one class of two grades, and nothing said.
#[test]
fn a_grade_written_once_per_block_is_read_down_its_block_and_said() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=6).map(|i| valid(&format!("4502022019011030{i}"))).collect();
    let cells = [
        ("一年级", "1班", "一甲宝"),
        ("", "1班", "一乙宝"),
        ("", "1班", "一丙宝"),
        ("二年级", "1班", "二甲宝"),
        ("", "1班", "二乙宝"),
        ("", "1班", "二丙宝"),
    ];
    for file in ["年级只写一次.csv", "年级只写一次.xlsx"] {
        let path = dir.path().join(file);
        write_rows(&path, "名单", &graded_rows(&cells, &ids));
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("绿地小学"), false).unwrap();
        assert_eq!(report.added, 6, "{file}: {:?}", report.problems);
        let got = names_and_classes(&store);
        for (name, class) in &got {
            let grade = if name.starts_with('一') { "一年级1班" } else { "二年级1班" };
            assert_eq!(class, grade, "{file}: {got:?} {:?}", report.problems);
        }
        let said: Vec<_> = report.problems.iter().filter(|p| p.message.contains("按上一行")).collect();
        assert_eq!(said.len(), 1, "{file}: once for the sheet: {:?}", report.problems);
        assert_eq!((said[0].row, said[0].column.as_str()), (Some(3), "年级"), "{file}: {:?}", said[0]);
        let message = &said[0].message;
        assert!(message.contains("第 3–4 行按“一年级”") && message.contains("第 6–7 行按“二年级”"), "{message}");
    }
}

/// LibreOffice's CSV of a sheet whose 年级 and 班级 cells are merged over their pupils (the value in the first row of
/// each, the rest blank) gives every pupil the class the merged sheet shows. Before, 12 of 15 had no class.
#[test]
fn a_sheet_merged_in_grade_and_class_saved_as_csv_gives_every_pupil_its_class() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (10..25).map(|i| valid(&format!("450202201908285{i:02}"))).collect();
    let mut cells: Vec<(&str, &str, &str)> = Vec::new();
    let names = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸", "子", "丑", "寅", "卯", "辰"];
    for (i, name) in names.iter().enumerate() {
        let (grade, class) = match i {
            0 => ("一年级", "1班"),
            6 => ("", "2班"),
            11 => ("", "3班"),
            _ => ("", ""),
        };
        cells.push((grade, class, name));
    }
    let path = dir.path().join("红星小学_合并单元格.csv");
    let mut rows = vec![vec![Some("红星小学学生花名册")]];
    rows.extend(graded_rows(&cells, &ids));
    write_rows(&path, "", &rows);
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("红星小学"), false).unwrap();
    assert_eq!(report.added, 15, "{:?}", report.problems);
    let class_of = |i: usize| store.student_by_id_number(&ids[i]).unwrap().unwrap().class_label();
    for (i, _) in names.iter().enumerate() {
        let class = match i {
            0..6 => "一年级1班",
            6..11 => "一年级2班",
            _ => "一年级3班",
        };
        assert_eq!(class_of(i), class, "row {}: {:?}", i + 3, report.problems);
    }
    assert!(!report.problems.iter().any(|p| p.message.contains("班级为空")), "{:?}", report.problems);
    let said: Vec<(&str, &str)> = report
        .problems
        .iter()
        .filter(|p| p.message.contains("按上一行"))
        .map(|p| (p.column.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(said.len(), 2, "年级 and 班级, once each: {said:?}");
    assert!(said.iter().any(|(c, m)| *c == "年级" && m.contains("第 4–17 行按“一年级”")), "{said:?}");
    assert!(said.iter().any(|(c, m)| *c == "班级" && m.contains("第 10–13 行按“2班”")), "{said:?}");
}

/// A workbook whose 年级 is merged for the first grade and written once, unmerged, for the second, its 班级 merged per
/// block (as numbers). The merged grade reads as 初一 on each of its rows, as a grade written on every row does, where
/// a blank is a pupil's own (待分班): the blanks under 初二 are not read down, and their rows are said, never a class
/// of no grade made silently.
#[test]
fn a_grade_merged_for_one_block_and_written_once_for_the_next_gives_one_class_each() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=9).map(|i| valid(&format!("4502022013051080{i}"))).collect();
    let path = dir.path().join("青山中学_年级班级合并.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["年级", "班级", "姓名", "身份证号"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let plain = rust_xlsxwriter::Format::new();
    sheet.merge_range(1, 0, 6, 0, "初一", &plain).unwrap();
    sheet.write_string(7, 0, "初二").unwrap();
    for (first, class) in [(1, 1.0), (4, 2.0), (7, 1.0)] {
        sheet.merge_range(first, 1, first + 2, 1, "", &plain).unwrap();
        sheet.write_number(first, 1, class).unwrap();
    }
    for (i, id) in ids.iter().enumerate() {
        let name = ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬"][i];
        sheet.write_string(i as u32 + 1, 2, format!("青{name}")).unwrap();
        sheet.write_string(i as u32 + 1, 3, id.as_str()).unwrap();
    }
    book.save(&path).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("青山中学"), false).unwrap();
    assert_eq!(report.added, 9, "{:?}", report.problems);
    let classes: Vec<String> =
        ids.iter().map(|id| store.student_by_id_number(id).unwrap().unwrap().class_label()).collect();
    assert!(classes[6].starts_with("初二"), "{classes:?}");
    assert!(classes[..6].iter().all(|c| c.starts_with("初一")), "{classes:?}");
    assert!(!report.problems.iter().any(|p| p.message.contains("按上一行")), "{:?}", report.problems);
    let said = report.problems.iter().find(|p| p.message.contains("班级也没有写年级"));
    assert!(said.is_some_and(|p| p.message.contains("第 9、10 行")), "{:?}", report.problems);
}

/// Where a blank 年级 or 班级 is no merged cell's: after a blank row, a repeated header or a class heading (a new
/// block), in a column blank from its block's first pupil (a column mostly blank), and in a lone row at the foot.
/// Those keep today's reading and its lines; a grade left blank where the class names none is said, never a class
/// of no grade made silently. A blank class between two rows of one class is filled, and said.
#[test]
fn a_blank_class_cell_is_read_down_only_within_a_block_written_once_per_block() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=8).map(|i| valid(&format!("4502022019021130{i}"))).collect();
    let import = |file: &str, rows: &[Vec<Option<&str>>]| {
        let path = dir.path().join(file);
        write_rows(&path, "名单", rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("绿地小学"), false).unwrap();
        let classes: Vec<String> =
            ids.iter().filter_map(|id| store.student_by_id_number(id).unwrap()).map(|s| s.class_label()).collect();
        (report, classes)
    };
    for ext in ["csv", "xlsx"] {
        // A blank row, then a repeated header, end the block: the grade above is not read across them.
        let mut rows = graded_rows(
            &[
                ("一年级", "1班", "甲"),
                ("", "1班", "乙"),
                ("", "1班", "丙"),
                ("", "", ""),
                ("", "1班", "丁"),
                ("", "1班", "戊"),
            ],
            &ids,
        );
        rows.push(vec![Some("年级"), Some("班级"), Some("姓名"), Some("身份证号")]);
        rows.push(vec![None, Some("2班"), Some("己"), Some(ids[6].as_str())]);
        let (report, classes) = import(&format!("blocks.{ext}"), &rows);
        let expected = ["一年级1班", "一年级1班", "一年级1班", "1班", "1班", "2班"];
        assert_eq!(classes, expected, "{ext}: {:?}", report.problems);
        let said: Vec<_> = report.problems.iter().filter(|p| p.message.contains("年级为空")).collect();
        assert_eq!(said.len(), 1, "{ext}: {:?}", report.problems);
        assert!(said[0].message.contains("第 6、7、9 行"), "{ext}: {:?}", said[0]);
        let filled = |p: &&canbao::io::class_list::Problem| p.message.contains("按上一行");
        let said: Vec<_> = report.problems.iter().filter(filled).collect();
        assert_eq!(said.len(), 1, "{ext}: {:?}", report.problems);
        assert!(said[0].message.contains("第 3–4 行按“一年级”") && !said[0].message.contains("第 6"), "{:?}", said[0]);
        // A class column blank from the first pupil on is a column mostly blank, not one written once per block.
        let rows = graded_rows(
            &[
                ("三年级", "", "甲"),
                ("三年级", "", "乙"),
                ("三年级", "1班", "丙"),
                ("三年级", "", "丁"),
                ("三年级", "", "戊"),
            ],
            &ids,
        );
        let (report, classes) = import(&format!("sparse.{ext}"), &rows);
        assert_eq!(classes, ["三年级", "三年级", "三年级1班", "三年级", "三年级"], "{ext}: {:?}", report.problems);
        assert!(!report.problems.iter().any(|p| p.message.contains("按上一行")), "{ext}: {:?}", report.problems);
        assert!(report.problems.iter().any(|p| p.message.contains("只写了年级")), "{ext}: {:?}", report.problems);
        // One class blank between two rows of that class, in a list writing its class on every row: the pupil's own
        // blank (待分班, a list sorted by name), not the class above.
        let rows = graded_rows(
            &[("三年级", "2班", "甲"), ("三年级", "2班", "乙"), ("三年级", "", "丙"), ("三年级", "2班", "丁")],
            &ids,
        );
        let (report, classes) = import(&format!("between.{ext}"), &rows);
        assert_eq!(classes, ["三年级2班", "三年级2班", "三年级", "三年级2班"], "{ext}: {:?}", report.problems);
        assert!(!report.problems.iter().any(|p| p.message.contains("按上一行")), "{ext}: {:?}", report.problems);
        // 插班生 not yet placed under a list writing each class on every row: left without a class, not put in 2班.
        let rows = graded_rows(
            &[
                ("二年级", "1班", "甲"),
                ("二年级", "1班", "乙"),
                ("二年级", "2班", "丙"),
                ("二年级", "2班", "丁"),
                ("二年级", "", "戊"),
                ("二年级", "", "己"),
            ],
            &ids,
        );
        let (report, classes) = import(&format!("unplaced.{ext}"), &rows);
        assert_eq!(classes[4..], ["二年级", "二年级"], "{ext}: {:?}", report.problems);
        assert!(!report.problems.iter().any(|p| p.message.contains("按上一行")), "{ext}: {:?}", report.problems);
        // A list sorted by name, classes alternating: a pupil with neither grade nor class is no one's class above.
        let rows = graded_rows(
            &[
                ("四年级", "1班", "甲"),
                ("四年级", "2班", "乙"),
                ("", "", "丙"),
                ("四年级", "1班", "丁"),
                ("四年级", "2班", "戊"),
            ],
            &ids,
        );
        let (report, classes) = import(&format!("sorted.{ext}"), &rows);
        assert_eq!(classes[2], "", "{ext}: {:?}", report.problems);
        assert!(!report.problems.iter().any(|p| p.message.contains("按上一行")), "{ext}: {:?}", report.problems);
        // A lone blank class at the foot, under a class written on every row: the pupil's own, left blank and said.
        let rows = graded_rows(&[("三年级", "2班", "甲"), ("三年级", "2班", "乙"), ("三年级", "", "丙")], &ids);
        let (report, classes) = import(&format!("foot.{ext}"), &rows);
        assert_eq!(classes, ["三年级2班", "三年级2班", "三年级"], "{ext}: {:?}", report.problems);
        assert!(!report.problems.iter().any(|p| p.message.contains("按上一行")), "{ext}: {:?}", report.problems);
    }
}

/// The titles schools write over a class's pupils, with words around the class: 「四年级2班插班生」,
/// 「四年级2班学生名单（2026年秋季）」, 「三年级1班（班主任：罗丽）」, 「柳州市实验小学 三年级1班 学生花名册」. Each gives
/// its class to the pupils under it: over the header, over a block of a sheet's pupils, and over a table stacked
/// under another. Before, the first three gave none (and over a block 「三年级1班（班主任：罗丽）」 was a pupil).
#[test]
fn a_title_with_words_around_its_class_gives_the_pupils_under_it_its_class() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=8).map(|i| valid(&format!("4502022016030560{i}"))).collect();
    let id = |i: usize| Some(ids[i].as_str());
    let titles = [
        ("四年级2班插班生", "四年级2班"),
        ("四年级2班学生名单（2026年秋季）", "四年级2班"),
        ("三年级1班（班主任：罗丽）", "三年级1班"),
        ("柳州市实验小学 三年级1班 学生花名册", "三年级1班"),
    ];
    for (n, (title, class)) in titles.iter().enumerate() {
        // Over the header of a list without a class column, in XLSX and CSV.
        for file in [format!("top{n}.xlsx"), format!("top{n}.csv")] {
            let path = dir.path().join(&file);
            let rows = vec![vec![Some(*title)], vec![Some("姓名"), Some("身份证号码")], vec![Some("学生甲"), id(0)]];
            write_rows(&path, "Sheet1", &rows);
            let mut store = store();
            let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
            assert_eq!(names_and_classes(&store), [("学生甲".to_owned(), class.to_string())], "{file}: {report:?}");
        }
        // Over a table stacked under another, its header repeated.
        let path = dir.path().join(format!("stacked{n}.xlsx"));
        let rows = vec![
            vec![Some("五年级3班名单")],
            vec![Some("姓名"), Some("身份证号码")],
            vec![Some("学生甲"), id(0)],
            vec![],
            vec![Some(*title)],
            vec![Some("姓名"), Some("身份证号码")],
            vec![Some("学生乙"), id(1)],
        ];
        write_rows(&path, "全校", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        let expected = [("学生乙".to_owned(), class.to_string()), ("学生甲".to_owned(), "五年级3班".to_owned())];
        assert_eq!(names_and_classes(&store), expected, "{title}: {report:?}");
    }
    // Over blocks of one sheet's pupils, one title each.
    let path = dir.path().join("blocks.xlsx");
    let mut rows = vec![vec![Some("姓名"), Some("身份证号码")]];
    for (n, (title, _)) in titles.iter().enumerate() {
        rows.push(vec![Some(*title)]);
        rows.push(vec![Some(["学生甲", "学生乙", "学生丙", "学生丁"][n]), id(n + 2)]);
    }
    write_rows(&path, "全校", &rows);
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    let expected = [("学生丁", "三年级1班"), ("学生丙", "三年级1班"), ("学生乙", "四年级2班"), ("学生甲", "四年级2班")];
    assert_eq!(names_and_classes(&store), expected.map(|(n, c)| (n.to_owned(), c.to_owned())), "{report:?}");
    assert_eq!((report.added, report.skipped), (4, 4), "{report:?}");
    for row in [2, 4, 6, 8] {
        let said = report.problems.iter().find(|p| p.row == Some(row)).map(|p| p.message.as_str()).unwrap_or("");
        assert!(said.contains("班级标题行") && said.contains("其下 1 行"), "row {row}: {said}");
    }
}

/// Notes on a class list mention a class without being its title: 「注：四年级2班学生另表报送」 over the header,
/// 「备注：三年级2班王某转出」 between the pupils, 「说明：四年级3班学生另表报送」 under them. None gives the pupils a
/// class: they keep the class the sheet's name, the file's name or a class title gives, or stay without one, and
/// each note is said as a note, not as a section of pupils who may have left.
#[test]
fn notes_naming_a_class_give_the_pupils_no_class_of_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=3).map(|i| valid(&format!("4502022016030570{i}"))).collect();
    let id = |i: usize| Some(ids[i].as_str());
    // The sheet's name, the file's name, a class title over the pupils, or nothing gives the class.
    for (file, sheet, title, class) in [
        ("sheet.xlsx", "三年级1班", None, "三年级1班"),
        ("三年级1班.csv", "", None, "三年级1班"),
        ("titled.xlsx", "Sheet1", Some("一年级3班"), "一年级3班"),
        ("bare.csv", "", None, ""),
    ] {
        let path = dir.path().join(file);
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("注：四年级2班学生另表报送")],
            vec![Some("姓名"), Some("身份证号码")],
            vec![title],
            vec![Some("学生甲"), id(0)],
            vec![Some("备注：三年级2班王某转出")],
            vec![Some("学生乙"), id(1)],
            vec![Some("学生丙"), id(2)],
            vec![Some("说明：四年级3班学生另表报送")],
        ];
        write_rows(&path, sheet, &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        let expected: Vec<(String, String)> =
            ["学生丙", "学生乙", "学生甲"].iter().map(|n| (n.to_string(), class.to_owned())).collect();
        assert_eq!(names_and_classes(&store), expected, "{file}: {report:?}");
        for (row, note) in [(5, "备注：三年级2班王某转出"), (8, "说明：四年级3班学生另表报送")]
        {
            let said = report.problems.iter().find(|p| p.row == Some(row)).map(|p| p.message.as_str());
            assert!(said.is_some_and(|m| m.starts_with("说明行") && m.contains(note)), "{file}: row {row}: {said:?}");
        }
        assert!(!report.problems.iter().any(|p| p.message.contains("转出本校")), "{file}: {:?}", report.problems);
        let headings = report.problems.iter().filter(|p| p.message.contains("班级标题行"));
        assert!(headings.clone().all(|p| p.message.contains("一年级3班")), "{file}: {:?}", report.problems);
    }
}

/// A class's title stacked under the teachers' table (「班主任 | 联系电话」 and their phones, then 「三年级2班」 over
/// that class's pupils) starts the class: its pupils are put in it, and the teachers left out. Before, the title was
/// held as one of the teachers, and the pupils under it took the class of the table above.
#[test]
fn a_class_title_under_the_teachers_table_gives_the_pupils_under_it_their_class() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=4).map(|i| valid(&format!("4502022016030580{i}"))).collect();
    let id = |i: usize| Some(ids[i].as_str());
    for (file, title, header_again) in [
        ("bare.xlsx", "三年级2班", false),
        ("bare.csv", "三年级2班", false),
        ("titled.xlsx", "三年级2班学生名单", true),
        ("titled.csv", "三年级2班学生名单", true),
    ] {
        let path = dir.path().join(file);
        let mut rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("三年级1班")],
            vec![Some("姓名"), Some("身份证号码")],
            vec![Some("学生甲"), id(0)],
            vec![Some("学生乙"), id(1)],
            vec![],
            vec![Some("班主任"), Some("联系电话")], // row 6
            vec![Some("罗丽"), Some("13800000001")],
            vec![Some("王芳"), Some("13800000002")],
            vec![Some(title)], // row 9
            vec![Some("学生丙"), id(2)],
            vec![Some("学生丁"), id(3)],
        ];
        if header_again {
            rows.insert(9, vec![Some("姓名"), Some("身份证号码")]);
        }
        write_rows(&path, "Sheet1", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        let expected =
            [("学生丁", "三年级2班"), ("学生丙", "三年级2班"), ("学生乙", "三年级1班"), ("学生甲", "三年级1班")];
        assert_eq!(
            names_and_classes(&store),
            expected.map(|(n, c)| (n.to_owned(), c.to_owned())),
            "{file}: {report:?}"
        );
        let said = |row: usize| -> Vec<&str> {
            report.problems.iter().filter(|p| p.row == Some(row)).map(|p| p.message.as_str()).collect()
        };
        assert!(
            said(7).iter().any(|m| m.contains("第 7 至 8 行是教职工表") && m.contains("2 人")),
            "{file}: {:?}",
            said(7)
        );
        assert!(said(9).iter().any(|m| m.contains("班级标题行") && m.contains("归入此班")), "{file}: {:?}", said(9));
    }
}

/// The class teacher's own row under the pupils (「班主任：罗丽」 beside her ID number and phone, her role in the
/// 备注 column, or the whole of it in one cell) is no pupil: left out and said at its row as the staff's. Before,
/// the teacher was imported as a pupil of the class. A parent's number typed for a child, with no staff word,
/// is still the child's row, imported and flagged.
#[test]
fn the_class_teachers_row_under_the_pupils_is_said_and_no_pupil() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030590{i}"))).collect();
    let (teacher, parent) = (valid("45020319850101123"), valid("45020319880202124"));
    let line = format!("班主任：罗丽 {teacher} 13800000000");
    let lasts: [Vec<Option<&str>>; 3] = [
        vec![Some("班主任：罗丽"), Some(teacher.as_str()), Some("13800000000")],
        vec![Some("罗丽"), Some(teacher.as_str()), None, Some("班主任")],
        vec![Some(line.as_str())],
    ];
    for (n, last) in lasts.iter().enumerate() {
        for file in [format!("teacher{n}.xlsx"), format!("teacher{n}.csv")] {
            let path = dir.path().join(&file);
            let rows: Vec<Vec<Option<&str>>> = vec![
                vec![Some("姓名"), Some("身份证号码"), Some("联系电话"), Some("备注")],
                vec![Some("学生甲"), Some(ids[0].as_str())],
                vec![Some("学生乙"), Some(parent.as_str())],
                last.clone(),
            ];
            write_rows(&path, "三年级1班", &rows);
            let mut store = store();
            let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
            let names: Vec<String> = names_and_classes(&store).into_iter().map(|(n, _)| n).collect();
            assert_eq!(names, ["学生乙", "学生甲"], "{file}: {report:?}");
            assert_eq!((report.added, report.skipped), (2, 1), "{file}: {report:?}");
            let said: Vec<&str> =
                report.problems.iter().filter(|p| p.row == Some(4)).map(|p| p.message.as_str()).collect();
            let staff = said.iter().any(|m| m.contains("是教职工，不是学生，未导入") && m.contains("41 岁"));
            assert!(staff, "{file}: {said:?}");
            assert!(!said.iter().any(|m| m.contains(teacher.as_str())), "{file}: the number is masked: {said:?}");
            // The parent's number typed for 学生乙 names no staff: the child's row, flagged.
            let flagged =
                report.problems.iter().any(|p| p.row == Some(3) && p.message.contains("可能是家长或教职工的号码"));
            assert!(flagged, "{file}: {:?}", report.problems);
        }
    }
}

/// A one-sheet list with a 人员类别 column and no class yet (a 新生名单 before classes) saved with Excel's empty
/// Sheet2 and Sheet3, or a school's list split into sheets not by class (本部, 分校), is judged as a one-sheet list
/// is: imported into an empty drive. Before, the empty sheets counted as other lists, the list was left out beside
/// them and the whole file refused as a department's list.
#[test]
fn a_class_less_list_beside_empty_sheets_is_judged_as_a_one_sheet_list() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=4).map(|i| valid(&format!("4502022016030601{i}"))).collect();
    let header: &[&str] = &["姓名", "身份证号码", "性别", "人员类别"];
    let row = |name: &str, id: &String, category: &str| {
        vec![name.to_owned(), id.clone(), "男".to_owned(), category.to_owned()]
    };
    let empty: &[&str] = &[];
    let first = vec![row("甲", &ids[0], "低保对象"), row("乙", &ids[1], "—")];
    let second = vec![row("丙", &ids[2], ""), row("丁", &ids[3], "孤儿")];
    let with_empty = dir.path().join("新生名单.xlsx");
    write_sheets(
        &with_empty,
        &[("Sheet1", header, first.clone()), ("Sheet2", empty, vec![]), ("Sheet3", empty, vec![])],
    );
    let by_site = dir.path().join("新生.xlsx");
    write_sheets(&by_site, &[("本部", header, first.clone()), ("分校", header, second), ("Sheet3", empty, vec![])]);
    for (path, added) in [(&with_empty, 2), (&by_site, 4)] {
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false)
            .unwrap_or_else(|e| panic!("{path:?}: refused: {e}"));
        assert_eq!(report.added, added, "{path:?}: {:?}", report.problems);
        let pupil = store.student_by_id_number(&ids[0]).unwrap().unwrap();
        let categories: Vec<&str> = pupil.categories.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(categories, ["低保对象"], "{path:?}");
        assert!(!report.problems.iter().any(|p| p.message.contains("未作为班级名单导入")), "{:?}", report.problems);
    }
    // Beside a class sheet that gives pupils, such a sheet is still left out by name.
    let beside = dir.path().join("beside.xlsx");
    let pupils: &[&str] = &["姓名", "身份证号码"];
    let class_rows = vec![vec!["戊".to_owned(), valid("45020220160306111")]];
    write_sheets(&beside, &[("Sheet1", header, first), ("三年级1班", pupils, class_rows), ("Sheet3", empty, vec![])]);
    let mut store = store();
    let report = class_list::import(&mut store, &[beside.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!(report.added, 1, "{:?}", report.problems);
    assert!(report.problems.iter().any(|p| p.sheet == "Sheet1" && p.message.contains("未作为班级名单导入")));
}

/// A school's own list before classes whose template carries a filling-in row above the header (「说明：人员类别填写
/// 特困、低保…」) is imported into an empty drive: only the title, the list's own name, tells a department's list
/// by its category words. Before, the instructions row's words refused the school's list as a department's.
#[test]
fn an_instructions_row_naming_categories_does_not_make_a_department_list() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030602{i}"))).collect();
    let instructions = "说明：人员类别填写 特困、低保、孤儿、残疾、脱贫户、监测对象，其余留空";
    for (at, ext) in ["xlsx", "csv"].into_iter().enumerate() {
        let path = dir.path().join(format!("list{at}.{ext}"));
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("XX小学秋季新生花名册")],
            vec![Some(instructions)],
            vec![Some("姓名"), Some("身份证号码"), Some("人员类别")],
            vec![Some("甲"), Some(ids[0].as_str()), Some("低保对象")],
            vec![Some("乙"), Some(ids[1].as_str()), None],
        ];
        write_rows(&path, "Sheet1", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false)
            .unwrap_or_else(|e| panic!("{ext}: refused: {e}"));
        assert_eq!(report.added, 2, "{ext}: {:?}", report.problems);
    }
    // A title naming the category is still a department's list.
    let path = dir.path().join("titled.xlsx");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("2026年低保对象名单")],
        vec![Some("姓名"), Some("身份证号码"), Some("人员类别")],
        vec![Some("甲"), Some(ids[0].as_str()), Some("低保对象")],
    ];
    write_rows(&path, "Sheet1", &rows);
    let mut store = store();
    let refused = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false);
    assert!(matches!(refused, Err(ImportError::CategoryList { .. })), "{refused:?}");
}

/// An ID cell with a label and the number written with spaces (「身份证号：450202 20160305 9112」) is read by the
/// import and reconcile alike, and the message saying so shows the number masked. Before, its runs of 6, 8 and 4
/// digits were never masked and the whole number was shown.
#[test]
fn a_labelled_id_written_with_spaces_is_shown_masked() {
    use canbao::io::reconcile::{Source, reconcile};
    let dir = tempfile::tempdir().unwrap();
    let id = valid("45020220160306031");
    let spaced = format!("身份证号：{} {} {}", &id[..6], &id[6..14], &id[14..]);
    let digits = |text: &str| text.chars().filter(char::is_ascii_digit).collect::<String>();
    let list = dir.path().join("list.csv");
    std::fs::write(&list, format!("姓名,身份证号码,班级\n甲,{spaced},三年级1班\n")).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[list.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!(report.added, 1, "{:?}", report.problems);
    let said = report.problems.iter().find(|p| p.message.contains("不是号码"));
    let said = said.unwrap_or_else(|| panic!("{:?}", report.problems));
    assert!(!digits(&said.message).contains(&id), "import: {said:?}");
    let categories = dir.path().join("categories.csv");
    std::fs::write(&categories, format!("姓名,身份证号码,人员类别\n甲,{spaced},低保对象\n")).unwrap();
    let report = reconcile(&mut store, &categories, Source::Categories, None, true).unwrap();
    assert_eq!(report.matched + report.already, 1, "{report:?}");
    let said = report.problems.iter().find(|p| p.message.contains("不是号码"));
    let said = said.unwrap_or_else(|| panic!("{:?}", report.problems));
    assert!(!digits(&said.message).contains(&id), "reconcile: {said:?}");
}

/// A class list printed in two halves side by side (「姓名 | 身份证号码 | 职务」 twice, past an empty column), its
/// 职务 the pupils' class duties (班长, 学习委员): both halves are the class's pupils, imported, none called staff.
/// Before, the right half was taken as the staff's for its 职务 column and its pupils were not imported.
#[test]
fn a_class_list_in_two_halves_with_pupils_duties_imports_both_halves() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=4).map(|i| valid(&format!("4502022016030604{i}"))).collect();
    for file in ["halves.xlsx", "halves.csv"] {
        let path = dir.path().join(file);
        let head = [Some("姓名"), Some("身份证号码"), Some("职务")];
        let rows: Vec<Vec<Option<&str>>> = vec![
            head.into_iter().chain([None]).chain(head).collect(),
            vec![Some("甲"), Some(&ids[0]), Some("班长"), None, Some("丙"), Some(&ids[2]), Some("学习委员")],
            vec![Some("乙"), Some(&ids[1]), None, None, Some("丁"), Some(&ids[3]), Some("体育委员")],
        ];
        write_rows(&path, "三年级1班", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false)
            .unwrap_or_else(|e| panic!("{file}: refused: {e}"));
        assert_eq!(report.added, 4, "{file}: {:?}", report.problems);
        assert!(!report.problems.iter().any(|p| p.message.contains("教职工")), "{file}: {:?}", report.problems);
    }
}

/// The class of each pupil of a list, by the ID numbers given: "" for none, or a pupil not imported.
fn classes_of(store: &Store, ids: &[String]) -> Vec<String> {
    ids.iter().map(|id| store.student_by_id_number(id).unwrap().map(|s| s.class_label()).unwrap_or_default()).collect()
}

/// Class headings inside a list, over the block of pupils under each, written with more than the class: the grade
/// as a digit and an aside in brackets (「2年级3班(名单)」), a label (「班级：二年级2班」, full-width or ASCII colon),
/// words after the class (「三年级2班 男生」). Each gives the block its class, in one cell or merged across the row,
/// in XLSX and CSV; 「三年级（2）班」 still does. Before, none was read as a heading: its block went into the class
/// above, and a merged one was imported as a pupil.
#[test]
fn a_class_heading_with_words_or_a_label_around_its_class_gives_its_block_the_class() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=7).map(|i| valid(&format!("4502022016030590{i}"))).collect();
    let headings =
        ["2年级3班(名单)", "班级：二年级2班", "班级:二年级4班", "三年级2班 男生", "三年级（5）班", "四年级1班（女生）"];
    let expected = ["一年级1班", "2年级3班", "二年级2班", "二年级4班", "三年级2班", "三年级5班", "四年级1班"];
    for (file, merged) in [("one.xlsx", false), ("merged.xlsx", true), ("one.csv", false)] {
        let path = dir.path().join(file);
        let mut rows: Vec<Vec<Option<&str>>> = vec![vec![Some("姓名"), Some("身份证号码"), Some("备注")]];
        let mut merges = Vec::new();
        rows.push(vec![Some("一年级1班")]);
        rows.push(vec![Some("学生甲"), Some(ids[0].as_str())]);
        for (n, heading) in headings.iter().enumerate() {
            if merged {
                merges.push((rows.len() as u32, 0, 2, *heading));
                rows.push(vec![]);
            } else {
                rows.push(vec![Some(*heading)]);
            }
            rows.push(vec![
                Some(["学生乙", "学生丙", "学生丁", "学生戊", "学生己", "学生庚"][n]),
                Some(ids[n + 1].as_str()),
            ]);
        }
        if merged {
            write_xlsx(&path, "全校", &rows, &merges);
        } else {
            write_rows(&path, "全校", &rows);
        }
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        assert_eq!(classes_of(&store, &ids), expected, "{file}: {:?}", report.problems);
        assert_eq!((report.added, report.skipped), (7, 7), "{file}: {:?}", report.problems);
        for (n, heading) in headings.iter().enumerate() {
            let row = 4 + 2 * n;
            let said = report.problems.iter().find(|p| p.row == Some(row)).map(|p| p.message.as_str()).unwrap_or("");
            assert!(said.contains("班级标题行") && said.contains("其下 1 行"), "{file} row {row} {heading}: {said}");
        }
    }
}

/// A class heading naming two classes (「三年级2班、3班」) gives its block neither, nor the class above: its pupils
/// that write no class of their own are imported without one and said at the heading's row; a pupil writing its own
/// class keeps it. Before, the heading was none, and its pupils went into the class above.
#[test]
fn a_class_heading_naming_two_classes_gives_its_block_no_class_and_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=4).map(|i| valid(&format!("4502022016030591{i}"))).collect();
    for heading in ["三年级2班、3班", "三年级2班和三年级3班", "三年级2、3班"] {
        for file in ["two.xlsx", "two.csv"] {
            let path = dir.path().join(file);
            let rows: Vec<Vec<Option<&str>>> = vec![
                vec![Some("姓名"), Some("身份证号码"), Some("班级")],
                vec![Some("三年级1班")],
                vec![Some("学生甲"), Some(ids[0].as_str())],
                vec![Some(heading)],
                vec![Some("学生乙"), Some(ids[1].as_str())],
                vec![Some("学生丙"), Some(ids[2].as_str()), Some("三年级3班")],
                vec![Some("学生丁"), Some(ids[3].as_str())],
            ];
            write_rows(&path, "全校", &rows);
            let mut store = store();
            let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
            let what = format!("{heading} {file}: {:?}", report.problems);
            assert_eq!(classes_of(&store, &ids), ["三年级1班", "", "三年级3班", ""], "{what}");
            assert_eq!((report.added, report.skipped), (4, 2), "{what}");
            let said = report.problems.iter().find(|p| p.row == Some(4)).map(|p| p.message.as_str()).unwrap_or("");
            assert!(said.contains("两个") && said.contains("第 5、7 行"), "{what}");
        }
    }
}

/// A heading 「3.2班」 or 「3-2班」 (the year and the class, shortened) reads as 三年级2班 where the list's other classes
/// are primary school's, written in full; beside 初一's classes (初三2班 is no less likely) or alone it is said at its
/// row, and its pupils are put in no class, never in the class above.
#[test]
fn a_shortened_class_heading_is_read_only_where_the_lists_other_classes_leave_no_doubt() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=3).map(|i| valid(&format!("4502022016030592{i}"))).collect();
    for short in ["3.2班", "3-2班"] {
        for (first, after, expected) in [
            (Some("三年级1班"), Some("三年级3班"), ["三年级1班", "三年级2班", "三年级3班"]),
            (Some("初一1班"), Some("初一2班"), ["初一1班", "", "初一2班"]),
            (None, None, ["", "", ""]),
        ] {
            for file in ["short.xlsx", "short.csv"] {
                let path = dir.path().join(file);
                let rows: Vec<Vec<Option<&str>>> = vec![
                    vec![Some("姓名"), Some("身份证号码")],
                    vec![first],
                    vec![Some("学生甲"), Some(ids[0].as_str())],
                    vec![Some(short)],
                    vec![Some("学生乙"), Some(ids[1].as_str())],
                    vec![after],
                    vec![Some("学生丙"), Some(ids[2].as_str())],
                ];
                write_rows(&path, "全校", &rows);
                let mut store = store();
                let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
                let what = format!("{short} after {first:?} {file}: {:?}", report.problems);
                assert_eq!(classes_of(&store, &ids), expected, "{what}");
                let said = report.problems.iter().find(|p| p.row == Some(4)).map(|p| p.message.as_str()).unwrap_or("");
                match expected[1] {
                    "" => assert!(said.contains(short) && said.contains("不能确定"), "{what}"),
                    _ => assert!(said.contains("班级标题行") && said.contains("其下 1 行"), "{what}"),
                }
            }
        }
    }
}

/// A sheet named with words around its class (「四年级2班插班生」) or a label (「班级：二年级2班」), with no class
/// column, gives its pupils that class, as a title so written does; so does a file so named. Before, the class was
/// the whole name (「四年级2班插班生」), or none.
#[test]
fn a_sheet_or_file_named_with_words_around_its_class_gives_the_class() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030593{i}"))).collect();
    let rows = |i: usize| -> Vec<Vec<String>> {
        vec![vec!["姓名".into(), "身份证号码".into()], vec![format!("学生{}", NAMED[i]), ids[i].clone()]]
    };
    // Two sheets of one workbook.
    let path = dir.path().join("全校.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    for (i, name) in ["四年级2班插班生", "班级：二年级2班"].iter().enumerate() {
        let sheet = book.add_worksheet().set_name(*name).unwrap();
        for (r, row) in rows(i).iter().enumerate() {
            sheet.write_row(r as u32, 0, row).unwrap();
        }
    }
    book.save(&path).unwrap();
    let mut drive = store();
    let report = class_list::import(&mut drive, &[path.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!(classes_of(&drive, &ids), ["四年级2班", "二年级2班"], "{:?}", report.problems);
    let said = report.problems.iter().find(|p| p.sheet == "四年级2班插班生").map(|p| p.message.as_str());
    assert!(said.is_some_and(|m| m.contains("工作表名称“四年级2班插班生”导入到“四年级2班”")), "{:?}", report.problems);
    // A workbook's only sheet, and a CSV or a workbook named so.
    for (file, sheet, class) in [
        ("list.xlsx", "四年级2班插班生", "四年级2班"),
        ("list2.xlsx", "班级：二年级2班", "二年级2班"),
        ("四年级2班插班生.csv", "", "四年级2班"),
        ("班级：二年级2班.csv", "", "二年级2班"),
        ("三年级2班 男生.xlsx", "Sheet1", "三年级2班"),
        // A shortened class alone reads as a heading so written does: nothing in the list tells its stage.
        ("3-2班.csv", "", ""),
    ] {
        let path = dir.path().join(file);
        let rows: Vec<Vec<Option<&str>>> =
            vec![vec![Some("姓名"), Some("身份证号码")], vec![Some("学生甲"), Some(ids[0].as_str())]];
        write_rows(&path, sheet, &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        assert_eq!(classes_of(&store, &ids[..1]), [class], "{file}: {:?}", report.problems);
    }
}

/// 就读年级, 现年级 and 所在年级 head the grade; 就读班级 and 所在班级 the class.
#[test]
fn the_grade_and_class_headers_schools_write_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=1).map(|i| valid(&format!("4502022016030594{i}"))).collect();
    for (grade, class) in [("就读年级", "班级"), ("现年级", "就读班级"), ("所在年级", "所在班级"), ("年级", "就读班级")]
    {
        let path = dir.path().join("headers.csv");
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("姓名"), Some("身份证号码"), Some(grade), Some(class)],
            vec![Some("学生甲"), Some(ids[0].as_str()), Some("三年级"), Some("2班")],
        ];
        write_rows(&path, "", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
        assert_eq!(classes_of(&store, &ids), ["三年级2班"], "{grade} {class}: {:?}", report.problems);
        assert!(!report.problems.iter().any(|p| p.message.contains("年级为空")), "{:?}", report.problems);
    }
}

/// A grade and class written once per block (merged cells saved as CSV or unmerged) are read down the block, up to
/// a spacer row (the pupils after it writing no class are put in none, said at their rows: 待分班 pupils are listed
/// so as often as a merged cell spans the gap) or a 合计 row, which ends it; a grade written alone in the 年级 cell
/// over its pupils (a heading in that column) starts a block of its own, read down its pupils. Before, the reading
/// stopped at the heading, and the pupils under it went into a class of no grade.
#[test]
fn a_class_written_once_per_block_is_read_down_to_a_spacer_row_and_from_a_grade_heading() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=7).map(|i| valid(&format!("4502022019021140{i}"))).collect();
    let id = |i: usize| Some(ids[i].as_str());
    for file in ["spacer.csv", "spacer.xlsx"] {
        let path = dir.path().join(file);
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("年级"), Some("班级"), Some("姓名"), Some("身份证号")],
            vec![Some("一年级"), Some("1班"), Some("甲"), id(0)],
            vec![None, None, Some("乙"), id(1)],
            vec![],
            vec![None, None, Some("丙"), id(2)],
            vec![None, None, Some("丁"), id(3)],
            vec![Some("合计：4人")],
            vec![None, None, Some("戊"), id(4)],
            vec![Some("二年级")],
            vec![None, Some("2班"), Some("己"), id(5)],
            vec![None, None, Some("庚"), id(6)],
        ];
        write_rows(&path, "名单", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("绿地小学"), false).unwrap();
        let expected = ["一年级1班", "一年级1班", "", "", "", "二年级2班", "二年级2班"];
        assert_eq!(classes_of(&store, &ids), expected, "{file}: {:?}", report.problems);
        assert_eq!(report.added, 7, "{file}: {:?}", report.problems);
        let said = |row: usize| report.problems.iter().filter(move |p| p.row == Some(row)).map(|p| p.message.as_str());
        assert!(said(9).any(|m| m.contains("年级标题行") && m.contains("二年级")), "{file}: {:?}", report.problems);
        assert!(said(7).any(|m| m.contains("表尾")), "{file}: {:?}", report.problems);
        assert!(report.problems.iter().any(|p| p.message.contains("按上一行")), "{file}: {:?}", report.problems);
    }
}

/// A department's list of certified people (no class, an adult among its people) is refused as a class list
/// however it tells its people's category: a column headed just 「类别」 holding categories (on a drive holding
/// pupils, as under 人员类别), a 认定部门 column with no category column, a file's or a sheet's name naming the
/// category (「特困人员名单.xlsx」) with no category column (on any drive, as under a title naming one). Before, each
/// was imported, its adult as a pupil with no class. `--as-class-list` still takes it.
#[test]
fn a_department_list_told_by_a_short_header_a_department_column_or_its_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (adult, child) = (valid("45020319600101123"), valid("45020320160305123"));
    let held = dir.path().join("held.csv");
    std::fs::write(&held, format!("姓名,身份证号码,班级\n早来,{},四年级1班\n", valid("45020220150305771"))).unwrap();
    let short = dir.path().join("list-a.csv");
    std::fs::write(&short, format!("序号,姓名,身份证号码,类别\n1,路人甲,{adult},特困人员\n2,孙小,{child},低保对象\n"))
        .unwrap();
    let department = dir.path().join("list-b.csv");
    std::fs::write(
        &department,
        format!(
            "序号,姓名,身份证号码,认定部门,认定时间\n1,路人甲,{adult},民政局,2026-03-01\n\
             2,孙小,{child},民政局,2026-03-01\n"
        ),
    )
    .unwrap();
    let header: &[&str] = &["序号", "姓名", "身份证号码", "性别"];
    let rows = vec![
        vec!["1".to_owned(), "路人甲".to_owned(), adult.clone(), "男".to_owned()],
        vec!["2".to_owned(), "孙小".to_owned(), child.clone(), "女".to_owned()],
    ];
    let by_file = dir.path().join("特困人员名单.xlsx");
    write_sheets(&by_file, &[("Sheet1", header, rows.clone())]);
    let by_sheet = dir.path().join("list-c.xlsx");
    write_sheets(&by_sheet, &[("特困人员名单", header, rows.clone())]);
    let by_csv = dir.path().join("低保名单.csv");
    std::fs::write(&by_csv, format!("姓名,身份证号码\n路人甲,{adult}\n孙小,{child}\n")).unwrap();
    let cases = [
        (&short, true),
        (&department, false),
        (&department, true),
        (&by_file, false),
        (&by_file, true),
        (&by_sheet, false),
        (&by_csv, false),
    ];
    for (path, drive_holds) in cases {
        let what = format!("{path:?}, drive holding pupils {drive_holds}");
        let mut store = store();
        if drive_holds {
            class_list::import(&mut store, &[held.as_path()], Some("第二小学"), false).unwrap();
        }
        let error = match class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false) {
            Err(error @ ImportError::CategoryList { .. }) => error,
            other => panic!("{what}: {other:?}"),
        };
        assert!(error.to_string().contains("部门认定名单") && error.to_string().contains("--source categories"));
        assert!(store.student_by_id_number(&adult).unwrap().is_none(), "{what}");
        assert!(store.student_by_id_number(&child).unwrap().is_none(), "{what}");
        let report = imported_as_class_list(&mut store, path, &what);
        assert_eq!(report.added, 2, "{what}: {report:?}");
    }
}

/// A class list's own 「类别」 column is read as the category column only when its cells are categories: one saying
/// 住校 or 走读 is left unread and the list imported with no category and no unknown category said; one saying
/// 低保对象 marks it, as 人员类别 does. Before, a 「类别」 column was never read, so a department's list headed so
/// was taken for a class list.
#[test]
fn a_class_lists_short_category_header_is_read_by_what_its_cells_say() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030607{i}"))).collect();
    for (third, category) in [("住校", None), ("走读", None), ("低保对象", Some("低保对象"))] {
        let path = dir.path().join(format!("class-{third}.csv"));
        std::fs::write(
            &path,
            format!("姓名,身份证号码,班级,类别\n甲,{},三年级1班,{third}\n乙,{},三年级1班,\n", ids[0], ids[1]),
        )
        .unwrap();
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false)
            .unwrap_or_else(|e| panic!("{third}: refused: {e}"));
        assert_eq!(report.added, 2, "{third}: {:?}", report.problems);
        assert!(!report.problems.iter().any(|p| p.message.contains("未知的人员类别")), "{:?}", report.problems);
        let pupil = store.student_by_id_number(&ids[0]).unwrap().unwrap();
        let categories: Vec<&str> = pupil.categories.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(categories, category.into_iter().collect::<Vec<_>>(), "{third}");
    }
}

/// A teacher written in the pupils' table with her duty in brackets after her name (「罗丽（班主任）」, 「王芳(老师)」,
/// 「李梅（校医）」) beside an adult's number is said at her row as the staff's and not imported, as a 班主任 row is.
/// Before, she was imported as a pupil named 罗丽（班主任）. A pupil's own duty in brackets (「张三（班长）」) is no staff.
#[test]
fn a_name_with_a_staff_duty_in_brackets_is_said_as_staff_not_a_pupil() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030608{i}"))).collect();
    let teacher = valid("45020319850101123");
    for (written, duty) in [("罗丽（班主任）", "班主任"), ("王芳(老师)", "老师"), ("李梅（校医）", "校医")]
    {
        for file in ["duty.xlsx", "duty.csv"] {
            let path = dir.path().join(file);
            let rows: Vec<Vec<Option<&str>>> = vec![
                vec![Some("姓名"), Some("身份证号码")],
                vec![Some("学生甲"), Some(ids[0].as_str())],
                vec![Some("张三（班长）"), Some(ids[1].as_str())],
                vec![Some(written), Some(teacher.as_str())],
            ];
            write_rows(&path, "三年级1班", &rows);
            let mut store = store();
            let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
            let what = format!("{written} in {file}");
            assert_eq!((report.added, report.skipped), (2, 1), "{what}: {report:?}");
            assert!(store.student_by_id_number(&teacher).unwrap().is_none(), "{what}");
            assert!(store.student_by_id_number(&ids[1]).unwrap().is_some(), "{what}: the 班长 is a pupil");
            let said: Vec<&str> =
                report.problems.iter().filter(|p| p.row == Some(4)).map(|p| p.message.as_str()).collect();
            let staff = said.iter().any(|m| m.contains("是教职工，不是学生，未导入") && m.contains(duty));
            assert!(staff, "{what}: {said:?}");
        }
    }
}

/// A school's own list of its pupils is not a department's list for a column or a name that only mentions a
/// certification or a category: 家庭经济困难认定, 资助认定等级 or 是否认定困难学生 beside the names (common on a 学生资助
/// list), a file named 「随班就读残疾学生名单」 or 「低保学生参保名单」, a title 「绿地小学低保学生名单」. Each is imported, on an
/// empty drive as on one holding pupils. Before, each was refused as a department's list, with no class column.
#[test]
fn a_school_list_mentioning_a_certification_or_a_category_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030660{i}"))).collect();
    let held = dir.path().join("held.csv");
    std::fs::write(&held, format!("姓名,身份证号码,班级\n早来,{},四年级1班\n", valid("45020220150305772"))).unwrap();
    let mut paths = Vec::new();
    for (n, header) in ["家庭经济困难认定", "资助认定等级", "是否认定困难学生", "审批结果"].into_iter().enumerate()
    {
        let path = dir.path().join(format!("学生名单{n}.csv"));
        std::fs::write(&path, format!("姓名,身份证号码,{header}\n甲,{},是\n乙,{},否\n", ids[0], ids[1])).unwrap();
        paths.push(path);
    }
    for name in ["随班就读残疾学生名单.csv", "低保学生参保名单.csv"] {
        let path = dir.path().join(name);
        std::fs::write(&path, format!("姓名,身份证号码\n甲,{}\n乙,{}\n", ids[0], ids[1])).unwrap();
        paths.push(path);
    }
    let titled = dir.path().join("titled.csv");
    std::fs::write(&titled, format!("绿地小学低保学生名单\n姓名,身份证号码\n甲,{}\n乙,{}\n", ids[0], ids[1])).unwrap();
    paths.push(titled);
    for path in &paths {
        for drive_holds in [false, true] {
            let what = format!("{path:?}, drive holding pupils {drive_holds}");
            let mut store = store();
            if drive_holds {
                class_list::import(&mut store, &[held.as_path()], Some("第二小学"), false).unwrap();
            }
            let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false)
                .unwrap_or_else(|e| panic!("{what}: refused: {e}"));
            assert_eq!(report.added, 2, "{what}: {:?}", report.problems);
        }
    }
}

/// A workbook whose titled sheet names the drive's own school and whose other sheets have no title: nothing is
/// said of the untitled sheets (their pupils go into that school either way), and the sheets are imported in the
/// workbook's order, the untitled first sheet's pupils before the titled one's. Before, every untitled sheet was
/// said to name no school, and an untitled first sheet was read after the others.
#[test]
fn untitled_sheets_beside_a_title_naming_the_drives_school_are_not_said_nor_reordered() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=3).map(|i| valid(&format!("4502022016030661{i}"))).collect();
    let held = dir.path().join("held.csv");
    std::fs::write(&held, format!("姓名,身份证号码,班级\n早来,{},四年级1班\n", valid("45020220150305773"))).unwrap();
    let path = dir.path().join("book.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("三年级2班").unwrap();
    sheet.write_row(0, 0, ["姓名", "身份证号码"]).unwrap();
    sheet.write_row(1, 0, ["甲", ids[0].as_str()]).unwrap();
    let sheet = book.add_worksheet().set_name("三年级1班").unwrap();
    sheet.write(0, 0, "绿地小学三年级1班名单").unwrap();
    sheet.write_row(1, 0, ["姓名", "身份证号码"]).unwrap();
    sheet.write_row(2, 0, ["乙", ids[1].as_str()]).unwrap();
    let sheet = book.add_worksheet().set_name("三年级3班").unwrap();
    sheet.write_row(0, 0, ["姓名", "身份证号码"]).unwrap();
    sheet.write_row(1, 0, ["丙", ids[2].as_str()]).unwrap();
    book.save(&path).unwrap();
    let mut store = store();
    class_list::import(&mut store, &[held.as_path()], Some("绿地小学"), false).unwrap();
    let report = class_list::import(&mut store, &[path.as_path()], None, false).unwrap();
    assert_eq!(report.added, 3, "{:?}", report.problems);
    let said: Vec<&str> = report.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(!said.iter().any(|m| m.contains("没有写学校")), "{said:?}");
    let pupil = |i: usize| store.student_by_id_number(&ids[i]).unwrap().unwrap();
    assert!((0..3).all(|i| pupil(i).school == "绿地小学"), "{said:?}");
    assert!(pupil(0).id < pupil(1).id && pupil(1).id < pupil(2).id, "imported out of the workbook's order");
}

/// Pupils after an empty row with their class left blank (待分班, 插班生 listed under the last class) are not put in
/// the class above: they are imported with no class, said at each of their rows. A block's pupils with no gap are
/// still read down. Before, the class was read down past the empty row, putting them in the class above.
#[test]
fn blank_class_pupils_after_an_empty_row_are_not_put_in_the_class_above() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=6).map(|i| valid(&format!("4502022016030662{i}"))).collect();
    let id = |i: usize| Some(ids[i].as_str());
    for file in ["gap.csv", "gap.xlsx"] {
        let path = dir.path().join(file);
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("班级"), Some("姓名"), Some("身份证号")],
            vec![Some("三年级1班"), Some("甲"), id(0)],
            vec![None, Some("乙"), id(1)],
            vec![],
            vec![None, Some("丙"), id(2)],
            vec![None, Some("丁"), id(3)],
            vec![Some("三年级2班"), Some("戊"), id(4)],
            vec![None, Some("己"), id(5)],
        ];
        write_rows(&path, "名单", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("绿地小学"), false).unwrap();
        let expected = ["三年级1班", "三年级1班", "", "", "三年级2班", "三年级2班"];
        assert_eq!(classes_of(&store, &ids), expected, "{file}: {:?}", report.problems);
        for row in [5, 6] {
            let at = |p: &&canbao::io::class_list::Problem| {
                p.row.is_some_and(|first| first <= row && row <= p.last_row.unwrap_or(first))
            };
            let said = report.problems.iter().filter(at).any(|p| p.message.contains("空行"));
            assert!(said, "{file} row {row}: {:?}", report.problems);
        }
    }
}

/// The screen's refusal of a department's list gives the reason the command line gives (a category or a
/// certifying department, no class or grade), from the one text: never "a category column", which a list refused
/// for its 认定部门 column or its name does not have.
#[test]
fn the_screens_refusal_of_a_department_list_says_what_the_command_line_says() {
    let screen = class_list::category_list_on_screen("x.csv", ("用核对部门认定名单", "use the reconcile"));
    let cli = ImportError::CategoryList { file: "x.csv".to_owned() }.to_string();
    assert!(!screen.contains("有人员类别列") && !screen.contains("a category column"), "{screen}");
    let reason =
        "此文件像部门认定名单（写有人员类别或认定部门，没有班级或年级），未导入：名单外的人会成为本校没有班级的学生；";
    assert!(screen.starts_with(reason) && cli.starts_with(reason), "{screen}\n{cli}");
    let reason_en = "looks like a department's list of certified people: categories or a certifying department, and no \
                     class or grade; not imported, as the people on it who are not at the school would become pupils \
                     without a class; to record the school's pupils' categories";
    assert!(screen.contains(reason_en) && cli.contains(reason_en), "{screen}\n{cli}");
}

/// A 年级班级 column beside a 年级 column: the class names its grade once, however the two write it (3 | 三年级2班,
/// 初一 | 七年级1班, an intake year 2024级 | 一年级2班). Before, the intake year was written before the cell's grade,
/// 「2024级一年级2班」, a class naming two grades.
#[test]
fn a_grade_and_class_column_beside_a_grade_column_writes_the_grade_once() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = [
        ("3", "三年级2班"),
        ("初一", "七年级1班"),
        ("三年级", "3年级2班"),
        ("3年级", "三年级2班"),
        ("一年级", "1-2班"),
        ("2024级", "一年级2班"),
        ("七年级", "初一1班"),
        ("高一", "高一（2）班"),
        ("三", "三年级2班"),
    ];
    let ids: Vec<String> = (1..=pairs.len()).map(|i| valid(&format!("4502022016030663{i}"))).collect();
    let path = dir.path().join("list.csv");
    let mut text = String::from("年级,年级班级,姓名,身份证号码\n");
    for ((grade, class), id) in pairs.iter().zip(&ids) {
        text.push_str(&format!("{grade},{class},甲,{id}\n"));
    }
    std::fs::write(&path, text).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("绿地小学"), false).unwrap();
    let expected =
        ["三年级2班", "初一1班", "三年级2班", "三年级2班", "一年级2班", "一年级2班", "初一1班", "高一2班", "三年级2班"];
    assert_eq!(classes_of(&store, &ids), expected, "{:?}", report.problems);
}

/// The English half of a shortened class heading's notice reads as one sentence, with no run of spaces a missing
/// line continuation left in it.
#[test]
fn a_shortened_class_headings_notice_has_no_run_of_spaces() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("4502022016030664{i}"))).collect();
    let path = dir.path().join("short.csv");
    std::fs::write(&path, format!("姓名,身份证号码\n3.2班\n学生甲,{}\n学生乙,{}\n", ids[0], ids[1])).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    let said = report.problems.iter().find(|p| p.message.contains("不能确定")).expect("the heading is said");
    assert!(said.message.contains("do not tell which grade"), "{}", said.message);
    assert!(!said.message.contains("   "), "{}", said.message);
}

/// A column headed just 「类别」 taken as the category column by its first rows (低保对象) whose later rows say
/// something else (住校, 走读): those words are left unread and said once for the column, not at every row.
/// Before, each such row was said as an unknown category.
#[test]
fn a_short_category_columns_other_words_past_its_first_rows_are_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("姓名,身份证号码,班级,类别\n");
    let mut ids = Vec::new();
    for i in 0..260 {
        let id = valid(&format!("45020220160306{:03}", 100 + i));
        let category = match i {
            0..3 => "低保对象",
            3..210 => "",
            _ if i % 2 == 0 => "住校",
            _ => "走读",
        };
        text.push_str(&format!("学生{i},{id},三年级1班,{category}\n"));
        ids.push(id);
    }
    let path = dir.path().join("list.csv");
    std::fs::write(&path, text).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!(report.added, 260, "{:?}", &report.problems[..report.problems.len().min(5)]);
    let unknown = report.problems.iter().filter(|p| p.message.contains("住校") || p.message.contains("走读")).count();
    assert_eq!(unknown, 1, "{:?}", &report.problems[..report.problems.len().min(5)]);
    let pupil = store.student_by_id_number(&ids[0]).unwrap().unwrap();
    assert_eq!(pupil.categories.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["低保对象"]);
}

/// A class written alone in its own column over its block (「2班」 in the 班级 cell) is said as a class heading,
/// not a grade heading.
#[test]
fn a_class_alone_in_its_column_over_its_block_is_said_as_a_class_heading() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=4).map(|i| valid(&format!("4502022016030665{i}"))).collect();
    let id = |i: usize| Some(ids[i].as_str());
    let path = dir.path().join("heads.csv");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("年级"), Some("班级"), Some("姓名"), Some("身份证号")],
        vec![Some("一年级"), Some("1班"), Some("甲"), id(0)],
        vec![None, None, Some("乙"), id(1)],
        vec![None, Some("2班")],
        vec![None, None, Some("丙"), id(2)],
        vec![None, None, Some("丁"), id(3)],
    ];
    write_rows(&path, "名单", &rows);
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("绿地小学"), false).unwrap();
    let said = report.problems.iter().find(|p| p.row == Some(4)).map(|p| p.message.as_str()).unwrap_or("");
    assert!(said.contains("班级标题行") && said.contains("a class heading row"), "{:?}", report.problems);
}

/// A class heading row that begins with its class and goes on with any other words (「三年级4班补录」,
/// 「三年级4班（续）」, 「三年级4班续表」, 「三年级4班:」, 「三年级4班转入学生」, 「三年级4班 班主任：罗丽 电话：…」,
/// 「三年级（4）班补录」) gives its block that class, in one cell or merged across the row: never the class above, and
/// the heading is no pupil. One naming two classes gives none. Before, the heading was imported as a pupil and its
/// block went into the class above.
#[test]
fn a_class_heading_followed_by_any_words_gives_its_block_the_class() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=4).map(|i| valid(&format!("45020220160311{i:03}"))).collect();
    let headings = [
        ("三年级4班补录", "三年级4班"),
        ("三年级4班（续）", "三年级4班"),
        ("三年级4班续表", "三年级4班"),
        ("三年级4班:", "三年级4班"),
        ("三年级4班：", "三年级4班"),
        ("三年级4班转入学生", "三年级4班"),
        ("三年级4班 班主任：罗丽 电话：13900000000", "三年级4班"),
        ("三年级（4）班补录", "三年级4班"),
        ("三年级4班补录名单（共2人）", "三年级4班"),
        ("三年级4班、5班补录", ""),
    ];
    for (heading, class) in headings {
        for (file, merged) in [("h.xlsx", false), ("h.csv", false), ("m.xlsx", true)] {
            let path = dir.path().join(file);
            let rows: Vec<Vec<Option<&str>>> = vec![
                vec![Some("育才小学学生名单")],
                vec![Some("姓名"), Some("身份证号码"), Some("联系电话")],
                vec![Some("三年级1班")],
                vec![Some("甲"), Some(ids[0].as_str()), Some("13900000001")],
                vec![Some("乙"), Some(ids[1].as_str()), Some("13900000002")],
                vec![Some(heading)],
                vec![Some("丙"), Some(ids[2].as_str()), Some("13900000003")],
                vec![Some("丁"), Some(ids[3].as_str()), Some("13900000004")],
            ];
            if merged {
                write_xlsx(&path, "Sheet1", &rows, &[(5, 0, 2, heading)]);
            } else {
                write_rows(&path, "Sheet1", &rows);
            }
            let mut store = store();
            let report = class_list::import(&mut store, &[path.as_path()], Some("育才小学"), false).unwrap();
            let what = format!("{heading} in {file}");
            assert_eq!(report.added, 4, "{what}: {:?}", report.problems);
            assert_eq!(classes_of(&store, &ids), ["三年级1班", "三年级1班", class, class], "{what}");
        }
    }
}

/// Sub-section rows under a class heading (「男生」, 「女生」, 「男」, 「女」, 「男同学」, 「女同学」, 「走读生」, 「住校生」)
/// alone in the first cell are said at their row as section rows and are no pupils; the pupils under them keep the
/// heading's class. Before, each was imported as a pupil with no ID number.
#[test]
fn boys_and_girls_section_rows_under_a_class_heading_are_no_pupils() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=4).map(|i| valid(&format!("45020220160312{i:03}"))).collect();
    for (first, second) in [("男生", "女生"), ("男", "女"), ("男同学", "女同学"), ("走读生", "住校生")]
    {
        for file in ["s.xlsx", "s.csv"] {
            let path = dir.path().join(file);
            let rows: Vec<Vec<Option<&str>>> = vec![
                vec![Some("姓名"), Some("身份证号码"), Some("联系电话")],
                vec![Some("三年级1班")],
                vec![Some(first)],
                vec![Some("甲"), Some(ids[0].as_str()), Some("13900000001")],
                vec![Some("乙"), Some(ids[1].as_str()), Some("13900000002")],
                vec![Some(second)],
                vec![Some("丙"), Some(ids[2].as_str()), Some("13900000003")],
                vec![Some("丁"), Some(ids[3].as_str()), Some("13900000004")],
            ];
            write_rows(&path, "Sheet1", &rows);
            let mut store = store();
            let report = class_list::import(&mut store, &[path.as_path()], Some("育才小学"), false).unwrap();
            let what = format!("{first}/{second} in {file}");
            assert_eq!(report.added, 4, "{what}: {:?}", report.problems);
            assert_eq!(store.students(&StudentFilter::default()).unwrap().len(), 4, "{what}");
            assert_eq!(classes_of(&store, &ids), ["三年级1班"; 4], "{what}");
            for row in [3, 6] {
                let said = report.problems.iter().any(|p| p.row == Some(row) && p.message.contains("不是学生"));
                assert!(said, "{what}: row {row}: {:?}", report.problems);
            }
        }
    }
}

/// A class teacher written in the pupils' table with no ID number (often only a phone) and her duty after her name
/// in brackets, after a space or in 【】 (「罗丽（班主任）」, 「罗丽 班主任」, 「罗丽【班主任】」) is said at her row as
/// staff and not imported, as 「班主任：罗丽」 is; 「罗丽 班主任」 beside an adult's number too. A pupil's own duty
/// (「张三（班长）」) stays a pupil. Before, each was imported as a pupil.
#[test]
fn a_teacher_named_with_her_duty_and_no_id_number_is_staff_not_a_pupil() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("45020220160313{i:03}"))).collect();
    let adult = valid("45020319860101123");
    for written in ["罗丽（班主任）", "罗丽(班主任)", "罗丽 班主任", "罗丽【班主任】", "罗丽[班主任]"]
    {
        for number in ["", adult.as_str()] {
            for file in ["t.xlsx", "t.csv"] {
                let path = dir.path().join(file);
                let rows: Vec<Vec<Option<&str>>> = vec![
                    vec![Some("姓名"), Some("身份证号码"), Some("联系电话")],
                    vec![Some(written), Some(number), Some("13900000000")],
                    vec![Some("甲"), Some(ids[0].as_str()), Some("13900000001")],
                    vec![Some("张三（班长）"), Some(ids[1].as_str()), Some("13900000002")],
                ];
                write_rows(&path, "一年级3班", &rows);
                let mut store = store();
                let report = class_list::import(&mut store, &[path.as_path()], Some("育才小学"), false).unwrap();
                let what = format!("{written} with {number:?} in {file}");
                assert_eq!(report.added, 2, "{what}: {:?}", report.problems);
                let names: Vec<String> =
                    store.students(&StudentFilter::default()).unwrap().into_iter().map(|s| s.name).collect();
                assert!(!names.iter().any(|n| n.contains("罗丽")), "{what}: {names:?}");
                let said = report.problems.iter().any(|p| p.row == Some(2) && p.message.contains("不是学生"));
                assert!(said, "{what}: {:?}", report.problems);
            }
        }
    }
}

/// A file or a workbook's only sheet named with a shortened class (「3.2班」) reads as a heading so written does:
/// with nothing else in the list telling the stage it gives no class, said with the name; beside classes written in
/// full of one stage (三年级1班) it gives 三年级2班, and the line names the class used. Before, it gave 三年级2班
/// always, at a middle school too, and the line named 「3.2班」.
#[test]
fn a_shortened_class_in_a_file_or_sheet_name_is_read_as_a_heading_so_written() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("45020220160314{i:03}"))).collect();
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("姓名"), Some("身份证号码")],
        vec![Some("甲"), Some(ids[0].as_str())],
        vec![Some("乙"), Some(ids[1].as_str())],
    ];
    for (file, sheet) in [("3.2班.csv", "Sheet1"), ("3.2班.xlsx", "Sheet1"), ("list.xlsx", "3.2班")] {
        let path = dir.path().join(file);
        write_rows(&path, sheet, &rows);
        let mut store = self::store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("第二中学"), false).unwrap();
        let what = format!("{file} / {sheet}");
        assert_eq!(report.added, 2, "{what}: {:?}", report.problems);
        assert_eq!(classes_of(&store, &ids), ["", ""], "{what}: {:?}", report.problems);
        let said = report.problems.iter().any(|p| p.message.contains("3.2班") && p.message.contains("简写"));
        assert!(said, "{what}: {:?}", report.problems);
    }
    // Beside a class written in full of the primary years, the sheet 「3.2班」 is 三年级2班, and said so.
    let others: Vec<String> = (3..=4).map(|i| valid(&format!("45020220160314{i:03}"))).collect();
    let path = dir.path().join("book.xlsx");
    let row = |name: &str, id: &str| vec![name.to_owned(), id.to_owned()];
    write_sheets(
        &path,
        &[
            ("三年级1班", &["姓名", "身份证号码"], vec![row("丙", &others[0]), row("丁", &others[1])]),
            ("3.2班", &["姓名", "身份证号码"], vec![row("甲", &ids[0]), row("乙", &ids[1])]),
        ],
    );
    let mut book_store = self::store();
    let report = class_list::import(&mut book_store, &[path.as_path()], Some("育才小学"), false).unwrap();
    assert_eq!(classes_of(&book_store, &ids), ["三年级2班", "三年级2班"], "{:?}", report.problems);
    let said = report.problems.iter().any(|p| p.sheet == "3.2班" && p.message.contains("三年级2班"));
    assert!(said, "{:?}", report.problems);
    // Beside 初一's classes, it is not known.
    let path = dir.path().join("junior.xlsx");
    write_sheets(
        &path,
        &[
            ("初一1班", &["姓名", "身份证号码"], vec![row("丙", &others[0]), row("丁", &others[1])]),
            ("3.2班", &["姓名", "身份证号码"], vec![row("甲", &ids[0]), row("乙", &ids[1])]),
        ],
    );
    let mut junior_store = self::store();
    let report = class_list::import(&mut junior_store, &[path.as_path()], Some("第二中学"), false).unwrap();
    assert_eq!(classes_of(&junior_store, &ids), ["", ""], "{:?}", report.problems);
}

/// A file named with its class and a copy's or a supplement's words (「三年级2班 - 副本.csv」, 「三年级2班 - Copy.csv」,
/// 「三年级2班(1).csv」, 「三年级2班（补录）.csv」) gives that class, and no line says the name names none. Before, the
/// pupils got no class and the line said the file's name wrote none.
#[test]
fn a_file_name_with_a_copy_or_supplement_suffix_gives_its_class() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("45020220160315{i:03}"))).collect();
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("姓名"), Some("身份证号码"), Some("联系电话")],
        vec![Some("甲"), Some(ids[0].as_str()), Some("13900000001")],
        vec![Some("乙"), Some(ids[1].as_str()), Some("13900000002")],
    ];
    let names = [
        "三年级2班 - 副本.csv",
        "三年级2班 - 副本 (2).csv",
        "三年级2班 - Copy.csv",
        "三年级2班(1).csv",
        "三年级2班 (1).csv",
        "三年级2班（补录）.csv",
        "三年级2班补录.csv",
        "三年级2班 - 副本.xlsx",
    ];
    for name in names {
        let path = dir.path().join(name);
        write_rows(&path, "Sheet1", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("育才小学"), false).unwrap();
        assert_eq!(classes_of(&store, &ids), ["三年级2班", "三年级2班"], "{name}: {:?}", report.problems);
        assert!(!report.problems.iter().any(|p| p.message.contains("没有写出班级")), "{name}: {:?}", report.problems);
    }
}

/// A class heading whose words after its class only say which of the class's pupils the list holds
/// (「三年级4班未交费学生」, 「三年级4班未参保名单」, 「三年级4班不参保学生」) gives its block that class; one whose words make
/// it a note on another class than its block's (「四年级2班学生另表报送」, 「三年级4班转出学生」) ends the block: the
/// pupils under it that write no class get none, said at the heading's row, never the class above. A labelled note
/// (注：…) passes the block on. In CSV and XLSX, merged across the row or not, with the header repeated under it or
/// not. Before, each such heading was a section heading and its pupils went into the class above.
#[test]
fn a_class_heading_qualifying_its_list_gives_its_class_and_never_passes_the_class_above_on() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("45020220160316{i:03}"))).collect();
    let cases = [
        ("三年级4班未交费学生", "三年级4班"),
        ("三年级4班未缴费学生名单", "三年级4班"),
        ("三年级4班未参保学生", "三年级4班"),
        ("三年级4班不参保学生名单（共1人）", "三年级4班"),
        ("三年级4班学生未交费", "三年级4班"),
        ("四年级2班学生另表报送", ""),
        ("三年级4班转出学生", ""),
        ("三年级4班学生不在本表", ""),
        ("注：三年级4班学生另表报送", "三年级1班"),
    ];
    let files = [("q.csv", false, true), ("q.xlsx", false, true), ("m.xlsx", true, true), ("n.csv", false, false)];
    for (heading, class) in cases {
        for (file, merged, header_again) in files {
            let path = dir.path().join(file);
            let header = vec![Some("姓名"), Some("身份证号码"), Some("联系电话")];
            let mut rows: Vec<Vec<Option<&str>>> = vec![
                vec![Some("三年级1班")],
                header.clone(),
                vec![Some("甲一"), Some(ids[0].as_str()), Some("13900000001")],
            ];
            let at = rows.len();
            rows.push(if merged { vec![] } else { vec![Some(heading)] });
            if header_again {
                rows.push(header.clone());
            }
            rows.push(vec![Some("乙二"), Some(ids[1].as_str()), Some("13900000002")]);
            if merged {
                write_xlsx(&path, "Sheet1", &rows, &[(at as u32, 0, 2, heading)]);
            } else {
                write_rows(&path, "Sheet1", &rows);
            }
            let mut store = store();
            let report = class_list::import(&mut store, &[path.as_path()], Some("育才小学"), false).unwrap();
            let what = format!("{heading} in {file}, header again {header_again}");
            assert_eq!(report.added, 2, "{what}: {:?}", report.problems);
            assert_eq!(classes_of(&store, &ids), ["三年级1班", class], "{what}: {:?}", report.problems);
            let said = report.problems.iter().filter(|p| p.row == Some(at + 1)).map(|p| p.message.as_str());
            let said: Vec<&str> = said.collect();
            match class {
                "" => assert!(
                    said.iter().any(|m| m.contains("未归入任何班级") && m.contains("也不归入上面的班级")),
                    "{what}: {said:?}"
                ),
                "三年级1班" => assert!(said.iter().any(|m| m.starts_with("说明行")), "{what}: {said:?}"),
                _ => assert!(
                    said.iter().any(|m| m.contains("班级标题行") && m.contains(class) && m.contains("其下 1 行")),
                    "{what}: {said:?}"
                ),
            }
        }
    }
}

/// A grade written once over two classes (「三年级」 alone in the grade column, then 「2班」's block, an empty row, then
/// 「3班」's block) is a larger block than a class's: the class written after the empty row is a class of that grade,
/// 三年级3班, whether written on its first pupil's row or alone over its block. A pupil after an empty row writing no
/// class of its own still gets none, said at its row. Before, 「3班」 after the empty row was read without its grade.
#[test]
fn a_class_after_an_empty_row_under_a_grade_heading_is_of_that_grade() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=5).map(|i| valid(&format!("45020220160317{i:03}"))).collect();
    let id = |i: usize| Some(ids[i].as_str());
    for alone in [false, true] {
        for file in ["g.csv", "g.xlsx"] {
            let path = dir.path().join(file);
            let mut rows: Vec<Vec<Option<&str>>> = vec![
                vec![Some("年级"), Some("班级"), Some("姓名"), Some("身份证号")],
                vec![Some("三年级")],
                vec![None, Some("2班"), Some("甲"), id(0)],
                vec![None, None, Some("乙"), id(1)],
                vec![],
            ];
            if alone {
                rows.push(vec![None, Some("3班")]);
                rows.push(vec![None, None, Some("丙"), id(2)]);
            } else {
                rows.push(vec![None, Some("3班"), Some("丙"), id(2)]);
            }
            rows.push(vec![None, None, Some("丁"), id(3)]);
            rows.push(vec![]);
            rows.push(vec![None, None, Some("戊"), id(4)]);
            let last = rows.len();
            write_rows(&path, "名单", &rows);
            let mut store = store();
            let report = class_list::import(&mut store, &[path.as_path()], Some("绿地小学"), false).unwrap();
            let what = format!("{file}, 3班 alone {alone}");
            let expected = ["三年级2班", "三年级2班", "三年级3班", "三年级3班", ""];
            assert_eq!(classes_of(&store, &ids), expected, "{what}: {:?}", report.problems);
            assert_eq!(report.added, 5, "{what}: {:?}", report.problems);
            let said = report.problems.iter().any(|p| p.row == Some(last) && p.message.contains("此学生没有班级"));
            assert!(said, "{what}: {:?}", report.problems);
        }
    }
}

/// A sheet named with a shortened class (「3.2班」) before the sheet naming a class in full (「三年级1班」) reads as it
/// does after it: the workbook's other sheets tell its stage, 三年级2班. A file named 「三年级2班-副本.csv」 (no
/// spaces around the dash) gives 三年级2班 as 「三年级2班 - 副本.csv」 does. Before, both gave no class.
#[test]
fn a_shortened_sheet_before_a_full_one_and_a_copy_named_without_spaces_give_their_class() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=4).map(|i| valid(&format!("45020220160318{i:03}"))).collect();
    let row = |name: &str, id: &str| vec![name.to_owned(), id.to_owned()];
    let path = dir.path().join("book.xlsx");
    write_sheets(
        &path,
        &[
            ("3.2班", &["姓名", "身份证号码"], vec![row("甲", &ids[0]), row("乙", &ids[1])]),
            ("三年级1班", &["姓名", "身份证号码"], vec![row("丙", &ids[2]), row("丁", &ids[3])]),
        ],
    );
    let mut store = self::store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("育才小学"), false).unwrap();
    let expected = ["三年级2班", "三年级2班", "三年级1班", "三年级1班"];
    assert_eq!(classes_of(&store, &ids), expected, "{:?}", report.problems);
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![Some("姓名"), Some("身份证号码")],
        vec![Some("甲"), Some(ids[0].as_str())],
        vec![Some("乙"), Some(ids[1].as_str())],
    ];
    for name in ["三年级2班-副本.csv", "三年级2班-副本(2).csv", "三年级2班-Copy.xlsx", "三年级2班—副本.csv"]
    {
        let path = dir.path().join(name);
        write_rows(&path, "Sheet1", &rows);
        let mut store = self::store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("育才小学"), false).unwrap();
        assert_eq!(classes_of(&store, &ids[..2]), ["三年级2班", "三年级2班"], "{name}: {:?}", report.problems);
    }
}

/// A list named for a category's people and their pupils (「特困供养学生名单.xlsx」, a title 「低保家庭学生名单」) with no
/// class or grade column and no school named is a department's list, refused as 「特困人员名单」 is; `--as-class-list`
/// takes it. A school's own (「随班就读残疾学生名单」, 「低保学生参保名单」, a title naming the school) stays imported, as
/// the test above has it. Before, the word 学生 alone made it a school's list.
#[test]
fn a_category_list_of_pupils_naming_no_school_is_refused_as_a_departments() {
    let dir = tempfile::tempdir().unwrap();
    let (adult, child) = (valid("45020319600101124"), valid("45020320160305124"));
    let header: &[&str] = &["序号", "姓名", "身份证号码", "性别"];
    let rows = vec![
        vec!["1".to_owned(), "路人甲".to_owned(), adult.clone(), "男".to_owned()],
        vec!["2".to_owned(), "孙小".to_owned(), child.clone(), "女".to_owned()],
    ];
    let by_file = dir.path().join("特困供养学生名单.xlsx");
    write_sheets(&by_file, &[("Sheet1", header, rows.clone())]);
    let by_csv = dir.path().join("脱贫家庭学生名单.csv");
    std::fs::write(&by_csv, format!("姓名,身份证号码\n路人甲,{adult}\n孙小,{child}\n")).unwrap();
    let titled = dir.path().join("titled.csv");
    std::fs::write(&titled, format!("低保家庭学生名单\n姓名,身份证号码\n路人甲,{adult}\n孙小,{child}\n")).unwrap();
    for path in [&by_file, &by_csv, &titled] {
        let what = format!("{path:?}");
        let mut store = store();
        match class_list::import(&mut store, &[path.as_path()], Some("第二小学"), false) {
            Err(ImportError::CategoryList { .. }) => {}
            other => panic!("{what}: {other:?}"),
        }
        assert!(store.student_by_id_number(&child).unwrap().is_none(), "{what}");
        let report = imported_as_class_list(&mut store, path, &what);
        assert_eq!(report.added, 2, "{what}: {report:?}");
    }
}

/// A grade's list named for its grade (五年级.csv) whose class column reads 「1班」「2班」, as a grade's teacher writes
/// them, puts its pupils in 五年级1班 and 五年级2班, as a title 「五年级学生名单」 would; so does a workbook 二年级.xlsx
/// whose sheets are named 1班 and 2班 with no title. Where nothing names a grade (名单.csv), the pupils go to 1班 and
/// the list is said to name no grade, as a sheet named 1班 is. Before, the CSV made classes 1班 and 2班 silently, and
/// the workbook's file name was not read.
#[test]
fn a_grade_in_the_files_name_gives_class_cells_naming_none_their_grade() {
    let dir = tempfile::tempdir().unwrap();
    let ids = [
        valid("51150220160104278"),
        valid("51150220151208085"),
        valid("51150220160805239"),
        valid("51150220151113846"),
    ];
    let lines = |classes: [&str; 4]| {
        let mut text = "姓名,身份证号码,班级\n".to_owned();
        for ((name, id), class) in ["钟怡", "莫晨", "邹一", "蒋诗轩"].iter().zip(&ids).zip(classes) {
            text.push_str(&format!("{name},{id},{class}\n"));
        }
        text
    };
    let named = dir.path().join("五年级.csv");
    std::fs::write(&named, lines(["1班", "2班", "1班", "2班"])).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[named.as_path()], Some("龙井小学"), false).unwrap();
    let expected = ["五年级1班", "五年级2班", "五年级1班", "五年级2班"];
    assert_eq!(classes_of(&store, &ids), expected, "{:?}", report.problems);
    // Where the grade came from is said, with the classes the pupils went to.
    let said: Vec<_> = report.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(said.iter().any(|m| m.contains("五年级.csv") && m.contains("五年级1班")), "{said:?}");

    let book = dir.path().join("二年级.xlsx");
    let row = |name: &str, id: &str| vec![name.to_owned(), id.to_owned()];
    write_sheets(
        &book,
        &[
            ("1班", &["姓名", "身份证号码"], vec![row("甲", &ids[0]), row("乙", &ids[1])]),
            ("2班", &["姓名", "身份证号码"], vec![row("丙", &ids[2]), row("丁", &ids[3])]),
        ],
    );
    let mut store = self::store();
    let report = class_list::import(&mut store, &[book.as_path()], Some("龙井小学"), false).unwrap();
    let expected = ["二年级1班", "二年级1班", "二年级2班", "二年级2班"];
    assert_eq!(classes_of(&store, &ids), expected, "{:?}", report.problems);
    assert!(!report.problems.iter().any(|p| p.message.contains("请核对年级")), "{:?}", report.problems);
    let said: Vec<_> = report.problems.iter().map(|p| p.message.as_str()).collect();
    assert!(said.iter().any(|m| m.contains("文件名“二年级.xlsx”") && m.contains("二年级2班")), "{said:?}");

    // No grade anywhere: the classes stay as written, and the preview and the import both say so.
    let unnamed = dir.path().join("名单.csv");
    std::fs::write(&unnamed, lines(["1班", "2班", "1班", "2班"])).unwrap();
    for dry_run in [true, false] {
        let mut store = self::store();
        let report = class_list::import(&mut store, &[unnamed.as_path()], Some("龙井小学"), dry_run).unwrap();
        let said: Vec<_> = report.problems.iter().map(|p| p.message.as_str()).collect();
        assert!(
            said.iter().any(|m| m.contains("班级“1班”") && m.contains("没有写年级") && m.contains("请核对年级")),
            "dry run {dry_run}: {said:?}"
        );
        if !dry_run {
            assert_eq!(classes_of(&store, &ids), ["1班", "2班", "1班", "2班"]);
        }
    }
    // The screen's preview says it too.
    let mut store = self::store();
    let mut request =
        class_list::ImportRequest::new(&store, vec![unnamed.clone()], Some("龙井小学".to_owned())).unwrap();
    let report = request.preview(&mut store).unwrap();
    assert!(report.problems.iter().any(|p| p.message.contains("请核对年级")), "{:?}", report.problems);
    // A class column writing its grade says nothing of it.
    let full = dir.path().join("全校.csv");
    std::fs::write(&full, lines(["五年级1班", "五年级2班", "五年级1班", "五年级2班"])).unwrap();
    let mut store = self::store();
    let report = class_list::import(&mut store, &[full.as_path()], Some("龙井小学"), false).unwrap();
    assert!(!report.problems.iter().any(|p| p.message.contains("年级")), "{:?}", report.problems);
}

/// Class headings 「（1）班」「（2）班」 under a title naming the grade (「三年级学生名单（龙井小学）」) put the pupils in
/// 三年级1班 and 三年级2班, and the report names those classes. Before, it said the pupils went to 「1班」, a class
/// that does not exist.
#[test]
fn the_report_names_the_class_pupils_under_a_heading_of_a_titled_grade_go_to() {
    let dir = tempfile::tempdir().unwrap();
    let ids = [valid("51150220161227457"), valid("51150220170308589"), valid("51150220170705294")];
    let path = dir.path().join("三年级-杂.csv");
    std::fs::write(
        &path,
        format!(
            "三年级学生名单（龙井小学）\n（1）班\n姓名,身份证号,电话\n王小明,{},13800000001\n李四,{},13800000002\n\
             （2）班\n赵六,{},13800000005\n",
            ids[0], ids[1], ids[2]
        ),
    )
    .unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("龙井小学"), false).unwrap();
    assert_eq!(classes_of(&store, &ids), ["三年级1班", "三年级1班", "三年级2班"], "{:?}", report.problems);
    let said: Vec<_> = report.problems.iter().map(|p| p.message.as_str()).collect();
    let of_class: Vec<_> = said.iter().filter(|m| m.contains("导入到")).collect();
    assert!(!of_class.is_empty(), "{said:?}");
    for message in of_class {
        assert!(!message.contains("导入到“1班”") && !message.contains("导入到“2班”"), "{said:?}");
    }
}
/// An ID number a program wrote whole into a number cell (`<v>511502202001204635</v>`, its check digit right) is
/// kept whole; the 16 significant digits Python prints of a double (`5.115022020012046e+17`, what an ID read as a
/// float and written back gives) hold no 18 digits and stay flagged as rounded.
#[test]
fn a_whole_id_number_a_program_wrote_into_a_number_cell_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("一年级.xlsx");
    let whole = valid("51150220200120463");
    assert_eq!(whole, "511502202001204635");
    let pupils = [("雷明", whole.as_str()), ("陆梓天", "5.115022020012046e+17")];
    xlsx_with_number_texts(&path, &pupils);
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("龙井小学"), false).unwrap();
    let held = |name: &str| {
        let pupils = store.students(&StudentFilter::default()).unwrap();
        let pupil = pupils.into_iter().find(|p| p.name == name).unwrap();
        (pupil.id_number, pupil.id_problem)
    };
    assert_eq!(held("雷明"), (whole.clone(), None), "{:?}", report.problems);
    assert_eq!(held("陆梓天").1.as_deref(), Some("precision_lost"), "{:?}", report.problems);
    let rows: Vec<_> = report.problems.iter().filter(|p| p.message.contains("丢失")).map(|p| p.row).collect();
    assert_eq!(rows, [Some(3)], "{:?}", report.problems);
}

/// A class heading, a file's or a sheet's name stating a status its pupils have (「三年级4班不参保学生名单」,
/// 「三年级4班已缴费学生」, 「三年级4班放弃参保学生名单.xlsx」) gives its class, and says the status it states was not
/// recorded, as a school's 是否参保 否 records none: a 不参保 wants its reason, a payment its amount and date. One
/// stating the status a pupil is added with (未交费, 未参保) says nothing of it. Before, the status was dropped unsaid.
#[test]
fn a_class_heading_or_name_stating_a_status_gives_its_class_and_says_the_status_was_not_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("45020220160318{i:03}"))).collect();
    let cases = [
        ("三年级4班不参保学生名单", Some("不参保")),
        ("三年级4班放弃参保学生", Some("放弃参保")),
        ("三年级4班已缴费学生", Some("已缴费")),
        ("三年级4班已参保学生名单", Some("已参保")),
        ("三年级4班未交费学生", None),
        ("三年级4班未参保名单", None),
    ];
    let unrecorded = |m: &str, word: &str| m.contains(&format!("“{word}”")) && m.contains("未据此记录");
    for (heading, stated) in cases {
        // Under a heading between two blocks.
        let path = dir.path().join("h.csv");
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("三年级1班")],
            vec![Some("姓名"), Some("身份证号码")],
            vec![Some("甲一"), Some(ids[0].as_str())],
            vec![Some(heading)],
            vec![Some("乙二"), Some(ids[1].as_str())],
        ];
        write_rows(&path, "Sheet1", &rows);
        let mut drive = store();
        let report = class_list::import(&mut drive, &[path.as_path()], Some("育才小学"), false).unwrap();
        assert_eq!(classes_of(&drive, &ids), ["三年级1班", "三年级4班"], "{heading}: {:?}", report.problems);
        let at_heading: Vec<&str> =
            report.problems.iter().filter(|p| p.row == Some(4)).map(|p| p.message.as_str()).collect();
        match stated {
            Some(word) => assert!(at_heading.iter().any(|m| unrecorded(m, word)), "{heading}: {at_heading:?}"),
            None => assert!(!at_heading.iter().any(|m| m.contains("未据此记录")), "{heading}: {at_heading:?}"),
        }
        // As a file's name, and as a sheet's.
        let named = dir.path().join(format!("{heading}.xlsx"));
        let header: &[&str] = &["姓名", "身份证号码"];
        let pupil = vec![vec!["乙二".to_owned(), ids[1].clone()]];
        write_sheets(&named, &[("Sheet1", header, pupil.clone())]);
        let sheet = dir.path().join("sheet.xlsx");
        write_sheets(&sheet, &[(heading, header, pupil)]);
        for path in [&named, &sheet] {
            let mut drive = store();
            let report = class_list::import(&mut drive, &[path.as_path()], Some("育才小学"), false).unwrap();
            let what = format!("{heading} in {path:?}");
            assert_eq!(classes_of(&drive, &ids[1..]), ["三年级4班"], "{what}: {:?}", report.problems);
            let said = report.problems.iter().any(|p| stated.is_some_and(|word| unrecorded(&p.message, word)));
            assert_eq!(said, stated.is_some(), "{what}: {:?}", report.problems);
        }
    }
}

/// A school's own list of a category's pupils under the school's short name or a term (「宜宾三中低保学生名单.xlsx」,
/// 「2024年秋季学期残疾学生名单」, 「红星希望低保学生名单」 on a drive of 红星希望) is imported, not refused as a
/// department's list; 「特困供养学生名单」 still is. Before, each was refused.
#[test]
fn a_schools_category_list_under_its_short_name_or_a_term_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let child = valid("45020320160306124");
    let header: &[&str] = &["姓名", "身份证号码"];
    let rows = vec![vec!["孙小".to_owned(), child.clone()]];
    let by_short = dir.path().join("宜宾三中低保学生名单.xlsx");
    write_sheets(&by_short, &[("Sheet1", header, rows.clone())]);
    let by_term = dir.path().join("list.xlsx");
    write_sheets(&by_term, &[("2024年秋季学期残疾学生名单", header, rows.clone())]);
    let titled = dir.path().join("titled.csv");
    std::fs::write(&titled, format!("附小低保学生名单\n姓名,身份证号码\n孙小,{child}\n")).unwrap();
    let own_name = dir.path().join("红星希望低保学生名单.csv");
    std::fs::write(&own_name, format!("姓名,身份证号码\n孙小,{child}\n")).unwrap();
    let cases = [
        (&by_short, "宜宾市第三中学", true),
        (&by_term, "宜宾市第三中学", true),
        (&titled, "宜宾市第三中学", true),
        (&own_name, "红星希望", true),
        (&own_name, "宜宾市第三中学", false),
    ];
    for (path, school, imported) in cases {
        let what = format!("{path:?} on {school}");
        let mut store = store();
        match class_list::import(&mut store, &[path.as_path()], Some(school), false) {
            Ok(report) if imported => assert_eq!(report.added, 1, "{what}: {:?}", report.problems),
            Err(ImportError::CategoryList { .. }) if !imported => {}
            other => panic!("{what}: {other:?}"),
        }
    }
}

/// Under a grade heading (「三年级」 alone over 「1班」's block), a class after an empty row naming its own grade
/// (「四年级3班」, the 年级 cell blank) is that class, and ends the heading's block: no grade of the heading's is
/// given to it, nor said to disagree at its every row. Before, each row got 三年级 and the disagreement.
#[test]
fn a_class_naming_its_own_grade_ends_a_grade_headings_block() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=4).map(|i| valid(&format!("45020220160319{i:03}"))).collect();
    let id = |i: usize| Some(ids[i].as_str());
    for file in ["g.csv", "g.xlsx"] {
        let path = dir.path().join(file);
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("年级"), Some("班级"), Some("姓名"), Some("身份证号")],
            vec![Some("三年级")],
            vec![None, Some("1班"), Some("甲"), id(0)],
            vec![],
            vec![None, Some("四年级3班"), Some("乙"), id(1)],
            vec![None, Some("四年级3班"), Some("丙"), id(2)],
            vec![],
            vec![None, Some("三年级2班"), Some("丁"), id(3)],
        ];
        write_rows(&path, "名单", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("绿地小学"), false).unwrap();
        assert_eq!(report.added, 4, "{file}: {:?}", report.problems);
        let expected = ["三年级1班", "四年级3班", "四年级3班", "三年级2班"];
        assert_eq!(classes_of(&store, &ids), expected, "{file}: {:?}", report.problems);
        let disagrees = report.problems.iter().any(|p| p.message.contains("年级列"));
        assert!(!disagrees, "{file}: {:?}", report.problems);
    }
}

/// An XLSX whose ID column mixes a number cell and text cells holding Excel's E notation (a column pasted as
/// values from a sheet that showed the numbers so), and a CSV giving the same numbers in E notation: every one is
/// kept in the one form a numeric cell's is (the digits it keeps, 511502202001205000), flagged, so the CSV read
/// after the XLSX is the same pupils, none added; the corrected list's whole number replaces the rounded one.
#[test]
fn a_rounded_number_from_a_number_cell_or_text_in_e_notation_is_one_pupil() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("名单.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_row(0, 0, ["姓名", "身份证号码", "班级"]).unwrap();
    sheet.write_string(1, 0, "张三").unwrap();
    sheet.write_number(1, 1, 511502202001205000.0).unwrap();
    sheet.write_string(1, 2, "三年级1班").unwrap();
    sheet.write_row(2, 0, ["李四", "5.11502202001206E+17", "三年级1班"]).unwrap();
    sheet.write_row(3, 0, ["王五", "5.11502202001207e+17", "三年级1班"]).unwrap();
    book.save(&xlsx).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[xlsx.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!(report.added, 3, "{:?}", report.problems);
    let held = |store: &Store| -> Vec<(String, String, Option<String>)> {
        let mut held: Vec<_> = store
            .students(&StudentFilter::default())
            .unwrap()
            .into_iter()
            .map(|p| (p.name, p.id_number, p.id_problem))
            .collect();
        held.sort();
        held
    };
    let lost = Some("precision_lost".to_owned());
    let mut expected = vec![
        ("张三".to_owned(), "511502202001205000".to_owned(), lost.clone()),
        ("李四".to_owned(), "511502202001206000".to_owned(), lost.clone()),
        ("王五".to_owned(), "511502202001207000".to_owned(), lost.clone()),
    ];
    expected.sort();
    assert_eq!(held(&store), expected);

    let csv = dir.path().join("名单.csv");
    std::fs::write(
        &csv,
        "姓名,身份证号码,班级\n张三,5.11502202001205E+17,三年级1班\n李四,511502202001206000,三年级1班\n\
         王五,５.１１５０２２０２００１２０７Ｅ+17,三年级1班\n",
    )
    .unwrap();
    let report = class_list::import(&mut store, &[csv.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!((report.added, report.unchanged), (0, 3), "{:?}", report.problems);
    assert_eq!(held(&store), expected);

    let whole = valid("51150220200120512");
    let corrected = dir.path().join("更正.csv");
    std::fs::write(&corrected, format!("姓名,身份证号码,班级\n张三,{whole},三年级1班\n")).unwrap();
    let report = class_list::import(&mut store, &[corrected.as_path()], Some("第二小学"), false).unwrap();
    assert_eq!(report.added, 0, "{:?}", report.problems);
    let held = held(&store);
    assert!(held.contains(&("张三".to_owned(), whole, None)), "{held:?}");
    assert_eq!(held.len(), 3);
}

/// A grade's classes stacked on one sheet, as a school sends them: the grade's title 「四年级学生名单」 (or none, the
/// file named for the grade), then for each class an empty row, the class alone (「1班」 or 「四年级1班」, in one cell
/// or merged across the row), the header again and the pupils. Each pupil takes its block's class, of the grade the
/// title or the file's name gives; each class row and repeated header is said, and none is a pupil. In CSV (UTF-8
/// and GBK) and XLSX. Before, 「2班」 and 「3班」 were imported as pupils without a number, and no pupil had a class.
#[test]
fn a_grade_list_of_class_blocks_under_their_class_rows_gives_each_pupil_its_blocks_class() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=6).map(|i| valid(&format!("45020220160320{i:03}"))).collect();
    // The file, whether its classes name their grade, whether the grade's title is over them, whether each class
    // row is merged across the header's columns.
    let cases = [
        ("list.csv", false, true, false),
        ("gbk.csv", false, true, false),
        ("list.xlsx", false, true, false),
        ("merged.xlsx", false, true, true),
        ("full.csv", true, true, false),
        ("full.xlsx", true, true, true),
        ("四年级.csv", false, false, false),
        ("四年级.xlsx", false, false, true),
        ("untitled.csv", true, false, false),
        ("untitled.xlsx", true, false, true),
    ];
    let header = ["姓名", "身份证号", "性别", "家长电话"];
    for (file, full, titled, merged) in cases {
        let what = format!("{file}, full {full}, titled {titled}, merged {merged}");
        let path = dir.path().join(file);
        let classes: Vec<String> =
            (1..=3).map(|n| if full { format!("四年级{n}班") } else { format!("{n}班") }).collect();
        let mut rows: Vec<Vec<Option<&str>>> = Vec::new();
        if titled {
            rows.push(vec![Some("四年级学生名单")]);
        }
        let mut merges: Vec<(u32, u16, u16, &str)> = Vec::new();
        let (mut class_rows, mut header_rows) = (Vec::new(), Vec::new());
        for (block, class) in classes.iter().enumerate() {
            rows.push(vec![]);
            class_rows.push(rows.len() + 1);
            if merged {
                merges.push((rows.len() as u32, 0, 3, class.as_str()));
                rows.push(vec![]);
            } else {
                rows.push(vec![Some(class.as_str())]);
            }
            header_rows.push(rows.len() + 1);
            rows.push(header.iter().map(|h| Some(*h)).collect());
            for at in block * 2..block * 2 + 2 {
                rows.push(vec![Some(["甲", "乙", "丙", "丁", "戊", "己"][at]), Some(ids[at].as_str())]);
            }
        }
        if file.ends_with(".xlsx") {
            write_xlsx(&path, "Sheet1", &rows, &merges);
        } else {
            write_rows(&path, "Sheet1", &rows);
        }
        if file == "gbk.csv" {
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&path, encoding_rs::GBK.encode(&text).0).unwrap();
        }
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("绿地小学"), false).unwrap();
        let expected = ["四年级1班", "四年级1班", "四年级2班", "四年级2班", "四年级3班", "四年级3班"];
        assert_eq!(classes_of(&store, &ids), expected, "{what}: {:?}", report.problems);
        assert_eq!((report.added, report.id_invalid), (6, 0), "{what}: {:?}", report.problems);
        assert_eq!(store.students(&StudentFilter::default()).unwrap().len(), 6, "{what}: {:?}", report.problems);
        let said =
            |row: usize, words: &str| report.problems.iter().any(|p| p.row == Some(row) && p.message.contains(words));
        // The first class's row stands over the first header: the title giving its block the class.
        let first = report.problems.iter().any(|p| p.message.contains("按标题") && p.message.contains("“四年级1班”"));
        assert!(first, "{what}: {:?}", report.problems);
        for (&row, class) in class_rows[1..].iter().zip(&expected[2..]) {
            assert!(said(row, "班级标题行") && said(row, "归入此班"), "{what}: row {row}: {:?}", report.problems);
            assert!(!said(row, "异常字符") && !said(row, "身份证号码为空"), "{what}: {class}: {:?}", report.problems);
        }
        for &row in &header_rows[1..] {
            assert!(said(row, "重复的表头行"), "{what}: row {row}: {:?}", report.problems);
        }
        let classless = |m: &str| m.contains("没有班级，") || m.contains("此学生没有班级");
        assert!(!report.problems.iter().any(|p| classless(&p.message)), "{what}: {:?}", report.problems);
    }
}

/// A title over the header saying which of its class's pupils the list holds (「三年级4班未交费学生」, 「三年级4班不参保
/// 学生名单」, 「三年级4班已缴费学生名单」) gives its class, as such a class heading between blocks does; a status it
/// states that the import does not record is said not recorded. In a GBK CSV, an XLSX with the title merged across
/// the header, and a workbook's second sheet. Before, the title gave no class, and the pupils went into none.
#[test]
fn a_title_over_the_header_saying_which_pupils_it_lists_gives_its_class() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("45020220160321{i:03}"))).collect();
    let cases = [
        ("三年级4班未交费学生", None),
        ("三年级4班不参保学生名单", Some("不参保")),
        ("三年级4班已缴费学生名单", Some("已缴费")),
        ("三年级4班未参保学生名单（共1人）", None),
    ];
    let unrecorded = |m: &str, word: &str| m.contains(&format!("“{word}”")) && m.contains("未据此记录");
    for (title, stated) in cases {
        let csv = dir.path().join("list.csv");
        let text = format!("{title}\n姓名,身份证号码\n乙二,{}\n", ids[1]);
        std::fs::write(&csv, encoding_rs::GBK.encode(&text).0).unwrap();
        let merged = dir.path().join("list.xlsx");
        let rows: Vec<Vec<Option<&str>>> =
            vec![vec![], vec![Some("姓名"), Some("身份证号码")], vec![Some("乙二"), Some(&ids[1])]];
        write_xlsx(&merged, "Sheet1", &rows, &[(0, 0, 1, title)]);
        // The second sheet of a workbook whose first is another class's.
        let second = dir.path().join("two.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheets: [(&str, &str, &str, &str); 2] =
            [("Sheet1", "三年级1班", "甲一", &ids[0]), ("Sheet2", title, "乙二", &ids[1])];
        for (name, title, pupil, id) in sheets {
            let sheet = book.add_worksheet().set_name(name).unwrap();
            sheet.merge_range(0, 0, 0, 1, title, &rust_xlsxwriter::Format::new()).unwrap();
            for (c, text) in ["姓名", "身份证号码"].iter().enumerate() {
                sheet.write_string(1, c as u16, *text).unwrap();
            }
            sheet.write_string(2, 0, pupil).unwrap();
            sheet.write_string(2, 1, id).unwrap();
        }
        book.save(&second).unwrap();
        for path in [&csv, &merged, &second] {
            let what = format!("{title} in {path:?}");
            let mut drive = store();
            let report = class_list::import(&mut drive, &[path.as_path()], Some("育才小学"), false).unwrap();
            assert_eq!(classes_of(&drive, &ids[1..]), ["三年级4班"], "{what}: {:?}", report.problems);
            if path == &second {
                assert_eq!(classes_of(&drive, &ids[..1]), ["三年级1班"], "{what}: {:?}", report.problems);
            }
            let said = report.problems.iter().any(|p| stated.is_some_and(|word| unrecorded(&p.message, word)));
            assert_eq!(said, stated.is_some(), "{what}: {:?}", report.problems);
            let classless = |m: &str| m.contains("没有班级，") || m.contains("此学生没有班级");
            assert!(!report.problems.iter().any(|p| classless(&p.message)), "{what}: {:?}", report.problems);
        }
    }
}

/// The words after a class saying which of its pupils the list holds are read by their shape, not looked up among a
/// few phrases: 「尚未缴费」, 「欠缴」, 「未缴纳的」, 「暂未参保」 give the class, as a heading between blocks and as a title
/// over the header; 「未到校」 says something else of the class, and its rows go into none. Before, each of the first
/// ended the block above and gave its pupils no class.
#[test]
fn words_saying_the_pupils_have_not_paid_are_read_by_their_shape() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("45020220160322{i:03}"))).collect();
    let cases = [
        ("三年级4班尚未缴费学生", true),
        ("三年级4班欠缴学生名单", true),
        ("三年级4班未缴纳的学生", true),
        ("三年级4班暂未参保学生", true),
        ("三年级4班待缴费学生名单", true),
        ("三年级4班未到校学生", false),
    ];
    for (heading, read) in cases {
        let path = dir.path().join("h.csv");
        std::fs::write(&path, format!("三年级1班\n姓名,身份证号码\n甲一,{}\n{heading}\n乙二,{}\n", ids[0], ids[1]))
            .unwrap();
        let mut drive = store();
        let report = class_list::import(&mut drive, &[path.as_path()], Some("育才小学"), false).unwrap();
        let under = if read { "三年级4班" } else { "" };
        assert_eq!(classes_of(&drive, &ids), ["三年级1班", under], "{heading}: {:?}", report.problems);
        assert_eq!(report.added, 2, "{heading}: {:?}", report.problems);
        if !read {
            continue;
        }
        let titled = dir.path().join("t.csv");
        std::fs::write(&titled, format!("{heading}\n姓名,身份证号码\n乙二,{}\n", ids[1])).unwrap();
        let mut drive = store();
        let report = class_list::import(&mut drive, &[titled.as_path()], Some("育才小学"), false).unwrap();
        assert_eq!(classes_of(&drive, &ids[1..]), ["三年级4班"], "{heading} as a title: {:?}", report.problems);
    }
}

/// A class heading merged across the row writes its phone in the ID column too: 「三年级2班 班主任 王老师 138…」 heads
/// its class's block, and a note on another class so merged (「四年级2班学生另表报送 联系电话 138…」) ends the block
/// above, its rows put in no class; neither is a pupil. Before, the note was imported as a pupil with the phone for
/// its number, and the rows under it stayed in the class above.
#[test]
fn a_merged_heading_or_note_with_a_phone_is_no_pupil() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=3).map(|i| valid(&format!("45020220160323{i:03}"))).collect();
    let path = dir.path().join("merged.xlsx");
    let rows: Vec<Vec<Option<&str>>> = vec![
        vec![],
        vec![Some("姓名"), Some("身份证号码"), Some("家长电话")],
        vec![Some("甲一"), Some(&ids[0]), None],
        vec![],
        vec![Some("乙二"), Some(&ids[1]), None],
        vec![],
        vec![Some("丙三"), Some(&ids[2]), None],
    ];
    let merges = [
        (0, 0, 2, "三年级1班"),
        (3, 0, 2, "三年级2班 班主任 王老师 13812345678"),
        (5, 0, 2, "四年级2班学生另表报送 联系电话 13812345678"),
    ];
    write_xlsx(&path, "Sheet1", &rows, &merges);
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("育才小学"), false).unwrap();
    assert_eq!(classes_of(&store, &ids), ["三年级1班", "三年级2班", ""], "{:?}", report.problems);
    assert_eq!((report.added, report.id_invalid), (3, 0), "{:?}", report.problems);
    assert_eq!(store.students(&StudentFilter::default()).unwrap().len(), 3, "{:?}", report.problems);
    let said =
        |row: usize, words: &str| report.problems.iter().any(|p| p.row == Some(row) && p.message.contains(words));
    assert!(said(4, "班级标题行") && said(6, "班级标题行") && said(6, "第 7 行"), "{:?}", report.problems);
}

/// A class heading naming no grade (「2班」) under a grade's title says the class its rows went into, in Chinese and
/// in English (四年级2班), not the class as written. A class cell naming another grade than the one a file's name
/// gives (四年级2班 in 三年级.csv) is said to differ from the file's name, not from a sheet's name or title the list
/// does not have. Before, both were worded as of the sheet.
#[test]
fn what_is_said_of_a_grade_names_where_the_grade_was_read() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=3).map(|i| valid(&format!("45020220160324{i:03}"))).collect();
    let path = dir.path().join("list.csv");
    let text = format!("四年级学生名单\n1班\n姓名,身份证号码\n甲一,{}\n\n2班\n乙二,{}\n", ids[0], ids[1]);
    std::fs::write(&path, text).unwrap();
    let mut drive = store();
    let report = class_list::import(&mut drive, &[path.as_path()], Some("育才小学"), false).unwrap();
    assert_eq!(classes_of(&drive, &ids[..2]), ["四年级1班", "四年级2班"], "{:?}", report.problems);
    let heading = report.problems.iter().find(|p| p.row == Some(6)).map(|p| p.message.as_str()).unwrap_or_default();
    assert!(heading.contains("“2班”（班级“四年级2班”）"), "{heading}");
    assert!(heading.contains("is put in 四年级2班"), "{heading}");

    let path = dir.path().join("三年级.csv");
    std::fs::write(&path, format!("姓名,身份证号码,班级\n甲一,{},1班\n丙三,{},四年级2班\n", ids[0], ids[2])).unwrap();
    let mut drive = store();
    let report = class_list::import(&mut drive, &[path.as_path()], Some("育才小学"), false).unwrap();
    assert_eq!(
        classes_of(&drive, &[ids[0].clone(), ids[2].clone()]),
        ["三年级1班", "四年级2班"],
        "{:?}",
        report.problems
    );
    let at_row = report.problems.iter().find(|p| p.row == Some(3)).map(|p| p.message.as_str()).unwrap_or_default();
    assert!(at_row.contains("文件名写的年级是“三年级”") && at_row.contains("the file's name says"), "{at_row}");
    assert!(!report.problems.iter().any(|p| p.message.contains("工作表名称")), "{:?}", report.problems);
}

/// A table stacked under another under its own grade's title (「四年级学生名单」 under 三年级's table), its class cells
/// naming no grade (「1班」), is of the grade its title names, not of the grade worked out for the table above.
/// Before, its pupils went into 三年级1班.
#[test]
fn a_table_stacked_under_another_takes_the_grade_its_own_title_names() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=2).map(|i| valid(&format!("45020220160325{i:03}"))).collect();
    for file in ["stacked.csv", "stacked.xlsx"] {
        let path = dir.path().join(file);
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("三年级学生名单")],
            vec![Some("姓名"), Some("身份证号码"), Some("班级")],
            vec![Some("甲一"), Some(&ids[0]), Some("1班")],
            vec![],
            vec![Some("四年级学生名单")],
            vec![Some("序号"), Some("班级"), Some("姓名"), Some("身份证号码")],
            vec![Some("1"), Some("1班"), Some("乙二"), Some(&ids[1])],
        ];
        write_rows(&path, "Sheet1", &rows);
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("育才小学"), false).unwrap();
        assert_eq!(classes_of(&store, &ids), ["三年级1班", "四年级1班"], "{file}: {:?}", report.problems);
    }
}

/// A workbook's sheet named for a grade alone (「四年级」, beside a 说明 sheet) holding the grade's class blocks, each
/// under its class row (「1班」 over the first header, 「2班」 and 「3班」 after): each pupil takes its block's class of
/// that grade. Before, the first block's pupils got the grade alone and the others classes of no grade (2班, 3班).
#[test]
fn a_sheet_named_for_its_grade_holding_class_blocks_gives_each_pupil_its_class_of_that_grade() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=3).map(|i| valid(&format!("45020220160326{i:03}"))).collect();
    let path = dir.path().join("book.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("说明").unwrap().write_string(0, 0, "请按班级填写").unwrap();
    let sheet = book.add_worksheet().set_name("四年级").unwrap();
    let mut r = 0;
    for (n, id) in ids.iter().enumerate() {
        sheet.write_string(r, 0, format!("{}班", n + 1)).unwrap();
        sheet.write_string(r + 1, 0, "姓名").unwrap();
        sheet.write_string(r + 1, 1, "身份证号").unwrap();
        sheet.write_string(r + 2, 0, ["甲一", "乙二", "丙三"][n]).unwrap();
        sheet.write_string(r + 2, 1, id).unwrap();
        r += 4;
    }
    book.save(&path).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("育才小学"), false).unwrap();
    assert_eq!(classes_of(&store, &ids), ["四年级1班", "四年级2班", "四年级3班"], "{:?}", report.problems);
}

/// A class heading ending in a colon (「3班：」), or with the class teacher in a cell beside it (「3班」 | | 「班主任：
/// 李老师」), on a sheet named for its grade, heads its own class of that grade: its pupils go into 四年级3班. Before,
/// the row was passed over (as a footer, or as a row with no name) and its pupils went into the class above without
/// a word.
#[test]
fn a_class_heading_with_a_colon_or_its_teacher_beside_it_heads_its_own_class() {
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=4).map(|i| valid(&format!("45010220160{i}01100"))).collect();
    let header = |sheet: &mut rust_xlsxwriter::Worksheet, r: u32| {
        for (c, word) in ["序号", "姓名", "身份证号码"].iter().enumerate() {
            sheet.write_string(r, c as u16, *word).unwrap();
        }
    };
    let pupil = |sheet: &mut rust_xlsxwriter::Worksheet, r: u32, name: &str, id: &str| {
        sheet.write_number(r, 0, 1).unwrap();
        sheet.write_string(r, 1, name).unwrap();
        sheet.write_string(r, 2, id).unwrap();
    };
    // Two blocks: 「1班」 and then the heading under test (its cells), as two small files.
    let shapes: [(&str, &[(u16, &str)]); 3] = [
        ("v_colon", &[(0, "3班：")]),
        ("v_teacher", &[(0, "3班"), (2, "班主任：李老师")]),
        ("v_both", &[(0, "3班："), (2, "班主任：李老师")]),
    ];
    for (file, heading) in shapes {
        let path = dir.path().join(format!("{file}.xlsx"));
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet().set_name("四年级").unwrap();
        sheet.write_string(0, 0, "1班").unwrap();
        header(sheet, 1);
        pupil(sheet, 2, "农一", &ids[0]);
        for &(c, text) in heading {
            sheet.write_string(4, c, text).unwrap();
        }
        header(sheet, 5);
        pupil(sheet, 6, "农三", &ids[2]);
        book.save(&path).unwrap();
        let mut store = store();
        let report = class_list::import(&mut store, &[path.as_path()], Some("测试小学"), false).unwrap();
        let pair = [ids[0].clone(), ids[2].clone()];
        assert_eq!(classes_of(&store, &pair), ["四年级1班", "四年级3班"], "{file}: {:?}", report.problems);
    }
    // The grade's list under a title: 「一班」, 「（2）班」, 「3班：」 beside its teacher, 「四年级4班」.
    let path = dir.path().join("grade4_variants.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("四年级").unwrap();
    sheet.write_string(0, 0, "某某小学四年级学生花名册").unwrap();
    let headings: [&[(u16, &str)]; 4] =
        [&[(0, "一班")], &[(0, "（2）班")], &[(0, "3班："), (2, "班主任：李老师")], &[(0, "四年级4班")]];
    for (n, heading) in headings.iter().enumerate() {
        let r = 2 + 4 * n as u32;
        for &(c, text) in *heading {
            sheet.write_string(r, c, text).unwrap();
        }
        header(sheet, r + 1);
        pupil(sheet, r + 2, ["农一", "农二", "农三", "农四"][n], &ids[n]);
    }
    book.save(&path).unwrap();
    let mut store = store();
    let report = class_list::import(&mut store, &[path.as_path()], Some("测试小学"), false).unwrap();
    let classes = classes_of(&store, &ids);
    assert_eq!(classes[1..], ["四年级2班", "四年级3班", "四年级4班"], "{:?}", report.problems);
    assert!(!report.problems.iter().any(|p| format!("{p:?}").contains("表尾行")), "{:?}", report.problems);
}

/// A real number ending in 000 (check digit right) that a numeric cell brought is flagged as rounded; the corrected
/// list giving it as text confirms it, and the row says so rather than a correction from the number to itself.
#[test]
fn a_real_number_ending_in_000_confirmed_as_text_is_said_at_its_row() {
    let dir = tempfile::tempdir().unwrap();
    let real = "450102201809091000";
    let numeric = dir.path().join("rounded.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, head) in ["姓名", "身份证号码", "年级", "班级"].into_iter().enumerate() {
        sheet.write_string(0, c as u16, head).unwrap();
    }
    sheet.write_string(1, 0, "钱七七").unwrap();
    sheet.write_number(1, 1, real.parse::<f64>().unwrap()).unwrap();
    sheet.write_string(1, 2, "三年级").unwrap();
    sheet.write_string(1, 3, "2班").unwrap();
    book.save(&numeric).unwrap();
    let text = dir.path().join("corrected.csv");
    std::fs::write(&text, format!("姓名,身份证号码,年级,班级\n钱七七,{real},三年级,2班\n")).unwrap();
    let mut store = store();
    let first = class_list::import(&mut store, &[numeric.as_path()], Some("育才小学"), false).unwrap();
    assert_eq!(first.id_invalid, 1, "{:?}", first.problems);
    let report = class_list::import(&mut store, &[text.as_path()], Some("育才小学"), false).unwrap();
    assert_eq!((report.added, report.updated, report.id_invalid), (0, 1, 0), "{:?}", report.problems);
    let shown = canbao::domain::id_number::mask(real);
    let said: Vec<&str> = report.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        said,
        [format!(
            "钱七七 的身份证号码 {shown} 已按名单核实（以文本给出，校验位无误），不再标记为被表格四舍五入 (ID number \
             {shown} confirmed as the list gives it in full, its check digit right: no longer flagged as rounded)"
        )
        .as_str()]
    );
    assert_eq!(store.student_by_id_number(real).unwrap().map(|p| p.id_problem), Some(None));
}
