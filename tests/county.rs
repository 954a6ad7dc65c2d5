//! The county database against a real PostgreSQL server: each test makes its own database and drops it after,
//! even when it fails. The server is $CANBAO_TEST_PG (default postgresql://root@127.0.0.1:5432/postgres, a
//! user who may create databases); where none answers the tests say so and pass without checking anything.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;
use serde_json::Value;

fn admin_url() -> String {
    std::env::var("CANBAO_TEST_PG").unwrap_or_else(|_| "postgresql://root@127.0.0.1:5432/postgres".into())
}

/// A database made for one test, dropped when the test ends however it ends.
struct TestDb {
    name: String,
    url: String,
}

static NEXT: AtomicUsize = AtomicUsize::new(0);

impl TestDb {
    fn new() -> Option<TestDb> {
        let mut admin = match postgres::Client::connect(&admin_url(), postgres::NoTls) {
            Ok(c) => c,
            // Asked for by name (`.ci/run` names it only where a server answers): a server that does not answer
            // is a failure, not a skip that passes unseen.
            Err(e) if std::env::var_os("CANBAO_TEST_PG").is_some() => {
                panic!("CANBAO_TEST_PG is set but its PostgreSQL server does not answer: {e}")
            }
            Err(e) => {
                eprintln!("notice: no PostgreSQL server at {} ({e}); county tests skipped", admin_url());
                return None;
            }
        };
        let name = format!("canbao_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name}")).expect("drop a leftover database");
        admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create database");
        let url = match admin_url().rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => panic!("CANBAO_TEST_PG must be a URL ending in /DATABASE"),
        };
        Some(TestDb { name, url })
    }

    fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url, postgres::NoTls).expect("connect")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&admin_url(), postgres::NoTls) {
            let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

fn canbao(db: &Path) -> Command {
    let mut cmd = Command::cargo_bin("canbao").expect("binary");
    cmd.arg("--db").arg(db).env_remove("CANBAO_DB").env_remove("CANBAO_PG").env("CANBAO_OPERATOR", "测试");
    cmd
}

fn bare() -> Command {
    let mut cmd = Command::cargo_bin("canbao").expect("binary");
    cmd.env_remove("CANBAO_DB").env_remove("CANBAO_PG").env_remove("PGPASSWORD");
    cmd
}

fn json(cmd: &mut Command) -> Value {
    let out = cmd.output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

/// A valid ID number: the 17 digits and their check character (GB 11643).
fn valid_id(body: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.chars().zip(WEIGHTS).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
    format!("{body}{}", ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'][(sum % 11) as usize])
}

/// The n-th pupil's number in school `s`.
fn pupil_id(s: usize, n: usize) -> String {
    valid_id(&format!("4502022016{:02}{:02}{:03}", s + 1, n % 28 + 1, 100 + n))
}

/// A drive file holding one school's class list of `pupils` children.
fn drive(dir: &Path, s: usize, pupils: usize) -> PathBuf {
    let csv = dir.join(format!("school{s}.csv"));
    let mut text = String::from("姓名,身份证号,所在年级、班级\n");
    for n in 0..pupils {
        text.push_str(&format!("学生{s}{n},{},三年级{}班\n", pupil_id(s, n), n % 2 + 1));
    }
    std::fs::write(&csv, text).unwrap();
    let db = dir.join(format!("school{s}.db"));
    canbao(&db).args(["import", "--school", &format!("第{}小学", s + 1)]).arg(&csv).assert().success();
    db
}

/// Another laptop's copy of the drive file `base`: under the same file name in the laptop's own new folder
/// `dir/laptop`, which the county takes for the same drive (as it takes copies carried between laptops).
fn laptop_copy(dir: &Path, base: &Path, laptop: &str) -> PathBuf {
    std::fs::create_dir(dir.join(laptop)).unwrap();
    let path = dir.join(laptop).join(base.file_name().expect("a file"));
    std::fs::copy(base, &path).unwrap();
    path
}

/// Two laptops' copies of the drive file `base` (see [`laptop_copy`]), in the folders `dir/laptops[0]` and
/// `dir/laptops[1]`: one school's drive carried to two laptops, which the county takes for one drive.
fn two_laptops(dir: &Path, base: &Path, laptops: [&str; 2]) -> (PathBuf, PathBuf) {
    (laptop_copy(dir, base, laptops[0]), laptop_copy(dir, base, laptops[1]))
}

/// Waits past the current second: audit instants have whole seconds, so the change made next is plainly the
/// later one.
fn a_second_later() {
    std::thread::sleep(std::time::Duration::from_millis(1100));
}

fn mark(db: &Path, id: &str, args: &[&str]) {
    canbao(db).arg("mark").arg(id).args(args).assert().success();
}

/// The tests' laptops stamp changes at fixed times, some later than the server's clock: the push's clock
/// check is asked not to refuse them (`a_push_refuses_a_drive_stamped_ahead_of_the_servers_clock` checks it).
/// Runs `check` against a county of its own for each order of pushing two drives, `first` then `second` and the
/// other way round; without a PostgreSQL server, against none.
fn each_push_order(first: &Path, second: &Path, mut check: impl FnMut(TestDb, [&Path; 2])) {
    for order in [[first, second], [second, first]] {
        let Some(db) = TestDb::new() else { return };
        check(db, order);
    }
}

fn push(db: &TestDb, files: &[&Path], extra: &[&str]) -> Value {
    json(bare().arg("push").args(files).args(["--to", &db.url, "--json", "--accept-clock"]).args(extra))
}

fn rollup(db: &TestDb, extra: &[&str]) -> Value {
    json(bare().args(["rollup", "--from", &db.url, "--json"]).args(extra))
}

#[test]
fn three_schools_roll_up_as_their_stats_count_and_a_second_push_changes_nothing() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let drives: Vec<PathBuf> = (0..3).map(|s| drive(dir.path(), s, 6 + 2 * s)).collect();
    mark(&drives[0], &pupil_id(0, 0), &["--payment", "paid", "--amount", "400"]);
    mark(&drives[0], &pupil_id(0, 1), &["--enrollment", "declined", "--reason", "已在外地参保"]);
    mark(&drives[1], &pupil_id(1, 2), &["--payment", "government"]);
    mark(&drives[1], &pupil_id(1, 3), &["--enrollment", "elsewhere"]);
    mark(&drives[2], &pupil_id(2, 4), &["--enrollment", "left"]);

    let files: Vec<&Path> = drives.iter().map(PathBuf::as_path).collect();
    let first = push(&db, &files, &[]);
    assert_eq!(first["added"], 6 + 8 + 10, "{first}");
    assert_eq!((first["updated"].as_u64(), first["unchanged"].as_u64()), (Some(0), Some(0)));
    assert_eq!(first["files"].as_array().map(Vec::len), Some(3));

    let county = rollup(&db, &[]);
    assert_eq!(county["students"], 24);
    for (s, file) in drives.iter().enumerate() {
        let stats = json(canbao(file).args(["stats", "--json"]));
        let line = county["schools"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["school"] == format!("第{}小学", s + 1))
            .unwrap_or_else(|| panic!("school {s} missing: {county}"));
        assert_eq!(line["students"], stats["students"], "{line} {stats}");
        assert_eq!(line["enrolled"], stats["insured"], "{line} {stats}");
        assert_eq!(line["expected"], stats["expected"], "{line} {stats}");
        assert_eq!(line["paid"], stats["payment"]["paid"], "{line} {stats}");
        assert_eq!(line["government"], stats["payment"]["government"], "{line} {stats}");
        assert_eq!(line["declined"], stats["enrollment"]["declined"], "{line} {stats}");
    }
    // Per class of one school, as stats counts them.
    let school1 = rollup(&db, &["--school", "第1小学"]);
    let stats = json(canbao(&drives[0]).args(["stats", "--json"]));
    let classes: Vec<(String, i64, i64)> = school1["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (c["class"].as_str().unwrap().to_owned(), c["students"].as_i64().unwrap(), c["enrolled"].as_i64().unwrap())
        })
        .collect();
    let expected: Vec<(String, i64, i64)> = stats["classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (c["class"].as_str().unwrap().to_owned(), c["students"].as_i64().unwrap(), c["enrolled"].as_i64().unwrap())
        })
        .collect();
    assert_eq!(classes, expected);

    let again = push(&db, &files, &[]);
    assert_eq!((again["added"].as_u64(), again["updated"].as_u64()), (Some(0), Some(0)), "{again}");
    assert_eq!(again["unchanged"], 24);
    let audit_before: i64 = db.client().query_one("SELECT count(*) FROM canbao.audit", &[]).unwrap().get(0);
    assert!(again["files"].as_array().unwrap().iter().all(|f| f["audit_rows"] == 0), "{again}");

    // One pupil paid on the first school's laptop: one pupil updated, and the roll-up counts the payment.
    mark(&drives[0], &pupil_id(0, 5), &["--payment", "paid", "--amount", "400"]);
    let third = push(&db, &[&drives[0]], &[]);
    assert_eq!(
        (third["added"].as_u64(), third["updated"].as_u64(), third["unchanged"].as_u64()),
        (Some(0), Some(1), Some(5)),
        "{third}"
    );
    let audit_after: i64 = db.client().query_one("SELECT count(*) FROM canbao.audit", &[]).unwrap().get(0);
    assert!(audit_after > audit_before, "the payment's history arrived");
    let county = rollup(&db, &[]);
    let paid: i64 = county["schools"].as_array().unwrap().iter().map(|l| l["paid"].as_i64().unwrap()).sum();
    assert_eq!(paid, 2, "{county}");
    // The history is append-only on the server too.
    let refused = db.client().batch_execute("DELETE FROM canbao.audit");
    assert!(refused.is_err(), "the audit log refused a delete");
}

/// The tax office's payments a reconciliation kept as not recorded (a number nobody holds: no pupil; another name:
/// the pupil's) are history rows like any other: pushed with the drive, onto the pupil where there is one, and
/// once however often the drive is pushed.
#[test]
fn payments_a_reconciliation_kept_as_not_recorded_reach_the_county_once() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let drive = drive(dir.path(), 0, 4);
    let tax = dir.path().join("tax.csv");
    let (stranger, held) = (pupil_id(5, 9), pupil_id(0, 1));
    let text =
        format!("姓名,证件号码,缴费金额,缴费日期\n王小明,{stranger},380,2023-10-08\n别的名字,{held},380,2023-10-08\n");
    std::fs::write(&tax, text).unwrap();
    let report = json(canbao(&drive).args(["reconcile", "--source", "tax", "--json"]).arg(&tax));
    assert_eq!(report["unapplied_payments"], 2, "{report}");
    let first = push(&db, &[&drive], &[]);
    assert_eq!(first["added"], 4, "{first}");
    let kept = |db: &TestDb| -> Vec<(String, bool)> {
        let rows = db
            .client()
            .query(
                "SELECT id_number, pupil_id IS NOT NULL FROM canbao.audit WHERE field = 'payment_unapplied'
                 ORDER BY id_number",
                &[],
            )
            .unwrap();
        rows.iter().map(|r| (r.get(0), r.get(1))).collect()
    };
    let mut expected = vec![(stranger.clone(), false), (held.clone(), true)];
    expected.sort();
    assert_eq!(kept(&db), expected);
    let again = push(&db, &[&drive], &[]);
    assert!(again["files"].as_array().unwrap().iter().all(|f| f["audit_rows"] == 0), "{again}");
    assert_eq!(kept(&db), expected);
}

/// A family payment the drive records on a date that cannot be its insured year's (marked before the drive chose
/// its policy) is pushed as recorded, and the push lists it, as `check` and `merge` do: in the text with why, and in
/// `--json` as `payments_outside_year` with the file and the number masked; a payment of the year is not listed.
#[test]
fn a_push_lists_the_payments_dated_outside_the_drives_year() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let drive = drive(dir.path(), 0, 4);
    let (old, recent) = (pupil_id(0, 1), pupil_id(0, 2));
    // Without a policy only the birth date judges a date: the old payment is taken, then judged under one.
    mark(&drive, &old, &["--payment", "paid", "--amount", "350", "--paid-on", "2022-10-01"]);
    let config = dir.path().join("config");
    canbao(&drive).env("XDG_CONFIG_HOME", &config).args(["policy", "use", "liuzhou-2023"]).assert().success();
    let today = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive().to_string();
    mark(&drive, &recent, &["--payment", "paid", "--amount", "350", "--paid-on", &today]);
    let dry = bare()
        .arg("push")
        .arg(&drive)
        .args(["--to", &db.url, "--dry-run"])
        .env("XDG_CONFIG_HOME", &config)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&dry.stdout);
    assert!(dry.status.success(), "{text}");
    assert!(text.contains("1 笔家庭缴费的日期不属于") && text.contains("2022-10-01"), "{text}");
    assert!(!text.contains(&old) && !text.contains(&recent[..14]), "masked, and only the old one: {text}");
    let pushed = json(bare().arg("push").arg(&drive).args(["--to", &db.url, "--json"]).env("XDG_CONFIG_HOME", &config));
    let listed = pushed["payments_outside_year"].as_array().expect("payments_outside_year");
    assert_eq!(listed.len(), 1, "{pushed}");
    assert_eq!(listed[0]["paid_on"], "2022-10-01", "{pushed}");
    assert_eq!(listed[0]["file"], drive.display().to_string(), "{pushed}");
    assert_eq!(listed[0]["id_number"], canbao::domain::id_number::mask(&old), "{pushed}");
    assert!(listed[0]["why"].as_str().unwrap().contains("不是"), "{pushed}");
    // Pushed all the same: the county holds what the drive holds.
    assert_eq!(pushed["added"], 4, "{pushed}");
}

/// Two laptops changing one pupil's payment apart: a conflict, listed with both sides. A family's payment
/// recorded with its amount on one stands over the other's later 财政代缴 made without knowing of it (as a merge
/// keeps it), whichever laptop pushes first; another later change (the class) goes to the newer.
#[test]
fn two_laptops_changing_one_pupil_apart_is_a_conflict_the_recorded_payment_stands() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 4);
    let b = dir.path().join("laptop_b.db");
    std::fs::copy(&a, &b).unwrap();
    // The first laptop's copy goes up before either changes anything: the two share their history.
    push(&db, &[&a], &[]);
    let id = pupil_id(0, 2);
    mark(&a, &id, &["--payment", "paid", "--amount", "400"]);
    // Audit instants have whole seconds: the second laptop's change is plainly the later one.
    a_second_later();
    mark(&b, &id, &["--payment", "government"]);
    let first = push(&db, &[&a], &[]);
    assert_eq!(first["updated"], 1, "{first}");
    assert!(first["conflicts"].as_array().unwrap().is_empty());
    let second = push(&db, &[&b], &[]);
    let conflicts = second["conflicts"].as_array().unwrap();
    assert!(!conflicts.is_empty(), "{second}");
    assert!(conflicts.iter().all(|c| c["name"] == "学生02"), "{second}");
    let payment = conflicts.iter().find(|c| c["field"] == "payment").expect("the payment conflicts");
    assert_eq!((&payment["kept"], &payment["lost"]), (&"paid".into(), &"government".into()), "{payment}");
    assert_eq!(payment["payment_kept"], "paid", "{payment}");
    // The county's side, pushed before, by the drive's name; this push's by the path given.
    assert_eq!(payment["kept_drive"], "school0.db");
    assert_eq!(payment["lost_drive"], b.display().to_string());
    // Every laptop's drive may have one name: the county's side names who made its change too.
    assert_eq!(payment["county_operator"], "测试", "{payment}");
    assert!(!payment["id_number"].as_str().unwrap().contains(&id[6..14]), "the number is masked: {payment}");
    let county = rollup(&db, &[]);
    assert_eq!((county["paid"].as_i64(), county["government"].as_i64()), (Some(1), Some(0)), "{county}");
    // Printed in the screen's words: the field and its year, the values as labels, and why the payment stands.
    let fresh = TestDb::new().expect("a second database");
    bare().args(["push", "--to", &fresh.url]).arg(&a).assert().success();
    let out = bare().args(["push", "--to", &fresh.url]).arg(&b).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("「缴费状态（") && text.contains("保留 已缴费"), "{text}");
    assert!(text.contains("已收的缴费保留"), "{text}");
    assert!(text.contains("保留 已缴费（school0.db 测试 "), "{text}");
    assert!(!text.contains("Some(") && !text.contains("payment"), "{text}");
    // The other order: the later 财政代缴 reaches the county first, the payment recorded apart still stands.
    let other_order = TestDb::new().expect("a third database");
    push(&other_order, &[&b], &[]);
    let then = push(&other_order, &[&a], &[]);
    let payment = then["conflicts"].as_array().unwrap().iter().find(|c| c["field"] == "payment").cloned();
    let payment = payment.expect("the payment conflicts");
    assert_eq!((&payment["kept"], &payment["lost"]), (&"paid".into(), &"government".into()), "{payment}");
    let county = rollup(&other_order, &[]);
    assert_eq!((county["paid"].as_i64(), county["government"].as_i64()), (Some(1), Some(0)), "{county}");
    // Shown in full with --reveal, and the showing is in the county's history; a dry run cannot reveal.
    let revealed = TestDb::new().expect("a fourth database");
    bare().args(["push", "--to", &revealed.url]).arg(&a).assert().success();
    bare().args(["push", "--dry-run", "--reveal", "--to", &revealed.url]).arg(&b).assert().code(1);
    let out = bare()
        .args(["push", "--reveal", "--to", &revealed.url])
        .arg(&b)
        .env("CANBAO_OPERATOR", "县医保局张三")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains(&id), "the full number is shown");
    let rows = revealed
        .client()
        .query("SELECT operator, id_number, new FROM canbao.audit WHERE action = 'reveal'", &[])
        .unwrap();
    let rows: Vec<(String, String, String)> = rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    assert_eq!(rows, [("县医保局张三".to_owned(), id.clone(), "push".to_owned())]);
    // Either pushed again is no new conflict and changes nothing.
    for again in [push(&db, &[&a], &[]), push(&db, &[&b], &[])] {
        assert!(again["conflicts"].as_array().unwrap().is_empty(), "{again}");
    }
    assert_eq!((rollup(&db, &[])["paid"].as_i64(), rollup(&db, &[])["government"].as_i64()), (Some(1), Some(0)));
}

/// A laptop that took the payment in (a merge) and then changed it made its change knowing of the payment: the
/// change wins at the county, as it does in a merge.
#[test]
fn a_change_made_after_seeing_the_payment_wins_at_the_county() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 4);
    let b = dir.path().join("laptop_b.db");
    std::fs::copy(&a, &b).unwrap();
    push(&db, &[&a], &[]);
    let id = pupil_id(0, 2);
    mark(&a, &id, &["--payment", "paid", "--amount", "400"]);
    push(&db, &[&a], &[]);
    canbao(&b).arg("merge").arg(&a).assert().success();
    a_second_later();
    mark(&b, &id, &["--payment", "unpaid"]);
    let pushed = push(&db, &[&b], &[]);
    assert!(pushed["conflicts"].as_array().unwrap().is_empty(), "{pushed}");
    let county = rollup(&db, &[]);
    assert_eq!(county["paid"].as_i64(), Some(0), "{county}");
}

/// A laptop that only received a change through a merge has made no change of its own: its push takes the
/// county no newer stamp, and a later change on the laptop that made it is no conflict.
#[test]
fn a_value_a_laptop_only_merged_in_is_not_its_own_change_to_the_county() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 4);
    let b = laptop_copy(dir.path(), &a, "lapB");
    let id = pupil_id(0, 2);
    mark(&a, &id, &["--payment", "paid", "--amount", "400"]);
    push(&db, &[&a], &[]);
    a_second_later();
    canbao(&b).arg("merge").arg(&a).assert().success();
    let from_b = push(&db, &[&b], &[]);
    assert!(from_b["conflicts"].as_array().unwrap().is_empty(), "{from_b}");
    a_second_later();
    mark(&a, &id, &["--enrollment", "left"]);
    let from_a = push(&db, &[&a], &[]);
    assert!(from_a["conflicts"].as_array().unwrap().is_empty(), "{from_a}");
    assert_eq!(from_a["updated"], 1, "{from_a}");
    let county = db
        .client()
        .query_one(
            "SELECT s.enrollment, s.payment FROM canbao.statuses s JOIN canbao.pupils p ON p.id = s.pupil_id
             WHERE p.id_number = $1",
            &[&id],
        )
        .unwrap();
    assert_eq!((county.get::<_, String>(0), county.get::<_, String>(1)), ("left".into(), "paid".into()));
}

/// One laptop corrects a name; the other renames the pupil by mistake later and undoes it at once. The change
/// and its undo say nothing: the correction stands at the county whichever drive goes up first, with no
/// conflict. A rename the county took before its undo is taken back by the undo.
#[test]
fn a_change_undone_on_one_laptop_leaves_the_others_correction_standing_at_the_county() {
    use canbao::store::{IdentityEdit, Store};
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 4);
    let b = laptop_copy(dir.path(), &a, "lapB");
    let id = pupil_id(0, 2);
    // An undo is of the session that made the change: one store each.
    let rename = |s: &mut Store, at: &str, name: &str| {
        s.set_fixed_clock(at);
        let pupil = s.student_by_id_number(&id).unwrap().unwrap().id;
        (s.correct_identity(pupil, &IdentityEdit { name: Some(name.into()), ..Default::default() }).unwrap(), pupil)
    };
    let undo = |s: &mut Store, at: &str, (done, pupil): &(canbao::store::IdentityCorrection, i64)| {
        s.set_fixed_clock(at);
        s.restore_identity(*pupil, &done.before, "undo").unwrap();
    };
    let name_in = |db: &TestDb| -> String {
        db.client().query_one("SELECT name FROM canbao.pupils WHERE id_number = $1", &[&id]).unwrap().get(0)
    };
    // Pushed between the rename and its undo: the undo is news to the county.
    let Some(between) = TestDb::new() else { return };
    push(&between, &[&a], &[]);
    let b_path = dir.path().join("lapB").join("between.db");
    std::fs::copy(&b, &b_path).unwrap();
    let mut session = Store::open(&b_path).unwrap();
    let done = rename(&mut session, "2026-12-06T10:06:28+08:00", "学生02然");
    session.checkpoint().unwrap();
    push(&between, &[&b_path], &[]);
    assert_eq!(name_in(&between), "学生02然");
    undo(&mut session, "2026-12-06T10:06:30+08:00", &done);
    drop(session);
    let pushed = push(&between, &[&b_path], &[]);
    assert_eq!(name_in(&between), "学生02", "{pushed}");

    rename(&mut Store::open(&a).unwrap(), "2026-12-06T10:06:12+08:00", "学生零二");
    let mut session = Store::open(&b).unwrap();
    let done = rename(&mut session, "2026-12-06T10:06:28+08:00", "学生02然");
    undo(&mut session, "2026-12-06T10:06:28+08:00", &done);
    drop(session);
    for order in [[&a, &b], [&b, &a]] {
        let db = TestDb::new().expect("a database");
        push(&db, &[order[0]], &[]);
        let then = push(&db, &[order[1]], &[]);
        assert!(then["conflicts"].as_array().unwrap().is_empty(), "{order:?}: {then}");
        assert_eq!(name_in(&db), "学生零二", "{order:?}: {then}");
    }
}

/// The second laptop's clock runs 30 minutes ahead. Its note reaches the county, and the first laptop through a
/// merge; the first laptop's operator then corrects it at its own 10:40, really later. The county takes the
/// correction, with no conflict: it was made after the laptop held the other change, whatever the clocks say.
#[test]
fn a_change_made_after_merging_the_other_laptops_reaches_the_county_though_its_clock_is_behind() {
    use canbao::store::Store;
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 4);
    let b = laptop_copy(dir.path(), &a, "lapB");
    let id = pupil_id(0, 2);
    let note = |path: &Path, at: &str, text: &str| {
        let mut s = Store::open(path).unwrap();
        s.set_fixed_clock(at);
        let pupil = s.student_by_id_number(&id).unwrap().unwrap().id;
        s.set_note(pupil, text).unwrap();
    };
    note(&b, "2027-01-04T11:00:00+08:00", "乙");
    push(&db, &[&b], &[]);
    {
        let mut s = Store::open(&a).unwrap();
        s.set_fixed_clock("2027-01-04T10:35:00+08:00");
        assert!(s.merge_from(&b, false).unwrap().conflicts.is_empty());
    }
    note(&a, "2027-01-04T10:40:00+08:00", "甲改");
    let from_a = push(&db, &[&a], &[]);
    assert!(from_a["conflicts"].as_array().unwrap().is_empty(), "{from_a}");
    assert_eq!(from_a["updated"], 1, "{from_a}");
    let county_note = || -> String {
        db.client().query_one("SELECT note FROM canbao.pupils WHERE id_number = $1", &[&id]).unwrap().get(0)
    };
    assert_eq!(county_note(), "甲改");
    // The second laptop, which has not seen the correction, brings nothing back.
    let from_b = push(&db, &[&b], &[]);
    assert!(from_b["conflicts"].as_array().unwrap().is_empty(), "{from_b}");
    assert_eq!(county_note(), "甲改");
}

#[test]
fn a_dry_run_of_two_copies_reports_the_conflicts_the_push_then_reports() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 4);
    // Two laptops' copies of one drive, under one name: to the county they are one drive.
    let b = laptop_copy(dir.path(), &a, "lapB");
    let id = pupil_id(0, 2);
    mark(&a, &id, &["--payment", "paid", "--amount", "400"]);
    mark(&a, &pupil_id(0, 3), &["--note", "甲"]);
    a_second_later();
    mark(&b, &id, &["--payment", "government"]);
    mark(&b, &pupil_id(0, 3), &["--note", "乙"]);
    let dry = push(&db, &[&a, &b], &["--dry-run"]);
    let real = push(&db, &[&a, &b], &[]);
    let conflicts = real["conflicts"].as_array().unwrap();
    assert!(conflicts.iter().any(|c| c["field"] == "note"), "{real}");
    assert!(conflicts.iter().any(|c| c["field"] == "payment"), "{real}");
    assert_eq!(dry["conflicts"], real["conflicts"], "the dry run foretold the push");
    assert_eq!(dry["files"], real["files"]);
    // Each side is named by the path given, so the two laptops are told apart. The payment recorded on the first
    // stands over the second's later 财政代缴, made without knowing of it.
    let payment = conflicts.iter().find(|c| c["field"] == "payment").unwrap();
    assert_eq!((payment["kept"].as_str(), payment["lost"].as_str()), (Some("paid"), Some("government")));
    assert_eq!(payment["kept_drive"], a.display().to_string(), "{payment}");
    assert_eq!(payment["lost_drive"], b.display().to_string(), "{payment}");
    // The text of the dry run is the push's, but for its first line; the instants have their seconds.
    let fresh = TestDb::new().expect("a second database");
    let text = |extra: &[&str]| {
        let out = bare().args(["push", "--to", &fresh.url]).arg(&a).arg(&b).args(extra).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let dry = text(&["--dry-run"]);
    let real = text(&[]);
    assert_eq!(dry.lines().skip(1).collect::<Vec<_>>(), real.lines().collect::<Vec<_>>(), "{dry}\n{real}");
    let note = real.lines().find(|l| l.contains("「备注」")).unwrap_or_else(|| panic!("{real}"));
    let (lap_a, lap_b) = (a.display().to_string(), b.display().to_string());
    assert!(note.contains(&format!("保留 乙（{lap_b} ")) && note.contains(&format!("舍弃 甲（{lap_a} ")), "{note}");
    let times = note.split([' ', '）']).filter(|p| p.len() == 8 && p.as_bytes()[2] == b':' && p.as_bytes()[5] == b':');
    assert_eq!(times.count(), 2, "hours, minutes and seconds: {note}");
}

#[test]
fn a_dry_run_writes_nothing_not_even_the_schema() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 5);
    let report = push(&db, &[&a], &["--dry-run"]);
    assert_eq!((report["added"].as_u64(), report["dry_run"].as_bool()), (Some(5), Some(true)), "{report}");
    let schemas: i64 = db
        .client()
        .query_one("SELECT count(*) FROM information_schema.schemata WHERE schema_name = 'canbao'", &[])
        .unwrap()
        .get(0);
    assert_eq!(schemas, 0);
    let out = bare().args(["rollup", "--from", &db.url]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("canbao push"));
    // And the real push after it adds the same pupils.
    assert_eq!(push(&db, &[&a], &[])["added"], 5);
}

#[test]
fn the_password_is_never_shown() {
    // Port 1: nothing listens, so the connection fails and its error is printed.
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("none.db");
    let secret = "Zq7-SeCrEt";
    for url in [
        format!("postgresql://office:{secret}@127.0.0.1:1/county?connect_timeout=2"),
        format!("postgresql://office@127.0.0.1:1/county?password={secret}&connect_timeout=2"),
        format!("postgresql://office:{secret}@127.0.0.1:1/county?sslmode=sometimes"),
    ] {
        for args in [vec!["rollup", "--from", url.as_str()], vec!["push", "--to", url.as_str(), a.to_str().unwrap()]] {
            let out = bare().args(&args).output().unwrap();
            let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            assert_eq!(out.status.code(), Some(1), "{text}");
            assert!(!text.contains(secret) && !text.contains("SeCrEt"), "{text}");
        }
    }
    let url = format!("postgresql://office:{secret}@127.0.0.1:1/county?connect_timeout=2");
    let out = bare().args(["rollup", "--from", &url]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("office:***@127.0.0.1:1/county"), "the server is named, masked: {text}");
    // From the environment too.
    let out = bare().args(["rollup"]).env("CANBAO_PG", &url).output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("***") && !text.contains(secret), "{text}");
}

#[test]
fn tls_as_the_url_asks() {
    let Some(db) = TestDb::new() else { return };
    let ssl: String = db.client().query_one("SHOW ssl", &[]).unwrap().get(0);
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    let require = format!("{}?sslmode=require", db.url);
    let out = bare().args(["push", "--to", &require, "--json"]).arg(&a).output().unwrap();
    if ssl == "on" {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    } else {
        assert_eq!(out.status.code(), Some(1), "require refuses a server without TLS");
    }
    let out = bare().args(["rollup", "--from", &format!("{}?sslmode=verify-full", db.url)]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("sslrootcert"));
    let disable = format!("{}?sslmode=disable", db.url);
    assert_eq!(
        json(bare().args(["push", "--to", &disable, "--json"]).arg(&a))["added"],
        if ssl == "on" { 0 } else { 3 }
    );
}

#[test]
fn each_insured_year_keeps_its_own_statuses() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let a = drive(dir.path(), 0, 4);
    mark(&a, &pupil_id(0, 0), &["--payment", "paid", "--amount", "400"]);
    let first = push(&db, &[&a], &[]);
    let year = first["files"][0]["year"].as_i64().expect("the drive's year");
    let next = (year + 1).to_string();
    canbao(&a)
        .args(["year", "new", &next, "--force"])
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .assert()
        .success();
    mark(&a, &pupil_id(0, 1), &["--payment", "government"]);
    let second = push(&db, &[&a], &[]);
    assert_eq!(second["files"][0]["year"], year + 1);
    assert_eq!(second["updated"], 4, "every pupil has a new year's statuses: {second}");
    let closed = rollup(&db, &["--year", &year.to_string()]);
    assert_eq!((closed["paid"].as_i64(), closed["government"].as_i64()), (Some(1), Some(0)), "{closed}");
    let current = rollup(&db, &[]);
    assert_eq!(current["year"], year + 1, "the latest year by default");
    assert_eq!((current["paid"].as_i64(), current["government"].as_i64()), (Some(0), Some(1)), "{current}");
    let stats = json(canbao(&a).args(["stats", "--json"]));
    assert_eq!(current["enrolled"], stats["insured"]);
    assert_eq!(push(&db, &[&a], &[])["unchanged"], 4, "and a second push changes nothing");
}

