//! The drive's one SQLite file: schema, queries, and the audit log every change is written to in the same
//! transaction as the change.

pub mod backup;
pub(crate) mod category_union;
mod change;
pub mod cipher;
pub mod class_rule;
mod copied_rows;
pub mod event_hash;
mod fields;
mod identity;
mod import;
pub mod instant;
pub mod lock;
pub mod made_apart;
pub mod merge;
pub mod merge_notes;
pub mod merge_renames;
pub mod merge_restored;
mod moved_up;
mod payment_history;
mod pruning;
mod read;
mod reconcile;
mod reveal;
mod roster_rows;
pub mod schema;
mod search_blocks;
mod snapshot;
mod stats;
mod writer_changes;
mod year;
mod year_changes;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use thiserror::Error;

pub use change::{Change, ChangeOptions, Outcome, Payment, Refusal, TOP_UP};
pub use cipher::Passphrase;
pub use fields::{ALL_FIELDS, AUDIT_ONLY_KEYS, Field, FieldChange, FieldDiff, yearly_key};
pub use identity::{IdentityCorrection, IdentityEdit, IdentitySnapshot};
pub use import::{
    Applied, ClassRespelled, ImportOutcome, ImportSession, Incoming, IncomingOutcome, KeptCorrection, KeyBuffers,
    ListStatus, LookAlike, Moves, PhoneFilled, RepeatGives, RowKeys, StatusNote, applied_to_empty_roster,
};
pub use moved_up::MovedUp;
pub use payment_history::ListedPayment;
pub(crate) use read::sex_from;
pub use read::{NameKeys, SheetRow, StudentFilter};
pub use reconcile::{DismissedLine, Receipt, Reconciled, Unapplied};
pub use reveal::{EXPORT_FIELD, ExportRecord};
pub use roster_rows::RosterRow;
pub use search_blocks::SearchKeys;
pub use stats::{ClassStats, DayProgress, Stats};
pub use writer_changes::{DriveEpoch, WriterChanges};
pub use year::{
    ClassMove, ClassStay, GRADUATED, GRADUATES_GRADE, LEAVERS, LEFT_GRADE, Leaver, LeaversMarked, NoLongerLeaver,
    YearReport, awaits_recertification, is_former_label, is_former_pupil, leaver_changes, left_class,
};
pub use year_changes::YearChanges;

use crate::domain::student::{CategoryMark, Enrollment, PaymentDetails, PaymentStatus, Student};

/// The meta key naming the drive's policy (a policy file's stem such as `yibin-2024`), read by the command line,
/// the screen and the demo alike.
pub const POLICY_META_KEY: &str = "policy";

/// Page cache for reading, in KiB as `PRAGMA cache_size` takes it (negative).
pub(crate) const READ_CACHE_KIB: i64 = -4_096;
/// Page cache while merging or changing the year: a merge holds two (its own file's and the temporary tables'),
/// so each stays small at county scale.
pub(crate) const IMPORT_CACHE_KIB: i64 = -16_384;
/// Page cache while importing class lists, taken only as pages are used. With `IMPORT_CACHE_KIB` a first
/// import of 100k pupils (a 53 MB drive) spilled pages to the WAL mid-way and read them back: 53,572 writes and
/// 30,885 reads by strace; with 64 MiB, 39,252 and 13,073 (what is left is the commit and the checkpoint), for
/// 82 MB of peak memory instead of 42 MB. Larger bought nothing more at that size.
pub(crate) const CLASS_LIST_CACHE_KIB: i64 = -65_536;

/// What another drive file was given for, when it turns out to be no drive: said in the refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtherFileUse {
    Merge,
    Restore,
    /// A file given to `push`, which reads drives only.
    Push,
}

impl OtherFileUse {
    /// What was not done, in Chinese and in English.
    pub fn nothing(self) -> (&'static str, &'static str) {
        match self {
            OtherFileUse::Merge => ("未合并", "nothing merged"),
            OtherFileUse::Restore => ("未恢复，当前数据未改动", "nothing restored, the data unchanged"),
            OtherFileUse::Push => ("未上报", "nothing pushed"),
        }
    }
}

