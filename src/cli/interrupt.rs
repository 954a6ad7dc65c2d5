//! Ctrl-C (SIGINT) or SIGTERM while a command does its work (an import, a merge, a reconciliation, an export,
//! a backup, a restore): the signal only raises a flag, the store's statements stop on it (`Store::stop_when`)
//! and the work's transaction rolls back, or the file it was writing is removed, and the command says what became
//! of its work, where the process used to die without a word. A signal that comes too late to stop anything (the
//! work was committed) is said too: the work was kept. A second signal ends the process at once, as the sender
//! insists; the transaction is rolled back all the same (SQLite's log).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::{CmdResult, pick};
use crate::store::Store;

/// The code `--json` gives an import stopped while it read a file (`ReadError::Stopped`, `failure`): what
/// [`ending`] says names the file.
pub(super) const STOPPED_READING: &str = "stopped_while_reading";

/// The flag a signal raises, for `Store::stop_when`: from now on a signal stops the work instead of the
/// process.
pub(super) fn watch() -> Arc<AtomicBool> {
    signals::watch()
}

/// The signal that stopped the work, if one did.
pub(super) fn received() -> Option<i32> {
    signals::received()
}

/// The exit status of a command a signal stopped: 128 + the signal, as a shell reports a process the signal
/// ended, so a script sees it was stopped and not refused.
pub(super) fn exit_status() -> Option<u8> {
    received().and_then(|signal| u8::try_from(128 + signal).ok())
}

/// Whether the signal was Ctrl-C (SIGINT), which the message names as the operator pressed it.
fn was_ctrl_c() -> bool {
    signals::was_ctrl_c()
}

/// What a command a signal may stop does, for what it says after one.
#[derive(Debug, Clone, Copy)]
pub(super) struct Work {
    /// Its name, in Chinese and in English: 导入 and "import".
    pub name: (&'static str, &'static str),
    pub kind: Kind,
    /// `--json`: a stopped command answers on standard output in JSON too, as it would have with its report.
    pub json: bool,
}

/// Where a command's work goes, which decides what a signal leaves of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// One transaction on the drive: kept when SQLite committed it (`Store::watch_commits`), else rolled back.
    Drive,
    /// A preview (a dry run): nothing is written, stopped or not.
    Preview,
    /// Files written under another name and given theirs only when whole (an export, a backup): kept when the
    /// command ended well, else none is left under its name.
    Files,
    /// A push: a transaction on the county's server for each file, cancelled there ([`cancel_on_signal`]). The
    /// files before the one stopped were pushed, which the command's own error says.
    Server,
    /// A restore: steps on the drive that a stop half way would leave half done, so it runs to its end and the
    /// signal is only noted (as the screen does not offer to stop one).
    ToTheEnd,
}

/// The command's work, and whether its latest transaction was committed (`Store::watch_commits`).
static WORK: Mutex<Option<(Work, Arc<AtomicBool>)>> = Mutex::new(None);

/// From now on a signal stops `work` on `store` (a restore: is only noted), and what became of it is said when
/// the command ends ([`ending`]).
pub(super) fn watch_work(store: &mut Store, work: Work) -> crate::store::Result<()> {
    let saved = Arc::new(AtomicBool::new(false));
    if let Ok(mut held) = WORK.lock() {
        *held = Some((work, Arc::clone(&saved)));
    }
    match work.kind {
        Kind::ToTheEnd => {
            watch();
            Ok(())
        }
        Kind::Drive => {
            store.watch_commits(Some(Arc::clone(&saved)))?;
            store.stop_until_saved(watch(), saved)
        }
        Kind::Preview | Kind::Files | Kind::Server => store.stop_when(watch()),
    }
}

