//! Dialogs drawn over the screen: a filled box with a title row and no border lines (box-drawing characters
//! are ambiguous-width in CJK terminals).

use std::time::Duration;

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::cells::{Folders, fit, shorten_path, truncate};
use crate::domain::category::CategoryTable;
use crate::domain::money;
use crate::domain::student::{Enrollment, PaymentChannel};
use crate::io::class_list::ImportReport;
use crate::io::reconcile::Source;
use crate::tui::app::App;
use crate::tui::identity::{IdentityField, IdentityForm};
use crate::tui::input::{FormField, LineInput};
use crate::tui::jobs::JobKind;
use crate::tui::keymap::Context;
use crate::tui::layout;
use crate::tui::modal::{
    CategoryPicker, Confirm, EnrollmentChooser, FilterRow, Message, Modal, NewPolicyField, NewPolicyForm, PathPrompt,
    PathPurpose, PaymentField, PaymentForm,
};
use crate::tui::palette::{ENTRIES, Form, matching};
use crate::tui::text::fill;

/// Progress is shown only for work that takes longer than this.
const PROGRESS_AFTER: Duration = Duration::from_millis(500);

/// Draws the box and returns the area inside its margins.
fn popup(frame: &mut Frame, app: &App, area: Rect, width: u16, height: u16, title: &str) -> Rect {
    let r = layout::dialog(frame.area(), area, width, height);
    frame.render_widget(Clear, layout::cleared(frame.area(), r));
    frame.render_widget(Block::default().style(app.theme.popup()), r);
    let title = fit(&format!(" {title}"), r.width as usize);
    frame.render_widget(Paragraph::new(Span::styled(title, app.theme.popup_title())), Rect { height: 1, ..r });
    Rect { x: r.x + 2, y: r.y + 2, width: r.width.saturating_sub(4), height: r.height.saturating_sub(3) }
}

/// The last line of a dialog: its keys, from the keymap, with labels that may be specific to the dialog.
fn hint_line(app: &App, context: Context, items: &[(&str, Option<&str>)], width: usize) -> Line<'static> {
    let mut spans = Vec::new();
    let mut used = 0;
    for (name, label) in items {
        let Some(key) = app.keymap.keys_for(context, name).into_iter().next() else { continue };
        let key = key.to_string();
        let label = label.unwrap_or_else(|| app.text.short(name));
        let w = key.width() + label.width() + 3;
        if used + w > width {
            break;
        }
        used += w;
        spans.push(Span::styled(key, app.theme.popup().add_modifier(Modifier::BOLD).fg(app.theme.accent.0)));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    Line::from(spans)
}

fn bottom(inner: Rect) -> Rect {
    Rect { y: inner.y + inner.height.saturating_sub(1), height: 1, ..inner }
}

/// A text field; the focused one gets the terminal cursor (and so the input method's window).
fn field(frame: &mut Frame, app: &App, area: Rect, input: &LineInput, focused: bool) {
    let (visible, caret) = input.visible(area.width as usize);
    let style = if focused { app.theme.input() } else { app.theme.popup().add_modifier(Modifier::UNDERLINED) };
    frame.render_widget(Paragraph::new(Span::styled(fit(visible, area.width as usize), style)), area);
    if focused {
        frame.set_cursor_position(Position::new(area.x + caret as u16, area.y));
    }
}

fn text_prompt(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    title: &str,
    prompt: &str,
    input: &LineInput,
    back: Option<&str>,
) {
    let inner = popup(frame, app, area, 64, 8, title);
    frame.render_widget(Paragraph::new(prompt.to_owned()), Rect { height: 1, ..inner });
    field(frame, app, Rect { y: inner.y + 1, height: 1, ..inner }, input, true);
    let hints = hint_line(app, Context::Input, &[("confirm", None), ("back", back)], inner.width as usize);
    frame.render_widget(Paragraph::new(hints), bottom(inner));
}

/// The operator's name asked on a drive whose remembered name was typed on another laptop: that name is said
/// above the prompt, not put in the field, where an Enter would take the other laptop's operator again.
fn operator_elsewhere(frame: &mut Frame, app: &App, area: Rect, name: &str, input: &LineInput) {
    let t = app.text;
    let said = layout::wrap(&fill(t.operator_elsewhere, &[&name]), 60);
    let inner = popup(frame, app, area, 64, 8 + said.len() as u16, t.operator_title);
    for (i, line) in said.iter().enumerate() {
        frame.render_widget(Paragraph::new(line.clone()), Rect { y: inner.y + i as u16, height: 1, ..inner });
    }
    let below = inner.y + said.len() as u16 + 1;
    frame.render_widget(Paragraph::new(t.operator_prompt), Rect { y: below, height: 1, ..inner });
    field(frame, app, Rect { y: below + 1, height: 1, ..inner }, input, true);
    let hints =
        hint_line(app, Context::Input, &[("confirm", None), ("back", Some(t.short("quit")))], inner.width as usize);
    frame.render_widget(Paragraph::new(hints), bottom(inner));
}

