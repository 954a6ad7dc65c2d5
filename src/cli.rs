//! The command line: parsing, and each command's output in text or JSON. Exit codes: 0 success, 1 a user-facing
//! error (bad file, nothing to import), 2 a usage error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use serde::Serialize;

mod paperwork;
mod passphrase;

use crate::domain::id_number;
use crate::domain::search::Query;
use crate::domain::student::Student;
use crate::domain::student::{Enrollment, PaymentChannel, PaymentStatus, parse_yuan};
use crate::io::class_list::{self, ImportReport};
use crate::io::export::FileFormat;
use crate::io::forms::{self, FormInput, template::Template};
use crate::io::reconcile::Source;
use crate::io::sheet::{self, ExportOptions};
use crate::store::cipher::{self, FileKind};
use crate::store::lock::DriveLock;
use crate::store::{Change, ChangeOptions, Payment, Store, StoreError};

#[derive(Parser, Debug, Clone)]
#[command(
    name = "canbao",
    version,
    about = "参保：学生城乡居民医保集中参保工具 (student enrollment drives for resident medical insurance)"
)]
pub struct Cli {
    /// 数据文件 (the drive file); default: $CANBAO_DB, else the platform data folder
    #[arg(long, global = true, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// 操作员姓名，记入修改记录 (operator's name for the audit log); default: $CANBAO_OPERATOR
    #[arg(long, global = true, value_name = "NAME")]
    pub operator: Option<String>,
    /// 界面语言 (interface language)
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,
    /// 配色主题 (colour theme): default, light, high-contrast, or a file name in the config folder
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,
    /// 只读打开，不做任何修改 (open the drive read-only: nothing is changed)
    #[arg(long, global = true)]
    pub read_only: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    Zh,
    En,
}

