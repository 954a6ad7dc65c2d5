//! 城乡居民参保登记批量参保模板 (002 四(一)): the pupils enrolled through the school and those who are not, in
//! two separate files ("参保与未参保信息文档要区分开"). The columns are data (`data/templates/*.toml`, or
//! `<config>/templates/*.toml`), because every agency's template differs.

use crate::domain::coverage::Standing;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::{FormInput, TO_RECERTIFY, categories_text, out_dir};
use crate::domain::category::DataFileError;
use crate::domain::id_number::{self, IdKind};
use crate::domain::policy::AmountDispute;
use crate::domain::student::{Enrollment, Student};
use crate::io::export::{ColumnSpec, Out, Preamble, TableWriter, check_targets_as, place_all};
use crate::io::sheet::ExportError;
use crate::store::{GRADUATED, GRADUATES_GRADE, StudentFilter};

/// The template used without `--template`.
pub const DEFAULT_TEMPLATE: &str = "default";

const BUILTIN: [(&str, &str); 1] = [("default", include_str!("../../../data/templates/default.toml"))];

/// What a template column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    Seq,
    Name,
    IdNumber,
    IdType,
    Sex,
    BirthDate,
    Phone,
    /// 民族, as the drive holds it (empty where no list gave it).
    Ethnicity,
    /// 居住地址, as the drive holds it (empty where no list gave it).
    Address,
    School,
    Grade,
    Class,
    ClassLabel,
    Categories,
    Departments,
    Enrollment,
    Remark,
    Constant,
    Blank,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplateColumn {
    pub title: String,
    pub value: Value,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub width: Option<f64>,
}

/// One agency's batch enrollment template.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    #[serde(skip)]
    pub name: String,
    pub title: String,
    #[serde(default = "default_sheet")]
    pub sheet: String,
    pub column: Vec<TemplateColumn>,
}

fn default_sheet() -> String {
    "Sheet1".into()
}

impl Template {
    /// Parses a template file; `file` names it in error messages.
    pub fn from_toml(name: &str, text: &str, file: &str) -> Result<Template, DataFileError> {
        let mut template: Template = toml::from_str(text).map_err(|e| DataFileError::from_toml(file, text, &e))?;
        template.name = name.to_owned();
        if template.column.is_empty() {
            return Err(DataFileError::invalid(
                file,
                text,
                "column",
                "模板没有任何列".into(),
                "the template has no columns".into(),
            ));
        }
        for (i, column) in template.column.iter().enumerate() {
            if column.value == Value::Constant && column.text.trim().is_empty() {
                return Err(DataFileError::invalid(
                    file,
                    text,
                    &format!("column[{i}].text"),
                    format!("列“{}”的 value 为 constant，需要给出 text", column.title),
                    format!("column {} has value = \"constant\" but no text", column.title),
                ));
            }
        }
        Ok(template)
    }

    /// The template called `name`: `<config_dir>/templates/NAME.toml` if there is one, else the builtin one.
    pub fn load(name: &str, config_dir: Option<&Path>) -> Result<Template, ExportError> {
        if let Some(path) = config_dir.map(|d| d.join("templates").join(format!("{name}.toml")))
            && path.is_file()
        {
            let file = path.display().to_string();
            let text = std::fs::read_to_string(&path)
                .map_err(|e| DataFileError::Read { file: file.clone(), message: e.to_string() })?;
            return Ok(Template::from_toml(name, &text, &file)?);
        }
        match BUILTIN.iter().find(|(n, _)| *n == name) {
            Some((n, text)) => Ok(Template::from_toml(n, text, &format!("data/templates/{n}.toml"))?),
            None => Err(ExportError::NoSuchTemplate {
                name: name.to_owned(),
                known: Template::names(config_dir).join("、"),
            }),
        }
    }

