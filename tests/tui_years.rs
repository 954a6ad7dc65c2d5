//! Insured years in the TUI: the palette starts the next year after showing the dry run's report, the title
//! names the year, and switching to an earlier year shows its statuses read-only until switched back.

use canbao::domain::student::{PaymentDetails, PaymentStatus};
use canbao::store::{Store, StudentFilter};
use canbao::tui::palette::Command;
use canbao::tui::{Action, App, Language, Options};

mod common;
use common::{NOW, options};

fn title(app: &App) -> String {
    screen(app).lines().next().unwrap_or_default().to_owned()
}

/// The screen as text, wide characters once (not followed by their hidden cell).
fn screen(app: &App) -> String {
    common::rows(&common::drawn(app)).into_iter().map(|row| row + "\n").collect()
}

#[test]
fn the_palette_starts_the_next_year_and_switches_to_the_last_one_read_only() {
    let mut store = common::store(true);
    let first = store.students(&StudentFilter::default()).expect("list")[0].id;
    let details = PaymentDetails { amount_fen: Some(38000), ..Default::default() };
    store.set_payment(first, PaymentStatus::Paid, &details).expect("paid");
    let year = store.current_year().expect("a year");
    let options = options(Language::Zh, Some("测试"));
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(100, 40));
    assert!(!title(&app).contains("年度"), "a drive in its first year has no year to tell apart");

    app.run_command(Command::SwitchYear);
    assert!(!app.store.is_read_only(), "no earlier year yet");

    // The report first; No leaves everything as it was.
    // Asked first (a drive without a policy, in the collection months), then the report; 是 to the first, as
    // `--force`.
    app.run_command(Command::NewYear);
    app.update(Action::Yes);
    let asked = screen(&app);
    assert!(asked.contains(&format!("开始 {} 年度", year + 1)) && asked.contains("升级"), "{asked}");
    app.update(Action::Back);
    assert_eq!(app.store.current_year(), Some(year));
    // Past the question a drive without a policy asks first in the collection months (its 是, as `--force`).
    app.ask_new_year_early();
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
    store.set_fixed_clock(NOW);
    let text =
        "姓名,身份证号码,年级,班级\n六年甲,450202201403010026,六年级,1班\n五年丙,450202201503010023,五年级,1班\n";
    let sheets = canbao::io::table::read_bytes(text.as_bytes(), "list.csv").expect("read");
    let inputs = vec![canbao::io::class_list::Input::Sheets("list.csv".to_owned(), sheets)];
    let today = store.today();
    let report = canbao::io::class_list::import_inputs(&mut store, inputs, None, "本校", today, false).expect("import");
    assert_eq!(report.added, 2, "{report:?}");
    let year = store.current_year().expect("a year");
    store.start_year(year + 1, true, None, false).expect("next year");
    let options = options(Language::Zh, Some("测试"));
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
    let store = common::store(true);
    let year = store.current_year().expect("a year");
    let options = options(lang, Some("测试"));
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(120, 40));
    app.update(Action::SelectAll);
    assert!(!app.roster.marked().is_empty());
    // Past the question a drive without a policy asks first in the collection months (its 是, as `--force`).
    app.ask_new_year_early();
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

/// The detail screen's history names a class with its grade: a pupil who left in 2027 reads
/// 「四年级2班 -> 已离校2027年度」 once the next year moved them out. Before, the class row read 「2班 -> 2027年度」.
#[test]
fn a_new_years_history_names_each_class_with_its_grade() {
    let mut store = Store::open_in_memory().expect("store");
    store.set_fixed_clock(NOW);
    let text =
        "姓名,身份证号码,年级,班级\n五年丙,450202201503010023,五年级,1班\n四年丁,450202201603010020,四年级,2班\n";
    let sheets = canbao::io::table::read_bytes(text.as_bytes(), "list.csv").expect("read");
    let inputs = vec![canbao::io::class_list::Input::Sheets("list.csv".to_owned(), sheets)];
    let today = store.today();
    canbao::io::class_list::import_inputs(&mut store, inputs, None, "本校", today, false).expect("import");
    let year = store.current_year().expect("a year");
    let pupils = store.students(&StudentFilter::default()).expect("list");
    let left = pupils.iter().find(|p| p.name == "四年丁").expect("四年丁").id;
    store.set_enrollment(left, canbao::domain::student::Enrollment::Left, None).expect("left");
    store.start_year(year + 1, true, None, false).expect("next year");
    let options = options(Language::Zh, Some("测试"));
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(160, 40));
    for (name, words) in [("四年丁", format!("班级：四年级2班 -> 已离校{year}年度"))] {
        app.update(Action::Search);
        for c in name.chars() {
            app.update(Action::Input(c));
        }
        app.update(Action::Confirm);
        app.update(Action::OpenDetail);
        let shown = screen(&app);
        assert!(shown.contains(&words), "{name}:\n{shown}");
        app.update(Action::Back);
        app.update(Action::Back);
    }
}

