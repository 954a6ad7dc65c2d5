//! 在校学生信息表: the school's student information sheet (001 附件2): 学校名称 and 填报时间 above
//! 序号 · 姓名 · 身份证号码 · 所在年级、班级 · 是否参保 · 联系电话, one row per pupil, by class then name.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::ReadError;
use super::export::{ColumnSpec, FileFormat, Out, Preamble, TableWriter, safe_file_part};
use crate::domain::id_number;
use crate::domain::policy::{PartPayment, Policy};
use crate::store::{Store, StoreError, StudentFilter};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Write(#[from] ReadError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("数据文件中还没有学生，没有可导出的内容 (no pupils to export)")]
    Nothing,
    #[error(
        "没有标记了人员类别（特殊人群）的学生，参保花名册无人可列，未导出文件 \
         (nobody is in a special category: the special-groups roster has no one to list, so no file was written)"
    )]
    NoSpecialPupils,
    #[error("CSV 只能装一所学校，请用 --school 指定其中之一：{0} (a CSV holds one school: pick one of {schools} with --school)", schools = .0.replace('、', ", "))]
    ManySchools(String),
    #[error(
        "这份表格按学校分别填写，请用 --school 指定其中之一：{0} (this form is per school: pick one of {schools} with --school)",
        schools = .0.replace('、', ", ")
    )]
    PickSchool(String),
    #[error("没有班级“{0}”，或该班没有学生 (no class {0}, or it has no pupils)")]
    NoSuchClass(String),
    /// `--class` names a class a school the form covers does not have (see [`check_class`]): the whole
    /// message, both languages, naming the class, the school and what it has.
    #[error("{0}")]
    NoClassAtSchool(String),
    #[error("{}", only_graduates(*.0))]
    OnlyGraduates(usize),
    #[error(transparent)]
    DataFile(#[from] crate::domain::category::DataFileError),
    #[error("没有名为“{name}”的参保模板；可用的模板：{known} (no template named {name}; there are {})", known.replace('、', ", "))]
    NoSuchTemplate { name: String, known: String },
    /// With the commands that choose one, naming the drive as it was given (`Store::command`).
    #[error(
        "数据文件没有选定政策，无法计算应缴金额；请先用 {command} 选定政策 \
         (the drive has no policy: choose one with {command_en})"
    )]
    NoPolicy { command: String, command_en: String },
    #[error("{0} ({en})", en = .0.message_en())]
    Quote(#[from] crate::domain::policy::QuoteError),
    #[error("无法计算{name}的应缴金额：{reason} (no amount for {name}: {})", .reason.message_en())]
    NoticeQuote { name: String, reason: crate::domain::policy::QuoteError },
    #[error("没有需要通知缴费的学生：都已缴费、已代缴、异地参保、不参保或已离校 (nobody is left to pay)")]
    NoNotices,
    #[error("缴费告知单只能导出为 XLSX (payment notices are XLSX only)")]
    NoticesXlsxOnly,
}

impl ExportError {
    /// [`ExportError::NoPolicy`] for the drive `store`.
    pub fn no_policy(store: &Store) -> ExportError {
        ExportError::NoPolicy {
            command: store.command("policy use 政策名"),
            command_en: store.command("policy use NAME"),
        }
    }
}

/// [`ExportError::OnlyGraduates`]'s message, in the number its count takes: one pupil is "the only pupil"
/// (「唯一的一名学生」), never "all 1 pupils" (「这些学生（1 人）都」).
fn only_graduates(count: usize) -> String {
    let (zh, en) = if count == 1 {
        ("唯一的一名学生已毕业或往年已离校".to_owned(), "the only pupil graduated or left before this year".to_owned())
    } else {
        (
            format!("这些学生（{count} 人）都已毕业或往年已离校"),
            format!("all {} graduated or left before this year", crate::words::counted(count, "pupil", "pupils")),
        )
    };
    format!("{zh}，不属于本年度任何班级，没有可导出的学生 ({en}: nobody in this year's classes to list)")
}

impl ExportError {
    /// The form would have nobody in it (no pupils, none in a special category, nobody left to pay, only
    /// pupils who left before the year): nothing went wrong, there is just nothing to write.
    pub fn is_empty_form(&self) -> bool {
        matches!(
            self,
            ExportError::Nothing
                | ExportError::NoSpecialPupils
                | ExportError::NoNotices
                | ExportError::OnlyGraduates(_)
        )
    }
}

