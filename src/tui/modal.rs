//! Dialogs over the screens (prompts, pickers, reports, help): what each one holds. How each takes actions is
//! `dialogs`, which changes the app; this module knows nothing of the app, so the app can hold a dialog.

use super::identity::IdentityForm;
use super::input::{FormField, LineInput};
use super::jobs::{JobKind, Work};
use super::keymap::Context;
pub use super::paths::PathPurpose;
use super::picker::FilePicker;
use crate::domain::student::Enrollment;
use crate::io::class_list::{ImportReport, ImportRequest};
use crate::io::reconcile::{ReconcileReport, Source};

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
    /// The targets as stored, in the same order: quoted again when the date changes. Shared: the form is kept
    /// whole for a question's No, which for a county's selection would otherwise copy 50k pupils.
    pub pupils: std::sync::Arc<[crate::domain::student::Student]>,
    pub amount: LineInput,
    /// The operator typed an amount: it then applies to every target instead of each one's own quote.
    pub amount_edited: bool,
    /// The operator moved the caret in the amount: a digit typed then goes where the caret is, instead of
    /// replacing the amount the quote filled in.
    pub amount_caret_moved: bool,
    /// Each target's amount due under the policy for the date in the form, when known.
    pub quoted: Vec<Option<i64>>,
    /// Each target's whole premium is paid by a department (全额资助: 特困, 孤儿 …): the family owes nothing, and
    /// the pupil is 财政代缴, not a family payment of 0 元.
    pub full_subsidy: Vec<bool>,
    /// In a class paid at once, the targets whose subsidy waits on the 本市户籍 check (`pupil_flags::hukou_pending`),
    /// by name: no amount is theirs until it is checked, so the class's payment leaves them out and says so; each
    /// is recorded on their own row, where the form gives both amounts.
    pub hukou_pending: Vec<Option<String>>,
    pub date: LineInput,
    /// The operator typed in the date or moved its caret: until then a character typed replaces the day filled in
    /// (today), as a typed amount replaces the quote, where 「2026/9/1」 typed read 「2026-12-072026/9/1」.
    pub date_touched: bool,
    /// Index into `PaymentChannel::CHOICES`; `None` until the operator picks one, and then nothing is saved.
    pub channel: Option<usize>,
    pub focus: PaymentField,
    /// The policy's words about the amount, or why there is none.
    pub note: Option<String>,
    pub error: Option<String>,
    /// Selected pupils left out because their payment is recorded already (paid, 财政代缴).
    pub already_paid: usize,
    /// Those of `already_paid` whose family paid part of the amount due (部分缴费) and still owes the rest, by name:
    /// kept as they are, never recorded paid in full by a class's payment, and said so.
    pub part_paid: Vec<String>,
    /// Those of `already_paid` who paid part of the amount due and have left school (已离校): the family is asked
    /// for nothing more, as `p` on her own row says; by name, never counted as paid in full.
    pub left_part_paid: Vec<String>,
    /// One pupil whose category enrolls away from school under the policy: that sentence, shown first.
    pub warning: Option<String>,
    /// The one pupil is sent by the policy to enroll away from school (待遇审批地, the family) and is not enrolled
    /// here all the same: the school collects nothing (0 元, said first), so no amount is proposed; one paid here
    /// all the same is typed, and Enter with none asks for it.
    pub away_zero: bool,
    /// The next insured year's concentrated period while the drive is still in the year before.
    pub next_collection: Option<Box<crate::io::year_policy::NextCollection>>,
    /// The date in the form falls in it: the payment is recorded for the drive's year, and how to start the next.
    pub year_warning: Option<String>,
    /// Selected pupils left out because their category enrolls away from school, by name, and where.
    pub left_away: Vec<String>,
    pub left_away_place: Option<crate::domain::policy::EnrollPlace>,
    /// The operator said yes to recording at school the payment of a pupil who enrolls at the benefit place:
    /// Enter goes on to the questions after it (the amount's). Cleared when a question's No brings the form back.
    pub away_ok: bool,
    /// The operator said yes to recording for the drive's year a payment the policy gives no cover in it
    /// (`policy::no_cover_in_year`): Enter goes on to the questions after it. Cleared as `away_ok` is.
    pub no_cover_ok: bool,
    /// A top-up of a part payment (补缴): the family's amount recorded, which the amount typed is added to.
    pub top_up: Option<i64>,
    /// The tax office's payments the drive holds as 待核实 for the targets' ID numbers (under another name …), one
    /// sentence per pupil (`unapplied::already_paid_warning`): said in the form and in a class's question, so the
    /// family is not charged twice.
    pub tax_held: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentField {
    Amount,
    Date,
    Channel,
}

