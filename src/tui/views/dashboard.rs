//! The dashboard: totals, progress toward full coverage, the four ledgers, statuses, a table of classes with
//! two gauges each, and the drive's days as a chart when there is room. Gauges are ratatui's `LineGauge` drawn
//! with coloured spaces and the chart's dots are braille: no block or line characters, which CJK terminals
//! may draw two cells wide.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, LineGauge, Paragraph};

use super::cells::{Folders, fit, fit_right, shorten_path, truncate, within};
use super::chrome;
use crate::tui::app::App;
use crate::tui::keymap::Context;
use crate::tui::layout;
use crate::tui::text::fill;
use crate::tui::theme::Theme;
use unicode_width::UnicodeWidthStr;

const HINTS: &[&str] = &["take_over", "back", "up", "down", "page_down"];

use crate::domain::coverage::percent;

/// A gauge filled in proportion; never full before every pupil is counted (the fill is rounded down).
fn gauge(theme: &Theme, permille: u32) -> LineGauge<'static> {
    LineGauge::default()
        .ratio(f64::from(permille.min(1000)) / 1000.0)
        .label("")
        .filled_symbol(" ")
        .unfilled_symbol(" ")
        .filled_style(theme.bar_part(true))
        .unfilled_style(theme.bar_part(false))
}

