//! The TUI's way in: the drive (asking before making a new one, offering read-only when it is in use) or the
//! demo school.

use super::open::{data_dir, drive_path, new_drive, open_existing, open_store, open_store_for_screen, operator_from};
use super::{Cli, CmdResult, Lang, UserError, config_dir};
use crate::store::lock::DriveLock;
use crate::store::{Store, StoreError};

/// `canbao` without a command: the TUI on the drive. A damaged drive is offered its newest backup at a terminal, as
/// `restore` puts it back (the damaged file kept aside as `<drive>-已损坏-<time>.db`), and the screen then opens on
/// it; anywhere else, or answered no, the refusal names the command that restores it.
pub(super) fn open(cli: &Cli) -> CmdResult {
    match open_drive(cli) {
        Err(e) if e.said.kind == "drive_damaged" && !cli.read_only => match offer_restore(cli)? {
            true => open_drive(cli),
            false => Err(e),
        },
        ended => ended,
    }
}

/// At a terminal, asks whether to put the damaged drive's newest backup back, and does so on yes (`restore`,
/// which says what it did). No backup, or no terminal: no.
fn offer_restore(cli: &Cli) -> Result<bool, UserError> {
    use std::io::IsTerminal;
    let drive = drive_path(cli);
    let Some(backup) = crate::store::backup::newest_named_backup(&drive) else { return Ok(false) };
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Ok(false);
    }
    let shown = backup.display();
    let command = super::open::command(cli, &format!("restore {}", crate::words::shell_path(&backup)));
    eprintln!(
        "{}",
        super::pick(
            &format!(
                "数据文件已损坏：{d}。可以用最新的备份 {shown} 恢复（损坏的文件会改名保留），与 {command} 相同 \
                 (the drive file is damaged: {d}. Its newest backup {shown} can be put back, the damaged file kept \
                 aside, as {command} does)",
                d = drive.display()
            ),
            &format!(
                "the drive file is damaged: {}. Its newest backup {shown} can be put back, the damaged file kept \
                 aside, as {command} does",
                drive.display()
            ),
        )
    );
    eprint!("{}", super::pick("用这个备份恢复？(restore this backup?) [y/N] ", "restore this backup? [y/N] "));
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if !matches!(answer.trim(), "y" | "Y" | "yes" | "是") {
        return Ok(false);
    }
    super::drive_file::restore(cli, &backup, (false, false), false)?;
    Ok(true)
}

fn open_drive(cli: &Cli) -> CmdResult {
    if cli.read_only {
        return run_tui(cli, open_existing(cli)?, None);
    }
    confirm_new_drive(cli)?;
    // The TUI writes: it holds the lock for as long as it runs, and takes the daily backup.
    let mut lock = match DriveLock::acquire(&drive_path(cli), &operator_from(cli).unwrap_or_default()) {
        Ok(lock) => lock,
        Err(in_use @ StoreError::InUse { .. }) => {
            // Never two writers: the second canbao may look, not change.
            let read_only = Cli { read_only: true, ..cli.clone() };
            if cli.year.is_some() {
                // An earlier year (`--year`) is only ever shown: there is nothing to ask.
                let store = open_store(&read_only)?;
                if store.viewed_year().is_some() {
                    return run_tui(&read_only, store, None);
                }
            }
            if offer_read_only(&in_use, &super::open::command(cli, "--read-only"))? {
                return run_tui_for_another_window(&read_only, open_store(&read_only)?);
            }
            return Err(in_use.into());
        }
        // A drive on a write-protected stick or a read-only share: looked at read-only if the operator says so,
        // as a drive in use is, where the screen only said to start again with --read-only.
        Err(e @ StoreError::FolderReadOnly { .. }) => return read_only_if_asked(cli, e.into()),
        Err(e) => return Err(e.into()),
    };
    // A command refused while this window holds the drive (`backup`) names the window and what to do in it.
    lock.held_by_window(crate::store::lock::this_terminal().as_deref());
    // The daily backup is written before an earlier year (`--year`) makes the store read-only. An older drive's
    // search keys are written again by the screen's worker after its first frame; an earlier year, read-only,
    // has no worker that writes, and gets them at the open as the commands do.
    let opened = match cli.year {
        None => open_store_for_screen(cli),
        Some(_) => open_store(&Cli { year: None, ..cli.clone() }),
    };
    // The drive file itself read-only (or the folder, found only as SQLite opens it): offered read-only too.
    let (mut store, mut lock) = match lock.keep_if(opened) {
        Err(e) if matches!(e.said.kind, "drive_folder_read_only" | "drive_read_only") => {
            return read_only_if_asked(cli, e);
        }
        opened => opened?,
    };
    // A clock far behind the drive's newest change would stamp the screen's marks and its daily backup years
    // back: refused as a command's change is, before anything is written; at a terminal, read-only is offered.
    if !cli.accept_clock
        && let Some(behind) = store.clock_behind_drive()?
    {
        let refusal = super::open::clock_behind(cli, &behind);
        drop((store, lock));
        return read_only_if_asked(cli, refusal);
    }
    // The screen changes the drive: a name an older canbao remembered becomes this laptop's. Not worth failing
    // the start over (a full disk, which the screen says in its own way): the next session records it.
    let _ = store.claim_remembered_operator();
    // Without --operator, the name the drive remembers from this laptop (typed into the TUI last time) explains
    // the lock.
    if operator_from(cli).is_none() {
        lock.name_holder(store.operator());
    }
    store.backup_if_due()?;
    if let Some(year) = cli.year {
        store.view_year(year)?;
    }
    // Held by the screen: a name typed at the first run is written into it.
    run_tui(cli, store, Some(lock))
}

