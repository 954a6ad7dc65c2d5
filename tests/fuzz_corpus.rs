//! Replays the fuzz corpus on stable (CI has no nightly): every seed in fuzz/corpus and every minimised crash
//! in fuzz/regressions goes through the same checks as the `cargo fuzz` targets.

use std::path::{Path, PathBuf};

use canbao::io::fuzzing::{self, Outcome};

fn files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> =
        entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file() && !is_note(p)).collect();
    files.sort();
    files
}

/// A regression directory keeps a README saying what each file found; it is not an input.
fn is_note(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == "README.md")
}

fn replay_import(dir: &str) -> Vec<(PathBuf, Outcome)> {
    files(dir)
        .into_iter()
        .map(|path| {
            let bytes = std::fs::read(&path).expect("readable corpus file");
            match fuzzing::import_bytes(&bytes) {
                Ok(outcome) => (path, outcome),
                Err(broken) => panic!("{}: {broken}", path.display()),
            }
        })
        .collect()
}

#[test]
fn import_corpus_keeps_every_promise() {
    let outcomes = replay_import("fuzz/corpus/import");
    assert!(outcomes.len() >= 10, "the seed corpus is missing: {}", outcomes.len());
    let imported = |name: &str| -> canbao::io::class_list::ImportReport {
        match outcomes.iter().find(|(p, _)| p.file_name().is_some_and(|n| n == name)) {
            Some((_, Outcome::Imported(report))) => (**report).clone(),
            other => panic!("{name}: expected an import, got {other:?}"),
        }
    };
    // The seeds reach the deep end of the importer, not just the refusals.
    for name in ["multi_sheet.xlsx", "split_grade_class.xls", "gbk_title.csv", "utf16.csv", "tabs.txt"] {
        assert!(imported(name).added > 0, "{name} imported nobody");
    }
    let dup = imported("duplicates.csv");
    assert_eq!((dup.added, dup.duplicates, dup.skipped), (2, 2, 0), "{dup:?}");
    let rep = imported("repeated_header.csv");
    assert_eq!((rep.added, rep.skipped), (3, 2), "{rep:?}");
    assert!(outcomes.iter().any(|(_, o)| matches!(o, Outcome::Refused(_))), "no seed exercises a refusal");
}

#[test]
fn import_regressions_keep_every_promise() {
    let outcomes = replay_import("fuzz/regressions/import");
    let refused = |name: &str| match outcomes.iter().find(|(p, _)| p.file_name().is_some_and(|n| n == name)) {
        Some((_, Outcome::Refused(message))) => message.clone(),
        other => panic!("{name}: expected a refusal, got {other:?}"),
    };
    // An XLS whose sector chain loops: calamine copied it until memory ran out (2 GB from 5 KB).
    assert!(refused("xls-fat-loop-oom.xls").contains("扇区"), "refused for its chains");
}

#[test]
fn id_number_corpus_keeps_every_promise() {
    let seeds = files("fuzz/corpus/id_number");
    assert!(seeds.len() >= 5, "the seed corpus is missing");
    for path in seeds.into_iter().chain(files("fuzz/regressions/id_number")) {
        let text = String::from_utf8_lossy(&std::fs::read(&path).expect("readable")).into_owned();
        if let Err(broken) = fuzzing::check_id_text(&text) {
            panic!("{}: {broken}", path.display());
        }
    }
}

