//! The help screen, generated from the keymap in force: every context, every bound action, its keys.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::cells::{fit, truncate};
use super::chrome;
use crate::tui::app::App;
use crate::tui::keymap::{Context, Keymap};
use crate::tui::layout;
use crate::tui::text::Text;

const ORDER: [Context; 8] = [
    Context::Roster,
    Context::Detail,
    Context::Dashboard,
    Context::Input,
    Context::Picker,
    Context::Dialog,
    Context::Help,
    Context::Global,
];
const KEYS_WIDTH: usize = 22;
/// Below this many columns beside the keys a description is cut rather than wrapped into a column of single words.
const MIN_HELP_WIDTH: usize = 12;

/// The help text as lines: a heading per context, then "keys  what they do". The actions `refused` (a read-only
/// window's marks, undo, import, reveal and correction) are left out, and a line under the intro says so: the
/// help lists what the keys do in this window, as the footer does.
pub fn lines(keymap: &Keymap, t: &Text, width: usize, refused: impl Fn(&str) -> bool) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> =
        layout::wrap(t.help_intro, width.saturating_sub(1)).into_iter().map(|r| (false, format!(" {r}"))).collect();
    if ORDER.iter().flat_map(|&c| keymap.own(c)).any(|(_, name)| refused(name)) {
        out.extend(
            layout::wrap(t.help_read_only, width.saturating_sub(1)).into_iter().map(|r| (false, format!(" {r}"))),
        );
    }
    out.push((false, String::new()));
    for context in ORDER {
        let actions: Vec<_> = keymap.own(context).iter().filter(|(_, name)| !refused(name)).collect();
        if actions.is_empty() {
            continue;
        }
        out.push((true, format!(" {}", t.context(context))));
        let mut seen: Vec<&str> = Vec::new();
        for (_, name) in actions {
            if seen.contains(name) {
                continue;
            }
            seen.push(name);
            let keys: Vec<String> =
                keymap.own(context).iter().filter(|(_, n)| n == name).map(|(k, _)| k.to_string()).collect();
            let help = t.action(name).map_or(*name, |a| a.help);
            // A description longer than the row goes on under itself rather than being cut: its end often says
            // when the key asks first or what it leaves alone.
            let indent = 3 + KEYS_WIDTH;
            let rows = layout::wrap(help, width.saturating_sub(indent).max(MIN_HELP_WIDTH));
            for (i, row) in rows.iter().enumerate() {
                let keys = if i == 0 { fit(&keys.join("  "), KEYS_WIDTH) } else { " ".repeat(KEYS_WIDTH) };
                out.push((false, truncate(&format!("   {keys}{row}"), width)));
            }
        }
        out.push((false, String::new()));
    }
    out
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect, offset: usize) {
    frame.render_widget(Clear, area);
    frame.render_widget(ratatui::widgets::Block::default().style(app.theme.base()), area);
    let a = layout::framed(area);
    chrome::title_bar(frame, app, a.title, app.text.help_title);
    chrome::footer(frame, app, a.footer, Context::Help, &["back", "down", "up", "page_down"], &[]);
    // The help covers the screen's status line: what a Ctrl-c here warned is read on its own.
    if app.quit_warning().is_some() {
        chrome::status_line(frame, app, a.status);
    }
    let all = lines(&app.keymap, app.text, a.body.width as usize, |name| app.refuses(name));
    let offset = offset.min(all.len().saturating_sub(a.body.height as usize));
    let shown: Vec<Line> = all
        .into_iter()
        .skip(offset)
        .take(a.body.height as usize)
        .map(
            |(heading, text)| {
                if heading { Line::styled(text, app.theme.header()) } else { Line::from(Span::raw(text)) }
            },
        )
        .collect();
    frame.render_widget(Paragraph::new(shown), a.body);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::Language;
    use unicode_width::UnicodeWidthStr;

    /// Every key's description is read whole at 80 and 120 columns in both languages: none is cut short with
    /// `..`, and no row is wider than the screen.
    #[test]
    fn every_help_line_is_whole_at_80_and_120_columns() {
        let keymap = Keymap::builtin();
        for lang in [Language::Zh, Language::En] {
            let t = Text::for_language(lang);
            for width in [80, 120] {
                for refused in [false, true] {
                    let refuse = |name: &str| refused && ["mark_payment", "reveal", "undo"].contains(&name);
                    for (_, row) in lines(&keymap, t, width, refuse) {
                        assert!(row.width() <= width, "{lang:?} {width}: {row:?}");
                        assert!(!row.ends_with(".."), "{lang:?} {width}: cut {row:?}");
                    }
                }
            }
        }
    }
}
