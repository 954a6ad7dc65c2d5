//! The TUI and the operator's drive file: the sample school goes in a file of its own, an import from the TUI
//! takes the same backup as `canbao import`, and the screen says which file is open and whether it is the
//! sample. Driven through actions on real files in a temporary folder.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use canbao::store::Store;
use canbao::tui::{Action, App, Language, Options};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

mod common;
use common::{Recorder, rows};

fn options(lang: Language) -> Options {
    common::options(lang, Some("测试"))
}

fn app_on(path: &Path, lang: Language) -> App {
    let mut app = App::new(Store::open(path).expect("store"), &options(lang)).expect("app");
    app.update(Action::Resize(120, 30));
    app
}

/// The screen's rows as text (wide characters keep their hidden cell as a space, which `contains` tolerates).
fn screen(app: &App) -> Vec<String> {
    rows(&common::drawn(app))
}

fn students_in(path: &Path) -> i64 {
    Store::open_read_only(path).expect("read").student_count().expect("count")
}

/// Feeds finished jobs back into the app until no job is running.
fn wait_for_jobs(app: &mut App) {
    let start = Instant::now();
    while app.jobs.running().is_some() {
        if let Some(outcome) = app.jobs.poll() {
            app.update(Action::JobDone(Box::new(outcome)));
            continue;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "the job never finished");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The palette's 「添加学生」 (typed as `tianjia`) opened with Enter: the form to add a pupil.
fn open_add_pupil(app: &mut App) {
    app.update(Action::Palette);
    for c in "tianjia".chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
}

/// `fields` typed into the form on screen, one after another, the next field reached as Tab reaches it.
fn fill_fields(app: &mut App, fields: &[&str]) {
    for (i, text) in fields.iter().enumerate() {
        if i > 0 {
            app.update(Action::NextField);
        }
        for c in text.chars() {
            app.update(Action::Input(c));
        }
    }
}

/// The sample school in a drive file of its own, in a temporary folder the caller keeps.
fn sample_drive() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let drive = dir.path().join("school.db");
    canbao::demo::load_sample(&mut Store::open(&drive).unwrap()).unwrap();
    (dir, drive)
}

/// Types `list` into the import prompt and waits for its preview (the report before anything is written).
fn preview_import(app: &mut App, list: &Path) {
    app.update(Action::Import);
    for c in list.to_str().unwrap().chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    wait_for_jobs(app);
}

/// `1` on the welcome, then `y` at the question it asks before the screen switches to the sample's file.
fn load_sample(app: &mut App) {
    app.update(Action::LoadSample);
    assert!(app.question().is_some(), "the welcome asks before switching to the sample");
    app.update(Action::Yes);
}

/// Ticks a read-only window until the roster it reads again on a worker is in.
fn wait_for_reload(app: &mut App) {
    let start = Instant::now();
    while app.follow_loading() {
        assert!(start.elapsed() < Duration::from_secs(30), "the roster was never read again");
        std::thread::sleep(Duration::from_millis(10));
        app.update(Action::Tick);
    }
}

fn backups(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir.join("backups"))
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    found.sort();
    found
}

#[test]
fn the_welcome_screens_sample_opens_in_its_own_file_and_the_title_says_so() {
    for lang in [Language::Zh, Language::En] {
        let dir = tempfile::tempdir().unwrap();
        let drive = dir.path().join("school.db");
        let mut app = app_on(&drive, lang);
        assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Welcome)), "an empty drive offers the sample");
        let title = screen(&app)[0].clone();
        assert!(title.contains("school.db"), "the title names the open file: {title}");
        load_sample(&mut app);
        assert_eq!(app.roster.shown().len(), 360, "the app shows the sample school");
        let sample = dir.path().join("demo.db");
        assert_eq!(app.store.path(), Some(sample.as_path()), "the app went on in the sample's own file");
        assert_eq!(students_in(&sample), 360);
        assert_eq!(students_in(&drive), 0, "the operator's drive file holds none of the sample");
        let title = screen(&app)[0].clone();
        let flag = if lang == Language::Zh { "示例数据" } else { "sample data" };
        assert!(title.contains(flag) && title.contains("demo.db"), "{title}");

        // A mark in the sample lands in the sample's file.
        app.update(Action::TogglePaid);
        drop(app);
        assert_eq!(students_in(&drive), 0);
    }
}

#[test]
fn the_sample_never_overwrites_a_real_drive_named_like_the_demo_file() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("demo.db");
    let mut store = Store::open(&real).unwrap();
    store.set_meta("marker", "real work").unwrap();
    drop(store);
    let mut app = app_on(&dir.path().join("school.db"), Language::Zh);
    load_sample(&mut app);
    assert_eq!(Store::open_read_only(&real).unwrap().meta("marker").unwrap().as_deref(), Some("real work"));
    assert_eq!(students_in(&real), 0);
    assert!(app.status.as_ref().is_some_and(|s| s.error), "the operator is told: {:?}", app.status);
    assert!(!app.demo);
}

#[test]
fn the_dashboard_shows_the_whole_path_of_the_open_file() {
    let (_dir, drive) = sample_drive();
    let mut app = App::new(Store::open(&drive).unwrap(), &options(Language::Zh)).unwrap();
    app.update(Action::Resize(200, 30));
    app.update(Action::Dashboard);
    let shown = screen(&app).join("\n");
    assert!(shown.contains(&format!("数据文件：{}", drive.display())), "{shown}");
    assert!(!app.demo && !screen(&app)[0].contains("示例数据"), "a real drive is not called the sample");
}

#[test]
fn an_import_from_the_tui_takes_the_same_backup_as_canbao_import() {
    let (dir, drive) = sample_drive();
    let list = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    let mut app = app_on(&drive, Language::Zh);
    assert!(backups(dir.path()).is_empty());
    preview_import(&mut app, &list);
    assert!(backups(dir.path()).is_empty(), "the preview writes nothing, not even a backup");
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    assert_eq!(app.store.student_count().unwrap(), 370, "the import went in");
    let taken = backups(dir.path());
    assert_eq!(taken.len(), 1, "{taken:?}");
    let name = taken[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("school-") && name.ends_with("-import.db"), "{name}");
    assert_eq!(students_in(&taken[0]), 360, "the backup holds the drive as it was before the import");
}

/// The operator waiting for an import to end, who presses Esc the moment the screen changes (the notice that the
/// result is being taken in, or the report where none comes first), then quits once the report is drawn.
struct EscAsTheImportEnds {
    frames: std::rc::Rc<std::cell::RefCell<Vec<String>>>,
    esc_pressed: bool,
    looked: bool,
    since: Instant,
}

impl canbao::tui::runner::EventSource for EscAsTheImportEnds {
    fn next(&mut self, timeout: Duration) -> std::io::Result<Option<crossterm::event::Event>> {
        use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
        let last = self.frames.borrow().last().cloned().unwrap_or_default();
        if !self.esc_pressed && (last.contains("正在载入结果") || last.contains("导入完成")) {
            self.esc_pressed = true;
            return Ok(Some(Event::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE))));
        }
        if self.esc_pressed && std::mem::replace(&mut self.looked, true) {
            return Ok(Some(Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))));
        }
        assert!(self.since.elapsed() < Duration::from_secs(60), "the import never ended");
        std::thread::sleep(timeout.min(Duration::from_millis(10)));
        Ok(None)
    }
}

/// An import ends while the operator, tired of waiting, presses Esc: the status line says the result is being
/// taken in and keys wait, and the Esc typed then does not close the 「导入完成」 report the operator has not
/// seen (it once closed it the instant it appeared); the status line says a key was not taken.
#[test]
fn a_key_pressed_as_an_import_ends_does_not_close_its_report_unseen() {
    let (_dir, drive) = sample_drive();
    let list = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    let mut app = app_on(&drive, Language::Zh);
    preview_import(&mut app, &list);
    app.update(Action::Confirm);
    assert!(app.jobs.running().is_some(), "the import runs on the worker");
    let frames = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let backend = Recorder { backend: TestBackend::new(120, 30), frames: std::rc::Rc::clone(&frames) };
    let mut terminal = Terminal::new(backend).unwrap();
    let mut operator = EscAsTheImportEnds {
        frames: std::rc::Rc::clone(&frames),
        esc_pressed: false,
        looked: false,
        since: Instant::now(),
    };
    canbao::tui::runner::run_loop(&mut terminal, &mut app, &mut operator).unwrap();
    assert_eq!(app.store.student_count().unwrap(), 370, "the import went in");
    let frames = frames.borrow();
    let loading = frames.iter().position(|f| f.contains("正在载入结果，请稍候：结果显示之前按键不起作用"));
    let report = frames.iter().position(|f| f.contains("导入完成"));
    assert!(loading.is_some() && loading < report, "the keys were said to wait before the report showed");
    // The operator then quits (Ctrl-C, asked twice over a dialog): the frame before it still shows the report.
    let last = frames.last().unwrap();
    assert!(last.contains("导入完成"), "the report is still open:\n{last}");
    assert!(
        frames.iter().any(|f| f.contains("导入完成") && f.contains("画面出现前按下的 1 个键未起作用")),
        "the Esc is said not taken:\n{last}"
    );
}

/// A stop asked for as an import's commit ends comes too late to take the rows back: the worker still reads
/// the roster to show, where the stop once cut that reading short and the screen did it itself, for seconds on
/// a large drive, the keys waiting with nothing said.
#[test]
fn a_stop_asked_for_as_an_import_commits_leaves_the_roster_read_on_the_worker() {
    use canbao::tui::jobs::{JobOutcome, Work, execute_stoppable};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let (dir, drive) = sample_drive();
    let list = dir.path().join("新生.csv");
    std::fs::write(&list, "学校,姓名,身份证号码,年级,班级\n柳州市示范小学,王明,110101201901011238,一年级,1班\n")
        .unwrap();
    let mut store = Store::open(&drive).unwrap();
    let request = canbao::io::class_list::ImportRequest::new(&store, vec![list], None).unwrap();
    // As the worker is told: the same flag for the connection and for the job.
    let stop = Arc::new(AtomicBool::new(false));
    store.stop_when(Arc::clone(&stop)).unwrap();
    let asked = Arc::clone(&stop);
    store
        .watch_statements(move |sql, _| {
            if sql.trim().eq_ignore_ascii_case("COMMIT") {
                asked.store(true, Ordering::Relaxed);
            }
        })
        .unwrap();
    let JobOutcome::Imported { report, data } = execute_stoppable(Work::Apply { request }, &mut store, &stop) else {
        panic!("the import was committed before the stop came")
    };
    assert!(stop.load(Ordering::Relaxed), "the stop was asked for");
    assert_eq!(report.added, 1);
    let data = data.expect("the roster read on the worker");
    assert_eq!(data.len(), 361, "the roster as saved, the new pupil in it");
}

#[test]
fn an_import_from_the_tui_whose_file_is_gone_at_the_commit_takes_no_backup() {
    let (dir, drive) = sample_drive();
    let list = dir.path().join("三年级.csv");
    std::fs::copy(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv"), &list).unwrap();
    let mut app = app_on(&drive, Language::Zh);
    for _ in 0..2 {
        preview_import(&mut app, &list);
        // The stick pulled out between the preview and Enter, or the list edited meanwhile.
        std::fs::rename(&list, dir.path().join("elsewhere.csv")).unwrap();
        app.update(Action::Confirm);
        wait_for_jobs(&mut app);
        assert_eq!(app.store.student_count().unwrap(), 360, "nothing was imported");
        assert!(backups(dir.path()).is_empty(), "and no backup taken: {:?}", backups(dir.path()));
        app.update(Action::Back);
        std::fs::rename(dir.path().join("elsewhere.csv"), &list).unwrap();
    }
    preview_import(&mut app, &list);
    std::fs::write(&list, "姓名,身份证号码\n").unwrap();
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    assert!(backups(dir.path()).is_empty(), "a list changed since the preview takes none either");
}

#[test]
fn the_restore_question_warns_of_another_drive_but_not_of_a_backup_under_a_name_of_ones_own() {
    let (dir, drive) = sample_drive();
    let store = Store::open(&drive).unwrap();
    let mine = dir.path().join("before-lunch.db");
    store.backup_to(&mine).unwrap();
    drop(store);
    let other = dir.path().join("other.db");
    let list = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    let mut other_store = Store::open(&other).unwrap();
    canbao::io::class_list::import(&mut other_store, &[list.as_path()], Some("第二小学"), false).unwrap();
    drop(other_store);
    let mut app = app_on(&drive, Language::Zh);
    let warned = |app: &App| screen(app).join("").contains("这不像本数据文件的备份");
    app.ask_restore(other);
    assert!(app.modal.is_some() && warned(&app), "{}", screen(&app).join("\n"));
    app.update(Action::Back);
    app.ask_restore(mine);
    assert!(app.modal.is_some() && !warned(&app), "{}", screen(&app).join("\n"));
}

/// The restore question counts the changes it takes back (the audit rows made since the backup), in either
/// language: none for a backup of the drive as it is, and no count for another drive's file, whose log parts from
/// this one's. Before, it said when the backup was taken and how many pupils it holds, not what work it undoes.
#[test]
fn the_restore_question_says_how_many_changes_it_takes_back() {
    use canbao::domain::student::Enrollment;
    use canbao::tui::modal::Modal;
    let (dir, drive) = sample_drive();
    let mut store = Store::open(&drive).unwrap();
    let backup = dir.path().join("before-marks.db");
    store.backup_to(&backup).unwrap();
    let ids: Vec<i64> = store.students(&Default::default()).unwrap().iter().take(3).map(|s| s.id).collect();
    for &id in &ids {
        assert_eq!(store.set_enrollment(id, Enrollment::Here, None).unwrap(), 1);
    }
    let since: i64 = store.connection().query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0)).unwrap();
    let now_backup = dir.path().join("now.db");
    store.backup_to(&now_backup).unwrap();
    let at_backup: i64 = Store::open_read_only(&backup)
        .unwrap()
        .connection()
        .query_row("SELECT COUNT(*) FROM audit", [], |r| r.get(0))
        .unwrap();
    let undone = since - at_backup;
    assert!(undone >= 3, "three marks since the backup: {undone}");
    drop(store);
    let other = dir.path().join("other.db");
    let list = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    let mut other_store = Store::open(&other).unwrap();
    canbao::io::class_list::import(&mut other_store, &[list.as_path()], Some("第二小学"), false).unwrap();
    drop(other_store);
    for (lang, said, none) in [
        (Language::Zh, format!("将撤销 {undone} 项更改（备份之后所做的修改）"), "将撤销 0 项更改".to_owned()),
        (
            Language::En,
            format!("It takes back {undone} changes (those made since the backup)"),
            "It takes back 0 changes".to_owned(),
        ),
    ] {
        let mut app = app_on(&drive, lang);
        let question = |app: &App| match &app.modal {
            Some(Modal::Confirm(c)) => c.question.clone(),
            _ => panic!("no question: {}", screen(app).join("\n")),
        };
        app.ask_restore(backup.clone());
        assert!(question(&app).contains(&said), "{lang:?}: {}", question(&app));
        app.update(Action::Back);
        app.ask_restore(now_backup.clone());
        assert!(question(&app).contains(&none), "{lang:?}: {}", question(&app));
        app.update(Action::Back);
        app.ask_restore(other.clone());
        let asked = question(&app);
        assert!(!asked.contains("将撤销") && !asked.contains("takes back"), "{lang:?}: {asked}");
    }
}

/// A class list given to a restore or a merge in the screen is refused naming the key that imports it, in the
/// screen's language, first (whole at 80 columns, whatever the path), where it named `canbao import`, a command
/// the screen has no use for.
#[test]
fn a_class_list_given_to_a_restore_or_a_merge_names_the_screens_import_key() {
    let (dir, drive) = sample_drive();
    let list = dir.path().join("名单.csv");
    std::fs::copy(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv"), &list).unwrap();
    for (lang, restore, merge) in [
        (Language::Zh, "要导入名单请按 i：这是名单表格，不是数据文件（未恢复，当前数据未改动）：", "（未合并）："),
        (
            Language::En,
            "Press i to import a class list: this is one, not a drive (nothing restored, the data unchanged): ",
            "(nothing merged): ",
        ),
    ] {
        let mut app = app_on(&drive, lang);
        app.ask_restore(list.clone());
        let said = app.status.as_ref().expect("status").text.clone();
        assert!(app.modal.is_none(), "nothing asked");
        assert!(said.starts_with(restore) && said.ends_with("名单.csv") && !said.contains("canbao import"), "{said}");
        app.start(canbao::tui::jobs::Work::Merge { file: list.clone(), dry_run: true, policy: None });
        wait_for_jobs(&mut app);
        let said = app.status.as_ref().expect("status").text.clone();
        assert!(said.contains(merge) && !said.contains("canbao import"), "{said}");
        let key_first =
            if lang == Language::Zh { "要导入名单请按 i：" } else { "Press i to import a class list" };
        assert!(said.starts_with(key_first), "the key first: {said}");
    }
    assert_eq!(students_in(&drive), 360, "nothing restored or merged");
}

/// An older canbao's drive opened read-only says so on the screen's status line, whole at 80 columns in both
/// languages, where the note went to the terminal the screen then covered; a drive of this canbao's schema says
/// nothing of it.
#[test]
fn an_older_drive_opened_read_only_is_said_to_be_one_on_the_screen() {
    let (_dir, drive) = sample_drive();
    let opened = |lang: Language| {
        let store = Store::open_read_only(&drive).expect("store");
        let mut app = App::new(store, &options(lang)).expect("app");
        app.update(Action::Resize(80, 24));
        app
    };
    let said = |app: &App| app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(!said(&opened(Language::Zh)).contains("旧版"), "a drive of this canbao's schema");
    rusqlite::Connection::open(&drive).unwrap().pragma_update(None, "user_version", 4).unwrap();
    for (lang, note) in [
        (Language::Zh, "旧版数据文件：只读时按旧版内容显示；不加 --read-only 打开一次即升级"),
        (Language::En, "Older drive, read as kept: open it once without --read-only to upgrade it"),
    ] {
        let app = opened(lang);
        assert_eq!(said(&app), note);
        let shown = screen(&app).join("\n");
        assert!(shown.replace(' ', "").contains(&note.replace(' ', "")), "whole at 80 columns:\n{shown}");
    }
}

#[test]
fn the_demo_file_is_called_the_sample_in_the_title() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = canbao::demo::fresh_demo(&dir.path().join("demo.db")).unwrap();
    let mut app = App::new(store, &options(Language::Zh)).unwrap();
    app.update(Action::Resize(120, 30));
    assert!(app.demo);
    let title = screen(&app)[0].clone();
    assert!(title.contains("示例数据") && title.contains("demo.db"), "{title}");
}

/// The files of a folder, hidden ones included, by name.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn a_form_exported_over_files_already_there_asks_first_and_no_keeps_them() {
    use canbao::tui::modal::Modal;
    use canbao::tui::palette::Form;
    let (dir, drive) = sample_drive();
    let out = dir.path().join("台账");
    let mut app = app_on(&drive, Language::Zh);
    app.start_form_export(Form::Ledgers, out.clone());
    wait_for_jobs(&mut app);
    let first = names_in(&out);
    assert!(!first.is_empty() && first.iter().all(|n| n.ends_with(".xlsx")), "{first:?}");
    assert!(app.modal.as_ref().is_none_or(|m| !matches!(m, Modal::Confirm(_))), "nothing to ask the first time");
    let kept = out.join(&first[0]);
    // The teacher's edits, saved again in a spreadsheet that keeps the creator: still canbao's export, so the
    // export asks rather than refuses.
    let mut book = rust_xlsxwriter::Workbook::new();
    book.set_properties(&rust_xlsxwriter::DocProperties::new().set_author("canbao"));
    book.add_worksheet().write_string(0, 0, "the teacher's own edits").unwrap();
    let edits = book.save_to_buffer().unwrap();
    std::fs::write(&kept, &edits).unwrap();

    app.start_form_export(Form::Ledgers, out.clone());
    wait_for_jobs(&mut app);
    assert!(matches!(app.modal, Some(Modal::Confirm(_))), "{}", screen(&app).join("\n"));
    assert!(screen(&app).iter().any(|l| l.contains("覆盖")), "the question is on screen");
    app.update(Action::Back);
    assert_eq!(std::fs::read(&kept).unwrap(), edits, "No keeps the file");
    assert_eq!(names_in(&out), first, "and leaves no hidden folder behind");

    app.start_form_export(Form::Ledgers, out.clone());
    wait_for_jobs(&mut app);
    app.update(Action::Yes);
    wait_for_jobs(&mut app);
    assert_ne!(std::fs::read(&kept).unwrap(), edits, "Yes replaces it");
    assert_eq!(names_in(&out), first, "with the same files and nothing hidden left");

    // A workbook canbao did not write, under a form's name: refused, not asked about.
    let list =
        std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/merged_title.xlsx")).unwrap();
    std::fs::write(&kept, &list).unwrap();
    app.start_form_export(Form::Ledgers, out.clone());
    wait_for_jobs(&mut app);
    assert!(app.modal.as_ref().is_none_or(|m| !matches!(m, Modal::Confirm(_))), "{}", screen(&app).join("\n"));
    assert!(screen(&app).iter().any(|l| l.contains("不是 canbao 导出的表格")), "{}", screen(&app).join("\n"));
    assert_eq!(std::fs::read(&kept).unwrap(), list, "the list is untouched");
    assert_eq!(names_in(&out), first, "and nothing hidden is left");
}

/// `x` onto the school's class list says it is not canbao's export instead of asking 覆盖？, and leaves it.
#[test]
fn the_sheet_exported_onto_a_class_list_is_refused_not_asked() {
    use canbao::tui::modal::Modal;
    let (dir, drive) = sample_drive();
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for (name, fixture) in [("名单.csv", "utf8_bom.csv"), ("一年级.xlsx", "merged_title.xlsx")] {
        let list = dir.path().join(name);
        std::fs::copy(fixtures.join(fixture), &list).unwrap();
        let mut app = app_on(&drive, Language::Zh);
        app.start_export(list.clone());
        wait_for_jobs(&mut app);
        assert!(app.modal.as_ref().is_none_or(|m| !matches!(m, Modal::Confirm(_))), "{name}: not asked");
        let shown = screen(&app).join("\n");
        assert!(shown.contains("不是 canbao 导出的表格"), "{name}: {shown}");
        assert_eq!(std::fs::read(&list).unwrap(), std::fs::read(fixtures.join(fixture)).unwrap(), "{name}");
    }
    // An earlier export there is asked about, as before.
    let mut app = app_on(&drive, Language::Zh);
    app.start_export(dir.path().join("earlier.csv"));
    wait_for_jobs(&mut app);
    app.start_export(dir.path().join("earlier.csv"));
    assert!(matches!(app.modal, Some(Modal::Confirm(_))), "{}", screen(&app).join("\n"));
}

/// `x` onto an earlier export of another form or another school (which `canbao export` refuses without --force)
/// asks naming what the file is, No the default, where before it asked only 覆盖它？; a re-export of the sheet is
/// asked as before.
#[test]
fn the_sheet_exported_onto_another_forms_export_names_it_in_the_question() {
    use canbao::tui::modal::Modal;
    let (dir, drive) = sample_drive();
    let summary = dir.path().join("汇总.csv");
    let text = "参保进度汇总\n学校名称：城关小学,保险年度：2027年度,填报时间：2026-11-20\n项目,人数\n学生总数,3\n";
    for (lang, said) in [
        (Language::Zh, "该文件是城关小学的《参保进度汇总》，不是这一份，覆盖它？"),
        // The form in English on an English screen (before, its Chinese title).
        (Language::En, "and is 城关小学's progress summary, not this form. Overwrite it?"),
    ] {
        std::fs::write(&summary, text).unwrap();
        let mut app = app_on(&drive, lang);
        app.start_export(summary.clone());
        let Some(Modal::Confirm(confirm)) = &app.modal else { panic!("{lang:?}: {}", screen(&app).join("\n")) };
        assert!(confirm.question.contains(said), "{lang:?}: {}", confirm.question);
        assert!(!confirm.yes, "No is the default");
        assert_eq!(std::fs::read_to_string(&summary).unwrap(), text, "nothing written yet");
    }
    // The sheet exported there before is a re-export: asked as ever.
    let sheet = dir.path().join("earlier.csv");
    let mut app = app_on(&drive, Language::Zh);
    app.start_export(sheet.clone());
    wait_for_jobs(&mut app);
    app.start_export(sheet.clone());
    let Some(Modal::Confirm(confirm)) = &app.modal else { panic!("{}", screen(&app).join("\n")) };
    assert_eq!(confirm.question, format!("文件已存在：{}。覆盖它？", sheet.display()));

    // A form of files in a folder: the one of another school at a name the export writes is named before the
    // question.
    let (ours, other) = (dir.path().join("ours"), dir.path().join("other"));
    let summary_files = |folder: &std::path::Path| {
        let mut names: Vec<PathBuf> = std::fs::read_dir(folder).unwrap().map(|e| e.unwrap().path()).collect();
        names.sort();
        names
    };
    let mut app = app_on(&drive, Language::Zh);
    let school = app.store.schools().unwrap()[0].clone();
    for folder in [&ours, &other] {
        std::fs::create_dir(folder).unwrap();
        if folder == &other {
            app.store.rename_school(&school, "城关小学").unwrap();
        }
        app.start_form_export(canbao::tui::palette::Form::Summary, folder.clone());
        wait_for_jobs(&mut app);
        app.modal = None;
    }
    app.store.rename_school("城关小学", &school).unwrap();
    let (mine, theirs) = (summary_files(&ours), summary_files(&other));
    assert_eq!((mine.len(), theirs.len()), (1, 1), "{mine:?} {theirs:?}");
    std::fs::copy(&theirs[0], &mine[0]).unwrap();
    app.start_form_export(canbao::tui::palette::Form::Summary, ours.clone());
    wait_for_jobs(&mut app);
    let Some(Modal::Confirm(confirm)) = &app.modal else { panic!("{}", screen(&app).join("\n")) };
    let name = mine[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        confirm.question.starts_with(&format!("{name} 是城关小学的《参保进度汇总》，不是这一份。")),
        "{}",
        confirm.question
    );
    assert!(!confirm.yes, "No is the default");
}

