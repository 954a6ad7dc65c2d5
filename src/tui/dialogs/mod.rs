//! How each dialog takes actions, and what it changes in the app when it closes. What a dialog holds is
//! `modal`; drawing it is `views::modal`.

mod files;
mod identity;

use super::action::Action;
use super::app::App;
use super::input::{FormField, LineInput};
use super::jobs::{JobKind, Work};
use super::keymap::Context;
use super::layout;
use super::modal::{
    CategoryPicker, Confirm, EnrollmentChooser, FilterRow, Modal, PathPrompt, PathPurpose, PaymentField, PaymentForm,
    PreviewedList, Then,
};
use super::paths;
use super::text::fill;
use crate::domain::student::{Enrollment, PaymentChannel, PaymentStatus};
use crate::io::class_list::{ImportReport, ImportRequest};

/// `Modal::ImportPreview`'s fields, while its keys are handled.
struct ImportPreview {
    request: Box<ImportRequest>,
    preview: ImportReport,
    offset: usize,
    school: Option<LineInput>,
    new_school: Option<String>,
    join: Option<super::modal::SchoolJoin>,
}

impl ImportPreview {
    fn into_modal(self) -> Modal {
        let ImportPreview { request, preview, offset, school, new_school, join } = self;
        Modal::ImportPreview { request, preview, offset, school, new_school, join }
    }
}

/// A message box's new first row: as far as its last row, however many rows its long lines wrap to.
fn scroll_box(size: (u16, u16), lines: &[String], offset: usize, action: &Action, page: usize) -> usize {
    let last = layout::MessageBox::new(size, lines.iter().map(String::as_str)).last_offset();
    match action {
        // End: the report's last lines (a long check's 税务已缴费、名单未记入), where it did nothing.
        Action::Bottom => last,
        _ => scroll(offset, action, page).min(last),
    }
}

/// A scrolled text's new first line.
fn scroll(offset: usize, action: &Action, page: usize) -> usize {
    match action {
        Action::Up | Action::ScrollUp => offset.saturating_sub(1),
        Action::Down | Action::ScrollDown => offset + 1,
        Action::PageUp => offset.saturating_sub(page),
        Action::PageDown => offset + page,
        Action::Top => 0,
        _ => offset,
    }
}

