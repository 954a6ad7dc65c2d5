//! Insured years in the TUI: the palette starts the next year after showing the dry run's report, the title
//! names the year, and switching to an earlier year shows its statuses read-only until switched back.

use canbao::domain::student::{PaymentDetails, PaymentStatus};
use canbao::store::{Store, StudentFilter};
use canbao::tui::palette::Command;
use canbao::tui::{Action, App, Language, Options, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn title(app: &App) -> String {
    screen(app).lines().next().unwrap_or_default().to_owned()
}

/// The screen as text, wide characters once (not followed by their hidden cell).
fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("terminal");
    terminal.draw(|f| views::draw(f, app)).expect("draw");
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut skip = 0;
        for x in 0..buffer.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let symbol = buffer[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
            out.push_str(symbol);
        }
        out.push('\n');
    }
    out
}

#[test]
fn the_palette_starts_the_next_year_and_switches_to_the_last_one_read_only() {
    let mut store = Store::open_in_memory().expect("store");
    store.set_fixed_clock("2026-11-23T10:00:00+08:00");
    canbao::demo::load_sample(&mut store).expect("sample");
    let first = store.students(&StudentFilter::default()).expect("list")[0].id;
    let details = PaymentDetails { amount_fen: Some(38000), ..Default::default() };
    store.set_payment(first, PaymentStatus::Paid, &details).expect("paid");
    let year = store.current_year().expect("a year");
    let options = Options { lang: Language::Zh, theme: None, operator: Some("测试".into()), config_dir: None };
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(100, 40));
    assert!(!title(&app).contains("年度"), "a drive in its first year has no year to tell apart");

    app.run_command(Command::SwitchYear);
    assert!(!app.store.is_read_only(), "no earlier year yet");

    // The report first; No leaves everything as it was.
    app.run_command(Command::NewYear);
    let asked = screen(&app);
    assert!(asked.contains(&format!("开始 {} 年度", year + 1)) && asked.contains("升级"), "{asked}");
    app.update(Action::Back);
    assert_eq!(app.store.current_year(), Some(year));
    app.run_command(Command::NewYear);
    app.update(Action::Yes);
    app.update(Action::Confirm);
    assert_eq!(app.store.current_year(), Some(year + 1));
    assert!(title(&app).contains(&format!("{}年度", year + 1)), "{}", title(&app));
    assert_eq!(app.store.student(first).expect("pupil").payment, PaymentStatus::Unpaid);

    // Last year: its payment, read-only, named in the title.
    app.run_command(Command::SwitchYear);
    assert!(app.store.is_read_only());
    let shown = title(&app);
    assert!(shown.contains(&format!("{year}年度")) && shown.contains("只读"), "{shown}");
    assert_eq!(app.store.student(first).expect("pupil").payment_details.amount_fen, Some(38000));
    app.run_command(Command::NewYear);
    assert!(app.modal.is_none(), "no year is started from an earlier one");

    // And back.
    app.run_command(Command::SwitchYear);
    assert!(!app.store.is_read_only());
    assert!(title(&app).contains(&format!("{}年度", year + 1)));
    assert_eq!(app.store.student(first).expect("pupil").payment, PaymentStatus::Unpaid);
}

