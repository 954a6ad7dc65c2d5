//! The command line: parsing, and each command's output in text or JSON. Exit codes: 0 success, 1 a user-facing
//! error (bad file, nothing to import), 2 a usage error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

// Every line a command prints goes through `out`, which never panics: `println!` panics when the reader has gone
// (`canbao import … | head -1`), and a command must still finish, close its drive (the checkpoint that puts the
// save into the .db a copy takes) and exit as normal. Defined before the modules so they all print through it.
macro_rules! println {
    () => { $crate::cli::out(false, format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::out(false, format_args!("{}\n", format_args!($($arg)*))) };
}
macro_rules! print {
    ($($arg:tt)*) => { $crate::cli::out(false, format_args!($($arg)*)) };
}
macro_rules! eprintln {
    () => { $crate::cli::out(true, format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::out(true, format_args!("{}\n", format_args!($($arg)*))) };
}
macro_rules! eprint {
    ($($arg:tt)*) => { $crate::cli::out(true, format_args!($($arg)*)) };
}

/// Writes to stdout (stderr when `to_stderr`); a stream whose reader has gone is left unwritten, not a panic.
pub(crate) fn out(to_stderr: bool, text: std::fmt::Arguments) {
    use std::io::Write;
    let _ = if to_stderr { std::io::stderr().lock().write_fmt(text) } else { std::io::stdout().lock().write_fmt(text) };
}

mod about;
mod county;
mod drive_file;
mod export;
mod failure;
mod interrupt;
mod numbers;
mod open;
mod output;
mod paperwork;
mod passphrase;
mod pupil;
mod roster;
mod screen;
mod year;

pub use open::{config_dir, data_dir, default_db_path};

use crate::io::export::FileFormat;
use crate::io::reconcile::Source;

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
    /// 时钟不准时仍修改、时钟不一致时仍合并：本机时钟比数据文件中最新的修改早一天以上（如主板电池没电），或两台电脑的时钟不一致；
    /// 不加此项则不做任何修改 (change the drive although this laptop's clock is more than a day behind the drive's
    /// newest change (a dead BIOS battery), or merge although the two laptops' clocks disagree; without this nothing
    /// is changed)
    #[arg(long, global = true)]
    pub accept_clock: bool,
    /// 查看较早的保险年度（只读）；默认当前年度 (show an earlier insured year, read-only; default the current one)
    #[arg(long, global = true, value_name = "YYYY", value_parser = numbers::year, allow_negative_numbers = true)]
    pub year: Option<i32>,
    /// 打开只读的全县汇总界面；不写地址则用 $CANBAO_PG (the county's dashboard, read-only, on this database)
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "")]
    pub from: Option<String>,
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
        /// 班级名单文件，可多个：CSV、XLSX、XLS (class list files, one or more: CSV, XLSX, XLS)
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// 导入到此学校 (school the pupils belong to)
        #[arg(long)]
        school: Option<String>,
        /// 只显示报告，不修改数据 (show the report, change nothing)
        #[arg(long)]
        dry_run: bool,
        /// 身份证号码相同而姓名完全不同的行也按名单改名（核对过这些行之后）(rename a pupil even where the list
        /// gives their ID number under a wholly different name, once those rows are checked)
        #[arg(long)]
        rename_by_id: bool,
        /// 名单把几乎所有已在册学生调低一个年级时（像上一学年的名单）仍然导入 (import a list even though it moves
        /// (nearly) every pupil it shares with the drive down a grade, as last school year's list would)
        #[arg(long)]
        move_down_a_grade: bool,
        /// 名单把几乎所有已在册学生调高一个年级时（像下一学年的名单）仍然导入 (import a list even though it moves
        /// (nearly) every pupil it shares with the drive up a grade, as next school year's list would)
        #[arg(long)]
        move_up_a_grade: bool,
        /// 没有班级或年级、像部门认定名单的名单（有人员类别列或认定部门列，或标题、工作表名、文件名写有
        /// 人员类别），确是本校学生名单时仍按班级名单导入 (import as the school's class list a list with no class or grade that looks
        /// like a department's list of certified people: a category column, a certifying department's column such as
        /// 认定部门, or a category named in its title, sheet name or file name)
        #[arg(long)]
        as_class_list: bool,
        /// 以 JSON 输出 (print JSON)
        #[arg(long)]
        json: bool,
    },
    /// 添加一名学生（如转学来的学生），按导入名单的同样检查、报告、记录和备份 (add one pupil, such as a transfer
    /// pupil: imported as a one-row class list, with the import's checks, report, history and backup)
    Add {
        /// 姓名 (the pupil's name)
        #[arg(long)]
        name: Option<String>,
        /// 身份证号码 (ID number)
        #[arg(long)]
        id: Option<String>,
        /// 班级，如 三年级2班 (class, e.g. 三年级2班)
        #[arg(long)]
        class: Option<String>,
        /// 联系电话 (phone)
        #[arg(long)]
        phone: Option<String>,
        /// 学校；默认数据文件中的学校 (school; default the drive's)
        #[arg(long)]
        school: Option<String>,
        /// 本校没有所写的班级时仍添加，新建这个班级 (add the pupil although the school has no such class: a new class)
        #[arg(long)]
        yes: bool,
        /// 只显示报告，不修改数据 (show the report, change nothing)
        #[arg(long)]
        dry_run: bool,
        /// 以 JSON 输出 (print JSON)
        #[arg(long)]
        json: bool,
    },
    /// 查找学生：姓名、拼音首字母、班级或身份证号（号码遮挡时按整号、末 4 至 6 位或出生日期）(find pupils)
    Find {
        /// 姓名、拼音首字母、班级，或身份证号：整个号码、末 4 至 6 位或出生日期（20181027、2018.10.27）；加 --reveal
        /// 可按号码的任意片段查找 (a name, pinyin initials, a class, or an ID number: the whole number, its last 4-6
        /// digits or the birth date; with --reveal any part of it)
        query: String,
        /// 最多列出的学生数 (list at most this many pupils)
        #[arg(long, default_value_t = 20, value_parser = numbers::count, allow_negative_numbers = true)]
        limit: usize,
        /// 显示完整身份证号码，--json 中亦然，并可按号码的任意片段查找（记入修改记录）(show full ID numbers, in --json
        /// too, and find by any part of one; recorded in the audit log)
        #[arg(long)]
        reveal: bool,
        /// 以 JSON 输出 (print JSON)
        #[arg(long)]
        json: bool,
    },
    /// 统计 (counts per status and class)
    Stats {
        /// 只统计这所学校 (count this school only)
        #[arg(long)]
        school: Option<String>,
        /// 以 JSON 输出 (print JSON)
        #[arg(long)]
        json: bool,
    },
    /// 导出表格 (export a form)
    Export(ExportArgs),
    /// 参保政策：列出、选定、查看 (the drive's policy: list, use, show)
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// 应缴金额与待遇期 (amount due and coverage for a pupil, or for given categories)
    Quote(QuoteArgs),
    /// 与税务、医保或部门名单对账 (reconcile an agency's list with the roster)
    Reconcile {
        /// 部门的名单文件：CSV、XLSX、XLS (the agency's list: CSV, XLSX, XLS)
        file: PathBuf,
        /// tax：税务缴费名单；agency：医保参保登记反馈；categories：部门认定的人员类别名单
        #[arg(long, value_enum)]
        source: SourceArg,
        /// 只显示报告，不修改数据 (show the report, change nothing)
        #[arg(long)]
        dry_run: bool,
        /// 税务名单没有一行是本数据文件的学生时（像另一所学校的名单）仍然核对，其缴费作为“名单未记入”保存在修改记录中
        /// (reconcile a tax list even though none of its rows is a pupil of the drive, as another school's list
        /// would be, keeping its payments in the history as not recorded)
        #[arg(long)]
        keep_unmatched: bool,
        /// 税务名单像另一所学校的名单时，确认就是另一所学校的名单：只记入其中本校学生的缴费，名单外的缴费不保存
        /// (take a tax list that looks like another school's as such: record the rows of this drive's pupils, and keep
        /// none of the strangers' payments)
        #[arg(long, conflicts_with = "keep_unmatched")]
        other_school_ok: bool,
        /// 显示完整身份证号码，--json 中亦然（记入修改记录）(show full ID numbers, in --json too; recorded in the audit log)
        #[arg(long)]
        reveal: bool,
        /// 以 JSON 输出 (print JSON)
        #[arg(long)]
        json: bool,
    },
    /// 检查名单：重复、身份证号码错误、未分班、类别缺认定部门 (check the roster)
    #[command(group(clap::ArgGroup::new("dismissal").args(["dismiss", "undismiss"])))]
    Check {
        /// 显示完整身份证号码，--json 中亦然（记入修改记录）(show full ID numbers, in --json too; recorded in the audit log)
        #[arg(long)]
        reveal: bool,
        /// 以 JSON 输出 (print JSON)
        #[arg(long)]
        json: bool,
        /// 销项：「税务已缴费、名单未记入」的第 N 条（或参照码，如 K3F9QX）已处理，不再列出（须加 --why；记入修改记录）
        /// (dismiss payment N, or the one of a reference such as K3F9QX, listed as paid at the tax office and not
        /// recorded here, once dealt with; needs --why; recorded in the audit log)
        #[arg(long, value_name = "N", requires = "why", value_parser = numbers::line, allow_negative_numbers = true)]
        dismiss: Option<crate::domain::unapplied::LinePick>,
        /// 销项（或撤销销项）的原因 (why it is dismissed, or taken back)
        #[arg(long, value_name = "TEXT", requires = "dismissal")]
        why: Option<String>,
        /// 列出已销项的缴费及其编号、销项人、时间和原因 (list the dismissed payments with their numbers, who, when and
        /// why)
        #[arg(long, conflicts_with = "dismissal")]
        dismissed: bool,
        /// 撤销销项：已销项的第 N 条（编号或参照码见 --dismissed）重新列出（须加 --why；记入修改记录）(take back the
        /// dismissal of payment N, or of a reference, of --dismissed: listed again; needs --why; recorded in the audit
        /// log)
        #[arg(long, value_name = "N", requires = "why", value_parser = numbers::line, allow_negative_numbers = true)]
        undismiss: Option<crate::domain::unapplied::LinePick>,
    },
    /// 含完整身份证号码的导出记录：操作员、表格、人数、文件、时间、年度 (the exports of whole ID numbers the drive's
    /// history records: operator, form, pupils, files, time, year)
    Exports {
        /// 以 JSON 输出 (print JSON)
        #[arg(long)]
        json: bool,
    },
    /// 备份数据文件 (a consistent copy of the drive file; default: the backups folder beside it)
    Backup {
        /// 备份写到此文件，或此文件夹中（以“文件名-日期-时间-manual.db”命名） (write the copy to this file, or
        /// into this folder under the name the automatic backups take)
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
    },
    /// 从备份恢复（先备份当前文件）(replace the drive with a backup, after backing up the current one)
    Restore {
        /// 用来恢复的备份文件 (the backup to restore from)
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// 即使文件不像本数据文件的备份（另一所学校、另一份数据或空文件）也恢复 (restore even a file that does not
        /// look like a backup of this drive)
        #[arg(long)]
        force: bool,
        /// 只显示恢复会撤销哪些更改，不恢复 (say which changes the restore would take back, restoring nothing)
        #[arg(long)]
        dry_run: bool,
        /// 以 JSON 输出 (print JSON)
        #[arg(long)]
        json: bool,
    },
    /// 登记一名学生的参保、缴费、备注、民族或居住地址 (mark one pupil, for scripts: prints 已保存 once it is on disk)
    Mark(MarkArgs),
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
        /// 以 JSON 输出 (print JSON)
        #[arg(long)]
        json: bool,
    },
    /// 生成命令行补全脚本 (print a shell completion script: bash, zsh, fish, powershell)
    Completions {
        /// 补全脚本所用的 shell (the shell the script is for)
        #[arg(value_enum)]
        shell: ShellArg,
    },
    /// 保险年度：开始新年度、可能已离校的学生、年度列表 (insured years: start the next, leavers, list)
    Year {
        #[command(subcommand)]
        action: year::YearAction,
    },
    /// 上传数据文件到全县汇总数据库 (push drive files into the county's PostgreSQL database)
    Push {
        /// 各工作组的数据文件，每个文件一个事务；不给文件：只建立或升级汇总数据库的表（由表的所有者运行）
        /// (the working groups' drive files, each in one transaction; none: only make or upgrade the county's
        /// schema, run by its owner)
        #[arg(value_name = "FILE.db")]
        files: Vec<PathBuf>,
        /// 汇总数据库 (the county database): postgresql://USER@HOST:PORT/DB; default $CANBAO_PG
        #[arg(long, value_name = "URL")]
        to: Option<String>,
        /// 只报告会新增、更新和冲突的内容，不写入 (report what would be added, updated and in conflict; write nothing)
        #[arg(long)]
        dry_run: bool,
        /// 冲突列表显示完整身份证号码 (show full ID numbers in the conflicts)
        #[arg(long)]
        reveal: bool,
        /// 把本数据文件的恢复删除、汇总数据库仍保留的学生从汇总数据库中删除，记入修改记录；可先加 --dry-run 查看
        /// (take out of the county the pupils a restore of the drive removed that it still holds, recorded in its
        /// history; see them first with --dry-run)
        #[arg(long)]
        remove_restored: bool,
        /// 以 JSON 输出 (print JSON)
        #[arg(long)]
        json: bool,
    },
    /// 全县汇总：按学校（或一所学校的班级）统计 (the county's counts per school, or per class of one school)
    Rollup {
        /// 汇总数据库 (the county database); default $CANBAO_PG
        #[arg(long, value_name = "URL")]
        from: Option<String>,
        /// 只看这所学校，按班级统计 (this school only, counted per class)
        #[arg(long)]
        school: Option<String>,
        /// 保险年度，默认最近的 (the insured year; default the latest pushed)
        #[arg(long, value_name = "YYYY", value_parser = numbers::year, allow_negative_numbers = true)]
        year: Option<i32>,
        /// 以 JSON 输出 (print JSON)
        #[arg(long)]
        json: bool,
    },
    /// 合并另一台电脑上的数据文件 (bring in another laptop's copy of this drive)
    Merge {
        /// 另一台电脑上的数据文件 (the other laptop's copy of the drive)
        #[arg(value_name = "OTHER.db")]
        other: PathBuf,
        /// 只显示报告，不修改数据 (show the report, change nothing)
        #[arg(long)]
        dry_run: bool,
        /// 确认合并另一所学校的、与本数据文件没有共同修改记录的数据文件 (merge a file of another school that
        /// shares no history with this drive)
        #[arg(long)]
        other_school: bool,
        /// 确认合并与本数据文件没有共同修改记录的数据文件（两台电脑各自导入了名单、从未合并过）；不加此项则不合并、不做任何修改
        /// (merge a file that shares no history with this drive: two laptops that each imported the lists and never
        /// merged; without this nothing is merged or changed)
        #[arg(long)]
        no_common_history: bool,
        /// 显示完整身份证号码，--json 中亦然（记入修改记录）(show full ID numbers, in --json too; recorded in the audit log)
        #[arg(long)]
        reveal: bool,
        /// 以 JSON 输出 (print JSON)
        #[arg(long)]
        json: bool,
    },
}