/// While the guard is held, once a signal came, `cancel` is called every 50 ms: how work whose statements run on
/// the county's server, not in SQLite, is stopped. Again and again, as a cancel that finds the server between two
/// statements is lost.
pub(super) fn cancel_on_signal(work: Work, cancel: impl Fn() + Send + 'static) -> Cancelling {
    if let Ok(mut held) = WORK.lock() {
        *held = Some((work, Arc::new(AtomicBool::new(false))));
    }
    let stop = watch();
    let done = Arc::new(AtomicBool::new(false));
    let finished = Arc::clone(&done);
    let spawned = std::thread::Builder::new().name("cancel-on-signal".into()).spawn(move || {
        while !finished.load(Ordering::SeqCst) {
            if stop.load(Ordering::SeqCst) {
                cancel();
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    });
    // No thread to be had: a signal is still caught, and said, once the work ends on its own.
    let _ = spawned;
    Cancelling(done)
}

/// Held while work [`cancel_on_signal`] may cancel runs; dropped, nothing more is cancelled.
pub(super) struct Cancelling(Arc<AtomicBool>);

impl Drop for Cancelling {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// The work is done, saved or not: what runs after it is not stopped, and what it writes (a new drive left empty
/// and removed) is not taken for the work.
pub(super) fn work_done(store: &mut Store) -> crate::store::Result<()> {
    store.stop_no_longer()?;
    store.watch_commits(None)
}

/// How the command ends, once a signal came.
pub(super) enum Ending {
    /// No signal came, or the command watched for none: as it ended.
    AsItWas(CmdResult),
    /// The work was stopped and nothing of it is left: said as the error, with the signal's exit status.
    Stopped { message: String, status: u8 },
    /// The work came to its end before the signal could stop it: its result, and the note saying it was kept.
    Kept { result: CmdResult, note: String },
}

/// What the command's result means once a signal came: said truthfully from what became of the work (the drive's
/// own commit or rollback, the files left or not), not from when the signal came.
pub(super) fn ending(result: CmdResult) -> Ending {
    let Some(signal) = received() else { return Ending::AsItWas(result) };
    let Some((work, saved)) = WORK.lock().ok().and_then(|held| held.clone()) else {
        // A command that watches no work of its own (none yet): its error is said as the stop's.
        return Ending::AsItWas(result);
    };
    let by = if was_ctrl_c() { ("Ctrl-C", "Ctrl-C") } else { ("停止信号", "a stop signal") };
    let saved = work.kind == Kind::Drive && saved.load(Ordering::SeqCst);
    let (zh, en) = work.name;
    // Spaces set 「Ctrl-C」 apart from the Chinese around it; none is wanted around 「停止信号」 (「预览已被停止信号中止」).
    let both = |zh: String, en: String| {
        let zh = zh.replace(" 停止信号", "停止信号").replace("停止信号 ", "停止信号");
        pick(&format!("{zh} ({en})"), &en).to_owned()
    };
    match (result, work.kind) {
        (Ok(()), kind) => {
            let (note_zh, note_en) = match kind {
                Kind::Drive => (
                    format!("{} 来时{zh}已经保存：没有撤回，上面所说的都已写入数据文件", by.0),
                    format!("{} came after the {en} was saved: it was kept, as said above", by.1),
                ),
                Kind::Preview => (
                    format!("{} 来时预览已经完成：未写入任何内容", by.0),
                    format!("{} came after the preview was done: nothing was written", by.1),
                ),
                Kind::Server => (
                    format!("{} 来时{zh}已经完成：汇总数据库中保留了这次{zh}的全部内容", by.0),
                    format!("{} came after the {en} was done: the county database keeps all of it", by.1),
                ),
                Kind::Files => (
                    format!("{} 来时{zh}已经完成：文件已写好并保留", by.0),
                    format!("{} came after the {en} was done: what it wrote was kept", by.1),
                ),
                Kind::ToTheEnd => (
                    format!("收到 {}，但{zh}不能中途停下：{zh}已经完成", by.0),
                    format!("{} came during the {en}, which is not stopped half way: it was finished", by.1),
                ),
            };
            Ending::Kept { result: Ok(()), note: both(note_zh, note_en) }
        }
        (Err(e), Kind::Drive) if saved => {
            let note_zh = format!("{} 来时{zh}已经保存：没有撤回，上面的错误发生在保存之后", by.0);
            let note_en = format!("{} came after the {en} was saved: it was kept; the error above came after", by.1);
            Ending::Kept { result: Err(e), note: both(note_zh, note_en) }
        }
        (Err(e), Kind::ToTheEnd) => {
            let note_zh = format!("收到 {}，但{zh}不能中途停下：它是因上面的错误而结束的", by.0);
            let note_en =
                format!("{} came during the {en}, which is not stopped half way: the error above ended it", by.1);
            Ending::Kept { result: Err(e), note: both(note_zh, note_en) }
        }
        (Err(e), kind) => {
            // Stopped while a list was read: said with the file, as nothing of it had been kept.
            let reading = (e.said.kind == STOPPED_READING).then(|| e.said.file.clone()).flatten();
            let reading_file = reading.clone();
            let (message_zh, message_en) = match (kind, reading) {
                (Kind::Preview, Some(file)) => (
                    format!("预览已被 {} 中止：当时正在读取 {file}，未写入任何内容", by.0),
                    format!("the preview was stopped by {} while reading {file}: nothing was written", by.1),
                ),
                (_, Some(file)) => (
                    format!(
                        "{zh}已被 {} 中止：当时正在读取 {file}，这次{zh}全部撤回，数据文件中没有写入它的任何内容",
                        by.0
                    ),
                    format!(
                        "the {en} was stopped by {} while reading {file}: all of it was rolled back, and nothing of it \
                         was written to the drive",
                        by.1
                    ),
                ),
                (Kind::Preview, None) => (
                    format!("预览已被 {} 中止，未写入任何内容", by.0),
                    format!("the preview was stopped by {}: nothing was written", by.1),
                ),
                // Each file is its own transaction there: the one under way goes, those before it stay (which the
                // push's own error, below, counts when it can).
                (Kind::Server, None) => (
                    format!(
                        "{zh}已被 {} 中止：正在{zh}的文件已在汇总数据库中全部撤回，在它之前已{zh}完的文件保留",
                        by.0
                    ),
                    format!(
                        "the {en} was stopped by {}: the file under way was rolled back whole at the county, and any \
                         file pushed before it was kept",
                        by.1
                    ),
                ),
                (Kind::Files, None) => (
                    format!("{zh}已被 {} 中止：要写的文件一个也没有留下，原有的同名文件保持不变", by.0),
                    format!(
                        "the {en} was stopped by {}: none of the files it was writing was left, and any earlier file \
                         of the same name is as it was",
                        by.1
                    ),
                ),
                _ => (
                    format!("{zh}已被 {} 中止：这次{zh}全部撤回，数据文件中没有写入它的任何内容", by.0),
                    format!(
                        "the {en} was stopped by {}: all of it was rolled back, and nothing of it was written to the \
                         drive",
                        by.1
                    ),
                ),
            };
            let mut message = both(message_zh, message_en);
            if kind == Kind::Server {
                message = format!("{message}\n{}", e.message());
            }
            if work.json {
                let _ = super::output::print_answer(&StoppedJson {
                    ok: false,
                    interrupted: true,
                    signal: if signal == signals::SIGINT { "SIGINT" } else { "SIGTERM" },
                    dry_run: kind == Kind::Preview,
                    // A push's earlier files were kept: its message says which.
                    kept: (kind != Kind::Server).then_some(false),
                    rolled_back: (kind != Kind::Server).then_some(true),
                    file: reading_file.as_deref(),
                    message: &message,
                });
            }
            Ending::Stopped { message, status: exit_status().unwrap_or(1) }
        }
    }
}

/// A stopped command's answer under `--json`, where its report would have been: a script reading standard
/// output learns that nothing was kept, not merely that nothing came.
#[derive(Serialize)]
struct StoppedJson<'a> {
    /// False, as a failure's answer: the work was not done, whatever a script that tests `ok` alone reads.
    ok: bool,
    interrupted: bool,
    signal: &'static str,
    dry_run: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    kept: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    rolled_back: Option<bool>,
    /// The list being read when the signal came, if it came then.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    message: &'a str,
}

#[cfg(unix)]
mod signals {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Arc, OnceLock};

    pub use signal_hook::consts::{SIGINT, SIGTERM};

    /// The flag the store watches, and the signal received (0 for none). Registered once per process.
    static WATCHED: OnceLock<(Arc<AtomicBool>, Arc<AtomicUsize>)> = OnceLock::new();

    pub fn watch() -> Arc<AtomicBool> {
        let (stop, _) = WATCHED.get_or_init(|| {
            let stop = Arc::new(AtomicBool::new(false));
            let which = Arc::new(AtomicUsize::new(0));
            for signal in [SIGINT, SIGTERM] {
                // Registered in this order, the second signal finds `stop` already set and ends the process.
                let registered =
                    signal_hook::flag::register_conditional_shutdown(signal, 128 + signal, Arc::clone(&stop))
                        .and_then(|_| signal_hook::flag::register(signal, Arc::clone(&stop)))
                        .and_then(|_| signal_hook::flag::register_usize(signal, Arc::clone(&which), signal as usize));
                // Not registered (no more handlers to be had): the signal ends the process as before.
                let _ = registered;
            }
            (stop, which)
        });
        Arc::clone(stop)
    }

    pub fn received() -> Option<i32> {
        let signal = WATCHED.get()?.1.load(Ordering::SeqCst);
        (signal != 0).then(|| i32::try_from(signal).ok()).flatten()
    }

    pub fn was_ctrl_c() -> bool {
        received() == Some(SIGINT)
    }
}

#[cfg(not(unix))]
mod signals {
    use std::sync::Arc;
    use std::sync::atomic::AtomicBool;

    pub const SIGINT: i32 = 2;

    // Ctrl-C on Windows ends the process as before; SQLite rolls the transaction back when the drive is next
    // opened.
    pub fn watch() -> Arc<AtomicBool> {
        Arc::new(AtomicBool::new(false))
    }

    pub fn received() -> Option<i32> {
        None
    }

    pub fn was_ctrl_c() -> bool {
        false
    }
}