#[test]
fn a_backup_restored_from_the_tui_replaces_the_drive_and_keeps_what_it_held() {
    let (dir, drive) = sample_drive();
    let mut store = Store::open(&drive).unwrap();
    let before = store.student_count().unwrap();
    let backup = store.backup_now("manual").unwrap().expect("a file drive");
    drop(store);
    let mut app = app_on(&drive, Language::Zh);
    let list = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    app.start_import_files(vec![list]);
    wait_for_jobs(&mut app);
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    let grown = app.store.student_count().unwrap();
    assert!(grown > before);
    app.update(Action::Back); // the import's report

    app.ask_restore(drive.clone());
    assert!(app.modal.is_none(), "nothing is asked: the drive is not its own backup");
    assert!(screen(&app).iter().any(|l| l.contains("不能用它恢复自己")), "and the status line says so");
    #[cfg(unix)]
    {
        // Nor is the drive reached through a link to it.
        let link = dir.path().join("link.db");
        std::os::unix::fs::symlink(&drive, &link).unwrap();
        app.ask_restore(link);
        assert!(app.modal.is_none(), "a link to the drive is the drive");
    }
    app.ask_restore(backup.clone());
    assert!(screen(&app).iter().any(|l| l.contains(&before.to_string())), "the question says how many pupils");
    app.update(Action::Back);
    assert_eq!(app.store.student_count().unwrap(), grown, "No changes nothing");

    app.ask_restore(backup);
    app.update(Action::Yes);
    wait_for_jobs(&mut app);
    assert_eq!(app.store.student_count().unwrap(), before, "the app's own connection sees the restored drive");
    assert_eq!(app.data.len() as i64, before, "and the roster on screen is the restored one");
    let safety: Vec<PathBuf> =
        backups(dir.path()).into_iter().filter(|p| p.to_string_lossy().ends_with("-restore.db")).collect();
    assert_eq!(safety.len(), 1, "the drive as it was is kept");
    assert_eq!(students_in(&safety[0]), grown);
}

#[test]
fn a_stopped_job_leaves_the_drive_as_it_was() {
    use canbao::io::class_list::ImportRequest;
    use canbao::tui::jobs::{JobOutcome, Work, execute};
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;
    let (dir, drive) = sample_drive();
    let mut store = Store::open(&drive).unwrap();
    let before = store.student_count().unwrap();
    let list = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    let mut request = ImportRequest::new(&store, vec![list], None).unwrap();
    request.preview(&mut store).unwrap();
    store.stop_when(Arc::new(AtomicBool::new(true))).unwrap();
    let outcome = execute(Work::Apply { request }, &mut store);
    assert!(matches!(outcome, JobOutcome::Failed(_)), "{outcome:?}");
    drop(store);
    assert_eq!(students_in(&drive), before, "nothing of the stopped import is kept");
    assert!(backups(dir.path()).is_empty(), "nor its backup, stopped with it: {:?}", backups(dir.path()));

    // In the TUI, Esc during a job asks before stopping it; No goes back to the job.
    let mut app = app_on(&drive, Language::Zh);
    // A file drive's job runs on a worker, and counts as running until the app takes its outcome.
    app.start(Work::Check { policy: None });
    assert!(app.jobs.running().is_some());
    app.update(Action::Back);
    assert!(screen(&app).iter().any(|l| l.contains("停止")), "Esc asks whether to stop");
    app.update(Action::Back);
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Working(_))), "No goes back to the job");
    wait_for_jobs(&mut app);
}

#[test]
fn a_config_folder_policys_premium_and_windows_are_changed_from_the_policy_screen() {
    use canbao::domain::policy::PolicySet;
    use canbao::tui::palette::Command;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::create_dir_all(config.join("policies")).unwrap();
    let drive = dir.path().join("school.db");
    canbao::demo::load_sample(&mut Store::open(&drive).unwrap()).unwrap();
    let opts = Options {
        lang: Language::Zh,
        operator: Some("测试".into()),
        config_dir: Some(config.clone()),
        ..Default::default()
    };
    let mut app = App::new(Store::open(&drive).unwrap(), &opts).unwrap();
    app.update(Action::Resize(120, 30));
    let on = |app: &mut App, name: &str| {
        app.run_command(Command::Policies);
        app.update(Action::Top);
        for _ in 0..10 {
            if screen(app).iter().any(|l| l.contains(&format!("> {name}"))) {
                return;
            }
            app.update(Action::Down);
        }
        panic!("{name} is not in the list:\n{}", screen(app).join("\n"));
    };

    // A bundled policy is not edited in place.
    on(&mut app, "yibin-2024");
    app.update(Action::Edit);
    assert!(screen(&app).iter().any(|l| l.contains("内置政策不能直接修改")), "{}", screen(&app).join("\n"));

    let text = canbao::domain::policy::builtin_text("yibin-2024").unwrap();
    let file = config.join("policies/yibin-2027.toml");
    std::fs::write(&file, text.replace("yibin-2024", "yibin-2027")).unwrap();
    on(&mut app, "yibin-2027");
    app.update(Action::Edit);
    let form = screen(&app).join("\n");
    assert!(form.contains("修改政策：yibin-2027") && form.contains("个人缴费标准"), "{form}");
    app.update(Action::ClearLine);
    for c in "400".chars() {
        app.update(Action::Input(c));
    }
    // The first window's last day: a date that is no date is refused where it was typed.
    app.update(Action::Down);
    app.update(Action::Down);
    app.update(Action::ClearLine);
    for c in "2023-13-40".chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    assert!(screen(&app).iter().any(|l| l.contains("日期请写成")), "{}", screen(&app).join("\n"));
    app.update(Action::ClearLine);
    for c in "2023-02-30".chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    assert!(screen(&app).iter().any(|l| l.contains("没有这一天：2023-02-30")), "{}", screen(&app).join("\n"));
    let before = PolicySet::load(Some(&config)).get("yibin-2027").unwrap().windows[0].clone();
    let new_end = before.to.pred_opt().unwrap();
    app.update(Action::ClearLine);
    for c in new_end.format("%Y-%m-%d").to_string().chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    let saved = PolicySet::load(Some(&config)).get("yibin-2027").unwrap().clone();
    assert_eq!(saved.personal_premium_fen, 40_000);
    assert_eq!(saved.windows[0].to, new_end);
    assert_eq!(saved.windows[0].from, before.from, "the first day was left as it was");
    assert!(std::fs::read_to_string(&file).unwrap().contains("# "), "the file's comments are kept");
    assert!(!config.join("policies/yibin-2027.toml.part").exists());
    assert!(screen(&app).iter().any(|l| l.contains("> yibin-2027")), "the policy just edited stays highlighted");
}

/// An edit of the drive's policy that moves a payment already recorded into another window (its cover five months
/// shorter) asks first, naming how many and whom; No leaves the policy file as it was and goes back to the form,
/// yes saves it.
#[test]
fn editing_the_drives_policy_so_a_recorded_payment_changes_window_asks_and_no_keeps_the_file() {
    use canbao::domain::policy::PolicySet;
    use canbao::store::{Change, Payment};
    use canbao::tui::modal::Modal;
    use canbao::tui::palette::Command;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::create_dir_all(config.join("policies")).unwrap();
    let renewed = common::yibin_2027(40_000);
    let file = config.join("policies/yibin-2027.toml");
    std::fs::write(&file, &renewed).unwrap();
    let drive = dir.path().join("school.db");
    let mut store = Store::open(&drive).unwrap();
    canbao::demo::load_sample(&mut store).unwrap();
    let set = "UPDATE meta SET value = '2027' WHERE key IN ('current_year', 'first_year')";
    assert_eq!(store.connection().execute(set, []).unwrap(), 2);
    store.reload_year().unwrap();
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2027").unwrap();
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let pupil = store.students(&Default::default()).unwrap()[0].clone();
    let paid = Payment::Paid { amount_fen: Some(40_000), paid_on: Some(day("2026-12-04")), channel: None };
    store.apply_changes("mark", &[(pupil.id, vec![Change::Payment(paid)])], Default::default()).unwrap();
    drop(store);
    let windows = PolicySet::load(Some(&config)).get("yibin-2027").unwrap().windows.clone();
    assert!(windows[0].from <= day("2026-12-04") && day("2026-12-04") < windows[0].to, "{windows:?}");

    let opts = Options {
        lang: Language::Zh,
        operator: Some("测试".into()),
        config_dir: Some(config.clone()),
        ..Default::default()
    };
    let mut app = App::new(Store::open(&drive).unwrap(), &opts).unwrap();
    app.update(Action::Resize(120, 30));
    assert_eq!(app.policy.as_ref().map(|p| p.name.as_str()), Some("yibin-2027"));
    app.run_command(Command::Policies);
    app.update(Action::Top);
    for _ in 0..10 {
        if screen(&app).iter().any(|l| l.contains("> yibin-2027")) {
            break;
        }
        app.update(Action::Down);
    }
    app.update(Action::Edit);
    let set_field = |app: &mut App, text: &str| {
        app.update(Action::Down);
        app.update(Action::ClearLine);
        for c in text.chars() {
            app.update(Action::Input(c));
        }
    };
    set_field(&mut app, &windows[0].from.format("%Y-%m-%d").to_string());
    set_field(&mut app, "2026-12-03");
    set_field(&mut app, "2026-12-04");
    let before = std::fs::read(&file).unwrap();
    app.update(Action::Confirm);
    let Some(Modal::Confirm(c)) = &app.modal else { panic!("saved without asking: {}", screen(&app).join("\n")) };
    assert!(c.question.contains("1 笔") && c.question.contains(&pupil.name), "{}", c.question);
    assert!(c.question.contains("保险年度内中途参保") && c.question.contains("2027-06-01"), "{}", c.question);
    assert!(!c.yes, "No is the default");
    let shown = screen(&app).join("");
    assert!(shown.contains("仍要保存吗"), "the question is on screen: {shown}");
    app.update(Action::Back);
    assert_eq!(std::fs::read(&file).unwrap(), before, "No leaves the policy file as it was");
    assert!(matches!(app.modal, Some(Modal::EditPolicy(_))), "No goes back to the form as typed");
    assert_eq!(app.policy.as_ref().unwrap().windows[0].to, windows[0].to, "the drive still reads the old windows");

    app.update(Action::Confirm);
    let Some(Modal::Confirm(c)) = &mut app.modal else { panic!("not asked again") };
    c.yes = true;
    app.update(Action::Confirm);
    let saved = PolicySet::load(Some(&config)).get("yibin-2027").unwrap().clone();
    assert_eq!(saved.windows[0].to, day("2026-12-03"));
    assert_eq!(app.policy.as_ref().unwrap().windows[0].to, day("2026-12-03"));
}

/// Windows edited to overlap: the refusal is said whole (wrapped in the dialog, not cut with ..), calls the file
/// a 政策文件 (a 数据文件 is the drive), and is English with --lang en.
#[test]
fn an_edited_policy_that_no_longer_reads_is_refused_in_full_as_a_policy_file() {
    use canbao::domain::policy::PolicySet;
    use canbao::tui::palette::Command;
    for (lang, noun, overlap) in [
        (Language::Zh, "政策文件 yibin-2027.toml", "日期重叠"),
        (Language::En, "policy file yibin-2027.toml", "overlaps"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        std::fs::create_dir_all(config.join("policies")).unwrap();
        let drive = dir.path().join("school.db");
        canbao::demo::load_sample(&mut Store::open(&drive).unwrap()).unwrap();
        let text = canbao::domain::policy::builtin_text("yibin-2024").unwrap();
        std::fs::write(config.join("policies/yibin-2027.toml"), text.replace("yibin-2024", "yibin-2027")).unwrap();
        let windows = PolicySet::load(Some(&config)).get("yibin-2027").unwrap().windows.clone();
        assert!(windows.len() >= 2, "two windows to overlap");
        let opts =
            Options { lang, operator: Some("测试".into()), config_dir: Some(config.clone()), ..Default::default() };
        let mut app = App::new(Store::open(&drive).unwrap(), &opts).unwrap();
        app.update(Action::Resize(80, 24));
        app.run_command(Command::Policies);
        app.update(Action::Top);
        for _ in 0..10 {
            if screen(&app).iter().any(|l| l.contains("> yibin-2027")) {
                break;
            }
            app.update(Action::Down);
        }
        app.update(Action::Edit);
        // The first window's last day, past the second window's first.
        app.update(Action::Down);
        app.update(Action::Down);
        app.update(Action::ClearLine);
        let late = windows[1].from.succ_opt().unwrap().format("%Y-%m-%d").to_string();
        for c in late.chars() {
            app.update(Action::Input(c));
        }
        app.update(Action::Confirm);
        let shown = screen(&app);
        let joined: String = shown.iter().map(|l| l.trim()).collect::<Vec<_>>().join("");
        let joined: String = joined.chars().filter(|c| *c != ' ').collect();
        let compact = |s: &str| s.chars().filter(|c| *c != ' ').collect::<String>();
        assert!(joined.contains(&compact(noun)), "{}", shown.join("\n"));
        assert!(joined.contains(&compact(overlap)), "the reason, whole: {}", shown.join("\n"));
        assert!(!joined.contains("数据文件") && !joined.contains("data file"), "{}", shown.join("\n"));
        assert!(!shown.iter().any(|l| l.trim_end().ends_with("..")), "nothing cut: {}", shown.join("\n"));
        let saved = PolicySet::load(Some(&config)).get("yibin-2027").unwrap().windows[0].clone();
        assert_eq!(saved.to, windows[0].to, "nothing written");
    }
}

#[test]
fn a_read_only_window_takes_the_writers_marks_in_place_and_reads_an_import_on_a_worker() {
    use canbao::domain::student::{Enrollment, PaymentStatus};
    use canbao::store::{Change, Payment};
    let (_dir, drive) = sample_drive();
    let mut writer = Store::open(&drive).unwrap();
    let mut app = App::new(Store::open_read_only(&drive).unwrap(), &options(Language::Zh)).unwrap();
    app.update(Action::Resize(120, 30));
    let before = app.data.len();
    let row_of = |app: &App, id: i64| app.data.rows[app.data.index_of(id).unwrap()].clone();

    let pupil = app.data.rows[0].id;
    assert_eq!(row_of(&app, pupil).payment, PaymentStatus::Unpaid);
    let paid = Payment::Paid { amount_fen: Some(38_000), paid_on: Some(writer.today()), channel: None };
    writer.apply_changes("mark", &[(pupil, vec![Change::Payment(paid)])], Default::default()).unwrap();
    app.update(Action::Tick);
    assert!(!app.follow_loading(), "a mark is applied in place, not by reading the roster again");
    assert_eq!(row_of(&app, pupil).payment, PaymentStatus::Paid);
    assert_eq!(row_of(&app, pupil).enrollment, Enrollment::Here, "a payment makes the pupil insured here");

    let list = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    let mut request = canbao::io::class_list::ImportRequest::new(&writer, vec![list], None).unwrap();
    request.preview(&mut writer).unwrap();
    request.run(&mut writer, false).unwrap();
    app.update(Action::Tick);
    wait_for_reload(&mut app);
    assert!(app.data.len() > before, "the new pupils are on screen");
    assert_eq!(row_of(&app, pupil).payment, PaymentStatus::Paid, "and the earlier mark with them");
}

/// The only window starts the next year (on a worker's connection) and switches back to the year before: it
/// is read-only then, but nobody else wrote, so it does not say it loaded another window's changes, and the
/// status that says how to come back stays, over the earlier year's roster.
#[test]
fn a_year_switched_in_the_only_window_is_not_taken_for_another_windows_save() {
    use canbao::domain::student::PaymentStatus;
    use canbao::store::{Change, Payment};
    use canbao::tui::palette::Command;
    let (_dir, drive) = sample_drive();
    let mut app = app_on(&drive, Language::Zh);
    let pupil = app.data.rows[0].id;
    let paid = Payment::Paid { amount_fen: Some(38_000), paid_on: Some(app.store.today()), channel: None };
    app.store.apply_changes("mark", &[(pupil, vec![Change::Payment(paid)])], Default::default()).unwrap();
    let year = app.store.current_year().expect("a year");
    // Past the question a drive without a policy asks first in the collection months (its 是, as `--force`).
    app.ask_new_year_early();
    wait_for_jobs(&mut app);
    app.update(Action::Yes);
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    assert_eq!(app.store.current_year(), Some(year + 1));
    app.update(Action::Back);
    app.run_command(Command::SwitchYear);
    assert!(app.store.is_read_only());
    let viewing = format!("正在查看 {year} 年度（只读）");
    for _ in 0..3 {
        app.update(Action::Tick);
        wait_for_reload(&mut app);
    }
    let status = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(status.starts_with(&viewing), "{status}");
    let row = &app.data.rows[app.data.index_of(pupil).unwrap()];
    assert_eq!(row.payment, PaymentStatus::Paid, "the earlier year's roster stays on screen");
}

#[test]
fn a_stopped_export_leaves_no_file_and_quitting_at_the_replace_question_leaves_no_hidden_folder() {
    use canbao::io::export::FileFormat;
    use canbao::io::sheet::ExportOptions;
    use canbao::tui::jobs::{JobOutcome, Work, execute_stoppable};
    use canbao::tui::palette::Form;
    use std::sync::atomic::AtomicBool;
    let (dir, drive) = sample_drive();
    let mut store = Store::open(&drive).unwrap();
    let options =
        ExportOptions { format: FileFormat::Xlsx, school: None, class: None, mask: false, date: store.today() };
    let out = dir.path().join("out");
    let stop = AtomicBool::new(true);
    let form = Work::ExportForm {
        form: Form::Ledgers,
        folder: out.clone(),
        options: options.clone(),
        policy: None,
        config: None,
    };
    assert!(matches!(execute_stoppable(form, &mut store, &stop), JobOutcome::Failed(_)));
    assert!(!out.exists(), "a stopped form leaves nothing, hidden or not, nor the folder it made");
    let sheet = Work::Export { target: out.join("表.xlsx"), options, policy: None };
    assert!(matches!(execute_stoppable(sheet, &mut store, &stop), JobOutcome::Failed(_)));
    assert!(!out.exists(), "nor does a stopped sheet");
    drop(store);

    let mut app = app_on(&drive, Language::Zh);
    app.start_form_export(Form::Ledgers, out.clone());
    wait_for_jobs(&mut app);
    let first = names_in(&out);
    app.start_form_export(Form::Ledgers, out.clone());
    wait_for_jobs(&mut app);
    assert!(screen(&app).iter().any(|l| l.contains("覆盖")));
    // Over a question the first Ctrl-C only warns; the second quits.
    app.update(Action::Quit);
    assert!(!app.quit);
    app.update(Action::Quit);
    assert!(app.quit);
    assert_eq!(names_in(&out), first, "quitting at the question removes the hidden folder");
}

#[test]
fn a_read_only_window_reads_the_roster_again_after_the_writer_restores_a_backup() {
    use canbao::domain::student::Enrollment;
    use canbao::store::Change;
    let (_dir, drive) = sample_drive();
    let mut writer = Store::open(&drive).unwrap();
    let backup = writer.backup_now("manual").unwrap().expect("a file drive");
    let mut app = App::new(Store::open_read_only(&drive).unwrap(), &options(Language::Zh)).unwrap();
    app.update(Action::Resize(120, 30));
    let (first, second) = (app.data.rows[0].id, app.data.rows[1].id);
    let here = |id| vec![(id, vec![Change::Enrollment { status: Enrollment::Here, reason: None }])];
    writer.apply_changes("mark", &here(first), Default::default()).unwrap();
    app.update(Action::Tick);
    let row = |app: &App, id: i64| app.data.rows[app.data.index_of(id).unwrap()].enrollment;
    assert_eq!(row(&app, first), Enrollment::Here);

    // The restore takes the mark away, and the next mark reuses the audit row's id the window has seen.
    writer.restore_from(&backup).unwrap();
    writer.apply_changes("mark", &here(second), Default::default()).unwrap();
    app.update(Action::Tick);
    wait_for_reload(&mut app);
    assert_eq!(row(&app, first), Enrollment::Unknown, "the restored drive's status is shown");
    assert_eq!(row(&app, second), Enrollment::Here, "and the mark after the restore");
}

#[test]
fn a_backup_from_before_the_new_year_restored_from_the_tui_is_back_in_its_year() {
    use canbao::tui::modal::Modal;
    let (dir, drive) = sample_drive();
    let store = Store::open(&drive).unwrap();
    let year = store.current_year().expect("a year");
    drop(store);
    let mut app = app_on(&drive, Language::Zh);
    let proposed = |app: &App| match &app.modal {
        Some(Modal::Confirm(c)) => c.question.clone(),
        _ => panic!("no question: {}", screen(app).join("\n")),
    };
    // Past the question a drive without a policy asks first in the collection months (its 是, as `--force`).
    app.ask_new_year_early();
    wait_for_jobs(&mut app);
    assert!(proposed(&app).contains(&(year + 1).to_string()));
    app.update(Action::Yes);
    wait_for_jobs(&mut app);
    assert_eq!(app.store.current_year(), Some(year + 1));
    let title = format!("{}年度", year + 1);
    assert!(screen(&app).iter().any(|l| l.contains(&title)), "{}", screen(&app).join("\n"));
    let before: Vec<PathBuf> =
        backups(dir.path()).into_iter().filter(|p| p.to_string_lossy().ends_with("-year.db")).collect();
    assert_eq!(before.len(), 1, "the drive before the new year is kept");

    app.ask_restore(before[0].clone());
    app.update(Action::Yes);
    wait_for_jobs(&mut app);
    app.update(Action::Back); // the restore's report
    assert_eq!(app.store.current_year(), Some(year), "the app's own connection is back in the restored year");
    assert!(!screen(&app).iter().any(|l| l.contains(&title)), "{}", screen(&app).join("\n"));
    use canbao::domain::student::Enrollment;
    let pupil = app.data.rows.iter().find(|r| r.enrollment != Enrollment::Here).map(|r| r.id).expect("pupils");
    assert_eq!(app.store.set_enrollment(pupil, Enrollment::Here, None).unwrap(), 1);
    let stamped: Option<i32> = app
        .store
        .connection()
        .query_row("SELECT year FROM audit WHERE field = 'enrollment' ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stamped, Some(year), "a mark after the restore belongs to the restored year");
    // Past the question a drive without a policy asks first in the collection months (its 是, as `--force`).
    app.ask_new_year_early();
    wait_for_jobs(&mut app);
    let question = proposed(&app);
    assert!(question.contains(&(year + 1).to_string()) && !question.contains(&(year + 2).to_string()), "{question}");
}

#[test]
fn the_new_year_question_for_a_school_of_many_classes_fits_its_dialog() {
    use canbao::tui::modal::Modal;
    use unicode_width::UnicodeWidthStr;
    let dir = tempfile::tempdir().unwrap();
    let drive = dir.path().join("school.db");
    let mut store = Store::open(&drive).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let rows: Vec<canbao::store::Incoming> = (1..=40)
        .map(|n| {
            let first17 = format!("450202201503{:05}", n * 10 + 1);
            let id = format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()));
            canbao::store::Incoming {
                school: "测试学校".into(),
                school_given: true,
                name: format!("学生{n}"),
                id_raw: id.clone(),
                id: canbao::domain::id_number::check(&id, today),
                grade: if n % 2 == 0 { "六年级".into() } else { "三年级".into() },
                class: format!("{n}班"),
                phone: String::new(),
                ethnicity: String::new(),
                address: String::new(),
                status: Default::default(),
                categories: Vec::new(),
                note: String::new(),
                source: "t.csv:2".into(),
                repeat: None,
                birth_date: None,
                sex: None,
            }
        })
        .collect();
    store.apply_import(&rows, &[], 0, false).unwrap();
    drop(store);
    let mut app = app_on(&drive, Language::Zh);
    // Past the question a drive without a policy asks first in the collection months (its 是, as `--force`).
    app.ask_new_year_early();
    wait_for_jobs(&mut app);
    let Some(Modal::Confirm(c)) = &app.modal else { panic!("no question: {}", screen(&app).join("\n")) };
    let lines: Vec<&str> = c.question.lines().collect();
    // The dialog is 60 columns inside and does not scroll: each line whole, all of them on a 30-row screen; the
    // command that lists the classes left out names the drive, a path that may take a row of its own.
    let (steps, more) = lines.split_at(lines.len() - 1);
    assert!(steps.iter().all(|l| l.width() <= 60), "{}", c.question);
    let rows: usize = lines.iter().map(|l| canbao::tui::layout::wrap(l, 60).len()).sum();
    assert!(rows <= 30 - 8, "{}", c.question);
    let drive = canbao::words::shell_path(&drive);
    assert!(more[0].contains(&format!("canbao --db {drive} year new")), "{}", c.question);
    assert!(c.question.contains("升级 20 人，毕业离校 20 人"), "the counts first: {}", c.question);
    assert!(lines.last().is_some_and(|l| l.contains("另有") && l.contains("--dry-run")), "{}", c.question);
    let text = screen(&app).join("\n");
    assert!(text.contains("另有"), "{text}");
    // The window shrinks with the question open: it is laid out again, fewer classes and the line still there.
    let before = c.question.lines().count();
    app.update(Action::Resize(80, 24));
    let Some(Modal::Confirm(c)) = &app.modal else { panic!("the question stays open") };
    assert!(c.question.lines().count() < before, "{}", c.question);
    assert!(c.question.lines().last().is_some_and(|l| l.contains("另有")), "{}", c.question);
    assert!(screen(&app).join("\n").contains("另有"), "{}", screen(&app).join("\n"));
}