pub use crate::domain::policy::{SHEET_TITLE as TITLE, is_sheet_title as is_title};

/// The sheet's title row, as the notice titles its form (001 附件2 「宜宾市在校学生信息表」): the city the drive's
/// policy names (`Policy::city`) before [`TITLE`]; the bare title without a policy or a city.
pub fn title(policy: Option<&Policy>) -> String {
    let city = policy.and_then(Policy::city).unwrap_or_default();
    format!("{city}{TITLE}")
}

/// Options shared by every export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub format: FileFormat,
    pub school: Option<String>,
    pub class: Option<String>,
    /// Mask ID numbers for copies that go beyond the agencies.
    pub mask: bool,
    pub date: NaiveDate,
}

/// The sheet's columns, as the school's form lays them out.
pub fn columns() -> [ColumnSpec; 6] {
    [
        ColumnSpec::new("序号", 7.0),
        ColumnSpec::new("姓名", 12.0),
        ColumnSpec::new("身份证号码", 22.0),
        ColumnSpec::new("所在年级、班级", 16.0),
        ColumnSpec::new("是否参保", 10.0),
        ColumnSpec::new("联系电话", 15.0),
    ]
}

/// `{school}-{year}年度-在校学生信息表-{YYYYMMDD}.{ext}`, with [`MASKED_MARK`] before the extension when the
/// numbers are masked. The form is named by its title ([`title`]): 宜宾市在校学生信息表 under a policy naming its
/// city, so the file says what its first row says; the bare 在校学生信息表 without one. The school is the one asked
/// for, else the drive's one school, as every other form names its file; a sheet of several schools names none.
/// The insured year shown ([`year_part`]) keeps last year's sheet, exported the same day into the same folder,
/// from being replaced by this year's. A sheet narrowed to a class (`class`) names it after the year, as every
/// other form does (`forms::FormInput::file_name`), so one class's sheet neither replaces the whole school's nor
/// is replaced by the next class's. Written as Windows can hold it (`safe_file_part`).
pub fn default_file_name(
    store: &Store,
    policy: Option<&Policy>,
    school: Option<&str>,
    class: Option<&str>,
    date: NaiveDate,
    format: FileFormat,
    mask: bool,
) -> String {
    let only = || match store.schools() {
        Ok(mut schools) if schools.len() == 1 => schools.pop(),
        _ => None,
    };
    let school = school.map(str::to_owned).or_else(only);
    let who = school.map(|s| format!("{}-", safe_file_part(s.trim()))).unwrap_or_default();
    let masked = if mask { MASKED_MARK } else { "" };
    let year = year_part(store) + &class_part(class);
    let what = safe_file_part(&title(policy));
    format!("{who}{year}{what}-{}{masked}.{}", date.format("%Y%m%d"), format.extension())
}

/// `{class}-`, the class a sheet narrowed to one names after the year (as `forms::FormInput::file_name` names it);
/// nothing for the whole school's.
fn class_part(class: Option<&str>) -> String {
    match class.map(crate::domain::class_label::normalize).filter(|c| !c.is_empty()) {
        Some(class) => format!("{}-", safe_file_part(&class)),
        None => String::new(),
    }
}

/// `{year}年度-`, the insured year shown as every export's file name carries it after the school; nothing for a
/// drive with no year.
pub fn year_part(store: &Store) -> String {
    store.shown_year().map(|y| format!("{y}年度-")).unwrap_or_default()
}

/// What the name of an export with masked ID numbers ends in, so whoever is handed the file (and the
/// operator, looking at the folder) sees it is no copy for the agencies.
pub const MASKED_MARK: &str = "-打码";

/// 保险年度：YYYY年度, as every form's header line says it; nothing for a file from before years read as it is.
pub fn year_line(store: &Store) -> String {
    store.shown_year().map(|y| format!("保险年度：{y}年度")).unwrap_or_default()
}

/// The pupils the sheet leaves out because they are no longer at the school.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LeftOut {
    /// Left before the year began (已毕业, or 已离校 in an earlier year), moved out of their class when the year
    /// was started: in no class this year.
    pub former: usize,
    /// Marked 已离校 and not insured this year (a pupil paid for who then left is insured, and listed).
    pub leavers: usize,
    /// Not left out: the pupils' rows written with their whole ID numbers (none in the copy for teachers,
    /// `mask`), for the drive's record of the export.
    pub ids_written: usize,
}