#[test]
fn one_group_starting_next_year_early_leaves_the_county_on_the_year_most_pupils_are_in() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let early = drive(dir.path(), 0, 3);
    let rest = drive(dir.path(), 1, 5);
    let year = push(&db, &[&rest], &[])["files"][0]["year"].as_i64().expect("the drive's year");
    let next = (year + 1).to_string();
    canbao(&early)
        .args(["year", "new", &next, "--force"])
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .assert()
        .success();
    push(&db, &[&early], &[]);
    // Five pupils are collected for this year, three already for the next: this year is shown, all eight.
    let county = rollup(&db, &[]);
    assert_eq!((county["year"].as_i64(), county["students"].as_i64()), (Some(year), Some(8)), "{county}");
    assert_eq!(county["years"], serde_json::json!([year, year + 1]));
    let text = bare().args(["rollup", "--from", &db.url]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(text.contains(&format!("另有 {next} 年度")), "the other year is named: {text}");
    // The other year when asked, in the summary too.
    assert_eq!(rollup(&db, &["--year", &next])["students"], 3);
    let out = bare()
        .args(["export", "summary", "--format", "csv", "--year", &next, "--from", &db.url, "--out", "-"])
        .output()
        .unwrap();
    let sheet = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(sheet.contains(&format!("保险年度：{next}年度")) && sheet.contains("学生总数,3"), "{sheet}");
    // A year nobody pushed is an error that names the years there are, not a page of zeros.
    let out = bare().args(["rollup", "--from", &db.url, "--year", "27"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(said.contains("没有 27 年度") && said.contains(&next), "{said}");
}

#[test]
fn the_county_summary_is_written_from_the_database() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let drives: Vec<PathBuf> = (0..2).map(|s| drive(dir.path(), s, 3 + s)).collect();
    mark(&drives[1], &pupil_id(1, 0), &["--payment", "government"]);
    let files: Vec<&Path> = drives.iter().map(PathBuf::as_path).collect();
    push(&db, &files, &[]);
    let out = dir.path().join("county.csv");
    // --from without a URL reads CANBAO_PG.
    bare()
        .args(["export", "summary", "--format", "csv", "--from", "--out"])
        .arg(&out)
        .env("CANBAO_PG", &db.url)
        .assert()
        .success();
    let text = String::from_utf8(std::fs::read(&out).unwrap()).unwrap();
    let cells: Vec<Vec<&str>> = text.lines().map(|l| l.trim_start_matches('\u{feff}').split(',').collect()).collect();
    let row =
        |first: &str| cells.iter().find(|r| r.first() == Some(&first)).unwrap_or_else(|| panic!("{first}: {text}"));
    assert_eq!(row("学生总数")[1], "7");
    assert_eq!(row("缴费状态：财政代缴")[1], "1");
    assert_eq!(row("学校")[..2], ["学校", "人数"], "one line per school: {text}");
    assert_eq!(row("第1小学")[1], "3");
    assert_eq!((row("第2小学")[1], row("第2小学")[3]), ("4", "1"), "{text}");
    // The county's 参保率, from the counts `rollup` gives.
    let county = rollup(&db, &[]);
    let (insured, expected) = (county["enrolled"].as_u64().unwrap(), county["expected"].as_u64().unwrap());
    let permille = (insured * 1000 + expected / 2) / expected;
    assert_eq!(row("参保率（已参保÷应参保）")[1], format!("{}.{}%", permille / 10, permille % 10), "{text}");
    // Per class of one school.
    let one = dir.path().join("one.csv");
    bare()
        .args(["export", "summary", "--format", "csv", "--school", "第2小学", "--from", &db.url, "--out"])
        .arg(&one)
        .assert()
        .success();
    let text = String::from_utf8(std::fs::read(&one).unwrap()).unwrap();
    assert!(text.contains("学校名称：第2小学") && text.contains("三年级1班"), "{text}");
    // The school's own totals under its name, not the county's.
    let line =
        |first: &str| text.lines().find(|l| l.trim_start_matches('\u{feff}').starts_with(first)).map(str::to_owned);
    assert_eq!(line("学生总数,").as_deref(), Some("学生总数,4"), "{text}");
    assert_eq!(line("缴费状态：财政代缴,").as_deref(), Some("缴费状态：财政代缴,1"), "{text}");
    // `--out -`: the form on standard output, no file named "-".
    let out = bare()
        .current_dir(dir.path())
        .args(["export", "summary", "--format", "csv", "--from", &db.url, "--out", "-"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).unwrap();
    assert!(printed.contains("学生总数,7") && printed.contains("第2小学"), "{printed}");
    assert!(!dir.path().join("-").exists());
    // Only the summary comes from the county database.
    bare().args(["export", "ledgers", "--from", &db.url]).assert().code(1);
}

/// `year new --promote` on a drive: its classes move up a grade.
fn close_year(db: &Path, home: &Path, next: i64) {
    canbao(db)
        .args(["year", "new", &next.to_string(), "--promote", "--force"])
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .assert()
        .success();
}

/// (class, pupils, 已参保) per class, from a roll-up with --school or from a drive's stats.
fn class_counts(v: &Value) -> Vec<(String, i64, i64)> {
    let count = |c: &Value, key: &str| c[key].as_i64().unwrap_or_else(|| panic!("{key}: {c}"));
    v["classes"]
        .as_array()
        .unwrap_or_else(|| panic!("no classes: {v}"))
        .iter()
        .map(|c| (c["class"].as_str().unwrap_or_default().to_owned(), count(c, "students"), count(c, "enrolled")))
        .collect()
}

fn labels(counts: &[(String, i64, i64)]) -> Vec<&str> {
    counts.iter().map(|c| c.0.as_str()).collect()
}

#[test]
fn a_closed_year_rolls_up_by_the_classes_of_that_year() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    // The first school is pushed before its year closes and after; the second only after.
    let a = drive(dir.path(), 0, 6);
    let b = drive(dir.path(), 1, 4);
    mark(&a, &pupil_id(0, 0), &["--payment", "paid", "--amount", "400"]);
    mark(&a, &pupil_id(0, 3), &["--payment", "government"]);
    mark(&b, &pupil_id(1, 1), &["--payment", "paid", "--amount", "400"]);
    let year = push(&db, &[&a], &[])["files"][0]["year"].as_i64().expect("the drive's year");
    close_year(&a, &home, year + 1);
    close_year(&b, &home, year + 1);
    mark(&a, &pupil_id(0, 2), &["--payment", "paid", "--amount", "400"]);
    let second = push(&db, &[&a, &b], &[]);
    assert_eq!((second["added"].as_u64(), second["updated"].as_u64()), (Some(4), Some(6)), "{second}");

    for (s, file) in [(0, &a), (1, &b)] {
        let school = format!("第{}小学", s + 1);
        for y in [year, year + 1] {
            let county = rollup(&db, &["--school", &school, "--year", &y.to_string()]);
            let stats = json(canbao(file).args(["--year", &y.to_string(), "stats", "--json"]));
            assert_eq!(class_counts(&county), class_counts(&stats), "{school} {y}: {county}");
        }
    }
    let closed = class_counts(&rollup(&db, &["--school", "第1小学", "--year", &year.to_string()]));
    assert_eq!(labels(&closed), ["三年级1班", "三年级2班"], "last year's classes: {closed:?}");
    // 学生00 (paid) and 学生03 (财政代缴) were in 1班 and 2班 then.
    assert_eq!(closed.iter().map(|c| (c.1, c.2)).collect::<Vec<_>>(), [(3, 1), (3, 1)]);
    let current = class_counts(&rollup(&db, &["--school", "第1小学"]));
    assert_eq!(labels(&current), ["四年级1班", "四年级2班"], "this year's: {current:?}");
    assert_eq!(current.iter().map(|c| c.2).collect::<Vec<_>>(), [1, 0], "only 学生02 paid this year");
    // The county's 参保进度汇总 of that year, per class of one school, counts the same classes.
    let sheet = dir.path().join("closed.csv");
    bare()
        .args(["--year", &year.to_string(), "export", "summary", "--format", "csv", "--school", "第1小学"])
        .args(["--from", &db.url, "--out"])
        .arg(&sheet)
        .assert()
        .success();
    let text = String::from_utf8(std::fs::read(&sheet).unwrap()).unwrap();
    assert!(text.contains(&format!("保险年度：{year}年度")), "{text}");
    assert!(text.contains("三年级1班") && !text.contains("四年级1班"), "{text}");
    let second_school = class_counts(&rollup(&db, &["--school", "第2小学", "--year", &year.to_string()]));
    assert_eq!(labels(&second_school), ["三年级1班", "三年级2班"], "copied in with its classes");

    let again = push(&db, &[&a, &b], &[]);
    assert_eq!((again["added"].as_u64(), again["updated"].as_u64()), (Some(0), Some(0)), "{again}");
    assert_eq!(again["unchanged"], 10, "{again}");

    // A copy of the first drive that closed the year with 学生00 in another class: the county keeps the
    // class it has (a closed year's counts do not shift with a later push), and nothing else changes.
    let copy = dir.path().join("copy.db");
    std::fs::copy(&a, &copy).unwrap();
    let conn = rusqlite::Connection::open(&copy).unwrap();
    let moved = conn
        .execute(
            "UPDATE year_statuses SET class = '2班'
             WHERE year = ?1 AND student_id = (SELECT id FROM students WHERE id_number = ?2)",
            rusqlite::params![year, pupil_id(0, 0)],
        )
        .unwrap();
    assert_eq!(moved, 1);
    drop(conn);
    let other = push(&db, &[&copy], &[]);
    assert_eq!((other["added"].as_u64(), other["updated"].as_u64()), (Some(0), Some(0)), "{other}");
    assert_eq!(class_counts(&rollup(&db, &["--school", "第1小学", "--year", &year.to_string()])), closed);
}

#[test]
fn a_county_database_of_schema_3_is_brought_forward_and_learns_the_closed_years_classes() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let a = drive(dir.path(), 0, 4);
    mark(&a, &pupil_id(0, 1), &["--payment", "paid", "--amount", "400"]);
    let year = push(&db, &[&a], &[])["files"][0]["year"].as_i64().expect("the drive's year");
    close_year(&a, &home, year + 1);
    push(&db, &[&a], &[]);
    // What a canbao before county schema 4 leaves behind: the same rows, no class kept per insured year.
    db.client()
        .batch_execute(
            "ALTER TABLE canbao.statuses DROP COLUMN grade, DROP COLUMN class, DROP COLUMN class_order;
             DROP TABLE canbao.other_school_pupils;
             ALTER TABLE canbao.pupils DROP COLUMN class_promoted, DROP COLUMN class_made_in, DROP COLUMN class_from;
             UPDATE canbao.canbao_meta SET value = '3' WHERE key = 'schema_version';",
        )
        .unwrap();
    // Read before any push brings it forward: every year by the pupils' classes now, as it could only be.
    let old = class_counts(&rollup(&db, &["--school", "第1小学", "--year", &year.to_string()]));
    assert_eq!(labels(&old), ["四年级1班", "四年级2班"], "{old:?}");

    let forward = push(&db, &[&a], &[]);
    assert_eq!((forward["added"].as_u64(), forward["updated"].as_u64()), (Some(0), Some(4)), "{forward}");
    let version: String =
        db.client().query_one("SELECT value FROM canbao.canbao_meta WHERE key = 'schema_version'", &[]).unwrap().get(0);
    assert_eq!(version, canbao::county::schema::latest_version().to_string());
    // Brought forward, it holds the keys and indexes of a county made today.
    if let Some(made) = TestDb::new() {
        let mut client = made.client();
        let mut tx = client.transaction().unwrap();
        canbao::county::schema::migrate(&mut tx).unwrap();
        tx.commit().unwrap();
        assert_eq!(catalogue(&db), catalogue(&made));
    }
    let county = rollup(&db, &["--school", "第1小学", "--year", &year.to_string()]);
    let stats = json(canbao(&a).args(["--year", &year.to_string(), "stats", "--json"]));
    assert_eq!(class_counts(&county), class_counts(&stats), "{county}");
    assert_eq!(labels(&class_counts(&county)), ["三年级1班", "三年级2班"]);
    assert_eq!(push(&db, &[&a], &[])["unchanged"], 4, "and a second push changes nothing");
}

#[test]
fn a_drive_still_in_last_year_does_not_move_promoted_pupils_back() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let a = drive(dir.path(), 0, 4);
    let year = push(&db, &[&a], &[])["files"][0]["year"].as_i64().expect("the drive's year");
    close_year(&a, &home, year + 1);
    push(&db, &[&a], &[]);
    // A second laptop imported the same list later and has not started the new year.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let b = drive(&other, 0, 4);
    let report = push(&db, &[&b], &[]);
    assert_eq!(report["added"], 0, "the same pupils: {report}");
    let conflicts = report["conflicts"].as_array().unwrap();
    assert!(conflicts.iter().all(|c| c["field"] != "class" && c["field"] != "grade"), "{report}");
    let current = class_counts(&rollup(&db, &["--school", "第1小学", "--year", &(year + 1).to_string()]));
    assert_eq!(labels(&current), ["四年级1班", "四年级2班"], "still promoted: {current:?}");
    let closed = class_counts(&rollup(&db, &["--school", "第1小学", "--year", &year.to_string()]));
    assert_eq!(labels(&closed), ["三年级1班", "三年级2班"], "{closed:?}");
}

/// A laptop still in last year certifies a pupil's category after the promoted laptop certified another for
/// this year: the county keeps this year's certification (newer news, whatever the clocks say).
#[test]
fn a_drive_still_in_last_year_does_not_undo_this_years_category_certification() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let a = drive(dir.path(), 0, 4);
    let year = push(&db, &[&a], &[])["files"][0]["year"].as_i64().expect("the drive's year");
    // The second laptop: a copy made before the new year.
    let b = dir.path().join("copy.db");
    canbao(&a).arg("backup").arg(&b).assert().success();
    close_year(&a, &home, year + 1);
    let certify = |db: &Path, class: &str, category: &str| {
        let list = dir.path().join(format!("{category}.csv"));
        let text = format!("姓名,身份证号,所在年级、班级,人员类别\n学生00,{},{class},{category}\n", pupil_id(0, 0));
        std::fs::write(&list, text).unwrap();
        canbao(db).arg("import").arg(&list).env("HOME", &home).assert().success();
    };
    certify(&a, "四年级1班", "低保对象");
    push(&db, &[&a], &[]);
    // The last-year laptop's certification must be the newer by the clock (instants have whole seconds): the
    // year, not the clock, is to decide.
    a_second_later();
    certify(&b, "三年级1班", "孤儿");
    push(&db, &[&b], &[]);
    let (categories, certified): (String, Option<i32>) = {
        let row = db
            .client()
            .query_one(
                "SELECT categories::text, categories_year FROM canbao.pupils WHERE id_number = $1",
                &[&pupil_id(0, 0)],
            )
            .unwrap();
        (row.get(0), row.get(1))
    };
    assert!(categories.contains("低保") && !categories.contains("孤儿"), "{categories}");
    assert_eq!(certified, Some(year as i32 + 1));
}

/// One laptop takes three payments, the other marks the same pupils 不参保, 异地参保 and 已离校 without having seen
/// them: whichever was newer, and pushed in either order, the county keeps each payment and not the enrollment
/// that contradicts it, lists the pair as a conflict naming the payment, and counts the children insured, not
/// declined. An 已离校 made apart is no exception when its clock is later: changes made apart have no order but
/// the laptops' clocks (see `a_payment_taken_on_a_laptop_whose_clock_is_behind_reaches_the_county_with_its_enrollment`).
/// Pushing again changes nothing.
#[test]
fn a_payment_stands_against_an_enrollment_marked_apart_on_another_laptop() {
    let dir = tempfile::tempdir().unwrap();
    let base = drive(dir.path(), 0, 4);
    let (declined, elsewhere, left) = (pupil_id(0, 1), pupil_id(0, 2), pupil_id(0, 3));
    // Enrolled here before the copies were made, so the payment changes no enrollment of its own.
    for id in [&declined, &elsewhere, &left] {
        mark(&base, id, &["--enrollment", "here"]);
    }
    for payment_first in [true, false] {
        let laptop = |name: &str| {
            let folder = dir.path().join(format!("{name}-{payment_first}"));
            std::fs::create_dir(&folder).unwrap();
            let file = folder.join("school0.db");
            std::fs::copy(&base, &file).unwrap();
            file
        };
        let (a, b) = (laptop("lapA"), laptop("lapB"));
        let pay = || {
            for id in [&declined, &elsewhere, &left] {
                mark(&a, id, &["--payment", "paid", "--amount", "400"]);
            }
        };
        let contradict = || {
            mark(&b, &declined, &["--enrollment", "declined", "--reason", "家长拒绝"]);
            mark(&b, &elsewhere, &["--enrollment", "elsewhere", "--reason", "外省"]);
            mark(&b, &left, &["--enrollment", "left"]);
        };
        // Audit instants have whole seconds: the second laptop's marks are plainly the later ones.
        let wait = || a_second_later();
        if payment_first {
            pay();
            wait();
            contradict();
        } else {
            contradict();
            wait();
            pay();
        }
        for order in [[&a, &b], [&b, &a]] {
            let case = format!("payment first: {payment_first}, pushed first: {}", order[0].display());
            let Some(db) = TestDb::new() else { return };
            let report = push(&db, &[order[0], order[1]], &[]);
            let listed: Vec<(&str, &str, &str, &str)> = report["conflicts"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["field"] == "enrollment")
                .map(|c| {
                    let s = |k: &str| c[k].as_str().unwrap_or("");
                    (s("name"), s("kept"), s("lost"), s("payment_kept"))
                })
                .collect();
            let expected = vec![
                ("学生01", "here", "declined", "paid"),
                ("学生02", "here", "elsewhere", "paid"),
                ("学生03", "here", "left", "paid"),
            ];
            assert_eq!(listed, expected, "{case}: {report}");
            let paying = a.display().to_string();
            for c in report["conflicts"].as_array().unwrap() {
                assert_eq!(
                    (c["kept_drive"].as_str(), c["payment_kept"].as_str()),
                    (Some(&*paying), Some("paid")),
                    "{case}: {c}"
                );
            }
            let county = rollup(&db, &[]);
            let counts =
                ["paid", "enrolled", "declined", "elsewhere", "left"].map(|k| county[k].as_i64().unwrap_or(-1));
            assert_eq!(counts, [3, 3, 0, 0, 0], "{case}: {county}");
            let standing = db
                .client()
                .query_one(
                    "SELECT s.enrollment FROM canbao.statuses s JOIN canbao.pupils p ON p.id = s.pupil_id
                     WHERE p.id_number = $1",
                    &[&left],
                )
                .unwrap();
            assert_eq!(standing.get::<_, String>(0), "here", "{case}");
            let again = push(&db, &[&a, &b], &[]);
            assert!(again["conflicts"].as_array().unwrap().is_empty(), "{case}: {again}");
            assert_eq!((again["updated"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(8)), "{case}: {again}");
        }
        // The text says which payment stood and which enrollment was not applied.
        let Some(db) = TestDb::new() else { return };
        let out = bare().args(["push", "--to", &db.url]).arg(&b).arg(&a).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let line =
            text.lines().find(|l| l.contains("学生01") && l.contains("「参保状态")).unwrap_or_else(|| panic!("{text}"));
        assert!(
            line.contains("保留 在校参保（已缴费，") && line.contains("未采用 不参保（") && line.contains("与缴费矛盾"),
            "{line}"
        );
    }
}

/// A login role made for one test (trust on the test server: no password is checked), dropped after it.
struct TestRole {
    name: String,
    db_url: String,
}

impl TestRole {
    /// A role that may read `db`'s canbao schema (made by a push before).
    fn reader(db: &TestDb) -> TestRole {
        let name = format!("canbao_role_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::SeqCst));
        let mut admin = postgres::Client::connect(&admin_url(), postgres::NoTls).expect("admin");
        admin.batch_execute(&format!("DROP ROLE IF EXISTS {name}; CREATE ROLE {name} LOGIN")).expect("create role");
        db.client()
            .batch_execute(&format!(
                "GRANT USAGE ON SCHEMA canbao TO {name}; GRANT SELECT ON ALL TABLES IN SCHEMA canbao TO {name}"
            ))
            .expect("grant");
        TestRole { name, db_url: db.url.clone() }
    }

    /// The test database's URL as this role, with a password (which the server does not ask for).
    fn url(&self, password: &str) -> String {
        let after = self.db_url.split_once("://").expect("a URL").1;
        let host = after.rsplit_once('@').map_or(after, |(_, host)| host);
        format!("postgresql://{}:{password}@{host}", self.name)
    }

    fn admin(&self, sql: &str) {
        let mut admin = postgres::Client::connect(&admin_url(), postgres::NoTls).expect("admin");
        admin.batch_execute(&sql.replace("ROLE_NAME", &self.name)).expect(sql);
    }
}

impl Drop for TestRole {
    fn drop(&mut self) {
        if let Ok(mut db) = postgres::Client::connect(&self.db_url, postgres::NoTls) {
            let _ = db.batch_execute(&format!("DROP OWNED BY {}", self.name));
        }
        if let Ok(mut admin) = postgres::Client::connect(&admin_url(), postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = '{0}'; DROP ROLE IF EXISTS {0}",
                self.name
            ));
        }
    }
}

#[test]
fn a_password_holding_url_punctuation_unencoded_reaches_the_host_shown() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    push(&db, &[&a], &[]);
    let role = TestRole::reader(&db);
    for password in ["Cb@2026", "p@ss/w?rd#1:%", "50%off", "a?b=c@d"] {
        let url = role.url(password);
        let county = json(bare().args(["rollup", "--from", &url, "--json"]));
        assert_eq!(county["students"], 3, "{url}");
    }
}

#[test]
fn a_connection_error_is_masked_where_it_quotes_the_address_only() {
    // Nothing listens on port 1. The password is a letter of the library's own message.
    let out =
        bare().args(["rollup", "--from", "postgresql://root:e@127.0.0.1:1/x?connect_timeout=2"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("postgresql://root:***@127.0.0.1:1/x"), "{text}");
    assert!(text.contains("error connecting to server"), "{text}");
}

#[test]
fn a_failed_dry_run_says_nothing_was_written_and_a_lone_file_names_no_files_before_it() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    push(&db, &[&a], &[]);
    // A role that may read the county but not write it.
    let role = TestRole::reader(&db);
    let b = drive(dir.path(), 1, 3);
    let out = bare().args(["push", "--dry-run", "--to", &role.url("pw")]).arg(&b).output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("试运行") && text.contains("nothing was written"), "{text}");
    assert!(!text.contains("之前") && !text.contains("before it were"), "{text}");
    let out = bare().args(["push", "--to", &role.url("pw")]).arg(&b).output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(!text.contains("之前") && !text.contains("before it were"), "{text}");
    // A file skipped for holding no pupils was not pushed either.
    let empty = empty_drive(dir.path());
    let out = bare().args(["push", "--to", &role.url("pw")]).arg(&empty).arg(&b).output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("跳过") && !text.contains("之前") && !text.contains("before it were"), "{text}");
}

#[test]
fn the_dashboards_reads_report_the_latest_failure() {
    use canbao::county::connect::Session;
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    push(&db, &[&a], &[]);
    let role = TestRole::reader(&db);
    let mut session = Session::open(canbao::county::Target::parse(&role.url("pw")).unwrap()).unwrap();
    let mut read = || session.read(|c| canbao::county::rollup(c, None, None)).map(|r| r.totals.students);
    assert_eq!(read().unwrap(), 3);
    // The account may no longer log in, and its connection is cut.
    role.admin(
        "ALTER ROLE ROLE_NAME NOLOGIN; \
         SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE usename = 'ROLE_NAME'",
    );
    let first = read().unwrap_err().to_string();
    let second = read().unwrap_err().to_string();
    assert!(second.contains("not permitted to log in"), "first: {first}\nthen: {second}");
    role.admin("ALTER ROLE ROLE_NAME LOGIN");
    assert_eq!(read().unwrap(), 3);
}

#[test]
fn rollup_names_the_nearest_schools_and_prints_every_column_its_figures_add_up_from() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 6);
    let b = drive(dir.path(), 1, 2);
    mark(&a, &pupil_id(0, 0), &["--payment", "paid", "--amount", "400"]);
    mark(&a, &pupil_id(0, 1), &["--enrollment", "elsewhere"]);
    mark(&a, &pupil_id(0, 2), &["--enrollment", "left"]);
    mark(&a, &pupil_id(0, 3), &["--enrollment", "declined", "--reason", "家长拒绝"]);
    push(&db, &[&a, &b], &[]);

    let out = bare().args(["rollup", "--from", &db.url, "--school", "第1"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("最接近的是：第1小学、第2小学"), "{text}");

    let out = bare().args(["rollup", "--from", &db.url]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("异地参保 1，不参保 1，已离校 1，特殊群体 0，身份证号有问题 0"), "{text}");
    let header = text.lines().find(|l| l.starts_with("学校/班级")).expect("header");
    let line = text.lines().find(|l| l.starts_with("第1小学")).expect("school line");
    let columns: Vec<(&str, &str)> = header.split('\t').zip(line.split('\t')).collect();
    for (column, value) in [("人数", "6"), ("应参保", "4"), ("已参保", "2"), ("家庭缴费", "1"), ("异地参保", "1")]
    {
        assert!(columns.contains(&(column, value)), "{column} {value}: {columns:?}");
    }
    for (column, value) in [("不参保", "1"), ("已离校", "1"), ("身份证号有问题", "0")] {
        assert!(columns.contains(&(column, value)), "{column} {value}: {columns:?}");
    }
}

#[test]
fn the_same_file_twice_in_one_push_is_pushed_once() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 4);
    std::fs::create_dir(dir.path().join("x")).unwrap();
    let again = dir.path().join("x").join("..").join(a.file_name().unwrap());
    let out = bare().arg("push").args([&a, &a, &again]).args(["--to", &db.url, "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report["added"].as_u64(), report["files"].as_array().map(Vec::len)), (Some(4), Some(1)), "{report}");
    let told = String::from_utf8_lossy(&out.stderr);
    assert_eq!(told.matches("只上传一次").count(), 2, "{told}");
    let again = push(&db, &[&a, &a], &[]);
    assert_eq!((again["unchanged"].as_u64(), again["added"].as_u64()), (Some(4), Some(0)), "{again}");
}

/// The county's keys and indexes, each with its definition and the key it backs.
fn catalogue(db: &TestDb) -> Vec<String> {
    db.client()
        .query(
            "SELECT t.relname || ': ' || pg_get_indexdef(i.indexrelid) || coalesce(' ' || c.contype::text || ' ' || c.conname, '')
             FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
             LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = t.oid
             WHERE t.relnamespace = 'canbao'::regnamespace ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[test]
fn a_new_countys_first_push_builds_every_key_and_index_the_schema_makes() {
    let (Some(made), Some(pushed)) = (TestDb::new(), TestDb::new()) else { return };
    let mut client = made.client();
    let mut tx = client.transaction().unwrap();
    assert!(canbao::county::schema::migrate(&mut tx).unwrap(), "the schema is new");
    tx.commit().unwrap();
    let mut tx = client.transaction().unwrap();
    assert!(!canbao::county::schema::migrate(&mut tx).unwrap(), "and then it is there");
    tx.commit().unwrap();

    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (drive(dir.path(), 0, 6), drive(dir.path(), 1, 4));
    mark(&a, &pupil_id(0, 1), &["--payment", "paid", "--amount", "400"]);
    // The first file makes the county (its keys built after its rows), the second meets them.
    let first = push(&pushed, &[&a, &b], &[]);
    assert_eq!(first["added"], 10, "{first}");
    let expected = catalogue(&made);
    assert!(expected.iter().any(|i| i.contains("pupils_key_key")), "{expected:?}");
    assert_eq!(catalogue(&pushed), expected);
    // The keys hold what they held: a pupil, a status, a history row once.
    let mut client = pushed.client();
    for table in ["pupils", "statuses", "audit"] {
        let again = client.batch_execute(&format!("INSERT INTO canbao.{table} SELECT * FROM canbao.{table} LIMIT 1"));
        assert!(again.is_err(), "{table} took a row twice");
    }
    let again = push(&pushed, &[&a, &b], &[]);
    assert_eq!((again["added"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(10)), "{again}");
    assert_eq!(rollup(&pushed, &[])["schools"].as_array().map(Vec::len), Some(2));
}

#[test]
fn a_number_corrected_on_a_copy_of_the_drive_corrects_the_countys_pupil_and_adds_no_second() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let school = "第1小学";
    let good = pupil_id(0, 0);
    // The last digit typed wrong: flagged, keyed by number, name, school and class.
    let typo = format!("{}{}", &good[..17], if good.ends_with('1') { '2' } else { '1' });
    let list = |number: &str| {
        format!("姓名,身份证号,所在年级、班级\n张小明,{number},三年级1班\n李小红,{},三年级1班\n", pupil_id(0, 1))
    };
    let a = dir.path().join("a.db");
    std::fs::write(dir.path().join("first.csv"), list(&typo)).unwrap();
    canbao(&a).args(["import", "--school", school]).arg(dir.path().join("first.csv")).assert().success();
    let first = push(&db, &[&a], &[]);
    assert_eq!(first["added"], 2, "{first}");

    // The other laptop's copy, where the corrected list came in.
    let b = dir.path().join("b.db");
    std::fs::copy(&a, &b).unwrap();
    std::fs::write(dir.path().join("corrected.csv"), list(&good)).unwrap();
    canbao(&b).args(["import", "--school", school]).arg(dir.path().join("corrected.csv")).assert().success();
    let found = json(canbao(&b).args(["find", &good, "--json", "--reveal"]));
    assert_eq!(found.as_array().map(Vec::len), Some(1), "the copy corrected the number: {found}");

    let second = push(&db, &[&b], &[]);
    assert_eq!((second["added"].as_u64(), second["updated"].as_u64()), (Some(0), Some(1)), "{second}");
    let keys: Vec<(String, bool)> = db
        .client()
        .query("SELECT id_number, id_valid FROM canbao.pupils ORDER BY id_number", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let mut expected = vec![(good.clone(), true), (pupil_id(0, 1), true)];
    expected.sort();
    assert_eq!(keys, expected);
    assert_eq!(rollup(&db, &[])["students"], 2);
}

/// Whether the push itself gave `table` statistics (`last_analyze` is only set by an ANALYZE statement,
/// never by autovacuum's own).
fn analysed(db: &TestDb, table: &str) -> bool {
    db.client()
        .query_one(
            "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE schemaname = 'canbao' AND relname = $1",
            &[&table],
        )
        .unwrap()
        .get(0)
}

#[test]
fn a_push_that_fills_the_countys_tables_gives_them_statistics_and_a_small_one_does_not() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (drive(dir.path(), 0, 60), drive(dir.path(), 1, 3));
    // Two files in one command: the second is planned against the tables the first filled seconds before.
    push(&db, &[&a, &b], &[]);
    for table in ["pupils", "statuses", "audit"] {
        assert!(analysed(&db, table), "{table} has no statistics after the county's first push");
    }
    let counted: f32 = db
        .client()
        .query_one("SELECT reltuples FROM pg_class WHERE oid = 'canbao.pupils'::regclass", &[])
        .unwrap()
        .get(0);
    assert!(counted >= 60.0, "{counted}");

    // Three pupils more into a county of 63 (under a tenth plus 50): left to autovacuum.
    let other = TestDb::new().unwrap();
    push(&other, &[&a], &[]);
    other.client().batch_execute("SELECT pg_stat_reset()").unwrap();
    push(&other, &[&b], &[]);
    assert!(!analysed(&other, "pupils"), "a push of three pupils analysed the county");
}

/// The push run as a child process, its standard error read line by line into a channel.
fn push_in_background(db: &TestDb, files: &[&Path]) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead;
    use std::process::Stdio;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_canbao"))
        .env_remove("CANBAO_DB")
        .env_remove("CANBAO_PG")
        .env_remove("PGPASSWORD")
        .arg("push")
        .args(files)
        .args(["--to", &db.url, "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let stderr = child.stderr.take().unwrap();
    let (tell, lines) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            if tell.send(line).is_err() {
                return;
            }
        }
    });
    (child, lines)
}

/// Waits up to a minute for a line holding `text`; every line seen before it is returned on failure.
fn until_line(lines: &std::sync::mpsc::Receiver<String>, text: &str) {
    let mut seen = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(text) => return,
            Ok(line) => seen.push(line),
            Err(_) => break,
        }
    }
    panic!("no line with {text:?}; saw: {seen:?}");
}

const WAITING: &str = "另一次上传正在进行";