#[test]
fn the_new_year_from_the_tui_makes_its_policy_as_year_new_does() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().unwrap();
    let (with_config, without) = (dir.path().join("a.db"), dir.path().join("b.db"));
    let mut year = 0;
    for drive in [&with_config, &without] {
        let mut store = Store::open(drive).unwrap();
        // A drive of 2024 under 2024's policy (its concentrated period long over): the next year's is made from
        // it, as it is from no other year's.
        for key in ["current_year", "first_year"] {
            store.set_meta(key, "2024").unwrap();
        }
        store.reload_year().unwrap();
        canbao::demo::load_sample(&mut store).unwrap();
        store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").unwrap();
        year = store.current_year().expect("a year");
    }
    let made = format!("yibin-{}", year + 1);
    let config = dir.path().join("config");
    let opts = Options { config_dir: Some(config.clone()), ..options(Language::Zh) };
    let mut app = App::new(Store::open(&with_config).unwrap(), &opts).unwrap();
    app.update(Action::Resize(120, 30));
    app.ask_new_year();
    wait_for_jobs(&mut app);
    let Some(Modal::Confirm(c)) = &app.modal else { panic!("no question") };
    assert!(c.question.contains(&made), "{}", c.question);
    app.update(Action::Yes);
    wait_for_jobs(&mut app);
    assert!(config.join("policies").join(format!("{made}.toml")).is_file(), "written as year new writes it");
    assert_eq!(app.store.year_policy(year + 1).unwrap().as_deref(), Some(made.as_str()));
    assert_eq!(app.store.year_policy(year).unwrap().as_deref(), Some("yibin-2024"), "the old year keeps its own");
    assert_eq!(app.policy.as_ref().map(|p| p.insured_year), Some(year + 1), "payments quote the new year's");

    // The notice names the file written and what to check against the new notice.
    let Some(Modal::Message(m)) = &app.modal else { panic!("no notice: {}", screen(&app).join("\n")) };
    assert!(m.lines.join("\n").contains(&format!("{made}.toml")), "{:?}", m.lines);

    // No config folder to write it to: the year is not started (never on last year's policy), and a dialog says
    // why; the drive is as it was.
    let mut app = app_on(&without, Language::Zh);
    app.ask_new_year();
    wait_for_jobs(&mut app);
    let Some(Modal::Message(m)) = &app.modal else { panic!("not said: {}", screen(&app).join("\n")) };
    let said = m.lines.join("\n");
    assert!(said.contains(&format!("没有 {} 年度的政策", year + 1)) && said.contains(&made), "{said}");
    assert!(said.contains("没有配置文件夹") && said.contains("未开始新年度"), "{said}");
    assert_eq!(app.store.current_year(), Some(year));
    assert_eq!(app.store.meta(canbao::tui::POLICY_META_KEY).unwrap().as_deref(), Some("yibin-2024"));
}

#[test]
fn a_read_only_window_names_the_year_the_writer_started() {
    let (_dir, drive) = sample_drive();
    let mut writer = Store::open(&drive).unwrap();
    let year = writer.current_year().expect("a year");
    let mut app = App::new(Store::open_read_only(&drive).unwrap(), &options(Language::Zh)).unwrap();
    app.update(Action::Resize(120, 30));
    writer.start_year(year + 1, true, None, false).unwrap();
    app.update(Action::Tick);
    wait_for_reload(&mut app);
    assert_eq!(app.store.current_year(), Some(year + 1));
    let title = format!("{}年度", year + 1);
    assert!(screen(&app).iter().any(|l| l.contains(&title)), "{}", screen(&app).join("\n"));
}

#[cfg(unix)]
#[test]
fn a_stage_folder_a_killed_canbao_left_is_removed_at_the_next_export_and_a_recent_one_is_not() {
    use canbao::tui::palette::Form;
    let (dir, drive) = sample_drive();
    let out = dir.path().join("out");
    // A recent stage of a canbao still running (this one), and one a kill -9 left a minute ago: its canbao is gone.
    let recent = out.join(format!(".canbao-{}-2.part", std::process::id()));
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let killed = out.join(format!(".canbao-{}-3.part", child.id()));
    child.wait().unwrap();
    let stale = out.join(".canbao-1-1.part");
    for stage in [&stale, &recent, &killed] {
        std::fs::create_dir_all(stage).unwrap();
        std::fs::write(stage.join("台账.xlsx"), b"pupils").unwrap();
    }
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::open(&stale).unwrap().set_modified(hour_ago).unwrap();
    let mut app = app_on(&drive, Language::Zh);
    app.start_form_export(Form::Ledgers, out.clone());
    wait_for_jobs(&mut app);
    assert!(!stale.exists(), "what a killed canbao left is removed");
    assert!(!killed.exists(), "a young stage whose canbao is gone is removed too");
    assert!(recent.exists(), "a recent stage may be another export's, still running");
    let shown = screen(&app).join("\n");
    assert!(shown.contains("已删除此文件夹中 2 个中断的导出"), "the removal is said: {shown}");
}

/// A row's remark names the file and its sheet apart, 「multi.xlsx [一年级1班]」 as the command line writes it,
/// where before the screen ran them together as 「multi.xlsx[一年级1班]」.
#[test]
fn a_remark_names_the_sheet_apart_from_the_file() {
    let (dir, drive) = sample_drive();
    let list = dir.path().join("multi.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    for (sheet, id) in [("一年级1班", "12345"), ("一年级2班", "450202201901010002")] {
        let ws = book.add_worksheet().set_name(sheet).expect("sheet");
        for (c, text) in ["姓名", "身份证号码", "班级"].iter().enumerate() {
            ws.write_string(0, c as u16, *text).expect("head");
        }
        for (c, text) in ["韦明", id, sheet].iter().enumerate() {
            ws.write_string(1, c as u16, *text).expect("row");
        }
    }
    book.save(&list).expect("save");
    let mut app = app_on(&drive, Language::Zh);
    app.update(Action::Resize(160, 40));
    preview_import(&mut app, &list);
    let shown = screen(&app).join("\n");
    assert!(shown.contains("multi.xlsx [一年级1班]"), "{shown}");
}

/// A remark about a whole sheet (a list with no class column) names the file and sheet, not a 「第 0 行」.
#[test]
fn a_remark_about_the_whole_sheet_names_no_row() {
    let (dir, drive) = sample_drive();
    let list = dir.path().join("没有班级.csv");
    std::fs::write(&list, "姓名,身份证号码\n韦明,450202201901010002\n").expect("list");
    let mut app = app_on(&drive, Language::Zh);
    preview_import(&mut app, &list);
    let shown = screen(&app).join("\n");
    assert!(shown.contains("没有班级.csv：表中没有班级列"), "{shown}");
    assert!(!shown.contains("第 0 行"), "{shown}");
}

/// The folder the next import opens in is where the last list came from, not canbao's backups folder after a
/// backup was restored through the picker.
#[test]
fn restoring_a_backup_leaves_the_import_picker_where_the_lists_are() {
    use canbao::tui::modal::{Modal, PathPurpose};
    let (dir, drive) = sample_drive();
    let lists = dir.path().join("班级名单");
    std::fs::create_dir_all(&lists).unwrap();
    let list = lists.join("一年级.csv");
    std::fs::copy(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv"), &list).unwrap();
    let backup = Store::open(&drive).unwrap().backup_now("manual").unwrap().expect("a file drive");
    let config = dir.path().join("config");
    let opts = Options { config_dir: Some(config), ..options(Language::Zh) };
    let mut app = App::new(Store::open(&drive).expect("store"), &opts).expect("app");
    app.update(Action::Resize(120, 30));
    let pick = |app: &mut App, purpose: PathPurpose, path: &Path| {
        app.open_picker(purpose);
        for c in path.to_str().unwrap().chars() {
            app.update(Action::Input(c));
        }
        app.update(Action::Confirm);
        wait_for_jobs(app);
    };
    pick(&mut app, PathPurpose::Import, &list);
    app.update(Action::Confirm); // the preview: import
    wait_for_jobs(&mut app);
    app.update(Action::Back);
    pick(&mut app, PathPurpose::Restore, &backup);
    app.update(Action::Yes);
    wait_for_jobs(&mut app);
    app.modal = None;
    app.open_picker(PathPurpose::Import);
    match &app.modal {
        Some(Modal::Files(p)) => assert_eq!(p.dir, lists, "the import picker opens where the list came from"),
        _ => panic!("the picker is open"),
    }
}

/// 生成本年度政策 on a drive with no policy for its year: the policy made is the drive's at once (its amounts are
/// quoted), and the dialog says so; made again beside it, the drive keeps the one it has and says how to change.
#[test]
fn a_policy_made_for_a_drive_without_one_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    let drive = dir.path().join("school.db");
    let opts = Options { config_dir: Some(config), ..options(Language::Zh) };
    let mut app = App::new(Store::open(&drive).unwrap(), &opts).unwrap();
    app.update(Action::Resize(120, 30));
    let list = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    app.start_import_files(vec![list]);
    wait_for_jobs(&mut app);
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    app.modal = None;
    assert!(app.policy.is_none(), "an imported drive has no policy");
    let year = app.store.current_year().expect("the drive's year");
    app.open_new_policy(Some("liuzhou-2023".into()));
    app.update(Action::Confirm);
    let shown = screen(&app).join("\n");
    assert!(shown.contains("已选定为本数据文件的政策"), "{shown}");
    let name = format!("liuzhou-{year}");
    assert_eq!(app.policy.as_ref().map(|p| p.name.clone()), Some(name.clone()));
    let reopened = App::new(Store::open_read_only(&drive).unwrap(), &opts).unwrap();
    assert_eq!(reopened.policy.map(|p| p.name), Some(name.clone()), "kept in the drive");

    app.modal = None;
    app.open_new_policy(Some("liuzhou-2023".into()));
    let canbao::tui::modal::Modal::NewPolicy(form) = app.modal.as_mut().expect("form") else { panic!("form") };
    form.name = canbao::tui::input::LineInput::with_text("liuzhou-b");
    app.update(Action::Confirm);
    let shown = screen(&app).join("\n");
    assert!(shown.contains(&format!("本数据文件仍用「{name}」")), "{shown}");
    assert_eq!(app.policy.as_ref().map(|p| p.name.clone()), Some(name));
}

/// The lines of what to check in a policy made for the year are said in the screen's language: in Chinese without
/// their English, in English with the item they are about.
#[test]
fn the_new_policys_lines_to_check_are_in_the_screens_language() {
    for lang in [Language::Zh, Language::En] {
        let dir = tempfile::tempdir().unwrap();
        let opts = Options { config_dir: Some(dir.path().join("config")), ..options(lang) };
        let mut app = App::new(Store::open(&dir.path().join("school.db")).unwrap(), &opts).unwrap();
        app.update(Action::Resize(120, 40));
        app.open_new_policy(Some("liuzhou-2023".into()));
        app.update(Action::Confirm);
        let shown = screen(&app).join("\n");
        let (said, not_said) = match lang {
            Language::Zh => ("- 通知文号 document：请填写本年度通知的文号", "notice number"),
            Language::En => ("- document: fill in this year's notice number", "请填写"),
        };
        assert!(shown.contains(said), "{shown}");
        assert!(!shown.contains(not_said), "{shown}");
    }
}

/// In English, a list's problems read in English: the importer's remarks say both languages, and the screen
/// says the English half.
#[test]
fn an_import_report_in_english_reads_in_english() {
    let (dir, drive) = sample_drive();
    let list = dir.path().join("no-class.csv");
    std::fs::write(&list, "姓名,身份证号码\n韦明,450202201901010002\n韦亮,450202201901020004\n").expect("list");
    let mut app = app_on(&drive, Language::En);
    preview_import(&mut app, &list);
    let shown = screen(&app).join("\n");
    assert!(shown.contains("no-class.csv: no class column"), "{shown}");
    assert!(shown.contains("(rows 2, 3)"), "English list commas: {shown}");
    assert!(!shown.contains("表中没有班级列") && !shown.contains('、'), "{shown}");
}

/// A workbook picked while it is still being copied (its end not written yet) is said on the screen to be so, in
/// the screen's language, and nothing is imported: before, the screen called it damaged and nothing more.
#[test]
fn a_workbook_still_being_copied_is_said_so_on_the_screen() {
    let (dir, drive) = sample_drive();
    let whole = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/multi_sheet.xlsx"))
        .expect("fixture");
    let list = dir.path().join("cut.xlsx");
    std::fs::write(&list, &whole[..whole.len() / 2]).expect("list");
    for (lang, said, unsaid) in
        [(Language::Zh, "可能还在复制中", "已损坏"), (Language::En, "may still be being copied", "damaged")]
    {
        let mut app = app_on(&drive, lang);
        preview_import(&mut app, &list);
        let shown = screen(&app).join("\n");
        assert!(shown.contains(said) && !shown.contains(unsaid), "{shown}");
        drop(app);
        assert_eq!(students_in(&drive), 360, "nothing imported");
    }
}

/// Two drives in one folder share its backups folder: restoring lists this drive's backups only (Tab shows
/// every file, as elsewhere), so another school's backup is not picked by mistake.
#[test]
fn the_restore_picker_lists_this_drives_backups_only() {
    use canbao::tui::modal::{Modal, PathPurpose};
    let (dir, drive) = sample_drive();
    let other = dir.path().join("school-2.db");
    canbao::demo::load_sample(&mut Store::open(&other).unwrap()).unwrap();
    let ours = Store::open(&drive).unwrap().backup_now("manual").unwrap().expect("a file drive");
    let theirs = Store::open(&other).unwrap().backup_now("manual").unwrap().expect("a file drive");
    assert_eq!(ours.parent(), theirs.parent(), "one backups folder");
    let mut app = app_on(&drive, Language::Zh);
    app.open_picker(PathPurpose::Restore);
    let names = |app: &App| match &app.modal {
        Some(Modal::Files(p)) => p.entries.iter().filter(|e| !e.is_dir).map(|e| e.name.clone()).collect::<Vec<_>>(),
        _ => panic!("the picker is open"),
    };
    let own = ours.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(names(&app), [own]);
    app.update(Action::NextField);
    assert!(names(&app).contains(&theirs.file_name().unwrap().to_string_lossy().into_owned()), "Tab: every file");
}

/// The screen keeps the rule of `canbao export --out`: the drive (here through a symlink named like a form),
/// its backups folder and a file of another type are refused with the reason, before any question; an earlier
/// export is asked about.
#[cfg(unix)]
#[test]
fn the_screens_exports_refuse_the_drive_its_backups_and_other_files_as_the_command_line_does() {
    use canbao::tui::modal::Modal;
    use canbao::tui::palette::Form;
    let (dir, drive) = sample_drive();
    let mut app = app_on(&drive, Language::Zh);
    let link = dir.path().join("学生信息表.xlsx");
    std::os::unix::fs::symlink(&drive, &link).unwrap();
    let notes = dir.path().join("notes.xlsx");
    std::fs::write(&notes, "家长电话，别删").unwrap();
    let before = std::fs::read(&drive).unwrap();
    for (target, why) in [(&link, "正在导出的数据文件"), (&notes, "导出只覆盖同类型的文件")] {
        app.start_export(target.clone());
        wait_for_jobs(&mut app);
        let shown = screen(&app).join("\n");
        assert!(!matches!(app.modal, Some(Modal::Confirm(_))), "refused, not asked: {shown}");
        assert!(shown.contains(why), "{why}: {shown}");
        app.update(Action::Back);
    }
    assert_eq!(std::fs::read(&drive).unwrap(), before, "the drive as it was");
    assert_eq!(std::fs::read_link(&link).unwrap(), drive, "the link as it was");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "家长电话，别删");

    let backups = dir.path().join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    let held = names_in(&backups);
    app.start_form_export(Form::Summary, backups.clone());
    wait_for_jobs(&mut app);
    assert!(screen(&app).join("\n").contains("备份文件夹"), "{}", screen(&app).join("\n"));
    assert_eq!(names_in(&backups), held, "nothing written among the backups, hidden or not");
    app.update(Action::Back);

    let sheet = dir.path().join("表.xlsx");
    app.start_export(sheet.clone());
    wait_for_jobs(&mut app);
    assert!(sheet.exists());
    app.update(Action::Back);
    app.start_export(sheet.clone());
    assert!(matches!(app.modal, Some(Modal::Confirm(_))), "an earlier export is asked about");
}

/// The drive's `.db` copied alone, without its `-wal`, into a folder of its own (as an operator copies it to a
/// stick for a second laptop), opened there: the pupil's payment status in that copy.
fn payment_in_copy_of_db_alone(drive: &Path, pupil: i64) -> canbao::domain::student::PaymentStatus {
    let elsewhere = tempfile::tempdir().unwrap();
    let copy = elsewhere.path().join("copy.db");
    std::fs::copy(drive, &copy).unwrap();
    Store::open(&copy).unwrap().student(pupil).unwrap().payment
}

/// What the operator does, for the real event loop: keys, pauses (no key before the wait ends), and looks at
/// the files between them.
enum Step {
    Key(crossterm::event::KeyCode),
    Pause,
    Look(Box<dyn FnMut()>),
}

struct Steps(std::collections::VecDeque<Step>);

impl canbao::tui::runner::EventSource for Steps {
    fn next(&mut self, _timeout: Duration) -> std::io::Result<Option<crossterm::event::Event>> {
        use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
        loop {
            return Ok(match self.0.pop_front() {
                Some(Step::Look(mut look)) => {
                    look();
                    continue;
                }
                Some(Step::Key(code)) => Some(Event::Key(KeyEvent::new(code, KeyModifiers::NONE))),
                Some(Step::Pause) => None,
                None => Some(Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))),
            });
        }
    }
}

/// `p`, a look at the form (typed straight on, the keys would be a command typed into the wrong window, and the
/// form would close unsaved), 380 yuan, Enter: the pupil under the cursor paid.
fn pay_keys() -> Vec<Step> {
    use crossterm::event::KeyCode;
    [Step::Key(KeyCode::Char('p')), Step::Pause]
        .into_iter()
        .chain("380".chars().map(|c| Step::Key(KeyCode::Char(c))))
        .chain([Step::Key(KeyCode::Enter)])
        .collect()
}

/// A mark made while the screen is still open is in the drive file itself once the keys pause, not only in
/// its `-wal`: the `.db` copied alone to hand to a second laptop holds it. A read-only window in the middle of
/// a read holds the next save back in the log; the first pause after it has read copies that one in too.
#[test]
fn the_drive_file_alone_holds_the_marks_while_the_screen_is_open() {
    use canbao::domain::student::PaymentStatus::{Paid, Unpaid};
    use std::cell::RefCell;
    use std::rc::Rc;
    let (_dir, drive) = sample_drive();
    let mut app = app_on(&drive, Language::Zh);
    let first = app.selected_id().unwrap();
    app.update(Action::Down);
    let second = app.selected_id().unwrap();
    app.update(Action::Up);
    let reader: Rc<RefCell<Option<Store>>> = Rc::default();
    let in_copy = |pupil: i64, expected, why: &'static str| {
        let drive = drive.clone();
        Step::Look(Box::new(move || assert_eq!(payment_in_copy_of_db_alone(&drive, pupil), expected, "{why}")))
    };

    let mut steps = pay_keys();
    steps.push(Step::Pause);
    steps.push(in_copy(first, Paid, "the .db alone has the mark"));
    let (wal, r) = (drive.with_file_name("school.db-wal"), Rc::clone(&reader));
    steps.push(Step::Look(Box::new(move || {
        assert!(std::fs::metadata(&wal).unwrap().len() > 0, "the screen writes through the log");
        // A read-only window starts reading.
        let store = Store::open_read_only(&wal.with_file_name("school.db")).unwrap();
        store.connection().execute_batch("BEGIN").unwrap();
        let _: i64 = store.connection().query_row("SELECT count(*) FROM students", [], |r| r.get(0)).unwrap();
        *r.borrow_mut() = Some(store);
    })));
    steps.push(Step::Key(crossterm::event::KeyCode::Down));
    steps.extend(pay_keys());
    steps.push(Step::Pause);
    steps.push(in_copy(second, Unpaid, "the reader's snapshot holds the save in the log"));
    let r = Rc::clone(&reader);
    steps.push(Step::Look(Box::new(move || {
        let store = r.borrow_mut().take().unwrap();
        store.connection().execute_batch("COMMIT").unwrap();
    })));
    steps.push(Step::Pause);
    steps.push(in_copy(second, Paid, "the next pause copied it in"));

    let mut terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
    canbao::tui::runner::run_loop(&mut terminal, &mut app, &mut Steps(steps.into())).unwrap();
    assert!(app.quit, "every step was taken");
    assert_eq!(app.store.student(second).unwrap().payment, Paid, "the second mark was saved");
    assert!(!app.log_pending());
    assert_eq!(payment_in_copy_of_db_alone(&drive, first), Paid);
}

/// Another laptop's drive of the same file name, its backups copied into this drive's backups folder: named
/// as this drive's backups, but holding another drive's history, so the restore picker does not list them.
#[test]
fn the_restore_picker_leaves_out_another_drives_backup_under_this_drives_name() {
    use canbao::tui::modal::{Modal, PathPurpose};
    let (dir, drive) = sample_drive();
    let laptop = dir.path().join("laptop").join("school.db");
    canbao::demo::load_sample(&mut Store::open(&laptop).unwrap()).unwrap();
    let ours = Store::open(&drive).unwrap().backup_now("manual").unwrap().expect("a file drive");
    let theirs = Store::open(&laptop).unwrap().backup_now("daily").unwrap().expect("a file drive");
    let copied = dir.path().join("backups").join(theirs.file_name().unwrap());
    std::fs::copy(&theirs, &copied).unwrap();
    let mut app = app_on(&drive, Language::Zh);
    app.open_picker(PathPurpose::Restore);
    let names = |app: &App| match &app.modal {
        Some(Modal::Files(p)) => p.entries.iter().filter(|e| !e.is_dir).map(|e| e.name.clone()).collect::<Vec<_>>(),
        _ => panic!("the picker is open"),
    };
    assert_eq!(names(&app), [ours.file_name().unwrap().to_string_lossy().into_owned()]);
}

/// A backup opened as a drive says so, in the title bar and when it opens: what is changed there stays there.
#[test]
fn a_backup_opened_as_a_drive_says_it_is_a_backup() {
    let (dir, drive) = sample_drive();
    let backup = Store::open(&drive).unwrap().backup_now("manual").unwrap().expect("a file drive");
    for (lang, mark, said) in
        [(Language::Zh, "备份副本", "不会进入原数据文件"), (Language::En, "backup copy", "not in the original drive")]
    {
        let app = app_on(&backup, lang);
        let shown = screen(&app).join("\n");
        assert!(shown.contains(mark) && shown.contains(said), "{shown}");
        let app = app_on(&drive, lang);
        let shown = screen(&app).join("\n");
        assert!(!shown.contains(mark), "{shown}");
    }
    drop(dir);
}

