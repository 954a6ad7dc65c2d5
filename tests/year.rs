//! The next school year through the binary: `year new` carries the roster into the next insured year, the new
//! year's tax list is reconciled without touching last year's payments, `--year` shows the old year read-only,
//! and pupils missing from this year's lists are offered as leavers.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn canbao(db: &Path, home: &Path) -> Command {
    let mut cmd = Command::cargo_bin("canbao").expect("binary");
    cmd.arg("--db")
        .arg(db)
        .env_remove("CANBAO_DB")
        .env("CANBAO_OPERATOR", "测试")
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("HOME", home);
    cmd
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

fn text(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn id(first17: &str) -> String {
    format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()))
}

/// One pupil in each kind of class a drive meets: primary (两种写法), junior (七年级 and 初三), senior (高一,
/// 高三) and kindergarten (中班, 大班).
fn roster() -> Vec<(&'static str, String, &'static str, &'static str)> {
    vec![
        ("一年甲", id("45020220190301002"), "一年级", "1班"),
        ("六年乙", id("45020220140301002"), "六年级", "2班"),
        ("七年丙", id("45020220130301002"), "七年级", "3班"),
        ("初三丁", id("45020220110301002"), "初三", "1班"),
        ("高一戊", id("45020220100301002"), "高一", "2班"),
        ("高三己", id("45020220080301002"), "高中三年级", "1班"),
        ("中班庚", id("45020220210301002"), "中班", "1班"),
        ("大班辛", id("45020220200301002"), "大班", "1班"),
    ]
}

fn write_list(path: &Path, rows: &[(&str, String, &str, &str)]) {
    let mut text = String::from("姓名,身份证号码,年级,班级\n");
    for (name, number, grade, class) in rows {
        text.push_str(&format!("{name},{number},{grade},{class}\n"));
    }
    std::fs::write(path, text).unwrap();
}

/// A drive in a folder of its own, which is its home too, holding `roster()` imported through the binary.
fn roster_drive() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("drive.db");
    let list = dir.path().join("list.csv");
    write_list(&list, &roster());
    canbao(&db, dir.path()).arg("import").arg(&list).assert().success();
    (dir, db)
}

fn current_year(db: &Path, home: &Path) -> i64 {
    let years = json(canbao(db, home).args(["year", "list", "--json"]));
    let years = years.as_array().unwrap();
    years.iter().find(|y| y["current"] == true).and_then(|y| y["year"].as_i64()).expect("a current year")
}

/// Gives the drive a policy of its current year whose concentrated collection runs from a month ago to tomorrow
/// (001's amounts), chosen with `policy use`: the year's collection is open today. Returns the year and the
/// collection's last day.
fn use_policy_collecting_today(db: &Path, home: &Path) -> (i64, chrono::NaiveDate) {
    let year = current_year(db, home);
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let (from, to) = (today - chrono::Days::new(30), today + chrono::Days::new(1));
    let base = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/policies/yibin-2024.toml")).unwrap();
    let policy = base
        .replace("insured_year = 2024", &format!("insured_year = {year}"))
        .replace("from = 2023-09-01", &format!("from = {from}"))
        .replace("to = 2024-02-29", &format!("to = {to}"))
        .replace("from = 2024-03-01", &format!("from = {}", to + chrono::Days::new(1)))
        .replace("to = 2024-12-31", &format!("to = {year}-12-31"));
    let folder = home.join("config/canbao/policies");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join(format!("testcity-{year}.toml")), policy).unwrap();
    canbao(db, home).args(["policy", "use", &format!("testcity-{year}")]).assert().success();
    (year, to)
}

#[test]
fn a_new_year_promotes_and_reconciles_its_tax_list_leaving_last_years_payments_intact() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    let pupils = roster();
    write_list(&list, &pupils);
    canbao(&db, home).arg("import").arg(&list).assert().success();
    let year = current_year(&db, home);
    // The drive's own year's policy, made from yibin-2024: the next year's is made from it in turn.
    let this_year = format!("yibin-{year}");
    canbao(&db, home)
        .args(["policy", "new", &this_year, "--from", "yibin-2024", "--year", &year.to_string()])
        .assert()
        .success();
    canbao(&db, home).args(["policy", "use", &this_year]).assert().success();
    let yi = &pupils[0].1;
    // A payment of the drive's year (its dates are judged against the drive's year): a few weeks before today,
    // never later, and never before 1 January of the year before the drive's.
    let paid_on =
        ((chrono::Utc::now() + chrono::Duration::hours(8)).date_naive() - chrono::Duration::days(30)).to_string();
    canbao(&db, home)
        .args(["mark", yi, "--payment", "paid", "--amount", "380", "--paid-on", &paid_on, "--channel", "微信"])
        .assert()
        .success();
    canbao(&db, home).args(["mark", &pupils[2].1, "--enrollment", "declined", "--reason", "外地"]).assert().success();

    // Only the next year.
    let wrong = canbao(&db, home).args(["year", "new", &(year + 2).to_string()]).assert().code(1);
    assert!(String::from_utf8_lossy(&wrong.get_output().stderr).contains("只能开始下一个年度"));

    // The report first, with nothing changed.
    let next = (year + 1).to_string();
    let dry = json(canbao(&db, home).args(["year", "new", &next, "--promote", "--dry-run", "--json"]));
    assert_eq!(current_year(&db, home), year, "a dry run changes nothing");
    assert!(!home.join(format!("config/canbao/policies/yibin-{next}.toml")).exists(), "nor writes a policy");
    // --force: the drive's year's concentrated period may be open on the day the test runs, which is not this
    // test's matter.
    let report = json(canbao(&db, home).args(["year", "new", &next, "--promote", "--force", "--json"]));
    for key in ["year", "promoted", "graduated", "carried_categories"] {
        assert_eq!(dry[key], report[key], "{key}: the dry run said what the run did");
    }
    assert_eq!(report["year"], year + 1);
    // 初三, 高中三年级 and 大班 leave; the other five move up. The school has 七年级 classes, so its 六年级 go on
    // into 七年级 (九年一贯制) rather than leave.
    assert_eq!((report["promoted"].as_i64(), report["graduated"].as_i64()), (Some(5), Some(3)), "{report}");
    assert_eq!(report["carried_categories"], 0);
    assert_eq!(report["policy"], format!("yibin-{next}"), "made from the drive's policy as policy new does");
    assert!(home.join(format!("config/canbao/policies/yibin-{next}.toml")).is_file());
    let moves = report["moves"].as_array().unwrap();
    let to = |from: &str| moves.iter().find(|m| m["from"] == from).map(|m| m["to"].clone()).unwrap_or(Value::Null);
    assert_eq!(to("一年级1班"), "二年级1班");
    assert_eq!(to("七年级3班"), "八年级3班");
    assert_eq!(to("高一2班"), "高二2班");
    assert_eq!(to("中班1班"), "大班1班");
    assert_eq!(to("初三1班"), Value::Null);
    assert_eq!(to("六年级2班"), "七年级2班");

    let found = json(canbao(&db, home).args(["find", yi, "--json"]));
    assert_eq!((found[0]["class"].as_str(), found[0]["payment"].as_str()), (Some("二年级1班"), Some("unpaid")));
    let left = json(canbao(&db, home).args(["find", &pupils[3].1, "--json"]));
    assert_eq!(left[0]["enrollment"], "left");

    // The new year's tax list, without its dates: the new year's concentrated period opens on 1 September of the
    // year before it, later than this test's today, and a payment dated before it is no payment for the new year.
    let tax = dir.path().join("tax.csv");
    std::fs::write(&tax, format!("姓名,证件号码,缴费金额\n一年甲,{yi},400\n")).unwrap();
    let reconciled = json(canbao(&db, home).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!(reconciled["matched"], 1, "{reconciled}");
    let stats = json(canbao(&db, home).args(["stats", "--json"]));
    assert_eq!(stats["year"], year + 1);
    assert_eq!(stats["payment"]["paid"], 1);
    assert_eq!(stats["enrollment"]["declined"], 0, "last year's answer is not this year's");

    // Last year, read-only: its own payment and its own answers.
    let old = json(canbao(&db, home).args(["--year", &year.to_string(), "stats", "--json"]));
    assert_eq!(old["year"], year);
    assert_eq!(old["payment"]["paid"], 1);
    assert_eq!(old["enrollment"]["declined"], 1);
    let old_find = json(canbao(&db, home).args(["--year", &year.to_string(), "find", &pupils[3].1, "--json"]));
    assert_eq!(old_find[0]["enrollment"], "unknown", "初三丁 was at school last year");
    let old_yi = json(canbao(&db, home).args(["--year", &year.to_string(), "find", yi, "--json"]));
    assert_eq!(old_yi[0]["class"], "一年级1班", "last year's class");
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let mut store = store;
    store.view_year(year as i32).unwrap();
    let then = store.student_by_id_number(yi).unwrap().unwrap();
    assert_eq!(
        (then.payment_details.amount_fen, then.payment_details.paid_on.map(|d| d.to_string())),
        (Some(38000), Some(paid_on))
    );
    drop(store);
    let refused = canbao(&db, home).args(["--year", &year.to_string(), "mark", yi, "--note", "x"]).assert().code(1);
    assert!(String::from_utf8_lossy(&refused.get_output().stderr).contains("只读"));
    let sheet = dir.path().join("old.csv");
    canbao(&db, home)
        .args(["--year", &year.to_string(), "export", "sheet", "--format", "csv", "--out"])
        .arg(&sheet)
        .assert()
        .success();
    assert!(std::fs::read_to_string(&sheet).unwrap().contains(&format!("保险年度：{year}年度")));
}

#[test]
fn pupils_missing_from_this_years_lists_are_offered_not_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    let pupils = vec![
        ("甲", id("45020220190301002"), "一年级", "1班"),
        ("乙", id("45020220190301010"), "一年级", "1班"),
        ("丙", id("45020220190301029"), "一年级", "1班"),
    ];
    write_list(&list, &pupils);
    canbao(&db, home).arg("import").arg(&list).assert().success();
    let year = current_year(&db, home);
    canbao(&db, home).args(["year", "new", &(year + 1).to_string(), "--promote", "--force"]).assert().success();
    // This year's list of 二年级1班: 乙 is not on it, and a newcomer is.
    let this_year = vec![
        ("甲", pupils[0].1.clone(), "二年级", "1班"),
        ("丙", pupils[2].1.clone(), "二年级", "1班"),
        ("丁", id("45020220190301037"), "二年级", "1班"),
    ];
    write_list(&list, &this_year);
    let out = text(canbao(&db, home).arg("import").arg(&list));
    assert!(out.contains("可能已离校 1 人"), "{out}");
    let listed = json(canbao(&db, home).args(["year", "leavers", "--json"]));
    let names: Vec<&str> = listed["leavers"].as_array().unwrap().iter().filter_map(|l| l["name"].as_str()).collect();
    assert_eq!(names, ["乙"]);
    let stats = json(canbao(&db, home).args(["stats", "--json"]));
    assert_eq!(stats["students"], 4, "offered, never removed");
    let marked = json(canbao(&db, home).args(["year", "leavers", "--mark", "--json"]));
    assert_eq!(marked["marked"], 1);
    let found = json(canbao(&db, home).args(["find", &pupils[1].1, "--json"]));
    assert_eq!(found[0]["enrollment"], "left");
}

#[test]
fn graduates_leave_their_class_so_the_new_year_counts_each_class_once() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    let pupils = vec![
        ("六年甲", id("45020220140301002"), "六年级", "1班"),
        ("六年乙", id("45020220140301010"), "六年级", "1班"),
        ("五年丙", id("45020220150301002"), "五年级", "1班"),
    ];
    write_list(&list, &pupils);
    canbao(&db, home).arg("import").arg(&list).assert().success();
    let year = current_year(&db, home);
    canbao(&db, home).args(["year", "new", &(year + 1).to_string(), "--promote", "--force"]).assert().success();

    let stats = json(canbao(&db, home).args(["stats", "--json"]));
    let in_class = |label: &str| {
        stats["classes"].as_array().unwrap().iter().find(|c| c["class"] == label).map(|c| c["students"].clone())
    };
    assert_eq!(in_class("六年级1班"), Some(1.into()), "only the class moved up: {stats}");
    let graduates = format!("已毕业{year}届");
    assert_eq!(in_class(&graduates), None, "graduates are in none of the year's classes: {stats}");
    assert_eq!((stats["students"].as_i64(), stats["former"].as_i64()), (Some(1), Some(2)), "{stats}");
    let found = json(canbao(&db, home).args(["find", &pupils[0].1, "--json"]));
    assert_eq!((found[0]["class"].as_str(), found[0]["enrollment"].as_str()), (Some(graduates.as_str()), Some("left")));
    let out = dir.path().join("classes");
    canbao(&db, home)
        .args(["export", "classes", "--format", "csv", "--class", "六年级1班", "--out"])
        .arg(&out)
        .assert()
        .success();
    let mut written = String::new();
    for file in std::fs::read_dir(&out).unwrap() {
        written.push_str(&std::fs::read_to_string(file.unwrap().path()).unwrap());
    }
    assert!(written.contains("五年丙") && !written.contains("六年甲") && !written.contains("六年乙"), "{written}");
    // Last year still shows them in the class they were in.
    let old = json(canbao(&db, home).args(["--year", &year.to_string(), "find", &pupils[0].1, "--json"]));
    assert_eq!(old[0]["class"], "六年级1班");
    // And a search of last year by class finds who was in it then, not who is in it now.
    let names = |query: &str| -> Vec<String> {
        let found = json(canbao(&db, home).args(["--year", &year.to_string(), "find", query, "--json"]));
        found.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap_or_default().to_owned()).collect()
    };
    assert_eq!(names("六年级1班"), ["六年甲", "六年乙"]);
    assert_eq!(names("五年级1班"), ["五年丙"]);
}

/// The class lists of a new year are the classes of this year: graduates are in none of them, and the export
/// says how many it left out instead of listing them as a class of their own.
#[test]
fn class_lists_leave_graduates_out_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    write_list(
        &list,
        &[
            ("六年甲", id("45020220140301002"), "六年级", "1班"),
            ("六年乙", id("45020220140301010"), "六年级", "1班"),
            ("五年丙", id("45020220150301002"), "五年级", "1班"),
        ],
    );
    canbao(&db, home).arg("import").arg(&list).assert().success();
    let year = current_year(&db, home);
    canbao(&db, home).args(["year", "new", &(year + 1).to_string(), "--promote", "--force"]).assert().success();

    let out = dir.path().join("classes");
    std::fs::create_dir(&out).unwrap();
    let said = text(canbao(&db, home).args(["export", "classes", "--format", "csv", "--out"]).arg(&out));
    let names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|f| f.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert_eq!(names.len(), 1, "one class this year, not a class of graduates: {names:?}");
    assert!(names[0].contains("六年级1班"), "{names:?}");
    assert!(
        said.contains("已毕业或往年已离校的学生 2 人")
            && said.contains("2 pupils who graduated or left before this year"),
        "{said}"
    );
    // 在校学生信息表 lists the pupils at school: the graduates are not, and the export says so.
    let sheet = dir.path().join("sheet.csv");
    let said = text(canbao(&db, home).args(["export", "sheet", "--format", "csv", "--out"]).arg(&sheet));
    let rows = std::fs::read_to_string(&sheet).unwrap();
    assert!(rows.contains("五年丙") && !rows.contains("六年甲") && !rows.contains("已毕业"), "{rows}");
    assert!(said.contains("已毕业或往年已离校的学生 2 人") && said.contains("在校学生信息表"), "{said}");

    // A drive whose only pupils have graduated has no class list to give, and says why.
    let only = dir.path().join("only.csv");
    write_list(&only, &[("六年丁", id("45020220140301029"), "六年级", "1班")]);
    let db2 = dir.path().join("drive2.db");
    canbao(&db2, home).arg("import").arg(&only).assert().success();
    canbao(&db2, home).args(["year", "new", &(year + 1).to_string(), "--promote", "--force"]).assert().success();
    let failed = canbao(&db2, home).args(["export", "classes", "--out"]).arg(dir.path()).assert().code(1);
    let err = String::from_utf8_lossy(&failed.get_output().stderr).into_owned();
    assert!(err.contains("唯一的一名学生已毕业或往年已离校") && err.contains("the only pupil graduated"), "{err}");
}

/// `year new` while the current year's concentrated period is still open today is refused: once the next year
/// starts this one can only be looked at, so the rest of its payments (today's among them) could be recorded
/// nowhere, though the old note said they would go to the new year. `--dry-run` says so and shows the report;
/// `--force` starts it all the same and says so on stderr. The policy is made for the drive's year with its window
/// around today's real date.
#[test]
fn year_new_is_refused_while_the_concentrated_period_is_open_unless_forced() {
    let (dir, db) = roster_drive();
    let home = dir.path();
    let (year, to) = use_policy_collecting_today(&db, home);

    let next = (year + 1).to_string();
    let said = format!(
        "{year} 年度的集中缴费期到 {to}，还在进行中：开始 {next} 年度后，{year} 年度只能查看，它的缴费（包括今天的）不能再记录"
    );
    let refused = canbao(&db, home).args(["year", "new", &next, "--promote"]).output().unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains(&said) && stderr.contains("未做任何修改"), "{stderr}");
    assert!(stderr.contains(&format!("year new {next} --promote --force")), "the command that starts it: {stderr}");
    assert_eq!(current_year(&db, home), year, "not started");
    let dry = canbao(&db, home).args(["year", "new", &next, "--promote", "--dry-run"]).output().unwrap();
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    assert!(String::from_utf8_lossy(&dry.stderr).contains(&said), "{}", String::from_utf8_lossy(&dry.stderr));
    assert_eq!(current_year(&db, home), year, "a dry run starts nothing");
    let forced = canbao(&db, home).args(["year", "new", &next, "--promote", "--force"]).output().unwrap();
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    let (stdout, stderr) = (String::from_utf8_lossy(&forced.stdout), String::from_utf8_lossy(&forced.stderr));
    assert!(stderr.contains(&format!("注意：{said}")), "{stderr}");
    assert!(!stdout.contains("还在进行中"), "{stdout}");
    assert_eq!(current_year(&db, home), year + 1);
}

