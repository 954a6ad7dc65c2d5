//! The event loop: terminal events become actions (through the keymap), actions go to `App::update`, and the
//! screen is drawn when something changed. Generic over the ratatui backend, so tests run it on `TestBackend`.

use std::error::Error;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::Backend;

use super::action::Action;
use super::app::App;
use super::jobs::LeftJob;
use super::keymap::{Context, Key};
use super::modal::Modal;
use super::views;

/// How long the keys rest before what was saved is copied from the `-wal` into the drive file.
const SETTLE_PAUSE_MS: u64 = 250;

/// How long the keys rest before keys typed into the wrong window (see `App::typed_astray`) act again, and before a
/// key that waits for a pause (`App::hold_until_pause`) acts: longer than the gap between two letters of a word
/// typed, shorter than a look at the screen.
const ASTRAY_PAUSE_MS: u64 = 500;

/// How long after a question is drawn Enter and `y` are not taken as its answer: no one reads a question
/// faster, so such a key was meant for what was on screen before it (a hurried Enter in the chooser).
const QUESTION_GUARD_MS: u64 = 300;

/// Keys (or a paste) this close together came in one burst (`App::key_in_burst`): a paste's keys, or keys sent
/// by a program, come within a millisecond or two; a person's, even typed fast, tens of milliseconds apart.
pub const BURST_MS: u64 = 30;

/// The last key or paste the loop read, while no pause has followed it. From its time, the next key is of the
/// same burst (`BURST_MS`) or the same run of typing (`ASTRAY_PAUSE_MS`): one clock, two thresholds.
struct LastKey {
    at: Instant,
    /// Another event was already waiting behind it, come in the same read (the rest of a paste sent as keys).
    queued_behind: bool,
    /// It was Esc: no letter of text typed astray but the operator looking (`App::deliberate`), so the key after
    /// it starts a run of its own (Esc then `q` quits, where the `q` took the Esc back). A burst goes on through
    /// it all the same: no hand presses Esc and a key within milliseconds.
    esc: bool,
}

impl LastKey {
    /// The next key or paste is of the same burst (`App::key_in_burst`).
    fn burst_goes_on(&self) -> bool {
        self.queued_behind || self.at.elapsed() < Duration::from_millis(BURST_MS)
    }

    /// The next key comes in the same run of keys, with no pause between (`App::key_in_run`): a key that waits
    /// for a pause must not come in the middle of one either.
    fn run_goes_on(&self) -> bool {
        !self.esc && self.at.elapsed() < Duration::from_millis(ASTRAY_PAUSE_MS)
    }
}

/// Where terminal events come from: the real terminal, or a script in tests.
pub trait EventSource {
    /// The next event, or `None` when `timeout` passes first.
    fn next(&mut self, timeout: Duration) -> std::io::Result<Option<Event>>;

    /// Whether another event is already waiting, come in the same read as the last (the rest of a paste sent as
    /// keys): it is then part of the same burst, however long the last one took to act on.
    fn more_waiting(&mut self) -> bool {
        false
    }
}

/// Events from the terminal crossterm is attached to.
pub struct TerminalEvents;

impl EventSource for TerminalEvents {
    fn next(&mut self, timeout: Duration) -> std::io::Result<Option<Event>> {
        if !event::poll(timeout)? {
            return Ok(None);
        }
        let event = event::read()?;
        // Ctrl-z stops canbao as a job of the shell; back with `fg`, the screen is drawn whole again (`REDRAW`).
        if let Event::Key(k) = &event
            && k.kind == KeyEventKind::Press
            && k.code == KeyCode::Char('z')
            && k.modifiers.contains(KeyModifiers::CONTROL)
            && super::terminal::suspend()?
        {
            return Ok(Some(REDRAW));
        }
        Ok(Some(event))
    }

    fn more_waiting(&mut self) -> bool {
        event::poll(Duration::ZERO).unwrap_or(false)
    }
}

/// What the event source gives after the terminal was handed back and taken over again (Ctrl-z, `fg`): the
/// screen is drawn whole, as what the terminal shows is no longer what was last drawn. canbao asks no terminal
/// for focus reports, so none sends this itself.
pub const REDRAW: Event = Event::FocusGained;

