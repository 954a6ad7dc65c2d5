//! 参保进度汇总: the day's progress for one school — totals (pupils, each enrollment and payment status, the four
//! ledgers, 应参保, 已参保 and 参保率 as `canbao stats` counts them, invalid IDs), then one row per class. XLSX: two worksheets; CSV: the two tables one after the other.

use std::path::{Path, PathBuf};

use super::{FormInput, out_file};
use crate::domain::coverage::{self, Standing};
use crate::domain::policy::Ledger;
use crate::domain::student::{Enrollment, PaymentStatus};
use crate::io::export::{ColumnSpec, Out, Preamble, TableWriter};
use crate::io::sheet::ExportError;

pub use super::titles::SUMMARY_TITLE as TITLE;
/// Each count is defined once, in `domain::coverage`: 应参保 (everyone still at school who has not declined, less
/// those the policy sends to enroll away from school whom nobody has registered here),
/// 已参保 (paid by the family or a department, or insured elsewhere), 参保率 = 已参保 / 应参保.
pub const CLASS_COLUMNS: [(&str, f64); 8] = [
    ("所在年级、班级", 16.0),
    ("人数", 8.0),
    ("应参保", 8.0),
    ("已参保", 8.0),
    ("未参保", 8.0),
    ("家庭缴费", 9.0),
    ("财政代缴", 9.0),
    ("参保率", 9.0),
];

/// The totals' line for the pupils the policy sends to enroll away from school, whom nobody has registered here or
/// found insured: not in 应参保, so the line says how many it leaves out.
pub const DUE_AWAY: &str = "应在待遇审批地或随家庭参保（未计入应参保）";

/// The totals' line for the pupils whose categories were certified for an earlier year (待重新认定): in no
/// 特殊人员类别 of the year until certified again, as `stats` says them.
pub const TO_RECERTIFY: &str = "人员类别待重新认定（未计入特殊人员类别）";

/// One line of the progress table: a class of one school, or one school of the county's summary.
#[derive(Default)]
pub struct ProgressRow {
    pub label: String,
    pub students: u32,
    pub expected: u32,
    pub insured: u32,
    pub paid: u32,
    pub government: u32,
}

/// The totals' line for 参保率 (已参保 ÷ 应参保), as `canbao stats` works it out from the same two counts; empty when
/// nobody is to be insured.
pub fn rate_total(insured: u32, expected: u32) -> (String, Out<'static>) {
    ("参保率（已参保÷应参保）".to_owned(), percent(insured, expected))
}

fn percent(part: u32, whole: u32) -> Out<'static> {
    if whole == 0 {
        return Out::Empty;
    }
    Out::Permille(coverage::permille(part as usize, whole as usize))
}