#[test]
fn a_read_only_window_open_on_a_pupil_does_not_show_the_namesake_a_restored_file_holds_in_their_place() {
    use canbao::domain::id_number::check_char;
    let (dir, drive) = sample_drive();
    let mut writer = Store::open(&drive).unwrap();
    let mut app = App::new(Store::open_read_only(&drive).unwrap(), &options(Language::Zh)).unwrap();
    app.update(Action::Resize(120, 30));
    app.update(Action::OpenDetail);
    let open = app.detail.as_ref().expect("the first pupil's detail").student.clone();
    let before = screen(&app).join("\n");
    assert!(before.contains(&open.name), "{before}");

    // Another file, in which the same row is a child of the same name with another ID number.
    let other = dir.path().join("other.db");
    writer.backup_to(&other).unwrap();
    let first17 = "45020220150101999";
    let namesake = format!("{first17}{}", check_char(first17.as_bytes()));
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute("UPDATE students SET id_number = ?1, id_raw = ?1 WHERE id = ?2", rusqlite::params![namesake, open.id])
        .unwrap();
    drop(conn);
    writer.restore_from(&other).unwrap();
    app.update(Action::Tick);
    wait_for_reload(&mut app);

    let shown = app.detail.as_ref().map(|d| d.student.id_number.clone());
    assert_ne!(shown.as_deref(), Some(namesake.as_str()), "another child under the open pupil's name");
    assert!(app.detail.is_none(), "the detail closes: the pupil is not in the drive any more");
    let after = screen(&app).join("\n");
    assert!(after.contains("刚才打开的学生不在现在的数据文件中"), "{after}");
}

/// A phone corrected with `E` as a parent's IME typed it (full-width digits, spaces) is stored as the importer
/// stores it: the information sheet canbao exports then reads back as no change.
#[test]
fn a_phone_corrected_on_screen_reads_back_from_the_exported_sheet_as_no_change() {
    use canbao::io::export::FileFormat;
    use canbao::io::sheet::ExportOptions;
    let (dir, drive) = sample_drive();
    let mut app = app_on(&drive, Language::Zh);
    app.update(Action::OpenDetail);
    app.update(Action::EditIdentity);
    let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
    form.fields[3].set("１３９ 1234 5678");
    app.update(Action::Confirm);
    assert!(app.modal.is_none(), "saved: {:?}", app.status);
    drop(app);
    let mut store = Store::open(&drive).unwrap();
    let out = dir.path().join("sheet.csv");
    let options =
        ExportOptions { format: FileFormat::Csv, school: None, class: None, mask: false, date: store.today() };
    canbao::io::sheet::export_sheet(&store, None, &out, &options).unwrap();
    let mut request = canbao::io::class_list::ImportRequest::new(&store, vec![out], None).unwrap();
    let report = request.preview(&mut store).unwrap();
    assert_eq!((report.added, report.updated), (0, 0), "{report:?}");
}

/// Undo covers the changes made since canbao was opened. After a restart nothing is left to undo, and `u` says
/// so in those words, on the roster and on the pupil's detail screen (which must not send the operator to the
/// roster's `u`, which has nothing either).
#[test]
fn undo_after_a_restart_says_it_covers_only_this_sessions_changes() {
    let (_dir, drive) = sample_drive();
    let mut app = app_on(&drive, Language::Zh);
    app.update(Action::EditNote);
    for c in "下周补交".chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    drop(app);
    for lang in [Language::Zh, Language::En] {
        let mut app = app_on(&drive, lang);
        let status = |app: &App| app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
        app.update(Action::Undo);
        let (session, roster_u) = match lang {
            Language::Zh => ("本次打开 canbao 以来", "在名单上按"),
            Language::En => ("since canbao was opened", "on the list"),
        };
        assert!(status(&app).contains(session), "{}", status(&app));
        app.update(Action::OpenDetail);
        app.update(Action::Undo);
        assert!(status(&app).contains(session) && !status(&app).contains(roster_u), "{}", status(&app));
        assert!(screen(&app).join("\n").contains(&status(&app)), "said whole on screen: {}", status(&app));
    }
}

/// Backspace on an empty path field does nothing: a field cleared in a hurry (Ctrl-U, then Backspace "to be
/// sure", or held down) keeps its folder. ← on the empty field goes up a folder, and the picker says so; in a
/// typed path ← moves the caret as ever.
#[test]
fn backspace_on_an_empty_path_keeps_the_folder() {
    use canbao::tui::modal::{Modal, PathPurpose};
    let (dir, drive) = sample_drive();
    let lists = dir.path().join("班级名单");
    std::fs::create_dir_all(&lists).unwrap();
    let config = dir.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("last-folder"), lists.display().to_string()).unwrap();
    for lang in [Language::Zh, Language::En] {
        let opts = Options { config_dir: Some(config.clone()), ..options(lang) };
        let mut app = App::new(Store::open(&drive).expect("store"), &opts).expect("app");
        app.update(Action::Resize(120, 30));
        app.open_picker(PathPurpose::Import);
        let folder = |app: &App| match &app.modal {
            Some(Modal::Files(p)) => p.dir.clone(),
            _ => panic!("the picker closed"),
        };
        assert_eq!(folder(&app), lists);
        for c in "一年级.csv".chars() {
            app.update(Action::Input(c));
        }
        app.update(Action::ClearLine);
        for _ in 0..5 {
            app.update(Action::Backspace);
        }
        assert_eq!(folder(&app), lists, "Backspace on an empty field stays in the folder");
        let up = match lang {
            Language::Zh => "Left 上一级",
            Language::En => "Left parent folder",
        };
        assert!(screen(&app).iter().any(|l| l.contains(up)), "{}", screen(&app).join("\n"));
        app.update(Action::Input('x'));
        app.update(Action::Left);
        assert_eq!(folder(&app), lists, "← in a typed path moves the caret");
        app.update(Action::ClearLine);
        app.update(Action::Left);
        assert_eq!(folder(&app), dir.path(), "← on the empty field goes up");
    }
}

/// The way back an import from the TUI offers, typed in a terminal where another drive is the default, must
/// reach the drive open here: it names it, quoted where its folder's name has a space.
#[test]
fn the_way_back_from_a_tui_import_that_added_a_school_names_the_drive_open() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("my drives");
    std::fs::create_dir(&folder).unwrap();
    let drive = folder.join("school.db");
    canbao::demo::load_sample(&mut Store::open(&drive).unwrap()).unwrap();
    let list = dir.path().join("河东.csv");
    std::fs::write(&list, "学校,姓名,身份证号码,班级\n河东小学,韦明,450202201901010002,三年级1班\n").expect("list");
    let mut app = app_on(&drive, Language::Zh);
    preview_import(&mut app, &list);
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    let Some(Modal::Message(m)) = &app.modal else { panic!("no report: {}", screen(&app).join("\n")) };
    let said = m.lines.join("\n");
    let named = format!("canbao --db '{}' ", drive.display());
    assert!(said.contains(&format!("{named}restore '{}", folder.join("backups").display())), "{said}");
    assert!(said.contains(&format!("{named}school rename 河东小学 柳州市示范小学 --merge")), "{said}");
}

/// An import from the TUI of a list naming the drive's school by its name before a rename puts the list's pupils
/// in that school under its name now, and says so, as the command line does.
#[test]
fn a_tui_import_naming_a_renamed_school_by_its_old_name_is_that_school() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().unwrap();
    let drive = dir.path().join("school.db");
    let mut store = Store::open(&drive).unwrap();
    canbao::demo::load_sample(&mut store).unwrap();
    store.rename_school("柳州市示范小学", "柳州市实验小学").unwrap();
    drop(store);
    let list = dir.path().join("usual.csv");
    std::fs::write(&list, "学校,姓名,身份证号码,班级\n柳州市示范小学,韦明,450202201901010002,三年级1班\n")
        .expect("list");
    let mut app = app_on(&drive, Language::Zh);
    preview_import(&mut app, &list);
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    let Some(Modal::Message(m)) = &app.modal else { panic!("no report: {}", screen(&app).join("\n")) };
    let said = m.lines.join("\n");
    assert!(said.contains("名单中的学校“柳州市示范小学”已改名为“柳州市实验小学”，按改名后的学校导入"), "{said}");
    assert!(!said.contains("新学校"), "{said}");
    assert_eq!(Store::open(&drive).unwrap().schools().unwrap(), ["柳州市实验小学"]);
}

/// A drive an older canbao left (schema 7, 单 read only as shan in its search keys) opens on the screen at once:
/// its keys are written again by today's readings on the worker, not on the screen's thread before the first
/// frame, which says search is being prepared and takes no key meanwhile. Once done, search finds the pupils
/// by the reading added (dan), as on a new drive.
#[test]
fn an_older_drives_search_keys_are_written_again_after_the_first_frame() {
    let (_dir, drive) = sample_drive();
    let found = |store: &Store, typed: &str| {
        let (_, hits) = store.search(&canbao::domain::search::Query::parse(typed), 5).expect("search");
        hits.into_iter().map(|s| s.name).collect::<Vec<_>>()
    };
    assert_eq!(found(&Store::open(&drive).unwrap(), "danyushi"), ["单语诗"]);
    {
        let conn = rusqlite::Connection::open(&drive).unwrap();
        conn.execute("UPDATE search_blocks SET keys = replace(keys, 'dan', 'shan')", []).unwrap();
        conn.execute_batch("DELETE FROM meta WHERE key = 'merge_copies_from'; PRAGMA user_version = 7;").unwrap();
    }
    let mut store = Store::open_keyed_for_screen(&drive, None).expect("open");
    assert!(store.search_keys_outdated().unwrap(), "brought forward, the keys left for the worker");
    assert!(found(&store, "danyushi").is_empty(), "the older keys, as the open left them");
    let written = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let seen = std::sync::Arc::clone(&written);
    store
        .watch_statements(move |sql, _| {
            if sql.contains("INSERT INTO search_blocks") {
                seen.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        })
        .unwrap();
    let mut app = App::new(store, &options(Language::Zh)).expect("app");
    app.update(Action::Resize(120, 30));
    let first = screen(&app).join("\n");
    assert!(first.contains("重建搜索索引"), "{first}");
    assert!(first.contains("单语诗") || first.contains("柳州市示范小学"), "the roster shows meanwhile\n{first}");
    assert_eq!(app.jobs.running().map(|(kind, _)| kind), Some(canbao::tui::jobs::JobKind::PreparingSearch));
    // A search started meanwhile is not taken: the keys wait for the job, as for any.
    app.update(Action::Search);
    assert!(!app.roster.is_searching());
    let said = screen(&app).join("\n");
    assert!(said.contains("正在准备搜索，请稍候：完成之前按键不起作用"), "the key is said to wait\n{said}");
    wait_for_jobs(&mut app);
    assert!(!written.load(std::sync::atomic::Ordering::Relaxed), "the screen's own thread wrote no key");
    assert!(screen(&app).join("\n").contains("搜索已准备好"), "{}", screen(&app).join("\n"));
    assert!(!app.store.search_keys_outdated().unwrap());
    app.update(Action::Search);
    for c in "danyushi".chars() {
        app.update(Action::Input(c));
    }
    let shown: Vec<&str> = app.roster.shown().iter().map(|&row| app.data.name(row as usize)).collect();
    assert_eq!(shown, ["单语诗"]);
    assert_eq!(found(&app.store, "danyushi"), ["单语诗"]);
    drop(app);
    // Opened again, there is nothing left to write.
    let again = App::new(Store::open_keyed_for_screen(&drive, None).unwrap(), &options(Language::Zh)).unwrap();
    assert!(again.jobs.running().is_none());
}

/// Stopped, the rewrite of an older drive's search keys leaves them as they were: search goes by the older
/// readings, the status line says so, and the next open writes them.
#[test]
fn a_stopped_rewrite_of_the_search_keys_leaves_the_older_readings_until_the_next_open() {
    use canbao::tui::jobs::{JobKind, JobOutcome, Work, execute};
    let (_dir, drive) = sample_drive();
    {
        let conn = rusqlite::Connection::open(&drive).unwrap();
        conn.execute("UPDATE search_blocks SET keys = replace(keys, 'dan', 'shan')", []).unwrap();
        conn.execute_batch("DELETE FROM meta WHERE key = 'merge_copies_from'; PRAGMA user_version = 7;").unwrap();
    }
    let mut store = Store::open_keyed_for_screen(&drive, None).unwrap();
    store.stop_when(std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true))).unwrap();
    let outcome = execute(Work::PrepareSearch, &mut store);
    assert!(matches!(outcome, JobOutcome::Failed(_)), "{outcome:?}");
    drop(store);
    let mut app = App::new(Store::open_keyed_for_screen(&drive, None).unwrap(), &options(Language::Zh)).unwrap();
    app.update(Action::Resize(120, 30));
    assert_eq!(app.jobs.running().map(|(kind, _)| kind), Some(JobKind::PreparingSearch), "still to be done");
    app.update(Action::Back);
    assert!(screen(&app).join("\n").contains("停止正在准备搜索"), "Esc asks whether to stop it");
    app.update(Action::Back);
    wait_for_jobs(&mut app);
    // As the worker reports a stop (a county's drive, stopped half-way): nothing was written, and said so.
    app.job_done(JobOutcome::Stopped(JobKind::PreparingSearch));
    let said = screen(&app).join("\n");
    assert!(said.contains("下次打开数据文件之前，搜索仍按旧版本的拼音读音"), "{said}");
}

/// Types `path` into the import picker and presses Enter: the refusal the picker then shows, if any.
fn picked_as_list(app: &mut App, path: &Path) -> Option<String> {
    use canbao::tui::modal::Modal;
    app.update(Action::Import);
    for c in path.to_str().unwrap().chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    match &app.modal {
        Some(Modal::Files(p)) => p.error.clone(),
        _ => None,
    }
}

/// A path typed with a leading `~` into the export prompt or the import picker is under the home folder, as the
/// shell reads it for the command line, not in a folder called `~` where canbao runs.
#[test]
fn a_path_typed_from_the_home_folder_goes_there() {
    use canbao::tui::modal::Modal;
    let (dir, drive) = sample_drive();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let mut app = app_on(&drive, Language::Zh);
    app.home = Some(home.clone());

    app.update(Action::Export);
    app.update(Action::ClearLine);
    for c in "~/桌面/名单.xlsx".chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    assert!(home.join("桌面").join("名单.xlsx").is_file(), "{}", screen(&app).join("\n"));

    let list = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    std::fs::copy(list, home.join("good.csv")).unwrap();
    let mut app = app_on(&drive, Language::Zh);
    app.home = Some(home.clone());
    assert_eq!(picked_as_list(&mut app, Path::new("~/good.csv")), None, "{}", screen(&app).join("\n"));
    wait_for_jobs(&mut app);
    assert!(matches!(app.modal, Some(Modal::ImportPreview { .. })), "{}", screen(&app).join("\n"));
}

/// A drive picked in the import dialog as a class list (the other laptop's, this one, an encrypted one) is
/// named for what it is with the screen's own way to take it in, said whole on the screen, in either language.
#[test]
fn a_drive_picked_as_a_class_list_is_named_with_the_palettes_merge() {
    let (dir, drive) = sample_drive();
    let laptop = dir.path().join("另一台电脑");
    std::fs::create_dir(&laptop).unwrap();
    let other = laptop.join("school.db");
    canbao::demo::load_sample(&mut Store::open(&other).unwrap()).unwrap();
    let before = students_in(&drive);

    let mut app = app_on(&drive, Language::Zh);
    let refusal = picked_as_list(&mut app, &other).expect("refused");
    assert!(refusal.starts_with("这是 canbao 数据文件，不是班级名单："), "{refusal}");
    assert!(refusal.contains("请在命令面板（:）中选「合并另一台电脑的数据文件」"), "{refusal}");
    assert!(refusal.contains("「从备份恢复」") && refusal.ends_with(&other.display().to_string()), "{refusal}");
    // Said whole, the file's name with it, not cut at the dialog's edge.
    let shown: String = screen(&app).iter().map(|row| row.replace([' ', '│'], "")).collect();
    assert!(shown.contains("合并另一台电脑的数据文件") && shown.contains("school.db"), "{shown}");
    app.update(Action::Back);

    let mut app = app_on(&drive, Language::En);
    let refusal = picked_as_list(&mut app, &other).expect("refused");
    assert!(refusal.starts_with("A canbao drive, not a class list: "), "{refusal}");
    assert!(refusal.contains("\"Merge another laptop's drive file\" in the command palette (:)"), "{refusal}");
    let shown = screen(&app).join("\n");
    assert!(shown.contains("in the command palette (:)") && shown.contains("另一台电脑/school.db"), "{shown}");
    app.update(Action::Back);

    // The drive open here: nothing to merge.
    let mut app = app_on(&drive, Language::Zh);
    let refusal = picked_as_list(&mut app, &drive).expect("refused");
    assert!(refusal.starts_with("这是正在使用的数据文件本身，不是班级名单"), "{refusal}");
    app.update(Action::Back);

    // An encrypted drive reads as noise.
    let mut x = 0x2545_F491u32;
    let noise: Vec<u8> = (0..16 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect();
    let encrypted = laptop.join("加密.db");
    std::fs::write(&encrypted, noise).unwrap();
    let refusal = picked_as_list(&mut app, &encrypted).expect("refused");
    assert!(refusal.starts_with("这像是加密的 canbao 数据文件（也可能已损坏），不是班级名单"), "{refusal}");
    assert_eq!(refusal.contains("--features encryption"), !cfg!(feature = "encryption"), "{refusal}");
    assert_eq!(students_in(&drive), before, "nothing imported");
}

/// The drive open here, a copy of it or one of its backups picked in the reconcile dialog as an agency's list is
/// named for what it is, with the list to pick instead and, for a backup, the palette's way back to it, in either
/// language; never as another laptop's drive to merge, which another school's drive still is.
#[test]
fn the_drive_or_its_backup_picked_to_reconcile_is_named_as_this_drive() {
    use canbao::io::reconcile::Source;
    use canbao::tui::modal::{Modal, PathPurpose};
    let (dir, drive) = sample_drive();
    let backup = Store::open(&drive).unwrap().backup_now("manual").unwrap().expect("a file drive");
    let copy = dir.path().join("拷贝.db");
    std::fs::copy(&drive, &copy).unwrap();
    let other = dir.path().join("other.db");
    let list = dir.path().join("other.csv");
    std::fs::write(&list, "姓名,身份证号码,班级\n甲,450202201501011217,1班\n").unwrap();
    canbao::io::class_list::import(&mut Store::open(&other).unwrap(), &[list.as_path()], Some("第九小学"), false)
        .unwrap();
    let refused = |lang: Language, path: &Path| {
        let mut app = app_on(&drive, lang);
        app.open_picker(PathPurpose::Reconcile(Source::Tax));
        for c in path.to_str().unwrap().chars() {
            app.update(Action::Input(c));
        }
        app.update(Action::Confirm);
        let refusal = match &app.modal {
            Some(Modal::Files(p)) => p.error.clone().expect("refused"),
            _ => panic!("the picker stays open"),
        };
        assert!(app.jobs.running().is_none(), "nothing reconciled");
        // Said on the screen in the screen's language, the file's name with it.
        let shown: String = screen(&app).iter().map(|row| row.replace([' ', '│'], "")).collect();
        let name = path.file_name().unwrap().to_string_lossy().replace(' ', "");
        assert!(shown.contains(&name), "{shown}");
        refusal
    };
    let said = refused(Language::Zh, &drive);
    assert!(said.starts_with("这是正在使用的数据文件本身，不是名单，未核对：核对要用税务"), "{said}");
    let said = refused(Language::En, &drive);
    assert!(said.starts_with("The drive open now, not a list: nothing reconciled"), "{said}");
    for file in [&backup, &copy] {
        let said = refused(Language::Zh, file);
        assert!(said.starts_with("这是本数据文件的副本或备份，不是名单，未核对"), "{said}");
        assert!(said.contains("命令面板（:）中选「从备份恢复」") && !said.contains("合并"), "{said}");
        let said = refused(Language::En, file);
        assert!(said.starts_with("A copy or backup of this drive, not a list") && said.contains("Restore"), "{said}");
    }
    let said = refused(Language::Zh, &other);
    assert!(said.contains("合并") && !said.contains("副本"), "another school's drive is merged: {said}");
}

/// An export refused over a file it would replace says why in the screen's language only: in Chinese the Chinese
/// half, with neither the reason's English nor the refusal's, which it said after it, the English twice.
#[test]
fn an_export_refusal_is_said_in_chinese_only_on_a_chinese_screen() {
    let (dir, drive) = sample_drive();
    let list = dir.path().join("two_schools.csv");
    std::fs::copy(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv"), &list).unwrap();
    let mut app = app_on(&drive, Language::Zh);
    app.start_export(list.clone());
    wait_for_jobs(&mut app);
    let shown = said(&app);
    assert!(shown.contains("不覆盖 two_schools.csv") || shown.contains("不是 canbao 导出的表格"), "{shown}");
    assert!(!shown.contains("not replaced") && !shown.contains("not a table canbao exported"), "no English: {shown}");
    let mut app = app_on(&drive, Language::En);
    app.start_export(list.clone());
    wait_for_jobs(&mut app);
    let shown = said(&app);
    assert!(shown.contains("not replaced") && !shown.contains("不覆盖"), "{shown}");
}

/// What the status line and a message dialog say, each line whole, and the screen's rows.
fn said(app: &App) -> String {
    let mut said: Vec<String> = app.status.iter().map(|s| s.text.clone()).collect();
    if let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal {
        said.extend(m.lines.iter().cloned());
    }
    said.extend(screen(app));
    said.join("\n")
}

/// Last year's 在校学生信息表, picked in the import dialog once the drive has moved on, is refused in the preview
/// with the message `canbao import` gives, naming both years, and nothing is imported: Enter on it applies
/// nothing. Read as this year's list it moved every pupil back into last year's class.
#[test]
fn last_years_sheet_picked_for_import_is_refused_in_the_preview() {
    use canbao::io::export::FileFormat;
    use canbao::io::sheet::{ExportOptions, export_sheet};
    use canbao::tui::modal::Modal;
    let (dir, drive) = sample_drive();
    let mut store = Store::open(&drive).unwrap();
    let year = store.current_year().expect("a year");
    let opts = ExportOptions { format: FileFormat::Xlsx, school: None, class: None, mask: false, date: store.today() };
    let sheet = dir.path().join("last.xlsx");
    export_sheet(&store, None, &sheet, &opts).unwrap();
    store.start_year(year + 1, true, None, false).unwrap();
    let classes = |store: &Store| -> Vec<String> {
        let pupils = store.students(&canbao::store::StudentFilter::default()).unwrap();
        pupils.into_iter().map(|s| format!("{}{}", s.grade, s.class)).collect()
    };
    let before = classes(&store);
    drop(store);

    let mut app = app_on(&drive, Language::Zh);
    preview_import(&mut app, &sheet);
    let Some(Modal::Message(message)) = &app.modal else { panic!("{}", screen(&app).join("\n")) };
    assert!(message.error, "{:?}", message.lines);
    let said = message.lines.join("\n");
    let next = year + 1;
    for words in [
        format!("这是 canbao 导出的 {year} 年度的在校学生信息表（去年的表格），而数据文件现在是 {next} 年度"),
        "所以未导入任何内容".to_owned(),
    ] {
        assert!(said.contains(&words), "{words}: {said}");
    }
    assert!(!said.contains("last year's"), "the Chinese screen says it in Chinese: {said}");
    let shown = screen(&app).join("\n");
    assert!(shown.contains("出错了") && shown.contains("（去年的表格）"), "on screen: {shown}");
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    assert_eq!(classes(&Store::open_read_only(&drive).unwrap()), before, "nothing imported");
}

/// A teacher's class list from last school year, picked in the import dialog once the drive's year turned with
/// `--promote`, is refused in the preview with the message `canbao import` gives, in Chinese on a Chinese screen,
/// and Enter imports nothing: read as this year's list it moved every pupil of the class back down a grade.
#[test]
fn a_teachers_list_of_last_school_year_is_refused_in_the_preview() {
    use canbao::tui::modal::Modal;
    let (dir, drive) = sample_drive();
    let mut store = Store::open(&drive).unwrap();
    let year = store.current_year().expect("a year");
    let pupils = store.students(&canbao::store::StudentFilter::default()).unwrap();
    let first = pupils[0].class_label();
    let class: Vec<_> = pupils.iter().filter(|p| p.class_label() == first).collect();
    assert!(class.len() >= 3, "{first}: {}", class.len());
    let mut text = String::from("姓名,身份证号码,班级\n");
    for p in &class {
        text.push_str(&format!("{},{},{}\n", p.name, p.id_number, p.class_label()));
    }
    let list = dir.path().join("老师的名单.csv");
    std::fs::write(&list, text).unwrap();
    store.start_year(year + 1, true, None, false).unwrap();
    let classes = |store: &Store| -> Vec<String> {
        let pupils = store.students(&canbao::store::StudentFilter::default()).unwrap();
        pupils.into_iter().map(|s| s.class_label()).collect()
    };
    let before = classes(&store);
    drop(store);

    let mut app = app_on(&drive, Language::Zh);
    preview_import(&mut app, &list);
    let Some(Modal::Confirm(asked)) = &app.modal else { panic!("{}", screen(&app).join("\n")) };
    assert!(!asked.yes, "No is the default");
    let said = &asked.question;
    for words in ["老师的名单.csv", "会降一个年级", "像是上一学年的班级名单", "未导入任何内容", "调低一个年级吗"]
    {
        assert!(said.contains(words), "{words}: {said}");
    }
    assert!(!said.contains("last school year's"), "the Chinese screen says it in Chinese: {said}");
    assert!(!said.contains("命令行") && !said.contains("--move-down-a-grade"), "{said}");
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    assert_eq!(classes(&Store::open_read_only(&drive).unwrap()), before, "nothing imported");
}

/// `..` typed in the import picker goes up to the folder above and shows it by its own name, at 80×24 as at
/// 120×40, where it showed `…/名单/..` (and the `..` entry then led back down into 名单); a folder remembered
/// that way opens as the folder it names.
#[test]
fn the_import_picker_shows_the_folder_it_went_up_to() {
    use canbao::tui::modal::{Modal, PathPurpose};
    let (dir, drive) = sample_drive();
    let top = dir.path().canonicalize().unwrap();
    let lists = top.join("名单");
    std::fs::create_dir_all(lists.join("一年级")).unwrap();
    for (width, height) in [(80, 24), (120, 40)] {
        let mut app = app_on(&drive, Language::Zh);
        app.update(Action::Resize(width, height));
        app.open_picker(PathPurpose::Import);
        for typed in [lists.join("一年级").to_str().unwrap(), "..", "../."] {
            for c in typed.chars() {
                app.update(Action::Input(c));
            }
            app.update(Action::Confirm);
        }
        let Some(Modal::Files(p)) = &app.modal else { panic!("the picker is open") };
        assert_eq!(p.dir, top, "{:?}", p.dir);
        let shown = screen(&app).join("\n");
        assert!(!shown.contains("/.."), "{width}×{height}:\n{shown}");
        // The `..` entry goes up from the folder shown.
        assert_eq!(p.entries.first().map(|e| e.name.as_str()), Some(".."));
        app.update(Action::Confirm);
        let Some(Modal::Files(p)) = &app.modal else { panic!("the picker is open") };
        assert_eq!(p.dir, top.parent().unwrap());
    }
    // Remembered as `…/名单/..` by an older canbao: opened as the folder it names.
    let config = dir.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("last-folder"), lists.join("..").to_str().unwrap()).unwrap();
    let opts = Options { config_dir: Some(config), ..options(Language::Zh) };
    let mut app = App::new(Store::open(&drive).expect("store"), &opts).expect("app");
    app.update(Action::Resize(80, 24));
    app.open_picker(PathPurpose::Import);
    let Some(Modal::Files(p)) = &app.modal else { panic!("the picker is open") };
    assert_eq!(p.dir, top);
}

/// The forms the screen writes with whole ID numbers are in the drive's history, as `canbao export` records
/// them: the form, the pupils' count and the files; a form that shows no whole number (the summary) is not.
#[test]
fn an_export_from_the_screen_is_recorded_in_the_drives_history() {
    use canbao::tui::palette::Form;
    let (dir, drive) = sample_drive();
    let mut app = app_on(&drive, Language::Zh);
    let out = dir.path().join("台账");
    app.start_form_export(Form::Ledgers, out.clone());
    wait_for_jobs(&mut app);
    let sheet = dir.path().join("信息表.xlsx");
    app.start_export(sheet.clone());
    wait_for_jobs(&mut app);
    app.start_form_export(Form::Summary, dir.path().join("汇总"));
    wait_for_jobs(&mut app);
    assert!(sheet.exists(), "{}", screen(&app).join("\n"));
    let pupils = students_in(&drive) as usize;
    let recorded = Store::open_read_only(&drive).expect("read").exports().expect("exports");
    let forms: Vec<(&str, &str)> = recorded.iter().map(|(_, who, r)| (r.form.as_str(), who.as_str())).collect();
    assert_eq!(forms, [("ledgers", "测试"), ("sheet", "测试")], "{recorded:?}");
    let ledgers: Vec<String> = names_in(&out).iter().map(|n| out.join(n).display().to_string()).collect();
    assert_eq!(recorded[0].2.files, ledgers, "{recorded:?}");
    assert_eq!(recorded[1].2.files, [sheet.display().to_string()], "{recorded:?}");
    assert!(recorded[1].2.pupils > 0 && recorded[1].2.pupils <= pupils, "{recorded:?}");
}

/// A second window, opened read-only, cannot record an export: it writes no form with whole ID numbers and says
/// where to export instead, and writes the masked copy and the summary as before.
#[test]
fn a_read_only_window_refuses_exports_of_whole_id_numbers() {
    use canbao::tui::palette::{Command, Form};
    let (dir, drive) = sample_drive();
    let mut app = App::new(Store::open_read_only(&drive).expect("read-only"), &options(Language::Zh)).expect("app");
    app.update(Action::Resize(120, 30));
    let refused = |app: &App| {
        let status = app.status.clone().expect("told why");
        assert!(status.error && status.text.contains("只读窗口：请到可修改的窗口导出"), "{status:?}");
    };
    app.update(Action::Export);
    assert!(app.modal.is_none(), "the sheet's dialog did not open");
    refused(&app);
    app.status = None;
    app.run_command(Command::Export(Form::Template));
    assert!(app.modal.is_none(), "the template's prompt did not open");
    refused(&app);
    app.status = None;
    let out = dir.path().join("台账");
    app.start_form_export(Form::Ledgers, out.clone());
    wait_for_jobs(&mut app);
    refused(&app);
    let sheet = dir.path().join("信息表.xlsx");
    app.start_export(sheet.clone());
    wait_for_jobs(&mut app);
    assert!(!out.exists() && !sheet.exists());
    // The copy for teachers and the summary show no whole number.
    app.run_command(Command::MaskExports);
    app.start_export(sheet.clone());
    wait_for_jobs(&mut app);
    app.start_form_export(Form::Summary, dir.path().join("汇总"));
    wait_for_jobs(&mut app);
    let masked_sheet = dir.path().join("信息表-打码.xlsx");
    assert!(masked_sheet.exists() && dir.path().join("汇总").exists(), "{}", screen(&app).join("\n"));
    assert!(Store::open_read_only(&drive).expect("read").exports().expect("exports").is_empty());
}

/// 002 四 on the screen: in a year after the drive's first, the palette's 导出批量参保模板 writes only the year's new
/// pupils and, in a third file, those gone since last year, and its message says so with the counts and how to
/// have every pupil; the palette's 导出批量参保模板（全部学生） writes every pupil at school in two files. The drive's
/// record names which.
#[test]
fn the_screens_template_in_a_later_year_holds_the_new_pupils_and_leavers() {
    use canbao::tui::palette::Form;
    let (dir, drive) = sample_drive();
    let mut store = Store::open(&drive).expect("store");
    let year = store.current_year().expect("a year");
    let report = store.start_year(year + 1, true, None, false).expect("next year");
    drop(store);
    let list = dir.path().join("新生.csv");
    let number = format!("45020220200301002{}", canbao::domain::id_number::check_char(b"45020220200301002"));
    std::fs::write(&list, format!("姓名,身份证号码,年级,班级\n新生甲,{number},一年级,1班\n")).unwrap();
    let imported = std::process::Command::new(env!("CARGO_BIN_EXE_canbao"))
        .arg("--db")
        .arg(&drive)
        .arg("import")
        .arg(&list)
        .env_remove("CANBAO_DB")
        .env("CANBAO_OPERATOR", "测试")
        .env("HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .output()
        .unwrap();
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));

    let mut app = app_on(&drive, Language::Zh);
    let out = dir.path().join("模板");
    app.start_form_export(Form::Template, out.clone());
    wait_for_jobs(&mut app);
    let shown = screen(&app).join("\n");
    let names = names_in(&out);
    assert_eq!(names.len(), 3, "{names:?}\n{shown}");
    assert!(names.iter().any(|n| n.contains("批量参保模板-转出（毕业）")), "{names:?}");
    let leavers = report.graduated + report.left;
    assert!(leavers > 0, "{report:?}");
    let said = format!("以后年度只报新入校及转出（毕业）学生（002 四）：新入校 1 人，转出 {leavers} 人");
    let Some(canbao::tui::modal::Modal::Message(message)) = &app.modal else { panic!("{shown}") };
    let lines = message.lines.join("\n");
    assert!(
        lines.contains(&said) && lines.contains("全部学生请加 --all，即命令面板的「导出批量参保模板（全部学生）」"),
        "{lines}"
    );

    let all = dir.path().join("全部");
    app.modal = None;
    app.start_form_export(Form::TemplateAll, all.clone());
    wait_for_jobs(&mut app);
    let names = names_in(&all);
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(!names.iter().any(|n| n.contains("转出")), "{names:?}");
    let forms: Vec<String> =
        Store::open_read_only(&drive).unwrap().exports().unwrap().into_iter().map(|(_, _, r)| r.form).collect();
    assert_eq!(forms, ["template_changes", "template"]);
}