/// The action an event stands for in the app's current context, if any.
pub fn translate(app: &App, event: Event) -> Option<Action> {
    match event {
        // Windows reports releases too, and some terminals repeats: only a press is a keystroke.
        Event::Key(k) if k.kind == KeyEventKind::Press => {
            let key = Key::from_event(&k);
            // Only the 「窗口太小」 notice is drawn: the one thing a key does is quit, as it does in a big window (never
            // the q a dialog or a text field takes for itself), where the notice says it does.
            if app.too_small() {
                let quits = matches!(app.keymap.action(app.context(), key), Some(Action::Quit));
                return quits.then_some(Action::Quit);
            }
            let context = app.context();
            if context == Context::Input
                && !key.ctrl
                && !key.alt
                && let KeyCode::Char(c) = key.code
            {
                return Some(Action::Input(c));
            }
            // A character a chooser or a screen has no key for is still passed on, as typed: a run of them is text
            // meant for another window (a shell command), which must not be taken as ticks, shortcuts and an Enter.
            // So is one typed while a key waits for the pause after it (the welcome's `1` of `echo 1x`).
            // So is one typed at a message (a report, 「导出完成」): it closes the message, and `/` and `?` then act
            // as on the screen (`App::key_after_message`), where they did nothing at all.
            let typed_into =
                matches!(context, Context::Picker | Context::Roster | Context::Detail | Context::Dashboard)
                    || matches!(app.modal, Some(Modal::Message(_)))
                    || app.waits_for_pause();
            // A character typed at a yes/no question that is not one of its own keys (y, h, l) is text, even one
            // the dialogs bind elsewhere (the welcome's `1` and `i`, `j` and `k`): it closes the question
            // unanswered (`App::update_confirm`), where it was swallowed and the Enter after it answered.
            let question_text = matches!(app.modal, Some(Modal::Confirm(_)))
                && !key.ctrl
                && !key.alt
                && !app
                    .keymap
                    .action(context, key)
                    .as_ref()
                    .and_then(Action::name)
                    .is_some_and(|n| app.answers_question(n));
            if question_text && let KeyCode::Char(c) = key.code {
                return Some(Action::Input(c));
            }
            // `o` takes a tax list as another school's only where one is on screen to take (`App::takes_other_school`).
            let action = app
                .keymap
                .action(context, key)
                .filter(|a| !matches!(a, Action::OtherSchool) || app.takes_other_school());
            match action {
                None if typed_into && !key.ctrl && !key.alt => match key.code {
                    KeyCode::Char(c) => Some(Action::Input(c)),
                    _ => None,
                },
                action => action,
            }
        }
        Event::Paste(text) => Some(Action::Paste(text)),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::Mouse(m) => match m.kind {
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click(m.column, m.row)),
            MouseEventKind::ScrollUp => Some(Action::ScrollUp),
            MouseEventKind::ScrollDown => Some(Action::ScrollDown),
            _ => None,
        },
        _ => None,
    }
}