pub fn export_summary(input: &FormInput, out: Option<&Path>) -> Result<Vec<PathBuf>, ExportError> {
    let (school, pupils) = input.school_pupils()?;
    let count = |f: &dyn Fn(&crate::domain::student::Student) -> bool| pupils.iter().filter(|s| f(s)).count() as u32;
    let standing = |s: &crate::domain::student::Student| Standing::new(s.enrollment, s.payment);
    let mut totals: Vec<(String, u32)> = vec![("学生总数".into(), pupils.len() as u32)];
    for e in Enrollment::ALL {
        totals.push((format!("参保状态：{}", e.label_zh()), count(&|s| standing(s).enrollment() == e)));
    }
    for p in PaymentStatus::ALL {
        totals.push((format!("缴费状态：{}", p.label_zh()), count(&|s| s.payment == p)));
    }
    // Of 已缴费, the family payments short of the amount due: still to collect, in no class's 家庭缴费.
    let part_paid = count(&|s| input.part_payment(s).is_some());
    totals.push((format!("缴费状态：已缴费中{}（未足额）", crate::domain::coverage::PART_PAID.0), part_paid));
    for l in Ledger::ALL {
        totals.push((format!("{}台账", l.label_zh()), count(&|s| input.ledger(s) == Some(l))));
    }
    let expected = count(&|s| input.expected(s));
    let insured = count(&|s| input.insured(s));
    totals.push(("应参保".into(), expected));
    totals.push(("已参保".into(), insured));
    // Said only when there are some, as the forms before it had no such line.
    let due_away = count(&|s| input.due_away(s));
    if due_away > 0 {
        totals.push((DUE_AWAY.into(), due_away));
    }
    let mut totals: Vec<(String, Out<'static>)> =
        totals.into_iter().map(|(what, n)| (what, Out::Number(f64::from(n)))).collect();
    totals.push(rate_total(insured, expected));
    totals.push(("身份证号有问题".into(), Out::Number(f64::from(count(&|s| s.id_to_verify())))));
    // The categories certified for the year, as `stats` and the county weigh them; those carried from an earlier
    // year are counted apart, as `stats` says them, and only when there are some.
    let year = input.store.current_year().and(input.store.shown_year());
    let special = count(&|s| s.categories.iter().any(|c| c.certified_for(year)));
    totals.push(("特殊人员类别".into(), Out::Number(f64::from(special))));
    let to_recertify = count(&|s| crate::store::awaits_recertification(s, year));
    if to_recertify > 0 {
        totals.push((TO_RECERTIFY.into(), Out::Number(f64::from(to_recertify))));
    }

    let mut classes: Vec<ProgressRow> = Vec::new();
    for s in &pupils {
        let label = s.class_label();
        if classes.last().is_none_or(|c| c.label != label) {
            classes.push(ProgressRow { label, ..ProgressRow::default() });
        }
        if let Some(c) = classes.last_mut() {
            c.students += 1;
            c.expected += u32::from(input.expected(s));
            c.insured += u32::from(input.insured(s));
            c.paid += u32::from(s.payment == PaymentStatus::Paid && input.part_payment(s).is_none());
            c.government += u32::from(s.payment == PaymentStatus::Government);
        }
    }

    let format = input.opts.format;
    let path = out_file(out, &input.file_name(&school, TITLE, format));
    let heading = vec![format!("学校名称：{school}"), input.year_line(), input.date_line()];
    let unit = ("各班进度", CLASS_COLUMNS[0].0);
    Ok(vec![write_progress(&path, format, input.store.path(), vec![heading], &totals, unit, &classes)?])
}

/// Writes the two tables: the totals, then one line per class (or per school: `unit` names the second table
/// and its first column). The county's summary (`export summary --from`) is written by this too.
pub fn write_progress(
    path: &Path,
    format: crate::io::export::FileFormat,
    drive: Option<&Path>,
    heading: Vec<Vec<String>>,
    totals: &[(String, Out<'static>)],
    unit: (&str, &str),
    rows: &[ProgressRow],
) -> Result<PathBuf, ExportError> {
    let mut writer = TableWriter::create(path, format, drive)?;
    let preamble = Preamble { title: Some(TITLE.to_owned()), lines: heading };
    writer.begin_table("汇总", &preamble, &[ColumnSpec::new("项目", 18.0), ColumnSpec::new("人数", 10.0)])?;
    for (what, n) in totals {
        writer.row(&[Out::Text(what.clone()), n.clone()])?;
    }
    let columns: Vec<ColumnSpec> = CLASS_COLUMNS
        .iter()
        .enumerate()
        .map(|(i, (t, w))| ColumnSpec::new(if i == 0 { unit.1 } else { t }, *w))
        .collect();
    writer.begin_table(unit.0, &Preamble::default(), &columns)?;
    for c in rows {
        writer.row(&[
            Out::Text(if c.label.is_empty() { "未分班".into() } else { c.label.clone() }),
            Out::Number(f64::from(c.students)),
            Out::Number(f64::from(c.expected)),
            Out::Number(f64::from(c.insured)),
            Out::Number(f64::from(c.expected.saturating_sub(c.insured))),
            Out::Number(f64::from(c.paid)),
            Out::Number(f64::from(c.government)),
            percent(c.insured, c.expected),
        ])?;
    }
    Ok(writer.finish()?)
}
