//! The title bar, the status line and the footer of key hints (generated from the keymap).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::cells::{Folders, fit, shorten_path, truncate, truncate_middle, within};
use crate::tui::app::App;
use crate::tui::keymap::Context;
use crate::tui::modal::Modal;
use crate::tui::text::fill;

pub fn title_bar(frame: &mut Frame, app: &App, area: Rect, screen: &str) {
    let t = app.text;
    let school = match app.schools.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        many => fill(t.schools, &[&many.len()]),
    };
    let mut parts = vec![t.app_title.to_owned(), screen.to_owned()];
    let school_at = (!school.is_empty()).then_some(parts.len());
    if !school.is_empty() {
        parts.push(school);
    }
    if let Some(year) = app.store.year_in_title() {
        parts.push(fill(t.year_title, &[&year]));
    }
    let operator_at = parts.len();
    parts.push(fill(t.operator, &[&app.store.operator()]));
    let today = app.store.today().format("%Y-%m-%d").to_string();
    let flags_with = |sample: &'static str| {
        let mut flags = Vec::new();
        if app.demo {
            flags.push(sample);
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
        if flags.is_empty() { String::new() } else { format!(" {} ", flags.join(" | ")) }
    };
    // Which file is open, so work never goes into the wrong drive unseen (a school's drive, laptop B's copy, a
    // restored backup, a trial copy of the new year): kept over the app's name and the school's, cut in the
    // middle where it must be, as its start and its end (`.db`, a copy's `-B`) tell copies apart.
    let mut name = app.store.path().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
    let over = |parts: &[String], name: &Option<String>, right: &str| {
        let shown: Vec<&String> = parts.iter().filter(|p| !p.is_empty()).collect();
        let parts_width = shown.iter().map(|p| p.width()).sum::<usize>() + 3 * shown.len();
        let name_width = name.as_ref().map_or(0, |n| 3 + n.width());
        (1 + parts_width + today.width() + name_width + right.width()).saturating_sub(area.width as usize)
    };
    // The sample's mark says the rest of it where there is room.
    let mut right = flags_with(t.sample_drive);
    if over(&parts, &name, &right) > 0 {
        right = flags_with(t.sample_drive_short);
    }
    let width = (area.width as usize).saturating_sub(right.width());
    // A cut date reads as another day, and the year shown beside it is the one the marks go to: they stay whole.
    // Room is given up first by the app's name (the operator knows which program this is), then by the school's
    // name, cut while some of it stays, then by the file's, cut in the middle down to a few characters of each
    // end, then by the school's again and last the operator's (cut, else left out), so whoever's name goes on each
    // change stays in sight; the file's name has what room is left, and goes only where none is.
    // 12 columns, cut in the middle: the last 5 keep the ending that tells files apart (「.db」 and a copy's
    // 「-B」), the first 5 two characters of the name (a Chinese character is 2 wide), the cut mark the other 2.
    const NAME_LEAST: usize = 12;
    if over(&parts, &name, &right) > 0 {
        parts[0] = String::new();
    }
    let cut = |part: &mut String, over: usize, or_leave_out: bool| {
        let keep = part.width().saturating_sub(over);
        if keep >= 6 {
            *part = truncate(part, keep);
        } else if or_leave_out {
            part.clear();
        }
    };
    if let Some(at) = school_at {
        let over = over(&parts, &name, &right);
        cut(&mut parts[at], over, false);
    }
    let least = name.as_ref().map(|n| truncate_middle(n, NAME_LEAST));
    for at in [school_at, Some(operator_at)].into_iter().flatten() {
        let over = over(&parts, &least, &right);
        if over == 0 {
            break;
        }
        cut(&mut parts[at], over, true);
    }
    // A name that fits stays whole however short (`A.db`); only one cut below a few characters is left out.
    let name_over = over(&parts, &name, &right);
    if let Some(whole) = &name
        && name_over > 0
    {
        let room = whole.width().saturating_sub(name_over);
        name = (room >= 6).then(|| truncate_middle(whole, room));
    }
    parts.retain(|p| !p.is_empty());
    parts.push(today);
    parts.extend(name);
    let left = fit(&format!(" {}", parts.join(" | ")), width);
    let line = Line::from(vec![
        Span::styled(left, app.theme.title()),
        Span::styled(right, app.theme.title().fg(app.theme.warning.0)),
    ]);
    frame.render_widget(Paragraph::new(line), area);
}

pub fn status_line(frame: &mut Frame, app: &App, area: Rect) {
    // A Ctrl-c's warning is read over what the line said, which comes back with the next key.
    if let Some(status) = app.quit_warning().or(app.status.as_ref()) {
        let style = if status.error { app.theme.fg(app.theme.error) } else { app.theme.fg(app.theme.success) };
        let width = area.width as usize;
        let mut text = format!(" {}", status.text);
        if text.width() > width
            && let Some(path) = &status.path
            && let Some(at) = text.rfind(path.as_str())
        {
            let (before, after) = (&text[..at], &text[at + path.len()..]);
            let room = width.saturating_sub(before.width() + after.width());
            text = format!("{before}{}{after}", shorten_path(path, Folders::NearFile, within(room)));
        }
        let text = truncate(&text, width);
        frame.render_widget(Paragraph::new(Span::styled(text, style)), area);
    }
}