/// What `StoreError::OwnExport` says: the form canbao exported, not a drive, and `canbao import` only where the
/// import reads the form back.
fn own_export_words(path: &str, form: &str, import: bool, taken_for: OtherFileUse) -> String {
    let (nothing, nothing_en) = taken_for.nothing();
    if import {
        format!(
            "这是 canbao 导出的{form}，不是数据文件，{nothing}：要导入其中的名单，请用 canbao import：{path} \
             (a form canbao exported, not a drive: {nothing_en}; to import the pupils it lists, use canbao import: \
             {path})"
        )
    } else {
        format!(
            "这是 canbao 导出的{form}，不是数据文件，{nothing}；它也不是名单，不能导入：{path} \
             (a form canbao exported, not a drive: {nothing_en}; nor is it a list to import: {path})"
        )
    }
}

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("数据库错误 (database error): {0}")]
    Sqlite(rusqlite::Error),
    /// An import's transaction asked for after `finish` took it (the session is consumed there, so only a bug
    /// in the store could ask).
    #[error("导入已经结束 (the import has already finished)")]
    ImportFinished,
    #[error("数据文件是只读的，无法保存修改；请检查文件权限或把文件复制到可写的位置 (the drive file is read-only)")]
    ReadOnly,
    #[error(
        "数据文件旁的 {path} 是只读的（数据文件本身可写），而且不属于当前用户，无法改回可写；\
         请让该文件的所有者删除它或改为可写后重试 (a read-only -wal/-shm file of another user beside the drive: {path})"
    )]
    SidecarReadOnly { path: String },
    #[error("磁盘已满，修改未保存，数据文件未受影响；请清理磁盘空间后重试 (the disk is full: nothing was saved)")]
    DiskFull,
    /// A full disk while the drive was being opened, by a command that may only read it: nothing to save, so
    /// nothing said about saving.
    #[error(
        "磁盘已满，无法打开数据文件 {path}：SQLite 读取它也要在旁边写入 -shm、-wal 文件；数据文件未受影响，\
         请清理磁盘空间后重试 (the disk is full: SQLite needs room beside the drive {path} even to read it; the drive \
         is untouched)"
    )]
    FullAtOpen { path: String },
    /// A full disk while a new drive was being made: what was made is removed again.
    #[error(
        "磁盘已满，无法新建数据文件 {path}，未留下任何文件；请清理磁盘空间后重试 \
         (the disk is full: the drive {path} could not be made, and nothing was left behind)"
    )]
    FullAtCreate { path: String },
    #[error(
        "无法创建或扩展数据文件旁的共享内存文件（-shm）：磁盘可能已满，或文件夹不可写；请清理磁盘空间或检查权限后重试 \
         (cannot create the -shm file beside the drive: the disk may be full or the folder not writable)"
    )]
    ShmUnavailable,
    #[error(
        "数据文件所在的文件夹是只读的（只读U盘、光盘或只读共享文件夹），不能打开来修改：{path}；\
         只查看请加 --read-only（canbao push 本来就只读打开），要修改请先把数据文件复制到可写的文件夹 \
         (the folder of the drive {path} is read-only: add --read-only to look at it, or copy the file to a \
         writable folder to work on it)"
    )]
    FolderReadOnly { path: String },
    #[error(
        "数据文件旁有尚未写入数据文件的修改（{path}-wal），而所在文件夹是只读的，读取这些修改需要可写的文件夹：\
         请把数据文件连同这个 -wal 文件一起复制到可写的文件夹，再打开或上传副本 \
         (the drive's unsaved log beside it, {path}-wal, needs a writable folder to be read: copy the drive together \
         with its -wal file to a writable folder, then open or push the copy)"
    )]
    UnsavedLog { path: String },
    #[error("备份文件已存在，不会覆盖：{0} (the backup file exists: {0})")]
    BackupExists(String),
    #[error("这就是正在使用的数据文件本身，不能用它恢复自己：{0} (this is the drive itself, not a backup of it: {0})")]
    RestoreOntoItself(String),
    #[error(
        "这就是正在使用的数据文件本身，不能备份到它自己，未做任何修改：请给出另一个文件名或文件夹：{0} \
         (this is the drive itself: a backup cannot be written over it; nothing changed; name another file or a \
         folder: {0})"
    )]
    BackupOntoItself(String),
    #[error(
        "数据文件正被 {by} 使用（自 {since} 起），为防止两处同时修改，本次只能只读打开 \
         (the file is in use by {by} since {since}: open it read-only)"
    )]
    InUse { by: String, since: String },
    #[error(
        "此文件由较新版本的 canbao 创建（数据版本 {found}，本程序支持到 {supported}），请升级 canbao 后再打开 \
         (this file was made by a newer canbao: schema {found}, this build supports {supported})"
    )]
    TooNew { found: i64, supported: i64 },
    #[error(
        "数据文件 {path} 有 {names} 个名称（硬链接）：通过两个名称同时修改会损坏文件，因此不打开。\
         请删除多余的名称，或复制一份文件后使用副本 \
         (the drive file {path} has {names} names (hard links): writing through two names corrupts it, so it is not \
         opened; remove the extra name, or work on a copy)"
    )]
    SecondName { path: String, names: u64 },
    #[error(
        "不能把数据文件合并到它自己：{path} 就是当前打开的数据文件（可能是同一文件的另一个名字） \
         ({path} is the open drive itself, perhaps under another name: nothing to merge)"
    )]
    MergeSelf { path: String },
    #[error(
        "对方数据文件已开始 {theirs} 年度，本数据文件还在 {ours} 年度：请先在本机开始新学年\
         （{command}），再合并。{why_zh}未做任何修改 \
         (the other file has started insured year {theirs} and this drive is still in {ours}: start the new year \
         here first ({command_en}), then merge{why_en}; nothing changed)"
    )]
    MergeLaterYear {
        theirs: i32,
        ours: i32,
        next: i32,
        command: String,
        /// `command` in English: the same command line, or on the screen its palette entry's English label.
        command_en: String,
        /// Why `command` takes what it takes (`--force` while this year's concentrated period is open), said
        /// where the drive's policy is known (`io::year_policy::merge_later_year_advice`); else empty.
        why_zh: String,
        why_en: String,
    },
    #[error(
        "对方数据文件的学校（{schools}）不是本数据文件的学校，两者也没有共同的修改记录：可能拿错了文件，未做任何修改。\
         它的学生中身份证号码与本数据文件相同的，合并后会改属它的学校。确要合并，请加 --other-school 重新运行：\
         {command} \
         (the other file is of another school ({schools}) and shares no history with this drive: perhaps the wrong \
         file; nothing changed. Its pupils who share ID numbers with this drive's would move to its school. To merge \
         it anyway, run again with --other-school: {command})"
    )]
    MergeOtherSchool { path: String, schools: String, command: String },
    /// A merge of a file that shares no history with this drive (`MergeReport::shared_history`), neither being a
    /// drive with nothing yet: two laptops that each imported the lists, or another drive altogether. It goes by
    /// when changes were made on two drives that never agreed, so it is merged only when the operator says so.
    #[error(
        "两个数据文件没有共同的修改记录（不是同一数据文件的副本，也从未合并过），未做任何修改：可能拿错了文件，或两台电脑各自\
         导入了名单。合并会按修改时间在两边的数据间取舍，请先用 --dry-run 查看预览；确是同一所学校、要合在一起，请加 \
         --no-common-history 重新运行：{command} (the two files share no history (not copies of one drive, never \
         merged): nothing changed. Perhaps the wrong file, or two laptops that each imported the lists. A merge \
         weighs the two sides' data by when changes were made: look at the preview with --dry-run first; if they are \
         one school's, to be joined, run again with --no-common-history: {command})"
    )]
    MergeNoCommonHistory { path: String, command: String },
    /// A merge refused for a clock that cannot be right (`MergeReport::their_clock_ahead`, `our_clock_behind`):
    /// the command line says both times (`cli::drive_file`), the screen's preview asks.
    #[error(
        "两台电脑的时钟不一致：合并按修改时间决定哪边较新，时钟不准会让错的一边胜出，未做任何修改。请先核对并改正两台电脑的日期\
         和时间；核对后仍要合并，请加 --accept-clock 重新运行：{command} (the two laptops' clocks disagree: a merge goes \
         by when changes were made, and a wrong clock would make the wrong side win; nothing changed. Check and set \
         both laptops' date and time first; to merge anyway once checked, run again with --accept-clock: {command})"
    )]
    MergeClock {
        their_clock_ahead: Option<Box<merge_notes::ClockAhead>>,
        our_clock_behind: Option<Box<merge_notes::ClockAhead>>,
        command: String,
    },
    #[error(
        "要合并的文件 {path} 由较旧版本的 canbao 创建（数据版本 {found}，本程序为 {supported}）；\
         请先运行 {command} 让本程序升级它，再合并 \
         (the other file, {path}, was made by an older canbao: schema {found}, this one is {supported}; \
         run {command} once to upgrade it, then merge)"
    )]
    OlderSchema { path: String, found: i64, supported: i64, command: String },
    /// As `OlderSchema`, of a file in a folder that may only be read (a write-protected stick), where it cannot
    /// be upgraded.
    #[error(
        "要合并的文件 {path} 由较旧版本的 canbao 创建（数据版本 {found}，本程序为 {supported}），\
         而它所在的文件夹是只读的，不能在原处升级：请先把它复制到本机可写的文件夹，运行 canbao --db 副本.db stats \
         升级副本，再合并副本 (the other file {path} has an older schema and lies in a read-only folder, where it \
         cannot be upgraded: copy it to a writable folder, open the copy once with this canbao (canbao --db COPY.db \
         stats), then merge the copy)"
    )]
    OlderSchemaReadOnly { path: String, found: i64, supported: i64 },
    #[error("不是 canbao 数据文件或文件已损坏：{path} (not a canbao file, or damaged: {path})")]
    NotADatabase { path: String },
    /// SQLite found the drive's pages broken (a file cut short when a stick was pulled during a copy): said as a
    /// damaged drive, with the way back, where SQLite's English 「database disk image is malformed」 said nothing
    /// to the operator.
    #[error("{}", damaged_text(.path, .newest.as_deref()))]
    Damaged { path: String, newest: Option<String> },
    #[error(
        "这是表格（名单），不是 canbao 数据文件，{}：要导入名单，请用 canbao import：{path} \
         (a spreadsheet (a class list), not a canbao drive: {}; import a list with canbao import: {path})",
        .taken_for.nothing().0, .taken_for.nothing().1
    )]
    OtherFileTable { path: String, taken_for: OtherFileUse },
    /// A form canbao exported (`form`, its title) given as a drive; `import`: `canbao import` reads its pupils
    /// back (a ledger, the progress summary and the payment notices it refuses, so it is not offered for those).
    #[error("{}", own_export_words(path, form, *import, *taken_for))]
    OwnExport { path: String, form: String, import: bool, taken_for: OtherFileUse },
    #[error(
        "不是 canbao 数据文件，{}：{path}：{what} (not a canbao drive, {}: {path})",
        .taken_for.nothing().0, .taken_for.nothing().1
    )]
    OtherFileKind { path: String, what: &'static str, taken_for: OtherFileUse },
    #[error(
        "这是其他程序的 SQLite 数据库，不是 canbao 数据文件，未做任何修改：{path} \
         (another program's SQLite database, not a canbao drive: nothing was changed: {path})"
    )]
    Foreign { path: String },
    #[error("数据文件不存在：{path} (no such drive file: {path})")]
    Missing { path: String },
    /// A drive another canbao is making now (it holds the drive's lock): the file is not there yet, or holds
    /// none of the drive's tables yet ([`not_made_yet`]).
    #[error(
        "数据文件正在建立，还不能使用：{path}；请等建立它的 canbao 完成后再试 \
         (the drive is still being created: {path}; wait for the canbao making it to finish, then try again)"
    )]
    InMaking { path: String },
    /// A file no canbao is making that holds none of the drive's tables (a creation killed before it wrote
    /// them): not damaged, nothing in it to read. `command` opens it for writing, which makes the drive in it.
    #[error(
        "数据文件中还没有任何数据（可能是建立时被中断了）：{path}；要建立完成，请不加 --read-only 打开它：{command}；\
         或者删除这个文件 (the drive holds no data yet, perhaps its making was cut short: {path}; to finish making it, \
         open it for writing: {command}; or remove the file)"
    )]
    NoDataYet { path: String, command: String },
    #[error("这是文件夹，不是 canbao 数据文件：{path} (a folder, not a drive file: {path})")]
    Folder { path: String },
    #[error(
        "不是普通文件（可能是设备或管道），不是 canbao 数据文件：{path} (not a regular file, not a drive file: {path})"
    )]
    NotRegular { path: String },
    #[error(
        "数据文件已加密，口令错误或未提供口令（也可能是文件已损坏）：{path} \
         (the file is encrypted: wrong or missing passphrase, or the file is damaged: {path}){}",
        passphrase_hint(.with_key)
    )]
    Encrypted { path: String, with_key: bool },
    #[error(
        "数据文件已加密，或不是 canbao 数据文件：{path}；此版本的 canbao 不含加密功能，读不了加密的数据文件 \
         (the file is encrypted or not a canbao file, {path}, and this copy of canbao has no encryption: it was \
         built without --features encryption)"
    )]
    EncryptedUnsupported { path: String },
    #[error(
        "此版本的 canbao 不含加密功能 \
         (this copy of canbao has no encryption: it was built without --features encryption)"
    )]
    NoEncryption,
    /// A regular file SQLite cannot open as a drive (one of the system's, such as /proc/version): said with its
    /// name, where SQLite's own "unable to open database file" names nothing.
    #[error("无法作为 canbao 数据文件打开：{path} (cannot be opened as a canbao drive: {path})")]
    CannotOpen { path: String },
    #[error("复制后核对不一致（{0}），原文件未改动 (the copy does not match the drive ({0}): nothing was replaced)")]
    CopyMismatch(String),
    #[error("{}", crate::os_error::writing(.source, .path))]
    Io { path: String, source: std::io::Error },
    /// Only the drive's backups folder refused the backup (see `backup::folder_refused`, which words it).
    #[error("{message}")]
    BackupFolderRefused { folder: String, message: String },
    #[error("无法创建文件夹 {path}：{}", crate::os_error::phrase(.source, crate::os_error::Access::Write))]
    CreateDir { path: String, source: std::io::Error },
    /// A file to read (another laptop's copy, a backup) that the system refuses: in words, with its path.
    #[error("{}", crate::os_error::reading(.source, .path))]
    Unreadable { path: String, source: std::io::Error },
    #[error("找不到学生 #{0} (no such pupil: #{0})")]
    NoSuchStudent(i64),
    #[error("找不到学校“{0}” (no school named “{0}”)")]
    NoSuchSchool(String),
    #[error(
        "身份证号码 {number} 已属于{class}的{name}，同一号码不能属于两名学生 (the ID number {number} already belongs to {name} of {class}: one number cannot belong to two pupils)"
    )]
    IdTaken { number: String, name: String, class: String },
    #[error("姓名不能为空 (the name cannot be empty)")]
    EmptyName,
    #[error(
        "正在查看 {year} 年度（只读），不能修改；当前年度是 {current} 年度 \
         (viewing insured year {year} read-only: changes go to the current year {current})"
    )]
    PastYear { year: i32, current: i32 },
    #[error(
        "数据文件中没有 {year} 年度的记录；有记录的年度：{years} (the drive holds no insured year {year}; it holds {years})"
    )]
    NoSuchYear { year: i32, years: String },
    #[error(
        "{year} 年度在当前年度 {current} 年度之后：本机还没有开始 {year} 年度，其中的记录是从已开始该年度的电脑合并来的；\
         要在本机开始它，运行 {command} \
         (insured year {year} is after the current year {current}: its records were merged in from a laptop that has \
         started it; start it here with {command})"
    )]
    LaterYear { year: i32, current: i32, command: String },
    #[error(
        "不能开始 {year} 年度：当前年度是 {current} 年度，只能开始下一个年度（{next} 年度） \
         (cannot start insured year {year}: the current year is {current}, and only the next one, {next}, can be started)"
    )]
    NotNextYear { year: i32, current: i32, next: i32 },
    #[error("此数据文件版本较旧，没有年度记录 (this file predates insured years: it holds one year only)")]
    NoYears,
}

/// What [`StoreError::Damaged`] says: the drive, the newest backup when one is known, and `restore`, which puts a
/// backup in place of a damaged drive and keeps the damaged file aside.
fn damaged_text(path: &str, newest: Option<&str>) -> String {
    let at = if path.is_empty() { String::new() } else { format!("：{path}") };
    let at_en = if path.is_empty() { String::new() } else { format!(": {path}") };
    match newest {
        Some(b) if !path.is_empty() => {
            let restore = format!("restore {}", crate::words::shell_path(Path::new(b)));
            let command = crate::words::canbao_command(Some(Path::new(path)), &restore);
            format!(
                "数据文件已损坏{at}；最新的备份是 {b}，可用 {command} 恢复（损坏的文件会改名保留） \
                 (the drive file is damaged{at_en}; the newest backup is {b}: put it back with {command}, which \
                 keeps the damaged file aside)"
            )
        }
        Some(b) => format!(
            "数据文件已损坏{at}；最新的备份是 {b}，可用 canbao restore 恢复（损坏的文件会改名保留） \
             (the drive file is damaged{at_en}; the newest backup is {b}: put it back with canbao restore, which \
             keeps the damaged file aside)"
        ),
        None => format!(
            "数据文件已损坏{at}；请用 canbao restore 从备份恢复（备份在数据文件旁的 backups 文件夹中，损坏的文件会改名保留） \
             (the drive file is damaged{at_en}; put a backup back with canbao restore: backups are in the backups \
             folder beside the drive, and the damaged file is kept aside)"
        ),
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, _) => match f.code {
                rusqlite::ErrorCode::DatabaseCorrupt => StoreError::Damaged { path: String::new(), newest: None },
                rusqlite::ErrorCode::ReadOnly => StoreError::ReadOnly,
                rusqlite::ErrorCode::DiskFull => StoreError::DiskFull,
                rusqlite::ErrorCode::SystemIoFailure => io_failure(f.extended_code).unwrap_or(StoreError::Sqlite(e)),
                _ => StoreError::Sqlite(e),
            },
            _ => StoreError::Sqlite(e),
        }
    }
}

