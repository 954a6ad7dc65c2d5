//! The app's state and `update`, the one place it changes. Drawing (`views`) only reads what is here.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::action::{Action, Held, QUIT_AGAIN};
use super::dashboard::Dashboard;
use super::due;
use super::input::LineInput;
use super::jobs::{JobKind, JobOutcome, Jobs};
use super::keymap::{Context, Key, Keymap};
use super::layout;
use super::modal::{FilterRow, Modal};
use super::roster::RosterData;
use super::roster_view::RosterView;
use super::text::{Text, fill};
use super::theme::Theme;
use super::undo::UndoStack;
use super::{Language, Options};
use crate::domain::policy::{DepartmentShare, EnrollPlace, InsuredElsewhere, Policy, Quote};
use crate::domain::student::Student;
use crate::store::{AuditEntry, Store};

/// What a Ctrl-c that quit at once would throw away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AtStake {
    /// Text typed into a field or the search line.
    Typed,
    /// A dialog, form, chooser or the palette open, with nothing typed into it.
    Dialog,
}

/// The longest text a paste on a screen is searched for: a few names or an ID number with its spaces, not a page.
const MAX_PASTED_SEARCH: usize = 64;

/// The screen under any dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Roster,
    Detail,
    Dashboard,
}

/// The pupil the detail screen shows, read when it opens and after each change.
#[derive(Debug, Clone)]
pub struct Detail {
    pub student: Student,
    pub history: Vec<AuditEntry>,
    /// The amount due under the drive's policy; `None` without a policy.
    pub quote: Option<Result<Quote, String>>,
    /// What a department pays for a pupil marked 财政代缴, and why where the figure alone would mislead.
    pub government: Option<DepartmentShare>,
    /// Insured elsewhere and counted in 异地缴费: nothing is due here, whatever the quote gives for enrolling here.
    pub elsewhere: Option<InsuredElsewhere>,
    /// The pupil's categories that the policy does not enroll at school, with where they enroll instead and
    /// the clause saying so.
    pub away: Vec<(String, EnrollPlace, String)>,
    /// Two laptops recorded the payment with different amounts: said in place of a shortfall.
    pub amount_dispute: Option<crate::domain::policy::AmountDispute>,
    /// The payment is one a tax list recorded (and nobody cleared since): without a channel, it still reached the
    /// tax office, as the 已缴费 ledger says.
    pub listed: bool,
    /// A residence permit's or a foreigner's card holder in a category the policy subsidises only for 本市户籍: why
    /// the subsidy is to be confirmed, in the interface's language (`pupil_flags::hukou_remark`).
    pub hukou: Option<String>,
    /// The amounts either way for a pupil whose subsidy waits on that 本市户籍 check: neither is said as the one.
    pub hukou_pending: Option<crate::domain::pupil_flags::HukouPending>,
}

/// The line above the footer: what just happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
    /// A file path inside `text` (an export's): on a line too narrow for it all, its folder is shortened from
    /// the left, so the file name stays in sight.
    pub path: Option<String>,
}

pub struct App {
    /// The dry run the new-year question was made from: the question is laid out again from it when the
    /// window changes size, so what it lists fits the new size.
    pub(crate) year_question: Option<crate::store::YearReport>,
    /// What to check in the policy made for the year being started, shown once it has started: read after the
    /// start, the drive names that policy as its own and it is no longer one made.
    pub(crate) year_policy_check: Option<Vec<crate::domain::policy::ToCheck>>,
    pub store: Store,
    pub lang: Language,
    pub(crate) text: &'static Text,
    pub theme: Theme,
    pub(crate) keymap: Keymap,
    pub policy: Option<Policy>,
    /// This laptop's file of the drive's policy when it says otherwise than the copy of the year shown (`policy`,
    /// which is used): listed, said on start, and taken when chosen; of a closed year only listed
    /// (see `Store::shown_policy_file_differs`).
    pub(crate) policy_file: Option<Policy>,
    /// `policy_file`'s start note is still to be said: the status line was taken at start (a broken policy
    /// file, an out-of-date policy, a backup copy opened), so it is said once the line is free.
    policy_file_unsaid: bool,
    /// The drive has no policy, and how to make or choose one is still to be said, once, in an import's report
    /// (the status line would cover the footer's keys on every screen until a key).
    no_policy_unsaid: bool,
    pub data: RosterData,
    /// School names, for the title bar.
    pub schools: Vec<String>,
    /// Which of `data`'s rows are shown, the cursor, the marks, the search and the filters.
    pub roster: RosterView,
    pub(crate) screen: Screen,
    pub modal: Option<Modal>,
    pub detail: Option<Detail>,
    /// How many of the detail pupil's newest history entries the page keys have paged past: 0 shows the newest.
    pub(crate) history_offset: usize,
    pub(crate) dashboard: Option<Dashboard>,
    /// When the drive was last backed up (RFC 3339), read when the dashboard is counted.
    pub(crate) last_backup: Option<String>,
    pub(crate) dashboard_offset: usize,
    pub(crate) undo: UndoStack,
    pub status: Option<Status>,
    /// Full ID numbers on screen.
    pub reveal: bool,
    /// The one pupil whose full number `r` on the detail screen shows (recorded as that pupil's reveal): masked
    /// again as soon as the screen shows another pupil or the roster, so nothing is shown that was not recorded.
    pub revealed_pupil: Option<i64>,
    /// Exports mask ID numbers (a copy for a class teacher, beyond the agencies), as `--mask` does.
    pub mask_exports: bool,
    /// Whether the export running (or last run) masks its ID numbers, for its 导出完成 to say so.
    pub export_masked: bool,
    /// The folder the last form went into this session, which the palette's folder field offers next.
    pub last_export_folder: Option<std::path::PathBuf>,
    /// The files ticked for the import being read, and what was said of those given twice or as copies: a
    /// refusal counts and names what the operator ticked, not what was left to read.
    pub import_ticked: (Vec<std::path::PathBuf>, Vec<String>),
    /// Files of the last import refused and left out: the import picker opens with them ticked again.
    pub import_retick: Vec<std::path::PathBuf>,
    /// The one-row list of the pupil 添加学生 is importing, kept while its preview is open (the import reads it
    /// again on Enter) and removed once the import is done or left.
    pub added_pupil: Option<crate::io::one_pupil::OnePupilList>,
    /// The 添加学生 form as typed, kept with `added_pupil`: Esc on the preview goes back to it with its values, so
    /// one digit typed wrong at the counter is corrected, not the whole form typed again.
    pub added_pupil_form: Option<Box<super::modal::AddPupilForm>>,
    pub quit: bool,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    pub jobs: Jobs,
    /// The job running when the screen was left, and what became of it (`runner::stop_job_before_leaving`).
    pub(crate) left_job: Option<super::jobs::LeftJob>,
    /// When the last tick arrived: progress is drawn from it, so drawing never reads the clock.
    pub(crate) now: Instant,
    /// Where `policies/`, `keymap.toml` and `themes/` of the operator's own live.
    pub(crate) config_dir: Option<PathBuf>,
    /// The folder a `~` typed at the start of a path means (`paths::typed_path`).
    pub home: Option<PathBuf>,
    /// What a read-only window has seen of the writer's saves.
    pub(crate) follower: super::follow::Follower,
    /// See [`super::Options::read_only_for_another_window`].
    pub(crate) read_only_for_another_window: bool,
    /// See [`super::Options::accept_clock`].
    pub(crate) accept_clock: bool,
    /// The open file is the demo or the sample school (meta `demo`), not a real drive: the title bar says so.
    pub demo: bool,
    /// The open file lies in a `backups/` folder: a backup opened as a drive, whose changes stay in it. The
    /// title bar says so, and the status line when it opens.
    pub backup_copy: bool,
    /// The lock on the sample school's own file, once the welcome screen's sample has opened it.
    pub(crate) sample_lock: Option<crate::store::lock::DriveLock>,
    /// The real drive the welcome's sample was opened from, as it was opened (its path as given, passphrase,
    /// laptop, mode): an import into the sample offers to go back to it.
    pub(crate) drive_left: Option<crate::store::Reopen>,
    /// The lock on the drive this window writes, held for as long as it runs: named again once the operator
    /// types a name, so that another window says who has the drive open.
    drive_lock: Option<crate::store::lock::DriveLock>,
    /// A save is still only in the drive's `-wal`: copied into the drive file at the next pause in the keys,
    /// so that a copy of the `.db` alone holds it.
    log_pending: bool,
    /// A job's result that came while a dialog other than its progress was open (the question whether to stop
    /// it), with the job's kind: shown once that dialog is answered, never in its place, where keys typed for
    /// the dialog would reach it.
    pub(crate) held: Option<(JobKind, Box<JobOutcome>)>,
    /// The drive's search keys are an older canbao's (`Store::search_keys_outdated`): written again on the worker
    /// once nothing else is on screen (a first run's name question goes first), never before the first frame.
    pub(crate) search_outdated: bool,
    /// How many job results have been put on screen: keys typed before the newest was drawn are not given to it.
    results_shown: u64,
    /// A key with no use where it was typed showed the keys are meant for another window (a shell command typed
    /// into canbao's): how many keys came after it. None acts until the typing pauses (or Esc).
    astray: Option<usize>,
    /// The keys typed astray began before the operator's name was asked (`keys_ignored`): said so at the pause.
    astray_before_name: bool,
    /// The event loop says when the keys pause (`typing_paused`): without it (actions given one by one, as a
    /// script does) every key is deliberate, and no key waits for a pause.
    pauses_reported: bool,
    /// A key whose action waits for the keys to pause after it (`hold_until_pause`).
    waiting_key: Option<Held>,
    /// The key being taken came right after another, with no pause between (`key_in_run`).
    in_run: bool,
    /// The key being taken is a character typed (not Ctrl-c, not an arrow): `q` then waits for the pause after it.
    typed_character: bool,
    /// The key (or paste) being taken came in the same burst as the one before it (`key_in_burst`): already
    /// waiting behind it, or within milliseconds, as a paste's keys come and no one types. Without an event loop
    /// saying so, every key is taken as part of a burst.
    in_burst: bool,
    /// The kind of dialog text was typed into since it opened (`Modal::keeps_typing`): Ctrl-c there first warns
    /// that the text is lost, as a note typed and gone without a word is work lost.
    pub(crate) typed_in: Option<std::mem::Discriminant<Modal>>,
    /// When Ctrl-c warned that typed text or an open dialog would be lost (`quit_at_stake`), and the warning, shown
    /// over the status line (which it leaves as it was under it): a second Ctrl-c within `QUIT_AGAIN` quits; any
    /// other key takes the warning back.
    quit_warning: Option<(Instant, Status)>,
    /// Where the operator was (the screen, the pupil under the cursor) before the run of keys being taken began:
    /// put back when the run turns out to be text typed astray, so the j, k and g of it leave no other child
    /// under the cursor for the next deliberate key.
    run_start: Option<(Screen, Option<i64>)>,
    /// The cursor was put back (`run_start`) since the keys were found typed astray: said when they pause.
    cursor_put_back: bool,
    /// The pupils Space marked or unmarked in the run of keys being taken: unmarked again with the cursor put back,
    /// so the space of `jjj ls` leaves no child selected for the next `p`.
    run_toggled: Vec<i64>,
    /// The question on screen was opened by a character typed right after other keys (the `f` of `jjf`): no
    /// letter answers it (see `key`).
    asked_in_run: bool,
    /// The dialog on screen took text typed in the run that opened it, before it could be read (`p` then 200 typed
    /// at once, or 「nano x」 typed by hand into the wrong window, whose `n` opened the note): its Enter saves
    /// nothing while the run goes on unbroken, and asks for a look; after a pause Enter saves.
    unread_run: bool,
    /// A letter was typed into the preview on screen (`preview_typed_astray`): its next Enter, however late, asks
    /// for one more, so a command typed slowly (`l`, a pause, `s`, a pause, Enter) applies nothing unread.
    preview_letters: bool,
}

