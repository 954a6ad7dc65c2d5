//! The roster: filter line, search line, and the table of pupils. Only the rows on screen are formatted, so a
//! frame costs the same at 500 pupils as at 500k.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::cells::{fit, fit_middle, truncate};
use super::chrome;
use crate::domain::id_number;
use crate::domain::student::{Enrollment, PaymentStatus};
use crate::tui::app::App;
use crate::tui::keymap::Context;
use crate::tui::layout;
use crate::tui::text::{Text, fill};

const ROSTER_HINTS: &[&str] = &[
    // First, so it is never left out: listed only in a read-only window whose writer has closed.
    "take_over",
    "search",
    "palette",
    "open_detail",
    "enrollment",
    "toggle_paid",
    "toggle_government",
    "categories",
    "undo",
    "dashboard",
    "toggle_select",
    "edit_note",
    "filters",
    "import",
    "export",
];
const SEARCH_HINTS: &[&str] = &["confirm", "back", "up", "down"];
const TAIL: &[&str] = &["help", "quit"];

/// The roster's key hints, on two rows when one does not hold them (an 80-column terminal): a key left out of
/// the footer is a key the operator never learns.
fn footer_lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let hints: Vec<chrome::Hint> = ROSTER_HINTS.iter().map(|&name| (name, None)).collect();
    chrome::footer_lines(app, Context::Roster, &hints, TAIL, width as usize, 2)
}

/// Where the roster's parts go: the table gives up a row to a footer of two. Drawing reads it, and so do the
/// page keys and clicks (`App::page`).
pub fn areas(app: &App, area: Rect) -> layout::RosterAreas {
    layout::roster(area, footer_lines(app, area.width).len() as u16)
}

/// Column widths: mark, name, ID, class, enrollment, payment, categories; and the school's before the class
/// on a drive of several schools (0 on a drive of one), where two pupils may share a name and a class and only
/// the school tells them apart. Wider terminals give the name and class more room first, the categories the
/// rest; the school takes what its names need, from the categories. Left narrower than their heading (the
/// school's column at 80 columns), the categories take room back from the class column down to its widest
/// class, then from the name down to four Chinese characters, then from the school down to its heading, so
/// 「人员类别」 and "Categories" are read whole at 80 columns in both languages.
struct Columns {
    widths: [usize; 7],
    school: usize,
    /// Each school's name as the column shows it (see `short_school_names`), by school index.
    school_names: Vec<String>,
}

impl Columns {
    fn for_width(width: usize, schools: &[(u32, String)], classes: &[String], t: &Text) -> Columns {
        let extra = width.saturating_sub(80);
        let mut name = 10 + (extra / 4).min(4);
        let mut class = 12 + (extra / 4).min(6);
        let school_names = if schools.len() > 1 { short_school_names(schools) } else { Vec::new() };
        let widest = school_names.iter().map(|n| n.width()).max().unwrap_or(0);
        let school_title = t.col_school.width();
        let mut school = if school_names.is_empty() { 0 } else { widest.max(school_title).clamp(4, 8 + extra / 5) };
        let fixed = |name: usize, class: usize, school: usize| {
            3 + name + 1 + 18 + 1 + class + 1 + 9 + 1 + 9 + 1 + if school > 0 { school + 1 } else { 0 }
        };
        let mut short = t.col_categories.width().saturating_sub(width.saturating_sub(fixed(name, class, school)));
        let widest_class = classes.iter().map(|c| c.width()).max().unwrap_or(0).max(t.col_class.width());
        let school_floor = if school > 0 { school_title.max(4) } else { 0 };
        for (column, floor) in [(&mut class, widest_class), (&mut name, 8), (&mut school, school_floor)] {
            let given = short.min(column.saturating_sub(floor));
            *column -= given;
            short -= given;
        }
        let categories = width.saturating_sub(fixed(name, class, school));
        Columns { widths: [3, name, 18, class, 9, 9, categories], school, school_names }
    }
}