#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// 用内置示例学校打开界面 (the TUI on a fresh copy of the bundled sample school)
    Demo,
    /// 导入班级名单 (import class lists: CSV, XLSX, XLS)
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// 导入到此学校 (school the pupils belong to)
        #[arg(long)]
        school: Option<String>,
        /// 只显示报告，不修改数据 (show the report, change nothing)
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// 查找学生：姓名、拼音首字母、身份证号片段、班级 (find pupils)
    Find {
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// 显示完整身份证号码（记入修改记录）(show full ID numbers; recorded in the audit log)
        #[arg(long)]
        reveal: bool,
        #[arg(long)]
        json: bool,
    },
    /// 统计 (counts per status and class)
    Stats {
        #[arg(long)]
        school: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 导出表格 (export a form)
    Export {
        kind: ExportKind,
        #[arg(long, value_enum, default_value_t = FormatArg::Xlsx)]
        format: FormatArg,
        /// 输出文件或文件夹 (output file or folder)
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long)]
        school: Option<String>,
        #[arg(long)]
        class: Option<String>,
        /// 隐藏身份证号码中间位 (mask ID numbers)
        #[arg(long)]
        mask: bool,
        /// 批量参保模板的名称 (template: data/templates/NAME.toml or the config folder's templates/NAME.toml)
        #[arg(long, value_name = "NAME")]
        template: Option<String>,
        /// 缴费告知单按此日期计算金额，默认今天 (notices: the payment day the amounts are for; default today)
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = paperwork::parse_date)]
        on: Option<chrono::NaiveDate>,
    },
    /// 参保政策：列出、选定、查看 (the drive's policy: list, use, show)
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// 应缴金额与待遇期 (amount due and coverage for a pupil, or for given categories)
    Quote {
        /// 学生身份证号码；不填则按 --category 计算 (a pupil's ID number; without it, quote for --category)
        id_number: Option<String>,
        /// 使用此政策而不是数据文件选定的政策 (use this policy instead of the drive's)
        #[arg(long, value_name = "NAME")]
        policy: Option<String>,
        /// 人员类别，可重复：低保、特困、监测户 … (a category; repeatable)
        #[arg(long = "category", value_name = "NAME")]
        categories: Vec<String>,
        /// 缴费日期，默认今天 (payment date, default today)
        #[arg(long, value_name = "YYYY-MM-DD", value_parser = paperwork::parse_date)]
        paid_on: Option<chrono::NaiveDate>,
        /// 新参保 (never insured here before)
        #[arg(long, conflicts_with = "interrupted")]
        new_enrollee: bool,
        /// 中断后再参保 (insured before, with a gap)
        #[arg(long)]
        interrupted: bool,
        /// 9月入学新生 (entered school this September)
        #[arg(long)]
        freshman: bool,
        #[arg(long)]
        json: bool,
    },
    /// 与税务、医保或部门名单对账 (reconcile an agency's list with the roster)
    Reconcile {
        file: PathBuf,
        /// tax：税务缴费名单；agency：医保参保登记反馈；categories：部门认定的人员类别名单
        #[arg(long, value_enum)]
        source: SourceArg,
        /// 只显示报告，不修改数据 (show the report, change nothing)
        #[arg(long)]
        dry_run: bool,
        /// 显示完整身份证号码（记入修改记录）(show full ID numbers; recorded in the audit log)
        #[arg(long)]
        reveal: bool,
        #[arg(long)]
        json: bool,
    },
    /// 检查名单：重复、身份证号码错误、未分班、类别缺认定部门 (check the roster)
    Check {
        /// 显示完整身份证号码（记入修改记录）(show full ID numbers; recorded in the audit log)
        #[arg(long)]
        reveal: bool,
        #[arg(long)]
        json: bool,
    },
    /// 备份数据文件 (a consistent copy of the drive file; default: the backups folder beside it)
    Backup {
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// 从备份恢复（先备份当前文件）(replace the drive with a backup, after backing up the current one)
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// 登记一名学生的参保、缴费或备注 (mark one pupil, for scripts: prints 已保存 once it is on disk)
    Mark {
        /// 身份证号码，有问题的号码按名单中保存的写法 (the pupil's ID number; a flagged one as the roster holds it)
        id_number: String,
        /// 姓名：多名学生的号码相同（有问题的号码）时用于区分 (the name, when a flagged number is shared)
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_parser = ["unknown", "here", "elsewhere", "declined", "left"])]
        enrollment: Option<String>,
        /// 不参保原因 (reason, with --enrollment declined)
        #[arg(long)]
        reason: Option<String>,
        #[arg(long, value_parser = ["unpaid", "paid", "government"])]
        payment: Option<String>,
        /// 缴费金额（元）(amount in yuan, with --payment paid)
        #[arg(long)]
        amount: Option<String>,
        #[arg(long, value_name = "YYYY-MM-DD")]
        paid_on: Option<chrono::NaiveDate>,
        #[arg(long)]
        channel: Option<String>,
        #[arg(long)]
        note: Option<String>,
    },
    /// 加密数据文件：口令取自 CANBAO_PASSPHRASE 或终端输入 (encrypt the drive with a passphrase)
    Encrypt {
        /// 写出加密副本到此文件，原文件不变 (write an encrypted copy here and leave the drive as it is)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// 解密数据文件，恢复为不加密的文件 (decrypt the drive back to a plain file)
    Decrypt {
        /// 写出不加密的副本到此文件，原文件不变 (write a plain copy here and leave the drive as it is)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// 学校：改名 (schools: rename one, keeping its pupils)
    School {
        #[command(subcommand)]
        action: SchoolAction,
    },
    /// 显示正在使用的数据文件、配置和备份文件夹 (print the drive file, data, config and backup folders in use)
    Paths {
        #[arg(long)]
        json: bool,
    },
    /// 生成命令行补全脚本 (print a shell completion script: bash, zsh, fish, powershell)
    Completions {
        #[arg(value_enum)]
        shell: ShellArg,
    },
    /// 合并另一台电脑上的数据文件 (bring in another laptop's copy of this drive)
    Merge {
        #[arg(value_name = "OTHER.db")]
        other: PathBuf,
        #[arg(long)]
        dry_run: bool,
        /// 显示完整身份证号码（记入修改记录）(show full ID numbers; recorded in the audit log)
        #[arg(long)]
        reveal: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug, Clone)]
pub enum SchoolAction {
    /// 学校改名，学生随之 (rename a school; its pupils stay with it, each change audited)
    Rename {
        /// 现在的名称 (the name now)
        old: String,
        /// 新名称 (the new name)
        new: String,
        /// 新名称已是另一所学校时，把两校合并（无法再分开）(when the new name is another school's, merge the two)
        #[arg(long)]
        merge: bool,
    },
}

#[derive(Subcommand, Debug, Clone)]
pub enum PolicyAction {
    /// 列出可用政策 (list the policies)
    List {
        #[arg(long)]
        json: bool,
    },
    /// 为数据文件选定政策 (record the drive's policy)
    Use { name: String },
    /// 查看政策：默认为数据文件选定的政策 (show a policy; default the drive's)
    Show {
        name: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// 以上一年度的政策为底稿，生成本年度政策 (make this year's policy from last year's, in the config folder)
    New {
        /// 新政策的名称，如 yibin-2027 (the new policy's name)
        name: String,
        /// 作为底稿的政策 (the policy to start from)
        #[arg(long, value_name = "BASE")]
        from: String,
        /// 保险年度 (the insured year)
        #[arg(long, value_name = "YYYY")]
        year: i32,
        /// 个人缴费标准（元）(the personal premium in yuan; default: the base's, flagged to check)
        #[arg(long, value_name = "YUAN")]
        premium: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    /// 税务部门的缴费名单 (the tax office's paid list)
    Tax,
    /// 医保经办机构的参保登记反馈 (the agency's registration feedback)
    Agency,
    /// 民政、乡村振兴等部门的认定名单 (a department's list of certified people)
    Categories,
}

impl From<SourceArg> for Source {
    fn from(s: SourceArg) -> Self {
        match s {
            SourceArg::Tax => Source::Tax,
            SourceArg::Agency => Source::Agency,
            SourceArg::Categories => Source::Categories,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportKind {
    /// 在校学生信息表 (student information sheet)
    Sheet,
    /// 批量参保模板：参保、未参保两个文件 (batch enrollment template: enrolled and not-enrolled files)
    Template,
    /// 四本台账：已缴费、未缴费、异地缴费、财政代缴 (the four ledgers)
    Ledgers,
    /// 参保花名册：特殊人员类别 (special-category roster)
    Special,
    /// 班级核对表：每班一张，供班主任勾选 (one list per class for teachers)
    Classes,
    /// 参保进度汇总 (the day's progress: totals and per class)
    Summary,
    /// 缴费告知单：每位未缴费学生一张，按班级，A4 每页三至四张 (payment notices for families still to pay)
    Notices,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Xlsx,
    Csv,
}

impl From<FormatArg> for FileFormat {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Xlsx => FileFormat::Xlsx,
            FormatArg::Csv => FileFormat::Csv,
        }
    }
}

/// `--lang en`: the command line's own text in English only. Without it (or with `--lang zh`) a line gives the
/// Chinese with the English after it in brackets, as scripts and operators have always read it.
static ENGLISH: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub(crate) fn english() -> bool {
    ENGLISH.load(std::sync::atomic::Ordering::Relaxed)
}

/// The line in the language asked for: `bilingual` by default, `en` with `--lang en`.
pub(crate) fn say(bilingual: &str, en: &str) {
    println!("{}", if english() { en } else { bilingual });
}

/// A failure the user can act on: printed, exit code 1.
#[derive(Debug)]
pub struct UserError(pub String);

impl<E: std::error::Error> From<E> for UserError {
    fn from(e: E) -> Self {
        UserError(e.to_string())
    }
}

type CmdResult = Result<(), UserError>;

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

fn operator_from(cli: &Cli) -> Option<String> {
    cli.operator
        .clone()
        .or_else(|| std::env::var("CANBAO_OPERATOR").ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

#[derive(Serialize)]
struct PathsJson {
    drive: PathBuf,
    data_dir: PathBuf,
    config_dir: Option<PathBuf>,
    backup_dir: PathBuf,
}

/// Where things are, without opening (or creating) anything.
fn paths(cli: &Cli, json: bool) -> CmdResult {
    let drive = drive_path(cli);
    // As the store names it: `backups/` beside the drive file.
    let backup_dir = drive.parent().unwrap_or(Path::new(".")).join("backups");
    let out = PathsJson { drive, data_dir: data_dir(), config_dir: config_dir(), backup_dir };
    if json {
        print_json(&out);
        return Ok(());
    }
    let en = cli.lang == Some(Lang::En);
    let label = |zh: &'static str, english: &'static str| if en { english } else { zh };
    let none = label("（无）", "(none)");
    let text = format!(
        "{}\t{}\n{}\t{}\n{}\t{}\n{}\t{}\n",
        label("数据文件", "drive"),
        out.drive.display(),
        label("数据文件夹", "data"),
        out.data_dir.display(),
        label("配置文件夹", "config"),
        out.config_dir.as_deref().map_or_else(|| none.to_owned(), |p| p.display().to_string()),
        label("备份文件夹", "backups"),
        out.backup_dir.display(),
    );
    write_stdout(text.as_bytes())
}

/// A folder only this user can read, removed with everything in it when dropped.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new() -> Result<ScratchDir, UserError> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!("canbao-{}-{nanos}", std::process::id()));
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut std::fs::DirBuilder::new(), 0o700).create(&path)?;
        #[cfg(not(unix))]
        std::fs::DirBuilder::new().create(&path)?;
        Ok(ScratchDir(path))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A class the drive does not have is refused, naming the nearest ones, rather than exporting an empty form.
fn known_class(store: &Store, school: Option<&str>, wanted: &str) -> CmdResult {
    use crate::domain::class_label::ClassKey;
    let labels = store.class_labels(school)?;
    let key = ClassKey::parse(wanted);
    if labels.iter().any(|l| ClassKey::parse(l) == key) {
        return Ok(());
    }
    let target: Vec<char> = key.canonical().chars().collect();
    let mut ranked: Vec<(usize, &String)> =
        labels.iter().map(|l| (edit_distance(&target, &ClassKey::parse(l).canonical()), l)).collect();
    ranked.sort_by_key(|(d, _)| *d);
    let nearest: Vec<&str> = ranked.iter().take(3).map(|(_, l)| l.as_str()).collect();
    let nearest =
        if nearest.is_empty() { "（名单中没有班级 / no classes）".to_owned() } else { nearest.join("、") };
    Err(UserError(format!("名单中没有班级“{wanted}”，最接近的是：{nearest} (no such class; nearest: {nearest})")))
}

/// Characters to insert, delete or change to turn one label into the other.
fn edit_distance(a: &[char], b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb)).min(above + 1).min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Writes to standard output; a reader that went away (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> CmdResult {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(UserError(e.to_string())),
        _ => Ok(()),
    }
}

fn drive_path(cli: &Cli) -> PathBuf {
    cli.db.clone().unwrap_or_else(default_db_path)
}

fn open_store(cli: &Cli) -> Result<Store, UserError> {
    let path = drive_path(cli);
    crate::store::lock::check_single_name(&path)?;
    let key = passphrase::for_drive(&path)?;
    let mut store = if cli.read_only {
        Store::open_read_only_keyed(&path, key.as_ref())?
    } else {
        Store::open_keyed(&path, key.as_ref())?
    };
    if let Some(op) = operator_from(cli) {
        store.set_operator(&op)?;
    }
    Ok(store)
}

/// Opens the drive for a command that reads it: a path that names no file is a mistake to report, not a new
/// empty drive to report on.
fn open_existing(cli: &Cli) -> Result<Store, UserError> {
    let path = drive_path(cli);
    if !path.exists() {
        return Err(StoreError::Missing { path: path.display().to_string() }.into());
    }
    open_store(cli)
}

/// Opens the drive for a command that changes it: the one-writer lock first, so a second canbao is told who
/// holds the file instead of fighting over it.
fn open_writer(cli: &Cli) -> Result<(Store, DriveLock), UserError> {
    if cli.read_only {
        return Err(UserError(READ_ONLY_REFUSED.into()));
    }
    let lock = lock_drive(cli)?;
    let store = open_store(cli)?;
    warn_if_demo(&store);
    Ok((store, lock))
}

/// Every change to the demo file says where it goes: real work kept there is easy to mistake for a drive.
fn warn_if_demo(store: &Store) {
    if crate::demo::is_demo(store) {
        eprintln!(
            "注意：这是示例数据文件（canbao demo），不是正式数据：{} \
             (note: this is the demo file, not a real drive)",
            store.path().map(|p| p.display().to_string()).unwrap_or_default()
        );
    }
}

/// Records that full ID numbers are about to be shown (`--reveal`), before they are: exposure is audited like
/// the TUI's `r`. A read-only session cannot record it, so it cannot reveal either.
fn record_reveal(cli: &Cli, store: &mut Store, scope: &str, pupils: &[i64]) -> CmdResult {
    if cli.read_only || store.is_read_only() {
        return Err(UserError(
            "只读模式下不能显示完整身份证号码：显示会记入修改记录 \
             (read-only: revealing full ID numbers is recorded in the audit log, which needs a write)"
                .into(),
        ));
    }
    store.record_reveal_in(scope, pupils)?;
    Ok(())
}

/// An ID number as text output shows it: masked unless the operator asked for the full number.
pub(crate) fn shown_id(number: &str, reveal: bool) -> String {
    if reveal { number.to_owned() } else { id_number::mask(number) }
}

const READ_ONLY_REFUSED: &str = "只读模式，不能修改 (read-only: changes are disabled)";

fn lock_drive(cli: &Cli) -> Result<DriveLock, UserError> {
    Ok(DriveLock::acquire(&drive_path(cli), &operator_from(cli).unwrap_or_default())?)
}

/// Runs the command line; returns the process's exit code.
pub fn main() -> ExitCode {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        // A panic inside a workbook reader is caught and reported as a damaged file, without a backtrace.
        if !crate::io::table::containing_panic() {
            default_hook(info);
        }
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    ENGLISH.store(cli.lang == Some(Lang::En), std::sync::atomic::Ordering::Relaxed);
    match run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(UserError(message)) => {
            if english() {
                eprintln!("error: {message}");
            } else {
                eprintln!("错误 (error): {message}");
            }
            ExitCode::from(1)
        }
    }
}

fn run(cli: &Cli) -> CmdResult {
    match &cli.command {
        None => {
            if cli.read_only {
                return run_tui(cli, open_existing(cli)?);
            }
            confirm_new_drive(cli)?;
            // The TUI writes: it holds the lock for as long as it runs, and takes the daily backup.
            let _lock = match DriveLock::acquire(&drive_path(cli), &operator_from(cli).unwrap_or_default()) {
                Ok(lock) => lock,
                Err(in_use @ StoreError::InUse { .. }) => {
                    // Never two writers: the second canbao may look, not change.
                    if offer_read_only(&in_use)? {
                        let read_only = Cli { read_only: true, ..cli.clone() };
                        return run_tui(&read_only, open_store(&read_only)?);
                    }
                    return Err(in_use.into());
                }
                Err(e) => return Err(e.into()),
            };
            let mut store = open_store(cli)?;
            store.backup_if_due()?;
            run_tui(cli, store)
        }
        Some(Command::Demo) => {
            let path = cli.db.clone().unwrap_or_else(|| data_dir().join("demo.db"));
            let _lock = DriveLock::acquire(&path, &operator_from(cli).unwrap_or_default())?;
            let (store, kept) = crate::demo::fresh_demo(&path)?;
            if let Some(kept) = kept {
                eprintln!(
                    "示例文件中有创建后的修改，已另存为 {}（不会被自动清理）\
                     (the demo file held later changes: kept as this copy, never pruned)",
                    kept.display()
                );
            }
            let mut store = store;
            if let Some(op) = operator_from(cli) {
                store.set_operator(&op)?;
            }
            run_tui(cli, store)
        }
        Some(Command::Import { files, school, dry_run, json }) => {
            let (mut store, _lock) = open_writer(cli)?;
            if !*dry_run {
                store.backup_now("import")?;
            }
            let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
            // Where rows go whose list names no school (as `ImportRequest::new` decides): said, never silent.
            let fallback = match store.schools()?.as_slice() {
                [only] => only.clone(),
                _ => class_list::DEFAULT_SCHOOL.to_owned(),
            };
            let report = class_list::import(&mut store, &paths, school.as_deref(), *dry_run)?;
            if *json {
                print_json(&report);
            } else {
                print_import_report(&report);
                if !report.schools.is_empty() {
                    println!("名单所写的学校 (schools the lists name): {}", report.schools.join("、"));
                }
                if report.without_school > 0 {
                    println!(
                        "{} 行的名单没有写学校名称，已记入「{fallback}」；如不对，请加 --school 学校名称 重新导入 \
                         ({} rows name no school: put under \"{fallback}\"; use --school NAME to say which)",
                        report.without_school, report.without_school
                    );
                }
            }
            Ok(())
        }
        Some(Command::Find { query, limit, reveal, json }) => {
            let mut store = open_existing(cli)?;
            find(cli, &mut store, query, *limit, *reveal, *json)
        }
        Some(Command::Stats { school, json }) => {
            let store = open_existing(cli)?;
            let policy = paperwork::drive_policy(&store)?;
            let stats = store.stats(school.as_deref(), policy.as_ref())?;
            if *json {
                print_json(&stats);
            } else {
                print_stats(&stats);
            }
            Ok(())
        }
        Some(Command::Export { kind, format, out, school, class, mask, template, on }) => {
            if on.is_some() && *kind != ExportKind::Notices {
                return Err(UserError("--on 只用于 export notices (--on is for payment notices only)".into()));
            }
            let store = open_existing(cli)?;
            if let Some(class) = class {
                known_class(&store, school.as_deref(), class)?;
            }
            let opts = ExportOptions {
                format: (*format).into(),
                school: school.clone(),
                class: class.clone(),
                mask: *mask,
                date: store.today(),
            };
            // `--out -`: the form is written in a private folder, copied to standard output, and removed.
            let to_stdout = out.as_deref() == Some(Path::new("-"));
            let scratch = if to_stdout { Some(ScratchDir::new()?) } else { None };
            let out = match &scratch {
                Some(dir) => Some(dir.0.clone()),
                None => out.clone(),
            };
            let written = match kind {
                ExportKind::Sheet => {
                    let name = sheet::default_file_name(school.as_deref(), opts.date, opts.format);
                    let target = resolve_out(out.as_deref(), &name);
                    vec![sheet::export_sheet(&store, &target, &opts)?]
                }
                other => {
                    let policy = paperwork::drive_policy(&store)?;
                    let input = FormInput { store: &store, opts: &opts, policy: policy.as_ref() };
                    let out = out.as_deref();
                    match other {
                        ExportKind::Template => {
                            let name = template.as_deref().unwrap_or(forms::template::DEFAULT_TEMPLATE);
                            let template = Template::load(name, config_dir().as_deref())?;
                            forms::template::export_template(&input, &template, out)?
                        }
                        ExportKind::Ledgers => forms::ledgers::export_ledgers(&input, out)?,
                        ExportKind::Special => forms::special::export_special(&input, out)?,
                        ExportKind::Classes => forms::classes::export_classes(&input, out)?,
                        ExportKind::Summary => forms::summary::export_summary(&input, out)?,
                        ExportKind::Notices => {
                            let (path, count) = forms::notices::export_notices(&input, on.unwrap_or(opts.date), out)?;
                            println!("缴费告知单 {count} 张 (payment notices)");
                            vec![path]
                        }
                        ExportKind::Sheet => Vec::new(),
                    }
                }
            };
            if !to_stdout {
                paperwork::print_written(&written);
                return Ok(());
            }
            match written.as_slice() {
                [one] => {
                    // Read and removed before writing: a reader that stops early ends this process (SIGPIPE).
                    let bytes = std::fs::read(one)?;
                    drop(scratch);
                    write_stdout(&bytes)
                }
                several => Err(UserError(format!(
                    "此表格导出 {} 个文件，不能写到标准输出，请用 --out 文件夹                      (this form is {} files: give --out a folder instead of -)",
                    several.len(),
                    several.len()
                ))),
            }
        }
        Some(Command::Policy { action }) => match action {
            PolicyAction::List { json } => paperwork::policy_list(&open_existing(cli)?, *json),
            PolicyAction::Use { name } => paperwork::policy_use(&mut open_writer(cli)?.0, name),
            PolicyAction::Show { name, json } => paperwork::policy_show(&open_existing(cli)?, name.as_deref(), *json),
            PolicyAction::New { name, from, year, premium } => {
                paperwork::policy_new(name, from, *year, premium.as_deref())
            }
        },
        Some(Command::Quote { id_number, policy, categories, paid_on, new_enrollee, interrupted, freshman, json }) => {
            let store = open_existing(cli)?;
            let args = paperwork::QuoteArgs {
                id_number: id_number.as_deref(),
                policy: policy.as_deref(),
                categories,
                paid_on: *paid_on,
                new_enrollee: *new_enrollee,
                interrupted: *interrupted,
                freshman: *freshman,
                json: *json,
            };
            paperwork::quote(&store, &args, cli.lang)
        }
        Some(Command::Reconcile { file, source, dry_run, reveal, json }) => {
            let (mut store, _lock) = open_writer(cli)?;
            if !*dry_run {
                store.backup_now("reconcile")?;
            }
            if *reveal {
                record_reveal(cli, &mut store, "reconcile", &[])?;
            }
            paperwork::reconcile(&mut store, file, (*source).into(), *dry_run, *reveal, *json)
        }
        Some(Command::Check { reveal, json }) => {
            let mut store = open_existing(cli)?;
            if *reveal {
                record_reveal(cli, &mut store, "check", &[])?;
            }
            paperwork::check(&store, *reveal, *json)
        }
        Some(Command::Backup { file }) => {
            // Like any writer: the backup records itself in the drive and prunes the backups folder.
            let (store, _lock) = open_writer(cli)?;
            let written = match file {
                Some(f) => Some(store.backup_to(f)?),
                None => {
                    let mut store = store;
                    store.backup_now("manual")?
                }
            };
            match written {
                Some(p) => say(&format!("已备份 (backed up): {}", p.display()), &format!("backed up: {}", p.display())),
                None => say("内存中的数据无需备份 (nothing to back up)", "nothing to back up"),
            }
            Ok(())
        }
        Some(Command::Restore { file }) => {
            if cli.read_only {
                return Err(UserError(READ_ONLY_REFUSED.into()));
            }
            let path = drive_path(cli);
            let _lock = lock_drive(cli)?;
            let key = passphrase::for_drive(&path)?;
            let safety = crate::store::backup::restore_keyed(&path, file, key.as_ref())?;
            if let Some(s) = safety {
                say(
                    &format!("恢复前的数据已备份 (the previous data was backed up): {}", s.display()),
                    &format!("the previous data was backed up: {}", s.display()),
                );
            }
            say(&format!("已从 {} 恢复 (restored)", file.display()), &format!("restored from {}", file.display()));
            Ok(())
        }
        Some(Command::Mark { id_number, name, enrollment, reason, payment, amount, paid_on, channel, note }) => {
            let (mut store, _lock) = open_writer(cli)?;
            let pupil = paperwork::pupil_by_number(&store, id_number, name.as_deref())?;
            let mut changes = Vec::new();
            if let Some(status) = enrollment.as_deref().and_then(Enrollment::from_code) {
                changes.push(Change::Enrollment { status, reason: reason.clone() });
            }
            if let Some(p) = payment.as_deref().and_then(PaymentStatus::from_code) {
                changes.push(Change::Payment(match p {
                    PaymentStatus::Unpaid => Payment::Unpaid,
                    PaymentStatus::Government => Payment::Government,
                    PaymentStatus::Paid => {
                        let on = paid_on.unwrap_or_else(|| store.today());
                        if on > store.today() {
                            return Err(UserError(format!(
                                "缴费日期 {on} 晚于今天，未保存 (the payment date is after today: nothing saved)"
                            )));
                        }
                        let fen = match amount.as_deref() {
                            Some(a) => {
                                parse_yuan(a).ok_or_else(|| UserError(format!("金额“{a}”无法识别 (not an amount)")))?
                            }
                            None => amount_due(&store, &pupil, on)?,
                        };
                        let channel = channel.as_deref().and_then(PaymentChannel::from_text);
                        Payment::Paid { amount_fen: Some(fen), paid_on: Some(on), channel }
                    }
                }));
            }
            if let Some(n) = note {
                changes.push(Change::Note(n.clone()));
            }
            if changes.is_empty() {
                return Err(UserError(
                    "没有要登记的内容：请给出 --enrollment、--payment 或 --note (nothing to mark)".into(),
                ));
            }
            let outcome = store.apply_change("mark", pupil.id, changes, ChangeOptions::default())?;
            if let Some(refusal) = outcome.refused {
                return Err(UserError(format!(
                    "{}：{}，未保存。如确已在校参保，请同时给出 --enrollment here ({}; nothing saved. If the pupil \
                     is enrolled here after all, add --enrollment here)",
                    pupil.name,
                    refusal.message_zh(),
                    refusal.message_en()
                )));
            }
            let n = outcome.diffs.len();
            say(
                &format!("已保存 (saved): {} {} 项修改 ({n} fields changed)", pupil.name, n),
                &format!("saved: {} ({n} fields changed)", pupil.name),
            );
            Ok(())
        }
        Some(Command::Encrypt { out }) => convert(cli, out.as_deref(), true),
        Some(Command::Decrypt { out }) => convert(cli, out.as_deref(), false),
        Some(Command::School { action: SchoolAction::Rename { old, new, merge } }) => {
            let (mut store, _lock) = open_writer(cli)?;
            if !*merge && store.schools()?.iter().any(|s| s == new.trim()) {
                return Err(UserError(format!(
                    "已有名为“{}”的学校：改名会把两校合并，且无法再分开；如确要合并，请加 --merge \
                     (a school of that name exists: renaming would merge the two for good; add --merge to do it)",
                    new.trim()
                )));
            }
            let moved = store.rename_school(old, new)?;
            println!("已改名 (renamed): {old} -> {} （{moved} 名学生 / pupils）", new.trim());
            Ok(())
        }
        Some(Command::Paths { json }) => paths(cli, *json),
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            let shell = match shell {
                ShellArg::Bash => clap_complete::Shell::Bash,
                ShellArg::Zsh => clap_complete::Shell::Zsh,
                ShellArg::Fish => clap_complete::Shell::Fish,
                ShellArg::Powershell => clap_complete::Shell::PowerShell,
            };
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "canbao", &mut out);
            write_stdout(&out)
        }
        Some(Command::Merge { other, dry_run, reveal, json }) => {
            let (mut store, _lock) = open_writer(cli)?;
            if *reveal {
                record_reveal(cli, &mut store, "merge", &[])?;
            }
            let report = store.merge_from(other, *dry_run)?;
            if *json {
                print_json(&report);
            } else {
                print_merge_report(&report, *reveal);
            }
            Ok(())
        }
    }
}

/// A drive named on the command line (or by `CANBAO_DB`) that does not exist may be a mistyped path: the TUI
/// asks before creating an empty drive there. The default drive of a first run is created without asking.
fn confirm_new_drive(cli: &Cli) -> CmdResult {
    use std::io::IsTerminal;
    let path = drive_path(cli);
    let named = cli.db.is_some() || std::env::var_os("CANBAO_DB").is_some_and(|p| !p.is_empty());
    if !named || path.exists() {
        return Ok(());
    }
    let missing = StoreError::Missing { path: path.display().to_string() };
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        return Err(missing.into());
    }
    eprintln!("{missing}");
    eprint!("新建一个空的数据文件？(create a new, empty drive here?) [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "是") {
        Ok(())
    } else {
        Err(UserError("未新建数据文件 (no drive was created)".into()))
    }
}

