//! The county's picture: drive files pushed into a PostgreSQL database the office's IT runs, and the roll-up
//! read back from it. Drives stay the place work is done; the county database only gathers them.

pub mod connect;
mod copy;
mod decide;
pub mod drive;
pub mod push;
pub mod rollup;
pub mod schema;

pub use connect::Target;
pub use push::{DriveFile, Holder, PushConflict, PushReport, SkippedFile, push_all};
pub use rollup::{Rollup, rollup};

/// The per-row maps of a push and of reading its drive: keyed by row ids and hashes the drive and the push
/// made themselves, so a fast hasher (SipHash was a tenth of a push's own work).
type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type Set<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// The environment variable holding the county database's URL when `--to` / `--from` is not given.
pub const URL_ENV: &str = "CANBAO_PG";

#[derive(Debug, thiserror::Error)]
pub enum CountyError {
    #[error("汇总数据库地址无效 (bad county database URL) {shown}: {reason}")]
    Url { shown: String, reason: String },
    // The reason before the address: a long address (`?sslmode=verify-full&sslrootcert=…`) would push it past
    // the edge of the dashboard's line.
    #[error("连接不上汇总数据库 (cannot connect to the county database)：{reason}；地址 (address) {shown}")]
    Connect { shown: String, reason: String },
    #[error(
        "连接汇总数据库超时：{secs} 秒内服务器没有回应 (timed out connecting to the county database: no answer in \
         {secs} s; connect_timeout=秒数 sets how long to wait)；地址 (address) {shown}"
    )]
    Timeout { shown: String, secs: u64 },
    #[error("汇总数据库出错 (county database error): {0}")]
    Server(String),
    #[error(
        "汇总数据库是更新版本的 canbao 建的（版本 {found}，本程序支持到 {supported}），请升级 canbao \
             (the county database was made by a newer canbao: version {found}, this one reads up to {supported})"
    )]
    TooNew { found: i64, supported: i64 },
    #[error(
        "汇总数据库的表结构是版本 {found}，本程序要把它升级到 {latest}，这只能由表的所有者 {owner} 来做，\
         用户 {user} 没有这个权限：请数据库管理员以 {owner} 运行一次 canbao push --to 地址（不带文件），再照常上传 \
         (the county schema is at version {found} and this canbao brings it to {latest}, which only its owner \
         {owner} may do, not {user}: have the administrator run `canbao push --to URL` once as {owner}, with no \
         files, then push as usual)"
    )]
    NotOwner { user: String, owner: String, found: i64, latest: i64 },
    #[error(
        "汇总数据库中还没有 canbao 的表，建表需要数据库的 CREATE 权限，用户 {user} 没有：请数据库管理员以表的所有者\
         （见 README 全县汇总一节，canbao_owner）运行一次 canbao push --to 地址（不带文件），再照常上传 \
         (the county database has no canbao schema yet, and making it needs CREATE on the database, which {user} \
         lacks: have the administrator run `canbao push --to URL` once as the schema's owner, canbao_owner in \
         the README, with no files, then push as usual)"
    )]
    NoCreate { user: String },
    #[error(
        "汇总数据库中还没有数据：先用 canbao push 上传数据文件 (nothing pushed to this database yet: run canbao push first)"
    )]
    Empty,
    #[error("汇总数据库中没有学校“{0}” (no school {0} in the county database)")]
    NoSchool(String),
    #[error(
        "汇总数据库中没有 {year} 年度的数据（有：{}）(the county database holds no insured year {year}; it holds {})",
        join_years(years),
        join_years(years)
    )]
    NoYear { year: i32, years: Vec<i32> },
    #[error(
        "试运行不能与 --reveal 同用：显示完整身份证号码要记入汇总数据库的修改记录，试运行不写入 \
         (--reveal cannot go with --dry-run: showing full ID numbers is recorded in the county's history, and a dry run writes nothing)"
    )]
    RevealInDryRun,
    #[error(
        "另一次上传{holder}等了 {secs} 秒仍未结束，这次没有上传任何内容，请稍后再试；等待时长可用 \
         CANBAO_PUSH_WAIT=秒数 设置 (another push{holder_en} was still under way after {secs} s; nothing was \
         pushed, try again later; CANBAO_PUSH_WAIT=SECONDS sets how long to wait)"
    )]
    Busy { holder: String, holder_en: String, secs: u64 },
    #[error(
        "{file} 未上传：它最新的修改时间为 {newest}，比汇总数据库服务器的时钟（{now}）还晚 {minutes} 分钟：做这些修改的电脑时钟\
         可能走快了，汇总按修改时间取舍，会让它的修改压过别的电脑其后作的修改；其数据都未写入。请先核对并调好这台电脑\
         的日期和时间；核实后仍要上传，请加 --accept-clock ({file} was not pushed: its newest change is stamped {newest}, {minutes} \
         minutes later than the county server's clock, {now}: the laptop that made it may run fast, and the county \
         goes by when changes were made, so its changes would win over ones made after them elsewhere; nothing of \
         it was written. Check and set that laptop's date and time first; to push anyway once checked, add --accept-clock)"
    )]
    ClockAhead { file: String, newest: String, now: String, minutes: i64 },
    #[error(
        "用户 {user} 不能从汇总数据库中删除学生，这次没有上传任何内容：--remove-restored 请由表的所有者（见 README \
         全县汇总一节，canbao_owner）运行 (user {user} may not take pupils out of the county database; nothing was \
         pushed: have the schema's owner, canbao_owner in the README, run --remove-restored)"
    )]
    MayNotRemove { user: String },
    #[error(
        "{files} 中有 {pupils} 名学生的学校是「本校」（导入名单时名单没有写学校名称），汇总会把各校的「本校」算作同一所学校，\
         这次没有上传任何内容：请先给学校命名，运行 {command}，或在程序中按 : 打开命令面板选「学校改名」，再上传 \
         ({files}: {pupils} pupil(s) are under the placeholder school 本校, given when a list named no school, and the \
         county would file every drive's 本校 as one school; nothing was pushed: name the school first, run {command}, \
         or press : in the program and pick 学校改名 (Rename a school), then push)"
    )]
    PlaceholderSchool { files: String, pupils: usize, command: String },
    #[error("上传中断 (the upload broke off): {0}")]
    Io(String),
    #[error("{file} 未能上传，它的数据都未写入 ({file} was not pushed, nothing of it was written): {reason}")]
    File { file: String, reason: String },
}

