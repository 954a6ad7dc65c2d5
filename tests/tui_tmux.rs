//! The real binary in a real terminal: tmux runs `canbao --db FILE`, the test types a search (in Chinese),
//! marks the pupil paid, quits, and then reads the file back with `canbao stats --json`. Skipped, with a
//! notice, where tmux is not installed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_canbao");

/// A tmux server of our own (its own socket), killed when the test ends however it ends.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux").arg("-L").arg(&self.socket).args(args).env("LC_ALL", "C.UTF-8").output().expect("run tmux")
    }

    fn capture(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "canbao"]).stdout).into_owned()
    }

    fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "canbao"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success(), "send-keys {keys:?}");
    }

    /// A look at what a key opened: a dialog takes the keys typed only after a pause (a command typed into the
    /// wrong window would otherwise fill it). Twice the app's pause: canbao measures the gap from when it reads a
    /// key, which on a busy machine (the other tests beside this one) can be a few hundred ms after it was sent.
    fn look(&self) {
        std::thread::sleep(Duration::from_millis(1000));
    }

    fn send_text(&self, text: &str) {
        assert!(self.run(&["send-keys", "-t", "canbao", "-l", text]).status.success(), "send-keys -l {text}");
    }

    /// Waits until the screen shows `needle`; panics with the screen when it does not.
    fn wait_for(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if screen.contains(needle) {
                return screen;
            }
            // A debug build reading a 20,000-row list beside other test binaries on two cores has taken
            // over 20 s; the wait costs nothing when the screen shows the words sooner.
            if start.elapsed() > Duration::from_secs(60) {
                panic!("the screen never showed {needle:?}:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the screen no longer shows `needle`, and then until it holds still: a capture taken while
    /// the terminal is half-way through redrawing a shrinking list can still show the rows it is replacing.
    fn wait_without(&self, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if !screen.contains(needle) {
                return self.settled(screen);
            }
            assert!(start.elapsed() < Duration::from_secs(20), "the screen kept showing {needle:?}:\n{screen}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The screen once two captures 150 ms apart agree.
    fn settled(&self, mut screen: String) -> String {
        let start = Instant::now();
        loop {
            std::thread::sleep(Duration::from_millis(150));
            let again = self.capture();
            if again == screen || start.elapsed() > Duration::from_secs(10) {
                return again;
            }
            screen = again;
        }
    }

    fn session_alive(&self) -> bool {
        self.run(&["has-session", "-t", "canbao"]).status.success()
    }

    /// Starts canbao on `db` at 120×40 as `operator`. The config folder points into `dir`, so an operator's own
    /// keymap or theme cannot change the keys.
    fn start(socket: String, dir: &Path, db: &Path, operator: &str) -> Tmux {
        Tmux::start_with(socket, dir, db, operator, "")
    }

    /// `start` with more arguments for canbao (`--year 2027`).
    fn start_with(socket: String, dir: &Path, db: &Path, operator: &str, more: &str) -> Tmux {
        let tmux = Tmux { socket };
        let command = format!(
            "env XDG_CONFIG_HOME={} HOME={} {} --db {} --operator {operator} {more}",
            quote(&config_home(dir)),
            quote(dir),
            quote(Path::new(BIN)),
            quote(db)
        );
        let folder = dir.display().to_string();
        let started =
            tmux.run(&["new-session", "-d", "-x", "120", "-y", "40", "-s", "canbao", "-c", &folder, &command]);
        assert!(started.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&started.stderr));
        tmux
    }

    /// A look at the screen, then q (which acts once the keys pause after it, and not right after another key),
    /// and waits for canbao to end.
    fn quit(&self) {
        self.look();
        self.send(&["q"]);
        let start = Instant::now();
        while self.session_alive() {
            assert!(start.elapsed() < Duration::from_secs(10), "canbao did not quit:\n{}", self.capture());
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn tmux_missing() -> bool {
    let missing = Command::new("tmux").arg("-V").output().is_err();
    if missing {
        println!("skipping tui_tmux: tmux is not installed (CI installs it)");
    }
    missing
}

/// A drive in `dir` holding the ten pupils of the UTF-8 fixture.
fn imported_drive(dir: &Path) -> PathBuf {
    let db = dir.join("drive.db");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    let import = Command::new(BIN).arg("--db").arg(&db).arg("import").arg(&fixture).output().expect("import");
    assert!(import.status.success(), "import failed: {}", String::from_utf8_lossy(&import.stderr));
    db
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux").arg("-L").arg(&self.socket).arg("kill-server").output();
    }
}

/// The config folders' home for a test in `dir`: hidden, so that the config folder canbao makes there (the
/// installation's id, once a name is remembered) is not among the files the picker lists in `dir`.
fn config_home(dir: &Path) -> PathBuf {
    dir.join(".config")
}

fn quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

#[test]
fn search_mark_paid_and_quit_in_a_real_terminal() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let tmux = Tmux::start(format!("canbao-test-{}", std::process::id()), dir.path(), &db, "测试");

    tmux.wait_for("显示 10 / 10");
    tmux.send(&["/"]);
    tmux.send_text("周静露");
    let screen = tmux.wait_for("显示 1 / 10");
    assert!(screen.contains("周静露"), "{screen}");
    tmux.send(&["Enter"]);
    tmux.send(&["p"]);
    tmux.wait_for("登记缴费");
    tmux.look();
    // No policy: no amount due to fill in, so an empty amount is refused and nothing is saved.
    tmux.send(&["Enter"]);
    tmux.wait_for("请输入金额");
    tmux.send_text("380");
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("已保存");
    assert!(screen.contains("已缴费") && screen.contains("在校参保"), "a payment enrolls the pupil:\n{screen}");
    tmux.quit();

    let stats = Command::new(BIN).arg("--db").arg(&db).args(["stats", "--json"]).output().expect("stats");
    assert!(stats.status.success(), "{}", String::from_utf8_lossy(&stats.stderr));
    let json: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("stats json");
    assert_eq!(json["payment"]["paid"], 1, "{json}");
}

#[test]
fn a_second_canbao_is_offered_read_only_and_refuses_changes() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    // This test process plays the first canbao: it holds the drive's lock the way a running TUI does.
    let held = canbao::store::lock::DriveLock::acquire(&db, "张老师").expect("lock");
    let before = std::fs::read(&db).expect("bytes");
    let tmux = Tmux::start(format!("canbao-test-ro-{}", std::process::id()), dir.path(), &db, "李老师");

    let screen = tmux.wait_for("以只读方式打开");
    assert!(screen.contains("正被 张老师 使用"), "{screen}");
    tmux.send(&["y", "Enter"]);
    let screen = tmux.wait_for("显示 10 / 10");
    let title = screen.lines().next().unwrap_or_default();
    assert!(title.contains("参保 canbao") && title.trim_end().ends_with("只读"), "{screen}");
    tmux.send(&["p"]);
    tmux.wait_for("只读模式，不能修改");
    tmux.quit();
    drop(held);
    assert_eq!(std::fs::read(&db).expect("bytes"), before, "the second canbao wrote nothing");
}

/// Ctrl-c in a real terminal with a name typed into the search line: the first says a second one quits and canbao
/// stays, the name still typed; the second quits, where the first quit at once.
#[test]
fn ctrl_c_over_a_typed_search_warns_then_quits() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let tmux = Tmux::start(format!("canbao-ctrl-c-{}", std::process::id()), dir.path(), &db, "测试");
    tmux.wait_for("显示 10 / 10");
    tmux.send(&["/"]);
    tmux.look();
    tmux.send_text("周静露");
    tmux.wait_for("显示 1 / 10");
    tmux.send(&["C-c"]);
    let screen = tmux.wait_for("3 秒内再按 Ctrl-C 退出，输入的内容不会保存");
    assert!(screen.contains("周静露") && tmux.session_alive(), "{screen}");
    tmux.send(&["C-c"]);
    let start = Instant::now();
    while tmux.session_alive() {
        assert!(start.elapsed() < Duration::from_secs(10), "canbao did not quit:\n{}", tmux.capture());
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The cursor follows the eye: after `G`, a new search puts the highlight on the best match, and Enter opens
/// that pupil. Then a bulk mark asks first (Esc writes nothing), the enrollment chooser saves only on Enter,
/// and while the window is too small no key changes anything.
#[test]
fn the_keys_a_hurried_operator_presses_do_what_the_screen_shows() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let tmux = Tmux::start(format!("canbao-keys-{}", std::process::id()), dir.path(), &db, "测试");
    tmux.wait_for("显示 10 / 10");

    tmux.send(&["G", "/"]);
    tmux.send_text("周静露");
    tmux.wait_for("显示 1 / 10");
    tmux.send(&["Enter", "Enter"]);
    let screen = tmux.wait_for("学生详情");
    assert!(screen.contains("周静露"), "Enter opened another pupil:\n{screen}");
    // One Esc at a time: two at once reach the terminal as Alt-Esc.
    tmux.send(&["Escape"]);
    tmux.wait_for("身份证号码         班级");
    tmux.send(&["Escape"]);
    tmux.wait_for("显示 10 / 10");

    // Select all, then e: the chooser, on the status they have (未确认) as for one pupil, so ↓ is 在校参保; then
    // the question with the count; Esc writes nothing.
    tmux.look();
    tmux.send(&["a"]);
    tmux.look();
    tmux.send(&["e"]);
    tmux.wait_for("参保状态");
    tmux.look();
    tmux.send(&["Down", "Enter"]);
    tmux.wait_for("将 10 名学生的参保状态改为 在校参保？");
    tmux.send(&["Escape"]);
    tmux.wait_for("已取消，未作修改");
    // Yes writes all ten.
    tmux.send(&["e"]);
    tmux.look();
    tmux.send(&["Down", "Enter"]);
    tmux.wait_for("将 10 名学生的参保状态改为 在校参保？");
    // A question takes no answer in its first 0.3 s (keys typed ahead of it must not answer it unseen): the
    // operator reads it first.
    std::thread::sleep(Duration::from_millis(500));
    tmux.send(&["y"]);
    tmux.wait_for("已保存：在校参保（10 人）");
    tmux.send(&["Escape"]);
    tmux.wait_without("已选 10");

    // One pupil: e opens on their status (在校参保), two down is 不参保, type a reason, Esc: nothing saved.
    tmux.send(&["g", "e"]);
    tmux.look();
    tmux.send(&["Down", "Down"]);
    tmux.send_text("随父母");
    tmux.wait_for("随父母");
    tmux.send(&["Escape"]);
    // The chooser closes, and the status line says what Esc threw away rather than leaving it unsaid.
    tmux.wait_for("参保状态未修改：按 Esc 放弃了「随父母」");

    // A tiny window: the notice, and keys that would mark do nothing.
    tmux.run(&["resize-window", "-t", "canbao", "-x", "60", "-y", "20"]);
    tmux.wait_for("窗口太小");
    tmux.send(&["a", "f", "y", "Enter"]);
    // The keys are read before the window grows again: nothing on screen can show that they were ignored.
    std::thread::sleep(Duration::from_millis(1500));
    tmux.run(&["resize-window", "-t", "canbao", "-x", "120", "-y", "40"]);
    tmux.wait_for("显示 10 / 10");
    tmux.quit();

    let stats = Command::new(BIN).arg("--db").arg(&db).args(["stats", "--json"]).output().expect("stats");
    let json: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("stats json");
    assert_eq!(json["enrollment"]["here"], 10, "{json}");
    assert_eq!(json["enrollment"]["declined"], 0, "Esc in the chooser saved nothing: {json}");
    assert_eq!(json["payment"]["government"], 0, "keys under the too-small notice changed nothing: {json}");
}

/// The whole drive from the palette: found by Chinese, pinyin initials and English; the ledgers exported into
/// the folder canbao runs in; the tax office's list previewed and applied; a policy chosen.
#[test]
fn the_palette_runs_an_export_a_reconciliation_and_a_policy_choice() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let tax = dir.path().join("tax.csv");
    std::fs::write(&tax, "姓名,证件号码,缴费金额,缴费日期\n周静露,450202201711194162,380,2023-10-08\n")
        .expect("tax list");
    let tmux = Tmux::start(format!("canbao-palette-{}", std::process::id()), dir.path(), &db, "测试");
    tmux.wait_for("显示 10 / 10");

    for query in ["导出", "dc", "export"] {
        tmux.send(&[":"]);
        tmux.wait_for("输入中文、拼音首字母或英文查找");
        tmux.look();
        tmux.send_text(query);
        // Narrowed (the whole word typed): the import entry is gone, the six exports stay.
        let screen = tmux.wait_without("导入班级名单");
        assert!(screen.contains("导出在校学生信息表") && screen.contains("导出四本台账"), "{query}:\n{screen}");
        assert!(!screen.contains("立即备份") && !screen.contains("导入班级名单"), "{query}:\n{screen}");
        tmux.send(&["Escape"]);
        tmux.wait_without("输入中文、拼音首字母或英文查找");
    }

    tmux.send(&[":"]);
    tmux.look();
    tmux.send_text("export ledgers");
    tmux.wait_for("导出四本台账");
    tmux.send(&["Enter"]);
    tmux.wait_for("保存到文件夹");
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("导出完成");
    assert!(screen.contains("台账"), "{screen}");
    tmux.send(&["Enter"]);
    let ledgers = std::fs::read_dir(dir.path()).expect("dir").filter_map(Result::ok);
    assert!(
        ledgers
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .any(|n| n.contains("台账") && n.ends_with(".xlsx"))
    );

    tmux.send(&[":"]);
    tmux.look();
    tmux.send_text("hdsw");
    tmux.wait_for("核对税务缴费名单");
    tmux.send(&["Enter"]);
    tmux.wait_for("输入路径");
    tmux.send_text(&tax.display().to_string());
    tmux.send(&["Enter"]);
    tmux.wait_for("以下为预览");
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("核对完成");
    assert!(screen.contains("已更新 1"), "{screen}");
    tmux.send(&["Enter"]);

    tmux.send(&[":"]);
    tmux.look();
    tmux.send_text("policy");
    tmux.wait_for("政策：查看与选定");
    tmux.send(&["Enter"]);
    tmux.wait_for("参保政策");
    tmux.send(&["G"]);
    tmux.look();
    tmux.send(&["Enter"]);
    // The built-in policies are of earlier years than the drive's: choosing one is asked first, and y after a
    // pause answers it.
    tmux.wait_for("年度的政策");
    tmux.look();
    tmux.send(&["y"]);
    tmux.wait_for("已选定政策");
    tmux.quit();

    let stats = Command::new(BIN).arg("--db").arg(&db).args(["stats", "--json"]).output().expect("stats");
    let json: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("stats json");
    assert_eq!(json["payment"]["paid"], 1, "{json}");
    let policy = Command::new(BIN).arg("--db").arg(&db).args(["policy", "list", "--json"]).output().expect("list");
    let listed: serde_json::Value = serde_json::from_slice(&policy.stdout).expect("json");
    assert!(listed.as_array().expect("list").iter().any(|p| p["current"] == true), "{listed}");
}

#[test]
fn the_sample_school_opens_in_its_own_file_and_says_so() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("school.db");
    let tmux = Tmux::start(format!("canbao-test-sample-{}", std::process::id()), dir.path(), &db, "测试");
    // A drive named on the command line that does not exist yet is made only when the operator says so.
    tmux.wait_for("新建一个空的数据文件");
    tmux.send(&["y", "Enter"]);
    let screen = tmux.wait_for("空白数据文件");
    assert!(screen.lines().next().unwrap_or_default().contains("school.db"), "{screen}");
    tmux.send(&["1"]);
    // Asked first: a stray `1` does not take the operator to another file.
    tmux.wait_for("载入示例学校？");
    tmux.look();
    tmux.send(&["y"]);
    let screen = tmux.wait_for("显示 360 / 360");
    let title = screen.lines().next().unwrap_or_default();
    assert!(title.contains("示例数据") && title.contains("demo.db"), "{screen}");
    tmux.quit();

    let stats = |path: &Path| -> serde_json::Value {
        let out = Command::new(BIN).arg("--db").arg(path).args(["stats", "--json"]).output().expect("stats");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("stats json")
    };
    assert_eq!(stats(&db)["students"], 0, "the operator's file holds none of the sample");
    assert_eq!(stats(&dir.path().join("demo.db"))["students"], 360);
}

/// A `--db` link to a file not there yet: the screen's question names the file the link points to, where the
/// drive is made once the operator says so.
#[cfg(unix)]
#[test]
fn the_new_drive_question_names_the_file_a_link_points_to() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("target")).expect("folder");
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink("target/t.db", &link).expect("symlink");
    let tmux = Tmux::start(format!("canbao-test-new-link-{}", std::process::id()), dir.path(), &link, "测试");
    let screen = tmux.wait_for("新建一个空的数据文件");
    let made = dir.path().join("target").join("t.db");
    assert!(screen.contains("是指向它的链接"), "{screen}");
    assert!(screen.contains("t.db"), "{screen}");
    tmux.send(&["y", "Enter"]);
    tmux.wait_for("空白数据文件");
    tmux.look();
    tmux.send(&["Escape"]);
    tmux.wait_without("空白数据文件");
    tmux.quit();
    assert!(made.is_file(), "made where the link points");
}

