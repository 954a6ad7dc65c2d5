//! Where the drive is and how a command opens it: for reading, for writing (with the one-writer lock), and the
//! operator's name for the audit log.

use std::path::{Path, PathBuf};

use super::{Cli, CmdResult, UserError, passphrase};
use crate::store::lock::DriveLock;
use crate::store::{Store, StoreError};
use crate::words::shell_path;

pub fn default_db_path() -> PathBuf {
    if let Some(p) = std::env::var_os("CANBAO_DB").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    data_dir().join("canbao.db")
}

/// The folder for drive files. On Windows the local (not roaming) application data: a domain-managed school PC
/// syncs the roaming profile, and the pupils' data must stay on this machine. Elsewhere both are the same.
pub fn data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "canbao")
        .map(|d| d.data_local_dir().to_owned())
        .unwrap_or_else(|| PathBuf::from("."))
}

pub fn config_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "canbao").map(|d| d.config_dir().to_owned())
}

/// This laptop's installation of canbao, which the drive's remembered operator is checked against
/// (`Store::on_installation`); `None` where there is no config folder. Its id is kept in the config folder that
/// stays on the computer: on Windows the local one, not the roaming one a domain's profile carries to every PC
/// the user logs on to (two laptops of one working group, logged on as one user, would be one laptop); elsewhere
/// the config folder itself.
pub fn installation() -> Option<crate::installation::Installation> {
    directories::ProjectDirs::from("", "", "canbao")
        .map(|d| crate::installation::Installation::in_folder(d.config_local_dir()))
}

/// Who works on `store` in this run: the name the drive remembers only where it was typed on this laptop, and
/// `--operator` (or `CANBAO_OPERATOR`) over it, remembered as typed here by a run that changes the drive
/// (`remember`). A run that only reads uses it for itself: it writes nothing, and the changes made later (a
/// command without `--operator`, the screen) are not recorded under a name given to a mere `find`.
pub(super) fn as_operator(cli: &Cli, store: &mut Store, remember: bool) -> crate::store::Result<()> {
    if let Some(installation) = installation() {
        store.on_installation(installation)?;
    }
    match operator_from(cli) {
        Some(op) if remember => store.set_operator(&op),
        Some(op) => {
            store.use_operator(&op);
            Ok(())
        }
        None => Ok(()),
    }
}