/// 开始新学年 while this year's concentrated period is still open asks first, in both languages, naming the date
/// rule (and no command line: the question is the screen's way), No the default: once the next year starts this one can only be looked
/// at, and the rest of its payments (today's among them) could be recorded nowhere. Yes goes on to the year's own
/// question, as `year new --force`. Outside the window the year's question is asked at once.
#[test]
fn the_new_year_is_refused_while_the_concentrated_period_is_open() {
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
        // A config folder for the 2025 policy made from yibin-2024 (without one the year is not started).
        let config = tempfile::tempdir().expect("config");
        let options = Options {
            lang,
            operator: Some("测试".into()),
            config_dir: Some(config.path().to_owned()),
            ..Default::default()
        };
        let mut app = App::new(store, &options).expect("app");
        app.update(Action::Resize(120, 40));
        app.run_command(Command::NewYear);
        let (line, then) = match lang {
            Language::Zh => {
                ("2024 年度的集中缴费期到 2024-02-29，还在进行中：开始 2025 年度后，2024 年度只能查看", "（默认：否）")
            }
            Language::En => {
                ("2024's 集中缴费期 runs until 2024-02-29 and is still open: once 2025 starts", "(default: No)")
            }
        };
        if warned {
            // Asked whether to start early all the same, No the default, where before the operator was sent to
            // the command line.
            let early = |app: &App| {
                matches!(&app.modal, Some(canbao::tui::modal::Modal::Confirm(c))
                    if matches!(c.then, canbao::tui::modal::Then::StartYearEarly) && !c.yes)
            };
            assert!(early(&app), "{clock}: asked, No the default");
            let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked") };
            let shown = c.question.clone();
            let flat: String = shown.split_whitespace().collect();
            assert!(!shown.contains("--force") && !shown.contains("year new"), "{shown}");
            let drawn = screen(&app);
            assert!(!drawn.contains("--force") && !drawn.contains("--promote"), "{drawn}");
            for text in [line, then] {
                let want: String = text.split_whitespace().collect();
                assert!(flat.contains(&want), "{shown}");
            }
            app.update(Action::Confirm); // No, the default
            assert_eq!(app.store.current_year(), Some(2024), "{clock}: No starts nothing");
            app.run_command(Command::NewYear);
            app.update(Action::Yes);
            wait_for_jobs(&mut app);
            let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no report to answer") };
            let follows = matches!(c.then, canbao::tui::modal::Then::StartYear(2025));
            assert!(follows, "{clock}: the year's own question follows");
            app.update(Action::Yes);
            wait_for_jobs(&mut app);
            assert_eq!(app.store.current_year(), Some(2025), "{clock}: started early, as year new --force");
        } else {
            let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
            assert!(!c.question.contains("还在进行中"), "{clock}: {}", c.question);
        }
    }
}

/// 开始新学年 in January, when the concentrated period is over but 其他缴费时间 runs to 30 June and the school year
/// to graduation in July, is refused as in the concentrated period, naming the open window and graduation (the
/// promotion would send the 六年级 off months early); between windows before July it is refused for the school
/// year alone. In the summer holiday the question is asked.
#[test]
fn the_new_year_is_refused_before_graduation_in_july() {
    for (lang, policy, clock, words) in [
        (
            Language::Zh,
            "liuzhou-2023",
            "2023-01-15T10:00:00+08:00",
            vec!["2023 年度的其他缴费时间到 2023-06-30，还在进行中", "7 月毕业", "2023-06-30 之后", "默认：否"],
        ),
        (
            Language::En,
            "liuzhou-2023",
            "2023-01-15T10:00:00+08:00",
            vec![
                "2023's 其他缴费时间 runs until 2023-06-30",
                "graduation in July 2023",
                "after 2023-06-30",
                "default: No",
            ],
        ),
        (
            Language::Zh,
            "nanchong-2023",
            "2023-04-10T10:00:00+08:00",
            vec!["2023 年度的学年还没结束", "7 月毕业", "2023-06-30 之后", "默认：否"],
        ),
    ] {
        let mut app = drive_in(2023, policy, clock, lang);
        app.run_command(Command::NewYear);
        // Asked whether to start early all the same (No the default), where before it was refused outright.
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("{clock}: not asked") };
        assert!(matches!(c.then, canbao::tui::modal::Then::StartYearEarly) && !c.yes, "{clock}");
        let said: String = c.question.split_whitespace().collect();
        for w in words {
            let w: String = w.split_whitespace().collect();
            assert!(said.contains(&w), "{lang:?} {clock}: {w} in\n{said}");
        }
        assert_eq!(app.store.current_year(), Some(2023), "{clock}: not started");
    }
    // (A config folder for the 2024 policy made from liuzhou-2023.)
    let config = tempfile::tempdir().expect("config");
    let mut app = drive_in_with(2023, "liuzhou-2023", "2023-07-15T10:00:00+08:00", Language::Zh, Some(config.path()));
    app.run_command(Command::NewYear);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question in the summer") };
    assert!(!c.question.contains("毕业才结束"), "{}", c.question);
}