/// Two canbao processes: the screen writes the drive through its real path while `mark` tries through a
/// symlink and through a linked folder. The lock is the file's, so the second is refused.
#[cfg(unix)]
#[test]
fn a_mark_through_a_symlink_waits_for_the_screen_writing_the_drive() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(&db, &link).expect("symlink");
    let other = tempfile::tempdir().expect("tempdir");
    std::os::unix::fs::symlink(dir.path(), other.path().join("folder")).expect("folder link");
    let tmux = Tmux::start(format!("canbao-test-link-{}", std::process::id()), dir.path(), &db, "张老师");
    tmux.wait_for("显示 10 / 10");
    for path in [link.clone(), other.path().join("folder").join("drive.db")] {
        let out = Command::new(BIN)
            .arg("--db")
            .arg(&path)
            .args(["--operator", "李老师", "mark", "450202201711194162", "--note", "x"])
            .output()
            .expect("mark");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{} wrote beside the screen: {err}", path.display());
        assert!(err.contains("正被 张老师 使用"), "{err}");
    }
    tmux.quit();
    let out = Command::new(BIN)
        .arg("--db")
        .arg(&link)
        .args(["--operator", "李老师", "mark", "450202201711194162", "--note", "x"])
        .output()
        .expect("mark");
    assert!(out.status.success(), "free once the screen is closed: {}", String::from_utf8_lossy(&out.stderr));
}