    /// Every template there is: the builtin ones and those in the config folder that read (one that does not is
    /// refused when it is exported with, not here).
    pub fn all(config_dir: Option<&Path>) -> Vec<Template> {
        Template::names(config_dir).iter().filter_map(|name| Template::load(name, config_dir).ok()).collect()
    }

    /// Every template name: builtin and in the config folder.
    pub fn names(config_dir: Option<&Path>) -> Vec<String> {
        let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| (*n).to_owned()).collect();
        if let Some(Ok(entries)) = config_dir.map(|d| std::fs::read_dir(d.join("templates"))) {
            for path in entries.flatten().map(|e| e.path()) {
                if path.extension().is_some_and(|e| e == "toml")
                    && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
                {
                    names.push(stem.to_owned());
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }
}

/// What `export_template` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateWritten {
    pub paths: Vec<PathBuf>,
    /// How many pupils went out with their flagged ID number left out (`left_out_note`).
    pub left_out: usize,
    /// In an insured year after the drive's first, unless every pupil was asked for: the pupils new this year the
    /// 参保 and 未参保 files hold, and the pupils the 转出（毕业） file holds (`changes_note`).
    pub changes: Option<ChangesWritten>,
    /// The files written with nobody in them, by what they are (批量参保模板-参保 …): `empty_files_note`.
    pub empty: Vec<&'static str>,
}

/// How many pupils a later year's template reported (002 四): new to the school, and gone since last year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangesWritten {
    pub new_pupils: usize,
    pub leavers: usize,
}

/// The drive's record of a later year's template export (`ExportRecord::form`), which holds only the year's new
/// pupils and leavers; `template` is the record of one of every pupil.
pub const CHANGES_FORM: &str = "template_changes";

/// The third file of a later year's template: the pupils gone since last year (转出、毕业).
pub const LEAVERS_FILE: &str = "批量参保模板-转出（毕业）";

/// Which file a row goes to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum File {
    Enrolled,
    NotEnrolled,
    Leavers,
}

