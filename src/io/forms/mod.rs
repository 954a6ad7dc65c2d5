//! The forms a drive hands over besides the student information sheet: the batch enrollment template, the four
//! ledgers, the special-category roster, the teachers' class lists, the day's summary and the families' payment
//! notices. Each is written with
//! [`TableWriter`](super::export::TableWriter): text cells for IDs and phones, a bold frozen header, a BOM in
//! CSV, owner-only files. Every form covers one school.

pub mod classes;
pub mod ledgers;
pub mod notices;
pub mod special;
pub mod summary;
pub mod template;
pub mod titles;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use super::export::safe_file_part;
use super::export::{FileFormat, Out};
use super::sheet::{ExportError, ExportOptions};
use crate::domain::category::CategoryTable;
use crate::domain::coverage::Standing;
use crate::domain::id_number;
use crate::domain::money;
use crate::domain::policy::{self, AmountDispute, Ledger, PartPayment, Policy, pupil_ledger};
use crate::domain::student::Student;
use crate::store::{Store, StoreError, StudentFilter};

/// The date a form's signature line leaves to be written in by hand (`TableWriter::sign_lines`).
pub const DATE_TO_SIGN: &str = "日期：    年    月    日";

/// The signature lines canbao's own forms write under their table, each as its cells: an import of such a form
/// passes over them where they stand, under the last pupil (`class_list`), and says any other footer.
pub const SIGN_LINES: [&[&str]; 2] = [&classes::SIGN_LINE, &special::SIGN_LINE];

/// What every form needs: the drive, the command line's options, and the drive's policy (if it has one).
#[derive(Clone, Copy)]
pub struct FormInput<'a> {
    pub store: &'a Store,
    pub opts: &'a ExportOptions,
    pub policy: Option<&'a Policy>,
    /// How many whole ID numbers the form wrote (one a pupil's row), for the drive's record of the export.
    pub ids_written: &'a std::cell::Cell<usize>,
}