impl App {
    /// Gives an action to the dialog on top. A handler returns the dialog to keep (or `None` to close it);
    /// one that opens another dialog sets `self.modal` and returns `None`.
    pub fn update_modal(&mut self, action: Action) {
        let Some(modal) = self.modal.take() else {
            return;
        };
        let kind = std::mem::discriminant(&modal);
        let quit = matches!(action, Action::Quit);
        // A first Ctrl-c over typed text or a dialog warned already (`App::quit_held_back`): this one quits.
        if modal.keeps_typing()
            && matches!(action, Action::Input(_) | Action::Paste(_) | Action::Backspace | Action::Delete)
        {
            self.typed_in = Some(kind);
        }
        if quit && !matches!(modal, Modal::Working(_)) {
            // A form's files waiting at the question to replace others are not left behind in their hidden folder.
            if let Modal::Confirm(Confirm { then: Then::Start(work), .. }) = &modal
                && let Work::Place { staged } = work.as_ref()
            {
                staged.discard();
            }
            self.quit = true;
            return;
        }
        let page = layout::page(self.size);
        let keep = match modal {
            Modal::Help { offset } => match action {
                Action::Back | Action::Help | Action::Confirm => None,
                a => Some(Modal::Help { offset: scroll(offset, &a, page) }),
            },
            Modal::Operator(input) => self.update_operator(input, action),
            Modal::Welcome => self.update_welcome(action),
            Modal::Enrollment(chooser) => self.update_enrollment(chooser, action),
            Modal::Confirm(confirm) => self.update_confirm(confirm, action),
            Modal::Note { mut input, targets, original } => match action {
                Action::Confirm => {
                    let note = input.text().trim().to_owned();
                    self.set_note(&targets, &note);
                    None
                }
                // Text typed and thrown away is said, as the category chooser says it closed unsaved; nothing
                // typed (or the note as it was) is nothing lost.
                Action::Back => {
                    let typed = input.text().trim();
                    if !typed.is_empty() && typed != original.trim() {
                        self.say(fill(self.text.note_unsaved, &[&typed]));
                    }
                    None
                }
                a => {
                    input.edit(&a);
                    Some(Modal::Note { input, targets, original })
                }
            },
            Modal::Payment(form) => self.update_payment(form, action),
            Modal::Categories(picker) => self.update_categories(picker, action),
            Modal::Filters { row, jump } => self.update_filters(row, jump, action),
            Modal::Path(prompt) => self.update_path(prompt, action),
            Modal::ImportPreview { request, preview, offset, school, new_school, join } => {
                let p = ImportPreview { request, preview, offset, school, new_school, join };
                self.update_import_preview(p, action, page)
            }
            Modal::Working(kind) => self.update_working(kind, action),
            Modal::Palette { input, cursor } => self.update_palette(input, cursor, action),
            Modal::Files(picker) => self.update_picker(picker, action),
            Modal::Identity(form) => self.update_identity(form, action),
            Modal::RenameSchool { schools, cursor, name } => self.update_rename_school(schools, cursor, name, action),
            Modal::DismissPayment { lines, cursor, why, jump } => {
                self.update_dismiss_payment(lines, cursor, (why, jump), action)
            }
            Modal::UndismissPayment { lines, cursor, why, jump } => {
                self.update_undismiss_payment(lines, cursor, (why, jump), action)
            }
            Modal::Policies { cursor, list } => self.update_policies(cursor, list, action),
            Modal::NewPolicy(form) => self.update_new_policy(form, action),
            Modal::AddPupil(form) => self.update_add_pupil(form, action),
            Modal::EditPolicy(form) => self.update_edit_policy(form, action),
            Modal::MergePreview { file, lines, offset, ask } => match action {
                // A merge the command line refuses without a flag is asked, No by default: a stray Enter merges
                // nothing.
                Action::Confirm => match ask {
                    Some(ask) => {
                        let question = ask.clone();
                        let then = Then::Merge { file, lines, offset, ask };
                        Some(Modal::Confirm(Confirm { question, then, yes: false }))
                    }
                    None => {
                        self.start(Work::Merge { file, dry_run: false, policy: self.policy.clone() });
                        None
                    }
                },
                Action::Back => {
                    self.say(self.text.nothing_changed);
                    None
                }
                a => {
                    let offset = scroll_box(self.size, &lines, offset, &a, page);
                    Some(Modal::MergePreview { file, offset, lines, ask })
                }
            },
            Modal::Leavers { title, lines, ids, offset } => match action {
                // A stray Enter marks nobody: the question's No is the default.
                Action::Confirm => {
                    let question = fill(self.text.ask_mark_leavers, &[&ids.len()]);
                    Some(Modal::Confirm(Confirm { question, then: Then::MarkLeavers(ids), yes: false }))
                }
                Action::Back => {
                    self.say(self.text.leavers_not_marked);
                    None
                }
                a => {
                    let offset = scroll_box(self.size, &lines, offset, &a, page);
                    Some(Modal::Leavers { title, lines, ids, offset })
                }
            },
            Modal::ReconcilePreview { file, source, lines, offset, ask, stamp, other_school, strangers } => {
                let list = PreviewedList { source, stamp, other_school, strangers };
                match action {
                    // As a merge's: a run the command line refuses without its flag is asked, No by default.
                    Action::Confirm => match ask {
                        Some(ask) => {
                            let question = ask.clone();
                            let then = Then::Reconcile { file, lines, offset, ask, list };
                            Some(Modal::Confirm(Confirm { question, then, yes: false }))
                        }
                        None => {
                            self.start_reconcile(file, source, false, stamp, other_school);
                            None
                        }
                    },
                    // A tax list taken as another school's: previewed again so, for Enter to apply what it shows.
                    Action::OtherSchool
                        if source == crate::io::reconcile::Source::Tax && !other_school && strangers =>
                    {
                        self.start_reconcile(file, source, true, None, true);
                        None
                    }
                    Action::Back => {
                        self.say(self.text.nothing_changed);
                        None
                    }
                    a => {
                        let offset = scroll_box(self.size, &lines, offset, &a, page);
                        Some(Modal::reconcile_preview(file, lines, offset, ask, list))
                    }
                }
            }
            Modal::Message(mut m) => match action {
                Action::Back | Action::Confirm => None,
                // In a report longer than its box, g and G go to the first and last line, as on the roster's
                // list, where they closed it; a message that fits is closed by them as by any letter.
                Action::Input(c @ ('g' | 'G')) if scroll_box(self.size, &m.lines, 0, &Action::Bottom, page) > 0 => {
                    let to = if c == 'g' { Action::Top } else { Action::Bottom };
                    m.offset = scroll_box(self.size, &m.lines, m.offset, &to, page);
                    Some(Modal::Message(m))
                }
                // A character the message has no key for: the operator has read it and is back at the screen's
                // keys. It closes, as Enter closes it, and the key acts as on the screen (`q` quits, `d` opens 统计,
                // `/` the search), where it was swallowed and only brought the footer back.
                Action::Input(c) => {
                    self.key_after_message(c);
                    None
                }
                // A message that fits its box has nothing to scroll: the arrows are the screen's, as the letters
                // are, and move its highlight as they close it.
                a @ (Action::Up
                | Action::Down
                | Action::PageUp
                | Action::PageDown
                | Action::Top
                | Action::Bottom
                | Action::ScrollUp
                | Action::ScrollDown)
                    if scroll_box(self.size, &m.lines, 0, &Action::Bottom, page) == 0 =>
                {
                    self.key_after_message_action(a);
                    None
                }
                a => {
                    m.offset = scroll_box(self.size, &m.lines, m.offset, &a, page);
                    Some(Modal::Message(m))
                }
            },
        };
        if keep.is_some() {
            self.modal = keep;
        }
        if self.modal.is_none() {
            self.typed_in = None;
        }
    }

