//! Dialogs over the screens (prompts, pickers, reports, help) and how each one takes actions.

use super::action::Action;
use super::app::App;
use super::input::LineInput;
use super::jobs::{JobKind, Work};
use super::keymap::Context;
use super::layout;
use super::palette::Form;
use super::paths;
use super::roster::Filters;
use crate::domain::student::{Enrollment, PaymentChannel, PaymentStatus};
use crate::io::class_list::{ImportReport, ImportRequest};
use crate::io::reconcile::Source;

/// What a path prompt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathPurpose {
    Import,
    /// The student information sheet: a file.
    Export,
    /// Another form: a folder its files go into.
    ExportForm(Form),
    Reconcile(Source),
    /// Another laptop's drive file.
    Merge,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPrompt {
    pub purpose: PathPurpose,
    pub input: LineInput,
    /// Names offered by the last Tab.
    pub candidates: Vec<String>,
}

/// Marking pupils paid: amount, date, channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentForm {
    pub targets: Vec<i64>,
    /// The targets as stored, in the same order: quoted again when the date changes.
    pub pupils: Vec<crate::domain::student::Student>,
    pub amount: LineInput,
    /// The operator typed an amount: it then applies to every target instead of each one's own quote.
    pub amount_edited: bool,
    /// Each target's amount due under the policy for the date in the form, when known.
    pub quoted: Vec<Option<i64>>,
    pub date: LineInput,
    /// Index into `PaymentChannel::CHOICES`; `None` until the operator picks one, and then nothing is saved.
    pub channel: Option<usize>,
    /// 0 amount, 1 date, 2 channel.
    pub focus: usize,
    /// The policy's words about the amount, or why there is none.
    pub note: Option<String>,
    pub error: Option<String>,
}

/// `e`: the enrollment status to set, with the reason (不参保) or the place (异地参保) where one applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentChooser {
    pub targets: Vec<i64>,
    /// Index into `Enrollment::ALL`.
    pub cursor: usize,
    pub detail: LineInput,
}

impl EnrollmentChooser {
    pub fn status(&self) -> Enrollment {
        Enrollment::ALL[self.cursor.min(Enrollment::ALL.len() - 1)]
    }

    /// The status chosen takes a reason or a place.
    pub fn takes_detail(&self) -> bool {
        matches!(self.status(), Enrollment::Declined | Enrollment::Elsewhere)
    }
}

/// What Yes does.
pub enum Then {
    Write(Pending),
    /// Work to start (an export over an existing file …).
    Start(Box<Work>),
    /// Undo (or redo) an edit of several pupils.
    Undo,
    Redo,
}

/// Changes waiting for the operator's yes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub items: Vec<(i64, Vec<crate::store::Change>)>,
    /// What the status line says once written.
    pub label: String,
    /// Yes also allows a payment against the enrollment (see `ChangeOptions::confirmed`).
    pub confirmed: bool,
}

/// A yes/no question before a write; No is the default, Esc is No.
pub struct Confirm {
    pub question: String,
    pub then: Then,
    /// The highlighted answer.
    pub yes: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryPicker {
    pub targets: Vec<i64>,
    pub cursor: usize,
    /// One per `CategoryTable::builtin().all()` entry.
    pub checked: Vec<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub title: String,
    pub lines: Vec<String>,
    pub error: bool,
    pub offset: usize,
}

/// The dialog on top, at most one.
pub enum Modal {
    Help {
        offset: usize,
    },
    /// First run: who is at the keyboard.
    Operator(LineInput),
    /// An empty drive file: offer the sample school or an import.
    Welcome,
    Enrollment(EnrollmentChooser),
    Confirm(Confirm),
    Note {
        input: LineInput,
        targets: Vec<i64>,
    },
    Payment(PaymentForm),
    Categories(CategoryPicker),
    /// The filter panel; `row` is the filter being changed, `jump` what was typed to find a class.
    Filters {
        row: usize,
        jump: String,
    },
    Path(PathPrompt),
    /// Files read and checked; Enter commits.
    ImportPreview {
        request: Box<ImportRequest>,
        preview: ImportReport,
        offset: usize,
        /// The school for rows whose file names none, asked here rather than taken as 「本校」.
        school: Option<LineInput>,
    },
    Working(JobKind),
    Message(Message),
    /// Correcting a pupil's name, number, class and phone.
    Identity(super::identity::IdentityForm),
    /// Choosing the file(s) a list comes from.
    Files(super::picker::FilePicker),
    /// A school's new name; Up and Down pick the school when the drive has several.
    RenameSchool {
        schools: Vec<String>,
        cursor: usize,
        name: LineInput,
    },
    /// `:`: every action, filtered as typed.
    Palette {
        input: LineInput,
        cursor: usize,
    },
    /// The policies there are, the drive's marked; Enter chooses one for the drive.
    Policies {
        cursor: usize,
        list: Vec<crate::domain::policy::Policy>,
    },
    /// This year's policy from the highlighted one.
    NewPolicy(NewPolicyForm),
    /// A merge's dry run; Enter merges (after a backup).
    MergePreview {
        file: std::path::PathBuf,
        lines: Vec<String>,
        offset: usize,
    },
    /// A reconciliation's dry run; Enter applies it.
    ReconcilePreview {
        file: std::path::PathBuf,
        source: Source,
        lines: Vec<String>,
        offset: usize,
    },
}

/// `policy new` as a form: the base, the new name, year and premium.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPolicyForm {
    pub base: String,
    pub name: LineInput,
    pub year: LineInput,
    pub premium: LineInput,
    /// 0 name, 1 year, 2 premium.
    pub focus: usize,
    pub error: Option<String>,
}