#[test]
fn a_push_that_finds_another_under_way_says_so_and_goes_on_when_it_ends() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    // Another push, as the server sees it: a transaction holding the push lock.
    let mut other = db.client();
    let mut tx = other.transaction().unwrap();
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&canbao::county::schema::PUSH_LOCK]).unwrap();
    let (mut child, lines) = push_in_background(&db, &[&a]);
    until_line(&lines, WAITING);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "the push waits for the other one");
    tx.commit().unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["added"], 3, "{report}");
    // A push that meets nobody says nothing of waiting.
    mark(&a, &pupil_id(0, 0), &["--payment", "paid", "--amount", "400"]);
    let out = bare().arg("push").arg(&a).args(["--to", &db.url]).output().unwrap();
    assert!(out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("另一次上传"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The backends waiting for the push lock.
fn waiting_for_the_push_lock(db: &TestDb) -> i64 {
    db.client()
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'advisory'",
            &[],
        )
        .unwrap()
        .get(0)
}

#[test]
fn a_push_whose_client_was_killed_while_it_waited_leaves_the_server() {
    let Some(db) = TestDb::new() else { return };
    let version: i32 = db.client().query_one("SELECT current_setting('server_version_num')::int", &[]).unwrap().get(0);
    if version < 140000 {
        eprintln!("notice: PostgreSQL {version} has no client_connection_check_interval; test skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    let mut other = db.client();
    let mut tx = other.transaction().unwrap();
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&canbao::county::schema::PUSH_LOCK]).unwrap();
    let (mut child, lines) = push_in_background(&db, &[&a]);
    until_line(&lines, WAITING);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while waiting_for_the_push_lock(&db) == 0 {
        assert!(std::time::Instant::now() < deadline, "the push never waited for the lock");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // The server notices the client is gone within the check interval, and its backend ends.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while waiting_for_the_push_lock(&db) > 0 {
        assert!(std::time::Instant::now() < deadline, "the killed push's backend still waits for the lock");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    tx.commit().unwrap();
}

#[test]
fn a_file_that_cannot_be_read_stops_the_push_before_anything_is_sent() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    let nope = dir.path().join("nope.db");
    let notes = dir.path().join("notes.db");
    std::fs::write(&notes, "这不是数据文件，只是笔记。\n".repeat(200)).unwrap();
    for bad in [&nope, &notes] {
        for dry_run in [false, true] {
            let mut cmd = bare();
            cmd.arg("push").arg(&a).arg(bad).args(["--to", &db.url]);
            if dry_run {
                cmd.arg("--dry-run");
            }
            let out = cmd.output().unwrap();
            let text = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{text}");
            let name = bad.file_name().unwrap().to_string_lossy();
            assert!(text.contains(&*name), "{text}");
            assert!(text.contains("没有上传任何文件") && text.contains("nothing was pushed"), "{text}");
            let schema: Option<String> =
                db.client().query_one("SELECT to_regclass('canbao.pupils')::text", &[]).unwrap().get(0);
            assert_eq!(schema, None, "nothing reached the county");
        }
    }
}

/// A drive file with no pupils, as the screen makes a new one (an import of a list with no pupils makes none).
fn empty_drive(dir: &Path) -> PathBuf {
    let db = dir.join("empty.db");
    drop(canbao::store::Store::open(&db).unwrap());
    db
}

#[test]
fn a_drive_without_pupils_is_skipped_with_a_word_and_the_others_are_pushed() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    let empty = empty_drive(dir.path());
    let out = bare().arg("push").arg(&empty).arg(&a).args(["--to", &db.url, "--json"]).output().unwrap();
    let told = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{told}");
    assert!(told.contains("empty.db") && told.contains("没有学生") && told.contains("holds no pupils"), "{told}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!((report["added"].as_u64(), report["files"].as_array().map(Vec::len)), (Some(3), Some(1)), "{report}");
    assert_eq!(report["skipped"][0]["file"], empty.display().to_string(), "{report}");
    assert_eq!(report["skipped"][0]["reason"], "no_pupils", "{report}");
    let drives: Vec<String> =
        db.client().query("SELECT name FROM canbao.drives", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(drives, ["school0.db"]);
    let schools: i64 = db.client().query_one("SELECT count(*) FROM canbao.schools", &[]).unwrap().get(0);
    assert_eq!(schools, 1);
    // Nothing else to push: an error, and still the report.
    for json in [true, false] {
        let mut cmd = bare();
        cmd.arg("push").arg(&empty).args(["--to", &db.url]);
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        let told = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{told}");
        assert!(told.contains("没有上传任何文件") && told.contains("nothing was pushed"), "{told}");
        assert!(told.contains("empty.db"), "{told}");
        if json {
            let report: Value = serde_json::from_slice(&out.stdout).expect("json");
            // A failure all the same (exit 1): not ok, though the report says what was skipped.
            assert_eq!(report["ok"], false, "{report}");
            assert_eq!(report["files"].as_array().map(Vec::len), Some(0), "{report}");
            assert_eq!(report["skipped"].as_array().map(Vec::len), Some(1), "{report}");
        }
    }
    let drives: i64 = db.client().query_one("SELECT count(*) FROM canbao.drives", &[]).unwrap().get(0);
    assert_eq!(drives, 1);
}

#[test]
fn the_dashboard_reads_an_empty_county_and_shows_the_first_push() {
    use canbao::county::connect::Session;
    let Some(db) = TestDb::new() else { return };
    let mut session = Session::open(canbao::county::Target::parse(&db.url).unwrap()).unwrap();
    let mut read = || session.read(|c| canbao::county::rollup::for_dashboard(c, None));
    let first = read().expect("an empty county is shown, not refused");
    assert_eq!((first.totals.students, first.drives.len(), first.year), (0, 0, None));
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    push(&db, &[&a], &[]);
    let next = read().unwrap();
    assert_eq!((next.totals.students, next.drives.len()), (3, 1));
    // The command line's roll-up still says to push first.
    let db2 = TestDb::new().unwrap();
    let out = bare().args(["rollup", "--from", &db2.url]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("canbao push"));
}

/// Two laptops imported the same class list apart (two pupils with a mistyped number among three), then merged
/// once: the merged drive's pupils with a flagged number were paired by name and class and hold both laptops'
/// creation rows. Copies of that drive changed apart still push as the same three pupils.
#[test]
fn pupils_paired_by_name_in_a_merge_of_two_imports_stay_one_in_the_county_after_a_rename_or_a_correction() {
    let dir = tempfile::tempdir().unwrap();
    let school = "第1小学";
    let typo = |good: &str| format!("{}{}", &good[..17], if good.ends_with('1') { '2' } else { '1' });
    let (wang, sun) = (pupil_id(0, 1), pupil_id(0, 2));
    let list = |sun_number: &str| {
        format!(
            "姓名,身份证号,所在年级、班级\n赵一,{},三年级1班\n王欣,{},三年级1班\n孙芳琳,{sun_number},三年级2班\n",
            pupil_id(0, 0),
            typo(&wang)
        )
    };
    std::fs::write(dir.path().join("list.csv"), list(&typo(&sun))).unwrap();
    std::fs::write(dir.path().join("corrected.csv"), list(&sun)).unwrap();
    let (a, b) = (dir.path().join("a.db"), dir.path().join("b.db"));
    for db in [&a, &b] {
        canbao(db).args(["import", "--school", school]).arg(dir.path().join("list.csv")).assert().success();
        a_second_later();
    }
    // Two drives started apart: their first merge takes --no-common-history.
    canbao(&a).args(["merge", "--no-common-history"]).arg(&b).assert().success();
    let copy = |name: &str| {
        let path = dir.path().join(name);
        std::fs::copy(&a, &path).unwrap();
        path
    };
    let (older, renamed, paid, corrected) = (copy("g.db"), copy("f.db"), copy("p.db"), copy("c.db"));
    canbao(&renamed).args(["school", "rename", school, "第1小学本部"]).assert().success();
    mark(&paid, &typo(&sun), &["--payment", "paid", "--amount", "400"]);
    canbao(&corrected).args(["import", "--school", school]).arg(dir.path().join("corrected.csv")).assert().success();

    let Some(db) = TestDb::new() else { return };
    push(&db, &[&older], &[]);
    let second = push(&db, &[&renamed], &[]);
    assert_eq!((second["added"].as_u64(), second["updated"].as_u64()), (Some(0), Some(3)), "{second}");
    let county = rollup(&db, &[]);
    assert_eq!(county["students"], 3, "{county}");

    for order in [[&paid, &corrected], [&corrected, &paid]] {
        let db = TestDb::new().expect("another database");
        push(&db, &[order[0]], &[]);
        let second = push(&db, &[order[1]], &[]);
        assert_eq!(second["added"].as_u64(), Some(0), "{second}");
        let county = rollup(&db, &[]);
        assert_eq!((county["students"].as_i64(), county["paid"].as_i64()), (Some(3), Some(1)), "{county}");
        let numbers: Vec<(String, bool)> = db
            .client()
            .query("SELECT id_number, id_valid FROM canbao.pupils WHERE name = '孙芳琳'", &[])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        assert_eq!(numbers, [(sun.clone(), true)]);
    }
}

#[test]
fn a_drives_history_goes_into_a_county_that_has_some_by_pupil_each_pupils_rows_in_the_drives_order() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    // Thirty pupils: the drive's order is not the order of their keys (the 29th sorts before the 2nd), in which
    // the county numbers its new pupils.
    let (a, b) = (drive(dir.path(), 0, 4), drive(dir.path(), 1, 30));
    mark(&b, &pupil_id(1, 1), &["--payment", "paid", "--amount", "400"]);
    mark(&b, &pupil_id(1, 29), &["--enrollment", "declined", "--reason", "已在外地参保"]);
    mark(&b, &pupil_id(1, 1), &["--enrollment", "left"]);
    push(&db, &[&a], &[]);
    let second = push(&db, &[&b], &[]);
    assert_eq!(second["added"], 30, "{second}");
    let rows: Vec<(Option<i64>, String, String)> = db
        .client()
        .query(
            "SELECT a.pupil_id, a.field, a.at_text FROM canbao.audit a JOIN canbao.drives d ON d.id = a.drive_id
             WHERE d.name = 'school1.db' ORDER BY a.id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let pupils: Vec<Option<i64>> = rows.iter().map(|r| r.0).collect();
    let mut by_pupil = pupils.clone();
    // As the index on pupils orders them: rows of no pupil after every pupil's.
    by_pupil.sort_by_key(|p| (p.is_none(), *p));
    assert_eq!(pupils, by_pupil, "{rows:?}");
    let one: Vec<&str> = db
        .client()
        .query_one("SELECT id FROM canbao.pupils WHERE id_number = $1", &[&pupil_id(1, 1)])
        .map(|r| r.get::<_, i64>(0))
        .map(|id| rows.iter().filter(|r| r.0 == Some(id)).map(|r| r.1.as_str()).collect())
        .unwrap();
    let on_the_drive: Vec<String> = rusqlite::Connection::open(&b)
        .unwrap()
        .prepare(
            "SELECT a.field FROM audit a JOIN students s ON s.id = a.student_id WHERE s.id_number = ?1 ORDER BY a.id",
        )
        .unwrap()
        .query_map([pupil_id(1, 1)], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(on_the_drive.len() > 2, "{on_the_drive:?}");
    assert_eq!(one, on_the_drive, "a pupil's own rows in the drive's order");
}

#[test]
fn pupils_new_to_a_county_that_has_some_are_numbered_in_the_order_of_their_creation_rows() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (drive(dir.path(), 0, 4), drive(dir.path(), 1, 30));
    push(&db, &[&a], &[]);
    let second = push(&db, &[&b], &[]);
    assert_eq!(second["added"], 30, "{second}");
    let created: Vec<String> = db
        .client()
        .query(
            "SELECT created_event::text FROM canbao.pupils p JOIN canbao.schools s ON s.id = p.school_id
             WHERE s.name = '第2小学' ORDER BY p.id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut sorted = created.clone();
    sorted.sort();
    assert_eq!(created.len(), 30);
    assert_eq!(created, sorted, "the county's index of creation rows, and the history's, fill in order");
}

/// Two copies of one drive (`甲/school0.db`, `乙/school0.db`, the same name as copies of a drive have), each
/// given its categories by `certify` (store, the pupils' numbers) on its own clock.
fn two_copies_certified(
    dir: &Path,
    base: impl Fn(&mut canbao::store::Store, &[String]),
    jia: impl Fn(&mut canbao::store::Store, &[String]),
    yi: impl Fn(&mut canbao::store::Store, &[String]),
) -> (PathBuf, PathBuf) {
    use canbao::store::Store;
    let a = drive(dir, 0, 4);
    let ids: Vec<String> = (0..4).map(|n| pupil_id(0, n)).collect();
    base(&mut Store::open(&a).unwrap(), &ids);
    let copies = two_laptops(dir, &a, ["甲", "乙"]);
    jia(&mut Store::open(&copies.0).unwrap(), &ids);
    yi(&mut Store::open(&copies.1).unwrap(), &ids);
    copies
}

fn certify(s: &mut canbao::store::Store, id: &str, at: &str, marks: &[(&str, &str)]) {
    s.set_fixed_clock(at);
    let pupil = s.student_by_id_number(id).unwrap().unwrap().id;
    let marks: Vec<canbao::domain::student::CategoryMark> = marks
        .iter()
        .map(|(name, department)| canbao::domain::student::CategoryMark {
            name: (*name).into(),
            department: (*department).into(),
            year: None,
        })
        .collect();
    s.set_categories(pupil, &marks).unwrap();
}

/// The county's categories of a pupil: (name, department) in the order it holds them.
fn county_categories(db: &TestDb, id: &str) -> Vec<(String, String)> {
    let text: String = db
        .client()
        .query_one("SELECT categories::text FROM canbao.pupils WHERE id_number = $1", &[&id])
        .unwrap()
        .get(0);
    let list: Vec<Value> = serde_json::from_str(&text).unwrap();
    list.iter()
        .map(|m| (m["name"].as_str().unwrap().to_owned(), m["department"].as_str().unwrap().to_owned()))
        .collect()
}

fn category_count(county: &Value, name: &str) -> Option<i64> {
    county["categories"].as_array()?.iter().find(|c| c["category"] == name)?["students"].as_i64()
}

/// F14: 甲 certified 低保对象 (民政局's list), 乙 孤儿 (another department's) for the same pupil: the county
/// holds both, in either push order, with no conflict, as `canbao merge` unites them; pushing again changes
/// nothing.
#[test]
fn categories_certified_apart_on_two_copies_are_united_in_the_county_in_either_order() {
    let dir = tempfile::tempdir().unwrap();
    let (jia, yi) = two_copies_certified(
        dir.path(),
        |_, _| {},
        |s, ids| {
            certify(s, &ids[0], "2099-11-23T10:00:00+08:00", &[("低保对象", "民政局")]);
            certify(s, &ids[1], "2099-11-23T10:00:00+08:00", &[("低保对象", "民政局")]);
        },
        |s, ids| certify(s, &ids[0], "2099-11-23T10:01:00+08:00", &[("孤儿", "民政局儿童福利科")]),
    );
    let id = pupil_id(0, 0);
    each_push_order(&jia, &yi, |db, order| {
        let pushed = push(&db, &order, &[]);
        assert!(pushed["conflicts"].as_array().unwrap().is_empty(), "two certifications, neither undone: {pushed}");
        let both =
            vec![("低保对象".to_owned(), "民政局".to_owned()), ("孤儿".to_owned(), "民政局儿童福利科".to_owned())];
        assert_eq!(county_categories(&db, &id), both, "{order:?}");
        let county = rollup(&db, &[]);
        assert_eq!(category_count(&county, "低保对象"), Some(2), "{county}");
        assert_eq!(category_count(&county, "孤儿"), Some(1), "{county}");
        // Each copy again: the county has seen both changes.
        for file in order {
            let again = push(&db, &[file], &[]);
            assert!(again["conflicts"].as_array().unwrap().is_empty(), "{again}");
            assert_eq!(again["updated"], 0, "{again}");
        }
        assert_eq!(county_categories(&db, &id), both);
    });
}

/// Each category's certification year in the county's list (`None`: the pupil's `categories_year`'s), and that.
fn county_years(db: &TestDb, id: &str) -> (Vec<(String, Option<i64>)>, Option<i32>) {
    let row = db
        .client()
        .query_one("SELECT categories::text, categories_year FROM canbao.pupils WHERE id_number = $1", &[&id])
        .unwrap();
    let list: Vec<Value> = serde_json::from_str(&row.get::<_, String>(0)).unwrap();
    (list.iter().map(|m| (m["name"].as_str().unwrap().to_owned(), m["year"].as_i64())).collect(), row.get(1))
}

/// Certifies one more category for the pupil, the others keeping the year they were certified for.
fn add_category(s: &mut canbao::store::Store, id: &str, at: &str, name: &str) {
    s.set_fixed_clock(at);
    let pupil = s.student_by_id_number(id).unwrap().unwrap();
    let mut marks = pupil.categories;
    marks.push(canbao::domain::student::CategoryMark::new(name, "民政"));
    s.set_categories(pupil.id, &marks).unwrap();
}

/// In the drive's second year, 甲 certifies 低保对象 and 乙 孤儿 for a pupil whose 重度残疾人 is carried from the
/// first: each copy's push keeps each category's year, and the county's union leaves 重度残疾人 the first
/// year's (待重新认定), in either push order, where a push made the whole set the later year's.
#[test]
fn categories_certified_apart_in_a_new_year_keep_their_own_years_in_the_county_in_either_order() {
    let dir = tempfile::tempdir().unwrap();
    let first = std::cell::Cell::new(0);
    let (jia, yi) = two_copies_certified(
        dir.path(),
        |s, ids| {
            certify(s, &ids[0], "2099-11-20T10:00:00+08:00", &[("重度残疾人", "残联")]);
            first.set(s.current_year().unwrap());
            s.start_year(first.get() + 1, false, None, false).unwrap();
        },
        |s, ids| add_category(s, &ids[0], "2099-11-23T10:00:00+08:00", "低保对象"),
        |s, ids| add_category(s, &ids[0], "2099-11-23T10:01:00+08:00", "孤儿"),
    );
    let (first, year) = (first.get(), i64::from(first.get() + 1));
    let id = pupil_id(0, 0);
    each_push_order(&jia, &yi, |db, order| {
        push(&db, &order[..1], &[]);
        let (marks, set_year) = county_years(&db, &id);
        assert_eq!(set_year, Some(first), "{marks:?}");
        assert_eq!(marks.iter().find(|m| m.0 == "重度残疾人").map(|m| m.1), Some(None), "{marks:?}");
        assert_eq!(marks.len(), 2, "{marks:?}");
        assert!(marks.iter().all(|m| m.0 == "重度残疾人" || m.1 == Some(year)), "{marks:?}");
        let pushed = push(&db, &order[1..], &[]);
        assert!(pushed["conflicts"].as_array().unwrap().is_empty(), "{pushed}");
        let united =
            vec![("低保对象".to_owned(), Some(year)), ("孤儿".to_owned(), Some(year)), ("重度残疾人".to_owned(), None)];
        assert_eq!(county_years(&db, &id), (united, Some(first)), "{order:?}");
    });
}

/// A category removed on one copy and re-certified on the other is the one conflict: the newer change wins, and
/// the other copy's addition of another category stands beside it, in either push order.
#[test]
fn a_category_removed_on_one_copy_and_certified_again_on_the_other_is_a_conflict_the_newer_wins() {
    let dir = tempfile::tempdir().unwrap();
    let (jia, yi) = two_copies_certified(
        dir.path(),
        |s, ids| certify(s, &ids[0], "2099-11-20T10:00:00+08:00", &[("特困", "民政局")]),
        |s, ids| certify(s, &ids[0], "2099-11-23T10:00:00+08:00", &[("孤儿", "民政局")]),
        |s, ids| certify(s, &ids[0], "2099-11-23T10:01:00+08:00", &[("特困", "残联")]),
    );
    let id = pupil_id(0, 0);
    each_push_order(&jia, &yi, |db, order| {
        let pushed = push(&db, &order, &[]);
        let conflicts = pushed["conflicts"].as_array().unwrap();
        assert_eq!(conflicts.len(), 1, "{pushed}");
        let c = &conflicts[0];
        assert_eq!(c["field"], "categories", "{c}");
        assert_eq!(c["kept_drive"], yi.display().to_string(), "the newer change, 乙's: {c}");
        assert_eq!(c["lost_drive"], jia.display().to_string(), "{c}");
        let (kept, lost) = (c["kept"].as_str().unwrap(), c["lost"].as_str().unwrap());
        assert!(kept.contains("特困") && kept.contains("孤儿"), "{c}");
        assert!(!lost.contains("特困") && lost.contains("孤儿"), "the list that would have been: {c}");
        assert_eq!(
            county_categories(&db, &id),
            [("孤儿".to_owned(), "民政局".to_owned()), ("特困".to_owned(), "残联".to_owned())],
            "{order:?}"
        );
        for file in order {
            let again = push(&db, &[file], &[]);
            assert!(again["conflicts"].as_array().unwrap().is_empty(), "{again}");
        }
    });
}

/// In the drive's second year, a category carried from the first (待重新认定) removed on one copy and certified
/// again on the other (a department's list: the set's year only changes), a minute apart in either order: the
/// newer change stands and the push lists the conflict, in either push order. Before, the certification again
/// was no change of the category, so the removal won either way and the push said 冲突 0.
#[test]
fn a_carried_category_removed_on_one_copy_and_certified_again_on_the_other_is_a_conflict_the_newer_wins() {
    for removal_newer in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let year = std::cell::Cell::new(0);
        let (removed_at, certified_at) = if removal_newer {
            ("2099-11-23T10:01:00+08:00", "2099-11-23T10:00:00+08:00")
        } else {
            ("2099-11-23T10:00:00+08:00", "2099-11-23T10:01:00+08:00")
        };
        let (jia, yi) = two_copies_certified(
            dir.path(),
            |s, ids| {
                certify(s, &ids[0], "2099-11-20T10:00:00+08:00", &[("重度残疾人", "残联")]);
                year.set(s.current_year().unwrap() + 1);
                s.start_year(year.get(), false, None, false).unwrap();
            },
            |s, ids| certify(s, &ids[0], removed_at, &[]),
            |s, ids| certify(s, &ids[0], certified_at, &[("重度残疾人", "残联")]),
        );
        let id = pupil_id(0, 0);
        let expected: Vec<(String, Option<i64>)> =
            if removal_newer { vec![] } else { vec![("重度残疾人".to_owned(), None)] };
        each_push_order(&jia, &yi, |db, order| {
            let pushed = push(&db, &order, &[]);
            let conflicts = pushed["conflicts"].as_array().unwrap();
            assert_eq!(conflicts.len(), 1, "removal newer {removal_newer}, {order:?}: {pushed}");
            let c = &conflicts[0];
            assert_eq!(c["field"], "categories", "{c}");
            let newer = if removal_newer { &jia } else { &yi };
            assert_eq!(c["kept_drive"], newer.display().to_string(), "the newer change: {c}");
            let (marks, set_year) = county_years(&db, &id);
            assert_eq!(marks, expected, "removal newer {removal_newer}, {order:?}");
            if !removal_newer {
                assert_eq!(set_year, Some(year.get()), "certified for this year: {order:?}");
            }
            for file in order {
                let again = push(&db, &[file], &[]);
                assert!(again["conflicts"].as_array().unwrap().is_empty(), "{again}");
            }
        });
    }
}

/// Another school's drive whose list holds some of this school's pupils (a class that moved, a list sent to the
/// wrong school) shares no history with it: the push says which pupils are in both schools' files, and that
/// the newer change of 学校 decides which school the county counts them in. Copies of one drive (a school
/// renamed on one) are not another school's.
#[test]
fn another_schools_drive_holding_this_schools_pupils_is_named_by_the_push() {
    let dir = tempfile::tempdir().unwrap();
    let first = drive(dir.path(), 0, 6);
    let renamed = dir.path().join("renamed.db");
    std::fs::copy(&first, &renamed).unwrap();
    canbao(&renamed).args(["school", "rename", "第1小学", "第1小学本部"]).assert().success();
    a_second_later();
    let csv = dir.path().join("other.csv");
    let mut text = String::from("姓名,身份证号,所在年级、班级\n");
    for n in 0..3 {
        text.push_str(&format!("学生0{n},{},三年级{}班\n", pupil_id(0, n), n % 2 + 1));
    }
    text.push_str(&format!("新生,{},一年级1班\n", pupil_id(1, 0)));
    std::fs::write(&csv, text).unwrap();
    let other = dir.path().join("other.db");
    canbao(&other).args(["import", "--school", "第2小学"]).arg(&csv).assert().success();

    let Some(db) = TestDb::new() else { return };
    push(&db, &[&first], &[]);
    let same_drive = push(&db, &[&renamed], &[]);
    assert_eq!(same_drive["files"][0]["other_school_pupils"], 0, "{same_drive}");
    assert!(same_drive["other_school_pupils"].as_array().unwrap().is_empty(), "{same_drive}");
    let pushed = push(&db, &[&other], &[]);
    assert_eq!(pushed["added"], 1, "{pushed}");
    assert_eq!(pushed["files"][0]["other_school_pupils"], 3, "{pushed}");
    let listed = pushed["other_school_pupils"].as_array().unwrap();
    assert_eq!(listed.len(), 3, "{pushed}");
    let id = pupil_id(0, 0);
    let zero = listed.iter().find(|p| p["name"] == "学生00").expect("学生00 listed");
    assert!(!zero["id_number"].as_str().unwrap().contains(&id[6..14]), "masked: {zero}");
    assert_eq!((zero["county_school"].as_str(), zero["drive_school"].as_str()), (Some("第1小学本部"), Some("第2小学")));
    // The other school's first import is no newer word than the school renamed on the first drive, as a merge of
    // the two weighs them (`made_apart::bare_creation`): the pupils stay where the rename put them.
    assert_eq!(zero["kept_school"], "第1小学本部", "the rename outweighs the other school's first import: {zero}");
    let county = rollup(&db, &[]);
    assert_eq!(county["other_school_pupils"], 3, "{county}");

    // Said in words, the numbers masked.
    let fresh = TestDb::new().expect("a second database");
    bare().args(["push", "--to", &fresh.url]).arg(&first).assert().success();
    let out = bare().args(["push", "--to", &fresh.url]).arg(&other).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("3 名学生也在另一所学校的数据文件中（学校以较新的修改为准）"), "{said}");
    assert!(said.contains("学生00") && !said.contains(&id), "{said}");
    let out = bare().args(["rollup", "--from", &fresh.url]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(said.contains("3 名学生也在另一所学校的数据文件中"), "{said}");
}

/// The three users of README's 全县汇总 set-up (owner, push, read), made by its own SQL for one test database;
/// dropped, with the databases they have rights in, when the test ends.
struct CountyUsers {
    prefix: String,
    databases: Vec<String>,
    host: String,
}

impl CountyUsers {
    fn url(&self, who: &str, database: &str) -> String {
        format!("postgresql://{}_{who}@{}/{database}", self.prefix, self.host)
    }

    /// README's SQL blocks of the set-up, in order, for this test's database and users.
    fn readme_sql(&self, database: &str) -> Vec<String> {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        let section = readme.split("## 全县汇总").nth(1).expect("README has 全县汇总").split("**Pushing.**").next();
        let blocks: Vec<String> = section
            .unwrap()
            .split("```sql\n")
            .skip(1)
            .map(|b| {
                b.split("```")
                    .next()
                    .unwrap()
                    .lines()
                    // The database exists already; psql's \c is done by connecting to it.
                    .filter(|l| !l.starts_with("CREATE DATABASE") && !l.starts_with('\\'))
                    .collect::<Vec<_>>()
                    .join("\n")
                    .replace("DATABASE county", &format!("DATABASE {database}"))
                    .replace("canbao_owner", &format!("{}_owner", self.prefix))
                    .replace("canbao_push", &format!("{}_push", self.prefix))
                    .replace("office_read", &format!("{}_read", self.prefix))
            })
            .collect();
        assert_eq!(blocks.len(), 2, "README's set-up: the users, then the grants once the schema is made");
        blocks
    }
}

impl Drop for CountyUsers {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&admin_url(), postgres::NoTls) {
            for d in &self.databases {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {d} WITH (FORCE)"));
            }
            for who in ["owner", "push", "read"] {
                let _ = admin.batch_execute(&format!("DROP ROLE IF EXISTS {}_{who}", self.prefix));
            }
        }
    }
}

fn fails(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(!out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_readmes_push_user_pushes_and_the_read_user_rolls_up_but_neither_can_delete_or_change_the_history() {
    let Some(db) = TestDb::new() else { return };
    let after = db.url.split_once("://").unwrap().1;
    let host = after.rsplit_once('@').map_or(after, |(_, h)| h).rsplit_once('/').unwrap().0.to_owned();
    let users = CountyUsers { prefix: db.name.replace("canbao_test", "cbu"), databases: vec![db.name.clone()], host };
    let sql = users.readme_sql(&db.name);
    let mut admin = postgres::Client::connect(&admin_url(), postgres::NoTls).unwrap();
    admin.batch_execute(&sql[0]).expect("README's users");
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (drive(dir.path(), 0, 4), drive(dir.path(), 1, 3));

    // A first push by the push user, which may not make the schema, says what it lacks and who may.
    let said = fails(bare().arg("push").arg(&a).args(["--to", &users.url("push", &db.name)]));
    assert!(said.contains("CREATE") && said.contains("canbao push --to") && said.contains("owner"), "{said}");

    // The owner makes the schema with no file; then README's grants.
    let out = bare().args(["push", "--to", &users.url("owner", &db.name)]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("已建立汇总数据库的表"));
    db.client().batch_execute(&sql[1]).expect("README's grants");

    // Pushes adding pupils, then changing one, as the push user; the roll-up as the read user.
    let push_as =
        |file: &Path| json(bare().arg("push").arg(file).args(["--to", &users.url("push", &db.name), "--json"]));
    assert_eq!(push_as(&a)["added"], 4);
    assert_eq!(push_as(&b)["added"], 3);
    mark(&a, &pupil_id(0, 0), &["--payment", "paid", "--amount", "400"]);
    assert_eq!(push_as(&a)["updated"], 1);
    let county = json(bare().args(["rollup", "--from", &users.url("read", &db.name), "--json"]));
    assert_eq!((county["students"].as_i64(), county["paid"].as_i64()), (Some(7), Some(1)), "{county}");
    fails(bare().arg("push").arg(&a).args(["--to", &users.url("read", &db.name)]));

    // What the laptops' password cannot do.
    let mut pusher = postgres::Client::connect(&users.url("push", &db.name), postgres::NoTls).unwrap();
    for sql in [
        "DELETE FROM canbao.audit",
        "DELETE FROM canbao.pupils",
        "TRUNCATE canbao.statuses",
        "ALTER TABLE canbao.audit DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_no_change ON canbao.audit",
        "UPDATE canbao.audit SET operator = 'x'",
        "DROP SCHEMA canbao CASCADE",
    ] {
        let e = pusher.batch_execute(sql).expect_err(sql);
        let code = e.code().cloned();
        assert_eq!(code, Some(postgres::error::SqlState::INSUFFICIENT_PRIVILEGE), "{sql}: {e:?}");
    }
    let history: i64 = db.client().query_one("SELECT count(*) FROM canbao.audit", &[]).unwrap().get(0);
    assert!(history > 7, "{history}");

    // A schema a newer canbao must bring forward: the push user's push says only the owner may, and changes
    // nothing; the owner's `push --to` does it, and pushes go on.
    let older = canbao::county::schema::latest_version() - 1;
    db.client().execute("UPDATE canbao.canbao_meta SET value = $1", &[&older.to_string()]).unwrap();
    mark(&a, &pupil_id(0, 1), &["--payment", "paid", "--amount", "400"]);
    let said = fails(bare().arg("push").arg(&a).args(["--to", &users.url("push", &db.name)]));
    let owner = format!("{}_owner", users.prefix);
    assert!(said.contains("只能由表的所有者") && said.contains(&owner) && said.contains("only its owner"), "{said}");
    let out = bare().args(["push", "--to", &users.url("owner", &db.name)]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("升级"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(push_as(&a)["updated"], 1);
}

#[test]
fn a_waiting_push_names_the_push_holding_the_county_and_gives_up_after_its_limit_with_nothing_written() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    // A push of 第九小学.db, as the server's session list shows one, holding the county.
    let mut other = db.client();
    let name = canbao::county::push::application_name(&["第九小学.db"]);
    other.execute("SELECT set_config('application_name', $1, false)", &[&name]).unwrap();
    let mut tx = other.transaction().unwrap();
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&canbao::county::schema::PUSH_LOCK]).unwrap();

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_canbao"))
        .env_remove("CANBAO_PG")
        .env_remove("PGPASSWORD")
        .env("CANBAO_PUSH_WAIT", "3")
        .arg("push")
        .arg(&a)
        .args(["--to", &db.url])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // While it waits, the server's session list names the waiting push's drive too.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let n: i64 = db
            .client()
            .query_one("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'canbao push school0.db'", &[])
            .unwrap()
            .get(0);
        if n == 1 || child.try_wait().unwrap().is_some() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the push never showed in pg_stat_activity");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the push still waits after 30 s though told to wait 3");
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("另一次上传正在进行（第九小学.db，用户 root") && said.contains("最多等 3 秒"), "{said}");
    assert!(
        said.contains("等了 3 秒仍未结束") && said.contains("CANBAO_PUSH_WAIT") && said.contains("nothing"),
        "{said}"
    );
    tx.rollback().unwrap();
    let made: bool = db.client().query_one("SELECT to_regclass('canbao.pupils') IS NOT NULL", &[]).unwrap().get(0);
    assert!(!made, "nothing of the push was written");
}

#[test]
fn a_push_session_is_ended_by_the_server_when_its_laptop_stalls_or_drops_off() {
    let Some(db) = TestDb::new() else { return };
    let target = canbao::county::Target::parse(&db.url).unwrap();
    let mut client = target.connect().unwrap();
    canbao::county::push::prepare_session(&mut client, "canbao push a.db").unwrap();
    let setting = |client: &mut postgres::Client, name: &str| -> String {
        client.query_one("SELECT setting FROM pg_settings WHERE name = $1", &[&name]).unwrap().get(0)
    };
    // Idle three minutes inside its transaction (a frozen laptop): ended and rolled back.
    assert_eq!(setting(&mut client, "idle_in_transaction_session_timeout"), "180000");
    // Switched off or cut off: keepalives every 10 s after a minute, given up after 6 unanswered.
    assert_eq!(setting(&mut client, "tcp_keepalives_idle"), "60");
    assert_eq!(setting(&mut client, "tcp_keepalives_interval"), "10");
    assert_eq!(setting(&mut client, "tcp_keepalives_count"), "6");
    assert_eq!(setting(&mut client, "tcp_user_timeout"), "120000");
    assert_eq!(setting(&mut client, "application_name"), "canbao push a.db");
}

#[cfg(unix)]
#[test]
fn a_password_file_others_may_read_is_not_read_and_said_so_as_libpq_does() {
    use std::os::unix::fs::PermissionsExt;
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 2);
    let file = dir.path().join("pgpass");
    std::fs::write(&file, "*:*:*:*:secret\n").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = bare().env("PGPASSFILE", &file).arg("push").arg(&a).args(["--to", &db.url]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("chmod 600") && said.contains("group or world access") && !said.contains("secret"), "{said}");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = bare().env("PGPASSFILE", &file).arg("push").arg(&a).args(["--to", &db.url]).output().unwrap();
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A pupil's grade and class in the county.
fn county_class(db: &TestDb, id: &str) -> String {
    db.client()
        .query_one("SELECT grade || class FROM canbao.pupils WHERE id_number = $1", &[&id])
        .unwrap_or_else(|e| panic!("{id}: {e}"))
        .get(0)
}

/// Two laptops' copies of one drive start the next year apart (each its own `year new --promote`). The second
/// laptop corrected 学生01's class before promoting; the first, after promoting, took next year's list, which
/// moves 学生00 to 2班. `b_promotes_last`: the second laptop's promotion has the latest clock of all, else the
/// first laptop's promotion comes after it. Returns (first laptop, second laptop).
fn promoted_apart(dir: &Path, b_promotes_last: bool) -> (PathBuf, PathBuf) {
    use canbao::store::{IdentityEdit, Store};
    let a = drive(dir, 0, 4);
    let b = laptop_copy(dir, &a, "lapB");
    let class_to = |s: &mut Store, at: &str, n: usize, class: &str| {
        s.set_fixed_clock(at);
        let pupil = s.student_by_id_number(&pupil_id(0, n)).unwrap().unwrap().id;
        let edit = IdentityEdit { class: Some(class.into()), ..Default::default() };
        assert_eq!(s.correct_identity(pupil, &edit).unwrap().changed, 1);
    };
    let promote = |s: &mut Store, at: &str| {
        s.set_fixed_clock(at);
        let year = s.current_year().unwrap();
        s.start_year(year + 1, true, None, false).unwrap();
    };
    let (b_promotes, a_promotes, a_lists) = if b_promotes_last {
        ("2027-01-08T10:00:00+08:00", "2027-01-05T10:00:00+08:00", "2027-01-06T10:00:00+08:00")
    } else {
        ("2027-01-05T10:00:00+08:00", "2027-01-06T10:00:00+08:00", "2027-01-07T10:00:00+08:00")
    };
    let mut sb = Store::open(&b).unwrap();
    class_to(&mut sb, "2027-01-04T09:00:00+08:00", 1, "三年级1班");
    promote(&mut sb, b_promotes);
    let mut sa = Store::open(&a).unwrap();
    promote(&mut sa, a_promotes);
    class_to(&mut sa, a_lists, 0, "四年级2班");
    (a, b)
}

/// As a merge of the two laptops' files decides it: a promotion is the same mechanical step on every laptop
/// and does not outrank, by a later clock, a class set deliberately for the year it started (next year's
/// list), nor a class corrected on the other laptop before both promoted. Whichever clock is later and
/// whichever laptop pushes first, the county ends with next year's list's class and the correction.
#[test]
fn a_promotion_does_not_undo_in_the_county_a_class_set_for_its_year_on_the_other_laptop() {
    for b_promotes_last in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = promoted_apart(dir.path(), b_promotes_last);
        let merged = dir.path().join("merged.db");
        std::fs::copy(&a, &merged).unwrap();
        // The two laptops' changes are dated January 2027, after this machine's clock: accepted as checked.
        canbao(&merged).args(["merge", "--accept-clock"]).arg(&b).assert().success();
        let merged_store = canbao::store::Store::open(&merged).unwrap();
        let merged_class =
            |n: usize| merged_store.student_by_id_number(&pupil_id(0, n)).unwrap().unwrap().class_label();
        assert_eq!(merged_class(0), "四年级2班", "the merge, as the county is to decide");
        assert_eq!(merged_class(1), "四年级1班", "the merge, as the county is to decide");
        drop(merged_store);
        each_push_order(&a, &b, |db, order| {
            push(&db, &[order[0]], &[]);
            let second = push(&db, &[order[1]], &[]);
            let case = format!("b_promotes_last {b_promotes_last}, {} first: {second}", order[0].display());
            assert_eq!(county_class(&db, &pupil_id(0, 0)), "四年级2班", "next year's list stands; {case}");
            assert_eq!(county_class(&db, &pupil_id(0, 1)), "四年级1班", "the correction carries through; {case}");
            assert_eq!(county_class(&db, &pupil_id(0, 2)), "四年级1班", "{case}");
            for c in second["conflicts"].as_array().unwrap().iter().filter(|c| c["field"] == "class") {
                assert!(
                    (c["name"] == "学生00" && c["kept"] == "四年级2班")
                        || (c["name"] == "学生01" && c["kept"] == "四年级1班"),
                    "a conflict keeps what the county keeps: {c}; {case}"
                );
            }
            // Each laptop pushed again brings nothing back.
            let again = push(&db, &[&a, &b], &[]);
            assert_eq!(again["updated"], 0, "{again}; {case}");
            assert_eq!(county_class(&db, &pupil_id(0, 0)), "四年级2班", "{case}");
            assert_eq!(county_class(&db, &pupil_id(0, 1)), "四年级1班", "{case}");
        });
    }
}

/// The county's (enrollment, payment) of a pupil in the insured year its drive is in.
fn county_status(db: &TestDb, id: &str) -> (String, String) {
    let row = db
        .client()
        .query_one(
            "SELECT s.enrollment, s.payment FROM canbao.statuses s JOIN canbao.pupils p ON p.id = s.pupil_id
             WHERE p.id_number = $1 ORDER BY s.year DESC LIMIT 1",
            &[&id],
        )
        .unwrap();
    (row.get(0), row.get(1))
}

/// A drive restored from a backup taken before marks it had pushed: its next push takes the county back to what
/// the drive now says, the county's history records each value the restore took back, and a mark made after
/// the restore is the drive's own newest change, no conflict. A copy that never held the undone marks is not
/// taken for a restore.
#[test]
fn a_drive_restored_from_a_backup_after_a_push_takes_the_county_back_with_it() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 4);
    let backup = dir.path().join("before.db");
    canbao(&a).arg("backup").arg(&backup).assert().success();
    let (paid, declined) = (pupil_id(0, 0), pupil_id(0, 1));
    mark(&a, &paid, &["--payment", "paid", "--amount", "400"]);
    mark(&a, &declined, &["--enrollment", "declined", "--reason", "已在外地参保"]);
    push(&db, &[&a], &[]);
    let county = rollup(&db, &[]);
    assert_eq!((county["paid"].as_i64(), county["declined"].as_i64()), (Some(1), Some(1)), "{county}");

    canbao(&a).arg("restore").arg(&backup).assert().success();
    let after = push(&db, &[&a], &[]);
    assert!(after["conflicts"].as_array().unwrap().is_empty(), "{after}");
    assert_eq!(after["updated"], 2, "{after}");
    assert_eq!(after["files"][0]["restored"], 2, "{after}");
    let county = rollup(&db, &[]);
    let stats = json(canbao(&a).args(["stats", "--json"]));
    assert_eq!((county["paid"].as_i64(), county["declined"].as_i64()), (Some(0), Some(0)), "{county}");
    assert_eq!(county["enrolled"], stats["insured"], "{county} {stats}");
    assert_eq!(county_status(&db, &paid), ("unknown".into(), "unpaid".into()));
    assert_eq!(county_status(&db, &declined), ("unknown".into(), "unpaid".into()));
    let history: Vec<(String, String, Option<String>, Option<String>)> = db
        .client()
        .query(
            "SELECT p.id_number, a.field, a.old, a.new FROM canbao.audit a JOIN canbao.pupils p ON p.id = a.pupil_id
             WHERE a.action = 'restore' AND a.field IN ('payment', 'enrollment') ORDER BY p.id_number, a.field",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let row = |id: &str, field: &str, old: &str, new: &str| {
        (id.to_owned(), field.to_owned(), Some(old.to_owned()), Some(new.to_owned()))
    };
    // A payment marks the pupil 参保 too: both are taken back.
    let mut expected = vec![
        row(&paid, "enrollment", "here", "unknown"),
        row(&paid, "payment", "paid", "unpaid"),
        row(&declined, "enrollment", "declined", "unknown"),
    ];
    expected.sort();
    assert_eq!(history, expected, "the county's history records what the restore took back");
    // Pushed again, nothing more.
    let again = push(&db, &[&a], &[]);
    assert_eq!((again["updated"].as_u64(), again["files"][0]["restored"].as_u64()), (Some(0), Some(0)), "{again}");

    // A mark after the restore is the drive's own newest change: taken, no conflict.
    a_second_later();
    mark(&a, &paid, &["--payment", "government"]);
    let later = push(&db, &[&a], &[]);
    assert!(later["conflicts"].as_array().unwrap().is_empty(), "{later}");
    assert_eq!(county_status(&db, &paid), ("here".into(), "government".into()));

    // Another laptop's copy that never held the undone marks (made from the backup) and changes the same
    // pupil: an ordinary push, no restore of its own to speak for.
    let other = dir.path().join("lapB");
    std::fs::create_dir(&other).unwrap();
    let b = other.join("school0.db");
    std::fs::copy(&backup, &b).unwrap();
    a_second_later();
    mark(&b, &declined, &["--enrollment", "elsewhere"]);
    let from_b = push(&db, &[&b], &[]);
    assert_eq!(from_b["files"][0]["restored"], 0, "{from_b}");
    assert_eq!(county_status(&db, &declined), ("elsewhere".into(), "unpaid".into()));

    // The restore undone: the data it replaced (the backup it took first) put back. The drive says 已缴费
    // again, and so does the county; the other laptop's 异地参保, which this drive never held, stays.
    let safety: Vec<PathBuf> =
        walk(dir.path()).into_iter().filter(|p| p.to_string_lossy().ends_with("-restore.db")).collect();
    let [safety] = safety.as_slice() else { panic!("one backup taken by the restore: {safety:?}") };
    canbao(&a).arg("restore").arg(safety).assert().success();
    let redone = push(&db, &[&a], &[]);
    assert!(redone["conflicts"].as_array().unwrap().is_empty(), "{redone}");
    assert_eq!(redone["files"][0]["restored"], 1, "{redone}");
    assert_eq!(county_status(&db, &paid), ("here".into(), "paid".into()));
    assert_eq!(county_status(&db, &declined), ("elsewhere".into(), "unpaid".into()));
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A county pushed by a canbao before it kept what the class rule needs: bringing its schema forward recognises
/// the promotions it holds (by their history rows), so the rule weighs them from the next push on.
#[test]
fn a_county_from_before_the_class_rule_recognises_the_promotions_it_holds() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    // The first laptop's promotion has the later clock; the second corrected 学生01 before promoting.
    let (a, b) = promoted_apart(dir.path(), false);
    push(&db, &[&a], &[]);
    db.client()
        .batch_execute(
            "ALTER TABLE canbao.pupils DROP COLUMN class_promoted, DROP COLUMN class_made_in, DROP COLUMN class_from;
             UPDATE canbao.canbao_meta SET value = '6' WHERE key = 'schema_version';",
        )
        .unwrap();
    let report = push(&db, &[&b], &[]);
    assert_eq!(county_class(&db, &pupil_id(0, 1)), "四年级1班", "the correction carries through: {report}");
    assert_eq!(county_class(&db, &pupil_id(0, 0)), "四年级2班", "{report}");
}