    /// First run: the operator's name.
    fn update_operator(&mut self, mut input: LineInput, action: Action) -> Option<Modal> {
        match action {
            // A path (a drive's name typed or pasted into the wrong prompt) or a whole paragraph is no name: it
            // would go into every history row as who made the change.
            Action::Confirm if operator_name_problem(input.text()).is_some() => {
                let said = match operator_name_problem(input.text()) {
                    Some(NameProblem::Path) => self.text.operator_path.to_owned(),
                    _ => fill(self.text.operator_too_long, &[&OPERATOR_NAME_MAX]),
                };
                self.fail(said);
                Some(Modal::Operator(input))
            }
            Action::Confirm if !input.text().trim().is_empty() => {
                match self.store.set_operator(input.text()) {
                    Ok(()) => {
                        self.name_lock_holder();
                        // What the prompt said of the name (「姓名不能为空…」, keys not taken as it) is answered now.
                        if self.status.as_ref().is_some_and(|s| self.said_by_name_prompt(&s.text)) {
                            self.status = None;
                        }
                        if self.data.is_empty() && !self.store.is_read_only() {
                            self.modal = Some(Modal::Welcome);
                        }
                    }
                    Err(e) => self.fail(e.to_string()),
                }
                None
            }
            // Not taken, and said: the prompt stays until a name is typed (the name a copied drive remembers,
            // shown above the field, is never taken for an empty one).
            Action::Confirm => {
                self.fail(self.text.operator_empty);
                Some(Modal::Operator(input))
            }
            // Without a name nothing can be recorded: Esc leaves canbao.
            Action::Back => {
                self.quit = true;
                None
            }
            a => {
                input.edit(&a);
                Some(Modal::Operator(input))
            }
        }
    }

    /// Whether the status line says what the name prompt said of the name typed: empty, or keys not taken as it.
    fn said_by_name_prompt(&self, said: &str) -> bool {
        // The text of `template` filled in, at the start of `said` (a note may follow it).
        let filled = |template: &str| {
            let mut rest = said;
            for (i, piece) in template.split("{}").enumerate() {
                match rest.find(piece) {
                    Some(at) if i > 0 || at == 0 => rest = &rest[at + piece.len()..],
                    _ => return false,
                }
            }
            true
        };
        filled(self.text.operator_empty)
            || filled(self.text.operator_path)
            || filled(self.text.operator_too_long)
            || filled(self.text.keys_at_name_prompt)
            || filled(self.text.keys_ignored_operator)
    }

    fn update_welcome(&mut self, action: Action) -> Option<Modal> {
        match action {
            Action::LoadSample | Action::Import if self.store.is_read_only() => {
                let refusal = self.read_only_refusal();
                self.fail(refusal);
                None
            }
            // A stray `1` must not switch the screen to another file: asked first, No by default, and No, Esc or
            // `n` come back here. The question is a dialog the key opened, so keys typed right after the `1` (text
            // meant for another window) close it unanswered (`App::guard_opened`).
            Action::LoadSample => {
                let key = |name| self.keymap.keys_for(Context::Dialog, name).first().map(|k| k.to_string());
                let (yes, back) = (key("yes").unwrap_or_default(), key("back").unwrap_or_default());
                let question = fill(self.text.sample_question, &[&yes, &back]);
                self.modal = Some(Modal::Confirm(Confirm { question, then: Then::LoadSample, yes: false }));
                None
            }
            Action::Import => {
                self.open_import();
                None
            }
            Action::Back | Action::Confirm => None,
            _ => Some(Modal::Welcome),
        }
    }

