//! 班级核对表: one printable list per class for the class teacher to tick and sign — 序号 · 姓名 · 身份证号码 ·
//! 是否参保 · 是否缴费 · 参保登记 · 签字, and 备注 before 签字 in a class with an ID number that failed the check
//! (「身份证号码被表格四舍五入，待核实」, as the other forms say it) or a payment to remark on (a part payment beside
//! 是否缴费 是: 「已缴 300 元，应缴 380 元，差 80 元」). 是否参保 is the one definition every form uses
//! (`domain::coverage::Standing::is_insured`: paid by the family or a department, or insured elsewhere), so a
//! pupil reads here as on 在校学生信息表; 是否缴费 says whether a payment is recorded. Both are 是 or 否. 参保登记
//! says what those two cannot: 已登记未缴费 for a family that registered through the school and has not paid,
//! 财政代缴, 异地参保, 不参保, 已离校 — and is empty where nothing is known yet (nobody has asked, nothing is
//! paid), so the teacher corrects rather than copies. One worksheet per class in XLSX, so each class prints on its
//! own pages, with 班主任签字 and 日期 lines at the foot; one file per class in CSV. An import passes 签字 over
//! (`[own_columns]` in `data/headers.toml`) and reads 是否参保, 是否缴费 and 参保登记 back together by the definitions
//! that wrote them (`io::own_forms`, `domain::read_back`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{FormInput, id_remark, out_dir, out_file};
use crate::domain::coverage::Standing;
use crate::domain::student::Student;
use crate::io::export::{ColumnSpec, FileFormat, Out, Preamble, TableWriter, check_targets, place_all};
use crate::io::sheet::ExportError;

pub const COLUMNS: [(&str, f64); 7] = [
    ("序号", 7.0),
    ("姓名", 12.0),
    ("身份证号码", 22.0),
    ("是否参保", 10.0),
    ("是否缴费", 10.0),
    ("参保登记", 14.0),
    ("签字", 16.0),
];

/// What the lists' files are named for, in XLSX (one workbook) and in CSV (a file per class, after its class) alike.
pub const FILE_WHAT: &str = "班级核对表";

/// The label pupils without a class are listed under. The importer reads a sheet so named (or so titled) as no
/// class, so re-importing the lists leaves those pupils without one.
pub const NO_CLASS: &str = "未分班";

pub use super::titles::CLASS_TITLE;

/// The line under each class's table for the class teacher to sign (班主任签字) and date.
pub const SIGN_LINE: [&str; 2] = ["班主任签字：", super::DATE_TO_SIGN];

/// Writes the class lists: the files, and how many pupils who left before the year began were left out. A
/// graduate (已毕业) or a pupil who left last year (已离校), moved out of their class when the year was started,
/// is in no class this year, so no teacher has them to tick; the count is said beside the files instead
/// (`former_note`).
pub fn export_classes(input: &FormInput, out: Option<&Path>) -> Result<(Vec<PathBuf>, usize), ExportError> {
    let (school, pupils, former) = input.school_pupils_and_former()?;
    if pupils.is_empty() {
        return Err(ExportError::OnlyGraduates(former));
    }
    // Pupils arrive in roster order, so each class's pupils are contiguous, but for a class the drive holds
    // under two spellings (3年级2班 and 三年级2班): one list, under the first.
    let mut spelling = crate::domain::class_label::OneSpelling::default();
    let mut classes: Vec<(String, Vec<&Student>)> = Vec::new();
    for s in &pupils {
        let label = spelling.label(&s.school, &s.grade, &s.class);
        let label = if label.trim().is_empty() { NO_CLASS } else { label };
        match classes.iter_mut().rev().find(|(l, _)| l == label) {
            Some((_, list)) => list.push(s),
            None => classes.push((label.to_owned(), vec![s])),
        }
    }
    let remarks = payment_remarks(input, &school, &pupils)?;
    let format = input.opts.format;
    let mut written = Vec::new();
    match format {
        FileFormat::Xlsx => {
            let path = out_file(out, &input.file_name(&school, FILE_WHAT, format));
            let mut writer = TableWriter::create(&path, format, input.store.path())?;
            for (class, list) in &classes {
                write_class(&mut writer, input, (&school, &remarks), class, list)?;
            }
            written.push(writer.finish()?);
        }
        FileFormat::Csv => {
            let dir = out_dir(out)?;
            // Two classes whose names differ only in characters a file name cannot hold get files of their own.
            let mut paths: Vec<PathBuf> = Vec::with_capacity(classes.len());
            for (class, _) in &classes {
                let mut n = 1;
                let path = loop {
                    let what =
                        if n == 1 { format!("{class}-{FILE_WHAT}") } else { format!("{class}({n})-{FILE_WHAT}") };
                    let path = dir.join(input.file_name_unnarrowed(&school, &what, format));
                    if !paths.contains(&path) {
                        break path;
                    }
                    n += 1;
                };
                paths.push(path);
            }
            check_targets(&paths, format, input.store.path())?;
            // Every file or none.
            let mut unplaced = Vec::with_capacity(paths.len());
            for ((class, list), path) in classes.iter().zip(&paths) {
                let mut writer = TableWriter::create(path, format, input.store.path())?;
                write_class(&mut writer, input, (&school, &remarks), class, list)?;
                unplaced.push(writer.finish_unplaced()?);
            }
            written = place_all(unplaced)?;
        }
    }
    Ok((written, former))
}