/// A class list naming its school, written beside the drive from the fixture's pupils.
fn list_with_school(dir: &Path) -> PathBuf {
    let fixture =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv")).unwrap();
    let mut lines = fixture.trim_start_matches('\u{feff}').lines();
    let mut text = format!("学校,{}\n", lines.next().unwrap());
    for line in lines {
        text.push_str(&format!("新城小学,{line}\n"));
    }
    let list = dir.join("三年级.csv");
    std::fs::write(&list, text).unwrap();
    list
}

/// The screen's last rows at 80 columns: the status line and the keys' rows under it.
fn status_at_80(app: &mut App) -> String {
    app.update(Action::Resize(80, 24));
    let rows = screen(app);
    rows[rows.len() - 3..].join("\n")
}

/// A stray `1` on the welcome opened the sample file and nothing but the title bar said so: the line that
/// explained it was cut at 80 columns before its point. It now says first that this is the sample, not real data.
#[test]
fn the_sample_says_first_at_80_columns_that_it_is_not_real_data() {
    for (lang, said) in [(Language::Zh, "现为示例数据，不是正式数据"), (Language::En, "SAMPLE file, not real data")]
    {
        let dir = tempfile::tempdir().unwrap();
        let mut app = app_on(&dir.path().join("school.db"), lang);
        load_sample(&mut app);
        let status = status_at_80(&mut app);
        assert!(status.contains(said), "{status}");
        let text = &app.status.as_ref().unwrap().text;
        assert!(unicode_width::UnicodeWidthStr::width(text.as_str()) <= 80, "{text}");
    }
}

/// An import into the sample file says so in its preview and asks at Enter, No by default; No goes back to the
/// real drive, whose own preview follows, and the pupils go there, the sample untouched.
#[test]
fn an_import_into_the_sample_asks_and_no_imports_into_the_real_drive() {
    let dir = tempfile::tempdir().unwrap();
    let drive = dir.path().join("school.db");
    let list = list_with_school(dir.path());
    let mut app = app_on(&drive, Language::Zh);
    load_sample(&mut app);
    preview_import(&mut app, &list);
    let shown = screen(&app).join("\n");
    assert!(shown.contains("这是示例数据文件，不是正式数据"), "{shown}");
    app.update(Action::Confirm);
    let question = app.question().expect("Enter asks before importing into the sample").to_owned();
    assert!(question.contains("示例数据文件") && question.contains(&drive.display().to_string()), "{question}");
    // Enter at the question is No.
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    assert!(!app.demo, "the app is back in the real drive");
    assert_eq!(app.store.path(), Some(drive.as_path()));
    let shown = screen(&app).join("\n");
    assert!(!shown.contains("这是示例数据文件"), "the drive's preview is not the sample's: {shown}");
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    assert!(students_in(&drive) > 0, "the pupils went into the real drive");
    assert_eq!(students_in(&dir.path().join("demo.db")), 360, "the sample holds its made-up pupils only");
}

/// Yes imports into the sample, as asked; no form is exported from it, and the empty real drive, opened again,
/// says the sample beside it was changed.
#[test]
fn the_sample_exports_nothing_and_the_empty_drive_says_the_sample_was_changed() {
    for lang in [Language::Zh, Language::En] {
        let dir = tempfile::tempdir().unwrap();
        let drive = dir.path().join("school.db");
        let list = list_with_school(dir.path());
        let mut app = app_on(&drive, lang);
        load_sample(&mut app);
        preview_import(&mut app, &list);
        app.update(Action::Confirm);
        app.update(Action::Yes);
        wait_for_jobs(&mut app);
        let sample = dir.path().join("demo.db");
        assert!(students_in(&sample) > 360, "Yes imported into the sample");
        app.update(Action::Back);
        app.open_export();
        let status = app.status.clone().expect("the refusal is said");
        assert!(status.error && app.modal.is_none(), "{status:?}");
        let said =
            if lang == Language::Zh { "示例数据文件不导出表格" } else { "SAMPLE file exports no forms" };
        assert!(status.text.contains(said), "{}", status.text);
        drop(app);
        assert_eq!(students_in(&drive), 0);

        let mut app = app_on(&drive, lang);
        let status = status_at_80(&mut app);
        assert!(status.contains("demo.db"), "the empty drive names the changed sample: {status}");
        let text = &app.status.as_ref().unwrap().text;
        assert!(unicode_width::UnicodeWidthStr::width(text.as_str()) <= 80, "{text}");
    }
}

/// The palette's folder field for a form offered the folder without a separator at its end, so a file name typed
/// after it (汇总.xlsx, out of habit) joined the folder's own name (「out汇总.xlsx」), whose folder is the one above:
/// the form went beside the folder meant. The field now ends in the separator, and a folder typed without one is
/// still that folder.
#[test]
fn a_file_name_typed_after_the_offered_folder_puts_the_form_in_that_folder() {
    use canbao::tui::palette::{Command, Form};
    let (dir, drive) = sample_drive();
    let mut app = App::new(Store::open(&drive).unwrap(), &options(Language::Zh)).unwrap();
    app.update(Action::Resize(120, 30));
    let xlsx_in = |folder: &Path| {
        std::fs::read_dir(folder)
            .map(|found| {
                found.filter_map(Result::ok).filter(|e| e.path().extension().is_some_and(|x| x == "xlsx")).count()
            })
            .unwrap_or(0)
    };
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    app.last_export_folder = Some(out.clone());
    app.run_command(Command::Export(Form::Summary));
    for c in "汇总.xlsx".chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    assert!(xlsx_in(&out) > 0, "the form went into the folder offered: {}", screen(&app).join("\n"));
    assert_eq!(xlsx_in(dir.path()), 0, "nothing beside it");

    // A folder typed without the separator at its end is that folder, not a file's name in the one above.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    app.modal = None;
    app.run_command(Command::Export(Form::Summary));
    app.update(Action::ClearLine);
    for c in other.display().to_string().chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    assert!(xlsx_in(&other) > 0, "{}", screen(&app).join("\n"));
    assert_eq!(xlsx_in(dir.path()), 0, "nothing beside it");
}

/// The road back from the sample with a second window on the drive. The first window, gone over to the sample file,
/// answers No to importing there: it goes back to its drive, whose lock it held all along, and imports there; the
/// second, opened meanwhile and offered the drive read-only as one in use, stays read-only and sees the pupils come
/// in. The drive is opened again as it was opened, by the path given (through a linked folder here), where it was
/// opened by its true path, which the title, the dashboard and the commands the screen offers then named instead.
#[cfg(unix)]
#[test]
fn no_to_the_sample_import_goes_back_to_the_drive_as_it_was_beside_a_second_window() {
    use canbao::store::lock::DriveLock;
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let drive = link.join("school.db");
    let list = list_with_school(dir.path());
    // As `canbao` opens it: the screen holds the drive's lock while it runs.
    let mut first = app_on(&drive, Language::Zh);
    first.hold_drive_lock(DriveLock::acquire(&drive, "测试").unwrap());
    load_sample(&mut first);
    assert!(first.demo, "{:?}", first.status);
    assert!(DriveLock::acquire(&drive, "李老师").is_err(), "the first window still holds its drive");
    let mut second = App::new(Store::open_read_only(&drive).unwrap(), &options(Language::Zh)).unwrap();
    second.update(Action::Resize(120, 30));

    preview_import(&mut first, &list);
    first.update(Action::Confirm);
    let question = first.question().expect("asked before importing into the sample").to_owned();
    assert!(question.contains(&drive.display().to_string()), "{question}");
    // Enter at the question is No.
    first.update(Action::Confirm);
    wait_for_jobs(&mut first);
    assert!(!first.demo && !first.store.is_read_only(), "{:?}", first.status);
    assert_eq!(first.store.path(), Some(drive.as_path()), "the drive as it was opened");
    assert_eq!(first.store.hint_drive(), Some(drive.as_path()));
    assert_eq!(first.store.operator(), "测试");
    first.update(Action::Confirm);
    wait_for_jobs(&mut first);
    let count = students_in(&drive);
    assert!(count > 0, "the pupils went into the drive");
    assert!(DriveLock::acquire(&drive, "李老师").is_err(), "the drive is still the first window's");
    assert!(DriveLock::acquire(&real.join("demo.db"), "李老师").is_ok(), "the sample's file is let go");

    second.update(Action::Tick);
    wait_for_reload(&mut second);
    assert!(second.store.is_read_only());
    assert_eq!(second.data.len() as i64, count, "{:?}", second.status);
}

/// Next school year's class list, picked before the drive's year turned, is refused in the preview with the
/// question whether to move the pupils up all the same, naming the palette's 开始新学年, and Enter (No, the
/// default) imports nothing: read as this year's
/// list it moved every pupil of the class up a grade, which `year new --promote` would do again.
#[test]
fn next_school_years_list_is_refused_in_the_preview() {
    use canbao::tui::modal::Modal;
    let (dir, drive) = sample_drive();
    let store = Store::open(&drive).unwrap();
    let pupils = store.students(&canbao::store::StudentFilter::default()).unwrap();
    let first = pupils.iter().find(|p| p.class_label() == "一年级1班").expect("一年级1班").class_label();
    let class: Vec<_> = pupils.iter().filter(|p| p.class_label() == first).collect();
    assert!(class.len() >= 3, "{first}: {}", class.len());
    let mut text = String::from("姓名,身份证号码,班级\n");
    for p in &class {
        text.push_str(&format!("{},{},二年级1班\n", p.name, p.id_number));
    }
    let list = dir.path().join("新学年名单.csv");
    std::fs::write(&list, text).unwrap();
    let classes = |store: &Store| -> Vec<String> {
        let pupils = store.students(&canbao::store::StudentFilter::default()).unwrap();
        pupils.into_iter().map(|s| s.class_label()).collect()
    };
    let before = classes(&store);
    drop(store);

    let mut app = app_on(&drive, Language::Zh);
    preview_import(&mut app, &list);
    let Some(Modal::Confirm(asked)) = &app.modal else { panic!("{}", screen(&app).join("\n")) };
    assert!(!asked.yes, "No is the default");
    let said = asked.question.clone();
    for words in ["新学年名单.csv", "会升一个年级", "开始新学年", "未导入任何内容"] {
        assert!(said.contains(words), "{words}: {said}");
    }
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    assert_eq!(classes(&Store::open_read_only(&drive).unwrap()), before, "nothing imported");
}

/// A staff payroll picked with the class lists is refused in the preview, saying the numbers show adults and the
/// file looks like a staff list, and Enter imports nothing.
#[test]
fn a_staff_payroll_is_refused_in_the_preview() {
    use canbao::tui::modal::Modal;
    let (dir, drive) = sample_drive();
    let count = |store: &Store| store.students(&canbao::store::StudentFilter::default()).unwrap().len();
    let before = count(&Store::open_read_only(&drive).unwrap());
    let mut text = String::from("姓名,身份证号码,岗位,基本工资\n");
    for (i, birth) in ["19720301", "19800515", "19880720", "19941103"].iter().enumerate() {
        let first17 = format!("450202{birth}10{i}");
        let id = format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()));
        text.push_str(&format!("老师{i},{id},教师,5200\n"));
    }
    let list = dir.path().join("教职工工资表.csv");
    std::fs::write(&list, text).unwrap();

    let mut app = app_on(&drive, Language::Zh);
    preview_import(&mut app, &list);
    let Some(Modal::Message(message)) = &app.modal else { panic!("{}", screen(&app).join("\n")) };
    assert!(message.error, "{:?}", message.lines);
    let said = message.lines.join("");
    for words in ["教职工工资表.csv", "按号码是成年人", "这像是教职工/成年人名单", "未导入任何内容"]
    {
        assert!(said.contains(words), "{words}: {said}");
    }
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    assert_eq!(count(&Store::open_read_only(&drive).unwrap()), before, "nothing imported");
}

/// A named pipe picked in the import or the merge picker is refused at once by its type, where before the
/// picker opened it to look inside and the whole screen waited for a writer that never came.
#[cfg(unix)]
#[test]
fn a_named_pipe_picked_in_a_file_picker_is_refused_without_opening_it() {
    use canbao::tui::modal::PathPurpose;
    let (dir, drive) = sample_drive();
    let fifo = dir.path().join("pipe.csv");
    let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0, "mkfifo");
    for purpose in [PathPurpose::Import, PathPurpose::Merge] {
        let (sent, said) = std::sync::mpsc::channel();
        let (drive, typed) = (drive.clone(), fifo.clone());
        let picker = std::thread::spawn(move || {
            let mut app = app_on(&drive, Language::Zh);
            app.open_picker(purpose);
            for c in typed.to_str().unwrap().chars() {
                app.update(Action::Input(c));
            }
            app.update(Action::Confirm);
            sent.send(screen(&app).join("\n")).unwrap();
        });
        // A blocked open is no answer: a writer lets it go, so the test ends either way and says why.
        let shown = said.recv_timeout(Duration::from_secs(60)).unwrap_or_else(|_| {
            drop(std::fs::OpenOptions::new().write(true).open(&fifo));
            String::from("the picker waited on the pipe")
        });
        picker.join().unwrap();
        assert!(shown.contains("不是普通文件（可能是管道或设备），未读取"), "{purpose:?}: {shown}");
    }
    assert_eq!(students_in(&drive), 360, "nothing imported or merged");
}

/// `x` proposes the sheet in the folder the last export went into, by `x` or by the palette's forms, where
/// before it proposed a bare name, written wherever canbao happened to be started.
#[test]
fn the_sheet_is_proposed_in_the_folder_of_the_last_export() {
    use canbao::tui::modal::Modal;
    let (dir, drive) = sample_drive();
    let proposed = |app: &App| match &app.modal {
        Some(Modal::Path(prompt)) => PathBuf::from(prompt.input.text()),
        _ => panic!("no path prompt: {}", screen(app).join("\n")),
    };
    let mut app = app_on(&drive, Language::Zh);
    let out = dir.path().join("导出");
    std::fs::create_dir(&out).unwrap();
    app.open_export();
    let name = proposed(&app).file_name().expect("a file name").to_owned();
    app.modal = None;
    app.start_export(out.join(&name));
    wait_for_jobs(&mut app);
    assert!(out.join(&name).is_file(), "{}", screen(&app).join("\n"));
    app.open_export();
    assert_eq!(proposed(&app), out.join(&name));
}

/// The sheet exported into a folder that cannot be written names the sheet's path, as `canbao export` does,
/// where before it named the folder as the file it could not write. /proc refuses a new entry even to root.
#[cfg(target_os = "linux")]
#[test]
fn a_sheet_refused_by_its_folder_names_the_sheets_path() {
    let (_dir, drive) = sample_drive();
    let mut app = app_on(&drive, Language::Zh);
    app.start_export(PathBuf::from("/proc/"));
    wait_for_jobs(&mut app);
    let said = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    let file = said.strip_prefix("无法写入文件 /proc/").and_then(|rest| rest.split('：').next()).unwrap_or_default();
    assert!(file.ends_with(".xlsx") && !file.contains('/'), "{said}");
}

