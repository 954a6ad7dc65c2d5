//! The English UI says everything in English. Commands run with `--lang en` and screens driven in English, and
//! every line they print or draw is checked for Chinese once the data is taken out of it: pupils' and schools'
//! names, classes, file names, the lists' own words (their column headers, a status column's words), category
//! and department names, and a policy's title, window names and clauses stay as they are written.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use canbao::domain::category::CategoryTable;
use canbao::domain::policy::PolicySet;
use canbao::io::reconcile::Source;
use canbao::store::Store;
use canbao::tui::modal::Modal;
use canbao::tui::palette::Command as PaletteCommand;
use canbao::tui::{Action, App, Language, Options};

mod common;
use common::NOW;

/// Marks a line of text that is a row of the screen.
const SCREEN_ROW: &str = "\u{1}";

/// A character of Chinese writing: ideographs, and the full-width punctuation (「」，：（）、) that goes with them.
fn chinese(c: char) -> bool {
    matches!(c, '\u{3000}'..='\u{303f}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{ff00}'..='\u{ffef}')
}

/// The words that are data, never translated.
#[derive(Default)]
struct Data(BTreeSet<String>);

impl Data {
    fn add(&mut self, word: &str) {
        let word = word.trim();
        if word.chars().any(chinese) {
            self.0.insert(word.to_owned());
        }
    }

    /// Every cell of a CSV list: its headers, names, classes and words are the list's own.
    fn add_list(&mut self, text: &str) {
        for cell in text.lines().flat_map(|l| l.split(',')) {
            self.add(cell.trim_start_matches('\u{feff}'));
        }
    }