/// What `export` was asked.
#[derive(clap::Args, Debug, Clone)]
pub struct ExportArgs {
    /// 要导出的表 (the form to export)
    pub kind: ExportKind,
    /// 格式；不写则按 --out 文件名的扩展名（.csv、.xlsx），否则为 xlsx (format; without it, the extension of
    /// --out's file name, else xlsx)
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// 输出文件或文件夹 (output file or folder)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// 只导出这所学校的学生 (only this school's pupils)
    #[arg(long)]
    pub school: Option<String>,
    /// 只导出这个班级的学生 (only this class's pupils)
    #[arg(long)]
    pub class: Option<String>,
    /// 隐藏身份证号码中间位 (mask ID numbers)
    #[arg(long)]
    pub mask: bool,
    /// 批量参保模板的名称 (template: data/templates/NAME.toml or the config folder's templates/NAME.toml)
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// 批量参保模板列出全部在校学生；不加则首个年度以后只列新入校及转出（毕业）学生 (template: every pupil at school;
    /// without it, a year after the drive's first lists only new pupils and those who left or graduated)
    #[arg(long)]
    pub all: bool,
    /// 缴费告知单按此日期计算金额，默认今天 (notices: the payment day the amounts are for; default today)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = paperwork::parse_date)]
    pub on: Option<chrono::NaiveDate>,
    /// 从全县汇总数据库导出 summary；不写地址则用 $CANBAO_PG (export the county's summary from its database)
    #[arg(long, value_name = "URL", num_args = 0..=1, default_missing_value = "")]
    pub from: Option<String>,
    /// --out 所在的文件夹不存在时新建它及其上层文件夹；不加则只新建上一层已存在的一个文件夹 (create the folders --out
    /// names when missing; without it only one new folder inside a folder that exists is made)
    #[arg(long)]
    pub make_folders: bool,
    /// 覆盖 canbao 导出的另一份表格或另一所学校的同名文件；同一学校的同一份表格不加也会覆盖 (replace a file of the name
    /// that is another form canbao exported, or another school's; the same form of the same school is replaced
    /// without it)
    #[arg(long)]
    pub force: bool,
}