/// An earlier year is searched by the classes pupils were in that year: the class moved up since is not what a
/// search of that year finds.
#[test]
fn an_earlier_year_is_searched_by_its_own_classes() {
    let mut store = Store::open_in_memory().expect("store");
    store.set_fixed_clock("2026-11-23T10:00:00+08:00");
    let text =
        "姓名,身份证号码,年级,班级\n六年甲,450202201403010026,六年级,1班\n五年丙,450202201503010023,五年级,1班\n";
    let sheets = canbao::io::table::read_bytes(text.as_bytes(), "list.csv").expect("read");
    let inputs = vec![canbao::io::class_list::Input::Sheets("list.csv".to_owned(), sheets)];
    let today = store.today();
    let report = canbao::io::class_list::import_inputs(&mut store, inputs, None, "本校", today, false).expect("import");
    assert_eq!(report.added, 2, "{report:?}");
    let year = store.current_year().expect("a year");
    store.start_year(year + 1, true, None, false).expect("next year");
    let options = Options { lang: Language::Zh, theme: None, operator: Some("测试".into()), config_dir: None };
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(100, 30));
    let search = |app: &mut App, text: &str| {
        app.update(Action::Search);
        for c in text.chars() {
            app.update(Action::Input(c));
        }
        app.update(Action::Confirm);
        let shown = screen(app);
        app.update(Action::Back);
        shown
    };
    // This year 五年丙 is in 六年级1班 and 六年甲 has graduated.
    let now = search(&mut app, "六年级1班");
    assert!(now.contains("五年丙") && !now.contains("六年甲"), "{now}");

    app.run_command(Command::SwitchYear);
    assert!(title(&app).contains(&format!("{year}年度")), "{}", title(&app));
    let then = search(&mut app, "六年级1班");
    assert!(then.contains("六年甲") && !then.contains("五年丙"), "{then}");
    let then = search(&mut app, "五年级1班");
    assert!(then.contains("五年丙") && !then.contains("六年甲"), "{then}");
}

/// A new year started from the palette, with the whole roster selected first.
fn new_year_with_all_selected(lang: Language) -> App {
    let mut store = Store::open_in_memory().expect("store");
    store.set_fixed_clock("2026-11-23T10:00:00+08:00");
    canbao::demo::load_sample(&mut store).expect("sample");
    let year = store.current_year().expect("a year");
    let options = Options { lang, theme: None, operator: Some("测试".into()), config_dir: None };
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(120, 40));
    app.update(Action::SelectAll);
    assert!(!app.roster.marked().is_empty());
    app.run_command(Command::NewYear);
    app.update(Action::Yes);
    app.update(Action::Confirm);
    assert_eq!(app.store.current_year(), Some(year + 1));
    app
}

/// Starting a new year clears the selection: it was made on last year's statuses.
#[test]
fn a_new_year_clears_the_selection() {
    let app = new_year_with_all_selected(Language::Zh);
    assert!(app.roster.marked().is_empty(), "the selection is last year's");
    let shown = screen(&app);
    assert!(!shown.contains("已选"), "{shown}");
}

/// The promotion's history line on the detail screen says what happened in words, not with the key `year`.
#[test]
fn a_new_years_history_line_is_in_words() {
    for (lang, words) in [(Language::Zh, "新年度 年级："), (Language::En, "new year grade: ")] {
        let mut app = new_year_with_all_selected(lang);
        app.roster.clear_marks();
        // A pupil promoted, not graduated: their history has the grade change.
        let promoted = app
            .store
            .students(&StudentFilter::default())
            .expect("list")
            .into_iter()
            .find(|s| app.store.history(s.id).expect("history").iter().any(|e| e.field == "grade"))
            .expect("a promoted pupil");
        while app.selected_id() != Some(promoted.id) {
            let before = app.selected_id();
            app.update(Action::Down);
            assert_ne!(app.selected_id(), before, "the promoted pupil is in the roster");
        }
        app.update(Action::OpenDetail);
        let shown = screen(&app);
        assert!(shown.contains(words), "{lang:?}:\n{shown}");
        if lang == Language::Zh {
            assert!(!shown.contains("year"), "an English key on the Chinese screen:\n{shown}");
        }
    }
}