/// A file picker opens in the folder last used with this drive, else in the drive's own folder, where before
/// it opened in the folder last used by any drive, and a name typed there picked another school's file.
#[test]
fn a_file_picker_starts_in_the_folder_last_used_with_its_own_drive() {
    use canbao::tui::modal::{Modal, PathPurpose};
    let (dir, drive) = sample_drive();
    let other = dir.path().join("另一所学校");
    std::fs::create_dir_all(&other).unwrap();
    let other_drive = other.join("school.db");
    std::fs::copy(&drive, &other_drive).unwrap();
    let lists = dir.path().join("班级名单");
    std::fs::create_dir_all(&lists).unwrap();
    let config = dir.path().join("config");
    let folder_of = |drive: &Path| {
        let opts = Options { config_dir: Some(config.clone()), ..options(Language::Zh) };
        let mut app = App::new(Store::open(drive).expect("store"), &opts).expect("app");
        app.update(Action::Resize(120, 30));
        app.open_picker(PathPurpose::Merge);
        let Some(Modal::Files(p)) = &app.modal else { panic!("no picker") };
        let dir = p.dir.clone();
        (app, dir)
    };
    // A list imported on the first drive, typed into its picker: its folder is remembered.
    let (mut app, _) = folder_of(&drive);
    app.update(Action::Back);
    app.open_picker(PathPurpose::Import);
    let list = lists.join("名单.csv");
    std::fs::copy(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv"), &list).unwrap();
    for c in list.to_str().unwrap().chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    drop(app);
    assert_eq!(folder_of(&drive).1, lists, "the first drive's folder is remembered");
    assert_eq!(folder_of(&other_drive).1, other, "the other drive starts in its own folder");
}

/// The sheet (`x`) and a form typed into a folder inside a folder that is not there either (a path mistyped several
/// folders deep) are asked about first, naming the first folder missing; No writes nothing and makes no folder,
/// Yes makes the folders and exports. Before, the folders were made unasked.
#[test]
fn an_export_into_folders_that_are_not_there_asks_naming_the_first_missing() {
    use canbao::tui::modal::Modal;
    use canbao::tui::palette::Form;
    let (dir, drive) = sample_drive();
    let typo = dir.path().join("桌而");
    for form in [None, Some(Form::Summary)] {
        let folder = typo.join("2026").join("名单");
        let start = |app: &mut App| match form {
            None => app.start_export(folder.join("信息表.xlsx")),
            Some(form) => app.start_form_export(form, folder.clone()),
        };
        let mut app = app_on(&drive, Language::Zh);
        start(&mut app);
        let Some(Modal::Confirm(asked)) = &app.modal else { panic!("{form:?}: {}", screen(&app).join("\n")) };
        let named = format!("文件夹 {} 不存在。新建 {} 并导出到那里？", typo.display(), folder.display());
        assert_eq!(asked.question, named);
        app.update(Action::Back);
        wait_for_jobs(&mut app);
        assert!(!typo.exists(), "{form:?}: No makes no folder");
        start(&mut app);
        app.update(Action::Yes);
        wait_for_jobs(&mut app);
        assert!(!names_in(&folder).is_empty(), "{form:?}: {}", screen(&app).join("\n"));
        std::fs::remove_dir_all(&typo).unwrap();
    }
}

/// Raising the drive's premium (380 to 400) names the paid pupils it leaves short (部分缴费, not insured), gives
/// only examples that change, and `u` afterwards says the policy edit is not undone here, where before it undid
/// an older, unrelated mark.
#[test]
fn a_premium_edit_names_the_pupils_it_uninsures_and_u_does_not_reach_past_it() {
    use canbao::domain::policy::PolicySet;
    use canbao::store::{Change, Payment};
    use canbao::tui::modal::Modal;
    use canbao::tui::palette::Command;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::create_dir_all(config.join("policies")).unwrap();
    let renewed = common::yibin_2027(38_000);
    let file = config.join("policies/yibin-2027.toml");
    std::fs::write(&file, &renewed).unwrap();
    let drive = dir.path().join("school.db");
    let mut store = Store::open(&drive).unwrap();
    canbao::demo::load_sample(&mut store).unwrap();
    let set = "UPDATE meta SET value = '2027' WHERE key IN ('current_year', 'first_year')";
    assert_eq!(store.connection().execute(set, []).unwrap(), 2);
    store.reload_year().unwrap();
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2027").unwrap();
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let pupil = store
        .students(&Default::default())
        .unwrap()
        .into_iter()
        .find(|s| s.categories.is_empty() && s.id_problem.is_none())
        .unwrap();
    let paid = Payment::Paid { amount_fen: Some(38_000), paid_on: Some(day("2026-12-04")), channel: None };
    store.apply_changes("mark", &[(pupil.id, vec![Change::Payment(paid)])], Default::default()).unwrap();
    drop(store);

    let opts = Options {
        lang: Language::Zh,
        operator: Some("测试".into()),
        config_dir: Some(config.clone()),
        ..Default::default()
    };
    let mut app = App::new(Store::open(&drive).unwrap(), &opts).unwrap();
    app.update(Action::Resize(120, 30));
    // An older mark of this session: a note on the pupil under the cursor.
    let noted = app.selected_id().unwrap();
    app.update(Action::EditNote);
    for c in "带户口本".chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    let note_of = |app: &App| app.store.student(noted).unwrap().note;
    assert_eq!(note_of(&app), "带户口本", "{:?}", app.status);
    app.run_command(Command::Policies);
    app.update(Action::Top);
    for _ in 0..10 {
        if screen(&app).iter().any(|l| l.contains("> yibin-2027")) {
            break;
        }
        app.update(Action::Down);
    }
    app.update(Action::Edit);
    app.update(Action::ClearLine);
    for c in "400".chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    let Some(Modal::Confirm(c)) = &mut app.modal else { panic!("saved without asking: {}", screen(&app).join("\n")) };
    assert!(
        c.question.contains("名已缴费的学生将变为部分缴费（未参保）") && c.question.contains(&pupil.name),
        "{}",
        c.question
    );
    assert!(c.question.contains("应缴 380 元") && c.question.contains("应缴 400 元"), "{}", c.question);
    assert!(
        !c.question.contains("应缴 0 元」改为「集中缴费期，待遇期 2027-01-01 至 2027-12-31，应缴 0 元」"),
        "{}",
        c.question
    );
    c.yes = true;
    app.update(Action::Confirm);
    assert_eq!(PolicySet::load(Some(&config)).get("yibin-2027").unwrap().personal_premium_fen, 40_000);
    app.update(Action::Back);
    app.update(Action::Back);
    app.update(Action::Undo);
    let said = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(said.contains("不能按 u 撤销"), "{said}");
    assert_eq!(note_of(&app), "带户口本", "the older mark is kept");
}

/// A drive opened by a relative path (`--db drive/h.db`, as an operator types it): the picker opens in the
/// drive's folder as a whole path, ← goes up to the folder above with its `..`, and the folder remembered for
/// the next picker is whole. Before, ← turned `drive` into a blank, nameless listing with no way up.
#[test]
fn the_picker_of_a_drive_opened_by_a_relative_path_goes_up_from_its_folder() {
    use canbao::tui::modal::{Modal, PathPurpose};
    let (dir, drive) = sample_drive();
    let lists = dir.path().join("lists");
    std::fs::create_dir_all(&lists).unwrap();
    let list = lists.join("一年级.csv");
    std::fs::copy(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv"), &list).unwrap();
    // The drive's path relative to the folder the test runs in, without changing that folder.
    let here = std::env::current_dir().unwrap();
    let mut relative = PathBuf::new();
    for _ in 1..here.components().count() {
        relative.push("..");
    }
    relative.push(drive.strip_prefix("/").unwrap());
    assert!(relative.is_relative());
    let config = dir.path().join("config");
    let opts = Options { config_dir: Some(config.clone()), ..options(Language::Zh) };
    let mut app = App::new(Store::open(&relative).expect("store"), &opts).expect("app");
    app.update(Action::Resize(120, 30));
    app.open_picker(PathPurpose::Import);
    let folder = |app: &App| match &app.modal {
        Some(Modal::Files(p)) => (p.dir.clone(), p.entries.iter().any(|e| e.name == "..")),
        _ => panic!("the picker is open"),
    };
    assert_eq!(folder(&app), (dir.path().to_path_buf(), true), "the drive's folder, whole");
    app.update(Action::Left);
    let up = dir.path().parent().unwrap().to_path_buf();
    assert_eq!(folder(&app), (up.clone(), up.parent().is_some()), "← goes to the folder above");
    let shown = screen(&app).join("\n");
    assert!(shown.contains(&*up.to_string_lossy()), "{shown}");
    assert!(!shown.contains("找不到文件或文件夹"), "{shown}");
    app.modal = None;
    app.open_picker(PathPurpose::Import);
    for c in lists.strip_prefix(dir.path()).unwrap().join("一年级.csv").to_str().unwrap().chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    let remembered = std::fs::read_to_string(config.join("last-folder")).unwrap();
    assert_eq!(remembered.lines().next(), Some(lists.to_str().unwrap()), "the folder is remembered whole");
}

/// Raising the drive's premium on the policy screen (380 to 420) is taken into the drive, as `policy use` takes
/// an edited file: a fresh open of the drive (every command, the next session) quotes 420 and finds nothing
/// differing between the file and the drive, where before the drive kept its copy at 380 and only this session's
/// screen went by 420.
#[test]
fn a_premium_edit_of_the_drives_policy_is_kept_in_the_drive() {
    use canbao::domain::policy::PolicySet;
    use canbao::store::{Change, Payment};
    use canbao::tui::modal::Modal;
    use canbao::tui::palette::Command;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::create_dir_all(config.join("policies")).unwrap();
    let renewed = common::yibin_2027(38_000);
    std::fs::write(config.join("policies/yibin-2027.toml"), &renewed).unwrap();
    let drive = dir.path().join("school.db");
    let mut store = Store::open(&drive).unwrap();
    canbao::demo::load_sample(&mut store).unwrap();
    let set = "UPDATE meta SET value = '2027' WHERE key IN ('current_year', 'first_year')";
    assert_eq!(store.connection().execute(set, []).unwrap(), 2);
    store.reload_year().unwrap();
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2027").unwrap();
    store.keep_policy_text("yibin-2027", &renewed).unwrap();
    let pupil = store
        .students(&Default::default())
        .unwrap()
        .into_iter()
        .find(|s| s.categories.is_empty() && s.id_problem.is_none())
        .unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 4);
    let paid = Payment::Paid { amount_fen: Some(38_000), paid_on: day, channel: None };
    store.apply_changes("mark", &[(pupil.id, vec![Change::Payment(paid)])], Default::default()).unwrap();
    drop(store);

    let opts = Options {
        lang: Language::Zh,
        operator: Some("测试".into()),
        config_dir: Some(config.clone()),
        ..Default::default()
    };
    let mut app = App::new(Store::open(&drive).unwrap(), &opts).unwrap();
    app.update(Action::Resize(120, 30));
    app.run_command(Command::Policies);
    app.update(Action::Top);
    for _ in 0..10 {
        if screen(&app).iter().any(|l| l.contains("> yibin-2027")) {
            break;
        }
        app.update(Action::Down);
    }
    app.update(Action::Edit);
    app.update(Action::ClearLine);
    for c in "420".chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    let Some(Modal::Confirm(c)) = &mut app.modal else { panic!("saved without asking: {}", screen(&app).join("\n")) };
    assert!(c.question.contains(&pupil.name), "{}", c.question);
    c.yes = true;
    app.update(Action::Confirm);
    let said = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(said.contains("数据文件已按新内容计算"), "{said}");
    let set = PolicySet::load(Some(&config));
    assert_eq!(set.get("yibin-2027").unwrap().personal_premium_fen, 42_000);

    // The drive as any other command opens it meanwhile, and as the next session does.
    let fresh = Store::open(&drive).unwrap();
    let kept = fresh.kept_policy("yibin-2027").expect("the drive keeps its copy");
    assert_eq!(kept.personal_premium_fen, 42_000, "the drive's copy still quotes the old premium");
    assert!(fresh.shown_policy_file_differs(&set).is_none(), "the file and the drive's copy differ");
}

/// The drive's path relative to the folder the test runs in, without changing that folder.
fn relative_to_here(path: &Path) -> PathBuf {
    let here = std::env::current_dir().unwrap();
    let mut relative = PathBuf::new();
    for _ in 1..here.components().count() {
        relative.push("..");
    }
    relative.push(path.strip_prefix("/").unwrap());
    relative
}

/// A merge picked in the TUI names the file it reads, whole from the root, with its school and its newest
/// change, in the preview and in the report; the folder it came from is remembered for the drive's real path,
/// so the same name (`A.db`) run in another folder starts beside its own drive. Before, neither screen named
/// the file, and the folder was remembered for the drive as typed: `--db A.db` in two folders shared it, and a
/// bare `B.db` picked yesterday's copy.
#[test]
fn a_tui_merge_names_the_file_it_merges_and_remembers_its_folder_by_the_drives_real_path() {
    use canbao::tui::modal::{Modal, PathPurpose};
    let (dir, sample) = sample_drive();
    let (lap_a, lap_b, today) = (dir.path().join("lapA"), dir.path().join("lapB"), dir.path().join("today"));
    for (folder, name) in [(&lap_a, "A.db"), (&lap_b, "B.db"), (&today, "A.db"), (&today, "B.db")] {
        std::fs::create_dir_all(folder).unwrap();
        std::fs::copy(&sample, folder.join(name)).unwrap();
    }
    let school = Store::open_read_only(&sample).unwrap().schools().unwrap()[0].clone();
    let newest: String = rusqlite::Connection::open(lap_b.join("B.db"))
        .unwrap()
        .query_row("SELECT max(at) FROM audit", [], |r| r.get(0))
        .unwrap();
    let newest = canbao::store::instant::beijing_seconds(&newest);
    let config = dir.path().join("config");
    let open = |drive: &Path| {
        let opts = Options { config_dir: Some(config.clone()), ..options(Language::Zh) };
        let mut app = App::new(Store::open(&relative_to_here(drive)).expect("store"), &opts).expect("app");
        app.update(Action::Resize(80, 30));
        app.open_picker(PathPurpose::Merge);
        app
    };
    let mut app = open(&lap_a.join("A.db"));
    for c in "../lapB/B.db".chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    let named = format!("合并的文件：{}（学校：{school}；最近一次修改：{newest}）", lap_b.join("B.db").display());
    let Some(Modal::MergePreview { lines, .. }) = &app.modal else { panic!("{}", screen(&app).join("\n")) };
    assert!(lines.contains(&named), "the preview names the file: {lines:?}");
    assert!(screen(&app).join("").replace(' ', "").contains("合并的文件："), "{}", screen(&app).join("\n"));
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    let Some(Modal::Message(m)) = &app.modal else { panic!("{}", screen(&app).join("\n")) };
    assert!(m.lines.contains(&named), "the report names the file: {:?}", m.lines);
    drop(app);
    let remembered = std::fs::read_to_string(config.join("last-folder")).unwrap();
    let drive_line = remembered.lines().nth(1).unwrap();
    assert_eq!(Path::new(drive_line), std::fs::canonicalize(lap_a.join("A.db")).unwrap(), "{remembered}");
    // A file an older canbao wrote, naming the drive as typed, is no start for any drive of that name.
    std::fs::write(config.join("last-folder"), format!("{}\nA.db", lap_b.display())).unwrap();
    let app = open(&today.join("A.db"));
    let Some(Modal::Files(p)) = &app.modal else { panic!("no picker") };
    assert_eq!(p.dir, today, "today's drive starts beside itself");
}

/// An import of this year's lists in the TUI names the pupils they leave out while their classmates are on them
/// (`year leavers`), counted and one a line, as `canbao import` counts them; before, the report said nothing.
#[test]
fn a_tui_import_of_this_years_list_names_the_possible_leavers() {
    use canbao::tui::modal::Modal;
    let (dir, drive) = sample_drive();
    let mut store = Store::open(&drive).unwrap();
    let year = store.current_year().unwrap();
    store.start_year(year + 1, true, None, false).unwrap();
    let pupil = store.students(&Default::default()).unwrap()[0].clone();
    drop(store);
    let list = dir.path().join("名单.csv");
    let class = format!("{}{}", pupil.grade, pupil.class);
    let text = format!("姓名,身份证号,所在年级、班级\n{},{},{class}\n", pupil.name, pupil.id_number);
    std::fs::write(&list, text).unwrap();
    let mut app = app_on(&drive, Language::Zh);
    preview_import(&mut app, &list);
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    let leavers = app.store.leavers().unwrap();
    assert!(!leavers.is_empty(), "the pupil's classmates are left out: {}", screen(&app).join("\n"));
    let Some(Modal::Leavers { lines, .. }) = &app.modal else { panic!("{}", screen(&app).join("\n")) };
    let counted = format!("可能已离校 {} 人（本年度名单中没有，同班同学在名单中），请核实：", leavers.len());
    assert!(lines.contains(&counted), "{lines:?}");
    for l in &leavers {
        assert!(lines.iter().any(|line| line.contains(&l.name) && !line.contains(&l.id_number)), "{lines:?}");
    }
}

/// The possible leavers an import names are marked 已离校 from the screen, as `year leavers --mark` marks them:
/// the import's report lists them (ID numbers masked) and Enter asks, No by default; a stray Enter marks nobody,
/// Yes marks them under the history's `leavers`, and `u` takes it back. The palette opens the same list later.
/// Before, the report only named them, and marking them took the command line.
#[test]
fn the_possible_leavers_an_import_names_are_marked_left_from_the_screen_and_undone() {
    use canbao::domain::student::Enrollment;
    use canbao::tui::modal::Modal;
    use canbao::tui::palette::Command;
    let (dir, drive) = sample_drive();
    let mut store = Store::open(&drive).unwrap();
    let year = store.current_year().unwrap();
    store.start_year(year + 1, true, None, false).unwrap();
    let pupil = store.students(&Default::default()).unwrap()[0].clone();
    drop(store);
    let list = dir.path().join("名单.csv");
    let class = format!("{}{}", pupil.grade, pupil.class);
    std::fs::write(&list, format!("姓名,身份证号,所在年级、班级\n{},{},{class}\n", pupil.name, pupil.id_number))
        .unwrap();
    let mut app = app_on(&drive, Language::Zh);
    preview_import(&mut app, &list);
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    let leavers = app.store.leavers().unwrap();
    assert!(!leavers.is_empty());
    let shown = screen(&app).join("\n");
    assert!(shown.contains("可能已离校"), "{shown}");
    assert!(leavers.iter().all(|l| !shown.contains(&l.id_number)), "ID numbers masked: {shown}");
    assert!(matches!(app.modal, Some(Modal::Leavers { .. })), "{shown}");
    let left = |app: &App| {
        let ids: Vec<i64> = leavers.iter().map(|l| l.id).collect();
        let all = app.store.students(&Default::default()).unwrap();
        all.iter().filter(|s| ids.contains(&s.id) && s.enrollment == Enrollment::Left).count()
    };
    // Enter asks; the default answer is No, so a second Enter marks nobody.
    app.update(Action::Confirm);
    let question = app.question().expect("Enter asks before marking").to_owned();
    assert!(question.contains(&format!("{} 人登记为已离校", leavers.len())), "{question}");
    app.update(Action::Confirm);
    assert_eq!(left(&app), 0, "No marks nobody");
    assert!(app.modal.is_none());
    // Later, from the palette: the same list, and Yes marks them as `year leavers --mark` does.
    app.run_command(Command::Leavers);
    assert!(matches!(app.modal, Some(Modal::Leavers { .. })), "{}", screen(&app).join("\n"));
    app.update(Action::Confirm);
    app.update(Action::Yes);
    assert_eq!(left(&app), leavers.len(), "{}", screen(&app).join("\n"));
    assert!(app.store.leavers().unwrap().is_empty());
    let actions: i64 = rusqlite::Connection::open(&drive)
        .unwrap()
        .query_row("SELECT count(*) FROM audit WHERE action = 'leavers'", [], |r| r.get(0))
        .unwrap();
    assert!(actions >= leavers.len() as i64, "recorded under year leavers --mark's action");
    // The TUI's undo takes the mark back.
    app.update(Action::Undo);
    if app.question().is_some() {
        app.update(Action::Yes);
    }
    wait_for_jobs(&mut app);
    assert_eq!(left(&app), 0, "{}", screen(&app).join("\n"));
    assert_eq!(app.store.leavers().unwrap().len(), leavers.len());
}

/// The first `x` of a session offers the sheet in the drive file's own folder, whole from the root, and the
/// palette's forms the same folder, so the operator knows where it goes; before, `x` offered a bare file name,
/// written into whatever folder canbao was started from.
#[test]
fn the_first_export_offers_a_whole_path_in_the_drives_folder() {
    use canbao::tui::modal::Modal;
    use canbao::tui::palette::{Command, Form};
    let (dir, sample) = sample_drive();
    // A folder deep enough that the path is wider than the field at 80 columns.
    let deep = dir.path().join("二〇二六年秋季学期城乡居民医保").join("示范小学参保");
    std::fs::create_dir_all(&deep).unwrap();
    let drive = deep.join("school.db");
    std::fs::rename(&sample, &drive).unwrap();
    let folder = std::fs::canonicalize(&deep).unwrap();
    let mut app = app_on(&drive, Language::Zh);
    app.update(Action::Export);
    let Some(Modal::Path(prompt)) = &app.modal else { panic!("{}", screen(&app).join("\n")) };
    let offered = PathBuf::from(prompt.input.text());
    assert!(offered.is_absolute(), "{}", offered.display());
    let parent = std::fs::canonicalize(offered.parent().unwrap()).unwrap();
    assert_eq!(parent, folder, "{}", offered.display());
    app.update(Action::Back);
    app.run_command(Command::Export(Form::Summary));
    let Some(Modal::Path(prompt)) = &app.modal else { panic!("{}", screen(&app).join("\n")) };
    assert_eq!(std::fs::canonicalize(prompt.input.text()).unwrap(), folder);
    // At 80 columns a path longer than the field is said whole under it.
    app.update(Action::Back);
    app.update(Action::Resize(80, 24));
    app.update(Action::Export);
    let rows = screen(&app);
    let Some(Modal::Path(prompt)) = &app.modal else { panic!("{}", rows.join("\n")) };
    assert!(unicode_width::UnicodeWidthStr::width(prompt.input.text()) > 76, "{}", prompt.input.text());
    // From the root: the start of the path, which the field (showing the end, where the caret is) hides.
    let root: String = dir.path().display().to_string().chars().take(12).collect();
    let said = rows.iter().find(|r| r.contains("保存到：")).unwrap_or_else(|| panic!("{}", rows.join("\n")));
    assert!(said.contains(&format!("保存到：{root}")), "{}", rows.join("\n"));
}

/// The possible leavers' list is read when its dialog opens; Yes may come long after, while another window (a
/// second canbao on the drive, here a connection of its own) has marked one of them 在校参保 and taken another's
/// payment. Yes marks only those still possible leavers, looked at again in the write's transaction, as
/// `year leavers` would list them now, and says how many were left out and why; before, it marked all it had
/// listed 已离校, the pupil at school with them.
#[test]
fn the_leavers_dialog_marks_only_those_still_possible_leavers_at_yes() {
    use canbao::domain::student::Enrollment;
    use canbao::store::{Change, ChangeOptions, Payment};
    use canbao::tui::modal::Modal;
    for lang in [Language::Zh, Language::En] {
        let (dir, drive) = sample_drive();
        let mut store = Store::open(&drive).unwrap();
        let year = store.current_year().unwrap();
        store.start_year(year + 1, true, None, false).unwrap();
        let pupil = store.students(&Default::default()).unwrap()[0].clone();
        drop(store);
        let list = dir.path().join("名单.csv");
        let class = format!("{}{}", pupil.grade, pupil.class);
        let text = format!("姓名,身份证号,所在年级、班级\n{},{},{class}\n", pupil.name, pupil.id_number);
        std::fs::write(&list, text).unwrap();
        let mut app = app_on(&drive, lang);
        preview_import(&mut app, &list);
        app.update(Action::Confirm);
        wait_for_jobs(&mut app);
        let leavers = app.store.leavers().unwrap();
        assert!(leavers.len() >= 3, "{}", screen(&app).join("\n"));
        assert!(matches!(app.modal, Some(Modal::Leavers { .. })), "{}", screen(&app).join("\n"));
        // The other window, while the dialog is open.
        let mut other = Store::open(&drive).unwrap();
        let here = Change::Enrollment { status: Enrollment::Here, reason: None };
        other.apply_change("mark", leavers[0].id, vec![here], ChangeOptions::default()).unwrap();
        let paid = Change::Payment(Payment::Paid { amount_fen: Some(38000), paid_on: None, channel: None });
        other.apply_change("mark", leavers[1].id, vec![paid], ChangeOptions::default()).unwrap();
        drop(other);
        app.update(Action::Confirm);
        app.update(Action::Yes);
        wait_for_jobs(&mut app);
        let enrollment = |id: i64| app.store.student(id).unwrap().enrollment;
        assert_eq!(enrollment(leavers[0].id), Enrollment::Here, "the pupil marked at school stays at school");
        assert_eq!(enrollment(leavers[1].id), Enrollment::Here, "the pupil paid for stays paid for");
        assert!(leavers[2..].iter().all(|l| enrollment(l.id) == Enrollment::Left));
        let said = app.status.as_ref().expect("status").text.clone();
        let expected = match lang {
            Language::Zh => "另有 2 人已登记了参保状态或缴费，未登记为已离校",
            Language::En => "not marked as left, changed since the list was shown: 2 now marked enrolled or paid",
        };
        assert!(said.contains(expected), "{said}");
    }
}

/// Every pupil of the list marked since it was shown: Yes marks nobody and says why, as a refusal.
#[test]
fn the_leavers_dialog_marks_nobody_when_all_were_marked_since() {
    use canbao::domain::student::Enrollment;
    use canbao::store::{Change, ChangeOptions};
    use canbao::tui::modal::Modal;
    let (dir, drive) = sample_drive();
    let mut store = Store::open(&drive).unwrap();
    let year = store.current_year().unwrap();
    store.start_year(year + 1, true, None, false).unwrap();
    let pupil = store.students(&Default::default()).unwrap()[0].clone();
    drop(store);
    let list = dir.path().join("名单.csv");
    let class = format!("{}{}", pupil.grade, pupil.class);
    std::fs::write(&list, format!("姓名,身份证号,所在年级、班级\n{},{},{class}\n", pupil.name, pupil.id_number))
        .unwrap();
    let mut app = app_on(&drive, Language::Zh);
    preview_import(&mut app, &list);
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    let leavers = app.store.leavers().unwrap();
    assert!(matches!(app.modal, Some(Modal::Leavers { .. })), "{}", screen(&app).join("\n"));
    let mut other = Store::open(&drive).unwrap();
    let here = Change::Enrollment { status: Enrollment::Here, reason: None };
    let items: Vec<_> = leavers.iter().map(|l| (l.id, vec![here.clone()])).collect();
    other.apply_changes("mark", &items, ChangeOptions::default()).unwrap();
    drop(other);
    app.update(Action::Confirm);
    app.update(Action::Yes);
    wait_for_jobs(&mut app);
    assert!(leavers.iter().all(|l| app.store.student(l.id).unwrap().enrollment == Enrollment::Here));
    let status = app.status.as_ref().expect("status");
    let expected = format!("未登记任何人为已离校：{} 人已登记了参保状态或缴费", leavers.len());
    assert!(status.error && status.text.contains(&expected), "{status:?}");
}

/// The restore question says by kind what it takes back, as `restore --dry-run` does (an import's many rows and
/// three marks are not alike), in the screen's language; before, it gave the count alone.
#[test]
fn the_restore_question_says_by_kind_what_it_takes_back() {
    use canbao::domain::student::Enrollment;
    use canbao::tui::modal::Modal;
    let (dir, drive) = sample_drive();
    let mut store = Store::open(&drive).unwrap();
    let backup = dir.path().join("before.db");
    store.backup_to(&backup).unwrap();
    let ids: Vec<i64> = store.students(&Default::default()).unwrap().iter().take(3).map(|s| s.id).collect();
    for &id in &ids {
        assert_eq!(store.set_enrollment(id, Enrollment::Here, None).unwrap(), 1);
    }
    let list = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    canbao::io::class_list::import(&mut store, &[list.as_path()], Some("第二小学"), false).unwrap();
    let imported: i64 =
        store.connection().query_row("SELECT COUNT(*) FROM audit WHERE action = 'import'", [], |r| r.get(0)).unwrap();
    let before: i64 = Store::open_read_only(&backup)
        .unwrap()
        .connection()
        .query_row("SELECT COUNT(*) FROM audit WHERE action = 'import'", [], |r| r.get(0))
        .unwrap();
    let imported = imported - before;
    assert!(imported > 3, "{imported}");
    drop(store);
    for (lang, said, kinds) in [
        (
            Language::Zh,
            format!("（备份之后所做的修改）：导入 {imported} 项、登记 3 项。"),
            format!("：导入{imported}项、登记3"),
        ),
        (
            Language::En,
            format!("(those made since the backup): import {imported}, mark 3."),
            format!("import{imported},mark3."),
        ),
    ] {
        let mut app = app_on(&drive, lang);
        app.ask_restore(backup.clone());
        let Some(Modal::Confirm(c)) = &app.modal else { panic!("no question: {}", screen(&app).join("\n")) };
        assert!(c.question.contains(&said), "{lang:?}: {}", c.question);
        // On the smallest screen too (the roster beside the box breaks a wrapped line's flat text).
        app.update(Action::Resize(80, 24));
        let rows = screen(&app);
        assert!(rows.iter().any(|r| r.replace(' ', "").contains(&kinds)), "{lang:?}:\n{}", rows.join("\n"));
    }
}

/// The progress box of an import names the file being read (cut in the middle to the box, its extension kept),
/// and its time goes on while the file is read; before, it said only 「正在读取名单」 and the time. The read is held
/// up here by another connection writing the drive, as a big list holds it up.
#[test]
fn the_import_progress_names_the_file_and_its_time_goes_on() {
    use canbao::tui::modal::Modal;
    let (dir, drive) = sample_drive();
    let list = dir.path().join("二〇二六年秋季学期各班名单（教务处汇总，含转入学生）最终版.csv");
    std::fs::write(&list, "姓名,身份证号码,班级\n王小明,450203201909308803,一年级1班\n").unwrap();
    for lang in [Language::Zh, Language::En] {
        let mut app = app_on(&drive, lang);
        app.update(Action::Resize(80, 24));
        // Another window mid-write: the job waits for it.
        let other = rusqlite::Connection::open(&drive).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        app.start_import(list.clone());
        assert!(matches!(app.modal, Some(Modal::Working(_))), "{}", screen(&app).join("\n"));
        let mut times = Vec::new();
        for _ in 0..2 {
            std::thread::sleep(Duration::from_millis(700));
            app.update(Action::Tick);
            let rows = screen(&app);
            let shown = rows.join("\n");
            let flat: Vec<String> = rows.iter().map(|r| r.replace(' ', "")).collect();
            let file = match lang {
                Language::Zh => "文件：",
                Language::En => "File:",
            };
            let named = flat.iter().find(|r| r.contains(file)).unwrap_or_else(|| panic!("{shown}"));
            assert!(named.contains("二〇二六年") && named.ends_with("最终版.csv"), "{shown}");
            // The row under the file's: its time, the figures before 「秒」 or "s".
            let at = flat.iter().position(|r| r.contains(file)).expect("named");
            let row = flat[at + 1].trim_end_matches('秒').trim_end_matches('s');
            let figures: String = row.chars().rev().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
            let secs: f32 = figures.chars().rev().collect::<String>().parse().unwrap_or_else(|_| panic!("{shown}"));
            times.push(secs);
        }
        assert!(times[1] > times[0], "{times:?}");
        other.execute_batch("ROLLBACK").unwrap();
        drop(other);
        wait_for_jobs(&mut app);
    }
}

/// The screen's export to a name ending in .csv writes whole ID numbers as plain digits, and its report says,
/// as `canbao export --format csv` does, that a double-click in Excel or WPS shows them as 5.1E+17, in the
/// screen's language; an XLSX, which keeps them as text, says nothing of it. Before, only the command line said so.
#[test]
fn a_csv_export_from_the_screen_warns_that_excel_shows_the_numbers_as_5_1e17() {
    use canbao::tui::modal::Modal;
    for (lang, words) in [(Language::Zh, "显示成 5.1E+17"), (Language::En, "show as numbers like 5.1E+17")] {
        let (dir, drive) = sample_drive();
        let mut app = app_on(&drive, lang);
        for (name, warned) in [("sheet.csv", true), ("sheet.xlsx", false)] {
            app.start_export(dir.path().join(name));
            wait_for_jobs(&mut app);
            assert!(dir.path().join(name).is_file(), "{}", screen(&app).join("\n"));
            let Some(Modal::Message(message)) = &app.modal else { panic!("{}", screen(&app).join("\n")) };
            let said = message.lines.join("\n");
            assert_eq!(said.contains(words), warned, "{name}: {said}");
            assert!(!said.contains("--format"), "no command line on the screen: {said}");
            app.update(Action::Back);
        }
    }
}

/// Yes on a list of 200 or more possible leavers marks them on the worker (`ON_WORKER_FROM`), each looked at again
/// in the write as the foreground mark does: a pupil another window marked 在校参保 meanwhile is left out, and
/// said, the others are marked 已离校, and one undo takes the mark back.
#[test]
fn two_hundred_possible_leavers_are_marked_on_the_worker_and_checked_again() {
    use canbao::domain::student::Enrollment;
    use canbao::store::{Change, ChangeOptions};
    use canbao::tui::modal::Modal;
    let (dir, drive) = sample_drive();
    let mut store = Store::open(&drive).unwrap();
    let year = store.current_year().unwrap();
    store.start_year(year + 1, true, None, false).unwrap();
    // One pupil of each class on this year's list: every classmate is a possible leaver.
    let mut classes = std::collections::BTreeMap::new();
    for pupil in store.students(&Default::default()).unwrap() {
        classes.entry(format!("{}{}", pupil.grade, pupil.class)).or_insert(pupil);
    }
    drop(store);
    let mut text = "姓名,身份证号,所在年级、班级\n".to_owned();
    for (class, pupil) in &classes {
        text.push_str(&format!("{},{},{class}\n", pupil.name, pupil.id_number));
    }
    let list = dir.path().join("名单.csv");
    std::fs::write(&list, text).unwrap();
    let mut app = app_on(&drive, Language::Zh);
    preview_import(&mut app, &list);
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    let leavers = app.store.leavers().unwrap();
    // From 200 pupils a mark goes on the worker (`ON_WORKER_FROM`).
    assert!(leavers.len() >= 200, "{} leavers", leavers.len());
    assert!(matches!(app.modal, Some(Modal::Leavers { .. })), "{}", screen(&app).join("\n"));
    let mut other = Store::open(&drive).unwrap();
    let here = Change::Enrollment { status: Enrollment::Here, reason: None };
    other.apply_change("mark", leavers[0].id, vec![here], ChangeOptions::default()).unwrap();
    drop(other);
    app.update(Action::Confirm);
    app.update(Action::Yes);
    assert!(app.jobs.running().is_some(), "marked on the worker: {}", screen(&app).join("\n"));
    wait_for_jobs(&mut app);
    let enrollment = |app: &App, id: i64| app.store.student(id).unwrap().enrollment;
    assert_eq!(enrollment(&app, leavers[0].id), Enrollment::Here, "the pupil marked at school stays at school");
    assert!(leavers[1..].iter().all(|l| enrollment(&app, l.id) == Enrollment::Left), "{}", screen(&app).join("\n"));
    let said = app.status.as_ref().expect("status").text.clone();
    assert!(said.contains("另有 1 人已登记了参保状态或缴费，未登记为已离校"), "{said}");
    app.update(Action::Undo);
    if app.question().is_some() {
        app.update(Action::Yes);
    }
    wait_for_jobs(&mut app);
    assert!(leavers[1..].iter().all(|l| enrollment(&app, l.id) != Enrollment::Left), "{}", screen(&app).join("\n"));
}

/// A teacher's class list of last school year, read after the drive's year turned: the screen asks what
/// `import --move-down-a-grade` answers on the command line, where its refusal named that command, of no use in
/// the screen. Yes previews the import moving the pupils down, the operator checks it, and Enter imports it.
#[test]
fn a_list_of_last_school_year_can_be_taken_in_the_screen_after_asking() {
    use canbao::tui::modal::Modal;
    let (dir, drive) = sample_drive();
    let mut store = Store::open(&drive).unwrap();
    let year = store.current_year().expect("a year");
    let pupils = store.students(&canbao::store::StudentFilter::default()).unwrap();
    let first = pupils[0].class_label();
    let class: Vec<_> = pupils.iter().filter(|p| p.class_label() == first).cloned().collect();
    assert!(class.len() >= 3, "{first}: {}", class.len());
    let mut text = String::from("姓名,身份证号码,班级\n");
    for p in &class {
        text.push_str(&format!("{},{},{}\n", p.name, p.id_number, p.class_label()));
    }
    let list = dir.path().join("老师的名单.csv");
    std::fs::write(&list, text).unwrap();
    store.start_year(year + 1, true, None, false).unwrap();
    drop(store);
    let class_of = |number: &str| {
        let store = Store::open_read_only(&drive).unwrap();
        store.student_by_id_number(number).unwrap().expect("pupil").class_label()
    };
    assert_ne!(class_of(&class[0].id_number), first, "promoted by the new year");

    let mut app = app_on(&drive, Language::Zh);
    preview_import(&mut app, &list);
    assert!(matches!(&app.modal, Some(Modal::Confirm(_))), "{}", screen(&app).join("\n"));
    let shown = screen(&app).join("\n");
    assert!(shown.contains("老师的名单.csv 像是上一学年的名单，未导入"), "{shown}");
    assert!(!shown.contains("命令行"), "{shown}");
    app.update(Action::Right);
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    let Some(Modal::ImportPreview { preview, .. }) = &app.modal else { panic!("{}", screen(&app).join("\n")) };
    assert_eq!(preview.moved_class, class.len(), "{preview:?}");
    assert_ne!(class_of(&class[0].id_number), class[0].class_label(), "a preview writes nothing");
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    for p in &class {
        assert_eq!(class_of(&p.id_number), p.class_label(), "{}: back in the class the list gives", p.name);
    }
}

/// Raising the drive's premium (380 to 400) over a payment recorded in full without a date (read for today, as
/// the policy choice and `policy use` read it): the edit asks first, giving how many it leaves short (部分缴费, not
/// insured), where before it saved at once, naming nobody, and the pupil was no longer counted insured.
#[test]
fn a_premium_edit_counts_an_undated_payment_it_leaves_short_and_asks() {
    use canbao::domain::policy::PolicySet;
    use canbao::store::{Change, Payment};
    use canbao::tui::modal::Modal;
    use canbao::tui::palette::Command;
    const TODAY: &str = "2026-12-04T10:00:00+08:00";
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::create_dir_all(config.join("policies")).unwrap();
    let renewed = common::yibin_2027(38_000);
    std::fs::write(config.join("policies/yibin-2027.toml"), &renewed).unwrap();
    let drive = dir.path().join("school.db");
    let mut store = Store::open(&drive).unwrap();
    store.set_fixed_clock(TODAY);
    canbao::demo::load_sample(&mut store).unwrap();
    let set = "UPDATE meta SET value = '2027' WHERE key IN ('current_year', 'first_year')";
    assert_eq!(store.connection().execute(set, []).unwrap(), 2);
    store.reload_year().unwrap();
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2027").unwrap();
    let pupil = store
        .students(&Default::default())
        .unwrap()
        .into_iter()
        .find(|s| s.categories.is_empty() && s.id_problem.is_none())
        .unwrap();
    let paid = Payment::Paid { amount_fen: Some(38_000), paid_on: None, channel: None };
    store.apply_changes("mark", &[(pupil.id, vec![Change::Payment(paid)])], Default::default()).unwrap();
    drop(store);

    let opts = Options {
        lang: Language::Zh,
        operator: Some("测试".into()),
        config_dir: Some(config.clone()),
        ..Default::default()
    };
    let mut store = Store::open(&drive).unwrap();
    store.set_fixed_clock(TODAY);
    let mut app = App::new(store, &opts).unwrap();
    app.update(Action::Resize(120, 30));
    app.run_command(Command::Policies);
    app.update(Action::Top);
    for _ in 0..10 {
        if screen(&app).iter().any(|l| l.contains("> yibin-2027")) {
            break;
        }
        app.update(Action::Down);
    }
    app.update(Action::Edit);
    app.update(Action::ClearLine);
    for c in "400".chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    let Some(Modal::Confirm(c)) = &mut app.modal else { panic!("saved without asking: {}", screen(&app).join("\n")) };
    assert!(
        c.question.contains("注意：1 名学生已记录的缴费将不足应缴") && c.question.contains("仍要保存吗"),
        "{}",
        c.question
    );
    assert!(!c.yes, "No is the default");
    app.update(Action::Confirm);
    assert_eq!(
        PolicySet::load(Some(&config)).get("yibin-2027").unwrap().personal_premium_fen,
        38_000,
        "No saves nothing"
    );
}

/// A premium typed over the one the policy form filled in replaces it, as in the payment form: 「400」 typed on the
/// policy screen over 380 was saved as 380400 元 at once, to be quoted by every form of the year. A premium far from
/// the file's (a digit too many) is asked about first, No keeping the file; the new policy's form replaces too,
/// and asks the same against its base.
#[test]
fn a_premium_typed_over_the_policy_forms_replaces_it_and_a_far_one_is_asked() {
    use canbao::domain::policy::PolicySet;
    use canbao::tui::modal::Modal;
    use canbao::tui::palette::Command;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::create_dir_all(config.join("policies")).unwrap();
    let renewed = common::yibin_2027(38_000);
    let file = config.join("policies/yibin-2027.toml");
    std::fs::write(&file, &renewed).unwrap();
    let drive = dir.path().join("school.db");
    let opts = Options { config_dir: Some(config.clone()), ..options(Language::Zh) };
    let mut app = App::new(Store::open(&drive).unwrap(), &opts).unwrap();
    app.update(Action::Resize(120, 30));
    let premium = || PolicySet::load(Some(&config)).get("yibin-2027").unwrap().personal_premium_fen;
    let open_form = |app: &mut App| {
        app.modal = None;
        app.run_command(Command::Policies);
        app.update(Action::Top);
        for _ in 0..20 {
            if screen(app).iter().any(|l| l.contains("> yibin-2027")) {
                break;
            }
            app.update(Action::Down);
        }
        app.update(Action::Edit);
        assert!(matches!(app.modal, Some(Modal::EditPolicy(_))), "{}", screen(app).join("\n"));
    };
    let type_in = |app: &mut App, text: &str| text.chars().for_each(|c| app.update(Action::Input(c)));

    open_form(&mut app);
    type_in(&mut app, "400");
    app.update(Action::Confirm);
    assert!(!matches!(app.modal, Some(Modal::Confirm(_))), "400 over 380 is no slip: {}", screen(&app).join("\n"));
    assert_eq!(premium(), 40_000, "the typed premium replaced the one filled in");

    // Edited in place (the caret moved first), the typed digits join: a digit too many is asked about.
    open_form(&mut app);
    app.update(Action::Backspace);
    type_in(&mut app, "00");
    app.update(Action::Confirm);
    let Some(Modal::Confirm(c)) = &app.modal else { panic!("4000 saved unasked: {}", screen(&app).join("\n")) };
    assert!(c.question.contains("4000") && c.question.contains("400 元"), "{}", c.question);
    assert!(!c.yes, "No is the default");
    app.update(Action::Back);
    assert!(matches!(app.modal, Some(Modal::EditPolicy(_))), "No goes back to the form as typed");
    assert_eq!(premium(), 40_000, "No keeps the file");
    app.update(Action::Confirm);
    let Some(Modal::Confirm(c)) = &mut app.modal else { panic!("not asked again") };
    c.yes = true;
    app.update(Action::Confirm);
    assert_eq!(premium(), 400_000, "yes saves it");

    // The new policy's form: its premium, filled in from the base (4000), is replaced too, and 39 is asked.
    app.modal = None;
    app.open_new_policy(Some("yibin-2027".into()));
    let Some(Modal::NewPolicy(form)) = &mut app.modal else { panic!("form") };
    assert_eq!(form.focus, canbao::tui::modal::NewPolicyField::Premium);
    form.name = canbao::tui::input::LineInput::with_text("yibin-b");
    form.touched[0] = true;
    type_in(&mut app, "39");
    app.update(Action::Confirm);
    let Some(Modal::Confirm(c)) = &app.modal else { panic!("39 written unasked: {}", screen(&app).join("\n")) };
    assert!(c.question.contains("「39 元」") && c.question.contains("「4000 元」"), "{}", c.question);
    app.update(Action::Back);
    let Some(Modal::NewPolicy(form)) = &app.modal else { panic!("No goes back to the form") };
    assert_eq!(form.premium.text(), "39", "typed over, not joined to 4000");
    assert!(!config.join("policies/yibin-b.toml").exists(), "No writes nothing");
    app.update(Action::Confirm);
    let Some(Modal::Confirm(c)) = &mut app.modal else { panic!("not asked again") };
    c.yes = true;
    app.update(Action::Confirm);
    assert!(config.join("policies/yibin-b.toml").exists(), "yes writes it: {}", screen(&app).join("\n"));
}

/// The sheet typed as a CSV on a drive of two schools: refused before anything is written, naming the screen's
/// way (a workbook, a sheet per school), where it said the command line's 「请用 --school」; the workbook is written.
#[test]
fn a_csv_of_a_drive_of_several_schools_names_the_workbook_not_a_flag() {
    let (dir, drive) = sample_drive();
    {
        let mut store = Store::open(&drive).unwrap();
        let first17 = "45020520160305123";
        let number = format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()));
        let list = dir.path().join("城关小学.csv");
        std::fs::write(&list, format!("姓名,身份证号码,班级\n侯佑,{number},一年级1班\n")).unwrap();
        canbao::io::class_list::import(&mut store, &[list.as_path()], Some("城关小学"), false).unwrap();
        assert_eq!(store.schools().unwrap().len(), 2);
    }
    for (lang, said) in
        [(Language::Zh, "请把文件名改为 .xlsx 再导出"), (Language::En, "name the file .xlsx and export again")]
    {
        let mut app = app_on(&drive, lang);
        let csv = dir.path().join("名单.csv");
        app.start_export(csv.clone());
        wait_for_jobs(&mut app);
        let status = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
        assert!(status.contains(said) && status.contains("城关小学"), "{lang:?}: {status}");
        assert!(!status.contains("--school"), "{lang:?}: {status}");
        assert!(!csv.exists(), "{lang:?}: nothing written");
    }
    let mut app = app_on(&drive, Language::Zh);
    let book = dir.path().join("名单.xlsx");
    app.start_export(book.clone());
    wait_for_jobs(&mut app);
    assert!(book.exists(), "{:?}", app.status);
}