/// The file picker in a real terminal: it opens in the folder canbao runs in, two lists are ticked with Space
/// and imported together.
#[test]
fn the_file_picker_imports_two_lists_at_once() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::fs::copy(fixtures.join("gbk_title.csv"), dir.path().join("a-gbk_title.csv")).expect("copy");
    std::fs::copy(fixtures.join("split_grade_class.xls"), dir.path().join("b-split.xls")).expect("copy");
    let tmux = Tmux::start(format!("canbao-picker-{}", std::process::id()), dir.path(), &db, "测试");
    tmux.wait_for("显示 10 / 10");
    tmux.send(&["i"]);
    let screen = tmux.wait_for("a-gbk_title.csv");
    tmux.look();
    // The title bar names the drive; the picker does not list it.
    let below_title: String = screen.lines().skip(1).collect();
    assert!(below_title.contains("b-split.xls") && !below_title.contains("drive.db"), "spreadsheets only:\n{screen}");
    // .., backups/, then the two lists.
    tmux.send(&["Down", "Down", "Space", "Space"]);
    tmux.wait_for("已选 2 个文件");
    tmux.send(&["Enter"]);
    tmux.wait_for("导入报告");
    tmux.send(&["Enter"]);
    tmux.wait_for("导入完成");
    tmux.send(&["Enter"]);
    tmux.quit();
    let stats = Command::new(BIN).arg("--db").arg(&db).args(["stats", "--json"]).output().expect("stats");
    let json: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("stats json");
    assert!(json["students"].as_i64().expect("count") > 30, "both lists imported: {json}");
}

/// `canbao --db DB ARGS` with `home` as HOME, which must succeed.
fn run_ok(db: &Path, home: &Path, args: &[&str]) -> Output {
    let out = Command::new(BIN).arg("--db").arg(db).args(args).env("HOME", home).output().expect("runs");
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

/// Starts the insured year after the drive's current one; returns the year it was in.
fn start_next_year(db: &Path, home: &Path) -> i64 {
    let years: serde_json::Value =
        serde_json::from_slice(&run_ok(db, home, &["year", "list", "--json"]).stdout).expect("json");
    let year = years[0]["year"].as_i64().expect("a year");
    run_ok(db, home, &["year", "new", &(year + 1).to_string(), "--force"]);
    year
}

/// `--year` opens an earlier insured year read-only, named in the title; the palette's 切换年度 comes back to
/// the current year, where changes are allowed again.
#[test]
fn an_earlier_year_opens_read_only_and_the_palette_switches_back() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    run_ok(&db, dir.path(), &["mark", "450202201711194162", "--payment", "government"]);
    let year = start_next_year(&db, dir.path());

    let tmux = Tmux::start_with(
        format!("canbao-test-year-{}", std::process::id()),
        dir.path(),
        &db,
        "测试",
        &format!("--year {year}"),
    );
    let screen = tmux.wait_for("显示 10 / 10");
    let title = screen.lines().next().unwrap_or_default();
    assert!(title.contains(&format!("{year}年度")) && title.contains("只读"), "{screen}");
    assert!(screen.contains("财政代缴"), "last year's payment is shown:\n{screen}");
    tmux.send(&["p"]);
    tmux.wait_for("只读模式，不能修改");
    tmux.send(&[":"]);
    tmux.look();
    tmux.send_text("切换年度");
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for(&format!("已回到当前年度 {} 年度", year + 1));
    let title = screen.lines().next().unwrap_or_default();
    assert!(title.contains(&format!("{}年度", year + 1)) && !title.contains("只读"), "{screen}");
    assert!(!screen.contains("财政代缴"), "the new year starts unpaid:\n{screen}");
    tmux.quit();
}

/// Looking back at an earlier year while another window works on the drive: the year is only ever shown, so
/// the screen opens read-only without asking.
#[test]
fn an_earlier_year_beside_a_working_window_opens_without_a_question() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let year = start_next_year(&db, dir.path());
    let held = canbao::store::lock::DriveLock::acquire(&db, "张老师").expect("lock");
    let tmux = Tmux::start_with(
        format!("canbao-test-year-ro-{}", std::process::id()),
        dir.path(),
        &db,
        "李老师",
        &format!("--year {year}"),
    );
    let screen = tmux.wait_for("显示 10 / 10");
    assert!(!screen.contains("以只读方式打开"), "{screen}");
    let title = screen.lines().next().unwrap_or_default();
    assert!(title.contains(&format!("{year}年度")) && title.contains("只读"), "{screen}");
    tmux.quit();
    drop(held);
}

/// `canbao backup` while the screen holds the drive is told it is that window, on its terminal, and to back up
/// there from the palette (「立即备份」) or quit it first.
#[test]
fn a_backup_refused_beside_a_window_names_its_terminal() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let tmux = Tmux::start(format!("canbao-test-backup-held-{}", std::process::id()), dir.path(), &db, "王老师");
    tmux.wait_for("显示 10 / 10");
    let held = canbao::store::lock::holder(&db).expect("the lock says who holds it");
    let terminal = held.window.clone().unwrap_or_default();
    assert!(terminal.starts_with("/dev/"), "{held:?}");
    let out = Command::new(BIN).arg("--db").arg(&db).arg("backup").output().expect("backup");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    for words in ["王老师 的 canbao 窗口", &format!("终端 {terminal}"), "「立即备份」"] {
        assert!(stderr.contains(words), "{words}: {stderr}");
    }
    tmux.quit();
    let out = Command::new(BIN).arg("--db").arg(&db).arg("backup").output().expect("backup");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// The name typed at the first run is the one a second canbao is told holds the drive, not 「未具名操作员」.
#[test]
fn the_name_typed_at_the_first_run_is_the_one_the_lock_gives() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("drive.db");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    let import = Command::new(BIN)
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&fixture)
        .env_remove("CANBAO_OPERATOR")
        .output()
        .expect("import");
    assert!(import.status.success(), "import failed: {}", String::from_utf8_lossy(&import.stderr));
    // No --operator and no CANBAO_OPERATOR: the screen asks for the name.
    let tmux = Tmux { socket: format!("canbao-test-name-{}", std::process::id()) };
    let command = format!(
        "env -u CANBAO_OPERATOR XDG_CONFIG_HOME={} HOME={} {} --db {}",
        quote(dir.path()),
        quote(dir.path()),
        quote(Path::new(BIN)),
        quote(&db)
    );
    let folder = dir.path().display().to_string();
    let started = tmux.run(&["new-session", "-d", "-x", "120", "-y", "40", "-s", "canbao", "-c", &folder, &command]);
    assert!(started.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&started.stderr));
    tmux.wait_for("请输入操作员姓名");
    // The prompt takes keys once the keys pause after it shows.
    tmux.look();
    tmux.send_text("王老师");
    tmux.send(&["Enter"]);
    tmux.wait_for("操作员：王老师");
    match canbao::store::lock::DriveLock::acquire(&db, "李老师") {
        Err(canbao::store::StoreError::InUse { by, .. }) => assert_eq!(by, "王老师"),
        other => panic!("the drive is not held as 王老师's: {:?}", other.map(|l| l.path().to_owned())),
    }
    tmux.quit();
}

