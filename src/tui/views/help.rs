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

/// The help text as lines: a heading per context, then "keys  what they do". The actions `refused` (a read-only
/// window's marks, undo, import, reveal and correction) are left out, and a line under the intro says so: the
/// help lists what the keys do in this window, as the footer does.
pub fn lines(keymap: &Keymap, t: &Text, width: usize, refused: impl Fn(&str) -> bool) -> Vec<(bool, String)> {
    let mut out = vec![(false, truncate(&format!(" {}", t.help_intro), width))];
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
            let line = format!("   {}{}", fit(&keys.join("  "), KEYS_WIDTH), help);
            out.push((false, truncate(&line, width)));
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