/// `canbao demo`: the TUI on a fresh copy of the bundled sample school. While another window runs the demo, it is
/// offered read-only, as a drive in use is (`--read-only` asks for that at once): the demo as that window has it,
/// never made afresh under it.
pub(super) fn demo(cli: &Cli) -> CmdResult {
    let path = cli.db.clone().unwrap_or_else(|| data_dir().join("demo.db"));
    let looking = Cli { read_only: true, db: Some(path.clone()), ..cli.clone() };
    if cli.read_only {
        return run_tui(&looking, open_existing(&looking)?, None);
    }
    let mut lock = match DriveLock::acquire(&path, &operator_from(cli).unwrap_or_default()) {
        Ok(lock) => lock,
        Err(in_use @ StoreError::InUse { .. }) => {
            // The demo's own path only when it was given: `canbao demo` finds the default one itself.
            let again = crate::words::canbao_command(cli.db.as_deref(), "demo --read-only");
            if offer_read_only(&in_use, &again)? {
                return run_tui_for_another_window(&looking, open_existing(&looking)?);
            }
            return Err(read_only_by(&in_use, &again));
        }
        Err(e) => return Err(e.into()),
    };
    lock.held_by_window(crate::store::lock::this_terminal().as_deref());
    let (store, kept) = crate::demo::fresh_demo(&path)?;
    if let Some(kept) = kept {
        let kept = kept.display();
        eprintln!(
            "{}",
            super::pick(
                &format!(
                    "示例文件中有创建后的修改，已另存为 {kept}（不会被自动清理）\
                     (the demo file held later changes: kept as this copy, never pruned)"
                ),
                &format!("the demo file held later changes: kept as {kept}, never pruned")
            )
        );
    }
    let mut store = store;
    if let Some(op) = operator_from(cli) {
        store.set_operator(&op)?;
    }
    // The name the title shows (the demo's own, 演示, without --operator) is the one another canbao is told.
    lock.name_holder(store.operator());
    run_tui(cli, store, Some(lock))
}

/// A drive named on the command line (or by `CANBAO_DB`) that does not exist may be a mistyped path: the TUI
/// asks before creating an empty drive there, naming where it would be made (through a link to a missing file,
/// the file the link points to). The default drive of a first run is created without asking. A drive that
/// cannot be made (its named folder missing, a read-only folder) is refused as the commands refuse it
/// ([`new_drive`]), before anything is asked.
fn confirm_new_drive(cli: &Cli) -> CmdResult {
    use std::io::IsTerminal;
    let Some(new) = new_drive(cli)? else { return Ok(()) };
    if !new.named() {
        return Ok(());
    }
    let (given, made) = (drive_path(cli), new.made());
    let missing = if made == given {
        StoreError::Missing { path: made.display().to_string() }.to_string()
    } else {
        let (made, given) = (made.display(), given.display());
        format!(
            "数据文件不存在：{made}（{given} 是指向它的链接） (no such drive file: {made}, which the link {given} points to)"
        )
    };
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(UserError::new(missing));
    }
    eprintln!("{missing}");
    eprint!("新建一个空的数据文件？(create a new, empty drive here?) [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "是") {
        Ok(())
    } else {
        Err(UserError::new("未新建数据文件 (no drive was created)".into()))
    }
}

/// A drive in use, and the command (`again`) that opens it read-only.
fn read_only_by(in_use: &StoreError, again: &str) -> UserError {
    let en = crate::words::in_language(&in_use.to_string(), crate::words::Language::En).into_owned();
    UserError::new(format!("{in_use}；只读打开请运行 {again} ({en}; to open it read-only, run {again})"))
}

/// Asks, at a terminal, whether to open a drive in use read-only. Anywhere else the answer is no, and the
/// error names the command that opens it read-only (`again`).
fn offer_read_only(in_use: &StoreError, again: &str) -> Result<bool, UserError> {
    use std::io::IsTerminal;
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Err(read_only_by(in_use, again));
    }
    let in_use = in_use.to_string();
    ask_read_only(super::pick(&in_use, &crate::words::in_language(&in_use, crate::words::Language::En)))
}

