//! The county's dashboard (`canbao --from URL`): the roll-up of every pushed drive, read-only, one line per
//! school with its coverage bar. Apart from the drive's screens: it has no drive, no App, nothing to change.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::cells::{fit, fit_right, truncate};
use crate::county::Rollup;
use crate::domain::coverage::percent;
use crate::tui::Language;
use crate::tui::theme::Theme;

/// What the county screen shows: the last roll-up read, when, and why the newest refresh failed (if it did).
pub struct CountyScreen {
    pub rollup: Rollup,
    pub refreshed: String,
    pub error: Option<String>,
    /// The first school line shown.
    pub offset: usize,
    pub lang: Language,
    /// A read asked for with `r` is under way.
    pub refreshing: bool,
}

/// Lines above the school table.
pub const HEAD: usize = 6;

fn bar(theme: &Theme, permille: u32, width: usize) -> Vec<Span<'static>> {
    let full = (permille.min(1000) as usize * width + 500) / 1000;
    vec![
        Span::styled(" ".repeat(full), theme.bar_part(true)),
        Span::styled(" ".repeat(width - full), theme.bar_part(false)),
    ]
}

/// Rows of schools the screen has room for.
pub fn school_rows(area: Rect) -> usize {
    (area.height as usize).saturating_sub(HEAD + 1)
}