/// The new year's question at 120x40 in Chinese on a drive of 114 classes: the policy line wraps to two rows,
/// and the classes listed stop where the dialog does, leaving room for 「……另有 N 个班」 and the dry-run command.
#[test]
fn the_new_year_question_counts_wrapped_rows_and_keeps_the_line_of_classes_not_listed() {
    let mut store = Store::open_in_memory().expect("store");
    // A drive of 2024 under 2024's policy, after its concentrated period.
    store.set_fixed_clock("2024-08-23T10:00:00+08:00");
    for key in ["current_year", "first_year"] {
        store.set_meta(key, "2024").expect("year");
    }
    store.reload_year().expect("year");
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
        operator: Some("测试".into()),
        config_dir: Some(config.path().to_owned()),
        ..Default::default()
    };
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(120, 40));
    app.run_command(Command::NewYear);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
    assert!(c.question.contains("（由当前政策生成"), "the long policy line: {}", c.question);
    let listed = c.question.lines().filter(|l| l.contains(" -> ")).count();
    let more = format!("另有 {} 个班：canbao year new", 114 - listed);
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
    // A drive of 2024 under 2024's policy, after its concentrated period.
    store.set_fixed_clock("2024-08-23T10:00:00+08:00");
    for key in ["current_year", "first_year"] {
        store.set_meta(key, "2024").expect("year");
    }
    store.reload_year().expect("year");
    canbao::demo::load_sample(&mut store).expect("sample");
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("policy");
    let config = tempfile::tempdir().expect("config");
    let options = Options {
        lang: Language::En,
        operator: Some("测试".into()),
        config_dir: Some(config.path().to_owned()),
        ..Default::default()
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

/// A drive in `year` on policy `policy`, its clock at `clock`, shown in the TUI with no config folder.
fn drive_in(year: i32, policy: &str, clock: &str, lang: Language) -> App {
    drive_in_with(year, policy, clock, lang, None)
}

fn drive_in_with(year: i32, policy: &str, clock: &str, lang: Language, config: Option<&std::path::Path>) -> App {
    let mut store = Store::open_in_memory().expect("store");
    store.set_fixed_clock(clock);
    for key in ["current_year", "first_year"] {
        store.set_meta(key, &year.to_string()).expect("year");
    }
    store.reload_year().expect("year");
    canbao::demo::load_sample(&mut store).expect("sample");
    store.set_meta(canbao::tui::POLICY_META_KEY, policy).expect("policy");
    let options =
        Options { lang, operator: Some("测试".into()), config_dir: config.map(Into::into), ..Default::default() };
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(120, 40));
    app
}

/// With no config folder, the next year takes canbao's own policy for that city and year (liuzhou-2023 after the
/// drive's liuzhou-2022, a copy the drive keeps from another laptop), as `canbao year new` does: its premium, not
/// last year's.
#[test]
fn without_a_config_folder_the_next_year_takes_canbaos_own_policy_for_it() {
    let base = canbao::domain::policy::builtin_text("liuzhou-2023").expect("liuzhou-2023");
    let request = canbao::domain::policy::Renewal {
        name: "liuzhou-2022",
        base_name: "liuzhou-2023",
        base_text: base,
        year: 2022,
        premium_fen: Some(32_000),
    };
    let last_year =
        canbao::domain::policy::renew(&request, canbao::domain::category::CategoryTable::builtin()).expect("renewed");
    let mut app = drive_in(2022, "liuzhou-2022", "2023-01-20T10:00:00+08:00", Language::Zh);
    app.store.keep_policy_text("liuzhou-2022", &last_year.text).expect("kept");
    app.run_command(Command::NewYear);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question: {:?}", app.status) };
    assert!(c.question.contains("新年度政策：liuzhou-2023"), "{}", c.question);
    app.update(Action::Yes);
    app.update(Action::Confirm);
    assert_eq!(app.store.current_year(), Some(2023));
    assert_eq!(app.store.meta(canbao::tui::POLICY_META_KEY).expect("meta").as_deref(), Some("liuzhou-2023"));
    assert_eq!(app.store.year_policy(2022).expect("old").as_deref(), Some("liuzhou-2022"));
    // A pupil paying now owes the 2023 premium (350 元), not last year's 320.
    app.update(Action::TogglePaid);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("no payment form") };
    assert_eq!(form.amount.text(), "350", "{:?}", form.note);
}