/// Rows the chart of the drive's days needs to be worth drawing: its title, the dots, and the dates.
const CHART_MIN_ROWS: u16 = 7;

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let a = layout::framed(area);
    let t = app.text;
    chrome::title_bar(frame, app, a.title, t.dash_title);
    chrome::status_line(frame, app, a.status);
    if !chrome::keys_wait(app) {
        chrome::footer(frame, app, a.footer, Context::Dashboard, HINTS, &["help", "quit"]);
    }
    let Some(d) = &app.dashboard else { return };
    let theme = &app.theme;
    let width = a.body.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    let totals = fill(t.dash_totals, &[&d.students, &d.insured, &d.eligible, &d.problems]);
    lines.push(Line::raw(truncate(&format!(" {totals}"), width)));
    if let Some(p) = &app.policy {
        lines.push(Line::styled(truncate(&format!(" {}", fill(t.dash_policy, &[&p.title])), width), theme.muted()));
    } else {
        lines.push(Line::styled(truncate(&format!(" {}", t.dash_no_policy), width), theme.muted()));
    }
    // The label and the figure; the gauge between them is drawn over this line once the text is down.
    let progress_label = fit(&format!(" {}", t.dash_progress), 14);
    let value = format!(" {}", percent(d.coverage_permille()));
    let bar_width = width.saturating_sub(14 + 10);
    let progress_row = lines.len() as u16;
    lines.push(Line::from(vec![
        Span::styled(progress_label, theme.header()),
        Span::raw(" ".repeat(bar_width)),
        Span::styled(value, theme.header()),
    ]));
    // In place of a blank line, so the class table keeps its rows.
    // The drive file's path and when it was last backed up: on a narrow screen the backup's words give up when
    // backups are taken, then the path its folder from the left, so the file's name and the backup's time stay.
    let (backup, backup_short) = match app.last_backup.as_deref() {
        Some(at) => (fill(t.dash_backup, &[&at]), fill(t.dash_backup_short, &[&at])),
        None => (t.dash_no_backup.to_owned(), t.dash_no_backup_short.to_owned()),
    };
    let line = match app.store.path().map(|p| p.display().to_string()) {
        Some(path) => {
            let with = |path: &str, backup: &str| format!(" {}  {backup}", fill(t.dash_file, &[&path]));
            let whole = with(&path, &backup);
            if whole.width() <= width {
                whole
            } else {
                let room = width.saturating_sub(with("", &backup_short).width());
                with(&shorten_path(&path, Folders::NearFile, within(room)), &backup_short)
            }
        }
        None => format!(" {backup}"),
    };
    lines.push(Line::styled(truncate(&line, width), theme.muted()));

    // Spaced out where the line has room; closer together, then with the shorter word for the 财政代缴 not yet
    // recorded, then with the ledgers' shorter names (four-digit counts at 80 columns), where it has not, so the
    // last ledger's figure is never the part cut off.
    let colors = [theme.paid, theme.unpaid, theme.elsewhere, theme.government];
    let ledger_line = |gap: usize, unrecorded: &str, short_names: bool| {
        let mut spans = vec![Span::styled(fit(&format!(" {}", t.dash_ledgers), 14), theme.header())];
        for (i, ((ledger, n), color)) in d.ledgers.iter().zip(colors).enumerate() {
            let name = if short_names { t.ledger_short(*ledger) } else { t.ledger(*ledger) };
            spans.push(Span::styled(format!("{name} "), theme.fg(color)));
            let gap = if i + 1 < d.ledgers.len() { gap } else { 0 };
            // A pupil counted 财政代缴 by category, whose department's payment nobody recorded, is not insured yet:
            // said, so the ledgers add up to 已参保.
            let more = if *ledger == crate::domain::policy::Ledger::GovernmentPaid && d.government_unrecorded > 0 {
                fill(unrecorded, &[&d.government_unrecorded])
            } else {
                String::new()
            };
            spans.push(Span::raw(format!("{n}{more}{}", " ".repeat(gap))));
        }
        Line::from(spans)
    };
    let fits = |line: &Line| line.width() <= width;
    let (long, short) = (t.dash_government_unrecorded, t.dash_government_unrecorded_short);
    let ledgers = [(4, long, false), (2, long, false), (2, short, false), (1, short, false), (2, short, true)]
        .into_iter()
        .map(|(gap, unrecorded, short_names)| ledger_line(gap, unrecorded, short_names))
        .find(fits)
        .unwrap_or_else(|| ledger_line(1, short, true));
    lines.push(ledgers);
    let mut statuses = vec![Span::styled(fit(&format!(" {}", t.dash_statuses), 14), theme.header())];
    for (e, n) in &d.enrollment {
        statuses.push(Span::styled(format!("{} ", t.enrollment(*e)), theme.muted()));
        statuses.push(Span::raw(format!("{n}  ")));
    }
    lines.push(Line::from(statuses));
    // The last days of the drive, newest last: the figures the working group reports each evening.
    let mut daily = vec![Span::styled(fit(&format!(" {}", t.dash_days), 14), theme.header())];
    if d.days.is_empty() {
        daily.push(Span::styled(t.dash_no_days, theme.muted()));
    }
    let mut used = 14;
    let shown: Vec<String> = d
        .days
        .iter()
        .rev()
        .map(|day| fill(t.dash_day, &[&day.date.format("%m-%d"), &day.enrolled, &day.paid]))
        .take_while(|text| {
            used += unicode_width::UnicodeWidthStr::width(text.as_str()) + 3;
            used <= width
        })
        .collect();
    for text in shown.into_iter().rev() {
        daily.push(Span::raw(format!("{text}   ")));
    }
    lines.push(Line::from(daily));

    // The class table: fixed number columns, then a bar in whatever width is left.
    let h = &t.dash_class_header;
    // A drive of several schools names each line's school: two schools may each have a 一年级1班.
    let several = d.classes.iter().any(|c| c.school != d.classes.first().map_or("", |f| f.school.as_str()));
    let label = |c: &crate::tui::dashboard::ClassLine| {
        // Pupils without a class are a line of their own, named as `canbao stats` names them, not a blank.
        let class = if c.label.trim().is_empty() { t.dash_no_class } else { c.label.as_str() };
        if several { format!("{} {class}", c.school) } else { class.to_owned() }
    };
    let class_w = if several {
        d.classes
            .iter()
            .map(|c| unicode_width::UnicodeWidthStr::width(label(c).as_str()) + 1)
            .max()
            .unwrap_or(16)
            .clamp(16, 32)
    } else {
        16
    };
    // The words over the bars, shorter where the line has no room for them (two schools' class names at 80
    // columns), and the class column narrower only when even those do not fit.
    let numbers_w = 1 + 8 * 3 + 9 + 1;
    let bars = if numbers_w + class_w + t.dash_bars.width() <= width { t.dash_bars } else { t.dash_bars_short };
    let class_w = class_w.min(width.saturating_sub(numbers_w + bars.width())).max(10);
    let head = truncate(
        &format!(
            " {}{}{}{}{} {}",
            fit(h[0], class_w),
            fit_right(h[1], 8),
            fit_right(h[2], 8),
            fit_right(h[3], 8),
            fit_right(h[4], 9),
            bars
        ),
        width,
    );
    let head_w = 1 + class_w + 8 * 3 + 9 + 1;
    // Two bars side by side: registered (在校或异地参保) and paid, each over the pupils to insure.
    let bar_w = width.saturating_sub(head_w + 2) / 2;
    lines.push(Line::styled(head.clone(), theme.header()));
    lines.push(Line::raw(""));
    debug_assert_eq!(lines.len(), layout::DASHBOARD_HEAD as usize);
    let rows = layout::dashboard_class_rows(app.size);
    let first_class_row = lines.len() as u16;
    let shown: Vec<_> = d.classes.iter().skip(app.dashboard_offset).take(rows).collect();
    for c in &shown {
        lines.push(Line::raw(format!(
            " {}{}{}{}{} ",
            fit(&label(c), class_w),
            fit_right(&c.students.to_string(), 8),
            fit_right(&c.eligible.to_string(), 8),
            fit_right(&c.insured.to_string(), 8),
            fit_right(&percent(c.coverage_permille()), 9)
        )));
    }
    let used = lines.len() as u16;
    frame.render_widget(Paragraph::new(lines), a.body);

    let body = a.body;
    let at = |row: u16, x: usize, w: usize| Rect {
        x: body.x + x as u16,
        y: body.y + row,
        width: (w as u16).min(body.width.saturating_sub(x as u16)),
        height: 1,
    };
    if row_fits(body, progress_row) {
        frame.render_widget(gauge(theme, d.coverage_permille()), at(progress_row, 13, bar_width + 1));
    }
    // Two gauges side by side: registered (在校或异地参保) and paid, each over the pupils to insure.
    for (i, c) in shown.iter().enumerate() {
        let row = first_class_row + i as u16;
        if !row_fits(body, row) {
            break;
        }
        frame.render_widget(gauge(theme, c.registered_permille()), at(row, head_w - 1, bar_w + 1));
        frame.render_widget(gauge(theme, c.settled_permille()), at(row, head_w + bar_w, bar_w + 1));
    }
    let spare = body.height.saturating_sub(used + 1);
    if spare >= CHART_MIN_ROWS && d.days.len() >= 2 {
        days_chart(frame, app, Rect { y: body.y + used + 1, height: spare, ..body }, &d.days);
    }
}