fn targets_title(app: &App, base: &str, targets: &[i64]) -> String {
    let name =
        targets.first().and_then(|&id| app.data.index_of(id)).map(|i| app.data.name(i).to_owned()).unwrap_or_default();
    if targets.len() > 1 {
        // Several pupils: their count, not the name of whichever comes first (it may be off screen), and the
        // highlighted pupil when she is not one of them.
        let mut count = fill(app.text.for_pupils, &[&targets.len()]);
        if let Some(cursor) = app.cursor_outside(targets) {
            count.push_str(&fill(app.text.cursor_not_among, &[&cursor]));
        }
        fill(app.text.label_value, &[&base, &count])
    } else if app.hidden_among(targets.iter().copied()) > 0 {
        // One selected pupil a later search or filter hid: the form is not about the row on screen.
        format!("{}{}", fill(app.text.label_value, &[&base, &name]), app.text.not_in_list)
    } else if let Some(cursor) = app.cursor_elsewhere(targets) {
        // One selected pupil on another row: the form is not about the highlighted one, who is named too.
        fill(app.text.label_value, &[&base, &fill(app.text.selected_off_cursor, &[&name, &cursor])])
    } else {
        fill(app.text.label_value, &[&base, &name])
    }
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect, modal: &Modal) {
    let t = app.text;
    match modal {
        Modal::Help { .. } => {}
        Modal::Operator(input) => match app.store.operator_elsewhere() {
            Some(name) => operator_elsewhere(frame, app, area, name, input),
            None => text_prompt(frame, app, area, t.operator_title, t.operator_prompt, input, Some(t.short("quit"))),
        },
        Modal::Welcome => welcome(frame, app, area),
        Modal::Enrollment(chooser) => enrollment(frame, app, area, chooser),
        Modal::Confirm(confirm) => question(frame, app, area, confirm),
        Modal::Note { input, targets, .. } => {
            let title = targets_title(app, t.note_title, targets);
            text_prompt(frame, app, area, &title, t.note_prompt, input, None)
        }
        Modal::Payment(form) => payment(frame, app, area, form),
        Modal::Categories(picker) => categories(frame, app, area, picker),
        Modal::Filters { row, jump } => filters(frame, app, area, *row, jump),
        Modal::Path(prompt) => path_prompt(frame, app, area, prompt),
        Modal::ImportPreview { preview, offset, school, new_school, join, .. } => {
            import_preview(frame, app, area, preview, *offset, (school.as_ref(), new_school.as_deref(), join.as_ref()))
        }
        Modal::Working(kind) => working(frame, app, area, *kind),
        Modal::Message(m) => {
            message_box(frame, app, area, m, &[("confirm", None), ("down", Some(t.scroll_more)), ("bottom", None)])
        }
        Modal::Palette { input, cursor } => palette(frame, app, area, input, *cursor),
        Modal::Files(picker) => files(frame, app, area, picker),
        Modal::Identity(form) => identity(frame, app, area, form),
        Modal::RenameSchool { schools, cursor, name } => rename_school(frame, app, area, schools, *cursor, name),
        Modal::DismissPayment { lines, cursor, why, jump } => {
            let en = app.text.lang == crate::words::Language::En;
            let said: Vec<String> = lines.iter().map(|u| if en { u.why_en.clone() } else { u.why.clone() }).collect();
            let titles = (app.text.dismiss_title, app.text.dismiss_why);
            dismiss_payment(frame, app, area, (lines, &said), *cursor, (why, jump), titles)
        }
        Modal::UndismissPayment { lines, cursor, why, jump } => {
            let list: Vec<crate::domain::roster_check::UnrecordedPayment> =
                lines.iter().map(|d| d.line.clone()).collect();
            // Under the line picked: who dismissed it, when and why, which is what taking it back answers.
            let said: Vec<String> = lines
                .iter()
                .map(|d| {
                    let at = crate::store::instant::beijing_minutes(&d.at);
                    let said = crate::tui::text::fill(app.text.undismiss_said, &[&at, &d.operator, &d.dismissal]);
                    if d.since_recorded { said + app.text.undismiss_since_recorded } else { said }
                })
                .collect();
            let titles = (app.text.undismiss_title, app.text.undismiss_why);
            dismiss_payment(frame, app, area, (&list, &said), *cursor, (why, jump), titles)
        }
        Modal::Policies { cursor, list } => policies(frame, app, area, *cursor, list),
        Modal::NewPolicy(form) => new_policy(frame, app, area, form),
        Modal::AddPupil(form) => add_pupil(frame, app, area, form),
        Modal::EditPolicy(form) => edit_policy(frame, app, area, form),
        // A list to read down, then Enter for its question: the merge's preview, the possible leavers, a
        // reconciliation's preview.
        Modal::MergePreview { lines, offset, .. }
        | Modal::Leavers { lines, offset, .. }
        | Modal::ReconcilePreview { lines, offset, .. } => {
            let title = match modal {
                Modal::Leavers { title, .. } => title.clone(),
                Modal::ReconcilePreview { source, .. } => reconcile_title(t, *source).to_owned(),
                _ => t.merge_title.to_owned(),
            };
            let message = Message { title, lines: lines.clone(), error: false, offset: *offset };
            let mut hints = vec![("confirm", None), ("back", None)];
            // A tax list's preview with strangers on it: the key that takes it as another school's, until it is
            // previewed so. A list of the school's own pupils has nothing for it to leave out.
            if let Modal::ReconcilePreview { source: Source::Tax, other_school: false, strangers: true, .. } = modal {
                hints.push(("other_school", None));
            }
            hints.extend([("down", Some(t.scroll_more)), ("bottom", None)]);
            message_box(frame, app, area, &message, &hints);
        }
    }
}

/// A path typed, with Tab's candidates under it.
fn path_prompt(frame: &mut Frame, app: &App, area: Rect, prompt: &PathPrompt) {
    let t = app.text;
    let (title, prompt_text) = match prompt.purpose {
        PathPurpose::Import => (t.import_title, t.path_prompt),
        PathPurpose::Export => (t.export_title, t.path_prompt),
        PathPurpose::ExportForm(form) => (form_title(t, form), t.folder_prompt),
        PathPurpose::Reconcile(source) => (reconcile_title(t, source), t.list_prompt),
        PathPurpose::Merge => (t.merge_title, t.list_prompt),
        PathPurpose::Restore => (t.restore_pick_title, t.list_prompt),
    };
    // While exports are masked every export's dialog says whether this one is, under the path.
    let masking = match prompt.purpose {
        PathPurpose::Export => Some(true),
        PathPurpose::ExportForm(form) => Some(!form.for_agencies()),
        _ => None,
    };
    // Where an export goes, whole from the root, when the field cannot show it all (or it is no whole path):
    // the operator sees the folder the file is written into, not only the end of its name. The sheet's line
    // names the file as written (an extension added, 「-打码」), and shows whenever that is not the name typed.
    // Two rows at most, the dialog a row taller for the second (which the key hints covered): a longer path
    // loses the middle of its folders, never the file's name and extension.
    let width = layout::dialog(frame.area(), area, 76, 8).width.saturating_sub(4) as usize;
    let typed = prompt.input.text();
    let given = typed.trim().trim_matches('"');
    let written = (prompt.purpose == PathPurpose::Export && !given.is_empty())
        .then(|| app.sheet_target(crate::tui::paths::typed_path(given, app.home.as_deref())).0);
    let renamed = written.as_ref().is_some_and(|w| w.file_name() != std::path::Path::new(given).file_name());
    let mut goes = Vec::new();
    if prompt.candidates.is_empty()
        && masking.is_some()
        && !given.is_empty()
        && let full = crate::tui::picker::absolute(written.as_deref().unwrap_or(std::path::Path::new(given)))
            .display()
            .to_string()
        && (!std::path::Path::new(given).is_absolute() || typed.width() >= width || renamed)
    {
        let fits = |path: &str| layout::wrap(&fill(t.export_goes_to, &[&path]), width).len() <= 2;
        goes = layout::wrap(&fill(t.export_goes_to, &[&shorten_path(&full, Folders::FromRoot, fits)]), width);
        goes.truncate(2);
    }
    let height = 8 + prompt.candidates.len().min(8) as u16 + goes.len().saturating_sub(1) as u16;
    let inner = popup(frame, app, area, 76, height, title);
    frame.render_widget(Paragraph::new(prompt_text), Rect { height: 1, ..inner });
    field(frame, app, Rect { y: inner.y + 1, height: 1, ..inner }, &prompt.input, true);
    if app.mask_exports
        && let Some(masked) = masking
    {
        let note = if masked { t.export_is_masked } else { t.export_not_masked };
        let line = Line::styled(truncate(note, inner.width as usize), app.theme.fg(app.theme.warning));
        frame.render_widget(Paragraph::new(line), Rect { y: inner.y + 2, height: 1, ..inner }.intersection(inner));
    }
    let mut shown: Vec<Line> = prompt
        .candidates
        .iter()
        .take(8)
        .map(|c| Line::styled(truncate(c, inner.width as usize), app.theme.muted()))
        .collect();
    shown.extend(goes.into_iter().map(|r| Line::styled(r, app.theme.muted())));
    frame.render_widget(Paragraph::new(shown), Rect { y: inner.y + 3, height: 8, ..inner }.intersection(inner));
    let items = [("next_field", None), ("confirm", None), ("back", None)];
    frame.render_widget(Paragraph::new(hint_line(app, Context::Input, &items, inner.width as usize)), bottom(inner));
}