/// At the change of year the drive keeps its graduates (已毕业…届) and last year's leavers (已离校…年度) but counts
/// them in none of the new year's classes or totals. The county counts the drive's year as its own `stats` does,
/// per school and per class, special groups and the county's 参保进度汇总 included, and says how many it left out;
/// last year's figures still have them in their classes. A county whose schema predates the closed years' classes
/// (version 3) leaves them out of the new year too, and keeps them in last year's.
#[test]
fn graduates_and_former_leavers_count_in_the_county_as_on_their_drive() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    // 学生00–02 in 六年级 graduate at the change of year; 学生04 of 三年级 leaves during the year.
    let csv = dir.path().join("list.csv");
    let mut list = String::from("姓名,身份证号,所在年级、班级,人员类别\n");
    for n in 0..6 {
        let class = if n < 3 { "六年级1班" } else { "三年级1班" };
        let category = if n == 0 || n == 3 { "低保对象" } else { "" };
        list.push_str(&format!("学生0{n},{},{class},{category}\n", pupil_id(0, n)));
    }
    std::fs::write(&csv, list).unwrap();
    let a = dir.path().join("school0.db");
    canbao(&a).args(["import", "--school", "第1小学"]).arg(&csv).assert().success();
    mark(&a, &pupil_id(0, 0), &["--payment", "paid", "--amount", "400"]);
    mark(&a, &pupil_id(0, 4), &["--enrollment", "left"]);
    let year = push(&db, &[&a], &[])["files"][0]["year"].as_i64().expect("the drive's year");
    close_year(&a, &home, year + 1);
    // In the new year: 学生03 pays, 学生05 leaves during it (still in this year's class, counted 已离校).
    mark(&a, &pupil_id(0, 3), &["--payment", "paid", "--amount", "400"]);
    mark(&a, &pupil_id(0, 5), &["--enrollment", "left"]);
    push(&db, &[&a], &[]);

    let stats = json(canbao(&a).args(["stats", "--json"]));
    assert_eq!((stats["students"].as_i64(), stats["former"].as_i64()), (Some(2), Some(4)), "{stats}");
    let county = rollup(&db, &[]);
    assert_eq!(county["year"], year + 1, "{county}");
    let line = &county["schools"][0];
    for (key, drive) in [
        ("students", &stats["students"]),
        ("expected", &stats["expected"]),
        ("enrolled", &stats["insured"]),
        ("paid", &stats["payment"]["paid"]),
        ("left", &stats["enrollment"]["left"]),
    ] {
        assert_eq!(&county[key], drive, "{key}: {county} {stats}");
        assert_eq!(&line[key], drive, "{key}: {line} {stats}");
    }
    assert_eq!(county["former"], stats["former"], "the county says how many it left out: {county}");
    // 学生00's 低保对象 left with him; 学生03's was certified for last year and awaits certifying again
    // (待重新认定): in none of this year's special groups, counted apart as the drive's `stats` counts it.
    assert_eq!(category_count(&county, "低保对象"), None, "{county}");
    let pending = (county["categories_to_recertify"].as_i64(), stats["categories_to_recertify"].as_i64());
    assert_eq!(pending, (Some(1), Some(1)), "{county}");
    let school = rollup(&db, &["--school", "第1小学"]);
    assert_eq!(class_counts(&school), class_counts(&stats), "{school}");
    assert_eq!(labels(&class_counts(&school)), ["四年级1班"], "{school}");
    assert_eq!(school["students"], 2, "{school}");
    let said = bare().args(["rollup", "--from", &db.url]).output().unwrap();
    let said = String::from_utf8_lossy(&said.stdout).into_owned();
    assert!(
        said.contains("另有已毕业或往年已离校的学生 4 人")
            && said.contains("4 pupils who graduated or left before this year"),
        "{said}"
    );
    let sheet =
        bare().args(["export", "summary", "--format", "csv", "--from", &db.url, "--out", "-"]).output().unwrap();
    let sheet = String::from_utf8_lossy(&sheet.stdout).into_owned();
    assert!(sheet.contains("学生总数,2") && sheet.contains("第1小学,2,"), "{sheet}");

    // Last year, in the classes they were in then, as the drive shows it.
    let last = year.to_string();
    let closed = rollup(&db, &["--school", "第1小学", "--year", &last]);
    let then = json(canbao(&a).args(["--year", &last, "stats", "--json"]));
    assert_eq!(class_counts(&closed), class_counts(&then), "{closed}");
    assert_eq!((closed["students"].as_i64(), closed["former"].as_i64()), (Some(6), Some(0)), "{closed}");
    assert_eq!(closed["left"], then["enrollment"]["left"], "{closed}");
    assert_eq!(category_count(&closed, "低保对象"), Some(2), "both at school then: {closed}");

    // A county left at schema 3 (no class per insured year), read before a push brings it forward.
    db.client()
        .batch_execute(
            "ALTER TABLE canbao.statuses DROP COLUMN grade, DROP COLUMN class, DROP COLUMN class_order;
             DROP TABLE canbao.other_school_pupils;
             ALTER TABLE canbao.pupils DROP COLUMN class_promoted, DROP COLUMN class_made_in, DROP COLUMN class_from;
             UPDATE canbao.canbao_meta SET value = '3' WHERE key = 'schema_version';",
        )
        .unwrap();
    let old = rollup(&db, &[]);
    assert_eq!((old["students"].as_i64(), old["former"].as_i64()), (Some(2), Some(4)), "{old}");
    let old_closed = rollup(&db, &["--year", &last]);
    assert_eq!(old_closed["students"], 6, "last year keeps every pupil it had: {old_closed}");
}

/// A pupil as a merge or the county ends with it: (enrollment, payment, amount in fen, channel, categories).
type Settled = (String, String, Option<i64>, Option<String>, Vec<String>);

/// What a merge of two copies ends with for pupil `id`, merged either way (the two must agree): what the county
/// must end with once both copies are pushed.
fn merged(dir: &Path, jia: &Path, yi: &Path, id: &str) -> Settled {
    use canbao::store::Store;
    let ways: Vec<Settled> = [(jia, yi, "甲into乙.db"), (yi, jia, "乙into甲.db")]
        .iter()
        .map(|&(from, into, name)| {
            let path = dir.join(name);
            std::fs::copy(into, &path).unwrap();
            let mut s = Store::open(&path).unwrap();
            s.merge_from(from, false).unwrap();
            let p = s.student_by_id_number(id).unwrap().unwrap();
            let mut categories: Vec<String> = p.categories.iter().map(|c| c.name.clone()).collect();
            categories.sort();
            (
                p.enrollment.code().to_owned(),
                p.payment.code().to_owned(),
                p.payment_details.amount_fen,
                p.payment_details.channel.clone(),
                categories,
            )
        })
        .collect();
    assert_eq!(ways[0], ways[1], "the merge either way");
    ways[0].clone()
}

/// The county's pupil `id` in the insured year its drive is in, as [`merged`] reads a merge's.
fn county_settled(db: &TestDb, id: &str) -> Settled {
    let row = db
        .client()
        .query_one(
            "SELECT s.enrollment, s.payment, s.paid_amount_fen, s.paid_channel, p.categories::text
             FROM canbao.statuses s JOIN canbao.pupils p ON p.id = s.pupil_id
             WHERE p.id_number = $1 ORDER BY s.year DESC LIMIT 1",
            &[&id],
        )
        .unwrap();
    let list: Vec<Value> = serde_json::from_str(&row.get::<_, String>(4)).unwrap();
    let mut categories: Vec<String> = list.iter().map(|m| m["name"].as_str().unwrap().to_owned()).collect();
    categories.sort();
    (row.get(0), row.get(1), row.get(2), row.get(3), categories)
}

/// The day the county's pupil `id` paid, in the insured year its drive is in, as [`county_settled`] reads it.
fn county_paid_on(db: &TestDb, id: &str) -> Option<String> {
    db.client()
        .query_one(
            "SELECT s.paid_on FROM canbao.statuses s JOIN canbao.pupils p ON p.id = s.pupil_id
             WHERE p.id_number = $1 ORDER BY s.year DESC LIMIT 1",
            &[&id],
        )
        .unwrap()
        .get(0)
}

fn pay(s: &mut canbao::store::Store, id: &str, at: &str, status: &str, channel: Option<&str>) {
    use canbao::domain::student::{PaymentDetails, PaymentStatus};
    s.set_fixed_clock(at);
    let pupil = s.student_by_id_number(id).unwrap().unwrap().id;
    let details = match channel {
        Some(channel) => PaymentDetails { amount_fen: Some(38000), paid_on: None, channel: Some(channel.into()) },
        None => PaymentDetails::default(),
    };
    s.set_payment(pupil, PaymentStatus::from_code(status).unwrap(), &details).unwrap();
}

/// Both laptops hold a family's payment; 甲 fixes its channel while 乙 takes it back (a refund, 重复缴费已退). 乙
/// took back a payment it held, knowing of it: the newer of the two changes wins at the county, pushed in either
/// order, as a merge of the two laptops decides it; where the county kept the payment over 乙's newer refund as
/// one recorded without knowing of it.
#[test]
fn a_payment_both_laptops_held_taken_back_on_one_while_the_other_fixes_its_channel_goes_to_the_newer() {
    for yi_later in [true, false] {
        let dir = tempfile::tempdir().unwrap();
        let (fix_at, back_at) = if yi_later {
            ("2099-11-23T10:00:00+08:00", "2099-11-23T10:00:01+08:00")
        } else {
            ("2099-11-23T10:00:01+08:00", "2099-11-23T10:00:00+08:00")
        };
        let (jia, yi) = two_copies_certified(
            dir.path(),
            |s, ids| pay(s, &ids[0], "2099-11-20T10:00:00+08:00", "paid", Some("微信")),
            |s, ids| pay(s, &ids[0], fix_at, "paid", Some("支付宝")),
            |s, ids| pay(s, &ids[0], back_at, "unpaid", None),
        );
        let id = pupil_id(0, 0);
        let expected = merged(dir.path(), &jia, &yi, &id);
        let (payment, channel) = if yi_later { ("unpaid", None) } else { ("paid", Some("支付宝".to_owned())) };
        assert_eq!((expected.1.as_str(), expected.3.clone()), (payment, channel), "the merge: {expected:?}");
        each_push_order(&jia, &yi, |db, order| {
            let pushed = push(&db, &order, &[]);
            assert_eq!(county_settled(&db, &id), expected, "乙 later: {yi_later}, {order:?}: {pushed}");
            let conflicts = pushed["conflicts"].as_array().unwrap();
            assert!(conflicts.iter().all(|c| c["payment_kept"].is_null()), "no payment stood: {pushed}");
            assert!(conflicts.iter().any(|c| c["field"] == "payment"), "listed as a conflict: {pushed}");
        });
    }
}

/// 甲 takes a payment and takes it back (未缴费, 未确认 again) while 乙, its clock a day behind, takes the same
/// family's payment: 乙's stands at the county, and with it the enrollment it was taken with (在校参保), pushed in
/// either order, as a merge of the two laptops keeps it; where the county held paid beside 甲's newer 未确认, a
/// pair no mark makes, which the roll-up counted as 在校参保.
#[test]
fn a_payment_that_stands_keeps_the_enrollment_it_was_taken_with_over_an_unconfirmed_made_apart() {
    use canbao::domain::student::Enrollment;
    let dir = tempfile::tempdir().unwrap();
    let (jia, yi) = two_copies_certified(
        dir.path(),
        |_, _| {},
        |s, ids| {
            pay(s, &ids[0], "2099-11-23T10:00:00+08:00", "paid", Some("微信"));
            pay(s, &ids[0], "2099-11-23T10:01:00+08:00", "unpaid", None);
            let pupil = s.student_by_id_number(&ids[0]).unwrap().unwrap().id;
            s.set_enrollment(pupil, Enrollment::Unknown, None).unwrap();
        },
        |s, ids| pay(s, &ids[0], "2099-11-22T10:00:00+08:00", "paid", Some("微信")),
    );
    let id = pupil_id(0, 0);
    let expected = merged(dir.path(), &jia, &yi, &id);
    assert_eq!((expected.0.as_str(), expected.1.as_str()), ("here", "paid"), "the merge: {expected:?}");
    each_push_order(&jia, &yi, |db, order| {
        let pushed = push(&db, &order, &[]);
        assert_eq!(county_settled(&db, &id), expected, "{order:?}: {pushed}");
        let enrollment = pushed["conflicts"].as_array().unwrap().iter().find(|c| c["field"] == "enrollment").cloned();
        let enrollment = enrollment.unwrap_or_else(|| panic!("the enrollment not applied is a conflict: {pushed}"));
        assert_eq!((&enrollment["kept"], &enrollment["lost"]), (&"here".into(), &"unknown".into()), "{enrollment}");
        assert_eq!(enrollment["payment_kept"], "paid", "{enrollment}");
        let county = rollup(&db, &[]);
        assert_eq!((county["paid"].as_i64(), county["enrolled"].as_i64()), (Some(1), Some(1)), "{county}");
        for file in order {
            let again = push(&db, &[file], &[]);
            assert!(again["conflicts"].as_array().unwrap().is_empty(), "{again}");
            assert_eq!(county_settled(&db, &id), expected, "{again}");
        }
    });
}

/// 甲 and 乙 certify one pupil's categories apart in the same second (a tax office's and a civil affairs list
/// reconciled on two laptops at once), and one of them merges the other's file: the county ends with the union,
/// pushed in either order, as a merge of the two laptops does; where the merged laptop's newest categories change
/// looked like the copied certification of the same second, which the county had from the other laptop, and the
/// certification made on the merged laptop never reached the county.
#[test]
fn categories_certified_apart_in_one_second_reach_the_county_from_the_laptop_that_merged_them() {
    for yi_merges in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let at = "2099-11-23T10:00:00+08:00";
        let (jia, yi) = two_copies_certified(
            dir.path(),
            |_, _| {},
            |s, ids| certify(s, &ids[0], at, &[("特困人员", "民政")]),
            |s, ids| certify(s, &ids[0], at, &[("低保对象", "民政")]),
        );
        let (merging, other) = if yi_merges { (&yi, &jia) } else { (&jia, &yi) };
        {
            let mut s = canbao::store::Store::open(merging).unwrap();
            s.set_fixed_clock(at);
            s.merge_from(other, false).unwrap();
        }
        let id = pupil_id(0, 0);
        let expected = merged(dir.path(), &jia, &yi, &id);
        assert_eq!(expected.4, ["低保对象", "特困人员"], "the merge: {expected:?}");
        each_push_order(&jia, &yi, |db, order| {
            let pushed = push(&db, &order, &[]);
            assert_eq!(county_settled(&db, &id), expected, "{} merged, {order:?}: {pushed}", merging.display());
            assert!(pushed["conflicts"].as_array().unwrap().is_empty(), "{pushed}");
            for file in order {
                let again = push(&db, &[file], &[]);
                assert!(again["conflicts"].as_array().unwrap().is_empty(), "{again}");
                assert_eq!(again["updated"], 0, "{again}");
            }
        });
    }
}

/// A pupil's (grade and class, enrollment in the newest year) in a store.
fn store_class_enrollment(path: &Path, id: &str) -> (String, String) {
    let s = canbao::store::Store::open(path).unwrap();
    let p = s.student_by_id_number(id).unwrap().unwrap();
    (p.class_label(), p.enrollment.code().to_owned())
}

/// The county's (grade and class, enrollment in the newest year) of pupil `id`.
fn county_class_enrollment(db: &TestDb, id: &str) -> (String, String) {
    (county_class(db, id), county_status(db, id).0)
}

/// A pupil recorded 已离校 on the drive both laptops copied, corrected back on A (and paid) before A's promotion
/// moved them up a grade, while B's promotion, earlier and from the uncorrected state, moved them out as 已离校:
/// the county ends as a merge of the two laptops does (the pupil a grade up, 未确认 in the new year), whichever
/// laptop pushes first; where the move out's own grade row was read as what it moved from and won at the county.
#[test]
fn a_correction_of_an_already_left_before_one_promotion_outweighs_the_other_laptops_move_out_at_the_county() {
    use canbao::domain::student::{Enrollment, PaymentStatus};
    use canbao::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 4);
    let id = pupil_id(0, 0);
    {
        let mut s = Store::open(&a).unwrap();
        s.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let p = s.student_by_id_number(&id).unwrap().unwrap().id;
        s.set_enrollment(p, Enrollment::Left, Some("转学")).unwrap();
    }
    let b = laptop_copy(dir.path(), &a, "lapB");
    {
        let mut s = Store::open(&b).unwrap();
        s.set_fixed_clock("2026-11-24T22:41:21+08:00");
        let year = s.current_year().unwrap();
        s.start_year(year + 1, true, None, false).unwrap();
    }
    {
        let mut s = Store::open(&a).unwrap();
        s.set_fixed_clock("2026-11-24T22:43:00+08:00");
        let p = s.student_by_id_number(&id).unwrap().unwrap().id;
        s.set_enrollment(p, Enrollment::Here, None).unwrap();
        pay(&mut s, &id, "2026-11-24T22:43:00+08:00", "paid", Some("微信"));
        s.set_fixed_clock("2026-11-24T22:44:46+08:00");
        let year = s.current_year().unwrap();
        s.start_year(year + 1, true, None, false).unwrap();
        assert_eq!(s.student_by_id_number(&id).unwrap().unwrap().payment, PaymentStatus::Unpaid, "a new year");
    }
    let merged_way = |from: &Path, into: &Path, name: &str| {
        let path = dir.path().join(name);
        std::fs::copy(into, &path).unwrap();
        Store::open(&path).unwrap().merge_from(from, false).unwrap();
        store_class_enrollment(&path, &id)
    };
    let expected = merged_way(&a, &b, "a_into_b.db");
    assert_eq!(expected, merged_way(&b, &a, "b_into_a.db"), "the merge either way");
    assert_eq!(expected.1, "unknown", "the merge: {expected:?}");
    assert_ne!(store_class_enrollment(&b, &id).0, expected.0, "B moved the pupil out");
    each_push_order(&a, &b, |db, order| {
        push(&db, &[order[0]], &[]);
        let second = push(&db, &[order[1]], &[]);
        assert_eq!(county_class_enrollment(&db, &id), expected, "{order:?}: {second}");
        let again = push(&db, &[&a, &b], &[]);
        assert_eq!(county_class_enrollment(&db, &id), expected, "{order:?} again: {again}");
    });
}

/// One laptop marks a pupil 已离校 and starts the next year, which moves him out of the classes; the other, from
/// the copy before that mark, starts the year too and marks him 在校参保 for it. Pushed unmerged in either order,
/// the county keeps him in his class a grade up and 在校参保, as a merge of the two does
/// (`class_rule::stays_in_class`), where before the move out won the class and the county had him in no class
/// while 在校参保.
#[test]
fn a_pupil_moved_out_by_one_laptop_and_marked_for_the_new_year_on_the_other_stays_in_his_class_at_the_county() {
    use canbao::domain::student::Enrollment;
    use canbao::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 4);
    let id = pupil_id(0, 0);
    let b = laptop_copy(dir.path(), &a, "lapB");
    let start_year = |s: &mut Store, at: &str| {
        s.set_fixed_clock(at);
        let year = s.current_year().unwrap();
        s.start_year(year + 1, true, None, false).unwrap();
    };
    {
        let mut s = Store::open(&b).unwrap();
        start_year(&mut s, "2026-11-24T09:00:00+08:00");
        s.set_fixed_clock("2026-11-24T09:30:00+08:00");
        let p = s.student_by_id_number(&id).unwrap().unwrap().id;
        s.set_enrollment(p, Enrollment::Here, None).unwrap();
    }
    {
        // The move out's start of the year is the later of the two.
        let mut s = Store::open(&a).unwrap();
        s.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let p = s.student_by_id_number(&id).unwrap().unwrap().id;
        s.set_enrollment(p, Enrollment::Left, Some("转学")).unwrap();
        start_year(&mut s, "2026-11-24T10:00:00+08:00");
    }
    let merged_way = |from: &Path, into: &Path, name: &str| {
        let path = dir.path().join(name);
        std::fs::copy(into, &path).unwrap();
        Store::open(&path).unwrap().merge_from(from, false).unwrap();
        store_class_enrollment(&path, &id)
    };
    let expected = merged_way(&a, &b, "a_into_b.db");
    assert_eq!(expected, merged_way(&b, &a, "b_into_a.db"), "the merge either way");
    assert_eq!(expected, store_class_enrollment(&b, &id), "the merge keeps B's class and mark");
    assert_eq!(expected.1, "here", "{expected:?}");
    assert_ne!(store_class_enrollment(&a, &id).0, expected.0, "A moved the pupil out");
    each_push_order(&a, &b, |db, order| {
        push(&db, &[order[0]], &[]);
        let second = push(&db, &[order[1]], &[]);
        assert_eq!(county_class_enrollment(&db, &id), expected, "{order:?}: {second}");
        let again = push(&db, &[&a, &b], &[]);
        assert_eq!(county_class_enrollment(&db, &id), expected, "{order:?} again: {again}");
    });
}

/// A drive of insured year 2024 under yibin-2024 (380 due from a family), holding `pupils` children of one school.
fn drive_2024(dir: &Path, pupils: usize) -> PathBuf {
    let db = dir.join("yibin.db");
    {
        let store = canbao::store::Store::open(&db).expect("new drive");
        let set = "UPDATE meta SET value = '2024' WHERE key IN ('current_year', 'first_year')";
        assert_eq!(store.connection().execute(set, []).expect("the year"), 2);
    }
    let csv = dir.join("yibin.csv");
    let mut text = String::from("姓名,身份证号,所在年级、班级\n");
    for n in 0..pupils {
        text.push_str(&format!("学生{n},{},三年级{}班\n", pupil_id(0, n), n % 2 + 1));
    }
    std::fs::write(&csv, text).unwrap();
    canbao(&db).args(["import", "--school", "第一小学"]).arg(&csv).assert().success();
    canbao(&db).args(["policy", "use", "yibin-2024"]).assert().success();
    db
}

/// A family that paid 300 of the 380 due is part-paid at the county as on the school's laptop: in 家庭缴费 and
/// counted part-paid, not insured (so 应参保 only while at school: a part-payer who left is one who left unpaid),
/// in the school's and each class's figures, as the drive's `stats` counts them; where before the county counted
/// the pupil insured. A county from before the schema kept the amount due counts as it did until the drive is
/// pushed again.
#[test]
fn a_part_payment_rolls_up_as_the_schools_stats_count_it() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let drive = drive_2024(dir.path(), 6);
    let paid = |n: usize, amount: &str| {
        mark(&drive, &pupil_id(0, n), &["--payment", "paid", "--amount", amount, "--paid-on", "2023-10-08", "--yes"])
    };
    paid(0, "380");
    paid(1, "300");
    paid(2, "300");
    mark(&drive, &pupil_id(0, 2), &["--enrollment", "left"]);
    let stats = json(canbao(&drive).args(["stats", "--json"]));
    // The part-payer who left is asked for nothing: not counted part-paid, here or at the county.
    assert_eq!((stats["part_paid"].as_i64(), stats["insured"].as_i64()), (Some(1), Some(1)), "{stats}");
    assert_eq!(stats["expected"], 5, "{stats}");
    let agrees = |county: &Value| {
        let line = &county["schools"][0];
        assert_eq!(line["school"], "第一小学", "{county}");
        for (ours, theirs) in [("students", "students"), ("enrolled", "insured"), ("expected", "expected")] {
            assert_eq!((ours, &line[ours]), (ours, &stats[theirs]), "{county} {stats}");
        }
        assert_eq!(line["paid"], stats["payment"]["paid"], "{county} {stats}");
        assert_eq!(line["part_paid"], stats["part_paid"], "{county} {stats}");
        assert_eq!(county["enrolled"], stats["insured"], "{county}");
        let school = rollup(&db, &["--school", "第一小学"]);
        assert_eq!(class_counts(&school), class_counts(&stats), "{school}");
    };
    push(&db, &[&drive], &[]);
    agrees(&rollup(&db, &[]));
    // Pushed again, nothing has changed.
    let again = push(&db, &[&drive], &[]);
    assert_eq!(again["updated"], 0, "{again}");

    // A county whose schema predates the amount due: counted as before (paid, insured), then brought forward
    // and judged by the next push of the same drive.
    let older = canbao::county::schema::PART_PAID_VERSION - 1;
    db.client()
        .batch_execute(&format!(
            "ALTER TABLE canbao.statuses DROP COLUMN amount_due_fen;
             UPDATE canbao.canbao_meta SET value = '{older}' WHERE key = 'schema_version'"
        ))
        .unwrap();
    let before = rollup(&db, &[]);
    assert_eq!((before["part_paid"].as_i64(), before["enrolled"].as_i64()), (Some(0), Some(3)), "{before}");
    let upgraded = push(&db, &[&drive], &[]);
    assert_eq!(upgraded["updated"], 2, "the two part-payers judged: {upgraded}");
    agrees(&rollup(&db, &[]));
}

/// A closed year's part payment rolls up as the drive's `stats --year` counts it from the laptop that started the
/// next year as from the one still in it, and pushing either again changes nothing: where before the laptop that
/// moved on sent no judgement for its closed year, so the county counted the part-payer insured after its push
/// and part-paid after the other's, flipping on every push.
#[test]
fn a_closed_years_part_payment_rolls_up_alike_whichever_laptop_pushed_last() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let still = drive_2024(dir.path(), 4);
    for (n, amount) in [(0, "380"), (1, "300")] {
        mark(&still, &pupil_id(0, n), &["--payment", "paid", "--amount", amount, "--paid-on", "2023-10-08", "--yes"]);
    }
    let moved_on = dir.path().join("moved_on.db");
    std::fs::copy(&still, &moved_on).unwrap();
    close_year(&moved_on, &home, 2025);
    let stats = json(canbao(&still).args(["stats", "--json"]));
    assert_eq!((stats["part_paid"].as_i64(), stats["insured"].as_i64()), (Some(1), Some(1)), "{stats}");
    let closed = json(canbao(&moved_on).args(["--year", "2024", "stats", "--json"]));
    for key in ["part_paid", "insured", "expected"] {
        assert_eq!((key, &closed[key]), (key, &stats[key]), "{closed} {stats}");
    }
    let agrees = |pushed: &Value| {
        let county = rollup(&db, &["--year", "2024"]);
        for (ours, theirs) in [("enrolled", "insured"), ("part_paid", "part_paid"), ("expected", "expected")] {
            assert_eq!((ours, &county[ours]), (ours, &stats[theirs]), "{county} {stats} after {pushed}");
        }
    };
    agrees(&push(&db, &[&moved_on], &[]));
    agrees(&push(&db, &[&still], &[]));
    for file in [&moved_on, &still, &moved_on] {
        let again = push(&db, &[file], &[]);
        assert_eq!(again["updated"], 0, "{again}");
        agrees(&again);
    }
}

/// A 财政代缴 mark on a 低保 pupil under yibin-2024 (the department's 285 of 380, the family's 95 unpaid: a mark
/// from before the rule refusing it, or merged from a laptop without it) rolls up as the school's `stats` counts
/// it: part-paid, not insured, where before the county counted her insured; a 特困 pupil's (a full subsidy) is
/// insured as before, and the family's 95 recorded makes her insured at the county too.
#[test]
fn a_departments_share_without_the_familys_rolls_up_as_the_schools_stats_count_it() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let drive = drive_2024(dir.path(), 4);
    let list = dir.path().join("categories.csv");
    let (dibao, tekun) = (pupil_id(0, 0), pupil_id(0, 1));
    std::fs::write(&list, format!("姓名,身份证号码,人员类别\n学生0,{dibao},低保对象\n学生1,{tekun},特困人员\n"))
        .unwrap();
    canbao(&drive).args(["reconcile", "--source", "categories"]).arg(&list).assert().success();
    canbao(&drive).args(["policy", "use", "liuzhou-2023"]).assert().success();
    mark(&drive, &dibao, &["--payment", "government", "--at-school"]);
    // yibin-2024 reads 低保's 财政代缴 as short of the family's share: asked, and meant here.
    canbao(&drive).args(["policy", "use", "yibin-2024", "--yes"]).assert().success();
    mark(&drive, &tekun, &["--payment", "government"]);
    let agrees = |insured: i64, part_paid: i64| {
        let stats = json(canbao(&drive).args(["stats", "--json"]));
        assert_eq!((stats["insured"].as_i64(), stats["part_paid"].as_i64()), (Some(insured), Some(part_paid)));
        push(&db, &[&drive], &[]);
        let county = rollup(&db, &[]);
        let line = &county["schools"][0];
        for (ours, theirs) in [("students", "students"), ("enrolled", "insured"), ("expected", "expected")] {
            assert_eq!((ours, &line[ours]), (ours, &stats[theirs]), "{county} {stats}");
        }
        assert_eq!(line["part_paid"], stats["part_paid"], "{county} {stats}");
        let school = rollup(&db, &["--school", "第一小学"]);
        assert_eq!(class_counts(&school), class_counts(&stats), "{school}");
    };
    agrees(1, 1);
    mark(&drive, &dibao, &["--payment", "paid", "--amount", "95", "--paid-on", "2023-10-08"]);
    agrees(2, 0);
}

/// A 低保 pupil whom liuzhou-2023 sends to enroll at the place that approved the benefit (待遇审批地), nobody having
/// registered her here, is not 应参保 at the county, as the school's `stats` leaves her out: the county's 参保率 is
/// the school's, where before the county counted her due at school. Once confirmed 异地参保 she is counted as
/// anyone else, at the school and at the county alike.
#[test]
fn a_pupil_the_policy_sends_to_enroll_away_is_not_due_at_the_county_as_at_the_school() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let drive = drive_2024(dir.path(), 4);
    let list = dir.path().join("categories.csv");
    let dibao = pupil_id(0, 0);
    std::fs::write(&list, format!("姓名,身份证号码,人员类别\n学生0,{dibao},低保对象\n")).unwrap();
    canbao(&drive).args(["reconcile", "--source", "categories"]).arg(&list).assert().success();
    canbao(&drive).args(["policy", "use", "liuzhou-2023"]).assert().success();
    mark(&drive, &pupil_id(0, 1), &["--payment", "paid", "--amount", "380", "--paid-on", "2023-10-08", "--yes"]);
    let agrees = |due_away: i64| {
        let stats = json(canbao(&drive).args(["stats", "--json"]));
        assert_eq!(stats["due_away"].as_i64(), Some(due_away), "{stats}");
        push(&db, &[&drive], &[]);
        let county = rollup(&db, &[]);
        let line = &county["schools"][0];
        for (ours, theirs) in [("students", "students"), ("enrolled", "insured"), ("expected", "expected")] {
            assert_eq!((ours, &line[ours]), (ours, &stats[theirs]), "{county} {stats}");
        }
        assert_eq!(
            (county["expected"].as_i64(), county["due_away"].as_i64()),
            (stats["expected"].as_i64(), Some(due_away))
        );
        let school = rollup(&db, &["--school", "第一小学"]);
        let expected = |v: &Value| -> Vec<(String, i64)> {
            v["classes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c["class"].to_string(), c["expected"].as_i64().unwrap()))
                .collect()
        };
        assert_eq!(expected(&school), expected(&stats), "{school} {stats}");
    };
    agrees(1);
    mark(&drive, &dibao, &["--enrollment", "elsewhere"]);
    agrees(0);
}

/// Pupil `n` of the first school as its class list gives them (三年级1班), for a drive made with the store's clock.
fn listed_pupil(name: &str, n: usize) -> canbao::store::Incoming {
    let id = pupil_id(0, n);
    canbao::store::Incoming {
        school: "第1小学".into(),
        school_given: true,
        name: name.into(),
        id_raw: id.clone(),
        id: canbao::domain::id_number::check(&id, chrono::NaiveDate::from_ymd_opt(2099, 11, 23).unwrap()),
        grade: "三年级".into(),
        class: "1班".into(),
        phone: String::new(),
        ethnicity: String::new(),
        address: String::new(),
        status: Default::default(),
        categories: Vec::new(),
        note: String::new(),
        source: "school0.csv:2".into(),
        repeat: None,
        birth_date: None,
        sex: None,
    }
}

/// A pupil's name and class as a store holds them.
fn store_name_class(s: &canbao::store::Store, id: &str) -> (String, String) {
    let p = s.student_by_id_number(id).unwrap().unwrap();
    (p.name, format!("{}{}", p.grade, p.class))
}

/// Laptop 甲 imports the list, then corrects one pupil's name (a list imported again) and moves another to 9班;
/// laptop 丙, a drive of its own, imports the original list a day later. 丙's import only says what 甲's list
/// said before 甲 corrected it: the corrections stand at the county, pushed in either order, as a merge of the two
/// laptops keeps them (`made_apart::bare_creation`), each listed as a conflict the correction won; where the
/// newer of the two won, and 丙's first import undid 甲's corrections (or, 丙 pushed first, a correction pushed
/// after it did not reach the county).
#[test]
fn a_first_import_on_another_laptop_does_not_undo_corrections_at_the_county_in_either_order() {
    use canbao::store::{Field, FieldChange, Store};
    let dir = tempfile::tempdir().unwrap();
    let ids = [pupil_id(0, 0), pupil_id(0, 1)];
    let rows = [listed_pupil("王明", 0), listed_pupil("朱秀艳", 1)];
    let (jia, bing) = (dir.path().join("甲.db"), dir.path().join("丙.db"));
    let mut a = Store::open(&jia).unwrap();
    a.set_fixed_clock("2099-11-23T09:00:00+08:00");
    a.apply_import(&rows, &[], 0, false).unwrap();
    a.set_fixed_clock("2099-11-24T09:00:00+08:00");
    let pupil = |s: &Store, id: &str| s.student_by_id_number(id).unwrap().unwrap().id;
    a.change(pupil(&a, &ids[0]), "import", &[FieldChange::new(Field::Name, Some("王明明"))]).unwrap();
    a.change(pupil(&a, &ids[1]), "import", &[FieldChange::new(Field::Class, Some("9班"))]).unwrap();
    let mut c = Store::open(&bing).unwrap();
    c.set_fixed_clock("2099-11-25T09:00:00+08:00");
    c.apply_import(&rows, &[], 0, false).unwrap();
    drop((a, c));
    // What a merge of the two laptops ends with, merged either way.
    let merged: Vec<Vec<(String, String)>> = [(&jia, &bing, "甲into丙.db"), (&bing, &jia, "丙into甲.db")]
        .iter()
        .map(|&(from, into, name)| {
            let path = dir.path().join(name);
            std::fs::copy(into, &path).unwrap();
            let mut s = Store::open(&path).unwrap();
            s.merge_from(from, false).unwrap();
            ids.iter().map(|id| store_name_class(&s, id)).collect()
        })
        .collect();
    assert_eq!(merged[0], merged[1], "the merge either way");
    let expected = merged[0].clone();
    assert_eq!((expected[0].0.as_str(), expected[1].1.as_str()), ("王明明", "三年级9班"), "the merge: {expected:?}");
    each_push_order(&jia, &bing, |db, order| {
        let pushed = push(&db, &order, &[]);
        let county: Vec<(String, String)> = ids
            .iter()
            .map(|id| {
                let row = db
                    .client()
                    .query_one("SELECT name, grade || class FROM canbao.pupils WHERE id_number = $1", &[id])
                    .unwrap();
                (row.get(0), row.get(1))
            })
            .collect();
        assert_eq!(county, expected, "{order:?}: {pushed}");
        let mut listed: Vec<(String, String, String)> = pushed["conflicts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
                (text(&c["field"]), text(&c["kept"]), text(&c["lost"]))
            })
            .collect();
        listed.sort();
        let expected_conflicts = [
            ("class".to_owned(), "三年级9班".to_owned(), "三年级1班".to_owned()),
            ("name".to_owned(), "王明明".to_owned(), "王明".to_owned()),
        ];
        assert_eq!(listed, expected_conflicts, "{order:?}: {pushed}");
        for file in order {
            let again = push(&db, &[file], &[]);
            assert!(again["conflicts"].as_array().unwrap().is_empty(), "{again}");
            assert_eq!(again["updated"], 0, "{again}");
        }
    });
}

/// The tax office's list recorded by a reconciliation: 380 paid on 20 November 2026 through the bank.
fn reconcile_by_bank(s: &mut canbao::store::Store, id: &str, at: &str) {
    use canbao::domain::student::PaymentChannel;
    use canbao::store::{Change, ChangeOptions, Payment};
    s.set_fixed_clock(at);
    let paid = vec![Change::Payment(Payment::Paid {
        amount_fen: Some(38000),
        paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
        channel: Some(PaymentChannel::Bank),
    })];
    let pupil = s.student_by_id_number(id).unwrap().unwrap().id;
    s.apply_changes_with_receipts("reconcile", &[(pupil, paid)], &[None], ChangeOptions::default()).unwrap();
}