/// A drive copied from the laptop its operator was typed on asks for the operator on the second laptop, saying
/// the first laptop's name above an empty field; the name typed there is the one the title shows.
#[test]
fn a_copied_drive_asks_the_second_laptop_for_its_operator() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    let db = dir.path().join("drive.db");
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    let import = Command::new(BIN)
        .args(["--operator", "王老师", "--db"])
        .arg(&db)
        .arg("import")
        .arg(&fixture)
        .env("HOME", &first)
        .env("XDG_CONFIG_HOME", &first)
        .output()
        .expect("import");
    assert!(import.status.success(), "import failed: {}", String::from_utf8_lossy(&import.stderr));
    let copy = dir.path().join("copy.db");
    std::fs::copy(&db, &copy).expect("copy");
    let tmux = Tmux { socket: format!("canbao-test-copied-{}", std::process::id()) };
    let command = format!(
        "env -u CANBAO_OPERATOR XDG_CONFIG_HOME={} HOME={} {} --db {}",
        quote(&second),
        quote(&second),
        quote(Path::new(BIN)),
        quote(&copy)
    );
    let folder = dir.path().display().to_string();
    let started = tmux.run(&["new-session", "-d", "-x", "120", "-y", "40", "-s", "canbao", "-c", &folder, &command]);
    assert!(started.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&started.stderr));
    let screen = tmux.wait_for("请输入操作员姓名");
    assert!(screen.contains("此数据文件记住的操作员「王老师」是在另一台电脑上输入的"), "{screen}");
    assert!(screen.lines().next().unwrap_or_default().contains("操作员： "), "{screen}");
    tmux.look();
    tmux.send(&["Enter"]);
    tmux.wait_for("姓名不能为空");
    tmux.send_text("李老师");
    tmux.send(&["Enter"]);
    tmux.wait_for("操作员：李老师");
    tmux.quit();
}

/// Starts `canbao --db DB --operator 测试 MORE` under a shell that stays after canbao ends, so the terminal's
/// state can be read then: canbao's pid goes to `dir/pid`, its exit status is printed as `exited N`.
fn start_kept(socket: String, dir: &Path, db: &Path, more: &str) -> Tmux {
    start_kept_at(socket, dir, db, more, ("120", "40"))
}

/// `start_kept` in a window of `size` (columns, rows).
fn start_kept_at(socket: String, dir: &Path, db: &Path, more: &str, size: (&str, &str)) -> Tmux {
    let script = dir.join("run.sh");
    let body = format!(
        "sh -c 'echo $$ > pid; exec \"$@\"' sh env XDG_CONFIG_HOME={c} HOME={d} {bin} --db {db} --operator 测试 {more}\n\
         echo \"exited $?\"\nstty -a | tr ' ;' '\\n\\n' | grep -x -e -icanon -e icanon\nexec sleep 600\n",
        d = quote(dir),
        c = quote(&config_home(dir)),
        bin = quote(Path::new(BIN)),
        db = quote(db),
    );
    std::fs::write(&script, body).expect("script");
    let tmux = Tmux { socket };
    let command = format!("sh {}", quote(&script));
    let folder = dir.display().to_string();
    let started = tmux.run(&["new-session", "-d", "-x", size.0, "-y", size.1, "-s", "canbao", "-c", &folder, &command]);
    assert!(started.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&started.stderr));
    tmux
}

/// A window made bigger while canbao runs (a teacher maximising the terminal), then q: the shell's screen is as
/// it was, with no pupil's name left on it. tmux copied rows of a full roster drawn in the bigger window onto it.
#[test]
fn a_window_grown_while_canbao_runs_keeps_no_pupil_on_the_shell_screen() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    // A roster longer than either window: the sample school's 360 pupils.
    let db = dir.path().join("drive.db");
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample-school.csv");
    let import = Command::new(BIN).arg("--db").arg(&db).arg("import").arg(&list).output().expect("import");
    assert!(import.status.success(), "import failed: {}", String::from_utf8_lossy(&import.stderr));
    let tmux = start_kept_at(format!("canbao-test-grow-{}", std::process::id()), dir.path(), &db, "", ("80", "24"));
    let small = tmux.wait_for("孙语");
    assert_eq!(small.lines().count(), 24, "{small}");
    assert!(tmux.run(&["resize-window", "-t", "canbao", "-x", "120", "-y", "40"]).status.success());
    let start = Instant::now();
    while tmux.capture().lines().filter(|line| line.contains("4502")).count() <= 24 {
        assert!(start.elapsed() < Duration::from_secs(20), "the roster never filled the bigger window");
        std::thread::sleep(Duration::from_millis(100));
    }
    tmux.look();
    tmux.send(&["q"]);
    let after = tmux.wait_for("exited 0");
    for shown in ["孙语", "一年级1班", "4502"] {
        assert!(!after.contains(shown), "{shown:?} left on the shell's screen:\n{after}");
    }
}

/// SIGTERM or SIGHUP ends canbao as `q` does: mouse reporting off, the normal screen back, the cursor shown,
/// and the process gone, dead of the signal. Read-only and writing screens alike.
#[test]
fn a_signal_gives_the_terminal_back() {
    if tmux_missing() {
        return;
    }
    // Twice: the sender insists, and the process ends at once, from the signal's handler, yet the terminal is
    // given back.
    let runs = [("TERM", 15, "", 1), ("HUP", 1, "", 1), ("TERM", 15, "--read-only", 1), ("TERM and HUP", 0, "", 2)];
    for (signal, number, more, times) in runs {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = imported_drive(dir.path());
        let tmux = start_kept(format!("canbao-test-sig-{}-{signal}", std::process::id()), dir.path(), &db, more);
        tmux.wait_for("显示 10 / 10");
        let state = || {
            let out = tmux.run(&["display", "-p", "-t", "canbao", "#{mouse_any_flag} #{alternate_on} #{cursor_flag}"]);
            String::from_utf8_lossy(&out.stdout).trim().to_owned()
        };
        // The cursor is hidden just after the first frame is written: wait for it.
        let start = Instant::now();
        while state() != "1 1 0" {
            assert!(start.elapsed() < Duration::from_secs(20), "the screen is canbao's while it runs: {}", state());
            std::thread::sleep(Duration::from_millis(100));
        }
        let pid = std::fs::read_to_string(dir.path().join("pid")).expect("pid");
        let after = if times == 1 {
            let kill = Command::new("kill").arg(format!("-{signal}")).arg(pid.trim()).status().expect("kill");
            assert!(kill.success());
            tmux.wait_for(&format!("exited {}", 128 + number))
        } else {
            // Two signals within microseconds, before the screen's loop can look: the second ends the process.
            let pid: libc::pid_t = pid.trim().parse().expect("pid");
            // SAFETY: kill(2) only sends signals to the child started above.
            unsafe {
                assert_eq!(libc::kill(pid, libc::SIGTERM), 0);
                assert_eq!(libc::kill(pid, libc::SIGHUP), 0);
            }
            tmux.wait_for("exited 1")
        };
        assert_eq!(state(), "0 0 1", "SIG{signal} ×{times} {more}: the terminal is given back");
        let after = if after.contains("icanon") { after } else { tmux.wait_for("icanon") };
        assert!(!after.contains("-icanon"), "SIG{signal} ×{times} {more}: the shell gets lines back:\n{after}");
    }
}

/// Whether process `pid` still runs (a zombie waiting for its parent has ended).
fn running(pid: &str) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat.rsplit_once(") ").is_some_and(|(_, rest)| !rest.starts_with('Z')))
}

/// The terminal closed under canbao (the window shut, the SSH link dropped): canbao ends within seconds
/// instead of spinning on a hung-up terminal for ever, holding the drive's lock, and the drive opens whole.
#[test]
fn a_closed_terminal_ends_canbao() {
    if tmux_missing() || !Path::new("/proc/self/stat").exists() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let tmux = start_kept(format!("canbao-test-closed-{}", std::process::id()), dir.path(), &db, "");
    tmux.wait_for("显示 10 / 10");
    let pid = std::fs::read_to_string(dir.path().join("pid")).expect("pid").trim().to_owned();
    assert!(running(&pid), "canbao runs in the terminal");
    drop(tmux);
    let start = Instant::now();
    while running(&pid) {
        assert!(start.elapsed() < Duration::from_secs(10), "canbao kept running after its terminal closed");
        std::thread::sleep(Duration::from_millis(100));
    }
    // The lock went with the process: a writer opens the drive at once.
    let stats = Command::new(BIN).arg("--db").arg(&db).args(["stats", "--json"]).output().expect("stats");
    assert!(stats.status.success(), "the drive opens after: {}", String::from_utf8_lossy(&stats.stderr));
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    let again = Command::new(BIN).arg("--db").arg(&db).arg("import").arg(&fixture).output().expect("import");
    assert!(again.status.success(), "a writer takes the drive at once: {}", String::from_utf8_lossy(&again.stderr));
}