/// With no config folder and no policy of canbao's own for the next year, the year is not started on last year's
/// policy: nothing changes, and the operator reads why and what to do, in the screen's language.
#[test]
fn without_a_config_folder_or_a_policy_for_the_next_year_the_year_is_not_started() {
    for (lang, words) in [
        (Language::Zh, ["没有 2025 年度的政策", "yibin-2025", "配置文件夹", "未开始新年度"]),
        (Language::En, ["no policy for 2025", "yibin-2025", "config folder", "not started"]),
    ] {
        let mut app = drive_in(2024, "yibin-2024", "2024-07-20T10:00:00+08:00", lang);
        app.run_command(Command::NewYear);
        if matches!(app.modal, Some(canbao::tui::modal::Modal::Confirm(_))) {
            app.update(Action::Yes);
            app.update(Action::Confirm);
        }
        assert_eq!(app.store.current_year(), Some(2024), "{lang:?}: the year is not started");
        assert_eq!(app.store.meta(canbao::tui::POLICY_META_KEY).expect("meta").as_deref(), Some("yibin-2024"));
        // Said in a dialog (a status line would cut it), and the dialog is on the screen.
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else {
            panic!("{lang:?}: not said: {:?}", app.status)
        };
        let said = format!("{}\n{}", m.title, m.lines.join("\n"));
        for w in words {
            assert!(said.contains(w), "{lang:?}: {w} in\n{said}");
        }
        if lang == Language::En {
            assert!(!said.contains("没有"), "Chinese on the English screen:\n{said}");
        }
        assert!(screen(&app).contains(m.title.as_str()), "{}", screen(&app));
    }
}

/// A family's payment dated in the next year's concentrated period, on a drive still in the old year, goes to
/// the old year (a late payment for it is allowed: 003 三(一)2, 001 中途参保) but never silently: the payment form
/// says so before Enter, with how to start the new year first, and the status line after saving. A payment
/// dated before that period is recorded as before, with neither.
#[test]
fn a_payment_in_the_next_years_collection_on_a_drive_in_the_old_year_says_which_year_it_went_to() {
    for (lang, form_words, saved_words) in [
        (
            Language::Zh,
            ["记入 2024 年度", "2025 年度的集中缴费期", "2024-09-01", "2025-02-28", "开始新学年"],
            ["记入 2024 年度", "2025"],
        ),
        (
            Language::En,
            ["Recorded for 2024", "2025's 集中缴费期", "2024-09-01", "2025-02-28", "Start the next school year"],
            ["recorded for 2024", "2025"],
        ),
    ] {
        let mut app = drive_in(2024, "yibin-2024", "2024-09-15T10:00:00+08:00", lang);
        let id = app.selected_id().expect("pupil");
        app.update(Action::TogglePaid);
        let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("no payment form") };
        let warned = form.year_warning.clone().expect("the form says which year");
        for w in form_words {
            assert!(warned.contains(w), "{lang:?}: {w} in {warned}");
        }
        let shown = screen(&app);
        assert!(shown.contains(form_words[0]), "{lang:?}: on the screen\n{shown}");
        // (Yibin's cover for a payment this late would begin after 2024 ends: no amount due, one is typed.)
        for c in "380".chars() {
            app.update(Action::Input(c));
        }
        app.update(Action::Confirm);
        // The payment buys no cover in 2024: asked first, No the default; Yes records it for 2024.
        assert!(app.modal.is_some(), "{lang:?}: asked before saving\n{}", screen(&app));
        app.update(Action::Yes);
        assert!(app.modal.is_none(), "{lang:?}: saved on Yes\n{}", screen(&app));
        let s = app.store.student(id).expect("pupil");
        assert_eq!(s.payment, PaymentStatus::Paid, "{lang:?}: recorded, not refused");
        let status = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
        for w in saved_words {
            assert!(status.contains(w), "{lang:?}: {w} in {status}");
        }
    }

    // Before the next year's period (the summer), a payment for the year under way: nothing to say.
    let mut app = drive_in(2024, "yibin-2024", "2024-07-15T10:00:00+08:00", Language::Zh);
    app.update(Action::TogglePaid);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("no payment form") };
    assert_eq!(form.year_warning, None);
    app.update(Action::Confirm);
    let status = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(!status.contains("记入"), "{status}");
}

/// The next year's policy made from the drive's is written to the config folder and recorded for the year, and
/// the operator reads where it is and what to check against the new notice.
#[test]
fn a_policy_made_for_the_next_year_is_written_recorded_and_shown() {
    let config = tempfile::tempdir().expect("config");
    let mut app = drive_in_with(2024, "yibin-2024", "2024-07-20T10:00:00+08:00", Language::Zh, Some(config.path()));
    app.run_command(Command::NewYear);
    app.update(Action::Yes);
    assert_eq!(app.store.current_year(), Some(2025));
    assert_eq!(app.store.meta(canbao::tui::POLICY_META_KEY).expect("meta").as_deref(), Some("yibin-2025"));
    assert!(config.path().join("policies/yibin-2025.toml").is_file());
    let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else {
        panic!("not shown: {:?}\n{}", app.status.as_ref().map(|s| &s.text), screen(&app))
    };
    let said = m.lines.join("\n");
    assert!(said.contains("yibin-2025.toml") && said.contains("请对照本年度通知核对"), "{said}");
}