/// SQLite reports a disk that filled up while it made or grew the `-shm` file, or wrote a page, as a plain
/// "disk I/O error". The system's own error, still this thread's when the failure comes back, tells a full
/// disk from a real fault.
fn io_failure(extended: std::ffi::c_int) -> Option<StoreError> {
    use rusqlite::ffi;
    let full = std::io::Error::last_os_error().kind() == std::io::ErrorKind::StorageFull;
    match extended {
        ffi::SQLITE_IOERR_SHMOPEN | ffi::SQLITE_IOERR_SHMSIZE | ffi::SQLITE_IOERR_SHMMAP if !full => {
            Some(StoreError::ShmUnavailable)
        }
        ffi::SQLITE_IOERR_SHMOPEN
        | ffi::SQLITE_IOERR_SHMSIZE
        | ffi::SQLITE_IOERR_SHMMAP
        | ffi::SQLITE_IOERR_WRITE
        | ffi::SQLITE_IOERR_TRUNCATE
        | ffi::SQLITE_IOERR_FSYNC
        | ffi::SQLITE_IOERR_DIR_FSYNC
        | ffi::SQLITE_IOERR_SHORT_READ
            if full =>
        {
            Some(StoreError::DiskFull)
        }
        _ => None,
    }
}

/// A `-wal` or `-shm` left read-only beside a writable drive (the folder was copied from a read-only stick, or
/// made read-only and then only the drive file made writable again) makes SQLite refuse every write as if the
/// drive were read-only. Ours are made writable again (only their owner could, and the writer's lock is held,
/// so no other writer uses them); someone else's are named.
fn writable_sidecars(path: &Path) -> Result<()> {
    let drive_writable = std::fs::OpenOptions::new().write(true).open(path).is_ok();
    if !drive_writable {
        return Ok(()); // A read-only drive gets SQLite's own refusal, which says the drive is read-only.
    }
    for suffix in ["-wal", "-shm"] {
        let sidecar = sidecar(path, suffix);
        let denied = |p: &Path| matches!(std::fs::OpenOptions::new().write(true).open(p), Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied);
        if !sidecar.exists() || !denied(&sidecar) {
            continue;
        }
        crate::private_file::restrict(&sidecar);
        if denied(&sidecar) {
            return Err(StoreError::SidecarReadOnly { path: sidecar.display().to_string() });
        }
    }
    Ok(())
}

/// Where a read-only open looks for the `-shm` file through which SQLite's readers of a WAL drive share its
/// log index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ShmFolder {
    /// As SQLite finds the folder.
    AsFound,
    /// As if the folder could not hold one (tests: they run as root, to whom no folder on a writable disk is
    /// read-only).
    #[cfg(test)]
    Unwritable,
    /// As if the disk were full, so that the `-shm` can be made but not grown (tests: a full disk needs a mount).
    #[cfg(test)]
    Full,
}

/// Whether SQLite failed for want of room for the `-shm` (it could not grow or map it: a full disk, or a
/// limit on file size), rather than for anything about the drive itself.
fn no_room_for_shm(e: &rusqlite::Error) -> bool {
    use rusqlite::ffi;
    match e {
        rusqlite::Error::SqliteFailure(f, _) => {
            f.code == rusqlite::ErrorCode::DiskFull
                || (f.code == rusqlite::ErrorCode::SystemIoFailure
                    && matches!(f.extended_code, ffi::SQLITE_IOERR_SHMSIZE | ffi::SQLITE_IOERR_SHMMAP))
        }
        _ => false,
    }
}

/// A read-only connection to the drive, and whether it reads the file as immutable. In a folder that cannot
/// hold the `-shm` (a read-only stick, a CD, a read-only share) and has none, or on a full disk where it cannot
/// be grown, SQLite cannot open a WAL drive even to read it; when no `-wal` with changes lies beside it (none
/// can be written there, nor be in use: a `-shm` in use by a writer is already grown), the file alone is the
/// whole drive and is opened as immutable. With a `-wal` that holds changes that would leave them out, so the
/// operator is told.
fn read_only_sqlite(path: &Path, key: Option<&Passphrase>, folder: ShmFolder) -> Result<(Connection, bool)> {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let not_db = || StoreError::NotADatabase { path: path.display().to_string() };
    let keyed = |conn: Connection| -> Result<Connection> {
        if let Some(k) = key {
            cipher::apply_key(&conn, k)?;
        }
        Ok(conn)
    };
    let conn = keyed(Connection::open_with_flags(path, flags).map_err(|_| not_db())?)?;
    stable_plans(&conn)?;
    let probe = || conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0));
    let (without_shm, full) = match folder {
        // Files made now would be this user's, of no use to the owner: the file alone is the drive, read so.
        ShmFolder::AsFound if sidecars_absent(path) && sidecars_would_be_foreign(path) => (true, false),
        ShmFolder::AsFound => {
            let read = probe();
            // SQLite says "unable to open" where it cannot make the `-shm`, and (3.22 on) "readonly directory"
            // where it sees that the folder cannot hold one: a write-protected stick, or a folder the operator
            // may only read.
            let cannot_make = matches!(&read, Err(rusqlite::Error::SqliteFailure(f, _))
                    if matches!(f.code, rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly))
                && !sidecar(path, "-shm").exists()
                && !folder_writable(path);
            let full = read.as_ref().err().is_some_and(no_room_for_shm);
            (cannot_make || full, full)
        }
        #[cfg(test)]
        ShmFolder::Unwritable => (true, false),
        #[cfg(test)]
        ShmFolder::Full => (true, true),
    };
    if !without_shm {
        return Ok((conn, false));
    }
    drop(conn);
    if std::fs::metadata(sidecar(path, "-wal")).is_ok_and(|m| m.len() > 0) {
        let path = path.display().to_string();
        return Err(if full { StoreError::FullAtOpen { path } } else { StoreError::UnsavedLog { path } });
    }
    let uri = rusqlite::OpenFlags::SQLITE_OPEN_URI;
    let conn = keyed(Connection::open_with_flags(immutable_uri(path), flags | uri).map_err(|_| not_db())?)?;
    stable_plans(&conn)?;
    Ok((conn, true))
}

/// Has SQLite plan each statement once, whatever values are bound to it (its "query planner stability
/// guarantee"). Without it SQLite marks a parameter compared by `=` in a statement's filter as one whose value
/// might change the plan, and a statement so marked is compiled again after its bindings are cleared, which
/// the statement cache does each time a statement goes back into it: an import's per-row look-ups were compiled
/// anew for every row, a third of a 5k-row import into a 100k-pupil drive. canbao's statements never depend on a
/// bound value for their plan (`tests::every_per_row_lookup_uses_an_index` checks the per-row ones).
fn stable_plans(conn: &Connection) -> Result<()> {
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    Ok(())
}

/// Interrupts `conn`'s statements once `stop` is set (see `Store::stop_when`).
fn watch_stop(conn: &mut Connection, stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Result<()> {
    Ok(conn.progress_handler(1000, Some(move || stop.load(std::sync::atomic::Ordering::Relaxed)))?)
}

#[cfg(test)]
thread_local! {
    /// A page limit put on each drive this thread opens for writing: SQLite fails a write past it with
    /// SQLITE_FULL, as on a full disk (tests: a full disk needs a mount).
    static PAGE_LIMIT: std::cell::Cell<Option<i64>> = const { std::cell::Cell::new(None) };
}

/// An error while a drive was opened, said as such: a full disk then has saved nothing and changed nothing,
/// whatever the command was about to do (`created`: the drive was being made, and what was made is gone).
pub fn while_opening(e: StoreError, path: &Path, created: bool) -> StoreError {
    let full = matches!(&e, StoreError::DiskFull)
        || matches!(&e, StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) if f.code == rusqlite::ErrorCode::DiskFull);
    match (full, created) {
        (true, true) => StoreError::FullAtCreate { path: path.display().to_string() },
        (true, false) => StoreError::FullAtOpen { path: path.display().to_string() },
        (false, _) => e,
    }
}

/// A file SQLite reads as no database at all (`NotADatabase`, or one taken for encrypted) whose first page is a
/// drive's past its overwritten header, said as the damaged drive it was, with its newest backup, when backups of it by its name lie in its
/// backups folder: only a drive has those. A file given by mistake (a document, another program's file) has none,
/// and stays no drive: it is never offered another file's backup, nor set aside and replaced by a restore.
fn damaged_if_backed_up(e: StoreError, path: &Path) -> StoreError {
    // Only a file whose first page past its header still reads as a drive's is one: a class list or a note
    // saved under the drive's name (beside its backups) is no damaged drive, and is never offered a backup to
    // put in its place. Varied bytes over the header read as an encrypted file's salt: an encrypted drive has
    // backups too, so there as well only a first page that is plain past its header is a plain drive's.
    let lost_header = match &e {
        StoreError::NotADatabase { .. } | StoreError::Encrypted { .. } | StoreError::EncryptedUnsupported { .. } => {
            cipher::plain_past_header(path)
        }
        _ => false,
    };
    match backup::newest_named_backup(path) {
        Some(newest) if lost_header => {
            StoreError::Damaged { path: path.display().to_string(), newest: Some(newest.display().to_string()) }
        }
        _ => e,
    }
}

/// `path` with `suffix` after its name: the drive's `-wal` or `-shm`.
fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// `path` as SQLite takes a file's name in a statement (`VACUUM INTO`, `ATTACH`): bound as a BLOB and read as
/// `CAST(?1 AS TEXT)`, so SQLite gets the name's own bytes on unix, which need not be UTF-8 (a folder named in
/// GBK, from a USB stick or a zip made on Windows), where the name as lossy text was another file's, in a folder
/// that is not there ("unable to open database"). Windows names are UTF-16, which SQLite takes as UTF-8.
fn sql_file_name(path: &Path) -> Vec<u8> {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().into_owned().into_bytes();
    bytes
}

/// SQLite's URI for opening `path` as a file nothing changes: no locks taken, no `-shm` made, no `-wal` read.
fn immutable_uri(path: &Path) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = {
        let text = path.to_string_lossy().replace('\\', "/");
        // C:/x.db is written file:/C:/x.db.
        if text.as_bytes().get(1) == Some(&b':') { format!("/{text}") } else { text }.into_bytes()
    };
    let mut uri = String::from("file:");
    for b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'.' | b'_' | b'~') {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// Whether the `-wal` and `-shm` SQLite makes for a reader of a drive that has none would be kept from its owner:
/// made by a user who neither owns the drive file nor may write it, they are that user's, with the drive's mode
/// (0644: the owner may only read them). The owner's canbao then opens the drive as one it cannot write, and the
/// reader cannot remove them at closing either, since only a connection that writes the drive does
/// (`remove_made_sidecars`). Such a reader reads the file as immutable instead, as on read-only media. Root is not
/// such a user: SQLite gives what root makes beside a drive to the drive's owner, and root removes them at closing.
#[cfg(unix)]
fn sidecars_would_be_foreign(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(path) else { return false };
    // SAFETY: geteuid takes nothing and cannot fail.
    let me = unsafe { libc::geteuid() };
    let Ok(file) = std::ffi::CString::new(std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str())) else {
        return false;
    };
    // SAFETY: a NUL-terminated path that lives across the call; access(2) only reads it.
    let writable = unsafe { libc::access(file.as_ptr(), libc::W_OK) == 0 };
    me != 0 && me != meta.uid() && !writable
}