/// The drive's policy file edited in a window opened read-only: the file is saved, the drive keeps its copy, and
/// the status line names the screen's way to take the file (「政策：查看与选定」 in a window that can change the
/// drive), where it named the command line's `canbao policy use NAME`.
#[test]
fn a_policy_edited_in_a_read_only_window_names_the_palettes_way_to_take_it() {
    use canbao::tui::modal::Modal;
    use canbao::tui::palette::Command;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::create_dir_all(config.join("policies")).unwrap();
    let text = canbao::domain::policy::builtin_text("yibin-2024").unwrap().replace("yibin-2024", "yibin-2027");
    std::fs::write(config.join("policies/yibin-2027.toml"), text).unwrap();
    let drive = dir.path().join("school.db");
    {
        let mut store = Store::open(&drive).unwrap();
        canbao::demo::load_sample(&mut store).unwrap();
        store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2027").unwrap();
    }
    for (lang, way) in [(Language::Zh, "「政策：查看与选定」"), (Language::En, "\"Policy: show and choose\"")]
    {
        let opts =
            Options { lang, operator: Some("测试".into()), config_dir: Some(config.clone()), ..Default::default() };
        let mut app = App::new(Store::open_read_only(&drive).unwrap(), &opts).unwrap();
        app.update(Action::Resize(120, 30));
        app.run_command(Command::Policies);
        app.update(Action::Top);
        for _ in 0..10 {
            if screen(&app).iter().any(|l| l.contains("> yibin-2027")) {
                break;
            }
            app.update(Action::Down);
        }
        app.update(Action::Edit);
        assert!(matches!(app.modal, Some(Modal::EditPolicy(_))), "{lang:?}: {}", screen(&app).join("\n"));
        app.update(Action::Confirm);
        let status = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
        assert!(status.contains(way), "{lang:?}: {status}");
        assert!(!status.contains("policy use"), "{lang:?}: {status}");
    }
}

/// The restore picker shows beside each backup's name (whose time is UTC) when it was taken on the screen's
/// clock, Beijing time, and why: the backup "just before the wrong import" is picked from the list.
#[test]
fn the_restore_picker_gives_each_backups_beijing_time_and_kind() {
    use canbao::tui::modal::PathPurpose;
    let (_dir, drive) = sample_drive();
    let made = Store::open(&drive).unwrap().backup_now("import").unwrap().expect("a file drive");
    let name = made.file_name().unwrap().to_string_lossy().into_owned();
    // The drive's part of the name, before its date and time: the stamp is set to a known instant.
    let parts: Vec<&str> = name.rsplitn(4, '-').collect();
    let key = parts[3];
    let stamped = made.with_file_name(format!("{key}-20261207-095652.805Z-import.db"));
    std::fs::rename(&made, &stamped).unwrap();
    let daily = made.with_file_name(format!("{key}-20261206-230000.000Z-daily.db"));
    std::fs::copy(&stamped, &daily).unwrap();
    for (lang, words) in [
        (Language::Zh, ["2026-12-07 17:56 导入前", "2026-12-07 07:00 每日"]),
        (Language::En, ["2026-12-07 17:56 before an import", "2026-12-07 07:00 daily"]),
    ] {
        let mut app = app_on(&drive, lang);
        app.open_picker(PathPurpose::Restore);
        let shown = screen(&app).join("\n");
        for said in words {
            assert!(shown.contains(said), "{said}\n{shown}");
        }
    }
}
/// A list of new pupils of the sample school's 一年级1班, named `names`, written to `dir`.
fn newcomers(dir: &Path, file: &str, names: &[&str]) -> PathBuf {
    let mut csv = String::from("学校,姓名,身份证号码,年级,班级\n");
    for (k, name) in names.iter().enumerate() {
        // Numbers no sample pupil holds: born 2019-02-01, sequence 700 on.
        let body = format!("45020320190201{:03}", 700 + k + usize::from(file.as_bytes()[0] - b'a') * 10);
        let check = canbao::domain::id_number::check_char(body.as_bytes());
        csv.push_str(&format!("柳州市示范小学,{name},{body}{check},一年级,1班\n"));
    }
    let path = dir.join(file);
    std::fs::write(&path, csv).unwrap();
    path
}

/// The writer imports `list` (every pupil's place in the roster can move): a read-only window reads the roster
/// again on a worker.
fn import_into(writer: &mut Store, list: PathBuf) {
    let mut request = canbao::io::class_list::ImportRequest::new(writer, vec![list], None).unwrap();
    request.preview(writer).unwrap();
    request.run(writer, false).unwrap();
}