impl App {
    /// Holds the drive's lock while the app runs (`tui::run`): the name typed at the first run is written into it.
    pub fn hold_drive_lock(&mut self, lock: crate::store::lock::DriveLock) {
        self.drive_lock = Some(lock);
    }

    /// Writes the operator's name into the drive's lock, for the message another canbao shows.
    pub(crate) fn name_lock_holder(&mut self) {
        if let Some(lock) = &mut self.drive_lock {
            lock.name_holder(self.store.operator());
        }
    }

    /// Loads the roster and decides what the first screen asks (operator name, sample school).
    pub fn new(mut store: Store, options: &Options) -> Result<App, Box<dyn std::error::Error>> {
        // A command the screen tells the operator to type is typed in another window, where the default drive
        // may be another: it names the drive open here.
        let drive = store.path().map(std::path::Path::to_path_buf);
        store.name_in_commands(drive);
        let theme = Theme::load(options.theme.as_deref(), options.config_dir.as_deref())?;
        let keymap = Keymap::load(options.config_dir.as_deref())?;
        if let Some(op) = options.operator.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            store.set_operator(op)?;
        }
        let (policy, policy_error) = due::drive_policy(&store, options.config_dir.as_deref());
        // A drive whose policy was chosen before drives kept a copy of it keeps one now, for its other laptops.
        if let Some(policy) = &policy {
            let _ = store.keep_policy(policy);
        }
        let search_outdated = !store.is_read_only() && store.search_keys_outdated()?;
        // Read before the roster, so a save during the load is seen as a change at the next tick.
        let follower = super::follow::Follower::new(&store);
        let data = RosterData::load(&store)?;
        let demo = crate::demo::is_demo(&store);
        let backup_copy = store.path().is_some_and(in_backups_folder);
        let text = Text::for_language(options.lang);
        let roster = RosterView::new(&data);
        let mut app = App {
            store,
            lang: options.lang,
            text,
            theme,
            keymap,
            policy,
            policy_file: None,
            policy_file_unsaid: false,
            no_policy_unsaid: false,
            data,
            schools: Vec::new(),
            roster,
            screen: Screen::Roster,
            modal: None,
            detail: None,
            history_offset: 0,
            dashboard: None,
            last_backup: None,
            dashboard_offset: 0,
            undo: UndoStack::default(),
            year_question: None,
            year_policy_check: None,
            status: policy_error.map(|e| Status { text: e, error: true, path: None }),
            reveal: false,
            revealed_pupil: None,
            mask_exports: false,
            export_masked: false,
            last_export_folder: None,
            import_ticked: Default::default(),
            import_retick: Vec::new(),
            added_pupil: None,
            added_pupil_form: None,
            quit: false,
            size: (layout::MIN_WIDTH, layout::MIN_HEIGHT),
            jobs: Jobs::default(),
            left_job: None,
            now: Instant::now(),
            config_dir: options.config_dir.clone(),
            home: super::paths::home_folder(),
            follower,
            read_only_for_another_window: options.read_only_for_another_window,
            accept_clock: options.accept_clock,
            demo,
            backup_copy,
            sample_lock: None,
            drive_left: None,
            drive_lock: None,
            log_pending: false,
            held: None,
            search_outdated,
            results_shown: 0,
            astray: None,
            astray_before_name: false,
            in_burst: true,
            pauses_reported: false,
            waiting_key: None,
            in_run: false,
            typed_character: false,
            typed_in: None,
            quit_warning: None,
            run_start: None,
            cursor_put_back: false,
            run_toggled: Vec::new(),
            asked_in_run: false,
            unread_run: false,
            preview_letters: false,
        };
        app.schools = app.store.schools()?;
        app.refresh_policy_file();
        // Its words offer to take the file, which a closed year never does: its policy list says so instead.
        app.policy_file_unsaid = app.policy_file.is_some() && app.store.viewed_year().is_none();
        // A new drive has no policy for its year (canbao's own are past years'): without it no amount due and no
        // payment window can be judged, and nothing on the roster said so until a payment was typed.
        app.no_policy_unsaid = app.policy.is_none()
            && matches!(app.store.meta(crate::store::POLICY_META_KEY), Ok(None))
            && app.store.viewed_year().is_none()
            && !app.store.is_read_only();
        if !app.policy_covers_today()
            && let Some(p) = &app.policy
        {
            // The title bar carries today's date; the status line has room at 80 columns for the policy's name
            // and what to do only. English names the policy by its file name (liuzhou-2023), shorter than the
            // Chinese title among English words.
            let name = app.text.pick(p.title.as_str(), p.name.as_str());
            let text = fill(app.text.policy_out_of_date, &[&name]);
            app.say(text);
        }
        if app.backup_copy {
            app.say(app.text.backup_copy_opened);
        }
        // An older canbao's drive opened read-only is not upgraded, and reads as that canbao kept it: the note the
        // command line prints goes to a terminal the screen then covers, so the screen says it too.
        if app.store.opened_read_only()
            && crate::store::schema::user_version(app.store.connection())
                .is_ok_and(|found| found < crate::store::schema::latest_version())
        {
            app.say(app.text.older_read_only);
        }
        if let Some(said) = &options.said_at_opening {
            app.say(said.clone());
        }
        // Said now if nothing else is, else once the line is free.
        app.say_policy_file_when_free();
        if app.store.operator().is_empty() {
            app.modal = Some(Modal::Operator(LineInput::default()));
        } else if app.data.is_empty() && !app.store.is_read_only() {
            app.modal = Some(Modal::Welcome);
            // An empty drive whose pupils may have gone into the sample file instead, with nothing else to say so.
            if let Some(sample) = app.store.path().and_then(crate::demo::changed_sample_beside) {
                let name = sample.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
                app.say(fill(app.text.sample_holds_imports, &[&name]));
            }
        }
        app.mark_part_paid();
        app.prepare_search_when_free();
        Ok(app)
    }

    /// Which keymap context a key is looked up in.
    pub fn context(&self) -> Context {
        match &self.modal {
            Some(m) => m.context(),
            None if self.roster.is_searching() => Context::Input,
            None => match self.screen {
                Screen::Roster => Context::Roster,
                Screen::Detail => Context::Detail,
                Screen::Dashboard => Context::Dashboard,
            },
        }
    }

    /// The pupil under the cursor.
    pub fn selected_id(&self) -> Option<i64> {
        self.roster.selected_id(&self.data)
    }

    /// A message from below the screens, which may say both languages at once, in the screen's language.
    pub fn in_language(&self, text: impl Into<String>) -> String {
        let text = text.into();
        crate::words::on_screen(&text, self.lang).into_owned()
    }

    /// The start note that this laptop's file of the drive's policy differs from the drive's copy, once the
    /// status line is free of what took it at start and no dialog covers it; not said if the file was taken or
    /// put back since.
    fn say_policy_file_when_free(&mut self) {
        if !self.policy_file_unsaid || self.status.is_some() || self.modal.is_some() {
            return;
        }
        self.policy_file_unsaid = false;
        if let Some(file) = &self.policy_file {
            let premium = crate::domain::money::plain(file.personal_premium_fen);
            let text = fill(self.text.policy_file_differs, &[&file.name, &premium]);
            self.say(text);
        }
    }

    /// That the drive has no policy for its year and how to make or choose one, the first time it is asked for
    /// (`None` after that, or once the drive has one).
    pub(super) fn no_policy_words(&mut self) -> Option<String> {
        if !std::mem::take(&mut self.no_policy_unsaid) || self.policy.is_some() {
            return None;
        }
        let year = self.store.current_year()?;
        Some(format!("{}{}", fill(self.text.no_policy_yet, &[&year]), self.text.no_policy_how))
    }

    pub fn say(&mut self, text: impl Into<String>) {
        let text = text.into();
        let text = crate::words::on_screen(&text, self.lang).into_owned();
        self.status = Some(Status { text, error: false, path: None });
    }

    /// Says `text`, which names the file at `path`: the status line shortens the path's folder, not its name.
    pub fn say_path(&mut self, text: impl Into<String>, path: &str) {
        self.say(text);
        if let Some(status) = &mut self.status {
            status.path = Some(path.to_owned());
        }
    }

    pub fn fail(&mut self, text: impl Into<String>) {
        let text = text.into();
        let text = crate::words::on_screen(&text, self.lang).into_owned();
        self.status = Some(Status { text, error: true, path: None });
    }

    /// Rows of the roster on screen, as it is drawn (`roster_areas`).
    pub(super) fn page(&self) -> usize {
        self.roster_areas().body.height as usize
    }

    /// Applies one action. Everything the app does starts here.
    pub fn update(&mut self, action: Action) {
        match action {
            Action::Resize(w, h) => {
                self.size = (w, h);
                // A window too small shows no roster: its rows stay where they were, so the window made big again
                // shows the same page, where the first row had become the cursor's.
                if !self.too_small() {
                    self.roster.keep_cursor_visible(self.page());
                }
                self.year_question_resized();
            }
            Action::Tick => {
                self.now = Instant::now();
                self.follow_writer();
                self.say_writer_left();
            }
            Action::JobDone(outcome) => self.job_done(*outcome),
            key => {
                let asked = self.question().is_some();
                self.key(key);
                if !asked && self.question().is_some() {
                    self.asked_in_run = self.pauses_reported && self.in_run && self.typed_character;
                }
            }
        }
        self.after_update();
    }

    /// What follows any change of state: a job's result shown once its dialog is answered, a reveal ended, the
    /// search keys prepared, and whether a save waits to be settled.
    fn after_update(&mut self) {
        if self.question().is_none() {
            self.asked_in_run = false;
        }
        // The dialog a job's result waited behind is answered (or the app is quitting).
        if self.held.is_some() && (self.modal.is_none() || self.quit) {
            self.show_held();
        }
        // One pupil's reveal ends when the detail screen no longer shows that pupil.
        let shown = self.detail.as_ref().filter(|_| self.screen == Screen::Detail).map(|d| d.student.id);
        if self.revealed_pupil.is_some() && self.revealed_pupil != shown {
            self.revealed_pupil = None;
        }
        self.prepare_search_when_free();
        // Cheap (two counters): the checkpoint itself waits for a pause in the keys (see `runner::run_loop`).
        self.log_pending = self.store.log_unsettled().unwrap_or(false);
    }

    /// Copies what was saved into the drive file itself, out of its `-wal` (see `Store::settle_log`): an
    /// operator who copies the `.db` alone to a stick while the screen is open takes every mark with it.
    /// After a mark on a drive of 100k pupils this copies 4 pages and syncs the log and the file: about 15 ms
    /// (up to 40 ms on a busy disk), as long as the mark's own commit, which is why the event loop does it at a
    /// pause in the keys, not after each key.
    pub fn settle_log(&mut self) {
        self.log_pending = !self.store.settle_log().unwrap_or(false);
    }

    /// Something saved is not yet in the drive file itself (not yet tried, or a read-only window's read held
    /// it back): the event loop tries again at its next pause.
    pub fn log_pending(&self) -> bool {
        self.log_pending
    }

    /// The window is smaller than the screens need: only the 「窗口太小」 notice is drawn.
    pub fn too_small(&self) -> bool {
        layout::too_small(layout::area(self.size))
    }

    /// The key the 「窗口太小」 notice names: the first that quits there.
    pub fn quit_key_while_too_small(&self) -> Option<Key> {
        // Looked up where a key is in a big window: over a dialog or a text field Ctrl-c, never the q that the
        // screen's own keys quit with (typed text there, or a key of the dialog).
        self.keymap.keys_for(self.context(), "quit").into_iter().next()
    }

    /// The 「窗口太小」 notice for a window of `width`×`height`: what the quit key does now, as `key` does it.
    /// While a job runs it does not quit (it would leave the job half-done): it asks whether to stop it, or
    /// does nothing while that question waits or the job cannot stop, and the notice says which.
    pub fn too_small_notice(&self, width: u16, height: u16) -> String {
        // The key that quits there: q, or Ctrl-c over a text field, where a q is typed text.
        let quit = self.quit_key_while_too_small().map(|k| k.to_string()).unwrap_or_else(|| "Ctrl-c".to_owned());
        let Some((kind, _)) = self.jobs.running() else {
            let template = if self.quit_warning.is_some() {
                self.text.too_small_warned
            } else if self.quit_at_stake().is_some() {
                self.text.too_small_kept
            } else {
                self.text.too_small
            };
            return fill(template, &[&width, &height, &quit]);
        };
        let job = self.text.job(kind);
        match &self.modal {
            Some(Modal::Working(_)) if kind.can_stop() => {
                fill(self.text.too_small_job, &[&width, &height, &job, &quit])
            }
            Some(Modal::Confirm(c)) if matches!(c.then, super::modal::Then::StopJob) => {
                fill(self.text.too_small_stop_question, &[&width, &height, &job])
            }
            _ => fill(self.text.too_small_job_busy, &[&width, &height, &job]),
        }
    }

    /// What a Ctrl-c would throw away if it quit at once: text typed into a field or the search line, or a dialog
    /// open. A job's progress and the question whether to stop it are not counted: Ctrl-c there asks whether to
    /// stop the job, and then stops it before quitting.
    pub fn quit_at_stake(&self) -> Option<AtStake> {
        match &self.modal {
            Some(Modal::Working(_)) => None,
            Some(Modal::Confirm(c)) if matches!(c.then, super::modal::Then::StopJob) => None,
            Some(m) if m.keeps_typing() && self.typed_in == Some(std::mem::discriminant(m)) => Some(AtStake::Typed),
            Some(_) => Some(AtStake::Dialog),
            None if self.roster.is_searching() && !self.roster.search_input().is_empty() => Some(AtStake::Typed),
            None => None,
        }
    }

    /// One rule for Ctrl-c everywhere, the 「窗口太小」 notice included: with something at stake (`quit_at_stake`) the
    /// first one quits nothing and says that a second one, pressed soon, quits; `warned` is when the last one
    /// said so. Whether this Ctrl-c was held back.
    fn quit_held_back(&mut self, warned: Option<Instant>) -> bool {
        let Some(stake) = self.quit_at_stake() else { return false };
        if warned.is_some_and(|at| at.elapsed() < QUIT_AGAIN) {
            return false;
        }
        let said = match stake {
            AtStake::Typed => self.text.quit_loses_typing,
            // Esc at the name prompt quits as well: nothing there closes only the prompt.
            AtStake::Dialog if matches!(self.modal, Some(Modal::Operator(_))) => self.text.quit_at_name_prompt,
            AtStake::Dialog => self.text.quit_closes_dialog,
        };
        let text = fill(said, &[&QUIT_AGAIN.as_secs()]);
        self.quit_warning = Some((Instant::now(), Status { text, error: true, path: None }));
        true
    }

    /// What the last Ctrl-c warned, until another key or until its `QUIT_AGAIN` runs out: the status line (or the
    /// 「窗口太小」 notice) shows it over its own text.
    pub fn quit_warning(&self) -> Option<&Status> {
        self.quit_warning.as_ref().map(|(_, said)| said)
    }

    /// How long the Ctrl-c warning on screen still holds: the event loop wakes then to take it off, or the screen
    /// would still ask for a second Ctrl-c that no longer quits.
    pub fn quit_warning_left(&self) -> Option<Duration> {
        self.quit_warning.as_ref().map(|(at, _)| QUIT_AGAIN.saturating_sub(at.elapsed()))
    }

    /// The Ctrl-c warning's time ran out (`waited` when the event loop waited its whole `quit_warning_left`
    /// without a key, else as the clock says): it is taken off. Whether it was.
    pub fn quit_warning_over(&mut self, waited: bool) -> bool {
        let over = self.quit_warning.as_ref().is_some_and(|(at, _)| waited || at.elapsed() >= QUIT_AGAIN);
        if over {
            self.quit_warning = None;
        }
        over
    }

    /// A key's (or the mouse's) action: to the dialog on top, else the search line, else the screen.
    fn key(&mut self, action: Action) {
        // Any key but a second Ctrl-c takes a Ctrl-c's warning back.
        let warned = self.quit_warning.take().map(|(at, _)| at);
        // While the window is too small nothing is drawn but the notice: no key may change what cannot be seen.
        // The quit keys act as they do on the screen, so a window made small (or a font made large) is no way
        // round the question a dialog or typed text asks of Ctrl-c, nor round the pause a `q` waits for.
        if self.too_small() {
            if !matches!(action, Action::Quit) {
                return;
            }
            if matches!(self.modal, Some(Modal::Working(_))) {
                // A job runs: quitting would leave it half-done. As in a big window, its progress dialog asks
                // whether to stop it (or says a restore cannot stop), shown once the window is big again.
                self.update_modal(action);
            } else if self.jobs.running().is_some() || self.quit_held_back(warned) {
                // The question whether to stop a job is open (its answer waits for it to be seen), or Ctrl-c warned.
            } else if self.modal.is_some() || self.roster.is_searching() || self.deliberate(&action) {
                self.quit = true;
            } else {
                self.hold_until_pause(Held::Quit);
            }
            return;
        }
        let deliberate = self.deliberate(&action);
        if let Some(Held::NamePrompt) = self.waiting_key {
            self.waiting_key = None;
            // A key (or a paste) that came before the keys paused after the prompt showed was typed before it was
            // seen: a hurried operator's keys meant for the shell or the screen, or a paste. None is the name, and
            // an Enter among them saves nothing. A deliberate key acts as it does at the prompt (Esc and Ctrl-c
            // leave).
            if !deliberate {
                self.typed_astray(self.text.keys_at_name_prompt.to_owned());
                self.astray = Some(1);
                return;
            }
        }
        if let Some(waiting) = self.waiting_key.take() {
            // A key that moves or answers inside the dialog just opened (an arrow, Tab, Enter, PgDn: keys no text
            // is typed with) is the operator's next step in it, as quick as someone who knows the dialog; only a
            // character typed before the pause makes the key that opened it a letter of text typed into the wrong
            // window. But an Enter that would write a file or run a command at once (the export offered by `x`,
            // the palette's first command after `:`) ends a command typed astray (`x⏎`, `:⏎`) as often as it is
            // a step: it waits for a look, as the letters do.
            let writes_at_once =
                matches!(action, Action::Confirm) && self.modal.as_ref().is_some_and(Modal::enter_writes);
            // No key in the same burst as the key that opened the dialog is a step of someone who knows it, in
            // any dialog or picker: no hand presses two keys within milliseconds, and a pasted 「p⏎」 would save the
            // amount due at once, a pasted 「i⏎」 or 「i←」 move the picker up a folder.
            let pasted = self.pauses_reported && self.in_burst;
            let steps_inside = matches!(waiting, Held::Opened(_))
                && !self.typed_character
                && self.modal.is_some()
                && !writes_at_once
                && !pasted;
            // A character typed at a human's pace (not in the same burst as the key before it), or a paste on its
            // own, into the field of the dialog a key opened is the operator filling it in (`p`, then 200 typed at
            // once; `i`, then a folder's path pasted): it goes into the field, and the dialog takes the keys after
            // it as any open dialog does. Text pasted onto the screen comes as one burst: its next key still
            // closes the dialog its first letter opened (a pasted 「paid 200」 saves no 200).
            let typed_into_field = matches!(waiting, Held::Opened(_))
                && !self.in_burst
                && (self.typed_character || matches!(action, Action::Paste(_)))
                && self.modal.as_ref().is_some_and(|m| m.context() == Context::Input);
            // Another key before the pause: the waiting one was a letter of text typed into the wrong window, and
            // the dialog it opened takes none of the text after it, nor its Enter.
            if !deliberate && !steps_inside && !typed_into_field {
                return self.typed_on_after(waiting, 1);
            }
            // Text typed into the field before the dialog could be read: its Enter, while the run goes on, asks for
            // a look first. The arrows and Enter alone are no text typed into the wrong window (`e` ↓ ⏎ is the
            // operator's); a shell command's letters are.
            self.unread_run = typed_into_field;
            match action {
                // Esc: the operator is looking and changed their mind; the key waiting is dropped (the dialog it
                // opened closed, as Esc closes it).
                Action::Back => {
                    self.drop_held(waiting);
                    self.status = None;
                    return;
                }
                // Ctrl-c goes through the one rule for it (`quit_held_back`), as it would after the pause: over
                // the dialog just opened the first warns, where closing that dialog unsaved left nothing at stake
                // and it quit at once (and on a job's progress a second Ctrl-c declined the question whether to
                // stop, where it quits). The dialog stays guarded against the other keys of a run; a key that was
                // to act at the pause (a `y` answering, an undo) is dropped, not done.
                Action::Quit => {
                    if let Held::Opened(_) = waiting {
                        self.waiting_key = Some(waiting);
                    }
                }
                // The mouse: the operator is looking, as after a pause.
                _ => self.act_after_pause(waiting),
            }
        }
        if let Some(after) = self.astray {
            if !deliberate {
                self.astray = Some(after + 1);
                return;
            }
            // Esc says the operator is looking; the mouse and Ctrl-c act as well (Ctrl-c quits while the keys are
            // ignored, where it was ignored with them).
            self.typing_paused();
            if matches!(action, Action::Back) {
                return;
            }
        }
        // A letter that answers the question on screen (`y`, or `h`/`l` moving to 是) is the one key of a question
        // that text typed into the wrong window is made of. `f` (a look) `yes` or `busy` must write nothing: the
        // letter answers only if it did not come right after other keys and the keys pause after it, as `u` and `r`
        // act; text around it closes the question unanswered (`hold_until_pause`, `typed_on_after`). A question
        // opened by a character that itself came right after other keys (the `f` of `jjf`, whose `jj` may have
        // moved the cursor to another child) may be the end of such text too: no letter answers it, only the
        // arrow keys and Enter, which are never typed as text, or Esc. Enter alone answers 否 unless an arrow
        // moved to 是, and the question's first moment is guarded by the event loop (`QUESTION_GUARD_MS`).
        if self.pauses_reported
            && self.typed_character
            && let Some(name) = action.name().filter(|name| self.answers_question(name))
        {
            if self.asked_in_run {
                let key = self.held_key(Held::Answer(name));
                self.fail(fill(self.text.answer_after_run, &[&key]));
            } else {
                self.hold_until_pause(Held::Answer(name));
            }
            return;
        }
        let opener = self.opener(&action);
        if self.modal.is_none() {
            // What was typed into a dialog closed since (by a key typed astray, a job's end) is no text to keep.
            self.typed_in = None;
        }
        if matches!(action, Action::Quit) && self.quit_held_back(warned) {
            return;
        }
        if self.modal.is_none() {
            self.unread_run = false;
        }
        if self.unread_run
            && matches!(action, Action::Confirm)
            && self.modal.as_ref().is_some_and(|m| m.keeps_typing() && !matches!(m, Modal::Files(_)))
        {
            self.fail(self.text.confirm_unread_run);
            return;
        }
        if !self.modal.as_ref().is_some_and(Modal::previews_a_write) {
            self.preview_letters = false;
        } else if self.preview_letters && matches!(action, Action::Confirm) {
            self.preview_letters = false;
            self.fail(self.text.preview_enter_after_letters);
            return;
        }
        // A letter (or a paste) in a preview whose Enter writes the drive at once (an import, a merge, a tax
        // list) is no step in it: the preview only scrolls. It is text typed into the wrong window, such as `ls⏎`,
        // whose Enter would otherwise apply the preview unread; as on the roster, no key acts until a pause.
        if self.pauses_reported
            && self.modal.as_ref().is_some_and(Modal::previews_a_write)
            && (self.typed_character || matches!(action, Action::Paste(_)))
            && !matches!(
                action,
                Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom
            )
        {
            let key: String = match &action {
                Action::Paste(text) => text.chars().take(12).collect(),
                Action::Input(c) => c.to_string(),
                // A letter bound to a dialog key (`l`, `y`): that letter, as typed.
                other => {
                    let keys = self.keymap.keys_for(Context::Dialog, other.name().unwrap_or_default());
                    keys.iter().map(ToString::to_string).find(|k| k.chars().count() == 1).unwrap_or_default()
                }
            };
            self.typed_astray(fill(self.text.preview_typed_astray, &[&key]));
            self.preview_letters = true;
            return;
        }
        if self.modal.is_some() {
            self.update_modal(action);
            self.guard_opened(opener);
            self.say_policy_file_when_free();
            return;
        }
        if self.roster.is_searching() {
            self.update_search(action);
            return;
        }
        self.status = None;
        if self.store.is_read_only() && self.writes(&action) {
            let reason = if matches!(action, Action::Reveal) {
                self.text.read_only_reveal.to_owned()
            } else {
                self.read_only_refusal()
            };
            self.fail(reason);
            return;
        }
        self.update_screen(action);
        self.guard_opened(opener);
        self.say_policy_file_when_free();
    }

    /// Whether a key is one no one types by mistake, in a hurry or into the wrong window: Esc (the operator is
    /// looking and changes their mind), the mouse, and Ctrl-c (a quit that is not the letter `q`). Every guard
    /// against keys typed in a run lets these through: the name prompt's first moment, a key waiting for the
    /// pause after it, keys ignored as typed astray, and the `q` that waits for a pause on the screens.
    fn deliberate(&self, action: &Action) -> bool {
        match action {
            Action::Back | Action::Click(..) | Action::ScrollUp | Action::ScrollDown => true,
            Action::Quit => !self.typed_character,
            _ => false,
        }
    }

    /// More keys came before the pause that the key `waiting` waited for (`keys` of them, arriving one by one
    /// or already queued as the dialog it opened was drawn): it was a letter of text typed into the wrong window.
    /// What it opened is closed unanswered, the cursor goes back (`typed_astray`), and no key acts until the
    /// typing pauses.
    fn typed_on_after(&mut self, waiting: Held, keys: usize) {
        self.drop_held(waiting);
        let key = self.held_key(waiting);
        let message = fill(self.text.keys_burst, &[&key, &self.text.short(waiting.name())]);
        self.typed_astray(message);
        self.astray = Some(keys);
    }

    /// A key that waited for a pause is not acted on: the dialog it opened is closed unsaved (as Esc closes it),
    /// and the question a letter was to answer is declined, as Esc declines it (a form it came from reopens, a
    /// job's progress comes back).
    fn drop_held(&mut self, waiting: Held) {
        match waiting {
            Held::Opened(_) => self.close_opened(),
            Held::Answer(_) if self.question().is_some() => self.update_modal(Action::Back),
            _ => {}
        }
    }

    /// A key that may open a dialog by its own name (`e`, `p`, `x`, `i`, `:`, the welcome's `i`), with the dialog
    /// on screen before it: not the keys that move or answer inside a dialog, whose Enter opening the next step
    /// is the operator's, nor a typed character.
    fn opener(&self, action: &Action) -> Option<(&'static str, Option<std::mem::Discriminant<Modal>>)> {
        const INSIDE: &[&str] = &[
            "up",
            "down",
            "page_up",
            "page_down",
            "top",
            "bottom",
            "left",
            "right",
            "next_field",
            "previous_field",
            "confirm",
            "yes",
            "back",
            "backspace",
            "delete",
            "clear_line",
            "toggle_select",
        ];
        let name = action.name().filter(|n| !INSIDE.contains(n))?;
        Some((name, self.modal.as_ref().map(std::mem::discriminant)))
    }

    /// A dialog a key just opened (a chooser, a form, a path to import from or export to, the palette, a question)
    /// takes no key before the keys pause after it: the rest of a command typed into the wrong window (`exit`,
    /// `xdg-open .`, `python3 x.py`) would otherwise fill its field and its Enter save it or write a file of ID
    /// numbers. Open at once, so a deliberate key is answered at once; the next key before the pause closes it
    /// unsaved (`close_opened`). Not a job's progress or a message, which hold nothing typed.
    fn guard_opened(&mut self, opener: Option<(&'static str, Option<std::mem::Discriminant<Modal>>)>) {
        let Some((name, before)) = opener else { return };
        if !self.pauses_reported || self.waiting_key.is_some() || self.astray.is_some() {
            return;
        }
        let Some(modal) = &self.modal else { return };
        if before == Some(std::mem::discriminant(modal)) {
            return;
        }
        let holds_nothing = matches!(
            modal,
            Modal::Working(_)
                | Modal::Message(_)
                | Modal::ImportPreview { .. }
                | Modal::MergePreview { .. }
                | Modal::Leavers { .. }
                | Modal::Operator(_)
                | Modal::Welcome
        );
        if !holds_nothing {
            self.waiting_key = Some(Held::Opened(name));
        }
    }

    /// The dialog a key opened, closed unsaved as Esc closes it, its files staged to replace others not left behind.
    fn close_opened(&mut self) {
        // The question whether to stop the job (`q` on its progress): declined, as Esc declines it, and the progress
        // comes back; closed, the job would run on behind nothing.
        if let Some(Modal::Confirm(super::modal::Confirm { then: super::modal::Then::StopJob, .. })) = &self.modal {
            self.update_modal(Action::Back);
            return;
        }
        // The sample school's question, opened by the `1` of text typed astray: back to the welcome it came from.
        if let Some(Modal::Confirm(super::modal::Confirm { then: super::modal::Then::LoadSample, .. })) = &self.modal {
            self.modal = Some(Modal::Welcome);
            return;
        }
        if let Some(Modal::Confirm(super::modal::Confirm { then: super::modal::Then::Start(work), .. })) = &self.modal
            && let super::jobs::Work::Place { staged } = work.as_ref()
        {
            staged.discard();
        }
        self.modal = None;
    }

    /// How the key that waited is written: found among the screen's keys, else a dialog's (the welcome's `1`).
    fn held_key(&self, key: Held) -> String {
        // A letter answering a question: the letter, not the arrow key bound to the same action first.
        if let Held::Answer(name) = key {
            let keys = self.keymap.keys_for(Context::Dialog, name);
            let letter = keys.iter().map(|k| k.to_string()).find(|k| k.chars().count() == 1);
            return letter.or_else(|| keys.first().map(|k| k.to_string())).unwrap_or_default();
        }
        [self.screen_context(), Context::Dialog, Context::Picker]
            .into_iter()
            .find_map(|c| self.keymap.keys_for(c, key.name()).first().map(|k| k.to_string()))
            .unwrap_or_default()
    }

    /// A key with no use where it was typed (a letter no key is bound to, a letter in the category chooser): the
    /// keys are text typed into canbao's window by mistake, such as `canbao stats` typed as if into the shell,
    /// whose next letters would open dialogs and whose Enter would save them (a note 「bao stats」). No key acts
    /// until the typing pauses, and the status line says so.
    pub(crate) fn typed_astray(&mut self, message: String) {
        let message =
            if self.put_cursor_back() { format!("{message}{}", self.text.keys_astray_cursor_back) } else { message };
        self.fail(message);
        self.astray = Some(0);
    }

    /// Back to the screen and the pupil of `run_start`, if the run moved away from them. Whether it did.
    fn put_cursor_back(&mut self) -> bool {
        let toggled = std::mem::take(&mut self.run_toggled);
        for &id in toggled.iter().rev() {
            self.roster.toggle_marked(id);
        }
        let Some((screen, pupil)) = self.run_start.take() else { return !toggled.is_empty() };
        if (screen, pupil) == (self.screen, self.selected_id()) || self.modal.is_some() {
            self.cursor_put_back |= !toggled.is_empty();
            return !toggled.is_empty();
        }
        if let Some(id) = pupil {
            let page = self.page();
            if !self.roster.select_first_of(&self.data, &[id], page) {
                return false;
            }
        }
        match screen {
            Screen::Detail => {
                self.screen = Screen::Detail;
                self.reload_detail();
            }
            Screen::Roster | Screen::Dashboard => {
                self.screen = screen;
                self.detail = None;
            }
        }
        self.cursor_put_back = true;
        true
    }

    /// Whether keys are being ignored as text meant for another window, until the typing pauses.
    pub fn typing_astray(&self) -> bool {
        self.astray.is_some()
    }

    /// The event loop says when the keys pause (`typing_paused`), so a key may wait for one (`hold_until_pause`).
    pub fn report_pauses(&mut self) {
        self.pauses_reported = true;
    }

    /// The event loop says whether the key it gives next came right after another, with no pause between.
    pub fn key_in_run(&mut self, in_run: bool) {
        self.in_run = in_run;
        // A pause: the operator has looked at the dialog the run filled.
        self.unread_run &= in_run;
        if !in_run && self.astray.is_none() && self.waiting_key.is_none() {
            self.run_start = Some((self.screen, self.selected_id()));
            self.run_toggled.clear();
        }
    }

    /// The event loop says whether the key (or paste) it gives next came in the same burst as the one before it:
    /// already waiting behind it, or within `runner::BURST_MS` of it.
    pub fn key_in_burst(&mut self, burst: bool) {
        self.in_burst = burst;
    }

    /// The event loop says whether the key it gives next is a character typed (a letter, a digit), not a key
    /// with Ctrl or Alt or a named key.
    pub fn key_is_character(&mut self, typed: bool) {
        self.typed_character = typed;
    }

    /// Whether the event loop is to say when the keys pause: keys are ignored until then, or one waits for it.
    pub fn waits_for_pause(&self) -> bool {
        self.astray.is_some() || self.waiting_key.is_some()
    }

    /// `u`, `Ctrl-r` and `r` (showing ID numbers) act once the keys pause after them (and the note editor `n`
    /// opens takes no key before that pause): one such letter among
    /// others typed into canbao's window by mistake (`uname -a`, `grep -r` as if into the shell) would otherwise
    /// undo the last mark or show every number, unseen. A deliberate key, followed by a look at the screen,
    /// acts half a second later; another key first makes it text typed astray. Keys given one by one (no event
    /// loop saying when they pause) act at once.
    pub(super) fn hold_until_pause(&mut self, key: Held) {
        // Nor may it come at the end of a run of keys: `jar` typed, then a pause, shows no number.
        if self.pauses_reported && self.in_run {
            self.drop_held(key);
            let name = self.held_key(key);
            let message = fill(self.text.keys_run_before, &[&name, &self.text.short(key.name())]);
            self.typed_astray(message);
        } else if self.pauses_reported {
            self.waiting_key = Some(key);
        } else {
            self.act_after_pause(key);
        }
    }

    fn act_after_pause(&mut self, key: Held) {
        match key {
            Held::Undo => self.undo(),
            Held::Redo => self.redo(),
            Held::Reveal => self.toggle_reveal(),
            Held::SelectAll => self.roster.mark_all_shown(&self.data),
            Held::TakeOver => self.take_over(),
            // Open since the key: the operator has seen it, and it takes what is typed now.
            Held::Opened(_) => {}
            // Shown, then a pause: the name typed now is the operator's.
            Held::NamePrompt => {}
            Held::Quit => self.quit = true,
            // Still asked (a mouse click or a job's end may have closed it meanwhile).
            Held::Answer(name) => {
                if let Some(action) = Action::from_name(name).filter(|_| self.answers_question(name)) {
                    self.update_modal(action);
                }
            }
        }
    }

    /// The screen's own keys' context (not a dialog's): where the key that waited is named.
    pub(super) fn screen_context(&self) -> Context {
        match self.screen {
            Screen::Roster => Context::Roster,
            Screen::Detail => Context::Detail,
            Screen::Dashboard => Context::Dashboard,
        }
    }

    /// The typing paused (no key for a moment; or Esc): a key that waited for the pause acts, keys act again, and
    /// how many did not is said.
    pub fn typing_paused(&mut self) {
        if let Some(waiting) = self.waiting_key.take() {
            self.act_after_pause(waiting);
            self.after_update();
        }
        let put_back = std::mem::take(&mut self.cursor_put_back);
        let before_name = std::mem::take(&mut self.astray_before_name);
        if let Some(after) = self.astray.take()
            && after > 0
        {
            // At the name's prompt no pupil could have changed: the keys are said as not the name.
            let said = match (&self.modal, before_name) {
                (Some(Modal::Operator(_)), true) => fill(self.text.keys_ignored_operator, &[&after]),
                (Some(Modal::Operator(_)), false) => fill(self.text.keys_ignored_at_name, &[&after]),
                _ => fill(self.text.keys_astray_ignored, &[&after]),
            };
            self.fail(if put_back { format!("{said}{}", self.text.keys_astray_cursor_back) } else { said });
        }
    }

    /// A character typed at a message (a report, 「导出完成」), which has closed: the search (`/`, or a name typed in
    /// Chinese) and the help (`?`) open as on the screen; any other key only closed the message, never marking
    /// or opening what the screen's letter would, unseen behind it.
    pub(super) fn key_after_message(&mut self, c: char) {
        let action = self.keymap.action(self.screen_context(), Key::plain(crossterm::event::KeyCode::Char(c)));
        self.key_after_message_action(action.unwrap_or(Action::Input(c)));
    }

    /// A key that closed a message, acting on the screen under it as if the message had not been there: through
    /// `key`, so its guards hold as for any key (a `q` waits for the pause after it, a letter opening a dialog
    /// takes no key typed in the same run, a change is refused in a read-only window).
    pub(super) fn key_after_message_action(&mut self, action: Action) {
        self.modal = None;
        self.key(action);
    }

    /// The roster, the detail screen over it (which moves through the same list) and the dashboard, which
    /// only reads and scrolls: the roster's keys wait there until the operator is back on the roster.
    fn update_screen(&mut self, action: Action) {
        let deliberate = self.deliberate(&action);
        let screen = self.screen;
        let list = screen != Screen::Dashboard;
        let page = self.page() as isize;
        match action {
            // The `q` of a name typed without `/` (qinbo) waits for the pause, and is then a letter typed astray.
            Action::Quit if deliberate => self.quit = true,
            Action::Quit => self.hold_until_pause(Held::Quit),
            Action::Help => self.modal = Some(Modal::Help { offset: 0 }),
            Action::Palette => self.open_palette(),
            Action::Back => match screen {
                Screen::Dashboard => self.back_from_dashboard(),
                Screen::Detail => self.back_from_detail(),
                Screen::Roster => self.roster.back(&self.data, self.page()),
            },
            Action::Dashboard if list => self.open_dashboard(),
            Action::Dashboard => self.back_from_dashboard(),
            // The wheel on the detail screen scrolls its history: it is the mouse over the page, not a key to the
            // next child, and a touchpad sends many notches at once.
            Action::ScrollUp if screen == Screen::Detail => self.scroll_history(false),
            Action::ScrollDown if screen == Screen::Detail => self.scroll_history(true),
            Action::Up | Action::ScrollUp => self.move_on_screen(-1),
            Action::Down | Action::ScrollDown => self.move_on_screen(1),
            // On the detail screen the pupil shown moves with the list, so no key can leave the screen on one
            // child while a mark goes to another.
            Action::PageUp if list => self.move_on_list(-page),
            Action::PageDown if list => self.move_on_list(page),
            Action::PageUp => self.scroll_dashboard(-page),
            Action::PageDown => self.scroll_dashboard(page),
            Action::Top if list => self.move_on_list(isize::MIN / 2),
            Action::Bottom if list => self.move_on_list(isize::MAX / 2),
            Action::Click(x, y) if list => self.click(x, y),
            Action::Search if list => {
                self.screen = Screen::Roster;
                self.detail = None;
                self.roster.start_search(&self.data, self.page());
            }
            Action::OpenDetail if list => self.open_detail(),
            Action::Filters if list => self.modal = Some(Modal::Filters { row: FilterRow::Class, jump: String::new() }),
            // Only on the roster, where the `*` shows: on the detail screen a stray Space would select the pupil
            // unseen, and a later single mark on another row would go to them.
            Action::ToggleSelect if screen == Screen::Roster => {
                if let Some(id) = self.roster.toggle_mark(&self.data, self.page()) {
                    self.run_toggled.push(id);
                }
            }
            // Selecting every pupil readies a mark for all of them: not from the `a` of `apt update`.
            Action::SelectAll if screen == Screen::Roster => self.hold_until_pause(Held::SelectAll),
            // Hiding the numbers again never waits.
            Action::Reveal if list && (self.reveal || self.revealed_pupil.is_some()) => self.toggle_reveal(),
            Action::Reveal if list => self.hold_until_pause(Held::Reveal),
            Action::Enrollment if list => self.open_enrollment(),
            Action::TogglePaid if list => self.toggle_paid(),
            Action::ToggleGovernment if list => self.toggle_government(),
            Action::Categories if list => self.open_categories(),
            Action::EditNote if list => self.open_note(),
            Action::EditIdentity if list => self.open_identity(),
            Action::HistoryOlder if screen == Screen::Detail => self.page_history(true),
            Action::HistoryNewer if screen == Screen::Detail => self.page_history(false),
            Action::Undo if list => self.hold_until_pause(Held::Undo),
            Action::TakeOver => self.hold_until_pause(Held::TakeOver),
            Action::Redo if list => self.hold_until_pause(Held::Redo),
            Action::Import if list => self.open_import(),
            Action::Export if list => self.open_export(),
            // On the dashboard: the roster's keys.
            Action::Top | Action::Bottom | Action::Click(..) | Action::Search | Action::OpenDetail => {}
            Action::Filters | Action::ToggleSelect | Action::SelectAll | Action::Reveal | Action::Enrollment => {}
            Action::TogglePaid | Action::ToggleGovernment | Action::Categories | Action::EditNote => {}
            Action::EditIdentity | Action::Undo | Action::Redo | Action::Import | Action::Export => {}
            Action::HistoryOlder | Action::HistoryNewer => {}
            // Keys for dialogs and text fields; the sample school is offered only on an empty drive's welcome.
            Action::Left | Action::Right | Action::NextField | Action::Confirm | Action::Yes | Action::New => {}
            Action::Edit | Action::PreviousField => {}
            Action::LoadSample | Action::OtherSchool | Action::Backspace | Action::Delete | Action::ClearLine => {}
            // A Chinese character (an input method's) is a pupil's name being typed, never a command: the search
            // starts with it, as after `/`, wherever the operator is. So is a digit typed after a pause: part of an
            // ID number read off a card (no key is a digit here); within a run of keys it is text typed astray.
            Action::Input(c)
                if matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}')
                    || (c.is_ascii_digit() && !(self.pauses_reported && self.in_run)) =>
            {
                self.screen = Screen::Roster;
                self.detail = None;
                self.roster.start_search(&self.data, self.page());
                self.update_search(action);
            }
            // A character no key is bound to on this screen.
            Action::Input(c) => self.typed_astray(fill(self.text.keys_astray, &[&c])),
            // Text pasted is never a command: a pupil's number or name copied from a message or a sheet, searched
            // for as after `/`, wherever the operator is. Not a page of text, which no pupil is.
            Action::Paste(text) => {
                let pasted = text.trim();
                let length = pasted.chars().count();
                if length > MAX_PASTED_SEARCH {
                    self.fail(fill(self.text.paste_not_searched, &[&length]));
                } else if length > 0 {
                    self.screen = Screen::Roster;
                    self.detail = None;
                    self.roster.start_search(&self.data, self.page());
                    self.update_search(Action::Paste(pasted.to_owned()));
                }
            }
            Action::Resize(..) | Action::Tick | Action::JobDone(_) => {}
        }
    }

    /// A page or the ends of the list: on the roster the cursor, on the detail screen the pupil shown.
    fn move_on_list(&mut self, by: isize) {
        match self.screen {
            Screen::Detail => self.move_detail(by),
            _ => self.move_cursor(by),
        }
    }

    /// Up and Down: a row of the roster, the next pupil on the detail screen, a line of the dashboard.
    fn move_on_screen(&mut self, by: isize) {
        match self.screen {
            Screen::Roster => self.move_cursor(by),
            Screen::Detail => self.move_detail(by),
            Screen::Dashboard => self.scroll_dashboard(by),
        }
    }

    /// The action named is one this window refuses: it is read-only and the action writes (`writes`). Its key is
    /// left out of the footer, which lists what the window does.
    pub(crate) fn refuses(&self, name: &str) -> bool {
        self.store.is_read_only() && Action::from_name(name).is_some_and(|action| self.writes(&action))
    }

    /// Whether an action would change the drive (revealing IDs writes an audit row; hiding them does not).
    /// In read-only mode these are refused before anything is attempted.
    fn writes(&self, action: &Action) -> bool {
        match action {
            Action::Enrollment | Action::TogglePaid | Action::ToggleGovernment | Action::Categories => true,
            Action::EditNote | Action::EditIdentity | Action::Undo | Action::Redo | Action::Import => true,
            Action::LoadSample | Action::OtherSchool => true,
            // Allowed where the window is read-only: it is the way out of it.
            Action::TakeOver => false,
            Action::Reveal => !self.reveal && self.revealed_pupil.is_none(),
            // Moving, looking and typing; a dialog that writes is refused when it would.
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom => false,
            Action::ScrollUp | Action::ScrollDown | Action::Click(..) | Action::Resize(..) | Action::Tick => false,
            Action::Left | Action::Right | Action::NextField | Action::Confirm | Action::Yes | Action::Back => false,
            Action::Quit | Action::Search | Action::OpenDetail | Action::Dashboard | Action::Help => false,
            Action::Export | Action::Filters | Action::Palette | Action::New | Action::JobDone(_) => false,
            Action::Edit | Action::PreviousField | Action::HistoryOlder | Action::HistoryNewer => false,
            Action::ToggleSelect | Action::SelectAll | Action::Backspace | Action::Delete | Action::ClearLine => false,
            Action::Input(_) | Action::Paste(_) => false,
        }
    }

    fn update_search(&mut self, action: Action) {
        let page = self.page() as isize;
        match action {
            Action::Input(_)
            | Action::Paste(_)
            | Action::Backspace
            | Action::Delete
            | Action::ClearLine
            | Action::Left
            | Action::Right
            | Action::Top
            | Action::Bottom => {
                self.roster.edit_search(&self.data, self.page(), |input| input.edit(&action));
            }
            Action::Up | Action::ScrollUp => self.move_cursor(-1),
            Action::Down | Action::ScrollDown => self.move_cursor(1),
            Action::PageUp => self.move_cursor(-page),
            Action::PageDown => self.move_cursor(page),
            Action::Click(x, y) => self.click(x, y),
            Action::Confirm => self.roster.keep_search(),
            Action::Back => self.roster.drop_search(&self.data, self.page()),
            Action::Quit => self.quit = true,
            // The search line has the keyboard: letters are typed, not commands.
            Action::NextField | Action::Yes | Action::Search | Action::OpenDetail | Action::Dashboard => {}
            Action::Help | Action::Import | Action::Export | Action::Filters | Action::Palette | Action::New => {}
            Action::Edit | Action::PreviousField => {}
            Action::Enrollment | Action::TogglePaid | Action::ToggleGovernment | Action::Categories => {}
            Action::EditNote | Action::EditIdentity | Action::ToggleSelect | Action::SelectAll | Action::Undo => {}
            Action::Redo | Action::Reveal | Action::LoadSample | Action::OtherSchool | Action::Resize(..) => {}
            Action::Tick => {}
            Action::HistoryOlder | Action::HistoryNewer | Action::JobDone(_) | Action::TakeOver => {}
        }
    }

    /// Rebuilds the shown rows from the search hits and the filters, keeping the cursor on the same pupil
    /// where it still shows, else at the same position.
    pub fn refilter(&mut self) {
        self.roster.refilter(&self.data, self.page());
    }

    /// Changes the filters; the highlight stays on its pupil where the new list shows them.
    pub fn set_filters(&mut self, change: impl FnOnce(&mut super::roster::Filters)) {
        self.roster.set_filters(&self.data, self.page(), change);
    }

    fn move_cursor(&mut self, by: isize) {
        self.roster.move_cursor(by, self.page());
    }

    fn click(&mut self, x: u16, y: u16) {
        if self.screen != Screen::Roster {
            return;
        }
        let areas = self.roster_areas();
        let body = areas.body;
        if x < body.x || x >= body.x + body.width || y < body.y || y >= body.y + body.height {
            return;
        }
        let Some(pos) = self.roster.position_on_screen((y - body.y) as usize) else { return };
        if pos == self.roster.cursor() {
            // A second click on the selected row opens it, like a double click.
            self.open_detail();
        } else {
            self.roster.select(pos);
        }
    }

    /// `r`: on the roster every number until `r` again, recorded as the roster's reveal, asked first (No by
    /// default: every number on screen is a lot to show by one stray key); on the detail screen that pupil's number
    /// only, recorded as theirs.
    fn toggle_reveal(&mut self) {
        if self.reveal || self.revealed_pupil.is_some() {
            self.reveal = false;
            self.revealed_pupil = None;
            self.roster.set_numbers_revealed(&self.data, false, self.page());
            return;
        }
        let pupil = if self.screen == Screen::Detail { self.detail.as_ref().map(|d| d.student.id) } else { None };
        // A read-only window cannot record the reveal: refused at once, as before, rather than after a Yes.
        if pupil.is_none() && !self.store.is_read_only() {
            let question = self.text.ask_reveal_all.to_owned();
            self.modal = Some(Modal::Confirm(super::modal::Confirm {
                question,
                then: super::modal::Then::RevealAll,
                yes: false,
            }));
            return;
        }
        self.reveal_now(pupil);
    }

    /// Shows `pupil`'s full number, or every number (`None`), recorded in the history first.
    pub(super) fn reveal_now(&mut self, pupil: Option<i64>) {
        match self.store.record_reveal(pupil) {
            Ok(()) => {
                match pupil {
                    Some(id) => {
                        self.revealed_pupil = Some(id);
                        self.say(self.text.revealed_one);
                    }
                    None => {
                        self.reveal = true;
                        self.roster.set_numbers_revealed(&self.data, true, self.page());
                        self.say(self.text.revealed);
                    }
                }
                self.reload_detail();
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// Whether the screen shows this pupil's full number: the roster revealed, or this pupil on their own.
    pub fn shows_number_of(&self, pupil: i64) -> bool {
        self.reveal || self.revealed_pupil == Some(pupil)
    }

    pub fn open_detail(&mut self) {
        if self.selected_id().is_some() {
            self.screen = Screen::Detail;
            self.reload_detail();
        }
    }

    fn move_detail(&mut self, by: isize) {
        let before = self.selected_id();
        self.move_cursor(by);
        self.reload_detail();
        // Said, as two pupils may share a name and only the class tells them apart: the next `p` pays this one.
        if self.selected_id() != before
            && let Some(d) = &self.detail
        {
            let (place, of) = ((self.roster.cursor() + 1).to_string(), self.roster.shown().len().to_string());
            let text = fill(self.text.detail_now_showing, &[&d.student.name, &d.student.class_label(), &place, &of]);
            self.say(text);
        }
    }

    /// Reads the detail pupil again (after opening, moving or a change).
    pub fn reload_detail(&mut self) {
        if self.screen != Screen::Detail {
            return;
        }
        let Some(id) = self.selected_id() else {
            self.detail = None;
            self.screen = Screen::Roster;
            return;
        };
        let today = self.store.today();
        let loaded = self.store.student(id).and_then(|student| Ok((self.store.history(id)?, student)));
        match loaded {
            Ok((history, student)) => {
                // Categories carried from an earlier year (待重新认定) neither lower the amount due, nor have a
                // department pay, nor send the pupil away until certified again, as the forms and `quote` weigh them.
                let year = self.store.shown_year();
                let certified = student.certified_in(year);
                // A family that paid before the category was certified: the quote says what stands, not a department
                // paying what the family paid.
                let quote = self.policy.as_ref().map(|p| {
                    due::quote_for(p, &certified, today, self.lang == Language::En, year)
                        .map(|q| due::settled(p, &certified, q))
                });
                let government = due::government_share(self.policy.as_ref(), &student, today, year);
                // Said where the amount due stands, which a drive without a policy leaves to its own words.
                let elsewhere = self.policy.as_ref().and_then(|p| due::insured_elsewhere(Some(p), &certified));
                let away = match &self.policy {
                    Some(p) => certified
                        .categories
                        .iter()
                        .filter_map(|c| p.rule(&c.name).map(|r| (c.name.clone(), r.enroll, r.clause.clone())))
                        .filter(|(_, place, _)| place.away_from_school())
                        .collect(),
                    None => Vec::new(),
                };
                let hukou = match self.lang {
                    Language::En => crate::domain::pupil_flags::hukou_remark_en(self.policy.as_ref(), &student, year),
                    _ => crate::domain::pupil_flags::hukou_remark(self.policy.as_ref(), &student, year),
                };
                let hukou_pending = match (&self.policy, &quote) {
                    (Some(p), Some(Ok(q)))
                        if student.payment == crate::domain::student::PaymentStatus::Unpaid && elsewhere.is_none() =>
                    {
                        let request = crate::domain::policy::pupil_request(&certified, today);
                        let table = crate::domain::category::CategoryTable::builtin();
                        crate::domain::pupil_flags::hukou_pending(p, table, &certified, &request, q)
                    }
                    _ => None,
                };
                // A log unreadable here only loses the remark; the pupil still opens.
                let amount_dispute = self
                    .store
                    .amount_disputes(std::slice::from_ref(&student))
                    .ok()
                    .and_then(|mut found| found.remove(&id));
                let listed = self
                    .store
                    .payments_from_a_list(std::slice::from_ref(&student))
                    .ok()
                    .and_then(|mut found| found.remove(&id))
                    .is_some_and(|l| !l.cleared_by_hand);
                // Another pupil, or a change to this one: the history opens on its newest entries again.
                let same = self.detail.as_ref().is_some_and(|d| d.student.id == id && d.history.len() == history.len());
                if !same {
                    self.history_offset = 0;
                }
                self.detail = Some(Detail {
                    student,
                    history,
                    quote,
                    government,
                    elsewhere,
                    away,
                    amount_dispute,
                    listed,
                    hukou,
                    hukou_pending,
                });
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    /// Back to the roster from the detail screen. A change made there (a mark, a class corrected with `E`) may
    /// have taken the pupil out of the search or filters: the row stays highlighted until the cursor moves, as
    /// after a mark on the roster, and says so, where the highlight fell on the next child without a word.
    fn back_from_detail(&mut self) {
        self.screen = Screen::Roster;
        self.detail = None;
        let page = self.page();
        if self.roster.refilter_holding(&self.data, page)
            && let Some(i) = self.roster.selected_row()
        {
            let name = self.data.name(i).to_owned();
            self.say(fill(self.text.held_after_detail, &[&name]));
        }
    }

    /// Back to the roster from the dashboard. Opened from the detail screen (`d` there), whose pupil is still
    /// open under it: back as from the detail screen, so a pupil a change there took out of the filter stays
    /// highlighted, where the roster was shown as it stood before the change, its list never refiltered.
    fn back_from_dashboard(&mut self) {
        if self.detail.is_some() {
            self.back_from_detail();
        } else {
            self.screen = Screen::Roster;
        }
    }

    fn open_dashboard(&mut self) {
        self.screen = Screen::Dashboard;
        self.dashboard_offset = 0;
        self.recount();
    }

    /// Marks the roster's part-paid pupils (部分缴费) under the drive's policy: after a load, and when the policy
    /// changes.
    pub fn mark_part_paid(&mut self) {
        let short =
            self.store.part_payments(&Default::default(), self.policy.as_ref(), self.store.today()).unwrap_or_default();
        self.data.mark_part_paid(&short);
    }

    /// Whether the family's payment of `s` falls short of the amount due under the drive's policy (部分缴费).
    pub fn is_part_paid(&self, s: &Student) -> bool {
        self.store.part_payment_of(s, self.policy.as_ref()).ok().flatten().is_some()
    }

    /// Counts the dashboard again when it is on screen.
    pub fn recount(&mut self) {
        if self.screen == Screen::Dashboard {
            let policy = self.policy.as_ref();
            let short = self.store.part_payments(&Default::default(), policy, self.store.today()).unwrap_or_default();
            let mut dashboard = Dashboard::count(&self.data, policy, &short);
            dashboard.days = self.store.daily_progress_with(&short.keys().copied().collect()).unwrap_or_default();
            self.dashboard = Some(dashboard);
            self.last_backup = self.store.last_backup().ok().flatten();
        }
    }

    fn scroll_dashboard(&mut self, by: isize) {
        let classes = self.dashboard.as_ref().map_or(0, |d| d.classes.len());
        let max = classes.saturating_sub(layout::dashboard_class_rows(self.size)) as isize;
        self.dashboard_offset = (self.dashboard_offset as isize).saturating_add(by).clamp(0, max.max(0)) as usize;
    }

    /// Whether idle ticks should check for the writer's saves: only an instance opened read-only sees another
    /// process change the file (a writer holds the drive alone, and reloads after its own imports). The writer
    /// showing an earlier year is read-only too, but what changed the file was its own work (a new year started
    /// on a worker's connection), not another window's.
    pub fn follows_writer(&self) -> bool {
        self.store.opened_read_only()
    }

    /// In a read-only instance, reloads the roster (and the open pupil) once the writer has saved something,
    /// keeping the search, the filters and the selected pupil.
    fn follow_writer(&mut self) {
        use super::follow::Followed;
        if !self.follows_writer() {
            return;
        }
        let reading = || super::follow::Reading {
            query: self.roster.query(&self.data),
            today: self.store.today(),
            config_dir: self.config_dir.clone(),
            dashboard: self.screen == Screen::Dashboard,
        };
        match self.follower.look(&self.store, reading) {
            Followed::Nothing | Followed::Loading => {}
            Followed::Pupils(ids) => {
                for id in ids {
                    match self.store.student(id) {
                        Ok(pupil) => {
                            let part_paid = self.is_part_paid(&pupil);
                            self.data.refresh(&pupil, part_paid);
                        }
                        Err(e) => return self.fail(e.to_string()),
                    }
                }
                // Statuses changed, not places: the rows shown stay, and the filters apply on the next change.
                self.recount();
                self.reload_detail();
                self.say(self.text.writer_changes_loaded);
            }
            Followed::Roster(loaded, same_pupils) => {
                // Typed into the search or the filters changed while the worker read the roster: its rows shown
                // are for the search as it was. Filtered again on a worker rather than here.
                let query = self.roster.query(&self.data);
                if !loaded.refiltered.is_for(&query) {
                    return self.follower.refilter(loaded, same_pupils, query);
                }
                // A restore or a new year by the writer: the year and its policy are read again with the roster.
                if let Err(e) = self.store.reload_year() {
                    self.fail(e.to_string());
                }
                (self.policy, _) = super::due::drive_policy(&self.store, self.config_dir.as_deref());
                self.say(self.text.writer_changes_loaded);
                if !same_pupils {
                    self.roster.clear_marks();
                }
                self.take_loaded(*loaded, same_pupils);
                self.reload_detail();
            }
            Followed::Failed(e) => self.fail(e),
            Followed::Reopen => self.reopen_changed_drive(),
        }
    }

    /// The drive, read as an immutable file (this user may not write beside it: see README), was saved by its
    /// owner: SQLite reads such a file as never changing, and could read pages of the new file under the old, so
    /// it is opened again as it is now and the roster read again, said on the status line. The new connection is
    /// opened before the old one closes: SQLite keeps its own connections' locks when one of them closes.
    fn reopen_changed_drive(&mut self) {
        let Some(reopen) = self.store.reopener() else { return };
        let store = match reopen.open() {
            Ok(store) => store,
            Err(e) => return self.fail(fill(self.text.drive_reopen_failed, &[&e])),
        };
        let was = self.follower.epoch().clone();
        self.store = store;
        self.follower = super::follow::Follower::new(&self.store);
        (self.policy, _) = super::due::drive_policy(&self.store, self.config_dir.as_deref());
        let data = match RosterData::load(&self.store) {
            Ok(data) => data,
            Err(e) => return self.fail(e.to_string()),
        };
        // The same pupils unless the owner restored a backup or started a year (an id may name another pupil).
        if *self.follower.epoch() == was {
            self.replace_data(data);
        } else {
            self.roster.clear_marks();
            self.replace_data_of_another_state(data);
        }
        self.reload_detail();
        self.say(self.text.drive_reopened);
    }

    /// In a read-only window, says once that the writer has quit: the drive is free, yet this window stays
    /// read-only until canbao is opened again, and would otherwise go on refusing with no word why.
    /// And says, once, that another window has taken the drive since: the word to take over no longer holds.
    fn say_writer_left(&mut self) {
        if !self.offers_take_over() {
            return;
        }
        if self.follower.writer_left(&self.store, self.now) {
            self.say(self.writer_closed());
        }
        if self.follower.retaken() {
            self.say_drive_retaken();
        }
    }

    /// Who holds the drive now that this window offers taking over no more (the lock file names them).
    fn say_drive_retaken(&mut self) {
        match self.store.path().and_then(crate::store::lock::holder) {
            Some(h) => self.say(fill(self.text.writer_back, &[&h.by, &h.since])),
            None => self.say(self.text.take_over_writer_there),
        }
    }

    /// That the writer has closed, with the key that takes over as the keymap binds it on this screen.
    fn writer_closed(&self) -> String {
        let context = match self.screen {
            Screen::Roster => Context::Roster,
            Screen::Detail => Context::Detail,
            Screen::Dashboard => Context::Dashboard,
        };
        let key = self.keymap.keys_for(context, "take_over").first().map(|k| k.to_string()).unwrap_or_default();
        fill(self.text.writer_closed, &[&key])
    }

    /// Why a change is refused in a read-only window: once the writer has quit, that reopening allows it.
    pub(super) fn read_only_refusal(&mut self) -> String {
        if self.offers_take_over() && self.follower.writer_gone(&self.store) {
            self.writer_closed()
        } else {
            self.text.read_only_refused.to_owned()
        }
    }

    /// A read-only window reading the writer's roster again on a worker: idle ticks keep coming until it is in.
    pub fn follow_loading(&self) -> bool {
        self.follower.is_loading()
    }

    /// Takes a freshly loaded roster of the same drive (after an import), keeping search, filters, marks and the
    /// selected pupil.
    pub fn replace_data(&mut self, data: RosterData) {
        self.take_roster(data, true);
    }

    /// Takes the roster of the drive as a restore left it, or of another file: the selected and marked pupils
    /// are kept only as the same people (see `RosterView::carry_over`), and a pupil open on the detail screen
    /// who is not there any more closes it rather than showing whoever has their place.
    pub fn replace_data_of_another_state(&mut self, data: RosterData) {
        self.take_roster(data, false);
    }

    fn take_roster(&mut self, mut data: RosterData, same_pupils: bool) {
        // Marked before the filters run: the 缴费 filter takes a part payment as still to collect.
        let short =
            self.store.part_payments(&Default::default(), self.policy.as_ref(), self.store.today()).unwrap_or_default();
        data.mark_part_paid(&short);
        let refiltered = self.roster.query(&self.data).refilter(&data);
        self.put_roster(data, refiltered, same_pupils);
        self.schools = self.store.schools().unwrap_or_default();
        self.recount();
    }

    /// Takes a roster a worker read and made ready (`follow::Loaded`): on this thread only what is quick at
    /// half a million pupils, so that a keystroke is drawn within a frame while it comes in.
    fn take_loaded(&mut self, loaded: super::follow::Loaded, same_pupils: bool) {
        let super::follow::Loaded { data, schools, refiltered, dashboard, .. } = loaded;
        self.put_roster(data, refiltered, same_pupils);
        self.schools = schools;
        match dashboard {
            Some((dashboard, last_backup)) if self.screen == Screen::Dashboard => {
                (self.dashboard, self.last_backup) = (Some(dashboard), last_backup);
            }
            // The dashboard opened while the roster was read: counted here.
            _ => self.recount(),
        }
    }

    /// Puts `data`, searched and filtered as `refiltered`, in place of the roster on screen, with the cursor on
    /// the same pupil.
    fn put_roster(&mut self, data: RosterData, refiltered: super::roster_view::Refiltered, same_pupils: bool) {
        let old = std::mem::replace(&mut self.data, data);
        let page = self.page();
        let detail = self.screen == Screen::Detail;
        if !self.roster.carry_over(&old, &self.data, refiltered, same_pupils, detail, page) && detail {
            self.detail = None;
            self.screen = Screen::Roster;
            self.say(self.text.pupil_not_in_drive);
        }
        drop_elsewhere(old);
    }

    /// The yes/no question on screen, if one is.
    pub fn question(&self) -> Option<&str> {
        match &self.modal {
            Some(Modal::Confirm(c)) => Some(&c.question),
            _ => None,
        }
    }

    /// Whether the action named answers the question on screen: `y`, `h` and `l` any question, and `o` the one
    /// whether a tax list that looks like another school's is this school's (take it as another school's). `o`
    /// on a tax list's preview, which offers it, answers it too: a step the preview asks for, not a letter typed
    /// astray; like `y` it acts at the pause after it, so a run of text typed into the wrong window takes no `o`.
    pub fn answers_question(&self, name: &str) -> bool {
        match &self.modal {
            Some(Modal::Confirm(c)) => {
                matches!(name, "yes" | "left" | "right")
                    || (name == "other_school" && matches!(c.then, super::modal::Then::Reconcile { .. }))
            }
            Some(Modal::ReconcilePreview {
                source: crate::io::reconcile::Source::Tax, other_school: false, ..
            }) => name == "other_school",
            _ => false,
        }
    }

    /// Whether the dialog on screen takes `o` (a tax list taken as another school's): a tax list's preview with
    /// strangers on it, not yet so taken, or the question asked before keeping its strangers' payments.
    /// Elsewhere the key is a letter as any other: at a message it closes it, as other letters do.
    pub fn takes_other_school(&self) -> bool {
        match &self.modal {
            Some(Modal::ReconcilePreview { source, other_school, strangers, .. }) => {
                *source == crate::io::reconcile::Source::Tax && !other_school && *strangers
            }
            Some(Modal::Confirm(c)) => matches!(c.then, super::modal::Then::Reconcile { .. }),
            _ => false,
        }
    }

    /// The dialog on screen that keys typed before it was drawn must not reach, named by what it is about (so
    /// typing into its field does not make it another): a yes/no question, or a preview a job opened, which
    /// Enter applies and whose school field would take typed text; or the operator's name asked at the start,
    /// which keys typed while canbao started (the rest of a shell command) would fill in and save with their Enter.
    pub fn guarded_dialog(&self) -> Option<String> {
        match &self.modal {
            Some(Modal::Operator(_)) => Some("operator".to_owned()),
            Some(Modal::Confirm(c)) => Some(c.question.clone()),
            Some(Modal::ImportPreview { request, .. }) => Some(format!("import {:?}", request.paths)),
            Some(Modal::MergePreview { file, .. }) => Some(format!("merge {}", file.display())),
            Some(Modal::ReconcilePreview { file, .. }) => Some(format!("reconcile {}", file.display())),
            _ => None,
        }
    }

    /// Keys that reached a question (or a job's preview or result) before the operator could read it were not
    /// taken: said, so none goes unseen, after what the status line says of the result (「停止未及生效…」).
    pub fn keys_ignored(&mut self, n: usize) {
        // Keys already waiting as the dialog a key just opened is first drawn (`jjfind x` typed in one burst, the
        // `f` opening 「标记为财政代缴？」): more keys before the pause after that key, as when they come after the
        // dialog is drawn. It closes unanswered and the cursor goes back where the run's `jj` moved it from.
        if n > 0
            && let Some(waiting @ Held::Opened(_)) = self.waiting_key
        {
            self.waiting_key = None;
            return self.typed_on_after(waiting, n);
        }
        // Typed ahead of the name's prompt: the same run of keys may still be arriving, and none of it is the name.
        if n > 0 && matches!(self.modal, Some(Modal::Operator(_))) {
            self.typed_astray(fill(self.text.keys_ignored_operator, &[&n]));
            // Counted from the first, so that the pause says all of them as the prompt's words, as the README does.
            self.astray = Some(n);
            self.astray_before_name = true;
            return;
        }
        if n > 0 {
            let text = if self.question().is_some() { self.text.keys_ignored } else { self.text.keys_ignored_preview };
            // Keys said a moment ago (one key, then another, each its own event) are counted together: 「2 个键」,
            // where the line said 「1 个键未作回答」 twice.
            let (before, after) = text.split_once("{}").unwrap_or((text, ""));
            let earlier = self.status.as_ref().and_then(|said| {
                let head = said.text.strip_suffix(after)?;
                let digits = head.len() - head.trim_end_matches(|c: char| c.is_ascii_digit()).len();
                let m: usize = head[head.len() - digits..].parse().ok()?;
                let head = head[..head.len() - digits].strip_suffix(before)?;
                Some((head.to_owned(), m))
            });
            let text = match (earlier, self.status.take()) {
                (Some((head, m)), _) => format!("{head}{}", fill(text, &[&(m + n)])),
                (None, Some(said)) => format!("{}{}{}", said.text, self.text.pick("；", "; "), fill(text, &[&n])),
                (None, None) => fill(text, &[&n]),
            };
            self.fail(text);
        }
    }

    /// The dialog `guarded_dialog` names is about to be drawn for the first time, the keys waiting before it
    /// dropped (`keys_ignored`). The operator's name then takes no key before the keys pause after it shows, as a
    /// dialog a key opened takes none before the pause after that key (`guard_opened`): keys arriving in the
    /// same moment (typed on before the prompt was seen, a paste) are not the name, and their Enter would save
    /// it unseen. Keys given one by one (no event loop saying when they pause) are taken at once.
    pub fn guarded_dialog_drawn(&mut self) {
        if matches!(self.modal, Some(Modal::Operator(_)))
            && self.pauses_reported
            && self.astray.is_none()
            && self.waiting_key.is_none()
        {
            self.waiting_key = Some(Held::NamePrompt);
        }
    }

    /// How many job results have been put on screen (each a report, a preview, a question or the roster
    /// changed): the event loop drops keys typed before the newest was drawn, which were meant for the progress
    /// dialog or the screen before it, so that an Esc typed while waiting never closes a report unseen.
    pub fn results_shown(&self) -> u64 {
        self.results_shown
    }

    pub(super) fn result_shown(&mut self) {
        self.results_shown += 1;
    }

    /// Whether the action puts a job's result on screen: a finished job's, or one that waited behind the
    /// question whether to stop it, which the answer shows. Taking it in can take a moment (a county's roster put
    /// in place, or read on this thread when the worker could not), while no key is read: the event loop says so
    /// on the status line first.
    pub fn shows_result(&self, action: &Action) -> bool {
        match action {
            Action::JobDone(_) => true,
            // Not a `y` that waits for the pause after it (`key`): it answers at that pause, if at all.
            Action::Yes if self.pauses_reported && self.typed_character => false,
            Action::Confirm | Action::Yes | Action::Back => self.held.is_some(),
            _ => false,
        }
    }

    /// The status line while a job's result is taken in.
    pub fn say_loading_result(&mut self) {
        self.say(self.text.result_loading);
    }

    /// What to say on standard error once the terminal is given back, and the exit status, when the screen was
    /// left while a job ran: stopped, it ends as a command Ctrl-C stopped (`cli::interrupt`), with 128 + SIGINT
    /// and the work named as rolled back; finished first, it was kept, and canbao ends as usual. In both languages
    /// (English only under `--lang en`), as the command line speaks.
    pub fn left_job_said(&self) -> Option<(String, i32)> {
        use super::jobs::LeftJob;
        let left = self.left_job?;
        let said = |t: &Text| match left {
            LeftJob::Stopped(kind) if kind.ends_with_the_process() => fill(t.left_job_rolled_back, &[&t.job(kind)]),
            LeftJob::Stopped(kind) => fill(t.left_job_files_removed, &[&t.job(kind)]),
            LeftJob::Finished(kind) => fill(t.left_job_kept, &[&t.job(kind)]),
        };
        let en = said(Text::for_language(Language::En));
        let text = match self.lang {
            Language::En => en,
            _ => format!("{} ({en})", said(Text::for_language(Language::Zh))),
        };
        let status = match left {
            LeftJob::Stopped(_) => super::terminal::CTRL_C_STATUS,
            LeftJob::Finished(_) => 0,
        };
        Some((text, status))
    }

    /// "N 人" for a count of pupils, in the UI language.
    pub fn pupils(&self, n: usize) -> String {
        if n == 1 && self.lang == Language::En {
            return "1 pupil".to_owned();
        }
        fill(self.text.n_pupils, &[&n])
    }
}

/// Whether the drive file lies in a folder named `backups` (as `Store::backup_dir` names the folder backups go
/// to): a backup opened as a drive, most likely by someone who wanted to look into it.
fn in_backups_folder(path: &std::path::Path) -> bool {
    crate::store::backup::backup_copy(path).is_some()
}

/// Drops a roster taken off screen on a thread of its own: half a million rows, each with its categories and
/// key offsets, take longer to free than a frame lasts. A small one is dropped here.
fn drop_elsewhere(old: RosterData) {
    if old.len() < 10_000 {
        return drop(old);
    }
    // Should no thread start, the roster is dropped with the closure that failed to start, here.
    let _ = std::thread::Builder::new().name("roster-drop".into()).spawn(move || drop(old));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Ctrl-c long after the warning is not the hurried second one: it warns again, and only one soon after quits.
    #[test]
    fn a_ctrl_c_long_after_the_warning_warns_again() {
        let store = Store::open_in_memory().expect("store");
        let options = Options { operator: Some("测试".into()), ..Options::default() };
        let mut app = App::new(store, &options).expect("app");
        app.update(Action::Resize(80, 24));
        assert!(matches!(app.modal, Some(Modal::Welcome)), "an empty drive opens on the welcome");
        app.update(Action::Quit);
        assert!(!app.quit && app.quit_warning().is_some(), "a dialog is open");
        if let Some((at, _)) = &mut app.quit_warning {
            *at = Instant::now().checked_sub(QUIT_AGAIN * 2).expect("an instant in the past");
        }
        app.update(Action::Quit);
        assert!(!app.quit && app.quit_warning().is_some(), "warned again");
        app.update(Action::Quit);
        assert!(app.quit);
    }

    /// A window reading the drive as an immutable file (a user who may not write beside it: SQLite then takes
    /// the file never to change) sees its owner's later saves: once the file has changed and stopped changing it
    /// is opened again, the roster read again and the status line says so. Before, the window showed the drive
    /// as it was when opened until closed.
    #[test]
    fn an_immutable_reader_opens_the_drive_again_once_its_owner_saved() {
        use crate::store::{Change, Payment};
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("school.db");
        crate::demo::load_sample(&mut Store::open(&path).expect("drive")).expect("sample");
        let store = Store::open_immutable(&path).expect("read");
        assert!(store.is_immutable());
        let options = Options { operator: Some("测试".into()), ..Options::default() };
        let mut app = App::new(store, &options).expect("app");
        app.update(Action::Resize(100, 30));
        let unpaid = |app: &App| {
            let pupils = app.store.students(&Default::default()).expect("pupils");
            pupils.into_iter().find(|s| s.payment == crate::domain::student::PaymentStatus::Unpaid).expect("unpaid")
        };
        let pupil = unpaid(&app);
        app.update(Action::Tick);
        assert!(app.status.is_none(), "nothing changed: {:?}", app.status);
        let paid = Payment::Paid { amount_fen: Some(38_000), paid_on: None, channel: None };
        let mut owner = Store::open(&path).expect("owner");
        owner.apply_changes("mark", &[(pupil.id, vec![Change::Payment(paid)])], Default::default()).expect("mark");
        drop(owner);
        for _ in 0..3 {
            app.update(Action::Tick);
        }
        let said = app.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
        assert_eq!(said, app.text.drive_reopened);
        assert_eq!(app.store.student(pupil.id).expect("pupil").payment, crate::domain::student::PaymentStatus::Paid);
        let row = app.data.index_of(pupil.id).expect("row");
        assert_eq!(app.data.rows[row].payment, crate::domain::student::PaymentStatus::Paid, "the roster shows it");
        // Said once: the drive read again is followed from there.
        app.status = None;
        app.update(Action::Tick);
        assert!(app.status.is_none(), "{:?}", app.status);
    }
}