/// 甲 reconciles the tax office's list (380, 20 November, 银行) while 乙, never having seen it, marks the pupil
/// paid a minute later saying nothing more (380, dated the day, no channel): one payment, whose record is the tax
/// office's. It stands at the county, pushed in either order, as a merge of the two laptops keeps it
/// (`made_apart::tax_record_stands`), and the conflicts say so; a channel 甲 corrected by hand over its record
/// (`--force`) stands the same. Where the county kept the newer of the two, 乙's bare mark undid the record.
#[test]
fn a_bare_hand_mark_made_apart_does_not_replace_the_tax_offices_record_at_the_county_in_either_order() {
    use canbao::domain::student::{PaymentDetails, PaymentStatus};
    for corrected in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let (jia, yi) = two_copies_certified(
            dir.path(),
            |_, _| {},
            |s, ids| {
                reconcile_by_bank(s, &ids[0], "2099-11-24T10:00:00+08:00");
                if corrected {
                    s.set_fixed_clock("2099-11-24T10:00:30+08:00");
                    let pupil = s.student_by_id_number(&ids[0]).unwrap().unwrap().id;
                    let cash = PaymentDetails {
                        amount_fen: Some(38000),
                        paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
                        channel: Some("现金".into()),
                    };
                    s.set_payment(pupil, PaymentStatus::Paid, &cash).unwrap();
                }
            },
            |s, ids| {
                s.set_fixed_clock("2099-11-24T10:01:00+08:00");
                let pupil = s.student_by_id_number(&ids[0]).unwrap().unwrap().id;
                let bare = PaymentDetails {
                    amount_fen: Some(38000),
                    paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 24),
                    channel: None,
                };
                s.set_payment(pupil, PaymentStatus::Paid, &bare).unwrap();
            },
        );
        let id = pupil_id(0, 0);
        let expected = merged(dir.path(), &jia, &yi, &id);
        let channel = if corrected { "现金" } else { "银行" };
        assert_eq!((expected.1.as_str(), expected.3.as_deref()), ("paid", Some(channel)), "the merge: {expected:?}");
        each_push_order(&jia, &yi, |db, order| {
            let pushed = push(&db, &order, &[]);
            assert_eq!(county_settled(&db, &id), expected, "corrected {corrected}, {order:?}: {pushed}");
            let paid_on = county_paid_on(&db, &id);
            assert_eq!(paid_on.as_deref(), Some("2026-11-20"), "{order:?}: {pushed}");
            let conflicts = pushed["conflicts"].as_array().unwrap();
            let dates: Vec<(&Value, &Value, &Value)> = conflicts
                .iter()
                .filter(|c| c["field"] == "paid_on")
                .map(|c| (&c["kept"], &c["lost"], &c["tax_record_kept"]))
                .collect();
            assert_eq!(dates, [(&"2026-11-20".into(), &"2026-11-24".into(), &true.into())], "{order:?}: {pushed}");
            assert!(conflicts.iter().all(|c| c["tax_record_kept"] == true), "{order:?}: {pushed}");
            for file in order {
                let again = push(&db, &[file], &[]);
                assert!(again["conflicts"].as_array().unwrap().is_empty(), "{again}");
                assert_eq!(county_settled(&db, &id), expected, "{again}");
            }
        });
        // Said in words as a merge says it, the number masked.
        let Some(fresh) = TestDb::new() else { return };
        bare().args(["push", "--accept-clock", "--to", &fresh.url]).arg(&jia).assert().success();
        let out = bare().args(["push", "--accept-clock", "--to", &fresh.url]).arg(&yi).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(text.contains("「缴费日期") && text.contains("保留的是核对税务名单时记录的"), "{text}");
        assert!(text.contains("学生00") && !text.contains(&id), "{text}");
    }
}

/// Ctrl-C during a push cancels the statement the server is running: the file's transaction rolls back there,
/// the county holds none of it, and the command says so with a stopped process's status, where it used to end
/// without a word. Had the signal come after the commit, the push is said to be kept and the county holds it all.
#[cfg(unix)]
#[test]
fn a_push_stopped_by_ctrl_c_is_rolled_back_at_the_county_and_said() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let pupils: i64 = 60_000;
    let mut text = String::from("姓名,身份证号码,班级\n");
    for i in 0..pupils {
        let body = format!("450202{}{:02}{:02}{:03}", 2010 + i % 8, 1 + i / 28 % 12, 1 + i % 28, i / 336 % 1000);
        text.push_str(&format!("学生{i},{},{}班\n", valid_id(&body), 1 + i % 9));
    }
    let csv = dir.path().join("big.csv");
    std::fs::write(&csv, text).unwrap();
    let drive = dir.path().join("big.db");
    canbao(&drive).args(["import", "--school", "第一小学"]).arg(&csv).assert().success();
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_canbao"))
        .env_remove("CANBAO_DB")
        .env_remove("CANBAO_PG")
        .arg("push")
        .arg(&drive)
        .args(["--to", &db.url])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Once canbao catches SIGINT (Linux's /proc says so), which it does once it is connected.
    let status = format!("/proc/{}/status", child.id());
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        let mask = std::fs::read_to_string(&status).ok().and_then(|s| {
            let mask = s.lines().find_map(|l| l.strip_prefix("SigCgt:"))?.trim().to_owned();
            u64::from_str_radix(&mask, 16).ok()
        });
        match mask {
            Some(mask) if mask & (1 << (libc::SIGINT - 1)) != 0 => break,
            Some(_) => std::thread::sleep(Duration::from_millis(10)),
            None => {
                std::thread::sleep(Duration::from_millis(1000));
                break;
            }
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: kill(2) only sends a signal to the child's process id.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0, "the push was still running");
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let mut client = db.client();
    let made: Option<String> = client.query_one("SELECT to_regclass('canbao.pupils')::text", &[]).unwrap().get(0);
    let held: i64 = match made {
        Some(_) => client.query_one("SELECT count(*) FROM canbao.pupils", &[]).unwrap().get(0),
        None => 0,
    };
    assert!(held == 0 || held == pupils, "all of the file or none: {held}");
    if held == pupils {
        eprintln!("push: kept");
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert!(
            err.contains("Ctrl-C 来时上传已经完成") && err.contains("Ctrl-C came after the push was done"),
            "{err}"
        );
    } else {
        eprintln!("push: stopped");
        assert_eq!(out.status.code(), Some(130), "{err}");
        assert!(err.contains("上传已被 Ctrl-C 中止：正在上传的文件已在汇总数据库中全部撤回"), "{err}");
        assert!(err.contains("the push was stopped by Ctrl-C: the file under way was rolled back whole"), "{err}");
    }
}

/// Gives a pupil the categories `names` (民政局's), certified for the drive's year; with `keep`, beside the ones
/// they have, which keep the year they were certified for.
fn categorize(s: &mut canbao::store::Store, id: &str, names: &[&str], keep: bool) {
    let pupil = s.student_by_id_number(id).unwrap().unwrap();
    let mut marks = if keep { pupil.categories } else { Vec::new() };
    marks.extend(names.iter().map(|n| canbao::domain::student::CategoryMark::new(*n, "民政局")));
    s.set_categories(pupil.id, &marks).unwrap();
}

/// (特殊群体, each category's pupils by name, 待重新认定) for insured year `year` as the drive weighs them itself:
/// the pupils of the year's classes with a category certified for it (`Student::certified_in`), and its own
/// `stats`' count of the pupils whose categories were certified for an earlier year.
fn drive_categories(file: &Path, year: i64) -> (i64, Vec<(String, i64)>, i64) {
    use canbao::store::{Store, StudentFilter, is_former_pupil};
    let year = i32::try_from(year).unwrap();
    let mut store = Store::open(file).unwrap();
    store.view_year(year).unwrap();
    let (mut special, mut names) = (0, std::collections::BTreeMap::<String, i64>::new());
    store
        .for_each_student(&StudentFilter::default(), |s| {
            if !is_former_pupil(&s.grade) {
                let certified = s.certified_in(Some(year));
                special += i64::from(!certified.categories.is_empty());
                for m in &certified.categories {
                    *names.entry(m.name.clone()).or_default() += 1;
                }
            }
            Ok(())
        })
        .unwrap();
    let stats = json(canbao(file).args(["--year", &year.to_string(), "stats", "--json"]));
    let pending = stats["categories_to_recertify"].as_i64().unwrap_or_else(|| panic!("{stats}"));
    (special, names.into_iter().collect(), pending)
}

/// The same three of a roll-up.
fn county_special(county: &Value) -> (i64, Vec<(String, i64)>, i64) {
    let mut names: Vec<(String, i64)> = county["categories"]
        .as_array()
        .unwrap_or_else(|| panic!("{county}"))
        .iter()
        .map(|c| (c["category"].as_str().unwrap_or_default().to_owned(), c["students"].as_i64().unwrap_or(-1)))
        .collect();
    names.sort();
    let pending = county["categories_to_recertify"].as_i64().unwrap_or(-1);
    (county["special"].as_i64().unwrap_or(-1), names, pending)
}

/// A drive that certified its pupils' categories in its first year and closed it: in the new year 学生00 is
/// certified under another category, 学生04 under one for the first time, and 学生02 under one more beside the
/// two carried; 学生01's and 学生03's are carried, 学生03's without a year, as a drive from before the years of
/// categories holds a set (NULL: its first year). Returns the drive and its first year, pushed in both years.
fn categories_across_a_new_year(db: &TestDb, dir: &Path) -> (PathBuf, i64) {
    use canbao::store::Store;
    let a = drive(dir, 0, 6);
    let ids: Vec<String> = (0..6).map(|n| pupil_id(0, n)).collect();
    {
        let mut s = Store::open(&a).unwrap();
        categorize(&mut s, &ids[0], &["低保对象"], false);
        categorize(&mut s, &ids[1], &["孤儿"], false);
        categorize(&mut s, &ids[2], &["低保对象", "孤儿"], false);
        categorize(&mut s, &ids[3], &["特困人员"], false);
    }
    let conn = rusqlite::Connection::open(&a).unwrap();
    let cleared = conn.execute("UPDATE students SET categories_year = NULL WHERE id_number = ?1", [&ids[3]]).unwrap();
    assert_eq!(cleared, 1);
    drop(conn);
    let year = push(db, &[&a], &[])["files"][0]["year"].as_i64().expect("the drive's year");
    close_year(&a, &dir.join("home"), year + 1);
    {
        let mut s = Store::open(&a).unwrap();
        categorize(&mut s, &ids[0], &["特困人员"], false);
        categorize(&mut s, &ids[4], &["重度残疾人"], false);
        categorize(&mut s, &ids[2], &["重度残疾人"], true);
    }
    push(db, &[&a], &[]);
    (a, year)
}

/// A closed year's 特殊群体 are the categories certified for it, not this year's, and this year's leave out the
/// categories carried from an earlier one (待重新认定), counted apart: each year's roll-up is the drive's own
/// `--year` reading, its `stats`' 待重新认定 included.
#[test]
fn each_years_special_groups_are_the_categories_certified_for_it_as_on_the_drive() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (a, year) = categories_across_a_new_year(&db, dir.path());
    let names = |list: &[(&str, i64)]| list.iter().map(|(n, c)| ((*n).to_owned(), *c)).collect::<Vec<_>>();
    let closed = drive_categories(&a, year);
    assert_eq!(closed, (4, names(&[("低保对象", 2), ("孤儿", 2), ("特困人员", 1)]), 0), "the drive's own");
    let current = drive_categories(&a, year + 1);
    assert_eq!(current, (3, names(&[("特困人员", 1), ("重度残疾人", 2)]), 3), "the drive's own");
    assert_eq!(county_special(&rollup(&db, &["--year", &year.to_string()])), closed);
    assert_eq!(county_special(&rollup(&db, &[])), current);
    // Per school too, and said as `stats` says it.
    assert_eq!(county_special(&rollup(&db, &["--school", "第1小学"])), current);
    let text = bare().args(["rollup", "--from", &db.url]).output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout).into_owned();
    assert!(text.contains("人员类别待重新认定 3 人") && text.contains("特殊群体 3，"), "{text}");
    // The county's summary has the line the drive's own summary has.
    let sheet = |cmd: &mut Command| String::from_utf8_lossy(&cmd.output().unwrap().stdout).into_owned();
    let line = "人员类别待重新认定（未计入特殊人员类别）,3";
    let own = sheet(canbao(&a).args(["export", "summary", "--format", "csv", "--out", "-"]));
    assert!(own.contains(line), "the drive's: {own}");
    let county = sheet(bare().args(["export", "summary", "--format", "csv", "--from", &db.url, "--out", "-"]));
    assert!(county.contains(line), "the county's: {county}");
    assert_eq!(push(&db, &[&a], &[])["unchanged"], 6, "and a second push changes nothing");
    assert_eq!(county_special(&rollup(&db, &["--year", &year.to_string()])), closed);
}

/// Two pupils each with 低保对象 certified for the new year and 特困人员 carried from the first (待重新认定):
/// 学生00's list as canbao writes it (the set's year the carried one's), 学生01's keeping the carried one's year in
/// its mark and the set's year the new one's, as a list may hold it. The drive's `stats` weighs each category by
/// its own year and counts both; so do the county's roll-up and its 参保进度汇总, where before they weighed the
/// set's year alone and counted 学生00 only.
#[test]
fn the_county_counts_a_carried_category_by_its_own_year_as_the_drive_does() {
    use canbao::store::Store;
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    let ids: Vec<String> = (0..3).map(|n| pupil_id(0, n)).collect();
    let first = {
        let mut s = Store::open(&a).unwrap();
        categorize(&mut s, &ids[0], &["特困人员"], false);
        i64::from(s.current_year().expect("the drive's year"))
    };
    let year = first + 1;
    close_year(&a, &dir.path().join("home"), year);
    {
        let mut s = Store::open(&a).unwrap();
        categorize(&mut s, &ids[0], &["低保对象"], true);
    }
    let conn = rusqlite::Connection::open(&a).unwrap();
    let list = format!(
        r#"[{{"name":"低保对象","department":"民政局"}},{{"name":"特困人员","department":"民政局","year":{first}}}]"#
    );
    let set = "UPDATE students SET categories = ?2, categories_year = ?3 WHERE id_number = ?1";
    assert_eq!(conn.execute(set, rusqlite::params![ids[1], list, year]).unwrap(), 1);
    drop(conn);
    let (_, _, pending) = drive_categories(&a, year);
    assert_eq!(pending, 2, "the drive's own");
    push(&db, &[&a], &[]);
    let county = rollup(&db, &[]);
    assert_eq!(county["year"].as_i64(), Some(year), "{county}");
    assert_eq!(county["categories_to_recertify"].as_i64(), Some(pending), "{county}");
    let sheet = bare().args(["export", "summary", "--format", "csv", "--from", &db.url, "--out", "-"]).output();
    let sheet = String::from_utf8_lossy(&sheet.unwrap().stdout).into_owned();
    assert!(sheet.contains(&format!("人员类别待重新认定（未计入特殊人员类别）,{pending}")), "{sheet}");
}

/// A county from before schema 10 keeps no closed year's categories, and a set pushed without a year: brought
/// forward by a push, it learns them, and each year rolls up as the drive reads it.
#[test]
fn a_county_database_of_schema_9_is_brought_forward_and_learns_the_closed_years_categories() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (a, year) = categories_across_a_new_year(&db, dir.path());
    // What a canbao before county schema 10 leaves behind: the same rows, no categories per insured year, and
    // 学生03's set without the year its drive left NULL.
    db.client()
        .execute("UPDATE canbao.pupils SET categories_year = NULL WHERE id_number = $1", &[&pupil_id(0, 3)])
        .unwrap();
    db.client()
        .batch_execute(
            "ALTER TABLE canbao.statuses DROP COLUMN categories, DROP COLUMN categories_year;
             UPDATE canbao.canbao_meta SET value = '9' WHERE key = 'schema_version';",
        )
        .unwrap();
    // Read before any push brings it forward: this year as the drive reads it, from the pupils' own sets.
    assert_eq!(county_special(&rollup(&db, &[])), drive_categories(&a, year + 1));
    push(&db, &[&a], &[]);
    let version: String =
        db.client().query_one("SELECT value FROM canbao.canbao_meta WHERE key = 'schema_version'", &[]).unwrap().get(0);
    assert_eq!(version, canbao::county::schema::latest_version().to_string());
    for y in [year, year + 1] {
        assert_eq!(county_special(&rollup(&db, &["--year", &y.to_string()])), drive_categories(&a, y), "{y}");
    }
    let unset: i64 =
        db.client().query_one("SELECT count(*) FROM canbao.pupils WHERE categories_year IS NULL", &[]).unwrap().get(0);
    assert_eq!(unset, 0, "the year a NULL meant is settled");
}

/// `export summary --from URL --out` into a folder inside a folder that is not there either is refused before the
/// county is asked, naming the first folder missing and --make-folders, as a drive's export is; before, the
/// missing-folder check was skipped. Nothing listens on port 1: the refusal comes first.
#[test]
fn the_countys_summary_into_folders_that_are_not_there_is_refused_without_make_folders() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("Dekstop");
    let out = typo.join("2026").join("汇总.xlsx");
    let url = "postgresql://root:e@127.0.0.1:1/x?connect_timeout=2";
    let refused = bare().args(["export", "summary", "--from", url, "--out"]).arg(&out).output().unwrap();
    let said = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(said.contains(&format!("文件夹 {} 不存在", typo.display())) && said.contains("--make-folders"), "{said}");
    assert!(!said.contains("error connecting"), "refused before connecting: {said}");
    assert!(!typo.exists(), "nothing made");
    // With --make-folders the county is asked (and here cannot be reached).
    let asked =
        bare().args(["export", "summary", "--make-folders", "--from", url, "--out"]).arg(&out).output().unwrap();
    assert!(String::from_utf8_lossy(&asked.stderr).contains("error connecting"), "{asked:?}");
}

/// Two laptops of one school: one imported the list with its numbers as text, the other a copy whose numbers a
/// spreadsheet rounded to 15 digits (and two left blank). A merge pairs each rounded or blank pupil with the
/// whole number of the same name (and class) as one child; the county pairs them the same way, whichever
/// drive it has first, and counts the school's children once.
#[test]
fn pupils_held_with_rounded_or_blank_numbers_on_one_laptop_are_the_whole_numbers_children_at_the_county() {
    let dir = tempfile::tempdir().unwrap();
    let pupils = 6;
    let typed = drive(dir.path(), 0, pupils);
    let mut text = String::from("姓名,身份证号,所在年级、班级\n");
    for n in 0..pupils {
        let id = pupil_id(0, n);
        let number = if n < 4 { format!("{}.{}E+17", &id[..1], &id[1..15]) } else { String::new() };
        text.push_str(&format!("学生0{n},{number},三年级{}班\n", n % 2 + 1));
    }
    let csv = dir.path().join("rounded.csv");
    std::fs::write(&csv, text).unwrap();
    let rounded = dir.path().join("rounded.db");
    canbao(&rounded).args(["import", "--school", "第1小学"]).arg(&csv).assert().success();
    let held = json(canbao(&rounded).args(["find", "学生01", "--json"]));
    assert!(held[0]["id_problem"].is_string(), "the rounded copy holds flagged numbers: {held}");
    canbao(&rounded)
        .args(["mark", "--name", "学生01", "--class", "三年级2班", "--payment", "paid", "--amount", "400"])
        .assert()
        .success();

    each_push_order(&typed, &rounded, |db, order| {
        push(&db, &[order[0]], &[]);
        let second = push(&db, &[order[1]], &[]);
        assert_eq!(second["added"], 0, "{second}");
        assert_eq!(second["files"][0]["look_alikes"], pupils, "{second}");
        let county = rollup(&db, &[]);
        assert_eq!(county["students"], pupils, "{county}");
        assert_eq!(county["schools"][0]["paid"], 1, "{county}");
        let flagged: i64 =
            db.client().query_one("SELECT count(*) FROM canbao.pupils WHERE NOT id_valid", &[]).unwrap().get(0);
        assert_eq!(flagged, 0, "the county keeps the whole numbers");
    });
}

/// A valid number corrected to another valid one on the drive after it was pushed (the family's card read
/// again, `E` on the detail screen) reaches the county as it reaches the other laptop's merge: the county's
/// pupil holds the corrected number, and no second child is made of it.
#[test]
fn a_valid_number_corrected_to_another_after_a_push_reaches_the_county() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    push(&db, &[&a], &[]);
    let (old, corrected) = (pupil_id(0, 1), pupil_id(0, 7));
    {
        let mut s = canbao::store::Store::open(&a).unwrap();
        let id = s.students_by_stored_number(&old).unwrap()[0].id;
        let edit = canbao::store::IdentityEdit { id_number: Some(corrected.clone()), ..Default::default() };
        s.correct_identity(id, &edit).unwrap();
    }
    let again = push(&db, &[&a], &[]);
    assert_eq!((again["added"].as_u64(), again["updated"].as_u64()), (Some(0), Some(1)), "{again}");
    let numbers: Vec<String> = db
        .client()
        .query("SELECT id_number FROM canbao.pupils ORDER BY id_number", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut expected = vec![pupil_id(0, 0), corrected, pupil_id(0, 2)];
    expected.sort();
    assert_eq!(numbers, expected);
    let third = push(&db, &[&a], &[]);
    assert_eq!(third["unchanged"], 3, "{third}");
}

/// A drive whose newest change is stamped hours later than the county server's clock (a laptop running fast) is
/// refused, as a merge refuses such a file, naming the file and --accept-clock; with --accept-clock it is pushed.
#[test]
fn a_push_refuses_a_drive_stamped_ahead_of_the_servers_clock() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 2);
    {
        let mut s = canbao::store::Store::open(&a).unwrap();
        let ahead = chrono::Utc::now() + chrono::Duration::hours(3);
        s.set_fixed_clock(&ahead.format("%Y-%m-%dT%H:%M:%S+00:00").to_string());
        let pupil = s.student_by_id_number(&pupil_id(0, 1)).unwrap().unwrap().id;
        s.set_note(pupil, "快").unwrap();
    }
    let out = bare().arg("push").arg(&a).args(["--to", &db.url]).output().unwrap();
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("--accept-clock") && said.contains("school0.db"), "{said}");
    let pupils: i64 = db
        .client()
        .query_one("SELECT count(*) FROM pg_tables WHERE schemaname = 'canbao' AND tablename = 'pupils'", &[])
        .unwrap()
        .get(0);
    if pupils > 0 {
        let n: i64 = db.client().query_one("SELECT count(*) FROM canbao.pupils", &[]).unwrap().get(0);
        assert_eq!(n, 0, "nothing of the drive was written");
    }
    let pushed = push(&db, &[&a], &[]);
    assert_eq!(pushed["added"], 2, "{pushed}");
}

/// The county's payment of pupil `id` in `year`: (payment, amount paid in fen, amount due in fen).
fn county_payment(db: &TestDb, id: &str, year: i32) -> (String, Option<i64>, Option<i64>) {
    let row = db
        .client()
        .query_one(
            "SELECT s.payment, s.paid_amount_fen, s.amount_due_fen
             FROM canbao.statuses s JOIN canbao.pupils p ON p.id = s.pupil_id
             WHERE p.id_number = $1 AND s.year = $2",
            &[&id, &year],
        )
        .unwrap();
    (row.get(0), row.get(1), row.get(2))
}

/// Two copies of a 2024 drive whose pupil 0 paid 300 of the 380 due, each recording a top-up of 40 (甲 first,
/// then 乙), and the two merged (乙's file merged into a copy of 甲's): (甲, 乙, merged).
fn topped_up_apart(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let base = drive_2024(dir, 3);
    let id = pupil_id(0, 0);
    mark(&base, &id, &["--payment", "paid", "--amount", "300", "--paid-on", "2023-10-08", "--yes"]);
    let copies: Vec<PathBuf> = ["甲", "乙", "合"].iter().map(|laptop| laptop_copy(dir, &base, laptop)).collect();
    mark(&copies[0], &id, &["--top-up", "40", "--paid-on", "2023-10-09"]);
    mark(&copies[1], &id, &["--top-up", "40", "--paid-on", "2023-10-10"]);
    std::fs::copy(&copies[0], &copies[2]).unwrap();
    canbao(&copies[2]).arg("merge").arg(&copies[1]).assert().success();
    (copies[0].clone(), copies[1].clone(), copies[2].clone())
}

/// J-12, J-17: a part-payer (300 of 380) topped up 40 on each of two copies of the drive has paid 380, as a merge
/// of the two says: the county ends with 380 paid, in full, and the pupil insured whether the copies are pushed
/// one then the other, either way round, or merged first, and whether the merged file is pushed after them;
/// where before it kept one laptop's 340 with no word, and the merged file's 380 changed nothing.
#[test]
fn top_ups_recorded_apart_on_two_copies_both_count_at_the_county_in_any_push_order() {
    let dir = tempfile::tempdir().unwrap();
    let (jia, yi, both) = topped_up_apart(dir.path());
    let id = pupil_id(0, 0);
    let merged_stats = json(canbao(&both).args(["stats", "--json"]));
    let merged_amount: i64 = {
        let s = canbao::store::Store::open(&both).unwrap();
        s.student_by_id_number(&id).unwrap().unwrap().payment_details.amount_fen.unwrap()
    };
    assert_eq!(merged_amount, 38000, "the merge adds both top-ups");
    let orders: [&[&Path]; 5] = [&[&jia, &yi], &[&yi, &jia], &[&both], &[&jia, &yi, &both], &[&yi, &both, &jia]];
    for order in orders {
        let Some(db) = TestDb::new() else { return };
        let mut said = Vec::new();
        for file in order {
            said.push(push(&db, &[file], &[]));
        }
        assert_eq!(
            county_payment(&db, &id, 2024),
            // Paid in full: no amount due held beside it, as the merged drive sends none.
            ("paid".to_owned(), Some(38000), None),
            "{order:?}: {said:?}"
        );
        assert!(said.iter().all(|p| p["conflicts"].as_array().unwrap().is_empty()), "no conflict: {said:?}");
        let joined: u64 = said.iter().map(|p| p["files"][0]["top_ups_joined"].as_u64().unwrap()).sum();
        let apart = order.len() > 1 && order[1] != both.as_path();
        assert_eq!(joined, u64::from(apart), "{order:?}: the push that met both top-ups says so: {said:?}");
        let county = rollup(&db, &[]);
        for (ours, theirs) in [("enrolled", "insured"), ("part_paid", "part_paid"), ("expected", "expected")] {
            assert_eq!((ours, &county[ours]), (ours, &merged_stats[theirs]), "{order:?}: {county} {said:?}");
        }
        // Each file again: nothing changes.
        for file in order {
            let again = push(&db, &[file], &[]);
            assert_eq!(again["updated"], 0, "{order:?}: {again}");
            assert_eq!(county_payment(&db, &id, 2024).1, Some(38000), "{order:?}: {again}");
        }
    }
}

/// J-12: where one copy tops a part payment up and the other corrects the amount outright (not a top-up), the
/// county cannot add them: the two amounts are a conflict, listed with both, in either push order.
#[test]
fn a_top_up_beside_an_amount_corrected_apart_is_a_conflict_at_the_county() {
    let dir = tempfile::tempdir().unwrap();
    let (jia, _, _) = topped_up_apart(dir.path());
    let id = pupil_id(0, 0);
    let corrected = laptop_copy(dir.path(), &dir.path().join("yibin.db"), "丙");
    mark(&corrected, &id, &["--payment", "paid", "--amount", "380", "--paid-on", "2023-10-10", "--yes"]);
    each_push_order(&jia, &corrected, |db, order| {
        push(&db, &[order[0]], &[]);
        let second = push(&db, &[order[1]], &[]);
        assert_eq!(second["files"][0]["top_ups_joined"], 0, "{second}");
        let amounts: Vec<&Value> =
            second["conflicts"].as_array().unwrap().iter().filter(|c| c["field"] == "paid_amount_fen").collect();
        assert_eq!(amounts.len(), 1, "the amounts are a conflict: {second}");
        let mut both = [amounts[0]["kept"].as_str().unwrap(), amounts[0]["lost"].as_str().unwrap()];
        both.sort_unstable();
        assert_eq!(both, ["34000", "38000"], "{second}");
    });
}

/// J-13: a restore undone straight away (the backup the restore took put back, with nothing marked between)
/// brings the payment back to the county, as README says; where before the county kept the restore's 未缴费,
/// the payment's change being one it already had. Another copy still holding the payment, which never restored,
/// does not bring it back (it is no news to the county).
#[test]
fn a_restore_undone_straight_away_brings_the_payment_back_to_the_county() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    let other = dir.path().join("lapB");
    std::fs::create_dir(&other).unwrap();
    let backup = dir.path().join("before.db");
    canbao(&a).arg("backup").arg(&backup).assert().success();
    let paid = pupil_id(0, 0);
    mark(&a, &paid, &["--payment", "paid", "--amount", "400"]);
    let b = other.join("school0.db");
    std::fs::copy(&a, &b).unwrap();
    push(&db, &[&a], &[]);
    canbao(&a).arg("restore").arg(&backup).assert().success();
    push(&db, &[&a], &[]);
    assert_eq!(county_status(&db, &paid), ("unknown".into(), "unpaid".into()));
    // The other copy, never restored, holds the payment the county had: no news.
    let from_b = push(&db, &[&b], &[]);
    assert_eq!(from_b["updated"], 0, "{from_b}");
    assert_eq!(county_status(&db, &paid), ("unknown".into(), "unpaid".into()));

    let safety: Vec<PathBuf> =
        walk(dir.path()).into_iter().filter(|p| p.to_string_lossy().ends_with("-restore.db")).collect();
    let [safety] = safety.as_slice() else { panic!("one backup taken by the restore: {safety:?}") };
    // The county tells the undoing restore from the one it undoes by their whole instants (one within the same
    // second: `a_restore_undone_within_the_same_second_brings_the_payment_back_to_the_county`).
    canbao(&a).arg("restore").arg(safety).assert().success();
    let stats = json(canbao(&a).args(["stats", "--json"]));
    assert_eq!(stats["payment"]["paid"], 1, "the drive holds the payment again: {stats}");
    let undone = push(&db, &[&a], &[]);
    assert!(undone["conflicts"].as_array().unwrap().is_empty(), "{undone}");
    assert_eq!(undone["updated"], 1, "{undone}");
    assert_eq!(county_status(&db, &paid), ("here".into(), "paid".into()), "{undone}");
    let county = rollup(&db, &[]);
    assert_eq!((county["paid"].as_i64(), county["enrolled"].as_i64()), (Some(1), Some(1)), "{county}");
    // Pushed again, nothing more.
    let again = push(&db, &[&a], &[]);
    assert_eq!(again["updated"], 0, "{again}");
    assert_eq!(county_status(&db, &paid), ("here".into(), "paid".into()), "{again}");
}

/// Two copies of a 2024 drive whose pupil 0 paid 300 of the 380 due, each recording a top-up of 80 on the same
/// day (甲 and 乙 then hold the same values), and the two merged (乙's file merged into a copy of 甲's):
/// (甲, 乙, merged, the merge's report).
fn topped_up_alike(dir: &Path) -> (PathBuf, PathBuf, PathBuf, Value) {
    let base = drive_2024(dir, 3);
    let id = pupil_id(0, 0);
    mark(&base, &id, &["--payment", "paid", "--amount", "300", "--paid-on", "2023-10-08", "--yes"]);
    let copies: Vec<PathBuf> = ["甲", "乙", "合"].iter().map(|laptop| laptop_copy(dir, &base, laptop)).collect();
    for copy in &copies[..2] {
        mark(copy, &id, &["--top-up", "80", "--paid-on", "2023-10-09"]);
    }
    std::fs::copy(&copies[0], &copies[2]).unwrap();
    let merged = json(canbao(&copies[2]).args(["merge", "--json"]).arg(&copies[1]));
    (copies[0].clone(), copies[1].clone(), copies[2].clone(), merged)
}