/// The files for one school, written into `--out` (a folder): enrolled then not enrolled, and in an insured year
/// after the drive's first (unless `all`) the pupils who left since last year.
///
/// Enrolled: pupils enrolled through the school (在校参保, which a payment implies), and pupils paid for who then
/// left (备注 已离校): insured this year through the school, as the ledgers and the counts have them. Not
/// enrolled: everyone else still at school — not yet asked, enrolled elsewhere, declined — with the reason in a
/// `remark` column. Pupils who left without a payment are in neither. Both rules are
/// `domain::coverage::Standing`'s.
///
/// After the drive's first year the agency has moved every pupil it registered into the school's enrollment, and
/// a school reports only 新入校及转出（毕业）的学生 (002 四): without `all` the two files hold only the pupils new this
/// year (`Store::year_changes`), and a third, [`LEAVERS_FILE`], the pupils on last year's roster who graduated or
/// left (备注 「已离校：毕业」 or 「已离校：转出」). With `all`, and always in the first year, every pupil at school.
///
/// A pupil whose ID number is flagged (rounded by a spreadsheet, a check digit that fails, none at all) goes out
/// with the 证件号码 cell empty and [`NUMBER_LEFT_OUT`] in 备注 (`left_out_note`): the agency's upload refuses the
/// row, where a rounded number that happens to pass the check would register another child.
pub fn export_template(
    input: &FormInput,
    template: &Template,
    out: Option<&Path>,
    all: bool,
) -> Result<TemplateWritten, ExportError> {
    let (school, pupils) = input.school_pupils()?;
    let changes = if all { None } else { input.store.year_changes()? };
    let (pupils, leavers) = match &changes {
        None => (pupils, Vec::new()),
        Some(changes) => {
            let filter = StudentFilter { school: Some(school.clone()), class: input.opts.class.clone() };
            let leavers: Vec<Student> =
                input.store.students(&filter)?.into_iter().filter(|s| changes.leavers.contains(&s.id)).collect();
            (pupils.into_iter().filter(|s| changes.new_pupils.contains(&s.id)).collect(), leavers)
        }
    };
    let dir = out_dir(out)?;
    let columns: Vec<ColumnSpec> = template
        .column
        .iter()
        .map(|c| ColumnSpec::new(&c.title, c.width.unwrap_or((c.title.chars().count() * 2 + 4) as f64)))
        .collect();
    let mut written = Vec::new();
    let mut left_out = 0;
    // The upload format has no room for a title: the file name says which insured year it is for, as every
    // form's does (`FormInput::file_name`), and an import reads it back from there (`own_forms::year_in_name`).
    let mut files = vec![("批量参保模板-参保", File::Enrolled), ("批量参保模板-未参保", File::NotEnrolled)];
    if changes.is_some() {
        files.push((LEAVERS_FILE, File::Leavers));
    }
    let paths: Vec<PathBuf> =
        files.iter().map(|(what, _)| dir.join(input.file_name(&school, what, input.opts.format))).collect();
    // No title: the header is what an earlier export of this template starts with.
    let header: Vec<String> = template.column.iter().map(|c| c.title.clone()).collect();
    check_targets_as(&paths, input.opts.format, input.store.path(), Some(&header))?;
    // Amounts two laptops recorded differently are the tax office's to settle: said, never a shortfall.
    let disputes = input.store.amount_disputes(&pupils)?;
    // A payment the tax office holds under another name for an unpaid pupil: to verify, never plainly unpaid.
    let other_names = input.other_name_remarks(&school)?;
    let mut new_pupils = 0;
    let mut empty = Vec::new();
    for ((what, file), path) in files.into_iter().zip(&paths) {
        let mut writer = TableWriter::create_as(path, input.opts.format, input.store.path(), Some(&header))?;
        writer.begin_table(&template.sheet, &Preamble::default(), &columns)?;
        let mut seq = 0u32;
        for s in if file == File::Leavers { &leavers } else { &pupils } {
            let standing = Standing::new(s.enrollment, s.payment);
            let wanted = match file {
                File::Enrolled => standing.registers_at_school(),
                File::NotEnrolled => standing.outside_school_registration(),
                File::Leavers => true,
            };
            // A part payment insures nobody: a part-payer who left is one who left unpaid, in neither file, as the
            // student information sheet and the ledgers leave them out.
            if !wanted || file != File::Leavers && s.enrollment == Enrollment::Left && input.part_payment(s).is_some() {
                continue;
            }
            seq += 1;
            new_pupils += usize::from(file != File::Leavers);
            // Every row going out without a number, so the count said is the file's (`left_out_note`).
            left_out += usize::from(number_left_out(s) || row_left_out(input, s));
            let said = (disputes.get(&s.id), other_names.get(&s.id).map(String::as_str));
            let leaving = (file == File::Leavers).then(|| leaver_remark(s));
            let row: Vec<Out> =
                template.column.iter().map(|c| cell(input, c, (s, said), seq, leaving.as_deref())).collect();
            writer.row(&row)?;
        }
        // Written all the same, the header only, in the first year as in a later one: an earlier export of this
        // name the same day, with pupils no longer in it, must not stay beside the new files (`empty_files_note`).
        if seq == 0 {
            empty.push(what);
        }
        written.push(writer.finish_unplaced()?);
    }
    let changes = changes.map(|_| ChangesWritten { new_pupils, leavers: leavers.len() });
    // All the files or none: the agency's upload is the files together.
    Ok(TemplateWritten { paths: place_all(written)?, left_out, changes, empty })
}