/// Two laptops across the change of year, each with its own config folder (B's has no policy file: the drive
/// came from A). B, still in last year, is refused A's file until it starts the year itself, from the policy the
/// drive keeps; then both merge both ways and end alike: next year's first grader stays in 一年级, the class next
/// year's list gave stands over B's later promotion.
#[test]
fn a_laptop_in_last_year_starts_the_year_from_the_drives_policy_before_taking_the_next_years_file() {
    let dir = tempfile::tempdir().unwrap();
    let (home_a, home_b) = (dir.path().join("a"), dir.path().join("b"));
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let (wang, li, xiang, xu) =
        (id("45020320200410101"), id("45020320191109111"), id("45020320190409115"), id("45020320210713501"));
    let list = dir.path().join("y1.csv");
    write_list(
        &list,
        &[
            ("王一", wang.clone(), "一年级", "1班"),
            ("李二", li.clone(), "二年级", "1班"),
            ("向宇", xiang.clone(), "二年级", "1班"),
        ],
    );
    canbao(&a, &home_a).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    let year = current_year(&a, &home_a);
    let policy = format!("yibin-{year}");
    canbao(&a, &home_a)
        .args(["policy", "new", &policy, "--from", "yibin-2024", "--year", &year.to_string(), "--premium", "400"])
        .assert()
        .success();
    canbao(&a, &home_a).args(["policy", "use", &policy]).assert().success();
    canbao(&a, &home_a).arg("backup").arg(&b).assert().success();
    let next = (year + 1).to_string();
    // --force: the drive's policy is made for this year, whose concentrated period may be open on the day the test
    // runs; that refusal is not what this test is about.
    canbao(&a, &home_a).args(["year", "new", &next, "--promote", "--premium", "420", "--force"]).assert().success();
    let list2 = dir.path().join("y2.csv");
    write_list(
        &list2,
        &[
            ("王一", wang.clone(), "二年级", "1班"),
            ("李二", li.clone(), "三年级", "1班"),
            ("向宇", xiang.clone(), "三年级", "2班"),
            ("许博", xu.clone(), "一年级", "1班"),
        ],
    );
    canbao(&a, &home_a).arg("import").arg(&list2).assert().success();

    // B is still in last year: A's file is refused, nothing written, no backup taken.
    let sheet =
        |db: &Path, home: &Path| text(canbao(db, home).args(["export", "sheet", "--format", "csv", "--out", "-"]));
    let before = sheet(&b, &home_b);
    let out = canbao(&b, &home_b).arg("merge").arg(&a).output().unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains(&format!("canbao --db {} year new {next} --promote", b.display())), "{said}");
    assert!(sheet(&b, &home_b) == before && !before.contains("许博"), "nothing written: {before}");
    let merge_backups = std::fs::read_dir(dir.path().join("backups"))
        .map(|d| d.filter_map(Result::ok).filter(|e| e.file_name().to_string_lossy().ends_with("-merge.db")).count())
        .unwrap_or(0);
    assert_eq!(merge_backups, 0, "no backup taken");

    // B starts the year from the drive's own copy of its policy (B's config folder has none), later than A.
    let started =
        json(canbao(&b, &home_b).args(["year", "new", &next, "--promote", "--premium", "420", "--force", "--json"]));
    assert_eq!(started["policy"], format!("yibin-{next}"), "{started}");
    canbao(&b, &home_b).arg("merge").arg(&a).assert().success();
    canbao(&a, &home_a).arg("merge").arg(&b).assert().success();
    let class_of = |db: &Path, home: &Path, number: &str| {
        let found = json(canbao(db, home).args(["find", number, "--json"]));
        let first = found.as_array().and_then(|a| a.first()).cloned().unwrap_or(found);
        format!("{}{}", first["grade"].as_str().unwrap_or(""), first["class"].as_str().unwrap_or(""))
    };
    for (db, home) in [(&a, &home_a), (&b, &home_b)] {
        assert_eq!(class_of(db, home, &xu), "一年级1班", "next year's first grader: {}", db.display());
        assert_eq!(class_of(db, home, &xiang), "三年级2班", "next year's list stands: {}", db.display());
        assert_eq!(class_of(db, home, &wang), "二年级1班");
    }
    assert_eq!(sheet(&a, &home_a), sheet(&b, &home_b), "both laptops end alike");
}

/// `mark --payment paid` dated in the next year's concentrated period, on a drive still in the old year, when the
/// policy gives it no cover in the old year (001: a mid-year payment waits 6 months, so from July on it buys none):
/// refused without `--yes`, naming the policy's rule (window, clause, wait) and the year it may be for, nothing
/// saved; with `--yes` saved for the old year and said on stderr, in both languages (English only with `--lang
/// en`), with how to move the drive to the new year, and never as a late payment that needs nothing more. A payment
/// dated before that period (July) is refused the same way, and once saved with `--yes` says it buys no cover.
/// Before, each was saved at once, with 「如是 2024 年度的补缴，无需处理」.
#[test]
fn a_payment_in_the_next_years_collection_on_a_drive_in_the_old_year_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    let pupils = roster();
    write_list(&list, &pupils);
    canbao(&db, home).arg("import").arg(&list).assert().success();
    canbao(&db, home).args(["policy", "use", "yibin-2024"]).assert().success();
    {
        // A drive of the 2024 insured year, whatever today's date.
        let mut store = canbao::store::Store::open(&db).unwrap();
        for key in ["current_year", "first_year"] {
            store.set_meta(key, "2024").unwrap();
        }
    }
    assert_eq!(current_year(&db, home), 2024);
    let mark = |number: &str, day: &str, lang: Option<&str>, yes: bool| {
        let mut cmd = canbao(&db, home);
        if let Some(lang) = lang {
            cmd.args(["--lang", lang]);
        }
        cmd.args(["mark", number, "--payment", "paid", "--amount", "380", "--paid-on", day]);
        if yes {
            cmd.arg("--yes");
        }
        let out = cmd.output().unwrap();
        (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let payment = |number: &str| json(canbao(&db, home).args(["find", number, "--json"]))[0]["payment"].clone();

    let (saved, said) = mark(&pupils[0].1, "2024-09-15", None, false);
    assert!(!saved, "{said}");
    for w in [
        "2024-09-15 缴费后待遇自 2025-03-01 起（保险年度内中途参保，001 附件1 一(三)：缴费当月起 6 个月后才享受待遇）",
        "按政策这笔缴费不能使其在 2024 年度参保，未保存",
        "如是 2025 年度的缴费",
        "请加 --yes 重新运行",
        "cover would start on 2025-03-01 (保险年度内中途参保, 001 附件1 一(三): cover 6 months after the payment month)",
        "by the policy this payment buys no cover in 2024: nothing saved",
    ] {
        assert!(said.contains(w), "{w} in {said}");
    }
    assert_eq!(payment(&pupils[0].1), "unpaid");

    let (saved, said) = mark(&pupils[0].1, "2024-09-15", None, true);
    assert!(saved, "{said}");
    for w in [
        "记入 2024 年度",
        "2025 年度的集中缴费期（2024-09-01 至 2025-02-28）",
        format!("canbao --db {} year new 2025 --promote", db.display()).as_str(),
        "按政策这笔缴费在 2024 年度不能享受待遇",
        "recorded for 2024",
        "2025's 集中缴费期 (2024-09-01 to 2025-02-28)",
        "by the policy it buys no cover in 2024",
    ] {
        assert!(said.contains(w), "{w} in {said}");
    }
    assert!(!said.contains("无需处理") && !said.contains("needs nothing more"), "{said}");
    assert_eq!(payment(&pupils[0].1), "paid");

    let (saved, en) = mark(&pupils[1].1, "2024-10-08", Some("en"), false);
    assert!(!saved && en.contains("no cover this year") && !en.contains("未保存"), "{en}");
    let (saved, en) = mark(&pupils[1].1, "2024-10-08", Some("en"), true);
    assert!(
        saved
            && en.contains("recorded for 2024")
            && en.contains(&format!("canbao --db {} year new 2025 --promote", db.display())),
        "{en}"
    );
    assert!(!en.contains("记入"), "{en}");

    // July, before next year's collection: no cover left this year either, refused; with --yes, said so only.
    let (saved, summer) = mark(&pupils[2].1, "2024-07-15", None, false);
    assert!(!saved && summer.contains("本年度不能享受待遇"), "{summer}");
    let (saved, summer) = mark(&pupils[2].1, "2024-07-15", None, true);
    assert!(saved, "{summer}");
    assert!(!summer.contains("记入 2024 年度") && !summer.contains("recorded for 2024"), "{summer}");
    assert!(summer.contains("本年度不能享受待遇") && summer.contains("--yes"), "{summer}");
    // June: covered from December, saved at once, nothing said.
    let (saved, june) = mark(&pupils[3].1, "2024-06-30", None, false);
    assert!(saved && june.is_empty(), "{june}");
}

/// In the new year a pupil who left last year and last year's graduates are no longer at school: not in the
/// class the next pupils move into, not in this year's totals, check, 参保花名册 or 参保进度汇总; last year's forms, read
/// with `--year`, still have them in their classes.
#[test]
fn pupils_who_left_and_graduates_are_out_of_the_new_years_classes_totals_and_forms() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    let (grad, gone, next) = (id("45020220140301002"), id("45020220160301002"), id("45020220170301002"));
    std::fs::write(
        &list,
        format!(
            "姓名,身份证号码,年级,班级,人员类别\n六年甲,{grad},六年级,1班,低保\n三年乙,{gone},三年级,2班,低保\n\
             二年丙,{next},二年级,2班,低保\n"
        ),
    )
    .unwrap();
    canbao(&db, home).arg("import").arg(&list).assert().success();
    canbao(&db, home).args(["mark", &gone, "--enrollment", "left"]).assert().success();
    let year = current_year(&db, home);
    let started =
        json(canbao(&db, home).args(["year", "new", &(year + 1).to_string(), "--promote", "--force", "--json"]));
    assert_eq!((started["graduated"].as_i64(), started["left"].as_i64()), (Some(1), Some(1)), "{started}");

    let stats = json(canbao(&db, home).args(["stats", "--json"]));
    assert_eq!(stats["students"], 1, "{stats}");
    assert_eq!(stats["enrollment"]["left"], 0, "{stats}");
    assert_eq!(stats["former"], 2, "{stats}");
    // Nor does the year's check weigh them: not counted, not listed under any finding.
    let check = json(canbao(&db, home).args(["check", "--json"]));
    assert_eq!(check["students"], 1, "{check}");
    let said = check.to_string();
    assert!(!said.contains("六年甲") && !said.contains("三年乙"), "{check}");
    let classes: Vec<(String, i64)> = stats["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["class"].as_str().unwrap_or_default().to_owned(), c["students"].as_i64().unwrap_or_default()))
        .collect();
    assert_eq!(classes, [("三年级2班".to_owned(), 1)], "{stats}");
    let names = |extra: &[&str], query: &str| -> Vec<String> {
        let found = json(canbao(&db, home).args(extra).args(["find", query, "--json"]));
        found.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap_or_default().to_owned()).collect()
    };
    assert_eq!(names(&[], "三年级2班"), ["二年丙"], "this year's 三年级2班 is last year's 二年级2班");
    let form = |extra: &[&str], kind: &str| {
        text(canbao(&db, home).args(extra).args(["export", kind, "--format", "csv", "--out", "-"]))
    };
    let special = form(&[], "special");
    assert!(special.contains("二年丙") && !special.contains("六年甲") && !special.contains("三年乙"), "{special}");
    let summary = form(&[], "summary");
    assert!(
        summary.contains("学生总数,1") && !summary.contains("已毕业") && !summary.contains("已离校20"),
        "{summary}"
    );

    // Last year: both where they were, on its forms.
    let last = year.to_string();
    assert_eq!(names(&["--year", &last], "三年级2班"), ["三年乙"]);
    let special = form(&["--year", &last], "special");
    assert!(special.contains("六年甲") && special.contains("三年乙") && special.contains("二年丙"), "{special}");
    let stats = json(canbao(&db, home).args(["--year", &last, "stats", "--json"]));
    assert_eq!((stats["students"].as_i64(), stats["former"].as_i64()), (Some(3), Some(0)), "{stats}");
    let check = json(canbao(&db, home).args(["--year", &last, "check", "--json"]));
    assert_eq!(check["students"], 3, "{check}");
}

/// A former pupil whom this year's list names again (a graduate kept down a year, a child who left and came
/// back) is a returning pupil: the import puts them in the class the list gives and out of 已离校, with the
/// change in their history, and its report says so, in Chinese and English; the dry run says the same and
/// changes nothing. This year counts them, and they are no possible leavers.
#[test]
fn a_former_pupil_named_on_this_years_list_returns_to_the_class_it_gives() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    let (grad, gone, stays) = (id("45020220140301002"), id("45020220160301002"), id("45020220150301002"));
    write_list(
        &list,
        &[
            ("六年甲", grad.clone(), "六年级", "1班"),
            ("三年乙", gone.clone(), "三年级", "2班"),
            ("五年丙", stays.clone(), "五年级", "1班"),
        ],
    );
    canbao(&db, home).arg("import").arg(&list).assert().success();
    canbao(&db, home).args(["mark", &gone, "--enrollment", "left"]).assert().success();
    let year = current_year(&db, home);
    canbao(&db, home).args(["year", "new", &(year + 1).to_string(), "--promote", "--force"]).assert().success();
    assert_eq!(json(canbao(&db, home).args(["stats", "--json"]))["former"], 2);

    // This year's lists: 六年甲 kept down in 六年级1班 beside 五年丙, who moved up; 三年乙 back in 四年级2班.
    write_list(
        &list,
        &[
            ("六年甲", grad.clone(), "六年级", "1班"),
            ("五年丙", stays.clone(), "六年级", "1班"),
            ("三年乙", gone.clone(), "四年级", "2班"),
        ],
    );
    let found = |number: &str| {
        let found = json(canbao(&db, home).args(["find", number, "--json"]));
        let first = &found[0];
        (
            first["class"].as_str().unwrap_or_default().to_owned(),
            first["enrollment"].as_str().unwrap_or_default().to_owned(),
        )
    };
    let dry = json(canbao(&db, home).args(["import", "--dry-run", "--json"]).arg(&list));
    assert_eq!(dry["returned"], 2, "{dry}");
    assert_eq!(found(&grad), (format!("已毕业{year}届"), "left".to_owned()), "a dry run changes nothing");

    let said = text(canbao(&db, home).arg("import").arg(&list));
    for words in [
        "2 名往年已毕业或已离校的学生又列入名单",
        "2 pupils who graduated or left before this year are on the lists again",
        &format!("六年甲 往年已离校（已毕业{year}届），今年的名单又列入：已回到“六年级1班”"),
        &format!("三年乙 往年已离校（已离校{year}年度），今年的名单又列入：已回到“四年级2班”"),
        "back in class 四年级2班 as a returning pupil, no longer marked left",
    ] {
        assert!(said.contains(words), "{words}: {said}");
    }
    assert!(!said.contains("调到"), "a return is not said as a move: {said}");
    assert_eq!(found(&grad), ("六年级1班".to_owned(), "unknown".to_owned()));
    assert_eq!(found(&gone), ("四年级2班".to_owned(), "unknown".to_owned()));
    let stats = json(canbao(&db, home).args(["stats", "--json"]));
    assert_eq!((stats["students"].as_i64(), stats["former"].as_i64()), (Some(3), Some(0)), "{stats}");
    assert_eq!(stats["enrollment"]["left"], 0, "{stats}");
    let leavers = json(canbao(&db, home).args(["year", "leavers", "--json"]));
    assert_eq!(leavers["leavers"], serde_json::json!([]), "{leavers}");

    // The return is in the pupil's history, under the import, for this year.
    let conn = rusqlite::Connection::open(&db).unwrap();
    let history = |number: &str| -> Vec<(String, Option<String>, Option<String>)> {
        conn.prepare(
            "SELECT field, old, new FROM audit WHERE action = 'import' AND id_number = ?1
               AND field IN ('grade', 'class', 'enrollment', 'decline_reason') ORDER BY id",
        )
        .unwrap()
        .query_map([number], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
    };
    let row = |f: &str, o: &str, n: Option<&str>| (f.to_owned(), Some(o.to_owned()), n.map(str::to_owned));
    assert_eq!(
        history(&grad),
        [
            row("grade", "已毕业", Some("六年级")),
            row("class", &format!("{year}届"), Some("1班")),
            row("enrollment", "left", Some("unknown")),
            row("decline_reason", "毕业", None),
        ]
    );
    assert_eq!(
        history(&gone),
        [
            row("grade", "已离校", Some("四年级")),
            row("class", &format!("{year}年度"), Some("2班")),
            row("enrollment", "left", Some("unknown")),
        ]
    );
    let stamped: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'import' AND field = 'enrollment' AND year = ?1",
            [year + 1],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(stamped, 2, "this year's enrollment");
}