/// A search typed while the worker reads the writer's import (for the search as it was when it started) is
/// kept, and the new roster is shown as that search finds it: the new pupil it names, not the list it replaced.
#[test]
fn a_search_typed_while_the_import_is_read_again_is_applied_to_the_new_roster() {
    let (dir, drive) = sample_drive();
    let mut writer = Store::open(&drive).unwrap();
    let mut app = App::new(Store::open_read_only(&drive).unwrap(), &options(Language::Zh)).unwrap();
    app.update(Action::Resize(120, 30));
    import_into(&mut writer, newcomers(dir.path(), "a.csv", &["钱新来", "赵新到"]));
    app.update(Action::Tick);
    assert!(app.follow_loading(), "read on a worker");
    app.update(Action::Search);
    for c in "钱新来".chars() {
        app.update(Action::Input(c));
    }
    assert!(app.roster.shown().is_empty(), "not in the roster on screen yet");
    wait_for_reload(&mut app);
    assert_eq!(app.roster.search_input().text(), "钱新来", "the search is kept");
    assert!(app.roster.is_searching(), "with the keyboard");
    let names: Vec<&str> = app.roster.shown().iter().map(|&i| app.data.name(i as usize)).collect();
    assert_eq!(names, ["钱新来"], "and applied to the new roster");
    assert!(screen(&app).iter().any(|l| l.contains("钱新来")));

    // Taken back to nothing while it is read again: every pupil, the new ones among them.
    import_into(&mut writer, newcomers(dir.path(), "b.csv", &["孙又来"]));
    app.update(Action::Tick);
    assert!(app.follow_loading());
    while !app.roster.search_input().text().is_empty() {
        app.update(Action::Backspace);
    }
    wait_for_reload(&mut app);
    assert_eq!(app.roster.shown().len(), app.data.len());
}

/// The pupil under the cursor stays under it when the writer's import is read again, by id: the import puts
/// new pupils before them in the roster, and their row is another child's afterwards. On the detail screen
/// too, which then still shows them.
#[test]
fn the_cursor_stays_on_the_same_pupil_after_the_import_is_read_again() {
    let (dir, drive) = sample_drive();
    let mut writer = Store::open(&drive).unwrap();
    for detail in [false, true] {
        let mut app = App::new(Store::open_read_only(&drive).unwrap(), &options(Language::Zh)).unwrap();
        app.update(Action::Resize(120, 30));
        let last = app.data.len() - 1;
        app.roster.select(last);
        let id = app.selected_id().expect("a pupil");
        let name = app.data.name(last).to_owned();
        if detail {
            app.update(Action::OpenDetail);
        }
        let names: &[&str] = if detail { &["阿新一", "阿新二"] } else { &["阿新三"] };
        import_into(&mut writer, newcomers(dir.path(), if detail { "c.csv" } else { "d.csv" }, names));
        app.update(Action::Tick);
        wait_for_reload(&mut app);
        let row = app.data.index_of(id).expect("still in the drive");
        assert_ne!(row, last, "the import moved them to another row");
        assert_eq!(app.selected_id(), Some(id), "the same pupil, detail: {detail}");
        assert_eq!(app.data.name(app.roster.selected_row().expect("a row")), name);
        assert!(screen(&app).iter().any(|l| l.contains(&name)), "on screen");
    }
}

/// The sample school under yibin-2024 (380 due), its first pupil paid 300 on 2023-10-10: part-paid.
fn part_paid_drive() -> (tempfile::TempDir, PathBuf, i64) {
    use canbao::domain::student::{PaymentDetails, PaymentStatus};
    let (dir, drive) = sample_drive();
    let mut store = Store::open(&drive).unwrap();
    let set = "UPDATE meta SET value = '2024' WHERE key IN ('current_year', 'first_year')";
    assert_eq!(store.connection().execute(set, []).unwrap(), 2);
    store.reload_year().unwrap();
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").unwrap();
    let part = store.students(&Default::default()).unwrap()[0].id;
    let details = PaymentDetails {
        amount_fen: Some(30_000),
        paid_on: chrono::NaiveDate::from_ymd_opt(2023, 10, 10),
        channel: None,
    };
    store.set_payment(part, PaymentStatus::Paid, &details).unwrap();
    (dir, drive, part)
}

/// What the worker works out with the roster it reads (the part payments, the schools, the rows the search
/// and the filters leave) is what the window works out from the same roster on its own thread. The part
/// payments are marked before the filters run: a part-paid pupil (300 of 380) is among 未缴费 after the
/// reload, as before it. Before, the 缴费 filter ran on the new roster before its part payments were marked,
/// and she left the 未缴费 list at the writer's next import.
#[test]
fn the_roster_made_ready_on_the_worker_is_the_one_made_on_the_screens_thread() {
    use canbao::domain::student::PaymentStatus;
    let (dir, drive, part) = part_paid_drive();
    let mut writer = Store::open(&drive).unwrap();
    let unpaid = |app: &mut App| {
        app.set_filters(|f| f.payment = Some(PaymentStatus::Unpaid));
        app.update(Action::Search);
        for c in "一年级".chars() {
            app.update(Action::Input(c));
        }
    };
    let mut following = App::new(Store::open_read_only(&drive).unwrap(), &options(Language::Zh)).unwrap();
    following.update(Action::Resize(120, 30));
    unpaid(&mut following);
    let shows = |app: &App, id: i64| app.roster.shown().iter().any(|&i| app.data.rows[i as usize].id == id);
    assert!(following.data.rows[following.data.index_of(part).unwrap()].part_paid);
    assert!(shows(&following, part), "part-paid: still to collect");

    import_into(&mut writer, newcomers(dir.path(), "e.csv", &["钱新来"]));
    following.update(Action::Tick);
    wait_for_reload(&mut following);
    assert!(shows(&following, part), "still among 未缴费 after the reload");

    let mut here = App::new(Store::open_read_only(&drive).unwrap(), &options(Language::Zh)).unwrap();
    here.update(Action::Resize(120, 30));
    unpaid(&mut here);
    let data = canbao::tui::roster::RosterData::load(&here.store).unwrap();
    here.replace_data(data);
    assert_eq!(following.data.rows, here.data.rows, "the same rows, part payments marked alike");
    assert!(following.data.rows.iter().any(|r| r.part_paid));
    assert_eq!(following.schools, here.schools);
    assert_eq!(following.roster.filters(), here.roster.filters());
    let ids = |app: &App| app.roster.shown().iter().map(|&i| app.data.rows[i as usize].id).collect::<Vec<_>>();
    assert_eq!(ids(&following), ids(&here), "the same rows shown, in the same order");
    assert!(ids(&here).len() > 1);
}

/// A window on the dashboard while the writer's import is read again shows the dashboard counted on the worker
/// with the roster: the same as a window opened after the import counts it.
#[test]
fn the_dashboard_counted_with_the_roster_on_the_worker_is_the_one_counted_on_opening() {
    let (dir, drive, _) = part_paid_drive();
    let mut writer = Store::open(&drive).unwrap();
    let mut following = App::new(Store::open_read_only(&drive).unwrap(), &options(Language::Zh)).unwrap();
    following.update(Action::Resize(120, 30));
    following.update(Action::Dashboard);
    let before = screen(&following);
    import_into(&mut writer, newcomers(dir.path(), "f.csv", &["钱新来", "赵新到", "孙又来"]));
    following.update(Action::Tick);
    wait_for_reload(&mut following);
    let mut fresh = App::new(Store::open_read_only(&drive).unwrap(), &options(Language::Zh)).unwrap();
    fresh.update(Action::Resize(120, 30));
    fresh.update(Action::Dashboard);
    // The status line says the writer's changes were read; the rest is the dashboard.
    let body = |lines: Vec<String>| lines[..lines.len() - 2].to_vec();
    assert_ne!(body(before), body(screen(&following)), "the new pupils are counted");
    assert_eq!(body(screen(&following)), body(screen(&fresh)));
}

/// The palette's 添加学生 opens a form (name, ID number, class, phone); a form without a name is refused in the
/// form; Enter writes the pupil as a one-row list and shows its import's preview, nothing written yet; Enter
/// there adds the pupil, recorded as imported from 「手工添加.csv」, and the list is removed.
#[test]
fn the_palettes_add_a_pupil_previews_the_import_and_enter_adds_them() {
    use canbao::tui::modal::Modal;
    let (_dir, drive) = sample_drive();
    let mut app = app_on(&drive, Language::Zh);
    let before = students_in(&drive);
    let class = app.data.classes[app.data.rows[0].class as usize].clone();
    open_add_pupil(&mut app);
    assert!(matches!(app.modal, Some(Modal::AddPupil(_))), "{:?}", app.status);
    assert!(screen(&app).iter().any(|r| r.contains("身份证号码")), "{:#?}", screen(&app));
    app.update(Action::Confirm);
    let Some(Modal::AddPupil(form)) = &app.modal else { panic!("the form stays: {:?}", app.status) };
    assert_eq!(form.error.as_deref(), Some("请填写学生姓名"));
    let id = "450202201911021741";
    fill_fields(&mut app, &["龙小雨", id, class.as_str(), "13800138000"]);
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    let Some(Modal::ImportPreview { preview, .. }) = &app.modal else { panic!("the preview: {:?}", app.status) };
    assert_eq!((preview.added, preview.rows_read), (1, 1), "{preview:?}");
    assert_eq!(students_in(&drive), before, "the preview writes nothing");
    let list = app.added_pupil.as_ref().map(|l| l.path().to_path_buf()).expect("the list is kept for Enter");
    assert!(list.is_file());
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    assert_eq!(students_in(&drive), before + 1, "{:?}", app.status);
    assert!(!list.exists() && app.added_pupil.is_none(), "the one-row list is removed once imported");
    let store = Store::open_read_only(&drive).unwrap();
    let held = store.student_by_id_number(id).unwrap().expect("龙小雨");
    assert_eq!(held.name, "龙小雨");
    assert!(class.ends_with(&held.class), "{class} {}", held.class);
    let history = store.history(held.id).unwrap();
    assert!(
        history.iter().any(|e| e.action == "import" && e.new.as_deref().is_some_and(|n| n.starts_with("手工添加.csv"))),
        "{history:?}"
    );
}

/// The palette's 添加学生 on a drive of one school puts the pupil in it: the preview names the school and asks
/// nothing, Enter adds the pupil there. Before, the preview asked 「请输入他们的学校名称」 of the one pupil typed
/// in, as of a list's new pupils. A drive of several schools asks which in the form, first, and the preview then
/// asks nothing: the pupil goes to the school chosen.
#[test]
fn adding_a_pupil_on_a_drive_of_one_school_does_not_ask_the_school() {
    use canbao::tui::modal::{AddPupilField, Modal};
    let add = |app: &mut App, id: &str, class: &str| {
        open_add_pupil(app);
        let Some(Modal::AddPupil(form)) = &app.modal else { panic!("{:?}", app.status) };
        // A drive of several schools asks the school first: the last of them chosen, then the pupil typed.
        if form.focus == AddPupilField::School {
            app.update(Action::Left);
            app.update(Action::NextField);
        }
        fill_fields(app, &["龙小雨", id, class]);
        app.update(Action::Confirm);
        wait_for_jobs(app);
    };
    let asked = |app: &App| screen(app).iter().any(|r| r.contains("请输入他们的学校名称"));
    let (_dir, drive) = sample_drive();
    let mut app = app_on(&drive, Language::Zh);
    let school = app.store.schools().unwrap()[0].clone();
    let class = app.data.classes[app.data.rows[0].class as usize].clone();
    let id = "450202201911021741";
    add(&mut app, id, &class);
    let Some(Modal::ImportPreview { school: asked_school, preview, .. }) = &app.modal else {
        panic!("the preview: {:?}", app.status)
    };
    assert!(asked_school.is_none(), "no school asked on a drive of one");
    assert_eq!((preview.added, preview.added_without_school), (1, 0), "{preview:?}");
    assert!(!asked(&app), "{:#?}", screen(&app));
    assert!(screen(&app).iter().any(|r| r.contains(&school)), "the preview names the school: {:#?}", screen(&app));
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    let held = Store::open_read_only(&drive).unwrap().student_by_id_number(id).unwrap().expect("added");
    assert_eq!(held.school, school);

    // A second school on the drive: which one is asked, as for a list.
    drop(app);
    let mut store = Store::open(&drive).unwrap();
    let today = store.today();
    let first17 = "45020220150300011";
    let other = format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()));
    let row = canbao::store::Incoming {
        school: "第二小学".into(),
        school_given: true,
        name: "第二校生".into(),
        id_raw: other.clone(),
        id: canbao::domain::id_number::check(&other, today),
        grade: "三年级".into(),
        class: "1班".into(),
        phone: String::new(),
        ethnicity: String::new(),
        address: String::new(),
        status: Default::default(),
        categories: Vec::new(),
        note: String::new(),
        source: "t.csv:2".into(),
        repeat: None,
        birth_date: None,
        sex: None,
    };
    store.apply_import(&[row], &[], 0, false).unwrap();
    drop(store);
    let mut app = app_on(&drive, Language::Zh);
    let schools = app.store.schools().unwrap();
    assert_eq!(schools.len(), 2);
    let chosen = schools.last().unwrap().clone();
    add(&mut app, "450202201911021661", "三年级1班");
    if let Some(Modal::Confirm(_)) = &app.modal {
        app.update(Action::Yes);
        wait_for_jobs(&mut app);
    }
    let Some(Modal::ImportPreview { school: asked_school, .. }) = &app.modal else {
        panic!("the preview: {:?}", app.status)
    };
    assert!(asked_school.is_none(), "chosen in the form, not asked again");
    assert!(!asked(&app), "{:#?}", screen(&app));
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    let held = Store::open_read_only(&drive).unwrap().student_by_id_number("450202201911021661").unwrap();
    assert_eq!(held.expect("added").school, chosen);
}

/// 添加学生 with a class the school does not have (a typo at the counter: 一年级9班 in a school with 一年级1–3班)
/// asks as `E` asks, No the default, naming the nearest classes; No goes back to the form at the class, nothing
/// read; Yes previews the import as typed. Before, the preview only counted 「新增 1」 and Enter made a one-pupil
/// class.
#[test]
fn the_palettes_add_a_pupil_asks_about_a_class_the_school_does_not_have() {
    use canbao::tui::modal::{AddPupilField, Modal};
    let (_dir, drive) = sample_drive();
    let mut app = app_on(&drive, Language::Zh);
    let before = students_in(&drive);
    open_add_pupil(&mut app);
    fill_fields(&mut app, &["插班生", "450202201911021741", "一年级9班"]);
    app.update(Action::Confirm);
    let Some(Modal::Confirm(confirm)) = &app.modal else { panic!("not asked: {:?}", app.status) };
    assert!(confirm.question.starts_with("本校没有 一年级9班，新建这个班级？"), "{}", confirm.question);
    assert!(confirm.question.contains("一年级1班"), "{}", confirm.question);
    assert!(!confirm.yes, "No is the default");
    app.update(Action::Confirm);
    let Some(Modal::AddPupil(form)) = &app.modal else { panic!("No goes back to the form: {:?}", app.status) };
    assert_eq!((form.class.text(), form.focus), ("一年级9班", AddPupilField::Class));
    assert!(app.added_pupil.is_none(), "nothing read");
    // Enter again asks again; Yes previews the import as typed.
    app.update(Action::Confirm);
    assert!(matches!(app.modal, Some(Modal::Confirm(_))), "{:?}", app.status);
    app.update(Action::Yes);
    wait_for_jobs(&mut app);
    let Some(Modal::ImportPreview { preview, .. }) = &app.modal else { panic!("the preview: {:?}", app.status) };
    assert_eq!(preview.added, 1, "{preview:?}");
    assert_eq!(students_in(&drive), before, "the preview writes nothing");
}

/// A merge of a file that started the next year, refused on the screen while this year's concentrated period is
/// open, says the screen's way to start the year (the palette's entry, which asks first), never the command line's
/// `--force`, in both languages.
#[test]
fn a_merge_from_the_next_year_refused_on_screen_names_no_command_line_flag() {
    let (dir, drive) = sample_drive();
    canbao::demo::mark_as_demo(&mut Store::open(&drive).unwrap()).unwrap();
    let other = dir.path().join("other.db");
    std::fs::copy(&drive, &other).unwrap();
    let mut store = Store::open(&other).unwrap();
    let year = store.current_year().unwrap();
    store.start_year(year + 1, true, None, false).unwrap();
    drop(store);
    for lang in [Language::Zh, Language::En] {
        let mut app = app_on(&drive, lang);
        let policy = app.store.kept_policy(&canbao::demo::demo_policy_name(year));
        assert!(policy.is_some(), "the sample's policy");
        app.start(canbao::tui::jobs::Work::Merge { file: other.clone(), dry_run: true, policy });
        wait_for_jobs(&mut app);
        let said = screen(&app).join("\n");
        let status = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
        let all = format!("{said}\n{status}");
        assert!(all.contains(&(year + 1).to_string()), "{all}");
        assert!(!all.contains("--force") && !all.contains("--promote"), "{all}");
        let asks = if lang == Language::Zh { "会先询问" } else { "asks first" };
        assert!(all.contains(asks), "{all}");
    }
}

/// 添加学生 with a number already on the roster (typed as is, or typed into 姓名 with the name in 身份证号码 and put
/// right) is refused in the form, first and plainly: the number is already that pupil's, named with class and
/// status, no new pupil, and `E` on that pupil is the way to change them. Before, the form previewed a generic
/// import whose 5th line said the paid pupil would be renamed and moved, and Enter did it.
#[test]
fn adding_a_pupil_with_a_number_on_the_roster_is_refused_naming_that_pupil() {
    use canbao::domain::student::PaymentStatus;
    use canbao::tui::modal::{AddPupilField, Modal};
    let (_dir, drive) = sample_drive();
    let mut store = Store::open(&drive).unwrap();
    let pupils = store.students(&canbao::store::StudentFilter::default()).unwrap();
    let held = pupils.iter().find(|s| s.id_problem.is_none()).expect("a valid number").clone();
    let other_class = pupils.iter().map(|s| s.class_label()).find(|c| *c != held.class_label()).unwrap();
    let details = canbao::domain::student::PaymentDetails {
        amount_fen: Some(38_000),
        ..canbao::domain::student::PaymentDetails::default()
    };
    store.set_payment(held.id, PaymentStatus::Paid, &details).unwrap();
    drop(store);
    for (lang, swapped) in [(Language::Zh, true), (Language::Zh, false), (Language::En, true)] {
        let mut app = app_on(&drive, lang);
        open_add_pupil(&mut app);
        let typed =
            if swapped { [held.id_number.as_str(), "周新新"] } else { ["周新新", held.id_number.as_str()] };
        fill_fields(&mut app, &[typed[0], typed[1], other_class.as_str()]);
        app.update(Action::Confirm);
        wait_for_jobs(&mut app);
        let Some(Modal::AddPupil(form)) = &app.modal else { panic!("refused in the form: {:#?}", screen(&app)) };
        let said = form.error.clone().unwrap_or_default();
        let expected = match lang {
            Language::Zh => format!("此身份证号码已是 {}（{}，已缴费）：不是新学生", held.name, held.class_label()),
            _ => format!("this ID number is already {}'s ({}, paid): not a new pupil", held.name, held.class_label()),
        };
        assert!(said.starts_with(&expected), "{said}");
        assert!(said.contains(" E"), "points to E: {said}");
        assert_eq!(form.focus, if swapped { AddPupilField::Name } else { AddPupilField::Id });
        assert!(app.added_pupil.is_none(), "nothing read");
        assert!(screen(&app).join("\n").contains(&held.name), "{:#?}", screen(&app));
        drop(app);
        let now = Store::open_read_only(&drive).unwrap().student_by_id_number(&held.id_number).unwrap().unwrap();
        assert_eq!((now.name.clone(), now.class_label()), (held.name.clone(), held.class_label()));
    }
}

/// 添加学生 with the name typed into 身份证号码 and the number into 姓名 is put right and said as of the form: 「请核对
/// 输入」, naming no file nor row. Before, it said 「手工添加.csv 第 2 行：… 请核对原表」 of a list the operator never saw.
#[test]
fn adding_a_pupil_with_name_and_number_swapped_says_check_what_was_typed() {
    use canbao::tui::modal::Modal;
    let (_dir, drive) = sample_drive();
    let mut app = app_on(&drive, Language::Zh);
    let class = app.data.classes[app.data.rows[0].class as usize].clone();
    open_add_pupil(&mut app);
    fill_fields(&mut app, &["450202201911021741", "龙小云", class.as_str()]);
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    let Some(Modal::ImportPreview { preview, .. }) = &app.modal else { panic!("the preview: {:?}", app.status) };
    let said = format!("{preview:?}\n{}", screen(&app).join("\n"));
    assert!(said.contains("像是两栏填反了") && said.contains("请核对输入"), "{said}");
    assert!(!said.contains("请核对原表") && !said.contains("手工添加.csv 第"), "{said}");
}

/// 添加学生 with the number of a pupil 已离校 (who came back) is refused pointing at the enrollment, `e` on that
/// pupil on the roster, which brings them back: `E` changes the name and class only. Before, the refusal named `E`
/// for every pupil, a returning one too.
#[test]
fn adding_a_pupil_who_left_points_at_the_enrollment_not_at_e() {
    use canbao::domain::student::Enrollment;
    use canbao::tui::modal::Modal;
    let (_dir, drive) = sample_drive();
    let mut store = Store::open(&drive).unwrap();
    let pupils = store.students(&canbao::store::StudentFilter::default()).unwrap();
    let held = pupils.iter().find(|s| s.id_problem.is_none()).expect("a valid number").clone();
    store.set_enrollment(held.id, Enrollment::Left, None).unwrap();
    drop(store);
    for lang in [Language::Zh, Language::En] {
        let mut app = app_on(&drive, lang);
        open_add_pupil(&mut app);
        fill_fields(&mut app, &["周新新", held.id_number.as_str(), held.class_label().as_str()]);
        app.update(Action::Confirm);
        wait_for_jobs(&mut app);
        let Some(Modal::AddPupil(form)) = &app.modal else { panic!("refused in the form: {:#?}", screen(&app)) };
        let said = form.error.clone().unwrap_or_default();
        let (left, how) = match lang {
            Language::Zh => ("已离校，", "按 e 改参保状态"),
            _ => ("left, ", "press e to change their enrollment"),
        };
        assert!(said.contains(left) && said.contains(how), "{said}");
        assert!(!said.contains(" E"), "E does not bring them back: {said}");
    }
}

/// The picker lists a folder of class lists in grade order, numbers written in Chinese numerals or digits taken
/// as numbers (一年级, 二年级, 三年级 … 十年级; 2班 before 10班), folders first, as the roster orders classes.
/// Before, 三年级 came before 二年级 (code-point order: 二 is U+4E8C, 三 U+4E09).
#[test]
fn the_picker_lists_grades_in_number_order() {
    use canbao::tui::modal::{Modal, PathPurpose};
    let (dir, drive) = sample_drive();
    let lists = dir.path().join("名单");
    std::fs::create_dir_all(lists.join("十年级")).unwrap();
    std::fs::create_dir_all(lists.join("二年级")).unwrap();
    let files = ["一年级名单.xlsx", "三年级.xlsx", "二年级.csv", "五年级.xlsx", "六年级10班.csv", "六年级2班.csv"];
    for name in files {
        std::fs::write(lists.join(name), "姓名\n").unwrap();
    }
    let mut app = app_on(&drive, Language::Zh);
    app.open_picker(PathPurpose::Import);
    let Some(Modal::Files(p)) = &mut app.modal else { panic!("the picker is open") };
    p.dir = lists.clone();
    p.read();
    let names: Vec<&str> = p.entries.iter().map(|e| e.name.as_str()).filter(|n| *n != "..").collect();
    assert_eq!(
        names,
        [
            "二年级",
            "十年级",
            "一年级名单.xlsx",
            "二年级.csv",
            "三年级.xlsx",
            "五年级.xlsx",
            "六年级2班.csv",
            "六年级10班.csv"
        ]
    );
}

/// The first import into a drive with no policy ends its report saying the year has none and how to make or
/// choose one; the next import says it no more.
#[test]
fn the_first_import_into_a_drive_without_a_policy_says_how_to_make_one() {
    let (_dir, drive) = sample_drive();
    let list = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    let mut app = app_on(&drive, Language::Zh);
    assert!(app.policy.is_none(), "the sample drive has no policy");
    let year = app.store.current_year().expect("a year");
    let report = |app: &App| match &app.modal {
        Some(canbao::tui::modal::Modal::Message(m)) => m.lines.join("\n"),
        Some(canbao::tui::modal::Modal::Leavers { lines, .. }) => lines.join("\n"),
        _ => panic!("no report: {:?}", app.status),
    };
    preview_import(&mut app, &list);
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    let said = report(&app);
    assert!(said.contains(&format!("还没有 {year} 年度的参保政策")) && said.contains("政策：生成本年度政策"), "{said}");
    assert!(said.contains("canbao policy new"), "{said}");
    app.update(Action::Back);
    preview_import(&mut app, &list);
    app.update(Action::Confirm);
    wait_for_jobs(&mut app);
    assert!(!report(&app).contains("参保政策"), "said once: {}", report(&app));
}