/// What the export says of the template's files with nobody in them (`TemplateWritten::empty`): written, the
/// header only, so no earlier file of that name is left with pupils no longer in it, and nothing to upload; `None`
/// for none.
pub fn empty_files_note(empty: &[&str]) -> Option<(String, String)> {
    if empty.is_empty() {
        return None;
    }
    let en_names: Vec<&str> = empty.iter().map(|what| file_en(what)).collect();
    let (has, them) = if empty.len() == 1 { ("file has", "it") } else { ("files have", "them") };
    let en = format!(
        "the {} {has} nobody in {them}: written with the header only, in place of any earlier file of that name; \
         no need to upload {them}",
        en_names.join(", ")
    );
    Some((format!("{} 没有学生：只写了表头（替换同名的旧文件），无需上传 ({en})", empty.join("、")), en))
}

/// Which of the template's files `what` names, in English, for `empty_files_note`.
fn file_en(what: &str) -> &'static str {
    match what.rsplit('-').next().unwrap_or_default() {
        "参保" => "enrolled",
        "未参保" => "not enrolled",
        _ => "left or graduated",
    }
}

/// A leaver's 备注 in the 转出（毕业） file, as the template's 备注 says a pupil who left (`own_forms` reads it
/// back as 已离校): 「已离校：毕业」 for a graduate, else 「已离校：转出」 with the reason recorded, if any.
fn leaver_remark(s: &Student) -> String {
    let reason = s.decline_reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let left = Enrollment::Left.label_zh();
    if s.grade == GRADUATES_GRADE || reason == Some(GRADUATED) {
        return format!("{left}：{GRADUATED}");
    }
    match reason {
        Some(reason) => format!("{left}：转出（{reason}）"),
        None => format!("{left}：转出"),
    }
}

/// What the export says of a later year's template (`TemplateWritten::changes`): that it holds only the pupils
/// new this year and those gone since last year (002 四), how many of each, and how to have every pupil: `--all`
/// on the command line, the palette's [`ALL_PUPILS_ENTRY`] on the screen (`screen`).
pub fn changes_note(changes: Option<ChangesWritten>, screen: bool) -> Option<(String, String)> {
    let ChangesWritten { new_pupils, leavers } = changes?;
    let (how, how_en) = if screen {
        (
            format!("请加 --all，即命令面板的「{ALL_PUPILS_ENTRY}」"),
            format!("add --all: the palette's \"{ALL_PUPILS_ENTRY_EN}\""),
        )
    } else {
        ("请加 --all".to_owned(), "add --all".to_owned())
    };
    let en = format!(
        "later years report only new pupils and those who left or graduated (002 §4): {new_pupils} new, {leavers} \
         left (the 转出（毕业） file); for every pupil {how_en}"
    );
    Some((
        format!(
            "以后年度只报新入校及转出（毕业）学生（002 四）：新入校 {new_pupils} 人，转出 {leavers} 人；全部学生{how} ({en})"
        ),
        en,
    ))
}

/// The palette's entry that exports the template with every pupil at school (`export template --all`).
pub const ALL_PUPILS_ENTRY: &str = "导出批量参保模板（全部学生）";

/// [`ALL_PUPILS_ENTRY`] in English.
pub const ALL_PUPILS_ENTRY_EN: &str = "Export the batch enrollment template (every pupil)";

/// A number the template leaves out of 证件号码: one flagged, or an old 15-digit one (converted to 18), which
/// 15-digit numbers being given only to people born in the 1900s is a parent's or an old record's, never the
/// pupil's: registered, the agency would enroll the child under someone else's number.
fn number_left_out(s: &Student) -> bool {
    s.id_to_verify()
}

/// A row the template registers nobody from though its number is sound (`pupil_flags::not_to_register`): no name,
/// or an adult's number (a parent's, a teacher's), no 中小学生's. Its 证件号码 is left out as a flagged number's is,
/// so the agency's upload refuses the row.
fn row_left_out(input: &FormInput, s: &Student) -> bool {
    !number_left_out(s) && crate::domain::pupil_flags::not_to_register(s, input.opts.date)
}

/// The template's 人员类别 of every pupil it registers, which a row [`row_left_out`] is not given.
const PUPIL_KIND: &str = "中小学生";