/// A dialog is open over the screen, and the screen's keys wait until it closes (q and ? are typed or do nothing
/// in it): the screen's footer lists none of them, in either language, and the dialog its own. The file picker
/// keeps the screen's footer in sight below it (`views::draw`); the help screen draws a footer of its own.
pub fn keys_wait(app: &App) -> bool {
    app.modal.as_ref().is_some_and(|m| !matches!(m, Modal::Files(_) | Modal::Help { .. }))
}

/// A key hint: the action, and the screen's own label for it where the action's short label would not say
/// what the key does there.
pub type Hint<'a> = (&'a str, Option<&'a str>);

/// One hint as " key label ", with its width; `None` when no key is bound to the action, or the window refuses
/// it (a read-only window's marks, undo and import: a key shown is a key that works).
fn hint(app: &App, context: Context, (name, label): Hint) -> Option<(Vec<Span<'static>>, usize)> {
    // Taking over is listed only once there is a writer's place to take.
    if app.refuses(name) || (name == "take_over" && !app.may_take_over()) {
        return None;
    }
    let key = app.keymap.keys_for(context, name).into_iter().next()?.to_string();
    let label = label.unwrap_or_else(|| app.text.short(name));
    let w = 1 + key.width() + 1 + label.width() + 1;
    Some((vec![Span::raw(" "), Span::styled(key, app.theme.key()), Span::raw(format!(" {label} "))], w))
}

/// The footer's rows: the screen's keys from the left, on as few rows as hold them all (at most `max_rows`),
/// and the `tail` keys (help, quit) always, on the right of the last row. Keys that do not fit even then are
/// left out from the end.
pub fn footer_lines(
    app: &App,
    context: Context,
    actions: &[Hint],
    tail: &[&str],
    width: usize,
    max_rows: usize,
) -> Vec<Line<'static>> {
    let items: Vec<_> = actions.iter().filter_map(|&h| hint(app, context, h)).collect();
    let mut right = Vec::new();
    let mut right_w = 0;
    for &name in tail {
        let Some((spans, w)) = hint(app, context, (name, None)) else { continue };
        if right_w + w > width {
            break;
        }
        right.extend(spans);
        right_w += w;
    }
    let max_rows = max_rows.max(1);
    // Rows of item indexes, filled in order; the last row leaves room for the tail.
    let pack = |rows: usize| -> (Vec<Vec<usize>>, bool) {
        let mut out: Vec<Vec<usize>> = vec![Vec::new()];
        let mut used = 0;
        for (i, (_, w)) in items.iter().enumerate() {
            let room = |row: usize| if row + 1 == rows { width.saturating_sub(right_w) } else { width };
            if used + w > room(out.len() - 1) {
                if out.len() == rows {
                    return (out, false);
                }
                out.push(Vec::new());
                used = 0;
                if *w > room(out.len() - 1) {
                    return (out, false);
                }
            }
            used += w;
            if let Some(row) = out.last_mut() {
                row.push(i);
            }
        }
        // The keys filled fewer rows than allowed, the last of them too full for the tail: the tail takes a row
        // of its own rather than be cut off.
        if used > width.saturating_sub(right_w) {
            if out.len() == rows {
                return (out, false);
            }
            out.push(Vec::new());
        }
        (out, true)
    };
    let rows = (1..=max_rows).map(pack).find(|(_, all)| *all).map_or_else(|| pack(max_rows).0, |(rows, _)| rows);
    let count = rows.len();
    rows.into_iter()
        .enumerate()
        .map(|(r, row)| {
            let mut spans: Vec<Span<'static>> = Vec::new();
            let mut used = 0;
            for i in row {
                spans.extend(items[i].0.iter().cloned());
                used += items[i].1;
            }
            if r + 1 == count {
                spans.push(Span::raw(" ".repeat(width.saturating_sub(used + right_w))));
                spans.extend(right.iter().cloned());
            }
            Line::from(spans)
        })
        .collect()
}

/// The footer on one row: the screen's main keys from the left, and the `tail` keys (help, quit) always, on the
/// right.
pub fn footer(frame: &mut Frame, app: &App, area: Rect, context: Context, actions: &[&str], tail: &[&str]) {
    let hints: Vec<Hint> = actions.iter().map(|&name| (name, None)).collect();
    let lines = footer_lines(app, context, &hints, tail, area.width as usize, 1);
    frame.render_widget(Paragraph::new(lines), area);
}