/// The drive keeps testcity-2024 at 380, this laptop's file of it says 400: the new year's question says the
/// policy for 2025 is made from the drive's copy at 380 and that the file differs, with the command for its
/// premium, as `year new` says it; the year made is at 380. Before, it was made from the file at 400 unsaid.
#[test]
fn the_new_year_question_says_the_drives_copy_is_taken_over_a_differing_file() {
    let config = tempfile::tempdir().expect("config");
    let text = canbao::domain::policy::builtin_text("yibin-2024").expect("text");
    std::fs::create_dir_all(config.path().join("policies")).expect("policies");
    let edited = text.replace("personal_premium = 380", "personal_premium = 400");
    assert_ne!(edited, text);
    std::fs::write(config.path().join("policies/testcity-2024.toml"), edited).expect("file");
    let mut store = Store::open_in_memory().expect("store");
    store.set_fixed_clock("2024-07-20T10:00:00+08:00");
    for key in ["current_year", "first_year"] {
        store.set_meta(key, "2024").expect("year");
    }
    store.reload_year().expect("year");
    canbao::demo::load_sample(&mut store).expect("sample");
    store.keep_policy_text("testcity-2024", text).expect("copy");
    store.set_meta(canbao::tui::POLICY_META_KEY, "testcity-2024").expect("policy");
    let options = Options {
        lang: Language::Zh,
        operator: Some("测试".into()),
        config_dir: Some(config.path().into()),
        ..Default::default()
    };
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(120, 40));
    app.run_command(Command::NewYear);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question: {}", screen(&app)) };
    assert!(
        c.question.contains("2025 年度政策由数据文件中保存的 testcity-2024（个人缴费 380 元）生成")
            && c.question.contains("（个人缴费 400 元），未采用")
            && c.question.contains("year new 2025 --premium 400"),
        "{}",
        c.question
    );
    app.update(Action::Yes);
    assert_eq!(app.store.current_year(), Some(2025));
    assert_eq!(app.policy.as_ref().map(|p| (p.name.as_str(), p.personal_premium_fen)), Some(("testcity-2025", 38000)));
}

/// The new year's question says that the pupils marked 已离校 move out of their classes, and where to.
#[test]
fn the_new_year_question_says_the_pupils_who_left_move_out_of_their_classes() {
    let mut store = common::store(true);
    let pupils = store.students(&StudentFilter::default()).expect("list");
    for p in pupils.iter().take(2) {
        store.set_enrollment(p.id, canbao::domain::student::Enrollment::Left, None).expect("left");
    }
    let year = store.current_year().expect("a year");
    let options = options(Language::Zh, Some("测试"));
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(100, 40));
    // Past the question a drive without a policy asks first in the collection months (its 是, as `--force`).
    app.ask_new_year_early();
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
    let said = format!("已离校的 2 人移出原班级（到「已离校{year}年度」），不计入新年度。");
    assert!(c.question.contains(&said), "{}", c.question);
}

/// On a drive of two schools, each with its 一年级1班, the new year's question names each class's school before
/// it, in both languages, so the operator can tell whose class moves where; a drive of one school names none.
#[test]
fn the_new_year_question_names_the_school_of_each_class_on_a_drive_of_several() {
    let question = |schools: &[&str], lang: Language| {
        let mut store = Store::open_in_memory().expect("store");
        store.set_fixed_clock(NOW);
        for (s, school) in schools.iter().enumerate() {
            let mut text = String::from("姓名,身份证号码,年级,班级\n");
            for (g, (grade, class)) in [("一年级", "1班"), ("六年级", "1班"), ("", "学前班")].iter().enumerate()
            {
                let first17 = format!("450202{}0301{:03}", 2019 - g, s * 10 + g);
                let number = format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()));
                text.push_str(&format!("学生{s}{g},{number},{grade},{class}\n"));
            }
            let sheets = canbao::io::table::read_bytes(text.as_bytes(), "list.csv").expect("read");
            let inputs = vec![canbao::io::class_list::Input::Sheets("list.csv".to_owned(), sheets)];
            let today = store.today();
            canbao::io::class_list::import_inputs(&mut store, inputs, None, school, today, false).expect("import");
        }
        let options = options(lang, Some("测试"));
        let mut app = App::new(store, &options).expect("app");
        app.update(Action::Resize(120, 40));
        // Past the question a drive without a policy asks first in the collection months (its 是, as `--force`).
        app.ask_new_year_early();
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
        c.question.clone()
    };
    let zh = question(&["第一小学", "第二小学"], Language::Zh);
    for school in ["第一小学", "第二小学"] {
        for line in [
            format!("{school} 一年级1班 -> 二年级1班（1 人）"),
            format!("{school} 六年级1班 -> 已离校，毕业（1 人）"),
            format!("{school} 学前班 未升级也未毕业，留在原班级（1 人）"),
        ] {
            assert!(zh.lines().any(|l| l == line), "{line} in:\n{zh}");
        }
    }
    let en = question(&["第一小学", "第二小学"], Language::En);
    for school in ["第一小学", "第二小学"] {
        for line in [
            format!("{school} 一年级1班 -> 二年级1班 (1)"),
            format!("{school} 六年级1班 -> left, graduated (1)"),
            format!("{school} 学前班: not promoted or graduated, stays as it is (1 pupil)"),
        ] {
            assert!(en.lines().any(|l| l == line), "{line} in:\n{en}");
        }
    }
    let one = question(&["第一小学"], Language::Zh);
    assert!(one.lines().any(|l| l == "一年级1班 -> 二年级1班（1 人）") && !one.contains("第一小学"), "{one}");
}