/// The import's dry run; the school asked for where the lists name none.
fn import_preview(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    preview: &ImportReport,
    offset: usize,
    (school, new_school, join): (Option<&LineInput>, Option<&str>, Option<&crate::tui::modal::SchoolJoin>),
) {
    let t = app.text;
    let key = app.keymap.keys_for(Context::Dialog, "confirm").first().map(|k| k.to_string()).unwrap_or_default();
    let mut lines = app.join_lines(join);
    lines.extend(app.import_preview_lines(preview, school, new_school));
    let message = Message { title: fill(t.preview_title, &[&key]), lines, error: false, offset };
    message_box(
        frame,
        app,
        area,
        &message,
        &[("confirm", Some(t.short("import"))), ("back", None), ("down", Some(t.scroll_more)), ("bottom", None)],
    );
}

/// A job running longer than `PROGRESS_AFTER`: its time and a moving bar.
fn working(frame: &mut Frame, app: &App, area: Rect, kind: JobKind) {
    let t = app.text;
    let Some((_, started)) = app.jobs.running() else { return };
    let elapsed = app.now.saturating_duration_since(started);
    if elapsed < PROGRESS_AFTER {
        return;
    }
    // The file being read, cut in the middle to the box (its end, the extension, kept), above the time.
    let file = app.jobs.running_file();
    let inner = popup(frame, app, area, 50, 7 + u16::from(file.is_some()), t.job(kind));
    let inner = match file {
        Some(file) => {
            let named = super::cells::truncate_middle(&fill(t.job_file, &[&file]), inner.width as usize);
            frame.render_widget(Paragraph::new(named), Rect { height: 1, ..inner });
            Rect { y: inner.y + 1, height: inner.height.saturating_sub(1), ..inner }
        }
        None => inner,
    };
    let secs = format!("{:.1}", elapsed.as_secs_f32());
    frame.render_widget(Paragraph::new(fill(t.elapsed, &[&secs])), Rect { height: 1, ..inner });
    // The jobs cannot say how far they are, so the bar moves to show that work goes on.
    let w = inner.width as usize;
    let block = 8.min(w);
    let travel = w - block;
    let step = (elapsed.as_millis() / 100) as usize % (2 * travel.max(1));
    let pos = if step > travel { 2 * travel - step } else { step };
    let line = Line::from(vec![
        Span::styled(" ".repeat(pos), app.theme.bar_part(false)),
        Span::styled(" ".repeat(block), app.theme.bar_part(true)),
        Span::styled(" ".repeat(travel - pos), app.theme.bar_part(false)),
    ]);
    frame.render_widget(Paragraph::new(line), Rect { y: inner.y + 2, height: 1, ..inner });
}

fn rename_school(frame: &mut Frame, app: &App, area: Rect, schools: &[String], cursor: usize, name: &LineInput) {
    let t = app.text;
    let inner = popup(frame, app, area, 64, schools.len().min(8) as u16 + 8, t.school_rename_title);
    let lines: Vec<Line> = schools
        .iter()
        .enumerate()
        .take(8)
        .map(|(i, s)| {
            let mark = if i == cursor { ">" } else { " " };
            let style = if i == cursor { app.theme.input() } else { app.theme.popup() };
            Line::styled(fit(&format!("{mark} {s}"), inner.width as usize), style)
        })
        .collect();
    let rows = lines.len() as u16;
    frame.render_widget(Paragraph::new(lines), Rect { height: rows, ..inner });
    frame.render_widget(Paragraph::new(t.school_new_name), Rect { y: inner.y + rows + 1, height: 1, ..inner });
    field(frame, app, Rect { y: inner.y + rows + 2, height: 1, ..inner }, name, true);
    let items = [("confirm", None), ("back", None)];
    frame.render_widget(Paragraph::new(hint_line(app, Context::Input, &items, inner.width as usize)), bottom(inner));
}

/// The payments paid at the tax office and not recorded here, numbered as `canbao check` numbers them, the one
/// picked marked and its reason below it, then the reason typed.
/// The 撤销销项 dialog is drawn the same, the dismissals' who, when and why under the line picked.
fn dismiss_payment(
    frame: &mut Frame,
    app: &App,
    area: Rect,
    (list, said): (&[crate::domain::roster_check::UnrecordedPayment], &[String]),
    cursor: usize,
    (why, jump): (&LineInput, &crate::tui::modal::LineJump),
    (title, prompt): (&str, &str),
) {
    const SHOWN: usize = 8;
    let t = app.text;
    let en = t.lang == crate::words::Language::En;
    let inner = popup(frame, app, area, 100, list.len().min(SHOWN) as u16 + 12, title);
    let width = inner.width as usize;
    // The picked line stays in view on a long list.
    let skip = (cursor + 1).saturating_sub(SHOWN);
    let mut lines: Vec<Line> = list
        .iter()
        .enumerate()
        .skip(skip)
        .take(SHOWN)
        .map(|(i, u)| {
            let mark = if i == cursor { ">" } else { " " };
            let style = if i == cursor { app.theme.input() } else { app.theme.popup() };
            let (amount, day) = u.amount_and_day(en);
            let text = format!("{mark} [{}] {}  {amount}  {day}  {}", u.label(), u.name, u.place(en));
            Line::styled(fit(&text, width), style)
        })
        .collect();
    if let Some(said) = said.get(cursor) {
        lines.push(Line::styled(fit(&format!("  {said}"), width), app.theme.popup()));
    }
    let rows = lines.len() as u16;
    frame.render_widget(Paragraph::new(lines), Rect { height: rows, ..inner });
    frame.render_widget(Paragraph::new(prompt), Rect { y: inner.y + rows + 1, height: 1, ..inner });
    field(frame, app, Rect { y: inner.y + rows + 2, height: 1, ..inner }, why, jump.to_why);
    // At the foot, the number or reference typed to reach a line among thousands, and where the pick stands.
    let at = Rect { y: inner.y + rows + 4, height: 1, ..inner };
    let label = crate::tui::text::fill(t.dismiss_jump, &[&(cursor + 1), &list.len()]);
    let label_width = (label.width() as u16).min(at.width);
    frame.render_widget(Paragraph::new(Span::styled(label, app.theme.muted())), at);
    let typed = Rect { x: at.x + label_width, width: at.width.saturating_sub(label_width), ..at };
    if !jump.typed.is_empty() && jump.target(list).is_none() {
        let none = crate::tui::text::fill(t.dismiss_jump_none, &[&jump.typed.text()]);
        frame.render_widget(Paragraph::new(Span::styled(fit(&none, typed.width as usize), app.theme.muted())), typed);
    } else {
        field(frame, app, typed, &jump.typed, !jump.to_why);
    }
    let items = [("confirm", None), ("next_field", Some(t.dismiss_jump_tab)), ("back", None)];
    frame.render_widget(Paragraph::new(hint_line(app, Context::Input, &items, width)), bottom(inner));
}

fn form_title(t: &crate::tui::text::Text, form: Form) -> &'static str {
    match form {
        Form::Sheet => t.export_title,
        Form::Template | Form::TemplateAll => t.export_form_titles[0],
        Form::Ledgers => t.export_form_titles[1],
        Form::Special => t.export_form_titles[2],
        Form::Classes => t.export_form_titles[3],
        Form::Summary => t.export_form_titles[4],
        Form::Notices => t.export_form_titles[5],
    }
}

fn reconcile_title(t: &crate::tui::text::Text, source: Source) -> &'static str {
    match source {
        Source::Tax => t.reconcile_titles[0],
        Source::Agency => t.reconcile_titles[1],
        Source::Categories => t.reconcile_titles[2],
    }
}