/// What `quote` was asked.
#[derive(clap::Args, Debug, Clone)]
pub struct QuoteArgs {
    /// 学生身份证号码；不填则按 --category 计算 (a pupil's ID number; without it, quote for --category)
    pub id_number: Option<String>,
    #[command(flatten)]
    pub pupil: pupil::PupilByName,
    /// 使用此政策而不是数据文件选定的政策 (use this policy instead of the drive's)
    #[arg(long, value_name = "NAME")]
    pub policy: Option<String>,
    /// 人员类别，可重复：低保、特困、监测户 … (a category; repeatable)
    #[arg(long = "category", value_name = "NAME")]
    pub categories: Vec<String>,
    /// 缴费日期，默认今天 (payment date, default today)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = paperwork::parse_date)]
    pub paid_on: Option<chrono::NaiveDate>,
    /// 新参保 (never insured here before)
    #[arg(long, conflicts_with = "interrupted")]
    pub new_enrollee: bool,
    /// 中断后再参保 (insured before, with a gap)
    #[arg(long)]
    pub interrupted: bool,
    /// 9月入学新生 (entered school this September)
    #[arg(long)]
    pub freshman: bool,
    /// 以 JSON 输出 (print JSON)
    #[arg(long)]
    pub json: bool,
}

/// What `mark` was asked.
#[derive(clap::Args, Debug, Clone)]
pub struct MarkArgs {
    /// 身份证号码，有问题的号码按名单中保存的写法；没有号码的学生用 --name 和 --class 选定 (the pupil's ID
    /// number; a flagged one as the roster holds it; a pupil without one is picked by --name and --class)
    pub id_number: Option<String>,
    #[command(flatten)]
    pub pupil: pupil::PupilByName,
    /// 参保状态 (the enrollment)
    #[arg(long, value_parser = ["unknown", "here", "elsewhere", "declined", "left"])]
    pub enrollment: Option<String>,
    /// 不参保原因，--enrollment declined 时必填；或异地参保的参保地 (the reason, required with --enrollment declined;
    /// or where, with elsewhere)
    #[arg(long)]
    pub reason: Option<String>,
    /// 缴费状态 (the payment)
    #[arg(long, value_parser = ["unpaid", "paid", "government"])]
    pub payment: Option<String>,
    /// 缴费金额（元），与 --payment paid 一起使用；已由家庭缴费的学生可单独给出，更正已记录的缴费 (amount in yuan, with
    /// --payment paid; alone, corrects a family's payment recorded already)
    // A negative amount typed (-5) reaches the amount's own refusal, not clap's 「unexpected argument」.
    #[arg(long, allow_hyphen_values = true)]
    pub amount: Option<String>,
    /// 补缴金额（元）：已缴部分保费（如应缴 380 元只缴了 300 元）的学生补缴其余部分，与已记录的金额相加，缴费日期为补缴
    /// 当天或 --paid-on (a top-up in yuan for a pupil whose family paid part of the amount due: added to the
    /// amount recorded, dated today or --paid-on)
    #[arg(long, value_name = "YUAN", allow_hyphen_values = true, conflicts_with_all = ["amount", "payment", "enrollment"])]
    pub top_up: Option<String>,
    /// 缴费日期，默认今天 (payment date, default today)
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = paperwork::parse_date)]
    pub paid_on: Option<chrono::NaiveDate>,
    /// 缴费渠道 (payment channel)
    #[arg(long)]
    pub channel: Option<String>,
    /// 备注 (note)
    #[arg(long)]
    pub note: Option<String>,
    /// 民族，如 汉族（写“汉”亦可）；空字符串清除 (ethnicity, such as 汉族, or 汉; an empty string clears it)
    #[arg(long, value_name = "TEXT")]
    pub ethnicity: Option<String>,
    /// 居住地址；空字符串清除 (home address; an empty string clears it)
    #[arg(long, value_name = "TEXT")]
    pub address: Option<String>,
    /// 政策规定应在待遇审批地参保的学生，仍在本校参保、登记缴费或记为财政代缴 (enroll, record a payment or mark
    /// government-paid at school for a pupil the policy sends to enroll where the benefit was approved)
    #[arg(long)]
    pub at_school: bool,
    /// 只与 --channel 一起用：替换核对税务名单记入的缴费渠道；金额与应缴不符要用 --yes (only with --channel: replace
    /// the channel of a payment the tax office's list recorded; an --amount other than the amount due takes --yes)
    #[arg(long)]
    pub force: bool,
    /// 金额与应缴不符时仍保存（家庭实缴的就是这个金额）；按政策本年度不能享受待遇的缴费仍记入本年度；政策未规定资助的
    /// 人员类别仍记为财政代缴；替换税务名单记入的渠道要用 --force (save an --amount other than the amount due, the family
    /// paid it; record for this year a payment the policy gives no cover in it; mark government-paid a pupil whose
    /// categories the policy subsidises none of; replacing a channel the tax office's list recorded takes --force)
    #[arg(long)]
    pub yes: bool,
    /// 以 JSON 输出：学生（身份证号码打码）、修改的字段及原值新值 (print JSON: the pupil, ID number masked, and each
    /// field changed with its old and new value)
    #[arg(long)]
    pub json: bool,
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
        /// 以 JSON 输出 (print JSON)
        #[arg(long)]
        json: bool,
    },
    /// 为数据文件选定政策 (record the drive's policy)
    Use {
        /// 政策名称，如 liuzhou-2023 (the policy's name)
        name: String,
        /// 新的应缴金额会把已记录的缴费算作部分缴费时仍选定 (set it although its amount due reads payments
        /// recorded in full as short)
        #[arg(long)]
        yes: bool,
    },
    /// 查看政策：默认为数据文件选定的政策 (show a policy; default the drive's)
    Show {
        /// 要查看的政策 (the policy to show)
        name: Option<String>,
        /// 以 JSON 输出 (print JSON)
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
        #[arg(long, value_name = "YYYY", value_parser = numbers::year, allow_negative_numbers = true)]
        year: i32,
        /// 个人缴费标准（元）(the personal premium in yuan; default: the base's, flagged to check)
        #[arg(long, value_name = "YUAN")]
        premium: Option<String>,
        /// 缴费标准是底稿的两倍以上或不到一半时仍生成 (write it though the premium is more than twice or under half the base's)
        #[arg(long)]
        yes: bool,
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
    /// 批量参保模板：参保、未参保两个文件；以后年度只报新入校，另有转出（毕业）文件 (batch enrollment template:
    /// enrolled and not-enrolled files; in later years new pupils only, and a file of those who left)
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

/// The text in the language asked for: `bilingual` by default, `en` with `--lang en`.
pub(crate) fn pick<'a>(bilingual: &'a str, en: &'a str) -> &'a str {
    if english() { en } else { bilingual }
}

/// The line in the language asked for: `bilingual` by default, `en` with `--lang en`.
pub(crate) fn say(bilingual: &str, en: &str) {
    println!("{}", pick(bilingual, en));
}

/// The files as given, each file once (`import`, `push`; see `io::once_each`), the operator told on stderr what
/// was done once (`once`: 「读」 and "read"); with what was said, bilingual, for a report's `warnings`.
pub(crate) fn once_each(files: &[PathBuf], once: (&str, &str)) -> (Vec<PathBuf>, Vec<String>) {
    let given = crate::io::once_each::once_each(files);
    let said: Vec<String> = given
        .again
        .iter()
        .map(|again| {
            let (both, en) = again.said(once);
            eprintln!("{}", pick(&both, &en));
            both
        })
        .collect();
    (given.kept, said)
}

/// A failure the user can act on: said on stderr, exit code 1; under `--json` also the object `failure` writes on
/// stdout, with its `kind` (a stable code a script can test) and the file and row it is about, where known.
#[derive(Debug)]
pub struct UserError {
    /// As the command said it: "zh (en)", or in the language asked for (`UserError::picked`).
    message: String,
    /// What `--json` says besides: boxed, as every command's result carries it.
    said: Box<failure::Said>,
}

impl UserError {
    /// A failure the command line itself finds (a refusal, a mistyped value): `kind` [`failure::REFUSED`] until
    /// [`UserError::kind`] names it.
    pub(crate) fn new(message: String) -> Self {
        UserError { message, said: Box::new(failure::Said::kind(failure::REFUSED)) }
    }

    /// A failure said in the language asked for, from its bilingual (`zh (en)`) and English texts.
    pub(crate) fn picked(bilingual: &str, en: &str) -> Self {
        let zh = crate::words::on_screen(bilingual, crate::words::Language::Zh).into_owned();
        Self::new(pick(bilingual, en).to_owned()).with_pair(zh, en.to_owned())
    }

    /// A failure from its Chinese and its English.
    pub(crate) fn in_two(zh: String, en: String) -> Self {
        Self::picked(&format!("{zh} ({en})"), &en).with_pair(zh, en)
    }

    fn with_pair(mut self, zh: String, en: String) -> Self {
        self.said.pair = Some((zh, en));
        self
    }

    /// Its stable code for `--json` (snake_case).
    pub(crate) fn kind(mut self, kind: &'static str) -> Self {
        self.said.kind = kind;
        self
    }

    /// A figure the message states, given to `--json` as a field of the error of its own.
    pub(crate) fn figure(mut self, name: &'static str, value: impl Into<serde_json::Value>) -> Self {
        self.said.figures.push((name, value.into()));
        self
    }

    /// The file it is about.
    pub(crate) fn file(mut self, file: impl std::fmt::Display) -> Self {
        self.said.file = Some(file.to_string());
        self
    }

    /// The code, file and row of the library's error `e` it says in its own words.
    pub(crate) fn about(mut self, e: &(dyn std::error::Error + 'static)) -> Self {
        let said = failure::of_error(e);
        (self.said.kind, self.said.file, self.said.row) = (said.kind, said.file, said.row);
        self
    }

    /// The code, file and row of `other`, which this failure says in other words.
    pub(crate) fn like(mut self, other: &UserError) -> Self {
        (self.said.kind, self.said.file, self.said.row) = (other.said.kind, other.said.file.clone(), other.said.row);
        self
    }

    /// The message as the command said it.
    pub(crate) fn message(&self) -> &str {
        &self.message
    }
}

impl<E: std::error::Error + 'static> From<E> for UserError {
    fn from(e: E) -> Self {
        UserError::new(e.to_string()).about(&e)
    }
}

type CmdResult = Result<(), UserError>;

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
            // A number that is none (`--limit=-1`, `--year 二〇二七`): said as every refusal is, in both languages.
            if let Some((zh, en)) = numbers::said(&e) {
                ENGLISH.store(english_asked(), std::sync::atomic::Ordering::Relaxed);
                let refused = UserError::in_two(zh, en).kind("usage");
                match english_asked() {
                    true => eprintln!("error: {}", refused.message()),
                    false => eprintln!("错误 (error): {}", refused.message()),
                }
                failure::Asked::in_words(&command_line()).answer(&refused, |t| t.to_owned());
                return ExitCode::from(2);
            }
            let e = no_json_here(e, &command_line());
            if let Some(zh) = usage_error_zh(e.kind()).filter(|_| !english_asked()) {
                eprintln!("错误：{zh}（详细说明见下，用法见 canbao --help）");
            }
            let urls = given_urls();
            if urls.is_empty() {
                let _ = e.print();
            } else {
                // clap's text quotes the argument it could not place: the address is shown with its password
                // masked, and where it goes.
                let text = mask_given(&e.render().to_string(), &urls);
                if e.use_stderr() {
                    eprint!("{text}");
                    eprintln!("{}", url_hint(english_asked()));
                } else {
                    print!("{text}");
                }
            }
            if e.use_stderr() {
                let en = e.render().to_string().trim_end().to_owned();
                let zh = format!("{}（用法见 canbao --help）", usage_error_zh(e.kind()).unwrap_or("命令行有误"));
                let usage = UserError::in_two(zh, en).kind("usage");
                failure::Asked::in_words(&command_line()).answer(&usage, |t| mask_given(t, &urls));
            }
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    ENGLISH.store(cli.lang == Some(Lang::En), std::sync::atomic::Ordering::Relaxed);
    let asked = failure::Asked::of(&cli);
    // Each failure is said on stderr, and under --json answered on stdout (once: see `failure`).
    let fail = |e: &UserError| {
        say_error(e.message());
        asked.answer(e, |text| mask_given(text, &given_urls()));
    };
    if let Some(broken) = broken_embedded_file() {
        eprintln!("{}", pick(&format!("错误 (error): {broken}"), &format!("error: {broken}")));
        asked.answer(&UserError::new(broken).kind("broken_build"), |text| text.to_owned());
        return ExitCode::from(1);
    }
    match interrupt::ending(run(&cli)) {
        interrupt::Ending::AsItWas(Ok(())) => ExitCode::SUCCESS,
        interrupt::Ending::AsItWas(Err(e)) => {
            fail(&e);
            ExitCode::from(1)
        }
        // A command a signal stopped ends as the signal would have ended it, once it has said so.
        interrupt::Ending::Stopped { message, status } => {
            fail(&UserError::new(message).kind("interrupted"));
            ExitCode::from(status)
        }
        // A signal too late to stop the work: the work's own ending, and that it was kept. A script is told by
        // the status what became of the work, as the operator is by the note: 0 when it was all done.
        interrupt::Ending::Kept { result, note } => {
            let status = match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    fail(&e);
                    ExitCode::from(1)
                }
            };
            eprintln!("{note}");
            status
        }
    }
}