/// What the template's 备注 adds for a pupil [`row_left_out`] keeps from registering, after which the roster
/// check's words (「姓名为空，待核实」, 「身份证号码显示年龄 45 岁，不像在校学生…」) say why.
pub const ROW_LEFT_OUT: &str = "证件号码未填入上传模板：此行待核实（见备注），核实后填入再上传";

/// What the template's 备注 adds for a pupil whose flagged ID number it left out of the 证件号码 cell, after the
/// number's own remark (「身份证号码被表格四舍五入，待核实」), which says why.
pub const NUMBER_LEFT_OUT: &str = "证件号码未填入上传模板：身份证号待核实，核实后填入再上传";

/// What the export says of the pupils whose flagged number the template left out (`export_template`): how many,
/// that the agency's upload refuses their rows, and how to find and fix them: `canbao check` on the command line,
/// the palette's 检查名单 on the screen (`screen`), where no shell is open; `None` for none.
pub fn left_out_note(left_out: usize, screen: bool) -> Option<(String, String)> {
    (left_out > 0).then(|| {
        let (lists, lists_en) =
            if screen { ("「检查名单」", "Check the roster") } else { ("canbao check ", "`canbao check`") };
        let who = if left_out == 1 { "pupil's ID number is" } else { "pupils' ID numbers are" };
        let en = format!(
            "{left_out} {who} flagged (rounded by a spreadsheet, failing the check, missing, an old 15-digit number, or no pupil's) and left out of the batch \
             template: their 证件号码 is empty, so the agency's upload refuses those rows; {lists_en} lists them, \
             correct each number (E on the pupil) and export again"
        );
        (
            format!(
                "{left_out} 名学生的身份证号码待核实（被表格四舍五入、未通过校验、为空、为15位旧号码或不像在校学生），未填入批量参保模板：证件号码留空，经办机构上传时会退回这些行；\
                 {lists}列出这些学生，请逐一核实更正号码（在学生详情按 E）后重新导出 ({en})"
            ),
            en,
        )
    })
}

/// What the template's 备注 says after 未确认 for a pupil whose category enrolls where the benefit was approved
/// (000 附件二(五)), as the ledgers and the quote say it: 「应在待遇审批地参保缴费，不随学校参保」.
fn benefit_place(input: &FormInput, s: &Student) -> Option<&'static str> {
    input
        .away_rules(s)
        .into_iter()
        .find(|r| r.enroll == crate::domain::policy::EnrollPlace::BenefitPlace)
        .map(|r| crate::words::quote::ZH.place(r.enroll))
}

/// Whether a part of a template's 备注 is [`benefit_place`]'s, which the enrollment (未确认) before it says.
pub fn is_benefit_place_remark(part: &str) -> bool {
    part.trim() == crate::words::quote::ZH.place(crate::domain::policy::EnrollPlace::BenefitPlace)
}

/// What the template's 备注 says after the categories of a pupil whose categories are carried from an earlier
/// year and not certified again (待重新认定), which it leaves out of 特殊人员类别: 「孤儿（待重新认定）：…」, as the
/// ledgers' 人员类别 and the 参保花名册 say it.
pub const RECERTIFY_LEFT_OUT: &str = "：人员类别为上一年度认定，本年度尚未认定，未填入上传模板";

/// 「孤儿（待重新认定）：人员类别为上一年度认定，本年度尚未认定，未填入上传模板」, naming only the categories not
/// certified again: one certified this year is in 特殊人员类别.
fn recertify_remark(input: &FormInput, s: &Student) -> String {
    format!("{}{TO_RECERTIFY}{RECERTIFY_LEFT_OUT}", super::names(input.categories_to_recertify(s).into_iter()))
}

/// Whether a part of a template's 备注 is [`recertify_remark`]'s, which says nothing of the enrollment.
pub fn is_recertify_remark(part: &str) -> bool {
    part.trim().ends_with(&format!("{TO_RECERTIFY}{RECERTIFY_LEFT_OUT}"))
}