/// Asks, at a terminal, whether to open a drive in use read-only. Anywhere else the answer is no, and the
/// error says how to ask for it.
fn offer_read_only(in_use: &StoreError) -> Result<bool, UserError> {
    use std::io::IsTerminal;
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Err(UserError(format!("{in_use}；可加 --read-only 只读打开 (add --read-only to open it read-only)")));
    }
    eprintln!("{in_use}");
    eprint!("以只读方式打开？(open read-only?) [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "是"))
}

/// `encrypt` (`to_encrypted`) or `decrypt`: writes the converted copy beside the drive, checks it, and
/// renames it over the drive after a backup; with `--out` only the copy is written.
fn convert(cli: &Cli, out: Option<&Path>, to_encrypted: bool) -> CmdResult {
    if !cipher::SUPPORTED {
        return Err(StoreError::NoEncryption.into());
    }
    if cli.read_only && out.is_none() {
        return Err(UserError(READ_ONLY_REFUSED.into()));
    }
    let path = drive_path(cli);
    if !path.exists() {
        return Err(UserError(format!("数据文件不存在：{} (no such drive file)", path.display())));
    }
    let _lock = lock_drive(cli)?;
    let plain = cipher::file_kind(&path) == FileKind::Plain;
    let (mut store, new_key) = if to_encrypted {
        if !plain {
            return Err(UserError(format!(
                "数据文件已经加密，或不是 canbao 数据文件：{} (already encrypted, or not a canbao file)",
                path.display()
            )));
        }
        (Store::open(&path)?, Some(passphrase::new_one()?))
    } else {
        if plain {
            return Err(UserError(format!("数据文件没有加密：{} (the file is not encrypted)", path.display())));
        }
        (Store::open_keyed(&path, passphrase::for_drive(&path)?.as_ref())?, None)
    };
    if let Some(out) = out {
        store.export_to(out, new_key.as_ref())?;
        let done = if to_encrypted {
            "已写出加密副本 (encrypted copy written)"
        } else {
            "已写出不加密的副本 (plain copy written)"
        };
        println!("{done}: {}", out.display());
        return Ok(());
    }
    let safety = store.backup_now(if to_encrypted { "encrypt" } else { "decrypt" })?;
    let staging = cipher::staging_path(&path);
    let _ = std::fs::remove_file(&staging);
    if let Err(e) = store.export_to(&staging, new_key.as_ref()) {
        let _ = std::fs::remove_file(&staging);
        return Err(e.into());
    }
    drop(store);
    // The last connection's close folds the WAL back into the file and deletes it. A WAL still there means
    // another canbao has the file open read-only; its WAL would be replayed onto the new file, so stop.
    let wal = path.with_file_name(format!("{}-wal", path.file_name().unwrap_or_default().to_string_lossy()));
    if wal.exists() {
        let _ = std::fs::remove_file(&staging);
        return Err(UserError(format!(
            "数据文件正被另一个程序打开（{} 仍在），请关闭后重试；未做任何修改 \
             (the file is open elsewhere: close it and try again; nothing changed)",
            wal.display()
        )));
    }
    cipher::replace_drive(&path, &staging)?;
    if let Some(s) = safety {
        println!("转换前的数据已备份 (the previous data was backed up): {}", s.display());
    }
    if to_encrypted {
        println!("已加密 (encrypted): {}", path.display());
        println!(
            "注意：backups 文件夹中加密之前的备份没有加密，请妥善保管或删除 \
             (note: backups taken before now are not encrypted: keep them safe or delete them)"
        );
        println!("口令丢失将无法恢复数据 (a lost passphrase cannot be recovered, and neither can the data)");
    } else {
        println!("已解密 (decrypted): {}", path.display());
    }
    Ok(())
}