    /// The chooser is for one pupil, and their recorded payment rules out the status chosen (as `mark` refuses).
    fn payment_rules_out(&self, chooser: &EnrollmentChooser) -> bool {
        let [id] = chooser.targets.as_slice() else { return false };
        self.store.student(*id).is_ok_and(|s| {
            crate::domain::coverage::Standing::new(chooser.status(), s.payment).enrollment_contradicts_payment()
        })
    }

    /// The list of statuses, and below it the reason or place where the status takes one. Tab and Shift-Tab
    /// go between the two as in the payment form, and never change the status chosen.
    fn update_enrollment(&mut self, mut chooser: EnrollmentChooser, action: Action) -> Option<Modal> {
        chooser.error = None;
        match action {
            // One pupil whose payment rules the status out: the chooser stays, with the reason typed, and says
            // why (closed, the reason would be lost with the refusal).
            Action::Confirm if self.payment_rules_out(&chooser) => {
                chooser.error = Some(self.text.enrollment_paid_here);
            }
            // 不参保 is saved with why, as `mark` asks for it: Enter without one stays, on the reason.
            Action::Confirm if chooser.status() == Enrollment::Declined && chooser.detail.text().trim().is_empty() => {
                chooser.error = Some(self.text.decline_reason_needed);
                chooser.on_detail = true;
            }
            Action::Confirm => {
                self.choose_enrollment(chooser);
                return None;
            }
            // A reason or place typed and thrown away is said, as the note editor says its text was.
            Action::Back => {
                let typed = chooser.detail.text().trim();
                let (cursor, text) = &chooser.opened;
                if chooser.takes_detail() && !typed.is_empty() && (chooser.cursor != *cursor || typed != text.trim()) {
                    self.say(fill(self.text.enrollment_unsaved, &[&typed]));
                }
                return None;
            }
            Action::NextField | Action::PreviousField => {
                chooser.on_detail = !chooser.on_detail && chooser.takes_detail()
            }
            // Not the mouse wheel: turned over the dialog to scroll the roster behind it, it would change the status
            // chosen without a key pressed.
            Action::Up if chooser.on_detail => chooser.on_detail = false,
            Action::Down if chooser.on_detail => {}
            Action::Up => chooser.move_to(chooser.cursor.saturating_sub(1)),
            Action::Down => chooser.move_to(chooser.cursor + 1),
            // Typing goes to the reason or place, and only where the status takes one.
            a if chooser.takes_detail() => {
                chooser.on_detail |= chooser.detail.edit(&a);
            }
            // Text typed where there is no field would be lost without a word: the dialog says so.
            Action::Input(_) | Action::Paste(_) => chooser.error = Some(self.text.no_detail_typed),
            _ => {}
        }
        Some(Modal::Enrollment(chooser))
    }

    fn update_confirm(&mut self, mut confirm: Confirm, action: Action) -> Option<Modal> {
        match action {
            Action::Yes => self.confirmed(confirm.then),
            Action::Confirm if confirm.yes => self.confirmed(confirm.then),
            Action::Confirm => self.declined(confirm.then),
            Action::Back => self.dismissed(confirm.then),
            // Text typed into a question (the date 2026-11-20 typed after `p` and Tab, as into the payment form it
            // was taken for) is no answer: the question closes unanswered, as Esc closes it, and the keys after it,
            // its Enter among them, do nothing until the typing pauses. Only the question's own letters (y, h, l)
            // answer it, and those wait for a pause themselves (`App::key`).
            // The sample school's question offers `n` as No (as its text says): the operator asked whether to
            // switch files answers with either letter.
            Action::Input('n' | 'N') if matches!(confirm.then, Then::LoadSample) => self.declined(confirm.then),
            // Asked whether a tax list that looks like another school's is this school's after all: `o` says it is
            // another school's, and previews it again so (`--other-school-ok`).
            Action::OtherSchool if matches!(confirm.then, Then::Reconcile { .. }) => {
                if let Then::Reconcile { file, list, .. } = confirm.then {
                    self.start_reconcile(file, list.source, true, None, true);
                }
            }
            Action::Input(_) | Action::Paste(_) => {
                let key: String = match &action {
                    Action::Input(c) => c.to_string(),
                    Action::Paste(text) => text.chars().take(12).collect(),
                    _ => String::new(),
                };
                self.dismissed(confirm.then);
                self.typed_astray(fill(self.text.question_typed_astray, &[&key]));
            }
            // ← and → go to the button on that side (否 left, 是 right), as drawn: on a question that offers 是
            // first (登记补缴？), → toggled it to 否, and the operator who took it for a move to 是 answered No and
            // was asked the next question. Tab and Shift-Tab go to the other button. Not ↑/↓: those move through
            // the list or chooser the question came from, and a hurried key meant for it would turn the answer to Yes.
            Action::Left | Action::Right | Action::NextField | Action::PreviousField => {
                confirm.yes = match action {
                    Action::Left => false,
                    Action::Right => true,
                    _ => !confirm.yes,
                };
                return Some(Modal::Confirm(confirm));
            }
            _ => return Some(Modal::Confirm(confirm)),
        }
        None
    }