/// A command's error on stderr, in the language asked for.
fn say_error(message: &str) {
    // Whatever message names an address given on the command line shows it masked.
    let message = mask_given(message, &given_urls());
    if english() {
        // An error from below the command line says both languages at once: here, its English.
        eprintln!("error: {}", crate::words::in_language(&message, crate::words::Language::En));
    } else {
        eprintln!("错误 (error): {message}");
    }
}

/// `--json` (or a slip of it, `--jsno`) given to a command that has none: clap's tip would have it passed as a
/// value (`-- --json`, which `backup` takes for a file name) or name another flag (`--school` for `--jsonl`). Said
/// instead that this command has no JSON report. A command with `--json` keeps clap's tip, which names it.
fn no_json_here(e: clap::Error, args: &[String]) -> clap::Error {
    use clap::CommandFactory;
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let Some(ContextValue::String(given)) = e.get(ContextKind::InvalidArg) else { return e };
    let flag = given.split('=').next().unwrap_or_default();
    let near_json = flag.strip_prefix("--").is_some_and(|word| a_slip_of(&word.to_lowercase(), "json"));
    if e.kind() != ErrorKind::UnknownArgument || !near_json {
        return e;
    }
    // The command as typed: its words that name a subcommand, in turn (`policy use`).
    let mut command = Cli::command();
    // Built, so a subcommand's usage names it as typed (`canbao export`).
    command.build();
    let mut path = vec!["canbao".to_owned()];
    for arg in args.iter().skip(1) {
        let Some(sub) = command.find_subcommand(arg).cloned() else { continue };
        path.push(sub.get_name().to_owned());
        command = sub;
    }
    let has_json = command.get_arguments().any(|a| a.get_long() == Some("json"));
    if path.len() == 1 || has_json || command.has_subcommands() {
        return e;
    }
    let tip = format!("'{}' has no --json: it prints no JSON report", path.join(" "));
    // A new error of the same kind, as clap's tips cannot be taken out of one: the argument, the tip, the usage.
    let mut said = clap::Error::new(ErrorKind::UnknownArgument).with_cmd(&command);
    said.insert(ContextKind::InvalidArg, ContextValue::String(given.clone()));
    said.insert(ContextKind::Suggested, ContextValue::StyledStrs(vec![tip.into()]));
    // The command's own usage: clap's would add the flag it suggested (`--school <SCHOOL>` for `--jsonl`).
    said.insert(ContextKind::Usage, ContextValue::StyledStr(command.render_usage()));
    said
}