impl FormField for PaymentField {
    const ALL: &'static [Self] = &[PaymentField::Amount, PaymentField::Date, PaymentField::Channel];
}

/// `e`: the enrollment status to set, with the reason (不参保) or the place (异地参保) where one applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentChooser {
    pub targets: Vec<i64>,
    /// Index into `Enrollment::ALL`.
    pub cursor: usize,
    /// The reason or place of the status under the cursor.
    pub detail: LineInput,
    /// What was typed for each other status while the chooser is open (by `Enrollment::ALL` index): a place typed
    /// for 异地参保 is not a reason for 不参保, so moving between them never carries one into the other.
    pub kept: Vec<LineInput>,
    /// The reason or place has the keys (Tab, or typing): Up, Tab and Shift-Tab go back to the list.
    pub on_detail: bool,
    /// Why the last key did nothing (typing on a status that takes no text).
    pub error: Option<&'static str>,
    /// The status and its text as the chooser opened: Esc says a text other than this was not saved.
    pub opened: (usize, String),
}

impl EnrollmentChooser {
    pub fn status(&self) -> Enrollment {
        Enrollment::ALL[self.cursor.min(Enrollment::ALL.len() - 1)]
    }

    /// The status chosen takes a reason or a place.
    pub fn takes_detail(&self) -> bool {
        matches!(self.status(), Enrollment::Declined | Enrollment::Elsewhere)
    }

    /// `detail`: the reason or place stored with the status at `cursor` (the pupil's own).
    pub fn new(targets: Vec<i64>, cursor: usize, detail: &str) -> EnrollmentChooser {
        let kept = vec![LineInput::default(); Enrollment::ALL.len()];
        let opened = (cursor, detail.to_owned());
        EnrollmentChooser {
            targets,
            cursor,
            detail: LineInput::with_text(detail),
            kept,
            on_detail: false,
            error: None,
            opened,
        }
    }

    /// Moves to the status at `cursor`: the text of the one left is kept for it, and the new one's comes back.
    pub fn move_to(&mut self, cursor: usize) {
        let cursor = cursor.min(Enrollment::ALL.len() - 1);
        if cursor == self.cursor {
            return;
        }
        if let Some(old) = self.kept.get_mut(self.cursor) {
            *old = std::mem::take(&mut self.detail);
        }
        self.detail = self.kept.get_mut(cursor).map(std::mem::take).unwrap_or_default();
        self.cursor = cursor;
    }
}