#[cfg(not(unix))]
fn sidecars_would_be_foreign(_: &Path) -> bool {
    false
}

/// Whether files can be made in the drive's folder (a read-only mount says no, even to root).
pub fn folder_writable(path: &Path) -> bool {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    #[cfg(unix)]
    {
        let Ok(dir) = std::ffi::CString::new(std::os::unix::ffi::OsStrExt::as_bytes(dir.as_os_str())) else {
            return true;
        };
        // SAFETY: a NUL-terminated path that lives across the call; access(2) only reads it.
        unsafe { libc::access(dir.as_ptr(), libc::W_OK) == 0 }
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(dir).map(|m| !m.permissions().readonly()).unwrap_or(true)
    }
}

/// A writer's open that SQLite could not complete in a read-only folder (it cannot make the `-wal` and `-shm`
/// there) says so, and what to do, rather than "unable to open database file".
fn on_read_only_folder(e: StoreError, path: &Path, writable: bool) -> StoreError {
    match &e {
        StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _))
            if !writable && matches!(f.code, rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::ReadOnly) =>
        {
            StoreError::FolderReadOnly { path: path.display().to_string() }
        }
        StoreError::ReadOnly if !writable => StoreError::FolderReadOnly { path: path.display().to_string() },
        _ => e,
    }
}

/// Tells an operator who gave no passphrase where one comes from.
fn passphrase_hint(with_key: &bool) -> &'static str {
    if *with_key {
        ""
    } else {
        "；请设置环境变量 CANBAO_PASSPHRASE，或在终端中运行以输入口令 \
         (set CANBAO_PASSPHRASE, or run in a terminal to be asked)"
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An open drive file.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    operator: String,
    /// Identifies this session in the audit log, so two laptops' histories can be told apart.
    origin: String,
    /// A fixed clock for tests; `None` reads the system clock.
    fixed_now: Option<String>,
    /// The passphrase the file was opened with, kept so worker threads and backups use the same one.
    key: Option<Passphrase>,
    /// Opened with `open_read_only`: every write is refused by SQLite, and the TUI refuses before trying.
    read_only: bool,
    /// The drive's current insured year (meta `current_year`): the year the pupil rows' statuses are for and
    /// audit rows of yearly fields are stamped with. `None` only for a file from before years, opened read-only.
    current_year: Option<i32>,
    /// An earlier year shown read-only (`--year`): reads see that year's statuses (see `year::view_year`).
    viewed_year: Option<i32>,
    /// Meta `first_year`, read at opening: a drive past its first year names its year in the title.
    first_year_cached: Option<i32>,
    /// How the file was opened, so leaving an earlier year puts back what was there.
    opened_read_only: bool,
    /// Read as an immutable file (read-only media: see `read_only_sqlite`), as another connection that reads it
    /// (a merge attaching it) must read it too.
    immutable: bool,
    /// Opened read-only where neither a `-wal` nor a `-shm` lay beside the drive, so SQLite made them for this
    /// connection: they are removed at closing if nobody else has come to use them (`remove_made_sidecars`).
    made_sidecars: bool,
    /// The stop `stop_when` watches, for the second connection an import's backup is read through.
    stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// The work's commit that makes the stop too late, where `stop_until_saved` set it (see [`Store::stopped`]).
    saved: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// This connection's change count and the file's `data_version` when the write-ahead log was last found
    /// wholly copied into the file: unchanged, nothing was saved since and [`Store::settle_log`] has nothing to do.
    settled: Option<(u64, i64)>,
    /// The drive as the commands its messages tell the operator to type name it (`canbao --db FILE …`): set by
    /// whoever opened it when it was named (`--db`, `CANBAO_DB`, a screen's own drive); `None`: the default drive.
    hint_drive: Option<PathBuf>,
    /// The laptop this session runs on (its canbao config folder), told by whoever opened the drive
    /// ([`Store::on_installation`]): the name the drive remembers is this session's operator only where it was
    /// typed. `None` (tests, the screen's sample school): the name is used as before, wherever it was typed.
    installation: Option<crate::installation::Installation>,
    /// The name the drive remembers, typed on another laptop: not this session's operator, only said when the
    /// screen asks for one.
    operator_elsewhere: Option<String>,
}

/// The meta key of the installation (laptop) on which the drive's remembered operator, `last_operator`, was
/// typed; absent on a drive whose name an older canbao remembered.
pub const OPERATOR_INSTALLATION: &str = "last_operator_installation";

impl Drop for Store {
    /// A command (or a worker of the TUI) that wrote leaves its saves in the drive file itself, not only in the
    /// log: SQLite's own checkpoint at closing runs only for the last connection, and a read-only window on the
    /// file keeps a command from being the last. Only what was saved by now is copied, on the closing thread.
    fn drop(&mut self) {
        let _ = self.settle_log();
        if self.made_sidecars
            && let Some(path) = self.path.take()
            && let Ok(none) = Connection::open_in_memory()
        {
            // The drive's own connection closed first: SQLite removes the files only for the last one.
            drop(std::mem::replace(&mut self.conn, none));
            remove_made_sidecars(&path, self.key.as_ref());
        }
    }
}

/// Whether the drive has neither a `-wal` nor a `-shm` beside it: no connection (of any process) holds it in
/// WAL mode, as one that does keeps both until it closes.
fn sidecars_absent(path: &Path) -> bool {
    ["-wal", "-shm"].iter().all(|s| std::fs::symlink_metadata(sidecar(path, s)).is_err())
}

/// Removes the `-wal` and `-shm` a read-only open made beside a drive that had none (a teacher's share, a copy
/// handed over), once it has closed. SQLite makes both for any reader of a WAL drive, and removes them when the
/// last connection closes only if that connection can write: a read-only one leaves them behind for ever. So a
/// connection that can write is opened and closed on the reader's behalf, and SQLite decides as it always does:
/// it removes them only when it can lock the file exclusively, so never while a writer or another reader (of
/// this process or another) holds the drive. A log with anything in it is left alone: it holds the saves of a
/// writer that came and went while the reader held the drive, which only a checkpoint (a write to the drive)
/// would take in. A drive file this user may not write is opened read-only by SQLite whatever is asked, and
/// its files stay.
fn remove_made_sidecars(path: &Path, key: Option<&Passphrase>) {
    let empty_log = std::fs::metadata(sidecar(path, "-wal")).is_ok_and(|m| m.is_file() && m.len() == 0);
    if !empty_log || !sidecar(path, "-shm").is_file() {
        return;
    }
    // No CREATE: a drive removed meanwhile is not made again.
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let Ok(conn) = Connection::open_with_flags(path, flags) else {
        return;
    };
    if key.is_some_and(|k| cipher::apply_key(&conn, k).is_err()) {
        return;
    }
    // A read opens the log, so that closing the connection is a WAL connection's close, which checkpoints an
    // empty log (writing nothing) and removes both files.
    let _ = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0));
    let _ = conn.close();
}

/// Why a drive a reader could not open as one (`StoreError::NotADatabase`, or a file not there) is not one yet,
/// if that is why: another canbao is making it now (it holds the drive's lock), or a file of no tables is left
/// from a creation cut short. Such a file is not damaged, and an operator told it is may restore a backup over
/// a drive a minute old, or delete one being made. `command`: how the operator opens the drive for writing.
/// `None` for a file that holds anything: it is what the reader said.
pub fn not_made_yet(path: &Path, key: Option<&Passphrase>, command: impl FnOnce() -> String) -> Option<StoreError> {
    let shown = || path.display().to_string();
    let none_yet = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return lock::is_held(path).then(|| StoreError::InMaking { path: shown() });
        }
        Err(_) => return None,
        Ok(m) if !m.is_file() => return None,
        // A file SQLite has not written to yet; the writer's first write is its header.
        Ok(m) if m.len() == 0 => true,
        Ok(_) => {
            let (key, fresh) = (cipher::key_for(path, key), sidecars_absent(path));
            let found = read_only_sqlite(path, key, ShmFolder::AsFound)
                .and_then(|(conn, _)| schema::recognise(&conn))
                .is_ok_and(|found| found == schema::Recognised::New);
            if fresh {
                remove_made_sidecars(path, key);
            }
            found
        }
    };
    match (none_yet, lock::is_held(path)) {
        (false, _) => None,
        (true, true) => Some(StoreError::InMaking { path: shown() }),
        (true, false) => Some(StoreError::NoDataYet { path: shown(), command: command() }),
    }
}

/// Whether `path` is there and neither a file nor a folder: a named pipe, a device or a socket, whose opening can
/// wait for ever (a pipe nobody writes to). Every reader asks this before it opens a path it was given, and the
/// commands before they take the drive's lock, which a waiting open would hold with no window to close.
pub fn special_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// A file to read, such as another laptop's copy or a backup: SQLite would call a missing file or a folder
/// "not a database", but the operator gave a wrong path, and is told so. A pipe or a device is not opened at
/// all: reading one could wait for ever.
pub fn existing_file(path: &Path) -> Result<()> {
    let shown = || path.display().to_string();
    let unreadable = |source| StoreError::Unreadable { path: shown(), source };
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(StoreError::Missing { path: shown() }),
        Err(e) => Err(unreadable(e)),
        Ok(m) if m.is_dir() => Err(StoreError::Folder { path: shown() }),
        Ok(m) if !m.is_file() => Err(StoreError::NotRegular { path: shown() }),
        // A file there that may not be read would reach SQLite as "unable to open database file".
        Ok(_) => std::fs::File::open(path).map(drop).map_err(unreadable),
    }
}

/// The meta key of the audit log's newest stamp up to an id, kept as "ID STAMP" (`Store::clock_behind_drive`).
pub(crate) const AUDIT_NEWEST: &str = "audit_newest";

/// The audit log's kept newest stamp (`AUDIT_NEWEST`) when it stands at the log's last row, `last_id` (a log
/// without rows and no stamp kept stands so too): `Some` of the stamp kept (none for such an empty log), `None`
/// when rows after it are still to be read by `Store::clock_behind_drive`.
pub(crate) fn audit_newest_current(conn: &Connection, last_id: i64) -> Result<Option<Option<String>>> {
    let kept: Option<String> =
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [AUDIT_NEWEST], |r| r.get(0)).optional()?;
    let Some(kept) = kept else { return Ok((last_id == 0).then_some(None)) };
    Ok(match kept.split_once(' ') {
        Some((id, at)) if id.parse::<i64>() == Ok(last_id) && instant::parse(at).is_some() => Some(Some(at.to_owned())),
        _ => None,
    })
}

