//! Class lists in: every file read, every row accounted for (added, updated, unchanged, duplicate, or skipped
//! with a reason), and the whole batch written in one transaction.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender};

use chrono::NaiveDate;
use serde::Serialize;

use super::ReadError;
pub use super::cell::clean_name;
use super::cell::{MIDDLE_DOT, is_middle_dot, minority_parts, whole_date, written_date};
use super::cut_line::{LastColumn, cut_cell_message};
use super::forms::template::Template;
use super::header::{self, Column, HeaderMap, Synonyms};
use super::new_school;
pub use super::new_school::{held_written_otherwise, named_short, typed_school_notice, written_otherwise_notice};
use super::own_forms::{self, OwnForm, StatusColumn};
use super::ownership;
use super::staff_table;
use super::table::{self, Cell, Sheet, SheetRows};
use crate::domain::category::CategoryTable;
use crate::domain::class_label::{self, ClassKey, Grade};
use crate::domain::coverage::Standing;
use crate::domain::id_number::{self, IdCheck, IdProblem, Sex};
use crate::domain::same_child::{self, Signs};
use crate::domain::student::CategoryMark;
use crate::domain::text::trim;
use crate::io::forms::classes::{CLASS_TITLE, NO_CLASS};
use crate::store::{
    Applied, ClassRespelled, ImportSession, Incoming, IncomingOutcome, KeyBuffers, ListStatus, Moves, PhoneFilled,
    RepeatGives, RowKeys, StatusNote, Store, StoreError,
};

/// Rows from hidden rows said one by one in a sheet; the rest are said in one line.
const HIDDEN_ROWS_SAID: usize = 10;

/// Formulas without a result said cell by cell in a sheet; the rest are said in one line.
const FORMULAS_SAID: usize = 10;
/// The unknown header columns of a sheet named in its one line about them; the rest are counted.
const UNKNOWN_HEADERS_SHOWN: usize = 3;

/// Pupils moved to another class (or respelled) said row by row in a file; the rest are counted in one line.
const MOVES_SAID: usize = 5;

/// Rows whose statuses (from canbao's own form) the operator must hear of, said row by row in a file; the rest
/// are said in one line of each kind.
const STATUSES_SAID: usize = 10;

/// Pupils moved from one school to another named as examples in the line that says the move.
const SCHOOL_EXAMPLES: usize = 3;

/// The school used when neither the command line, the file, nor the drive names one.
pub const DEFAULT_SCHOOL: &str = "本校";

/// What puts right a list whose ID column a spreadsheet held as numbers (a script such as openpyxl writes
/// numbers so, and so does a column formatted as a number): the lost digits are in no cell of the file, only in
/// the sheet it was made from, once that column is text. Said by the import and by reconcile.
pub const RETYPE_AS_TEXT_ZH: &str = "请在原表格中把身份证号码列设为文本格式，填入完整号码后重新导出";
pub const RETYPE_AS_TEXT_EN: &str =
    "set the ID number column of the source sheet to text, fill in the whole numbers and export the list again";

/// One thing the operator must look at, pointing at the cell it is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub file: String,
    /// Worksheet name; empty for CSV.
    pub sheet: String,
    /// The row as Excel numbers it (a CSV's empty lines counted). `None` when the problem is about a whole worksheet
    /// (no header row, a hidden sheet, no class column or sheet name giving a class) or a whole file (`sheet`
    /// empty too: the pupils it moved to another school), and left out of the JSON; a problem about several
    /// rows (empty cells of a class column, hidden rows past the tenth, formulas past the tenth) gives the first
    /// of them and lists them in the message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The column's header as the file writes it; empty when the problem is about the whole row.
    pub column: String,
    pub message: String,
    /// A run of consecutive rows with the same problem is one problem (a column filled down to the sheet's last
    /// row is a million rows with nothing else): its last row, and how many rows it holds. `None` for one row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_row: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<usize>,
    /// Whose word the line is: the list's, as reading it alone says it too, or the drive's of the statuses a row
    /// gives, which only an import against the drive can say. Not written to the JSON, whose lines read alike.
    #[serde(skip)]
    pub kind: ProblemKind,
    /// The message is already as a dry run says it (`ImportRequest::said_as_preview`): written in the future tense
    /// where it was made, so `preview_reworded` is not asked of it. Not written to the JSON.
    #[serde(skip)]
    pub previewed: bool,
}

/// What a line of an import's report is about (`Problem::kind`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProblemKind {
    /// What the list itself says or lacks: the same whether the list is only read or imported.
    #[default]
    List,
    /// What became of the statuses a row of canbao's own form gives, set against what the drive holds (taken,
    /// kept as the drive holds them, not enough to record, at odds among themselves): the drive's to say.
    Statuses,
}

/// Problems an import lists at most; past them each is counted, and said in one line at the end, so a hostile
/// list cannot fill memory with its report.
const PROBLEMS_LISTED: usize = 5000;

/// What groups a row's problem with the same problem of the rows before it: its message, or for a message that
/// quotes the row (a row with no name and no ID), the kind of problem.
#[derive(Clone, Copy, PartialEq, Eq)]
enum RunKey {
    Message,
    NoNameNoId,
}

/// A problem of the row just read, which the next row may continue.
struct OpenRun {
    problem: usize,
    key: RunKey,
    count: usize,
}

/// The problems of the last rows read, for runs of the same problem to be said once.
#[derive(Default)]
struct Runs {
    /// `rows_read` when the problems in `current` were said: the next row continues them only if it is the next
    /// row read.
    rows_read: usize,
    previous: Vec<OpenRun>,
    current: Vec<OpenRun>,
}

/// What an import did, or (dry run) would do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub rows_read: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub duplicates: usize,
    /// Rows imported with an ID number that is missing or invalid (flagged, not dropped).
    pub id_invalid: usize,
    /// Rows with content but neither name nor ID (titles between classes, footers, repeated headers).
    pub skipped: usize,
    /// Rows whose file names no school (no school column, no title naming one): they go to the school the
    /// import was given for them (`ImportRequest::default_school`), which the TUI asks for.
    pub without_school: usize,
    /// Of `without_school`, the rows that add a pupil new to the drive: only these need the school said (a pupil
    /// already held keeps their school), so the TUI asks it, and `canbao import` refuses, only when some do.
    pub added_without_school: usize,
    /// Of `without_school`, the rows of pupils the drive held already: each stays in their own school, whatever
    /// school the import had for new pupils, and `canbao import` says so rather than where new pupils went.
    pub held_without_school: usize,
    /// The schools the files name, in the order met: what the preview shows, so a name read wrongly from a
    /// title is seen before anything is written.
    pub schools: Vec<String>,
    /// Rows whose ID number is masked (by canbao or another system) and that fit no single pupil on the drive:
    /// not imported.
    pub masked_left_out: usize,
    /// Rows giving a pupil's ID number under a name that is not plausibly that pupil's (not a character
    /// corrected, nor the name written otherwise): not imported, the pupil left as they were, each said at its row
    /// with both names. `--rename-by-id` (`ImportRequest::take_other_names`) takes them as the list gives them.
    pub other_names: usize,
    /// Rows giving no ID number for a name the drive holds more than once in the row's school and class: not
    /// imported (which pupil the row is cannot be told), each said at its row.
    pub unnumbered_left_out: usize,
    /// Pupils already on the drive whom the lists put in another school: a list writing its school otherwise
    /// (城关一小 for 城关镇第一小学) moves all its pupils, which the report says per file with a few rows.
    pub moved_school: usize,
    /// Pupils already on the drive whom the lists put in another class (the first few said at their rows).
    pub moved_class: usize,
    /// Pupils whose class the lists spell as the drive's other spelling of it (the drive held it two ways).
    pub respelled_class: usize,
    /// Pupils who had left before this year (graduates, 已离校 in an earlier year) whom the lists name again: back
    /// in the class a list gives and no longer 已离校 (the first few said at their rows). Not counted as moves.
    pub returned: usize,
    /// Pupils already on the drive whose enrollment or payment one of canbao's own forms filled in (a class list
    /// a teacher corrected): each said at its row, the first few of a file.
    pub statuses_set: usize,
    /// Rows of canbao's own forms whose statuses were not taken: they differ from what the drive holds, do not
    /// say enough to record (是否参保 是 alone), disagree among themselves, or are not the form's words.
    pub statuses_left: usize,
    /// Rows of a school's own list whose 是否参保 says otherwise than the drive holds (否 beside a paid pupil): not
    /// taken, each said at its row, the first few of a file. Not canbao's form: counted apart from `statuses_left`.
    pub list_statuses_differ: usize,
    pub dry_run: bool,
    /// What the operator must read before anything else (a class list that is also a payment list, a file
    /// canbao exported, a list that holds no pupils): said first, above the counts.
    pub warnings: Vec<String>,
    /// The files that hold no pupils (a header only, or only titles and totals), as the report names them.
    /// When every file is such a file nothing is written: no import is recorded and no backup taken.
    pub without_pupils: Vec<String>,
    pub problems: Vec<Problem>,
}

impl ImportReport {
    /// The rows read that are neither a pupil imported or found, nor a repeat, nor a row that is no pupil: those left
    /// out, each said at its row (`masked_left_out`, `other_names`, `unnumbered_left_out`).
    pub fn left_out(&self) -> usize {
        self.masked_left_out + self.other_names + self.unnumbered_left_out
    }
}

/// A file's rows as the import read them, for what it says of masked numbers.
#[derive(Default)]
struct Masked {
    rows: usize,
    masked: usize,
}

/// A masked row no earlier row of the import fitted, held until every file is read (`RowReader::masked_settled`):
/// a row of any later file giving its whole number makes it a repeat of that row, whatever the files' order, and
/// importing the files again then does what the first import did.
struct HeldMasked {
    incoming: Incoming,
    file: Box<str>,
    sheet: Box<str>,
    row_no: usize,
    rows_read: usize,
    id_header: Box<str>,
    /// The phone column's header, where a phone the row gives is said (`RowReader::masked_phone`).
    phone_header: Box<str>,
    id_problem: Option<String>,
    odd_age: Option<Box<OddAge>>,
    phone: Option<Box<PhoneNotTaken>>,
    named_at: Option<usize>,
    header: Option<Vec<Cell>>,
    cells: Vec<Cell>,
    status_columns: Option<Vec<StatusColumn>>,
    unreadable: Option<own_forms::Unreadable>,
    list_cell: ListCell,
}

/// A school's own list's 是否参保 (or 参保状态) header and cell as written, quoted where they contradict the drive.
type ListCell = Option<Box<(String, String)>>;

/// A row and its status cells of canbao's own form (none on a school's own list).
type StatusCells<'r> = (&'r [Cell], &'r [StatusColumn]);

impl HeldMasked {
    fn as_row(&self) -> RowApplied<'_> {
        RowApplied {
            file: &self.file,
            sheet: &self.sheet,
            row_no: self.row_no,
            id_header: &self.id_header,
            id_problem: self.id_problem.clone(),
            // A masked number is no mobile.
            mobile: None,
            invalid: false,
            odd_age: self.odd_age.clone(),
            phone: self.phone.clone(),
            named_at: self.named_at,
            header: self.header.as_deref(),
            cells: (&self.cells, self.status_columns.as_deref().unwrap_or_default()),
            unreadable: self.unreadable.clone(),
            pairing: None,
            template_unnumbered: None,
            list_cell: self.list_cell.clone(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("没有要导入的文件 (no files to import)")]
    NoFiles,
    /// The tax office's paid list picked as a class list: its strangers would become pupils, and its exact numbers
    /// would add the pupils a spreadsheet rounded a second time, without a class.
    #[error(
        "此文件像税务缴费名单，未导入：请用 核对税务缴费名单（canbao reconcile 文件 --source tax）：{file} \
         ({file} looks like the tax office's payment list: not imported; use reconcile --source tax)"
    )]
    PaymentList { file: String },
    /// A department's list of certified people (民政's 特困/低保, 残联's) picked as a class list: names, numbers and
    /// a category column, and nothing that gives a class. Its people not at the school would become pupils in no
    /// class, counted and put on the agency's forms; the categories of the school's own pupils are read by the
    /// category reconcile instead.
    #[error("{}", category_list_said(.file, None))]
    CategoryList { file: String },
    /// A text file that is no class list (a script, a log) read as one: its lines would become pupils named
    /// `*r])`. Told by its names, not its numbers: a real list whose numbers a spreadsheet rounded, or that has
    /// none, still has names.
    #[error(
        "此文件不像班级名单，未导入任何内容：没有一行有有效的身份证号码，大多数“姓名”是程序代码中的符号：{file} \
         ({file} does not look like a class list: no row has a valid ID number and most “names” hold code \
         punctuation; nothing imported)"
    )]
    NotAClassList { file: String },
    /// One of canbao's own ledgers picked as a class list: its remarks would become notes, and it lists nobody
    /// the drive does not hold already.
    #[error(
        "此文件是 canbao 导出的{form}，不是班级名单，未导入：{file} \
         ({file} is a form canbao exported, {form}, not a class list: not imported)"
    )]
    CanbaoLedger { file: String, form: String },
    /// One of canbao's own forms for another insured year than the drive's current one (last year's 在校学生信息表
    /// picked by mistake): its classes and statuses are that year's, and read into this one they would move every
    /// pupil back into last year's class and bring back the pupils who left since.
    #[error("{}", other_year_message(.file, .form, *.year, *.current, None))]
    OtherYear { file: String, form: String, year: own_forms::OtherYear, current: i32 },
    /// Rows naming no school that would add pupils, for a drive of several schools, with no school named on the
    /// command line. A list of pupils already held (a class moved) keeps each in their school and is imported.
    /// `pupils`: the new pupils those rows would add (rows of pupils held are not counted: they need no school).
    #[error(
        "{pupils} 名新学生的名单没有写学校名称，而数据文件中有多所学校：{schools}；未导入任何内容，请用 --school 指定其中之一 \
         ({pupils_en} whose lists name no school, and the drive holds several: {schools_en}; nothing imported: pick \
         one of them with --school)",
        schools = .schools.join("、"),
        schools_en = .schools.join(", "),
        pupils_en = crate::words::counted(*.pupils, "new pupil", "new pupils"),
    )]
    SchoolNotNamed { pupils: usize, schools: Vec<String> },
    /// A teacher's class list of the school year before, read after the drive's year turned with `--promote`:
    /// (nearly) every pupil it shares with the drive would move one grade down (`looks_last_year`). Refused
    /// whole unless the operator says the move is meant (`ImportRequest::take_grade_down`).
    #[error("{}", last_year_message(.files))]
    LastYearList { files: Vec<LastYearFile> },
    /// Next school year's class list read before the drive's year turned: (nearly) every pupil it shares with the
    /// drive would move one grade up, and `year new --promote` would move them up again (`list_guards`). Refused
    /// whole unless the operator says the move is meant (`ImportRequest::take_grade_up`). `next`: the insured
    /// year to start; `drive`: as the command to type names it (`ImportRequest::drive_named`).
    /// `force`: why `year new` takes `--force` today (this year's collection or school year not over, or a policy
    /// of another year that cannot tell), so the command named is one that starts the year (`list_guards::
    /// start_takes_force`); `None` where it starts without.
    #[error("{}", super::list_guards::next_year_message(.files, *.next, .drive.as_deref(), .force.as_ref()))]
    NextYearList {
        files: Vec<super::list_guards::NextYearFile>,
        next: Option<i32>,
        drive: Option<PathBuf>,
        force: Option<(String, String)>,
    },
    /// A list whose rows with a valid number (nearly) all show adults (`list_guards::looks_adult_list`): a staff
    /// payroll picked with the class lists. Refused whole, as the tax office's list is.
    #[error("{}", super::list_guards::adult_list_message(.files))]
    AdultList { files: Vec<super::list_guards::AdultFile> },
    #[error(
        "{file}：预览之后文件已被修改，未导入任何内容，请重新导入并核对预览 ({file} changed after the preview: nothing imported, import it again to preview it)"
    )]
    ChangedSincePreview { file: String },
    /// A second name and ID number beside the list's, in an order of its own, that its first rows showed to be no
    /// pupils' (a guardian's, or empty), holding a pupil's number further down: its pupils would be lost while the
    /// first block's were imported, so nothing is.
    #[error("{}", beside_message(.file, .sheet, .columns, *.row))]
    PupilsBesideTheList { file: String, sheet: String, columns: String, row: usize },
}

/// The line on class cells holding numbers (`RowReader::numbered_classes_said`), all read one way (as the class
/// so named, or by year): each cell with the class it was read as, and the class the drive spells it as where its
/// pupils went into that one instead (`stored`).
fn numbered_message(read: &[NumberedClass], stored: impl Fn(&NumberedClass) -> Option<String>) -> String {
    let (mut zh, mut en) = (Vec::new(), Vec::new());
    for n in read.iter().take(5) {
        let (cell, label) = (&n.cell, &n.label);
        match stored(n).filter(|s| s != label) {
            Some(held) => {
                zh.push(format!("“{cell}”→“{label}”（即在册的“{held}”）"));
                en.push(format!("“{cell}”→“{label}” (the drive's “{held}”)"));
            }
            None => {
                zh.push(format!("“{cell}”→“{label}”"));
                en.push(format!("“{cell}”→“{label}”"));
            }
        }
    }
    let (more, more_en) = match read.len() {
        n if n > 5 => (format!(" 等 {n} 个"), format!(" and {} more", n - 5)),
        _ => (String::new(), String::new()),
    };
    let (zh, en) = (format!("{}{more}", zh.join("、")), format!("{}{more_en}", en.join(", ")));
    if read.first().is_some_and(|n| n.by_year) {
        format!(
            "班级列写的是三位数的班号，且表中没有年级：按班号的首位为年级、后两位为班读入：{zh}（表中的班号都是三位数，首位都是\
             小学或初中的年级）；若数字另有含义（如教室号），请改写班级后重新导入 (class cells are numbers of three \
             digits and the list names no grade: read as the school year of their first digit and the class of the \
             other two: {en}, as every number in the list reads so and their first digits are a primary or junior \
             school's years; where a number means something else, such as a room number, write the class out and \
             import again)"
        )
    } else {
        format!(
            "班级列写的是数字，已按班级读入：{zh}；若数字另有含义（如教室号、入学年份），请改写班级后重新导入 (class \
             cells holding a number were read as the class so named: {en}; where the number means something \
             else, such as a room number or a year of entry, write the class out and import again)"
        )
    }
}

fn beside_message(file: &str, sheet: &str, columns: &str, row: usize) -> String {
    // A CSV has no sheet to name.
    let (at, at_en) = match sheet.is_empty() {
        true => (String::new(), String::new()),
        false => (format!(" 工作表“{sheet}”"), format!(", sheet “{sheet}”")),
    };
    format!(
        "{file}{at}第 {columns} 列另有一组姓名和身份证号码，列的顺序与前面的不同，前面的行看不出是学生的，但第 {row} 行的是学生的\
         身份证号码：未导入任何内容，以免只导入一半；请把这些学生移到前面的列下，或另起一张表，再重新导入 ({file}{at_en}: \
         columns {columns} hold another name and ID number, in another order than the columns before them, whose first \
         rows showed no pupils, but row {row} holds a pupil's ID number: nothing imported, so as not to import half the \
         list; move these pupils under the columns before, or into a table of their own, and import again)"
    )
}

/// A file whose pupils would (nearly) all move one grade down (`ImportError::LastYearList`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastYearFile {
    pub file: String,
    /// Pupils of the file the drive holds, and those of them a grade down (or graduated and brought back).
    pub held: usize,
    pub down: usize,
    /// The first of them: name, class held, class the list gives.
    pub example: (String, String, String),
}

/// Whether a file's pupils that the drive holds would (nearly) all move one grade down: a few pupils kept
/// back a grade is a list of this year; every one of them is last year's list.
fn looks_last_year(down: usize, held: usize) -> bool {
    down >= 3 && down * 10 >= held * 9
}

/// Whether a class the list gives is one grade below the class held (`list_guards::a_grade_down`: 三年级1班 →
/// 二年级1班, 401班 → 301班, 中一班 → 小一班), or a graduate's last class before they left (已毕业 → 六年级): what
/// last year's list does to a promoted pupil.
fn a_grade_down(from: &str, to: &str) -> bool {
    from.starts_with(crate::store::GRADUATES_GRADE) || super::list_guards::a_grade_down(from, to)
}

/// Why lists that would move their pupils down a grade are not imported, and how to import them if meant.
fn last_year_message(files: &[LastYearFile]) -> String {
    let mut zh = Vec::new();
    let mut en = Vec::new();
    for f in files {
        let (name, from, to) = &f.example;
        zh.push(format!(
            "{file}：名单上 {held} 名已在册的学生中有 {down} 名会降一个年级（如 {name} 由“{from}”调到“{to}”）",
            file = f.file,
            held = f.held,
            down = f.down
        ));
        en.push(format!(
            "{file}: {down} of the {held} pupils it lists from the drive would move down a grade ({name} from {from} \
             to {to})",
            file = f.file,
            held = f.held,
            down = f.down
        ));
    }
    format!(
        "{}；这像是上一学年的班级名单（学年已升级），所以未导入任何内容。请导入本学年的班级名单；若确要按名单把这些学生\
         调低一个年级，请核对后加 --move-down-a-grade 重新导入（命令行：canbao import --move-down-a-grade 文件）\
         ({}; this looks like last school year's class list (the drive has moved up a year), so nothing was \
         imported; import this year's class lists, or, if the pupils are meant to move down a grade, check them and \
         import again with --move-down-a-grade)",
        zh.join("；"),
        en.join("; ")
    )
}

/// How the screen, which holds the drive and refuses no command line less, says the roads an import refused for
/// its year names: the palette's entries that switch to another year and start the next one, in both languages.
pub struct ScreenYearRoads {
    pub switch_zh: String,
    pub switch_en: String,
    pub start_zh: String,
    pub start_en: String,
}

impl ImportError {
    /// The refusal as the screen says it: a form of another year names the palette's entries (`roads`), not the
    /// commands `canbao import` names, which the screen holding the drive would refuse.
    pub fn on_screen(&self, roads: &ScreenYearRoads) -> String {
        match self {
            ImportError::OtherYear { file, form, year, current } => {
                other_year_message(file, form, *year, *current, Some(roads))
            }
            e => e.to_string(),
        }
    }
}

/// [`ImportError::CategoryList`] as the screen says it: the palette's entry for the category reconcile (`road`,
/// in Chinese and English) where the command line names `canbao reconcile`, and nothing of `--as-class-list`,
/// which the screen's question under it offers as its Yes.
pub fn category_list_on_screen(file: &str, road: (&str, &str)) -> String {
    category_list_said(file, Some(road))
}

/// [`ImportError::CategoryList`]'s text, the one the command line and the screen both say: the screen's `road` (the
/// palette's entry, in Chinese and English) where the command line names `canbao reconcile` and `--as-class-list`.
fn category_list_said(file: &str, road: Option<(&str, &str)>) -> String {
    let (road_zh, road_en) = match road {
        Some((zh, en)) => (zh.to_owned(), format!(", {en}")),
        None => (
            "用 核对部门认定名单（canbao reconcile 文件 --source categories）；确是本校学生的名单，请加 --as-class-list 导入"
                .to_owned(),
            " use reconcile --source categories; if it is the school's own list of pupils, import it with \
             --as-class-list"
                .to_owned(),
        ),
    };
    format!(
        "此文件像部门认定名单（写有人员类别或认定部门，没有班级或年级），未导入：名单外的人会成为本校没有班级的学生；\
         要记入本校学生的人员类别，请{road_zh}：{file} ({file} looks like a department's list of certified people: \
         categories or a certifying department, and no class or grade; not imported, as the people on it who are not \
         at the school would become pupils without a class; to record the school's pupils' categories{road_en})"
    )
}

/// Why a form of canbao's for another year is not imported, and what to do instead, in both languages: with the
/// commands that see that year or start the next, or on the screen the palette's entries (`screen`).
fn other_year_message(
    file: &str,
    form: &str,
    year: own_forms::OtherYear,
    current: i32,
    screen: Option<&ScreenYearRoads>,
) -> String {
    let instead_zh = format!("请导入今年的班级名单，或在 {current} 年度重新导出{form}后再修改、导入");
    let instead_en = format!("import this year's class lists, or export the form again in {current} and correct that");
    match year {
        own_forms::OtherYear::Named(year) if year < current => {
            let (which_zh, which_en) =
                if year + 1 == current { ("去年", "last year's") } else { ("往年", "an earlier year's") };
            format!(
                "{file}：这是 canbao 导出的 {year} 年度的{form}（{which_zh}的表格），而数据文件现在是 {current} 年度；\
                 导入它会把学生调回 {year} 年度的班级、把已毕业或已离校的学生列回名单，所以未导入任何内容。{instead_zh}；\
                 要查看 {year} 年度，{see_zh} ({file} is canbao's {form} for insured year {year}, \
                 {which_en} form, and the drive is now in {current}: importing it would move pupils back into \
                 {year}'s classes and bring back pupils who graduated or left, so nothing was imported; {instead_en}; \
                 to see {year}, {see_en})",
                see_zh = screen.map_or_else(|| format!("请用 canbao --year {year}"), |r| r.switch_zh.clone()),
                see_en = screen.map_or_else(|| format!("use canbao --year {year}"), |r| r.switch_en.clone()),
            )
        }
        own_forms::OtherYear::Named(year) => {
            let next = current + 1;
            let (start_zh, start_en) = match screen {
                Some(r) => (format!("（{}）", r.start_zh), r.start_en.clone()),
                None => {
                    (format!("（canbao year new {next} --promote）"), format!("with canbao year new {next} --promote"))
                }
            };
            format!(
                "{file}：这是 canbao 导出的 {year} 年度的{form}，而本数据文件还在 {current} 年度，未导入任何内容：\
                 请先开始新学年{start_zh}，再导入 ({file} is canbao's {form} for insured year {year}, and this drive \
                 is still in {current}: nothing imported; start the next year first {start_en}, then import it)"
            )
        }
        own_forms::OtherYear::Unnamed { first } => format!(
            "{file}：这是旧版 canbao 导出的{form}，没有写保险年度，是 {first} 年度或更早的表格，而数据文件现在是 \
             {current} 年度，未导入任何内容。{instead_zh} ({file} is canbao's {form} from an older version, which \
             names no insured year: it is for {first} or earlier, and the drive is now in {current}: nothing \
             imported; {instead_en})"
        ),
    }
}

/// The tax office's paid list's columns, which a class list import does not read.
const PAYMENT_COLUMNS: [Column; 5] =
    [Column::Amount, Column::PaidOn, Column::Channel, Column::Receipt, Column::PaymentStatus];

/// Where one file's rows come from.
pub enum Input {
    /// A file on disk, read when its turn comes.
    Path(PathBuf),
    /// Sheets already read (the bundled sample school, tests), under the name reports give them.
    Sheets(String, Vec<Sheet>),
}

/// An import as the operator asked for it. The TUI keeps this, not the rows, between the preview and the
/// commit: the files are read again to commit, so a previewed list of half a million pupils holds no memory
/// while the operator reads the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRequest {
    pub paths: Vec<PathBuf>,
    /// The school named on the command line, over whatever the files say.
    pub school: Option<String>,
    /// The school for rows that name none: the drive's only school, `DEFAULT_SCHOOL` on a new drive; empty on a
    /// drive of several schools, where such rows are refused until the operator names one (the TUI asks).
    pub default_school: String,
    pub today: NaiveDate,
    /// Each file's contents as the preview read them (`stamp`); empty until `preview`. A commit reads the
    /// files again and refuses any that no longer match, so what is committed is what was previewed.
    pub previewed: Vec<u64>,
    /// The config folder, whose batch templates are known as canbao's own when they come back (the builtin
    /// ones always are); `None`: the builtin ones only.
    pub config_dir: Option<PathBuf>,
    /// The drive as the commands a warning tells the operator to type must name it (`canbao --db FILE
    /// restore …`): the store's own ([`Store::hint_drive`]) unless set; `None`: the default drive.
    pub drive_named: Option<PathBuf>,
    /// Rows giving a pupil's number under a name not plausibly theirs rename the pupil as the list says, instead
    /// of being left out (`ImportReport::other_names`): the operator checked those rows.
    pub take_other_names: bool,
    /// Lists whose pupils would (nearly) all move one grade down are imported, not refused as last year's
    /// (`ImportError::LastYearList`): the operator means the move.
    pub take_grade_down: bool,
    /// Lists whose pupils would (nearly) all move one grade up are imported, not refused as next year's
    /// (`ImportError::NextYearList`): the operator means the move.
    pub take_grade_up: bool,
    /// `import --as-class-list`: a list that looks like a department's (a category column and nothing giving a
    /// class, `ImportError::CategoryList`) is imported as the school's class list all the same.
    pub as_class_list: bool,
    /// Files given again or as copies of another, left out of `paths` (`io::once_each`), as said: put first
    /// among the report's warnings, so a screen's preview and a script's `--json` say them as the report's own.
    pub read_once: Vec<String>,
    /// A dry run's notices that grow with the drive (a new pupil looking like one held) are written in the future
    /// tense where they are made, as a preview says them, and marked `Problem::previewed`: the caller rewords the
    /// rest (`preview_reworded`) and not these. Off, every notice says what was done, as a dry run's report is
    /// read by the library's callers.
    pub said_as_preview: bool,
}

impl ImportRequest {
    pub fn new(store: &Store, paths: Vec<PathBuf>, school: Option<String>) -> Result<Self, ImportError> {
        let schools = store.schools()?;
        let default_school = match schools.as_slice() {
            [] => DEFAULT_SCHOOL.to_owned(),
            [only] => only.clone(),
            // Which of them a list without a school column is for only the operator knows: never a new 「本校」.
            _ => String::new(),
        };
        Ok(ImportRequest {
            paths,
            school,
            default_school,
            today: store.today(),
            previewed: Vec::new(),
            config_dir: None,
            drive_named: store.hint_drive().map(Path::to_path_buf),
            take_other_names: false,
            take_grade_down: false,
            take_grade_up: false,
            as_class_list: false,
            read_once: Vec::new(),
            said_as_preview: false,
        })
    }

    /// The dry run the operator reads before committing; remembers what the files held for `run` to check.
    /// Rows naming no school on a drive of several are counted (`without_school`), for the school to be asked.
    pub fn preview(&mut self, store: &mut Store) -> Result<ImportReport, ImportError> {
        let (report, stamps) = self.run_stamped(store, Ending::Preview)?;
        self.previewed = stamps;
        Ok(report)
    }

    /// Reads the files and applies their rows as they are read, in one transaction: any file that cannot be
    /// read or has no header fails the whole batch and nothing is kept, so a half-read USB stick never leaves a
    /// half-imported school. A dry run does the same work and rolls it back.
    /// After `preview`, a file whose contents changed since fails the whole batch (`ChangedSincePreview`).
    pub fn run(&self, store: &mut Store, dry_run: bool) -> Result<ImportReport, ImportError> {
        let ending = if dry_run { Ending::RollBack } else { Ending::Commit };
        self.run_stamped(store, ending).map(|(report, _)| report)
    }

    /// The import for real, as the operator runs it: [`run`](Self::run) with the drive's automatic backup, taken
    /// once every file has been read and every row applied, just before the commit. A file that is missing,
    /// unreadable, not a table, or refused takes no backup, so retrying one cannot push the kept backups (the
    /// operator's own, the one from before yesterday's merge) out of the backups folder.
    pub fn commit(&self, store: &mut Store) -> Result<ImportReport, ImportError> {
        self.run_stamped(store, Ending::BackUpThenCommit).map(|(report, _)| report)
    }

    /// [`run`](Self::run), or with `dry_run` false [`commit`](Self::commit), where the school the rows go into
    /// hangs on the schools the lists name: once every row is read and applied, before anything is kept or
    /// refused, `settle` is told what the lists name (`ListsRead`). Where it settles nothing, the run goes on: the
    /// lists are read and applied once. Where it settles a school, the run is rolled back and made again into that
    /// school, from the files as they were read (`previewed`); the notice that says so is the caller's.
    pub fn run_settling(
        &mut self,
        store: &mut Store,
        dry_run: bool,
        mut settle: impl FnMut(&ListsRead) -> Option<Settled>,
    ) -> Result<ImportReport, ImportError> {
        let ending = if dry_run { Ending::RollBack } else { Ending::BackUpThenCommit };
        let mut settled = None;
        let mut told = |read: &ListsRead| {
            settled = settle(read);
            settled.is_some()
        };
        let ran = self.run_hooked(store, ending, Some(&mut told))?;
        let stamps = match ran {
            Ran::Done(report, _) => return Ok(*report),
            Ran::Again(stamps) => stamps,
        };
        match settled {
            Some(Settled::School(school)) => self.school = Some(school),
            Some(Settled::DefaultSchool(school)) => self.default_school = school,
            None => {}
        }
        self.previewed = stamps;
        self.run_stamped(store, ending).map(|(report, _)| report)
    }

    fn run_stamped(&self, store: &mut Store, ending: Ending) -> Result<(ImportReport, Vec<u64>), ImportError> {
        match self.run_hooked(store, ending, None)? {
            Ran::Done(report, stamps) => Ok((*report, stamps)),
            // Nothing settles a school here: never so.
            Ran::Again(stamps) => Ok((ImportReport::default(), stamps)),
        }
    }

    fn run_hooked(&self, store: &mut Store, ending: Ending, settle: Option<&mut Settle>) -> Result<Ran, ImportError> {
        let inputs = self.paths.iter().cloned().map(Input::Path).collect();
        let expected = (!self.previewed.is_empty()).then_some(self.previewed.as_slice());
        let mut reader = RowReader::new(self.today, Template::all(self.config_dir.as_deref()));
        reader.take_other_names = self.take_other_names;
        reader.take_grade_down = self.take_grade_down;
        reader.take_grade_up = self.take_grade_up;
        reader.as_class_list = self.as_class_list;
        reader.said_as_preview = self.said_as_preview && matches!(ending, Ending::RollBack | Ending::Preview);
        let schools = (self.school.as_deref(), self.default_school.as_str());
        let drive_named = self.drive_named.as_deref();
        let ran = import_settling(store, inputs, reader, schools, (ending, settle), expected, drive_named)?;
        Ok(match ran {
            Ran::Done(mut report, stamps) => {
                report.warnings.splice(0..0, self.read_once.iter().cloned());
                Ran::Done(report, stamps)
            }
            again => again,
        })
    }
}

/// What an import's lists name of schools, once every row is read (`ImportRequest::run_settling`).
#[derive(Debug)]
pub struct ListsRead<'a> {
    /// The schools the lists name, in the order met (`ImportReport::schools`).
    pub schools: &'a [String],
    /// The rows whose list names no school (`ImportReport::without_school`).
    pub without_school: usize,
    /// The sheets of all the lists that the operator sees (not hidden): a CSV is one.
    pub sheets: usize,
}

/// Where an import's rows go, as the schools its lists name settle it (`ImportRequest::run_settling`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// Every row, into this school (`ImportRequest::school`).
    School(String),
    /// The rows naming no school (`ImportRequest::default_school`).
    DefaultSchool(String),
}

/// Told what the lists name once they are read; `true`: the import goes elsewhere, so this run is rolled back.
type Settle<'s> = dyn FnMut(&ListsRead) -> bool + 's;

/// How an import run ended.
enum Ran {
    /// Its report and each file's stamp (boxed: the report is large beside the other way).
    Done(Box<ImportReport>, Vec<u64>),
    /// Rolled back for the school its lists name to be settled (`Settle`), with each file's stamp.
    Again(Vec<u64>),
}

/// How an import's transaction ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// A dry run: the report, and nothing kept.
    RollBack,
    /// A dry run whose rows naming no school may go to a school not yet chosen: the TUI asks it afterwards.
    Preview,
    Commit,
    /// The drive's automatic backup first, then the commit (`ImportRequest::commit`).
    BackUpThenCommit,
}

/// Rows read from files, not yet applied: the fuzzing harness's view of what the reader makes of a file.
pub struct ImportPlan {
    pub rows: Vec<Incoming>,
    pub report: ImportReport,
    pub files: Vec<String>,
}

/// Reads and applies in one go: the command line's import.
pub fn import(
    store: &mut Store,
    paths: &[&Path],
    school: Option<&str>,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    let request =
        ImportRequest::new(store, paths.iter().map(|p| p.to_path_buf()).collect(), school.map(str::to_owned))?;
    request.run(store, dry_run)
}

/// `import`, every row applied as it is read, on this one thread: how an import into a drive holding pupils
/// was made before it read ahead of its writer (`read_ahead`), kept as what that must say and do alike.
#[doc(hidden)]
pub fn import_row_by_row(
    store: &mut Store,
    paths: &[&Path],
    school: Option<&str>,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    let request =
        ImportRequest::new(store, paths.iter().map(|p| p.to_path_buf()).collect(), school.map(str::to_owned))?;
    let inputs = request.paths.iter().cloned().map(Input::Path).collect();
    let mut reader = RowReader::new(request.today, Template::all(None));
    reader.row_by_row = true;
    let ending = if dry_run { Ending::RollBack } else { Ending::Commit };
    let schools = (request.school.as_deref(), request.default_school.as_str());
    import_stamped(store, inputs, reader, schools, ending, None, None).map(|(report, _)| report)
}

/// The import itself: each file opened when its turn comes, each row checked and applied as it is read.
pub fn import_inputs(
    store: &mut Store,
    inputs: Vec<Input>,
    school: Option<&str>,
    default_school: &str,
    today: NaiveDate,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    let ending = if dry_run { Ending::RollBack } else { Ending::Commit };
    let reader = RowReader::new(today, Template::all(None));
    import_stamped(store, inputs, reader, (school, default_school), ending, None, None).map(|(report, _)| report)
}

/// `import_inputs`, also giving each input's `stamp`; with `expected`, an input whose stamp differs fails.
/// `drive_named`: `ImportRequest::drive_named`.
fn import_stamped(
    store: &mut Store,
    inputs: Vec<Input>,
    reader: RowReader<'_>,
    schools: (Option<&str>, &str),
    ending: Ending,
    expected: Option<&[u64]>,
    drive_named: Option<&Path>,
) -> Result<(ImportReport, Vec<u64>), ImportError> {
    match import_settling(store, inputs, reader, schools, (ending, None), expected, drive_named)? {
        Ran::Done(report, stamps) => Ok((*report, stamps)),
        // Nothing settles a school here: never so.
        Ran::Again(stamps) => Ok((ImportReport::default(), stamps)),
    }
}

/// `import_stamped`, with `settle` told what the lists name once every row is read and applied, before anything
/// is kept or refused but what a preview refuses too (`ImportRequest::run_settling`).
fn import_settling(
    store: &mut Store,
    inputs: Vec<Input>,
    mut reader: RowReader<'_>,
    (school, default_school): (Option<&str>, &str),
    (ending, settle): (Ending, Option<&mut Settle>),
    expected: Option<&[u64]>,
    drive_named: Option<&Path>,
) -> Result<Ran, ImportError> {
    if inputs.is_empty() {
        return Err(ImportError::NoFiles);
    }
    // A lock file Excel keeps beside an open workbook, caught up in a batch (`*.xlsx`): left out and said, and
    // the rest imported. Alone, it is the import's refusal.
    let mut locks = Vec::new();
    let inputs: Vec<Input> = inputs
        .into_iter()
        .filter(|input| match input {
            Input::Path(path) => {
                super::sniff::office_lock(path).map(|words| locks.push((path.clone(), words))).is_none()
            }
            Input::Sheets(..) => true,
        })
        .collect();
    if inputs.is_empty()
        && let Some((path, words)) = locks.pop()
    {
        return Err(ReadError::OfficeLock { file: path.display().to_string(), words }.into());
    }
    for (_, words) in locks {
        reader.warn(words);
    }
    // The drive itself, given as a list (a symlink or another name for it too): read as one it would be called
    // another laptop's drive, to be merged into itself.
    let the_drive = |path: &&PathBuf| store.path().is_some_and(|drive| crate::store::lock::same_file(path, drive));
    let mut paths = inputs.iter().filter_map(|input| if let Input::Path(path) = input { Some(path) } else { None });
    if let Some(path) = paths.find(the_drive) {
        let file = table::shown_path(path);
        return Err(ReadError::NotASpreadsheet { file, what: super::sniff::THE_DRIVE }.into());
    }
    let dry_run = matches!(ending, Ending::RollBack | Ending::Preview);
    let current = store.current_year();
    reader.drive_years = (current, if current.is_some() { store.first_year()? } else { None });
    // Rows naming no school on a drive of several: read as 「本校」 for the preview, refused otherwise.
    let unchosen = school.is_none() && default_school.is_empty();
    let default_school = if unchosen { DEFAULT_SCHOOL } else { default_school };
    // The schools the drive held before: a list naming another is said (`new_school`), unless the operator named
    // the school the rows go to.
    let held = if school.is_none() { store.schools()? } else { Vec::new() };
    let store_stop = store.stop_flag();
    let mut session = store.begin_import()?;
    if ending == Ending::BackUpThenCommit {
        session.back_up_before_commit("import")?;
    }
    session.take_other_names(reader.take_other_names);
    reader.drive_empty = session.fills_empty_roster();
    reader.drive_holds_pupils = !reader.drive_empty;
    reader.stop = table::Stop::when(store_stop);
    let schools = (school, default_school);
    let (mut reader, files) = if reader.row_by_row {
        let files = read_inputs(&mut reader, inputs, schools, expected, &mut |row| match row.repeat {
            Some(_) => session.take_repeat(&row).map(|()| None),
            None => session.apply(&row).map(Some),
        })?;
        (reader, files)
    } else if session.fills_empty_roster() {
        read_ahead(&mut session, reader, inputs, schools, expected, true)?
    } else {
        read_ahead(&mut session, reader, inputs, schools, expected, false)?
    };
    let (files, stamps): (Vec<String>, Vec<u64>) = files.into_iter().unzip();
    reader.category_lists_judged(&session)?;
    reader.look_alikes_listed();
    reader.unlisted_said();
    if !reader.adult_lists.is_empty() {
        return Err(ImportError::AdultList { files: std::mem::take(&mut reader.adult_lists) });
    }
    if !reader.last_year.is_empty() {
        return Err(ImportError::LastYearList { files: std::mem::take(&mut reader.last_year) });
    }
    if !reader.next_year.is_empty() {
        let (files, next) = (std::mem::take(&mut reader.next_year), reader.drive_years.0.map(|y| y + 1));
        let drive = drive_named.map(Path::to_path_buf);
        return Err(ImportError::NextYearList { files, next, drive, force: None });
    }
    // What a preview would have shown of the schools named, learnt from this run rather than from a preview run
    // first: the lists are read and applied once. Going elsewhere, this run is rolled back (the session dropped).
    if let Some(settle) = settle {
        let report = &reader.report;
        let read = ListsRead { schools: &report.schools, without_school: report.without_school, sheets: reader.sheets };
        if settle(&read) {
            return Ok(Ran::Again(stamps));
        }
    }
    if unchosen && ending != Ending::Preview && reader.added_without_school > 0 {
        return Err(ImportError::SchoolNotNamed { pupils: reader.added_without_school, schools: held });
    }
    // Lists that hold no pupils at all change nothing: nothing is recorded, and no backup is taken, so
    // retrying an empty template cannot push the kept backups out.
    let nothing = reader.report.without_pupils.len() == files.len();
    let outcome = session.finish(&files, reader.report.duplicates, dry_run || nothing)?;
    reader.phones_filled_said(&outcome.phones_filled);
    reader.numbered_classes_stored(&outcome.classes_respelled, &outcome.schools_renamed);
    // A school named as it was before a rename took its pupils under its name now: no new school.
    let now = |school: &String| match outcome.schools_renamed.iter().find(|(old, _)| old == school) {
        Some((_, now)) => now.clone(),
        None => school.clone(),
    };
    let named: Vec<(String, usize)> =
        reader.report.schools.iter().map(now).zip(reader.school_added.iter().copied()).collect();
    let mut report = reader.report;
    report.added_without_school = reader.added_without_school;
    report.warnings.extend(new_school::renamed_notes(&outcome.schools_renamed, dry_run));
    report.warnings.extend(new_school::warnings(&held, &named, outcome.backup.as_deref(), dry_run, drive_named));
    let backup = outcome.backup.as_deref();
    report.warnings.extend(new_school::moved_warning(&reader.moved_back, school, backup, dry_run, drive_named));
    report.added = outcome.added;
    report.updated = outcome.updated;
    report.unchanged = outcome.unchanged;
    report.dry_run = dry_run;
    Ok(Ran::Done(Box::new(report), stamps))
}

/// Reads every input in turn into `sink`: each file's name and stamp, in order. With `expected`, an input whose
/// stamp differs fails.
fn read_inputs(
    reader: &mut RowReader,
    inputs: Vec<Input>,
    (school, default_school): (Option<&str>, &str),
    expected: Option<&[u64]>,
    sink: &mut Sink,
) -> Result<Vec<(String, u64)>, ImportError> {
    let mut files = Vec::with_capacity(inputs.len());
    // The rows of a file that are a pupil, imported or not: every non-empty row but the ones skipped.
    let pupil_rows = |r: &ImportReport| r.rows_read - r.skipped;
    for (i, input) in inputs.into_iter().enumerate() {
        let (file, stamp, sheets, by_canbao) = open(input, &reader.stop)?;
        reader.reading.clone_from(&file);
        if expected.is_some_and(|e| e.get(i) != Some(&stamp)) {
            return Err(ImportError::ChangedSincePreview { file });
        }
        let before = pupil_rows(&reader.report);
        reader.read_file(&file, sheets, by_canbao, school, default_school, sink)?;
        if pupil_rows(&reader.report) == before {
            let long = reader.overlong_left_out;
            reader.warn(match long {
                0 => format!(
                    "{file}：名单中没有学生（只有表头，或只有标题、合计等不是学生的行），此文件未导入任何学生 \
                     ({file}: the list holds no pupils (a header only, or titles and totals): nothing imported from it)"
                ),
                _ => format!(
                    "{file}：名单中的 {long} 行因姓名或身份证号码单元格过长未导入（见各行），此文件未导入任何学生 \
                     ({file}: {} left out for a name or ID-number cell too long (see each row): nothing imported from it)",
                    crate::words::counted(long, "row was", "rows were")
                ),
            });
            reader.report.without_pupils.push(file.clone());
        }
        reader.masked_file_read(&file);
        files.push((file, stamp));
    }
    reader.masked_settled(sink)?;
    reader.masked_left_out();
    Ok(files)
}

/// What is said at a masked row that is the child of the row of the import at `place` giving the whole `number`
/// the mask shows: a repeat, not imported again.
fn masked_same_child((place, place_en): &(String, String), number: &str) -> String {
    let held = id_number::mask(number);
    format!(
        "身份证号码已打码，与{place}同名同班，未打码的各位与其完整号码（{held}）相符：是同一学生，已按{place}的完整号码导入，\
         此行不另导入 (the ID number is masked, and the characters it shows are those of the whole number of \
         {place_en}, {held}, of the same name and class: the same child, imported with {place_en}'s whole \
         number; this row not imported again)"
    )
}

/// What is said of a row whose flagged number may be `held`, the flagged number of `name` of its class, written
/// another way (`Moves::flagged_alike`).
fn flagged_alike_message(name: &str, held: &str) -> String {
    let held = id_number::mask(held);
    format!(
        "身份证号码有问题，与本班同名的 {name} 所登记的号码 {held}（同样待核对）可能是同一号码被表格改写：此行即此学生，未新增，\
         号码不变；仍请向家长核对完整号码 (the ID number has a problem, and may be the number held by {name} of this \
         class, {held}, still to be checked too, as a spreadsheet rewrote it: the row is that pupil, not added, the \
         number kept; ask the family for the whole number all the same)"
    )
}

/// Whether a name cell holds what can only be an ID number: a valid one, 17 or 18 digits (the last may be X)
/// failing the check, or a number as a spreadsheet writes a long one (450102201303038000 in a numeric cell,
/// 4.50102201303038E+17 as text). No name is written so.
fn looks_like_id_number(cell: &Cell, text: &str) -> bool {
    if let Cell::Number(f) = cell {
        return (1e16..1e18).contains(&f.abs());
    }
    let text = text.trim();
    let len = text.chars().count();
    let digits = (17..=18).contains(&len)
        && text.chars().enumerate().all(|(i, c)| c.is_ascii_digit() || (i == len - 1 && matches!(c, 'X' | 'x')));
    let exponent = text.split_once(['E', 'e']).is_some_and(|(mantissa, exponent)| {
        let exponent = exponent.trim_start_matches('+');
        matches!(exponent, "16" | "17" | "016" | "017")
            && mantissa.split_once('.').is_some_and(|(int, frac)| {
                int.len() == 1 && int.bytes().chain(frac.bytes()).all(|d| d.is_ascii_digit())
            })
    });
    digits || exponent
}

/// What is said of a row imported with an ID number that has a problem, `p`.
fn flagged_message(p: &IdProblem) -> String {
    format!("{}（已导入并标记）({}: imported and flagged)", p.message_zh(), p.message_en())
}

/// The lines said since a row without a number was imported that are looked through for its line, when a later row
/// is its pupil (`RowReader::pairing_said`): the rows between are few in a class list, and the look is bounded.
const PAIRED_LINE_WITHIN: usize = 64;

/// A row read and checked, with its keys, and whether the reader waits for what it did even into an empty roster
/// (`Ahead::known`): a row the pupil of another row of the import (`Pairing`).
type ReadRow = (Incoming, RowKeys, bool);

/// Rows handed from the reading thread to the writing one at a time.
const ROWS_PER_HANDOVER: usize = 256;
/// Handovers read ahead of the writer: the rows held at once stay a few thousand, whatever the file's size.
const HANDOVERS_WAITING: usize = 4;

/// `read_inputs` on a thread of its own while this one applies the rows, so reading, checking and keying a
/// county's lists overlaps SQLite's writing of them instead of adding to it. Into an empty roster
/// (`known`) what each row does is known before it is written (`store::applied_to_empty_roster`), and
/// the writer answers nothing. Into a drive that already holds pupils it depends on the drive, so the reader
/// hands rows over without waiting and says what each did when the writer's answer comes back
/// (`RowReader::said_of_rows_applied`), before anything else it says.
fn read_ahead<'r>(
    session: &mut ImportSession<'_>,
    mut reader: RowReader<'r>,
    inputs: Vec<Input>,
    schools: (Option<&str>, &str),
    expected: Option<&[u64]>,
    known: bool,
) -> Result<(RowReader<'r>, Vec<(String, u64)>), ImportError> {
    let (to_writer, from_reader) = std::sync::mpsc::sync_channel::<Vec<ReadRow>>(HANDOVERS_WAITING);
    let (written_back, back) = std::sync::mpsc::channel::<Vec<ReadRow>>();
    let (applied_back, applied) = std::sync::mpsc::channel::<Vec<Applied>>();
    reader.ahead = Some(Ahead {
        rows: Vec::with_capacity(ROWS_PER_HANDOVER),
        to_writer,
        back,
        applied,
        received: VecDeque::new(),
        waiting: VecDeque::new(),
        names: [Arc::from(""), Arc::from(""), Arc::from("")],
        saying: false,
        known,
        key_buffers: KeyBuffers::default(),
    });
    std::thread::scope(|scope| {
        let reading = scope.spawn(move || {
            // Every row goes to the writer through `reader.ahead`: nothing reaches this sink.
            let read = read_inputs(&mut reader, inputs, schools, expected, &mut |_| Err(StoreError::ImportFinished));
            // A writer the stop ended (SQLite interrupted its statement) takes no more rows: the reader, stopped
            // by it too, says so of the file it was reading, as when it sees the stop first.
            let read = match read {
                Err(ImportError::Store(StoreError::ImportFinished)) if reader.stop.asked() => {
                    Err(ReadError::Stopped { file: reader.reading.clone() }.into())
                }
                read => read,
            };
            // Dropped before the reader goes back, so the writer sees the last handover was the last.
            let ahead = reader.ahead.take();
            let read = match (read, ahead) {
                (Ok(files), Some(mut ahead)) => ahead.hand_over().map(|()| files).map_err(ImportError::from),
                (read, _) => read,
            };
            read.map(|files| (reader, files))
        });
        let mut written = Ok(());
        if !known {
            // Asked of each handover's new pupils at once, before its answers go back.
            session.defer_look_alikes();
        }
        'writing: for rows in from_reader.iter() {
            let mut answers = Vec::with_capacity(if known { 0 } else { rows.len() });
            for (row, keys, answer) in &rows {
                // No pupil of its own, and no answer: the reader said it as a repeat.
                if row.repeat.is_some() {
                    if let Err(e) = session.take_repeat(row) {
                        written = Err(e);
                        break 'writing;
                    }
                    continue;
                }
                match session.apply_read(row, Some(keys)) {
                    Ok(applied) if !known || *answer => answers.push(applied),
                    Ok(_) => {}
                    Err(e) => {
                        written = Err(e);
                        break 'writing;
                    }
                }
            }
            // Gone only once the reader has finished; rows written go back to it, which frees them (and reuses
            // their list) off the writer's thread.
            if !known {
                if let Err(e) = session.settle_look_alikes(&mut answers) {
                    written = Err(e);
                    break 'writing;
                }
                let _ = applied_back.send(answers);
            } else if !answers.is_empty() {
                let _ = applied_back.send(answers);
            }
            let _ = written_back.send(rows);
        }
        // The reader's next handover, or its wait for an answer, fails once nothing is left to take it.
        drop(from_reader);
        drop(applied_back);
        let read = reading.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        // Stopped while reading: said so, over the writer's statement the same stop interrupted.
        if let Err(stopped @ ImportError::Read(ReadError::Stopped { .. })) = read {
            return Err(stopped);
        }
        written?;
        read
    })
}

/// An input's name, a stamp of its contents (a hash of a file's bytes), its sheets, and whether it is a
/// workbook canbao wrote (`ownership::workbook_by_canbao`).
fn open(input: Input, stop: &table::Stop) -> Result<(String, u64, Vec<SheetRows>, bool), ReadError> {
    Ok(match input {
        Input::Path(path) => {
            let file = super::one_pupil::shown_name(&path).unwrap_or_else(|| table::shown_path(&path));
            let bytes = table::file_bytes_watching(&path, stop)?;
            let stamp = stamp(&bytes);
            let by_canbao = ownership::workbook_bytes_by_canbao(&bytes);
            let sheets = table::open_bytes_watching(bytes, &file, stop)?;
            (file, stamp, sheets, by_canbao)
        }
        Input::Sheets(file, sheets) => (file, 0, sheets.into_iter().map(SheetRows::from).collect(), false),
    })
}

/// Where a list without a class column took its pupils' class from, as `class_given_said` says it.
#[derive(Clone, Copy)]
enum ClassSource {
    FileName,
    Title,
    SheetName,
}

/// What is said of a list without a class column whose pupils take the class `label` from `written`.
fn class_given_message(source: ClassSource, written: &str, label: &str) -> String {
    let status = match source {
        ClassSource::FileName => {
            let stem = Path::new(written).file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
            stated_status_message("；文件名", "; the file's name", &stem)
        }
        ClassSource::Title => stated_status_message("；标题", "; the title", written),
        ClassSource::SheetName => stated_status_message("；工作表名称", "; the sheet's name", written),
    };
    let given = class_given_line(source, written, label);
    match status {
        Some(status) => given + &status,
        None => given,
    }
}

fn class_given_line(source: ClassSource, written: &str, label: &str) -> String {
    let (label, written) = (quoted(label), quoted(written));
    match source {
        ClassSource::FileName => format!(
            "表中没有班级列：学生按文件名“{written}”中的班级导入到“{label}” (no class column: the pupils are imported \
             into “{label}”, the class the file's name “{written}” gives)"
        ),
        ClassSource::Title => format!(
            "表中没有班级列：学生按标题“{written}”中的班级导入到“{label}”，请核对 (no class column: the pupils are \
             imported into “{label}”, the class the title “{written}” names; check it)"
        ),
        ClassSource::SheetName => format!(
            "此表没有班级列，上方也没有写出班级的标题：学生按工作表名称“{written}”导入到“{label}”，请核对 (this table has \
             no class column and no title over it naming a class: the pupils are imported into “{label}”, the class \
             the sheet's name “{written}” gives; check it)"
        ),
    }
}

/// What is said of a sheet's or a file's name giving a shortened class (「3.2班」) that the list's classes written
/// in full do not tell the stage of (`shortened_sure`): its pupils get no class.
fn shortened_name_message(source: ClassSource, written: &str, year: u32, class: u32) -> String {
    let (what, what_en) = match source {
        ClassSource::SheetName => ("工作表名称", "the sheet's name"),
        ClassSource::FileName | ClassSource::Title => ("文件名", "the file's name"),
    };
    let full = format!("{}年级{class}班", class_label::cn_numeral(year));
    let other = match year {
        1..=3 => format!("，也可能是初{0}{class}班或高{0}{class}班", class_label::cn_numeral(year)),
        _ => String::new(),
    };
    let written = quoted(written);
    format!(
        "表中没有班级列，{what}“{written}”写的班级是年级和班号的简写，名单中其他写全的班级不能确定它是哪个年级的班（可能是\
         {full}{other}）：学生没有归入任何班级，请加上班级列或写全班级 (no class column, and {what_en} “{written}” \
         writes only the year and the class, which the list's other classes written in full do not tell the grade of \
         ({full}, or a junior or senior school's year): the pupils are put in no class; add a class column or write \
         the class in full)"
    )
}

/// How many rows over a table stacked under another are looked at for a title naming its class.
const STACKED_TITLE_ROWS: usize = 3;

/// Where a sheet with no class column finds its pupils' class.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SheetClass {
    /// The class its title or its name gives.
    Named(String),
    /// canbao's own list of the pupils with no class (the 未分班 sheet of 班级核对表): no class is meant.
    Unassigned,
    /// Nothing names one.
    Unnamed,
}

/// The class a sheet without a class column stands for: the title canbao's 班级核对表 writes above the header
/// (「三年级2班 参保缴费核对表」) first, as the sheet's name may have been shortened to fit Excel's rules; then the
/// sheet's name. In a workbook of several sheets a name with 班 or 年级 is a class, as such workbooks are laid out;
/// a workbook's only sheet must read as a class (三年级2班, 初三(6)班), not merely mention one (班级名单).
fn sheet_class(name: &str, rows: &[Vec<Cell>], header_row: usize, multi: bool) -> SheetClass {
    for cell in rows.iter().take(header_row).flatten() {
        let text = cell.text();
        let Some(label) = text.trim().strip_suffix(CLASS_TITLE) else { continue };
        let label = label.trim();
        if label == NO_CLASS {
            return SheetClass::Unassigned;
        }
        if reads_as_class(label) {
            return SheetClass::Named(label.to_owned());
        }
    }
    if let Some(label) = class_line(rows, header_row) {
        return SheetClass::Named(label);
    }
    let name = name.trim();
    if name == NO_CLASS {
        return SheetClass::Unassigned;
    }
    if name_names_class(name, multi) {
        return SheetClass::Named(name_class(name));
    }
    match title_names_class(rows, header_row) {
        Some((label, _)) => SheetClass::Named(label),
        None => SheetClass::Unnamed,
    }
}

/// Whether a sheet's name is its class's: in a workbook of several sheets any 班 or 年级 in it, else a class, with
/// the words a title writes around it (「四年级2班插班生」, 「班级：二年级2班」, `class_in_title`).
fn name_names_class(name: &str, multi: bool) -> bool {
    let name = name.trim();
    match multi {
        _ if name == NO_CLASS => false,
        true => name.contains('班') || name.contains("年级"),
        false => reads_as_class(name) || class_in_name(name).is_some(),
    }
}

/// The class a sheet's name gives (`name_names_class`): the class a title so written names (「四年级2班插班生」 →
/// 四年级2班, 「班级：二年级2班」 → 二年级2班), else the name as written (一年级, 示范班).
fn name_class(name: &str) -> String {
    let name = name.trim();
    class_in_name(name).unwrap_or_else(|| name.to_owned())
}

/// The class a title above the header names (「XX小学四年级1班学生名单」 → 「四年级1班」), with the title as written: for
/// a sheet whose name names none (Sheet1, a CSV), as a sheet named 四年级1班 would. A title naming several classes
/// (「四年级1班、2班名单」) names none.
fn title_names_class(rows: &[Vec<Cell>], header_row: usize) -> Option<(String, String)> {
    rows.iter().take(header_row).flatten().find_map(|cell| {
        let text = cell.text();
        // A label line (「班级：…」) is read by `class_line`; a note (「注：四年级2班学生另表报送」) names no class.
        let label = class_in_title(&text)?;
        let title: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        Some((class_label::normalize(&label), title))
    })
}

/// The class a file's name gives (六年级3班.csv, 三年级2班名单.xlsx, 四年级2班插班生.csv, 班级：二年级2班.csv), as a
/// title so written names it (`class_in_title`), or a workbook's only sheet's name would.
fn file_class(file: &str) -> Option<String> {
    let stem = Path::new(file).file_stem()?.to_str()?.trim();
    // A name that reads as a class whole (3-2班.csv) does still, as a workbook's only sheet's name does.
    class_in_name(stem).or_else(|| reads_as_class(stem).then(|| stem.to_owned()))
}

/// The class a label line above the header gives (「班级：三年级（2）班」, or 「年级：三年级 班级：2班」 in a merged
/// title row, or after other labels: 「填表日期：2026-09-01  班级：示范班」), as a sheet's name gives it.
fn class_line(rows: &[Vec<Cell>], header_row: usize) -> Option<String> {
    let (mut grade, mut class) = (None, None);
    for cell in rows.iter().take(header_row).flatten() {
        let text = cell.text();
        for (word, found) in [("班级", &mut class), ("年级", &mut grade)] {
            if found.is_none() {
                *found = labelled(&text, word);
            }
        }
    }
    let class = class?;
    let (grade, class) = class_label::from_columns(grade.as_deref(), Some(&class), None);
    let label = class_label::join(&grade, &class);
    // Labelled 班级, a class by a name of its own (示范班, 实验班) is a class too, as a sheet's name is.
    let named = label.ends_with('班') && label != NO_CLASS;
    (named || class_label::dotted(&label).is_some()).then_some(label)
}

/// Whether a sheet's name names another class than the label line above its header gives (sheet 一年级2班,
/// 「班级：三年级2班」). A name that gives only the grade (三年级) or only the class (2班) differs only in that.
fn sheet_named_other(name: &str, label: &str, multi: bool) -> bool {
    let name = name.trim();
    let named = if multi { name.contains('班') || name.contains("年级") } else { reads_as_class(name) };
    if !named {
        return false;
    }
    let (named, given) = (ClassKey::parse(&name_class(name)), ClassKey::parse(label));
    (named.grade != Grade::None && named.grade != given.grade)
        || (!named.class.is_empty() && named.class != given.class)
}

/// What follows 「word：」 in a label line, up to a space or the next label; "" is none.
fn labelled(text: &str, word: &str) -> Option<String> {
    let mut rest = text;
    while let Some(at) = rest.find(word) {
        let after = rest[at + word.len()..].trim_start();
        if let Some(value) = after.strip_prefix('：').or_else(|| after.strip_prefix(':')) {
            let value = value.trim_start();
            let end = value.find(|c: char| c.is_whitespace() || "，,；;".contains(c)).unwrap_or(value.len());
            let value = &value[..end];
            return (!value.is_empty()).then(|| value.to_owned());
        }
        rest = &rest[at + word.len()..];
    }
    None
}

/// The grade a sheet's name names (一年级, 初一, 2023级), else the title above its header, if either names exactly one.
fn sheet_grade(name: &str, rows: &[Vec<Cell>], header_row: usize) -> Option<String> {
    if let Some(grade) = class_label::grade_named(name) {
        return Some(grade);
    }
    // A note over the header (「注：四年级2班学生另表报送」) names no grade of the sheet's.
    let mut named = rows
        .iter()
        .take(header_row)
        .flatten()
        .map(Cell::text)
        .filter(|text| !is_note(text))
        .filter_map(|text| class_label::grade_named(&text));
    let first = named.next()?;
    named.all(|g| g == first).then_some(first)
}

/// The grade a file's name names (五年级.csv, 二年级.xlsx), if it names exactly one: a grade's list whose classes
/// are written without it (1班, 2班, or sheets so named) is of that grade, as under a title naming it.
fn file_grade(file: &str) -> Option<String> {
    class_label::grade_named(Path::new(file).file_stem()?.to_str()?)
}

/// The class the pupils given the class `label` go to: a class naming no grade takes the grade of its sheet or
/// file (`grade`), as `RowReader::read_row` gives it, so that what is said of it names the class they are in.
fn with_grade(label: &str, grade: Option<&str>) -> String {
    let read = class_label::from_columns(None, None, Some(label));
    let (grade_of, class) = match grade {
        Some(grade) if ClassKey::parse(label).grade == Grade::None => class_label::with_sheet_grade(grade, read),
        _ => read,
    };
    match class.is_empty() {
        true => label.to_owned(),
        false => class_label::join(&grade_of, &class),
    }
}

/// Whether a class read with no grade is a class number (1班, 一班) that a grade is wanted before: a school's
/// classes of other names (特教班) stand alone.
fn numbered_without_grade(class: &str) -> bool {
    class.strip_suffix('班').is_some_and(|number| {
        !number.is_empty() && number.chars().all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
    })
}

/// A label that names one class: ending in 班, with a class number (2班, 三年级（2）班, 2023级1班) or a school year
/// before it (三年级甲班).
fn reads_as_class(label: &str) -> bool {
    let label = class_label::normalize(label);
    if !label.ends_with('班') {
        return false;
    }
    let key = ClassKey::parse(&label);
    let numbered = key.class.strip_suffix('班').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    numbered || (matches!(key.grade, Grade::Year(_)) && key.class.chars().count() > 1)
}

/// A file's contents in 64 bits: equal for the same bytes in one run of the program.
pub(super) fn stamp(bytes: &[u8]) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = foldhash::quality::FixedState::with_seed(0x63616e62616f).build_hasher();
    hasher.write(bytes);
    hasher.write_usize(bytes.len());
    hasher.finish()
}

/// Reads sheets into rows without applying them (the fuzzing harness checks the reader on its own). A masked
/// number is what a fresh drive makes of it: it fits no pupil held, so it is left out, or is a repeat of the row
/// of the import giving its whole number (`RowReader::masked_left_out`), and is said so as an import says it.
pub fn plan_sheets(
    inputs: Vec<(String, Vec<Sheet>)>,
    school: Option<&str>,
    default_school: &str,
    today: NaiveDate,
) -> Result<ImportPlan, ImportError> {
    let mut reader = RowReader::new(today, Template::all(None));
    let mut rows = Vec::new();
    let mut files = Vec::new();
    let mut sink = |row: Incoming| {
        let masked = id_number::masked_ends(&row.id.normalized).is_some() && !row.id.is_valid();
        let applied = masked.then(|| crate::store::applied_to_empty_roster(&row));
        rows.push(row);
        Ok(applied)
    };
    for (file, sheets) in inputs {
        let sheets = sheets.into_iter().map(SheetRows::from).collect();
        reader.read_file(&file, sheets, false, school, default_school, &mut sink)?;
        reader.masked_file_read(&file);
        files.push(file);
    }
    reader.masked_settled(&mut sink)?;
    reader.masked_left_out();
    reader.unlisted_said();
    Ok(ImportPlan { rows, report: reader.report, files })
}

/// Where a row goes once read: applied to an import (what it did to the drive), or kept for a plan (`None`).
type Sink<'s> = dyn FnMut(Incoming) -> Result<Option<Applied>, StoreError> + 's;

struct RowReader<'a> {
    synonyms: &'a Synonyms,
    /// The batch templates whose header marks a sheet as canbao's own (`own_forms::template_header`).
    templates: Vec<Template>,
    /// What the file being read says of statuses that the operator must hear of, past the first few.
    statuses: StatusNotes,
    categories: &'a CategoryTable,
    today: NaiveDate,
    report: ImportReport,
    first: FirstRows,
    /// The rows the drive's pupil of their number refused (`IncomingOutcome::OtherName`), by file, sheet and row:
    /// a later row of the number is no repeat of such a row.
    other_name_rows: std::collections::HashSet<(Box<str>, Box<str>, usize)>,
    /// The rows without a number left out for several pupils of their name and class (`UnnumberedOfSeveral`): a
    /// row repeating one is left out too, not said to repeat a row imported.
    unnumbered_left_rows: std::collections::HashSet<(Box<str>, Box<str>, usize)>,
    /// Rows of the sheet being read that got no grade and no class, to be said once at the sheet's end.
    classless: Vec<usize>,
    /// Rows of the sheet being read that got a grade but no class (年级 filled, 班级 empty), said the same way.
    grade_only: Vec<usize>,
    /// Rows of the sheet being read under a 年级 column whose 年级 is blank and whose class names no grade (「1班」),
    /// said the same way: a class of no grade is never made silently.
    grade_blank: Vec<(usize, String)>,
    /// The table's class columns written once per block, read down its blocks (`FillDown`).
    fill: FillDown,
    /// The file being read, and the school years its classes written in full name (`written_years`): what a
    /// shortened class heading (「3.2班」) is read by.
    list_years: (String, Vec<u8>),
    /// Formulas without a saved result in the sheet being read: how many were said cell by cell, and the rows
    /// of the rest, said in one line at the sheet's end.
    formulas_said: usize,
    formulas_more: Vec<usize>,
    /// The pupils the file being read moves, said at its end.
    moves: FileMoves,
    classes: ClassCells,
    /// The school year of each grade and class met, for the age check.
    school_years: crate::domain::pupil_flags::SchoolYears,
    /// The class heading row above the rows being read, in a sheet that lists several classes one under another.
    heading: Option<Heading>,
    runs: Runs,
    /// Problems past [`PROBLEMS_LISTED`], counted.
    unlisted: usize,
    /// The file being read's rows as the import read them, for what it says of masked numbers.
    masked: Masked,
    /// Each file read, with its `Masked` counts.
    masked_files: Vec<(Box<str>, Masked)>,
    /// The masked rows no earlier row of the import fitted, held to the import's end (`HeldMasked`).
    masked_held: Vec<HeldMasked>,
    /// The masked rows left out, fitting no single pupil (file, sheet, row, how many pupils fitted).
    masked_left: Vec<(Box<str>, String, usize, usize)>,
    /// The file being read's pupils, for telling a file that is no class list (`NamesAndNumbers::no_list`).
    this_file: NamesAndNumbers,
    /// How many pupils each school of `report.schools` (in its order) gained as new pupils: what a school new
    /// to the drive is said with (`new_school`). Pupils moved to it are said as moves.
    school_added: Vec<usize>,
    /// New pupils from rows naming no school: on a drive of several schools, whose they are is the operator's to
    /// say. Rows of pupils already held keep them in their school, so they need no answer.
    added_without_school: usize,
    /// Moves out of a school that importing the list again under the old school's name would not undo (every
    /// row of `--school`, or a list whose pupils were in several schools): (from, to, how many), for the warning
    /// that gives the backup to restore (`new_school::moved_warning`).
    moved_back: Vec<(String, String, usize)>,
    /// Rows handed to a writer on another thread, when reading runs ahead of it (`read_ahead`).
    ahead: Option<Ahead>,
    /// The sheets read that the operator sees (`ListsRead::sheets`).
    sheets: usize,
    /// Every row applied as it is read, on one thread (`import_row_by_row`).
    row_by_row: bool,
    /// The stop the drive's statements watch (`Store::stop_flag`), looked at as the files are read too: the
    /// statements of a row are too short for SQLite to look at it, so a list was read to its end first.
    stop: table::Stop,
    /// The file being read, as reports name it: what a stop is said to have come during.
    reading: String,
    /// `ImportRequest::take_other_names`.
    take_other_names: bool,
    /// `ImportRequest::take_grade_down`.
    take_grade_down: bool,
    /// The files read so far whose pupils would (nearly) all move a grade down (`looks_last_year`).
    last_year: Vec<LastYearFile>,
    /// `ImportRequest::take_grade_up`.
    take_grade_up: bool,
    /// The pupils of the file being read that the list moves a grade up, and the files read so far that would
    /// move (nearly) all of theirs (`list_guards::looks_next_year`).
    grade_up: super::list_guards::GradeUp,
    next_year: Vec<super::list_guards::NextYearFile>,
    /// The rows of the file being read giving a valid number and the adults among them, and the files read so far
    /// whose rows are (nearly) all adults' (`list_guards::looks_adult_list`).
    adults: super::list_guards::Adults,
    adult_lists: Vec<super::list_guards::AdultFile>,
    /// The row just read was the header again (重复的表头行): what follows may be a staff table under the same
    /// columns (`staff_table`), held as one stacked under its own header is. Set by the row's read alone.
    header_again: bool,
    /// The row just read was a staff table's own header under the pupils (「教师姓名 | 身份证号码」, or without an ID
    /// number column, 「教师姓名 | 联系电话」): the rows under it are held as a staff table's, as under 「姓名 |
    /// 身份证号码 | 职务」. Set by the row's read alone, with the header's own line, said once the table's rows give
    /// their verdict (`HeldTable::header_line`), or at once where no table is held from it.
    staff_below: Option<(StaffBelow, HeaderLine)>,
    /// The header row of a staff table's own header whose rows proved pupils by a pupil's number: an adult's
    /// number among them (庚老师 | 41 岁 | 班主任) is the staff's, left out, not a pupil of a class 五年级班主任.
    staff_proved_pupils: Option<usize>,
    /// The drive's current insured year and the first it kept, which canbao's own forms must be for
    /// (`own_forms::other_year`).
    drive_years: (Option<i32>, Option<i32>),
    /// The rows read of each school, class and name (`RowReader::pairing`).
    of_class: HashMap<Box<str>, OfClass, foldhash::fast::RandomState>,
    /// The rows giving a valid number that a row without one was said to be (`Pairing::Filled`): a second child of
    /// the name and class (`Pairing::Twin`) makes that pairing one to check.
    filled_said: Vec<u32>,
    /// Each class label of `FirstRows::classes` as one key for the spellings of the class (`ClassKey`).
    class_keys: Vec<Option<Box<str>>>,
    /// Rows of the file being read left out for a name or an ID cell too long: a file whose rows were all left out
    /// so says why, and not that it holds no pupils.
    overlong_left_out: usize,
    /// Whose terms say what the file being read hides (Excel's, or an ODS's spreadsheet's).
    hidden_in: crate::io::table::HiddenIn,
    /// The new pupils said to look like a pupil held under another number (`Applied::look_alike`): the problem's
    /// place in the report and the number held, unsaid again if a row of the import gives that number too
    /// (`look_alikes_listed`).
    look_alikes_said: Vec<(usize, String)>,
    /// A dry run whose look-alike notices are said in the future tense where they are made
    /// (`ImportRequest::said_as_preview`).
    said_as_preview: bool,
    /// The ID numbers of the sheet being read, by how a spreadsheet left them (`RoundedIds::judged`).
    rounded_ids: RoundedIds,
    /// canbao's own signature line (`forms::SIGN_LINES`) met under a class's pupils, not said yet: named as the
    /// form's own line once the block ends with it at the foot (`own_sign_ends`), and said as any footer at its
    /// row if a pupil comes after it in the block.
    own_sign: Option<OwnSign>,
    /// The drive held no pupil when the import began (`ImportSession::fills_empty_roster`): a valid number a
    /// program printed from another row's (`FirstRows::printed_alike`) is no pupil the drive holds under it.
    drive_empty: bool,
    /// The drive held pupils when the import began: a list with nothing that gives a class is then no first class
    /// list but a department's (`looks_like_category_list`). False where no drive is read (`plan_sheets`).
    drive_holds_pupils: bool,
    /// `ImportRequest::as_class_list`.
    as_class_list: bool,
    /// The files that look like a department's list only by a category column and no class, on a drive holding
    /// pupils, with the valid ID numbers each gives: refused once read if most of them are no pupil the drive
    /// held (`category_lists_judged`), imported with a word otherwise (a 新生名单 of the school's own pupils).
    category_lists: Vec<(String, Vec<String>)>,
    /// The sheet being read is the last of `category_lists`: each valid number its rows give goes there.
    category_list_reading: bool,
    /// The sheet's category column was taken by its first rows' cells (`category_by_cells`): a word further down that
    /// is no category (住校 under a class list's 类别) is left unread and said once, `true` once said.
    category_by_cells: Option<bool>,
    /// The section heading over the rows being read that lists pupils leaving the school (「转出学生」), down to the
    /// next heading or the sheet's end: each pupil under it is imported and said.
    leaving: Option<String>,
    /// The header of another table met under the pupils (「姓名 | 联系电话」 of the teachers' table below the class
    /// list), its row and cells as written: the rows under it are no pupils down to the next row holding an ID
    /// number, each said at its row.
    table_below: Option<(usize, String)>,
    /// The sheet's first rows show a pupil's number: a row of an adult's number naming the staff (「班主任：罗丽」)
    /// is a teacher's under a class of children (`staff_row`), not a pupil's.
    children: bool,
    /// The class cells of the file being read that were a number of three digits or more (101), each with the
    /// class it was read as: said once at the file's end (`numbered_classes_said`).
    numbered_classes: Vec<NumberedClass>,
    /// The lines said of them, each with its file: named again once the store has said which of their classes
    /// went into a class the drive spells another way (`numbered_classes_stored`).
    numbered_said: Vec<(String, String, Vec<NumberedClass>)>,
    /// The sheet being read writes its classes as numbers of three digits that number them by school year (301 for
    /// 三年级1班) and no grade anywhere (`class_label::numbers_classes_by_year`): each is read as its year's class.
    classes_by_year: bool,
    /// What the sheet being read writes 民族 as, judged by the rows read ahead (`ethnicity::column_so_far`): GB/T
    /// 3304 codes (01 for 汉族), each code read as its group's name; or only names so far, judged again row by row,
    /// so codes first met further down are read as names too (said at the row they start at).
    ethnicity_codes: crate::domain::ethnicity::Column,
    /// The later rows whose phone went to the pupil of their first row (`RepeatGives::Phone`), in order: said once
    /// the import has taken them (`phones_filled_said`).
    phones_handed: Vec<PhoneHanded>,
    /// Whether the file's name gives the sheet being read its grade (`file_grade`), its name and title giving none.
    grade_of_file: bool,
    /// Rows of the table just read whose class, written without a grade, took the file's name's (`grade_of_file`),
    /// and the class each went to: said in one line (`grade_of_file_said`).
    grade_from_file: Vec<(usize, String)>,
    /// Rows of the table just read whose class cell is a class number naming no grade (1班) while no grade column,
    /// sheet's name, title or file's name names one, and the class each went to (`grade_of_file_said`).
    grade_unknown: Vec<(usize, String)>,
}

/// A later row whose phone was handed to the pupil of its first row, which gave none (`RowReader::phones_handed`).
/// A class cell of a number of three digits or more (101), the class it was read as and whether by its year
/// (`classes_by_year`), and the school, grade and class its pupil was handed over with: the store may put the pupil
/// into a class the drive spells another way (`ImportOutcome::classes_respelled`), which the line then names.
#[derive(Debug, Clone)]
struct NumberedClass {
    cell: String,
    label: String,
    by_year: bool,
    school: String,
    grade: String,
    class: String,
}

struct PhoneHanded {
    file: Box<str>,
    sheet: Box<str>,
    row: usize,
    header: Box<str>,
    phone: Box<str>,
    /// The first row, as the later row's line names it (`FirstSeen::place`).
    place: (String, String),
}

/// A row's cells as text (`Cell::text_ref`), each cleaned the first time it is asked for and kept for the rest
/// of the row's reading: a row's cells were cleaned a dozen times and more, once for every question asked of them.
struct RowTexts<'r> {
    row: &'r [Cell],
    /// The cells of a row as wide as a class list's, on the stack; `wider` only past them.
    first: [std::cell::OnceCell<std::borrow::Cow<'r, str>>; RowTexts::ON_STACK],
    wider: Vec<std::cell::OnceCell<std::borrow::Cow<'r, str>>>,
}

impl<'r> RowTexts<'r> {
    const ON_STACK: usize = 16;

    fn new(row: &'r [Cell]) -> Self {
        let wider = (Self::ON_STACK..row.len()).map(|_| std::cell::OnceCell::new()).collect();
        RowTexts { row, first: std::array::from_fn(|_| std::cell::OnceCell::new()), wider }
    }

    /// The text of the row's cell `at`, as `Cell::text_ref` gives it; `None` past the row's end.
    fn at(&self, at: usize) -> Option<&str> {
        let cell = self.row.get(at)?;
        let slot = match at.checked_sub(Self::ON_STACK) {
            None => self.first.get(at)?,
            Some(past) => self.wider.get(past)?,
        };
        Some(slot.get_or_init(|| cell.text_ref()))
    }

    /// The text of the cell holding `column`, as `map.get(column, row).map(Cell::text_ref)` gives it.
    fn of(&self, map: &HeaderMap, column: Column) -> Option<&str> {
        map.columns.get(&column).and_then(|&at| self.at(at))
    }
}

/// How many of a sheet's ID cells lost their digits to a spreadsheet, as far as read: in a column where most did,
/// a number ending in 000 (or printed from a double) is one of them even when its check digit holds by chance (one in eleven does), not a
/// pupil's whole number, and is flagged as its neighbours are.
#[derive(Default, Clone)]
struct RoundedIds {
    /// Cells that lost their digits whatever their neighbours: a numeric cell, scientific notation, or 18 digits
    /// ending in 000, or printed from a double, whose check digit fails.
    lost: usize,
    /// 18 digits ending in 000, or printed from a double, whose check digit holds (`zeros`).
    zeros: usize,
    /// Every ID cell not empty.
    ids: usize,
    /// The text of the ID cell counted last and its check: the row read next is that row once the sheet's start is
    /// judged, and `RowReader::read_row` takes the check instead of making it again. The text is written over
    /// from row to row, not allocated anew.
    last: Option<IdCheck>,
    last_text: String,
}

impl RoundedIds {
    /// How many ID cells a sheet's start is judged by, before its first row is read.
    const LOOKAHEAD: usize = 200;

    fn count(&mut self, cell: &Cell, today: NaiveDate) {
        let (text, check) = match cell {
            Cell::Empty => return,
            Cell::Number(f) => (None, id_number::check_numeric_cell(*f, today)),
            other => {
                let text = other.text_ref();
                let check = id_number::check(&text, today);
                (Some(text), check)
            }
        };
        if !check.normalized.is_empty() {
            self.ids += 1;
            if check.result == Err(IdProblem::PrecisionLost) || Self::printed_failing(&check) {
                self.lost += 1;
            } else if Self::zeros(&check) {
                self.zeros += 1;
            }
        }
        self.last = match text {
            Some(text) => {
                self.last_text.clear();
                self.last_text.push_str(&text);
                Some(check)
            }
            None => None,
        };
    }

    /// `id_number::check(text, today)`, taken from the cell counted last when it is that text.
    fn check(&mut self, text: &str, today: NaiveDate) -> IdCheck {
        match self.last.take() {
            Some(check) if self.last_text == text => check,
            _ => id_number::check(text, today),
        }
    }

    /// A valid number that ends as a spreadsheet's rounding does, or is one a program printed from a double
    /// (`id_number::printed_double`: JavaScript's `String(n)`, Python's `int(x)`).
    fn zeros(check: &IdCheck) -> bool {
        check.result.is_ok()
            && check.normalized.len() == 18
            && (check.normalized.ends_with("000") || id_number::printed_double(&check.normalized).is_some())
    }

    /// 18 digits a program printed from a double whose check digit fails (`id_number::may_be_printed`).
    fn printed_failing(check: &IdCheck) -> bool {
        check.result.is_err() && id_number::may_be_printed(check)
    }

    /// Whether the column is one a spreadsheet rounded: several of its numbers lost their digits, and most of
    /// them end in zeros.
    fn judged(&self) -> bool {
        self.lost >= 2 && (self.lost + self.zeros) * 2 >= self.ids
    }
}

/// What is said of a row once applied (`RowReader::said_of_applied`).
struct RowApplied<'r> {
    file: &'r str,
    sheet: &'r str,
    row_no: usize,
    id_header: &'r str,
    /// The row's ID number's problem, said unless the row turns out to be a pupil holding a good number.
    id_problem: Option<String>,
    /// A mobile number the row's ID cell held (`mobile_in_id`): said as such even where the row is a pupil held.
    mobile: Option<Box<str>>,
    invalid: bool,
    /// The row's ID number gives an age no pupil of its grade has: said once the row is known to be imported or
    /// found unchanged.
    odd_age: Option<Box<OddAge>>,
    /// The row's phone cell gave no phone: said once the row is known to be imported or found held.
    phone: Option<Box<PhoneNotTaken>>,
    /// The school the row names, as an index of `report.schools`.
    named_at: Option<usize>,
    /// The sheet's header row and the row's status cells, which a message on canbao's own form quotes.
    header: Option<&'r [Cell]>,
    cells: (&'r [Cell], &'r [StatusColumn]),
    unreadable: Option<own_forms::Unreadable>,
    /// What an earlier row of the import of the same name, school and class makes of this one.
    pairing: Option<Pairing>,
    /// The name of a row of canbao's batch template giving no ID number, as the template writes a pupil held with
    /// none (or a flagged one): found as the pupil of its name and class held so, it is said as that pupil.
    template_unnumbered: Option<Box<str>>,
    list_cell: ListCell,
}

/// A row of an import that is the same child as an earlier row of it, of the same name, school and class, one of
/// the two giving no ID number and the other a valid one (`RowReader::pairing`): one pupil, in one import as in
/// two. Each row is an index of `FirstRows`.
#[derive(Clone)]
enum Pairing {
    /// The row gives no number, and one earlier row gave a valid one (`number`): that row's pupil.
    Kept { valid: u32, number: Box<str> },
    /// The row gives no number, and several earlier rows gave valid ones: which it is, is not guessed.
    Several,
    /// The row gives no number, and one earlier row gave an old 15-digit one (converted to 18), which canbao's
    /// batch template leaves out as it does a flagged one: that row's pupil (`name`), whose number is to be checked.
    ToCheck { name: Box<str>, valid: u32 },
    /// The row gives a valid number (`number`), and an earlier row (`unnumbered`) gave none and no earlier row a
    /// valid one: the pupil that row added takes this row's number.
    Filled { unnumbered: u32, valid: u32, number: Box<str> },
    /// The row gives a valid number, a second one of the name and class, after a row without a number was `Filled`
    /// by the first (`taken`, giving `number`): the row without a number could have been either child's, and the
    /// import cannot take it back from the first once written, so it is said to be checked.
    Twin { unnumbered: u32, taken: u32, number: Box<str> },
    /// The row and an earlier one (`other`) would be one child as above, but their sexes differ or a 备注 says they
    /// are two (`same_child::Signs::apart`): both are kept, each its own pupil, and the row says so.
    Apart { other: u32, why: same_child::Apart },
}

/// The rows of an import of one name, school and class (`RowReader::pairing`).
#[derive(Default)]
struct OfClass {
    /// The first row giving a valid number, the number, whether it is an old 15-digit one, and what else it says
    /// of the child; `several` once another gave one too.
    valid: Option<(u32, Box<str>, bool, Signs)>,
    several: bool,
    /// The row giving no number, read before any giving a valid one, and what else it says of the child;
    /// `unnumbered_several` once another did too (the class spelled otherwise), which the import does not pair.
    unnumbered: Option<(u32, Signs)>,
    /// The rows after the first giving a valid number, with it: what a masked number of the name and class may be
    /// besides the first (`RowReader::masked_of_import`).
    more: Vec<(u32, Box<str>)>,
    unnumbered_several: bool,
}

/// A valid ID number's birth date that is no age for the row's grade (`pupil_flags::grade_age`), as the row's
/// report says it.
#[derive(Clone)]
struct OddAge {
    birth: NaiveDate,
    grade: String,
    usual: i32,
    /// The holder's age when the number shows an adult no pupil can be (`pupil_flags::adult_age`), whatever the
    /// grade, or none given: the pupil is imported flagged.
    adult: Option<i32>,
}

impl OddAge {
    /// The line said of the row: imported, or (a pupil the drive holds as the row gives them) unchanged.
    fn message(&self, unchanged: bool) -> String {
        if let Some(age) = self.adult {
            return adult_message(age, unchanged);
        }
        let OddAge { birth, grade, usual, .. } = self;
        let (done_zh, done_en) = if unchanged { ("此学生未变", "unchanged") } else { ("已导入", "imported") };
        format!(
            "身份证号码的出生日期 {birth} 不是{grade}学生的年龄（通常 {usual} 岁入读），{done_zh}，请核对号码或年级 (the ID \
             number's birth date, {birth}, is no age for a pupil of {grade}, usually {usual} at the start of the \
             year: {done_en}; check the number or the grade)"
        )
    }
}

/// What a row whose number shows an adult (`OddAge::adult`) says: flagged, as `check` and the forms say it.
fn adult_message(age: i32, unchanged: bool) -> String {
    let (done_zh, done_en) = if unchanged {
        ("此学生未变，已标记", "unchanged, flagged")
    } else {
        ("已导入并标记", "imported and flagged")
    };
    format!(
        "身份证号码显示年龄 {age} 岁，不是中小学、幼儿园学生的年龄，可能是家长或教职工的号码：{done_zh}，不会作为中小学生填入批量参保模板，请核对号码 (the ID number shows an adult of {age}, no pupil of a school or kindergarten: perhaps a parent's or a staff member's number; {done_en}, and kept out of the batch template as a pupil; check the number)"
    )
}

/// A row handed to the writer whose report waits for what it did: `RowApplied` without the cells, which a row
/// of a school's own list (no status cells of canbao's form) never quotes.
struct Waiting {
    file: Arc<str>,
    sheet: Arc<str>,
    row_no: usize,
    rows_read: usize,
    id_header: Arc<str>,
    id_problem: Option<String>,
    mobile: Option<Box<str>>,
    invalid: bool,
    odd_age: Option<Box<OddAge>>,
    phone: Option<Box<PhoneNotTaken>>,
    named_at: Option<usize>,
    pairing: Option<Pairing>,
    list_cell: ListCell,
}

impl Waiting {
    /// The names a sheet's rows share are kept once (`Ahead::names`), not once per row.
    fn of(row: &RowApplied<'_>, rows_read: usize, names: &mut [Arc<str>; 3]) -> Waiting {
        let [file, sheet, id_header] = names;
        for (held, text) in [(&mut *file, row.file), (&mut *sheet, row.sheet), (&mut *id_header, row.id_header)] {
            if **held != *text {
                *held = Arc::from(text);
            }
        }
        Waiting {
            file: Arc::clone(file),
            sheet: Arc::clone(sheet),
            row_no: row.row_no,
            rows_read,
            id_header: Arc::clone(id_header),
            id_problem: row.id_problem.clone(),
            mobile: row.mobile.clone(),
            invalid: row.invalid,
            odd_age: row.odd_age.clone(),
            phone: row.phone.clone(),
            named_at: row.named_at,
            pairing: row.pairing.clone(),
            list_cell: row.list_cell.clone(),
        }
    }

    fn as_row(&self) -> RowApplied<'_> {
        RowApplied {
            file: &self.file,
            sheet: &self.sheet,
            row_no: self.row_no,
            id_header: &self.id_header,
            id_problem: self.id_problem.clone(),
            mobile: self.mobile.clone(),
            invalid: self.invalid,
            odd_age: self.odd_age.clone(),
            phone: self.phone.clone(),
            named_at: self.named_at,
            header: None,
            cells: (&[], &[]),
            unreadable: None,
            pairing: self.pairing.clone(),
            // A template's row is said at once, never waiting (`hand_row`).
            template_unnumbered: None,
            list_cell: self.list_cell.clone(),
        }
    }
}

/// The reading thread's end of `read_ahead`: rows go to the writer a handover at a time, and what each did
/// comes back in the same order.
struct Ahead {
    rows: Vec<ReadRow>,
    to_writer: SyncSender<Vec<ReadRow>>,
    /// Lists the writer is done with, reused for the next handover and their rows freed here.
    back: Receiver<Vec<ReadRow>>,
    applied: Receiver<Vec<Applied>>,
    received: VecDeque<Applied>,
    waiting: VecDeque<Waiting>,
    /// The file, sheet and ID column header of the rows waiting, shared by them.
    names: [Arc<str>; 3],
    /// Saying the rows waiting, which says problems of its own: not to be started again from within.
    saying: bool,
    /// The roster was empty: what each row does is known without the writer's answer (`read_ahead`).
    known: bool,
    key_buffers: KeyBuffers,
}

/// Which rows handed over `RowReader::said_of_rows` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answers {
    /// Every one, waiting for the writer as long as it takes.
    All,
    /// Those the writer has answered already: what a long list without a problem says as it goes, so the rows
    /// waiting (and their answers) stay a few handovers, whatever the list's size.
    Arrived,
}

impl Ahead {
    /// Queues a row for the writer, with its keys worked out here; a full handover goes at once.
    fn hand(&mut self, row: Incoming, answer: bool) -> Result<(), StoreError> {
        let keys = RowKeys::with(&row, &mut self.key_buffers);
        self.rows.push((row, keys, answer));
        if self.rows.len() == ROWS_PER_HANDOVER { self.hand_over() } else { Ok(()) }
    }

    /// Hands the rows queued to the writer. Fails when the writer has stopped (it failed: its error is said).
    fn hand_over(&mut self) -> Result<(), StoreError> {
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut next = self.back.try_recv().unwrap_or_default();
        next.clear();
        let rows = std::mem::replace(&mut self.rows, next);
        self.to_writer.send(rows).map_err(|_| StoreError::ImportFinished)
    }

    /// What the next row handed over did; `None` once the writer has stopped.
    fn next_applied(&mut self) -> Option<Applied> {
        loop {
            if let Some(applied) = self.received.pop_front() {
                return Some(applied);
            }
            let handover = self.applied.recv().ok()?;
            self.received.extend(handover);
        }
    }

    /// `next_applied` if the writer has answered it already.
    fn next_arrived(&mut self) -> Option<Applied> {
        if self.received.is_empty() {
            let handover = self.applied.try_recv().ok()?;
            self.received.extend(handover);
        }
        self.received.pop_front()
    }
}

/// A row such as 「三年级1班」 merged across the table above its class's pupils: not a pupil, but the class of the
/// rows under it that give none of their own, down to the next heading or the end of the sheet.
struct Heading {
    /// Its class; "" where it names none surely (`unsure`).
    label: String,
    /// The class its rows go to, as the report names it: 「2班」 under 「四年级学生名单」 is 四年级2班.
    read: String,
    /// Why no class is taken from it (「三年级2班、3班」, 「3-2班」), and the rows under it that wrote none.
    unsure: Option<Unsure>,
    rows: Vec<usize>,
    /// The row as written (「三年级2班名单」), as the report quotes it.
    shown: String,
    /// Its line in the report, said again once the rows under it are known.
    problem: usize,
    /// The rows that took its class: how many, the first and the last.
    taken: usize,
    first: usize,
    last: usize,
}

/// The pupils one file moves to another school or class.
#[derive(Default)]
struct FileMoves {
    /// Each move from one school to another (usually one: the file's school written otherwise).
    schools: Vec<SchoolMove>,
    /// Class moves and respellings said at their rows so far, and those left to count.
    classes_said: usize,
    classes_more: usize,
    respelled_said: usize,
    respelled_more: usize,
    /// Returning pupils (graduates, or pupils who left in an earlier year, on the list again) said at their rows
    /// so far, and those left to count.
    returned_said: usize,
    returned_more: usize,
    /// Pupils of the file the drive held whose school the import left as it was: a list that moved some pupils
    /// but not these cannot be undone by importing it again under the old school's name, which would move these.
    stayed: usize,
    /// Pupils of the file the drive held, and those of them the list puts one grade down (`a_grade_down`), with
    /// the first of them (name, from, to): a list of last school year's (`looks_last_year`).
    held: usize,
    down: usize,
    down_example: Option<(String, String, String)>,
}

struct SchoolMove {
    from: String,
    to: String,
    count: usize,
    /// The first pupils moved: sheet, row, name.
    examples: Vec<(String, usize, String)>,
}

/// What became of the statuses of canbao's own form in the file being read, past the first few said at their
/// rows: each kind's rows (sheet, row), said in one line each at the file's end.
#[derive(Default)]
struct StatusNotes {
    said: usize,
    more: Vec<(NoteKind, String, usize)>,
}

/// The kinds of [`StatusNotes`], each with its one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoteKind {
    Set,
    NotTaken,
}

/// A pupil's standing in words, as the detail screen names the two statuses: (Chinese, English).
fn standing_words(s: Standing) -> (String, String) {
    let enrollment = s.enrollment();
    (
        format!("{}、{}", enrollment.label_zh(), s.payment.label_zh()),
        format!("{}, {}", enrollment.label_en(), s.payment.label_en()),
    )
}

/// A school's list whose 是否参保 (`title`) says `value` where the drive holds `held` otherwise (否 beside a paid
/// pupil): the cell quoted as written, and nothing changed.
fn list_contradicts_message(held: Standing, title: &str, value: &str) -> String {
    let (held, held_en) = standing_words(held);
    let (title, value) = (quoted(title.trim()), quoted(value.trim()));
    format!(
        "此行{title}为“{value}”，与数据文件不符（数据文件中为“{held}”），未更改：名单不改变已记录的状态；若名单正确，请在 \
         canbao 中标记 (the row's {title} says “{value}”, which differs from the drive's {held_en}: not changed, as a \
         list never overrides a recorded status; if the list is right, mark the pupil in canbao)"
    )
}

/// What the operator is told of a row's statuses (`StatusNote`); `None` when nothing. `header` is the sheet's
/// header row, `row` and `columns` the row and its status cells, quoted when they disagree.
fn status_message(
    note: StatusNote,
    name: &str,
    header: Option<&[Cell]>,
    (row, columns): (&[Cell], &[StatusColumn]),
) -> Option<String> {
    let message = match note {
        StatusNote::None => return None,
        StatusNote::Set(from, to) => {
            let ((from, from_en), (to, to_en)) = (standing_words(from), standing_words(to));
            format!(
                "{name} 的参保缴费状态按名单由“{from}”改为“{to}”，请核对 ({name}: statuses taken from the list, \
                 {from_en} → {to_en}; check them)"
            )
        }
        StatusNote::Contradicts(held) => {
            let (held, held_en) = standing_words(held);
            format!(
                "此行的参保缴费状态与数据文件不符（数据文件中为“{held}”），未更改：名单不改变已记录的状态；若名单正确，\
                 请在 canbao 中标记 (the row's statuses differ from the drive's, {held_en}: not changed, as a list \
                 never overrides a recorded status; if the list is right, mark the pupil in canbao)"
            )
        }
        StatusNote::Undecided(held) => {
            let (held, held_en) = standing_words(held);
            format!(
                "此行的参保缴费状态不足以确定（如是否参保为“是”，却没有写明是已缴费、财政代缴还是异地参保），未记录，\
                 数据文件中为“{held}”；请核对后在 canbao 中标记 (the row does not say enough to record its \
                 statuses, such as an is-insured column saying yes without saying paid, paid by a department or insured \
                 elsewhere: not \
                 recorded, the drive holds {held_en}; check and mark the pupil in canbao)"
            )
        }
        StatusNote::SelfContradicting => {
            let cells: Vec<(String, String)> = columns
                .iter()
                .map(|c| {
                    let title = header.and_then(|h| h.get(c.at)).map(Cell::text).unwrap_or_default();
                    let value = row.get(c.at).map(Cell::text).unwrap_or_default();
                    (quoted(title.trim()).into_owned(), quoted(value.trim()).into_owned())
                })
                .collect();
            let zh: Vec<String> = cells.iter().map(|(t, v)| format!("{t}“{v}”")).collect();
            let en: Vec<String> = cells.iter().map(|(t, v)| format!("{t} \"{v}\"")).collect();
            let (zh, en) = (zh.join("、"), en.join(", "));
            format!(
                "此行{zh}彼此不符（只改了其中一列？），未据此更改参保或缴费状态；请改正后重新导入，或在 canbao 中标记 \
                 (the row's status cells disagree, {en}: its statuses were not taken; correct the row and import \
                 it again, or mark the pupil in canbao)"
            )
        }
    };
    Some(message)
}

/// The words a staff table's header names its people by (教师姓名, 班主任身份证号).
const STAFF_WORDS: [&str; 6] = ["教职工", "教师", "班主任", "老师", "职工", "教工"];

/// What a row is, read before anything else is made of it.
enum RowKind {
    Pupil,
    /// A pupil, with a line for the operator to check (a footer word beside a name).
    Flagged(String),
    /// A class heading (`Heading`): its class, and the row as written.
    Heading(String, String),
    /// A class heading whose class is not known (「三年级2班、3班」, 「3-2班」): the row as written, and why.
    UnsureHeading(String, Unsure),
    /// A header repeated mid-file (lists pasted together class by class): no pupil, and a new block of them.
    Header,
    /// No pupil: why.
    Skipped(String),
    /// No name and no ID number: why, quoting the row (a run of such rows is said once, whatever each holds).
    Nameless(String),
    /// A section heading within the class's list (「转出学生」, 「新转入学生（插班）」): its text.
    Section(String),
    /// The header of another table (「姓名 | 联系电话」 over the teachers' names and phones), naming no pupil's name
    /// and ID number together: the row as written.
    TableBelow(String),
}

/// The grade and class that `class_label::from_columns` makes of a row's cells, for the cells met so far: a
/// list writes its few dozen classes the same way row after row, and reading them anew cost a fiftieth of
/// the import.
#[derive(Default)]
struct ClassCells {
    /// The cells of the row being read, each its length and bytes, so no two rows' cells share a key.
    key: Vec<u8>,
    read: HashMap<Vec<u8>, ClassRead, foldhash::fast::RandomState>,
    /// The last sheet's name asked of `class_sheet`, and its answer: asked on every row, read once a sheet.
    sheet: Option<(String, bool)>,
}

/// A row's grade and class as read from its cells, and whether its class cell names a grade other than its grade
/// column's (`class_label::own_grade`), which the import says.
#[derive(Clone)]
struct ClassRead {
    grade: String,
    class: String,
    names_own_grade: bool,
    /// A bare class number whose first digit names another school year than the row's grade (201 under 一年级,
    /// `class_label::numbered_in_other_grade`): that year, said at the row.
    numbered_other_grade: Option<u32>,
    /// The row has no grade cell and its class cell names a grade other than the sheet's (三年级1班 on 二年级's
    /// sheet) in a way the cell alone reads whole: the class it names is kept, said at the row.
    names_other_than_sheet: bool,
}

impl ClassCells {
    /// More ways of writing a class than any list has: past them (a hostile file) the cache starts again.
    const MAX: usize = 4096;

    /// Whether the sheet `name` is named for a class (四年级1班, `reads_as_class`), read once for the sheet.
    fn class_sheet(&mut self, name: &str) -> bool {
        match &self.sheet {
            Some((known, named)) if known == name => *named,
            _ => {
                let named = reads_as_class(name);
                self.sheet = Some((name.to_owned(), named));
                named
            }
        }
    }

    /// The reading of a row's class cells (grade, class, combined, the heading or sheet's class over a row that
    /// writes none, the sheet's grade), read once for each way of writing them: a class repeats on every row of
    /// its pupils, and reading a class cell takes thousands of instructions. `class_sheet`: the sheet is named for
    /// a class (四年级1班), which the reading asks too (such a sheet is no sheet of a grade), so it is in the key:
    /// two sheets writing the same cells, one named for a class, each get their own reading.
    fn read(&mut self, cells: [Option<&str>; 5], class_sheet: bool, read: impl FnOnce() -> ClassRead) -> ClassRead {
        self.key.clear();
        self.key.push(u8::from(class_sheet));
        for cell in cells {
            match cell {
                None => self.key.push(0),
                Some(text) => {
                    self.key.push(1);
                    self.key.extend_from_slice(&text.len().to_le_bytes());
                    self.key.extend_from_slice(text.as_bytes());
                }
            }
        }
        if let Some(known) = self.read.get(self.key.as_slice()) {
            return known.clone();
        }
        let read = read();
        if self.read.len() >= Self::MAX {
            self.read.clear();
        }
        self.read.insert(self.key.clone(), read.clone());
        read
    }
}

/// The class columns a block's blank cell is read down in, outermost first: a new grade written ends the class
/// read down from the grade above's block.
const FILL_COLUMNS: [Column; 3] = [Column::Grade, Column::GradeClass, Column::Class];

/// A 年级, 班级 or 年级班级 column written once per block of pupils, its cells blank below (a sheet whose class cells
/// are merged over their pupils, saved as CSV or unmerged, reads so): a blank cell under a written one, within the
/// block, is the value above, as the merged sheet shows it, said once for the table (`fill_said`).
#[derive(Default)]
struct FillDown {
    /// Each class column of the table, at its place in the row, and whether it is read down (`written_once_per_block`).
    columns: Vec<(Column, usize, bool)>,
    /// The cell above in each of `columns`, within the block being read: none after a blank row, a heading, a header.
    above: Vec<Option<Cell>>,
    /// The rows filled: the column, the row, the text it took.
    filled: Vec<(Column, usize, String)>,
    /// A spacer row (empty) was just read: the block above ends there, whatever the next pupil writes.
    spacer: bool,
    /// Pupils after a spacer row writing none of the class columns, under a block that would have given them its
    /// class: 待分班 or 插班生 listed after the last class as often as a merged cell spanning the gap. Left with no
    /// class, each said at its row (`cut`), until a row writes a class cell or the block ends.
    after_gap: bool,
    /// The row just filled was such a pupil's: the first class column not read down for it, to say at the row.
    cut: Option<Column>,
    /// A grade alone over its classes' blocks (「三年级」 in the 年级 column, then 「2班」's block, an empty row, 「3班」's
    /// block): a larger block than a class's, which an empty row does not end; a heading, a header or a footer
    /// does, and a grade written anew. Its place in `columns`, and the cell.
    grade_heading: Option<(usize, Cell)>,
}

impl FillDown {
    /// The table's class columns, each judged by the rows read ahead of the table (`written_once_per_block`).
    fn judged(map: &HeaderMap, header: &[Cell], rows: &[Vec<Cell>]) -> Self {
        let columns: Vec<(Column, usize, bool)> = FILL_COLUMNS
            .iter()
            .filter_map(|&column| {
                let at = *map.columns.get(&column)?;
                Some((column, at, written_once_per_block(map, header, rows, at)))
            })
            .collect();
        let above = vec![None; columns.len()];
        FillDown { columns, above, filled: Vec::new(), spacer: false, after_gap: false, cut: None, grade_heading: None }
    }

    /// A heading, a header, a footer (合计): the block of pupils ends, and nothing is read down past it.
    fn block_ends(&mut self) {
        self.class_block_ends();
        self.grade_heading = None;
    }

    /// An empty row: the class's block ends, the grade heading's over it does not.
    fn class_block_ends(&mut self) {
        self.above.iter_mut().for_each(|a| *a = None);
        (self.spacer, self.after_gap) = (false, false);
    }

    /// The grade heading's cell, in its column, for a row that writes a class of its own and no grade. A class
    /// naming another grade (「四年级3班」 under 「三年级」) is written in full by a typist gone on to that grade: it
    /// ends the heading's block, where the heading's grade beside it was said to disagree at its every row.
    fn grade_heading_above(&mut self, map: &HeaderMap, row: &[Cell]) {
        let Some((i, cell)) = self.grade_heading.clone() else { return };
        let own_year = [Column::Class, Column::GradeClass]
            .iter()
            .filter_map(|&c| map.get(c, row))
            .find_map(|c| full_year(&c.text_ref()));
        if own_year.is_some_and(|year| Some(year) != full_year(&cell.text_ref())) {
            self.grade_heading = None;
            return;
        }
        let at = self.columns[i].1;
        if map.columns.get(&Column::Grade) == Some(&at) && row.get(at).is_none_or(Cell::is_empty) {
            self.above[i] = Some(cell);
        }
    }

    /// An empty row: the block's end; the pupils after it writing no class are said (`after_gap`).
    fn spacer_row(&mut self) {
        self.spacer = true;
    }

    /// A row writing only a grade or a class in its own column, read down (二年级 alone in the 年级 cell over its
    /// pupils): it heads a block of its own, its value read down the pupils under it. The value as written, or
    /// `None` for any other row.
    fn heads_block(&mut self, map: &HeaderMap, row: &[Cell]) -> Option<String> {
        let own = |at: usize| self.columns.iter().any(|&(c, a, _)| a == at && map.columns.get(&c) == Some(&a));
        let written: Vec<usize> = row.iter().enumerate().filter(|(_, c)| !c.is_empty()).map(|(at, _)| at).collect();
        if written.is_empty() || !written.iter().all(|&at| own(at)) {
            return None;
        }
        let read_down = self.columns.iter().any(|&(_, at, down)| down && written.contains(&at));
        let classy = written.iter().all(|&at| names_class_or_grade(&row[at].text_ref()));
        if !read_down || !classy {
            return None;
        }
        for (i, &(_, at, _)) in self.columns.iter().enumerate() {
            self.above[i] = row.get(at).filter(|c| !c.is_empty()).cloned();
        }
        let grade = self.columns.iter().position(|&(c, at, _)| c == Column::Grade && map.columns.get(&c) == Some(&at));
        match grade.filter(|&i| self.above[i].is_some()) {
            // 「三年级」 alone: a grade heading, over its classes' blocks, empty rows between them or not.
            Some(i) if written.len() == 1 => self.grade_heading = self.above[i].clone().map(|cell| (i, cell)),
            Some(_) => self.grade_heading = None,
            // 「3班」 alone under it: a class of that grade.
            None => self.grade_heading_above(map, row),
        }
        (self.spacer, self.after_gap) = (false, false);
        Some(written.iter().map(|&at| row[at].text_ref().trim().to_owned()).collect::<Vec<_>>().join(" "))
    }

    /// A pupil's row with its blank class cells read down from the rows above in its block, where any is.
    fn fill(&mut self, map: &HeaderMap, row: &[Cell], row_no: usize) -> Option<Vec<Cell>> {
        // After a spacer row the block above ends: a pupil writing a class cell of its own begins a block, and one
        // writing none is put in no class and said, as pupils listed after a gap with the class left blank (待分班,
        // 插班生) are as often as a merged cell spanning the gap: the class above would be a guess.
        let writes = self.columns.iter().any(|&(column, at, _)| {
            map.columns.get(&column) == Some(&at) && row.get(at).is_some_and(|c| !c.is_empty())
        });
        self.cut = None;
        if std::mem::take(&mut self.spacer) {
            let would_take = self.columns.iter().zip(&self.above).find_map(|(&(column, at, down), above)| {
                (down && above.is_some() && map.columns.get(&column) == Some(&at)).then_some(column)
            });
            self.class_block_ends();
            if writes {
                self.grade_heading_above(map, row);
            }
            if !writes && let Some(column) = would_take {
                self.after_gap = true;
                self.cut = Some(column);
            }
        } else if self.after_gap {
            match writes {
                true => {
                    self.after_gap = false;
                    self.grade_heading_above(map, row);
                }
                false => self.cut = self.columns.first().map(|&(column, ..)| column),
            }
        }
        let mut filled: Option<Vec<Cell>> = None;
        // A grade written anew (二年级 under 一年级's block) begins a block of its own: its blank class is not the
        // class above, which was the other grade's.
        let mut outer_new = false;
        for (i, &(column, at, down)) in self.columns.iter().enumerate() {
            // A block side by side read by its own header has its own places: nothing is read down there.
            if map.columns.get(&column) != Some(&at) {
                continue;
            }
            match row.get(at).filter(|c| !c.is_empty()) {
                Some(cell) => {
                    let text = cell.text_ref();
                    // A grade written anew ends the grade heading's block.
                    if self.grade_heading.as_ref().is_some_and(|(g, h)| *g == i && trim(&h.text_ref()) != trim(&text)) {
                        self.grade_heading = None;
                    }
                    outer_new |= self.above[i].as_ref().is_none_or(|a| trim(&a.text_ref()) != trim(&text));
                    self.above[i] = Some(cell.clone());
                }
                None if outer_new => self.above[i] = None,
                None => {
                    let Some(above) = self.above[i].as_ref().filter(|_| down) else { continue };
                    let cells = filled.get_or_insert_with(|| row.to_vec());
                    if cells.len() <= at {
                        cells.resize(at + 1, Cell::Empty);
                    }
                    cells[at] = above.clone();
                    self.filled.push((column, row_no, above.text_ref().trim().to_owned()));
                }
            }
        }
        filled
    }
}

/// Whether a cell names a grade or a class (二年级, 2班, 三年级2班), as one written alone over its block does; no
/// footer (合计：4人) nor a note.
fn names_class_or_grade(text: &str) -> bool {
    let text = text.trim();
    !text.contains([':', '：'])
        && (class_label::names_grade(text) || class_label::names_class(text) || reads_as_class(text))
}

/// Whether a class column, as the rows read ahead show it, is written once per block of pupils: the first block
/// writes it in its first pupil's row, and some blank cell under a written one has another blank under it or a
/// written cell after it in its block (a merged cell spans two rows at least), no written cell repeats the one right
/// above it, and at least as many cells are blank as written. A column blank from the first pupil on
/// is a column mostly blank, where a blank is the pupil's own, as is a lone blank cell at a block's foot under a
/// column written on every row: neither is read down, and their rows are said as ever.
fn written_once_per_block(map: &HeaderMap, header: &[Cell], rows: &[Vec<Cell>], at: usize) -> bool {
    // Blanks under the last written cell of the block being read; none before a written one.
    let (mut first, mut blanks, mut seen): (bool, Option<usize>, bool) = (true, None, false);
    // A column written on every row (1班 under 1班) whose blank is a pupil's own (待分班, a list sorted by name):
    // not read down. Merged cells write each value once, and leave more cells blank than they write.
    let (mut written, mut blank_cells, mut above): (usize, usize, Option<String>) = (0, 0, None);
    let class_columns: Vec<usize> = FILL_COLUMNS.iter().filter_map(|c| map.columns.get(c).copied()).collect();
    for row in rows {
        // A spacer row inside a block (empty) is passed over: a merged cell spans it.
        if row.iter().all(Cell::is_empty) {
            continue;
        }
        // A grade written alone in its own cell over its pupils (二年级 in the 年级 cell) writes this column's
        // value for the block under it, as its first pupil's row would.
        let heads = row.get(at).is_some_and(|c| !c.is_empty() && names_class_or_grade(&c.text_ref()))
            && row.iter().enumerate().all(|(i, c)| c.is_empty() || class_columns.contains(&i));
        if heads {
            first = false;
            written += 1;
            above = row.get(at).map(|c| c.text_ref().trim().to_owned());
            seen |= blanks.is_some_and(|n| n >= 1);
            blanks = Some(0);
            continue;
        }
        if !pupil_like(map, header, row) {
            blanks = None;
            above = None;
            continue;
        }
        let blank = row.get(at).is_none_or(Cell::is_empty);
        if std::mem::take(&mut first) && blank {
            return false;
        }
        if blank {
            blank_cells += 1;
            above = None;
        } else {
            written += 1;
            let text = row.get(at).map(|c| c.text_ref().trim().to_owned());
            if above.is_some() && above == text {
                return false;
            }
            above = text;
        }
        blanks = match (blank, blanks) {
            (true, Some(n)) => {
                seen |= n + 1 >= 2;
                Some(n + 1)
            }
            (true, None) => None,
            (false, n) => {
                seen |= n.is_some_and(|n| n >= 1);
                Some(0)
            }
        };
    }
    seen && blank_cells >= written
}

/// A row read ahead that holds a pupil, as far as its cells alone tell: a name or an ID number, and not one text
/// over the row (a title or class heading merged across it) nor the header again. Blocks of pupils end at any other.
fn pupil_like(map: &HeaderMap, header: &[Cell], row: &[Cell]) -> bool {
    let written = |c: Column| map.get(c, row).filter(|cell| !cell.is_empty());
    let Some(cell) = written(Column::IdNumber).or_else(|| written(Column::Name)) else { return false };
    if id_shaped(cell, &cell.text_ref()) {
        return true;
    }
    let mut texts = row.iter().filter(|c| !c.is_empty()).map(|c| c.text_ref());
    let Some(first) = texts.next() else { return false };
    let many = texts.any(|t| t.trim() != first.trim());
    let name = |row: &[Cell]| map.get(Column::Name, row).map(|c| c.text_ref().trim().to_owned());
    many && (name(row).is_none() || name(row) != name(header))
}

impl RowReader<'_> {
    fn new(today: NaiveDate, templates: Vec<Template>) -> Self {
        RowReader {
            synonyms: Synonyms::builtin(),
            templates,
            statuses: StatusNotes::default(),
            categories: CategoryTable::builtin(),
            today,
            report: ImportReport::default(),
            first: FirstRows::default(),
            other_name_rows: std::collections::HashSet::new(),
            unnumbered_left_rows: std::collections::HashSet::new(),
            classless: Vec::new(),
            grade_only: Vec::new(),
            grade_blank: Vec::new(),
            fill: FillDown::default(),
            list_years: Default::default(),
            formulas_said: 0,
            formulas_more: Vec::new(),
            moves: FileMoves::default(),
            classes: ClassCells::default(),
            school_years: Default::default(),
            heading: None,
            runs: Runs::default(),
            unlisted: 0,
            masked: Masked::default(),
            masked_files: Vec::new(),
            masked_held: Vec::new(),
            masked_left: Vec::new(),
            this_file: NamesAndNumbers::default(),
            school_added: Vec::new(),
            added_without_school: 0,
            moved_back: Vec::new(),
            ahead: None,
            sheets: 0,
            row_by_row: false,
            stop: table::Stop::default(),
            reading: String::new(),
            take_other_names: false,
            take_grade_down: false,
            last_year: Vec::new(),
            take_grade_up: false,
            grade_up: Default::default(),
            next_year: Vec::new(),
            adults: Default::default(),
            adult_lists: Vec::new(),
            header_again: false,
            staff_below: None,
            staff_proved_pupils: None,
            drive_years: (None, None),
            of_class: HashMap::default(),
            filled_said: Vec::new(),
            class_keys: Vec::new(),
            overlong_left_out: 0,
            hidden_in: Default::default(),
            look_alikes_said: Vec::new(),
            said_as_preview: false,
            rounded_ids: RoundedIds::default(),
            own_sign: None,
            drive_empty: false,
            drive_holds_pupils: false,
            as_class_list: false,
            category_lists: Vec::new(),
            category_list_reading: false,
            category_by_cells: None,
            leaving: None,
            table_below: None,
            children: false,
            numbered_classes: Vec::new(),
            numbered_said: Vec::new(),
            classes_by_year: false,
            ethnicity_codes: crate::domain::ethnicity::Column::Other,
            phones_handed: Vec::new(),
            grade_of_file: false,
            grade_from_file: Vec::new(),
            grade_unknown: Vec::new(),
        }
    }

    fn read_file(
        &mut self,
        file: &str,
        sheets: Vec<SheetRows>,
        by_canbao: bool,
        school: Option<&str>,
        default_school: &str,
        sink: &mut Sink,
    ) -> Result<(), ImportError> {
        self.masked = Masked::default();
        self.numbered_classes.clear();
        self.this_file = NamesAndNumbers::default();
        self.overlong_left_out = 0;
        self.grade_of_file = false;
        let mut found_any = false;
        // Whether any visible sheet has anything in it: a workbook with none is empty, not without a header.
        let mut any_content = false;
        // The title of one of canbao's forms that lists no pupils (参保进度汇总), over a sheet without a header.
        let mut own_title: Option<String> = None;
        // Hidden sheets that hold a list, left out.
        let mut hidden_lists: Vec<String> = Vec::new();
        let seen = sheets.iter().filter(|s| !s.hidden).count();
        self.sheets += seen;
        let multi = seen > 1;
        // The school years the sheets' names write in full tell a shortened sheet's (「3.2班」) stage whichever
        // sheet comes first (`shortened_sure`).
        let named_years: Vec<u8> = sheets
            .iter()
            .filter(|s| !s.hidden)
            .filter_map(|s| class_in_name(&s.name))
            .filter_map(|class| full_year(&class))
            .collect();
        self.list_years_add(file, &named_years);
        // A 说明 or 样表 sheet beside class sheets is read after them: with a header over sample rows, it is left
        // out once the others have given pupils, and read as a list (and said) only where they gave none.
        let notes_later = multi && sheets.iter().any(|s| !s.hidden && !is_notes_sheet(&s.name));
        // Whether a department's list among the sheets has others beside it to import (`category_sheet_left_out`):
        // a 说明 sheet is none, read only where the lists give no pupil.
        let other_lists = sheets.iter().filter(|s| !s.hidden && !is_notes_sheet(&s.name)).count() > 1;
        let pupils_at_start = self.report.rows_read - self.report.skipped;
        let mut later = std::collections::VecDeque::new();
        let mut in_later = false;
        // Sheets left out as a department's list beside the others (`category_sheet_left_out`), and the tables
        // read as lists: a workbook whose every list is such a sheet is refused as a single one is.
        let mut category_sheets: Vec<String> = Vec::new();
        let mut tables_read = 0;
        // Sheets that look like a department's list beside the others, held to be judged once the others are read
        // (Excel's empty Sheet2 and Sheet3 are no other list): left out where another sheet gave a table, else each
        // read as a one-sheet list is (`alone`).
        let mut category_held: std::collections::VecDeque<SheetRows> = std::collections::VecDeque::new();
        let mut alone = false;
        // The schools the workbook's sheets name in their titles, in the order met, and its sheets naming none
        // (`untitled_school`): held to be read once the others have named theirs (`untitled_held`), or read before
        // and said at the end (`untitled_read`), or following the one school named (`followed`).
        let mut titled_schools: Vec<String> = Vec::new();
        let mut untitled_held: std::collections::VecDeque<SheetRows> = std::collections::VecDeque::new();
        let (mut untitled_read, mut followed): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
        // What more the untitled sheets may hold, rows and about cells; once one is too long for it, those held are
        // read at once, in the workbook's order, and none is held after (`flushing`).
        let mut untitled_room = (CATEGORY_HELD_ROWS, CATEGORY_HELD_CELLS);
        let mut flushing = false;
        let mut sheets = sheets.into_iter();
        loop {
            // Whether the sheet is met in the workbook's order, not read again after the others.
            let mut fresh = false;
            let held_now = if flushing { untitled_held.pop_front() } else { None };
            let next = match held_now {
                Some(rows) => Some(rows),
                None => sheets.next().inspect(|_| fresh = true),
            };
            let mut rows = match next {
                Some(rows) => rows,
                None => match untitled_held.pop_front() {
                    Some(rows) => rows,
                    None => match later.pop_front() {
                        Some(rows) => {
                            in_later = true;
                            rows
                        }
                        None => match category_held.pop_front() {
                            Some(rows) if alone || tables_read == 0 => {
                                (in_later, alone) = (true, true);
                                rows
                            }
                            Some(rows) => {
                                let name = rows.name.clone();
                                self.category_sheet_left_out(file, &name, rows)?;
                                category_sheets.push(name);
                                continue;
                            }
                            None => break,
                        },
                    },
                },
            };
            self.hidden_in = rows.hidden_in;
            if rows.hidden {
                self.hidden_sheet(file, rows, &mut hidden_lists)?;
                continue;
            }
            // Held to be read later only as far as instructions go: a sheet longer than any, or holding more pupils
            // than a sample gives, is a list however it is named, read now as the class sheets are and said so
            // (`notes` below), where holding it whole could take more memory than the machine has.
            if notes_later && !in_later && is_notes_sheet(&rows.name) {
                let whole = rows.hold_head(NOTES_HELD_ROWS, NOTES_HELD_CELLS)?;
                let today = self.today;
                let pupil = |row: &&Vec<Cell>| holds_id_number(row, today) && self.example_before_id(row).is_none();
                if whole && rows.held_rows().iter().filter(pupil).count() < NOTES_PUPIL_ROWS {
                    later.push_back(rows);
                    continue;
                }
            }
            // The header is looked for among the first rows; the rows down to it stay, for the messages that
            // quote them, and every row below is read, applied and freed one at a time.
            let mut head = Vec::new();
            while head.len() < header::HEADER_SEARCH_ROWS {
                match rows.next() {
                    Some(row) => head.push(row?),
                    None => break,
                }
            }
            let name = std::mem::take(&mut rows.name);
            // A batch template canbao wrote is read by the template's own columns, whatever their words.
            let detected = match own_forms::template_header(&self.templates, &head) {
                Some((map, template)) => Some((map, Some(template.clone()))),
                None => header::detect(&head, self.synonyms).map(|map| (map, None)),
            };
            let Some((mut map, template)) = detected else {
                let has_content = |row: &Vec<Cell>| row.iter().any(|c| !c.is_empty());
                // The rest of the sheet is read to its end, as when files were read whole: a damaged sheet fails
                // the import whatever it holds, and whenever the damage is found.
                let mut content = head.iter().any(has_content);
                // The rows holding a valid ID number, as Excel numbers them: only the first few are kept, as a
                // sheet with more of them is refused.
                let mut numbered = 0;
                let mut numbered_rows: Vec<usize> = Vec::new();
                // Rows a template marks as its examples (「示例 | 张三 | 4502…」), however many: no class's pupils,
                // so they never make the sheet a class's. Said at their rows, the first few.
                let mut examples = 0;
                let mut example_rows: Vec<(usize, String)> = Vec::new();
                let mut count = |row_no: usize, row: &[Cell]| {
                    if !holds_id_number(row, self.today) {
                        return;
                    }
                    if let Some(mark) = self.example_before_id(row) {
                        examples += 1;
                        if example_rows.len() < EXAMPLE_ROWS_SAID {
                            example_rows.push((row_no, mark));
                        }
                    } else {
                        numbered += 1;
                        if numbered_rows.len() < CLASS_SHEET_ID_ROWS {
                            numbered_rows.push(row_no);
                        }
                    }
                };
                for (index, row) in head.iter().enumerate() {
                    count(index + 1, row);
                }
                if own_title.is_none() {
                    let texts: Vec<Vec<String>> = head.iter().map(|row| row.iter().map(Cell::text).collect()).collect();
                    own_title = ownership::own_title_without_list(&texts);
                }
                for (index, row) in rows.by_ref().enumerate() {
                    let row = row?;
                    content |= has_content(&row);
                    count(head.len() + index + 1, &row);
                }
                any_content |= content;
                // A class's sheet whose header words are not known: its pupils would be lost beside the other
                // sheets' import, so nothing is imported. Alone, the sheet is refused as a file without a header
                // is. A 说明 or 示例 sheet's one or two sample rows (填写示例：张三 4502…) are no class: the other
                // sheets are imported and each such row is said, should it be a pupil after all.
                if multi && numbered > 0 && looks_like_class_sheet(&name, numbered) {
                    let (file, sheet) = (file.to_owned(), name);
                    return Err(ReadError::SheetWithoutHeader { file, sheet, rows: numbered }.into());
                }
                // A sheet named as the staff's, or headed by the staff's words (「教职工姓名 | 身份证号 | 岗位」): its
                // numbers are the teachers', said once as a staff list left out, where each row's advice to write a
                // pupils' header above it would import the headmaster as a pupil.
                let staff_header = head.iter().find(|r| has_content(r)).is_some_and(|r| staff_table::staff_header(r));
                if multi && numbered > 0 && (staff_table::staff_sheet(&name) || staff_header) {
                    let first = numbered_rows.first().copied();
                    let numbered_en = crate::words::counted(numbered, "row holds", "rows hold");
                    let message = format!(
                        "工作表 {name} 是教职工名单，不是学生名单，未导入（其中 {numbered} 行有有效的身份证号码）；若其中有学生，请把\
                         学生列入有“姓名”“身份证号码”表头的学生名单 (sheet {name} is a staff list, not a pupils' list: not \
                         imported ({numbered_en} a valid ID number); should a pupil be among them, list the pupil under a \
                         pupils' header 姓名, 身份证号码)"
                    );
                    self.problem_at(file, &name, first, "", message);
                    numbered_rows.clear();
                }
                for row_no in numbered_rows.into_iter().filter(|_| multi) {
                    let message = format!(
                        "工作表 {name} 中找不到表头行，未导入；这一行有有效的身份证号码，若是学生，请在名单上方写一行表头\
                         “姓名”“身份证号码”后重新导入 (sheet {name} has no header row and was not imported; this row \
                         holds a valid ID number: if it is a pupil, write a header row 姓名, 身份证号码 above the list \
                         and import again)"
                    );
                    self.problem_at(file, &name, Some(row_no), "", message);
                }
                for (row_no, mark) in example_rows.into_iter().filter(|_| multi) {
                    let mark = quoted(&mark);
                    let message = format!(
                        "工作表 {name} 中找不到表头行，未导入；这一行有有效的身份证号码，但标为示例（“{mark}”），不是学生 \
                         (sheet {name} has no header row and was not imported; this row holds a valid ID number but is \
                         marked as an example, “{mark}”: not a pupil)"
                    );
                    self.problem_at(file, &name, Some(row_no), "", message);
                }
                if multi && examples > EXAMPLE_ROWS_SAID {
                    let more = examples - EXAMPLE_ROWS_SAID;
                    let message = format!(
                        "工作表 {name} 中另有 {more} 行标为示例，未导入 (sheet {name} holds {more} more rows marked as \
                         examples: not imported)"
                    );
                    self.problem_at(file, &name, None, "", message);
                }
                if multi && content && numbered == 0 && examples == 0 {
                    self.problem_at(
                        file,
                        &name,
                        None,
                        "",
                        "工作表中找不到表头行，整张表未导入 (no header row: sheet not imported)".into(),
                    );
                }
                continue;
            };
            let notes = is_notes_sheet(&name);
            if notes && in_later && self.report.rows_read - self.report.skipped > pupils_at_start {
                self.notes_sheet_left_out(file, &name, head, rows)?;
                continue;
            }
            found_any = true;
            // What is said of this sheet until it is held as a department's list (`category_held`), to be said
            // again when it is read.
            let said_before = (self.report.problems.len(), self.unlisted);
            let hidden_rows = std::mem::take(&mut rows.hidden_rows);
            let hidden_columns = std::mem::take(&mut rows.hidden_columns);
            if template.is_none()
                && let Some(header_row) = head.get(map.row)
            {
                header::prefer_visible(&mut map, header_row, &hidden_columns, self.synonyms);
            }
            let mut hidden_said = Vec::new();
            let mut body = head.split_off((map.row + 1).min(head.len()));
            // Whether the ID column is one a spreadsheet rounded is judged before its first row is read.
            while body.len() < RoundedIds::LOOKAHEAD {
                match rows.next() {
                    Some(row) => body.push(row?),
                    None => break,
                }
            }
            self.rounded_ids = RoundedIds::default();
            self.leaving = None;
            self.table_below = None;
            self.children = body.iter().any(|row| {
                map.get(Column::IdNumber, row).is_some_and(|cell| child_born(cell, self.today) == Some(true))
            });
            self.staff_proved_pupils = None;
            for row in &body {
                if let Some(cell) = map.get(Column::IdNumber, row) {
                    self.rounded_ids.count(cell, self.today);
                }
            }
            self.category_by_cells = None;
            if template.is_none()
                && let Some(at) =
                    head.get(map.row).and_then(|header_row| self.category_by_cells(&map, header_row, &body))
            {
                map.columns.insert(Column::Category, at);
                self.category_by_cells = Some(false);
            }
            let sheet = Sheet { name, rows: head };
            // A workbook with one sheet per class often has no class column: the title or the sheet's name is
            // the class (canbao's own 班级核对表 is such a workbook, one class's list a one-sheet one).
            let mut class_column =
                map.columns.contains_key(&Column::Class) || map.columns.contains_key(&Column::GradeClass);
            let sheet_class =
                if class_column { SheetClass::Unnamed } else { sheet_class(&sheet.name, &sheet.rows, map.top, multi) };
            // A workbook's sheet named for a grade alone (四年级) over that grade's class blocks, the first headed
            // 「1班」 over the header: the first block's class is that row's, of the sheet's grade, as the blocks
            // under it take theirs (`grade_sheet` below). Before, it was given the grade alone.
            let grade_sheet = multi && class_label::grade_named(&sheet.name).as_deref() == Some(sheet.name.trim());
            let sheet_class = match (sheet_class, title_names_class(&sheet.rows, map.top)) {
                (SheetClass::Named(grade), Some((class, _)))
                    if grade_sheet && grade == sheet.name.trim() && ClassKey::parse(&class).grade == Grade::None =>
                {
                    SheetClass::Named(with_grade(&class, Some(&grade)))
                }
                (sheet_class, _) => sheet_class,
            };
            // A shortened class (「3.2班」) in the sheet's or the file's name is read as a heading so written is
            // (`shortened_sure`): 三年级2班 only where the list's classes written in full are all of that stage;
            // else, at a middle school as at a primary one, it gives no class and is said.
            let mut years = if self.list_years.0 == file { self.list_years.1.clone() } else { Vec::new() };
            for year in written_years(&map, &body) {
                if !years.contains(&year) {
                    years.push(year);
                }
            }
            let shortened = |label: &str| match title_reading(label.trim()) {
                Some(TitleClass::Shortened { year, class, .. }) => Some((year, class, shortened_sure(&years, year))),
                _ => None,
            };
            let full = |year: u32, class: u32| format!("{}年级{class}班", class_label::cn_numeral(year));
            let mut unsure_names = Vec::new();
            let sheet_class = match sheet_class {
                SheetClass::Named(label) => match shortened(&label) {
                    Some((year, class, true)) => {
                        let full = full(year, class);
                        self.class_given_said(file, (&sheet.name, None), ClassSource::SheetName, &sheet.name, &full);
                        SheetClass::Named(full)
                    }
                    Some((year, class, false)) => {
                        unsure_names.push((ClassSource::SheetName, label, year, class));
                        SheetClass::Unnamed
                    }
                    None => SheetClass::Named(label),
                },
                other => other,
            };
            // A CSV has no sheet's name, and a workbook's only sheet is often left 「Sheet1」: the file is then what
            // names the class (六年级3班.csv).
            let file_class = match &sheet_class {
                SheetClass::Unnamed if !class_column && !multi => file_class(file),
                _ => None,
            };
            let file_class = match file_class.as_deref().map(|label| (label, shortened(label))) {
                Some((_, Some((year, class, true)))) => Some(full(year, class)),
                Some((label, Some((year, class, false)))) => {
                    unsure_names.push((ClassSource::FileName, label.to_owned(), year, class));
                    None
                }
                _ => file_class,
            };
            for (source, written, year, class) in unsure_names {
                self.problem_at(file, &sheet.name, None, "", shortened_name_message(source, &written, year, class));
            }
            if let SheetClass::Named(label) = &sheet_class
                && let Some(year) = full_year(label)
            {
                self.list_years_add(file, &[year]);
            }
            // A class named without its grade (「（1）班」) goes to the grade its sheet's name, title or file names
            // (`sheet_grade` below): what is said names that class, not one the drive does not have.
            let grade_over = sheet_grade(&sheet.name, &sheet.rows, map.top).or_else(|| self::file_grade(file));
            let going = |label: &str| with_grade(label, grade_over.as_deref());
            if let Some(label) = &file_class {
                self.class_given_said(file, (&sheet.name, None), ClassSource::FileName, file, &going(label));
            }
            // The class a table stacked under the first without a class column takes, when no title over it names
            // one (`stacked_class`): a sheet's name names its every table, where a title names the table under it.
            let named_class = match name_names_class(&sheet.name, multi) {
                true => Some((ClassSource::SheetName, sheet.name.clone(), name_class(&sheet.name))),
                false if !multi => self::file_class(file).map(|label| (ClassSource::FileName, file.to_owned(), label)),
                false => None,
            };
            let named_class = named_class.and_then(|(source, written, label)| match shortened(&label) {
                Some((year, class, true)) => Some((source, written, full(year, class))),
                Some((_, _, false)) => None,
                None => Some((source, written, label)),
            });
            let mut sheet_class = file_class.map_or(sheet_class, SheetClass::Named);
            let from_line = match &sheet_class {
                SheetClass::Named(label) if class_line(&sheet.rows, map.top).as_ref() == Some(label) => Some(label),
                _ => None,
            };
            if let Some(label) = from_line
                && sheet_named_other(&sheet.name, label, multi)
            {
                let (name, label) = (quoted(&sheet.name), quoted(label));
                self.problem_at(
                    file,
                    &sheet.name,
                    None,
                    "",
                    format!(
                        "表头上方写的班级“{label}”与工作表名称“{name}”不是同一个班：学生按表头上方写的班级导入到\
                         “{label}”，因为那一行是名单本身写的，工作表名称常沿用自复制来的表，请核对 (the class written above \
                         the header, “{label}”, and the sheet's name “{name}” are different classes: the pupils \
                         are imported into “{label}”, as that line is written in the list itself while a sheet's name is \
                         often left from the sheet it was copied from; check it)"
                    ),
                );
            } else if let Some(label) = from_line {
                self.problem_at(
                    file,
                    &sheet.name,
                    None,
                    "",
                    format!(
                        "表中没有班级列：学生按表头上方写的班级导入到“{label}” (no class column: the pupils are \
                         imported into “{label}”, the class written above the header)"
                    ),
                );
            } else if let (SheetClass::Named(label), false, Some((titled, title))) =
                (&sheet_class, class_column, title_names_class(&sheet.rows, map.top))
                && *label == titled
                && sheet.name.trim() != label
            {
                self.class_given_said(file, (&sheet.name, None), ClassSource::Title, &title, &going(label));
            } else if let (SheetClass::Named(label), false) = (&sheet_class, class_column)
                && sheet.name.trim() != label
                && name_names_class(&sheet.name, multi)
                && name_class(&sheet.name) == *label
            {
                // The class read out of the name's other words (「四年级2班插班生」 → 四年级2班) is said, as a title's is.
                self.class_given_said(file, (&sheet.name, None), ClassSource::SheetName, &sheet.name, &going(label));
            }
            let paperwork = self.other_paperwork(
                file,
                &sheet,
                &map,
                (by_canbao, template.as_ref()),
                (class_column, &sheet_class),
                (other_lists && !alone, school.unwrap_or(default_school)),
            )?;
            let form = match paperwork {
                Paperwork::List(form) => form,
                Paperwork::CategorySheet => {
                    // Held whole where it is not too long, and judged once the other sheets are read; a longer one
                    // is left out now, as the reading thread hands the sheets over in order.
                    if rows.hold_head(CATEGORY_HELD_ROWS, CATEGORY_HELD_CELLS)? {
                        let mut whole = sheet.rows;
                        whole.extend(body);
                        for row in rows.by_ref() {
                            whole.push(row?);
                        }
                        let mut again = SheetRows::from(Sheet { name: sheet.name, rows: whole });
                        (again.hidden_rows, again.hidden_columns, again.hidden_in) =
                            (hidden_rows, hidden_columns, self.hidden_in);
                        self.report.problems.truncate(said_before.0);
                        self.unlisted = said_before.1;
                        category_held.push_back(again);
                        continue;
                    }
                    self.category_sheet_left_out(file, &sheet.name, body.into_iter().map(Ok).chain(rows))?;
                    category_sheets.push(sheet.name);
                    continue;
                }
            };
            let title_school = header::school_from_title(&sheet.rows, map.top);
            // A sheet of a workbook naming no school (no title naming one, no school column, no --school).
            let untitled =
                multi && school.is_none() && title_school.is_none() && !map.columns.contains_key(&Column::School);
            // The first title met names the school the untitled sheets held before it go into anyway: they are
            // read now, before it, in the workbook's order, and nothing is said of them (`untitled_sheet_read_before`).
            if fresh
                && !flushing
                && titled_schools.is_empty()
                && !untitled_held.is_empty()
                && title_school.as_deref().is_some_and(|named| same_school(named, default_school))
            {
                let mut read = sheet.rows;
                read.extend(body);
                self.report.problems.truncate(said_before.0);
                self.unlisted = said_before.1;
                rows.put_back(read);
                (rows.name, rows.hidden_rows, rows.hidden_columns) = (sheet.name, hidden_rows, hidden_columns);
                untitled_held.push_back(rows);
                flushing = true;
                continue;
            }
            if let Some(named) = title_school.as_ref().filter(|named| !titled_schools.contains(named)) {
                titled_schools.push(named.clone());
            }
            // Met before any sheet named the workbook's school, it is read after the others, held whole where it is
            // not too long (as a department's list beside them is); a longer one is read now, into the school for
            // rows naming none, and said at the end should the others name one. A list judged by its rows
            // (`category_list_reading`) is read now, as its judging counts the rows it reads.
            if untitled && fresh && !flushing && titled_schools.is_empty() && !self.category_list_reading {
                let whole = rows.hold_head(untitled_room.0, untitled_room.1)?;
                let mut read = sheet.rows;
                read.extend(body);
                self.report.problems.truncate(said_before.0);
                self.unlisted = said_before.1;
                if whole {
                    for row in rows.by_ref() {
                        read.push(row?);
                    }
                    let cells: usize = read.iter().map(|row| row.len().max(1)).sum();
                    untitled_room = (untitled_room.0.saturating_sub(read.len()), untitled_room.1.saturating_sub(cells));
                    let mut again = SheetRows::from(Sheet { name: sheet.name, rows: read });
                    (again.hidden_rows, again.hidden_columns, again.hidden_in) =
                        (hidden_rows, hidden_columns, self.hidden_in);
                    untitled_held.push_back(again);
                } else {
                    // The rows read so far handed out again before the rest, the sheet read after those held.
                    rows.put_back(read);
                    (rows.name, rows.hidden_rows, rows.hidden_columns) = (sheet.name, hidden_rows, hidden_columns);
                    untitled_held.push_back(rows);
                    flushing = true;
                }
                continue;
            }
            // Counted once read, not when held: a held sheet is counted when it is read.
            tables_read += 1;
            // Read before any sheet named the workbook's school: said at the end should one name it.
            if untitled && titled_schools.is_empty() && (fresh || flushing) {
                untitled_read.push(sheet.name.clone());
            }
            // A workbook is one school's list: its sheets titled with one school and a sheet the teacher added
            // without a title are that school's pupils, which a user expects kept together, where the drive's
            // school would split the workbook into two schools (and make the titled sheets' one a new school
            // beside it). Said at the sheet, for the operator to check; sheets naming several schools leave it to
            // the school for rows naming none, said too.
            let follows = match titled_schools.as_slice() {
                [one] if untitled => Some(one.clone()),
                _ => None,
            };
            if let Some(named) = &follows {
                followed.push(sheet.name.clone());
                // Where that school is the one its pupils would go into anyway, nothing differs to be said.
                if !same_school(named, default_school) {
                    self.untitled_sheet_follows(file, &sheet.name, named);
                }
            } else if untitled && titled_schools.len() > 1 {
                self.untitled_sheet_among_schools(file, &sheet.name, &titled_schools, default_school);
            }
            let own_export = form.as_ref().is_some_and(OwnForm::remarks_are_canbaos);
            if own_export {
                // canbao's remarks (应缴 350 元…, 低保对象：应在待遇审批地参保…) are stale as soon as the drive changes:
                // never the operator's own note.
                map.columns.remove(&Column::Note);
            }
            let header_row = sheet.rows.get(map.row).map(Vec::as_slice).unwrap_or_default();
            // canbao's own form says its statuses by its own definitions; a school's list, by 是否参保 alone.
            // A table stacked under the first, read by its own header, reads its statuses by its own columns too.
            let status_columns =
                std::cell::RefCell::new(form.as_ref().map(|f| own_forms::status_columns(f, header_row, &map)));
            let mut silent = form.as_ref().map(|f| own_forms::own_columns(f, header_row, &map)).unwrap_or_default();
            let layout = match template {
                None => self.blocks_said(file, &sheet, &map, &body),
                Some(_) => Layout::default(),
            };
            silent.extend(layout.silent_from.map_or(0..0, |from| from..header_row.len().max(from)));
            let (mut blocks, mut beside, mut staff_beside) = (layout.blocks, layout.beside, layout.staff);
            leave_staff_beside(&mut map, &mut silent, staff_beside.as_ref());
            self.ignored_headers(file, &sheet, &map, own_export, (&silent, &hidden_columns));
            let sheet_school = school.map(str::to_owned).or(title_school);
            // A sheet following the workbook's school names none itself: its new pupils go there, while a pupil
            // the drive already holds stays in their school, as on any list naming no school (the sheet may be
            // the drive's own class beside another school's sheet).
            let followed_school = follows.as_deref().unwrap_or(default_school);
            let class_header = map.header_text(Column::GradeClass, &sheet.rows);
            let mut class_header =
                if class_header.is_empty() { map.header_text(Column::Class, &sheet.rows) } else { class_header };
            // A table stacked under the first gives its own (`stacked_class`), never the first's title's or sheet's.
            let sheet_class_label = std::cell::RefCell::new(match &sheet_class {
                SheetClass::Named(label) => Some(label.clone()),
                SheetClass::Unassigned | SheetClass::Unnamed => None,
            });
            // One sheet per grade (一年级, 二年级) whose class cells read 1班, 2班: the grade is the sheet's.
            // A class's sheet named without its grade (1班) under a title naming one (四年级学生名单): the grade is
            // the title's, where before the pupils went to a class 「1班」 of no grade, every grade's 1班 as one.
            let bare_class =
                matches!(&*sheet_class_label.borrow(), Some(label) if ClassKey::parse(label).grade == Grade::None);
            let named_grade = if class_column || bare_class || grade_sheet {
                sheet_grade(&sheet.name, &sheet.rows, map.top)
            } else {
                None
            };
            // A grade's list named for it (五年级.csv, or 二年级.xlsx of sheets 1班 and 2班) whose sheet's name and
            // title name no grade: the file's name gives it, as README has a grade in a file's name read. Before,
            // its pupils went to classes 1班 and 2班 of no grade, every grade's 1班 as one.
            // Not where the class cells are numbered by year (401班 in 三年级.csv): those name their grade, and a
            // list of next year's classes is told as such below, not put into 三年级401班.
            // The class column, looked up once for both readings of its cells (here and `by_year` below).
            let class_at = map.columns.get(&Column::Class).or_else(|| map.columns.get(&Column::GradeClass)).copied();
            let numbered_by_year = || {
                class_at.is_some_and(|at| {
                    body.iter().filter_map(|row| row.get(at).map(Cell::text_ref)).any(|cell| {
                        let number = cell.trim().trim_end_matches('班');
                        (3..=4).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit())
                    })
                })
            };
            let from_file = match named_grade {
                None if class_column || bare_class => self::file_grade(file).filter(|_| !numbered_by_year()),
                _ => None,
            };
            self.grade_of_file = from_file.is_some();
            // A table stacked under another under a title naming its own grade takes that grade (below).
            let sheet_grade = std::cell::RefCell::new(named_grade.or(from_file));
            // Class cells of 301, 302 and 401 with no grade anywhere: read as years and classes where the cells the
            // rows ahead hold (the school's other classes) leave no doubt that the numbers mean so.
            let by_year = !map.columns.contains_key(&Column::Grade) && sheet_grade.borrow().is_none() && {
                let cells = body.iter().filter_map(|row| row.get(class_at?).map(Cell::text_ref));
                let school = sheet_school.clone().or_else(|| follows.clone()).or_else(|| {
                    let at = map.columns.get(&Column::School)?;
                    body.iter().find_map(|row| row.get(*at).map(Cell::text).filter(|t| !t.trim().is_empty()))
                });
                let school = school.as_deref().unwrap_or_default();
                if class_at.is_some() && class_label::numbers_classes_by_year(cells, school) {
                    true
                } else if let Some(at) = class_at {
                    // A list sorted from 101 shows only 一年级's numbers in its first rows: every class cell of the
                    // sheet decides, read on while each is a number by year and the answer is still no. The
                    // classes are few: their cells are looked at once each.
                    let mut seen: std::collections::HashSet<String> =
                        body.iter().filter_map(|row| row.get(at).map(Cell::text)).collect();
                    let mut undecided =
                        seen.iter().all(|c| c.trim().is_empty() || class_label::read_by_year(c).is_some());
                    let mut decided = false;
                    while undecided && !decided {
                        let Some(row) = rows.next() else { break };
                        let row = row?;
                        let cell = row.get(at).map(Cell::text).unwrap_or_default();
                        body.push(row);
                        if seen.contains(&cell) {
                            continue;
                        }
                        undecided = cell.trim().is_empty() || class_label::read_by_year(&cell).is_some();
                        seen.insert(cell);
                        decided = undecided && class_label::numbers_classes_by_year(&seen, school);
                    }
                    decided
                } else {
                    false
                }
            };
            if by_year != self.classes_by_year {
                // The cells' readings kept for the sheets before read them the other way.
                self.classes = ClassCells::default();
                self.classes_by_year = by_year;
            }
            // Class cells written once per block (merged cells saved as CSV or unmerged), judged by the rows ahead.
            self.fill = FillDown::judged(&map, header_row, &body);
            self.list_years_add(file, &written_years(&map, &body));
            // 民族 written as GB/T 3304 codes (01, 02) beside names, judged by the rows read ahead.
            self.ethnicity_codes = match map.columns.get(&Column::Ethnicity) {
                Some(&at) => {
                    crate::domain::ethnicity::column_so_far(body.iter().filter_map(|row| row.get(at).map(Cell::text)))
                }
                None => crate::domain::ethnicity::Column::Other,
            };
            if self.ethnicity_codes == crate::domain::ethnicity::Column::Codes {
                let message = "民族列写的是国家标准（GB/T 3304）的民族代码：已按代码读作民族名称，如“01”→“汉族”、“02”→“蒙古族”，\
                               请核对 (the 民族 column holds the national standard's codes, GB/T 3304: each read as its \
                               group's name, such as “01”→“汉族”, “02”→“蒙古族”; check it)";
                self.problem_at(file, &sheet.name, None, "", message.to_owned());
            }
            if let (true, None, SheetClass::Named(label)) = (bare_class, &*sheet_grade.borrow(), &sheet_class) {
                let label = quoted(label);
                let message = format!(
                    "班级“{label}”没有写年级，工作表名称、标题和文件名也没有写：学生导入到“{label}”，请核对年级 (the \
                     class “{label}” names no grade, nor do the sheet's name, its title and the file's name: the pupils \
                     are imported into “{label}”; check the grade)"
                );
                self.problem_at(file, &sheet.name, None, "", message);
            }
            let place = self.first.place(file, &sheet.name);
            let pupils_before = self.report.rows_read - self.report.skipped;
            let read_before = self.report.rows_read;
            // Rows are numbered from the sheet's first header: a table stacked under it keeps the file's numbers.
            let base = map.row;
            let mut read =
                |reader: &mut Self, sheet: &Sheet, map: &HeaderMap, place: u32, offset: usize, row: &[Cell]| {
                    let row_no = base + 2 + offset;
                    let hidden = hidden_rows.binary_search(&row_no).is_ok();
                    let before = (reader.report.rows_read, reader.report.skipped, reader.report.duplicates);
                    // Only this row's header is to say (a further block's, read earlier, is not).
                    reader.header_again = false;
                    reader.staff_below = None;
                    reader.read_row(
                        file,
                        sheet,
                        map,
                        (base + 1 + offset, place),
                        row,
                        (sheet_school.as_deref(), followed_school),
                        school.is_some(),
                        (sheet_class_label.borrow().as_deref(), sheet_grade.borrow().as_deref()),
                        status_columns.borrow().as_deref(),
                        sink,
                    )?;
                    // A pupil from a hidden row is imported (a pupil is never dropped unseen) and said.
                    let after = (reader.report.rows_read, reader.report.skipped, reader.report.duplicates);
                    if hidden && after == (before.0 + 1, before.1, before.2) {
                        reader.hidden_row(file, sheet, row_no, &mut hidden_said);
                    }
                    Ok::<(), StoreError>(())
                };
            // The pupils of a list's further blocks side by side (分两栏), read after the first block's, each at its
            // own row by its own header, said at its block's columns: (block, offset, the row with only the block's
            // cells, where they stand).
            let mut further: Vec<(usize, usize, Vec<Cell>)> = Vec::new();
            #[expect(clippy::type_complexity, reason = "the row reader above, as it is called; named only here")]
            let read_further =
                |reader: &mut Self,
                 read: &mut dyn FnMut(&mut Self, &Sheet, &HeaderMap, u32, usize, &[Cell]) -> Result<(), StoreError>,
                 further: &mut Vec<(usize, usize, Vec<Cell>)>,
                 sheet: &Sheet,
                 map: &HeaderMap,
                 blocks: &[usize]| {
                    let width = sheet
                        .rows
                        .get(map.row)
                        .and_then(|h| h.iter().rposition(|c| !c.is_empty()))
                        .map_or(0, |at| at + 1);
                    let header_row = sheet.rows.get(map.row).map(Vec::as_slice).unwrap_or_default();
                    for block in 1..blocks.len() {
                        let name = block_sheet_name(&sheet.name, block, blocks, width);
                        let half = Sheet { name, rows: sheet.rows.clone() };
                        let place = reader.first.place(file, &half.name);
                        let end = blocks.get(block + 1).map_or(header_row.len(), |&next| next);
                        let columns = header::block_columns(header_row, blocks[block], end, reader.synonyms);
                        let own = HeaderMap { columns, more_phones: Vec::new(), ..map.clone() };
                        // Each block is read from its top: a table under the first block's pupils is not its.
                        reader.table_below = None;
                        for (_, offset, cells) in further.iter().filter(|(b, ..)| *b == block) {
                            read(reader, &half, &own, place, *offset, cells)?;
                            // No table is held in a further block: a staff header's line is said at once.
                            if let Some((_, line)) = reader.staff_below.take() {
                                reader.problem(file, &half, line.row, "", line.message);
                            }
                        }
                        reader.said_of_rows_applied();
                        reader.runs_end();
                    }
                    further.clear();
                    Ok::<(), StoreError>(())
                };
            // The header's last named column: a last line that ends short of it, or inside a quoted cell, with no
            // line break after it, is a record cut off, as a file still being copied or saved ends.
            // A last line with all its cells is cut inside its last one when that cell reads as none of its
            // column's values where the rows above read whole (`cut_line`).
            let header_width = header_row.iter().rposition(|c| !c.is_empty()).map_or(0, |at| at + 1);
            let mut last_column = rows.ends_unbroken().then(|| LastColumn::of(&map, header_width)).flatten();
            let today = self.today;
            let last_header = header_row.get(header_width.saturating_sub(1)).map(Cell::text).unwrap_or_default();
            let cut_off = |rows: &SheetRows, offset: usize, row: &[Cell], last: &mut Option<LastColumn>| {
                let Some(unended) = rows.unended().filter(|u| u.row == base + 2 + offset) else {
                    if let Some(last) = last {
                        last.tally(row, today);
                    }
                    return None;
                };
                if unended.in_quote || row.len() < header_width {
                    return Some((unended.row, None));
                }
                let cell = last.as_ref()?.cut(row, today)?;
                Some((unended.row, Some((last_header.as_str(), cell))))
            };
            let mut sheet = sheet;
            let mut body = body.into_iter();
            let mut offset = 0;
            let mut above: Vec<Vec<Cell>> = Vec::new();
            // A table that may be the staff's is held row by row until it ends or shows a pupil's age
            // (`staff_table`): a staff table is left out, and the rows of any other are read again from `replay`.
            let mut staff = StaffRows::default();
            if form.is_none() {
                let title = sheet.rows[..map.row.min(sheet.rows.len())]
                    .iter()
                    .filter_map(|r| staff_table::title_text(r))
                    .rfind(|t| staff_table::staff_title(t));
                let header = sheet.rows.get(map.row).is_some_and(|h| staff_table::staff_header(h));
                // A sheet named as the staff's (教师, 教职工名单) is held as a table under such a title is; so is a
                // CSV or a lone sheet whose file is so named (教师.csv), as its name names a class.
                let stem = Path::new(file).file_stem().and_then(|s| s.to_str()).filter(|_| !multi);
                let named = [Some(sheet.name.as_str()), stem.filter(|_| !name_names_class(&sheet.name, multi))]
                    .into_iter()
                    .flatten()
                    .find(|name| staff_table::staff_sheet(name))
                    .map(|name| name.trim().to_owned());
                if title.is_some() || header || named.is_some() {
                    staff.hold(map.row + 1, true, title.or(named), today);
                }
            }
            loop {
                let (row, streamed, replayed) = match staff.replay.pop_front() {
                    Some((at, row)) => {
                        offset = at;
                        (row, false, true)
                    }
                    None => match body.next() {
                        Some(row) => (row, false, false),
                        None => match rows.next() {
                            Some(row) => {
                                let row = row?;
                                if let Some(cell) = map.get(Column::IdNumber, &row) {
                                    self.rounded_ids.count(cell, self.today);
                                }
                                (row, true, false)
                            }
                            None if staff.ends(self, file, &sheet, base + 2) => continue,
                            None => break,
                        },
                    },
                };
                // A class heading just read right over this row (「三年级2班学生名单」, no row under it yet): a header
                // here is its class's table's (`other_table`), with or without an ID number column.
                let titled = self.heading.as_ref().is_some_and(|h| {
                    h.taken == 0
                        && above.last().is_some_and(|r| r.iter().any(|c| c.text_ref().trim() == h.shown.trim()))
                });
                let other = self.other_table(&map, &sheet, base + 1 + offset, &row, titled);
                if other.is_some() && staff.ends(self, file, &sheet, base + 2) {
                    // Not the staff's: its rows are read, then this header again.
                    staff.replay.push_back((offset, row));
                    continue;
                }
                if let Some(next) = other {
                    // The table above ends here: its further blocks are read before the next table's rows.
                    read_further(self, &mut read, &mut further, &sheet, &map, &blocks)?;
                    // Its rows left without a class are said by its own class column, before the next table's.
                    self.said_of_rows_applied();
                    self.staff_beside_said(file, &sheet, staff_beside.take());
                    self.classless_said(file, &sheet, &sheet_class, class_column, &class_header);
                    self.grade_only_said(file, &sheet, &class_header);
                    self.fill_said(file, &sheet, &map);
                    self.grade_blank_said(file, &sheet, &map);
                    self.grade_of_file_said(file, &sheet, &class_header);
                    let row_no = base + 2 + offset;
                    self.report.rows_read += 1;
                    self.report.skipped += 1;
                    let message = "另一张表的表头，列与上面的表不同：其下各行按这一行的列读入 (the header of another \
                                   table, with other columns than the table above: the rows under it are read by its \
                                   columns)";
                    self.problem(file, &sheet, row_no, "", message.to_owned());
                    self.table_below = None;
                    sheet.rows.resize(next.row, Vec::new());
                    sheet.rows.push(row);
                    map = next;
                    class_column =
                        map.columns.contains_key(&Column::Class) || map.columns.contains_key(&Column::GradeClass);
                    // A class heading right over this table is its title, read as one (`heading_begins`); one over
                    // the table above is not this table's.
                    let heading_here = self
                        .heading
                        .as_ref()
                        .is_some_and(|h| above.iter().flatten().any(|c| c.text_ref().trim() == h.shown.trim()));
                    let class_line;
                    (sheet_class, class_line) = match heading_here {
                        true => (SheetClass::Unnamed, None),
                        false => {
                            self.heading_ends();
                            Self::stacked_class(class_column, &above, named_class.as_ref())
                        }
                    };
                    *sheet_class_label.borrow_mut() = match &sheet_class {
                        SheetClass::Named(label) => Some(label.clone()),
                        SheetClass::Unassigned | SheetClass::Unnamed => None,
                    };
                    // A title over this table naming its grade (「四年级学生名单」 under 三年级's table) gives its rows
                    // that grade, where they kept the grade worked out for the table above. One naming none leaves
                    // the grade as it was: the sheet's, the file's, or a title's over every table.
                    if let Some(grade) = self::sheet_grade("", &above, above.len()) {
                        *sheet_grade.borrow_mut() = Some(grade);
                    }
                    above.clear();
                    class_header = match map.header_text(Column::GradeClass, &sheet.rows) {
                        header if header.is_empty() => map.header_text(Column::Class, &sheet.rows),
                        header => header,
                    };
                    let header_row = sheet.rows.get(map.row).map(Vec::as_slice).unwrap_or_default();
                    self.fill = FillDown::judged(&map, header_row, body.as_slice());
                    self.list_years_add(file, &written_years(&map, body.as_slice()));
                    *status_columns.borrow_mut() =
                        form.as_ref().map(|f| own_forms::status_columns(f, header_row, &map));
                    let mut silent =
                        form.as_ref().map(|f| own_forms::own_columns(f, header_row, &map)).unwrap_or_default();
                    let layout = self.blocks_said(file, &sheet, &map, body.as_slice());
                    silent.extend(layout.silent_from.map_or(0..0, |from| from..header_row.len().max(from)));
                    (blocks, beside, staff_beside) = (layout.blocks, layout.beside, layout.staff);
                    leave_staff_beside(&mut map, &mut silent, staff_beside.as_ref());
                    // Its columns are said as the first table's are: none is dropped without a word.
                    self.ignored_headers(file, &sheet, &map, own_export, (&silent, &hidden_columns));
                    // Every table stacked under another may be the staff's; a title or a 职务 column says it is.
                    let header = sheet.rows.get(map.row).is_some_and(|h| staff_table::staff_header(h));
                    let title = staff.title.take().filter(|t| staff_table::staff_title(t));
                    let marked = header || title.is_some();
                    staff.hold(row_no, marked, title, today).class_line = class_line.map(|line| (row_no, line));
                    offset += 1;
                    continue;
                }
                let mut row = row;
                if let Some(staff) = staff_beside.as_mut().filter(|_| !replayed) {
                    staff.take(base + 2 + offset, &mut row);
                }
                // The rows since the last pupil's, for a title over a table stacked under this one (`stacked_class`).
                if map.get(Column::IdNumber, &row).is_some_and(|c| id_shaped(c, &c.text_ref())) {
                    above.clear();
                } else if row.iter().any(|c| !c.is_empty()) {
                    if above.len() >= STACKED_TITLE_ROWS {
                        above.remove(0);
                    }
                    above.push(row.clone());
                }
                let title_above = staff.title.take();
                staff.title = match staff_table::title_text(&row) {
                    Some(title) => Some(title),
                    None if row.iter().all(Cell::is_empty) => title_above.clone(),
                    None => None,
                };
                // A class's title under a staff table (「班主任 | 联系电话」 and the teachers' rows, then 「三年级2班」 over
                // that class's pupils) ends it: the title gives its class to the rows under it. Before, it was held
                // as one of the staff, and the pupils under it lost their class.
                let id_empty = map.get(Column::IdNumber, &row).is_none_or(Cell::is_empty);
                if staff.held.is_some()
                    && !replayed
                    && id_empty
                    && class_heading(&map, &row).is_some()
                    && staff.ends(self, file, &sheet, base + 2)
                {
                    staff.replay.push_back((offset, row));
                    continue;
                }
                if staff.held.is_some() {
                    staff.row(self, (file, &sheet, &map), (offset, base + 2 + offset), row);
                    offset += 1;
                    continue;
                }
                // A staff title under the pupils with no header of its own (「教职工名单」, then the staff's rows in
                // the pupils' columns): the rows from it are held as a stacked table's, the title among them, so it
                // is said as the table's title. Once read again (the rows proved pupils), it is read as any row.
                let staff_title = staff_table::title_text(&row).filter(|t| staff_table::staff_title(t));
                if let Some(title) = staff_title.filter(|_| form.is_none() && !replayed && id_empty) {
                    staff.hold(base + 2 + offset, true, Some(title), today).rows.title_row(offset, row);
                    offset += 1;
                    continue;
                }
                let left = match blocks.get(1) {
                    Some(&split) => &row[..split.min(row.len())],
                    None => row.as_slice(),
                };
                match cut_off(&rows, offset, &row, &mut last_column) {
                    Some((row_no, cell)) => self.cut_off_said(file, &sheet.name, row_no, cell),
                    None => {
                        let own_pupil = map.columns.get(&Column::IdNumber).and_then(|&at| row.get(at));
                        let born = |cell: Option<&Cell>| cell.and_then(|c| birth_in(c, today));
                        if let Some(pair) =
                            beside.iter().find(|p| pupil_beside(born(row.get(p.id_at)), born(own_pupil), today))
                        {
                            return Err(ImportError::PupilsBesideTheList {
                                file: file.to_owned(),
                                sheet: sheet.name.clone(),
                                columns: pair.columns.clone(),
                                row: base + 2 + offset,
                            });
                        }
                        // The header again, with a staff title above it or a 职务 column, or under the pupils
                        // after a page break: the rows under it are held as a stacked table's.
                        read(self, &sheet, &map, place, offset, left)?;
                        let staff_below = self.staff_below.take();
                        if (std::mem::take(&mut self.header_again) || staff_below.is_some()) && staff.held.is_none() {
                            let title = title_above.filter(|t| staff_table::staff_title(t));
                            let marked = title.is_some() || staff_below.is_some() || staff_table::staff_header(&row);
                            let held = staff.hold(base + 2 + offset, marked, title, today);
                            if let Some((below, line)) = staff_below {
                                if let StaffBelow::Unnumbered(header) = below {
                                    held.rows.unnumbered(header);
                                }
                                held.header_line = Some(line);
                            }
                        } else if let Some((_, line)) = staff_below {
                            self.problem(file, &sheet, line.row, "", line.message);
                        }
                        for block in 1..blocks.len() {
                            let end = blocks.get(block + 1).map_or(row.len(), |&end| end.min(row.len()));
                            let Some(cells) = row.get(blocks[block]..end).filter(|c| c.iter().any(|c| !c.is_empty()))
                            else {
                                continue;
                            };
                            let mut own = vec![Cell::Empty; blocks[block]];
                            own.extend(cells.iter().cloned());
                            further.push((block, offset, own));
                        }
                    }
                }
                // The next row is read into this one's cells.
                if streamed {
                    rows.give_back(row);
                }
                offset += 1;
            }
            read_further(self, &mut read, &mut further, &sheet, &map, &blocks)?;
            // The sheet's rows are all said before what is said of the sheet as a whole. A signature line of
            // canbao's with no pupil after it stood at the foot.
            self.own_sign_ends();
            self.said_of_rows_applied();
            self.staff_beside_said(file, &sheet, staff_beside.take());
            self.heading_ends();
            self.runs_end();
            self.hidden_rows_said(file, &sheet, &hidden_said);
            self.more_formulas_said(file, &sheet);
            self.classless_said(file, &sheet, &sheet_class, class_column, &class_header);
            self.grade_only_said(file, &sheet, &class_header);
            self.fill_said(file, &sheet, &map);
            self.grade_blank_said(file, &sheet, &map);
            self.grade_of_file_said(file, &sheet, &class_header);
            if notes {
                let message = format!(
                    "工作表 {0} 的名称像填写说明或示例，但其中的学生已按名单导入，请核对其中是否有示例行 (sheet {0} is \
                     named as instructions or a sample, but its pupils were imported as a list: check none is an \
                     example)",
                    sheet.name
                );
                self.problem_at(file, &sheet.name, None, "", message);
            }
            // One class's sheet left empty among the others: the file as a whole has pupils and says nothing.
            if multi && self.report.rows_read - self.report.skipped == pupils_before {
                let (zh, en) = match self.report.rows_read == read_before {
                    true => ("只有表头，没有学生", "has a header and no pupils"),
                    false => ("没有学生，其中的行都不是学生", "holds no pupils: none of its rows is a pupil"),
                };
                let message = format!("工作表 {0} {zh} (sheet {0} {en})", sheet.name);
                self.problem_at(file, &sheet.name, None, "", message);
            }
        }
        self.said_of_rows_applied();
        self.numbered_classes_said(file);
        self.moves_said(file, school.is_some());
        if let Some(adults) = self.adults.file_done(file) {
            self.adult_lists.push(adults);
        }
        self.statuses_said(file);
        // Untitled sheets read before the others named a school, or that followed the first of several named.
        match titled_schools.as_slice() {
            [] => {}
            [one] => {
                for name in &untitled_read {
                    self.untitled_sheet_read_before(file, name, one, default_school);
                }
            }
            several => {
                for name in untitled_read.iter().chain(&followed) {
                    let went = if followed.contains(name) { several[0].as_str() } else { default_school };
                    self.untitled_sheet_among_schools(file, name, several, went);
                }
            }
        }
        if !category_sheets.is_empty() && tables_read == 0 {
            return Err(ImportError::CategoryList { file: file.to_owned() });
        }
        match (found_any, hidden_lists.is_empty(), any_content) {
            (true, ..) if self.this_file.no_list() => Err(ImportError::NotAClassList { file: file.to_owned() }),
            (true, ..) => Ok(()),
            (false, false, _) => {
                let sheets = hidden_lists.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join("、");
                Err(ReadError::OnlyHidden { file: file.to_owned(), sheets, hidden_in: self.hidden_in }.into())
            }
            (false, true, false) => Err(ReadError::Empty { file: file.to_owned() }.into()),
            (false, true, true) => {
                match own_title.or_else(|| by_canbao.then(|| ownership::OWN_FORM_UNTITLED.to_owned())) {
                    Some(form) => Err(ReadError::OwnFormWithoutPupils { file: file.to_owned(), form }.into()),
                    None => Err(ReadError::NoHeader { file: file.to_owned() }.into()),
                }
            }
        }
    }

    /// An untitled sheet of a workbook whose other sheets' titles name one school, imported as that school's
    /// (`read_file`): said at the sheet, with the way to import it otherwise.
    fn untitled_sheet_follows(&mut self, file: &str, name: &str, school: &str) {
        let message = format!(
            "工作表 {name} 没有写学校：本文件其他工作表的标题写的是“{school}”，此表的学生也按“{school}”导入；若此表是别的学校的，\
             请把它另存为一个文件，用 --school 学校名称 导入 (sheet {name} names no school: the file's other sheets are \
             titled with {school}, so its pupils go under {school} too; if this sheet is another school's, save it as \
             a file of its own and import it with --school NAME)"
        );
        self.problem_at(file, name, None, "", message);
    }

    /// An untitled sheet read into the school for rows naming none before the workbook's other sheets named theirs
    /// (too long to hold to their end): said, with the way to import it as theirs.
    fn untitled_sheet_read_before(&mut self, file: &str, name: &str, named: &str, went: &str) {
        if same_school(named, went) {
            return;
        }
        let message = format!(
            "工作表 {name} 没有写学校，此表的学生按“{went}”导入；本文件其他工作表的标题写的是“{named}”：若此表也是“{named}”的，\
             请加 --school {named} 重新导入此文件 (sheet {name} names no school and its pupils go under {went}; the \
             file's other sheets are titled with {named}: if this sheet is {named}'s too, import the file again with \
             --school {named})"
        );
        self.problem_at(file, name, None, "", message);
    }

    /// An untitled sheet of a workbook whose other sheets name several schools: which of them it is only the operator
    /// knows; said with the school its pupils went under.
    fn untitled_sheet_among_schools(&mut self, file: &str, name: &str, named: &[String], went: &str) {
        let (named_zh, named_en) = (named.join("、"), named.join(", "));
        let message = format!(
            "工作表 {name} 没有写学校，本文件其他工作表写的学校不止一所（{named_zh}）：此表的学生按“{went}”导入，请核对；\
             若不对，请把它另存为一个文件，用 --school 学校名称 导入 (sheet {name} names no school and the file's other \
             sheets name several, {named_en}: its pupils go under {went}; check it, and if that is wrong save it as a \
             file of its own and import it with --school NAME)"
        );
        self.problem_at(file, name, None, "", message);
    }

    /// A sheet that looks like a department's list of certified people (a category column, nothing giving a class)
    /// in a workbook of several: left out, named with the rows holding a valid ID number (read to its end, as a
    /// damaged sheet fails the import wherever it is), pointing to the category reconcile and `--as-class-list`.
    fn category_sheet_left_out(
        &mut self,
        file: &str,
        name: &str,
        rows: impl Iterator<Item = Result<Vec<Cell>, ReadError>>,
    ) -> Result<(), ImportError> {
        let mut numbered = 0;
        for row in rows {
            if holds_id_number(&row?, self.today) {
                numbered += 1;
            }
        }
        let numbered_en = crate::words::counted(numbered, "row holds", "rows hold");
        let message = format!(
            "工作表 {name} 像部门认定名单（写有人员类别或认定部门，没有班级或年级），未作为班级名单导入（其中 {numbered} 行有有效的身份证号码），\
             本文件其他工作表照常导入；要记入本校学生的人员类别，请把这张表另存为一个文件，用 核对部门认定名单（canbao reconcile \
             文件 --source categories）；确是本校学生的名单，请加 --as-class-list 导入 (sheet {name} looks like a \
             department's list of certified people, categories or a certifying department and no class or grade: not \
             imported as a class \
             list ({numbered_en} a valid ID number); the file's other sheets are imported; to record the school's \
             pupils' categories, save this sheet as a file of its own and use reconcile --source categories; if it is \
             the school's own list of pupils, import it with --as-class-list)"
        );
        self.problem_at(file, name, None, "", message);
        Ok(())
    }

    /// A 说明 or 样表 sheet with a header, left out as the workbook's other sheets hold the pupils: said by name,
    /// and each of its rows with a valid ID number at its row, should one be a pupil after all.
    fn notes_sheet_left_out(
        &mut self,
        file: &str,
        name: &str,
        head: Vec<Vec<Cell>>,
        rest: SheetRows,
    ) -> Result<(), ImportError> {
        let message = format!(
            "工作表 {name} 是填写说明或示例，本文件其他工作表中已有学生，整张表未作为名单导入 (sheet {name} is \
             instructions or a sample and the file's other sheets hold the pupils: it was not imported as a list)"
        );
        self.problem_at(file, name, None, "", message);
        let rows = head.into_iter().map(Ok).chain(rest);
        for (index, row) in rows.enumerate() {
            if holds_id_number(&row?, self.today) {
                let message = format!(
                    "工作表 {name} 是填写说明或示例，未导入；这一行有有效的身份证号码，若是学生，请移到其班级的工作表后\
                     重新导入 (sheet {name} is instructions or a sample and was not imported; this row holds a valid \
                     ID number: if it is a pupil, move it to its class's sheet and import again)"
                );
                self.problem_at(file, name, Some(index + 1), "", message);
            }
        }
        Ok(())
    }

    /// Ends every run of problems: each run of several rows says so in its message.
    fn runs_end(&mut self) {
        let runs = std::mem::take(&mut self.runs);
        for run in runs.previous.into_iter().chain(runs.current) {
            self.run_said(&run);
        }
    }

    fn run_said(&mut self, run: &OpenRun) {
        let Some(p) = self.report.problems.get_mut(run.problem).filter(|_| run.count > 1) else { return };
        let (count, last) = (run.count, p.last_row.or(p.row).unwrap_or_default());
        // The message's Chinese and its English in brackets, each told of the run.
        let en = crate::words::in_language(&p.message, crate::tui::Language::En);
        let zh = (en != p.message)
            .then(|| {
                p.message.trim_end().strip_suffix(')')?.trim_end().strip_suffix(&*en)?.trim_end().strip_suffix('(')
            })
            .flatten()
            .map(str::trim_end);
        p.message = match zh {
            // 「此行没有…」 becomes 「此行起共 N 行（至第 M 行）没有…」.
            Some(zh) if zh.starts_with("此行") => format!(
                "此行起共 {count} 行（至第 {last} 行）{} ({count} rows from this one to row {last}: {en})",
                zh.trim_start_matches("此行")
            ),
            Some(zh) => {
                format!("此行起共 {count} 行（至第 {last} 行）：{zh} ({count} rows from this one to row {last}: {en})")
            }
            None => {
                format!(
                    "此行起共 {count} 行（至第 {last} 行）：{} ({count} rows from this one to row {last})",
                    p.message
                )
            }
        };
    }

    /// An adult's row (`pupil_flags::adult_age`) of a list read as a department's may-be list (`CategoryLook::NoClass`):
    /// never taken as a pupil by the list being imported anyway, refused at its row; its number still counts
    /// when the list is judged. `--as-class-list` reads no list so, and takes the row, flagged.
    fn category_list_adult_refused(
        &mut self,
        file: &str,
        sheet: &Sheet,
        row_no: usize,
        id_header: &str,
        (age, number): (i32, &str),
    ) {
        if let Some((_, numbers)) = self.category_lists.last_mut() {
            numbers.push(number.to_owned());
        }
        self.report.skipped += 1;
        let message = format!(
            "此文件有人员类别列、没有班级或年级，像部门的认定名单；此行身份证号码显示年龄 {age} 岁，不是在校学生的年龄：\
             此行未导入，未作为学生加入；若确是本校学生，请改正号码后再导入 (a category column and no class or grade, \
             like a department's list; this row's ID number shows an adult of {age}, no pupil: not imported, not \
             added as a pupil; if this is the school's pupil, correct the number and import again)"
        );
        self.problem(file, sheet, row_no, id_header, message);
    }

    /// Once every row is read, the lists with a category column and no class on a drive holding pupils
    /// (`CategoryLook::NoClass`): one most of whose valid numbers the drive did not hold before (or that gives
    /// none) is a department's list, refused as a whole (the import's transaction is not committed); one of the
    /// school's own pupils (a 新生名单 made before classes, 插班生 with their 低保/残疾) is imported, said.
    fn category_lists_judged(&mut self, session: &crate::store::ImportSession<'_>) -> Result<(), ImportError> {
        for (file, numbers) in std::mem::take(&mut self.category_lists) {
            let held = session.numbers_held_before(&numbers)?;
            if held * 2 <= numbers.len() {
                return Err(ImportError::CategoryList { file });
            }
            self.warn(format!(
                "{file}：此文件有人员类别列、没有班级或年级，其中 {held} / {} 个有效身份证号码是本校已有的学生，按班级名单导入 \
                 ({file}: a category column and no class or grade; {held} of its {} valid ID numbers are pupils the \
                 drive holds, so it was imported as a class list)",
                numbers.len(),
                numbers.len()
            ));
        }
        Ok(())
    }

    /// Once every row is read, takes back what was said of a new pupil looking like a pupil held under another
    /// number where a row of the import gives that number too: the list names both, so they are two children (the
    /// held one's row may come after the new one's).
    fn look_alikes_listed(&mut self) {
        let said = std::mem::take(&mut self.look_alikes_said);
        let listed: std::collections::HashSet<usize> = said
            .into_iter()
            .filter(|(_, held)| pack_number(held).is_some_and(|n| self.first.by_number.contains_key(&n)))
            .map(|(at, _)| at)
            .collect();
        if listed.is_empty() {
            return;
        }
        let mut at = 0;
        self.report.problems.retain(|_| {
            at += 1;
            !listed.contains(&(at - 1))
        });
    }

    /// The one line for the problems past [`PROBLEMS_LISTED`], at the end of the import.
    fn unlisted_said(&mut self) {
        let n = std::mem::take(&mut self.unlisted);
        if n == 0 {
            return;
        }
        let file = self.report.problems.last().map(|p| p.file.clone()).unwrap_or_default();
        self.report.problems.push(Problem {
            file,
            message: format!(
                "另有 {n} 个问题未逐条列出（已列出 {PROBLEMS_LISTED} 个）；请先改正以上各行，再导入一次查看其余问题 \
                 ({} not listed: correct the rows above, then import again to see the rest)",
                crate::words::counted(n, "more problem", "more problems")
            ),
            ..Problem::default()
        });
    }

    /// A sheet Excel hides is not imported: the operator does not see it, and workbooks carry last year's list
    /// or a left pupils' list that way. One that holds a list is said, with how many rows it has and how to
    /// import it; one that holds none (the choices of a drop-down, say) is no list and goes unsaid.
    fn hidden_sheet(
        &mut self,
        file: &str,
        mut rows: SheetRows,
        hidden_lists: &mut Vec<String>,
    ) -> Result<(), ImportError> {
        let mut head = Vec::new();
        while head.len() < header::HEADER_SEARCH_ROWS {
            match rows.next() {
                Some(row) => head.push(row?),
                None => break,
            }
        }
        let Some(map) = header::detect(&head, self.synonyms) else { return Ok(()) };
        let has_content = |row: &Vec<Cell>| row.iter().any(|c| !c.is_empty());
        let mut count = head.iter().skip(map.row + 1).filter(|r| has_content(r)).count();
        for row in rows.by_ref() {
            count += usize::from(has_content(&row?));
        }
        let name = std::mem::take(&mut rows.name);
        let these = crate::words::counted(count, "row was", "rows were");
        let (at, at_en, app, app_en) =
            (self.hidden_in.zh(), self.hidden_in.en(), self.hidden_in.app_zh(), self.hidden_in.app_en());
        let message = format!(
            "工作表“{name}”{at}是隐藏的，其中 {count} 行未导入；若要导入，请在 {app} 中取消隐藏（右键工作表标签）后另存，再导入 \
             (the sheet “{name}” is hidden {at_en}: its {these} not imported; to import them, unhide it in \
             {app_en}, save, and import again)"
        );
        self.problem_at(file, &name, None, "", message);
        hidden_lists.push(name);
        Ok(())
    }

    /// A pupil imported from a row Excel hides: the first few are said row by row, the rest in one line at the
    /// end of the sheet (`hidden_rows_said`), as a filter can hide hundreds.
    fn hidden_row(&mut self, file: &str, sheet: &Sheet, row_no: usize, said: &mut Vec<usize>) {
        said.push(row_no);
        if said.len() <= HIDDEN_ROWS_SAID {
            let (at, at_en) = (self.hidden_in.zh(), self.hidden_in.en());
            let message = format!(
                "此行{at}是隐藏的（或被筛选隐藏），已导入，请核对；若是已转走的学生，请标为已离校 \
                 (the row is hidden {at_en}, or filtered out: imported; check it, and mark a pupil who has left)"
            );
            self.problem(file, sheet, row_no, "", message);
        }
    }

    fn hidden_rows_said(&mut self, file: &str, sheet: &Sheet, said: &[usize]) {
        let Some(rest) = said.get(HIDDEN_ROWS_SAID..).filter(|rest| !rest.is_empty()) else { return };
        let shown: Vec<String> = rest.iter().take(20).map(usize::to_string).collect();
        let more = if rest.len() > shown.len() { "等" } else { "" };
        let (at, at_en) = (self.hidden_in.zh(), self.hidden_in.en());
        let message = format!(
            "另有 {} 行{at}是隐藏的（或被筛选隐藏），已导入，请核对：第 {}{more} 行 \
             ({} imported: check them: rows {}{})",
            rest.len(),
            shown.join("、"),
            crate::words::counted(
                rest.len(),
                &format!("more row hidden {at_en}, or filtered out, was"),
                &format!("more rows hidden {at_en}, or filtered out, were")
            ),
            shown.join(", "),
            if more.is_empty() { "" } else { " …" }
        );
        if let Some(&first) = rest.first() {
            self.problem(file, sheet, first, "", message);
        }
    }

    /// Formulas whose result the file does not hold, read as empty cells: each said with its column (the first
    /// few of a sheet; the rest at the sheet's end, `more_formulas_said`). The row is read on as it stands, so a
    /// pupil in it is imported and flagged where a name or number is missing, never passed over.
    fn unevaluated(&mut self, file: &str, sheet: &Sheet, map: &HeaderMap, row_no: usize, row: &[Cell]) {
        for (at, cell) in row.iter().enumerate() {
            let Cell::Unevaluated(formula) = cell else { continue };
            if self.formulas_said >= FORMULAS_SAID {
                if self.formulas_more.last() != Some(&row_no) {
                    self.formulas_more.push(row_no);
                }
                continue;
            }
            self.formulas_said += 1;
            let header = sheet.rows.get(map.row).and_then(|h| h.get(at)).map(Cell::text).unwrap_or_default();
            let message = table::formula_without_result(
                formula,
                ("已按空白读取", "the cell was read as empty"),
                ("导入", "import it"),
            );
            self.problem(file, sheet, row_no, &header, message);
        }
    }

    fn more_formulas_said(&mut self, file: &str, sheet: &Sheet) {
        self.formulas_said = 0;
        let rows = std::mem::take(&mut self.formulas_more);
        let Some(&first) = rows.first() else { return };
        let shown: Vec<String> = rows.iter().take(20).map(usize::to_string).collect();
        let more = if rows.len() > shown.len() { "等" } else { "" };
        let message = format!(
            "另有 {} 行有公式没有保存计算结果，已按空白读取：第 {}{more} 行；请在 Excel 或 WPS 中打开此文件并保存，再导入 \
             ({} formulas with no result saved, read as empty: open the file in Excel or WPS, save it, and import \
             it again)",
            rows.len(),
            shown.join("、"),
            crate::words::counted(rows.len(), "more row holds", "more rows hold")
        );
        self.problem(file, sheet, first, "", message);
    }

    /// The moves of the file just read that were not said row by row: each move from one school to another with
    /// its count and first rows (a school written otherwise moves every pupil of the list, and the operator must
    /// see it before exporting), and the class moves past the first few. About the whole file: no sheet, no row.
    fn moves_said(&mut self, file: &str, forced: bool) {
        let moves = std::mem::take(&mut self.moves);
        if !self.take_grade_down
            && looks_last_year(moves.down, moves.held)
            && let Some(example) = moves.down_example.clone()
        {
            let (held, down) = (moves.held, moves.down);
            self.last_year.push(LastYearFile { file: file.to_owned(), held, down, example });
        }
        if let Some(next_year) = self.grade_up.file_done(file, moves.held).filter(|_| !self.take_grade_up) {
            self.next_year.push(next_year);
        }
        // Importing the list again under the old school's name moves every pupil of it there: the way back only
        // when all the pupils it moved came from that one school and it left none where they were. `--school`
        // put every row in its school, whatever school each pupil was in: the way back is the backup.
        let again = !forced && moves.schools.len() == 1 && moves.stayed == 0;
        for m in moves.schools {
            let at = |(sheet, row, name): &(String, usize, String)| match sheet.is_empty() {
                true => format!("第 {row} 行 {name}"),
                false => format!("[{sheet}] 第 {row} 行 {name}"),
            };
            let at_en = |(sheet, row, _): &(String, usize, String)| match sheet.is_empty() {
                true => format!("row {row}"),
                false => format!("[{sheet}] row {row}"),
            };
            let more = if m.count > m.examples.len() { "等" } else { "" };
            let more_en = if m.count > m.examples.len() { ", …" } else { "" };
            let (from, to, count) = (&m.from, &m.to, m.count);
            let moved = crate::words::counted(count, "pupil", "pupils");
            let (way, way_en) = if again {
                (
                    format!(
                        "若两者是同一所学校的不同写法，请以“{from}”为学校名重新导入（命令行：--school {from}），学生会回到原校"
                    ),
                    format!(
                        "if the two are one school written two ways, import again with the school named {from} (on \
                         the command line: --school {from}) and they go back"
                    ),
                )
            } else {
                let (why, why_en) = if forced {
                    (
                        format!("--school 把名单中的每一名学生都记入“{to}”；"),
                        format!("--school puts every pupil of the list in {to}; "),
                    )
                } else {
                    (String::new(), String::new())
                };
                self.moved_back.push((from.clone(), to.clone(), count));
                (
                    format!("{why}若他们应留在“{from}”，怎样撤销见报告开头"),
                    format!(
                        "{why_en}if they should have stayed in {from}, the way back is said at the top of the report"
                    ),
                )
            };
            let message = format!(
                "{count} 名学生从“{from}”转到“{to}”（{}{more}）；{way} ({moved} moved from school {from} to {to} \
                 ({}{more_en}); {way_en})",
                m.examples.iter().map(at).collect::<Vec<_>>().join("、"),
                m.examples.iter().map(at_en).collect::<Vec<_>>().join(", "),
            );
            self.problem_at(file, "", None, "", message);
        }
        if moves.classes_more > 0 {
            let n = moves.classes_more;
            let more = crate::words::counted(n, "more pupil", "more pupils");
            let message = format!(
                "此文件另有 {n} 名学生调到了另一个班级，请核对 ({more} of this file moved to another class: \
                 check them before exporting)"
            );
            self.problem_at(file, "", None, "", message);
        }
        if moves.returned_more > 0 {
            let n = moves.returned_more;
            let more = crate::words::counted(n, "more pupil", "more pupils");
            let message = format!(
                "此文件另有 {n} 名往年已毕业或已离校的学生又列入名单，已回到名单所给的班级，不再是已离校，请核对 ({more} \
                 of this file who graduated or left before this year are on it again: back in the classes it \
                 gives, no longer marked left; check them before exporting)"
            );
            self.problem_at(file, "", None, "", message);
        }
        if moves.respelled_more > 0 {
            let n = moves.respelled_more;
            let more = crate::words::counted(n, "more pupil", "more pupils");
            let message = format!(
                "此文件另有 {n} 名学生的班级改按数据文件的另一种写法书写 (the class of {more} of this file \
                 is now written as the drive's other spelling of it)"
            );
            self.problem_at(file, "", None, "", message);
        }
    }

    /// A row of canbao's own form whose statuses the operator must hear of: taken onto a pupil already on the
    /// drive, or not taken and why. The first few of a file at their rows, the rest in a line at its end.
    fn status_noted(
        &mut self,
        file: &str,
        (sheet, header): (&str, Option<&[Cell]>),
        (row_no, name): (usize, &str),
        note: StatusNote,
        (cells, list_cell): (StatusCells<'_>, Option<&(String, String)>),
    ) {
        // A school's own list has no status columns of canbao's forms: its 是否参保 alone was read, and is quoted.
        let own_form = !cells.1.is_empty();
        let quoted_cell = match (own_form, note, list_cell) {
            (false, StatusNote::Contradicts(held), Some((title, value))) => {
                Some(list_contradicts_message(held, title, value))
            }
            _ => None,
        };
        let Some(message) = quoted_cell.or_else(|| status_message(note, name, header, cells)) else { return };
        let kind = if matches!(note, StatusNote::Set(..)) {
            self.report.statuses_set += 1;
            NoteKind::Set
        } else if own_form {
            self.report.statuses_left += 1;
            NoteKind::NotTaken
        } else {
            self.report.list_statuses_differ += 1;
            NoteKind::NotTaken
        };
        if self.statuses.said >= STATUSES_SAID {
            self.statuses.more.push((kind, sheet.to_owned(), row_no));
            return;
        }
        self.statuses.said += 1;
        self.problem_keyed(file, sheet, row_no, "", message, (RunKey::Message, ProblemKind::Statuses));
    }

    /// A status cell of canbao's own form that reads as none of the words the form writes there: the row's
    /// statuses are not taken, and the cell is said.
    fn status_unreadable(
        &mut self,
        file: &str,
        (sheet, header): (&str, Option<&[Cell]>),
        row_no: usize,
        unreadable: own_forms::Unreadable,
    ) {
        self.report.statuses_left += 1;
        let header = header.and_then(|h| h.get(unreadable.at)).map(Cell::text).unwrap_or_default();
        let (text, words) = (quoted(&unreadable.text), unreadable.words);
        let message = format!(
            "“{text}”不是此列的写法（应为{words}），此行的参保缴费状态未采用 (not a word this column takes: the \
             row's statuses were not taken)"
        );
        self.problem_in(file, sheet, row_no, &header, message);
    }

    /// The rows of the file just read whose statuses were not said at their rows: one line of each kind.
    fn statuses_said(&mut self, file: &str) {
        let notes = std::mem::take(&mut self.statuses);
        for kind in [NoteKind::Set, NoteKind::NotTaken] {
            let rows: Vec<&(NoteKind, String, usize)> = notes.more.iter().filter(|(k, ..)| *k == kind).collect();
            let Some(&&(_, ref first_sheet, first)) = rows.first() else { continue };
            let n = rows.len();
            let shown: Vec<String> = rows
                .iter()
                .take(20)
                .map(|(_, sheet, row)| match sheet.is_empty() {
                    true => format!("第 {row} 行"),
                    false => format!("[{sheet}] 第 {row} 行"),
                })
                .collect();
            let more = if n > shown.len() { "等" } else { "" };
            let shown = shown.join("、");
            let message = match kind {
                NoteKind::Set => format!(
                    "另有 {n} 名学生的参保缴费状态按名单更改，请核对：{shown}{more} ({n} more pupils' statuses \
                     taken from the list: check them)"
                ),
                NoteKind::NotTaken => format!(
                    "另有 {n} 行的参保缴费状态未采用（与数据文件不符、不足以确定或各列彼此不符），请核对后在 canbao 中标记：\
                     {shown}{more} ({n} more rows whose statuses were not taken: they differ from the drive's, do \
                     not say enough, or disagree among themselves; check them and mark the pupils in canbao)"
                ),
            };
            let sheet = first_sheet.clone();
            self.problem_of_kind(file, &sheet, Some(first), "", message, ProblemKind::Statuses);
        }
    }

    /// What else than a class list the sheet may be, from its header and the title above it. One of canbao's
    /// ledgers, or the tax office's paid list (payment columns, a taxpayer's name, and nothing that gives a
    /// class), is refused; a class list that also has payment columns is imported, that said first. Returns
    /// which of canbao's forms the sheet is, if one: its class list is read as a class list; any other (the special
    /// roster, the agency's template, 在校学生信息表) is imported, said first, its remarks not taken as notes.
    fn other_paperwork(
        &mut self,
        file: &str,
        sheet: &Sheet,
        map: &HeaderMap,
        (by_canbao, template): (bool, Option<&Template>),
        (class_column, sheet_class): (bool, &SheetClass),
        (multi, school): (bool, &str),
    ) -> Result<Paperwork, ImportError> {
        self.category_list_reading = false;
        let above: Vec<Vec<String>> =
            sheet.rows.iter().take(map.row).map(|row| row.iter().map(Cell::text).collect()).collect();
        let title = ownership::export_title(&above);
        if let Some(title) = title.as_deref().filter(|t| ownership::is_ledger_title(t)) {
            return Err(ImportError::CanbaoLedger { file: file.to_owned(), form: title.to_owned() });
        }
        let mut form = own_forms::form_of(title.as_deref(), template, by_canbao);
        // The notice's own form filled in by a school: its 是否参保 是 is 已参保 (the notice's meaning), which says
        // neither who paid nor that the school registers the pupil, so it is read as the sheet's is.
        let first_cells = above.iter().filter_map(|row| row.iter().map(|c| c.trim()).find(|c| !c.is_empty()));
        let notice_title = { first_cells }.find(|t| crate::domain::policy::is_sheet_title(t)).map(str::to_owned);
        if form.is_none()
            && let Some(notice) = notice_title.filter(|_| map.columns.contains_key(&Column::Enrolled))
        {
            form = Some(OwnForm::FilledSheet);
            self.warn(format!(
                "{file}：此表是通知所附的《{notice}》，其“是否参保”为“是”指已参保（已缴费、财政代缴或异地参保），\
                 不是在校登记、也没有写明由谁缴费：这些学生的参保缴费状态未据此记录（未记为在校参保，也未记为已缴费），\
                 各行已列出；请用税务缴费名单核对（canbao reconcile 文件 --source tax）或在 canbao 中逐个标记 ({file}: \
                 the notice's own student information sheet, whose is-insured yes means insured, neither a \
                 registration at school nor who paid: those pupils' statuses were not recorded from it (neither \
                 registered at school nor paid), each row is listed; check them against the tax office's paid list \
                 or mark them in canbao)"
            ));
        }
        // A form names its year in its label row (`保险年度：2027年度`); the template, which has none, in its
        // file name. A template whose name says no year may have been renamed: nothing tells its year.
        let named_year = match &form {
            Some(OwnForm::Template(_)) => {
                own_forms::year_in_name(&Path::new(file).file_name().unwrap_or_default().to_string_lossy())
            }
            Some(_) if title.is_some() => ownership::export_year(&above),
            _ => None,
        };
        let told = named_year.is_some() || title.is_some();
        if told && let Some(year) = own_forms::other_year(named_year, self.drive_years.0, self.drive_years.1) {
            let form = title.clone().or_else(|| template.map(|t| t.title.clone())).unwrap_or_default();
            let current = self.drive_years.0.unwrap_or_default();
            return Err(ImportError::OtherYear { file: file.to_owned(), form, year, current });
        }
        // canbao's 班级核对表 is the one export a school sends back, ticked: read as any class list.
        if let Some(own) = form.clone().filter(OwnForm::remarks_are_canbaos) {
            let named = title.or_else(|| template.map(|t| t.title.clone())).unwrap_or_else(|| "表格".to_owned());
            self.warn(format!(
                "{file}：此文件是 canbao 导出的{named}，不是学校的班级名单；其“备注/说明”列是 canbao 所写，未作为学生备注导入 \
                 ({file}: a form canbao exported, not the school's class list: its remarks are not imported as notes)"
            ));
            return Ok(Paperwork::List(Some(own)));
        }
        let place = SheetPlace { sheet: &sheet.name, file, multi, school };
        let header_row = sheet.rows.get(map.row).map(Vec::as_slice).unwrap_or_default();
        let look = looks_like_category_list(
            map,
            &above,
            (class_column, sheet_class),
            &place,
            header_row,
            self.drive_holds_pupils,
        );
        match look {
            _ if form.is_some() => {}
            None => {}
            Some(_) if self.as_class_list => self.warn(format!(
                "{file}：此文件写有人员类别或认定部门、没有班级或年级，按要求（--as-class-list）作为班级名单导入 ({file}: \
                 categories or a certifying department and no class or grade, imported as a class list as asked, \
                 --as-class-list)"
            )),
            Some(CategoryLook::DepartmentTitle) => return Err(ImportError::CategoryList { file: file.to_owned() }),
            Some(CategoryLook::BesideOtherSheets) => return Ok(Paperwork::CategorySheet),
            // Judged once its rows are read (`hand_row` keeps their numbers), by whether they are the drive's pupils.
            Some(CategoryLook::NoClass) => {
                self.category_lists.push((file.to_owned(), Vec::new()));
                self.category_list_reading = true;
            }
        }
        let payment: Vec<Column> = PAYMENT_COLUMNS.into_iter().filter(|c| map.columns.contains_key(c)).collect();
        if payment.is_empty() {
            return Ok(Paperwork::List(form));
        }
        let name_header = header::clean(&map.header_text(Column::Name, &sheet.rows));
        let taxpayer = ["纳税人姓名", "缴费人姓名"].contains(&name_header.as_str());
        let list_like = taxpayer || payment.contains(&Column::Receipt) || payment.len() >= 2;
        if list_like && !class_column && *sheet_class == SheetClass::Unnamed {
            return Err(ImportError::PaymentList { file: file.to_owned() });
        }
        self.warn(format!(
            "{file}：此文件有缴费名单的列（缴费金额、缴费日期等），这些列未导入；若是税务缴费名单，请用 核对税务缴费名单 \
             （canbao reconcile 文件 --source tax）({file}: a payment list's columns, not imported: for the tax \
             office's paid list use reconcile --source tax)"
        ));
        Ok(Paperwork::List(form))
    }

    /// A line for the top of the report, once however many sheets give it.
    fn warn(&mut self, line: String) {
        self.said_of_rows_applied();
        let line = shown_text(line);
        if !self.report.warnings.contains(&line) {
            self.report.warnings.push(line);
        }
    }

    /// A header cell the reader does not use is said, so a column the operator expected is never dropped
    /// without a word: a word `data/headers.toml` does not know, or a second column for the same field.
    /// A column Excel hides (`hidden`) is said too, whether read (no visible column has its header) or not.
    /// Class cells that were a bare number of three digits or more, said once for the file with the class each
    /// was read as (「“101”→“101班”」): a school may write 101 for 一年级1班, which the import cannot know; and those
    /// read as their year's class by the list's other classes (「“301”→“三年级1班”」), said apart.
    fn numbered_classes_said(&mut self, file: &str) {
        let read = std::mem::take(&mut self.numbered_classes);
        let (by_year, as_named): (Vec<_>, Vec<_>) = read.into_iter().partition(|n| n.by_year);
        for read in [as_named, by_year] {
            if read.is_empty() {
                continue;
            }
            let message = shown_text(numbered_message(&read, |_| None));
            let listed = self.report.problems.len() < PROBLEMS_LISTED;
            self.problem_at(file, "", None, "", message.clone());
            if listed {
                self.numbered_said.push((file.to_owned(), message, read));
            }
        }
    }

    /// The lines on class numbers (`numbered_classes_said`) name, beside each class read, the class its pupils went
    /// into where the store put them into one the drive spells another way (`respelled`; `renamed`, the schools
    /// the rows named by a name the drive renamed away from): 「“301”→“301班”（即在册的“三年级1班”）」, where the line
    /// said only 301班 and the pupils were in 三年级1班.
    fn numbered_classes_stored(&mut self, respelled: &[ClassRespelled], renamed: &[(String, String)]) {
        if respelled.is_empty() {
            return;
        }
        for (file, said, read) in std::mem::take(&mut self.numbered_said) {
            let stored = |n: &NumberedClass| {
                let school = renamed.iter().find(|(old, _)| *old == n.school).map_or(n.school.as_str(), |(_, now)| now);
                let found = respelled
                    .iter()
                    .find(|r| r.school == school && r.written.0 == n.grade && r.written.1 == n.class)?;
                Some(class_label::join(&found.stored.0, &found.stored.1))
            };
            let message = shown_text(numbered_message(&read, stored));
            if message == said {
                continue;
            }
            let line = self.report.problems.iter_mut().find(|p| p.file == file && p.row.is_none() && p.message == said);
            if let Some(line) = line {
                line.message = message;
            }
        }
    }

    /// A list printed in blocks side by side (分两栏): the column each block starts at (`header::side_by_side`),
    /// said at the header, as its further blocks' pupils are read after the first's, each block by its own header.
    /// Empty for a list of one block. A block in an order of its own is read as pupils where the rows ahead
    /// (`ahead`) show pupils' ID numbers in it and no adult's; else it is said, left unread, and watched
    /// (`Beside`): a pupil's number in it further down refuses the file.
    /// The staff's columns beside the pupils (`staff_beside`) are no further block: said once, as the staff's,
    /// where before they were said first as a block of adults' numbers (「多为家长」), then again.
    fn blocks_said(&mut self, file: &str, sheet: &Sheet, map: &HeaderMap, ahead: &[Vec<Cell>]) -> Layout {
        // A block repeating the pupils' header, or whose rows show children's numbers or pupils' class duties
        // (班长, 学习委员), is the list's second half printed beside the first (分两栏), not the staff's.
        let staff =
            self.staff_beside(sheet, map).filter(|staff| !self.block_is_pupils(sheet, map, ahead, &staff.columns));
        let staff_columns = staff.as_ref().map_or(0..0, |s| s.columns.clone());
        let mut layout = self.blocks_side_by_side(file, sheet, map, ahead, &staff_columns);
        layout.staff = staff;
        layout
    }

    /// The staff's columns beside the pupils' header (`staff_table::block_beside`), after its name and ID columns.
    fn staff_beside(&self, sheet: &Sheet, map: &HeaderMap) -> Option<StaffBeside> {
        let header_row = sheet.rows.get(map.row)?;
        let from = [Column::Name, Column::IdNumber].iter().filter_map(|c| map.columns.get(c)).max()? + 1;
        // 联系人 over a phone beside the pupils is most often their guardian's. A block naming the staff only in its
        // ID number's header (「姓名 | 班主任身份证号 | 联系电话」) is theirs too: before, its phone was a pupil's.
        let is_staff =
            |text: &str| (self.synonyms.is_staff(text) && !text.contains("联系人")) || self.staff_id_header(text);
        let pupils = |text: &str| {
            // A staff block's own 身份证号码 (班主任 | 身份证号码 | 联系电话) is the staff's, as its 姓名 is.
            !self.synonyms.is_phone_word(text)
                && self.synonyms.column(text).is_some_and(|c| c != Column::Name && c != Column::IdNumber)
        };
        let columns = staff_table::block_beside(header_row, from, is_staff, pupils)?;
        let words: Vec<String> = header_row[columns.clone()].iter().map(|c| c.text().trim().to_owned()).collect();
        Some(StaffBeside { columns, words: words.join(" "), header_row: map.row + 1, rows: Vec::new() })
    }

    /// Whether columns taken for the staff's beside the pupils (`staff_beside`) are more pupils: their header
    /// repeats the pupils' own (「姓名 | 身份证号码 | 职务」 twice), or the rows ahead show children's ID numbers and no
    /// adult's in its ID column, or only pupils' class duties (班长, 学习委员) under its staff words.
    fn block_is_pupils(
        &self,
        sheet: &Sheet,
        map: &HeaderMap,
        ahead: &[Vec<Cell>],
        block: &std::ops::Range<usize>,
    ) -> bool {
        let Some(header_row) = sheet.rows.get(map.row) else { return false };
        let words = |cells: &[Cell]| cells.iter().map(|c| header::clean(&c.text())).collect::<Vec<_>>();
        let filled = |i: usize| header_row.get(i).is_some_and(|c| !c.text_ref().trim().is_empty());
        // The pupils' own header: the run of filled cells holding their name column.
        if let Some(&name_at) = map.columns.get(&Column::Name) {
            let start = (0..=name_at).rev().take_while(|&i| filled(i)).last().unwrap_or(name_at);
            let end = (name_at..header_row.len()).find(|&i| !filled(i)).unwrap_or(header_row.len());
            if words(&header_row[start..end]) == words(&header_row[block.clone()]) {
                return true;
            }
        }
        let (mut children, mut adults, mut duties, mut others) = (0, 0, 0, 0);
        for at in block.clone() {
            let header_text = header_row[at].text();
            let id_column = self.synonyms.column(&header_text) == Some(Column::IdNumber);
            let staff_words = staff_table::staff_header(std::slice::from_ref(&header_row[at]));
            for row in ahead {
                let Some(cell) = row.get(at) else { continue };
                if id_column {
                    match child_born(cell, self.today) {
                        Some(true) => children += 1,
                        Some(false) => adults += 1,
                        None => {}
                    }
                } else if staff_words && !cell.text_ref().trim().is_empty() {
                    match staff_table::pupil_duty(&cell.text()) {
                        true => duties += 1,
                        false => others += 1,
                    }
                }
            }
        }
        adults == 0 && (children > 0 || (duties > 0 && others == 0))
    }

    /// The staff's columns beside the pupils' header, said once the table's rows are read: which columns, and the
    /// rows that filled them, none of it read as a pupil's.
    fn staff_beside_said(&mut self, file: &str, sheet: &Sheet, staff: Option<StaffBeside>) {
        let Some(StaffBeside { columns, words, header_row, rows }) = staff else { return };
        let words = quoted(&words).into_owned();
        let letters = match columns.len() {
            1 => header::column_letter(columns.start),
            _ => format!("{}–{}", header::column_letter(columns.start), header::column_letter(columns.end - 1)),
        };
        let listed: Vec<String> = rows.iter().take(5).map(usize::to_string).collect();
        let more = if rows.len() > 5 { " …" } else { "" };
        let (filled, filled_en) = match rows.len() {
            0 => ("其下各行这几列都是空的".to_owned(), "no row under it fills them".to_owned()),
            n => (
                format!("{n} 行（第 {}{more} 行）的这几列均未导入", listed.join("、")),
                match n {
                    1 => format!("1 row fills them (row {}), none of it imported", listed.join(", ")),
                    _ => format!("{n} rows fill them (rows {}{more}), none of it imported", listed.join(", ")),
                },
            ),
        };
        let message = format!(
            "第 {letters} 列“{words}”与学生的表头隔着空列，是教职工的信息，不是学生的列：{filled}，也没有记到学生名下 \
             (columns {letters}, “{words}”, stand apart from the pupils' header by an empty column: the staff's, not \
             the pupils' columns; {filled_en}, and nothing of them went to a pupil)"
        );
        self.problem(file, sheet, header_row, "", message);
    }

    /// The blocks side by side of `blocks_said`.
    fn blocks_side_by_side(
        &mut self,
        file: &str,
        sheet: &Sheet,
        map: &HeaderMap,
        ahead: &[Vec<Cell>],
        staff: &std::ops::Range<usize>,
    ) -> Layout {
        let Some(header_row) = sheet.rows.get(map.row) else { return Layout::default() };
        let upper = match map.top != map.row {
            true => sheet.rows.get(map.top),
            false => map.row.checked_sub(1).and_then(|above| sheet.rows.get(above)),
        };
        let mut found = header::side_by_side(header_row, upper.map(Vec::as_slice), self.synonyms);
        found.retain(|block| !staff.contains(&block.start));
        if found.len() < 2 {
            return Layout::default();
        }
        let width = header_row.iter().rposition(|c| !c.is_empty()).map_or(0, |at| at + 1);
        // The last block ends where the staff's columns begin.
        let width = match staff.is_empty() || found.iter().any(|b| b.start >= staff.start) {
            true => width,
            false => width.min(staff.start),
        };
        let mut layout = Layout { silent_from: Some(found[1].start), ..Layout::default() };
        let mut blocks = vec![found[0].start];
        let mut own_order = Vec::new();
        for (at, block) in found.iter().enumerate().skip(1) {
            let end = found.get(at + 1).map_or(width, |next| next.start).max(block.start + 1);
            if block.fits {
                blocks.push(block.start);
                continue;
            }
            let columns = header::block_columns(header_row, block.start, end, self.synonyms);
            let Some(&id_at) = columns.get(&Column::IdNumber) else { continue };
            let (mut pupils, mut adults) = (0, 0);
            for row in ahead {
                match row.get(id_at).and_then(|cell| child_born(cell, self.today)) {
                    Some(true) => pupils += 1,
                    Some(false) => adults += 1,
                    None => {}
                }
            }
            let letters = format!("{}–{}", header::column_letter(block.start), header::column_letter(end - 1));
            if pupils > 0 && adults == 0 {
                blocks.push(block.start);
                own_order.push(letters);
                continue;
            }
            let (zh, en) = match adults {
                0 => ("其下的行没有学生的身份证号码", "no row under them holds a pupil's ID number"),
                _ => ("其中的身份证号码是成年人的（多为家长）", "its ID numbers are adults' (most likely guardians')"),
            };
            let message = format!(
                "第 {letters} 列另有一组姓名和身份证号码，列的顺序与前面的不同，{zh}：未作为学生导入；其下若有学生的身份证号码，\
                 整个文件不导入 (columns {letters} hold another name and ID number, in another order than the columns \
                 before them, and {en}: not imported as pupils; should a row hold a pupil's ID number there, the whole \
                 file is not imported)"
            );
            self.problem(file, sheet, map.row + 1, "", message);
            layout.beside.push(Beside { id_at, columns: letters });
        }
        if blocks.len() < 2 {
            return layout;
        }
        let count = blocks.len();
        let further: Vec<String> = (1..count).map(|block| block_columns(block, &blocks, width)).collect();
        let (order, order_en) = match own_order.is_empty() {
            true => (String::new(), String::new()),
            false => (
                format!("（第 {} 列的列顺序与第 1 栏不同）", own_order.join("、")),
                format!(" (columns {} in another order than the first block's)", own_order.join(", ")),
            ),
        };
        let message = format!(
            "名单分 {count} 栏排列，每行左右各有学生：第 {0} 列按各栏自己的表头读入{order}，排在第 1 栏的学生之后，各自保留所在的\
             行号 (the list is printed in {count} blocks side by side, a pupil in each block of a row: columns {1} are \
             read by each block's own header{order_en}, after the first block's pupils, each at its own row)",
            further.join("、"),
            further.join(", "),
        );
        self.problem(file, sheet, map.row + 1, "", message);
        layout.blocks = blocks;
        layout
    }

    /// A row naming the name and ID number columns in other places than the table above reads them (a second
    /// class's table stacked under the first, 序号 | 身份证号码 | 姓名 under 姓名 | 身份证号码): the header of another
    /// table, whose rows are read by its own columns. Before, it was skipped as the header repeated, and the rows
    /// under it read by the first table's columns, a pupil's name taken for a phone and a sex for an ID number. A
    /// header repeated as it was (in each of its cells, or in its upper row's) is `None`, skipped as before.
    /// Right under a class's title (`titled`: 「三年级2班学生名单」, then 「学生姓名 | 性别 | 联系电话」), a pupils' header
    /// without an ID number column is its class's table too, its pupils flagged for the missing number as on a
    /// sheet without one: before, it was another table's header, and the pupils under it were skipped.
    fn other_table(
        &self,
        map: &HeaderMap,
        sheet: &Sheet,
        index: usize,
        row: &[Cell],
        titled: bool,
    ) -> Option<HeaderMap> {
        let columns = header::with_student_number(header::map_row(row, self.synonyms));
        let at_name = *columns.get(&Column::Name)?;
        let at_id = match columns.get(&Column::IdNumber) {
            Some(&at) => Some(at),
            // The staff's own header under a class's title is still the staff's (`staff_table`).
            None if titled
                && columns.len() > 1
                && !staff_table::staff_header(row)
                && !self.staff_header_unnumbered(row) =>
            {
                None
            }
            None => return None,
        };
        // A pupil named as a header word beside a number is a pupil.
        let digits =
            |at: usize| row.get(at).is_some_and(|c| c.text_ref().bytes().filter(u8::is_ascii_digit).nth(5).is_some());
        if at_id.is_some_and(digits) || digits(at_name) {
            return None;
        }
        let named_at = |r: usize, i: usize| match sheet.rows.get(r).and_then(|r| r.get(i)) {
            Some(Cell::Text(t)) => self.synonyms.column(t),
            _ => None,
        };
        let same = row.iter().enumerate().all(|(i, cell)| match cell {
            Cell::Text(t) => self.synonyms.column(t).is_none_or(|c| {
                map.columns.get(&c) == Some(&i) || named_at(map.row, i) == Some(c) || named_at(map.top, i) == Some(c)
            }),
            _ => true,
        });
        (!same).then(|| HeaderMap { row: index, top: index, columns, more_phones: Vec::new() })
    }

    fn ignored_headers(
        &mut self,
        file: &str,
        sheet: &Sheet,
        map: &HeaderMap,
        own_export: bool,
        (silent, hidden): (&[usize], &[usize]),
    ) {
        let Some(header_row) = sheet.rows.get(map.row) else { return };
        // The sheet's unknown headers, said together after the loop: the first few as they are, and how many.
        let (mut unknown, mut unknown_count): (Vec<(String, String)>, usize) = (Vec::new(), 0);
        for (i, cell) in header_row.iter().enumerate() {
            if silent.contains(&i) {
                // A status cell of canbao's own form, read as such, or a column its template writes for the agency.
                continue;
            }
            let word = cell.text();
            if own_export && self.synonyms.column(&word) == Some(Column::Note) {
                // Said once for the file (`other_paperwork`).
                continue;
            }
            // A header cell may be a pasted paragraph: quoted short, as the column it is said at.
            let shown = quoted(&word);
            if [Column::DisabilityGrade, Column::DisabilityKind].iter().any(|c| map.columns.get(c) == Some(&i)) {
                let message = format!(
                    "“{shown}”列导入学生名单时不使用：重度残疾人请写在人员类别中，或用 核对人员类别名单 读入 (“{shown}” is \
                     not used by a class list import: write 重度残疾人 in the category column, or reconcile the list with \
                     --source categories)"
                );
                self.problem(file, sheet, map.row + 1, &word, message);
                continue;
            }
            if map.columns.get(&Column::ValidUntil) == Some(&i) {
                let message = format!(
                    "“{shown}”列导入学生名单时不使用：证件有效期请用 核对人员类别名单 读入 (“{shown}” is not used by a \
                     class list import: reconcile the department's list with --source categories to read it)"
                );
                self.problem(file, sheet, map.row + 1, &word, message);
                continue;
            }
            if PAYMENT_COLUMNS.iter().any(|c| map.columns.get(c) == Some(&i)) {
                // The tax office's paid list read as a class list by mistake: its payments would be dropped
                // without a word, and its names would rename the pupils its numbers match.
                let message = format!(
                    "“{shown}”是缴费名单的列，导入学生名单时不使用；此文件若是税务缴费名单，请改用 核对税务缴费名单 \
                     （canbao reconcile 文件 --source tax）(“{shown}” is a payment list's column: a class list import \
                     does not use it; for the tax office's paid list use reconcile --source tax)"
                );
                self.problem(file, sheet, map.row + 1, &word, message);
                continue;
            }
            let read = map.columns.values().any(|&c| c == i) || map.more_phones.contains(&i);
            if !word.is_empty() && hidden.binary_search(&i).is_ok() && (read || self.synonyms.column(&word).is_some()) {
                // The operator counting the columns on screen does not see it: whether it was read is said.
                let letter = header::column_letter(i);
                let (at, at_en) = (self.hidden_in.zh(), self.hidden_in.en());
                let message = match read {
                    true => format!(
                        "第 {letter} 列“{shown}”{at}已隐藏，仍已导入 (column {letter} “{shown}” is hidden {at_en}: \
                         imported all the same)"
                    ),
                    false => format!(
                        "第 {letter} 列“{shown}”{at}已隐藏，未导入 (column {letter} “{shown}” is hidden {at_en}: \
                         not imported)"
                    ),
                };
                self.problem(file, sheet, map.row + 1, &word, message);
                continue;
            }
            if word.is_empty() || read || self.synonyms.is_own_column(&word) {
                continue;
            }
            if self.synonyms.column(&word).is_none() {
                unknown_count += 1;
                if unknown.len() < UNKNOWN_HEADERS_SHOWN {
                    let shown = shown.into_owned();
                    unknown.push((word, shown));
                }
                continue;
            }
            let message = format!(
                "表头“{shown}”与前面的列重复，此列未导入 (“{shown}” is a second column for the same field: ignored)"
            );
            self.problem(file, sheet, map.row + 1, &word, message);
        }
        // One line for the sheet, however many: a sheet of thousands of stray columns said them one line each,
        // and the rows' own problems (an ID number wrong) fell past the report's limit unsaid.
        let Some((word, _)) = unknown.first() else { return };
        let message = match unknown.as_slice() {
            [(_, shown)] => {
                format!(
                    "不认识的表头“{shown}”，此列未导入 (unknown header “{shown}”: column ignored; see data/headers.toml)"
                )
            }
            several => {
                let names: Vec<String> = several.iter().map(|(_, shown)| format!("“{shown}”")).collect();
                let (more, more_en) = match unknown_count {
                    n if n > several.len() => (format!("等 {n} 列"), format!(" and {} more", n - several.len())),
                    _ => (String::new(), String::new()),
                };
                format!(
                    "不认识的表头 {}{more}，这些列未导入 ({unknown_count} unknown headers, {}{more_en}: columns ignored; \
                     see data/headers.toml)",
                    names.join("、"),
                    names.join(", ")
                )
            }
        };
        let word = word.clone();
        self.problem(file, sheet, map.row + 1, &word, message);
    }

    /// Rows of the sheet just read that no class column, title or sheet name gave a class, said in one line:
    /// a new pupil among them is added without a class, which `check` lists, so it is never done silently.
    /// A list without a class column whose pupils take the class its file's name or its title names: said where
    /// it is read from (`written`), and which class it gave.
    fn class_given_said(
        &mut self,
        file: &str,
        (sheet, row): (&str, Option<usize>),
        source: ClassSource,
        written: &str,
        label: &str,
    ) {
        self.problem_at(file, sheet, row, "", class_given_message(source, written, label));
    }

    /// The class of a table stacked under another, without a class column of its own, and the line that says
    /// so at its header: the class a title over it names (`above`: its rows since the last pupil's); else the
    /// class the sheet's (or a lone sheet's file's) name gives (`named`), as that names the sheet's every table;
    /// else none. Never the first table's title's, which speaks of the first table. The line waits for the rows
    /// under the header to prove pupils (`HeldTable`): a staff table left out has no class to speak of.
    fn stacked_class(
        class_column: bool,
        above: &[Vec<Cell>],
        named: Option<&(ClassSource, String, String)>,
    ) -> (SheetClass, Option<String>) {
        if class_column {
            return (SheetClass::Unnamed, None);
        }
        if let Some((label, title)) = title_names_class(above, above.len()) {
            let message = class_given_message(ClassSource::Title, &title, &label);
            return (SheetClass::Named(label), Some(message));
        }
        if let Some((source, written, label)) = named {
            let message = class_given_message(*source, written, label);
            return (SheetClass::Named(label.clone()), Some(message));
        }
        let message = "此表没有班级列，上方的标题和工作表名称也没有写出班级：其下的学生没有班级，不沿用上面那张表的班级 \
                       (this table has no class column, and neither a title over it nor the sheet's name names a class: \
                       its pupils get no class, not the class of the table above)";
        (SheetClass::Unnamed, Some(message.to_owned()))
    }

    fn classless_said(
        &mut self,
        file: &str,
        sheet: &Sheet,
        sheet_class: &SheetClass,
        class_column: bool,
        header: &str,
    ) {
        let mut rows = std::mem::take(&mut self.classless);
        if rows.is_empty() {
            return;
        }
        // A row of a list side by side gives a pupil in each block: its number is said once.
        rows.sort_unstable();
        rows.dedup();
        let count = rows.len();
        let first: Vec<String> = rows.iter().take(5).map(usize::to_string).collect();
        let more = if count > 5 { " …" } else { "" };
        // Each language its own list comma: the English half is what an English screen shows.
        let (listed, listed_en) = (format!("{}{more}", first.join("、")), format!("{}{more}", first.join(", ")));
        let effect = "新学生导入后没有班级，名单中已有的学生保持原班级";
        let effect_en = "new pupils get no class, pupils already on the drive keep theirs";
        // "1 row (row 5) gives", "3 rows (rows 5, 6, 9) give": the English in the number of its count.
        let (rows_en, give, have) = match count {
            1 => (format!("1 row (row {listed_en})"), "gives", "has"),
            _ => (format!("{count} rows (rows {listed_en})"), "give", "have"),
        };
        let message = match sheet_class {
            SheetClass::Unassigned => format!(
                "工作表“{}”是未分班学生的名单：{count} 行（第 {listed} 行）不给出班级，{effect} \
                 (the list of pupils with no class: {rows_en} {give} no class; {effect_en})",
                sheet.name
            ),
            _ if class_column => format!(
                "{count} 行的班级为空（第 {listed} 行），{effect} ({rows_en} {have} an empty class; {effect_en})"
            ),
            // A CSV has no sheet: its file's name is what would name the class.
            _ if sheet.name.is_empty() => format!(
                "表中没有班级列，文件名和标题也没有写出班级：{count} 行（第 {listed} 行）没有班级，{effect}；\
                 请加上班级列，或把文件命名为班级（如 三年级2班.csv）(no class column, and neither the file's name nor \
                 the title names a class: {rows_en} {have} no class; {effect_en}; add a class \
                 column or name the file after its class, e.g. 三年级2班.csv)"
            ),
            _ => format!(
                "表中没有班级列，工作表名称“{}”和标题也没有写出班级：{count} 行（第 {listed} 行）没有班级，{effect}；\
                 请加上班级列，或把工作表命名为班级（如 三年级2班）(no class column, and neither the sheet name nor \
                 the title names a class: {rows_en} {have} no class; {effect_en}; add a class \
                 column or name the sheet after its class, e.g. 三年级2班)",
                sheet.name
            ),
        };
        // Empty cells of a class column are rows' problems, said at the first of them; a sheet that gives no
        // class at all is the whole sheet's.
        let row =
            if class_column && !matches!(sheet_class, SheetClass::Unassigned) { rows.first().copied() } else { None };
        self.problem_at(file, &sheet.name, row, header, message);
    }

    /// Rows of the sheet just read whose 年级 names a grade and whose 班级 is empty, said in one line at the first
    /// of them: the pupil is kept in the grade with no class (a class named after the grade, 「三年级」), which
    /// is a row left without a class all the same, and so never done silently.
    fn grade_only_said(&mut self, file: &str, sheet: &Sheet, header: &str) {
        let rows = std::mem::take(&mut self.grade_only);
        let Some(&first_row) = rows.first() else { return };
        let count = rows.len();
        let first: Vec<String> = rows.iter().take(5).map(usize::to_string).collect();
        let more = if count > 5 { " …" } else { "" };
        let (listed, listed_en) = (format!("{}{more}", first.join("、")), format!("{}{more}", first.join(", ")));
        let (rows_en, give) = match count {
            1 => (format!("1 row (row {listed_en})"), "gives"),
            _ => (format!("{count} rows (rows {listed_en})"), "give"),
        };
        let message = format!(
            "{count} 行只写了年级、班级为空（第 {listed} 行）：新学生按年级导入，没有分到班，名单中已在该年级某班的学生保持原班级；\
             请补上班级 ({rows_en} {give} a grade but no class: new pupils are added to the grade with no class, pupils \
             already in a class of that grade keep it; fill in the class)"
        );
        self.problem_at(file, &sheet.name, Some(first_row), header, message);
    }

    /// The rows of the table just read whose blank class cells were read down from the row above in their block
    /// (`FillDown`), said in one line for each column at the first of them, with the value each run took.
    fn fill_said(&mut self, file: &str, sheet: &Sheet, map: &HeaderMap) {
        let filled = std::mem::take(&mut self.fill.filled);
        for column in FILL_COLUMNS {
            let rows: Vec<&(Column, usize, String)> = filled.iter().filter(|(c, ..)| *c == column).collect();
            let Some(&&(_, first_row, _)) = rows.first() else { continue };
            // Runs of rows in a row that took one value: 第 3–4 行按“一年级”.
            let mut runs: Vec<(usize, usize, &str)> = Vec::new();
            for (_, row, text) in &rows {
                match runs.last_mut() {
                    Some((_, last, value)) if *last + 1 == *row && *value == text.as_str() => *last = *row,
                    _ => runs.push((*row, *row, text.as_str())),
                }
            }
            let span = |(from, to): (usize, usize)| match from == to {
                true => from.to_string(),
                false => format!("{from}–{to}"),
            };
            let more = if runs.len() > 5 { " …" } else { "" };
            let listed: Vec<String> =
                runs.iter().take(5).map(|&(f, t, v)| format!("第 {} 行按“{}”", span((f, t)), quoted(v))).collect();
            let listed_en: Vec<String> = runs
                .iter()
                .take(5)
                .map(|&(f, t, v)| {
                    format!("{} {} as “{}”", ["rows", "row"][usize::from(f == t)], span((f, t)), quoted(v))
                })
                .collect();
            let header = map.header_text(column, &sheet.rows);
            let count = rows.len();
            let (rows_en, have) = match count {
                1 => ("1 row".to_owned(), "has"),
                _ => (format!("{count} rows"), "have"),
            };
            let message = format!(
                "{count} 行的「{header}」为空，按上一行所写读入（同一段学生中）：{}{more}；合并单元格另存为 CSV 或取消合并后，\
                 只有每段的第一行写着，请核对 ({rows_en} {have} “{header}” empty, read as the row above in the same \
                 block of pupils: {}{more}; merged cells saved as CSV or unmerged keep their value in each block's first \
                 row only; check them)",
                listed.join("、"),
                listed_en.join(", ")
            );
            self.problem_at(file, &sheet.name, Some(first_row), &header, message);
        }
    }

    /// Rows of the table just read whose 年级 is blank and whose class cell names no grade (`grade_blank`), said in
    /// one line at the first of them: pupils of several grades may share such a class.
    fn grade_blank_said(&mut self, file: &str, sheet: &Sheet, map: &HeaderMap) {
        let rows = std::mem::take(&mut self.grade_blank);
        let Some((first_row, class)) = rows.first() else { return };
        let count = rows.len();
        let first: Vec<String> = rows.iter().take(5).map(|(r, _)| r.to_string()).collect();
        let more = if count > 5 { " …" } else { "" };
        let (listed, listed_en) = (format!("{}{more}", first.join("、")), format!("{}{more}", first.join(", ")));
        let (rows_en, have) = match count {
            1 => (format!("1 row (row {listed_en})"), "has"),
            _ => (format!("{count} rows (rows {listed_en})"), "have"),
        };
        let class = quoted(class);
        let message = format!(
            "{count} 行年级为空（第 {listed} 行），班级也没有写年级：学生导入到没有年级的班级（如“{class}”），不同年级的同名班会\
             并作一个；请补上年级 ({rows_en} {have} an empty grade and a class naming none: the pupils are imported into a \
             class of no grade, such as “{class}”, which pupils of different grades share; fill in the grade)"
        );
        let header = map.header_text(Column::Grade, &sheet.rows);
        self.problem_at(file, &sheet.name, Some(*first_row), &header, message);
    }

    /// The classes of the table just read that took the grade of the file's name (`grade_from_file`), and those
    /// left with none (`grade_unknown`), each said in one line at the first of their rows.
    fn grade_of_file_said(&mut self, file: &str, sheet: &Sheet, class_header: &str) {
        let classes = |rows: &[(usize, String)]| {
            let mut classes: Vec<&str> = Vec::new();
            for (_, class) in rows {
                if !classes.contains(&class.as_str()) {
                    classes.push(class);
                }
            }
            let more = if classes.len() > 5 { "…" } else { "" };
            let listed: Vec<String> = classes.iter().take(5).map(|c| format!("“{}”", quoted(c))).collect();
            (format!("{}{more}", listed.join("、")), format!("{}{more}", listed.join(", ")))
        };
        let from_file = std::mem::take(&mut self.grade_from_file);
        if let Some((first_row, _)) = from_file.first() {
            let (listed, listed_en) = classes(&from_file);
            let name = Path::new(file).file_name().map_or_else(|| file.into(), |n| n.to_string_lossy());
            let written = quoted(&name);
            let message = format!(
                "班级没有写年级：学生按文件名“{written}”中的年级导入到{listed}，请核对 (the classes name no grade: the \
                 pupils are imported into {listed_en}, by the grade the file's name “{written}” gives; check it)"
            );
            self.problem_at(file, &sheet.name, Some(*first_row), class_header, message);
        }
        let unknown = std::mem::take(&mut self.grade_unknown);
        if let Some((first_row, _)) = unknown.first() {
            let (listed, listed_en) = classes(&unknown);
            // A CSV has no sheet's name to look in.
            let (nowhere, nowhere_en) = match sheet.name.is_empty() {
                true => ("文件名和标题", "the file's name and the title"),
                false => ("工作表名称、标题和文件名", "the sheet's name, its title and the file's name"),
            };
            let message = format!(
                "班级{listed}没有写年级，{nowhere}也没有写：学生导入到{listed}，不同年级的同名班会并作一个，请核对年级 \
                 (the classes {listed_en} name no grade, nor do {nowhere_en}: the pupils are imported into \
                 {listed_en}, which pupils of different grades would share; check the grade)"
            );
            self.problem_at(file, &sheet.name, Some(*first_row), class_header, message);
        }
    }

    /// What applying a row did to a pupil already on the drive, said at its row: a pupil the list renamed
    /// (found by ID number, under another name), or moved to another class; a move to another school is
    /// counted, and said for the whole file at its end (`moves_said`).
    fn applied(&mut self, file: &str, sheet: &str, row_no: usize, id_header: &str, outcome: Option<IncomingOutcome>) {
        let moves = match outcome {
            Some(IncomingOutcome::MaskedUnmatched { fitting }) => {
                self.masked_left.push((file.into(), sheet.to_owned(), row_no, fitting));
                return;
            }
            Some(IncomingOutcome::OtherName { held, listed }) => {
                self.report.other_names += 1;
                self.other_name_rows.insert((file.into(), sheet.into(), row_no));
                let message = format!(
                    "身份证号码是在册学生“{held}”的，名单姓名却是“{listed}”，不像同一人：此行未导入，{held} 的姓名、班级、缴费\
                     均未改动；请核对名单上的身份证号码。若确是同一人改了名，请在学生详情中按 E 更正姓名；要按名单改名，核对后\
                     在命令行用 canbao import --rename-by-id 重新导入 (the ID number is that of {held}, on the drive, but \
                     the list names {listed}, not plausibly the same child: row not imported, and {held}'s name, class and \
                     payment are unchanged; check the number on the list. If the child was really renamed, correct the \
                     name in the detail screen with E; to take the list's names, once checked, import it again on the \
                     command line with canbao import --rename-by-id)"
                );
                let said = self.report.problems.len();
                self.problem_in(file, sheet, row_no, id_header, message);
                // Its words are a preview's already ("此行未导入", nothing changed): unless a name brings a phrase of
                // `TENSES`, a dry run has nothing to reword in it (at 500k pupils a batch draws hundreds).
                if self.said_as_preview
                    && !may_hold_a_tense(&held)
                    && !may_hold_a_tense(&listed)
                    && let Some(p) = self.report.problems.get_mut(said)
                {
                    p.previewed = true;
                }
                return;
            }
            Some(IncomingOutcome::UnnumberedOfSeveral) => {
                self.report.unnumbered_left_out += 1;
                self.unnumbered_left_rows.insert((file.into(), sheet.into(), row_no));
                let message = "证件号码留空，本班已有不止一名同名学生，无法确定是哪一位：此行未导入，这些学生均未改动；\
                     请在名单上填写此行的身份证号码，再导入 (no ID number, and the drive holds more than one pupil of this \
                     name in this class: which one the row is cannot be told, so the row was not imported and they are \
                     unchanged; write the row's ID number on the list and import it again)";
                self.problem_in(file, sheet, row_no, id_header, message.to_owned());
                return;
            }
            Some(IncomingOutcome::Updated(moves) | IncomingOutcome::Kept(moves)) => moves,
            _ => return,
        };
        let Moves {
            renamed,
            school,
            class,
            name,
            old_number,
            whole_number,
            mistyped_number,
            former_name,
            corrected_number,
            number_restored,
            kept,
            over_corrections,
            returned,
            // Said in place of the row's empty number (`said_of_applied`).
            number_to_check: _,
            number_kept,
            // Said in place of the row's flagged number (`said_of_applied`).
            flagged_alike: _,
            old_form_of_valid,
            // Said at the row without a number that was the pupil (`pairing_said`).
            unnumbered_taken: _,
            phone_not_taken,
            phone_filled,
            personal_not_taken,
            personal_filled,
            sex_replaced,
        } = *moves;
        // As the phone's below, the values unquoted: an address is personal data, shown on the detail screen only.
        let fields_named = |fields: &[crate::store::Field]| {
            let zh: Vec<&str> = fields.iter().map(|f| f.label_zh()).collect();
            let en: Vec<&str> = fields.iter().map(|f| field_in_english(*f)).collect();
            (zh.join("、"), en.join(" and "))
        };
        if !personal_filled.is_empty() {
            let (zh, en) = fields_named(&personal_filled);
            let message = format!(
                "此行没有身份证号码，按姓名和班级视为 {name}，该学生没有{zh}：已按此行补入；若是另一名同名学生，请改回后填写其\
                 身份证号码再导入 (no ID number: taken as {name} by name and class, who had no {en}: this row's was \
                 filled in; if this is another child of the same name, undo it, write the child's ID number on the \
                 list and import it again)"
            );
            self.problem_in(file, sheet, row_no, id_header, message);
        }
        if !personal_not_taken.is_empty() {
            let (zh, en) = fields_named(&personal_not_taken);
            let message = format!(
                "此行没有身份证号码，按姓名和班级视为 {name}，但{zh}与该学生的不同：未改；若是另一名同名学生，请填写其身份证\
                 号码后再导入 (no ID number: taken as {name} by name and class, but its {en} differs from the \
                 pupil's: not changed; if this is another child of the same name, write the child's ID number on \
                 the list and import it again)"
            );
            self.problem_in(file, sheet, row_no, id_header, message);
        }
        if let Some(list) = phone_filled {
            let list = quoted(&list);
            let message = format!(
                "此行没有身份证号码，按姓名和班级视为 {name}，该学生没有联系电话：此行的“{list}”已补入；若是另一名同名\
                 学生，请改回后填写其身份证号码再导入 (no ID number: taken as {name} by name and class, who had no \
                 phone: this row's {list} was filled in; if this is another child of the same name, undo it, write \
                 the child's ID number on the list and import it again)"
            );
            self.problem_in(file, sheet, row_no, id_header, message);
        }
        if let Some((list, held)) = phone_not_taken {
            let (list, held) = (quoted(&list), quoted(&held));
            let message = format!(
                "此行没有身份证号码，按姓名和班级视为 {name}，但联系电话“{list}”与该学生的“{held}”不同：联系电话未改；若是另一名同名\
                 学生，请填写其身份证号码后再导入 (no ID number: taken as {name} by name and class, but its phone {list} \
                 differs from the pupil's {held}: the phone was not changed; if this is another child of the same \
                 name, write the child's ID number on the list and import it again)"
            );
            self.problem_in(file, sheet, row_no, id_header, message);
        }
        if let Some(held) = number_kept {
            let held = id_number::mask(&held);
            let message = format!(
                "证件号码留空，按姓名和班级即本班已有的 {name}（{held}）：即此学生，身份证号码不变，未新增 (no ID \
                 number: by name and class the row is {name} of this class, held with {held}: taken as that pupil, \
                 the number kept, not added again)"
            );
            self.problem_in(file, sheet, row_no, id_header, message);
        }
        if let Some((from, to)) = corrected_number {
            let message = if from == to {
                // Held flagged as rounded, the number given in full as text: nothing corrected, only confirmed.
                let shown = id_number::mask(&to);
                format!(
                    "{name} 的身份证号码 {shown} 已按名单核实（以文本给出，校验位无误），不再标记为被表格四舍五入 (ID \
                     number {shown} confirmed as the list gives it in full, its check digit right: no longer flagged \
                     as rounded)"
                )
            } else if from.is_empty() {
                let to = id_number::mask(&to);
                format!(
                    "{name} 原无身份证号码，已按名单填为 {to} (this pupil had no ID number: {to} filled in as the \
                     list gives it)"
                )
            } else {
                let (from, to, changed_zh, changed_en) = masked_correction(&from, &to);
                format!(
                    "{name} 的身份证号码由 {from} 更正为 {to}{changed_zh}（按名单）(ID number corrected from {from} to \
                     {to}{changed_en} as the list gives it)"
                )
            };
            self.problem_in(file, sheet, row_no, id_header, message);
        }
        if let Some(stated) = sex_replaced {
            let (stated_zh, stated_en, number_zh, number_en) = match stated {
                Sex::Male => ("男", "male", "女", "female"),
                Sex::Female => ("女", "female", "男", "male"),
            };
            let message = format!(
                "{name} 原无有效身份证号码，名单写明性别“{stated_zh}”，现名单给出的号码却是{number_zh}性的：性别已按号码改为\
                 “{number_zh}”，请核对号码是否为本人的 ({name} had no valid ID number and was {stated_en} as a list \
                 stated, but the number now given is a {number_en}'s: the sex is now the number's; check that the \
                 number is the child's own)"
            );
            self.problem_in(file, sheet, row_no, id_header, message);
        }
        if let Some((from, to)) = number_restored {
            let (from_zh, from_en) = id_number::mask_zh_en(&from);
            let to = id_number::mask(&to);
            let message = format!(
                "{name} 的身份证号码曾在本机改为 {from_zh}（未通过校验），名单给出改动前的有效号码 {to}，已改回 \
                 ({name}'s ID number was changed on this drive to {from_en}, which fails the check; the list gives \
                 the valid number it had before, {to}, which was put back)"
            );
            self.problem_in(file, sheet, row_no, id_header, message);
        }
        if let Some((_, held)) = old_number {
            let (held_zh, held) = id_number::mask_zh_en(&held);
            self.problem_in(
                file,
                sheet,
                row_no,
                id_header,
                format!(
                    "名单中的旧身份证号码已更正为 {held_zh}：此行即已更正号码的 {name}，未再新增 (the list still gives \
                     this pupil's old ID number, corrected on this drive to {held}: the row is that pupil, not added \
                     again)"
                ),
            );
        }
        if let Some((_, held)) = old_form_of_valid {
            let shown = id_number::mask(&held);
            self.problem_in(
                file,
                sheet,
                row_no,
                id_header,
                format!(
                    "此行为15位旧身份证号码，按姓名、学校和班级即已登记 18 位号码 {shown} 的 {name}：未新增，号码不变 (an old \
                     15-digit ID number: by name, school and class the row is {name}, held with the 18-character \
                     {shown}; not added, the number kept)"
                ),
            );
        }
        if let Some((typed, held)) = mistyped_number {
            let shown = id_number::mask(&held);
            let (zh, en) = if typed.len() == 18 && typed.get(..17) == held.get(..17) {
                ("身份证号码校验位有误".to_owned(), "the ID number's check character is wrong".to_owned())
            } else if typed.len() != held.len() {
                let n = typed.chars().count();
                (
                    format!("身份证号码为 {n} 位，与已登记的号码前 17 位相同"),
                    format!("the ID number has {n} characters, the first 17 those of the number held"),
                )
            } else {
                let places = id_number::changed_places(&typed, &held);
                (
                    format!("身份证号码有误，与同班同名学生已登记的号码只有第 {} 位不同", places.join("、")),
                    format!(
                        "the ID number is wrong, and differs from the number held by the pupil of this name and class only at character {}",
                        places.join(", ")
                    ),
                )
            };
            self.problem_in(
                file,
                sheet,
                row_no,
                id_header,
                format!(
                    "{zh}，按已登记的 {shown} 处理：此行即 {name}，未新增，号码不变 ({en}: taken as {name}, held with \
                     {shown}; not added, the number kept)"
                ),
            );
        }
        if let Some(former) = &former_name {
            let former = quoted(former);
            let message = if whole_number.is_some() {
                format!(
                    "身份证号码曾被表格当作数字保存，15 位之后的数字已丢失；名单中的“{former}”是改名前的姓名：此行即持有完整号码的 \
                     {name}，未新增，号码和姓名不变，无需向家长核对；{RETYPE_AS_TEXT_ZH} (the ID number was stored as a \
                     number by a spreadsheet and lost its digits after the 15th; the list gives the name {former} had \
                     before a rename: the row is {name}, who holds the whole number: not added, the number and the name \
                     kept, nobody to ask; {RETYPE_AS_TEXT_EN})"
                )
            } else {
                format!(
                    "名单中的“{former}”是改名前的姓名，号码同为表格四舍五入后的号码：此行即 {name}，未新增，姓名不变 (the \
                     list gives the name before a rename, and the same rounded number: the row is {name}, not added, \
                     the name kept)"
                )
            };
            self.problem_in(file, sheet, row_no, id_header, message);
        } else if whole_number.is_some() {
            // The same words row after row, so a class list of such numbers is said in runs of rows.
            self.problem_in(
                file,
                sheet,
                row_no,
                id_header,
                format!(
                    "身份证号码曾被表格当作数字保存，15 位之后的数字已丢失；此行即持有完整号码的同名学生，未新增，号码不变，\
                     无需向家长核对；{RETYPE_AS_TEXT_ZH} (the ID number was stored as a number by a spreadsheet and \
                     lost its digits after the 15th; the row is the pupil of this name who holds the whole number: \
                     not added, the number kept, nobody to ask; {RETYPE_AS_TEXT_EN})"
                ),
            );
        }
        for k in kept {
            let (field, field_en) = (k.field.label_zh(), field_in_english(k.field));
            let (list, held) = (quoted(&k.list), quoted(&k.held));
            self.problem_in(
                file,
                sheet,
                row_no,
                "",
                format!(
                    "保留了操作员的更正：名单中 {name} 的{field}仍是“{list}”，即操作员已更正掉的旧值，保持为“{held}” \
                     (the operator's correction kept: the list still gives this pupil's {field_en} as {list}, the \
                     value the operator corrected; it stays {held})"
                ),
            );
        }
        for field in over_corrections {
            let (field_zh, field_en) = (field.label_zh(), field_in_english(field));
            self.problem_in(
                file,
                sheet,
                row_no,
                "",
                format!(
                    "{name} 的{field_zh}是操作员更正过的，名单给出了另一个值，已按名单更新，请核对 (the operator had \
                     corrected this pupil's {field_en}; the list gives another value, which was taken: check it)"
                ),
            );
        }
        if let Some((from, to)) = school {
            self.report.moved_school += 1;
            let schools = &mut self.moves.schools;
            let index = match schools.iter().position(|m| m.from == from && m.to == to) {
                Some(index) => index,
                None => {
                    schools.push(SchoolMove { from, to, count: 0, examples: Vec::new() });
                    schools.len() - 1
                }
            };
            if let Some(seen) = schools.get_mut(index) {
                seen.count += 1;
                if seen.examples.len() < SCHOOL_EXAMPLES {
                    seen.examples.push((sheet.to_owned(), row_no, name.clone()));
                }
            }
        }
        if let Some((from, to)) = &class {
            self.grade_up.class_moved(&name, from, to);
        }
        if let Some((from, to)) = &class
            && a_grade_down(from, to)
        {
            self.moves.down += 1;
            if self.moves.down_example.is_none() {
                self.moves.down_example = Some((name.clone(), from.clone(), to.clone()));
            }
        }
        if let Some((from, to)) = class.as_ref().filter(|_| returned) {
            self.report.returned += 1;
            if self.moves.returned_said < MOVES_SAID {
                self.moves.returned_said += 1;
                let message = format!(
                    "{name} 往年已离校（{from}），今年的名单又列入：已回到“{to}”，不再是已离校，请核对 ({name} left \
                     before this year ({from}) and this year's list names them again: back in class {to} as a \
                     returning pupil, no longer marked left; check it before exporting)"
                );
                self.problem_in(file, sheet, row_no, "", message);
            } else {
                self.moves.returned_more += 1;
            }
        } else if let Some((from, to)) = class {
            // The same class in another spelling (the drive held it two ways) is no move, but is still a change.
            if ClassKey::parse(&from) == ClassKey::parse(&to) {
                self.report.respelled_class += 1;
                if self.moves.respelled_said < MOVES_SAID {
                    self.moves.respelled_said += 1;
                    let message = format!(
                        "{name} 的班级“{from}”改按“{to}”书写（同一班级，数据文件中原有两种写法）(the class of \
                         {name}, written {from}, is now written {to}: the same class, which the drive held two ways)"
                    );
                    self.problem_in(file, sheet, row_no, "", message);
                } else {
                    self.moves.respelled_more += 1;
                }
            } else {
                self.report.moved_class += 1;
                if self.moves.classes_said < MOVES_SAID {
                    self.moves.classes_said += 1;
                    let message = format!(
                        "{name} 由“{from}”调到“{to}”，请核对 (the list moves {name} from class {from} to \
                         {to}; check it before exporting)"
                    );
                    self.problem_in(file, sheet, row_no, "", message);
                } else {
                    self.moves.classes_more += 1;
                }
            }
        }
        if let Some((from, to)) = renamed {
            self.problem_in(
                file,
                sheet,
                row_no,
                "",
                format!(
                    "身份证号码相同的学生原名“{from}”，已按名单改为“{to}”；若不是同一人，请在学生详情中按 E 更正 \
                     (the pupil with this ID number was named {from}: renamed {to} as the list says; if this is \
                     not the same child, correct it in the detail screen with E)"
                ),
            );
        }
    }

    /// What each later row's phone handed to the pupil of its first row did (`filled`, in the order handed), said at
    /// the later row.
    fn phones_filled_said(&mut self, filled: &[PhoneFilled]) {
        let handed = std::mem::take(&mut self.phones_handed);
        for (h, filled) in handed.iter().zip(filled.iter().map(Some).chain(std::iter::repeat(None))) {
            let phone = quoted(&h.phone);
            let (at, at_en) = &h.place;
            let message = match filled {
                Some(PhoneFilled::Taken) => format!(
                    "此行的联系电话“{phone}”，{at}没有：已补入该学生 (this row's phone “{phone}”, which {at_en} lacks, \
                     was taken for the pupil)"
                ),
                Some(PhoneFilled::Held) => format!(
                    "此行的联系电话“{phone}”，{at}没有：该学生已是此号码，未改 (this row's phone “{phone}”, which \
                     {at_en} lacks, is the pupil's already: unchanged)"
                ),
                Some(PhoneFilled::Kept(held)) => {
                    let held = quoted(held);
                    format!(
                        "此行的联系电话“{phone}”，{at}没有；该学生已有联系电话“{held}”，保留原号码，此行的未导入，请核对 \
                         (this row's phone “{phone}”, which {at_en} lacks: the pupil holds the phone “{held}”, which \
                         was kept, and this row's was not taken: check it)"
                    )
                }
                Some(PhoneFilled::NoPupil) | None => format!(
                    "此行的联系电话“{phone}”未导入：没有持此身份证号码的在册学生 (this row's phone “{phone}” was not \
                     taken: no pupil holds this ID number)"
                ),
            };
            self.problem_in(&h.file, &h.sheet, h.row, &h.header, message);
        }
    }

    /// The file just read: its counts kept for what is said of its masked rows at the import's end.
    fn masked_file_read(&mut self, file: &str) {
        let masked = std::mem::take(&mut self.masked);
        self.masked_files.push((file.into(), masked));
    }

    /// The masked rows held (`HeldMasked`), once every file is read: a row of the import of the name, school and
    /// class whose whole number fits the mask makes one a repeat of it, said so; the others are applied as read.
    fn masked_settled(&mut self, sink: &mut Sink) -> Result<(), ImportError> {
        let held = std::mem::take(&mut self.masked_held);
        if held.is_empty() {
            return Ok(());
        }
        // What the rows handed did first: a row refused for another name is no child of a mask.
        self.said_of_rows_applied();
        for h in held {
            let now = std::mem::replace(&mut self.report.rows_read, h.rows_read);
            if let Some((index, number)) = self.masked_of_import(&h.incoming).filter(|(index, _)| {
                self.first.seen_at(*index).is_some_and(|seen| {
                    !self.other_name_rows.contains(&(seen.file.into(), seen.sheet.into(), seen.row))
                })
            }) {
                let place = self.first.seen_at(index).map(|s| s.place((&h.file, &h.sheet))).unwrap_or_default();
                self.report.duplicates += 1;
                self.problem_in(&h.file, &h.sheet, h.row_no, &h.id_header, masked_same_child(&place, &number));
                let at = (h.row_no, &*h.phone_header);
                self.masked_phone(&h.file, &h.sheet, at, h.incoming.clone(), (index, &number), sink)?;
            } else {
                let incoming = h.incoming.clone();
                let deferred = h.status_columns.is_none();
                self.hand_row(h.as_row(), incoming, deferred, sink)?;
            }
            self.report.rows_read = now;
        }
        self.said_of_rows_applied();
        Ok(())
    }

    /// The phone of a masked row that is the child of the import's row at `first` giving the whole `number`: as
    /// when imported on its own, it fills the pupil's empty phone (handed as `RepeatGives::Phone` under the whole
    /// number, said once taken), and another phone than the one the first row gave is said, the first kept.
    fn masked_phone(
        &mut self,
        file: &str,
        sheet: &str,
        (row_no, header): (usize, &str),
        incoming: Incoming,
        (first, number): (u32, &str),
        sink: &mut Sink,
    ) -> Result<(), StoreError> {
        // Only an import applies it; a plan keeps the rows that are pupils.
        if incoming.phone.is_empty() || !(self.row_by_row || self.ahead.is_some()) {
            return Ok(());
        }
        let Some(seen) = self.first.seen_at(first) else { return Ok(()) };
        let (held, place) = (seen.phone.to_owned(), seen.place((file, sheet)));
        if held == incoming.phone {
            return Ok(());
        }
        if !held.is_empty() {
            let (held, phone, (at, at_en)) = (quoted(&held), quoted(&incoming.phone), place);
            let message = format!(
                "此行的联系电话“{phone}”与{at}的“{held}”不同：保留{at}的号码，此行的未导入，请核对 (this row's phone \
                 “{phone}” differs from {at_en}'s “{held}”: {at_en}'s was kept and this row's not taken; check it)"
            );
            self.problem_in(file, sheet, row_no, header, message);
            return Ok(());
        }
        self.first.fill_phone(first, &incoming.phone);
        self.phones_handed.push(PhoneHanded {
            file: file.into(),
            sheet: sheet.into(),
            row: row_no,
            header: header.into(),
            phone: incoming.phone.as_str().into(),
            place,
        });
        let id = id_number::check(number, self.today);
        let row = Incoming { id, repeat: Some(RepeatGives::Phone), ..incoming };
        match self.ahead.as_mut() {
            Some(ahead) => ahead.hand(row, false)?,
            None => {
                sink(row)?;
            }
        }
        Ok(())
    }

    /// The masked rows of the import that fitted no single pupil: each said at its row, or, when every row of a
    /// file was masked and none fitted, the file in one line (no sheet, no row).
    fn masked_left_out(&mut self) {
        let left = std::mem::take(&mut self.masked_left);
        self.report.masked_left_out += left.len();
        for (file, masked) in std::mem::take(&mut self.masked_files) {
            let left_out: Vec<(String, usize, usize)> = left
                .iter()
                .filter(|(f, ..)| *f == file)
                .map(|(_, sheet, row, fitting)| (sheet.clone(), *row, *fitting))
                .collect();
            self.masked_left_of_file(&file, &masked, left_out);
        }
    }

    fn masked_left_of_file(&mut self, file: &str, masked: &Masked, left_out: Vec<(String, usize, usize)>) {
        if left_out.is_empty() {
            return;
        }
        if left_out.len() == masked.rows && masked.masked == masked.rows {
            let message = format!(
                "这是打码导出的表格：{n} 行的身份证号码都已打码，没有一行能对应到已有的学生，均未导入；请用未打码的名单 \
                 (a masked export: all {n} rows have masked ID numbers and none matches a pupil on the drive, so \
                 none was imported; use a list that is not masked)",
                n = masked.rows
            );
            self.problem_at(file, "", None, "", message);
            return;
        }
        for (sheet, row, fitting) in left_out {
            let (why, why_en) = if fitting == 0 {
                (
                    "没有姓名、班级相同且号码与未打码的各位相符的学生",
                    "no pupil of this name and class has a number matching the digits left unmasked",
                )
            } else {
                (
                    "有多名姓名、班级相同且号码与未打码的各位相符的学生",
                    "several pupils of this name and class have numbers matching the digits left unmasked",
                )
            };
            let message = format!(
                "身份证号码已打码，无法导入；请用未打码的名单（{why}，此行未导入） \
                 (the ID number is masked and cannot be imported; use a list that is not masked ({why_en}: row not \
                 imported))"
            );
            self.problem_at(file, &sheet, Some(row), "", message);
        }
    }

    /// A problem at a row of a sheet.
    fn problem(&mut self, file: &str, sheet: &Sheet, row: usize, column: &str, message: String) {
        self.problem_keyed(file, &sheet.name, row, column, message, (RunKey::Message, ProblemKind::List));
    }

    /// `problem`, by the sheet's name.
    fn problem_in(&mut self, file: &str, sheet: &str, row: usize, column: &str, message: String) {
        self.problem_keyed(file, sheet, row, column, message, (RunKey::Message, ProblemKind::List));
    }

    /// A problem at a row, said once for a run of consecutive rows with the same problem (`key`) of one kind,
    /// and only counted past [`PROBLEMS_LISTED`].
    fn problem_keyed(
        &mut self,
        file: &str,
        sheet: &str,
        row: usize,
        column: &str,
        message: String,
        (key, kind): (RunKey, ProblemKind),
    ) {
        self.said_of_rows_applied();
        let message = shown_text(message);
        let column = quoted(column);
        {
            let runs = &mut self.runs;
            let read = self.report.rows_read;
            if read != runs.rows_read {
                let ended = if read == runs.rows_read + 1 {
                    std::mem::replace(&mut runs.previous, std::mem::take(&mut runs.current))
                } else {
                    let mut ended = std::mem::take(&mut runs.previous);
                    ended.append(&mut runs.current);
                    ended
                };
                runs.rows_read = read;
                for run in &ended {
                    self.run_said(run);
                }
            }
            let problems = &self.report.problems;
            let continued = self.runs.previous.iter().position(|run| {
                problems.get(run.problem).is_some_and(|p| {
                    run.key == key
                        && p.kind == kind
                        && p.sheet == sheet
                        && p.file == file
                        && p.column == column
                        && (key != RunKey::Message || p.message == message)
                })
            });
            if let Some(at) = continued {
                let mut run = self.runs.previous.swap_remove(at);
                run.count += 1;
                if let Some(p) = self.report.problems.get_mut(run.problem) {
                    p.last_row = Some(row);
                    p.rows = Some(run.count);
                }
                self.runs.current.push(run);
                return;
            }
        }
        if self.report.problems.len() >= PROBLEMS_LISTED {
            self.unlisted += 1;
            return;
        }
        self.runs.current.push(OpenRun { problem: self.report.problems.len(), key, count: 1 });
        self.report.problems.push(Problem {
            file: file.to_owned(),
            sheet: sheet.to_owned(),
            row: Some(row),
            column: column.into_owned(),
            message,
            kind,
            ..Problem::default()
        });
    }

    /// A problem about a whole sheet or file (`row` `None`), or at a row outside any run of rows.
    /// A CSV's last line cut off mid-record (`table::Unended`): left out, as the pupil it would add is half
    /// written and the whole one comes with the file once it is complete.
    /// A line with all its cells whose last cell looks cut (`cut_line`) is said with that cell and its header.
    fn cut_off_said(&mut self, file: &str, sheet: &str, row: usize, cell: Option<(&str, String)>) {
        let Some((header, cell)) = cell else {
            let message = "文件最后一行不完整，可能仍在复制或保存中；该行未导入，请等文件完整后再导入 (the file's last \
                           line is incomplete, maybe still being copied or saved: that row was not imported; import \
                           the file again once it is complete)";
            self.problem_at(file, sheet, Some(row), "", message.to_owned());
            return;
        };
        let message = cut_cell_message(&quoted(&cell), ("未导入", "imported"), ("导入", "import"));
        self.problem_at(file, sheet, Some(row), header, message);
    }

    /// canbao's own signature line, met at the foot of its block: skipped, and named at its row as every row
    /// skipped is, so the rows the report counts skipped are the rows it names.
    fn own_sign_ends(&mut self) {
        if let Some(sign) = self.own_sign.take() {
            let message =
                "canbao 表格自带的签字行，不是学生，已跳过 (a signature line of canbao's own form, not a pupil: \
                           skipped)"
                    .to_owned();
            self.problem_at(&sign.file, &sign.sheet, Some(sign.row), "", message);
        }
    }

    fn problem_at(&mut self, file: &str, sheet: &str, row: Option<usize>, column: &str, message: String) {
        self.problem_of_kind(file, sheet, row, column, message, ProblemKind::List);
    }

    /// `problem_at`, of the kind given.
    fn problem_of_kind(
        &mut self,
        file: &str,
        sheet: &str,
        row: Option<usize>,
        column: &str,
        message: String,
        kind: ProblemKind,
    ) {
        self.said_of_rows_applied();
        let message = shown_text(message);
        if self.report.problems.len() >= PROBLEMS_LISTED {
            self.unlisted += 1;
            return;
        }
        self.report.problems.push(Problem {
            file: file.to_owned(),
            sheet: sheet.to_owned(),
            row,
            column: quoted(column).into_owned(),
            message,
            kind,
            ..Problem::default()
        });
    }

    #[expect(clippy::too_many_arguments, reason = "one row's whole context; a struct would only rename it")]
    fn read_row(
        &mut self,
        file: &str,
        sheet: &Sheet,
        map: &HeaderMap,
        (index, place): (usize, u32),
        row: &[Cell],
        (sheet_school, default_school): (Option<&str>, &str),
        school_forced: bool,
        (sheet_class, sheet_grade): (Option<&str>, Option<&str>),
        status_columns: Option<&[StatusColumn]>,
        sink: &mut Sink,
    ) -> Result<(), StoreError> {
        if row.iter().all(Cell::is_empty) {
            self.fill.spacer_row();
            return Ok(());
        }
        let row_no = index + 1;
        self.report.rows_read += 1;
        let header_of = |c: Column| map.header_text(c, &sheet.rows);
        // Checked before anything reads the row: an overlong cell is never cleaned, keyed or stored. One the
        // pupil is known by (the name, the ID number) leaves the row out; any other is left empty.
        let emptied: Vec<Cell>;
        let row = match overlong_cells(sheet, map, row, self.synonyms) {
            Overlong::None => row,
            Overlong::Key(header, message) => {
                self.report.skipped += 1;
                self.overlong_left_out += 1;
                self.problem(file, sheet, row_no, &header, message);
                return Ok(());
            }
            Overlong::Others(cells) => {
                let mut kept = row.to_vec();
                for (at, header, message) in cells {
                    kept[at] = Cell::Empty;
                    self.problem(file, sheet, row_no, &header, message);
                }
                emptied = kept;
                &emptied
            }
        };
        // A valid number where the name goes, beside a name (or nothing) where the number goes: the two cells typed
        // into each other's column, read put right and said, never a row said to hold neither.
        // Said once the row is known to be imported: a row then left out (a staff table's, a footer) is said by
        // that alone, where it read both imported without its name and skipped.
        let swapped: Vec<Cell>;
        let mut swap_said = None;
        // A pupil typed into 添加学生 comes as a one-row list the operator never saw: what is said of the swap
        // names no file nor row, and asks to check what was typed.
        let typed = file == super::one_pupil::FILE_NAME;
        // Borrowed from the row, each cell cleaned once however often the row's reading asks for it: only what
        // the pupil keeps is copied. Made anew only for a row whose cells are changed (swapped, filled down).
        let mut texts = RowTexts::new(row);
        let row = match self.name_and_id_swapped(map, row, typed, &texts) {
            Some((cells, message)) => {
                swap_said = Some(message);
                swapped = cells;
                texts = RowTexts::new(&swapped);
                &swapped
            }
            None => row,
        };
        let name_cell = map.get(Column::Name, row);
        if row.iter().any(|c| matches!(c, Cell::Unevaluated(_))) {
            self.unevaluated(file, sheet, map, row_no, row);
        }
        let text = |c: Column| texts.of(map, c).filter(|t| !t.is_empty()).map(std::borrow::Cow::Borrowed);
        let name = text(Column::Name).map(|n| clean_name(&n)).unwrap_or_default();
        let no_id = Cell::Empty;
        let id_cell = map.get(Column::IdNumber, row).unwrap_or(&no_id);
        // Cleaned once: the skip test, the stored raw text and the check all read it.
        let mut id_raw = texts.of(map, Column::IdNumber).map(str::to_owned).unwrap_or_default();
        // A 全国学籍号 (G and the pupil's ID number) in the ID column, or in a 学籍号 column beside an empty ID cell:
        // the ID number without the G, said at the row, where before the G was an illegal character.
        let from_student_number = match (trim(&id_raw).is_empty(), map.get(Column::StudentNumber, row)) {
            (true, Some(cell)) => id_in_student_number(&cell.text(), self.today).map(|id| (id, Column::StudentNumber)),
            _ => id_in_student_number(&id_raw, self.today).map(|id| (id, Column::IdNumber)),
        };
        if let Some((id, _)) = &from_student_number {
            id_raw = id.clone();
        }
        // Under another table's header, a row is that table's until one holds an ID number.
        if let Some((header_row, header)) = &self.table_below {
            let mapped = header::map_row(row, self.synonyms);
            let pupils_header = mapped.contains_key(&Column::Name) && mapped.contains_key(&Column::IdNumber);
            // A class's title under the other table (「三年级2班」 under the teachers' 「班主任 | 联系电话」) starts that
            // class's rows: before, it was skipped as the other table's, and the pupils under it lost their class.
            let title = trim(&id_raw).is_empty() && class_heading(map, row).is_some();
            if id_shaped(id_cell, &id_raw) || holds_id_number(row, self.today) || pupils_header || title {
                self.table_below = None;
            } else {
                let (header_row, header) = (*header_row, quoted(header).into_owned());
                let message = format!(
                    "此行在另一张表之下（第 {header_row} 行的表头“{header}”），不是学生，已跳过：{0} (the row is under \
                     another table's header, “{header}” in row {header_row}: not a pupil, skipped: {0})",
                    row_text(row)
                );
                self.report.skipped += 1;
                self.problem(file, sheet, row_no, "", message);
                return Ok(());
            }
        }
        if let Some(header_row) = self.staff_proved_pupils
            && child_born(id_cell, self.today) == Some(false)
        {
            let message = format!(
                "此行在第 {header_row} 行教职工表头之下，身份证号码是成年人的，是教职工，不是学生，已跳过：{0} (the row is \
                 under the staff header in row {header_row} and its ID number is an adult's: staff, not a pupil, \
                 skipped: {0})",
                row_text(row)
            );
            self.report.skipped += 1;
            self.problem(file, sheet, row_no, "", message);
            return Ok(());
        }
        if let Some(message) = self.staff_row(sheet, map, row, &texts) {
            self.report.skipped += 1;
            self.problem(file, sheet, row_no, "", message);
            return Ok(());
        }
        // The class the rows above gave the block, which a row naming another ends (`other_class_note`).
        let block_class = match &self.heading {
            Some(h) if h.unsure.is_none() => Some(h.label.as_str()),
            Some(_) => None,
            None => sheet_class,
        };
        let mut kind = self.row_kind(map, (row, &texts), &name, id_cell, &id_raw, block_class);
        // 二年级 alone in the 年级 cell over its pupils, whose 年级 cells are left blank: it heads their block.
        let heads = match kind {
            RowKind::Nameless(_) => self.fill.heads_block(map, row),
            _ => None,
        };
        if let Some(shown) = heads {
            // Worded for what the row writes: a grade alone (二年级), or a class (2班, 三年级2班).
            let class_written = [Column::Class, Column::GradeClass]
                .iter()
                .any(|c| map.columns.get(c).is_some_and(|&at| row.get(at).is_some_and(|cell| !cell.is_empty())));
            let (what, what_en) = if class_written { ("班级", "class") } else { ("年级", "grade") };
            let shown = quoted(&shown);
            kind = RowKind::Skipped(format!(
                "{what}标题行“{shown}”，不是学生，已跳过；其下各行空着的年级、班级按它读入 (a {what_en} heading row, \
                 “{shown}”, not a pupil: skipped; the rows under it with their grade or class blank are read as it)"
            ));
        } else if !matches!(kind, RowKind::Pupil | RowKind::Flagged(_)) {
            self.fill.block_ends();
        }
        if let Some(message) = swap_said.filter(|_| matches!(kind, RowKind::Pupil | RowKind::Flagged(_))) {
            if typed {
                let message = message
                    .replace("请核对原表并补填姓名", "请补填姓名")
                    .replace("check the list and fill in the name", "fill in the name");
                self.warn(message);
            } else {
                self.problem(file, sheet, row_no, &header_of(Column::Name), message);
            }
        }
        match &kind {
            // A pupil after canbao's own signature line: the line did not stand at the foot, and is said as any footer.
            RowKind::Pupil | RowKind::Flagged(_) => {
                if let Some(sign) = self.own_sign.take() {
                    self.problem_at(&sign.file, &sign.sheet, Some(sign.row), "", sign.message);
                }
            }
            // A new class's block: the line stood at the foot of the one before.
            RowKind::Heading(..) | RowKind::UnsureHeading(..) | RowKind::Header => self.own_sign_ends(),
            RowKind::Skipped(_) | RowKind::Nameless(_) | RowKind::Section(_) | RowKind::TableBelow(_) => {}
        }
        match kind {
            RowKind::Pupil => {}
            RowKind::Flagged(message) => self.problem(file, sheet, row_no, "", message),
            RowKind::TableBelow(header) => {
                self.report.skipped += 1;
                let shown = quoted(&header).into_owned();
                let message = format!(
                    "另一张表的表头“{shown}”，没有学生的姓名和身份证号码两列，不是学生，已跳过；其下的行到下一个有身份证号码的行为止\
                     都不是学生 (the header of another table, “{shown}”, without both a pupil's name and ID number \
                     columns: not a pupil, skipped; the rows under it are no pupils, down to the next row holding an ID \
                     number)"
                );
                let below = match self.staff_table_header(row) {
                    true => Some(StaffBelow::Numbered),
                    false => self.staff_header_unnumbered(row).then(|| StaffBelow::Unnumbered(shown.clone())),
                };
                // A staff table's own header is said once the rows under it give their verdict (`HeaderLine`).
                let line = HeaderLine { row: row_no, shown, message };
                self.staff_below = match below {
                    Some(below) => Some((below, line)),
                    None => {
                        self.problem(file, sheet, row_no, "", line.message);
                        None
                    }
                };
                self.table_below = Some((row_no, header));
                self.staff_proved_pupils = None;
                return Ok(());
            }
            RowKind::Header => {
                self.report.skipped += 1;
                let message = "重复的表头行，已跳过 (repeated header row, skipped)".to_owned();
                self.problem(file, sheet, row_no, "", message);
                self.header_again = true;
                return Ok(());
            }
            RowKind::Heading(label, shown) => {
                self.report.skipped += 1;
                self.leaving = None;
                self.heading_begins((file, sheet), row_no, (label, shown), sheet_grade);
                return Ok(());
            }
            RowKind::UnsureHeading(shown, unsure) => {
                self.report.skipped += 1;
                // 「三年级4班转出学生」: its pupils may have left, as under 「转出学生」.
                self.leaving = (unsure == Unsure::Note && is_leaving(&shown)).then(|| shown.clone());
                self.heading_begins((file, sheet), row_no, (String::new(), shown), sheet_grade);
                if let Some(h) = self.heading.as_mut() {
                    h.unsure = Some(unsure);
                    if let Some(p) = self.report.problems.get_mut(h.problem) {
                        p.message = unsure_heading_message(&h.shown, unsure, &h.rows);
                    }
                }
                return Ok(());
            }
            RowKind::Section(text) => {
                self.report.skipped += 1;
                let shown = quoted(&text).into_owned();
                let leaving = is_leaving(&text);
                let (under_zh, under_en) = match leaving {
                    true => (
                        "；其下的学生可能已转出本校，仍导入，并在各行说明",
                        "; the pupils under it may have left the school: imported, and said at their rows",
                    ),
                    false => ("", ""),
                };
                let message = format!(
                    "分段标题行“{shown}”，不是学生，已跳过{under_zh} (a section heading, “{shown}”, not a pupil: \
                     skipped{under_en})"
                );
                self.problem(file, sheet, row_no, "", message);
                self.leaving = leaving.then_some(text);
                return Ok(());
            }
            RowKind::Nameless(message) => {
                self.report.skipped += 1;
                self.problem_keyed(file, &sheet.name, row_no, "", message, (RunKey::NoNameNoId, ProblemKind::List));
                return Ok(());
            }
            RowKind::Skipped(message) => {
                self.report.skipped += 1;
                // canbao's own 班主任签字 (or 单位（盖章）) line under the class's pupils, as it exported it: named as
                // the form's own once its block ends, or as a footer if a pupil follows it.
                if own_sign_line(row) {
                    let sheet = sheet.name.clone();
                    self.own_sign = Some(OwnSign { file: file.to_owned(), sheet, row: row_no, message });
                    return Ok(());
                }
                self.problem(file, sheet, row_no, "", message);
                return Ok(());
            }
        }
        // A class cell blank under one written in its block, in a column written once per block: the value above.
        let filled: Vec<Cell>;
        let row = match self.fill.fill(map, row, row_no) {
            Some(cells) => {
                filled = cells;
                texts = RowTexts::new(&filled);
                &filled
            }
            None => row,
        };
        if let Some(column) = self.fill.cut.take() {
            let message = "此行上面有空行，空着的年级、班级不按空行上面的班级读入，此学生没有班级；若是上面班级的学生，请填写班级\
                 (an empty row stands above this row's pupils: the blank grade or class is not read as the class above \
                 the empty row, and the pupil is in no class; if the pupil is in that class, fill it in)"
                .to_owned();
            self.problem(file, sheet, row_no, &header_of(column), message);
        }
        let text = |c: Column| texts.of(map, c).filter(|t| !t.is_empty()).map(std::borrow::Cow::Borrowed);
        if let Some((_, column)) = from_student_number {
            let message = "全国学籍号是 G 加身份证号码：已去掉 G，按身份证号码导入 (a 全国学籍号 is G and the ID number: \
                           read as the ID number without the G)";
            self.problem(file, sheet, row_no, &header_of(column), message.to_owned());
        }
        if let Some(section) = &self.leaving {
            let shown = quoted(section).into_owned();
            let message = format!(
                "此行在分段标题“{shown}”之下，学生可能已转出本校：已作为在读学生导入，请核对；确已转出的，请删除或标记 (the row is \
                 under the section heading “{shown}”: the pupil may have left the school; imported as a current pupil, \
                 check it, and remove or mark a pupil who has left)"
            );
            self.problem(file, sheet, row_no, "", message);
        }
        for message in odd_characters(row, name_cell) {
            self.problem(file, sheet, row_no, "", message.into());
        }
        // The cell as the file holds it: reading it as text turned a line break into a space.
        let (name_problem, spaced) = match name_cell {
            Some(Cell::Text(raw)) => (odd_name(raw, &name), spaced_name(raw, &name)),
            _ => (None, None),
        };
        // Said once the row is known to be imported: a repeated row says only that it is a repeat.
        let empty = name.is_empty().then(|| "姓名为空，已导入并标记 (name is empty: imported and flagged)".to_owned());
        let name_problem = [empty, name_problem, spaced, unexpected_in_name(&name)];
        // 无, 暂无, 户口未上 in the ID column: no number yet, as an empty cell, never kept as the number; a valid
        // number followed by a note (「…3512（已核）」) is that number, the note going to the pupil's note.
        let id_said = match id_cell {
            Cell::Number(_) => IdSaid::Number,
            _ => id_words(id_number::unwrap_text(&id_raw), self.today),
        };
        match &id_said {
            IdSaid::None(_) => id_raw.clear(),
            IdSaid::NumberAndNote { number, .. } | IdSaid::Labelled { number, .. } => id_raw = number.clone(),
            IdSaid::Number => {}
        }
        // canbao's forms print a number a spreadsheet rounded with 待核实 for its last four (`id_number::on_forms`):
        // read back, the digits it shows are a rounding of the number the pupil holds, not a number with a 待 in it.
        if let Some(shown) = id_number::printed_rounded(&id_raw) {
            id_raw = shown;
        }
        // A mobile in the ID column is kept as no ID number: the pupil is imported without one and the number said.
        let mobile = mobile_in_id(id_cell, &id_raw);
        if mobile.is_some() {
            id_raw.clear();
        }
        // A cell far longer than any ID number (a pasted blob) holds none: the pupil keeps no ID from it, and
        // the report quotes its start, so no form is ever asked to write it.
        let id_blob = (id_raw.chars().nth(MAX_ID_CHARS).is_some()).then(|| std::mem::take(&mut id_raw));
        let id: IdCheck = match id_cell {
            Cell::Number(f) if mobile.is_none() => id_number::check_numeric_cell(*f, self.today),
            _ => self.rounded_ids.check(&id_raw, self.today),
        };
        // A date in the ID column (2015-03-02, most often the child's birth date typed where the number goes) is
        // kept as written: without its dashes it would read as 20150302, a number nobody wrote.
        // 20160305, typed or in a number cell, is no number of a wrong length either: its own reason, so the forms
        // and `check` say a date is there instead of asking for the missing digits.
        let id_date = match id_cell {
            Cell::Number(_) => Some(id.normalized.clone()).filter(|digits| eight_digit_date(digits)),
            _ => Some(id_number::unwrap_text(&id_raw))
                .filter(|written| is_date_text(written) || eight_digit_date(written))
                .map(str::to_owned),
        };
        let id = match &id_date {
            Some(written) => IdCheck { normalized: written.clone(), result: Err(IdProblem::Date) },
            // The column's judgement first: a count, where the number's own question reads its digits as a double.
            None if self.rounded_ids.judged() && (RoundedIds::zeros(&id) || RoundedIds::printed_failing(&id)) => {
                id_number::as_rounded(id)
            }
            None => id,
        };
        // A masked number (a list canbao exported for a teacher, or one another system masked) is no typing
        // error: the import matches it to the pupil it stands for, or leaves the row out and says so
        // (`masked_left_out`).
        let masked = id_number::masked_ends(&id.normalized).is_some();
        // Said once the row is known to be imported: a repeated row says only that it is a repeat, and the
        // first row's 「已导入并标记」 must not run on over a row that was not imported.
        let id_problem = if let Some(mobile) = &mobile {
            let shown = quoted(mobile);
            Some(format!(
                "身份证号码列写的是手机号码“{shown}”，不是身份证号码：号码留空，学生已导入并标记；若是教职工或家长的电话，\
                 请删除此行或改正 (the ID number column holds the mobile number “{shown}”, no ID number: the ID is left \
                 empty, the pupil imported and flagged; if it is a staff member's or a parent's phone, remove or correct \
                 the row)"
            ))
        } else if let Some(blob) = &id_blob {
            let (count, shown) = (blob.chars().count(), quoted(blob));
            Some(format!(
                "单元格有 {count} 个字符，不是身份证号码：身份证号码留空，学生已导入并标记；单元格内容为“{shown}” \
                     (the cell holds {count} characters, no ID number: the ID is left empty, the pupil imported and \
                     flagged; the cell says “{shown}”)"
            ))
        } else if id.result == Err(IdProblem::PrecisionLost) {
            // The digits are in no cell of this file: the sheet it was made from may still hold them.
            Some(format!(
                "身份证号码曾被表格当作数字保存，15 位之后的数字已丢失（已导入并标记）：{RETYPE_AS_TEXT_ZH}；原表格中也没有\
                 完整号码的，请向家长重新核对 (the ID number was stored as a number by a spreadsheet and lost its \
                 digits after the 15th: imported and flagged; {RETYPE_AS_TEXT_EN}; where the source has no whole \
                 number either, ask the family)"
            ))
        } else if let Some(written) = &id_date {
            let shown = quoted(written);
            Some(format!(
                "身份证号码列写的是日期“{shown}”（多为出生日期），不是身份证号码：已按原样保存，学生已导入并标记 (the ID \
                 number column holds a date, “{shown}”, most often the birth date, no ID number: kept as written, \
                 the pupil imported and flagged)"
            ))
        } else if let IdSaid::None(word) = &id_said {
            let shown = long_digits_masked(&quoted(word));
            Some(format!(
                "身份证号码列写的是“{shown}”，即还没有身份证号码：号码留空，学生已导入并标记，“{shown}”记入该生备注 (the \
                 ID number cell says “{shown}”: no ID number yet; the number is left empty, the pupil imported and \
                 flagged, and “{shown}” kept in the pupil's note)"
            ))
        } else if let (Err(p), false) = (&id.result, masked) {
            Some(flagged_message(p))
        } else {
            id.valid().and_then(|valid| old_number_message(valid, self.today))
        };
        let (grade_cell, class_cell, combined_cell) =
            (text(Column::Grade), text(Column::Class), text(Column::GradeClass));
        // A heading above the row gives the class only to a row that writes none, and before the sheet's name.
        let under_heading = grade_cell.is_none() && class_cell.is_none() && combined_cell.is_none();
        let heading = self.heading.as_ref().filter(|_| under_heading).map(|h| h.label.as_str());
        let from_heading = heading.is_some();
        let (grade_cell_text, class_cell_text, combined_cell_text) =
            (grade_cell.as_deref(), class_cell.as_deref(), combined_cell.as_deref());
        let combined_or_above = combined_cell_text.or(heading).or(sheet_class);
        // The class the row's cells (or the sheet's name, or a heading) give names no grade of its own.
        let cells_name_no_grade = grade_cell_text.is_none()
            && class_label::from_columns(None, class_cell_text, combined_or_above).0.is_empty();
        // 301 on a sheet that numbers its classes by year (`classes_by_year`): 三年级1班, said at the file's end.
        let by_year = self
            .classes_by_year
            .then_some(class_cell_text.or(combined_cell_text))
            .flatten()
            .filter(|_| grade_cell_text.is_none() && sheet_grade.is_none())
            .and_then(class_label::read_by_year);
        // A sheet named for a class (四年级1班) is no sheet of a grade: asked by the reading, and part of its key.
        let class_sheet = self.classes.class_sheet(&sheet.name);
        let read_cells = || {
            let (grade, class) = match by_year.clone() {
                Some(read) => read,
                None => class_label::from_columns(grade_cell_text, class_cell_text, combined_or_above),
            };
            // 高一's sheet whose class cells read 1.3: the cell's short year is counted within the sheet's stage.
            let in_sheet_stage = || {
                let cell = class_cell_text.or(combined_cell_text)?;
                class_label::in_stage(sheet_grade?, cell).filter(|_| grade_cell_text.is_none())
            };
            // A sheet 一年级 whose class cells read 101: class 1 of it, as under a grade column.
            let numbered_in_sheet = || {
                let cell = class_cell_text.filter(|_| grade_cell_text.is_none() && combined_cell_text.is_none())?;
                class_label::numbered_in_grade(sheet_grade?, cell)
            };
            // 二年级's sheet whose class cell reads 1.2, with no grade column: the sheet's grade decides,
            // as a grade column's does, and the cell is kept as written beside it, said at the row.
            let sheet_other_year = || {
                let (sheet_grade, cell) = (sheet_grade?, class_cell_text?);
                // Only a cell writing its year short (1.2): one writing it in full (三年级1班) names its class, and a
                // sheet named for a class (四年级1班) is no sheet of a grade.
                let alone = grade_cell_text.is_none() && combined_cell_text.is_none() && !class_sheet;
                let short = class_label::in_stage(sheet_grade, cell).is_some();
                (alone && short && class_label::own_grade(sheet_grade, cell).is_some())
                    .then(|| class_label::from_columns(Some(sheet_grade), Some(cell), None))
            };
            let other_than_sheet = sheet_other_year();
            let names_sheets_other = other_than_sheet.is_some();
            let (grade, class) = match (sheet_grade, in_sheet_stage(), numbered_in_sheet()) {
                _ if let Some(read) = other_than_sheet => read,
                (_, Some(read), _) => read,
                (Some(sheet_grade), None, Some(number)) => (sheet_grade.to_owned(), format!("{number}班")),
                (Some(sheet_grade), None, None) => class_label::with_sheet_grade(sheet_grade, (grade, class)),
                (None, None, _) => (grade, class),
            };
            let names_own_grade = match (grade_cell_text, class_cell_text) {
                (Some(grade_text), Some(class_text)) => class_label::own_grade(grade_text, class_text).is_some(),
                _ => names_sheets_other,
            };
            let numbered_other_grade = match (grade_cell_text.or(sheet_grade), class_cell_text) {
                (Some(grade_text), Some(class_text)) if !grade.is_empty() => {
                    class_label::numbered_in_other_grade(grade_text, class_text)
                }
                _ => None,
            };
            // 二年级's sheet whose class cell names 三年级1班 (or 1.2 in a 年级班级 column): the cell names its class
            // and keeps it, as two older lists want, but the sheet said another grade: said at the row. A sheet
            // named for a class (四年级1班) is no sheet of a grade, as above.
            let names_other_than_sheet = match sheet_grade {
                Some(named) => {
                    grade_cell_text.is_none()
                        && class_cell_text.or(combined_cell_text).is_some()
                        && !names_sheets_other
                        && !class_sheet
                        && !grade.is_empty()
                        && ClassKey::parse(&grade).grade != ClassKey::parse(named).grade
                }
                None => false,
            };
            ClassRead { grade, class, names_own_grade, numbered_other_grade, names_other_than_sheet }
        };
        let ClassRead { grade, class, names_own_grade, numbered_other_grade, names_other_than_sheet } =
            self.classes.read(
                [grade_cell_text, class_cell_text, combined_cell_text, combined_or_above, sheet_grade],
                class_sheet,
                read_cells,
            );
        if names_own_grade && let (Some(grade_text), Some(class_text)) = (&grade_cell, &class_cell) {
            let whole = class_label::other_grade_whole(grade_text, class_text).is_some();
            let (label, grade_text, class_text) =
                (class_label::join(&grade, &class), quoted(grade_text), quoted(class_text));
            // A class cell naming its class whole (三年级1班) is the class; one writing its year short (3.2) keeps
            // the grade column's grade.
            let (taken, taken_en) = match whole {
                true => (
                    format!("已按班级列所写导入到“{label}”"),
                    format!("imported into “{label}” as the class cell writes it"),
                ),
                false => (
                    format!("已按年级列导入到“{label}”，班级按原样保留"),
                    format!("imported into “{label}” under the grade column's grade, the class kept as written"),
                ),
            };
            self.problem(
                file,
                sheet,
                row_no,
                &header_of(Column::Class),
                format!(
                    "年级列写“{grade_text}”，班级列“{class_text}”却写的是另一个年级：{taken}，请核对 (the grade column \
                     says “{grade_text}” but the class cell “{class_text}” names another grade: {taken_en}; check it)"
                ),
            );
        }
        // Where the sheet's grade was read from, as the lines below name it: the file's name where neither the sheet's
        // name nor its title gives one (`grade_of_file`).
        let (whose, whose_en) = match self.grade_of_file {
            true => ("文件名", "the file's name"),
            false => ("工作表名称（或标题）", "the sheet's name, or its title,"),
        };
        if names_own_grade && let (None, Some(named), Some(class_text)) = (&grade_cell, sheet_grade, &class_cell) {
            let (label, named, class_text) = (class_label::join(&grade, &class), quoted(named), quoted(class_text));
            self.problem(
                file,
                sheet,
                row_no,
                &header_of(Column::Class),
                format!(
                    "{whose}写的年级是“{named}”，班级列“{class_text}”却写的是另一个年级：已按“{named}”导入到“{label}”，\
                     班级按原样保留，请核对 ({whose_en} says the grade “{named}” but the class cell “{class_text}” names \
                     another grade: imported into “{label}” under “{named}”, the class kept as written; check it)"
                ),
            );
        }
        if let (true, Some(named), Some((column, cell_text))) = (
            names_other_than_sheet,
            sheet_grade,
            class_cell.as_ref().map(|c| (Column::Class, c)).or(combined_cell.as_ref().map(|c| (Column::GradeClass, c))),
        ) {
            let (label, named, cell_text) = (class_label::join(&grade, &class), quoted(named), quoted(cell_text));
            self.problem(
                file,
                sheet,
                row_no,
                &header_of(column),
                format!(
                    "{whose}写的年级是“{named}”，班级“{cell_text}”却写的是另一个年级：已按班级所写导入到“{label}”，请核对 \
                     ({whose_en} says the grade “{named}” but the class cell “{cell_text}” names another grade: \
                     imported into “{label}” as the cell writes it; check it)"
                ),
            );
        }
        if let (Some(year), Some(class_text)) = (numbered_other_grade, &class_cell) {
            let label = class_label::join(&grade, &class);
            let (shown, year_zh) = (quoted(class_text), format!("{}年级", class_label::cn_numeral(year)));
            self.problem(
                file,
                sheet,
                row_no,
                &header_of(Column::Class),
                format!(
                    "班级列“{shown}”开头的数字像是{year_zh}的班号，与年级“{grade}”不符：已按原样导入到“{label}”，请核对 (the \
                     class cell “{shown}” begins as a class of school year {year} would, not of the grade “{grade}”: \
                     imported into “{label}” as written; check it)"
                ),
            );
        }
        // The cell the class was read from, to say it when its reading is not sure.
        let class_from = match (&class_cell, &combined_cell) {
            (Some(cell), _) => Some((Column::Class, cell)),
            (None, Some(cell)) => Some((Column::GradeClass, cell)),
            (None, None) => None,
        };
        let mut numbered = None;
        if let Some((column, cell)) = class_from {
            let number_cell = map.get(column, row).is_some_and(|c| matches!(c, Cell::Number(f) if f.fract() != 0.0));
            // A class kept as written beside a grade it contradicts (二年级 | 1.2) is said as that, above.
            if class_label::unread_class(&class) && !names_own_grade {
                let shown = quoted(cell);
                self.problem(
                    file,
                    sheet,
                    row_no,
                    &header_of(column),
                    format!(
                        "无法从“{shown}”读出年级和班级：已按原样作为班级导入，请核对 (no grade and class could be read \
                         from “{shown}”: imported as the class as written; check it)"
                    ),
                );
            } else if number_cell && class == "1班" && cell.ends_with(".1") {
                // Excel keeps 3.10 typed into a number cell as 3.1: which class is meant, only the school knows.
                let (label, shown) = (class_label::join(&grade, &class), quoted(cell));
                self.problem(
                    file,
                    sheet,
                    row_no,
                    &header_of(column),
                    format!(
                        "“{shown}”是数字单元格，可能是 {shown} 班也可能是 {shown}0 班（表格会去掉小数末尾的 0）：已按“{label}”\
                         导入，请核对；把该列设为文本可免此误 (the number cell “{shown}” may be class {shown} or \
                         {shown}0, as a spreadsheet drops a trailing 0: imported as “{label}”; check it, or format the \
                         column as text)"
                    ),
                );
            } else if by_year.is_some() || (cell.trim().len() >= 3 && cell.trim().bytes().all(|b| b.is_ascii_digit())) {
                // 101 read as the class 101班: a school may mean 一年级1班 by it; or as 一年级1班, by the school's other
                // classes. Said once for the file, once the row's school is known.
                let cell = cell.trim();
                if !self.numbered_classes.iter().any(|n| n.cell == cell) {
                    numbered = Some((cell.to_owned(), class_label::join(&grade, &class), by_year.is_some()));
                }
            }
        }
        // Phones under a merged 联系电话 (父亲, 母亲): the first that is filled is the pupil's, the others are kept in
        // the note under their sub-column's word, so none is lost.
        // Walked in place, not collected: this runs for every row of a county's lists.
        let filled = |i: &usize| texts.at(*i).filter(|t| !t.is_empty()).map(std::borrow::Cow::Borrowed);
        let mut phone_cells = map.columns.get(&Column::Phone).into_iter().chain(&map.more_phones);
        let phone_cell = phone_cells.by_ref().find_map(filled);
        let other_phones: Vec<String> = phone_cells
            .filter_map(|i| {
                let number = filled(i)?;
                let word = sheet.rows.get(map.row).and_then(|r| r.get(*i)).map(Cell::text).unwrap_or_default();
                Some(format!("{}：{}", word.trim(), number.trim()))
            })
            .collect();
        let (phone, phone_said) =
            phone_cell.as_deref().map(|cell| read_phone(cell, self.synonyms)).unwrap_or((String::new(), None));
        let phone_not_taken = match phone_said {
            Some(PhoneSaid::Now(message)) => {
                self.problem(file, sheet, row_no, &header_of(Column::Phone), message);
                None
            }
            Some(PhoneSaid::NotTaken(mut not_taken)) => {
                not_taken.header = header_of(Column::Phone);
                Some(not_taken)
            }
            None => None,
        };
        // Which school the file itself names (command line, a school column, the title), if any; a pupil
        // already on the drive only changes school when the file says so.
        let named_school = match (school_forced, text(Column::School)) {
            (false, Some(s)) => Some(s.into_owned()),
            _ => sheet_school.map(str::to_owned),
        };
        let school_given = named_school.is_some();
        self.report.without_school += usize::from(!school_given);
        let named_at = named_school.as_ref().map(|named| {
            self.report.schools.iter().position(|s| s == named).unwrap_or_else(|| {
                self.report.schools.push(named.clone());
                self.school_added.push(0);
                self.report.schools.len() - 1
            })
        });
        let mut school = named_school.unwrap_or_else(|| default_school.to_owned());
        // Kept only where the list's 是否参保 says yes or no: a contradiction of the drive quotes it as written.
        let list_cell: ListCell = match (status_columns, text(Column::Enrolled)) {
            (None, Some(value)) if self.synonyms.is_yes(&value) || self.synonyms.is_no(&value) => {
                Some(Box::new((header_of(Column::Enrolled), value.into_owned())))
            }
            _ => None,
        };
        let (status, status_problem) = match status_columns {
            // A school's own list: 是否参保 是 means the school registers the pupil.
            None if text(Column::Enrolled).is_some_and(|v| self.synonyms.is_yes(&v)) => (ListStatus::Enrolled, None),
            None if text(Column::Enrolled).is_some_and(|v| self.synonyms.is_no(&v)) => (ListStatus::NotEnrolled, None),
            None => (ListStatus::Nothing, None),
            Some(columns) => match own_forms::read_row(columns, row, self.synonyms) {
                Ok(read) if read.said.is_empty() => (ListStatus::Nothing, None),
                Ok(read) => (ListStatus::Form { said: read.said, reason: read.reason }, None),
                Err(unreadable) => (ListStatus::Nothing, Some(unreadable)),
            },
        };
        // The header is looked up only for a row that has categories: it is quoted only when one is unknown.
        let categories = match text(Column::Category) {
            Some(list) => {
                self.categories_of(Some(list.into_owned()), file, sheet, row_no, &header_of(Column::Category))
            }
            None => Vec::new(),
        };
        let sex_text = text(Column::Sex);
        if let Some(sex_text) = &sex_text
            && let Some(message) = sex_mismatch(sex_text, id.valid().map(|v| v.sex))
        {
            self.problem(file, sheet, row_no, &header_of(Column::Sex), message);
        }
        let sex = match sex_text.as_deref().map(stated_sex) {
            Some(StatedSex::Is(sex)) => Some(sex),
            _ => None,
        };
        let (mut grade, mut class) = (grade, class);
        // What a form writes in one cell is kept within what one Excel cell holds, so every form can be written.
        // The class is written as grade and class together.
        let class_header = || match header_of(Column::Class) {
            h if h.is_empty() => header_of(Column::GradeClass),
            h => h,
        };
        if let Some(message) = cap_stored(&mut school, MAX_STORED_CHARS) {
            self.problem(file, sheet, row_no, &header_of(Column::School), message);
        }
        if let Some(message) = cap_stored(&mut grade, MAX_STORED_CHARS) {
            self.problem(file, sheet, row_no, &class_header(), message);
        }
        if let Some(message) = cap_stored(&mut class, MAX_STORED_CHARS - grade.chars().count()) {
            self.problem(file, sheet, row_no, &class_header(), message);
        }
        if let (Some(cell), Ok(valid)) = (map.get(Column::BirthDate, row).filter(|c| !c.is_empty()), &id.result)
            && let Some(message) = birth_date_mismatch(cell, valid.birth_date)
        {
            self.problem(file, sheet, row_no, &header_of(Column::BirthDate), message);
        }
        // A baby's or a parent's number typed for the child: the age the number gives does not fit the grade.
        // An old 15-digit number's birth date is the conversion's guess (19YY), said as such of its own. Said once
        // the row is applied: a row of a pupil the drive holds unchanged was not imported again.
        // An adult's number is said whatever the grade, and with no class at all (a staff list has none).
        // An old 15-digit number counts by the birth date it reads as (a staff list of the 1960s to 1980s written with
        // them is a list of adults), said with the old number's own line (`old_number_message`).
        let adult = match &id.result {
            Ok(valid) => {
                let adult = match valid.kind {
                    id_number::IdKind::ResidentConverted => old_number_adult(valid, self.today),
                    _ => crate::domain::pupil_flags::adult_age(valid.birth_date, self.today),
                };
                self.adults.number_read(adult);
                adult
            }
            _ => None,
        };
        if let (Some(age), Ok(valid)) = (adult, &id.result)
            && self.category_list_reading
        {
            self.category_list_adult_refused(file, sheet, row_no, &header_of(Column::IdNumber), (age, &valid.number));
            return Ok(());
        }
        let odd_age = match &id.result {
            Ok(valid) if valid.kind == id_number::IdKind::ResidentConverted => None,
            Ok(valid) if adult.is_some() => {
                Some(Box::new(OddAge { birth: valid.birth_date, grade: String::new(), usual: 0, adult }))
            }
            Ok(valid) if valid.kind != id_number::IdKind::ResidentConverted => self
                .school_years
                .of(&grade, &class)
                .and_then(|year| crate::domain::pupil_flags::year_age(year, valid.birth_date, self.today))
                .map(|odd| {
                    Box::new(OddAge { birth: valid.birth_date, grade: odd.grade, usual: odd.usual, adult: None })
                }),
            _ => None,
        };
        let mut note = text(Column::Note).map(|n| list_note(&n)).unwrap_or_default();
        // What the ID cell said besides a number (户口未上, 已核) is the pupil's note, never their number.
        let id_note = match &id_said {
            IdSaid::None(word) if !crate::domain::phone::says_none(word) => Some(format!("身份证号码：{word}")),
            IdSaid::NumberAndNote { note, .. } | IdSaid::Labelled { note: Some(note), .. } => {
                Some(format!("身份证号码备注：{note}"))
            }
            _ => None,
        };
        if let Some(id_note) = id_note
            && !note.contains(id_note.as_str())
        {
            note = if note.is_empty() { id_note } else { format!("{note}；{id_note}") };
        }
        if let IdSaid::Labelled { label, note, written, number } = &id_said {
            let shown = labelled_shown(written, label, number);
            let (after, after_en) = match note {
                Some(_) => ("；号码之后的文字记入该生备注", "; the words after it are kept in the pupil's note"),
                None => ("", ""),
            };
            let message = format!(
                "身份证号码单元格为“{shown}”：号码之前的“{label}”不是号码，已去掉，按号码导入{after}，请核对 (the ID \
                 number cell says “{shown}”: “{label}” before the number is no part of it; it is left out and the \
                 number imported{after_en}, check it)"
            );
            self.problem(file, sheet, row_no, &header_of(Column::IdNumber), message);
        }
        if let IdSaid::NumberAndNote { written, .. } = &id_said {
            let shown = long_digits_masked(&quoted(written));
            let message = format!(
                "身份证号码单元格为“{shown}”：号码之后的文字不是号码，已按号码导入，文字记入该生备注，请核对 (the ID \
                 number cell says “{shown}”: the words after the number are no part of it; the number is imported and \
                 the words kept in the pupil's note, check it)"
            );
            self.problem(file, sheet, row_no, &header_of(Column::IdNumber), message);
        }
        for other in &other_phones {
            if !note.contains(other.as_str()) {
                note = if note.is_empty() { other.clone() } else { format!("{note}；{other}") };
            }
        }
        let source = source_of(file, &sheet.name, row_no);
        let classless = grade.is_empty() && class.is_empty();
        let grade_only = !grade.is_empty() && class.is_empty();
        // The row's own class cell naming no grade, under a 年级 column left blank: a class of no grade (「1班」).
        let grade_blank = grade.is_empty()
            && !class.is_empty()
            && map.columns.contains_key(&Column::Grade)
            && grade_cell.is_none()
            && (class_cell.is_some() || combined_cell.is_some());
        let grade_blank = grade_blank.then(|| class.clone());
        let grade_from_file =
            (cells_name_no_grade && self.grade_of_file && !grade.is_empty()).then(|| class_label::join(&grade, &class));
        let grade_unknown = (cells_name_no_grade
            && grade.is_empty()
            && numbered_without_grade(&class)
            && sheet_grade.is_none()
            && !map.columns.contains_key(&Column::Grade)
            && (class_cell.is_some() || combined_cell.is_some()))
        .then(|| class.clone());
        // A pupil without a valid number: the list's 出生日期, a whole date no later than today, is kept for the forms
        // that ask for it; a valid number's own birth date decides otherwise (a differing cell is said above).
        // A date in the ID column is the birth date the school had for a pupil without an ID, when it can be a
        // pupil's: the list's own 出生日期 decides where it has one.
        let id_cell_birth = id_date
            .as_deref()
            .and_then(|written| whole_date(&Cell::Text(written.to_owned())))
            .filter(|born| school_age_birth(*born, self.today));
        let birth_date = match &id.result {
            Ok(_) => None,
            Err(_) => match map.get(Column::BirthDate, row).filter(|c| !c.is_empty()) {
                None => {
                    if id_cell_birth.is_some() {
                        self.problem(file, sheet, row_no, &header_of(Column::IdNumber), ID_DATE_AS_BIRTH.into());
                    }
                    id_cell_birth
                }
                Some(cell) => {
                    let kept = whole_date(cell).filter(|born| *born <= self.today);
                    // Said, not dropped: the forms that ask for it will carry no birth date for this pupil.
                    if kept.is_none() {
                        let message = birth_date_not_kept(cell, self.today);
                        self.problem(file, sheet, row_no, &header_of(Column::BirthDate), message);
                    }
                    if let (Some(kept), Some(in_id)) = (kept, id_cell_birth)
                        && kept != in_id
                    {
                        let message = format!(
                            "身份证号码一栏的日期 {in_id} 与出生日期 {kept} 不符，以出生日期为准，请核对 (the date in the \
                             ID number cell, {in_id}, differs from the birth date {kept}: the birth date is kept, check \
                             which is right)"
                        );
                        self.problem(file, sheet, row_no, &header_of(Column::BirthDate), message);
                    }
                    kept
                }
            },
        };
        self.this_file.pupils += 1;
        self.this_file.valid_numbers += usize::from(id.valid().is_some());
        self.this_file.code_names += usize::from(code_like_name(&name));
        // 民族 as the forms spell it (汉 is 汉族); a value naming none of the 56 groups is kept as written.
        // A GB/T 3304 code (01) in a column of codes is its group's name.
        let ethnicity = match text(Column::Ethnicity) {
            Some(t) => self.ethnicity_read(&t, (file, sheet), row_no, &header_of(Column::Ethnicity)),
            None => String::new(),
        };
        // An address typed over lines in its cell is one line on the forms.
        let address =
            text(Column::Address).map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")).unwrap_or_default();
        if let Some((cell, label, by_year)) = numbered {
            let (school, grade, class) = (school.clone(), grade.clone(), class.clone());
            self.numbered_classes.push(NumberedClass { cell, label, by_year, school, grade, class });
        }
        let incoming = Incoming {
            school,
            school_given,
            name,
            id_raw,
            id,
            grade,
            class,
            phone,
            ethnicity,
            address,
            status,
            categories,
            note,
            source,
            repeat: None,
            birth_date,
            sex,
        };
        let identity = Identity::of(&incoming);
        let here = (file, sheet.name.as_str());
        // A first row of this number the drive's pupil refused (another name, `OtherName`) imported nothing: a
        // later row of the number, which may be that pupil's own, is no repeat of it and is applied itself.
        let first_refused = match &identity {
            Identity::Number(_) if self.first.get(&identity).is_some() => {
                // What the rows handed ahead did is known first.
                self.said_of_rows_applied();
                self.first
                    .get(&identity)
                    .is_some_and(|seen| self.other_name_rows.contains(&(seen.file.into(), seen.sheet.into(), seen.row)))
            }
            _ => false,
        };
        if first_refused && let Some(seen) = self.first.get(&identity) {
            let (at, at_en) = seen.place(here);
            let message = format!(
                "与{at}身份证号码相同；{at}的姓名与在册学生不同，未导入，此行不算重复，单独处理 (the same ID number as \
                 {at_en}, which was not imported, its name not that of the pupil on the drive: this row is no repeat \
                 of it and was taken on its own)"
            );
            self.problem(file, sheet, row_no, &header_of(Column::IdNumber), message);
        }
        // A first row without a number left out (several pupils of its name and class, `UnnumberedOfSeveral`)
        // imported nothing: a row repeating it is left out the same way, not a repeat of a pupil imported.
        let first_left_out = match &identity {
            Identity::Other(_) if incoming.id.normalized.is_empty() && self.first.get(&identity).is_some() => {
                self.said_of_rows_applied();
                self.first.get(&identity).is_some_and(|seen| {
                    self.unnumbered_left_rows.contains(&(seen.file.into(), seen.sheet.into(), seen.row))
                })
            }
            _ => false,
        };
        // A later row of a number giving the phone its first row lacked (a second list of the class, with the
        // parents' phones): the pupil takes it. Only an import applies it; a plan keeps the rows that are pupils.
        let applies = self.row_by_row || self.ahead.is_some();
        // 民族 and 居住地址 the first row lacked are taken as its phone is.
        let fills = |seen: &FirstSeen| {
            let gives = (seen.phone.is_empty() && !incoming.phone.is_empty())
                || (seen.ethnicity == 0 && !incoming.ethnicity.is_empty())
                || (seen.address == 0 && !incoming.address.is_empty());
            applies && gives && seen.name == incoming.name
        };
        // Where the later row gives the phone its first row lacked: the first row's index, the first row as the
        // line names it, and the number that finds the pupil the first row is (a valid one, else a flagged one in
        // the row's name and class), as a plain repeat of a valid number gives it.
        let mut phone_of_first: Option<(u32, (String, String), IdCheck)> = None;
        let repeated = match self.first.get(&identity).filter(|_| !first_refused && !first_left_out) {
            Some(seen) => Some(match &identity {
                Identity::Other(_) if incoming.id.normalized.is_empty() => {
                    (no_number_twice(&seen.place(here), &incoming.phone), None)
                }
                _ => {
                    let index = match &identity {
                        Identity::Number(packed) => self.first.by_number.get(packed),
                        Identity::Other(text) => self.first.by_text.get(text),
                    };
                    let fills = fills(&seen) && index.is_some();
                    if fills && let Some(&index) = index {
                        phone_of_first = Some((index, seen.place(here), incoming.id.clone()));
                    }
                    (duplicate_message(&seen, here, &incoming, None, fills), None)
                }
            }),
            // The same child with the whole number and with a spreadsheet's rounding of it, or with the number a
            // program printed through a float.
            None => match self
                .first
                .rounded_alike(&incoming)
                .or_else(|| self.first.printed_alike(&incoming, self.drive_empty))
                .or_else(|| self.shown_alike(&incoming))
            {
                Some((seen, alike)) => {
                    let first = match &alike {
                        // The pupil takes this row's whole number first (`RepeatGives::WholeNumber`).
                        Alike::WholeOfRounded { first, .. } => Some((*first, incoming.id.clone())),
                        Alike::RoundedOfWhole { first, whole } | Alike::PrintedOfWhole { first, whole } => {
                            Some((*first, id_number::check(whole, self.today)))
                        }
                        Alike::BothFlagged
                        | Alike::MistypedOfValid { .. }
                        | Alike::OldOfValid { .. }
                        | Alike::ValidOfFlagged { .. } => None,
                    };
                    let fills = fills(&seen) && first.is_some();
                    if fills && let Some((index, id)) = first {
                        phone_of_first = Some((index, seen.place(here), id));
                    }
                    Some((duplicate_message(&seen, here, &incoming, Some(&alike), fills), Some(alike)))
                }
                // Both numbers flagged, one perhaps the other written another way: as separate imports take it.
                None => self
                    .first
                    .flagged_alike(&incoming)
                    .map(|(seen, index, id)| {
                        let fills = fills(&seen);
                        if fills {
                            phone_of_first = Some((index, seen.place(here), id));
                        }
                        (duplicate_message(&seen, here, &incoming, Some(&Alike::BothFlagged), fills), None)
                    })
                    // A valid number and a flagged one of an earlier file, as importing the files one after the other
                    // takes them.
                    .or_else(|| {
                        let (index, alike) = self.corrected_alike(&incoming, file)?;
                        let seen = self.first.seen_at(index)?;
                        let id = match &alike {
                            Alike::MistypedOfValid { valid } | Alike::OldOfValid { valid } => {
                                id_number::check(valid, self.today)
                            }
                            _ => incoming.id.clone(),
                        };
                        let fills = fills(&seen);
                        if fills {
                            phone_of_first = Some((index, seen.place(here), id));
                        }
                        Some((duplicate_message(&seen, here, &incoming, Some(&alike), fills), Some(alike)))
                    }),
            },
        };
        if let Some((message, alike)) = repeated {
            self.report.duplicates += 1;
            self.problem(file, sheet, row_no, &header_of(Column::IdNumber), message);
            // The earlier row gave the rounding (or a number held flagged): its pupil takes this row's whole number.
            // Only an import applies it; a plan keeps the rows that are pupils.
            let takes = match alike {
                Some(Alike::WholeOfRounded { first, rounded }) => {
                    self.first.shown_taken.push(first);
                    Some((first, RepeatGives::WholeNumber { rounded: rounded.into() }))
                }
                Some(Alike::ValidOfFlagged { first, held }) => {
                    Some((first, RepeatGives::ValidNumber { held: held.into() }))
                }
                _ => None,
            };
            if let Some((first, gives)) = takes
                && applies
            {
                // A later row of this number is a repeat of the same pupil, who now holds it.
                if let Identity::Number(packed) = identity {
                    self.first.by_number.insert(packed, first);
                }
                let row = Incoming { repeat: Some(gives), ..incoming.clone() };
                match self.ahead.as_mut() {
                    Some(ahead) => ahead.hand(row, false)?,
                    None => {
                        sink(row)?;
                    }
                }
            }
            // A later row giving the phone its first row lacked (a second list of the class, with the parents'
            // phones): the pupil takes it. Only an import applies it; a plan keeps the rows that are pupils.
            if let Some((index, place, id)) = phone_of_first {
                let lacked = self.first.seen_at(index).map(|s| (s.phone.is_empty(), s.ethnicity == 0, s.address == 0));
                let (lacked_phone, lacked_ethnicity, lacked_address) = lacked.unwrap_or_default();
                let ethnicity = if lacked_ethnicity { incoming.ethnicity.clone() } else { String::new() };
                let address = if lacked_address { incoming.address.clone() } else { String::new() };
                if !ethnicity.is_empty() || !address.is_empty() {
                    self.first.fill_personal(index, &ethnicity, &address);
                    let given: Vec<Column> = [(Column::Ethnicity, &ethnicity), (Column::Address, &address)]
                        .into_iter()
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(c, _)| c)
                        .collect();
                    let (at, at_en) = &place;
                    let zh: Vec<&str> =
                        given.iter().map(|c| if *c == Column::Ethnicity { "民族" } else { "居住地址" }).collect();
                    let en: Vec<&str> =
                        given.iter().map(|c| if *c == Column::Ethnicity { "ethnicity" } else { "address" }).collect();
                    let message = format!(
                        "此行的{}，{at}没有：该学生没有的已按此行补入，已有的不变 (this row's {}, which {at_en} lacks, \
                         was taken for the pupil where the pupil held none; what the pupil held stays)",
                        zh.join("、"),
                        en.join(" and ")
                    );
                    self.problem(file, sheet, row_no, &header_of(given[0]), message);
                    let row = Incoming {
                        id: id.clone(),
                        ethnicity,
                        address,
                        repeat: Some(RepeatGives::Personal),
                        ..incoming.clone()
                    };
                    match self.ahead.as_mut() {
                        Some(ahead) => ahead.hand(row, false)?,
                        None => {
                            sink(row)?;
                        }
                    }
                }
                if lacked_phone && !incoming.phone.is_empty() {
                    self.first.fill_phone(index, &incoming.phone);
                    self.phones_handed.push(PhoneHanded {
                        file: file.into(),
                        sheet: sheet.name.as_str().into(),
                        row: row_no,
                        header: header_of(Column::Phone).into_boxed_str(),
                        phone: incoming.phone.as_str().into(),
                        place,
                    });
                    let row = Incoming { id, repeat: Some(RepeatGives::Phone), ..incoming };
                    match self.ahead.as_mut() {
                        Some(ahead) => ahead.hand(row, false)?,
                        None => {
                            sink(row)?;
                        }
                    }
                }
            }
            return Ok(());
        }
        // A masked number (another system's list, or canbao's masked export) for the child an earlier row of this
        // import gives whole: the same child, whom that row imported.
        if masked && let Some((seen, number)) = self.masked_of_import(&incoming) {
            let place = self.first.seen_at(seen).map(|s| s.place(here)).unwrap_or_default();
            self.report.duplicates += 1;
            self.problem(file, sheet, row_no, &header_of(Column::IdNumber), masked_same_child(&place, &number));
            let phone_header = header_of(Column::Phone);
            self.masked_phone(file, sheet.name.as_str(), (row_no, &phone_header), incoming, (seen, &number), sink)?;
            return Ok(());
        }
        for message in name_problem.into_iter().flatten() {
            self.problem(file, sheet, row_no, &header_of(Column::Name), message);
        }
        if let Some(class) = grade_blank {
            self.grade_blank.push((row_no, class));
        }
        if let Some(class) = grade_from_file {
            self.grade_from_file.push((row_no, class));
        }
        if let Some(class) = grade_unknown {
            self.grade_unknown.push((row_no, class));
        }
        if classless {
            self.classless.push(row_no);
            if let Some(h) = self.heading.as_mut().filter(|h| from_heading && h.unsure.is_some()) {
                h.rows.push(row_no);
            }
        } else if grade_only {
            self.grade_only.push(row_no);
        } else if from_heading && let Some(h) = self.heading.as_mut() {
            if h.taken == 0 {
                h.first = row_no;
            }
            h.taken += 1;
            h.last = row_no;
        }
        let invalid = incoming.id.to_verify() && !masked;
        self.first.insert(identity, place, row_no, &incoming);
        let pairing = if masked { None } else { self.pairing(&incoming) };
        self.masked.rows += 1;
        self.masked.masked += usize::from(masked);
        let deferred = status_columns.is_none();
        let template = status_columns
            .unwrap_or_default()
            .iter()
            .any(|c| matches!(c.kind, own_forms::StatusKind::Enrollment | own_forms::StatusKind::TemplateRemark));
        let template_unnumbered = (template && incoming.id.normalized.is_empty() && !incoming.id.is_valid())
            .then(|| incoming.name.as_str().into());
        let said = RowApplied {
            file,
            sheet: &sheet.name,
            row_no,
            id_header: &header_of(Column::IdNumber),
            id_problem,
            mobile: mobile.map(String::into_boxed_str),
            invalid,
            odd_age,
            phone: phone_not_taken,
            named_at,
            header: sheet.rows.get(map.row).map(Vec::as_slice),
            cells: (row, status_columns.unwrap_or_default()),
            unreadable: status_problem,
            pairing,
            template_unnumbered,
            list_cell,
        };
        if masked {
            let RowApplied { id_problem, odd_age, phone, named_at, header, cells, unreadable, list_cell, .. } = said;
            self.masked_held.push(HeldMasked {
                incoming,
                file: file.into(),
                sheet: sheet.name.as_str().into(),
                row_no,
                rows_read: self.report.rows_read,
                id_header: header_of(Column::IdNumber).into_boxed_str(),
                phone_header: header_of(Column::Phone).into_boxed_str(),
                id_problem,
                odd_age,
                phone,
                named_at,
                header: header.map(<[Cell]>::to_vec),
                cells: cells.0.to_vec(),
                status_columns: status_columns.map(<[StatusColumn]>::to_vec),
                unreadable,
                list_cell,
            });
            return Ok(());
        }
        self.hand_row(said, incoming, deferred, sink)
    }

    /// A row read, to the import's writer (or a plan's sink), and said once applied (`said_of_applied`).
    /// `deferred`: it may be said once the writer answers, after rows read later.
    fn hand_row(
        &mut self,
        said: RowApplied<'_>,
        incoming: Incoming,
        deferred: bool,
        sink: &mut Sink,
    ) -> Result<(), StoreError> {
        if self.category_list_reading
            && let (Some((_, numbers)), Ok(valid)) = (self.category_lists.last_mut(), &incoming.id.result)
        {
            numbers.push(valid.number.clone());
        }
        let applied = match self.ahead.as_mut() {
            None => sink(incoming)?,
            Some(ahead) => {
                // Another row's pupil: what the writer did is waited for even into an empty roster.
                let paired = said.pairing.is_some();
                let known = (ahead.known && !paired).then(|| crate::store::applied_to_empty_roster(&incoming));
                ahead.hand(incoming, ahead.known && paired)?;
                match known {
                    Some(applied) => Some(applied),
                    None if deferred && !ahead.known => {
                        let rows_read = self.report.rows_read;
                        let waiting = Waiting::of(&said, rows_read, &mut ahead.names);
                        ahead.waiting.push_back(waiting);
                        if ahead.rows.is_empty() {
                            // A handover just went: what the writer has answered since is said now.
                            self.said_of_rows(Answers::Arrived);
                        }
                        return Ok(());
                    }
                    None => {
                        // A row of canbao's own form is said with its cells: at once, the rows before it first.
                        self.said_of_rows_applied();
                        let ahead = self.ahead.as_mut().ok_or(StoreError::ImportFinished)?;
                        ahead.hand_over()?;
                        Some(ahead.next_applied().ok_or(StoreError::ImportFinished)?)
                    }
                }
            }
        };
        self.said_of_applied(said, applied);
        Ok(())
    }

    /// What is said and counted of a row once the import applied it: a row found by a number the drive
    /// corrected away, or by one a spreadsheet rounded from the whole number the pupil holds, is that pupil,
    /// said as such (`applied`), not a pupil imported and flagged.
    fn said_of_applied(&mut self, row: RowApplied<'_>, applied: Option<Applied>) {
        let RowApplied {
            file,
            sheet,
            row_no,
            id_header,
            id_problem,
            mobile,
            invalid,
            odd_age,
            phone,
            named_at,
            header,
            cells,
            unreadable,
            pairing,
            template_unnumbered,
            list_cell,
        } = row;
        // A row without a number for one of several pupils of its name and class is said as left out instead.
        // Only read (a plan), a row without a number paired with another row of the import is the same.
        let number_held = match applied.as_ref() {
            Some(a) => a.outcome.number_held_already() || a.outcome == IncomingOutcome::UnnumberedOfSeveral,
            None => matches!(pairing, Some(Pairing::Kept { .. } | Pairing::Several)),
        };
        // A row without a number that is the pupil held with a flagged one (canbao's batch template leaves such a
        // number out, saying why in 备注) is that pupil, whose number is still to be checked: nothing new.
        let to_check = match applied.as_ref().map(|a| &a.outcome) {
            Some(IncomingOutcome::Updated(m) | IncomingOutcome::Kept(m)) if m.number_to_check.is_some() => {
                Some(m.name.as_str())
            }
            // A template's row without a number found as the pupil of its name and class held without one.
            Some(IncomingOutcome::Updated(_) | IncomingOutcome::Kept(_) | IncomingOutcome::Unchanged)
                if !number_held =>
            {
                template_unnumbered.as_deref()
            }
            None => match &pairing {
                Some(Pairing::ToCheck { name, .. }) => Some(&**name),
                _ => None,
            },
            _ => None,
        };
        // A flagged number that may be the one the pupil of its name and class holds, written another way, is that
        // pupil, still to be checked: nothing new.
        let alike = match applied.as_ref().map(|a| &a.outcome) {
            Some(IncomingOutcome::Updated(m) | IncomingOutcome::Kept(m)) => {
                m.flagged_alike.as_deref().map(|held| flagged_alike_message(&m.name, held))
            }
            _ => None,
        };
        // Her 15-digit number came from a row of this import, not from the drive.
        let paired_row = match &pairing {
            Some(Pairing::ToCheck { valid, .. }) => self.first.seen_at(*valid).map(|seen| seen.place((file, sheet))),
            _ => None,
        };
        // A mobile in the ID column of a row taken as a pupil already held (by name and class) is said as the
        // mobile it is: the pupil's line says only that the row gave no number.
        if let Some(mobile) = mobile.filter(|_| number_held || to_check.is_some()) {
            let shown = quoted(&mobile);
            let message = format!(
                "身份证号码列写的是手机号码“{shown}”，不是身份证号码，未作为号码读入；若是家长或教职工的电话，请从身份证号码列\
                 删去 (the ID number column holds the mobile number “{shown}”, no ID number: not read as one; if it is \
                 a parent's or a staff member's phone, take it out of the ID column)"
            );
            self.problem_in(file, sheet, row_no, id_header, message);
        }
        if let Some(message) = id_problem.filter(|_| !number_held) {
            let message = match (to_check, paired_row) {
                (Some(name), Some((place, place_en))) => format!(
                    "证件号码留空的是本次导入{place}的 {name}：其身份证号码（旧 15 位号码）仍待核实，批量参保模板有意不填，\
                     不是新问题，未另新增 (the empty ID number is {name} of {place_en} of this import, whose old \
                     15-digit number is still to be checked and which the batch template leaves out on purpose: \
                     nothing new, not added twice)"
                ),
                (Some(name), None) => format!(
                    "证件号码留空的是本班已有的 {name}：其身份证号码仍待核实，批量参保模板有意不填，不是新问题，未新增 \
                     (the empty ID number is {name} of this class, held already, whose number is still to be \
                     checked and which the batch template leaves out on purpose: nothing new, not added)"
                ),
                (None, _) => alike.unwrap_or(message),
            };
            self.problem_in(file, sheet, row_no, id_header, message);
        }
        // A row not taken (another name's number, a mask no pupil fits) is said as such of its own.
        let unchanged = match applied.as_ref().map(|a| &a.outcome) {
            Some(IncomingOutcome::Unchanged | IncomingOutcome::Kept(_)) => Some(true),
            Some(
                IncomingOutcome::MaskedUnmatched { .. }
                | IncomingOutcome::OtherName { .. }
                | IncomingOutcome::UnnumberedOfSeveral,
            ) => None,
            _ => Some(false),
        };
        if let (Some(odd), Some(unchanged)) = (odd_age, unchanged) {
            self.problem_in(file, sheet, row_no, id_header, odd.message(unchanged));
        }
        // A pupil the drive holds keeps the phone held: the cell did not empty it.
        let held = matches!(
            applied.as_ref().map(|a| &a.outcome),
            Some(IncomingOutcome::Updated(_) | IncomingOutcome::Unchanged | IncomingOutcome::Kept(_))
        );
        if let (Some(phone), Some(_)) = (phone, unchanged) {
            self.problem_in(file, sheet, row_no, &phone.header, phone.message(held));
        }
        if let Some(unreadable) = unreadable {
            self.status_unreadable(file, (sheet, header), row_no, unreadable);
        }
        // Counted after the duplicate check, so the report agrees with what is stored.
        self.report.id_invalid += usize::from(invalid && !number_held);
        let Some(Applied { mut outcome, status, look_alike, declined_without_reason }) = applied else {
            if let Some(pairing) = &pairing {
                self.paired_said((file, sheet), row_no, id_header, pairing);
            }
            return;
        };
        if let Some(held) = look_alike {
            let message = look_alike_message(&held.number, held.same_birth_date, self.said_as_preview);
            let said = self.report.problems.len();
            self.problem_in(file, sheet, row_no, id_header, message);
            if self.report.problems.len() > said {
                self.look_alikes_said.push((said, held.number));
            }
            // A run of rows said alike continues the first row's notice, made the same way.
            if self.said_as_preview
                && let Some(p) = self.report.problems.get_mut(said)
            {
                p.previewed = true;
            }
        }
        if let (IncomingOutcome::Added, Some(at)) = (&outcome, named_at)
            && let Some(added) = self.school_added.get_mut(at)
        {
            *added += 1;
        }
        self.added_without_school += usize::from(matches!(outcome, IncomingOutcome::Added) && named_at.is_none());
        let held =
            matches!(outcome, IncomingOutcome::Updated(_) | IncomingOutcome::Unchanged | IncomingOutcome::Kept(_));
        self.report.held_without_school += usize::from(held && named_at.is_none());
        self.moves.held += usize::from(held);
        self.moves.stayed += usize::from(match &outcome {
            IncomingOutcome::Unchanged => true,
            IncomingOutcome::Updated(moves) | IncomingOutcome::Kept(moves) => moves.school.is_none(),
            _ => false,
        });
        if status != StatusNote::None {
            let name = match &outcome {
                IncomingOutcome::Updated(moves) | IncomingOutcome::Kept(moves) => moves.name.as_str(),
                _ => "",
            };
            self.status_noted(file, (sheet, header), (row_no, name), status, (cells, list_cell.as_deref()));
        }
        if declined_without_reason {
            self.problem_in(
                file,
                sheet,
                row_no,
                "",
                "名单为不参保，未写原因：学生记为不参保，请按 e（或用 mark 命令的 --reason）补填原因 (declined on the list \
                 with no reason given: the pupil is declined; add the reason in canbao, with e or mark --enrollment \
                 declined --reason)"
                    .to_owned(),
            );
        }
        // The import took the row as the pairing says: said as such, in place of its own line for it.
        let confirmed = match (&pairing, &mut outcome) {
            (Some(Pairing::Kept { number, .. }), IncomingOutcome::Updated(m) | IncomingOutcome::Kept(m))
                if m.number_kept.as_deref() == Some(number) =>
            {
                m.number_kept = None;
                true
            }
            (Some(Pairing::Filled { .. }), IncomingOutcome::Updated(m) | IncomingOutcome::Kept(m))
                if m.unnumbered_taken =>
            {
                m.corrected_number = None;
                true
            }
            // Said only if the pairing it undoes was; the row is said as itself all the same.
            (Some(Pairing::Twin { .. }), _) => true,
            // Two children, each imported as itself: said beside what the row did.
            (Some(Pairing::Apart { .. }), _) => true,
            _ => false,
        };
        if let (Some(pairing), true) = (&pairing, confirmed) {
            self.paired_said((file, sheet), row_no, id_header, pairing);
        }
        self.applied(file, sheet, row_no, id_header, Some(outcome));
    }

    /// `pairing_said`, and the row without a number, counted as an invalid number when read, is no longer one
    /// once a later row gave its pupil a valid number.
    fn paired_said(&mut self, at: (&str, &str), row_no: usize, id_header: &str, pairing: &Pairing) {
        if self.pairing_said(at, row_no, id_header, pairing)
            && let Pairing::Filled { valid, .. } = pairing
        {
            self.report.id_invalid = self.report.id_invalid.saturating_sub(1);
            self.filled_said.push(*valid);
        }
    }

    /// Says what the rows handed to the writer ahead of this point did, in their order and each as at its own
    /// row (`rows_read` as it was then, so runs of rows join as they would row by row): called before anything
    /// else is said, so the report reads as if each row had been applied as it was read.
    fn said_of_rows_applied(&mut self) {
        self.said_of_rows(Answers::All);
    }

    /// `said_of_rows_applied`, of every row or only of those answered (`Answers`). Saying a row answered early is
    /// saying it as at its own row: nothing has been said since it was handed over, or it would have been said
    /// then.
    fn said_of_rows(&mut self, answers: Answers) {
        let Some(ahead) = self.ahead.as_mut() else { return };
        if ahead.waiting.is_empty() || ahead.saying {
            return;
        }
        ahead.saying = true;
        if answers == Answers::All && ahead.hand_over().is_err() {
            ahead.waiting.clear();
        }
        while let Some(ahead) = self.ahead.as_mut()
            && !ahead.waiting.is_empty()
        {
            let applied = match answers {
                Answers::All => ahead.next_applied(),
                Answers::Arrived => match ahead.next_arrived() {
                    Some(applied) => Some(applied),
                    None => break,
                },
            };
            let (Some(applied), Some(waiting)) = (applied, ahead.waiting.pop_front()) else {
                // The writer stopped (its error is the one said): nothing more is said of the rows.
                ahead.waiting.clear();
                break;
            };
            let now = std::mem::replace(&mut self.report.rows_read, waiting.rows_read);
            self.said_of_applied(waiting.as_row(), Some(applied));
            self.report.rows_read = now;
        }
        if let Some(ahead) = self.ahead.as_mut() {
            ahead.saying = false;
        }
    }

    /// What the earlier rows of this import make of `row`, the last row put in `first`: a row giving no ID number
    /// and one giving a valid one, of the same name, school and class (the class however spelled), are one child,
    /// whichever comes first, as two imports make them (`store::import`, `VALID_OF_CLASS`).
    fn pairing(&mut self, row: &Incoming) -> Option<Pairing> {
        let no_number = row.id.normalized.is_empty() && !row.id.is_valid();
        let valid = row.id.valid();
        if !no_number && valid.is_none() {
            return None;
        }
        let index = u32::try_from(self.first.rows.len().checked_sub(1)?).ok()?;
        let class = self.first.rows.last()?.class as usize;
        if self.class_keys.len() <= class {
            self.class_keys.resize(class + 1, None);
        }
        let slot = self.class_keys.get_mut(class)?;
        let label = slot.get_or_insert_with(|| ClassKey::of(&row.grade, &row.class).canonical().into_boxed_str());
        let key = class_name_key(&row.school, label, &row.name);
        let of_class = self.of_class.entry(key.into_boxed_str()).or_default();
        let signs = Signs::of_row(valid.map(|v| v.sex), row.sex, &row.note);
        match valid {
            Some(v) => {
                if let Some((taken, number, ..)) = &of_class.valid {
                    of_class.more.push((index, v.number.as_str().into()));
                    let first_twin = !std::mem::replace(&mut of_class.several, true);
                    let unnumbered = of_class.unnumbered.filter(|_| first_twin && !of_class.unnumbered_several)?;
                    return Some(Pairing::Twin { unnumbered: unnumbered.0, taken: *taken, number: number.clone() });
                }
                let number: Box<str> = v.number.as_str().into();
                let old = v.kind == id_number::IdKind::ResidentConverted;
                // Most rows have no row without a number to pair with: the number is copied only for one that has.
                let unnumbered = of_class.unnumbered.filter(|_| !of_class.unnumbered_several);
                let pairing = unnumbered.map(|(unnumbered, theirs)| match signs.apart(&theirs) {
                    Some(why) => Pairing::Apart { other: unnumbered, why },
                    None => Pairing::Filled { unnumbered, valid: index, number: number.clone() },
                });
                of_class.valid = Some((index, number, old, signs));
                pairing
            }
            None => match &of_class.valid {
                Some(_) if of_class.several => Some(Pairing::Several),
                Some((valid, _, _, theirs)) if signs.apart(theirs).is_some() => {
                    signs.apart(theirs).map(|why| Pairing::Apart { other: *valid, why })
                }
                Some((valid, _, true, _)) => Some(Pairing::ToCheck { name: row.name.as_str().into(), valid: *valid }),
                Some((valid, number, false, _)) => Some(Pairing::Kept { valid: *valid, number: number.clone() }),
                None => {
                    of_class.unnumbered_several = of_class.unnumbered.is_some();
                    of_class.unnumbered.get_or_insert((index, signs));
                    None
                }
            },
        }
    }

    /// The one first row of an earlier file than `file` that `later` is the same child as, one of the two giving a
    /// valid number and the other a number held flagged, by the rules a later import pairs them by: a number typed
    /// wrong for the pupil holding the valid one (`id_number::mistyped_from`, as `store::import` finds
    /// `valid_pupil_mistyped_as`), a valid number correcting a flagged or old 15-digit one (`id_number::flagged_may_be`).
    /// So the files ticked together in one import give what importing them one after the other gives; two rows of one
    /// file stay two entries, as the teacher listed them. Several such rows: none is guessed.
    fn corrected_alike(&self, later: &Incoming, file: &str) -> Option<(u32, Alike)> {
        let earlier =
            |index: u32| self.first.seen_at(index).filter(|seen| seen.file != file && seen.name == later.name);
        // Made only for a row with an earlier row of its name to compare: most rows have none.
        let class = std::cell::OnceCell::new();
        let class = || class.get_or_init(|| ClassKey::parse(&class_label::join(&later.grade, &later.class)));
        let mut found: Vec<(u32, Alike)> = Vec::new();
        match (&later.id.result, later.id.problem()) {
            // An old 15-digit number for the child an earlier file gave with a valid one, of the same name, school and
            // class: that pupil, who keeps the valid number, as a later import takes it (`store::import`).
            (Ok(valid), _) if valid.kind == id_number::IdKind::ResidentConverted => {
                let label = ClassKey::of(&later.grade, &later.class).canonical();
                let key = class_name_key(&later.school, &label, &later.name);
                let of_class = self.of_class.get(key.as_str())?;
                let first = of_class.valid.as_ref().map(|(index, number, ..)| (*index, number));
                let more = of_class.more.iter().map(|(index, number)| (*index, number));
                for (index, number) in first.into_iter().chain(more) {
                    let kind = id_number::check(number, self.today).valid().map(|v| v.kind);
                    if earlier(index).is_some() && kind.is_some_and(|k| k != id_number::IdKind::ResidentConverted) {
                        found.push((index, Alike::OldOfValid { valid: number.clone() }));
                    }
                }
            }
            (Ok(valid), _) => {
                for (index, held, code, school) in self.first.correctable.get(later.name.as_str())? {
                    let Some(seen) = earlier(*index) else { continue };
                    let same_class = **school == *later.school && ClassKey::parse(seen.class) == *class();
                    if id_number::flagged_may_be(&valid.number, held, code, same_class) {
                        found.push((*index, Alike::ValidOfFlagged { first: *index, held: held.clone() }));
                    }
                }
            }
            (_, None | Some(IdProblem::Missing | IdProblem::PrecisionLost)) => return None,
            (_, Some(_)) if id_number::masked_ends(&later.id.normalized).is_some() => return None,
            (_, Some(_)) => {
                let typed = later.id.normalized.as_str();
                // The check character typed wrong or left off: the one valid number of those first 17 digits.
                if let Some(first17) = typed.get(..17).filter(|f| f.bytes().all(|b| b.is_ascii_digit()))
                    && let Ok(value) = first17.parse::<u64>()
                {
                    let check = id_number::check_char(first17.as_bytes());
                    let check_value = if check == 'X' { 10 } else { u64::from(check.to_digit(10)?) };
                    let number = format!("{first17}{check}");
                    if let Some(&index) = self.first.by_number.get(&(value * 11 + check_value))
                        && earlier(index).is_some()
                        && id_number::mistyped_from(&number, typed, false)
                    {
                        found.push((index, Alike::MistypedOfValid { valid: number.into() }));
                    }
                }
                // One place different, only in the row's school and class.
                let label = ClassKey::of(&later.grade, &later.class).canonical();
                let key = class_name_key(&later.school, &label, &later.name);
                if let Some(of_class) = self.of_class.get(key.as_str()) {
                    let first = of_class.valid.as_ref().map(|(index, number, ..)| (*index, number));
                    let more = of_class.more.iter().map(|(index, number)| (*index, number));
                    for (index, number) in first.into_iter().chain(more) {
                        if earlier(index).is_some()
                            && id_number::mistyped_from(number, typed, true)
                            && !found.iter().any(|(f, _)| *f == index)
                        {
                            found.push((index, Alike::MistypedOfValid { valid: number.clone() }));
                        }
                    }
                }
            }
        }
        match (found.pop(), found.is_empty()) {
            (Some(one), true) => Some(one),
            _ => None,
        }
    }

    /// The same child as an earlier row of this import, of the same name, school and class, one of the two giving a
    /// valid number and the other that number shown shorter (4.50202E+17: `id_number::Rounding::Shown`), when
    /// exactly one valid number of the earlier rows of the name, school and class fits the shown one: a shown form
    /// before the whole number (`FirstRows::shown_before_whole`: the pupil takes the whole number), or one of 12
    /// digits or fewer after it, which `FirstRows::printed_alike` does not walk (the range is too wide to walk; the
    /// rows of the name and class are few).
    fn shown_alike(&self, later: &Incoming) -> Option<(FirstSeen<'_>, Alike)> {
        // Looked up only when a first row may be the same child: most rows are no one's repeat.
        let of_class = std::cell::OnceCell::new();
        let of_class = || {
            *of_class.get_or_init(|| {
                let label = ClassKey::of(&later.grade, &later.class).canonical();
                self.of_class.get(class_name_key(&later.school, &label, &later.name).as_str())
            })
        };
        let earlier_valid = || {
            let of_class = of_class();
            let first = of_class.and_then(|c| c.valid.as_ref()).map(|(index, number, ..)| (*index, number));
            let more = of_class.into_iter().flat_map(|c| c.more.iter()).map(|(index, number)| (*index, number));
            first.into_iter().chain(more)
        };
        let shown =
            |number: &str, flagged: &str| id_number::rounding_of(number, flagged) == Some(id_number::Rounding::Shown);
        if later.id.is_valid() {
            let (first, rounded) = self.first.shown_before_whole(later)?;
            // Another valid number of the earlier rows fits it too: which child it is, is not guessed.
            if earlier_valid().any(|(_, number)| shown(number, &rounded)) {
                return None;
            }
            return Some((self.first.seen_at(first)?, Alike::WholeOfRounded { first, rounded }));
        }
        if later.id.problem() != Some(&IdProblem::PrecisionLost)
            || id_number::fifteen_digits_kept(&later.id.normalized).is_some()
            || id_number::shown_range(&later.id.normalized, 13).is_some()
        {
            return None;
        }
        let mut fitting = earlier_valid().filter(|(_, number)| shown(number, &later.id.normalized));
        let (first, whole) = match (fitting.next(), fitting.next()) {
            (Some((first, whole)), None) => (first, whole.clone()),
            _ => return None,
        };
        Some((self.first.seen_at(first)?, Alike::RoundedOfWhole { first, whole }))
    }

    /// The one earlier row of this import, of the masked `row`'s name, school and class (the class however
    /// spelled), whose valid number shows the characters the mask shows (`id_number::MaskedEnds::fits`), with that
    /// number: the same child. None when no such row fits, or several do (which, the mask cannot tell).
    fn masked_of_import(&self, row: &Incoming) -> Option<(u32, Box<str>)> {
        let ends = id_number::masked_ends(&row.id.normalized)?;
        let label = ClassKey::of(&row.grade, &row.class).canonical();
        let of_class = self.of_class.get(class_name_key(&row.school, &label, &row.name).as_str())?;
        let first = of_class.valid.as_ref().map(|(index, number, ..)| (*index, number));
        let more = of_class.more.iter().map(|(index, number)| (*index, number));
        let mut fitting = first.into_iter().chain(more).filter(|(_, number)| ends.fits(number));
        match (fitting.next(), fitting.next()) {
            (Some((index, number)), None) => Some((index, number.clone())),
            _ => None,
        }
    }

    /// What is said of a row paired with another of the import (`Pairing`), once the import applied it as such
    /// (`applied` confirms it) or when only read (a plan): at the row giving no number, naming the other row.
    /// Whether it was said, so the import's own line for it is not said again.
    fn pairing_said(&mut self, (file, sheet): (&str, &str), row_no: usize, id_header: &str, pairing: &Pairing) -> bool {
        let (at, valid, number, name) = match pairing {
            Pairing::Several => {
                self.applied(file, sheet, row_no, id_header, Some(IncomingOutcome::UnnumberedOfSeveral));
                return true;
            }
            // Said in place of the row's empty number (`said_of_applied`).
            Pairing::ToCheck { .. } => return false,
            Pairing::Twin { unnumbered, taken, number } => {
                if self.filled_said.contains(taken) {
                    self.twin_said((file, sheet), row_no, id_header, (*unnumbered, *taken), number);
                }
                return false;
            }
            Pairing::Apart { other, why } => {
                self.apart_said((file, sheet), row_no, id_header, *other, *why);
                return false;
            }
            Pairing::Kept { valid, number } => {
                let Some(seen) = self.first.seen_at(*valid) else { return false };
                ((file.to_owned(), sheet.to_owned(), row_no), *valid, number, seen.name.to_owned())
            }
            Pairing::Filled { unnumbered, valid, number } => {
                let Some(seen) = self.first.seen_at(*unnumbered) else { return false };
                ((seen.file.to_owned(), seen.sheet.to_owned(), seen.row), *valid, number, seen.name.to_owned())
            }
        };
        let Some(seen) = self.first.seen_at(valid) else { return false };
        let (place, place_en) = seen.place((&at.0, &at.1));
        let held = id_number::mask(number);
        let message = match pairing {
            Pairing::Filled { .. } => format!(
                "证件号码留空，按姓名和班级即{place}的 {name}（{held}）：即此学生，身份证号码按该行填上，未另新增 (no ID \
                 number: by name and class the row is {name} of {place_en}, which gives {held}: taken as that \
                 pupil, the number filled in from that row, not added twice)"
            ),
            _ => format!(
                "证件号码留空，按姓名和班级即{place}的 {name}（{held}）：即此学生，身份证号码不变，未另新增 (no ID number: \
                 by name and class the row is {name} of {place_en}, given {held} there: taken as that pupil, the \
                 number kept, not added twice)"
            ),
        };
        // The row's own line, said when it was imported without a number, is the pairing's now: only one is said.
        if let Pairing::Filled { .. } = pairing
            && let Some(said) = self.report.problems.iter_mut().rev().take(PAIRED_LINE_WITHIN).find(|p| {
                (p.file.as_str(), p.sheet.as_str(), p.row, p.rows) == (&at.0, &at.1, Some(at.2), None)
                    && p.message == shown_text(flagged_message(&IdProblem::Missing))
            })
        {
            said.message = shown_text(message);
            return true;
        }
        self.problem_in(&at.0, &at.1, at.2, id_header, message);
        true
    }

    /// At a row of the same name and class as an earlier one (`other`), one of the two giving no ID number, that is
    /// another child all the same (`Pairing::Apart`): both were imported, each as its own pupil.
    fn apart_said(
        &mut self,
        (file, sheet): (&str, &str),
        row_no: usize,
        id_header: &str,
        other: u32,
        why: same_child::Apart,
    ) {
        let Some(seen) = self.first.seen_at(other) else { return };
        let name = seen.name.to_owned();
        let (place, place_en) = seen.place((file, sheet));
        let (why_zh, why_en) = match why {
            same_child::Apart::Sex => ("两行性别不同", "the two give different sexes"),
            same_child::Apart::Note => ("备注写明不是同一人", "a note says they are different children"),
        };
        let message = format!(
            "与{place}的 {name} 同名同班，两行中有一行没有身份证号码，但{why_zh}：不是同一学生，两行分别导入，请核对 \
             (the same name and class as {name} of {place_en}, one of the two rows without an ID number, but {why_en}: \
             not the same child, each row imported as its own pupil; check)"
        );
        self.problem_in(file, sheet, row_no, id_header, message);
    }

    /// At the row without a number that a first row of its name and class was said to be (`Pairing::Filled`), once
    /// a second row (`row_no`) of them gives another valid number: either could be its child.
    fn twin_said(
        &mut self,
        (file, sheet): (&str, &str),
        row_no: usize,
        id_header: &str,
        rows: (u32, u32),
        number: &str,
    ) {
        let (Some(unnumbered), Some(taken)) = (self.first.seen_at(rows.0), self.first.seen_at(rows.1)) else { return };
        let at = (unnumbered.file.to_owned(), unnumbered.sheet.to_owned(), unnumbered.row);
        let name = unnumbered.name.to_owned();
        let (place, place_en) = taken.place((&at.0, &at.1));
        let (twin, twin_en) = if (file, sheet) == (at.0.as_str(), at.1.as_str()) {
            (format!("第 {row_no} 行"), format!("row {row_no}"))
        } else {
            let list = |en| crate::domain::unapplied::list_place(file, sheet, row_no, en);
            (list(false), list(true))
        };
        let held = id_number::mask(number);
        let message = format!(
            "证件号码留空，已按姓名和班级作为{place}的 {name}（{held}）导入，但{twin}另有一名同名同班学生：此行也可能是\
             {twin}的学生，其电话、备注等已记在{place}的学生名下，请核对 (no ID number: by name and class the row was \
             taken as {name} of {place_en} ({held}), but {twin_en} gives another pupil of this name and class, whom the \
             row may be instead; its phone and notes went to the pupil of {place_en}: check)"
        );
        self.problem_in(&at.0, &at.1, at.2, id_header, message);
    }

    /// A 民族 cell as the forms spell it (`ethnicity::normalise`), or the group its GB/T 3304 code names in a column
    /// of codes. A column of names only in the rows read ahead is judged again by each row's cell: its first code
    /// makes it a column of codes from that row, said there, where before the codes were kept as written unsaid.
    fn ethnicity_read(&mut self, cell: &str, (file, sheet): (&str, &Sheet), row_no: usize, header: &str) -> String {
        use crate::domain::ethnicity::{self, Column as Written};
        if self.ethnicity_codes == Written::Names {
            self.ethnicity_codes = Written::Names.then(cell);
            if self.ethnicity_codes == Written::Codes {
                let message = "民族列从此行起写的是国家标准（GB/T 3304）的民族代码（前面的行写的是民族名称）：已按代码读作民族名称，\
                               如“01”→“汉族”、“02”→“蒙古族”，请核对 (from this row on, the 民族 column holds the national \
                               standard's codes, GB/T 3304, where the rows above it wrote the groups' names: each read as \
                               its group's name, such as “01”→“汉族”, “02”→“蒙古族”; check it)";
                self.problem(file, sheet, row_no, header, message.to_owned());
            }
        }
        match ethnicity::by_code(cell).filter(|_| self.ethnicity_codes == Written::Codes) {
            Some(group) => group.to_owned(),
            None => ethnicity::normalise(cell),
        }
    }

    /// A staff table's header that names no 姓名 (「班主任 | 联系电话」, 「教师 | 电话」, 「联系人 | 手机」): a staff word
    /// and another header word, every filled cell a header word, so a footer's 「班主任 | 王老师」 beside its value is
    /// none.
    fn staff_header(&self, row: &[Cell]) -> bool {
        let (mut staff, mut filled) = (false, 0);
        for cell in row.iter().filter(|c| !c.is_empty()) {
            let text = cell.text_ref();
            if self.synonyms.is_staff(&text) {
                staff = true;
            } else if !self.synonyms.is_phone_word(&text) && self.synonyms.column(&text).is_none() {
                return false;
            }
            filled += 1;
        }
        staff && filled >= 2
    }

    /// A staff table's own header with no ID number column (「教师姓名 | 联系电话」, 「班主任 | 电话」, 「教职工姓名 | 联系电话
    /// | 职务」), met as another table's header under the pupils: a cell naming the staff (`Synonyms::is_staff`) or
    /// a column only a staff table has (职务), and none an ID number's.
    fn staff_header_unnumbered(&self, row: &[Cell]) -> bool {
        let mut staff = false;
        for cell in row.iter().filter(|c| !c.is_empty()) {
            let text = cell.text_ref();
            if self.synonyms.column(&text) == Some(Column::IdNumber) {
                return false;
            }
            staff |= self.synonyms.is_staff(&text) || staff_table::staff_header(std::slice::from_ref(cell));
        }
        staff
    }

    /// A staff table's own header (「教师姓名 | 身份证号码 | 职务」, 「教职工姓名 | 身份证号 | 岗位」, 「班主任 | 身份证号码」,
    /// 「教师姓名 | 教师身份证号」): a column naming the staff (教师、教职工、班主任、老师、职工) beside an ID column,
    /// or an ID column named for them, no pupils' 姓名, and every filled cell a header word. Read as a pupil's row,
    /// it was a pupil named 「教职工姓名」, and the adults under it pupils.
    fn staff_table_header(&self, row: &[Cell]) -> bool {
        let staff_id = |text: &str| self.staff_id_header(text);
        let (mut staff_name, mut id) = (false, false);
        for cell in row.iter().filter(|c| !c.is_empty()) {
            let text = cell.text_ref();
            if text.bytes().filter(u8::is_ascii_digit).nth(5).is_some() {
                return false;
            }
            let column = self.synonyms.column(&text);
            if column == Some(Column::Name) {
                return false;
            }
            if column == Some(Column::IdNumber) || staff_id(&text) {
                id = true;
            } else if self.synonyms.is_staff(&text) {
                let word = header::clean(&text);
                staff_name |= STAFF_WORDS.iter().any(|w| word.contains(w));
            } else if column.is_none()
                && !self.synonyms.is_phone_word(&text)
                && !staff_table::staff_header(std::slice::from_ref(cell))
            {
                return false;
            }
        }
        id && (staff_name || row.iter().any(|c| staff_id(&c.text_ref())))
    }

    /// An ID number header named for the staff (「班主任身份证号」, 「教师身份证号」): the staff's number, never a pupil's.
    fn staff_id_header(&self, text: &str) -> bool {
        let word = header::clean(text);
        STAFF_WORDS
            .iter()
            .any(|w| word.strip_prefix(w).is_some_and(|rest| self.synonyms.column(rest) == Some(Column::IdNumber)))
    }

    /// What is said of a teacher's row under a class of children (`children`): a staff word in it (「班主任：罗丽」 in
    /// the name cell, 「班主任」 in a 备注 or 职务 cell, `staff_word`) beside an adult's valid number of
    /// `STAFF_ROW_AGE` or older, in the ID column or written in one of its cells (「班主任：罗丽 4502… 138…」). Such a
    /// row is the class teacher's, left out and said at its row; before, the teacher was imported as a pupil of
    /// the class. A parent's number typed for a child names no staff, and is imported and flagged as before. A
    /// table with a staff table's own column (职务) is judged whole (`staff_table`): one row of a pupil's age reads
    /// all its rows as pupils.
    fn staff_row(&self, sheet: &Sheet, map: &HeaderMap, row: &[Cell], texts: &RowTexts) -> Option<String> {
        if !self.children {
            return None;
        }
        let name_at = map.columns.get(&Column::Name).copied();
        let id_at = map.columns.get(&Column::IdNumber).copied();
        let word = row
            .iter()
            .enumerate()
            .filter(|(at, cell)| Some(*at) != id_at && matches!(cell, Cell::Text(_)))
            .find_map(|(at, _)| staff_word(texts.at(at).unwrap_or_default(), Some(at) == name_at))?;
        let today = self.today;
        let numbers = id_at.and_then(|at| row.get(at)).into_iter().chain(row.iter());
        let age = numbers.filter_map(|cell| adult_number_in(cell, today)).next()?;
        // The header's staff columns are looked for last: asked of every row, they cost more than the row's own
        // words, and matter only to the rare row naming the staff beside an adult's number.
        if age < STAFF_ROW_AGE || sheet.rows.get(map.row).is_some_and(|h| staff_table::staff_header(h)) {
            return None;
        }
        let row = row_text(row);
        Some(format!(
            "此行写有“{word}”，身份证号码显示年龄 {age} 岁，是教职工，不是学生，未导入：{row} (the row says “{word}” and \
             its ID number shows an adult aged {age}: a member of staff, not a pupil, not imported: {row})"
        ))
    }

    /// The kind of a class heading row by what it names: a shortened class (「3.2班」) only where the list's classes
    /// written in full tell its stage (`shortened_sure`).
    fn heading_kind(&self, read: TitleClass, shown: String) -> RowKind {
        match read {
            TitleClass::One(label) => RowKind::Heading(label, shown),
            TitleClass::Several(_) => RowKind::UnsureHeading(shown, Unsure::Several),
            TitleClass::Shortened { year, class, .. } if shortened_sure(&self.list_years.1, year) => {
                RowKind::Heading(format!("{}年级{class}班", class_label::cn_numeral(year)), shown)
            }
            TitleClass::Shortened { year, class, .. } => {
                RowKind::UnsureHeading(shown, Unsure::Shortened { year, class })
            }
        }
    }

    /// Whether a row is a pupil, and if not what it is: a header repeated mid-file, a class heading, a footer, or
    /// nothing that names a child. A row whose ID cell holds an ID's digits is a pupil whatever else it holds;
    /// only the rare row without one is looked at further.
    fn row_kind(
        &self,
        map: &HeaderMap,
        (row, texts): (&[Cell], &RowTexts),
        name: &str,
        id_cell: &Cell,
        id_text: &str,
        block_class: Option<&str>,
    ) -> RowKind {
        // A template's example row (「示例 | 张三 | 4502…」) or its row of 必填/选填 under the header: a made-up
        // pupil, even with a number that passes the check.
        if let Some(cell) = self.example_marker(map, row) {
            return RowKind::Skipped(format!(
                "示例行（“{0}”），不是学生，未导入：{1} (an example row, “{0}”, not a pupil: not imported: {1})",
                quoted(cell.text_ref().trim()),
                row_text(row)
            ));
        }
        let mut filled = row.iter().filter(|c| !c.is_empty());
        if filled.next().is_some_and(|c| self.synonyms.is_fill_in(&c.text_ref()))
            && filled.all(|c| self.synonyms.is_fill_in(&c.text_ref()))
        {
            return RowKind::Skipped(format!(
                "填写说明行（必填、选填），不是学生，未导入：{0} (a row saying which cells must be filled in, 必填 or \
                 选填, not a pupil: not imported: {0})",
                row_text(row)
            ));
        }
        // Two or more header words and no ID number: the header of another table under the pupils (「姓名 | 联系电话」
        // over the teachers'), or the pupils' header repeated in part; never a pupil named 姓名. Naming both the
        // name and the ID number, it is the pupils' own header repeated, said as such below.
        // Read only for a row that needs it: each of a pupil's cells asked as a header word cost more than the rest
        // of the row's reading.
        let header_words = std::cell::OnceCell::new();
        let header_words = || {
            *header_words.get_or_init(|| {
                let mapped = header::map_row(row, self.synonyms);
                (mapped.len(), mapped.contains_key(&Column::Name) && mapped.contains_key(&Column::IdNumber))
            })
        };
        if !row.iter().enumerate().any(|(at, c)| id_shaped(c, texts.at(at).unwrap_or_default()))
            && !header_words().1
            && (header_words().0 >= 2 || self.staff_header(row) || self.staff_table_header(row))
        {
            return RowKind::TableBelow(row_text(row));
        }
        let id_has_digits = match id_cell {
            // A mobile's 11 digits beside no name (a staff table's phone under the ID column): no pupil, said as a
            // row without a name and number.
            _ if !name.chars().any(char::is_alphabetic) && mobile_in_id(id_cell, id_text).is_some() => false,
            Cell::Number(_) => true,
            // A label with a date or a phone in the ID column under the list (「填表日期：2026-09-01」), no name
            // beside it: a footer, looked at as one below.
            _ if !name.chars().any(char::is_alphabetic) && is_label(id_text) => false,
            _ => id_text.bytes().filter(u8::is_ascii_digit).nth(5).is_some(),
        };
        let named = name.chars().any(char::is_alphabetic);
        // A name beside an ID number that passes the check is a pupil whatever the name says (日期, 联系人 typed
        // for a child's name): a footer never holds one, and a pupil left out is lost without a word.
        let valid_id = || {
            named
                && match id_cell {
                    Cell::Number(f) => id_number::check_numeric_cell(*f, self.today).result.is_ok(),
                    _ => {
                        id_text.chars().nth(MAX_ID_CHARS).is_none()
                            && id_number::check(id_text, self.today).result.is_ok()
                    }
                }
        };
        // 「填表日期： | | 2026-09-01」, a date (or no number of an ID's length) in the ID column beside a label: a
        // footer, where the date's digits would make it a nameless pupil, or one named 填表日期.
        // A name beside a class and other cells of a pupil's (canbao's batch template writes a pupil without a
        // number so) is a pupil whatever word it begins with (日期错, 统计), where a footer writes a label and
        // its value. Asked only of a row that looks like a footer otherwise.
        let pupil_row = || named && self.filled_as_pupil(map, row, name);
        // 「3班」 with 「班主任：李老师」 beside it heads class 3: no footer, its pupils are that class's.
        if !id_shaped(id_cell, id_text)
            && self.has_footer_label(map, row, name)
            && !valid_id()
            && !pupil_row()
            && class_heading(map, row).is_none()
        {
            // Quoted as the footers below quote theirs: the name cell where it is the label, else the row.
            let shown = match self.synonyms.is_footer(name) {
                true => quoted(name).into_owned(),
                false => row_text(row),
            };
            return RowKind::Skipped(format!(
                "表尾行“{shown}”，不是学生，已跳过 (a footer row, “{shown}”, not a pupil: skipped)"
            ));
        }
        // A heading merged across the row writes its words in the ID column too: a phone in them (「三年级4班 班主任：
        // 罗丽 电话：139…」) is no pupil's number. Nor is it in a note on another class so merged (「四年级2班学生另表报送
        // 联系人：王老师 138…」): the block above ends at it, as at the note without a phone.
        if id_has_digits && !id_shaped(id_cell, id_text) && !valid_id() {
            if let Some((read, shown)) = class_heading(map, row) {
                return self.heading_kind(read, shown);
            }
            if let Some(shown) = other_class_note(map, row, block_class) {
                return RowKind::UnsureHeading(shown, Unsure::Note);
            }
        }
        if id_has_digits || valid_id() {
            let footer_word = self.synonyms.is_footer(name) || self.synonyms.is_footer_label(name, is_date_text);
            if named && footer_word && valid_id() {
                return RowKind::Flagged(format!(
                    "姓名“{0}”是表尾常写的字样，但此行有有效的身份证号码：已作为学生导入，请核对姓名 (the name “{0}” is a \
                     word footers write, but the row holds a valid ID number: imported as a pupil; check the name)",
                    quoted(name)
                ));
            }
            return RowKind::Pupil;
        }
        // A header repeated mid-file (lists pasted together class by class) is not a pupil named 姓名.
        if header_words().1 {
            return RowKind::Header;
        }
        if let Some((read, shown)) = class_heading(map, row) {
            return self.heading_kind(read, shown);
        }
        // 「四年级2班学生另表报送」 or 「三年级4班转出学生」 between 三年级1班's pupils: whatever the rows under it are, they
        // are not surely 三年级1班's. Only a labelled note (注：…) passes the block on.
        if let Some(shown) = other_class_note(map, row, block_class) {
            return RowKind::UnsureHeading(shown, Unsure::Note);
        }
        // 「补录学生名册」 alone over the rows of a table stacked under another: a title, not a pupil.
        if let Some(title) = list_title(map, row) {
            return RowKind::Skipped(format!(
                "标题行“{0}”，不是学生，已跳过 (a title row, “{0}”, not a pupil: skipped)",
                quoted(&title)
            ));
        }
        // 「注：四年级2班学生另表报送」, 「备注：三年级1班王某转出」: a note on the list, neither a title giving its class
        // to the rows under it nor a section heading saying they may have left; they keep the class the sheet gives.
        if let Some(note) = note_line(map, row) {
            return RowKind::Skipped(format!(
                "说明行“{0}”，不是学生，已跳过 (a note, “{0}”, not a pupil: skipped)",
                quoted(&note)
            ));
        }
        // 「罗丽（班主任）」 with only a phone: the class teacher, as 「班主任：罗丽」 is, not a pupil without a number.
        let name_cell = map.get(Column::Name, row).map(|c| c.text_ref().into_owned()).unwrap_or_default();
        if let Some(word) = staff_duty(&name_cell).filter(|_| self.children) {
            let row = row_text(row);
            return RowKind::Skipped(format!(
                "此行写有“{word}”，是教职工，不是学生，未导入：{row} (the row says “{word}”: a member of staff, not a \
                 pupil, not imported: {row})"
            ));
        }
        if let Some(section) = section_heading(map, row) {
            return RowKind::Section(section);
        }
        // Footers under the list: "合计：3人" or "班主任签字：" where the names are (merged over the ID column too,
        // as canbao's own 班级核对表 writes it, so the test is for an ID's digits, not an empty cell); 合计 in the
        // 序号 column with 「3人」 under 姓名; 「男：2人 女：1人」; 「以下空白」; 制表人 and 填表日期 lines.
        let footerish = |text: &str| self.synonyms.is_footer(text) || is_count(text);
        if named && self.synonyms.is_footer(name) && !pupil_row() {
            return RowKind::Skipped(format!(
                "表尾行“{0}”，不是学生，已跳过 (a footer row, “{0}”, not a pupil: skipped)",
                quoted(name)
            ));
        }
        let leading = row.iter().find(|c| !c.is_empty()).map(Cell::text_ref);
        if (is_count(name)
            || leading.is_some_and(|t| footerish(&t))
            || (!named && row.iter().any(|c| footerish(&c.text_ref()))))
            && !pupil_row()
        {
            return RowKind::Skipped(format!(
                "表尾行“{0}”，不是学生，已跳过 (a footer row, “{0}”, not a pupil: skipped)",
                row_text(row)
            ));
        }
        if !named {
            // A formula without a saved result reads as nothing: the row is said by it, not by an empty text.
            let (mut held, mut held_en) = (row_text(row), String::new());
            held_en.push_str(&held);
            if let Some(formula) = row.iter().find_map(|c| match c {
                Cell::Unevaluated(f) => Some(f),
                _ => None,
            }) {
                let shown = match formula.is_empty() {
                    true => String::new(),
                    false => format!("“={}”", quoted(&super::cell::printable(formula))),
                };
                let sep = if held.is_empty() { "" } else { " " };
                held = format!("{held}{sep}公式{shown}（无计算结果）");
                held_en =
                    format!("{held_en}{sep}a formula{}{shown} with no result", if shown.is_empty() { "" } else { " " });
            }
            return RowKind::Nameless(format!(
                "此行没有姓名和身份证号码，未导入：{held} (no name and no ID number: row not imported: {held_en})"
            ));
        }
        // A name with a footer word elsewhere in the row: most likely a child whose ID is still to come, so kept;
        // but said, as it may be a footer line that happens to hold a name (制表人 … 王老师).
        let own = [map.columns.get(&Column::Name), map.columns.get(&Column::Note)];
        let odd = row.iter().enumerate().find(|(i, c)| !own.contains(&Some(i)) && footerish(&c.text_ref()));
        match odd {
            Some((_, cell)) => RowKind::Flagged(format!(
                "此行没有身份证号码，又有“{0}”，像是表尾行；因有姓名，已作为学生导入，请核对 (no ID number and a \
                 footer word, “{0}”, in the row, but a name: imported as a pupil, check it)",
                quoted(&cell.text_ref())
            )),
            None => RowKind::Pupil,
        }
    }

    /// The row with its name and ID number cells put right, and what to say of it, where the name cell holds an ID
    /// number (valid, failing the check, or a spreadsheet's number form) and the ID number cell a name, or
    /// nothing: the two typed into each other's column, exchanged. Where the ID number cell holds anything else
    /// (the same number again), the name cell is emptied: a number is never stored as a pupil's name, shown whole
    /// on a masked list. `None` for any other row.
    fn name_and_id_swapped(
        &self,
        map: &HeaderMap,
        row: &[Cell],
        typed: bool,
        texts: &RowTexts,
    ) -> Option<(Vec<Cell>, String)> {
        let (&at_name, &at_id) = (map.columns.get(&Column::Name)?, map.columns.get(&Column::IdNumber)?);
        let in_name = row.get(at_name).filter(|_| at_name != at_id)?;
        let text = texts.at(at_name)?;
        // A name cell without a digit holds no number, valid or shaped like one: most rows, answered unchecked.
        if !matches!(in_name, Cell::Number(_))
            && !text.chars().any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
        {
            return None;
        }
        let number = match in_name {
            Cell::Number(f) => id_number::check_numeric_cell(*f, self.today),
            _ => id_number::check(text, self.today),
        };
        if text.chars().nth(MAX_ID_CHARS).is_some() || !(number.is_valid() || looks_like_id_number(in_name, text)) {
            return None;
        }
        let in_id = row.get(at_id).unwrap_or(&Cell::Empty);
        let name = clean_name(&in_id.text_ref());
        let a_name = matches!(in_id, Cell::Text(_))
            && name.chars().any(char::is_alphabetic)
            && !name.chars().any(|c| c.is_ascii_digit())
            && !self.synonyms.is_footer(&name);
        let shown = id_number::mask(&number.normalized);
        let mut cells = row.to_vec();
        if cells.len() <= at_id {
            cells.resize(at_id + 1, Cell::Empty);
        }
        if !a_name && !in_id.is_empty() {
            if let Some(cell) = cells.get_mut(at_name) {
                *cell = Cell::Empty;
            }
            let message = format!(
                "姓名栏填的是身份证号码 {shown}，不作姓名：此行已按身份证号码栏导入并标记姓名缺失，请核对原表并补填姓名 \
                 (the name cell holds the ID number {shown}, not taken as a name: the row was imported by its ID \
                 number cell and flagged as missing its name; check the list and fill in the name)"
            );
            return Some((cells, message));
        }
        cells.swap(at_name, at_id);
        let message = if a_name && typed {
            let name = quoted(&name);
            format!(
                "姓名栏是身份证号码 {shown}，身份证号码栏是“{name}”，像是两栏填反了：已按姓名“{name}”、身份证号码 {shown} \
                 添加，请核对输入 (the name field holds the ID number {shown} and the ID number field “{name}”, as if \
                 the two were typed into each other's field: taken as {name} with {shown}; check what was typed)"
            )
        } else if a_name {
            let name = quoted(&name);
            format!(
                "姓名栏是身份证号码 {shown}，身份证号码栏是“{name}”，像是两栏填反了：已按姓名“{name}”、身份证号码 {shown} \
                 导入，请核对原表 (the name cell holds the ID number {shown} and the ID number cell “{name}”, as if the \
                 two were typed into each other's column: imported as {name} with {shown}; check the list)"
            )
        } else {
            format!(
                "姓名栏是身份证号码 {shown}，身份证号码栏为空：已按身份证号码 {shown} 导入，请核对原表并补填姓名 (the name \
                 cell holds the ID number {shown} and the ID number cell is empty: imported with {shown}; check the \
                 list and fill in the name)"
            )
        };
        Some((cells, message))
    }

    /// The cell marking a row as a template's example (示例, 样例): only where a template puts it, in the 序号
    /// column (or a column before the name where there is none), or as the whole name when the 序号 cell is not
    /// a plain number. A 备注 of 示例 or a pupil named 例 beside the number 1 is a real pupil, never left out.
    fn example_marker<'r>(&self, map: &HeaderMap, row: &'r [Cell]) -> Option<&'r Cell> {
        let is_marker = |c: &Cell| matches!(c, Cell::Text(t) if self.synonyms.is_example(t));
        let seq_at = map.columns.get(&Column::Seq).copied();
        let name_at = map.columns.get(&Column::Name).copied();
        let leading = match (seq_at, name_at) {
            (Some(at), _) => row.get(at).filter(|c| is_marker(c)),
            (None, Some(name)) => row.iter().take(name).find(|c| is_marker(c)),
            (None, None) => None,
        };
        if leading.is_some() {
            return leading;
        }
        // 示例 in the class column (「张示例 | 4502… | 示例」) is no class a pupil is in; a name marked as an
        // example (「（示例）张三」, 「例：李四」) is none whatever its number.
        let class_at = [Column::Class, Column::GradeClass].iter().find_map(|c| map.columns.get(c).copied());
        let marked = |at: Option<usize>, is: &dyn Fn(&str) -> bool| {
            at.and_then(|at| row.get(at)).filter(|c| matches!(c, Cell::Text(t) if is(t)))
        };
        if let Some(cell) = marked(class_at, &|t| self.synonyms.is_example(t))
            .or_else(|| marked(name_at, &|t| self.synonyms.marks_name_as_example(t)))
        {
            return Some(cell);
        }
        let seq_plain = seq_at.and_then(|at| row.get(at)).is_some_and(|c| match c {
            Cell::Number(_) => true,
            _ => {
                let t = c.text();
                !t.is_empty() && t.trim().chars().all(|c| c.is_ascii_digit())
            }
        });
        name_at.and_then(|at| row.get(at)).filter(|c| !seq_plain && is_marker(c))
    }

    /// The cell marking a row of a sheet without a header as a template's example: a 示例 (样例, 填写示例：) in a
    /// cell before its valid ID number, where a template writes it (the 序号, or the name). With no header to say
    /// which column is which, a mark after the number (a 备注) leaves the row a pupil's.
    fn example_before_id(&self, row: &[Cell]) -> Option<String> {
        let at = row.iter().position(|c| holds_id_number(std::slice::from_ref(c), self.today))?;
        row[..at].iter().find_map(|c| match c {
            Cell::Text(t) if self.synonyms.is_example(t) || self.synonyms.marks_name_as_example(t) => {
                Some(t.trim().to_owned())
            }
            _ => None,
        })
    }

    /// Whether a row holding `name` fills in a class (a cell that reads as one, 一年级1班 or 1班) and another cell
    /// beside it as a pupil's row does, none of them a footer's word or label: a pupil's row, not a footer, whatever
    /// its name begins with. A name with a colon is a label's (「制表人：王老师」), and a footer merged across the row
    /// repeats its name in every cell, so neither is.
    fn filled_as_pupil(&self, map: &HeaderMap, row: &[Cell], name: &str) -> bool {
        if name.contains([':', '：']) {
            return false;
        }
        let text_at = |column: Column| {
            let text = map.get(column, row)?.text_ref().trim().to_owned();
            (!text.is_empty() && text != name).then_some(text)
        };
        let Some(class) = [Column::GradeClass, Column::Class].into_iter().find_map(text_at) else { return false };
        if !reads_as_class(&class) {
            return false;
        }
        let own: Vec<usize> = [Column::Seq, Column::Name, Column::Grade, Column::Class, Column::GradeClass]
            .iter()
            .filter_map(|c| map.columns.get(c).copied())
            .collect();
        let footerish = |text: &str| {
            self.synonyms.is_footer(text) || self.synonyms.is_footer_label(text, is_date_text) || is_count(text)
        };
        row.iter().enumerate().any(|(at, c)| {
            let text = c.text_ref();
            let text = text.trim();
            !own.contains(&at) && !text.is_empty() && text != name && text != class && !footerish(text)
        })
    }

    /// A footer label (填表日期, 制表人, 班主任签字 …) in a row whose ID cell holds no ID: in the name, ID or first
    /// filled cell, or anywhere in a row with no name but a label. A name beside a label elsewhere (a 备注 of
    /// 联系人：妈妈) is left to the checks after.
    fn has_footer_label(&self, map: &HeaderMap, row: &[Cell], name: &str) -> bool {
        let label = |c: &Cell| match c {
            Cell::Text(_) | Cell::Digits(_) => self.synonyms.is_footer_label(&c.text_ref(), is_date_text),
            _ => false,
        };
        let name_at = map.columns.get(&Column::Name).copied();
        let id_at = map.columns.get(&Column::IdNumber).copied();
        let first = row.iter().position(|c| !c.is_empty());
        let named = name.chars().any(char::is_alphabetic) && !self.synonyms.is_footer_label(name, is_date_text);
        // A child's name beside a birth date typed in the ID column and 联系人：妈妈 in 备注 stays a pupil.
        row.iter().enumerate().any(|(at, c)| (!named || [name_at, id_at, first].contains(&Some(at))) && label(c))
    }

    /// A class heading row: the rows under it that give no class take its label, until the next one.
    /// A class written without its grade (「2班」) is said as the class its rows go to, of the sheet's `grade`.
    fn heading_begins(
        &mut self,
        (file, sheet): (&str, &Sheet),
        row_no: usize,
        (label, shown): (String, String),
        grade: Option<&str>,
    ) {
        self.heading_ends();
        self.said_of_rows_applied();
        let read = match grade {
            Some(_) if !label.is_empty() && ClassKey::parse(&label).grade == Grade::None => with_grade(&label, grade),
            _ => label.clone(),
        };
        let problem = self.report.problems.len();
        self.problem(file, sheet, row_no, "", heading_message(&read, &shown, 0, 0, 0));
        // Past the problems listed, the heading's line is only counted: none to say again.
        let problem = if self.report.problems.len() > problem { problem } else { usize::MAX };
        if let Some(year) = full_year(&label) {
            self.list_years_add(file, &[year]);
        }
        self.heading =
            Some(Heading { label, read, shown, problem, taken: 0, first: 0, last: 0, unsure: None, rows: Vec::new() });
    }

    /// School years the file's classes written in full name, kept for the file only.
    fn list_years_add(&mut self, file: &str, years: &[u8]) {
        if self.list_years.0 != file {
            self.list_years = (file.to_owned(), Vec::new());
        }
        for &year in years {
            if !self.list_years.1.contains(&year) {
                self.list_years.1.push(year);
            }
        }
    }

    /// The heading's line, now that the rows it gave its class to are known.
    fn heading_ends(&mut self) {
        self.said_of_rows_applied();
        let Some(h) = self.heading.take() else { return };
        if let Some(p) = self.report.problems.get_mut(h.problem) {
            p.message = match h.unsure {
                Some(unsure) => unsure_heading_message(&h.shown, unsure, &h.rows),
                None => heading_message(&h.read, &h.shown, h.taken, h.first, h.last),
            };
        }
    }

    /// A column headed just 「类别」 (`SHORT_CATEGORY_HEADERS`), where the header has no category column, read as the
    /// category column when its cells are categories: every one written among the sheet's first rows a category or
    /// a word saying none, and one at least a category. A department's list heads its column so as often as
    /// 人员类别; a class list's 类别 saying 住校 or 走读 stays unread, as before.
    fn category_by_cells(&self, map: &HeaderMap, header_row: &[Cell], body: &[Vec<Cell>]) -> Option<usize> {
        if map.columns.contains_key(&Column::Category) {
            return None;
        }
        let at = header_row
            .iter()
            .position(|cell| SHORT_CATEGORY_HEADERS.contains(&header::clean(&cell.text()).as_str()))?;
        if map.columns.values().any(|&taken| taken == at) {
            return None;
        }
        let mut any = false;
        for cell in body.iter().filter_map(|row| row.get(at)) {
            let text = cell.text();
            let words: Vec<&str> = crate::domain::category::split_cell(&text).collect();
            for word in words.into_iter().filter(|w| !w.trim().is_empty()) {
                if self.synonyms.is_no_category(word) {
                    continue;
                }
                self.categories.lookup(word)?;
                any = true;
            }
        }
        any.then_some(at)
    }

    /// The category cell's names as marks; a word no category has is reported and left unmarked, or, in a column
    /// taken as the category column by its first rows (`category_by_cells`), left unread and said once for the
    /// column: the list's own 类别 may say 住校 or 走读 further down.
    fn categories_of(
        &mut self,
        list: Option<String>,
        file: &str,
        sheet: &Sheet,
        row_no: usize,
        header: &str,
    ) -> Vec<CategoryMark> {
        let mut categories = Vec::new();
        let Some(list) = list else {
            return categories;
        };
        // A separator inside brackets is part of one name (多重（智力、肢体）), as a reconciliation reads it.
        for word in crate::domain::category::split_cell(&list) {
            if self.synonyms.is_no_category(word) {
                continue;
            }
            match self.categories.lookup(word) {
                Some(c) => {
                    categories.push(CategoryMark { name: c.name.clone(), department: c.department.clone(), year: None })
                }
                None if self.category_by_cells == Some(true) => {}
                None if self.category_by_cells == Some(false) => {
                    self.category_by_cells = Some(true);
                    let word = quoted(word);
                    let message = format!(
                        "「{header}」列的“{word}”不是人员类别，未标记；此列按前面各行读作人员类别，其下不是人员类别的字都不标记，\
                         不再逐行提示 (“{word}” in column “{header}” is no category: not marked; the column is read as \
                         the categories by its first rows, and any other word in it further down is left unmarked, not \
                         said at each row)"
                    );
                    self.problem(file, sheet, row_no, header, message);
                }
                None => self.problem(
                    file,
                    sheet,
                    row_no,
                    header,
                    format!("未知的人员类别“{0}”，未标记 (unknown category “{0}”: not marked)", quoted(word)),
                ),
            }
        }
        categories
    }
}

/// The ID number a 全国学籍号 holds: G (or g) and an ID number that passes the check. Any other cell is none.
fn id_in_student_number(cell: &str, today: NaiveDate) -> Option<String> {
    let number = trim(cell).strip_prefix(['G', 'g', 'Ｇ'])?;
    id_number::check(number, today).result.is_ok().then(|| number.trim().to_owned())
}

/// How a sheet's header lays its pupils out side by side (`RowReader::blocks_said`).
#[derive(Debug, Default)]
struct Layout {
    /// The column each block of pupils starts at, the first's first; empty for a list of one block.
    blocks: Vec<usize>,
    /// A name and ID number beside the list's read as no pupils', watched for a pupil's number.
    beside: Vec<Beside>,
    /// The first column of the second block, read or said by the blocks, never as a header repeated.
    silent_from: Option<usize>,
    /// The staff's columns beside the pupils' header, left unread.
    staff: Option<StaffBeside>,
}

/// The staff's columns beside the pupils' header, none of them read as a pupil's, and none said as an unknown or
/// a repeated header: they are said as the staff's (`staff_beside_said`).
fn leave_staff_beside(map: &mut HeaderMap, silent: &mut Vec<usize>, staff: Option<&StaffBeside>) {
    let Some(staff) = staff else { return };
    map.columns.retain(|_, at| !staff.columns.contains(at));
    map.more_phones.retain(|at| !staff.columns.contains(at));
    silent.extend(staff.columns.clone());
}

/// The staff's columns beside the pupils' header in the same row (`staff_table::block_beside`): no pupil's cells,
/// left unread and said at the header with the rows that fill them, once the table's rows are read.
#[derive(Debug, Clone)]
struct StaffBeside {
    columns: std::ops::Range<usize>,
    /// Their header's words, as written.
    words: String,
    /// The file's rows of the header and of the table's rows that fill them.
    header_row: usize,
    rows: Vec<usize>,
}

impl StaffBeside {
    /// Takes the staff's cells out of a row of the table, noting the row if it filled them.
    fn take(&mut self, row_no: usize, row: &mut [Cell]) {
        let cells = row.get_mut(self.columns.start..self.columns.end.min(row.len())).unwrap_or_default();
        if cells.iter().any(|c| !c.is_empty()) {
            cells.fill(Cell::Empty);
            self.rows.push(row_no);
        }
    }
}

/// A name and ID number beside the list's, left unread: a pupil's number in its ID column refuses the file.
#[derive(Debug, Clone)]
struct Beside {
    id_at: usize,
    /// Its columns as Excel letters, for the refusal.
    columns: String,
}

/// A staff table's own header met under the pupils (`RowReader::staff_below`): with an ID number column, or
/// without one (its words as the report quotes them).
#[derive(Debug, Clone, PartialEq, Eq)]
enum StaffBelow {
    Numbered,
    Unnumbered(String),
}

/// The line of a staff table's own header met under the pupils (`RowKind::TableBelow`): its row, its words as
/// quoted, and what it says of the rows under it (no pupils), which rows proving pupils turn into its other line
/// (`HeaderLine::read_as_pupils`).
struct HeaderLine {
    row: usize,
    shown: String,
    message: String,
}

impl HeaderLine {
    /// What the header says once the rows under it proved pupils by a pupil's number.
    fn read_as_pupils(&self) -> String {
        let shown = &self.shown;
        format!(
            "表头“{shown}”像是教职工表，但其下的行有学生的身份证号码，已作为学生导入；其中身份证号码是成年人的行\
             作为教职工跳过 (the header “{shown}” reads as a staff table's, but the rows under it hold a pupil's \
             ID number: read as pupils; a row with an adult's ID number is skipped as staff)"
        )
    }
}

/// A table held from its header as maybe the staff's (`staff_table::Held`, which knows its header's row) until
/// its rows give their verdict, with what waits on it: the staff title over it, said with the rows left out, the
/// class line of a table stacked under another (`stacked_class`), said only once its rows prove pupils, and the
/// line of a staff table's own header (`HeaderLine`), said as its rows turn out.
struct HeldTable {
    rows: staff_table::Held,
    title: Option<String>,
    class_line: Option<(usize, String)>,
    header_line: Option<HeaderLine>,
}

/// A sheet's tables that may be the staff's: the one held (if any), the rows of one that proved pupils, to read
/// again in order, and the last title row seen (the one over the next header).
#[derive(Default)]
struct StaffRows {
    held: Option<HeldTable>,
    replay: VecDeque<(usize, Vec<Cell>)>,
    title: Option<String>,
}

impl StaffRows {
    /// Holds the table whose header is at the file's row `header_row`; `marked` as the staff's by a title or a
    /// column of its own (职务).
    fn hold(&mut self, header_row: usize, marked: bool, title: Option<String>, today: NaiveDate) -> &mut HeldTable {
        let rows = staff_table::Held::new(header_row, marked, today);
        self.held.insert(HeldTable { rows, title, class_line: None, header_line: None })
    }

    /// A row of the table held (if any) is held with it. A pupil's age ends the hold: the table is pupils, and
    /// its rows are read again from its first (this one last).
    fn row(
        &mut self,
        reader: &mut RowReader<'_>,
        (file, sheet, map): (&str, &Sheet, &HeaderMap),
        (offset, row_no): (usize, usize),
        cells: Vec<Cell>,
    ) {
        let Some(table) = self.held.as_mut() else { return };
        let (name, id) = (map.get(Column::Name, &cells).cloned(), map.get(Column::IdNumber, &cells).cloned());
        if table.rows.hold(offset, row_no, cells, name.as_ref(), id.as_ref()) {
            return;
        }
        if table.rows.ends_before_pupil() {
            // A staff table without an ID number column ends at a pupil's number, as its header's line says: the
            // rows above are left out, and the pupil's row is read.
            let pupil = table.rows.take_last();
            self.ends(reader, file, sheet, row_no - offset);
            self.replay.extend(pupil);
        } else if let Some(table) = self.held.take() {
            let lines = (table.class_line, table.header_line);
            self.pupils(reader, file, sheet, Some(table.rows.header_row), lines, table.rows.rows);
        }
    }

    /// The table held (if any) ended: a staff table's rows are counted, said and left out (`false`); any other's
    /// are put to be read again (`true`: read them before going on).
    fn ends(&mut self, reader: &mut RowReader<'_>, file: &str, sheet: &Sheet, base_row: usize) -> bool {
        let Some(HeldTable { rows, title, class_line, header_line }) = self.held.take() else { return false };
        match rows.end(base_row) {
            Ok(left) => {
                // The staff's own header says the rows under it are no pupils, as they are.
                if let Some(line) = header_line {
                    reader.problem(file, sheet, line.row, "", line.message);
                }
                reader.report.rows_read += left.rows;
                reader.report.skipped += left.rows;
                // A file of nothing but adults is still refused whole (`list_guards::Adults`).
                for &(_, age) in &left.adults {
                    reader.adults.number_read(Some(age));
                }
                // A header without an ID number column over no one (a pupil's row right under it) is said by its
                // own line alone.
                if left.unnumbered.is_none() || left.adults.len() + left.unknown.len() > 0 {
                    reader.problem(file, sheet, left.from, "", left.message(title.as_deref()));
                }
                false
            }
            // Ended showing no pupil's age (names without a number, or numbers read from columns the staff's
            // header does not have): under a staff header of its own, its rows stay another table's.
            Err(rows) => {
                self.pupils(reader, file, sheet, None, (class_line, header_line), rows);
                !self.replay.is_empty()
            }
        }
    }

    /// A held table is no staff's: its class line is said at its header, and its rows put to be read again. Proved
    /// pupils by a pupil's number (`proved_under`: its header row), under a staff table's own header (「教师姓名 |
    /// 身份证号码」, `RowReader::table_below`) they are read as pupils, those without a number before the first
    /// number too: before, they were skipped as rows under another table's. The staff header's line says which.
    fn pupils(
        &mut self,
        reader: &mut RowReader<'_>,
        file: &str,
        sheet: &Sheet,
        proved_under: Option<usize>,
        (class_line, header_line): (Option<(usize, String)>, Option<HeaderLine>),
        rows: Vec<(usize, Vec<Cell>)>,
    ) {
        let proved = reader.table_below.take_if(|(row, _)| Some(*row) == proved_under).map(|(row, _)| row);
        if let Some(header_row) = proved {
            reader.staff_proved_pupils = Some(header_row);
        }
        // Its header says the rows under it were read as pupils, or, where no pupil's number proved them, that
        // they are another table's rows.
        if let Some(line) = header_line {
            let message = match proved == Some(line.row) {
                true => line.read_as_pupils(),
                false => line.message,
            };
            reader.problem(file, sheet, line.row, "", message);
        }
        if let Some((row_no, message)) = class_line {
            reader.problem(file, sheet, row_no, "", message);
        }
        self.replay.extend(rows);
    }
}

/// The age from which an adult's number in a row naming the staff is a teacher's (`RowReader::staff_row`): older
/// than any pupil, a 职高 pupil of 21 or a young parent typed for the child are not taken for one.
const STAFF_ROW_AGE: i32 = 25;

/// Words naming a member of staff in a row's cell (「班主任：罗丽」, 「班主任」 in a 备注 cell), longest first.
const STAFF_ROW_WORDS: [&str; 14] = [
    "副班主任",
    "班主任",
    "任课教师",
    "任课老师",
    "生活老师",
    "保育员",
    "教职工",
    "辅导员",
    "副校长",
    "校长",
    "校医",
    "职工",
    "教师",
    "老师",
];

/// The staff word a cell writes as itself or as a label (「班主任」, 「班主任：罗丽」, 「教师（语文）」), or in the name
/// cell before a name (「班主任罗丽」). A word inside other words (「教师子女」 in 备注) names no one of the staff.
fn staff_word(text: &str, name_cell: bool) -> Option<&'static str> {
    let text = trim(text);
    // A duty in brackets after the name (「罗丽（班主任）」, 「王芳(语文老师)」): the staff's, where a pupil's own duty
    // (「张三（班长）」) names none of these words.
    // Asked of the name cell only: every other cell of every row is asked for a staff word too.
    let duty = if name_cell { duty_after_name(text) } else { None };
    if let Some(word) =
        duty.and_then(|duty| STAFF_ROW_WORDS.iter().find(|w| duty.ends_with(**w) && duty.chars().count() <= 6))
    {
        return Some(word);
    }
    let word = STAFF_ROW_WORDS.iter().find(|w| text.starts_with(**w))?;
    let rest = text[word.len()..].trim_start();
    let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '·';
    let labelled = rest.is_empty() || rest.starts_with([':', '：', '(', '（']) || rest.len() < text.len() - word.len();
    let named = name_cell && (2..=4).contains(&rest.chars().count()) && rest.chars().all(han);
    (labelled || named).then_some(*word)
}

/// The duty a name cell writes after a name, in brackets (「罗丽（班主任）」, 「罗丽【班主任】」) or after a space
/// (「罗丽 班主任」), if it writes one.
fn duty_after_name(text: &str) -> Option<&str> {
    let text = trim(text);
    bracketed_duty(text).or_else(|| {
        let (name, duty) = text.rsplit_once(char::is_whitespace)?;
        (!name.trim().is_empty() && !duty.is_empty()).then_some(duty)
    })
}

/// The staff word a name cell writes as a duty after a name (`duty_after_name`): 「罗丽（班主任）」 → 班主任, where a
/// pupil's own duty (「张三（班长）」) names none.
fn staff_duty(text: &str) -> Option<&'static str> {
    let duty = duty_after_name(text)?;
    STAFF_ROW_WORDS.iter().find(|w| duty.ends_with(**w) && duty.chars().count() <= 6).copied()
}

/// The words in brackets closing a name cell after a name (「罗丽（班主任）」 → 班主任), if it has them.
fn bracketed_duty(text: &str) -> Option<&str> {
    let inner = text.strip_suffix([')', '）', '】', ']'])?;
    let open = inner.rfind(['(', '（', '【', '['])?;
    let name = inner[..open].trim();
    let duty = inner[open..].trim_start_matches(['(', '（', '【', '[']).trim();
    (!name.is_empty() && !duty.is_empty()).then_some(duty)
}

/// The age of the adult whose valid number a cell holds, alone or among its words (「班主任：罗丽 4502… 138…」), if
/// it holds one (`pupil_flags::adult_age`).
fn adult_number_in(cell: &Cell, today: NaiveDate) -> Option<i32> {
    let adult = |born: NaiveDate| crate::domain::pupil_flags::adult_age(born, today);
    if let Some(born) = birth_in(cell, today) {
        return adult(born);
    }
    let text = cell.text_ref();
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| word.len() == 18)
        .find_map(|word| id_number::check(word, today).result.ok())
        .and_then(|valid| adult(valid.birth_date))
}

/// Whether a cell's valid ID number is of a pupil's age (under 22 today: a 高三 or 职高 pupil may be 18 or 19), or
/// a guardian's; `None` for no valid number.
fn child_born(cell: &Cell, today: NaiveDate) -> Option<bool> {
    let born = birth_in(cell, today)?;
    let adult_from = today.checked_sub_months(chrono::Months::new(22 * 12))?;
    Some(born > adult_from)
}

/// Whether the number beside the list, born `beside`, is a pupil's, the row's own pupil born `own`: a minor is; one
/// of 18 to 21 is only when born within the six years a school's pupils span of the row's pupil (a 高三 pupil
/// beside a 高一 one), so a guardian of 20 beside a pupil of seven is none; anyone older is not.
fn pupil_beside(beside: Option<NaiveDate>, own: Option<NaiveDate>, today: NaiveDate) -> bool {
    let Some(born) = beside else { return false };
    let aged = |years: u32| today.checked_sub_months(chrono::Months::new(years * 12));
    match (aged(18), aged(22)) {
        (Some(minor_from), _) if born > minor_from => true,
        (_, Some(adult_from)) if born > adult_from => {
            own.is_none_or(|own| own.checked_sub_months(chrono::Months::new(6 * 12)).is_none_or(|elder| born > elder))
        }
        _ => false,
    }
}

/// The birth date a valid ID number in a cell gives, if it holds one.
fn birth_in(cell: &Cell, today: NaiveDate) -> Option<NaiveDate> {
    let check = match cell {
        Cell::Number(f) if *f >= 1e14 => id_number::check_numeric_cell(*f, today),
        Cell::Text(_) | Cell::Digits(_) => {
            let text = cell.text_ref();
            if text.len() > MAX_ID_CHARS || text.bytes().filter(u8::is_ascii_digit).nth(13).is_none() {
                return None;
            }
            id_number::check(&text, today)
        }
        _ => return None,
    };
    Some(check.result.ok()?.birth_date)
}

/// The columns of a list's block side by side (`header::side_by_side`), as Excel letters: 「E–G」.
fn block_columns(block: usize, blocks: &[usize], width: usize) -> String {
    let start = blocks[block];
    let end = blocks.get(block + 1).map_or(width, |&next| next).max(start + 1);
    match end - start {
        1 => header::column_letter(start),
        _ => format!("{}–{}", header::column_letter(start), header::column_letter(end - 1)),
    }
}

/// The name a further block's rows are said under: the sheet's, with the block and its columns (「六年级6班 第 2 栏
/// E–G 列」), so a problem of its pupil at a row is told from the first block's at the same row.
fn block_sheet_name(sheet: &str, block: usize, blocks: &[usize], width: usize) -> String {
    let columns = block_columns(block, blocks, width);
    let sep = if sheet.is_empty() { "" } else { " " };
    format!("{sheet}{sep}第 {} 栏 {columns} 列", block + 1)
}

/// A row that writes one class over the table and nothing else, no ID among it: 「三年级1班」 merged across the
/// row (the merge puts it in every cell) or written in one cell, also as a list's title (「三年级2班名单」, as
/// teachers title each class's table stacked on one sheet). The label alone in a class column is a pupil's row
/// with nothing else filled in, not a heading. The class, and the row as written.
fn class_heading(map: &HeaderMap, row: &[Cell]) -> Option<(TitleClass, String)> {
    let (label, heading_like) = one_text(map, row).or_else(|| heading_with_asides(map, row))?;
    // 「XX小学四年级2班学生名单」 over a table stacked under another names 四年级2班, not a class 「XX小学四年级2班」;
    // 「四年级2班插班生」, 「2年级3班(名单)」, 「班级：二年级2班」 and 「三年级1班（班主任：罗丽）」 name their class too, and
    // a note none (`title_reading`). One naming two classes (「三年级2班、3班」) or a shortened one (「3-2班」) is a
    // heading still: its block is no longer the class above's.
    let class =
        labelled_reading(&label).or_else(|| labelled_reading(&without_colon(&label)?)).filter(|_| heading_like)?;
    Some((class, label))
}

/// A heading's class with the colon a typist ends it with (「3班：」, 「3班： 班主任：李老师」), the asides after it
/// dropped: read as the class it heads, where the colon made it no title and its pupils went into the class above.
/// `None` where nothing ends in a colon.
fn without_colon(label: &str) -> Option<String> {
    let mut segments: Vec<&str> = label.split_whitespace().collect();
    while segments.len() > 1 && segments.last().is_some_and(|s| title_aside(s)) {
        segments.pop();
    }
    let joined = segments.join(" ");
    let bare = joined.trim_end_matches([':', '：']).trim_end();
    (bare.len() < joined.len() && !bare.is_empty() && !bare.contains([':', '：'])).then(|| bare.to_owned())
}

/// A class heading with the class teacher in a cell of its own beside it (「3班」 | | 「班主任：李老师」): the first
/// cell's text and the asides after it, as one text, where every other cell is an aside a title writes
/// (`title_aside`). Written as a heading as `one_text`'s is: its first cell outside the class columns.
fn heading_with_asides(map: &HeaderMap, row: &[Cell]) -> Option<(String, bool)> {
    let mut cells = row.iter().enumerate().filter(|(_, c)| !c.is_empty());
    let (at, first) = cells.next()?;
    let mut texts = vec![first.text_ref().trim().to_owned()];
    for (_, cell) in cells {
        let text = cell.text_ref();
        if !title_aside(&text) {
            return None;
        }
        texts.push(text.trim().to_owned());
    }
    if texts.len() < 2 || title_aside(&texts[0]) {
        return None;
    }
    let class_columns = [Column::Grade, Column::Class, Column::GradeClass];
    let in_class_column = class_columns.iter().any(|c| map.columns.get(c) == Some(&at));
    Some((texts.join(" "), !in_class_column))
}

/// The school years a list writes in full (三年级, 初一2班, 七年级3班) in its class cells and class headings, for
/// reading a shortened heading (「3.2班」) by them (`shortened_sure`).
fn written_years(map: &HeaderMap, rows: &[Vec<Cell>]) -> Vec<u8> {
    let mut years = Vec::new();
    for row in rows {
        let mut texts: Vec<String> = [Column::Grade, Column::GradeClass, Column::Class]
            .iter()
            .filter_map(|&c| map.get(c, row))
            .map(|c| c.text_ref().into_owned())
            .collect();
        if let Some((TitleClass::One(label), _)) = class_heading(map, row) {
            texts.push(label);
        }
        for year in texts.iter().filter_map(|t| full_year(t)) {
            if !years.contains(&year) {
                years.push(year);
            }
        }
    }
    years
}

/// The school year a class or grade written in full names (三年级2班, 初一, 七年级): none for a shortened one (3.2).
fn full_year(text: &str) -> Option<u8> {
    if class_label::dotted(text).is_some() && !text.contains("年级") {
        return None;
    }
    match ClassKey::parse(text).grade {
        Grade::Year(year) => Some(year),
        _ => None,
    }
}

/// Whether a shortened class's year (3 of 「3.2班」) is surely 三年级, as the list's other classes written in full
/// (`years`) show: all of the school's stage the year reads in (一至六年级 for 3). Beside 初一's classes 3.2 may be
/// 初三2班, and with no class written in full nothing says which.
fn shortened_sure(years: &[u8], year: u32) -> bool {
    let stage = |y: u32| match y {
        1..=6 => 0,
        7..=9 => 1,
        _ => 2,
    };
    !years.is_empty() && years.iter().all(|&y| stage(u32::from(y)) == stage(year))
}

/// A row holding only a list's title (「补录学生名册」, 「学生花名册」), written as a heading is: no pupil. With a date
/// beside it (`dated_title`), a title naming a class is one too: the table under it takes its class as a title's.
fn list_title(map: &HeaderMap, row: &[Cell]) -> Option<String> {
    if let Some((label, heading_like)) = dated_title(map, row) {
        return heading_like.then_some(label);
    }
    let (label, heading_like) = one_text(map, row)?;
    (heading_like && TITLE_ENDINGS.iter().any(|e| label.trim_end().ends_with(e))).then_some(label)
}

/// Words a list's title ends with.
const TITLE_ENDINGS: [&str; 3] = ["花名册", "名册", "名单"];

/// Words of a heading over a part of a class's list (「转出学生」, 「新转入学生（插班）」, 「休学名单」): never in a
/// child's name.
const SECTION_WORDS: [&str; 12] =
    ["学生", "名单", "名册", "插班", "转入", "转出", "转学", "借读", "休学", "退学", "离校", "新生"];

/// Rows heading a part of a class's pupils by sex or by where they live (「男生」, 「女生」, 「走读生」), alone in their
/// row: never a child's name.
const SUB_SECTIONS: [&str; 12] =
    ["男生", "女生", "男", "女", "男同学", "女同学", "走读生", "住校生", "寄宿生", "走读", "住校", "寄宿"];

/// Section headings over pupils leaving the school (「转出学生」, 「已转学」).
const LEAVING_WORDS: [&str; 4] = ["转出", "转学", "退学", "离校"];

/// Whether a section heading lists pupils leaving (「转出学生」, 「已转学」), not ones arriving (「新转学生」).
fn is_leaving(heading: &str) -> bool {
    LEAVING_WORDS.iter().any(|w| heading.contains(w)) && !heading.contains("转入") && !heading.contains('新')
}

/// A row holding one text alone, written as a heading, that heads a part of a class's list (`SECTION_WORDS`), where
/// a pupil would be read with no ID number.
fn section_heading(map: &HeaderMap, row: &[Cell]) -> Option<String> {
    let (label, heading_like) = one_text(map, row)?;
    let label = label.trim();
    let part = SUB_SECTIONS.contains(&label.trim_end_matches([':', '：']).trim_end());
    (heading_like && (part || SECTION_WORDS.iter().any(|w| label.contains(w)))).then(|| label.to_owned())
}

/// A row alone in its text, written as a heading, beginning with a class written in full other than the block's
/// (`block_class`) and no heading of it (`class_heading` read none): a note on that class (「四年级2班学生另表报送」) or
/// a section of its pupils (「三年级4班转出学生」). A labelled note (注：…) is none.
fn other_class_note(map: &HeaderMap, row: &[Cell], block_class: Option<&str>) -> Option<String> {
    let block = ClassKey::parse(block_class?);
    let (label, heading_like) = one_text(map, row)?;
    let label = label.trim();
    if !heading_like || is_note(label) {
        return None;
    }
    let named = [label, header::after_school(label)].into_iter().find_map(|text| {
        let end = text.char_indices().find(|&(_, c)| c == '班').map(|(at, c)| at + c.len_utf8())?;
        let class = &text[..end];
        (reads_as_class(class) && full_year(class).is_some()).then_some(class)
    })?;
    (ClassKey::parse(named) != block).then(|| label.to_owned())
}

/// A row holding one note alone, written as a heading is (「注：四年级2班学生另表报送」, 「四年级2班学生另表报送」).
fn note_line(map: &HeaderMap, row: &[Cell]) -> Option<String> {
    let (label, heading_like) = one_text(map, row)?;
    let label = label.trim();
    let note = is_note(label) || ["另表", "报送"].iter().any(|v| label.contains(v));
    (heading_like && note).then(|| label.to_owned())
}

/// The one class a title names, with the words a title writes around it: the school and the term before it
/// (「柳州市实验小学 三年级1班 学生花名册」, 「2026年秋季四年级2班名单」), the list's words after it (学生名单, 花名册,
/// 插班生, 信息登记表 …, `TITLE_AFTER_CLASS`), and an aside in brackets or after a space giving the term or a date
/// (「（2026年秋季）」), the class teacher (「（班主任：罗丽）」), a count (「（共45人）」) or the school. Anything else
/// beside the class makes the text no title: a note mentions a class without being its list (「注：四年级2班学生另表
/// 报送」, 「备注：三年级1班王某转出」, `is_note`), and taken as a title it moved the pupils under it into that class.
/// The class as the title writes it (「三年级（2）班」), `None` for a text that is no title of one class.
fn class_in_title(text: &str) -> Option<String> {
    match title_reading(text)? {
        TitleClass::One(class) => Some(class),
        // 「3.2班」 as a sheet's name or a title reads as its class still; 「3-2班」, 「3/2班」 never did.
        TitleClass::Shortened { written, .. } if !written.contains(CLASS_LIST_MARKS) => Some(written),
        TitleClass::Shortened { .. } | TitleClass::Several(_) => None,
    }
}

/// Marks between the classes a text names (「四年级1班、2班」, 「三年级2班至5班」): each makes it name several.
const CLASS_LIST_MARKS: [char; 10] = ['、', ',', '，', '/', '和', '及', '与', '至', '-', '~'];

/// What a title or a class heading names, with the words around it taken off (`class_in_title`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum TitleClass {
    /// One class, as written (「三年级（2）班」).
    One(String),
    /// Several classes (「三年级2班、3班」, 「三年级2班和三年级3班」): as written.
    Several(String),
    /// A class written by its year and number alone (「3.2班」, 「3-2班」): 三年级2班, or 初三2班 in a junior
    /// school's list; as written, with the year and class it reads as.
    Shortened { written: String, year: u32, class: u32 },
}

/// What a class heading inside a list, a sheet's name or a file's name names: as a title (`title_reading`), or
/// after a label (「班级：二年级2班」, 「班级:二年级2班」). Over the header a label line is `class_line`'s.
fn labelled_reading(text: &str) -> Option<TitleClass> {
    let text = text.trim();
    let reading = |text: &str| title_reading(text).or_else(|| class_first(text));
    reading(text).or_else(|| {
        let rest = unlabelled(text);
        (rest.len() < text.len()).then(|| reading(rest)).flatten()
    })
}

/// The class a heading or a name begins with, written in full (三年级4班, 三年级（4）班, 2年级3班), whatever words
/// follow it (「三年级4班补录」, 「三年级4班（续）」, 「三年级4班:」, 「三年级4班 班主任：罗丽 电话：…」, 「三年级2班 - 副本」):
/// a school's lists go on after their class with more words than any list of them holds. None where the words
/// after it make it a note about the class (「三年级4班学生另表报送」, 「三年级4班转出学生」), or the text is a note
/// (注：…): the rows under such a line are not that class's list. Words naming another class after it
/// (「三年级4班、5班补录」) make it name several.
fn class_first(text: &str) -> Option<TitleClass> {
    const NOTE_WORDS: [&str; 11] = ["转出", "转学", "另表", "报送", "退学", "离校", "休学", "未", "不", "请", "须"];
    let text = text.trim();
    if is_note(text) {
        return None;
    }
    let school_off = header::after_school(text);
    for text in [text, school_off] {
        let Some(end) = text.char_indices().find(|&(_, c)| c == '班').map(|(at, c)| at + c.len_utf8()) else {
            continue;
        };
        let (class, rest) = text.split_at(end);
        // A closing bracket of the class's number (三年级（4）班) is the class's; one after 班 begins the words.
        if !reads_as_class(class) || full_year(class).is_none() || rest.trim().is_empty() {
            continue;
        }
        let others = rest.replace("班主任", "").replace("班长", "").replace("班干部", "");
        // 「三年级4班未交费学生」 lists the class's pupils who have not paid: its words say which of the class's pupils
        // the list holds, as 补录 does, where 「三年级4班学生另表报送」 says something of the class.
        if qualifies_list(rest) {
            return Some(TitleClass::One(class.to_owned()));
        }
        if NOTE_WORDS.iter().any(|w| rest.contains(w)) {
            return None;
        }
        // A list mark right after the class (「三年级2班、张三」) lists something beside it, a class or not; a dash
        // after a space (「三年级2班 - 副本」), or before a copy's word (「三年级2班-副本」), only sets words apart.
        let copy = rest.strip_prefix(['-', '~']).is_some_and(|after| {
            let after = after.trim_start().to_lowercase();
            ["副本", "复制", "copy"].iter().any(|w| after.starts_with(w))
        });
        let listed = rest.starts_with(CLASS_LIST_MARKS.as_slice()) && !copy;
        if listed && !others.contains('班') {
            return None;
        }
        if others.contains('班') {
            return Some(TitleClass::Several(text.to_owned()));
        }
        return Some(TitleClass::One(class.to_owned()));
    }
    None
}

/// Whether words after a class say which of its pupils the list holds, as a pupil is added: not yet paid nor
/// registered. Read by their shape, as schools word it more ways than any list of phrases holds: a word of not yet
/// (未, 尚未, 暂未, 待, 欠 …), then only words of paying or registering (缴费, 交费, 缴纳, 缴清, 参保, 登记 …), and a 的
/// after: 「未交费」, 「待缴费」, 「尚未缴纳」, 「欠缴」, 「欠费」, 「未参保缴费的」. The list's words say nothing its pupils'
/// statuses do not already. A word of anything else (「待审核」, 「未到校」) makes them none.
fn list_qualifier(words: &str) -> bool {
    const NOT_YET: [&str; 10] = ["尚未", "暂未", "还未", "仍未", "还没有", "没有", "未", "待", "应", "欠"];
    const DEEDS: [&str; 14] =
        ["参保", "登记", "缴纳", "缴费", "交费", "缴款", "交款", "缴清", "交清", "缴齐", "交齐", "缴", "交", "费"];
    let words = words.strip_suffix('的').unwrap_or(words);
    let Some(mut rest) = NOT_YET.iter().find_map(|w| words.strip_prefix(w)) else {
        return false;
    };
    let mut deeds = 0;
    while let Some(deed) = DEEDS.iter().find(|d| rest.starts_with(**d)) {
        rest = &rest[deed.len()..];
        deeds += 1;
    }
    deeds > 0 && rest.is_empty()
}

/// Statuses a heading, a file's or a sheet's name may state of its pupils that the import does not record
/// (「三年级4班不参保学生名单」, 「三年级4班已缴费学生」): the class is given, the status said unrecorded
/// (`stated_status`), as a school's 是否参保 否 records none. A 不参保 wants its reason, a payment its amount and date,
/// and 已参保 does not say who paid. Longer words first, so the word said is the one written.
const STATED_STATUSES: [&str; 11] =
    ["放弃参保", "拒绝参保", "不参保", "异地参保", "已参保", "已登记", "已交费", "已缴费", "财政代缴", "已交", "已缴"];

/// The status a class heading, a file's or a sheet's name states of its pupils and the import does not record
/// (`STATED_STATUSES`), read in the words after its class: 「三年级4班不参保学生名单」 → 不参保.
fn stated_status(text: &str) -> Option<&'static str> {
    let after = text.char_indices().find(|&(_, c)| c == '班').map_or(text, |(at, c)| &text[at + c.len_utf8()..]);
    STATED_STATUSES.iter().copied().find(|w| after.contains(w))
}

/// What is said of a status a heading or a name states (`stated_status`): not recorded, to be checked.
fn stated_status_message(what: &str, what_en: &str, text: &str) -> Option<String> {
    let word = stated_status(text)?;
    Some(format!(
        "{what}写明“{word}”，这些学生的参保缴费状态未据此记录，请核对后在 canbao 中标记 ({what_en} states “{word}”: \
         those pupils' statuses were not recorded from it; check them and mark them in canbao)"
    ))
}

/// A title's words with the asides in brackets after it (`title_aside`, `after_class_words`) and the trailing
/// `words` taken off, over and over: 「三年级4班不参保学生名单（共3人）」 → 「三年级4班不参保」 with the list's nouns.
fn strip_title_tail<'t>(text: &'t str, words: &[&str]) -> &'t str {
    let mut rest = text;
    loop {
        let before = rest;
        if let Some(close) = rest.chars().next_back().filter(|c| ")）】]".contains(*c)) {
            let opens: &[char] = if matches!(close, ')' | '）') { &['(', '（'] } else { &['【', '['] };
            if let Some(open) = rest.rfind(opens) {
                let open_len = rest[open..].chars().next().map_or(0, char::len_utf8);
                // A class number in brackets (三年级（2）) is the class's, no aside: it stays.
                let inner = &rest[open + open_len..rest.len() - close.len_utf8()];
                if title_aside(inner) || after_class_words(inner) {
                    rest = &rest[..open];
                }
            }
        }
        if let Some(word) = words.iter().find(|w| rest.ends_with(*w)) {
            rest = &rest[..rest.len() - word.len()];
        }
        rest = rest.trim_end();
        if rest == before {
            return rest;
        }
    }
}

/// Whether the words after a class only say which of its pupils the list holds (「未交费学生」, 「学生未参保」,
/// 「不参保学生名单（共3人）」): a qualifier (`list_qualifier`, or a status it states, `STATED_STATUSES`), with 学生
/// before it or a list's words and an aside after it. A word more makes it a note (「学生未交费的请尽快缴纳」).
fn qualifies_list(rest: &str) -> bool {
    const LIST_NOUNS: [&str; 6] = ["学生名单", "名单", "名册", "学生", "人员", "统计表"];
    let rest = strip_title_tail(rest.trim(), &LIST_NOUNS);
    let rest = rest.strip_prefix("学生").unwrap_or(rest).trim_start();
    list_qualifier(rest) || STATED_STATUSES.contains(&rest)
}

/// The class a title begins with, written in full, where the words after it only say which of the class's pupils the
/// list holds (`qualifies_list`): 「三年级4班未交费学生」, 「XX小学三年级4班不参保学生名单」 → 三年级4班.
fn qualified_class(text: &str) -> Option<String> {
    [text, header::after_school(text)].into_iter().find_map(|text| {
        let end = text.char_indices().find(|&(_, c)| c == '班').map(|(at, c)| at + c.len_utf8())?;
        let (class, rest) = text.split_at(end);
        (reads_as_class(class) && full_year(class).is_some() && qualifies_list(rest)).then(|| class.to_owned())
    })
}

/// The one class a sheet's or a file's name names, as a title or after a label (`labelled_reading`).
fn class_in_name(text: &str) -> Option<String> {
    let text = text.trim();
    // A copy's or a supplement's words after the class (「三年级2班 - 副本」, 「三年级2班(1)」, 「三年级2班（补录）」) are
    // read past as a heading's are (`class_first`).
    let reading = |text: &str| {
        class_in_title(text).or_else(|| match class_first(text)? {
            TitleClass::One(class) => Some(class),
            TitleClass::Several(_) | TitleClass::Shortened { .. } => None,
        })
    };
    reading(text).or_else(|| {
        let rest = unlabelled(text);
        (rest.len() < text.len()).then(|| reading(rest)).flatten()
    })
}

/// A label a class is written after (「班级：二年级2班」, 「班级:二年级2班」): the text after it, else the text.
fn unlabelled(text: &str) -> &str {
    const LABELS: [&str; 9] =
        ["所在年级班级", "年级班级", "所在班级", "就读班级", "班级名称", "班级", "班别", "班名", "班"];
    for label in LABELS {
        if let Some(rest) = text.strip_prefix(label)
            && let Some(value) = rest.trim_start().strip_prefix([':', '：'])
        {
            return value.trim_start();
        }
    }
    text
}

/// Whether a text is only words a title writes after its class (「名单」, 「女生」, 「学生名单」): an aside of them in
/// brackets (「2年级3班(名单)」) is taken off as they are.
fn after_class_words(text: &str) -> bool {
    let mut rest = text.trim();
    while let Some(word) = TITLE_AFTER_CLASS.iter().find(|w| rest.ends_with(*w)) {
        rest = rest[..rest.len() - word.len()].trim_end();
    }
    rest.is_empty() && !text.trim().is_empty()
}

fn title_reading(text: &str) -> Option<TitleClass> {
    if is_note(text) {
        return None;
    }
    // An aside after a space (「三年级1班学生名单 班主任：罗丽」, 「三年级2班 男生」) is dropped as one in brackets is.
    let mut segments: Vec<&str> = text.split_whitespace().collect();
    while segments.len() > 1 && segments.last().is_some_and(|s| title_aside(s) || after_class_words(s)) {
        segments.pop();
    }
    let joined = segments.concat();
    let rest = strip_title_tail(&joined, &TITLE_AFTER_CLASS);
    // A label line (「班级：三年级2班」) is read by `class_line`, or by `labelled_reading` inside a list; a colon
    // left here is no title's.
    if rest.contains([':', '：']) {
        return None;
    }
    // A class written with its year as a digit (「2年级3班」, 「3.2班」) is no year and term before the class, nor is a
    // class written by its number alone (「2班」, 「（2）班」), as a grade's list heads each class's block under the
    // grade's title: its digits are no year of a term, and the grade is the title's or the name's.
    let after = match ClassKey::parse(rest).grade {
        Grade::Year(_) if reads_as_class(rest) => rest,
        Grade::None if numbered_without_grade(&class_label::normalize(rest)) => rest,
        _ => header::after_school(rest),
    };
    if NOTE_VERBS.iter().any(|v| header::after_school(&joined).contains(v)) {
        // 「三年级4班未交费学生」, 「三年级4班不参保学生名单」 say which of the class's pupils the list holds, as a class
        // heading so written does (`class_first`): the class is the title's, a status it states is said unrecorded.
        return qualified_class(&joined).map(TitleClass::One);
    }
    // Words before the grade that are no school's name (「以上为四年级2班」, 「城中区四年级2班」) are no title's.
    let grade_alone = !matches!(ClassKey::parse(after).grade, Grade::Other(g) if g.contains("年级"));
    if !grade_alone {
        return None;
    }
    // 「3年2班」 writes its grade's word: read as 三年级2班, as ever.
    if !after.contains('年')
        && let Some((year, class)) = class_label::dotted(after).filter(|_| after.ends_with('班'))
    {
        return Some(TitleClass::Shortened { written: after.to_owned(), year, class });
    }
    // One class: 「四年级1班、2班名单」 names two, and gives none.
    if !after.contains(CLASS_LIST_MARKS) {
        // 「三年级4班欠缴学生名单」: words after the class that only say which of its pupils the list holds.
        return match reads_as_class(after) {
            true => Some(TitleClass::One(after.to_owned())),
            false => qualified_class(&joined).map(TitleClass::One),
        };
    }
    several_classes(after).then(|| TitleClass::Several(after.to_owned()))
}

/// Whether a text names several classes and nothing else: 「三年级2班、3班」, 「三年级2班和三年级3班」, 「三年级2、3班」,
/// 「三年级2班至5班」. The first names its class (its 班 may come at the end), each other a class or its number.
fn several_classes(text: &str) -> bool {
    if !text.ends_with('班') {
        return false;
    }
    let parts: Vec<&str> = text.split(CLASS_LIST_MARKS).map(str::trim).collect();
    let number = |p: &str| {
        let n = p.strip_suffix('班').unwrap_or(p);
        let n = class_label::normalize(n);
        (1..=3).contains(&n.chars().count())
            && n.chars().all(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
    };
    let class = |p: &str| reads_as_class(p) || (!p.ends_with('班') && reads_as_class(&format!("{p}班")));
    parts.len() >= 2 && class(parts[0]) && parts[1..].iter().all(|p| class(p) || number(p))
}

/// Words a title writes after the class it names (「四年级2班学生名单」, 「四年级2班插班生」, 「三年级1班学生信息登记表」),
/// taken off its end one after the other: longest first, so 学生名单 goes whole.
const TITLE_AFTER_CLASS: [&str; 27] = [
    "学生名单",
    "花名册",
    "名册",
    "名单",
    "插班生",
    "新生",
    "男生",
    "女生",
    "住校生",
    "寄宿生",
    "走读生",
    "借读生",
    "学生",
    "信息表",
    "登记表",
    "统计表",
    "一览表",
    "汇总表",
    "明细表",
    "信息",
    "参保",
    "医保",
    "缴费",
    "汇总",
    "明细",
    "男",
    "女",
];

/// Words that make a line a note about the pupils, never a title: 转出, 另表报送, 未, 不 …
const NOTE_VERBS: [&str; 10] = ["转出", "转入", "转学", "另表", "报送", "未", "不", "已", "请", "须"];

/// Whether a line is a note (注：…, 备注：…, 说明：…, 附：…, 另：…, 其中…, 以上…): what it says of a class is no title.
fn is_note(text: &str) -> bool {
    let text = text.trim_start_matches(|c: char| c.is_whitespace() || "*※★●■◆#".contains(c));
    let labelled = ["备注", "说明", "注意", "温馨提示", "提示", "注", "附", "另"].iter().any(|w| {
        text.strip_prefix(w).is_some_and(|rest| {
            rest.starts_with(|c: char| c.is_whitespace() || c.is_ascii_digit() || ":：、.．".contains(c))
        })
    });
    labelled || ["其中", "以上", "另表", "附件"].iter().any(|w| text.starts_with(w))
}

/// An aside a title writes beside its class, in brackets or after a space: the term or a date (2026年秋季,
/// 2024-2025学年第一学期, 填表日期：2026-09-01), the class teacher (班主任：罗丽), a count (共45人) or the school.
fn title_aside(text: &str) -> bool {
    let text: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if text.is_empty() {
        return false;
    }
    const TEACHER: [&str; 8] = ["班主任老师", "副班主任", "班主任", "任课教师", "任课老师", "辅导员", "教师", "老师"];
    if let Some(name) = TEACHER.iter().find_map(|w| text.strip_prefix(w)) {
        let name = name.trim_start_matches([':', '：']);
        let han = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
        // A name (and a phone): nothing a note says (「班主任：罗丽，未报送」).
        return name.chars().count() <= 24
            && name.chars().all(|c| han(c) || c.is_ascii_digit() || "·、,，-".contains(c))
            && !NOTE_VERBS.iter().any(|v| name.contains(v));
    }
    is_count(&text) || term_or_date(&text) || header::after_school(&text).is_empty()
}

/// A term or a date as a title's aside writes it: 2026年秋季, 2026秋, 2024-2025学年第一学期, 2026年9月1日, 制表日期：
/// 2026.9.1. Some digit or season is in it, and nothing else but the words of a term.
fn term_or_date(text: &str) -> bool {
    const LABELS: [&str; 6] = ["填表日期", "制表日期", "统计日期", "日期", "截至", "截止"];
    const TERM: [&str; 17] = [
        "学年度",
        "学年",
        "年度",
        "秋季",
        "春季",
        "上学期",
        "下学期",
        "第一",
        "第二",
        "学期",
        "入学",
        "级",
        "届",
        "秋",
        "春",
        "年",
        "月",
    ];
    let text = LABELS.iter().find_map(|w| text.strip_prefix(w)).unwrap_or(text).trim_start_matches([':', '：']);
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let mut rest = text;
    let mut dated = false;
    loop {
        let before = rest;
        rest = rest.trim_start_matches(|c: char| digit(c) || "-—－~～至/.．".contains(c));
        dated |= rest.len() < before.len();
        if let Some(word) = TERM.iter().chain(&["日", "号"]).find(|w| rest.starts_with(**w)) {
            dated |= ["秋季", "春季", "秋", "春", "上学期", "下学期", "第一", "第二"].contains(word);
            rest = &rest[word.len()..];
        }
        if rest == before {
            return rest.is_empty() && dated;
        }
    }
}

/// The one text a row holds (in one cell, or in every cell of a merge), and whether it is written as a heading:
/// merged, or in one cell outside the class columns.
fn one_text(map: &HeaderMap, row: &[Cell]) -> Option<(String, bool)> {
    let mut cells = row.iter().enumerate().filter(|(_, c)| !c.is_empty());
    let (at, first) = cells.next()?;
    let label = first.text_ref();
    let mut count = 1;
    for (_, cell) in cells {
        if cell.text_ref() != label {
            return None;
        }
        count += 1;
    }
    let class_columns = [Column::Grade, Column::Class, Column::GradeClass];
    let in_class_column = class_columns.iter().any(|c| map.columns.get(c) == Some(&at));
    Some((label.into_owned(), count > 1 || !in_class_column))
}

/// A title with its date beside it (「XX小学四年级2班学生名单 | | 2026-09-01」, 「学生花名册 | 制表日期：2026-09-01」):
/// the title's one text, as `one_text` gives it, where every other cell is a date. Only a text a title writes
/// (ending in 名单/名册/花名册, or naming a class) is taken: a name beside a date is a pupil without a number.
fn dated_title(map: &HeaderMap, row: &[Cell]) -> Option<(String, bool)> {
    let dated = |c: &Cell| {
        let text = c.text_ref();
        let value = text.rsplit([':', '：']).next().unwrap_or_default();
        is_date_text(&text) || (text.contains([':', '：']) && text.contains("日期") && is_date_text(value))
    };
    let undated: Vec<Cell> = row.iter().map(|c| if dated(c) { Cell::Empty } else { c.clone() }).collect();
    if undated.iter().filter(|c| !c.is_empty()).count() == row.iter().filter(|c| !c.is_empty()).count() {
        return None;
    }
    let (label, heading_like) = one_text(map, &undated)?;
    let trimmed = label.trim();
    let title = TITLE_ENDINGS.iter().any(|e| trimmed.ends_with(e)) || class_in_title(trimmed).is_some();
    title.then_some((label, heading_like))
}

/// The report's line for a class heading row: what it is and which rows took its class.
fn heading_message(label: &str, shown: &str, taken: usize, first: usize, last: usize) -> String {
    let label = quoted(label);
    let shown = quoted(shown);
    let (rows, rows_en) = match taken {
        0 => ("其下没有行取此班级".to_owned(), "no row under it took its class".to_owned()),
        1 => (format!("其下 1 行（第 {first} 行）归入此班"), format!("1 row under it (row {first}) is put in {label}")),
        _ => (
            format!("其下 {taken} 行（第 {first} 至 {last} 行）归入此班"),
            format!("{taken} rows under it (rows {first} to {last}) are put in {label}"),
        ),
    };
    let class = if shown == label { String::new() } else { format!("（班级“{label}”）") };
    let status = stated_status_message("；标题", "; the heading", &shown).unwrap_or_default();
    format!(
        "班级标题行“{shown}”{class}，不是学生，已跳过；{rows}，写有班级的行按所写 (a class heading row, “{shown}”, not a \
         pupil: skipped; {rows_en}; a row that writes its class keeps it){status}"
    )
}

/// Why a class heading gives its block no class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unsure {
    /// It names two classes or more (「三年级2班、3班」).
    Several,
    /// It writes the year and the class alone (「3-2班」), and the list's other classes leave the year in doubt.
    Shortened { year: u32, class: u32 },
    /// It begins with another class than its block's and says something of it (「四年级2班学生另表报送」,
    /// 「三年级4班转出学生」), no title of that class's list: the block above ends at it.
    Note,
}

/// The report's line for a class heading whose class is not known (`Unsure`), with the rows under it that wrote no
/// class of their own: put in none, never in the class above.
fn unsure_heading_message(shown: &str, unsure: Unsure, rows: &[usize]) -> String {
    let shown = quoted(shown);
    let (why, why_en) = match unsure {
        Unsure::Several => (
            "写了两个或更多班级，不能确定其下各行是哪个班的".to_owned(),
            "names two classes or more: which of them each row under it is in is not known".to_owned(),
        ),
        Unsure::Note => (
            "写的是另一个班级的情况，不是该班名单的标题，上面的班级到此为止，不能确定其下各行是哪个班的".to_owned(),
            "says something of another class than the one above and is no title of that class's list: the class \
             above ends here, and which class each row under it is in is not known"
                .to_owned(),
        ),
        Unsure::Shortened { year, class } => {
            let full = format!("{}年级{class}班", class_label::cn_numeral(year));
            let other = match year {
                1..=3 => format!("，也可能是初{0}{class}班或高{0}{class}班", class_label::cn_numeral(year)),
                _ => String::new(),
            };
            (
                format!("是年级和班号的简写，名单中其他写全的班级不能确定它是哪个年级的班（可能是{full}{other}）"),
                format!(
                    "writes only the year and the class, and the list's other classes written in full do not tell \
                     which grade it is ({full}, or a junior or senior school's year)"
                ),
            )
        }
    };
    let listed: Vec<String> = rows.iter().take(5).map(usize::to_string).collect();
    let more = if rows.len() > 5 { " …" } else { "" };
    let (under, under_en) = match rows.len() {
        0 => ("其下没有不写班级的行".to_owned(), "no row under it leaves its class empty".to_owned()),
        n => (
            format!(
                "其下没有写班级的 {n} 行（第 {}{more} 行）未归入任何班级，也不归入上面的班级，请核对",
                listed.join("、")
            ),
            format!(
                "{n} rows under it writing no class (rows {}{more}) are put in no class, nor in the class above; \
                 check them",
                listed.join(", ")
            ),
        ),
    };
    format!(
        "班级标题行“{shown}”{why}，不是学生，已跳过；{under}；写有班级的行按所写 (a class heading row, “{shown}”, \
         {why_en}: skipped; {under_en}; a row that writes its class keeps it)"
    )
}

/// 「3人」, 「共45人」, 「男：2人 女：1人」, 「人数：45」: a count written under a list, never a name.
fn is_count(text: &str) -> bool {
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let digits = text.chars().filter(|&c| digit(c)).count();
    let counting = text.chars().any(|c| "人名男女计".contains(c));
    let allowed =
        |c: char| digit(c) || c.is_whitespace() || "人名男女生共计总数其中为有：:，,、;；()（）.。".contains(c);
    (1..6).contains(&digits) && counting && text.chars().all(allowed)
}

/// A report's line as the operator reads it: an ID number a quoted cell holds (an ID typed in the phone column, a
/// note holding one, a formula) masked as the roster masks it. No line of the report shows a whole number.
pub fn shown_text(line: String) -> String {
    match crate::domain::id_shown::mask_in_text(&line) {
        std::borrow::Cow::Borrowed(_) => line,
        std::borrow::Cow::Owned(masked) => masked,
    }
}

/// Words with some digits but no run of an ID number's (「填表日期：2026-09-01」, 「联系电话：13800000000」): a
/// label, never an ID number typed with a slip.
fn is_label(text: &str) -> bool {
    let han = text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    han && text.split(|c: char| !c.is_ascii_digit()).all(|run| run.len() < 15)
}

/// Example rows of a sheet without a header said each at its row; the rest in one line.
const EXAMPLE_ROWS_SAID: usize = 10;

/// Rows with a valid ID number that make a sheet without a header a class's list: a 说明 or 示例 sheet gives
/// one or two sample rows, a class many more.
const CLASS_SHEET_ID_ROWS: usize = 3;

/// How much of a 说明 or 示例 sheet beside class sheets is held to be read after them: more than any instructions
/// or sample hold. A longer sheet is a list.
/// A sheet looking like a department's list beside others is held whole, to be judged once they are read, up to
/// this many rows and about this many cells (a school's 新生名单 of its whole intake fits).
const CATEGORY_HELD_ROWS: usize = 10_000;
const CATEGORY_HELD_CELLS: usize = 400_000;
const NOTES_HELD_ROWS: usize = 1_000;
const NOTES_HELD_CELLS: usize = 100_000;

/// Rows with a valid ID number, not marked as examples, that make a 说明 or 示例 sheet beside class sheets a list
/// of pupils named as notes: more than a sample gives.
const NOTES_PUPIL_ROWS: usize = 20;

/// Words of a sheet's name that make it notes or a sample, never a class, whatever grade it names (一年级填表说明).
const NOTES_SHEET_WORDS: [&str; 12] =
    ["说明", "示例", "样表", "样例", "范例", "填表", "填写", "须知", "注意", "example", "sample", "readme"];

/// Words of a sheet's name that make it instructions or a sample beside the class sheets (填写说明, 注意事项,
/// 样表, 模板说明); 填表 or 填写 alone may name the sheet the pupils are written on, and a name with 班 is a class's.
const NOTES_LIST_WORDS: [&str; 11] =
    ["说明", "示例", "样表", "样例", "范例", "须知", "注意", "example", "sample", "readme", "instruction"];

fn is_notes_sheet(name: &str) -> bool {
    let lower = name.trim().to_lowercase();
    !lower.contains('班') && NOTES_LIST_WORDS.iter().any(|word| lower.contains(word))
}

/// Whether a sheet without a header whose rows hold `numbered` valid ID numbers is a class's list whose header
/// words are not known: as many numbers as no sample gives, or a name that is a class's or a grade's (一年级2班,
/// 二班, 初一, 3.2) and not that of notes.
fn looks_like_class_sheet(name: &str, numbered: usize) -> bool {
    if numbered >= CLASS_SHEET_ID_ROWS {
        return true;
    }
    let lower = name.trim().to_lowercase();
    if NOTES_SHEET_WORDS.iter().any(|word| lower.contains(word)) {
        return false;
    }
    let name = name.trim();
    // As a workbook of several sheets names its classes (see `sheet_class`), or a grade's sheet.
    name.contains('班')
        || name.contains("年级")
        || class_label::grade_named(name).is_some()
        || class_label::dotted(name).is_some()
}

/// Whether an ID cell holds a run of digits as long as an ID number's (15 or more), and is no date.
fn id_shaped(cell: &Cell, text: &str) -> bool {
    match cell {
        Cell::Number(f) => *f >= 1e14,
        _ => !is_date_text(text) && text.split(|c: char| !c.is_ascii_digit()).any(|run| run.len() >= 15),
    }
}

/// An 11-digit mobile number in the ID column (a staff table's phone under it, or a parent's typed there), as
/// written: never a pupil's ID number.
fn mobile_in_id(cell: &Cell, text: &str) -> Option<String> {
    let digits = match cell {
        Cell::Number(f) if f.fract() == 0.0 && (1e10..2e10).contains(f) => format!("{}", *f as u64),
        Cell::Number(_) => return None,
        _ if text.len() > 40 => return None,
        // Digits alone are cleaned to themselves, or to the mobile after a country code: a mobile or an ID number
        // is told without a copy of it (asked of every row's ID cell). With an X among them (an ID number's check
        // character) cleaning keeps the X, and no mobile has one.
        _ if trim(text).bytes().all(|b| b.is_ascii_digit() || matches!(b, b'X' | b'x')) => {
            let digits = trim(text);
            let mobile = !digits.contains(['X', 'x']) && crate::domain::phone::digits_are_mobile(digits);
            return mobile.then(|| digits.to_owned());
        }
        _ => crate::domain::phone::clean(trim(text)),
    };
    crate::domain::phone::is_mobile(&digits).then(|| match cell {
        Cell::Number(_) => digits,
        _ => trim(text).to_owned(),
    })
}

/// A date as a list's footer writes it, or as a workbook's date cell reads: 2026-09-01, 2026/9/1, 2026.9.1,
/// 2026年9月1日, a time after it allowed.
fn is_date_text(text: &str) -> bool {
    let text = trim(text);
    // Asked of every row's ID cell and name: the year's four digits and the mark after them are looked at
    // first, so an ID number or a name is refused in a few instructions.
    let year_and_mark = text.as_bytes().get(..5).is_some_and(|head| {
        head[..4].iter().all(u8::is_ascii_digit)
            && (matches!(head[4], b'-' | b'/' | b'.') || text[4..].starts_with(['年', '月', '日']))
    });
    if !year_and_mark {
        return false;
    }
    let date = text.split([' ', 'T']).next().unwrap_or_default();
    let mut parts = date.split(['-', '/', '.', '年', '月', '日']);
    let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else { return false };
    // 2026年9月1日 ends on its mark: the empty part after it is no fourth part.
    let ended = match parts.next() {
        None => true,
        Some("") => date.ends_with('日') && parts.next().is_none(),
        Some(_) => false,
    };
    let number =
        |s: &str, len: std::ops::RangeInclusive<usize>| len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    ended && number(y, 4..=4) && number(m, 1..=2) && number(d, 1..=2)
}

/// Said at a row whose ID cell's date became the pupil's birth date, the list having no 出生日期 column.
const ID_DATE_AS_BIRTH: &str =
    "身份证号码一栏是日期，已作为出生日期 (the ID number cell holds a date: taken as the pupil's birth date)";

/// 20160305: eight digits that read as a whole date of the years a pupil is born in, never a short ID number.
fn eight_digit_date(text: &str) -> bool {
    let text = trim(text);
    text.len() == 8
        && text.bytes().all(|b| b.is_ascii_digit())
        && matches!(written_date(text), Some((1900..=2099, _, Some(_))))
}

/// Whether a date can be a pupil's birth date: not later than today, and of a child from nursery age (2) to a
/// university student's (25).
fn school_age_birth(born: NaiveDate, today: NaiveDate) -> bool {
    use chrono::Months;
    let youngest = today.checked_sub_months(Months::new(2 * 12));
    let oldest = today.checked_sub_months(Months::new(26 * 12));
    youngest.is_some_and(|y| born <= y) && oldest.is_some_and(|o| born > o)
}

/// Whether a cell of a row holds an ID number that passes the check: a pupil's row, whatever its header says.
fn holds_id_number(row: &[Cell], today: NaiveDate) -> bool {
    row.iter().any(|cell| match cell {
        Cell::Number(f) => *f >= 1e14 && id_number::check_numeric_cell(*f, today).result.is_ok(),
        Cell::Text(_) | Cell::Digits(_) => {
            let text = cell.text_ref();
            // Only a cell with an ID's length of digits is checked: most cells are names and classes.
            text.len() <= MAX_ID_CHARS
                && text.bytes().filter(u8::is_ascii_digit).nth(13).is_some()
                && id_number::check(&text, today).result.is_ok()
        }
        Cell::Empty | Cell::Unevaluated(_) => false,
    })
}

/// A skipped row's cells as the report quotes them: a merged cell's text once, cut short past a line's length.
fn row_text(row: &[Cell]) -> String {
    let mut texts: Vec<String> = Vec::new();
    for cell in row.iter().filter(|c| !c.is_empty()) {
        let text = cell.text();
        if texts.last() != Some(&text) {
            texts.push(text);
        }
    }
    quoted(&texts.join(" ")).into_owned()
}

/// canbao's own signature line, passed over where it was met (`RowReader::own_sign`): where it is, and what is said
/// of it as any footer if it turns out not to stand at the foot.
struct OwnSign {
    file: String,
    sheet: String,
    row: usize,
    message: String,
}

/// Whether a row is one of the signature lines canbao's own forms write under a table (`forms::SIGN_LINES`), as
/// its exporter writes it: each cell spread over several merged columns (read into each of them), or the last
/// few folded into one on a narrow table, spaces as a re-save may leave them.
fn own_sign_line(row: &[Cell]) -> bool {
    let unspaced = |text: &str| text.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let mut cells: Vec<String> = Vec::new();
    for cell in row.iter().filter(|c| !c.is_empty()) {
        let text = unspaced(&cell.text_ref());
        if cells.last() != Some(&text) {
            cells.push(text);
        }
    }
    let written = cells.concat();
    !written.is_empty() && super::forms::SIGN_LINES.iter().any(|line| unspaced(&line.concat()) == written)
}

/// Cells longer than a class list ever holds (a name longer than a name, a pasted file in the phone column).
enum Overlong {
    None,
    /// The name or the ID number: the row is left out (its column's header, and why).
    Key(String, String),
    /// Other cells, left empty and the pupil kept: each cell's place, its column's header, and what is said.
    Others(Vec<(usize, String, String)>),
}

fn overlong_cells(sheet: &Sheet, map: &HeaderMap, row: &[Cell], synonyms: &Synonyms) -> Overlong {
    let (name_at, id_at) = (map.columns.get(&Column::Name), map.columns.get(&Column::IdNumber));
    // A column said once as ignored (a header unknown or repeated) is read by nothing: its cells are not said
    // again, row by row, as too long.
    let ignored = |at: usize| {
        let read = map.columns.values().any(|&c| c == at) || map.more_phones.contains(&at);
        let word = sheet.rows.get(map.row).and_then(|h| h.get(at)).map(Cell::text).unwrap_or_default();
        !read && !word.is_empty() && !synonyms.is_own_column(&word)
    };
    let too_long = |at: usize, c: &Cell| match c {
        Cell::Text(t) => {
            (t.len() > table::MAX_CELL_BYTES || (name_at == Some(&at) && t.len() > table::MAX_NAME_BYTES))
                && !ignored(at)
        }
        _ => false,
    };
    if !row.iter().enumerate().any(|(at, c)| too_long(at, c)) {
        return Overlong::None;
    }
    let header = |at: usize| sheet.rows.get(map.row).and_then(|h| h.get(at)).map(Cell::text).unwrap_or_default();
    let kb = |at: usize| row[at].text_ref().len().div_ceil(1024);
    let key = [name_at, id_at].into_iter().flatten().copied().find(|&at| row.get(at).is_some_and(|c| too_long(at, c)));
    if let Some(at) = key {
        let (limit, limit_en) = match Some(&at) == name_at && kb(at) * 1024 <= table::MAX_CELL_BYTES {
            true => ("姓名上限 4 KB", "a name holds 4 KB at most"),
            false => ("上限 64 KB", "a cell holds 64 KB at most"),
        };
        let message = format!(
            "单元格过长（{0} KB，{limit}），此行未导入 (the cell is too long, {0} KB where {limit_en}: row not imported)",
            kb(at)
        );
        return Overlong::Key(header(at), message);
    }
    let cells = (0..row.len())
        .filter(|&at| too_long(at, &row[at]))
        .map(|at| {
            let message = format!(
                "单元格过长（{0} KB，上限 64 KB），此单元格留空，学生已导入 (the cell is too long, {0} KB where a cell \
                 holds 64 KB at most: left empty, the pupil imported)",
                kb(at)
            );
            (at, header(at), message)
        })
        .collect();
    Overlong::Others(cells)
}

/// The most characters a stored text keeps: what one Excel cell holds, so every form can write it.
pub const MAX_STORED_CHARS: usize = 32_767;

/// A number an import corrected, both sides masked as the report masks numbers, with what tells them apart
/// where the masks alone would look alike (as the pupil's history shows it): the lengths when they differ, or
/// the places of the characters that changed, never the characters. (old, new, said in Chinese, in English.)
fn masked_correction(old: &str, new: &str) -> (String, String, String, String) {
    let (shown_old, shown_new) = (id_number::mask(old), id_number::mask(new));
    let (old_len, new_len) = (old.chars().count(), new.chars().count());
    let (zh, en) = if old_len != new_len {
        (format!("（原为 {old_len} 位）"), format!(" (it had {old_len} characters)"))
    } else if old != new && shown_old == shown_new {
        let places = id_number::changed_places(old, new);
        (format!("（第 {} 位有改动）", places.join("、")), format!(" (characters changed: {})", places.join(", ")))
    } else {
        (String::new(), String::new())
    };
    (shown_old, shown_new, zh, en)
}

/// A field the import report names, in the report's English half.
fn field_in_english(field: crate::store::Field) -> &'static str {
    use crate::store::Field;
    match field {
        Field::Name => "name",
        Field::Grade | Field::Class => "class",
        Field::Phone => "phone",
        Field::School => "school",
        Field::Ethnicity => "ethnicity",
        Field::Address => "address",
        _ => "entry",
    }
}

/// Whether a school a workbook's title names is the one rows naming none go into (`default_school`): the same, or
/// that school written otherwise (`held_written_otherwise`), which the import puts into it.
fn same_school(named: &str, default_school: &str) -> bool {
    named == default_school
        || !default_school.is_empty()
            && held_written_otherwise(&[named.to_owned()], &[default_school.to_owned()])
                .is_some_and(|(_, school)| school == default_school)
}

/// Words of a title that name a department's list of certified people (「民政局认定名单」, 「残联持证人员名单」).
const DEPARTMENT_TITLE_WORDS: [&str; 9] =
    ["认定", "民政", "残联", "残疾人联合会", "乡村振兴", "扶贫", "卫健", "退役军人", "救助"];

/// Words of a title, a sheet's or a file's name that name a category of certified people (「低保名单」,
/// 「特困人员名单.xlsx」): a list named by its people's category, not by a class.
const CATEGORY_NAME_WORDS: [&str; 8] = ["特困", "低保", "孤儿", "事实无人抚养", "残疾", "脱贫", "监测对象", "五保"];

/// What `RowReader::other_paperwork` makes of a sheet it does not refuse.
enum Paperwork {
    /// Read as a class list: which of canbao's forms it is, if one.
    List(Option<OwnForm>),
    /// A department's list beside a workbook's other sheets: left out and named (`category_sheet_left_out`).
    CategorySheet,
}

/// Why a sheet may be a department's list of certified people rather than a class list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CategoryLook {
    /// Its title, its sheet's or its file's name names a department, a certification or a category: refused
    /// whatever the drive.
    DepartmentTitle,
    /// Only a category column and nothing giving a class, on a drive holding pupils: a department's list, or the
    /// school's own list made before classes (新生名单, 插班生 with their 低保/残疾), told apart by its rows.
    NoClass,
    /// Such a sheet in a workbook of several: the workbook's class sheets are imported, this one left out and
    /// named (`category_sheet_left_out`), where refusing the workbook lost its classes for one sheet.
    BesideOtherSheets,
}

/// Where a sheet is read from, for `looks_like_category_list`: its name, its file's, and whether the workbook
/// has other sheets.
struct SheetPlace<'a> {
    sheet: &'a str,
    file: &'a str,
    multi: bool,
    /// The school the list's pupils go into (`--school`, else the drive's): a name holding it is its own list.
    school: &'a str,
}

/// A department's list of certified people rather than a class list (`ImportError::CategoryList`): nothing giving a
/// class or a grade (a header naming 年级 or 班级 that canbao does not read, 入学年级, tells a grade too, as do a
/// title, the sheet's or the file's name), and a category column, a column naming the certifying department
/// (`department_header`), or a title, the sheet's or the file's name naming a department, a certification or a
/// category. In a workbook of several sheets, left out beside the others; under such a title or name, or beside
/// such a department column, refused whatever the drive, even with no category column (「特困人员名单.xlsx」 of
/// 姓名 | 身份证号码 only: its people are the department's, and its adults would become pupils); a category column
/// alone, on a drive already holding pupils (the list can only add pupils in no class, or categories the category
/// reconcile records), judged then by its rows (`category_lists_judged`).
fn looks_like_category_list(
    map: &HeaderMap,
    above: &[Vec<String>],
    (class_column, sheet_class): (bool, &SheetClass),
    place: &SheetPlace<'_>,
    header_row: &[Cell],
    drive_holds_pupils: bool,
) -> Option<CategoryLook> {
    let no_class = !class_column && !map.columns.contains_key(&Column::Grade) && *sheet_class == SheetClass::Unnamed;
    if !no_class {
        return None;
    }
    let file_stem = Path::new(place.file).file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let names = [place.sheet, file_stem.as_str()];
    let department = |text: &str| DEPARTMENT_TITLE_WORDS.iter().any(|word| text.contains(word));
    let category = |text: &str| category_named(text) && (place.school.is_empty() || !text.contains(place.school));
    // Only a title, the list's own name, names it so: a template's filling-in row above the header (「说明：人员类别
    // 填写 特困、低保…」) lists the categories of any school's list.
    let category_column = map.columns.contains_key(&Column::Category);
    // Without a category column only a category's name tells one (「特困人员名单」): a sheet named for a department
    // alone (「民政局」) may be one of canbao's own forms' or a school's sheet of its pupils the department helps.
    let named_so = |text: &str| category(text) || (category_column && department(text));
    let department_named = title_rows(above).any(|title| named_so(&title)) || names.iter().any(|name| named_so(name));
    let department_column = department_header(header_row, category_column);
    if !category_column && !department_column && !department_named {
        return None;
    }
    // A grade the reader does not take (a header it does not know, 入学年级; a grade in the sheet's or the file's
    // name or the title, 三年级): a list by grade, imported as it would be without its category column.
    let grade_header = header_row
        .iter()
        .map(|c| header::clean(&c.text()))
        .any(|h| !h.contains("类别") && (h.contains("年级") || h.contains("班级") || h.contains("班别")));
    let grade_named = names
        .iter()
        .copied()
        .chain(above.iter().flatten().map(String::as_str))
        .any(|text| class_label::grade_named(text).is_some());
    if grade_header || grade_named {
        return None;
    }
    if place.multi {
        return Some(CategoryLook::BesideOtherSheets);
    }
    if department_named || department_column {
        Some(CategoryLook::DepartmentTitle)
    } else {
        drive_holds_pupils.then_some(CategoryLook::NoClass)
    }
}

/// Words of a name that make it a school's list of its pupils (「随班就读残疾学生名单」, 「XX小学低保学生名单」): the
/// school, as its full or short name ends (三中 and 二小 are `short_school_named`'s), its classes or grades, its
/// terms (「2024年秋季学期残疾学生名单」). A category named beside them is its pupils' category, not the list's subject.
const PUPIL_LIST_NAME_WORDS: [&str; 22] = [
    "学校",
    "小学",
    "中学",
    "幼儿园",
    "学院",
    "在校",
    "班",
    "年级",
    "附小",
    "附中",
    "完小",
    "中心校",
    "高中",
    "初中",
    "中专",
    "职中",
    "职校",
    "技校",
    "分校",
    "校区",
    "学期",
    "学年",
];

/// Whether a name holds a school's short name, a numeral and 中 or 小 (「宜宾三中低保学生名单」, 「二小残疾学生」).
fn short_school_named(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(2).any(|w| ("一二三四五六七八九十".contains(w[0]) || w[0].is_ascii_digit()) && "中小".contains(w[1]))
}

/// Words beside 学生 that make a name a school's list of its pupils (「低保学生参保名单」, 「残疾学生资助名单」): what a
/// school does for them. 学生 alone is a department's word too (「特困供养学生名单」, 「低保家庭学生名单」).
const PUPIL_LIST_DEEDS: [&str; 7] = ["参保", "医保", "缴费", "就读", "在读", "资助", "入学"];

/// Whether a title, a sheet's or a file's name names a list of a category's certified people (「特困人员名单」,
/// 「低保名单」, 「脱贫人口」, 「特困供养学生名单」): a category's word and no word of a school's list of its pupils
/// (`PUPIL_LIST_NAME_WORDS`, or 学生 beside a `PUPIL_LIST_DEEDS` word), as a school's 「随班就读残疾学生名单」 is its
/// pupils' list.
fn category_named(text: &str) -> bool {
    let schools = PUPIL_LIST_NAME_WORDS.iter().any(|word| text.contains(word))
        || short_school_named(text)
        || (text.contains("学生") && PUPIL_LIST_DEEDS.iter().any(|word| text.contains(word)));
    CATEGORY_NAME_WORDS.iter().any(|word| text.contains(word)) && !schools
}

/// Whole headers of a certifying department's columns (认定部门, 认定时间, 发证机关 …): a class-less list's header naming
/// one is that department's list, as a title naming it is (`DEPARTMENT_TITLE_WORDS`). Whole headers only: a school's
/// 学生资助 list heads 家庭经济困难认定, 资助认定等级 or 是否认定困难学生, which are its pupils' own columns.
const DEPARTMENT_HEADERS: [&str; 18] = [
    "认定部门",
    "认定机关",
    "认定单位",
    "认定时间",
    "认定日期",
    "审批部门",
    "审批机关",
    "审批单位",
    "审批时间",
    "审批日期",
    "审核部门",
    "审核时间",
    "审核日期",
    "发证机关",
    "发证部门",
    "发证单位",
    "发证时间",
    "发证日期",
];

/// Whether a header has a column naming the department that certified its people, or when (`looks_like_category_list`):
/// the whole header is one (`DEPARTMENT_HEADERS`), or one after a category's word (低保认定时间). Without a category
/// column beside it, 发证 (发证机关) may be the ID card's issuing office a school's list copies: only the
/// certification's own words (认定部门, 审批时间 …) tell a department's list then.
fn department_header(header: &[Cell], category_column: bool) -> bool {
    header.iter().any(|cell| {
        let text = header::clean(&cell.text());
        let text = CATEGORY_NAME_WORDS.iter().find_map(|word| text.strip_prefix(word)).unwrap_or(&text);
        DEPARTMENT_HEADERS.iter().filter(|word| category_column || !word.starts_with("发证")).any(|word| text == *word)
    })
}

/// Header words of a column that may be a category column headed short (「类别」): read as one only by its cells
/// (`RowReader::category_by_cells`), as a class list's 类别 may say 住校 or 走读.
const SHORT_CATEGORY_HEADERS: [&str; 2] = ["类别", "类型"];

/// Longest text of a title row above a header (「XX市XX区XX小学2026年秋季新生花名册」): a longer row is instructions.
const TITLE_MAX_CHARS: usize = 40;

/// Words of a row above the header that instructs how to fill the list in (说明：, 注：, 填写, 请), no title.
const INSTRUCTION_WORDS: [&str; 7] = ["说明", "注：", "注:", "填写", "填表", "请", "留空"];

/// The rows above a header that are titles, the list's own name, each as its text: one or two written cells, short,
/// and no instructions (`INSTRUCTION_WORDS`).
fn title_rows(above: &[Vec<String>]) -> impl Iterator<Item = String> + '_ {
    above.iter().filter_map(|row| {
        let written: Vec<&str> = row.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect();
        let text = written.concat();
        let instructions = INSTRUCTION_WORDS.iter().any(|w| text.contains(w));
        ((1..=2).contains(&written.len()) && text.chars().count() <= TITLE_MAX_CHARS && !instructions).then_some(text)
    })
}

/// An ID cell longer than this holds no ID number: 18 characters, with room for `="…"`, spaces and a note.
const MAX_ID_CHARS: usize = 50;

/// What an ID number cell written as text says, besides a number as written.
enum IdSaid {
    /// A number (or anything else), checked as written.
    Number,
    /// No number yet: 无, 暂无, 户口未上, `/`; the words, to quote.
    None(String),
    /// A valid 18-character number followed by a note (「…3512（已核）」): the number, the note, the cell.
    NumberAndNote { number: String, note: String, written: String },
    /// A whole number after a label (「身份证：4502…」, 「ID:」): the number as written after it, the label, a note
    /// after the number as `NumberAndNote` reads one, the cell.
    Labelled { number: String, label: String, note: Option<String>, written: String },
}

/// Labels a cell may write before the number (「身份证：4502…」), longest first so 身份证号码 is not read as 身份证.
const ID_LABELS: [&str; 8] = ["公民身份号码", "身份证号码", "身份证号", "身份证", "证件号码", "证件号", "ID", "id"];

/// The number and the label of a cell that writes a label before a whole ID number (18 characters, the last a
/// digit or X, or an old 15-digit number; full-width digits and spaces as the number is otherwise read): the
/// label is no part of the number. `None` for anything else, which stays as written.
/// Reconcile reads its lists' ID cells by this rule too (`reconcile`).
pub(super) fn labelled_number(said: &str) -> Option<(String, String)> {
    let label = ID_LABELS.iter().find(|l| said.starts_with(*l))?;
    let rest = said[label.len()..].trim_start();
    let rest = rest.strip_prefix([':', '：']).unwrap_or(rest).trim();
    let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let chars: Vec<char> = rest.chars().filter(|c| !c.is_whitespace()).collect();
    let whole = match chars.len() {
        15 => chars.iter().all(|&c| digit(c)),
        18 => chars[..17].iter().all(|&c| digit(c)) && (digit(chars[17]) || "XxＸｘ".contains(chars[17])),
        _ => false,
    };
    // Nothing between the label and the number but a colon and spaces, and a digit right after them.
    (whole && rest.starts_with(digit)).then(|| (rest.to_owned(), said[..said.len() - rest.len()].trim().to_owned()))
}

/// A cell written with a label before the number (`labelled_number`), as a message quotes it: the number masked
/// whole, however it is written (「身份证号：450202 20160305 9112」 in runs no single one of which is an ID number's).
pub(super) fn labelled_shown(written: &str, label: &str, number: &str) -> String {
    let compact: String = number.chars().filter(|c| !c.is_whitespace()).collect();
    let masked = crate::domain::id_number::mask(&compact);
    let shown = match written.contains(number) {
        true => written.replacen(number, &masked, 1),
        false => format!("{label}{masked}"),
    };
    long_digits_masked(&quoted(&shown))
}

/// Words an ID number cell holds where the child has no number yet (besides those saying none, `phone::says_none`).
const NO_ID_WORDS: [&str; 12] = [
    "户口未上",
    "未上户口",
    "没上户口",
    "未落户",
    "无户口",
    "户口未落",
    "无身份证",
    "没有身份证",
    "无身份证号",
    "未办理",
    "未办",
    "办理中",
];

/// How an ID cell `said` (as [`id_number::unwrap_text`] leaves it) reads: no number, a number and a note, or a number.
fn id_words(said: &str, today: chrono::NaiveDate) -> IdSaid {
    let said = trim(said);
    if said.is_empty() {
        return IdSaid::Number;
    }
    // Digits, perhaps with a check character X, as nearly every row writes its number: no label (none begins with
    // a digit), no words and nothing after the digits to take as a note. Asked of every row.
    if said.starts_with(|c: char| c.is_ascii_digit())
        && said.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'X' | b'x'))
    {
        return IdSaid::Number;
    }
    let no_digit = !said.chars().any(|c| c.is_ascii_digit());
    if no_digit && (crate::domain::phone::says_none(said) || NO_ID_WORDS.contains(&said)) {
        // 「-」 alone is an empty cell already: nothing more to say of it.
        if said.chars().all(|c| c == '-' || c.is_whitespace()) {
            return IdSaid::Number;
        }
        return IdSaid::None(said.to_owned());
    }
    if let Some((number, label)) = labelled_number(said) {
        return IdSaid::Labelled { number, label, note: None, written: said.to_owned() };
    }
    // A label, then a number and a note (「身份证：4502…（已核）」): both left out of the number.
    if let Some(label) = ID_LABELS.iter().find(|l| said.starts_with(*l))
        && let IdSaid::NumberAndNote { number, note, .. } =
            id_words(said[label.len()..].trim_start().trim_start_matches([':', '：']), today)
    {
        let label = said[..said.find(number.as_str()).unwrap_or(label.len())].trim().to_owned();
        return IdSaid::Labelled { number, label, note: Some(note), written: said.to_owned() };
    }
    let chars: Vec<char> = said.chars().collect();
    let mut end = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    if end == 17 && matches!(chars.get(17), Some('X' | 'x')) {
        end = 18;
    }
    let rest: String = chars.get(end..).unwrap_or_default().iter().collect();
    let rest = rest.trim();
    // A letter or digit straight after the digits is part of what was typed (a number too long), never a note.
    if end != 18 || rest.is_empty() || rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return IdSaid::Number;
    }
    let note = rest.trim_matches(|c: char| c.is_whitespace() || "()（）[]【】,，;；:：、".contains(c)).trim();
    let number: String = chars[..end].iter().collect();
    if note.is_empty() || note.chars().any(|c| c.is_ascii_digit()) || id_number::check(&number, today).valid().is_none()
    {
        return IdSaid::Number;
    }
    IdSaid::NumberAndNote { number, note: note.to_owned(), written: said.to_owned() }
}

/// A phone cell of words (no digit) longer than this is no 无 or 不详 but a paragraph: not kept, and said.
const MAX_PHONE_CHARS: usize = 20;

/// The characters of a cell a report quotes at most.
const QUOTED_CHARS: usize = 50;

/// The key `RowReader::of_class` files a row under: its school, its class's canonical label and its name, apart
/// by U+001F. Built once a row with no formatting: asked of every row read.
fn class_name_key(school: &str, label: &str, name: &str) -> String {
    let mut key = String::with_capacity(school.len() + label.len() + name.len() + 2);
    for (at, part) in [school, label, name].into_iter().enumerate() {
        if at > 0 {
            key.push('\u{1f}');
        }
        key.push_str(part);
    }
    key
}

/// A cell's text as a report quotes it: the first characters and the whole length when it is long, so a
/// pasted paragraph (or a 10 MB header cell) is one line and not the paragraph again.
pub fn quoted(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((end, _)) => std::borrow::Cow::Owned(format!(
            "{}…（共 {} 字）",
            text.get(..end).unwrap_or_default(),
            text.chars().count()
        )),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// A list's phone cell as the drive keeps it, by the one rule of phones (`phone::read_cell`), and what to say of
/// it: a cell that holds no phone number (an ID number, too many or too few digits, a word saying there is none)
/// gives none, the pupil imported all the same; of several numbers the first is kept. A masked export read back
/// (138****5678) gives no phone: the drive's stays as it is. A name typed in the column is kept as it is and not
/// said (`check` does not list it either). A template's instruction left in the cell (必填, 选填, 请填写, 示例) is
/// no phone and no name: none is kept, and it is said.
fn read_phone(raw: &str, synonyms: &Synonyms) -> (String, Option<PhoneSaid>) {
    use crate::domain::phone::{Cell, is_masked, read_cell};
    let said = crate::domain::id_number::unwrap_text(raw);
    if synonyms.is_fill_in(said) || synonyms.is_example(said) {
        let shown = long_digits_masked(&quoted(said));
        let not_taken = PhoneNotTaken {
            what: format!("联系电话为“{shown}”，是模板的填写说明，不是电话号码"),
            what_en: format!("the phone cell says “{shown}”, a template's instruction, no phone number"),
            to_type: false,
            header: String::new(),
        };
        return (String::new(), Some(PhoneSaid::NotTaken(Box::new(not_taken))));
    }
    match read_cell(raw) {
        Cell::Phone(phone) if is_masked(&phone) => (String::new(), None),
        // A word longer than any phone (a pasted paragraph) is no name either.
        Cell::Phone(words) if words.chars().count() > MAX_PHONE_CHARS => {
            let count = words.chars().count();
            let shown = long_digits_masked(&quoted(&words));
            let not_taken = PhoneNotTaken {
                what: format!("联系电话有 {count} 个字符（“{shown}”），不是电话号码"),
                what_en: format!("the phone cell holds {count} characters (“{shown}”), no phone number"),
                to_type: false,
                header: String::new(),
            };
            (String::new(), Some(PhoneSaid::NotTaken(Box::new(not_taken))))
        }
        // No digit at all (a parent's name, 「王芳」, typed in the phone column): kept as written, never silently.
        Cell::Phone(phone) if !phone.chars().any(char::is_numeric) => {
            let shown = quoted(&phone);
            let message = format!(
                "联系电话“{shown}”中没有数字，不是电话号码（是否填了家长姓名？），已按所写保留，请核对 (the phone cell \
                 “{shown}” holds no digit, no phone number: a parent's name?; kept as written, check it)"
            );
            (phone, Some(PhoneSaid::Now(message)))
        }
        Cell::Phone(phone) => (phone, None),
        Cell::SaysNone(word) => {
            let shown = quoted(&word);
            let not_taken = PhoneNotTaken {
                what: format!("联系电话为“{shown}”，即没有电话"),
                what_en: format!("the phone cell says “{shown}”, no phone"),
                to_type: false,
                header: String::new(),
            };
            (String::new(), Some(PhoneSaid::NotTaken(Box::new(not_taken))))
        }
        Cell::First { cell, .. } if is_masked(&cell) => (String::new(), None),
        Cell::First { kept, numbers, .. } => {
            let message = if numbers > 1 {
                format!(
                    "联系电话中有 {numbers} 个号码，只导入了第一个 {kept}，请核对 (the phone cell holds {numbers} \
                     numbers: only the first, {kept}, was imported; check it)"
                )
            } else {
                format!(
                    "联系电话中除号码外还有其他内容，只导入了号码 {kept}，请核对 (the phone cell holds more than a \
                     number: only the number, {kept}, was imported; check it)"
                )
            };
            (kept, Some(PhoneSaid::Now(message)))
        }
        Cell::NotPhone { cell, .. } if is_masked(&cell) => (String::new(), None),
        Cell::NotPhone { why, cell } => {
            let shown = long_digits_masked(&quoted(&cell));
            let (why, why_en) = why.why();
            let not_taken = PhoneNotTaken {
                what: format!("联系电话“{shown}”不是电话号码（{why}）"),
                what_en: format!("the phone “{shown}” is no phone number ({why_en})"),
                to_type: true,
                header: String::new(),
            };
            (String::new(), Some(PhoneSaid::NotTaken(Box::new(not_taken))))
        }
    }
}

/// What is said of a list's phone cell (`read_phone`).
enum PhoneSaid {
    /// Said as the row is read: of several numbers, the first taken, whatever became of the row.
    Now(String),
    /// No phone taken from the cell: said once the row is applied.
    NotTaken(Box<PhoneNotTaken>),
}

/// A phone cell no phone was taken from, said once the row is applied (`RowReader::said_of_applied`): of a pupil
/// imported, that the phone is left empty; of one the drive holds, that the phone held stays, as an empty cell
/// never erases it (the same list imported again changes nothing and says so, not that the phone was emptied).
#[derive(Clone)]
struct PhoneNotTaken {
    /// What the cell is, in Chinese and in English.
    what: String,
    what_en: String,
    /// The phone is to be typed with E once checked (the cell held a number of some kind).
    to_type: bool,
    /// The phone column's header as the file writes it.
    header: String,
}

impl PhoneNotTaken {
    /// The line said of the row: imported, or of a pupil the drive holds (`held`).
    fn message(&self, held: bool) -> String {
        let PhoneNotTaken { what, what_en, to_type, .. } = self;
        if held {
            return format!(
                "{what}，未导入此项，在册学生的联系电话不变 ({what_en}: not taken, the phone the drive holds for the \
                 pupil unchanged)"
            );
        }
        let (then, then_en) = match to_type {
            true => ("，请核对后在学生详情中按 E 填写", "; check it and type the phone with E in the pupil's detail"),
            false => ("", ""),
        };
        format!("{what}，此项留空，学生已导入{then} ({what_en}: left empty, the pupil imported{then_en})")
    }
}

/// `text` with every run of more than 19 digits (past any ID number's length, which the report's masking leaves
/// as no number) shown by its first and last four digits alone: a phone cell of two numbers run together with an
/// ID number among them is quoted with no whole number in it.
fn long_digits_masked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        let n = run.chars().count();
        if n > 19 {
            let chars: Vec<char> = run.chars().collect();
            out.extend(&chars[..4]);
            out.extend(std::iter::repeat_n('*', n - 8));
            out.extend(&chars[n - 4..]);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Cuts a text to `limit` characters (at most [`MAX_STORED_CHARS`]), saying so: what a form writes in one cell
/// must fit one Excel cell.
fn cap_stored(value: &mut String, limit: usize) -> Option<String> {
    let (end, _) = value.char_indices().nth(limit)?;
    let count = value.chars().count();
    value.truncate(end);
    Some(format!(
        "单元格有 {count} 个字符，超过 Excel 单元格的上限 {MAX_STORED_CHARS} 字，只导入了前 {MAX_STORED_CHARS} 字，请核对 \
         (the cell holds {count} characters, more than an Excel cell holds: only the first {MAX_STORED_CHARS} were \
         imported; check it)"
    ))
}

/// Where a row came from, as `Incoming::source` keeps it: "file:row", or "file[sheet]:row" in a workbook.
/// Written by hand: `format!` cost a tenth of reading the row.
fn source_of(file: &str, sheet: &str, row_no: usize) -> String {
    let mut out = String::with_capacity(file.len() + sheet.len() + 24);
    out.push_str(file);
    if !sheet.is_empty() {
        out.push('[');
        out.push_str(sheet);
        out.push(']');
    }
    out.push(':');
    let mut digits = [0u8; 20];
    let mut n = row_no;
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(d) = digits.get_mut(at) {
            *d = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    out.extend(digits.get(at..).unwrap_or_default().iter().map(|&d| char::from(d)));
    out
}

/// The report line for a later row (`later`, of the file and sheet `here`) of a pupil already read at `first`: by
/// the same ID number, or (`alike`) one row giving the whole number and the other a spreadsheet's rounding of it.
/// `phone_taken`: what the later row gives of the phone, 民族 and 居住地址 that the first row lacked goes to the pupil
/// (`RepeatGives::Phone`, `RepeatGives::Personal`), and is said apart (the phone once it has gone:
/// `RowReader::phones_filled_said`).
fn duplicate_message(
    first: &FirstSeen,
    here: (&str, &str),
    later: &Incoming,
    alike: Option<&Alike>,
    phone_taken: bool,
) -> String {
    let (at, at_en) = first.place(here);
    // The later row's class and phone are dropped with it: where they differ from the first row's the operator
    // must learn which is right (a pupil listed in two classes' files), so the two values are said.
    let mut differ_zh = Vec::new();
    let mut differ_en = Vec::new();
    // What the later row gives and the first left empty (a second list of the class with the parents' phones):
    // not taken with the row, so said, with how to take it.
    let mut only_later_zh = Vec::new();
    let mut only_later_en = Vec::new();
    let later_class = class_label::join(&later.grade, &later.class);
    // One class written two ways (一年级1班, 1年级1班) is one class, as the import files it.
    let same_class = ClassKey::parse(first.class) == ClassKey::parse(&later_class);
    for (zh, (en, en_one), kept, dropped, same) in [
        ("班级", ("classes", "class"), first.class, later_class.as_str(), same_class),
        ("联系电话", ("phones", "phone"), first.phone, later.phone.as_str(), first.phone == later.phone),
    ] {
        if !kept.is_empty() && !dropped.is_empty() && !same {
            let (kept, dropped) = (quoted(kept), quoted(dropped));
            differ_zh.push(format!("{zh}不同（“{kept}”与“{dropped}”）"));
            differ_en.push(format!("{en} “{kept}” and “{dropped}”"));
        } else if kept.is_empty() && !dropped.is_empty() && !(phone_taken && zh == "联系电话") {
            let dropped = quoted(dropped);
            only_later_zh.push(format!("{zh}“{dropped}”"));
            only_later_en.push(format!("{en_one} “{dropped}”"));
        }
    }
    // 民族 and 居住地址 likewise, named without their values: the first row's are held only as a hash.
    for (zh, (en, en_one), kept, dropped) in [
        ("民族", ("ethnicities", "ethnicity"), first.ethnicity, later.ethnicity.as_str()),
        ("居住地址", ("addresses", "address"), first.address, later.address.as_str()),
    ] {
        if dropped.is_empty() {
            continue;
        }
        if kept != 0 && kept != personal_hash(dropped) {
            differ_zh.push(format!("{zh}不同"));
            differ_en.push(en.to_owned());
        } else if kept == 0 && !phone_taken {
            only_later_zh.push(zh.to_owned());
            only_later_en.push(en_one.to_owned());
        }
    }
    let (differ_zh, differ_en) = (differ_zh.join("、"), differ_en.join(", "));
    // Importing the later row's file again takes what it gives only where that file holds not the first row too
    // (it would be a repeat again) and the row's valid number finds the pupil; otherwise only the detail screen
    // does.
    let file_again = first.file != here.0 && later.id.valid().is_some() && alike.is_none();
    let (again_zh, again_en) = if file_again {
        ("，或再单独导入此行所在的文件", ", or import this row's file again on its own")
    } else {
        ("", "")
    };
    let (not_taken_zh, not_taken_en) = if only_later_zh.is_empty() || first.name != later.name {
        (String::new(), String::new())
    } else {
        (
            format!("；此行的{}，{at}没有，未导入：请在学生信息中补填{again_zh}", only_later_zh.join("、")),
            format!(
                "; this row's {}, which {at_en} lacks, was not taken: fill it in on the pupil{again_en}",
                only_later_en.join(", ")
            ),
        )
    };
    // A repeat whose name cell is empty names no other child: a repeat, its empty name said with it.
    let nameless = later.name.is_empty() && !first.name.is_empty();
    if first.name == later.name || nameless {
        let (why_zh, why_en, number_zh, number_en) = match alike {
            None if nameless => (
                "同一身份证号码，此行姓名为空".to_owned(),
                ": the same ID number, this row's name empty".to_owned(),
                "",
                "",
            ),
            None => ("同一身份证号码".to_owned(), String::new(), "", ""),
            Some(Alike::WholeOfRounded { .. }) => (
                format!("同名，{at}的身份证号码是此行号码被表格四舍五入后的样子"),
                format!(": the same name, and the ID number of {at_en} is this one rounded by a spreadsheet"),
                "，号码按此行的完整号码",
                " with this row's whole number",
            ),
            Some(Alike::RoundedOfWhole { .. }) => (
                format!("同名，此行的身份证号码是{at}的号码被表格四舍五入后的样子"),
                format!(": the same name, and this row's ID number is that of {at_en} rounded by a spreadsheet"),
                "，保留完整号码",
                " with the whole number",
            ),
            Some(Alike::PrintedOfWhole { .. }) => (
                format!("同名同班，此行的身份证号码是{at}的号码经程序当作小数（浮点数）写出后的样子"),
                format!(
                    ": the same name and class, and this row's ID number is that of {at_en} as a program writes it \
                     through a floating-point number"
                ),
                "，保留完整号码",
                " with the whole number",
            ),
            Some(Alike::MistypedOfValid { .. }) => (
                format!("同名，此行的身份证号码校验位或一位有误，是{at}的号码打错了"),
                format!(": the same name, and this row's ID number is that of {at_en} with a character typed wrong"),
                "，号码按前者的有效号码",
                " with the first row's valid number",
            ),
            Some(Alike::OldOfValid { .. }) => (
                format!("同名同班，此行的身份证号码是15位旧号码，{at}给出18位有效号码"),
                format!(
                    ": the same name and class, this row's ID number an old 15-digit one and that of {at_en} valid"
                ),
                "，号码按前者的有效号码",
                " with the first row's valid number",
            ),
            Some(Alike::ValidOfFlagged { .. }) => (
                format!("同名，{at}的身份证号码有误或是15位旧号码，此行给出有效号码"),
                format!(": the same name, the ID number of {at_en} wrong or an old 15-digit one and this row's valid"),
                "，号码已按此行更正",
                ", the number corrected to this row's",
            ),
            Some(Alike::BothFlagged) => (
                "同名同班，两行的身份证号码都有问题，可能是同一号码被表格改写".to_owned(),
                ": the same name and class, and both ID numbers have a problem and may be one number a spreadsheet \
                 rewrote"
                    .to_owned(),
                "，号码按前者，仍请向家长核对完整号码",
                " with the first row's number; ask the family for the whole number all the same",
            ),
        };
        if differ_zh.is_empty() {
            format!(
                "与{at}重复（{why_zh}），只导入一次{number_zh}{not_taken_zh} (duplicate of {at_en}{why_en}, imported \
                 once{number_en}{not_taken_en})"
            )
        } else {
            format!(
                "与{at}重复（{why_zh}），两行{differ_zh}，只导入了前者{number_zh}，请核对{not_taken_zh} \
                 (duplicate of {at_en}{why_en}, but the rows give different {differ_en}: only the first was imported\
                 {number_en}, check it{not_taken_en})"
            )
        }
    } else {
        // One ID, two names: exactly what the operator has to chase, so it is said outright.
        let (also_zh, also_en) = if differ_zh.is_empty() {
            (String::new(), String::new())
        } else {
            (format!("，两行{differ_zh}"), format!(", and different {differ_en}"))
        };
        format!(
            "与{at}身份证号码相同但姓名不同（“{0}”与“{1}”）{also_zh}，只导入了前者，请核实 \
             (same ID as {at_en} but a different name, “{0}” and “{1}”{also_en}: only the first was imported, check it)",
            quoted(first.name),
            quoted(&later.name)
        )
    }
}

/// The report line for a later row of the same name, school and class as the row at `first`, neither with an ID
/// number: the import cannot tell one child listed twice from two children of one name, so it imports one and
/// says which row to look at (its phone, when it gives one, tells the operator whose parents to ask).
fn no_number_twice((first, first_en): &(String, String), phone: &str) -> String {
    let (phone_zh, phone_en) = if phone.is_empty() {
        (String::new(), String::new())
    } else {
        (format!("，此行联系电话 {phone}"), format!("; this row's phone {phone}"))
    };
    format!(
        "与{first}同名同班，两行都没有身份证号码，可能是同一人，只导入了{first}{phone_zh}；若是两名学生，请补上身份证号码后再导入 \
         (same name and class as {first_en} and neither row has an ID number: maybe one child listed twice, only \
         {first_en} was imported{phone_en}; if they are two children, add their ID numbers and import again)"
    )
}

/// What a kept row's text lost on the way in: bytes the encoding could not give, characters nobody sees. A tab
/// inside the name (`王<TAB>二`, stored 王二) is one of these, as a zero-width space is: around a number or a
/// name, a tab is only spacing.
fn odd_characters(row: &[Cell], name_cell: Option<&Cell>) -> impl Iterator<Item = &'static str> {
    // U+FFFD is EF BF BD: a cell without the byte EF (CJK text has none) is not searched for it.
    let undecodable =
        row.iter().any(|c| matches!(c, Cell::Text(t) if t.as_bytes().contains(&0xef) && t.contains('\u{fffd}')));
    let tab_in_name = matches!(name_cell, Some(Cell::Text(t)) if trim(t).contains('\t'));
    let invisible = tab_in_name || row.iter().any(Cell::has_invisible);
    [
        undecodable.then_some(
            "此行有无法识别的字节（文件编码损坏），显示为“�”，已导入，请核对 (undecodable bytes in this row, shown as �)",
        ),
        invisible.then_some(
            "此行有不可见字符或控制字符（零宽字符、方向控制符等），已去除后导入 \
             (invisible or control characters in this row were removed)",
        ),
    ]
    .into_iter()
    .flatten()
}

/// The pupils one file gives, counted by whether their number is valid and their name like a line of code.
#[derive(Debug, Default)]
struct NamesAndNumbers {
    pupils: usize,
    valid_numbers: usize,
    code_names: usize,
}

impl NamesAndNumbers {
    /// No valid number anywhere and most names are code: a script or a log, not a list. A list whose numbers a
    /// spreadsheet rounded, or that has none, still names its pupils as people are named, and is imported.
    fn no_list(&self) -> bool {
        self.pupils > 0 && self.valid_numbers == 0 && self.code_names * 2 > self.pupils
    }
}

/// A name no school writes: one holding the punctuation of program code (`*r])`, `'w'`, `a=b`). Chinese
/// punctuation, the middle dot of minority names, spaces and digits (学生1 on a list not filled in yet) are not.
fn code_like_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_punctuation() && !matches!(c, '.' | '-'))
}

/// A name cell that holds more than a legal name (「姚静\n(小名)」, 「李强（哥哥）」): the agencies match
/// names against the ID register, so the pupil is kept as written and the row said for the operator to correct.
fn odd_name(raw: &str, stored: &str) -> Option<String> {
    let mut zh = Vec::new();
    let mut en = Vec::new();
    if raw.contains(['\n', '\r']) {
        zh.push("换行");
        en.push("a line break");
    }
    if raw.contains(['(', ')', '（', '）', '[', ']', '【', '】', '<', '>', '《', '》']) {
        zh.push("括号");
        en.push("brackets");
    }
    (!zh.is_empty()).then(|| {
        format!(
            "姓名中有{}，请核对：“{}”，已按所写导入 (the name holds {}: imported as written, check it)",
            zh.join("、"),
            quoted(stored),
            en.join(" and ")
        )
    })
}

/// A name holding characters no legal name has: ASCII punctuation (a comma or quote left by a broken CSV, `*`, `/`),
/// digits (学生1 on a list not filled in yet), a Chinese comma or full stop. The agencies match names against the ID
/// register, so the pupil is kept as written and the row said for the operator to correct. Brackets and line breaks
/// are `odd_name`'s; the middle dot of minority names is none of these, nor (in a Latin name, J. Smith, Jean-Luc) a
/// full stop or a hyphen.
fn unexpected_in_name(stored: &str) -> Option<String> {
    let latin =
        !stored.chars().any(|c| ('\u{2e80}'..='\u{9fff}').contains(&c) || ('\u{f900}'..='\u{faff}').contains(&c));
    let mut found: Vec<char> = Vec::new();
    for c in stored.chars() {
        let bracket = matches!(c, '(' | ')' | '[' | ']' | '<' | '>');
        let unexpected = (c.is_ascii_punctuation() && !bracket && !(latin && matches!(c, '.' | '-')))
            || c.is_numeric()
            || matches!(c, '，' | '。' | '、' | '；' | '：' | '？' | '！' | '“' | '”' | '‘' | '’' | '＂' | '＇' | '…');
        if unexpected && !found.contains(&c) {
            found.push(c);
        }
    }
    (!found.is_empty()).then(|| {
        let listed: Vec<String> = found.iter().take(5).map(|c| format!("“{c}”")).collect();
        let listed = listed.concat();
        format!(
            "姓名含有异常字符（{listed}）：“{0}”，已按所写导入，请核对 (name has unexpected characters, {listed}: “{0}”, \
             imported as written; check it)",
            quoted(stored)
        )
    })
}

/// What the report says of a row giving an old 15-digit number: valid, and held as the 18 characters it converts
/// to, but 15-digit numbers were given only to people born in the 1900s (19 is inserted before the year), and
/// replaced by 18-character ones since 1999, so it is not a pupil's number today: a parent's, or one copied from an
/// old record. The forms remark on such a pupil (`id_number::OLD_NUMBER_REMARK`); the report says it at the row,
/// with the birth date that gives it away, so the operator asks the family for the pupil's own number while the
/// class is at hand. `None` for any other number.
fn old_number_message(valid: &id_number::ValidId, today: NaiveDate) -> Option<String> {
    (valid.kind == id_number::IdKind::ResidentConverted).then(|| {
        let born = valid.birth_date;
        // The age it reads as, when that is a grown-up's (a parent's, a teacher's), as a valid number's row says it.
        let (adult_zh, adult_en) = match old_number_adult(valid, today) {
            Some(age) => (
                format!("，即 {age} 岁，不是中小学、幼儿园学生的年龄，可能是家长或教职工的号码"),
                format!(", aged {age}, no pupil of a school or kindergarten: perhaps a parent's or a staff member's number"),
            ),
            None => (String::new(), String::new()),
        };
        format!(
            "{}：按旧号码补“19”读作 {born} 出生{adult_zh}，不会是学生现用的号码（1999 年起身份证号码都是 18 位）；已按转换后的号码\
             导入并标记，表格中会注明，批量参保模板不填入；请向家长要学生户口簿上的 18 位身份证号码，在学生详情中按 E 改为该号码 (an \
             old 15-digit ID number, its birth date to be checked: read with 19 inserted as born {born}{adult_en}, it \
             cannot be the pupil's number today (ID numbers have had 18 characters since 1999); imported as the number \
             it converts to, flagged, remarked on in the forms and left out of the batch template; ask the family for \
             the pupil's 18-character number in the household register and put it in place of this one with E in the \
             detail screen)",
            id_number::OLD_NUMBER_REMARK
        )
    })
}

/// The age an old 15-digit number (converted to 18) reads as, when that is an adult's (`pupil_flags::adult_age`):
/// what a staff list written with them shows (`list_guards::Adults`). One read as born in 1920 or before is none:
/// the number of a pupil born 2008 to 2020 written short reads so (19 inserted before its 20, or before its own
/// two-digit year), no grown-up's.
fn old_number_adult(valid: &id_number::ValidId, today: NaiveDate) -> Option<i32> {
    use chrono::Datelike;
    (valid.kind == id_number::IdKind::ResidentConverted && valid.birth_date.year() > 1920)
        .then(|| crate::domain::pupil_flags::adult_age(valid.birth_date, today))
        .flatten()
}

/// What a 性别 cell says: 男/女, or the GB/T 2261.1 code school systems export (1 男, 2 女; 0 未知, 9 未说明).
enum StatedSex {
    Is(Sex),
    /// 0 or 9: the code for a sex not known or not stated, nothing to check.
    NotStated,
    Unread,
}

fn stated_sex(sex_text: &str) -> StatedSex {
    // Full-width forms (１, Ｍ) as typed with a Chinese input method read as their ASCII.
    let said: String = sex_text
        .trim()
        .chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        })
        .collect::<String>()
        .to_lowercase();
    match said.as_str() {
        "男" | "男生" | "男性" | "1" | "m" | "male" => StatedSex::Is(Sex::Male),
        "女" | "女生" | "女性" | "2" | "f" | "female" => StatedSex::Is(Sex::Female),
        "0" | "9" | "未知" | "不详" | "未说明" => StatedSex::NotStated,
        _ => StatedSex::Unread,
    }
}

/// The 性别 cell against the sex the ID number gives (if it is valid), when they differ; a cell that is no sex
/// is said unread rather than passed over.
fn sex_mismatch(sex_text: &str, from_id: Option<Sex>) -> Option<String> {
    match stated_sex(sex_text) {
        StatedSex::Is(s) if from_id.is_some_and(|id| id != s) => {
            Some(format!("性别“{0}”与身份证号码不符 (sex “{0}” does not match the ID number)", quoted(sex_text)))
        }
        StatedSex::Is(_) | StatedSex::NotStated => None,
        StatedSex::Unread => Some(format!(
            "性别“{0}”无法识别，未读取（应为 男/女 或 1/2）(sex “{0}” not read: expected male or female, or the code 1 or 2)",
            quoted(sex_text)
        )),
    }
}

/// A 备注 cell as the pupil's note: without the remarks canbao's own forms write there about an ID number
/// (「身份证号码被表格四舍五入，待核实」, 「15位旧身份证号，出生日期待核实」), which come from the number itself, nor those
/// about a payment the class lists write (「已缴 300 元，应缴 380 元，差 80 元」, 「税务名单有此身份证号码的缴费，但姓名为
/// …，待核实」) or the sheet writes beside a flagged number (「税务名单有同名的缴费，身份证号码为 …」), which come from the
/// payments, so an exported sheet imported again changes nothing.
fn list_note(cell: &str) -> String {
    let canbaos = |p: &str| {
        id_number::is_form_remark(p)
            || crate::domain::policy::is_payment_remark(p)
            || crate::domain::unapplied::is_other_name_remark(p)
            || crate::domain::unapplied::is_flagged_name_remark(p)
            || crate::domain::pupil_flags::is_flag_remark(p)
    };
    let parts: Vec<&str> = cell.split('；').map(str::trim).filter(|p| !p.is_empty() && !canbaos(p)).collect();
    parts.join("；")
}

/// The 出生日期 cell against the birth date the ID number gives, when they differ or the cell reads as no date. A
/// cell giving only year and month (出生年月: 2013.4, 201304) is checked as far as it goes. The number decides:
/// the pupil is stored as it says.
fn birth_date_mismatch(cell: &Cell, from_id: NaiveDate) -> Option<String> {
    use chrono::Datelike;
    let written = cell.text();
    let written = written.trim();
    // A day number where the column was not formatted as dates (41369): the date it is, as reconcile reads one,
    // quoted with the number so the operator finds the cell.
    if let Some(day) = super::cell::excel_day(cell) {
        return (day != from_id).then(|| {
            format!(
                "出生日期“{written}”（Excel 日期序号，即 {day}）与身份证号码中的出生日期 {from_id} 不符，以身份证号码为准 \
                 (the birth date “{written}”, an Excel day number for {day}, does not match the ID number's, \
                 {from_id}: the ID number decides)"
            )
        });
    }
    let Some((year, month, day)) = written_date(written) else {
        return Some(format!(
            "出生日期“{written}”不是可识别的日期，未与身份证号码核对 (the birth date “{written}” is not a date canbao \
             reads: not checked against the ID number)"
        ));
    };
    let same = year == from_id.year() && month == from_id.month() && day.is_none_or(|d| d == from_id.day());
    (!same).then(|| {
        format!(
            "出生日期“{written}”与身份证号码中的出生日期 {from_id} 不符，以身份证号码为准 (the birth date \
             “{written}” does not match the ID number's, {from_id}: the ID number decides)"
        )
    })
}

/// Why the 出生日期 cell of a pupil without a valid number is not kept: a date later than today, or no whole date
/// (a year and month only, a day the month does not have, text).
fn birth_date_not_kept(cell: &Cell, today: NaiveDate) -> String {
    let text = cell.text();
    let written = quoted(text.trim());
    match whole_date(cell) {
        Some(born) if born > today => format!(
            "出生日期“{written}”晚于今天，未记录，请核对 (the birth date “{written}” is later than today: not kept, \
             please check)"
        ),
        _ => format!(
            "出生日期“{written}”不是完整的日期（应为年月日，如 2019-03-05），未记录 (the birth date “{written}” is \
             not a whole date such as 2019-03-05: not kept)"
        ),
    }
}

/// A pupil's identity in a batch (`Incoming::identity`), with a valid ID number packed into one integer.
enum Identity {
    Number(u64),
    Other(Box<str>),
}

impl Identity {
    fn of(row: &Incoming) -> Identity {
        match row.id.valid().and_then(|v| pack_number(&v.number)) {
            Some(packed) => Identity::Number(packed),
            None => Identity::Other(row.identity().into_boxed_str()),
        }
    }
}

/// Seventeen digits and a check character (0-9 or X) in 64 bits, one to one.
fn pack_number(number: &str) -> Option<u64> {
    let bytes = number.as_bytes();
    let (digits, check) = bytes.split_at_checked(17)?;
    let check = match check {
        [d @ b'0'..=b'9'] => u64::from(d - b'0'),
        [b'X'] => 10,
        _ => return None,
    };
    let mut packed = 0u64;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        packed = packed * 10 + u64::from(d - b'0');
    }
    Some(packed * 11 + check)
}

/// The first row of each pupil in the batch, to name it when a later row repeats the pupil and say what the two
/// rows disagree on. Kept compact (some 60 bytes a pupil where strings would take well over a hundred), since a
/// county's merged list has half a million pupils: a class is held once for all its pupils.
#[derive(Default)]
struct FirstRows {
    /// Pupils with a valid number, nearly all of them: 16 bytes a slot, where one map for both kinds of
    /// identity would take 32.
    by_number: HashMap<u64, u32, foldhash::fast::RandomState>,
    by_text: HashMap<Box<str>, u32, foldhash::fast::RandomState>,
    rows: Vec<FirstRow>,
    /// Every first row's name and then its phone, one after another.
    names: String,
    /// Each class label first rows give, once ("" for none); rows come class by class, so the last one is
    /// looked at before the map.
    classes: Vec<Box<str>>,
    class_index: HashMap<Box<str>, u32, foldhash::fast::RandomState>,
    last_class: u32,
    /// The label of the row being looked up (`class_of`).
    label: String,
    /// Each sheet read so far: its file and its name ("" for a CSV).
    places: Vec<(Box<str>, Box<str>)>,
    /// The first rows whose number a spreadsheet rounded keeping 15 digits, by those digits, each with the number
    /// as given: few (a list typed as text has none), and asked of a valid number only while there are any.
    rounded: HashMap<u64, Vec<(u32, Box<str>)>, foldhash::fast::RandomState>,
    /// The first rows with a flagged number, by name, each with the number as given and its problem's code: a
    /// later row of the name may give the number written another way (`FirstRows::flagged_alike`).
    flagged: HashMap<Box<str>, Vec<FlaggedFirst>, foldhash::fast::RandomState>,
    /// Each school first rows give, once, as `classes` holds classes.
    schools: Vec<Box<str>>,
    school_index: HashMap<Box<str>, u32, foldhash::fast::RandomState>,
    /// The first rows a later row's valid number may correct, as a later import corrects their pupil, by name
    /// (`RowReader::corrected_alike`): a flagged number neither rounded nor missing, or an old 15-digit one.
    correctable: HashMap<Box<str>, Vec<Correctable>, foldhash::fast::RandomState>,
    /// The first rows with a number shown shorter (4.50202E+17) whose pupil a later row gave the whole number of
    /// (`FirstRows::shown_before_whole`): taken, so no second whole number is given the same pupil.
    shown_taken: Vec<u32>,
}

/// A first row a later row's valid number may correct (`FirstRows::correctable`): its index, its number as stored,
/// its problem's code (`id_number::OLD_NUMBER` for an old 15-digit number) and its school.
type Correctable = (u32, Box<str>, &'static str, Box<str>);

/// A first row with a flagged number (`FirstRows::flagged`): its index, the number as given, its problem.
type FlaggedFirst = (u32, Box<str>, IdProblem);

/// How a later row is the same child as a first row by a spreadsheet's rounding (`FirstRows::rounded_alike`).
enum Alike {
    /// The later row gives the whole number, the first row (`first`) its rounding, written as `rounded`.
    WholeOfRounded { first: u32, rounded: Box<str> },
    /// The later row gives the rounding of the first row's (`first`) whole number, `whole`.
    RoundedOfWhole { first: u32, whole: Box<str> },
    /// The later row gives what a program printing the first row's (`first`) whole number `whole` as a double
    /// writes (`id_number::printed_from`), passing its check by chance or failing it alone.
    PrintedOfWhole { first: u32, whole: Box<str> },
    /// Both rows give a flagged number, and both may be written from one number (`id_number::flagged_alike`).
    BothFlagged,
    /// The later row's number fails the check and is the first row's valid number, `valid`, typed wrong
    /// (`id_number::mistyped_from`): the pupil keeps it (`RowReader::corrected_alike`).
    MistypedOfValid { valid: Box<str> },
    /// The later row gives an old 15-digit number (converted to 18) and is of the name, school and class of a first
    /// row giving a valid number, `valid`: the pupil keeps it (`RowReader::corrected_alike`).
    OldOfValid { valid: Box<str> },
    /// The later row gives a valid number for the child the first row (`first`) gave with a number held flagged,
    /// `held` (`id_number::flagged_may_be`): the pupil takes the later row's (`RowReader::corrected_alike`).
    ValidOfFlagged { first: u32, held: Box<str> },
}

/// How far from its 15 digits kept the whole number a numeric cell rounded can lie (`id_number::fifteen_digit_forms`:
/// cut or rounded up at the 15th digit, of the number or of the double nearest it, 32 away at most).
const ROUNDED_WITHIN: u64 = 1_032;

struct FirstRow {
    place: u32,
    row: u32,
    name_start: u32,
    name_len: u32,
    phone_len: u32,
    class: u32,
    school: u32,
    /// 民族 and 居住地址 as `personal_hash` gives them (0 for none): compared, never shown, so not held whole.
    ethnicity: u32,
    address: u32,
}

/// A first row's 民族 or 居住地址 as compared with a later row's: 0 for none, else never 0.
fn personal_hash(text: &str) -> u32 {
    use std::hash::BuildHasher;
    if text.is_empty() {
        return 0;
    }
    (foldhash::fast::FixedState::default().hash_one(text) as u32) | 1
}

/// A pupil's first row as a later row is compared with it.
struct FirstSeen<'a> {
    file: &'a str,
    /// The sheet's name, "" for a CSV.
    sheet: &'a str,
    /// As Excel numbers it.
    row: usize,
    name: &'a str,
    phone: &'a str,
    /// Grade and class as one label ("" where the row gave none).
    class: &'a str,
    /// `personal_hash` of the row's 民族 and 居住地址.
    ethnicity: u32,
    address: u32,
}

impl FirstSeen<'_> {
    /// The first row as a later row's line names it, in Chinese and English, the way the report's lines name their
    /// rows (`unapplied::list_place`): 「第 7 行」 on the later row's sheet (`here`: file and sheet), 「[一班] 第 7 行」
    /// on another sheet of its file, 「名单.xlsx [一班] 第 7 行」 in another file.
    fn place(&self, (file, sheet): (&str, &str)) -> (String, String) {
        let row = self.row;
        match (self.file == file, self.sheet == sheet) {
            (true, true) => (format!("第 {row} 行"), format!("row {row}")),
            (true, false) => (format!("[{}] 第 {row} 行", self.sheet), format!("[{}] row {row}", self.sheet)),
            (false, _) => (
                crate::domain::unapplied::list_place(self.file, self.sheet, row, false),
                crate::domain::unapplied::list_place(self.file, self.sheet, row, true),
            ),
        }
    }
}

impl FirstRows {
    fn place(&mut self, file: &str, sheet: &str) -> u32 {
        self.places.push((file.into(), sheet.into()));
        u32::try_from(self.places.len() - 1).unwrap_or(u32::MAX)
    }

    /// Where the pupil was first seen and what that row gave.
    fn get(&self, identity: &Identity) -> Option<FirstSeen<'_>> {
        let index = match identity {
            Identity::Number(n) => self.by_number.get(n),
            Identity::Other(text) => self.by_text.get(text),
        };
        self.seen_at(*index?)
    }

    /// A first row of the same name as `later` whose number is the whole one `later` gives rounded by a
    /// spreadsheet (15 digits kept: `id_number::rounding_of`), or the rounding of `later`'s valid number: one
    /// child listed twice, once from a numeric cell. A number shown with fewer digits (4.50202E+17), which many
    /// children share, is no one's.
    fn rounded_alike(&self, later: &Incoming) -> Option<(FirstSeen<'_>, Alike)> {
        match &later.id.result {
            Ok(valid) => {
                if self.rounded.is_empty() {
                    return None;
                }
                for form in id_number::fifteen_digit_forms(&valid.number)? {
                    let Ok(kept) = form.parse::<u64>() else { continue };
                    for (first, rounded) in self.rounded.get(&kept).into_iter().flatten() {
                        let seen = self.seen_at(*first)?;
                        // Written with more digits than 15 (4.502032018060625e+17), all of them must fit.
                        if seen.name == later.name
                            && id_number::rounding_of(&valid.number, rounded) == Some(id_number::Rounding::Fifteen)
                        {
                            return Some((seen, Alike::WholeOfRounded { first: *first, rounded: rounded.clone() }));
                        }
                    }
                }
                None
            }
            Err(IdProblem::PrecisionLost) => {
                if self.by_number.is_empty() {
                    return None;
                }
                let kept: u64 = id_number::fifteen_digits_kept(&later.id.normalized)?.parse().ok()?;
                // Each first 17 digits near it makes one valid number, looked up as the first rows hold them.
                let (low, high) = (kept.saturating_sub(ROUNDED_WITHIN) / 10, (kept + ROUNDED_WITHIN) / 10);
                let mut found = None;
                for (key, first17, check) in valid_numbers_between(low, high) {
                    let Some(&first) = self.by_number.get(&key) else { continue };
                    let number = format!("{first17:017}{check}");
                    if self.seen_at(first)?.name == later.name
                        && id_number::rounding_of(&number, &later.id.normalized) == Some(id_number::Rounding::Fifteen)
                    {
                        // Two children of the name whose numbers round alike: neither is guessed.
                        if found.is_some() {
                            return None;
                        }
                        found = Some((first, number));
                    }
                }
                let (first, whole) = found?;
                Some((self.seen_at(first)?, Alike::RoundedOfWhole { first, whole: whole.into() }))
            }
            Err(_) => None,
        }
    }

    /// The one first row of the same name, school and class as `later`, which gives a valid number, whose number is
    /// shown shorter (4.50202E+17, 4.5020220150101E+17: `id_number::Rounding::Shown`) and is that number's rounding:
    /// one child listed twice, the shown form before the whole one, as the drive pairs them (only in the same school
    /// and class: `id_number::flagged_may_be`). Not a row a whole number was given already; several: none is
    /// guessed. With the first row's index and its number as given.
    fn shown_before_whole(&self, later: &Incoming) -> Option<(u32, Box<str>)> {
        let valid = later.id.valid().filter(|v| v.kind != id_number::IdKind::ResidentConverted)?;
        let school = self.school_index.get(later.school.as_str())?;
        // Made only for a row with a first row of its name to compare: most rows have none.
        let class = std::cell::OnceCell::new();
        let class = || class.get_or_init(|| ClassKey::parse(&class_label::join(&later.grade, &later.class)));
        let mut found = None;
        for (first, number, problem) in self.flagged.get(later.name.as_str())? {
            if *problem != IdProblem::PrecisionLost || self.shown_taken.contains(first) {
                continue;
            }
            let Some(row) = self.rows.get(*first as usize) else { continue };
            let seen = self.seen_at(*first)?;
            if row.school == *school
                && ClassKey::parse(seen.class) == *class()
                && id_number::rounding_of(&valid.number, number) == Some(id_number::Rounding::Shown)
            {
                if found.is_some() {
                    return None;
                }
                found = Some((*first, number.clone()));
            }
        }
        found
    }

    /// A first row of the same name and class as `later` whose flagged number may be the one `later` gives flagged,
    /// written another way by a spreadsheet (`id_number::flagged_alike`): one child listed twice, as separate
    /// imports take it (`store::import`), never two. Only one such row is trusted. With its index and its number.
    fn flagged_alike(&self, later: &Incoming) -> Option<(FirstSeen<'_>, u32, IdCheck)> {
        let here = later.id.problem().filter(|p| **p != IdProblem::Missing)?.code();
        let class = std::cell::OnceCell::new();
        let class = || class.get_or_init(|| ClassKey::parse(&class_label::join(&later.grade, &later.class)));
        let mut found = None;
        for (first, number, problem) in self.flagged.get(later.name.as_str())? {
            let seen = self.seen_at(*first)?;
            if ClassKey::parse(seen.class) == *class()
                && id_number::flagged_alike(number, problem.code(), &later.id.normalized, here)
            {
                if found.is_some() {
                    return None;
                }
                found = Some((*first, IdCheck { normalized: number.to_string(), result: Err(problem.clone()) }));
            }
        }
        let (first, id) = found?;
        Some((self.seen_at(first)?, first, id))
    }

    fn seen_at(&self, index: u32) -> Option<FirstSeen<'_>> {
        let first = self.rows.get(index as usize)?;
        let (file, sheet) = self.places.get(first.place as usize).map_or(("", ""), |(f, s)| (f, s));
        let start = first.name_start as usize;
        let phone_start = start + first.name_len as usize;
        Some(FirstSeen {
            file,
            sheet,
            row: first.row as usize,
            name: self.names.get(start..phone_start).unwrap_or(""),
            phone: self.names.get(phone_start..phone_start + first.phone_len as usize).unwrap_or(""),
            class: self.classes.get(first.class as usize).map_or("", |c| c),
            ethnicity: first.ethnicity,
            address: first.address,
        })
    }

    fn insert(&mut self, identity: Identity, place: u32, row: usize, incoming: &Incoming) {
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let class = self.class_of(&incoming.grade, &incoming.class);
        let school = self.school_of(&incoming.school);
        let index = at(self.rows.len());
        self.rows.push(FirstRow {
            place,
            row: at(row),
            name_start: at(self.names.len()),
            name_len: at(incoming.name.len()),
            phone_len: at(incoming.phone.len()),
            class,
            school,
            ethnicity: personal_hash(&incoming.ethnicity),
            address: personal_hash(&incoming.address),
        });
        self.names.push_str(&incoming.name);
        self.names.push_str(&incoming.phone);
        if incoming.id.problem() == Some(&IdProblem::PrecisionLost)
            && let Some(kept) = id_number::fifteen_digits_kept(&incoming.id.normalized).and_then(|k| k.parse().ok())
        {
            self.rounded.entry(kept).or_default().push((index, incoming.id.normalized.as_str().into()));
        }
        if let Some(problem) = incoming.id.problem().filter(|p| **p != IdProblem::Missing) {
            let number = incoming.id.normalized.as_str().into();
            self.flagged.entry(incoming.name.as_str().into()).or_default().push((index, number, problem.clone()));
        }
        // A masked number stands for a pupil only where it fits one, and is never corrected.
        let masked = || id_number::masked_ends(&incoming.id.normalized).is_some();
        let correctable = match (&incoming.id.result, incoming.id.problem()) {
            (Ok(v), _) if v.kind == id_number::IdKind::ResidentConverted => Some((&v.number, id_number::OLD_NUMBER)),
            (_, Some(IdProblem::Missing | IdProblem::PrecisionLost)) => None,
            (_, Some(_)) if masked() => None,
            (_, Some(problem)) => Some((&incoming.id.normalized, problem.code())),
            _ => None,
        };
        if let Some((number, code)) = correctable {
            let entry = (index, number.as_str().into(), code, incoming.school.as_str().into());
            self.correctable.entry(incoming.name.as_str().into()).or_default().push(entry);
        }
        match identity {
            Identity::Number(n) => self.by_number.insert(n, index),
            Identity::Other(text) => self.by_text.insert(text, index),
        };
    }

    /// The first row at `index`, which gave no phone, as giving `phone`: what a later row of its pupil that gave
    /// it made the pupil's (`RepeatGives::Phone`), so a third row is compared with it.
    fn fill_phone(&mut self, index: u32, phone: &str) {
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        let Some(first) = self.rows.get_mut(index as usize) else { return };
        let start = first.name_start as usize;
        let name = self.names.get(start..start + first.name_len as usize).unwrap_or("").to_owned();
        // The name and its phone stay side by side: both go to the end, the old ones left unused.
        first.name_start = at(self.names.len());
        first.phone_len = at(phone.len());
        self.names.push_str(&name);
        self.names.push_str(phone);
    }

    /// The first row at `index` as giving the 民族 and 居住地址 a later row gave it (those not empty), so a third row
    /// is compared with them.
    fn fill_personal(&mut self, index: u32, ethnicity: &str, address: &str) {
        let Some(first) = self.rows.get_mut(index as usize) else { return };
        if !ethnicity.is_empty() {
            first.ethnicity = personal_hash(ethnicity);
        }
        if !address.is_empty() {
            first.address = personal_hash(address);
        }
    }

    /// The index of the school a row gives, held once; rows come school by school, so the last one is looked at
    /// before the map.
    fn school_of(&mut self, school: &str) -> u32 {
        if self.schools.last().is_some_and(|last| **last == *school) {
            return u32::try_from(self.schools.len() - 1).unwrap_or(u32::MAX);
        }
        if let Some(&at) = self.school_index.get(school) {
            return at;
        }
        let at = u32::try_from(self.schools.len()).unwrap_or(u32::MAX);
        self.schools.push(school.into());
        self.school_index.insert(school.into(), at);
        at
    }

    /// A first row of the same school, class and name as `later` whose valid number a program printing it as a
    /// double writes as `later`'s number (`id_number::printed_from`: 450102201901011392 for …1368), which passes
    /// its check by chance or fails it alone: one child listed twice, once through a float, never two. Only one
    /// such row is trusted. A number shown with 13 or 14 digits (4.5010220190101E+17, `id_number::Rounding::Shown`)
    /// is taken the same way, as the drive pairs one only in the same school and class (`id_number::flagged_may_be`).
    /// A printed number that passes its check is taken so only into an empty drive (`drive_empty`): on a drive it
    /// may be the number a pupil holds, whom the import finds by it (`store::import` pairs it against the drive
    /// only where no pupil holds it). How `later` is alike, with the first row's index and whole number.
    fn printed_alike(&self, later: &Incoming, drive_empty: bool) -> Option<(FirstSeen<'_>, Alike)> {
        if self.by_number.is_empty() {
            return None;
        }
        let shown = match later.id.result {
            Err(IdProblem::PrecisionLost) => id_number::shown_range(&later.id.normalized, 13),
            _ => None,
        };
        let (low, high) = match shown {
            Some(range) => range,
            None if id_number::may_be_printed(&later.id) && (drive_empty || later.id.result.is_err()) => {
                let printed: u64 = later.id.normalized.parse().ok()?;
                (printed.saturating_sub(id_number::PRINTED_WITHIN), printed + id_number::PRINTED_WITHIN)
            }
            None => return None,
        };
        let alike = |number: &str| match shown {
            Some(_) => id_number::rounding_of(number, &later.id.normalized) == Some(id_number::Rounding::Shown),
            None => id_number::printed_from(number, &later.id.normalized),
        };
        // Made only once a first row of the name is met: most numbers near a row's are no one's of its name.
        let class = std::cell::OnceCell::new();
        let class = || class.get_or_init(|| ClassKey::parse(&class_label::join(&later.grade, &later.class)));
        let school = self.school_index.get(later.school.as_str())?;
        let (low, high) = (low / 10, high / 10);
        let mut found = None;
        for (key, first17, check) in valid_numbers_between(low, high) {
            let Some(&first) = self.by_number.get(&key) else { continue };
            let number = format!("{first17:017}{check}");
            let seen = self.seen_at(first)?;
            if seen.name == later.name
                && self.rows.get(first as usize).is_some_and(|row| row.school == *school)
                && ClassKey::parse(seen.class) == *class()
                && alike(&number)
            {
                // Two children of the name whose numbers print alike: neither is guessed.
                if found.is_some() {
                    return None;
                }
                found = Some((first, number));
            }
        }
        let (first, whole) = found?;
        let whole = whole.into();
        let alike = match shown {
            Some(_) => Alike::RoundedOfWhole { first, whole },
            None => Alike::PrintedOfWhole { first, whole },
        };
        Some((self.seen_at(first)?, alike))
    }

    /// The index of the class label a row gives, held once.
    fn class_of(&mut self, grade: &str, class: &str) -> u32 {
        // `class_label::join` without making the label: the grade, then the class unless it starts with it.
        let same = |label: &str| {
            if grade.is_empty() || class.starts_with(grade) {
                label == class
            } else {
                label.strip_prefix(grade) == Some(class)
            }
        };
        if self.classes.get(self.last_class as usize).is_some_and(|label| same(label)) {
            return self.last_class;
        }
        // Looked up in a buffer kept from row to row: a label is made only for a class not met before.
        self.label.clear();
        if !(grade.is_empty() || class.starts_with(grade)) {
            self.label.push_str(grade);
        }
        self.label.push_str(class);
        let index = match self.class_index.get(self.label.as_str()) {
            Some(&index) => index,
            None => {
                let next = u32::try_from(self.classes.len()).unwrap_or(u32::MAX);
                let label: Box<str> = self.label.as_str().into();
                self.class_index.insert(label.clone(), next);
                self.classes.push(label);
                next
            }
        };
        self.last_class = index;
        index
    }
}

/// A name whose inner spaces the import changed (`clean_name`): into 「·」 for a transliterated name's parts, or
/// dropped between two parts of two characters or more (扎西 多吉, which may be one too). Said, so a legal name is
/// never changed without a word; spaces between single characters (王 明) are alignment, said of nothing.
fn spaced_name(raw: &str, stored: &str) -> Option<String> {
    let parts: Vec<&str> = raw.split_whitespace().collect();
    if parts.len() < 2 || parts.iter().any(|p| p.chars().count() < 2 || p.chars().any(is_middle_dot)) {
        return None;
    }
    let written = quoted(raw.trim());
    let stored = quoted(stored);
    if minority_parts(raw).is_some() {
        return Some(format!(
            "姓名“{written}”中的空格已改为“·”（户口簿中少数民族姓名的写法），按“{stored}”导入，请核对 (the spaces in the \
             name “{written}” became 「·」, as the household register writes a minority name: imported as \
             “{stored}”, check it)"
        ));
    }
    let dotted = quoted(&parts.join(&MIDDLE_DOT.to_string())).into_owned();
    Some(format!(
        "姓名“{written}”中的空格已去掉，按“{stored}”导入；若户口簿写作“{dotted}”，请改正 (the space in the name \
         “{written}” was removed, imported as “{stored}”; if the household register writes “{dotted}”, correct it)"
    ))
}

/// What is said of a new pupil looking like a pupil held under another number (`held`): of the same name and class,
/// and of the same birth date or not. `preview`: as a dry run says it, in the future tense, the words
/// `as_preview` would make of the other (at 500k pupils a batch draws thousands of these, each read again and
/// copied to be reworded).
fn look_alike_message(held: &str, same_birth_date: bool, preview: bool) -> String {
    let (held_zh, held_en) = id_number::mask_zh_en(held);
    let (added_zh, added_en) = match preview {
        false => ("已作为新学生导入", "the row was added as a new pupil"),
        true => ("将作为新学生导入", "the row will be added as a new pupil"),
    };
    if same_birth_date {
        format!(
            "已有同名、同出生日期、同班的学生，身份证号码为 {held_zh}，与此行不同：{added_zh}，可能是同一学生的身份证号码已更正，\
             请核对 (a pupil of this name, birth date and class is held with another ID number, {held_en}: {added_en}; \
             perhaps it is the same pupil whose ID number was corrected: check)"
        )
    } else {
        let (extra_zh, extra_en) = crate::domain::roster_check::EXTRA_ENTRY;
        format!(
            "已有同名、同班的学生，身份证号码为 {held_zh}，与此行号码不同、出生日期不同，请核对是否为同一学生：此行{added_zh}，\
             如身份证号码已更正，{extra_zh} (a pupil of this name and class is held with another ID number, \
             {held_en}, of another birth date; check whether it is the same pupil: {added_en}; if the number was \
             corrected, {extra_en})"
        )
    }
}

/// Phones as the importer keeps them (see `phone::clean`); the identity form keeps them the same way.
pub use crate::domain::phone::clean as clean_phone;

/// What a dry run's notices say as done, each with how its preview says it (`as_preview`), reworded in this
/// order.
const TENSES: &[(&str, &str)] = &[
    ("已导入并标记", "将导入并标记"),
    ("imported and flagged", "to be imported and flagged"),
    ("此项留空，学生已导入", "此项将留空，学生将导入"),
    ("left empty, the pupil imported", "to be left empty, the pupil to be imported"),
    // Of two rows, two phones or a cell past Excel's length: only the first 「只导入了」.
    ("只导入了", "将只导入"),
    ("was imported", "will be imported"),
    ("were imported", "will be imported"),
    ("已按所写导入", "将按所写导入"),
    ("imported as written", "to be imported as written"),
    ("已按原样导入", "将按原样导入"),
    // A status a form changes (a class list's 参保登记 of 不参保), and a decline with no reason on it.
    ("状态按名单由", "状态将按名单由"),
    ("statuses taken from the list", "statuses to be taken from the list"),
    ("学生记为不参保", "学生将记为不参保"),
    // A last line cut off while the file was copied.
    ("该行未导入", "该行将不导入"),
    ("that row was not imported", "that row will not be imported"),
    ("the pupil is declined", "the pupil will be declined"),
    // Where a row goes: the class its cell names, the class written as it is, a number cell's class.
    ("已按年级列导入到", "将按年级列导入到"),
    ("已按班级列所写导入到", "将按班级列所写导入到"),
    ("已作为学生导入", "将作为学生导入"),
    ("grade: imported into", "grade: will be imported into"),
    ("已按原样作为班级导入", "将按原样作为班级导入"),
    (": imported as the class as written", ": will be imported as the class as written"),
    ("末尾的 0）：已按“", "末尾的 0）：将按“"),
    ("trailing 0: imported as", "trailing 0: will be imported as"),
    // A masked number that is a pupil's whole one, a 15-digit number converted.
    ("是同一学生，已按", "是同一学生，将按"),
    ("the same child, imported with", "the same child, to be imported with"),
    ("已按转换后的号码导入", "将按转换后的号码导入"),
    ("; imported as the number it converts to", "; to be imported as the number it converts to"),
    // Rows kept though odd: hidden, undecodable, with a footer's word, a sample sheet's.
    ("），已导入，请核对", "），将导入，请核对"),
    ("or filtered out: imported;", "or filtered out: to be imported;"),
    (" imported: check them: rows", " to be imported: check them: rows"),
    ("显示为“�”，已导入", "显示为“�”，将导入"),
    ("已去除后导入", "将去除后导入"),
    ("in this row were removed", "in this row will be removed"),
    ("已作为学生导入", "将作为学生导入"),
    ("imported as a pupil", "to be imported as a pupil"),
    ("其中的学生已按名单导入", "其中的学生将按名单导入"),
    ("仍已导入", "仍将导入"),
    ("imported all the same", "to be imported all the same"),
    ("已作为新学生导入", "将作为新学生导入"),
    ("the row was added as a new pupil", "the row will be added as a new pupil"),
    ("只导入一次", "将只导入一次"),
    ("imported once", "to be imported once"),
    // Rows not pupils.
    ("已跳过", "将跳过"),
    (": skipped", ": to be skipped"),
    (", skipped)", ", to be skipped)"),
    // Cells read, numbers and names taken from the list.
    ("已按空白读取", "将按空白读取"),
    ("the cell was read as empty", "the cell will be read as empty"),
    ("no result saved, read as empty", "no result saved, to be read as empty"),
    ("已按原样保存", "将按原样保存"),
    ("kept as written, the pupil", "to be kept as written, the pupil"),
    ("已按名单填为", "将按名单填为"),
    ("filled in as the list gives it", "to be filled in as the list gives it"),
    ("(ID number corrected from", "(ID number to be corrected from"),
    ("已改回", "将改回"),
    ("which was put back", "which will be put back"),
    ("已按名单更新", "将按名单更新"),
    ("which was taken: check it", "which will be taken: check it"),
    ("已按名单改为", "将按名单改为"),
    (": renamed ", ": to be renamed "),
    ("已按姓名和班级作为", "将按姓名和班级作为"),
    ("the row was taken as", "the row will be taken as"),
    ("等已记在", "等将记在"),
    ("notes went to the pupil", "notes will go to the pupil"),
    // Pupils who left, back on a list.
    ("已回到", "将回到"),
    (": back in class", ": to be back in class"),
    ("on it again: back in the classes", "on it again: to be back in the classes"),
    ("on the lists again, are in the classes", "on the lists again, will be in the classes"),
    // Moves the list makes.
    ("名学生调到了", "名学生将调到"),
    (" moved to another class", " to be moved to another class"),
    (" moved from school ", " to be moved from school "),
    ("if they should have stayed in", "if they should stay in"),
    // The screen's own counts of an import: moves and statuses.
    ("Moved: ", "To be moved: "),
    ("按 canbao 表格更改", "将按 canbao 表格更改"),
    ("canbao's own form: taken for", "canbao's own form: to be taken for"),
    // The staff's tables, sheets and columns left out, and a staff header whose rows proved pupils.
    ("不是学生，未导入", "不是学生，将不导入"),
    ("no pupils: not imported", "no pupils: will not be imported"),
    ("一并未导入", "一并将不导入"),
    (") was left out with them", ") will be left out with them"),
    (") were left out with them", ") will be left out with them"),
    ("no pupil, not imported", "no pupil, will not be imported"),
    ("no pupils, not imported", "no pupils, will not be imported"),
    ("不是学生名单，未导入", "不是学生名单，将不导入"),
    ("a pupils' list: not imported", "a pupils' list: will not be imported"),
    ("的这几列均未导入", "的这几列均将不导入"),
    ("), none of it imported", "), none of it to be imported"),
    ("and nothing of them went to a pupil", "and nothing of them will go to a pupil"),
    ("not a pupil, skipped", "not a pupil, to be skipped"),
    ("not a pupil: not imported", "not a pupil: will not be imported"),
    ("ID number: read as pupils", "ID number: to be read as pupils"),
    ("is skipped as staff", "will be skipped as staff"),
];

// The phrases a message holds are bits of a u128 (`tenses_in`).
const _: () = assert!(TENSES.len() <= 128);
// `tenses_in` looks phrases up by their first four bytes.
const _: () = {
    let mut index = 0;
    while index < TENSES.len() {
        assert!(TENSES[index].0.len() >= 4);
        index += 1;
    }
};

/// A problem of an import as its preview (a dry run) says it: what a row 「已导入并标记」 (imported and flagged) is
/// then 「将导入并标记」 (to be imported and flagged), a phone 「此项留空，学生已导入」 then 「此项将留空，学生将导入」,
/// nothing having been imported yet.
pub fn as_preview(message: &str) -> String {
    preview_reworded(message).unwrap_or_else(|| message.to_owned())
}

/// `as_preview`'s rewording, or None where it changes nothing: most notices hold none of the phrases, and a batch
/// into a large drive may say thousands, so the message is read once for all the phrases (`tenses_in`) rather than
/// searched once for each. The phrases are still reworded one after the other in `TENSES`' order, each as the ones
/// before it left the message: where the message holds it and not yet its future (a preview said again stays as
/// it is); after a rewording the words put in, and as much either side as a phrase is long, are read again, for
/// they may make a later phrase.
pub fn preview_reworded(message: &str) -> Option<String> {
    let mut found = tenses_in(message.as_bytes());
    let mut said: Option<String> = None;
    for (index, (done, to_be)) in TENSES.iter().enumerate() {
        if found >> index == 0 {
            break;
        }
        if found & (1 << index) == 0 {
            continue;
        }
        let now = said.as_deref().unwrap_or(message);
        if now.contains(to_be) {
            continue;
        }
        // `str::replace`, noting where the future went: only there can the rewording have made a later phrase,
        // the rest of the message being as it was and read already (a phrase it took away leaves a bit set, which
        // finds nothing below).
        let mut next = String::with_capacity(now.len() + to_be.len());
        let (mut kept, mut first, mut last) = (0, usize::MAX, 0);
        for (at, _) in now.match_indices(done) {
            next.push_str(&now[kept..at]);
            first = first.min(next.len());
            next.push_str(to_be);
            last = next.len();
            kept = at + done.len();
        }
        if first > last {
            // A phrase an earlier rewording took away: nothing to reword, the message as it is.
            continue;
        }
        next.push_str(&now[kept..]);
        // The future and the bytes either side that a phrase overlapping it could take.
        let from = first.saturating_sub(TENSE_LONGEST - 1);
        let upto = (last + TENSE_LONGEST - 1).min(next.len());
        found |= tenses_in(&next.as_bytes()[from..upto]);
        said = Some(next);
    }
    said
}

/// Whether some words put into a notice may make a phrase of `TENSES` (`.0`) there: they hold a character of one.
/// A phrase found in a notice begins and ends at characters, so one the words do not hold a character of lies
/// wholly in the notice's own words.
fn may_hold_a_tense(words: &str) -> bool {
    static CHARS: std::sync::OnceLock<std::collections::HashSet<char>> = std::sync::OnceLock::new();
    let chars = CHARS.get_or_init(|| TENSES.iter().flat_map(|(done, _)| done.chars()).collect());
    words.chars().any(|c| chars.contains(&c))
}

/// The longest phrase of `TENSES`, in bytes: how far either side of a rewording a phrase it makes can reach.
const TENSE_LONGEST: usize = {
    let (mut index, mut longest) = (0, 0);
    while index < TENSES.len() {
        if TENSES[index].0.len() > longest {
            longest = TENSES[index].0.len();
        }
        index += 1;
    }
    longest
};

/// The phrases of `TENSES` (`.0`) some bytes hold, as bits by their index: one reading of them, where each
/// position's next four bytes are looked up in a table of the phrases' first four bytes (most positions find
/// nothing there), and only the phrases filed under them are compared.
fn tenses_in(bytes: &[u8]) -> u128 {
    let starts = tense_starts();
    let mut found = 0u128;
    for (at, window) in bytes.windows(4).enumerate() {
        let head = u32::from_le_bytes([window[0], window[1], window[2], window[3]]);
        let bucket = starts.bucket_of[head_slot(head)];
        if bucket == 0 {
            continue;
        }
        for &index in &starts.buckets[usize::from(bucket) - 1] {
            if bytes[at..].starts_with(TENSES[index].0.as_bytes()) {
                found |= 1 << index;
            }
        }
    }
    found
}

/// The phrases of `TENSES` filed by their first four bytes (every phrase has them), for `tenses_in`.
struct TenseStarts {
    /// For each `head_slot`, 0 where no phrase's first four bytes fall, else 1 + its bucket in `buckets`.
    bucket_of: Box<[u8; 4096]>,
    /// The phrases (their index) whose first four bytes fall in one slot.
    buckets: Vec<Vec<usize>>,
}

fn tense_starts() -> &'static TenseStarts {
    static STARTS: std::sync::OnceLock<TenseStarts> = std::sync::OnceLock::new();
    STARTS.get_or_init(|| {
        let mut bucket_of = Box::new([0u8; 4096]);
        let mut buckets: Vec<Vec<usize>> = Vec::new();
        for (index, (done, _)) in TENSES.iter().enumerate() {
            let b = done.as_bytes();
            let slot = head_slot(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
            if bucket_of[slot] == 0 {
                buckets.push(Vec::new());
                // At most 128 phrases (asserted by `TENSES`), so at most 128 buckets.
                bucket_of[slot] = buckets.len() as u8;
            }
            buckets[usize::from(bucket_of[slot]) - 1].push(index);
        }
        TenseStarts { bucket_of, buckets }
    })
}

/// Four bytes' slot of 4,096 in `TenseStarts::bucket_of`: a multiplicative hash's top 12 bits.
fn head_slot(head: u32) -> usize {
    (head.wrapping_mul(0x9E37_79B1) >> 20) as usize
}

/// The valid numbers whose first 17 digits lie in `low..=high`, each as the key `FirstRows::by_number` holds it
/// (`first17 * 11 + check value`), its first 17 digits and its check character: a rounded or printed number's
/// neighbourhood, walked without writing out a number that no first row holds.
fn valid_numbers_between(low: u64, high: u64) -> impl Iterator<Item = (u64, u64, char)> {
    (low..=high).map(|first17| {
        let mut digits = [0u8; 17];
        let mut n = first17;
        for d in digits.iter_mut().rev() {
            *d = b'0' + (n % 10) as u8;
            n /= 10;
        }
        let check = id_number::check_char(&digits);
        let check_value = check.to_digit(10).map_or(10, u64::from);
        (first17 * 11 + check_value, first17, check)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Last school year's list is told by the same reading of a class's year as next year's (`a_grade_up`):
    /// classes numbered by year (401班 → 301班) and a kindergarten's classes named by year (中一班 → 小一班) are a
    /// grade down, where before only a grade written out (三年级) was read.
    #[test]
    fn a_grade_down_reads_classes_numbered_by_year_and_kindergarten_years() {
        for (from, to) in [
            ("三年级1班", "二年级1班"),
            ("401班", "301班"),
            ("402班", "301"),
            ("四年级1班", "301班"),
            ("401班", "三年级(1)班"),
            ("701班", "601班"),
            ("初二1班", "初一1班"),
            ("高一2班", "初三2班"),
            ("中一班", "小一班"),
            ("中(2)班", "小(2)班"),
            ("幼儿园大一班", "幼儿园中一班"),
            ("中班1班", "小班1班"),
            ("已毕业2026届", "六年级1班"),
        ] {
            assert!(a_grade_down(from, to), "{from} → {to}");
            if !from.starts_with(crate::store::GRADUATES_GRADE) {
                assert!(crate::io::list_guards::a_grade_up(to, from), "the mirror: {to} → {from}");
            }
        }
        for (from, to) in [("301班", "301班"), ("501班", "301班"), ("301班", "401班"), ("小一班", "中一班")]
        {
            assert!(!a_grade_down(from, to), "{from} → {to}");
        }
    }

    #[test]
    fn names_and_phones() {
        assert_eq!(clean_name("张  三"), "张三");
        assert_eq!(clean_name(" Tom   Lee "), "Tom Lee");
        assert_eq!(clean_name("阿依古丽·买买提"), "阿依古丽·买买提");
        for dot in ['•', '・', '．', '.', '‧', '\u{2027}', '\u{30fb}', '\u{ff65}', '\u{b7}'] {
            assert_eq!(clean_name(&format!("阿卜杜{dot}热合曼")), "阿卜杜·热合曼", "{dot:?}");
        }
        assert_eq!(clean_name("阿卜杜 • 热合曼"), "阿卜杜·热合曼");
        // A Latin name's full stop is no middle dot.
        assert_eq!(clean_name("J. Smith"), "J. Smith");
        assert_eq!(clean_phone("138-0013 8000"), "13800138000");
        assert_eq!(clean_phone("１３８００１３８０００"), "13800138000");
        // As cells arrive: a formula made safe with an apostrophe (io::cell).
        assert_eq!(clean_phone("'=\"13800138000\""), "13800138000");
        assert_eq!(clean_phone("'13800138000"), "13800138000");
        assert_eq!(clean_phone("'=1+1"), "'=1+1");
        assert_eq!(clean_phone("'=\"1\"&\"38\""), "'=\"1\"&\"38\"");
    }

    #[test]
    fn sources_read_as_formatted() {
        for row in [0, 1, 9, 10, 99, 100, 12_345, 1_000_000, usize::MAX] {
            assert_eq!(source_of("a.csv", "", row), format!("a.csv:{row}"));
            assert_eq!(source_of("名单.xlsx", "一班", row), format!("名单.xlsx[一班]:{row}"));
        }
    }

    #[test]
    fn class_cells_read_once_read_as_ever() {
        let mut cells = ClassCells::default();
        let rows = [
            (Some("三年级"), Some("2班"), None),
            (Some("三年级2"), Some("班"), None),
            (None, Some("三年级"), Some("2班")),
            (None, None, Some("三年级2班")),
            (Some("三年级"), None, Some("2班")),
            (Some("初一"), Some("3"), None),
            (None, None, None),
        ];
        for _ in 0..2 {
            for (grade, class, combined) in rows {
                let read = cells.read([grade, class, combined, combined, None], false, || {
                    let (grade, class) = class_label::from_columns(grade, class, combined);
                    ClassRead {
                        grade,
                        class,
                        names_own_grade: false,
                        numbered_other_grade: None,
                        names_other_than_sheet: false,
                    }
                });
                assert_eq!(
                    (read.grade, read.class),
                    class_label::from_columns(grade, class, combined),
                    "{grade:?} {class:?} {combined:?}"
                );
            }
        }
        assert_eq!(cells.read.len(), rows.len());
    }

    #[test]
    fn counts_under_a_list_are_no_names() {
        for count in ["3人", "共45人", "男：2人 女：1人", "男生20人，女生25人", "人数：45", "男2女1", "３人"]
        {
            assert!(is_count(count), "{count}");
        }
        for other in ["张三", "45", "", "人", "阿依古丽·买买提", "4502022013040510人", "李2人"] {
            assert!(!is_count(other), "{other}");
        }
    }

    #[test]
    fn packed_numbers_are_one_to_one() {
        let a = pack_number("11010519491231002X").unwrap();
        assert_ne!(a, pack_number("110105194912310020").unwrap());
        assert_ne!(a, pack_number("110105194912310029").unwrap());
        assert_ne!(pack_number("999999999999999999"), pack_number("99999999999999999X"));
        // The largest packs without overflow; anything but 17 digits and a check character is not packed.
        assert_eq!(pack_number("99999999999999999X"), Some(99_999_999_999_999_999 * 11 + 10));
        for other in ["", "11010519491231002", "1101051949123100211", "11010519491231002x", "1101051949123100A1"] {
            assert_eq!(pack_number(other), None, "{other}");
        }
    }

    #[test]
    fn a_repeated_pupil_names_the_sheet_and_row_first_seen() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let text = |s: &str| Cell::Text(s.to_owned());
        let sheet = |name: &str, rows: &[(&str, &str)]| Sheet {
            name: name.to_owned(),
            rows: std::iter::once(vec![text("姓名"), text("身份证号码")])
                .chain(rows.iter().map(|(n, id)| vec![text(n), text(id)]))
                .collect(),
        };
        let first = sheet("一班", &[("张三", "11010519491231002X"), ("李四", "")]);
        let second = sheet("二班", &[("王五", "11010519491231002X"), ("李四", "")]);
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![first, second])], None, DEFAULT_SCHOOL, today).unwrap();
        assert_eq!(plan.rows.len(), 3, "张三, 李四 of 一班 and 李四 of 二班 (another class, another child)");
        assert_eq!(plan.report.duplicates, 1);
        let message = &plan.report.problems.iter().find(|p| p.sheet == "二班" && p.row == Some(2)).unwrap().message;
        assert!(
            message.starts_with("与[一班] 第 2 行身份证号码相同但姓名不同（“张三”与“王五”）")
                && message.contains("(same ID as [一班] row 2 but a different name"),
            "{message}"
        );
        // On the same sheet, the row alone; in another file, the file, sheet and row, as a report line names them.
        let again = sheet(
            "一班",
            &[("张三", "11010519491231002X"), ("张三", "11010519491231002X"), ("王五", ""), ("王五", "")],
        );
        let other = sheet("一班", &[("张三", "11010519491231002X")]);
        let plan = plan_sheets(
            vec![("a.xlsx".into(), vec![again]), ("b.xlsx".into(), vec![other])],
            None,
            DEFAULT_SCHOOL,
            today,
        )
        .unwrap();
        let said = |file: &str, row: usize| {
            let p = plan.report.problems.iter().find(|p| p.file == file && p.row == Some(row));
            p.map(|p| p.message.clone()).unwrap_or_default()
        };
        assert_eq!(
            said("a.xlsx", 3),
            "与第 2 行重复（同一身份证号码），只导入一次 (duplicate of row 2, imported once)"
        );
        let unnumbered = said("a.xlsx", 5);
        assert!(
            unnumbered.starts_with("与第 4 行同名同班") && unnumbered.contains("only row 4 was imported"),
            "{unnumbered}"
        );
        assert_eq!(
            said("b.xlsx", 2),
            "与a.xlsx [一班] 第 2 行重复（同一身份证号码），只导入一次 (duplicate of a.xlsx [一班] row 2, imported once)"
        );
    }

    /// A stop asked for (Ctrl-C, the screen's stop) while the lists are read ends the import there, naming the file
    /// being read, and the drive keeps none of it: the flag the drive's statements watch is looked at as rows are
    /// read, where a list of a million rows was read to its end first (the per-row statements are too short for
    /// SQLite to look at it), a dry run then said to be stopped only after its preview.
    #[test]
    fn a_stop_while_the_lists_are_read_ends_the_import_naming_the_file() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};
        let dir = tempfile::tempdir().unwrap();
        let small = dir.path().join("一班.csv");
        std::fs::write(&small, "姓名,身份证号码,班级\n张三,450202201805040017,一年级1班\n").unwrap();
        let big = dir.path().join("全校.csv");
        let mut list = String::from("姓名,身份证号码,班级\n");
        let days = [45020220100101000u64, 45020220100102000, 45020220100103000];
        let numbers = days.iter().flat_map(|&low| valid_numbers_between(low, low + 999));
        for (i, (_, first17, check)) in numbers.enumerate() {
            list.push_str(&format!("学生{i},{first17}{check},{}班\n", 1 + i % 9));
        }
        std::fs::write(&big, list).unwrap();
        for (name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
            for dry_run in [false, true] {
                let mut store = Store::open(&dir.path().join(format!("{name}-{dry_run}.db"))).unwrap();
                run(&mut store, &[small.as_path()], None, false).unwrap();
                let flag = Arc::new(AtomicBool::new(false));
                store.stop_when(Arc::clone(&flag)).unwrap();
                flag.store(true, Ordering::Relaxed);
                let err = run(&mut store, &[small.as_path(), big.as_path()], None, dry_run).expect_err("stopped");
                let stopped =
                    matches!(&err, ImportError::Read(ReadError::Stopped { file }) if file.ends_with("一班.csv"));
                assert!(stopped, "{name}, dry run {dry_run}: {err:?}");
                store.stop_no_longer().unwrap();
                assert_eq!(store.student_count().unwrap(), 1, "{name}, dry run {dry_run}: nothing kept");
                // Unstopped, the same lists import.
                let report = run(&mut store, &[small.as_path(), big.as_path()], None, dry_run).unwrap();
                assert_eq!(report.added, 3000, "{name}, dry run {dry_run}");
            }
        }
    }

    /// A CSV whose last line is cut off (no line break after it, and short of the header's columns or inside a
    /// quoted cell, or inside a quoted cell of several lines), as a file still being copied or saved is, has that
    /// line left out and said at its row, the rows above imported; a
    /// whole last line without a line break, as Excel writes it, is a pupil, and so is a short line the file
    /// goes on past.
    #[test]
    fn a_last_line_cut_off_is_left_out_and_said_and_a_whole_one_without_a_break_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let header = "姓名,身份证号码,班级\n张三,450202201805040017,一年级1班\n";
        let cases = [
            ("short.csv", "李四,4502022018", 1, true),
            ("quoted.csv", "李四,450202201805040025,\"一年级", 1, true),
            ("multiline.csv", "李四,450202201805040025,\"一年级\n1", 1, true),
            ("multiline_ended.csv", "李四,450202201805040025,\"一年级\r\n", 1, true),
            ("whole.csv", "李四,450202201805040025,一年级1班", 2, false),
            ("ended.csv", "李四,450202201805040025\n", 2, false),
        ];
        for (file, last, added, cut) in cases {
            let path = dir.path().join(file);
            std::fs::write(&path, format!("{header}{last}")).unwrap();
            for (name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
                let mut store = Store::open(&dir.path().join(format!("{file}-{name}.db"))).unwrap();
                let report = run(&mut store, &[path.as_path()], Some("示范小学"), false).unwrap();
                assert_eq!(report.added, added, "{file} {name}: {report:?}");
                let said = report.problems.iter().find(|p| p.message.contains("文件最后一行不完整"));
                assert_eq!(
                    said.map(|p| (p.file.ends_with(file), p.row)),
                    cut.then_some((true, Some(3))),
                    "{file} {name}"
                );
                let names: Vec<String> = store
                    .students(&crate::store::StudentFilter::default())
                    .unwrap()
                    .into_iter()
                    .map(|s| s.name)
                    .collect();
                assert_eq!(names.contains(&"李四".to_owned()), !cut, "{file} {name}: {names:?}");
            }
        }
    }

    /// The lock file Excel or WPS keeps beside an open workbook, caught up in a batch, is left out and named as
    /// such with the list it stands for, and the rest imported, where it refused the batch as no table; alone, it
    /// is the import's refusal in the same words.
    #[test]
    fn an_office_lock_file_in_a_batch_is_left_out_and_named_and_the_rest_imported() {
        let dir = tempfile::tempdir().unwrap();
        let list = dir.path().join("三年级2班.csv");
        std::fs::write(&list, "姓名,身份证号码,班级\n张三,450202201805040017,三年级2班\n").unwrap();
        let lock = dir.path().join("~$三年级2班.csv");
        let mut owner = b"\x06tester".to_vec();
        owner.resize(165, 0);
        std::fs::write(&lock, owner).unwrap();
        let mut store = Store::open(&dir.path().join("d.db")).unwrap();
        let report = import(&mut store, &[lock.as_path(), list.as_path()], Some("示范小学"), false).unwrap();
        assert_eq!(report.added, 1, "{report:?}");
        let said = report.warnings.iter().find(|w| w.contains("打开文件时生成的临时文件"));
        let said = said.unwrap_or_else(|| panic!("{:?}", report.warnings));
        assert!(said.contains("请关闭 Excel 后选择 三年级2班.csv") && said.contains("~$三年级2班.csv"), "{said}");
        match import(&mut store, &[lock.as_path()], Some("示范小学"), false) {
            Err(ImportError::Read(ReadError::OfficeLock { words, .. })) => assert_eq!(&words, said),
            other => panic!("{other:?}"),
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    fn text(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }

    /// A sheet of 姓名 and 身份证号码 with `above` (title rows) over the header.
    fn pupils_sheet(name: &str, above: &[&str], rows: &[(&str, &str)]) -> Sheet {
        let title = above.iter().map(|t| vec![text(t), text(t)]);
        let header = std::iter::once(vec![text("姓名"), text("身份证号码")]);
        Sheet {
            name: name.to_owned(),
            rows: title.chain(header).chain(rows.iter().map(|(n, id)| vec![text(n), text(id)])).collect(),
        }
    }

    fn classes_of(plan: &ImportPlan) -> Vec<String> {
        plan.rows.iter().map(|r| class_label::join(&r.grade, &r.class)).collect()
    }

    /// A sheet of 姓名 · 身份证号码 · 班级 with `above` (title rows) over the header.
    fn class_column_sheet(name: &str, above: &[&str], rows: &[(&str, &str, &str)]) -> Sheet {
        let title = above.iter().map(|t| vec![text(t), text(t), text(t)]);
        let header = std::iter::once(vec![text("姓名"), text("身份证号码"), text("班级")]);
        Sheet {
            name: name.to_owned(),
            rows: title
                .chain(header)
                .chain(rows.iter().map(|(n, id, class)| vec![text(n), text(id), text(class)]))
                .collect(),
        }
    }

    /// Ten valid ID numbers, none repeated.
    const TEN_IDS: [&str; 10] = [
        "450202201703051233",
        "450202201704062348",
        "450202201603051236",
        "450202201604062340",
        "450202201705071019",
        "450202201706082027",
        "450202201607093038",
        "450202201608104042",
        "450202201709115058",
        "450202201710126061",
    ];

    #[test]
    fn a_grade_and_class_written_as_numbers_are_one_class_however_the_cells_hold_them() {
        let header = ["姓名", "身份证号码", "年级", "班级"].map(text).to_vec();
        let cells = [
            (Cell::Number(3.0), Cell::Number(2.0)),
            (text("3"), text("2")),
            (Cell::Number(3.0), text("2班")),
            (Cell::Number(3.0), text("(2)班")),
            (text("03"), text("02")),
            (text("3年级"), Cell::Number(2.0)),
        ];
        let names = ["甲", "乙", "丙", "丁", "戊", "己"];
        let rows = std::iter::once(header)
            .chain(
                cells
                    .iter()
                    .zip(names)
                    .zip(TEN_IDS)
                    .map(|(((g, c), n), id)| vec![text(n), text(id), g.clone(), c.clone()]),
            )
            .collect();
        let plan = plan_sheets(
            vec![("a.xlsx".into(), vec![Sheet { name: "名单".into(), rows }])],
            None,
            DEFAULT_SCHOOL,
            today(),
        )
        .unwrap();
        let keys: Vec<ClassKey> = plan.rows.iter().map(|r| ClassKey::of(&r.grade, &r.class)).collect();
        assert_eq!(keys.len(), 6);
        assert!(keys.iter().all(|k| *k == ClassKey::parse("三年级2班")), "{:?}", classes_of(&plan));
        assert_eq!(classes_of(&plan)[0], "三年级2班");
        assert_eq!(classes_of(&plan)[0], classes_of(&plan)[1], "a number cell reads as its text");
    }

    #[test]
    fn a_grade_and_class_in_one_cell_are_read_or_said() {
        for header in ["所在年级班级", "班级"] {
            let cells = [text("3.2"), Cell::Number(3.2), text("3-2"), text("3年2班"), text("3.10"), text("三(2)班")];
            let mut rows = vec![["姓名", "身份证号码", header].map(text).to_vec()];
            rows.extend(cells.iter().zip(TEN_IDS).map(|(c, id)| vec![text("张三"), text(id), c.clone()]));
            rows.push(vec![text("李四"), text(TEN_IDS[6]), Cell::Number(3.1)]);
            rows.push(vec![text("王五"), text(TEN_IDS[7]), text("3.2.1")]);
            let sheet = Sheet { name: "四年级1班".into(), rows };
            let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
            assert_eq!(
                classes_of(&plan),
                ["三年级2班", "三年级2班", "三年级2班", "三年级2班", "三年级10班", "三年级2班", "三年级1班", "3.2.1"],
                "{header}"
            );
            let said = |row: usize| {
                plan.report
                    .problems
                    .iter()
                    .find(|p| p.row == Some(row) && p.column == header)
                    .map(|p| p.message.clone())
                    .unwrap_or_default()
            };
            assert!(
                said(8).contains("“3.1”是数字单元格") && said(8).contains("check it"),
                "{:?}",
                plan.report.problems
            );
            assert!(said(9).contains("无法从“3.2.1”读出年级和班级") && said(9).contains("check it"), "{header}");
            for row in 2..8 {
                assert_eq!(said(row), "", "{header} row {row}");
            }
        }
    }

    #[test]
    fn a_sex_written_as_its_code_is_checked_against_the_id_number() {
        let header = ["姓名", "身份证号码", "性别"].map(text).to_vec();
        // 450202201703051233 is a boy's number, 450202201704062348 a girl's.
        let rows = vec![
            header,
            vec![text("张三"), text("450202201703051233"), Cell::Number(1.0)],
            vec![text("李四"), text("450202201704062348"), Cell::Number(1.0)],
            vec![text("王五"), text("450202201603051236"), text("2")],
            vec![text("赵六"), text("450202201604062341"), text("9")],
            vec![text("钱七"), text("450202201605062342"), text("M")],
            vec![text("孙八"), text("450202201606062345"), text("女")],
            vec![text("周九"), text("450202201607062346"), text("Ｆ")],
            vec![text("吴十"), text("450202201608062348"), text("?")],
        ];
        let sheet = Sheet { name: "三年级2班".into(), rows };
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(plan.rows.len(), 8, "{:?}", plan.report.problems);
        let said: Vec<(Option<usize>, &str)> =
            plan.report.problems.iter().filter(|p| p.column == "性别").map(|p| (p.row, p.message.as_str())).collect();
        assert_eq!(said.len(), 4, "{said:?}");
        assert!(said[0].0 == Some(3) && said[0].1.contains("性别“1”与身份证号码不符"), "{said:?}");
        assert!(said[1].0 == Some(4) && said[1].1.contains("性别“2”与身份证号码不符"), "{said:?}");
        // M is male (a girl's number here); a full-width Ｆ is F, which agrees.
        assert!(said[2].0 == Some(6) && said[2].1.contains("性别“M”与身份证号码不符"), "{said:?}");
        assert!(
            said[3].0 == Some(9) && said[3].1.contains("“?”无法识别") && said[3].1.contains("not read"),
            "{said:?}"
        );
    }

    #[test]
    fn a_sheet_per_grade_gives_bare_classes_their_grade() {
        let one = class_column_sheet(
            "一年级",
            &[],
            &[("张三", "450202201703051233", "1班"), ("李四", "450202201704062348", "2班")],
        );
        let two = class_column_sheet(
            "二年级",
            &[],
            &[("王五", "450202201603051236", "1班"), ("赵六", "450202201604062341", "三年级1班")],
        );
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![one, two])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(
            classes_of(&plan),
            ["一年级1班", "一年级2班", "二年级1班", "三年级1班"],
            "a cell naming a grade keeps it"
        );

        // One sheet, the grade in the title above the header.
        let titled = class_column_sheet(
            "Sheet1",
            &["城中区实验小学四年级学生名单"],
            &[("张三", "450202201703051233", "3"), ("李四", "450202201704062348", "(2)班")],
        );
        let plan = plan_sheets(vec![("b.xlsx".into(), vec![titled])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(classes_of(&plan), ["四年级3班", "四年级2班"]);

        // A sheet naming no grade leaves the classes as written.
        let plain = class_column_sheet("名单", &[], &[("张三", "450202201703051233", "1班")]);
        let plan = plan_sheets(vec![("c.xlsx".into(), vec![plain])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(classes_of(&plan), ["1班"]);
    }

    #[test]
    fn a_workbook_of_one_class_sheet_gives_its_class() {
        let pupils = [("张三", "450202201703051233"), ("李四", "450202201704062348")];
        // As `export classes --class 三年级2班` writes it: one sheet, no class column.
        let one = pupils_sheet("三年级2班", &[], &pupils);
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![one])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(classes_of(&plan), ["三年级2班", "三年级2班"]);
        assert_eq!((plan.rows[0].grade.as_str(), plan.rows[0].class.as_str()), ("三年级", "2班"));
        assert!(plan.report.problems.is_empty(), "{:?}", plan.report.problems);

        // The title canbao's own list writes names the class whatever the sheet is called.
        let titled = pupils_sheet("Sheet1", &["初三（6）班 参保缴费核对表"], &pupils);
        let plan = plan_sheets(vec![("b.xlsx".into(), vec![titled])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(classes_of(&plan), ["初三6班", "初三6班"]);
    }

    #[test]
    fn a_class_written_on_a_line_above_the_header_gives_the_class() {
        let pupils = [("张三", "450202201703051233"), ("李四", "450202201704062348")];
        for above in [
            &["城中小学学生名单", "班级：三年级（2）班"][..],
            &["班级:三年级2班"],
            &["年级：三年级  班级：2班"],
            &["年级：3 班级：2"],
            &["年级班级：3.2"],
        ] {
            let sheet = pupils_sheet("Sheet1", above, &pupils);
            let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
            let keys: Vec<ClassKey> = plan.rows.iter().map(|r| ClassKey::of(&r.grade, &r.class)).collect();
            assert_eq!(keys, [ClassKey::parse("三年级2班"), ClassKey::parse("三年级2班")], "{above:?}");
            let said: Vec<&str> = plan.report.problems.iter().map(|p| p.message.as_str()).collect();
            assert!(said.iter().any(|m| m.contains("按表头上方写的班级导入")), "{above:?}: {said:?}");
            assert!(!said.iter().any(|m| m.contains("没有班级，")), "{above:?}: {said:?}");
        }
    }

    #[test]
    fn a_label_line_naming_another_class_than_the_sheet_is_said_at_the_sheet() {
        let pupils = [("张三", "450202201703051233"), ("李四", "450202201704062348")];
        let sheet = pupils_sheet("一年级2班", &["班级：三年级2班"], &pupils);
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(classes_of(&plan), ["三年级2班", "三年级2班"]);
        let said: Vec<_> = plan.report.problems.iter().filter(|p| p.message.contains("不是同一个班")).collect();
        assert_eq!(said.len(), 1, "{:?}", plan.report.problems);
        assert_eq!((said[0].sheet.as_str(), said[0].row), ("一年级2班", None), "the whole sheet's");
        for words in ["“三年级2班”", "“一年级2班”", "are different classes", "导入到"] {
            assert!(said[0].message.contains(words), "{words}: {}", said[0].message);
        }
        // The same class under another spelling, or a sheet name giving only the grade, is no disagreement.
        for (name, line) in [("三年级（2）班", "班级：3年级2班"), ("Sheet1", "班级：三年级2班")] {
            let sheet = pupils_sheet(name, &[line], &pupils);
            let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
            assert!(!plan.report.problems.iter().any(|p| p.message.contains("不是同一个班")), "{name}");
        }
    }

    #[test]
    fn a_class_label_after_other_labels_on_its_line_gives_the_class() {
        let pupils = [("张三", "450202201703051233"), ("李四", "450202201704062348")];
        for (line, class) in [
            ("填表日期：2026-09-01  班级：示范班", "示范班"),
            ("填表日期：2026-09-01  班级：三年级2班", "三年级2班"),
            ("学校：城中小学，班级：示范班", "示范班"),
            ("填表人：李老师 班级:实验班", "实验班"),
        ] {
            let sheet = pupils_sheet("Sheet1", &[line], &pupils);
            let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
            assert_eq!(classes_of(&plan), [class, class], "{line}");
        }
    }

    #[test]
    fn a_bare_class_number_is_the_same_class_as_its_ban_in_either_order() {
        let ids = ["450202201703051233", "450202201704062348"];
        for order in [["12", "12班"], ["12班", "12"]] {
            let rows = [("张三", ids[0], order[0]), ("李四", ids[1], order[1])];
            let sheet = class_column_sheet("名单", &[], &rows);
            let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
            assert_eq!(classes_of(&plan), ["12班", "12班"], "{order:?}");
        }
    }

    #[test]
    fn a_class_cell_naming_another_grade_than_its_grade_column_is_said() {
        let header = vec![text("姓名"), text("身份证号码"), text("年级"), text("班级")];
        let row = |n: &str, id: &str, g: &str, c: &str| vec![text(n), text(id), text(g), text(c)];
        let sheet = Sheet {
            name: "名单".into(),
            rows: vec![
                header,
                row("张三", "450202201703051233", "一年级", "3.2"),
                row("李四", "450202201704062348", "一年级", "2班"),
                row("王五", "450202201905011238", "三年级", "3.2"),
                // The same cells again: said at this row too, though the cells were read once.
                row("赵六", "450202201703071242", "一年级", "3.2"),
            ],
        };
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        // The grade column's grade, the class cell as written: never the 三年级 that 3.2 alone reads as.
        assert_eq!(classes_of(&plan), ["一年级3.2", "一年级2班", "三年级2班", "一年级3.2"]);
        let said: Vec<_> = plan.report.problems.iter().filter(|p| p.message.contains("另一个年级")).collect();
        assert_eq!(said.len(), 2, "{:?}", plan.report.problems);
        assert_eq!((said[0].row, said[0].column.as_str()), (Some(2), "班级"));
        assert_eq!((said[1].row, said[1].column.as_str()), (Some(5), "班级"));
        for words in ["“一年级”", "“3.2”", "“一年级3.2”", "按年级列", "names another grade"] {
            assert!(said[0].message.contains(words), "{words}: {}", said[0].message);
        }
        assert!(!plan.report.problems.iter().any(|p| p.message.contains("无法从")), "{:?}", plan.report.problems);
    }

    /// A senior or junior school's class cells writing the year short (1.3 under 高一) are read within the grade
    /// column's stage, or the sheet's; a year of the stage other than the column's is read and said.
    #[test]
    fn a_class_cell_writing_its_year_short_is_a_class_of_its_grade_columns_stage() {
        let header = ["姓名", "身份证号码", "年级", "班级"].map(text).to_vec();
        let cells = [
            ("高一", "1.3"),
            ("高一", "1-3"),
            ("高一", "1(3)"),
            ("初二", "2.3"),
            ("七年级", "1-3"),
            ("高三", "3(1)"),
            ("高一", "2.3"),
        ];
        let mut rows = vec![header];
        rows.extend(cells.iter().zip(TEN_IDS).map(|((g, c), id)| vec![text("张三"), text(id), text(g), text(c)]));
        let sheet = Sheet { name: "名单".into(), rows };
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(
            classes_of(&plan),
            ["高一3班", "高一3班", "高一3班", "初二3班", "七年级3班", "高三1班", "高一2.3"],
            "{:?}",
            plan.report.problems
        );
        let said: Vec<_> = plan.report.problems.iter().filter(|p| p.message.contains("另一个年级")).collect();
        assert_eq!(said.len(), 1, "{:?}", plan.report.problems);
        assert_eq!((said[0].file.as_str(), said[0].row, said[0].column.as_str()), ("a.xlsx", Some(8), "班级"));
        assert!(said[0].message.contains("“高一”") && said[0].message.contains("“高一2.3”"), "{}", said[0].message);

        // A sheet per grade, its class cells written short; with no grade anywhere 3.2 stays 三年级2班.
        let senior = class_column_sheet("高一", &[], &[("李四", TEN_IDS[0], "1.3"), ("王五", TEN_IDS[1], "2-1")]);
        let plain = class_column_sheet("名单", &[], &[("赵六", TEN_IDS[2], "3.2")]);
        let plan =
            plan_sheets(vec![("b.xlsx".into(), vec![senior]), ("c.xlsx".into(), vec![plain])], None, "", today())
                .unwrap();
        // 2-1 on 高一's sheet names another year: kept as written under the sheet's grade, as beside a grade column.
        assert_eq!(classes_of(&plan), ["高一3班", "高一2-1", "三年级2班"], "{:?}", plan.report.problems);

        // A grade column naming only the stage: the short year is the stage's, read without a word.
        let header = ["姓名", "身份证号码", "年级", "班级"].map(text).to_vec();
        let cells = [("高中", "1.3"), ("高中", "1-3"), ("高中", "1(3)"), ("初中", "2.1"), ("小学", "3-2")];
        let mut rows = vec![header];
        rows.extend(cells.iter().zip(TEN_IDS).map(|((g, c), id)| vec![text("张三"), text(id), text(g), text(c)]));
        let sheet = Sheet { name: "名单".into(), rows };
        let plan = plan_sheets(vec![("d.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(classes_of(&plan), ["高一3班", "高一3班", "高一3班", "初二1班", "三年级2班"]);
        let unread = plan.report.problems.iter().find(|p| p.message.contains("无法从"));
        assert!(unread.is_none(), "{:?}", plan.report.problems);
    }

    #[test]
    fn messages_on_a_class_cell_run_on_without_gaps() {
        let header = vec![text("姓名"), text("身份证号码"), text("班级")];
        let sheet = Sheet {
            name: "名单".into(),
            rows: vec![
                header,
                vec![text("张三"), text("450202201703051233"), text("3.2.1")],
                vec![text("李四"), text("450202201704062348"), Cell::Number(3.1)],
            ],
        };
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        let said: Vec<&str> = plan.report.problems.iter().map(|p| p.message.as_str()).collect();
        assert!(said.iter().any(|m| m.contains("no grade and class could be read from")), "{said:?}");
        assert!(said.iter().any(|m| m.contains("may be class 3.1 or 3.10")), "{said:?}");
        assert!(!said.iter().any(|m| m.contains("  ")), "{said:?}");
    }

    #[test]
    fn rows_left_without_a_class_are_said() {
        let pupils = [("张三", "450202201703051233"), ("李四", "450202201704062348")];
        // A lone sheet that mentions classes without naming one is no class.
        for name in ["班级名单", "Sheet1", "三年级"] {
            let sheet = pupils_sheet(name, &[], &pupils);
            let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
            assert_eq!(classes_of(&plan), ["", ""], "{name}");
            let said: Vec<_> = plan.report.problems.iter().filter(|p| p.message.contains("没有班级")).collect();
            assert_eq!(said.len(), 1, "{name}: {:?}", plan.report.problems);
            assert_eq!((said[0].sheet.as_str(), said[0].row), (name, None), "the whole sheet's");
            assert!(said[0].message.contains("2 行（第 2、3 行）"), "{}", said[0].message);
        }
        // A class column with an empty cell: the row is said too.
        let mut sheet = pupils_sheet("名单", &[], &pupils);
        for (i, row) in sheet.rows.iter_mut().enumerate() {
            row.push(text(match i {
                0 => "班级",
                1 => "三年级2班",
                _ => "",
            }));
        }
        let plan = plan_sheets(vec![("c.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(classes_of(&plan), ["三年级2班", ""]);
        let said: Vec<_> = plan.report.problems.iter().filter(|p| p.message.contains("班级为空")).collect();
        assert_eq!(said.len(), 1, "{:?}", plan.report.problems);
        assert!(said[0].message.contains("第 3 行") && said[0].column == "班级", "{:?}", said[0]);
        assert_eq!(said[0].row, Some(3), "the first of the rows");
    }

    #[test]
    fn the_unassigned_sheet_of_the_class_lists_gives_no_class() {
        let class = pupils_sheet("三年级2班", &["三年级2班 参保缴费核对表"], &[("张三", "450202201703051233")]);
        let none = pupils_sheet("未分班", &["未分班 参保缴费核对表"], &[("李四", "450202201704062348")]);
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![class, none])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(classes_of(&plan), ["三年级2班", ""]);
        let said = plan.report.problems.iter().find(|p| p.sheet == "未分班").map(|p| p.message.as_str());
        assert!(said.is_some_and(|m| m.contains("未分班学生的名单")), "{:?}", plan.report.problems);
        // Named so without the title too.
        let none = pupils_sheet("未分班", &[], &[("李四", "450202201704062348")]);
        let other = pupils_sheet("一班", &[], &[]);
        let plan = plan_sheets(vec![("b.xlsx".into(), vec![other, none])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(classes_of(&plan), [""]);
    }

    #[test]
    fn formulas_without_a_result_are_said_the_first_cell_by_cell_the_rest_in_one_line() {
        let formula = || Cell::Unevaluated("B2&\"\"".into());
        let mut rows = vec![vec![text("姓名"), text("身份证号码")]];
        for i in 0..12 {
            rows.push(vec![text(&format!("学生{i}")), formula()]);
        }
        // A row of nothing but formulas is no empty row: said, not passed over.
        rows.push(vec![formula(), formula()]);
        let sheet = Sheet { name: "一班".into(), rows };
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!((plan.report.rows_read, plan.rows.len(), plan.report.skipped), (13, 12, 1));
        let nameless = plan.report.problems.iter().find(|p| p.message.contains("没有姓名和身份证号码"));
        assert!(nameless.is_some_and(|p| p.message.contains("未导入：公式“=B2&\"\"”（无计算结果）")), "{nameless:?}");
        let said: Vec<&Problem> = plan
            .report
            .problems
            .iter()
            .filter(|p| p.message.contains("公式") && !p.message.contains("没有姓名和身份证号码"))
            .collect();
        // The first ten cells, one formula in consecutive rows, are one run of rows; the rest one line.
        assert_eq!(said.len(), 2, "{said:?}");
        let first = said[0];
        assert!(first.column == "身份证号码" && first.message.contains("“=B2&\"\"”"), "{first:?}");
        assert_eq!((first.row, first.last_row, first.rows), (Some(2), Some(11), Some(10)), "{first:?}");
        let rest = said[1];
        assert_eq!(rest.row, Some(12), "{rest:?}");
        assert!(rest.message.contains("另有 3 行") && rest.message.contains("第 12、13、14 行"), "{rest:?}");
    }

    #[test]
    fn a_sheet_of_pupils_whose_header_is_not_known_refuses_the_workbook() {
        let one = pupils_sheet("一年级1班", &[], &[("张三", "450202201703051233")]);
        // Header words no table knows, over pupils with valid numbers.
        let unknown = Sheet {
            name: "一年级2班".into(),
            rows: vec![
                vec![text("学生名"), text("身份号")],
                vec![text("李四"), text("450202201704062348")],
                vec![text("王五"), text("450202201603051236")],
            ],
        };
        let notes = Sheet { name: "说明".into(), rows: vec![vec![text("请按班级分表填写")]] };
        let sheets = vec![one.clone(), unknown, notes.clone()];
        let err = plan_sheets(vec![("a.xlsx".into(), sheets)], None, DEFAULT_SCHOOL, today()).err().expect("refused");
        assert!(
            matches!(&err, ImportError::Read(ReadError::SheetWithoutHeader { sheet, rows: 2, .. }) if sheet == "一年级2班"),
            "{err}"
        );
        let said = err.to_string();
        assert!(
            said.contains("一年级2班") && said.contains("2 行有效的身份证号码") && said.contains("2 rows"),
            "{said}"
        );

        // A 说明 sheet with no number stays a quiet note; a class sheet with a header and no row is said.
        let empty = pupils_sheet("一年级2班", &[], &[]);
        let plan = plan_sheets(vec![("b.xlsx".into(), vec![one, empty, notes])], None, DEFAULT_SCHOOL, today())
            .expect("imported");
        assert_eq!(plan.rows.len(), 1);
        let said: Vec<(&str, &str)> =
            plan.report.problems.iter().map(|p| (p.sheet.as_str(), p.message.as_str())).collect();
        assert!(
            said.contains(&(
                "一年级2班",
                "工作表 一年级2班 只有表头，没有学生 (sheet 一年级2班 has a header and no pupils)"
            )),
            "{said:?}"
        );
        assert!(said.iter().any(|(sheet, m)| *sheet == "说明" && m.starts_with("工作表中找不到表头行")), "{said:?}");
    }

    #[test]
    fn a_notes_sheet_with_a_sample_id_number_is_said_at_its_row_beside_the_classes_imported() {
        let id = |first17: &str| format!("{first17}{}", id_number::check_char(first17.as_bytes()));
        let one = pupils_sheet("一年级1班", &[], &[("张三", "450202201703051233")]);
        let two = pupils_sheet("一年级2班", &[], &[("李四", "450202201704062348")]);
        let sample = id("45020220170901123");
        for name in ["说明", "填表说明", "示例", "样表", "填写说明", "Sheet说明", "一年级填表说明"]
        {
            // The commonest template's notes: what to write, then a sample row with a number that passes.
            let notes = Sheet {
                name: name.into(),
                rows: vec![
                    vec![text("填表说明：每班一张表，身份证号码按文本填写")],
                    vec![],
                    vec![text("填写示例："), text("张三"), text(&sample), text("一年级1班")],
                ],
            };
            let sheets = vec![notes, one.clone(), two.clone()];
            let plan = plan_sheets(vec![("a.xlsx".into(), sheets)], None, DEFAULT_SCHOOL, today()).expect("imported");
            assert_eq!(plan.rows.len(), 2, "{name}");
            let said: Vec<_> = plan.report.problems.iter().filter(|p| p.sheet == name).collect();
            assert_eq!(said.len(), 1, "{name}: {said:?}");
            assert_eq!(said[0].row, Some(3), "{name}");
            let message = &said[0].message;
            assert!(
                message.contains("找不到表头行，未导入") && message.contains("这一行有有效的身份证号码"),
                "{message}"
            );
            assert!(message.contains("this row holds a valid ID number"), "{message}");
        }

        // A class's sheet whose header words are not known, 35 pupils under them: refused as before.
        let mut rows = vec![vec![text("学生名"), text("身份号")]];
        rows.extend((1..=35).map(|n| {
            vec![text(&format!("学生{n}")), text(&id(&format!("4502022017{:02}{:02}123", n % 12 + 1, n % 28 + 1)))]
        }));
        let class = Sheet { name: "Sheet3".into(), rows };
        let err = plan_sheets(vec![("b.xlsx".into(), vec![one.clone(), class])], None, DEFAULT_SCHOOL, today())
            .err()
            .expect("refused");
        assert!(
            matches!(&err, ImportError::Read(ReadError::SheetWithoutHeader { sheet, rows: 35, .. }) if sheet == "Sheet3"),
            "{err}"
        );

        // Two numbers on a sheet named as a class are that class's pupils, not samples.
        let class = Sheet {
            name: "一年级3班".into(),
            rows: vec![
                vec![text("学生名"), text("身份号")],
                vec![text("王五"), text("450202201603051236")],
                vec![text("赵六"), text(&sample)],
            ],
        };
        let err = plan_sheets(vec![("c.xlsx".into(), vec![one, two, class])], None, DEFAULT_SCHOOL, today())
            .err()
            .expect("refused");
        assert!(
            matches!(&err, ImportError::Read(ReadError::SheetWithoutHeader { sheet, rows: 2, .. }) if sheet == "一年级3班"),
            "{err}"
        );
    }

    /// A 说明 sheet with a header over sample rows, beside class sheets, is left out by name and its rows with a
    /// valid ID number said each at its row, whether they name a class of their own or a real one; alone in its
    /// workbook, or beside sheets without pupils, its pupils are imported and said.
    #[test]
    fn a_notes_sheet_with_a_header_is_left_out_beside_class_sheets() {
        let one = pupils_sheet("一年级1班", &[], &[("张三", TEN_IDS[0])]);
        let two = pupils_sheet("一年级2班", &[], &[("李四", TEN_IDS[1])]);
        let notes = |name: &str, class: &str| Sheet {
            name: name.into(),
            rows: vec![
                vec![text("填表说明：每班一张表，身份证号码按文本填写")],
                vec![text("姓名"), text("身份证号码"), text("班级")],
                vec![text("示例"), text(TEN_IDS[2]), text("一年级1班")],
                vec![text("张示范"), text(TEN_IDS[3]), text(class)],
            ],
        };
        for (name, class) in
            [("说明", "示例班"), ("填写说明", "一年级1班"), ("注意事项", "一年级1班"), ("样表", "示例班")]
        {
            for at in [0, 2] {
                let mut sheets = vec![one.clone(), two.clone()];
                sheets.insert(at, notes(name, class));
                let plan = plan_sheets(vec![("a.xlsx".into(), sheets)], None, DEFAULT_SCHOOL, today())
                    .unwrap_or_else(|e| panic!("{name}: {e}"));
                let names: Vec<&str> = plan.rows.iter().map(|r| r.name.as_str()).collect();
                assert_eq!(names, ["张三", "李四"], "{name}");
                let said: Vec<_> = plan.report.problems.iter().filter(|p| p.sheet == name).collect();
                let rows: Vec<_> = said.iter().map(|p| p.row).collect();
                assert_eq!(rows, [None, Some(3), Some(4)], "{name}: {said:?}");
                assert!(said[0].message.contains("未作为名单导入") && said[0].message.contains("not imported"));
                assert!(said[2].message.contains("有效的身份证号码") && said[2].message.contains("valid ID"));
            }
        }
        // Alone, or beside a sheet with no pupils, its pupil is imported, and the sheet is said.
        let empty = Sheet { name: "Sheet2".into(), rows: vec![] };
        for sheets in [vec![notes("说明", "一年级1班")], vec![notes("说明", "一年级1班"), empty]] {
            let plan = plan_sheets(vec![("b.xlsx".into(), sheets)], None, DEFAULT_SCHOOL, today()).expect("imported");
            let names: Vec<&str> = plan.rows.iter().map(|r| r.name.as_str()).collect();
            assert_eq!(names, ["张示范"]);
            let said = plan.report.problems.iter().find(|p| p.sheet == "说明" && p.row.is_none());
            let said = said.map(|p| p.message.as_str()).unwrap_or_default();
            assert!(said.contains("名称像填写说明或示例") && said.contains("check none is an example"), "{said}");
        }
    }

    /// A sheet named 说明 beside class sheets that holds more pupils than a sample gives, or more rows than any
    /// instructions, is a list however it is named: its pupils are imported as the class sheets' are, and the sheet
    /// is said, where before it was held whole in memory and then left out with a line for each of its pupils.
    #[test]
    fn a_notes_sheet_holding_a_list_of_pupils_is_imported_and_said() {
        let one = pupils_sheet("一年级1班", &[], &[("张三", TEN_IDS[0])]);
        let number = |i: usize| {
            let body = format!("110105201001{:02}{:03}", 1 + i / 1000, i % 1000);
            format!("{body}{}", id_number::check_char(body.as_bytes()))
        };
        for pupils in [NOTES_PUPIL_ROWS, NOTES_HELD_ROWS + 5] {
            let numbers: Vec<String> = (0..pupils).map(number).collect();
            let rows: Vec<(String, &str)> =
                numbers.iter().enumerate().map(|(i, n)| (format!("学生{i}"), n.as_str())).collect();
            let rows: Vec<(&str, &str)> = rows.iter().map(|(name, n)| (name.as_str(), *n)).collect();
            let notes = pupils_sheet("说明", &[], &rows);
            let plan = plan_sheets(vec![("a.xlsx".into(), vec![notes, one.clone()])], None, DEFAULT_SCHOOL, today())
                .unwrap_or_else(|e| panic!("{pupils}: {e}"));
            assert_eq!(plan.rows.len(), pupils + 1, "{pupils}");
            let said =
                |words: &str| plan.report.problems.iter().any(|p| p.sheet == "说明" && p.message.contains(words));
            assert!(said("名称像填写说明或示例") && !said("未作为名单导入"), "{pupils}: {:?}", plan.report.problems);
        }
        // A long sheet of instructions, no list at all, is said as a sheet without a header beside the classes.
        let lines: Vec<Vec<Cell>> =
            (0..NOTES_HELD_ROWS + 5).map(|i| vec![text(&format!("第{i}条：按文本填写"))]).collect();
        let notes = Sheet { name: "填表说明".into(), rows: lines };
        let plan = plan_sheets(vec![("b.xlsx".into(), vec![notes, one.clone()])], None, DEFAULT_SCHOOL, today())
            .expect("imported");
        assert_eq!(plan.rows.len(), 1);
        let said: Vec<_> = plan.report.problems.iter().filter(|p| p.sheet == "填表说明").collect();
        assert!(said.len() == 1 && said[0].message.contains("找不到表头行"), "{said:?}");
    }

    /// A 说明 sheet with no header whose template examples carry valid numbers, however many, is no class's
    /// sheet: the workbook's classes are imported and each example row is said at its row.
    #[test]
    fn example_rows_of_a_notes_sheet_never_make_it_a_class_sheet() {
        let one = pupils_sheet("一年级1班", &[], &[("张三", TEN_IDS[0])]);
        let two = pupils_sheet("一年级2班", &[], &[("李四", TEN_IDS[1])]);
        let marked = |mark: &str, at_name: bool, id: &str| match at_name {
            false => vec![text(mark), text("王小明"), text(id), text("一年级1班")],
            true => vec![text("1"), text(mark), text(id), text("一年级1班")],
        };
        for (mark, at_name) in [("示例", false), ("填写示例：", false), ("【样例】", false), ("示例", true)]
        {
            let mut rows = vec![vec![text("填表说明：每班一张表，身份证号码按文本填写")], vec![]];
            rows.extend(TEN_IDS[2..7].iter().map(|id| marked(mark, at_name, id)));
            let notes = Sheet { name: "说明".into(), rows };
            let sheets = vec![notes, one.clone(), two.clone()];
            let plan = plan_sheets(vec![("a.xlsx".into(), sheets)], None, DEFAULT_SCHOOL, today())
                .unwrap_or_else(|e| panic!("{mark}: {e}"));
            let names: Vec<&str> = plan.rows.iter().map(|r| r.name.as_str()).collect();
            assert_eq!(names, ["张三", "李四"], "{mark}");
            let said: Vec<_> = plan.report.problems.iter().filter(|p| p.sheet == "说明").collect();
            let rows: Vec<_> = said.iter().map(|p| p.row).collect();
            assert_eq!(rows, [Some(3), Some(4), Some(5), Some(6), Some(7)], "{mark}: {said:?}");
            for p in said {
                assert!(p.message.contains("未导入") && p.message.contains("示例"), "{}", p.message);
                assert!(p.message.contains("marked as an example"), "{}", p.message);
            }
        }
        // A 示例 after the number (a 备注) marks nothing: three numbers make a class's sheet, refused as before.
        let rows = TEN_IDS[2..5].iter().map(|id| vec![text("王小明"), text(id), text("示例")]).collect();
        let notes = Sheet { name: "说明".into(), rows };
        let err = plan_sheets(vec![("b.xlsx".into(), vec![notes, one, two])], None, DEFAULT_SCHOOL, today())
            .err()
            .expect("refused");
        assert!(matches!(&err, ImportError::Read(ReadError::SheetWithoutHeader { rows: 3, .. })), "{err}");
    }

    /// A name beside a valid ID number is a pupil however the number is written, the name said when it is a word
    /// footers write (日期, 联系人); beside no valid number such a row is the footer it looks like.
    #[test]
    fn a_row_with_a_name_and_a_valid_number_is_never_a_footer() {
        let header = ["序号", "姓名", "身份证号码", "备注"].map(text).to_vec();
        let row = |seq: &str, name: &str, id: &str| vec![text(seq), text(name), text(id), Cell::Empty];
        let rows = vec![
            header,
            row("1", "日期", "4502 0220 1703 0512 33"),
            row("2", "联系人", "４５０２０２２０１７０４０６２３４８"),
            row("3", "日期", TEN_IDS[2]),
            row("4", "班主任", "450202-20160406-2340"),
            row("5", "陈娜军", TEN_IDS[4]),
            row("", "日期", "2026-09-01"),
        ];
        let sheet = Sheet { name: "名单".into(), rows };
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        let names: Vec<&str> = plan.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["日期", "联系人", "日期", "班主任", "陈娜军"], "{:?}", plan.report.problems);
        assert!(plan.rows.iter().all(|r| r.id.is_valid()), "{:?}", plan.report.problems);
        let said = |row: usize| {
            let p = plan.report.problems.iter().filter(|p| p.row == Some(row) && p.file == "a.xlsx");
            p.map(|p| p.message.as_str()).collect::<Vec<_>>().join(" | ")
        };
        for (row, name) in [(2, "日期"), (3, "联系人"), (4, "日期"), (5, "班主任")] {
            assert!(said(row).contains(&format!("姓名“{name}”是表尾常写的字样")), "row {row}: {}", said(row));
            assert!(said(row).contains("check the name"), "row {row}: {}", said(row));
        }
        assert_eq!(said(6), "");
        assert!(said(7).contains("表尾行"), "{}", said(7));
    }

    /// A date in the ID column (a birth date typed where the number goes) is kept as written and flagged, never
    /// stored as its digits run together.
    #[test]
    fn a_date_in_the_id_column_is_kept_as_written_and_flagged() {
        let csv = "姓名,身份证号码,班级\n张三,2015-03-02,一年级1班\n李四,2015/3/2,一年级1班\n王五,'2015-3-2,一年级1班\n\
                   赵六,2015.03.02,一年级1班\n";
        let sheets = table::read_bytes(csv.as_bytes(), "a.csv").unwrap();
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_row(0, 0, ["姓名", "身份证号码", "班级"]).unwrap();
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        sheet.write_string(1, 0, "陈七").unwrap();
        // 2015-03-02 as Excel counts days.
        sheet.write_number_with_format(1, 1, 42_065.0, &date).unwrap();
        sheet.write_string(1, 2, "一年级1班").unwrap();
        let book = table::read_bytes(&book.save_to_buffer().unwrap(), "b.xlsx").unwrap();
        let plan = plan_sheets(vec![("a.csv".into(), sheets), ("b.xlsx".into(), book)], None, DEFAULT_SCHOOL, today())
            .unwrap();
        let kept: Vec<(&str, &str)> = plan.rows.iter().map(|r| (r.id_raw.as_str(), r.id.normalized.as_str())).collect();
        assert_eq!(
            kept,
            [
                ("2015-03-02", "2015-03-02"),
                ("2015/3/2", "2015/3/2"),
                ("'2015-3-2", "2015-3-2"),
                ("2015.03.02", "2015.03.02"),
                ("2015-03-02", "2015-03-02")
            ],
            "{:?}",
            plan.report.problems
        );
        assert!(plan.rows.iter().all(|r| !r.id.is_valid()));
        for (file, row) in [("a.csv", 2), ("a.csv", 3), ("a.csv", 4), ("a.csv", 5), ("b.xlsx", 2)] {
            let said = plan
                .report
                .problems
                .iter()
                .find(|p| (p.file.as_str(), p.row) == (file, Some(row)) && !p.message.contains("已作为出生日期"));
            let said = said.unwrap_or_else(|| panic!("{file} {row}: {:?}", plan.report.problems));
            assert_eq!(said.column, "身份证号码");
            assert!(said.message.contains("写的是日期") && said.message.contains("imported and flagged"), "{said:?}");
        }
    }

    /// A list without 出生日期 whose ID column holds a pupil's birth date (2016-03-05, 20160305, a date cell)
    /// gives the pupil that birth date, said at the row, when it can be a pupil's; the date is the ID's own
    /// reason (`date`), not a number of the wrong length.
    #[test]
    fn a_date_in_the_id_column_is_the_birth_date_where_the_list_has_none() {
        let csv = "姓名,身份证号码,班级\n张三,2016-03-05,一年级1班\n王五,2026-10-01,一年级1班\n李四,20160305,一年级1班\n\
                   赵六,1980.1.2,一年级1班\n";
        let sheets = table::read_bytes(csv.as_bytes(), "a.csv").unwrap();
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_row(0, 0, ["姓名", "身份证号码", "班级"]).unwrap();
        sheet.write_string(1, 0, "陈七").unwrap();
        sheet.write_number(1, 1, 20_160_305.0).unwrap();
        sheet.write_string(1, 2, "一年级1班").unwrap();
        let book = table::read_bytes(&book.save_to_buffer().unwrap(), "b.xlsx").unwrap();
        let plan = plan_sheets(vec![("a.csv".into(), sheets), ("b.xlsx".into(), book)], None, DEFAULT_SCHOOL, today())
            .unwrap();
        let born = NaiveDate::from_ymd_opt(2016, 3, 5);
        let got: Vec<_> = plan.rows.iter().map(|r| (r.name.as_str(), r.birth_date, r.id.problem().cloned())).collect();
        let date = Some(IdProblem::Date);
        assert_eq!(
            got,
            [
                ("张三", born, date.clone()),
                // A month old, and a parent's birth date: no pupil's.
                ("王五", None, date.clone()),
                ("李四", born, date.clone()),
                ("赵六", None, date.clone()),
                ("陈七", born, date),
            ],
            "{:?}",
            plan.report.problems
        );
        let said: Vec<_> = plan
            .report
            .problems
            .iter()
            .filter(|p| p.message.contains("身份证号码一栏是日期，已作为出生日期"))
            .map(|p| (p.file.as_str(), p.row, p.column.as_str()))
            .collect();
        assert_eq!(
            said,
            [("a.csv", Some(2), "身份证号码"), ("a.csv", Some(4), "身份证号码"), ("b.xlsx", Some(2), "身份证号码")]
        );
    }

    /// Where the list has 出生日期 too, the column's date is kept and a date in the ID column that differs is said.
    #[test]
    fn a_birth_column_decides_over_a_date_in_the_id_column() {
        let csv = "姓名,身份证号码,出生日期,班级\n张三,2016-03-05,2016-03-05,一年级1班\n李四,2016-03-06,2016-04-01,一年级1班\n";
        let sheets = table::read_bytes(csv.as_bytes(), "a.csv").unwrap();
        let plan = plan_sheets(vec![("a.csv".into(), sheets)], None, DEFAULT_SCHOOL, today()).unwrap();
        let born: Vec<_> = plan.rows.iter().map(|r| r.birth_date).collect();
        assert_eq!(born, [NaiveDate::from_ymd_opt(2016, 3, 5), NaiveDate::from_ymd_opt(2016, 4, 1)]);
        let said: Vec<_> = plan.report.problems.iter().filter(|p| p.message.contains("不符")).collect();
        assert!(said.len() == 1 && said[0].row == Some(3) && said[0].column == "出生日期", "{said:?}");
        assert!(said[0].message.contains("2016-03-06") && said[0].message.contains("2016-04-01"), "{said:?}");
        assert!(!plan.report.problems.iter().any(|p| p.message.contains("已作为出生日期")));
    }

    /// A template's instruction left in the phone column (必填, 选填, 请填写…, 示例) is no phone: the pupil is kept
    /// with none, and the cell is said at its row.
    #[test]
    fn a_template_instruction_in_the_phone_column_is_no_phone() {
        let header = ["姓名", "身份证号码", "班级", "联系电话"].map(text).to_vec();
        let words = ["必填", "选填", "请填写家长手机号", "（必填）", "示例", "必填（11位）"];
        let mut rows = vec![header];
        rows.extend(words.iter().zip(TEN_IDS).map(|(w, id)| vec![text("张三"), text(id), text("一年级1班"), text(w)]));
        rows.push(vec![text("李四"), text(TEN_IDS[9]), text("一年级1班"), text("王芳")]);
        let sheet = Sheet { name: "一班".into(), rows };
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(plan.rows.len(), words.len() + 1, "every pupil kept: {:?}", plan.report.problems);
        for (i, word) in words.iter().enumerate() {
            assert_eq!(plan.rows[i].phone, "", "{word}");
            let said = plan.report.problems.iter().find(|p| p.row == Some(i + 2) && p.column == "联系电话");
            let said = said.map(|p| p.message.as_str()).unwrap_or_default();
            assert!(said.contains("模板的填写说明") && said.contains("no phone number"), "{word}: {said}");
        }
        // A name typed in the column is kept as ever.
        assert_eq!(plan.rows[words.len()].phone, "王芳");
    }

    #[test]
    fn birth_dates_read_as_lists_write_them() {
        for (text, date) in [
            ("2013-04-05", (2013, 4, Some(5))),
            ("2013/4/5", (2013, 4, Some(5))),
            ("2013.04.05", (2013, 4, Some(5))),
            ("2013年4月5日", (2013, 4, Some(5))),
            ("２０１３年４月５日", (2013, 4, Some(5))),
            ("20130405", (2013, 4, Some(5))),
            ("2013-04-05 00:00:00", (2013, 4, Some(5))),
            ("2013.4", (2013, 4, None)),
            ("2013年4月", (2013, 4, None)),
            ("201304", (2013, 4, None)),
        ] {
            assert_eq!(written_date(text), Some(date), "{text}");
        }
        for other in ["", "41369", "13.4.5", "2013-13-01", "2013-02-30", "四月五日", "2013"] {
            assert_eq!(written_date(other), None, "{other}");
        }
        let born = NaiveDate::from_ymd_opt(2013, 4, 5).unwrap();
        assert_eq!(birth_date_mismatch(&Cell::Number(20130405.0), born), None);
        assert_eq!(birth_date_mismatch(&text("2013.4"), born), None, "a year and month checked as far as they go");
        assert!(birth_date_mismatch(&text("2013.5"), born).is_some_and(|m| m.contains("2013-04-05")));
        // An Excel day number, the column not formatted as dates, is the date it stands for, as reconcile reads one.
        assert_eq!(birth_date_mismatch(&Cell::Number(41369.0), born), None);
        assert_eq!(birth_date_mismatch(&text("41369"), born), None);
        assert!(birth_date_mismatch(&Cell::Number(41370.0), born).is_some_and(|m| m.contains("即 2013-04-06")));
    }

    #[test]
    fn the_signature_lines_under_a_class_list_are_no_pupil() {
        // canbao's 班级核对表: 班主任签字 merged over 序号, 姓名 and 身份证号码, 日期 over the rest.
        let header = ["序号", "姓名", "身份证号码", "是否参保", "是否缴费", "参保登记", "签字"].map(text).to_vec();
        let pupil = ["1", "张三", "450202201703051233", "否", "否", "已登记未缴费", ""].map(text).to_vec();
        let [sign, date] = crate::io::forms::classes::SIGN_LINE;
        let foot = [sign, sign, sign, date, date, date, date].map(text).to_vec();
        let sheet =
            Sheet { name: "三年级2班".into(), rows: vec![header.clone(), pupil.clone(), Vec::new(), foot.clone()] };
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(plan.rows.len(), 1);
        assert_eq!(plan.rows[0].name, "张三");
        assert_eq!(plan.report.skipped, 1);
        // Where canbao wrote it, under the class's last pupil, it is named at its row as the form's own line.
        let said: Vec<_> = plan.report.problems.iter().map(|p| (p.row, p.message.as_str())).collect();
        assert!(matches!(said[..], [(Some(4), m)] if m.contains("自带的签字行")), "{said:?}");
        // Anywhere else (a pupil after it), and any other footer, is said at its row.
        let other = ["制表人：王老师"].map(text).to_vec();
        let later = ["2", "李四", "450202201611203455", "否", "否", "已登记未缴费", ""].map(text).to_vec();
        let rows = vec![header.clone(), pupil.clone(), foot.clone(), later, Vec::new(), foot.clone(), other];
        let sheet = Sheet { name: "三年级2班".into(), rows };
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!((plan.rows.len(), plan.report.skipped), (2, 3));
        let said: Vec<_> = plan.report.problems.iter().map(|p| (p.row, p.message.as_str())).collect();
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(said[0].0 == Some(3) && said[0].1.contains("表尾行“班主任签字："), "{said:?}");
        assert!(said[1].0 == Some(7) && said[1].1.contains("表尾行“制表人：王老师”"), "{said:?}");
        assert!(said[2].0 == Some(6) && said[2].1.contains("自带的签字行"), "{said:?}");
        // canbao's 参保花名册: 单位（盖章）, 经办人 and 日期, each over its columns, the same.
        let [stamp, agent, date] = crate::io::forms::special::SIGN_LINE;
        let foot = [stamp, stamp, agent, agent, date, date, date].map(text).to_vec();
        let sheet = Sheet { name: "民政局".into(), rows: vec![header.clone(), pupil, Vec::new(), foot] };
        let plan = plan_sheets(vec![("b.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!((plan.rows.len(), plan.report.skipped), (1, 1));
        let said: Vec<_> = plan.report.problems.iter().filter(|p| p.row.is_some()).collect();
        assert!(matches!(said[..], [p] if p.row == Some(4) && p.message.contains("自带的签字行")), "{said:?}");
        // A pupil whose ID is there is a pupil, whatever the name cell starts with.
        let header = ["姓名", "身份证号码"].map(text).to_vec();
        let odd = ["日期明", "450202201611203455"].map(text).to_vec();
        let sheet = Sheet { name: "三年级2班".into(), rows: vec![header, odd] };
        let plan = plan_sheets(vec![("b.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(plan.rows.len(), 1);
    }

    #[test]
    fn a_preview_says_what_the_import_will_do() {
        let said = "与第 2 行身份证号码相同但姓名不同（“甲”与“乙”），只导入了前者，请核实 (same ID as row 2 but a \
                    different name, “甲” and “乙”: only the first was imported, check it)";
        assert_eq!(
            as_preview(said),
            "与第 2 行身份证号码相同但姓名不同（“甲”与“乙”），将只导入前者，请核实 (same ID as row 2 but a different \
             name, “甲” and “乙”: only the first will be imported, check it)"
        );
        let (_, Some(PhoneSaid::NotTaken(said))) = read_phone("450203198801011237", Synonyms::builtin()) else {
            panic!("not said")
        };
        let preview = as_preview(&said.message(false));
        assert!(preview.contains("此项将留空，学生将导入") && preview.contains("to be left empty"), "{preview}");
        assert_eq!(as_preview(&preview), preview);
        use crate::domain::student::{Enrollment, PaymentStatus};
        let (before, after) = (
            Standing::new(Enrollment::Unknown, PaymentStatus::Unpaid),
            Standing::new(Enrollment::Declined, PaymentStatus::Unpaid),
        );
        let status = status_message(StatusNote::Set(before, after), "蒋强", None, (&[], &[])).expect("said");
        let preview = as_preview(&status);
        assert!(preview.contains("蒋强 的参保缴费状态将按名单由") && preview.contains("to be taken from"), "{preview}");
        assert_eq!(as_preview(&preview), preview);
        // A last line cut off, whether short of the header or inside its last cell.
        let cut = crate::io::cut_line::cut_cell_message("三年", ("未导入", "imported"), ("导入", "import"));
        let preview = as_preview(&cut);
        assert!(preview.contains("该行将不导入") && preview.contains("that row will not be imported"), "{preview}");
        assert_eq!(as_preview(&preview), preview);
    }

    #[test]
    fn no_problem_of_an_import_shows_a_whole_id_number() {
        let header = ["姓名", "身份证号码", "班级", "联系电话"].map(text).to_vec();
        // The mother's number typed into the phone column; a note after the pupil's own number, past any ID's
        // length; the same number on a footer row.
        let note = format!("450202201704062348 {}", "（户口簿上的号码，待家长确认）".repeat(3));
        let rows = vec![
            header,
            vec![text("张三"), text("450202201703051233"), text("一年级1班"), text("45020219850305124X")],
            vec![text("李四"), text(&note), text("一年级1班"), text("13800138000")],
            vec![text("合计：2人"), text(""), text("450202201603051236"), text("")],
        ];
        let sheet = Sheet { name: "一班".into(), rows };
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        let said: Vec<&str> = plan.report.problems.iter().map(|p| p.message.as_str()).collect();
        assert!(said.iter().any(|m| m.contains("4502**********124X")), "{said:?}");
        assert!(said.iter().any(|m| m.contains("4502**********2348")), "{said:?}");
        for number in ["45020219850305124X", "450202201704062348", "450202201603051236"] {
            assert!(said.iter().all(|m| !m.contains(number)), "{number} shown whole: {said:?}");
        }
    }

    #[test]
    fn a_cell_no_form_could_write_is_said_and_never_kept_whole() {
        let header = ["姓名", "身份证号码", "班级", "联系电话"].map(text).to_vec();
        let blob_id = "4".repeat(40_000);
        let blob_phone = "1".repeat(40_000);
        let long_class = "x".repeat(40_000);
        let rows = vec![
            header,
            vec![text("王五"), text(&blob_id), text("一年级1班"), text("13800138000")],
            vec![text("张三"), text("450202201703051233"), text("一年级1班"), text(&blob_phone)],
            vec![text("李四"), text("450202201704062348"), text(&long_class), text("13800138000/13900139000")],
            vec![text("赵六"), text("450202201603051236"), text("一年级1班"), text("无")],
        ];
        let sheet = Sheet { name: "一班".into(), rows };
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(plan.rows.len(), 4, "every pupil kept: {:?}", plan.report.problems);
        let at = |row: usize, column: &str| {
            plan.report.problems.iter().find(|p| p.row == Some(row) && p.column == column).map(|p| p.message.clone())
        };
        // The ID blob: no ID kept, the cell quoted short with its length.
        assert_eq!(plan.rows[0].id_raw, "");
        let said = at(2, "身份证号码").unwrap();
        assert!(said.contains("40000 个字符") && said.contains("…（共 40000 字）") && said.len() < 600, "{said}");
        // The phone blob: imported with no phone, and said (it used to be imported without a word).
        assert_eq!(plan.rows[1].phone, "");
        let said = at(3, "联系电话").unwrap();
        assert!(said.contains("40000 位数字") && said.contains("（共 40000 字）") && said.len() < 600, "{said}");
        // A class past what an Excel cell holds is cut to it, and said.
        assert_eq!(class_label::join(&plan.rows[2].grade, &plan.rows[2].class).chars().count(), MAX_STORED_CHARS);
        assert!(at(4, "班级").unwrap().contains("32767"), "{:?}", plan.report.problems);
        // Two numbers in one cell: the first kept, and said so.
        assert_eq!(plan.rows[2].phone, "13800138000");
        assert!(at(4, "联系电话").unwrap().contains("有 2 个号码，只导入了第一个 13800138000"));
        // 无 says there is no phone: none kept, and said as the cell that gave none.
        assert_eq!(plan.rows[3].phone, "");
        let said = at(5, "联系电话").unwrap();
        assert!(
            said.contains("“无”，即没有电话，此项留空") && said.contains("says “无”, no phone: left empty"),
            "{said}"
        );
    }

    /// A phone cell of one digit repeated (00000000000, 8888 8888) gives no phone, as 无 does, and the row says so,
    /// where 00000000000 was kept as a landline with its area code and printed on the agencies' forms.
    #[test]
    fn a_phone_of_one_digit_repeated_is_no_phone_given_and_said() {
        let header = ["姓名", "身份证号码", "班级", "联系电话"].map(text).to_vec();
        let rows = vec![
            header,
            vec![text("张三"), text("450202201703051233"), text("一年级1班"), text("00000000000")],
            vec![text("李四"), text("450202201704062348"), text("一年级1班"), text("8888 8888")],
            vec![text("赵六"), text("450202201603051236"), text("一年级1班"), text("13888888888")],
        ];
        let sheet = Sheet { name: "一班".into(), rows };
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(plan.rows.len(), 3, "every pupil kept: {:?}", plan.report.problems);
        let at = |row: usize| {
            plan.report
                .problems
                .iter()
                .find(|p| p.row == Some(row) && p.column == "联系电话")
                .map(|p| p.message.clone())
        };
        for (i, cell) in [(0, "00000000000"), (1, "8888 8888")] {
            assert_eq!(plan.rows[i].phone, "", "{cell}");
            let said = at(i + 2).unwrap_or_else(|| panic!("{cell}: {:?}", plan.report.problems));
            assert!(said.contains(&format!("“{cell}”，即没有电话")) && said.contains("no phone"), "{said}");
        }
        assert_eq!(plan.rows[2].phone, "13888888888");
        assert_eq!(at(4), None);
    }

    /// A list imported again whose phone cell gives no phone (a parent's ID number, 无) says of a pupil the drive
    /// holds that the phone held stays, where it said the phone was left empty as of a pupil just added; a pupil
    /// the list adds is said imported with none. Read ahead of the writer and row by row alike.
    #[test]
    fn a_phone_cell_giving_none_is_said_to_keep_the_phone_of_a_pupil_held() {
        let dir = tempfile::tempdir().unwrap();
        let first = dir.path().join("a.csv");
        let header = "姓名,身份证号码,班级,联系电话\n";
        std::fs::write(&first, format!("{header}张三,450202201703051233,一年级1班,13800138000\n")).unwrap();
        let again = dir.path().join("b.csv");
        let rows = "张三,450202201703051233,一年级1班,450203198801011237\n王五,450202201704062348,一年级1班,无\n";
        std::fs::write(&again, format!("{header}{rows}")).unwrap();
        for (name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
            let mut store = Store::open(&dir.path().join(format!("{name}.db"))).unwrap();
            run(&mut store, &[first.as_path()], None, false).unwrap();
            for dry_run in [true, false] {
                let report = run(&mut store, &[again.as_path()], None, dry_run).unwrap();
                let at = |row: usize| {
                    let said = report.problems.iter().find(|p| p.row == Some(row) && p.column == "联系电话");
                    said.map(|p| p.message.clone()).unwrap_or_else(|| panic!("{name}: {:?}", report.problems))
                };
                assert_eq!((report.unchanged, report.added), (1, 1), "{name}: {report:?}");
                let held = at(2);
                assert!(held.contains("4502**********1237") && held.contains("在册学生的联系电话不变"), "{held}");
                assert!(
                    held.contains("not taken, the phone the drive holds for the pupil unchanged")
                        && !held.contains("留空"),
                    "{held}"
                );
                let added = at(3);
                assert!(added.contains("“无”") && added.contains("此项留空，学生已导入"), "{name}: {added}");
            }
            let pupils = store.students(&crate::store::StudentFilter::default()).unwrap();
            let mut phones: Vec<(String, String)> = pupils.into_iter().map(|s| (s.name, s.phone)).collect();
            phones.sort();
            assert_eq!(phones, [("张三".into(), "13800138000".into()), ("王五".into(), String::new())], "{name}");
        }
    }

    /// A new valid number beside a held pupil of the same name and class is said at its row, worded by whether the
    /// birth dates agree, read ahead of the writer and row by row alike; a list giving the held number too, after
    /// the new one, names two children and nothing is said.
    #[test]
    fn a_new_number_beside_a_held_pupil_of_the_name_and_class_is_said_unless_the_list_gives_both() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, rows: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, format!("姓名,身份证号码,班级\n{rows}")).unwrap();
            path
        };
        let first = write("a.csv", "杨文远,450203201911230750,二年级1班\n宋伟鹏,450202201909308276,二年级1班\n");
        // 杨文远's birth date corrected (1123 → 1125); 宋伟鹏's last digits only.
        let again = write("b.csv", "杨文远,450203201911250751,二年级1班\n宋伟鹏,450202201909308292,二年级1班\n");
        let both = write("c.csv", "杨文远,450203201911250751,二年级1班\n杨文远,450203201911230750,二年级1班\n");
        for (name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
            let mut store = Store::open(&dir.path().join(format!("{name}.db"))).unwrap();
            run(&mut store, &[first.as_path()], None, false).unwrap();
            let report = run(&mut store, &[both.as_path()], None, true).unwrap();
            assert_eq!(report.added, 1, "{name}: {report:?}");
            assert!(report.problems.iter().all(|p| !p.message.contains("请核对")), "{name}: {:?}", report.problems);
            let report = run(&mut store, &[again.as_path()], None, false).unwrap();
            let at = |row: usize| {
                let said = report.problems.iter().find(|p| p.row == Some(row) && p.column == "身份证号码");
                said.map(|p| p.message.clone()).unwrap_or_else(|| panic!("{name}: {:?}", report.problems))
            };
            let (yang, song) = (at(2), at(3));
            assert!(
                yang.contains("4502**********0750") && yang.contains("出生日期不同，请核对是否为同一学生"),
                "{yang}"
            );
            assert!(song.contains("4502**********8276") && song.contains("同出生日期"), "{song}");
        }
    }

    /// A name with a comma or quote (a CSV broken on the way), other ASCII punctuation or a digit is no name the ID
    /// register holds: the pupil is kept as written and the row said at its name; a minority name's dot, a Latin
    /// name's full stop or hyphen are not said.
    #[test]
    fn a_name_with_characters_no_name_has_is_kept_and_said() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("names.csv");
        let rows = "姓名,身份证号码,班级\n\"孙,语\",,一年级1班\n王\"\"五,,一年级1班\n李4,,一年级1班\n赵*六,,一年级1班\n\
                    阿卜杜.热合曼,,一年级1班\nJean-Luc J. Smith,,一年级1班\n张三,,一年级1班\n";
        std::fs::write(&path, rows).unwrap();
        let mut store = Store::open(&dir.path().join("names.db")).unwrap();
        let report = import(&mut store, &[path.as_path()], None, false).unwrap();
        assert_eq!(report.added, 7, "{report:?}");
        let said: Vec<usize> = report
            .problems
            .iter()
            .filter(|p| p.message.contains("姓名含有异常字符") && p.message.contains("name has unexpected characters"))
            .filter_map(|p| p.row)
            .collect();
        assert_eq!(said, [2, 3, 4, 5], "{:?}", report.problems);
        let comma = report.problems.iter().find(|p| p.row == Some(2) && p.message.contains("异常字符")).unwrap();
        assert!(comma.message.contains("“,”") && comma.message.contains("孙,语"), "{}", comma.message);
        assert!(comma.file.ends_with("names.csv") && !comma.column.is_empty(), "{comma:?}");
    }

    /// A row without an ID number and one with a valid number, of the same name, school and class, in one CSV
    /// (either order) or in two files of one import, are one pupil, as in two imports: said at the row without a
    /// number, naming the other row; a dry run says and counts the same. Several valid numbers before it are not
    /// guessed between, as for pupils held.
    #[test]
    fn a_row_without_a_number_is_the_pupil_of_its_numbered_row_in_the_same_import() {
        let dir = tempfile::tempdir().unwrap();
        let header = "姓名,身份证号码,班级,联系电话\n";
        let numbered = "孙语,450203201909308803,一年级1班,\n";
        let blank = "孙语,,一年级1班,13900139000\n";
        let write = |name: &str, rows: &[&str]| {
            let path = dir.path().join(name);
            std::fs::write(&path, format!("{header}{}", rows.concat())).unwrap();
            path
        };
        let other = write("other.csv", &["李四,450203201812120038,一年级1班,\n"]);
        let (id_first, blank_first) = (write("a.csv", &[numbered, blank]), write("b.csv", &[blank, numbered]));
        let (numbers, blanks) = (write("numbers.csv", &[numbered]), write("blanks.csv", &[blank]));
        let cases: [(&str, Vec<&Path>, (&str, usize)); 4] = [
            ("number first", vec![&id_first], ("第 2 行", 3)),
            ("no number first", vec![&blank_first], ("第 3 行", 2)),
            ("numbers file first", vec![&numbers, &blanks], ("numbers.csv 第 2 行", 2)),
            ("blanks file first", vec![&blanks, &numbers], ("numbers.csv 第 2 行", 2)),
        ];
        for (run_name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
            for held in [false, true] {
                for (case, files, (place, at_row)) in &cases {
                    let what = format!("{run_name}, held {held}, {case}");
                    let db = dir.path().join(format!("{run_name} {held} {case}.db"));
                    let mut store = Store::open(&db).unwrap();
                    if held {
                        run(&mut store, &[other.as_path()], None, false).unwrap();
                    }
                    let dry = run(&mut store, files, None, true).unwrap();
                    let report = run(&mut store, files, None, false).unwrap();
                    assert_eq!(dry.problems, report.problems, "{what}");
                    assert_eq!((dry.added, dry.updated, dry.id_invalid), (report.added, report.updated, 0), "{what}");
                    assert_eq!((report.added, report.updated + report.unchanged), (1, 1), "{what}: {report:?}");
                    let said = report.problems.iter().find(|p| p.message.contains("按姓名和班级即"));
                    let said = said.unwrap_or_else(|| panic!("{what}: {:?}", report.problems));
                    let blank_file = if files.len() == 2 { "blanks.csv" } else { "" };
                    assert!(said.file.ends_with(blank_file) && said.row == Some(*at_row), "{what}: {said:?}");
                    assert!(said.message.contains(place) && said.message.contains("4502**********8803"), "{what}");
                    assert!(said.message.contains("not added twice"), "{what}: {}", said.message);
                    let pupils = store.students(&crate::store::StudentFilter::default()).unwrap();
                    let sun: Vec<_> = pupils.iter().filter(|p| p.name == "孙语").collect();
                    assert_eq!(sun.len(), 1, "{what}: {pupils:?}");
                    assert_eq!(
                        (sun[0].id_number.as_str(), sun[0].phone.as_str()),
                        ("450203201909308803", "13900139000")
                    );
                }
            }
        }
        // Two valid numbers of the name and class before the row: it is left out, as for two pupils held.
        let twin = "孙语,450203201909301206,一年级1班,\n";
        let several = write("several.csv", &[numbered, twin, blank]);
        let mut store = Store::open(&dir.path().join("several.db")).unwrap();
        let report = import(&mut store, &[several.as_path()], None, false).unwrap();
        assert_eq!((report.added, report.unnumbered_left_out), (2, 1), "{report:?}");
        assert!(report.problems.iter().any(|p| p.row == Some(4) && p.message.contains("不止一名同名学生")));
    }

    /// A row without an ID number and a numbered row of its name and class whose sexes differ, or beside a 备注 saying
    /// they are two children (同名不同人), are two pupils, in either order and either way of importing: both kept, said
    /// at the later row naming the other; a dry run says the same, and importing the list again changes nothing.
    #[test]
    fn a_row_without_a_number_of_another_sex_or_said_to_be_another_child_is_a_pupil_of_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let header = "姓名,身份证号码,性别,班级,备注\n";
        // The number's 17th digit is even: a girl's.
        let numbered = "孙语,450203201909308803,女,一年级1班,\n";
        let cases = [
            ("sex", "孙语,,男,一年级1班,\n", "两行性别不同", "different sexes"),
            ("code", "孙语,,1,一年级1班,\n", "两行性别不同", "different sexes"),
            ("note", "孙语,,,一年级1班,同名不同人\n", "备注写明不是同一人", "a note says"),
        ];
        for (case, blank, zh, en) in cases {
            for (order, rows, at, other) in
                [("number first", [numbered, blank], 3, "第 2 行"), ("blank first", [blank, numbered], 3, "第 2 行")]
            {
                let path = dir.path().join(format!("{case} {order}.csv"));
                std::fs::write(&path, format!("{header}{}", rows.concat())).unwrap();
                for (run_name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
                    let what = format!("{case}, {order}, {run_name}");
                    let mut store = Store::open(&dir.path().join(format!("{what}.db"))).unwrap();
                    let dry = run(&mut store, &[path.as_path()], None, true).unwrap();
                    let report = run(&mut store, &[path.as_path()], None, false).unwrap();
                    assert_eq!(dry.problems, report.problems, "{what}");
                    assert_eq!((report.added, report.id_invalid), (2, 1), "{what}: {report:?}");
                    let said = report.problems.iter().find(|p| p.message.contains(zh));
                    let said = said.unwrap_or_else(|| panic!("{what}: {:?}", report.problems));
                    assert_eq!(said.row, Some(at), "{what}: {said:?}");
                    assert!(said.message.contains(other) && said.message.contains(en), "{what}: {}", said.message);
                    assert!(!report.problems.iter().any(|p| p.message.contains("按姓名和班级")), "{what}");
                    let pupils = store.students(&crate::store::StudentFilter::default()).unwrap();
                    let numbers: Vec<&str> = pupils.iter().map(|p| p.id_number.as_str()).collect();
                    assert!(numbers.contains(&"450203201909308803") && numbers.contains(&""), "{what}: {numbers:?}");
                    let again = run(&mut store, &[path.as_path()], None, false).unwrap();
                    assert_eq!((again.added, again.updated), (0, 0), "{what}: {again:?}");
                }
            }
        }
        // The same sex, and no note: one child, as before.
        let path = dir.path().join("same.csv");
        std::fs::write(&path, format!("{header}{numbered}孙语,,女,一年级1班,\n")).unwrap();
        let mut store = Store::open(&dir.path().join("same.db")).unwrap();
        let report = import(&mut store, &[path.as_path()], None, false).unwrap();
        assert_eq!(report.added, 1, "{report:?}");
    }

    /// The sex a 性别 cell states for a pupil without an ID number is kept: `check` does not list a boy without a
    /// number and a girl with one, of one name and class, as one child twice (the import kept them apart), a later
    /// list giving the girl's number does not take the boy for her, and the forms with a 性别 column show it.
    #[test]
    fn the_stated_sex_of_a_pupil_without_a_number_is_kept() {
        use crate::domain::category::CategoryTable;
        use crate::domain::roster_check;
        let dir = tempfile::tempdir().unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let header = "姓名,身份证号码,性别,班级\n";
        // The number's 17th digit is even: a girl's.
        let girl = "陈七,450203201909308803,女,一年级1班\n";
        let boy = "陈七,,男,一年级1班\n";
        let write = |name: &str, rows: &[&str]| {
            let path = dir.path().join(name);
            std::fs::write(&path, format!("{header}{}", rows.concat())).unwrap();
            path
        };
        let both = write("both.csv", &[boy, girl]);
        let (boys, girls) = (write("boy.csv", &[boy]), write("girl.csv", &[girl]));
        for (how, lists) in [("one list", vec![both.as_path()]), ("two imports", vec![boys.as_path(), girls.as_path()])]
        {
            let mut store = Store::open(&dir.path().join(format!("{how}.db"))).unwrap();
            for list in &lists {
                import(&mut store, &[*list], None, false).unwrap();
            }
            let pupils = store.students(&crate::store::StudentFilter::default()).unwrap();
            let held: Vec<(&str, Option<Sex>)> = pupils.iter().map(|p| (p.id_number.as_str(), p.sex)).collect();
            assert_eq!(held.len(), 2, "{how}: {held:?}");
            assert!(held.contains(&("", Some(Sex::Male))), "{how}: {held:?}");
            assert!(held.contains(&("450203201909308803", Some(Sex::Female))), "{how}: {held:?}");
            let report = roster_check::check(&pupils, CategoryTable::builtin(), None, today);
            assert!(report.same_name_class_unnumbered.is_empty(), "{how}: {report:?}");
        }
        // Nothing stated, nothing kept.
        let unsaid = write("unsaid.csv", &["陈七,,,一年级1班\n"]);
        let mut store = Store::open(&dir.path().join("unsaid.db")).unwrap();
        import(&mut store, &[unsaid.as_path()], None, false).unwrap();
        let pupils = store.students(&crate::store::StudentFilter::default()).unwrap();
        assert!(pupils.iter().any(|p| p.id_number.is_empty() && p.sex.is_none()), "{pupils:?}");
    }

    /// A pupil held with a flagged number and the sex a list stated, given a valid number of the other sex by a later
    /// list (the flagged number shown shorter, in the same class): the number is theirs, its sex replaces the stated
    /// one, and the row says so.
    #[test]
    fn a_valid_number_contradicting_the_stated_sex_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let header = "姓名,身份证号码,性别,班级\n";
        let first = dir.path().join("first.csv");
        std::fs::write(&first, format!("{header}陈七,4502032019093088,男,一年级1班\n")).unwrap();
        let later = dir.path().join("later.csv");
        std::fs::write(&later, format!("{header}陈七,450203201909308803,,一年级1班\n")).unwrap();
        let mut store = Store::open(&dir.path().join("d.db")).unwrap();
        import(&mut store, &[first.as_path()], None, false).unwrap();
        let report = import(&mut store, &[later.as_path()], None, false).unwrap();
        assert_eq!((report.added, report.updated), (0, 1), "{report:?}");
        let pupils = store.students(&crate::store::StudentFilter::default()).unwrap();
        assert_eq!(pupils.len(), 1, "{pupils:?}");
        assert_eq!((pupils[0].id_number.as_str(), pupils[0].sex), ("450203201909308803", Some(Sex::Female)));
        let said = report.problems.iter().find(|p| p.message.contains("性别已按号码改为“女”"));
        let said = said.unwrap_or_else(|| panic!("{:?}", report.problems));
        assert_eq!(said.row, Some(2), "{said:?}");
        assert!(said.message.contains("a list stated"), "{}", said.message);
    }

    type Import = fn(&mut Store, &[&Path], Option<&str>, bool) -> Result<ImportReport, ImportError>;

    /// Imports `lists` (孙语 once masked, once whole, in one file or two) into a new drive read ahead and row by
    /// row, a dry run first saying the same: the masked row (`rows.0`) is said to be the whole row's (`rows.1`)
    /// child, one repeat, one pupil held with the whole number. `then` is given the case's name, the drive and the
    /// way it was imported.
    fn masked_row_paired_both_ways(
        dir: &Path,
        lists: &[&Path],
        (masked, whole): (usize, usize),
        then: impl Fn(&str, &mut Store, Import),
    ) {
        let names: Vec<_> = lists.iter().map(|l| l.file_stem().unwrap().to_string_lossy()).collect();
        let shape = names.join(" ");
        for (run_name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
            let what = format!("{shape}, {run_name}");
            let mut store = Store::open(&dir.join(format!("{shape} {run_name}.db"))).unwrap();
            let dry = run(&mut store, lists, None, true).unwrap();
            let report = run(&mut store, lists, None, false).unwrap();
            assert_eq!(dry.problems, report.problems, "{what}");
            assert_eq!((report.added, report.duplicates, report.masked_left_out), (1, 1, 0), "{what}: {report:?}");
            let said = report.problems.iter().find(|p| p.row == Some(masked));
            let said = said.unwrap_or_else(|| panic!("{what}: {:?}", report.problems));
            let whole_row = format!("第 {whole} 行");
            assert!(said.message.contains("是同一学生") && said.message.contains(&whole_row), "{what}: {said:?}");
            assert!(said.message.contains("the same child"), "{what}: {}", said.message);
            let pupils = store.students(&crate::store::StudentFilter::default()).unwrap();
            assert_eq!(pupils.len(), 1, "{what}");
            assert_eq!(pupils[0].id_number, "450203201909308803", "{what}");
            then(&what, &mut store, run);
        }
    }

    /// A masked number (as other systems write it) after the whole number of a row of the same name and class, in
    /// one import, is that row's child when the characters it shows are the whole number's: a repeat, imported once
    /// with the whole number and said at the masked row; a mask showing other characters is left out as before.
    #[test]
    fn a_masked_number_after_its_whole_number_in_one_import_is_the_same_child() {
        let dir = tempfile::tempdir().unwrap();
        let header = "姓名,身份证号码,班级,联系电话\n孙语,450203201909308803,一年级1班,\n";
        for shape in ["450203********8803", "4502032********803"] {
            let path = dir.path().join(format!("{shape}.csv"));
            std::fs::write(&path, format!("{header}孙语,{shape},一年级1班,13900139000\n")).unwrap();
            masked_row_paired_both_ways(dir.path(), &[path.as_path()], (3, 2), |_, _, _| {});
        }
        // The characters shown are not the whole number's: another child's mask, left out and said.
        let path = dir.path().join("other.csv");
        std::fs::write(&path, format!("{header}孙语,450203********8804,一年级1班,\n")).unwrap();
        let mut store = Store::open(&dir.path().join("other.db")).unwrap();
        let report = import(&mut store, &[path.as_path()], None, false).unwrap();
        assert_eq!((report.added, report.duplicates, report.masked_left_out), (1, 0, 1), "{report:?}");
    }

    /// A masked number (as other systems write it) before the whole number of a row of the same name and class, in
    /// one import, is that row's child when the characters it shows are the whole number's, as after it: a repeat,
    /// the whole number kept and said at the masked row. Other characters shown, or two whole numbers fitting,
    /// leave it out as before.
    #[test]
    fn a_masked_number_before_its_whole_number_in_one_import_is_the_same_child() {
        let dir = tempfile::tempdir().unwrap();
        let header = "姓名,身份证号码,班级,联系电话\n";
        // The same phone on both rows: importing again, the masked row is the pupil held, and changes nothing.
        let whole = "孙语,450203201909308803,一年级1班,13900139000\n";
        for shape in ["450203********8803", "4502032********803"] {
            let path = dir.path().join(format!("{shape}.csv"));
            std::fs::write(&path, format!("{header}孙语,{shape},一年级1班,13900139000\n{whole}")).unwrap();
            masked_row_paired_both_ways(dir.path(), &[path.as_path()], (2, 3), |what, store, run| {
                let again = run(store, &[path.as_path()], None, false).unwrap();
                assert_eq!((again.added, again.updated), (0, 0), "{what}: {again:?}");
            });
        }
        // Other characters shown, or two whole numbers that both fit: left out and said, as before.
        let twin = "孙语,450203201909148803,一年级1班,\n";
        for (name, rows) in [
            ("other", format!("孙语,450203********8804,一年级1班,\n{whole}")),
            ("two", format!("孙语,450203********8803,一年级1班,\n{whole}{twin}")),
        ] {
            let path = dir.path().join(format!("{name}.csv"));
            std::fs::write(&path, format!("{header}{rows}")).unwrap();
            for (run_name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
                let mut store = Store::open(&dir.path().join(format!("{name} {run_name}.db"))).unwrap();
                let report = run(&mut store, &[path.as_path()], None, false).unwrap();
                assert_eq!((report.duplicates, report.masked_left_out), (0, 1), "{name} {run_name}: {report:?}");
                assert!(report.problems.iter().any(|p| p.row == Some(2) && p.message.contains("已打码，无法导入")));
            }
        }
    }

    /// A later file of one import repeating a pupil of an earlier one, and giving the phone the earlier row lacked
    /// (a second list of the class, with the parents' phones): the pupil takes it, said at the later row, read
    /// ahead or row by row. A third row with another phone is said to differ, the first phone kept; importing the
    /// same files again changes nothing.
    #[test]
    fn a_later_files_phone_fills_the_pupil_its_first_row_left_without_one() {
        let dir = tempfile::tempdir().unwrap();
        let header = "姓名,身份证号码,班级,联系电话\n";
        let (a, b, c) = (dir.path().join("a.csv"), dir.path().join("b.csv"), dir.path().join("c.csv"));
        std::fs::write(&a, format!("{header}孙语,450203201909308803,一年级1班,\n")).unwrap();
        std::fs::write(&b, format!("{header}孙语,450203201909308803,一年级1班,13900139000\n")).unwrap();
        std::fs::write(&c, format!("{header}孙语,450203201909308803,一年级1班,13900139001\n")).unwrap();
        let phone = |store: &Store| store.students(&crate::store::StudentFilter::default()).unwrap()[0].phone.clone();
        for (run_name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
            let mut store = Store::open(&dir.path().join(format!("{run_name}.db"))).unwrap();
            let files = [a.as_path(), b.as_path(), c.as_path()];
            let dry = run(&mut store, &files, None, true).unwrap();
            let report = run(&mut store, &files, None, false).unwrap();
            assert_eq!(dry.problems, report.problems, "{run_name}");
            assert_eq!((report.added, report.duplicates), (1, 2), "{run_name}: {report:?}");
            assert_eq!(phone(&store), "13900139000", "{run_name}");
            let at = |file: &str, what: &str| {
                report.problems.iter().any(|p| p.file.ends_with(file) && p.row == Some(2) && p.message.contains(what))
            };
            assert!(at("b.csv", "已补入该学生") && !at("b.csv", "未导入"), "{run_name}: {:?}", report.problems);
            assert!(at("c.csv", "联系电话不同（“13900139000”与“13900139001”）"), "{run_name}: {:?}", report.problems);
            let again = run(&mut store, &files, None, false).unwrap();
            assert_eq!((again.added, again.updated), (0, 0), "{run_name}: {again:?}");
            assert_eq!(phone(&store), "13900139000", "{run_name}");
        }
    }

    /// A pupil the drive held before the import, whose first row of it gives no phone and a later row one: held
    /// without a phone, the pupil takes it (counted updated); held with another, keeps it, and the row says so.
    #[test]
    fn a_later_rows_phone_fills_a_pupil_held_without_one_and_keeps_one_held() {
        let dir = tempfile::tempdir().unwrap();
        let header = "姓名,身份证号码,班级,联系电话\n";
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        std::fs::write(&a, format!("{header}孙语,450203201909308803,一年级1班,\n")).unwrap();
        std::fs::write(&b, format!("{header}孙语,450203201909308803,一年级1班,13900139000\n")).unwrap();
        let held = dir.path().join("held.csv");
        std::fs::write(&held, format!("{header}孙语,450203201909308803,一年级1班,13700137000\n")).unwrap();
        let phone = |store: &Store| store.students(&crate::store::StudentFilter::default()).unwrap()[0].phone.clone();
        for (run_name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
            let mut store = Store::open(&dir.path().join(format!("empty {run_name}.db"))).unwrap();
            run(&mut store, &[a.as_path()], None, false).unwrap();
            let report = run(&mut store, &[a.as_path(), b.as_path()], None, false).unwrap();
            assert_eq!((report.added, report.updated, report.unchanged), (0, 1, 0), "{run_name}: {report:?}");
            assert_eq!(phone(&store), "13900139000", "{run_name}");
            let mut store = Store::open(&dir.path().join(format!("held {run_name}.db"))).unwrap();
            run(&mut store, &[held.as_path()], None, false).unwrap();
            let report = run(&mut store, &[a.as_path(), b.as_path()], None, false).unwrap();
            assert_eq!((report.updated, report.unchanged), (0, 1), "{run_name}: {report:?}");
            assert_eq!(phone(&store), "13700137000", "{run_name}");
            let said = report.problems.iter().find(|p| p.file.ends_with("b.csv") && p.message.contains("保留原号码"));
            assert!(said.is_some_and(|p| p.row == Some(2)), "{run_name}: {:?}", report.problems);
        }
    }

    /// A masked number and its whole number in two files of one import are one child whichever file comes first:
    /// a repeat, said at the masked row, the pupil held with the whole number. Importing the files again changes
    /// nothing, though the masked row gives a phone the whole one does not (held, the pupil would take it).
    #[test]
    fn a_masked_number_and_its_whole_number_in_two_files_of_one_import_are_one_child_in_either_order() {
        let dir = tempfile::tempdir().unwrap();
        let header = "姓名,身份证号码,班级,联系电话\n";
        let (masked, whole) = (dir.path().join("masked.csv"), dir.path().join("whole.csv"));
        std::fs::write(&masked, format!("{header}孙语,450203********8803,一年级1班,13900139000\n")).unwrap();
        std::fs::write(&whole, format!("{header}孙语,450203201909308803,一年级1班,\n")).unwrap();
        for lists in [[masked.as_path(), whole.as_path()], [whole.as_path(), masked.as_path()]] {
            masked_row_paired_both_ways(dir.path(), &lists, (2, 2), |what, store, run| {
                let said = |store: &Store| {
                    let pupils = store.students(&crate::store::StudentFilter::default()).unwrap();
                    pupils.iter().map(|p| (p.id_number.clone(), p.phone.clone())).collect::<Vec<_>>()
                };
                let before = said(store);
                let again = run(store, &lists, None, false).unwrap();
                assert_eq!((again.added, again.updated, again.duplicates), (0, 0, 1), "{what}: {again:?}");
                assert_eq!(said(store), before, "{what}");
            });
        }
    }

    /// A masked row before its whole number's row in one list giving what the whole row does not (a phone): the
    /// same list imported again changes nothing, as the masked row is the whole row's child then too, not the pupil
    /// held to be applied before it.
    #[test]
    fn a_list_with_a_masked_row_before_its_whole_row_imported_again_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.csv");
        let rows = "姓名,身份证号码,班级,联系电话\n孙语,450203********8803,一年级1班,13900139000\n\
                    孙语,450203201909308803,一年级1班,13700137000\n";
        std::fs::write(&path, rows).unwrap();
        masked_row_paired_both_ways(dir.path(), &[path.as_path()], (2, 3), |what, store, run| {
            let again = run(store, &[path.as_path()], None, false).unwrap();
            assert_eq!((again.added, again.updated, again.duplicates), (0, 0, 1), "{what}: {again:?}");
            let pupils = store.students(&crate::store::StudentFilter::default()).unwrap();
            assert_eq!(pupils[0].phone, "13700137000", "{what}");
        });
    }

    /// Two identical rows without a number after two numbered rows of their name and class: neither can be told
    /// to be either child, so both are left out and said so, not the second called a repeat of an imported first.
    #[test]
    fn a_second_row_without_a_number_of_several_numbered_rows_is_left_out_too() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("twins.csv");
        let rows = "姓名,身份证号码,班级\n孙语,450203201909308803,一年级1班\n孙语,450203201909301206,一年级1班\n\
                    孙语,,一年级1班\n孙语,,一年级1班\n";
        std::fs::write(&path, rows).unwrap();
        for (name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
            let mut store = Store::open(&dir.path().join(format!("{name}.db"))).unwrap();
            let dry = run(&mut store, &[path.as_path()], None, true).unwrap();
            let report = run(&mut store, &[path.as_path()], None, false).unwrap();
            assert_eq!(dry.problems, report.problems, "{name}");
            let counts = (report.added, report.duplicates, report.unnumbered_left_out);
            assert_eq!(counts, (2, 0, 2), "{name}: {report:?}");
            assert_eq!(report.rows_read, report.added + report.duplicates + report.left_out(), "{name}");
            // Rows said alike are said as one run of rows.
            let covers =
                |p: &&Problem, row| p.row.is_some_and(|first| (first..=p.last_row.unwrap_or(first)).contains(&row));
            for row in [4, 5] {
                let said: Vec<_> = report.problems.iter().filter(|p| covers(p, row)).collect();
                assert!(said.iter().any(|p| p.message.contains("此行未导入")), "{name} {row}: {said:?}");
                assert!(!said.iter().any(|p| p.message.contains("只导入了")), "{name} {row}: {said:?}");
            }
        }
    }

    /// A row without a number taken as the pupil of the first valid-numbered row after it is said to be checked
    /// once a second row of the name and class gives another valid number: it could be either child's.
    #[test]
    fn a_row_without_a_number_before_two_numbered_twins_is_said_to_be_checked() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("twins.csv");
        let rows = "学校,姓名,身份证号码,年级,班级,联系电话\n示范小学,孙语,,一年级,1班,13900139000\n\
                    示范小学,孙语,450203201909308803,一年级,1班,\n示范小学,孙语,450203201909301206,一年级,1班,\n";
        std::fs::write(&path, rows).unwrap();
        for (name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
            let mut store = Store::open(&dir.path().join(format!("{name}.db"))).unwrap();
            let dry = run(&mut store, &[path.as_path()], None, true).unwrap();
            let report = run(&mut store, &[path.as_path()], None, false).unwrap();
            assert_eq!(dry.problems, report.problems, "{name}");
            let at_blank: Vec<&str> =
                report.problems.iter().filter(|p| p.row == Some(2)).map(|p| p.message.as_str()).collect();
            let check = at_blank.iter().find(|m| m.contains("请核对") && m.contains("第 4 行另有"));
            let check = check.unwrap_or_else(|| panic!("{name}: {:?}", report.problems));
            assert!(check.contains("第 3 行") && check.contains("4502**********8803"), "{name}: {check}");
            assert!(check.contains("row 4 gives another pupil of this name and class"), "{name}: {check}");
            assert_eq!(report.added, 2, "{name}: {report:?}");
        }
    }

    /// A row without a number taken by name and class as a pupil holding another phone leaves the phone as held
    /// and says so: imported again, the list changes nothing, where each import turned the phone to the other
    /// row's and back.
    #[test]
    fn a_row_without_a_number_never_changes_the_phone_of_the_pupil_it_is_taken_as() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.csv");
        let rows = "姓名,身份证号码,班级,联系电话\n张伟,450203201909308803,三年级2班,13800000007\n\
                    张伟,,三年级2班,13800000008\n";
        std::fs::write(&path, rows).unwrap();
        for (name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
            let mut store = Store::open(&dir.path().join(format!("{name}.db"))).unwrap();
            let first = run(&mut store, &[path.as_path()], None, false).unwrap();
            let said = first.problems.iter().find(|p| p.row == Some(3) && p.message.contains("联系电话未改"));
            let said = said.unwrap_or_else(|| panic!("{name}: {:?}", first.problems));
            assert!(said.message.contains("13800000008") && said.message.contains("13800000007"), "{name}");
            let pupils = store.students(&crate::store::StudentFilter::default()).unwrap();
            assert_eq!(pupils.len(), 1, "{name}");
            assert_eq!(pupils[0].phone, "13800000007", "{name}");
            let again = run(&mut store, &[path.as_path()], None, false).unwrap();
            assert_eq!((again.added, again.updated), (0, 0), "{name}: {again:?}");
            let pupils = store.students(&crate::store::StudentFilter::default()).unwrap();
            assert_eq!(pupils[0].phone, "13800000007", "{name}");
        }
    }

    /// A row without a number taken by name and class as a held pupil who has no phone gives the pupil its phone,
    /// as the row would with the number, and says so: the row may be a second child of the name.
    #[test]
    fn a_row_without_a_number_fills_the_empty_phone_of_the_pupil_it_is_taken_as_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("base.csv");
        std::fs::write(&base, "姓名,身份证号码,班级,联系电话\n赵三,450203201909308803,一年级1班,\n").unwrap();
        let later = dir.path().join("later.csv");
        std::fs::write(&later, "姓名,身份证号码,班级,联系电话\n赵三,,一年级1班,13600000003\n").unwrap();
        for (name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
            let mut store = Store::open(&dir.path().join(format!("{name}.db"))).unwrap();
            run(&mut store, &[base.as_path()], None, false).unwrap();
            let report = run(&mut store, &[later.as_path()], None, false).unwrap();
            let said = report.problems.iter().find(|p| p.message.contains("已补入"));
            let said = said.unwrap_or_else(|| panic!("{name}: {:?}", report.problems));
            assert!(said.message.contains("13600000003"), "{name}: {said:?}");
            assert_eq!((report.added, report.updated), (0, 1), "{name}: {report:?}");
            let pupils = store.students(&crate::store::StudentFilter::default()).unwrap();
            assert_eq!(pupils.len(), 1, "{name}");
            assert_eq!(pupils[0].phone, "13600000003", "{name}");
        }
    }

    /// A later row repeating a flagged number its first row gave, with a phone the first row lacked, gives the pupil
    /// that phone and says so, as a plain repeat does: it never advises importing its file again, which would repeat
    /// the row again and change nothing.
    #[test]
    fn a_flagged_repeat_giving_a_phone_gives_it_to_the_pupil() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("list.csv");
        let rows =
            "姓名,身份证号码,班级,联系电话\n黄五,4.50102E+17,四年级1班,\n黄五,4.50102E+17,四年级1班,13100000009\n";
        std::fs::write(&path, rows).unwrap();
        for (name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
            let mut store = Store::open(&dir.path().join(format!("{name}.db"))).unwrap();
            let report = run(&mut store, &[path.as_path()], None, false).unwrap();
            let said: Vec<&str> =
                report.problems.iter().filter(|p| p.row == Some(3)).map(|p| p.message.as_str()).collect();
            assert!(said.iter().any(|m| m.contains("13100000009") && m.contains("已补入")), "{name}: {said:?}");
            assert!(!said.iter().any(|m| m.contains("请在学生信息中补填")), "{name}: {said:?}");
            assert!(!said.iter().any(|m| m.contains("导入此行所在的文件")), "{name}: {said:?}");
            let pupils = store.students(&crate::store::StudentFilter::default()).unwrap();
            assert_eq!(pupils.len(), 1, "{name}");
            assert_eq!(pupils[0].phone, "13100000009", "{name}");
        }
    }

    /// A masked row of an import paired with the row giving its whole number (either file first) fills the
    /// pupil's empty phone and says so, as importing the masked file on its own does; a phone other than the one
    /// the whole row gives is kept out and said.
    #[test]
    fn a_masked_row_of_an_import_gives_its_phone_as_an_import_of_its_own_does() {
        let dir = tempfile::tempdir().unwrap();
        let whole = dir.path().join("whole.csv");
        std::fs::write(
            &whole,
            "姓名,身份证号码,班级,联系电话\n乙一,450203201909308803,三年级1班,\n乙二,450203201812120038,三年级1班,13700000009\n",
        )
        .unwrap();
        let masked = dir.path().join("masked.csv");
        std::fs::write(
            &masked,
            "姓名,身份证号码,班级,联系电话\n乙一,4502**********8803,三年级1班,13700000000\n\
             乙二,4502**********0038,三年级1班,13700000001\n",
        )
        .unwrap();
        let orders: [(&str, [&Path; 2]); 2] = [("whole first", [&whole, &masked]), ("masked first", [&masked, &whole])];
        for (name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
            for (order, files) in &orders {
                let what = format!("{name}, {order}");
                let mut store = Store::open(&dir.path().join(format!("{what}.db"))).unwrap();
                let report = run(&mut store, files, None, false).unwrap();
                let at_masked = |row: usize| {
                    report
                        .problems
                        .iter()
                        .filter(|p| p.file.ends_with("masked.csv") && p.row == Some(row))
                        .map(|p| p.message.as_str())
                        .collect::<Vec<_>>()
                };
                assert!(
                    at_masked(2).iter().any(|m| m.contains("13700000000") && m.contains("已补入")),
                    "{what}: {:?}",
                    report.problems
                );
                assert!(
                    at_masked(3).iter().any(|m| m.contains("13700000001") && m.contains("13700000009")),
                    "{what}: {:?}",
                    report.problems
                );
                let pupils = store.students(&crate::store::StudentFilter::default()).unwrap();
                let phones: Vec<(&str, &str)> = pupils.iter().map(|p| (p.name.as_str(), p.phone.as_str())).collect();
                assert_eq!(pupils.len(), 2, "{what}");
                assert!(
                    phones.contains(&("乙一", "13700000000")) && phones.contains(&("乙二", "13700000009")),
                    "{what}: {phones:?}"
                );
                let again = run(&mut store, files, None, false).unwrap();
                assert_eq!((again.added, again.updated), (0, 0), "{what}: {again:?}");
            }
        }
    }

    /// A row without a number taken as a later row's pupil is said only as that pupil, not also as a pupil
    /// imported and flagged, and counted as in the other order; one taken as the pupil of a row giving an old
    /// 15-digit number is said to be that row's, not a pupil the drive held.
    #[test]
    fn a_row_without_a_number_taken_by_a_later_row_is_said_once_and_counted_as_in_either_order() {
        let dir = tempfile::tempdir().unwrap();
        let header = "姓名,身份证号码,班级,联系电话\n";
        // Neither row gives more than the other but the number, so neither order updates the pupil.
        let (numbered, blank) = ("孙语,450203201909308803,一年级1班,\n", "孙语,,一年级1班,\n");
        let write = |name: &str, rows: &[&str]| {
            let path = dir.path().join(name);
            std::fs::write(&path, format!("{header}{}", rows.concat())).unwrap();
            path
        };
        let (id_first, blank_first) = (write("a.csv", &[numbered, blank]), write("b.csv", &[blank, numbered]));
        let old = write("old.csv", &["钱多,450202170101001,一年级1班,\n", "钱多,,一年级1班,\n"]);
        for (name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
            let mut counts = Vec::new();
            for (case, path) in [("number first", &id_first), ("no number first", &blank_first)] {
                let mut store = Store::open(&dir.path().join(format!("{name} {case}.db"))).unwrap();
                let report = run(&mut store, &[path.as_path()], None, false).unwrap();
                let flagged = report.problems.iter().filter(|p| p.message.contains("身份证号码为空（已导入并标记）"));
                assert_eq!(flagged.count(), 0, "{name}, {case}: {:?}", report.problems);
                counts.push((report.added, report.updated, report.unchanged, report.id_invalid));
            }
            assert_eq!(counts[0], counts[1], "{name}");
            let mut store = Store::open(&dir.path().join(format!("{name} old.db"))).unwrap();
            let report = run(&mut store, &[old.as_path()], None, false).unwrap();
            let said = report.problems.iter().find(|p| p.row == Some(3));
            let said = said.unwrap_or_else(|| panic!("{name}: {:?}", report.problems));
            assert!(
                said.message.contains("本次导入第 2 行的 钱多") && !said.message.contains("已有"),
                "{}",
                said.message
            );
            assert!(said.message.contains("钱多 of row 2 of this import"), "{}", said.message);
        }
    }

    #[test]
    fn a_run_of_rows_with_one_problem_is_one_line() {
        let header = ["姓名", "身份证号码", "班级"].map(text).to_vec();
        let mut rows = vec![header, ["张三", "450202201703051233", "一年级1班"].map(text).to_vec()];
        // A class column filled down: rows 3 to 3002 hold a class and nothing else.
        rows.extend((0..3000).map(|i| vec![Cell::Empty, Cell::Empty, text(if i % 2 == 0 { "1" } else { "2" })]));
        // Then a pupil, and two rows each with two problems (a bad number and invisible characters).
        rows.push(["李四", "450202201704062348", "一年级1班"].map(text).to_vec());
        rows.push(["王\u{200b}五", "4502022017", "一年级1班"].map(text).to_vec());
        rows.push(["赵\u{200b}六", "4502022017", "一年级1班"].map(text).to_vec());
        let sheet = Sheet { name: "一班".into(), rows };
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        let problems = &plan.report.problems;
        assert_eq!(plan.report.skipped, 3000);
        let run = problems.iter().find(|p| p.message.contains("没有姓名")).unwrap();
        assert_eq!((run.row, run.last_row, run.rows), (Some(3), Some(3002), Some(3000)), "{problems:?}");
        assert!(run.message.starts_with("此行起共 3000 行（至第 3002 行）没有姓名和身份证号码"), "{}", run.message);
        assert!(run.message.contains("(3000 rows from this one to row 3002: no name"), "{}", run.message);
        let json = serde_json::to_value(run).unwrap();
        assert_eq!(
            (json["row"].as_u64(), json["last_row"].as_u64(), json["rows"].as_u64()),
            (Some(3), Some(3002), Some(3000))
        );
        // Both problems of rows 3004 and 3005 are one line each.
        assert_eq!(problems.iter().filter(|p| p.row == Some(3004)).count(), 2, "{problems:?}");
        assert!(problems.iter().filter(|p| p.row == Some(3004)).all(|p| p.rows == Some(2)), "{problems:?}");
        assert_eq!(problems.len(), 3, "{problems:?}");
        let one = serde_json::to_value(Problem { row: Some(2), ..Problem::default() }).unwrap();
        assert!(one.get("last_row").is_none() && one.get("rows").is_none(), "{one}");

        // Problems no run groups are listed up to a bound, and the rest counted in one line.
        let header = ["姓名", "身份证号码"].map(text).to_vec();
        let mut rows = vec![header];
        // Names without digits, which are a problem of their own.
        let name = |i: u32| format!("学生{}", char::from_u32(0x4e00 + i).unwrap_or('一'));
        rows.extend((0..6000).map(|i| vec![text(&name(i)), text(&"1".repeat(7 + i as usize % 2))]));
        // A class with its grade: a sheet named 一班 alone is said to name no grade, a problem more.
        let sheet = Sheet { name: "一年级一班".into(), rows };
        let plan = plan_sheets(vec![("b.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        let problems = &plan.report.problems;
        assert_eq!(problems.len(), PROBLEMS_LISTED + 1);
        let last = problems.last().unwrap();
        assert!(last.message.contains(&format!("另有 {} 个问题未逐条列出", 6000 - PROBLEMS_LISTED)), "{last:?}");
    }

    /// 联系电话 merged over 父亲 and 母亲 in a header of two rows: both sub-columns are phones, the first filled is
    /// the pupil's and the other is kept in the note; neither is said an unknown header.
    #[test]
    fn phones_under_a_merged_phone_header_are_read() {
        let empty = || Cell::Empty;
        let upper =
            vec![text("序号"), text("学生信息"), text("学生信息"), text("班级"), text("联系电话"), text("联系电话")];
        let lower = vec![text("序号"), text("姓名"), text("身份证号码"), text("班级"), text("父亲"), text("母亲")];
        let pupil = |name: &str, id: &str, father: Cell, mother: Cell| {
            vec![text("1"), text(name), text(id), text("四年级2班"), father, mother]
        };
        let rows = vec![
            upper,
            lower,
            pupil("张三", "450202201703051233", text("13900000000"), text("13800000000")),
            pupil("王五", "450202201704062348", empty(), text("13800000001")),
        ];
        let sheet = Sheet { name: "Sheet1".into(), rows };
        let plan = plan_sheets(vec![("two.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        let problems = &plan.report.problems;
        assert!(!problems.iter().any(|p| p.message.contains("不认识的表头")), "{problems:?}");
        let got: Vec<(&str, &str, &str)> =
            plan.rows.iter().map(|r| (r.name.as_str(), r.phone.as_str(), r.note.as_str())).collect();
        assert_eq!(got, [("张三", "13900000000", "母亲：13800000000"), ("王五", "13800000001", "")]);
        // Only the first cell of a merge filled, as some writers leave it: the same.
        let mut rows = plan_rows_with_first_cells_only();
        rows.truncate(3);
        let sheet = Sheet { name: "Sheet1".into(), rows };
        let plan = plan_sheets(vec![("two.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(plan.rows[0].phone, "13900000000");
        assert_eq!(plan.rows[0].note, "母亲：13800000000");
    }

    fn plan_rows_with_first_cells_only() -> Vec<Vec<Cell>> {
        vec![
            vec![text("姓名"), text("身份证号码"), text("联系电话"), Cell::Empty],
            vec![Cell::Empty, Cell::Empty, text("父亲"), text("母亲")],
            vec![text("张三"), text("450202201703051233"), text("13900000000"), text("13800000000")],
        ]
    }

    /// A sheet's unknown header columns are said in one line, a few by name and the rest counted, so thousands of
    /// stray columns do not crowd the rows' own problems out of the report.
    #[test]
    fn unknown_headers_are_said_in_one_line_and_the_rows_problems_after_them() {
        let mut header = vec![text("姓名"), text("身份证号码")];
        header.extend((0..6000).map(|i| text(&format!("列{i}"))));
        let rows = vec![
            header,
            vec![text("张三"), text("450202201703051233")],
            vec![text("李四"), text("123")],
            vec![text("王五"), text("4502022017030512")],
        ];
        let sheet = Sheet { name: "一班".into(), rows };
        let plan = plan_sheets(vec![("a.csv".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        let unknown: Vec<_> = plan.report.problems.iter().filter(|p| p.message.contains("不认识的表头")).collect();
        assert_eq!(unknown.len(), 1, "{unknown:?}");
        assert!(unknown[0].message.contains("“列0”、“列1”、“列2”等 6000 列"), "{}", unknown[0].message);
        assert!(unknown[0].message.contains("6000 unknown headers, “列0”, “列1”, “列2” and 5997 more"), "{unknown:?}");
        let rows_said: Vec<_> =
            plan.report.problems.iter().filter(|p| p.column == "身份证号码").map(|p| p.row).collect();
        assert_eq!(rows_said, [Some(3), Some(4)], "{:?}", plan.report.problems);
    }

    /// A footer label beside a date in the ID column, as a workbook gives it (a text or a date cell, read as
    /// 2026-09-01), is a footer said at its row, never a nameless pupil or one named 填表日期.
    #[test]
    fn a_footer_label_beside_a_date_is_no_pupil() {
        let cells = |r: &[Option<&str>]| r.iter().map(|c| c.map_or(Cell::Empty, text)).collect::<Vec<_>>();
        let cases: Vec<(&[&str], Vec<Option<&str>>)> = vec![
            (&["序号", "姓名", "身份证号码", "班级"], vec![Some("填表日期："), None, Some("2026-09-01"), None]),
            (&["序号", "姓名", "身份证号码", "班级"], vec![Some("填表日期"), None, Some("2026-09-01"), None]),
            (&["序号", "姓名", "身份证号码", "班级"], vec![Some("制表日期"), None, Some("2026/9/1"), None]),
            (&["姓名", "身份证号码"], vec![Some("填表日期"), Some("2026-09-01")]),
            (&["姓名", "身份证号码", "班级", "备注"], vec![None, Some("2026-09-01"), None, Some("填表日期")]),
            (&["姓名", "身份证号码"], vec![Some("填表日期："), Some("2026年9月1日")]),
            (&["序号", "姓名", "身份证号码", "班级"], vec![Some("制表人："), Some("王老师"), Some("2026.9.1"), None]),
        ];
        // A child with a birth date typed in the ID column and a contact in 备注 is a pupil, flagged.
        let header = ["序号", "姓名", "身份证号码", "备注"].map(text).to_vec();
        let child = cells(&[Some("1"), Some("赵六"), Some("2016-09-22"), Some("联系人：妈妈")]);
        let sheet = Sheet { name: String::new(), rows: vec![header, child] };
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(plan.rows.len(), 1, "{:?}", plan.report.problems);
        for (header, footer) in cases {
            let header = header.iter().map(|h| text(h)).collect::<Vec<_>>();
            let mut pupil = cells(&[Some("1"), Some("陈娜军"), Some("510104201609222618"), Some("一年级1班")]);
            pupil.truncate(header.len());
            if header[0] == text("姓名") {
                pupil = cells(&[Some("陈娜军"), Some("510104201609222618"), None, None]);
                pupil.truncate(header.len());
            }
            let sheet = Sheet { name: String::new(), rows: vec![header, pupil, cells(&footer)] };
            let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
            let names: Vec<&str> = plan.rows.iter().map(|r| r.name.as_str()).collect();
            assert_eq!(names, ["陈娜军"], "{footer:?}: {:?}", plan.report.problems);
            let said = plan.report.problems.iter().find(|p| p.row == Some(3) && p.file == "a.xlsx");
            let said = said.map(|p| p.message.as_str()).unwrap_or_default();
            assert!(said.contains("表尾行") && said.contains("a footer row"), "{footer:?}: {said}");
        }
    }

    /// 示例 counts only where a template writes it (the 序号 column, or the name when 序号 is no number): a real
    /// pupil with 示例 in 备注, or named 例 or 样例 beside the number 1, is imported.
    #[test]
    fn an_example_word_elsewhere_leaves_the_pupil_in() {
        let csv = "序号,姓名,身份证号码,班级,联系电话,备注\n3,赵六,510104201609222618,三年级2班,,示例\n\
                   1,例,450202201709011232,示范班,13800000011,\n4,样例,450202201703051233,示范班,,\n\
                   示例,张三,450202201709011232,一年级1班,,\n,样例,450202201709011232,一年级1班,,\n";
        let sheets = table::read_bytes(csv.as_bytes(), "a.csv").unwrap();
        let plan = plan_sheets(vec![("a.csv".into(), sheets)], None, DEFAULT_SCHOOL, today()).unwrap();
        let names: Vec<&str> = plan.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["赵六", "例", "样例"], "{:?}", plan.report.problems);
        let examples: Vec<_> =
            plan.report.problems.iter().filter(|p| p.message.contains("示例行")).map(|p| p.row).collect();
        assert_eq!(examples, [Some(5), Some(6)], "{:?}", plan.report.problems);
    }

    /// A row whose class is 示例, or whose name a template marks as its example (「（示例）张三」, 「例：李四」), is
    /// left out and said at its row, as a 示例 in the 序号 column is.
    #[test]
    fn a_class_or_name_marked_as_example_is_said_and_no_pupil() {
        let names = ["张示例", "（示例）张三", "示例：张三", "例：李四", "张三（样例）", "王示例"];
        let mut csv = String::from("姓名,身份证号码,班级\n");
        for (at, name) in names.iter().enumerate() {
            let class = if at == 0 { "示例" } else { "一年级1班" };
            csv.push_str(&format!("{name},{},{class}\n", TEN_IDS[at]));
        }
        let sheets = table::read_bytes(csv.as_bytes(), "a.csv").unwrap();
        let plan = plan_sheets(vec![("a.csv".into(), sheets)], None, DEFAULT_SCHOOL, today()).unwrap();
        let names: Vec<&str> = plan.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["王示例"], "{:?}", plan.report.problems);
        let examples: Vec<_> =
            plan.report.problems.iter().filter(|p| p.message.starts_with("示例行")).map(|p| p.row).collect();
        assert_eq!(examples, [Some(2), Some(3), Some(4), Some(5), Some(6)], "{:?}", plan.report.problems);
    }

    #[test]
    fn example_instruction_and_footer_rows_are_said_and_no_pupil() {
        let csv = "序号,姓名,身份证号码,班级\n示例,张三,450202201709011232,一年级1班\n必填,必填,必填（18位）,选填\n\
                   1,陈娜军,510104201609222618,一年级1班\n2,李四,510104201609222610,一年级1班\n\
                   ,,填表日期：2026-09-01,\n,,以下空白,\n,,班主任签字：王老师 13800138000,\n";
        let sheets = table::read_bytes(csv.as_bytes(), "a.csv").unwrap();
        let plan = plan_sheets(vec![("a.csv".into(), sheets)], None, DEFAULT_SCHOOL, today()).unwrap();
        let names: Vec<&str> = plan.rows.iter().map(|r| r.name.as_str()).collect();
        // A name with a number that is merely invalid is a pupil, flagged as ever.
        assert_eq!(names, ["陈娜军", "李四"], "{:?}", plan.report.problems);
        assert_eq!((plan.report.rows_read, plan.report.skipped), (7, 5));
        let said = |row: usize| {
            let p = plan.report.problems.iter().find(|p| p.row == Some(row) && p.file == "a.csv");
            p.map(|p| p.message.clone()).unwrap_or_default()
        };
        assert!(
            said(2).starts_with("示例行（“示例”），不是学生，未导入") && said(2).contains("an example row"),
            "{}",
            said(2)
        );
        assert!(said(3).starts_with("填写说明行") && said(3).contains("must be filled in"), "{}", said(3));
        assert!(said(5).contains("imported and flagged"), "{}", said(5));
        for row in [6, 7, 8] {
            assert!(said(row).contains("表尾行") && said(row).contains("footer row"), "row {row}: {}", said(row));
        }
    }

    #[test]
    fn a_long_cell_is_left_empty_and_its_pupil_kept() {
        let phone = "1".repeat(69 * 1024);
        let header = ["姓名", "身份证号码", "联系电话"].map(text).to_vec();
        let rows = vec![header, vec![text("张三"), text("450202201703051233"), text(&phone)]];
        let sheet = Sheet { name: String::new(), rows };
        let plan = plan_sheets(vec![("a.csv".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(plan.rows.len(), 1, "{:?}", plan.report.problems);
        assert_eq!((plan.rows[0].name.as_str(), plan.rows[0].phone.as_str()), ("张三", ""));
        let said = plan.report.problems.iter().find(|p| p.row == Some(2) && p.column == "联系电话").expect("said");
        assert!(said.message.contains("69 KB") && said.message.contains("学生已导入"), "{}", said.message);
        let english = crate::words::in_language(&said.message, crate::words::Language::En);
        assert_eq!(
            english,
            "the cell is too long, 69 KB where a cell holds 64 KB at most: left empty, the pupil imported"
        );

        // A column said as an unknown header is not said again as too long.
        let header = ["姓名", "身份证号码", "家长意见"].map(text).to_vec();
        let rows = vec![header, vec![text("张三"), text("450202201703051233"), text(&phone)]];
        let sheet = Sheet { name: String::new(), rows };
        let plan = plan_sheets(vec![("a.csv".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(plan.rows.len(), 1, "{:?}", plan.report.problems);
        let said: Vec<_> = plan.report.problems.iter().map(|p| p.message.as_str()).collect();
        assert!(said.iter().any(|m| m.contains("不认识的表头")), "{said:?}");
        assert!(!said.iter().any(|m| m.contains("过长")), "{said:?}");

        // A name too long leaves its row out, said in English alone in English.
        let name = "李".repeat(2000);
        let rows = vec![["姓名", "身份证号码"].map(text).to_vec(), vec![text(&name), text("450202201703051233")]];
        let sheet = Sheet { name: String::new(), rows };
        let plan = plan_sheets(vec![("a.csv".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        let said = &plan.report.problems[0].message;
        let english = crate::words::in_language(said, crate::words::Language::En);
        assert_eq!(english, "the cell is too long, 6 KB where a name holds 4 KB at most: row not imported");
        // A long cell quoted short says its length in English in English.
        let quoted_long = format!("未知的人员类别“{0}” (unknown category “{0}”)", quoted(&"1".repeat(60)));
        let english = crate::words::in_language(&quoted_long, crate::words::Language::En);
        assert_eq!(english, format!("unknown category “{}… (60 characters)”", "1".repeat(50)));
    }

    #[test]
    fn a_long_cell_is_quoted_short() {
        let blob = "备".repeat(100_000);
        let header = vec![text("姓名"), text("身份证号码"), text(&blob)];
        let rows = vec![header, vec![text("张三"), text("450202201703051233"), text("x")]];
        let sheet = Sheet { name: "一班".into(), rows };
        let plan = plan_sheets(vec![("a.csv".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        let said = plan.report.problems.iter().find(|p| p.message.contains("不认识的表头")).unwrap();
        let shown = format!("{}…（共 100000 字）", "备".repeat(50));
        assert_eq!(said.column, shown);
        assert!(said.message.contains(&shown) && said.message.chars().count() < 200, "{}", said.message);
    }

    #[test]
    fn nul_bytes_are_said_as_control_characters_and_keep_their_line() {
        let csv =
            "姓名,身份证号码\n张三,450202201703051233\n\0\0\0\n王五,450202201704062340\n李\0四,450202201603051230\n";
        let sheets = table::read_bytes(csv.as_bytes(), "nul.csv").unwrap();
        let plan = plan_sheets(
            vec![("nul.csv".into(), sheets)],
            None,
            "本校",
            chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
        )
        .unwrap();
        let names: Vec<&str> = plan.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["张三", "王五", "李四"]);
        let problems = &plan.report.problems;
        let at = |row: usize, what: &str| problems.iter().any(|p| p.row == Some(row) && p.message.contains(what));
        assert!(at(5, "不可见字符或控制字符"), "{problems:?}");
        assert!(at(4, "身份证号码") && at(5, "身份证号码"), "rows as an editor numbers them: {problems:?}");
    }

    #[test]
    fn a_list_printed_in_two_blocks_side_by_side_gives_the_pupils_of_both() {
        let header = ["序号", "姓名", "身份证号码", "", "序号", "姓名", "身份证号码"];
        let cell = |t: &str| if t.is_empty() { Cell::Empty } else { text(t) };
        let mut rows = vec![vec![text("六年级6班学生名单（共 5 人）")], header.map(cell).to_vec()];
        for (i, left) in TEN_IDS[..3].iter().enumerate() {
            let mut row = vec![Cell::Number(i as f64 + 1.0), text(&format!("左{i}")), text(left), Cell::Empty];
            if let Some(right) = TEN_IDS[3..5].get(i) {
                row.extend([Cell::Number(i as f64 + 4.0), text(&format!("右{i}")), text(right)]);
            }
            rows.push(row);
        }
        // The right block's pupil with a number wrong is said at its row and its block, not the left one's.
        rows[2][6] = text("45020220160406234X");
        let sheet = Sheet { name: "六年级6班".into(), rows };
        let plan = plan_sheets(vec![("two.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        let got: Vec<(&str, &str, &str)> =
            plan.rows.iter().map(|r| (r.name.as_str(), r.class.as_str(), r.source.as_str())).collect();
        assert_eq!(
            got,
            [
                ("左0", "6班", "two.xlsx[六年级6班]:3"),
                ("左1", "6班", "two.xlsx[六年级6班]:4"),
                ("左2", "6班", "two.xlsx[六年级6班]:5"),
                ("右0", "6班", "two.xlsx[六年级6班 第 2 栏 E–G 列]:3"),
                ("右1", "6班", "two.xlsx[六年级6班 第 2 栏 E–G 列]:4"),
            ]
        );
        assert_eq!(plan.rows[3].id.normalized, "45020220160406234X");
        let problems = &plan.report.problems;
        assert!(!problems.iter().any(|p| p.message.contains("重复")), "{problems:?}");
        assert!(problems.iter().any(|p| p.row == Some(2) && p.message.contains("第 E–G 列")), "{problems:?}");
        assert!(
            problems.iter().any(|p| p.sheet == "六年级6班 第 2 栏 E–G 列" && p.row == Some(3)),
            "the wrong number at its block: {problems:?}"
        );
        // A parent's 姓名 and 身份证号码 beside the pupil's under a group label are no second block of pupils.
        let upper = ["学生信息", "", "家长信息", ""].map(cell).to_vec();
        let lower = ["姓名", "身份证号码", "姓名", "身份证号码"].map(text).to_vec();
        let pupil = vec![text("张三"), text(TEN_IDS[0]), text("张父"), text("450202198505053073")];
        let sheet = Sheet { name: "三年级3班".into(), rows: vec![upper, lower, pupil] };
        let plan = plan_sheets(vec![("p.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(plan.rows.len(), 1);
        assert_eq!(plan.rows[0].name, "张三");
    }

    #[test]
    fn a_table_stacked_under_another_with_other_columns_is_read_by_its_own() {
        let cell = |t: &str| if t.is_empty() { Cell::Empty } else { text(t) };
        let rows = vec![
            vec![text("三年级1班名单")],
            ["姓名", "身份证号码", "联系电话"].map(cell).to_vec(),
            vec![text("廖一"), text(TEN_IDS[0]), text("13800000001")],
            vec![],
            vec![text("三年级2班名单")],
            ["序号", "身份证号码", "姓名", "联系电话"].map(cell).to_vec(),
            vec![Cell::Number(1.0), text(TEN_IDS[1]), text("冯涵航"), text("13800000002")],
            vec![],
            vec![text("三年级3班名单")],
            ["姓名", "性别", "身份证号码", "联系电话"].map(cell).to_vec(),
            vec![text("杜佑轩"), text("男"), text(TEN_IDS[2]), text("13800000003")],
            // The same header again, as lists pasted together repeat it: skipped as before.
            ["姓名", "性别", "身份证号码", "联系电话"].map(cell).to_vec(),
            vec![text("钱涵宇"), text("男"), text(TEN_IDS[3]), text("13800000004")],
        ];
        let sheet = Sheet { name: "全校".into(), rows };
        let plan = plan_sheets(vec![("stack.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        let got: Vec<(&str, &str, &str, String)> = plan
            .rows
            .iter()
            .map(|r| {
                (r.name.as_str(), r.id.normalized.as_str(), r.phone.as_str(), class_label::join(&r.grade, &r.class))
            })
            .collect();
        assert_eq!(
            got,
            [
                ("廖一", TEN_IDS[0], "13800000001", got[0].3.clone()),
                ("冯涵航", TEN_IDS[1], "13800000002", "三年级2班".to_owned()),
                ("杜佑轩", TEN_IDS[2], "13800000003", "三年级3班".to_owned()),
                ("钱涵宇", TEN_IDS[3], "13800000004", "三年级3班".to_owned()),
            ]
        );
        let problems = &plan.report.problems;
        let at = |row: usize, what: &str| problems.iter().any(|p| p.row == Some(row) && p.message.contains(what));
        assert!(at(6, "另一张表的表头") && at(10, "另一张表的表头"), "{problems:?}");
        assert!(at(12, "重复的表头行"), "{problems:?}");
    }

    #[test]
    fn a_student_number_of_g_and_the_id_number_gives_the_id_number_and_is_said() {
        let rows = vec![
            ["全国学籍号", "姓名", "班级"].map(text).to_vec(),
            vec![text(&format!("G{}", TEN_IDS[0])), text("杜雅涵"), text("二年级4班")],
            vec![text(&format!("G{}", TEN_IDS[1])), text("叶琳"), text("二年级4班")],
        ];
        let only = Sheet { name: String::new(), rows };
        let rows = vec![
            ["姓名", "身份证号", "学籍号", "班级"].map(text).to_vec(),
            vec![text("谢涵轩"), text(&format!("G{}", TEN_IDS[2])), Cell::Empty, text("二年级4班")],
            vec![text("金怡"), Cell::Empty, text(&format!("G{}", TEN_IDS[3])), text("二年级4班")],
            // Not G and an ID number that passes: kept as written and flagged, as before.
            vec![text("钟俊"), text("G45020220170305123"), Cell::Empty, text("二年级4班")],
        ];
        let in_id = Sheet { name: String::new(), rows };
        let plan = plan_sheets(
            vec![("only.csv".into(), vec![only]), ("in_id.csv".into(), vec![in_id])],
            None,
            DEFAULT_SCHOOL,
            today(),
        )
        .unwrap();
        let got: Vec<(&str, &str, bool)> =
            plan.rows.iter().map(|r| (r.name.as_str(), r.id.normalized.as_str(), r.id.is_valid())).collect();
        assert_eq!(
            got[..4],
            [
                ("杜雅涵", TEN_IDS[0], true),
                ("叶琳", TEN_IDS[1], true),
                ("谢涵轩", TEN_IDS[2], true),
                ("金怡", TEN_IDS[3], true)
            ]
        );
        assert!(!got[4].2);
        let problems = &plan.report.problems;
        let said = |file: &str, row: usize| {
            problems
                .iter()
                .any(|p| p.file == file && p.row == Some(row) && p.message.contains("全国学籍号是 G 加身份证号码"))
        };
        assert!(said("only.csv", 2) && said("in_id.csv", 2) && said("in_id.csv", 3), "{problems:?}");
        assert!(!said("in_id.csv", 4), "{problems:?}");
    }

    #[test]
    fn a_class_sheet_named_without_its_grade_takes_the_grade_its_title_names_or_is_said() {
        let titled = pupils_sheet("1班", &["城中区实验小学四年级学生名单"], &[("高涵萱", TEN_IDS[0])]);
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![titled])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(classes_of(&plan), ["四年级1班"]);
        let one = pupils_sheet("1班", &["城中区实验小学四年级学生名单"], &[("甲", TEN_IDS[1])]);
        let two = pupils_sheet("2班", &["城中区实验小学四年级学生名单"], &[("乙", TEN_IDS[2])]);
        let plan = plan_sheets(vec![("b.xlsx".into(), vec![one, two])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(classes_of(&plan), ["四年级1班", "四年级2班"]);
        let bare = pupils_sheet("1班", &["城中区实验小学学生名单"], &[("丙", TEN_IDS[3])]);
        let plan = plan_sheets(vec![("c.xlsx".into(), vec![bare])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(classes_of(&plan), ["1班"]);
        let problems = &plan.report.problems;
        assert!(problems.iter().any(|p| p.message.contains("班级“1班”没有写年级")), "{problems:?}");
    }

    #[test]
    fn words_in_the_id_column_are_no_number_and_a_note_after_a_number_is_the_pupils() {
        let csv = "姓名,身份证号码,班级\n甲一,无,三年级1班\n乙二,暂无,三年级1班\n丙三,450202201505173512（已核）,三年级1班\n\
                   丁四,户口未上,三年级1班\n戊五,/,三年级1班\n";
        let sheets = table::read_bytes(csv.as_bytes(), "ids.csv").unwrap();
        let plan = plan_sheets(vec![("ids.csv".into(), sheets)], None, "本校", today()).unwrap();
        let kept: Vec<(&str, &str)> = plan.rows.iter().map(|r| (r.id_raw.as_str(), r.note.as_str())).collect();
        assert_eq!(
            kept,
            [
                ("", ""),
                ("", ""),
                ("450202201505173512", "身份证号码备注：已核"),
                ("", "身份证号码：户口未上"),
                ("", "")
            ]
        );
        assert!(plan.rows[2].id.valid().is_some());
        let problems = &plan.report.problems;
        let at = |row: usize, what: &str| problems.iter().any(|p| p.row == Some(row) && p.message.contains(what));
        for row in [2, 3, 5, 6] {
            assert!(at(row, "即还没有身份证号码"), "row {row}: {problems:?}");
        }
        assert!(at(4, "已按号码导入"), "{problems:?}");
        assert!(problems.iter().all(|p| !p.message.contains("非法字符")), "{problems:?}");
    }

    #[test]
    fn a_phone_cell_without_a_digit_is_kept_and_said() {
        let csv = "姓名,身份证号码,班级,联系电话\n甲一,450202201505173512,三年级1班,王芳\n";
        let sheets = table::read_bytes(csv.as_bytes(), "phones.csv").unwrap();
        let plan = plan_sheets(vec![("phones.csv".into(), sheets)], None, "本校", today()).unwrap();
        assert_eq!(plan.rows[0].phone, "王芳");
        let problems = &plan.report.problems;
        assert!(
            problems.iter().any(|p| p.row == Some(2) && p.file == "phones.csv" && p.message.contains("没有数字")),
            "{problems:?}"
        );
    }

    #[test]
    fn a_space_inside_a_minority_name_becomes_the_registers_dot_and_is_said() {
        assert_eq!(clean_name("阿依古丽 买买提"), "阿依古丽·买买提");
        assert_eq!(clean_name("王 明"), "王明");
        assert_eq!(clean_name("扎西 多吉"), "扎西多吉");
        let csv = "姓名,身份证号码,班级\n阿依古丽 买买提,450202201505173512,三年级1班\n扎西 多吉,450202201410199998,三年级1班\n\
                   王　明,450202201703051233,三年级1班\n";
        let sheets = table::read_bytes(csv.as_bytes(), "names.csv").unwrap();
        let plan = plan_sheets(vec![("names.csv".into(), sheets)], None, "本校", today()).unwrap();
        let names: Vec<&str> = plan.rows.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["阿依古丽·买买提", "扎西多吉", "王明"]);
        let problems = &plan.report.problems;
        let at = |row: usize, what: &str| problems.iter().any(|p| p.row == Some(row) && p.message.contains(what));
        assert!(at(2, "空格已改为“·”"), "{problems:?}");
        assert!(at(3, "空格已去掉") && at(3, "扎西·多吉"), "{problems:?}");
        assert!(problems.iter().all(|p| p.row != Some(4)), "{problems:?}");
    }

    /// A later row of the pupil in one import giving the 民族 and 居住地址 its first row lacked: the pupil takes
    /// them, read ahead or row by row, as a later row's phone is taken, and it is said without the address; a third
    /// row with another 民族 is said to differ. A pupil held with an address before the import keeps it.
    #[test]
    fn a_later_rows_ethnicity_and_address_fill_what_its_first_row_lacked() {
        let dir = tempfile::tempdir().unwrap();
        let header = "姓名,身份证号码,班级,民族,居住地址\n";
        let file = |name: &str, rest: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, format!("{header}孙语,450203201909308803,一年级1班,{rest}\n")).unwrap();
            path
        };
        let (a, b, c) = (file("a.csv", ","), file("b.csv", "壮,文昌路 12 号"), file("c.csv", "瑶族,"));
        let held = file("held.csv", ",八一路 3 号");
        let personal = |store: &Store| {
            let p = &store.students(&crate::store::StudentFilter::default()).unwrap()[0];
            (p.ethnicity.clone(), p.address.clone())
        };
        let text = |v: &str| Some(v.to_owned());
        for (run_name, run) in [("read ahead", import as Import), ("row by row", import_row_by_row as Import)] {
            let mut store = Store::open(&dir.path().join(format!("{run_name}.db"))).unwrap();
            let files = [a.as_path(), b.as_path(), c.as_path()];
            let dry = run(&mut store, &files, None, true).unwrap();
            let report = run(&mut store, &files, None, false).unwrap();
            assert_eq!(dry.problems, report.problems, "{run_name}");
            assert_eq!((report.added, report.duplicates), (1, 2), "{run_name}: {report:?}");
            assert_eq!(personal(&store), (text("壮族"), text("文昌路 12 号")), "{run_name}");
            let at = |file: &str, what: &str| {
                report.problems.iter().any(|p| p.file.ends_with(file) && p.row == Some(2) && p.message.contains(what))
            };
            assert!(at("b.csv", "民族、居住地址，") && !at("b.csv", "未导入"), "{run_name}: {:?}", report.problems);
            assert!(at("c.csv", "两行民族不同"), "{run_name}: {:?}", report.problems);
            assert!(report.problems.iter().all(|p| !p.message.contains("文昌路")), "{run_name}: {:?}", report.problems);
            let again = run(&mut store, &files, None, false).unwrap();
            assert_eq!((again.added, again.updated), (0, 0), "{run_name}: {again:?}");
            let mut store = Store::open(&dir.path().join(format!("held {run_name}.db"))).unwrap();
            run(&mut store, &[held.as_path()], None, false).unwrap();
            let report = run(&mut store, &[a.as_path(), b.as_path()], None, false).unwrap();
            assert_eq!((report.updated, report.unchanged), (1, 0), "{run_name}: {report:?}");
            assert_eq!(personal(&store), (text("壮族"), text("八一路 3 号")), "{run_name}");
        }
    }

    /// A sheet named for a grade (二年级) with no grade column follows the grade column's rule: the grade named
    /// decides, and a class cell naming another year short (1.2, 102) is kept as written and said at its row.
    /// Before, 1.2 went into 一年级2班 without a word. A cell writing its grade in full (三年级1班) keeps it.
    #[test]
    fn a_class_cell_naming_another_year_than_its_sheets_grade_is_kept_and_said() {
        let cells = [("甲", TEN_IDS[0], "1.2"), ("乙", TEN_IDS[1], "1-2"), ("丙", TEN_IDS[2], "102")];
        let mut rows: Vec<_> = cells.to_vec();
        rows.push(("丁", TEN_IDS[3], "2.3"));
        let sheet = class_column_sheet("二年级", &[], &rows);
        let plan = plan_sheets(vec![("a.xlsx".into(), vec![sheet])], None, DEFAULT_SCHOOL, today()).unwrap();
        assert_eq!(classes_of(&plan), ["二年级1.2", "二年级1-2", "二年级102班", "二年级3班"]);
        for row in 2..=4 {
            let said = plan.report.problems.iter().any(|p| p.row == Some(row) && p.message.contains("年级"));
            assert!(said, "row {row}: {:?}", plan.report.problems);
        }
        let quiet = plan.report.problems.iter().all(|p| p.row != Some(5) && !p.message.contains("无法从"));
        assert!(quiet, "{:?}", plan.report.problems);
    }

    /// A label before the number in the ID cell (「身份证：」, 「身份证号:」, 「ID:」, a full-width colon) is no part
    /// of it: left out where a whole number follows, and said at the row. Before, the cell was kept as a number
    /// with the illegal character 「身」. A label before anything else (a short number) stays as written.
    #[test]
    fn a_label_before_a_whole_id_number_is_left_out_and_said() {
        let [a, b, c, d] = [TEN_IDS[0], TEN_IDS[1], TEN_IDS[2], TEN_IDS[3]];
        let csv = format!(
            "姓名,身份证号码,班级\n周七,身份证：{a},三年级1班\n吴八,身份证号:{b},三年级2班\n郑九,ID: {c},三年级3班\n\
             王十,证件号码 ：{d}（已核）,三年级4班\n冯一,身份证：4502022015,三年级5班\n"
        );
        let sheets = table::read_bytes(csv.as_bytes(), "labels.csv").unwrap();
        let plan = plan_sheets(vec![("labels.csv".into(), sheets)], None, "本校", today()).unwrap();
        let kept: Vec<&str> = plan.rows.iter().map(|r| r.id_raw.as_str()).collect();
        assert_eq!(kept.len(), 5, "{kept:?} {:?}", plan.report.problems);
        assert_eq!(kept[..4], [a, b, c, d], "{kept:?}");
        assert_eq!(kept[4], "身份证：4502022015", "not a whole number: kept as written");
        for row in &plan.rows[..4] {
            assert!(row.id.valid().is_some(), "{row:?}");
        }
        let problems = &plan.report.problems;
        let at = |row: usize, what: &str| problems.iter().any(|p| p.row == Some(row) && p.message.contains(what));
        assert!(at(2, "号码之前的“身份证：”不是号码"), "{problems:?}");
        assert!(at(3, "号码之前的“身份证号:”不是号码"), "{problems:?}");
        assert!(at(4, "号码之前的“ID:”不是号码"), "{problems:?}");
        assert!(at(5, "不是号码"), "{problems:?}");
        assert!(at(6, "非法字符"), "{problems:?}");
        assert!(!(2..=5).any(|row| at(row, "非法字符")), "{problems:?}");
    }

    #[test]
    fn an_id_cell_of_digits_is_a_number_and_one_with_a_note_is_read_apart() {
        let number = |said: &str| matches!(id_words(said, today()), IdSaid::Number);
        // Digits alone, with the check character in either case, too long or too short: a number as written.
        for said in ["450202201901010002", "45020220190101000X", "45020220190101000x", "4502022019", "13800138000"] {
            assert!(number(said), "{said}");
        }
        // The same digits with a note, or words: not taken as a number alone.
        assert!(matches!(id_words("450202201901010002（已核）", today()), IdSaid::NumberAndNote { .. }));
        assert!(matches!(id_words("身份证：450202201901010002", today()), IdSaid::Labelled { .. }));
        assert!(matches!(id_words("无", today()), IdSaid::None(_)));
    }

    #[test]
    fn an_id_cell_holds_a_mobile_as_cleaning_it_tells() {
        for text in [
            "13800138000",
            " 13800138000 ",
            "8613800138000",
            "450202201901010002",
            "45020220150104000X",
            "45020220150104000x",
            "138X0013800",
            "X",
            "+86 138 0013 8000",
            "138-0013-8000",
            "0772-1234567",
        ] {
            let cleaned = crate::domain::phone::clean(text.trim());
            let expected = crate::domain::phone::is_mobile(&cleaned).then(|| text.trim().to_owned());
            assert_eq!(mobile_in_id(&Cell::Text(text.to_owned()), text), expected, "{text}");
        }
        assert!(mobile_in_id(&Cell::Text("13800138000".into()), "13800138000").is_some());
        assert!(mobile_in_id(&Cell::Text("45020220150104000X".into()), "45020220150104000X").is_none());
    }

    /// What a title writes around its class is known (school, term, 学生名单, 插班生, an aside of the term, the class
    /// teacher, a count); a note (注：, 备注：, 说明：, 其中, a verb such as 转出 or 另表报送) or a word no title writes
    /// beside the class makes a text no class's title.
    #[test]
    fn a_title_names_its_class_through_its_words_and_a_note_names_none() {
        for (title, class) in [
            ("四年级2班插班生", "四年级2班"),
            ("四年级2班学生名单（2026年秋季）", "四年级2班"),
            ("三年级1班（班主任：罗丽）", "三年级1班"),
            ("柳州市实验小学 三年级1班 学生花名册", "三年级1班"),
            ("2026年秋季三年级（2）班学生信息登记表", "三年级（2）班"),
            ("三年级1班学生名单 班主任：罗丽", "三年级1班"),
            ("五年级3班名单(共45人)", "五年级3班"),
            ("三年级1班【2024-2025学年第一学期】", "三年级1班"),
            ("三年级2班", "三年级2班"),
        ] {
            assert_eq!(class_in_title(title).as_deref(), Some(class), "{title}");
        }
        for text in [
            "注：四年级2班学生另表报送",
            "备注：三年级1班王某转出",
            "说明：三年级1班另有2人",
            "其中四年级2班3人",
            "四年级2班学生另表报送",
            "三年级1班（班主任：罗丽，未报送）",
            "三年级1班王某转出",
            "以上为四年级2班学生",
            "四年级1班、2班名单",
            "班级：三年级2班",
            "三年级1班（转出）",
            "学生花名册",
        ] {
            assert_eq!(class_in_title(text), None, "{text}");
        }
        assert!(is_note("注：四年级2班学生另表报送") && is_note("备注:三年级1班") && is_note("附：说明"));
        assert!(!is_note("注册学生名单") && !is_note("附小三年级1班名单") && !is_note("另某"));
    }

    /// A staff word names a member of staff as a cell's whole or as its label, or before a name in the name cell;
    /// inside other words it names no one.
    #[test]
    fn a_staff_word_is_a_cells_whole_or_its_label() {
        assert_eq!(staff_word("班主任：罗丽", true), Some("班主任"));
        assert_eq!(staff_word("班主任罗丽", true), Some("班主任"));
        assert_eq!(staff_word("班主任", false), Some("班主任"));
        assert_eq!(staff_word("教师（语文）", false), Some("教师"));
        assert_eq!(staff_word("副班主任 王芳", false), Some("副班主任"));
        assert_eq!(staff_word("教师子女", false), None);
        assert_eq!(staff_word("老师说号码待核", false), None);
        assert_eq!(staff_word("罗丽", true), None);
    }

    /// `as_preview` as it was, every phrase looked for in the message one after the other: what the one reading
    /// (`preview_reworded`) must say alike.
    fn as_preview_phrase_by_phrase(message: &str) -> String {
        let mut said = message.to_owned();
        for (done, to_be) in TENSES {
            if said.contains(done) && !said.contains(to_be) {
                said = said.replace(done, to_be);
            }
        }
        said
    }

    /// The preview read in one go says what the phrase-by-phrase rewording said: phrases alone, said twice, after
    /// one another with and without a gap (where one's end may start another), already in the future, and pieces
    /// of them run together (a phrase's start or end beside another phrase).
    #[test]
    fn a_preview_read_once_rewords_phrases_as_the_phrase_by_phrase_one() {
        let same = |message: &str| {
            assert_eq!(as_preview(message), as_preview_phrase_by_phrase(message), "{message}");
            assert_eq!(
                preview_reworded(message).is_some(),
                as_preview_phrase_by_phrase(message) != message,
                "reworded or not: {message}"
            );
        };
        let mut pieces: Vec<String> = Vec::new();
        for (done, to_be) in TENSES {
            for phrase in [done, to_be] {
                let chars: Vec<char> = phrase.chars().collect();
                let half = chars.len() / 2;
                pieces.push(phrase.to_string());
                pieces.push(chars[..half].iter().collect());
                pieces.push(chars[half..].iter().collect());
                pieces.push(chars[1..].iter().collect());
                pieces.push(chars[..chars.len() - 1].iter().collect());
            }
        }
        let mut changed = 0;
        for (done, to_be) in TENSES {
            for message in [
                done.to_string(),
                to_be.to_string(),
                format!("{done}{done}"),
                format!("{done}，{to_be}"),
                format!("{to_be} {done}"),
            ] {
                same(&message);
                changed += usize::from(as_preview(&message) != message);
            }
            for (other, other_to_be) in TENSES {
                for message in [format!("{done}{other}"), format!("{done} {other}"), format!("{to_be}{other}")] {
                    same(&message);
                }
                same(&format!("{other_to_be}（{done}）"));
                // Where the rewording would make the other phrase: its words, with the rewording's end, start, or
                // the whole of it, written as before the rewording.
                for (at, _) in to_be.char_indices().skip(1) {
                    let (start, end) = to_be.split_at(at);
                    if let Some(rest) = other.strip_prefix(end) {
                        same(&format!("{done}{rest}"));
                    }
                    if let Some(before) = other.strip_suffix(start) {
                        same(&format!("{before}{done}"));
                    }
                }
                if other.contains(to_be) {
                    same(&other.replacen(to_be, done, 1));
                }
            }
        }
        assert!(changed >= TENSES.len(), "each phrase alone is reworded: {changed}");
        // Pieces run together, chosen by a fixed sequence: the same on every run.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        for _ in 0..20_000 {
            let mut message = String::new();
            for _ in 0..1 + next(5) {
                message.push_str(&pieces[next(pieces.len())]);
                if next(3) == 0 {
                    message.push_str([" ", "，", "：", ": ", "学生"][next(5)]);
                }
            }
            same(&message);
        }
        // Where a phrase's rewording holds another phrase or its future, or phrases overlap: written out.
        for message in [
            "imported as written and imported as a pupil",
            "left empty, the pupil imported once",
            "the pupil imported as written",
            "grade: imported into 三年级1班, trailing 0: imported as 301",
            "Moved: 3 moved to another class, 1 moved from school 甲",
            "已作为学生导入；已作为新学生导入；已按原样作为班级导入",
            "此项留空，学生已导入并标记",
            "只导入了前者，只导入一次，仍已导入",
            "is skipped as staff: skipped, skipped), not a pupil, skipped",
            "no pupils: not imported; no pupil, not imported; a pupils' list: not imported",
            "to be imported as written, imported as written",
        ] {
            same(message);
        }
    }

    /// Every notice a dry run of the lists the tests keep, and of a list with rows the import flags, says into a
    /// new drive and into one already holding them: reworded as the phrase-by-phrase rewording did.
    #[test]
    fn a_dry_runs_notices_are_previewed_as_the_phrase_by_phrase_rewording_did() {
        let dir = tempfile::tempdir().unwrap();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut lists: Vec<PathBuf> = std::fs::read_dir(&fixtures)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| ["csv", "xls", "xlsx"].iter().any(|x| e == *x)))
            .collect();
        lists.sort();
        // A list with rows flagged: the same number twice with another name, a phone short, a 15-digit number, a
        // masked one, a pupil with no class, a footer, a number wrong.
        let flagged = dir.path().join("标记.csv");
        let id = |first17: &str| format!("{first17}{}", id_number::check_char(first17.as_bytes()));
        let mut rows = String::from("姓名,身份证号码,班级,联系电话\n");
        rows.push_str(&format!("王明,{},三年级1班,13800138000\n", id("45020220150101123")));
        rows.push_str(&format!("王敏,{},三年级1班,1380013\n", id("45020220150101123")));
        rows.push_str(&format!("李 华,{},三年级2班,13800138000 13900139000\n", id("45020220150202124")));
        rows.push_str("赵六,450202150303125,三年级2班,\n");
        rows.push_str("钱七,450202********1234,四年级1班,13800138001\n");
        rows.push_str(&format!("孙八,{},,13800138002\n", id("45020220160404126")));
        rows.push_str("周九,450202201605051270,四年级1班,13800138003\n");
        rows.push_str("制表人：吴老师,,,\n");
        std::fs::write(&flagged, rows).unwrap();
        lists.push(flagged);
        let mut notices = Vec::new();
        for (at, list) in lists.iter().enumerate() {
            let mut store = Store::open(&dir.path().join(format!("{at}.db"))).unwrap();
            for dry_run in [true, false, true] {
                if let Ok(report) = import(&mut store, &[list.as_path()], None, dry_run) {
                    notices.extend(report.problems.iter().map(|p| p.message.clone()));
                    notices.extend(report.warnings.iter().cloned());
                }
            }
        }
        let mut reworded = 0;
        for notice in &notices {
            let preview = as_preview(notice);
            assert_eq!(preview, as_preview_phrase_by_phrase(notice), "{notice}");
            reworded += usize::from(&preview != notice);
        }
        assert!(notices.len() >= 20 && reworded >= 3, "{} notices, {reworded} reworded", notices.len());
    }

    /// A class heading inside a list names its class through a label, an aside of list words in brackets and words
    /// after it (男生); one naming two classes, or written short (3-2班), is read as such, never as no heading.
    #[test]
    fn a_heading_reads_its_class_through_labels_and_words_and_names_several_or_a_shortened_one() {
        for (text, class) in [
            ("2年级3班(名单)", "2年级3班"),
            ("班级：二年级2班", "二年级2班"),
            ("班级:二年级2班", "二年级2班"),
            ("三年级2班 男生", "三年级2班"),
            ("三年级2班（女生）", "三年级2班"),
            ("三年级（2）班", "三年级（2）班"),
            ("四年级2班插班生", "四年级2班"),
        ] {
            assert_eq!(labelled_reading(text), Some(TitleClass::One(class.to_owned())), "{text}");
        }
        for text in ["三年级2班、3班", "三年级2班和三年级3班", "三年级2、3班", "三年级2班至5班", "班级：三年级2班、3班"]
        {
            assert!(matches!(labelled_reading(text), Some(TitleClass::Several(_))), "{text}");
        }
        for text in ["3.2班", "3-2班", "3/2班"] {
            assert!(matches!(labelled_reading(text), Some(TitleClass::Shortened { year: 3, class: 2, .. })), "{text}");
        }
        for text in ["注：三年级2班、3班另表报送", "三年级2班王某转出", "学生花名册", "班级：", "三年级2班、张三"]
        {
            assert_eq!(labelled_reading(text), None, "{text}");
        }
        // Over the header a label line is `class_line`'s; a sheet's or a file's name reads one too.
        assert_eq!(class_in_title("班级：二年级2班"), None);
        assert_eq!(class_in_name("班级：二年级2班").as_deref(), Some("二年级2班"));
        assert_eq!(class_in_name("四年级2班插班生").as_deref(), Some("四年级2班"));
        assert_eq!(class_in_title("3.2班").as_deref(), Some("3.2班"));
        assert_eq!(class_in_title("3-2班"), None);
        let years = |y: &[u8]| y.to_vec();
        assert!(shortened_sure(&years(&[3, 4]), 3) && !shortened_sure(&years(&[7]), 3) && !shortened_sure(&[], 3));
    }

    #[test]
    fn a_staff_duty_in_brackets_after_a_name_is_a_staff_word() {
        assert_eq!(staff_word("罗丽（班主任）", true), Some("班主任"));
        assert_eq!(staff_word("王芳(老师)", true), Some("老师"));
        assert_eq!(staff_word("李梅（校医）", true), Some("校医"));
        assert_eq!(staff_word("王芳（语文老师）", true), Some("老师"));
        assert_eq!(staff_word("教师（语文）", true), Some("教师"));
        assert_eq!(staff_word("张三（班长）", true), None);
        assert_eq!(staff_word("张三（男）", true), None);
        assert_eq!(staff_word("罗丽（班主任）", false), None);
    }

    /// A dry run asked to say its notices as a preview (`ImportRequest::said_as_preview`) makes a new pupil's
    /// look-alike notice in the future tense, marked `previewed`: the words `as_preview` makes of the notice as the
    /// import says it, a run of rows said alike included; every other notice as the import says it, and an import
    /// that commits says what it did.
    #[test]
    fn a_dry_runs_look_alike_notices_are_made_as_their_preview_says_them() {
        let dir = tempfile::tempdir().unwrap();
        let id = |first17: &str| format!("{first17}{}", id_number::check_char(first17.as_bytes()));
        let held = dir.path().join("在册.csv");
        let rows = format!(
            "姓名,身份证号码,班级\n王明,{},三年级1班\n李华,{},三年级2班\n",
            id("45020220150101123"),
            id("45020220150202124")
        );
        std::fs::write(&held, rows).unwrap();
        // Two rows of 王明 born the same day as the one held, and a 李华 born another day.
        let new = dir.path().join("新生.csv");
        let rows = format!(
            "姓名,身份证号码,班级\n王明,{},三年级1班\n王明,{},三年级1班\n李华,{},三年级2班\n",
            id("45020220150101135"),
            id("45020220150101147"),
            id("45020220160303128")
        );
        std::fs::write(&new, rows).unwrap();
        let mut store = Store::open(&dir.path().join("d.db")).unwrap();
        import(&mut store, &[held.as_path()], None, false).unwrap();
        let mut request = ImportRequest::new(&store, vec![new.clone()], None).unwrap();
        let past = request.run(&mut store, true).unwrap();
        request.said_as_preview = true;
        let future = request.run(&mut store, true).unwrap();
        assert_eq!(past.problems.len(), future.problems.len(), "{:#?}", future.problems);
        let mut previewed = 0;
        for (was, will) in past.problems.iter().zip(&future.problems) {
            assert!(!was.previewed, "{was:?}");
            if will.previewed {
                previewed += 1;
                assert_eq!(will.message, as_preview(&was.message));
                assert_ne!(will.message, was.message);
                assert_eq!(as_preview(&will.message), will.message);
            } else {
                assert_eq!(will, was);
            }
        }
        assert!(previewed >= 2, "{:#?}", future.problems);
        for same_birth_date in [true, false] {
            let said = look_alike_message("450202201501011230", same_birth_date, false);
            assert_eq!(look_alike_message("450202201501011230", same_birth_date, true), as_preview(&said));
        }
        let done = request.run(&mut store, false).unwrap();
        assert!(done.problems.iter().all(|p| !p.previewed), "{:#?}", done.problems);
        let said: Vec<&str> = done.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(said, past.problems.iter().map(|p| p.message.as_str()).collect::<Vec<_>>());
    }

    /// The staff row as it was judged with the header looked at first, for the test below.
    fn staff_row_header_first(reader: &RowReader, sheet: &Sheet, map: &HeaderMap, row: &[Cell]) -> Option<String> {
        if !reader.children || sheet.rows.get(map.row).is_some_and(|h| staff_table::staff_header(h)) {
            return None;
        }
        let name_at = map.columns.get(&Column::Name).copied();
        let id_at = map.columns.get(&Column::IdNumber).copied();
        let word = row
            .iter()
            .enumerate()
            .filter(|(at, cell)| Some(*at) != id_at && matches!(cell, Cell::Text(_)))
            .find_map(|(at, cell)| staff_word(&cell.text_ref(), Some(at) == name_at))?;
        let numbers = id_at.and_then(|at| row.get(at)).into_iter().chain(row.iter());
        let age = numbers.filter_map(|cell| adult_number_in(cell, reader.today)).next()?;
        (age >= STAFF_ROW_AGE).then(|| {
            let row = row_text(row);
            format!(
                "此行写有“{word}”，身份证号码显示年龄 {age} 岁，是教职工，不是学生，未导入：{row} (the row says “{word}” and \
                 its ID number shows an adult aged {age}: a member of staff, not a pupil, not imported: {row})"
            )
        })
    }

    /// The header's staff columns, looked for only once a row names the staff beside an adult's number, give every
    /// row the answer they gave when looked for first: every header (with a staff column or not, in any cell), every
    /// row (a staff word as the name, a label, a note or inside other words; a child's, a young adult's or an
    /// adult's number, in the ID cell or another; none), with and without children in the sheet.
    #[test]
    fn a_staff_row_is_judged_as_when_the_header_was_looked_at_first() {
        let id = |first17: &str| format!("{first17}{}", id_number::check_char(first17.as_bytes()));
        let text = |t: &str| Cell::Text(t.to_owned());
        let mut reader = RowReader::new(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(), Vec::new());
        let headers: Vec<Vec<Cell>> = [
            vec!["姓名", "身份证号码", "联系电话", "备注"],
            vec!["姓名", "身份证号码", "职务", "备注"],
            vec!["姓名", "身份证号码", "联系电话", "任教科目"],
            vec!["岗位", "姓名", "身份证号码", "职称"],
            vec!["姓名", "身份证号码"],
        ]
        .iter()
        .map(|h| h.iter().map(|t| text(t)).collect())
        .collect();
        let numbers = [
            id("45020219850101123"),
            id("45020220030101123"),
            id("45020220160305901"),
            "45020219850101123X".to_owned(),
            "13800000000".to_owned(),
            String::new(),
        ];
        let words = ["班主任：罗丽", "罗丽", "班主任", "教师子女", "副校长张三", "老师", "学生甲", ""];
        let mut said = 0;
        let mut asked = 0;
        for header in &headers {
            let map =
                header::detect(std::slice::from_ref(header), reader.synonyms).unwrap_or_else(|| panic!("{header:?}"));
            let sheet = Sheet { name: "三年级1班".to_owned(), rows: vec![header.clone()] };
            for children in [true, false] {
                reader.children = children;
                for number in &numbers {
                    for (name, note) in words.iter().flat_map(|n| words.iter().map(move |w| (*n, *w))) {
                        for number_in_note in [false, true] {
                            let note = match number_in_note {
                                true => format!("{note} {number}"),
                                false => note.to_owned(),
                            };
                            let mut row = vec![Cell::Empty; header.len()];
                            for (at, column) in header.iter().enumerate() {
                                row[at] = match header::clean(&column.text()).as_str() {
                                    "姓名" => text(name),
                                    "身份证号码" if !number_in_note => text(number),
                                    "备注" | "职务" | "任教科目" | "岗位" | "职称" => text(&note),
                                    _ => Cell::Empty,
                                };
                            }
                            let now = reader.staff_row(&sheet, &map, &row, &RowTexts::new(&row));
                            assert_eq!(now, staff_row_header_first(&reader, &sheet, &map, &row), "{header:?} {row:?}");
                            said += usize::from(now.is_some());
                            asked += 1;
                        }
                    }
                }
            }
        }
        assert!(said >= 20 && asked > 3_000, "{said} of {asked}");
    }

    /// A dry run asked to say its notices as a preview marks a notice that a row's ID number is a pupil's held under
    /// another name `previewed`, its words being a preview's already, unless a name brings a phrase of `TENSES`
    /// (then reworded by the caller as before); its words are the same either way, and an import that commits
    /// marks none.
    #[test]
    fn a_dry_runs_numbers_held_under_another_name_are_not_reworded_again() {
        let dir = tempfile::tempdir().unwrap();
        let id = |first17: &str| format!("{first17}{}", id_number::check_char(first17.as_bytes()));
        let (a, b) = (id("45020220150101123"), id("45020220150202124"));
        let held = dir.path().join("在册.csv");
        std::fs::write(&held, format!("姓名,身份证号码,班级\n王明,{a},三年级1班\n李华,{b},三年级2班\n")).unwrap();
        // The numbers held, under other names: one plain, one holding a phrase a preview rewords.
        let new = dir.path().join("新生.csv");
        std::fs::write(&new, format!("姓名,身份证号码,班级\n张强,{a},三年级1班\n赵已跳过,{b},三年级2班\n")).unwrap();
        let mut store = Store::open(&dir.path().join("d.db")).unwrap();
        import(&mut store, &[held.as_path()], None, false).unwrap();
        let mut request = ImportRequest::new(&store, vec![new.clone()], None).unwrap();
        let past = request.run(&mut store, true).unwrap();
        request.said_as_preview = true;
        let future = request.run(&mut store, true).unwrap();
        assert_eq!(past.problems.len(), future.problems.len(), "{:#?}", future.problems);
        let other_name = |p: &Problem| p.message.starts_with("身份证号码是在册学生");
        for (was, will) in past.problems.iter().zip(&future.problems) {
            assert_eq!(will.message, was.message);
            assert_eq!(as_preview(&will.message), as_preview(&was.message));
            if will.previewed {
                assert!(other_name(will), "{will:?}");
                assert_eq!(preview_reworded(&will.message), None, "{will:?}");
            }
        }
        let said: Vec<&Problem> = future.problems.iter().filter(|p| other_name(p)).collect();
        assert_eq!(said.len(), 2, "{:#?}", future.problems);
        assert!(said.iter().any(|p| p.message.contains("张强") && p.previewed), "{said:#?}");
        assert!(said.iter().any(|p| p.message.contains("赵已跳过") && !p.previewed), "{said:#?}");
        let kept = said.iter().find(|p| !p.previewed).unwrap();
        assert_ne!(as_preview(&kept.message), kept.message);
        assert!(may_hold_a_tense("已跳过") && may_hold_a_tense("imported") && !may_hold_a_tense("张强"));
        let done = request.run(&mut store, false).unwrap();
        assert!(done.problems.iter().all(|p| !p.previewed), "{:#?}", done.problems);
    }
}