/// What Yes does.
pub enum Then {
    Write(Pending),
    /// Work to start (an export over an existing file …).
    Start(Box<Work>),
    /// Open the payment form for a pupil marked 财政代缴 (a family's payment then replaces the department's).
    PayOverGovernment(Vec<i64>),
    /// Open the payment form for a top-up of a part-paid pupil (`id`, with the family's amount recorded); No asks
    /// `clear`, whether to clear the payment instead.
    TopUp {
        id: i64,
        recorded_fen: i64,
        clear: Box<Confirm>,
    },
    /// Undo (or redo) an edit of several pupils.
    Undo,
    Redo,
    /// Start this insured year (the report was shown).
    StartYear(i32),
    /// Start the next insured year before its date rule allows (the year's window or school year still open), as
    /// `year new --force` does: its report and question follow.
    StartYearEarly,
    /// Start this insured year without moving anyone up a grade (`year new` without `--promote`): asked after No
    /// to the year's question when this year's imports already moved pupils up (next school year's lists).
    StartYearUnpromoted(i32),
    /// Import into the sample file (the previewed request); No goes back to the real drive the sample was
    /// opened from, and reads the list there.
    SampleImport(Box<crate::io::class_list::ImportRequest>),
    /// Stop the running job (its work is rolled back).
    StopJob,
    /// Mark the possible leavers listed 已离校 (`year leavers --mark`); No marks nobody.
    MarkLeavers(Vec<i64>),
    /// Show every pupil's full ID number on the roster (`r`); No keeps them masked.
    RevealAll,
    /// Load the sample school, in a file of its own, and go on there; No and Esc go back to the welcome.
    LoadSample,
    /// Save a pupil's corrected identity with a class their school does not have yet; No goes back to the form.
    Identity(Box<IdentityForm>),
    /// Preview a pupil typed in (添加学生) with a class their school does not have yet; No goes back to the form.
    AddPupil(Box<AddPupilForm>),
    /// Go on with the payment form's checks after the benefit-place question (`PaymentForm::away_ok`) or the
    /// no-cover question (`PaymentForm::no_cover_ok`); No goes back to the form as typed.
    Payment(Box<PaymentForm>),
    /// Make `chosen` (of another city or year) the drive's policy; No goes back to the policy list as it was.
    Policy {
        chosen: Box<crate::domain::policy::Policy>,
        cursor: usize,
        list: Vec<crate::domain::policy::Policy>,
    },
    /// Save an edit of the drive's policy with a premium far from the file's, or that moves payments already
    /// recorded; No goes back to the form as typed.
    EditPolicy(Box<EditPolicyForm>),
    /// Write a new policy whose premium is far from its base's; No goes back to the form as typed.
    NewPolicy(Box<NewPolicyForm>),
    /// Merge the previewed file (another school's, or of no common history); No goes back to the preview.
    Merge {
        file: std::path::PathBuf,
        lines: Vec<String>,
        offset: usize,
        ask: String,
    },
    /// Reconcile the previewed tax list that matches no pupil of the drive, keeping its payments; No goes back to
    /// the preview.
    Reconcile {
        file: std::path::PathBuf,
        lines: Vec<String>,
        offset: usize,
        ask: String,
        list: PreviewedList,
    },
}

/// What a reconciliation's preview keeps of its dry run's report: what Enter and `o` act on there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PreviewedList {
    pub source: Source,
    /// The list as the preview read it ([`crate::io::reconcile::ReconcileReport::stamp`]).
    pub stamp: Option<u64>,
    /// Previewed as another school's list.
    pub other_school: bool,
    /// A list holding rows of people the drive does not hold, or none of its pupils.
    pub strangers: bool,
}

impl From<&ReconcileReport> for PreviewedList {
    fn from(report: &ReconcileReport) -> Self {
        PreviewedList {
            source: report.source,
            stamp: report.stamp,
            other_school: report.other_school,
            strangers: report.matches_no_pupil || report.strangers > 0 || !report.unknown_rows.is_empty(),
        }
    }
}

/// Changes waiting for the operator's yes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub items: Vec<(i64, Vec<crate::store::Change>)>,
    /// What the status line says once written.
    pub label: String,
    /// Yes also allows a payment against the enrollment (see `ChangeOptions::confirmed`).
    pub confirmed: bool,
    /// What the status line says on No, when it is not 「已取消，未作修改」: a second question after part of a
    /// bulk mark was saved says what was saved and who was left.
    pub if_no: Option<String>,
    /// The payment form the question came from: No goes back to it as typed (「金额与应缴不符」 asks "mistyped?").
    pub form: Option<Box<PaymentForm>>,
    /// What the status line adds once written: the pupils a bulk mark left as they were, named as the question
    /// named them, so the result does not read as if the whole selection was marked.
    pub note: Option<String>,
}

/// A yes/no question before a write; No is the default, Esc is No.
pub struct Confirm {
    pub question: String,
    pub then: Then,
    /// The highlighted answer.
    pub yes: bool,
}