/// Asks, at a terminal, whether to open read-only a drive this laptop may not change now (`refusal`, said
/// first). Anywhere else the answer is no.
fn offer_read_only_after(refusal: &UserError) -> Result<bool, UserError> {
    use std::io::IsTerminal;
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Ok(false);
    }
    ask_read_only(refusal.message())
}

/// The screen on the drive read-only, if the operator says yes at the terminal to the question after `refusal`
/// (why this window may not change the drive); else the refusal.
fn read_only_if_asked(cli: &Cli, refusal: UserError) -> CmdResult {
    if offer_read_only_after(&refusal)? {
        let read_only = Cli { read_only: true, ..cli.clone() };
        return run_tui(&read_only, open_store(&read_only)?, None);
    }
    Err(refusal)
}

/// Says why the drive cannot be changed now (`said`) and asks at the terminal whether to look at it read-only.
fn ask_read_only(said: &str) -> Result<bool, UserError> {
    eprintln!("{said}");
    eprint!("{}", super::pick("以只读方式打开？(open read-only?) [y/N] ", "open read-only? [y/N] "));
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "是"))
}

/// The screen opened read-only because another window writes the drive: it may take over once that one closes.
fn run_tui_for_another_window(cli: &Cli, store: Store) -> CmdResult {
    run_tui_with(cli, store, None, true)
}

fn run_tui(cli: &Cli, store: Store, lock: Option<DriveLock>) -> CmdResult {
    run_tui_with(cli, store, lock, false)
}

fn run_tui_with(cli: &Cli, store: Store, lock: Option<DriveLock>, read_only_for_another_window: bool) -> CmdResult {
    use std::io::IsTerminal;
    // Started from a launcher or a script, the screen has nothing to draw on: the system only says "no such
    // device or address".
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        let (stats, import) = (store.command("stats"), store.command("import 名单.xlsx"));
        return Err(UserError::new(format!(
            "没有终端：canbao 的操作界面需要在终端窗口中运行；在脚本中请用命令，如 {stats}、{import} \
             (no terminal: run canbao in a terminal window, or use a command such as `{stats}`)"
        )));
    }
    let options = screen_options(cli, &store, read_only_for_another_window);
    crate::tui::run(store, options, lock).map_err(|e| UserError::new(e.to_string()).about(e.as_ref()))
}

/// How the screen is started on `store`: the language, theme and operator asked for, and what opening the drive
/// did that the operator must hear of (a drive others could read narrowed to its owner, `tighten_shared_drive`),
/// for the status line to say, as stderr would be drawn over.
fn screen_options(cli: &Cli, store: &Store, read_only_for_another_window: bool) -> crate::tui::Options {
    crate::tui::Options {
        lang: match cli.lang {
            Some(Lang::En) => crate::tui::Language::En,
            _ => crate::tui::Language::Zh,
        },
        theme: cli.theme.clone(),
        operator: operator_from(cli),
        config_dir: config_dir(),
        read_only_for_another_window,
        accept_clock: cli.accept_clock,
        said_at_opening: store.path().and_then(super::open::tighten_shared_drive).map(|(bilingual, _)| bilingual),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A drive others could read (a copy from a USB stick, mode 0644) opened on the screen is narrowed to its
    /// owner (0600), and the status line of the first screen says so, as the command line says it on stderr,
    /// which the screen would draw over.
    #[cfg(unix)]
    #[test]
    fn a_drive_others_could_read_is_narrowed_and_said_on_the_status_line() {
        use clap::Parser;
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let drive = dir.path().join("school.db");
        crate::demo::load_sample(&mut Store::open(&drive).expect("drive")).expect("sample");
        std::fs::set_permissions(&drive, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let path = drive.to_str().expect("utf-8");
        let cli = Cli::try_parse_from(["canbao", "--db", path, "--operator", "测试"]).expect("cli");
        let store = Store::open(&drive).expect("drive");
        let options = screen_options(&cli, &store, false);
        let mode = std::fs::metadata(&drive).expect("drive").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "narrowed to the owner");
        let mut app = crate::tui::App::new(store, &options).expect("app");
        app.update(crate::tui::Action::Resize(200, 30));
        let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(200, 30)).expect("terminal");
        terminal.draw(|f| crate::tui::views::draw(f, &app)).expect("draw");
        let rows = crate::tui::test_support::rows(terminal.backend().buffer());
        let said = rows.iter().find(|r| r.contains("其他用户也能读"));
        assert!(said.is_some_and(|r| r.contains("注意：数据文件")), "{rows:#?}");
    }
}