fn print_merge_report(r: &crate::store::merge::MergeReport, reveal: bool) {
    if r.dry_run {
        println!("试运行，未修改数据 (dry run: nothing changed)");
    }
    println!(
        "新增 {}，更新 {}，未变 {}，冲突 {}，复制修改记录 {} 条 (added, updated, unchanged, conflicts, audit rows copied)",
        r.added,
        r.updated,
        r.unchanged,
        r.conflicts.len(),
        r.audit_rows_copied
    );
    for c in &r.conflicts {
        println!(
            "  {} {} 「{}」：保留 {:?}（{}），舍弃 {:?}（{}）",
            c.name,
            shown_id(&c.id_number, reveal),
            c.field,
            c.kept,
            crate::store::instant::local_minutes(&c.kept_at),
            c.lost,
            crate::store::instant::local_minutes(&c.lost_at)
        );
    }
    if !r.ambiguous.is_empty() {
        println!(
            "无法确定对应哪位学生，已作为新学生加入，请核对 {} 人 (matches more than one pupil: added as new, check them)",
            r.ambiguous.len()
        );
    }
    for a in &r.ambiguous {
        println!(
            "  {} {} {} 身份证号“{}”：本机 {} 人、对方 {} 人符合 (ours {}, theirs {})",
            a.school,
            a.class,
            a.name,
            shown_id(&a.id_number, reveal),
            a.ours,
            a.theirs,
            a.ours,
            a.theirs
        );
    }
}