/// 开始新学年 while this year's concentrated period is still open says so in the question, in both languages:
/// the rest of the day's payments would go to the new year. Outside the window the question is as before.
#[test]
fn the_new_year_question_warns_while_the_concentrated_period_is_open() {
    for (lang, clock, warned) in [
        (Language::Zh, "2023-11-23T10:00:00+08:00", true),
        (Language::En, "2023-11-23T10:00:00+08:00", true),
        (Language::Zh, "2024-08-23T10:00:00+08:00", false),
    ] {
        let mut store = Store::open_in_memory().expect("store");
        store.set_fixed_clock(clock);
        // A drive begun in the autumn of 2023, whatever today's real date.
        for key in ["current_year", "first_year"] {
            store.set_meta(key, "2024").expect("year");
        }
        store.reload_year().expect("year");
        canbao::demo::load_sample(&mut store).expect("sample");
        store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("policy");
        assert_eq!(store.current_year(), Some(2024), "{clock}");
        let options = Options { lang, theme: None, operator: Some("测试".into()), config_dir: None };
        let mut app = App::new(store, &options).expect("app");
        app.update(Action::Resize(120, 40));
        app.run_command(Command::NewYear);
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
        let (line, then) = match lang {
            Language::Zh => {
                ("2024 年度的集中缴费期到 2024-02-29，还在进行中：", "开始新学年后，今天的缴费将记入 2025 年度。")
            }
            Language::En => {
                ("2024's 集中缴费期 runs until 2024-02-29 and is still open:", "today's payments count for 2025.")
            }
        };
        assert_eq!(c.question.contains(line), warned, "{clock}: {}", c.question);
        if warned {
            let shown = screen(&app);
            assert!(shown.contains(line) && shown.contains(then), "{shown}");
        }
    }
}

/// The new year's question at 120x40 in Chinese on a drive of 114 classes: the policy line wraps to two rows,
/// and the classes listed stop where the dialog does, leaving room for 「……另有 N 个班」 and the dry-run command.
#[test]
fn the_new_year_question_counts_wrapped_rows_and_keeps_the_line_of_classes_not_listed() {
    let mut store = Store::open_in_memory().expect("store");
    store.set_fixed_clock("2026-11-23T10:00:00+08:00");
    let mut text = String::from("姓名,身份证号码,年级,班级\n");
    let grades = ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"];
    for (g, grade) in grades.iter().enumerate() {
        for class in 1..=19 {
            let first17 = format!("450202{}0301{:03}", 2019 - g, g * 19 + class);
            let number = format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()));
            text.push_str(&format!("学生{g}{class},{number},{grade},{class}班\n"));
        }
    }
    let sheets = canbao::io::table::read_bytes(text.as_bytes(), "list.csv").expect("read");
    let inputs = vec![canbao::io::class_list::Input::Sheets("list.csv".to_owned(), sheets)];
    let today = store.today();
    canbao::io::class_list::import_inputs(&mut store, inputs, None, "本校", today, false).expect("import");
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("policy");
    let config = tempfile::tempdir().expect("config");
    let options = Options {
        lang: Language::Zh,
        theme: None,
        operator: Some("测试".into()),
        config_dir: Some(config.path().to_owned()),
    };
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(120, 40));
    app.run_command(Command::NewYear);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
    assert!(c.question.contains("（由当前政策生成"), "the long policy line: {}", c.question);
    let listed = c.question.lines().filter(|l| l.contains(" -> ")).count();
    let more = format!("……另有 {} 个班：canbao year new", 114 - listed);
    assert!(c.question.contains(&more), "{}", c.question);
    let shown = screen(&app);
    assert!(shown.contains(&more) && shown.contains("--promote --dry-run"), "{shown}");
    assert!(shown.contains("否") && shown.contains("是"), "{shown}");
}

/// The new year's question in English names the policy made for it as the Chinese does: made from the drive's
/// policy, written to the config folder, to be checked against the notice.
#[test]
fn the_new_year_question_in_english_says_where_its_policy_comes_from() {
    let mut store = Store::open_in_memory().expect("store");
    store.set_fixed_clock("2026-11-23T10:00:00+08:00");
    canbao::demo::load_sample(&mut store).expect("sample");
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("policy");
    let config = tempfile::tempdir().expect("config");
    let options = Options {
        lang: Language::En,
        theme: None,
        operator: Some("测试".into()),
        config_dir: Some(config.path().to_owned()),
    };
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(120, 40));
    app.run_command(Command::NewYear);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
    assert!(
        c.question.contains("(made from the drive's policy, written to the config folder when the year starts"),
        "{}",
        c.question
    );
}