/// A shell command typed into canbao's window by mistake (the operator thought it was the shell), then Enter:
/// its `c` opens the category chooser, whose first key with no use there closes it unsaved, and the keys after it
/// do nothing until the typing pauses, so the spaces and the Enter that follow save no category and open nothing.
/// The same text pasted (the terminal's bracketed paste) types nothing.
#[test]
fn a_shell_command_typed_into_the_roster_saves_no_category() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let tmux = Tmux::start(format!("canbao-stray-{}", std::process::id()), dir.path(), &db, "测试");
    tmux.wait_for("显示 10 / 10");
    tmux.send_text("cd /tmp/t1 && ls -la");
    tmux.send(&["Enter"]);
    // The chooser closed on `d`; the rest did nothing until the typing paused.
    tmux.wait_for("个键无效，没有修改学生");
    tmux.send(&["Escape"]);
    tmux.send(&["Escape"]);
    tmux.send(&["Escape"]);
    tmux.wait_for("显示 10 / 10");
    assert!(tmux.run(&["set-buffer", "clear; canbao --operator 李老师 c "]).status.success());
    assert!(tmux.run(&["paste-buffer", "-p", "-t", "canbao"]).status.success());
    tmux.send(&["Enter"]);
    std::thread::sleep(Duration::from_millis(500));
    tmux.send(&["Escape"]);
    tmux.send(&["Escape"]);
    tmux.send(&["Escape"]);
    tmux.wait_for("显示 10 / 10");
    // The footer was already showing: give the Escapes time to be read, lest `q` arrive in the same read as the
    // last of them and be taken for Alt-q.
    std::thread::sleep(Duration::from_millis(500));
    tmux.quit();
    let drive = rusqlite::Connection::open(&db).expect("open");
    let marks: i64 = drive
        .query_row("SELECT count(*) FROM audit WHERE action NOT IN ('import', 'reveal')", [], |r| r.get(0))
        .expect("count");
    assert_eq!(marks, 0, "nothing saved");
}

/// Commands typed into canbao's window by mistake after a payment: the `u` of `uname -a` undoes nothing, the `r` of
/// `grep -r` shows no number, and `nano x` saves no note; each says what did not act. A deliberate `u`, after a
/// pause, undoes the payment and says whose and what.
#[test]
fn shell_commands_with_u_r_and_n_change_nothing() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let tmux = Tmux::start(format!("canbao-urn-{}", std::process::id()), dir.path(), &db, "测试");
    tmux.wait_for("显示 10 / 10");
    tmux.send(&["p"]);
    tmux.wait_for("登记缴费");
    tmux.look();
    tmux.send_text("380");
    tmux.send(&["Enter"]);
    tmux.wait_for("已保存");
    let files = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| !n.contains(".db"))
            .collect();
        names.sort();
        names
    };
    let before = files(dir.path());
    for (text, said) in [
        ("uname -a", "「u」（撤销）未执行"),
        ("grep -r x", "「r」（显示证件）未执行"),
        ("nano x", "「n」（备注）未执行"),
        ("exit", "「e」（"),
        ("xdg-open .", "「x」（"),
        ("apt update", "「a」（"),
    ] {
        tmux.send_text(text);
        tmux.send(&["Enter"]);
        tmux.wait_for(said);
        tmux.wait_for("个键无效，没有修改学生");
    }
    let paid = |db: &Path| -> (i64, i64, i64) {
        let drive = rusqlite::Connection::open(db).expect("open");
        let count = |sql: &str| drive.query_row(sql, [], |r| r.get(0)).expect("count");
        (
            count("SELECT count(*) FROM students WHERE payment = 'paid'"),
            count("SELECT count(*) FROM students WHERE note <> ''"),
            count("SELECT count(*) FROM audit WHERE action = 'reveal'"),
        )
    };
    assert_eq!(paid(&db), (1, 0, 0), "still paid, no note, no reveal:\n{}", tmux.capture());
    assert_eq!(files(dir.path()), before, "no file written");
    tmux.send(&["u"]);
    tmux.wait_for("已撤销（");
    tmux.wait_for("缴费状态改回未缴费）；按 Ctrl-r 重做");
    std::thread::sleep(Duration::from_millis(600));
    tmux.quit();
    assert_eq!(paid(&db), (0, 0, 0), "undone on purpose");
}

/// A mark of the whole sample school, and its undo, are saved on the worker: a key pressed right behind the answer
/// (→ and Enter; here `p`, which would open the payment form for the selection) is refused while it saves rather
/// than kept to act on the screen the save leaves. (A `y` with a key right behind it answers nothing: the `y` of
/// typed text.)
#[test]
fn keys_pressed_while_a_bulk_mark_saves_do_not_act_afterwards() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("school.db");
    canbao::demo::load_sample(&mut canbao::store::Store::open(&db).expect("drive")).expect("sample");
    let tmux = Tmux::start(format!("canbao-test-bulk-{}", std::process::id()), dir.path(), &db, "测试");
    tmux.wait_for("显示 360 / 360");
    tmux.look();
    tmux.send(&["a"]);
    tmux.look();
    tmux.send(&["e"]);
    tmux.wait_for("参保状态");
    tmux.look();
    tmux.send(&["Down", "Enter"]);
    for (done, then) in [("已保存", "u"), ("已撤销", "")] {
        tmux.wait_for("请确认");
        // Past the guard that keeps a hurried Enter from answering a question unread.
        std::thread::sleep(Duration::from_millis(500));
        tmux.send(&["Right", "Enter", "p"]);
        let screen = tmux.wait_for(done);
        let screen = tmux.settled(screen);
        assert!(!screen.contains("登记缴费") && !screen.contains("请确认"), "{screen}");
        if !then.is_empty() {
            tmux.send(&[then]);
        }
    }
    tmux.quit();
    let out = Command::new(BIN).arg("--db").arg(&db).args(["stats", "--json"]).output().expect("stats");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stats json");
    assert_eq!((json["enrollment"]["here"].as_i64(), json["payment"]["paid"].as_i64()), (Some(0), Some(0)), "{json}");
}

/// `canbao demo` names its operator 演示 (demo) on the title bar; another canbao told the drive is in use (a
/// `backup`, a `mark`) names the same operator, not an unnamed one.
#[test]
fn the_demo_is_held_under_the_name_its_title_shows() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db");
    let tmux = Tmux { socket: format!("canbao-test-demo-lock-{}", std::process::id()) };
    let command = format!(
        "env -u CANBAO_OPERATOR XDG_CONFIG_HOME={} HOME={} {} --db {} demo",
        quote(&config_home(dir.path())),
        quote(dir.path()),
        quote(Path::new(BIN)),
        quote(&db)
    );
    let folder = dir.path().display().to_string();
    let started = tmux.run(&["new-session", "-d", "-x", "120", "-y", "40", "-s", "canbao", "-c", &folder, &command]);
    assert!(started.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&started.stderr));
    let screen = tmux.wait_for("显示 360 / 360");
    assert!(screen.lines().next().unwrap_or_default().contains("演示 (demo)"), "{screen}");
    match canbao::store::lock::DriveLock::acquire(&db, "李老师") {
        Err(canbao::store::StoreError::InUse { by, .. }) => assert_eq!(by, "演示 (demo)"),
        other => panic!("the demo is not held as its title says: {:?}", other.map(|l| l.path().to_owned())),
    }
    tmux.quit();
}