fn join_years(years: &[i32]) -> String {
    years.iter().map(i32::to_string).collect::<Vec<_>>().join("、")
}

impl CountyError {
    /// The message as the dashboard's one status line says it: the reason first, the address after it without
    /// its query string (a real county's `?sslmode=verify-full&sslrootcert=…` would fill the line).
    pub fn shortened(&self) -> String {
        let short = |shown: &str| match shown.split_once('?') {
            Some((base, _)) => format!("{base}?…"),
            None => shown.to_owned(),
        };
        match self {
            CountyError::Connect { shown, reason } => format!("{reason}；{}", short(shown)),
            CountyError::Timeout { shown, secs } => format!(
                "连接汇总数据库超时：{secs} 秒内服务器没有回应 (timed out connecting to the county database: no answer \
                 in {secs} s)；{}",
                short(shown)
            ),
            other => other.to_string(),
        }
    }

    /// A server's error, with its message (the library's own text says only "db error"). The server never
    /// quotes a password back; connection errors, which could, are scrubbed by `Target`.
    pub fn server(e: postgres::Error) -> CountyError {
        CountyError::Server(connect::error_text(&e))
    }

    /// The same error with the password masked wherever a message quotes it.
    pub fn scrubbed(self, target: &Target) -> CountyError {
        match self {
            CountyError::Server(m) => CountyError::Server(target.scrub(&m)),
            CountyError::Io(m) => CountyError::Io(target.scrub(&m)),
            CountyError::File { file, reason } => CountyError::File { file, reason: target.scrub(&reason) },
            other => other,
        }
    }
}

/// The insured year a drive collects for on `today` when nothing else says: from September on, next year's.
pub fn collecting_year(today: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    if today.month() >= 9 { today.year() + 1 } else { today.year() }
}