impl Confirm {
    /// Yes clears a family's payment (改为未缴费): drawn apart from the question before it (登记补缴？), which
    /// asks with the same buttons.
    pub fn clears_payment(&self) -> bool {
        match &self.then {
            Then::Write(p) => {
                !p.items.is_empty()
                    && p.items.iter().all(|(_, changes)| {
                        matches!(changes.as_slice(), [crate::store::Change::Payment(crate::store::Payment::Unpaid)])
                    })
            }
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryPicker {
    pub targets: Vec<i64>,
    pub cursor: usize,
    /// One per `CategoryTable::builtin().all()` entry.
    pub checked: Vec<bool>,
    /// One per entry: the year a ticked category of the pupil's was certified for, while it is carried from an
    /// earlier year and not certified again (待重新认定); Space certifies it for this year (`None`), and saving
    /// keeps the year of the ones left so, so certifying one category does not certify the others.
    pub stale: Vec<Option<i32>>,
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
        /// The note as it was when the editor opened: Esc says the note was not saved when the text differs.
        original: String,
    },
    Payment(PaymentForm),
    Categories(CategoryPicker),
    /// The filter panel; `row` is the filter being changed, `jump` what was typed to find a class.
    Filters {
        row: FilterRow,
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
        /// A name typed that is none of the drive's schools, once Enter has said that it makes a new school: a
        /// second Enter with the name unchanged imports (a short name typed by hand would make a third school).
        new_school: Option<String>,
        /// Two schools the lists name, or one named and one held, one name inside the other (示范小学 and
        /// 柳州市示范小学): perhaps one school, which imported as named would be two; Tab chooses.
        join: Option<SchoolJoin>,
    },
    Working(JobKind),
    Message(Message),
    /// Correcting a pupil's name, number, class and phone.
    Identity(IdentityForm),
    /// Choosing the file(s) a list comes from.
    Files(FilePicker),
    /// A school's new name; Up and Down pick the school when the drive has several.
    RenameSchool {
        schools: Vec<String>,
        cursor: usize,
        name: LineInput,
    },
    /// The payments 检查名单 lists as paid at the tax office and not recorded here, numbered as `canbao check`
    /// numbers them; Up and Down pick one, and Enter dismisses it with the reason typed (`check --dismiss`).
    DismissPayment {
        lines: Vec<crate::domain::roster_check::UnrecordedPayment>,
        cursor: usize,
        why: LineInput,
        jump: LineJump,
    },
    /// The payments dismissed (`check --dismissed`), numbered as `check` numbered them; Up and Down pick one, and
    /// Enter takes its dismissal back with the reason typed (`check --undismiss`).
    UndismissPayment {
        lines: Vec<crate::store::DismissedLine>,
        cursor: usize,
        why: LineInput,
        jump: LineJump,
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
    /// One pupil typed in; Enter previews their import.
    AddPupil(AddPupilForm),
    EditPolicy(EditPolicyForm),
    /// A merge's dry run; Enter merges (after a backup), or asks `ask` first.
    MergePreview {
        file: std::path::PathBuf,
        lines: Vec<String>,
        offset: usize,
        /// The question Enter asks, No by default, before a merge `canbao merge` refuses without
        /// `--other-school`, `--no-common-history` or `--accept-clock` (another school's drive, one of no common
        /// history, a clock found wrong).
        ask: Option<String>,
    },
    /// The possible leavers (`year leavers`), after an import's report or from the palette: Enter asks, No by
    /// default, whether to mark `ids` 已离校 as `year leavers --mark` does.
    Leavers {
        title: String,
        lines: Vec<String>,
        ids: Vec<i64>,
        offset: usize,
    },
    /// A reconciliation's dry run; Enter applies it, or asks `ask` first.
    ReconcilePreview {
        file: std::path::PathBuf,
        source: Source,
        lines: Vec<String>,
        offset: usize,
        /// The question Enter asks, No by default, before a run `canbao reconcile` refuses without
        /// `--keep-unmatched` (a tax list that matches no pupil of the drive).
        ask: Option<String>,
        /// The list as the preview read it ([`crate::io::reconcile::ReconcileReport::stamp`]).
        stamp: Option<u64>,
        /// Previewed as another school's list (`o`, the command line's `--other-school-ok`): Enter applies it so.
        other_school: bool,
        /// A tax list holding rows of people the drive does not hold (strangers), or none of its pupils: the one
        /// `o` is offered for, as only there does taking it as another school's leave anything out.
        strangers: bool,
    },
}

/// `policy new` as a form: the base, the new name, year and premium.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPolicyForm {
    pub base: String,
    pub name: LineInput,
    pub year: LineInput,
    pub premium: LineInput,
    pub focus: NewPolicyField,
    pub error: Option<String>,
    /// Per field (name, year, premium), the operator typed in it or moved its caret: until then the first character
    /// typed replaces what the form filled in, as in the payment form.
    pub touched: [bool; 3],
    /// The operator said yes to the premium's question (or there was none) for the premium as now typed.
    pub premium_ok: bool,
    /// Opened by the policy list's `n`: Esc goes back to the list, one level, as the edit form's does.
    pub from_list: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewPolicyField {
    Name,
    Year,
    Premium,
}

impl FormField for NewPolicyField {
    const ALL: &'static [Self] = &[NewPolicyField::Name, NewPolicyField::Year, NewPolicyField::Premium];
}

/// 添加学生: the columns of a class list, for one pupil.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AddPupilForm {
    pub name: LineInput,
    pub id: LineInput,
    pub class: LineInput,
    pub phone: LineInput,
    pub focus: AddPupilField,
    pub error: Option<String>,
    /// Yes was said to a class the school does not have (`identity_class_new`, as `E` asks).
    pub new_class_ok: bool,
    /// A drive of several schools: the schools to choose from, asked first (the School field, Left and Right) so the
    /// class is checked against the school chosen; empty on a drive of one school (or none), which asks nothing.
    pub schools: Vec<String>,
    /// The school chosen, an index into `schools`: none at first, so Enter without a look does not file the child
    /// in whichever school comes first.
    pub school: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AddPupilField {
    /// Only on a drive of several schools (`AddPupilForm::schools`): the first field.
    School,
    #[default]
    Name,
    Id,
    Class,
    Phone,
}

impl FormField for AddPupilField {
    const ALL: &'static [Self] =
        &[AddPupilField::School, AddPupilField::Name, AddPupilField::Id, AddPupilField::Class, AddPupilField::Phone];
}

impl AddPupilForm {
    /// The form for a drive holding `schools`: with several, the school is the first field and has the focus.
    pub fn for_schools(schools: &[String]) -> AddPupilForm {
        if schools.len() < 2 {
            return AddPupilForm::default();
        }
        AddPupilForm { schools: schools.to_vec(), focus: AddPupilField::School, ..AddPupilForm::default() }
    }

    /// The school chosen on a drive of several; `None` on a drive of one (or none), or before one is chosen.
    pub fn chosen_school(&self) -> Option<&str> {
        self.schools.get(self.school?).map(String::as_str)
    }

    /// The field after (`forward`) or before the focused one, the School field only where there is a choice.
    pub fn moved_focus(&self, forward: bool) -> AddPupilField {
        let mut next = if forward { self.focus.next() } else { self.focus.previous() };
        if next == AddPupilField::School && self.schools.len() < 2 {
            next = if forward { next.next() } else { next.previous() };
        }
        next
    }

    /// The text field `field` is; `None` for the School field, chosen with Left and Right.
    pub fn input(&mut self, field: AddPupilField) -> Option<&mut LineInput> {
        match field {
            AddPupilField::School => None,
            AddPupilField::Name => Some(&mut self.name),
            AddPupilField::Id => Some(&mut self.id),
            AddPupilField::Class => Some(&mut self.class),
            AddPupilField::Phone => Some(&mut self.phone),
        }
    }

    /// The pupil as typed.
    pub fn pupil(&self) -> crate::io::one_pupil::OnePupil {
        crate::io::one_pupil::OnePupil {
            name: self.name.text().trim().to_owned(),
            id: self.id.text().trim().to_owned(),
            class: self.class.text().trim().to_owned(),
            phone: self.phone.text().trim().to_owned(),
        }
    }
}

/// A config-folder policy's premium and payment windows, as this year's notice states them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditPolicyForm {
    pub name: String,
    pub path: std::path::PathBuf,
    pub premium: LineInput,
    /// Each `[[window]]` of the file, in its order: name, first day, last day.
    pub windows: Vec<(String, LineInput, LineInput)>,
    pub focus: EditPolicyField,
    pub error: Option<String>,
    /// Per field ([`EditPolicyField::index`]), the operator typed in it or moved its caret: until then the first
    /// character typed replaces the value the file holds, where 「400」 typed over 380 read 「380400」 and was saved.
    pub touched: Vec<bool>,
    /// The premium the file held when the form opened: a new one far from it is asked about before saving.
    pub premium_was_fen: Option<i64>,
    /// The operator said yes to the premium's question (or there was none) for the premium as now typed.
    pub premium_ok: bool,
}

/// The focused field of [`EditPolicyForm`]: the premium, then each window's first and last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditPolicyField {
    Premium,
    From(usize),
    To(usize),
}

impl EditPolicyField {
    pub fn index(self) -> usize {
        match self {
            EditPolicyField::Premium => 0,
            EditPolicyField::From(i) => 1 + 2 * i,
            EditPolicyField::To(i) => 2 + 2 * i,
        }
    }