/// Whether `word` is `target` or one slip from it: a letter left out, added or wrong, or two swapped.
fn a_slip_of(word: &str, target: &str) -> bool {
    let (w, t): (Vec<char>, Vec<char>) = (word.chars().collect(), target.chars().collect());
    let dropped = |long: &[char], short: &[char]| {
        (0..long.len()).any(|i| long[..i].iter().chain(&long[i + 1..]).eq(short.iter()))
    };
    match w.len().cmp(&t.len()) {
        std::cmp::Ordering::Equal => {
            let apart: Vec<usize> = (0..w.len()).filter(|&i| w[i] != t[i]).collect();
            match apart[..] {
                [] | [_] => true,
                [i, j] => j == i + 1 && w[i] == t[j] && w[j] == t[i],
                _ => false,
            }
        }
        std::cmp::Ordering::Greater => dropped(&w, &t),
        std::cmp::Ordering::Less => dropped(&t, &w),
    }
}

/// What a mistyped command line is, in Chinese, before clap's own (English) message: an operator who reads no
/// English still learns which part to fix. None for help and version, which are not errors.
fn usage_error_zh(kind: clap::error::ErrorKind) -> Option<&'static str> {
    use clap::error::ErrorKind as K;
    Some(match kind {
        K::DisplayHelp | K::DisplayVersion => return None,
        K::InvalidValue | K::ValueValidation => "参数的值不对（例如年度应为四位数字，格式只能选列出的几种）",
        K::UnknownArgument => "有不认识的参数（可能拼错了，或不属于这个命令）",
        K::InvalidSubcommand => "没有这个命令",
        K::NoEquals => "参数与它的值之间要用等号",
        K::TooManyValues | K::TooFewValues | K::WrongNumberOfValues => "参数后面的值个数不对",
        K::ArgumentConflict => "这几个参数不能同时使用",
        K::MissingRequiredArgument => "缺少必需的参数",
        K::MissingSubcommand | K::DisplayHelpOnMissingArgumentOrSubcommand => "缺少要执行的命令",
        _ => "命令行有误",
    })
}

