//! Every form canbao exports, opened in a real office suite: LibreOffice (`soffice --headless`) turns each XLSX
//! into one CSV per worksheet with the cells as it shows them, and what an office user would see is checked
//! against the drive: every ID number the 18-character text canbao holds (no 4.5E+17, no digit lost, X kept),
//! the Chinese headers and every pupil row as canbao writes them in its own CSV of the same form, as many pupil
//! rows as the drive holds for the form, and no worksheet left unconverted. The class lists' CSV (with a BOM) is
//! opened as the README says to (UTF-8, the ID column as text): the BOM stays out of the first cell.
//!
//! Without `soffice` on the PATH the test says so and passes; `.ci/run` installs libreoffice-calc-nogui.
#![cfg(unix)]

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

/// LibreOffice's CSV export: comma, double quotes, UTF-8, cells *as shown* (token 9), every sheet to its own
/// file `NAME-SHEET.csv` (token 12, -1).
const TO_CSV: &str = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1";
/// The longest one `soffice` run may take (its first start makes a profile; a run here takes 5 to 10 s).
const SOFFICE_TIMEOUT: Duration = Duration::from_secs(120);

fn canbao(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("canbao").expect("binary");
    cmd.arg("--db").arg(db).env_remove("CANBAO_DB").env("CANBAO_OPERATOR", "测试");
    cmd.env("XDG_CONFIG_HOME", db.parent().expect("dir").join("config"));
    cmd
}

fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json(cmd: &mut Command) -> Value {
    serde_json::from_str(&ok(cmd)).expect("json")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write fixture");
    path
}

/// The files an export says it wrote.
fn export(db: &Path, kind: &str, out: &Path, extra: &[&str]) -> Vec<PathBuf> {
    let stdout = ok(canbao(db).args(["export", kind, "--out"]).arg(out).args(extra));
    let files: Vec<PathBuf> =
        stdout.lines().filter_map(|l| l.strip_prefix("已导出 (written): ")).map(PathBuf::from).collect();
    assert!(!files.is_empty(), "{kind}: {stdout}");
    files
}

/// Whether `soffice` runs here.
fn soffice_installed() -> bool {
    std::process::Command::new("soffice")
        .arg("--version")
        .stdin(Stdio::null())
        .output()
        .is_ok_and(|out| out.status.success())
}

/// Converts `files` into `out` with one `soffice` run of its own profile (so runs side by side do not meet in one
/// office process), `infilter` the filter to read them with; killed past `SOFFICE_TIMEOUT`. Returns its output.
fn soffice(profile: &Path, infilter: Option<&str>, files: &[PathBuf], out: &Path) -> String {
    std::fs::create_dir_all(out).expect("outdir");
    let log = out.with_extension("log");
    let mut cmd = std::process::Command::new("soffice");
    cmd.arg(format!("-env:UserInstallation=file://{}", url_path(profile))).args([
        "--headless",
        "--norestore",
        "--nolockcheck",
    ]);
    if let Some(filter) = infilter {
        cmd.arg(format!("--infilter={filter}"));
    }
    cmd.args(["--convert-to", TO_CSV, "--outdir"]).arg(out).args(files);
    let log_file = std::fs::File::create(&log).expect("log");
    cmd.stdin(Stdio::null()).stdout(log_file.try_clone().expect("log")).stderr(log_file);
    // Its own process group, so that a run past the timeout is ended with the office process it started.
    cmd.process_group(0);
    let mut child = cmd.spawn().expect("soffice starts");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > SOFFICE_TIMEOUT {
            let group = i32::try_from(child.id()).expect("pid");
            // SAFETY: signals the process group this test started above, nothing else.
            unsafe { libc::kill(-group, libc::SIGKILL) };
            let _ = child.wait();
            panic!("soffice took more than {SOFFICE_TIMEOUT:?}: {}", std::fs::read_to_string(&log).unwrap_or_default());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let said = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(status.success(), "soffice: {status}: {said}");
    assert!(!said.contains("Error"), "soffice: {said}");
    said
}

/// A path as a file URL's path: every byte but the unreserved ones and `/` percent-encoded.
fn url_path(path: &Path) -> String {
    let mut url = String::new();
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            url.push(char::from(b));
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// A CSV's records, trailing empty cells left off.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| {
            let mut row: Vec<String> = r.expect("record").iter().map(str::to_owned).collect();
            while row.last().is_some_and(String::is_empty) {
                row.pop();
            }
            row
        })
        .collect()
}