/// The filter panel's rows.
pub const FILTER_ROWS: usize = 5;

impl Modal {
    pub fn context(&self) -> Context {
        match self {
            Modal::Help { .. } => Context::Help,
            Modal::Operator(_)
            | Modal::Enrollment(_)
            | Modal::Note { .. }
            | Modal::Payment(_)
            | Modal::Path(_)
            | Modal::Palette { .. }
            | Modal::Files(_)
            | Modal::Identity(_)
            | Modal::RenameSchool { .. }
            | Modal::ImportPreview { school: Some(_), .. }
            | Modal::NewPolicy(_) => Context::Input,
            // The filter panel takes typed text: on the class row it finds a class as typed.
            Modal::Filters { .. } => Context::Input,
            Modal::Categories(_) | Modal::Policies { .. } => Context::Picker,
            Modal::Welcome
            | Modal::Confirm(_)
            | Modal::ImportPreview { school: None, .. }
            | Modal::ReconcilePreview { .. }
            | Modal::MergePreview { .. }
            | Modal::Working(_)
            | Modal::Message(_) => Context::Dialog,
        }
    }
}

/// Applies an editing action to a text field; false when the action is not an edit.
pub(super) fn edit(input: &mut LineInput, action: &Action) -> bool {
    match action {
        Action::Input(c) => input.insert(*c),
        Action::Paste(s) => input.insert_str(s),
        Action::Backspace => input.backspace(),
        Action::Delete => input.delete(),
        Action::ClearLine => input.clear(),
        Action::Left => input.left(),
        Action::Right => input.right(),
        Action::Top => input.home(),
        Action::Bottom => input.end(),
        _ => return false,
    }
    true
}