/// The server addresses on the command line (a `postgres://` URL, or libpq's form with a password), each as
/// given and as messages show it. Given where no address is expected, it would be printed back as a path or
/// an unknown argument.
fn given_urls() -> Vec<(String, String)> {
    use crate::county::connect;
    command_line()
        .into_iter()
        .skip(1)
        .filter_map(|arg| {
            let url = &arg[connect::find_url(&arg).unwrap_or(0)..];
            let shown = connect::masked(url);
            (shown != url).then(|| (url.to_owned(), shown))
        })
        .collect()
}

/// The command line as text. A path that is not UTF-8 (a GBK name from a USB stick or a zip made on Windows) is
/// read with its bytes replaced: `std::env::args` would panic on it while an error about that very path is said.
fn command_line() -> Vec<String> {
    std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect()
}

/// `text` with each address given on the command line as messages show it.
fn mask_given(text: &str, urls: &[(String, String)]) -> String {
    let mut urls: Vec<&(String, String)> = urls.iter().collect();
    urls.sort_by_key(|(given, _)| std::cmp::Reverse(given.len()));
    let masked = urls.iter().fold(text.to_owned(), |out, (given, shown)| out.replace(given.as_str(), shown));
    crate::county::connect::mask_urls(&masked)
}

/// Where an address goes: `push` sends to `--to`, everything else reads `--from`.
fn url_hint(english: bool) -> &'static str {
    let push = command_line().iter().skip(1).any(|a| a == "push");
    match (push, english) {
        (true, false) => {
            "提示：汇总数据库的地址要写在 --to 后面：canbao push 文件.db --to URL \
             (hint: the county database's address goes after --to: canbao push FILE.db --to URL)"
        }
        (true, true) => "hint: the county database's address goes after --to: canbao push FILE.db --to URL",
        (false, false) => {
            "提示：汇总数据库的地址要写在 --from 后面：canbao rollup --from URL，或 canbao --from URL 打开汇总界面 \
             (hint: the county database's address goes after --from: canbao rollup --from URL, or canbao --from URL \
             for the dashboard)"
        }
        (false, true) => {
            "hint: the county database's address goes after --from: canbao rollup --from URL, or canbao --from URL \
             for the dashboard"
        }
    }
}