fn cell(
    input: &FormInput,
    column: &TemplateColumn,
    (s, (dispute, other_name)): (&Student, (Option<&AmountDispute>, Option<&str>)),
    seq: u32,
    leaving: Option<&str>,
) -> Out<'static> {
    let text = |t: &str| Out::Text(t.to_owned());
    match column.value {
        Value::Seq => Out::Number(f64::from(seq)),
        Value::Name => text(&s.name),
        // A flagged number is no child's to register: left out, so the upload refuses the row (`NUMBER_LEFT_OUT`).
        Value::IdNumber if number_left_out(s) || row_left_out(input, s) => Out::Empty,
        Value::IdNumber => input.id_cell(s),
        // A permit's number with its check character typed wrong is flagged in 备注, and still a permit's.
        Value::IdType => text(match id_number::kind_of(s.id_kind, &s.id_number) {
            Some(IdKind::HkMoTwPermit) => "港澳台居民居住证",
            Some(IdKind::ForeignPermanent) => "外国人永久居留身份证",
            _ => "居民身份证",
        }),
        // An old number's sex and birth date are its holder's, born in the 1900s: not the pupil's to register. A
        // pupil without a valid number holds only the sex a list's 性别 cell stated, which is theirs.
        Value::Sex if s.id_kind == Some(IdKind::ResidentConverted) => Out::Empty,
        // A pupil without a valid number holds only the birth date a list gave (its 出生日期, or a date typed in the
        // ID column), which is theirs to register.
        Value::BirthDate if s.id_kind == Some(IdKind::ResidentConverted) => Out::Empty,
        Value::Sex => s.sex.map(|x| text(x.label_zh())).unwrap_or(Out::Empty),
        Value::BirthDate => s.birth_date.map(Out::Date).unwrap_or(Out::Empty),
        Value::Phone => text(crate::domain::phone::on_forms(&s.phone)),
        // Spelled as the forms spell it (汉族), a drive's 「汉」 from before it was spelled so on import as well.
        Value::Ethnicity => {
            s.ethnicity.as_deref().map(|e| Out::Text(crate::domain::ethnicity::normalise(e))).unwrap_or(Out::Empty)
        }
        Value::Address => s.address.as_deref().map(&text).unwrap_or(Out::Empty),
        Value::School => text(&s.school),
        Value::Grade => text(&s.grade),
        Value::Class => text(&s.class),
        Value::ClassLabel => text(&s.class_label()),
        // Only the year's: a category carried from an earlier year and not certified again (待重新认定) is not this
        // year's to register, and a template read back would certify it (`RECERTIFY_LEFT_OUT` in 备注 names it).
        Value::Categories | Value::Departments if input.certified(s).categories.is_empty() => Out::Empty,
        Value::Categories => text(&categories_text(&input.certified(s))),
        Value::Departments => {
            let certified = input.certified(s);
            let mut departments: Vec<&str> = certified.categories.iter().map(|c| c.department.as_str()).collect();
            departments.dedup();
            text(&departments.join("、"))
        }
        Value::Enrollment => text(Standing::new(s.enrollment, s.payment).enrollment().label_zh()),
        // Why the pupil is in the not-enrolled file, or that a pupil paid for has left since; a payment short of
        // the amount due or in dispute, so the enrolled file does not read as settled; a payment the tax office
        // holds under another name for an unpaid pupil, so the child does not read as simply unpaid; categories
        // carried from an earlier year, left out of 特殊人员类别; and in either file, before all of these, an ID
        // number to check before upload (`number_first`). `own_forms::template_remark` reads it back.
        // A leaver's: the ID number's remarks, then that the pupil graduated or transferred out.
        Value::Remark if leaving.is_some() => number_first(input, s, &[leaving.unwrap_or_default()], &[]),
        Value::Remark => {
            let standing = Standing::new(s.enrollment, s.payment);
            let own = match (standing.enrollment(), &s.decline_reason) {
                (Enrollment::Here, _) => String::new(),
                // The payment's remark names the roster's word and reason (`Standing::status_remark`).
                _ if standing.paid_against_status() => String::new(),
                (e @ (Enrollment::Declined | Enrollment::Elsewhere | Enrollment::Left), Some(reason))
                    if !reason.trim().is_empty() =>
                {
                    format!("{}：{}", e.label_zh(), reason.trim())
                }
                (other, _) => other.label_zh().to_owned(),
            };
            let paid = input.payment_remark(s, dispute);
            let recertify = (!input.categories_certified(s)).then(|| recertify_remark(input, s));
            // Nobody asked yet, of a category enrolling where its benefit was approved: the ledgers' words.
            let away = (standing.enrollment() == Enrollment::Unknown).then(|| benefit_place(input, s)).flatten();
            let parts: Vec<&str> = [Some(own.as_str()), away, paid.as_deref(), other_name, recertify.as_deref()]
                .into_iter()
                .flatten()
                .collect();
            number_first(input, s, &parts, &input.flags(s))
        }
        // An adult's or a nameless row registers nobody: not labelled a pupil (中小学生), as the import promised.
        Value::Constant if column.text.trim() == PUPIL_KIND && row_left_out(input, s) => Out::Empty,
        Value::Constant => text(&column.text),
        Value::Blank => Out::Empty,
    }
}