impl FormInput<'_> {
    /// The school the form is for (`--school`, or the drive's only school) and the pupils of its classes this
    /// year in roster order, narrowed to `--class` if given. Pupils who left before the year began (已毕业, or
    /// 已离校 in an earlier year) are in none of its forms: a school of only such pupils has nothing to write.
    pub fn school_pupils(&self) -> Result<(String, Vec<Student>), ExportError> {
        let (school, pupils, former) = self.school_pupils_and_former()?;
        if pupils.is_empty() {
            return Err(ExportError::OnlyGraduates(former));
        }
        Ok((school, pupils))
    }

    /// `school_pupils`, and how many pupils who left before the year began it left out (the class lists say
    /// so); the pupils may be none when every one of them is such a pupil.
    pub fn school_pupils_and_former(&self) -> Result<(String, Vec<Student>, usize), ExportError> {
        let schools = self.store.schools()?;
        let school = match &self.opts.school {
            Some(s) if schools.contains(s) => s.clone(),
            Some(s) => return Err(StoreError::NoSuchSchool(s.clone()).into()),
            None => match schools.as_slice() {
                [] => return Err(ExportError::Nothing),
                [only] => only.clone(),
                many => return Err(ExportError::PickSchool(many.join("、"))),
            },
        };
        let filter = StudentFilter { school: Some(school.clone()), class: self.opts.class.clone() };
        let pupils = self.store.students(&filter)?;
        if pupils.is_empty() {
            return Err(match &self.opts.class {
                Some(class) => ExportError::NoSuchClass(class.clone()),
                None => ExportError::Nothing,
            });
        }
        let before = pupils.len();
        let pupils: Vec<Student> = pupils.into_iter().filter(|s| !crate::store::is_former_pupil(&s.grade)).collect();
        let former = before - pupils.len();
        Ok((school, pupils, former))
    }

    /// The ID number as the form shows it: whole, or masked with `--mask`; one a spreadsheet rounded with 待核实 for
    /// its last four characters, as the payment slips print it (`id_number::on_forms`); an old 15-digit one as the
    /// list gave it (`id_number::fifteen_as_given`), as the 在校学生信息表 prints it, its 备注 saying it is old: the
    /// number converted reads as a valid one the child does not hold. Masked, the number held, as that sheet's copy
    /// for teachers masks it.
    pub fn id_cell(&self, s: &Student) -> Out<'static> {
        if !self.opts.mask {
            self.ids_written.set(self.ids_written.get() + 1);
        }
        match id_number::fifteen_as_given(&s.id_number, s.id_kind).filter(|_| !self.opts.mask) {
            Some(old) => Out::Text(old),
            None => Out::Text(id_number::on_forms(&s.id_number, s.id_problem.as_deref(), self.opts.mask)),
        }
    }

    /// Which of the four ledgers the pupil is in (none for declined or departed pupils who did not pay), by the
    /// categories certified for the form's year (`certified`).
    pub fn ledger(&self, s: &Student) -> Option<Ledger> {
        let short = self.part_payment(s).is_some();
        let s = self.certified(s);
        let names: Vec<String> = s.categories.iter().map(|c| c.name.clone()).collect();
        pupil_ledger(self.policy, CategoryTable::builtin(), s.enrollment, s.payment, &names, short)
    }

    /// 已参保 (是否参保 是) as every form counts it: a family's payment short of the amount due (`part_payment`)
    /// insures nobody.
    pub fn insured(&self, s: &Student) -> bool {
        Standing::new(s.enrollment, s.payment).is_insured_paying(self.part_payment(s).is_some())
    }

    /// 应参保 as every form counts it, and `canbao stats` and the dashboard (`Standing::is_expected_here`): a pupil
    /// the policy sends to enroll away from school, whom nobody has registered here or found insured, is not due
    /// at school.
    pub fn expected(&self, s: &Student) -> bool {
        Standing::new(s.enrollment, s.payment).is_expected_here(self.part_payment(s).is_some(), self.sent_away(s))
    }

    /// Of the pupils `expected` leaves out, those due away from school (`Standing::is_due_away`).
    pub fn due_away(&self, s: &Student) -> bool {
        Standing::new(s.enrollment, s.payment).is_due_away(self.part_payment(s).is_some(), self.sent_away(s))
    }

    /// Whether the policy sends the pupil to enroll away from school (`Policy::away_rule`), by the categories
    /// certified for the form's year.
    fn sent_away(&self, s: &Student) -> bool {
        let Some(policy) = self.policy else { return false };
        let s = self.certified(s);
        policy.away_rule(s.categories.iter().map(|c| c.name.as_str())).is_some()
    }

    /// The family's payment short of the amount due under the drive's policy of the form's year, by the
    /// categories certified for it (`certified`), quoted for the payment's date (the form's without one); `None`
    /// for a whole payment, and for amounts two laptops recorded differently, which the tax office settles first
    /// (`Store::part_payments` says the same of a whole school).
    pub fn part_payment(&self, s: &Student) -> Option<PartPayment> {
        let policy = self.policy?;
        let part = policy::part_payment(policy, &self.certified(s), self.opts.date, self.store.shown_year())?;
        let disputed = self.store.amount_disputes(std::slice::from_ref(s)).map(|d| !d.is_empty()).unwrap_or(false);
        (!disputed).then_some(part)
    }

    /// Whether the school enrolls the pupil: 在校参保 (for a category the policy sends elsewhere, `mark
    /// --at-school`), or a payment recorded here, the family's, a tax list's or a department's
    /// (`Standing::registers_at_school`). Such a pupil is the school's to register and to chase for what is due,
    /// as the ledgers and the batch template have them, so no form says the category's rule (待遇审批地, with the
    /// family: [`away_rules`](Self::away_rules)) beside it: a slip saying 不随学校参保 beside 「请补缴其余 50 元」
    /// contradicts itself.
    pub fn enrolled_at_school(&self, s: &Student) -> bool {
        Standing::new(s.enrollment, s.payment).registers_at_school()
    }

    /// The drive's rules that have the pupil's categories enroll away from school (`EnrollPlace::away_from_school`:
    /// 待遇审批地, with the family, or optionally where already insured), as every form says them; none for a pupil
    /// the school enrolls all the same ([`enrolled_at_school`](Self::enrolled_at_school)). By the categories
    /// certified for the form's year, as [`expected`](Self::expected) counts the pupil: one carried from an earlier
    /// year (待重新认定) sends nobody away, or the slip would send off a pupil the form counts as due at school.
    pub fn away_rules(&self, s: &Student) -> Vec<&policy::CategoryRule> {
        let Some(policy) = self.policy.filter(|_| !self.enrolled_at_school(s)) else { return Vec::new() };
        let certified = self.certified(s);
        certified
            .categories
            .iter()
            .filter_map(|c| policy.rule(&c.name))
            .filter(|r| r.enroll.away_from_school())
            .collect()
    }

    /// Whether every category of the pupil is certified for the form's year: a category carried from an earlier
    /// year (待重新认定) is not this year's until a department certifies it again (003 二(一)).
    pub fn categories_certified(&self, s: &Student) -> bool {
        s.categories_certified(self.store.shown_year())
    }

    /// The pupil's categories carried from an earlier year and not certified again (待重新认定), each on its own:
    /// a category certified this year leaves the others as they were.
    pub fn categories_to_recertify<'s>(&self, s: &'s Student) -> Vec<&'s crate::domain::student::CategoryMark> {
        s.categories_to_recertify(self.store.shown_year())
    }

    /// The pupil as the year's ledgers weigh them: with only the categories certified for the form's year, so a
    /// category carried from an earlier year and not certified again neither puts the pupil in 财政代缴 nor
    /// lowers the amount due (the family is asked for the full amount, as the payment notice asks it).
    pub fn certified<'s>(&self, s: &'s Student) -> std::borrow::Cow<'s, Student> {
        s.certified_in(self.store.shown_year())
    }

    /// `{school}-{year}年度-{what}-{YYYYMMDD}.{ext}`, `-打码` before the extension when the numbers are masked; a
    /// form narrowed to a class (`--class`, the TUI's class filter) names it after the year,
    /// `{school}-{year}年度-{class}-{what}-…`, so one class's file is never taken for the school's, nor replaced by
    /// the next class's. The insured year keeps last year's forms (`--year 2027`), exported the same day into the
    /// same folder, from being replaced by this year's.
    pub fn file_name(&self, school: &str, what: &str, format: FileFormat) -> String {
        match self.opts.class.as_deref().map(crate::domain::class_label::normalize).filter(|c| !c.is_empty()) {
            Some(class) => self.file_name_unnarrowed(school, &format!("{}-{what}", safe_file_part(&class)), format),
            None => self.file_name_unnarrowed(school, what, format),
        }
    }

    /// The file name without the `--class` part: for a file per class, which names its own class.
    pub fn file_name_unnarrowed(&self, school: &str, what: &str, format: FileFormat) -> String {
        format!(
            "{}-{}{}-{}{}.{}",
            safe_file_part(school),
            super::sheet::year_part(self.store),
            safe_file_part(what),
            self.opts.date.format("%Y%m%d"),
            if self.opts.mask { super::sheet::MASKED_MARK } else { "" },
            format.extension()
        )
    }

    /// 填报时间：YYYY-MM-DD.
    pub fn date_line(&self) -> String {
        format!("填报时间：{}", self.opts.date.format("%Y-%m-%d"))
    }

    /// 保险年度：the insured year the form's statuses are for (a drive keeps several).
    pub fn year_line(&self) -> String {
        super::sheet::year_line(self.store)
    }

    /// What the form's 备注 says of the pupil's payment beside 参保: a part payment under the drive's policy of
    /// the year (「已缴 300 元，应缴 380 元，差 80 元」), or amounts two laptops recorded differently (`dispute`:
    /// 「金额待核实（…）」), so a pupil counted insured on a payment short of the amount due does not read as settled.
    pub fn payment_remark(&self, s: &Student, dispute: Option<&AmountDispute>) -> Option<String> {
        policy::payment_remark(self.policy, &self.certified(s), self.opts.date, self.store.shown_year(), dispute)
    }

    /// What the form's 备注 says, by pupil id, of the pupils of `school` (and `--class`) the drive records unpaid
    /// while the tax office's list holds a payment for their ID number under another name (「税务名单有此身份证号码
    /// 的缴费，但姓名为 潘某某（…），待核实」): they read 否 beside it, and must not be taken for simply unpaid.
    pub fn other_name_remarks(&self, school: &str) -> Result<HashMap<i64, String>, ExportError> {
        let filter = StudentFilter { school: Some(school.to_owned()), class: self.opts.class.clone() };
        super::sheet::other_name_remarks(self.store, &filter)
    }

    /// What the roster check doubts of the pupil, as the forms' 备注 say it (`pupil_flags`): an age that does not
    /// fit the grade or no pupil's, on the form's date.
    pub fn flags(&self, s: &Student) -> Vec<String> {
        crate::domain::pupil_flags::remarks(self.policy, s, self.opts.date, self.store.shown_year())
    }

    /// The drive's policy when it is of the form's insured year: one of another year (chosen with a warning, as a
    /// drive may start before the year's notice is out) prices nothing of this year, so no amount due, 少缴 or 多缴
    /// is worked out from it.
    pub fn priced_policy(&self) -> Option<&Policy> {
        self.policy.filter(|_| self.policy_of_other_year().is_none())
    }

    /// The drive's policy and the form's year when the policy is another year's.
    pub fn policy_of_other_year(&self) -> Option<(&Policy, i32)> {
        let policy = self.policy?;
        let year = self.store.shown_year().filter(|&y| y != policy.insured_year)?;
        Some((policy, year))
    }

    /// The drive's policy of the form's year and its first payment window, when the form's date is before that
    /// window opens (a drive of next year started before its concentrated period): no window takes the date, so
    /// no amount due is quoted for a pupil who has not paid.
    pub fn windows_not_open(&self) -> Option<(&Policy, &policy::PaymentWindow)> {
        let policy = self.priced_policy()?;
        let first = policy.windows.iter().min_by_key(|w| w.from)?;
        (self.opts.date < first.from).then_some((policy, first))
    }

    /// The 未缴费 ledger's line saying why its 应缴金额 is empty while the policy's payment windows have not opened
    /// ([`windows_not_open`](Self::windows_not_open)): an empty cell would otherwise read as nothing due.
    pub fn windows_not_open_line(&self) -> Option<String> {
        let (policy, first) = self.windows_not_open()?;
        Some(format!(
            "应缴金额未填：导出日期 {} 时，保费政策 {} 的缴费期尚未开始（{}自 {} 起），应缴金额待缴费期开始后确定；\
             请在缴费期开始后重新导出",
            self.opts.date, policy.name, first.name, first.from
        ))
    }

    /// The drive's policy of the form's year and its last payment window, when the form's date is after that
    /// window closed (a drive kept open after its year's collection): no window takes the date, so no amount due is
    /// quoted for a pupil who has not paid.
    pub fn windows_closed(&self) -> Option<(&Policy, &policy::PaymentWindow)> {
        let policy = self.priced_policy()?;
        let last = policy.windows.iter().max_by_key(|w| w.to)?;
        (self.opts.date > last.to).then_some((policy, last))
    }

    /// The 未缴费 ledger's line saying why its 应缴金额 is empty once every payment window of the policy has closed
    /// ([`windows_closed`](Self::windows_closed)): an empty cell would otherwise read as nothing due.
    pub fn windows_closed_line(&self) -> Option<String> {
        let (policy, last) = self.windows_closed()?;
        Some(format!(
            "应缴金额未填：导出日期 {} 时，保费政策 {} 的缴费期均已结束（{}至 {} 止），无法按缴费期计算应缴金额；\
             能否补缴及金额请向医保经办机构或税务部门核实",
            self.opts.date, policy.name, last.name, last.to
        ))
    }

    /// The form's line saying its amounts went unchecked under a policy of another year (`what`: 本台账): an empty
    /// 应缴金额 or 备注 would otherwise read as nothing due or nobody short.
    pub fn amounts_not_checked_line(&self, what: &str) -> Option<String> {
        let (policy, year) = self.policy_of_other_year()?;
        Some(format!(
            "金额未核对：使用的保费政策 {} 为 {} 年度，{what}为 {year} 年度，金额未按本年度政策核对（应缴金额、少缴、多缴未计算）；\
             请选定 {year} 年度的政策后重新导出",
            policy.name, policy.insured_year
        ))
    }
}