/// `--lang en` on a command line clap could not read: the Chinese line is left out.
fn english_asked() -> bool {
    let args = command_line();
    args.windows(2).any(|w| matches!(w, [flag, lang] if flag == "--lang" && lang == "en"))
        || args.iter().any(|a| a == "--lang=en")
}

/// A data file embedded in this build that does not parse (only a broken build has one; the unit tests parse
/// them all): nothing starts on it, as nothing starts on a broken file in the config folder.
fn broken_embedded_file() -> Option<String> {
    let categories =
        crate::domain::category::CategoryTable::builtin_error().map(|e| format!("{e} ({})", e.message_en()));
    let policies = crate::domain::policy::PolicySet::builtin_error().map(|e| format!("{e} ({})", e.message_en()));
    let keymap = crate::tui::keymap::Keymap::builtin_error().map(ToString::to_string);
    let theme = crate::tui::theme::Theme::builtin_error().map(ToString::to_string);
    let headers = crate::io::header::Synonyms::builtin_error().map(|e| format!("data/headers.toml: {e}"));
    let surnames = crate::domain::pinyin_keys::surnames_error();
    categories.or(policies).or(headers).or(surnames).or(keymap).or(theme)
}

/// A class list given as the drive (`--db 名单.xlsx`): named as a spreadsheet with the command that imports it,
/// before anything opens it, which would call it a damaged drive (and lock it, writing beside it).
fn spreadsheet_as_drive(cli: &Cli) -> CmdResult {
    let path = open::drive_path(cli);
    if !crate::io::drive_or_list::file_is_spreadsheet(&path) {
        // A note, a log, a PDF under the drive's name is named for what it is, never taken for a damaged drive
        // (which would offer a backup to put in its place).
        return match crate::io::sniff::file_not_a_drive(&path) {
            Some(what) => Err(UserError::new({
                let (zh, en) = what.split_once(" (").unwrap_or((what, ""));
                let en = en.strip_suffix(')').unwrap_or(en);
                format!(
                    "不是 canbao 数据文件，未做任何修改：{shown}：{zh}；--db 后面应是数据文件（省略则用默认的） \
                     ({en}; not a canbao drive, nothing was changed: {shown}; --db names the drive file, or leave \
                     it out for the default one)",
                    shown = path.display()
                )
            })
            .kind("not_a_drive")
            .file(path.display())),
            None => Ok(()),
        };
    }
    // Into the drive `CANBAO_DB` names when the list came by --db: without --db that is the drive the import
    // reaches here, and in another window only when named.
    let env = std::env::var_os("CANBAO_DB").filter(|p| !p.is_empty()).map(PathBuf::from);
    let drive = if cli.db.is_some() { env } else { None };
    let import = crate::words::canbao_command(drive.as_deref(), &format!("import {}", crate::words::shell_path(&path)));
    let path = path.display();
    Err(UserError::new(format!(
        "这是表格（名单），不是 canbao 数据文件：{path}；--db 后面应是数据文件（省略则用默认的）。要导入这份名单，请用：\
         {import} (a spreadsheet (a class list), not a canbao drive: {path}; --db names the drive file, \
         or leave it out for the default one. To import the list: {import})"
    )).kind("spreadsheet_not_a_drive").file(path))
}

/// A pipe or a device given as the drive (`--db` naming a FIFO): refused before anything opens it, locks it or
/// asks its passphrase, in the words merge, restore and reconcile refuse one with: an open could wait for ever.
fn special_drive(cli: &Cli) -> CmdResult {
    let path = open::drive_path(cli);
    if crate::store::special_file(&path) {
        return Err(crate::store::StoreError::NotRegular { path: path.display().to_string() }.into());
    }
    Ok(())
}