    /// Files read and checked: Enter imports them (asking the school first where the lists name none). Tab and
    /// Shift-Tab put each of the drive's schools in the school's field in turn; a name that is none of them is
    /// said to make a new school at the first Enter, and imported at a second.
    fn update_import_preview(&mut self, mut p: ImportPreview, action: Action, page: usize) -> Option<Modal> {
        match action {
            Action::Confirm => {
                let named = p.school.as_ref().map(|s| s.text().trim().to_owned());
                match named {
                    Some(name) if name.is_empty() => {
                        self.fail(self.text.preview_school_missing);
                        Some(p.into_modal())
                    }
                    Some(name)
                        if !self.schools.is_empty()
                            && !self.schools.contains(&name)
                            && p.new_school.as_ref() != Some(&name) =>
                    {
                        p.new_school = Some(name);
                        self.say(self.text.preview_new_school_again);
                        Some(p.into_modal())
                    }
                    named => {
                        if let Some(name) = named {
                            p.request.default_school = name;
                        }
                        if let Some(join) = p.join.as_ref().filter(|j| j.join) {
                            p.request.school = Some(join.full.clone());
                        }
                        // The sample file looks like a drive once real pupils are in it: asked, No by default.
                        if self.demo {
                            let question = self.sample_import_question();
                            return Some(Modal::Confirm(Confirm {
                                question,
                                then: Then::SampleImport(p.request),
                                yes: false,
                            }));
                        }
                        self.start(Work::Apply { request: *p.request });
                        None
                    }
                }
            }
            Action::Back => {
                self.added_pupil = None;
                // Left, the files this preview left out are not ticked again: the next import starts from the
                // files the operator ticks then, not with a refused one riding along unseen.
                self.import_retick.clear();
                self.say(self.text.import_cancelled);
                // 添加学生: back to the form as typed, to correct what the preview said.
                self.added_pupil_form.take().map(|form| Modal::AddPupil(*form))
            }
            Action::NextField | Action::PreviousField if p.school.is_none() && p.join.is_some() => {
                if let Some(join) = p.join.as_mut() {
                    join.join = !join.join;
                    if let Some(other) = join.other.as_mut() {
                        std::mem::swap(&mut p.preview, &mut **other);
                    }
                }
                Some(p.into_modal())
            }
            Action::NextField | Action::PreviousField if p.school.is_some() && !self.schools.is_empty() => {
                if let Some(input) = p.school.as_mut() {
                    let n = self.schools.len();
                    let at = self.schools.iter().position(|s| s == input.text().trim());
                    let next = match (action, at) {
                        (Action::NextField, Some(i)) => (i + 1) % n,
                        (Action::NextField, None) => 0,
                        (_, Some(i)) => (i + n - 1) % n,
                        (_, None) => n - 1,
                    };
                    input.set(&self.schools[next]);
                }
                if p.new_school.take().is_some() {
                    self.status = None;
                }
                Some(p.into_modal())
            }
            a => {
                let typed = p.school.as_mut().is_some_and(|input| input.edit(&a));
                if typed {
                    // The name changed: what was said of it no longer stands, in the box or on the status line.
                    if p.new_school.take().is_some() {
                        self.status = None;
                    }
                } else {
                    let mut lines = self.join_lines(p.join.as_ref());
                    lines.extend(self.import_preview_lines(&p.preview, p.school.as_ref(), p.new_school.as_deref()));
                    p.offset = scroll_box(self.size, &lines, p.offset, &a, page);
                }
                Some(p.into_modal())
            }
        }
    }