/// At 80 columns, once the title names the year, a long school and the operator give up their room before the
/// date does: today's date is read whole in both languages, as are the year and the screen's name.
#[test]
fn the_title_keeps_the_year_and_the_date_whole_at_80_columns() {
    for lang in [Language::Zh, Language::En] {
        let mut store = Store::open_in_memory().expect("store");
        store.set_fixed_clock(NOW);
        let text = "姓名,身份证号码,年级,班级\n五年丙,450202201503010023,五年级,1班\n";
        let sheets = canbao::io::table::read_bytes(text.as_bytes(), "list.csv").expect("read");
        let inputs = vec![canbao::io::class_list::Input::Sheets("list.csv".to_owned(), sheets)];
        let today = store.today();
        let school = "柳州市城中区第一实验小学";
        canbao::io::class_list::import_inputs(&mut store, inputs, None, school, today, false).expect("import");
        let year = store.current_year().expect("a year");
        store.start_year(year + 1, true, None, false).expect("next year");
        let options = options(lang, Some("测试员"));
        let mut app = App::new(store, &options).expect("app");
        app.update(Action::Resize(80, 30));
        let shown = title(&app);
        let year_words =
            if lang == Language::Zh { format!("{}年度", year + 1) } else { format!("Year {}", year + 1) };
        assert!(shown.contains("2026-11-23") && shown.contains(&year_words), "{lang:?}: {shown}");
        assert!(shown.contains("柳州市"), "the school is cut, not left out: {lang:?}: {shown}");
    }
}

/// 开始新学年 on a drive in 2027 under Yibin's 2024 policy is refused in a dialog naming both years, in either
/// language: whether 2027's concentrated period is over cannot be read from 2024's windows, and 2028's policy is
/// not made from 2024's premium; the dialog says to choose 2027's policy, and the command that starts it all the
/// same. Nothing changes and no policy file is written. Before, the question was asked as if 2027's collection
/// were over, offering `yibin-2028` made at 2024's 380 yuan.
#[test]
fn the_new_year_is_refused_under_a_policy_of_another_year() {
    for (lang, words) in [
        (
            Language::Zh,
            [
                "选定的政策 yibin-2024 是 2024 年度的，本数据文件是 2027 年度",
                "无法据此判断 2027 年度的集中缴费期是否已结束",
                "也不能由它生成 2028 年度的政策",
                "请先在「政策：查看与选定」中选定 2027 年度的政策",
            ],
        ),
        (
            Language::En,
            [
                "The chosen policy yibin-2024 is for insured year 2024, and this drive is in insured year 2027",
                "it cannot tell whether 2027's concentrated period is over",
                "2028's policy cannot be made from it",
                "Choose 2027's policy first",
            ],
        ),
    ] {
        let config = tempfile::tempdir().expect("config");
        let mut app = drive_in_with(2027, "yibin-2024", "2027-07-20T10:00:00+08:00", lang, Some(config.path()));
        app.run_command(Command::NewYear);
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else {
            panic!("{lang:?}: not refused: {:?} {:?}", app.status, app.modal.is_some())
        };
        let said = m.lines.join("\n");
        for w in words {
            assert!(said.contains(w), "{lang:?}: {w} in\n{said}");
        }
        // The palette's way only: no command line the operator would have to leave the window for.
        assert!(!said.contains("--force") && !said.contains("year new"), "{said}");
        if lang == Language::En {
            assert!(!said.contains("选定"), "{said}");
        }
        assert_eq!(app.store.current_year(), Some(2027), "{lang:?}: not started");
        assert!(!config.path().join("policies").exists(), "{lang:?}: no policy written");
    }
}