/// What the sheet left out of its pupils who left (the pupils who left before the year began are said by `forms::classes::former_note`): the
/// line in both languages, and in English; nothing when nobody was.
pub fn leavers_note(leavers: usize) -> Option<(String, String)> {
    (leavers > 0).then(|| {
        let pupils = if leavers == 1 { "pupil" } else { "pupils" };
        let en = format!(
            "{leavers} {pupils} marked as left and not insured this year: not on the student information sheet"
        );
        (format!("已离校且本年度未参保的学生 {leavers} 人不在校，未列入{TITLE} ({en})"), en)
    })
}

/// How many classes a refusal lists whole; a school with more is given the nearest few.
const CLASSES_LISTED: usize = 12;

/// A form narrowed to class `wanted` writes nothing, rather than an empty sheet, where a school it covers has
/// no such class (a class is a school's: two schools may each have a 一年级1班). With `school` given (or one
/// school on the drive), that school has to have it; without, every school of the drive the form would cover,
/// and the refusal names those that lack it and those that have it, for `--school`. A school the drive does
/// not have is left to the form's own refusal. The classes are compared as `ClassKey`s (一年级1班 is 1年级1班).
pub fn check_class(store: &Store, school: Option<&str>, wanted: &str) -> Result<(), ExportError> {
    use crate::domain::class_label::{ClassKey, nearest};
    let all = store.schools()?;
    let schools: Vec<&str> = match school {
        Some(s) if !all.iter().any(|a| a == s) => return Ok(()),
        Some(s) => vec![s],
        None => all.iter().map(String::as_str).collect(),
    };
    let key = ClassKey::parse(wanted);
    let mut lacking: Vec<(&str, Vec<String>)> = Vec::new();
    let mut having: Vec<&str> = Vec::new();
    for s in schools {
        let labels = store.class_labels(Some(s))?;
        if labels.iter().any(|l| ClassKey::parse(l) == key) {
            having.push(s);
        } else {
            // This year's classes: not the graduates' and leavers' of earlier years.
            // Nor the empty label of pupils with no class, which listed as an empty item.
            let current = labels.into_iter().filter(|l| !l.trim().is_empty() && !crate::store::is_former_label(l));
            lacking.push((s, current.collect()));
        }
    }
    let listed = |labels: &[String]| -> (String, String) {
        if labels.is_empty() {
            return ("该校没有班级".to_owned(), "it has no classes".to_owned());
        }
        if labels.len() <= CLASSES_LISTED {
            return (format!("该校的班级：{}", labels.join("、")), format!("its classes: {}", labels.join(", ")));
        }
        let near = nearest(wanted, labels, 3);
        (format!("该校最接近的班级：{}", near.join("、")), format!("its nearest classes: {}", near.join(", ")))
    };
    let message = match (lacking.as_slice(), having.as_slice()) {
        ([], _) => return Ok(()),
        // One school, with no such class (`--school`, or a drive of one school): the school and its classes.
        ([(s, labels)], []) if all.len() > 1 || school.is_some() => {
            let (zh, en) = listed(labels);
            format!("{s}没有班级“{wanted}”，未导出任何文件；{zh} ({s} has no class {wanted}, nothing written; {en})")
        }
        // No school has it: the drive's nearest classes, as before.
        (_, []) => {
            let labels = store.class_labels(school)?;
            let near = nearest(wanted, &labels, 3);
            let (zh, en) = if near.is_empty() {
                ("（名单中没有班级 / no classes）".to_owned(), "none, the roster has no classes".to_owned())
            } else {
                (near.join("、"), near.join(", "))
            };
            format!("名单中没有班级“{wanted}”，最接近的是：{zh} (no class {wanted} on the roster; nearest: {en})")
        }
        // Some schools have it and some do not: each of those would get an empty sheet.
        (lacking, having) => {
            let names: Vec<&str> = lacking.iter().map(|(s, _)| *s).collect();
            let (their_zh, their_en) = match lacking {
                [(_, labels)] => {
                    let (zh, en) = listed(labels);
                    (format!("（{zh}）"), format!(" ({en})"))
                }
                _ => (String::new(), String::new()),
            };
            let has = if names.len() == 1 { "has" } else { "have" };
            let (that, pick) = if having.len() == 1 {
                ("the school that has it", format!("add --school {}", having[0]))
            } else {
                ("the schools that have it", "pick one with --school".to_owned())
            };
            format!(
                "{}没有班级“{wanted}”{their_zh}，未导出任何文件；有这个班级的学校：{}，请用 --school 指定学校 \
                 ({} {has} no class {wanted}{their_en}, nothing written; {that}: {}: {pick})",
                names.join("、"),
                having.join("、"),
                names.join(", "),
                having.join(", ")
            )
        }
    };
    Err(ExportError::NoClassAtSchool(message))
}