/// Ctrl-z gives the terminal back to the shell and stops canbao as a job, as programs in a terminal do; `fg`
/// brings the screen back whole, at the window's size then, and canbao goes on as before. Before, Ctrl-z did nothing and said nothing, and
/// the `fg` and Enter the operator typed next went into canbao as keys.
#[test]
fn ctrl_z_stops_canbao_as_a_job_and_fg_brings_the_screen_back() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let tmux = Tmux { socket: format!("canbao-suspend-{}", std::process::id()) };
    let folder = dir.path().display().to_string();
    let started = tmux.run(&[
        "new-session",
        "-d",
        "-x",
        "120",
        "-y",
        "40",
        "-s",
        "canbao",
        "-c",
        &folder,
        "env PS1='shell$ ' bash --norc -i",
    ]);
    assert!(started.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&started.stderr));
    tmux.wait_for("shell$");
    let command = format!(
        "env XDG_CONFIG_HOME={} HOME={} {} --db {} --operator 测试",
        quote(&config_home(dir.path())),
        quote(dir.path()),
        quote(Path::new(BIN)),
        quote(&db)
    );
    tmux.send_text(&command);
    tmux.send(&["Enter"]);
    tmux.wait_for("显示 10 / 10");
    tmux.send(&["C-z"]);
    let screen = tmux.wait_for("Stopped");
    assert!(!screen.contains("显示 10 / 10"), "the shell's screen, not canbao's:\n{screen}");
    // The window made smaller while canbao is stopped: its resize goes to the shell, and canbao reads the size
    // again when it comes back, so the notice shows rather than a screen laid out for the old window.
    assert!(tmux.run(&["resize-window", "-t", "canbao", "-x", "60", "-y", "20"]).status.success());
    tmux.send_text("fg");
    tmux.send(&["Enter"]);
    tmux.wait_for("窗口太小");
    assert!(tmux.run(&["resize-window", "-t", "canbao", "-x", "120", "-y", "40"]).status.success());
    let screen = tmux.wait_for("显示 10 / 10");
    assert!(screen.contains("学生名单"), "the whole screen drawn again:\n{screen}");
    // The keys act as before: a search, then q back to the shell.
    tmux.look();
    tmux.send(&["/"]);
    tmux.send_text("周静露");
    tmux.wait_for("显示 1 / 10");
    tmux.send(&["Escape"]);
    tmux.look();
    tmux.send(&["q"]);
    let screen = tmux.wait_without("学生名单");
    assert!(screen.contains("shell$"), "{screen}");
}

/// A second `canbao demo` while another window runs the demo offers it read-only, as a drive in use is offered
/// (y opens it, the title saying 只读, the demo file left as the first window has it); without a terminal to ask
/// at, it names the command that opens it read-only, and that command opens it without a question. Before, it
/// ended saying "open it read-only" with neither an offer nor a way to do it (`--read-only` made the demo afresh).
#[test]
fn a_second_demo_is_offered_read_only() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("demo.db");
    drop(canbao::demo::fresh_demo(&db).expect("demo"));
    // This test process plays the first window's demo: it holds the lock as the running screen does.
    let held = canbao::store::lock::DriveLock::acquire(&db, "演示 (demo)").expect("lock");
    let before = std::fs::read(&db).expect("bytes");

    let out = Command::new(BIN).arg("--db").arg(&db).arg("demo").output().expect("demo");
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    let again = format!("canbao --db {} demo --read-only", db.display());
    assert!(said.contains(&format!("只读打开请运行 {again}")), "{said}");

    let start = |name: &str, more: &str| {
        let tmux = Tmux { socket: format!("canbao-test-demo-ro-{name}-{}", std::process::id()) };
        let command = format!(
            "env XDG_CONFIG_HOME={} HOME={} {} --db {} demo {more}",
            quote(&config_home(dir.path())),
            quote(dir.path()),
            quote(Path::new(BIN)),
            quote(&db)
        );
        let folder = dir.path().display().to_string();
        let started =
            tmux.run(&["new-session", "-d", "-x", "120", "-y", "40", "-s", "canbao", "-c", &folder, &command]);
        assert!(started.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&started.stderr));
        tmux
    };
    let tmux = start("asked", "");
    let screen = tmux.wait_for("以只读方式打开");
    assert!(screen.contains("正被 演示 (demo) 使用"), "{screen}");
    tmux.send(&["y", "Enter"]);
    let screen = tmux.wait_for("显示 360 / 360");
    let title = screen.lines().next().unwrap_or_default();
    assert!(title.trim_end().ends_with("只读"), "{screen}");
    tmux.quit();

    let tmux = start("named", "--read-only");
    let screen = tmux.wait_for("显示 360 / 360");
    assert!(!screen.contains("以只读方式打开"), "{screen}");
    assert!(screen.lines().next().unwrap_or_default().trim_end().ends_with("只读"), "{screen}");
    tmux.quit();
    drop(held);
    assert_eq!(std::fs::read(&db).expect("bytes"), before, "the demo was neither made afresh nor written");
}