pub(super) fn operator_from(cli: &Cli) -> Option<String> {
    cli.operator
        .clone()
        .or_else(|| std::env::var("CANBAO_OPERATOR").ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

pub(super) fn drive_path(cli: &Cli) -> PathBuf {
    cli.db.clone().unwrap_or_else(default_db_path)
}

pub(super) fn open_store(cli: &Cli) -> Result<Store, UserError> {
    open_store_then(cli, Store::open_keyed, false, true)
}

/// [`open_store`] for a run that changes nothing: `--operator` is this run's name only (see [`as_operator`]).
fn open_store_to_read(cli: &Cli) -> Result<Store, UserError> {
    open_store_then(cli, Store::open_keyed, false, false)
}

/// [`open_store`] for the screen, which writes an older drive's search keys again on its worker after its first
/// frame (`Store::open_keyed_for_screen`).
pub(super) fn open_store_for_screen(cli: &Cli) -> Result<Store, UserError> {
    open_store_then(cli, Store::open_keyed_for_screen, false, true)
}

/// Opens the drive by `open`, or read-only with `--read-only` or `read_only`; `--operator` is remembered by a run
/// that changes the drive (`remember`).
fn open_store_then(
    cli: &Cli,
    open: fn(&Path, Option<&crate::store::Passphrase>) -> crate::store::Result<Store>,
    read_only: bool,
    remember: bool,
) -> Result<Store, UserError> {
    let path = drive_path(cli);
    crate::store::lock::check_single_name(&path)?;
    let key = passphrase::for_drive(&path)?;
    // Before SQLite opens it, so the `-wal` and `-shm` it makes take the narrowed mode. The screen says it on its
    // status line instead (`run_tui_with`), where stderr would be drawn over.
    if cli.command.is_some()
        && let Some((bilingual, en)) = tighten_shared_drive(&path)
    {
        eprintln!("{}", super::pick(&bilingual, &en));
    }
    let mut store = if cli.read_only || read_only {
        match Store::open_read_only_keyed(&path, key.as_ref()) {
            // A drive another canbao is making, or one whose making was cut short, is not a damaged one; one
            // that is no longer in the making was finished meanwhile, and is read as it is now.
            Err(StoreError::NotADatabase { .. }) => {
                match crate::store::not_made_yet(&path, key.as_ref(), || command(cli, "stats")) {
                    Some(unmade) => return Err(unmade.into()),
                    None => Store::open_read_only_keyed(&path, key.as_ref())?,
                }
            }
            opened => opened?,
        }
    } else {
        open(&path, key.as_ref())?
    };
    // Not for a backup a command opened read-only of itself: the note's way to upgrade is to open it without
    // --read-only, which was not given (the backup's own note says how to go on from it: a restore).
    if cli.read_only {
        warn_if_older_read_only(&store, &path);
    }
    // Part of opening: a full disk here has saved nothing, whatever the command.
    as_operator(cli, &mut store, remember).map_err(|e| crate::store::while_opening(e, &path, false))?;
    // Before `--year`, whose refusal of a later year says the command that starts it.
    store.name_in_commands(hint_drive(cli));
    if let Some(year) = cli.year {
        store.view_year(year)?;
    }
    Ok(store)
}

/// Opens the drive for a command that reads it: a path that names no file is a mistake to report, not a new
/// empty drive to report on.
pub(super) fn open_existing(cli: &Cli) -> Result<Store, UserError> {
    open_to_read(cli, false)
}

/// [`open_existing`] for a command that may write a record of what it shows or hands out (`records`: a reveal,
/// an export of whole ID numbers). A file in a `backups/` folder stays as it was: a command opens it read-only
/// where it records nothing, and where it records, in the journal mode the file has (a backup is put in
/// rollback mode). Opened as a drive is, it would be switched to WAL: its header rewritten, and a `-wal` and
/// `-shm` left beside it, by a mere `stats`.
pub(super) fn open_to_read(cli: &Cli, records: bool) -> Result<Store, UserError> {
    must_exist(cli)?;
    let path = drive_path(cli);
    // The screen (no command) says a backup in its own title, and opens it as it opens any drive.
    let backup = cli.command.is_some() && crate::store::backup::backup_copy(&path).is_some();
    // A drive in a folder that cannot be written (a write-protected stick, a read-only share) cannot be opened
    // to change, and a command that only reads it needs no change: it reads it as --read-only would, said on
    // stderr. One that records what it hands out (whole ID numbers) then says itself why it cannot.
    if !cli.read_only && path.is_file() && !crate::store::folder_writable(&path) {
        let store = open_store_then(cli, Store::open_keyed, true, false)?;
        let en = format!(
            "note: the drive's folder is read-only, so the drive is opened read-only and nothing in it changes: {}",
            path.display()
        );
        eprintln!(
            "{}",
            super::pick(
                &format!("注意：数据文件所在的文件夹是只读的，已只读打开，不做任何修改：{} ({en})", path.display()),
                &en
            )
        );
        warn_if_backup(cli, &path, Use::Read);
        return Ok(store);
    }
    let store = match (backup, records) {
        (false, _) => open_store_to_read(cli)?,
        (true, false) => open_store_then(cli, Store::open_keyed, true, false)?,
        (true, true) => open_store_then(cli, Store::open_keyed_keeping_journal, false, false)?,
    };
    warn_if_backup(cli, &path, Use::Read);
    Ok(store)
}

/// A path that names no file, for a command that can do nothing on an empty drive (`mark`, `school rename`,
/// `reconcile`, `year new`, `backup`): a mistyped `--db` is reported, not made into a new empty drive. One that
/// another canbao is making now is said to be in the making.
pub(super) fn must_exist(cli: &Cli) -> Result<(), UserError> {
    let path = drive_path(cli);
    if path.exists() {
        return Ok(());
    }
    let missing = || StoreError::Missing { path: path.display().to_string() };
    Err(crate::store::not_made_yet(&path, None, String::new).unwrap_or_else(missing).into())
}

/// [`open_writer`] for a command that can do nothing on an empty drive (see [`must_exist`]).
pub(super) fn open_writer_existing(cli: &Cli) -> Result<(Store, DriveLock), UserError> {
    must_exist(cli)?;
    open_writer(cli)
}

/// [`open_writer_existing`] for a command that says in its own words (`in_use`, given who holds the drive and since
/// when) why it cannot run while another canbao holds the drive.
pub(super) fn open_writer_existing_or(
    cli: &Cli,
    in_use: impl FnOnce(&str, &str) -> UserError,
) -> Result<(Store, DriveLock), UserError> {
    must_exist(cli)?;
    if cli.read_only {
        return Err(UserError::new(READ_ONLY_REFUSED.into()).kind("read_only"));
    }
    match DriveLock::acquire(&drive_path(cli), &operator_from(cli).unwrap_or_default()) {
        Ok(lock) => lock.keep_if(open_current_year(cli, false)),
        Err(StoreError::InUse { by, since }) => Err(in_use(&by, &since)),
        Err(e) => Err(e.into()),
    }
}

/// Opens the drive for a command that changes it: the one-writer lock first, so a second canbao is told who
/// holds the file instead of fighting over it.
pub(super) fn open_writer(cli: &Cli) -> Result<(Store, DriveLock), UserError> {
    if cli.read_only {
        return Err(UserError::new(READ_ONLY_REFUSED.into()).kind("read_only"));
    }
    lock_drive(cli)?.keep_if(open_current_year(cli, false))
}

/// The drive as a command that changes it opens it, once the lock is settled. Changes go to the current year
/// only: an earlier one is shown, never written. A preview (`preview`) writes nothing: of a backup it is told
/// what a command that reads is told.
fn open_current_year(cli: &Cli, preview: bool) -> Result<Store, UserError> {
    // A preview of a backup leaves it as it was, as a command that reads does (see `open_to_read`): its
    // transaction is rolled back, and the file is not switched to WAL either.
    // A preview changes nothing: its `--operator` is not remembered either.
    let mut store = if preview && crate::store::backup::backup_copy(&drive_path(cli)).is_some() {
        open_store_then(cli, Store::open_keyed_keeping_journal, false, false)?
    } else {
        open_store_then(cli, Store::open_keyed, false, !preview)?
    };
    if let (Some(year), Some(current)) = (store.viewed_year(), store.current_year()) {
        return Err(StoreError::PastYear { year, current }.into());
    }
    // A command that changes the drive makes a name an older canbao remembered this laptop's. Not worth a
    // refusal (a full disk, which the command's own write then says): the next command records it.
    if !preview {
        let _ = store.claim_remembered_operator();
        warn_if_no_operator_here(&store);
    }
    // A clock far behind the drive's newest change (a laptop whose BIOS battery is dead) would stamp this
    // command's changes years back, name its backups so and read the insured year wrong: refused unless the
    // operator, having checked, says so.
    if !preview
        && !cli.accept_clock
        && let Some(behind) = store.clock_behind_drive()?
    {
        return Err(clock_behind(cli, &behind));
    }
    warn_if_demo(&store);
    warn_if_backup(cli, &drive_path(cli), if preview { Use::Read } else { Use::Write });
    Ok(store)
}

/// The refusal of a change by a laptop whose clock is far `behind` the drive's newest change, in the language
/// asked for, naming --accept-clock and --read-only.
pub(super) fn clock_behind(cli: &Cli, behind: &crate::store::merge_notes::ClockAhead) -> UserError {
    let (newest, now) = (shown_instant(&behind.newest), shown_instant(&behind.now));
    let days = behind.minutes / (24 * 60);
    let command = command(cli, "--accept-clock");
    let en = format!(
        "this laptop's clock ({now}) is {days} days behind the drive's newest change ({newest}): it is probably \
         wrong (a dead BIOS battery). Changes would be stamped with the wrong date; nothing changed. Set this \
         laptop's date and time first; to change the drive anyway once checked, run again with --accept-clock: \
         {command} … (or open it with --read-only)"
    );
    let zh = format!(
        "本机时钟（{now}）比数据文件中最新的修改（{newest}）早 {days} 天：本机的日期时间多半不准（如主板电池没电），\
         修改会记上错误的日期，未做任何修改。请先改正本机的日期和时间；核对后仍要修改，请加 --accept-clock 重新运行：\
         {command} …（或加 --read-only 只读打开） ({en})"
    );
    UserError::new(super::pick(&zh, &en).to_owned())
}

/// An instant the drive holds (UTC), in Beijing time as every time is shown: `2026-12-05 15:05`.
fn shown_instant(at: &str) -> String {
    crate::store::instant::minutes_at(at, crate::store::instant::beijing())
}

/// Opens the drive for a command that may only preview (`--dry-run`): a preview writes nothing (its
/// transaction is rolled back), so a drive another canbao holds — a TUI open on it — does not stop it. SQLite
/// keeps the two connections apart; the preview says that someone else is working on the drive.
pub(super) fn open_writer_or_preview(cli: &Cli, preview: bool) -> Result<(Store, Option<DriveLock>), UserError> {
    if !preview {
        return open_writer(cli).map(|(store, lock)| (store, Some(lock)));
    }
    if cli.read_only {
        return Err(UserError::new(READ_ONLY_REFUSED.into()).kind("read_only"));
    }
    // A preview on a drive not made yet is a preview on an empty one, in memory: a dry run makes no file, no
    // folder and no lock.
    if std::fs::symlink_metadata(drive_path(cli)).is_err() {
        let mut store = Store::open_in_memory()?;
        if let Some(op) = operator_from(cli) {
            store.set_operator(&op)?;
        }
        store.name_in_commands(hint_drive(cli));
        return Ok((store, None));
    }
    let lock = match DriveLock::acquire(&drive_path(cli), &operator_from(cli).unwrap_or_default()) {
        Ok(lock) => Some(lock),
        Err(StoreError::InUse { by, since }) => {
            // In the language asked for: with `--lang en` the rest of the preview is English only.
            let en = format!("note: {by} has the drive open since {since}; the preview goes ahead and writes nothing");
            let bilingual =
                format!("注意：数据文件正被 {by} 使用（自 {since} 起）；预览照常进行，不写入任何内容 ({en})");
            eprintln!("{}", super::pick(&bilingual, &en));
            None
        }
        Err(e) => return Err(e.into()),
    };
    match lock {
        Some(lock) => lock.keep_if(open_current_year(cli, true)).map(|(store, lock)| (store, Some(lock))),
        None => Ok((open_current_year(cli, true)?, None)),
    }
}

/// A drive file a command is about to make, found missing before the command opened it, with the folders it
/// lacked (deepest first). A command that fails leaves nothing of it behind ([`NewDrive::remove_if_unused`]):
/// an empty drive would be taken later for the school's drive, and a mistyped `--db` would leave a file.
pub(super) struct NewDrive {
    path: PathBuf,
    /// Where the drive is made: `path`, or the missing file a link at `path` points to.
    made: PathBuf,
    folders: Vec<PathBuf>,
    /// Named by `--db` or `CANBAO_DB` (see [`named_drive`]).
    named: bool,
}

/// The drive the command is given, if there is none there yet: nothing at its path, not even a link. A drive
/// named on the command line (`--db`, `CANBAO_DB`) in a folder that does not exist either is refused, nothing
/// made: that is a typo far more often than a new drive (`--db typo/x.db` made the folders and a drive the
/// operator then took for theirs). The default drive of a first run gets its folders.
pub(super) fn new_drive(cli: &Cli) -> Result<Option<NewDrive>, UserError> {
    let path = drive_path(cli);
    let Some(made) = missing_file(&path) else { return Ok(None) };
    // A new drive named as a list or a document (`--db 名单.xlsx import 名单.csv`) is the list's name put where
    // the drive's goes: made, it would be a drive file that no spreadsheet opens. An existing drive so named still
    // opens (it is no new one).
    if let Some(ext) = list_like_extension(&made) {
        let drive = made.display();
        let en = format!(
            "{drive} ends in .{ext}, the name of a list or document, not of a drive file: nothing was made. --db names \
             the drive file (such as school.db); the list to import goes after import: canbao --db school.db import \
             LIST.{ext}"
        );
        return Err(UserError::new(
            super::pick(
                &format!(
                    "{drive} 以 .{ext} 结尾，是名单或文档的名字，不是数据文件的名字，未新建任何文件。--db 指定的是数据\
                     文件（如 school.db），要导入的名单写在 import 后面：canbao --db school.db import 名单.{ext} ({en})"
                ),
                &en,
            )
            .to_owned(),
        ));
    }
    let mut folders = Vec::new();
    let mut folder = made.parent();
    while let Some(dir) = folder.filter(|d| !d.as_os_str().is_empty() && std::fs::symlink_metadata(d).is_err()) {
        folders.push(dir.to_owned());
        folder = dir.parent();
    }
    let named = named_drive(cli);
    if let (true, Some(dir)) = (named, folders.first()) {
        let (dir, drive) = (dir.display(), made.display());
        let en = format!(
            "the drive's folder {dir} does not exist: nothing was made. Check --db for a typo ({drive}); to start a \
             drive in a new folder, create the folder first"
        );
        return Err(UserError::picked(
            &format!(
                "数据文件所在的文件夹不存在：{dir}，未新建任何文件。请检查 --db 是否写错（{drive}）；\
                     确要在新文件夹中新建数据文件，请先创建该文件夹 ({en})"
            ),
            &en,
        )
        .kind("drive_folder_missing"));
    }
    let dir = made.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    if folders.is_empty() && !crate::store::folder_writable(&made) {
        let (dir, drive) = (dir.display(), made.display());
        let en = format!(
            "the drive's folder {dir} is read-only: no drive can be made there ({drive}), and nothing was made; \
             choose a writable folder for the drive"
        );
        return Err(UserError::picked(
            &format!(
                "数据文件所在的文件夹是只读的：{dir}，不能在这里新建数据文件（{drive}），未新建任何文件；\
                     请为数据文件选择一个可写的文件夹 ({en})"
            ),
            &en,
        )
        .kind("drive_folder_read_only"));
    }
    Ok(Some(NewDrive { path, made, folders, named }))
}

/// The extension (lower-case) of a file name that names a class list or a document rather than a drive: a new
/// drive is never made under it.
fn list_like_extension(path: &Path) -> Option<String> {
    let ext = path.extension()?.to_string_lossy().to_lowercase();
    ["xlsx", "xls", "csv", "ods", "txt", "pdf", "docx", "doc", "xlsm", "et", "wps"]
        .contains(&ext.as_str())
        .then_some(ext)
}

/// The file a drive at `path` would be made at, if there is none: `path` itself when nothing is there, not
/// even a link; the file a link there points to (through links to links) when that is missing, so the drive
/// made through a dangling link is said to be new, at the path it gets. `None` when a file is there.
fn missing_file(path: &Path) -> Option<PathBuf> {
    let mut at = path.to_owned();
    // Links to links end somewhere; a loop of them is not a missing file.
    for _ in 0..40 {
        let Ok(meta) = std::fs::symlink_metadata(&at) else { return Some(at) };
        if !meta.file_type().is_symlink() {
            return None;
        }
        let target = std::fs::read_link(&at).ok()?;
        at = at.parent().unwrap_or(Path::new("")).join(target);
    }
    None
}

/// Whether the drive was named on the command line or by `CANBAO_DB`, rather than the default one.
pub(super) fn named_drive(cli: &Cli) -> bool {
    cli.db.is_some() || std::env::var_os("CANBAO_DB").is_some_and(|p| !p.is_empty())
}

/// The drive as a command canbao tells the operator to type must name it (`canbao --db FILE restore …`,
/// [`crate::words::canbao_command`]): this command's drive when it was given by `--db` or `CANBAO_DB`, so the
/// command typed later, in a window without `CANBAO_DB` perhaps, reaches this drive and not the default one;
/// `None` for the default drive. Every store the command line opens is given it (`Store::name_in_commands`).
pub(super) fn hint_drive(cli: &Cli) -> Option<PathBuf> {
    named_drive(cli).then(|| drive_path(cli))
}

/// A command for the operator to type about this command's drive: `canbao [--db FILE] rest` ([`hint_drive`]).
pub(super) fn command(cli: &Cli, rest: &str) -> String {
    crate::words::canbao_command(hint_drive(cli).as_deref(), rest)
}

/// Runs a command that may make the drive: refused with nothing made where [`new_drive`] refuses, said on
/// stderr (so `--json` stays JSON) once it made one, and leaving nothing behind where it failed on one it made.
/// `command` gets the store and the lock to keep while it works; a preview (`preview`) of a drive not there yet
/// reads into memory and makes nothing.
pub(super) fn on_drive_it_may_make(
    cli: &Cli,
    preview: bool,
    command: impl FnOnce(&mut Store) -> CmdResult,
) -> CmdResult {
    let new = if preview { None } else { new_drive(cli)? };
    let (mut store, lock) = match open_writer_or_preview(cli, preview) {
        Ok(opened) => opened,
        Err(e) => {
            if let Some(new) = new {
                new.remove_if_unused(None, None);
            }
            return Err(e);
        }
    };
    let result = command(&mut store);
    NewDrive::settle(new, result, store, lock)
}

impl NewDrive {
    /// Where the drive is made: the path given, or the missing file a link there points to.
    pub(super) fn made(&self) -> &Path {
        &self.made
    }

    /// Whether the drive was named by `--db` or `CANBAO_DB`, not the default one.
    pub(super) fn named(&self) -> bool {
        self.named
    }

    /// After a command that may have made the drive (`new`) ran on it: said when it made one and succeeded;
    /// when it failed, the drive it made leaves nothing behind ([`NewDrive::remove_if_unused`]).
    pub(super) fn settle(new: Option<NewDrive>, result: CmdResult, store: Store, lock: Option<DriveLock>) -> CmdResult {
        if let Some(new) = new {
            match &result {
                Ok(()) => new.said(),
                Err(_) => new.remove_if_unused(Some(store), lock),
            }
        }
        result
    }

    /// Says, on stderr, that the command made the drive: an operator who mistyped `--db` in a folder that
    /// exists learns that the pupils went into a new file, not into their drive.
    pub(super) fn said(&self) {
        let path = self.made.display();
        let (zh, en) = if self.named {
            (
                "这里原来没有数据文件；如果 --db 写错了，请删除它，用正确的 --db 重新运行",
                "none was there; if --db was mistyped, delete it and run again with the right --db",
            )
        } else {
            ("默认位置的数据文件", "the default drive")
        };
        eprintln!(
            "{}",
            super::pick(
                &format!("新建数据文件：{path}（{zh}）(new drive file: {path}: {en})"),
                &format!("new drive file: {path}: {en}")
            )
        );
    }

    /// After the command failed: the drive it made is removed with its `-wal`, `-shm` and `-journal`, its lock
    /// file (if this process made it) and the folders made for it, as long as the drive holds nothing (the
    /// failed command's transaction rolled back). Anything in it, or a file that is not what this process
    /// opened, stays. Best effort: what cannot be removed is left as it is.
    pub(super) fn remove_if_unused(self, store: Option<Store>, lock: Option<DriveLock>) {
        if let Some(store) = store {
            let ours = store.path().is_some_and(|p| p == self.path);
            if !ours || !store.holds_nothing().unwrap_or(false) {
                return;
            }
            // Closed before its files are removed.
            drop(store);
            for suffix in ["-wal", "-shm", "-journal", ""] {
                let mut name = self.made.as_os_str().to_owned();
                name.push(suffix);
                let _ = std::fs::remove_file(PathBuf::from(name));
            }
        }
        // Removed while still held (see `DriveLock::give_up`), and only when this process made it.
        if let Some(lock) = lock {
            lock.give_up();
        }
        // Only empty folders go: `remove_dir` refuses any other.
        for folder in &self.folders {
            if std::fs::remove_dir(folder).is_err() {
                break;
            }
        }
    }
}

/// Every change to the demo file says where it goes: real work kept there is easy to mistake for a drive.
/// A drive copied from another laptop remembers the name typed there, which is not this laptop's operator: with
/// no `--operator` (or `CANBAO_OPERATOR`) the changes of this command are recorded with no name, as the screen
/// would ask for one. Said, so the history's empty name is no surprise, with how to give one.
fn warn_if_no_operator_here(store: &Store) {
    let (true, Some(there)) = (store.operator().is_empty(), store.operator_elsewhere()) else { return };
    eprintln!(
        "{}",
        super::pick(
            &format!(
                "注意：此数据文件记住的操作员“{there}”是在另一台电脑上输入的，本次修改记录中没有操作员姓名；\
                 请用 --operator 姓名（或环境变量 CANBAO_OPERATOR）写明 \
                 (note: the operator this drive remembers, “{there}”, was typed on another computer: this command's \
                 changes are recorded with no name; give one with --operator NAME or CANBAO_OPERATOR)"
            ),
            &format!(
                "note: the operator this drive remembers, “{there}”, was typed on another computer: this command's \
                 changes are recorded with no name; give one with --operator NAME or CANBAO_OPERATOR"
            )
        )
    );
}

/// A drive an older canbao made, opened read-only: it cannot be brought up to this canbao's schema, so it is read
/// as the older canbao kept it (`schema::read_older`: no insured years, no receipts). Said first, with the way to
/// bring it forward, so what it lacks is no surprise.
fn warn_if_older_read_only(store: &Store, path: &Path) {
    use crate::store::schema;
    let Ok(found) = schema::user_version(store.connection()) else { return };
    let supported = schema::latest_version();
    if found >= supported {
        return;
    }
    let open = crate::words::canbao_command(Some(path), "stats");
    let en = format!(
        "note: an older canbao made this drive (schema {found}, this one is {supported}); read-only, it cannot be \
         upgraded and is read as the older canbao kept it: to upgrade it, open it once without --read-only (it is \
         backed up first), e.g. {open}, or copy it out of a read-only folder first"
    );
    eprintln!(
        "{}",
        super::pick(
            &format!(
                "注意：数据文件由较旧版本的 canbao 建立（数据版本 {found}，本程序为 {supported}），只读打开时不能升级，\
                 按旧版本保存的内容读取：要升级，请先不加 --read-only 打开一次（会先自动备份再升级），例如 {open}；\
                 文件在只读的文件夹（如写保护的 U 盘）里时，先复制到本机可写的文件夹 ({en})"
            ),
            &en
        )
    );
}

fn warn_if_demo(store: &Store) {
    if crate::demo::is_demo(store) {
        let path = store.path().map(|p| p.display().to_string()).unwrap_or_default();
        eprintln!(
            "{}",
            super::pick(
                &format!(
                    "注意：这是示例数据文件（canbao demo），不是正式数据：{path} (note: this is the demo file, not a real drive)"
                ),
                &format!("note: this is the demo file, not a real drive: {path}")
            )
        );
    }
}

/// What a command does with a drive, for [`warn_if_backup`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Use {
    Read,
    Write,
    Push,
}

/// A drive file opened from a `backups/` folder says so on stderr, as the TUI's title does (备份副本): marks
/// made in a backup by mistake never reach the drive, and what is read there is the data as it was when the
/// backup was taken. Said, not refused: looking into a backup, or working in one on purpose, is allowed.
/// Never on stdout, so `--json` stays JSON. The TUI (no command) says it in its own title and status line.
pub(super) fn warn_if_backup(cli: &Cli, path: &Path, how: Use) {
    if cli.command.is_some() {
        warn_of_backup(path, how);
    }
}

/// [`warn_if_backup`] for a drive given otherwise than by `--db` (`push FILE.db`).
pub(super) fn warn_of_backup(path: &Path, how: Use) {
    if let Some(copy) = crate::store::backup::backup_copy(path) {
        let (zh, en) = backup_warning(path, &copy, how);
        eprintln!("{}", super::pick(&format!("{zh}\n({en})"), &en));
    }
}

/// The warning of [`warn_if_backup`], in Chinese and in English: what the file is, what that means for this
/// command, and the way to the drive itself (by `--db`, or by a restore to go on from the backup).
fn backup_warning(path: &Path, copy: &crate::store::backup::BackupCopy, how: Use) -> (String, String) {
    let backup = path.display();
    let folder = copy.folder.display();
    // A file not named as a backup, or whose drive is no longer beside the folder: the folder, and a name to
    // fill in.
    // The drive's path as a command takes it: quoted where a shell would split it.
    let (drive_zh, drive_en, arg_zh, arg_en) = match &copy.drive {
        Some(drive) => {
            let d = drive.display().to_string();
            let arg = shell_path(drive);
            (format!("原数据文件（{d}）"), format!("the original drive {d}"), arg.clone(), arg)
        }
        None => (
            format!("原数据文件（在 {folder} 中）"),
            format!("the original drive (in {folder})"),
            shell_path(&copy.folder.join("数据文件.db")),
            shell_path(&copy.folder.join("DRIVE.db")),
        ),
    };
    let head_zh = format!("注意：这是备份副本（{backup}），不是工作中的数据文件");
    let head_en = format!("note: this is a backup copy ({backup}), not the working drive");
    let backup_arg = shell_path(path);
    let restore_zh = format!("要改用这份备份继续工作，请先恢复它：canbao --db {arg_zh} restore {backup_arg}");
    let restore_en = format!("to go on from this backup, restore it first: canbao --db {arg_en} restore {backup_arg}");
    match how {
        Use::Write => (
            format!(
                "{head_zh}：在这里的修改只留在这份备份中，不会进入{drive_zh}。\
                 要修改原数据文件，请用 --db {arg_zh}；{restore_zh}"
            ),
            format!(
                "{head_en}: changes made here stay in this copy, not in {drive_en}. \
                 To change the drive, use --db {arg_en}; {restore_en}"
            ),
        ),
        Use::Read => (
            format!(
                "{head_zh}：这里是备份时的数据，{drive_zh}可能已有之后的修改。\
                 要看原数据文件，请用 --db {arg_zh}；{restore_zh}"
            ),
            format!(
                "{head_en}: it holds the data as it was when the backup was taken; {drive_en} may have changed \
                 since. To read the drive, use --db {arg_en}; {restore_en}"
            ),
        ),
        Use::Push => (
            format!(
                "{head_zh}：上传的是备份时的数据，{drive_zh}可能已有之后的修改。\
                 要上传原数据文件，请用 canbao push {arg_zh}"
            ),
            format!(
                "{head_en}: what is pushed is the data as it was when the backup was taken; {drive_en} may have \
                 changed since. To push the drive, use canbao push {arg_en}"
            ),
        ),
    }
}

/// Records that full ID numbers are about to be shown (`--reveal`), before they are: exposure is audited like
/// the TUI's `r`. A read-only session cannot record it, so it cannot reveal either.
pub(super) fn record_reveal(cli: &Cli, store: &mut Store, scope: &str, pupils: &[i64]) -> CmdResult {
    if cli.read_only || store.is_read_only() {
        return Err(UserError::new(
            "只读模式下不能显示完整身份证号码：显示会记入修改记录 \
             (read-only: revealing full ID numbers is recorded in the audit log, which needs a write)"
                .into(),
        )
        .kind("reveal_read_only"));
    }
    // A find opens the drive to read, which says nothing of the operator: the reveal it records is a change
    // like a mark's, and its empty name is said as a mark's is.
    warn_if_no_operator_here(store);
    store.record_reveal_in(scope, pupils)?;
    Ok(())
}

/// What a command that only reads records in the drive's history: a reveal of whole ID numbers, or an export of
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Recorded {
    Reveal,
    /// An export; `true` for a form that has a masked copy (`--mask`: the sheet, the class lists).
    Export(bool),
}

/// The drive's lock, for a command that opened the drive to read and records what it shows or hands out
/// (`find --reveal`, `check --reveal`, `year leavers --reveal`, an export with whole ID numbers): taken before
/// the record is written (and, for an export, before any file is), so the record never races the writes of a
/// window that holds the drive. Held by another canbao: nothing is shown, written or recorded, and the operator
/// is told where to do it instead.
pub(super) fn lock_to_record(cli: &Cli, what: Recorded) -> Result<DriveLock, UserError> {
    match DriveLock::acquire(&drive_path(cli), &operator_from(cli).unwrap_or_default()) {
        Ok(lock) => Ok(lock),
        Err(StoreError::InUse { by, since }) => {
            let (zh, en) = match what {
                Recorded::Reveal => (
                    "显示完整身份证号码要记入修改记录，未显示：请在那个窗口里按 r 显示，或关闭它后重试；不加 --reveal 则显示打码的号码",
                    "showing whole ID numbers is recorded in the drive's history, so none was shown: press r in that \
                     window, or close it and retry; without --reveal the numbers are shown masked",
                ),
                Recorded::Export(maskable) => (
                    if maskable {
                        "导出含完整身份证号码的表格要记入修改记录，未导出任何文件：请在那个窗口里导出，或关闭它后重试；或加 --mask 导出打码的副本"
                    } else {
                        "导出含完整身份证号码的表格要记入修改记录，未导出任何文件：请在那个窗口里导出，或关闭它后重试"
                    },
                    if maskable {
                        "an export with whole ID numbers is recorded in the drive's history, so nothing was exported: \
                         export from that window, or close it and retry; or add --mask for a masked copy"
                    } else {
                        "an export with whole ID numbers is recorded in the drive's history, so nothing was exported: \
                         export from that window, or close it and retry"
                    },
                ),
            };
            let en = format!("the drive is in use by {by} since {since}: {en}");
            Err(UserError::picked(&format!("数据文件正被 {by} 使用（自 {since} 起）：{zh} ({en})"), &en)
                .kind("drive_in_use"))
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) const READ_ONLY_REFUSED: &str = "只读模式，不能修改 (read-only: changes are disabled)";

pub(super) fn lock_drive(cli: &Cli) -> Result<DriveLock, UserError> {
    match DriveLock::acquire(&drive_path(cli), &operator_from(cli).unwrap_or_default()) {
        Ok(lock) => Ok(lock),
        // A command that changes the drive cannot run read-only: say what to do instead.
        Err(StoreError::InUse { by, since }) => Err(UserError::new(format!(
            "数据文件正被 {by} 使用（自 {since} 起），为防止两处同时修改，此命令现在不能执行：\
             请在那个窗口里操作（它若在查看往年，先用命令面板的「切换年度」回到本年度），或关闭它后重试 \
             (the drive is in use by {by} since {since}: this command changes it, so it cannot run now; \
             do it in that window (if it shows an earlier year, switch back to this one from its palette: \
             Switch year), or close it and retry)"
        ))
        .kind("drive_in_use")),
        Err(e) => Err(e.into()),
    }
}

/// A drive others can read (copied in from a USB stick or a shared folder, which gives 0644), with its `-wal` and
/// `-shm` and the files of its backups folder: each of the user's own is narrowed to 0600, and one of another user
/// is named for its owner to narrow. What was done, said once (bilingual, English); `None` when all were private.
pub(super) fn tighten_shared_drive(path: &Path) -> Option<(String, String)> {
    use crate::private_file::{Shared, tighten_if_shared};
    // In a folder others may write to (a share set up for colleagues to read the teacher's drive), its mode is
    // taken as meant: said, not changed, where narrowing it locked the colleague out of a share made on purpose.
    if crate::private_file::others_may_write_in(path.parent().unwrap_or(Path::new(".")))
        && let Some(mode) = crate::private_file::readable_by_others(path)
    {
        let shown = path.display();
        let en = format!(
            "note: the drive {shown} holds the pupils' data and others can read it (mode {mode:04o}) in a folder \
             others may write to, left as it is as a share: unless it is shared on purpose, chmod 600 it and its \
             -wal, -shm and backups"
        );
        let zh = format!(
            "注意：数据文件 {shown} 存有学生信息，其他用户也能读（权限 {mode:04o}），它在其他用户可写的共享文件夹中，\
             未更改：若不是有意共享，请对它及其 -wal、-shm 和备份执行 chmod 600"
        );
        return Some((format!("{zh} ({en})"), en));
    }
    let backups = crate::store::backup::backup_dir_of(path);
    let mut files: Vec<PathBuf> = vec![path.to_owned(), sidecar(path, "-wal"), sidecar(path, "-shm")];
    if let Ok(entries) = std::fs::read_dir(&backups) {
        files.extend(entries.flatten().map(|e| e.path()));
    }
    let (mut tightened, mut foreign, mut refused) = (None, None, None);
    for (file, shared) in files.iter().filter_map(|f| tighten_if_shared(f).map(|s| (f, s))) {
        let slot = match shared {
            Shared::Tightened { mode } => (&mut tightened, mode),
            Shared::NotOwned { mode } => (&mut foreign, mode),
            Shared::Refused { mode } => (&mut refused, mode),
        };
        slot.0.get_or_insert((file.clone(), slot.1));
    }
    if tightened.is_some() && backups.is_dir() {
        crate::private_file::restrict_dir(&backups);
    }
    let shown = path.display();
    if let Some((file, mode)) = foreign.or(refused) {
        let file = file.display();
        let en = format!(
            "note: {file} holds the pupils' data and others can read it (mode {mode:04o}), and canbao could not \
             change that: the file's owner should chmod 600 it and its -wal, -shm and backups"
        );
        let zh = format!(
            "注意：{file} 存有学生信息，其他用户也能读（权限 {mode:04o}），canbao 无法更改：请文件的主人对它及其 \
             -wal、-shm 和备份执行 chmod 600"
        );
        return Some((format!("{zh} ({en})"), en));
    }
    let (_, mode) = tightened?;
    let en = format!(
        "note: the drive {shown} could be read by others (mode {mode:04o}, as a copy from a USB stick or a shared \
         folder is): it and its -wal, -shm and backups are now readable by you only (0600)"
    );
    let zh = format!(
        "注意：数据文件 {shown} 其他用户也能读（权限 {mode:04o}，从 U 盘或共享文件夹复制来的文件常是这样）：\
         已把它及其 -wal、-shm 和备份改为只有本人可读写（0600）"
    );
    Some((format!("{zh} ({en})"), en))
}

/// `<drive>-wal` and the like, beside the drive.
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