    /// The names of the files in a folder (exported forms, backups).
    fn add_files(&mut self, dir: &Path) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            self.add(&entry.file_name().to_string_lossy());
        }
    }

    /// Categories, their departments, and every built-in policy's title, document, windows and clauses.
    fn with_policy_words() -> Data {
        let mut data = Data::default();
        for c in CategoryTable::builtin().all() {
            data.add(&c.name);
            data.add(&c.department);
            for alias in &c.aliases {
                data.add(alias);
            }
        }
        for p in PolicySet::builtin().iter() {
            data.add(&p.title);
            data.add(&p.document);
            for w in &p.windows {
                data.add(&w.name);
                data.add(&w.clause);
            }
        }
        data
    }

    /// The lines of `text` that say something in Chinese that is not data. A screen's row (marked
    /// [`SCREEN_ROW`]) is read column by column, and a column may start or end with part of a data word that a
    /// dialog wrapped or a table cut: its whole text is checked apart.
    fn foreign(&self, text: &str) -> Vec<String> {
        // The words by their first character, the longest first, so that a class name is taken out whole before a
        // shorter word inside it.
        let mut by_first: std::collections::HashMap<char, Vec<&str>> = std::collections::HashMap::new();
        for w in &self.0 {
            by_first.entry(w.chars().next().unwrap_or(' ')).or_default().push(w);
        }
        for list in by_first.values_mut() {
            list.sort_by_key(|w| std::cmp::Reverse(w.len()));
        }
        let words: Vec<&String> = self.0.iter().collect();
        // The text with every data word in it taken out, left to right.
        let strip = |text: &str| {
            let mut out = String::with_capacity(text.len());
            let mut rest = text;
            while let Some(c) = rest.chars().next() {
                let word = by_first.get(&c).and_then(|list| list.iter().find(|w| rest.starts_with(**w)));
                match word {
                    Some(w) => {
                        out.push(' ');
                        rest = &rest[w.len()..];
                    }
                    None => {
                        out.push(c);
                        rest = &rest[c.len_utf8()..];
                    }
                }
            }
            out
        };
        let cut_word = |word: &str| {
            let word = word.trim_matches(|c: char| c.is_ascii_punctuation() || "“”".contains(c));
            !word.is_empty() && words.iter().any(|w| w.starts_with(word) || w.ends_with(word))
        };
        text.lines()
            .filter(|line| match line.strip_prefix(SCREEN_ROW) {
                None => strip(line).chars().any(chinese),
                Some(row) => row
                    .split(['│', '|', '─'])
                    .flat_map(|column| column.split("  "))
                    .map(|column| strip(column.trim()))
                    .any(|column| {
                        // The column's first and last words, when they are part of a data word, are that word cut.
                        let mut words: Vec<&str> = column.split_whitespace().collect();
                        if words.first().is_some_and(|w| cut_word(w)) {
                            words.remove(0);
                        }
                        if words.last().is_some_and(|w| cut_word(w)) {
                            words.pop();
                        }
                        words.iter().any(|w| w.chars().any(chinese))
                    }),
            })
            .map(|l| l.trim_end().to_owned())
            .collect()
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The command line.

/// `canbao --lang en` on the drive file `db` in `dir`, with a home of its own there.
fn canbao(dir: &Path, db: &str) -> Command {
    let mut cmd = Command::cargo_bin("canbao").expect("binary");
    cmd.current_dir(dir)
        .arg("--db")
        .arg(dir.join(db))
        .args(["--lang", "en"])
        .env_remove("CANBAO_DB")
        .env("CANBAO_OPERATOR", "op")
        .env("HOME", dir.join("home"))
        .env("XDG_DATA_HOME", dir.join("home/data"))
        .env("XDG_CONFIG_HOME", dir.join("home/config"));
    cmd
}

/// Everything one run printed, both streams.
fn run(dir: &Path, args: &[&str]) -> String {
    let out = canbao(dir, "drive.db").args(args).output().expect("runs");
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

const SAMPLE: &str = include_str!("../data/sample-school.csv");

/// The tax office's list: paid, a stranger, a wrong name, a date after today, one receipt at two amounts, a
/// pupil who left, a footer.
const TAX: &str = "纳税人姓名,证件号码,缴费金额,缴费日期,缴费渠道,票证号码,险种\n\
孙语,450203201909308803,380,2025-10-08,微信,A1,居民医保\n\
林彤瑶,450202201911276365,380,2025-10-08,微信,A2,居民医保\n\
某某,11010519491231002X,380,2023-10-08,微信,A3,居民医保\n\
黎语雪,450202202007078525,300,2025-10-08,微信,A4,居民医保\n\
错名,450202201910318690,380,2025-10-08,微信,A5,居民医保\n\
蒋睿豪,450202201910318690,380,2099-10-08,微信,A6,居民医保\n\
蒋睿豪,450202201910318690,390,2025-10-08,微信,A6,居民医保\n\
合计,,,,,,\n";

const AGENCY: &str = "姓名,身份证号码,参保状态\n孙语,450203201909308803,已登记\n林彤瑶,450202201911276365,未登记\n\
某某,11010519491231002X,已登记\n";

const CATEGORIES: &str = "姓名,身份证号码,人员类别,残疾等级\n孙语,450203201909308803,残疾人,三级\n\
林彤瑶,450202201911276365,残疾人,\n黎语雪,450202202007078525,低保对象,\n蒋睿豪,450202201910318690,不存在的类别,\n";

/// `policy show --lang en` says each window's cover as a sentence: Yibin's mid-year window (001 附件1 一(三):
/// 自缴费当月起6个月（不含）后, the same wait for everyone) once, Liuzhou's two waits each with its enrollees. It read
/// 「covered new enrollees from the 1st of the 6th month after payment; interrupted or late from the 6th」.
#[test]
fn policy_show_in_english_says_each_windows_cover_as_a_sentence() {
    let dir = tempfile::tempdir().expect("dir");
    let yibin = run(dir.path(), &["policy", "show", "yibin-2024"]);
    let line = yibin.lines().find(|l| l.contains("保险年度内中途参保")).unwrap_or_else(|| panic!("{yibin}"));
    assert_eq!(
        line,
        "  保险年度内中途参保 2024-03-01 to 2024-12-31: pays the personal premium, covered from the 1st of the 6th \
         month after the payment month, new and interrupted enrollees alike (001 附件1 一(三))"
    );
    let liuzhou = run(dir.path(), &["policy", "show", "liuzhou-2021"]);
    let line = liuzhou.lines().find(|l| l.contains("新年度6月30日前")).unwrap_or_else(|| panic!("{liuzhou}"));
    assert!(
        line.ends_with(
            "covered from the 1st of the 1st month after the payment month for new enrollees, of the 2nd for \
             interrupted or late ones (003 三(一)1)"
        ),
        "{line}"
    );
    assert!(!yibin.contains("covered new enrollees") && !liuzhou.contains("covered new enrollees"), "{yibin}");
}

#[test]
fn the_commands_say_nothing_in_chinese_in_english_but_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut data = Data::with_policy_words();
    for (name, text) in [("sample.csv", SAMPLE), ("tax.csv", TAX), ("agency.csv", AGENCY), ("cats.csv", CATEGORIES)] {
        std::fs::write(d.join(name), text).unwrap();
        data.add_list(text);
    }
    for name in ["gbk_title.csv", "utf8_bom.csv", "multi_sheet.xlsx", "merged_title.xlsx"] {
        std::fs::copy(fixture(name), d.join(name)).unwrap();
    }
    // The fixtures' own words (their schools, sheets and headers), as their expected readings name them.
    for word in
        ["柳州市某某小学", "宜宾市某某中学", "公民身份号码", "身份证号码", "学生信息", "说明", "本校", "制表人：王老师"]
    {
        data.add(word);
    }
    data.add_list(&std::fs::read_to_string(fixture("utf8_bom.csv")).unwrap());
    // Sheets, schools and classes named on the command lines below, and a pupil's name as a refusal masks it.
    for sheet in ["一年级1班", "一年级3班", "新名小学", "不存在", "九年级1班", "错名", "家长拒绝", "外出", "孙*"]
    {
        data.add(sheet);
    }

    let mut said: Vec<(String, String)> = Vec::new();
    let mut say = |args: &[&str]| said.push((args.join(" "), run(d, args)));
    say(&["import", "sample.csv"]);
    say(&["import", "--dry-run", "gbk_title.csv"]);
    say(&["import", "--dry-run", "multi_sheet.xlsx"]);
    say(&["import", "--dry-run", "merged_title.xlsx"]);
    say(&["import", "--dry-run", "--school", "柳州市示范小学", "utf8_bom.csv", "utf8_bom.csv"]);
    say(&["import", "no-such-list.csv"]);
    say(&["import", &fixture("no_header.csv").display().to_string()]);
    say(&["import", &fixture("password.xlsx").display().to_string()]);
    say(&["stats"]);
    say(&["find", "孙语"]);
    say(&["check"]);
    say(&["policy", "use", "liuzhou-2023"]);
    say(&["quote", "--paid-on", "2022-10-01"]);
    say(&["mark", "450203201909308803", "--payment", "paid", "--amount", "380", "--paid-on", "2025-10-01"]);
    say(&["mark", "450203201909308803", "--name", "错名", "--payment", "paid"]);
    say(&["mark", "450202201911276365", "--enrollment", "declined", "--reason", "家长拒绝"]);
    say(&["mark", "450202201911276365", "--enrollment", "left"]);
    say(&["mark", "999999999999999999", "--payment", "paid"]);
    say(&["mark", "450202202007078525", "--enrollment", "elsewhere"]);
    say(&["mark", "450202202007078525", "--payment", "paid", "--amount", "abc"]);
    say(&["mark", "450202202007078525", "--payment", "paid"]);
    for source in ["tax", "agency", "categories"] {
        for list in ["tax.csv", "agency.csv", "cats.csv"] {
            say(&["reconcile", "--dry-run", "--source", source, list]);
        }
    }
    say(&["reconcile", "--dry-run", "--source", "tax", "sample.csv"]);
    say(&["reconcile", "--source", "tax", "tax.csv"]);
    say(&["export", "sheet", "--out", "out/"]);
    say(&["export", "sheet", "--out", "out/"]);
    say(&["export", "template", "--mask", "--out", "out/"]);
    say(&["export", "notices", "--out", "out/"]);
    say(&["export", "classes", "--class", "一年级1班", "--out", "out/"]);
    say(&["export", "classes", "--class", "九年级1班", "--out", "out/"]);
    say(&["export", "summary", "--out", "out/"]);
    say(&["export", "ledgers", "--out", "out/"]);
    say(&["export", "special", "--out", "out/"]);
    say(&["backup", "kept/"]);
    let other = canbao(d, "other.db").args(["import", "utf8_bom.csv"]).output().unwrap();
    assert!(other.status.success(), "{}", String::from_utf8_lossy(&other.stderr));
    std::fs::copy(d.join("drive.db"), d.join("copy.db")).unwrap();
    canbao(d, "copy.db").args(["mark", "450202201910318690", "--enrollment", "here"]).assert().success();
    say(&["mark", "450202201910318690", "--enrollment", "declined", "--reason", "外出"]);
    say(&["merge", "--dry-run", "copy.db"]);
    say(&["merge", "other.db"]);
    say(&["merge", "--dry-run", "--other-school", "other.db"]);
    say(&["merge", "no-such.db"]);
    say(&["school", "rename", "柳州市示范小学", "新名小学"]);
    say(&["school", "rename", "不存在", "新名小学"]);
    say(&["year", "new", "2020", "--dry-run"]);
    say(&["--year", "2020", "stats"]);
    say(&["--read-only", "mark", "450202201910318690", "--enrollment", "here"]);
    for folder in ["out", "kept", "backups"] {
        data.add_files(&d.join(folder));
    }

    let mut wrong = Vec::new();
    for (command, text) in &said {
        for line in data.foreign(text) {
            wrong.push(format!("canbao --lang en {command}\n    {line}"));
        }
    }
    assert!(wrong.is_empty(), "Chinese in English output:\n{}", wrong.join("\n"));
}

// ---------------------------------------------------------------------------------------------------------------
// The screens.

fn app(drive: &Path) -> App {
    let mut store = Store::open(drive).expect("store");
    store.set_fixed_clock(NOW);
    let options = Options { lang: Language::En, operator: Some("op".into()), ..Default::default() };
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(400, 100));
    app
}