/// O-1: two copies each topping a part payment (300 of 380) up by 80, the same amount on the same day, leave the
/// two drives with equal values, yet each history row is a top-up made: two payments, 460 in all, as a merge
/// counts them. The county counts them so in every push order (甲 then 乙, 乙 then 甲, the merged file alone,
/// the merged file after both, between them), and the push that meets both, like the merge, names the pupil and
/// says the two are of the same amount with nothing to tell them apart, for the operator to check the receipts;
/// where before the push saw equal values, kept 380 with no word, and the merged file's 460 then changed nothing.
#[test]
fn top_ups_of_the_same_amount_recorded_apart_count_twice_and_are_said_in_any_push_order() {
    let dir = tempfile::tempdir().unwrap();
    let (jia, yi, both, merge) = topped_up_alike(dir.path());
    let id = pupil_id(0, 0);
    let [joined] = merge["top_ups_joined"].as_array().unwrap().as_slice() else { panic!("{merge}") };
    assert_eq!((joined["total_fen"].as_i64(), joined["same_amount"].as_bool()), (Some(46000), Some(true)), "{merge}");
    let orders: [&[&Path]; 6] =
        [&[&jia, &yi], &[&yi, &jia], &[&both], &[&jia, &yi, &both], &[&yi, &both, &jia], &[&jia, &both, &yi]];
    for order in orders {
        let Some(db) = TestDb::new() else { return };
        let mut said = Vec::new();
        for file in order {
            said.push(push(&db, &[file], &[]));
        }
        assert_eq!(county_payment(&db, &id, 2024), ("paid".to_owned(), Some(46000), None), "{order:?}: {said:?}");
        assert!(said.iter().all(|p| p["conflicts"].as_array().unwrap().is_empty()), "no conflict: {said:?}");
        let listed: Vec<&Value> = said.iter().filter_map(|p| p["files"][0]["top_ups"].as_array()).flatten().collect();
        let apart = order.len() > 1 && order[1] != both.as_path();
        assert_eq!(listed.len(), usize::from(apart), "{order:?}: the push that met both top-ups says so: {said:?}");
        for j in listed {
            assert_eq!(j["same_amount"], true, "{j}");
            assert_eq!(
                (j["drive_fen"].clone(), j["county_fen"].clone()),
                (serde_json::json!([8000]), serde_json::json!([8000])),
                "{j}"
            );
            assert_eq!(j["total_fen"], 46000, "{j}");
            assert!(!j["id_number"].as_str().unwrap().contains(&id[6..14]), "masked: {j}");
        }
        for file in order {
            let again = push(&db, &[file], &[]);
            assert_eq!(again["updated"], 0, "{order:?}: {again}");
            assert_eq!(county_payment(&db, &id, 2024).1, Some(46000), "{order:?}: {again}");
        }
    }
    // Said in words too, by the push that meets both.
    let Some(db) = TestDb::new() else { return };
    push(&db, &[&jia], &[]);
    let out = bare().arg("push").arg(&yi).args(["--to", &db.url, "--accept-clock"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("学生0") && text.contains("金额相同") && text.contains("共缴 460 元"), "{text}");
}

/// O-12: a part payment (300 of 380) topped up 80 on one copy while the other copy, which never saw the top-up,
/// marks the pupil 未缴费 or 财政代缴 later: the 80 received is money the other laptop knew nothing of, so its
/// change does not wipe it silently. The merge (either way round) and the county (either push order) keep the
/// payment with the top-up, 380, and list the payment as a conflict for the operator to decide; where before the
/// later change won with no word and the 380 received vanished.
#[test]
fn a_top_up_is_not_wiped_by_a_later_unpaid_or_government_mark_made_apart() {
    for cleared in ["unpaid", "government"] {
        let dir = tempfile::tempdir().unwrap();
        let base = drive_2024(dir.path(), 3);
        let id = pupil_id(0, 0);
        mark(&base, &id, &["--payment", "paid", "--amount", "300", "--paid-on", "2023-10-08", "--yes"]);
        let copies: Vec<PathBuf> =
            ["甲", "乙", "甲合", "乙合"].iter().map(|laptop| laptop_copy(dir.path(), &base, laptop)).collect();
        let (jia, yi) = (&copies[0], &copies[1]);
        mark(jia, &id, &["--top-up", "80", "--paid-on", "2023-10-09"]);
        // Audit instants have whole seconds: the mark on the other copy is plainly the later change.
        a_second_later();
        canbao(yi).args(["mark", &id, "--payment", cleared, "--yes"]).assert().success();
        for (into, from) in [(&copies[2], yi), (&copies[3], jia)] {
            std::fs::copy(if from == yi { jia } else { yi }, into).unwrap();
            let merged = json(canbao(into).args(["merge", "--json"]).arg(from));
            let conflicts = merged["conflicts"].as_array().unwrap();
            let payment = conflicts.iter().find(|c| c["field"] == "payment").unwrap_or_else(|| panic!("{merged}"));
            assert_eq!((&payment["kept"], &payment["lost"]), (&"paid".into(), &cleared.into()), "{merged}");
            let s = canbao::store::Store::open(into).unwrap();
            let pupil = s.student_by_id_number(&id).unwrap().unwrap();
            assert_eq!(pupil.payment_details.amount_fen, Some(38000), "{cleared}: {merged}");
        }
        each_push_order(jia, yi, |db, order| {
            push(&db, &[order[0]], &[]);
            let second = push(&db, &[order[1]], &[]);
            let conflicts = second["conflicts"].as_array().unwrap();
            let payment = conflicts.iter().find(|c| c["field"] == "payment").unwrap_or_else(|| panic!("{second}"));
            assert_eq!((&payment["kept"], &payment["lost"]), (&"paid".into(), &cleared.into()), "{second}");
            assert_eq!(county_payment(&db, &id, 2024).0, "paid", "{cleared} {order:?}: {second}");
            assert_eq!(county_payment(&db, &id, 2024).1, Some(38000), "{cleared} {order:?}: {second}");
        });
    }
}

/// O-2: a restore's push counts the history rows it writes (each value the restore took back), and a restore
/// undone straight away reaches the county as visibly: a history row of the payment brought back, and the
/// push's 「退回」 line; where before the undo wrote no row and said nothing, and both pushes said 「新修改记录 0 条」.
#[test]
fn a_restore_and_its_undo_each_leave_history_at_the_county_and_say_so() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    let backup = dir.path().join("before.db");
    canbao(&a).arg("backup").arg(&backup).assert().success();
    let paid = pupil_id(0, 0);
    mark(&a, &paid, &["--payment", "paid", "--amount", "400"]);
    push(&db, &[&a], &[]);
    let restore_rows = |db: &TestDb| -> Vec<(String, Option<String>, Option<String>)> {
        let rows = db
            .client()
            .query("SELECT field, old, new FROM canbao.audit WHERE action = 'restore' ORDER BY id", &[])
            .unwrap();
        rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect()
    };
    canbao(&a).arg("restore").arg(&backup).assert().success();
    let restored = push(&db, &[&a], &[]);
    let taken_back = restore_rows(&db);
    assert!(taken_back.iter().any(|r| r.0 == "payment" && r.2.as_deref() == Some("unpaid")), "{taken_back:?}");
    assert_eq!(restored["files"][0]["restored"], 1, "{restored}");
    assert_eq!(restored["files"][0]["audit_rows"].as_u64(), Some(taken_back.len() as u64), "{restored}");
    let safety: Vec<PathBuf> =
        walk(dir.path()).into_iter().filter(|p| p.to_string_lossy().ends_with("-restore.db")).collect();
    let [safety] = safety.as_slice() else { panic!("one backup taken by the restore: {safety:?}") };
    a_second_later();
    canbao(&a).arg("restore").arg(safety).assert().success();
    let out = bare().arg("push").arg(&a).args(["--to", &db.url, "--accept-clock"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert_eq!(county_status(&db, &paid).1, "paid", "{text}");
    let all = restore_rows(&db);
    let brought: Vec<_> = all[taken_back.len()..].to_vec();
    assert!(brought.iter().any(|r| r.0 == "payment" && r.2.as_deref() == Some("paid")), "{all:?}");
    assert!(text.contains("退回") && text.contains(&format!("新修改记录 {} 条", brought.len())), "{text}");
    // Pushed again, nothing more.
    let again = push(&db, &[&a], &[]);
    assert_eq!((again["updated"].as_u64(), again["files"][0]["audit_rows"].as_u64()), (Some(0), Some(0)), "{again}");
}

/// O-8: a part payment (300) that 甲 reconciles from the tax office's list (380 in all, 20 November, 银行) while 乙,
/// never having seen the list, tops it up by hand a minute later (80, typed on the 24th): one payment of 380, whose
/// record is the tax office's. It keeps the list's date and channel, in a merge either way and at the county in
/// either push order (`made_apart::tax_record_stands`); where before the hand top-up, being newer, redated the
/// payment to the day it was typed.
#[test]
fn a_hand_top_up_made_apart_does_not_redate_the_tax_offices_record_of_the_same_payment() {
    use canbao::domain::student::{PaymentDetails, PaymentStatus};
    use canbao::store::{Change, ChangeOptions, Payment, TOP_UP};
    let dir = tempfile::tempdir().unwrap();
    let (jia, yi) = two_copies_certified(
        dir.path(),
        |s, ids| {
            s.set_fixed_clock("2099-11-01T10:00:00+08:00");
            let pupil = s.student_by_id_number(&ids[0]).unwrap().unwrap().id;
            let part = PaymentDetails {
                amount_fen: Some(30000),
                paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 1),
                channel: None,
            };
            s.set_payment(pupil, PaymentStatus::Paid, &part).unwrap();
        },
        |s, ids| reconcile_by_bank(s, &ids[0], "2099-11-24T10:00:00+08:00"),
        |s, ids| {
            s.set_fixed_clock("2099-11-24T10:01:00+08:00");
            let pupil = s.student_by_id_number(&ids[0]).unwrap().unwrap().id;
            let paid = Change::Payment(Payment::Paid {
                amount_fen: Some(38000),
                paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 24),
                channel: None,
            });
            s.apply_change(TOP_UP, pupil, vec![paid], ChangeOptions::default()).unwrap();
        },
    );
    let id = pupil_id(0, 0);
    let expected = merged(dir.path(), &jia, &yi, &id);
    assert_eq!(
        (expected.1.as_str(), expected.2, expected.3.as_deref()),
        ("paid", Some(38000), Some("银行")),
        "the merge: {expected:?}"
    );
    for name in ["甲into乙.db", "乙into甲.db"] {
        let s = canbao::store::Store::open(&dir.path().join(name)).unwrap();
        let paid_on = s.student_by_id_number(&id).unwrap().unwrap().payment_details.paid_on;
        assert_eq!(paid_on, chrono::NaiveDate::from_ymd_opt(2026, 11, 20), "{name}");
    }
    each_push_order(&jia, &yi, |db, order| {
        let mut said = Vec::new();
        for file in order {
            said.push(push(&db, &[file], &[]));
        }
        assert_eq!(county_settled(&db, &id), expected, "{order:?}: {said:?}");
        let paid_on = county_paid_on(&db, &id);
        assert_eq!(paid_on.as_deref(), Some("2026-11-20"), "{order:?}: {said:?}");
        assert_eq!(said[1]["files"][0]["top_ups_joined"], 0, "the same payment, not two: {said:?}");
    });
}

/// The drive `path`'s latest restore stamped at `fraction` of the second it was made in (meta `restored_at`): two
/// restores in one second, as a quick operator makes them, without waiting on the clock.
fn restored_in_second(path: &Path, fraction: &str) {
    let s = canbao::store::Store::open(path).unwrap();
    let at: String =
        s.connection().query_row("SELECT value FROM meta WHERE key = 'restored_at'", [], |r| r.get(0)).unwrap();
    let second = at.split('.').next().unwrap().trim_end_matches('Z');
    let set = "UPDATE meta SET value = ?1 WHERE key = 'restored_at'";
    assert_eq!(s.connection().execute(set, [format!("{second}.{fraction}Z")]).unwrap(), 1);
}

/// J-13: a restore undone within the second it was made (the backup the restore took put back straight away)
/// brings the payment back to the county as one undone a second later does: the county orders the two restores
/// by their whole instants, as the drive stamps them; where before it cut the undo's to the second, took it for no
/// later than the restore it undoes, and kept the restore's 未缴费.
#[test]
fn a_restore_undone_within_the_same_second_brings_the_payment_back_to_the_county() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    let backup = dir.path().join("before.db");
    canbao(&a).arg("backup").arg(&backup).assert().success();
    let paid = pupil_id(0, 0);
    mark(&a, &paid, &["--payment", "paid", "--amount", "400"]);
    push(&db, &[&a], &[]);
    canbao(&a).arg("restore").arg(&backup).assert().success();
    restored_in_second(&a, "100000000");
    push(&db, &[&a], &[]);
    assert_eq!(county_status(&db, &paid), ("unknown".into(), "unpaid".into()));
    let safety: Vec<PathBuf> =
        walk(dir.path()).into_iter().filter(|p| p.to_string_lossy().ends_with("-restore.db")).collect();
    let [safety] = safety.as_slice() else { panic!("one backup taken by the restore: {safety:?}") };
    canbao(&a).arg("restore").arg(safety).assert().success();
    // The undo stamped in the second of the restore it undoes (whatever second the clock has reached since).
    let first: String =
        db.client().query_one("SELECT max(at_text) FROM canbao.audit WHERE action = 'restore'", &[]).unwrap().get(0);
    {
        let s = canbao::store::Store::open(&a).unwrap();
        let set = "UPDATE meta SET value = ?1 WHERE key = 'restored_at'";
        let second = first.split('.').next().unwrap().trim_end_matches('Z');
        s.connection().execute(set, [format!("{second}.500000000Z")]).unwrap();
    }
    let undone = push(&db, &[&a], &[]);
    assert!(undone["conflicts"].as_array().unwrap().is_empty(), "{undone}");
    assert_eq!(county_status(&db, &paid), ("here".into(), "paid".into()), "{undone}");
    let again = push(&db, &[&a], &[]);
    assert_eq!(again["updated"], 0, "{again}");
}

/// A part payment (300) topped up apart on two copies: 甲 by hand (40, typed on the 10th) and then confirmed by the
/// tax office's list (340, 20 November, 银行), 乙 by hand a few days later (80, typed on the 24th, no channel). The
/// two top-ups are joined (420 in all), and the payment keeps the tax office's date and channel, in a merge either
/// way and at the county in either push order, as a single hand top-up made apart does
/// (`a_hand_top_up_made_apart_does_not_redate_the_tax_offices_record_of_the_same_payment`); where before the
/// joined payment took the newer side's date, the day 乙's top-up was typed, and lost the channel.
#[test]
fn top_ups_joined_keep_the_tax_offices_date_and_channel_over_a_later_bare_hand_top_up() {
    use canbao::domain::student::{PaymentChannel, PaymentDetails, PaymentStatus};
    use canbao::store::{Change, ChangeOptions, Payment, TOP_UP};
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d);
    let top_up = |s: &mut canbao::store::Store, id: &str, at: &str, fen: i64, on: u32| {
        s.set_fixed_clock(at);
        let pupil = s.student_by_id_number(id).unwrap().unwrap().id;
        let paid = Change::Payment(Payment::Paid { amount_fen: Some(fen), paid_on: day(on), channel: None });
        s.apply_change(TOP_UP, pupil, vec![paid], ChangeOptions::default()).unwrap();
    };
    let dir = tempfile::tempdir().unwrap();
    let (jia, yi) = two_copies_certified(
        dir.path(),
        |s, ids| {
            s.set_fixed_clock("2099-11-01T10:00:00+08:00");
            let pupil = s.student_by_id_number(&ids[0]).unwrap().unwrap().id;
            let part = PaymentDetails { amount_fen: Some(30000), paid_on: day(1), channel: None };
            s.set_payment(pupil, PaymentStatus::Paid, &part).unwrap();
        },
        |s, ids| {
            top_up(s, &ids[0], "2099-11-10T10:00:00+08:00", 34000, 10);
            s.set_fixed_clock("2099-11-21T10:00:00+08:00");
            let listed = vec![Change::Payment(Payment::Paid {
                amount_fen: Some(34000),
                paid_on: day(20),
                channel: Some(PaymentChannel::Bank),
            })];
            let pupil = s.student_by_id_number(&ids[0]).unwrap().unwrap().id;
            s.apply_changes_with_receipts("reconcile", &[(pupil, listed)], &[None], ChangeOptions::default()).unwrap();
        },
        |s, ids| top_up(s, &ids[0], "2099-11-24T10:01:00+08:00", 38000, 24),
    );
    let id = pupil_id(0, 0);
    let expected = merged(dir.path(), &jia, &yi, &id);
    assert_eq!(
        (expected.1.as_str(), expected.2, expected.3.as_deref()),
        ("paid", Some(42000), Some("银行")),
        "the merge joins the top-ups under the list's channel: {expected:?}"
    );
    for name in ["甲into乙.db", "乙into甲.db"] {
        let s = canbao::store::Store::open(&dir.path().join(name)).unwrap();
        let paid_on = s.student_by_id_number(&id).unwrap().unwrap().payment_details.paid_on;
        assert_eq!(paid_on, day(20), "{name}");
    }
    each_push_order(&jia, &yi, |db, order| {
        let mut said = Vec::new();
        for file in order {
            said.push(push(&db, &[file], &[]));
        }
        assert_eq!(county_settled(&db, &id), expected, "{order:?}: {said:?}");
        let paid_on = county_paid_on(&db, &id);
        assert_eq!(paid_on.as_deref(), Some("2026-11-20"), "{order:?}: {said:?}");
        assert_eq!(said[1]["files"][0]["top_ups_joined"], 1, "both top-ups counted: {said:?}");
    });
}

/// 乙 renames the school (第1小学本部); 甲, apart and later, renames it too (第1小学分校) and then renames it back:
/// 甲's rename taken back is no change of the school, as a merge of the two reads it, and 乙's rename stands at the
/// county in either push order, as in the merge either way; where before 甲's renaming back, the newer change,
/// put every pupil back under 第1小学 at the county.
#[test]
fn a_school_rename_taken_back_does_not_undo_the_other_laptops_rename_at_the_county() {
    let dir = tempfile::tempdir().unwrap();
    let base = drive(dir.path(), 0, 3);
    let (jia, yi) = two_laptops(dir.path(), &base, ["甲", "乙"]);
    let (jia, yi) = (&jia, &yi);
    canbao(yi).args(["school", "rename", "第1小学", "第1小学本部"]).assert().success();
    // Audit instants have whole seconds: 甲's renames are plainly the later changes.
    a_second_later();
    canbao(jia).args(["school", "rename", "第1小学", "第1小学分校"]).assert().success();
    canbao(jia).args(["school", "rename", "第1小学分校", "第1小学"]).assert().success();
    for (into, from) in [(jia, yi), (yi, jia)] {
        let path = dir.path().join(format!("merged{}.db", usize::from(into == jia)));
        std::fs::copy(into, &path).unwrap();
        canbao(&path).arg("merge").arg(from).assert().success();
        let s = canbao::store::Store::open(&path).unwrap();
        assert_eq!(s.schools().unwrap(), ["第1小学本部"], "the merge into {into:?}");
    }
    each_push_order(jia, yi, |db, order| {
        let mut said = Vec::new();
        for file in order {
            said.push(push(&db, &[file], &[]));
        }
        let schools: Vec<String> = db
            .client()
            .query(
                "SELECT DISTINCT s.name FROM canbao.pupils p JOIN canbao.schools s ON s.id = p.school_id ORDER BY 1",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(schools, ["第1小学本部"], "{order:?}: {said:?}");
    });
}

/// A pupil marked 已缴费 on each of two copies of a drive, the same amount on another day and by another channel:
/// nothing tells one payment keyed on both laptops from a family that paid twice. The county keeps one payment,
/// as a merge does, and the push that meets the second, in either order, names the pupil with each side's date
/// and channel, in --json (`files[].paid_apart`, the number masked) and in words (「如重复收取请核实」), as the
/// merge names it; where before the push kept one by time and said nothing.
#[test]
fn a_pupil_marked_paid_apart_on_two_laptops_is_named_by_the_push_in_either_order() {
    let dir = tempfile::tempdir().unwrap();
    let base = drive_2024(dir.path(), 3);
    let id = pupil_id(0, 0);
    let (jia, yi) = two_laptops(dir.path(), &base, ["甲", "乙"]);
    let (jia, yi) = (&jia, &yi);
    mark(jia, &id, &["--payment", "paid", "--amount", "380", "--paid-on", "2023-10-08", "--channel", "现金", "--yes"]);
    mark(yi, &id, &["--payment", "paid", "--amount", "380", "--paid-on", "2023-10-09", "--channel", "微信", "--yes"]);
    let merged = dir.path().join("合.db");
    std::fs::copy(jia, &merged).unwrap();
    let merge = json(canbao(&merged).args(["merge", "--json"]).arg(yi));
    assert_eq!(merge["paid_apart"].as_array().map(Vec::len), Some(1), "the merge names the pupil: {merge}");
    for (first, second) in [(jia, yi), (yi, jia)] {
        let Some(db) = TestDb::new() else { return };
        let pushed = push(&db, &[first], &[]);
        assert!(pushed["files"][0].get("paid_apart").is_none(), "nothing apart yet: {pushed}");
        let met = push(&db, &[second], &[]);
        let [p] = met["files"][0]["paid_apart"].as_array().map(Vec::as_slice).unwrap_or_default() else {
            panic!("the push names the pupil: {met}")
        };
        let side = |laptop: &Path| if laptop == jia { ("2023-10-08", "现金") } else { ("2023-10-09", "微信") };
        assert_eq!((p["drive_paid_on"].as_str(), p["drive_channel"].as_str()), {
            let (on, channel) = side(second);
            (Some(on), Some(channel))
        });
        assert_eq!((p["county_paid_on"].as_str(), p["county_channel"].as_str()), {
            let (on, channel) = side(first);
            (Some(on), Some(channel))
        });
        assert_eq!(
            (p["name"].as_str(), p["year"].as_i64(), p["amount_fen"].as_i64()),
            (Some("学生0"), Some(2024), Some(38000))
        );
        assert!(!p["id_number"].as_str().unwrap().contains(&id[6..14]), "masked: {p}");
        // One payment kept: the county holds 380 paid, not two.
        assert_eq!(county_payment(&db, &id, 2024).1, Some(38000), "{met}");
        // Pushed again, both payments are known: nothing said.
        for file in [first, second] {
            let again = push(&db, &[file], &[]);
            assert!(again["files"][0].get("paid_apart").is_none(), "{again}");
        }
    }
    // Said in words too.
    let Some(db) = TestDb::new() else { return };
    push(&db, &[jia], &[]);
    let out = bare().arg("push").arg(yi).args(["--to", &db.url, "--accept-clock"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("学生0") && text.contains("如重复收取请核实"), "{text}");
    assert!(text.contains("现金") && text.contains("微信") && text.contains("2023-10-08"), "{text}");
}

/// A list imported by mistake, pushed, then taken back by restoring the backup from before it: the push after
/// the restore names the pupils the restore removed that the county still holds (masked), and says the county
/// keeps them; where before it said nothing, and the county counted pupils the school's drive no longer has.
#[test]
fn a_push_names_the_pupils_a_restore_removed_that_the_county_still_holds() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    let backup = dir.path().join("before.db");
    canbao(&a).arg("backup").arg(&backup).assert().success();
    let wrong = dir.path().join("wrong.csv");
    let added = [pupil_id(0, 10), pupil_id(0, 11)];
    std::fs::write(
        &wrong,
        format!("姓名,身份证号,所在年级、班级\n误导入甲,{},三年级1班\n误导入乙,{},三年级2班\n", added[0], added[1]),
    )
    .unwrap();
    canbao(&a).arg("import").arg(&wrong).assert().success();
    let first = push(&db, &[&a], &[]);
    assert_eq!(first["added"], 5, "{first}");
    assert!(first["files"][0].get("restore_removed").is_none(), "{first}");
    canbao(&a).arg("restore").arg(&backup).assert().success();
    // A dry run: the push after it says them as well (they are said once per restore).
    let after = push(&db, &[&a], &["--dry-run"]);
    let listed = after["files"][0]["restore_removed"].as_array().unwrap_or_else(|| panic!("{after}"));
    let mut names: Vec<&str> = listed.iter().map(|p| p["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    assert_eq!(names, ["误导入乙", "误导入甲"], "{after}");
    for p in listed {
        assert_eq!(p["school"], "第1小学", "{p}");
        assert!(added.iter().all(|id| !p["id_number"].as_str().unwrap().contains(&id[6..14])), "masked: {p}");
    }
    let out = bare().arg("push").arg(&a).args(["--to", &db.url, "--accept-clock"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("随恢复删除") && text.contains("误导入甲"), "{text}");
    // Another school's drive, which never held them, says nothing of them.
    let other = drive(dir.path(), 1, 2);
    let theirs = push(&db, &[&other], &[]);
    assert!(theirs["files"][0].get("restore_removed").is_none(), "{theirs}");
}

/// 民族 and 居住地址 stay on the laptop: a push carries the change of either as a history row without its values,
/// so neither the old nor the new address or 民族 is anywhere in the county's tables.
#[test]
fn a_push_carries_no_address_or_ethnicity_to_the_county() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let drive = drive(dir.path(), 0, 2);
    let id = pupil_id(0, 0);
    for (file, ethnicity, address) in
        [("a.csv", "壮族", "柳州市城中区文昌路 12 号"), ("b.csv", "瑶族", "柳州市鱼峰区新地址一号楼")]
    {
        let list = dir.path().join(file);
        std::fs::write(
            &list,
            format!("姓名,身份证号码,所在年级、班级,民族,居住地址\n学生00,{id},三年级1班,{ethnicity},{address}\n"),
        )
        .unwrap();
        canbao(&drive).args(["import", "--school", "第1小学"]).arg(&list).assert().success();
    }
    let report = push(&db, &[&drive], &[]);
    assert_eq!(report["added"], 2, "{report}");
    let mut county = db.client();
    let rows =
        county.query("SELECT field, old, new FROM canbao.audit WHERE field IN ('ethnicity', 'address')", &[]).unwrap();
    assert!(rows.len() >= 2, "the changes themselves reach the county: {}", rows.len());
    assert!(rows.iter().all(|r| r.get::<_, Option<String>>(1).is_none() && r.get::<_, Option<String>>(2).is_none()));
    let dump: String = county
        .query_one("SELECT string_agg(t::text, ' ') FROM canbao.audit t", &[])
        .unwrap()
        .get::<_, Option<String>>(0)
        .unwrap_or_default();
    let pupils: String = county
        .query_one("SELECT string_agg(t::text, ' ') FROM canbao.pupils t", &[])
        .unwrap()
        .get::<_, Option<String>>(0)
        .unwrap_or_default();
    for word in ["文昌路", "新地址", "壮族", "瑶族"] {
        assert!(!dump.contains(word) && !pupils.contains(word), "{word} reached the county");
    }
}

/// Two laptops, each with its own operator, change one pupil's note apart: the push's conflict line names each
/// side's operator beside its time, and --json gives both (`kept_operator`, `lost_operator`); where before only
/// the county's side named its operator, and this push's side only the path typed.
#[test]
fn a_conflict_names_the_operator_and_time_of_both_sides() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    let b = laptop_copy(dir.path(), &a, "乙");
    let id = pupil_id(0, 1);
    canbao(&a).env("CANBAO_OPERATOR", "王甲").arg("mark").arg(&id).args(["--note", "甲说"]).assert().success();
    a_second_later();
    canbao(&b).env("CANBAO_OPERATOR", "李乙").arg("mark").arg(&id).args(["--note", "乙说"]).assert().success();
    push(&db, &[&a], &[]);
    let fresh = TestDb::new().expect("a second database");
    bare().args(["push", "--to", &fresh.url, "--accept-clock"]).arg(&a).assert().success();
    let met = push(&db, &[&b], &[]);
    let conflicts = met["conflicts"].as_array().unwrap();
    let note = conflicts.iter().find(|c| c["field"] == "note").unwrap_or_else(|| panic!("{met}"));
    assert_eq!((note["kept"].as_str(), note["lost"].as_str()), (Some("乙说"), Some("甲说")), "{note}");
    assert_eq!((note["kept_operator"].as_str(), note["lost_operator"].as_str()), (Some("李乙"), Some("王甲")));
    let out = bare().args(["push", "--to", &fresh.url, "--accept-clock"]).arg(&b).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    let line = text.lines().find(|l| l.contains("「备注」")).unwrap_or_else(|| panic!("{text}"));
    let (lap_b, lap_a) = (b.display().to_string(), "school0.db");
    assert!(line.contains(&format!("保留 乙说（{lap_b} 李乙 ")), "{line}");
    assert!(line.contains(&format!("舍弃 甲说（{lap_a} 王甲 ")), "{line}");
    let times = line.split([' ', '）']).filter(|p| p.len() == 8 && p.as_bytes()[2] == b':' && p.as_bytes()[5] == b':');
    assert_eq!(times.count(), 2, "each side's time: {line}");
}

/// A pupil marked 已缴费 apart on two laptops, the same amount on another day and by another channel: the push
/// says the paid-apart line, with both sides' dates and channels, once for the pupil, and lists no conflicts of
/// the payment's date or channel beside it; where before those two were listed as conflicts too.
#[test]
fn a_pupil_paid_apart_is_said_by_the_paid_apart_line_alone() {
    let dir = tempfile::tempdir().unwrap();
    let base = drive_2024(dir.path(), 3);
    let id = pupil_id(0, 0);
    let (jia, yi) = two_laptops(dir.path(), &base, ["甲", "乙"]);
    let (jia, yi) = (&jia, &yi);
    mark(jia, &id, &["--payment", "paid", "--amount", "380", "--paid-on", "2023-10-08", "--channel", "现金", "--yes"]);
    mark(yi, &id, &["--payment", "paid", "--amount", "380", "--paid-on", "2023-10-09", "--channel", "微信", "--yes"]);
    let Some(db) = TestDb::new() else { return };
    push(&db, &[jia], &[]);
    let met = push(&db, &[yi], &[]);
    assert_eq!(met["files"][0]["paid_apart"].as_array().map(Vec::len), Some(1), "{met}");
    let payment_fields = ["payment", "paid_amount", "paid_on", "paid_channel"];
    let beside: Vec<&Value> = met["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"] == "学生0" && payment_fields.contains(&c["field"].as_str().unwrap_or_default()))
        .collect();
    assert!(beside.is_empty(), "no date or channel conflict beside the paid-apart line: {met}");
    assert_eq!(met["files"][0]["conflicts"], 0, "{met}");
    let Some(words) = TestDb::new() else { return };
    push(&words, &[jia], &[]);
    let out = bare().arg("push").arg(yi).args(["--to", &words.url, "--accept-clock"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("学生0")).collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert!(lines[0].contains("如重复收取请核实") && lines[0].contains("现金") && lines[0].contains("微信"), "{text}");
}

/// The county's rows of a pupil by number: (pupils, statuses).
fn county_rows(db: &TestDb, id: &str) -> (i64, i64) {
    let mut c = db.client();
    let pupils: i64 = c.query_one("SELECT count(*) FROM canbao.pupils WHERE id_number = $1", &[&id]).unwrap().get(0);
    let statuses: i64 = c
        .query_one(
            "SELECT count(*) FROM canbao.statuses s JOIN canbao.pupils p ON p.id = s.pupil_id WHERE p.id_number = $1",
            &[&id],
        )
        .unwrap()
        .get(0);
    (pupils, statuses)
}

/// A list imported by mistake, pushed, then taken back by a restore: the push after the restore names the pupils
/// the county still holds once, not on every push after it; `--remove-restored` takes them out of the county
/// (its dry run lists them and changes nothing), each removal a row of the county's history with who asked, and
/// a push after that changes nothing. Where before every push named them again and nothing could take them out.
#[test]
fn the_pupils_a_restore_removed_are_named_once_and_taken_out_of_the_county_when_asked() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    let backup = dir.path().join("before.db");
    canbao(&a).arg("backup").arg(&backup).assert().success();
    let wrong = dir.path().join("wrong.csv");
    let added = [pupil_id(0, 10), pupil_id(0, 11)];
    std::fs::write(
        &wrong,
        format!("姓名,身份证号,所在年级、班级\n误导入甲,{},三年级1班\n误导入乙,{},三年级2班\n", added[0], added[1]),
    )
    .unwrap();
    canbao(&a).arg("import").arg(&wrong).assert().success();
    mark(&a, &added[0], &["--payment", "paid", "--amount", "400"]);
    push(&db, &[&a], &[]);
    canbao(&a).arg("restore").arg(&backup).assert().success();
    let names = |v: &Value, key: &str| -> Vec<String> {
        let mut names: Vec<String> = v["files"][0][key]
            .as_array()
            .map(|l| l.iter().map(|p| p["name"].as_str().unwrap_or_default().to_owned()).collect())
            .unwrap_or_default();
        names.sort_unstable();
        names
    };
    let first = push(&db, &[&a], &[]);
    assert_eq!(names(&first, "restore_removed"), ["误导入乙", "误导入甲"], "{first}");
    let again = push(&db, &[&a], &[]);
    assert!(again["files"][0].get("restore_removed").is_none(), "said once for the restore: {again}");
    assert_eq!((again["added"].as_i64(), again["updated"].as_i64()), (Some(0), Some(0)), "{again}");
    assert_eq!(rollup(&db, &[])["students"], 5);
    // The dry run lists them and takes nothing out.
    let dry = push(&db, &[&a], &["--remove-restored", "--dry-run"]);
    assert_eq!(names(&dry, "removed_from_county"), ["误导入乙", "误导入甲"], "{dry}");
    assert_eq!(county_rows(&db, &added[0]), (1, 1));
    let out = bare()
        .arg("push")
        .arg(&a)
        .args(["--to", &db.url, "--accept-clock", "--remove-restored"])
        .env("CANBAO_OPERATOR", "县医保局张三")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("已从汇总数据库中删除") && text.contains("误导入甲") && text.contains("误导入乙"), "{text}");
    assert_eq!(county_rows(&db, &added[0]), (0, 0));
    assert_eq!(county_rows(&db, &added[1]), (0, 0));
    let county = rollup(&db, &[]);
    assert_eq!((county["students"].as_i64(), county["paid"].as_i64()), (Some(3), Some(0)), "{county}");
    let removals: Vec<(String, bool)> = db
        .client()
        .query("SELECT operator, new IS NULL AND old IS NOT NULL FROM canbao.audit WHERE action = 'remove'", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(removals, vec![("县医保局张三".to_owned(), true); 2], "who took them out, and their names");
    // The history the pupils had stays.
    let kept: i64 = db
        .client()
        .query_one("SELECT count(*) FROM canbao.audit WHERE id_number = $1 AND action <> 'remove'", &[&added[0]])
        .unwrap()
        .get(0);
    assert!(kept >= 2, "{kept}");
    let after = push(&db, &[&a], &[]);
    assert_eq!((after["added"].as_i64(), after["updated"].as_i64()), (Some(0), Some(0)), "{after}");
    assert!(
        after["files"][0].get("restore_removed").is_none() && after["files"][0].get("removed_from_county").is_none()
    );
}

/// 乙 renames the school (第1小学本部); 甲, apart and later, renames it too (第1小学分校), pushes, and then renames it
/// back: the rename and its taking back say nothing, as a merge of the two reads them, so 乙's rename stands at
/// the county whichever way the three pushes come, the rename back reaching the county after the rename; where
/// before the rename back, the newest change the county had, put every pupil back under 第1小学 (or kept them
/// there against 乙's earlier rename).
#[test]
fn a_school_rename_taken_back_after_it_reached_the_county_does_not_undo_the_other_laptops_rename() {
    let dir = tempfile::tempdir().unwrap();
    let base = drive(dir.path(), 0, 3);
    let (jia, yi) = two_laptops(dir.path(), &base, ["甲", "乙"]);
    canbao(&yi).args(["school", "rename", "第1小学", "第1小学本部"]).assert().success();
    // Audit instants have whole seconds: 甲's renames are plainly the later changes.
    a_second_later();
    canbao(&jia).args(["school", "rename", "第1小学", "第1小学分校"]).assert().success();
    let jia_before = laptop_copy(dir.path(), &jia, "甲此前");
    a_second_later();
    canbao(&jia).args(["school", "rename", "第1小学分校", "第1小学"]).assert().success();
    let merged = dir.path().join("merged.db");
    std::fs::copy(&yi, &merged).unwrap();
    canbao(&merged).arg("merge").arg(&jia_before).assert().success();
    canbao(&merged).arg("merge").arg(&jia).assert().success();
    let s = canbao::store::Store::open(&merged).unwrap();
    assert_eq!(s.schools().unwrap(), ["第1小学本部"], "the merge of the three, in the county's order");
    for order in [[&jia_before, &yi, &jia], [&jia_before, &jia, &yi], [&yi, &jia_before, &jia]] {
        let Some(db) = TestDb::new() else { return };
        let mut said = Vec::new();
        for file in order {
            said.push(push(&db, &[file.as_path()], &[]));
        }
        let schools = || -> Vec<String> {
            db.client()
                .query(
                    "SELECT DISTINCT s.name FROM canbao.pupils p JOIN canbao.schools s ON s.id = p.school_id ORDER BY 1",
                    &[],
                )
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect()
        };
        assert_eq!(schools(), ["第1小学本部"], "{order:?}: {said:?}");
        // Each pushed again changes nothing.
        for file in [&jia, &yi] {
            let again = push(&db, &[file.as_path()], &[]);
            assert_eq!((again["added"].as_i64(), again["updated"].as_i64()), (Some(0), Some(0)), "{again}");
        }
        assert_eq!(schools(), ["第1小学本部"], "{order:?}");
    }
}

/// README's push user may delete nothing: its `--remove-restored` is refused in words naming the user and who
/// may, with nothing of the file pushed; the schema's owner takes the pupils out.
#[test]
fn the_push_user_may_not_take_pupils_out_and_is_told_who_may() {
    let Some(db) = TestDb::new() else { return };
    let after = db.url.split_once("://").unwrap().1;
    let host = after.rsplit_once('@').map_or(after, |(_, h)| h).rsplit_once('/').unwrap().0.to_owned();
    let users = CountyUsers { prefix: db.name.replace("canbao_test", "cbr"), databases: vec![db.name.clone()], host };
    let sql = users.readme_sql(&db.name);
    let mut admin = postgres::Client::connect(&admin_url(), postgres::NoTls).unwrap();
    admin.batch_execute(&sql[0]).expect("README's users");
    bare().args(["push", "--to", &users.url("owner", &db.name)]).assert().success();
    db.client().batch_execute(&sql[1]).expect("README's grants");
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    let backup = dir.path().join("before.db");
    canbao(&a).arg("backup").arg(&backup).assert().success();
    let wrong = dir.path().join("wrong.csv");
    let added = pupil_id(0, 10);
    std::fs::write(&wrong, format!("姓名,身份证号,所在年级、班级\n误导入甲,{added},三年级1班\n")).unwrap();
    canbao(&a).arg("import").arg(&wrong).assert().success();
    let push_url = users.url("push", &db.name);
    bare().arg("push").arg(&a).args(["--to", &push_url, "--accept-clock"]).assert().success();
    canbao(&a).arg("restore").arg(&backup).assert().success();
    let said = fails(bare().arg("push").arg(&a).args(["--to", &push_url, "--accept-clock", "--remove-restored"]));
    let push_user = format!("{}_push", users.prefix);
    assert!(said.contains(&push_user) && said.contains("--remove-restored") && said.contains("owner"), "{said}");
    assert_eq!(county_rows(&db, &added), (1, 1));
    let removals: i64 =
        db.client().query_one("SELECT count(*) FROM canbao.audit WHERE action = 'remove'", &[]).unwrap().get(0);
    assert_eq!(removals, 0, "nothing of the refused push is written");
    let owner = json(bare().arg("push").arg(&a).args([
        "--to",
        &users.url("owner", &db.name),
        "--accept-clock",
        "--remove-restored",
        "--json",
    ]));
    assert_eq!(owner["files"][0]["removed_from_county"].as_array().map(Vec::len), Some(1), "{owner}");
    assert_eq!(county_rows(&db, &added), (0, 0));
}

/// 民族 and 居住地址 corrected by hand (`mark --ethnicity/--address`, as `E` writes them) stay on the laptop as a
/// list's do: the push carries the changes as history rows without values.
#[test]
fn a_push_carries_no_address_or_ethnicity_corrected_by_hand() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let drive = drive(dir.path(), 0, 2);
    let id = pupil_id(0, 0);
    canbao(&drive)
        .args(["mark", &id, "--ethnicity", "仫佬", "--address", "柳州市城中区手改路 7 号"])
        .assert()
        .success();
    canbao(&drive).args(["mark", &id, "--address", "柳州市城中区再改路 9 号"]).assert().success();
    push(&db, &[&drive], &[]);
    let mut county = db.client();
    let rows =
        county.query("SELECT field, old, new FROM canbao.audit WHERE field IN ('ethnicity', 'address')", &[]).unwrap();
    assert_eq!(rows.len(), 3, "the changes themselves reach the county");
    assert!(rows.iter().all(|r| r.get::<_, Option<String>>(1).is_none() && r.get::<_, Option<String>>(2).is_none()));
    let dump: String = county
        .query_one(
            "SELECT concat(string_agg(a::text, ' '), (SELECT string_agg(p::text, ' ') FROM canbao.pupils p))
             FROM canbao.audit a",
            &[],
        )
        .unwrap()
        .get::<_, Option<String>>(0)
        .unwrap_or_default();
    for word in ["手改路", "再改路", "仫佬"] {
        assert!(!dump.contains(word), "{word} reached the county");
    }
}