/// One command group, one function: each lives in its own file under `cli/`.
fn run(cli: &Cli) -> CmdResult {
    if let Some(db) =
        cli.db.as_deref().map(|p| p.to_string_lossy()).filter(|p| crate::county::connect::looks_like_url(p))
    {
        return Err(UserError::new(format!(
            "--db 后面应是数据文件，这是数据库的地址：{} (--db takes a drive file, not a database address)\n{}",
            crate::county::connect::mask_urls(&crate::county::connect::masked(&db)),
            url_hint(english())
        ))
        .kind("url_not_a_drive"));
    }
    let Some(command) = &cli.command else {
        if cli.from.is_some() {
            return county::dashboard(cli, county::url(&cli.from));
        }
        special_drive(cli)?;
        spreadsheet_as_drive(cli)?;
        return screen::open(cli);
    };
    // The commands that never open a drive leave --db alone.
    if !matches!(command, Command::Push { .. } | Command::Rollup { .. } | Command::Completions { .. }) {
        special_drive(cli)?;
        spreadsheet_as_drive(cli)?;
    }
    // The dashboard's --from before a command: rollup and export summary read it as their own; any other
    // command works on a drive file and would quietly read the local one instead.
    let from = county::url(&cli.from);
    if cli.from.is_some() && !matches!(command, Command::Rollup { .. } | Command::Export(_)) {
        let push = matches!(command, Command::Push { .. });
        return Err(UserError::new(
            if push {
                "--from 不用于上传：canbao push 文件.db --to URL (--from is not for push: canbao push FILE.db --to URL)"
            } else {
                "--from 只用于全县汇总：canbao rollup --from URL 按学校统计，canbao --from URL 打开汇总界面；\
                 这个命令读的是本机的数据文件（--db） (--from is for the county database: canbao rollup --from URL \
                 prints its counts, canbao --from URL opens its dashboard; this command reads a drive file, --db)"
            }
            .into(),
        )
        .kind("usage"));
    }
    match command {
        Command::Demo => screen::demo(cli),
        Command::Import {
            files,
            school,
            dry_run,
            rename_by_id,
            move_down_a_grade,
            move_up_a_grade,
            as_class_list,
            json,
        } => {
            let choices = roster::ImportChoices {
                rename_by_id: *rename_by_id,
                move_down_a_grade: *move_down_a_grade,
                move_up_a_grade: *move_up_a_grade,
                as_class_list: *as_class_list,
                ..Default::default()
            };
            roster::import(cli, files, school.as_deref(), (*dry_run, *json), choices)
        }
        Command::Add { name, id, class, phone, school, yes, dry_run, json } => {
            let pupil = crate::io::one_pupil::OnePupil {
                name: name.clone().unwrap_or_default(),
                id: id.clone().unwrap_or_default(),
                class: class.clone().unwrap_or_default(),
                phone: phone.clone().unwrap_or_default(),
            };
            roster::add(cli, &pupil, school.as_deref(), *yes, (*dry_run, *json))
        }
        Command::Find { query, limit, reveal, json } => roster::find(cli, query, *limit, *reveal, *json),
        Command::Stats { school, json } => roster::stats(cli, school.as_deref(), *json),
        Command::Mark(args) => roster::mark(cli, args),
        Command::School { action: SchoolAction::Rename { old, new, merge } } => {
            roster::rename_school(cli, old, new, *merge)
        }
        Command::Export(args) if args.from.is_some() => county::export_summary(args, county::url(&args.from), cli.year),
        Command::Export(args) if cli.from.is_some() => county::export_summary(args, from, cli.year),
        Command::Export(args) => export::export(cli, args),
        Command::Policy { action } => paperwork::policy(cli, action),
        Command::Quote(args) => paperwork::quote(cli, args),
        Command::Reconcile { file, source, dry_run, keep_unmatched, other_school_ok, reveal, json } => {
            // Another school's list, and a list matching no pupil whose payments are kept anyway, are a tax list's
            // questions (what becomes of its strangers' payments): an agency's or a department's list records no
            // payment, so either flag would be taken and do nothing.
            let source: crate::io::reconcile::Source = (*source).into();
            let flag = match (*other_school_ok, *keep_unmatched) {
                (true, _) => Some("--other-school-ok"),
                (false, true) => Some("--keep-unmatched"),
                (false, false) => None,
            };
            if let Some(flag) = flag.filter(|_| source != crate::io::reconcile::Source::Tax) {
                let (zh, en) = match source {
                    crate::io::reconcile::Source::Categories => ("部门认定名单", "a department's list"),
                    _ => ("医保参保登记反馈", "the agency's registrations"),
                };
                return Err(UserError::in_two(
                    format!(
                        "{flag} 只用于税务缴费名单（--source tax）：{zh}不记录缴费，此选项对它没有作用；\
                         未核对，请去掉 {flag} 再核对"
                    ),
                    format!(
                        "{flag} is only for the tax office's list (--source tax): {en} records no \
                         payments, so it would do nothing; not reconciled: reconcile again without {flag}"
                    ),
                )
                .kind("usage"));
            }
            let options = crate::io::reconcile::ReconcileOptions {
                dry_run: *dry_run,
                keep_unmatched: *keep_unmatched,
                other_school_ok: *other_school_ok,
                previewed: None,
            };
            paperwork::reconcile(cli, file, source, options, *reveal, *json)
        }
        Command::Check { json, dismiss: Some(n), why, .. } => {
            paperwork::dismiss(cli, n, why.as_deref().unwrap_or_default(), *json)
        }
        Command::Check { json, undismiss: Some(n), why, .. } => {
            paperwork::undismiss(cli, n, why.as_deref().unwrap_or_default(), *json)
        }
        Command::Check { reveal, json, dismissed: true, .. } => paperwork::dismissed(cli, *reveal, *json),
        Command::Check { reveal, json, .. } => paperwork::check(cli, *reveal, *json),
        Command::Exports { json } => export::exports(cli, *json),
        Command::Backup { file } => drive_file::backup(cli, file.as_deref()),
        Command::Restore { file, force, dry_run, json } => drive_file::restore(cli, file, (*force, *dry_run), *json),
        Command::Encrypt { out } => drive_file::convert(cli, out.as_deref(), true),
        Command::Decrypt { out } => drive_file::convert(cli, out.as_deref(), false),
        Command::Merge { other, dry_run, other_school, no_common_history, reveal, json } => drive_file::merge(
            cli,
            other,
            (*dry_run, *other_school, *no_common_history, cli.accept_clock),
            *reveal,
            *json,
        ),
        Command::Push { files, to, dry_run, reveal, remove_restored, json } => county::push(
            files,
            to.as_deref(),
            (*dry_run, *reveal, *remove_restored),
            open::operator_from(cli),
            *json,
            cli.accept_clock,
        ),
        Command::Rollup { from: own, school, year, json } => {
            let from = if own.is_some() { county::url(own) } else { from };
            county::rollup(from, school.as_deref(), *year, *json)
        }
        Command::Paths { json } => about::paths(cli, *json),
        Command::Year { action } => year::run(cli, action),
        Command::Completions { shell } => about::completions(*shell),
    }
}