/// The screen as text, wide characters once.
fn screen(app: &App) -> String {
    common::rows(&common::drawn(app)).into_iter().map(|row| row + "\n").collect()
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(Action::Input(c));
    }
}

fn wait_for_jobs(app: &mut App) {
    let start = Instant::now();
    while app.jobs.running().is_some() {
        if let Some(outcome) = app.jobs.poll() {
            app.update(Action::JobDone(Box::new(outcome)));
            continue;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "the job never finished");
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A palette command that asks for a file, given the file.
fn with_file(app: &mut App, command: PaletteCommand, file: &Path) {
    app.run_command(command);
    app.update(Action::ClearLine);
    type_text(app, &file.display().to_string());
    app.update(Action::Confirm);
    wait_for_jobs(app);
}

/// What the screen shows, and the whole text of what it may show wrapped or cut: the status line, the dialog's
/// question, form error or report. The screen's rows are marked, as their words may be a name cut at the edge.
fn everything_shown(app: &mut App) -> String {
    let mut shown: Vec<String> = screen(app).lines().map(|l| format!("{SCREEN_ROW}{l}")).collect();
    let mut say = |text: &str| shown.push(text.to_owned());
    if let Some(status) = &app.status {
        say(&status.text);
    }
    match &app.modal {
        Some(Modal::Message(m)) => {
            say(&m.title);
            m.lines.iter().for_each(|l| say(l));
        }
        Some(Modal::ReconcilePreview { lines, .. } | Modal::MergePreview { lines, .. }) => {
            lines.iter().for_each(|l| say(l))
        }
        Some(Modal::ImportPreview { preview, school, new_school, .. }) => {
            app.import_preview_lines(preview, school.as_ref(), new_school.as_deref()).iter().for_each(|l| say(l))
        }
        Some(Modal::Confirm(c)) => say(&c.question),
        Some(Modal::Identity(f)) => say(f.error.as_deref().unwrap_or_default()),
        Some(Modal::Payment(f)) => {
            for text in [&f.error, &f.warning, &f.note] {
                say(text.as_deref().unwrap_or_default());
            }
        }
        Some(Modal::Enrollment(c)) => say(c.error.unwrap_or_default()),
        // The picker says the system's refusal in the screen's language as it draws it.
        Some(Modal::Files(p)) => say(&canbao::words::in_language(p.error.as_deref().unwrap_or_default(), app.lang)),
        Some(Modal::NewPolicy(f)) => say(f.error.as_deref().unwrap_or_default()),
        Some(Modal::EditPolicy(f)) => say(f.error.as_deref().unwrap_or_default()),
        _ => {}
    }
    shown.join("\n")
}

fn identity_form(app: &mut App) -> &mut canbao::tui::identity::IdentityForm {
    match &mut app.modal {
        Some(Modal::Identity(form)) => form,
        _ => panic!("no identity form"),
    }
}

#[test]
fn the_screens_say_nothing_in_chinese_in_english_but_the_data() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let drive = d.join("school.db");
    let mut sample = Store::open(&drive).unwrap();
    canbao::demo::load_sample(&mut sample).unwrap();
    // A policy whose windows are long past: its refusals are said too.
    sample.set_meta(canbao::tui::POLICY_META_KEY, "liuzhou-2023").expect("meta");
    drop(sample);
    let mut data = Data::with_policy_words();
    data.add_list(SAMPLE);
    for (name, text) in [("tax.csv", TAX), ("agency.csv", AGENCY), ("cats.csv", CATEGORIES)] {
        std::fs::write(d.join(name), text).unwrap();
        data.add_list(text);
    }
    std::fs::copy(fixture("gbk_title.csv"), d.join("gbk_title.csv")).unwrap();
    // The lists' and fixtures' own words, and what is typed into the forms below.
    for word in [
        "柳州市某某小学",
        "公民身份号码",
        "sample-school.csv",
        "三年级2班",
        "九年级9班",
        "本校",
        "黎萱阳",
        "2班",
        "制表人：王老师",
    ] {
        data.add(word);
    }

    let mut app = app(&drive);
    let mut said: Vec<(String, String)> = Vec::new();
    let mut look = |app: &mut App, step: &str| said.push((step.to_owned(), everything_shown(app)));

    // The correction form: each refusal, then a save.
    app.update(Action::OpenDetail);
    app.update(Action::EditIdentity);
    identity_form(&mut app).fields[0].set("");
    app.update(Action::Confirm);
    look(&mut app, "identity: an empty name");
    identity_form(&mut app).fields[0].set("孙语");
    identity_form(&mut app).fields[3].set("黎萱阳");
    app.update(Action::Confirm);
    look(&mut app, "identity: not a phone");
    identity_form(&mut app).fields[3].set("");
    identity_form(&mut app).fields[2].set("2班");
    app.update(Action::Confirm);
    look(&mut app, "identity: a class with no grade");
    identity_form(&mut app).fields[2].set("九年级9班");
    app.update(Action::Confirm);
    look(&mut app, "identity: a new class asked");
    app.update(Action::Back);
    let other = app.store.students(&Default::default()).expect("list")[5].id_number.clone();
    if matches!(app.modal, Some(Modal::Identity(_))) {
        identity_form(&mut app).fields[2].set("一年级1班");
        identity_form(&mut app).fields[1].set(&other);
        app.update(Action::Confirm);
        look(&mut app, "identity: another pupil's number");
        let original = identity_form(&mut app).original.clone();
        identity_form(&mut app).fields[1].set(&original[1]);
        identity_form(&mut app).fields[2].set(&original[2]);
        identity_form(&mut app).fields[3].set("13812345678");
        identity_form(&mut app).fields[0].set("孙语二");
        data.add("孙语二");
        app.update(Action::Confirm);
        look(&mut app, "identity: saved");
    }
    // A save says what was saved, not the form's title.
    let saved = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert_eq!(saved, "Saved: 孙语二, corrected name and phone");
    app.update(Action::Back);

    // Marks, the payment form and its refusals, the questions.
    app.update(Action::TogglePaid);
    type_text(&mut app, "abc");
    app.update(Action::Confirm);
    look(&mut app, "payment: not an amount");
    app.update(Action::Back);
    for _ in 0..3 {
        app.update(Action::ToggleSelect);
    }
    app.update(Action::ToggleGovernment);
    look(&mut app, "bulk: government question");
    app.update(Action::Yes);
    look(&mut app, "bulk: government saved");
    app.update(Action::Enrollment);
    for _ in 0..3 {
        app.update(Action::Down);
    }
    app.update(Action::Confirm);
    look(&mut app, "decline: no reason");
    app.update(Action::Back);
    app.update(Action::Back);
    app.update(Action::Undo);
    look(&mut app, "undo");
    app.update(Action::Redo);
    look(&mut app, "redo");

    // Files in and out.
    with_file(&mut app, PaletteCommand::Import, &d.join("gbk_title.csv"));
    look(&mut app, "import: the preview");
    app.update(Action::Back);
    with_file(&mut app, PaletteCommand::Import, &d.join("no-such-list.csv"));
    look(&mut app, "import: no such file");
    app.update(Action::Back);
    app.update(Action::Back);
    for (source, list) in [
        (Source::Tax, "tax.csv"),
        (Source::Agency, "agency.csv"),
        (Source::Categories, "cats.csv"),
        (Source::Tax, "cats.csv"),
    ] {
        with_file(&mut app, PaletteCommand::Reconcile(source), &d.join(list));
        look(&mut app, &format!("reconcile {source:?}: {list}: the preview"));
        app.update(Action::Confirm);
        wait_for_jobs(&mut app);
        look(&mut app, &format!("reconcile {source:?}: {list}: done"));
        app.update(Action::Back);
    }
    for form in [canbao::tui::palette::Form::Notices, canbao::tui::palette::Form::Summary] {
        app.run_command(PaletteCommand::Export(form));
        app.update(Action::ClearLine);
        type_text(&mut app, &d.join("out").display().to_string());
        app.update(Action::Confirm);
        wait_for_jobs(&mut app);
        look(&mut app, &format!("export {form:?}"));
        app.update(Action::Back);
    }
    data.add_files(&d.join("out"));
    let other = d.join("other.db");
    canbao::demo::load_sample(&mut Store::open(&other).unwrap()).unwrap();
    Store::open(&other).unwrap().rename_school("柳州市示范小学", "柳州市第二小学").unwrap();
    data.add("柳州市第二小学");
    with_file(&mut app, PaletteCommand::Merge, &other);
    look(&mut app, "merge: another school's drive");
    app.update(Action::Back);
    app.run_command(PaletteCommand::Check);
    wait_for_jobs(&mut app);
    look(&mut app, "check");
    app.update(Action::Back);
    app.run_command(PaletteCommand::Backup);
    wait_for_jobs(&mut app);
    data.add_files(&d.join("backups"));
    look(&mut app, "backup");
    app.run_command(PaletteCommand::RenameSchool);
    type_text(&mut app, "二小");
    data.add("柳州市示范小学二小");
    app.update(Action::Confirm);
    look(&mut app, "rename: the question");
    app.update(Action::Back);
    app.run_command(PaletteCommand::NewYear);
    wait_for_jobs(&mut app);
    look(&mut app, "new year: the question");
    app.update(Action::Back);

    let mut wrong = Vec::new();
    for (step, text) in &said {
        for line in data.foreign(text) {
            wrong.push(format!("{step}\n    {}", line.trim()));
        }
    }
    assert!(wrong.is_empty(), "Chinese on English screens:\n{}", wrong.join("\n"));
}

/// The Chinese screens say their refusals in Chinese: the checks above change only the English, and a refusal from
/// below the screens that says both languages is shown by its Chinese half.
#[test]
fn the_chinese_form_still_says_its_refusals_in_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let drive = dir.path().join("school.db");
    canbao::demo::load_sample(&mut Store::open(&drive).unwrap()).unwrap();
    let mut store = Store::open(&drive).expect("store");
    store.set_fixed_clock(NOW);
    let options = Options { lang: Language::Zh, operator: Some("op".into()), ..Default::default() };
    let mut app = App::new(store, &options).expect("app");
    app.update(Action::Resize(160, 45));
    app.update(Action::OpenDetail);
    app.update(Action::EditIdentity);
    identity_form(&mut app).fields[0].set("");
    app.update(Action::Confirm);
    let error = identity_form(&mut app).error.clone().unwrap_or_default();
    assert_eq!(error, "姓名不能为空");
}