/// `--out` may name a file or an existing folder; without it the file goes in the current folder.
fn resolve_out(out: Option<&Path>, default_name: &str) -> PathBuf {
    match out {
        Some(p) if p.is_dir() => p.join(default_name),
        Some(p) => p.to_owned(),
        None => PathBuf::from(default_name),
    }
}

fn run_tui(cli: &Cli, store: Store) -> CmdResult {
    let options = crate::tui::Options {
        lang: match cli.lang {
            Some(Lang::En) => crate::tui::Language::En,
            _ => crate::tui::Language::Zh,
        },
        theme: cli.theme.clone(),
        operator: operator_from(cli),
        config_dir: config_dir(),
    };
    crate::tui::run(store, options).map_err(|e| UserError(e.to_string()))
}

fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        // A closed pipe (`| head`) is not an error worth a panic.
        Ok(s) => {
            use std::io::Write;
            let _ = writeln!(std::io::stdout().lock(), "{s}");
        }
        Err(e) => eprintln!("JSON: {e}"),
    }
}

fn print_import_report(r: &ImportReport) {
    if r.dry_run {
        say("试运行，未修改数据 (dry run: nothing changed)", "dry run: nothing changed");
    }
    let en = format!(
        "rows read {}: added {}, updated {}, unchanged {}, duplicates {}, invalid IDs {}, skipped {}",
        r.rows_read, r.added, r.updated, r.unchanged, r.duplicates, r.id_invalid, r.skipped
    );
    if english() {
        println!("{en}");
    } else {
        println!(
            "读取 {} 行：新增 {}，更新 {}，未变 {}，重复 {}，身份证号有问题 {}，跳过 {}",
            r.rows_read, r.added, r.updated, r.unchanged, r.duplicates, r.id_invalid, r.skipped
        );
        println!("({en})");
    }
    for p in &r.problems {
        let sheet = if p.sheet.is_empty() { String::new() } else { format!(" [{}]", p.sheet) };
        let column = if p.column.is_empty() { String::new() } else { format!(" 「{}」", p.column) };
        // Row 0 means the problem concerns a whole worksheet.
        let row = match (p.row, english()) {
            (0, _) => String::new(),
            (n, true) => format!(" row {n}"),
            (n, false) => format!(" 第 {n} 行"),
        };
        println!("  {}{}{}{}{}{}", p.file, sheet, row, column, if english() { ": " } else { "：" }, p.message);
    }
}

