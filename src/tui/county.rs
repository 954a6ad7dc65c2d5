//! `canbao --from URL`: the county's dashboard in the terminal, read-only, refreshed every few seconds so pushes
//! show up as they arrive. It reads through a function it is given and never writes anything.
//!
//! The roll-up is read on a worker thread: a county's database behind a slow link, or a server that went away
//! (a connection attempt waits up to its timeout), must not freeze the keys. The screen keeps the last figures
//! until a new read arrives.

use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender, TryRecvError, TrySendError};
use std::time::Duration;

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::views::county::{CountyScreen, draw};
use super::{Options, terminal};
use crate::county::Rollup;

/// How often the roll-up is read again.
pub const REFRESH: Duration = Duration::from_secs(5);

/// How long the screen waits for a key before it looks for a finished read.
const TICK: Duration = Duration::from_millis(100);

fn now() -> String {
    chrono::Utc::now().with_timezone(&crate::store::instant::beijing()).format("%H:%M:%S").to_string()
}

type Read = Result<Rollup, String>;

/// The insured year the screen asks for; 0: the one most pupils are collected for (the roll-up's default).
type WantedYear = Arc<AtomicI32>;

fn wanted(year: &WantedYear) -> Option<i32> {
    Some(year.load(Ordering::Relaxed)).filter(|&y| y != 0)
}