/// Writes the sheet; one worksheet per school in XLSX. Returns the file and the pupils it left out: 在校学生信息表
/// lists the pupils at school, and with 是否参保 否 a pupil no longer there would read as one of this year's
/// uninsured at school (001 附件2 is how the agencies find 未参保学生), which the 应参保 count leaves out. Left
/// out: the pupils who left before the year began (已毕业, 已离校 last year: moved out of their class when the
/// year was started) and pupils marked 已离校 who are not insured this year. A pupil paid for who then left stays, 是否参保 是, as the ledgers and 已参保 count them.
///
/// `policy` is the drive's: a pupil counted insured on a family payment short of the amount due under it (a tax
/// list's 300 of 380) is said so in 备注, as are amounts two laptops recorded differently, so the school's paper
/// does not read as settled.
pub fn export_sheet(
    store: &Store,
    policy: Option<&Policy>,
    out: &Path,
    opts: &ExportOptions,
) -> Result<(PathBuf, LeftOut), ExportError> {
    let schools: Vec<String> = match &opts.school {
        Some(s) => {
            if !store.schools()?.contains(s) {
                return Err(StoreError::NoSuchSchool(s.clone()).into());
            }
            vec![s.clone()]
        }
        None => store.schools()?,
    };
    if store.student_count()? == 0 {
        return Err(ExportError::Nothing);
    }
    if opts.format == FileFormat::Csv && schools.len() > 1 {
        return Err(ExportError::ManySchools(schools.join("、")));
    }
    if let Some(class) = &opts.class {
        check_class(store, opts.school.as_deref(), class)?;
    }
    crate::io::export::check_masked_name(out, opts.mask)?;
    let mut writer = TableWriter::create(out, opts.format, store.path())?;
    let mut left_out = LeftOut::default();
    // Read once for every school the sheet covers: the tax office's kept payments are the whole drive's.
    let flagged = flagged_name_remarks(store, &schools, opts.mask)?;
    for school in &schools {
        let preamble = Preamble {
            title: Some(title(policy)),
            lines: vec![vec![
                format!("学校名称：{school}"),
                year_line(store),
                format!("填报时间：{}", opts.date.format("%Y-%m-%d")),
            ]],
        };
        let filter = StudentFilter { school: Some(school.clone()), class: opts.class.clone() };
        // A part payment insures nobody: 否, with what was paid in 备注.
        let short = store.part_payments(&filter, policy, opts.date)?;
        let mut paid = payment_remarks(store, &short, &filter)?;
        for (id, (_, remark)) in flagged.iter().filter(|(_, (of, _))| of == school) {
            let merged = match paid.remove(id) {
                Some(other) => format!("{other}；{remark}"),
                None => remark.clone(),
            };
            paid.insert(*id, merged);
        }
        // The form's six columns (001 附件2), and 备注 after them only for a school with something to remark: an ID
        // number that failed the check or an old 15-digit one, which the agencies must not take as it stands (see
        // `id_number::form_remark`), or a payment short of the amount due or in dispute.
        let remarks = !paid.is_empty() || store.has_id_remarks(Some(school))?;
        let mut columns = columns().to_vec();
        if remarks {
            columns.push(ColumnSpec::new("备注", 30.0));
        }
        writer.begin_table(school, &preamble, &columns)?;
        let mut seq = 0u32;
        let mut failure = None;
        store.for_each_sheet_row(&filter, |s| {
            if s.former {
                left_out.former += 1;
                return Ok(());
            }
            // A part payment insures nobody: one who left with it is left out as one who left unpaid.
            if s.left && (!s.insured || short.contains_key(&s.id)) {
                left_out.leavers += 1;
                return Ok(());
            }
            seq += 1;
            if !opts.mask {
                left_out.ids_written += 1;
            }
            let masked_phone;
            // The copy for teachers hides the parents' phones as it hides the numbers.
            let phone = if opts.mask {
                masked_phone = crate::domain::phone::mask(crate::domain::phone::on_forms(s.phone));
                masked_phone.as_str()
            } else {
                crate::domain::phone::on_forms(s.phone)
            };
            // A number a spreadsheet rounded is printed as the payment slips print it, its made-up last four 待核实.
            // An old 15-digit number as the list gave it: converted (19 put in, a check digit worked out) it reads
            // as a valid number, which the child does not hold and someone would key into the agency's system.
            // The copy for teachers, which nobody keys in, masks the number held, whose ends its reading back
            // matches the pupil by.
            let id = match id_number::fifteen_as_given(s.id_number, s.id_kind).filter(|_| !opts.mask) {
                Some(old) => old,
                None => id_number::on_forms(s.id_number, s.id_problem, opts.mask),
            };
            let flag = sheet_flag(s, opts.date);
            let parts: Vec<&str> =
                [paid.get(&s.id).map(String::as_str), id_number::form_remark(s.id_problem, s.id_kind), flag.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect();
            let remark = match parts.as_slice() {
                [] => Out::Empty,
                [one] => Out::Str(one),
                many => Out::Text(many.join("；")),
            };
            let row = [
                Out::Number(f64::from(seq)),
                Out::Str(s.name),
                Out::Text(id),
                Out::Str(s.class_label),
                Out::Str(crate::domain::coverage::insured_word(s.insured && !short.contains_key(&s.id))),
                Out::Str(phone),
                remark,
            ];
            if let Err(e) = writer.row(row.get(..columns.len()).unwrap_or(&row)) {
                failure = Some(e);
            }
            Ok(())
        })?;
        if let Some(e) = failure {
            return Err(e.into());
        }
    }
    Ok((writer.finish()?, left_out))
}

/// What the sheet's 备注 says of each pupil's payment, by pupil id, for the pupils of `filter` it says something
/// of: amounts two laptops recorded differently (`Store::amount_disputes_in`), else a family payment short of the
/// amount due (`short`: `Store::part_payments`); for an unpaid pupil, a payment the tax office's list holds for the
/// pupil's number under another name (`Store::payments_under_other_names`).
/// What the roster check doubts of a sheet's row that its 备注 says (`pupil_flags`) on `on`: no name, or a valid
/// number showing an adult.
fn sheet_flag(s: &crate::store::SheetRow<'_>, on: chrono::NaiveDate) -> Option<std::borrow::Cow<'static, str>> {
    use crate::domain::pupil_flags;
    if s.name.trim().is_empty() {
        return Some(pupil_flags::NAMELESS_REMARK.into());
    }
    let valid = (s.id_problem.is_none() && s.id_kind != Some(id_number::IdKind::ResidentConverted))
        .then(|| id_number::check(s.id_number, on))?;
    let age = pupil_flags::adult_age(valid.valid()?.birth_date, on)?;
    Some(pupil_flags::adult_remark(age).into())
}

fn payment_remarks(
    store: &Store,
    short: &HashMap<i64, PartPayment>,
    filter: &StudentFilter,
) -> Result<HashMap<i64, String>, ExportError> {
    let mut said: HashMap<i64, String> =
        store.amount_disputes_in(filter)?.into_iter().map(|(id, dispute)| (id, dispute.remark())).collect();
    // An unpaid pupil the tax office's list holds a payment for under another name: 否 must not read as unpaid.
    said.extend(other_name_remarks(store, filter)?);
    for (id, part) in short {
        said.entry(*id).or_insert_with(|| part.remark());
    }
    // A tax list's payment beside the roster's 不参保, or a pupil paid for who left: 是 said with the school's word,
    // before any other remark; not beside a part payment, which insures nobody.
    store.for_each_paid_beside_status(filter, |s| {
        if short.contains_key(&s.id) {
            return Ok(());
        }
        let standing = crate::domain::coverage::Standing::new(s.enrollment, s.payment);
        let reason = s.decline_reason.as_deref();
        if let Some(status) = standing.status_remark(reason).or_else(|| standing.left_remark(reason)) {
            let merged = match said.get(&s.id) {
                Some(other) => format!("{status}；{other}"),
                None => status,
            };
            said.insert(s.id, merged);
        }
        Ok(())
    })?;
    Ok(said)
}

/// What the sheet's 备注 says, by pupil id, with the pupil's school, of the pupils of `schools` held with a number
/// that failed the check whose name the tax office's list gave beside a payment under a valid number nobody on the
/// roster holds (kept as `UnappliedReason::UnknownNumber`): the pupils reconcile names beside that row, by name as
/// it does, their number likely the one the list paid (`unapplied::flagged_name_remark`), masked in the copy for
/// teachers (`mask`). Empty, and nothing read but the kept payments, where no such payment is kept.
fn flagged_name_remarks(
    store: &Store,
    schools: &[String],
    mask: bool,
) -> Result<HashMap<i64, (String, String)>, ExportError> {
    use crate::domain::unapplied::{UnappliedPayment, UnappliedReason, flagged_name_remark};
    let kept = store.unapplied_payments()?;
    let mut by_name: HashMap<String, Vec<(&str, &UnappliedPayment)>> = HashMap::new();
    for k in kept.iter().filter(|k| k.record.reason == UnappliedReason::UnknownNumber && !k.id_number.is_empty()) {
        let name = super::cell::clean_name(&k.record.name);
        if !name.is_empty() {
            by_name.entry(name).or_default().push((k.id_number.as_str(), &k.record));
        }
    }
    let shown = |number: &str| if mask { id_number::mask(number) } else { number.to_owned() };
    let mut said = HashMap::new();
    for (name, payments) in by_name {
        let flagged: Vec<(i64, String)> = store
            .flagged_students_named(&name)?
            .into_iter()
            .filter(|s| schools.contains(&s.school))
            .map(|s| (s.id, s.school))
            .collect();
        if flagged.is_empty() {
            continue;
        }
        // A number a pupil has been given since (the flagged pupil's, corrected, or another child's added) is no
        // longer nobody's: its payment is that pupil's to settle, no hint at this one's number.
        let mut unheld = Vec::with_capacity(payments.len());
        for (number, record) in payments {
            if store.student_by_id_number(number)?.is_none() {
                unheld.push((number, record));
            }
        }
        if let Some((zh, _)) = flagged_name_remark(&unheld, shown) {
            said.extend(flagged.into_iter().map(|(id, school)| (id, (school, zh.clone()))));
        }
    }
    Ok(said)
}

/// What a form's 备注 says, by pupil id, of the pupils of `filter` the drive records unpaid while the tax office's
/// list holds a payment for their ID number under another name (`unapplied::other_name_remark`): the student
/// information sheet's, and every other form's through `forms::FormInput::other_name_remarks`.
pub fn other_name_remarks(store: &Store, filter: &StudentFilter) -> Result<HashMap<i64, String>, ExportError> {
    Ok(store
        .payments_under_other_names(filter)?
        .into_iter()
        .filter_map(|(id, records)| {
            let records: Vec<&crate::domain::unapplied::UnappliedPayment> = records.iter().collect();
            Some((id, crate::domain::unapplied::other_name_remark(&records)?))
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use calamine::Reader;

    use super::*;
    use crate::domain::student::Enrollment;

    /// A school of one graduate says "the only pupil", of several "all 3 pupils", in both languages and on a
    /// screen in either, never "all 1 pupils" or 「这些学生（1 人）都」.
    #[test]
    fn only_graduates_says_one_pupil_as_one() {
        use crate::words::{Language, on_screen};
        let one = ExportError::OnlyGraduates(1).to_string();
        assert_eq!(
            on_screen(&one, Language::En),
            "the only pupil graduated or left before this year: nobody in this year's classes to list"
        );
        assert_eq!(
            on_screen(&one, Language::Zh),
            "唯一的一名学生已毕业或往年已离校，不属于本年度任何班级，没有可导出的学生"
        );
        let three = ExportError::OnlyGraduates(3).to_string();
        assert_eq!(
            on_screen(&three, Language::En),
            "all 3 pupils graduated or left before this year: nobody in this year's classes to list"
        );
        assert_eq!(
            on_screen(&three, Language::Zh),
            "这些学生（3 人）都已毕业或往年已离校，不属于本年度任何班级，没有可导出的学生"
        );
    }

    /// The title row names the policy's city as the notice titles its form (001 附件2 「宜宾市在校学生信息表」); without
    /// a policy it is the bare title.
    #[test]
    fn the_title_names_the_policys_city() {
        let mut store = Store::open_in_memory().unwrap();
        store.set_fixed_clock("2026-11-23T10:00:00+08:00");
        crate::demo::load_sample(&mut store).unwrap();
        let policies = crate::domain::policy::PolicySet::builtin();
        let dir = tempfile::tempdir().unwrap();
        let opts =
            ExportOptions { format: FileFormat::Csv, school: None, class: None, mask: true, date: store.today() };
        for (policy, expected) in [
            (policies.get("liuzhou-2023"), "柳州市在校学生信息表"),
            (policies.get("yibin-2024"), "宜宾市在校学生信息表"),
            (None, TITLE),
        ] {
            let (path, _) = export_sheet(&store, policy, &dir.path().join("sheet.csv"), &opts).unwrap();
            let text = std::fs::read_to_string(&path).unwrap();
            let first = text.trim_start_matches('\u{FEFF}').lines().next().unwrap_or_default();
            assert_eq!(first.trim_end_matches(','), expected);
            assert!(is_title(expected));
        }
    }

    /// The sheet reads only the columns it shows; the full pupil records are the independent account of what
    /// each row must say.
    #[test]
    fn the_sheet_says_what_the_full_records_say_for_one_class_masked() {
        let mut store = Store::open_in_memory().unwrap();
        store.set_fixed_clock("2026-11-23T10:00:00+08:00");
        crate::demo::load_sample(&mut store).unwrap();
        let all = store.students(&StudentFilter::default()).unwrap();
        let class = all[all.len() / 2].class_label();
        let in_class: Vec<_> = all.iter().filter(|s| s.class_label() == class).collect();
        assert!(in_class.len() > 1 && in_class.len() < all.len(), "a class of several among many");
        store.set_enrollment(in_class[1].id, Enrollment::Elsewhere, None).unwrap();
        let expected: Vec<Vec<String>> = store
            .students(&StudentFilter { school: None, class: Some(class.clone()) })
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let standing = crate::domain::coverage::Standing::new(s.enrollment, s.payment);
                let insured = if standing.is_insured() { "是" } else { "否" };
                vec![
                    (i + 1).to_string(),
                    s.name.clone(),
                    id_number::mask(&s.id_number),
                    s.class_label(),
                    insured.into(),
                    // Masked as the numbers are: the copy for teachers hides the parents' phones too.
                    crate::domain::phone::mask(crate::domain::phone::on_forms(&s.phone)),
                    // The sample school holds numbers that failed the check: its sheet has 备注.
                    id_number::form_remark(s.id_problem.as_deref(), s.id_kind).unwrap_or_default().to_owned(),
                ]
            })
            .collect();
        assert!(expected.iter().any(|r| r[4] == "是") && expected.iter().any(|r| r[4] == "否"));
        assert!(
            expected.iter().all(|r| r[5].is_empty() || r[5].contains('*')) && expected.iter().any(|r| r[5].len() > 4)
        );

        let dir = tempfile::tempdir().unwrap();
        for format in [FileFormat::Csv, FileFormat::Xlsx] {
            let opts =
                ExportOptions { format, school: None, class: Some(class.clone()), mask: true, date: store.today() };
            let (path, _) =
                export_sheet(&store, None, &dir.path().join(format!("sheet.{}", format.extension())), &opts).unwrap();
            let rows: Vec<Vec<String>> = match format {
                FileFormat::Csv => csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_path(&path)
                    .unwrap()
                    .records()
                    .map(|r| r.unwrap().iter().map(str::to_owned).collect())
                    .collect(),
                FileFormat::Xlsx => {
                    let mut book = calamine::open_workbook_auto(&path).unwrap();
                    let name = book.sheet_names()[0].clone();
                    let range = book.worksheet_range(&name).unwrap();
                    range.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect()
                }
            };
            let header = rows.iter().position(|r| r.first().is_some_and(|c| c == "序号")).unwrap();
            assert_eq!(rows[header + 1..].to_vec(), expected, "{format:?}");
        }
    }
}