/// The template's 备注: the ID number's remark and, for a number left out of 证件号码, [`NUMBER_LEFT_OUT`] first, so
/// whoever uploads the file reads why the cell is empty before anything else (a 「未确认；」 before it read as the
/// reason); then the template's own parts (`own`) and what the roster check doubts of the pupil (`flags`), 「；」
/// between them.
fn number_first(input: &FormInput, s: &Student, own: &[&str], flags: &[String]) -> Out<'static> {
    let number = super::id_remark(s)
        .into_iter()
        .chain(number_left_out(s).then_some(NUMBER_LEFT_OUT))
        .chain(row_left_out(input, s).then_some(ROW_LEFT_OUT));
    let parts: Vec<&str> = number
        .chain(own.iter().copied())
        .chain(flags.iter().map(String::as_str))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() { Out::Empty } else { Out::Text(parts.join("；")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_template_parses() {
        let t = Template::load(DEFAULT_TEMPLATE, None).expect("default template");
        let titles: Vec<&str> = t.column.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(&titles[..4], ["序号", "姓名", "证件类型", "证件号码"]);
    }

    #[test]
    fn a_broken_template_names_file_and_key() {
        let err = Template::from_toml("x", "title = \"t\"\n[[column]]\ntitle = \"a\"\nvalue = \"nope\"\n", "x.toml")
            .expect_err("bad value");
        assert_eq!(err.file(), "x.toml");
        assert!(err.key().contains("value"), "{err}");
        let err =
            Template::from_toml("x", "title = \"t\"\n[[column]]\ntitle = \"a\"\nvalue = \"constant\"\n", "x.toml")
                .expect_err("constant without text");
        assert_eq!(err.key(), "column[0].text");
    }

    #[test]
    fn config_folder_adds_a_template() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("templates")).expect("mkdir");
        let text = "title = \"某县\"\n[[column]]\ntitle = \"姓名\"\nvalue = \"name\"\n";
        std::fs::write(dir.path().join("templates/county.toml"), text).expect("write");
        assert_eq!(Template::load("county", Some(dir.path())).expect("load").column.len(), 1);
        assert_eq!(Template::names(Some(dir.path())), ["county", "default"]);
        let err = Template::load("missing", Some(dir.path())).expect_err("unknown");
        assert!(err.to_string().contains("county"), "{err}");
    }
}