/// Runs until the app quits.
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut impl EventSource,
) -> Result<(), Box<dyn Error>>
where
    B::Error: 'static,
{
    app.report_pauses();
    let size = terminal.size()?;
    app.update(Action::Resize(size.width, size.height));
    let mut dirty = true;
    // The question or job's preview on screen (`App::guarded_dialog`), and when a question was first drawn.
    let mut shown: Option<String> = None;
    let mut asked_at: Option<Instant> = None;
    // The job results the screen has drawn (`App::results_shown`).
    let mut results_drawn = app.results_shown();
    // The last key or paste, while no pause has followed it: the next one is of the same burst or the same run.
    let mut last: Option<LastKey> = None;
    // A signal (SIGTERM, SIGHUP) ends the loop as `q` does: the caller gives the terminal back.
    while !app.quit && !super::terminal::stop_requested() {
        if dirty {
            // A new question (a big selection's takes seconds to prepare), or a preview a job opened: keys typed
            // before it shows were meant for the screen before it, and must not answer it, or be typed into its
            // field, unseen.
            let guarded = app.guarded_dialog();
            let new_dialog = guarded.is_some() && guarded != shown;
            shown = guarded;
            // A job's result (a report, or the roster it changed): keys waiting now were typed while the progress
            // dialog showed or while the result was taken in, never at the result; an Esc among them would close
            // the report unseen, and a letter would mark a pupil on the roster it changed.
            let new_result = app.results_shown() != results_drawn;
            results_drawn = app.results_shown();
            if new_dialog || new_result {
                let ignored = drain(app, events)?;
                if app.quit {
                    break;
                }
                app.keys_ignored(ignored);
                if new_dialog {
                    app.guarded_dialog_drawn();
                }
            }
            terminal.draw(|frame| views::draw(frame, app))?;
            dirty = false;
            if new_dialog {
                asked_at = Some(Instant::now());
            }
        }
        while let Some(outcome) = app.jobs.poll() {
            update(terminal, app, Action::JobDone(Box::new(outcome)))?;
            dirty = true;
        }
        if dirty {
            continue;
        }
        // While a job runs, wake up often enough to move its progress bar.
        let busy = app.jobs.running().is_some();
        // A save waits in the `-wal` for a pause in the keys, then goes into the drive file itself: a checkpoint
        // syncs the file (about 15 ms), too slow to run after every key. Not while a job runs: its own
        // connection copies what it wrote before it ends, on the worker.
        let settle = app.log_pending() && !busy;
        let idle = !app.waits_for_pause() && !busy && !settle && !app.follows_writer();
        let timeout = Duration::from_millis(if app.waits_for_pause() {
            ASTRAY_PAUSE_MS
        } else if busy {
            100
        } else if settle {
            SETTLE_PAUSE_MS
        } else {
            1000
        });
        // A Ctrl-c's warning that a second one quits holds `QUIT_AGAIN`: the loop wakes when it runs out, to take
        // it off the screen, where it stayed until the next key and asked for a Ctrl-c that no longer quit.
        let warning_left = app.quit_warning_left();
        let timeout = match warning_left {
            Some(left) if idle || left < timeout => left,
            _ => timeout,
        };
        let waits_out_warning = warning_left == Some(timeout);
        let event = events.next(timeout)?;
        if event.is_none() && app.quit_warning_over(waits_out_warning) {
            dirty = true;
        }
        if event == Some(REDRAW) {
            // A window resized while canbao was stopped sent its resize to the shell, not to canbao: the size is
            // read again, or the cursor's page and the too-small check would follow the old window.
            terminal.clear()?;
            let size = terminal.size()?;
            app.update(Action::Resize(size.width, size.height));
            dirty = true;
            continue;
        }
        if event.is_none() {
            last = None;
        }
        if event.is_none() && app.waits_for_pause() {
            app.typing_paused();
            dirty = true;
        }
        match event {
            Some(event) => {
                let key = match &event {
                    Event::Key(k) if k.kind == KeyEventKind::Press => Some(*k),
                    _ => None,
                };
                if key.is_some() || matches!(event, Event::Paste(_)) {
                    app.key_in_burst(last.as_ref().is_some_and(LastKey::burst_goes_on));
                    if let Some(k) = key {
                        app.key_in_run(last.as_ref().is_some_and(LastKey::run_goes_on));
                        let plain = !k.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
                        app.key_is_character(plain && matches!(k.code, KeyCode::Char(_)));
                    }
                    last = Some(LastKey {
                        at: Instant::now(),
                        queued_behind: events.more_waiting(),
                        esc: key.is_some_and(|k| k.code == KeyCode::Esc),
                    });
                }
                if let Some(action) = translate(app, event) {
                    // Questions only: a preview is long, and an Enter on it comes after reading it.
                    let early = asked_at.is_some_and(|at| at.elapsed() < Duration::from_millis(QUESTION_GUARD_MS));
                    if early && app.question().is_some() && matches!(action, Action::Confirm | Action::Yes) {
                        app.keys_ignored(1);
                    } else {
                        update(terminal, app, action)?;
                    }
                    dirty = true;
                }
            }
            // Idle in a read-only instance: a tick a second, to pick up what the writer saves.
            None if busy || app.follows_writer() => {
                app.update(Action::Tick);
                dirty = true;
            }
            // Tried again at each pause while a reader (a read-only window mid-read) holds saves back.
            None if settle => app.settle_log(),
            None => {}
        }
    }
    stop_job_before_leaving(terminal, app, events)
}