/// Said after the categories of a pupil whose categories were certified for an earlier year.
pub const TO_RECERTIFY: &str = "（待重新认定）";

/// The pupil's categories, 、-separated.
pub fn categories_text(s: &Student) -> String {
    names(s.categories.iter())
}

/// The categories' names, 、-separated.
pub fn names<'m>(marks: impl Iterator<Item = &'m crate::domain::student::CategoryMark>) -> String {
    marks.map(|c| c.name.as_str()).collect::<Vec<_>>().join("、")
}

impl FormInput<'_> {
    /// The pupil's categories as the year's forms list them beside the ones that count: every one, those carried
    /// from an earlier year said to be certified again (「孤儿、特困人员（待重新认定）」 when all are; first and each
    /// on its own, 「重度残疾人（待重新认定）、低保对象」, when only some are, so the mark is never read as the
    /// certified one's).
    pub fn categories_shown(&self, s: &Student) -> String {
        let year = self.store.shown_year();
        let (certified, stale): (Vec<_>, Vec<_>) = s.categories.iter().partition(|m| m.certified_for(year));
        match (certified.is_empty(), stale.is_empty()) {
            (_, true) => names(certified.into_iter()),
            (true, false) => format!("{}{TO_RECERTIFY}", names(stale.into_iter())),
            (false, false) => stale
                .iter()
                .map(|m| format!("{}{TO_RECERTIFY}", m.name))
                .chain(certified.iter().map(|m| m.name.clone()))
                .collect::<Vec<_>>()
                .join("、"),
        }
    }
}