/// `:`: the typed filter, then the commands it finds, the highlighted one marked.
fn palette(frame: &mut Frame, app: &App, area: Rect, input: &LineInput, cursor: usize) {
    let t = app.text;
    let shown = matching(input.text());
    let height = (ENTRIES.len() as u16 + 7).min(area.height.saturating_sub(2 * layout::CLEAR_ABOVE));
    let inner = popup(frame, app, area, 64, height, t.palette_title);
    let rows = inner.height.saturating_sub(5);
    frame.render_widget(Paragraph::new(t.palette_prompt), Rect { height: 1, ..inner });
    field(frame, app, Rect { y: inner.y + 1, height: 1, ..inner }, input, true);
    // The highlighted entry stays in view on a short screen.
    let skip = (cursor + 1).saturating_sub(rows as usize);
    let mut lines: Vec<Line> = shown
        .iter()
        .enumerate()
        .skip(skip)
        .map(|(i, &e)| {
            let entry = &ENTRIES[e];
            let mark = if i == cursor { ">" } else { " " };
            let style = if i == cursor { app.theme.input() } else { app.theme.popup() };
            Line::styled(fit(&format!("{mark} {}", t.pick(entry.zh, entry.en)), inner.width as usize), style)
        })
        .collect();
    if lines.is_empty() {
        lines.push(Line::styled(t.palette_none, app.theme.muted()));
    }
    frame.render_widget(Paragraph::new(lines), Rect { y: inner.y + 3, height: rows, ..inner }.intersection(inner));
    let items = [("down", None), ("confirm", None), ("back", None)];
    frame.render_widget(Paragraph::new(hint_line(app, Context::Input, &items, inner.width as usize)), bottom(inner));
}

/// Each policy: title, year, premium, its windows; the drive's marked.
fn policies(frame: &mut Frame, app: &App, area: Rect, cursor: usize, list: &[crate::domain::policy::Policy]) {
    let t = app.text;
    let inner =
        popup(frame, app, area, 96, area.height.saturating_sub(2 * layout::CLEAR_ABOVE).min(30), t.policies_title);
    let width = inner.width as usize;
    let current = app.policy.as_ref().map(|p| p.name.as_str());
    let mut lines: Vec<Line> = Vec::new();
    for (i, p) in list.iter().enumerate() {
        let mark = if i == cursor { ">" } else { " " };
        // The drive's policy whose file here was edited: shown as the drive's copy says it, which is used, and
        // the file's premium after it; Enter takes the file (`App::choose_policy`).
        let file = app.policy_file.as_ref().filter(|f| f.name == p.name);
        let p = match (file, app.policy.as_ref()) {
            (Some(_), Some(used)) if used.name == p.name => used,
            _ => p,
        };
        let premium = money::plain(p.personal_premium_fen);
        let mut head = format!("{mark} {}", fill(t.policy_line, &[&p.name, &p.title, &p.insured_year, &premium]));
        if p.source == crate::store::KEPT_POLICY_SOURCE {
            head.push_str(t.policy_kept_copy);
        }
        if Some(p.name.as_str()) == current {
            head.push_str(t.policy_current);
        }
        let style = if i == cursor { app.theme.input() } else { app.theme.popup() };
        lines.push(Line::styled(fit(&head, width), style));
        // On a line of its own, as the row's title may fill the width.
        if let Some(file) = file {
            // A closed year keeps its own copy whatever this laptop's file says: nothing to take, only to tell apart.
            let premium = money::plain(file.personal_premium_fen);
            let row = match app.store.viewed_year() {
                Some(year) => fill(t.policy_file_row_closed, &[&premium, &year]),
                None => fill(t.policy_file_row, &[&premium]),
            };
            let said = format!("    {row}");
            lines.push(Line::styled(truncate(&said, width), app.theme.popup()));
        }
        if i == cursor {
            for w in &p.windows {
                let window = format!("    {}：{} ~ {}", w.name, w.from, w.to);
                lines.push(Line::styled(truncate(&window, width), app.theme.popup().add_modifier(Modifier::DIM)));
            }
        }
    }
    let body = Rect { height: inner.height.saturating_sub(2), ..inner };
    let skip = (cursor + 1).saturating_sub(body.height as usize / 2);
    frame.render_widget(Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()), body);
    let items = [("confirm", None), ("new", None), ("edit", None), ("back", None)];
    frame.render_widget(Paragraph::new(hint_line(app, Context::Picker, &items, width)), bottom(inner));
}

fn new_policy(frame: &mut Frame, app: &App, area: Rect, form: &NewPolicyForm) {
    let t = app.text;
    // Two rows more for an error, which may name a long path.
    let height = if form.error.is_some() { 13 } else { 11 };
    let inner = popup(frame, app, area, 70, height, t.policy_new_title);
    let label_w = 16;
    let label = |i: usize| Paragraph::new(fit(t.policy_fields[i], label_w));
    frame.render_widget(label(0), Rect { height: 1, width: label_w as u16, ..inner });
    frame.render_widget(
        Paragraph::new(form.base.clone()),
        Rect { x: inner.x + label_w as u16, height: 1, width: 40, ..inner },
    );
    let inputs = [
        (NewPolicyField::Name, &form.name),
        (NewPolicyField::Year, &form.year),
        (NewPolicyField::Premium, &form.premium),
    ];
    for (i, (which, input)) in inputs.into_iter().enumerate() {
        let y = inner.y + 1 + i as u16;
        frame.render_widget(label(i + 1), Rect { y, height: 1, width: label_w as u16, ..inner });
        field(frame, app, Rect { x: inner.x + label_w as u16, y, width: 24, height: 1 }, input, form.focus == which);
    }
    if let Some(e) = &form.error {
        // Wrapped over the rows above the hints: a full disk's message names the whole path of the file.
        let style = app.theme.popup().fg(app.theme.error.0);
        let rows = inner.height.saturating_sub(6);
        let lines: Vec<Line> = layout::wrap(e, inner.width as usize)
            .into_iter()
            .take(rows as usize)
            .map(|r| Line::styled(r, style))
            .collect();
        frame.render_widget(Paragraph::new(lines), Rect { y: inner.y + 5, height: rows, ..inner });
    }
    let items = [("confirm", None), ("back", None), ("next_field", Some(t.short("down")))];
    frame.render_widget(Paragraph::new(hint_line(app, Context::Input, &items, inner.width as usize)), bottom(inner));
}