    fn at(index: usize) -> Self {
        match index {
            0 => EditPolicyField::Premium,
            i if i % 2 == 1 => EditPolicyField::From(i / 2),
            i => EditPolicyField::To(i / 2 - 1),
        }
    }

    /// The next field, round to the premium after the last window's last day.
    pub fn next(self, windows: usize) -> Self {
        Self::at((self.index() + 1) % (1 + 2 * windows))
    }

    pub fn previous(self, windows: usize) -> Self {
        let n = 1 + 2 * windows;
        Self::at((self.index() + n - 1) % n)
    }
}

/// The number or reference typed in the 销项 and 撤销销项 dialogs (「跳到：」) to reach its line among thousands, as
/// `check` printed it or the other laptop said it; `to_why` once the keys go to the reason instead (a Tab, or a
/// character no number or reference holds, such as the first of 「已核实」).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineJump {
    pub typed: LineInput,
    pub to_why: bool,
    /// The line picked before the jump began: a jump that finds nothing leaves the pick where it was.
    pub from: usize,
}

impl LineJump {
    /// Whether a character typed goes to the jump: a digit or a reference's letter, in either width.
    pub fn takes(c: char) -> bool {
        crate::domain::narrow(&c.to_string()).chars().all(|c| c.is_ascii_alphanumeric())
    }

