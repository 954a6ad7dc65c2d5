//! Everything that can happen to the app: the only input `App::update` takes.

use super::jobs::JobOutcome;

/// How soon after Ctrl-c warned a second one quits: a hurried operator presses it again at once; one who comes
/// back to the key later has forgotten the warning, and is warned again.
pub const QUIT_AGAIN: std::time::Duration = std::time::Duration::from_secs(3);

/// One thing the operator asked for, or one thing that happened around them (a resize, a finished job).
/// Keys reach the app only as actions, through the keymap; the variants that carry data are produced by the
/// event loop and cannot be bound to keys.
#[derive(Debug)]
pub enum Action {
    /// Move the selection (or the focus in a list or form) one row up.
    Up,
    /// Move the selection one row down.
    Down,
    /// Move the selection one page up.
    PageUp,
    /// Move the selection one page down.
    PageDown,
    /// Jump to the first row; in a text field, to the start of the line.
    Top,
    /// Jump to the last row; in a text field, to the end of the line.
    Bottom,
    /// Left: in a text field move the caret, in a list of choices take the previous choice.
    Left,
    /// Right: the mirror of `Left`.
    Right,
    /// Tab: complete a file path, or move to the next field of a form.
    NextField,
    /// Shift-Tab: move to the previous field of a form.
    PreviousField,
    /// Enter in a dialog: accept what it shows (in a question, the highlighted answer).
    Confirm,
    /// In a question: answer yes at once.
    Yes,
    /// Esc: close the topmost thing (dialog, screen, search), one at a time.
    Back,
    /// Leave canbao. Every change is already saved.
    Quit,
    /// Start typing a search (the roster narrows as you type).
    Search,
    /// Open the selected pupil's detail screen.
    OpenDetail,
    /// Show or hide the dashboard (totals, ledgers, classes).
    Dashboard,
    /// Show or hide the key help.
    Help,
    /// Import class lists: asks for a path, shows the report, then imports.
    Import,
    /// Export the student information sheet to a file.
    Export,
    /// Open the filter panel (class, statuses, category, problems).
    Filters,
    /// Open the command palette: every action, found by typing.
    Palette,
    /// In the policy screen: make this year's policy from the highlighted one.
    New,
    /// In the policy screen: change a config-folder policy's premium and payment windows.
    Edit,
    /// Choose the enrollment status of the selected (or marked) pupils.
    Enrollment,
    /// Mark paid (asks for amount, date, channel) or, if paid, unpaid.
    TogglePaid,
    /// Mark government-paid (财政代缴), or back to unpaid.
    ToggleGovernment,
    /// Open the category picker.
    Categories,
    /// Edit the note.
    EditNote,
    /// On the detail screen: correct the pupil's name, ID number, class or phone.
    EditIdentity,
    /// On the detail screen: the next page of the pupil's history, older entries.
    HistoryOlder,
    /// On the detail screen: the previous page of the pupil's history, back towards the newest entry.
    HistoryNewer,
    /// Add the selected pupil to the marked set for bulk changes (or take them out); in a picker, tick.
    ToggleSelect,
    /// Mark every pupil shown, or clear the marks if all are marked.
    SelectAll,
    /// Undo the last change made in this session.
    Undo,
    /// Redo what was undone.
    Redo,
    /// Show full ID numbers, or mask them again. Showing them is recorded in the audit log.
    Reveal,
    /// In the first-run offer: load the bundled sample school.
    LoadSample,
    /// At a tax list's reconciliation (its preview, or its question about another school's list): take it as
    /// another school's list, recording only the drive's pupils' rows (`canbao reconcile --other-school-ok`).
    OtherSchool,
    /// In a window opened read-only because another window wrote the drive, once that one has closed: open the
    /// drive to write here, with the checks canbao makes at start.
    TakeOver,
    /// Delete the character before the caret.
    Backspace,
    /// Delete the character after the caret.
    Delete,
    /// Empty the text field (a path typed over a default).
    ClearLine,
    /// A typed character, for the text field that has the focus.
    Input(char),
    /// Pasted text, for the text field that has the focus.
    Paste(String),
    /// The terminal has a new size (columns, rows).
    Resize(u16, u16),
    /// A mouse click at a cell (column, row).
    Click(u16, u16),
    /// The mouse wheel turned up.
    ScrollUp,
    /// The mouse wheel turned down.
    ScrollDown,
    /// Time passed while a job runs: refresh its progress.
    Tick,
    /// A background job finished.
    JobDone(Box<JobOutcome>),
}

/// Actions a keymap may name, with their names in `keymap.toml`.
type MakeAction = fn() -> Action;

