//! Every screen and dialog of the TUI, in both languages, as insta snapshots of a `TestBackend`, driven only
//! through actions on an in-memory drive holding the sample school with a fixed clock.

use std::path::PathBuf;
use std::time::Duration;

use canbao::domain::student::{Enrollment, PaymentStatus};
use canbao::store::Store;
use canbao::tui::runner::{EventSource, run_loop};
use canbao::tui::{Action, App, Language, Options, views};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

mod common;
use common::{NOW, options, store, unreferenced};

/// Puts a new drive in insured year `year`, as a drive started in that year's collection season is: payment dates
/// are judged against the drive's own year, so a test paying on a past year's policy's dates runs in a drive of
/// that year.
fn in_year(store: &mut Store, year: i32) {
    let set = "UPDATE meta SET value = ?1 WHERE key IN ('current_year', 'first_year')";
    assert_eq!(store.connection().execute(set, [year.to_string()]).expect("year"), 2);
    store.reload_year().expect("year");
}

fn app(lang: Language) -> App {
    let mut app = App::new(store(true), &options(lang, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    app
}

fn render(app: &App) -> Terminal<TestBackend> {
    let mut terminal = Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("terminal");
    terminal.draw(|f| views::draw(f, app)).expect("draw");
    terminal
}

/// The screen as text: one line per row, wide characters once (not followed by their hidden cell), trailing
/// spaces trimmed, with a ruler so widths can be checked by eye.
fn screen(app: &App) -> String {
    buffer_text(render(app).backend().buffer())
}

/// A drawn buffer as `screen` writes it.
fn buffer_text(buffer: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    for line in common::rows(buffer) {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    // The file picker shows the folder it is in: the same screen wherever the tests run.
    let here = std::env::current_dir().expect("cwd").display().to_string();
    out.replace(&here, "[cwd]")
}

/// The detail screen, at 140×30 in `lang`, of the pupil a search for `name` finds first: opened on `store`,
/// which is given back afterwards for the next look.
fn detail_of(store: &mut Store, lang: Language, name: &str) -> String {
    let mut app = App::new(std::mem::replace(store, self::store(false)), &options(lang, Some("测试"))).expect("app");
    app.update(Action::Resize(140, 30));
    app.update(Action::Search);
    type_text(&mut app, name);
    app.update(Action::Confirm);
    app.update(Action::OpenDetail);
    let shown = screen(&app);
    *store = std::mem::replace(&mut app.store, self::store(false));
    shown
}

/// The screen's line that starts with `label`; the whole screen in the panic when none does.
fn line_starting<'a>(shown: &'a str, label: &str) -> &'a str {
    shown.lines().find(|l| l.trim_start().starts_with(label)).unwrap_or_else(|| panic!("{shown}"))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::Input(c));
    }
}

fn lang_name(lang: Language) -> &'static str {
    match lang {
        Language::Zh => "zh",
        Language::En => "en",
    }
}

/// Snapshots one screen per language, each prepared by `setup`.
fn snap(name: &str, setup: impl Fn(&mut App)) {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        setup(&mut app);
        insta::assert_snapshot!(format!("{name}_{}", lang_name(lang)), screen(&app));
    }
}

#[test]
fn roster() {
    snap("roster", |_| {});
}

#[test]
fn roster_wide() {
    snap("roster_wide", |app| app.update(Action::Resize(120, 30)));
}

/// While the roster's numbers are masked, the search line confirms no digit the mask hides: a prefix longer
/// than the four shown, or digits from the middle, find nobody, where before the list showed the child and so
/// told the operator the digits. The whole number a parent reads out, its last four to six digits and the birth
/// date still find the child; with the numbers shown (`r`) any fragment does, and `r` runs the search again.
#[test]
fn a_masked_roster_search_confirms_no_hidden_digit() {
    let mut app = app(Language::Zh);
    let pupil = app.store.students(&Default::default()).expect("list").swap_remove(7);
    let number = pupil.id_number.clone();
    assert_eq!(number.len(), 18, "{number}");
    let row = app.data.index_of(pupil.id).expect("row") as u32;
    let finds = |app: &mut App, typed: &str| {
        app.update(Action::Search);
        type_text(app, typed);
        let found = app.roster.shown().contains(&row);
        app.update(Action::Back);
        found
    };
    let probes = [&number[..14], &number[..7], &number[8..12], &number[4..10]];
    for probe in probes {
        assert!(!finds(&mut app, probe), "{probe} of {number} confirms hidden digits");
    }
    for road in [&number[..], &number[14..], &number[12..], &number[6..14], &number[6..12], &number[..4]] {
        assert!(finds(&mut app, road), "{road} of {number}");
    }
    // Shown whole, any fragment finds; a search typed before `r` is run again as `r` shows the numbers.
    app.update(Action::Search);
    type_text(&mut app, &number[..14]);
    app.update(Action::Confirm);
    assert!(!app.roster.shown().contains(&row));
    app.update(Action::Reveal);
    app.update(Action::Yes);
    assert!(app.roster.shown().contains(&row), "{}", screen(&app));
    app.update(Action::Back);
    for probe in probes {
        assert!(finds(&mut app, probe), "{probe} of {number} with the numbers shown");
    }
    app.update(Action::Reveal);
    assert!(!finds(&mut app, probes[0]), "masked again");
}

#[test]
fn search_as_you_type() {
    snap("search", |app| {
        app.update(Action::Search);
        type_text(app, "l");
        type_text(app, "y");
    });
}

/// A name typed in Chinese with no `/` first (an input method's characters, on the roster, the detail screen or
/// the dashboard) is the search it would be after `/`, where it was thrown away as keys typed astray.
#[test]
fn a_name_typed_in_chinese_starts_the_search() {
    let mut searched = app(Language::Zh);
    searched.update(Action::Search);
    type_text(&mut searched, "孙语");
    let want = screen(&searched);
    assert!(want.contains("孙语"), "{want}");
    for (on, before) in [("roster", None), ("detail", Some(Action::OpenDetail)), ("dashboard", Some(Action::Dashboard))]
    {
        let mut typed = app(Language::Zh);
        if let Some(action) = before {
            typed.update(action);
        }
        type_text(&mut typed, "孙语");
        assert!(!typed.typing_astray(), "{on}");
        assert_eq!(screen(&typed), want, "{on}");
    }
}

#[test]
fn search_nothing_found() {
    snap("search_none", |app| {
        app.update(Action::Search);
        type_text(app, "王五六");
        app.update(Action::Confirm);
    });
}

#[test]
fn bulk_marked_and_statuses() {
    snap("bulk", |app| {
        app.update(Action::ToggleSelect);
        app.update(Action::ToggleSelect);
        app.update(Action::ToggleGovernment);
        app.update(Action::Yes);
        app.update(Action::Down);
        // 财政代缴 made both 在校参保, the status the chooser offers: nothing is asked and nothing written.
        app.update(Action::Enrollment);
        app.update(Action::Confirm);
    });
}

#[test]
fn filter_panel() {
    snap("filters", |app| {
        app.update(Action::Filters);
        app.update(Action::Right);
        app.update(Action::Down);
        app.update(Action::Down);
        app.update(Action::Right);
    });
}

#[test]
fn detail() {
    snap("detail", |app| {
        app.update(Action::Bottom);
        app.update(Action::OpenDetail);
    });
}

#[test]
fn detail_with_policy_and_history() {
    snap("detail_policy", |app| {
        app.store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
        in_year(&mut app.store, 2024);
        let mut fresh =
            App::new(std::mem::replace(&mut app.store, store(false)), &options(app.lang, None)).expect("app");
        fresh.update(Action::Resize(120, 30));
        fresh.update(Action::Search);
        type_text(&mut fresh, "孙语");
        fresh.update(Action::Confirm);
        fresh.update(Action::Enrollment);
        fresh.update(Action::Down);
        fresh.update(Action::Confirm);
        fresh.update(Action::OpenDetail);
        *app = fresh;
    });
}

/// A pupil in a special category under a policy that enrolls them where the benefit was approved.
#[test]
fn detail_special_category() {
    snap("detail_special", |app| {
        app.store.set_meta(canbao::tui::POLICY_META_KEY, "liuzhou-2023").expect("meta");
        in_year(&mut app.store, 2023);
        let mut fresh =
            App::new(std::mem::replace(&mut app.store, store(false)), &options(app.lang, None)).expect("app");
        fresh.update(Action::Resize(100, 30));
        fresh.update(Action::Search);
        type_text(&mut fresh, "许志文");
        fresh.update(Action::Confirm);
        fresh.update(Action::OpenDetail);
        *app = fresh;
    });
}

/// A pupil marked 财政代缴 is shown with the department's share as the 财政代缴 ledger states it, never a bare
/// 0: a category Yibin's notice gives no subsidy (计生对象) says 0 with why and 待核实, one with no category has
/// no amount, and one insured elsewhere is paid for there. A full share (特困) is the figure alone.
#[test]
fn the_detail_screen_says_a_departments_share_as_the_ledger_does() {
    use canbao::domain::student::CategoryMark;
    let mut store = store(true);
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    let pupil = |store: &Store, number: &str| {
        store.student_by_id_number(number).expect("read").unwrap_or_else(|| panic!("{number}")).id
    };
    let (planned, none, away, tekun) = (
        pupil(&store, "450203201909308803"),
        pupil(&store, "450202201912156031"),
        pupil(&store, "450202201910303851"),
        pupil(&store, "450203201811029232"),
    );
    let mark = CategoryMark { name: "计生对象".into(), department: "卫健".into(), year: None };
    store.set_categories(planned, &[mark]).expect("category");
    store.set_enrollment(away, Enrollment::Elsewhere, Some("南宁市")).expect("elsewhere");
    for id in [planned, none, away, tekun] {
        store.set_payment(id, PaymentStatus::Government, &Default::default()).expect("government");
    }
    for (lang, name, share, why) in [
        (
            Language::Zh,
            "孙语",
            "0 元（卫健）",
            "未规定计生对象的资助，部门代缴 0 元，按通知由家庭缴纳 380 元；财政代缴待核实",
        ),
        (Language::Zh, "高俊", "待核实", "无人员类别，代缴部门和金额待核实"),
        (Language::Zh, "郭诚磊", "由参保地部门代缴", "异地参保：南宁市，由参保地部门代缴，计入异地缴费台账"),
        (Language::Zh, "许志文", "380 元（财政）", ""),
        (Language::En, "孙语", "0 yuan (卫健)", "gives 计生对象 no subsidy: the department pays 0 yuan and the family"),
        (Language::En, "郭诚磊", "paid where insured", "insured elsewhere (南宁市) and paid for by a department there"),
    ] {
        let shown = detail_of(&mut store, lang, name);
        let label = if lang == Language::Zh { "代缴金额" } else { "Dept. pays" };
        let line = line_starting(&shown, label);
        assert!(line.contains(share), "{name}: {line}\n{shown}");
        // Read across rows, wherever a row breaks it (a row after the first starts under the pane's margin).
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert!(squeeze(&shown).contains(&squeeze(why)), "{name}: {why}\n{shown}");
        // The quote's two figures are not said beside the share: 「部门代缴 0 元」 would be a bare 0 again.
        assert!(!shown.contains("部门代缴 0 元（") && !shown.contains("department pays 0 yuan ("), "{shown}");
    }
}

/// A pupil marked 财政代缴 on a day no payment window takes: the share is as `department_share` quotes it (for
/// the concentrated period), with no refusal under it that reads as if the share could not be worked out; where
/// the family still has a part, the screen says that part alone cannot be worked out for today.
#[test]
fn the_detail_screen_shows_no_refusal_against_a_departments_share() {
    let mut store = store(true);
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    in_year(&mut store, 2024);
    for number in ["450203201811029232", "450205201603184361"] {
        let id = store.student_by_id_number(number).expect("read").unwrap_or_else(|| panic!("{number}")).id;
        store.set_payment(id, PaymentStatus::Government, &Default::default()).expect("government");
    }
    for (lang, name, share, family) in [
        (Language::Zh, "许志文", "380 元（财政）", None),
        (Language::Zh, "郑可洁", "285 元（财政）", Some("家庭自缴部分按今天（2026-11-23）无法计算：2026-11-23 不在")),
        (Language::En, "许志文", "380 yuan (财政)", None),
        (
            Language::En,
            "郑可洁",
            "285 yuan (财政)",
            Some("The family's own part cannot be worked out for today (2026-11-23): 2026-11-23 is outside every"),
        ),
    ] {
        let shown = detail_of(&mut store, lang, name);
        let label = if lang == Language::Zh { "代缴金额" } else { "Dept. pays" };
        let line = line_starting(&shown, label);
        assert!(line.contains(share), "{name}: {line}\n{shown}");
        let flat = shown.replace('\n', "");
        assert!(!flat.contains("应缴金额：") && !flat.contains("Amount due:"), "{name}\n{shown}");
        match family {
            Some(words) => assert!(flat.replace("  ", "").contains(words), "{name}: {words}\n{shown}"),
            None => assert!(!flat.contains("任何缴费期") && !flat.contains("outside every payment window"), "{shown}"),
        }
    }
}

/// A family that paid the whole premium before the pupil's category (特困) was recorded: the detail screen says
/// the family paid and no department pays on the pupil's behalf, with what becomes of the subsidy (Yibin's notice
/// does not say: ask the department), never 「个人应缴 0 元，部门代缴 380 元」 as if the department still owed it.
#[test]
fn the_detail_screen_says_a_family_paid_before_the_category_owes_the_department_nothing() {
    let mut store = store(true);
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    in_year(&mut store, 2024);
    let id = store.student_by_id_number("450203201811029232").expect("read").expect("许志文").id;
    let paid = canbao::domain::student::PaymentDetails {
        amount_fen: Some(38_000),
        paid_on: chrono::NaiveDate::from_ymd_opt(2023, 10, 10),
        channel: None,
    };
    store.set_payment(id, PaymentStatus::Paid, &paid).expect("paid");
    for (lang, due, said) in [
        (
            Language::Zh,
            "家庭已缴 380 元，部门不再代缴",
            "特困人员：家庭已缴380元，部门不再代缴；通知未规定已缴保费是否退还、补助380元是否另行发放给家庭，请向财政确认",
        ),
        (
            Language::En,
            "the family has paid 380 yuan; no department pays on the pupil's behalf",
            "特困人员: the family has paid 380 yuan, so no department pays on the pupil's behalf; the notice does not \
             say whether the premium is refunded or the subsidy, 380 yuan, paid to the family: ask 财政.",
        ),
    ] {
        let shown = detail_of(&mut store, lang, "许志文");
        let flat: String = shown.lines().map(str::trim).collect();
        assert!(flat.replace(' ', "").contains(&due.replace(' ', "")), "{due}\n{shown}");
        assert!(flat.replace(' ', "").contains(&said.replace(' ', "")), "{said}\n{shown}");
        assert!(!flat.contains("部门代缴 380 元") && !flat.contains("department pays 380 yuan"), "{shown}");
        assert!(!flat.contains("个人应缴 380") && !flat.contains("family pays 380"), "{shown}");
    }
}

/// A 特困 pupil holding a Guangxi number under Yibin's policy (full subsidy for 本市户籍 only): the detail screen
/// gives both amounts pending the 户籍 check, never 「个人应缴 0 元」 as fact.
#[test]
fn the_detail_screen_gives_both_amounts_pending_the_hukou_check() {
    let mut store = store(true);
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    in_year(&mut store, 2024);
    // A day of the notice's concentrated period: the amount due is quoted for today.
    store.set_fixed_clock("2023-10-10T10:00:00+08:00");
    for (lang, due) in [
        (Language::Zh, "户籍待核实：本市户籍个人应缴 0 元、部门代缴 380 元，非本市户籍个人应缴 380 元"),
        (
            Language::En,
            "hukou to be checked: if local, family pays 0 yuan and department 380 yuan; if not, family pays 380 yuan",
        ),
    ] {
        let shown = detail_of(&mut store, lang, "许志文");
        let flat: String = shown.lines().map(str::trim).collect();
        assert!(flat.replace(' ', "").contains(&due.replace(' ', "")), "{due}\n{shown}");
        assert!(!flat.contains("个人应缴 0 元，") && !flat.contains("family pays 0 yuan,"), "{shown}");
        // Nor the rule under it, whose closing amounts are the local pupil's only.
        let joined = flat.replace(' ', "");
        assert!(!joined.contains("家庭应缴0元") && !joined.contains("Familypays0yuan"), "{shown}");
    }
}

/// A pupil insured elsewhere (异地参保) owes nothing here, paid for by a department there or not: the detail
/// screen says so with the place where the amount due stands, never this city's premium, and the notice's rule
/// is said as what enrolling here would cost; on a day no payment window takes, no refusal is shown for them.
#[test]
fn the_detail_screen_says_a_pupil_insured_elsewhere_owes_nothing_here() {
    for (now, lang) in [("2023-10-08T10:00:00+08:00", Language::Zh), (NOW, Language::Zh), (NOW, Language::En)] {
        let mut store = store(true);
        store.set_fixed_clock(now);
        store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
        in_year(&mut store, 2024);
        let pupil = |store: &Store, number: &str| {
            store.student_by_id_number(number).expect("read").unwrap_or_else(|| panic!("{number}")).id
        };
        let (family, government) = (pupil(&store, "450202201912156031"), pupil(&store, "450202201910303851"));
        store.set_enrollment(family, Enrollment::Elsewhere, Some("泸州市")).expect("elsewhere");
        store.set_enrollment(government, Enrollment::Elsewhere, Some("南宁市")).expect("elsewhere");
        store.set_payment(government, PaymentStatus::Government, &Default::default()).expect("government");
        for (name, place) in [("高俊", "泸州市"), ("郭诚磊", "南宁市")] {
            let shown = detail_of(&mut store, lang, name);
            let (label, due) = match lang {
                Language::Zh => ("应缴金额", format!("0 元：异地参保（{place}），在参保地缴费，本地不收取")),
                Language::En => ("Amount due", format!("0 yuan: insured and paid elsewhere ({place})")),
            };
            let line = line_starting(&shown, label);
            assert!(line.contains(&due), "{name} {now}: {line}\n{shown}");
            assert!(!shown.contains("个人应缴 380") && !shown.contains("family pays 380"), "{name} {now}\n{shown}");
            assert!(!shown.contains("任何缴费期") && !shown.contains("outside every payment window"), "{shown}");
            if now != NOW {
                assert!(shown.contains("改在本地参保时：宜宾市2024年度"), "{name}\n{shown}");
            }
        }
    }
}

/// A drive of insured year 2027 under Yibin's 2024 policy: the detail screen and the payment form say the policy
/// is 2024's and to choose 2027's, in either language, rather than pricing 2024's premium or calling today outside
/// its windows; the form leaves the amount for the operator to type.
#[test]
fn a_policy_of_another_year_is_said_on_the_detail_screen_and_the_payment_form() {
    for (lang, said) in [(Language::Zh, "是 2024 年度的"), (Language::En, "is for insured year 2024")] {
        let mut store = store(true);
        store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
        assert_eq!(store.current_year(), Some(2027));
        let shown = detail_of(&mut store, lang, "孙语").replace('\n', "").replace("  ", "");
        assert!(shown.contains(said) && !shown.contains("380"), "{shown}");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(120, 30));
        app.update(Action::TogglePaid);
        let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("form") };
        assert!(form.note.as_deref().is_some_and(|n| n.contains(said)), "{:?}", form.note);
        assert_eq!(form.amount.text(), "", "no amount of another year's");
    }
}

/// A pupil marked several times, on the detail screen of a wide terminal: the history column is narrower than
/// the screen, and each entry wraps within it with its old and new values, never cut off before them.
#[test]
fn detail_history_wraps_in_a_wide_terminal() {
    for (name, size) in [("detail_history_120", (120, 40)), ("detail_history_160", (160, 40))] {
        snap(name, |app| {
            app.update(Action::Resize(size.0, size.1));
            app.update(Action::Enrollment);
            app.update(Action::Down);
            app.update(Action::Down);
            type_text(app, "已在外地购买商业保险，家长会带来证明");
            app.update(Action::Confirm);
            app.update(Action::EditNote);
            type_text(app, "家长说下周一下午带户口本来学校补交材料");
            app.update(Action::Confirm);
            app.update(Action::Categories);
            app.update(Action::Down);
            app.update(Action::ToggleSelect);
            app.update(Action::Confirm);
            app.update(Action::OpenDetail);
            let entries = app.detail.as_ref().expect("detail").history.len();
            assert!(entries >= 5, "{entries}");
            // Every entry shows its arrow between the old and the new value.
            let shown = screen(app);
            assert_eq!(shown.matches("->").count(), entries, "{shown}");
        });
    }
}

/// A long note written and then overwritten twice, on the detail screen of a wide terminal: every old and new
/// note is shown whole in the history column (wrapped, never cut to a few characters with ".."), as no other
/// place on screen shows a note once it has been overwritten.
#[test]
fn detail_history_shows_overwritten_notes_whole() {
    let notes = [
        "第一次备注：家长说明这个孩子上学期已在南宁市的学校参保缴费，本学期转学回来，需要核对是否重复参保后再定",
        "第二次备注：家长已带来南宁市学校开具的参保证明，经核对上学期的缴费到本年度年底为止，下学年需要在本校参保",
        "第三次备注：已与家长电话确认下学年在本校参保缴费，家长同意在开学第一周内通过税务小程序自行缴费并发截图",
    ];
    for (name, size) in [("detail_history_notes_120", (120, 40)), ("detail_history_notes_220", (220, 40))] {
        snap(name, |app| {
            app.update(Action::Resize(size.0, size.1));
            for note in notes {
                app.update(Action::EditNote);
                app.update(Action::ClearLine);
                type_text(app, note);
                app.update(Action::Confirm);
            }
            app.update(Action::OpenDetail);
            // The history column alone: from where its heading starts to the right edge, rows joined.
            let terminal = render(app);
            let buffer = terminal.backend().buffer();
            let heading = if app.lang == Language::Zh { "修改记录" } else { "History" };
            // A row's symbols with the column each starts at, a wide character's hidden cell left out.
            let row = |y: u16| -> Vec<(u16, String)> {
                let mut out = Vec::new();
                let mut x = 0;
                while x < buffer.area.width {
                    let symbol = buffer[(x, y)].symbol().to_owned();
                    let w = unicode_width::UnicodeWidthStr::width(symbol.as_str()).max(1) as u16;
                    out.push((x, symbol));
                    x += w;
                }
                out
            };
            let (x0, y0) = (0..buffer.area.height)
                .find_map(|y| {
                    let cells = row(y);
                    let first = heading.chars().next().unwrap().to_string();
                    let at = (0..cells.len()).find(|&i| {
                        cells[i..].iter().map(|(_, s)| s.as_str()).collect::<String>().starts_with(heading)
                            && cells[i].1 == first
                    })?;
                    Some((cells[at].0, y))
                })
                .expect("history heading");
            let column: String = (y0 + 1..buffer.area.height)
                .flat_map(|y| row(y).into_iter().filter(|(x, _)| *x >= x0).map(|(_, s)| s))
                .collect::<String>()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            for note in notes {
                assert!(column.contains(note), "{note} not whole in {column}");
            }
            assert!(!column.contains(".."), "{column}");
        });
    }
}

/// A key as the event loop takes it: through the keymap in force, in the context the app is in.
fn press(app: &mut App, code: KeyCode) {
    // As the event loop says of every key before it is taken.
    app.key_is_character(matches!(code, KeyCode::Char(_)));
    if let Some(action) = canbao::tui::runner::translate(app, key(code, KeyEventKind::Press)) {
        app.update(action);
    }
}

/// The highlighted pupil's note written over `n` times (n01, n02, …): `n` history entries above the import's.
fn rewrite_note(app: &mut App, n: usize) {
    for i in 1..=n {
        app.update(Action::EditNote);
        app.update(Action::ClearLine);
        type_text(app, &format!("n{i:02}"));
        app.update(Action::Confirm);
    }
}

/// A pupil with more history than the smallest screen holds: the newest entries show first, the heading says
/// which of how many, and the page keys page through the rest (every entry on some page, none skipped, the
/// import last) while the pupil shown stays the same; back up, the first page is as it was.
#[test]
fn the_detail_history_pages_through_every_entry() {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        rewrite_note(&mut app, 40);
        app.update(Action::OpenDetail);
        let pupil = app.detail.as_ref().expect("detail").student.id;
        let total = app.detail.as_ref().expect("detail").history.len();
        assert_eq!(total, 41);
        let first = screen(&app);
        assert!(first.contains("-> n40"), "the newest shows first:\n{first}");
        let range = |from: usize, to: usize| match lang {
            Language::Zh => format!("第 {from}-{to} 条，共 {total} 条"),
            Language::En => format!("{from}-{to} of {total}"),
        };
        // The notes' entries on a screen, newest first.
        let shown = |s: &str| -> Vec<usize> { (1..=40).rev().filter(|i| s.contains(&format!("-> n{i:02}"))).collect() };
        let on_first = shown(&first);
        assert!(on_first.len() < 40 && first.contains(&range(1, on_first.len())), "{first}");
        let mut seen = on_first.clone();
        let mut page = first.clone();
        let mut pages = 1;
        loop {
            press(&mut app, KeyCode::PageDown);
            assert_eq!(app.detail.as_ref().expect("detail").student.id, pupil, "the page keys left the pupil");
            let next = screen(&app);
            if next == page {
                break;
            }
            if pages == 1 {
                insta::assert_snapshot!(format!("detail_history_paged_{}", lang_name(lang)), next);
            }
            // Newest first: each page starts with the entry after the last one the page before showed.
            let on_page = shown(&next);
            if let (Some(&last), Some(&top)) = (seen.last(), on_page.first()) {
                assert_eq!(top + 1, last, "{next}");
            }
            seen.extend(on_page);
            page = next;
            pages += 1;
            assert!(pages <= total, "no end to the pages");
        }
        assert!(pages > 2, "{pages} pages");
        assert_eq!(seen, (1..=40).rev().collect::<Vec<_>>(), "every entry once, newest first");
        assert!(page.contains("sample-school.csv") && page.contains(&format!("-{total} ")), "the import last:\n{page}");
        for _ in 0..pages + 2 {
            press(&mut app, KeyCode::PageUp);
        }
        assert_eq!(screen(&app), first);
        // A change to the pupil brings the newest back into view.
        press(&mut app, KeyCode::PageDown);
        rewrite_note(&mut app, 1);
        let after = screen(&app);
        assert!(after.contains("n40 -> n01") && after.contains("-> n40"), "{after}");
    }
}

/// At the smallest screen (80 x 24) the detail screen's footer shows every key it names, in both languages:
/// the marks, `r` and `u` included, the history's page keys, help and quit.
#[test]
fn the_detail_footer_shows_every_key_at_80_columns() {
    let zh = [
        "Esc 返回",
        "E 更正",
        "e 参保",
        "p 缴费",
        "f 代缴",
        "c 类别",
        "n 备注",
        "r 显示证件",
        "u 撤销",
        "? 帮助",
        "q 退出",
    ];
    let en = [
        "Esc back",
        "E correct",
        "e enroll",
        "p paid",
        "f gov.",
        "c categ",
        "n note",
        "r show IDs",
        "u undo",
        "? help",
    ];
    for (lang, hints) in [(Language::Zh, &zh[..]), (Language::En, &en[..])] {
        let mut app = app(lang);
        app.update(Action::OpenDetail);
        let shown = screen(&app);
        let footer: String = shown.lines().rev().take(2).collect::<Vec<_>>().join("\n");
        for hint in hints.iter().chain(&[" PgDn ", " PgUp ", " Down ", " Up ", " q "]) {
            assert!(footer.contains(hint), "{hint} missing from the footer:\n{shown}");
        }
    }
}

/// Key hints in English say what a key does, never its own name again ("Down down", "PgDn page down"), on
/// every screen and dialog that shows hints.
#[test]
fn english_key_hints_never_repeat_the_key() {
    type Setup = fn(&mut App);
    let screens: Vec<(&str, Setup)> = vec![
        ("roster", |_| {}),
        ("search", |app| app.update(Action::Search)),
        ("detail", |app| app.update(Action::OpenDetail)),
        ("identity", |app| {
            app.update(Action::OpenDetail);
            app.update(Action::EditIdentity);
        }),
        ("dashboard", |app| app.update(Action::Dashboard)),
        ("help", |app| app.update(Action::Help)),
        ("filters", |app| app.update(Action::Filters)),
        ("palette", |app| app.update(Action::Palette)),
        ("enrollment", |app| app.update(Action::Enrollment)),
        ("payment", |app| app.update(Action::TogglePaid)),
        ("question", |app| {
            app.update(Action::SelectAll);
            app.update(Action::ToggleGovernment);
        }),
        ("message", |app| {
            let lines = (0..40).map(|i| format!("line {i}")).collect();
            let message = canbao::tui::modal::Message { title: "t".into(), lines, error: false, offset: 0 };
            app.modal = Some(canbao::tui::modal::Modal::Message(message));
        }),
    ];
    let keys = ["Up", "Down", "Left", "Right", "PgUp", "PgDn", "Home", "End", "Tab", "Enter", "Esc", "Space"];
    for (name, setup) in screens {
        let mut app = app(Language::En);
        setup(&mut app);
        let shown = screen(&app);
        for line in shown.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            for pair in words.windows(2) {
                let (key, label) = (pair[0], pair[1].to_lowercase());
                let repeated = match key {
                    "PgUp" | "PgDn" => label == "page",
                    k => keys.contains(&k) && label == k.to_lowercase(),
                };
                assert!(!repeated, "{name}: {key} {label}\n{shown}");
            }
        }
    }
}

#[test]
fn detail_revealed() {
    snap("detail_revealed", |app| {
        app.update(Action::OpenDetail);
        app.update(Action::Reveal);
    });
}

/// The birth date is digits 7 to 14 of the number: while the number is masked the detail screen says the year
/// and month only, in both languages, and the whole date once `r` shows the number.
#[test]
fn a_masked_detail_screen_hides_the_birth_day() {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        app.update(Action::OpenDetail);
        let pupil = app.detail.as_ref().expect("detail").student.clone();
        let born = pupil.birth_date.expect("birth date");
        let (day, month) = (born.format("%Y-%m-%d").to_string(), born.format("%Y-%m").to_string());
        let label = if lang == Language::Zh { "性别/出生" } else { "Sex, born" };
        let shown = screen(&app);
        assert!(!shown.contains(&pupil.id_number) && !shown.contains(&day), "{shown}");
        assert!(line_starting(&shown, label).contains(&month), "{shown}");
        app.update(Action::Reveal);
        let shown = screen(&app);
        assert!(shown.contains(&pupil.id_number) && line_starting(&shown, label).contains(&day), "{shown}");
    }
}

/// A pupil born after last year's concentrated period: the rule under the fields says the birth date, which is the
/// year and month only while the number is masked.
#[test]
fn a_newborns_rule_on_a_masked_detail_screen_hides_the_birth_day() {
    let mut store = store(true);
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    in_year(&mut store, 2024);
    let set = "UPDATE students SET birth_date = '2024-01-10' WHERE name = '孙语'";
    assert_eq!(store.connection().execute(set, []).expect("birth"), 1);
    let id: i64 =
        store.connection().query_row("SELECT id FROM students WHERE name = '孙语'", [], |r| r.get(0)).expect("id");
    let paid = canbao::domain::student::PaymentDetails {
        amount_fen: Some(38_000),
        paid_on: chrono::NaiveDate::from_ymd_opt(2024, 2, 20),
        channel: None,
    };
    store.set_payment(id, PaymentStatus::Paid, &paid).expect("paid");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(220, 30));
    app.update(Action::Search);
    type_text(&mut app, "孙语");
    app.update(Action::Confirm);
    app.update(Action::OpenDetail);
    // The rule wraps: read as one text.
    let flat = |app: &App| screen(app).lines().map(str::trim).collect::<String>();
    let shown = flat(&app);
    assert!(shown.contains("出生于2024-01，") && !shown.contains("2024-01-10"), "{shown}");
    app.update(Action::Reveal);
    let shown = flat(&app);
    assert!(shown.contains("出生于2024-01-10，"), "{shown}");
}

/// The roster check's pupil whose age does not fit the grade: the year and month of birth beside a masked number,
/// the whole date once `r` shows every number.
#[test]
fn the_roster_checks_age_finding_gives_the_birth_day_only_when_revealed() {
    use canbao::domain::roster_check::{CheckReport, GradeAgePupil, PupilRef};
    let pupil = PupilRef {
        name: "杨语嫣".into(),
        id_number: "450202201908081073".into(),
        school: "第一小学".into(),
        class: "一年级1班".into(),
    };
    let born = chrono::NaiveDate::from_ymd_opt(2019, 8, 8).expect("date");
    let report = CheckReport {
        age_for_grade: vec![GradeAgePupil { pupil, birth_date: born, grade: "三年级".into(), usual_age: 9 }],
        ..Default::default()
    };
    let mut app = app(Language::Zh);
    let said = app.check_lines(&report).join("\n");
    assert!(said.contains("出生于 2019-08，") && !said.contains("2019-08-08"), "{said}");
    app.reveal = true;
    let said = app.check_lines(&report).join("\n");
    assert!(said.contains("出生于 2019-08-08，") && said.contains("450202201908081073"), "{said}");
}

/// `r` on the detail screen shows that pupil's number only, as the audit row records it: the next pupil and the
/// roster are masked again, and the history says the reveal in words. `r` on the roster shows them all.
#[test]
fn a_reveal_on_the_detail_screen_shows_that_pupil_only() {
    let mut app = app(Language::Zh);
    let pupils = app.store.students(&Default::default()).expect("list");
    let in_full = |app: &App| pupils.iter().filter(|p| screen(app).contains(&p.id_number)).count();
    app.update(Action::OpenDetail);
    let first = app.detail.as_ref().expect("detail").student.clone();
    app.update(Action::Reveal);
    let shown = screen(&app);
    assert!(shown.contains(&first.id_number), "{shown}");
    assert!(shown.contains("显示完整身份证号码：此学生（详情页）") && !shown.contains("-> pupil"), "{shown}");
    let reveals: Vec<(Option<i64>, String)> = app
        .store
        .connection()
        .prepare("SELECT student_id, new FROM audit WHERE action = 'reveal'")
        .expect("sql")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("read");
    assert_eq!(reveals, [(Some(first.id), "pupil".to_owned())]);

    // The next pupil, and back: masked, as nothing recorded them (nor this pupil a second time).
    app.update(Action::Down);
    assert_ne!(app.detail.as_ref().expect("detail").student.id, first.id);
    assert_eq!(in_full(&app), 0, "{}", screen(&app));
    app.update(Action::Up);
    assert_eq!(in_full(&app), 0, "{}", screen(&app));
    // The roster after a reveal on the detail screen: masked.
    app.update(Action::Reveal);
    app.update(Action::Back);
    assert_eq!(in_full(&app), 0, "{}", screen(&app));
    // `r` on the roster: every number, recorded as the roster's, once asked.
    app.update(Action::Reveal);
    app.update(Action::Yes);
    assert!(in_full(&app) > 1, "{}", screen(&app));
    let last: String = app
        .store
        .connection()
        .query_row("SELECT new FROM audit WHERE action = 'reveal' ORDER BY id DESC", [], |r| r.get(0))
        .expect("row");
    assert_eq!(last, "roster");
}

#[test]
fn dashboard() {
    snap("dashboard", |app| {
        app.update(Action::TogglePaid);
        type_text(app, "380");
        app.update(Action::Confirm);
        app.update(Action::Down);
        app.update(Action::Enrollment);
        app.update(Action::Down);
        app.update(Action::Confirm);
        app.update(Action::Dashboard);
    });
}

#[test]
fn dashboard_wide() {
    snap("dashboard_wide", |app| {
        // The dashboard says when the last backup was taken (the narrow one above says there is none yet).
        app.store.set_meta("last_backup", "2026-11-23T09:12:03+08:00").unwrap();
        app.update(Action::Resize(120, 40));
        app.update(Action::Dashboard);
    });
}

#[test]
fn help() {
    snap("help", |app| app.update(Action::Help));
}

#[test]
fn category_picker() {
    snap("categories", |app| {
        app.update(Action::Categories);
        app.update(Action::Down);
        app.update(Action::ToggleSelect);
    });
}

/// `c` on several pupils: the hint on what ticking does wraps in the box, the English whole.
#[test]
fn category_picker_for_several() {
    snap("categories_bulk", |app| {
        app.update(Action::ToggleSelect);
        app.update(Action::ToggleSelect);
        app.update(Action::Categories);
        let shown = screen(app);
        let rows: Vec<&str> = shown.lines().collect();
        // The hint's first row, and what its next row must hold (the end of the English, wrapped).
        let (first, next) = match app.lang {
            Language::Zh => ("勾选的类别将添加给每名学生，原有类别保留", "[ ]"),
            Language::En => ("Ticked categories are added to each pupil; their own", "stay"),
        };
        let at = rows.iter().position(|r| r.contains(first)).unwrap_or_else(|| panic!("{shown}"));
        assert!(rows[at + 1].contains(next), "{shown}");
    });
}

/// The special-category roster of a drive where nobody is in a special category: no file, and a box that says
/// so plainly, not 「出错了」, in the operator's language only.
#[test]
fn an_empty_special_roster_is_no_error() {
    for (lang, title, said, other) in [
        // In Chinese a message is said whole, both languages, as every message is.
        (Language::Zh, "没有可导出的内容", "没有标记了人员类别（特殊人群）的学生", "出错了"),
        (Language::En, "Nothing to export", "nobody is in a special category", "没有"),
    ] {
        let dir = tempfile::tempdir().expect("dir");
        let mut app = app(lang);
        for s in app.store.students(&Default::default()).expect("list") {
            if !s.categories.is_empty() {
                app.store.set_categories(s.id, &[]).expect("clear");
            }
        }
        app.update(Action::Palette);
        type_text(&mut app, "export special");
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Path(prompt)) = &mut app.modal else { panic!("prompt") };
        prompt.input.set(&dir.path().display().to_string());
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no box: {:?}", app.status) };
        assert_eq!(m.title, title);
        assert!(!m.error);
        assert!(m.lines.iter().all(|l| l.contains(said) && !l.contains(other)), "{:?}", m.lines);
        let status = app.status.as_ref().expect("status");
        assert!(!status.error && status.text.contains(said) && !status.text.contains(other), "{}", status.text);
        assert!(screen(&app).contains(title), "{}", screen(&app));
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 0, "no file");
    }
}

/// The special-category roster exported from the screen on a drive with no policy says, as `canbao export special`
/// does, that 备注 does not say which subsidy applies to a pupil of several categories, and where to choose the
/// policy; before, the screen wrote the roster without a word. Nothing is said where each pupil has one category.
#[test]
fn the_special_roster_without_a_policy_says_its_subsidy_remarks_are_blank() {
    use canbao::domain::student::CategoryMark;
    let export = |app: &mut App| -> Vec<String> {
        let dir = tempfile::tempdir().expect("dir");
        app.update(Action::Palette);
        type_text(app, "export special");
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Path(prompt)) = &mut app.modal else { panic!("prompt") };
        prompt.input.set(&dir.path().display().to_string());
        app.update(Action::Confirm);
        finish_job(app);
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no box: {:?}", app.status) };
        assert!(std::fs::read_dir(dir.path()).expect("dir").count() > 0, "written: {:?}", m.lines);
        let lines = m.lines.clone();
        app.update(Action::Back);
        lines
    };
    for (lang, blank, several, choose) in [
        (Language::Zh, "资助备注未填", "1 名学生属多个人员类别", "「政策：查看与选定」"),
        (
            Language::En,
            "subsidy remarks left blank",
            "1 pupil(s) have several categories",
            "\"Policy: show and choose\"",
        ),
    ] {
        let mut app = app(lang);
        let lines = export(&mut app);
        assert!(!lines.iter().any(|l| l.contains(blank)), "{lines:?}");
        let pupil = app.store.students(&Default::default()).expect("list")[0].id;
        let marks = [("低保对象", "民政"), ("孤儿", "民政")].map(|(name, department)| CategoryMark {
            name: name.into(),
            department: department.into(),
            year: None,
        });
        app.store.set_categories(pupil, &marks).expect("categories");
        let lines = export(&mut app);
        let said = lines.iter().find(|l| l.contains(blank)).unwrap_or_else(|| panic!("not said: {lines:?}"));
        assert!(said.contains(several) && said.contains(choose) && !said.contains("  "), "{said}");
    }
}

#[test]
fn payment_form() {
    snap("payment", |app| app.update(Action::TogglePaid));
}

#[test]
fn payment_form_bad_amount() {
    snap("payment_bad", |app| {
        app.update(Action::TogglePaid);
        type_text(app, "abc");
        app.update(Action::Confirm);
    });
}

#[test]
fn decline_prompt() {
    snap("decline", |app| {
        app.update(Action::Enrollment);
        for _ in 0..3 {
            app.update(Action::Down);
        }
        type_text(app, "已在老家参保");
    });
}

/// Enter on 不参保 with no reason typed: the chooser stays, on the reason, and says it is needed.
#[test]
fn decline_without_a_reason() {
    snap("decline_without_reason", |app| {
        app.update(Action::Enrollment);
        for _ in 0..3 {
            app.update(Action::Down);
        }
        app.update(Action::Confirm);
    });
}

#[test]
fn note_prompt() {
    snap("note", |app| {
        app.update(Action::EditNote);
        type_text(app, "家长下午来");
    });
}

#[test]
fn import_prompt_and_report() {
    snap_picker("import_path", |app| {
        app.update(Action::Import);
        type_text(app, "fixtures");
        app.update(Action::Confirm);
        app.update(Action::Down);
        app.update(Action::Input(' '));
    });
    snap("import_preview", |app| {
        app.update(Action::Import);
        type_text(app, "tests/fixtures/utf8_bom.csv");
        app.update(Action::Confirm);
    });
    snap("import_done", |app| {
        app.update(Action::Import);
        type_text(app, "tests/fixtures/utf8_bom.csv");
        app.update(Action::Confirm);
        app.update(Action::Confirm);
    });
}

/// In the file picker Space ticks the file under the cursor and moves to the next, as Insert and Space do in mc
/// and ranger, so a run of Spaces ticks a run of files; the line under the list says so, before any file is
/// ticked and after.
#[test]
fn the_file_pickers_space_ticks_and_moves_down_and_says_so() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    for name in ["一班.csv", "二班.csv", "三班.csv"] {
        std::fs::write(dir.path().join(name), "姓名,身份证号码,年级,班级\n").expect("list");
    }
    let says = [
        (Language::Zh, "空格勾选文件并移到下一个", "空格勾选或取消后移到下一个"),
        (Language::En, "Space ticks a file and moves down", "Space ticks or unticks, then"),
    ];
    for (lang, before, after) in says {
        let mut app = app(lang);
        app.update(Action::Resize(120, 30));
        app.update(Action::Import);
        type_text(&mut app, &format!("{}/", dir.path().display()));
        app.update(Action::Confirm);
        assert!(screen(&app).contains(before), "{}", screen(&app));
        let Some(Modal::Files(p)) = &app.modal else { panic!("{}", screen(&app)) };
        let first = p.entries.iter().position(|e| !e.is_dir).expect("a list");
        while matches!(&app.modal, Some(Modal::Files(p)) if p.cursor < first) {
            app.update(Action::Down);
        }
        app.update(Action::Input(' '));
        app.update(Action::Input(' '));
        let Some(Modal::Files(p)) = &app.modal else { panic!("{}", screen(&app)) };
        assert_eq!(p.picked.len(), 2, "two Spaces ticked two files");
        assert_eq!(p.cursor, first + 2, "each moved down");
        assert!(screen(&app).contains(after), "{}", screen(&app));
    }
}

/// A list's path typed into the picker names its folder: the next picker opens there, not in the folder the
/// picker was showing when the path was typed.
#[test]
fn the_next_picker_opens_where_the_typed_list_came_from() {
    let dir = tempfile::tempdir().expect("dir");
    let lists = dir.path().join("lists");
    std::fs::create_dir(&lists).expect("lists");
    let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/utf8_bom.csv");
    std::fs::copy(&source, lists.join("a.csv")).expect("copy");
    let config = dir.path().join("config");
    std::fs::create_dir(&config).expect("config");
    std::fs::write(config.join("last-folder"), dir.path().display().to_string()).expect("last folder");
    let mut options = options(Language::Zh, Some("测试"));
    options.config_dir = Some(config.clone());
    let mut app = App::new(store(true), &options).expect("app");
    app.update(Action::Resize(80, 24));
    app.update(Action::Import);
    type_text(&mut app, &lists.join("a.csv").display().to_string());
    app.update(Action::Confirm);
    let remembered = std::fs::read_to_string(config.join("last-folder")).expect("remembered");
    assert_eq!(std::path::Path::new(remembered.trim()), lists);
}

/// A copy of the sheet for a class teacher: after the palette's 打码 entry, exports mask ID numbers, as
/// `--mask` does, and a name typed for it says it is masked (masked.csv is written as masked-打码.csv); the entry
/// again gives the full numbers back.
#[test]
fn exports_from_the_screen_can_mask_id_numbers() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(Language::Zh);
    let pupils = app.store.students(&Default::default()).expect("list");
    app.run_command(canbao::tui::palette::Command::MaskExports);
    app.start_export(dir.path().join("masked.csv"));
    assert!(!dir.path().join("masked.csv").exists(), "the typed name says nothing of masking");
    let masked = std::fs::read_to_string(dir.path().join("masked-打码.csv")).expect("written");
    assert!(masked.contains(&canbao::domain::id_number::mask(&pupils[0].id_number)), "{masked}");
    assert!(pupils.iter().all(|p| !masked.contains(&p.id_number)), "a number in full");
    app.run_command(canbao::tui::palette::Command::MaskExports);
    app.start_export(dir.path().join("full.csv"));
    let full = std::fs::read_to_string(dir.path().join("full.csv")).expect("written");
    assert!(full.contains(&pupils[0].id_number));
}

/// The masked copy for class teachers (…-打码.xlsx) is never replaced by whole numbers: with masking off, an
/// export typed onto its name is refused, saying why and what to do, where it asked only 覆盖它？ and wrote whole
/// ID numbers into a file named as masked. A new name carrying 打码 is refused as well; masked, it is written.
#[test]
fn whole_numbers_are_not_exported_under_a_masked_copys_name() {
    let dir = tempfile::tempdir().expect("dir");
    for (lang, said) in [(Language::Zh, "请换一个不带“打码”的文件名"), (Language::En, "choose a name without 打码")]
    {
        let mut app = app(lang);
        let pupils = app.store.students(&Default::default()).expect("list");
        let masked = dir.path().join(format!("{lang:?}-在校学生信息表-打码.csv"));
        app.run_command(canbao::tui::palette::Command::MaskExports);
        app.start_export(masked.clone());
        let before = std::fs::read_to_string(&masked).expect("written");
        app.modal = None;
        app.run_command(canbao::tui::palette::Command::MaskExports);
        for target in [masked.clone(), dir.path().join(format!("{lang:?}-新的-打码.csv"))] {
            app.start_export(target.clone());
            let Some(canbao::tui::modal::Modal::Message(refused)) = &app.modal else {
                panic!("{lang:?} {target:?}: {}", screen(&app))
            };
            let lines = refused.lines.join("\n");
            assert!(refused.error && lines.contains(said), "{lang:?}: {lines}");
            app.modal = None;
        }
        let after = std::fs::read_to_string(&masked).expect("still there");
        assert_eq!(before, after, "{lang:?}: the masked copy is untouched");
        assert!(pupils.iter().all(|p| !after.contains(&p.id_number)), "{lang:?}: a number in full");
        assert!(!dir.path().join(format!("{lang:?}-新的-打码.csv")).exists());
    }
}

/// While exports are masked the title bar says so, every export's dialog and 导出完成 say whether the file is
/// masked, and the forms for the agencies (batch template, ledgers, special roster) are written whole.
#[test]
fn masked_exports_are_said_everywhere_and_never_reach_the_agencies_forms() {
    use calamine::Reader;
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(Language::Zh);
    let pupils = app.store.students(&Default::default()).expect("list");
    assert!(!screen(&app).contains("打码导出"));
    app.run_command(canbao::tui::palette::Command::MaskExports);
    assert!(screen(&app).lines().next().is_some_and(|title| title.contains("打码导出")), "{}", screen(&app));

    app.start_export(dir.path().join("sheet.csv"));
    assert!(screen(&app).contains("打码导出：身份证号码只显示前后 4 位"), "{}", screen(&app));

    for (form, folder) in [
        (canbao::tui::palette::Form::Template, "template"),
        (canbao::tui::palette::Form::Ledgers, "ledgers"),
        (canbao::tui::palette::Form::Special, "special"),
    ] {
        let out = dir.path().join(folder);
        std::fs::create_dir(&out).expect("folder");
        app.start_form_export(form, out.clone());
        assert!(screen(&app).contains("身份证号码完整，不打码"), "{folder}: {}", screen(&app));
        let mut whole = 0;
        for file in std::fs::read_dir(&out).expect("dir") {
            let path = file.expect("file").path();
            assert!(!path.to_string_lossy().contains("打码"), "{path:?}");
            let mut book = calamine::open_workbook_auto(&path).expect("workbook");
            for name in book.sheet_names() {
                let range = book.worksheet_range(&name).expect("sheet");
                for cell in range.used_cells().map(|(_, _, c)| c.to_string()) {
                    assert!(!cell.contains("**********"), "{folder}: {cell}");
                    whole += usize::from(pupils.iter().any(|p| p.id_number == cell));
                }
            }
        }
        assert!(whole > 0, "{folder}: whole numbers");
    }

    // The class lists are for teachers: masked, and named so.
    let out = dir.path().join("classes");
    std::fs::create_dir(&out).expect("folder");
    app.start_form_export(canbao::tui::palette::Form::Classes, out.clone());
    assert!(screen(&app).contains("打码导出："), "{}", screen(&app));
    let names: Vec<String> =
        std::fs::read_dir(&out).expect("dir").map(|f| f.expect("file").file_name().to_string_lossy().into()).collect();
    assert!(names.iter().all(|n| n.ends_with("-打码.xlsx")), "{names:?}");
}

/// The batch template exported from the TUI leaves a flagged number out of its 证件号码 cell, and 导出完成 says how
/// many pupils' numbers were left out and to fix them, found by the palette's 检查名单, where it named `canbao
/// check`, a shell command the operator has no window for.
#[test]
fn the_template_export_says_the_flagged_numbers_it_left_out() {
    use calamine::Reader;
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(Language::Zh);
    let id = find_pupil(&mut app, "孙语");
    let rounded = "511502201512179000";
    let set = "UPDATE students SET id_number = ?1, id_problem = 'precision_lost' WHERE id = ?2";
    assert_eq!(app.store.connection().execute(set, rusqlite::params![rounded, id]).expect("flag"), 1);
    // The sample's own flagged pupils (a number left empty, one that fails the check) are left out as well, and
    // any held with an old 15-digit number.
    let pupils = app.store.students(&Default::default()).expect("list");
    let old = Some(canbao::domain::id_number::IdKind::ResidentConverted);
    let flagged =
        pupils.iter().filter(|p| (p.id_problem.is_some() || p.id_kind == old) && !p.grade.contains("毕业")).count();
    app.start_form_export(canbao::tui::palette::Form::Template, dir.path().to_owned());
    let Some(canbao::tui::modal::Modal::Message(done)) = &app.modal else { panic!("{}", screen(&app)) };
    let said = done.lines.join("\n");
    let counted = format!("{flagged} 名学生的身份证号码待核实");
    assert!(said.contains(&counted) && said.contains("「检查名单」列出"), "{counted}: {said}");
    assert!(!said.contains("canbao check"), "{said}");
    for file in std::fs::read_dir(dir.path()).expect("dir") {
        let mut book = calamine::open_workbook_auto(file.expect("file").path()).expect("workbook");
        let range = book.worksheet_range("Sheet1").expect("sheet");
        assert!(range.used_cells().all(|(_, _, c)| !c.to_string().contains(rounded)), "no rounded number uploaded");
    }
}

/// A pupil held with an old 15-digit number, which the batch template leaves without an ID, is marked `!` on
/// the roster, kept by the 证件问题 filter and counted in the dashboard's 身份证号有问题, as `canbao stats` counts
/// it, where all three missed such pupils.
#[test]
fn an_old_15_digit_number_is_marked_filtered_and_counted_as_the_template_leaves_it_out() {
    let store = store(true);
    let pupils = store.students(&Default::default()).expect("list");
    let held = pupils.iter().find(|p| p.id_valid() && !p.grade.contains("毕业")).expect("a valid number");
    let set = "UPDATE students SET id_kind = 'resident_converted' WHERE id = ?1";
    assert_eq!(store.connection().execute(set, [held.id]).expect("converted"), 1);
    let old = Some(canbao::domain::id_number::IdKind::ResidentConverted);
    let pupils = store.students(&Default::default()).expect("list");
    let to_verify: std::collections::BTreeSet<i64> = pupils
        .iter()
        .filter(|p| (p.id_problem.is_some() || p.id_kind == old) && !p.grade.contains("毕业"))
        .map(|p| p.id)
        .collect();
    assert!(to_verify.contains(&held.id));
    let stats = store.stats(None, None).expect("stats");
    assert_eq!(stats.id_invalid as usize, to_verify.len(), "canbao stats");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(100, 40));
    app.set_filters(|f| f.problems_only = true);
    let shown: std::collections::BTreeSet<i64> =
        app.roster.shown().iter().map(|&at| app.data.rows[at as usize].id).collect();
    assert_eq!(shown, to_verify, "the 证件问题 filter");
    let line = screen(&app).lines().find(|l| l.contains(&held.name)).map(str::to_owned).expect("on screen");
    assert!(line.contains('!'), "{line}");
    app.update(Action::Dashboard);
    let count = format!("身份证号有问题 {} 人", to_verify.len());
    assert!(screen(&app).contains(&count), "{count}: {}", screen(&app));
}

/// A long report (the on-screen 检查名单 of a big drive) goes to its last lines with End or G and back to its
/// first with Home or g, and its keys say End, where End did nothing and g or G closed it.
#[test]
fn a_long_report_goes_to_its_end_and_start() {
    for (lang, hint) in [(Language::Zh, "End 末尾"), (Language::En, "End last")] {
        let mut app = app(lang);
        let lines: Vec<String> = (1..=200).map(|i| format!("第 {i} 行")).collect();
        app.show("检查名单", lines, false);
        assert!(screen(&app).contains(hint), "{lang:?}: {}", screen(&app));
        for (down, up) in [(KeyCode::End, KeyCode::Home), (KeyCode::Char('G'), KeyCode::Char('g'))] {
            press(&mut app, down);
            let shown = screen(&app);
            assert!(shown.contains("第 200 行") && !shown.contains("第 1 行"), "{lang:?} {down:?}: {shown}");
            press(&mut app, up);
            let shown = screen(&app);
            assert!(shown.contains("第 1 行") && !shown.contains("第 200 行"), "{lang:?} {up:?}: {shown}");
        }
        assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Message(_))), "still open");
    }
}

/// The import's report counts the rows left out for want of an ID number where the class holds the name more than
/// once: a line of their own, and in the counts, which then add up to the rows read.
#[test]
fn the_import_report_counts_rows_without_a_number_left_out_for_several_of_the_name() {
    let report = canbao::io::class_list::ImportReport {
        rows_read: 4,
        added: 2,
        duplicates: 1,
        unnumbered_left_out: 1,
        ..Default::default()
    };
    let zh = app(Language::Zh).report_lines(&report);
    assert!(zh.iter().any(|l| l == "身份证号码留空、班上有多名同名学生、未导入 1 行，见下列各行"), "{zh:?}");
    assert!(zh.iter().any(|l| l.starts_with("读取 4 行：新增 2") && l.ends_with("跳过 0，未导入 1")), "{zh:?}");
    let en = app(Language::En).report_lines(&report);
    assert!(en.iter().any(|l| l.starts_with("1 row not imported: no ID number")), "{en:?}");
    assert!(en.iter().any(|l| l.starts_with("Rows read 4:") && l.ends_with("skipped 0, not imported 1")), "{en:?}");
    let none = canbao::io::class_list::ImportReport::default();
    assert!(!app(Language::En).report_lines(&none).iter().any(|l| l.contains("not imported")));
}

/// The import's report counts the rows left out because their masked numbers fit no pupil.
#[test]
fn the_import_report_counts_masked_rows_left_out() {
    let report = canbao::io::class_list::ImportReport { masked_left_out: 3, ..Default::default() };
    assert!(app(Language::Zh).report_lines(&report).contains(&"身份证号码已打码、未导入 3 行".to_owned()));
    assert!(app(Language::En).report_lines(&report).iter().any(|l| l == "3 rows with masked ID numbers not imported"));
    // One of each, in the singular: one row, one pupil.
    let one = canbao::io::class_list::ImportReport { masked_left_out: 1, moved_school: 1, ..Default::default() };
    let lines = app(Language::En).report_lines(&one);
    assert!(lines.iter().any(|l| l == "1 row with masked ID numbers not imported"), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("Moved: 1 pupil to another school, 0 to another class")), "{lines:?}");
    assert!(app(Language::Zh).report_lines(&one).iter().any(|l| l.starts_with("其中 1 名学生转到另一所学校")));
    let none = canbao::io::class_list::ImportReport::default();
    assert!(!app(Language::Zh).report_lines(&none).iter().any(|l| l.contains("打码")));
}

/// The palette's folder field for a form offers the folder the last form went into this session (the template
/// into /x/out/, then the ledgers), where it offered the folder canbao runs in each time.
#[test]
fn the_next_forms_folder_is_the_last_one_used() {
    use canbao::tui::palette::{Command, Form};
    let dir = tempfile::tempdir().expect("dir");
    let out = dir.path().join("out");
    let mut app = app(Language::Zh);
    app.start_form_export(Form::Template, out.clone());
    app.modal = None;
    app.run_command(Command::Export(Form::Ledgers));
    let Some(canbao::tui::modal::Modal::Path(prompt)) = &app.modal else { panic!("{}", screen(&app)) };
    assert_eq!(prompt.input.text(), format!("{}{}", out.display(), std::path::MAIN_SEPARATOR));
}

#[test]
fn export_prompt_while_masked() {
    snap("export_path_masked", |app| {
        app.last_export_folder = Some("/srv/导出".into());
        app.run_command(canbao::tui::palette::Command::MaskExports);
        app.update(Action::Export);
    });
    snap("export_template_masked", |app| {
        app.run_command(canbao::tui::palette::Command::MaskExports);
        app.run_command(canbao::tui::palette::Command::Export(canbao::tui::palette::Form::Template));
    });
}

/// A folder typed in the export dialog (ending in /, created if missing, or one that exists) gets the sheet under
/// its usual name, as `export sheet --out folder/` does, never a hidden file named `.xlsx`; a bare `.csv` in a
/// folder is the usual name as CSV. The forms of the palette take the folder as they did.
#[test]
fn exporting_to_a_folder_writes_the_sheet_under_its_usual_name() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(Language::Zh);
    let name = "柳州市示范小学-2027年度-在校学生信息表-20261123";
    let mut typed = dir.path().join("out").into_os_string();
    typed.push("/");
    app.start_export(PathBuf::from(typed));
    assert!(dir.path().join(format!("out/{name}.xlsx")).is_file(), "{:?}", app.status);
    assert!(!dir.path().join("out/.xlsx").exists());
    let other = dir.path().join("other");
    std::fs::create_dir(&other).expect("folder");
    app.start_export(other.clone());
    app.start_export(other.join(".csv"));
    let mut names: Vec<String> = std::fs::read_dir(&other)
        .expect("dir")
        .map(|f| f.expect("file").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [format!("{name}.csv"), format!("{name}.xlsx")]);

    let mut forms = dir.path().join("forms").into_os_string();
    forms.push("/");
    app.start_form_export(canbao::tui::palette::Form::Summary, PathBuf::from(forms));
    let written: Vec<_> = std::fs::read_dir(dir.path().join("forms")).expect("dir").collect();
    assert_eq!(written.len(), 1, "{written:?}");
    // A file name typed out of habit for a form is the folder it names, not a new folder of that name.
    let named = dir.path().join("named");
    std::fs::create_dir(&named).expect("folder");
    app.start_form_export(canbao::tui::palette::Form::Summary, named.join("汇总.xlsx"));
    assert!(!named.join("汇总.xlsx").exists(), "no folder called 汇总.xlsx");
    let written: Vec<_> = std::fs::read_dir(&named).expect("dir").collect();
    assert_eq!(written.len(), 1, "the form is in the folder: {written:?}");
}

/// On the detail screen every key acts on the pupil shown: a move through the list (a page, as a keymap may still
/// bind it there, or an end) moves the pupil shown with it, and a mark goes to the pupil on screen even if the
/// list's cursor was moved under it.
#[test]
fn the_detail_screen_marks_the_pupil_it_shows() {
    use canbao::tui::modal::Modal;
    let mut app = app(Language::Zh);
    app.update(Action::OpenDetail);
    let first = app.detail.as_ref().expect("detail").student.id;
    let keys: [fn() -> Action; 4] = [|| Action::PageDown, || Action::Bottom, || Action::PageUp, || Action::Top];
    for key in keys {
        let key = key();
        let name = format!("{key:?}");
        app.update(key);
        let shown = app.detail.as_ref().expect("detail").student.id;
        assert_eq!(Some(shown), app.selected_id(), "{name}: the screen follows the list");
        app.update(Action::Enrollment);
        let Some(Modal::Enrollment(chooser)) = &app.modal else { panic!("no chooser after {name}") };
        assert_eq!(chooser.targets, [shown], "{name}");
        app.update(Action::Back);
    }
    assert_eq!(app.detail.as_ref().expect("detail").student.id, first, "Top is the first pupil again");
    // The list's cursor moved under the screen by other means: the mark still goes to the pupil shown.
    app.roster.move_cursor(3, 10);
    assert_ne!(app.selected_id(), Some(first));
    app.update(Action::Enrollment);
    let Some(Modal::Enrollment(chooser)) = &app.modal else { panic!("no chooser") };
    assert_eq!(chooser.targets, [first]);
}

/// A stray Space (or `a`) on the detail screen selects nobody: back on the roster, `e` on another row is about
/// that row, not the pupil the detail screen showed.
#[test]
fn space_on_the_detail_screen_selects_nobody() {
    use canbao::tui::modal::Modal;
    let mut app = app(Language::Zh);
    app.update(Action::OpenDetail);
    app.update(Action::ToggleSelect);
    app.update(Action::SelectAll);
    app.update(Action::Back);
    assert!(app.roster.marked().is_empty());
    app.update(Action::Down);
    app.update(Action::Down);
    let highlighted = app.selected_id().expect("pupil");
    app.update(Action::Enrollment);
    let Some(Modal::Enrollment(chooser)) = &app.modal else { panic!("no chooser") };
    assert_eq!(chooser.targets, [highlighted]);
}

/// With the roster narrowed to one class, the class lists and payment slips exported from the screen are that
/// class's, as `--class` gives them; without a class filter, every class's.
#[test]
fn class_forms_from_the_screen_follow_the_class_filter() {
    let exported = |filter: bool| {
        let dir = tempfile::tempdir().expect("dir");
        let mut app = app(Language::Zh);
        if filter {
            let data = app.data.clone();
            app.roster.set_filters(&data, 20, |f| f.class = Some(0));
        }
        app.start_form_export(canbao::tui::palette::Form::Classes, dir.path().to_owned());
        // One workbook per school, a sheet per class.
        let files: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").map(|f| f.expect("file").path()).collect();
        let [file] = files.as_slice() else { panic!("one workbook: {files:?}") };
        use calamine::Reader;
        calamine::open_workbook_auto(file).expect("workbook").sheet_names().len()
    };
    assert_eq!(exported(true), 1);
    assert!(exported(false) > 1);
}

#[test]
fn export_prompt() {
    snap("export_path", |app| {
        app.last_export_folder = Some("/srv/导出".into());
        app.update(Action::Export);
    });
}

/// The file picker leaves the status line and the footer as they are drawn without it, whatever the size down to
/// the smallest screen (80×24, where the footer takes two rows): on the roster and on the detail screen, nothing of
/// the box is drawn over them, and none of their keys or messages is hidden.
#[test]
fn the_file_picker_leaves_the_status_line_and_the_footer_in_sight() {
    for lang in [Language::Zh, Language::En] {
        for detail in [false, true] {
            for (w, h) in [(80, 24), (84, 24), (100, 26), (120, 24), (200, 40)] {
                let mut app = app(lang);
                app.update(Action::Resize(w, h));
                if detail {
                    app.update(Action::OpenDetail);
                }
                app.say("状态行 status line");
                let before: Vec<String> = screen(&app).lines().map(str::to_owned).collect();
                let status = before.iter().position(|l| l.contains("状态行 status line")).expect("status line");
                app.update(Action::Import);
                assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Files(_))), "{}", screen(&app));
                app.say("状态行 status line");
                let after: Vec<String> = screen(&app).lines().map(str::to_owned).collect();
                assert_eq!(after[status..], before[status..], "{w}×{h} detail {detail}:\n{}", after.join("\n"));
                // The box's last row (its key hints) is drawn whole, above the status line.
                let hints = [
                    "Enter 确定  Tab 全部文件  Esc 返回  Left 上一级",
                    "Enter ok  Tab all files  Esc back  Left parent folder",
                ];
                let drawn = |l: &String| hints.iter().any(|h| l.contains(h));
                assert!(after[..status].iter().any(drawn), "{w}×{h} detail {detail}:\n{}", after.join("\n"));
            }
        }
    }
}

/// The file picker at the smallest screen, on the detail screen, with a refusal of four rows: the box, the status
/// line and both rows of the footer, none over another.
#[test]
fn file_picker_at_80_by_24() {
    snap_picker("import_picker_80x24", |app| {
        app.update(Action::OpenDetail);
        app.update(Action::Import);
        type_text(app, "a-list-that-is-not-here-with-a-long-name-to-wrap-over-several-rows-of-the-box.csv");
        app.update(Action::Confirm);
    });
}

#[test]
fn import_error() {
    snap_picker("import_error", |app| {
        app.update(Action::Import);
        type_text(app, "fixtures");
        app.update(Action::Confirm);
        type_text(app, "no-such-file.csv");
        app.update(Action::Confirm);
    });
}

/// Snapshots a screen with the file picker, which shows the folder it is in: the picker starts in a short
/// scratch folder (the last folder used, remembered in the config folder) holding a copy of the fixtures, and
/// the folder is shown as `[dir]`, so the screen is the same wherever the checkout lives, however long its path.
fn snap_picker(name: &str, setup: impl Fn(&mut App)) {
    for lang in [Language::Zh, Language::En] {
        let dir = tempfile::tempdir().expect("dir");
        let fixtures = dir.path().join("fixtures");
        std::fs::create_dir(&fixtures).expect("fixtures");
        let source = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for entry in std::fs::read_dir(&source).expect("fixtures") {
            let path = entry.expect("entry").path();
            if path.is_file() {
                std::fs::copy(&path, fixtures.join(path.file_name().expect("name"))).expect("copy");
            }
        }
        let config = dir.path().join("config");
        std::fs::create_dir(&config).expect("config");
        std::fs::write(config.join("last-folder"), dir.path().display().to_string()).expect("last folder");
        let mut options = options(lang, Some("测试"));
        options.config_dir = Some(config);
        let mut app = App::new(store(true), &options).expect("app");
        app.update(Action::Resize(80, 24));
        setup(&mut app);
        let shown = screen(&app).replace(&dir.path().display().to_string(), "[dir]");
        insta::assert_snapshot!(format!("{name}_{}", lang_name(lang)), shown);
    }
}

#[test]
fn first_run_asks_the_operator_then_offers_the_sample() {
    for lang in [Language::Zh, Language::En] {
        let mut app = App::new(store(false), &options(lang, None)).expect("app");
        app.update(Action::Resize(80, 24));
        type_text(&mut app, "王老师");
        insta::assert_snapshot!(format!("first_run_operator_{}", lang_name(lang)), screen(&app));
        app.update(Action::Confirm);
        assert_eq!(app.store.operator(), "王老师");
        insta::assert_snapshot!(format!("first_run_welcome_{}", lang_name(lang)), screen(&app));
        app.update(Action::LoadSample);
        assert!(app.question().is_some(), "asked first");
        app.update(Action::Yes);
        assert!(app.modal.is_none());
        assert_eq!(app.roster.shown().len(), 360);
    }
}

#[test]
fn too_small() {
    snap("too_small", |app| app.update(Action::Resize(79, 24)));
}

/// Styles matter too: the selected row is drawn in the theme's selection colours, a paid status in green.
#[test]
fn styles_follow_the_theme() {
    let mut app = app(Language::Zh);
    app.update(Action::Down);
    app.update(Action::TogglePaid);
    type_text(&mut app, "380");
    app.update(Action::Confirm);
    app.update(Action::Up);
    let terminal = render(&app);
    let buffer = terminal.backend().buffer();
    let theme = &app.theme;
    let selected = &buffer[(5, 4)];
    assert_eq!(selected.bg, theme.selected_bg.0);
    let payment_x = (0..80).find(|&x| buffer[(x, 5)].symbol() == "已").expect("paid cell");
    assert_eq!(buffer[(payment_x, 5)].fg, theme.paid.0);
    assert_ne!(theme.paid.0, Color::Reset);
}

#[test]
fn search_puts_the_cursor_on_the_best_match_and_the_caret_after_the_text() {
    let mut app = app(Language::Zh);
    app.update(Action::Bottom);
    app.update(Action::Search);
    type_text(&mut app, "孙语");
    assert_eq!(app.roster.cursor(), 0, "a new list starts at its best match, not where the cursor was");
    let best = app.roster.shown()[0] as usize;
    assert_eq!(app.data.name(best), "孙语");
    let mut terminal = render(&app);
    // "搜索：" is 6 cells after a space, then 孙语 is 4 more.
    terminal.backend_mut().assert_cursor_position((11, 2));
    app.update(Action::Confirm);
    app.update(Action::OpenDetail);
    assert_eq!(app.detail.as_ref().map(|d| d.student.name.as_str()), Some("孙语"), "Enter opens the highlighted pupil");
    let found = app.selected_id();
    app.update(Action::Back);
    app.update(Action::Back);
    assert_eq!(app.roster.shown().len(), 360);
    assert_eq!(app.selected_id(), found, "clearing the search leaves the highlight on the child found");
}

/// G, then a search for a common surname: the highlight is on the first row of the new list.
#[test]
fn a_new_search_after_moving_to_the_bottom_starts_at_the_top() {
    let mut app = app(Language::Zh);
    app.update(Action::Bottom);
    assert_eq!(app.roster.cursor(), 359);
    app.update(Action::Search);
    type_text(&mut app, "王");
    assert!(app.roster.shown().len() > 1);
    assert_eq!((app.roster.cursor(), app.roster.offset()), (0, 0));
    // A filter keeps the highlight on its pupil where the new list holds them, else starts at the top.
    app.update(Action::Confirm);
    app.update(Action::Bottom);
    let bottom = app.selected_id().expect("pupil");
    app.update(Action::Filters);
    app.update(Action::Down);
    app.update(Action::Right);
    let held = app.roster.shown().iter().any(|&i| app.data.rows[i as usize].id == bottom);
    if held {
        assert_eq!(app.selected_id(), Some(bottom));
    } else {
        assert_eq!((app.roster.cursor(), app.roster.offset()), (0, 0));
    }
}

/// A search whose pupils the filters all leave out says so, with how many and the key of the filters, in both
/// languages: "not found" would have the operator tell a family their child is not on the list.
#[test]
fn a_search_the_filters_hide_says_the_filters_hide_it() {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        let number = app.data.id_number(0).to_owned();
        let other =
            if app.data.rows[0].payment == PaymentStatus::Paid { PaymentStatus::Unpaid } else { PaymentStatus::Paid };
        app.roster.set_filters(&app.data, 20, |f| f.payment = Some(other));
        app.update(Action::Search);
        type_text(&mut app, &number);
        assert!(app.roster.shown().is_empty());
        let text = screen(&app);
        let said = match lang {
            Language::Zh => "筛选中没有「",
            Language::En => "1 found outside the filters (press s for filters)",
        };
        assert!(text.contains(said), "{text}");
        if lang == Language::Zh {
            assert!(text.contains("筛选之外有 1 人符合，按 s 修改筛选"), "{text}");
        }
        // Without the filters it is found; a search nobody matches is still "not found".
        app.roster.set_filters(&app.data, 20, |f| *f = Default::default());
        assert_eq!(app.roster.shown().len(), 1);
        app.roster.set_filters(&app.data, 20, |f| f.payment = Some(other));
        type_text(&mut app, "9");
        let text = screen(&app);
        assert!(!text.contains("筛选之外") && !text.contains("outside the filters"), "{text}");
    }
}

/// A mark on several pupils asks first, says how many and what, and writes nothing before Yes.
#[test]
fn bulk_marks_ask_first_and_esc_writes_nothing() {
    let mut app = app(Language::Zh);
    let audit = app.store.audit_count().expect("count");
    app.update(Action::SelectAll);
    app.update(Action::Enrollment);
    app.update(Action::Down);
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
    assert_eq!(c.question, "将 360 名学生的参保状态改为 在校参保？");
    assert!(!c.yes, "No is the default");
    assert_eq!(app.store.audit_count().expect("count"), audit, "nothing written before Yes");
    app.update(Action::Back);
    assert!(app.modal.is_none());
    assert_eq!(app.store.audit_count().expect("count"), audit);
    // Enter on the default answer is No as well.
    app.update(Action::ToggleGovernment);
    app.update(Action::Confirm);
    assert_eq!(app.store.stats(None, None).expect("stats").payment["government"], 0);
    // Moving to Yes and Enter writes, for every marked pupil, the value chosen in the dialog.
    app.update(Action::ToggleGovernment);
    app.update(Action::Right);
    app.update(Action::Confirm);
    assert_eq!(app.store.stats(None, None).expect("stats").payment["government"], 360);
}

/// A bulk 在校参保 over a selection where some are enrolled here already counts only those it changes, in the
/// question, in what it says was saved and in the undo question alike, and says the others apart.
#[test]
fn bulk_enrollment_counts_only_the_pupils_it_changes() {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        for _ in 0..5 {
            app.update(Action::ToggleSelect);
        }
        let marked: Vec<i64> = app.roster.marked().iter().copied().collect();
        assert_eq!(marked.len(), 5);
        for &id in &marked[..2] {
            app.store.set_enrollment(id, Enrollment::Here, None).expect("here");
        }
        choose_enrollment(&mut app, Enrollment::Here, "");
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
        let (question, saved, undo) = match lang {
            Language::Zh => (
                "将 3 名学生的参保状态改为 在校参保？（另有 2 人已是在校参保，不变）",
                "已保存：在校参保（3 人）（另 2 人原已如此，未变）",
                "撤销对 3 名学生的上一次修改？",
            ),
            _ => (
                "Set the enrollment of 3 pupils to at school? (2 already at school: left as they are)",
                "Saved: at school (3 pupils) (2 already so, unchanged)",
                "Undo the last change to 3 pupils?",
            ),
        };
        // Its first line; the next says the highlighted pupil (the row after the five) is not among them.
        assert_eq!(c.question.lines().next(), Some(question));
        assert_eq!(c.question.lines().count(), 2, "{}", c.question);
        app.update(Action::Yes);
        let said = status_text(&app);
        assert_eq!(said, saved);
        assert!(said.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<usize>() <= 80, "{said}");
        app.update(Action::Undo);
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no undo question") };
        assert_eq!(c.question, undo);
        // All of them enrolled already: nothing asked, nothing written.
        app.update(Action::Back);
        let audit = app.store.audit_count().expect("count");
        choose_enrollment(&mut app, Enrollment::Here, "");
        assert!(app.modal.is_none());
        assert_eq!(app.store.audit_count().expect("count"), audit);
        assert!(status_text(&app).contains('5'), "{}", status_text(&app));
    }
}

/// ↑/↓ (and j/k) move through lists, not between 否 and 是: a key meant for the chooser behind a question must not
/// turn its answer to Yes. ←/→/Tab do, as the README's key table says.
#[test]
fn up_and_down_do_not_move_a_question_to_yes() {
    let mut app = app(Language::Zh);
    app.update(Action::SelectAll);
    app.update(Action::Enrollment);
    app.update(Action::Down);
    app.update(Action::Down);
    app.update(Action::Confirm);
    for action in [Action::Up, Action::Down, Action::Up] {
        app.update(action);
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
        assert!(!c.yes, "still No");
    }
    app.update(Action::Confirm);
    assert_eq!(app.store.stats(None, None).expect("stats").enrollment["elsewhere"], 0);
    app.update(Action::Enrollment);
    app.update(Action::Down);
    app.update(Action::Down);
    app.update(Action::Confirm);
    app.update(Action::Right);
    app.update(Action::Confirm);
    assert_eq!(app.store.stats(None, None).expect("stats").enrollment["elsewhere"], 360);
}

/// What the operator does in the real event loop: keys, a pause (no key before the wait ends), a sleep.
enum Paced {
    Key(Event),
    Pause,
    Sleep(u64),
}

struct PacedScript(std::collections::VecDeque<Paced>);

impl EventSource for PacedScript {
    fn next(&mut self, _timeout: Duration) -> std::io::Result<Option<Event>> {
        loop {
            return Ok(match self.0.pop_front() {
                Some(Paced::Key(e)) => Some(e),
                Some(Paced::Pause) => None,
                Some(Paced::Sleep(ms)) => {
                    std::thread::sleep(Duration::from_millis(ms));
                    continue;
                }
                None => Some(Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))),
            });
        }
    }

    // Keys with neither a pause nor a sleep between them came in one read, as a paste's do.
    fn more_waiting(&mut self) -> bool {
        matches!(self.0.front(), Some(Paced::Key(_)))
    }
}

fn paced(keys: &str) -> impl Iterator<Item = Paced> + '_ {
    keys.chars().map(|c| {
        let code = match c {
            'v' => KeyCode::Down,
            '^' => KeyCode::Up,
            '\n' => KeyCode::Enter,
            c => KeyCode::Char(c),
        };
        Paced::Key(key(code, KeyEventKind::Press))
    })
}

/// The bulk enrollment question run through the real event loop with `steps` after 「将 360 名学生…改为 异地参保？」
/// is asked; how many pupils end up 异地参保.
fn elsewhere_after(steps: impl IntoIterator<Item = Paced>) -> i64 {
    let mut app = app(Language::Zh);
    // `a` and `e`, each then a look at the screen, as an operator presses them.
    let mut script: std::collections::VecDeque<Paced> = paced("a").collect();
    script.push_back(Paced::Pause);
    script.extend(paced("e"));
    script.push_back(Paced::Pause);
    script.extend(paced("vv\n"));
    script.extend(steps);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    run_loop(&mut terminal, &mut app, &mut PacedScript(script)).expect("loop");
    assert!(app.quit);
    app.store.stats(None, None).expect("stats").enrollment["elsewhere"]
}

/// A big selection's question takes seconds to prepare: keys typed meanwhile (queued before it is drawn) do not
/// answer it, and neither does a `y` pressed in the first moment after it shows, before it can be read; a `y`
/// after a look writes.
#[test]
fn keys_typed_before_a_question_shows_do_not_answer_it() {
    let esc = || Paced::Key(key(KeyCode::Esc, KeyEventKind::Press));
    // Typed ahead, queued while the question was prepared.
    assert_eq!(elsewhere_after(paced("y").chain([Paced::Pause, Paced::Sleep(400), esc()])), 0);
    assert_eq!(elsewhere_after(paced("\n").chain([Paced::Pause, Paced::Sleep(400), esc()])), 0);
    // Pressed as it is drawn.
    assert_eq!(elsewhere_after([Paced::Pause].into_iter().chain(paced("y")).chain([Paced::Sleep(400), esc()])), 0);
    // Answered after a look (the first pause is read as the question is drawn), the keys pausing after the `y`.
    let look = [Paced::Pause, Paced::Pause, Paced::Sleep(400)].into_iter();
    assert_eq!(elsewhere_after(look.chain(paced("y")).chain([Paced::Pause])), 360);
}

/// Keys that reached a question before it showed, each said as it came, are counted together on the status line
/// (「2 个键」), where it said 「提问出现前按下的 1 个键未作回答」 twice over.
#[test]
fn keys_ignored_one_by_one_before_a_question_are_counted_together() {
    for (lang, two, one) in [
        (Language::Zh, "提问出现前按下的 2 个键未作回答", "1 个键"),
        (Language::En, "2 key(s) pressed before this question", "1 key(s)"),
    ] {
        let mut app = app(lang);
        app.update(Action::SelectAll);
        app.update(Action::Enrollment);
        app.update(Action::Down);
        app.update(Action::Confirm);
        assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Confirm(_))), "a question");
        app.keys_ignored(1);
        app.keys_ignored(1);
        let said = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
        assert!(said.contains(two) && !said.contains(one), "{lang:?}: {said}");
        // The bulk payment question's sentence on part-payers ends, so the next (其中 1 人为异地参保…) starts
        // apart, where the two ran together.
        let part_paid = canbao::tui::text::Text::for_language(lang).bulk_kept_part_paid;
        assert!(part_paid.ends_with(['。', '.']), "{lang:?}: {part_paid}");
    }
}

/// Pupils selected and then searched out of sight are still in a bulk mark: the question says how many of them
/// the list no longer shows.
#[test]
fn a_bulk_question_names_selected_pupils_no_longer_shown() {
    let mut app = app(Language::Zh);
    app.update(Action::SelectAll);
    let name = app.store.student(app.selected_id().expect("pupil")).expect("pupil").name;
    app.update(Action::Search);
    type_text(&mut app, &name);
    app.update(Action::Confirm);
    let shown = app.roster.shown().len();
    assert!(shown < 360, "the search narrowed the list");
    app.update(Action::Enrollment);
    app.update(Action::Down);
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
    assert!(c.question.starts_with("将 360 名学生的参保状态改为 在校参保？"), "{}", c.question);
    assert!(c.question.contains(&format!("其中 {} 人不在当前列表中", 360 - shown)), "{}", c.question);
    assert!(screen(&app).contains("不在当前列表中"), "{}", screen(&app));
    // With every selected pupil in sight, the question is as it was.
    app.update(Action::Back);
    app.update(Action::Back);
    app.update(Action::Enrollment);
    app.update(Action::Down);
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
    assert_eq!(c.question, "将 360 名学生的参保状态改为 在校参保？");
}

/// The note under a bulk question about pupils out of sight names keys that act: it said 「请按 n 后重新选择」,
/// and `n` at the question is taken for a stray key. Enter answers No, then Esc on the list, twice after a
/// search, clears the selection, as the note says.
#[test]
fn the_note_on_selected_pupils_out_of_sight_names_the_keys_that_clear_them() {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        app.update(Action::SelectAll);
        let name = app.store.student(app.selected_id().expect("pupil")).expect("pupil").name;
        app.update(Action::Search);
        type_text(&mut app, &name);
        app.update(Action::Confirm);
        app.update(Action::Enrollment);
        app.update(Action::Down);
        app.update(Action::Confirm);
        let question = app.question().expect("the bulk question").to_owned();
        assert!(question.contains("Enter") && question.contains("Esc"), "{lang:?}: {question}");
        assert!(!question.contains("按 n") && !question.contains("press n"), "{lang:?}: {question}");
        app.update(Action::Confirm);
        assert!(app.modal.is_none() && app.roster.marked().len() == 360, "{lang:?}: No changes nothing");
        app.update(Action::Back);
        app.update(Action::Back);
        assert!(app.roster.marked().is_empty(), "{lang:?}: the selection is cleared as said");
    }
}

/// Ctrl-c at the first run's name prompt said 「只关闭对话框请按 Esc」, but Esc there quits canbao: it now says
/// how to go on, whole at 80 columns.
#[test]
fn ctrl_c_at_the_name_prompt_says_how_to_go_on_not_esc() {
    for (lang, said) in [(Language::Zh, "请输入姓名后按 Enter"), (Language::En, "type your name, Enter")] {
        let mut app = App::new(store(true), &options(lang, None)).expect("app");
        app.update(Action::Resize(80, 24));
        assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Operator(_))), "{lang:?}: the name prompt");
        app.update(Action::Quit);
        assert!(!app.quit, "{lang:?}");
        let warned = app.quit_warning().expect("warned").text.clone();
        assert!(warned.contains(said) && !warned.contains("Esc"), "{lang:?}: {warned}");
        assert!(screen(&app).contains(&warned), "{lang:?}: whole at 80 columns\n{}", screen(&app));
    }
}

/// The bulk value comes from the dialog, never from the pupil under the cursor.
#[test]
fn bulk_value_is_not_taken_from_the_pupil_under_the_cursor() {
    let mut app = app(Language::Zh);
    let first = app.selected_id().expect("pupil");
    app.store.set_payment(first, PaymentStatus::Government, &Default::default()).expect("gov");
    app.update(Action::ToggleSelect);
    app.update(Action::ToggleSelect);
    app.update(Action::Up);
    app.update(Action::Up);
    // Before, `f` on a government-paid first pupil turned both back to unpaid.
    app.update(Action::ToggleGovernment);
    app.update(Action::Yes);
    let stats = app.store.stats(None, None).expect("stats");
    assert_eq!(stats.payment["government"], 2);
}

#[test]
fn the_enrollment_chooser_saves_nothing_until_enter_and_esc_leaves_the_pupil_as_it_was() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    let audit = app.store.audit_count().expect("count");
    app.update(Action::Enrollment);
    app.update(Action::Down);
    app.update(Action::Down);
    type_text(&mut app, "老家");
    app.update(Action::Back);
    assert_eq!(app.store.audit_count().expect("count"), audit);
    assert_eq!(app.store.student(id).expect("s").enrollment, Enrollment::Unknown);
    app.update(Action::Enrollment);
    app.update(Action::Down);
    app.update(Action::Down);
    type_text(&mut app, "老家");
    app.update(Action::Confirm);
    let s = app.store.student(id).expect("s");
    assert_eq!((s.enrollment, s.decline_reason.as_deref()), (Enrollment::Elsewhere, Some("老家")));
}

#[test]
fn clearing_a_payment_is_asked() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    app.update(Action::TogglePaid);
    type_text(&mut app, "380");
    app.update(Action::Confirm);
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Paid);
    app.update(Action::TogglePaid);
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Confirm(_))), "p on a paid pupil asks");
    app.update(Action::Back);
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Paid);
    app.update(Action::ToggleGovernment);
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Confirm(_))), "f on a family-paid pupil asks");
    app.update(Action::Yes);
    let s = app.store.student(id).expect("s");
    assert_eq!((s.payment, s.payment_details.amount_fen), (PaymentStatus::Government, None));
}

/// A payment the tax office's list recorded stays paid there: `p` says so before clearing it, in either language;
/// one recorded by hand is asked about as before.
#[test]
fn clearing_a_payment_from_the_tax_list_says_the_tax_office_still_has_it() {
    use canbao::store::{Change, ChangeOptions, Payment};
    for (lang, said) in [(Language::Zh, "核对税务名单记入"), (Language::En, "from the tax office's list")] {
        let mut store = store(true);
        let pupils = store.students(&Default::default()).expect("list");
        let paid = |fen| vec![Change::Payment(Payment::Paid { amount_fen: Some(fen), paid_on: None, channel: None })];
        store.apply_changes("reconcile", &[(pupils[0].id, paid(38_000))], ChangeOptions::default()).expect("list");
        store.apply_changes("mark", &[(pupils[1].id, paid(38_000))], ChangeOptions::default()).expect("by hand");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(120, 30));
        for (pupil, from_list) in [(&pupils[0], true), (&pupils[1], false)] {
            app.update(Action::Search);
            type_text(&mut app, &pupil.name);
            app.update(Action::Confirm);
            assert_eq!(app.selected_id(), Some(pupil.id));
            app.update(Action::TogglePaid);
            let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
            assert_eq!(c.question.contains(said), from_list, "{}", c.question);
            app.update(Action::Back);
        }
    }
}

/// 财政代缴 over a payment the tax office's list recorded drops the family's payment the tax office still has: `f`
/// says so before, in either language, and 检查名单 lists the pupil after; one recorded by hand is asked about as
/// before.
#[test]
fn government_over_a_payment_from_the_tax_list_says_the_tax_office_still_has_it() {
    use canbao::store::{Change, ChangeOptions, Payment};
    for (lang, said, in_check) in [
        (Language::Zh, "核对税务名单记入", "之后被手工改为财政代缴"),
        (Language::En, "from the tax office's list", "then marked government-paid by hand"),
    ] {
        let mut store = store(true);
        let pupils = store.students(&Default::default()).expect("list");
        let paid = |fen| vec![Change::Payment(Payment::Paid { amount_fen: Some(fen), paid_on: None, channel: None })];
        store.apply_changes("reconcile", &[(pupils[0].id, paid(38_000))], ChangeOptions::default()).expect("list");
        store.apply_changes("mark", &[(pupils[1].id, paid(38_000))], ChangeOptions::default()).expect("by hand");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(120, 30));
        for (pupil, from_list) in [(&pupils[0], true), (&pupils[1], false)] {
            app.update(Action::Search);
            type_text(&mut app, &pupil.name);
            app.update(Action::Confirm);
            assert_eq!(app.selected_id(), Some(pupil.id));
            app.update(Action::ToggleGovernment);
            let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
            assert_eq!(c.question.contains(said), from_list, "{}", c.question);
            if from_list {
                app.update(Action::Yes);
            } else {
                app.update(Action::Back);
            }
        }
        app.update(Action::Palette);
        type_text(&mut app, "check");
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no report: {:?}", app.status) };
        let line = m.lines.iter().find(|l| l.contains(in_check)).unwrap_or_else(|| panic!("{:?}", m.lines));
        assert!(line.contains(&pupils[0].name), "{line}");
    }
}

/// `f` on a class keeps every family payment already recorded, as a class's `p` does: one the tax office's list
/// recorded stays paid there, and the question says how many it kept, in either language. With every selected
/// pupil paid it asks nothing and says so.
#[test]
fn bulk_government_keeps_the_payments_already_recorded() {
    use canbao::store::{Change, ChangeOptions, Payment};
    for (lang, asked) in [
        (Language::Zh, "将 2 名学生标记为财政代缴？另有 2 名已由家庭缴费，保留其缴费记录，不标记。"),
        (Language::En, "Mark 2 pupils as government-paid? 2 more already paid as a family: their payments are kept"),
    ] {
        let mut store = store(true);
        let pupils = store.students(&Default::default()).expect("list");
        let paid = |fen| vec![Change::Payment(Payment::Paid { amount_fen: Some(fen), paid_on: None, channel: None })];
        store.apply_changes("reconcile", &[(pupils[0].id, paid(35_000))], ChangeOptions::default()).expect("list");
        store.apply_changes("mark", &[(pupils[1].id, paid(38_000))], ChangeOptions::default()).expect("by hand");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(120, 30));
        for _ in 0..4 {
            app.update(Action::ToggleSelect);
        }
        app.update(Action::ToggleGovernment);
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
        assert!(c.question.starts_with(asked), "{lang:?}: {}", c.question);
        app.update(Action::Yes);
        let payment = |app: &App, i: usize| {
            let s = app.store.student(pupils[i].id).expect("s");
            (s.payment, s.payment_details.amount_fen)
        };
        assert_eq!(payment(&app, 0), (PaymentStatus::Paid, Some(35_000)), "{lang:?}: the tax list's payment stays");
        assert_eq!(payment(&app, 1), (PaymentStatus::Paid, Some(38_000)), "{lang:?}");
        assert_eq!(payment(&app, 2), (PaymentStatus::Government, None), "{lang:?}");
        assert_eq!(payment(&app, 3), (PaymentStatus::Government, None), "{lang:?}");

        // Only the paid pupils selected: nothing to mark, nothing asked.
        app.roster.clear_marks();
        app.update(Action::Top);
        app.update(Action::ToggleSelect);
        app.update(Action::ToggleSelect);
        app.update(Action::ToggleGovernment);
        assert!(app.modal.is_none(), "{lang:?}: nothing asked");
        assert_eq!(payment(&app, 0), (PaymentStatus::Paid, Some(35_000)), "{lang:?}");
    }
}

/// 检查名单 lists a pupil marked 不参保 whom a tax list then has paying (the status, the payment and when the list
/// recorded it) and a list's payment recorded without a date, in either language, the numbers masked, where before
/// it listed neither.
#[test]
fn the_roster_check_lists_list_payments_beside_the_status_and_without_a_date() {
    use canbao::domain::id_number::mask;
    use canbao::store::{Change, ChangeOptions, Payment};
    for (lang, beside, status, undated) in [
        (Language::Zh, "或为家长办理退费", "不参保（家长已在单位参保）", "缴费日期无法识别或没有"),
        (Language::En, "have the payment refunded", "declined (家长已在单位参保)", "payment date could not be read"),
    ] {
        let mut store = store(true);
        let pupils = store.students(&Default::default()).expect("list");
        let decline =
            vec![Change::Enrollment { status: Enrollment::Declined, reason: Some("家长已在单位参保".into()) }];
        store.apply_changes("mark", &[(pupils[0].id, decline)], ChangeOptions::default()).expect("declined");
        let paid = |paid_on| vec![Change::Payment(Payment::Paid { amount_fen: Some(38_000), paid_on, channel: None })];
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20);
        let items = [(pupils[0].id, paid(day)), (pupils[1].id, paid(None))];
        let stands = ChangeOptions { payment_stands: true, ..ChangeOptions::default() };
        store.apply_changes("reconcile", &items, stands).expect("list");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(120, 30));
        app.update(Action::Palette);
        type_text(&mut app, "check");
        app.update(Action::Confirm);
        finish_job(&mut app);
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no report: {:?}", app.status) };
        let line = |words: &str| m.lines.iter().find(|l| l.contains(words)).cloned().unwrap_or_default();
        let first = line(beside);
        assert!(first.contains(&pupils[0].name) && first.contains(&mask(&pupils[0].id_number)), "{:?}", m.lines);
        assert!(first.contains(status) && first.contains("380") && first.contains("2026-11-20"), "{first}");
        let second = line(undated);
        assert!(second.contains(&pupils[1].name) && second.contains(&mask(&pupils[1].id_number)), "{:?}", m.lines);
    }
}

/// A merge's record of a value it did not keep names that value as not kept and the value kept, in either
/// language: 「未采用 未缴费，保留 已缴费」 for a pupil who is paid, never 「未缴费 -> 已缴费」 as if the payment were
/// the change not applied.
#[test]
fn the_detail_history_names_the_value_a_merge_did_not_keep() {
    for lang in [Language::Zh, Language::En] {
        let mut store = store(true);
        let pupil = store.students(&Default::default()).expect("list").remove(0);
        let details = canbao::domain::student::PaymentDetails {
            amount_fen: Some(38_000),
            paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
            channel: Some("微信".into()),
        };
        store.set_payment(pupil.id, PaymentStatus::Paid, &details).expect("paid");
        let lost = "INSERT INTO audit (at, operator, origin, action, student_id, id_number, field, old, new, year)
                    SELECT '2026-11-22T02:00:00Z', '李老师', 'merge', 'merge', id, id_number, 'payment:conflict_lost',
                           'unpaid', 'paid', NULL
                      FROM students WHERE id = ?1";
        assert_eq!(store.connection().execute(lost, [pupil.id]).expect("lost"), 1);
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(120, 30));
        app.update(Action::Search);
        type_text(&mut app, &pupil.name);
        app.update(Action::Confirm);
        app.update(Action::OpenDetail);
        let shown = screen(&app);
        assert!(!shown.contains("冲突，未采用") && !shown.contains("conflict, not kept"), "{shown}");
        insta::assert_snapshot!(format!("detail_history_conflict_lost_{}", lang_name(lang)), shown);
    }
}

#[test]
fn a_payment_for_a_declined_pupil_is_asked_and_enrolls_them_on_yes() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    app.store.set_enrollment(id, Enrollment::Declined, Some("随父母参保")).expect("decline");
    app.update(Action::TogglePaid);
    type_text(&mut app, "380");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
    assert!(c.question.contains("不参保"), "{}", c.question);
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid);
    app.update(Action::Yes);
    let s = app.store.student(id).expect("s");
    assert_eq!((s.payment, s.enrollment), (PaymentStatus::Paid, Enrollment::Here));
}

/// A bulk payment saves the pupils it may and then asks about those whose status rules it out: the first
/// question says how many will be asked about, and No to the second says what was saved and who was left, not
/// 「未作修改」, which would hide the payment saved. `f` on several does the same.
#[test]
fn no_to_the_second_question_of_a_bulk_payment_says_what_was_saved() {
    for (lang, asked, left) in [
        (Language::Zh, "其中 1 人为异地参保、不参保或已离校", "已保存：已缴费（1 人）；{} 未修改"),
        (
            Language::En,
            "1 of them are enrolled elsewhere, declined or left",
            "Saved: paid (1 pupil); {} left unchanged",
        ),
    ] {
        let mut app = app(lang);
        let ids: Vec<i64> = app.roster.shown().iter().take(2).map(|&row| app.data.rows[row as usize].id).collect();
        app.store.set_enrollment(ids[1], Enrollment::Declined, Some("随父母参保")).expect("decline");
        let name = app.store.student(ids[1]).expect("s").name;
        app.update(Action::ToggleSelect);
        app.update(Action::ToggleSelect);
        app.update(Action::TogglePaid);
        type_text(&mut app, "380");
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
        assert!(c.question.contains(asked), "{}", c.question);
        app.update(Action::Yes);
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no second question") };
        assert!(c.question.contains(&name), "{}", c.question);
        app.update(Action::Back);
        let said = app.status.as_ref().expect("status").text.clone();
        assert_eq!(said, left.replace("{}", &name));
        assert!(screen(&app).contains(&said), "{}", screen(&app));
        assert_eq!(app.store.student(ids[0]).expect("s").payment, PaymentStatus::Paid);
        assert_eq!(app.store.student(ids[1]).expect("s").payment, PaymentStatus::Unpaid);
    }

    // `f` on three, two of them declined: the two are counted in the first question and after No.
    let mut app = app(Language::Zh);
    let ids: Vec<i64> = app.roster.shown().iter().take(3).map(|&row| app.data.rows[row as usize].id).collect();
    for &id in &ids[1..] {
        app.store.set_enrollment(id, Enrollment::Declined, Some("随父母参保")).expect("decline");
        let s = app.store.student(id).expect("s");
        app.data.refresh(&s, false);
    }
    for _ in 0..3 {
        app.update(Action::ToggleSelect);
    }
    app.update(Action::ToggleGovernment);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
    assert!(c.question.contains("其中 2 人为异地参保、不参保或已离校"), "{}", c.question);
    app.update(Action::Yes);
    app.update(Action::Back);
    assert_eq!(app.status.as_ref().expect("status").text, "已保存：财政代缴（1 人）；另 2 人未修改");

    // All of them ruled out: nothing was saved, and No says so.
    app.roster.clear_marks();
    app.update(Action::Top);
    app.update(Action::Down);
    app.update(Action::ToggleSelect);
    app.update(Action::ToggleSelect);
    assert_eq!(app.roster.marked_in_roster_order(&app.data), ids[1..]);
    app.update(Action::ToggleGovernment);
    app.update(Action::Yes);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no second question") };
    assert!(c.question.starts_with("其中 2 名学生"), "{}", c.question);
    app.update(Action::Back);
    assert_eq!(app.status.as_ref().expect("status").text, "已取消，未作修改");
}

/// Chooses `status` in the enrollment chooser with `reason`, and Enter.
/// The enrollment chooser's footer names both ↑ and ↓, as both move (it showed only Down), on a status that
/// takes no detail and on one that takes a place.
#[test]
fn the_enrollment_chooser_names_up_and_down() {
    snap("enrollment_chooser_120x30", |app| {
        app.update(Action::Resize(120, 30));
        app.update(Action::Enrollment);
    });
    for (lang, keys) in
        [(Language::Zh, "Up 上移  Down 下移  Tab 填写"), (Language::En, "Up previous  Down next  Tab fill in")]
    {
        let mut app = app(lang);
        app.update(Action::Resize(120, 30));
        app.update(Action::Enrollment);
        app.update(Action::Down);
        app.update(Action::Down);
        let shown = screen(&app);
        assert!(shown.contains(keys), "{lang:?}:\n{shown}");
    }
}

fn choose_enrollment(app: &mut App, status: Enrollment, reason: &str) {
    app.update(Action::Enrollment);
    let Some(canbao::tui::modal::Modal::Enrollment(chooser)) = &mut app.modal else { panic!("chooser") };
    chooser.cursor = Enrollment::ALL.iter().position(|e| *e == status).expect("status");
    type_text(app, reason);
    app.update(Action::Confirm);
}

/// At the counter with a filtered work list (参保 = 未确认): marking the child drops them from the filter, but the
/// highlight stays on them until the operator moves, so the next one-key mark (`p`) is for the same child; the
/// status line names who was saved. Down then goes to the child who was next.
#[test]
fn a_mark_that_takes_the_pupil_out_of_the_filter_keeps_the_highlight_on_them() {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        app.set_filters(|f| f.enrollment = Some(Enrollment::Unknown));
        let shown = app.roster.shown().len();
        let first = app.selected_id().expect("pupil");
        let name = app.store.student(first).expect("pupil").name;
        app.update(Action::Down);
        let second = app.selected_id().expect("pupil");
        app.update(Action::Up);
        choose_enrollment(&mut app, Enrollment::Here, "");
        assert_eq!(app.store.student(first).expect("pupil").enrollment, Enrollment::Here);
        assert_eq!(app.selected_id(), Some(first), "the highlight stays on the child marked");
        let status = app.status.clone().expect("status").text;
        assert!(status.contains(&name), "{status}");
        insta::assert_snapshot!(format!("marked_out_of_filter_{}", lang_name(lang)), screen(&app));
        app.update(Action::TogglePaid);
        let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("payment form") };
        assert_eq!(form.targets, vec![first], "the next mark is for the same child");
        app.update(Action::Back);
        app.update(Action::Down);
        assert_eq!(app.selected_id(), Some(second), "Down goes to the child who was next");
        assert_eq!(app.roster.shown().len(), shown - 1, "and the child marked has left the list");
        // Up from there is the row above, not the child who left.
        app.update(Action::Up);
        assert_ne!(app.selected_id(), Some(first));
    }
}

/// A bulk 在校参保 over a selection holding a pupil declined (with a reason), one enrolled elsewhere (with a place)
/// and one who left: those three are left as they are, named with their statuses in the question and in what is
/// saved, and the two others are marked; a selection of only such pupils changes nothing and says why; `e` on one
/// of them alone still changes them. Before, all five became 在校参保, the reason and the place wiped, the pupil
/// who left back at school, and the question said nothing of them.
#[test]
fn a_bulk_enrollment_leaves_declined_elsewhere_and_left_pupils_as_they_are() {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        app.set_filters(|f| f.payment = Some(PaymentStatus::Unpaid));
        let ids: Vec<i64> = app.roster.shown().iter().take(5).map(|&row| app.data.rows[row as usize].id).collect();
        let answers = [
            (Enrollment::Declined, Some("已在商业保险")),
            (Enrollment::Elsewhere, Some("成都市")),
            (Enrollment::Left, None),
            (Enrollment::Unknown, None),
            (Enrollment::Unknown, None),
        ];
        for (&id, (status, detail)) in ids.iter().zip(answers) {
            app.store.set_enrollment(id, status, detail).expect("status");
            let s = app.store.student(id).expect("s");
            app.data.refresh(&s, false);
        }
        let names: Vec<String> = ids.iter().map(|&id| app.store.student(id).expect("s").name).collect();
        for _ in 0..5 {
            app.update(Action::ToggleSelect);
        }
        let audit = app.store.audit_count().expect("count");
        choose_enrollment(&mut app, Enrollment::Here, "");
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
        let (question, saved) = match lang {
            Language::Zh => (
                format!(
                    "将 2 名学生的参保状态改为 在校参保？（已记为不参保、异地参保或已离校的 3 人保持原样：{}（不参保）、\
                     {}（异地参保）、{}（已离校）；要改请在其行上逐个按 e）",
                    names[0], names[1], names[2]
                ),
                format!(
                    "已保存：在校参保（2 人）；3 人保持原样：{}（不参保）、{}（异地参保）、{}（已离校）",
                    names[0], names[1], names[2]
                ),
            ),
            _ => (
                format!(
                    "Set the enrollment of 2 pupils to at school? (3 declined, enrolled elsewhere or left are left as \
                     they are: {} (declined), {} (elsewhere), {} (left); change them one by one with e on the row)",
                    names[0], names[1], names[2]
                ),
                format!(
                    "Saved: at school (2 pupils); 3 left as they were: {} (declined), {} (elsewhere), {} (left)",
                    names[0], names[1], names[2]
                ),
            ),
        };
        assert_eq!(c.question.lines().next(), Some(question.as_str()), "{}", c.question);
        assert!(!c.yes, "No is the default");
        assert_eq!(app.store.audit_count().expect("count"), audit, "nothing written before Yes");
        app.update(Action::Yes);
        assert_eq!(status_text(&app), saved);
        let held = |app: &App, id: i64| {
            let s = app.store.student(id).expect("s");
            (s.enrollment, s.decline_reason)
        };
        for (&id, (status, detail)) in ids.iter().zip(answers).take(3) {
            assert_eq!(held(&app, id), (status, detail.map(str::to_owned)), "left as they were");
        }
        for &id in &ids[3..] {
            assert_eq!(held(&app, id).0, Enrollment::Here);
        }

        // Only such pupils selected: nothing asked, nothing written, and said.
        app.update(Action::Back);
        app.update(Action::Top);
        app.update(Action::ToggleSelect);
        app.update(Action::ToggleSelect);
        app.update(Action::ToggleSelect);
        let audit = app.store.audit_count().expect("count");
        choose_enrollment(&mut app, Enrollment::Here, "");
        assert!(app.modal.is_none());
        assert_eq!(app.store.audit_count().expect("count"), audit);
        let said = status_text(&app);
        assert!(said.contains(&names[0]) && said.contains(&names[2]), "{said}");

        // The one pupil under the cursor: changed as asked.
        app.update(Action::Back);
        app.update(Action::Top);
        assert_eq!(app.selected_id(), Some(ids[0]));
        choose_enrollment(&mut app, Enrollment::Here, "");
        assert_eq!(held(&app, ids[0]).0, Enrollment::Here);
    }
}

/// 不参保 with one reason for a selection, some of it declined already for other reasons: the question says how
/// many of those reasons the one typed replaces (a pupil declined for the same reason is not counted), No by
/// default, and No keeps them, where they were replaced without a word; Yes replaces them. 异地参保 over places
/// recorded says the same of the places, or that they are cleared when none is typed.
#[test]
fn a_bulk_decline_says_how_many_reasons_it_replaces() {
    for (lang, said) in [
        (Language::Zh, "（其中 1 人已记为不参保、原因不同：原有的原因将改为「家长不同意」）"),
        (Language::En, " (1 of them is declined already for another reason, which will become \"家长不同意\")"),
    ] {
        let mut app = app(lang);
        let ids: Vec<i64> = app.roster.shown().iter().take(3).map(|&row| app.data.rows[row as usize].id).collect();
        for (&id, reason) in ids.iter().zip(["已在老家参保", "家长不同意"]) {
            app.store.set_enrollment(id, Enrollment::Declined, Some(reason)).expect("decline");
            let s = app.store.student(id).expect("s");
            app.data.refresh(&s, false);
        }
        for _ in 0..3 {
            app.update(Action::ToggleSelect);
        }
        let audit = app.store.audit_count().expect("count");
        choose_enrollment(&mut app, Enrollment::Declined, "家长不同意");
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
        assert!(c.question.lines().next().is_some_and(|l| l.ends_with(said)), "{}", c.question);
        assert!(!c.yes, "No is the default");
        insta::assert_snapshot!(format!("bulk_decline_replaces_reasons_{}", lang_name(lang)), screen(&app));
        app.update(Action::Confirm);
        assert_eq!(app.store.audit_count().expect("count"), audit, "No changed nothing");
        assert_eq!(app.store.student(ids[0]).expect("s").decline_reason.as_deref(), Some("已在老家参保"));
        choose_enrollment(&mut app, Enrollment::Declined, "家长不同意");
        app.update(Action::Yes);
        for id in &ids {
            let s = app.store.student(*id).expect("s");
            assert_eq!((s.enrollment, s.decline_reason.as_deref()), (Enrollment::Declined, Some("家长不同意")));
        }
    }

    // 异地参保 over two places recorded, one of them the place typed; then with no place, over both.
    let mut app = app(Language::Zh);
    let ids: Vec<i64> = app.roster.shown().iter().take(3).map(|&row| app.data.rows[row as usize].id).collect();
    for (&id, place) in ids.iter().zip(["南宁市", "桂林市"]) {
        app.store.set_enrollment(id, Enrollment::Elsewhere, Some(place)).expect("elsewhere");
        let s = app.store.student(id).expect("s");
        app.data.refresh(&s, false);
    }
    for _ in 0..3 {
        app.update(Action::ToggleSelect);
    }
    choose_enrollment(&mut app, Enrollment::Elsewhere, "桂林市");
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
    let first_line = |question: &str| question.lines().next().unwrap_or_default().to_owned();
    assert!(
        first_line(&c.question).ends_with("（其中 1 人已记为异地参保、参保地不同：原有的参保地将改为「桂林市」）"),
        "{}",
        c.question
    );
    app.update(Action::Back);
    choose_enrollment(&mut app, Enrollment::Elsewhere, "");
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
    assert!(first_line(&c.question).ends_with("（其中 2 人已记有参保地，将被清空）"), "{}", c.question);
}

/// The reverse order of the question above: 不参保 over a recorded payment (异地参保 over a family's) is refused,
/// one pupil by name with the key that clears the payment, several with how many stay as they are; 已离校 after
/// a payment is allowed (a pupil who paid and left is still insured).
#[test]
fn declining_a_paid_pupil_is_refused_and_a_bulk_mark_keeps_those_paid() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    app.store.set_payment(id, PaymentStatus::Paid, &Default::default()).expect("pay");
    let name = app.store.student(id).expect("s").name;
    let audit = app.store.audit_count().expect("count");
    for status in [Enrollment::Declined, Enrollment::Elsewhere] {
        // The chooser stays open with the reason typed, and says why: closed, the reason would be lost.
        choose_enrollment(&mut app, status, "老家");
        let Some(canbao::tui::modal::Modal::Enrollment(chooser)) = &app.modal else { panic!("the chooser stays") };
        assert_eq!(chooser.detail.text(), "老家");
        assert!(chooser.error.is_some_and(|e| e.starts_with("已有缴费记录，不能标记为此状态")), "{:?}", chooser.error);
        let shown = screen(&app);
        assert!(shown.contains("已有缴费记录") && shown.contains(&format!("参保状态：{name}")), "{shown}");
        app.update(Action::Back);
        assert!(app.modal.is_none());
    }
    assert_eq!(app.store.audit_count().expect("count"), audit);
    assert_eq!(app.store.student(id).expect("s").enrollment, Enrollment::Here);

    // Three selected, the first paid: the other two are declined, the question says one stays.
    app.update(Action::ToggleSelect);
    app.update(Action::ToggleSelect);
    app.update(Action::ToggleSelect);
    let others: Vec<i64> = app.roster.marked().iter().copied().filter(|&m| m != id).collect();
    assert_eq!(others.len(), 2);
    choose_enrollment(&mut app, Enrollment::Declined, "老家");
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
    assert_eq!(
        c.question.lines().next(),
        Some("将 2 名学生的参保状态改为 不参保？（已有缴费记录的 1 人保持原样：先清除缴费才能标记为「不参保」）")
    );
    app.update(Action::Yes);
    assert_eq!(app.store.student(id).expect("s").enrollment, Enrollment::Here);
    for other in others {
        assert_eq!(app.store.student(other).expect("s").enrollment, Enrollment::Declined);
    }

    // Left after paying is allowed.
    app.update(Action::Back);
    app.update(Action::Top);
    assert_eq!(app.selected_id(), Some(id));
    choose_enrollment(&mut app, Enrollment::Left, "");
    let s = app.store.student(id).expect("s");
    assert_eq!((s.enrollment, s.payment), (Enrollment::Left, PaymentStatus::Paid));
}

#[test]
fn payments_need_an_amount_and_a_different_amount_is_asked() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    app.update(Action::TogglePaid);
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("the form stays open") };
    assert_eq!(form.error.as_deref(), Some("请输入金额：没有可用的应缴金额"));
    assert_eq!(form.channel, None, "no channel until one is chosen");
    app.update(Action::Back);
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid);

    // Under a policy the amount due fills the form; a different amount is asked once.
    in_year(&mut app.store, 2024);
    app.store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    let mut app = App::new(std::mem::replace(&mut app.store, store(false)), &options(Language::Zh, None)).expect("app");
    app.update(Action::Resize(80, 24));
    app.update(Action::TogglePaid);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
    // A date in the concentrated period: the full premium.
    form.date.set("2023-10-08");
    form.date_touched = true;
    app.update(Action::Down);
    app.update(Action::Backspace);
    type_text(&mut app, "8");
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("form") };
    assert_eq!(form.amount.text(), "380", "the amount due follows the date");
    app.update(Action::Up);
    app.update(Action::Backspace);
    app.update(Action::Backspace);
    app.update(Action::Backspace);
    type_text(&mut app, "300");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked") };
    assert_eq!(c.question, "金额 300.00 元与应缴不符（应缴 380.00 元），仍要保存？");
    app.update(Action::Yes);
    let s = app.store.student(id).expect("s");
    assert_eq!(
        (s.payment, s.payment_details.amount_fen, s.payment_details.channel),
        (PaymentStatus::Paid, Some(30000), None)
    );
}

/// No (or Esc) to 「金额与应缴不符，仍要保存？」 goes back to the form as typed, on the amount: the question is "did
/// you mistype?", so nothing typed is lost.
#[test]
fn no_to_the_amount_question_goes_back_to_the_form() {
    let mut store = store(true);
    in_year(&mut store, 2024);
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    let id = app.selected_id().expect("pupil");
    for no in [Action::Back, Action::Confirm] {
        app.update(Action::TogglePaid);
        let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
        form.date.set("2023-10-0");
        form.date_touched = true;
        app.update(Action::Down);
        type_text(&mut app, "8");
        let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
        form.amount.set("300");
        form.amount_edited = true;
        form.channel = Some(1);
        form.focus = canbao::tui::modal::PaymentField::Channel;
        app.update(Action::Confirm);
        assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Confirm(_))), "asked");
        app.update(no);
        let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("back to the form") };
        assert_eq!(form.amount.text(), "300");
        assert_eq!(form.date.text(), "2023-10-08");
        assert_eq!(form.channel, Some(1));
        assert_eq!(form.focus, canbao::tui::modal::PaymentField::Amount);
        assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid);
        app.update(Action::Back);
        assert!(app.modal.is_none());
    }
}

/// A family's payment the policy gives no cover in the drive's year (yibin-2024: a mid-year payment waits 6 months,
/// so from July on it buys none) is asked about before it is saved, naming the policy's rule and the year it may be
/// for, No by default: No goes back to the form as typed with nothing saved, Yes saves it. A payment that buys
/// cover (June, covered from December) is saved at once. Before, Enter saved it at once and the forms counted the
/// pupil insured for a year without cover.
#[test]
fn a_payment_that_buys_no_cover_this_year_is_asked_before_it_is_saved() {
    for (lang, said) in [
        (
            Language::Zh,
            "按政策，2024-09-15 缴费后待遇自 2025-03-01 起（保险年度内中途参保，001 附件1 一(三)：缴费当月起 6 个月后才\
             享受待遇），已超出宜宾市2024年度的待遇期（至 2024-12-31），本年度不能享受待遇。如这笔缴费是 2025 年度的，\
             请选「否」，按 Esc 关闭表单，先在命令面板（:）中选「开始新学年」，再登记。仍记入 2024 年度（本年度的表格将计为\
             已参保）？",
        ),
        (
            Language::En,
            "By the policy, paid on 2024-09-15, cover would start on 2025-03-01 (保险年度内中途参保, 001 附件1 一(三): \
             cover 6 months after the payment month), after 宜宾市2024年度 ends (2024-12-31): no cover this year. If \
             this payment is for 2025, answer No, close the form with Esc and first choose \"Start the next school \
             year\" in the command palette (:). Record it for 2024 all the same (that year's forms will count the \
             pupil insured)?",
        ),
    ] {
        let mut store = store(true);
        in_year(&mut store, 2024);
        store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        let id = app.selected_id().expect("pupil");
        let pay_on = |app: &mut App, day: &str| {
            app.update(Action::TogglePaid);
            let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
            form.date.set(&day[..day.len() - 1]);
            form.date_touched = true;
            app.update(Action::Down);
            type_text(app, &day[day.len() - 1..]);
            let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
            form.amount.set("380");
            form.amount_edited = true;
            app.update(Action::Confirm);
        };
        pay_on(&mut app, "2024-09-15");
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked") };
        assert_eq!(c.question, said);
        assert!(!c.yes, "No is the default");
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("back to the form") };
        assert_eq!((form.amount.text(), form.date.text()), ("380", "2024-09-15"));
        assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid, "nothing saved on No");
        app.update(Action::Confirm);
        assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Confirm(_))), "asked again");
        app.update(Action::Yes);
        let s = app.store.student(id).expect("s");
        assert_eq!(
            (s.payment, s.payment_details.paid_on.map(|d| d.to_string())),
            (PaymentStatus::Paid, Some("2024-09-15".into()))
        );

        // July, before next year's collection opens: no cover left either, asked the same way.
        app.update(Action::Down);
        pay_on(&mut app, "2024-07-01");
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked") };
        assert!(c.question.contains("2024-07-01") && c.question.contains("2025-01-01"), "{}", c.question);
        app.update(Action::Back);
        app.update(Action::Back);
        assert!(app.modal.is_none());

        // June: covered from December, saved at once.
        let next = app.selected_id().expect("pupil");
        pay_on(&mut app, "2024-06-30");
        assert!(app.modal.is_none(), "saved without a question");
        assert_eq!(app.store.student(next).expect("s").payment, PaymentStatus::Paid);
    }
}

/// A screen on `store` under the policy yibin-2024, in a drive of its insured year (`in_year`).
fn app_on_policy(store: Store) -> App {
    app_on_policy_in(store, Language::Zh)
}

/// `app_on_policy` in `lang`.
fn app_on_policy_in(mut store: Store, lang: Language) -> App {
    in_year(&mut store, 2024);
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    app
}

/// `p` on the selection (or the pupil under the cursor): the form, seen by `look`, paid on 2023-10-08 at each
/// pupil's own amount due, Enter. Returns the question asked.
fn pay_on_the_8th(app: &mut App, look: impl FnOnce(&canbao::tui::modal::PaymentForm)) -> String {
    app.update(Action::TogglePaid);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
    look(form);
    form.date.set("2023-10-0");
    form.date_touched = true;
    app.update(Action::Down);
    type_text(app, "8");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked") };
    c.question.clone()
}

/// `p` on a 特困 pupil with a Guangxi number under Yibin's 本市户籍 rule: the family owes 0 or 380 pending the 户籍
/// check, so the form proposes no amount and says both; 0 asks 财政代缴 saying the 户籍 is to be checked, and 380
/// is saved as the family's payment with no question, where before the form proposed 0 and asked 「家庭应缴 0 元」.
#[test]
fn the_payment_form_takes_either_amount_pending_the_hukou_check() {
    let mut app = app_on_policy(store(true));
    let id = app.store.student_by_id_number("450203201811029232").expect("read").expect("许志文").id;
    app.update(Action::Search);
    type_text(&mut app, "许志文");
    app.update(Action::Confirm);
    assert_eq!(app.selected_id(), Some(id));
    app.update(Action::TogglePaid);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
    form.date.set("2023-10-0");
    form.date_touched = true;
    app.update(Action::Down);
    type_text(&mut app, "8");
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
    assert_eq!(form.amount.text(), "", "no amount proposed");
    let said = form.note.clone().unwrap_or_default();
    assert!(said.contains("户籍待核实") && said.contains("非本市户籍个人应缴 380 元"), "{said}");
    assert!(!said.contains("家庭应缴0元"), "{said}");
    form.amount.set("0");
    form.amount_edited = true;
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked: {}", screen(&app)) };
    assert!(c.question.contains("户籍待核实") && !c.question.contains("家庭应缴 0 元："), "{}", c.question);
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("back: {}", screen(&app)) };
    form.amount.set("380");
    form.amount_edited = true;
    app.update(Action::Confirm);
    assert!(!matches!(app.modal, Some(canbao::tui::modal::Modal::Confirm(_))), "no question: {}", screen(&app));
    let s = app.store.student(id).expect("s");
    assert_eq!((s.payment, s.payment_details.amount_fen), (PaymentStatus::Paid, Some(38000)));
}

/// `p` on the pupil under the cursor, paid on 2023-10-08 with 0 typed (the form proposes no amount for a pupil whose
/// subsidy waits on the 本市户籍 check, as the sample's Guangxi numbers under Yibin's policy do), Enter. Returns
/// the question asked.
fn pay_0_on_the_8th(app: &mut App) -> String {
    app.update(Action::TogglePaid);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
    form.date.set("2023-10-0");
    form.date_touched = true;
    app.update(Action::Down);
    type_text(app, "8");
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
    form.amount.set("0");
    form.amount_edited = true;
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked") };
    c.question.clone()
}

/// 0 元 is no payment: typed in the payment form it would count the pupil 已参保 and print 是 on the information
/// sheet, after only the question an amount that differs gets. Refused in the form, saying why, as a negative
/// amount is; nothing is saved. (A pupil a department pays for in full is offered 财政代缴 at 0, as before.)
#[test]
fn a_payment_of_nothing_is_refused_in_the_form() {
    let mut app = app_on_policy(store(true));
    let id = app.selected_id().expect("pupil");
    for typed in ["0", "0.00", "-380"] {
        app.update(Action::TogglePaid);
        let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
        form.date.set("2023-10-08");
        form.date_touched = true;
        form.amount.set(typed);
        form.amount_edited = true;
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("the form stays open: {typed}") };
        let error = form.error.clone().unwrap_or_default();
        if typed != "-380" {
            assert!(error.contains("0 元") && error.contains("财政代缴"), "{typed}: {error}");
        } else {
            assert!(!error.is_empty(), "{typed}");
        }
        assert_eq!(form.focus, canbao::tui::modal::PaymentField::Amount);
        app.update(Action::Back);
        assert!(app.modal.is_none());
        assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid, "{typed}");
    }
}

#[test]
fn bulk_payment_at_each_pupils_own_amount_due() {
    let mut store = store(true);
    let ids: Vec<i64> = store.students(&Default::default()).expect("list").iter().take(2).map(|s| s.id).collect();
    let dibao =
        canbao::domain::student::CategoryMark { name: "低保对象".into(), department: "民政".into(), year: None };
    store.set_categories(ids[1], &[dibao]).expect("category");
    let mut app = app_on_policy(store);
    app.update(Action::ToggleSelect);
    app.update(Action::ToggleSelect);
    let question = pay_on_the_8th(&mut app, |_| {});
    assert_eq!(question.lines().next(), Some("将 2 名学生登记为已缴费（每人按各自的应缴金额）？"));
    app.update(Action::Yes);
    let amounts: Vec<Option<i64>> =
        ids.iter().map(|&id| app.store.student(id).expect("s").payment_details.amount_fen).collect();
    assert_eq!(amounts, [Some(38000), Some(9500)]);
}

/// The payment form of two pupils on a drive without a policy, Enter with no amount typed: it asks for one amount
/// and no longer says beside it that each pupil pays their own amount due, which none of them has.
#[test]
fn a_bulk_payment_without_amounts_due_does_not_say_each_pays_their_own() {
    let mut app = app(Language::Zh);
    app.update(Action::ToggleSelect);
    app.update(Action::ToggleSelect);
    app.update(Action::TogglePaid);
    app.update(Action::Confirm);
    let shown = screen(&app);
    assert!(shown.contains("没有应缴金额"), "{shown}");
    assert!(!shown.contains("每人按各自的应缴金额"), "{shown}");
}

/// `p` on a whole school reads its pupils in a few statements on the screen's connection, not one each: a
/// county's selection of 50k pupils kept the screen frozen for seconds before the form opened. Each pupil is
/// still quoted as if alone, on the form's date, though pupils asking the policy the same are quoted once.
#[test]
fn the_payment_form_of_a_whole_school_opens_without_a_read_per_pupil() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let mut store = store(true);
    let pupils = store.students(&Default::default()).expect("list");
    let mark = |name: &str, department: &str| canbao::domain::student::CategoryMark {
        name: name.into(),
        department: department.into(),
        year: None,
    };
    store.set_categories(pupils[1].id, &[mark("孤儿", "民政")]).expect("category");
    store.set_categories(pupils[2].id, &[mark("低保对象", "民政")]).expect("category");
    let mut app = app_on_policy(store);
    let statements = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&statements);
    app.store
        .watch_statements(move |_, _| {
            counted.fetch_add(1, Ordering::Relaxed);
        })
        .expect("watch");
    app.update(Action::SelectAll);
    let before = statements.load(Ordering::Relaxed);
    app.update(Action::TogglePaid);
    let read = statements.load(Ordering::Relaxed) - before;
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form\n{}", screen(&app)) };
    assert_eq!(form.targets.len(), pupils.len());
    assert!(read < 20, "{read} statements to open the form for {} pupils", pupils.len());
    form.date.set("2023-10-0");
    form.date_touched = true;
    app.update(Action::Down);
    type_text(&mut app, "8");
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("form") };
    let day = chrono::NaiveDate::from_ymd_opt(2023, 10, 8).expect("day");
    let policy = canbao::domain::policy::PolicySet::builtin().get("yibin-2024").expect("policy");
    for (i, pupil) in form.pupils.iter().enumerate().filter(|(i, _)| form.hukou_pending[*i].is_none()) {
        let mut alone = pupil.clone();
        alone.payment_details.paid_on = Some(day);
        let quote = canbao::domain::policy::quote_pupil(policy, &alone, day).ok();
        assert_eq!(form.quoted[i], quote.as_ref().map(|q| q.personal_due_fen), "{}", pupil.name);
        let full = quote.is_some_and(|q| q.personal_due_fen == 0 && q.department_due_fen > 0);
        assert_eq!(form.full_subsidy[i], full, "{}", pupil.name);
    }
    let at = |id: i64| form.targets.iter().position(|&t| t == id).expect("target");
    assert_eq!((form.quoted[at(pupils[0].id)], form.full_subsidy[at(pupils[0].id)]), (Some(38000), false));
    // The orphan's Guangxi number leaves the 本市户籍 her subsidy needs to be checked: no amount is hers in a class's
    // payment, which leaves her out (`a_class_payment_leaves_out_a_pupil_whose_hukou_is_to_be_checked`).
    assert_eq!((form.quoted[at(pupils[1].id)], form.full_subsidy[at(pupils[1].id)]), (None, false));
    assert_eq!(form.hukou_pending[at(pupils[1].id)].as_deref(), Some(pupils[1].name.as_str()));
    assert_eq!((form.quoted[at(pupils[2].id)], form.full_subsidy[at(pupils[2].id)]), (Some(9500), false));
}

/// A class paid at once records those who have not paid: a payment already recorded (the tax office's amount and
/// date) is kept, and the question says how many were left as they are; all of them paid, nothing is asked.
#[test]
fn a_bulk_payment_keeps_the_payments_already_recorded() {
    let mut store = store(true);
    let ids: Vec<i64> = store.students(&Default::default()).expect("list").iter().take(3).map(|s| s.id).collect();
    let tax = canbao::domain::student::PaymentDetails {
        amount_fen: Some(38000),
        paid_on: chrono::NaiveDate::from_ymd_opt(2023, 9, 27),
        channel: Some("微信".into()),
    };
    store.set_payment(ids[1], PaymentStatus::Paid, &tax).expect("paid");
    let mut app = app_on_policy(store);
    for _ in 0..3 {
        app.update(Action::ToggleSelect);
    }
    let question = pay_on_the_8th(&mut app, |form| assert_eq!(form.targets, [ids[0], ids[2]]));
    assert!(question.contains("将 2 名学生登记为已缴费") && question.contains("1 人保持原样"), "{question}");
    app.update(Action::Yes);
    let kept = app.store.student(ids[1]).expect("s").payment_details;
    assert_eq!((kept.amount_fen, kept.paid_on), (tax.amount_fen, tax.paid_on), "the tax office's payment stays");
    assert_eq!(app.store.student(ids[2]).expect("s").payment, PaymentStatus::Paid);
    // Every selected pupil paid: nothing to record, and it says so.
    app.update(Action::TogglePaid);
    assert!(app.modal.is_none());
    assert!(screen(&app).contains("都已缴费或财政代缴"), "{}", screen(&app));
}

/// One pupil selected is paid as a class of one: `p` with the cursor on another row keeps the payment the tax
/// office reconciled (never offers to clear it) and says so, as it does with two selected; `f` likewise never
/// clears a selected pupil's payment or 财政代缴. Clearing stays on the pupil's own row with nothing selected.
#[test]
fn one_pupil_selected_keeps_a_recorded_payment_as_a_bulk_mark_does() {
    for lang in [Language::Zh, Language::En] {
        let mut store = store(true);
        let ids: Vec<i64> = store.students(&Default::default()).expect("list").iter().take(3).map(|s| s.id).collect();
        let tax = canbao::domain::student::PaymentDetails {
            amount_fen: Some(38000),
            paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
            channel: Some("微信".into()),
        };
        store.set_payment(ids[0], PaymentStatus::Paid, &tax).expect("paid");
        store.set_payment(ids[2], PaymentStatus::Government, &Default::default()).expect("government");
        let name = store.student(ids[0]).expect("s").name;
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        // Space on the paid pupil, then `p` on the unpaid one below.
        app.update(Action::ToggleSelect);
        assert_eq!(app.selected_id(), Some(ids[1]));
        app.update(Action::TogglePaid);
        assert!(app.modal.is_none(), "{lang:?}: nothing asked\n{}", screen(&app));
        let shown = screen(&app);
        let said = match lang {
            Language::Zh => format!("所选的 {name} 已「已缴费」，未改：清除请先按 Space 取消选择，再在其行按 p"),
            Language::En => format!("{name} is paid: kept. To clear: Space unselects, then p on its row"),
        };
        // Said whole at 80 columns: what to do is its end.
        assert!(shown.contains(&said), "{lang:?}: {shown}");
        // `f` there is refused the same way: the question would clear the selected pupil's payment while the
        // child at the counter stayed unmarked.
        app.update(Action::ToggleGovernment);
        assert!(app.modal.is_none(), "{lang:?}: f asks nothing\n{}", screen(&app));
        let shown = screen(&app);
        let said = match lang {
            Language::Zh => format!("所选的 {name} 已「已缴费」，未改：清除请先按 Space 取消选择，再在其行按 f"),
            Language::En => format!("{name} is paid: kept. To clear: Space unselects, then f on its row"),
        };
        assert!(shown.contains(&said), "{lang:?}: {shown}");
        assert_eq!(app.store.student(ids[1]).expect("s").payment, PaymentStatus::Unpaid, "{lang:?}");
        let kept = app.store.student(ids[0]).expect("s");
        assert_eq!((kept.payment, kept.payment_details), (PaymentStatus::Paid, tax.clone()), "{lang:?}");

        // The government-paid pupil alone selected: neither `f` nor `p` clears it.
        app.roster.clear_marks();
        app.update(Action::Down);
        app.update(Action::ToggleSelect);
        app.update(Action::Top);
        for action in [Action::ToggleGovernment, Action::TogglePaid] {
            app.update(action);
            assert!(app.modal.is_none(), "{lang:?}: nothing asked\n{}", screen(&app));
            assert_eq!(app.store.student(ids[2]).expect("s").payment, PaymentStatus::Government, "{lang:?}");
        }

        // Nothing selected, on the pupil's own row: `p` still asks whether to clear the payment.
        app.roster.clear_marks();
        app.update(Action::Top);
        app.update(Action::TogglePaid);
        let Some(canbao::tui::modal::Modal::Confirm(_)) = &app.modal else { panic!("{lang:?}: asked") };
        app.update(Action::Yes);
        assert_eq!(app.store.student(ids[0]).expect("s").payment, PaymentStatus::Unpaid, "{lang:?}");
    }
}

/// A Yibin resident number (area code 5115, 001 附件1 四 具有本市户籍) born on `born` (YYYYMMDD), with the
/// check character worked out.
fn yibin_number(born: &str, seq: &str) -> String {
    let first17 = format!("511502{born}{seq}");
    format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()))
}

/// A class paid at once with the amount left empty: a pupil whose whole premium a department pays (孤儿, a Yibin
/// number) is 财政代缴, named in the question, not a family payment of 0 元; alone, `p` on such a pupil asks the
/// same.
#[test]
fn a_full_subsidy_pupil_paid_with_the_class_is_government_paid() {
    let mut store = store(true);
    let pupils: Vec<_> = store.students(&Default::default()).expect("list").into_iter().take(3).collect();
    let orphan =
        canbao::domain::student::CategoryMark { name: "孤儿".into(), department: "民政".into(), year: None };
    store.set_categories(pupils[1].id, &[orphan]).expect("category");
    let local = canbao::store::IdentityEdit {
        id_number: Some(yibin_number(&pupils[1].id_number[6..14], "123")),
        ..Default::default()
    };
    store.correct_identity(pupils[1].id, &local).expect("a Yibin number");
    let mut app = app_on_policy(store);
    app.update(Action::ToggleSelect);
    app.update(Action::ToggleSelect);
    let question = pay_on_the_8th(&mut app, |_| {});
    assert!(question.starts_with("将 1 名学生登记为已缴费"), "{question}");
    assert!(question.contains(&format!("记为财政代缴：{}", pupils[1].name)), "{question}");
    app.update(Action::Yes);
    let s = |app: &App, i: usize| app.store.student(pupils[i].id).expect("s");
    assert_eq!((s(&app, 0).payment, s(&app, 0).payment_details.amount_fen), (PaymentStatus::Paid, Some(38000)));
    assert_eq!((s(&app, 1).payment, s(&app, 1).payment_details.amount_fen), (PaymentStatus::Government, None));

    // Alone: 0 元 typed, Enter asks whether to record 财政代缴.
    app.roster.clear_marks();
    app.update(Action::Top);
    app.update(Action::Down);
    assert_eq!(app.selected_id(), Some(pupils[1].id));
    app.update(Action::ToggleGovernment);
    app.update(Action::Yes);
    assert_eq!(s(&app, 1).payment, PaymentStatus::Unpaid, "cleared");
    let question = pay_0_on_the_8th(&mut app);
    assert!(question.contains("全额代缴") && question.contains(&pupils[1].name), "{question}");
    app.update(Action::Yes);
    assert_eq!(s(&app, 1).payment, PaymentStatus::Government);
}

/// A class paid at once beside a 孤儿 whose Guangxi number leaves the 本市户籍 the subsidy needs to be checked
/// (001 附件1 四): the family owes 0 or 380, so the class's payment neither prices the pupil at the local 0 nor
/// records them 财政代缴; they are left out, said apart by name in the question, and stay unpaid, where before they
/// were recorded 财政代缴 with the class. In English too.
#[test]
fn a_class_payment_leaves_out_a_pupil_whose_hukou_is_to_be_checked() {
    for lang in [Language::Zh, Language::En] {
        let mut store = store(true);
        let pupils: Vec<_> = store.students(&Default::default()).expect("list").into_iter().take(3).collect();
        let orphan =
            canbao::domain::student::CategoryMark { name: "孤儿".into(), department: "民政".into(), year: None };
        store.set_categories(pupils[1].id, &[orphan]).expect("category");
        let mut app = app_on_policy_in(store, lang);
        app.update(Action::ToggleSelect);
        app.update(Action::ToggleSelect);
        let question = pay_on_the_8th(&mut app, |form| assert_eq!(form.amount.text(), ""));
        let name = &pupils[1].name;
        match lang {
            Language::En => {
                assert!(question.starts_with("Record 1 pupil as paid"), "{question}");
                assert!(question.contains("1 more have a hukou to be checked"), "{question}");
                assert!(question.contains(&format!("left out: {name}. Record each with p")), "{question}");
                assert!(!question.contains("government-paid"), "{question}");
            }
            _ => {
                assert!(question.starts_with("将 1 名学生登记为已缴费"), "{question}");
                assert!(question.contains(&format!("另有 1 名户籍待核实，应缴金额未定，不登记：{name}")), "{question}");
                assert!(!question.contains("财政代缴"), "{question}");
            }
        }
        app.update(Action::Yes);
        let s = |app: &App, i: usize| app.store.student(pupils[i].id).expect("s");
        assert_eq!((s(&app, 0).payment, s(&app, 0).payment_details.amount_fen), (PaymentStatus::Paid, Some(38000)));
        assert_eq!(s(&app, 1).payment, PaymentStatus::Unpaid, "{lang:?}: left out");
    }
}

/// `f` on a pupil with no category asks first: a department pays only for pupils it certified.
#[test]
fn government_paid_for_a_pupil_with_no_category_is_asked() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    assert!(app.store.student(id).expect("s").categories.is_empty());
    app.update(Action::ToggleGovernment);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked") };
    assert!(c.question.contains("没有登记人员类别"), "{}", c.question);
    app.update(Action::Back);
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid, "nothing written");
    app.update(Action::ToggleGovernment);
    app.update(Action::Yes);
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Government);
}

/// Ctrl-c in a field holding typed text (a note being written) first says the text is not saved and that a
/// second Ctrl-c quits, where it quit at once and lost the note without a word; on the roster it quits at once as
/// before.
#[test]
fn ctrl_c_in_a_field_with_typed_text_warns_before_quitting() {
    use canbao::tui::modal::Modal;
    for (lang, said) in [
        (Language::Zh, "3 秒内再按 Ctrl-C 退出，输入的内容不会保存"),
        (Language::En, "Press Ctrl-C again within 3 s to quit; what you typed is not saved"),
    ] {
        let mut app = app(lang);
        app.update(Action::EditNote);
        type_text(&mut app, "下午来交");
        app.update(Action::Quit);
        assert!(!app.quit, "{lang:?}: the first Ctrl-c does not quit");
        assert!(matches!(&app.modal, Some(Modal::Note { input, .. }) if input.text() == "下午来交"), "{lang:?}");
        assert_eq!(app.quit_warning().map(|s| s.text.as_str()), Some(said), "{lang:?}");
        assert!(screen(&app).contains(said), "{lang:?}: fits the status line at 80 columns\n{}", screen(&app));
        // A key in between takes the warning back: the next Ctrl-c warns again.
        type_text(&mut app, "费");
        app.update(Action::Quit);
        assert!(!app.quit, "{lang:?}");
        app.update(Action::Quit);
        assert!(app.quit, "{lang:?}: the second Ctrl-c quits");

        let mut app = self::app(lang);
        app.update(Action::Quit);
        assert!(app.quit, "{lang:?}: on the roster at once");
    }
}

/// One rule for Ctrl-c: with a name typed into the search line, or a dialog open (the palette, the filter panel, a
/// question, the help, the category chooser), the first says on the status line, whole at 80 columns, that a second
/// one soon quits, and quits nothing; the second quits. Any other key between takes the warning back. Where before
/// the search line, the palette and the rest quit at the first Ctrl-c. An empty search line is nothing typed: at once.
#[test]
fn ctrl_c_with_a_search_typed_or_a_dialog_open_warns_before_quitting() {
    for lang in [Language::Zh, Language::En] {
        let (typed, dialog) = match lang {
            Language::Zh => {
                ("3 秒内再按 Ctrl-C 退出，输入的内容不会保存", "3 秒内再按 Ctrl-C 退出；只关闭对话框请按 Esc")
            }
            Language::En => (
                "Press Ctrl-C again within 3 s to quit; what you typed is not saved",
                "Press Ctrl-C again within 3 s to quit; Esc closes only the dialog",
            ),
        };
        let mut app = app(lang);
        app.update(Action::Search);
        type_text(&mut app, "孙");
        app.update(Action::Quit);
        assert!(!app.quit, "{lang:?}: the search line holds a name typed");
        assert!(app.roster.is_searching() && app.roster.search_input().text() == "孙", "{}", screen(&app));
        assert!(screen(&app).contains(typed), "{lang:?}: read whole at 80 columns\n{}", screen(&app));
        app.update(Action::Quit);
        assert!(app.quit, "{lang:?}: the second Ctrl-c quits");

        for open in [Action::Palette, Action::Filters, Action::ToggleGovernment, Action::Help, Action::Categories] {
            let mut app = self::app(lang);
            let open_name = format!("{open:?}");
            app.update(open);
            let open = open_name;
            assert!(app.modal.is_some(), "{open}");
            let status = app.status.clone();
            app.update(Action::Quit);
            assert!(!app.quit, "{lang:?} {open}: a dialog is open");
            assert!(app.modal.is_some(), "{open}: still open");
            assert!(screen(&app).contains(dialog), "{lang:?} {open}\n{}", screen(&app));
            assert_eq!(app.status, status, "the line under the warning is kept");
            app.update(Action::Down);
            assert!(app.quit_warning().is_none() && !screen(&app).contains(dialog), "{open}: taken back");
            app.update(Action::Quit);
            assert!(!app.quit, "{lang:?} {open}: warned again after another key");
            app.update(Action::Quit);
            assert!(app.quit, "{lang:?} {open}");
        }

        let mut app = self::app(lang);
        app.update(Action::Search);
        app.update(Action::Quit);
        assert!(app.quit, "{lang:?}: nothing typed in the search line");
    }
}

/// A window made too small and big again shows the roster as it was, the cursor on the same pupil on the same row,
/// where the cursor's row had become the first; a name typed into the search line is kept through it, and Ctrl-c
/// there warns first, as in a big window.
#[test]
fn a_window_made_too_small_and_big_again_shows_the_same_page() {
    let mut app = app(Language::Zh);
    for _ in 0..10 {
        app.update(Action::Down);
    }
    let before = screen(&app);
    let pupil = app.selected_id();
    app.update(Action::Resize(60, 20));
    app.update(Action::Resize(80, 24));
    assert_eq!(app.selected_id(), pupil);
    assert_eq!(screen(&app), before);

    app.update(Action::Search);
    type_text(&mut app, "四年级");
    let before = screen(&app);
    app.update(Action::Resize(79, 20));
    press_ctrl_c(&mut app);
    assert!(!app.quit, "{}", screen(&app));
    app.update(Action::Resize(80, 24));
    assert_eq!(app.roster.search_input().text(), "四年级");
    assert_eq!(screen(&app).lines().take(20).collect::<Vec<_>>(), before.lines().take(20).collect::<Vec<_>>());
    press_ctrl_c(&mut app);
    assert!(app.quit);
}

/// Quitting while a job runs (a second Ctrl-c at the question whether to stop it): the job is stopped and waited
/// for before the screen is left, so it never goes on, cut off mid-way, as the process ends: the school renamed
/// whole or not at all, an export's file whole or not there, no hidden folder left. Before, the screen was left
/// with the job still running.
#[test]
fn quitting_while_a_job_runs_stops_it_first() {
    use canbao::tui::jobs::Work;
    for job in ["rename", "export"] {
        let dir = tempfile::tempdir().expect("dir");
        let mut app = drive_file_app(dir.path());
        let target = dir.path().join("名单.xlsx");
        // Another writer holds the drive: the job waits on it (for as long as SQLite waits for a lock), so it is
        // still running whenever the keys come.
        let writer = rusqlite::Connection::open(dir.path().join("drive.db")).expect("writer");
        writer.execute_batch("BEGIN IMMEDIATE").expect("lock");
        match job {
            "rename" => {
                app.start(Work::RenameSchool {
                    old: "柳州市示范小学".into(), new: "新校名".into(), merge: false
                })
            }
            _ => app.start_export(target.clone()),
        }
        assert!(app.jobs.running().is_some(), "{job}: {}", screen(&app));
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        // Ctrl-c asks whether to stop the job; a look at the question (the first pause ends the keys read as it
        // opens, the second is the look), then Ctrl-c again, and a wait while the job stops (a third Ctrl-c
        // would leave without waiting).
        let ctrl_c = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        let mut script: std::collections::VecDeque<Paced> =
            [Paced::Key(ctrl_c.clone()), Paced::Pause, Paced::Pause, Paced::Key(ctrl_c)].into_iter().collect();
        script.extend((0..400).flat_map(|_| [Paced::Sleep(50), Paced::Pause]));
        let script = PacedScript(script);
        run_loop(&mut terminal, &mut app, &mut { script }).expect("loop");
        drop(writer);
        assert!(app.quit);
        assert!(app.jobs.running().is_none(), "{job}: the screen was left with the job running");
        let schools = Store::open(&dir.path().join("drive.db")).expect("store").schools().expect("schools");
        assert_eq!(schools, ["柳州市示范小学"], "{job}: the rename waited on the other writer until it was stopped");
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into())
            .collect();
        left.retain(|name| !name.starts_with("drive.db") && name != "名单.xlsx" && name != "backups");
        assert!(left.is_empty(), "{job}: left behind {left:?}");
        if target.exists() {
            assert!(calamine::open_workbook_auto(&target).is_ok(), "{job}: the export is whole");
        }
    }
}

#[test]
fn while_the_window_is_too_small_only_quit_acts() {
    let mut app = app(Language::Zh);
    let audit = app.store.audit_count().expect("count");
    app.update(Action::Resize(60, 20));
    for action in [Action::SelectAll, Action::ToggleGovernment, Action::Yes, Action::Confirm, Action::Enrollment] {
        app.update(action);
    }
    assert!(app.modal.is_none() && app.roster.marked().is_empty());
    assert_eq!(app.store.audit_count().expect("count"), audit);
    app.update(Action::Quit);
    assert!(app.quit);
}

#[test]
fn the_class_filter_finds_a_class_by_typing() {
    let mut app = app(Language::Zh);
    app.update(Action::Filters);
    type_text(&mut app, "三年级2");
    let class = app.roster.filters().class.map(|c| app.data.classes[c as usize].clone());
    assert_eq!(class.as_deref(), Some("三年级2班"));
}

#[test]
fn undo_and_redo_write_the_old_values_back() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    app.update(Action::TogglePaid);
    type_text(&mut app, "380");
    app.update(Action::Confirm);
    let s = app.store.student(id).expect("s");
    assert_eq!((s.payment, s.enrollment), (PaymentStatus::Paid, Enrollment::Here));
    app.update(Action::Undo);
    let s = app.store.student(id).expect("s");
    assert_eq!((s.payment, s.enrollment), (PaymentStatus::Unpaid, Enrollment::Unknown), "one edit, undone whole");
    assert_eq!(s.payment_details.paid_on, None);
    let history = app.store.history(id).expect("history");
    assert!(history.iter().any(|e| e.action == "undo" && e.field == "payment"));
    app.update(Action::Redo);
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Paid);
    assert!(app.store.history(id).expect("history").iter().any(|e| e.action == "redo"));
}

/// On the detail screen every key acts on the pupil shown, `u` too: it undoes that pupil's own last change, never
/// another child's (the last change overall), and says so when the pupil has none.
#[test]
fn undo_on_the_detail_screen_undoes_the_pupil_shown() {
    let mut app = app(Language::Zh);
    app.set_filters(|f| f.payment = Some(PaymentStatus::Unpaid));
    let first = app.selected_id().expect("pupil");
    app.update(Action::TogglePaid);
    type_text(&mut app, "380");
    app.update(Action::Confirm);
    assert_eq!(app.store.student(first).expect("s").payment, PaymentStatus::Paid);
    app.update(Action::Down);
    let second = app.selected_id().expect("pupil");
    assert_ne!(second, first);
    app.update(Action::OpenDetail);
    app.update(Action::Undo);
    assert_eq!(app.store.student(first).expect("s").payment, PaymentStatus::Paid, "not the other child's payment");
    assert_eq!(app.detail.as_ref().expect("detail").student.id, second);
    let status = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(status.contains("没有可撤销的修改"), "{status}");
    // The pupil's own change is undone, though another child's was made after it.
    choose_enrollment(&mut app, Enrollment::Here, "");
    app.update(Action::Back);
    app.update(Action::Down);
    let third = app.selected_id().expect("pupil");
    choose_enrollment(&mut app, Enrollment::Here, "");
    app.update(Action::Up);
    assert_eq!(app.selected_id(), Some(second));
    app.update(Action::OpenDetail);
    app.update(Action::Undo);
    assert_eq!(app.store.student(second).expect("s").enrollment, Enrollment::Unknown);
    assert_eq!(app.store.student(third).expect("s").enrollment, Enrollment::Here);
    assert_eq!(app.store.student(first).expect("s").payment, PaymentStatus::Paid);
    assert_eq!(app.detail.as_ref().expect("detail").student.id, second);
}

/// `u` leaves the highlight on the row it was on: the child being served stays under it, and the next Enter or `p`
/// is for them, not for the pupil undone, whom the status line names (back in the filtered list, above); a pupil
/// the list no longer shows is said in the status line.
#[test]
fn undo_keeps_the_highlight_on_the_row_it_was_on() {
    let mut app = app(Language::Zh);
    app.set_filters(|f| f.payment = Some(PaymentStatus::Unpaid));
    for _ in 0..4 {
        app.update(Action::Down);
    }
    let id = app.selected_id().expect("pupil");
    let name = app.store.student(id).expect("s").name;
    app.update(Action::TogglePaid);
    type_text(&mut app, "380");
    app.update(Action::Confirm);
    assert_eq!(app.selected_id(), Some(id), "paid, the pupil stays under the highlight until a move");
    app.update(Action::Down);
    let served = app.selected_id().expect("pupil");
    assert_ne!(served, id, "paid, the pupil left the unpaid list");
    app.update(Action::Undo);
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid);
    assert_eq!(app.selected_id(), Some(served), "the highlight stays on the child being served");
    let said = format!("已撤销（{name}：参保状态改回未确认，缴费状态改回未缴费）；按 Ctrl-r 重做");
    assert_eq!(app.status.as_ref().map(|s| s.text.clone()), Some(said));
    app.update(Action::OpenDetail);
    assert_eq!(app.detail.as_ref().map(|d| d.student.id), Some(served), "Enter opens the same child");
    app.update(Action::Back);
    app.update(Action::TogglePaid);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("no form") };
    assert_eq!(form.targets, [served], "the next p is for the same child");
    app.update(Action::Back);
    app.update(Action::Up);
    assert_eq!(app.selected_id(), Some(id), "the pupil undone is back in the list, above");

    // Undone while the list shows only paid pupils: the pupil is not in it, and the status line says so.
    app.update(Action::TogglePaid);
    type_text(&mut app, "380");
    app.update(Action::Confirm);
    app.set_filters(|f| f.payment = Some(PaymentStatus::Paid));
    app.update(Action::Undo);
    assert_ne!(app.selected_id(), Some(id));
    let status = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    let said = format!(
        "已撤销（{name}：参保状态改回未确认，缴费状态改回未缴费）；{name} 不在当前列表中（筛选或搜索）；按 Ctrl-r 重做"
    );
    assert_eq!(status, said);
}

#[test]
fn bulk_marks_apply_to_every_marked_pupil_in_one_edit() {
    let mut app = app(Language::Zh);
    app.update(Action::SelectAll);
    assert_eq!(app.roster.marked().len(), 360);
    app.update(Action::Enrollment);
    app.update(Action::Down);
    app.update(Action::Confirm);
    app.update(Action::Yes);
    assert_eq!(app.store.stats(None, None).expect("stats").enrollment["here"], 360);
    // Undoing a change to many pupils is asked too, 否 by default.
    app.update(Action::Undo);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked") };
    assert_eq!(c.question, "撤销对 360 名学生的上一次修改？");
    app.update(Action::Confirm);
    assert_eq!(app.store.stats(None, None).expect("stats").enrollment["here"], 360, "否: nothing undone");
    app.update(Action::Undo);
    app.update(Action::Yes);
    assert_eq!(app.store.stats(None, None).expect("stats").enrollment["unknown"], 360);
}

#[test]
fn declining_records_the_reason() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    app.update(Action::Enrollment);
    for _ in 0..3 {
        app.update(Action::Down);
    }
    type_text(&mut app, "随父母参保");
    app.update(Action::Confirm);
    let s = app.store.student(id).expect("s");
    assert_eq!(s.enrollment, Enrollment::Declined);
    assert_eq!(s.decline_reason.as_deref(), Some("随父母参保"));
}

/// 不参保 is saved only with why (DOMAIN: "declined (with a reason)"), for one pupil and for several: Enter
/// without a reason (or with spaces only) saves nothing and keeps the chooser open on the reason, what is typed
/// then goes there, and Esc leaves the pupils as they were. A pupil declined before without a reason (older
/// drives) keeps that until the chooser saves a reason.
#[test]
fn declining_needs_a_reason() {
    use canbao::tui::modal::Modal;
    for (lang, said) in [(Language::Zh, "不参保须填写原因"), (Language::En, "Declined needs a reason")] {
        let mut app = app(lang);
        let id = app.selected_id().expect("pupil");
        app.update(Action::Enrollment);
        for _ in 0..3 {
            app.update(Action::Down);
        }
        type_text(&mut app, "  ");
        app.update(Action::Confirm);
        let Some(Modal::Enrollment(chooser)) = &app.modal else { panic!("still open: {}", screen(&app)) };
        assert_eq!(chooser.status(), Enrollment::Declined);
        assert!(chooser.on_detail, "on the reason");
        assert!(screen(&app).contains(said), "{}", screen(&app));
        assert_eq!(app.store.student(id).expect("s").enrollment, Enrollment::Unknown, "nothing saved");
        app.update(Action::Back);
        assert!(app.modal.is_none());
        assert_eq!(app.store.student(id).expect("s").enrollment, Enrollment::Unknown, "Esc saves nothing");

        // Several pupils: the same.
        app.update(Action::Top);
        for _ in 0..3 {
            app.update(Action::ToggleSelect);
        }
        let ids: Vec<i64> = app.targets();
        assert_eq!(ids.len(), 3);
        app.update(Action::Enrollment);
        let Some(Modal::Enrollment(chooser)) = &app.modal else { panic!("chooser") };
        let declined = Enrollment::ALL.iter().position(|e| *e == Enrollment::Declined).expect("declined");
        for _ in chooser.cursor..declined {
            app.update(Action::Down);
        }
        app.update(Action::Confirm);
        assert!(matches!(app.modal, Some(Modal::Enrollment(_))), "{}", screen(&app));
        assert!(screen(&app).contains(said), "{}", screen(&app));
        type_text(&mut app, "家长不同意");
        app.update(Action::Confirm);
        app.update(Action::Yes);
        for id in ids {
            let s = app.store.student(id).expect("s");
            assert_eq!((s.enrollment, s.decline_reason.as_deref()), (Enrollment::Declined, Some("家长不同意")));
        }

        // Declined without a reason before: kept so, and Enter on it asks for the reason too.
        app.roster.clear_marks();
        app.store.set_enrollment(id, Enrollment::Declined, None).expect("an old drive's row");
        app.reload_roster();
        app.update(Action::Top);
        assert_eq!(app.selected_id(), Some(id));
        app.update(Action::Enrollment);
        app.update(Action::Confirm);
        assert!(screen(&app).contains(said), "{}", screen(&app));
        app.update(Action::Back);
        let s = app.store.student(id).expect("s");
        assert_eq!((s.enrollment, s.decline_reason), (Enrollment::Declined, None));
    }
}

#[test]
fn revealing_is_audited() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    app.update(Action::OpenDetail);
    app.update(Action::Reveal);
    assert_eq!((app.reveal, app.revealed_pupil), (false, Some(id)), "this pupil only");
    assert!(app.store.history(id).expect("h").iter().any(|e| e.action == "reveal"));
    app.update(Action::Reveal);
    assert_eq!((app.reveal, app.revealed_pupil), (false, None));
}

#[test]
fn mouse_click_selects_and_wheel_scrolls() {
    let mut app = app(Language::Zh);
    app.update(Action::Click(10, 7));
    assert_eq!(app.roster.cursor(), 3);
    app.update(Action::ScrollDown);
    assert_eq!(app.roster.cursor(), 4);
    app.update(Action::Click(10, 8));
    assert!(app.detail.is_some(), "a click on the selected row opens it");
}

#[test]
fn categories_are_saved_with_their_department() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    app.update(Action::Categories);
    app.update(Action::ToggleSelect);
    app.update(Action::Confirm);
    let s = app.store.student(id).expect("s");
    assert_eq!(s.categories.len(), 1);
    assert!(!s.categories[0].department.is_empty());
}

fn key(code: KeyCode, kind: KeyEventKind) -> Event {
    Event::Key(KeyEvent { code, modifiers: KeyModifiers::NONE, kind, state: KeyEventState::NONE })
}

/// The event loop on a `TestBackend`: keys go through the keymap; releases (as Windows sends them) and
/// repeats are ignored, so each key acts once.
#[test]
fn event_loop_with_presses_and_releases() {
    let mut app = app(Language::Zh);
    let mut events = Vec::new();
    let mut press = |code: KeyCode| {
        events.push(Paced::Key(key(code, KeyEventKind::Press)));
        events.push(Paced::Key(key(code, KeyEventKind::Release)));
    };
    press(KeyCode::Char('/'));
    for c in "孙语".chars() {
        press(KeyCode::Char(c));
    }
    press(KeyCode::Enter);
    press(KeyCode::Char('p'));
    // A look at the payment form before the amount.
    events.push(Paced::Pause);
    let mut press = |code: KeyCode| {
        events.push(Paced::Key(key(code, KeyEventKind::Press)));
        events.push(Paced::Key(key(code, KeyEventKind::Release)));
    };
    for c in "380".chars() {
        press(KeyCode::Char(c));
    }
    press(KeyCode::Enter);
    press(KeyCode::Char('q'));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    run_loop(&mut terminal, &mut app, &mut PacedScript(events.into_iter().collect())).expect("loop");
    assert!(app.quit);
    let stats = app.store.stats(None, None).expect("stats");
    assert_eq!(stats.payment["paid"], 1);
}

/// A file drive with the sample school, opened read-only as a second canbao would open it. The folder is
/// returned so it outlives the app.
fn read_only_app(lang: Language) -> (tempfile::TempDir, std::path::PathBuf, App) {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("drive.db");
    let mut writer = Store::open(&path).expect("store");
    writer.set_fixed_clock(NOW);
    canbao::demo::load_sample(&mut writer).expect("sample");
    drop(writer);
    let mut store = Store::open_read_only(&path).expect("read-only");
    store.set_fixed_clock(NOW);
    let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    (dir, path, app)
}

/// The sample school's drive as a canbao of schema `version` (1 to 4) left it, opened read-only: what the later
/// schemas added is taken away again, and the version set back.
fn older_read_only_app(version: i64) -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("older.db");
    let mut writer = Store::open(&path).expect("store");
    writer.set_fixed_clock(NOW);
    canbao::demo::load_sample(&mut writer).expect("sample");
    let first = writer.roster_order().expect("roster")[0];
    writer.set_enrollment(first, Enrollment::Here, None).expect("mark");
    drop(writer);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER students_categories_keep_years;
         DROP TABLE year_categories;
         DROP INDEX audit_renamed_from;
         DROP INDEX audit_corrected_from;
         DROP TABLE receipts;
         DROP TABLE year_statuses;
         ALTER TABLE audit DROP COLUMN year;
         ALTER TABLE students DROP COLUMN categories_year;
         ALTER TABLE students DROP COLUMN seen_year;
         DELETE FROM meta WHERE key IN ('current_year', 'first_year', 'merge_copies_from', 'search_keys_outdated')
             OR key LIKE 'policy!_%' ESCAPE '!';",
    )
    .unwrap();
    if version < 4 {
        conn.execute_batch("DROP INDEX students_bad_name;").unwrap();
    }
    if version < 3 {
        conn.execute_batch(
            "DROP TRIGGER students_name_order_insert;
             DROP TRIGGER students_name_order_update;
             DROP INDEX students_roster;
             ALTER TABLE students DROP COLUMN name_order;
             CREATE INDEX students_roster ON students(school_id, class_order, name);",
        )
        .unwrap();
    }
    if version < 2 {
        conn.execute_batch(
            "CREATE TABLE search_keys (student_id INTEGER PRIMARY KEY, key TEXT NOT NULL); DROP TABLE search_blocks;",
        )
        .unwrap();
    }
    conn.pragma_update(None, "user_version", version).unwrap();
    drop(conn);
    let mut store = Store::open_read_only(&path).expect("read-only");
    store.set_fixed_clock(NOW);
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(100, 30));
    (dir, app)
}

/// A drive an older canbao made, opened read-only on the screen (it cannot be upgraded then): its roster, a
/// search, a pupil's history and the dashboard's days are read as that canbao kept them, where the screen did not
/// open a drive from before the search blocks and the dashboard said no pupil was marked yet.
#[test]
fn an_older_drive_read_only_on_the_screen_is_read_as_it_was_kept() {
    for version in [1, 2, 4] {
        let (_dir, mut app) = older_read_only_app(version);
        let sound = |app: &App, on: &str| {
            let shown = screen(app);
            assert!(!shown.contains("no such") && !shown.contains("数据库错误"), "schema {version}, {on}: {shown}");
            assert!(app.status.as_ref().is_none_or(|s| !s.text.contains("no such")), "{:?}", app.status);
            shown
        };
        let roster = sound(&app, "roster");
        let first = app.selected_id().expect("a pupil");
        let name = app.store.student(first).expect("pupil").name;
        assert!(roster.contains(&name), "schema {version}: {roster}");
        app.update(Action::Search);
        type_text(&mut app, &name);
        app.update(Action::Confirm);
        assert_eq!(app.selected_id(), Some(first), "schema {version}: found by name");
        app.update(Action::OpenDetail);
        let detail = sound(&app, "detail");
        assert!(detail.contains(&name) && detail.matches("在校参保").count() >= 2, "schema {version}: {detail}");
        app.update(Action::Back);
        app.update(Action::Dashboard);
        let dashboard = sound(&app, "dashboard");
        assert!(!dashboard.contains("还没有登记或缴费记录"), "schema {version}: the day's mark: {dashboard}");
        app.update(Action::Tick);
        sound(&app, "after a tick");
    }
}

#[test]
fn read_only_title_and_refusal() {
    for lang in [Language::Zh, Language::En] {
        let (_dir, _path, mut app) = read_only_app(lang);
        app.update(Action::ToggleSelect);
        app.update(Action::ToggleSelect);
        app.update(Action::ToggleGovernment);
        insta::assert_snapshot!(format!("read_only_{}", lang_name(lang)), screen(&app));
    }
}

/// A read-only window's `x` refusal is read whole in its status line at 80 and 100 columns, on the roster and on
/// the detail screen, what to do among it (the window that can change the drive, or the palette's masking),
/// where it was cut before the part that says what to do.
#[test]
fn a_read_only_windows_export_refusal_fits_its_status_line() {
    for (lang, what_to_do) in [
        (Language::Zh, "或在命令面板开启「导出时身份证号码打码」后导出"),
        (Language::En, "or turn on Mask ID numbers in exports"),
    ] {
        for width in [80, 100] {
            let (_dir, _path, mut app) = read_only_app(lang);
            app.update(Action::Resize(width, 24));
            for detail in [false, true] {
                if detail {
                    app.update(Action::OpenDetail);
                }
                app.status = None;
                app.update(Action::Export);
                let told = app.status.clone().expect("told why").text;
                assert!(told.ends_with(what_to_do), "{told}");
                let shown = screen(&app);
                assert!(shown.lines().any(|l| l.trim() == told), "{lang:?} {width} detail {detail}:\n{shown}");
                if width == 80 && !detail {
                    insta::assert_snapshot!(format!("read_only_export_refused_{}", lang_name(lang)), shown);
                }
            }
        }
    }
}

/// A pupil's categories are listed as the command line lists them, 「低保对象、特困人员」 in Chinese and "低保对象,
/// 特困人员" in English, on the roster, on the detail screen and in the detail's history, where the screen wrote
/// 「低保对象,特困人员」 (and the detail screen's marks with a space between them).
#[test]
fn categories_are_listed_as_the_command_line_lists_them() {
    for (lang, listed, detail) in [
        (Language::Zh, "低保对象、特困人员", "低保对象（民政）、特困人员（民政）"),
        (Language::En, "低保对象, 特困人员", "低保对象 (民政), 特困人员 (民政)"),
    ] {
        let mut store = store(true);
        let id = store.students(&Default::default()).expect("list")[0].id;
        let marks: Vec<canbao::domain::student::CategoryMark> = ["低保对象", "特困人员"]
            .iter()
            .map(|name| canbao::domain::student::CategoryMark {
                name: (*name).into(),
                department: "民政".into(),
                year: None,
            })
            .collect();
        store.set_categories(id, &marks).expect("categories");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(120, 40));
        assert_eq!(app.selected_id(), Some(id));
        let shown = screen(&app);
        assert!(shown.contains(listed), "{shown}");
        app.update(Action::OpenDetail);
        let shown = screen(&app);
        assert!(shown.contains(detail), "{shown}");
        // The history's change of categories, on a screen wide enough for its line.
        app.update(Action::Resize(200, 40));
        let shown = screen(&app);
        assert!(shown.lines().any(|l| l.contains("->") && l.contains(listed)), "{shown}");
        assert!(!shown.contains("低保对象,特困人员"), "{shown}");
    }
}

/// A read-only window's footer lists the keys that work there (search, the palette, the detail, filters, the
/// export, the dashboard), not the marks, undo and import it refuses, on the roster and on the detail screen, at
/// 80×24 and 120×40; before, it listed every key and each refused one said 只读模式 when pressed.
#[test]
fn a_read_only_footer_lists_only_keys_that_work() {
    for lang in [Language::Zh, Language::En] {
        for (width, height) in [(80, 24), (120, 40)] {
            let (_dir, _path, mut app) = read_only_app(lang);
            app.update(Action::Resize(width, height));
            let (shown, refused): (&[&str], &[&str]) = match lang {
                Language::Zh => (
                    &["/ 搜索", "Enter 详情", "s 筛选", "x 导出", "q 退出"],
                    &["e 参保", "p 缴费", "f 代缴", "c 类别", "u 撤销", "n 备注", "i 导入"],
                ),
                Language::En => (
                    &["/ search", "Enter open", "s filter", "x export", "q quit"],
                    &["e enroll", "p paid", "f gov.", "c categ", "u undo", "n note", "i import"],
                ),
            };
            let footer = |app: &App| {
                let all = screen(app);
                let rows: Vec<&str> = all.lines().collect();
                rows[rows.len() - 2..].join("\n")
            };
            let roster = footer(&app);
            assert!(shown.iter().all(|k| roster.contains(k)), "{width}×{height}:\n{roster}");
            assert!(!refused.iter().any(|k| roster.contains(k)), "{width}×{height}:\n{roster}");
            if width == 80 {
                insta::assert_snapshot!(format!("read_only_roster_80x24_{}", lang_name(lang)), screen(&app));
            }
            app.update(Action::OpenDetail);
            let detail = footer(&app);
            assert!(!refused.iter().any(|k| detail.contains(k)), "{width}×{height}:\n{detail}");
            let (reveal, correct) =
                if lang == Language::Zh { ("r 显示", "E 更正") } else { ("r show", "E correct") };
            assert!(!detail.contains(reveal) && !detail.contains(correct), "{width}×{height}:\n{detail}");
        }
    }
}

/// Under a dialog (the payment form, the filters, the palette, on the roster, the detail screen and the dashboard)
/// the screen's footer lists none of the screen's keys, which wait until the dialog closes, the same in both
/// languages at 80×24 and 120×40; before, at 120×40 the English footer under the payment form still showed
/// 「i import  x export」 and the Chinese 「? 帮助  q 退出」.
#[test]
fn the_footer_under_a_dialog_lists_no_key_of_the_screen_under_it() {
    type Open = fn(&mut App);
    let dialogs: [(&str, Open); 5] = [
        ("payment", |app| app.update(Action::TogglePaid)),
        ("filters", |app| app.update(Action::Filters)),
        ("palette", |app| app.update(Action::Palette)),
        ("detail payment", |app| {
            app.update(Action::OpenDetail);
            app.update(Action::TogglePaid);
        }),
        ("dashboard palette", |app| {
            app.update(Action::Dashboard);
            app.update(Action::Palette);
        }),
    ];
    for (width, height) in [(80, 24), (120, 40)] {
        for (name, open) in dialogs {
            let mut footers = Vec::new();
            for lang in [Language::Zh, Language::En] {
                let mut app = app(lang);
                app.update(Action::Resize(width, height));
                open(&mut app);
                assert!(app.modal.is_some(), "{name}: {}", screen(&app));
                let shown = screen(&app);
                let rows: Vec<&str> = shown.lines().collect();
                let footer = rows[rows.len() - 2..].join("\n");
                let screen_keys: &[&str] = match lang {
                    Language::Zh => {
                        &["/ 搜索", "e 参保", "s 筛选", "i 导入", "x 导出", "? 帮助", "q 退出", "d 返回", "Esc 返回"]
                    }
                    Language::En => &[
                        "/ search", "e enroll", "s filter", "i import", "x export", "? help", "q quit", "d back",
                        "Esc back",
                    ],
                };
                assert!(!screen_keys.iter().any(|k| footer.contains(k)), "{name} {width}×{height}:\n{shown}");
                footers.push(footer);
            }
            assert_eq!(footers[0], footers[1], "{name} {width}×{height}");
        }
    }
}

/// The help screen's lines, all of them (a terminal tall enough to hold them), at `width` columns.
fn whole_help(app: &mut App, width: u16) -> Vec<String> {
    app.update(Action::Resize(width, 300));
    app.update(Action::Help);
    let shown = screen(app);
    app.update(Action::Back);
    shown.lines().map(str::to_owned).collect()
}

/// A read-only window's help screen leaves out the keys the window refuses (the marks, the note, undo and redo,
/// import, reveal, the correction E) and says so under its intro, as its footer lists only the keys that work,
/// at 80×24 and 120×40 in both languages; before, it listed them all and each said 只读模式 when pressed.
#[test]
fn a_read_only_help_screen_lists_only_keys_that_work() {
    const REFUSED: [&str; 10] = ["e", "p", "f", "c", "n", "u", "Ctrl-r", "i", "r", "E"];
    for lang in [Language::Zh, Language::En] {
        for (width, height) in [(80, 24), (120, 40)] {
            // Each refused key's line as a window that can write shows it: the first line of that key, the roster's
            // (E: the detail screen's), which come before the picker's e and n.
            let mut writable = app(lang);
            let all = whole_help(&mut writable, width);
            let key_of = |line: &str| line.get(3..).map(|rest| rest.split("  ").next().unwrap_or("").trim().to_owned());
            let refused: Vec<String> = REFUSED
                .iter()
                .map(|k| all.iter().find(|l| key_of(l).as_deref() == Some(*k)).unwrap_or_else(|| panic!("{k}")).clone())
                .collect();
            let (_dir, _path, mut app) = read_only_app(lang);
            let help = whole_help(&mut app, width);
            for line in &refused {
                assert!(!help.contains(line), "{width}: {line}\n{}", help.join("\n"));
            }
            let (kept, note) = match lang {
                Language::Zh => (["搜索：", "导出"], "只读打开"),
                Language::En => (["search:", "export"], "Read-only"),
            };
            assert!(kept.iter().all(|k| help.iter().any(|l| l.contains(k))), "{}", help.join("\n"));
            assert!(help.iter().any(|l| l.contains(note)), "{}", help.join("\n"));
            app.update(Action::Resize(width, height));
            app.update(Action::Help);
            insta::assert_snapshot!(format!("read_only_help_{width}x{height}_{}", lang_name(lang)), screen(&app));
        }
    }
}

#[test]
fn read_only_refuses_every_write_and_changes_nothing() {
    let (_dir, path, mut app) = read_only_app(Language::Zh);
    let audit = app.store.audit_count().expect("count");
    let bytes = std::fs::read(&path).expect("bytes");
    let id = app.selected_id().expect("pupil");
    let before = app.store.student(id).expect("s");
    let writes = [
        Action::Enrollment,
        Action::TogglePaid,
        Action::ToggleGovernment,
        Action::Categories,
        Action::EditNote,
        Action::Undo,
        Action::Redo,
        Action::Import,
        Action::Reveal,
    ];
    app.update(Action::SelectAll);
    for action in writes {
        let name = format!("{action:?}");
        app.update(action);
        assert!(app.modal.is_none(), "{name} opened a dialog");
        let status = app.status.clone().expect("told why");
        // Showing a number changes no pupil: the reason is the audit row it would write.
        let why = if name == "Reveal" {
            "请在可修改的窗口中按 r：只读窗口不写修改记录"
        } else {
            "只读模式，不能修改"
        };
        assert!(status.error && status.text.contains(why), "{name}: {status:?}");
    }
    app.update(Action::OpenDetail);
    app.update(Action::Reveal);
    assert!(!app.reveal, "full IDs stay hidden: showing them would need an audit row");
    assert_eq!(app.store.student(id).expect("s"), before);
    assert_eq!(app.store.audit_count().expect("count"), audit);
    drop(app);
    assert_eq!(std::fs::read(&path).expect("bytes"), bytes, "the file is byte for byte the same");
}

/// A second instance opened read-only picks up what the writer saves, on its idle tick, keeping the selected
/// pupil; with nothing saved it reloads nothing.
#[test]
fn read_only_follows_what_the_writer_saves() {
    let (_dir, path, mut app) = read_only_app(Language::Zh);
    app.update(Action::Down);
    app.update(Action::Down);
    let id = app.selected_id().expect("pupil");
    app.update(Action::Tick);
    assert!(app.status.is_none(), "nothing saved, nothing loaded: {:?}", app.status);

    let mut writer = Store::open(&path).expect("writer");
    writer.set_fixed_clock(NOW);
    writer.set_enrollment(id, Enrollment::Elsewhere, None).expect("mark");
    app.update(Action::Tick);
    let row = app.data.index_of(id).map(|i| &app.data.rows[i]).expect("still there");
    assert_eq!(row.enrollment, Enrollment::Elsewhere);
    assert_eq!(app.selected_id(), Some(id), "the same pupil stays selected");
    assert!(app.status.as_ref().is_some_and(|s| s.text.contains("已载入")), "{:?}", app.status);
}

/// A read-only window opened while another canbao held the drive: once that one quits (or is killed), the next
/// tick says on the status line that W takes over (“修改数据的窗口已关闭：按 W 接管修改”), and a refused change says
/// the same instead of the bare refusal; the window itself stays read-only until W. Before, it went on refusing with
/// 「只读模式，不能修改」 and nothing said the drive was free.
#[test]
fn read_only_says_when_the_writer_has_closed() {
    for (lang, closed) in [
        (Language::Zh, "修改数据的窗口已关闭：按 W 接管修改"),
        (Language::En, "The window that made changes has closed: press W to take over"),
    ] {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("drive.db");
        let mut writer = Store::open(&path).expect("store");
        writer.set_fixed_clock(NOW);
        canbao::demo::load_sample(&mut writer).expect("sample");
        drop(writer);
        let held = canbao::store::lock::DriveLock::acquire(&path, "张老师").expect("lock");
        let mut store = Store::open_read_only(&path).expect("read-only");
        store.set_fixed_clock(NOW);
        let mut app = App::new(store, &Options { read_only_for_another_window: true, ..options(lang, Some("测试")) })
            .expect("app");
        app.update(Action::Resize(80, 24));
        assert!(!screen(&app).contains(closed), "{lang:?}: the writer still holds the drive");

        drop(held);
        app.update(Action::Tick);
        let shown = screen(&app);
        let status = shown.lines().rev().find(|l| l.contains(closed));
        assert!(status.is_some(), "{lang:?}: the status line says the writer closed:\n{shown}");
        assert!(app.store.is_read_only(), "{lang:?}: the window does not start writing by itself");

        app.update(Action::Enrollment);
        let refused = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
        assert_eq!(refused, closed, "{lang:?}: a refused mark says W takes over");
        assert!(app.store.is_read_only(), "{lang:?}");
    }
}

/// A read-only window of a drive that holds no insured year, its writer gone: starting the next year is refused
/// as every change is, saying the other window has closed and W takes over. Before, it gave the bare
/// 「只读模式，不能修改」 where every other refusal said the drive was free.
#[test]
fn the_new_year_refused_in_a_read_only_window_says_when_the_writer_has_closed() {
    for (lang, closed) in [
        (Language::Zh, "修改数据的窗口已关闭：按 W 接管修改"),
        (Language::En, "The window that made changes has closed: press W to take over"),
    ] {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("drive.db");
        let mut writer = Store::open(&path).expect("store");
        writer.set_fixed_clock(NOW);
        canbao::demo::load_sample(&mut writer).expect("sample");
        drop(writer);
        // As a drive from before insured years reads to a window that may not convert it.
        let conn = rusqlite::Connection::open(&path).expect("sqlite");
        conn.execute("DELETE FROM meta WHERE key IN ('current_year', 'first_year')", []).expect("no years");
        drop(conn);
        let held = canbao::store::lock::DriveLock::acquire(&path, "张老师").expect("lock");
        let mut store = Store::open_read_only(&path).expect("read-only");
        store.set_fixed_clock(NOW);
        assert_eq!(store.current_year(), None);
        let mut app = App::new(store, &Options { read_only_for_another_window: true, ..options(lang, Some("测试")) })
            .expect("app");
        app.update(Action::Resize(80, 24));
        drop(held);
        app.ask_new_year();
        let refused = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
        assert_eq!(refused, closed, "{lang:?}");
    }
}

/// The import preview imports nothing yet: a row it would flag (a number with a wrong check character) is said as
/// one it will import and flag (「（将导入并标记）」, "to be imported and flagged"), never as imported already.
#[test]
fn the_import_preview_says_a_flagged_row_will_be_imported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("list.csv");
    let body = "65010220150101001";
    let good = canbao::domain::id_number::check_char(body.as_bytes());
    let wrong = if good == '1' { '2' } else { '1' };
    std::fs::write(&path, format!("姓名,身份证号码,班级\n新生,{body}{wrong},1班\n")).unwrap();
    for (lang, future, past) in [
        (Language::Zh, "（将导入并标记）", "已导入并标记"),
        (Language::En, "to be imported and flagged", "imported and flagged"),
    ] {
        let mut app = app(lang);
        app.update(Action::Import);
        type_text(&mut app, path.to_str().unwrap());
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::ImportPreview { preview, school, new_school, .. }) = &app.modal else {
            panic!("expected the preview: {}", screen(&app))
        };
        let lines = app.import_preview_lines(preview, school.as_ref(), new_school.as_deref()).join("\n");
        assert!(lines.contains(future) && !lines.replace(future, "").contains(past), "{lines}");
    }
}

/// Two lists with the same bytes (一班.csv and its copy 二班.csv) ticked in the import picker are read once and
/// said in the preview as the command line says it (「内容完全相同，只读一次」), where every row of the second was a
/// duplicate with a line each; one file ticked twice through a symlinked folder is said to be the same file.
#[test]
fn identical_lists_ticked_in_the_import_picker_are_read_once_and_said() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().unwrap();
    let lists = dir.path().join("名单");
    std::fs::create_dir(&lists).unwrap();
    let mut text = String::from("姓名,身份证号码,班级\n");
    for i in 0..3 {
        let body = format!("65010220150101{i:03}");
        let number = format!("{body}{}", canbao::domain::id_number::check_char(body.as_bytes()));
        text.push_str(&format!("{},{number},1班\n", new_pupils_name(i)));
    }
    std::fs::write(lists.join("一班.csv"), &text).unwrap();
    std::fs::write(lists.join("二班.csv"), &text).unwrap();
    let tick = |app: &mut App, name: &str| {
        let Some(Modal::Files(p)) = &mut app.modal else { panic!("the picker: {}", screen(app)) };
        p.cursor = p.entries.iter().position(|e| e.name == name).unwrap_or_else(|| panic!("{name}: {:?}", p.entries));
        app.update(Action::Input(' '));
    };
    let go_to = |app: &mut App, folder: &std::path::Path| {
        type_text(app, folder.to_str().unwrap());
        app.update(Action::Confirm);
    };
    let preview_lines = |app: &App| {
        let Some(Modal::ImportPreview { preview, school, new_school, .. }) = &app.modal else {
            panic!("expected the preview: {}", screen(app))
        };
        assert_eq!((preview.rows_read, preview.duplicates), (3, 0), "{preview:?}");
        app.import_preview_lines(preview, school.as_ref(), new_school.as_deref()).join("\n")
    };
    for (lang, said) in [
        (Language::Zh, "二班.csv 与 一班.csv 内容完全相同，只读一次"),
        (Language::En, "二班.csv holds the same bytes as 一班.csv: read once"),
    ] {
        let mut app = app(lang);
        app.update(Action::Import);
        go_to(&mut app, &lists);
        tick(&mut app, "一班.csv");
        tick(&mut app, "二班.csv");
        app.update(Action::Confirm);
        let lines = preview_lines(&app);
        assert!(lines.contains(said), "{lang:?}:\n{lines}");
        insta::assert_snapshot!(format!("import_preview_identical_lists_{}", lang_name(lang)), screen(&app));
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&lists, dir.path().join("链接")).unwrap();
        let mut app = app(Language::Zh);
        app.update(Action::Import);
        go_to(&mut app, &lists);
        tick(&mut app, "一班.csv");
        go_to(&mut app, &dir.path().join("链接"));
        tick(&mut app, "一班.csv");
        app.update(Action::Confirm);
        let lines = preview_lines(&app);
        let said = format!("{} 与 {} 是同一个文件，只读一次", "链接/一班.csv", "名单/一班.csv");
        assert!(lines.contains(&said), "{lines}");
    }
}

/// The import preview masks an ID number a row's problem quotes (the mother's number typed into the phone
/// column), as the roster masks numbers: never whole on the screen.
#[test]
fn the_import_preview_masks_a_number_a_problem_quotes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("list.csv");
    let body = "65010220150101001";
    let number = format!("{body}{}", canbao::domain::id_number::check_char(body.as_bytes()));
    let mother = "45020219850305124X";
    std::fs::write(&path, format!("姓名,身份证号码,班级,联系电话\n新生,{number},1班,{mother}\n")).unwrap();
    let mut app = app(Language::Zh);
    app.update(Action::Import);
    type_text(&mut app, path.to_str().unwrap());
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::ImportPreview { preview, school, new_school, .. }) = &app.modal else {
        panic!("expected the preview: {}", screen(&app))
    };
    let lines = app.import_preview_lines(preview, school.as_ref(), new_school.as_deref()).join("\n");
    assert!(lines.contains("4502**********124X") && !lines.contains(mother), "{lines}");
    assert!(!screen(&app).contains(mother), "{}", screen(&app));
}

/// The preview is a dry run and Confirm reads the file again: a list edited (or swapped for another) between
/// the two must not be committed unseen. The operator is told, and the drive keeps what it had.
#[test]
fn a_list_changed_after_its_preview_is_not_committed_unseen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("list.csv");
    let write = |count: u32| {
        let mut text = String::from("姓名,身份证号码,班级\n");
        for i in 0..count {
            let body = format!("65010220150101{i:03}");
            let number = format!("{body}{}", canbao::domain::id_number::check_char(body.as_bytes()));
            text.push_str(&format!("新生{i},{number},1班\n"));
        }
        std::fs::write(&path, text).unwrap();
    };
    write(2);
    let mut app = app(Language::Zh);
    let before = app.store.student_count().unwrap();
    app.update(Action::Import);
    type_text(&mut app, path.to_str().unwrap());
    app.update(Action::Confirm);
    match &app.modal {
        Some(canbao::tui::modal::Modal::ImportPreview { preview, .. }) => assert_eq!(preview.added, 2),
        _ => panic!("expected the preview"),
    }
    write(3);
    app.update(Action::Confirm);
    assert_eq!(app.store.student_count().unwrap(), before, "the previewed 2 pupils became 3 unseen");
    match &app.modal {
        Some(canbao::tui::modal::Modal::Message(m)) => assert!(m.error, "{:?}", m.lines),
        _ => panic!("expected a message"),
    }
}

/// The filters a read-only instance keeps over the writer's saves still pick the same class and category:
/// the writer's import of a class that comes first in roster order renumbers the classes.
#[test]
fn read_only_keeps_its_filters_on_the_same_class_over_the_writers_import() {
    let (_dir, path, mut app) = read_only_app(Language::Zh);
    let chosen = app.data.classes.len() - 1;
    let label = app.data.classes[chosen].clone();
    app.set_filters(|f| f.class = Some(chosen as u32));
    let shown = app.roster.shown().len();
    assert!(shown > 0);

    let mut writer = Store::open(&path).expect("writer");
    writer.set_fixed_clock(NOW);
    let csv = "学校,姓名,身份证号码,年级,班级\n柳州市示范小学,新同学,11010520150101002X,一年级,0班\n";
    let sheets = canbao::io::table::read_bytes(csv.as_bytes(), "new.csv").expect("csv");
    let today = writer.today();
    let inputs = vec![canbao::io::class_list::Input::Sheets("new.csv".into(), sheets)];
    let report =
        canbao::io::class_list::import_inputs(&mut writer, inputs, None, "本校", today, false).expect("import");
    assert_eq!(report.added, 1);
    app.update(Action::Tick);
    let now = app.roster.filters().class.map(|c| app.data.classes[c as usize].clone());
    assert_eq!(now.as_deref(), Some(label.as_str()), "classes now {:?}", app.data.classes);
    assert_eq!(app.roster.shown().len(), shown);
}

/// A read-only instance showing a pupil's page keeps showing that pupil when the writer's save takes them out
/// of the filtered list, as the writer's own detail screen does, rather than jumping to the next pupil.
#[test]
fn read_only_detail_stays_on_its_pupil_when_the_writer_moves_them_out_of_the_filter() {
    let (_dir, path, mut app) = read_only_app(Language::Zh);
    app.set_filters(|f| f.enrollment = Some(Enrollment::Unknown));
    app.update(Action::Down);
    let id = app.selected_id().expect("pupil");
    app.update(Action::OpenDetail);
    assert_eq!(app.detail.as_ref().map(|d| d.student.id), Some(id));

    let mut writer = Store::open(&path).expect("writer");
    writer.set_fixed_clock(NOW);
    writer.set_enrollment(id, Enrollment::Elsewhere, None).expect("mark");
    app.update(Action::Tick);
    let detail = app.detail.as_ref().expect("still open");
    assert_eq!(detail.student.id, id, "the page still shows the pupil it showed");
    assert_eq!(detail.student.enrollment, Enrollment::Elsewhere, "as the writer saved them");
}

#[test]
fn palette() {
    snap("palette", |app| {
        app.update(Action::Palette);
        type_text(app, "dc");
    });
}

#[test]
fn policy_screen() {
    snap("policies", |app| {
        app.update(Action::Palette);
        type_text(app, "policy");
        app.update(Action::Confirm);
        app.update(Action::Down);
    });
}

/// The palette finds the same commands by Chinese, pinyin initials and English, and runs the highlighted one.
#[test]
fn the_palette_finds_by_chinese_initials_and_english_and_runs_the_choice() {
    for query in ["导出台账", "dctz", "export ledgers"] {
        let mut app = app(Language::Zh);
        app.update(Action::Palette);
        type_text(&mut app, query);
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Path(prompt)) = &app.modal else { panic!("{query}: no folder prompt") };
        assert_eq!(prompt.purpose, canbao::tui::modal::PathPurpose::ExportForm(canbao::tui::palette::Form::Ledgers));
    }
}

/// Every form is exported from the TUI into the folder given, and the dialog names each file in full.
#[test]
fn ledgers_exported_from_the_palette() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(Language::Zh);
    app.update(Action::Palette);
    type_text(&mut app, "export ledgers");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Path(prompt)) = &mut app.modal else { panic!("prompt") };
    prompt.input.set(&dir.path().display().to_string());
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no report: {:?}", app.status) };
    let written: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").collect();
    assert!(!written.is_empty());
    // Each file named in full; below them, why 应缴金额 is empty (the sample drive has no policy).
    let (files, notes): (Vec<&String>, Vec<&String>) = m.lines.iter().partition(|l| l.starts_with("已导出"));
    assert!(!files.is_empty() && files.iter().all(|l| l.contains(&dir.path().display().to_string())), "{:?}", m.lines);
    assert_eq!(notes, ["未缴费台账的应缴金额未填：未选定保费政策（台账中已注明）"], "{:?}", m.lines);
}

/// The screen's report of the ledgers says why the 未缴费 ledger's 应缴金额 is empty, as the ledger's own line does:
/// no policy chosen (the sample drive), or every payment window closed (a 2024 drive under yibin-2024 on
/// 2026-11-23), in the screen's language and on one row of the report at 80 columns, where it named only the
/// files. The sheet's name offered under that policy carries its city, as its title does.
#[test]
fn the_ledgers_report_says_why_amounts_due_are_empty() {
    for lang in [Language::Zh, Language::En] {
        let mut closed = store(true);
        in_year(&mut closed, 2024);
        closed.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
        let mut closed = App::new(closed, &options(lang, Some("测试"))).expect("app");
        closed.update(Action::Resize(80, 24));
        for (case, mut app) in [("no_policy", app(lang)), ("windows_closed", closed)] {
            let dir = tempfile::tempdir().expect("dir");
            app.start_form_export(canbao::tui::palette::Form::Ledgers, dir.path().to_path_buf());
            let Some(canbao::tui::modal::Modal::Message(m)) = &mut app.modal else { panic!("{}", screen(&app)) };
            // The report and the status line name the files in full: the test's folder, said as one that is the
            // same on every run.
            let folder = std::fs::canonicalize(dir.path()).expect("folder").display().to_string();
            m.lines = m.lines.iter().map(|l| l.replace(&folder, "/导出")).collect();
            if let Some(status) = &mut app.status {
                status.text = status.text.replace(&folder, "/导出");
                status.path = status.path.as_ref().map(|p| p.replace(&folder, "/导出"));
            }
            let (said, why) = match (lang, case) {
                (Language::Zh, "no_policy") => ("未缴费台账的应缴金额未填", "未选定保费政策（台账中已注明）"),
                (Language::Zh, _) => ("未缴费台账的应缴金额未填", "缴费期已于 2024-12-31 结束（台账中已注明）"),
                (Language::En, "no_policy") => ("unpaid ledger leaves amounts due empty", "no policy chosen"),
                (Language::En, _) => ("unpaid ledger leaves amounts due empty", "payment closed 2024-12-31"),
            };
            let shown = screen(&app);
            let row = line_starting(&shown, said);
            assert!(row.trim_end().ends_with(why), "{shown}");
            assert!(unicode_width::UnicodeWidthStr::width(row) <= 80, "{shown}");
            insta::assert_snapshot!(format!("ledgers_report_{case}_{}", lang_name(lang)), shown);
            if case == "windows_closed" {
                app.modal = None;
                app.update(Action::Export);
                let Some(canbao::tui::modal::Modal::Path(prompt)) = &app.modal else { panic!("{}", screen(&app)) };
                assert!(
                    prompt.input.text().contains("-2024年度-宜宾市在校学生信息表-20261123"),
                    "{}",
                    prompt.input.text()
                );
            }
        }
    }
}

/// Reconciliation in the TUI: a preview that changes nothing, then Enter applies it.
/// The agency's feedback in the TUI's preview: a row its status says 未登记 is listed and not marked, and a number
/// nobody holds names the pupil of that name held with a flagged number, masked.
#[test]
fn agency_preview_lists_unregistered_rows_and_the_flagged_pupil_of_the_same_name() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(Language::Zh);
    let pupils = app.store.students(&Default::default()).expect("list");
    let sun = pupils.iter().find(|s| s.name == "孙语").expect("孙语").clone();
    let flagged = pupils.iter().find(|s| s.id_problem.is_some() && s.id_number.len() == 18).expect("flagged").clone();
    let first17 = "45020220170101123";
    let valid = format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()));
    let agency = dir.path().join("agency.csv");
    let text = format!("姓名,证件号码,参保状态\n孙语,{},未登记\n{},{valid},已登记\n", sun.id_number, flagged.name);
    std::fs::write(&agency, text).expect("write");
    app.update(Action::Palette);
    type_text(&mut app, "reconcile agency");
    app.update(Action::Confirm);
    type_text(&mut app, &agency.display().to_string());
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::ReconcilePreview { lines, .. }) = &app.modal else { panic!("no preview") };
    assert!(lines.iter().any(|l| l.contains("第 2 行") && l.contains("孙语") && l.contains("未登记")), "{lines:?}");
    let masked = canbao::domain::id_number::mask(&flagged.id_number);
    let hint = lines.iter().find(|l| l.contains("同名学生")).expect("the flagged pupil is named");
    assert!(hint.contains(&flagged.name) && hint.contains(&masked) && !hint.contains(&flagged.id_number), "{hint}");
    app.update(Action::Confirm);
    assert_eq!(app.store.student(sun.id).expect("s").enrollment, Enrollment::Unknown, "未登记 is not marked");
}

/// The tax office's list at `tax` opened from the palette: the preview's lines.
fn tax_list_previewed(app: &mut App, tax: &std::path::Path) -> Vec<String> {
    app.update(Action::Palette);
    type_text(app, "reconcile tax");
    app.update(Action::Confirm);
    type_text(app, &tax.display().to_string());
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::ReconcilePreview { lines, .. }) = &app.modal else { panic!("no preview") };
    lines.clone()
}

/// The school's own class list picked as the tax office's list (a hurried ↓ Enter in the picker, which opens in
/// the class lists' folder): refused before any preview, saying what the file looks like and what a tax list
/// holds; nobody is marked paid. Read as a tax list it would have marked every pupil on it 已缴费.
#[test]
fn a_class_list_picked_as_the_tax_list_is_refused_before_the_preview() {
    let mut app = app(Language::Zh);
    let paid = |app: &App| {
        app.store
            .students(&Default::default())
            .expect("list")
            .iter()
            .filter(|s| s.payment != PaymentStatus::Unpaid)
            .count()
    };
    let before = paid(&app);
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/sample-school.csv");
    app.update(Action::Palette);
    type_text(&mut app, "reconcile tax");
    app.update(Action::Confirm);
    type_text(&mut app, &sample.display().to_string());
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no refusal: {:?}", app.status) };
    assert!(m.error);
    let text = m.lines.join("\n");
    assert!(text.contains("不是税务缴费名单") && text.contains("班级名单") && text.contains("缴费金额"), "{text}");
    app.update(Action::Confirm);
    assert_eq!(paid(&app), before);
}

#[test]
fn reconcile_from_the_palette_previews_then_applies() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(Language::Zh);
    let sun =
        app.store.students(&Default::default()).expect("list").into_iter().find(|s| s.name == "孙语").expect("孙语");
    let tax = dir.path().join("tax.csv");
    std::fs::write(&tax, format!("姓名,证件号码,缴费金额,缴费日期\n孙语,{},380,2023-10-08\n", sun.id_number))
        .expect("write");
    let lines = tax_list_previewed(&mut app, &tax);
    assert!(lines.iter().any(|l| l.contains("已更新 1")), "{lines:?}");
    assert_eq!(app.store.student(sun.id).expect("s").payment, PaymentStatus::Unpaid, "a preview changes nothing");
    app.update(Action::Confirm);
    let s = app.store.student(sun.id).expect("s");
    assert_eq!((s.payment, s.enrollment), (PaymentStatus::Paid, Enrollment::Here));
    let row = app.data.index_of(sun.id).expect("row");
    assert_eq!(app.data.rows[row].payment, PaymentStatus::Paid, "the roster shows the reconciled status");
}

/// Another school's tax list (none of its rows a pupil of the drive), which `canbao reconcile` refuses without
/// `--keep-unmatched`: the preview says so first, and Enter asks, No by default, where one Enter kept its payments
/// in the drive's history for good. A stray Enter, twice, keeps nothing and goes back to the preview; Yes keeps them.
#[test]
fn a_tax_list_that_matches_no_pupil_is_asked_no_by_default() {
    use canbao::tui::modal::Modal;
    for (lang, note, said) in [
        (Language::Zh, "像是另一所学校的税务缴费名单", "像是另一所学校的名单"),
        (Language::En, "it looks like another school's tax list", "it looks like another school's"),
    ] {
        let dir = tempfile::tempdir().expect("dir");
        let mut app = app(lang);
        let tax = dir.path().join("other-school.csv");
        let rows = "姓名,证件号码,缴费金额,缴费日期\n陈宁涵,110105201801010115,380,2023-10-10\n\
                    华凯鹏,11010520170202022X,380,2023-10-10\n";
        std::fs::write(&tax, rows).expect("write");
        let audit = app.store.audit_count().expect("audit");
        let lines = tax_list_previewed(&mut app, &tax);
        assert!(lines.iter().any(|l| l.contains(note)), "{lang:?}: {lines:?}");
        for _ in 0..2 {
            app.update(Action::Confirm);
            let Some(Modal::Confirm(question)) = &app.modal else { panic!("{lang:?}: asked\n{}", screen(&app)) };
            assert!(!question.yes, "No is the default");
            assert!(question.question.contains(said), "{}", question.question);
            app.update(Action::Confirm);
            finish_job(&mut app);
            assert!(matches!(app.modal, Some(Modal::ReconcilePreview { .. })), "back to the preview\n{}", screen(&app));
            assert_eq!(app.store.audit_count().expect("audit"), audit, "{lang:?}: nothing kept");
        }
        app.update(Action::Confirm);
        app.update(Action::Yes);
        finish_job(&mut app);
        assert!(app.store.audit_count().expect("audit") > audit, "{lang:?}: kept on Yes");
    }
}

/// A payment on the tax list under another name is not recorded: the preview says it would be kept, the report
/// says it is, 检查名单 lists it (the number masked) and the pupil's history says it in words, in either language.
#[test]
fn a_tax_payment_not_recorded_is_kept_listed_by_the_check_and_in_the_history() {
    let dir = tempfile::tempdir().expect("dir");
    for (lang, preview, done, in_check, in_history) in [
        (
            Language::Zh,
            "执行核对后将保存",
            "已保存在修改记录中",
            "税务已缴费、名单未记入：[1] 孙雨",
            "税务名单的缴费未记入：孙雨",
        ),
        (
            Language::En,
            "once reconciled, kept",
            "kept in the drive's history",
            "paid at the tax office, not recorded here: [1] 孙雨",
            "reconciled a payment on the tax list",
        ),
    ] {
        let mut app = app(lang);
        app.update(Action::Resize(140, 30));
        let sun = app.store.students(&Default::default()).expect("list").into_iter().find(|s| s.name == "孙语");
        let sun = sun.expect("孙语");
        let tax = dir.path().join("tax.csv");
        std::fs::write(&tax, format!("姓名,证件号码,缴费金额,缴费日期\n孙雨,{},380,2023-10-08\n", sun.id_number))
            .expect("write");
        let lines = tax_list_previewed(&mut app, &tax);
        let said = |lines: &[String], words: &str| {
            lines.iter().filter(|l| canbao::words::in_language(l, lang).contains(words)).count()
        };
        assert_eq!(said(&lines, preview), 1, "{lines:?}");
        app.update(Action::Confirm);
        finish_job(&mut app);
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no report: {:?}", app.status) };
        assert_eq!(said(&m.lines, done), 1, "{:?}", m.lines);
        app.update(Action::Confirm);
        app.update(Action::Palette);
        type_text(&mut app, "check");
        app.update(Action::Confirm);
        finish_job(&mut app);
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no report: {:?}", app.status) };
        let line =
            m.lines.iter().find(|l| unreferenced(l).contains(in_check)).unwrap_or_else(|| panic!("{:?}", m.lines));
        let masked = canbao::domain::id_number::mask(&sun.id_number);
        assert!(line.contains(&masked) && line.contains("380") && line.contains("tax.csv"), "{line}");
        app.update(Action::Confirm);
        let shown = detail_of(&mut app.store, lang, "孙语");
        assert!(shown.contains(in_history) && !shown.contains("payment_unapplied"), "{shown}");
    }
}

/// A top-up on the tax list (the same pupil on a second row) is previewed as one payment of the sum, and the
/// drive then holds what the preview said.
#[test]
fn a_top_up_on_the_tax_list_is_previewed_and_applied_as_the_sum() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(Language::Zh);
    let sun =
        app.store.students(&Default::default()).expect("list").into_iter().find(|s| s.name == "孙语").expect("孙语");
    let tax = dir.path().join("tax.csv");
    let id = &sun.id_number;
    let text = format!("姓名,证件号码,缴费金额,缴费日期\n孙语,{id},200,2023-10-08\n孙语,{id},180,2023-10-20\n");
    std::fs::write(&tax, text).expect("write");
    let lines = tax_list_previewed(&mut app, &tax);
    let summed = lines.iter().find(|l| l.contains("多笔缴费")).expect("the two payments are named");
    assert!(summed.contains("第 2、3 行") && summed.contains("200 + 180") && summed.contains("合计 380"), "{summed}");
    app.update(Action::Confirm);
    let s = app.store.student(sun.id).expect("s");
    let day = chrono::NaiveDate::from_ymd_opt(2023, 10, 20);
    assert_eq!(
        (s.payment, s.payment_details.amount_fen, s.payment_details.paid_on),
        (PaymentStatus::Paid, Some(38_000), day)
    );
}

/// A preview's long lines wrap between English words, so they take more rows than their width alone says: the
/// box and the scroll count the rows as drawn, and Down reaches the end of the last line, whole.
#[test]
fn the_last_line_of_a_reconcile_preview_is_reached_whole() {
    let dir = tempfile::tempdir().expect("dir");
    for (lang, rows) in [(Language::En, 3), (Language::En, 40), (Language::Zh, 40)] {
        let mut app = app(lang);
        app.update(Action::Resize(120, 40));
        // A long name with spaces: each line wraps between its words.
        let word = "taxofficelistofpupilspaidinautumnterm2026";
        let tax = dir.path().join(format!("{word} {word} {word}.csv"));
        let mut text = "姓名,证件号码,缴费金额,缴费日期\n".to_owned();
        for i in 0..rows {
            text.push_str(&format!("无此人{i},,380,2023-10-08\n"));
        }
        text.push_str("合计：共计缴费人数与金额以税务系统导出为准（制表人：李老师，复核人：王老师）,,,\n");
        std::fs::write(&tax, text).expect("write");
        app.update(Action::Palette);
        type_text(&mut app, "reconcile tax");
        app.update(Action::Confirm);
        type_text(&mut app, &tax.display().to_string());
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::ReconcilePreview { lines, .. }) = &app.modal else { panic!("no preview") };
        let last = lines.last().expect("lines").clone();
        for _ in 0..200 {
            app.update(Action::Down);
        }
        let shown = screen(&app);
        let tail = canbao::words::in_language(&last, lang).split_whitespace().last().expect("words").to_owned();
        assert!(shown.contains(&tail), "{last}\n{shown}");
        // Up moves at once: Down stopped at the last row.
        app.update(Action::Up);
        assert_eq!(screen(&app) != shown, rows > 3, "{rows}");
    }
}

/// Choosing a policy in the TUI records it in the drive and quotes with it.
#[test]
fn choosing_a_policy_in_the_tui() {
    let mut app = app(Language::Zh);
    app.update(Action::Palette);
    type_text(&mut app, "政策");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Policies { list, .. }) = &app.modal else { panic!("no policy screen") };
    let yibin = list.iter().position(|p| p.name == "yibin-2024").expect("yibin");
    for _ in 0..yibin {
        app.update(Action::Down);
    }
    app.update(Action::Confirm);
    // A 2024 policy on a drive of this year: asked first.
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &mut app.modal else { panic!("not asked") };
    c.yes = true;
    app.update(Action::Confirm);
    assert_eq!(app.store.meta(canbao::tui::POLICY_META_KEY).expect("meta").as_deref(), Some("yibin-2024"));
    assert_eq!(app.policy.as_ref().map(|p| p.name.as_str()), Some("yibin-2024"));
}

/// On a second laptop (the drive copied from the one whose config folder holds the drive's policy yibin-2027), the
/// policy screen lists the drive's copy of it, highlighted as the one in use; Enter on another city's, another
/// year's policy asks first (No keeps the drive's), and switching keeps the copy listed, to be chosen again.
#[test]
fn the_policy_screen_on_a_second_laptop_lists_the_drives_copy_and_asks_before_another_city() {
    let mut store = store(true);
    in_year(&mut store, 2027);
    let renewed = common::yibin_2027(40000);
    store.keep_policy_text("yibin-2027", &renewed).expect("copy");
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2027").expect("meta");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(100, 30));
    assert_eq!(app.policy.as_ref().map(|p| p.name.as_str()), Some("yibin-2027"));
    let open = |app: &mut App| {
        app.update(Action::Palette);
        type_text(app, "policy");
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Policies { list, cursor }) = &app.modal else { panic!("no policy screen") };
        (list.iter().map(|p| p.name.clone()).collect::<Vec<_>>(), *cursor)
    };
    let (names, cursor) = open(&mut app);
    assert_eq!(names.get(cursor).map(String::as_str), Some("yibin-2027"), "{names:?} at {cursor}");
    assert!(screen(&app).contains("yibin-2027"), "{}", screen(&app));
    assert!(screen(&app).contains("数据文件中保存的副本"), "{}", screen(&app));
    // Top: liuzhou-2021, another city's policy of another year.
    app.update(Action::Top);
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("not asked: {}", screen(&app)) };
    assert!(
        c.question.contains("柳州") && c.question.contains("宜宾") && c.question.contains("2021"),
        "{}",
        c.question
    );
    app.update(Action::Back);
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Policies { .. })), "No goes back to the list");
    assert_eq!(app.store.meta(canbao::tui::POLICY_META_KEY).expect("meta").as_deref(), Some("yibin-2027"));
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &mut app.modal else { panic!("not asked again") };
    c.yes = true;
    app.update(Action::Confirm);
    assert_eq!(app.store.meta(canbao::tui::POLICY_META_KEY).expect("meta").as_deref(), Some("liuzhou-2021"));
    // The drive's copy is still there to go back to.
    let (names, cursor) = open(&mut app);
    assert_eq!(names.get(cursor).map(String::as_str), Some("liuzhou-2021"), "{names:?}");
    let back = names.iter().position(|n| n == "yibin-2027").expect("the drive's copy stays listed");
    app.update(Action::Top);
    for _ in 0..back {
        app.update(Action::Down);
    }
    app.update(Action::Confirm);
    // Asked, the drive being under 柳州's policy now.
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &mut app.modal else { panic!("not asked") };
    assert!(c.question.contains("宜宾") && !c.question.contains("年度的政策"), "{}", c.question);
    c.yes = true;
    app.update(Action::Confirm);
    assert_eq!(app.policy.as_ref().map(|p| (p.name.as_str(), p.personal_premium_fen)), Some(("yibin-2027", 40000)));
}

/// The hint that the drive's policy has no payment window today is read whole on the status line at 80 columns,
/// under each shipped policy (the longest title 「柳州市2021年度（困难、特殊人群）」) and in both languages, where it was
/// cut before saying what to do (「…按 : 选「政策：生成..」).
#[test]
fn the_stale_policy_hint_fits_the_status_line_at_80_columns() {
    for name in canbao::domain::policy::PolicySet::builtin().names() {
        for lang in [Language::Zh, Language::En] {
            let mut store = store(true);
            store.set_meta(canbao::tui::POLICY_META_KEY, name).expect("meta");
            let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
            app.update(Action::Resize(80, 24));
            let status = status_text(&app);
            assert!(status.contains("不含今天") || status.contains("no payment window today"), "{name}: {status}");
            assert!(screen(&app).contains(&status), "{name} cut:\n{}", screen(&app));
        }
    }
}

/// This year's policy from the TUI: written to the config folder, then listed.
#[test]
fn making_this_years_policy_in_the_tui() {
    let config = tempfile::tempdir().expect("dir");
    let mut options = options(Language::Zh, Some("测试"));
    options.config_dir = Some(config.path().to_owned());
    let mut store = store(true);
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(80, 24));
    assert!(app.status.as_ref().is_some_and(|s| s.text.contains("不含今天的缴费期")), "{:?}", app.status);
    app.update(Action::Palette);
    type_text(&mut app, "policy new");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::NewPolicy(form)) = &app.modal else { panic!("no form") };
    assert_eq!((form.base.as_str(), form.name.text(), form.year.text()), ("yibin-2024", "yibin-2027", "2027"));
    app.update(Action::Backspace);
    app.update(Action::Backspace);
    app.update(Action::Backspace);
    type_text(&mut app, "400");
    app.update(Action::Confirm);
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Message(_))));
    assert!(config.path().join("policies/yibin-2027.toml").is_file());
    app.update(Action::Confirm);
    app.update(Action::Palette);
    type_text(&mut app, "政策：查看");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Policies { list, .. }) = &app.modal else { panic!("no policy screen") };
    let new = list.iter().find(|p| p.name == "yibin-2027").expect("listed");
    assert_eq!((new.insured_year, new.personal_premium_fen), (2027, 40000));
}

/// Esc in 生成本年度政策 opened from the policy list steps back one level, to the list with the same policy
/// highlighted, where it closed the policy screen and a following `n` opened the roster's note editor; opened
/// from the palette, Esc closes it as before.
#[test]
fn esc_in_the_new_policy_form_goes_back_to_the_policy_list() {
    use canbao::tui::modal::Modal;
    let mut app = app(Language::Zh);
    app.update(Action::Palette);
    type_text(&mut app, "policy");
    app.update(Action::Confirm);
    app.update(Action::Down);
    let Some(Modal::Policies { cursor, list }) = &app.modal else { panic!("no policy screen") };
    let (cursor, base) = (*cursor, list[*cursor].name.clone());
    app.update(Action::New);
    let Some(Modal::NewPolicy(form)) = &app.modal else { panic!("no form: {:?}", app.status) };
    assert_eq!(form.base, base);
    app.update(Action::Back);
    let Some(Modal::Policies { cursor: back, .. }) = &app.modal else { panic!("not the list:\n{}", screen(&app)) };
    assert_eq!(*back, cursor, "the same policy highlighted");
    app.update(Action::New);
    assert!(matches!(app.modal, Some(Modal::NewPolicy(_))), "n is the list's again, not the note editor");
    app.update(Action::Back);
    app.update(Action::Back);
    assert!(app.modal.is_none());

    app.update(Action::Palette);
    type_text(&mut app, "policy new");
    app.update(Action::Confirm);
    if matches!(app.modal, Some(Modal::NewPolicy(_))) {
        app.update(Action::Back);
        assert!(app.modal.is_none(), "from the palette Esc closes the form");
    }
}

/// Several files picked with Space go into one import; a PDF named .xlsx is named for what it is.
#[test]
fn the_file_picker_imports_several_files_at_once_and_names_what_is_not_a_table() {
    let dir = tempfile::tempdir().expect("dir");
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for name in ["utf8_bom.csv", "gbk_title.csv"] {
        std::fs::copy(fixtures.join(name), dir.path().join(name)).expect("copy");
    }
    std::fs::write(dir.path().join("通知.xlsx"), b"%PDF-1.7").expect("pdf");
    std::fs::write(dir.path().join("notes.docx.txt.bak"), b"x").expect("other");
    let mut app = App::new(store(false), &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(100, 30));
    app.update(Action::Back);
    app.update(Action::Import);
    app.update(Action::Paste(format!("'{}'", dir.path().display())));
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Files(p)) = &app.modal else { panic!("no picker") };
    let names: Vec<&str> = p.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["..", "gbk_title.csv", "utf8_bom.csv", "通知.xlsx"], "spreadsheets only");
    // The PDF is refused by what it is.
    app.update(Action::Bottom);
    for _ in 0..3 {
        app.update(Action::Down);
    }
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Files(p)) = &app.modal else { panic!("still the picker") };
    assert!(p.error.as_deref().is_some_and(|e| e.contains("这是 PDF 文件，不是表格")), "{:?}", p.error);
    // Tick both lists, then Enter: one import of both.
    app.update(Action::Up);
    app.update(Action::Up);
    app.update(Action::Input(' '));
    app.update(Action::Input(' '));
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::ImportPreview { preview, .. }) = &app.modal else {
        panic!("no preview: {:?}", app.status)
    };
    assert_eq!(preview.added, 33, "{preview:?}");
    // One list names its school in its title, the other names none: that one's school is asked, not 「本校」,
    // offered as the school the batch names (a new drive has none of its own to offer).
    assert_eq!(preview.without_school, 10);
    let Some(canbao::tui::modal::Modal::ImportPreview { school: Some(school), .. }) = &mut app.modal else {
        panic!("the school is asked")
    };
    assert_eq!(school.text(), "柳州市某某小学");
    school.set("");
    app.update(Action::Confirm);
    assert!(app.status.as_ref().is_some_and(|s| s.error && s.text.contains("学校名称")), "{:?}", app.status);
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::ImportPreview { .. })), "nothing imported yet");
    type_text(&mut app, "柳州市某某小学");
    app.update(Action::Confirm);
    assert_eq!(app.data.len(), 33);
    assert_eq!(app.store.schools().expect("schools"), ["柳州市某某小学"], "one school, as the lists are");
}

/// A workbook with a password to open is named as such by the picker, before an import is tried.
#[test]
fn the_file_picker_says_a_workbook_has_a_password_to_open() {
    let mut app = app(Language::Zh);
    app.update(Action::Import);
    type_text(&mut app, concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/password.xlsx"));
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Files(p)) = &app.modal else { panic!("no picker") };
    let error = p.error.clone().expect("error");
    assert!(error.starts_with("此工作簿设有打开密码") && error.ends_with("password.xlsx"), "{error}");
}

#[test]
fn the_file_picker_says_a_missing_file_in_words() {
    let mut app = app(Language::Zh);
    app.update(Action::Import);
    type_text(&mut app, "/no/such/folder/名单.xlsx");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Files(p)) = &app.modal else { panic!("no picker") };
    let error = p.error.clone().expect("error");
    assert!(error.starts_with("找不到文件") && !error.contains("os error"), "{error}");
}

/// A class typed in the correction form as teachers shorten it (三2 for 三年级2班) is the class the import and
/// `--class` read it as: the pupil joins the school's 三年级2班, with no question about a new class.
#[test]
fn a_class_typed_with_its_grade_shortened_joins_the_schools_class() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    assert_ne!(app.store.student(id).expect("s").class_label(), "三年级2班", "the pupil moves");
    app.update(Action::OpenDetail);
    app.update(Action::EditIdentity);
    let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
    form.fields[2].set("三2");
    app.update(Action::Confirm);
    assert!(app.modal.is_none(), "saved without asking: {:?}", app.modal.as_ref().map(|_| "a modal"));
    let s = app.store.student(id).expect("s");
    assert_eq!((s.grade.as_str(), s.class.as_str()), ("三年级", "2班"));
}

/// A number corrected with `E` that the tax office's list holds a payment for, kept unrecorded because nobody held
/// the number when the list was read: the saved line says the payment waits and to reconcile the list again, as
/// `check` and the forms' 备注 do, where before it said only 「已保存」. Whole at 80 columns, in either language.
#[test]
fn a_corrected_number_a_held_tax_payment_names_says_to_reconcile_again() {
    use canbao::domain::unapplied::{KeptPayment, UnappliedPayment, UnappliedReason};
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        let id = app.selected_id().expect("pupil");
        let pupil = app.store.student(id).expect("s");
        let number = yibin_number("20180611", "251");
        let record = UnappliedPayment {
            year: app.store.shown_year(),
            ..UnappliedPayment::for_test(
                &pupil.name,
                38_000,
                chrono::NaiveDate::from_ymd_opt(2026, 11, 15),
                ("税务.xlsx", 3),
                UnappliedReason::UnknownNumber,
            )
        };
        let kept = canbao::store::Unapplied {
            always: vec![KeptPayment { student_id: None, id_number: number.clone(), record }],
            if_refused: Vec::new(),
        };
        app.store.apply_reconciliation("reconcile", &[], &[], &kept, &[], Default::default()).expect("kept");
        app.update(Action::OpenDetail);
        app.update(Action::EditIdentity);
        let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
        form.fields[1].set(&number);
        app.update(Action::Confirm);
        assert!(app.modal.is_none(), "saved");
        assert_eq!(app.store.student(id).expect("s").id_number, number);
        let said = match lang {
            Language::En => "Saved; a tax payment under this number is not recorded: reconcile again",
            _ => "已保存；税务名单中有此号码的缴费尚未记入：请重新核对税务名单",
        };
        assert!(screen(&app).contains(said), "{lang:?}\n{}", screen(&app));
    }
}

/// A number corrected with `E` that a held tax payment names and that also replaces the sex held (stated by a
/// list, kept while the number failed the check): the saved line says both, the sex set by the number and the
/// payment waiting for the list to be reconciled again, where before only the sex was said. Whole at 80 columns,
/// in either language.
#[test]
fn a_corrected_number_that_changes_the_sex_still_says_a_held_tax_payment_waits() {
    use canbao::domain::id_number::Sex;
    use canbao::domain::unapplied::{KeptPayment, UnappliedPayment, UnappliedReason};
    for lang in [Language::Zh, Language::En] {
        // A list's pupil without an ID number, its 性别 stated: a valid number of the other sex replaces it.
        let mut store = common::store(false);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("day");
        let row = canbao::store::Incoming {
            school: "测试小学".into(),
            school_given: true,
            name: "陈七".into(),
            id_raw: String::new(),
            id: canbao::domain::id_number::check("", today),
            grade: "一年级".into(),
            class: "1班".into(),
            phone: String::new(),
            ethnicity: String::new(),
            address: String::new(),
            status: Default::default(),
            categories: Vec::new(),
            note: String::new(),
            source: "名单.csv:2".into(),
            repeat: None,
            birth_date: None,
            sex: Some(Sex::Male),
        };
        store.apply_import(&[row], &["名单.csv".into()], 0, false).expect("imported");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        let id = app.selected_id().expect("pupil");
        let pupil = app.store.student(id).expect("s");
        // The 17th digit even: a girl's number.
        let (seq, sex) = ("252", ("女", "female"));
        let number = yibin_number("20180611", seq);
        let record = UnappliedPayment {
            year: app.store.shown_year(),
            ..UnappliedPayment::for_test(
                &pupil.name,
                38_000,
                chrono::NaiveDate::from_ymd_opt(2026, 11, 15),
                ("税务.xlsx", 3),
                UnappliedReason::UnknownNumber,
            )
        };
        let kept = canbao::store::Unapplied {
            always: vec![KeptPayment { student_id: None, id_number: number.clone(), record }],
            if_refused: Vec::new(),
        };
        app.store.apply_reconciliation("reconcile", &[], &[], &kept, &[], Default::default()).expect("kept");
        app.update(Action::OpenDetail);
        app.update(Action::EditIdentity);
        let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
        form.fields[1].set(&number);
        app.update(Action::Confirm);
        assert!(app.modal.is_none(), "saved");
        assert_eq!(app.store.student(id).expect("s").id_number, number);
        let said = match lang {
            Language::En => format!("Saved; sex set to {} by the number; a tax payment waits: reconcile again", sex.1),
            _ => format!("已保存；性别按号码改为{}，请核对；此号码的税务缴费尚未记入：请重新核对税务名单", sex.0),
        };
        assert!(screen(&app).contains(&said), "{lang:?}\n{}", screen(&app));
    }
}

/// From the detail screen: the name, number, class and phone corrected, audited and undone as one edit; a
/// number another pupil holds is refused in the form; a bad number is kept and flagged, as on import.
#[test]
fn a_pupils_identity_is_corrected_from_the_detail_screen_and_undone() {
    let mut app = app(Language::Zh);
    let pupils = app.store.students(&Default::default()).expect("list");
    let (first, other) = (pupils[0].clone(), pupils[1].clone());
    let id = app.selected_id().expect("pupil");
    assert_eq!(id, first.id);
    app.update(Action::OpenDetail);
    app.update(Action::EditIdentity);
    let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
    form.fields[0].set("何思远");
    form.fields[2].set("2班");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("a class with no grade") };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("看不出年级")), "{:?}", form.error);
    form.fields[1].set(&other.id_number);
    form.fields[2].set("初一(2)班");
    app.update(Action::Confirm);
    // A class the school does not have is asked about once (see the test below).
    app.update(Action::Yes);
    let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("refused in the form") };
    assert!(form.error.is_some(), "another pupil's number is refused");
    assert_eq!(app.store.student(id).expect("s").name, first.name, "nothing written");
    // A number whose check character is wrong: saved, flagged.
    let mut bad = first.id_number.clone();
    let last = if bad.ends_with('0') { '1' } else { '0' };
    bad.pop();
    bad.push(last);
    form.fields[1].set(&bad);
    app.update(Action::Confirm);
    // Over a valid number, asked first (see the test below).
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Confirm(_))), "asked");
    app.update(Action::Yes);
    assert!(app.modal.is_none());
    let s = app.store.student(id).expect("s");
    assert_eq!(s.name, "何思远");
    assert_eq!(s.id_number, bad);
    assert!(!s.id_valid(), "flagged as on import");
    assert!(app.status.as_ref().is_some_and(|st| st.error && st.text.contains("身份证号码有问题")), "{:?}", app.status);
    let history = app.store.history(id).expect("history");
    assert!(history.iter().any(|e| e.field == "name" && e.new.as_deref() == Some("何思远")));
    assert_eq!(app.detail.as_ref().map(|d| d.student.name.as_str()), Some("何思远"), "the screen shows it");
    // Search finds the new name at once.
    app.update(Action::Undo);
    let s = app.store.student(id).expect("s");
    assert_eq!(
        (s.name.as_str(), s.id_number.as_str(), s.id_valid()),
        (first.name.as_str(), first.id_number.as_str(), true)
    );
    app.update(Action::Redo);
    assert_eq!(app.store.student(id).expect("s").name, "何思远");
}

/// `E` never erases a valid number: Ctrl-U on it and Enter is refused in the form, nothing saved. A number that
/// fails the check over a valid one is asked (No the default), No going back to the number as typed; a valid
/// number over a valid one is saved as before.
#[test]
fn the_identity_form_keeps_a_valid_number_from_being_erased_or_mistyped_unasked() {
    use canbao::tui::identity::IdentityField;
    use canbao::tui::modal::Modal;
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        let id = app.selected_id().expect("pupil");
        let held = app.store.student(id).expect("s").id_number;
        assert!(app.store.student(id).expect("s").id_valid());
        app.update(Action::OpenDetail);
        app.update(Action::EditIdentity);
        app.update(Action::NextField);
        app.update(Action::ClearLine);
        app.update(Action::Confirm);
        let Some(Modal::Identity(form)) = &mut app.modal else { panic!("{lang:?}: refused in the form") };
        let said = match lang {
            Language::Zh => "身份证号码不能清空",
            Language::En => "The ID number cannot be erased",
        };
        assert!(form.error.as_deref().is_some_and(|e| e.contains(said)), "{lang:?}: {:?}", form.error);
        assert_eq!(form.focus, IdentityField::IdNumber);
        assert_eq!(app.store.student(id).expect("s").id_number, held, "{lang:?}: nothing written");

        // One digit typed wrong: asked, and No goes back to the form with the number as typed.
        let typo = format!("{}{}", &held[..17], if held.ends_with('9') { '0' } else { '9' });
        type_text(&mut app, &typo);
        app.update(Action::Confirm);
        let shown = screen(&app);
        let Some(Modal::Confirm(question)) = &app.modal else { panic!("{lang:?}: asked\n{shown}") };
        assert!(!question.yes, "No is the default");
        assert!(question.question.contains(&typo), "{}", question.question);
        app.update(Action::Back);
        let Some(Modal::Identity(form)) = &app.modal else { panic!("{lang:?}: back to the form") };
        assert_eq!((form.focus, form.fields[1].text()), (IdentityField::IdNumber, typo.as_str()));
        assert_eq!(app.store.student(id).expect("s").id_number, held, "{lang:?}: nothing written");
        // Asked again on the next Enter; Yes saves it, flagged.
        app.update(Action::Confirm);
        assert!(matches!(app.modal, Some(Modal::Confirm(_))), "{lang:?}: asked again");
        app.update(Action::Yes);
        assert!(app.modal.is_none(), "{lang:?}");
        let s = app.store.student(id).expect("s");
        assert_eq!((s.id_number.as_str(), s.id_valid()), (typo.as_str(), false));
        // Back to the valid number, then another valid one: saved at once, nothing asked.
        app.update(Action::Undo);
        let other = app.store.students(&Default::default()).expect("list")[1].id_number.clone();
        let fresh = format!("{}{}", &other[..16], if other.as_bytes()[16] == b'8' { '7' } else { '8' });
        let fresh = format!("{fresh}{}", canbao::domain::id_number::check_char(fresh.as_bytes()));
        app.update(Action::EditIdentity);
        app.update(Action::NextField);
        app.update(Action::ClearLine);
        type_text(&mut app, &fresh);
        app.update(Action::Confirm);
        assert!(app.modal.is_none(), "{lang:?}: saved unasked\n{}", screen(&app));
        let s = app.store.student(id).expect("s");
        assert_eq!((s.id_number.as_str(), s.id_valid()), (fresh.as_str(), true), "{lang:?}");
    }
}

/// `E` on a pupil whose number a spreadsheet rounded (flagged, though 511502201512179000 happens to pass the
/// check digit): a number that fails the check is saved, flagged, without asking to replace a "valid" number,
/// which the rounded one is not.
#[test]
fn the_identity_form_does_not_call_a_flagged_number_valid() {
    use canbao::tui::modal::Modal;
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        let id = find_pupil(&mut app, "孙语");
        let rounded = "511502201512179000";
        let set = "UPDATE students SET id_number = ?1, id_problem = 'precision_lost' WHERE id = ?2";
        assert_eq!(app.store.connection().execute(set, rusqlite::params![rounded, id]).expect("flag"), 1);
        app.update(Action::OpenDetail);
        app.update(Action::EditIdentity);
        app.update(Action::NextField);
        app.update(Action::ClearLine);
        let typo = "51150220151217926";
        type_text(&mut app, typo);
        app.update(Action::Confirm);
        if let Some(Modal::Confirm(question)) = &app.modal {
            panic!("{lang:?}: asked of a flagged number: {}", question.question);
        }
        assert!(app.modal.is_none(), "{lang:?}: saved\n{}", screen(&app));
        let s = app.store.student(id).expect("s");
        assert_eq!((s.id_number.as_str(), s.id_valid()), (typo, false), "{lang:?}");
    }
}

/// `E`: ↑ stops at 姓名 (it does not wrap round to 联系电话), and a phone that is not a phone number is refused
/// in the form, nothing saved; a mobile or a landline with its area code is saved.
#[test]
fn the_identity_form_stops_at_the_top_and_checks_the_phone() {
    use canbao::tui::identity::IdentityField;
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    let before = app.store.student(id).expect("s");
    app.update(Action::OpenDetail);
    app.update(Action::EditIdentity);
    app.update(Action::NextField);
    app.update(Action::Up);
    app.update(Action::Up);
    let Some(canbao::tui::modal::Modal::Identity(form)) = &app.modal else { panic!("no form") };
    assert_eq!(form.focus, IdentityField::Name, "↑ stops at the first field");
    app.update(Action::ClearLine);
    type_text(&mut app, "黎萱阳");
    let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
    assert_eq!(form.fields[0].text(), "黎萱阳");
    assert_eq!(form.fields[3].text(), before.phone, "the phone untouched");
    for bad in ["黎萱阳", "12345", "1381234567890", "138-abc-5678"] {
        let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("refused in the form") };
        form.fields[3].set(bad);
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Identity(form)) = &app.modal else { panic!("{bad} saved") };
        let error = form.error.clone().unwrap_or_default();
        assert!(error.contains(&format!("联系电话「{bad}」")), "{bad}: {error}");
        assert_eq!(form.focus, IdentityField::Phone);
        assert_eq!(app.store.student(id).expect("s").phone, before.phone, "nothing written for {bad}");
    }
    // A parent's ID number, however spaced, is refused by the importer's rule and masked in the words.
    for parent in ["450203198801011237", "4502 0319 8801 0112 37"] {
        let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("refused in the form") };
        form.fields[3].set(parent);
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Identity(form)) = &app.modal else { panic!("{parent} saved") };
        let error = form.error.clone().unwrap_or_default();
        assert!(error.contains("联系电话「4502**********1237」") && error.contains("身份证号码"), "{parent}: {error}");
        assert_eq!(app.store.student(id).expect("s").phone, before.phone, "nothing written for {parent}");
    }
    // Saved as the importer keeps a phone: digits only, a landline's area code kept apart.
    for (good, kept) in [("0831-12345678", "0831-12345678"), ("138 1234 5678", "13812345678")] {
        let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else {
            app.update(Action::EditIdentity);
            let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
            form.fields[3].set(good);
            app.update(Action::Confirm);
            assert_eq!(app.store.student(id).expect("s").phone, kept);
            continue;
        };
        form.fields[3].set(good);
        app.update(Action::Confirm);
        assert!(app.modal.is_none(), "{good} saved");
        assert_eq!(app.store.student(id).expect("s").phone, kept);
    }
    assert_eq!(app.store.student(id).expect("s").name, "黎萱阳");
}

/// A worker thread's connection (export, check, backup, reconcile) never opens the drive or its `-wal`/`-shm`
/// outside SQLite: closing such a handle would drop this process's locks, and a second canbao reading the
/// drive would then delete the WAL the screen is still writing into. After a job, a `find` in another process,
/// then a mark here: the next `find` sees the mark.
#[test]
fn marks_after_a_background_job_stay_visible_to_other_processes() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("drive.db");
    let mut writer = Store::open(&path).expect("store");
    canbao::demo::load_sample(&mut writer).expect("sample");
    let mut app = App::new(writer, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    let find = |number: &str| -> serde_json::Value {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_canbao"))
            .arg("--db")
            .arg(&path)
            .args(["find", number, "--json"])
            .env_remove("CANBAO_DB")
            .output()
            .expect("find");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("json")
    };
    app.start(canbao::tui::jobs::Work::Check { policy: None });
    finish_job(&mut app);
    app.update(Action::Back);
    let id = app.selected_id().expect("pupil");
    let number = app.store.student(id).expect("s").id_number;
    assert_eq!(find(&number)[0]["payment"], "unpaid");
    app.update(Action::ToggleGovernment);
    app.update(Action::Yes);
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Government);
    assert_eq!(find(&number)[0]["payment"], "government", "another process sees what the screen saved");
    assert!(dir.path().join("drive.db-wal").exists(), "the screen's WAL is still there");
}

/// The palette's 学校改名 up to Enter on a new name typed after the old one (the field opens holding it).
fn rename_school_to(app: &mut App, appended: &str) {
    app.update(Action::Palette);
    type_text(app, "school");
    app.update(Action::Confirm);
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::RenameSchool { .. })), "no form");
    type_text(app, appended);
    app.update(Action::Confirm);
}

/// Every pupil's school changes: asked first with 否 by default, as any change to many pupils; the rename is
/// one edit `u` undoes.
#[test]
fn a_school_is_renamed_from_the_palette_after_a_question_and_undone() {
    let mut app = app(Language::Zh);
    let old = app.schools[0].clone();
    let new = format!("{old}二小");
    rename_school_to(&mut app, "二小");
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("not asked: {:?}", app.status) };
    assert!(c.question.starts_with(&format!("将 360 名学生的学校由「{old}」改为「{new}」？")), "{}", c.question);
    assert!(!c.yes, "否 by default");
    assert_eq!(app.store.schools().expect("schools"), [old.as_str()], "nothing renamed before the answer");
    // The second Enter is the question's: 否, and nothing opens behind it.
    app.update(Action::Confirm);
    assert_eq!(app.store.schools().expect("schools"), [old.as_str()]);
    assert!(app.modal.is_none() && app.detail.is_none(), "no pupil opened");
    assert_eq!(app.status.as_ref().map(|s| s.text.as_str()), Some("已取消，未作修改"));

    rename_school_to(&mut app, "二小");
    app.update(Action::Yes);
    assert_eq!(app.schools, [new.as_str()]);
    assert_eq!(app.store.schools().expect("schools"), [new.as_str()]);
    assert_eq!(app.data.len(), 360);
    let status = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert_eq!(status, format!("已改名：{old} -> {new}（360 人），按 u 可撤销"));

    app.update(Action::Undo);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("undo not asked") };
    assert_eq!(c.question, "撤销对 360 名学生的上一次修改？");
    app.update(Action::Yes);
    assert_eq!(app.store.schools().expect("schools"), [old.as_str()], "undone");
    assert_eq!(app.schools, [old.as_str()], "the screen's school list too");
    let id = app.selected_id().expect("pupil");
    let history = app.store.history(id).expect("history");
    assert!(history.iter().any(|e| e.action == "undo" && e.field == "school" && e.new.as_deref() == Some(&old)));
    app.update(Action::Redo);
    app.update(Action::Yes);
    assert_eq!(app.store.schools().expect("schools"), [new]);
}

/// On a drive file the rename runs on the worker behind a working notice, which takes the keys meant for it:
/// an Enter pressed while it runs opens no pupil.
#[test]
fn a_school_rename_runs_on_the_worker_and_keys_do_not_fall_through() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("drive.db");
    let mut store = Store::open(&path).expect("store");
    canbao::demo::load_sample(&mut store).expect("sample");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    rename_school_to(&mut app, "二小");
    app.update(Action::Yes);
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Working(_))), "{:?}", app.status);
    assert_eq!(app.status.as_ref().map(|s| s.text.as_str()), Some("正在改名"));
    app.update(Action::Confirm);
    app.update(Action::Confirm);
    assert!(app.detail.is_none(), "Enter went to the notice, not the roster");
    finish_job(&mut app);
    assert!(app.schools[0].ends_with("二小"), "{:?}", app.schools);
    assert!(app.detail.is_none());
    assert!(app.modal.is_none());
}

#[test]
fn rename_school_question() {
    snap("rename_school_question", |app| rename_school_to(app, "二小"));
}

/// Left goes to 否 and Right to 是, the sides the buttons are drawn on, and the question's footer says so in both
/// languages, where it said "Right 切换" as if Right flipped the answer.
#[test]
fn a_question_footer_says_where_left_and_right_go() {
    for (lang, left, right) in [(Language::Zh, "Left 选否", "Right 选是"), (Language::En, "Left to No", "Right to Yes")]
    {
        let mut app = app(lang);
        rename_school_to(&mut app, "二小");
        let shown = screen(&app);
        assert!(shown.contains(left) && shown.contains(right), "{lang:?}:\n{shown}");
        assert!(!shown.contains("切换") && !shown.contains("switch"), "{lang:?}:\n{shown}");
    }
}

#[test]
fn ctrl_u_empties_a_path_typed_over_a_default() {
    let mut app = app(Language::Zh);
    app.update(Action::Export);
    app.update(Action::ClearLine);
    type_text(&mut app, "/tmp/表.xlsx");
    let Some(canbao::tui::modal::Modal::Path(prompt)) = &app.modal else { panic!("prompt") };
    assert_eq!(prompt.input.text(), "/tmp/表.xlsx");
}

/// Another laptop's copy merged from the palette: a preview that changes nothing, then Enter merges.
#[test]
fn a_merge_from_the_palette_previews_then_merges() {
    let dir = tempfile::tempdir().expect("dir");
    let ours_path = dir.path().join("ours.db");
    let theirs_path = dir.path().join("theirs.db");
    let mut ours = Store::open(&ours_path).expect("store");
    canbao::demo::load_sample(&mut ours).expect("sample");
    ours.backup_to(&theirs_path).expect("copy");
    let mut theirs = Store::open(&theirs_path).expect("theirs");
    theirs.set_operator("另一台").expect("operator");
    let pupil = theirs.students(&Default::default()).expect("list")[0].clone();
    theirs.set_payment(pupil.id, PaymentStatus::Government, &Default::default()).expect("mark");
    drop(theirs);
    let mut app = App::new(ours, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    app.update(Action::Palette);
    type_text(&mut app, "merge");
    app.update(Action::Confirm);
    type_text(&mut app, &theirs_path.display().to_string());
    app.update(Action::Confirm);
    finish_job(&mut app);
    let Some(canbao::tui::modal::Modal::MergePreview { lines, .. }) = &app.modal else { panic!("no preview") };
    assert!(lines.iter().any(|l| l.contains("更新 1")), "{lines:?}");
    assert_eq!(app.store.student(pupil.id).expect("s").payment, PaymentStatus::Unpaid, "a preview changes nothing");
    app.update(Action::Confirm);
    finish_job(&mut app);
    assert_eq!(app.store.student(pupil.id).expect("s").payment, PaymentStatus::Government);
    let row = app.data.index_of(pupil.id).expect("row");
    assert_eq!(app.data.rows[row].payment, PaymentStatus::Government, "the roster shows the merged status");
}

/// The merge's report counts the other laptop's history rows it copied in, as `canbao merge` does (复制修改记录 N
/// 条, "N audit rows copied"), in the preview and once merged, in both languages; before, the screen left it out.
#[test]
fn a_merges_report_counts_the_history_rows_it_copied() {
    for lang in [Language::Zh, Language::En] {
        let dir = tempfile::tempdir().expect("dir");
        let (ours_path, theirs_path) = (dir.path().join("ours.db"), dir.path().join("theirs.db"));
        let mut ours = Store::open(&ours_path).expect("store");
        canbao::demo::load_sample(&mut ours).expect("sample");
        ours.backup_to(&theirs_path).expect("copy");
        let mut theirs = Store::open(&theirs_path).expect("theirs");
        theirs.set_operator("另一台").expect("operator");
        let pupils = theirs.students(&Default::default()).expect("list");
        for pupil in &pupils[..2] {
            theirs.set_payment(pupil.id, PaymentStatus::Government, &Default::default()).expect("mark");
        }
        // The rows the other laptop wrote since the copy, which only it holds.
        let copied = theirs.audit_count().expect("audit") - ours.audit_count().expect("audit");
        assert!(copied >= 2, "{copied}");
        drop(theirs);
        let mut app = App::new(ours, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(120, 40));
        app.update(Action::Palette);
        type_text(&mut app, "merge");
        app.update(Action::Confirm);
        type_text(&mut app, &theirs_path.display().to_string());
        app.update(Action::Confirm);
        finish_job(&mut app);
        let preview = screen(&app);
        app.update(Action::Confirm);
        finish_job(&mut app);
        let said = match lang {
            Language::Zh => format!("复制修改记录 {copied} 条"),
            Language::En => format!("{copied} audit rows copied"),
        };
        assert!(preview.contains(&said), "{said}\n{preview}");
        let merged = screen(&app);
        assert!(merged.contains(&said), "{said}\n{merged}");
    }
}

/// A family payment the other laptop recorded on a date no payment for the drive's year can have (2020, under a
/// drive of liuzhou-2023): the merge preview and the merge's report list it with why, as `canbao merge` does, in
/// both languages; the merge keeps it as recorded there.
#[test]
fn a_merge_preview_and_report_list_a_payment_it_brings_dated_outside_the_year() {
    use canbao::domain::student::PaymentDetails;
    for (lang, said) in [
        (Language::Zh, "对方记录的缴费日期不属于本年度"),
        (Language::En, "paid there on a date outside the insured year"),
    ] {
        let dir = tempfile::tempdir().expect("dir");
        let (ours_path, theirs_path) = (dir.path().join("ours.db"), dir.path().join("theirs.db"));
        let mut ours = Store::open(&ours_path).expect("store");
        canbao::demo::load_sample(&mut ours).expect("sample");
        ours.set_meta("policy", "liuzhou-2023").expect("policy");
        ours.backup_to(&theirs_path).expect("copy");
        let pupil = ours.students(&Default::default()).expect("list")[0].clone();
        let mut theirs = Store::open(&theirs_path).expect("theirs");
        theirs.set_operator("另一台").expect("operator");
        let paid_on = chrono::NaiveDate::from_ymd_opt(2020, 10, 1);
        let details = PaymentDetails { amount_fen: Some(35_000), paid_on, channel: None };
        theirs.set_payment(pupil.id, PaymentStatus::Paid, &details).expect("paid there");
        drop(theirs);
        let mut app = App::new(ours, &options(lang, Some("测试"))).expect("app");
        assert!(app.policy.is_some());
        app.update(Action::Resize(120, 40));
        app.start(canbao::tui::jobs::Work::Merge {
            file: theirs_path.clone(),
            dry_run: true,
            policy: app.policy.clone(),
        });
        finish_job(&mut app);
        let Some(canbao::tui::modal::Modal::MergePreview { lines, .. }) = &app.modal else { panic!("no preview") };
        let listed = |lines: &[String]| {
            lines.iter().any(|l| l.contains(said) && l.contains(&pupil.name) && l.contains("2020-10-01"))
        };
        assert!(listed(lines), "{lines:?}");
        app.update(Action::Confirm);
        finish_job(&mut app);
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no report") };
        assert!(listed(&m.lines), "{:?}", m.lines);
        assert_eq!(app.store.student(pupil.id).expect("s").payment_details.paid_on, paid_on, "kept as recorded there");
    }
}

/// The merge preview says first that the other file is of another school with no history in common (it is
/// where the operator confirms the merge), and names the policy the merge takes; once merged, the screen works
/// under that policy.
#[test]
fn a_merge_preview_warns_of_another_school_and_the_merge_takes_its_policy() {
    let dir = tempfile::tempdir().expect("dir");
    let (ours_path, theirs_path) = (dir.path().join("ours.db"), dir.path().join("theirs.db"));
    let mut ours = Store::open(&ours_path).expect("store");
    canbao::demo::load_sample(&mut ours).expect("sample");
    let school = ours.schools().expect("schools")[0].clone();
    let mut theirs = Store::open(&theirs_path).expect("theirs");
    theirs.set_operator("另一所").expect("operator");
    canbao::demo::load_sample(&mut theirs).expect("sample");
    theirs.rename_school(&school, "柳州市第二小学").expect("rename");
    theirs.set_meta("policy", "yibin-2024").expect("policy");
    drop(theirs);
    let mut app = App::new(ours, &options(Language::Zh, Some("测试"))).expect("app");
    assert!(app.policy.is_none());
    app.update(Action::Resize(120, 40));
    app.start(canbao::tui::jobs::Work::Merge { file: theirs_path.clone(), dry_run: true, policy: app.policy.clone() });
    finish_job(&mut app);
    let Some(canbao::tui::modal::Modal::MergePreview { lines, .. }) = &app.modal else { panic!("no preview") };
    assert!(lines.iter().any(|l| l.contains("对方数据文件的学校（柳州市第二小学）不是本数据文件的学校")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("没有共同的修改记录")), "{lines:?}");
    // No common history, which `canbao merge` refuses without --no-common-history: the preview asks.
    assert!(
        lines.iter().any(|l| l.contains("请先确认对方是同一所学校") && l.contains("再按 Enter 并选「是」合并")),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.contains("已采用对方的 yibin-2024")), "{lines:?}");
    app.update(Action::Confirm);
    app.update(Action::Yes);
    finish_job(&mut app);
    assert_eq!(app.policy.as_ref().map(|p| p.name.as_str()), Some("yibin-2024"), "the screen took the policy");
}

/// The screen opened on `ours`, the merge of `theirs` previewed, then Enter on the preview: asked, No by default,
/// in words holding `said` (the screen kept as snapshot `snapshots.0`, if named); a stray Enter, twice, merges
/// nothing and goes back to the preview, saying so whole (the screen at 80 columns kept as `snapshots.1`); Yes
/// merges. `case` names the case in the failures.
fn merge_asked_no_by_default(
    ours: Store,
    theirs: &std::path::Path,
    lang: Language,
    said: &str,
    snapshots: (Option<String>, Option<String>),
    case: &str,
) {
    let (snapshot, snapshot_no) = snapshots;
    use canbao::tui::modal::Modal;
    let audit = ours.audit_count().expect("audit");
    let mut app = App::new(ours, &options(lang, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    app.start(canbao::tui::jobs::Work::Merge { file: theirs.to_owned(), dry_run: true, policy: None });
    finish_job(&mut app);
    assert!(matches!(app.modal, Some(Modal::MergePreview { .. })), "{}", screen(&app));
    for round in 0..2 {
        app.update(Action::Confirm);
        let shown = screen(&app);
        let Some(Modal::Confirm(question)) = &app.modal else { panic!("{case}: asked\n{shown}") };
        assert!(!question.yes, "No is the default");
        assert!(question.question.contains(said), "{}", question.question);
        if let (Some(name), 0) = (&snapshot, round) {
            insta::assert_snapshot!(name.as_str(), shown);
        }
        app.update(Action::Confirm);
        finish_job(&mut app);
        assert!(matches!(app.modal, Some(Modal::MergePreview { .. })), "back to the preview\n{}", screen(&app));
        assert_eq!(app.store.audit_count().expect("audit"), audit, "{case}: nothing merged");
        // What No did is read whole over the preview, where the preview covered all but 「已取消，未」 of it.
        let said = app.status.as_ref().expect("status").text.clone();
        for width in [120, 80] {
            app.update(Action::Resize(width, 24));
            let shown = screen(&app);
            assert!(shown.contains(&said), "{case}: {said} at {width} columns\n{shown}");
        }
        if let (Some(name), 0) = (&snapshot_no, round) {
            // The preview names the other file whole: its temporary folder, one length, said as one name.
            let folder = theirs.parent().and_then(|d| d.to_str()).expect("folder");
            let placeholder = format!("/tmp/.tmp{}", "X".repeat(folder.len().saturating_sub(9)));
            insta::assert_snapshot!(name.as_str(), screen(&app).replace(folder, &placeholder));
        }
    }
    app.update(Action::Confirm);
    app.update(Action::Yes);
    finish_job(&mut app);
    assert!(app.store.audit_count().expect("audit") > audit, "{case}: merged on Yes");
}

/// Enter on the preview of a merge `canbao merge` refuses without a flag (another school's drive, or this
/// school's imported apart: no history in common) asks first, No by default, naming what the merge does: a
/// stray Enter, or two, merge nothing, and No goes back to the preview. Yes merges.
#[test]
fn a_merge_the_command_line_refuses_without_a_flag_is_asked_no_by_default() {
    for (other_school, lang, said) in [
        (true, Language::Zh, "身份证号码相同的学生将改属对方的学校"),
        (false, Language::Zh, "两个数据文件没有共同的修改记录：合并会把对方的学生并入本数据文件"),
        (true, Language::En, "its pupils who share ID numbers with ours move to its school"),
        (false, Language::En, "the other file's pupils join this drive"),
    ] {
        let dir = tempfile::tempdir().expect("dir");
        let (ours_path, theirs_path) = (dir.path().join("ours.db"), dir.path().join("theirs.db"));
        let mut ours = Store::open(&ours_path).expect("store");
        ours.set_fixed_clock(NOW);
        canbao::demo::load_sample(&mut ours).expect("sample");
        let school = ours.schools().expect("schools")[0].clone();
        let mut theirs = Store::open(&theirs_path).expect("theirs");
        theirs.set_fixed_clock(NOW);
        theirs.set_operator("另一台").expect("operator");
        canbao::demo::load_sample(&mut theirs).expect("sample");
        if other_school {
            theirs.rename_school(&school, "柳州市第二小学").expect("rename");
        }
        let pupil = theirs.students(&Default::default()).expect("list")[0].clone();
        theirs.set_payment(pupil.id, PaymentStatus::Government, &Default::default()).expect("mark");
        drop(theirs);
        let snapshot = (!other_school).then(|| format!("merge_no_common_history_asked_{}", lang_name(lang)));
        // The preview of another school's drive fills the screen, over the status line.
        let snapshot_no = other_school.then(|| format!("merge_other_school_no_{}", lang_name(lang)));
        let snapshots = (snapshot, snapshot_no);
        merge_asked_no_by_default(ours, &theirs_path, lang, said, snapshots, &format!("{lang:?} {other_school}"));
    }
}

/// A merge that finds the other laptop's clock ahead of this one (`canbao merge` refuses it without
/// `--accept-clock`) is asked on Enter, No by default, where one Enter merged.
#[test]
fn a_merge_with_a_clock_found_wrong_is_asked_no_by_default() {
    for (lang, said) in
        [(Language::Zh, "时钟不准会让较旧的修改盖过较新的"), (Language::En, "a wrong clock lets older changes win")]
    {
        let dir = tempfile::tempdir().expect("dir");
        let (ours_path, theirs_path) = (dir.path().join("ours.db"), dir.path().join("theirs.db"));
        let mut ours = Store::open(&ours_path).expect("store");
        canbao::demo::load_sample(&mut ours).expect("sample");
        ours.backup_to(&theirs_path).expect("copy");
        let mut theirs = Store::open(&theirs_path).expect("theirs");
        theirs.set_operator("另一台").expect("operator");
        // Three hours ahead of this laptop's clock now (the merge runs on a worker of its own, by the clock).
        let ahead = (chrono::Local::now() + chrono::Duration::hours(3)).to_rfc3339();
        theirs.set_fixed_clock(&ahead);
        let pupil = theirs.students(&Default::default()).expect("list")[0].clone();
        theirs.set_payment(pupil.id, PaymentStatus::Government, &Default::default()).expect("mark");
        drop(theirs);
        merge_asked_no_by_default(ours, &theirs_path, lang, said, (None, None), &format!("{lang:?} clock"));
    }
}

/// A merge where the other laptop marked 不参保 a pupil paid for here: the preview and the report word it as
/// `canbao merge` does (the statuses in words, both times, 「未采用 …：与缴费矛盾」), in both languages.
#[test]
fn a_merge_conflict_is_worded_as_the_command_line_words_it() {
    for (lang, expected) in [
        (Language::Zh, ["「参保状态」：保留 在校参保（已缴费，", "），未采用 不参保（", "）：与缴费矛盾"]),
        (
            Language::En,
            ["\"enrollment\": kept at school (paid, ", "); declined (", ") not applied: it contradicts the payment"],
        ),
    ] {
        let dir = tempfile::tempdir().expect("dir");
        let (ours_path, theirs_path) = (dir.path().join("ours.db"), dir.path().join("theirs.db"));
        let mut ours = Store::open(&ours_path).expect("store");
        canbao::demo::load_sample(&mut ours).expect("sample");
        ours.backup_to(&theirs_path).expect("copy");
        let pupil = ours.students(&Default::default()).expect("list")[0].clone();
        let mut theirs = Store::open(&theirs_path).expect("theirs");
        theirs.set_operator("另一台").expect("operator");
        ours.set_payment(pupil.id, PaymentStatus::Paid, &Default::default()).expect("paid");
        // A second later, so the 不参保 is the newer change.
        std::thread::sleep(Duration::from_millis(1100));
        theirs.set_enrollment(pupil.id, Enrollment::Declined, Some("已在老家参保")).expect("declined");
        drop(theirs);
        let mut app = App::new(ours, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        app.start(canbao::tui::jobs::Work::Merge {
            file: theirs_path.clone(),
            dry_run: true,
            policy: app.policy.clone(),
        });
        finish_job(&mut app);
        let Some(canbao::tui::modal::Modal::MergePreview { lines, .. }) = &app.modal else { panic!("no preview") };
        let line = lines.iter().find(|l| l.contains(&pupil.name)).cloned().unwrap_or_else(|| panic!("{lines:?}"));
        for part in expected {
            assert!(line.contains(part), "{part} in {line}");
        }
        // Each side says when, to the second: 2026-12-02 20:10:34.
        let times = line.split(|c: char| !(c.is_ascii_digit() || c == '-' || c == ':' || c == ' ')).filter(|p| {
            let p = p.trim();
            p.len() == 19 && p.as_bytes()[4] == b'-' && p.as_bytes()[13] == b':'
        });
        assert_eq!(times.count(), 2, "{line}");
        assert!(!line.contains("here") && !line.contains("「declined」"), "{line}");
        app.update(Action::Confirm);
        finish_job(&mut app);
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no report") };
        let line = m.lines.iter().find(|l| l.contains(&pupil.name)).cloned().unwrap_or_default();
        assert!(expected.iter().all(|part| line.contains(part)), "{line}");
    }
}

/// A payment taken here and a 财政代缴 the other laptop marked later without knowing of it: the preview and the
/// report say the payment was kept over the later change, each line naming it, and the payment stays. Two
/// payments recorded apart with two amounts: the newer is kept, and its line asks to check with the tax office.
#[test]
fn a_merge_preview_says_a_payment_was_kept_over_a_later_change_and_two_amounts_to_check() {
    use canbao::domain::student::PaymentDetails;
    let paid = |yuan: i64| PaymentDetails { amount_fen: Some(yuan * 100), ..Default::default() };
    let cases = [
        (
            Language::Zh,
            PaymentStatus::Government,
            PaymentDetails::default(),
            "已记录的缴费保留，未被较晚的修改覆盖：1 笔",
            ["「缴费状态」：保留 已缴费（", "未采用 财政代缴（", "这是不知道这笔缴费时作的修改，已收的缴费保留"],
            Some(38_000),
        ),
        (
            Language::En,
            PaymentStatus::Government,
            PaymentDetails::default(),
            "Recorded payments kept over a later change the other laptop made without knowing of them: 1",
            ["\"payment\": kept paid (", "gov. paid (", "not applied: it was made without knowing of the payment"],
            Some(38_000),
        ),
        (
            Language::Zh,
            PaymentStatus::Paid,
            paid(200),
            "冲突 1",
            ["「缴费金额」：保留 200.00（", "舍弃 380.00（", "两边记录的缴费金额不同，保留较新的，请向税务核实"],
            Some(20_000),
        ),
    ];
    for (lang, status, details, said, expected, amount) in cases {
        let dir = tempfile::tempdir().expect("dir");
        let (ours_path, theirs_path) = (dir.path().join("ours.db"), dir.path().join("theirs.db"));
        let mut ours = Store::open(&ours_path).expect("store");
        canbao::demo::load_sample(&mut ours).expect("sample");
        ours.backup_to(&theirs_path).expect("copy");
        let pupil = ours.students(&Default::default()).expect("list")[0].clone();
        let mut theirs = Store::open(&theirs_path).expect("theirs");
        theirs.set_operator("另一台").expect("operator");
        ours.set_fixed_clock("2026-11-23T10:00:00+08:00");
        ours.set_payment(pupil.id, PaymentStatus::Paid, &paid(380)).expect("paid");
        theirs.set_fixed_clock("2026-11-23T10:05:00+08:00");
        theirs.set_payment(pupil.id, status, &details).expect("later");
        drop(theirs);
        let mut app = App::new(ours, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(120, 40));
        app.start(canbao::tui::jobs::Work::Merge {
            file: theirs_path.clone(),
            dry_run: true,
            policy: app.policy.clone(),
        });
        finish_job(&mut app);
        let Some(canbao::tui::modal::Modal::MergePreview { lines, .. }) = &app.modal else { panic!("no preview") };
        assert!(lines.iter().any(|l| l.contains(said)), "{said}: {lines:?}");
        let named = |lines: &[String]| {
            lines.iter().any(|l| l.contains(&pupil.name) && expected.iter().all(|part| l.contains(part)))
        };
        assert!(named(lines), "{expected:?}: {lines:?}");
        app.update(Action::Confirm);
        finish_job(&mut app);
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no report") };
        assert!(m.lines.iter().any(|l| l.contains(said)) && named(&m.lines), "{:?}", m.lines);
        let held = app.store.student(pupil.id).expect("s");
        assert_eq!((held.payment, held.payment_details.amount_fen), (PaymentStatus::Paid, amount));
    }
}

/// After an import, `u` does not reach back to an edit made before it (the import may have changed the same
/// fields); bulk `f` says how many family payments it keeps; opening the number in `E` is a reveal.
#[test]
fn undo_stops_at_an_import_and_bulk_government_names_the_payments_it_keeps() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    app.update(Action::EditNote);
    type_text(&mut app, "下午来");
    app.update(Action::Confirm);
    app.update(Action::Import);
    type_text(&mut app, "tests/fixtures/utf8_bom.csv");
    app.update(Action::Confirm);
    app.update(Action::Confirm);
    app.update(Action::Confirm);
    app.update(Action::Undo);
    assert_eq!(app.store.student(id).expect("s").note, "下午来", "the note stays");
    assert_eq!(
        app.status.as_ref().map(|s| s.text.as_str()),
        Some("没有可撤销的修改：导入、核对、合并、恢复或换年度之前的修改已不能撤销")
    );

    app.update(Action::Top);
    app.update(Action::TogglePaid);
    type_text(&mut app, "380");
    app.update(Action::Confirm);
    app.update(Action::ToggleSelect);
    app.update(Action::ToggleSelect);
    app.update(Action::ToggleGovernment);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked") };
    assert!(c.question.contains("另有 1 名已由家庭缴费，保留其缴费记录"), "{}", c.question);
    app.update(Action::Back);

    app.roster.clear_marks();
    app.update(Action::Top);
    let id = app.selected_id().expect("pupil");
    let reveals = |app: &App| app.store.history(id).expect("h").iter().filter(|e| e.action == "reveal").count();
    app.update(Action::OpenDetail);
    let before = reveals(&app);
    app.update(Action::EditIdentity);
    app.update(Action::Down);
    app.update(Action::Left);
    assert!(!app.reveal, "only the form's field is revealed, not the roster");
    assert_eq!(reveals(&app), before + 1, "the number shown is recorded as revealed");
}

/// Editing a pupil's number in `E` reveals that one field, once and recorded; leaving the form leaves the
/// roster masked as it was: no other pupil's number is shown, and the title does not say IDs are shown.
#[test]
fn editing_one_number_does_not_unmask_the_roster() {
    let mut app = app(Language::Zh);
    app.update(Action::Resize(120, 30));
    let pupils = app.store.students(&Default::default()).expect("list");
    let id = app.selected_id().expect("pupil");
    let reveals = |app: &App| app.store.history(id).expect("h").iter().filter(|e| e.action == "reveal").count();
    app.update(Action::OpenDetail);
    app.update(Action::EditIdentity);
    app.update(Action::NextField);
    app.update(Action::Backspace);
    let own = pupils.iter().find(|p| p.id == id).expect("own").id_number.clone();
    assert!(screen(&app).contains(&own[..17]), "the field being edited shows the whole number");
    app.update(Action::NextField);
    app.update(Action::Up);
    assert_eq!(reveals(&app), 1, "revealed once, however often the field gets the focus");
    app.update(Action::Back);
    app.update(Action::Back);
    assert!(app.modal.is_none());
    let shown = screen(&app);
    assert!(!app.reveal);
    assert!(!shown.contains("身份证号已显示"), "{shown}");
    for p in &pupils {
        assert!(!shown.contains(&p.id_number), "{} shown in full:\n{shown}", p.name);
    }
    assert!(shown.contains(&canbao::domain::id_number::mask(&pupils[1].id_number)), "{shown}");
}

/// The reveal `E` records when its number field is edited is in the pupil's history on the detail screen once
/// Esc closes the form (and under the form already), where it showed only after the pupil was opened again.
#[test]
fn the_reveal_in_the_identity_form_shows_in_the_history_after_esc() {
    for (lang, said) in [(Language::Zh, "显示完整身份证号码"), (Language::En, "showed full ID")] {
        for (width, height) in [(80, 24), (120, 40)] {
            let mut app = app(lang);
            app.update(Action::Resize(width, height));
            app.update(Action::OpenDetail);
            let count = |app: &App, what: &str| screen(app).matches(what).count();
            let before = count(&app, said);
            let entries = app.detail.as_ref().expect("detail").history.len();
            app.update(Action::EditIdentity);
            app.update(Action::Down);
            app.update(Action::Input('1'));
            assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Identity(_))), "{}", screen(&app));
            assert_eq!(app.detail.as_ref().expect("detail").history.len(), entries + 1, "under the form");
            app.update(Action::Back);
            assert!(app.modal.is_none(), "{}", screen(&app));
            assert_eq!(app.detail.as_ref().expect("detail").history.len(), entries + 1);
            assert_eq!(count(&app, said), before + 1, "{width}×{height}:\n{}", screen(&app));
        }
    }
}

/// `E`, then Down or Tab through 身份证号码 on the way to the class or the phone: the number stays masked and no
/// reveal is recorded (a phone corrected in front of a parent does not show the child's number); it is shown
/// whole, and the reveal recorded once, when the operator edits it.
#[test]
fn passing_through_the_number_in_the_identity_form_keeps_it_masked() {
    use canbao::tui::modal::Modal;
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        let id = app.selected_id().expect("pupil");
        let number = app.store.student(id).expect("s").id_number;
        let reveals = |app: &App| app.store.history(id).expect("h").iter().filter(|e| e.action == "reveal").count();
        app.update(Action::OpenDetail);
        app.update(Action::EditIdentity);
        app.update(Action::Down);
        let shown = screen(&app);
        assert!(!shown.contains(&number[..9]), "{lang:?}: shown on the way through:\n{shown}");
        assert!(shown.contains(&canbao::domain::id_number::mask(&number)), "{lang:?}:\n{shown}");
        insta::assert_snapshot!(format!("identity_number_passed_{}", lang_name(lang)), shown);
        app.update(Action::NextField);
        app.update(Action::Down);
        app.update(Action::ClearLine);
        type_text(&mut app, "13812345678");
        let shown = screen(&app);
        assert!(!shown.contains(&number[..9]), "{lang:?}: shown at the phone:\n{shown}");
        app.update(Action::Confirm);
        assert!(app.modal.is_none(), "{lang:?}: saved\n{}", screen(&app));
        assert_eq!(app.store.student(id).expect("s").phone, "13812345678");
        assert_eq!(reveals(&app), 0, "{lang:?}: no reveal recorded");
        let shown = screen(&app);
        assert!(!shown.contains("显示完整身份证号码") && !shown.contains("showed full ID"), "{lang:?}:\n{shown}");

        // Editing it shows it whole and records the reveal, once.
        app.update(Action::EditIdentity);
        app.update(Action::NextField);
        assert_eq!(reveals(&app), 0, "{lang:?}");
        app.update(Action::Backspace);
        assert!(screen(&app).contains(&number[..17]), "{lang:?}:\n{}", screen(&app));
        type_text(&mut app, &number[17..]);
        app.update(Action::Down);
        app.update(Action::Up);
        assert!(screen(&app).contains(&number), "{lang:?}:\n{}", screen(&app));
        assert_eq!(reveals(&app), 1, "{lang:?}: recorded once");
        let Some(Modal::Identity(form)) = &app.modal else { panic!("{lang:?}: the form") };
        assert_eq!(form.fields[1].text(), number);
    }
}

/// A corrected number's history line shows both numbers masked, as the ID field is, until `r`.
#[test]
fn a_corrected_numbers_history_is_masked_until_revealed() {
    let mut app = app(Language::Zh);
    app.update(Action::Resize(230, 40));
    let id = app.selected_id().expect("pupil");
    let old = app.store.student(id).expect("pupil").id_number;
    let first17 = "45020220170212073";
    let new = format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()));
    let edit = canbao::store::IdentityEdit { id_number: Some(new.clone()), ..Default::default() };
    app.store.correct_identity(id, &edit).expect("corrected");
    app.update(Action::OpenDetail);
    let shown = screen(&app);
    assert!(shown.contains(&canbao::domain::id_number::mask(&new)), "{shown}");
    assert!(!shown.contains(&new) && !shown.contains(&old), "a number in full:\n{shown}");
    assert!(!shown.contains(&new[..9]) && !shown.contains(&old[..9]), "a number's first digits:\n{shown}");
    app.update(Action::Reveal);
    assert!(screen(&app).contains(&format!("{old} -> {new}")), "{}", screen(&app));
}

/// A quote's judgement calls are shown apart from its rule, marked as what to confirm.
#[test]
fn detail_shows_a_quotes_judgements_apart_from_the_rule() {
    let config = tempfile::tempdir().expect("dir");
    std::fs::create_dir_all(config.path().join("policies")).expect("policies");
    std::fs::write(
        config.path().join("policies/judged-2027.toml"),
        r#"
title = "测试市2027年度"
document = "测试〔2026〕1号"
insured_year = 2027
personal_premium = 400
[[window]]
name = "集中缴费期"
from = 2026-09-01
to = 2027-02-28
clause = "一(二)"
coverage = "year"
[[window.judgement]]
text = "通知未明说待遇期，按2027保险年度计"
text_en = "cover taken as insurance year 2027"
clause = "一(二)"
"#,
    )
    .expect("policy");
    for lang in [Language::Zh, Language::En] {
        let mut store = store(true);
        store.set_meta(canbao::tui::POLICY_META_KEY, "judged-2027").expect("meta");
        let options = Options { config_dir: Some(config.path().to_owned()), ..options(lang, Some("测试")) };
        let mut app = App::new(store, &options).expect("app");
        app.update(Action::Resize(120, 30));
        app.update(Action::OpenDetail);
        let shown = screen(&app);
        let (label, text) = match lang {
            Language::Zh => ("待确认：", "通知未明说待遇期"),
            Language::En => ("To confirm: ", "cover taken as insurance year 2027"),
        };
        let line = shown.lines().find(|l| l.contains(label)).unwrap_or_else(|| panic!("{shown}"));
        assert!(line.contains(text) && line.contains("一(二)"), "{shown}");
        // In the smallest window the reading to confirm still shows, and what does not fit under the fields is
        // said to follow, never cut off without a sign.
        app.update(Action::Resize(80, 24));
        let small = screen(&app);
        assert!(small.contains(label), "{small}");
        let marker = match lang {
            Language::Zh => "说明未完，续见下方",
            Language::En => "(continued below)",
        };
        let rule_whole = small.contains(match lang {
            Language::Zh => "个人缴费",
            Language::En => "Personal premium",
        });
        assert!(rule_whole || small.contains(marker), "{small}");
    }
}

/// At 80x24 the detail screen's notes that do not fit under the fields follow in the history's pane, under a
/// heading naming the key on to the history; every line of them is on screen, and PgDn goes on to the history,
/// PgUp back. Before, they were cut, the last row asking for a larger window, and no key reached them.
#[test]
fn the_detail_notes_at_80x24_are_all_reachable() {
    let config = tempfile::tempdir().expect("config");
    std::fs::create_dir_all(config.path().join("policies")).expect("dir");
    std::fs::write(
        config.path().join("policies/judged-2027.toml"),
        r#"
title = "测试市2027年度"
document = "测试〔2026〕1号"
insured_year = 2027
personal_premium = 400
[[window]]
name = "集中缴费期"
from = 2026-09-01
to = 2027-02-28
clause = "一(二)"
coverage = "year"
[[window.judgement]]
text = "通知未明说待遇期，按2027保险年度计，另请向医保经办机构核实该学生的参保缴费时间与待遇享受期"
text_en = "cover taken as insurance year 2027; confirm the payment window and the period of cover with the agency"
clause = "一(二)"
[[window.judgement]]
text = "通知未明说中途转学学生如何缴费，按在校学生计，请向医保经办机构核实"
text_en = "pupils changing school during the year taken as pupils at school; confirm with the agency"
clause = "一(三)"
"#,
    )
    .expect("policy");
    for lang in [Language::Zh, Language::En] {
        let mut store = store(true);
        store.set_meta(canbao::tui::POLICY_META_KEY, "judged-2027").expect("meta");
        let options = Options { config_dir: Some(config.path().to_owned()), ..options(lang, Some("测试")) };
        let mut app = App::new(store, &options).expect("app");
        app.update(Action::Resize(80, 24));
        app.update(Action::OpenDetail);
        let small = screen(&app);
        let (marker, heading, history, words) = match lang {
            Language::Zh => (
                "说明未完，续见下方",
                "说明（续）：按 PgDn 往下翻，之后是修改记录",
                "修改记录",
                ["医保经办机构核实该学生", "中途转学学生如何缴费", "个人缴费"],
            ),
            Language::En => (
                "(continued below)",
                "Notes (continued): PgDn scrolls on, then the history",
                "History",
                ["the period of cover with", "changing school during the year", "Personal premium"],
            ),
        };
        assert!(small.contains(marker) && small.contains(heading), "{lang:?}: {small}");
        // PgDn pages through the rest of the notes, then on to the history; every note is read on the way
        // (Chinese wraps between characters, English between words).
        let mut read = vec![small.clone()];
        let mut pages = 0;
        while read.last().is_some_and(|page| page.contains(heading)) {
            pages += 1;
            assert!(pages < 10, "{lang:?}: PgDn never reached the history");
            app.update(Action::HistoryOlder);
            read.push(screen(&app));
        }
        let last = read.last().expect("a page");
        assert!(last.contains(history), "{lang:?}: {last}");
        let glue = if lang == Language::Zh { "" } else { " " };
        let joined: String = read.iter().flat_map(|page| page.lines().map(str::trim)).collect::<Vec<_>>().join(glue);
        for word in words {
            assert!(joined.contains(word), "{lang:?} {word}: {}", read.join("\n"));
        }
        for _ in 0..pages {
            app.update(Action::HistoryNewer);
        }
        assert_eq!(screen(&app), small, "{lang:?}: PgUp back to the first page");
        insta::assert_snapshot!(format!("detail_notes_continued_80x24_{}", lang_name(lang)), small);
    }
}

/// The detail screen of the pupil a search for `name` finds first, at `size`, on `store`, given back afterwards.
fn detail_app(store: Store, lang: Language, name: &str, size: (u16, u16)) -> App {
    let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
    app.update(Action::Resize(size.0, size.1));
    app.update(Action::Search);
    type_text(&mut app, name);
    app.update(Action::Confirm);
    app.update(Action::OpenDetail);
    app
}

/// Every row of the detail screen above its history, at 80x24, as the operator reads it: the pane under the title,
/// then each page PgDn turns of what did not fit, until the history shows; the sign that more follows and the
/// heading of the rows continued left out, and all white space, so a row wrapped anywhere reads as one text.
fn detail_read_through(app: &mut App) -> (String, Vec<String>) {
    let (heading, marker) = match app.lang {
        Language::Zh => ("说明（续）", "（说明未完，续见下方）"),
        Language::En => ("Notes (continued)", "(continued below)"),
    };
    let body = |shown: &str| -> Vec<String> {
        // The title's row above; the status line and the footer's two rows below.
        let rows: Vec<&str> = shown.lines().collect();
        rows[1..rows.len() - 3].iter().map(|r| r.to_string()).collect()
    };
    let mut pages = vec![screen(app)];
    let mut read: Vec<String> = Vec::new();
    for row in body(&pages[0]) {
        if row.trim_start().starts_with(heading) {
            break;
        }
        if row.trim() != marker {
            read.push(row);
        }
    }
    while pages.last().is_some_and(|p| p.contains(heading)) {
        assert!(pages.len() < 40, "PgDn never reached the history:\n{}", pages.join("\n"));
        let continued = |page: &str| -> Vec<String> {
            body(page).into_iter().skip_while(|r| !r.trim_start().starts_with(heading)).skip(1).collect()
        };
        read.extend(continued(pages.last().expect("a page")));
        app.update(Action::HistoryOlder);
        pages.push(screen(app));
        if pages[pages.len() - 1] == pages[pages.len() - 2] {
            break;
        }
    }
    let text: String = read.concat().chars().filter(|c| !c.is_whitespace()).collect();
    (text, pages)
}

/// At 80x24 every row of the detail screen above the history is reachable, by PgDn, of a pupil with three
/// categories whose 本市户籍 is to be checked (the amount due, the 户籍's words and the rule each wrap over rows)
/// and a long note, and of one whose family paid before the category was certified: each row a tall window shows is
/// read on one page or another. Before, the note was cut to one row ending in 「..」, and the rule's last rows were
/// lost: below the pane, where the widget wrapped English words the count did not, or past a page's rows.
#[test]
fn every_row_of_a_crowded_detail_is_reachable_at_80x24() {
    let note = "家长说孩子下学期可能转回老家读书，户口本在外婆家，下周一带来学校核对；另已电话联系社区，低保证明正在重新办理，\
                办好后送到一年级1班班主任处，请到时再核实类别并补录缴费信息。END-OF-NOTE";
    let mark =
        |name: &str| canbao::domain::student::CategoryMark {
            name: name.into(), department: "民政".into(), year: None
        };
    for paid_first in [false, true] {
        let mut store = store(true);
        store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
        in_year(&mut store, 2024);
        store.set_fixed_clock("2023-10-10T10:00:00+08:00");
        let id = store.student_by_id_number("450203201811029232").expect("read").expect("许志文").id;
        if paid_first {
            let paid = canbao::domain::student::PaymentDetails {
                amount_fen: Some(38_000),
                paid_on: chrono::NaiveDate::from_ymd_opt(2023, 10, 9),
                channel: None,
            };
            store.set_payment(id, PaymentStatus::Paid, &paid).expect("paid");
        }
        store.set_categories(id, &[mark("特困人员"), mark("低保对象"), mark("孤儿")]).expect("categories");
        store.set_note(id, note).expect("note");
        for lang in [Language::Zh, Language::En] {
            // A window tall enough for all of it: the rows to find at 80x24.
            let mut tall = detail_app(store, lang, "许志文", (100, 80));
            let whole = screen(&tall);
            let history = if lang == Language::Zh { " 修改记录" } else { " History" };
            let wanted: Vec<&str> = whole
                .lines()
                .skip(1)
                .take_while(|r| !r.starts_with(history))
                .filter(|r| !r.trim().is_empty())
                .collect();
            assert!(wanted.len() > 16, "{whole}");
            store = std::mem::replace(&mut tall.store, self::store(false));
            let mut app = detail_app(store, lang, "许志文", (80, 24));
            let (read, pages) = detail_read_through(&mut app);
            let all = pages.join("\n");
            let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            for row in &wanted {
                assert!(read.contains(&squeeze(row)), "{lang:?} paid first {paid_first}: not reached: {row}\n{all}");
            }
            // The last row of each part: the note, the 户籍's words or what the family paid, the rule.
            assert!(read.contains(&squeeze(note)), "{lang:?}: the note, whole\n{all}");
            assert!(!all.contains("END-OF-NO.."), "{all}");
            // PgDn goes on to the history in the end, and PgUp back to where it began.
            assert!(pages.last().is_some_and(|p| p.contains(history.trim())), "{all}");
            for _ in 0..pages.len() {
                app.update(Action::HistoryNewer);
            }
            assert_eq!(screen(&app), pages[0], "{lang:?}: PgUp back to the first page");
            store = std::mem::replace(&mut app.store, self::store(false));
        }
    }
}

/// On the detail screen PgDn and PgUp scroll what did not fit and the history, and Up and Down show the next pupil
/// as on the roster: the footer and the help say so in either language, where before they named only the
/// history's pages and Up and Down were left to the roster's 「move up one row」.
#[test]
fn the_detail_keys_are_said_as_they_act() {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        app.update(Action::OpenDetail);
        let first = app.detail.as_ref().expect("detail").student.id;
        let shown = screen(&app);
        let (footer, help) = match lang {
            Language::Zh => {
                (["PgDn 下翻", "PgUp 上翻", "Down 下一人"], ["上下键：上一人、下一人", "往下翻，先看上方放不下的说明"])
            }
            Language::En => (
                ["PgDn down", "PgUp up", "Down next pupil"],
                ["Up/Down: previous/next pupil", "scroll down, through the notes the screen had"],
            ),
        };
        for hint in footer {
            assert!(shown.contains(hint), "{lang:?} {hint}\n{shown}");
        }
        // Down: the next pupil, said on the status line; PgDn never changes the pupil.
        app.update(Action::HistoryOlder);
        assert_eq!(app.detail.as_ref().expect("detail").student.id, first);
        app.update(Action::Down);
        assert_ne!(app.detail.as_ref().expect("detail").student.id, first);
        app.update(Action::Help);
        // Read page by page, a description wrapped over rows as one text.
        let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let mut read = String::new();
        for _ in 0..12 {
            read.push_str(&squeeze(&screen(&app)));
            app.update(Action::PageDown);
        }
        for said in help {
            assert!(read.contains(&squeeze(said)), "{lang:?} {said}\n{read}");
        }
    }
}

/// With NO_COLOR the screen has no colour, and the selected row is still told apart, by reverse video.
#[test]
fn no_color_shows_the_selection_in_reverse_video() {
    let mut app = app(Language::Zh);
    app.theme = app.theme.clone().without_colour();
    let terminal = render(&app);
    let buffer = terminal.backend().buffer();
    let selected = &buffer[(5, 4)];
    assert!(selected.modifier.contains(ratatui::style::Modifier::REVERSED));
    assert_eq!((selected.fg, selected.bg), (Color::Reset, Color::Reset));
    let other = &buffer[(5, 5)];
    assert!(!other.modifier.contains(ratatui::style::Modifier::REVERSED));
    let coloured = (0..buffer.area.height)
        .flat_map(|y| (0..buffer.area.width).map(move |x| (x, y)))
        .filter(|&(x, y)| buffer[(x, y)].fg != Color::Reset || buffer[(x, y)].bg != Color::Reset)
        .count();
    assert_eq!(coloured, 0, "no colour anywhere");
}

/// Waits for the background job a file drive runs on its worker thread, and hands its outcome to the app.
fn finish_job(app: &mut App) {
    let started = std::time::Instant::now();
    while app.jobs.running().is_some() {
        if let Some(outcome) = app.jobs.poll() {
            app.update(Action::JobDone(Box::new(outcome)));
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the job never finished");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Three days of a drive: the dashboard of a tall terminal draws them as a chart under the classes.
#[test]
fn dashboard_days_chart() {
    snap("dashboard_days_chart", |app| {
        for (day, pupils) in [("2026-09-01", 3), ("2026-09-02", 6), ("2026-09-03", 2)] {
            app.store.set_fixed_clock(&format!("{day}T10:00:00+08:00"));
            for _ in 0..pupils {
                app.update(Action::TogglePaid);
                type_text(app, "380");
                app.update(Action::Confirm);
                app.update(Action::Down);
            }
        }
        app.update(Action::Resize(100, 44));
        app.update(Action::Dashboard);
    });
}

/// A payment cleared on a later day comes off the chart's running totals, so its last point is the drive's own
/// count (it once added every day's payments up, cleared ones and all).
#[test]
fn dashboard_chart_takes_off_a_payment_cleared_later() {
    let mut app = app(Language::Zh);
    app.store.set_fixed_clock("2026-09-01T10:00:00+08:00");
    for _ in 0..3 {
        app.update(Action::TogglePaid);
        type_text(&mut app, "380");
        app.update(Action::Confirm);
        app.update(Action::Down);
    }
    app.store.set_fixed_clock("2026-09-02T10:00:00+08:00");
    app.update(Action::Up);
    app.update(Action::TogglePaid);
    app.update(Action::Yes);
    assert_eq!(app.store.stats(None, None).expect("stats").payment["paid"], 2, "{}", screen(&app));
    app.update(Action::Resize(100, 44));
    app.update(Action::Dashboard);
    let shown = screen(&app);
    assert!(shown.contains("09-01 登记 3 缴费 3   09-02 登记 0 缴费 0"), "{shown}");
    assert!(shown.contains("（累计）  已登记 3  已缴费 2"), "{shown}");
}

/// Two schools that each have a 张伟 in 一年级1班: the roster names each row's school (the part of the name
/// that tells them apart), so the operator can tell the two pupils apart with their numbers masked; a drive of
/// one school has no school column.
#[test]
fn the_roster_names_the_school_on_a_drive_of_several() {
    for lang in [Language::Zh, Language::En] {
        let mut store = store(false);
        let today = store.today();
        for (school, rows) in [
            ("柳州市第一小学", "张伟,450203201909308803,一年级1班\n林彤瑶,450202201911276365,一年级1班\n"),
            ("柳州市第二小学", "张伟,45020320190307775X,一年级1班\n"),
        ] {
            let text = format!("姓名,身份证号码,班级\n{rows}");
            let sheets = canbao::io::table::read_bytes(text.as_bytes(), "list.csv").expect("read");
            let inputs = vec![canbao::io::class_list::Input::Sheets("list.csv".to_owned(), sheets)];
            canbao::io::class_list::import_inputs(&mut store, inputs, Some(school), "本校", today, false)
                .expect("import");
        }
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        let shown = screen(&app);
        let header = if lang == Language::Zh { "学校" } else { "School" };
        assert!(shown.lines().any(|l| l.contains(header)), "{shown}");
        let rows: Vec<&str> = shown.lines().filter(|l| l.contains("张伟")).collect();
        assert_eq!(rows.len(), 2, "{shown}");
        assert!(rows.iter().any(|l| l.contains(" 第一 ")) && rows.iter().any(|l| l.contains(" 第二 ")), "{shown}");
        assert!(rows.iter().all(|l| !l.contains("柳州市")), "the shared 柳州市 and 小学 are left out: {shown}");
        assert!(rows.iter().all(|l| l.contains("一年级1班")), "the class stays whole: {shown}");
    }
    let one = screen(&app(Language::Zh));
    assert!(!one.lines().any(|l| l.contains("学校") && l.contains("姓名")), "{one}");
}

/// Two schools that each have a 一年级1班: the dashboard counts them apart, each line naming its school.
#[test]
fn dashboard_keeps_two_schools_classes_apart() {
    for lang in [Language::Zh, Language::En] {
        let mut store = store(false);
        let today = store.today();
        for (school, rows) in [
            ("柳州市第一小学", "孙语,450203201909308803,一年级1班\n林彤瑶,450202201911276365,一年级1班\n"),
            ("柳州市第二小学", "何轩明,45020320190307775X,一年级1班\n"),
        ] {
            let text = format!("姓名,身份证号码,班级\n{rows}");
            let sheets = canbao::io::table::read_bytes(text.as_bytes(), "list.csv").expect("read");
            let inputs = vec![canbao::io::class_list::Input::Sheets("list.csv".to_owned(), sheets)];
            canbao::io::class_list::import_inputs(&mut store, inputs, Some(school), "本校", today, false)
                .expect("import");
        }
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        app.update(Action::Dashboard);
        let shown = screen(&app);
        let lines: Vec<&str> = shown.lines().filter(|l| l.contains("一年级1班")).collect();
        assert_eq!(lines.len(), 2, "{shown}");
        assert!(lines[0].contains("柳州市第一小学") && lines[0].split_whitespace().nth(2) == Some("2"), "{shown}");
        assert!(lines[1].contains("柳州市第二小学") && lines[1].split_whitespace().nth(2) == Some("1"), "{shown}");
        // The header's words over the bars whole at 80 columns, where they ran off (左：登记率  右：缴费).
        let (label, bars) =
            if lang == Language::Zh { ("班级", "左登记 右缴费") } else { ("Class", "enrolled | paid") };
        assert!(line_starting(&shown, label).ends_with(bars), "{shown}");
        insta::assert_snapshot!(format!("dashboard_two_schools_{}", lang_name(lang)), screen(&app));
    }
}

/// A bulk mark undone a minute later is in no day: 每日进度 and `stats` days count the changes still standing,
/// and a redo brings them back.
#[test]
fn daily_progress_leaves_out_an_undone_bulk_mark() {
    let mut app = app(Language::Zh);
    app.update(Action::TogglePaid);
    type_text(&mut app, "380");
    app.update(Action::Confirm);
    let days = |app: &App| {
        let days = app.store.stats(None, None).expect("stats").days;
        days.iter().map(|d| (d.date.to_string(), d.enrolled, d.paid)).collect::<Vec<_>>()
    };
    assert_eq!(days(&app), [("2026-11-23".to_owned(), 1, 1)]);
    app.update(Action::SelectAll);
    app.update(Action::Enrollment);
    app.update(Action::Down);
    app.update(Action::Confirm);
    app.update(Action::Yes);
    assert_eq!(days(&app), [("2026-11-23".to_owned(), 360, 1)]);
    app.update(Action::Undo);
    app.update(Action::Yes);
    assert_eq!(app.store.stats(None, None).expect("stats").enrollment["here"], 1);
    assert_eq!(days(&app), [("2026-11-23".to_owned(), 1, 1)], "the undone mark is left out");
    app.update(Action::Dashboard);
    assert!(screen(&app).contains("11-23 登记 1 缴费 1"), "{}", screen(&app));
    app.update(Action::Back);
    app.update(Action::Redo);
    app.update(Action::Yes);
    assert_eq!(days(&app), [("2026-11-23".to_owned(), 360, 1)], "a redo stands again");
    // Undoing the first pupil's payment too leaves the day empty of them.
    app.update(Action::Undo);
    app.update(Action::Yes);
    app.update(Action::Undo);
    assert_eq!(days(&app), Vec::<(String, i64, i64)>::new());
}

/// Pupils without a class have a line of their own on the dashboard, named as `canbao stats` names it.
#[test]
fn dashboard_names_the_pupils_without_a_class() {
    for (lang, name) in [(Language::Zh, "（未分班）"), (Language::En, "(no class)")] {
        let mut store = store(false);
        let today = store.today();
        let text = "姓名,身份证号码,班级\n孙语,450203201909308803,一年级1班\n林彤瑶,450202201911276365,\n";
        let sheets = canbao::io::table::read_bytes(text.as_bytes(), "list.csv").expect("read");
        let inputs = vec![canbao::io::class_list::Input::Sheets("list.csv".to_owned(), sheets)];
        canbao::io::class_list::import_inputs(&mut store, inputs, Some("柳州市第一小学"), "本校", today, false)
            .expect("import");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        app.update(Action::Dashboard);
        let shown = screen(&app);
        let line = shown.lines().find_map(|l| l.trim_start().strip_prefix(name)).unwrap_or_else(|| panic!("{shown}"));
        assert_eq!(line.split_whitespace().next(), Some("1"), "{shown}");
        assert!(shown.contains("一年级1班"), "{shown}");
    }
}

/// 检查名单 lists every group its count counts, as `canbao check` does: the same name in one class with a
/// rounded number, and a pupil without a class, besides the invalid numbers; a long list scrolls to its end.
#[test]
fn the_roster_check_lists_every_finding_it_counts_and_scrolls() {
    for lang in [Language::Zh, Language::En] {
        let mut store = store(false);
        let today = store.today();
        // 邹杰 again with a rounded number that is not his own number's rounding (his own would be the same row
        // twice, one pupil): two pupils of one name and class, one rounded.
        let mut csv = String::from(
            "姓名,身份证号码,班级\n邹杰,450202201603130751,三年级1班\n邹杰,4.50202201603141E+17,三年级1班\n\
             陌生人,450202201911276365,\n",
        );
        // Numbers with a wrong check character: enough lines that the dialog must scroll.
        for n in 0..16 {
            let body = format!("45020220191127{:03}", 100 + 2 * n);
            let right = canbao::domain::id_number::check_char(body.as_bytes());
            let wrong = if right == '0' { '1' } else { '0' };
            csv.push_str(&format!("学生{n:02},{body}{wrong},三年级2班\n"));
        }
        let sheets = canbao::io::table::read_bytes(csv.as_bytes(), "list.csv").expect("read");
        let inputs = vec![canbao::io::class_list::Input::Sheets("list.csv".to_owned(), sheets)];
        canbao::io::class_list::import_inputs(&mut store, inputs, Some("柳州市实验小学"), "本校", today, false)
            .expect("import");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        app.update(Action::Palette);
        type_text(&mut app, "jcmd");
        app.update(Action::Confirm);
        finish_job(&mut app);
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no report: {:?}", app.status) };
        // The count, then one line per finding: 17 invalid numbers, the pair, the pupil without a class.
        assert_eq!(m.lines.len(), 1 + 17 + 1 + 1, "{:#?}", m.lines);
        let (count, rounded, no_class) = match lang {
            Language::Zh => ("发现 19 处问题", "同班同名，其中有被表格四舍五入的身份证号码", "没有班级：陌生人"),
            Language::En => ("19 findings", "same name and class, one ID rounded", "no class: 陌生人"),
        };
        assert!(m.lines[0].contains(count), "{:?}", m.lines);
        assert!(m.lines.iter().any(|l| l.contains(rounded) && l.contains("邹杰")), "{:#?}", m.lines);
        assert!(m.lines.iter().any(|l| l.contains(no_class) && l.contains("4502**********6365")), "{:#?}", m.lines);
        let first = screen(&app);
        assert!(!first.contains(no_class), "the last line is below the fold at first:\n{first}");
        insta::assert_snapshot!(format!("check_report_{}", lang_name(lang)), first);
        for _ in 0..40 {
            app.update(Action::Down);
        }
        let end = screen(&app);
        assert!(end.contains(no_class), "{end}");
        insta::assert_snapshot!(format!("check_report_end_{}", lang_name(lang)), end);
        // Up from the end moves at once: the offset stopped at the last row, not beyond it.
        app.update(Action::Up);
        assert_ne!(screen(&app), end);
    }
}

/// 检查名单 on the sample drive of insured year 2027 under Yibin's 2024 policy says first, under its count, that no
/// amount was checked, naming both years and what to do, where it listed no 少缴 or 多缴 without a word.
#[test]
fn the_roster_check_says_amounts_went_unchecked_under_a_policy_of_another_year() {
    for (lang, said) in [
        (Language::Zh, "金额未核对：使用的保费政策 yibin-2024 为 2024 年度，本名单为 2027 年度"),
        (Language::En, "amounts not checked: the policy in use, yibin-2024, is for insured year 2024"),
    ] {
        let mut store = store(true);
        store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
        assert_eq!(store.current_year(), Some(2027));
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(100, 30));
        app.update(Action::Palette);
        type_text(&mut app, "jcmd");
        app.update(Action::Confirm);
        finish_job(&mut app);
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no report: {:?}", app.status) };
        assert!(m.lines.get(1).is_some_and(|l| l.contains(said)), "{:#?}", m.lines);
        insta::assert_snapshot!(format!("check_report_other_year_{}", lang_name(lang)), screen(&app));
    }
}

/// 开始新学年 on the sample drive of 2027 under Yibin's 2024 policy: the dialog that refuses it, naming both years
/// and the palette's way (choose the year's policy), and no command line to leave the window for.
#[test]
fn the_new_year_refused_under_a_policy_of_another_year() {
    for (lang, quit_first) in
        [(Language::Zh, "退出本窗口（本窗口占用着数据文件）"), (Language::En, "quit this window (it holds the drive)")]
    {
        let mut store = store(true);
        store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(100, 30));
        app.run_command(canbao::tui::palette::Command::NewYear);
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("{:?}", app.status) };
        assert!(!m.lines.concat().contains(quit_first), "{:#?}", m.lines);
        insta::assert_snapshot!(format!("year_new_other_year_{}", lang_name(lang)), screen(&app));
    }
}

/// Tab in the enrollment chooser goes to the reason, and Shift-Tab back, as in the payment form: the status
/// chosen never moves, and the reason typed after Tab is saved with it. Text typed on a status that takes none
/// is not swallowed without a word.
#[test]
fn tab_in_the_enrollment_chooser_reaches_the_reason_and_never_changes_the_status() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    app.update(Action::Enrollment);
    for _ in 0..3 {
        app.update(Action::Down);
    }
    app.update(Action::NextField);
    type_text(&mut app, "家长");
    app.update(Action::PreviousField);
    app.update(Action::NextField);
    type_text(&mut app, "不同意");
    let shown = screen(&app);
    assert!(shown.contains("> 不参保") && shown.contains("家长不同意"), "{shown}");
    app.update(Action::Confirm);
    let s = app.store.student(id).expect("s");
    assert_eq!((s.enrollment, s.decline_reason.as_deref()), (Enrollment::Declined, Some("家长不同意")));

    // 已离校 takes no text: Tab stays on it, and what is typed is refused in the dialog.
    app.update(Action::Enrollment);
    app.update(Action::Down);
    app.update(Action::NextField);
    type_text(&mut app, "x");
    let shown = screen(&app);
    assert!(shown.contains("> 已离校") && shown.contains("此状态无需填写，输入未记录"), "{shown}");
    app.update(Action::Back);
    assert_eq!(app.store.student(id).expect("s").enrollment, Enrollment::Declined);
}

/// The question before clearing a payment reads in the operator's language down to its commas.
#[test]
fn the_clear_payment_question_in_english_has_english_commas() {
    use canbao::domain::student::PaymentDetails;
    let mut app = app(Language::En);
    let id = app.selected_id().expect("pupil");
    let details = PaymentDetails {
        amount_fen: Some(38_000),
        paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
        channel: Some("微信".into()),
    };
    app.store.set_payment(id, PaymentStatus::Paid, &details).expect("pay");
    app.toggle_paid();
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
    assert!(c.question.contains("380.00 yuan, 2026-11-20, WeChat"), "{}", c.question);
    assert!(!c.question.contains('，'), "{}", c.question);
}

#[test]
fn identity_phone_refused() {
    snap("identity_phone_refused", |app| {
        app.update(Action::OpenDetail);
        app.update(Action::EditIdentity);
        let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
        form.fields[3].set("黎萱阳");
        app.update(Action::Confirm);
    });
}

/// A family that paid less than the amount due (300 of Yibin 2024's 380, as a tax list recorded it): the detail
/// screen says 少缴 80 元 beside the payment (in English, what is still owed under the amount due: the word
/// part-paid leaves no room beside the payment at 80 columns), and 检查名单 lists the pupil, in either language.
#[test]
fn an_underpayment_is_said_on_the_detail_screen_and_in_the_check() {
    for (lang, on_detail, in_check) in [
        (Language::Zh, "少缴 80 元", "已缴 300 元，应缴 380 元，少缴 80 元"),
        (Language::En, "300 yuan paid, 80 still owed", "paid 300 yuan, 380 yuan due, 80 yuan short"),
    ] {
        let (name, shown, check) = detail_and_check_of_300_paid(lang, false);
        assert!(shown.contains(&name) && shown.contains(on_detail), "{shown}");
        assert!(check.iter().any(|l| l.contains(&name) && l.contains(in_check)), "{check:?}");
    }
}

/// The 300 was recorded on one laptop and 380 on another, and a merge kept the 300: which the family paid (both,
/// or one) is the tax office's to say, so neither screen asks for 80 more; both name the two amounts.
#[test]
fn two_laptops_amounts_are_said_in_place_of_a_shortfall() {
    for (lang, on_detail, in_check) in [
        (Language::Zh, "两台电脑记录的金额不同（300 元 / 380 元）", "不要向家长补收"),
        (Language::En, "two laptops recorded different amounts (300 / 380 yuan)", "before asking"),
    ] {
        let (name, shown, check) = detail_and_check_of_300_paid(lang, true);
        assert!(shown.contains(&name) && shown.contains(on_detail), "{shown}");
        let short = if lang == Language::Zh { "少缴" } else { "short" };
        assert!(!shown.contains(short), "{shown}");
        assert!(check.iter().any(|l| l.contains(&name) && l.contains(in_check)), "{check:?}");
        assert!(!check.iter().any(|l| l.contains(short)), "{check:?}");
    }
}

/// A pupil in no category paid 300 of Yibin 2024's 380 (`and_380_apart`: and 380 recorded on another laptop, a
/// merge keeping the 300): the pupil's name, the detail screen, and 检查名单's lines.
fn detail_and_check_of_300_paid(lang: Language, and_380_apart: bool) -> (String, String, Vec<String>) {
    use canbao::domain::student::PaymentDetails;
    let mut store = store(true);
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    in_year(&mut store, 2024);
    let pupil = store.students(&Default::default()).expect("list").into_iter().find(|s| s.categories.is_empty());
    let pupil = pupil.expect("a pupil in no category");
    let short = PaymentDetails {
        amount_fen: Some(30_000),
        paid_on: chrono::NaiveDate::from_ymd_opt(2023, 10, 8),
        channel: Some("微信".into()),
    };
    store.set_payment(pupil.id, PaymentStatus::Paid, &short).expect("paid");
    if and_380_apart {
        // The other laptop's entry an hour before, copied in by the merge, and the merge's row taking the 300.
        let rows = "INSERT INTO audit (at, operator, origin, action, student_id, id_number, field, old, new, year)
                    SELECT strftime('%Y-%m-%dT%H:%M:%SZ', at, ?2), operator, ?3, ?4, student_id, id_number, field,
                           ?5, ?6, year
                      FROM audit WHERE student_id = ?1 AND field = 'paid_amount_fen'";
        let connection = store.connection();
        let other = rusqlite::params![pupil.id, "-1 hour", "other-laptop", "mark", None::<String>, "38000"];
        assert_eq!(connection.execute(rows, other).expect("other laptop"), 1);
        let merged = rusqlite::params![pupil.id, "+1 second", "merge", "merge", "38000", "30000"];
        assert_eq!(connection.execute(&format!("{rows} AND origin <> 'other-laptop'"), merged).expect("merge"), 1);
    }
    let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
    app.update(Action::Resize(120, 30));
    app.update(Action::Search);
    type_text(&mut app, &pupil.name);
    app.update(Action::Confirm);
    app.update(Action::OpenDetail);
    let shown = screen(&app);
    app.update(Action::Back);
    app.update(Action::Palette);
    type_text(&mut app, "check");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no report: {:?}", app.status) };
    (pupil.name, shown, m.lines.clone())
}

/// A screen on `store` under liuzhou-2023, whose special categories enroll where the benefit was approved (000
/// 附件二(五)), with the first three pupils' ids.
fn app_at_benefit_place(lang: Language, category: &str) -> (App, Vec<i64>, String) {
    let mut store = store(true);
    let pupils: Vec<_> = store.students(&Default::default()).expect("list").into_iter().take(3).collect();
    let mark = canbao::domain::student::CategoryMark { name: category.into(), department: "民政".into(), year: None };
    store.set_categories(pupils[1].id, &[mark]).expect("category");
    in_year(&mut store, 2023);
    store.set_meta(canbao::tui::POLICY_META_KEY, "liuzhou-2023").expect("meta");
    let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    (app, pupils.iter().map(|s| s.id).collect(), pupils[1].name.clone())
}

/// `p` on the pupil under the cursor (or the selection), 350 on 2022-10-08 (liuzhou-2023's concentrated period),
/// Enter.
fn pay_350_in_2022(app: &mut App) {
    app.update(Action::TogglePaid);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
    // One the policy enrolls away from school is quoted nothing at school: the family's 350 is typed.
    if form.away_zero {
        form.amount.set("350");
        form.amount_edited = true;
    }
    form.date.set("2022-10-0");
    form.date_touched = true;
    app.update(Action::Down);
    type_text(app, "8");
    app.update(Action::Confirm);
}

/// A pupil whose category enrolls where the benefit was approved: `p` shows that sentence first in the form, and
/// Enter asks (No by default) before the school records the family's payment; No leaves the pupil as they were,
/// back in the form, which Esc closes.
#[test]
fn a_payment_for_a_pupil_who_enrolls_at_the_benefit_place_is_asked() {
    for lang in [Language::Zh, Language::En] {
        let (mut app, ids, name) = app_at_benefit_place(lang, "低保对象");
        app.update(Action::Down);
        assert_eq!(app.selected_id(), Some(ids[1]));
        app.update(Action::TogglePaid);
        let shown = screen(&app);
        // Led by what the school collects (nothing), and where the pupil enrolls.
        let sentence = match lang {
            Language::Zh => "0 元：低保对象应回待遇审批的主管部门",
            Language::En => "0 yuan: 低保对象 enrolls through the department",
        };
        assert!(shown.contains(sentence), "{shown}");
        app.update(Action::Back);
        pay_350_in_2022(&mut app);
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked: {}", screen(&app)) };
        let expected = match lang {
            Language::Zh => format!("{name} 为低保对象，按政策应在待遇审批地参保，仍在本校登记缴费？"),
            Language::En => format!(
                "{name} is 低保对象 and by the policy is to enroll where the benefit was approved. Record the payment at school anyway?"
            ),
        };
        assert_eq!(c.question, expected);
        assert!(!c.yes, "No by default");
        app.update(Action::Confirm);
        let s = app.store.student(ids[1]).expect("s");
        assert_eq!((s.enrollment, s.payment), (Enrollment::Unknown, PaymentStatus::Unpaid));
        assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Payment(_))), "{}", screen(&app));
        app.update(Action::Back);
        assert!(app.modal.is_none(), "{}", screen(&app));
        pay_350_in_2022(&mut app);
        app.update(Action::Yes);
        let s = app.store.student(ids[1]).expect("s");
        assert_eq!((s.payment, s.payment_details.amount_fen), (PaymentStatus::Paid, Some(35000)));
    }
}

/// At 80×24 the payment form keeps the benefit-place sentence whole above the policy's text.
#[test]
fn payment_form_benefit_place() {
    snap("payment_form_benefit_place", |app| {
        let store = std::mem::replace(&mut app.store, store(false));
        let pupils: Vec<_> = store.students(&Default::default()).expect("list").into_iter().take(2).collect();
        let mut store = store;
        let mark =
            canbao::domain::student::CategoryMark {
                name: "特困人员".into(), department: "民政".into(), year: None
            };
        store.set_categories(pupils[1].id, &[mark]).expect("category");
        store.set_meta(canbao::tui::POLICY_META_KEY, "liuzhou-2023").expect("meta");
        in_year(&mut store, 2023);
        let mut fresh = App::new(store, &options(app.lang, None)).expect("app");
        fresh.update(Action::Resize(80, 24));
        fresh.update(Action::Down);
        fresh.update(Action::TogglePaid);
        // A day in the concentrated period: the policy's whole text under the sentence.
        let Some(canbao::tui::modal::Modal::Payment(form)) = &mut fresh.modal else { panic!("form") };
        form.date.set("2022-10-0");
        form.date_touched = true;
        fresh.update(Action::Down);
        type_text(&mut fresh, "8");
        *app = fresh;
    });
}

/// The category picker of a pupil whose 特困人员 is carried from last year says it is to be certified again;
/// ticking 低保对象 and saving certifies 低保对象 alone (特困人员 stays last year's), and Space on 特困人员 then
/// certifies it for the year. Before, saving the picker certified every ticked category for the year.
#[test]
fn the_category_picker_certifies_each_category_on_its_own() {
    let all = canbao::domain::category::CategoryTable::builtin().all();
    let at = |name: &str| all.iter().position(|c| c.name == name).expect(name);
    for lang in [Language::Zh, Language::En] {
        let mut store = store(true);
        let pupil = store.students(&Default::default()).expect("list")[1].id;
        in_year(&mut store, 2022);
        let mark = canbao::domain::student::CategoryMark::new("特困人员", "民政");
        store.set_categories(pupil, &[mark]).expect("category");
        in_year(&mut store, 2023);
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        app.update(Action::Down);
        assert_eq!(app.selected_id(), Some(pupil));
        let move_to = |app: &mut App, name: &str| {
            app.update(Action::Top);
            for _ in 0..at(name) {
                app.update(Action::Down);
            }
        };
        app.update(Action::Categories);
        move_to(&mut app, "低保对象");
        app.update(Action::ToggleSelect);
        insta::assert_snapshot!(format!("categories_carried_{}", lang_name(lang)), screen(&app));
        app.update(Action::Confirm);
        let years = |app: &App| -> Vec<(String, Option<i32>)> {
            let s = app.store.student(pupil).expect("pupil");
            s.categories.iter().map(|c| (c.name.clone(), c.year)).collect()
        };
        assert_eq!(years(&app), [("低保对象".to_owned(), Some(2023)), ("特困人员".to_owned(), Some(2022))]);
        assert!(!app.store.categories_certified(pupil).expect("read"));
        // Space on the carried one certifies it; a second Space would untick it.
        app.update(Action::Categories);
        move_to(&mut app, "特困人员");
        app.update(Action::ToggleSelect);
        assert!(!screen(&app).contains(if lang == Language::Zh { "待重新认定" } else { "to certify again" }));
        app.update(Action::Confirm);
        assert_eq!(years(&app), [("低保对象".to_owned(), Some(2023)), ("特困人员".to_owned(), Some(2023))]);
        assert!(app.store.categories_certified(pupil).expect("read"));
    }
}

/// A pupil with 低保对象 certified this year and 特困人员 carried from last year: the detail screen marks 特困人员
/// alone, inside its own brackets, where before the marker followed the list and read as if the whole list, or
/// its last category, were carried.
#[test]
fn the_detail_screen_marks_only_the_carried_category() {
    for lang in [Language::Zh, Language::En] {
        let mut store = store(true);
        let pupil = store.students(&Default::default()).expect("list")[1].id;
        in_year(&mut store, 2022);
        let carried = canbao::domain::student::CategoryMark::new("特困人员", "民政");
        store.set_categories(pupil, std::slice::from_ref(&carried)).expect("category");
        in_year(&mut store, 2023);
        let certified = canbao::domain::student::CategoryMark { year: Some(2023), ..carried.clone() };
        let certified = canbao::domain::student::CategoryMark { name: "低保对象".into(), ..certified };
        let carried = canbao::domain::student::CategoryMark { year: Some(2022), ..carried };
        store.set_categories(pupil, &[certified, carried]).expect("categories");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(120, 30));
        app.update(Action::Down);
        assert_eq!(app.selected_id(), Some(pupil));
        app.update(Action::OpenDetail);
        let shown = screen(&app);
        let line = match lang {
            Language::Zh => "低保对象（民政）、特困人员（民政，待重新认定）",
            _ => "低保对象 (民政), 特困人员 (民政, to certify again)",
        };
        assert!(shown.contains(line), "{shown}");
    }
}

/// A pupil whose 低保对象 and 特困人员 are both carried from last year: the detail screen marks each in its own
/// brackets, as it marks one carried beside one certified, where before the list read as certified and one
/// marker followed it.
#[test]
fn the_detail_screen_marks_each_category_when_all_are_carried() {
    for lang in [Language::Zh, Language::En] {
        let mut store = store(true);
        let pupil = store.students(&Default::default()).expect("list")[1].id;
        in_year(&mut store, 2022);
        let mark = |name: &str| canbao::domain::student::CategoryMark::new(name, "民政");
        store.set_categories(pupil, &[mark("低保对象"), mark("特困人员")]).expect("categories");
        in_year(&mut store, 2023);
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(200, 30));
        app.update(Action::Down);
        assert_eq!(app.selected_id(), Some(pupil));
        app.update(Action::OpenDetail);
        let shown = screen(&app);
        let line = match lang {
            Language::Zh => "低保对象（民政，待重新认定）、特困人员（民政，待重新认定）",
            _ => "低保对象 (民政, to certify again), 特困人员 (民政, to certify again)",
        };
        assert!(shown.contains(line), "{shown}");
    }
}

/// 低保对象 and 特困人员 certified in 2022, 低保对象 alone certified again in 2023: the history's entry for it says
/// which was certified for 2023 (「低保对象（2023 年度认定）」), where before it read 「低保对象、特困人员 ->
/// 低保对象、特困人员」, the same names before and after.
#[test]
fn the_history_of_a_category_certified_again_says_for_which_year() {
    for (lang, after) in
        [(Language::Zh, "-> 低保对象（2023 年度认定）"), (Language::En, "-> 低保对象 (certified for 2023)")]
    {
        let mut store = store(true);
        let pupil = store.students(&Default::default()).expect("list")[1].id;
        in_year(&mut store, 2022);
        let mark = |name: &str, year| canbao::domain::student::CategoryMark {
            name: name.into(),
            department: "民政".into(),
            year,
        };
        store.set_categories(pupil, &[mark("低保对象", None), mark("特困人员", None)]).expect("categories");
        in_year(&mut store, 2023);
        store.set_categories(pupil, &[mark("低保对象", Some(2023)), mark("特困人员", Some(2022))]).expect("certified");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(260, 40));
        app.update(Action::Down);
        assert_eq!(app.selected_id(), Some(pupil));
        app.update(Action::OpenDetail);
        let shown = screen(&app);
        assert!(shown.contains(after), "{shown}");
    }
}

/// The roster's 人员类别 column marks a category carried from last year (待重新认定) as `find` and the detail
/// screen do, and only that one beside one certified this year; certifying it again clears the mark. Before, the
/// list showed carried categories as if certified.
#[test]
fn the_roster_marks_each_carried_category() {
    use canbao::domain::student::CategoryMark;
    for lang in [Language::Zh, Language::En] {
        let mut store = store(true);
        let pupils: Vec<i64> = store.students(&Default::default()).expect("list").iter().map(|s| s.id).collect();
        in_year(&mut store, 2022);
        let carried = CategoryMark::new("特困人员", "民政");
        store.set_categories(pupils[0], std::slice::from_ref(&carried)).expect("category");
        store.set_categories(pupils[1], std::slice::from_ref(&carried)).expect("category");
        in_year(&mut store, 2023);
        let certified = CategoryMark { name: "低保对象".into(), year: Some(2023), ..carried.clone() };
        let both = [certified, CategoryMark { year: Some(2022), ..carried }];
        store.set_categories(pupils[1], &both).expect("categories");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(120, 30));
        let (alone, mixed) = match lang {
            Language::Zh => ("特困人员（待认定）", "低保对象、特困人员（待认定）"),
            _ => ("特困人员 (recertify)", "低保对象, 特困人员 (recertify)"),
        };
        let shown = screen(&app);
        let lines: Vec<&str> = shown.lines().skip(4).take(2).collect();
        assert!(lines[0].trim_end().ends_with(alone), "{shown}");
        assert!(lines[1].trim_end().ends_with(mixed), "{shown}");
        // At 80 columns the mark starts inside the narrow column.
        app.update(Action::Resize(80, 24));
        let shown = screen(&app);
        let row = shown.lines().nth(4).expect("row");
        assert!(row.contains(&alone[..alone.len().min(15)]), "{shown}");
        // Certifying 特困人员 for the year (the chooser's Space on a carried one) takes the mark away.
        let at = canbao::domain::category::CategoryTable::builtin().all().iter().position(|c| c.name == "特困人员");
        app.update(Action::Categories);
        app.update(Action::Top);
        for _ in 0..at.expect("特困人员") {
            app.update(Action::Down);
        }
        app.update(Action::ToggleSelect);
        app.update(Action::Confirm);
        app.update(Action::Resize(120, 30));
        let shown = screen(&app);
        let row = shown.lines().nth(4).expect("row");
        assert!(row.trim_end().ends_with("特困人员"), "{shown}");
    }
}

/// At 80×24 with a class filter on, the payment form (grown by the policy's text and a refusal) and the category
/// chooser stay clear of the title bar and the filter and search lines, by the rule every other dialog keeps
/// (`layout::dialog`), where both were drawn over those lines: the top three rows read as without the dialog.
#[test]
fn payment_form_and_category_chooser_leave_the_filter_line_in_sight() {
    for lang in [Language::Zh, Language::En] {
        let mut store = store(true);
        let pupils: Vec<_> = store.students(&Default::default()).expect("list").into_iter().take(2).collect();
        // Marked a year before the drive's: 待重新认定, said before the policy's text.
        in_year(&mut store, 2022);
        let mark =
            canbao::domain::student::CategoryMark {
                name: "特困人员".into(), department: "民政".into(), year: None
            };
        store.set_categories(pupils[1].id, &[mark]).expect("category");
        store.set_meta(canbao::tui::POLICY_META_KEY, "liuzhou-2023").expect("meta");
        in_year(&mut store, 2023);
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        app.update(Action::Filters);
        type_text(&mut app, "一年级1");
        app.update(Action::Confirm);
        assert!(app.roster.filters().class.is_some(), "{}", screen(&app));
        app.update(Action::Down);
        assert_eq!(app.selected_id(), Some(pupils[1].id), "{}", screen(&app));
        let top = |shown: &str| shown.lines().take(3).map(str::to_owned).collect::<Vec<_>>();
        let roster = top(&screen(&app));

        app.update(Action::Categories);
        let shown = screen(&app);
        assert_eq!(top(&shown), roster, "{shown}");
        insta::assert_snapshot!(format!("categories_filtered_80x24_{}", lang_name(lang)), shown);
        app.update(Action::Back);

        app.update(Action::TogglePaid);
        let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("{}", screen(&app)) };
        // A day in the next year's collection (said above the policy's text), and an amount not understood.
        form.date.set("2023-10-0");
        form.date_touched = true;
        app.update(Action::Down);
        type_text(&mut app, "8");
        app.update(Action::Up);
        type_text(&mut app, "x");
        app.update(Action::Confirm);
        let shown = screen(&app);
        assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Payment(_))), "{shown}");
        assert_eq!(top(&shown), roster, "{shown}");
        insta::assert_snapshot!(format!("payment_filtered_80x24_{}", lang_name(lang)), shown);
    }
}

/// The dates in a policy's words (YYYY-MM-DD) in a form's text, in order.
fn dates_in(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let shape =
        |w: &[char]| w.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == '-' } else { c.is_ascii_digit() });
    chars.windows(10).filter(|w| shape(w)).map(|w| w.iter().collect()).collect()
}

/// The payment form's policy text keeps each date on one row, at 80×24 and 120×40 and in both languages, where
/// at 80 columns 「（2022-09-01至…」 broke as 「（20」 and 「22-09-01至…」 and 2023年1月1日 as 「2023年1月1」 and 「日」.
#[test]
fn the_payment_forms_policy_text_keeps_each_date_whole() {
    for lang in [Language::Zh, Language::En] {
        for (width, height) in [(80, 24), (120, 40)] {
            let (mut app, _, _) = app_at_benefit_place(lang, "特困人员");
            app.update(Action::Resize(width, height));
            app.update(Action::Down);
            app.update(Action::TogglePaid);
            let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
            form.date.set("2022-10-0");
            form.date_touched = true;
            app.update(Action::Down);
            type_text(&mut app, "8");
            let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("form") };
            let note = form.note.clone().expect("the policy's words");
            let dates = dates_in(&note);
            assert!(dates.len() >= 5, "{note}");
            let shown = screen(&app);
            let on_rows: Vec<String> = shown.lines().flat_map(dates_in).collect();
            for date in &dates {
                assert!(on_rows.contains(date), "{date} cut at {width}×{height}:\n{shown}");
            }
            if lang == Language::Zh {
                assert!(shown.contains("2023年1月1日"), "{width}×{height}:\n{shown}");
            }
        }
    }
}

/// A class paid at once leaves out the pupils who enroll where the benefit was approved, and the question says
/// how many and who.
#[test]
fn a_bulk_payment_leaves_out_pupils_who_enroll_at_the_benefit_place() {
    let (mut app, ids, name) = app_at_benefit_place(Language::Zh, "孤儿");
    for _ in 0..3 {
        app.update(Action::ToggleSelect);
    }
    pay_350_in_2022(&mut app);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked") };
    assert!(c.question.starts_with("将 2 名学生登记为已缴费"), "{}", c.question);
    assert!(c.question.contains(&format!("1 名按政策应在待遇审批地参保，不登记：{name}")), "{}", c.question);
    app.update(Action::Yes);
    let payment = |i: usize| app.store.student(ids[i]).expect("s").payment;
    assert_eq!([payment(0), payment(1), payment(2)], [PaymentStatus::Paid, PaymentStatus::Unpaid, PaymentStatus::Paid]);
    assert_eq!(app.store.student(ids[1]).expect("s").enrollment, Enrollment::Unknown);
}

/// 特困人员, which liuzhou-2023 sends to the benefit place, carried from 2022 and not certified again for 2023
/// (待重新认定): 在校参保 is set without the benefit place's question, as the forms count the pupil due at school
/// and `canbao mark` takes it. Before, the screen asked by a category that year does not count.
#[test]
fn a_carried_category_is_not_asked_about_the_benefit_place() {
    let mut store = store(true);
    let pupil = store.students(&Default::default()).expect("list")[1].id;
    in_year(&mut store, 2022);
    let mark =
        canbao::domain::student::CategoryMark { name: "特困人员".into(), department: "民政".into(), year: None };
    store.set_categories(pupil, &[mark]).expect("category");
    in_year(&mut store, 2023);
    store.set_meta(canbao::tui::POLICY_META_KEY, "liuzhou-2023").expect("meta");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    app.update(Action::Down);
    assert_eq!(app.selected_id(), Some(pupil));
    choose_enrollment(&mut app, Enrollment::Here, "");
    let asked = match &app.modal {
        Some(canbao::tui::modal::Modal::Confirm(c)) => c.question.clone(),
        _ => String::new(),
    };
    assert!(!asked.contains("待遇审批地"), "{asked}");
    assert_eq!(app.store.student(pupil).expect("s").enrollment, Enrollment::Here, "{asked}");
}

/// 特困人员 carried from 2022 and not certified again for 2023 (待重新认定), marked 财政代缴 under liuzhou-2023, which
/// sends 特困人员 to the benefit place: the detail screen says the department and its share await the category's
/// certification and names no place to enroll, as the 财政代缴 ledger and the slips have it. Before, it showed the
/// department paying by the carried category and the pupil due at the benefit place.
#[test]
fn the_detail_screen_weighs_a_carried_category_as_the_ledgers_do() {
    for (lang, awaits) in
        [(Language::Zh, "人员类别（特困人员）待重新认定"), (Language::En, "category (特困人员) to be certified again")]
    {
        let mut store = store(true);
        let pupil = store.students(&Default::default()).expect("list")[1].id;
        in_year(&mut store, 2022);
        let mark = canbao::domain::student::CategoryMark::new("特困人员", "民政");
        store.set_categories(pupil, &[mark]).expect("category");
        in_year(&mut store, 2023);
        store.set_meta(canbao::tui::POLICY_META_KEY, "liuzhou-2023").expect("meta");
        store.set_payment(pupil, PaymentStatus::Government, &Default::default()).expect("government");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(200, 40));
        app.update(Action::Down);
        assert_eq!(app.selected_id(), Some(pupil));
        app.update(Action::OpenDetail);
        let shown = screen(&app);
        assert!(shown.contains(awaits), "{lang:?}: {shown}");
        let place = if lang == Language::Zh { "参保地点" } else { "Enrolls at" };
        assert!(!shown.contains(place), "{lang:?}: {shown}");
    }
}

/// `f` on a pupil whose only category (低保对象) is carried from 2022 and not certified for 2023 asks whether to
/// mark 财政代缴 saying the category is to be certified again, as it asks of a pupil with no category; several
/// marked at once are counted so. Before, the question was the plain one, as for a pupil certified this year.
#[test]
fn government_paid_asked_of_a_carried_category_says_it_awaits_certification() {
    for (lang, one, several) in [
        (Language::Zh, "的人员类别（低保对象）待重新认定", "其中 1 名的人员类别待重新认定"),
        (
            Language::En,
            "'s category (低保对象) is still to be certified again this year",
            "1 of them have a category still to be certified again",
        ),
    ] {
        let mut store = store(true);
        let pupil = store.students(&Default::default()).expect("list")[1].id;
        in_year(&mut store, 2022);
        let mark =
            canbao::domain::student::CategoryMark {
                name: "低保对象".into(), department: "民政".into(), year: None
            };
        store.set_categories(pupil, &[mark]).expect("category");
        in_year(&mut store, 2023);
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        app.update(Action::Down);
        assert_eq!(app.selected_id(), Some(pupil));
        app.update(Action::ToggleGovernment);
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("not asked: {}", screen(&app)) };
        assert!(c.question.contains(one), "{lang:?}: {}", c.question);
        app.update(Action::Back);
        app.update(Action::Top);
        for _ in 0..3 {
            app.update(Action::ToggleSelect);
        }
        app.update(Action::ToggleGovernment);
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("not asked: {}", screen(&app)) };
        assert!(c.question.contains(several), "{lang:?}: {}", c.question);
    }
}

/// 在校参保 for such a pupil is asked the same way; for several, they are left out and counted.
#[test]
fn enrolling_at_school_a_pupil_who_enrolls_at_the_benefit_place_is_asked() {
    let (mut app, ids, name) = app_at_benefit_place(Language::Zh, "特困人员");
    app.update(Action::Down);
    choose_enrollment(&mut app, Enrollment::Here, "");
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked") };
    assert_eq!(c.question, format!("{name} 为特困人员，按政策应在待遇审批地参保，仍在本校参保？"));
    assert!(!c.yes);
    app.update(Action::Confirm);
    assert_eq!(app.store.student(ids[1]).expect("s").enrollment, Enrollment::Unknown);

    app.update(Action::Top);
    for _ in 0..3 {
        app.update(Action::ToggleSelect);
    }
    choose_enrollment(&mut app, Enrollment::Here, "");
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked") };
    assert!(c.question.starts_with("将 2 名学生的参保状态改为"), "{}", c.question);
    assert!(c.question.contains(&format!("1 名按政策应在待遇审批地参保，不登记：{name}")), "{}", c.question);
    app.update(Action::Yes);
    let enrollment = |i: usize| app.store.student(ids[i]).expect("s").enrollment;
    assert_eq!(
        [enrollment(0), enrollment(1), enrollment(2)],
        [Enrollment::Here, Enrollment::Unknown, Enrollment::Here]
    );
}

/// `f` on a pupil whose category enrolls where the benefit was approved asks as the payment form does (No by
/// default), since a department's payment recorded at school registers the pupil with the school; once the pupil
/// is marked 异地参保, the department's payment is the benefit place's and `f` only asks whether to record it, as
/// for every pupil (no lone key marks a pupil).
#[test]
fn government_paid_for_a_pupil_who_enrolls_at_the_benefit_place_is_asked() {
    for lang in [Language::Zh, Language::En] {
        let (mut app, ids, name) = app_at_benefit_place(lang, "低保对象");
        app.update(Action::Down);
        app.update(Action::ToggleGovernment);
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked: {}", screen(&app)) };
        let expected = match lang {
            Language::Zh => format!("{name} 为低保对象，按政策应在待遇审批地参保，仍在本校记为财政代缴？"),
            Language::En => format!(
                "{name} is 低保对象 and by the policy is to enroll where the benefit was approved. Mark government-paid at school anyway?"
            ),
        };
        assert_eq!(c.question, expected);
        assert!(!c.yes, "No by default");
        app.update(Action::Confirm);
        assert_eq!(app.store.student(ids[1]).expect("s").payment, PaymentStatus::Unpaid);
        app.update(Action::ToggleGovernment);
        app.update(Action::Yes);
        assert_eq!(app.store.student(ids[1]).expect("s").payment, PaymentStatus::Government);
    }
    let (mut app, ids, _) = app_at_benefit_place(Language::Zh, "低保对象");
    app.update(Action::Down);
    choose_enrollment(&mut app, Enrollment::Elsewhere, "");
    app.update(Action::ToggleGovernment);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked: {}", screen(&app)) };
    assert!(c.question.ends_with("标记为财政代缴？"), "{}", c.question);
    app.update(Action::Yes);
    let s = app.store.student(ids[1]).expect("s");
    assert_eq!((s.enrollment, s.payment), (Enrollment::Elsewhere, PaymentStatus::Government));
}

/// A family's payment recorded over it asks the same question, and says the payment would be cleared.
#[test]
fn government_paid_over_a_family_payment_at_the_benefit_place_says_both() {
    let (mut app, ids, name) = app_at_benefit_place(Language::Zh, "孤儿");
    app.update(Action::Down);
    pay_350_in_2022(&mut app);
    app.update(Action::Yes);
    assert_eq!(app.store.student(ids[1]).expect("s").payment, PaymentStatus::Paid);
    app.update(Action::ToggleGovernment);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked: {}", screen(&app)) };
    assert!(
        c.question.starts_with(&format!("{name} 为孤儿，按政策应在待遇审批地参保，仍在本校记为财政代缴？")),
        "{}",
        c.question
    );
    assert!(c.question.ends_with("（将清除家庭缴费记录：350.00 元，2022-10-08）"), "{}", c.question);
    app.update(Action::Confirm);
    assert_eq!(app.store.student(ids[1]).expect("s").payment, PaymentStatus::Paid);
}

/// A bulk `f` leaves out the pupils who enroll where the benefit was approved, as a bulk `p` does, and names them.
#[test]
fn a_bulk_government_mark_leaves_out_pupils_who_enroll_at_the_benefit_place() {
    let (mut app, ids, name) = app_at_benefit_place(Language::Zh, "特困人员");
    for _ in 0..3 {
        app.update(Action::ToggleSelect);
    }
    app.update(Action::ToggleGovernment);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked") };
    assert!(c.question.starts_with("将 2 名学生标记为财政代缴"), "{}", c.question);
    assert!(c.question.contains(&format!("1 名按政策应在待遇审批地参保，不登记：{name}")), "{}", c.question);
    app.update(Action::Yes);
    let payment = |i: usize| app.store.student(ids[i]).expect("s").payment;
    assert_eq!(
        [payment(0), payment(1), payment(2)],
        [PaymentStatus::Government, PaymentStatus::Unpaid, PaymentStatus::Government]
    );
}

/// No to the benefit-place question goes back to the payment form as typed (amount, date, channel), as No to
/// 「金额与应缴不符」 does: the operator checks the pupil's papers, then Esc closes the form or Enter asks again.
#[test]
fn no_to_the_benefit_place_question_goes_back_to_the_form_as_typed() {
    let (mut app, ids, _) = app_at_benefit_place(Language::Zh, "低保对象");
    app.update(Action::Down);
    app.update(Action::TogglePaid);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
    form.amount.set("340");
    form.amount_edited = true;
    form.date.set("2022-10-08");
    form.date_touched = true;
    form.channel = Some(1);
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked: {}", screen(&app)) };
    assert!(c.question.contains("仍在本校登记缴费"), "{}", c.question);
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else {
        panic!("back to the form: {}", screen(&app))
    };
    assert_eq!((form.amount.text(), form.date.text(), form.channel), ("340", "2022-10-08", Some(1)));
    assert_eq!(app.store.student(ids[1]).expect("s").payment, PaymentStatus::Unpaid);
    app.update(Action::Confirm);
    app.update(Action::Yes);
    // 340 against 350 due: asked too.
    app.update(Action::Yes);
    let s = app.store.student(ids[1]).expect("s");
    assert_eq!((s.payment, s.payment_details.amount_fen), (PaymentStatus::Paid, Some(34000)));
}

/// 「生成本年度政策」 on a drive with no policy starts from the newest policy of the school's own city (柳州市示范小学 →
/// liuzhou-2023), not the newest bundled one of any city; with the drive's policy, from that.
#[test]
fn a_new_policy_starts_from_the_schools_own_city() {
    let mut app = app(Language::Zh);
    assert!(app.policy.is_none());
    app.open_new_policy(None);
    let Some(canbao::tui::modal::Modal::NewPolicy(form)) = &app.modal else { panic!("form") };
    assert_eq!(form.base, "liuzhou-2023");
    assert_eq!(form.name.text(), "liuzhou-2027");

    app.store.set_meta(canbao::tui::POLICY_META_KEY, "liuzhou-2021").expect("meta");
    let mut app = App::new(std::mem::replace(&mut app.store, store(false)), &options(Language::Zh, None)).expect("app");
    app.open_new_policy(None);
    let Some(canbao::tui::modal::Modal::NewPolicy(form)) = &app.modal else { panic!("form") };
    assert_eq!(form.base, "liuzhou-2021");
}

/// A school whose name names no city of any policy gets no base picked for it: the policy list opens to choose one.
#[test]
fn a_new_policy_for_a_school_of_no_known_city_asks_for_the_base() {
    let mut store = store(false);
    let list = std::env::temp_dir().join(format!("canbao-nocity-{}.csv", std::process::id()));
    std::fs::write(&list, "学校,姓名,身份证号码,年级,班级\n实验小学,王明,110101201901011238,一年级,1班\n")
        .expect("write");
    canbao::io::class_list::import(&mut store, &[list.as_path()], None, false).expect("import");
    std::fs::remove_file(&list).ok();
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    app.open_new_policy(None);
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Policies { .. })), "{}", screen(&app));
}

/// The payment form reads what the importer reads — 2026/11/20, 2026.11.20, full-width ３８０ — and refuses a day
/// before the pupil was born (from the ID number), as it refuses a day after today.
#[test]
fn payment_form_reads_dates_and_digits_as_the_importer_does_and_not_before_birth() {
    let mut app = app(Language::Zh);
    for (i, day) in ["2026/11/20", "2026.11.20"].into_iter().enumerate() {
        app.update(Action::Top);
        for _ in 0..i {
            app.update(Action::Down);
        }
        let id = app.selected_id().expect("pupil");
        app.update(Action::TogglePaid);
        let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
        form.amount.set("３８０");
        form.date.set(day);
        form.date_touched = true;
        app.update(Action::Confirm);
        assert!(app.modal.is_none(), "{day}: {}", screen(&app));
        let s = app.store.student(id).expect("s");
        assert_eq!(
            (s.payment_details.amount_fen, s.payment_details.paid_on),
            (Some(38000), chrono::NaiveDate::from_ymd_opt(2026, 11, 20)),
            "{day}"
        );
    }
    app.update(Action::Down);
    let id = app.selected_id().expect("pupil");
    let born = app.store.student(id).expect("s").birth_date.expect("born");
    app.update(Action::TogglePaid);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
    form.amount.set("380");
    form.date.set("1999-01-01");
    form.date_touched = true;
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("the form stays open") };
    let error = form.error.clone().unwrap_or_default();
    assert!(error.contains("早于") && error.contains(&born.format("%Y-%m-%d").to_string()), "{error}");
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid);
}

/// `E` with a class the pupil's school does not have (a typo at the counter: 一年级9班 in a school with 一年级1–3班)
/// asks once, No the default, naming the nearest classes it has; No goes back to the form as typed, nothing
/// saved; a class the school has is saved without a question; Yes saves the new class.
#[test]
fn a_corrected_class_the_school_does_not_have_is_asked_about_once() {
    use canbao::tui::modal::Modal;
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    let before = app.store.student(id).expect("s");
    assert_eq!(before.class_label(), "一年级1班");
    app.update(Action::OpenDetail);
    app.update(Action::EditIdentity);
    let Some(Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
    form.fields[2].set("一年级9班");
    app.update(Action::Confirm);
    let Some(Modal::Confirm(confirm)) = &app.modal else { panic!("not asked: {:?}", app.status) };
    assert!(confirm.question.starts_with("本校没有 一年级9班，新建这个班级？"), "{}", confirm.question);
    assert!(confirm.question.contains("一年级1班、一年级2班、一年级3班"), "{}", confirm.question);
    assert!(!confirm.yes, "No is the default");
    app.update(Action::Confirm);
    let Some(Modal::Identity(form)) = &mut app.modal else { panic!("No goes back to the form") };
    assert_eq!(form.fields[2].text(), "一年级9班", "as typed");
    assert_eq!(app.store.student(id).expect("s").class_label(), "一年级1班", "nothing saved");
    form.fields[2].set("一年级2班");
    app.update(Action::Confirm);
    assert!(app.modal.is_none(), "a class the school has is not asked about");
    assert_eq!(app.store.student(id).expect("s").class_label(), "一年级2班");
    app.update(Action::EditIdentity);
    let Some(Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
    form.fields[2].set("一年级9班");
    app.update(Action::Confirm);
    assert!(matches!(app.modal, Some(Modal::Confirm(_))), "asked again in a new form");
    app.update(Action::Yes);
    assert!(app.modal.is_none());
    assert_eq!(app.store.student(id).expect("s").class_label(), "一年级9班");
}

/// A grade written as a bare numeral before the class number, as teachers shorten 三年级2班: `/三2` and `/三2班`
/// find the class, as `/3年级2` and `/三年级二班` do; the class filter takes it too.
#[test]
fn searching_a_class_as_teachers_shorten_it_finds_it() {
    let mut app = app(Language::Zh);
    let in_class: usize = app.data.rows.iter().filter(|r| app.data.classes[r.class as usize] == "三年级2班").count();
    assert!(in_class > 0);
    for typed in ["三2", "三2班", "三(2)班", "3年级2", "三年级二班"] {
        app.update(Action::Search);
        app.update(Action::ClearLine);
        type_text(&mut app, typed);
        let shown: Vec<&str> = app
            .roster
            .shown()
            .iter()
            .map(|&r| app.data.classes[app.data.rows[r as usize].class as usize].as_str())
            .collect();
        assert_eq!(shown.len(), in_class, "{typed}: {shown:?}");
        assert!(shown.iter().all(|c| *c == "三年级2班"), "{typed}: {shown:?}");
        app.update(Action::Back);
    }
    app.update(Action::Filters);
    type_text(&mut app, "三2");
    let class = app.roster.filters().class.map(|c| app.data.classes[c as usize].clone());
    assert_eq!(class.as_deref(), Some("三年级2班"));
}

/// `E` reads a phone as the importer does: full-width digits (an IME) are digits, and spaces and dashes go but the
/// one after a landline's area code, so a list canbao exported reads back as no change.
#[test]
fn the_identity_form_saves_a_phone_as_the_importer_would() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    app.update(Action::OpenDetail);
    for (typed, stored) in
        [("１３９ 1234 5678", "13912345678"), ("0831 1234567", "0831-1234567"), (" 138 0000 1111 ", "13800001111")]
    {
        app.update(Action::EditIdentity);
        let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
        form.fields[3].set(typed);
        app.update(Action::Confirm);
        assert!(app.modal.is_none(), "{typed}: {}", screen(&app));
        assert_eq!(app.store.student(id).expect("s").phone, stored, "{typed}");
    }
    // The same number typed again with spaces is no change, and no audit row.
    let audit = app.store.audit_count().expect("count");
    app.update(Action::EditIdentity);
    let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
    form.fields[3].set("138 0000 1111");
    app.update(Action::Confirm);
    assert_eq!(app.store.audit_count().expect("count"), audit);
}

/// The status line's text, or "".
fn status_text(app: &App) -> String {
    app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default()
}

/// Making this year's policy from the list the stale 「未找到本校所在城市的政策…按 n 生成」 pointed at: once the policy
/// is written, that line is gone from the status line.
#[test]
fn the_hint_to_make_a_policy_goes_once_it_is_made() {
    let config = tempfile::tempdir().expect("dir");
    let mut store = store(false);
    let list = config.path().join("list.csv");
    std::fs::write(&list, "学校,姓名,身份证号码,年级,班级\n实验小学,王明,110101201901011238,一年级,1班\n")
        .expect("write");
    canbao::io::class_list::import(&mut store, &[list.as_path()], None, false).expect("import");
    let mut options = options(Language::Zh, Some("测试"));
    options.config_dir = Some(config.path().to_owned());
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(100, 30));
    app.open_new_policy(None);
    assert!(status_text(&app).contains("未找到本校所在城市的政策"), "{}", status_text(&app));
    app.update(Action::New);
    let Some(canbao::tui::modal::Modal::NewPolicy(_)) = &app.modal else { panic!("form: {}", screen(&app)) };
    app.update(Action::Confirm);
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Message(_))), "{}", screen(&app));
    app.update(Action::Confirm);
    assert!(!screen(&app).contains("未找到本校所在城市的政策"), "{}", screen(&app));
}

/// `e` on a selection opens where `e` on one of its pupils would: on the status most of them have (未确认 for a
/// class not yet asked), so `e ↓ Enter` means 在校参保 for one pupil and for a class alike, never 异地参保.
#[test]
fn the_bulk_enrollment_chooser_opens_on_the_status_most_selected_pupils_have() {
    let mut app = app(Language::Zh);
    let ids: Vec<i64> = app.data.rows.iter().take(3).map(|r| r.id).collect();
    for _ in 0..3 {
        app.update(Action::ToggleSelect);
    }
    app.update(Action::Enrollment);
    let Some(canbao::tui::modal::Modal::Enrollment(chooser)) = &app.modal else { panic!("chooser") };
    assert_eq!(chooser.status(), Enrollment::Unknown, "as for one pupil 未确认");
    app.update(Action::Down);
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked: {}", screen(&app)) };
    assert!(c.question.starts_with("将 3 名学生的参保状态改为 在校参保？"), "{}", c.question);
    app.update(Action::Yes);
    // Two of three declined: the chooser opens on 不参保.
    app.roster.clear_marks();
    for &id in &ids[..2] {
        app.store.set_enrollment(id, Enrollment::Declined, Some("已在外地参保")).expect("declined");
    }
    app.reload_roster();
    app.update(Action::Top);
    for _ in 0..3 {
        app.update(Action::ToggleSelect);
    }
    app.update(Action::Enrollment);
    let Some(canbao::tui::modal::Modal::Enrollment(chooser)) = &app.modal else { panic!("chooser") };
    assert_eq!(chooser.status(), Enrollment::Declined);
    assert_eq!(chooser.detail.text(), "", "no one pupil's reason for all");
}

/// The channel's digits are labels only where they act: while the amount has the focus, a digit is the amount's
/// (fast entry), and the channel row shows the names with how to reach them, not `1 微信`, which reads as a key.
#[test]
fn the_payment_channel_shows_its_digit_keys_only_when_it_has_the_focus() {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        app.update(Action::TogglePaid);
        let shown = screen(&app);
        let (digit, name) = match lang {
            Language::Zh => ("1 微信", "微信"),
            Language::En => ("1 WeChat", "WeChat"),
        };
        assert!(!shown.contains(digit) && shown.contains(name), "{shown}");
        type_text(&mut app, "1");
        let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("form") };
        assert_eq!((form.amount.text(), form.channel), ("1", None), "a digit on the amount is the amount's");
        app.update(Action::NextField);
        app.update(Action::NextField);
        let shown = screen(&app);
        assert!(shown.contains(digit), "{shown}");
        type_text(&mut app, "2");
        let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("form") };
        assert_eq!((form.amount.text(), form.channel), ("1", Some(1)));
    }
}

/// Yes to the benefit-place question goes on to the amount's: 340 against 350 due is asked as it is for any
/// pupil, and No goes back to the form as typed.
#[test]
fn after_the_benefit_place_question_a_different_amount_is_asked_too() {
    let (mut app, ids, _) = app_at_benefit_place(Language::Zh, "低保对象");
    app.update(Action::Down);
    app.update(Action::TogglePaid);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
    form.amount.set("340");
    form.amount_edited = true;
    // Typed, so the amount due is quoted for the day (liuzhou-2023's concentrated period: 350).
    form.date.set("2022-10-0");
    form.date_touched = true;
    app.update(Action::Down);
    type_text(&mut app, "8");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked: {}", screen(&app)) };
    assert!(c.question.contains("仍在本校登记缴费"), "{}", c.question);
    app.update(Action::Yes);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked again: {}", screen(&app)) };
    assert_eq!(c.question, "金额 340.00 元与应缴不符（应缴 350.00 元），仍要保存？");
    assert_eq!(app.store.student(ids[1]).expect("s").payment, PaymentStatus::Unpaid, "nothing saved yet");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("back to the form") };
    assert_eq!(form.amount.text(), "340");
    // Asked again from the start: both questions.
    app.update(Action::Confirm);
    app.update(Action::Yes);
    app.update(Action::Yes);
    let s = app.store.student(ids[1]).expect("s");
    assert_eq!((s.payment, s.payment_details.amount_fen), (PaymentStatus::Paid, Some(34000)));
}

/// No to 「…记为财政代缴？」 (one pupil whose premium a department pays, 0 元) and to a class's payment question goes
/// back to the form as typed, as No to 「金额与应缴不符」 does.
#[test]
fn no_to_the_full_subsidy_and_bulk_payment_questions_goes_back_to_the_form() {
    let mut store = store(true);
    let pupils: Vec<_> = store.students(&Default::default()).expect("list").into_iter().take(2).collect();
    let orphan =
        canbao::domain::student::CategoryMark { name: "孤儿".into(), department: "民政".into(), year: None };
    store.set_categories(pupils[1].id, &[orphan]).expect("category");
    let mut app = app_on_policy(store);
    app.update(Action::Down);
    let question = pay_0_on_the_8th(&mut app);
    assert!(question.contains("记为财政代缴"), "{question}");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else {
        panic!("back to the form: {}", screen(&app))
    };
    assert_eq!((form.amount.text(), form.date.text()), ("0", "2023-10-08"));
    assert_eq!(app.store.student(pupils[1].id).expect("s").payment, PaymentStatus::Unpaid);
    app.update(Action::Back);

    app.update(Action::Top);
    app.update(Action::ToggleSelect);
    app.update(Action::ToggleSelect);
    let question = pay_on_the_8th(&mut app, |_| {});
    assert!(question.starts_with("将 1 名学生登记为已缴费"), "{question}");
    app.update(Action::Back);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else {
        panic!("back to the form: {}", screen(&app))
    };
    assert_eq!(form.date.text(), "2023-10-08");
    assert_eq!(form.targets.len(), 2);
    assert!(pupils.iter().all(|p| app.store.student(p.id).expect("s").payment == PaymentStatus::Unpaid));
}

/// A drive of two schools that each have a 一年级1班 (a primary school and another school's lists imported under
/// its own name).
fn two_schools(lang: Language) -> App {
    let mut store = store(false);
    let today = store.today();
    for (school, rows) in [
        ("柳州市第一小学", "孙语,450203201909308803,一年级1班\n林彤瑶,450202201911276365,一年级1班\n"),
        ("柳州市第二小学", "何轩明,45020320190307775X,一年级1班\n"),
    ] {
        let text = format!("姓名,身份证号码,班级\n{rows}");
        let sheets = canbao::io::table::read_bytes(text.as_bytes(), "list.csv").expect("read");
        let inputs = vec![canbao::io::class_list::Input::Sheets("list.csv".to_owned(), sheets)];
        canbao::io::class_list::import_inputs(&mut store, inputs, Some(school), "本校", today, false).expect("import");
    }
    let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    app
}

/// The roster's headings on a drive of two schools, at 80 and 120 columns in both languages, with schools told
/// apart by a short word (第一, 第二) or by long ones the school column gives all it has: each heading stands
/// over its column (where its first row's value starts) and the categories' is whole, 「人员类别」 and
/// "Categories", not cut to "Categ.." at 80 columns.
#[test]
fn the_roster_headings_fit_over_their_columns_beside_the_school_column() {
    use unicode_width::UnicodeWidthStr;
    let at = |line: &str, word: &str| line.find(word).map(|i| line[..i].width());
    for names in [["柳州市第一小学", "柳州市第二小学"], ["柳州市城中区实验学校", "柳州市鱼峰区阳光实验学校"]]
    {
        for lang in [Language::Zh, Language::En] {
            for width in [80, 120] {
                let mut store = store(false);
                let today = store.today();
                for (school, rows) in names.iter().zip([
                    "孙语,450203201909308803,一年级1班\n林彤瑶,450202201911276365,一年级1班\n",
                    "何轩明,45020320190307775X,一年级1班\n",
                ]) {
                    let text = format!("姓名,身份证号码,班级\n{rows}");
                    let sheets = canbao::io::table::read_bytes(text.as_bytes(), "list.csv").expect("read");
                    let inputs = vec![canbao::io::class_list::Input::Sheets("list.csv".to_owned(), sheets)];
                    canbao::io::class_list::import_inputs(&mut store, inputs, Some(school), "本校", today, false)
                        .expect("import");
                }
                let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
                app.update(Action::Resize(width, 24));
                let shown = screen(&app);
                let lines: Vec<&str> = shown.lines().collect();
                let (header, row) = (lines[3], lines[4]);
                let (headings, values) = match lang {
                    Language::Zh => (
                        ["身份证号码", "班级", "参保状态", "缴费", "人员类别"],
                        ["4502", "一年级1班", "未确认", "未缴费"],
                    ),
                    Language::En => (
                        ["ID number", "Class", "Enrolled", "Payment", "Categories"],
                        ["4502", "一年级1班", "unknown", "unpaid"],
                    ),
                };
                let context = format!("{names:?} {lang:?} at {width}:\n{shown}");
                assert!(header.trim_end().ends_with(headings[4]), "the categories heading whole: {context}");
                for (heading, value) in headings.iter().zip(values) {
                    assert_eq!(at(header, heading), at(row, value), "{heading} over {value}: {context}");
                }
            }
        }
    }
}

/// Two schools' 一年级1班 are two classes in the filter, each named with its school, so `a` then a mark reaches
/// one school's class only; a selection that spans both schools says so in the question, with how many in each.
#[test]
fn the_class_filter_keeps_two_schools_classes_apart() {
    for lang in [Language::Zh, Language::En] {
        let mut app = two_schools(lang);
        let named = |school: &str| match lang {
            Language::Zh => format!("一年级1班（{school}）"),
            Language::En => format!("一年级1班 ({school})"),
        };
        app.update(Action::Filters);
        app.update(Action::Right);
        let panel = screen(&app);
        assert!(panel.contains(&named("柳州市第一小学")), "{panel}");
        app.update(Action::Confirm);
        assert_eq!(app.roster.shown().len(), 2, "one school's class");
        let shown = screen(&app);
        assert!(shown.lines().nth(1).is_some_and(|l| l.contains(&named("柳州市第一小学"))), "{shown}");
        app.update(Action::Filters);
        app.update(Action::Right);
        app.update(Action::Confirm);
        assert_eq!(app.roster.shown().len(), 1, "the other school's 一年级1班");
        assert!(screen(&app).contains(&named("柳州市第二小学")), "{}", screen(&app));
        // Every pupil shown, of both schools: the question counts them by school.
        app.update(Action::Back);
        assert_eq!(app.roster.shown().len(), 3);
        app.update(Action::SelectAll);
        app.update(Action::Enrollment);
        app.update(Action::Down);
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
        let schools = match lang {
            Language::Zh => "这 3 名学生分属 2 所学校：柳州市第一小学 2 名，柳州市第二小学 1 名",
            Language::En => "These 3 pupils are in 2 schools: 柳州市第一小学 2, 柳州市第二小学 1",
        };
        assert!(c.question.contains(schools), "{}", c.question);
        insta::assert_snapshot!(format!("bulk_two_schools_{}", lang_name(lang)), screen(&app));
        app.update(Action::Back);
        // One school's class selected: no word of schools.
        app.update(Action::Back);
        app.update(Action::Filters);
        app.update(Action::Right);
        app.update(Action::Confirm);
        app.update(Action::SelectAll);
        app.update(Action::Enrollment);
        app.update(Action::Down);
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
        assert!(!c.question.contains("柳州市"), "{}", c.question);
    }
}

/// Text typed into the roster by mistake (a shell command into the wrong window) saves nothing: its `c` opens the
/// category chooser, and the first key the chooser has no use for closes it unsaved, said in red, so neither the
/// spaces that follow (ticks) nor the Enter save a category; nor do the letters after it act as shortcuts until
/// the typing pauses (`canbao stats` once saved the note 「bao stats」 with its `n`, its text and its Enter). A key
/// the roster has no use for (`l`, `b`) says the same. A deliberate c ↓ Space Enter, after a pause, still saves.
#[test]
fn typing_meant_for_a_shell_saves_no_category() {
    for text in ["cd /tmp/t1 && ls -la", "clear; TZ=Asia/Shanghai canbao --operator 李老师", "canbao stats", "ls -la"]
    {
        let mut app = app(Language::Zh);
        let id = app.selected_id().expect("pupil");
        let pupils = |app: &App| format!("{:?}", app.store.students(&Default::default()).expect("list"));
        let (before, history) = (pupils(&app), app.store.history(id).expect("history").len());
        for c in text.chars() {
            press(&mut app, KeyCode::Char(c));
        }
        press(&mut app, KeyCode::Enter);
        assert_eq!(app.store.history(id).expect("history").len(), history, "{text}: {:?}", app.status);
        assert_eq!(pupils(&app), before, "{text}: nobody changed");
    }
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        press(&mut app, KeyCode::Char('c'));
        press(&mut app, KeyCode::Char(' '));
        press(&mut app, KeyCode::Char('d'));
        assert!(app.modal.is_none(), "the chooser closed");
        let status = app.status.as_ref().expect("said");
        assert!(status.error, "in red");
        let said = match lang {
            Language::Zh => "类别未保存：「d」在类别选择中无效",
            Language::En => "Categories not saved: \"d\" is no key there",
        };
        assert!(status.text.contains(said), "{}", status.text);
        // The keys typed next are not taken until the operator stops typing, which the status line then counts.
        press(&mut app, KeyCode::Char('n'));
        assert!(app.modal.is_none(), "no note opened: {}", screen(&app));
        app.typing_paused();
        let said = match lang {
            Language::Zh => "其后 1 个键无效",
            Language::En => "1 more key(s) did nothing",
        };
        assert!(status_text(&app).contains(said), "{}", status_text(&app));
        // On purpose: ↓ Space Enter saves the category ticked.
        let id = app.selected_id().expect("pupil");
        press(&mut app, KeyCode::Char('c'));
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Char(' '));
        press(&mut app, KeyCode::Enter);
        assert!(!app.store.student(id).expect("pupil").categories.is_empty(), "{:?}", app.status);
    }
}

/// `canbao stats` typed into the roster through the real event loop, as one run of keys: nothing is saved, and the
/// status line says the keys did nothing. Once the typing pauses the keys act again: `p`, an amount and Enter pay.
#[test]
fn a_pause_after_text_typed_by_mistake_gives_the_keys_back() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    let mut script: std::collections::VecDeque<Paced> = paced("canbao stats\n").collect();
    script.push_back(Paced::Pause);
    // A look at the payment form before the amount.
    script.extend(paced("p"));
    script.push_back(Paced::Pause);
    script.extend(paced("380\n"));
    script.push_back(Paced::Pause);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    run_loop(&mut terminal, &mut app, &mut PacedScript(script)).expect("loop");
    assert!(app.quit);
    let pupils = app.store.students(&Default::default()).expect("list");
    assert!(pupils.iter().all(|s| s.note.is_empty()), "no note saved");
    let pupil = app.store.student(id).expect("s");
    assert!(pupil.categories.is_empty(), "no category saved");
    assert_eq!(pupil.payment, PaymentStatus::Paid, "the keys after the pause act");
    let stats = app.store.stats(None, None).expect("stats");
    assert_eq!(stats.payment["paid"], 1, "one payment, the one meant");
}

/// Runs the real event loop over `script` (keys as typed, `Paced::Pause` a pause in the typing), then Ctrl-c.
fn run_paced(app: &mut App, script: impl IntoIterator<Item = Paced>) {
    app.quit = false;
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    run_loop(&mut terminal, app, &mut PacedScript(script.into_iter().collect())).expect("loop");
    assert!(app.quit);
}

/// An operator who knows the chooser opens it and moves in it at once (`e`, Down, Enter, a key every fifth of a
/// second): the arrows and Enter are keys no text is typed with, so they act in the dialog `e` opened, and the
/// next choice is saved for the child under the cursor; a letter typed right after `e` still makes it text typed
/// astray, closed unsaved.
#[test]
fn arrows_and_enter_right_after_a_dialog_opens_act_in_it() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    let before = app.store.student(id).expect("pupil").enrollment;
    // A fifth of a second apart: no burst, as a paste's keys come.
    let by_hand = paced("ev\n").flat_map(|key| [key, Paced::Sleep(200)]);
    run_paced(&mut app, [Paced::Pause].into_iter().chain(by_hand).chain([Paced::Pause]));
    assert!(!app.typing_astray(), "{}", screen(&app));
    let after = app.store.student(id).expect("pupil").enrollment;
    assert_ne!(after, before, "the next choice saved: {}", screen(&app));
    assert_eq!(app.selected_id(), Some(id));

    let mut typed = self::app(Language::Zh);
    let id = typed.selected_id().expect("pupil");
    run_paced(&mut typed, [Paced::Pause].into_iter().chain(paced("ex\n")).chain([Paced::Pause]));
    assert_eq!(typed.store.student(id).expect("pupil").enrollment, before, "{}", screen(&typed));
    assert!(typed.modal.is_none(), "{}", screen(&typed));
}

/// An Enter right after `x` or `:` (a stray 「x⏎」 or 「:⏎」 typed into canbao's window) exports nothing and runs no
/// command: the dialog closes unsaved and the status line says the key was not done, where the Enter exported to
/// the path offered or ran the palette's first command (the import). Tab and the arrows right after them still act
/// in the dialog, and after a look Enter does what it says.
#[test]
fn an_enter_right_after_export_or_the_palette_writes_and_runs_nothing() {
    use canbao::tui::modal::Modal;
    for opener in ['x', ':'] {
        let mut app = app(Language::Zh);
        app.report_pauses();
        press(&mut app, KeyCode::Char(opener));
        assert!(app.modal.is_some(), "{opener}: open at once");
        app.key_in_run(true);
        press(&mut app, KeyCode::Enter);
        assert!(app.modal.is_none(), "{opener}: {}", screen(&app));
        assert!(app.jobs.running().is_none(), "{opener}: nothing started");
        let said = format!("「{opener}」（");
        assert!(status_text(&app).starts_with(&said), "{opener}: {}", status_text(&app));
        assert!(status_text(&app).contains("未执行：紧接着还有按键"), "{opener}: {}", status_text(&app));
        // Through the event loop, and in English.
        let mut app = self::app(Language::En);
        run_paced(&mut app, [Paced::Pause].into_iter().chain(paced(&format!("{opener}\n"))).chain([Paced::Pause]));
        assert!(app.modal.is_none(), "{opener}: {}", screen(&app));
        assert!(app.jobs.running().is_none(), "{opener}: nothing started");
    }
    // Tab and the arrows right after them, at a hand's pace (not in the same burst), are steps inside: the
    // palette moves, the path is completed.
    let mut app = app(Language::Zh);
    app.report_pauses();
    press(&mut app, KeyCode::Char(':'));
    app.key_in_run(true);
    app.key_in_burst(false);
    press(&mut app, KeyCode::Down);
    assert!(matches!(app.modal, Some(Modal::Palette { cursor: 1, .. })), "{}", screen(&app));
    assert!(!app.typing_astray());
    let mut app = self::app(Language::Zh);
    app.report_pauses();
    press(&mut app, KeyCode::Char('x'));
    app.key_in_run(true);
    app.key_in_burst(false);
    press(&mut app, KeyCode::Tab);
    assert!(matches!(app.modal, Some(Modal::Path(_))), "{}", screen(&app));
    assert!(!app.typing_astray());
    // After a look, Enter runs the palette's first command (the import's file picker opens).
    let mut app = self::app(Language::Zh);
    app.report_pauses();
    press(&mut app, KeyCode::Char(':'));
    app.typing_paused();
    app.key_in_run(false);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.modal, Some(Modal::Files(_) | Modal::Path(_))), "{}", screen(&app));
}

/// Digits typed on the roster (part of an ID number read off a card) start the search they would after `/`, as a
/// name typed in Chinese does; a digit inside a run of other keys is still text typed astray.
#[test]
fn digits_typed_after_a_pause_start_the_search() {
    let mut searched = app(Language::Zh);
    searched.update(Action::Search);
    type_text(&mut searched, "8803");
    let want = screen(&searched);
    let mut typed = app(Language::Zh);
    type_text(&mut typed, "8803");
    assert!(!typed.typing_astray());
    assert_eq!(screen(&typed), want);

    let mut paced_digits = app(Language::Zh);
    run_paced(&mut paced_digits, [Paced::Pause].into_iter().chain(paced("8803")).chain([Paced::Pause]));
    assert!(screen(&paced_digits).contains("8803"), "{}", screen(&paced_digits));
    assert!(!paced_digits.typing_astray());

    let mut in_run = app(Language::Zh);
    run_paced(&mut in_run, [Paced::Pause].into_iter().chain(paced("ls 2")));
    assert!(in_run.typing_astray() || !in_run.roster.is_searching(), "{}", screen(&in_run));
}

fn reveals(app: &App) -> i64 {
    app.store
        .connection()
        .query_row("SELECT count(*) FROM audit WHERE action = 'reveal'", [], |r| r.get(0))
        .expect("count")
}

/// `r` inside text typed into canbao's window by mistake (`grep -r x` as if into the shell) shows no ID number and
/// records no reveal: `r` acts once the keys pause after it, and the `e` right after it shows it was a letter of
/// typed text, said on the status line. A deliberate `r`, then a look at the screen, shows the numbers, recorded.
#[test]
fn an_r_inside_typed_text_reveals_no_number() {
    let mut app = app(Language::Zh);
    let pupils = app.store.students(&Default::default()).expect("list");
    run_paced(&mut app, paced("grep -r x\n").chain([Paced::Pause]));
    assert!(!app.reveal && app.revealed_pupil.is_none(), "{}", screen(&app));
    assert_eq!(reveals(&app), 0, "no reveal recorded");
    assert!(pupils.iter().all(|p| !screen(&app).contains(&p.id_number)), "{}", screen(&app));
    // Said while the keys are ignored: which key did not act, and why.
    let mut app = self::app(Language::En);
    app.report_pauses();
    press(&mut app, KeyCode::Char('r'));
    press(&mut app, KeyCode::Char('m'));
    assert!(!app.reveal);
    let said = "\"r\" (show IDs) not done: more keys came right after it";
    assert!(status_text(&app).starts_with(said), "{}", status_text(&app));
    // Nor at the end of a run of keys, the pause only after it (`jar`): said, nothing shown.
    let mut app = self::app(Language::Zh);
    run_paced(&mut app, paced("jar").chain([Paced::Pause]));
    assert!(!app.reveal, "{}", screen(&app));
    assert_eq!(reveals(&app), 0, "no reveal recorded");
    let mut app = self::app(Language::Zh);
    app.report_pauses();
    app.key_in_run(true);
    press(&mut app, KeyCode::Char('r'));
    assert!(status_text(&app).starts_with("「r」（显示证件）未执行：紧跟在其他按键之后"), "{}", status_text(&app));
    // On purpose: `r`, then a pause; or a key, a pause, then `r` and a pause: asked, and shown on Yes.
    let mut app = self::app(Language::Zh);
    let yes = || [Paced::Pause, Paced::Pause, Paced::Sleep(400)].into_iter().chain(paced("y")).chain([Paced::Pause]);
    run_paced(&mut app, paced("r").chain(yes()));
    assert!(app.reveal, "{}", screen(&app));
    assert_eq!(reveals(&app), 1, "recorded as ever");
    let mut app = self::app(Language::Zh);
    run_paced(&mut app, paced("j").chain([Paced::Pause]).chain(paced("r")).chain(yes()));
    assert!(app.reveal, "{}", screen(&app));
}

/// A name typed on the roster without `/` first (qinbo) does not close canbao at its `q`: the `q` waits for the
/// pause after it, and the `i` right after it shows it was a letter of typed text, said on the status line. A
/// deliberate `q`, then a pause, closes it; Ctrl-c closes it at once, even while keys are ignored.
#[test]
fn the_q_of_a_name_typed_without_a_slash_does_not_close_canbao() {
    let mut app = app(Language::Zh);
    run_paced(&mut app, paced("qinbo").chain([Paced::Pause]).chain(paced("/孙")));
    assert!(app.roster.is_searching(), "still open after qinbo: {}", screen(&app));
    let mut app = self::app(Language::Zh);
    app.report_pauses();
    app.key_is_character(true);
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.quit, "waits for the pause");
    press(&mut app, KeyCode::Char('i'));
    assert!(!app.quit);
    assert!(status_text(&app).starts_with("「q」（退出）未执行：紧接着还有按键"), "{}", status_text(&app));
    app.typing_paused();
    assert!(!app.quit, "the q of typed text never acts");
    // On purpose: `q` and a pause; the keys after it are never read.
    let mut app = self::app(Language::Zh);
    run_paced(&mut app, paced("q").chain([Paced::Pause]).chain(paced("/孙")));
    assert!(!app.roster.is_searching(), "closed at the pause after q: {}", screen(&app));
    // Ctrl-c is never typed by mistake: at once.
    let mut app = self::app(Language::Zh);
    app.report_pauses();
    app.key_is_character(true);
    app.key_in_run(true);
    press(&mut app, KeyCode::Char('q'));
    assert!(!app.quit, "a q at the end of a run of keys is not done either");
    let mut app = self::app(Language::Zh);
    app.report_pauses();
    app.update(Action::Quit);
    assert!(app.quit, "Ctrl-c (no character typed) closes at once");
    // Also while the keys are ignored as typed astray, and while a key waits for the pause.
    for typed in ["b", "q", "u"] {
        let mut app = self::app(Language::Zh);
        app.report_pauses();
        app.key_is_character(true);
        press(&mut app, KeyCode::Char(typed.chars().next().expect("key")));
        assert!(app.waits_for_pause(), "{typed}");
        press_ctrl_c(&mut app);
        assert!(app.quit, "Ctrl-c after {typed}");
    }
}

/// Text typed into canbao's window by mistake whose first letters move the cursor (`jjg` of a command, `kj` of a
/// name) leaves the cursor where it was once the run shows it was typed astray: the next deliberate key is for
/// the child the operator was looking at, on the roster and on the detail screen, and the status line says so.
#[test]
fn keys_typed_astray_put_the_cursor_back_on_the_child_it_was_on() {
    let mut app = app(Language::Zh);
    let first = app.selected_id().expect("pupil");
    run_paced(&mut app, [Paced::Pause].into_iter().chain(paced("jjjb")).chain([Paced::Pause]));
    assert_eq!(app.selected_id(), Some(first), "{}", screen(&app));
    // Said as the run shows it was typed astray.
    let mut app = self::app(Language::Zh);
    app.report_pauses();
    for (i, c) in "jjb".chars().enumerate() {
        app.key_in_run(i > 0);
        app.key_is_character(true);
        press(&mut app, KeyCode::Char(c));
    }
    assert_eq!(app.selected_id(), Some(first), "{}", screen(&app));
    assert!(status_text(&app).contains("光标和选择已复原"), "{}", status_text(&app));
    // On the detail screen, opened on purpose: the pupil shown comes back too.
    let mut app = self::app(Language::Zh);
    run_paced(
        &mut app,
        paced("jj")
            .chain([Paced::Pause])
            .chain(paced("\n"))
            .chain([Paced::Pause])
            .chain(paced("jkjjbz"))
            .chain([Paced::Pause]),
    );
    let third = app.store.students(&Default::default()).expect("list")[2].id;
    assert_eq!(app.selected_id(), Some(third), "{}", screen(&app));
    assert_eq!(app.detail.as_ref().map(|d| d.student.id), Some(third), "{}", screen(&app));
    // A Space among them (`jjj ls`) selected a child for the next mark: unselected again.
    let mut app = self::app(Language::Zh);
    run_paced(&mut app, [Paced::Pause].into_iter().chain(paced("jjj ls")).chain([Paced::Pause]));
    assert_eq!(app.selected_id(), Some(first), "{}", screen(&app));
    assert!(app.roster.marked().is_empty(), "{:?} {}", app.roster.marked(), screen(&app));
    // Selected on purpose, then a pause: kept.
    let mut app = self::app(Language::Zh);
    run_paced(
        &mut app,
        [Paced::Pause].into_iter().chain(paced(" ")).chain([Paced::Pause]).chain(paced("b")).chain([Paced::Pause]),
    );
    assert_eq!(app.roster.marked().len(), 1, "{}", screen(&app));
    // Moving on purpose, then a pause: the cursor stays where it was moved.
    let mut app = self::app(Language::Zh);
    run_paced(&mut app, paced("jj").chain([Paced::Pause]).chain(paced("b")).chain([Paced::Pause]));
    assert_ne!(app.selected_id(), Some(first), "{}", screen(&app));
}

/// A run typed astray that reaches a key opening a question (`jjfind x` typed in one burst on the roster: `jj`
/// moves the cursor, `f` asks 「标记为财政代缴？」 while `ind x` is already waiting) closes the question unanswered
/// and puts the cursor back on the child it was on, saying so, where the question stayed open on the child `jj`
/// moved to and the cursor with it.
#[test]
fn a_run_typed_astray_that_opens_a_question_closes_it_and_puts_the_cursor_back() {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        let first = app.selected_id().expect("pupil");
        run_paced(&mut app, [Paced::Pause].into_iter().chain(paced("jjfind x")).chain([Paced::Pause]));
        assert_eq!(app.selected_id(), Some(first), "{}", screen(&app));
        assert_eq!(app.store.stats(None, None).expect("stats").payment["government"], 0);
    }
    // Said as the question closes, before the pause.
    let mut app = app(Language::Zh);
    app.report_pauses();
    for (i, c) in "jjf".chars().enumerate() {
        app.key_in_run(i > 0);
        app.key_is_character(true);
        press(&mut app, KeyCode::Char(c));
    }
    assert!(app.question().is_some(), "asked at once");
    app.keys_ignored(5);
    assert!(app.modal.is_none(), "{}", screen(&app));
    assert!(status_text(&app).starts_with("「f」（代缴）未执行：紧接着还有按键"), "{}", status_text(&app));
    assert!(status_text(&app).ends_with("；光标和选择已复原"), "{}", status_text(&app));
}

/// A look at a question a key just opened: a pause (the first is read as the question is drawn, `runner::drain`,
/// the second by the event loop) and the moment the event loop gives a question before taking its answer.
fn look() -> [Paced; 3] {
    [Paced::Pause, Paced::Pause, Paced::Sleep(350)]
}

/// How many pupils are marked 财政代缴 after `keys` on the roster, a look at the question they open, then
/// `answer`; the app afterwards.
fn government_after(keys: &str, answer: impl IntoIterator<Item = Paced>) -> (App, i64) {
    let mut app = app(Language::Zh);
    let script = [Paced::Pause].into_iter().chain(paced(keys)).chain(look());
    run_paced(&mut app, script.chain(answer));
    let marked = app.store.stats(None, None).expect("stats").payment["government"];
    (app, marked)
}

/// A letter answering a question is a letter of typed text when more keys come right after it (`f`, a look,
/// then `yes`, `ls` and its Enter, as if into the shell) or right before it (`busy`): the question closes
/// unanswered and nothing is marked, where the `y` (or the `l` moving to 是, and Enter) marked the pupil 财政代缴.
/// A question opened by a key that came right after others (the `f` of `jjf`) takes no letter as its answer,
/// and says to answer with the arrow keys and Enter. A `y` on its own after a look, the keys pausing after it,
/// answers as before.
#[test]
fn a_letter_typed_on_does_not_answer_a_question() {
    let pause = || [Paced::Pause];
    for typed in ["yes", "ls\n", "busy", "y\n"] {
        let (app, marked) = government_after("f", paced(typed).chain(pause()));
        assert_eq!(marked, 0, "{typed}: {}", screen(&app));
    }
    // Said as the question closes.
    let mut app = self::app(Language::Zh);
    app.report_pauses();
    press(&mut app, KeyCode::Char('f'));
    app.typing_paused();
    app.key_in_run(false);
    app.key_is_character(true);
    press(&mut app, KeyCode::Char('y'));
    assert!(app.question().is_some(), "y waits for the pause");
    app.key_in_run(true);
    press(&mut app, KeyCode::Char('e'));
    assert!(app.modal.is_none(), "{}", screen(&app));
    assert!(status_text(&app).starts_with("「y」（是）未执行：紧接着还有按键"), "{}", status_text(&app));
    // On purpose: `y` and a pause, or an arrow to 是 and Enter.
    assert_eq!(government_after("f", paced("y").chain(pause())).1, 1);
    let right = Paced::Key(key(KeyCode::Right, KeyEventKind::Press));
    assert_eq!(government_after("f", [right].into_iter().chain(paced("\n")).chain(pause())).1, 1);
    // Opened by the `f` of `jjf`: no letter answers, the arrows and Enter do.
    let (app, marked) = government_after("jjf", paced("y").chain(pause()));
    assert_eq!(marked, 0, "{}", screen(&app));
    assert!(status_text(&app).starts_with("「y」未作回答：提问紧跟在其他按键之后打开"), "{}", status_text(&app));
    let right = Paced::Key(key(KeyCode::Right, KeyEventKind::Press));
    assert_eq!(government_after("jjf", [right].into_iter().chain(paced("\n")).chain(pause())).1, 1);
}

/// The status line says the whole of what keys typed astray did, at 80 columns as at 120 and in both languages:
/// a key no screen has (`jjjb`), a key that opens a dialog with more keys right after it (`jjfi`), one that waits
/// for a pause coming right after other keys (`jjr`), and what the pause then says (`jjjbzz`), each with the
/// cursor put back, where the end of it (that the cursor went back) was cut off even at 120 columns.
#[test]
fn what_keys_typed_astray_did_is_said_whole() {
    for lang in [Language::Zh, Language::En] {
        for (width, height) in [(80, 24), (120, 40)] {
            for (keys, pause) in [("jjjb", false), ("jjfi", false), ("jjr", false), ("jjjbzz", true)] {
                let mut app = app(lang);
                app.update(Action::Resize(width, height));
                app.report_pauses();
                for (i, c) in keys.chars().enumerate() {
                    app.key_in_run(i > 0);
                    app.key_is_character(true);
                    press(&mut app, KeyCode::Char(c));
                }
                if pause {
                    app.typing_paused();
                }
                let said = status_text(&app);
                let back = if lang == Language::Zh { "；光标和选择已复原" } else { "; cursor put back" };
                assert!(said.ends_with(back), "{keys}: {said}");
                let shown = screen(&app);
                assert!(shown.lines().any(|line| line.trim() == said), "{keys} at {width}×{height}: {said}\n{shown}");
                if pause {
                    insta::assert_snapshot!(format!("keys_astray_{width}x{height}_{}", lang_name(lang)), shown);
                }
            }
        }
    }
}

/// 「姓名不能为空…」, said at an Enter on an empty name, and what the prompt said of keys not taken as the name,
/// go from the status line once a name is taken, where they stayed under the roster.
#[test]
fn what_the_name_prompt_said_goes_once_a_name_is_taken() {
    for (lang, said) in [(Language::Zh, "姓名不能为空"), (Language::En, "The name cannot be empty")] {
        let mut app = App::new(store(true), &options(lang, None)).expect("app");
        app.update(Action::Resize(80, 24));
        app.update(Action::Confirm);
        assert!(status_text(&app).starts_with(said), "{}", status_text(&app));
        type_text(&mut app, "李老师");
        app.update(Action::Confirm);
        assert!(app.modal.is_none(), "{}", screen(&app));
        assert_eq!(status_text(&app), "", "{}", screen(&app));
        assert!(!screen(&app).contains(said), "{}", screen(&app));
        // Keys typed before the prompt showed, then a pause.
        let mut app = App::new(store(true), &options(lang, None)).expect("app");
        app.update(Action::Resize(80, 24));
        app.report_pauses();
        app.keys_ignored(6);
        app.typing_paused();
        assert!(!status_text(&app).is_empty());
        type_text(&mut app, "李老师");
        app.update(Action::Confirm);
        assert_eq!(app.store.operator(), "李老师");
        assert_eq!(status_text(&app), "", "{}", screen(&app));
    }
}

/// A command typed into canbao's window by mistake that starts with `n` (`nano x`, `npm i`, `node`) saves no note:
/// the note editor `n` opens closes unsaved at the next key typed before a pause, and the keys after it, the
/// command's Enter among them, do nothing until the typing pauses. A deliberate `n`, a look, the text and Enter
/// save the note.
#[test]
fn a_command_starting_with_n_saves_no_note() {
    for text in ["nano x\n", "npm i\n", "node\n", "n\n"] {
        let mut app = app(Language::Zh);
        let id = app.selected_id().expect("pupil");
        run_paced(&mut app, paced(text).chain([Paced::Pause]));
        assert!(app.modal.is_none(), "{text}: {}", screen(&app));
        let pupils = app.store.students(&Default::default()).expect("list");
        assert!(pupils.iter().all(|s| s.note.is_empty()), "{text}: no note saved");
        assert_eq!(app.store.history(id).expect("h").len(), 1, "{text}: nothing written");
    }
    // Said as the editor closes.
    let mut app = app(Language::Zh);
    app.report_pauses();
    press(&mut app, KeyCode::Char('n'));
    assert!(app.modal.is_some(), "open at once");
    press(&mut app, KeyCode::Char('a'));
    assert!(app.modal.is_none(), "{}", screen(&app));
    assert!(status_text(&app).starts_with("「n」（备注）未执行：紧接着还有按键"), "{}", status_text(&app));
    // On purpose: `n`, a pause, the note, Enter.
    let mut app = self::app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    let mut script: Vec<Paced> = paced("n").collect();
    script.push(Paced::Pause);
    script.extend(paced("abc\n"));
    script.push(Paced::Pause);
    run_paced(&mut app, script);
    assert_eq!(app.store.student(id).expect("s").note, "abc");
}

/// `u` inside typed text (`uname -a` as if into the shell) undoes nothing: it acts once the keys pause after it. A
/// deliberate `u` undoes the payment and says whose and what, with the key that redoes it; Ctrl-r redoes it.
#[test]
fn a_u_inside_typed_text_undoes_nothing() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    let mut script: Vec<Paced> = paced("p").collect();
    script.push(Paced::Pause);
    script.extend(paced("380\n"));
    script.push(Paced::Pause);
    script.extend(paced("uname -a\n"));
    script.push(Paced::Pause);
    run_paced(&mut app, script);
    let pupil = app.store.student(id).expect("s");
    assert_eq!(pupil.payment, PaymentStatus::Paid, "not undone: {}", status_text(&app));
    assert!(pupil.note.is_empty(), "no note");
    let mut app = self::app(Language::Zh);
    let mut script: Vec<Paced> = paced("p").collect();
    script.push(Paced::Pause);
    script.extend(paced("380\n"));
    script.push(Paced::Pause);
    script.extend(paced("u"));
    script.push(Paced::Pause);
    run_paced(&mut app, script);
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid, "undone on purpose");
    let ctrl_r = Paced::Key(Event::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)));
    run_paced(&mut app, [ctrl_r, Paced::Pause]);
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Paid, "redone on purpose");
}

/// An undo says whose change it undid and what it wrote back, with the key that redoes it; a redo the same, with the
/// key that undoes it again: a `u` pressed by mistake is seen, and taken back with one key.
#[test]
fn undo_and_redo_say_what_they_wrote_and_how_to_take_it_back() {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        let id = app.selected_id().expect("pupil");
        let name = app.store.student(id).expect("s").name;
        app.update(Action::EditNote);
        type_text(&mut app, "欠费");
        app.update(Action::Confirm);
        app.update(Action::Undo);
        let said = match lang {
            Language::Zh => format!("已撤销（{name}：备注改回无）；按 Ctrl-r 重做"),
            Language::En => format!("Undone ({name}: note now none); Ctrl-r redoes it"),
        };
        assert_eq!(status_text(&app), said);
        app.update(Action::Redo);
        let said = match lang {
            Language::Zh => format!("已重做（{name}：备注改为欠费）；按 u 再撤销"),
            Language::En => format!("Redone ({name}: note to 欠费); u undoes it again"),
        };
        assert_eq!(status_text(&app), said);
        assert_eq!(app.store.student(id).expect("s").note, "欠费");
    }
}

/// Keys typed before the operator's name is asked (the rest of a shell command, typed while canbao started) are
/// not the name: dropped when the prompt is first drawn, said on the status line, and so are the keys of the same
/// run still arriving, until the typing pauses. The name typed at the prompt is the name saved.
#[test]
fn keys_typed_before_the_name_prompt_are_not_the_name() {
    let mut app = App::new(store(true), &options(Language::Zh, None)).expect("app");
    app.update(Action::Resize(80, 24));
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Operator(_))));
    // Waiting as the prompt is first drawn; then the same run still arriving; a pause; the name.
    let mut script: Vec<Paced> = paced("ls -la").collect();
    script.push(Paced::Pause);
    script.extend(paced("abc\n"));
    script.push(Paced::Pause);
    script.extend(paced("李老师\n"));
    script.push(Paced::Pause);
    let mut events = PacedScript(script.into_iter().collect());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    run_loop(&mut terminal, &mut app, &mut events).expect("loop");
    assert_eq!(app.store.operator(), "李老师");
    // What the status line says as the prompt shows.
    let mut app = App::new(store(true), &options(Language::Zh, None)).expect("app");
    app.update(Action::Resize(80, 24));
    app.keys_ignored(6);
    assert!(status_text(&app).starts_with("姓名提示出现前按下的 6 个键未作为姓名"), "{}", status_text(&app));
    assert!(app.typing_astray(), "the rest of the run is ignored too");
}

/// The name prompt as the screen starts, run through the event loop with `script` after it is first drawn (no
/// key waiting then); the app afterwards.
fn name_prompt_after(script: Vec<Paced>) -> App {
    let mut app = App::new(store(true), &options(Language::Zh, None)).expect("app");
    app.update(Action::Resize(80, 24));
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Operator(_))));
    // Nothing waits as the prompt is first drawn: the keys come right after it.
    let mut events = PacedScript(std::iter::once(Paced::Pause).chain(script).collect());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    run_loop(&mut terminal, &mut app, &mut events).expect("loop");
    app
}

/// Keys that arrive as the operator's name is asked, before the keys pause after it shows (a hurried operator
/// typing on, a paste), are not the name and their Enter saves nothing, where they were typed into the field
/// and the Enter took them as the operator recorded on every change: the prompt takes keys after a pause, as a
/// dialog a key opened does.
#[test]
fn keys_arriving_as_the_name_prompt_shows_are_not_the_name() {
    let mut script: Vec<Paced> = paced("abc\n").collect();
    script.push(Paced::Pause);
    let app = name_prompt_after(script);
    assert_eq!(app.store.operator(), "", "{}", screen(&app));
    assert!(status_text(&app).contains("4 个键无效"), "{}", status_text(&app));
    // Said while the rest of the run is ignored (as the event loop would have it, stopped before the pause).
    for (lang, said) in
        [(Language::Zh, "姓名提示出现时按下的键未作为姓名"), (Language::En, "Keys pressed as this prompt")]
    {
        let mut app = App::new(store(true), &options(lang, None)).expect("app");
        app.update(Action::Resize(80, 24));
        app.report_pauses();
        app.guarded_dialog_drawn();
        app.update(Action::Input('a'));
        assert!(status_text(&app).starts_with(said), "{}", status_text(&app));
        assert!(app.typing_astray());
    }
    // A paste as the prompt shows, then Enter in the same moment: nothing saved.
    let paste = Paced::Key(Event::Paste("ls -la".to_owned()));
    let app = name_prompt_after(std::iter::once(paste).chain(paced("\n")).chain([Paced::Pause]).collect());
    assert_eq!(app.store.operator(), "");
    // After a pause the prompt takes the name typed, and a paste too.
    let mut script = vec![Paced::Pause];
    script.extend(paced("李老师\n"));
    script.push(Paced::Pause);
    assert_eq!(name_prompt_after(script).store.operator(), "李老师");
    let script = vec![Paced::Pause, Paced::Key(Event::Paste("王老师".to_owned())), Paced::Pause];
    let script: Vec<Paced> = script.into_iter().chain(paced("\n")).chain([Paced::Pause]).collect();
    assert_eq!(name_prompt_after(script).store.operator(), "王老师");
    // Esc still leaves at once.
    let app = name_prompt_after(vec![Paced::Key(key(KeyCode::Esc, KeyEventKind::Press))]);
    assert!(app.quit);
}

/// A pupil's number or name pasted on the roster, the detail screen or the dashboard (copied from a message or a
/// sheet) is searched for, as after `/`: a paste is never a command. A page of text is not, and says so.
#[test]
fn text_pasted_on_a_screen_is_searched_for() {
    let mut app = app(Language::Zh);
    let pupils = app.store.students(&Default::default()).expect("list");
    let wanted = &pupils[7];
    for screen_key in [None, Some(Action::OpenDetail), Some(Action::Dashboard)] {
        let mut app = self::app(Language::Zh);
        if let Some(action) = screen_key {
            app.update(action);
        }
        app.update(Action::Paste(format!(" {}\n", wanted.id_number)));
        assert!(app.roster.is_searching(), "{}", screen(&app));
        assert_eq!(app.roster.search_input().text(), wanted.id_number);
        assert_eq!(app.selected_id(), Some(wanted.id), "{}", screen(&app));
    }
    app.update(Action::Paste("x".repeat(65)));
    assert!(!app.roster.is_searching());
    assert!(status_text(&app).starts_with("粘贴的文字过长（65 个字）"), "{}", status_text(&app));
    app.update(Action::Paste("  ".to_owned()));
    assert!(!app.roster.is_searching());
}

/// Enter on the name left empty (or spaces) is not taken, and says so, the prompt staying: no change is recorded
/// under no name by a silent Enter.
#[test]
fn an_empty_name_is_refused_aloud() {
    for (lang, said) in [(Language::Zh, "姓名不能为空"), (Language::En, "The name cannot be empty")] {
        let mut app = App::new(store(true), &options(lang, None)).expect("app");
        app.update(Action::Resize(80, 24));
        type_text(&mut app, "  ");
        app.update(Action::Confirm);
        assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Operator(_))));
        assert_eq!(app.store.operator(), "");
        assert!(status_text(&app).starts_with(said), "{}", status_text(&app));
    }
}

/// A drive copied from another laptop, whose remembered operator was typed there, asks for the operator on this
/// one: the other laptop's name is said above an empty field, not put in it, where one Enter would take it again.
#[test]
fn a_drive_from_another_laptop_asks_for_this_laptops_operator() {
    for lang in [Language::Zh, Language::En] {
        let config = tempfile::tempdir().expect("dir");
        let mut drive = store(true);
        drive.set_operator("王老师").expect("operator");
        drive.set_meta(canbao::store::OPERATOR_INSTALLATION, &"a".repeat(32)).expect("meta");
        drive.on_installation(canbao::installation::Installation::in_folder(config.path())).expect("laptop");
        let mut app = App::new(drive, &options(lang, None)).expect("app");
        app.update(Action::Resize(80, 24));
        assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Operator(ref i)) if i.is_empty()));
        insta::assert_snapshot!(format!("operator_elsewhere_{}", lang_name(lang)), screen(&app));
        app.update(Action::Confirm);
        assert_eq!(app.store.operator(), "", "Enter takes no name");
        type_text(&mut app, "李老师");
        app.update(Action::Confirm);
        assert_eq!(app.store.operator(), "李老师");
        assert!(app.modal.is_none());
    }
}

/// A lone `f` marks nobody: on an unpaid pupil with a category it asks (No by default), as it does for every other
/// pupil, so an `f` among the letters of a command typed into the wrong window (`free -h`) changes no one.
#[test]
fn a_lone_f_marks_nobody_without_a_yes() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    app.update(Action::Categories);
    app.update(Action::ToggleSelect);
    app.update(Action::Confirm);
    let name = app.store.student(id).expect("s").name;
    app.update(Action::ToggleGovernment);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked: {}", screen(&app)) };
    assert_eq!(c.question, format!("将 {name} 标记为财政代缴？"));
    assert!(!c.yes, "No by default");
    app.update(Action::Confirm);
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid, "Enter on No marks nobody");
    app.update(Action::ToggleGovernment);
    app.update(Action::Yes);
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Government);
}

/// A corrected ID number in the pupil's history shows that it changed where the masked forms alone look alike: a
/// 17-character number corrected to 18 (the same first and last four, one `*` more) says both lengths, and a
/// birth date corrected inside the number names the places that changed, never the digits.
#[test]
fn a_corrected_number_in_the_history_shows_that_it_changed_while_masked() {
    let expected = [
        (
            Language::Zh,
            ["（17 位）", "（18 位）"],
            "4502**********9061（18 位）",
            "1101**********1238（第 12、14 位有改动）",
        ),
        (
            Language::En,
            [" (17 characters)", " (18 characters)"],
            "4502**********9061 (18 characters)",
            "1101**********1238 (characters changed: 12, 14)",
        ),
    ];
    for (lang, lengths, longer, places) in expected {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = store(false);
        let list = dir.path().join("list.csv");
        let rows = "学校,姓名,身份证号码,年级,班级\n实验小学,甲,45020520187079061,一年级,1班\n实验小学,乙,110101201901021238,一年级,1班\n";
        std::fs::write(&list, rows).expect("write");
        canbao::io::class_list::import(&mut store, &[list.as_path()], None, false).expect("import");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        // Wide enough for each correction's entry on one row.
        app.update(Action::Resize(300, 30));
        for (name, corrected) in [("甲", "450205201807079061"), ("乙", "110101201902091238")] {
            while app.store.student(app.selected_id().expect("pupil")).expect("s").name != name {
                app.update(Action::Down);
            }
            app.update(Action::OpenDetail);
            app.update(Action::EditIdentity);
            let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("{}", screen(&app)) };
            form.fields[1].set(corrected);
            app.update(Action::Confirm);
            assert!(app.modal.is_none(), "saved: {}", screen(&app));
            let shown = screen(&app);
            match name {
                "甲" => {
                    assert!(shown.contains(lengths[0]) && shown.contains(longer), "{shown}");
                }
                _ => assert!(shown.contains(places), "{shown}"),
            }
            for middle in ["2018707", "201807079", "20190102", "20190209"] {
                assert!(!shown.contains(middle), "masked: {shown}");
            }
            app.update(Action::Back);
        }
    }
}

/// The `E` form's refusal of another pupil's number is said whole, and the form's hint under it too: the box
/// grows with the message.
#[test]
fn the_identity_forms_refusal_is_said_whole() {
    for (lang, size) in [(Language::En, (120, 40)), (Language::En, (80, 24)), (Language::Zh, (80, 24))] {
        let mut app = app(lang);
        app.update(Action::Resize(size.0, size.1));
        let other = app.store.students(&Default::default()).expect("list")[1].id_number.clone();
        app.update(Action::OpenDetail);
        app.update(Action::EditIdentity);
        let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
        form.fields[1].set(&other);
        app.update(Action::Confirm);
        let shown = screen(&app);
        let (end, hint) = match lang {
            // The Chinese ends its row beside the detail screen's labels: its end, unwrapped, is on the last row.
            Language::Zh => ("属于两名学生", "可撤销"),
            Language::En => ("one number cannot belong to two pupils", "can be undone"),
        };
        // Rows joined as they wrap: English at spaces, Chinese anywhere.
        let joint = if lang == Language::Zh { "" } else { " " };
        let flat: String = shown.lines().map(str::trim).collect::<Vec<_>>().join(joint);
        assert!(flat.contains(end), "{size:?}:\n{shown}");
        assert!(flat.contains(hint), "{size:?}:\n{shown}");
        if size == (120, 40) {
            insta::assert_snapshot!(format!("identity_taken_{}", lang_name(lang)), shown);
        }
    }
}

/// At 80 columns the roster's footer names every key, on two rows, as the detail screen's does; the table gives
/// up a row for it, and paging still keeps the highlight on screen.
#[test]
fn the_roster_footer_shows_every_key_at_80_columns() {
    let zh = [
        "/ 搜索",
        ": 命令",
        "Enter 详情",
        "e 参保",
        "p 缴费",
        "f 代缴",
        "c 类别",
        "u 撤销",
        "d 统计",
        "Space 选择",
        "n 备注",
        "s 筛选",
        "i 导入",
        "x 导出",
        "? 帮助",
        "q 退出",
    ];
    let en = [
        "/ search",
        ": commands",
        "Enter open",
        "e enroll",
        "p paid",
        "f gov.",
        "c categ",
        "u undo",
        "d stats",
        "Space select",
        "n note",
        "s filter",
        "i import",
        "x export",
        "? help",
        "q quit",
    ];
    for (lang, hints) in [(Language::Zh, &zh[..]), (Language::En, &en[..])] {
        let mut app = app(lang);
        let shown = screen(&app);
        let footer: String = shown.lines().rev().take(2).collect::<Vec<_>>().join("\n");
        for hint in hints {
            assert!(footer.contains(hint), "{hint} missing from the footer:\n{shown}");
        }
        // The highlight stays on screen at the table's last row and after a page down.
        for _ in 0..30 {
            app.update(Action::Down);
            let name = app.data.name(app.roster.selected_row().expect("row")).to_owned();
            let shown = screen(&app);
            let body: Vec<&str> = shown.lines().skip(4).collect();
            let body = body[..body.len() - 3].join("\n");
            assert!(body.contains(&name), "{name} off screen:\n{}", screen(&app));
        }
        app.update(Action::PageDown);
        let name = app.data.name(app.roster.selected_row().expect("row")).to_owned();
        assert!(screen(&app).contains(&name), "{}", screen(&app));
    }
}

/// A mark, undo or redo of a whole school on a drive file is saved on the worker: the question closes at once, the
/// status line says it is saving, keys pressed meanwhile act on nothing (none is kept to act on the screen the
/// save leaves), and the roster shows the result when it is done.
#[test]
fn a_large_bulk_mark_undo_and_redo_are_saved_on_the_worker() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("school.db");
    let mut store = Store::open(&path).expect("store");
    store.set_fixed_clock(NOW);
    canbao::demo::load_sample(&mut store).expect("sample");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(100, 30));
    let here = |app: &App| app.store.stats(None, None).expect("stats").enrollment["here"];
    type Step = (&'static str, fn(&mut App), i64, &'static str, &'static str);
    let steps: [Step; 3] = [
        (
            "mark",
            |app| {
                app.update(Action::SelectAll);
                app.update(Action::Enrollment);
                app.update(Action::Down);
                app.update(Action::Confirm);
            },
            360,
            "正在保存",
            "已保存",
        ),
        ("undo", |app| app.update(Action::Undo), 0, "正在撤销", "已撤销（360 人）"),
        ("redo", |app| app.update(Action::Redo), 360, "正在重做", "已重做（360 人）"),
    ];
    for (step, ask, after, saving, done) in steps {
        ask(&mut app);
        assert!(app.question().is_some(), "{step}: {}", screen(&app));
        app.update(Action::Yes);
        assert!(app.jobs.running().is_some(), "{step} runs on the worker");
        assert!(app.question().is_none(), "{step}: the question closes at once\n{}", screen(&app));
        assert!(screen(&app).contains(saving), "{step}\n{}", screen(&app));
        // A second answer, a payment key and a move, pressed while it saves: refused, with a word.
        for key in [Action::Yes, Action::TogglePaid, Action::Down, Action::Undo] {
            app.update(key);
        }
        assert!(screen(&app).contains(saving), "{step}: still saving\n{}", screen(&app));
        finish_job(&mut app);
        assert!(app.modal.is_none(), "{step}: no key acted after the save\n{}", screen(&app));
        assert_eq!(here(&app), after, "{step}");
        let shown = screen(&app);
        assert!(shown.contains(done), "{step}\n{shown}");
        let marked = shown.lines().filter(|l| l.contains("在校参保")).count();
        assert_eq!(marked > 0, after > 0, "{step}: the roster shows the result\n{shown}");
    }
    let paid = app.store.stats(None, None).expect("stats").payment.get("paid").copied().unwrap_or(0);
    assert_eq!(paid, 0, "no payment was made by a key pressed while saving");
}

/// A drive file holding the sample school, so its jobs run on the worker as they do for the operator.
fn drive_file_app(dir: &std::path::Path) -> App {
    let mut store = Store::open(&dir.join("drive.db")).expect("store");
    store.set_fixed_clock(NOW);
    canbao::demo::load_sample(&mut store).expect("sample");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    app
}

/// A 不参保 this drive marked, merged by the other laptop, then taken back by a restore: each merge after updates
/// nothing and meets no conflict, yet the two files differ. The counts line is followed by how many differences
/// the restore left, so the report does not read as if the two files agreed.
#[test]
fn a_merge_after_a_restore_says_under_its_counts_what_still_differs() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = drive_file_app(dir.path());
    let pupil = app.selected_id().expect("pupil");
    let (before, theirs) = (dir.path().join("before.db"), dir.path().join("theirs.db"));
    app.store.backup_to(&before).expect("backup");
    app.store.backup_to(&theirs).expect("copy");
    app.store.set_fixed_clock("2026-12-04T10:00:00+08:00");
    app.store.set_enrollment(pupil, Enrollment::Declined, Some("不想")).expect("mark");
    let mut other = Store::open(&theirs).expect("theirs");
    other.set_operator("另一台").expect("operator");
    other.set_fixed_clock("2026-12-04T10:05:00+08:00");
    other.merge_from(app.store.path().expect("path"), false).expect("their merge");
    drop(other);
    app.store.restore_from(&before).expect("restore");
    for at in ["2026-12-04T10:10:00+08:00", "2026-12-04T10:11:00+08:00"] {
        app.store.set_fixed_clock(at);
        let report = app.store.merge_from(&theirs, false).expect("merge");
        assert_eq!((report.updated, report.conflicts.len()), (0, 0), "{report:?}");
        let lines = app.merge_lines(&report, &[]);
        let counts = lines.iter().position(|l| l.starts_with("新增 ")).expect("counts");
        assert_eq!(
            lines.get(counts + 1).map(String::as_str),
            Some("仍有 1 处因恢复备份而与对方数据文件不同（见下），请核实"),
            "{lines:#?}"
        );
        assert!(lines.iter().any(|l| l.contains("已随本数据文件的恢复退回")), "{lines:#?}");
    }
    assert_eq!(app.store.student(pupil).expect("pupil").enrollment, Enrollment::Unknown);
}

/// A class list of `n` new pupils that names no school: its preview asks for the school in a text field.
fn list_without_school(dir: &std::path::Path, n: usize) -> PathBuf {
    let mut text = String::from("姓名,身份证号码,年级,班级\n");
    for i in 0..n {
        let first17 = format!("45020320190101{i:03}");
        let check = canbao::domain::id_number::check_char(first17.as_bytes());
        text.push_str(&format!("新生{i},{first17}{check},一年级,1班\n"));
    }
    let path = dir.join("名单.csv");
    std::fs::write(&path, text).expect("list");
    path
}

fn stop_question_open(app: &App) -> bool {
    use canbao::tui::modal::{Confirm, Modal, Then};
    matches!(app.modal, Some(Modal::Confirm(Confirm { then: Then::StopJob, .. })))
}

/// The tester's steps: Esc while a list is read asks whether to stop; the reading ends while the question is
/// open. The question stays until answered (its answer is not typed into the preview's school name): `y` stops,
/// throwing the read away, and `i`, the path and Enter start over in the file picker, not in the name.
#[test]
fn a_list_read_while_asked_whether_to_stop_waits_for_the_answer() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let mut app = drive_file_app(dir.path());
    let list = list_without_school(dir.path(), 3);
    app.start_import(list.clone());
    assert!(matches!(app.modal, Some(Modal::Working(_))), "{}", screen(&app));
    press(&mut app, KeyCode::Esc);
    assert!(stop_question_open(&app), "{}", screen(&app));
    finish_job(&mut app);
    assert!(stop_question_open(&app), "the question is not replaced by the preview:\n{}", screen(&app));
    insta::assert_snapshot!("stop_question_after_the_read_ended_zh", screen(&app));
    press(&mut app, KeyCode::Char('y'));
    assert!(app.modal.is_none(), "{}", screen(&app));
    assert!(status_text(&app).contains("未作任何修改"), "{}", screen(&app));
    press(&mut app, KeyCode::Char('i'));
    assert!(matches!(app.modal, Some(Modal::Files(_))), "{}", screen(&app));
    for c in list.display().to_string().chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    finish_job(&mut app);
    let Some(Modal::ImportPreview { school: Some(school), .. }) = &app.modal else { panic!("{}", screen(&app)) };
    assert_eq!(school.text(), "柳州市示范小学", "nothing typed for the question is in the school's name");
    assert_eq!(app.store.schools().expect("schools"), ["柳州市示范小学"]);
    assert_eq!(app.data.len(), 360, "nothing imported");
}

/// No to the question (Esc, or Enter on its default) after the reading ended shows the preview, as it was read:
/// the Esc that answered cancels nothing, and the school offered is untouched.
#[test]
fn no_to_the_stop_question_after_the_read_ended_shows_the_preview() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let mut app = drive_file_app(dir.path());
    app.start_import(list_without_school(dir.path(), 3));
    press(&mut app, KeyCode::Esc);
    finish_job(&mut app);
    press(&mut app, KeyCode::Esc);
    let Some(Modal::ImportPreview { school: Some(school), .. }) = &app.modal else { panic!("{}", screen(&app)) };
    assert_eq!(school.text(), "柳州市示范小学");
    press(&mut app, KeyCode::Enter);
    finish_job(&mut app);
    assert_eq!(app.data.len(), 363, "{}", screen(&app));
    assert_eq!(app.store.schools().expect("schools"), ["柳州市示范小学"]);
}

/// `y` to the stop question while the reading still runs, and the reading ends before the stop reaches it:
/// what was read is thrown away as the operator asked, and no preview opens for the keys typed next.
#[test]
fn a_read_that_ends_as_it_is_stopped_opens_no_preview() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = drive_file_app(dir.path());
    app.start_import(list_without_school(dir.path(), 3));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    finish_job(&mut app);
    assert!(app.modal.is_none(), "{}", screen(&app));
    assert!(status_text(&app).contains("已停止"), "{}", screen(&app));
}

/// Every job that ends while the question whether to stop it is open waits for the answer: a merge's or the new
/// year's dry run, a form whose files would replace others, and an export already written (which `y` cannot
/// undo, and says so).
#[test]
fn every_job_ending_under_the_stop_question_waits_for_the_answer() {
    use canbao::tui::jobs::Work;
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let mut app = drive_file_app(dir.path());
    let pupil = app.selected_id().expect("pupil");

    // A merge's dry run: Enter, the question's default No, shows the preview and merges nothing.
    let theirs = dir.path().join("theirs.db");
    app.store.backup_to(&theirs).expect("copy");
    let mut other = Store::open(&theirs).expect("theirs");
    other.set_operator("另一台").expect("operator");
    other.set_payment(pupil, PaymentStatus::Government, &Default::default()).expect("mark");
    drop(other);
    app.start(Work::Merge { file: theirs.clone(), dry_run: true, policy: app.policy.clone() });
    press(&mut app, KeyCode::Esc);
    finish_job(&mut app);
    assert!(stop_question_open(&app), "{}", screen(&app));
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.modal, Some(Modal::MergePreview { .. })), "{}", screen(&app));
    assert_eq!(app.store.student(pupil).expect("s").payment, PaymentStatus::Unpaid, "nothing merged");
    press(&mut app, KeyCode::Esc);

    // The new year's dry run: `y` stops it, and is not taken as yes to starting the year.
    let year = app.store.current_year();
    // Past the question a drive without a policy asks first in the collection months (its 是, as `--force`).
    app.ask_new_year_early();
    assert!(matches!(app.modal, Some(Modal::Working(_))), "{}", screen(&app));
    press(&mut app, KeyCode::Esc);
    finish_job(&mut app);
    assert!(stop_question_open(&app), "{}", screen(&app));
    press(&mut app, KeyCode::Char('y'));
    assert!(app.modal.is_none(), "{}", screen(&app));
    assert!(app.jobs.running().is_none());
    assert_eq!(app.store.current_year(), year, "no new year started");

    // A form whose file is in the folder already: `y` stops it, and is not taken as yes to replacing the file.
    let folder = dir.path().join("表");
    app.start_form_export(canbao::tui::palette::Form::Summary, folder.clone());
    finish_job(&mut app);
    press(&mut app, KeyCode::Enter);
    let written: Vec<PathBuf> = std::fs::read_dir(&folder).expect("dir").map(|e| e.expect("entry").path()).collect();
    let [form] = written.as_slice() else { panic!("{written:?}") };
    std::fs::write(form, "old").expect("write");
    app.start_form_export(canbao::tui::palette::Form::Summary, folder.clone());
    press(&mut app, KeyCode::Esc);
    finish_job(&mut app);
    assert!(stop_question_open(&app), "{}", screen(&app));
    press(&mut app, KeyCode::Char('y'));
    assert!(app.modal.is_none(), "{}", screen(&app));
    assert_eq!(std::fs::read_to_string(form).expect("read"), "old", "the file there is kept");
    assert_eq!(std::fs::read_dir(&folder).expect("dir").count(), 1, "nothing left behind in the folder");

    // An export already written cannot be stopped: the status line says so while the question is open, and
    // `y` shows what was written with the same words.
    app.start(Work::Export {
        target: dir.path().join("sheet.xlsx"),
        options: canbao::io::sheet::ExportOptions {
            format: canbao::io::export::FileFormat::Xlsx,
            school: None,
            class: None,
            mask: false,
            date: app.store.today(),
        },
        policy: None,
    });
    press(&mut app, KeyCode::Esc);
    finish_job(&mut app);
    assert!(stop_question_open(&app), "{}", screen(&app));
    assert!(status_text(&app).contains("无法再停止"), "{}", screen(&app));
    press(&mut app, KeyCode::Char('y'));
    assert!(matches!(app.modal, Some(Modal::Message(_))), "{}", screen(&app));
    assert!(status_text(&app).contains("停止未及生效"), "{}", screen(&app));
    assert!(dir.path().join("sheet.xlsx").exists());
}

/// An undo of many pupils stopped before it could write (another window holds the drive) is said as stopped, its
/// change still there and still to be undone, where the status line said 「停止未及生效：它已完成，结果已保留」 of an
/// undo that never happened.
#[test]
fn a_stopped_undo_of_many_pupils_is_said_as_stopped() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = drive_file_app(dir.path());
    app.update(Action::SelectAll);
    app.update(Action::Enrollment);
    app.update(Action::Down);
    app.update(Action::Confirm);
    app.update(Action::Yes);
    finish_job(&mut app);
    let here = app.store.stats(None, None).expect("stats").enrollment["here"];
    assert!(here >= 200, "{}", screen(&app));
    let other = rusqlite::Connection::open(dir.path().join("drive.db")).expect("other window");
    other.execute_batch("BEGIN IMMEDIATE").expect("hold the drive");
    app.update(Action::Undo);
    app.update(Action::Yes);
    press(&mut app, KeyCode::Esc);
    assert!(stop_question_open(&app), "{}", screen(&app));
    press(&mut app, KeyCode::Char('y'));
    finish_job(&mut app);
    other.execute_batch("ROLLBACK").expect("let go");
    let status = status_text(&app);
    assert!(status.contains("已停止") && !status.contains("停止未及生效"), "{}", screen(&app));
    assert_eq!(app.store.stats(None, None).expect("stats").enrollment["here"], here, "nothing undone");
    app.update(Action::Undo);
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Confirm(_))), "still to be undone: {}", screen(&app));
}

/// Keys typed ahead while a list is read (queued before its preview is drawn) do not reach the preview: they
/// would be typed into the school's name, and an Enter among them would import under it unseen.
#[test]
fn keys_typed_before_an_import_preview_shows_do_not_reach_it() {
    let mut app = app(Language::Zh);
    let mut script: std::collections::VecDeque<Paced> = paced("i").collect();
    script
        .extend("tests/fixtures/utf8_bom.csv".chars().map(|c| Paced::Key(key(KeyCode::Char(c), KeyEventKind::Press))));
    script.extend(paced("\nx\n"));
    script.push_back(Paced::Pause);
    script.push_back(Paced::Key(key(KeyCode::Esc, KeyEventKind::Press)));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    run_loop(&mut terminal, &mut app, &mut PacedScript(script)).expect("loop");
    assert!(app.quit);
    assert_eq!(app.data.len(), 360, "nothing imported");
    assert_eq!(app.store.schools().expect("schools"), ["柳州市示范小学"]);
}

/// While the 「窗口太小」 notice is shown, the quit keys act as in a big window, and the notice says what they do: on
/// the roster q quits; over a question (where q is no key) and over a text field (where a q is typed text and must
/// never quit, nor be typed into it unseen) only Ctrl-c does, pressed twice, as the notice says, where q quit over
/// the question and one Ctrl-c left the form at once. The window made big again shows the dialog as it was.
#[test]
fn while_the_window_is_too_small_the_key_the_notice_names_quits() {
    use canbao::tui::modal::Modal;
    for lang in [Language::Zh, Language::En] {
        let (q, twice, again) = match lang {
            Language::Zh => ("按 q 退出", "连按两次 Ctrl-c 退出", "再按 Ctrl-c 退出"),
            Language::En => ("(q quits)", "press Ctrl-c twice to quit", "Press Ctrl-c again to quit"),
        };
        // The roster: q quits, as the notice says.
        let mut app = app(lang);
        app.update(Action::Resize(79, 20));
        assert!(words(&screen(&app)).contains(q), "{}", screen(&app));
        press(&mut app, KeyCode::Char('q'));
        assert!(app.quit, "q quits as the notice says");

        // A question over the roster: q is no key there.
        let mut app = self::app(lang);
        app.update(Action::ToggleGovernment);
        assert!(matches!(app.modal, Some(Modal::Confirm(_))), "{}", screen(&app));
        let question = screen(&app);
        app.update(Action::Resize(79, 20));
        let small = words(&screen(&app));
        assert!(small.contains(twice) && !small.contains(q), "{small}");
        press(&mut app, KeyCode::Char('q'));
        assert!(!app.quit, "q does nothing over a question, as in a big window");
        press_ctrl_c(&mut app);
        assert!(!app.quit, "the first Ctrl-c over a dialog warns");
        assert!(words(&screen(&app)).contains(again), "{}", screen(&app));
        app.update(Action::Resize(80, 24));
        assert_eq!(screen(&app).lines().take(20).collect::<Vec<_>>(), question.lines().take(20).collect::<Vec<_>>());
        press_ctrl_c(&mut app);
        assert!(app.quit, "the second Ctrl-c quits");

        // The payment form: its amount is a text field.
        let mut app = self::app(lang);
        app.update(Action::TogglePaid);
        let Some(Modal::Payment(form)) = &app.modal else { panic!("{}", screen(&app)) };
        let amount = form.amount.text().to_owned();
        app.update(Action::Resize(79, 20));
        let small = words(&screen(&app));
        assert!(small.contains(twice) && !small.contains(q), "{small}");
        press(&mut app, KeyCode::Char('q'));
        press(&mut app, KeyCode::Esc);
        assert!(!app.quit);
        let Some(Modal::Payment(form)) = &app.modal else { panic!("the form is still open") };
        assert_eq!(form.amount.text(), amount, "nothing typed unseen");
        press_ctrl_c(&mut app);
        assert!(!app.quit);
        press_ctrl_c(&mut app);
        assert!(app.quit);
    }
}

/// A job running under the 「窗口太小」 notice: its key (Ctrl-c, as over its progress in a big window, where q is no
/// key) does not quit and leave the job half-done, but asks whether to stop it, as in a big window; the question
/// waits to be seen (q and a second Ctrl-c do nothing) and is answered once the window is big again. The notice says
/// so at each step, never 「按 q 退出」, and q, which does nothing over the progress in a big window, does nothing.
#[test]
fn the_quit_key_under_the_too_small_notice_asks_before_leaving_a_job() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let mut app = drive_file_app(dir.path());
    app.start_import(list_without_school(dir.path(), 3));
    assert!(matches!(app.modal, Some(Modal::Working(_))), "{}", screen(&app));
    app.update(Action::Resize(79, 20));
    let small = unspaced(&screen(&app));
    assert!(small.contains("正在读取名单，退出前要先停止") && small.contains("按Ctrl-c会询问是否停止"), "{small}");
    assert!(!small.contains("按q"), "{small}");
    press(&mut app, KeyCode::Char('q'));
    assert!(matches!(app.modal, Some(Modal::Working(_))), "q is no key over the progress");
    press_ctrl_c(&mut app);
    assert!(!app.quit, "the job is not left half-done");
    assert!(stop_question_open(&app), "{}", screen(&app));
    let small = unspaced(&screen(&app));
    assert!(small.contains("是否停止的问题等待回答，回答之前不能退出"), "{small}");
    assert!(!small.contains("按q退出") && !small.contains("按q会询问"), "{small}");
    press_ctrl_c(&mut app);
    press(&mut app, KeyCode::Char('q'));
    press(&mut app, KeyCode::Char('y'));
    assert!(!app.quit && stop_question_open(&app));
    finish_job(&mut app);
    app.update(Action::Resize(80, 24));
    press(&mut app, KeyCode::Char('y'));
    assert!(app.modal.is_none(), "{}", screen(&app));
    assert!(status_text(&app).contains("未作任何修改"), "{}", screen(&app));
    press(&mut app, KeyCode::Char('q'));
    assert!(app.quit);
}

/// The screen's text with no spaces or line ends, so a Chinese phrase wrapped anywhere is found (without its
/// spaces: 「按q退出」).
fn unspaced(screen: &str) -> String {
    screen.split_whitespace().collect()
}

/// The screen's words with the lines they wrap over joined, so a phrase broken over two lines is found.
fn words(screen: &str) -> String {
    screen.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Ctrl-c as the event loop takes it: a key that types no character (`App::key_is_character`), then its action.
fn press_ctrl_c(app: &mut App) {
    app.key_is_character(false);
    let event = Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
    if let Some(action) = canbao::tui::runner::translate(app, event) {
        app.update(action);
    }
}

/// Ctrl-c right after a key opened a dialog (before the keys paused after that key) goes through the one rule for
/// it: the first warns and leaves the dialog open, the second quits. Before, the guard against keys typed in a run
/// closed the dialog unsaved and, nothing left at stake, Ctrl-c quit at once. Other keys of the run still close it.
#[test]
fn ctrl_c_right_after_a_dialog_opened_warns_before_quitting() {
    for opener in ['x', ':', 'n'] {
        let mut app = app(Language::Zh);
        app.report_pauses();
        press(&mut app, KeyCode::Char(opener));
        let opened = app.modal.as_ref().map(std::mem::discriminant);
        assert!(opened.is_some(), "{opener}: open at once");
        app.key_in_run(true);
        press_ctrl_c(&mut app);
        assert!(!app.quit, "{opener}: the first Ctrl-c over the dialog warns");
        assert_eq!(app.modal.as_ref().map(std::mem::discriminant), opened, "{opener}: {}", screen(&app));
        assert!(screen(&app).contains("再按 Ctrl-C 退出"), "{opener}: {}", screen(&app));
        press_ctrl_c(&mut app);
        assert!(app.quit, "{opener}: the second Ctrl-c quits");
    }
    // The guard still holds against a typed key after the warning: the dialog closes unsaved.
    let mut app = app(Language::Zh);
    app.report_pauses();
    press(&mut app, KeyCode::Char('x'));
    app.key_in_run(true);
    press_ctrl_c(&mut app);
    press(&mut app, KeyCode::Char('d'));
    assert!(app.modal.is_none() && !app.quit, "{}", screen(&app));
}

/// Two quick Ctrl-c on a job's progress: the first asks whether to stop the job, the second (a Ctrl-c at that
/// question) quits, as it does after a look at the question; before, the second declined the question and asked
/// it again, so Ctrl-c pressed twice only toggled it.
#[test]
fn two_quick_ctrl_c_on_a_jobs_progress_quit() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let mut app = drive_file_app(dir.path());
    app.report_pauses();
    app.start_import(list_without_school(dir.path(), 3));
    assert!(matches!(app.modal, Some(Modal::Working(_))), "{}", screen(&app));
    press_ctrl_c(&mut app);
    assert!(!app.quit && stop_question_open(&app), "{}", screen(&app));
    app.key_in_run(true);
    press_ctrl_c(&mut app);
    assert!(app.quit, "the second Ctrl-c quits: {}", screen(&app));
    app.jobs.stop();
    finish_job(&mut app);
}

/// A list naming no school opened on a drive of two schools: the school is asked (no 「本校」 offered), and
/// Enter with no name says why in the preview itself, which covers the status line.
#[test]
fn a_list_without_a_school_on_a_drive_of_two_schools_asks_which_and_says_why_enter_waits() {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = store(true);
    let second = dir.path().join("second.csv");
    std::fs::write(&second, "姓名,身份证号码,班级\n李二校,110101201503070018,一年级1班\n").expect("list");
    canbao::io::class_list::import(&mut store, &[second.as_path()], Some("第二小学"), false).expect("second school");
    assert_eq!(store.schools().expect("schools").len(), 2);
    let list = dir.path().join("list.csv");
    std::fs::write(&list, "姓名,身份证号码,班级\n张新来,110101201503070034,一年级1班\n").expect("list");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    app.start_import(list);
    let Some(canbao::tui::modal::Modal::ImportPreview { school: Some(school), .. }) = &app.modal else {
        panic!("the school is asked: {:?}", app.status)
    };
    assert_eq!(school.text(), "", "no school offered of two");
    app.update(Action::Confirm);
    let shown = screen(&app);
    let in_box = |l: &&str| l.trim_start().starts_with("未导入：名单没有写学校名称") && l.starts_with("   ");
    assert!(shown.lines().any(|l| in_box(&l)), "said in the box, not only on the status line:\n{shown}");
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::ImportPreview { .. })), "nothing imported yet");
    type_text(&mut app, "第二小学");
    app.update(Action::Confirm);
    assert_eq!(app.store.schools().expect("schools").len(), 2, "no third school");
}

/// The sample school and a second school, 第二小学, of one pupil (李二校), imported from a list written in `dir`.
fn sample_and_second_school(dir: &std::path::Path) -> Store {
    let mut store = store(true);
    let second = dir.join("second.csv");
    std::fs::write(&second, "姓名,身份证号码,班级\n李二校,110101201503070018,一年级1班\n").expect("list");
    canbao::io::class_list::import(&mut store, &[second.as_path()], Some("第二小学"), false).expect("second school");
    assert_eq!(store.schools().expect("schools").len(), 2);
    store
}

/// A list naming no school of pupils the drive holds, moved to another class, on a drive of two schools: no school
/// is asked (each pupil keeps theirs), and Enter imports it: the classes change, the schools do not. A list that
/// also adds one new pupil asks, counting that pupil, not the list's rows; the school typed is the new pupil's
/// alone, and the pupils held stay in their schools.
#[test]
fn a_list_without_a_school_of_pupils_held_on_a_drive_of_two_schools_asks_only_for_new_pupils() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let store = sample_and_second_school(dir.path());
    let schools = store.schools().expect("schools");
    let held = store.students(&Default::default()).expect("pupils");
    let first_school = held.iter().filter(|p| p.school != "第二小学").take(2).cloned();
    let moved: Vec<_> = first_school.chain(held.iter().find(|p| p.school == "第二小学").cloned()).collect();
    let list_of = |class: &str, extra: &str| {
        let mut text = String::from("姓名,身份证号码,班级\n");
        for p in &moved {
            text.push_str(&format!("{},{},{class}\n", p.name, p.id_number));
        }
        text.push_str(extra);
        let path = dir.path().join(format!("{class}.csv"));
        std::fs::write(&path, text).expect("list");
        path
    };
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    let in_place = |app: &App, class: &str| {
        for p in &moved {
            let now = app.store.student(p.id).expect("pupil");
            assert_eq!((now.school.as_str(), now.class_label()), (p.school.as_str(), class.to_owned()), "{}", p.name);
        }
    };

    app.start_import(list_of("六年级9班", ""));
    let Some(Modal::ImportPreview { school, preview, .. }) = &app.modal else { panic!("{}", screen(&app)) };
    assert!(school.is_none(), "no school asked:\n{}", screen(&app));
    assert_eq!((preview.without_school, preview.added_without_school, preview.added), (3, 0, 0), "{preview:?}");
    assert!(!unspaced(&screen(&app)).contains("学校名称"), "{}", screen(&app));
    app.update(Action::Confirm);
    finish_job(&mut app);
    in_place(&app, "六年级9班");
    assert_eq!(app.store.schools().expect("schools"), schools, "no school made");

    app.start_import(list_of("六年级8班", "张新来,110101201503070034,六年级8班\n"));
    let Some(Modal::ImportPreview { school: Some(school), preview, .. }) = &app.modal else {
        panic!("the new pupil's school is asked:\n{}", screen(&app))
    };
    assert_eq!(school.text(), "", "no school offered of two");
    assert_eq!((preview.without_school, preview.added_without_school), (4, 1), "{preview:?}");
    assert!(unspaced(&screen(&app)).contains("1名新学生的名单没有写学校名称"), "{}", screen(&app));
    type_text(&mut app, "第二小学");
    app.update(Action::Confirm);
    finish_job(&mut app);
    let new = app.store.student_by_id_number("110101201503070034").expect("read").expect("imported");
    assert_eq!((new.school.as_str(), new.class_label()), ("第二小学", "六年级8班".to_owned()));
    in_place(&app, "六年级8班");
    assert_eq!(app.store.schools().expect("schools"), schools, "no school made");
}

/// A list naming no school that writes a held pupil's class another way (1年级1班 for 第二小学's 一年级1班), with a
/// new pupil whose school is asked: before the school is chosen the preview says no re-spelling (the pupil stays in
/// 第二小学, which spells the class one way), and the import, once the school is chosen, says the same rows the
/// preview said and leaves the class as it was.
#[test]
fn a_preview_before_the_school_is_chosen_says_no_respelling_the_import_does_not_do() {
    use canbao::tui::modal::{Message, Modal};
    let dir = tempfile::tempdir().expect("dir");
    let store = sample_and_second_school(dir.path());
    let held = store.student_by_id_number("110101201503070018").expect("read").expect("李二校");
    assert_eq!(held.class_label(), "一年级1班");
    let list = dir.path().join("补充名单.csv");
    let text = "姓名,身份证号码,年级,班级\n李二校,110101201503070018,1年级,1班\n张新来,110101201503070034,1年级,1班\n";
    std::fs::write(&list, text).expect("list");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    app.start_import(list);
    let Some(Modal::ImportPreview { school: Some(_), preview, .. }) = &app.modal else {
        panic!("the new pupil's school is asked:\n{}", screen(&app))
    };
    assert_eq!(preview.respelled_class, 0, "{preview:?}");
    let in_the_list = |lines: Vec<String>| -> Vec<String> {
        lines
            .into_iter()
            .filter(|l| l.contains("补充名单.csv"))
            .map(|l| canbao::io::class_list::as_preview(&l))
            .collect()
    };
    let previewed = in_the_list(app.report_lines(preview));
    assert!(!unspaced(&screen(&app)).contains("改按"), "{}", screen(&app));
    type_text(&mut app, "第二小学");
    app.update(Action::Confirm);
    finish_job(&mut app);
    let Some(Modal::Message(Message { lines, .. })) = &app.modal else { panic!("{}", screen(&app)) };
    assert_eq!(in_the_list(lines.clone()), previewed, "the import says the rows the preview said");
    let now = app.store.student(held.id).expect("pupil");
    assert_eq!((now.school.as_str(), now.class_label()), ("第二小学", "一年级1班".to_owned()));
    let new = app.store.student_by_id_number("110101201503070034").expect("read").expect("imported");
    assert_eq!((new.school.as_str(), new.class_label()), ("第二小学", "一年级1班".to_owned()));
}

/// Marks the highlighted pupil with the enrollment `downs` rows below 未确认 in the chooser, with `detail` as its
/// place or reason, key by key as an operator looking at the screen does.
fn mark_with_detail(app: &mut App, downs: usize, detail: &str) {
    app.update(Action::Enrollment);
    for _ in 0..downs {
        app.update(Action::Down);
    }
    app.update(Action::NextField);
    for c in detail.chars() {
        app.update(Action::Input(c));
    }
    app.update(Action::Confirm);
    assert!(app.modal.is_none(), "{}", screen(app));
}

/// A command typed into canbao's window by mistake that starts with a key opening a dialog with a text field (`e`
/// the enrollment chooser with its place or reason, `p` the payment form, `i` and `x` the import and export
/// paths, `s` the filters, `:` the palette, `E` the identity form) fills nothing and saves nothing: the dialog
/// closes unsaved at the next key typed before a pause, said on the status line, and the rest does nothing until
/// the typing pauses. Before, `exit` turned the place 南宁市 into 「南宁市xit」 and saved it with the Enter.
#[test]
fn a_command_starting_with_a_dialog_key_fills_and_saves_nothing() {
    for (downs, detail) in [(2, "南宁市"), (3, "老家")] {
        for text in ["exit\n", "echo done\n"] {
            let mut app = app(Language::Zh);
            let id = app.selected_id().expect("pupil");
            mark_with_detail(&mut app, downs, detail);
            let before = app.store.history(id).expect("h").len();
            run_paced(&mut app, paced(text).chain([Paced::Pause]));
            assert!(app.modal.is_none(), "{text}: {}", screen(&app));
            let pupil = app.store.student(id).expect("s");
            assert_eq!(pupil.decline_reason.as_deref(), Some(detail), "{text}");
            assert_eq!(app.store.history(id).expect("h").len(), before, "{text}: nothing written");
        }
    }
    for text in ["python3 x.py\n", "ssh host\n", "git status\n", "xdg-open .", "xclip -o", ":q\n"] {
        let mut app = app(Language::Zh);
        let id = app.selected_id().expect("pupil");
        run_paced(&mut app, paced(text).chain([Paced::Pause]));
        assert!(app.modal.is_none(), "{text}: {}", screen(&app));
        assert!(app.jobs.running().is_none(), "{text}: nothing started");
        assert_eq!(app.store.history(id).expect("h").len(), 1, "{text}: nothing written");
        assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid, "{text}");
    }
    // Said as the dialog closes.
    let mut app = app(Language::Zh);
    app.report_pauses();
    press(&mut app, KeyCode::Char('x'));
    assert!(app.modal.is_some(), "open at once");
    press(&mut app, KeyCode::Char('d'));
    assert!(app.modal.is_none(), "{}", screen(&app));
    assert!(status_text(&app).starts_with("「x」（导出）未执行：紧接着还有按键"), "{}", status_text(&app));
    // On the detail screen, `E` opens the identity form.
    let mut app = self::app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    let name = app.store.student(id).expect("s").name;
    app.update(Action::OpenDetail);
    run_paced(&mut app, paced("Echo\n").chain([Paced::Pause]));
    assert!(app.modal.is_none(), "{}", screen(&app));
    assert_eq!(app.store.student(id).expect("s").name, name);
    // On purpose: `e`, a pause, then the chooser takes the keys.
    let mut app = self::app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    let mut script: Vec<Paced> = paced("e").collect();
    script.push(Paced::Pause);
    script.extend(paced("v\n"));
    script.push(Paced::Pause);
    run_paced(&mut app, script);
    assert_eq!(app.store.student(id).expect("s").enrollment, Enrollment::Here, "{}", screen(&app));
}

/// `a` inside typed text (`apt update`) selects nobody: it acts once the keys pause after it, so the `p` after it
/// opens no payment form for every pupil, and no selection is left behind. A deliberate `a` selects every pupil.
#[test]
fn an_a_inside_typed_text_selects_nobody() {
    let mut app = app(Language::Zh);
    run_paced(&mut app, paced("apt update\n").chain([Paced::Pause]));
    assert!(app.roster.marked().is_empty(), "{}", screen(&app));
    assert!(app.modal.is_none(), "{}", screen(&app));
    assert_eq!(app.store.stats(None, None).expect("stats").payment["paid"], 0);
    let mut app = self::app(Language::Zh);
    app.report_pauses();
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Char('p'));
    assert!(status_text(&app).starts_with("「a」（全选）未执行：紧接着还有按键"), "{}", status_text(&app));
    assert!(app.roster.marked().is_empty());
    // On purpose: `a`, then a pause.
    let mut app = self::app(Language::Zh);
    let shown = app.data.len();
    run_paced(&mut app, paced("a").chain([Paced::Pause]));
    assert_eq!(app.roster.marked().len(), shown, "{}", screen(&app));
}

/// On an empty drive's welcome, `1` inside typed text loads no sample school and `i` opens no import path for the
/// rest of the text: the sample's question `1` asks and the import path close at the next key, back to the welcome.
#[test]
fn the_welcome_takes_no_key_from_typed_text() {
    use canbao::tui::modal::Modal;
    let welcome = || {
        let mut app = App::new(store(false), &options(Language::Zh, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        assert!(matches!(app.modal, Some(Modal::Welcome)), "{}", screen(&app));
        app
    };
    for text in ["1x\n", "1x", "git status\n"] {
        let mut app = welcome();
        run_paced(&mut app, paced(text).chain([Paced::Pause]));
        assert!(app.data.is_empty(), "{text}: no sample loaded");
        assert!(matches!(app.modal, None | Some(Modal::Welcome)), "{text}: {}", screen(&app));
        assert!(app.jobs.running().is_none(), "{text}");
    }
    let mut app = welcome();
    app.report_pauses();
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('x'));
    assert!(status_text(&app).starts_with("「1」（"), "{}", status_text(&app));
    assert!(app.data.is_empty());
    // On purpose: `1`, then a pause, and `y` at the question, then a pause.
    let mut app = welcome();
    // A look at the question (the loop's first wait as it is drawn, then a pause), which takes no `y` in its first
    // moment (`QUESTION_GUARD_MS`).
    let answer = [Paced::Pause, Paced::Pause, Paced::Sleep(400)].into_iter().chain(paced("y")).chain([Paced::Pause]);
    run_paced(&mut app, paced("1").chain(answer));
    assert!(!app.data.is_empty(), "{}", screen(&app));
}

/// The school asked of new pupils on a drive of two schools: the drive's schools are listed, and Tab (Shift-Tab
/// back) puts each in the field in turn; a name typed that is none of them (柳州示范小学 for 柳州市示范小学) is said
/// at Enter to make a new school, nothing imported, and a second Enter imports under it. A name picked, or edited
/// back after the notice, imports at the first Enter.
#[test]
fn a_school_typed_for_new_pupils_that_the_drive_does_not_hold_is_said_before_it_is_made() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let store = sample_and_second_school(dir.path());
    let schools = store.schools().expect("schools");
    let first = schools.iter().find(|s| *s != "第二小学").expect("the sample's school").clone();
    let list = |name: &str, id: &str| {
        let path = dir.path().join(format!("{name}.csv"));
        std::fs::write(&path, format!("姓名,身份证号码,班级\n{name},{id},一年级1班\n")).expect("list");
        path
    };
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(100, 30));
    let field = |app: &App| match &app.modal {
        Some(Modal::ImportPreview { school: Some(school), .. }) => school.text().to_owned(),
        _ => panic!("the school is asked:\n{}", screen(app)),
    };

    app.start_import(list("张新来", "110101201503070034"));
    let shown = unspaced(&screen(&app));
    assert!(shown.contains(&format!("数据文件中已有的学校（按Tab依次选择）：{first}、第二小学")), "{shown}");
    press(&mut app, KeyCode::Tab);
    assert_eq!(field(&app), first);
    press(&mut app, KeyCode::Tab);
    assert_eq!(field(&app), "第二小学");
    press(&mut app, KeyCode::Tab);
    assert_eq!(field(&app), first, "round again");
    press(&mut app, KeyCode::BackTab);
    assert_eq!(field(&app), "第二小学");

    // A name of the operator's: said to make a new school, and not imported until Enter again.
    app.update(Action::ClearLine);
    let typed = "柳州示范小学";
    type_text(&mut app, typed);
    app.update(Action::Confirm);
    assert_eq!(field(&app), typed, "still asked:\n{}", screen(&app));
    assert!(app.jobs.running().is_none(), "nothing imported");
    let shown = unspaced(&screen(&app));
    assert!(shown.contains(&format!("输入的学校“{typed}”不是此数据文件中已有的学校")), "{shown}");
    assert!(shown.contains(&format!("1名新学生将记入新学校“{typed}”")) && shown.contains("请再按Enter"), "{shown}");
    // Changed and changed back: said again before it is made.
    app.update(Action::Backspace);
    assert!(!unspaced(&screen(&app)).contains("请再按Enter"), "{}", screen(&app));
    type_text(&mut app, "学");
    app.update(Action::Confirm);
    assert!(app.jobs.running().is_none() && unspaced(&screen(&app)).contains("请再按Enter"), "{}", screen(&app));
    app.update(Action::Confirm);
    finish_job(&mut app);
    let new = app.store.student_by_id_number("110101201503070034").expect("read").expect("imported");
    assert_eq!(new.school, typed);
    assert_eq!(app.store.schools().expect("schools").len(), 3, "made once confirmed");

    // A school of the drive's, picked with Tab: imported at the first Enter.
    app.start_import(list("王新到", "110101201503070050"));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    let picked = field(&app);
    app.update(Action::Confirm);
    finish_job(&mut app);
    let new = app.store.student_by_id_number("110101201503070050").expect("read").expect("imported");
    assert_eq!(new.school, picked);
    assert_eq!(app.store.schools().expect("schools").len(), 3, "no school made");
}

/// A refusal from below the screens says both languages at once (「…(… the English)」): the Chinese identity form
/// shows its Chinese half only, where it showed the English after it.
#[test]
fn the_identity_forms_refusal_is_said_in_chinese_only_on_a_chinese_screen() {
    let mut app = app(Language::Zh);
    let pupils = app.store.students(&Default::default()).expect("list");
    let other = pupils[1].clone();
    app.update(Action::OpenDetail);
    app.update(Action::EditIdentity);
    let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
    form.fields[1].set(&other.id_number);
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Identity(form)) = &app.modal else { panic!("refused in the form") };
    let error = form.error.clone().expect("another pupil's number is refused");
    assert!(!error.chars().any(|c| c.is_ascii_alphabetic()), "no English: {error}");
    let shown = screen(&app);
    assert!(shown.contains(error.chars().take(6).collect::<String>().as_str()), "{shown}");
}

/// The payment form under a policy for 2027 made from liuzhou-2023 refuses a payment dated in 2022 (a family's
/// payment for an earlier year), whatever amount is typed, naming the year and its windows; a date in the year's
/// concentrated period is saved.
#[test]
fn payment_form_refuses_a_date_that_cannot_be_the_policys_year() {
    use canbao::domain::category::CategoryTable;
    use canbao::domain::policy::{Renewal, builtin_text, renew};
    let request = Renewal {
        name: "liuzhou-2027",
        base_name: "liuzhou-2023",
        base_text: builtin_text("liuzhou-2023").expect("policy"),
        year: 2027,
        premium_fen: Some(40_000),
    };
    let mut app = app(Language::Zh);
    app.policy = Some(renew(&request, CategoryTable::builtin()).expect("renewed").policy);
    let id = app.selected_id().expect("pupil");
    app.update(Action::TogglePaid);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
    form.amount.set("350");
    form.date.set("2022-11-01");
    form.date_touched = true;
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("the form stays open") };
    let error = form.error.clone().unwrap_or_default();
    assert!(error.contains("2022-11-01") && error.contains("不是 2027 年度的缴费"), "{error}");
    assert!(error.contains("集中缴费期 2026-09-01 至 2026-12-31"), "{error}");
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid);
    form.amount.set("400");
    form.date.set("2026-11-20");
    form.date_touched = true;
    app.update(Action::Confirm);
    assert!(app.modal.is_none(), "{}", screen(&app));
    let s = app.store.student(id).expect("s");
    assert_eq!(
        (s.payment, s.payment_details.paid_on),
        (PaymentStatus::Paid, chrono::NaiveDate::from_ymd_opt(2026, 11, 20))
    );
}

/// The app after `keys` (each then a look at the screen) typed at 「导出完成」, through the real event loop, and the
/// last screen drawn (the script's closing Ctrl-c quits from any dialog, taking it).
fn after_keys_at_a_message(lang: Language, keys: &str) -> (App, String) {
    let mut app = app(lang);
    let title = if lang == Language::Zh { "导出完成" } else { "Export finished" };
    app.show(title, vec!["/tmp/表.xlsx".to_owned()], false);
    let mut script: std::collections::VecDeque<Paced> = std::collections::VecDeque::new();
    for step in paced(keys) {
        script.push_back(step);
        script.push_back(Paced::Pause);
    }
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    run_loop(&mut terminal, &mut app, &mut PacedScript(script)).expect("loop");
    let drawn = buffer_text(terminal.backend().buffer());
    (app, drawn)
}

/// `/` at a message (a finished export's or import's) closes it and opens the search, which takes a class typed
/// after it; `?` closes it and opens the help; any other letter only closes it, and the roster's keys work after
/// it. Before, these keys did nothing at all, without a word, and the message stayed until Enter or Esc.
#[test]
fn search_and_help_keys_at_a_message_close_it_and_act() {
    for lang in [Language::Zh, Language::En] {
        let (app, _) = after_keys_at_a_message(lang, "/四年级");
        assert!(app.modal.is_none());
        assert!(app.roster.is_searching());
        insta::assert_snapshot!(format!("search_after_message_{}", lang_name(lang)), screen(&app));
    }
    let (_, drawn) = after_keys_at_a_message(Language::Zh, "?");
    assert!(drawn.contains("按键帮助") && !drawn.contains("导出完成"), "{drawn}");
    // A letter closes the message; the next `j` moves the cursor as on the roster.
    let first = app(Language::Zh).selected_id();
    let (moved, drawn) = after_keys_at_a_message(Language::Zh, "gj");
    assert!(moved.modal.is_none() && !drawn.contains("导出完成"), "{drawn}");
    assert!(!moved.roster.is_searching());
    assert_ne!(moved.selected_id(), first, "{drawn}");
}

/// Esc in the payment form after typing an amount says the payment was not recorded, in the operator's language, as
/// the note editor says its text was not saved, and the pupil stays unpaid; Esc with no amount typed says nothing.
/// Before, the amount typed was thrown away without a word.
#[test]
fn esc_in_the_payment_form_says_the_payment_was_not_recorded() {
    for (lang, said) in [(Language::Zh, "缴费未登记"), (Language::En, "Payment not recorded")] {
        let mut app = app(lang);
        let id = app.selected_id().expect("pupil");
        app.update(Action::TogglePaid);
        assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Payment(_))), "{}", screen(&app));
        type_text(&mut app, "350");
        app.update(Action::Back);
        assert!(app.modal.is_none());
        let status = status_text(&app);
        assert!(status.contains(said) && status.contains("350"), "{}", screen(&app));
        assert_eq!(app.store.student(id).expect("pupil").payment, PaymentStatus::Unpaid);
        // No amount typed.
        app.update(Action::TogglePaid);
        app.update(Action::Back);
        assert!(app.modal.is_none());
        assert_eq!(status_text(&app), "", "{}", screen(&app));
    }
}

/// The amount the quote fills in for one pupil is replaced by the first digits typed, as a selected field's text
/// is, and edited in place once the caret is moved into it. Before, a hurried 「300」 was typed after the 380
/// filled in and read 380300, saved as 380,300 元 after the question about an amount not due.
#[test]
fn an_amount_typed_over_the_quoted_one_replaces_it() {
    let amount = |app: &App| match &app.modal {
        Some(canbao::tui::modal::Modal::Payment(form)) => form.amount.text().to_owned(),
        _ => panic!("no payment form: {}", screen(app)),
    };
    let mut app = app_on_policy(store(true));
    // The form on a day of the concentrated period, its amount due quoted for that day.
    let open = |app: &mut App| {
        app.update(Action::TogglePaid);
        let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
        form.date.set("2023-10-0");
        form.date_touched = true;
        app.update(Action::Down);
        type_text(app, "8");
        app.update(Action::Up);
    };
    open(&mut app);
    let quoted = amount(&app);
    assert_eq!(quoted, "380", "the form fills in the amount due: {}", screen(&app));
    type_text(&mut app, "300");
    assert_eq!(amount(&app), "300", "{}", screen(&app));
    app.update(Action::Back);

    // The caret moved first: the operator is correcting the amount shown, and the digit goes where the caret is.
    open(&mut app);
    app.update(Action::Top);
    type_text(&mut app, "1");
    assert_eq!(amount(&app), format!("1{quoted}"), "{}", screen(&app));
}

/// Esc in the enrollment chooser after typing a reason for 不参保 says the status was not changed, in the operator's
/// language, as the note editor says its text was not saved, and the pupil's status stays; Esc with nothing typed
/// says nothing. Before, the reason typed was thrown away without a word.
#[test]
fn esc_in_the_enrollment_chooser_says_the_reason_was_not_saved() {
    for (lang, said) in [(Language::Zh, "参保状态未修改"), (Language::En, "Enrollment not changed")] {
        let mut app = app(lang);
        let id = app.selected_id().expect("pupil");
        let before = app.store.student(id).expect("pupil").enrollment;
        app.update(Action::Enrollment);
        let Some(canbao::tui::modal::Modal::Enrollment(chooser)) = &app.modal else { panic!("{}", screen(&app)) };
        let declined = Enrollment::ALL.iter().position(|e| *e == Enrollment::Declined).expect("declined");
        for _ in chooser.cursor..declined {
            app.update(Action::Down);
        }
        type_text(&mut app, "已转学");
        app.update(Action::Back);
        assert!(app.modal.is_none());
        let status = status_text(&app);
        assert!(status.contains(said) && status.contains("已转学"), "{}", screen(&app));
        assert_eq!(app.store.student(id).expect("pupil").enrollment, before);
        // Nothing typed.
        app.update(Action::Enrollment);
        app.update(Action::Back);
        assert!(app.modal.is_none());
        assert_eq!(status_text(&app), "", "{}", screen(&app));
    }
}

/// Esc in the note editor after typing says the note was not saved, in the operator's language, as the category
/// chooser says it closed unsaved; Esc with nothing typed, or with the note as it was, says nothing. Before, the
/// text typed was thrown away without a word.
#[test]
fn esc_in_the_note_editor_says_the_note_was_not_saved() {
    for (lang, said) in [(Language::Zh, "备注未保存"), (Language::En, "Note not saved")] {
        let mut app = app(lang);
        let id = app.selected_id().expect("pupil");
        app.update(Action::EditNote);
        type_text(&mut app, "明天交费");
        app.update(Action::Back);
        assert!(app.modal.is_none());
        let status = status_text(&app);
        assert!(status.contains(said) && status.contains("明天交费"), "{}", screen(&app));
        assert_eq!(app.store.student(id).expect("pupil").note, "");
        insta::assert_snapshot!(format!("note_not_saved_{}", lang_name(lang)), screen(&app));
        // Nothing typed.
        app.update(Action::EditNote);
        app.update(Action::Back);
        assert_eq!(status_text(&app), "", "{}", screen(&app));
        // The note as it was.
        app.update(Action::EditNote);
        type_text(&mut app, "明天交费");
        app.update(Action::Confirm);
        app.update(Action::EditNote);
        app.update(Action::Back);
        assert_eq!(status_text(&app), "", "{}", screen(&app));
        assert_eq!(app.store.student(id).expect("pupil").note, "明天交费");
    }
}

/// A message that fits its box names only the key that closes it: Down, which scrolls a longer one, does nothing
/// there, and its hint (「Down 下移」) is gone. A message longer than its box still names it.
#[test]
fn a_message_that_fits_names_no_scroll_key() {
    for (lang, down) in [(Language::Zh, "Down 下移"), (Language::En, "Down more")] {
        let mut app = app(lang);
        app.show("导出完成", vec!["/tmp/表.xlsx".to_owned()], false);
        let shown = screen(&app);
        assert!(shown.contains("Enter") && !shown.contains(down), "{shown}");
        insta::assert_snapshot!(format!("message_fits_{}", lang_name(lang)), shown);
        let long: Vec<String> = (1..=60).map(|i| format!("第 {i} 行")).collect();
        app.show("检查", long, false);
        assert!(screen(&app).contains(down), "{}", screen(&app));
    }
}

/// Ctrl-c on a job's progress dialog asks whether to stop the job, and that question takes no key before the keys
/// pause after the Ctrl-c: a key typed right after it declines it, as Esc does, and the progress comes back with
/// the job still running. Before, the question closed to nothing, and the job ran on behind the roster.
#[test]
fn a_key_typed_right_after_ctrl_c_on_a_job_goes_back_to_its_progress() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let mut app = drive_file_app(dir.path());
    app.report_pauses();
    let list = list_without_school(dir.path(), 3);
    app.start_import(list);
    assert!(matches!(app.modal, Some(Modal::Working(_))), "{}", screen(&app));
    app.key_in_run(false);
    press_ctrl_c(&mut app);
    assert!(stop_question_open(&app), "{}", screen(&app));
    app.key_in_run(true);
    app.key_is_character(true);
    press(&mut app, KeyCode::Char('x'));
    assert!(matches!(app.modal, Some(Modal::Working(_))), "{}", screen(&app));
    finish_job(&mut app);
    assert!(matches!(app.modal, Some(Modal::ImportPreview { .. })), "the job ran to its preview:\n{}", screen(&app));
}

/// The payment form for a pupil whose category was carried from an earlier year and not certified again
/// (待重新认定) offers the full amount and says why, as `quote` and the payment notice do, where it offered the
/// subsidised 100 of 400 as if certified.
#[test]
fn the_payment_form_quotes_a_category_to_be_certified_again_in_full() {
    let mut store = store(true);
    in_year(&mut store, 2027);
    let renewed = common::yibin_2027(40000);
    store.keep_policy_text("yibin-2027", &renewed).expect("copy");
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2027").expect("meta");
    let amount_and_note = |store: Store| {
        let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
        app.update(Action::Resize(140, 30));
        app.update(Action::Search);
        type_text(&mut app, "何轩明");
        app.update(Action::Confirm);
        app.update(Action::TogglePaid);
        let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("form: {}", screen(&app)) };
        (form.amount.text().to_owned(), form.note.clone().unwrap_or_default(), app.store)
    };
    let (amount, note, store) = amount_and_note(store);
    assert_eq!(amount, "100", "certified this year: {note}");
    assert!(!note.contains("待重新认定"), "{note}");
    let carried = "UPDATE students SET categories_year = 2026 WHERE name = '何轩明'";
    assert_eq!(store.connection().execute(carried, []).expect("carried"), 1);
    let (amount, note, _) = amount_and_note(store);
    assert_eq!(amount, "400", "{note}");
    assert!(note.contains("人员类别（低保对象）待重新认定"), "{note}");
}

/// The policy screen marks the drive's policy after its premium with a space between: "premium 380 yuan (in use)".
#[test]
fn the_policy_in_use_is_marked_apart_from_its_premium() {
    let mut app = app(Language::En);
    app.update(Action::Palette);
    type_text(&mut app, "policy");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Policies { list, .. }) = &app.modal else { panic!("no policy screen") };
    let yibin = list.iter().position(|p| p.name == "yibin-2024").expect("yibin");
    for _ in 0..yibin {
        app.update(Action::Down);
    }
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &mut app.modal else { panic!("not asked") };
    c.yes = true;
    app.update(Action::Confirm);
    app.update(Action::Palette);
    type_text(&mut app, "policy");
    app.update(Action::Confirm);
    let shown = screen(&app);
    assert!(shown.contains("premium 380 yuan (in use)"), "{shown}");
}

/// The screen's row `y` (0 the title bar; negative from the bottom: -3 the status line above a footer of two).
fn row(shown: &str, y: isize) -> String {
    let rows: Vec<&str> = shown.lines().collect();
    let at = if y < 0 { rows.len() as isize + y } else { y };
    rows.get(at as usize).map(|r| (*r).to_owned()).unwrap_or_else(|| panic!("no row {y}:\n{shown}"))
}

/// On a drive that has started a second insured year the title bar names the year, and at 80 columns the
/// operator's name stays whole beside it (and beside the sample's mark): the program's name, then the school's,
/// give up their room first, where the operator's name was cut to 「操作员：张 ..」.
#[test]
fn the_title_keeps_the_operators_name_beside_the_year_at_80_columns() {
    for demo in [false, true] {
        for lang in [Language::Zh, Language::En] {
            let mut store = store(true);
            let set = "UPDATE meta SET value = '2026' WHERE key = 'first_year'";
            assert_eq!(store.connection().execute(set, []).expect("year"), 1);
            store.reload_year().expect("year");
            let mut app = App::new(store, &options(lang, Some("张老师"))).expect("app");
            app.update(Action::Resize(80, 24));
            app.demo = demo;
            let shown = screen(&app);
            let title = row(&shown, 0);
            let (year, operator, sample) = match lang {
                Language::Zh => ("2027年度", "操作员：张老师", "示例数据"),
                Language::En => ("Year 2027", "Operator: 张老师", "sample data"),
            };
            for said in [year, operator, "2026-11-23"] {
                assert!(title.contains(said), "{said}: {title}");
            }
            assert_eq!(title.contains(sample), demo, "{title}");
            let name = if demo { "title_year_sample_80" } else { "title_year_80" };
            insta::assert_snapshot!(format!("{name}_{}", lang_name(lang)), shown);
        }
    }
}

/// A letter typed into the category chooser closes it unsaved: what the status line says of it is read whole at
/// 80 columns, down to the key that saves, in both languages.
#[test]
fn what_a_stray_key_in_the_category_chooser_did_is_read_whole_at_80_columns() {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        press(&mut app, KeyCode::Char('c'));
        press(&mut app, KeyCode::Char(' '));
        press(&mut app, KeyCode::Char('d'));
        let shown = screen(&app);
        let status = row(&shown, -3);
        let said = match lang {
            Language::Zh => "类别未保存：「d」在类别选择中无效；请重新打开，勾选后按 Enter",
            Language::En => "Categories not saved: \"d\" is no key there; reopen, tick, Enter",
        };
        assert_eq!(status.trim(), said, "{shown}");
        insta::assert_snapshot!(format!("categories_stray_80_{}", lang_name(lang)), shown);
    }
}

/// `e` on a bundled policy says what to do instead, whole at 80 columns: make this year's with `n`, edit that.
#[test]
fn e_on_a_bundled_policy_says_what_to_do_whole_at_80_columns() {
    for lang in [Language::Zh, Language::En] {
        let config = tempfile::tempdir().expect("dir");
        let opts = Options { config_dir: Some(config.path().to_owned()), ..options(lang, Some("测试")) };
        let mut app = App::new(store(true), &opts).expect("app");
        app.update(Action::Resize(80, 24));
        app.run_command(canbao::tui::palette::Command::Policies);
        app.update(Action::Edit);
        let shown = screen(&app);
        let (start, end) = match lang {
            Language::Zh => ("内置政策不能直接修改", "再修改那一份"),
            Language::En => ("A bundled policy is read-only", "then edit that"),
        };
        assert!(line_starting(&shown, start).ends_with(end), "{shown}");
        insta::assert_snapshot!(format!("policy_builtin_edit_80_{}", lang_name(lang)), shown);
    }
}

/// After an export into a deep folder the status line at 80 columns shows the file's whole name, the folder
/// shortened from the left behind 「…」, where the name was cut off at the right edge.
#[test]
fn an_exports_status_line_keeps_the_file_name_at_80_columns() {
    for lang in [Language::Zh, Language::En] {
        let dir = tempfile::tempdir().expect("dir");
        let deep = dir.path().join("exports-for-the-agencies/this-term/2027/柳州市示范小学");
        std::fs::create_dir_all(&deep).expect("folder");
        let mut app = app(lang);
        let mut typed = deep.clone().into_os_string();
        typed.push("/");
        app.start_export(PathBuf::from(typed));
        app.update(Action::Confirm);
        let shown = screen(&app);
        let status = row(&shown, -3);
        let (said, name) = match lang {
            Language::Zh => ("已导出：.../", "柳州市示范小学-2027年度-在校学生信息表-20261123.xlsx"),
            Language::En => ("Written: .../", "柳州市示范小学-2027年度-在校学生信息表-20261123.xlsx"),
        };
        assert!(status.trim_start().starts_with(said) && status.ends_with(name), "{shown}");
        insta::assert_snapshot!(format!("export_status_80_{}", lang_name(lang)), shown);
    }
}

/// With pupils selected the filter line at 80 columns keeps the counts and says every filter whole: where there is
/// no room to name each as 「全部」, the filters set alone (or that none is), never a filter cut to 「Category ..」.
#[test]
fn the_filter_line_with_a_selection_is_read_whole_at_80_columns() {
    for filtered in [false, true] {
        for lang in [Language::Zh, Language::En] {
            let mut app = app(lang);
            if filtered {
                app.update(Action::Filters);
                app.update(Action::Right);
                app.update(Action::Down);
                app.update(Action::Down);
                app.update(Action::Right);
                app.update(Action::Confirm);
            }
            app.update(Action::ToggleSelect);
            app.update(Action::ToggleSelect);
            let shown = screen(&app);
            let line = row(&shown, 1);
            assert!(!line.contains(".."), "{shown}");
            let said: &[&str] = match (lang, filtered) {
                (Language::Zh, false) => &["筛选", "类别 全部", "显示 360 / 360", "已选 2"],
                (Language::En, false) => &["Filter none", "360 of 360", "2 selected"],
                (Language::Zh, true) => &["班级 一年级1班", "缴费 未缴费", "已选 2"],
                (Language::En, true) => &["Class 一年级1班", "Payment unpaid", "2 selected"],
            };
            for s in said {
                assert!(line.contains(s), "{s}: {line}");
            }
            let name = if filtered { "filter_line_set_80" } else { "filter_line_selected_80" };
            insta::assert_snapshot!(format!("{name}_{}", lang_name(lang)), shown);
        }
    }
}

/// The dashboard's backup line at 80 columns: when the last backup was taken, read whole; beside a drive file's
/// path, the time before the words on when backups are taken, and the path's folder shortened from the left so the
/// file's name stays.
#[test]
fn the_dashboards_backup_line_is_read_whole_at_80_columns() {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        app.store.set_meta("last_backup", "2026-11-23T09:12:03+08:00").expect("meta");
        app.update(Action::Dashboard);
        let shown = screen(&app);
        let said = match lang {
            Language::Zh => "上次备份：2026-11-23 09:12（导入、对账、合并前和每天首次打开时自动备份）",
            Language::En => "Last backup: 2026-11-23 09:12 (taken before imports, reconciles, merges; daily)",
        };
        assert_eq!(line_starting(&shown, &said[..6]).trim(), said, "{shown}");
        insta::assert_snapshot!(format!("dashboard_backup_80_{}", lang_name(lang)), shown);

        let dir = tempfile::tempdir().expect("dir");
        let deep = dir.path().join("a-folder-with-a-long-name/and-another-below-it/where-the-drive-is");
        std::fs::create_dir_all(&deep).expect("folder");
        let mut store = Store::open(&deep.join("school.db")).expect("drive");
        store.set_fixed_clock(NOW);
        canbao::demo::load_sample(&mut store).expect("sample");
        // Taken into the drive's own backups folder (one recorded elsewhere is no backup of this file), then
        // said to be of a fixed time.
        store.backup_now("manual").expect("backup");
        store.set_meta("last_backup", "2026-11-23T09:12:03+08:00").expect("meta");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        app.update(Action::Dashboard);
        let shown = screen(&app);
        let (file, backup) = match lang {
            Language::Zh => ("数据文件：.../", "/school.db  上次备份：2026-11-23 09:12"),
            Language::En => ("File: .../", "/school.db  Last backup: 2026-11-23 09:12"),
        };
        let line = line_starting(&shown, file);
        assert!(line.trim_end().ends_with(backup), "{shown}");
    }
}

/// The lines of a detail screen's field: its row, and the rows under its value that carry it on.
fn field_value(shown: &str, label: &str) -> String {
    let rows: Vec<&str> = shown.lines().collect();
    let at = rows.iter().position(|l| l.trim_start().starts_with(label)).unwrap_or_else(|| panic!("{shown}"));
    let first = rows[at].trim_start().strip_prefix(label).unwrap_or_default().trim();
    let more = rows[at + 1..].iter().take_while(|r| r.starts_with(&" ".repeat(13)) && !r.trim().is_empty());
    std::iter::once(first).chain(more.map(|r| r.trim())).collect::<Vec<_>>().join(" ")
}

/// The amount due of a pupil insured elsewhere at 80 columns: the whole sentence, wrapped under the value where
/// the place makes it longer than the row, where the English lost 「nothing collected here」 at the edge.
#[test]
fn the_amount_due_insured_elsewhere_is_read_whole_at_80_columns() {
    for lang in [Language::Zh, Language::En] {
        let mut store = store(true);
        store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
        in_year(&mut store, 2024);
        let id = store.student_by_id_number("450202201912156031").expect("read").expect("高俊").id;
        let place = "四川省泸州市江阳区大山坪街道";
        store.set_enrollment(id, Enrollment::Elsewhere, Some(place)).expect("elsewhere");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        app.update(Action::OpenDetail);
        let shown = screen(&app);
        let (label, said) = match lang {
            Language::Zh => ("应缴金额", format!("0 元：异地参保（{place}），在参保地缴费，本地不收取")),
            Language::En => {
                ("Amount due", format!("0 yuan: insured and paid elsewhere ({place}), nothing collected here"))
            }
        };
        let value = field_value(&shown, label);
        // Chinese wraps between characters, English between words.
        let joined = if lang == Language::Zh { value.replace(' ', "").replace("0元", "0 元") } else { value };
        assert_eq!(joined, said, "{shown}");
        insta::assert_snapshot!(format!("detail_elsewhere_80_{}", lang_name(lang)), shown);
    }
}

/// Paying a selection some of whom have paid: the form's title gives the title bar's count and how many of them
/// it records, 「已选 3 人，其中未缴费 2 人」, where it said 「已选 2 名学生」 under a title bar saying 已选 3.
#[test]
fn the_payment_form_counts_the_selection_the_title_bar_does() {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        let id = app.selected_id().expect("pupil");
        let details = canbao::domain::student::PaymentDetails { amount_fen: Some(38000), ..Default::default() };
        app.store.set_payment(id, PaymentStatus::Paid, &details).expect("paid");
        for _ in 0..3 {
            app.update(Action::ToggleSelect);
        }
        app.update(Action::TogglePaid);
        let shown = screen(&app);
        let (bar, title) = match lang {
            Language::Zh => ("已选 3", "登记缴费：已选 3 人，其中未缴费 2 人"),
            Language::En => ("3 selected", "Record payment: 3 selected, 2 of them unpaid"),
        };
        assert!(row(&shown, 1).contains(bar) && shown.contains(title), "{shown}");
        insta::assert_snapshot!(format!("payment_some_paid_80_{}", lang_name(lang)), shown);
    }
}

/// Paying a selection holding both a pupil paid already and one who enrolls where the benefit was approved: the
/// form's title counts the pupils it records, those paid and those left to enroll away apart, adding up to the
/// selection (「已选 4 人，本次登记 2 人，另有已缴费 1 人、不在本校登记 1 人」), where it said 「其中在本校登记 2 人」,
/// leaving the paid pupil, registered at school as well, out of the count. At 80×24 and 120×40, and in English.
#[test]
fn the_payment_form_counts_paid_and_away_pupils_apart() {
    for lang in [Language::Zh, Language::En] {
        for (width, height) in [(80, 24), (120, 40)] {
            let (mut app, ids, _) = app_at_benefit_place(lang, "孤儿");
            app.update(Action::Resize(width, height));
            let details = canbao::domain::student::PaymentDetails { amount_fen: Some(35000), ..Default::default() };
            app.store.set_payment(ids[2], PaymentStatus::Paid, &details).expect("paid");
            for _ in 0..4 {
                app.update(Action::ToggleSelect);
            }
            app.update(Action::TogglePaid);
            let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("form: {}", screen(&app)) };
            assert_eq!((form.targets.len(), form.already_paid, form.left_away.len()), (2, 1, 1));
            let shown = screen(&app);
            let title = match lang {
                Language::Zh => "登记缴费：已选 4 人，本次登记 2 人，另有已缴费 1 人、不在本校登记 1 人",
                Language::En => "Record payment: 4 selected, 2 to record, 1 paid, 1 enroll elsewhere",
            };
            assert!(shown.contains(title), "{shown}");
            insta::assert_snapshot!(format!("payment_paid_and_away_{width}x{height}_{}", lang_name(lang)), shown);
        }
    }
}

/// The detail screen says the channel of a payment a tax list without a channel column recorded as the 已缴费
/// ledger does (「税务（名单未列渠道）」 / "tax office (channel not listed)"), where it said "-" as for a payment
/// nobody knows the route of; a payment marked by hand without a channel still says "-".
#[test]
fn the_detail_screen_says_a_tax_list_payment_without_a_channel_reached_the_tax_office() {
    let mut store = store(true);
    let dir = tempfile::tempdir().expect("tempdir");
    let list = dir.path().join("tax.csv");
    std::fs::write(&list, "姓名,证件号码,缴费金额,缴费日期\n孙语,450203201909308803,380,2026-11-01\n").expect("write");
    canbao::io::reconcile::reconcile(&mut store, &list, canbao::io::reconcile::Source::Tax, None, false)
        .expect("reconcile");
    let lin = store.student_by_id_number("450202201911276365").expect("read").expect("林彤瑶").id;
    let by_hand = canbao::domain::student::PaymentDetails {
        amount_fen: Some(38_000),
        paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 2),
        channel: None,
    };
    store.set_payment(lin, PaymentStatus::Paid, &by_hand).expect("paid by hand");
    for (lang, listed, by_hand) in [
        (Language::Zh, "380.00 元，2026-11-01，税务（名单未列渠道）", "380.00 元，2026-11-02，-"),
        (Language::En, "380.00 yuan, 2026-11-01, tax office (channel not listed)", "380.00 yuan, 2026-11-02, -"),
    ] {
        let shown = detail_of(&mut store, lang, "孙语");
        assert!(shown.contains(listed), "{shown}");
        let shown = detail_of(&mut store, lang, "林彤瑶");
        assert!(shown.contains(by_hand) && !shown.contains("名单未列渠道"), "{shown}");
    }
}

/// One pupil selected and then searched out of sight is still the one a mark goes to: the dialog's title says
/// the pupil is not in the list shown, and Enter asks, naming the pupil, before anything is saved (Yes saves).
/// Before, `p`, `e`, `c` and `n` saved the hidden child's mark with no question, unlike a selection of two.
#[test]
fn one_selected_pupil_out_of_sight_is_named_before_a_mark_is_saved() {
    use canbao::tui::modal::Modal;
    let key_of = |key: char| match key {
        'p' => Action::TogglePaid,
        'e' => Action::Enrollment,
        'c' => Action::Categories,
        _ => Action::EditNote,
    };
    for (key, lang) in
        [('p', Language::Zh), ('e', Language::Zh), ('c', Language::Zh), ('n', Language::Zh), ('p', Language::En)]
    {
        let mut app = app(lang);
        let other = app.store.student(app.selected_id().expect("pupil")).expect("pupil").name;
        for _ in 0..4 {
            app.update(Action::Down);
        }
        let id = app.selected_id().expect("pupil");
        let name = app.store.student(id).expect("pupil").name;
        app.update(Action::ToggleSelect);
        app.update(Action::Search);
        type_text(&mut app, &other);
        app.update(Action::Confirm);
        let row = app.data.index_of(id).expect("row") as u32;
        assert!(!app.roster.shown().contains(&row), "searched out of sight");
        let audit = app.store.audit_count().expect("count");
        app.update(key_of(key));
        let title = match lang {
            Language::Zh => format!("{name}（不在当前列表中）"),
            Language::En => format!("{name} (not in the list shown)"),
        };
        assert!(screen(&app).contains(&title), "{key:?}: {}", screen(&app));
        match key {
            'e' => app.update(Action::Down),
            'c' => app.update(Action::ToggleSelect),
            'n' => type_text(&mut app, "补交材料"),
            // The sample drive has no policy: no amount due to fill in.
            _ => type_text(&mut app, "380"),
        }
        app.update(Action::Confirm);
        let Some(Modal::Confirm(c)) = &app.modal else { panic!("{key:?} asked: {}", screen(&app)) };
        let said = match lang {
            Language::Zh => format!("{name} 不在当前列表中"),
            Language::En => format!("{name} is not in the list on screen"),
        };
        assert!(c.question.contains(&said), "{key:?}: {}", c.question);
        assert!(!c.yes, "No by default");
        assert_eq!(app.store.audit_count().expect("count"), audit, "{key:?}: nothing saved before Yes");
        app.update(Action::Yes);
        assert!(app.store.audit_count().expect("count") > audit, "{key:?}: Yes saves");
    }
}

/// Every category unticked, or the note deleted, of one selected pupil searched out of sight is asked as a
/// clearing of that field, by name (Yes clears it). Before, the question offered to save an empty value:
/// 「仍为 张三 保存「人员类别：」？」, which did not say the pupil's categories would be gone.
#[test]
fn clearing_a_field_of_one_pupil_out_of_sight_is_asked_as_a_clearing() {
    use canbao::tui::modal::Modal;
    for (key, lang) in [('c', Language::Zh), ('n', Language::Zh), ('c', Language::En), ('n', Language::En)] {
        let mut app = app(lang);
        let other = app.store.student(app.selected_id().expect("pupil")).expect("pupil").name;
        for _ in 0..4 {
            app.update(Action::Down);
        }
        let id = app.selected_id().expect("pupil");
        let name = app.store.student(id).expect("pupil").name;
        // A category or a note to clear, saved while the pupil is on screen.
        let open = || if key == 'c' { Action::Categories } else { Action::EditNote };
        let mark = || if key == 'c' { Action::ToggleSelect } else { Action::Input('记') };
        app.update(open());
        app.update(mark());
        app.update(Action::Confirm);
        let s = app.store.student(id).expect("pupil");
        assert!(!s.categories.is_empty() || !s.note.is_empty(), "{key:?}: marked first");
        app.update(Action::ToggleSelect);
        app.update(Action::Search);
        type_text(&mut app, &other);
        app.update(Action::Confirm);
        let row = app.data.index_of(id).expect("row") as u32;
        assert!(!app.roster.shown().contains(&row), "searched out of sight");
        app.update(open());
        app.update(if key == 'c' { mark() } else { Action::ClearLine });
        app.update(Action::Confirm);
        let Some(Modal::Confirm(c)) = &app.modal else { panic!("{key:?} asked: {}", screen(&app)) };
        let asked = match (key, lang) {
            ('c', Language::Zh) => format!("仍为 {name} 清除人员类别？"),
            (_, Language::Zh) => format!("仍为 {name} 清除备注？"),
            ('c', _) => format!("Clear the categories of {name} all the same?"),
            _ => format!("Clear the note of {name} all the same?"),
        };
        assert!(c.question.starts_with(&asked), "{key:?}: {}", c.question);
        assert!(screen(&app).contains(&asked), "{key:?}: {}", screen(&app));
        app.update(Action::Yes);
        let s = app.store.student(id).expect("pupil");
        assert!(s.categories.is_empty() && s.note.is_empty(), "{key:?}: Yes clears");
    }
}

/// `p` on a pupil marked 财政代缴 asks first (No by default), as `f` asks on a pupil the family paid for; Yes opens
/// the form, which says the pupil is 财政代缴 now. Before, the form opened with no word and saved a family's payment
/// over the department's.
#[test]
fn p_on_a_pupil_the_department_pays_for_asks_before_the_form() {
    use canbao::tui::modal::Modal;
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    let name = app.store.student(id).expect("s").name;
    app.update(Action::ToggleGovernment);
    app.update(Action::Yes);
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Government);
    app.update(Action::TogglePaid);
    let Some(Modal::Confirm(c)) = &app.modal else { panic!("asked: {}", screen(&app)) };
    assert!(c.question.starts_with(&format!("{name} 为财政代缴")), "{}", c.question);
    assert!(!c.yes, "No by default");
    app.update(Action::Confirm);
    assert!(app.modal.is_none());
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Government, "No keeps 财政代缴");
    app.update(Action::TogglePaid);
    app.update(Action::Yes);
    let Some(Modal::Payment(_)) = &app.modal else { panic!("the form: {}", screen(&app)) };
    assert!(screen(&app).contains("现为财政代缴"), "{}", screen(&app));
    type_text(&mut app, "380");
    app.update(Action::Confirm);
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Paid, "{}", screen(&app));
}

/// The place of 异地参保 and the reason of 不参保 are two fields: a place typed and left by choosing 不参保 is not
/// the decline reason, in the same chooser nor in the next one; each status keeps its own text while the chooser
/// is open. Before, the one field carried 南宁市 over and it was saved as the reason.
#[test]
fn a_place_typed_for_elsewhere_is_not_saved_as_a_decline_reason() {
    use canbao::tui::modal::Modal;
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    let to = |app: &mut App, status: Enrollment| {
        let Some(Modal::Enrollment(chooser)) = &app.modal else { panic!("chooser") };
        let (from, to) = (chooser.cursor, Enrollment::ALL.iter().position(|e| *e == status).expect("status"));
        for _ in from..to {
            app.update(Action::Down);
        }
        for _ in to..from {
            app.update(Action::Up);
        }
    };
    app.update(Action::Enrollment);
    to(&mut app, Enrollment::Elsewhere);
    app.update(Action::NextField);
    type_text(&mut app, "南宁市");
    app.update(Action::PreviousField);
    to(&mut app, Enrollment::Declined);
    assert!(screen(&app).contains("不参保原因") && !screen(&app).contains("南宁市"), "{}", screen(&app));
    // Back to 异地参保, the place typed is there again.
    to(&mut app, Enrollment::Elsewhere);
    assert!(screen(&app).contains("南宁市"), "{}", screen(&app));
    to(&mut app, Enrollment::Declined);
    let Some(Modal::Enrollment(chooser)) = &app.modal else { panic!("chooser") };
    assert_eq!(chooser.detail.text(), "");
    type_text(&mut app, "家长不同意");
    app.update(Action::Confirm);
    let s = app.store.student(id).expect("s");
    assert_eq!((s.enrollment, s.decline_reason.as_deref()), (Enrollment::Declined, Some("家长不同意")));
    // Saved as 异地参保 南宁市, then 不参保 chosen in the next chooser.
    app.update(Action::Enrollment);
    to(&mut app, Enrollment::Elsewhere);
    type_text(&mut app, "南宁市");
    app.update(Action::Confirm);
    let s = app.store.student(id).expect("s");
    assert_eq!((s.enrollment, s.decline_reason.as_deref()), (Enrollment::Elsewhere, Some("南宁市")));
    app.update(Action::Enrollment);
    app.update(Action::Down);
    let Some(Modal::Enrollment(chooser)) = &app.modal else { panic!("chooser") };
    assert_eq!((chooser.status(), chooser.detail.text()), (Enrollment::Declined, ""));
    type_text(&mut app, "家长不同意");
    app.update(Action::Confirm);
    let s = app.store.student(id).expect("s");
    assert_eq!((s.enrollment, s.decline_reason.as_deref()), (Enrollment::Declined, Some("家长不同意")));
}

/// A class typed in the filter panel that no class matches is said (and the filter is left as it was); before,
/// the panel stayed on 全部 without a word, and a following `a` selected the whole school.
#[test]
fn a_class_typed_that_matches_nothing_is_said() {
    for (lang, said) in [(Language::Zh, "没有与「九9」相符的班级"), (Language::En, "No class matches \"九9\"")]
    {
        let mut app = app(lang);
        app.update(Action::Filters);
        type_text(&mut app, "九9");
        assert_eq!(app.roster.filters().class, None);
        let status = app.status.as_ref().expect("said");
        assert!(status.error && status.text.starts_with(said), "{}", status.text);
        assert!(screen(&app).contains(said), "{}", screen(&app));
        // Text typed again that finds a class takes the message away.
        app.update(Action::ClearLine);
        type_text(&mut app, "一");
        assert!(app.roster.filters().class.is_some(), "一 finds a class of the sample school");
        assert!(app.status.is_none(), "{:?}", app.status.as_ref().map(|s| &s.text));
    }
}

/// Backspace down to nothing typed in the filter panel's class row takes the 「没有与「九」相符的班级」 line away:
/// before, the red line stayed although no text was typed any more.
#[test]
fn backspace_to_no_class_typed_takes_the_no_match_line_away() {
    for (lang, said) in [(Language::Zh, "没有与「九9」相符的班级"), (Language::En, "No class matches \"九9\"")]
    {
        let mut app = app(lang);
        app.update(Action::Filters);
        type_text(&mut app, "九9");
        assert!(app.status.as_ref().is_some_and(|s| s.error && s.text.starts_with(said)), "said first");
        app.update(Action::Backspace);
        app.update(Action::Backspace);
        assert!(app.status.is_none(), "{:?}", app.status.as_ref().map(|s| &s.text));
        assert!(!screen(&app).contains(said), "{}", screen(&app));
    }
}

/// The mouse wheel over the enrollment chooser changes nothing: three turns of it turned 未确认 into 不参保.
#[test]
fn the_wheel_does_not_change_the_enrollment_chosen() {
    use canbao::tui::modal::Modal;
    let mut app = app(Language::Zh);
    app.update(Action::Enrollment);
    let Some(Modal::Enrollment(chooser)) = &app.modal else { panic!("chooser") };
    let cursor = chooser.cursor;
    for _ in 0..3 {
        app.update(Action::ScrollDown);
    }
    app.update(Action::ScrollUp);
    let Some(Modal::Enrollment(chooser)) = &app.modal else { panic!("chooser") };
    assert_eq!(chooser.cursor, cursor);
}

/// A drive under yibin-2024 whose pupils named in `part` paid 300 of the 380 due on 2023-10-10: part-paid.
fn with_part_payments(part: &[&str]) -> Store {
    let mut store = store(true);
    for name in part {
        let pupils = store.students(&Default::default()).expect("pupils");
        let id = pupils.iter().find(|s| s.name == *name).map(|s| s.id).expect(name);
        let paid = canbao::domain::student::PaymentDetails {
            amount_fen: Some(30_000),
            paid_on: chrono::NaiveDate::from_ymd_opt(2023, 10, 10),
            channel: None,
        };
        store.set_payment(id, PaymentStatus::Paid, &paid).expect("part");
    }
    store
}

/// A part-paid pupil (300 of 380) reads 部分缴费 on the roster, is among 未缴费 and not 已缴费 in the 缴费 filter, and
/// `p` on her asks to record a top-up: the form says what was paid and is still owed, fills in the 80, and saves
/// 380 in all under a history row of its own (补缴); she then reads 已缴费. Before, the roster said 已缴费 and `p`
/// offered only to clear the 300. No to the top-up asks whether to clear the payment instead.
#[test]
fn a_part_paid_pupil_reads_part_paid_and_p_records_a_top_up() {
    let mut app = app_on_policy(with_part_payments(&["林彤瑶", "孙语"]));
    app.update(Action::Resize(120, 30));
    app.update(Action::Search);
    type_text(&mut app, "林彤瑶");
    app.update(Action::Confirm);
    let id = app.selected_id().expect("林彤瑶");
    let shown = screen(&app);
    let row = shown.lines().find(|l| l.contains("林彤瑶") && l.contains("一年级1班")).expect("her row");
    assert!(row.contains("部分缴费") && !row.contains("已缴费"), "{row}");
    let at = app.data.index_of(id).expect("row");
    let filter = |payment| canbao::tui::roster::Filters { payment: Some(payment), ..Default::default() };
    assert!(filter(PaymentStatus::Unpaid).matches(&app.data.rows[at]), "still to collect");
    assert!(!filter(PaymentStatus::Paid).matches(&app.data.rows[at]));

    app.update(Action::TogglePaid);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked") };
    assert!(c.question.contains("林彤瑶 部分缴费：已缴 300 元，应缴 380 元，还差 80 元。登记补缴？"), "{}", c.question);
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("the top-up form") };
    assert_eq!(form.top_up, Some(30_000));
    form.date.set("2023-10-2");
    form.date_touched = true;
    app.update(Action::Down);
    type_text(&mut app, "0");
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("the top-up form") };
    assert_eq!(form.amount.text(), "80");
    assert!(form.warning.as_deref().is_some_and(|w| w.contains("已缴 300 元，应缴 380 元，还差 80 元")), "{form:?}");
    let shown = screen(&app);
    assert!(shown.contains("登记补缴") && shown.contains("补缴金额"), "{shown}");
    app.update(Action::Confirm);
    assert!(app.modal.is_none(), "saved at once: 380 is the amount due");
    let s = app.store.student(id).expect("s");
    assert_eq!(
        (s.payment_details.amount_fen, s.payment_details.paid_on.map(|d| d.to_string())),
        (Some(38_000), Some("2023-10-20".into()))
    );
    let row: (String, String) = app
        .store
        .connection()
        .query_row(
            "SELECT old, new FROM audit WHERE action = 'top_up' AND field = 'paid_amount_fen' AND student_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the top-up's history row");
    assert_eq!(row, ("30000".to_owned(), "38000".to_owned()));
    assert!(!app.data.rows[at].part_paid);
    let shown = screen(&app);
    let row = shown.lines().find(|l| l.contains("林彤瑶") && l.contains("一年级1班")).expect("her row");
    assert!(row.contains("已缴费"), "{row}");

    // 孙语: No to the top-up asks whether to clear her payment, No by default.
    app.update(Action::Search);
    type_text(&mut app, "孙语");
    app.update(Action::Confirm);
    app.update(Action::TogglePaid);
    app.update(Action::Left);
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("the clear question") };
    assert!(c.question.contains("清除 孙语 的缴费记录") && !c.yes, "{}", c.question);
}

/// A top-up dated before the part payment it follows (2023-10-10) is refused in the form, nothing saved: the
/// day decides the cover period, and an earlier one would move a late payment back into an earlier window.
#[test]
fn a_top_up_dated_before_the_part_payment_is_refused() {
    let mut app = app_on_policy(with_part_payments(&["林彤瑶"]));
    app.update(Action::Search);
    type_text(&mut app, "林彤瑶");
    app.update(Action::Confirm);
    let id = app.selected_id().expect("林彤瑶");
    app.update(Action::TogglePaid);
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("the top-up form") };
    form.date.set("2023-10-01");
    form.date_touched = true;
    form.amount.set("80");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("the form stays open") };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("早于已记录的缴费日期 2023-10-10")), "{form:?}");
    // As `mark --top-up` says it: with the one day a recorded payment may be ahead (a laptop a time zone ahead).
    let allowance = "只有已记录日期比今天晚一天（另一台电脑所在时区已到次日）时，今天的补缴按该日记录";
    assert!(form.error.as_deref().is_some_and(|e| e.contains(allowance)), "{form:?}");
    let s = app.store.student(id).expect("s");
    assert_eq!(
        (s.payment_details.amount_fen, s.payment_details.paid_on.map(|d| d.to_string())),
        (Some(30_000), Some("2023-10-10".into()))
    );
}

/// The detail screen of a part-paid pupil says 部分缴费 and, beside the amount due, what was paid and is still
/// owed, where before it read 已缴费 with the whole 380 as due.
#[test]
fn the_detail_screen_says_a_part_payment_and_what_is_still_owed() {
    let mut store = with_part_payments(&["林彤瑶"]);
    in_year(&mut store, 2024);
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    let zh = detail_of(&mut store, Language::Zh, "林彤瑶");
    assert!(line_starting(&zh, "缴费").contains("部分缴费"), "{zh}");
    assert!(zh.contains("已缴 300 元，还差 80 元"), "{zh}");
    let en = detail_of(&mut store, Language::En, "林彤瑶");
    assert!(en.contains("part-paid") && en.contains("300 yuan paid, 80 still owed"), "{en}");
}

/// The pupil `name` of `app`'s drive, found by a search and left under the cursor; its id.
fn find_pupil(app: &mut App, name: &str) -> i64 {
    app.update(Action::Search);
    type_text(app, name);
    app.update(Action::Confirm);
    let id = app.selected_id().expect(name);
    assert_eq!(app.store.student(id).expect("pupil").name, name);
    id
}

/// `p` on a pupil paid in full asks whether to clear the payment (No by default). The payment form's usual keys
/// typed at it, as by an operator who took it for the form (`p`, Tab, 2026-11-20, Enter), close it unanswered
/// at the first digit, and the Enter after them answers nothing: the payment stays, and the status line says
/// why. Before, Tab moved to 是, the digits were swallowed, and the Enter cleared the 380 元.
#[test]
fn a_date_typed_at_the_clear_question_closes_it_and_its_enter_clears_nothing() {
    let mut app = app(Language::Zh);
    let id = find_pupil(&mut app, "孙语");
    let paid = canbao::domain::student::PaymentDetails {
        amount_fen: Some(38_000),
        paid_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20),
        channel: None,
    };
    app.store.set_payment(id, PaymentStatus::Paid, &paid).expect("paid");
    let press = |code| Paced::Key(key(code, KeyEventKind::Press));
    let mut script: std::collections::VecDeque<Paced> = paced("p").collect();
    // A look at what opened, then the form's keys in one go.
    script.extend([Paced::Pause, Paced::Pause, Paced::Sleep(400), press(KeyCode::Tab)]);
    script.extend(paced("2026-11-20\n"));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    run_loop(&mut terminal, &mut app, &mut PacedScript(script)).expect("loop");
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Paid, "the payment stays");
    assert!(app.modal.is_none());

    // Any character closes it, and says why, without the event loop too.
    for typed in ['2', 'j', 'x'] {
        let mut app = app_on_policy(with_part_payments(&[]));
        let id = find_pupil(&mut app, "孙语");
        app.store.set_payment(id, PaymentStatus::Paid, &paid).expect("paid");
        app.update(Action::TogglePaid);
        app.update(Action::NextField);
        app.update(Action::Input(typed));
        let said = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
        assert!(said.starts_with(&format!("「{typed}」不是回答：问题已关闭，未作修改")), "{said}");
        app.update(Action::Confirm);
        assert!(app.modal.is_none(), "{typed}");
        assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Paid, "{typed}");
    }
}

/// A part-paid pupil (300 of 380): Esc at 「登记补缴？」 closes it, nothing changed, where it answered No and opened
/// 「清除 … 改为未缴费？」, whose same buttons a hurried Right, Enter then answered Yes to. The question that clears
/// the payment has a title of its own (清除缴费记录), not the top-up's 请确认.
#[test]
fn esc_at_the_top_up_question_closes_it_and_the_clear_question_reads_apart() {
    let mut app = app_on_policy(with_part_payments(&["林彤瑶"]));
    app.update(Action::Resize(120, 30));
    let id = find_pupil(&mut app, "林彤瑶");
    app.update(Action::TogglePaid);
    assert!(screen(&app).contains("请确认"), "{}", screen(&app));
    app.update(Action::Back);
    assert!(app.modal.is_none(), "Esc closes the whole question");
    let said = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(said.contains("未作修改"), "{said}");
    // Esc, Right, Enter, Right, Enter: still 300.
    app.update(Action::TogglePaid);
    for action in [Action::Back, Action::Right, Action::Confirm, Action::Right, Action::Confirm] {
        app.update(action);
    }
    assert_eq!(app.store.student(id).expect("s").payment_details.amount_fen, Some(30_000));
    // → goes to 是, where the question starts: the top-up form.
    app.update(Action::TogglePaid);
    app.update(Action::Right);
    app.update(Action::Confirm);
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Payment(_))), "the top-up form");
    app.update(Action::Back);
    // No (← to 否, Enter) still asks whether to clear, under its own title.
    app.update(Action::TogglePaid);
    app.update(Action::Left);
    app.update(Action::Confirm);
    let shown = screen(&app);
    assert!(shown.contains("清除缴费记录") && shown.contains("清除 林彤瑶 的缴费记录"), "{shown}");
    app.update(Action::Back);
    assert!(app.modal.is_none());
    assert_eq!(app.store.student(id).expect("s").payment_details.amount_fen, Some(30_000));
}

/// The payment form's date field, cleared and typed anew key by key; the form afterwards.
fn type_date(app: &mut App, date: &str) -> canbao::tui::modal::PaymentForm {
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("the form") };
    form.focus = canbao::tui::modal::PaymentField::Date;
    app.update(Action::ClearLine);
    type_text(app, date);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("the form") };
    form.clone()
}

/// The payment form quotes the day its Enter would save, read as Enter reads it: 2023年10月8日, 2023/10/8 and
/// 2023.10.08 (which the README says are taken) are quoted as 2023-10-08 is, where the quote stayed that of the
/// last ISO date typed and Enter then said there was no amount due; an unfinished date or one that is no day
/// (2023-02-30, whose 2023-02-3 was quoted on the way) quotes nothing and says the date is incomplete.
#[test]
fn the_payment_form_quotes_the_date_as_its_enter_reads_it() {
    let mut app = app_on_policy(with_part_payments(&[]));
    let id = find_pupil(&mut app, "孙语");
    app.update(Action::TogglePaid);
    let iso = type_date(&mut app, "2023-10-08");
    assert_eq!(iso.quoted, vec![Some(38_000)]);
    assert_eq!(iso.amount.text(), "380");
    for typed in ["2023年10月8日", "2023/10/8", "2023.10.08", "２０２３-10-08"] {
        type_date(&mut app, "2023-02-3");
        let form = type_date(&mut app, typed);
        assert_eq!((&form.quoted, &form.note, form.amount.text()), (&iso.quoted, &iso.note, "380"), "{typed}");
    }
    for typed in ["2023-02-30", "2023-10-", "2023年10月", "2023/1"] {
        type_date(&mut app, "2023-10-08");
        let form = type_date(&mut app, typed);
        assert_eq!(form.quoted, vec![None], "{typed}");
        assert_eq!(form.amount.text(), "", "{typed}");
        assert!(form.note.as_deref().is_some_and(|n| n.starts_with("日期不完整")), "{typed}: {:?}", form.note);
    }
    type_date(&mut app, "2023年10月8日");
    app.update(Action::Confirm);
    assert!(app.modal.is_none(), "saved: {:?}", app.modal.as_ref().map(|_| ()));
    let s = app.store.student(id).expect("s");
    assert_eq!(
        (s.payment_details.amount_fen, s.payment_details.paid_on.map(|d| d.to_string())),
        (Some(38_000), Some("2023-10-08".into()))
    );
}

/// A part payment saved through the form (300 of the 380 due) is said as the roster's row then reads it,
/// 部分缴费 with what is still owed, where the status line said 已缴费.
#[test]
fn a_part_payment_saved_in_the_form_is_said_part_paid() {
    for (lang, want) in
        [(Language::Zh, "已保存：孙语 部分缴费（还差 80 元）"), (Language::En, "part-paid (80 yuan still owed)")]
    {
        let mut store = with_part_payments(&[]);
        in_year(&mut store, 2024);
        store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        let id = find_pupil(&mut app, "孙语");
        app.update(Action::TogglePaid);
        type_date(&mut app, "2023-10-08");
        let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("the form") };
        form.focus = canbao::tui::modal::PaymentField::Amount;
        type_text(&mut app, "300");
        app.update(Action::Confirm);
        app.update(Action::Yes);
        assert_eq!(app.store.student(id).expect("s").payment_details.amount_fen, Some(30_000));
        let said = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
        assert!(said.contains(want), "{said}");
    }
}

/// The dashboard at 80 columns holds the four ledgers' line whole, with the 财政代缴 not yet recorded (the
/// shorter words for it, where the longer ones ran past the edge: 「财政代缴 7（其中未登记代」), and the class table's
/// header of a drive of two schools, whose words over the bars ran off (「左：登记率  右：缴费」).
#[test]
fn the_dashboard_fits_its_ledgers_and_class_header_in_80_columns() {
    for lang in [Language::Zh, Language::En] {
        let mut store = store(true);
        let pupils = store.students(&Default::default()).expect("pupils");
        let orphan =
            canbao::domain::student::CategoryMark { name: "孤儿".into(), department: "民政".into(), year: None };
        for s in pupils.iter().take(7) {
            store.set_categories(s.id, std::slice::from_ref(&orphan)).expect("category");
        }
        in_year(&mut store, 2024);
        store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        app.update(Action::Dashboard);
        let shown = screen(&app);
        let label = if lang == Language::Zh { "四本台账" } else { "Ledgers" };
        let ledgers = line_starting(&shown, label).trim_end();
        let whole = if lang == Language::Zh { "未登记代缴 13）" } else { "13 (13 unrec.)" };
        assert!(ledgers.ends_with(whole), "{shown}");
        assert!(unicode_width::UnicodeWidthStr::width(ledgers) <= 80, "{shown}");
    }
}

/// A pupil with 特困人员 carried from 2023 (待重新认定) and 孤儿 certified for 2024, under yibin-2024 (孤儿: the
/// department pays all): the dashboard's 财政代缴 counts her as `canbao stats` does, by the category certified
/// this year, where before the carried one made the dashboard weigh none of her categories and count her unpaid.
#[test]
fn the_dashboard_weighs_each_category_by_its_own_year_as_stats_does() {
    use canbao::domain::student::CategoryMark;
    let mut store = store(true);
    let pupils = store.students(&Default::default()).expect("pupils");
    let pupil = pupils.iter().find(|s| s.categories.is_empty() && s.payment == PaymentStatus::Unpaid).expect("one").id;
    in_year(&mut store, 2023);
    let carried = CategoryMark::new("特困人员", "民政");
    store.set_categories(pupil, std::slice::from_ref(&carried)).expect("category");
    in_year(&mut store, 2024);
    let both = [CategoryMark { year: Some(2023), ..carried }, CategoryMark::new("孤儿", "民政")];
    store.set_categories(pupil, &both).expect("categories");
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    let policy = canbao::domain::policy::PolicySet::builtin().get("yibin-2024").cloned();
    let stats = store.stats(None, policy.as_ref()).expect("stats");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(120, 40));
    app.update(Action::Dashboard);
    let shown = screen(&app);
    let ledgers = line_starting(&shown, "四本台账");
    let government = ledgers.split("财政代缴").nth(1).unwrap_or_else(|| panic!("{shown}"));
    let counted: String = government.trim_start().chars().take_while(char::is_ascii_digit).collect();
    assert_eq!(counted, stats.ledgers["government_paid"].to_string(), "{shown}");
}

/// The detail screen wraps the advice on a flagged ID number (科学计数法: 15 位之后已丢失，请向家长重新核对) onto the
/// rows below, as it wraps the amount due, where at 120 columns it was cut to 「…已丢失， ..」.
#[test]
fn the_detail_screen_wraps_the_advice_on_a_flagged_id_number() {
    let mut app = app(Language::Zh);
    let id = find_pupil(&mut app, "孙语");
    let set = "UPDATE students SET id_problem = 'precision_lost' WHERE id = ?1";
    assert_eq!(app.store.connection().execute(set, [id]).expect("flag"), 1);
    app.update(Action::Resize(120, 30));
    app.update(Action::OpenDetail);
    let shown = screen(&app);
    let joined: String = shown.lines().map(str::trim).collect();
    assert!(joined.contains("15 位之后已丢失，请向家长重新核对"), "{shown}");
}

/// A part-payer who left (300 of 380, then 已离校) is asked for nothing: `p` says she left and that the family is
/// not asked, No by default; a top-up she paid before leaving is still recorded there and she stays 已离校, where
/// before Yes made her 在校参保.
#[test]
fn a_top_up_for_a_part_payer_who_left_keeps_her_left() {
    use canbao::domain::student::Enrollment;
    let mut store = with_part_payments(&["林彤瑶"]);
    let id = store.students(&Default::default()).expect("list").iter().find(|s| s.name == "林彤瑶").expect("her").id;
    store.set_enrollment(id, Enrollment::Left, None).expect("left");
    let mut app = app_on_policy(store);
    app.update(Action::Search);
    type_text(&mut app, "林彤瑶");
    app.update(Action::Confirm);
    app.update(Action::TogglePaid);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &mut app.modal else { panic!("asked") };
    assert!(c.question.contains("林彤瑶 已离校") && c.question.contains("不再向家长收取") && !c.yes, "{}", c.question);
    c.yes = true;
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("the top-up form") };
    form.date.set("2023-10-20");
    form.date_touched = true;
    form.amount.set("80");
    app.update(Action::Confirm);
    assert!(app.modal.is_none(), "saved: {}", screen(&app));
    let s = app.store.student(id).expect("s");
    assert_eq!((s.payment_details.amount_fen, s.enrollment), (Some(38_000), Enrollment::Left));
}

/// A class paid at once keeps a part-payer (300 of 380) as she is and says so apart from those paid in full: how
/// many of those kept still owe the rest, by name, and that each top-up is `p` on her row, in the question and when
/// every selected pupil is paid; she alone selected is offered her top-up. Before she was counted among those paid
/// (「已缴费或财政代缴的 1 人」, then 「其中 1 人部分缴费」), and alone selected was said to be 「已缴费」 and kept.
#[test]
fn a_bulk_payment_says_the_part_payers_it_keeps_still_owe() {
    let mut store = store(true);
    let pupils: Vec<(i64, String)> =
        store.students(&Default::default()).expect("list").iter().take(3).map(|s| (s.id, s.name.clone())).collect();
    let part = canbao::domain::student::PaymentDetails {
        amount_fen: Some(30_000),
        paid_on: chrono::NaiveDate::from_ymd_opt(2023, 10, 1),
        channel: None,
    };
    store.set_payment(pupils[1].0, PaymentStatus::Paid, &part).expect("part");
    let mut app = app_on_policy(store);
    for _ in 0..3 {
        app.update(Action::ToggleSelect);
    }
    let question = pay_on_the_8th(&mut app, |form| assert_eq!(form.part_paid, [pupils[1].1.clone()]));
    let said = format!("部分缴费的 1 人（{}）保持原样，仍差应缴，不登记为足额", pupils[1].1);
    assert!(question.contains("将 2 名学生登记为已缴费") && question.contains(&said), "{question}");
    // Never counted among those paid: nobody here paid in full.
    assert!(!question.contains("已缴费或财政代缴"), "{question}");
    app.update(Action::Yes);
    assert_eq!(app.store.student(pupils[1].0).expect("s").payment_details.amount_fen, Some(30_000));
    // Every selected pupil paid: nothing to record, those paid in full and the part-payer still owing said apart.
    app.update(Action::TogglePaid);
    assert!(app.modal.is_none());
    let status = status_text(&app);
    assert!(status.contains("已缴费或财政代缴 2 人，部分缴费 1 人") && status.contains(&said), "{status}");
    // Only she selected, with the cursor on her: her top-up, as `p` on her row without a selection offers it.
    app.roster.clear_marks();
    app.roster.toggle_marked(pupils[1].0);
    app.update(Action::Top);
    app.update(Action::Down);
    assert_eq!(app.selected_id(), Some(pupils[1].0));
    app.update(Action::TogglePaid);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("top-up: {}", screen(&app)) };
    assert_eq!(form.top_up, Some(30_000));
}

/// A class paid at once keeps a 低保 pupil marked 财政代缴 before the family's share was asked for (the department's
/// 285 of 380, the family's 95 unpaid) as she is, and names her among those still owing, as a family's part
/// payment is; where before she was counted among those paid or 财政代缴 with no word of the 95.
#[test]
fn a_bulk_payment_names_a_departments_share_still_owing_the_familys() {
    let mut store = store(true);
    let pupils: Vec<(i64, String)> =
        store.students(&Default::default()).expect("list").iter().take(3).map(|s| (s.id, s.name.clone())).collect();
    let dibao =
        canbao::domain::student::CategoryMark { name: "低保对象".into(), department: "民政".into(), year: None };
    store.set_categories(pupils[1].0, &[dibao]).expect("category");
    store.set_payment(pupils[1].0, PaymentStatus::Government, &Default::default()).expect("government");
    let mut app = app_on_policy(store);
    for _ in 0..3 {
        app.update(Action::ToggleSelect);
    }
    let question = pay_on_the_8th(&mut app, |form| assert_eq!(form.part_paid, [pupils[1].1.clone()]));
    let said = format!("部分缴费的 1 人（{}）保持原样，仍差应缴，不登记为足额", pupils[1].1);
    assert!(question.contains("将 2 名学生登记为已缴费") && question.contains(&said), "{question}");
    assert!(!question.contains("已缴费或财政代缴"), "{question}");
    app.update(Action::Yes);
    assert_eq!(app.store.student(pupils[1].0).expect("s").payment, PaymentStatus::Government, "kept as she was");
}

/// The detail screen's 待遇期 of a part-payer says she has no cover until the rest is paid, where before it gave
/// the year's whole coverage period as if she were covered.
#[test]
fn the_detail_screen_gives_a_part_payer_no_coverage_period() {
    let mut store = with_part_payments(&["林彤瑶"]);
    in_year(&mut store, 2024);
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    let zh = detail_of(&mut store, Language::Zh, "林彤瑶");
    let coverage = line_starting(&zh, "待遇期");
    assert!(coverage.contains("未缴足，尚未参保，不享受待遇") && !coverage.contains("2024-12-31"), "{zh}");
    let en = detail_of(&mut store, Language::En, "林彤瑶");
    assert!(en.contains("not insured, no cover"), "{en}");
}

/// A school of some 4,000 pupils: the four ledgers' line at 80 columns holds four-digit counts whole, the
/// 财政代缴 not yet recorded among them, with the ledgers' shorter names where the whole ones do not fit, where the
/// English line ran past the edge and lost the last figure.
#[test]
fn the_dashboard_fits_four_digit_ledgers_in_80_columns() {
    for lang in [Language::Zh, Language::En] {
        let mut store = store(true);
        in_year(&mut store, 2024);
        store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
        // Eleven more copies of the 360 pupils, under numbers of their own (flagged, so none is a duplicate).
        let columns: Vec<String> = {
            let conn = store.connection();
            let mut stmt = conn.prepare("SELECT name FROM pragma_table_info('students')").expect("columns");
            stmt.query_map([], |r| r.get(0)).expect("query").collect::<Result<_, _>>().expect("names")
        };
        for copy in 1..=11 {
            let values: Vec<String> = columns
                .iter()
                .map(|c| match c.as_str() {
                    "id" => "NULL".to_owned(),
                    "id_number" => format!("id_number || 'x{copy}'"),
                    "id_raw" => format!("id_raw || 'x{copy}'"),
                    "id_problem" => "'check_digit'".to_owned(),
                    other => other.to_owned(),
                })
                .collect();
            let sql = format!(
                "INSERT INTO students ({}) SELECT {} FROM students WHERE id <= 360",
                columns.join(", "),
                values.join(", ")
            );
            store.connection().execute(&sql, []).expect("copy");
        }
        let conn = store.connection();
        conn.execute("UPDATE students SET enrollment = 'here', payment = 'paid' WHERE id % 4 = 0", []).expect("paid");
        conn.execute("UPDATE students SET enrollment = 'elsewhere' WHERE id % 4 = 2", []).expect("elsewhere");
        let orphans: Vec<i64> = store.students(&Default::default()).expect("pupils").iter().map(|s| s.id).collect();
        let orphan =
            canbao::domain::student::CategoryMark { name: "孤儿".into(), department: "民政".into(), year: None };
        for id in orphans.into_iter().filter(|id| id % 4 == 3) {
            store.set_categories(id, std::slice::from_ref(&orphan)).expect("category");
        }
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        app.update(Action::Dashboard);
        let shown = screen(&app);
        let label = if lang == Language::Zh { "四本台账" } else { "Ledgers" };
        let ledgers = line_starting(&shown, label).trim_end();
        let counts: Vec<&str> =
            ledgers.split(|c: char| !c.is_ascii_digit()).filter(|n| n.len() == 4).collect::<Vec<_>>();
        assert_eq!(counts.len(), 5, "four ledgers and the 财政代缴 not recorded, each of four digits: {shown}");
        let whole = if lang == Language::Zh {
            format!("（未登记 {}）", counts[4])
        } else {
            format!(" ({} unrec.)", counts[4])
        };
        assert!(ledgers.ends_with(&whole), "{shown}");
        assert!(unicode_width::UnicodeWidthStr::width(ledgers) <= 80, "{shown}");
    }
}

/// A question's chosen button stands out in every builtin theme and without colour: bracketed, bold, in the popup
/// title's colours (reversed without colour), where it was the fields' dark grey, which on the default theme's black
/// popup could hardly be seen.
#[test]
fn the_chosen_button_stands_out_in_every_theme() {
    let themes = canbao::tui::theme::BUILTIN.map(|(name, _)| name);
    for (name, monochrome) in themes.iter().map(|n| (*n, false)).chain([("default", true)]) {
        let mut app = app(Language::Zh);
        let theme = canbao::tui::theme::Theme::load(Some(name), None).expect("theme");
        app.theme = if monochrome { theme.without_colour() } else { theme };
        rename_school_to(&mut app, "二小");
        let terminal = render(&app);
        let buffer = terminal.backend().buffer();
        let shown = screen(&app);
        let row = shown.lines().position(|l| l.contains("[ 否 ]")).unwrap_or_else(|| panic!("{name}: {shown}")) as u16;
        let at = |label: &str| (0..buffer.area.width).find(|&x| buffer[(x, row)].symbol() == label).expect("button");
        let (chosen, other) = (&buffer[(at("否"), row)], &buffer[(at("是"), row)]);
        assert!(chosen.modifier.contains(ratatui::style::Modifier::BOLD), "{name}");
        if monochrome {
            assert!(
                chosen.modifier.contains(ratatui::style::Modifier::REVERSED)
                    && !other.modifier.contains(ratatui::style::Modifier::REVERSED)
            );
        } else {
            assert_ne!(chosen.bg, other.bg, "{name}: the chosen button's background is the popup's");
            assert_ne!(chosen.bg, app.theme.popup_bg.0, "{name}");
            assert_ne!(chosen.fg, chosen.bg, "{name}");
        }
    }
}

/// 001 附件1 二(二): for a 低保 pupil the department pays 285 of 380 and the family 95. `f` would count her insured
/// with the family's share unpaid: it saves nothing and says what to record (the family's 95 with `p`, the
/// department's share going with it). A drive holding such a mark already (made before this rule, or merged from
/// a laptop without it) shows her 部分缴费, not insured, in check's list of those to collect from; `p` then records
/// the family's 95, and she is insured.
#[test]
fn f_on_a_pupil_whose_family_owes_a_share_is_refused_and_an_old_mark_reads_part_paid() {
    for lang in [Language::Zh, Language::En] {
        let mut store = store(true);
        in_year(&mut store, 2024);
        store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
        let id = store.student_by_id_number("450205201603184361").expect("read").expect("郑可洁").id;
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(100, 24));
        app.update(Action::Search);
        type_text(&mut app, "郑可洁");
        app.update(Action::Confirm);
        assert_eq!(app.selected_id(), Some(id));
        let audit = app.store.audit_count().expect("count");
        app.update(Action::ToggleGovernment);
        assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Message(_))), "refused, saying why");
        assert_eq!(app.store.audit_count().expect("count"), audit, "nothing saved");
        assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid);
        insta::assert_snapshot!(format!("government_refused_family_share_{}", lang_name(lang)), screen(&app));
        app.update(Action::Confirm);
        assert!(app.modal.is_none());

        // A mark from before: read as part-paid, not insured, and listed by check with what to do.
        let before = app.store.stats(None, app.policy.as_ref()).expect("stats");
        app.store.set_payment(id, PaymentStatus::Government, &Default::default()).expect("government");
        let stats = app.store.stats(None, app.policy.as_ref()).expect("stats");
        assert_eq!(stats.part_paid, before.part_paid + 1, "{stats:?}");
        assert_eq!((stats.insured, &stats.ledgers), (before.insured, &before.ledgers), "counted as before the mark");
        let part = app.store.part_payment_of(&app.store.student(id).expect("s"), app.policy.as_ref()).expect("read");
        assert_eq!(part.map(|p| (p.due_fen, p.department_fen)), Some((9_500, Some(28_500))));
        let mut store = std::mem::replace(&mut app.store, self::store(false));
        let shown = detail_of(&mut store, lang, "郑可洁");
        let (payment, coverage) = match lang {
            Language::Zh => ("部分缴费", "家庭份额未缴，尚未参保"),
            Language::En => ("part-paid", "the family's share unpaid: not insured"),
        };
        assert!(shown.contains(payment), "{shown}");
        assert!(shown.replace('\n', " ").contains(coverage), "{shown}");
        let report = store.check_roster(app.policy.as_ref()).expect("check");
        let owing: Vec<_> = report.underpaid.iter().filter(|u| u.pupil.name == "郑可洁").collect();
        assert_eq!(owing.len(), 1, "{report:?}");
        assert_eq!((owing[0].department, owing[0].short), (Some(285.0), 95.0));

        // `p`: the family's payment over the department's share, at the family's 95: insured.
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(100, 24));
        app.update(Action::Search);
        type_text(&mut app, "郑可洁");
        app.update(Action::Confirm);
        app.update(Action::TogglePaid);
        assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Confirm(_))), "asked over 财政代缴");
        app.update(Action::Yes);
        let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
        form.date.set("2023-10-0");
        form.date_touched = true;
        app.update(Action::Down);
        type_text(&mut app, "8");
        let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("form") };
        assert_eq!(form.amount.text(), "95", "the family's share is due");
        app.update(Action::Confirm);
        let s = app.store.student(id).expect("s");
        assert_eq!((s.payment, s.payment_details.amount_fen), (PaymentStatus::Paid, Some(9_500)));
        let stats = app.store.stats(None, app.policy.as_ref()).expect("stats");
        assert_eq!((stats.part_paid, stats.insured), (before.part_paid, before.insured + 1), "{stats:?}");
    }
}

/// A bulk `f` over a class holding a 低保 pupil (001 附件1 二(二): the family pays 95 of 380) marks the others
/// 财政代缴 and leaves her out, its question naming her and why; a bulk `f` over her alone saves nothing and says
/// why in a dialog, as `f` on her row does.
#[test]
fn a_bulk_f_leaves_out_a_pupil_whose_family_owes_a_share() {
    let mut store = store(true);
    in_year(&mut store, 2024);
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    let id = store.student_by_id_number("450205201603184361").expect("read").expect("郑可洁").id;
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(100, 24));
    app.update(Action::Search);
    type_text(&mut app, "五年级2班");
    app.update(Action::Confirm);
    app.update(Action::SelectAll);
    let selected = app.roster.marked().len();
    assert!(selected > 1, "the class: {selected}");
    app.update(Action::ToggleGovernment);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("asked") };
    assert!(c.question.contains(&format!("将 {} 名学生标记为财政代缴", selected - 1)), "{}", c.question);
    assert!(
        c.question.contains("其中 1 人家庭须自缴部分保费（郑可洁），部门只资助其余部分，不标记为财政代缴"),
        "{}",
        c.question
    );
    app.update(Action::Yes);
    let stats = app.store.stats(None, app.policy.as_ref()).expect("stats");
    assert_eq!(stats.payment["government"], (selected - 1) as i64, "{stats:?}");
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid);

    // Her alone, selected: nothing saved, the dialog says why.
    app.update(Action::Search);
    type_text(&mut app, "郑可洁");
    app.update(Action::Confirm);
    app.update(Action::SelectAll);
    let audit = app.store.audit_count().expect("count");
    app.update(Action::ToggleGovernment);
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Message(_))), "refused, saying why");
    assert_eq!(app.store.audit_count().expect("count"), audit);
}

/// A parent's ID number held as a pupil's phone (imported by an earlier canbao): the detail screen masks it as
/// the ID numbers are and says it is no phone number, and 检查名单 lists the pupil, masked.
#[test]
fn a_phone_that_is_an_id_number_is_masked_on_the_detail_screen_and_listed_by_the_check() {
    let parent = "450203198801011237";
    let mut store = store(true);
    let pupil = store.students(&Default::default()).expect("list").into_iter().next().expect("a pupil");
    let set = "UPDATE students SET phone = ?1 WHERE id = ?2";
    assert_eq!(store.connection().execute(set, rusqlite::params![parent, pupil.id]).expect("phone"), 1);
    let shown = detail_of(&mut store, Language::Zh, &pupil.name);
    let line = line_starting(&shown, "联系电话");
    assert!(line.contains("4502**********1237") && line.contains("不是电话号码"), "{shown}");
    assert!(!shown.contains(parent), "{shown}");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(120, 30));
    app.update(Action::Palette);
    type_text(&mut app, "check");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no report: {:?}", app.status) };
    let said = m.lines.iter().find(|l| l.contains("联系电话不是电话号码")).unwrap_or_else(|| panic!("{:?}", m.lines));
    assert!(said.contains(&pupil.name) && said.contains("4502**********1237"), "{said}");
    assert!(!m.lines.iter().any(|l| l.contains(parent)), "{:?}", m.lines);
}

/// A pupil declined without a reason (marked before one was required) is listed by 检查名单, masked, with the key
/// that adds the reason; once it has one, no longer.
#[test]
fn the_check_lists_a_pupil_declined_without_a_reason() {
    for (lang, words) in [(Language::Zh, "不参保未写原因"), (Language::En, "declined with no reason")] {
        let mut store = store(true);
        let pupil = store.students(&Default::default()).expect("list").into_iter().next().expect("a pupil");
        store.set_enrollment(pupil.id, Enrollment::Declined, None).expect("declined");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(120, 30));
        app.update(Action::Palette);
        type_text(&mut app, "check");
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no report: {:?}", app.status) };
        let said = m.lines.iter().find(|l| l.contains(words)).unwrap_or_else(|| panic!("{:?}", m.lines));
        let masked = canbao::domain::id_number::mask(&pupil.id_number);
        assert!(said.contains(&pupil.name) && said.contains(&masked), "{said}");
        assert!(!m.lines.iter().any(|l| l.contains(&pupil.id_number)), "{:?}", m.lines);
        app.update(Action::Back);
        app.store.set_enrollment(pupil.id, Enrollment::Declined, Some("已在老家参保")).expect("reason");
        app.update(Action::Palette);
        type_text(&mut app, "check");
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no report: {:?}", app.status) };
        assert!(!m.lines.iter().any(|l| l.contains(words)), "{:?}", m.lines);
    }
}

/// E on a pupil whose phone is a parent's ID number (kept by an earlier canbao) never shows that number: the
/// phone field opens empty, and the form saved leaves no phone, where the field showed the number whole.
#[test]
fn the_identity_form_never_shows_an_id_number_held_as_the_phone() {
    let parent = "450203198801011237";
    let store = store(true);
    let pupil = store.students(&Default::default()).expect("list").into_iter().next().expect("a pupil");
    let set = "UPDATE students SET phone = ?1 WHERE id = ?2";
    assert_eq!(store.connection().execute(set, rusqlite::params![parent, pupil.id]).expect("phone"), 1);
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(120, 30));
    app.update(Action::Search);
    type_text(&mut app, &pupil.name);
    app.update(Action::Confirm);
    app.update(Action::OpenDetail);
    app.update(Action::EditIdentity);
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Identity(_))), "{}", screen(&app));
    for _ in 0..3 {
        let shown = screen(&app);
        assert!(!shown.contains(parent) && !shown.contains("198801011237"), "{shown}");
        app.update(Action::Down);
    }
    app.update(Action::Confirm);
    assert_eq!(app.store.student(pupil.id).expect("pupil").phone, "", "saved without the parent's number");
}

/// A word saying there is no phone is no phone on `E`: typed (暂无, NULL), it clears the phone, where the form
/// refused it as no digits; held (无, as an earlier canbao kept it from a list), the field opens empty and the form
/// saved as it opened changes nothing. A name typed in the field is still refused.
#[test]
fn the_identity_form_takes_a_word_saying_there_is_no_phone_as_none() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    app.update(Action::OpenDetail);
    for (typed, before) in [("暂无", "13800001111"), ("NULL", "13800001111"), (" 无 ", "13800001111")] {
        let set = "UPDATE students SET phone = ?1 WHERE id = ?2";
        app.store.connection().execute(set, rusqlite::params![before, id]).expect("phone");
        app.reload_detail();
        app.update(Action::EditIdentity);
        let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
        form.fields[3].set(typed);
        app.update(Action::Confirm);
        assert!(app.modal.is_none(), "{typed}: {}", screen(&app));
        assert_eq!(app.store.student(id).expect("s").phone, "", "{typed}");
    }
    let set = "UPDATE students SET phone = '无' WHERE id = ?1";
    app.store.connection().execute(set, [id]).expect("phone");
    app.reload_detail();
    let audit = app.store.audit_count().expect("count");
    app.update(Action::EditIdentity);
    let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
    assert_eq!(form.fields[3].text(), "", "opens empty");
    app.update(Action::Confirm);
    assert!(app.modal.is_none(), "{}", screen(&app));
    assert_eq!(app.store.audit_count().expect("count"), audit, "nothing changed");
    app.update(Action::EditIdentity);
    let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
    form.fields[3].set("黎萱阳");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Identity(form)) = &app.modal else { panic!("saved: {}", screen(&app)) };
    assert!(form.error.as_deref().is_some_and(|e| e.contains("没有数字")), "{:?}", form.error);
}

/// The import preview's 身份证号有问题 counts every row its list names for its ID number, the old 15-digit one
/// among them, as the dashboard and `canbao stats` count the pupils imported, where it left the old number out
/// (2 said, 3 listed, 3 on the dashboard).
#[test]
fn the_import_preview_counts_every_id_row_it_lists_as_the_dashboard_does() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let mut store = Store::open(&dir.path().join("drive.db")).expect("store");
    store.set_fixed_clock(NOW);
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    app.modal = None;
    app.start_import(PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/data/sample-school.csv")));
    finish_job(&mut app);
    let Some(Modal::ImportPreview { preview, .. }) = &app.modal else { panic!("{}", screen(&app)) };
    let rows: std::collections::BTreeSet<usize> =
        preview.problems.iter().filter(|p| p.column == "身份证号码").filter_map(|p| p.row).collect();
    assert_eq!(rows.len(), 3, "{:?}", preview.problems);
    let said = format!("身份证号有问题 {}", rows.len());
    let lines = app.import_preview_lines(preview, None, None).join("\n");
    assert!(lines.contains(&said), "{said}:\n{lines}");
    press(&mut app, KeyCode::Enter);
    finish_job(&mut app);
    assert_eq!(app.store.stats(None, None).expect("stats").id_invalid as usize, rows.len(), "{}", screen(&app));
}

/// 学校改名 onto a school the drive holds asks whether to merge the two, 否 by default, saying they become one
/// school for good; Yes does what `school rename --merge` does (one audited change per pupil, and no undo),
/// where the screen refused with a message cut at 80 columns and sent the operator to the shell.
#[test]
fn a_school_renamed_onto_another_is_merged_after_a_question() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let mut store = store(true);
    let list = dir.path().join("补充名单.csv");
    std::fs::write(&list, "学校,姓名,身份证号码,年级,班级\n示范小学,王明,110101201901011238,一年级,3班\n")
        .expect("list");
    canbao::io::class_list::import(&mut store, &[list.as_path()], None, false).expect("import");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    let ask = |app: &mut App| {
        app.update(Action::Palette);
        type_text(app, "school");
        app.update(Action::Confirm);
        while matches!(&app.modal, Some(Modal::RenameSchool { name, .. }) if name.text() != "示范小学") {
            app.update(Action::Down);
        }
        app.update(Action::ClearLine);
        type_text(app, "柳州市示范小学");
        app.update(Action::Confirm);
    };
    ask(&mut app);
    let Some(Modal::Confirm(c)) = &app.modal else { panic!("not asked: {}", screen(&app)) };
    assert!(c.question.contains("两校将合为一所，以后无法再分开"), "{}", c.question);
    assert!(!c.yes, "否 by default");
    insta::assert_snapshot!("merge_school_question_80_zh", screen(&app));
    app.update(Action::Confirm);
    assert_eq!(app.store.schools().expect("schools").len(), 2, "No merges nothing");

    ask(&mut app);
    app.update(Action::Yes);
    assert_eq!(app.store.schools().expect("schools"), ["柳州市示范小学"]);
    assert_eq!(app.schools, ["柳州市示范小学"]);
    assert_eq!(status_text(&app), "已合并：「示范小学」的 1 人并入「柳州市示范小学」，两校已为一所（不能撤销）");
    let pupils = app.store.students(&Default::default()).expect("list");
    let moved = pupils.iter().find(|p| p.name == "王明").expect("王明");
    let history = app.store.history(moved.id).expect("history");
    assert!(history.iter().any(|e| e.field == "school" && e.new.as_deref() == Some("柳州市示范小学")), "audited");
    app.update(Action::Undo);
    if matches!(app.modal, Some(Modal::Confirm(_))) {
        app.update(Action::Yes);
    }
    assert_eq!(app.store.schools().expect("schools"), ["柳州市示范小学"], "not undone: {}", screen(&app));
}

/// A dialog as tall as the screen allows (an import preview of many problems, the palette) leaves the title bar
/// and the roster's filter and search lines whole at 80×24, where its title row was drawn over the filter line
/// and left fragments of it at its sides (「筛 导入报告…  65」).
#[test]
fn a_tall_dialog_leaves_the_filter_and_search_lines_whole() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = drive_file_app(dir.path());
    let top = |app: &App| screen(app).lines().take(3).map(str::to_owned).collect::<Vec<_>>();
    let before = top(&app);
    let mut text = String::from("姓名,身份证号码,年级,班级\n");
    for i in 0..40 {
        text.push_str(&format!("{},45020320190101{i:03}0,一年级,1班\n", new_pupils_name(i)));
    }
    let list = dir.path().join("名单.csv");
    std::fs::write(&list, text).expect("list");
    app.start_import(list);
    finish_job(&mut app);
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::ImportPreview { .. })), "{}", screen(&app));
    assert_eq!(top(&app), before, "{}", screen(&app));
    insta::assert_snapshot!("import_preview_tall_80_zh", screen(&app));
    app.update(Action::Back);
    app.update(Action::Palette);
    assert_eq!(top(&app), before, "{}", screen(&app));
}

/// Two lists naming one school, one by a shorter name (示范小学 in a supplementary list's title, 柳州市示范小学 in
/// the whole school's list): the preview says they may be one school and imports every pupil into the fuller
/// name unless Tab chooses to import them apart, where it listed both names unremarked and made two schools.
#[test]
fn a_school_named_short_in_one_list_is_imported_into_the_fuller_name_unless_tab_parts_them() {
    use canbao::tui::modal::Modal;
    let number = |i: usize| {
        let first17 = format!("45020320190101{i:03}");
        format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()))
    };
    for (apart, lang) in [(false, Language::Zh), (true, Language::En)] {
        let dir = tempfile::tempdir().expect("dir");
        let full = dir.path().join("全校名单.csv");
        let short = dir.path().join("补充名单.csv");
        std::fs::write(
            &full,
            format!("学校,姓名,身份证号码,年级,班级\n柳州市示范小学,王明,{},一年级,1班\n", number(1)),
        )
        .expect("list");
        std::fs::write(&short, format!("学校,姓名,身份证号码,年级,班级\n示范小学,李华,{},一年级,3班\n", number(2)))
            .expect("list");
        let mut store = Store::open(&dir.path().join("drive.db")).expect("store");
        store.set_fixed_clock(NOW);
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        app.modal = None;
        app.start_import_files(vec![full, short]);
        finish_job(&mut app);
        let Some(Modal::ImportPreview { join, .. }) = &app.modal else { panic!("{}", screen(&app)) };
        assert!(join.as_ref().is_some_and(|j| j.join && j.short == "示范小学" && j.full == "柳州市示范小学"));
        let shown = screen(&app);
        let said = match lang {
            Language::Zh => {
                ["名单所写的「示范小学」与「柳州市示范小学」可能是同一所学校", "将全部导入「柳州市示范小学」"]
            }
            Language::En => {
                ["The lists name \"示范小学\" and \"柳州市示范小学\", perhaps one school", "All pupils go to"]
            }
        };
        assert!(said.iter().all(|s| shown.contains(s)), "{lang:?}:\n{shown}");
        if apart {
            press(&mut app, KeyCode::Tab);
            assert!(screen(&app).contains("Imported apart, as the lists name them"), "{}", screen(&app));
        } else {
            insta::assert_snapshot!("import_preview_school_join_zh", shown);
        }
        press(&mut app, KeyCode::Enter);
        finish_job(&mut app);
        let schools = app.store.schools().expect("schools");
        let expected: &[&str] =
            if apart { &["柳州市示范小学", "示范小学"] } else { &["柳州市示范小学"] };
        let mut schools = schools;
        schools.sort();
        let mut expected = expected.to_vec();
        expected.sort();
        assert_eq!(schools, expected, "{lang:?}: {}", screen(&app));
        assert_eq!(app.data.len(), 2);
    }
}

/// The `i`th new pupil's name in a made-up list: 新生 and two characters (甲乙, 丙丁), as no name holds a digit.
fn new_pupils_name(i: usize) -> String {
    let characters: Vec<char> = "甲乙丙丁戊己庚辛壬癸".chars().collect();
    format!("新生{}{}", characters[i / 10 % 10], characters[i % 10])
}

/// At 80x24 a folder of more lists than the file picker shows says how many are out of sight below, and at its
/// end how many above, where the list was cut off without a word.
#[test]
fn the_file_picker_says_how_many_files_are_out_of_sight() {
    let dir = tempfile::tempdir().expect("dir");
    for n in 1..=13 {
        std::fs::write(dir.path().join(format!("{n:02}班.csv")), "姓名,身份证号码\n").expect("list");
    }
    let mut app = App::new(store(false), &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    app.update(Action::Back);
    app.update(Action::Import);
    app.update(Action::Paste(format!("'{}'", dir.path().display())));
    app.update(Action::Confirm);
    let folder = dir.path().display().to_string();
    let shown = screen(&app).replace(&folder, "/名单");
    assert!(shown.contains("下面还有") && !shown.contains("上面还有"), "{shown}");
    insta::assert_snapshot!("file_picker_more_below_80x24", shown);
    for _ in 0..13 {
        app.update(Action::Down);
    }
    let shown = screen(&app);
    assert!(shown.contains("上面还有") && !shown.contains("下面还有") && shown.contains("13班.csv"), "{shown}");
}

/// At 80×24 the category chooser shows 13 of its 16 categories: it says how many are below, and once scrolled to
/// the last how many are above, where before the rest were cut off without a word.
#[test]
fn the_category_chooser_says_how_many_categories_are_out_of_sight() {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        app.update(Action::Categories);
        let (above, below) = match lang {
            Language::Zh => ("上面还有 3 个", "下面还有 3 个"),
            _ => ("3 more above", "3 more below"),
        };
        let shown = screen(&app);
        assert!(shown.contains(below) && !shown.contains(above), "{shown}");
        for _ in 0..15 {
            app.update(Action::Down);
        }
        let shown = screen(&app);
        assert!(shown.contains(above) && !shown.contains(below), "{shown}");
    }
}

/// In the file picker Home and End go to the first and last entry, where before End did nothing and the Enter
/// after it climbed to the folder above (`..`, still under the cursor).
#[test]
fn home_and_end_move_through_the_file_picker() {
    let dir = tempfile::tempdir().expect("dir");
    for n in 1..=13 {
        std::fs::write(dir.path().join(format!("{n:02}班.csv")), "姓名,身份证号码\n").expect("list");
    }
    let mut app = App::new(store(false), &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    app.update(Action::Back);
    app.update(Action::Import);
    app.update(Action::Paste(format!("'{}'", dir.path().display())));
    app.update(Action::Confirm);
    press(&mut app, KeyCode::End);
    let shown = screen(&app);
    assert!(shown.contains("上面还有") && shown.contains("13班.csv"), "{shown}");
    press(&mut app, KeyCode::Home);
    let shown = screen(&app);
    assert!(shown.contains("下面还有") && !shown.contains("13班.csv"), "{shown}");
}

/// The drive's policy yibin-2027 kept at 380 元, this laptop's file of it edited to 420 元, and another policy
/// file broken: the broken file takes the status line on start, and the note on the edited file follows once the
/// line is free (after the next key), once. Before, it was said only when the line was free on start, so here never.
#[test]
fn the_edited_policy_file_note_waits_for_a_status_line_taken_on_start() {
    let config = tempfile::tempdir().expect("config");
    std::fs::create_dir_all(config.path().join("policies")).expect("policies");
    std::fs::write(config.path().join("policies/yibin-2027.toml"), common::yibin_2027(42000)).expect("file");
    std::fs::write(config.path().join("policies/broken-2027.toml"), "title = \n").expect("broken");
    let note = "本机政策文件 yibin-2027 已改动（个人缴费 420 元），未采用：按 : 选定即采用";
    let mut store = store(true);
    in_year(&mut store, 2027);
    store.keep_policy_text("yibin-2027", &common::yibin_2027(38000)).expect("copy");
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2027").expect("meta");
    let options = Options { config_dir: Some(config.path().to_owned()), ..options(Language::Zh, Some("测试")) };
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(80, 24));
    let shown = screen(&app);
    assert!(shown.contains("broken-2027") && !shown.contains(note), "{shown}");
    app.update(Action::Down);
    assert!(screen(&app).contains(note), "{}", screen(&app));
    app.update(Action::Down);
    assert!(!screen(&app).contains(note), "said once: {}", screen(&app));
}

/// The drive's policy yibin-2027 kept at 380 元, this laptop's file of it edited to 420 元: the screen says so on
/// start within 80 columns, the policy list shows the drive's 380 (which the sums use) with the file's 420 on a
/// line below, and Enter on it says the file's text is taken and the premium's change. Before, the list showed
/// 420 as in use, nothing was said on start, and Enter said only 「已选定政策」.
#[test]
fn an_edited_file_of_the_drives_policy_is_said_listed_apart_and_taken_with_its_change() {
    let config = tempfile::tempdir().expect("config");
    std::fs::create_dir_all(config.path().join("policies")).expect("policies");
    std::fs::write(config.path().join("policies/yibin-2027.toml"), common::yibin_2027(42000)).expect("file");
    for (lang, start, row, adopted) in [
        (
            Language::Zh,
            "本机政策文件 yibin-2027 已改动（个人缴费 420 元），未采用：按 : 选定即采用",
            "本机文件已改为 420 元，未采用；选定即采用",
            "已采用本机政策文件 yibin-2027 的内容：个人缴费由 380 元改为 420 元",
        ),
        (
            Language::En,
            "This laptop's file yibin-2027 differs (420 yuan), unused: press : to take it",
            "This computer's file says 420 yuan, not used: Enter takes it",
            "Took this computer's file of yibin-2027: premium 380 -> 420 yuan",
        ),
    ] {
        let mut store = store(true);
        in_year(&mut store, 2027);
        store.keep_policy_text("yibin-2027", &common::yibin_2027(38000)).expect("copy");
        store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2027").expect("meta");
        let options = Options { config_dir: Some(config.path().to_owned()), ..options(lang, Some("测试")) };
        let mut app = App::new(store, &options).expect("app");
        app.update(Action::Resize(80, 24));
        assert_eq!(app.policy.as_ref().map(|p| p.personal_premium_fen), Some(38000));
        assert!(screen(&app).contains(start), "{}", screen(&app));
        app.update(Action::Palette);
        type_text(&mut app, "policy");
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Policies { list, cursor }) = &app.modal else { panic!("no policy screen") };
        assert_eq!(list.get(*cursor).map(|p| p.name.as_str()), Some("yibin-2027"));
        let shown = screen(&app);
        let at = shown.lines().position(|l| l.contains("> yibin-2027")).unwrap_or_else(|| panic!("{shown}"));
        let lines: Vec<&str> = shown.lines().collect();
        let premium = match lang {
            Language::Zh => "个人缴费 380 元",
            Language::En => "premium 380 yuan",
        };
        assert!(lines[at].contains(premium), "{shown}");
        assert!(lines[at + 1].contains(row), "{shown}");
        app.update(Action::Confirm);
        assert!(app.modal.is_none(), "{}", screen(&app));
        assert!(screen(&app).contains(adopted), "{}", screen(&app));
        assert_eq!(app.policy.as_ref().map(|p| p.personal_premium_fen), Some(42000));
        assert_eq!(app.store.kept_policy("yibin-2027").map(|p| p.personal_premium_fen), Some(42000));
    }
}

/// The import preview says what the import will do, nothing having been imported yet: a row whose class cell
/// names another grade 「将按年级列导入到」 its grade, a footer row 「将跳过」, in either language; before, the
/// preview said 「已按年级列导入到」 and 「已跳过」 as if the list were already in.
#[test]
fn the_import_preview_speaks_of_what_the_import_will_do() {
    use canbao::tui::modal::Modal;
    for (lang, future, past) in [
        (Language::Zh, ["将按年级列导入到", "将跳过"], ["已按年级列导入到", "已跳过"]),
        (Language::En, ["will be imported into", "to be skipped"], [": imported into", "pupil: skipped"]),
    ] {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("drive.db")).expect("store");
        store.set_fixed_clock(NOW);
        canbao::demo::load_sample(&mut store).expect("sample");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        let first17 = "45020320190101001";
        let check = canbao::domain::id_number::check_char(first17.as_bytes());
        let list = dir.path().join("名单.csv");
        let text =
            format!("姓名,身份证号码,年级,班级,学校\n新生,{first17}{check},三年级,4.2,柳州市示范小学\n合计,,,,\n");
        std::fs::write(&list, text).expect("list");
        app.start_import(list);
        finish_job(&mut app);
        let Some(Modal::ImportPreview { preview, school, new_school, .. }) = &app.modal else {
            panic!("no preview: {}", screen(&app))
        };
        let lines = app.import_preview_lines(preview, school.as_ref(), new_school.as_deref()).join("\n");
        for said in future {
            assert!(lines.contains(said), "{said}: {lines}");
        }
        for said in past {
            assert!(!lines.contains(said), "{said}: {lines}");
        }
    }
}

/// The operator who pressed Ctrl-c over a dialog, read that a second one quits, and waited: once `QUIT_AGAIN` runs
/// out, the event loop wakes and draws the screen without the warning, which then no longer holds.
struct WaitsOutTheWarning {
    frames: std::rc::Rc<std::cell::RefCell<Vec<String>>>,
    pressed: usize,
    waits: usize,
}

impl EventSource for WaitsOutTheWarning {
    fn next(&mut self, _timeout: Duration) -> std::io::Result<Option<Event>> {
        let warned = self.frames.borrow().last().is_some_and(|f| warns_of_a_second_ctrl_c(f));
        // A Ctrl-c, then a wait as long as the loop asks for while the warning shows (the clock is not waited
        // for: `None` is the wait run out), then Ctrl-c until the loop ends.
        if self.pressed == 1 && warned && self.waits < 5 {
            self.waits += 1;
            return Ok(None);
        }
        self.pressed += 1;
        Ok(Some(Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))))
    }
}

fn warns_of_a_second_ctrl_c(frame: &str) -> bool {
    unspaced(frame).to_lowercase().contains("再按ctrl-c退出")
}

/// A Ctrl-c's warning that a second one quits is taken off the screen when its seconds run out, on the status line
/// of a window big enough and on the 「窗口太小」 notice alike; before, it stayed until the next key, asking for a
/// second Ctrl-c that no longer quit.
#[test]
fn a_ctrl_c_warning_leaves_the_screen_when_its_seconds_run_out() {
    for width in [80, 79] {
        let mut app = app(Language::Zh);
        app.update(Action::Export);
        assert!(app.modal.is_some(), "a dialog is open");
        let frames = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let backend = common::Recorder { backend: TestBackend::new(width, 24), frames: std::rc::Rc::clone(&frames) };
        let mut terminal = Terminal::new(backend).expect("terminal");
        let mut operator = WaitsOutTheWarning { frames: std::rc::Rc::clone(&frames), pressed: 0, waits: 0 };
        run_loop(&mut terminal, &mut app, &mut operator).expect("loop");
        assert!(app.quit, "{width}: quit at last");
        let frames = frames.borrow();
        let warned = frames.iter().position(|f| warns_of_a_second_ctrl_c(f)).expect("warned");
        let taken_off = frames[warned..].iter().position(|f| !warns_of_a_second_ctrl_c(f));
        assert!(taken_off.is_some(), "{width}: the warning stayed:\n{}", frames[frames.len() - 1]);
    }
}

/// Quitting while a big import runs: the first Ctrl-c asks whether to stop it, the second stops it and waits for
/// its rollback, and a third leaves at once, the import's transaction never committed; before, the screen sat
/// waiting for the rollback with no way out but a signal from another terminal. The drive is as it was.
#[test]
fn a_third_ctrl_c_leaves_without_waiting_for_an_import_to_roll_back() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let mut app = drive_file_app(dir.path());
    let before = app.store.student_count().expect("count");
    let mut text = String::from("姓名,身份证号码,年级,班级,学校\n");
    for i in 0..5000 {
        let first17 = format!("4502032019{:07}", 100_000 + i);
        let check = canbao::domain::id_number::check_char(first17.as_bytes());
        text.push_str(&format!("新生{i},{first17}{check},一年级,1班,柳州市示范小学\n"));
    }
    let list = dir.path().join("名单.csv");
    std::fs::write(&list, text).expect("list");
    app.start_import(list);
    finish_job(&mut app);
    assert!(matches!(app.modal, Some(Modal::ImportPreview { .. })), "{}", screen(&app));
    app.update(Action::Confirm);
    assert!(app.jobs.running().is_some(), "the import runs: {}", screen(&app));
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    run_loop(&mut terminal, &mut app, &mut PacedScript(Default::default())).expect("loop");
    assert!(app.jobs.running().is_some(), "left while the import was stopping");
    let said = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(said.contains("再按 Ctrl-C 立即退出"), "{said}");
    drop(app.jobs.wait());
    let drive = Store::open_read_only(&dir.path().join("drive.db")).expect("drive");
    assert_eq!(drive.student_count().expect("count"), before, "nothing of the import kept");
}

/// Two Ctrl-C while an import runs: the first asks whether to stop it, the second stops it, waits for its rollback
/// and leaves. canbao then ended with status 0 and not a word; it now says, for the terminal given back and in both
/// languages, that the import was stopped and nothing of it saved, and ends with the status a command Ctrl-C
/// stopped ends with (128 + SIGINT).
#[test]
fn two_ctrl_c_during_an_import_say_it_was_rolled_back_and_end_as_interrupted() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let mut app = drive_file_app(dir.path());
    let before = app.store.student_count().expect("count");
    let mut text = String::from("姓名,身份证号码,年级,班级,学校\n");
    for i in 0..5000 {
        let first17 = format!("4502032019{:07}", 100_000 + i);
        let check = canbao::domain::id_number::check_char(first17.as_bytes());
        text.push_str(&format!("新生{i},{first17}{check},一年级,1班,柳州市示范小学\n"));
    }
    let list = dir.path().join("名单.csv");
    std::fs::write(&list, text).expect("list");
    app.start_import(list);
    finish_job(&mut app);
    assert!(matches!(app.modal, Some(Modal::ImportPreview { .. })), "{}", screen(&app));
    app.update(Action::Confirm);
    assert!(app.jobs.running().is_some(), "the import runs: {}", screen(&app));
    assert!(app.left_job_said().is_none(), "nothing to say before the screen is left");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    run_loop(&mut terminal, &mut app, &mut CtrlCTimes(2)).expect("loop");
    assert!(app.jobs.running().is_none(), "left once the import was rolled back");
    let (said, status) = app.left_job_said().expect("the stop is said");
    assert_eq!(status, 130, "{said}");
    assert!(said.contains("「正在导入」已中止并全部撤回，数据文件中没有保存它的任何内容"), "{said}");
    assert!(said.contains("(Quit with Ctrl-C: Importing was stopped and rolled back whole"), "{said}");
    let drive = Store::open_read_only(&dir.path().join("drive.db")).expect("drive");
    assert_eq!(drive.student_count().expect("count"), before, "nothing of the import kept");
}

/// Ctrl-C so many times, then no key at all: the operator waits for canbao to end.
struct CtrlCTimes(usize);

impl EventSource for CtrlCTimes {
    fn next(&mut self, timeout: Duration) -> std::io::Result<Option<Event>> {
        if self.0 == 0 {
            std::thread::sleep(timeout.min(Duration::from_millis(50)));
            return Ok(None);
        }
        self.0 -= 1;
        Ok(Some(Event::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL))))
    }
}

/// `1` on the welcome asked nothing: the screen went over to the sample school's file at once, and a stray key took
/// the operator away from their drive. It now asks first, No by default: `n`, Esc and Enter go back to the welcome,
/// nothing loaded; `y` loads the sample. The question is said in the screen's language, within 80 columns.
#[test]
fn the_welcome_asks_before_switching_to_the_sample() {
    use canbao::tui::modal::Modal;
    for lang in [Language::Zh, Language::En] {
        let welcome = || {
            let mut app = App::new(store(false), &options(lang, Some("测试"))).expect("app");
            app.update(Action::Resize(80, 24));
            assert!(matches!(app.modal, Some(Modal::Welcome)), "{}", screen(&app));
            app
        };
        for back in [KeyCode::Char('n'), KeyCode::Esc, KeyCode::Enter] {
            let mut app = welcome();
            press(&mut app, KeyCode::Char('1'));
            assert!(app.question().is_some(), "{lang:?} {back:?}: {}", screen(&app));
            press(&mut app, back);
            assert!(matches!(app.modal, Some(Modal::Welcome)), "{lang:?} {back:?}: {}", screen(&app));
            assert!(app.data.is_empty() && !app.demo, "{lang:?} {back:?}: nothing loaded");
            assert!(!app.status.as_ref().is_some_and(|s| s.error), "{lang:?} {back:?}: {:?}", app.status);
        }
        let mut app = welcome();
        press(&mut app, KeyCode::Char('1'));
        assert!(app.data.is_empty() && !app.demo, "{lang:?}: nothing loaded at the `1`");
        insta::assert_snapshot!(format!("sample_question_{}", lang_name(lang)), screen(&app));
        press(&mut app, KeyCode::Char('y'));
        assert!(app.demo && app.data.len() == 360, "{lang:?}: {}", screen(&app));
    }
}

/// A dialog leaving a column or two of the screen beside it at 80×24 showed fragments of the roster there (the
/// payment form the list's last column, the export prompt the `*` of the pupils selected): the rows it covers are
/// cleared across the screen.
#[test]
fn dialogs_at_80x24_show_no_fragments_of_the_roster_beside_them() {
    snap("export_prompt_selected_80x24", |app| {
        app.last_export_folder = Some("/srv/导出".into());
        app.update(Action::SelectAll);
        app.update(Action::Export);
    });
    snap("template_prompt_selected_80x24", |app| {
        app.update(Action::SelectAll);
        app.run_command(canbao::tui::palette::Command::Export(canbao::tui::palette::Form::Template));
    });
}

/// `e`, `p`, `f` and `c` with nobody in the list (a new drive, a search that finds no one) say so on the status
/// line, in either language, rather than doing nothing unseen.
#[test]
fn a_mark_on_an_empty_list_says_there_is_no_pupil_to_mark() {
    for (lang, said) in [(Language::Zh, "没有学生可标记"), (Language::En, "No pupil to mark")] {
        let mut app = App::new(store(false), &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        // The new drive's welcome, which offers the sample school, closed.
        app.update(Action::Back);
        assert!(app.modal.is_none(), "{:?}", screen(&app));
        for action in [Action::Enrollment, Action::TogglePaid, Action::ToggleGovernment, Action::Categories] {
            app.status = None;
            let name = format!("{action:?}");
            app.update(action);
            assert!(app.modal.is_none(), "{name} opened a dialog");
            assert!(status_text(&app).contains(said), "{lang:?} {name}: {:?}", status_text(&app));
        }
    }
}

/// Pupils whose names share a long start, in classes whose names do, read apart at 80 columns: their names and
/// classes keep their ends, where they differ, not only the start they share (masked numbers differ only in their
/// last four digits, and the operator would open the wrong child).
#[test]
fn names_and_classes_sharing_a_long_start_read_apart_at_80_columns() {
    let store = store(true);
    let pupils = [
        ("阿卜杜热合曼·买买提江", "实验1班"),
        ("阿卜杜热合曼·艾力", "实验2班"),
        ("阿卜杜热合曼·吐尔逊", "实验班（双语）"),
    ];
    for (k, (name, class)) in pupils.iter().enumerate() {
        let set = "UPDATE students SET name = ?1, grade = '一年级', class = ?2, class_order = '' \
                   WHERE id = (SELECT id FROM students ORDER BY id LIMIT 1 OFFSET ?3)";
        let changed = store.connection().execute(set, rusqlite::params![name, class, k as i64]).expect("rename");
        assert_eq!(changed, 1);
    }
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    for (width, shown) in [
        (80, ["阿卜..提江", "阿卜..艾力", "阿卜..尔逊", "一年..验1班", "一年..验2班", "一年级..语）"]),
        (
            120,
            [
                "阿卜杜..买提江",
                "阿卜杜..·艾力",
                "阿卜杜..吐尔逊",
                "一年级实验1班",
                "一年级实验2班",
                "一年级实..（双语）",
            ],
        ),
    ] {
        app.update(Action::Resize(width, 24));
        let page = screen(&app);
        for part in shown {
            assert!(page.contains(part), "{width}: {part} not shown:\n{page}");
        }
    }
}

/// A stray Space on one pupil, then the cursor moved on to the child at the counter: `p`, `e`, `c` and `n` are
/// still for the selected pupil, and the dialog's title names both (「已选 X（光标在 Y）」); Enter asks, naming both,
/// before anything is saved (No by default, Yes saves) and the highlighted child is left as she was. Before, the
/// selected child was saved with no question, the title naming her alone, while the highlighted one stayed
/// unmarked. A selection of the highlighted pupil alone, and a mark on the detail screen, are for that pupil: saved
/// at once, the title naming her alone.
#[test]
fn one_selected_pupil_on_another_row_is_named_with_the_highlighted_one_before_a_mark_is_saved() {
    use canbao::tui::modal::Modal;
    let key_of = |key: char| match key {
        'p' => Action::TogglePaid,
        'e' => Action::Enrollment,
        'c' => Action::Categories,
        _ => Action::EditNote,
    };
    let fill_in = |app: &mut App, key: char| match key {
        'e' => app.update(Action::Down),
        'c' => app.update(Action::ToggleSelect),
        'n' => type_text(app, "补交材料"),
        // The sample drive has no policy: no amount due to fill in.
        _ => type_text(app, "380"),
    };
    let name_of = |app: &App, id: i64| app.store.student(id).expect("pupil").name;
    for (key, lang) in [
        ('p', Language::Zh),
        ('e', Language::Zh),
        ('c', Language::Zh),
        ('n', Language::Zh),
        ('p', Language::En),
        ('n', Language::En),
    ] {
        let mut app = app(lang);
        let id = app.selected_id().expect("pupil");
        let name = name_of(&app, id);
        // Space selects and moves down; the operator goes on to the child at the counter.
        app.update(Action::ToggleSelect);
        app.update(Action::Down);
        app.update(Action::Down);
        let highlighted = app.selected_id().expect("pupil");
        let cursor = name_of(&app, highlighted);
        let history = app.store.history(highlighted).expect("history").len();
        let audit = app.store.audit_count().expect("count");
        app.update(key_of(key));
        let title = match lang {
            Language::Zh => format!("已选 {name}（光标在 {cursor}）"),
            Language::En => format!("selected {name} (cursor on {cursor})"),
        };
        assert!(screen(&app).contains(&title), "{key:?}: {}", screen(&app));
        fill_in(&mut app, key);
        app.update(Action::Confirm);
        let Some(Modal::Confirm(c)) = &app.modal else { panic!("{key:?} asked: {}", screen(&app)) };
        let said = match lang {
            Language::Zh => format!("所选的是 {name}，不是光标所在的 {cursor}"),
            Language::En => format!("the pupil selected is {name}, not {cursor} under the cursor"),
        };
        assert!(c.question.contains(&said), "{key:?}: {}", c.question);
        assert!(!c.yes, "No by default");
        assert_eq!(app.store.audit_count().expect("count"), audit, "{key:?}: nothing saved before Yes");
        app.update(Action::Yes);
        assert!(app.store.audit_count().expect("count") > audit, "{key:?}: Yes saves");
        assert!(app.store.history(id).expect("history").len() > 1, "{key:?}: for the selected pupil");
        assert_eq!(app.store.history(highlighted).expect("history").len(), history, "{key:?}: not the highlighted");
    }

    // The selection is the highlighted pupil: hers, at once.
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    let name = name_of(&app, id);
    app.update(Action::ToggleSelect);
    app.update(Action::Up);
    assert_eq!(app.selected_id(), Some(id));
    app.update(Action::TogglePaid);
    let shown = screen(&app);
    assert!(shown.contains(&format!("登记缴费：{name}")) && !shown.contains("光标在"), "{shown}");
    type_text(&mut app, "380");
    app.update(Action::Confirm);
    assert!(app.modal.is_none(), "saved at once: {}", screen(&app));
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Paid);

    // A pupil selected on the roster, another opened: a mark on the detail screen is for the pupil it shows.
    app.update(Action::Down);
    app.update(Action::Down);
    app.update(Action::OpenDetail);
    let shown_pupil = app.detail.as_ref().expect("detail").student.id;
    assert!(!app.roster.marked().is_empty() && shown_pupil != id);
    app.update(Action::EditNote);
    let Some(Modal::Note { targets, .. }) = &app.modal else { panic!("the note") };
    assert_eq!(targets, &[shown_pupil]);
    assert!(!screen(&app).contains("光标在"), "{}", screen(&app));
}

/// The mouse wheel (a touchpad's scroll) on the detail screen scrolls the pupil's history, an entry a notch, and
/// never changes the pupil shown: many notches stop at the oldest entry, and as many back show the newest first
/// again; `p` then is for the same child. Before, each notch opened the next pupil, whose 姓名 line alone said so.
#[test]
fn the_wheel_on_the_detail_screen_scrolls_the_history_and_keeps_the_pupil() {
    use canbao::tui::modal::Modal;
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        rewrite_note(&mut app, 40);
        app.update(Action::OpenDetail);
        let pupil = app.detail.as_ref().expect("detail").student.id;
        let total = app.detail.as_ref().expect("detail").history.len();
        let first = screen(&app);
        for _ in 0..3 {
            app.update(Action::ScrollDown);
            assert_eq!(app.detail.as_ref().expect("detail").student.id, pupil, "{lang:?}: the wheel left the pupil");
        }
        let scrolled = screen(&app);
        let from = match lang {
            Language::Zh => "第 4-",
            Language::En => " 4-",
        };
        assert!(scrolled.contains(from) && scrolled.contains("-> n37") && !scrolled.contains("-> n40"), "{scrolled}");
        for _ in 0..2 * total {
            app.update(Action::ScrollDown);
        }
        let oldest = screen(&app);
        assert!(oldest.contains("sample-school.csv") && oldest.contains(&format!("-{total} ")), "{oldest}");
        assert_eq!(app.detail.as_ref().expect("detail").student.id, pupil, "{lang:?}");
        for _ in 0..2 * total {
            app.update(Action::ScrollUp);
        }
        assert_eq!(screen(&app), first, "{lang:?}");
        app.update(Action::TogglePaid);
        let Some(Modal::Payment(form)) = &app.modal else { panic!("the payment form") };
        assert_eq!(form.targets, [pupil], "{lang:?}");
    }
}

/// In a filtered list, a mark made on the detail screen (or a class corrected with `E`) that takes the pupil out of
/// the filter, then Esc: the pupil stays highlighted until the cursor moves, and the status line says so by name,
/// as after the same mark on the roster; the next `p` is for the same child, and Down goes on to the next one.
/// Before, the highlight fell on the next child without a word.
#[test]
fn a_change_on_the_detail_screen_keeps_the_pupil_highlighted_back_on_a_filtered_roster() {
    use canbao::domain::student::Enrollment;
    use canbao::tui::modal::Modal;
    for (lang, by_class) in [(Language::Zh, false), (Language::En, false), (Language::Zh, true)] {
        let mut app = app(lang);
        if by_class {
            let class = app.data.rows[app.roster.selected_row().expect("row")].class;
            app.set_filters(|f| f.class = Some(class));
        } else {
            app.set_filters(|f| f.enrollment = Some(Enrollment::Unknown));
        }
        app.update(Action::Down);
        let id = app.selected_id().expect("pupil");
        let name = app.store.student(id).expect("s").name;
        let class = app.store.student(id).expect("s").class_label();
        let next = app.roster.shown().get(app.roster.cursor() + 1).map(|&i| app.data.rows[i as usize].id);
        app.update(Action::OpenDetail);
        if by_class {
            app.update(Action::EditIdentity);
            let Some(Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
            let other = app.data.classes.iter().find(|c| **c != class).expect("another class").clone();
            form.fields[2].set(&other);
            app.update(Action::Confirm);
            assert!(app.modal.is_none(), "saved: {}", screen(&app));
            assert_ne!(app.store.student(id).expect("s").class_label(), class);
        } else {
            app.update(Action::Enrollment);
            app.update(Action::Down);
            app.update(Action::Confirm);
            assert_eq!(app.store.student(id).expect("s").enrollment, Enrollment::Here);
        }
        app.update(Action::Back);
        assert_eq!(app.selected_id(), Some(id), "{lang:?} {by_class}: still highlighted");
        let held = match lang {
            Language::Zh => format!("{name}（已不符合筛选：移动后离开列表）"),
            Language::En => format!("{name}: no longer matches the filter, shown until you move"),
        };
        assert_eq!(status_text(&app), held, "{lang:?} {by_class}");
        app.update(Action::TogglePaid);
        let Some(Modal::Payment(form)) = &app.modal else { panic!("the payment form") };
        assert_eq!(form.targets, [id], "{lang:?} {by_class}");
        app.update(Action::Back);
        app.update(Action::Down);
        assert_eq!(app.selected_id(), next, "{lang:?} {by_class}: on to the next child");
        let row = app.data.index_of(id).expect("row") as u32;
        assert!(!app.roster.shown().contains(&row), "{lang:?} {by_class}: gone once the cursor moved");
    }
}

/// A part-payer (300 of 380) selected with Space, the cursor on another row: `p` offers her top-up as `p` on her
/// own row does, in the 登记补缴 form naming both pupils, with what is still owed filled in; Enter asks, naming both,
/// and Yes records the 380 in all. Before, `p` said she was 「已缴费」 and kept her, with no word of the 80 she owes.
#[test]
fn a_selected_part_payer_is_offered_her_top_up() {
    use canbao::tui::modal::Modal;
    let mut app = app_on_policy(with_part_payments(&["林彤瑶"]));
    let pupils = app.store.students(&Default::default()).expect("list");
    let id = pupils.iter().find(|s| s.name == "林彤瑶").expect("her").id;
    app.roster.toggle_marked(id);
    if app.selected_id() == Some(id) {
        app.update(Action::Down);
    }
    let cursor = app.store.student(app.selected_id().expect("pupil")).expect("s").name;
    app.update(Action::TogglePaid);
    let Some(Modal::Payment(form)) = &mut app.modal else { panic!("the top-up form: {}", screen(&app)) };
    assert_eq!((form.top_up, form.targets.as_slice()), (Some(30_000), [id].as_slice()));
    form.date.set("2023-10-20");
    form.date_touched = true;
    form.amount.set("80");
    assert!(screen(&app).contains(&format!("登记补缴：已选 林彤瑶（光标在 {cursor}）")), "{}", screen(&app));
    app.update(Action::Confirm);
    let Some(Modal::Confirm(c)) = &app.modal else { panic!("asked: {}", screen(&app)) };
    assert!(c.question.contains(&format!("所选的是 林彤瑶，不是光标所在的 {cursor}")), "{}", c.question);
    app.update(Action::Yes);
    assert_eq!(app.store.student(id).expect("s").payment_details.amount_fen, Some(38_000));
}

/// Five files ticked in the import picker, two of them byte for byte the same and one a tax list: the copy is
/// said as read once, by name; the tax list is left out and said; the three class lists are imported; the picker
/// opens again with the tax list ticked. Before, the tax list refused the batch, which was said as 「所选的 4 个
/// 文件都未导入」 (the copy not counted), and the ticks were gone.
#[test]
fn a_tax_list_ticked_with_class_lists_is_left_out_and_the_rest_imported() {
    use canbao::tui::modal::Modal;
    let number = |i: usize| {
        let first17 = format!("45020320190101{i:03}");
        format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()))
    };
    let dir = tempfile::tempdir().expect("dir");
    let lists: Vec<PathBuf> = ["一班名单.csv", "二班名单.csv", "二班名单-副本.csv", "三班名单.csv", "税务缴费名单.csv"]
        .iter()
        .map(|n| dir.path().join(n))
        .collect();
    std::fs::write(&lists[0], format!("姓名,身份证号码,班级\n王明,{},一年级1班\n", number(1))).expect("list");
    std::fs::write(&lists[1], format!("姓名,身份证号码,班级\n李华,{},一年级2班\n", number(2))).expect("list");
    std::fs::copy(&lists[1], &lists[2]).expect("copy");
    std::fs::write(&lists[3], format!("姓名,身份证号码,班级\n赵强,{},一年级3班\n", number(3))).expect("list");
    std::fs::write(
        &lists[4],
        format!("纳税人姓名,证件号码,缴费金额,缴费日期,票证号码\n王明,{},400,2026-11-20,3450001\n", number(1)),
    )
    .expect("tax");
    let mut app = app(Language::Zh);
    app.modal = None;
    let before = app.store.student_count().expect("count");
    app.start_import_files(lists.clone());
    finish_job(&mut app);
    let Some(Modal::ImportPreview { preview, .. }) = &app.modal else { panic!("{}", screen(&app)) };
    let said = preview.warnings.join("\n");
    assert!(said.contains("二班名单-副本.csv 与 二班名单.csv 内容完全相同，只读一次"), "{said}");
    assert!(said.contains("税务缴费名单.csv 未导入，其余文件照常导入：此文件像税务缴费名单"), "{said}");
    press(&mut app, KeyCode::Enter);
    finish_job(&mut app);
    assert_eq!(app.store.student_count().expect("count"), before + 3, "{}", screen(&app));
    app.modal = None;
    app.open_import();
    let Some(Modal::Files(picker)) = &app.modal else { panic!("{}", screen(&app)) };
    assert_eq!(picker.picked, [lists[4].clone()], "the tax list ticked again");
}

/// Every file ticked refused: the box counts and names the files ticked (a copy of one among them, said as read
/// once), above each refusal; the 80-column status line keeps the refused file's name; the picker opens with the
/// refused files ticked again.
#[test]
fn files_ticked_and_all_refused_are_counted_as_ticked_and_ticked_again() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let tax = dir.path().join("税务缴费名单.csv");
    let copy = dir.path().join("税务缴费名单-副本.csv");
    let other = dir.path().join("十二月缴费名单.csv");
    let header = "纳税人姓名,证件号码,缴费金额,缴费日期,票证号码";
    std::fs::write(&tax, format!("{header}\n王明,450203201909308803,400,2026-11-20,3450001\n")).expect("tax");
    std::fs::copy(&tax, &copy).expect("copy");
    std::fs::write(&other, format!("{header}\n王明,450203201909308803,400,2026-12-01,3450002\n")).expect("tax");
    let mut app = app(Language::Zh);
    app.modal = None;
    app.start_import_files(vec![tax.clone(), copy, other.clone()]);
    finish_job(&mut app);
    let Some(Modal::Message(refused)) = &app.modal else { panic!("{}", screen(&app)) };
    let said = refused.lines.join("\n");
    assert!(
        said.contains("所选的 3 个文件都未导入：税务缴费名单.csv、税务缴费名单-副本.csv、十二月缴费名单.csv"),
        "{said}"
    );
    assert!(said.contains("税务缴费名单-副本.csv 与 税务缴费名单.csv 内容完全相同，只读一次"), "{said}");
    assert!(said.contains("此文件像税务缴费名单"), "{said}");
    let shown = screen(&app);
    let status = shown.lines().rev().find(|l| l.contains("未导入")).unwrap_or_else(|| panic!("{shown}"));
    assert!(status.contains("税务缴费名单.csv 未通过，所选的 3 个文件"), "{shown}");
    app.modal = None;
    app.open_import();
    let Some(Modal::Files(picker)) = &app.modal else { panic!("{}", screen(&app)) };
    let mut picked = picker.picked.clone();
    picked.sort();
    let mut expected = vec![tax, other];
    expected.sort();
    assert_eq!(picked, expected, "the refused files ticked again");
}

/// Four pupils selected with Space, then the cursor moved on to the child at the counter: `p`, `e`, `c` and `n`
/// are for the four, and both the dialog's title and the question before saving say that the highlighted pupil is
/// not among them; the question names who will change (three by name, then 「等 4 人」). Before, both gave a count
/// only, which reads as including the row the eye is on. With the highlighted pupil among those selected, neither
/// says a word of it.
#[test]
fn several_selected_with_the_cursor_elsewhere_are_named_and_the_highlighted_one_said_apart() {
    use canbao::tui::modal::Modal;
    let key_of = |key: char| match key {
        'p' => Action::TogglePaid,
        'e' => Action::Enrollment,
        'c' => Action::Categories,
        _ => Action::EditNote,
    };
    let fill_in = |app: &mut App, key: char| match key {
        'e' => app.update(Action::Down),
        'c' => app.update(Action::ToggleSelect),
        'n' => type_text(app, "补交材料"),
        _ => type_text(app, "380"),
    };
    let name_of = |app: &App, id: i64| app.store.student(id).expect("pupil").name;
    for (key, lang) in
        [('p', Language::Zh), ('e', Language::Zh), ('c', Language::Zh), ('n', Language::Zh), ('e', Language::En)]
    {
        let mut app = app(lang);
        let mut selected = Vec::new();
        for _ in 0..4 {
            selected.push(name_of(&app, app.selected_id().expect("pupil")));
            app.update(Action::ToggleSelect);
        }
        app.update(Action::Down);
        let cursor = name_of(&app, app.selected_id().expect("pupil"));
        app.update(key_of(key));
        let title = match lang {
            Language::Zh => format!("已选 4 名学生（不含光标所在的 {cursor}）"),
            Language::En => format!("4 pupils selected (not {cursor} under the cursor)"),
        };
        assert!(screen(&app).contains(&title), "{key:?}: {}", screen(&app));
        fill_in(&mut app, key);
        app.update(Action::Confirm);
        let Some(Modal::Confirm(c)) = &app.modal else { panic!("{key:?} asked: {}", screen(&app)) };
        let said = match lang {
            Language::Zh => format!(
                "本次操作的是所选的 {}、{}、{}等 4 人，不含光标所在的 {cursor}",
                selected[0], selected[1], selected[2]
            ),
            Language::En => format!(
                "this is for the pupils selected, {}, {}, {}, etc. (4 in all), not {cursor} under the cursor",
                selected[0], selected[1], selected[2]
            ),
        };
        assert!(c.question.contains(&said), "{key:?}: {}", c.question);
    }

    // Two selected, the cursor back on the second: she is one of them, and nothing is said of the cursor.
    let mut app = app(Language::Zh);
    app.update(Action::ToggleSelect);
    app.update(Action::ToggleSelect);
    app.update(Action::Up);
    app.update(Action::Enrollment);
    assert!(screen(&app).contains("已选 2 名学生") && !screen(&app).contains("光标"), "{}", screen(&app));
    app.update(Action::Down);
    app.update(Action::Confirm);
    let Some(Modal::Confirm(c)) = &app.modal else { panic!("asked: {}", screen(&app)) };
    assert!(!c.question.contains("光标"), "{}", c.question);
}

/// A part-payer who has left school, selected: alone, `p` says she left part-paid and that the rest is not asked
/// of the family, as `p` on her own row does, where it said 「已「已缴费」」 and kept her; in a class's payment, the
/// form's title and the question count her apart from those paid in full, where both counted her as paid
/// (「另有已缴费 2 人」, 「已缴费或财政代缴的 2 人」).
#[test]
fn a_selected_part_payer_who_left_is_said_apart_from_those_paid() {
    use canbao::domain::student::{Enrollment, PaymentDetails};
    use canbao::tui::modal::Modal;
    let mut store = with_part_payments(&["林彤瑶"]);
    let id = store.students(&Default::default()).expect("list").iter().find(|s| s.name == "林彤瑶").expect("her").id;
    store.set_enrollment(id, Enrollment::Left, None).expect("left");
    let mut app = app_on_policy(store);
    app.roster.toggle_marked(id);
    if app.selected_id() == Some(id) {
        app.update(Action::Down);
    }
    app.update(Action::TogglePaid);
    assert!(app.modal.is_none(), "nothing to record: {}", screen(&app));
    let said = status_text(&app);
    assert!(said.contains("林彤瑶 已离校、部分缴费，差 80 元不再收取，未改") && !said.contains("已缴费」"), "{said}");

    for lang in [Language::Zh, Language::En] {
        let (mut app, _, _) = app_at_benefit_place(lang, "孤儿");
        let five: Vec<(i64, String)> = app
            .store
            .students(&Default::default())
            .expect("list")
            .into_iter()
            .take(5)
            .map(|s| (s.id, s.name))
            .collect();
        let paid = |fen: i64| PaymentDetails {
            amount_fen: Some(fen),
            paid_on: chrono::NaiveDate::from_ymd_opt(2022, 10, 8),
            channel: None,
        };
        app.store.set_payment(five[2].0, PaymentStatus::Paid, &paid(35_000)).expect("paid");
        app.store.set_payment(five[3].0, PaymentStatus::Paid, &paid(30_000)).expect("part");
        app.store.set_enrollment(five[3].0, Enrollment::Left, None).expect("left");
        for _ in 0..5 {
            app.update(Action::ToggleSelect);
        }
        app.update(Action::TogglePaid);
        let Some(Modal::Payment(form)) = &app.modal else { panic!("form: {}", screen(&app)) };
        assert_eq!((form.targets.len(), form.already_paid, &form.left_part_paid), (2, 2, &vec![five[3].1.clone()]));
        let title = match lang {
            Language::Zh => "登记缴费：已选 5 人，登记 2 人，另有已缴费 1、部分缴费 1、不在本校登记 1 人",
            Language::En => "Record payment: 5 selected, 2 to record, 1 paid, 1 part-paid, 1 elsewhere",
        };
        assert!(screen(&app).contains(title), "{}", screen(&app));
        pay_350_in_2022(&mut app);
        let Some(Modal::Confirm(c)) = &app.modal else { panic!("asked: {}", screen(&app)) };
        let (paid, left) = match lang {
            Language::Zh => {
                ("已缴费或财政代缴的 1 人".to_owned(), format!("已离校的部分缴费 1 人（{}）保持原样", five[3].1))
            }
            Language::En => (
                "(1 already paid or government-paid".to_owned(),
                format!("Part-paid and left school, left as they are: 1 ({})", five[3].1),
            ),
        };
        assert!(c.question.contains(&paid) && c.question.contains(&left), "{lang:?}: {}", c.question);
    }
}

/// In a filtered list, a mark on the detail screen that takes the pupil out of the filter, then `d` (the
/// dashboard) and back to the roster (Esc, or `d` again): the pupil stays highlighted until the cursor moves and
/// the status line says so by name, as on the plain road back from the detail screen; Down goes on to the next
/// child and she leaves the list. Before, the roster came back as it stood before the mark, with no word, and she
/// stayed in the filtered list after the cursor moved.
#[test]
fn a_change_on_the_detail_screen_then_the_dashboard_keeps_the_pupil_highlighted_back_on_the_roster() {
    use canbao::domain::student::Enrollment;
    for (lang, by_d) in [(Language::Zh, false), (Language::En, false), (Language::Zh, true)] {
        let back = if by_d { "d" } else { "Esc" };
        let mut app = app(lang);
        app.set_filters(|f| f.enrollment = Some(Enrollment::Unknown));
        app.update(Action::Down);
        let id = app.selected_id().expect("pupil");
        let name = app.store.student(id).expect("s").name;
        let next = app.roster.shown().get(app.roster.cursor() + 1).map(|&i| app.data.rows[i as usize].id);
        app.update(Action::OpenDetail);
        app.update(Action::Enrollment);
        app.update(Action::Down);
        app.update(Action::Confirm);
        assert_eq!(app.store.student(id).expect("s").enrollment, Enrollment::Here);
        app.update(Action::Dashboard);
        app.update(if by_d { Action::Dashboard } else { Action::Back });
        assert_eq!(app.selected_id(), Some(id), "{lang:?} {back}: still highlighted");
        let held = match lang {
            Language::Zh => format!("{name}（已不符合筛选：移动后离开列表）"),
            Language::En => format!("{name}: no longer matches the filter, shown until you move"),
        };
        assert_eq!(status_text(&app), held, "{lang:?} {back}");
        app.update(Action::Down);
        assert_eq!(app.selected_id(), next, "{lang:?} {back}: on to the next child");
        let row = app.data.index_of(id).expect("row") as u32;
        assert!(!app.roster.shown().contains(&row), "{lang:?} {back}: gone once the cursor moved");
    }
}

/// Up and Down on the detail screen put another pupil there, who may share the name of the one before: the
/// status line names the pupil now shown, with the class and the place in the list, whole at 80 columns.
#[test]
fn another_pupil_put_on_the_detail_screen_by_up_or_down_is_named_on_the_status_line() {
    for (lang, now_showing, second, first) in [
        (Language::Zh, "现在显示：", "（第 2/", "（第 1/"),
        (Language::En, "Now showing: ", " (pupil 2 of ", " (pupil 1 of "),
    ] {
        let mut app = app(lang);
        app.update(Action::OpenDetail);
        let opened = app.detail.as_ref().expect("detail").student.id;
        for (key, place) in [(Action::Down, second), (Action::Up, first)] {
            app.update(key);
            let pupil = &app.detail.as_ref().expect("detail").student;
            let said = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
            let named = format!("{now_showing}{} {}{place}", pupil.name, pupil.class_label());
            assert!(said.starts_with(&named), "{said}");
            assert!(screen(&app).contains(&said), "whole at 80 columns: {}", screen(&app));
        }
        assert_eq!(app.detail.as_ref().expect("detail").student.id, opened, "Up came back to the first pupil");
    }
}

/// Esc then `q` right after it, the natural "back, quit": the Esc is the operator looking, not a letter of text
/// typed astray, so the `q` after it starts a run of its own and quits at the pause, where it took the Esc back
/// (the detail screen shown again) and was refused as coming right after other keys.
#[test]
fn q_right_after_esc_quits_at_the_pause() {
    let mut app = app(Language::Zh);
    let esc = Paced::Key(key(KeyCode::Esc, KeyEventKind::Press));
    let mut script: std::collections::VecDeque<Paced> = paced("\n").collect();
    script.push_back(Paced::Pause);
    script.push_back(esc);
    script.extend(paced("q"));
    script.push_back(Paced::Pause);
    // Never reached when the `q` quit at the pause.
    script.extend(paced("?"));
    let mut script = PacedScript(script);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    run_loop(&mut terminal, &mut app, &mut script).expect("loop");
    let said = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(app.quit && script.0.len() == 1, "q did not quit at the pause: {said}");
}

/// A page of text pasted on the roster is not searched for, and the line saying so fits 80 columns whole in
/// both languages, where it was cut with 「..」 before its advice ended.
#[test]
fn the_line_refusing_a_long_paste_fits_80_columns_whole() {
    for (lang, start, end) in
        [(Language::Zh, "粘贴的文字过长（1200 个字）", "证件号片段"), (Language::En, "Pasted text", "name or ID")]
    {
        let mut app = app(lang);
        app.update(Action::Paste("通知：".repeat(400)));
        let said = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
        assert!(said.starts_with(start) && said.ends_with(end), "{said}");
        assert!(screen(&app).contains(&said), "{lang:?}: {}", screen(&app));
    }
}

/// A note given to several pupils says how many of them have another note it replaces, where it replaced a
/// 「低保」 without a word; a pupil whose note is the one typed already is not counted.
#[test]
fn a_note_for_several_pupils_says_how_many_notes_it_replaces() {
    for (lang, replaces) in
        [(Language::Zh, "（其中 2 人已有备注，将被替换）"), (Language::En, " (2 of them have a note already")]
    {
        let mut app = app(lang);
        let ids: Vec<i64> = (0..4)
            .map(|_| {
                let id = app.selected_id().expect("pupil");
                app.update(Action::Down);
                id
            })
            .collect();
        app.update(Action::Top);
        for (id, note) in [(ids[0], "低保"), (ids[1], "孤儿"), (ids[2], "明天补交")] {
            app.set_note(&[id], note);
            app.update(Action::Down);
        }
        app.set_note(&ids, "明天补交");
        let asked = app.question().expect("asked").to_owned();
        assert!(asked.contains(replaces), "{asked}");
    }
}

/// Next school year's class list read on the screen is refused as the command line refuses it, and asked about with
/// the choice `import --move-up-a-grade` gives there: each file's pupils moved up and one of them, what to do first,
/// and whether to move them up all the same, in both languages within 80 columns. Yes previews the import moving
/// them up, to be checked and applied; No leaves the drive as it was. Before, the screen said 出错了 over the
/// refusal, naming a command-line flag, with no way on.
#[test]
fn next_school_years_list_on_the_screen_asks_whether_to_move_the_pupils_up() {
    use canbao::domain::class_label::{Promotion, promote};
    use canbao::tui::modal::Modal;
    for lang in [Language::Zh, Language::En] {
        let dir = tempfile::tempdir().expect("dir");
        let mut app = app(lang);
        app.modal = None;
        let (grade, class): (String, String) = app
            .store
            .connection()
            .query_row(
                "SELECT grade, class FROM students WHERE grade IN ('一年级', '二年级', '三年级', '四年级', '五年级')
                 AND enrollment <> 'left' GROUP BY grade, class ORDER BY count(*) DESC, grade, class LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("a class");
        let Promotion::To { grade: up_grade, class: up_class } = promote(&grade, &class) else { panic!("{grade}") };
        let pupils: Vec<(String, String)> = {
            let conn = app.store.connection();
            let mut stmt = conn
                .prepare("SELECT name, id_number FROM students WHERE grade = ?1 AND class = ?2 ORDER BY id")
                .expect("query");
            stmt.query_map([&grade, &class], |r| Ok((r.get(0)?, r.get(1)?)))
                .expect("pupils")
                .collect::<Result<_, _>>()
                .expect("pupils")
        };
        assert!(pupils.len() >= 3, "{grade}{class}: {pupils:?}");
        let mut text = String::from("姓名,身份证号码,年级,班级\n");
        for (name, number) in &pupils {
            text.push_str(&format!("{name},{number},{up_grade},{up_class}\n"));
        }
        let list = dir.path().join("下学年名单.csv");
        std::fs::write(&list, text).expect("list");
        app.start_import_files(vec![list]);
        finish_job(&mut app);
        let Some(Modal::Confirm(asked)) = &app.modal else { panic!("{}", screen(&app)) };
        assert!(!asked.yes, "No is the default");
        let (from, to) = (format!("{grade}{class}"), format!("{up_grade}{up_class}"));
        let (first, n) = (&pupils[0].0, pupils.len());
        let words = match lang {
            Language::Zh => vec![
                format!("下学年名单.csv：名单上 {n} 名已在册的学生中有 {n} 名会升一个年级"),
                format!("如 {first} 由「{from}」调到「{to}」"),
                "未导入任何内容".to_owned(),
                "「开始新学年」".to_owned(),
                "确要按名单把这些学生调高一个年级吗？".to_owned(),
            ],
            Language::En => vec![
                format!("下学年名单.csv: of the {n} pupils it lists from the drive, {n} would move up a grade"),
                format!("({first} from {from} to {to})"),
                "nothing was imported".to_owned(),
                "Move these pupils up a grade as the list says?".to_owned(),
            ],
        };
        for w in &words {
            assert!(asked.question.contains(w.as_str()), "{w}: {}", asked.question);
        }
        let shown = screen(&app);
        assert!(!shown.contains("出错了") && !shown.contains("Something went wrong"), "{shown}");
        let status = match lang {
            Language::Zh => "下学年名单.csv 像是下一学年的名单，未导入",
            Language::En => "下学年名单.csv looks like next school year's list: not imported",
        };
        assert!(shown.contains(status), "{shown}");
        let asks = match lang {
            Language::Zh => "确要按名单把这些学生调高一个年级吗？",
            Language::En => "Move these pupils up a grade as the list says?",
        };
        assert!(shown.contains(asks), "{shown}");
        for line in shown.lines() {
            assert!(unicode_width::UnicodeWidthStr::width(line) <= 80, "{line}");
        }
        let class_now = |app: &App| {
            let s = app.store.student_by_id_number(&pupils[1].1).expect("read").expect("pupil");
            format!("{}{}", s.grade, s.class)
        };
        match lang {
            // No: nothing imported.
            Language::En => {
                app.update(Action::Confirm);
                assert!(app.modal.is_none(), "{}", screen(&app));
                assert_eq!(class_now(&app), from);
            }
            // Yes: the preview of the move, then the import.
            Language::Zh => {
                app.update(Action::Right);
                app.update(Action::Confirm);
                finish_job(&mut app);
                let Some(Modal::ImportPreview { preview, .. }) = &app.modal else { panic!("{}", screen(&app)) };
                assert_eq!(preview.moved_class, n, "{preview:?}");
                app.update(Action::Confirm);
                finish_job(&mut app);
                assert_eq!(class_now(&app), to, "{}", screen(&app));
            }
        }
    }
}

/// A payment dated after today is refused in the form naming today as Beijing's date, as `mark` names it, in both
/// languages; before, 「缴费日期晚于今天」 said no date, which on a laptop whose clock is a time zone ahead read as
/// a refusal of today.
#[test]
fn a_payment_dated_after_today_names_beijings_today_in_the_form() {
    for (lang, said) in [
        (Language::Zh, "缴费日期晚于今天（北京时间 {}），请核对"),
        (Language::En, "The payment date is after today ({} in Beijing): check it"),
    ] {
        let mut app = app(lang);
        let today = app.store.today();
        app.update(Action::TogglePaid);
        let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
        form.date.set(&(today + chrono::Duration::days(1)).to_string());
        form.date_touched = true;
        form.amount.set("380");
        form.amount_edited = true;
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("the form stays open") };
        assert_eq!(form.error.as_deref(), Some(said.replace("{}", &today.to_string()).as_str()), "{lang:?}");
    }
}

/// Keeps a tax-office payment of 380 元 on 2026-11-21 under another name (错名字) for the pupil `id`, as a
/// reconciliation holds it (姓名不符, 待核实).
fn keep_payment_under_another_name(store: &mut Store, id: i64) {
    use canbao::domain::unapplied::{UnappliedPayment, UnappliedReason};
    let pupil = store.student(id).expect("pupil");
    let record = UnappliedPayment {
        year: store.shown_year(),
        roster_name: Some(pupil.name.clone()),
        ..UnappliedPayment::for_test(
            "错名字",
            38_000,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 21),
            ("税务.csv", 2),
            UnappliedReason::OtherName,
        )
    };
    keep_tax_payment(store, Some((id, pupil.id_number.as_str())), record);
}

/// The payment form of a pupil whose number the tax office's list holds a payment for under another name says
/// so (amount, date, the list's name), and so does a class's payment question naming her, in both languages: the
/// family is not charged twice unwarned.
#[test]
fn the_payment_form_warns_of_a_tax_payment_held_under_another_name() {
    for (lang, said, asked) in [
        (Language::Zh, "税务名单已有", "注意：税务名单已有"),
        (Language::En, "the tax office already holds a payment", "Note: the tax office already holds a payment"),
    ] {
        let mut app = app(lang);
        app.update(Action::Resize(120, 40));
        let id = app.selected_id().expect("a pupil");
        keep_payment_under_another_name(&mut app.store, id);
        app.update(Action::TogglePaid);
        let shown = screen(&app).replace('\n', "");
        let shown: String = shown.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(shown.contains(said) && shown.contains("380"), "{shown}");
        app.update(Action::Back);
        app.update(Action::ToggleSelect);
        app.update(Action::ToggleSelect);
        app.update(Action::TogglePaid);
        type_text(&mut app, "380");
        app.update(Action::Confirm);
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question: {}", screen(&app)) };
        assert!(c.question.contains(asked) && c.question.contains("错名字"), "{}", c.question);
        assert!(c.question.contains("2026-11-21"), "{}", c.question);
    }
}

/// A department's list of certified pupils, as the palette's category reconciliation opens it: the preview.
fn categories_previewed(app: &mut App, list: &std::path::Path) {
    app.update(Action::Palette);
    type_text(app, "reconcile categories");
    app.update(Action::Confirm);
    type_text(app, &list.display().to_string());
    app.update(Action::Confirm);
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::ReconcilePreview { .. })), "{}", screen(app));
}

/// A department's list in the preview names each pupil it would change, by name, class and masked number, with
/// what changes, and the rows it cannot match by row and reason, under the counts; where before it gave the
/// counts alone, a blind change of a whole list. At 80×24 and 120×40, in both languages.
#[test]
fn a_category_list_preview_names_the_pupils_it_changes() {
    let dir = tempfile::tempdir().expect("dir");
    let list = dir.path().join("低保名单.csv");
    let rows = "姓名,身份证号码,人员类别\n孙语,450203201909308803,低保对象\n林彤瑶,450202201911276365,特困人员\n\
                王五,110105201801010115,低保对象\n黎语雪,450202202007078520,孤儿\n";
    std::fs::write(&list, rows).expect("write");
    for (name, size) in [("category_preview_80", (80, 24)), ("category_preview_120", (120, 40))] {
        for lang in [Language::Zh, Language::En] {
            let mut app = app(lang);
            app.update(Action::Resize(size.0, size.1));
            categories_previewed(&mut app, &list);
            let shown = screen(&app).replace(&dir.path().display().to_string(), "[dir]");
            insta::assert_snapshot!(format!("{name}_{}", lang_name(lang)), shown);
            let Some(canbao::tui::modal::Modal::ReconcilePreview { lines, .. }) = &app.modal else { panic!() };
            let masked = canbao::domain::id_number::mask("450203201909308803");
            let sun = lines.iter().find(|l| l.contains("孙语")).expect("孙语 named");
            assert!(sun.contains(&masked) && !sun.contains("450203201909308803"), "{sun}");
            assert!(sun.contains("一年级1班") || sun.contains("一年级 1班") || sun.contains("1班"), "{sun}");
            let added = if lang == Language::Zh { "增加 低保对象" } else { "低保对象 added" };
            assert!(sun.contains(added), "{sun}");
            assert!(lines.iter().any(|l| l.contains("林彤瑶") && l.contains("特困人员")), "{lines:?}");
            // The rows it cannot match: by row, with why.
            let row = if lang == Language::Zh { "第 4 行" } else { "row 4" };
            assert!(lines.iter().any(|l| l.contains(row) && l.contains("王五")), "{lines:?}");
            let row = if lang == Language::Zh { "第 5 行" } else { "row 5" };
            assert!(lines.iter().any(|l| l.contains(row)), "{lines:?}");
        }
    }
}

/// The tax office's list in the preview names each pupil it would mark paid, with the amount and the date.
#[test]
fn a_tax_list_preview_names_the_pupils_it_marks_paid() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(Language::Zh);
    let tax = dir.path().join("tax.csv");
    std::fs::write(&tax, "姓名,证件号码,缴费金额,缴费日期\n孙语,450203201909308803,380,2026-09-12\n").expect("write");
    let lines = tax_list_previewed(&mut app, &tax);
    let sun = lines.iter().find(|l| l.contains("孙语")).expect("孙语 named");
    assert!(sun.contains("第 2 行") && sun.contains("未缴费 → 已缴费（380 元，2026-09-12"), "{sun}");
    assert!(lines.iter().any(|l| l.contains("将修改以下 1 名学生")), "{lines:?}");
}

/// A long list's preview scrolls: the last pupil it names is below the box, and PgDn brings it in.
#[test]
fn a_long_list_preview_scrolls_to_its_last_pupil() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(Language::Zh);
    let pupils = app.store.students(&Default::default()).expect("list");
    let valid: Vec<_> = pupils.iter().filter(|s| s.id_problem.is_none() && s.categories.is_empty()).take(40).collect();
    let mut rows = "姓名,身份证号码,人员类别\n".to_owned();
    for s in &valid {
        rows.push_str(&format!("{},{},低保对象\n", s.name, s.id_number));
    }
    let list = dir.path().join("list.csv");
    std::fs::write(&list, rows).expect("write");
    categories_previewed(&mut app, &list);
    let last = valid.last().expect("a pupil");
    assert!(!screen(&app).contains(&format!("第 41 行 {}", last.name)), "{}", screen(&app));
    for _ in 0..20 {
        app.update(Action::PageDown);
    }
    assert!(screen(&app).contains(&format!("第 41 行 {}", last.name)), "{}", screen(&app));
}

/// A second window on a drive another window writes is read-only. While that window is there, W refuses; once it
/// has closed, the footer offers W, and W makes this window write (it saves a mark, as its operator), where before
/// it had to be closed and opened again; a third window is then the read-only one, its W refused, naming the
/// window that writes (its operator, since when) as the others are told. A window that saw the writer close,
/// then pressed W after another took over, is told the other window has it.
#[test]
fn a_read_only_window_takes_over_once_the_writer_has_closed() {
    use canbao::store::lock::DriveLock;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("drive.db");
    let window = |path: &std::path::Path, operator: &str| {
        let mut app = App::new(
            Store::open_read_only(path).expect("read-only"),
            &canbao::tui::Options { read_only_for_another_window: true, ..options(Language::Zh, Some(operator)) },
        )
        .expect("app");
        app.update(Action::Resize(80, 24));
        app
    };
    let lock = DriveLock::acquire(&path, "张老师").expect("lock");
    let mut store = Store::open(&path).expect("store");
    canbao::demo::load_sample(&mut store).expect("sample");
    let mut writer = App::new(store, &options(Language::Zh, Some("张老师"))).expect("app");
    writer.hold_drive_lock(lock);
    let mut reader = window(&path, "李老师");
    let mut other = window(&path, "王老师");
    assert!(reader.store.is_read_only() && !screen(&reader).contains("接管修改"), "{}", screen(&reader));

    reader.update(Action::TakeOver);
    assert!(reader.store.is_read_only(), "the writer is still there");
    let said = reader.status.as_ref().expect("said").text.clone();
    assert!(said.contains("张老师 的窗口仍在修改数据文件（") && said.contains(" 起）"), "{said}");

    // A window opened --read-only by choice beside them is never offered the writing, nor takes it.
    let mut chosen = App::new(Store::open_read_only(&path).expect("read-only"), &options(Language::Zh, Some("钱老师")))
        .expect("app");
    chosen.update(Action::Resize(80, 24));

    drop(writer);
    chosen.update(Action::Tick);
    assert!(!screen(&chosen).contains("W 接管修改"), "{}", screen(&chosen));
    chosen.update(Action::TakeOver);
    assert!(chosen.store.is_read_only(), "{:?}", chosen.status);
    assert!(chosen.status.as_ref().is_some_and(|s| s.text.contains("--read-only")), "{:?}", chosen.status);
    drop(chosen);
    for app in [&mut reader, &mut other] {
        app.update(Action::Tick);
        let shown = screen(app);
        assert!(shown.contains("按 W 接管修改") && shown.contains("W 接管修改"), "{shown}");
    }
    reader.update(Action::TakeOver);
    assert!(!reader.store.is_read_only(), "{:?}", reader.status);
    assert!(reader.status.as_ref().is_some_and(|s| s.text.contains("已接管")), "{:?}", reader.status);
    assert!(!screen(&reader).contains("W 接管修改"), "{}", screen(&reader));

    // A mark saved in the drive file, as the window's operator.
    let id = reader.selected_id().expect("a pupil");
    let before = reader.store.student(id).expect("pupil").enrollment;
    reader.update(Action::Enrollment);
    reader.update(Action::Down);
    reader.update(Action::Confirm);
    let seen = Store::open_read_only(&path).expect("read");
    let after = seen.student(id).expect("pupil");
    assert_ne!(after.enrollment, before, "{:?}", reader.status);
    let history = seen.history(id).expect("history");
    assert!(history.iter().any(|e| e.field == "enrollment" && e.operator == "李老师"), "{history:?}");
    drop(seen);

    // The window that saw the writer close too: another took over first.
    other.update(Action::TakeOver);
    assert!(other.store.is_read_only());
    let said = other.status.as_ref().expect("said").text.clone();
    assert!(said.contains("李老师 已先接管"), "{said}");

    // A third window is read-only, its W refused while this one writes.
    assert!(matches!(DriveLock::acquire(&path, "赵老师"), Err(canbao::store::StoreError::InUse { .. })));
    let mut third = window(&path, "赵老师");
    third.update(Action::TakeOver);
    assert!(third.store.is_read_only());
    let said = third.status.as_ref().expect("said").text.clone();
    // Which window, as the second window is told: the one that took over, by its operator, and since when.
    assert!(said.contains("李老师 的窗口仍在修改数据文件（") && said.contains(" 起）"), "{said}");
}

/// At 80x24 a long note comes after the amount due and the cover dates on the detail screen, so they are on its
/// first page, where before the note above them pushed them below the pane; the rest of the note goes on in the
/// history's pane. Its history entry is wrapped whole, a page at a time as PgDn turns them, where before it was
/// cut at a quarter of the column behind 「..」 and the rest of the note was read nowhere.
#[test]
fn a_long_note_leaves_the_amount_due_on_the_first_page_and_its_history_whole() {
    let config = tempfile::tempdir().expect("config");
    std::fs::create_dir_all(config.path().join("policies")).expect("dir");
    std::fs::write(
        config.path().join("policies/plain-2027.toml"),
        r#"
title = "测试市2027年度"
document = "测试〔2026〕1号"
insured_year = 2027
personal_premium = 400
[[window]]
name = "集中缴费期"
from = 2026-09-01
to = 2027-02-28
clause = "一(二)"
coverage = "year"
"#,
    )
    .expect("policy");
    for lang in [Language::Zh, Language::En] {
        let mut store = store(true);
        store.set_meta(canbao::tui::POLICY_META_KEY, "plain-2027").expect("meta");
        let options = Options { config_dir: Some(config.path().to_owned()), ..options(lang, Some("测试")) };
        let mut app = App::new(store, &options).expect("app");
        app.update(Action::Resize(80, 24));
        let note: String = (1..=24).map(|i| format!("第{i}次电话家长未接，")).collect::<String>() + "完";
        app.update(Action::EditNote);
        type_text(&mut app, &note);
        app.update(Action::Confirm);
        app.update(Action::OpenDetail);
        let first = screen(&app);
        let (due, cover) = match lang {
            Language::Zh => ("应缴金额", "待遇期"),
            Language::En => ("Amount due", "Cover dates"),
        };
        assert!(line_starting(&first, due).contains("400"), "{first}");
        assert!(line_starting(&first, cover).contains("2027-"), "{first}");
        insta::assert_snapshot!(format!("detail_long_note_80x24_{}", lang_name(lang)), first);
        let mut pages = vec![first.clone()];
        for _ in 0..20 {
            app.update(Action::HistoryOlder);
            let page = screen(&app);
            if pages.last() == Some(&page) {
                break;
            }
            pages.push(page);
        }
        assert!(pages.iter().all(|p| !p.contains("..")), "nothing cut: {}", pages.join("\n"));
        // The history's entry of the note, read over its pages: every character of the note, once the rows and
        // the line saying it goes on are taken out.
        let continues = match lang {
            Language::Zh => "（此条未完，按 PgDn 看下文）",
            Language::En => "(continued: PgDn shows the rest)",
        };
        let heading = match lang {
            Language::Zh => " 修改记录",
            Language::En => " History",
        };
        let read: String = pages
            .iter()
            .flat_map(|p| {
                p.lines().skip_while(|l| !l.starts_with(heading)).skip(1).take_while(|l| !l.trim().is_empty())
            })
            .filter(|l| !l.contains(continues))
            .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
            .collect();
        assert!(read.matches(&note as &str).count() >= 1, "{}", pages.join("\n"));
        let entry_pages = pages.iter().filter(|p| p.contains(continues)).count();
        assert!(entry_pages >= 1, "the entry goes on over pages: {}", pages.join("\n"));
        insta::assert_snapshot!(
            format!("detail_long_note_history_80x24_{}", lang_name(lang)),
            pages.iter().find(|p| p.contains(continues)).expect("a page of the entry")
        );
    }
}

/// A tax list changed on disk between its preview and Enter (a cell fixed in WPS and saved, a newer download under
/// the same name) is not applied: nothing is reconciled and the screen says to preview it again, as an import's
/// list changed after its preview is refused; where before Enter applied the list as it then was, unseen.
#[test]
fn a_tax_list_changed_after_its_preview_is_not_applied() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(Language::Zh);
    let tax = dir.path().join("tax.csv");
    std::fs::write(&tax, "姓名,证件号码,缴费金额,缴费日期\n孙语,450203201909308803,380,2026-09-12\n").expect("write");
    let lines = tax_list_previewed(&mut app, &tax);
    assert!(lines.iter().any(|l| l.contains("380 元")), "{lines:?}");
    std::fs::write(&tax, "姓名,证件号码,缴费金额,缴费日期\n孙语,450203201909308803,100,2026-09-12\n").expect("write");
    app.update(Action::Confirm);
    finish_job(&mut app);
    let sun = app.store.students(&Default::default()).expect("list");
    let sun = sun.iter().find(|s| s.id_number == "450203201909308803").expect("孙语");
    assert_eq!(sun.payment, PaymentStatus::Unpaid, "{}", screen(&app));
    assert!(screen(&app).contains("预览之后文件已被修改"), "{}", screen(&app));
}

/// A tax list's preview names the pupils it changes first, then the rows that name no pupil: on a list holding
/// many strangers' payments (a county's list, another school's rows) the pupils are not pushed out of sight below
/// them, as they were when every row nobody holds came before the pupils.
#[test]
fn a_tax_list_preview_names_its_pupils_before_the_rows_that_name_no_pupil() {
    let dir = tempfile::tempdir().expect("dir");
    let tax = dir.path().join("tax.csv");
    std::fs::write(
        &tax,
        "姓名,证件号码,缴费金额,缴费日期\n外校甲,110105201801010115,380,2026-09-12\n\
         孙语,450203201909308803,380,2026-09-12\n",
    )
    .expect("write");
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        let lines = tax_list_previewed(&mut app, &tax);
        let at =
            |what: &str| lines.iter().position(|l| l.contains(what)).unwrap_or_else(|| panic!("{what}: {lines:?}"));
        assert!(at("孙语") < at("外校甲"), "{lines:?}");
    }
}

/// Two windows read-only behind a writer that closes: both offer taking over, each naming its own key (one window's
/// keymap binds it to Ctrl-t, and says so, where the text named W whatever the key). Once one has taken over,
/// the other says on its next look who writes the drive now and offers the key no more, where before it went on
/// saying 「按 W 接管修改」 and listing the key, which then only said another window was first.
#[test]
fn a_window_beside_one_that_took_over_offers_it_no_more_and_says_who_writes() {
    use canbao::store::lock::DriveLock;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("drive.db");
    let config = tempfile::tempdir().expect("config");
    std::fs::write(config.path().join("keymap.toml"), "[roster]\n\"W\" = \"none\"\n\"ctrl-t\" = \"take_over\"\n")
        .expect("keymap");
    let window = |operator: &str, config: Option<PathBuf>| {
        let options =
            Options { read_only_for_another_window: true, config_dir: config, ..options(Language::Zh, Some(operator)) };
        let mut app = App::new(Store::open_read_only(&path).expect("read-only"), &options).expect("app");
        app.update(Action::Resize(80, 24));
        app
    };
    let lock = DriveLock::acquire(&path, "张老师").expect("lock");
    let mut store = Store::open(&path).expect("store");
    canbao::demo::load_sample(&mut store).expect("sample");
    let mut writer = App::new(store, &options(Language::Zh, Some("张老师"))).expect("app");
    writer.hold_drive_lock(lock);
    let mut reader = window("李老师", None);
    let mut other = window("王老师", Some(config.path().to_owned()));
    drop(writer);
    reader.update(Action::Tick);
    other.update(Action::Tick);
    assert!(screen(&reader).contains("按 W 接管修改"), "{}", screen(&reader));
    let shown = screen(&other);
    assert!(shown.contains("按 Ctrl-t 接管修改") && shown.contains("Ctrl-t 接管修改"), "{shown}");
    assert!(!shown.contains("按 W"), "{shown}");

    reader.update(Action::TakeOver);
    assert!(!reader.store.is_read_only(), "{:?}", reader.status);
    other.update(Action::Tick);
    let shown = screen(&other);
    assert!(shown.contains("李老师 已接管修改"), "{shown}");
    assert!(!shown.contains("接管修改 ") && !shown.contains("按 Ctrl-t"), "{shown}");
    // Said once: the operator's next key clears it, and no look says it again.
    other.update(Action::Down);
    other.update(Action::Tick);
    assert!(!screen(&other).contains("已接管修改"), "{}", screen(&other));
}

/// A window started with --accept-clock, its clock behind the drive's newest change, takes over the writing when
/// its writer closes, where before the take-over refused the clock the start had accepted; a window started
/// without it is refused, as at start.
#[test]
fn a_window_that_accepted_the_clock_takes_over_behind_it() {
    use canbao::store::lock::DriveLock;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("drive.db");
    let window = |operator: &str, accept_clock: bool| {
        let options =
            Options { read_only_for_another_window: true, accept_clock, ..options(Language::Zh, Some(operator)) };
        let mut app = App::new(Store::open_read_only(&path).expect("read-only"), &options).expect("app");
        app.update(Action::Resize(80, 24));
        app
    };
    let lock = DriveLock::acquire(&path, "张老师").expect("lock");
    let mut store = Store::open(&path).expect("store");
    canbao::demo::load_sample(&mut store).expect("sample");
    // A change from a laptop set years ahead: every other laptop's clock is far behind the drive.
    store.set_fixed_clock("2099-01-04T10:35:00+08:00");
    let pupil = store.students(&Default::default()).expect("pupils")[0].id;
    store.set_enrollment(pupil, Enrollment::Elsewhere, Some("南宁市")).expect("elsewhere");
    let mut writer = App::new(store, &options(Language::Zh, Some("张老师"))).expect("app");
    writer.hold_drive_lock(lock);
    let mut refused = window("王老师", false);
    let mut accepted = window("李老师", true);
    drop(writer);
    refused.update(Action::Tick);
    accepted.update(Action::Tick);

    refused.update(Action::TakeOver);
    assert!(refused.store.is_read_only());
    let said = refused.status.as_ref().expect("said").text.clone();
    assert!(said.contains("本机时钟比数据文件最新的修改早"), "{said}");
    accepted.update(Action::TakeOver);
    assert!(!accepted.store.is_read_only(), "{:?}", accepted.status);
    assert!(accepted.status.as_ref().is_some_and(|s| s.text.contains("已接管")), "{:?}", accepted.status);
}

/// While the numbers are masked the search hint says what a number finds (the whole number, its last 4 to 6
/// digits, the birth date) and names the reveal key as the way to search any part, in a narrow window too, and
/// with the key the keymap binds; shown (`r`), it promises any part. Before, masked, it promised 「身份证号片段」,
/// which finds nobody then.
#[test]
fn the_search_hint_says_what_a_masked_number_finds() {
    let config = tempfile::tempdir().expect("config");
    std::fs::write(config.path().join("keymap.toml"), "[roster]\n\"r\" = \"none\"\n\"R\" = \"reveal\"\n")
        .expect("keymap");
    for (lang, whole, short, any_part) in [
        (
            Language::Zh,
            "整个身份证号、末4至6位或出生日期（按 R 显示号码后可查任意片段）",
            "证件号末4至6位或出生日期（R 显示后查任意片段）",
            "身份证号片段",
        ),
        (
            Language::En,
            "a whole ID number, its last 4-6 digits or birth date (R shows",
            "ID last 4-6 or birth date (R: any part)",
            "part of an ID number",
        ),
    ] {
        let options = Options { config_dir: Some(config.path().to_owned()), ..options(lang, Some("测试")) };
        let mut app = App::new(store(true), &options).expect("app");
        app.update(Action::Resize(140, 30));
        let shown = screen(&app);
        assert!(shown.contains(whole) && !shown.contains(any_part), "{shown}");
        app.update(Action::Resize(80, 24));
        let shown = screen(&app);
        assert!(shown.contains(short) && !shown.contains(any_part), "{shown}");
        app.update(Action::Reveal);
        app.update(Action::Yes);
        assert!(screen(&app).contains(any_part), "{}", screen(&app));
    }
}

/// `f` on a pupil whose category the drive's policy subsidises nothing for (事实无人抚养儿童 under yibin-2024): no
/// department pays and the family owes the premium, so the mark would count an unpaid pupil insured. Asked, No
/// first, naming the policy; No saves nothing.
#[test]
fn f_on_a_pupil_the_policy_does_not_subsidise_asks_no_first() {
    let mut store = store(true);
    in_year(&mut store, 2024);
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    let id = store.student_by_id_number("450205201603184361").expect("read").expect("郑可洁").id;
    let mark = canbao::domain::student::CategoryMark {
        name: "事实无人抚养儿童".into(),
        department: "民政".into(),
        year: None,
    };
    store.set_categories(id, &[mark]).expect("category");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(100, 24));
    app.update(Action::Search);
    type_text(&mut app, "郑可洁");
    app.update(Action::Confirm);
    assert_eq!(app.selected_id(), Some(id));
    let audit = app.store.audit_count().expect("count");
    app.update(Action::ToggleGovernment);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question") };
    assert!(
        c.question.contains("郑可洁 为事实无人抚养儿童") && c.question.contains("没有规定资助此类人员"),
        "{}",
        c.question
    );
    assert!(!c.yes, "No is the default");
    app.update(Action::Confirm);
    assert_eq!(app.store.audit_count().expect("count"), audit, "No saves nothing");
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid);
}

/// Enter in the category chooser with nothing changed says so (未更改) and writes nothing, for a pupil with no
/// category and for one with one; before, it said 已保存 and wrote the categories again.
#[test]
fn the_category_chooser_says_nothing_changed_and_writes_nothing_when_nothing_changed() {
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    let audit = |app: &App| -> i64 {
        app.store.connection().query_row("SELECT count(*) FROM audit", [], |r| r.get(0)).expect("audit")
    };
    let before = audit(&app);
    app.update(Action::Categories);
    app.update(Action::Confirm);
    let said = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(said.contains("未更改") && !said.contains("已保存"), "{said}");
    assert_eq!(audit(&app), before, "nothing written");
    // A category ticked and saved, then the chooser opened and closed with Enter as it stands.
    app.update(Action::Categories);
    app.update(Action::ToggleSelect);
    app.update(Action::Confirm);
    assert_eq!(app.store.student(id).expect("s").categories.len(), 1);
    let saved = audit(&app);
    assert!(saved > before);
    app.update(Action::Categories);
    app.update(Action::Confirm);
    let said = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(said.contains("未更改"), "{said}");
    assert_eq!(audit(&app), saved, "nothing written");
}

/// `r` on the roster asks before every ID number is shown, naming that all become visible, No by default: a
/// stray Enter keeps them masked and records no reveal; Yes shows them. Before, `r` showed them at once.
#[test]
fn turning_masking_off_on_the_roster_asks_first() {
    let mut app = app(Language::Zh);
    let pupils = app.store.students(&Default::default()).expect("pupils");
    let in_full = |app: &App| pupils.iter().filter(|p| screen(app).contains(&p.id_number)).count();
    let reveals = |app: &App| -> i64 {
        let sql = "SELECT count(*) FROM audit WHERE action = 'reveal'";
        app.store.connection().query_row(sql, [], |r| r.get(0)).expect("count")
    };
    app.update(Action::Reveal);
    let question = app.question().expect("asked first").to_owned();
    assert!(question.contains("所有学生的身份证号码都将完整可见"), "{question}");
    assert_eq!(in_full(&app), 0, "{}", screen(&app));
    app.update(Action::Confirm);
    assert!(!app.reveal && app.modal.is_none());
    assert_eq!((in_full(&app), reveals(&app)), (0, 0), "{}", screen(&app));
    app.update(Action::Reveal);
    app.update(Action::Yes);
    assert!(app.reveal && in_full(&app) > 1, "{}", screen(&app));
    assert_eq!(reveals(&app), 1);
}

/// The operator prompt refuses a file path (a drive's name pasted into it) and a text longer than a name, in red
/// and saying why, and stays open; the name typed after it is saved. Before, any text not empty was the name.
#[test]
fn the_operator_prompt_refuses_a_path_or_a_paragraph() {
    let mut app = App::new(store(true), &options(Language::Zh, None)).expect("app");
    app.update(Action::Resize(80, 24));
    for (typed, said) in [("/home/wang/参保/示范小学.db", "这像是文件路径，不是姓名"), (&*"王".repeat(31), "姓名过长")]
    {
        type_text(&mut app, typed);
        app.update(Action::Confirm);
        assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Operator(_))), "{}", screen(&app));
        let status = app.status.as_ref().expect("said");
        assert!(status.error && status.text.contains(said), "{status:?}");
        assert!(screen(&app).contains(said), "{}", screen(&app));
        assert_ne!(app.store.operator(), typed.trim());
        let Some(canbao::tui::modal::Modal::Operator(input)) = &mut app.modal else { unreachable!() };
        *input = Default::default();
    }
    type_text(&mut app, "王老师");
    app.update(Action::Confirm);
    assert_eq!(app.store.operator(), "王老师");
}

/// A window that saw the writer close, and was then told by its idle look that another window took over, names
/// that window at W (its operator, since when) as a window pressing W in the same moment is told; before, the
/// idle look's word made W say only 「另一窗口仍在修改」.
#[test]
fn take_over_after_another_window_took_over_names_that_window() {
    use canbao::store::lock::DriveLock;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("drive.db");
    let window = |path: &std::path::Path, operator: &str| {
        let mut app = App::new(
            Store::open_read_only(path).expect("read-only"),
            &canbao::tui::Options { read_only_for_another_window: true, ..options(Language::Zh, Some(operator)) },
        )
        .expect("app");
        app.update(Action::Resize(80, 24));
        app
    };
    let lock = DriveLock::acquire(&path, "张老师").expect("lock");
    let mut store = Store::open(&path).expect("store");
    canbao::demo::load_sample(&mut store).expect("sample");
    let mut writer = App::new(store, &options(Language::Zh, Some("张老师"))).expect("app");
    writer.hold_drive_lock(lock);
    let mut second = window(&path, "李老师");
    let mut third = window(&path, "赵老师");
    drop(writer);
    for app in [&mut second, &mut third] {
        app.update(Action::Tick);
        assert!(screen(app).contains("按 W 接管修改"), "{}", screen(app));
    }
    second.update(Action::TakeOver);
    assert!(!second.store.is_read_only(), "{:?}", second.status);
    // The idle look finds the drive taken and says who has it.
    third.update(Action::Tick);
    let said = third.status.as_ref().expect("said").text.clone();
    assert!(said.contains("李老师 已接管修改"), "{said}");
    third.update(Action::TakeOver);
    assert!(third.store.is_read_only());
    let said = third.status.as_ref().expect("said").text.clone();
    assert!(said.contains("李老师 已先接管（") && said.contains(" 起）"), "{said}");
}

/// At 80x24 a pupil's 户籍 warning (and the readings to confirm) stay on the detail screen's first page above a long
/// note, whose rows that do not fit go on in the history's pane, where before the note pushed the warning below
/// the pane, half of it behind PgDn. PgDn then moves through the rest by the pane's height: each page starts at
/// the row after the last one shown, none skipped or shown twice. At 120x40 nothing is cut.
#[test]
fn the_hukou_warning_stays_in_sight_above_a_long_note() {
    for (lang, warning) in [
        (Language::Zh, "身份证号码地区码不属本市，户籍待核实"),
        (Language::En, "the ID number's area code is not the city's"),
    ] {
        let mut store = store(true);
        store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
        in_year(&mut store, 2024);
        store.set_fixed_clock("2023-10-10T10:00:00+08:00");
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        app.update(Action::Search);
        type_text(&mut app, "许志文");
        app.update(Action::Confirm);
        let note: String = (1..=12).map(|i| format!("第{i}次电话家长未接，")).collect::<String>() + "完";
        app.update(Action::EditNote);
        type_text(&mut app, &note);
        app.update(Action::Confirm);
        app.update(Action::OpenDetail);
        let first = screen(&app);
        // Above the footer's two rows and the history pane's heading.
        let rows: Vec<&str> = first.lines().collect();
        let heading =
            rows.iter().position(|r| r.contains("说明（续）") || r.contains("Notes (continued)")).expect("heading");
        let above: String = rows[..heading].iter().map(|r| r.trim()).collect::<Vec<_>>().join("");
        let flat = |s: &str| s.replace(' ', "");
        assert!(flat(&above).contains(&flat(warning)), "{first}");
        if lang == Language::Zh {
            assert!(flat(&above).contains("特困人员的政府补助（001附件1四(三)）须具有本市户籍，补助待核实"), "{first}");
            insta::assert_snapshot!("detail_hukou_long_note_80x24_zh", first);
        }
        // The rest, page by page: rows of the pane under its heading.
        let pane = |s: &str| -> Vec<String> {
            let rows: Vec<&str> = s.lines().collect();
            let at = rows.iter().position(|r| r.contains("说明（续）") || r.contains("Notes (continued)"));
            at.map_or_else(Vec::new, |at| rows[at + 1..rows.len() - 2].iter().map(|r| r.to_string()).collect())
        };
        let room = pane(&first).len();
        let mut read = Vec::new();
        let mut page = first.clone();
        let mut pages = 0;
        while !pane(&page).is_empty() {
            let rows = pane(&page);
            assert_eq!(rows.len(), room, "every page of the pane is as tall: {page}");
            read.extend(rows);
            press(&mut app, KeyCode::PageDown);
            page = screen(&app);
            pages += 1;
            assert!(pages < 20, "{page}");
        }
        let read: String = read.iter().map(|r| r.trim()).collect();
        assert!(flat(&read).contains("第12次电话家长未接，完"), "the note's end, once: {read}");
        for i in 1..=12 {
            assert_eq!(flat(&read).matches(&format!("第{i}次")).count(), 1, "each row once: {read}");
        }
        // A tall window holds it all on the first page.
        app.update(Action::Resize(120, 40));
        for _ in 0..pages {
            press(&mut app, KeyCode::PageUp);
        }
        let tall = screen(&app);
        assert!(!tall.contains("说明（续）") && !tall.contains("Notes (continued)"), "{tall}");
        assert!(flat(&tall).contains(&flat(warning)) && flat(&tall).contains("第12次电话家长未接，完"), "{tall}");
    }
}

/// A tax list's preview at 80×24 in English, whose pupils changed fill the first page: the rows that name no pupil
/// (not on the roster), listed last, are counted on the first page with the key that goes to them, and End shows
/// them. Before, nothing on the first page said they were there.
#[test]
fn the_reconcile_previews_first_page_counts_the_rows_not_on_the_roster() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(Language::En);
    let day = app.store.today();
    let pupils = app.store.students(&Default::default()).expect("list");
    let mut text = "姓名,证件号码,缴费金额,缴费日期\n".to_owned();
    for s in pupils.iter().filter(|s| s.id_problem.is_none() && s.id_number.len() == 18).take(12) {
        text.push_str(&format!("{},{},380,{day}\n", s.name, s.id_number));
    }
    for (name, first17) in
        [("王小明", "45020220180501123"), ("赵六", "45020320180602456"), ("钱七", "45020220180703789")]
    {
        let number = format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()));
        text.push_str(&format!("{name},{number},380,{day}\n"));
    }
    let tax = dir.path().join("tax.csv");
    std::fs::write(&tax, text).expect("write");
    let lines = tax_list_previewed(&mut app, &tax);
    assert!(lines.iter().filter(|l| l.contains("not on the roster")).count() >= 4, "{lines:?}");
    let first = screen(&app);
    assert!(first.contains("The 3 rows not on the roster are listed last"), "{first}");
    assert!(!first.contains("王小明"), "the rows themselves are below the first page: {first}");
    insta::assert_snapshot!("reconcile_preview_strangers_counted_english", first);
    app.update(Action::Bottom);
    let last = screen(&app);
    assert!(["王小明", "赵六", "钱七"].iter().all(|name| last.contains(name)), "{last}");
}

/// `keys` as an operator types them: each `gap` milliseconds after the one before.
fn typed_at(gap: u64, keys: &str) -> Vec<Paced> {
    paced(keys).flat_map(|k| [Paced::Sleep(gap), k]).collect()
}

/// A dialog a key opened takes what the operator types into its field at once, at a person's pace (`p`, a quarter
/// of a second, then 200 typed a key every 0.15 s; `n` or `i`, then a note or a folder's path pasted), where the
/// first key closed it with 「像是误输入…没有修改学生」 unless the operator had waited half a second. Keys that come in
/// one burst (text pasted onto the roster as keys, `paid 200` or `nano x`, or a paste in the same instant as the
/// key) are still text typed astray: the dialog closes and nothing is saved. An Enter that ends such a run with no
/// pause since the key (the field filled before it could be read) saves only when pressed again after a look.
#[test]
fn keys_typed_at_a_human_pace_into_a_dialog_a_key_opened_go_into_its_field() {
    use canbao::tui::modal::Modal;
    let paste = |text: &str| Paced::Key(Event::Paste(text.to_owned()));
    // The payment form: 200 typed, then Enter, and Enter again after a look.
    let mut app = app(Language::Zh);
    let mut script = vec![Paced::Pause];
    script.extend(paced("v"));
    script.push(Paced::Pause);
    script.extend(paced("p"));
    script.extend(typed_at(150, "200\n"));
    script.push(Paced::Pause);
    script.extend(paced("\n"));
    script.push(Paced::Pause);
    let id = app.store.students(&Default::default()).expect("list")[1].id;
    run_paced(&mut app, script);
    let pupil = app.store.student(id).expect("pupil");
    assert_eq!(pupil.payment, PaymentStatus::Paid, "{}{}", status_text(&app), screen(&app));
    assert_eq!(pupil.payment_details.amount_fen, Some(20_000));
    assert!(!status_text(&app).contains("误输入"), "{}", status_text(&app));
    // A note pasted right after `n` (a person's moment later), then Enter.
    let mut app = self::app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    let script = [Paced::Pause].into_iter().chain(paced("n")).chain([Paced::Sleep(100), paste("家长下午来交")]);
    let script = script.chain(typed_at(100, "\n")).chain([Paced::Pause]).chain(paced("\n"));
    run_paced(&mut app, script.chain([Paced::Pause]));
    assert_eq!(app.store.student(id).expect("pupil").note, "家长下午来交", "{}", status_text(&app));
    // A folder's path pasted into the import's picker, and one typed fast: in its field, the picker open.
    for path in [paste("/tmp/参保名单"), Paced::Sleep(0)] {
        let typed = matches!(path, Paced::Sleep(_));
        let mut app = self::app(Language::Zh);
        let mut script: Vec<Paced> = [Paced::Pause].into_iter().chain(paced("i")).collect();
        if typed {
            script.extend(typed_at(40, "/tmp/canbao"));
        } else {
            script.extend([Paced::Sleep(100), path]);
        }
        script.push(Paced::Pause);
        // The last frame drawn before the Ctrl-c that ends the script.
        let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        run_loop(&mut terminal, &mut app, &mut PacedScript(script.into_iter().collect())).expect("loop");
        let shown = buffer_text(terminal.backend().buffer());
        let want = if typed { "/tmp/canbao" } else { "/tmp/参保名单" };
        assert!(shown.contains(want), "typed {typed}: {shown}");
        assert!(!shown.contains("误输入"), "typed {typed}: {shown}");
    }
    // Pasted onto the roster as keys, in one burst: no payment, no note.
    for text in ["paid 200\n", "nano x\n"] {
        let mut app = self::app(Language::Zh);
        run_paced(&mut app, [Paced::Pause].into_iter().chain(paced(text)).chain([Paced::Pause]));
        let pupils = app.store.students(&Default::default()).expect("list");
        assert!(pupils.iter().all(|s| s.payment == PaymentStatus::Unpaid && s.note.is_empty()), "{text}");
        assert!(app.modal.is_none(), "{text}: {}", screen(&app));
    }
    // A paste in the same instant as the `n` that opened the editor is part of the same burst.
    let mut app = self::app(Language::Zh);
    run_paced(&mut app, [Paced::Pause].into_iter().chain(paced("n")).chain([paste("ls -la")]).chain(paced("\n")));
    let pupils = app.store.students(&Default::default()).expect("list");
    assert!(pupils.iter().all(|s| s.note.is_empty()));
    assert!(!matches!(app.modal, Some(Modal::Note { .. })), "{}", screen(&app));
    // Without an event loop (keys given one by one) a key after the opener is still taken as typed on.
    let mut app = self::app(Language::Zh);
    app.report_pauses();
    app.key_in_burst(false);
    app.key_is_character(true);
    app.update(Action::TogglePaid);
    app.update(Action::Input('2'));
    assert!(matches!(app.modal, Some(Modal::Payment(_))), "typed at a person's pace: {}", screen(&app));
}

/// The export dialog's 「保存到：」 line names the file whole, its name and extension at the end of it, at 80 and at
/// 120 columns: a path longer than its two rows loses the middle of its folders ("..."), where it was cut after
/// 「…柳州市在校学生信息表-」 and the operator never saw the name written. A name the export changes (a stray `q`
/// after the extension, written as 「….xlsxq.xlsx」) is shown as written, even where the field shows it whole.
#[test]
fn the_export_line_shows_the_end_of_the_file_name() {
    use canbao::tui::modal::Modal;
    let folder = "/home/wang/参保工作/2026年秋季学期/柳州市示范小学/各班名单与导出的表格/第二批/12月7日/导出";
    let name = "柳州市示范小学-2026年度-柳州市在校学生信息表-20261123";
    for lang in [Language::Zh, Language::En] {
        for (width, height) in [(80, 24), (120, 40)] {
            for (case, typed, written) in [
                ("long", format!("{folder}/{name}.xlsx"), format!("{name}.xlsx")),
                ("stray_q", format!("/tmp/{name}.xlsxq"), format!("{name}.xlsxq.xlsx")),
            ] {
                let mut app = app(lang);
                app.update(Action::Resize(width, height));
                app.update(Action::Export);
                let Some(Modal::Path(prompt)) = &mut app.modal else { panic!("{}", screen(&app)) };
                prompt.input.set(&typed);
                let shown = screen(&app);
                let goes = match lang {
                    Language::Zh => "保存到：",
                    Language::En => "Saved to: ",
                };
                // The line's two rows, the dialog's keys under them.
                let rows: Vec<&str> = shown.lines().skip_while(|l| !l.contains(goes)).take(3).collect();
                assert!(rows.len() == 3 && rows[2].contains("Tab"), "{case} {width}: {shown}");
                // From the dialog's left edge on (the roster shows beside it at 120 columns).
                let at = unicode_width::UnicodeWidthStr::width(rows[0].split(goes).next().unwrap_or_default());
                let mut used = 0;
                let second: String = rows[1]
                    .chars()
                    .skip_while(|c| {
                        used += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
                        used <= at
                    })
                    .collect();
                let line = format!("{}{}", rows[0].split(goes).nth(1).unwrap_or_default(), second.trim());
                assert!(line.ends_with(&written), "{case} {width} {lang:?}: {line}\n{shown}");
                insta::assert_snapshot!(format!("export_goes_to_{case}_{width}x{height}_{}", lang_name(lang)), shown);
            }
        }
    }
}

/// A picture renamed as a class list (三年级1班.xlsx) ticked in the import picker with a real list is left out,
/// named, and the list imported, as an empty list ticked with it is; it refused the whole batch in the picker.
/// Ticked alone, it is refused there as before.
#[test]
fn a_picture_ticked_with_class_lists_is_left_out_and_the_rest_imported() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::fs::copy(fixtures.join("utf8_bom.csv"), dir.path().join("utf8_bom.csv")).expect("copy");
    std::fs::write(dir.path().join("三年级1班.xlsx"), b"\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01").expect("jpeg");
    let mut app = App::new(store(false), &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(100, 30));
    app.update(Action::Back);
    app.update(Action::Import);
    app.update(Action::Paste(format!("'{}'", dir.path().display())));
    app.update(Action::Confirm);
    let Some(Modal::Files(p)) = &app.modal else { panic!("no picker") };
    let names: Vec<&str> = p.entries.iter().map(|e| e.name.as_str()).collect();
    // A grade's list first, its numeral read as a number (as names with digits sort before letters).
    assert_eq!(names, ["..", "三年级1班.xlsx", "utf8_bom.csv"]);
    // Alone, the picture is refused by the picker.
    app.update(Action::Top);
    app.update(Action::Down);
    app.update(Action::Confirm);
    let Some(Modal::Files(p)) = &app.modal else { panic!("still the picker") };
    assert!(p.error.as_deref().is_some_and(|e| e.contains("这是图片，不是表格")), "{:?}", p.error);
    // Ticked with the list: the list is imported, the picture named as left out.
    app.update(Action::Input(' '));
    app.update(Action::Down);
    app.update(Action::Input(' '));
    app.update(Action::Confirm);
    finish_job(&mut app);
    let Some(Modal::ImportPreview { preview, .. }) = &app.modal else { panic!("{}", screen(&app)) };
    let said = preview.warnings.join("\n");
    assert!(said.contains("三年级1班.xlsx 未导入，其余文件照常导入：这是图片，不是表格"), "{said}");
    assert_eq!(preview.added, 10, "{preview:?}");
}

/// A payment 检查名单 lists as paid at the tax office and not recorded here is dismissed from the palette's 销项:
/// the dialog lists the payments numbered as `canbao check` numbers them, Enter with no reason dismisses nothing,
/// and with one the payment goes from 检查名单 and the pupil's history says who dismissed it and why, in either
/// language.
#[test]
fn a_kept_payment_is_dismissed_on_the_screen_with_a_reason() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    for (lang, listed, needs, done, in_history) in [
        (Language::Zh, "[1] 孙雨", "请填写销项原因", "已销项：孙雨", "原因：已核实"),
        (Language::En, "[1] 孙雨", "Type why", "Dismissed: 孙雨", "why: 已核实"),
    ] {
        let mut app = app(lang);
        app.update(Action::Resize(140, 30));
        let sun = app.store.students(&Default::default()).expect("list").into_iter().find(|s| s.name == "孙语");
        let sun = sun.expect("孙语");
        let tax = dir.path().join("tax.csv");
        std::fs::write(&tax, format!("姓名,证件号码,缴费金额,缴费日期\n孙雨,{},380,2023-10-08\n", sun.id_number))
            .expect("write");
        tax_list_previewed(&mut app, &tax);
        app.update(Action::Confirm);
        finish_job(&mut app);
        app.update(Action::Confirm);
        let kept = |app: &App| app.store.check_roster(None).expect("check").tax_paid_unrecorded.len();
        assert_eq!(kept(&app), 1);
        app.update(Action::Palette);
        type_text(&mut app, "dismiss");
        app.update(Action::Confirm);
        finish_job(&mut app);
        assert!(matches!(app.modal, Some(Modal::DismissPayment { .. })), "{}", screen(&app));
        let shown = screen(&app);
        assert!(unreferenced(&shown).contains(listed) && shown.contains("tax.csv"), "{shown}");
        app.update(Action::Confirm);
        assert!(matches!(app.modal, Some(Modal::DismissPayment { .. })), "no reason, still open");
        assert!(format!("{:?}", app.status).contains(needs), "{:?}", app.status);
        assert_eq!(kept(&app), 1, "nothing dismissed");
        type_text(&mut app, "已核实");
        app.update(Action::Confirm);
        assert!(app.modal.is_none(), "{}", screen(&app));
        assert!(format!("{:?}", app.status).contains(done), "{:?}", app.status);
        assert_eq!(kept(&app), 0);
        let history = detail_of(&mut app.store, lang, "孙语");
        assert!(history.contains(in_history) && history.contains("测试"), "{history}");
    }
}

/// A pupil's 民族 and address, from a list, are on the detail screen, the address whole however long (wrapped
/// under its label, in either language), and on no list view: the roster shows neither.
#[test]
fn the_detail_screen_shows_ethnicity_and_the_whole_address_and_the_roster_neither() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("day");
    let address = "广西壮族自治区柳州市城中区文昌路十二号文昌小区三栋二单元四零一室（靠近文昌路与三中路交叉口东北角的便利店楼上）";
    let mut store = store(false);
    let row = canbao::store::Incoming {
        ethnicity: "壮族".into(),
        address: address.into(),
        ..canbao::store::Incoming {
            school: "测试小学".into(),
            school_given: true,
            name: "陈七".into(),
            id_raw: "450203201909308803".into(),
            id: canbao::domain::id_number::check("450203201909308803", today),
            grade: "一年级".into(),
            class: "1班".into(),
            phone: String::new(),
            ethnicity: String::new(),
            address: String::new(),
            status: Default::default(),
            categories: Vec::new(),
            note: String::new(),
            source: "名单.csv:2".into(),
            repeat: None,
            birth_date: None,
            sex: None,
        }
    };
    store.apply_import(&[row], &["名单.csv".into()], 0, false).expect("imported");
    for (lang, labels) in [(Language::Zh, ["民族", "居住地址"]), (Language::En, ["Ethnicity", "Address"])] {
        let shown = detail_of(&mut store, lang, "陈七");
        assert!(line_starting(&shown, labels[0]).contains("壮族"), "{shown}");
        let at = shown.lines().position(|l| l.trim_start().starts_with(labels[1])).unwrap_or_else(|| panic!("{shown}"));
        // The address's rows: its label's and those under it, read up to the pane's border.
        let rows: String = shown
            .lines()
            .skip(at)
            .take(3)
            .map(|l| l.trim_start().trim_start_matches(labels[1]).split('│').next().unwrap_or("").trim())
            .collect();
        assert!(rows.contains(address), "{shown}");
        assert!(!shown.contains('…'), "{shown}");
    }
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(200, 30));
    let roster = screen(&app);
    assert!(roster.contains("陈七") && !roster.contains("文昌路") && !roster.contains("壮族"), "{roster}");
}

/// Keys typed before the operator's name is asked, and more of the same run arriving after it shows, are said
/// once they pause as the README says (「姓名提示出现前按下的 N 个键未作为姓名…」), all of them counted: not as keys
/// typed astray on the roster, 「…没有修改学生」, where no pupil is on screen.
#[test]
fn keys_before_the_name_prompt_are_said_as_not_the_name_once_they_pause() {
    let mut app = App::new(store(true), &options(Language::Zh, None)).expect("app");
    app.update(Action::Resize(80, 24));
    assert!(matches!(app.modal, Some(canbao::tui::modal::Modal::Operator(_))));
    // Two keys waiting as the prompt is first drawn, three more of the run after it, then the pause.
    let mut script: Vec<Paced> = paced("ls").collect();
    script.push(Paced::Pause);
    script.extend(paced(" -l"));
    script.push(Paced::Pause);
    let mut events = PacedScript(script.into_iter().collect());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    run_loop(&mut terminal, &mut app, &mut events).expect("loop");
    let said = status_text(&app);
    assert!(said.starts_with("姓名提示出现前按下的 5 个键未作为姓名"), "{said}");
    assert!(!said.contains("学生"), "{said}");
    assert_eq!(app.store.operator(), "");
}

/// Choosing on the policy screen a policy of the same city and year whose amount due is higher asks first, and
/// the question says how many payments recorded in full it would read as short (部分缴费, no longer insured):
/// before, Enter switched at once and the pupils paid 380 under a new 400 dropped out of 已参保 without a word.
#[test]
fn choosing_a_dearer_policy_says_the_payments_it_reads_as_short() {
    let mut store = store(true);
    in_year(&mut store, 2027);
    let base = canbao::domain::policy::builtin_text("yibin-2024").expect("base");
    let renewed = |name: &str, fen: i64| {
        let request = canbao::domain::policy::Renewal {
            name,
            base_name: "yibin-2024",
            base_text: base,
            year: 2027,
            premium_fen: Some(fen),
        };
        canbao::domain::policy::renew(&request, canbao::domain::category::CategoryTable::builtin()).expect("renewed")
    };
    let (cheap, dear) = (renewed("yibin-2027", 38000), renewed("yibin-2027b", 40000));
    store.keep_policy_text("yibin-2027", &cheap.text).expect("copy");
    store.keep_policy_text("yibin-2027b", &dear.text).expect("copy");
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2027").expect("meta");
    let pupils = store.students(&Default::default()).expect("list");
    let pupil = pupils.iter().find(|s| s.categories.is_empty() && s.payment == PaymentStatus::Unpaid).expect("one");
    let paid = canbao::domain::student::PaymentDetails {
        amount_fen: Some(38000),
        paid_on: Some(cheap.policy.windows[0].from),
        channel: None,
    };
    store.set_payment(pupil.id, PaymentStatus::Paid, &paid).expect("paid");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(100, 30));
    app.update(Action::Palette);
    type_text(&mut app, "policy");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Policies { list, .. }) = &app.modal else { panic!("no policy screen") };
    let at = list.iter().position(|p| p.name == "yibin-2027b").expect("listed");
    app.update(Action::Top);
    for _ in 0..at {
        app.update(Action::Down);
    }
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("not asked:\n{}", screen(&app)) };
    assert!(c.question.contains("会把 1 名学生已记录的缴费算作部分缴费"), "{}", c.question);
    assert_eq!(app.store.meta(canbao::tui::POLICY_META_KEY).expect("meta").as_deref(), Some("yibin-2027"));
}

/// `E` corrects 民族 and 居住地址 too: 民族 spelled in full (汉 is 汉族), each change audited and in the pupil's
/// history, an empty field clearing it as it clears the phone, undone by `u`; the address typed by hand is on no
/// list view, the roster included. The form's labels are in the operator's language.
#[test]
fn the_identity_form_corrects_ethnicity_and_address() {
    for (lang, labels, saved) in [
        (Language::Zh, ["民族", "居住地址"], "已保存"),
        (Language::En, ["Ethnicity", "Address"], "corrected ethnicity and address"),
    ] {
        let mut app = app(lang);
        let id = app.selected_id().expect("pupil");
        app.update(Action::OpenDetail);
        app.update(Action::EditIdentity);
        let shown = screen(&app);
        assert!(labels.iter().all(|l| shown.contains(l)), "{shown}");
        let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
        form.fields[4].set("\u{3000}汉\u{3000}");
        form.fields[5].set("柳州市城中区文昌路 12 号");
        app.update(Action::Confirm);
        assert!(app.modal.is_none(), "{}", screen(&app));
        let status = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
        assert!(status.contains(saved), "{status}");
        let s = app.store.student(id).expect("pupil");
        assert_eq!((s.ethnicity.as_deref(), s.address.as_deref()), (Some("汉族"), Some("柳州市城中区文昌路 12 号")));
        let history = app.store.history(id).expect("history");
        let edits: Vec<(&str, &str)> =
            history.iter().filter(|e| e.action == "edit").map(|e| (e.field.as_str(), e.action.as_str())).collect();
        assert_eq!(edits, [("ethnicity", "edit"), ("address", "edit")]);
        let shown = screen(&app);
        assert!(line_starting(&shown, labels[0]).contains("汉族"), "{shown}");
        // No list view shows the address: back on the roster, and wide enough for every column.
        app.update(Action::Back);
        app.update(Action::Resize(200, 30));
        let roster = screen(&app);
        assert!(!roster.contains("文昌路"), "{roster}");
        app.update(Action::Resize(80, 24));
        // Cleared with an empty field, as the phone is; then both undone.
        app.update(Action::OpenDetail);
        app.update(Action::EditIdentity);
        let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
        assert_eq!(form.fields[4].text(), "汉族");
        form.fields[5].set("");
        app.update(Action::Confirm);
        assert_eq!(app.store.student(id).expect("pupil").address, None);
        app.update(Action::Undo);
        app.update(Action::Undo);
        let s = app.store.student(id).expect("pupil");
        assert_eq!((s.ethnicity, s.address), (None, None), "{lang:?}");
    }
}

/// 检查名单 numbers the payments paid at the tax office and not recorded here as `canbao check` does; the 销项
/// dialog reads them on the job thread (the screen keeps its keys meanwhile), and the palette's 撤销销项 lists the
/// dismissed ones with who dismissed them and why, and takes one back with a reason: 检查名单 lists it again under
/// its number, and the pupil's history says so. Before, 检查名单 was not numbered, the 销项 dialog read the check on
/// the screen's thread, and only a backup restore undid a dismissal.
#[test]
fn a_dismissal_is_taken_back_on_the_screen_and_the_check_is_numbered() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("drive.db");
    let mut store = Store::open(&path).expect("store");
    store.set_fixed_clock(common::NOW);
    canbao::demo::load_sample(&mut store).expect("sample");
    let sun = store.students(&Default::default()).expect("list").into_iter().find(|s| s.name == "孙语");
    keep_payment_under_another_name(&mut store, sun.expect("孙语").id);
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(140, 30));
    let kept = |app: &App| app.store.check_roster(None).expect("check").tax_paid_unrecorded.len();
    assert_eq!(kept(&app), 1);
    let check = |app: &mut App| {
        app.update(Action::Palette);
        type_text(app, "check");
        app.update(Action::Confirm);
        finish_job(app);
        let shown = screen(app);
        app.update(Action::Back);
        shown
    };
    let shown = unreferenced(&check(&mut app));
    assert!(shown.contains("税务已缴费、名单未记入：[1] 错名字"), "{shown}");

    app.update(Action::Palette);
    type_text(&mut app, "销项：税务");
    app.update(Action::Confirm);
    assert!(matches!(app.modal, Some(Modal::Working(_))), "read on the job thread: {}", screen(&app));
    finish_job(&mut app);
    assert!(matches!(app.modal, Some(Modal::DismissPayment { .. })), "{}", screen(&app));
    type_text(&mut app, "已核实");
    app.update(Action::Confirm);
    finish_job(&mut app);
    assert_eq!(kept(&app), 0);

    app.update(Action::Palette);
    type_text(&mut app, "撤销销项");
    app.update(Action::Confirm);
    assert!(matches!(app.modal, Some(Modal::Working(_))), "{}", screen(&app));
    finish_job(&mut app);
    assert!(matches!(app.modal, Some(Modal::UndismissPayment { .. })), "{}", screen(&app));
    let shown = unreferenced(&screen(&app));
    assert!(shown.contains("[1] 错名字") && shown.contains("测试") && shown.contains("已核实"), "{shown}");
    app.update(Action::Confirm);
    assert!(matches!(app.modal, Some(Modal::UndismissPayment { .. })), "no reason, still open");
    assert!(format!("{:?}", app.status).contains("请填写撤销销项的原因"), "{:?}", app.status);
    assert_eq!(kept(&app), 0, "nothing taken back");
    type_text(&mut app, "销错了");
    app.update(Action::Confirm);
    finish_job(&mut app);
    assert!(app.modal.is_none(), "{}", screen(&app));
    assert!(
        unreferenced(&format!("{:?}", app.status)).contains("已撤销销项，重新列出：[1] 错名字"),
        "{:?}",
        app.status
    );
    assert_eq!(kept(&app), 1);
    let shown = unreferenced(&check(&mut app));
    assert!(shown.contains("税务已缴费、名单未记入：[1] 错名字"), "{shown}");
    let history = detail_of(&mut app.store, Language::Zh, "孙语");
    assert!(history.contains("撤销销项（原因：销错了），重新列出"), "{history}");
    // None dismissed: said, no dialog.
    app.update(Action::Palette);
    type_text(&mut app, "撤销销项");
    app.update(Action::Confirm);
    finish_job(&mut app);
    assert!(app.modal.is_none() && format!("{:?}", app.status).contains("没有已销项的缴费"), "{:?}", app.status);
}

/// A shell command typed into the merge's preview (`ls⏎`, the window taken for a terminal) applies nothing: its
/// letters make the run text typed astray, so its Enter is ignored until a pause, where that Enter merged the other
/// laptop's changes unread. `j` still scrolls, and after a look Enter merges.
#[test]
fn a_command_typed_into_a_preview_applies_nothing() {
    use canbao::tui::modal::Modal;
    for lang in [Language::Zh, Language::En] {
        let dir = tempfile::tempdir().expect("dir");
        let ours_path = dir.path().join("ours.db");
        let theirs_path = dir.path().join("theirs.db");
        let mut ours = Store::open(&ours_path).expect("store");
        canbao::demo::load_sample(&mut ours).expect("sample");
        ours.backup_to(&theirs_path).expect("copy");
        let mut theirs = Store::open(&theirs_path).expect("theirs");
        theirs.set_operator("另一台").expect("operator");
        let pupil = theirs.students(&Default::default()).expect("list")[0].clone();
        theirs.set_payment(pupil.id, PaymentStatus::Government, &Default::default()).expect("mark");
        drop(theirs);
        let mut app = App::new(ours, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(80, 24));
        app.update(Action::Palette);
        type_text(&mut app, "merge");
        app.update(Action::Confirm);
        type_text(&mut app, &theirs_path.display().to_string());
        app.update(Action::Confirm);
        finish_job(&mut app);
        assert!(matches!(app.modal, Some(Modal::MergePreview { .. })), "{}", screen(&app));
        app.report_pauses();
        app.key_in_run(false);
        press(&mut app, KeyCode::Char('j'));
        assert!(!app.typing_astray(), "j scrolls the preview");
        app.typing_paused();
        app.key_in_run(false);
        for code in [KeyCode::Char('l'), KeyCode::Char('s'), KeyCode::Enter] {
            app.key_in_run(true);
            press(&mut app, code);
        }
        assert!(app.jobs.running().is_none(), "{lang:?}: nothing started\n{}", screen(&app));
        assert!(matches!(app.modal, Some(Modal::MergePreview { .. })), "{lang:?}: the preview stays\n{}", screen(&app));
        assert_eq!(app.store.student(pupil.id).expect("s").payment, PaymentStatus::Unpaid, "{lang:?}: not merged");
        let said = if lang == Language::Zh { "「l」在预览中无用" } else { "\"l\" has no use in a preview" };
        assert!(status_text(&app).starts_with(said), "{lang:?}: {}", status_text(&app));
        // The first Enter after the letters, however late, applies nothing: a slow typist's 「l s ⏎」 paused
        // between each key. The next one applies.
        app.typing_paused();
        app.key_in_run(false);
        press(&mut app, KeyCode::Enter);
        assert!(app.jobs.running().is_none(), "{lang:?}: the Enter after the letters applies nothing");
        assert_eq!(app.store.student(pupil.id).expect("s").payment, PaymentStatus::Unpaid, "{lang:?}: not merged");
        let said = if lang == Language::Zh {
            "未应用：此前在预览中输入过字母"
        } else {
            "Not applied: letters were typed"
        };
        assert!(status_text(&app).starts_with(said), "{lang:?}: {}", status_text(&app));
        app.typing_paused();
        app.key_in_run(false);
        press(&mut app, KeyCode::Enter);
        finish_job(&mut app);
        assert_eq!(app.store.student(pupil.id).expect("s").payment, PaymentStatus::Government, "{lang:?}: merged");
    }
}

/// A day typed into the payment form's date replaces today's, filled in, as a typed amount replaces the quote:
/// 「2026/9/1」 typed read 「2026-12-072026/9/1」 and Enter said the date was malformed. Once the caret is moved
/// into it, a key types where the caret is.
#[test]
fn a_day_typed_over_the_filled_in_date_replaces_it() {
    use canbao::tui::modal::{Modal, PaymentField};
    let mut app = app_on_policy(with_part_payments(&[]));
    find_pupil(&mut app, "孙语");
    app.update(Action::TogglePaid);
    let Some(Modal::Payment(form)) = &mut app.modal else { panic!("the form") };
    form.focus = PaymentField::Date;
    let today = form.date.text().to_owned();
    type_text(&mut app, "2026/9/1");
    let Some(Modal::Payment(form)) = &app.modal else { panic!("the form") };
    assert_eq!(form.date.text(), "2026/9/1");
    app.update(Action::Back);
    app.update(Action::TogglePaid);
    let Some(Modal::Payment(form)) = &mut app.modal else { panic!("the form") };
    form.focus = PaymentField::Date;
    app.update(Action::Bottom);
    app.update(Action::Backspace);
    type_text(&mut app, "9");
    let Some(Modal::Payment(form)) = &app.modal else { panic!("the form") };
    assert_eq!(form.date.text(), format!("{}9", &today[..today.len() - 1]));
}

/// The batch template's two files (参保 and 未参保): once 导出完成 is closed, the status line says two files were
/// written and where, in both languages, where it named the first file alone as if it were the export.
#[test]
fn the_status_line_after_a_two_file_export_names_both() {
    for (lang, said) in [(Language::Zh, "已导出 2 个文件到："), (Language::En, "Exported 2 files to: ")] {
        let dir = tempfile::tempdir().expect("dir");
        let mut app = app(lang);
        app.start_form_export(canbao::tui::palette::Form::Template, dir.path().to_owned());
        let files = std::fs::read_dir(dir.path()).expect("dir").count();
        assert_eq!(files, 2, "{lang:?}: the sample's template is two files");
        app.update(Action::Confirm);
        assert!(app.modal.is_none(), "{lang:?}: {}", screen(&app));
        assert!(status_text(&app).starts_with(said), "{lang:?}: {}", status_text(&app));
    }
}

/// A tax list previewed as matching a pupil, whose real run finds it matches none (the pupil's number corrected
/// since): the run is refused as `canbao reconcile` refuses it without `--keep-unmatched`, and the screen said that
/// refusal naming the command line. It shows the preview again, whose Enter asks the question the flag answers.
#[test]
fn a_tax_list_matching_nobody_by_its_run_asks_in_the_screen_instead_of_naming_a_flag() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(Language::Zh);
    let sun =
        app.store.students(&Default::default()).expect("list").into_iter().find(|s| s.name == "孙语").expect("孙语");
    let tax = dir.path().join("tax.csv");
    std::fs::write(&tax, format!("姓名,证件号码,缴费金额,缴费日期\n孙语,{},380,2023-10-08\n", sun.id_number))
        .expect("write");
    tax_list_previewed(&mut app, &tax);
    let set = "UPDATE students SET id_number = '110105201801010115', name = '陈宁涵' WHERE id = ?1";
    assert_eq!(app.store.connection().execute(set, [sun.id]).expect("update"), 1);
    let audit = app.store.audit_count().expect("audit");
    app.update(Action::Confirm);
    finish_job(&mut app);
    let shown = screen(&app);
    let Some(Modal::ReconcilePreview { ask: Some(asked), .. }) = &app.modal else { panic!("{shown}") };
    assert!(asked.contains("像是另一所学校的名单"), "{asked}");
    assert!(!shown.contains("命令行") && !shown.contains("--keep-unmatched"), "{shown}");
    assert_eq!(app.store.audit_count().expect("audit"), audit, "nothing kept");
    app.update(Action::Confirm);
    app.update(Action::Yes);
    finish_job(&mut app);
    assert!(app.store.audit_count().expect("audit") > audit, "kept on Yes");
}

/// A list naming the drive's school short (示范小学 on a drive of 柳州市示范小学), its pupils held already: the
/// preview's lines say what Enter does (all into the drive's school, nobody moved), and after Tab what importing
/// as written does (the pupils moved to a new school), where they said the Tab alternative under Enter's title.
#[test]
fn the_school_join_preview_says_what_enter_does() {
    use canbao::tui::modal::Modal;
    let number = |i: usize| {
        let first17 = format!("45020320190101{i:03}");
        format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()))
    };
    let dir = tempfile::tempdir().expect("dir");
    let full = dir.path().join("全校名单.csv");
    let short = dir.path().join("五年级.csv");
    std::fs::write(&full, format!("学校,姓名,身份证号码,年级,班级\n柳州市示范小学,王明,{},五年级,1班\n", number(1)))
        .expect("list");
    std::fs::write(&short, format!("学校,姓名,身份证号码,年级,班级\n示范小学,王明,{},五年级,1班\n", number(1)))
        .expect("list");
    let mut store = Store::open(&dir.path().join("drive.db")).expect("store");
    store.set_fixed_clock(NOW);
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(120, 40));
    app.modal = None;
    app.start_import_files(vec![full]);
    finish_job(&mut app);
    press(&mut app, KeyCode::Enter);
    finish_job(&mut app);
    app.modal = None;
    app.start_import(short);
    finish_job(&mut app);
    let Some(Modal::ImportPreview { join, .. }) = &app.modal else { panic!("{}", screen(&app)) };
    assert!(join.as_ref().is_some_and(|j| j.join), "{}", screen(&app));
    let shown = screen(&app);
    assert!(shown.contains("将全部导入「柳州市示范小学」"), "{shown}");
    assert!(!shown.contains("转到") && !shown.contains("新学校"), "Enter moves nobody:\n{shown}");
    press(&mut app, KeyCode::Tab);
    let apart = screen(&app);
    assert!(apart.contains("转到"), "as written, the pupil is moved:\n{apart}");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Enter);
    finish_job(&mut app);
    assert_eq!(app.store.schools().expect("schools"), ["柳州市示范小学"], "{}", screen(&app));
}

/// A read-only window following the writer holds, after each kind of save, the roster a window opened afresh reads:
/// one pupil marked, many marked in one save (applied in place), and a change that moves pupils (read again whole
/// on a worker).
#[test]
fn a_following_window_holds_what_a_fresh_window_reads_after_each_kind_of_save() {
    let (_dir, path, mut app) = read_only_app(Language::Zh);
    let fresh_rows = |app: &App| {
        let mut store = Store::open_read_only(&path).expect("fresh");
        store.set_fixed_clock(NOW);
        let mut fresh = canbao::tui::roster::RosterData::load(&store).expect("load").rows;
        let mut ours = app.data.rows.clone();
        for rows in [&mut fresh, &mut ours] {
            rows.sort_by_key(|r| r.id);
            // Part payments are marked by the window under its policy, not by the roster's read.
            rows.iter_mut().for_each(|r| r.part_paid = false);
        }
        (ours, fresh)
    };
    let follow = |app: &mut App| {
        app.update(Action::Tick);
        let started = std::time::Instant::now();
        while app.follow_loading() && started.elapsed() < std::time::Duration::from_secs(30) {
            std::thread::sleep(std::time::Duration::from_millis(5));
            app.update(Action::Tick);
        }
    };
    let ids: Vec<i64> = app.data.rows.iter().map(|r| r.id).collect();
    let mut writer = Store::open(&path).expect("writer");
    writer.set_fixed_clock(NOW);

    writer.set_enrollment(ids[0], Enrollment::Elsewhere, None).expect("mark");
    follow(&mut app);
    let (ours, fresh) = fresh_rows(&app);
    assert_eq!(ours, fresh, "one pupil marked");

    let here = || vec![canbao::store::Change::Enrollment { status: Enrollment::Here, reason: None }];
    let batch: Vec<_> = ids.iter().skip(1).take(10).map(|&id| (id, here())).collect();
    writer.apply_changes("mark", &batch, Default::default()).expect("batch");
    follow(&mut app);
    let (ours, fresh) = fresh_rows(&app);
    assert_eq!(ours, fresh, "a batch marked in one save");

    let school = writer.schools().expect("schools").remove(0);
    writer.rename_school(&school, "另一所学校").expect("rename");
    follow(&mut app);
    let (ours, fresh) = fresh_rows(&app);
    assert_eq!(ours, fresh, "pupils moved");
    assert_eq!(app.schools, writer.schools().expect("schools"), "the schools listed again");
}

/// A payment of the tax office's list kept unrecorded as `record` (for `pupil`'s id and number, or nobody's).
fn keep_tax_payment(
    store: &mut Store,
    pupil: Option<(i64, &str)>,
    record: canbao::domain::unapplied::UnappliedPayment,
) {
    use canbao::domain::unapplied::KeptPayment;
    let (student_id, id_number) = pupil.map_or((None, String::new()), |(id, n)| (Some(id), n.to_owned()));
    let kept = canbao::store::Unapplied {
        always: vec![KeptPayment { student_id, id_number, record }],
        if_refused: Vec::new(),
    };
    store
        .apply_reconciliation("reconcile", &[], &[], &kept, &[], canbao::store::ChangeOptions::default())
        .expect("keep");
}

/// A row of the tax office's list as kept unrecorded for `reason`: 350 元 on 2026-11-21, the list's second row.
fn tax_row(
    store: &Store,
    name: &str,
    reason: canbao::domain::unapplied::UnappliedReason,
) -> canbao::domain::unapplied::UnappliedPayment {
    canbao::domain::unapplied::UnappliedPayment {
        year: store.shown_year(),
        ..canbao::domain::unapplied::UnappliedPayment::for_test(
            name,
            35_000,
            chrono::NaiveDate::from_ymd_opt(2026, 11, 21),
            ("tax1.xlsx", 2),
            reason,
        )
    }
}

/// 检查名单's lines as the palette's 检查名单 shows them, one a line (unwrapped); the report closed afterwards.
fn checked_on_screen(app: &mut App) -> String {
    app.update(Action::Palette);
    type_text(app, "check");
    app.update(Action::Confirm);
    finish_job(app);
    let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("no report: {:?}", app.status) };
    let shown = m.lines.join("\n");
    app.update(Action::Back);
    shown
}

/// A tax row without an ID number is listed by 检查名单 as its name and amount, 「无号生，350 元」, in either language:
/// no space is left where the number would be. Before, it read 「无号生 ，350 元」.
#[test]
fn a_tax_row_without_a_number_is_listed_without_a_stray_space() {
    use canbao::domain::unapplied::UnappliedReason;
    for (lang, listed) in [(Language::Zh, "无号生，350 元，2026-11-21"), (Language::En, "无号生, 350 yuan, 2026-11-21")]
    {
        let mut app = app(lang);
        let record = tax_row(&app.store, "无号生", UnappliedReason::NoNumber);
        keep_tax_payment(&mut app.store, None, record);
        let shown = checked_on_screen(&mut app);
        assert!(shown.contains(listed), "{lang:?}: {shown}");
    }
}

/// 检查名单's advice for a receipt under two payers names the screen's own way to dismiss it, the palette's 销项 by
/// its key, in either language; `canbao check` keeps naming its command line. Before, the screen said
/// 「canbao check --dismiss 编号 --why 说明」, a command its operator has no shell for.
#[test]
fn the_check_on_screen_names_the_palettes_dismissal_for_a_repeated_receipt() {
    use canbao::domain::unapplied::{EarlierRow, UnappliedPayment, UnappliedReason};
    for (lang, way) in [
        (Language::Zh, "核实后在命令面板（:）中选「销项：税务已缴费、名单未记入」"),
        (Language::En, "\"Dismiss a payment paid at the tax office, not recorded here\" in the command palette (:)"),
    ] {
        let mut app = app(lang);
        let earlier = EarlierRow { name: "周静露".into(), id_number: String::new(), sheet: String::new(), row: 2 };
        let record = UnappliedPayment {
            receipt: Some("R-001".into()),
            earlier: Some(earlier),
            row: 3,
            ..tax_row(&app.store, "吴凯远", UnappliedReason::RepeatedReceipt)
        };
        assert!(record.advice(false).contains("canbao check --dismiss"), "the command line's words stay");
        keep_tax_payment(&mut app.store, None, record);
        let shown = checked_on_screen(&mut app);
        assert!(shown.contains("吴凯远"), "{lang:?}: {shown}");
        assert!(!shown.contains("canbao check"), "{lang:?}: {shown}");
        assert!(shown.contains(way), "{lang:?}: {shown}");
    }
}

/// The first 检查名单 after the upgrade to fixed numbers numbered an older drive's kept payments anew says the
/// numbers changed, once. Before, nothing on the screen said so.
#[test]
fn the_first_check_on_screen_after_the_upgrade_to_fixed_numbers_says_they_changed_once() {
    use canbao::domain::unapplied::UnappliedReason;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("drive.db");
    let mut store = Store::open(&path).expect("store");
    store.set_fixed_clock(common::NOW);
    canbao::demo::load_sample(&mut store).expect("sample");
    let record = tax_row(&store, "无号生", UnappliedReason::NoNumber);
    keep_tax_payment(&mut store, None, record);
    drop(store);
    // As a canbao of schema 14 left it: no fixed numbers.
    let conn = rusqlite::Connection::open(&path).expect("open");
    conn.execute_batch("DROP TRIGGER audit_kept_number; DROP TABLE kept_numbers; PRAGMA user_version = 14;")
        .expect("older");
    drop(conn);
    let store = Store::open(&path).expect("upgraded");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    let changed = "编号已改为记入时的固定编号";
    let shown = checked_on_screen(&mut app);
    assert!(unreferenced(&shown).contains("[1] 无号生") && shown.contains(changed), "{shown}");
    let shown = checked_on_screen(&mut app);
    assert!(unreferenced(&shown).contains("[1] 无号生") && !shown.contains(changed), "said once: {shown}");
}

/// Confirming the 销项 dialog (and the 撤销销项 one) dismisses on the job thread, as its list was read: the screen
/// shows the work under way and keeps its keys, and the payment goes once the job is done, said in the status line.
/// Before, the kept payments' whole log was read on the screen's thread at the Enter.
#[test]
fn a_dismissal_is_written_on_the_job_thread() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("drive.db");
    let mut store = Store::open(&path).expect("store");
    store.set_fixed_clock(common::NOW);
    canbao::demo::load_sample(&mut store).expect("sample");
    let sun = store.students(&Default::default()).expect("list").into_iter().find(|s| s.name == "孙语");
    keep_payment_under_another_name(&mut store, sun.expect("孙语").id);
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(140, 30));
    let kept = |app: &App| app.store.check_roster(None).expect("check").tax_paid_unrecorded.len();
    for (command, reason, after, said) in
        [("销项：税务", "已核实", 0, "已销项：错名字"), ("撤销销项", "销错了", 1, "已撤销销项，重新列出：[1] 错名字")]
    {
        let before = kept(&app);
        app.update(Action::Palette);
        type_text(&mut app, command);
        app.update(Action::Confirm);
        finish_job(&mut app);
        assert!(matches!(app.modal, Some(Modal::DismissPayment { .. } | Modal::UndismissPayment { .. })));
        type_text(&mut app, reason);
        app.update(Action::Confirm);
        assert!(matches!(app.modal, Some(Modal::Working(_))), "on the job thread: {}", screen(&app));
        finish_job(&mut app);
        assert_ne!(before, after, "{command}");
        assert_eq!(kept(&app), after, "{command}");
        assert!(app.modal.is_none(), "{}", screen(&app));
        assert!(unreferenced(&format!("{:?}", app.status)).contains(said), "{:?}", app.status);
    }
}

/// 许志文 (特困人员, 民政) under Liuzhou's 2023 policy, which sends such pupils back to the department that approved
/// the benefit to enroll (000 附件二(五)): the detail screen's amount due is 0 at school with that department
/// named, the notice's figures for paying at school only in the rule, said as such; `p` proposes no amount, says
/// the same first, and Enter with none asks for the amount paid here all the same. Before, both led with the
/// family's whole premium (350 元) as owed at school. A pupil enrolled at school all the same is quoted as before.
#[test]
fn a_pupil_the_policy_enrolls_away_from_school_is_quoted_nothing_at_school() {
    use canbao::tui::modal::Modal;
    let (due_zh, due_en) = (
        "0 元：特困人员应回待遇审批的主管部门（民政）办理参保登记，本校不收取",
        "0 yuan: 特困人员 enrolls through the department that approved the benefit (民政), nothing collected at school",
    );
    for lang in [Language::Zh, Language::En] {
        let (label, lead, due, rule, type_it) = match lang {
            Language::Zh => ("应缴金额", "0 元：特困人员", due_zh, "仍在本校参保时：", "仍在本校缴费的，请输入金额"),
            Language::En => {
                ("Amount due", "0 yuan: 特困人员", due_en, "If enrolled at school all the same: ", "type the amount")
            }
        };
        let mut store = store(true);
        store.set_fixed_clock("2022-10-08T10:00:00+08:00");
        store.set_meta(canbao::tui::POLICY_META_KEY, "liuzhou-2023").expect("meta");
        in_year(&mut store, 2023);
        let shown = detail_of(&mut store, lang, "许志文");
        let line = line_starting(&shown, label);
        assert!(line.contains(lead) && !line.contains("350"), "{lang:?}: {line}\n{shown}");
        let (flat, want): (String, String) = (shown.split_whitespace().collect(), due.split_whitespace().collect());
        assert!(flat.contains(&want), "{lang:?}:\n{shown}");
        assert!(shown.contains(rule), "{lang:?}: the notice's figures said as paying at school\n{shown}");

        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(120, 30));
        let id = find_pupil(&mut app, "许志文");
        app.update(Action::TogglePaid);
        let Some(Modal::Payment(form)) = &app.modal else { panic!("{lang:?}: the form\n{}", screen(&app)) };
        assert_eq!(form.amount.text(), "", "{lang:?}: no amount proposed");
        assert!(form.warning.as_deref().is_some_and(|w| w.starts_with(due)), "{lang:?}: {:?}", form.warning);
        assert!(form.note.as_deref().is_some_and(|n| n.starts_with(rule)), "{lang:?}: {:?}", form.note);
        app.update(Action::Confirm);
        let Some(Modal::Payment(form)) = &app.modal else { panic!("{lang:?}: saved with no amount") };
        assert!(form.error.as_deref().is_some_and(|e| e.contains(type_it)), "{lang:?}: {:?}", form.error);
        assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid);
        // Typed, it is asked about as before (仍在本校登记缴费？) and saved on Yes.
        type_text(&mut app, "350");
        app.update(Action::Confirm);
        assert!(matches!(app.modal, Some(Modal::Confirm(_))), "{lang:?}: asked\n{}", screen(&app));
        app.update(Action::Yes);
        let s = app.store.student(id).expect("s");
        assert_eq!((s.payment, s.payment_details.amount_fen), (PaymentStatus::Paid, Some(35000)), "{lang:?}");

        // Enrolled at school all the same and unpaid: the family pays here, the amount proposed as before.
        app.update(Action::Undo);
        app.store.set_enrollment(id, Enrollment::Here, None).expect("here");
        app.update(Action::TogglePaid);
        let Some(Modal::Payment(form)) = &app.modal else { panic!("{lang:?}: the form") };
        assert_eq!(form.amount.text(), "350", "{lang:?}");
        assert!(!form.away_zero, "{lang:?}");
    }
}

/// `E`: a 民族 and an address typed over the ones held replace them, as the payment form's amount and date do;
/// Backspace (or an arrow) first edits in place. Before, 「壮族」 typed over 「汉族」 read 「汉族壮族」.
#[test]
fn the_identity_form_replaces_a_field_typed_over_and_edits_after_backspace() {
    use canbao::store::Change;
    let mut app = app(Language::Zh);
    let id = app.selected_id().expect("pupil");
    let held = vec![Change::Ethnicity("汉族".into()), Change::Address("柳州市城中区".into())];
    app.store.apply_change("mark", id, held, Default::default()).expect("held");
    app.update(Action::OpenDetail);
    app.update(Action::EditIdentity);
    for _ in 0..4 {
        app.update(Action::Down);
    }
    type_text(&mut app, "壮族");
    app.update(Action::Down);
    app.update(Action::Backspace);
    type_text(&mut app, "区1号");
    let Some(canbao::tui::modal::Modal::Identity(form)) = &app.modal else { panic!("the form") };
    assert_eq!((form.fields[4].text(), form.fields[5].text()), ("壮族", "柳州市城中区1号"));
    app.update(Action::Confirm);
    assert!(app.modal.is_none(), "{}", screen(&app));
    let s = app.store.student(id).expect("s");
    assert_eq!((s.ethnicity.as_deref(), s.address.as_deref()), (Some("壮族"), Some("柳州市城中区1号")));
    // An arrow first edits in place too; two groups run together are no 民族, refused in the form, nothing saved.
    app.update(Action::EditIdentity);
    for _ in 0..4 {
        app.update(Action::Down);
    }
    app.update(Action::Right);
    type_text(&mut app, "汉族");
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Identity(form)) = &app.modal else { panic!("saved: {}", screen(&app)) };
    assert_eq!(form.fields[4].text(), "壮族汉族");
    assert!(form.error.as_deref().is_some_and(|e| e.contains("不是 56 个民族之一")), "{:?}", form.error);
    assert_eq!(app.store.student(id).expect("s").ethnicity.as_deref(), Some("壮族"));
}

/// The detail screen's 待遇期 of an unpaid pupil says she is not insured yet and what paying today would give, where
/// before it gave the year's coverage period exactly as for a pupil who paid.
#[test]
fn the_detail_screen_gives_an_unpaid_pupil_no_coverage_but_what_paying_today_gives() {
    let mut store = store(true);
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    in_year(&mut store, 2024);
    store.set_fixed_clock("2023-10-10T10:00:00+08:00");
    let pupils = store.students(&Default::default()).expect("pupils");
    let (unpaid, paid) = (pupils[0].clone(), pupils[1].clone());
    store.set_payment(unpaid.id, PaymentStatus::Unpaid, &Default::default()).expect("unpaid");
    let details = canbao::domain::student::PaymentDetails {
        amount_fen: Some(38_000),
        paid_on: chrono::NaiveDate::from_ymd_opt(2023, 10, 10),
        channel: None,
    };
    store.set_payment(paid.id, PaymentStatus::Paid, &details).expect("paid");
    let zh = detail_of(&mut store, Language::Zh, &unpaid.name);
    let coverage = line_starting(&zh, "待遇期");
    assert!(coverage.contains("未缴费，尚未参保；今天缴费则待遇期 2024-01-01 至 2024-12-31"), "{zh}");
    let en = detail_of(&mut store, Language::En, &unpaid.name);
    assert!(en.contains("not paid, not insured yet; paid today: 2024-01-01 to 2024-12-31"), "{en}");
    let zh = detail_of(&mut store, Language::Zh, &paid.name);
    let coverage = line_starting(&zh, "待遇期");
    assert!(coverage.contains("2024-01-01 至 2024-12-31") && !coverage.contains("未缴费"), "{zh}");
}

/// The roster line drawn highlighted (reverse video: the app's theme must have no colour), trimmed.
fn highlighted_line(app: &App) -> String {
    let terminal = render(app);
    let buffer = terminal.backend().buffer();
    let lines = common::rows(buffer);
    // Below the title bar (reversed too), the filter line, the search line and the header.
    let reversed: Vec<usize> = (4..buffer.area.height)
        .filter(|&y| buffer[(5, y)].modifier.contains(ratatui::style::Modifier::REVERSED))
        .map(usize::from)
        .collect();
    let [y] = reversed.as_slice() else { panic!("one highlighted line: {reversed:?}\n{}", screen(app)) };
    lines[*y].trim().to_owned()
}

/// A child found by a search far down the roster, then the search ended every way it ends (Esc on the search
/// line, Backspace to nothing, Enter then Esc, Enter then a new `/`): the whole roster is shown again with the
/// highlight on that child, scrolled into view, and the next one-key mark is for them. Before, the highlight went
/// to the first row of the roster, and a hurried `e` marked another child. A filter changed or a class jumped to
/// keeps them as well while the list holds them; a filter that leaves them out starts at its first row.
#[test]
fn ending_a_search_or_changing_a_filter_keeps_the_highlight_on_the_child_found() {
    let mut app = app(Language::Zh);
    app.theme = app.theme.clone().without_colour();
    let far = 300;
    let (id, name) = (app.data.rows[far].id, app.data.name(far).to_owned());
    let find = |app: &mut App| {
        press(app, KeyCode::Char('/'));
        type_text(app, &name);
        for _ in 0..app.roster.shown().len() {
            if app.selected_id() == Some(id) {
                break;
            }
            press(app, KeyCode::Down);
        }
        assert_eq!(app.selected_id(), Some(id));
    };
    let kept = |app: &mut App, how: &str| {
        assert_eq!(app.roster.shown().len(), 360, "{how}: the whole roster again");
        assert_eq!(app.selected_id(), Some(id), "{how}: the highlight stays on the child found");
        // Drawn highlighted on screen: scrolled into view.
        let line = highlighted_line(app);
        assert!(line.contains(&name), "{how}: {line}");
        // The next one-key mark is for the child highlighted.
        press(app, KeyCode::Char('p'));
        let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("{how}: payment form") };
        assert_eq!(form.targets, vec![id], "{how}");
        press(app, KeyCode::Esc);
        assert!(app.modal.is_none());
    };
    find(&mut app);
    press(&mut app, KeyCode::Esc);
    kept(&mut app, "Esc on the search line");
    find(&mut app);
    for _ in name.chars() {
        press(&mut app, KeyCode::Backspace);
    }
    assert!(app.roster.search_input().is_empty());
    press(&mut app, KeyCode::Esc);
    kept(&mut app, "Backspace to nothing");
    find(&mut app);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.selected_id(), Some(id), "Enter keeps the list found");
    press(&mut app, KeyCode::Esc);
    kept(&mut app, "Enter, then Esc on the roster");
    find(&mut app);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Esc);
    kept(&mut app, "Enter, then a new search given up");

    // The class filter, by typing the child's class in the filter panel: they are in it.
    let class = app.data.classes[app.data.rows[far].class as usize].clone();
    press(&mut app, KeyCode::Char('s'));
    type_text(&mut app, &class);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.roster.filters().class, Some(app.data.rows[far].class));
    assert_eq!(app.selected_id(), Some(id), "a class jumped to holds the child");
    assert!(highlighted_line(&app).contains(&name));
    // A payment filter the child passes.
    let payment = app.data.rows[far].payment_to_collect();
    app.set_filters(|f| f.payment = Some(payment));
    assert_eq!(app.selected_id(), Some(id), "a filter the child passes keeps them");
    // Esc drops the filters: still the same child.
    press(&mut app, KeyCode::Esc);
    assert!(app.roster.filters().is_empty());
    kept(&mut app, "Esc dropping the filters");
    // A filter that leaves the child out: its first row, never the same position given to another child.
    let other = if payment == PaymentStatus::Paid { PaymentStatus::Unpaid } else { PaymentStatus::Paid };
    app.set_filters(|f| f.payment = Some(other));
    assert_eq!((app.roster.cursor(), app.roster.offset()), (0, 0));
}

/// `f` on a 特困 pupil holding a Guangxi number under Yibin's policy (full subsidy for 本市户籍 only): the question
/// says the 户籍 is in doubt and what the family owes if not of the city, at the counter, as `quote`, `check` and
/// the ledgers say it afterwards. Marked 财政代缴 unasked, a pupil not of the city counts insured and nobody pays.
#[test]
fn the_government_question_says_the_hukou_is_to_be_checked() {
    let mut store = store(true);
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    in_year(&mut store, 2024);
    store.set_fixed_clock("2023-10-10T10:00:00+08:00");
    for (lang, said) in [
        (
            Language::Zh,
            "将 许志文 标记为财政代缴？户籍待核实：身份证号码地区码不属本市，本市户籍的由部门代缴；非本市户籍的家庭应缴 380 元。请先问家长户口。",
        ),
        (Language::En, "otherwise the family owes 380 yuan. Ask the parent about the hukou first."),
    ] {
        let mut app =
            App::new(std::mem::replace(&mut store, self::store(false)), &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(120, 30));
        app.update(Action::Search);
        type_text(&mut app, "许志文");
        app.update(Action::Confirm);
        app.update(Action::ToggleGovernment);
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question: {:?}", app.status) };
        assert!(c.question.contains(said), "{}", c.question);
        app.update(Action::Back);
        store = std::mem::replace(&mut app.store, self::store(false));
    }
}

/// The palette's 销项 and 撤销销项 dialogs reach a payment far down a long list: PgUp and PgDn move a page, Home
/// and End go to the first and last, and a number or reference typed (as `check` printed it or the other laptop
/// said it, in either case) goes to its line, said at the dialog's foot; Backspace edits it, Esc clears it before
/// it closes the dialog, and one that names no line leaves the pick where it was. A reason typed after it
/// dismisses the line gone to. Before, only Up and Down moved, one line at a time, through thousands.
#[test]
fn the_dismiss_dialog_goes_to_a_line_by_page_end_number_or_reference() {
    use canbao::domain::unapplied::{KeptPayment, UnappliedPayment, UnappliedReason};
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let mut store = Store::open(&dir.path().join("drive.db")).expect("store");
    store.set_fixed_clock(common::NOW);
    canbao::demo::load_sample(&mut store).expect("sample");
    let sun = store.students(&Default::default()).expect("list").into_iter().find(|s| s.name == "孙语");
    let sun = sun.expect("孙语");
    let always = (1..=30)
        .map(|i| KeptPayment {
            student_id: Some(sun.id),
            id_number: sun.id_number.clone(),
            record: UnappliedPayment {
                receipt: Some(format!("R{i:03}")),
                year: store.shown_year(),
                roster_name: Some(sun.name.clone()),
                ..UnappliedPayment::for_test(
                    &format!("错名字{i}"),
                    38_000,
                    chrono::NaiveDate::from_ymd_opt(2026, 11, 21),
                    ("税务.csv", i + 1),
                    UnappliedReason::OtherName,
                )
            },
        })
        .collect();
    let kept = canbao::store::Unapplied { always, if_refused: Vec::new() };
    store
        .apply_reconciliation("reconcile", &[], &[], &kept, &[], canbao::store::ChangeOptions::default())
        .expect("keep");
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(140, 30));
    assert_eq!(app.store.check_roster(None).expect("check").tax_paid_unrecorded.len(), 30);
    app.update(Action::Palette);
    type_text(&mut app, "销项：税务");
    app.update(Action::Confirm);
    finish_job(&mut app);
    let picked = |app: &App| match &app.modal {
        Some(Modal::DismissPayment { lines, cursor, .. }) => (lines[*cursor].number, lines[*cursor].name.clone()),
        _ => panic!("{}", screen(app)),
    };
    let Some(Modal::DismissPayment { lines, .. }) = &app.modal else { panic!("{}", screen(&app)) };
    let reference_of = |n: usize| lines.iter().find(|l| l.number == n).expect("line").reference.clone();
    let (last, of_17) = (lines.iter().map(|l| l.number).max().expect("a line"), reference_of(17));
    assert_eq!(picked(&app).0, 1);
    app.update(Action::Bottom);
    assert_eq!(picked(&app).0, last, "End: the last");
    assert!(screen(&app).contains("第 30 条，共 30 条"), "{}", screen(&app));
    app.update(Action::Top);
    assert_eq!(picked(&app).0, 1, "Home: the first");
    app.update(Action::PageDown);
    assert_eq!(picked(&app).0, 9, "PgDn: a page");
    app.update(Action::PageUp);
    assert_eq!(picked(&app).0, 1, "PgUp: a page back");
    type_text(&mut app, "25");
    assert_eq!(picked(&app).0, 25, "{}", screen(&app));
    assert!(screen(&app).contains("跳到（输入编号或参照码）：25"), "{}", screen(&app));
    app.update(Action::Backspace);
    assert_eq!(picked(&app).0, 2, "Backspace edits the number");
    type_text(&mut app, "99");
    assert_eq!(picked(&app).0, 1, "no line 299: the pick stays where it was");
    assert!(screen(&app).contains("没有编号或参照码为「299」的一条"), "{}", screen(&app));
    app.update(Action::Back);
    assert!(matches!(app.modal, Some(Modal::DismissPayment { .. })), "Esc clears the jump first");
    assert!(!screen(&app).contains("299"), "{}", screen(&app));
    // The reference as said between laptops, in lower case and with O for 0.
    type_text(&mut app, &of_17.to_lowercase().replace('0', "o"));
    assert_eq!(picked(&app), (17, "错名字17".to_owned()), "{}", screen(&app));
    type_text(&mut app, "已核实");
    app.update(Action::Confirm);
    finish_job(&mut app);
    assert!(app.modal.is_none(), "{}", screen(&app));
    let said = format!("{:?}", app.status);
    assert!(said.contains(&format!("已销项：错名字17 [17 {of_17}]（税务.csv 第 18 行）")), "{said}");
    let left = app.store.check_roster(None).expect("check").tax_paid_unrecorded;
    assert!(left.len() == 29 && !left.iter().any(|l| l.number == 17), "{left:?}");
    // Esc with nothing typed closes.
    app.update(Action::Palette);
    type_text(&mut app, "销项：税务");
    app.update(Action::Confirm);
    finish_job(&mut app);
    app.update(Action::Back);
    assert!(app.modal.is_none(), "{}", screen(&app));
}

/// `f` on several pupils, 许志文 (特困, a Guangxi number under Yibin's policy) among them: the question says his
/// 户籍 is in doubt, as `f` on his row alone says it. Before, the bulk question said nothing of it, and marked
/// 财政代缴 a pupil not of the city counts insured while nobody pays.
#[test]
fn the_bulk_government_question_says_whose_hukou_is_to_be_checked() {
    let mut store = store(true);
    store.set_meta(canbao::tui::POLICY_META_KEY, "yibin-2024").expect("meta");
    in_year(&mut store, 2024);
    store.set_fixed_clock("2023-10-10T10:00:00+08:00");
    for (lang, said) in [
        (Language::Zh, "其中 1 名户籍待核实（许志文）：身份证号码地区码不属本市"),
        (Language::En, "1 of them (许志文) have a hukou to verify"),
    ] {
        let mut app =
            App::new(std::mem::replace(&mut store, self::store(false)), &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(120, 30));
        // The first row, then 许志文.
        app.update(Action::ToggleSelect);
        app.update(Action::Search);
        type_text(&mut app, "许志文");
        app.update(Action::Confirm);
        app.update(Action::ToggleSelect);
        assert_eq!(app.roster.marked().len(), 2);
        app.update(Action::ToggleGovernment);
        let Some(canbao::tui::modal::Modal::Confirm(c)) = &app.modal else { panic!("no question: {:?}", app.status) };
        assert!(c.question.contains(said), "{}", c.question);
        app.update(Action::Back);
        store = std::mem::replace(&mut app.store, self::store(false));
    }
}

/// The correction form (`E`) says under its fields that typing replaces a field's value (the first key typed into
/// a field the form filled replaces it, `LineInput::edit_filled`), and how to edit it instead. Before, nothing said
/// so, and an operator who typed to add to a name lost the name.
#[test]
fn identity_form_says_typing_replaces_the_value() {
    snap("identity_form_typing_replaces", |app| {
        app.update(Action::OpenDetail);
        app.update(Action::EditIdentity);
    });
    for (lang, said) in [(Language::Zh, "直接输入即替换原内容"), (Language::En, "Typing replaces the value")]
    {
        let mut app = app(lang);
        app.update(Action::OpenDetail);
        app.update(Action::EditIdentity);
        assert!(screen(&app).contains(said), "{}", screen(&app));
    }
}

/// `E` correcting a valid number with another valid number of the other sex: the sex follows the number (the 17th
/// digit), and the status line says so (「性别随身份证号改为女」), as it is the best hint that the number typed is
/// another child's. Before, only 「已保存：更正学生信息（1 人）」.
#[test]
fn a_corrected_number_that_changes_the_sex_says_so() {
    use canbao::domain::id_number::Sex;
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        let id = app.selected_id().expect("pupil");
        let before = app.store.student(id).expect("s");
        let Some(sex) = before.sex else { panic!("a valid number gives a sex") };
        // The 17th digit odd for a boy, even for a girl: the other sex's number.
        let (seq, word) = match sex {
            Sex::Male => ("252", ("女", "female")),
            Sex::Female => ("253", ("男", "male")),
        };
        let number = yibin_number("20180611", seq);
        app.update(Action::OpenDetail);
        app.update(Action::EditIdentity);
        let Some(canbao::tui::modal::Modal::Identity(form)) = &mut app.modal else { panic!("no form") };
        form.fields[1].set(&number);
        app.update(Action::Confirm);
        assert!(app.modal.is_none(), "saved: {:?}", app.status);
        let after = app.store.student(id).expect("s");
        assert_eq!(after.id_number, number);
        assert_ne!(after.sex, Some(sex));
        let said = match lang {
            Language::En => format!("sex now {} by the ID number", word.1),
            _ => format!("性别随身份证号改为{}，请核对", word.0),
        };
        let status = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
        assert!(status.contains(&said), "{lang:?}: {status}");
    }
}

/// The title bar of a drive opened from a file keeps the file's name, whole at 80 columns (the program's name
/// giving up its room first) and cut in the middle at 60, its start and its `.db` end in sight, beside the whole
/// operator's name and date: with several copies of a school's drive, the one open is told. It used to be the
/// first part to go.
#[test]
fn the_title_keeps_the_drive_files_name_at_80_and_60_columns() {
    let dir = tempfile::tempdir().expect("dir");
    let file = "东风小学-笔记本B副本.db";
    let mut store = Store::open(&dir.path().join(file)).expect("store");
    store.set_fixed_clock(common::NOW);
    canbao::demo::load_sample(&mut store).expect("sample");
    let mut app = App::new(store, &options(Language::Zh, Some("张老师"))).expect("app");
    app.update(Action::Resize(80, 24));
    // The screens need 80 columns; the title bar alone is drawn at 60 as well.
    for width in [80, 60] {
        let mut terminal = Terminal::new(TestBackend::new(width, 1)).expect("terminal");
        let area = ratatui::layout::Rect::new(0, 0, width, 1);
        terminal.draw(|f| views::title_bar(f, &app, area, "学生名单")).expect("draw");
        let title = buffer_text(terminal.backend().buffer());
        for said in ["操作员：张老师", "2026-11-23", "东风小学", "副本.db"] {
            assert!(title.contains(said), "{width}: {said}: {title}");
        }
        assert_eq!(title.contains(file), width == 80, "{width}: {title}");
        if width == 80 {
            assert_eq!(row(&screen(&app), 0), title.trim_end(), "the screen's own title bar");
        }
        insta::assert_snapshot!(format!("title_file_name_{width}"), title);
    }
}

/// A drive file with a short name (`A.db`, `甲.db`) is named in the title bar whole, as a long one is: the rule
/// that leaves out a name cut below a few characters left out names that were never cut.
#[test]
fn the_title_names_a_drive_file_of_a_short_name() {
    for file in ["A.db", "甲.db", "ab.db"] {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join(file)).expect("store");
        store.set_fixed_clock(common::NOW);
        canbao::demo::load_sample(&mut store).expect("sample");
        let mut app = App::new(store, &options(Language::Zh, Some("张老师"))).expect("app");
        for width in [120u16, 80] {
            app.update(Action::Resize(width, 24));
            let mut terminal = Terminal::new(TestBackend::new(width, 1)).expect("terminal");
            let area = ratatui::layout::Rect::new(0, 0, width, 1);
            terminal.draw(|f| views::title_bar(f, &app, area, "学生名单")).expect("draw");
            let title = buffer_text(terminal.backend().buffer());
            assert!(title.contains(&format!("| {file}")), "{file} at {width}: {title}");
        }
    }
}

/// 检查名单 gives the agency's 「未参保」 for a pupil counted insured here its own heading, as `canbao check` does:
/// before, it was listed under 「税务已缴费、名单未记入」, sending the operator to the tax office for a payment that
/// is not there.
#[test]
fn the_check_screen_says_the_agencys_not_registered_under_its_own_heading() {
    use canbao::domain::unapplied::{UnappliedPayment, UnappliedReason};
    let dir = tempfile::tempdir().expect("dir");
    let mut store = Store::open(&dir.path().join("drive.db")).expect("store");
    store.set_fixed_clock(common::NOW);
    canbao::demo::load_sample(&mut store).expect("sample");
    let pupil = store.students(&Default::default()).expect("list").into_iter().find(|s| s.name == "孙语");
    let pupil = pupil.expect("孙语");
    let paid = canbao::domain::student::PaymentDetails {
        amount_fen: Some(38_000),
        paid_on: chrono::NaiveDate::from_ymd_opt(2026, 10, 10),
        channel: None,
    };
    store.set_payment(pupil.id, PaymentStatus::Paid, &paid).expect("paid");
    // The agency's word on a pupil carries no amount.
    let record = UnappliedPayment {
        amount_fen: None,
        year: store.shown_year(),
        roster_name: Some(pupil.name.clone()),
        agency_status: Some("未参保".into()),
        ..UnappliedPayment::for_test(&pupil.name, 0, None, ("医保.csv", 2), UnappliedReason::AgencyNotRegistered)
    };
    keep_tax_payment(&mut store, Some((pupil.id, pupil.id_number.as_str())), record);
    for (lang, heading, not) in [
        (Language::Zh, "医保经办机构反馈未参保、本机计为已参保：[1] 孙语", "税务已缴费"),
        (Language::En, "the agency has the pupil not registered, counted insured here: [1] 孙语", "paid at the tax"),
    ] {
        let mut store = Store::open(&dir.path().join("drive.db")).expect("store");
        store.set_fixed_clock(common::NOW);
        let mut app = App::new(store, &options(lang, Some("测试"))).expect("app");
        app.update(Action::Resize(160, 30));
        assert_eq!(app.store.check_roster(None).expect("check").tax_paid_unrecorded.len(), 1);
        app.update(Action::Palette);
        type_text(&mut app, "check");
        app.update(Action::Confirm);
        finish_job(&mut app);
        let shown = unreferenced(&screen(&app));
        assert!(shown.contains(heading) && !shown.contains(not), "{shown}");
    }
}

/// 添加学生 on a drive of two schools asks the school first (the form's first field, Left and Right choose it), and
/// the class typed is checked against the school chosen: 一年级2班, which only the first school has, is asked about
/// (naming the second school's 一年级1班) when the second is chosen, and taken at once for the first. Before, the
/// class went unchecked on such a drive and the school was asked after, in the import's preview.
#[test]
fn adding_a_pupil_on_a_drive_of_two_schools_asks_the_school_before_the_class() {
    use canbao::tui::modal::{AddPupilField, Modal};
    let mut store = store(false);
    let today = store.today();
    for (school, rows) in [
        ("柳州市第一小学", "孙语,450203201909308803,一年级1班\n林彤瑶,450202201911276365,一年级2班\n"),
        ("柳州市第二小学", "何轩明,45020320190307775X,一年级1班\n"),
    ] {
        let text = format!("姓名,身份证号码,班级\n{rows}");
        let sheets = canbao::io::table::read_bytes(text.as_bytes(), "list.csv").expect("read");
        let inputs = vec![canbao::io::class_list::Input::Sheets("list.csv".to_owned(), sheets)];
        canbao::io::class_list::import_inputs(&mut store, inputs, Some(school), "本校", today, false).expect("import");
    }
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    app.update(Action::Palette);
    type_text(&mut app, "tianjia");
    app.update(Action::Confirm);
    let Some(Modal::AddPupil(form)) = &app.modal else { panic!("the form: {}", screen(&app)) };
    assert_eq!((form.focus, form.schools.len()), (AddPupilField::School, 2), "the school first");
    let shown = screen(&app);
    assert!(shown.lines().any(|l| l.contains("学校") && l.contains("< （未选择） >")), "{shown}");
    // The second school chosen, then the pupil typed.
    let second = form.schools.iter().position(|s| s == "柳州市第二小学").expect("held");
    while app.modal.as_ref().is_some_and(|m| !matches!(m, Modal::AddPupil(f) if f.school == Some(second))) {
        app.update(Action::Right);
    }
    assert!(screen(&app).contains("柳州市第二小学"), "{}", screen(&app));
    for text in ["插班生", "450202201911021741", "一年级2班"] {
        app.update(Action::NextField);
        type_text(&mut app, text);
    }
    app.update(Action::Confirm);
    let Some(Modal::Confirm(confirm)) = &app.modal else { panic!("the class asked: {}", screen(&app)) };
    assert!(
        confirm.question.starts_with("柳州市第二小学没有 一年级2班") && confirm.question.contains("一年级1班"),
        "{}",
        confirm.question
    );
    // No: back to the form; the first school, which has the class, takes it unasked.
    app.update(Action::Confirm);
    let Some(Modal::AddPupil(form)) = &app.modal else { panic!("back to the form: {}", screen(&app)) };
    assert_eq!(form.focus, AddPupilField::Class);
    for _ in 0..3 {
        app.update(Action::PreviousField);
    }
    app.update(Action::Left);
    let Some(Modal::AddPupil(form)) = &app.modal else { panic!("the form: {}", screen(&app)) };
    assert_eq!((form.focus, form.chosen_school()), (AddPupilField::School, Some("柳州市第一小学")));
    app.update(Action::Confirm);
    assert!(!matches!(app.modal, Some(Modal::Confirm(_)) | Some(Modal::AddPupil(_))), "{}", screen(&app));
    assert!(app.added_pupil.is_some(), "the pupil's list is read: {:?}", app.status);
}

/// 添加学生 on a drive of two schools starts with no school chosen: Enter before ←→ refuses, saying so, with the
/// School field focused, where before the child went into the first school by name unseen. A class the school
/// chosen lacks is asked naming that school, not 「本校」, which read as the drive's own.
#[test]
fn adding_a_pupil_on_a_drive_of_two_schools_takes_no_school_for_granted() {
    use canbao::tui::modal::{AddPupilField, Modal};
    let mut store = store(false);
    let today = store.today();
    for (school, rows) in [
        ("柳州市第一小学", "孙语,450203201909308803,一年级1班\n林彤瑶,450202201911276365,一年级2班\n"),
        ("柳州市第二小学", "何轩明,45020320190307775X,一年级1班\n"),
    ] {
        let text = format!("姓名,身份证号码,班级\n{rows}");
        let sheets = canbao::io::table::read_bytes(text.as_bytes(), "list.csv").expect("read");
        let inputs = vec![canbao::io::class_list::Input::Sheets("list.csv".to_owned(), sheets)];
        canbao::io::class_list::import_inputs(&mut store, inputs, Some(school), "本校", today, false).expect("import");
    }
    let mut app = App::new(store, &options(Language::Zh, Some("测试"))).expect("app");
    app.update(Action::Resize(80, 24));
    app.update(Action::Palette);
    type_text(&mut app, "tianjia");
    app.update(Action::Confirm);
    let Some(Modal::AddPupil(form)) = &app.modal else { panic!("the form: {}", screen(&app)) };
    assert_eq!((form.focus, form.chosen_school()), (AddPupilField::School, None), "no school taken for granted");
    for text in ["插班生", "450202201911021741", "一年级2班"] {
        app.update(Action::NextField);
        type_text(&mut app, text);
    }
    app.update(Action::Confirm);
    let Some(Modal::AddPupil(form)) = &app.modal else { panic!("refused, the form kept: {}", screen(&app)) };
    assert_eq!(form.focus, AddPupilField::School, "{:?}", form.error);
    assert!(form.error.as_deref().is_some_and(|e| e.contains("请先选择学校")), "{:?}", form.error);
    assert!(screen(&app).contains("请先选择学校"), "{}", screen(&app));
    assert!(app.added_pupil.is_none(), "nothing read");
    let second = form.schools.iter().position(|s| s == "柳州市第二小学").expect("held");
    while app.modal.as_ref().is_some_and(|m| !matches!(m, Modal::AddPupil(f) if f.school == Some(second))) {
        app.update(Action::Right);
    }
    app.update(Action::Confirm);
    let Some(Modal::Confirm(confirm)) = &app.modal else { panic!("the class asked: {}", screen(&app)) };
    assert!(confirm.question.starts_with("柳州市第二小学没有 一年级2班，新建这个班级？"), "{}", confirm.question);
}

/// Another school's tax list holding one of the drive's pupils, which the screen asks about before keeping its
/// strangers' payments: the question offers `o`, to take it as another school's (the command line's
/// `--other-school-ok`), which previews it again as such, and Enter then records our pupil's payment and keeps
/// none of the strangers'. Before, the screen could only keep every stranger's payment or do nothing, and the job
/// needed a shell.
#[test]
fn another_schools_tax_list_is_taken_as_such_on_the_screen() {
    use canbao::tui::modal::Modal;
    for (lang, offered, taken) in [
        (Language::Zh, "按 o", "作为另一所学校的名单核对"),
        (Language::En, "press o", "taken as another school's list"),
    ] {
        let dir = tempfile::tempdir().expect("dir");
        let mut app = app(lang);
        app.update(Action::Resize(140, 30));
        let sun = app.store.students(&Default::default()).expect("list").into_iter().find(|s| s.name == "孙语");
        let sun = sun.expect("孙语");
        let tax = dir.path().join("other-school.csv");
        let rows = format!(
            "姓名,证件号码,缴费金额,缴费日期\n孙语,{},380,2023-10-08\n陈宁涵,110105201801010115,380,2023-10-10\n\
             华凯鹏,11010520170202022X,380,2023-10-10\n",
            sun.id_number
        );
        std::fs::write(&tax, rows).expect("write");
        let lines = tax_list_previewed(&mut app, &tax);
        assert!(lines.iter().any(|l| l.contains(offered)), "{lang:?}: the preview says the way: {lines:?}");
        app.update(Action::Confirm);
        let Some(Modal::Confirm(question)) = &app.modal else { panic!("{lang:?}: asked\n{}", screen(&app)) };
        assert!(question.question.contains(offered), "{lang:?}: {}", question.question);
        press(&mut app, KeyCode::Char('o'));
        finish_job(&mut app);
        let Some(Modal::ReconcilePreview { lines, ask, .. }) = &app.modal else {
            panic!("{lang:?}: previewed again\n{}", screen(&app))
        };
        assert!(ask.is_none(), "{lang:?}: nothing more to ask: {ask:?}");
        assert!(lines.iter().any(|l| l.contains(taken)), "{lang:?}: {lines:?}");
        assert_eq!(app.store.student(sun.id).expect("s").payment, PaymentStatus::Unpaid, "a preview changes nothing");
        app.update(Action::Confirm);
        finish_job(&mut app);
        assert_eq!(app.store.student(sun.id).expect("s").payment, PaymentStatus::Paid, "{lang:?}\n{}", screen(&app));
        assert!(app.store.unapplied_payments().expect("kept").is_empty(), "{lang:?}: no stranger's payment kept");
    }
}

/// A department's list picked as a class list is refused on the screen with what to do there (the palette's
/// entry, the question's Yes), not the command line's `--as-class-list` and `canbao reconcile`.
#[test]
fn a_department_list_refused_on_the_screen_names_the_screens_ways() {
    use canbao::tui::modal::Modal;
    for (lang, road) in [(Language::Zh, "核对部门认定名单"), (Language::En, "Reconcile a department's category list")]
    {
        let dir = tempfile::tempdir().expect("dir");
        let mut app = app(lang);
        let list = dir.path().join("特困.csv");
        std::fs::write(
            &list,
            "序号,姓名,身份证号码,人员类别,认定部门,认定时间\n1,路人甲,450202195003123015,特困人员,民政局,2026-03-01\n\
             2,路人乙,110105201801010115,特困人员,民政局,2026-03-01\n",
        )
        .expect("write");
        app.update(Action::Import);
        type_text(&mut app, &list.display().to_string());
        app.update(Action::Confirm);
        finish_job(&mut app);
        let Some(Modal::Confirm(question)) = &app.modal else { panic!("{lang:?}: asked\n{}", screen(&app)) };
        let asked = &question.question;
        assert!(!asked.contains("--as-class-list") && !asked.contains("canbao reconcile"), "{lang:?}: {asked}");
        assert!(asked.contains(road), "{lang:?}: {asked}");
    }
}

/// The status line after a class's payment counts the families who paid apart from the pupils a department pays
/// for, as the question did: 「已保存：已缴费（1 人），财政代缴（1 人）：name」. Before, it said 「已缴费（2 人）」, the
/// number the operator tells the teacher as the families who paid.
#[test]
fn a_class_payment_with_a_full_subsidy_pupil_says_both_counts_once_saved() {
    let mut store = store(true);
    let pupils: Vec<_> = store.students(&Default::default()).expect("list").into_iter().take(3).collect();
    let orphan =
        canbao::domain::student::CategoryMark { name: "孤儿".into(), department: "民政".into(), year: None };
    store.set_categories(pupils[1].id, &[orphan]).expect("category");
    let local = canbao::store::IdentityEdit {
        id_number: Some(yibin_number(&pupils[1].id_number[6..14], "123")),
        ..Default::default()
    };
    store.correct_identity(pupils[1].id, &local).expect("a Yibin number");
    let mut app = app_on_policy(store);
    app.update(Action::ToggleSelect);
    app.update(Action::ToggleSelect);
    let question = pay_on_the_8th(&mut app, |_| {});
    assert!(question.contains(&format!("记为财政代缴：{}", pupils[1].name)), "{question}");
    app.update(Action::Yes);
    let said = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    let expected = format!("已保存：已缴费（1 人），财政代缴（1 人）：{}", pupils[1].name);
    assert!(said.starts_with(&expected), "{said}");
}

/// The payment form of the sample drive's highlighted pupil under its policy, `amount` typed, dated 2023-10-08,
/// and Enter: the form stays open and nothing is saved. What the form says.
fn payment_form_refuses(amount: &str) -> String {
    let mut app = app_on_policy(store(true));
    let id = app.selected_id().expect("a pupil");
    app.update(Action::TogglePaid);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("form") };
    form.amount.set(amount);
    form.date.set("2023-10-08");
    form.date_touched = true;
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else {
        panic!("refused in the form: {:?} {:?}", app.status, app.modal.is_some())
    };
    let said = form.error.clone().unwrap_or_default();
    assert_eq!(app.store.student(id).expect("s").payment, PaymentStatus::Unpaid, "{said}");
    said
}

/// An amount far beyond any premium (a date typed into 金额: 20261201) is refused in the form, saying the ceiling,
/// never asked with the single `y` that 400 for 380 takes. Before, 「金额 20261201.00 元与应缴不符…仍要保存？」 and
/// `y` saved it.
#[test]
fn the_payment_form_refuses_an_amount_beyond_any_premium() {
    let said = payment_form_refuses("20261201");
    assert!(said.contains("20261201") && said.contains("3800 元"), "{said}");
}

/// The tax list's preview says an amount that differs from the one due as what the run would record, not as
/// recorded (「（已记录）」 while nothing is yet): in the preview 「（将记录）」, after Enter 「（已记录）」.
#[test]
fn a_reconcile_preview_says_an_amount_mismatch_would_be_recorded() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app_on_policy(store(true));
    let pupil = app.store.students(&Default::default()).expect("list").into_iter().next().expect("a pupil");
    let tax = dir.path().join("tax.csv");
    let text = format!("姓名,证件号码,缴费金额,缴费日期\n{},{},95,2023-10-08\n", pupil.name, pupil.id_number);
    std::fs::write(&tax, text).expect("write");
    let lines = tax_list_previewed(&mut app, &tax);
    let said = lines.iter().find(|l| l.contains("应缴")).unwrap_or_else(|| panic!("no mismatch: {lines:?}"));
    assert!(said.contains("（将记录）") && !said.contains("已记录"), "{said}");
}

/// `o` on a tax list's preview, which the preview and its footer offer (「o 外校名单」), previews the list again as
/// another school's once the keys pause after it, as a letter answering a question does; it is no typing slip, and
/// the Enter after it applies. Before, it was refused as a letter typed astray and the next Enter was refused too.
/// The preview's rows say the screen's words, not the command line's `--other-school-ok`.
#[test]
fn o_on_a_tax_lists_preview_previews_it_as_another_schools_after_a_pause() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(Language::Zh);
    app.update(Action::Resize(140, 30));
    let pupils = app.store.students(&Default::default()).expect("list");
    let (sun, other) = (&pupils[0], &pupils[1]);
    let tax = dir.path().join("other-school.csv");
    let rows = format!(
        "姓名,证件号码,缴费金额,缴费日期\n{},{},380,2023-10-08\n陈宁涵,110105201801010115,380,2023-10-10\n\
         华凯鹏,11010520170202022X,380,2023-10-10\n{},,380,2023-10-10\n",
        sun.name, sun.id_number, other.name
    );
    std::fs::write(&tax, rows).expect("write");
    let lines = tax_list_previewed(&mut app, &tax);
    assert!(lines.iter().any(|l| l.contains("按 o")), "offered: {lines:?}");
    app.report_pauses();
    app.key_in_run(false);
    app.key_in_burst(false);
    press(&mut app, KeyCode::Char('o'));
    assert!(!app.typing_astray(), "no slip: {:?}", app.status.as_ref().map(|s| s.text.clone()));
    app.typing_paused();
    finish_job(&mut app);
    let Some(Modal::ReconcilePreview { lines, ask, other_school, .. }) = &app.modal else {
        panic!("previewed again\n{}", screen(&app))
    };
    assert!(*other_school && ask.is_none(), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("作为另一所学校的名单核对")), "{lines:?}");
    assert!(!lines.iter().any(|l| l.contains("--other-school-ok")), "the screen's words: {lines:?}");
    app.key_in_run(false);
    press(&mut app, KeyCode::Enter);
    finish_job(&mut app);
    assert_eq!(app.store.student(sun.id).expect("s").payment, PaymentStatus::Paid, "applied\n{}", screen(&app));
    assert_eq!(app.store.student(other.id).expect("s").payment, PaymentStatus::Unpaid, "not by the name alone");
    // Typed right after other keys, `o` waits for no pause: it is refused as keys in a run, the preview kept.
    let mut app = self::app(Language::Zh);
    tax_list_previewed(&mut app, &tax);
    app.report_pauses();
    app.key_in_run(true);
    press(&mut app, KeyCode::Char('o'));
    assert!(app.typing_astray());
    app.typing_paused();
    assert!(matches!(app.modal, Some(Modal::ReconcilePreview { other_school: false, .. })), "{}", screen(&app));
}

/// The school's own tax list (every row a pupil of the drive) previews with no `o` key in its hints: there is no
/// stranger for it to leave out, and a stray `o` would preview it again as another school's. A list with a
/// stranger shows it. At a message, `o` closes it as other letters do: it was bound to take a list as another
/// school's, which a message has nothing of, and the key did nothing there.
#[test]
fn the_other_school_key_is_offered_only_where_a_tax_list_has_strangers_and_closes_a_message() {
    use canbao::tui::modal::Modal;
    let dir = tempfile::tempdir().expect("dir");
    let mut app = app(Language::Zh);
    app.update(Action::Resize(140, 30));
    let sun = app.store.students(&Default::default()).expect("list").into_iter().find(|s| s.name == "孙语");
    let sun = sun.expect("孙语");
    let ours = dir.path().join("ours.csv");
    std::fs::write(&ours, format!("姓名,证件号码,缴费金额,缴费日期\n孙语,{},380,2023-10-08\n", sun.id_number))
        .expect("write");
    tax_list_previewed(&mut app, &ours);
    finish_job(&mut app);
    assert!(matches!(app.modal, Some(Modal::ReconcilePreview { .. })), "{}", screen(&app));
    assert!(!screen(&app).contains("外校名单"), "no stranger, no o\n{}", screen(&app));
    press(&mut app, KeyCode::Char('o'));
    finish_job(&mut app);
    let Some(Modal::ReconcilePreview { other_school, .. }) = &app.modal else { panic!("{}", screen(&app)) };
    assert!(!other_school, "o previews nothing again here\n{}", screen(&app));
    app.update(Action::Back);
    let mixed = dir.path().join("mixed.csv");
    std::fs::write(
        &mixed,
        format!(
            "姓名,证件号码,缴费金额,缴费日期\n孙语,{},380,2023-10-08\n陈宁涵,110105201801010115,380,2023-10-10\n",
            sun.id_number
        ),
    )
    .expect("write");
    tax_list_previewed(&mut app, &mixed);
    finish_job(&mut app);
    assert!(screen(&app).contains("外校名单"), "a stranger: o offered\n{}", screen(&app));
    app.update(Action::Back);
    app.show("导出完成", vec!["已导出".to_owned()], false);
    press(&mut app, KeyCode::Char('o'));
    assert!(app.modal.is_none(), "o closes a message\n{}", screen(&app));
}

/// The payment form weighs an amount against the ceiling the drive's policy gives one payment (ten times yibin-2024's
/// 380 元): 3900 is refused in the form naming 3800 元, as `mark` and the reconciliation hold it. Before, the ceiling
/// was 4,000 元 whatever the policy, and 3900 was only asked about.
#[test]
fn the_payment_form_refuses_an_amount_at_ten_times_the_policys_premium() {
    let said = payment_form_refuses("3900");
    assert!(said.contains("3900") && said.contains("3800 元"), "{said}");
}

/// A message that fits its box (「导出完成」 after `x`) takes no key for itself: the key that dismisses it also
/// acts on the screen under it. ↓ moves the highlight and `q` quits, where ↓ did nothing and the first `q` only
/// closed the message. A message longer than its box still scrolls with ↓.
#[test]
fn a_key_at_a_message_closes_it_and_acts_on_the_screen() {
    for lang in [Language::Zh, Language::En] {
        let mut app = app(lang);
        let first = app.selected_id();
        app.show("导出完成", vec!["已导出：/tmp/x.xlsx".into()], false);
        app.update(Action::Down);
        assert!(app.modal.is_none(), "{lang:?}: closed");
        assert_ne!(app.selected_id(), first, "{lang:?}: and the highlight moved");
        app.show("导出完成", vec!["已导出：/tmp/x.xlsx".into()], false);
        app.update(Action::Input('q'));
        assert!(app.modal.is_none() && app.quit, "{lang:?}: q closes it and quits");
        let mut app = self::app(lang);
        let first = app.selected_id();
        app.show("检查名单", (1..=200).map(|i| format!("第 {i} 行")).collect(), false);
        app.update(Action::Down);
        let Some(canbao::tui::modal::Modal::Message(m)) = &app.modal else { panic!("{lang:?}: a long one scrolls") };
        assert_eq!((m.offset, app.selected_id()), (1, first), "{lang:?}");
    }
}

/// The detail screen of a pupil held with an old 15-digit number says it on a 证件问题 line in the words of
/// `canbao check` (one source): the number is not the pupil's own, and the batch template leaves it out. Before,
/// the line was there for every other number problem but not this one, though `check` listed it.
#[test]
fn the_detail_screen_says_an_old_15_digit_number_as_check_does() {
    let mut store = store(true);
    let pupils = store.students(&Default::default()).expect("list");
    let held = pupils.iter().find(|p| p.id_valid() && !p.grade.contains("毕业")).expect("a valid number").clone();
    let set = "UPDATE students SET id_kind = 'resident_converted' WHERE id = ?1";
    assert_eq!(store.connection().execute(set, [held.id]).expect("converted"), 1);
    for (lang, label, words) in
        [(Language::Zh, "证件问题", "15位旧身份证号码"), (Language::En, "ID problem", "old 15-digit ID number")]
    {
        let shown = detail_of(&mut store, lang, &held.name);
        let flat: String = shown.split_whitespace().collect();
        let want: String = words.split_whitespace().collect();
        assert!(shown.contains(label) && flat.contains(&want), "{lang:?}: {shown}");
    }
}

/// On a drive with no policy the payment form and 统计 say how to make or choose one (the palette's two policy
/// commands, `canbao policy new`), where they only said there was none.
#[test]
fn a_drive_without_a_policy_is_told_how_to_make_one() {
    for (lang, palette, command) in [
        (Language::Zh, "政策：生成本年度政策", "canbao policy new 名称 --from"),
        (Language::En, "Policy: make this year's from last year's", "canbao policy new NAME --from"),
    ] {
        let mut app = app(lang);
        assert!(app.policy.is_none(), "the sample drive has no policy");
        app.update(Action::TogglePaid);
        let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else { panic!("{lang:?}: form") };
        let note = form.note.clone().unwrap_or_default();
        assert!(note.contains(palette) && note.contains(command), "{lang:?}: {note}");
        app.update(Action::Back);
        app.update(Action::Resize(160, 40));
        app.update(Action::Dashboard);
        let shown = screen(&app);
        assert!(shown.contains(palette), "{lang:?}: {shown}");
    }
}

/// The payment form weighs a top-up with the payment it makes up, as `mark --top-up` does: 300 recorded and 3600
/// typed come to 3900 元, at ten times the pupil's 380 元 or beyond, and are refused in the form, nothing saved.
/// Before, the 3600 alone was weighed, and one `y` saved 3900 元.
#[test]
fn a_top_up_is_weighed_with_the_payment_it_makes_up() {
    let mut app = app_on_policy(with_part_payments(&["林彤瑶"]));
    app.update(Action::Resize(120, 30));
    app.update(Action::Search);
    type_text(&mut app, "林彤瑶");
    app.update(Action::Confirm);
    let id = app.selected_id().expect("林彤瑶");
    app.update(Action::TogglePaid);
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &mut app.modal else { panic!("the top-up form") };
    assert_eq!(form.top_up, Some(30_000));
    form.amount.set("3600");
    form.date.set("2023-10-20");
    form.date_touched = true;
    app.update(Action::Confirm);
    let Some(canbao::tui::modal::Modal::Payment(form)) = &app.modal else {
        panic!("refused in the form: {:?} {:?}", app.status, app.modal.is_some())
    };
    let said = form.error.clone().unwrap_or_default();
    assert!(said.contains("3900") && said.contains("380 元"), "{said}");
    assert_eq!(app.store.student(id).expect("s").payment_details.amount_fen, Some(30_000));
}

/// 添加学生: Esc on the import's preview (a check digit typed wrong, said there) goes back to the form with the
/// values typed, to correct the one digit, where before it closed everything and the operator typed the whole
/// form again. Enter then previews the corrected pupil.
#[test]
fn esc_on_an_added_pupils_preview_goes_back_to_the_form_as_typed() {
    use canbao::tui::modal::{AddPupilField, Modal};
    let mut app = app(Language::Zh);
    app.modal = None;
    app.update(Action::Palette);
    type_text(&mut app, "tianjia");
    app.update(Action::Confirm);
    let Some(Modal::AddPupil(form)) = &app.modal else { panic!("the form: {}", screen(&app)) };
    assert_eq!(form.focus, AddPupilField::Name);
    type_text(&mut app, "插班生");
    app.update(Action::NextField);
    type_text(&mut app, "450203201906060014");
    app.update(Action::NextField);
    type_text(&mut app, "三年级1班");
    app.update(Action::Confirm);
    if matches!(app.modal, Some(Modal::Confirm(_))) {
        app.update(Action::Yes);
    }
    finish_job(&mut app);
    assert!(matches!(app.modal, Some(Modal::ImportPreview { .. })), "the preview: {}", screen(&app));
    app.update(Action::Back);
    let Some(Modal::AddPupil(form)) = &app.modal else { panic!("back to the form: {}", screen(&app)) };
    assert_eq!(
        (form.name.text(), form.id.text(), form.class.text()),
        ("插班生", "450203201906060014", "三年级1班"),
        "the values typed"
    );
}

/// A tax list ticked with a class list is left out by the import's preview; Esc on the preview leaves the import,
/// and the next import starts from nothing ticked, where before the tax list stayed ticked and rode along with
/// every later import (a path typed joined it).
#[test]
fn a_file_left_out_by_a_preview_left_with_esc_is_not_ticked_again() {
    use canbao::tui::modal::Modal;
    let number = |i: usize| {
        let first17 = format!("45020320190101{i:03}");
        format!("{first17}{}", canbao::domain::id_number::check_char(first17.as_bytes()))
    };
    let dir = tempfile::tempdir().expect("dir");
    let lists: Vec<PathBuf> = ["一班名单.csv", "税务缴费名单.csv"].iter().map(|n| dir.path().join(n)).collect();
    std::fs::write(&lists[0], format!("姓名,身份证号码,班级\n王明,{},一年级1班\n", number(1))).expect("list");
    std::fs::write(
        &lists[1],
        format!("纳税人姓名,证件号码,缴费金额,缴费日期,票证号码\n王明,{},400,2026-11-20,3450001\n", number(1)),
    )
    .expect("tax");
    let mut app = app(Language::Zh);
    app.modal = None;
    app.start_import_files(lists.clone());
    finish_job(&mut app);
    let Some(Modal::ImportPreview { preview, .. }) = &app.modal else { panic!("{}", screen(&app)) };
    assert!(preview.warnings.join("\n").contains("税务缴费名单.csv 未导入"), "{:?}", preview.warnings);
    app.update(Action::Back);
    app.modal = None;
    app.open_import();
    let Some(Modal::Files(picker)) = &app.modal else { panic!("{}", screen(&app)) };
    assert!(picker.picked.is_empty(), "nothing ticked: {:?}", picker.picked);
}