/// Last year's forms (`--year`), exported into the folder this year's go to and imported by mistake once the
/// drive has moved on, are refused whole, saying both years and what to do, by `import` and its `--dry-run`
/// alike: read as this year's lists they moved every pupil back into last year's class and brought the graduates
/// back. Each year's forms keep files of their own, the year in their names, so this year's, exported the same
/// day into the same folder, never replace last year's; and this year's are imported as before.
#[test]
fn last_years_own_forms_are_refused_and_each_year_keeps_its_own_files() {
    let (dir, db) = roster_drive();
    let home = dir.path();
    let year = current_year(&db, home);
    let next = year + 1;
    canbao(&db, home).args(["year", "new", &next.to_string(), "--promote", "--force"]).assert().success();
    let out = dir.path().join("out");
    let forms: [&[&str]; 6] = [
        &["sheet"],
        &["sheet", "--format", "csv"],
        &["classes"],
        &["template"],
        &["template", "--format", "csv"],
        &["ledgers"],
    ];
    let files = |year: i64| -> Vec<std::path::PathBuf> {
        let mut files: Vec<_> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().contains(&format!("-{year}年度-")))
            .collect();
        files.sort();
        files
    };
    for form in forms {
        let last = year.to_string();
        canbao(&db, home).args(["--year", &last, "export"]).args(form).arg("--out").arg(&out).assert().success();
        canbao(&db, home).arg("export").args(form).arg("--out").arg(&out).assert().success();
    }
    let (old, new) = (files(year), files(next));
    // The sheet twice, the class lists, the template's two files twice (this year's with its third, of the
    // pupils who graduated, 002 四), the four ledgers in one workbook.
    assert_eq!((old.len(), new.len()), (8, 10), "{old:?} {new:?}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 18, "nothing else, nothing replaced");

    let stats = || json(canbao(&db, home).args(["stats", "--json"]));
    let before = stats();
    for file in old.iter().filter(|f| !f.to_string_lossy().contains("台账")) {
        for dry in [true, false] {
            let mut cmd = canbao(&db, home);
            cmd.arg("import");
            if dry {
                cmd.arg("--dry-run");
            }
            let refused = cmd.arg(file).assert().code(1);
            let err = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
            for words in [
                format!("这是 canbao 导出的 {year} 年度的"),
                "（去年的表格）".to_owned(),
                format!("而数据文件现在是 {next} 年度"),
                "未导入任何内容".to_owned(),
                format!("for insured year {year}, last year's form, and the drive is now in {next}"),
                "nothing was imported".to_owned(),
                format!("canbao --year {year}"),
            ] {
                assert!(err.contains(&words), "{}: {words}: {err}", file.display());
            }
        }
    }
    assert_eq!(stats(), before, "nothing changed");
    let found = json(canbao(&db, home).args(["find", &roster()[0].1, "--json"]));
    assert_eq!(found[0]["class"], "二年级1班", "still in this year's class");

    // Together: the 参保 file of the template holds nobody yet, which alone is refused as an empty list.
    let this_years = new.iter().filter(|f| !f.to_string_lossy().contains("台账"));
    canbao(&db, home).arg("import").args(this_years).assert().success();
    assert_eq!(stats(), before, "this year's forms read back change nothing");
}

/// A form of canbao's that names no insured year (canbao wrote none before it kept years) may be this year's
/// while the drive is in its first year, and is imported; once the drive has started a later year it is from
/// that first year or before, and refused. A form naming a year after the drive's asks for the new year first.
#[test]
fn a_form_naming_no_year_or_a_later_one_is_told_apart() {
    let (dir, db) = roster_drive();
    let home = dir.path();
    let year = current_year(&db, home);
    let sheet = dir.path().join("sheet.csv");
    canbao(&db, home).args(["export", "sheet", "--format", "csv", "--out"]).arg(&sheet).assert().success();
    let text = std::fs::read_to_string(&sheet).unwrap();
    let label = format!("保险年度：{year}年度,");
    assert!(text.contains(&label), "{text}");
    let unnamed = dir.path().join("older.csv");
    std::fs::write(&unnamed, text.replace(&label, "")).unwrap();
    let later = dir.path().join("later.csv");
    std::fs::write(&later, text.replace(&label, &format!("保险年度：{}年度,", year + 1))).unwrap();

    canbao(&db, home).arg("import").arg(&unnamed).assert().success();
    let refused = canbao(&db, home).arg("import").arg(&later).assert().code(1);
    let err = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    let next = year + 1;
    for words in [
        format!("这是 canbao 导出的 {next} 年度的在校学生信息表，而本数据文件还在 {year} 年度"),
        format!("canbao year new {next} --promote"),
        "nothing imported".to_owned(),
    ] {
        assert!(err.contains(&words), "{words}: {err}");
    }

    canbao(&db, home).args(["year", "new", &next.to_string(), "--promote", "--force"]).assert().success();
    let refused = canbao(&db, home).arg("import").arg(&unnamed).assert().code(1);
    let err = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    for words in [
        format!("这是旧版 canbao 导出的在校学生信息表，没有写保险年度，是 {year} 年度或更早的表格"),
        format!("it is for {year} or earlier, and the drive is now in {next}"),
    ] {
        assert!(err.contains(&words), "{words}: {err}");
    }
    let found = json(canbao(&db, home).args(["find", &roster()[0].1, "--json"]));
    assert_eq!(found[0]["class"], "二年级1班", "still in this year's class");
    // Named for the year the drive is now in, it is not refused for its year. Its classes are those of the year
    // before, every pupil a grade down (the kindergarten's 大班 → 中班 too), which the last-year guard refuses
    // unless the move is meant.
    let refused = canbao(&db, home).arg("import").arg(&later).assert().code(1);
    let err = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(err.contains("像是上一学年的班级名单") && !err.contains("年度的在校学生信息表"), "{err}");
    canbao(&db, home).args(["import", "--move-down-a-grade"]).arg(&later).assert().success();
}

/// Two copies of one drive holding two pupils of 测试小学 (`roster`'s first two), A and B, each with its own config
/// folder; A has started the next insured year (`promote` or not), B is still in `year`.
struct TwoLaptops {
    a: std::path::PathBuf,
    b: std::path::PathBuf,
    home_a: std::path::PathBuf,
    home_b: std::path::PathBuf,
    year: i64,
}

fn a_year_apart(dir: &Path, promote: bool) -> TwoLaptops {
    a_year_apart_with(dir, &roster()[..2], promote)
}

/// `a_year_apart`, both laptops starting from a list of `rows`.
fn a_year_apart_with(dir: &Path, rows: &[(&str, String, &str, &str)], promote: bool) -> TwoLaptops {
    let (home_a, home_b) = (dir.join("a"), dir.join("b"));
    let (a, b) = (dir.join("a.db"), dir.join("b.db"));
    let list = dir.join("y1.csv");
    write_list(&list, rows);
    canbao(&a, &home_a).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    let year = current_year(&a, &home_a);
    canbao(&a, &home_a).arg("backup").arg(&b).assert().success();
    let next = (year + 1).to_string();
    let promote: &[&str] = if promote { &["--promote"] } else { &[] };
    canbao(&a, &home_a).args(["year", "new", &next, "--force"]).args(promote).assert().success();
    TwoLaptops { a, b, home_a, home_b, year }
}

/// Two laptops across the change of year the other way round: A has started the next year (promoting its
/// classes) while B, still in last year, added pupils. A takes B's file: B's pupils land in A's year as A's own
/// went into it (a 六年级 pupil graduates, a 一年级 one moves up, one B marked 已离校 is out of the classes) and
/// keep their classes and statuses in last year; the report says so. Before, they sat in this year's lists with
/// last year's classes.
#[test]
fn pupils_added_on_a_laptop_still_in_last_year_step_into_this_year_as_this_drives_own_did() {
    let dir = tempfile::tempdir().unwrap();
    let TwoLaptops { a, b, home_a, home_b, year } = a_year_apart(dir.path(), true);
    let next = (year + 1).to_string();

    let (six, one, gone) = (id("45020220140501002"), id("45020220190501002"), id("45020220170501002"));
    let late = dir.path().join("late.csv");
    write_list(
        &late,
        &[
            ("新六", six.clone(), "六年级", "1班"),
            ("新一", one.clone(), "一年级", "2班"),
            ("转走", gone.clone(), "三年级", "1班"),
        ],
    );
    canbao(&b, &home_b).arg("import").arg(&late).args(["--school", "测试小学"]).assert().success();
    canbao(&b, &home_b).args(["mark", &gone, "--enrollment", "left"]).assert().success();

    let said = text(canbao(&a, &home_a).arg("merge").arg(&b));
    assert!(said.contains(&format!("对方数据文件还在 {year} 年度")), "{said}");
    assert!(said.contains("升一级 1 人，毕业离校 1 人，原已离校 1 人"), "{said}");
    let pupil = |number: &str, year: Option<&str>| {
        let mut cmd = canbao(&a, &home_a);
        if let Some(y) = year {
            cmd.args(["--year", y]);
        }
        let found = json(cmd.args(["find", number, "--json"]));
        found.as_array().and_then(|a| a.first()).cloned().unwrap_or(found)
    };
    let class = |p: &Value| p["class"].as_str().unwrap_or("").to_owned();
    let this_year = (pupil(&six, None), pupil(&one, None), pupil(&gone, None));
    assert_eq!(class(&this_year.0), format!("已毕业{year}届"), "{}", this_year.0);
    assert_eq!(this_year.0["enrollment"], "left", "{}", this_year.0);
    assert_eq!(class(&this_year.1), "二年级2班", "{}", this_year.1);
    assert_eq!(this_year.1["enrollment"], "unknown", "{}", this_year.1);
    assert_eq!(class(&this_year.2), format!("已离校{year}年度"), "{}", this_year.2);
    assert_eq!(this_year.2["enrollment"], "left", "{}", this_year.2);
    let last_year = year.to_string();
    let (six_then, gone_then) = (pupil(&six, Some(&last_year)), pupil(&gone, Some(&last_year)));
    assert_eq!(class(&six_then), "六年级1班", "{six_then}");
    assert_eq!(class(&gone_then), "三年级1班", "{gone_then}");
    assert_eq!(gone_then["enrollment"], "left", "{gone_then}");
    // This year's sheet lists the first grader moved up, and neither who left.
    let sheet = text(canbao(&a, &home_a).args(["export", "sheet", "--format", "csv", "--out", "-"]));
    assert!(sheet.contains("新一") && !sheet.contains("新六") && !sheet.contains("转走"), "{sheet}");

    // B starts the year itself, then both merge both ways and end alike: B's own promotion of its pupils and
    // the step A's merge took for them are one outcome, no conflict.
    canbao(&b, &home_b).args(["year", "new", &next, "--promote", "--force"]).assert().success();
    let said = text(canbao(&b, &home_b).arg("merge").arg(&a));
    assert!(!said.contains("年度：从它新增"), "{said}");
    let said = text(canbao(&a, &home_a).arg("merge").arg(&b));
    assert!(said.contains("冲突 0"), "{said}");
    let sheet_of =
        |db: &Path, home: &Path| text(canbao(db, home).args(["export", "sheet", "--format", "csv", "--out", "-"]));
    assert_eq!(sheet_of(&a, &home_a), sheet_of(&b, &home_b), "both laptops end alike");
    let last = |db: &Path, home: &Path| {
        text(canbao(db, home).args(["--year", &last_year, "export", "sheet", "--format", "csv", "--out", "-"]))
    };
    assert_eq!(last(&a, &home_a), last(&b, &home_b), "last year alike too");
}

/// A pupil that B, still in last year, marks 已离校 whom A has already promoted into this year: merged into A,
/// her leaving holds in this year too, out of her class as A's own `year new` would have moved her, and the merge
/// says so; both laptops end alike once B starts the year. Before, she stayed in 二年级1班 on A, counted 应参保
/// and on this year's sheet, while the merge said this year was unchanged.
#[test]
fn a_leaver_marked_on_a_laptop_still_in_last_year_leaves_this_years_class_too() {
    let dir = tempfile::tempdir().unwrap();
    let TwoLaptops { a, b, home_a, home_b, year } = a_year_apart(dir.path(), true);
    let (next, last_year) = ((year + 1).to_string(), year.to_string());
    let first = roster()[0].1.clone();
    canbao(&b, &home_b).args(["mark", &first, "--enrollment", "left", "--note", "转学"]).assert().success();
    let said = text(canbao(&a, &home_a).arg("merge").arg(&b));
    assert!(said.contains(&format!("对方登记为 {year} 年度已离校，本年度也已移出 二年级1班")), "{said}");
    let found = |db: &Path, home: &Path, year: Option<&str>| {
        let mut cmd = canbao(db, home);
        if let Some(y) = year {
            cmd.args(["--year", y]);
        }
        json(cmd.args(["find", &first, "--json"]))[0].clone()
    };
    let now = found(&a, &home_a, None);
    assert_eq!((&now["class"], &now["enrollment"]), (&format!("已离校{year}年度").into(), &"left".into()), "{now}");
    let then = found(&a, &home_a, Some(&last_year));
    assert_eq!((&then["class"], &then["enrollment"]), (&"一年级1班".into(), &"left".into()), "{then}");
    let stats = json(canbao(&a, &home_a).args(["stats", "--json"]));
    assert_eq!((&stats["expected"], &stats["former"]), (&0.into(), &2.into()), "{stats}");
    let sheet_of =
        |db: &Path, home: &Path| text(canbao(db, home).args(["export", "sheet", "--format", "csv", "--out", "-"]));
    assert!(!sheet_of(&a, &home_a).contains("一年甲"));
    // The JSON says it too, and a second merge has nothing more to carry.
    let again = json(canbao(&a, &home_a).args(["merge", "--json"]).arg(&b));
    assert_eq!(again["leavers_across_year"], serde_json::json!([]), "{again}");

    // B starts the year itself (its own leaver moved out by it), then both merge both ways and end alike.
    canbao(&b, &home_b).args(["year", "new", &next, "--promote", "--force"]).assert().success();
    assert!(text(canbao(&b, &home_b).arg("merge").arg(&a)).contains("冲突 0"));
    assert!(text(canbao(&a, &home_a).arg("merge").arg(&b)).contains("冲突 0"));
    assert_eq!(sheet_of(&a, &home_a), sheet_of(&b, &home_b), "both laptops end alike");
    assert_eq!(found(&a, &home_a, None), found(&b, &home_b, None));
}

/// The same leaving, but A's list of this year names the pupil in her new class: that is newer word of her than
/// last year's mark, so she stays, and the merge says it did not carry the leaving and why.
#[test]
fn a_leaver_this_years_list_names_stays_in_her_class_and_the_merge_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let TwoLaptops { a, b, home_a, home_b, year } = a_year_apart(dir.path(), true);
    let first = roster()[0].1.clone();
    let list = dir.path().join("this-year.csv");
    write_list(&list, &[("一年甲", first.clone(), "二年级", "1班")]);
    canbao(&a, &home_a).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    canbao(&b, &home_b).args(["mark", &first, "--enrollment", "left"]).assert().success();
    let said = text(canbao(&a, &home_a).arg("merge").arg(&b));
    let not_carried = format!("对方登记为 {year} 年度已离校，但本年度的名单中有此学生，未移出本年度的 二年级1班");
    assert!(said.contains(&not_carried), "{said}");
    let now = json(canbao(&a, &home_a).args(["find", &first, "--json"]))[0].clone();
    assert_eq!((&now["class"], &now["enrollment"]), (&"二年级1班".into(), &"unknown".into()), "{now}");
    let en = text(canbao(&a, &home_a).args(["--lang", "en", "merge", "--dry-run"]).arg(&b));
    assert!(!en.contains("left in this year"), "said once, by the merge that found it: {en}");
}

/// A leaver B, still in last year, marked 已离校 whom A, already in this year, marked 在校参保 for it: A's merge keeps
/// him in his class. B then starts the year itself, moving him out as its own leaver; merged either way round,
/// both laptops keep him in his class as A's merge did, and the merge that meets B's move out says why. Before,
/// B's later start won by its clock: he sat in 已离校 while 在校参保, out of every count of the year.
#[test]
fn a_leaver_marked_enrolled_this_year_stays_in_his_class_after_both_laptops_start_it() {
    let dir = tempfile::tempdir().unwrap();
    let TwoLaptops { a, b, home_a, home_b, year } = a_year_apart(dir.path(), true);
    let next = (year + 1).to_string();
    let first = roster()[0].1.clone();
    canbao(&b, &home_b).args(["mark", &first, "--enrollment", "left"]).assert().success();
    canbao(&a, &home_a).args(["mark", &first, "--enrollment", "here"]).assert().success();
    let kept = "但本年度已为此学生登记参保或缴费，未移出本年度的 二年级1班";
    assert!(text(canbao(&a, &home_a).arg("merge").arg(&b)).contains(kept));
    canbao(&b, &home_b).args(["year", "new", &next, "--promote", "--force"]).assert().success();
    // The same two drives, to merge the other way round.
    let (a2, b2) = (dir.path().join("a2.db"), dir.path().join("b2.db"));
    canbao(&a, &home_a).arg("backup").arg(&a2).assert().success();
    canbao(&b, &home_b).arg("backup").arg(&b2).assert().success();
    let found = |db: &Path, home: &Path| json(canbao(db, home).args(["find", &first, "--json"]))[0].clone();
    let in_class = (&"二年级1班".into(), &"here".into());
    for (first_db, first_home, second_db, second_home) in [(&a, &home_a, &b, &home_b), (&b2, &home_b, &a2, &home_a)] {
        let said = text(canbao(first_db, first_home).arg("merge").arg(second_db));
        if first_db == &a {
            assert_eq!(said.matches(kept).count(), 1, "said once: {said}");
        }
        text(canbao(second_db, second_home).arg("merge").arg(first_db));
        for (db, home) in [(first_db, first_home), (second_db, second_home)] {
            let now = found(db, home);
            assert_eq!((&now["class"], &now["enrollment"]), in_class, "{}: {now}", db.display());
            let stats = json(canbao(db, home).args(["stats", "--json"]));
            assert_eq!((&stats["expected"], &stats["enrollment"]["here"]), (&1.into(), &1.into()), "{stats}");
        }
    }
}