    /// Esc (and Ctrl-c or q, which would otherwise leave the job behind) asks whether to stop the job; a
    /// restore cannot be stopped half-way and says so.
    fn update_working(&mut self, kind: JobKind, action: Action) -> Option<Modal> {
        match action {
            Action::Back | Action::Quit if kind.can_stop() => {
                let question = fill(self.text.stop_question, &[&self.text.job(kind)]);
                self.modal = Some(Modal::Confirm(Confirm { question, then: Then::StopJob, yes: false }));
                None
            }
            Action::Back | Action::Quit => {
                self.say(self.text.cannot_stop);
                Some(Modal::Working(kind))
            }
            // Nothing waits to act when the job is done, on a screen it may have changed: the key is dropped, and
            // the status line says so.
            Action::Tick | Action::Resize(..) | Action::JobDone(_) => Some(Modal::Working(kind)),
            _ => {
                self.say(fill(self.text.keys_wait_for_job, &[&self.text.job(kind)]));
                Some(Modal::Working(kind))
            }
        }
    }

    fn update_payment(&mut self, mut form: PaymentForm, action: Action) -> Option<Modal> {
        form.error = None;
        let channels = PaymentChannel::CHOICES.len();
        match action {
            // An amount typed and thrown away is said, as the note editor says its text was: the roster still
            // reads 未缴费, and an Esc pressed for Enter would otherwise pass unnoticed.
            Action::Back => {
                let typed = form.amount.text().trim();
                if form.amount_edited && !typed.is_empty() {
                    self.say(fill(self.text.payment_unsaved, &[&typed]));
                }
                return None;
            }
            Action::Confirm => return self.apply_payment(form),
            Action::Up | Action::PreviousField => form.focus = form.focus.previous(),
            Action::Down | Action::NextField => form.focus = form.focus.next(),
            Action::Left if form.focus == PaymentField::Channel => {
                form.channel = Some(form.channel.map_or(channels - 1, |c| (c + channels - 1) % channels))
            }
            Action::Right | Action::Input(' ') if form.focus == PaymentField::Channel => {
                form.channel = Some(form.channel.map_or(0, |c| (c + 1) % channels))
            }
            Action::Backspace | Action::Delete if form.focus == PaymentField::Channel => form.channel = None,
            Action::Input(c) if form.focus == PaymentField::Channel => {
                // A digit picks a channel directly.
                if let Some(d) = c.to_digit(10).filter(|d| (1..=channels as u32).contains(d)) {
                    form.channel = Some(d as usize - 1);
                }
            }
            a if form.focus == PaymentField::Amount => {
                let caret_only = matches!(a, Action::Left | Action::Right | Action::Top | Action::Bottom);
                form.amount_caret_moved |= caret_only;
                // The amount the quote filled in is replaced by what is typed, as a selected field's text is: a
                // hurried 「300」 typed over 380 read 380300 and was saved as 380,300 元 after one y.
                if !form.amount_edited && !form.amount_caret_moved && matches!(a, Action::Input(_) | Action::Paste(_)) {
                    form.amount.clear();
                }
                let edited = form.amount.edit(&a);
                form.amount_edited |= edited && !caret_only;
            }
            // The amount due depends on the day paid (late payment, mid-year enrollment): quoted for the day Enter
            // would save, read as Enter reads it (2026/11/20, 2026年11月20日 …); none while the date is unfinished
            // or no day (2026-02-30), rather than the quote of a half-typed date before it.
            // Today's date, filled in, is replaced by a day typed over it (as the quoted amount is), unless the
            // caret was moved into it first.
            a if form.focus == PaymentField::Date => {
                let typed = matches!(a, Action::Input(_) | Action::Paste(_));
                if typed && !form.date_touched {
                    form.date.clear();
                }
                form.date_touched |= typed
                    || matches!(a, Action::Left | Action::Right | Action::Top | Action::Bottom | Action::Backspace);
                if form.date.edit(&a) {
                    match crate::tui::marking::form_date(form.date.text()) {
                        Some(day) => self.quote_form(&mut form, day),
                        None => self.unquote_form(&mut form),
                    }
                }
            }
            _ => {}
        }
        Some(Modal::Payment(form))
    }

    /// The first key bound to `action` in `context`, as the footer writes it.
    fn first_key(&self, context: Context, action: &str) -> String {
        self.keymap.keys_for(context, action).first().map(ToString::to_string).unwrap_or_default()
    }