/// A form that leaves out the pupils who left before the year began, as its note names it: (Chinese, English).
pub type FormName = (&'static str, &'static str);
pub const CLASS_FORM: FormName = ("班级核对表", "the class lists");
pub const SHEET_FORM: FormName = ("在校学生信息表", "the student information sheet");

/// What a form left out, nothing when nobody was: the graduates and the pupils who left in an earlier year, in
/// both languages, and in English.
pub fn former_note(former: usize, (form, form_en): FormName) -> Option<(String, String)> {
    (former > 0).then(|| {
        let who = if former == 1 {
            "pupil who graduated or left before this year is"
        } else {
            "pupils who graduated or left before this year are"
        };
        let en = format!("{former} {who} in no class this year: not on {form_en}");
        (format!("已毕业或往年已离校的学生 {former} 人不属于本年度任何班级，未列入{form} ({en})"), en)
    })
}

/// What the lists' 备注 says of each pupil's payment, by pupil id, as the information sheet says it: a part
/// payment (「已缴 300 元，应缴 380 元，差 80 元」) or amounts two laptops recorded differently beside 是否缴费 是, and a
/// payment the tax office's list holds under another name beside 否, so the teacher neither takes a family short
/// of the premium for settled nor asks one the tax office may have paid to pay again.
fn payment_remarks(input: &FormInput, school: &str, pupils: &[Student]) -> Result<HashMap<i64, String>, ExportError> {
    let disputes = input.store.amount_disputes(pupils)?;
    let mut said = input.other_name_remarks(school)?;
    for s in pupils {
        if let Some(remark) = input.payment_remark(s, disputes.get(&s.id)) {
            said.insert(s.id, remark);
        }
    }
    Ok(said)
}

fn write_class(
    writer: &mut TableWriter,
    input: &FormInput,
    (school, paid): (&str, &HashMap<i64, String>),
    class: &str,
    pupils: &[&Student],
) -> Result<(), ExportError> {
    let mut columns: Vec<ColumnSpec> = COLUMNS.iter().map(|(t, w)| ColumnSpec::new(t, *w)).collect();
    // 备注 before 签字 only for a class with something to remark, as on 在校学生信息表: an ID number that failed the
    // check or an old 15-digit one (the teacher must not take a number a spreadsheet rounded as the pupil's, nor the
    // 1918 birth date of a converted old number: see `id_number::form_remark`), or a payment (`payment_remarks`).
    let remark_of = |s: &Student| {
        let flags = input.flags(s);
        let parts: Vec<&str> = [paid.get(&s.id).map(String::as_str), id_remark(s)]
            .into_iter()
            .flatten()
            .chain(flags.iter().map(String::as_str))
            .collect();
        (!parts.is_empty()).then(|| parts.join("；"))
    };
    let remarks = pupils.iter().any(|s| remark_of(s).is_some());
    if remarks {
        columns.insert(columns.len() - 1, ColumnSpec::new("备注", 30.0));
    }
    let preamble = Preamble {
        title: Some(format!("{class} {CLASS_TITLE}")),
        lines: vec![vec![format!("学校名称：{school}"), input.year_line(), input.date_line()]],
    };
    writer.begin_table(class, &preamble, &columns)?;
    // Room for a signature in the 签字 column.
    writer.row_height(22.0);
    for (i, s) in pupils.iter().enumerate() {
        let standing = Standing::new(s.enrollment, s.payment);
        // A part payment is still to collect: 是否缴费 否 and 参保登记 部分缴费, what was paid in 备注.
        let part_paid = input.part_payment(s).is_some();
        let paid = if s.payment.is_settled() && !part_paid { "是" } else { "否" };
        let registration = match standing.registration_word() {
            Some(_) if part_paid => Out::Text(crate::domain::coverage::PART_PAID.0.into()),
            word => word.map_or(Out::Empty, |w| Out::Text(w.into())),
        };
        let mut row = vec![
            Out::Number((i + 1) as f64),
            Out::Text(s.name.clone()),
            input.id_cell(s),
            Out::Text(crate::domain::coverage::insured_word(input.insured(s)).into()),
            Out::Text(paid.into()),
            registration,
        ];
        if remarks {
            row.push(remark_of(s).map_or(Out::Empty, Out::Text));
        }
        row.push(Out::Empty);
        writer.row(&row)?;
    }
    writer.sign_lines(&[SIGN_LINE.map(str::to_owned).to_vec()])?;
    Ok(())
}