/// Both laptops start the next year from one drive: A after marking a pupil 已离校 (its start moves him out), B
/// before marking him 在校参保 for the new year. B's merge of A keeps him in his class and says why once, where
/// before the same line was said twice (met as A's start moving him out and again as A's closed year's leaver).
#[test]
fn a_leaver_kept_in_his_class_by_this_years_mark_is_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let (home_a, home_b) = (dir.path().join("a"), dir.path().join("b"));
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let list = dir.path().join("y1.csv");
    write_list(&list, &roster()[..2]);
    canbao(&a, &home_a).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    let next = (current_year(&a, &home_a) + 1).to_string();
    canbao(&a, &home_a).arg("backup").arg(&b).assert().success();
    let first = roster()[0].1.clone();
    canbao(&a, &home_a).args(["mark", &first, "--enrollment", "left"]).assert().success();
    canbao(&a, &home_a).args(["year", "new", &next, "--promote", "--force"]).assert().success();
    canbao(&b, &home_b).args(["year", "new", &next, "--promote", "--force"]).assert().success();
    canbao(&b, &home_b).args(["mark", &first, "--enrollment", "here"]).assert().success();
    let said = text(canbao(&b, &home_b).arg("merge").arg(&a));
    let kept = "但本年度已为此学生登记参保或缴费，未移出本年度的";
    assert_eq!(said.matches(kept).count(), 1, "said once: {said}");
}

/// The same two laptops, merged on A, whose start of the year moved the pupil out: B's class a grade up stands
/// (the year has seen him there), and A's merge says why beside the class conflict, in both languages, where
/// before it listed the conflict alone, as though B had undone A's leaving.
#[test]
fn a_merge_on_the_laptop_that_moved_a_pupil_out_says_why_he_is_back_in_his_class() {
    let dir = tempfile::tempdir().unwrap();
    let (home_a, home_b) = (dir.path().join("a"), dir.path().join("b"));
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let list = dir.path().join("y1.csv");
    write_list(&list, &roster()[..2]);
    canbao(&a, &home_a).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    let year = current_year(&a, &home_a);
    let next = (year + 1).to_string();
    canbao(&a, &home_a).arg("backup").arg(&b).assert().success();
    let first = roster()[0].1.clone();
    canbao(&a, &home_a).args(["mark", &first, "--enrollment", "left"]).assert().success();
    canbao(&a, &home_a).args(["year", "new", &next, "--promote", "--force"]).assert().success();
    canbao(&b, &home_b).args(["year", "new", &next, "--promote", "--force"]).assert().success();
    canbao(&b, &home_b).args(["mark", &first, "--enrollment", "here"]).assert().success();
    let said_en = text(canbao(&a, &home_a).args(["--lang", "en", "merge", "--dry-run"]).arg(&b));
    let said = text(canbao(&a, &home_a).arg("merge").arg(&b));
    let now = json(canbao(&a, &home_a).args(["find", &first, "--json"]))[0].clone();
    let class = now["class"].as_str().unwrap_or_default().to_owned();
    assert_eq!((class.as_str(), &now["enrollment"]), ("二年级1班", &"here".into()), "{now}");
    let zh = format!(
        "本机登记为 {year} 年度已离校，开始本年度时已移出班级，但对方本年度已为此学生登记参保或缴费，已放回本年度的 {class}"
    );
    let en = format!(
        "marked left in {year} on this laptop and moved out when this year started, but on the other laptop this \
         year has an enrollment or payment recorded for the pupil: back in this year's {class}"
    );
    assert_eq!(said.matches(&zh).count(), 1, "said once: {said}");
    assert_eq!(said_en.matches(&en).count(), 1, "said once: {said_en}");
}

/// A laptop two years behind: A started two years (promoting each time) while B, still in the first, added a
/// 一年级 pupil and a 五年级 one. Merged into A, each steps through both years as A's own pupils did: the first
/// grader is in 三年级 now and was in 二年级 the year between; the fifth grader was in 六年级 then and has since
/// graduated.
#[test]
fn pupils_from_a_laptop_two_years_behind_step_through_both_years() {
    let dir = tempfile::tempdir().unwrap();
    let TwoLaptops { a, b, home_a, home_b, year } = a_year_apart(dir.path(), true);
    let (between, now) = ((year + 1).to_string(), (year + 2).to_string());
    canbao(&a, &home_a).args(["year", "new", &now, "--promote", "--force"]).assert().success();
    let (one, five) = (id("45020220190501002"), id("45020220150501002"));
    let late = dir.path().join("late.csv");
    write_list(&late, &[("新一", one.clone(), "一年级", "2班"), ("新五", five.clone(), "五年级", "1班")]);
    canbao(&b, &home_b).arg("import").arg(&late).args(["--school", "测试小学"]).assert().success();

    let said = text(canbao(&a, &home_a).arg("merge").arg(&b));
    assert!(said.contains(&format!("对方数据文件还在 {year} 年度")), "{said}");
    let class_in = |number: &str, in_year: Option<&str>| {
        let mut cmd = canbao(&a, &home_a);
        if let Some(y) = in_year {
            cmd.args(["--year", y]);
        }
        let found = json(cmd.args(["find", number, "--json"]));
        let p = found.as_array().and_then(|a| a.first()).cloned().unwrap_or(found);
        p["class"].as_str().unwrap_or("").to_owned()
    };
    assert_eq!(class_in(&one, None), "三年级2班");
    assert_eq!(class_in(&one, Some(&between)), "二年级2班");
    assert_eq!(class_in(&one, Some(&year.to_string())), "一年级2班");
    assert_eq!(class_in(&five, Some(&between)), "六年级1班");
    assert_eq!(class_in(&five, None), format!("已毕业{between}届"));
    let sheet = text(canbao(&a, &home_a).args(["export", "sheet", "--format", "csv", "--out", "-"]));
    assert!(sheet.contains("新一") && !sheet.contains("新五"), "{sheet}");
}

/// The same merge into a drive that started its year without promoting: the pupils copied stay in their
/// classes, as the drive's own did, and the report says why.
#[test]
fn pupils_from_last_year_stay_in_their_classes_when_this_drive_started_the_year_without_promoting() {
    let dir = tempfile::tempdir().unwrap();
    let TwoLaptops { a, b, home_a, home_b, year } = a_year_apart(dir.path(), false);
    let next = (year + 1).to_string();
    let six = id("45020220140501002");
    let late = dir.path().join("late.csv");
    write_list(&late, &[("新六", six.clone(), "六年级", "1班")]);
    canbao(&b, &home_b).arg("import").arg(&late).args(["--school", "测试小学"]).assert().success();
    let said = text(canbao(&a, &home_a).arg("merge").arg(&b));
    assert!(said.contains(&format!("本机开始 {next} 年度时没有升级班级")), "{said}");
    let found = json(canbao(&a, &home_a).args(["find", &six, "--json"]));
    let p = found.as_array().and_then(|a| a.first()).cloned().unwrap_or(found);
    assert_eq!(p["class"], "六年级1班", "{p}");
}

/// `year new --promote` says which classes it leaves as they are (nothing in their names gives a school year),
/// with their pupils, in the text report and in `--json`'s `stayed`; a kindergarten's 大班 leaves however it is
/// written, as README says.
#[test]
fn promotion_lists_the_classes_it_leaves_where_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    let rows = vec![
        ("学前甲", id("45020220200301002"), "学前班", ""),
        ("学前乙", id("45020220200301012"), "学前班", ""),
        ("启智丙", id("45020220150301002"), "启智班", ""),
        ("入学丁", id("45020220170301002"), "", "2023级1班"),
        ("大班戊", id("45020220200301022"), "幼儿园大班", ""),
        ("一年己", id("45020220190301002"), "一年级", "1班"),
    ];
    write_list(&list, &rows);
    canbao(&db, home).arg("import").arg(&list).assert().success();
    let next = (current_year(&db, home) + 1).to_string();
    let report = json(canbao(&db, home).args(["year", "new", &next, "--promote", "--dry-run", "--json"]));
    let stayed: Vec<(String, i64)> = report["stayed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["class"].as_str().unwrap().to_owned(), c["pupils"].as_i64().unwrap()))
        .collect();
    for class in [("学前班", 2), ("启智班", 1), ("2023级1班", 1)] {
        assert!(stayed.contains(&(class.0.to_owned(), class.1)), "{class:?} in {report}");
    }
    assert_eq!(stayed.len(), 3, "{report}");
    assert_eq!((report["promoted"].as_i64(), report["graduated"].as_i64()), (Some(1), Some(1)), "{report}");
    let said = text(canbao(&db, home).args(["year", "new", &next, "--promote", "--dry-run"]));
    assert!(said.contains("学前班：2 人，留在原班级"), "{said}");
    assert!(said.contains("未升级也未毕业、留在原班级的 3 个班级"), "{said}");
    let said = text(canbao(&db, home).args(["--lang", "en", "year", "new", &next, "--promote", "--dry-run"]));
    assert!(said.contains("3 classes neither promoted nor graduated"), "{said}");
    assert!(said.contains("启智班: 1 pupil, left where they are"), "{said}");
}

/// A drive in insured year 2027 under Yibin's 2024 policy (chosen with a warning): `year new 2028` cannot tell from
/// that policy whether 2027's concentrated period is over, so it is refused naming both years and how to choose
/// 2027's policy (`--force` says it on stderr and goes on); and 2028's policy is not made from 2024's (380 yuan,
/// 2024's windows) even with `--force`, `--premium` or `--dry-run`, nothing written; once 2027's policy is chosen,
/// 2028's is made from it, at its premium. Before, the check passed for want of a 2027 window and `yibin-2028`
/// was made at 2024's 380 yuan.
#[test]
fn year_new_under_a_policy_of_another_year_is_refused_naming_both_years() {
    let (dir, db) = roster_drive();
    let home = dir.path();
    {
        let mut store = canbao::store::Store::open(&db).unwrap();
        for key in ["current_year", "first_year"] {
            store.set_meta(key, "2027").unwrap();
        }
    }
    canbao(&db, home).args(["policy", "use", "yibin-2024"]).assert().success();
    let made = home.join("config/canbao/policies/yibin-2028.toml");
    let run = |args: &[&str]| {
        let out = canbao(&db, home).args(args).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };

    let (code, said) = run(&["year", "new", "2028", "--promote"]);
    assert_eq!(code, Some(1), "{said}");
    for w in [
        "选定的政策 yibin-2024 是 2024 年度的，数据文件是 2027 年度：无法据此判断 2027 年度的集中缴费期是否已结束",
        "请先选定 2027 年度的政策",
        "policy new yibin-2027 --from yibin-2024 --year 2027",
        "year new 2028 --promote --force",
        "未做任何修改",
    ] {
        assert!(said.contains(w), "{w} in {said}");
    }
    let (code, said) = run(&["--lang", "en", "year", "new", "2028"]);
    assert_eq!(code, Some(1), "{said}");
    assert!(said.contains("the chosen policy yibin-2024 is for insured year 2024 and the drive is in insured year 2027: it cannot tell whether 2027's concentrated period is over"), "{said}");
    assert!(!said.contains("选定"), "{said}");
    assert_eq!(current_year(&db, home), 2027);

    // Forced past the collection, dry or not, with a premium or without: 2028's policy is not made from 2024's.
    for args in [
        &["year", "new", "2028", "--promote", "--force"][..],
        &["year", "new", "2028", "--promote", "--force", "--premium", "420"],
        &["year", "new", "2028", "--promote", "--dry-run"],
    ] {
        let (code, said) = run(args);
        assert_eq!(code, Some(1), "{args:?}: {said}");
        for w in [
            "选定的政策 yibin-2024 是 2024 年度的，数据文件是 2027 年度：不能由它生成 2028 年度的政策 yibin-2028",
            "year new 2028 --promote --policy yibin-2028",
            "policy new yibin-2028 --from yibin-2024 --year 2028",
            "cannot be made from it",
            "未做任何修改",
        ] {
            assert!(said.contains(w), "{args:?}: {w} in {said}");
        }
        assert_eq!(current_year(&db, home), 2027, "{args:?}");
        assert!(!made.exists(), "{args:?}: no policy written");
    }

    // 2027's policy chosen: 2028's is made from it, at 2027's premium, not 2024's.
    canbao(&db, home)
        .args(["policy", "new", "yibin-2027", "--from", "yibin-2024", "--year", "2027", "--premium", "400"])
        .assert()
        .success();
    canbao(&db, home).args(["policy", "use", "yibin-2027"]).assert().success();
    // --force: 2027's concentrated period may be open on the day the test runs, which is not this test's matter.
    let started = json(canbao(&db, home).args(["year", "new", "2028", "--promote", "--force", "--json"]));
    assert_eq!((&started["year"], &started["policy_made"]), (&2028.into(), &"yibin-2028".into()), "{started}");
    let text = std::fs::read_to_string(&made).unwrap();
    assert!(text.contains("personal_premium = 400"), "{text}");
}

/// A takes the late marks B, still in last year, made to pupils A already has: they go into last year, which A
/// has closed, and nothing on A's roster shows them, so the merge says how many and names them (masked), in
/// text (both languages) and in `--json`. Before, `copied_into_later_year` was empty and the report said
/// nothing.
#[test]
fn a_merge_into_a_drive_that_has_moved_on_says_the_changes_it_wrote_into_the_closed_year() {
    let dir = tempfile::tempdir().unwrap();
    let TwoLaptops { a, b, home_a, home_b, year } = a_year_apart(dir.path(), true);
    let (first, sixth) = (roster()[0].1.clone(), roster()[1].1.clone());
    canbao(&b, &home_b).args(["mark", &first, "--payment", "paid", "--amount", "400"]).assert().success();
    canbao(&b, &home_b).args(["mark", &sixth, "--enrollment", "declined", "--reason", "外地参保"]).assert().success();
    let masked = canbao::domain::id_number::mask(&first);
    let dry = json(canbao(&a, &home_a).arg("merge").arg(&b).args(["--dry-run", "--json", "--reveal"]));
    let listed = dry["into_closed_years"].as_array().expect("listed").clone();
    assert_eq!(listed.len(), 2, "{dry}");
    assert_eq!(listed[0]["year"], year, "{dry}");
    assert_eq!(listed[0]["id_number"], first.as_str(), "{dry}");
    assert_eq!(listed[0]["class"], "一年级1班", "the class it was in that year: {dry}");
    assert!(listed[0]["fields"].as_array().unwrap().iter().any(|f| f == "payment"), "{dry}");
    assert_eq!(listed[1]["fields"], serde_json::json!(["enrollment", "decline_reason"]), "{dry}");
    let said = text(canbao(&a, &home_a).arg("merge").arg(&b));
    assert!(
        said.contains(&format!("对方对 {year} 年度（本机已结束的年度）的修改涉及 2 名学生，已记入 {year} 年度")),
        "{said}"
    );
    assert!(said.contains(&format!("一年甲 {masked}（{year} 年度在 一年级1班）：参保状态、缴费状态")), "{said}");
    assert!(!said.contains(&first), "the number masked: {said}");
    assert!(said.contains(&format!("(The other file's changes to insured year {year}, a year this drive has closed")));
    let found = json(canbao(&a, &home_a).args(["--year", &year.to_string(), "find", &first, "--json"]));
    assert_eq!(found[0]["payment"], "paid", "{found}");
    let again = text(canbao(&a, &home_a).arg("merge").arg(&b));
    assert!(!again.contains("本机已结束的年度"), "said once: {again}");
}

/// 一年甲's class on a drive in each of the two years, last year's first (as `find --year` and `find` show it).
fn classes_of(db: &Path, home: &Path, number: &str, year: i64) -> (String, String) {
    let class = |year: Option<String>| {
        let mut cmd = canbao(db, home);
        if let Some(y) = year {
            cmd.args(["--year", &y]);
        }
        json(cmd.args(["find", number, "--json"]))[0]["class"].as_str().unwrap_or("").to_owned()
    };
    (class(Some(year.to_string())), class(None))
}

/// B, still in last year, moves 一年甲 from 一年级1班 to 一年级2班 after A promoted her to 二年级1班: A's merge
/// writes the move into last year's class and takes the promotion again from it (二年级2班), and says so; once B
/// starts the year too, both merge orders leave both laptops with the same class in both years. Before, A kept
/// 一年级1班 for last year and 二年级1班 for this one with nothing said, and last year's class differed for good.
#[test]
fn a_class_changed_on_a_laptop_still_in_last_year_reaches_the_closed_year_and_its_promotion() {
    for a_first in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let TwoLaptops { a, b, home_a, home_b, year } = a_year_apart(dir.path(), true);
        let first = roster()[0].1.clone();
        let moved = dir.path().join("moved.csv");
        write_list(&moved, &[("一年甲", first.clone(), "一年级", "2班")]);
        canbao(&b, &home_b).arg("import").arg(&moved).args(["--school", "测试小学"]).assert().success();
        let said = text(canbao(&a, &home_a).arg("merge").arg(&b));
        assert!(said.contains(&format!("（{year} 年度在 一年级1班）：班级")), "{said}");
        let expected = ("一年级2班".to_owned(), "二年级2班".to_owned());
        assert_eq!(classes_of(&a, &home_a, &first, year), expected, "{said}");

        canbao(&b, &home_b).args(["year", "new", &(year + 1).to_string(), "--promote", "--force"]).assert().success();
        let merges = [(&b, &home_b, &a), (&a, &home_a, &b)];
        let order = if a_first { [merges[1], merges[0]] } else { merges };
        for (db, home, other) in order {
            let said = text(canbao(db, home).arg("merge").arg(other));
            assert!(said.contains("冲突 0"), "{said}");
        }
        assert_eq!(classes_of(&a, &home_a, &first, year), expected, "A, A first {a_first}");
        assert_eq!(classes_of(&b, &home_b, &first, year), expected, "B, A first {a_first}");
    }
}