const BINDABLE: &[(&str, MakeAction)] = &[
    ("up", || Action::Up),
    ("down", || Action::Down),
    ("page_up", || Action::PageUp),
    ("page_down", || Action::PageDown),
    ("top", || Action::Top),
    ("bottom", || Action::Bottom),
    ("left", || Action::Left),
    ("right", || Action::Right),
    ("next_field", || Action::NextField),
    ("previous_field", || Action::PreviousField),
    ("confirm", || Action::Confirm),
    ("yes", || Action::Yes),
    ("back", || Action::Back),
    ("quit", || Action::Quit),
    ("search", || Action::Search),
    ("open_detail", || Action::OpenDetail),
    ("dashboard", || Action::Dashboard),
    ("help", || Action::Help),
    ("import", || Action::Import),
    ("export", || Action::Export),
    ("filters", || Action::Filters),
    ("palette", || Action::Palette),
    ("new", || Action::New),
    ("edit", || Action::Edit),
    ("enrollment", || Action::Enrollment),
    ("toggle_paid", || Action::TogglePaid),
    ("toggle_government", || Action::ToggleGovernment),
    ("categories", || Action::Categories),
    ("edit_note", || Action::EditNote),
    ("edit_identity", || Action::EditIdentity),
    ("history_older", || Action::HistoryOlder),
    ("history_newer", || Action::HistoryNewer),
    ("toggle_select", || Action::ToggleSelect),
    ("select_all", || Action::SelectAll),
    ("undo", || Action::Undo),
    ("redo", || Action::Redo),
    ("reveal", || Action::Reveal),
    ("load_sample", || Action::LoadSample),
    ("other_school", || Action::OtherSchool),
    ("take_over", || Action::TakeOver),
    ("backspace", || Action::Backspace),
    ("delete", || Action::Delete),
    ("clear_line", || Action::ClearLine),
];

/// A key whose action waits for the keys to pause after it (`App::hold_until_pause`): a single such letter inside
/// text typed into canbao's window by mistake (`uname`, `grep -r`, `apt`) must not undo a mark, show ID numbers or
/// select every pupil; nor may the letters after a key that opens a dialog (`nano x`,
/// `exit`, `xdg-open .`) be typed into it or confirm it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    Undo,
    Redo,
    Reveal,
    SelectAll,
    /// Taking over the writing: the `W` of a shell command typed into the wrong window must not switch it.
    TakeOver,
    /// `q` on a screen: the `q` of a name typed without `/` first (qinbo) closed canbao under the operator.
    Quit,
    /// A dialog, open at once, closed unsaved if the keys do not pause after its key (the key's keymap name).
    Opened(&'static str),
    /// The operator's name, asked as the screen starts: it takes no key before the keys pause after it shows.
    NamePrompt,
    /// A letter that answers the question on screen (`y`; `h` and `l`, which move to 是 or 否), by its action's
    /// keymap name: the `y` of `yes` or `yarn` typed into the wrong window must not answer it.
    Answer(&'static str),
}

impl Held {
    /// Its name in the keymap.
    pub fn name(self) -> &'static str {
        match self {
            Held::Undo => "undo",
            Held::Redo => "redo",
            Held::Reveal => "reveal",
            Held::SelectAll => "select_all",
            Held::TakeOver => "take_over",
            Held::Quit => "quit",
            Held::Opened(name) => name,
            Held::NamePrompt => "operator",
            Held::Answer(name) => name,
        }
    }
}

impl Action {
    /// The action a keymap name stands for; `None` for an unknown name or one that carries data.
    pub fn from_name(name: &str) -> Option<Action> {
        BINDABLE.iter().find(|(n, _)| *n == name).map(|(_, make)| make())
    }

    /// Its name in the keymap; `None` for one that carries data.
    pub fn name(&self) -> Option<&'static str> {
        let this = std::mem::discriminant(self);
        BINDABLE.iter().find(|(_, make)| std::mem::discriminant(&make()) == this).map(|(n, _)| *n)
    }

    /// Every name a keymap may use, in a stable order (the help screen's order).
    pub fn bindable_names() -> impl Iterator<Item = &'static str> {
        BINDABLE.iter().map(|(n, _)| *n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bindable_name_round_trips() {
        for name in Action::bindable_names() {
            let action = Action::from_name(name).expect(name);
            // The Debug name is the CamelCase of the snake_case keymap name.
            let camel: String = name.split('_').map(|w| w[..1].to_uppercase() + &w[1..]).collect();
            assert_eq!(format!("{action:?}"), camel);
            assert_eq!(action.name(), Some(name));
        }
        assert_eq!(Action::Input('x').name(), None);
        assert!(Action::from_name("input").is_none());
        assert!(Action::from_name("nonsense").is_none());
    }
}