pub fn draw(frame: &mut Frame, area: Rect, screen: &CountyScreen, theme: &Theme) {
    if crate::tui::layout::too_small(area) {
        // As the drive's screens do: columns cut mid-figure would be read as other figures.
        let words = crate::tui::text::Text::for_language(screen.lang).too_small;
        // Its own keys, which are not the keymap's: q (or Esc) leaves it.
        let text = crate::words::fill(words, &[&area.width, &area.height, &"q"]);
        frame.render_widget(Paragraph::new(Line::from(text)).wrap(Wrap { trim: true }).style(theme.base()), area);
        return;
    }
    let en = screen.lang == Language::En;
    let pick = |zh: &'static str, english: &'static str| if en { english } else { zh };
    let width = area.width as usize;
    let r = &screen.rollup;
    let t = &r.totals;
    let others: Vec<String> = r.years.iter().filter(|&&y| Some(y) != r.year).map(i32::to_string).collect();
    // No year before the first push: the title says none rather than an empty 「 年度」.
    let year = match (r.year, en) {
        (Some(y), true) => format!(" - insured year {y}"),
        (Some(y), false) => format!(" - {y} 年度"),
        (None, _) => String::new(),
    };
    // Several working groups in different years: say so, or a county reads one year's picture as all of it.
    let also = match (others.is_empty(), en) {
        (true, _) => String::new(),
        (false, true) => format!(" (also {})", others.join(", ")),
        (false, false) => format!("（另有 {} 年度）", others.join("、")),
    };
    let mut lines: Vec<Line> = Vec::new();
    let title = if en {
        format!(" canbao - county picture{year}{also} - read-only - refreshed {}", screen.refreshed)
    } else {
        format!(" canbao 参保 - 全县汇总{year}{also} - 只读 - 刷新于 {}", screen.refreshed)
    };
    lines.push(Line::styled(fit(&title, width), theme.title()));
    // A part payment is in no 家庭缴费 (still to collect): said beside it when there are some, as `rollup` says
    // them, so the families who still owe stay in the picture.
    let part = match (t.part_paid, en) {
        (0, _) => String::new(),
        (n, true) => format!("  part-paid {n}"),
        (n, false) => format!("  部分缴费 {n}"),
    };
    let totals = if en {
        format!(
            " pupils {}  to insure {}  insured {}  family-paid {}{part}  government {}  declined {}  special {}",
            t.students, t.expected, t.enrolled, t.paid_in_full, t.government, t.declined, t.special
        )
    } else {
        format!(
            " 学生 {}  应参保 {}  已参保 {}  家庭缴费 {}{part}  财政代缴 {}  不参保 {}  特殊群体 {}",
            t.students, t.expected, t.enrolled, t.paid_in_full, t.government, t.declined, t.special
        )
    };
    lines.push(Line::raw(truncate(&totals, width)));
    let label = fit(pick(" 参保率", " coverage"), 14);
    let mut progress = vec![Span::styled(label, theme.header())];
    progress.extend(bar(theme, t.coverage_permille(), width.saturating_sub(14 + 10)));
    progress.push(Span::styled(format!(" {}", percent(t.coverage_permille())), theme.header()));
    lines.push(Line::from(progress));
    let pushes = match r.drives.first() {
        Some(d) => {
            let at = crate::store::instant::beijing_minutes(&d.pushed_at);
            if en {
                format!(" {} drives pushed; latest {} at {at}", r.drives.len(), d.drive)
            } else {
                format!(" 已上传 {} 个数据文件；最近 {}（{at}）", r.drives.len(), d.drive)
            }
        }
        None => pick(" 还没有上传的数据文件", " nothing pushed yet").to_owned(),
    };
    lines.push(Line::styled(truncate(&pushes, width), theme.muted()));
    let school_w = 18;
    let head = format!(
        " {}{}{}{}{}{}",
        fit(pick("学校", "school"), school_w),
        fit_right(pick("人数", "pupils"), 8),
        fit_right(pick("应参保", "to insure"), 10),
        fit_right(pick("已参保", "insured"), 9),
        fit_right(pick("参保率", "rate"), 8),
        fit_right(pick("财政代缴", "gov."), 10),
    );
    lines.push(Line::styled(truncate(&head, width), theme.header()));
    let status = match &screen.error {
        // The county database's refusal says both languages at once: the screen's.
        Some(e) => Line::styled(
            truncate(
                &format!(
                    " {}{}",
                    pick("刷新失败，显示上次的数据：", "refresh failed, showing the last: "),
                    crate::words::on_screen(e, screen.lang)
                ),
                width,
            ),
            theme.fg(theme.unpaid),
        ),
        None if screen.refreshing => Line::styled(pick(" 正在刷新...", " refreshing..."), theme.muted()),
        None => Line::raw(""),
    };
    lines.push(status);
    debug_assert_eq!(lines.len(), HEAD);
    let head_w = 1 + school_w + 8 + 10 + 9 + 8 + 10 + 1;
    let bar_w = width.saturating_sub(head_w + 1);
    let rows = school_rows(area);
    // The schools in none of this year's figures, under the ones that are, each with the year it is in: a school
    // still in last year is no school with nobody in it, and the title's 「另有 … 年度」 alone did not say which.
    let elsewhere = r.schools_in_other_years.iter().map(|o| {
        let said = if en {
            format!("{} pupils in insured year {}, not in these figures (y: next year)", o.students, o.year)
        } else {
            format!("{} 人在 {} 年度，不在本年度数字中（y 换年度）", o.students, o.year)
        };
        Line::styled(truncate(&format!(" {}{said}", fit(&o.school, school_w)), width), theme.muted())
    });
    let mut shown = 0;
    for s in r.schools.iter().skip(screen.offset).take(rows) {
        shown += 1;
        let c = &s.counts;
        let mut spans = vec![Span::raw(format!(
            " {}{}{}{}{}{} ",
            fit(&s.school, school_w),
            fit_right(&c.students.to_string(), 8),
            fit_right(&c.expected.to_string(), 10),
            fit_right(&c.enrolled.to_string(), 9),
            fit_right(&percent(c.coverage_permille()), 8),
            fit_right(&c.government.to_string(), 10),
        ))];
        spans.extend(bar(theme, c.coverage_permille(), bar_w));
        lines.push(Line::from(spans));
    }
    let skipped = screen.offset.saturating_sub(r.schools.len());
    lines.extend(elsewhere.skip(skipped).take(rows - shown));
    if r.schools.is_empty() && r.schools_in_other_years.is_empty() {
        // A county just set up: how its figures arrive, and that they show here by themselves.
        let hint: [&str; 3] = if en {
            [
                " No pupils pushed yet.",
                " On each school's laptop: canbao push FILE.db --to URL (or set CANBAO_PG).",
                " Pushes show here as they arrive: this screen reads the database every 5 s.",
            ]
        } else {
            [
                " 还没有上传学生数据。",
                " 在各校的电脑上运行：canbao push 数据文件.db --to 地址（或设置 CANBAO_PG）",
                " 上传后这里自动显示：本界面每 5 秒读取一次汇总数据库。",
            ]
        };
        let room = (area.height as usize).saturating_sub(1 + lines.len());
        lines.extend(hint.iter().take(room).map(|h| Line::styled(truncate(h, width), theme.muted())));
    }
    while lines.len() < (area.height as usize).saturating_sub(1) {
        lines.push(Line::raw(""));
    }
    let footer = if r.years.len() > 1 {
        pick(
            " q 退出  Up/Down 翻看学校  r 立即刷新  y 换年度  （每 5 秒自动刷新）",
            " q quit  Up/Down schools  r refresh now  y next year  (refreshes every 5 s)",
        )
    } else {
        pick(
            " q 退出  Up/Down 翻看学校  r 立即刷新  （每 5 秒自动刷新）",
            " q quit  Up/Down schools  r refresh now  (refreshes every 5 s)",
        )
    };
    lines.push(Line::styled(fit(footer, width), theme.muted()));
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::county::rollup::{Counts, SchoolLine};

    fn screen_text(screen: &CountyScreen) -> String {
        let backend = ratatui::backend::TestBackend::new(100, 24);
        let mut terminal = ratatui::Terminal::new(backend).unwrap();
        let theme = Theme::builtin_default();
        terminal.draw(|f| draw(f, f.area(), screen, &theme)).unwrap();
        crate::tui::test_support::rows(terminal.backend().buffer()).join("\n")
    }

    /// The dashboard showing `rollup` in `lang`, refreshed at 10:00 without error.
    fn screen_of(rollup: Rollup, lang: Language) -> CountyScreen {
        CountyScreen { rollup, refreshed: "10:00:00".into(), error: None, offset: 0, lang, refreshing: false }
    }

    /// A refresh that cannot reach the server says why before the address, which a real county's URL makes
    /// long (`?sslmode=verify-full&sslrootcert=…`): the reason is on screen, the address shortened after it.
    #[test]
    fn a_failed_refresh_shows_its_reason_before_the_address() {
        let shown = "postgresql://root:***@county-db.example.gov.cn:5432/county?sslmode=verify-full&\
                     sslrootcert=/etc/canbao/county-root.crt";
        for e in [
            crate::county::CountyError::Connect {
                shown: shown.into(),
                reason: "连接不上服务器 (error connecting to server: Connection refused (os error 111))".into(),
            },
            crate::county::CountyError::Timeout { shown: shown.into(), secs: 20 },
        ] {
            let said = e.shortened();
            assert!(!said.contains("sslrootcert"), "{said}");
            let screen = CountyScreen { error: Some(said), ..screen_of(Rollup::nothing_yet(None), Language::Zh) };
            let text = screen_text(&screen).replace(' ', "");
            assert!(text.contains("连接不上服务器") || text.contains("连接汇总数据库超时"), "{text}");
        }
    }

    #[test]
    fn a_county_nothing_was_pushed_to_says_how_to_push_and_that_pushes_show_up() {
        let screen = |lang| screen_of(Rollup::nothing_yet(None), lang);
        // Compared without spaces: the screen pads and aligns its columns with them.
        let text = screen_text(&screen(Language::Zh)).replace(' ', "");
        assert!(text.contains("全县汇总-只读"), "no year before the first push:\n{text}");
        assert!(!text.contains("年度"), "{text}");
        assert!(text.contains("还没有上传学生数据"), "{text}");
        assert!(text.contains("canbaopush数据文件.db--to地址"), "{text}");
        assert!(text.contains("本界面每5秒读取一次"), "{text}");
        let text = screen_text(&screen(Language::En));
        assert!(text.contains("county picture - read-only"), "{text}");
        assert!(text.contains("canbao push FILE.db --to URL"), "{text}");
    }

    #[test]
    fn each_school_has_its_line_and_rate() {
        let counts = |students, expected, enrolled| Counts { students, expected, enrolled, ..Counts::default() };
        let rollup = Rollup {
            year: Some(2027),
            years: vec![2027],
            totals: counts(30, 28, 14),
            former: 0,
            schools: vec![
                SchoolLine { school: "第一小学".into(), counts: counts(10, 10, 10) },
                SchoolLine { school: "第二小学".into(), counts: counts(20, 18, 4) },
            ],
            classes: None,
            enrollment: Default::default(),
            categories: Vec::new(),
            categories_to_recertify: 0,
            drives: Vec::new(),
            other_school_pupils: 0,
            schools_in_other_years: Vec::new(),
        };
        let screen = CountyScreen { error: Some("timeout".into()), ..screen_of(rollup, Language::Zh) };
        let text = screen_text(&screen).replace(' ', "");
        assert!(text.contains("2027年度"), "{text}");
        assert!(text.contains("第一小学101010100.0%"), "{text}");
        assert!(text.contains("第二小学2018422.2%"), "{text}");
        assert!(text.contains("刷新失败") && text.contains("timeout"), "{text}");
        assert!(text.contains("已参保14"), "{text}");
        // Below the drive's screens' minimum, the same request for a larger window, not cut-off columns.
        let backend = ratatui::backend::TestBackend::new(60, 10);
        let mut terminal = ratatui::Terminal::new(backend).unwrap();
        terminal.draw(|f| draw(f, f.area(), &screen, &Theme::builtin_default())).unwrap();
        let small: String =
            terminal.backend().buffer().content().iter().map(|c| c.symbol()).filter(|s| *s != " ").collect();
        assert!(small.contains("窗口太小") && !small.contains("第一小学"), "{small}");
    }

    /// A school whose drive is still in last year has no status in the year shown: it is listed under the
    /// schools counted, with its year and how to see it, not left off the screen.
    #[test]
    fn a_school_still_in_another_year_is_named_under_the_schools_counted() {
        let counts = |students, expected, enrolled| Counts { students, expected, enrolled, ..Counts::default() };
        let rollup = Rollup {
            year: Some(2027),
            years: vec![2026, 2027],
            totals: counts(10, 10, 5),
            schools: vec![SchoolLine { school: "第一小学".into(), counts: counts(10, 10, 5) }],
            schools_in_other_years: vec![crate::county::rollup::OtherYearSchool {
                school: "第二小学".into(),
                year: 2026,
                students: 4,
            }],
            ..Rollup::nothing_yet(Some(2027))
        };
        for (lang, said) in
            [(Language::Zh, "第二小学4人在2026年度，不在本年度数字中"), (Language::En, "4pupilsininsuredyear2026")]
        {
            let screen = screen_of(rollup.clone(), lang);
            let text = screen_text(&screen).replace(' ', "");
            assert!(text.contains(said), "{text}");
            assert!(text.contains("第一小学1010550.0%"), "{text}");
        }
    }

    /// Part payments, left out of 家庭缴费 (still to collect), are said beside it, as `rollup` says them: the
    /// families who still owe are not lost from the picture.
    #[test]
    fn part_payments_are_said_beside_the_family_payments() {
        let totals =
            Counts { students: 37, expected: 37, enrolled: 3, paid_in_full: 2, part_paid: 2, ..Counts::default() };
        let rollup = Rollup { year: Some(2027), years: vec![2027], totals, ..Rollup::nothing_yet(Some(2027)) };
        for (lang, said) in [(Language::Zh, "家庭缴费 2  部分缴费 2"), (Language::En, "family-paid 2  part-paid 2")]
        {
            let screen = screen_of(rollup.clone(), lang);
            let text = screen_text(&screen);
            assert!(text.contains(said), "{text}");
        }
    }
}