/// What a form for the agencies says in its 备注 about a pupil's ID number that did not pass the check, so
/// nobody registers the number as it stands: a number rounded by a spreadsheet may even pass the check digit
/// by chance, yet it is not the pupil's. An old 15-digit number passes, but the birth date its conversion gives
/// (19YY) is no pupil's: said too. `None` for a valid number of today's kind.
pub fn id_remark(s: &Student) -> Option<&'static str> {
    crate::domain::id_number::form_remark(s.id_problem.as_deref(), s.id_kind)
}

/// A 备注 cell: the form's own remark, the ID number's and what the roster check doubts of the pupil (`flags`,
/// [`FormInput::flags`]), 「；」 between them.
pub fn remark_cell(own: &str, s: &Student, flags: &[String]) -> Out<'static> {
    let parts: Vec<&str> = [own.trim(), id_remark(s).unwrap_or_default()]
        .into_iter()
        .chain(flags.iter().map(String::as_str))
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() { Out::Empty } else { Out::Text(parts.join("；")) }
}

/// Fen as a yuan number cell.
pub fn yuan_cell(fen: i64) -> Out<'static> {
    Out::Number(money::as_number(fen))
}

/// `--out` for a form that is one file: a file, or a folder to put the default name in (see
/// [`names_a_folder`]), created owner-only when missing as the forms of several files do.
pub fn out_file(out: Option<&Path>, default_name: &str) -> PathBuf {
    match out {
        Some(p) if names_a_folder(p) => p.join(default_name),
        Some(p) => p.to_owned(),
        None => PathBuf::from(default_name),
    }
}