/// An export refused because the file in the way is a PDF: the reason carries its own English, and the refusal
/// says it again; in English only the English is printed, in Chinese the message as before.
#[test]
fn a_refusal_whose_reason_has_its_own_english_is_said_in_english_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("sample.csv"), SAMPLE).unwrap();
    run(d, &["import", "sample.csv"]);
    std::fs::write(d.join("d2.xlsx"), b"%PDF-1.7 a report, not a table").unwrap();
    let out = canbao(d, "drive.db").args(["export", "sheet", "--out", "d2.xlsx"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: not replaced: d2.xlsx: a PDF, not a spreadsheet;"), "{err}");
    assert!(!err.chars().any(chinese), "{err}");
    let out = Command::cargo_bin("canbao")
        .expect("binary")
        .current_dir(d)
        .arg("--db")
        .arg(d.join("drive.db"))
        .args(["export", "sheet", "--out", "d2.xlsx"])
        .env_remove("CANBAO_DB")
        .env("CANBAO_OPERATOR", "op")
        .env("HOME", d.join("home"))
        .env("XDG_DATA_HOME", d.join("home/data"))
        .env("XDG_CONFIG_HOME", d.join("home/config"))
        .output()
        .expect("runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("错误 (error): 不覆盖 d2.xlsx：这是 PDF 文件") && err.contains("(not replaced: d2.xlsx"),
        "{err}"
    );
    assert_eq!(std::fs::read(d.join("d2.xlsx")).unwrap(), b"%PDF-1.7 a report, not a table");
}