/// Reads the roll-up of the wanted year every [`REFRESH`], or at once when asked, until the screen is gone. A
/// request made while a read is under way is kept (one at most), so `r` pressed during a slow read still gets
/// a fresh one.
fn refresher(
    mut fetch: impl FnMut(Option<i32>) -> Read,
    year: WantedYear,
    asked: Receiver<()>,
    tell: mpsc::Sender<Read>,
    every: Duration,
) {
    loop {
        match asked.recv_timeout(every) {
            Ok(()) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        if tell.send(fetch(wanted(&year))).is_err() {
            return;
        }
    }
}

/// The dashboard's state between frames: what is shown, and the two ends of the worker's channels.
pub struct Dashboard {
    pub screen: CountyScreen,
    /// School lines the terminal showed at the last frame: the view scrolls no further than the last page.
    pub visible: usize,
    year: WantedYear,
    ask: SyncSender<()>,
    told: Receiver<Read>,
}

/// What a key asks of the loop.
#[derive(Debug, PartialEq, Eq)]
pub enum Flow {
    Stay,
    Quit,
}

impl Dashboard {
    /// Starts the worker that reads through `fetch` every `every` after the first figures, `first` (read for
    /// `year`, None: the roll-up's default).
    pub fn start(
        first: Rollup,
        year: Option<i32>,
        fetch: impl FnMut(Option<i32>) -> Read + Send + 'static,
        every: Duration,
        lang: super::Language,
    ) -> std::io::Result<Self> {
        let (ask, asked) = mpsc::sync_channel(1);
        let (tell, told) = mpsc::channel();
        let wanted_year: WantedYear = Arc::new(AtomicI32::new(year.unwrap_or(0)));
        let worker_year = wanted_year.clone();
        std::thread::Builder::new()
            .name("county-refresh".into())
            .spawn(move || refresher(fetch, worker_year, asked, tell, every))?;
        let screen = CountyScreen { rollup: first, refreshed: now(), error: None, offset: 0, lang, refreshing: false };
        Ok(Dashboard { screen, visible: 1, year: wanted_year, ask, told })
    }

    /// Asks the worker for a read now.
    fn refresh(&mut self) {
        match self.ask.try_send(()) {
            // Full: a read is already asked for, and it will start after the one under way.
            Ok(()) | Err(TrySendError::Full(())) => self.screen.refreshing = true,
            Err(TrySendError::Disconnected(())) => {}
        }
    }

    /// The next insured year the database holds after the one shown (after the last, the first).
    fn next_year(&mut self) {
        let r = &self.screen.rollup;
        let next = match r.year {
            Some(shown) => r.years.iter().copied().find(|&y| y > shown).or_else(|| r.years.first().copied()),
            None => r.years.first().copied(),
        };
        if let Some(year) = next.filter(|&y| Some(y) != r.year) {
            self.year.store(year, Ordering::Relaxed);
            self.screen.offset = 0;
            self.refresh();
        }
    }

    /// The first school line of the last page.
    fn last_offset(&self) -> usize {
        let r = &self.screen.rollup;
        (r.schools.len() + r.schools_in_other_years.len()).saturating_sub(self.visible.max(1))
    }

    pub fn key(&mut self, key: KeyEvent) -> Flow {
        let (last, page) = (self.last_offset(), self.visible.max(1));
        let screen = &mut self.screen;
        match key.code {
            KeyCode::Char('q') | KeyCode::Esc => return Flow::Quit,
            KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => return Flow::Quit,
            KeyCode::Up | KeyCode::Char('k') => screen.offset = screen.offset.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => screen.offset = (screen.offset + 1).min(last),
            KeyCode::PageUp => screen.offset = screen.offset.saturating_sub(page),
            KeyCode::PageDown => screen.offset = (screen.offset + page).min(last),
            KeyCode::Home => screen.offset = 0,
            KeyCode::End => screen.offset = last,
            KeyCode::Char('r') => self.refresh(),
            KeyCode::Char('y') => self.next_year(),
            _ => {}
        }
        Flow::Stay
    }

    /// Takes in every read the worker has finished; false when the worker is gone.
    pub fn take_reads(&mut self) -> bool {
        loop {
            match self.told.try_recv() {
                Ok(read) => {
                    let screen = &mut self.screen;
                    match read {
                        Ok(r) => {
                            screen.rollup = r;
                            screen.error = None;
                            screen.refreshed = now();
                        }
                        Err(e) => screen.error = Some(e),
                    }
                    screen.refreshing = false;
                    // Fewer schools than before: the view must not start past the last page.
                    self.screen.offset = self.screen.offset.min(self.last_offset());
                }
                Err(TryRecvError::Empty) => return true,
                Err(TryRecvError::Disconnected) => return false,
            }
        }
    }
}

/// Runs until the operator quits. `fetch` reads the roll-up; its first failure is returned before the terminal
/// is touched, later ones are shown while the last figures stay on screen.
pub fn run(
    mut fetch: impl FnMut(Option<i32>) -> Read + Send + 'static,
    year: Option<i32>,
    options: &Options,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut theme = super::theme::Theme::load(options.theme.as_deref(), options.config_dir.as_deref())?;
    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        theme = theme.without_colour();
    }
    let first = fetch(year)?;
    let mut dashboard = Dashboard::start(first, year, fetch, REFRESH, options.lang)?;
    terminal::install_panic_hook();
    let guard = terminal::TerminalGuard::enter()?;
    let backend = ratatui::backend::CrosstermBackend::new(std::io::stdout());
    let mut term = ratatui::Terminal::new(backend)?;
    while !terminal::stop_requested() {
        let frame = term.draw(|f| draw(f, f.area(), &dashboard.screen, &theme))?;
        dashboard.visible = super::views::county::school_rows(frame.area);
        if event::poll(TICK)?
            && let Event::Key(key) = event::read()?
            && key.kind != KeyEventKind::Release
            && dashboard.key(key) == Flow::Quit
        {
            break;
        }
        if !dashboard.take_reads() {
            dashboard.screen.error = Some("刷新已停止 (refresh stopped)".into());
        }
    }
    // The worker may be inside a slow read: it is not waited for; it ends when it finds the screen gone.
    drop(guard);
    terminal::exit_if_signalled();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::county::rollup::{Counts, SchoolLine};
    use std::sync::mpsc::Sender;

    fn rollup(schools: &[&str]) -> Rollup {
        Rollup {
            year: Some(2027),
            years: vec![2027],
            totals: Counts::default(),
            former: 0,
            schools: schools
                .iter()
                .map(|s| SchoolLine { school: (*s).to_owned(), counts: Counts::default() })
                .collect(),
            classes: None,
            enrollment: Default::default(),
            categories: Vec::new(),
            categories_to_recertify: 0,
            drives: Vec::new(),
            other_school_pupils: 0,
            schools_in_other_years: Vec::new(),
        }
    }

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    /// A dashboard whose reads the test answers one by one: each read tells `started`, then waits for `answer`.
    /// It refreshes on its own only once an hour, so only `r` starts a read here.
    fn dashboard() -> (Dashboard, Receiver<Option<i32>>, Sender<Read>) {
        let (started_tx, started) = mpsc::channel();
        let (answer, answers) = mpsc::channel::<Read>();
        let fetch = move |year: Option<i32>| {
            let _ = started_tx.send(year);
            answers.recv().unwrap_or_else(|_| Err("closed".into()))
        };
        let d = Dashboard::start(
            rollup(&["第一小学", "第二小学", "第三小学"]),
            None,
            fetch,
            Duration::from_secs(3600),
            super::super::Language::Zh,
        )
        .unwrap();
        (d, started, answer)
    }

    /// Takes in reads until one has arrived (the worker answers within moments once told to).
    fn until_read(d: &mut Dashboard) {
        for _ in 0..5000 {
            if !d.screen.refreshing {
                return;
            }
            assert!(d.take_reads());
            std::thread::sleep(Duration::from_millis(1));
        }
        panic!("no read arrived");
    }

    #[test]
    fn keys_are_answered_while_a_read_is_under_way() {
        let (mut d, started, answer) = dashboard();
        assert_eq!(d.key(press(KeyCode::Char('r'))), Flow::Stay);
        started.recv().unwrap();
        // The read hangs (a server that does not answer); the keys still move the view and nothing changes.
        assert_eq!(d.key(press(KeyCode::Down)), Flow::Stay);
        assert_eq!(d.key(press(KeyCode::Down)), Flow::Stay);
        assert!(d.take_reads());
        assert_eq!(d.screen.offset, 2);
        assert!(d.screen.refreshing);
        assert_eq!(d.screen.rollup.schools.len(), 3);
        // The read comes back with one school fewer: shown, and the view is kept on a school that exists.
        answer.send(Ok(rollup(&["第一小学", "第二小学"]))).unwrap();
        until_read(&mut d);
        assert_eq!(d.screen.rollup.schools.len(), 2);
        assert_eq!(d.screen.offset, 1);
        assert_eq!(d.screen.error, None);
    }

    #[test]
    fn a_failed_read_keeps_the_last_figures_and_the_next_one_clears_it() {
        let (mut d, started, answer) = dashboard();
        d.key(press(KeyCode::Char('r')));
        started.recv().unwrap();
        answer.send(Err("连接失败 (connection refused)".into())).unwrap();
        until_read(&mut d);
        assert_eq!(d.screen.error.as_deref(), Some("连接失败 (connection refused)"));
        assert_eq!(d.screen.rollup.schools.len(), 3);
        d.key(press(KeyCode::Char('r')));
        started.recv().unwrap();
        answer.send(Ok(rollup(&["第一小学"]))).unwrap();
        until_read(&mut d);
        assert_eq!(d.screen.error, None);
        assert_eq!(d.screen.rollup.schools.len(), 1);
    }

    #[test]
    fn refresh_pressed_many_times_during_a_read_asks_for_one_more_read() {
        let (mut d, started, answer) = dashboard();
        d.key(press(KeyCode::Char('r')));
        started.recv().unwrap();
        for _ in 0..5 {
            d.key(press(KeyCode::Char('r')));
        }
        answer.send(Ok(rollup(&["甲"]))).unwrap();
        // Exactly one more read starts after the one under way; then none until asked.
        started.recv_timeout(Duration::from_secs(10)).unwrap();
        answer.send(Ok(rollup(&["乙"]))).unwrap();
        assert!(started.recv_timeout(Duration::from_millis(200)).is_err());
        until_read(&mut d);
        while d.screen.rollup.schools[0].school != "乙" {
            assert!(d.take_reads());
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn y_shows_the_next_year_the_database_holds_and_refreshes_keep_it() {
        let (mut d, started, answer) = dashboard();
        let of_year = |year: i32| Rollup { year: Some(year), years: vec![2027, 2028], ..rollup(&["第一小学"]) };
        d.screen.rollup = of_year(2028);
        d.screen.offset = 0;
        d.key(press(KeyCode::Char('y')));
        // After the last year, the first.
        assert_eq!(started.recv().unwrap(), Some(2027));
        answer.send(Ok(of_year(2027))).unwrap();
        until_read(&mut d);
        assert_eq!(d.screen.rollup.year, Some(2027));
        // A refresh reads the year chosen, not the default.
        d.key(press(KeyCode::Char('r')));
        assert_eq!(started.recv().unwrap(), Some(2027));
        answer.send(Ok(of_year(2027))).unwrap();
        until_read(&mut d);
        d.key(press(KeyCode::Char('y')));
        assert_eq!(started.recv().unwrap(), Some(2028));
        answer.send(Ok(of_year(2028))).unwrap();
        until_read(&mut d);
        // One year only: y does nothing.
        d.screen.rollup = rollup(&["第一小学"]);
        d.key(press(KeyCode::Char('y')));
        assert!(!d.screen.refreshing);
    }

    #[test]
    fn quitting_does_not_wait_for_a_hanging_read() {
        let (mut d, started, answer) = dashboard();
        d.key(press(KeyCode::Char('r')));
        started.recv().unwrap();
        assert_eq!(d.key(press(KeyCode::Char('q'))), Flow::Quit);
        assert_eq!(d.key(press(KeyCode::Esc)), Flow::Quit);
        drop(d);
        // The worker, answered after the screen is gone, finds nobody to tell and ends.
        drop(answer);
    }
}