/// Moves the kept newest stamp (`AUDIT_NEWEST`), which stood at the log's last row before a writer's rows
/// (`audit_newest_current`: `kept`, the last row then `before`), past them, in the writer's transaction: every row it wrote is stamped `at`,
/// so the newest of the log up to its last row is the later of `kept` and `at`, and the next writer's open does
/// not read them again. A stamp that is not an instant leaves the mark where it was, for those rows to be read.
pub(crate) fn audit_newest_past_own_rows(conn: &Connection, kept: Option<&str>, before: i64, at: &str) -> Result<()> {
    let Some(written) = instant::parse(at) else { return Ok(()) };
    let last: i64 = conn.query_row("SELECT coalesce(max(id), 0) FROM audit", [], |r| r.get(0))?;
    // A writer that wrote no row leaves the mark as it is: the drive unchanged, as a backup tells it (`drive_state`).
    if last <= before {
        return Ok(());
    }
    let newest = match kept.and_then(|k| instant::parse(k).map(|t| (t, k))) {
        Some((t, k)) if t >= written => k,
        _ => at,
    };
    conn.execute(SET_META, params![AUDIT_NEWEST, format!("{last} {newest}")])?;
    Ok(())
}

/// Sets one `meta` key, adding it when missing.
pub(crate) const SET_META: &str =
    "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value";

