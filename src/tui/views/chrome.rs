//! The title bar, the status line and the footer of key hints (generated from the keymap).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::cells::{fit, truncate};
use crate::tui::app::App;
use crate::tui::keymap::Context;
use crate::tui::text::fill;

pub fn title_bar(frame: &mut Frame, app: &App, area: Rect, screen: &str) {
    let t = app.text;
    let school = match app.schools.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        many => fill(t.schools, &[&many.len()]),
    };
    let mut parts = vec![t.app_title.to_owned(), screen.to_owned()];
    if !school.is_empty() {
        parts.push(school);
    }
    if let Some(year) = app.store.year_in_title() {
        parts.push(fill(t.year_title, &[&year]));
    }
    parts.push(fill(t.operator, &[&app.store.operator()]));
    parts.push(app.store.today().format("%Y-%m-%d").to_string());
    let mut flags = Vec::new();
    if app.demo {
        flags.push(t.sample_drive);
    }
    if app.backup_copy {
        flags.push(t.backup_copy);
    }
    if app.store.is_read_only() {
        flags.push(t.read_only);
    }
    if app.reveal || app.revealed_pupil.is_some() {
        flags.push(t.ids_shown);
    }
    if app.mask_exports {
        flags.push(t.masked_flag);
    }
    let right = if flags.is_empty() { String::new() } else { format!(" {} ", flags.join(" | ")) };
    let width = (area.width as usize).saturating_sub(right.width());
    // Which file is open, so work never goes into the wrong drive unseen: its name when it fits whole (a cut
    // name says nothing), and the whole path on the dashboard.
    if let Some(name) = app.store.path().and_then(|p| p.file_name()) {
        let name = name.to_string_lossy();
        if 1 + parts.join(" | ").width() + 3 + name.width() <= width {
            parts.push(name.into_owned());
        }
    }
    let left = fit(&format!(" {}", parts.join(" | ")), width);
    let line = Line::from(vec![
        Span::styled(left, app.theme.title()),
        Span::styled(right, app.theme.title().fg(app.theme.warning.0)),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

pub fn status_line(frame: &mut Frame, app: &App, area: Rect) {
    if let Some(status) = &app.status {
        let style = if status.error { app.theme.fg(app.theme.error) } else { app.theme.fg(app.theme.success) };
        let text = truncate(&format!(" {}", status.text), area.width as usize);
        frame.render_widget(Paragraph::new(Span::styled(text, style)), area);
    }
}

/// "Key label" pairs for `actions` in `context`, as many as fit in `width`; returns the spans and their width.
pub fn hints(app: &App, context: Context, actions: &[&str], width: usize) -> (Vec<Span<'static>>, usize) {
    let mut spans = Vec::new();
    let mut used = 0;
    for name in actions {
        let Some(key) = app.keymap.keys_for(context, name).into_iter().next() else {
            continue;
        };
        let key = key.to_string();
        let label = app.text.short(name);
        let w = 1 + key.width() + 1 + label.width() + 1;
        if used + w > width {
            break;
        }
        used += w;
        spans.push(Span::raw(" "));
        spans.push(Span::styled(key, app.theme.key()));
        spans.push(Span::raw(format!(" {label} ")));
    }
    (spans, used)
}

/// The footer: the screen's main keys from the left, and the `tail` keys (help, quit) always, on the right.
pub fn footer(frame: &mut Frame, app: &App, area: Rect, context: Context, actions: &[&str], tail: &[&str]) {
    let width = area.width as usize;
    let (right, right_w) = hints(app, context, tail, width);
    let (mut spans, left_w) = hints(app, context, actions, width.saturating_sub(right_w));
    spans.push(Span::raw(" ".repeat(width.saturating_sub(left_w + right_w))));
    spans.extend(right);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