    fn update_categories(&mut self, mut picker: CategoryPicker, action: Action) -> Option<Modal> {
        let last = picker.checked.len().saturating_sub(1);
        match action {
            Action::Back => return None,
            Action::Confirm => {
                self.choose_categories(&picker);
                return None;
            }
            Action::Up | Action::ScrollUp => picker.cursor = picker.cursor.saturating_sub(1),
            Action::Down | Action::ScrollDown => picker.cursor = (picker.cursor + 1).min(last),
            Action::PageUp => picker.cursor = picker.cursor.saturating_sub(5),
            Action::PageDown => picker.cursor = (picker.cursor + 5).min(last),
            Action::Top => picker.cursor = 0,
            Action::Bottom => picker.cursor = last,
            Action::ToggleSelect => {
                let stale = picker.stale.get_mut(picker.cursor).filter(|y| y.is_some());
                if let Some(year) = stale {
                    // Carried from an earlier year: the first Space certifies it for this year, the next unticks.
                    *year = None;
                } else if let Some(on) = picker.checked.get_mut(picker.cursor) {
                    *on = !*on;
                }
            }
            // A key the chooser has no use for (a letter, a pasted text) means the keys are not meant for it: text
            // typed into the wrong window, whose spaces would tick and whose Enter would save. The chooser closes
            // unsaved and says so in red, rather than wait for that Enter.
            Action::Input(_) | Action::Paste(_) | Action::New | Action::Edit => {
                let key = match &action {
                    Action::Input(c) => c.to_string(),
                    Action::Paste(text) => text.chars().take(12).collect(),
                    Action::New => self.first_key(Context::Picker, "new"),
                    _ => self.first_key(Context::Picker, "edit"),
                };
                self.typed_astray(fill(self.text.categories_stray, &[&key]));
                return None;
            }
            _ => {}
        }
        Some(Modal::Categories(picker))
    }

    fn update_filters(&mut self, mut row: FilterRow, mut jump: String, action: Action) -> Option<Modal> {
        let on_class = row == FilterRow::Class;
        let step: isize = match action {
            Action::Back | Action::Confirm => return None,
            Action::Up => {
                row = row.previous();
                jump.clear();
                0
            }
            Action::Down | Action::NextField => {
                row = row.next();
                jump.clear();
                0
            }
            Action::Left => -1,
            Action::Right | Action::ToggleSelect => 1,
            Action::Input(' ') if !on_class || jump.is_empty() => 1,
            // On the class row, typing finds the class as lists write it (初三6班, 9年级6班 …).
            Action::Input(c) if on_class => {
                jump.push(c);
                self.jump_to_class(&jump);
                0
            }
            Action::ClearLine if on_class => {
                jump.clear();
                self.clear_no_class_said();
                0
            }
            Action::Backspace if on_class => {
                jump.pop();
                if jump.is_empty() {
                    // Nothing typed: a red line about text no longer there would stand for nothing.
                    self.clear_no_class_said();
                } else {
                    self.jump_to_class(&jump);
                }
                0
            }
            _ => 0,
        };
        if step != 0 {
            jump.clear();
            let (classes, categories) = (self.data.classes.len(), self.data.category_names.len());
            self.set_filters(|f| match row {
                FilterRow::Class => f.class = cycle(f.class, classes, step),
                FilterRow::Enrollment => f.enrollment = cycle_in(f.enrollment, &Enrollment::ALL, step),
                FilterRow::Payment => f.payment = cycle_in(f.payment, &PaymentStatus::ALL, step),
                FilterRow::Category => f.category = cycle(f.category, categories, step),
                FilterRow::Problems => f.problems_only = !f.problems_only,
            });
        }
        Some(Modal::Filters { row, jump })
    }

    /// Sets the class filter to the class `typed` means, if any. None is said, with the class the filter stays on:
    /// a panel quietly left on 全部 makes the next `a` select the whole school.
    fn jump_to_class(&mut self, typed: &str) {
        match crate::domain::class_label::class_matching(&self.data.classes, typed) {
            Some(i) => {
                // What was said of the text typed before (a Backspace or a letter found a class) no longer stands.
                self.clear_no_class_said();
                self.set_filters(|f| f.class = Some(i as u32));
            }
            None => {
                let class = self.roster.filters().class.and_then(|c| self.data.classes.get(c as usize).cloned());
                self.fail(fill(self.text.no_class_matches, &[&typed, &class.as_deref().unwrap_or(self.text.all)]))
            }
        }
    }

    /// Takes away the 「没有与「…」相符的班级」 line, and no other message.
    fn clear_no_class_said(&mut self) {
        let said = self.text.no_class_matches.split("{}").next().unwrap_or_default();
        if self.status.as_ref().is_some_and(|s| s.error && s.text.starts_with(said)) {
            self.status = None;
        }
    }