/// 添加学生: name, ID number, class and phone, one to a row, as a class list's columns; on a drive of several
/// schools, the school first, chosen with Left and Right.
fn add_pupil(frame: &mut Frame, app: &App, area: Rect, form: &crate::tui::modal::AddPupilForm) {
    use crate::tui::modal::AddPupilField;
    let t = app.text;
    let school_row = u16::from(!form.schools.is_empty());
    let height = if form.error.is_some() { 12 } else { 10 } + school_row;
    let outer = popup(frame, app, area, 64, height, t.add_pupil_title);
    let label_w = 14;
    if !form.schools.is_empty() {
        let school = form.chosen_school().unwrap_or(t.add_pupil_school_none);
        let focused = form.focus == AddPupilField::School;
        frame.render_widget(
            Paragraph::new(fit(t.add_pupil_school, label_w)),
            Rect { height: 1, width: label_w as u16, ..outer },
        );
        let at =
            Rect { x: outer.x + label_w as u16, width: outer.width.saturating_sub(label_w as u16), height: 1, ..outer };
        let style = if focused { app.theme.input() } else { app.theme.popup().add_modifier(Modifier::UNDERLINED) };
        let shown = format!("< {school} >  {}", t.add_pupil_school_choose);
        frame.render_widget(Paragraph::new(Span::styled(fit(&shown, at.width as usize), style)), at);
    }
    let inner = Rect { y: outer.y + school_row, height: outer.height.saturating_sub(school_row), ..outer };
    let inputs = [
        (AddPupilField::Name, &form.name),
        (AddPupilField::Id, &form.id),
        (AddPupilField::Class, &form.class),
        (AddPupilField::Phone, &form.phone),
    ];
    for (i, (which, input)) in inputs.into_iter().enumerate() {
        let y = inner.y + i as u16;
        frame.render_widget(
            Paragraph::new(fit(t.add_pupil_fields[i], label_w)),
            Rect { y, height: 1, width: label_w as u16, ..inner },
        );
        let at = Rect { x: inner.x + label_w as u16, y, width: inner.width.saturating_sub(label_w as u16), height: 1 };
        field(frame, app, at, input, form.focus == which);
    }
    let style = app.theme.popup().fg(app.theme.error.0);
    let (text, style) = match &form.error {
        Some(e) => (e.as_str(), style),
        None => (t.add_pupil_hint, app.theme.popup()),
    };
    let rows = inner.height.saturating_sub(5);
    let lines: Vec<Line> = layout::wrap(text, inner.width as usize)
        .into_iter()
        .take(rows as usize)
        .map(|r| Line::styled(r, style))
        .collect();
    frame.render_widget(Paragraph::new(lines), Rect { y: inner.y + 4, height: rows, ..inner });
    let items = [("confirm", None), ("back", None), ("next_field", Some(t.short("down")))];
    frame.render_widget(Paragraph::new(hint_line(app, Context::Input, &items, outer.width as usize)), bottom(outer));
}

/// The premium, then each payment window's first and last day, one window to a row.
fn edit_policy(frame: &mut Frame, app: &App, area: Rect, form: &crate::tui::modal::EditPolicyForm) {
    use crate::tui::modal::EditPolicyField;
    let t = app.text;
    let title = fill(t.policy_edit_title, &[&form.name]);
    // A refusal is said whole, wrapped over as many rows as it takes (it names the file, key and line).
    let width = 84.min(area.width);
    let error: Vec<String> =
        form.error.as_deref().map(|e| layout::wrap(e, width.saturating_sub(4) as usize)).unwrap_or_default();
    let error_rows = (error.len() as u16).max(1);
    let height = (form.windows.len() as u16 + 6 + error_rows).min(area.height);
    let inner = popup(frame, app, area, width, height, &title);
    let label_w = 28u16;
    let label = |text: &str| Paragraph::new(fit(text, label_w as usize));
    frame.render_widget(label(t.policy_edit_premium), Rect { height: 1, width: label_w, ..inner });
    let premium_at = Rect { x: inner.x + label_w, width: 14, height: 1, ..inner };
    field(frame, app, premium_at, &form.premium, form.focus == EditPolicyField::Premium);
    for (i, (name, from, to)) in form.windows.iter().enumerate() {
        let y = inner.y + 2 + i as u16;
        if y >= inner.y + inner.height.saturating_sub(1 + error_rows) {
            break;
        }
        frame.render_widget(label(name), Rect { y, height: 1, width: label_w, ..inner });
        let from_at = Rect { x: inner.x + label_w, y, width: 12, height: 1 };
        field(frame, app, from_at, from, form.focus == EditPolicyField::From(i));
        frame.render_widget(Paragraph::new("~"), Rect { x: from_at.x + 13, y, width: 1, height: 1 });
        let to_at = Rect { x: from_at.x + 15, y, width: 12, height: 1 };
        field(frame, app, to_at, to, form.focus == EditPolicyField::To(i));
    }
    if !error.is_empty() {
        let style = app.theme.popup().fg(app.theme.error.0);
        let rows = error_rows.min(inner.height.saturating_sub(1));
        let lines: Vec<Line> = error.into_iter().take(rows as usize).map(|r| Line::styled(r, style)).collect();
        let y = bottom(inner).y.saturating_sub(rows);
        frame.render_widget(Paragraph::new(lines), Rect { y, height: rows, ..inner });
    }
    let items = [("confirm", None), ("back", None), ("next_field", Some(t.short("down")))];
    frame.render_widget(Paragraph::new(hint_line(app, Context::Input, &items, inner.width as usize)), bottom(inner));
}

fn welcome(frame: &mut Frame, app: &App, area: Rect) {
    let t = app.text;
    let key =
        |name: &str| app.keymap.keys_for(Context::Dialog, name).first().map(|k| k.to_string()).unwrap_or_default();
    let inner = popup(frame, app, area, 64, 9, t.welcome_title);
    let lines = vec![
        Line::raw(t.welcome_body),
        Line::raw(""),
        Line::raw(fill(t.welcome_sample, &[&key("load_sample")])),
        Line::raw(fill(t.welcome_import, &[&key("import")])),
    ];
    frame.render_widget(Paragraph::new(lines), inner);
    frame.render_widget(
        Paragraph::new(hint_line(app, Context::Dialog, &[("back", None)], inner.width as usize)),
        bottom(inner),
    );
}

fn message_box(frame: &mut Frame, app: &App, area: Rect, m: &Message, hints: &[(&str, Option<&str>)]) {
    // Long lines (paths, problems) wrap; the box grows to fit them, up to the screen.
    let b = layout::MessageBox::new((area.width, area.height), m.lines.iter().map(String::as_str));
    let inner = popup(frame, app, area, b.width, b.height, &m.title);
    let style = if m.error { app.theme.popup().fg(app.theme.error.0) } else { app.theme.popup() };
    let body = Rect { height: inner.height.saturating_sub(2), ..inner };
    // Broken into rows here, as the box counted them: the scroll reaches the last row, whole.
    let rows: Vec<Line> = m
        .lines
        .iter()
        .flat_map(|l| layout::wrap(l, b.inner_w))
        .skip(m.offset.min(b.last_offset()))
        .take(body.height as usize)
        .map(|r| Line::styled(r, style))
        .collect();
    frame.render_widget(Paragraph::new(rows), body);
    // Down scrolls lines longer than the box; where they fit it does nothing, and no hint names it.
    // End, as Down, only where there is more below: it goes to the last lines.
    let more = |name: &str| !matches!(name, "down" | "bottom") || b.last_offset() > 0;
    let hints: Vec<_> = hints.iter().copied().filter(|(name, _)| more(name)).collect();
    frame.render_widget(Paragraph::new(hint_line(app, Context::Dialog, &hints, inner.width as usize)), bottom(inner));
}