/// The schools' names as a narrow column shows them: the part that tells them apart. A start every name shares,
/// up to an administrative unit (柳州市, 城中区), is left out, and so is a kind of school every name ends in
/// (小学, 中学 …): 柳州市第一小学 and 柳州市第二小学 read 第一 and 第二, not 柳州市.. twice, and leave the
/// categories room on an 80-column screen. The detail screen shows the whole name.
fn short_school_names(schools: &[(u32, String)]) -> Vec<String> {
    let names: Vec<Vec<char>> = schools.iter().map(|(_, n)| n.chars().collect()).collect();
    let Some(first) = names.first() else { return Vec::new() };
    let shared = names
        .iter()
        .skip(1)
        .fold(first.len(), |len, n| first.iter().zip(n).take(len).take_while(|(a, b)| a == b).count());
    let cut = first[..shared].iter().rposition(|c| "省市州盟区县旗镇乡".contains(*c)).map_or(0, |at| at + 1);
    let kind = ["中心小学", "完全小学", "幼儿园", "小学", "中学", "学校"]
        .iter()
        .map(|k| k.chars().collect::<Vec<char>>())
        .find(|k| names.iter().all(|n| n.len() > cut + k.len() && n.ends_with(k)))
        .map_or(0, |k| k.len());
    names
        .iter()
        .map(|n| if n.len() > cut + kind { n[cut..n.len() - kind].iter().collect() } else { n.iter().collect() })
        .collect()
}

/// Where the status line goes. The roster's keys wait while a dialog is open, and the footer lists none of them.
/// A tall dialog covers the rows above the footer, the status line among them: the status line (what the dialog's
/// last key did) then takes the footer's first row. The file picker stays above the status line (`views::draw`).
pub fn status_area(app: &App, area: Rect) -> Rect {
    let a = areas(app, area);
    match !app.roster.is_searching() && chrome::keys_wait(app) && a.footer.height > 1 {
        true => Rect { height: 1, ..a.footer },
        false => a.status,
    }
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let a = areas(app, area);
    chrome::title_bar(frame, app, a.title, app.text.roster_title);
    filter_line(frame, app, a.filters);
    search_line(frame, app, a.search);
    let columns = Columns::for_width(area.width as usize, &app.data.schools, &app.data.classes, app.text);
    header(frame, app, a.header, &columns);
    body(frame, app, a.body, &columns);
    if app.roster.is_searching() {
        chrome::status_line(frame, app, a.status);
        chrome::footer(frame, app, a.footer, Context::Input, SEARCH_HINTS, &[]);
    } else if chrome::keys_wait(app) {
        chrome::status_line(frame, app, status_area(app, area));
    } else {
        chrome::status_line(frame, app, a.status);
        frame.render_widget(Paragraph::new(footer_lines(app, area.width)), a.footer);
    }
}