/// A CSV LibreOffice wrote, asked for no BOM: a BOM at its start is one that leaked into the first cell.
fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        !text.starts_with('\u{feff}'),
        "{}: a BOM in the first cell: {:?}",
        path.display(),
        text.chars().take(20).collect::<String>()
    );
    parse_csv(&text)
}

/// A CSV canbao wrote: it starts with a BOM, which is left off here.
fn canbao_csv(path: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_csv(text.strip_prefix('\u{feff}').unwrap_or_else(|| panic!("{}: no BOM", path.display())))
}

/// A sheet's table of pupils: its header row (the first whose first cell is 序号) and the rows below it up to the
/// first whose first cell is empty (where the lines to sign begin).
fn table(rows: &[Vec<String>]) -> (Vec<String>, Vec<Vec<String>>) {
    let at = rows.iter().position(|r| r.first().is_some_and(|c| c == "序号")).expect("a header row 序号");
    let body = rows[at + 1..].iter().take_while(|r| r.first().is_some_and(|c| !c.is_empty())).cloned().collect();
    (rows[at].clone(), body)
}

/// The worksheets of an XLSX, by name, each as LibreOffice showed it.
fn converted(xlsx: &Path, dir: &Path) -> Vec<(String, Vec<Vec<String>>)> {
    use calamine::Reader;
    let book = calamine::open_workbook_auto(xlsx).expect("opens");
    let stem = xlsx.file_stem().expect("stem").to_string_lossy().into_owned();
    book.sheet_names()
        .into_iter()
        .map(|sheet| {
            let csv = dir.join(format!("{stem}-{sheet}.csv"));
            assert!(csv.is_file(), "LibreOffice did not convert sheet {sheet} of {}", xlsx.display());
            let rows = read_csv(&csv);
            (sheet, rows)
        })
        .collect()
}

/// The column of the ID number in a header row.
fn id_column(header: &[String]) -> usize {
    header
        .iter()
        .position(|h| ["身份证号码", "证件号码", "公民身份号码"].contains(&h.as_str()))
        .unwrap_or_else(|| panic!("no ID column in {header:?}"))
}

/// The number the drive holds for a form's ID cell: the cell itself, or for an old 15-digit number, which the forms
/// print as the list gave it, the 18-digit number the drive made of it (the same digits with the century and a
/// check character).
fn held(cell: &str, pupils: &BTreeMap<String, Value>) -> String {
    if cell.len() != 15 || !cell.bytes().all(|b| b.is_ascii_digit()) {
        return cell.to_owned();
    }
    let made: Vec<&String> =
        pupils.keys().filter(|k| k.len() == 18 && k[..6] == cell[..6] && k[8..17] == cell[6..]).collect();
    assert_eq!(made.len(), 1, "{cell}: the drive holds one pupil made of this 15-digit number: {made:?}");
    made[0].clone()
}

/// An ID number cell as an office user sees it: the 18 characters the drive holds for a pupil of that name, or the
/// 15 an old number's list gave.
fn assert_id(cell: &str, name: &str, pupils: &BTreeMap<String, Value>, form: &str) {
    let cell = &held(cell, pupils);
    assert!(
        cell.len() == 18
            && cell[..17].bytes().all(|b| b.is_ascii_digit())
            && cell[17..].bytes().all(|b| b.is_ascii_digit() || b == b'X'),
        "{form}: {name}'s ID number reads {cell:?} in LibreOffice"
    );
    let pupil = pupils.get(cell).unwrap_or_else(|| panic!("{form}: {cell} (on {name}'s row) is no ID the drive holds"));
    assert_eq!(pupil["name"], name, "{form}: {cell}");
}