/// In a school that teaches 七年级 (九年一贯制), B, still in last year, moves 六年乙 from 六年级2班 to 六年级1班
/// after A's start of the year took her on into 七年级2班: A's merge takes the promotion again as its `year new`
/// took it, into 七年级1班, and says the class it made and this year's class it moved; once B starts the year both
/// laptops agree. Before, the merge stepped 六年级 as a last grade that leaves and kept 七年级2班, its line saying
/// only 班级.
#[test]
fn a_sixth_grade_class_changed_in_a_closed_year_goes_on_into_the_schools_own_seventh_grade() {
    let dir = tempfile::tempdir().unwrap();
    let TwoLaptops { a, b, home_a, home_b, year } = a_year_apart_with(dir.path(), &roster()[..3], true);
    let sixth = roster()[1].1.clone();
    assert_eq!(classes_of(&a, &home_a, &sixth, year), ("六年级2班".to_owned(), "七年级2班".to_owned()));
    let moved = dir.path().join("moved.csv");
    write_list(&moved, &[("六年乙", sixth.clone(), "六年级", "1班")]);
    canbao(&b, &home_b).arg("import").arg(&moved).args(["--school", "测试小学"]).assert().success();
    let said = text(canbao(&a, &home_a).arg("merge").arg(&b));
    let next = year + 1;
    assert!(said.contains("冲突 0"), "{said}");
    assert!(
        said.contains(&format!("（{year} 年度在 六年级2班）：班级改为 六年级1班，{next} 年度的班级随之改为 七年级1班")),
        "{said}"
    );
    assert!(
        said.contains(&format!("class changed to 六年级1班, and the class of {next} with it to 七年级1班")),
        "{said}"
    );
    let expected = ("六年级1班".to_owned(), "七年级1班".to_owned());
    assert_eq!(classes_of(&a, &home_a, &sixth, year), expected, "{said}");

    canbao(&b, &home_b).args(["year", "new", &next.to_string(), "--promote", "--force"]).assert().success();
    for (db, home, other) in [(&b, &home_b, &a), (&a, &home_a, &b)] {
        let said = text(canbao(db, home).arg("merge").arg(other));
        assert!(said.contains("冲突 0"), "{said}");
    }
    assert_eq!(classes_of(&a, &home_a, &sixth, year), expected, "A");
    assert_eq!(classes_of(&b, &home_b, &sixth, year), expected, "B");
}

/// A moves 一年甲 to 一年级2班 before either laptop started the year; both then promote apart and merge, either
/// way round: both hold 一年级2班 for last year and 二年级2班 for this one. Before, the laptop that had not made
/// the move kept 一年级1班 for last year.
#[test]
fn a_class_corrected_before_both_laptops_promoted_is_last_years_on_both() {
    for a_first in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let (home_a, home_b) = (dir.path().join("a"), dir.path().join("b"));
        let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
        let list = dir.path().join("y1.csv");
        write_list(&list, &roster()[..2]);
        canbao(&a, &home_a).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
        let year = current_year(&a, &home_a);
        canbao(&a, &home_a).arg("backup").arg(&b).assert().success();
        let first = roster()[0].1.clone();
        let moved = dir.path().join("moved.csv");
        write_list(&moved, &[("一年甲", first.clone(), "一年级", "2班")]);
        canbao(&a, &home_a).arg("import").arg(&moved).args(["--school", "测试小学"]).assert().success();
        let next = (year + 1).to_string();
        for (db, home) in [(&a, &home_a), (&b, &home_b)] {
            canbao(db, home).args(["year", "new", &next, "--promote", "--force"]).assert().success();
        }
        let merges = [(&b, &home_b, &a), (&a, &home_a, &b)];
        let order = if a_first { [merges[1], merges[0]] } else { merges };
        for (db, home, other) in order {
            canbao(db, home).arg("merge").arg(other).assert().success();
        }
        let expected = ("一年级2班".to_owned(), "二年级2班".to_owned());
        assert_eq!(classes_of(&a, &home_a, &first, year), expected, "A, A first {a_first}");
        assert_eq!(classes_of(&b, &home_b, &first, year), expected, "B, A first {a_first}");
    }
}

/// B, still in last year, moves 一年甲 to 一年级2班 after A promoted her and then put her in 二年级3班 itself: A's
/// class of this year stands and B's is listed as a conflict, while last year takes B's move; once B starts the
/// year both laptops agree on both years.
#[test]
fn a_closed_years_class_change_over_a_class_changed_since_is_a_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let TwoLaptops { a, b, home_a, home_b, year } = a_year_apart(dir.path(), true);
    let first = roster()[0].1.clone();
    let (moved, now) = (dir.path().join("moved.csv"), dir.path().join("now.csv"));
    write_list(&now, &[("一年甲", first.clone(), "二年级", "3班")]);
    canbao(&a, &home_a).arg("import").arg(&now).args(["--school", "测试小学"]).assert().success();
    write_list(&moved, &[("一年甲", first.clone(), "一年级", "2班")]);
    canbao(&b, &home_b).arg("import").arg(&moved).args(["--school", "测试小学"]).assert().success();
    let said = text(canbao(&a, &home_a).arg("merge").arg(&b));
    assert!(said.contains("冲突 1") && said.contains("保留 二年级3班"), "{said}");
    let expected = ("一年级2班".to_owned(), "二年级3班".to_owned());
    assert_eq!(classes_of(&a, &home_a, &first, year), expected, "{said}");
    canbao(&b, &home_b).args(["year", "new", &(year + 1).to_string(), "--promote", "--force"]).assert().success();
    canbao(&b, &home_b).arg("merge").arg(&a).assert().success();
    canbao(&a, &home_a).arg("merge").arg(&b).assert().success();
    assert_eq!(classes_of(&a, &home_a, &first, year), expected);
    assert_eq!(classes_of(&b, &home_b, &first, year), expected);
}

/// A pupil's categories (as a `find`), on a drive or one of its earlier years.
fn categories_of(db: &Path, home: &Path, number: &str, year: Option<&str>) -> Value {
    let mut cmd = canbao(db, home);
    if let Some(year) = year {
        cmd.args(["--year", year]);
    }
    json(cmd.args(["find", number, "--json"]))[0]["categories"].clone()
}

/// The special-category roster (参保花名册) of insured year `year`, as CSV.
fn special_roster(db: &Path, home: &Path, year: &str) -> String {
    text(canbao(db, home).args(["--year", year, "export", "special", "--format", "csv", "--out", "-"]))
}

/// A category certified on laptop B while it is still in last year (a department's list of 特困人员 read there),
/// merged into A, which has started this year: A's last year (`--year`: `find`, the special-category roster)
/// has the pupil as B certified her, and this year carries the category to certify again, as A's own `year new`
/// would have carried it had the list come first. Both laptops end alike once B starts the year, merged both
/// ways. Before, the category went onto A's pupil row only, and A's last year went on showing her with none.
#[test]
fn a_category_certified_on_a_laptop_still_in_last_year_is_last_years_on_the_laptop_that_moved_on() {
    let dir = tempfile::tempdir().unwrap();
    let TwoLaptops { a, b, home_a, home_b, year } = a_year_apart(dir.path(), true);
    let (next, last) = ((year + 1).to_string(), year.to_string());
    let first = roster()[0].1.clone();
    let list = dir.path().join("tekun.csv");
    std::fs::write(&list, format!("姓名,身份证号码,人员类别\n一年甲,{first},特困人员\n")).unwrap();
    canbao(&b, &home_b).args(["reconcile", "--source", "categories"]).arg(&list).assert().success();
    let tekun = serde_json::json!(["特困人员"]);
    assert_eq!(categories_of(&b, &home_b, &first, None), tekun);
    assert_eq!(categories_of(&a, &home_a, &first, Some(&last)), serde_json::json!([]), "none on A before the merge");

    let said = text(canbao(&a, &home_a).arg("merge").arg(&b));
    assert!(said.contains("冲突 0"), "{said}");
    assert_eq!(categories_of(&a, &home_a, &first, Some(&last)), tekun, "last year's, as B certified it");
    let roster_last = special_roster(&a, &home_a, &last);
    assert!(roster_last.contains("一年甲") && roster_last.contains("特困人员"), "{roster_last}");
    assert_eq!(categories_of(&a, &home_a, &first, None), tekun, "carried into this year");
    let stats = json(canbao(&a, &home_a).args(["stats", "--json"]));
    assert_eq!(stats["categories_to_recertify"], 1, "to certify again this year: {stats}");
    let again = json(canbao(&a, &home_a).args(["merge", "--json"]).arg(&b));
    assert_eq!((&again["updated"], &again["into_closed_years"]), (&0.into(), &serde_json::json!([])), "{again}");

    // B starts the year itself, then both merge both ways and end alike, last year and this.
    canbao(&b, &home_b).args(["year", "new", &next, "--promote", "--force"]).assert().success();
    assert!(text(canbao(&b, &home_b).arg("merge").arg(&a)).contains("冲突 0"));
    assert!(text(canbao(&a, &home_a).arg("merge").arg(&b)).contains("冲突 0"));
    for (db, home) in [(&a, &home_a), (&b, &home_b)] {
        assert_eq!(categories_of(db, home, &first, Some(&last)), tekun, "{}", db.display());
        assert_eq!(categories_of(db, home, &first, None), tekun, "{}", db.display());
        assert_eq!(special_roster(db, home, &last), roster_last, "{}", db.display());
    }
}

/// The same certification, B starting the year after it and before A takes its file: the change is of the year
/// both laptops have closed, and A's last year has it all the same; B's own last year is as it was, and a merge
/// back changes nothing.
#[test]
fn a_category_certified_before_the_other_laptop_started_the_year_is_that_years_on_both() {
    let dir = tempfile::tempdir().unwrap();
    let TwoLaptops { a, b, home_a, home_b, year } = a_year_apart(dir.path(), true);
    let (next, last) = ((year + 1).to_string(), year.to_string());
    let first = roster()[0].1.clone();
    let list = dir.path().join("tekun.csv");
    std::fs::write(&list, format!("姓名,身份证号码,人员类别\n一年甲,{first},特困人员\n")).unwrap();
    canbao(&b, &home_b).args(["reconcile", "--source", "categories"]).arg(&list).assert().success();
    canbao(&b, &home_b).args(["year", "new", &next, "--promote", "--force"]).assert().success();

    assert!(text(canbao(&a, &home_a).arg("merge").arg(&b)).contains("冲突 0"));
    let tekun = serde_json::json!(["特困人员"]);
    for (db, home) in [(&a, &home_a), (&b, &home_b)] {
        assert_eq!(categories_of(db, home, &first, Some(&last)), tekun, "{}", db.display());
        assert_eq!(categories_of(db, home, &first, None), tekun, "{}", db.display());
    }
    let back = json(canbao(&b, &home_b).args(["merge", "--json"]).arg(&a));
    assert_eq!(back["updated"], 0, "{back}");
    assert_eq!(special_roster(&a, &home_a, &last), special_roster(&b, &home_b, &last));
}

/// B, still in last year, is refused A's file of the next year while last year's concentrated period is still
/// open: the command the refusal names to start the year here is one `year new` takes then (with `--force`),
/// and the refusal says why, in both languages; that command starts the year, and the merge then goes ahead.
/// Before, it named `year new … --promote`, which is refused during the period.
#[test]
fn a_file_of_the_next_year_refused_during_the_collection_names_a_year_new_that_works() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, home) = (dir.path().join("a.db"), dir.path().join("b.db"), dir.path());
    let list = dir.path().join("list.csv");
    write_list(&list, &roster()[..2]);
    canbao(&a, home).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    let (year, to) = use_policy_collecting_today(&a, home);
    canbao(&a, home).arg("backup").arg(&b).assert().success();
    let next = (year + 1).to_string();
    canbao(&a, home).args(["year", "new", &next, "--promote", "--force"]).assert().success();

    let refused = canbao(&b, home).arg("merge").arg(&a).output().unwrap();
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    let command = format!("canbao --db {} year new {next} --promote --force", b.display());
    assert!(said.contains(&format!("请先在本机开始新学年（{command}），再合并")), "{said}");
    assert!(
        said.contains(&format!("{year} 年度的集中缴费期到 {to}，还在进行中，所以开始新学年要加 --force")),
        "{said}"
    );
    let en = canbao(&b, home).args(["--lang", "en", "merge"]).arg(&a).output().unwrap();
    let en = String::from_utf8_lossy(&en.stderr);
    assert!(en.contains(&command) && en.contains("so starting the year takes --force"), "{en}");
    // The command named, as named, starts the year; the merge then goes ahead.
    canbao(&b, home).args(["year", "new", &next, "--promote", "--force"]).assert().success();
    canbao(&b, home).arg("merge").arg(&a).assert().success();
}

/// Categories are certified per insured year (003 二(一)): one carried into the new year by `year new` is 待重新认定,
/// so until a department certifies it again it neither puts the pupil in the 财政代缴 ledger nor counts as
/// government-paid, the ledgers show it as 待重新认定 and the 参保花名册 says so; certified again, the pupil is 财政代缴.
#[test]
fn a_category_carried_into_a_new_year_puts_nobody_in_the_government_ledger_until_certified_again() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    let orphan = id("45020220140301002");
    std::fs::write(&list, format!("姓名,身份证号码,年级,班级,人员类别\n六年乙,{orphan},五年级,2班,孤儿\n")).unwrap();
    canbao(&db, home).arg("import").arg(&list).assert().success();
    let (year, _) = use_policy_collecting_today(&db, home);
    let ledgers = |db: &Path| json(canbao(db, home).args(["stats", "--json"]))["ledgers"].clone();
    assert_eq!(ledgers(&db)["government_paid"], 1, "certified this year: 财政代缴");
    canbao(&db, home).args(["year", "new", &(year + 1).to_string(), "--promote", "--force"]).assert().success();
    let stats = json(canbao(&db, home).args(["stats", "--json"]));
    assert_eq!(stats["categories_to_recertify"], 1, "{stats}");
    assert_eq!((stats["ledgers"]["government_paid"].as_i64(), stats["ledgers"]["unpaid"].as_i64()), (Some(0), Some(1)));
    let out = dir.path().join("forms");
    canbao(&db, home).args(["export", "ledgers", "--format", "csv", "--out"]).arg(&out).assert().success();
    canbao(&db, home).args(["export", "special", "--format", "csv", "--out"]).arg(&out).assert().success();
    let file = |what: &str| {
        let entry = std::fs::read_dir(&out).unwrap().flatten().find(|e| e.file_name().to_string_lossy().contains(what));
        std::fs::read_to_string(entry.expect(what).path()).unwrap()
    };
    assert!(!file("财政代缴台账").contains("六年乙"), "{}", file("财政代缴台账"));
    let unpaid = file("未缴费台账");
    let row = unpaid.lines().find(|l| l.contains("六年乙")).unwrap_or_default();
    assert!(row.contains("孤儿（待重新认定）"), "{unpaid}");
    assert!(file("参保花名册").contains("待重新认定"), "{}", file("参保花名册"));
    // Certified again for the new year (a department's list): 财政代缴 again.
    let minzheng = dir.path().join("minzheng.csv");
    std::fs::write(&minzheng, format!("姓名,身份证号码,人员类别\n六年乙,{orphan},孤儿\n")).unwrap();
    canbao(&db, home).args(["reconcile", "--source", "categories"]).arg(&minzheng).assert().success();
    assert_eq!(ledgers(&db)["government_paid"], 1);
}

/// 六年乙 (孤儿) graduates into the new year and is then marked 在校参保 by mistake, while 一年甲's 低保对象 is carried
/// over (待重新认定): `stats` counts one pupil awaiting certification, as the summary form does, both by the
/// pupils of the year's classes. Before, `stats` counted the graduate too, whom the summary leaves out.
#[test]
fn stats_and_the_summary_count_the_same_pupils_awaiting_certification() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    let (orphan, poor) = (id("45020220140301002"), id("45020220190301002"));
    std::fs::write(
        &list,
        format!(
            "姓名,身份证号码,年级,班级,人员类别\n六年乙,{orphan},六年级,2班,孤儿\n一年甲,{poor},一年级,1班,低保对象\n"
        ),
    )
    .unwrap();
    canbao(&db, home).arg("import").arg(&list).assert().success();
    let year = current_year(&db, home);
    canbao(&db, home).args(["year", "new", &(year + 1).to_string(), "--promote", "--force"]).assert().success();
    canbao(&db, home).args(["mark", &orphan, "--enrollment", "here"]).assert().success();
    let stats = json(canbao(&db, home).args(["stats", "--json"]));
    let out = dir.path().join("forms");
    canbao(&db, home).args(["export", "summary", "--format", "csv", "--out"]).arg(&out).assert().success();
    let entry = std::fs::read_dir(&out).unwrap().flatten().next().expect("the summary");
    let summary = std::fs::read_to_string(entry.path()).unwrap();
    let line = summary.lines().find(|l| l.starts_with("人员类别待重新认定")).unwrap_or_else(|| panic!("{summary}"));
    let counted = line.rsplit(',').next().unwrap_or_default().trim().trim_matches('"');
    assert_eq!(stats["categories_to_recertify"].to_string(), counted, "{stats}\n{summary}");
}