/// 2024 closed at the drive's copy of testcity-2024 (380), this laptop's file of it edited to 400 since: that
/// year's policy list, switched to or opened with `--year 2024`, shows the year's own copy at 380 and the file's
/// 400 beside it as one that year does not use, as `--year 2024 policy list` does. Before, it listed the file's
/// 400 as the year's policy, or (switched to) offered to take the file into the closed year.
#[test]
fn a_closed_years_policy_list_shows_the_years_own_copy_beside_an_edited_file() {
    let config = tempfile::tempdir().expect("config");
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("drive.db");
    let text = canbao::domain::policy::builtin_text("yibin-2024").expect("text");
    std::fs::create_dir_all(config.path().join("policies")).expect("policies");
    let file = config.path().join("policies/testcity-2024.toml");
    std::fs::write(&file, text).expect("file");
    let mut store = Store::open(&path).expect("store");
    store.set_fixed_clock("2024-07-20T10:00:00+08:00");
    for key in ["current_year", "first_year"] {
        store.set_meta(key, "2024").expect("year");
    }
    store.reload_year().expect("year");
    canbao::demo::load_sample(&mut store).expect("sample");
    store.keep_policy_text("testcity-2024", text).expect("copy");
    store.set_meta(canbao::tui::POLICY_META_KEY, "testcity-2024").expect("policy");
    let options = |lang| Options {
        lang,
        operator: Some("测试".into()),
        config_dir: Some(config.path().into()),
        ..Default::default()
    };
    let mut app = App::new(store, &options(Language::Zh)).expect("app");
    app.update(Action::Resize(120, 40));
    app.run_command(Command::NewYear);
    wait_for_jobs(&mut app);
    app.update(Action::Yes);
    wait_for_jobs(&mut app);
    assert_eq!(app.store.current_year(), Some(2025));
    std::fs::write(&file, text.replace("personal_premium = 380", "personal_premium = 400")).expect("edited");

    let listed = |app: &mut App| {
        app.run_command(Command::Policies);
        let shown = screen(app);
        let line = shown.lines().find(|l| l.contains("testcity-2024")).map(str::to_owned);
        let row = shown.lines().skip_while(|l| !l.contains("testcity-2024")).nth(1).map(str::to_owned);
        app.update(Action::Back);
        (line.unwrap_or_default(), row.unwrap_or_default(), shown)
    };
    app.run_command(Command::SwitchYear);
    assert_eq!(app.store.viewed_year(), Some(2024));
    let (line, row, shown) = listed(&mut app);
    assert!(line.contains("个人缴费 380 元") && row.contains("本机文件已改为 400 元，2024 年度不采用"), "{shown}");

    let mut opened = Store::open(&path).expect("again");
    opened.set_fixed_clock("2025-07-20T10:00:00+08:00");
    opened.view_year(2024).expect("2024");
    let mut app = App::new(opened, &options(Language::En)).expect("app");
    app.update(Action::Resize(120, 40));
    // The start's note that the file differs offers to take it: never of a closed year (once the status line
    // is free of the note that took it at start).
    app.update(Action::Down);
    let start = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(!start.contains("to take it"), "nothing to take into a closed year: {start}");
    let (line, row, shown) = listed(&mut app);
    assert!(
        line.contains("premium 380 yuan")
            && row.contains("This computer's file says 400 yuan, which 2024 does not use"),
        "{shown}"
    );
}

/// Feeds finished jobs back into the app until no job is running (a drive in a file works on a worker).
fn wait_for_jobs(app: &mut App) {
    let start = std::time::Instant::now();
    while app.jobs.running().is_some() {
        if let Some(outcome) = app.jobs.poll() {
            app.update(Action::JobDone(Box::new(outcome)));
            continue;
        }
        assert!(start.elapsed() < std::time::Duration::from_secs(30), "the job never finished");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// The palette's new year, on a drive whose imports this year already moved a class up a grade (next school year's
/// list taken before the year turned): the question says so, how many and one of them, and how to start the year
/// without promoting, as `year new --promote` refuses it. Before, the question counted them among those promoted,
/// to go up a second grade with no word.
#[test]
fn the_new_year_question_says_pupils_this_years_imports_already_moved_up() {
    use canbao::store::{Field, FieldChange};
    for lang in [Language::Zh, Language::En] {
        let mut store = common::store(true);
        let pupils: Vec<(i64, String)> = store
            .students(&StudentFilter::default())
            .expect("list")
            .into_iter()
            .filter(|s| s.grade == "一年级" && s.class == "1班")
            .map(|s| (s.id, s.name))
            .collect();
        assert!(pupils.len() >= 3, "{pupils:?}");
        let mut asked_before = String::new();
        {
            let options = options(lang, Some("测试"));
            let mut app = App::new(common::store(true), &options).expect("app");
            app.update(Action::Resize(100, 40));
            // Past the question a drive without a policy asks first in the collection months (its 是, as `--force`).
            app.ask_new_year_early();
            if let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal {
                asked_before = c.question.clone();
            }
        }
        for (id, _) in &pupils {
            store.change(*id, "import", &[FieldChange::new(Field::Grade, Some("二年级"))]).expect("moved up");
        }
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(100, 40));
        // Past the question a drive without a policy asks first in the collection months (its 是, as `--force`).
        app.ask_new_year_early();
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("{}", screen(&app)) };
        let n = pupils.len();
        let words = match lang {
            Language::Zh => vec![
                format!("注意：本年度导入的名单已把 {n} 名学生调高了一个年级（如 "),
                "由「一年级1班」调到「二年级1班」".to_owned(),
                "再升一个年级".to_owned(),
                "接着会问是否不升级地开始新学年".to_owned(),
            ],
            Language::En => vec![
                format!("Note: this year's imports already moved {n} pupils up a grade ("),
                "from 一年级1班 to 二年级1班".to_owned(),
                "a second grade".to_owned(),
            ],
        };
        for w in &words {
            assert!(c.question.contains(w.as_str()), "{w}: {}", c.question);
            assert!(!asked_before.contains(w.as_str()), "said only once they were moved: {asked_before}");
        }
        assert!(!c.yes, "No is the default");
        let shown = screen(&app);
        let start = match lang {
            Language::Zh => "注意：本年度导入的名单已把",
            Language::En => "Note: this year's imports",
        };
        assert!(shown.contains(start), "{shown}");
    }
}