/// A drive whose pupil 误导入甲 (school 0's number 10) an import added, a push sent to `url` and a restore took
/// back: the county holds the pupil the drive no longer does.
fn restored_after_a_push(dir: &Path, url: &str) -> (PathBuf, String) {
    let a = drive(dir, 0, 3);
    let backup = dir.join("before.db");
    canbao(&a).arg("backup").arg(&backup).assert().success();
    let wrong = dir.join("wrong.csv");
    let added = pupil_id(0, 10);
    std::fs::write(&wrong, format!("姓名,身份证号,所在年级、班级\n误导入甲,{added},三年级1班\n")).unwrap();
    canbao(&a).arg("import").arg(&wrong).assert().success();
    bare().arg("push").arg(&a).args(["--to", url, "--accept-clock"]).assert().success();
    canbao(&a).arg("restore").arg(&backup).assert().success();
    (a, added)
}

/// `--reveal --remove-restored` shows the removed pupils' numbers in full: the county's history records the
/// reveal of each, as for every other number a push reveals.
#[test]
fn the_numbers_of_pupils_taken_out_with_reveal_are_recorded_as_revealed() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (a, added) = restored_after_a_push(dir.path(), &db.url);
    let out = bare()
        .arg("push")
        .arg(&a)
        .args(["--to", &db.url, "--accept-clock", "--remove-restored", "--reveal"])
        .env("CANBAO_OPERATOR", "县医保局张三")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains(&added), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(county_rows(&db, &added), (0, 0));
    let reveals: Vec<String> = db
        .client()
        .query("SELECT operator FROM canbao.audit WHERE action = 'reveal' AND id_number = $1", &[&added])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(reveals, ["县医保局张三"]);
}

/// README's users on `db`, the schema made by its owner: (users, push user's URL).
fn readme_users(db: &TestDb) -> (CountyUsers, String) {
    let after = db.url.split_once("://").unwrap().1;
    let host = after.rsplit_once('@').map_or(after, |(_, h)| h).rsplit_once('/').unwrap().0.to_owned();
    let users = CountyUsers { prefix: db.name.replace("canbao_test", "cbr"), databases: vec![db.name.clone()], host };
    let sql = users.readme_sql(&db.name);
    let mut admin = postgres::Client::connect(&admin_url(), postgres::NoTls).unwrap();
    admin.batch_execute(&sql[0]).expect("README's users");
    bare().args(["push", "--to", &users.url("owner", &db.name)]).assert().success();
    db.client().batch_execute(&sql[1]).expect("README's grants");
    let push_url = users.url("push", &db.name);
    (users, push_url)
}

/// A user who may not delete is refused `--remove-restored` before any file is pushed: a file given before the
/// one whose pupils it would take out is not pushed either, as the refusal says.
#[test]
fn a_refused_remove_restored_pushes_none_of_the_files() {
    let Some(db) = TestDb::new() else { return };
    let (_users, push_url) = readme_users(&db);
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = restored_after_a_push(dir.path(), &push_url);
    let b = drive(dir.path(), 1, 2);
    let said =
        fails(bare().arg("push").arg(&b).arg(&a).args(["--to", &push_url, "--accept-clock", "--remove-restored"]));
    assert!(said.contains("--remove-restored"), "{said}");
    assert_eq!(county_rows(&db, &pupil_id(1, 0)), (0, 0), "the first file is not pushed: {said}");
}

/// The dry run of `--remove-restored` lists the pupils it would take out for a user who may not delete them too
/// (the README's push user), as the README says, and takes nothing out.
#[test]
fn a_dry_run_of_remove_restored_lists_the_pupils_for_the_push_user() {
    let Some(db) = TestDb::new() else { return };
    let (_users, push_url) = readme_users(&db);
    let dir = tempfile::tempdir().unwrap();
    let (a, added) = restored_after_a_push(dir.path(), &push_url);
    let dry = json(bare().arg("push").arg(&a).args([
        "--to",
        &push_url,
        "--accept-clock",
        "--remove-restored",
        "--dry-run",
        "--json",
    ]));
    assert_eq!(dry["files"][0]["removed_from_county"].as_array().map(Vec::len), Some(1), "{dry}");
    assert_eq!(county_rows(&db, &added), (1, 1));
}

/// A category removed on one copy and certified again on the other names, as the other fields' conflicts do,
/// the operator of each side beside its time; where before the category's conflict named no one.
#[test]
fn a_category_conflict_names_the_operator_of_both_sides() {
    let dir = tempfile::tempdir().unwrap();
    let by = |s: &mut canbao::store::Store, operator: &str| s.set_operator(operator).unwrap();
    let (jia, yi) = two_copies_certified(
        dir.path(),
        |s, ids| certify(s, &ids[0], "2099-11-20T10:00:00+08:00", &[("特困", "民政局")]),
        |s, ids| {
            by(s, "王甲");
            certify(s, &ids[0], "2099-11-23T10:00:00+08:00", &[("孤儿", "民政局")]);
        },
        |s, ids| {
            by(s, "李乙");
            certify(s, &ids[0], "2099-11-23T10:01:00+08:00", &[("特困", "残联")]);
        },
    );
    each_push_order(&jia, &yi, |db, order| {
        let pushed = push(&db, &order, &[]);
        let conflicts = pushed["conflicts"].as_array().unwrap();
        assert_eq!(conflicts.len(), 1, "{pushed}");
        let c = &conflicts[0];
        assert_eq!(c["field"], "categories", "{c}");
        assert_eq!((c["kept_operator"].as_str(), c["lost_operator"].as_str()), (Some("李乙"), Some("王甲")), "{c}");
        let county_side = if order[0] == yi.as_path() { "李乙" } else { "王甲" };
        assert_eq!(c["county_operator"].as_str(), Some(county_side), "{order:?}: {c}");
    });
    let Some(db) = TestDb::new() else { return };
    push(&db, &[&jia], &[]);
    let out = bare().arg("push").arg(&yi).args(["--to", &db.url, "--accept-clock"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let line = text.lines().find(|l| l.contains("特困") && l.contains("保留")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains(&format!("{} 李乙 ", yi.display())) && line.contains("school0.db 王甲 "), "{line}");
}

/// A change recorded with no operator's name (a drive whose operator was never given) leaves no empty slot in
/// the conflict line: the drive and the time, one space apart, and no empty operator in --json; where before the
/// line read 「…school0.db  10:00:00」 with two spaces.
#[test]
fn a_conflict_of_a_change_recorded_without_an_operator_says_the_drive_and_time_only() {
    use canbao::store::Store;
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    let b = laptop_copy(dir.path(), &a, "乙");
    let id = pupil_id(0, 1);
    let note = |path: &Path, operator: &str, at: &str, text: &str| {
        let mut s = Store::open(path).unwrap();
        s.set_operator(operator).unwrap();
        s.set_fixed_clock(at);
        let pupil = s.student_by_id_number(&id).unwrap().unwrap().id;
        s.set_note(pupil, text).unwrap();
    };
    note(&a, "", "2026-12-06T10:00:00+08:00", "甲说");
    note(&b, "李乙", "2026-12-06T10:05:00+08:00", "乙说");
    push(&db, &[&a], &[]);
    let fresh = TestDb::new().expect("a second database");
    push(&fresh, &[&a], &[]);
    let met = push(&db, &[&b], &[]);
    let c =
        met["conflicts"].as_array().unwrap().iter().find(|c| c["field"] == "note").unwrap_or_else(|| panic!("{met}"));
    assert_eq!((c["kept_operator"].as_str(), c.get("lost_operator")), (Some("李乙"), None), "{c}");
    let out = bare().args(["push", "--to", &fresh.url, "--accept-clock"]).arg(&b).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    let line = text.lines().find(|l| l.contains("「备注」")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("舍弃 甲说（school0.db 2026-12-06 10:00:00）"), "{line}");
    assert!(!line.trim_start().contains("  "), "{line}");
}

/// 乙 records a family's payment (已缴费 380), marks another pupil 不参保 and certifies a third 孤儿; 甲, apart and
/// a minute later, marks the first 财政代缴, the second 在校参保 and the third 特困, pushes, and takes each back with
/// u. A change and its taking back say nothing, as a merge of the two laptops reads them: 乙's payment,
/// enrollment and category stand at the county whichever way the three pushes come, 甲's taking back reaching
/// the county after its change, with no conflict at that push; where before 甲's withdrawn payment and
/// enrollment (the values it went back to) still beat 乙's earlier ones, without a word.
#[test]
fn a_payment_enrollment_or_category_taken_back_after_it_reached_the_county_does_not_undo_the_other_laptops() {
    use canbao::domain::student::{Enrollment, PaymentStatus};
    use canbao::store::{Field, FieldChange, Store};
    let dir = tempfile::tempdir().unwrap();
    let base = drive(dir.path(), 0, 4);
    let (jia, yi) = two_laptops(dir.path(), &base, ["甲", "乙"]);
    let ids: Vec<String> = (0..3).map(|n| pupil_id(0, n)).collect();
    {
        let mut s = Store::open(&yi).unwrap();
        pay(&mut s, &ids[0], "2099-11-23T10:00:00+08:00", "paid", Some("现金"));
        let pupil = s.student_by_id_number(&ids[1]).unwrap().unwrap().id;
        s.set_enrollment(pupil, Enrollment::Declined, Some("家长拒绝")).unwrap();
        certify(&mut s, &ids[2], "2099-11-23T10:00:00+08:00", &[("孤儿", "民政局")]);
    }
    // One session: an undo is of the session that made the change.
    let mut session = Store::open(&jia).unwrap();
    let pupils: Vec<i64> = ids.iter().map(|id| session.student_by_id_number(id).unwrap().unwrap().id).collect();
    let log = || rusqlite::Connection::open(&jia).unwrap();
    let last: i64 = log().query_row("SELECT max(id) FROM audit", [], |r| r.get(0)).unwrap();
    pay(&mut session, &ids[0], "2099-11-23T10:01:00+08:00", "government", None);
    session.set_enrollment(pupils[1], Enrollment::Here, None).unwrap();
    certify(&mut session, &ids[2], "2099-11-23T10:01:00+08:00", &[("特困", "民政局")]);
    session.checkpoint().unwrap();
    let jia_before = laptop_copy(dir.path(), &jia, "甲此前");
    // As u takes them back: each field written back to the value its change replaced, the last change first.
    let changed: Vec<(i64, String, Option<String>)> = log()
        .prepare("SELECT student_id, field, old FROM audit WHERE id > ?1 ORDER BY id DESC")
        .unwrap()
        .query_map([last], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(changed.len() >= 3, "{changed:?}");
    session.set_fixed_clock("2099-11-23T10:02:00+08:00");
    for (pupil, field, old) in changed {
        let field = Field::from_key(&field).unwrap();
        session.change(pupil, "undo", &[FieldChange::new_owned(field, old)]).unwrap();
    }
    drop(session);
    let s = Store::open(&jia).unwrap();
    let back = s.student_by_id_number(&ids[0]).unwrap().unwrap();
    assert_eq!(back.payment, PaymentStatus::Unpaid, "甲 holds its payment as it was");
    assert!(s.student_by_id_number(&ids[2]).unwrap().unwrap().categories.is_empty());
    drop(s);
    let expected = |db: &TestDb| {
        let payment = county_settled(db, &ids[0]);
        let enrollment = county_settled(db, &ids[1]).0;
        let categories = county_settled(db, &ids[2]).4;
        ((payment.1, payment.2, payment.3), enrollment, categories)
    };
    let yis =
        (("paid".to_owned(), Some(38000), Some("现金".to_owned())), "declined".to_owned(), vec!["孤儿".to_owned()]);
    for order in [[&jia_before, &yi, &jia], [&jia_before, &jia, &yi], [&yi, &jia_before, &jia]] {
        let Some(db) = TestDb::new() else { return };
        let mut said = Vec::new();
        for file in order {
            said.push(push(&db, &[file.as_path()], &[]));
        }
        assert_eq!(expected(&db), yis, "{order:?}: {said:?}");
        if order[2] == &jia {
            let last = &said[2];
            assert!(last["conflicts"].as_array().unwrap().is_empty(), "{order:?}: {last}");
        }
        for file in [&jia, &yi] {
            let again = push(&db, &[file.as_path()], &[]);
            assert_eq!((again["added"].as_i64(), again["updated"].as_i64()), (Some(0), Some(0)), "{again}");
        }
        assert_eq!(expected(&db), yis, "{order:?}");
    }
}

/// 甲 and 乙 each record the tax office's part payment apart (300, 20 November); 甲 then tops it up by hand (80,
/// 补缴) before 乙 records it. 甲's payment is 乙's topped up: the top-up's 380 stands at the county, pushed in either
/// order, with no conflict, as a merge of the two laptops keeps it (`made_apart::built_on_by_top_ups`); where
/// before the county kept 乙's newer 300 and listed the amount as a conflict, losing the family's top-up.
#[test]
fn a_top_up_made_over_the_other_laptops_same_payment_stands_at_the_county_in_either_order() {
    use canbao::domain::student::{PaymentDetails, PaymentStatus};
    use canbao::store::{Change, ChangeOptions, Payment, Store, TOP_UP};
    let dir = tempfile::tempdir().unwrap();
    let base = drive(dir.path(), 0, 3);
    let id = pupil_id(0, 0);
    let (jia, yi) = two_laptops(dir.path(), &base, ["甲", "乙"]);
    let part = PaymentDetails {
        amount_fen: Some(30000),
        paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
        channel: None,
    };
    let record = |path: &Path, at: &str| {
        let mut s = Store::open(path).unwrap();
        s.set_fixed_clock(at);
        let pupil = s.student_by_id_number(&id).unwrap().unwrap().id;
        s.set_payment(pupil, PaymentStatus::Paid, &part).unwrap();
        s
    };
    let mut s = record(&jia, "2099-11-23T10:00:00+08:00");
    s.set_fixed_clock("2099-11-23T10:01:00+08:00");
    let pupil = s.student_by_id_number(&id).unwrap().unwrap().id;
    let paid = Change::Payment(Payment::Paid {
        amount_fen: Some(38000),
        paid_on: chrono::NaiveDate::from_ymd_opt(2099, 11, 23),
        channel: None,
    });
    s.apply_change(TOP_UP, pupil, vec![paid], ChangeOptions::default()).unwrap();
    drop(s);
    drop(record(&yi, "2099-11-23T10:05:00+08:00"));
    assert_eq!(merged(dir.path(), &jia, &yi, &id).2, Some(38000), "the merge keeps the top-up");
    each_push_order(&jia, &yi, |db, order| {
        let mut said = Vec::new();
        for file in order {
            said.push(push(&db, &[file], &[]));
        }
        let (_, payment, amount, _, _) = county_settled(&db, &id);
        assert_eq!((payment.as_str(), amount), ("paid", Some(38000)), "{order:?}: {said:?}");
        for pushed in &said {
            assert!(pushed["conflicts"].as_array().unwrap().is_empty(), "{order:?}: {pushed}");
        }
        for file in [&jia, &yi] {
            let again = push(&db, &[file.as_path()], &[]);
            assert_eq!((again["added"].as_i64(), again["updated"].as_i64()), (Some(0), Some(0)), "{again}");
        }
    });
}

/// A list imported by mistake, pushed, taken back by a restore and taken out of the county with
/// `--remove-restored`: a copy of the drive made before the restore, still holding the pupil (and a payment
/// marked on it since), pushes after. The pupil is not added again: the push names it as kept out, on each such
/// push, and the copy's history of it joins the pupil taken out; where before it came back under a new county id.
#[test]
fn a_copy_still_holding_a_pupil_taken_out_of_the_county_does_not_bring_it_back() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("甲")).unwrap();
    let a = drive(&dir.path().join("甲"), 0, 3);
    let backup = dir.path().join("before.db");
    canbao(&a).arg("backup").arg(&backup).assert().success();
    let wrong = dir.path().join("wrong.csv");
    let added = pupil_id(0, 10);
    std::fs::write(&wrong, format!("姓名,身份证号,所在年级、班级\n误导入甲,{added},三年级1班\n")).unwrap();
    canbao(&a).arg("import").arg(&wrong).assert().success();
    push(&db, &[&a], &[]);
    let stale = laptop_copy(dir.path(), &a, "乙");
    mark(&stale, &added, &["--note", "乙后来记的"]);
    canbao(&a).arg("restore").arg(&backup).assert().success();
    push(&db, &[&a], &["--remove-restored"]);
    assert_eq!(county_rows(&db, &added), (0, 0));
    let ids_before: i64 = db.client().query_one("SELECT max(id) FROM canbao.pupils", &[]).unwrap().get(0);
    for _ in 0..2 {
        let pushed = push(&db, &[&stale], &[]);
        assert_eq!(county_rows(&db, &added), (0, 0), "{pushed}");
        assert_eq!(pushed["added"], 0, "{pushed}");
        let kept_out: Vec<&str> = pushed["files"][0]["kept_out"]
            .as_array()
            .unwrap_or_else(|| panic!("{pushed}"))
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(kept_out, ["误导入甲"], "{pushed}");
    }
    let ids_after: i64 = db.client().query_one("SELECT max(id) FROM canbao.pupils", &[]).unwrap().get(0);
    assert_eq!(ids_before, ids_after, "no new county id");
    assert_eq!(rollup(&db, &[])["students"], 3);
    // The copy's note is in the history of the pupil taken out, not of no pupil.
    let homes: Vec<(Option<i64>, bool)> = db
        .client()
        .query(
            "SELECT a.pupil_id, EXISTS (SELECT 1 FROM canbao.audit r WHERE r.pupil_id = a.pupil_id AND r.action = 'remove')
             FROM canbao.audit a WHERE a.field = 'note' AND a.new = '乙后来记的'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(homes.len(), 1, "{homes:?}");
    assert!(homes[0].0.is_some() && homes[0].1, "{homes:?}");
    let out = bare().arg("push").arg(&stale).args(["--to", &db.url, "--accept-clock"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("未再添加") && text.contains("误导入甲"), "{text}");
}

/// As above, with 甲 changing and taking back twice, each round pushed before the next: 乙's payment, enrollment
/// and category still stand at the county after the second taking back, pushed in any order, with no conflict at
/// that push, as a merge of the two laptops reads them (both change and undo pairs are nothing); where before
/// the first pair, already at the county, read as 甲's live change and 乙's values were lost without a word.
#[test]
fn a_change_taken_back_a_second_time_after_the_first_reached_the_county_does_not_undo_the_other_laptops() {
    use canbao::domain::student::Enrollment;
    use canbao::store::{Field, FieldChange, Store};
    let dir = tempfile::tempdir().unwrap();
    let base = drive(dir.path(), 0, 4);
    let copy = |from: &Path, laptop: &str| laptop_copy(dir.path(), from, laptop);
    let (jia, yi) = two_laptops(dir.path(), &base, ["甲", "乙"]);
    let ids: Vec<String> = (0..3).map(|n| pupil_id(0, n)).collect();
    {
        let mut s = Store::open(&yi).unwrap();
        pay(&mut s, &ids[0], "2099-11-23T10:00:00+08:00", "paid", Some("现金"));
        let pupil = s.student_by_id_number(&ids[1]).unwrap().unwrap().id;
        s.set_enrollment(pupil, Enrollment::Declined, Some("家长拒绝")).unwrap();
        certify(&mut s, &ids[2], "2099-11-23T10:00:00+08:00", &[("孤儿", "民政局")]);
    }
    // One round on 甲: the three changes at `minute`, a copy of the drive then, and u a minute later in the same
    // session (an undo is of the session that made the change).
    let round = |minute: u32, before: &str| -> PathBuf {
        let at = |m: u32| format!("2099-11-23T10:{m:02}:00+08:00");
        let mut session = Store::open(&jia).unwrap();
        let pupils: Vec<i64> = ids.iter().map(|id| session.student_by_id_number(id).unwrap().unwrap().id).collect();
        let log = || rusqlite::Connection::open(&jia).unwrap();
        let last: i64 = log().query_row("SELECT max(id) FROM audit", [], |r| r.get(0)).unwrap();
        pay(&mut session, &ids[0], &at(minute), "government", None);
        session.set_enrollment(pupils[1], Enrollment::Here, None).unwrap();
        certify(&mut session, &ids[2], &at(minute), &[("特困", "民政局")]);
        session.checkpoint().unwrap();
        let copied = copy(&jia, before);
        let changed: Vec<(i64, String, Option<String>)> = log()
            .prepare("SELECT student_id, field, old FROM audit WHERE id > ?1 ORDER BY id DESC")
            .unwrap()
            .query_map([last], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(changed.len() >= 3, "{changed:?}");
        session.set_fixed_clock(&at(minute + 1));
        for (pupil, field, old) in changed {
            let field = Field::from_key(&field).unwrap();
            session.change(pupil, "undo", &[FieldChange::new_owned(field, old)]).unwrap();
        }
        copied
    };
    let first_before = round(1, "甲第一次改后");
    let first = copy(&jia, "甲第一次撤回后");
    let second_before = round(3, "甲第二次改后");
    let expected = |settled: &dyn Fn(&str) -> Settled| {
        let payment = settled(&ids[0]);
        ((payment.1, payment.2, payment.3), settled(&ids[1]).0, settled(&ids[2]).4)
    };
    let yis =
        (("paid".to_owned(), Some(38000), Some("现金".to_owned())), "declined".to_owned(), vec!["孤儿".to_owned()]);
    assert_eq!(expected(&|id: &str| merged(dir.path(), &jia, &yi, id)), yis, "a merge keeps 乙's values");
    let orders: [&[&PathBuf]; 4] = [
        &[&first_before, &yi, &first, &second_before, &jia],
        &[&yi, &first, &second_before, &jia],
        &[&yi, &first, &jia],
        &[&first, &yi, &jia],
    ];
    for order in orders {
        let Some(db) = TestDb::new() else { return };
        let mut said = Vec::new();
        for file in order {
            said.push(push(&db, &[file.as_path()], &[]));
        }
        assert_eq!(expected(&|id: &str| county_settled(&db, id)), yis, "{order:?}: {said:?}");
        let last = said.last().unwrap();
        assert!(last["conflicts"].as_array().unwrap().is_empty(), "{order:?}: {last}");
        for file in [&jia, &yi] {
            let again = push(&db, &[file.as_path()], &[]);
            assert_eq!((again["added"].as_i64(), again["updated"].as_i64()), (Some(0), Some(0)), "{again}");
        }
        assert_eq!(expected(&|id: &str| county_settled(&db, id)), yis, "{order:?}");
    }
}

/// As above, the copy from before the restore recording a family's payment (已缴费 380) for the pupil taken out:
/// its push says that the county does not count that payment, for the operator to check it, and `--json` marks
/// the pupil `paid_here`; where before the line named the pupil as kept out and said nothing of the money.
#[test]
fn a_copy_paying_for_a_pupil_taken_out_of_the_county_is_told_the_county_does_not_count_it() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("甲")).unwrap();
    let a = drive(&dir.path().join("甲"), 0, 3);
    let backup = dir.path().join("before.db");
    canbao(&a).arg("backup").arg(&backup).assert().success();
    let wrong = dir.path().join("wrong.csv");
    let added = pupil_id(0, 10);
    std::fs::write(&wrong, format!("姓名,身份证号,所在年级、班级\n误导入甲,{added},三年级1班\n")).unwrap();
    canbao(&a).arg("import").arg(&wrong).assert().success();
    push(&db, &[&a], &[]);
    std::fs::create_dir(dir.path().join("乙")).unwrap();
    let stale = dir.path().join("乙").join("school0.db");
    std::fs::copy(&a, &stale).unwrap();
    mark(&stale, &added, &["--payment", "paid", "--amount", "380"]);
    canbao(&a).arg("restore").arg(&backup).assert().success();
    push(&db, &[&a], &["--remove-restored"]);
    let pushed = push(&db, &[&stale], &[]);
    let kept_out = &pushed["files"][0]["kept_out"];
    assert_eq!(kept_out[0]["paid_here"], true, "{pushed}");
    let out = bare().arg("push").arg(&stale).args(["--to", &db.url, "--accept-clock"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("其中 1 人在本数据文件中记有缴费，汇总数据库未计入，请核实"), "{text}");
    assert!(text.contains("1 of them has a payment recorded on this drive that the county does not count"), "{text}");
    assert_eq!(county_rows(&db, &added), (0, 0));
}

/// A school laptop's copy of a drive still holding a payment the county knows was taken back (undone with `u` on
/// the laptop that recorded it, or taken back by a restore of that laptop's drive): the copy's payment is no news
/// to the county and is not applied, as README's restore section says, and the push names the pupil, the two
/// values and how the county took it back. Before, the copy pushed as 「未变」 without a word.
#[test]
fn a_copy_holding_a_payment_the_county_has_as_taken_back_is_named_and_not_applied() {
    use canbao::store::{Field, FieldChange, Store};
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let base = drive(dir.path(), 0, 3);
    let in_folder = |laptop: &str| {
        std::fs::create_dir_all(dir.path().join(laptop)).unwrap();
        dir.path().join(laptop).join("school0.db")
    };
    let (jia, yi) = (in_folder("甲"), in_folder("乙"));
    std::fs::copy(&base, &jia).unwrap();
    let id = pupil_id(0, 0);
    // 甲 records the payment and takes it back with u, in one session; 乙 is a copy made between the two.
    let mut session = Store::open(&jia).unwrap();
    let last: i64 =
        rusqlite::Connection::open(&jia).unwrap().query_row("SELECT max(id) FROM audit", [], |r| r.get(0)).unwrap();
    pay(&mut session, &id, "2099-11-23T10:00:00+08:00", "paid", Some("现金"));
    session.checkpoint().unwrap();
    std::fs::copy(&jia, &yi).unwrap();
    push(&db, &[&yi], &[]);
    assert_eq!(county_status(&db, &id).1, "paid");
    let changed: Vec<(i64, String, Option<String>)> = rusqlite::Connection::open(&jia)
        .unwrap()
        .prepare("SELECT student_id, field, old FROM audit WHERE id > ?1 ORDER BY id DESC")
        .unwrap()
        .query_map([last], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    session.set_fixed_clock("2099-11-23T10:01:00+08:00");
    for (pupil, field, old) in changed {
        let field = Field::from_key(&field).unwrap();
        session.change(pupil, "undo", &[FieldChange::new_owned(field, old)]).unwrap();
    }
    drop(session);
    push(&db, &[&jia], &[]);
    assert_eq!(county_status(&db, &id).1, "unpaid", "the undo reaches the county");

    let again = push(&db, &[&yi], &[]);
    assert!(again["conflicts"].as_array().unwrap().is_empty(), "{again}");
    assert_eq!(county_status(&db, &id).1, "unpaid", "the copy's payment is not applied");
    let named = again["files"][0]["payments_withdrawn"].as_array().cloned().unwrap_or_default();
    assert_eq!(named.len(), 1, "{again}");
    assert_eq!(named[0]["name"], "学生00", "{again}");
    assert_eq!(
        (named[0]["drive_payment"].as_str(), named[0]["county_payment"].as_str()),
        (Some("paid"), Some("unpaid"))
    );
    assert_eq!(named[0]["taken_back_by"], "undo", "{again}");
    assert_eq!(named[0]["drive_amount_fen"], 38000, "{again}");
    // Said in the text report too, and the pupil is not named by a push of 甲 itself.
    let out = bare().arg("push").arg(&yi).args(["--to", &db.url, "--accept-clock", "--dry-run"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("已知被撤回") && text.contains("学生00") && text.contains("未采用"), "{text}");
    let own = push(&db, &[&jia], &[]);
    assert!(own["files"][0].get("payments_withdrawn").is_none(), "{own}");

    // Taken back by a restore of the drive that recorded it: the same for a copy made before the restore.
    let Some(db) = TestDb::new() else { return };
    let a = in_folder("丙");
    std::fs::copy(&base, &a).unwrap();
    let backup = dir.path().join("丙before.db");
    canbao(&a).arg("backup").arg(&backup).assert().success();
    mark(&a, &id, &["--payment", "paid", "--amount", "400"]);
    let b = in_folder("丁");
    std::fs::copy(&a, &b).unwrap();
    push(&db, &[&b], &[]);
    canbao(&a).arg("restore").arg(&backup).assert().success();
    push(&db, &[&a], &[]);
    assert_eq!(county_status(&db, &id).1, "unpaid", "the restore reaches the county");
    let from_copy = push(&db, &[&b], &[]);
    assert_eq!(county_status(&db, &id).1, "unpaid", "the copy's payment is not applied");
    let named = from_copy["files"][0]["payments_withdrawn"].as_array().cloned().unwrap_or_default();
    assert_eq!(named.len(), 1, "{from_copy}");
    assert_eq!(named[0]["taken_back_by"], "restore", "{from_copy}");
}

/// Drives whose pupils are under the placeholder school 「本校」 (imported from lists that named no school) are
/// refused by `push`, dry run or not, with nothing sent, not even a named drive given before them, and the
/// message says how to name the school: the county files schools by name, and two schools' drives became one
/// county school 「本校」 whose 一年级1班 held both schools' pupils. Named, they go up as two schools.
#[test]
fn a_drive_whose_school_is_the_placeholder_is_not_pushed_and_says_how_to_name_it() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let named = drive(dir.path(), 0, 2);
    let mut unnamed = Vec::new();
    for s in [1, 2] {
        let csv = dir.path().join(format!("odd{s}.csv"));
        let mut text = String::from("姓名,身份证号,所在年级、班级\n");
        for n in 0..3 {
            text.push_str(&format!("学生{s}{n},{},一年级1班\n", pupil_id(s, n)));
        }
        std::fs::write(&csv, text).unwrap();
        let file = dir.path().join(format!("odd{s}.db"));
        canbao(&file).arg("import").arg(&csv).assert().success();
        unnamed.push(file);
    }
    for dry_run in [true, false] {
        let mut cmd = bare();
        cmd.arg("push").arg(&named).args(&unnamed).args(["--to", &db.url, "--accept-clock"]);
        if dry_run {
            cmd.arg("--dry-run");
        }
        let out = cmd.output().unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{text}");
        for said in ["odd1.db、", "odd2.db", "6 名学生的学校是「本校」", "school rename 本校 学校全称", "「学校改名」"]
        {
            assert!(text.contains(said), "{said}: {text}");
        }
        assert!(text.contains("name the school first"), "{text}");
    }
    let none: bool = db.client().query_one("SELECT to_regclass('canbao.pupils') IS NULL", &[]).unwrap().get(0);
    assert!(none, "a refused push made the county's tables");
    for (file, school) in unnamed.iter().zip(["第二小学", "第三小学"]) {
        canbao(file).args(["school", "rename", "本校", school]).assert().success();
    }
    push(&db, &[named.as_path(), unnamed[0].as_path(), unnamed[1].as_path()], &[]);
    let rows = db.client().query("SELECT name FROM canbao.schools", &[]).unwrap();
    let mut schools: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    schools.sort();
    assert_eq!(schools, ["第1小学", "第三小学", "第二小学"]);
}

/// The 「本校」 refusal of `push` names its drive quoted as every command canbao prints does: a drive in a folder
/// with a space in its name, the command typed as printed (the school's name filled in) renames the school and the
/// push then goes through. Before, the path was printed bare and the command split it in two.
#[test]
fn the_placeholder_schools_refusal_quotes_a_path_with_a_space() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("my drives");
    std::fs::create_dir_all(&folder).unwrap();
    let csv = folder.join("odd.csv");
    let mut text = String::from("姓名,身份证号,所在年级、班级\n");
    for n in 0..2 {
        text.push_str(&format!("学生9{n},{},一年级1班\n", pupil_id(9, n)));
    }
    std::fs::write(&csv, text).unwrap();
    let file = folder.join("odd.db");
    canbao(&file).arg("import").arg(&csv).assert().success();
    let out = bare().arg("push").arg(&file).args(["--to", &db.url, "--accept-clock"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{said}");
    let start = said.find("canbao --db ").unwrap_or_else(|| panic!("{said}"));
    let end = start + said[start..].find("学校全称").unwrap_or_else(|| panic!("{said}")) + "学校全称".len();
    let command = &said[start..end];
    assert!(command.contains(&format!("'{}'", file.display())), "quoted: {command}");
    let bin = assert_cmd::cargo::cargo_bin("canbao");
    let path = format!("{}:{}", bin.parent().unwrap().display(), std::env::var("PATH").unwrap_or_default());
    let typed = command.replace("学校全称", "第九小学");
    let ran = std::process::Command::new("sh")
        .args(["-c", &typed])
        .env("PATH", path)
        .env_remove("CANBAO_DB")
        .env("CANBAO_OPERATOR", "测试")
        .output()
        .unwrap();
    assert!(ran.status.success(), "{typed}: {}", String::from_utf8_lossy(&ran.stderr));
    push(&db, &[file.as_path()], &[]);
    let rows = db.client().query("SELECT name FROM canbao.schools", &[]).unwrap();
    let schools: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
    assert_eq!(schools, ["第九小学"]);
}

/// A drive pushed, restored to the backup its import made and the list imported again (the county holding history
/// rows the drive no longer has), then a part payment (300 of 380) pushed, topped up 40 on each of two copies of
/// the drive (two laptops): each top-up is a payment of its own, so the county ends with 380 whichever copy is
/// pushed first, with the joined top-ups said and no conflict, and the merged file brings it there too. Where
/// before the rows the restore had taken back hid the top-ups made apart, and the county kept one laptop's 340
/// with only a conflict of the dates.
#[test]
fn top_ups_made_apart_on_a_restored_drive_both_count_at_the_county() {
    let dir = tempfile::tempdir().unwrap();
    let base = drive_2024(dir.path(), 3);
    let id = pupil_id(0, 0);
    let laptop = |name: &str| {
        std::fs::create_dir(dir.path().join(name)).unwrap();
        dir.path().join(name).join("yibin.db")
    };
    let before = laptop("先");
    std::fs::copy(&base, &before).unwrap();
    let backup = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with("-import.db"))
        .expect("the import's backup");
    canbao(&base).arg("restore").arg(&backup).arg("--force").assert().success();
    canbao(&base).args(["import", "--school", "第一小学"]).arg(dir.path().join("yibin.csv")).assert().success();
    canbao(&base).args(["policy", "use", "yibin-2024"]).assert().success();
    mark(&base, &id, &["--payment", "paid", "--amount", "300", "--paid-on", "2023-10-08", "--yes"]);
    let (jia, yi, both) = (laptop("甲"), laptop("乙"), laptop("合"));
    std::fs::copy(&base, &jia).unwrap();
    std::fs::copy(&base, &yi).unwrap();
    mark(&jia, &id, &["--top-up", "40", "--paid-on", "2023-10-09"]);
    mark(&yi, &id, &["--top-up", "40", "--paid-on", "2023-10-10"]);
    std::fs::copy(&jia, &both).unwrap();
    canbao(&both).arg("merge").arg(&yi).assert().success();
    let orders: [&[&Path]; 4] = [&[&jia, &yi, &both], &[&yi, &jia], &[&jia, &both], &[&both, &yi, &jia]];
    for order in orders {
        let Some(db) = TestDb::new() else { return };
        push(&db, &[&before], &[]);
        push(&db, &[&base], &[]);
        assert_eq!(county_payment(&db, &id, 2024).1, Some(30000));
        let said: Vec<Value> = order.iter().map(|file| push(&db, &[file], &[])).collect();
        assert_eq!(county_payment(&db, &id, 2024), ("paid".to_owned(), Some(38000), None), "{order:?}: {said:?}");
        assert!(said.iter().all(|p| p["conflicts"].as_array().unwrap().is_empty()), "no conflict: {said:?}");
        if order[0] != both.as_path() && order[1] != both.as_path() {
            let joined: u64 = said.iter().map(|p| p["files"][0]["top_ups_joined"].as_u64().unwrap()).sum();
            assert_eq!(joined, 1, "{order:?}: the push that met both top-ups says so: {said:?}");
        }
    }
}

/// 第2小学's laptop pushes its pupils; 第1小学's laptop imports 第2小学's list by mistake, pushes, takes the
/// import back by restoring the backup it made and pushes again: the pupils are 第2小学's, created at the county by
/// its own drive, so the restored drive does not name them as pupils it added, its `--remove-restored` takes none
/// of them out, and 第2小学's drive still pushes them all, kept out of none. Where before the push called them this
/// drive's, the advised `--remove-restored` deleted the whole school from the county, and 第2小学's own drive was
/// told it was a copy from before that restore and could never push them again.
#[test]
fn remove_restored_never_takes_out_pupils_another_schools_drive_created() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 3);
    let b = drive(dir.path(), 1, 4);
    push(&db, &[&a, &b], &[]);
    mark(&b, &pupil_id(1, 0), &["--payment", "paid", "--amount", "400"]);
    push(&db, &[&b], &[]);
    canbao(&a).args(["import", "--school", "第1小学"]).arg(dir.path().join("school1.csv")).assert().success();
    push(&db, &[&a], &[]);
    let mut backups: Vec<PathBuf> = std::fs::read_dir(dir.path().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with("school0") && name.ends_with("-import.db")
        })
        .collect();
    backups.sort();
    let backup = backups.last().expect("the wrong import's backup");
    canbao(&a).arg("restore").arg(backup).arg("--force").assert().success();
    let after = push(&db, &[&a], &[]);
    assert!(after["files"][0].get("restore_removed").is_none(), "not this drive's pupils: {after}");
    let removing = push(&db, &[&a], &["--remove-restored"]);
    assert!(removing["files"][0].get("removed_from_county").is_none(), "{removing}");
    let own = push(&db, &[&b], &[]);
    assert!(own["files"][0].get("kept_out").is_none(), "{own}");
    let county = rollup(&db, &[]);
    assert_eq!((county["students"].as_i64(), county["paid"].as_i64()), (Some(7), Some(1)), "{county}");
}

/// A department's list certifies two pupils' categories (低保对象, 特困人员) on a drive that pushes them; a restore
/// of a backup from before takes them back, and the next push takes them back at the county too: no special
/// group left for the school, as on its drive, with a `restore` row for each; a later certification on the drive
/// is news again. Where before the county kept both categories (特殊群体 2 while the drive had none), uniting
/// them with the drive's empty list as if another laptop had certified them.
#[test]
fn a_restore_that_takes_back_a_departments_categories_takes_them_back_at_the_county() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = drive(dir.path(), 0, 4);
    push(&db, &[&a], &[]);
    let backup = dir.path().join("before.db");
    canbao(&a).arg("backup").arg(&backup).assert().success();
    let (poor, needy) = (pupil_id(0, 0), pupil_id(0, 1));
    {
        let mut s = canbao::store::Store::open(&a).unwrap();
        categorize(&mut s, &poor, &["低保对象"], false);
        categorize(&mut s, &needy, &["特困人员"], false);
    }
    push(&db, &[&a], &[]);
    assert_eq!(rollup(&db, &[])["special"], 2);
    canbao(&a).arg("restore").arg(&backup).arg("--force").assert().success();
    let after = push(&db, &[&a], &[]);
    assert!(after["conflicts"].as_array().unwrap().is_empty(), "{after}");
    assert_eq!(after["files"][0]["restored"], 2, "{after}");
    let county = rollup(&db, &[]);
    let year = after["files"][0]["year"].as_i64().expect("the drive's year");
    assert_eq!(county_special(&county), drive_categories(&a, year), "{county}");
    assert_eq!(county["special"], 0, "{county}");
    let restore_rows: i64 = db
        .client()
        .query_one("SELECT count(*) FROM canbao.audit WHERE action = 'restore' AND field = 'categories'", &[])
        .unwrap()
        .get(0);
    assert_eq!(restore_rows, 2);
    // Certified again on the drive since: news again, no conflict with the change the restore took back.
    {
        let mut s = canbao::store::Store::open(&a).unwrap();
        categorize(&mut s, &needy, &["特困人员"], false);
    }
    let again = push(&db, &[&a], &[]);
    assert!(again["conflicts"].as_array().unwrap().is_empty(), "{again}");
    assert_eq!(rollup(&db, &[])["special"], 1);
}