fn payment(frame: &mut Frame, app: &App, area: Rect, form: &PaymentForm) {
    let t = app.text;
    // Some of the selection left out (paid already, or enrolling where their benefit was approved): the title
    // bar's count, and how many of them this form records, so the two read as one selection.
    let selected = form.targets.len() + form.already_paid + form.left_away.len();
    let title = if selected > form.targets.len() {
        let (recorded, paid, away) = (form.targets.len(), form.already_paid, form.left_away.len());
        // Part-payers (those who left too) are counted apart from those paid in full, as the question says them.
        let part = form.part_paid.len() + form.left_part_paid.len();
        let counts = match (paid - part, part, away) {
            (_, _, 0) => fill(t.for_pupils_unpaid, &[&selected, &recorded]),
            (0, 0, _) => fill(t.for_pupils_recorded, &[&selected, &recorded]),
            (full, 0, _) => fill(t.for_pupils_recorded_paid_away, &[&selected, &recorded, &full, &away]),
            (0, part, _) => fill(t.for_pupils_recorded_part_away, &[&selected, &recorded, &part, &away]),
            (full, part, _) => fill(t.for_pupils_recorded_paid_part_away, &[&selected, &recorded, &full, &part, &away]),
        };
        fill(t.label_value, &[&t.payment_title, &counts])
    } else if form.top_up.is_some() {
        targets_title(app, t.top_up_title, &form.targets)
    } else {
        targets_title(app, t.payment_title, &form.targets)
    };
    // The box grows with the policy's text (one row spare), up to the screen; the benefit-place sentence comes
    // first, so it is never the line cut off. The text is broken into rows here, as counted, keeping a date whole.
    let wrap_width = usize::from(78u16.min(area.width).saturating_sub(4));
    let text_lines: usize =
        [form.warning.as_deref(), form.year_warning.as_deref(), form.error.as_deref(), form.note.as_deref()]
            .into_iter()
            .flatten()
            .map(|text| layout::wrap(text, wrap_width).len())
            .sum();
    let height = (12u16).max(8 + text_lines as u16 + 2).min(area.height);
    let inner = popup(frame, app, area, 78, height, &title);
    let label_w = 14;
    let labels = [if form.top_up.is_some() { t.top_up_amount } else { t.amount }, t.date, t.channel];
    for (i, (label, which)) in labels.iter().zip(PaymentField::ALL).enumerate() {
        let y = inner.y + i as u16;
        let style =
            if form.focus == *which { app.theme.popup().add_modifier(Modifier::BOLD) } else { app.theme.popup() };
        frame.render_widget(
            Paragraph::new(Span::styled(fit(label, label_w), style)),
            Rect { y, height: 1, width: label_w as u16, ..inner },
        );
    }
    let field_area = |i: u16| Rect { x: inner.x + label_w as u16, y: inner.y + i, width: 20, height: 1 };
    field(frame, app, field_area(0), &form.amount, form.focus == PaymentField::Amount);
    field(frame, app, field_area(1), &form.date, form.focus == PaymentField::Date);
    let mut spans = Vec::new();
    // The digits pick a channel only on this row: shown elsewhere, `1 微信` reads as a key, and the 1 would go
    // into the amount. Off the row, the names, and under them the key that reaches it.
    let on_channel = form.focus == PaymentField::Channel;
    if form.channel.is_none() {
        let style = if on_channel { app.theme.input() } else { app.theme.popup() };
        spans.push(Span::styled(t.channel_none, style));
        spans.push(Span::raw(" "));
    }
    for (i, c) in PaymentChannel::CHOICES.iter().enumerate() {
        let style = if Some(i) == form.channel {
            if form.focus == PaymentField::Channel {
                app.theme.input()
            } else {
                app.theme.popup().add_modifier(Modifier::REVERSED)
            }
        } else {
            app.theme.popup()
        };
        let label = if on_channel { format!("{} {}", i + 1, t.channel_name(c)) } else { t.channel_name(c).to_owned() };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    let channel_area = Rect {
        x: inner.x + label_w as u16,
        y: inner.y + 2,
        width: inner.width.saturating_sub(label_w as u16),
        height: 1,
    };
    frame.render_widget(Paragraph::new(Line::from(spans)), channel_area);
    if !on_channel && channel_area.y + 1 < inner.y + inner.height {
        let key = app.keymap.keys_for(Context::Input, "next_field").first().map(|k| k.to_string()).unwrap_or_default();
        let hint = Span::styled(fill(t.channel_reach, &[&key]), app.theme.popup().add_modifier(Modifier::DIM));
        frame.render_widget(Paragraph::new(hint), Rect { y: channel_area.y + 1, ..channel_area });
    }
    let mut notes: Vec<Line> = Vec::new();
    let mut note = |text: &str, style: Style| {
        notes.extend(layout::wrap(text, usize::from(inner.width)).into_iter().map(|row| Line::styled(row, style)));
    };
    if let Some(w) = &form.warning {
        note(w, app.theme.popup().fg(app.theme.warning.0).add_modifier(Modifier::BOLD));
    }
    if let Some(w) = &form.year_warning {
        note(w, app.theme.popup().fg(app.theme.warning.0));
    }
    if let Some(e) = &form.error {
        note(e, app.theme.popup().fg(app.theme.error.0));
    }
    // Not where no pupil has an amount due (no policy): the form asks for one amount instead.
    if form.targets.len() > 1 && form.amount.is_empty() && form.quoted.iter().any(Option::is_some) {
        note(t.amount_each, app.theme.popup());
    }
    if let Some(n) = &form.note {
        note(n, app.theme.popup().add_modifier(Modifier::DIM));
    }
    let notes_area = Rect { y: inner.y + 4, height: inner.height.saturating_sub(5), ..inner };
    frame.render_widget(Paragraph::new(notes), notes_area);
    let items = [("confirm", None), ("back", None), ("next_field", Some(t.short("down")))];
    frame.render_widget(Paragraph::new(hint_line(app, Context::Input, &items, inner.width as usize)), bottom(inner));
}

fn categories(frame: &mut Frame, app: &App, area: Rect, picker: &CategoryPicker) {
    let t = app.text;
    let title = targets_title(app, t.categories_title, &picker.targets);
    let all = CategoryTable::builtin().all();
    // Several pupils: the hint on what ticking does, wrapped, in the row under the title and as many more as it
    // takes (the English is longer than the box).
    let width = 60;
    // One pupil with categories carried from an earlier year: what Space does to such a one.
    let hint = if picker.targets.len() > 1 {
        layout::wrap(t.bulk_categories_hint, usize::from(width.min(area.width).saturating_sub(4)))
    } else if picker.stale.iter().any(Option::is_some) {
        layout::wrap(t.recertify_categories_hint, usize::from(width.min(area.width).saturating_sub(4)))
    } else {
        Vec::new()
    };
    let extra = hint.len().saturating_sub(1) as u16;
    let boxed = popup(frame, app, area, width, all.len() as u16 + 5 + extra, &title);
    let hint_area = Rect { y: boxed.y.saturating_sub(1), height: extra + 1, ..boxed };
    let inner = Rect { y: boxed.y + extra, height: boxed.height.saturating_sub(extra), ..boxed };
    let rows = inner.height.saturating_sub(2) as usize;
    let start = (picker.cursor + 1).saturating_sub(rows.max(1));
    let lines: Vec<Line> = all
        .iter()
        .zip(picker.checked.iter().zip(&picker.stale))
        .enumerate()
        .skip(start)
        .take(rows)
        .map(|(i, (c, (on, stale)))| {
            let recertify = if *on && stale.is_some() { t.recertify_one } else { "" };
            let text = format!("[{}] {}{}{recertify}", if *on { "x" } else { " " }, fit(&c.name, 24), c.department);
            let style = if i == picker.cursor { app.theme.input() } else { app.theme.popup() };
            Line::styled(fit(&text, inner.width as usize), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
    // Categories out of sight (an 80×24 screen shows 13 of 16) are said in the blank row above the keys, as the
    // file picker says its files, so none is missed and a tick scrolled off the top is known to be there.
    let below = all.len().saturating_sub(start + rows);
    if (start > 0 || below > 0) && rows > 0 {
        let said: Vec<String> = [(start, t.picker_more_above), (below, t.picker_more_below)]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, words)| fill(words, &[&n]))
            .collect();
        let line = Line::styled(fit(&said.join("　"), inner.width as usize), app.theme.muted());
        frame.render_widget(Paragraph::new(line), Rect { y: inner.y + rows as u16, height: 1, ..inner });
    }
    let items = [("toggle_select", None), ("confirm", None), ("back", None)];
    frame.render_widget(Paragraph::new(hint_line(app, Context::Picker, &items, inner.width as usize)), bottom(inner));
    let style = app.theme.popup().add_modifier(Modifier::DIM);
    frame
        .render_widget(Paragraph::new(hint.into_iter().map(|r| Line::styled(r, style)).collect::<Vec<_>>()), hint_area);
}

/// `e`: the five statuses, and the reason or place where the highlighted one takes it.
fn enrollment(frame: &mut Frame, app: &App, area: Rect, chooser: &EnrollmentChooser) {
    let t = app.text;
    let title = targets_title(app, t.enrollment_title, &chooser.targets);
    let inner = popup(frame, app, area, 64, Enrollment::ALL.len() as u16 + 8, &title);
    let lines: Vec<Line> = Enrollment::ALL
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let style = if i == chooser.cursor { app.theme.input() } else { app.theme.popup() };
            let mark = if i == chooser.cursor { ">" } else { " " };
            Line::styled(fit(&format!("{mark} {}", t.enrollment(*e)), inner.width as usize), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), Rect { height: Enrollment::ALL.len() as u16, ..inner });
    let y = inner.y + Enrollment::ALL.len() as u16 + 1;
    let prompt = match chooser.status() {
        Enrollment::Declined => t.decline_prompt,
        Enrollment::Elsewhere => t.elsewhere_prompt,
        _ => t.no_detail,
    };
    frame.render_widget(Paragraph::new(prompt), Rect { y, height: 1, ..inner });
    let below = Rect { y: y + 1, height: 1, ..inner };
    // Why Enter or a key did nothing: under the field where the status takes one, else in its place.
    let said = if chooser.takes_detail() {
        field(frame, app, below, &chooser.detail, chooser.on_detail);
        Rect { y: below.y + 1, ..below }
    } else {
        below
    };
    if let Some(e) = chooser.error
        && said.y < bottom(inner).y
    {
        let line = Line::styled(truncate(e, inner.width as usize), app.theme.popup().fg(app.theme.error.0));
        frame.render_widget(Paragraph::new(line), said);
    }
    // ↑ moves as ↓ does (the chooser opens on the pupil's own status, often not the first): both are named.
    let items: &[(&str, Option<&str>)] = match (chooser.takes_detail(), chooser.on_detail) {
        (true, true) => &[("next_field", Some(t.to_choices)), ("confirm", None), ("back", None)],
        (true, false) => {
            &[("up", None), ("down", None), ("next_field", Some(t.to_detail)), ("confirm", None), ("back", None)]
        }
        (false, _) => &[("up", None), ("down", None), ("confirm", None), ("back", None)],
    };
    frame.render_widget(Paragraph::new(hint_line(app, Context::Input, items, inner.width as usize)), bottom(inner));
}

/// A yes/no question before a write: No is highlighted until the operator moves to Yes.
fn question(frame: &mut Frame, app: &App, area: Rect, confirm: &Confirm) {
    let t = app.text;
    // Broken into rows here, by the measure the new year's question counts its rows with.
    let b = layout::QuestionBox::new((area.width, area.height));
    let text: Vec<Line> = layout::wrap(&confirm.question, b.inner_w).into_iter().map(Line::from).collect();
    let rows = text.len().clamp(1, b.max_rows) as u16;
    // Clearing a payment has a title of its own in the error colour: it follows 登记补缴？ with the same buttons,
    // and a hurried Right, Enter must not take one for the other.
    let clears = confirm.clears_payment();
    let title = if clears { t.clear_payment_title } else { t.confirm_title };
    let inner = popup(frame, app, area, b.width, rows + 6, title);
    if clears {
        let r = layout::dialog(frame.area(), area, b.width, rows + 6);
        let title = fit(&format!(" {title}"), r.width as usize);
        let style = app.theme.popup_title().fg(app.theme.error.0).add_modifier(Modifier::BOLD);
        frame.render_widget(Paragraph::new(Span::styled(title, style)), Rect { height: 1, ..r });
    }
    frame.render_widget(Paragraph::new(text), Rect { height: rows, ..inner });
    // The chosen button is bracketed as well as coloured, so it reads as chosen whatever the terminal draws.
    let button = |label: &str, on: bool| {
        let text = if on { format!("[ {label} ]") } else { format!("  {label}  ") };
        Span::styled(text, app.theme.button(on))
    };
    let buttons = Line::from(vec![button(t.no, !confirm.yes), Span::raw("  "), button(t.yes, confirm.yes)]);
    frame.render_widget(Paragraph::new(buttons), Rect { y: inner.y + rows + 1, height: 1, ..inner });
    // ← goes to 否 and → to 是, the sides they are drawn on: the footer says which, not "switch".
    let items = [("yes", None), ("left", Some(t.to_no)), ("right", Some(t.to_yes)), ("confirm", None), ("back", None)];
    frame.render_widget(Paragraph::new(hint_line(app, Context::Dialog, &items, inner.width as usize)), bottom(inner));
}

fn filters(frame: &mut Frame, app: &App, area: Rect, row: FilterRow, jump: &str) {
    let t = app.text;
    let f = app.roster.filters();
    let inner = popup(frame, app, area, 60, FilterRow::ALL.len() as u16 + 5, t.filters_title);
    let values = [
        (t.filter_class, f.class.and_then(|c| super::roster::class_name(app, c))),
        (t.filter_enrollment, f.enrollment.map(|e| t.enrollment(e).to_owned())),
        (t.filter_payment, f.payment.map(|p| t.payment(p).to_owned())),
        (t.filter_category, f.category.and_then(|c| app.data.category_names.get(c as usize).cloned())),
        (t.filter_problems, f.problems_only.then(|| t.only_problems.to_owned())),
    ];
    let lines: Vec<Line> = values
        .iter()
        .zip(FilterRow::ALL)
        .map(|((label, value), &this)| {
            let value = value.clone().unwrap_or_else(|| t.all.to_owned());
            let typed = if this == FilterRow::Class && !jump.is_empty() { format!("  {jump}") } else { String::new() };
            let text = format!("{}< {} >{typed}", fit(label, 14), value);
            let style = if this == row { app.theme.input() } else { app.theme.popup() };
            Line::styled(fit(&text, inner.width as usize), style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
    let items = [("left", None), ("right", None), ("down", Some(t.next_filter)), ("confirm", None)];
    frame.render_widget(Paragraph::new(hint_line(app, Context::Input, &items, inner.width as usize)), bottom(inner));
}

/// The file picker: the folder, the typed path, the entries (ticked ones marked), what went wrong.
fn files(frame: &mut Frame, app: &App, area: Rect, p: &crate::tui::picker::FilePicker) {
    let t = app.text;
    let title = match p.purpose {
        PathPurpose::Reconcile(source) => reconcile_title(t, source),
        PathPurpose::Merge => t.merge_title,
        PathPurpose::Restore => t.restore_pick_title,
        _ => t.import_title,
    };
    // `area` lies between the title bar and the status line.
    let height = area.height.min(26);
    let inner = popup(frame, app, area, 86, height, title);
    let width = inner.width as usize;
    frame.render_widget(Paragraph::new(fit(&p.dir.display().to_string(), width)), Rect { height: 1, ..inner });
    let typed_label = fit(t.picker_typed, 12);
    frame.render_widget(Paragraph::new(typed_label), Rect { y: inner.y + 1, height: 1, width: 12, ..inner });
    field(
        frame,
        app,
        Rect { x: inner.x + 12, y: inner.y + 1, width: inner.width.saturating_sub(12), height: 1 },
        &p.typed,
        true,
    );
    // What went wrong, wrapped over as many rows as it needs (up to four, the list giving them up), so a
    // refusal that says what to do instead (a drive picked as a list) is read to its end and its file's name.
    let error_rows: Vec<String> = match &p.error {
        Some(e) => {
            let said = crate::words::on_screen(e, app.lang);
            let mut rows = layout::wrap(&crate::io::table::printable(&said), width);
            if rows.len() > 4 {
                rows.truncate(4);
                rows[3] = truncate(&format!("{}..", rows[3]), width);
            }
            rows
        }
        None => Vec::new(),
    };
    // Under the list, what the picker shows and how Space ticks (wrapped, so a narrow window reads it whole), or how
    // many files are ticked, or what went wrong.
    let error_style = app.theme.popup().fg(app.theme.error.0);
    let note: Vec<Line> = match (error_rows.is_empty(), p.picked.len()) {
        (false, _) => error_rows.into_iter().map(|row| Line::styled(row, error_style)).collect(),
        (true, picked) => {
            let (text, style) = match picked {
                0 if p.all_files => (t.picker_all_files.to_owned(), app.theme.muted()),
                0 if matches!(p.purpose, PathPurpose::Merge | PathPurpose::Restore) => {
                    (t.picker_drives.to_owned(), app.theme.muted())
                }
                0 => (t.picker_spreadsheets.to_owned(), app.theme.muted()),
                n => (fill(t.picker_picked, &[&n]), app.theme.popup()),
            };
            layout::wrap(&text, width).into_iter().map(|row| Line::styled(row, style)).collect()
        }
    };
    let note_rows = note.len().max(1) as u16;
    let list = Rect { y: inner.y + 3, height: inner.height.saturating_sub(5 + note_rows), ..inner };
    // A list longer than the box gives its last row to how many entries are out of sight above and below.
    let overflows = p.entries.len() > list.height as usize;
    let rows = (list.height as usize).saturating_sub(usize::from(overflows));
    let start = (p.cursor + 1).saturating_sub(rows.max(1));
    let mut lines: Vec<Line> = p
        .entries
        .iter()
        .enumerate()
        .skip(start)
        .take(rows)
        .map(|(i, e)| {
            let picked = p.picked.contains(&p.dir.join(&e.name));
            let mark = if picked {
                "[x]"
            } else if e.is_dir || !p.allows_several() {
                "   "
            } else {
                "[ ]"
            };
            let mut name = if e.is_dir && e.name != ".." { format!("{}/", e.name) } else { e.name.clone() };
            // A backup to restore: its time on the screen's clock and why it was taken, beside the name, whose
            // time is UTC.
            if p.purpose == PathPurpose::Restore
                && !e.is_dir
                && let Some((zh, en)) = crate::store::backup::backup_name_words(&e.name)
            {
                name.push_str("  ");
                name.push_str(t.pick(&zh, &en));
            }
            let style = if i == p.cursor { app.theme.input() } else { app.theme.popup() };
            Line::styled(fit(&format!("{mark} {name}"), width), style)
        })
        .collect();
    if overflows {
        let below = p.entries.len().saturating_sub(start + rows);
        let said: Vec<String> = [(start, t.picker_more_above), (below, t.picker_more_below)]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, words)| fill(words, &[&n]))
            .collect();
        lines.push(Line::styled(fit(&said.join("　"), width), app.theme.muted()));
    }
    frame.render_widget(Paragraph::new(lines), list);
    let note_area =
        Rect { y: inner.y + inner.height.saturating_sub(1 + note_rows), height: note_rows.min(inner.height), ..inner };
    frame.render_widget(Paragraph::new(note), note_area);
    let mut items =
        vec![("confirm", None), ("next_field", Some(t.picker_toggle)), ("back", None), ("left", Some(t.picker_up))];
    if p.allows_several() {
        items.insert(1, ("toggle_select", Some(t.short("toggle_select"))));
    }
    frame.render_widget(Paragraph::new(hint_line(app, Context::Input, &items, width)), bottom(inner));
}

/// The detail screen's correction form: name, ID number, class, phone, 民族, 居住地址.
fn identity(frame: &mut Frame, app: &App, area: Rect, form: &IdentityForm) {
    let t = app.text;
    // The refusal and the hint under the fields, wrapped as the box is wide: the box grows with them, so a long
    // refusal (another pupil's number, with their name and class) is read whole.
    let inner_w = 70u16.min(area.width).saturating_sub(4) as usize;
    let error_style = app.theme.popup().fg(app.theme.error.0);
    let notes: Vec<Line> = form
        .error
        .iter()
        .map(|e| (e.as_str(), error_style))
        // What a key typed into a filled field does: the first replaces the value (`LineInput::edit_filled`), where
        // an operator appending to a name saw it go.
        .chain([(t.identity_hint, app.theme.muted()), (t.identity_typing_replaces, app.theme.muted())])
        .flat_map(|(text, style)| layout::wrap(text, inner_w).into_iter().map(move |row| Line::styled(row, style)))
        .collect();
    let notes_h = notes.len() as u16;
    let rows = form.fields.len() as u16;
    let inner = popup(frame, app, area, 70, 5 + rows + notes_h, t.identity_title);
    let label_w = 14;
    for (i, input) in form.fields.iter().enumerate() {
        let y = inner.y + i as u16;
        let focused = form.focus as usize == i;
        let style = if focused { app.theme.popup().add_modifier(Modifier::BOLD) } else { app.theme.popup() };
        let label = Paragraph::new(Span::styled(fit(t.identity_fields[i], label_w), style));
        frame.render_widget(label, Rect { y, height: 1, width: label_w as u16, ..inner });
        let field_area =
            Rect { x: inner.x + label_w as u16, y, width: inner.width.saturating_sub(label_w as u16), height: 1 };
        // The number is shown only when revealed or once the operator edits it: the focus passing through on
        // the way to the class or the phone leaves it masked, saying that typing shows it.
        if i == IdentityField::IdNumber as usize && !app.shows_number_of(form.id) && !form.revealed {
            let masked = crate::domain::id_number::mask(input.text());
            let cells = masked.width() as u16;
            let mut spans = vec![Span::styled(masked, app.theme.popup().add_modifier(Modifier::UNDERLINED))];
            if focused {
                spans[0].style = app.theme.input();
                spans.push(Span::styled(format!("  {}", t.identity_number_masked), app.theme.muted()));
                frame.set_cursor_position(Position::new(field_area.x + cells.min(field_area.width), y));
            }
            frame.render_widget(Paragraph::new(Line::from(spans)), field_area);
        } else {
            field(frame, app, field_area, input, focused);
        }
    }
    frame.render_widget(Paragraph::new(notes), Rect { y: inner.y + rows + 1, height: notes_h, ..inner });
    let items = [("confirm", None), ("back", None), ("next_field", Some(t.short("down")))];
    frame.render_widget(Paragraph::new(hint_line(app, Context::Input, &items, inner.width as usize)), bottom(inner));
}