/// The pupils the drive holds, by ID number, through `find` of each class `stats` counts.
fn drive_pupils(db: &Path, stats: &Value) -> BTreeMap<String, Value> {
    let mut pupils = BTreeMap::new();
    for class in stats["classes"].as_array().expect("classes") {
        let name = class["class"].as_str().expect("class");
        let found = json(canbao(db).args(["find", name, "--json", "--reveal", "--limit", "1000"]));
        let found = found.as_array().expect("pupils");
        assert_eq!(found.len() as u64, class["students"].as_u64().expect("count"), "{name}");
        for pupil in found {
            pupils.insert(pupil["id_number"].as_str().expect("id").to_owned(), pupil.clone());
        }
    }
    assert_eq!(pupils.len() as u64, stats["students"].as_u64().expect("students"));
    pupils
}

/// The sample school in a drive of insured year 2024 under yibin-2024: one pupil paid at school, one declined
/// with a reason, one enrolled elsewhere, an orphan paid for by the government, a tax office's list of two
/// payments (one an X number) reconciled, and a department's list certifying one more pupil 低保对象.
fn drive(dir: &Path) -> PathBuf {
    let db = dir.join("drive.db");
    {
        let store = canbao::store::Store::open(&db).expect("new drive");
        let set = "UPDATE meta SET value = '2024' WHERE key IN ('current_year', 'first_year')";
        assert_eq!(store.connection().execute(set, []).expect("the year"), 2);
    }
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample-school.csv");
    ok(canbao(&db).arg("import").arg(sample));
    ok(canbao(&db).args(["policy", "use", "yibin-2024"]));
    ok(canbao(&db).args(["mark", "450203201909308803", "--payment", "paid", "--paid-on", "2023-10-08"]));
    ok(canbao(&db).args(["mark", "450203202003164449", "--enrollment", "declined", "--reason", "家长已在单位参保"]));
    ok(canbao(&db).args(["mark", "450202201911276365", "--enrollment", "elsewhere", "--reason", "南宁"]));
    ok(canbao(&db).args(["mark", "450202201804116964", "--payment", "government"]));
    let tax = write(
        dir,
        "tax.csv",
        "姓名,证件号码,缴费金额,缴费日期,缴费渠道\n何轩明,45020320190307775X,95,2023-10-09,支付宝\n蓝茜,51130220180808224X,285,2023-10-09,微信\n",
    );
    let report = json(canbao(&db).args(["reconcile", "--source", "tax", "--json"]).arg(tax));
    assert_eq!(report["matched"], 2, "{report}");
    let categories =
        write(dir, "minzheng.csv", "民政局认定名单\n姓名,身份证号码,人员类别\n查慧梓,45020320191009040X,低保对象\n");
    let report = json(canbao(&db).args(["reconcile", "--source", "categories", "--json"]).arg(categories));
    assert_eq!(report["matched"], 1, "{report}");
    db
}