fn row_fits(body: Rect, row: u16) -> bool {
    row < body.height
}

/// The drive so far, day by day: how many pupils were registered and how many paid at the end of each day,
/// as two lines of braille dots, with the first and last dates and the totals in words.
fn days_chart(frame: &mut Frame, app: &App, area: Rect, days: &[crate::store::DayProgress]) {
    let t = app.text;
    let theme = &app.theme;
    let mut enrolled = Vec::with_capacity(days.len());
    let mut paid = Vec::with_capacity(days.len());
    // The totals at each day's end, not the days' figures added up: a payment cleared on a later day comes off.
    let (mut e, mut p, mut top) = (0i64, 0i64, 1i64);
    for (i, day) in days.iter().enumerate() {
        (e, p) = (day.enrolled_total, day.paid_total);
        top = top.max(e).max(p);
        enrolled.push((i as f64, e as f64));
        paid.push((i as f64, p as f64));
    }
    let top = top as f64;
    let (first, last) = (days[0].date, days[days.len() - 1].date);
    // The legend in words, each in its line's colour (ratatui's own legend is boxed in line characters).
    let title = fill(t.dash_chart, &[&first.format("%m-%d"), &last.format("%m-%d")]);
    let title = Line::from(vec![
        Span::styled(format!(" {title}  "), theme.header()),
        Span::styled(fill(t.dash_chart_enrolled, &[&e]), theme.fg(theme.elsewhere)),
        Span::raw("  "),
        Span::styled(fill(t.dash_chart_paid, &[&p]), theme.fg(theme.paid)),
    ]);
    frame.render_widget(Paragraph::new(title), Rect { height: 1, ..area });
    let plot = Rect { x: area.x + 1, y: area.y + 1, width: area.width.saturating_sub(2), height: area.height - 1 };
    let chart = Chart::new(vec![
        Dataset::default()
            .marker(Marker::Braille)
            .graph_type(GraphType::Line)
            .style(theme.fg(theme.elsewhere))
            .data(&enrolled),
        Dataset::default().marker(Marker::Braille).graph_type(GraphType::Line).style(theme.fg(theme.paid)).data(&paid),
    ])
    // No axis labels: ratatui then draws no axis lines, whose box-drawing characters some terminals widen.
    .x_axis(Axis::default().bounds([0.0, (days.len() - 1) as f64]))
    .y_axis(Axis::default().bounds([0.0, top]))
    .legend_position(None);
    frame.render_widget(chart, plot);
}
