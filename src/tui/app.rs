//! The app's state and `update`, the one place it changes. Drawing (`views`) only reads what is here.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

use super::action::Action;
use super::dashboard::Dashboard;
use super::due;
use super::input::LineInput;
use super::jobs::Jobs;
use super::keymap::{Context, Keymap};
use super::layout;
use super::modal::Modal;
use super::roster::{Filters, RosterData, Search};
use super::text::{Text, fill};
use super::theme::Theme;
use super::undo::UndoStack;
use super::{Language, Options};
use crate::domain::policy::{EnrollPlace, Policy, Quote};
use crate::domain::student::Student;
use crate::store::{AuditEntry, Store};

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
    /// The pupil's categories that the policy does not enroll at school, with where they enroll instead and
    /// the clause saying so.
    pub away: Vec<(String, EnrollPlace, String)>,
}

/// The line above the footer: what just happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

pub struct App {
    pub store: Store,
    pub lang: Language,
    pub text: &'static Text,
    pub theme: Theme,
    pub keymap: Keymap,
    pub policy: Option<Policy>,
    pub data: RosterData,
    /// School names, for the title bar.
    pub schools: Vec<String>,
    pub search: Search,
    pub search_input: LineInput,
    /// The search line has the keyboard.
    pub searching: bool,
    pub filters: Filters,
    /// Row indexes shown, in display order.
    pub shown: Vec<u32>,
    /// Index into `shown`.
    pub cursor: usize,
    /// First index of `shown` on screen.
    pub offset: usize,
    /// Pupils marked for a bulk change.
    pub marked: HashSet<i64>,
    pub screen: Screen,
    pub modal: Option<Modal>,
    pub detail: Option<Detail>,
    pub dashboard: Option<Dashboard>,
    /// When the drive was last backed up (RFC 3339), read when the dashboard is counted.
    pub last_backup: Option<String>,
    pub dashboard_offset: usize,
    pub undo: UndoStack,
    pub status: Option<Status>,
    /// Full ID numbers on screen.
    pub reveal: bool,
    pub quit: bool,
    /// Terminal size (columns, rows).
    pub size: (u16, u16),
    pub jobs: Jobs,
    /// When the last tick arrived: progress is drawn from it, so drawing never reads the clock.
    pub now: Instant,
    /// Where `policies/`, `keymap.toml` and `themes/` of the operator's own live.
    pub config_dir: Option<PathBuf>,
    /// The file's `data_version` when the roster was read, for a read-only instance to see the writer's saves.
    data_version: Option<i64>,
    /// The open file is the demo or the sample school (meta `demo`), not a real drive: the title bar says so.
    pub demo: bool,
    /// The lock on the sample school's own file, once the welcome screen's sample has opened it.
    pub sample_lock: Option<crate::store::lock::DriveLock>,
}