pub(super) fn scroll(offset: usize, action: &Action, page: usize) -> usize {
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
        if matches!(action, Action::Quit) && !matches!(modal, Modal::Working(_)) {
            self.quit = true;
            return;
        }
        let page = layout::page(self.size);
        let keep = match modal {
            Modal::Help { offset } => match action {
                Action::Back | Action::Help | Action::Confirm => None,
                a => Some(Modal::Help { offset: scroll(offset, &a, page) }),
            },
            Modal::Operator(mut input) => match action {
                Action::Confirm if !input.text().trim().is_empty() => {
                    match self.store.set_operator(input.text()) {
                        Ok(()) if self.data.is_empty() && !self.store.is_read_only() => {
                            self.modal = Some(Modal::Welcome)
                        }
                        Ok(()) => {}
                        Err(e) => self.fail(e.to_string()),
                    }
                    None
                }
                // Without a name nothing can be recorded: Esc leaves canbao.
                Action::Back => {
                    self.quit = true;
                    None
                }
                a => {
                    edit(&mut input, &a);
                    Some(Modal::Operator(input))
                }
            },
            Modal::Welcome if self.store.is_read_only() && matches!(action, Action::LoadSample | Action::Import) => {
                self.fail(self.text.read_only_refused);
                None
            }
            Modal::Welcome => match action {
                Action::LoadSample => {
                    self.load_sample();
                    None
                }
                Action::Import => {
                    self.open_import();
                    None
                }
                Action::Back | Action::Confirm => None,
                _ => Some(Modal::Welcome),
            },
            Modal::Enrollment(mut chooser) => match action {
                Action::Confirm => {
                    self.choose_enrollment(chooser);
                    None
                }
                Action::Back => None,
                Action::Up | Action::ScrollUp => {
                    chooser.cursor = chooser.cursor.saturating_sub(1);
                    Some(Modal::Enrollment(chooser))
                }
                Action::Down | Action::ScrollDown | Action::NextField => {
                    chooser.cursor = (chooser.cursor + 1).min(Enrollment::ALL.len() - 1);
                    Some(Modal::Enrollment(chooser))
                }
                a => {
                    // Typing goes to the reason or place, and only where the status takes one.
                    if chooser.takes_detail() {
                        edit(&mut chooser.detail, &a);
                    }
                    Some(Modal::Enrollment(chooser))
                }
            },
            Modal::Confirm(mut confirm) => match action {
                Action::Yes => {
                    self.confirmed(confirm.then);
                    None
                }
                Action::Confirm if confirm.yes => {
                    self.confirmed(confirm.then);
                    None
                }
                Action::Confirm | Action::Back => {
                    self.say(self.text.nothing_changed);
                    None
                }
                Action::Left | Action::Right | Action::NextField | Action::Up | Action::Down => {
                    confirm.yes = !confirm.yes;
                    Some(Modal::Confirm(confirm))
                }
                _ => Some(Modal::Confirm(confirm)),
            },
            Modal::Note { mut input, targets } => match action {
                Action::Confirm => {
                    let note = input.text().trim().to_owned();
                    self.set_note(&targets, &note);
                    None
                }
                Action::Back => None,
                a => {
                    edit(&mut input, &a);
                    Some(Modal::Note { input, targets })
                }
            },
            Modal::Payment(form) => self.update_payment(form, action),
            Modal::Categories(picker) => self.update_categories(picker, action),
            Modal::Filters { row, jump } => self.update_filters(row, jump, action),
            Modal::Path(prompt) => self.update_path(prompt, action),
            Modal::ImportPreview { mut request, preview, offset, mut school } => match action {
                Action::Confirm => {
                    let named = school.as_ref().map(|s| s.text().trim().to_owned());
                    match named {
                        Some(name) if name.is_empty() => {
                            self.fail(self.text.preview_school_missing);
                            Some(Modal::ImportPreview { request, preview, offset, school })
                        }
                        named => {
                            if let Some(name) = named {
                                request.default_school = name;
                            }
                            self.start(Work::Apply { request: *request });
                            None
                        }
                    }
                }
                Action::Back => {
                    self.say(self.text.import_cancelled);
                    None
                }
                a => {
                    let typed = school.as_mut().is_some_and(|input| edit(input, &a));
                    let offset = if typed { offset } else { scroll(offset, &a, page) };
                    Some(Modal::ImportPreview { request, preview, offset, school })
                }
            },
            Modal::Working(kind) => Some(Modal::Working(kind)),
            Modal::Palette { input, cursor } => self.update_palette(input, cursor, action),
            Modal::Files(picker) => self.update_picker(picker, action),
            Modal::Identity(form) => self.update_identity(form, action),
            Modal::RenameSchool { schools, cursor, name } => self.update_rename_school(schools, cursor, name, action),
            Modal::Policies { cursor, list } => self.update_policies(cursor, list, action),
            Modal::NewPolicy(form) => self.update_new_policy(form, action),
            Modal::MergePreview { file, lines, offset } => match action {
                Action::Confirm => {
                    self.start(Work::Merge { file, dry_run: false });
                    None
                }
                Action::Back => {
                    self.say(self.text.nothing_changed);
                    None
                }
                a => Some(Modal::MergePreview { file, offset: scroll(offset, &a, page), lines }),
            },
            Modal::ReconcilePreview { file, source, lines, offset } => match action {
                Action::Confirm => {
                    self.start_reconcile(file, source, false);
                    None
                }
                Action::Back => {
                    self.say(self.text.nothing_changed);
                    None
                }
                a => Some(Modal::ReconcilePreview { file, source, offset: scroll(offset, &a, page), lines }),
            },
            Modal::Message(mut m) => match action {
                Action::Back | Action::Confirm => None,
                a => {
                    m.offset = scroll(m.offset, &a, page).min(m.lines.len().saturating_sub(1));
                    Some(Modal::Message(m))
                }
            },
        };
        if keep.is_some() {
            self.modal = keep;
        }
    }

    fn update_payment(&mut self, mut form: PaymentForm, action: Action) -> Option<Modal> {
        form.error = None;
        let channels = PaymentChannel::CHOICES.len();
        match action {
            Action::Back => return None,
            Action::Confirm => return self.apply_payment(form),
            Action::Up => form.focus = (form.focus + 2) % 3,
            Action::Down | Action::NextField => form.focus = (form.focus + 1) % 3,
            Action::Left if form.focus == 2 => {
                form.channel = Some(form.channel.map_or(channels - 1, |c| (c + channels - 1) % channels))
            }
            Action::Right | Action::Input(' ') if form.focus == 2 => {
                form.channel = Some(form.channel.map_or(0, |c| (c + 1) % channels))
            }
            Action::Backspace | Action::Delete if form.focus == 2 => form.channel = None,
            Action::Input(c) if form.focus == 2 => {
                // A digit picks a channel directly.
                if let Some(d) = c.to_digit(10).filter(|d| (1..=channels as u32).contains(d)) {
                    form.channel = Some(d as usize - 1);
                }
            }
            a if form.focus == 0 => {
                let caret_only = matches!(a, Action::Left | Action::Right | Action::Top | Action::Bottom);
                let edited = edit(&mut form.amount, &a);
                form.amount_edited |= edited && !caret_only;
            }
            a if form.focus == 1 => {
                if edit(&mut form.date, &a)
                    && let Ok(day) = chrono::NaiveDate::parse_from_str(form.date.text().trim(), "%Y-%m-%d")
                {
                    // The amount due depends on the day paid (late payment, mid-year enrollment).
                    self.quote_form(&mut form, day);
                }
            }
            _ => {}
        }
        Some(Modal::Payment(form))
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
                if let Some(on) = picker.checked.get_mut(picker.cursor) {
                    *on = !*on;
                }
            }
            _ => {}
        }
        Some(Modal::Categories(picker))
    }

    fn update_filters(&mut self, mut row: usize, mut jump: String, action: Action) -> Option<Modal> {
        let step: isize = match action {
            Action::Back | Action::Confirm => return None,
            Action::Up => {
                row = (row + FILTER_ROWS - 1) % FILTER_ROWS;
                jump.clear();
                0
            }
            Action::Down | Action::NextField => {
                row = (row + 1) % FILTER_ROWS;
                jump.clear();
                0
            }
            Action::Left => -1,
            Action::Right | Action::ToggleSelect => 1,
            Action::Input(' ') if row != 0 || jump.is_empty() => 1,
            // On the class row, typing finds the class as lists write it (初三6班, 9年级6班 …).
            Action::Input(c) if row == 0 => {
                jump.push(c);
                self.jump_to_class(&jump);
                0
            }
            Action::ClearLine if row == 0 => {
                jump.clear();
                0
            }
            Action::Backspace if row == 0 => {
                jump.pop();
                if !jump.is_empty() {
                    self.jump_to_class(&jump);
                }
                0
            }
            _ => 0,
        };
        if step != 0 {
            jump.clear();
            let f = &mut self.filters;
            match row {
                0 => f.class = cycle(f.class, self.data.classes.len(), step),
                1 => f.enrollment = cycle_in(f.enrollment, &Enrollment::ALL, step),
                2 => f.payment = cycle_in(f.payment, &PaymentStatus::ALL, step),
                3 => f.category = cycle(f.category, self.data.category_names.len(), step),
                _ => f.problems_only = !f.problems_only,
            }
            self.show_from_top();
        }
        Some(Modal::Filters { row, jump })
    }

    /// Sets the class filter to the class `typed` means, if any.
    fn jump_to_class(&mut self, typed: &str) {
        if let Some(i) = crate::domain::class_label::class_matching(&self.data.classes, typed) {
            self.filters.class = Some(i as u32);
            self.show_from_top();
        }
    }

    fn update_path(&mut self, mut prompt: PathPrompt, action: Action) -> Option<Modal> {
        match action {
            Action::Back => None,
            Action::NextField => {
                let done = paths::complete(prompt.input.text());
                prompt.input.set(&done.text);
                prompt.candidates = done.candidates;
                Some(Modal::Path(prompt))
            }
            Action::Confirm => {
                let text = prompt.input.text().trim().trim_matches('"').to_owned();
                if text.is_empty() {
                    return Some(Modal::Path(prompt));
                }
                match prompt.purpose {
                    PathPurpose::Import => self.start_import(text.into()),
                    PathPurpose::Export => self.start_export(text.into()),
                    PathPurpose::ExportForm(form) => self.start_form_export(form, text.into()),
                    PathPurpose::Reconcile(source) => self.start_reconcile(text.into(), source, true),
                    PathPurpose::Merge => self.start(Work::Merge { file: text.into(), dry_run: true }),
                }
                None
            }
            a => {
                if edit(&mut prompt.input, &a) {
                    prompt.candidates.clear();
                }
                Some(Modal::Path(prompt))
            }
        }
    }

    /// Clears every filter (used by the filter panel's help and by tests).
    pub fn clear_filters(&mut self) {
        self.filters = Filters::default();
        self.show_from_top();
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