#[test]
fn a_broken_promise_is_reported_not_swallowed() {
    // The checks must be able to fail: a well-formed list imports, and a file that is not a table is refused
    // with its name, rather than everything coming back as one undifferentiated Ok.
    let list = "姓名,身份证号码\n张三,11010520150307002X\n";
    assert!(matches!(fuzzing::import_bytes(list.as_bytes()), Ok(Outcome::Imported(r)) if r.added == 1));
    match fuzzing::import_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0") {
        Ok(Outcome::Refused(message)) => assert!(message.contains("fuzz-input"), "{message}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// A row without an ID number and the same child's row with a valid one (or an old 15-digit one, or two children's)
/// keep every promise: what reading alone says is what the import into a fresh drive says, its counts agree with
/// the drive, and importing the list again changes nothing.
#[test]
fn rows_with_and_without_a_number_of_one_child_keep_every_promise() {
    let header = "姓名,身份证号码,班级\n";
    let numbered = "孙语,450203201909308803,一年级1班\n";
    let blank = "孙语,,一年级1班\n";
    let old = "孙语,450203850101123,一年级1班\n";
    let twin = "孙语,450203201909301206,一年级1班\n";
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("a date");
    let converted = canbao::domain::id_number::check("450203850101123", today);
    assert_eq!(converted.valid().map(|v| v.kind), Some(canbao::domain::id_number::IdKind::ResidentConverted));
    let cases: [(&[&str], usize); 5] = [
        (&[numbered, blank], 1),
        (&[blank, numbered], 1),
        (&[old, blank], 1),
        (&[blank, old], 1),
        (&[numbered, twin, blank], 2),
    ];
    for (rows, added) in cases {
        let list = format!("{header}{}", rows.concat());
        match fuzzing::import_bytes(list.as_bytes()) {
            Ok(Outcome::Imported(report)) => assert_eq!(report.added, added, "{list}: {report:?}"),
            other => panic!("{list}: {other:?}"),
        }
    }
}

/// Masked numbers, alone, after or before the row giving the whole number, or showing other digits, keep every
/// promise: each is left out or a repeat, the counts agree with the rows planned and the drive, and importing the
/// list again changes nothing.
#[test]
fn masked_rows_keep_every_promise() {
    let header = "姓名,身份证号码,班级\n";
    let whole = "孙语,450203201909308803,一年级1班\n";
    let masked = "孙语,450203********8803,一年级1班\n";
    let other = "孙语,450203********8804,一年级1班\n";
    let alone = "李明,450203********1234,一年级1班\n";
    // (rows, added, repeats, left out)
    let cases: [(&[&str], usize, usize, usize); 5] = [
        (&[whole, masked], 1, 1, 0),
        (&[masked, whole], 1, 1, 0),
        (&[other, whole], 1, 0, 1),
        (&[alone, whole], 1, 0, 1),
        (&[masked, alone], 0, 0, 2),
    ];
    for (rows, added, repeats, left_out) in cases {
        let list = format!("{header}{}", rows.concat());
        match fuzzing::import_bytes(list.as_bytes()) {
            Ok(Outcome::Imported(r)) => {
                assert_eq!((r.added, r.duplicates, r.masked_left_out), (added, repeats, left_out), "{list}: {r:?}")
            }
            other => panic!("{list}: {other:?}"),
        }
    }
}

/// canbao's own class list sent back with a row whose status cells disagree (是否参保 ticked, the rest left) keeps
/// every promise: the import's line of it is the drive's word on the row's statuses (`ProblemKind::Statuses`),
/// which reading alone cannot say, and the rest of the report is the reader's. Before, the harness told the two
/// apart by the words 「参保缴费状态」, which this line does not use, and broke its promise on a good import.
#[test]
fn a_form_row_whose_status_cells_disagree_keeps_every_promise() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("drive.db");
    let canbao = || {
        let mut cmd = assert_cmd::Command::cargo_bin("canbao").expect("binary");
        cmd.arg("--db").arg(&db).env_remove("CANBAO_DB").env("CANBAO_OPERATOR", "测试");
        cmd.env("XDG_CONFIG_HOME", dir.path().join("config"));
        cmd
    };
    let list = dir.path().join("list.csv");
    std::fs::write(&list, "姓名,身份证号码,年级,班级\n孙语,450203201909308803,一年级,1班\n").expect("write");
    canbao().arg("import").arg(&list).assert().success();
    let out = dir.path().join("classes");
    canbao().args(["export", "classes", "--format", "csv", "--out"]).arg(&out).assert().success();
    let form = std::fs::read_dir(&out).expect("exported").flatten().map(|e| e.path()).next().expect("a class list");
    let text = std::fs::read_to_string(&form).expect("read");
    let (before, after) = ("450203201909308803,否,否,", "450203201909308803,是,否,");
    assert!(text.contains(before), "{text}");
    let text = text.replacen(before, after, 1);
    match fuzzing::import_bytes(text.as_bytes()) {
        Ok(Outcome::Imported(report)) => {
            let statuses: Vec<&canbao::io::class_list::Problem> =
                report.problems.iter().filter(|p| p.kind == canbao::io::class_list::ProblemKind::Statuses).collect();
            assert_eq!(statuses.len(), 1, "{report:?}");
            assert!(statuses[0].message.contains("彼此不符"), "{report:?}");
        }
        other => panic!("{text}: {other:?}"),
    }
}