/// The screen is left while a job runs (a second Ctrl-c at the question whether to stop it, a signal): the job is
/// stopped and waited for, so its one transaction is rolled back (or committed, had it finished first) and a file
/// half-written is removed before the terminal is given back, where the process ending cut it off mid-way and
/// left a form's hidden folder or a half-copied backup behind. A restore, which cannot stop, is waited for to its
/// end. A second signal still ends the process at once. So does a Ctrl-c while a job that writes only the drive
/// rolls back (a big import's takes a while): the operator who will not wait gets the terminal back at once, and
/// the job's transaction, never committed, goes with the process, leaving the drive as it was before the job.
fn stop_job_before_leaving<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut impl EventSource,
) -> Result<(), Box<dyn Error>>
where
    B::Error: 'static,
{
    let Some((kind, _)) = app.jobs.running() else { return Ok(()) };
    app.jobs.stop();
    let leaves_now = kind.ends_with_the_process();
    let said = if leaves_now { app.text.stopping_to_quit_now } else { app.text.stopping_to_quit };
    app.say(super::text::fill(said, &[&app.text.job(kind)]));
    terminal.draw(|frame| views::draw(frame, app))?;
    let outcome = loop {
        // A key is looked for first: Ctrl-c leaves even when the job ends in the same moment.
        if leaves_now {
            match events.next(Duration::from_millis(50))? {
                Some(Event::Key(k))
                    if k.kind == KeyEventKind::Press
                        && k.code == KeyCode::Char('c')
                        && k.modifiers.contains(KeyModifiers::CONTROL) =>
                {
                    app.left_job = Some(LeftJob::Stopped(kind));
                    return Ok(());
                }
                // Back from Ctrl-z (`fg`): the notice is drawn again over what the shell left.
                Some(REDRAW) => {
                    terminal.clear()?;
                    terminal.draw(|frame| views::draw(frame, app))?;
                }
                _ => {}
            }
        }
        if let Some(ended) = app.jobs.wait_up_to(Duration::from_millis(if leaves_now { 0 } else { 50 })) {
            break ended;
        }
    };
    app.jobs.finished();
    // A worker that ended without an outcome committed nothing either.
    let kept = outcome.as_ref().is_some_and(|o| !o.changed_nothing());
    app.left_job = Some(if kept { LeftJob::Finished(kind) } else { LeftJob::Stopped(kind) });
    if let Some(outcome) = outcome {
        outcome.discard();
    }
    Ok(())
}

/// Gives the action to the app. One that puts a job's result on screen is first said on the status line and
/// drawn: taking the result in reads no key meanwhile, and the operator is told the keys wait.
fn update<B: Backend>(terminal: &mut Terminal<B>, app: &mut App, action: Action) -> Result<(), Box<dyn Error>>
where
    B::Error: 'static,
{
    if app.shows_result(&action) && !app.too_small() {
        app.say_loading_result();
        terminal.draw(|frame| views::draw(frame, app))?;
    }
    app.update(action);
    Ok(())
}

/// Reads the events already waiting: the window's size is taken, Ctrl-c quits, keys and clicks are dropped.
/// Returns how many keys were dropped.
fn drain(app: &mut App, events: &mut impl EventSource) -> Result<usize, Box<dyn Error>> {
    let mut ignored = 0;
    while let Some(event) = events.next(Duration::ZERO)? {
        match translate(app, event) {
            Some(action @ (Action::Resize(..) | Action::Quit)) => app.update(action),
            Some(_) => ignored += 1,
            None => {}
        }
        if app.quit {
            break;
        }
    }
    Ok(ignored)
}