/// 六年乙's 孤儿 carried into the new year and not certified again (待重新认定), marked 财政代缴: `quote` says no
/// department pays for him yet, the category being to certify again, as the 财政代缴 ledger says it. Before,
/// it quoted the department paying his whole premium by the carried category.
#[test]
fn quote_of_a_carried_category_marked_government_paid_says_no_department_pays_yet() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    let orphan = id("45020220140301002");
    std::fs::write(&list, format!("姓名,身份证号码,年级,班级,人员类别\n六年乙,{orphan},五年级,2班,孤儿\n")).unwrap();
    canbao(&db, home).arg("import").arg(&list).assert().success();
    let year = current_year(&db, home);
    let next = (year + 1).to_string();
    canbao(&db, home).args(["year", "new", &next, "--promote", "--force"]).assert().success();
    let policy = format!("yibin-{next}");
    canbao(&db, home).args(["policy", "new", &policy, "--from", "yibin-2024", "--year", &next]).assert().success();
    canbao(&db, home).args(["policy", "use", &policy]).assert().success();
    canbao(&db, home).args(["mark", &orphan, "--payment", "government"]).assert().success();
    let in_the_window = format!("{year}-10-08");
    let quote = json(canbao(&db, home).args(["quote", &orphan, "--paid-on", &in_the_window, "--json"]));
    let share = &quote["government_share"];
    assert_eq!(share["amount"], Value::Null, "{quote}");
    assert_eq!(share["reason"]["kind"], "recertify", "{quote}");
    assert_eq!(share["reason"]["categories"], serde_json::json!(["孤儿"]), "{quote}");
    assert_eq!(quote["department_due"], Value::Null, "{quote}");
}

#[test]
fn the_demos_next_year_keeps_its_policy_in_the_demo_file_and_out_of_the_laptops_folder() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let demo = dir.path().join("demo.db");
    drop(canbao::demo::fresh_demo(&demo).expect("demo"));
    let year = current_year(&demo, &home);
    let next = year + 1;
    let started = json(canbao(&demo, &home).args(["year", "new", &next.to_string(), "--promote", "--force", "--json"]));
    // Named as the demo's own first year's is, for the new year alone.
    let name = format!("liuzhou-{next}-demo");
    assert_eq!(started["policy"], name.as_str(), "{started}");
    assert_eq!(started["policy_made"], name.as_str(), "{started}");
    let policies = home.join("config").join("canbao").join("policies");
    let written: Vec<_> = std::fs::read_dir(&policies).map(|d| d.filter_map(Result::ok).collect()).unwrap_or_default();
    assert!(written.is_empty(), "nothing in the config folder: {written:?}");
    // The demo quotes the new year's amounts from its own copy; a real drive of the laptop is not offered it.
    let quoted = text(canbao(&demo, &home).args(["policy", "show"]));
    assert!(quoted.contains(&name) && quoted.contains(&format!("{next}")), "{quoted}");
    let real = dir.path().join("real.db");
    let offered = text(canbao(&real, &home).args(["policy", "list"]));
    assert!(!offered.contains("demo"), "{offered}");
}

/// The batch template's rows, file by file (参保, 未参保, 转出（毕业）, the last empty when not written): each row's
/// 姓名 and 备注.
fn template_rows(out: &Path, year: i64) -> [Option<Vec<(String, String)>>; 3] {
    ["批量参保模板-参保-", "批量参保模板-未参保-", "批量参保模板-转出（毕业）-"].map(|what| {
        let file = std::fs::read_dir(out).ok()?.map(|e| e.unwrap().path()).find(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.contains(&format!("-{year}年度-{what}")) && name.ends_with(".csv")
        })?;
        let text = std::fs::read_to_string(file).unwrap();
        let mut lines = text.trim_start_matches('\u{feff}').lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let at = |title: &str| header.iter().position(|h| *h == title).unwrap();
        let (name, remark) = (at("姓名"), at("备注"));
        Some(
            lines
                .map(|l| {
                    let cells: Vec<&str> = l.split(',').collect();
                    (cells[name].to_owned(), cells[remark].to_owned())
                })
                .collect(),
        )
    })
}

/// 002 四: after the drive's first year a school reports to the agency only 新入校及转出（毕业）的学生. The first year's
/// template holds every pupil in its two files; the next year's holds only the pupil new this year, and a third
/// file the pupils gone since last year (graduated, left last year, left this year), and says so with the counts;
/// `--all` holds every pupil at school as before; the year after does not report again a pupil reported as gone.
/// The drive's record of each export names which template it was.
#[test]
fn a_later_years_template_reports_only_new_pupils_and_leavers_unless_all() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    let (grad, gone, stays, leaves) =
        (id("45020220140301002"), id("45020220160301002"), id("45020220170301002"), id("45020220150301002"));
    write_list(
        &list,
        &[
            ("六年甲", grad, "六年级", "1班"),
            ("三年乙", gone.clone(), "三年级", "2班"),
            ("二年丙", stays, "二年级", "2班"),
            ("四年丁", leaves.clone(), "四年级", "1班"),
        ],
    );
    canbao(&db, home).arg("import").arg(&list).assert().success();
    canbao(&db, home).args(["mark", &gone, "--enrollment", "left"]).assert().success();
    let year = current_year(&db, home);
    let export = |out: &Path, extra: &[&str]| -> String {
        let mut cmd = canbao(&db, home);
        let done = cmd.args(["export", "template", "--format", "csv", "--out"]).arg(out).args(extra).output().unwrap();
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
        String::from_utf8_lossy(&done.stdout).into_owned()
    };
    let names = |rows: &Option<Vec<(String, String)>>| -> Vec<String> {
        let mut names: Vec<String> = rows.as_ref().expect("written").iter().map(|(n, _)| n.clone()).collect();
        names.sort();
        names
    };

    // The first year: every pupil at school, in two files, as always.
    let first = dir.path().join("first");
    let said = export(&first, &[]);
    assert!(!said.contains("以后年度"), "{said}");
    let [enrolled, not_enrolled, leavers] = template_rows(&first, year);
    assert_eq!(names(&not_enrolled), ["二年丙", "六年甲", "四年丁"]);
    assert_eq!(names(&enrolled), Vec::<String>::new());
    assert!(leavers.is_none(), "no 转出 file in the first year");

    canbao(&db, home).args(["year", "new", &(year + 1).to_string(), "--promote", "--force"]).assert().success();
    let newcomer = id("45020220200301002");
    let list2 = dir.path().join("list2.csv");
    write_list(&list2, &[("一年戊", newcomer, "一年级", "1班")]);
    canbao(&db, home).arg("import").arg(&list2).assert().success();
    canbao(&db, home).args(["mark", &leaves, "--enrollment", "left"]).assert().success();

    // The next year: the new pupil, and a third file of those gone since last year.
    let later = dir.path().join("later");
    let said = export(&later, &[]);
    assert!(
        said.contains("以后年度只报新入校及转出（毕业）学生（002 四）：新入校 1 人，转出 3 人；全部学生请加 --all"),
        "{said}"
    );
    let [enrolled, not_enrolled, leavers] = template_rows(&later, year + 1);
    assert_eq!(names(&enrolled), Vec::<String>::new());
    assert_eq!(names(&not_enrolled), ["一年戊"]);
    let mut leavers = leavers.expect("the 转出（毕业） file");
    leavers.sort();
    assert_eq!(
        leavers,
        [
            ("三年乙".to_owned(), "已离校：转出".to_owned()),
            ("六年甲".to_owned(), "已离校：毕业".to_owned()),
            ("四年丁".to_owned(), "已离校：转出".to_owned()),
        ]
    );
    let english = canbao(&db, home)
        .args(["--lang", "en", "export", "template", "--format", "csv", "--out"])
        .arg(dir.path().join("en"))
        .output()
        .unwrap();
    let english = String::from_utf8_lossy(&english.stdout).into_owned();
    assert!(
        english.contains("later years report only new pupils and those who left or graduated (002 §4): 1 new, 3 left"),
        "{english}"
    );
    assert!(english.contains("for every pupil add --all"), "{english}");

    // --all: every pupil at school, in two files, as before.
    let all = dir.path().join("all");
    let said = export(&all, &["--all"]);
    assert!(!said.contains("以后年度"), "{said}");
    let [enrolled, not_enrolled, leavers] = template_rows(&all, year + 1);
    assert_eq!((names(&enrolled), names(&not_enrolled)), (Vec::new(), ["一年戊", "二年丙"].map(String::from).to_vec()));
    assert!(leavers.is_none(), "{leavers:?}");

    // The drive's record says which template each export was, and how many ID numbers it wrote.
    let recorded = json(canbao(&db, home).args(["exports", "--json"]));
    let forms: Vec<(String, i64)> = recorded
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["form"].as_str().unwrap().to_owned(), r["pupils"].as_i64().unwrap()))
        .collect();
    let forms: Vec<(&str, i64)> = forms.iter().map(|(f, n)| (f.as_str(), *n)).collect();
    assert_eq!(forms, [("template", 3), ("template_changes", 4), ("template_changes", 4), ("template", 2)]);

    // The year after: nobody new, and the pupil reported gone this year is not reported again.
    canbao(&db, home).args(["year", "new", &(year + 2).to_string(), "--promote", "--force"]).assert().success();
    let third = dir.path().join("third");
    let said = export(&third, &[]);
    assert!(said.contains("新入校 0 人，转出 0 人"), "{said}");
    let [enrolled, not_enrolled, leavers] = template_rows(&third, year + 2);
    assert_eq!((names(&enrolled), names(&not_enrolled), names(&leavers)), (Vec::new(), Vec::new(), Vec::new()));
    // Last year's, shown read-only, is what it was.
    let again = dir.path().join("again");
    let mut cmd = canbao(&db, home);
    cmd.args(["--year", &(year + 1).to_string(), "export", "template", "--format", "csv", "--out"]).arg(&again);
    assert!(cmd.output().unwrap().status.success());
    let [_, not_enrolled, leavers] = template_rows(&again, year + 1);
    assert_eq!((names(&not_enrolled), names(&leavers).len()), (vec!["一年戊".to_owned()], 3));
}

/// A pupil back after leaving is new to the agency, in the 参保 or 未参保 file by his payment as any new pupil is:
/// 回校甲, who left unpaid during the drive's first year (so in none of its files), is back on next year's list and
/// paid, and is in that year's 参保 file; 离校丙, reported in that year's 转出 file, is back on the list the year
/// after and is in its 未参保 file. A pupil who left and came back within one year (留校乙) was never reported gone,
/// and is in none. Before, both returning pupils were in no file of any year: last year's class, which a pupil
/// marked 已离校 keeps in that year's record, counted as being at school.
#[test]
fn a_pupil_back_after_leaving_is_new_in_the_template_of_the_year_he_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    let (back, stays, gone) = (id("45020220190301002"), id("45020220180301002"), id("45020220170301002"));
    write_list(
        &list,
        &[
            ("回校甲", back.clone(), "一年级", "1班"),
            ("留校乙", stays.clone(), "二年级", "1班"),
            ("离校丙", gone.clone(), "三年级", "1班"),
        ],
    );
    canbao(&db, home).arg("import").arg(&list).assert().success();
    canbao(&db, home).args(["mark", &back, "--enrollment", "left"]).assert().success();
    let year = current_year(&db, home);
    let export = |out: &Path| -> String {
        let mut cmd = canbao(&db, home);
        let done = cmd.args(["export", "template", "--format", "csv", "--out"]).arg(out).output().unwrap();
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
        String::from_utf8_lossy(&done.stdout).into_owned()
    };
    let names = |rows: Option<Vec<(String, String)>>| -> Vec<String> {
        let mut names: Vec<String> = rows.expect("written").into_iter().map(|(n, _)| n).collect();
        names.sort();
        names
    };

    canbao(&db, home).args(["year", "new", &(year + 1).to_string(), "--promote", "--force"]).assert().success();
    write_list(&list, &[("回校甲", back.clone(), "二年级", "1班")]);
    let said = text(canbao(&db, home).arg("import").arg(&list));
    assert!(said.contains("已回到“二年级1班”"), "{said}");
    canbao(&db, home).args(["mark", &back, "--payment", "paid", "--amount", "380"]).assert().success();
    canbao(&db, home).args(["mark", &gone, "--enrollment", "left"]).assert().success();
    // Left and back within the year: the agency's record of him never changed.
    canbao(&db, home).args(["mark", &stays, "--enrollment", "left"]).assert().success();
    canbao(&db, home).args(["mark", &stays, "--enrollment", "unknown"]).assert().success();
    let out = dir.path().join("second");
    let said = export(&out);
    assert!(said.contains("新入校 1 人，转出 1 人"), "{said}");
    let [enrolled, not_enrolled, leavers] = template_rows(&out, year + 1);
    assert_eq!(names(enrolled), ["回校甲"]);
    assert_eq!(names(not_enrolled), Vec::<String>::new());
    assert_eq!(names(leavers), ["离校丙"]);

    canbao(&db, home).args(["year", "new", &(year + 2).to_string(), "--promote", "--force"]).assert().success();
    write_list(&list, &[("离校丙", gone.clone(), "五年级", "1班")]);
    let said = text(canbao(&db, home).arg("import").arg(&list));
    assert!(said.contains("已回到“五年级1班”"), "{said}");
    let out = dir.path().join("third");
    let said = export(&out);
    assert!(said.contains("新入校 1 人，转出 0 人"), "{said}");
    let [enrolled, not_enrolled, leavers] = template_rows(&out, year + 2);
    assert_eq!(names(enrolled), Vec::<String>::new());
    assert_eq!(names(not_enrolled), ["离校丙"]);
    assert_eq!(names(leavers), Vec::<String>::new());
}

/// The drive's stats and what `quote` says a pupil owes, as one laptop reads them.
fn figures(db: &Path, home: &Path, pupil: &str) -> (Value, Value) {
    let stats = json(canbao(db, home).args(["stats", "--json"]));
    let quote = json(canbao(db, home).args(["quote", pupil, "--json"]));
    (stats, quote["personal_due"].clone())
}

/// Two laptops keep one policy name with two texts: A's operator raised the premium in A's file and chose it
/// again, B (whose own file still says 380) marked a family's payment by its copy. Each merge says the conflict,
/// in both languages and under `--json`'s "policies", and takes the copy kept later (A's) on both laptops: after
/// merging both ways they quote, check and count alike, B's file being named with the command that takes it. Before,
/// the merge said nothing ("冲突 0", `"policies": []`) and each laptop went on with its own premium, so each called
/// the other's payment wrong and the counts split.
#[test]
fn one_policy_name_with_two_texts_is_a_conflict_and_both_laptops_end_with_the_later() {
    let dir = tempfile::tempdir().unwrap();
    let (home_a, home_b) = (dir.path().join("a"), dir.path().join("b"));
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let list = dir.path().join("list.csv");
    let pupils = roster();
    write_list(&list, &pupils[..3]);
    canbao(&a, &home_a).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    let (year, _) = use_policy_collecting_today(&a, &home_a);
    let name = format!("testcity-{year}");
    let file = |home: &Path| home.join(format!("config/canbao/policies/{name}.toml"));
    canbao(&a, &home_a).arg("backup").arg(&b).assert().success();
    std::fs::create_dir_all(file(&home_b).parent().unwrap()).unwrap();
    std::fs::copy(file(&home_a), file(&home_b)).unwrap();
    // B chose it too, from its own file, at once: one second, as the copies' times are kept, before A's edit.
    canbao(&b, &home_b).args(["policy", "use", &name]).assert().success();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let policy = std::fs::read_to_string(file(&home_a)).unwrap();
    assert!(policy.contains("personal_premium = 380"), "{policy}");
    std::fs::write(file(&home_a), policy.replace("personal_premium = 380", "personal_premium = 400")).unwrap();
    canbao(&a, &home_a).args(["policy", "use", &name]).assert().success();
    canbao(&a, &home_a).args(["mark", &pupils[0].1, "--payment", "paid"]).assert().success();
    canbao(&b, &home_b).args(["mark", &pupils[1].1, "--payment", "paid"]).assert().success();
    assert_eq!(figures(&b, &home_b, &pupils[2].1).1, 380.0, "B quotes by its copy before the merge");

    let out = canbao(&b, &home_b).arg("merge").arg(&a).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("冲突 1"), "{said}");
    assert!(
        said.contains(&format!("参保政策（{year} 年度）冲突：两边的 {name} 内容不同（本数据文件的个人缴费 380 元"))
            && said.contains("对方的 400 元")
            && said.contains("已改用对方的（较晚保存）")
            && said.contains(&format!("Policy ({year}) conflict: the two files' {name} differ"))
            && said.contains("the other's taken (kept later)"),
        "{said}"
    );
    // A's merge of B's file, as B was before: ours kept, said the same way.
    let b_before = dir.path().join("b-before.db");
    let backups = dir.path().join("backups");
    let first =
        std::fs::read_dir(&backups).unwrap().flatten().find(|e| e.file_name().to_string_lossy().ends_with("-merge.db"));
    std::fs::copy(first.expect("B's backup before the merge").path(), &b_before).unwrap();
    let report = json(canbao(&a, &home_a).arg("merge").arg(&b_before).arg("--json"));
    let policies = report["policies"].as_array().expect("policies");
    assert_eq!(policies.len(), 1, "{report}");
    assert_eq!(
        (policies[0]["outcome"].as_str(), policies[0]["theirs"].as_str()),
        (Some("our_copy_kept"), Some(name.as_str()))
    );
    assert_eq!(
        (policies[0]["copies"]["ours_premium"].as_f64(), policies[0]["copies"]["theirs_premium"].as_f64()),
        (Some(400.0), Some(380.0))
    );
    canbao(&a, &home_a).arg("merge").arg(&b).assert().success();
    canbao(&b, &home_b).arg("merge").arg(&a).assert().success();

    let (stats_a, quote_a) = figures(&a, &home_a, &pupils[2].1);
    let (stats_b, quote_b) = figures(&b, &home_b, &pupils[2].1);
    assert_eq!(stats_a, stats_b, "both laptops count alike");
    assert_eq!((quote_a.as_f64(), quote_b.as_f64()), (Some(400.0), Some(400.0)));
    let check = |db: &Path, home: &Path| canbao(db, home).args(["check", "--json"]).output().unwrap().stdout;
    assert_eq!(check(&a, &home_a), check(&b, &home_b), "both laptops check alike");
    // B's own file, which still says 380, is named with the command that takes it.
    let out = canbao(&b, &home_b).args(["quote", &pupils[2].1]).output().unwrap();
    let note = String::from_utf8_lossy(&out.stderr);
    assert!(
        note.contains(&format!("政策文件 {name} 与数据文件中保存的不同"))
            && note.contains(&format!("policy use {name}")),
        "{note}"
    );
}

