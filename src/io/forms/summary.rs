//! 参保进度汇总: the day's progress for one school — totals (pupils, each enrollment and payment status, the four
//! ledgers, invalid IDs), then one row per class. XLSX: two worksheets; CSV: the two tables one after the other.

use std::path::{Path, PathBuf};

use super::{FormInput, out_file};
use crate::domain::policy::Ledger;
use crate::domain::student::{Enrollment, PaymentStatus};
use crate::io::export::{ColumnSpec, Out, Preamble, TableWriter};
use crate::io::sheet::ExportError;

pub const TITLE: &str = "参保进度汇总";
pub const CLASS_COLUMNS: [(&str, f64); 7] = [
    ("所在年级、班级", 16.0),
    ("人数", 8.0),
    ("已参保", 8.0),
    ("已缴费", 8.0),
    ("未缴费", 8.0),
    ("参保率", 9.0),
    ("缴费率", 9.0),
];

#[derive(Default)]
struct ClassRow {
    class: String,
    students: u32,
    enrolled: u32,
    paid: u32,
}

fn percent(part: u32, whole: u32) -> Out<'static> {
    if whole == 0 {
        return Out::Empty;
    }
    Out::Text(format!("{:.1}%", f64::from(part) * 100.0 / f64::from(whole)))
}

pub fn export_summary(input: &FormInput, out: Option<&Path>) -> Result<Vec<PathBuf>, ExportError> {
    let (school, pupils) = input.school_pupils()?;
    let count = |f: &dyn Fn(&crate::domain::student::Student) -> bool| pupils.iter().filter(|s| f(s)).count() as f64;
    let mut totals: Vec<(String, f64)> = vec![("学生总数".into(), pupils.len() as f64)];
    for e in Enrollment::ALL {
        totals.push((e.label_zh().into(), count(&|s| s.enrollment == e)));
    }
    for p in PaymentStatus::ALL {
        totals.push((p.label_zh().into(), count(&|s| s.payment == p)));
    }
    for l in Ledger::ALL {
        totals.push((format!("{}台账", l.label_zh()), count(&|s| input.ledger(s) == Some(l))));
    }
    totals.push(("身份证号有问题".into(), count(&|s| !s.id_valid())));
    totals.push(("特殊人员类别".into(), count(&|s| !s.categories.is_empty())));

    let mut classes: Vec<ClassRow> = Vec::new();
    for s in &pupils {
        let label = s.class_label();
        if classes.last().is_none_or(|c| c.class != label) {
            classes.push(ClassRow { class: label, ..ClassRow::default() });
        }
        if let Some(c) = classes.last_mut() {
            c.students += 1;
            c.enrolled += u32::from(s.enrollment.is_insured());
            c.paid += u32::from(s.payment.is_settled());
        }
    }

    let format = input.opts.format;
    let path = out_file(out, &input.file_name(&school, TITLE, format));
    let mut writer = TableWriter::create(&path, format)?;
    let preamble = Preamble {
        title: Some(TITLE.to_owned()),
        lines: vec![vec![format!("学校名称：{school}"), input.date_line()]],
    };
    writer.begin_table("汇总", &preamble, &[ColumnSpec::new("项目", 18.0), ColumnSpec::new("人数", 10.0)])?;
    for (what, n) in &totals {
        writer.row(&[Out::Text(what.clone()), Out::Number(*n)])?;
    }
    let columns: Vec<ColumnSpec> = CLASS_COLUMNS.iter().map(|(t, w)| ColumnSpec::new(t, *w)).collect();
    writer.begin_table("各班进度", &Preamble::default(), &columns)?;
    for c in &classes {
        writer.row(&[
            Out::Text(if c.class.is_empty() { "未分班".into() } else { c.class.clone() }),
            Out::Number(f64::from(c.students)),
            Out::Number(f64::from(c.enrolled)),
            Out::Number(f64::from(c.paid)),
            Out::Number(f64::from(c.students - c.paid)),
            percent(c.enrolled, c.students),
            percent(c.paid, c.students),
        ])?;
    }
    Ok(vec![writer.finish()?])
}
