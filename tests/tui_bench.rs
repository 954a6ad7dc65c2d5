//! Keystroke-to-frame timing of the TUI on big drives. Ignored by default (building 500k pupils takes a
//! while); run with `cargo test --release --test tui_bench -- --ignored --nocapture`.
//!
//! Targets (issue 3): a keystroke, from action to drawn frame, p99 under 16 ms at 500k pupils; the first
//! frame (loading the roster included) under 200 ms at 60k.

use std::time::{Duration, Instant};

use canbao::domain::id_number::{self, check_char};
use canbao::store::{Incoming, Store};
use canbao::tui::{Action, App, Language, Options, views};
use chrono::NaiveDate;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗",
    "高",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀", "霞",
    "平", "刚", "桂", "英", "华", "玉", "萍", "红", "鹏", "辉", "宇",
];
const GRADES: &[&str] = &["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"];

/// A drive of `n` made-up pupils, 50 to a class, in a temp file.
fn drive(n: usize, dir: &std::path::Path) -> Store {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let mut store = Store::open(&dir.join(format!("bench-{n}.db"))).expect("store");
    store.set_operator("bench").expect("operator");
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for chunk in (0..n).collect::<Vec<_>>().chunks(50_000) {
        let rows: Vec<Incoming> = chunk
            .iter()
            .map(|&i| {
                let r = next() as usize;
                let name = format!(
                    "{}{}{}",
                    SURNAMES[r % SURNAMES.len()],
                    GIVEN[(r / 7) % GIVEN.len()],
                    if r.is_multiple_of(3) { GIVEN[(r / 131) % GIVEN.len()] } else { "" }
                );
                // Unique numbers: a birth day per thousand pupils, a sequence number within it.
                let born = NaiveDate::from_ymd_opt(2013, 1, 1).expect("date") + chrono::Days::new((i / 1000) as u64);
                let area = ["450202", "450203", "511502", "350502"][r % 4];
                let first17 = format!("{area}{}{:03}", born.format("%Y%m%d"), i % 1000);
                let raw = format!("{first17}{}", check_char(first17.as_bytes()));
                let class_no = i / 50;
                Incoming {
                    school: format!("第{}小学", class_no / 36 + 1),
                    school_given: true,
                    name,
                    id_raw: raw.clone(),
                    id: id_number::check(&raw, today),
                    grade: GRADES[(class_no / 6) % 6].to_owned(),
                    class: format!("{}班", class_no % 6 + 1),
                    phone: String::new(),
                    insured: false,
                    categories: Vec::new(),
                    source: format!("bench:{i}"),
                }
            })
            .collect();
        store.apply_import(&rows, &["bench".into()], 0, false).expect("import");
    }
    store
}

fn options() -> Options {
    Options { lang: Language::Zh, theme: None, operator: Some("bench".into()), config_dir: None }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[test]
#[ignore = "slow: builds big drives; run in release with --ignored"]
fn keystroke_to_frame() {
    let dir = tempfile::tempdir().expect("tempdir");

    let small = drive(60_000, dir.path());
    let start = Instant::now();
    let mut app = App::new(small, &options()).expect("app");
    app.update(Action::Resize(120, 40));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    terminal.draw(|f| views::draw(f, &app)).expect("draw");
    let first = start.elapsed();
    println!("60k pupils: first frame (load + draw) {first:?}");

    let big = drive(500_000, dir.path());
    let start = Instant::now();
    let mut app = App::new(big, &options()).expect("app");
    app.update(Action::Resize(120, 40));
    terminal.draw(|f| views::draw(f, &app)).expect("draw");
    println!("500k pupils: first frame (load + draw) {:?}", start.elapsed());

    // Typing and erasing queries of every kind: initials, pinyin, Chinese, ID digits, class.
    let queries = ["wl", "wang", "王伟", "4502022015", "三年级2班", "zh", "李 3班"];
    let mut times = Vec::new();
    app.update(Action::Search);
    for q in queries {
        let keys: Vec<Action> = q.chars().map(Action::Input).chain(q.chars().map(|_| Action::Backspace)).collect();
        for action in keys {
            let t = Instant::now();
            app.update(action);
            terminal.draw(|f| views::draw(f, &app)).expect("draw");
            times.push(t.elapsed());
        }
    }
    // Moving through the results and marking a pupil are keystrokes too.
    for action in [
        Action::Confirm,
        Action::PageDown,
        Action::PageDown,
        Action::Bottom,
        Action::Top,
        Action::ToggleGovernment,
        Action::Undo,
    ] {
        let t = Instant::now();
        app.update(action);
        terminal.draw(|f| views::draw(f, &app)).expect("draw");
        times.push(t.elapsed());
    }
    times.sort();
    let (p50, p99, max) = (percentile(&times, 0.5), percentile(&times, 0.99), times[times.len() - 1]);
    println!("500k pupils: {} keystrokes, p50 {p50:?}, p99 {p99:?}, max {max:?}", times.len());
    assert!(first < Duration::from_millis(200) || cfg!(debug_assertions), "first frame at 60k: {first:?}");
    assert!(p99 < Duration::from_millis(16) || cfg!(debug_assertions), "p99 at 500k: {p99:?}");
}