impl Store {
    /// Opens (creating if needed) a drive file and brings its schema forward.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_keyed(path, None)
    }

    /// Like [`Store::open`], with a passphrase for an encrypted file. A new file is created encrypted; a
    /// plain file stays plain (see [`cipher::key_for`]).
    pub fn open_keyed(path: &Path, key: Option<&Passphrase>) -> Result<Store> {
        Self::open_keyed_then(path, key, Keys::AtOpen, Journal::Wal)
    }

    /// [`Store::open_keyed`] for the screen: search keys an older canbao wrote are left as they are
    /// (`search_keys_outdated`), for the screen to write again on its worker once its first frame is up.
    pub fn open_keyed_for_screen(path: &Path, key: Option<&Passphrase>) -> Result<Store> {
        Self::open_keyed_then(path, key, Keys::Later, Journal::Wal)
    }

    /// [`Store::open_keyed`] for a file whose journal mode is not to change: a backup a command writes a record
    /// into (a reveal, an export of whole ID numbers) keeps the rollback journal its copy was put in, and so its
    /// header and no `-wal` or `-shm` left beside it; only the record changes it. A file already in WAL stays so.
    pub fn open_keyed_keeping_journal(path: &Path, key: Option<&Passphrase>) -> Result<Store> {
        Self::open_keyed_then(path, key, Keys::AtOpen, Journal::AsFound)
    }

    fn open_keyed_then(path: &Path, key: Option<&Passphrase>, keys: Keys, journal: Journal) -> Result<Store> {
        let key = cipher::key_for(path, key);
        if key.is_some() && !cipher::SUPPORTED {
            return Err(StoreError::NoEncryption);
        }
        // SQLite would say "unable to open database file" of a folder, and could wait for ever on a pipe.
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => return Err(StoreError::Folder { path: path.display().to_string() }),
            Ok(m) if !m.is_file() => return Err(StoreError::NotRegular { path: path.display().to_string() }),
            _ => {}
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| StoreError::CreateDir { path: dir.display().to_string(), source })?;
        }
        let existed = path.exists();
        let made_beside: Vec<PathBuf> =
            ["-wal", "-shm", "-journal"].iter().map(|s| sidecar(path, s)).filter(|p| !p.exists()).collect();
        writable_sidecars(path)?;
        let opened = Connection::open(path).map_err(StoreError::from).and_then(|conn| {
            if let Some(k) = key {
                cipher::apply_key(&conn, k)?;
            }
            #[cfg(test)]
            if let Some(pages) = PAGE_LIMIT.get() {
                conn.pragma_update(None, "max_page_count", pages)?;
            }
            if !existed {
                crate::private_file::restrict(path);
            }
            Self::init(conn, Some(path.to_owned()), key.cloned(), keys, journal)
        });
        opened.map_err(|e| {
            // A new drive that could not be made (a full disk) is not left behind as an empty file, which a
            // later command would take for a drive: what this open made is removed (its connection is closed).
            if !existed {
                for made in made_beside.iter().map(PathBuf::as_path).chain([path]) {
                    let _ = std::fs::remove_file(made);
                }
            }
            match damaged_if_backed_up(
                while_opening(on_read_only_folder(e, path, folder_writable(path)), path, !existed),
                path,
            ) {
                StoreError::Damaged { .. } => StoreError::Damaged {
                    path: path.display().to_string(),
                    newest: backup::newest_named_backup(path).map(|b| b.display().to_string()),
                },
                StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _))
                    if f.code == rusqlite::ErrorCode::CannotOpen =>
                {
                    StoreError::CannotOpen { path: path.display().to_string() }
                }
                e => e,
            }
        })
    }

    /// Opens an existing drive without writing to it (restore's source, a second copy of a file in use). The
    /// schema is checked, not migrated.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        Self::open_read_only_keyed(path, None)
    }

    pub fn open_read_only_keyed(path: &Path, key: Option<&Passphrase>) -> Result<Store> {
        Self::read_only_connection(path, cipher::key_for(path, key))
    }

    /// `open_read_only_keyed` once the key question is settled: nothing but SQLite opens the file.
    fn read_only_connection(path: &Path, key: Option<&Passphrase>) -> Result<Store> {
        Self::read_only_connection_in(path, key, ShmFolder::AsFound)
    }

    fn read_only_connection_in(path: &Path, key: Option<&Passphrase>, folder: ShmFolder) -> Result<Store> {
        let not_db = || StoreError::NotADatabase { path: path.display().to_string() };
        existing_file(path)?;
        let fresh = sidecars_absent(path);
        let (conn, immutable) = read_only_sqlite(path, key, folder)?;
        // Made now, if at all, by this connection (an immutable one makes none). The store is made before the
        // drive is checked, so that a refusal below, dropping it, removes them too.
        let made_sidecars = fresh && !immutable && !sidecars_absent(path);
        let mut store = Store {
            conn,
            path: Some(path.to_owned()),
            operator: String::new(),
            origin: String::new(),
            fixed_now: None,
            key: key.cloned(),
            read_only: true,
            current_year: None,
            viewed_year: None,
            first_year_cached: None,
            opened_read_only: true,
            immutable,
            made_sidecars,
            stop: None,
            saved: None,
            settled: None,
            hint_drive: None,
            installation: None,
            operator_elsewhere: None,
        };
        let conn = &store.conn;
        schema::register_functions(conn)?;
        // A failure for want of room beside the drive is said as such, never as a damaged drive: an operator
        // told the drive is damaged may restore an old backup over good data.
        let unreadable = |e: StoreError| match e {
            StoreError::Sqlite(inner) if no_room_for_shm(&inner) => while_opening(StoreError::from(inner), path, false),
            StoreError::DiskFull => while_opening(e, path, false),
            _ => damaged_if_backed_up(cipher::unreadable(path, key.is_some()), path),
        };
        // Read in one snapshot: a drive another canbao is making meanwhile is seen before it is made or once it
        // is, never its header from before and its tables from after (which is no drive's).
        let (version, recognised) = {
            let snapshot = conn.unchecked_transaction()?;
            (schema::user_version(&snapshot).map_err(unreadable)?, schema::recognise(&snapshot).map_err(unreadable)?)
        };
        match recognised {
            schema::Recognised::Drive => {}
            schema::Recognised::New => return Err(not_db()),
            schema::Recognised::Foreign => return Err(StoreError::Foreign { path: path.display().to_string() }),
        }
        if version > schema::latest_version() {
            return Err(StoreError::TooNew { found: version, supported: schema::latest_version() });
        }
        if version < schema::latest_version() {
            schema::read_older(conn, version)?;
        }
        store.current_year = store.read_current_year()?;
        if store.current_year.is_some() {
            store.first_year_cached = store.first_year()?;
        }
        store.origin = new_origin();
        store.operator = store.meta("last_operator")?.unwrap_or_default();
        Ok(store)
    }

    /// A throwaway drive for tests and previews.
    pub fn open_in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?, None, None, Keys::AtOpen, Journal::Wal)
    }

    fn init(
        mut conn: Connection,
        path: Option<PathBuf>,
        key: Option<Passphrase>,
        keys: Keys,
        journal: Journal,
    ) -> Result<Store> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        stable_plans(&conn)?;
        // A mark or import runs a score of statements per pupil (a field's UPDATE each, the audit row, the pupil's
        // checks): rusqlite's 16 would see the oldest pushed out and compiled again for every pupil.
        conn.set_prepared_statement_cache_capacity(64);
        let keyed = key.is_some();
        let not_db = |e: rusqlite::Error| match &e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase => match &path {
                Some(p) => cipher::unreadable(p, keyed),
                None => StoreError::NotADatabase { path: String::new() },
            },
            // A full disk, a read-only file: said as such.
            _ => StoreError::from(e),
        };
        if let Some(p) = &path {
            // Nothing is written (not even the switch to WAL) until the file is known to be a drive or empty.
            let recognised = schema::recognise(&conn).map_err(|e| match e {
                StoreError::Sqlite(inner) => not_db(inner),
                other => other,
            })?;
            if recognised == schema::Recognised::Foreign {
                return Err(StoreError::Foreign { path: p.display().to_string() });
            }
            if journal == Journal::Wal {
                conn.pragma_update(None, "journal_mode", "WAL").map_err(not_db)?;
            }
            conn.pragma_update(None, "synchronous", "FULL")?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Reading commands stream through the file: a small cache keeps an export of 500k pupils in constant
        // memory. Imports raise it for their transaction (see apply_import).
        conn.pragma_update(None, "cache_size", READ_CACHE_KIB)?;
        // An older canbao's drive is copied as it was before any step brings it forward: the upgrade rewrites
        // rows (the numbers of migration 18) and leaves a file the older canbao on the other laptops no longer
        // opens, and the read-only note promises the copy (「会先自动备份再升级」).
        if let Some(p) = &path {
            backup::before_upgrade(&conn, p, key.as_ref())?;
        }
        schema::migrate(&mut conn).map_err(|e| match e {
            StoreError::Sqlite(inner) => not_db(inner),
            other => other,
        })?;
        let mut store = Store {
            conn,
            path,
            operator: String::new(),
            origin: String::new(),
            fixed_now: None,
            key,
            read_only: false,
            current_year: None,
            viewed_year: None,
            first_year_cached: None,
            opened_read_only: false,
            immutable: false,
            made_sidecars: false,
            stop: None,
            saved: None,
            settled: None,
            hint_drive: None,
            installation: None,
            operator_elsewhere: None,
        };
        if keys == Keys::AtOpen {
            store.rebuild_search_keys()?;
        }
        store.current_year = store.read_current_year()?;
        store.first_year_cached = store.first_year()?;
        // Each session gets its own origin: two laptops working on copies of one file must not share one,
        // or their audit rows could not be told apart when the copies are merged.
        store.origin = new_origin();
        store.operator = store.meta("last_operator")?.unwrap_or_default();
        Ok(store)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Has the commands this drive's messages tell the operator to type name it as `drive` (see
    /// [`Store::command`]): the drive as this run was given it, when it was named.
    pub fn name_in_commands(&mut self, drive: Option<PathBuf>) {
        self.hint_drive = drive;
    }

    /// The drive as the commands canbao tells the operator to type name it: `None` for the default drive.
    pub fn hint_drive(&self) -> Option<&Path> {
        self.hint_drive.as_deref()
    }

    /// A command for the operator to type about this drive, `canbao [--db FILE] rest`
    /// ([`crate::words::canbao_command`]).
    pub fn command(&self, rest: &str) -> String {
        crate::words::canbao_command(self.hint_drive(), rest)
    }

    /// Opened read-only (a second canbao on a file in use): the caller must not try to write.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Opened read-only (another canbao writes the drive), not merely showing an earlier year: only such a
    /// connection sees another process's saves.
    pub fn opened_read_only(&self) -> bool {
        self.opened_read_only
    }

    /// Read as an immutable file (see `read_only_sqlite`): SQLite takes it never to change, so another
    /// process's saves reach this connection only by opening the drive again ([`Store::file_stamp`]).
    pub fn is_immutable(&self) -> bool {
        self.immutable
    }

    /// The drive file's and its `-wal`'s size and modification time, looked at from outside SQLite by their
    /// names alone (`stat`, no handle opened: closing one would let go of this process's locks on them).
    /// `None` for a drive in memory.
    pub fn file_stamp(&self) -> Option<FileStamp> {
        let path = self.path.as_deref()?;
        let look = |p: &Path| std::fs::metadata(p).map(|m| (m.len(), m.modified().ok())).unwrap_or((0, None));
        Some(FileStamp([look(path), look(&sidecar(path, "-wal"))]))
    }

    /// The drive as a reader who may not write beside it opens it (immutable, as `ShmFolder::Unwritable` makes
    /// it), for tests of such a window.
    #[cfg(test)]
    pub(crate) fn open_immutable(path: &Path) -> Result<Store> {
        Self::read_only_connection_in(path, None, ShmFolder::Unwritable)
    }

    /// What a worker thread needs to open its own connection to this drive, the same way this one was.
    pub fn reopener(&self) -> Option<Reopen> {
        Some(Reopen {
            path: self.path.clone()?,
            key: self.key.clone(),
            read_only: self.read_only,
            viewed_year: self.viewed_year,
            hint_drive: self.hint_drive.clone(),
            installation: self.installation.clone(),
        })
    }

    pub fn operator(&self) -> &str {
        &self.operator
    }

    /// Who is at the keyboard: recorded on every audit row from now on, and remembered in the file with the
    /// laptop it was typed on (see [`Store::on_installation`]).
    pub fn set_operator(&mut self, name: &str) -> Result<()> {
        if self.operator == name.trim() {
            return Ok(()); // No write for a read-only command run with CANBAO_OPERATOR set.
        }
        self.operator = name.trim().to_owned();
        self.operator_elsewhere = None;
        if self.read_only {
            return Ok(()); // Remembered for this session only: a read-only copy writes nothing.
        }
        self.refuse_past_year()?;
        // A laptop whose config folder cannot be written has no id to record: the name is then remembered as an
        // older canbao remembered it, for no laptop in particular, never as typed on the laptop that last had one.
        let laptop = self.installation.as_mut().and_then(|i| i.id_or_new().ok());
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT INTO meta(key, value) VALUES ('last_operator', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [&self.operator],
        )?;
        match laptop {
            Some(id) => tx.execute(SET_META, params![OPERATOR_INSTALLATION, id])?,
            None => tx.execute("DELETE FROM meta WHERE key = ?1", [OPERATOR_INSTALLATION])?,
        };
        tx.commit()?;
        Ok(())
    }

    /// Who is at the keyboard for this session only: recorded on the audit rows this session writes (a reveal a
    /// command that reads records), never remembered in the file. A command that changes nothing given
    /// `--operator` leaves the drive as it was, and the name later changes are recorded under too.
    pub fn use_operator(&mut self, name: &str) {
        self.operator = name.trim().to_owned();
        self.operator_elsewhere = None;
    }

    /// Tells the drive which laptop this session runs on. The name it remembers is this session's operator only
    /// when it was typed on this laptop: a drive copied to a second one (a working group splitting a school, to
    /// merge later) would otherwise record the first laptop's operator for everything done on the second. Typed
    /// elsewhere, the session has no operator ([`Store::operator_elsewhere`] keeps the name): the screen asks
    /// for one, and a command without `--operator` records none, as on a drive that remembers no name. A name
    /// remembered by an older canbao (no laptop recorded) is used as before, see
    /// [`Store::claim_remembered_operator`].
    pub fn on_installation(&mut self, installation: crate::installation::Installation) -> Result<()> {
        let typed_on = self.meta(OPERATOR_INSTALLATION)?;
        if let Some(typed_on) = typed_on
            && installation.id() != Some(typed_on.as_str())
            && !self.operator.is_empty()
        {
            self.operator_elsewhere = Some(std::mem::take(&mut self.operator));
        }
        self.installation = Some(installation);
        Ok(())
    }

    /// The name the drive remembers when it was typed on another laptop (and is therefore not this session's
    /// operator), for the screen's question to mention.
    pub fn operator_elsewhere(&self) -> Option<&str> {
        self.operator_elsewhere.as_deref()
    }

    /// A name an older canbao remembered, for no laptop in particular, becomes this laptop's, recorded by the
    /// first session of this canbao that changes the drive (the screen, a command that writes): most often the
    /// laptop the drive was made on, before any copy of it went to another. Once recorded, a copy taken to a
    /// second laptop asks there. Nothing is written for a read-only session, a drive that remembers no name or
    /// one whose name has its laptop already, nor where this laptop is not known.
    pub fn claim_remembered_operator(&mut self) -> Result<()> {
        if self.read_only || self.operator.is_empty() || self.meta(OPERATOR_INSTALLATION)?.is_some() {
            return Ok(());
        }
        let Some(id) = self.installation.as_mut().and_then(|i| i.id_or_new().ok()) else { return Ok(()) };
        self.set_meta(OPERATOR_INSTALLATION, &id)
    }

    pub fn set_fixed_clock(&mut self, now: &str) {
        self.fixed_now = Some(now.to_owned());
    }

    /// The instant stamped on audit rows, in UTC (see [`instant`]).
    pub(crate) fn now(&self) -> String {
        match &self.fixed_now {
            Some(fixed) => instant::parse(fixed).map(instant::to_text).unwrap_or_else(|| fixed.clone()),
            None => instant::to_text(chrono::Utc::now()),
        }
    }

    /// The drive's newest change (any laptop's) when it is stamped more than a day after this laptop's clock: the
    /// clock is far behind (a dead BIOS battery), and changes stamped with it would read as made years ago, and
    /// lose to every older one. Said as `ClockAhead`, `newest` being the drive's change.
    pub fn clock_behind_drive(&self) -> Result<Option<merge_notes::ClockAhead>> {
        let now = self.now();
        let Some(clock) = instant::parse(&now) else { return Ok(None) };
        // The log is only ever appended to (its triggers refuse changes), so the newest stamp of the rows up to
        // an id never changes: kept in `meta` as that id and stamp, only the rows after it are read, by id,
        // where every open read the whole log. Rows merged from another laptop are appended with new ids, and
        // are read as any other new row. No path of canbao deletes a row: a restore, which takes rows back,
        // replaces the whole file, this key with it (the backup's own, of its own rows). A log cut below the
        // kept id all the same (by a tool outside canbao) would keep a far-ahead stamp it no longer holds, and
        // warn for ever: the kept id's row gone, the whole log is read again.
        let kept = self.meta(AUDIT_NEWEST)?;
        let (mut last_id, mut newest) = match kept.as_deref().and_then(|v| v.split_once(' ')) {
            Some((id, at)) => match (id.parse::<i64>(), instant::parse(at)) {
                (Ok(id), Some(t)) => (id, Some((t, at.to_owned()))),
                _ => (0, None),
            },
            None => (0, None),
        };
        if last_id > 0 {
            let still: bool =
                self.conn.query_row("SELECT EXISTS(SELECT 1 FROM audit WHERE id = ?1)", [last_id], |r| r.get(0))?;
            if !still {
                (last_id, newest) = (0, None);
            }
        }
        let mut read = 0usize;
        {
            let mut stmt = self.conn.prepare("SELECT id, at FROM audit WHERE id > ?1 ORDER BY id")?;
            let mut rows = stmt.query([last_id])?;
            while let Some(row) = rows.next()? {
                let (id, at): (i64, String) = (row.get(0)?, row.get(1)?);
                last_id = id;
                read += 1;
                if let Some(t) = instant::parse(&at)
                    && newest.as_ref().is_none_or(|(n, _)| t > *n)
                {
                    newest = Some((t, at));
                }
            }
        }
        // Kept for the next open when this one may write and holds no transaction; a drive another program
        // holds locked just reads the new rows again next time, so a failed write is no failure.
        if read > 0
            && self.conn.is_autocommit()
            && !self.conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true)
            && let Some((_, at)) = &newest
        {
            let _ = self.conn.execute(SET_META, params![AUDIT_NEWEST, format!("{last_id} {at}")]);
        }
        Ok(newest.and_then(|(t, at)| {
            let minutes = (t - clock).num_minutes();
            (minutes > 24 * 60).then_some(merge_notes::ClockAhead { newest: at, now, minutes })
        }))
    }

    /// The zone times are shown in: the fixed clock's offset when one is set, else Beijing time
    /// ([`instant::beijing`]), whatever zone this laptop is set to.
    pub fn display_offset(&self) -> chrono::FixedOffset {
        self.fixed_now
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| *t.offset())
            .unwrap_or_else(instant::beijing)
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.fixed_now
            .as_deref()
            .and_then(|s| s.get(..10))
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .unwrap_or_else(instant::beijing_today)
    }

    /// Changes whenever another connection commits to the file (`PRAGMA data_version`): how a read-only
    /// instance knows the writer has saved something.
    pub fn data_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    /// Copies the saves the write-ahead log (`-wal`) holds into the drive file itself, with a passive checkpoint,
    /// which waits for nobody: the `.db` alone, copied while canbao runs (to hand it to a second laptop), then
    /// holds every acknowledged change. SQLite does this by itself only every 1000 pages, or when the last
    /// connection closes. Returns whether the log is now wholly in the file: a reader still on an older
    /// snapshot (a read-only window mid-read) holds back what was saved after it began, for a later try.
    pub fn checkpoint(&self) -> Result<bool> {
        if self.path.is_none() || self.opened_read_only {
            return Ok(true); // Nothing to copy, or no right to write the file.
        }
        let (busy, log, copied): (i64, i64, i64) =
            self.conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(busy == 0 && log == copied)
    }

    /// Whether something was saved (by this connection or another) since the log was last found wholly in the
    /// file. Only two counters are read, so it can be asked after every keystroke.
    pub fn log_unsettled(&self) -> Result<bool> {
        if self.path.is_none() || self.opened_read_only {
            return Ok(false);
        }
        Ok(self.settled != Some(self.log_stamp()?))
    }

    /// [`Store::checkpoint`] when [`Store::log_unsettled`]; whether the log is now wholly in the file.
    pub fn settle_log(&mut self) -> Result<bool> {
        if !self.log_unsettled()? {
            return Ok(true);
        }
        // Read before the checkpoint: a save that lands during it changes the stamp and is copied next time.
        let stamp = self.log_stamp()?;
        let done = self.checkpoint()?;
        if done {
            self.settled = Some(stamp);
        }
        Ok(done)
    }

    fn log_stamp(&self) -> Result<(u64, i64)> {
        Ok((self.conn.total_changes(), self.data_version()?))
    }

    /// Makes every statement of this connection stop (with SQLite's "interrupted") once `stop` is set: how the
    /// TUI cancels a job on a worker's connection. An import, reconciliation or merge is one transaction, so a
    /// stopped one is rolled back whole; an export writes beside its target and removes what it wrote.
    /// Checked every thousand virtual-machine steps, which is far below a frame's time.
    pub fn stop_when(&mut self, stop: std::sync::Arc<std::sync::atomic::AtomicBool>) -> Result<()> {
        self.stop = Some(std::sync::Arc::clone(&stop));
        self.saved = None;
        watch_stop(&mut self.conn, stop)
    }

    /// Whether this connection's statements are to stop now, as its progress handler tells them
    /// ([`Store::stop_when`], [`Store::stop_until_saved`]): for the work SQLite does for it outside any statement,
    /// the pages of a backup copied.
    pub(crate) fn stopped(&self) -> bool {
        use std::sync::atomic::Ordering;
        self.stop.as_ref().is_some_and(|s| s.load(Ordering::Relaxed))
            && !self.saved.as_ref().is_some_and(|s| s.load(Ordering::SeqCst))
    }

    /// The flag [`Store::stop_when`] (or [`Store::stop_until_saved`]) watches, if any: work done outside SQLite
    /// for this connection (reading an import's files) looks at it too.
    pub fn stop_flag(&self) -> Option<std::sync::Arc<std::sync::atomic::AtomicBool>> {
        self.stop.clone()
    }

    /// [`Store::stop_when`] until the work's transaction is committed (`saved`, as [`Store::watch_commits`] keeps
    /// it): what the command reads after its commit (the report of a reconciliation) runs to its end, as the work
    /// it reports on cannot be taken back, where a signal then cut the read and the report was lost to SQLite's
    /// `interrupted`.
    pub fn stop_until_saved(
        &mut self,
        stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
        saved: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ) -> Result<()> {
        use std::sync::atomic::Ordering;
        self.stop = Some(std::sync::Arc::clone(&stop));
        self.saved = Some(std::sync::Arc::clone(&saved));
        let stopped = move || stop.load(Ordering::Relaxed) && !saved.load(Ordering::SeqCst);
        Ok(self.conn.progress_handler(1000, Some(stopped))?)
    }

    /// Keeps `saved` telling whether this connection's latest transaction that wrote was committed (true) or
    /// rolled back (false), as SQLite itself ended it: a command a signal stopped says from it whether its work
    /// landed, whatever failed after the commit and whenever the signal came. `None`: no longer, so what the
    /// command writes after its work is not taken for it.
    pub fn watch_commits(&mut self, saved: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>) -> Result<()> {
        use std::sync::atomic::Ordering;
        let Some(saved) = saved else {
            self.conn.commit_hook(None::<fn() -> bool>)?;
            return Ok(self.conn.rollback_hook(None::<fn()>)?);
        };
        let committed = std::sync::Arc::clone(&saved);
        self.conn.commit_hook(Some(move || {
            committed.store(true, Ordering::SeqCst);
            // Never vetoes the commit: the hook only watches.
            false
        }))?;
        Ok(self.conn.rollback_hook(Some(move || saved.store(false, Ordering::SeqCst)))?)
    }

    /// The work this connection could be stopped in is saved: what it reads after it (the roster to show) runs
    /// to the end whatever the stop says. A stop asked for while the commit ran cannot take the work back, and a
    /// read it cut short would be done again on the screen's own thread, the keys waiting for it.
    pub fn stop_no_longer(&mut self) -> Result<()> {
        self.stop = None;
        Ok(self.conn.progress_handler(0, None::<fn() -> bool>)?)
    }

    /// After each statement this connection finishes: its SQL and how many rows it has stepped through by full
    /// table scan since it was prepared (SQLite's own count, `SQLITE_STMTSTATUS_FULLSCAN_STEP`). For the tests
    /// that hold every per-row look-up of an import, reconciliation and merge to an index.
    pub fn watch_statements(&mut self, mut seen: impl FnMut(&str, i64) + Send + 'static) -> Result<()> {
        use rusqlite::trace::{TraceEvent, TraceEventCodes};
        let watch = move |event: TraceEvent<'_>| {
            if let TraceEvent::Profile(statement, _) = event {
                let scanned = statement.get_status(rusqlite::StatementStatus::FullscanStep);
                seen(&statement.sql(), i64::from(scanned));
            }
        };
        Ok(self.conn.trace_v2(TraceEventCodes::SQLITE_TRACE_PROFILE, Some(watch))?)
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    /// Renames a school, keeping its pupils: each pupil's school changes as one audited field (as any other
    /// change, so a merge with another laptop carries it), in one transaction. Renaming onto a school that
    /// exists puts the pupils under it. Returns how many pupils moved.
    pub fn rename_school(&mut self, old: &str, new: &str) -> Result<usize> {
        self.rename_school_pupils(old, new).map(|ids| ids.len())
    }

    /// [`Store::rename_school`], returning the pupils moved (the screen keeps them to undo the rename).
    pub fn rename_school_pupils(&mut self, old: &str, new: &str) -> Result<Vec<i64>> {
        let new = new.trim();
        if new.is_empty() {
            return Err(StoreError::NoSuchSchool(String::new()));
        }
        let ctx = self.audit_context("rename");
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let ids: Vec<i64> = tx
            .prepare(
                "SELECT s.id FROM students s JOIN schools sc ON sc.id = s.school_id WHERE sc.name = ?1 ORDER BY s.id",
            )?
            .query_map([old], |r| r.get(0))?
            .collect::<std::result::Result<_, _>>()?;
        if ids.is_empty() {
            return Err(StoreError::NoSuchSchool(old.to_owned()));
        }
        let change = [FieldChange::new(Field::School, Some(new))];
        for &id in &ids {
            fields::apply(&tx, &ctx, id, &change)?;
        }
        tx.commit()?;
        Ok(ids)
    }

    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        self.refuse_past_year()?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(SET_META, params![key, value])?;
        tx.commit()?;
        Ok(())
    }

    /// Keeps in the drive the text of a config-folder policy it uses (policy new / 生成本年度政策 write one into
    /// this laptop's config folder only): a copy of the drive on another laptop still has its amounts and
    /// windows. Kept per name, the newest text of it, with when it was kept: two laptops that kept different
    /// texts under one name settle on the later one when they merge (`merge_notes::settle_copies`). A closed year
    /// of that name keeps the text it had (schema migration 12), read when it is shown (`Store::view_year`).
    pub fn keep_policy_text(&mut self, name: &str, text: &str) -> Result<()> {
        if self.is_read_only() || self.meta(&policy_copy_key(name))?.as_deref() == Some(text) {
            return Ok(());
        }
        self.refuse_past_year()?;
        let at = self.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (key, value) in [(policy_copy_key(name), text), (policy_copy_at_key(name), at.as_str())] {
            tx.execute(SET_META, params![key, value])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// When the drive's copy of policy `name` was kept (UTC, as the history's instants); `None` for a copy kept
    /// by a canbao that did not say.
    pub fn kept_policy_at(&self, name: &str) -> Option<String> {
        self.meta(&policy_copy_at_key(name)).ok()?
    }

    /// [`Store::keep_policy_text`] for a policy as read (nothing for a bundled one).
    pub fn keep_policy(&mut self, policy: &crate::domain::policy::Policy) -> Result<()> {
        match policy.file_text() {
            Some(text) => self.keep_policy_text(&policy.name, &text),
            None => Ok(()),
        }
    }

    /// The drive's own copy of policy `name`, for a laptop whose config folder lacks it; `None` when the drive
    /// keeps none or it no longer reads.
    pub fn kept_policy(&self, name: &str) -> Option<crate::domain::policy::Policy> {
        let text = self.kept_policy_text(name)?;
        crate::domain::policy::Policy::from_toml(name, &text, KEPT_POLICY_SOURCE).ok()
    }

    /// Every policy the drive keeps a copy of, by name: a policy made on another laptop stays choosable on this
    /// one after the drive switched to another, as it was before.
    pub fn kept_policies(&self) -> Result<Vec<crate::domain::policy::Policy>> {
        let mut stmt =
            self.conn.prepare("SELECT key FROM meta WHERE substr(key, 1, 12) = 'policy_copy:' ORDER BY key")?;
        let keys = stmt.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>()?;
        Ok(keys
            .iter()
            .filter_map(|k| k.strip_prefix("policy_copy:"))
            .filter_map(|name| self.kept_policy(name))
            .collect())
    }

    /// The policies this laptop can choose for the drive: its own (`set`), then the drive's copies of those it
    /// lacks. A copy whose name the config folder has (even a broken file) is left out: that file is the one used.
    pub fn choosable_policies(
        &self,
        set: &crate::domain::policy::PolicySet,
    ) -> Result<Vec<crate::domain::policy::Policy>> {
        let mut list: Vec<_> = set.iter().cloned().collect();
        let copies = self.kept_policies()?;
        list.extend(copies.into_iter().filter(|p| set.get(&p.name).is_none() && set.broken_named(&p.name).is_none()));
        Ok(list)
    }

    /// The policy of the year shown and this laptop's file of it, when the file says otherwise than the copy the
    /// drive keeps for that year (which is the one used, see `cli::paperwork::policy_named`): `(copy, file)`. A
    /// closed year's copy is its own: it is listed as the copy that year goes by, the file beside it.
    pub fn shown_policy_file_differs(
        &self,
        set: &crate::domain::policy::PolicySet,
    ) -> Option<(crate::domain::policy::Policy, crate::domain::policy::Policy)> {
        let name = self.meta(POLICY_META_KEY).ok()??;
        let file = set.get(&name)?;
        let text = file.file_text()?;
        if self.kept_policy_text(&name)? == text {
            return None;
        }
        Some((self.kept_policy(&name)?, file.clone()))
    }

    /// The text of the drive's own copy of policy `name`, as `keep_policy_text` saved it.
    pub fn kept_policy_text(&self, name: &str) -> Option<String> {
        self.meta(&policy_copy_key(name)).ok()?
    }

    pub fn schools(&self) -> Result<Vec<String>> {
        // A school whose pupils all moved to another (a list imported before its school was named) is no school.
        let mut stmt = self.conn.prepare(
            "SELECT name FROM schools WHERE EXISTS (SELECT 1 FROM students WHERE school_id = schools.id) ORDER BY name",
        )?;
        let names = stmt.query_map([], |r| r.get(0))?.collect::<Result<Vec<String>, _>>()?;
        Ok(names)
    }

    /// Sets a pupil's enrollment status; the decline reason is kept only for `Declined`.
    pub fn set_enrollment(&mut self, id: i64, status: Enrollment, reason: Option<&str>) -> Result<usize> {
        self.mark(id, Change::Enrollment { status, reason: reason.map(str::to_owned) })
    }

    /// Sets a pupil's payment as the operator confirmed it (see `Change::Payment`).
    pub fn set_payment(&mut self, id: i64, status: PaymentStatus, details: &PaymentDetails) -> Result<usize> {
        let payment = match status {
            PaymentStatus::Unpaid => Payment::Unpaid,
            PaymentStatus::Government => Payment::Government,
            PaymentStatus::Paid => Payment::Paid {
                amount_fen: details.amount_fen,
                paid_on: details.paid_on,
                channel: details.channel.as_deref().and_then(crate::domain::student::PaymentChannel::from_text),
            },
        };
        self.mark(id, Change::Payment(payment))
    }

    /// Sets the pupil's categories: each mark without a year is certified for the current year, each with one
    /// keeps it (`Change::Categories`).
    pub fn set_categories(&mut self, id: i64, categories: &[CategoryMark]) -> Result<usize> {
        self.mark(id, Change::Categories(categories.to_vec()))
    }

    pub fn set_note(&mut self, id: i64, note: &str) -> Result<usize> {
        self.mark(id, Change::Note(note.to_owned()))
    }

    /// One confirmed change to one pupil under the audit action `mark`; how many fields changed.
    fn mark(&mut self, id: i64, change: Change) -> Result<usize> {
        let confirmed = ChangeOptions { confirmed: true, ..ChangeOptions::default() };
        Ok(self.apply_change("mark", id, vec![change], confirmed)?.diffs.len())
    }

    /// Applies field changes to one pupil in one transaction, with an audit row per field that really
    /// changed. Returns how many fields changed.
    pub fn change(&mut self, id: i64, action: &str, changes: &[FieldChange]) -> Result<usize> {
        self.refuse_past_year()?;
        let ctx = self.audit_context(action);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let n = fields::apply(&tx, &ctx, id, changes)?;
        tx.commit()?;
        Ok(n)
    }

    pub(crate) fn audit_context(&self, action: &str) -> AuditContext {
        AuditContext {
            at: self.now(),
            operator: self.operator.clone(),
            origin: self.origin.clone(),
            action: action.to_owned(),
            year: self.current_year,
        }
    }

    /// A pupil's change history, oldest first: by the instants of the changes (a merge appends the other
    /// laptop's rows after its own, and two laptops' clocks may be in different zones), log order where two are
    /// at one instant. An entry shows its seconds when another of the pupil's entries falls in its minute, so
    /// the order can be read from the times.
    pub fn history(&self, id: i64) -> Result<Vec<AuditEntry>> {
        let mut stmt = self
            .conn
            .prepare("SELECT at, operator, action, field, old, new FROM audit WHERE student_id = ?1 ORDER BY id")?;
        let offset = self.display_offset();
        let mut rows = stmt.query_map([id], |r| audit_entry(r, offset))?.collect::<Result<Vec<_>, _>>()?;
        rows.extend(self.unnumbered_dismissals_of(id)?);
        rows.sort_by(|a, b| instant::cmp(&a.at, &b.at));
        // A merge's row that applied a change whose own row is here too (the other laptop's change, copied with
        // its history; or this laptop's own, come back in the other's log after a merge each way) is that change
        // again, under the merging laptop's operator: shown, it read as made by both. The log keeps it; the
        // history shows each change once, by whoever made it, alike on both laptops.
        let changes: std::collections::HashSet<(String, Option<String>, Option<String>)> = rows
            .iter()
            .filter(|e| e.action != "merge")
            .map(|e| (e.field.clone(), e.old.clone(), e.new.clone()))
            .collect();
        rows.retain(|e| e.action != "merge" || !changes.contains(&(e.field.clone(), e.old.clone(), e.new.clone())));
        let mut minutes: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for e in &rows {
            *minutes.entry(e.shown_at.clone()).or_default() += 1;
        }
        for e in &mut rows {
            if minutes.get(&e.shown_at).is_some_and(|&n| n > 1) {
                e.shown_at = instant::seconds_at(&e.at, offset);
            }
        }
        Ok(rows)
    }

    /// The dismissals (and their taking back) of tax payments kept from rows without an ID number under the
    /// pupil's name, when the pupil is the only one of that name on the drive: kept under no pupil, they were in
    /// nobody's history, where the operator's word on whose payment it was belongs. Through the kept payments'
    /// index on the number (the empty one).
    fn unnumbered_dismissals_of(&self, id: i64) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT at, operator, action, field, old, new FROM audit
             WHERE field = 'payment_unapplied' AND id_number = '' AND +student_id IS NULL
               AND action IN ('dismiss', 'undismiss')
             ORDER BY id",
        )?;
        let offset = self.display_offset();
        let rows = stmt.query_map([], |r| audit_entry(r, offset))?.collect::<Result<Vec<_>, _>>()?;
        if rows.is_empty() {
            return Ok(rows);
        }
        let held: Option<(String, Option<String>)> = {
            use rusqlite::OptionalExtension;
            self.conn
                .query_row(
                    "SELECT trim(name), (SELECT name FROM schools WHERE id = school_id) FROM students WHERE id = ?1",
                    [id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
        };
        let Some((name, school)) = held.filter(|(n, _)| !n.is_empty()) else { return Ok(Vec::new()) };
        let school = school.as_deref().map(crate::domain::unapplied::school_key);
        let same_name: i64 =
            self.conn.query_row("SELECT count(*) FROM students WHERE trim(name) = ?1", [&name], |r| r.get(0))?;
        if same_name != 1 {
            return Ok(Vec::new());
        }
        let named = |e: &AuditEntry| {
            let record = e.new.as_deref().and_then(crate::domain::unapplied::UnappliedPayment::from_json);
            // Another school's row of the name is another pupil's payment.
            record.is_some_and(|r| {
                r.name.trim() == name
                    && r.school.as_deref().is_none_or(|s| Some(crate::domain::unapplied::school_key(s)) == school)
            })
        };
        Ok(rows.into_iter().filter(named).collect())
    }

    pub fn audit_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))?)
    }

    pub fn student(&self, id: i64) -> Result<Student> {
        read::student(&self.conn, id)?.ok_or(StoreError::NoSuchStudent(id))
    }
}