/// The contract of `find --json`.
#[derive(Serialize)]
struct FoundPupil {
    name: String,
    id_number: String,
    id_valid: bool,
    class: String,
    school: String,
    enrollment: &'static str,
    payment: &'static str,
    categories: Vec<String>,
    id_problem: Option<String>,
}

impl From<&Student> for FoundPupil {
    fn from(s: &Student) -> Self {
        FoundPupil {
            name: s.name.clone(),
            id_number: s.id_number.clone(),
            id_valid: s.id_valid(),
            class: s.class_label(),
            school: s.school.clone(),
            enrollment: s.enrollment.code(),
            payment: s.payment.code(),
            categories: s.categories.iter().map(|c| c.name.clone()).collect(),
            id_problem: s.id_problem.clone(),
        }
    }
}

fn find(cli: &Cli, store: &mut Store, query: &str, limit: usize, reveal: bool, json: bool) -> CmdResult {
    let q = Query::parse(query);
    if q.is_empty() {
        return Err(UserError("查询为空 (empty query)".into()));
    }
    let (total, pupils) = store.search(&q, limit)?;
    if reveal && !pupils.is_empty() {
        let ids: Vec<i64> = pupils.iter().map(|s| s.id).collect();
        record_reveal(cli, store, "find", &ids)?;
    }
    if json {
        let found: Vec<FoundPupil> = pupils.iter().map(FoundPupil::from).collect();
        print_json(&found);
        return Ok(());
    }
    if pupils.is_empty() {
        let query = crate::io::table::printable(query);
        say(&format!("没有找到“{query}” (nothing found)"), &format!("nothing found for “{query}”"));
        return Ok(());
    }
    for s in &pupils {
        let id = shown_id(&s.id_number, reveal);
        let flag = if s.id_valid() { "" } else { " !" };
        // A drive may hold a control character (an old import, a merge): it must not drive the terminal.
        let shown = crate::io::table::printable;
        println!(
            "{}\t{}{}\t{}\t{}\t{}\t{}",
            shown(&s.name),
            shown(&id),
            flag,
            shown(&s.class_label()),
            if english() { s.enrollment.label_en() } else { s.enrollment.label_zh() },
            if english() { s.payment.label_en() } else { s.payment.label_zh() },
            shown(&s.categories.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join("、"))
        );
    }
    if total > pupils.len() {
        let n = pupils.len();
        say(&format!("… 共 {total} 条，显示前 {n} 条 (showing {n} of {total})"), &format!("… showing {n} of {total}"));
    }
    Ok(())
}