/// The new year on a drive whose imports this year already moved a class up a grade (next school year's list):
/// No to the year's question asks whether to start it without promoting (No the default), and Yes starts it with
/// every pupil left in their grade, the moved class not sent up a second grade, where the question sent the
/// operator out of the window to the command line.
#[test]
fn no_to_a_second_grade_offers_the_new_year_without_promoting() {
    use canbao::store::{Field, FieldChange};
    use canbao::tui::modal::{Modal, Then};
    for lang in [Language::Zh, Language::En] {
        let mut store = common::store(true);
        let pupils = store.students(&StudentFilter::default()).expect("list");
        let moved: Vec<i64> = pupils.iter().filter(|s| s.grade == "一年级" && s.class == "1班").map(|s| s.id).collect();
        let other = pupils.iter().find(|s| s.grade == "三年级").expect("a 三年级 pupil").clone();
        for id in &moved {
            store.change(*id, "import", &[FieldChange::new(Field::Grade, Some("二年级"))]).expect("moved up");
        }
        let year = store.current_year().expect("a year");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(100, 40));
        // Past the question a drive without a policy asks first in the collection months (its 是, as `--force`).
        app.ask_new_year_early();
        wait_for_jobs(&mut app);
        let Some(Modal::Confirm(c)) = &app.modal else { panic!("{}", screen(&app)) };
        let leave = ["退出本窗口", "leave this window"];
        assert!(!leave.iter().any(|w| c.question.contains(w)), "no command line: {}", c.question);
        app.update(Action::Confirm); // No, the default
        let Some(Modal::Confirm(c)) = &app.modal else { panic!("{lang:?}: not asked\n{}", screen(&app)) };
        assert!(matches!(c.then, Then::StartYearUnpromoted(y) if y == year + 1) && !c.yes, "{}", c.question);
        let words = match lang {
            Language::Zh => format!("不升级地开始 {} 年度", year + 1),
            Language::En => format!("Start {} without moving anyone up a grade", year + 1),
        };
        assert!(c.question.contains(&words), "{lang:?}: {}", c.question);
        app.update(Action::Yes);
        wait_for_jobs(&mut app);
        assert_eq!(app.store.current_year(), Some(year + 1), "{lang:?}: started\n{}", screen(&app));
        for id in &moved {
            assert_eq!(app.store.student(*id).expect("pupil").grade, "二年级", "{lang:?}: not a second grade");
        }
        assert_eq!(app.store.student(other.id).expect("pupil").grade, "三年级", "{lang:?}: nobody promoted");
    }
}

/// The palette's 开始新学年 on a drive with no policy at all, in December for next year's collection: asked first
/// whether to start early all the same (No the default), in the words `year new` uses, where it went straight
/// to the year's report and started it with nothing said of the open collection. In the summer holiday the
/// report is asked at once.
#[test]
fn the_new_year_without_a_policy_asks_first_while_the_date_says_the_year_is_open() {
    for (lang, words) in [
        (Language::Zh, vec!["数据文件没有选定政策", "2027 保险年度 2027-01-01 才开始", "2027-06-30 之后", "默认：否"]),
        (Language::En, vec!["the drive has no policy", "insured year 2027 begins on 2027-01-01", "default: No"]),
    ] {
        let mut store = Store::open_in_memory().expect("store");
        store.set_fixed_clock("2026-12-08T10:00:00+08:00");
        for key in ["current_year", "first_year"] {
            store.set_meta(key, "2027").expect("year");
        }
        store.reload_year().expect("year");
        canbao::demo::load_sample(&mut store).expect("sample");
        assert_eq!(store.meta(canbao::tui::POLICY_META_KEY).expect("meta"), None, "no policy");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(120, 40));
        app.run_command(Command::NewYear);
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("{lang:?}: not asked") };
        assert!(matches!(c.then, canbao::tui::modal::Then::StartYearEarly) && !c.yes, "{lang:?}: {}", c.question);
        let said: String = c.question.split_whitespace().collect();
        for w in words {
            let w: String = w.split_whitespace().collect();
            assert!(said.contains(&w), "{lang:?}: {w} in\n{said}");
        }
        app.update(Action::Confirm);
        assert_eq!(app.store.current_year(), Some(2027), "{lang:?}: No starts nothing");
    }
}