/// In a real terminal, as the keys arrive with a look between them: on a pupil who paid 300 of the 380 due, `p`,
/// Esc closes 「登记补缴？」 with nothing changed (it opened 「清除…改为未缴费？」); the first → is honoured (to 是,
/// so Enter opens the top-up form, where → had toggled 是 to 否 and Enter asked to clear); and on a pupil paid
/// in full, the payment form's keys typed at 「清除…？」 (Tab, 2026-11-20, Enter) close it at the first digit and
/// its Enter clears nothing. Both payments are kept.
#[test]
fn keys_at_the_payment_questions_never_clear_a_payment_unasked() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let home = dir.path();
    let years: serde_json::Value =
        serde_json::from_slice(&run_ok(&db, home, &["year", "list", "--json"]).stdout).expect("json");
    let year = years[0]["year"].as_i64().expect("a year");
    run_ok(&db, home, &["policy", "new", "tmux-test", "--from", "yibin-2024", "--year", &year.to_string()]);
    run_ok(&db, home, &["policy", "use", "tmux-test"]);
    let paid_on = format!("{}-09-01", year - 1);
    let mark = |number: &str, amount: &str| {
        let args = ["mark", number, "--payment", "paid", "--amount", amount, "--paid-on", &paid_on, "--yes"];
        run_ok(&db, home, &args);
    };
    mark("450202201711194162", "300"); // 周静露
    mark("450202201804012233", "380"); // 吴凯远
    let tmux = Tmux::start(format!("canbao-test-pay-{}", std::process::id()), dir.path(), &db, "测试");
    tmux.wait_for("显示 10 / 10");
    let find = |name: &str| {
        tmux.send(&["/"]);
        tmux.send_text(name);
        tmux.wait_for("显示 1 / 10");
        tmux.send(&["Enter"]);
        tmux.look();
    };
    find("周静露");
    tmux.send(&["p"]);
    tmux.wait_for("还差 80 元");
    tmux.look();
    tmux.send(&["Escape"]);
    let screen = tmux.wait_without("还差 80 元");
    assert!(!screen.contains("清除 周静露") && screen.contains("未作修改"), "{screen}");
    tmux.look();
    tmux.send(&["p"]);
    tmux.wait_for("还差 80 元");
    tmux.look();
    tmux.send(&["Right"]);
    tmux.look();
    tmux.send(&["Enter"]);
    tmux.wait_for("补缴金额");
    tmux.look();
    tmux.send(&["Escape"]);
    tmux.wait_without("补缴金额");
    tmux.look();

    find("吴凯远");
    tmux.send(&["p"]);
    tmux.wait_for("清除 吴凯远");
    tmux.look();
    tmux.send(&["Tab"]);
    tmux.send_text("2026-11-20");
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("不是回答");
    assert!(!screen.contains("清除 吴凯远"), "{screen}");
    tmux.quit();

    let found = run_ok(&db, home, &["find", "4502", "--limit", "500", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&found.stdout).expect("find json");
    let text = json.to_string();
    assert!(text.contains("\"part_paid\":true"), "周静露's 300 kept: {text}");
    let stats = run_ok(&db, home, &["stats", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("stats json");
    assert_eq!(json["payment"]["paid"], 2, "{json}");
}

/// `f` on a 低保 pupil under Yibin's 2024 notice (001 附件1 二(二): the department pays 285 of 380, the family 95)
/// in a real terminal: nothing is saved, and a dialog says why and that the family's 95 is recorded with `p`.
#[test]
fn f_on_a_pupil_whose_family_owes_a_share_saves_nothing_and_says_why() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("drive.db");
    let home = config_home(dir.path());
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sample-school.csv");
    let import = Command::new(BIN).arg("--db").arg(&db).arg("import").arg(&sample).output().expect("import");
    assert!(import.status.success(), "import failed: {}", String::from_utf8_lossy(&import.stderr));
    run_ok(&db, &home, &["policy", "use", "yibin-2024"]);
    let tmux = Tmux::start(format!("canbao-partial-subsidy-{}", std::process::id()), dir.path(), &db, "测试");
    tmux.wait_for("显示 360 / 360");
    tmux.send(&["/"]);
    tmux.send_text("郑可洁");
    tmux.wait_for("显示 1 / 360");
    tmux.send(&["Enter"]);
    tmux.look();
    tmux.send(&["f"]);
    // The dialog's last words, so the capture holds the whole dialog, not a frame drawn half-way.
    let screen = tmux.wait_for("按 p 登记家庭缴费 95 元");
    assert!(screen.contains("未标记为财政代缴") && screen.contains("家庭须缴 95 元"), "{screen}");
    tmux.look();
    tmux.send(&["Enter"]);
    tmux.wait_without("未标记为财政代缴");
    tmux.quit();

    let stats = run_ok(&db, &home, &["stats", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("stats json");
    assert_eq!(json["payment"]["government"], 0, "nothing saved: {json}");
}

/// Two Ctrl-C while an import runs in a real terminal: the first asks whether to stop it, the second stops it and
/// canbao leaves once it is rolled back. canbao then ended with status 0 and not a word; it now says on the terminal
/// given back, in both languages, that the import was stopped and nothing of it saved, and ends with 130 (128 +
/// SIGINT), as a command Ctrl-C stopped does.
#[test]
fn two_ctrl_c_during_an_import_end_canbao_as_interrupted() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let mut text = String::from("姓名,身份证号码,年级,班级,学校\n");
    for i in 0..20_000 {
        let first17 = format!("4502032019{:07}", 100_000 + i);
        let check = canbao::domain::id_number::check_char(first17.as_bytes());
        text.push_str(&format!("新生{i},{first17}{check},一年级,1班,柳州市示范小学\n"));
    }
    std::fs::write(dir.path().join("a-big.csv"), text).expect("list");
    let tmux = start_kept(format!("canbao-test-two-ctrl-c-{}", std::process::id()), dir.path(), &db, "");
    tmux.wait_for("显示 10 / 10");
    tmux.look();
    tmux.send(&["i"]);
    tmux.wait_for("a-big.csv");
    tmux.look();
    // .., backups/, then the list.
    tmux.send(&["Down", "Down", "Space"]);
    tmux.wait_for("已选 1 个文件");
    tmux.send(&["Enter"]);
    tmux.wait_for("导入报告");
    tmux.look();
    tmux.send(&["Enter"]);
    tmux.wait_for("正在导入");
    tmux.send(&["C-c"]);
    tmux.wait_for("停止正在导入？");
    tmux.send(&["C-c"]);
    let after = tmux.wait_for("exited ");
    assert!(after.contains("exited 130"), "{after}");
    assert!(after.contains("「正在导入」已中止并全部撤回") && after.contains("Importing was stopped"), "{after}");
    let stats = Command::new(BIN).arg("--db").arg(&db).args(["stats", "--json"]).output().expect("stats");
    let json: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("stats json");
    assert_eq!(json["students"], 10, "nothing of the import kept: {json}");
}

/// canbao opened on a drive whose first 100 bytes (the SQLite header) are overwritten offers its newest backup as
/// it does a drive damaged further in, and yes puts it back, the damaged file kept aside; before, it said
/// 「不是 canbao 数据文件或文件已损坏」 and ended.
#[test]
fn a_drive_with_a_damaged_header_is_offered_its_newest_backup() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    // After the import's own backup (of the drive before it), in a second of its own: the newest backup.
    std::thread::sleep(Duration::from_millis(1100));
    let backup = Command::new(BIN).arg("--db").arg(&db).arg("backup").output().expect("backup");
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    let mut bytes = std::fs::read(&db).expect("drive");
    bytes[..100].fill(0);
    std::fs::write(&db, &bytes).expect("scribble");
    let tmux = Tmux::start(format!("canbao-test-header-{}", std::process::id()), dir.path(), &db, "测试");
    let asked = tmux.wait_for("用这个备份恢复");
    assert!(asked.contains("数据文件已损坏") && asked.contains("restore"), "{asked}");
    tmux.send_text("y");
    tmux.send(&["Enter"]);
    tmux.wait_for("显示 10 / 10");
    let aside = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .any(|n| n.starts_with("drive-已损坏-") && n.ends_with(".db"));
    assert!(aside, "the damaged drive kept aside");
    tmux.quit();
}

/// canbao opened on a damaged drive (a stick pulled during a copy) offers its newest backup at the terminal: yes
/// puts it back as `restore` does, the damaged file kept aside as `<drive>-已损坏-<time>.db`, and the screen opens on
/// it. Before, the screen only said the drive was damaged and ended.
#[test]
fn a_damaged_drive_is_offered_its_newest_backup_and_the_screen_opens_on_it() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    // After the import's own backup, in a second of its own: the newest backup.
    std::thread::sleep(Duration::from_millis(1100));
    let backup = Command::new(BIN).arg("--db").arg(&db).arg("backup").output().expect("backup");
    assert!(backup.status.success(), "{}", String::from_utf8_lossy(&backup.stderr));
    let size = std::fs::metadata(&db).expect("drive").len();
    std::fs::OpenOptions::new().write(true).open(&db).expect("drive").set_len(size / 2).expect("cut");
    let tmux = Tmux::start(format!("canbao-test-damaged-{}", std::process::id()), dir.path(), &db, "测试");
    let asked = tmux.wait_for("用这个备份恢复");
    assert!(asked.contains("数据文件已损坏") && asked.contains("restore"), "{asked}");
    tmux.send_text("y");
    tmux.send(&["Enter"]);
    tmux.wait_for("显示 10 / 10");
    let aside = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .any(|n| n.starts_with("drive-已损坏-") && n.ends_with(".db"));
    assert!(aside, "the damaged drive kept aside");
    tmux.quit();
}

/// canbao opened on a drive in a folder the operator may only read (a write-protected stick, a read-only share)
/// asks at the terminal whether to open it read-only, No by default, as it asks of a drive another window has
/// open: yes opens the screen read-only, a bare Enter ends as before, and nothing on the stick changes. Before,
/// it said 「数据文件所在的文件夹是只读的…只查看请加 --read-only」 and ended. Root writes through any mode, so
/// there canbao runs as another user.
#[cfg(unix)]
#[test]
fn a_drive_in_a_read_only_folder_is_offered_read_only() {
    use std::os::unix::fs::PermissionsExt;
    if tmux_missing() {
        return;
    }
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    if root && Command::new("setpriv").arg("--version").output().is_err() {
        println!("skipping: setpriv is not installed, and root writes through a read-only folder");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("mode");
    let stick = dir.path().join("stick");
    let home = dir.path().join("home");
    std::fs::create_dir(&stick).expect("stick");
    std::fs::create_dir(&home).expect("home");
    let db = imported_drive(&stick);
    for path in [&stick, &home] {
        for entry in std::fs::read_dir(path).expect("dir") {
            let entry = entry.expect("entry").path();
            if root {
                std::os::unix::fs::lchown(&entry, Some(65534), Some(65534)).expect("chown");
            }
        }
        if root {
            std::os::unix::fs::lchown(path, Some(65534), Some(65534)).expect("chown");
        }
    }
    std::fs::set_permissions(&stick, std::fs::Permissions::from_mode(0o555)).expect("mode");
    let before = std::fs::read(&db).expect("bytes");
    let names = || {
        let mut names: Vec<_> =
            std::fs::read_dir(&stick).expect("dir").map(|e| e.expect("entry").file_name()).collect();
        names.sort();
        names
    };
    let files = names();
    let user = if root { "setpriv --reuid=65534 --regid=65534 --clear-groups " } else { "" };
    let command = format!(
        "env XDG_CONFIG_HOME={} HOME={} {user}{} --db {} --operator 测试",
        quote(&config_home(&home)),
        quote(&home),
        quote(Path::new(BIN)),
        quote(&db)
    );
    let start = |name: &str| {
        let tmux = Tmux { socket: format!("canbao-test-ro-folder-{name}-{}", std::process::id()) };
        let folder = home.display().to_string();
        let started =
            tmux.run(&["new-session", "-d", "-x", "120", "-y", "40", "-s", "canbao", "-c", &folder, &command]);
        assert!(started.status.success(), "tmux new-session: {}", String::from_utf8_lossy(&started.stderr));
        tmux
    };
    let tmux = start("yes");
    let asked = tmux.wait_for("以只读方式打开");
    assert!(asked.contains("文件夹是只读的") && asked.contains("[y/N]"), "{asked}");
    tmux.send_text("y");
    tmux.send(&["Enter"]);
    let screen = tmux.wait_for("显示 10 / 10");
    let title = screen.lines().next().unwrap_or_default();
    assert!(title.trim_end().ends_with("只读"), "{screen}");
    tmux.send(&["p"]);
    tmux.wait_for("只读模式，不能修改");
    tmux.quit();
    drop(tmux);
    // No by default: Enter alone ends, as before.
    let tmux = start("no");
    tmux.wait_for("以只读方式打开");
    tmux.send(&["Enter"]);
    let waiting = Instant::now();
    while tmux.session_alive() {
        assert!(waiting.elapsed() < Duration::from_secs(10), "canbao did not end:\n{}", tmux.capture());
        std::thread::sleep(Duration::from_millis(100));
    }
    std::fs::set_permissions(&stick, std::fs::Permissions::from_mode(0o755)).expect("mode");
    assert_eq!(std::fs::read(&db).expect("bytes"), before, "the drive is as it was");
    assert_eq!(names(), files, "nothing made beside the drive");
    // The drive file itself read-only, in a folder that is not: asked the same.
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).expect("mode");
    let tmux = start("file");
    let asked = tmux.wait_for("以只读方式打开");
    assert!(asked.contains("数据文件是只读的"), "{asked}");
    tmux.send_text("y");
    tmux.send(&["Enter"]);
    tmux.wait_for("显示 10 / 10");
    tmux.quit();
    assert_eq!(std::fs::read(&db).expect("bytes"), before, "the drive is as it was");
}