/// A closed year is counted by the policy the drive keeps for it: this laptop's file of the same name, edited
/// after the year closed, moves none of its figures. Before, the file was read first and the year's ledgers
/// moved (its payments of 380 read as part-paid under 400).
#[test]
fn editing_a_closed_years_policy_file_moves_none_of_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    let pupils = roster();
    write_list(&list, &pupils[..3]);
    canbao(&db, home).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    let (year, _) = use_policy_collecting_today(&db, home);
    canbao(&db, home).args(["mark", &pupils[0].1, "--payment", "paid"]).assert().success();
    canbao(&db, home).args(["year", "new", &(year + 1).to_string(), "--promote", "--force"]).assert().success();
    let closed = || json(canbao(&db, home).args(["--year", &year.to_string(), "stats", "--json"]));
    let before = closed();
    assert_eq!(before["ledgers"]["paid"], 1, "{before}");
    let file = home.join(format!("config/canbao/policies/testcity-{year}.toml"));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("personal_premium = 380", "personal_premium = 400")).unwrap();
    assert_eq!(closed(), before);
}

/// The closed year's policy, its file edited and chosen again for the new year (`policy use`), is the new year's
/// text only: the closed year's `--year` stats and quotes stay at 380, the current year's quote is 400. Before,
/// the drive kept one copy per name and the closed year's paid pupil read as part-paid under 400.
#[test]
fn choosing_a_closed_years_policy_again_with_another_text_moves_none_of_its_figures() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    let pupils = roster();
    write_list(&list, &pupils[..3]);
    canbao(&db, home).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    let (year, _) = use_policy_collecting_today(&db, home);
    canbao(&db, home).args(["mark", &pupils[0].1, "--payment", "paid"]).assert().success();
    canbao(&db, home).args(["year", "new", &(year + 1).to_string(), "--force"]).assert().success();
    let last = year.to_string();
    let closed = || {
        let stats = json(canbao(&db, home).args(["--year", &last, "stats", "--json"]));
        let quote = json(canbao(&db, home).args(["--year", &last, "quote", &pupils[2].1, "--json"]));
        (stats, quote["personal_due"].clone())
    };
    let before = closed();
    assert_eq!((before.0["ledgers"]["paid"].as_i64(), before.1.as_f64()), (Some(1), Some(380.0)), "{before:?}");
    let name = format!("testcity-{year}");
    let file = home.join(format!("config/canbao/policies/{name}.toml"));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("personal_premium = 380", "personal_premium = 400")).unwrap();
    canbao(&db, home).args(["policy", "use", &name]).assert().success();
    let now = json(canbao(&db, home).args(["quote", &pupils[2].1, "--json"]));
    assert_eq!(now["personal_due"].as_f64(), Some(400.0), "{now}");
    assert_eq!(closed(), before);
}

/// This computer's file of the drive's policy edited after it was chosen: `policy list --json` lists the drive's
/// copy (380, the one used) with `file_differs` and the file's premium, as the screen's list shows it; the other
/// policies say no file differs. Before, the JSON had nothing telling the two apart.
#[test]
fn policy_list_json_says_when_this_computers_file_differs_from_the_drives_copy() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    write_list(&list, &roster()[..1]);
    canbao(&db, home).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    let (year, _) = use_policy_collecting_today(&db, home);
    let name = format!("testcity-{year}");
    let listed = |name: &str| {
        let all = json(canbao(&db, home).args(["policy", "list", "--json"]));
        all.as_array().unwrap().iter().find(|p| p["name"] == name).cloned().unwrap_or_else(|| panic!("{all}"))
    };
    let same = listed(&name);
    assert_eq!((same["file_differs"].as_bool(), same["file_personal_premium"].is_null()), (Some(false), true));
    let file = home.join(format!("config/canbao/policies/{name}.toml"));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("personal_premium = 380", "personal_premium = 400")).unwrap();
    let edited = listed(&name);
    assert_eq!(
        (
            edited["personal_premium"].as_f64(),
            edited["file_differs"].as_bool(),
            edited["file_personal_premium"].as_f64()
        ),
        (Some(380.0), Some(true), Some(400.0)),
        "{edited}"
    );
    assert_eq!(listed("yibin-2024")["file_differs"].as_bool(), Some(false));
    canbao(&db, home).args(["policy", "use", &name]).assert().success();
    assert_eq!(listed(&name)["file_differs"].as_bool(), Some(false), "the file taken");
}

/// A closed year's policy file edited on this laptop after the year closed: `--year` `policy list` lists that
/// year's own copy (380, the one its quotes and ledgers use) with `file_differs` and the file's premium, and the
/// text says so without offering a `policy use`. Before, the list showed the file (400) as the year's, the same.
#[test]
fn a_closed_years_policy_list_shows_the_years_own_copy_when_the_file_was_edited() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    write_list(&list, &roster()[..1]);
    canbao(&db, home).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    let (year, _) = use_policy_collecting_today(&db, home);
    canbao(&db, home).args(["year", "new", &(year + 1).to_string(), "--force"]).assert().success();
    let name = format!("testcity-{year}");
    let file = home.join(format!("config/canbao/policies/{name}.toml"));
    let toml = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, toml.replace("personal_premium = 380", "personal_premium = 400")).unwrap();
    let last = year.to_string();
    let all = json(canbao(&db, home).args(["--year", &last, "policy", "list", "--json"]));
    let listed = all.as_array().unwrap().iter().find(|p| p["name"] == name.as_str()).cloned().unwrap();
    assert_eq!(
        (
            listed["current"].as_bool(),
            listed["personal_premium"].as_f64(),
            listed["file_differs"].as_bool(),
            listed["file_personal_premium"].as_f64()
        ),
        (Some(true), Some(380.0), Some(true), Some(400.0)),
        "{all}"
    );
    let said = text(canbao(&db, home).args(["--year", &last, "policy", "list"]));
    let line = said.lines().find(|l| l.starts_with('*')).unwrap_or_else(|| panic!("{said}"));
    assert!(
        line.contains("个人缴费 380元")
            && line.contains(&format!("{year} 年度保存的副本"))
            && !line.contains("policy use"),
        "{said}"
    );
}

/// `--year N quote` of a closed year goes by N's own policy, which is N's: no note that it is another year's than
/// the drive's, nor advice to choose the current year's. Before, the note compared it with the drive's year.
#[test]
fn a_closed_years_quote_says_nothing_of_the_drives_current_year() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    let pupils = roster();
    write_list(&list, &pupils[..1]);
    canbao(&db, home).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    let (year, _) = use_policy_collecting_today(&db, home);
    canbao(&db, home).args(["year", "new", &(year + 1).to_string(), "--force"]).assert().success();
    let out = canbao(&db, home).args(["--year", &year.to_string(), "quote", &pupils[0].1]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(!said.contains("年度的，数据文件是") && !said.contains("policy use"), "{said}");
}

/// The drive's policy kept at 380, this laptop's file of it edited to 400 and not chosen: `year new` makes the
/// new year's policy from the drive's copy (380, what the closing year went by, on every laptop alike), says the
/// file differs with its premium and the command for it, and `--premium 400` takes that. Before, the new year's
/// was made from the laptop's file, at 400, without a word.
#[test]
fn year_new_makes_the_new_years_policy_from_the_drives_copy_and_says_the_file_differs() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    write_list(&list, &roster()[..1]);
    canbao(&db, home).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    let (year, _) = use_policy_collecting_today(&db, home);
    let name = format!("testcity-{year}");
    let file = home.join(format!("config/canbao/policies/{name}.toml"));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("personal_premium = 380", "personal_premium = 400")).unwrap();
    let next = (year + 1).to_string();
    let dry = canbao(&db, home).args(["year", "new", &next, "--force", "--dry-run"]).output().unwrap();
    let note = String::from_utf8_lossy(&dry.stderr);
    assert!(
        note.contains(&format!("由数据文件中保存的 {name}（个人缴费 380 元）生成"))
            && note.contains("（个人缴费 400 元），未采用")
            && note.contains(&format!("year new {next} --premium 400"))
            && note.contains("this computer's file of it differs (premium 400 yuan)"),
        "{note}"
    );
    let out = canbao(&db, home).args(["year", "new", &next, "--force"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(said.contains(&format!("testcity-{next} 个人缴费 380元")), "{said}");
}

/// A category certified in the new year is the new year's: 高萱怡 was 低保对象 and paid in full last year, and a
/// department's list read on laptop B after `year new` (then merged into A) certifies her 特困人员. Last year's
/// `find`, `check` and 参保花名册 still show her as she stood then, with the same amount over; before, they showed
/// both categories and her whole payment as over.
#[test]
fn a_category_certified_in_the_new_year_leaves_last_years_views_as_they_were() {
    let dir = tempfile::tempdir().unwrap();
    let (home_a, home_b) = (dir.path().join("a"), dir.path().join("b"));
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let gao = id("45020220170402002");
    let list = dir.path().join("list.csv");
    std::fs::write(&list, format!("姓名,身份证号码,年级,班级,人员类别\n高萱怡,{gao},四年级,1班,低保对象\n")).unwrap();
    canbao(&a, &home_a).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    let (year, _) = use_policy_collecting_today(&a, &home_a);
    canbao(&a, &home_a).args(["mark", &gao, "--payment", "paid", "--amount", "380", "--yes"]).assert().success();
    let last = year.to_string();
    let overpaid = |db: &Path, home: &Path| {
        let report = json(canbao(db, home).args(["--year", &last, "check", "--json"]));
        let over = report["overpaid"].as_array().expect("overpaid").clone();
        assert_eq!(over.len(), 1, "{report}");
        (over[0]["due"].clone(), over[0]["over"].clone())
    };
    let before = overpaid(&a, &home_a);
    let special = |db: &Path, home: &Path, out: &str| {
        let folder = dir.path().join(out);
        std::fs::create_dir_all(&folder).unwrap();
        canbao(db, home)
            .args(["--year", &last, "export", "special", "--format", "csv", "--out"])
            .arg(&folder)
            .assert()
            .success();
        let file = std::fs::read_dir(&folder).unwrap().next().unwrap().unwrap().path();
        std::fs::read_to_string(file).unwrap()
    };
    let roster_before = special(&a, &home_a, "before");
    assert!(roster_before.contains("低保对象"), "{roster_before}");

    canbao(&a, &home_a).args(["year", "new", &(year + 1).to_string(), "--force"]).assert().success();
    canbao(&a, &home_a).arg("backup").arg(&b).assert().success();
    let cats = dir.path().join("cats.csv");
    std::fs::write(&cats, format!("姓名,身份证号码,人员类别\n高萱怡,{gao},特困人员\n")).unwrap();
    canbao(&b, &home_b).args(["reconcile", "--source", "categories"]).arg(&cats).assert().success();
    canbao(&a, &home_a).arg("merge").arg(&b).assert().success();

    let now = json(canbao(&a, &home_a).args(["find", &gao, "--json"]));
    assert!(now[0]["categories"].as_array().unwrap().contains(&Value::from("特困人员")), "{now}");
    for (db, home) in [(&a, &home_a), (&b, &home_b)] {
        let then = json(canbao(db, home).args(["--year", &last, "find", &gao, "--json"]));
        assert_eq!(then[0]["categories"], serde_json::json!(["低保对象"]), "{then}");
        assert_eq!(overpaid(db, home), before, "last year's amount over is what it was");
        let roster = special(db, home, &format!("after-{}", db.file_stem().unwrap().to_string_lossy()));
        assert_eq!(roster, roster_before, "last year's 参保花名册 as it was");
    }
}

/// The POSIX `TZ` of a laptop whose clock reads `east` minutes ahead of UTC.
fn zone(east: i64) -> String {
    let (sign, abs) = if east >= 0 { ('-', east) } else { ('+', -east) };
    format!("ZZZ{sign}{:02}:{:02}", abs / 60, abs % 60)
}

/// A payment recorded on laptops set to zones far apart (UTC+14 and UTC−12, whose dates differ at every instant)
/// is dated Beijing's day on both, and so is a top-up typed on the other: the notices' dates are Beijing dates.
/// Before, each laptop dated a payment by its own zone (one set to Los Angeles dated a payment made at 00:30 on
/// 1 January in Beijing on 31 December, inside the collecting period).
#[test]
fn a_payment_is_dated_beijings_day_whatever_zone_the_laptop_is_set_to() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let (lin, he) = (id("45020220160601002"), id("45020220160602002"));
    let list = dir.path().join("list.csv");
    write_list(&list, &[("林远俊", lin.clone(), "三年级", "1班"), ("何一凡", he.clone(), "三年级", "1班")]);
    canbao(&db, home).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    use_policy_collecting_today(&db, home);
    let beijing_today = || (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let before = beijing_today();
    for (pupil, east) in [(&lin, 14 * 60), (&he, -12 * 60)] {
        canbao(&db, home)
            .env("TZ", zone(east))
            .args(["mark", pupil, "--payment", "paid", "--amount", "300", "--yes"])
            .assert()
            .success();
    }
    for (pupil, east) in [(&lin, -12 * 60), (&he, 14 * 60)] {
        canbao(&db, home).env("TZ", zone(east)).args(["mark", pupil, "--top-up", "40", "--yes"]).assert().success();
    }
    let after = beijing_today();
    let store = canbao::store::Store::open_read_only(&db).unwrap();
    let days: Vec<_> = [&lin, &he]
        .iter()
        .map(|pupil| {
            let s = store.student_by_id_number(pupil).unwrap().unwrap();
            assert_eq!(s.payment_details.amount_fen, Some(34000));
            s.payment_details.paid_on.unwrap()
        })
        .collect();
    // Beijing's midnight may fall between the two reads of the day.
    assert!(days.iter().all(|d| *d == before || *d == after), "{days:?}, Beijing's day {before}/{after}");
    assert!(before != after || days[0] == days[1], "{days:?}");
}

/// `policy list` shows the drive's policy as the drive's copy says it, which its sums use, when this laptop's file
/// of it was edited after it was chosen: the copy's premium, and that the file says another and is not used, with
/// the command that takes it. Before, the row showed the file's premium, starred, and said nothing.
#[test]
fn policy_list_shows_the_drives_copy_and_says_the_edited_file_is_not_used() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let list = dir.path().join("list.csv");
    let pupils = roster();
    write_list(&list, &pupils[..3]);
    canbao(&db, home).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    let (year, _) = use_policy_collecting_today(&db, home);
    let name = format!("testcity-{year}");
    let file = home.join(format!("config/canbao/policies/{name}.toml"));
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("personal_premium = 380", "personal_premium = 420")).unwrap();
    let listed = self::text(canbao(&db, home).args(["policy", "list"]));
    let row = listed.lines().find(|l| l.starts_with(&format!("* {name}"))).unwrap_or_else(|| panic!("{listed}"));
    assert!(row.contains("个人缴费 380元"), "{row}");
    assert!(row.contains("本机文件已改为 420 元，未采用") && row.contains(&format!("policy use {name}")), "{row}");
    let quote = json(canbao(&db, home).args(["quote", &pupils[2].1, "--json"]));
    assert_eq!(quote["personal_due"].as_f64(), Some(380.0), "{quote}");
    // Taken with `policy use`, the file's is listed as it says, with nothing more.
    canbao(&db, home).args(["policy", "use", &name]).assert().success();
    let listed = self::text(canbao(&db, home).args(["policy", "list"]));
    let row = listed.lines().find(|l| l.starts_with(&format!("* {name}"))).unwrap_or_else(|| panic!("{listed}"));
    assert!(row.contains("个人缴费 420元") && !row.contains("本机文件"), "{row}");
}

fn class_of(db: &Path, home: &Path, number: &str) -> String {
    json(canbao(db, home).args(["find", number, "--json"]))[0]["class"].as_str().unwrap().to_owned()
}