    /// The line typed: the one of that number (this laptop's, as `check` printed it), or the first whose reference
    /// starts as typed, read as `check --dismiss` reads one (either case, O for 0, I or L for 1).
    pub fn target<'a>(
        &self,
        lines: impl IntoIterator<Item = &'a crate::domain::roster_check::UnrecordedPayment>,
    ) -> Option<usize> {
        let typed = crate::domain::narrow(self.typed.text().trim()).to_ascii_uppercase();
        let mut lines = lines.into_iter();
        if typed.starts_with(|c: char| c.is_ascii_digit()) {
            let number: usize = typed.parse().ok()?;
            return lines.position(|l| l.number == number);
        }
        let read: String = typed
            .chars()
            .map(|c| match c {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            })
            .collect();
        if read.is_empty() {
            return None;
        }
        lines.position(|l| l.reference.starts_with(&read))
    }
}

/// The filter panel's rows, in order; each filters on one thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterRow {
    Class,
    Enrollment,
    Payment,
    Category,
    Problems,
}

impl FormField for FilterRow {
    const ALL: &'static [Self] =
        &[FilterRow::Class, FilterRow::Enrollment, FilterRow::Payment, FilterRow::Category, FilterRow::Problems];
}

impl Modal {
    /// A reconciliation's preview, scrolled to `offset`: Enter asks `ask` first where there is one.
    pub fn reconcile_preview(
        file: std::path::PathBuf,
        lines: Vec<String>,
        offset: usize,
        ask: Option<String>,
        list: PreviewedList,
    ) -> Self {
        let PreviewedList { source, stamp, other_school, strangers } = list;
        Modal::ReconcilePreview { file, source, lines, offset, ask, stamp, other_school, strangers }
    }

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
            | Modal::DismissPayment { .. }
            | Modal::UndismissPayment { .. }
            | Modal::ImportPreview { school: Some(_), .. }
            | Modal::NewPolicy(_)
            | Modal::AddPupil(_)
            | Modal::EditPolicy(_) => Context::Input,
            // The filter panel takes typed text: on the class row it finds a class as typed.
            Modal::Filters { .. } => Context::Input,
            Modal::Categories(_) | Modal::Policies { .. } => Context::Picker,
            Modal::Welcome
            | Modal::Confirm(_)
            | Modal::ImportPreview { school: None, .. }
            | Modal::ReconcilePreview { .. }
            | Modal::MergePreview { .. }
            | Modal::Leavers { .. }
            | Modal::Working(_)
            | Modal::Message(_) => Context::Dialog,
        }
    }

    /// A dialog whose field holds text the operator types to be saved (a note, a payment, a path, a form):
    /// Ctrl-c there warns before the text is lost. The palette and the filter panel only find what is typed.
    pub fn keeps_typing(&self) -> bool {
        self.context() == Context::Input && !matches!(self, Modal::Palette { .. } | Modal::Filters { .. })
    }

    /// A preview whose Enter applies what it shows to the drive at once (an import into a school already chosen,
    /// a merge, a tax list's reconciliation): it takes no text, only scrolling keys, Enter and Esc.
    pub fn previews_a_write(&self) -> bool {
        matches!(
            self,
            Modal::ImportPreview { school: None, .. } | Modal::MergePreview { .. } | Modal::ReconcilePreview { .. }
        )
    }

    /// Enter, before anything in the dialog is moved or typed, writes a file or runs something: the export path
    /// offered, the palette's first command, a policy chosen or saved, a merge or reconciliation applied. An Enter
    /// typed right after the key that opened such a dialog is no step inside it (`App::key`): a stray 「x⏎」 in the
    /// wrong window would write a sheet of ID numbers where nobody looked.
    pub fn enter_writes(&self) -> bool {
        match self {
            Modal::Path(prompt) => matches!(prompt.purpose, PathPurpose::Export | PathPurpose::ExportForm(_)),
            Modal::Palette { .. }
            | Modal::Policies { .. }
            | Modal::NewPolicy(_)
            | Modal::EditPolicy(_)
            | Modal::MergePreview { .. }
            | Modal::ReconcilePreview { .. } => true,
            _ => false,
        }
    }
}

/// A school a list names by a shorter name (`short`) inside another's (`full`), one a list names or the drive
/// holds. `join`: the import puts every pupil of the lists in `full` (`canbao import --school`), the default,
/// as a shorter name is the same school's far more often than another school's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolJoin {
    pub short: String,
    pub full: String,
    pub join: bool,
    /// The dry run of the choice not taken (the lists as written while `join`, else all into `full`): Tab
    /// swaps it with the preview shown, so the preview's lines are always what Enter does.
    pub other: Option<Box<crate::io::class_list::ImportReport>>,
}

impl SchoolJoin {
    /// Offered where the lists name `short` and `full` (or the drive holds `full`) and no other school, so the
    /// school given for every row is right for all of them; never where rows naming no school are asked for one.
    pub fn find(named: &[String], held: &[String]) -> Option<SchoolJoin> {
        let (short, full) = crate::io::class_list::named_short(named, held)?;
        Some(SchoolJoin { short, full, join: true, other: None })
    }
}