/// 「p⏎」 pasted onto the roster (a paste without bracketed-paste marks, as a terminal sends a clipboard's text) under
/// a policy of the year, whose payment form opens with the amount due filled in: nothing is recorded and the screen
/// says the keys were taken as typed astray. Before, the form's Enter came as a step in it and recorded 380 yuan.
#[test]
fn a_pasted_p_and_enter_records_no_payment() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    for args in [
        &["policy", "new", "yibin-2027", "--from", "yibin-2024", "--year", "2027"][..],
        &["policy", "use", "yibin-2027"],
    ] {
        let out = Command::new(BIN)
            .env("XDG_CONFIG_HOME", config_home(dir.path()))
            .env("HOME", dir.path())
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .expect("policy");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let tmux = start_kept(format!("canbao-test-pasted-p-{}", std::process::id()), dir.path(), &db, "");
    tmux.wait_for("显示 10 / 10");
    tmux.look();
    assert!(tmux.run(&["set-buffer", "p\r"]).status.success());
    assert!(tmux.run(&["paste-buffer", "-t", "canbao"]).status.success());
    tmux.wait_for("像是误输入");
    tmux.look();
    tmux.send(&["q"]);
    tmux.look();
    tmux.wait_for("exited ");
    let stats = Command::new(BIN).arg("--db").arg(&db).args(["stats", "--json"]).output().expect("stats");
    let json: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("stats json");
    assert_eq!(json["payment"]["paid"], 0, "{json}");
}

/// 「i⏎」 and 「i←」 pasted onto the roster (without bracketed-paste marks, as a clipboard's text comes): the import
/// picker `i` opens takes no key of the same burst as a step in it, Enter or any other, so it neither opens the
/// entry under the cursor nor goes up a folder; it closes and the screen says the keys were taken as typed astray.
/// Before, only an Enter was so held, and 「i←」 left the picker open one folder up.
#[test]
fn a_pasted_key_after_i_takes_no_step_in_the_picker() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let tmux = Tmux::start(format!("canbao-test-pasted-i-{}", std::process::id()), dir.path(), &db, "测试");
    tmux.wait_for("显示 10 / 10");
    for pasted in ["i\r", "i\u{1b}[D"] {
        tmux.look();
        assert!(tmux.run(&["set-buffer", pasted]).status.success());
        assert!(tmux.run(&["paste-buffer", "-t", "canbao"]).status.success());
        let screen = tmux.settled(tmux.wait_for("像是误输入"));
        assert!(!screen.contains("导入班级名单"), "{pasted:?} left the picker open:\n{screen}");
        tmux.look();
        tmux.send(&["Escape"]);
    }
    // A deliberate `i` still opens the picker.
    tmux.look();
    tmux.send(&["i"]);
    tmux.wait_for("导入班级名单");
    tmux.look();
    tmux.send(&["Escape"]);
    tmux.quit();
}

/// Keys typed one by one at a person's pace, as `send-keys` of each with a pause between.
fn type_by_hand(tmux: &Tmux, keys: &[&str]) {
    for key in keys {
        tmux.send(&[key]);
        std::thread::sleep(Duration::from_millis(120));
    }
}

/// A shell command typed by hand into canbao's window at a person's pace, 「nano x⏎」: its `n` opens the note and
/// the rest goes into it, but the Enter that ends the run, with no pause since the note opened, saves nothing and
/// asks for a look; Esc then leaves no note. A fast operator's 「p200⏎」 is the same run: nothing saved at its
/// Enter, and a second Enter after a look saves 200 yuan. Before, 「nano x⏎」 saved the note 「ano x」.
#[test]
fn a_dialog_filled_by_hand_without_a_pause_saves_only_at_a_second_enter() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let tmux = Tmux::start(format!("canbao-test-by-hand-{}", std::process::id()), dir.path(), &db, "测试");
    tmux.wait_for("显示 10 / 10");
    let drive = |sql: &str| -> i64 {
        let drive = rusqlite::Connection::open(&db).expect("open");
        drive.query_row(sql, [], |r| r.get(0)).expect("count")
    };
    tmux.look();
    type_by_hand(&tmux, &["n", "a", "n", "o", "Space", "x", "Enter"]);
    let screen = tmux.wait_for("核对内容后按 Enter 确认保存");
    assert!(screen.contains("ano x"), "the text typed is shown:\n{screen}");
    assert_eq!(drive("SELECT count(*) FROM students WHERE note <> ''"), 0, "no note saved:\n{screen}");
    tmux.look();
    tmux.send(&["Escape"]);
    tmux.wait_for("备注未保存：按 Esc 放弃了「ano x」");
    tmux.look();
    type_by_hand(&tmux, &["p", "2", "0", "0", "Enter"]);
    let screen = tmux.wait_for("核对内容后按 Enter 确认保存");
    assert_eq!(drive("SELECT count(*) FROM students WHERE payment = 'paid'"), 0, "nothing paid yet:\n{screen}");
    tmux.look();
    tmux.send(&["Enter"]);
    tmux.wait_for("已保存");
    tmux.quit();
    assert_eq!(drive("SELECT count(*) FROM students WHERE note <> ''"), 0, "no note saved");
    assert_eq!(drive("SELECT count(*) FROM students WHERE payment = 'paid' AND paid_amount_fen = 20000"), 1);
}

/// A second window while the first holds a payment typed without a pause (「p200⏎」, waiting for its second
/// Enter): the second canbao, and `mark` from a shell, may not save beside it (the drive's lock), so the pupil the
/// dialog shows cannot change meanwhile; the second Enter saves 200 yuan for that pupil and nobody else, and the
/// read-only window then loads it.
#[test]
fn a_payment_waiting_for_its_second_enter_is_saved_for_the_pupil_shown_whatever_a_second_window_does() {
    if tmux_missing() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = imported_drive(dir.path());
    let drive = |sql: &str| -> Vec<(String, i64)> {
        let drive = rusqlite::Connection::open(&db).expect("open");
        let mut rows = drive.prepare(sql).expect("query");
        rows.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("rows").collect::<Result<_, _>>().expect("rows")
    };
    let paid = "SELECT name, paid_amount_fen FROM students WHERE payment = 'paid'";
    let first = Tmux::start(format!("canbao-test-held-first-{}", std::process::id()), dir.path(), &db, "张老师");
    first.wait_for("显示 10 / 10");
    first.look();
    type_by_hand(&first, &["p", "2", "0", "0", "Enter"]);
    let dialog = first.wait_for("核对内容后按 Enter 确认保存");
    let second = Tmux::start(format!("canbao-test-held-second-{}", std::process::id()), dir.path(), &db, "李老师");
    second.wait_for("以只读方式打开");
    second.send(&["y", "Enter"]);
    second.wait_for("显示 10 / 10");
    second.look();
    second.send(&["p"]);
    second.wait_for("只读模式，不能修改");
    let out = Command::new(BIN)
        .arg("--db")
        .arg(&db)
        .args(["--operator", "李老师", "mark", "450202201711194162", "--payment", "paid", "--amount", "380"])
        .output()
        .expect("mark");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "saved beside the first window: {err}");
    assert!(err.contains("正被 张老师 使用"), "{err}");
    assert!(drive(paid).is_empty(), "nothing saved yet");
    let screen = first.capture();
    assert!(screen.contains("核对内容后按 Enter 确认保存"), "still waiting:\n{screen}");
    first.look();
    first.send(&["Enter"]);
    first.wait_for("已保存");
    let saved = drive(paid);
    assert_eq!(saved.len(), 1, "{saved:?}");
    let (name, fen) = &saved[0];
    assert_eq!(*fen, 20_000);
    assert!(dialog.contains(name.as_str()), "{name} is the pupil the dialog showed:\n{dialog}");
    second.wait_for("已载入另一窗口保存的更改");
    second.quit();
    first.quit();
}