/// Two copies of a drive move one pupil of 三年级1班 apart, one to 三年级2班 and the later one to 三年级3班: the
/// conflict names both classes whole, grade and class, as the detail screen shows them; where before it said
/// 「班级」：保留 3班 … 舍弃 2班, which for a pupil moved between schools or grades says nothing.
#[test]
fn a_class_conflict_names_the_grade_with_the_class() {
    use canbao::store::{Field, FieldChange, Store};
    let dir = tempfile::tempdir().unwrap();
    let base = drive(dir.path(), 0, 2);
    let id = pupil_id(0, 0);
    let Some(db) = TestDb::new() else { return };
    push(&db, &[&base], &[]);
    let copies: Vec<PathBuf> = ["甲", "乙"]
        .iter()
        .enumerate()
        .map(|(n, laptop)| {
            std::fs::create_dir(dir.path().join(laptop)).unwrap();
            let path = dir.path().join(laptop).join("school0.db");
            std::fs::copy(&base, &path).unwrap();
            let mut s = Store::open(&path).unwrap();
            s.set_fixed_clock(&format!("2099-11-2{}T09:00:00+08:00", n + 4));
            let pupil = s.student_by_id_number(&id).unwrap().unwrap().id;
            s.change(pupil, "edit", &[FieldChange::new_owned(Field::Class, Some(format!("{}班", n + 2)))]).unwrap();
            path
        })
        .collect();
    push(&db, &[&copies[0]], &[]);
    let second = push(&db, &[&copies[1]], &[]);
    let conflicts = second["conflicts"].as_array().unwrap();
    let [c] = conflicts.as_slice() else { panic!("one conflict: {second}") };
    assert_eq!(c["field"], "class", "{second}");
    assert_eq!((c["kept"].as_str(), c["lost"].as_str()), (Some("三年级3班"), Some("三年级2班")), "{second}");
}

/// The schools' own figures at the county: (school, pupils, family-paid) per school line.
fn school_lines(county: &Value) -> Vec<(String, i64, i64)> {
    county["schools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (l["school"].as_str().unwrap().to_owned(), l["students"].as_i64().unwrap(), l["paid"].as_i64().unwrap())
        })
        .collect()
}

/// The latest backup of `drive`'s import (its file name starts with `stem`).
fn import_backup(dir: &Path, stem: &str) -> PathBuf {
    let mut backups: Vec<PathBuf> = std::fs::read_dir(dir.join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.starts_with(stem) && name.ends_with("-import.db")
        })
        .collect();
    backups.sort();
    backups.pop().expect("the import's backup")
}

/// 第1小学's laptop imports 第2小学's list by mistake after 第2小学 pushed it, pushes (its import is the newer
/// creation, so the county moves the pupils to 第1小学), restores the backup from before the import and pushes
/// again, with and without `--remove-restored`: the pupils are 第2小学's alone again, and the county counts them
/// there at once, and still after 第2小学's own push. Before, they stayed under 第1小学: the county had no record
/// of the school 第2小学's creation row gave them.
#[test]
fn a_restore_that_takes_another_schools_list_back_puts_its_pupils_back_under_that_school_at_the_county() {
    for remove in [false, true] {
        let Some(db) = TestDb::new() else { return };
        let dir = tempfile::tempdir().unwrap();
        let a = drive(dir.path(), 0, 3);
        let b = drive(dir.path(), 1, 4);
        mark(&b, &pupil_id(1, 0), &["--payment", "paid", "--amount", "400"]);
        push(&db, &[&a, &b], &[]);
        a_second_later();
        canbao(&a).args(["import", "--school", "第1小学"]).arg(dir.path().join("school1.csv")).assert().success();
        push(&db, &[&a], &[]);
        let moved = school_lines(&rollup(&db, &[]));
        assert_eq!(moved, [("第1小学".to_owned(), 7, 1)], "the import moved them: {moved:?}");
        canbao(&a).arg("restore").arg(import_backup(dir.path(), "school0")).arg("--force").assert().success();
        let extra: &[&str] = if remove { &["--remove-restored"] } else { &[] };
        let after = push(&db, &[&a], extra);
        let expected = [("第1小学".to_owned(), 3, 0), ("第2小学".to_owned(), 4, 1)];
        let county = rollup(&db, &[]);
        assert_eq!(school_lines(&county), expected, "remove {remove}: {after} {county}");
        assert_eq!(county["other_school_pupils"], 0, "remove {remove}: {county}");
        let own = push(&db, &[&b], &[]);
        assert!(own["conflicts"].as_array().unwrap().is_empty(), "remove {remove}: {own}");
        assert_eq!(school_lines(&rollup(&db, &[])), expected, "remove {remove}: {own}");
        let again = push(&db, &[&a, &b], &[]);
        assert_eq!(again["updated"], 0, "remove {remove}: {again}");
        assert_eq!(school_lines(&rollup(&db, &[])), expected, "remove {remove}: {again}");
    }
}

/// A family that paid 300 of the 380 due is no 家庭缴费 at the county, in `rollup` as in `export summary`: the
/// premium is paid once the whole share is, so a part payment is still to collect (the 未缴费 ledger, no class's
/// 家庭缴费 on a school's own summary), said apart as 部分缴费. Where before `rollup` counted it in 家庭缴费 and the
/// summary did not. `--json` keeps `paid` as recorded, as `stats` counts it.
#[test]
fn a_part_payment_is_no_family_payment_in_the_rollup_as_in_the_county_summary() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let drive = drive_2024(dir.path(), 6);
    for (n, amount) in [(0, "380"), (1, "300")] {
        let id = pupil_id(0, n);
        mark(&drive, &id, &["--payment", "paid", "--amount", amount, "--paid-on", "2023-10-08", "--yes"]);
    }
    push(&db, &[&drive], &[]);
    let county = rollup(&db, &[]);
    assert_eq!(
        (county["paid"].as_i64(), county["paid_in_full"].as_i64(), county["part_paid"].as_i64()),
        (Some(2), Some(1), Some(1)),
        "{county}"
    );
    let column = |text: &str, sep: char, first: &str, name: &str| -> String {
        let rows: Vec<Vec<&str>> =
            text.lines().map(|l| l.trim_start_matches('\u{feff}').split(sep).collect()).collect();
        let header = rows.iter().find(|r| r.contains(&name)).unwrap_or_else(|| panic!("{name}: {text}"));
        let at = header.iter().position(|c| *c == name).unwrap();
        let row = rows.iter().find(|r| r.first() == Some(&first)).unwrap_or_else(|| panic!("{first}: {text}"));
        row[at].to_owned()
    };
    let out = bare().args(["rollup", "--from", &db.url]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains("家庭缴费 1，"), "{text}");
    assert!(text.contains("另有部分缴费 1 人"), "{text}");
    let summary = dir.path().join("county.csv");
    bare().args(["export", "summary", "--format", "csv", "--from", &db.url, "--out"]).arg(&summary).assert().success();
    let form = String::from_utf8(std::fs::read(&summary).unwrap()).unwrap();
    let (rolled, summed) = (column(&text, '\t', "第一小学", "家庭缴费"), column(&form, ',', "第一小学", "家庭缴费"));
    assert_eq!((rolled.as_str(), summed.as_str()), ("1", "1"), "{text}\n{form}");
    // Per class, alike.
    let out = bare().args(["rollup", "--from", &db.url, "--school", "第一小学"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let one = dir.path().join("one.csv");
    let args = ["export", "summary", "--format", "csv", "--school", "第一小学", "--from", &db.url, "--out"];
    bare().args(args).arg(&one).assert().success();
    let form = String::from_utf8(std::fs::read(&one).unwrap()).unwrap();
    for class in ["三年级1班", "三年级2班"] {
        let (rolled, summed) = (column(&text, '\t', class, "家庭缴费"), column(&form, ',', class, "家庭缴费"));
        assert_eq!(rolled, summed, "{class}: {text}\n{form}");
    }
}

/// School 1's drive (three pupils) pushed to the county `db` in its insured year, then schools 2 and 3 (four
/// pupils each) pushed once `year new` started the next: school 1's year, and the next as typed.
fn one_school_a_year_behind(db: &TestDb, dir: &Path) -> (i64, String) {
    let home = dir.join("home");
    let behind = drive(dir, 0, 3);
    let early: Vec<PathBuf> = (1..3).map(|s| drive(dir, s, 4)).collect();
    let year = push(db, &[&behind], &[])["files"][0]["year"].as_i64().expect("the drive's year");
    let next = (year + 1).to_string();
    for d in &early {
        canbao(d)
            .args(["year", "new", &next, "--force"])
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .assert()
            .success();
        push(db, &[d], &[]);
    }
    (year, next)
}

/// Two schools start next year early, one stays in this year: the county counts next year, most pupils' latest,
/// and names the school still in this year under the figures (text and `--json`), where before it was left out
/// with nothing said but that the database also held this year.
#[test]
fn a_school_still_in_last_year_is_named_by_the_rollup_of_the_year_the_others_are_in() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (year, next) = one_school_a_year_behind(&db, dir.path());
    let county = rollup(&db, &[]);
    assert_eq!((county["year"].as_i64(), county["students"].as_i64()), (Some(year + 1), Some(8)), "{county}");
    assert_eq!(
        county["schools_in_other_years"],
        serde_json::json!([{"school": "第1小学", "year": year, "students": 3}]),
        "{county}"
    );
    let out = bare().args(["rollup", "--from", &db.url]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(text.contains(&format!("第1小学：3 人在 {year} 年度，不在以上 {next} 年度的数字中")), "{text}");
    // In its own year it is counted, and nothing is missing.
    let own = rollup(&db, &["--year", &year.to_string()]);
    assert_eq!(own["schools_in_other_years"], serde_json::json!([]), "{own}");
}

/// Two copies of a drive: the first laptop marks 学生01 已离校 at 10:00; the second, whose clock runs two hours
/// behind, takes the family's payment later that morning, stamped 08:30, which makes the pupil 在校参保 in the same
/// write. Neither saw the other's change, so nothing orders the two but the clocks, which are wrong: the payment
/// stands with the enrollment it was taken with, whichever copy is pushed first, and the 已离校 not applied is
/// listed as a conflict naming the payment. Where before the county ordered them by the clocks, took the 已离校 as
/// marked after the payment, and the second laptop's 在校参保 never reached it.
#[test]
fn a_payment_taken_on_a_laptop_whose_clock_is_behind_reaches_the_county_with_its_enrollment() {
    use canbao::domain::student::{Enrollment, PaymentDetails, PaymentStatus};
    use canbao::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let base = drive(dir.path(), 0, 3);
    let id = pupil_id(0, 1);
    for a_first in [true, false] {
        let folder = dir.path().join(format!("order-{a_first}"));
        std::fs::create_dir(&folder).unwrap();
        let (a, b) = two_laptops(&folder, &base, ["lapA", "lapB"]);
        let Some(db) = TestDb::new() else { return };
        push(&db, &[&base], &[]);
        {
            let mut s = Store::open(&a).unwrap();
            s.set_fixed_clock("2027-01-04T10:00:00+08:00");
            let pupil = s.student_by_id_number(&id).unwrap().unwrap().id;
            s.set_enrollment(pupil, Enrollment::Left, None).unwrap();
        }
        {
            let mut s = Store::open(&b).unwrap();
            s.set_fixed_clock("2027-01-04T08:30:00+08:00");
            let pupil = s.student_by_id_number(&id).unwrap().unwrap().id;
            let paid = PaymentDetails { amount_fen: Some(40000), paid_on: None, channel: None };
            s.set_payment(pupil, PaymentStatus::Paid, &paid).unwrap();
        }
        let files: [&Path; 2] = if a_first { [&a, &b] } else { [&b, &a] };
        let pushed = push(&db, &files, &[]);
        let standing = db
            .client()
            .query_one(
                "SELECT s.enrollment, s.payment FROM canbao.statuses s JOIN canbao.pupils p ON p.id = s.pupil_id
                 WHERE p.id_number = $1",
                &[&id],
            )
            .unwrap();
        let standing: (String, String) = (standing.get(0), standing.get(1));
        assert_eq!(standing, ("here".to_owned(), "paid".to_owned()), "a first {a_first}: {pushed}");
        let listed: Vec<(&str, &str, &str)> = pushed["conflicts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["field"] == "enrollment")
            .map(|c| {
                (
                    c["kept"].as_str().unwrap_or(""),
                    c["lost"].as_str().unwrap_or(""),
                    c["payment_kept"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(listed, [("here", "left", "paid")], "a first {a_first}: {pushed}");
        let county = rollup(&db, &[]);
        assert_eq!((county["paid"].as_i64(), county["left"].as_i64()), (Some(1), Some(0)), "{county}");
        let again = push(&db, &[&a, &b], &[]);
        assert!(again["conflicts"].as_array().unwrap().is_empty(), "a first {a_first}: {again}");
        assert_eq!(again["updated"], 0, "a first {a_first}: {again}");
    }
}

/// Two laptops' copies of one drive each import the same class list, under a school each, the second later:
/// the county counts the pupils under the second's school. The second laptop takes its import back by restoring
/// the backup from before it and pushes: the pupils go back under the first laptop's school, which its copy still
/// holds them in, at once and after either copy's next push.
#[test]
fn copies_importing_one_list_under_two_schools_keep_the_other_copys_school_after_a_restore() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let base = drive(dir.path(), 0, 3);
    drive(dir.path(), 1, 4);
    let list = dir.path().join("school1.csv");
    let (a, b) = two_laptops(dir.path(), &base, ["lapA", "lapB"]);
    push(&db, &[&base], &[]);
    canbao(&a).args(["import", "--school", "第3小学"]).arg(&list).assert().success();
    a_second_later();
    canbao(&b).args(["import", "--school", "第4小学"]).arg(&list).assert().success();
    push(&db, &[&a, &b], &[]);
    let lines = |db: &TestDb| school_lines(&rollup(db, &[]));
    assert_eq!(lines(&db), [("第1小学".to_owned(), 3, 0), ("第4小学".to_owned(), 4, 0)]);
    let backup = import_backup(&dir.path().join("lapB"), "school0");
    canbao(&b).arg("restore").arg(backup).arg("--force").assert().success();
    let after = push(&db, &[&b], &[]);
    let expected = [("第1小学".to_owned(), 3, 0), ("第3小学".to_owned(), 4, 0)];
    assert_eq!(lines(&db), expected, "{after}");
    let again = push(&db, &[&a, &b], &[]);
    assert_eq!(again["updated"], 0, "{again}");
    assert_eq!(lines(&db), expected, "{again}");
}

/// The county's 参保进度汇总 of the year most schools are in names, under 汇总范围, the school still in another
/// year, as `rollup` does; where before the form said 「全县 2 所学校」 and left its pupils out unsaid. With
/// `--school` of that school and no `--year`, the form is the school's own year's (said on standard error), not
/// an all-zero form of a year it has no pupils in; with `--year` of that year it is refused, saying why.
#[test]
fn the_county_summary_names_a_school_still_in_another_year() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let (year, next) = one_school_a_year_behind(&db, dir.path());
    let out = bare().args(["export", "summary", "--format", "csv", "--from", &db.url, "--out", "-"]).output().unwrap();
    let form = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{form}");
    assert!(form.contains("汇总范围：全县 2 所学校"), "{form}");
    assert!(form.contains(&format!("第1小学：3 人在 {year} 年度，不在以上 {next} 年度的数字中")), "{form}");
    let args = ["export", "summary", "--format", "csv", "--school", "第1小学", "--from", &db.url, "--out", "-"];
    let out = bare().args(args).output().unwrap();
    let (form, said) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{said}");
    assert!(form.contains(&format!("保险年度：{year}年度")) && form.contains("学生总数,3"), "{form}\n{said}");
    assert!(said.contains(&format!("第1小学的学生在 {year} 年度")), "{said}");
    let out = bare().args(args).args(["--year", &next]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains(&format!("第1小学：3 人在 {year} 年度，不在 {next} 年度")), "{said}");
    assert!(out.stdout.is_empty(), "no form written");
}

/// A payment that stands over an 已离校 made apart on another laptop: the conflict names both sides' operators,
/// the payment's with the side kept, as every other conflict does; before, the kept side named none.
#[test]
fn a_payment_standing_over_a_left_names_both_operators() {
    use canbao::domain::student::{Enrollment, PaymentDetails, PaymentStatus};
    use canbao::store::Store;
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let base = drive(dir.path(), 0, 3);
    let id = pupil_id(0, 1);
    let (a, b) = two_laptops(dir.path(), &base, ["lapA", "lapB"]);
    push(&db, &[&base], &[]);
    {
        let mut s = Store::open(&a).unwrap();
        s.set_operator("甲老师").unwrap();
        s.set_fixed_clock("2027-01-04T10:00:00+08:00");
        let pupil = s.student_by_id_number(&id).unwrap().unwrap().id;
        s.set_enrollment(pupil, Enrollment::Left, None).unwrap();
    }
    {
        let mut s = Store::open(&b).unwrap();
        s.set_operator("乙老师").unwrap();
        s.set_fixed_clock("2027-01-04T08:30:00+08:00");
        let pupil = s.student_by_id_number(&id).unwrap().unwrap().id;
        let paid = PaymentDetails { amount_fen: Some(40000), paid_on: None, channel: None };
        s.set_payment(pupil, PaymentStatus::Paid, &paid).unwrap();
    }
    let pushed = push(&db, &[&b, &a], &[]);
    let listed: Vec<(&str, &str)> = pushed["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["field"] == "enrollment")
        .map(|c| (c["kept_operator"].as_str().unwrap_or(""), c["lost_operator"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(listed, [("乙老师", "甲老师")], "{pushed}");
}

/// The plan the server makes of `sql` with these parameters, sequential scans made dear so that a plan which
/// needs one shows it however small the test's tables are.
fn plan(db: &TestDb, sql: &str, params: &[&(dyn postgres::types::ToSql + Sync)]) -> String {
    let mut client = db.client();
    let mut tx = client.transaction().unwrap();
    canbao::county::schema::migrate(&mut tx).unwrap();
    tx.batch_execute("SET LOCAL enable_seqscan = off").unwrap();
    let lines: Vec<String> =
        tx.query(&format!("EXPLAIN {sql}"), params).unwrap().iter().map(|r| r.get::<_, String>(0)).collect();
    lines.join("\n")
}

#[test]
fn a_push_after_a_restore_finds_the_pupils_it_takes_back_by_index_not_by_a_scan_of_the_county() {
    let Some(db) = TestDb::new() else { return };
    let gone = vec!["6f1c8a52-3f1e-4a7e-9d2b-2c1b0e6f7a10".to_owned()];
    let (held, drive, at, operator): (Vec<i64>, i32, Option<&str>, &str) = (vec![], 1, None, "测试");
    let plan = plan(&db, canbao::county::push::REWIND_REMOVED, &[&gone, &held, &drive, &at, &operator]);
    // The pupils are reached by their key from the history rows of the events taken back, not by reading every
    // pupil's school_event.
    assert!(!plan.contains("Seq Scan on pupils"), "{plan}");
    assert!(plan.contains("audit_event_key") && plan.contains("Index Cond: (id = a.pupil_id)"), "{plan}");
}

#[test]
fn the_dashboards_schools_in_other_years_are_found_by_index_not_by_reading_every_years_statuses() {
    let Some(db) = TestDb::new() else { return };
    let (year, school): (i32, Option<&str>) = (2027, None);
    let plan = plan(&db, canbao::county::rollup::OTHER_YEAR_SCHOOLS, &[&year, &school]);
    // A school is counted as in the year at its first pupil with a status of the year, looked up by the
    // statuses' key (pupil, year); only the few schools that have none are read further.
    assert!(!plan.contains("Seq Scan on statuses") && !plan.contains("Seq Scan on pupils"), "{plan}");
    assert!(plan.contains("Index Cond: (school_id = sc.id)") && plan.contains(".id) AND (year = 2027))"), "{plan}");
}

/// One laptop takes a payment, the other marks the pupil 已离校 later without having seen it. Pushed apart, or
/// merged first and then pushed, the county ends alike: the payment keeps its 在校参保 and the 已离校 is a
/// conflict, whose text says to merge the payment's laptop and mark again; so marked, it reaches the county.
#[test]
fn a_leaving_marked_apart_from_a_payment_ends_alike_pushed_apart_or_merged_first() {
    let (Some(apart), Some(merged)) = (TestDb::new(), TestDb::new()) else { return };
    let dir = tempfile::tempdir().unwrap();
    let base = drive(dir.path(), 0, 2);
    let left = pupil_id(0, 1);
    mark(&base, &left, &["--enrollment", "here"]);
    let (a, b) = two_laptops(dir.path(), &base, ["lapA", "lapB"]);
    mark(&a, &left, &["--payment", "paid", "--amount", "400"]);
    a_second_later();
    mark(&b, &left, &["--enrollment", "left"]);
    let enrollment = |db: &TestDb| -> String {
        db.client()
            .query_one(
                "SELECT s.enrollment FROM canbao.statuses s JOIN canbao.pupils p ON p.id = s.pupil_id
                 WHERE p.id_number = $1",
                &[&left],
            )
            .unwrap()
            .get(0)
    };
    let out = bare().args(["push", "--accept-clock", "--to", &apart.url]).arg(&a).arg(&b).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    let line = text.lines().find(|l| l.contains("学生01") && l.contains("已离校")).unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("请先合并收这笔缴费的电脑的文件，再标记已离校"), "{line}");
    let merging = canbao(&b).arg("merge").arg(&a).output().unwrap();
    let said = String::from_utf8_lossy(&merging.stdout).into_owned();
    assert!(merging.status.success() && said.contains("再标记已离校"), "{said}");
    push(&merged, &[&b], &[]);
    assert_eq!((enrollment(&apart), enrollment(&merged)), ("here".to_owned(), "here".to_owned()));
    // As the conflict says: marked again on the laptop now holding the payment, the 已离校 stands.
    a_second_later();
    mark(&b, &left, &["--enrollment", "left"]);
    let again = push(&apart, &[&a, &b], &[]);
    assert_eq!(enrollment(&apart), "left", "{again}");
}

/// `export summary`'s notices go beside the form by one rule, as every export's do: with `--out` a file, on
/// standard output, both the line saying the school's form is of its own year and the line naming the other
/// years the database holds; with `--out -`, both on standard error, the form alone on standard output. Before,
/// with a file the first went to standard error and the second to standard output.
#[test]
fn the_county_summarys_notices_go_to_one_stream_by_where_the_form_goes() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let behind = drive(dir.path(), 0, 3);
    let early = drive(dir.path(), 1, 4);
    let year = push(&db, &[&behind], &[])["files"][0]["year"].as_i64().expect("the drive's year");
    let next = (year + 1).to_string();
    canbao(&early)
        .args(["year", "new", &next, "--force"])
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .assert()
        .success();
    push(&db, &[&early], &[]);
    let own_year = format!("第1小学的学生在 {year} 年度");
    let other_years = format!("汇总数据库另有 {next} 年度的数据");
    let form = dir.path().join("form.csv");
    let export = |out: &Path| {
        let args = ["export", "summary", "--format", "csv", "--school", "第1小学", "--from", &db.url, "--out"];
        let out = bare().args(args).arg(out).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let (said, errors) = export(&form);
    assert!(said.contains(&own_year) && said.contains(&other_years), "stdout: {said}\nstderr: {errors}");
    assert!(!errors.contains(&own_year) && !errors.contains(&other_years), "stderr: {errors}");
    assert!(std::fs::read_to_string(&form).unwrap().contains("学生总数,3"));
    let (piped, said) = export(Path::new("-"));
    assert!(said.contains(&own_year) && said.contains(&other_years), "stderr: {said}");
    assert!(!piped.contains(&own_year) && !piped.contains(&other_years), "the form alone: {piped}");
    assert!(piped.contains("学生总数,3"), "{piped}");
}

/// The pupils of school 2's list (`school1.csv`, as `drive` writes it) under another name and class each, as a
/// list with other spellings would give them: `误名N`, 四年级5班.
fn other_spelling_of_school2(dir: &Path) -> PathBuf {
    let list = dir.join("school1-other.csv");
    let mut text = String::from("姓名,身份证号,所在年级、班级\n");
    for n in 0..4 {
        text.push_str(&format!("误名{n},{},四年级5班\n", pupil_id(1, n)));
    }
    std::fs::write(&list, text).unwrap();
    list
}

/// Each of school 2's four pupils in the county: school, name, grade and class, by ID number.
fn school2_pupils(db: &TestDb) -> Vec<(String, String, String, String)> {
    let ids: Vec<String> = (0..4).map(|n| pupil_id(1, n)).collect();
    db.client()
        .query(
            "SELECT s.name, p.name, p.grade, p.class FROM canbao.pupils p JOIN canbao.schools s ON s.id = p.school_id
             WHERE p.id_number = ANY($1) ORDER BY p.id_number",
            &[&ids],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

/// Two laptops' copies of one drive each import school 2's children under a school each, the second later and
/// from a list with other names and classes: the county takes the second's. The second laptop takes its import
/// back by restoring the backup from before it and pushes: the pupils go back under the first laptop's school
/// with the first's names and classes (its creation rows record them, county schema 13), each value taken back a
/// `restore` row of the county's history, and pushing either copy again changes nothing. Before, only the school
/// went back: the names and classes stayed the taken-back import's.
#[test]
fn a_restore_taking_back_one_of_two_creations_gives_back_the_other_creations_name_and_class() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let base = drive(dir.path(), 0, 3);
    drive(dir.path(), 1, 4);
    let (list, other) = (dir.path().join("school1.csv"), other_spelling_of_school2(dir.path()));
    let (a, b) = two_laptops(dir.path(), &base, ["lapA", "lapB"]);
    push(&db, &[&base], &[]);
    canbao(&a).args(["import", "--school", "第3小学"]).arg(&list).assert().success();
    a_second_later();
    canbao(&b).args(["import", "--school", "第4小学"]).arg(&other).assert().success();
    let both = push(&db, &[&a, &b], &[]);
    let taken = school2_pupils(&db);
    assert_eq!(taken.len(), 4, "{both}");
    assert!(taken.iter().all(|p| p.0 == "第4小学" && p.1.starts_with("误名") && p.3 == "5班"), "{taken:?}");
    let backup = import_backup(&dir.path().join("lapB"), "school0");
    canbao(&b).arg("restore").arg(backup).arg("--force").assert().success();
    let after = push(&db, &[&b], &[]);
    let first: Vec<(String, String, String, String)> = (0..4)
        .map(|n| ("第3小学".to_owned(), format!("学生1{n}"), "三年级".to_owned(), format!("{}班", n % 2 + 1)))
        .collect();
    assert_eq!(school2_pupils(&db), first, "{after}");
    assert!(after["files"][0]["not_moved_back"].is_null(), "every value was known: {after}");
    let ids: Vec<String> = (0..4).map(|n| pupil_id(1, n)).collect();
    let recorded: Vec<(String, String, String)> = db
        .client()
        .query(
            "SELECT field, old, new FROM canbao.audit WHERE action = 'restore' AND id_number = ANY($1)
               AND field IN ('name', 'class') ORDER BY id_number, field",
            &[&ids],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let expected: Vec<(String, String, String)> = (0..4)
        .flat_map(|n| {
            [
                ("class".to_owned(), "5班".to_owned(), format!("{}班", n % 2 + 1)),
                ("name".to_owned(), format!("误名{n}"), format!("学生1{n}")),
            ]
        })
        .collect();
    assert_eq!(recorded, expected, "{after}");
    let again = push(&db, &[&a, &b], &[]);
    assert_eq!(again["updated"], 0, "{again}");
    assert_eq!(school2_pupils(&db), first, "{again}");
}

/// A pupil's other creation pushed by a canbao before the county recorded what a creation gave (schema 12 for the
/// school, 13 for the name and class): its row, written here in SQL as such a canbao wrote it, says none of them.
/// School 0's drive (three pupils) pushed to the county `db`, then its laptop copy lapB, pushed after importing
/// as 第4小学 the list `list` writes in `dir`: lapB's drive file.
fn a_laptop_copys_import_pushed(db: &TestDb, dir: &Path, list: fn(&Path) -> PathBuf) -> PathBuf {
    let base = drive(dir, 0, 3);
    let other = list(dir);
    let b = laptop_copy(dir, &base, "lapB");
    push(db, &[&base], &[]);
    canbao(&b).args(["import", "--school", "第4小学"]).arg(&other).assert().success();
    push(db, &[&b], &[]);
    b
}

/// A restore taking this drive's creation back cannot know where the pupils go, so the county leaves them as the
/// taken-back creation put them (no guess at an older value) and the first push after the restore names each
/// with what it kept, said once for that restore. Before, they stayed with nothing said.
#[test]
fn a_restore_that_cannot_know_the_other_creations_school_says_which_pupils_stay() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let b = a_laptop_copys_import_pushed(&db, dir.path(), other_spelling_of_school2);
    // Another drive's import of the same children, as a canbao before schema 12 pushed it: no school, name or
    // class with the creation row.
    let ids: Vec<String> = (0..4).map(|n| pupil_id(1, n)).collect();
    let written = db
        .client()
        .execute(
            "INSERT INTO canbao.audit(event, drive_id, pupil_id, at, at_text, operator, origin, action, id_number,
                                      field, old, new)
             SELECT gen_random_uuid(), (SELECT min(id) FROM canbao.drives), p.id, now() - interval '1 day',
                    to_char(now() - interval '1 day', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '旧版', 'old-laptop', 'import',
                    p.id_number, 'created', NULL, 'school1.csv'
             FROM canbao.pupils p WHERE p.id_number = ANY($1)",
            &[&ids],
        )
        .unwrap();
    assert_eq!(written, 4);
    let backup = import_backup(&dir.path().join("lapB"), "school0");
    canbao(&b).arg("restore").arg(backup).arg("--force").assert().success();
    let dry = push(&db, &[&b], &["--dry-run"]);
    let listed: Vec<(String, Value)> = dry["files"][0]["not_moved_back"]
        .as_array()
        .unwrap_or_else(|| panic!("{dry}"))
        .iter()
        .map(|p| (p["name"].as_str().unwrap_or("").to_owned(), p["kept"].clone()))
        .collect();
    let expected: Vec<(String, Value)> =
        (0..4).map(|n| (format!("误名{n}"), serde_json::json!(["school", "name", "class"]))).collect();
    assert_eq!(listed, expected, "{dry}");
    let out = bare().arg("push").arg(&b).args(["--to", &db.url, "--accept-clock"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("其中 4 名学生另一个数据文件也建了档"), "{text}");
    assert!(text.contains("第4小学 误名0 ") && text.contains("保留了撤回的建档给的学校、姓名、班级"), "{text}");
    let kept = school2_pupils(&db);
    assert!(kept.iter().all(|p| p.0 == "第4小学" && p.1.starts_with("误名") && p.3 == "5班"), "{kept:?}");
    let again = push(&db, &[&b], &[]);
    assert!(again["files"][0]["not_moved_back"].is_null(), "said once for the restore: {again}");
}

/// Seven pupils of school 2's list under another school and spelling, as `other_spelling_of_school2` writes four.
fn seven_of_school2(dir: &Path) -> PathBuf {
    let list = dir.join("school1-seven.csv");
    let mut text = String::from("姓名,身份证号,所在年级、班级\n");
    for n in 0..7 {
        text.push_str(&format!("误名{n},{},四年级5班\n", pupil_id(1, n)));
    }
    std::fs::write(&list, text).unwrap();
    list
}

/// The pupils a restore could not move back are named up to a few, the rest counted (all of them in --json,
/// without a `paid_here` that means nothing there); the line says what else the taken-back creation left (phone,
/// categories, note, enrollment and payment), and it speaks of another school only where the school is in doubt.
/// Before, every pupil was a line, the other school was named even when the pupils' school was not in doubt, and
/// nothing said what else stayed.
#[test]
fn the_pupils_a_restore_cannot_move_back_are_listed_up_to_a_few_and_the_rest_counted() {
    let Some(db) = TestDb::new() else { return };
    let dir = tempfile::tempdir().unwrap();
    let b = a_laptop_copys_import_pushed(&db, dir.path(), seven_of_school2);
    let ids: Vec<String> = (0..7).map(|n| pupil_id(1, n)).collect();
    // The other drive's creation as a canbao of county schema 12 pushed it: the school, not the name and class.
    let written = db
        .client()
        .execute(
            "INSERT INTO canbao.audit(event, drive_id, pupil_id, at, at_text, operator, origin, action, id_number,
                                      field, old, new, school)
             SELECT gen_random_uuid(), (SELECT min(id) FROM canbao.drives), p.id, now() - interval '1 day',
                    to_char(now() - interval '1 day', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), '旧版', 'old-laptop', 'import',
                    p.id_number, 'created', NULL, 'school1.csv', '第4小学'
             FROM canbao.pupils p WHERE p.id_number = ANY($1)",
            &[&ids],
        )
        .unwrap();
    assert_eq!(written, 7);
    let backup = import_backup(&dir.path().join("lapB"), "school0");
    canbao(&b).arg("restore").arg(backup).arg("--force").assert().success();
    let dry = push(&db, &[&b], &["--dry-run"]);
    let listed = dry["files"][0]["not_moved_back"].as_array().unwrap_or_else(|| panic!("{dry}")).clone();
    assert_eq!(listed.len(), 7, "{dry}");
    assert!(listed.iter().all(|p| p["kept"] == serde_json::json!(["name", "class"])), "{dry}");
    assert!(listed.iter().all(|p| p.get("paid_here").is_none()), "{dry}");
    let out = bare().arg("push").arg(&b).args(["--to", &db.url, "--accept-clock"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("其中 7 名学生另一个数据文件也建了档"), "{text}");
    let lines = text.lines().filter(|l| l.contains("保留了撤回的建档给的")).count();
    assert_eq!(lines, 5, "{text}");
    assert!(text.contains("另有 2 名"), "{text}");
    assert!(!text.contains("另一所学校"), "the school is not in doubt: {text}");
    assert!(text.contains("电话、类别、备注和参保、缴费情况"), "{text}");
}