/// Whether `--out` names a folder: one that exists, a path ending in a slash, or a path that does not exist
/// and has no extension (`--out 表格`), which an operator means as a folder as `export ledgers` takes it, not a
/// file without a type.
pub fn names_a_folder(path: &Path) -> bool {
    let trailing = path.as_os_str().to_string_lossy().ends_with(std::path::is_separator);
    path.is_dir() || trailing || (path.extension().is_none() && std::fs::symlink_metadata(path).is_err())
}

/// `--out` for a form that is several files: a folder (created when missing); the current folder without it.
/// A file given instead is refused as such.
pub fn out_dir(out: Option<&Path>) -> Result<PathBuf, crate::io::ReadError> {
    let dir = out.map(Path::to_owned).unwrap_or_else(|| PathBuf::from("."));
    crate::io::export::check_folder(&dir)?;
    // A table's file name (台账.csv) that names nothing yet is meant as one file: made into a folder of that
    // name it would hold the form's files under a name that says it is a table.
    if std::fs::symlink_metadata(&dir).is_err() && table_extension(&dir).is_some() {
        return Err(crate::io::ReadError::NeedsFolderNotTableName { file: dir.display().to_string() });
    }
    Ok(dir)
}

/// The table format a file name's extension says (`名单.csv`, `名单.XLSX`), if it says one.
pub fn table_extension(path: &Path) -> Option<FileFormat> {
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    match ext.as_str() {
        "csv" => Some(FileFormat::Csv),
        "xlsx" => Some(FileFormat::Xlsx),
        _ => None,
    }
}