/// Next school year's list taken with `import --move-up-a-grade` before the year turned moved its pupils up a grade:
/// `year new --promote` then refuses, naming how many were moved and one of them, the year to start without
/// `--promote` and the way to promote them all the same (`--promote-again`); a dry run says it and goes on. Before,
/// the pupils went up two grades with no word.
#[test]
fn year_new_promote_refuses_to_move_up_again_pupils_a_next_years_list_moved_up() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let rows: Vec<(&str, String, &str, &str)> = (0..6)
        .map(|i| {
            (["严雨", "韦诗", "罗明", "赵六", "黄嘉", "陈博"][i], id(&format!("4502052016030512{i}")), "二年级", "1班")
        })
        .collect();
    let list = dir.path().join("二年级1班.csv");
    write_list(&list, &rows);
    canbao(&db, home).arg("import").arg(&list).assert().success();
    let year = current_year(&db, home);
    let up: Vec<(&str, String, &str, &str)> = rows.iter().map(|(n, id, _, c)| (*n, id.clone(), "三年级", *c)).collect();
    let next_list = dir.path().join("三年级1班.csv");
    write_list(&next_list, &up);
    canbao(&db, home).args(["import", "--move-up-a-grade"]).arg(&next_list).assert().success();
    assert_eq!(class_of(&db, home, &rows[0].1), "三年级1班");

    let next = (year + 1).to_string();
    let refused = canbao(&db, home).args(["year", "new", &next, "--promote", "--force"]).assert().code(1);
    let err = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    let without = format!("canbao --db {} year new {next}", db.display());
    for words in [
        "本年度导入的名单已把 6 名学生调高了一个年级",
        "严雨 由「二年级1班」调到「三年级1班」",
        "二年级1班 几乎全班已调高",
        "升两个年级",
        without.as_str(),
        "--promote-again",
        "未做任何修改",
        "already moved 6 of the 6 pupils",
        "nothing changed",
    ] {
        assert!(err.contains(words), "{words}: {err}");
    }
    assert_eq!(current_year(&db, home), year, "refused");
    assert_eq!(class_of(&db, home, &rows[0].1), "三年级1班");

    // Under --json the refusal gives the counts the text states as fields of their own.
    let refused = canbao(&db, home).args(["year", "new", &next, "--promote", "--force", "--json"]).assert().code(1);
    let answer: Value = serde_json::from_slice(&refused.get_output().stdout).expect("one JSON object");
    let error = &answer["error"];
    assert_eq!(error["kind"], "moved_up_already", "{answer}");
    assert_eq!(error["already_moved_pupils"], 6, "{answer}");
    assert_eq!(error["pupils_to_promote"], 6, "{answer}");
    assert_eq!(error["already_moved_classes"], serde_json::json!(["二年级1班"]), "{answer}");
    assert_eq!(current_year(&db, home), year, "refused");

    let dry = canbao(&db, home).args(["year", "new", &next, "--promote", "--force", "--dry-run"]).assert().success();
    assert!(String::from_utf8_lossy(&dry.get_output().stderr).contains("升两个年级"));
    assert_eq!(current_year(&db, home), year, "a dry run changes nothing");

    canbao(&db, home).args(["year", "new", &next, "--promote", "--promote-again", "--force"]).assert().success();
    assert_eq!(current_year(&db, home), year + 1);
    assert_eq!(class_of(&db, home, &rows[0].1), "四年级1班", "promoted again, as asked");
}

/// Ordinary imports of this year (not refused: under nine in ten of the list moved) that moved most of a class a
/// grade up are told apart from the start of the year, which turned with `--promote`: the next `--promote` refuses.
/// A pupil here and there moved up is said, and the year starts.
#[test]
fn year_new_promote_refuses_when_this_years_imports_moved_most_of_a_class_up() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let names = ["甲一", "甲二", "甲三", "甲四", "甲五", "甲六", "甲七", "甲八", "甲九", "甲十"];
    let rows: Vec<(&str, String, &str, &str)> =
        names.iter().enumerate().map(|(i, n)| (*n, id(&format!("4502052016030513{i}")), "", "201班")).collect();
    let list = dir.path().join("201班.csv");
    write_list(&list, &rows);
    canbao(&db, home).arg("import").arg(&list).assert().success();
    let year = current_year(&db, home);
    canbao(&db, home).args(["year", "new", &(year + 1).to_string(), "--promote", "--force"]).assert().success();
    assert_eq!(class_of(&db, home, &rows[0].1), "301班");

    // One pupil put a grade up: said, not refused.
    let mut one = rows.clone();
    for row in &mut one {
        row.3 = "301班";
    }
    one[0].3 = "401班";
    write_list(&list, &one);
    canbao(&db, home).arg("import").arg(&list).assert().success();
    let dry = canbao(&db, home)
        .args(["year", "new", &(year + 2).to_string(), "--promote", "--force", "--dry-run"])
        .assert()
        .success();
    let said = String::from_utf8_lossy(&dry.get_output().stderr).into_owned();
    assert!(said.contains("已把 1 名学生调高了一个年级") && said.contains("甲一 由「301班」调到「401班」"), "{said}");
    assert!(!said.contains("升两个年级"), "{said}");

    // Eight of ten moved up by a list the import took: most of 301班 moved up this year.
    let mut most = one.clone();
    for row in most.iter_mut().take(8) {
        row.3 = "401班";
    }
    write_list(&list, &most);
    canbao(&db, home).arg("import").arg(&list).assert().success();
    let refused =
        canbao(&db, home).args(["year", "new", &(year + 2).to_string(), "--promote", "--force"]).assert().code(1);
    let err = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
    assert!(err.contains("已把 8 名学生调高了一个年级") && err.contains("301班 几乎全班已调高"), "{err}");
    assert_eq!(current_year(&db, home), year + 1);
}

/// Classes numbered by year (301班) and a kindergarten's 小一班 / 大一班: next school year's list of them is refused
/// as one, and `year new --promote` moves them up (301班 → 401班, 小一班 → 中一班) and 601班 and 大一班 out (毕业,
/// at a primary school with no 701班). Before, neither knew these classes: the list was imported and the classes
/// stayed as they were.
#[test]
fn classes_numbered_by_year_and_kindergarten_classes_are_guarded_and_promoted() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let class_rows: [(&str, &str); 9] = [
        ("三甲", "301班"),
        ("三乙", "301班"),
        ("三丙", "301班"),
        ("六甲", "601班"),
        ("小甲", "小一班"),
        ("小乙", "小一班"),
        ("小丙", "小一班"),
        ("中甲", "中一班"),
        ("大甲", "大一班"),
    ];
    let rows: Vec<(&str, String, &str, &str)> =
        class_rows.iter().enumerate().map(|(i, (n, c))| (*n, id(&format!("4502052016030514{i}")), "", *c)).collect();
    let list = dir.path().join("名单.csv");
    write_list(&list, &rows);
    canbao(&db, home).arg("import").arg(&list).assert().success();
    let year = current_year(&db, home);

    for (file, from, to) in [("三年级.csv", "301班", "401班"), ("小班.csv", "小一班", "中一班")] {
        let next: Vec<(&str, String, &str, &str)> =
            rows.iter().filter(|r| r.3 == from).map(|(n, id, g, _)| (*n, id.clone(), *g, to)).collect();
        let path = dir.path().join(file);
        write_list(&path, &next);
        let refused = canbao(&db, home).arg("import").arg(&path).assert().code(1);
        let err = String::from_utf8_lossy(&refused.get_output().stderr).into_owned();
        assert!(
            err.contains("这像是下一学年的班级名单") && err.contains(&format!("由「{from}」调到「{to}」")),
            "{err}"
        );
    }

    let report =
        json(canbao(&db, home).args(["year", "new", &(year + 1).to_string(), "--promote", "--force", "--json"]));
    let moves = report["moves"].as_array().unwrap();
    let to = |from: &str| moves.iter().find(|m| m["from"] == from).map(|m| m["to"].clone()).unwrap_or(Value::Null);
    assert_eq!(to("301班"), "401班", "{report}");
    assert_eq!(to("小一班"), "中一班");
    assert_eq!(to("中一班"), "大一班");
    assert_eq!(to("601班"), Value::Null, "a primary school's sixth year leaves");
    assert_eq!(to("大一班"), Value::Null, "大班 leave kindergarten");
    assert_eq!((report["promoted"].as_i64(), report["graduated"].as_i64()), (Some(7), Some(2)), "{report}");
    assert_eq!(class_of(&db, home, &rows[0].1), "401班");
    let left = json(canbao(&db, home).args(["find", &rows[8].1, "--json"]));
    assert_eq!(left[0]["enrollment"], "left");
}

/// A junior school numbering 初一 as 101班 (its name says it is a 中学): `year new --promote` moves 101班 and 201班
/// up and sends 301班 (初三) out (毕业), where before it took the school for a primary school and moved 301班 into a
/// 401班. The same classes at a school named otherwise step as a primary school's.
#[test]
fn a_junior_school_numbering_its_years_101_to_301_sends_301_out() {
    for (school, third_leaves) in [("城关初级中学", true), ("城关小学", false)] {
        let dir = tempfile::tempdir().unwrap();
        let (db, home) = (dir.path().join("drive.db"), dir.path());
        let rows: Vec<(&str, String, &str, &str)> = [("一甲", "101班"), ("二甲", "201班"), ("三甲", "301班")]
            .iter()
            .enumerate()
            .map(|(i, (n, c))| (*n, id(&format!("4502052012030514{i}")), "", *c))
            .collect();
        let list = dir.path().join("名单.csv");
        write_list(&list, &rows);
        canbao(&db, home).arg("import").arg(&list).args(["--school", school]).assert().success();
        let year = current_year(&db, home);
        let report =
            json(canbao(&db, home).args(["year", "new", &(year + 1).to_string(), "--promote", "--force", "--json"]));
        let moves = report["moves"].as_array().unwrap();
        let to = |from: &str| moves.iter().find(|m| m["from"] == from).map(|m| m["to"].clone()).unwrap_or(Value::Null);
        assert_eq!(to("101班"), "201班", "{school}: {report}");
        assert_eq!(to("201班"), "301班", "{school}: {report}");
        let left = json(canbao(&db, home).args(["find", &rows[2].1, "--json"]));
        if third_leaves {
            assert_eq!(to("301班"), Value::Null, "{school}: 初三 leaves: {report}");
            assert_eq!((report["promoted"].as_i64(), report["graduated"].as_i64()), (Some(2), Some(1)), "{report}");
            assert_eq!(left[0]["enrollment"], "left", "{school}");
        } else {
            assert_eq!(to("301班"), "401班", "{school}: a primary school's third year: {report}");
            assert_eq!(left[0]["class"], "401班", "{school}");
        }
    }
}

/// `year new --promote --json`'s refusal names the small classes next year's lists moved up whole (two pupils each:
/// before, none, as a class needed three moved) and counts in `pupils_to_promote` only the pupils a promotion moves
/// up a grade, its graduates apart in `pupils_to_graduate` (before, the graduates were counted as promoted).
#[test]
fn year_new_promote_refusal_names_small_classes_moved_and_counts_graduates_apart() {
    let dir = tempfile::tempdir().unwrap();
    let (db, home) = (dir.path().join("drive.db"), dir.path());
    let pupil = |i: usize, grade: &'static str, class: &'static str| {
        (["甲一", "甲二", "乙一", "乙二", "丙一", "丙二"][i], id(&format!("4502052016030514{i}")), grade, class)
    };
    let rows = vec![
        pupil(0, "二年级", "1班"),
        pupil(1, "二年级", "1班"),
        pupil(2, "五年级", "1班"),
        pupil(3, "五年级", "1班"),
        pupil(4, "六年级", "2班"),
        pupil(5, "六年级", "2班"),
    ];
    let list = dir.path().join("全校.csv");
    write_list(&list, &rows);
    canbao(&db, home).arg("import").arg(&list).assert().success();
    let up = vec![
        pupil(0, "三年级", "1班"),
        pupil(1, "三年级", "1班"),
        pupil(2, "六年级", "1班"),
        pupil(3, "六年级", "1班"),
    ];
    let next_list = dir.path().join("下学年.csv");
    write_list(&next_list, &up);
    canbao(&db, home).args(["import", "--move-up-a-grade"]).arg(&next_list).assert().success();
    let next = (current_year(&db, home) + 1).to_string();
    let refused = canbao(&db, home).args(["year", "new", &next, "--promote", "--force", "--json"]).assert().code(1);
    let answer: Value = serde_json::from_slice(&refused.get_output().stdout).expect("one JSON object");
    let error = &answer["error"];
    assert_eq!(error["kind"], "moved_up_already", "{answer}");
    assert_eq!(error["already_moved_pupils"], 4, "{answer}");
    assert_eq!(error["already_moved_classes"], serde_json::json!(["二年级1班", "五年级1班"]), "{answer}");
    assert_eq!(error["pupils_to_promote"], 2, "the two in 三年级: {answer}");
    assert_eq!(error["pupils_to_graduate"], 4, "the four in 六年级: {answer}");
    assert!(error["message_zh"].as_str().unwrap().contains("升级会让 2 名学生升一个年级、4 名毕业"), "{answer}");
}

/// `year new --premium` far from the drive's policy's premium (4200 over 400: a digit too many) starts nothing and
/// says to add --yes, as `policy new --premium` does; with --yes the year starts on it. Before, 4200 元 was taken
/// without a word, to be quoted by every form of the new year.
#[test]
fn year_new_with_a_premium_far_from_the_drives_wants_yes() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let db = dir.path().join("drive.db");
    let list = dir.path().join("list.csv");
    write_list(&list, &roster()[..2]);
    canbao(&db, &home).arg("import").arg(&list).args(["--school", "测试小学"]).assert().success();
    let year = current_year(&db, &home);
    let policy = format!("yibin-{year}");
    canbao(&db, &home)
        .args(["policy", "new", &policy, "--from", "yibin-2024", "--year", &year.to_string(), "--premium", "400"])
        .assert()
        .success();
    canbao(&db, &home).args(["policy", "use", &policy]).assert().success();
    let next = (year + 1).to_string();
    let made = home.join(format!("config/canbao/policies/yibin-{next}.toml"));
    let out = canbao(&db, &home).args(["year", "new", &next, "--premium", "4200", "--force"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("4200 元") && said.contains("400 元") && said.contains("--yes"), "{said}");
    assert_eq!(current_year(&db, &home), year, "not started");
    assert!(!made.exists(), "no policy written");
    let out =
        canbao(&db, &home).args(["year", "new", &next, "--premium", "4200", "--force", "--yes"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(current_year(&db, &home), year + 1);
    assert!(std::fs::read_to_string(&made).unwrap().contains("4200"), "the premium said yes to");
}

/// A drive with no policy at all (made in December for next year's collection, `policy use` never run) is not
/// closed by `year new` while the date alone says its year is still being collected or its school year runs on:
/// before 30 June of the drive's year, refused as under the year's own policy (the same words, `--force` named,
/// nothing changed), said and gone on with by `--dry-run` and `--force`. Before, it closed the year silently, its
/// December payments then recorded nowhere. In July or August, when the drive's year is the one ending, it starts.
#[test]
fn year_new_without_a_policy_is_refused_while_the_date_says_the_year_is_open() {
    let (dir, db) = roster_drive();
    let home = dir.path();
    let year = current_year(&db, home);
    let next = (year + 1).to_string();
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive();
    let june = chrono::NaiveDate::from_ymd_opt(year as i32, 6, 30).unwrap();
    let refused = canbao(&db, home).args(["year", "new", &next, "--promote"]).output().unwrap();
    if today > june {
        assert!(refused.status.success(), "{}", String::from_utf8_lossy(&refused.stderr));
        assert_eq!(current_year(&db, home), year + 1);
        return;
    }
    assert_eq!(refused.status.code(), Some(1), "{}", String::from_utf8_lossy(&refused.stdout));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    let said = format!("开始 {next} 年度后，{year} 年度只能查看");
    for words in [
        "数据文件没有选定政策",
        said.as_str(),
        &format!("请在 {june} 之后再开始新学年"),
        &format!("year new {next} --promote --force"),
        "未做任何修改",
    ] {
        assert!(stderr.contains(words), "{words}: {stderr}");
    }
    assert_eq!(current_year(&db, home), year, "not started");
    let en = canbao(&db, home).args(["--lang", "en", "year", "new", &next]).output().unwrap();
    assert_eq!(en.status.code(), Some(1));
    let en = String::from_utf8_lossy(&en.stderr);
    assert!(en.contains("the drive has no policy") && en.contains(&format!("year new {next} --force")), "{en}");
    let dry = canbao(&db, home).args(["year", "new", &next, "--promote", "--dry-run"]).output().unwrap();
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    assert!(String::from_utf8_lossy(&dry.stderr).contains(&said), "{}", String::from_utf8_lossy(&dry.stderr));
    assert_eq!(current_year(&db, home), year, "a dry run starts nothing");
    let forced = canbao(&db, home).args(["year", "new", &next, "--promote", "--force"]).output().unwrap();
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    assert!(String::from_utf8_lossy(&forced.stderr).contains("注意：数据文件没有选定政策"));
    assert_eq!(current_year(&db, home), year + 1);
}

/// `year new --dry-run` writes nothing, as import's and reconcile's previews: it goes ahead while a window holds
/// the drive, saying so, and shows the report the operator runs it to decide by; the year itself is still refused
/// while the window holds the drive. Before, the preview was refused (「此命令现在不能执行」).
#[test]
fn year_new_dry_run_goes_ahead_while_a_window_holds_the_drive() {
    let (dir, db) = roster_drive();
    let home = dir.path();
    let year = current_year(&db, home);
    let next = (year + 1).to_string();
    let held = canbao::store::lock::DriveLock::acquire(&db, "张老师").unwrap();
    let preview = canbao(&db, home).args(["year", "new", &next, "--promote", "--dry-run", "--json"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&preview.stderr);
    assert_eq!(preview.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("张老师") && stderr.contains("预览照常进行"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&preview.stdout).expect("json");
    assert_eq!(report["dry_run"], true);
    assert_eq!((report["promoted"].as_i64(), report["graduated"].as_i64()), (Some(5), Some(3)), "{report}");
    let started = canbao(&db, home).args(["year", "new", &next, "--promote", "--force"]).output().unwrap();
    assert_eq!(started.status.code(), Some(1), "the year itself waits for the window");
    drop(held);
    assert_eq!(current_year(&db, home), year, "nothing started");
}