fn print_stats(s: &crate::store::Stats) {
    use crate::domain::coverage::{percent, permille};
    use crate::domain::policy::Ledger;
    let rate = percent(permille(s.insured as usize, s.expected as usize));
    let en = english();
    let pick = |zh: &'static str, english: &'static str| if en { english } else { zh };
    say(
        &format!(
            "学生 {} 人，应参保 {} 人，已参保 {} 人，参保率 {rate}，身份证号有问题 {} 人 (pupils {}, to insure {}, \
             insured {}, coverage {rate}, invalid IDs {})",
            s.students, s.expected, s.insured, s.id_invalid, s.students, s.expected, s.insured, s.id_invalid
        ),
        &format!(
            "pupils {}, to insure {}, insured {}, coverage {rate}, invalid IDs {}",
            s.students, s.expected, s.insured, s.id_invalid
        ),
    );
    say(
        "  已参保 = 家庭或财政已缴费、或异地参保；应参保 = 未离校且未拒绝参保 (insured = paid or elsewhere)",
        "  insured = paid by the family or a department, or enrolled elsewhere; to insure = not left, not declined",
    );
    say("参保状态 (enrollment):", "enrollment:");
    for e in crate::domain::student::Enrollment::ALL {
        println!("  {}: {}", pick(e.label_zh(), e.label_en()), s.enrollment.get(e.code()).copied().unwrap_or(0));
    }
    say("缴费状态 (payment status, as recorded):", "payment status, as recorded:");
    for p in crate::domain::student::PaymentStatus::ALL {
        println!("  {}: {}", pick(p.label_zh(), p.label_en()), s.payment.get(p.code()).copied().unwrap_or(0));
    }
    say("四本台账 (ledgers; declined and left pupils are in none):", "ledgers (declined and left pupils are in none):");
    for l in Ledger::ALL {
        println!("  {}: {}", pick(l.label_zh(), l.label_en()), s.ledgers.get(l.code()).copied().unwrap_or(0));
    }
    say(
        "班级\t人数\t应参保\t已参保\t已缴费(含代缴)\t参保率 (class, pupils, to insure, insured, paid incl. government, coverage)",
        "class\tpupils\tto insure\tinsured\tpaid (incl. government)\tcoverage",
    );
    for c in &s.classes {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}",
            if c.class.is_empty() { pick("（未分班）", "(no class)") } else { &c.class },
            c.students,
            c.expected,
            c.enrolled,
            c.paid,
            percent(permille(c.enrolled as usize, c.expected as usize))
        );
    }
}

/// A family's amount due under the drive's policy for a payment on `day`: what `mark --payment paid` records
/// when no amount is given. Without a policy, or on a day the policy does not cover, the operator must say.
fn amount_due(
    store: &Store,
    pupil: &crate::domain::student::Student,
    day: chrono::NaiveDate,
) -> Result<i64, UserError> {
    let ask = |why: String| UserError(format!("{why}：请用 --amount 给出缴费金额 (give the amount with --amount)"));
    let policy = paperwork::drive_policy(store)?.ok_or_else(|| ask("数据文件没有选定政策，无法计算应缴金额".into()))?;
    let mut on_day = pupil.clone();
    on_day.payment_details.paid_on = Some(day);
    crate::domain::policy::quote_pupil(&policy, &on_day, day)
        .map(|q| q.personal_due_fen)
        .map_err(|e| ask(e.to_string()))
}