#[test]
fn every_export_reads_back_in_libreoffice_as_canbao_holds_it() {
    if !soffice_installed() {
        eprintln!("notice: soffice (LibreOffice) is not installed: the office-suite test is skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = drive(dir.path());
    let stats = json(canbao(&db).args(["stats", "--json"]));
    let pupils = drive_pupils(&db, &stats);
    let count = |path: &[&str]| path.iter().fold(&stats, |v, k| &v[*k]).as_u64().expect("count") as usize;

    // Every form as XLSX, and the same forms as canbao's own CSV to hold them against.
    // The folder the forms' folders go in is there: `--out` makes one new folder inside a folder that exists.
    let out = dir.path().join("forms");
    std::fs::create_dir(&out).expect("forms folder");
    let mut workbooks = Vec::new();
    let mut csvs: BTreeMap<&str, Vec<PathBuf>> = BTreeMap::new();
    for kind in ["sheet", "template", "ledgers", "special", "classes", "summary"] {
        workbooks.extend(export(&db, kind, &out.join(kind), &[]));
        csvs.insert(kind, export(&db, kind, &out.join(format!("{kind}-csv")), &["--format", "csv"]));
    }
    let notices = export(&db, "notices", &out.join("notices"), &["--on", "2023-10-08"]);
    workbooks.extend(notices.iter().cloned());
    assert!(workbooks.iter().all(|f| f.extension().is_some_and(|e| e == "xlsx")), "{workbooks:?}");

    // One soffice run for every workbook; every worksheet of each must come out.
    let profile = dir.path().join("office-profile");
    let shown = dir.path().join("shown");
    let started = Instant::now();
    soffice(&profile, None, &workbooks, &shown);
    eprintln!("soffice converted {} workbooks in {:.1?}", workbooks.len(), started.elapsed());
    let book = |kind: &str| -> Vec<(String, Vec<Vec<String>>)> {
        let files: Vec<&PathBuf> = workbooks.iter().filter(|f| f.starts_with(out.join(kind))).collect();
        files.iter().flat_map(|f| converted(f, &shown)).collect()
    };
    let csv_named = |kind: &str, part: &str| -> Vec<Vec<String>> {
        let files: Vec<&PathBuf> =
            csvs[kind].iter().filter(|f| f.file_name().expect("name").to_string_lossy().contains(part)).collect();
        assert_eq!(files.len(), 1, "{kind} CSV named {part}: {:?}", csvs[kind]);
        canbao_csv(files[0])
    };
    // A form's pupil rows as LibreOffice shows them are canbao's own CSV's, header and every cell; each ID
    // number is the drive's. Returns the rows.
    let same_table = |form: &str, shown: &[Vec<String>], csv: &[Vec<String>]| -> Vec<Vec<String>> {
        assert_eq!(shown[0][0], csv[0][0], "{form}: the title");
        let (header, rows) = table(shown);
        let (csv_header, csv_rows) = table(csv);
        assert_eq!(header, csv_header, "{form}: the headers");
        assert_eq!(rows.len(), csv_rows.len(), "{form}: pupil rows");
        for (row, csv_row) in rows.iter().zip(&csv_rows) {
            assert_eq!(row, csv_row, "{form}: a pupil row as LibreOffice shows it");
        }
        rows
    };
    let ids = |form: &str, header: &[String], rows: &[Vec<String>]| {
        let (at, name) = (id_column(header), header.iter().position(|h| h == "姓名").expect("姓名"));
        for row in rows {
            assert_id(&row[at], &row[name], &pupils, form);
        }
    };

    // 在校学生信息表: every pupil.
    let sheet = book("sheet");
    assert_eq!(sheet.len(), 1);
    let rows = same_table("sheet", &sheet[0].1, &csv_named("sheet", "在校学生信息表"));
    let header = table(&sheet[0].1).0;
    assert_eq!(&header[..3], ["序号", "姓名", "身份证号码"]);
    ids("sheet", &header, &rows);
    assert_eq!(rows.len(), count(&["students"]));
    let listed: BTreeSet<String> = rows.iter().map(|r| held(&r[2], &pupils)).collect();
    assert_eq!(listed, pupils.keys().cloned().collect(), "the sheet lists every pupil once");

    // 批量参保模板: two workbooks of one Sheet1 each, no title row; a flagged number is left out (empty).
    let template = book("template");
    assert_eq!(template.len(), 2);
    let mut flagged = 0;
    for ((sheet_name, shown_rows), part) in template.iter().zip(["批量参保模板-参保", "批量参保模板-未参保"])
    {
        assert_eq!(sheet_name, "Sheet1");
        let csv = csv_named("template", part);
        assert_eq!(shown_rows[0], csv[0], "{part}: the headers");
        assert_eq!(&shown_rows[0][..4], ["序号", "姓名", "证件类型", "证件号码"]);
        assert_eq!(&shown_rows[1..], &csv[1..], "{part}: the rows as LibreOffice shows them");
        for row in &shown_rows[1..] {
            if row[3].is_empty() {
                flagged += 1;
            } else {
                assert_id(&row[3], &row[1], &pupils, part);
            }
        }
        let expected = match part {
            "批量参保模板-参保" => count(&["enrollment", "here"]),
            _ => count(&["students"]) - count(&["enrollment", "here"]),
        };
        assert_eq!(shown_rows.len() - 1, expected, "{part}: pupil rows");
    }
    assert_eq!(flagged, 3, "the three flagged numbers (check character, birth date, 15 digits) are left out");

    // 四本台账: a sheet each, as many rows as the drive counts.
    let ledgers = book("ledgers");
    let names: Vec<&str> = ledgers.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["已缴费", "未缴费", "异地缴费", "财政代缴"]);
    for ((name, shown_rows), key) in ledgers.iter().zip(["paid", "unpaid", "paid_elsewhere", "government_paid"]) {
        let rows = same_table(name, shown_rows, &csv_named("ledgers", &format!("{name}台账")));
        let header = table(shown_rows).0;
        assert_eq!(&header[..3], ["序号", "姓名", "身份证号码"]);
        ids(name, &header, &rows);
        // 未缴费 names besides its own the pupils counted in 财政代缴 whose 本市户籍 is to be checked, the family
        // perhaps owing it all, each said so in 备注.
        let also = rows.iter().filter(|r| r.iter().any(|c| c.contains("亦列于财政代缴台账"))).count();
        assert_eq!(rows.len() - also, count(&["ledgers", key]), "{name}: pupil rows");
    }

    // 参保花名册: a sheet per certifying department; canbao's CSV is one table of them all.
    let special = book("special");
    let csv = csv_named("special", "参保花名册");
    let (csv_header, csv_rows) = table(&csv);
    let mut all = Vec::new();
    for (department, shown_rows) in &special {
        assert_eq!(shown_rows[0][0], csv[0][0], "{department}: the title");
        let (header, rows) = table(shown_rows);
        assert_eq!(header, csv_header, "{department}: the headers");
        assert_eq!(header[3], "公民身份号码");
        ids(department, &header, &rows);
        for row in &rows {
            assert_eq!(&row[5], department, "{department}: 认定部门");
        }
        all.extend(rows.into_iter().map(|r| r[1..].to_vec()));
    }
    let mut csv_all: Vec<Vec<String>> = csv_rows.into_iter().map(|r| r[1..].to_vec()).collect();
    all.sort();
    csv_all.sort();
    assert_eq!(all, csv_all, "the departments' sheets hold the CSV's rows");
    let certified: BTreeSet<&str> = pupils
        .iter()
        .filter(|(_, p)| p["categories"].as_array().is_some_and(|c| !c.is_empty()))
        .map(|(id, _)| id.as_str())
        .collect();
    assert_eq!(certified.len(), 13, "12 from the class list and 查慧梓 from the department's list");
    assert_eq!(
        all.iter().map(|r| held(&r[2], &pupils)).collect::<BTreeSet<_>>(),
        certified.iter().map(|c| c.to_string()).collect()
    );

    // 班级核对表: a sheet per class, each the class's pupils in the drive.
    let classes = book("classes");
    assert_eq!(classes.len(), stats["classes"].as_array().expect("classes").len());
    for (class, shown_rows) in &classes {
        let rows = same_table(class, shown_rows, &csv_named("classes", &format!("-{class}-")));
        let header = table(shown_rows).0;
        assert_eq!(&header[..3], ["序号", "姓名", "身份证号码"]);
        ids(class, &header, &rows);
        let on_sheet: BTreeSet<String> = rows.iter().map(|r| held(&r[2], &pupils)).collect();
        let in_class: BTreeSet<String> =
            pupils.iter().filter(|(_, p)| p["class"] == class.as_str()).map(|(id, _)| id.clone()).collect();
        assert_eq!(on_sheet, in_class, "{class}");
    }

    // 参保进度汇总: the totals and a row per class, as canbao's CSV holds them.
    let summary = book("summary");
    let names: Vec<&str> = summary.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["汇总", "各班进度"]);
    let csv = csv_named("summary", "参保进度汇总");
    let totals = &summary[0].1;
    assert_eq!(totals[0][0], "参保进度汇总");
    let at = totals.iter().position(|r| r.first().is_some_and(|c| c == "项目")).expect("项目");
    let csv_at = csv.iter().position(|r| r.first().is_some_and(|c| c == "项目")).expect("项目");
    let n = totals.len() - at;
    assert_eq!(&totals[at..], &csv[csv_at..csv_at + n], "汇总 as LibreOffice shows it");
    assert_eq!(totals[at + 1], ["学生总数".to_owned(), stats["students"].to_string()]);
    let per_class = &summary[1].1;
    assert_eq!(&per_class[0][..2], ["所在年级、班级", "人数"]);
    let csv_class_at = csv.iter().position(|r| r.first().is_some_and(|c| c == "所在年级、班级")).expect("per class");
    assert_eq!(per_class[..], csv[csv_class_at..csv_class_at + per_class.len()], "各班进度 as LibreOffice shows it");
    assert_eq!(per_class.len() - 1, classes.len());
    for (row, class) in per_class[1..].iter().zip(stats["classes"].as_array().expect("classes")) {
        assert_eq!(
            (row[0].as_str(), row[1].as_str()),
            (class["class"].as_str().expect("class"), &*class["students"].to_string())
        );
    }

    // 缴费告知单: one notice per pupil of the unpaid ledger, each naming the pupil and the last four characters
    // of their number, a leading 0 and an X kept.
    let notice_book = book("notices");
    assert_eq!(notice_book.len(), 1);
    // A pupil whose subsidy waits on the 本市户籍 check gets a slip with both amounts though the ledgers count
    // her 财政代缴 by category; the 未缴费 ledger names her too, so its pupils are those the slips go to.
    let rows = &notice_book[0].1;
    let pending = |i: usize| rows.get(i + 2).is_some_and(|r| r.get(1).is_some_and(|c| c.starts_with("户籍待核实")));
    let slips = rows.iter().filter(|r| r.first().is_some_and(|c| c == "学生姓名")).count();
    let pending = (0..rows.len()).filter(|&i| rows[i].first().is_some_and(|c| c == "学生姓名") && pending(i)).count();
    assert_eq!(slips - pending, count(&["ledgers", "unpaid"]));
    let told: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r.first().is_some_and(|c| c == "学生姓名"))
        .map(|r| {
            assert_eq!(r.get(2).map(String::as_str), Some("身份证号后四位"), "{r:?}");
            (r[1].as_str(), r[3].as_str())
        })
        .collect();
    let unpaid = table(&csv_named("ledgers", "未缴费台账")).1;
    let mut expected: Vec<(String, String)> =
        unpaid.iter().map(|r| (r[1].clone(), r[2][r[2].len() - 4..].to_owned())).collect();
    let mut told: Vec<(String, String)> = told.iter().map(|(n, l)| ((*n).to_owned(), (*l).to_owned())).collect();
    expected.sort();
    told.sort();
    assert_eq!(told, expected, "the notices' names and last four characters");
    assert!(told.iter().any(|(_, last)| last.starts_with('0')) && told.iter().any(|(_, last)| last.ends_with('X')));

    // The class lists' CSV, opened as the README says (UTF-8, the ID column as text): no BOM in the first cell,
    // the same title, headers and rows as canbao wrote, every number whole.
    let class_csvs = &csvs["classes"];
    let opened = dir.path().join("opened");
    let started = Instant::now();
    soffice(&profile, Some("CSV:44,34,76,1,3/2"), class_csvs, &opened);
    eprintln!("soffice opened {} CSV files in {:.1?}", class_csvs.len(), started.elapsed());
    for file in class_csvs {
        let stem = file.file_stem().expect("stem").to_string_lossy().into_owned();
        let back = read_csv(&opened.join(format!("{stem}-{stem}.csv")));
        let written = canbao_csv(file);
        assert!(!back[0][0].starts_with('\u{feff}'), "{stem}: the BOM leaks into the first cell: {:?}", back[0][0]);
        assert!(back[0][0].ends_with("参保缴费核对表"), "{stem}: {:?}", back[0][0]);
        assert_eq!(back, written, "{stem} as LibreOffice opened it");
        let (header, rows) = table(&back);
        ids(&stem, &header, &rows);
    }
}