impl App {
    /// Loads the roster and decides what the first screen asks (operator name, sample school).
    pub fn new(mut store: Store, options: &Options) -> Result<App, Box<dyn std::error::Error>> {
        let theme = Theme::load(options.theme.as_deref(), options.config_dir.as_deref())?;
        let keymap = Keymap::load(options.config_dir.as_deref())?;
        if let Some(op) = options.operator.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            store.set_operator(op)?;
        }
        let (policy, policy_error) = due::drive_policy(&store, options.config_dir.as_deref());
        // Read before the roster, so a save during the load is seen as a change at the next tick.
        let data_version = store.data_version().ok();
        let data = RosterData::load(&store)?;
        let demo = crate::demo::is_demo(&store);
        let text = Text::for_language(options.lang);
        let mut app = App {
            store,
            lang: options.lang,
            text,
            theme,
            keymap,
            policy,
            data,
            schools: Vec::new(),
            search: Search::default(),
            search_input: LineInput::default(),
            searching: false,
            filters: Filters::default(),
            shown: Vec::new(),
            cursor: 0,
            offset: 0,
            marked: HashSet::new(),
            screen: Screen::Roster,
            modal: None,
            detail: None,
            dashboard: None,
            last_backup: None,
            dashboard_offset: 0,
            undo: UndoStack::default(),
            status: policy_error.map(|e| Status { text: e, error: true }),
            reveal: false,
            quit: false,
            size: (layout::MIN_WIDTH, layout::MIN_HEIGHT),
            jobs: Jobs::default(),
            now: Instant::now(),
            config_dir: options.config_dir.clone(),
            data_version,
            demo,
            sample_lock: None,
        };
        app.schools = app.store.schools()?;
        app.refilter();
        if !app.policy_covers_today()
            && let Some(p) = &app.policy
        {
            let text = fill(app.text.policy_out_of_date, &[&p.title, &app.store.today()]);
            app.say(text);
        }
        if app.store.operator().is_empty() {
            app.modal = Some(Modal::Operator(LineInput::default()));
        } else if app.data.is_empty() && !app.store.is_read_only() {
            app.modal = Some(Modal::Welcome);
        }
        Ok(app)
    }

    /// Which keymap context a key is looked up in.
    pub fn context(&self) -> Context {
        match &self.modal {
            Some(m) => m.context(),
            None if self.searching => Context::Input,
            None => match self.screen {
                Screen::Roster => Context::Roster,
                Screen::Detail => Context::Detail,
                Screen::Dashboard => Context::Dashboard,
            },
        }
    }

    /// The pupil under the cursor.
    pub fn selected_id(&self) -> Option<i64> {
        self.shown.get(self.cursor).map(|&i| self.data.rows[i as usize].id)
    }

    pub fn say(&mut self, text: impl Into<String>) {
        self.status = Some(Status { text: text.into(), error: false });
    }

    pub fn fail(&mut self, text: impl Into<String>) {
        self.status = Some(Status { text: text.into(), error: true });
    }

    /// Applies one action. Everything the app does starts here.
    pub fn update(&mut self, action: Action) {
        match action {
            Action::Resize(w, h) => {
                self.size = (w, h);
                self.keep_cursor_visible();
                return;
            }
            Action::Tick => {
                self.now = Instant::now();
                self.follow_writer();
                return;
            }
            Action::JobDone(outcome) => {
                self.job_done(*outcome);
                return;
            }
            _ => {}
        }
        // While the window is too small nothing is drawn but the notice: no key may change what cannot be seen.
        if layout::too_small(layout::area(self.size)) {
            if matches!(action, Action::Quit) {
                self.quit = true;
            }
            return;
        }
        if self.modal.is_some() {
            self.update_modal(action);
            return;
        }
        if self.searching {
            self.update_search(action);
            return;
        }
        self.status = None;
        if self.store.is_read_only() && self.writes(&action) {
            self.fail(self.text.read_only_refused);
            return;
        }
        match (self.screen, action) {
            (_, Action::Quit) => self.quit = true,
            (_, Action::Help) => self.modal = Some(Modal::Help { offset: 0 }),
            (_, Action::Palette) => self.open_palette(),
            (Screen::Dashboard, Action::Back | Action::Dashboard) => self.screen = Screen::Roster,
            (Screen::Dashboard, Action::Up | Action::ScrollUp) => self.scroll_dashboard(-1),
            (Screen::Dashboard, Action::Down | Action::ScrollDown) => self.scroll_dashboard(1),
            (Screen::Dashboard, Action::PageUp) => self.scroll_dashboard(-(layout::page(self.size) as isize)),
            (Screen::Dashboard, Action::PageDown) => self.scroll_dashboard(layout::page(self.size) as isize),
            (Screen::Dashboard, _) => {}
            (Screen::Detail, Action::Back) => {
                self.screen = Screen::Roster;
                self.detail = None;
                self.refilter();
            }
            (Screen::Detail, Action::Up | Action::ScrollUp) => self.move_detail(-1),
            (Screen::Detail, Action::Down | Action::ScrollDown) => self.move_detail(1),
            (_, Action::Up | Action::ScrollUp) => self.move_cursor(-1),
            (_, Action::Down | Action::ScrollDown) => self.move_cursor(1),
            (_, Action::PageUp) => self.move_cursor(-(layout::page(self.size) as isize)),
            (_, Action::PageDown) => self.move_cursor(layout::page(self.size) as isize),
            (_, Action::Top) => self.move_cursor(isize::MIN / 2),
            (_, Action::Bottom) => self.move_cursor(isize::MAX / 2),
            (_, Action::Click(x, y)) => self.click(x, y),
            (_, Action::Search) => {
                self.screen = Screen::Roster;
                self.detail = None;
                self.searching = true;
                // `/` starts a new search, as in every pager: the last one's text is not added to.
                if !self.search_input.is_empty() {
                    self.search_input.clear();
                    self.run_search();
                }
            }
            (_, Action::Back) => self.back_in_roster(),
            (_, Action::OpenDetail) => self.open_detail(),
            (_, Action::Dashboard) => self.open_dashboard(),
            (_, Action::Filters) => self.modal = Some(Modal::Filters { row: 0, jump: String::new() }),
            (_, Action::ToggleSelect) => self.toggle_mark(),
            (_, Action::SelectAll) => self.mark_all_shown(),
            (_, Action::Reveal) => self.toggle_reveal(),
            (_, Action::Enrollment) => self.open_enrollment(),
            (_, Action::TogglePaid) => self.toggle_paid(),
            (_, Action::ToggleGovernment) => self.toggle_government(),
            (_, Action::Categories) => self.open_categories(),
            (_, Action::EditNote) => self.open_note(),
            (_, Action::EditIdentity) => self.open_identity(),
            (_, Action::Undo) => self.undo(),
            (_, Action::Redo) => self.redo(),
            (_, Action::Import) => self.open_import(),
            (_, Action::Export) => self.open_export(),
            _ => {}
        }
    }

    /// Whether an action would change the drive (revealing IDs writes an audit row; hiding them does not).
    /// In read-only mode these are refused before anything is attempted.
    fn writes(&self, action: &Action) -> bool {
        match action {
            Action::Enrollment
            | Action::TogglePaid
            | Action::ToggleGovernment
            | Action::Categories
            | Action::EditNote
            | Action::EditIdentity
            | Action::Undo
            | Action::Redo
            | Action::Import
            | Action::LoadSample => true,
            Action::Reveal => !self.reveal,
            _ => false,
        }
    }

    fn update_search(&mut self, action: Action) {
        match action {
            Action::Input(c) => self.search_input.insert(c),
            Action::Paste(s) => self.search_input.insert_str(&s),
            Action::Backspace => self.search_input.backspace(),
            Action::Delete => self.search_input.delete(),
            Action::ClearLine => self.search_input.clear(),
            Action::Left => self.search_input.left(),
            Action::Right => self.search_input.right(),
            Action::Top => self.search_input.home(),
            Action::Bottom => self.search_input.end(),
            Action::Up | Action::ScrollUp => return self.move_cursor(-1),
            Action::Down | Action::ScrollDown => return self.move_cursor(1),
            Action::PageUp => return self.move_cursor(-(layout::page(self.size) as isize)),
            Action::PageDown => return self.move_cursor(layout::page(self.size) as isize),
            Action::Click(x, y) => return self.click(x, y),
            Action::Confirm => {
                self.searching = false;
                return;
            }
            Action::Back => {
                self.searching = false;
                self.search_input.clear();
            }
            Action::Quit => {
                self.quit = true;
                return;
            }
            _ => return,
        }
        self.run_search();
    }

    /// Re-runs the search after the text changed: a new list, shown from its best match.
    fn run_search(&mut self) {
        self.search.update(&self.data, self.search_input.text());
        self.show_from_top();
    }

    /// Rebuilds the shown rows for a new search or filter, with the cursor on the first (best) row: the
    /// highlight is where the eye goes, never left at a position the new list gives to another pupil.
    pub fn show_from_top(&mut self) {
        self.rebuild_shown();
        self.cursor = 0;
        self.offset = 0;
    }

    /// Rebuilds the shown rows from the search hits and the filters, keeping the cursor on the same pupil
    /// where it still shows, else at the same position.
    pub fn refilter(&mut self) {
        let keep = self.selected_id();
        self.rebuild_shown();
        if let Some(id) = keep
            && let Some(index) = self.data.index_of(id)
            && let Some(pos) = self.shown.iter().position(|&i| i as usize == index)
        {
            self.cursor = pos;
        }
        self.cursor = self.cursor.min(self.shown.len().saturating_sub(1));
        self.keep_cursor_visible();
    }

    /// The rows the search and the filters leave, in display order.
    fn rebuild_shown(&mut self) {
        let rows = &self.data.rows;
        self.shown = match self.search.hits() {
            Some(hits) if self.filters.is_empty() => hits.to_vec(),
            Some(hits) => hits.iter().copied().filter(|&i| self.filters.matches(&rows[i as usize])).collect(),
            None if self.filters.is_empty() => (0..rows.len() as u32).collect(),
            None => (0..rows.len() as u32).filter(|&i| self.filters.matches(&rows[i as usize])).collect(),
        };
    }

    fn back_in_roster(&mut self) {
        if !self.search_input.is_empty() {
            self.search_input.clear();
            self.run_search();
        } else if !self.marked.is_empty() {
            self.marked.clear();
        } else if !self.filters.is_empty() {
            self.filters = Filters::default();
            self.show_from_top();
        }
    }

    pub fn move_cursor(&mut self, by: isize) {
        if self.shown.is_empty() {
            return;
        }
        let last = self.shown.len() as isize - 1;
        self.cursor = (self.cursor as isize).saturating_add(by).clamp(0, last) as usize;
        self.keep_cursor_visible();
    }

    pub fn keep_cursor_visible(&mut self) {
        let page = layout::page(self.size).max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + page {
            self.offset = self.cursor + 1 - page;
        }
        // After a resize or a narrower result, don't leave empty rows below the last pupil.
        self.offset = self.offset.min(self.shown.len().saturating_sub(page));
    }

    fn click(&mut self, x: u16, y: u16) {
        if self.screen != Screen::Roster {
            return;
        }
        let areas = layout::roster(layout::area(self.size));
        let body = areas.body;
        if x < body.x || x >= body.x + body.width || y < body.y || y >= body.y + body.height {
            return;
        }
        let index = self.offset + (y - body.y) as usize;
        if index >= self.shown.len() {
            return;
        }
        if index == self.cursor {
            // A second click on the selected row opens it, like a double click.
            self.open_detail();
        } else {
            self.cursor = index;
        }
    }

    fn toggle_mark(&mut self) {
        if let Some(id) = self.selected_id() {
            if !self.marked.remove(&id) {
                self.marked.insert(id);
            }
            self.move_cursor(1);
        }
    }

    fn mark_all_shown(&mut self) {
        let ids: Vec<i64> = self.shown.iter().map(|&i| self.data.rows[i as usize].id).collect();
        if !ids.is_empty() && ids.iter().all(|id| self.marked.contains(id)) {
            self.marked.clear();
        } else {
            self.marked.extend(ids);
        }
    }

    fn toggle_reveal(&mut self) {
        if self.reveal {
            self.reveal = false;
            return;
        }
        let pupil = if self.screen == Screen::Detail { self.detail.as_ref().map(|d| d.student.id) } else { None };
        match self.store.record_reveal(pupil) {
            Ok(()) => {
                self.reveal = true;
                self.say(self.text.revealed);
                self.reload_detail();
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    pub fn open_detail(&mut self) {
        if self.selected_id().is_some() {
            self.screen = Screen::Detail;
            self.reload_detail();
        }
    }

    fn move_detail(&mut self, by: isize) {
        self.move_cursor(by);
        self.reload_detail();
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
                let quote = self.policy.as_ref().map(|p| due::quote_for(p, &student, today, self.lang == Language::En));
                let away = match &self.policy {
                    Some(p) => student
                        .categories
                        .iter()
                        .filter_map(|c| p.rule(&c.name).map(|r| (c.name.clone(), r.enroll, r.clause.clone())))
                        .filter(|(_, place, _)| place.away_from_school())
                        .collect(),
                    None => Vec::new(),
                };
                self.detail = Some(Detail { student, history, quote, away });
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    fn open_dashboard(&mut self) {
        self.screen = Screen::Dashboard;
        self.dashboard_offset = 0;
        self.recount();
    }

    /// Counts the dashboard again when it is on screen.
    pub fn recount(&mut self) {
        if self.screen == Screen::Dashboard {
            let mut dashboard = Dashboard::count(&self.data, self.policy.as_ref());
            dashboard.days = self.store.daily_progress().unwrap_or_default();
            self.dashboard = Some(dashboard);
            self.last_backup = self.store.last_backup().ok().flatten();
        }
    }

    fn scroll_dashboard(&mut self, by: isize) {
        let classes = self.dashboard.as_ref().map_or(0, |d| d.classes.len());
        let max = classes.saturating_sub(layout::dashboard_class_rows(self.size)) as isize;
        self.dashboard_offset = (self.dashboard_offset as isize).saturating_add(by).clamp(0, max.max(0)) as usize;
    }

    /// Takes a freshly loaded roster (after an import), keeping search, filters and the selected pupil.
    /// Whether idle ticks should check for the writer's saves: only a read-only instance sees another
    /// process change the file (a writer holds the drive alone, and reloads after its own imports).
    pub fn follows_writer(&self) -> bool {
        self.store.is_read_only()
    }

    /// In a read-only instance, reloads the roster (and the open pupil) once the writer has saved something,
    /// keeping the search, the filters and the selected pupil.
    fn follow_writer(&mut self) {
        if !self.follows_writer() {
            return;
        }
        let Ok(version) = self.store.data_version() else { return };
        if self.data_version == Some(version) {
            return;
        }
        match RosterData::load(&self.store) {
            Ok(data) => {
                self.data_version = Some(version);
                self.replace_data(data);
                self.reload_detail();
                self.say(self.text.writer_changes_loaded);
            }
            Err(e) => self.fail(e.to_string()),
        }
    }

    pub fn replace_data(&mut self, data: RosterData) {
        let keep = self.selected_id();
        // The class and category filters are indexes into this roster's lists, which a new roster numbers afresh
        // (a class the writer adds shifts those after it): they are carried over by name, and dropped with it.
        let class = self.filters.class.and_then(|c| self.data.classes.get(c as usize).cloned());
        let category = self.filters.category.and_then(|c| self.data.category_names.get(c as usize).cloned());
        self.data = data;
        self.filters.class =
            class.and_then(|label| self.data.classes.iter().position(|c| *c == label)).map(|i| i as u32);
        self.filters.category =
            category.and_then(|name| self.data.category_names.iter().position(|c| *c == name)).map(|i| i as u16);
        self.schools = self.store.schools().unwrap_or_default();
        self.search.reset();
        self.search.update(&self.data, self.search_input.text());
        self.marked.retain(|id| self.data.index_of(*id).is_some());
        self.shown.clear();
        self.refilter();
        if let Some(index) = keep.and_then(|id| self.data.index_of(id)) {
            match self.shown.iter().position(|&i| i as usize == index) {
                Some(pos) => self.cursor = pos,
                // The pupil on the detail screen no longer passes the search or the filters (the writer's save
                // in a read-only instance): it stays in the list, as after a change made here, until leaving
                // the screen refilters, rather than the screen jumping to whoever took its place.
                None if self.screen == Screen::Detail => {
                    self.cursor = self.cursor.min(self.shown.len());
                    self.shown.insert(self.cursor, index as u32);
                }
                None => {}
            }
            self.keep_cursor_visible();
        }
        self.recount();
    }

    /// The drive file, when there is one a worker thread can open.
    pub fn db_path(&self) -> Option<PathBuf> {
        self.store.path().map(PathBuf::from)
    }

    /// "N 人" for a count of pupils, in the UI language.
    pub fn pupils(&self, n: usize) -> String {
        fill(self.text.n_pupils, &[&n])
    }
}