/// When search keys an older canbao wrote are written again by today's readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keys {
    AtOpen,
    /// By the caller, with `Store::rebuild_search_keys`.
    Later,
}

/// The journal mode a drive opened for writing is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Journal {
    /// WAL, as every drive runs.
    Wal,
    /// The file's own (see [`Store::open_keyed_keeping_journal`]).
    AsFound,
}

/// What [`Store::file_stamp`] saw of the drive's files: unchanged, nobody saved since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStamp([(u64, Option<std::time::SystemTime>); 2]);

/// How to open a drive again on another thread: same file, same passphrase, same mode.
#[derive(Debug, Clone)]
pub struct Reopen {
    pub path: PathBuf,
    key: Option<Passphrase>,
    pub read_only: bool,
    /// The earlier year the drive is shown for, shown again on the new connection.
    pub viewed_year: Option<i32>,
    /// How the commands the new connection's messages offer name the drive, as this one's do.
    hint_drive: Option<PathBuf>,
    /// The laptop, as this connection was told it: a worker remembers a name as this laptop's too.
    installation: Option<crate::installation::Installation>,
}

impl Reopen {
    /// A second connection in this process (a worker thread). The file was looked at when the drive was first
    /// opened; it is not opened again outside SQLite now: closing any other handle to the drive or its `-wal` or
    /// `-shm` drops every lock this process holds on them (POSIX locks belong to the process), and another
    /// canbao would then take the WAL for its own and delete it under the open drive.
    pub fn open(&self) -> Result<Store> {
        let mut store = if self.read_only {
            Store::read_only_connection(&self.path, self.key.as_ref())?
        } else {
            let conn = Connection::open(&self.path)?;
            if let Some(k) = &self.key {
                cipher::apply_key(&conn, k)?;
            }
            // Outdated search keys are the screen's to write, as a job of its own (see `open_keyed_for_screen`).
            Store::init(conn, Some(self.path.clone()), self.key.clone(), Keys::Later, Journal::Wal)?
        };
        store.hint_drive = self.hint_drive.clone();
        if let Some(installation) = &self.installation {
            store.on_installation(installation.clone())?;
        }
        if let Some(year) = self.viewed_year {
            store.view_year(year)?;
        }
        Ok(store)
    }

