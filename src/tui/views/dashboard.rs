//! The dashboard: totals, progress toward full coverage, the four ledgers, statuses, and a table of classes
//! with a coverage bar each. Bars are coloured spaces, not block characters, which CJK terminals may draw
//! two cells wide.

use ratatui::Frame;
use ratatui::layout::Rect;

use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::cells::{fit, fit_right, truncate};
use super::chrome;
use crate::tui::app::App;
use crate::tui::keymap::Context;
use crate::tui::layout;
use crate::tui::text::fill;
use crate::tui::theme::Theme;

const HINTS: &[&str] = &["back", "up", "down", "page_down"];

use crate::domain::coverage::percent;

/// A bar `width` cells wide, filled in proportion.
fn bar(theme: &Theme, permille: u32, width: usize) -> Vec<Span<'static>> {
    let full = (permille.min(1000) as usize * width + 500) / 1000;
    vec![
        Span::styled(" ".repeat(full), theme.bar_part(true)),
        Span::styled(" ".repeat(width - full), theme.bar_part(false)),
    ]
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let a = layout::framed(area);
    let t = app.text;
    chrome::title_bar(frame, app, a.title, t.dash_title);
    chrome::status_line(frame, app, a.status);
    chrome::footer(frame, app, a.footer, Context::Dashboard, HINTS, &["help", "quit"]);
    let Some(d) = &app.dashboard else { return };
    let theme = &app.theme;
    let width = a.body.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    let totals = fill(t.dash_totals, &[&d.students, &d.insured, &d.eligible, &d.problems]);
    lines.push(Line::raw(truncate(&format!(" {totals}"), width)));
    if let Some(p) = &app.policy {
        lines.push(Line::styled(truncate(&format!(" {}", fill(t.dash_policy, &[&p.title])), width), theme.muted()));
    } else {
        lines.push(Line::styled(truncate(&format!(" {}", t.no_policy), width), theme.muted()));
    }
    let progress_label = fit(&format!(" {}", t.dash_progress), 14);
    let value = format!(" {}", percent(d.coverage_permille()));
    let bar_width = width.saturating_sub(14 + 10);
    let mut progress = vec![Span::styled(progress_label, theme.header())];
    progress.extend(bar(theme, d.coverage_permille(), bar_width));
    progress.push(Span::styled(value, theme.header()));
    lines.push(Line::from(progress));
    // In place of a blank line, so the class table keeps its rows.
    let backup = match app.last_backup.as_deref() {
        Some(at) => fill(t.dash_backup, &[&at.get(..16).unwrap_or(at).replace('T', " ")]),
        None => t.dash_no_backup.to_owned(),
    };
    let file = match app.store.path() {
        Some(path) => format!("{}  ", fill(t.dash_file, &[&path.display()])),
        None => String::new(),
    };
    lines.push(Line::styled(truncate(&format!(" {file}{backup}"), width), theme.muted()));

    let mut ledgers = vec![Span::styled(fit(&format!(" {}", t.dash_ledgers), 14), theme.header())];
    let colors = [theme.paid, theme.unpaid, theme.elsewhere, theme.government];
    for ((ledger, n), color) in d.ledgers.iter().zip(colors) {
        ledgers.push(Span::styled(format!("{} ", t.ledger(*ledger)), theme.fg(color)));
        ledgers.push(Span::raw(format!("{n}    ")));
    }
    lines.push(Line::from(ledgers));
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
    let class_w = 16;
    let head = format!(
        " {}{}{}{}{} {}",
        fit(h[0], class_w),
        fit_right(h[1], 8),
        fit_right(h[2], 8),
        fit_right(h[3], 8),
        fit_right(h[4], 9),
        t.dash_bars
    );
    let head_w = 1 + class_w + 8 * 3 + 9 + 1;
    // Two bars side by side: registered (在校或异地参保) and paid, each over the pupils to insure.
    let bar_w = width.saturating_sub(head_w + 2) / 2;
    lines.push(Line::styled(head.clone(), theme.header()));
    lines.push(Line::raw(""));
    debug_assert_eq!(lines.len(), layout::DASHBOARD_HEAD as usize);
    let rows = layout::dashboard_class_rows(app.size);
    for c in d.classes.iter().skip(app.dashboard_offset).take(rows) {
        let pm = c.coverage_permille();
        let mut spans = vec![Span::raw(format!(
            " {}{}{}{}{} ",
            fit(&c.label, class_w),
            fit_right(&c.students.to_string(), 8),
            fit_right(&c.eligible.to_string(), 8),
            fit_right(&c.insured.to_string(), 8),
            fit_right(&percent(pm), 9)
        ))];
        spans.extend(bar(theme, c.registered_permille(), bar_w));
        spans.push(Span::raw(" "));
        spans.extend(bar(theme, c.settled_permille(), bar_w));
        lines.push(Line::from(spans));
    }
    frame.render_widget(Paragraph::new(lines), a.body);
}