fn filter_line(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.text;
    let f = app.roster.filters();
    let value = |v: Option<String>| match v {
        Some(v) => (v, app.theme.key(), true),
        None => (t.all.to_owned(), Style::default(), false),
    };
    let items = [
        (t.filter_class, value(f.class.and_then(|c| class_name(app, c)))),
        (t.filter_enrollment, value(f.enrollment.map(|e| t.enrollment(e).to_owned()))),
        (t.filter_payment, value(f.payment.map(|p| t.payment(p).to_owned()))),
        (t.filter_category, value(f.category.and_then(|c| app.data.category_names.get(c as usize).cloned()))),
    ];
    let mut right = fill(t.shown_count, &[&app.roster.shown().len(), &app.data.len()]);
    if !app.roster.marked().is_empty() {
        right.push_str("  ");
        right.push_str(&fill(t.marked_count, &[&app.roster.marked().len()]));
    }
    right.push(' ');
    // The counts always show. The filters name each filter, 「全部」 too, where there is room; else only those
    // set (「全部」 is what an unnamed filter means), and only then are they cut.
    let room = (area.width as usize).saturating_sub(right.width());
    let filter_spans = |all_too: bool| {
        let mut spans = vec![Span::styled(format!(" {} ", t.filters), app.theme.muted())];
        let mut named = 0;
        for (label, (v, style, set)) in items.iter().cloned() {
            if !all_too && !set {
                continue;
            }
            spans.push(Span::styled(format!("{label} "), app.theme.muted()));
            spans.push(Span::styled(v, style));
            spans.push(Span::raw("  "));
            named += 1;
        }
        if f.problems_only {
            spans.push(Span::styled(t.only_problems, app.theme.fg(app.theme.warning)));
        } else if named == 0 {
            spans.push(Span::styled(t.no_filters, app.theme.muted()));
        }
        spans
    };
    // The spaces after the last filter are the gap before the counts: they need no room of their own.
    let width = |spans: &[Span]| spans.iter().map(|s| s.content.as_ref()).collect::<String>().trim_end().width();
    let mut spans = filter_spans(true);
    if width(&spans) >= room {
        spans = filter_spans(false);
    }
    let left: String = spans.iter().map(|s| s.content.as_ref()).collect();
    if left.trim_end().width() >= room {
        spans = vec![Span::raw(truncate(left.trim_end(), room.saturating_sub(1)))];
    }
    let used: usize = spans.iter().map(|s| s.content.width()).sum();
    spans.push(Span::raw(" ".repeat(room.saturating_sub(used))));
    let marked_style = if app.roster.marked().is_empty() { Style::default() } else { app.theme.fg(app.theme.marked) };
    spans.push(Span::styled(right, marked_style));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The class filter's value: the class, named with its school on a drive of several schools, where two may each
/// have a 一年级1班.
pub(super) fn class_name(app: &App, c: u32) -> Option<String> {
    let label = app.data.classes.get(c as usize)?;
    Some(match app.data.class_school(c) {
        Some(school) => fill(app.text.class_of_school, &[label, &school]),
        None => label.clone(),
    })
}

fn search_line(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.text;
    if !app.roster.is_searching() && app.roster.search_input().is_empty() {
        let key_of =
            |name| app.keymap.keys_for(Context::Roster, name).first().map(|k| k.to_string()).unwrap_or_default();
        let (key, reveal) = (key_of("search"), key_of("reveal"));
        // Masked, a fragment of a number finds only what the mask shows or a parent says: the hint promises no
        // more, and names the key that searches every digit.
        let hint = if app.reveal {
            format!(" {}", fill(t.search_hint, &[&key]))
        } else if reveal.is_empty() || app.refuses("reveal") {
            format!(" {}", fill(t.search_hint_masked_only, &[&key]))
        } else {
            let full = format!(" {}", fill(t.search_hint_masked, &[&key, &reveal]));
            match full.width() <= area.width as usize {
                true => full,
                false => format!(" {}", fill(t.search_hint_masked_short, &[&key, &reveal])),
            }
        };
        let hint = truncate(&hint, area.width as usize);
        frame.render_widget(Paragraph::new(Span::styled(hint, app.theme.muted())), area);
        return;
    }
    let label = format!(" {}", t.search_label);
    let field_width = (area.width as usize).saturating_sub(label.width() + 1);
    let (visible, caret) = app.roster.search_input().visible(field_width);
    let line = Line::from(vec![
        Span::styled(label.clone(), app.theme.key()),
        Span::styled(fit(visible, field_width), app.theme.input()),
    ]);
    frame.render_widget(Paragraph::new(line), area);
    if app.roster.is_searching() && app.modal.is_none() {
        // The caret is where a Chinese input method opens its candidate window.
        frame.set_cursor_position(Position::new(area.x + (label.width() + caret) as u16, area.y));
    }
}

fn header(frame: &mut Frame, app: &App, area: Rect, c: &Columns) {
    let t = app.text;
    let categories = if c.widths[6] < t.col_categories.width() { t.col_categories_short } else { t.col_categories };
    let cells = ["", t.col_name, t.col_id, t.col_class, t.col_enrollment, t.col_payment, categories];
    let mut text: Vec<String> = cells.iter().zip(c.widths).map(|(s, w)| fit(s, w)).collect();
    // A row's mark and problem sign fill the first column with no space after it (`row_line`): the heading's
    // blank is one cell less, so each heading stands over its column and the last ends at the screen's edge.
    text[0] = " ".repeat(c.widths[0] - 1);
    if c.school > 0 {
        text.insert(3, fit(t.col_school, c.school));
    }
    frame.render_widget(Paragraph::new(Span::styled(text.join(" "), app.theme.header())), area);
}

fn body(frame: &mut Frame, app: &App, area: Rect, c: &Columns) {
    let t = app.text;
    if app.roster.shown().is_empty() {
        let message = if app.data.is_empty() {
            let key = app.keymap.keys_for(Context::Roster, "import").first().map(|k| k.to_string()).unwrap_or_default();
            fill(t.empty_roster, &[&key])
        } else if !app.roster.search_input().is_empty() {
            // A pupil the filters hide is not "not found": a hurried operator would tell the family the child is
            // not on the list.
            let search = app.roster.search_input().text();
            match app.roster.hidden_by_filters() {
                0 => fill(t.no_match, &[&search]),
                hidden => {
                    let keys = app.keymap.keys_for(Context::Roster, "filters");
                    let key = keys.first().map(|k| k.to_string()).unwrap_or_default();
                    fill(t.no_match_filtered, &[&search, &hidden, &key])
                }
            }
        } else {
            fill(t.shown_count, &[&0, &app.data.len()])
        };
        let line = Span::styled(truncate(&format!("   {message}"), area.width as usize), app.theme.muted());
        frame.render_widget(Paragraph::new(line), area);
        return;
    }
    let end = (app.roster.offset() + area.height as usize).min(app.roster.shown().len());
    let lines: Vec<Line> = (app.roster.offset()..end).map(|pos| row_line(app, pos, c)).collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn row_line(app: &App, pos: usize, c: &Columns) -> Line<'static> {
    let theme = &app.theme;
    let t = app.text;
    let index = app.roster.shown()[pos] as usize;
    let row = &app.data.rows[index];
    let selected = pos == app.roster.cursor();
    let marked = app.roster.marked().contains(&row.id);
    let number = app.data.id_number(index);
    let id = id_number::shown(number, app.reveal);
    let enrollment_style = theme.fg(match row.enrollment {
        Enrollment::Unknown => theme.muted,
        Enrollment::Here => theme.text,
        Enrollment::Elsewhere => theme.elsewhere,
        Enrollment::Declined | Enrollment::Left => theme.declined,
    });
    // A part payment (部分缴费) is still to collect: said so, in the warning colour, never as 已缴费.
    let payment_style = theme.fg(match row.payment {
        _ if row.part_paid => theme.warning,
        PaymentStatus::Unpaid => theme.unpaid,
        PaymentStatus::Paid => theme.paid,
        PaymentStatus::Government => theme.government,
    });
    let w = c.widths;
    let mut cells: Vec<(String, Style)> = vec![
        (if marked { "*".to_owned() } else { " ".to_owned() }, theme.fg(theme.marked)),
        (if row.problem { "! ".to_owned() } else { "  ".to_owned() }, theme.fg(theme.warning)),
        (fit_middle(app.data.name(index), w[1]), Style::default()),
        (fit(&id, w[2]), if row.problem { theme.fg(theme.warning) } else { Style::default() }),
        (fit_middle(&app.data.classes[row.class as usize], w[3]), Style::default()),
        (fit(t.enrollment(row.enrollment), w[4]), enrollment_style),
        (fit(if row.part_paid { t.part_paid } else { t.payment(row.payment) }, w[5]), payment_style),
        (fit(&app.data.category_label(row, t.list_separator(), t.recertify_short), w[6]), theme.fg(theme.accent)),
    ];
    if c.school > 0 {
        let school = app.data.class_schools.get(row.class as usize).and_then(|&k| c.school_names.get(k as usize));
        cells.insert(4, (fit(school.map_or("", String::as_str), c.school), Style::default()));
    }
    let last = cells.len() - 1;
    let mut spans = Vec::with_capacity(cells.len() * 2);
    for (i, (text, style)) in cells.into_iter().enumerate() {
        let style = if selected { theme.selected() } else { style };
        spans.push(Span::styled(text, style));
        if (2..last).contains(&i) {
            spans.push(Span::styled(" ", if selected { theme.selected() } else { Style::default() }));
        }
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::short_school_names;

    #[test]
    fn a_school_column_shows_the_part_of_the_names_that_differs() {
        let short = |names: &[&str]| {
            let schools: Vec<(u32, String)> = names.iter().map(|n| (0, (*n).to_owned())).collect();
            short_school_names(&schools)
        };
        assert_eq!(short(&["柳州市第一小学", "柳州市第二小学"]), ["第一", "第二"]);
        assert_eq!(short(&["柳州市示范小学", "柳州市实验中学"]), ["示范小学", "实验中学"]);
        assert_eq!(short(&["东风小学", "红旗小学"]), ["东风", "红旗"]);
        assert_eq!(short(&["城关镇中心小学", "城关镇中心小学分校"]), ["中心小学", "中心小学分校"]);
        assert_eq!(short(&["第一小学", "第一小学"]), ["第一", "第一"]);
        assert_eq!(short(&["小学", "一小学"]), ["小学", "一小学"], "nothing left of a name: kept whole");
        assert_eq!(short(&["柳州市", "柳州市一中"]), ["柳州市", "一中"]);
    }
}