    /// The drive opened to write, as the screen opens it at start (`Store::open_keyed_for_screen`: the schema
    /// brought forward, search keys an older canbao wrote left for the screen's worker), by a window that was
    /// reading it and now holds its lock. The caller closes its read-only connection first (see `open`), and
    /// shows an earlier year again once the daily backup is taken, as the screen's start does.
    pub fn open_to_write(&self) -> Result<Store> {
        let mut store = Store::open_keyed_for_screen(&self.path, self.key.as_ref())?;
        store.hint_drive = self.hint_drive.clone();
        if let Some(installation) = &self.installation {
            store.on_installation(installation.clone())?;
        }
        Ok(store)
    }
}

/// Who, when and why, stamped on every audit row of one operation.
#[derive(Debug, Clone)]
pub(crate) struct AuditContext {
    pub at: String,
    pub operator: String,
    pub origin: String,
    pub action: String,
    /// The insured year stamped on rows of yearly fields and categories (see `fields::year_stamped_key`).
    pub year: Option<i32>,
}

impl AuditContext {
    pub fn write(
        &self,
        tx: &Transaction,
        student_id: Option<i64>,
        id_number: &str,
        field: &str,
        old: Option<&str>,
        new: Option<&str>,
    ) -> Result<()> {
        let year = if fields::year_stamped_key(field) { self.year } else { None };
        tx.prepare_cached(
            "INSERT INTO audit(at, operator, origin, action, student_id, id_number, field, old, new, year)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(params![
            self.at,
            self.operator,
            self.origin,
            self.action,
            student_id,
            id_number,
            field,
            old,
            new,
            year
        ])?;
        Ok(())
    }
}

/// One row of a pupil's history.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    /// The instant as stored (UTC; older files with their local offset).
    pub at: String,
    /// "2026-11-23 10:00" ("2026-11-23 10:00:07" when another entry shares its minute), in the zone this drive
    /// is worked in (see [`Store::display_offset`]).
    pub shown_at: String,
    pub operator: String,
    pub action: String,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

fn new_origin() -> String {
    use std::hash::{BuildHasher, Hasher};
    // No randomness crate: the std hasher is randomly keyed per process, which is enough to tell copies apart.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    h.write_u32(std::process::id());
    format!("{:016x}", h.finish())
}

#[cfg(test)]
mod tests;

/// The meta key of the drive's copy of a policy.
/// Where a policy read from the drive's own copy says it came from.
pub const KEPT_POLICY_SOURCE: &str = "数据文件中保存的副本 (the drive's copy)";

fn policy_copy_key(name: &str) -> String {
    format!("policy_copy:{name}")
}

/// The meta key of when the copy under [`policy_copy_key`] was kept (see `Store::kept_policy_at`).
pub(crate) fn policy_copy_at_key(name: &str) -> String {
    format!("{POLICY_COPY_AT}{name}")
}

/// The prefix of [`policy_copy_at_key`]; not `policy_copy:`, so the copies' own listing does not take it.
pub(crate) const POLICY_COPY_AT: &str = "policy_copy_at:";

/// A history entry from a row of `SELECT at, operator, action, field, old, new FROM audit`, its time shown to the
/// minute in the drive's zone.
fn audit_entry(r: &rusqlite::Row<'_>, offset: chrono::FixedOffset) -> rusqlite::Result<AuditEntry> {
    let at: String = r.get(0)?;
    Ok(AuditEntry {
        shown_at: instant::minutes_at(&at, offset),
        at,
        operator: r.get(1)?,
        action: r.get(2)?,
        field: r.get(3)?,
        old: r.get(4)?,
        new: r.get(5)?,
    })
}