    fn update_path(&mut self, mut prompt: PathPrompt, action: Action) -> Option<Modal> {
        match action {
            Action::Back => None,
            Action::NextField => {
                let done = paths::complete(prompt.input.text(), self.home.as_deref());
                prompt.input.set(&done.text);
                prompt.candidates = done.candidates;
                Some(Modal::Path(prompt))
            }
            Action::Confirm => {
                let text = prompt.input.text().trim().trim_matches('"').to_owned();
                if text.is_empty() {
                    return Some(Modal::Path(prompt));
                }
                let path = paths::typed_path(&text, self.home.as_deref());
                match prompt.purpose {
                    PathPurpose::Import => self.start_import(path),
                    PathPurpose::Export => self.start_export(path),
                    PathPurpose::ExportForm(form) => self.start_form_export(form, path),
                    PathPurpose::Reconcile(source) => self.start_reconcile(path, source, true, None, false),
                    PathPurpose::Merge => {
                        self.start(Work::Merge { file: path, dry_run: true, policy: self.policy.clone() })
                    }
                    PathPurpose::Restore => self.ask_restore(path),
                }
                None
            }
            a => {
                if prompt.input.edit(&a) {
                    prompt.candidates.clear();
                }
                Some(Modal::Path(prompt))
            }
        }
    }
}

/// Steps an optional index through `None, 0, 1, …, len-1, None`.
fn cycle<T: Copy + Into<u32> + TryFrom<u32>>(value: Option<T>, len: usize, step: isize) -> Option<T> {
    let positions = len as isize + 1;
    let now = value.map_or(0, |v| v.into() as isize + 1);
    let next = (now + step).rem_euclid(positions.max(1));
    if next == 0 { None } else { T::try_from(next as u32 - 1).ok() }
}

fn cycle_in<T: Copy + PartialEq>(value: Option<T>, all: &[T], step: isize) -> Option<T> {
    let now = value.and_then(|v| all.iter().position(|a| *a == v)).map_or(0, |p| p as isize + 1);
    let next = (now + step).rem_euclid(all.len() as isize + 1);
    if next == 0 { None } else { Some(all[next as usize - 1]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycling_passes_through_all() {
        assert_eq!(cycle::<u32>(None, 3, 1), Some(0));
        assert_eq!(cycle::<u32>(Some(2), 3, 1), None);
        assert_eq!(cycle::<u32>(None, 3, -1), Some(2));
        assert_eq!(cycle::<u16>(None, 0, 1), None);
        assert_eq!(cycle_in(None, &PaymentStatus::ALL, -1), Some(PaymentStatus::Government));
    }
}

/// The most characters the operator's name takes: a name with a title or a school beside it (王老师（示范小学）)
/// fits well within it; a longer text is no name.
pub const OPERATOR_NAME_MAX: usize = 30;

/// Why a text typed at the operator prompt is no name (an empty one is said apart, as before).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    Path,
    TooLong,
}

/// Whether `typed` is no operator's name: a file path (a separator, a drive letter, a home folder, a file's
/// extension such as `.db`), or longer than [`OPERATOR_NAME_MAX`] characters. `None` for a name, or an empty text.
pub fn operator_name_problem(typed: &str) -> Option<NameProblem> {
    let name = typed.trim();
    let lower = name.to_lowercase();
    let drive_letter = {
        let mut chars = name.chars();
        matches!((chars.next(), chars.next()), (Some(c), Some(':')) if c.is_ascii_alphabetic())
    };
    let extension = [".db", ".csv", ".xlsx", ".xls", ".sqlite", ".txt", ".toml"].iter().any(|e| lower.ends_with(e));
    if name.contains(['/', '\\']) || drive_letter || name.starts_with('~') || extension {
        return Some(NameProblem::Path);
    }
    (name.chars().count() > OPERATOR_NAME_MAX).then_some(NameProblem::TooLong)
}

#[cfg(test)]
mod operator_name_tests {
    use super::*;

    /// A path typed at the operator prompt is refused as a path, a paragraph as too long; a name (Chinese, with a
    /// title or a school beside it, or English) is taken. Before, the prompt took any text that was not empty.
    #[test]
    fn a_path_or_a_paragraph_is_no_operators_name() {
        for path in ["/home/wang/drive.db", "C:\\参保\\示范小学.db", "~/参保", "示范小学.db", "名单.xlsx", "d:"]
        {
            assert_eq!(operator_name_problem(path), Some(NameProblem::Path), "{path}");
        }
        assert_eq!(operator_name_problem(&"王".repeat(31)), Some(NameProblem::TooLong));
        for name in ["王老师", "王老师（示范小学）", "Wang Li", "李 娜", "", &"王".repeat(30)] {
            assert_eq!(operator_name_problem(name), None, "{name}");
        }
    }
}
