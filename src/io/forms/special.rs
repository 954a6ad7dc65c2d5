//! 城乡居民基本医疗保险参保花名册 (003 二(二) and its 附件): the special-category pupils, for the certifying
//! departments to hand to the 医保 agency. The notice names the attachment but does not reproduce its columns;
//! these are the roster's own facts a 花名册 is filled from: who, which category, which department.
//!
//! A pupil with two categories has a row for each, so every department can take its own rows.

use std::path::{Path, PathBuf};

use super::{FormInput, out_file};
use crate::domain::category::CategoryTable;
use crate::io::export::{ColumnSpec, Out, Preamble, TableWriter};
use crate::io::sheet::ExportError;

pub const TITLE: &str = "城乡居民基本医疗保险参保花名册";

pub const COLUMNS: [(&str, f64); 11] = [
    ("序号", 7.0),
    ("姓名", 12.0),
    ("性别", 6.0),
    ("公民身份号码", 22.0),
    ("人员类别", 18.0),
    ("认定部门", 12.0),
    ("所在年级、班级", 16.0),
    ("联系电话", 15.0),
    ("参保情况", 10.0),
    ("缴费情况", 10.0),
    ("备注", 36.0),
];

/// Writes the roster (one worksheet, or one CSV). A school without special-category pupils is "nothing to
/// export".
pub fn export_special(input: &FormInput, out: Option<&Path>) -> Result<Vec<PathBuf>, ExportError> {
    let (school, pupils) = input.school_pupils()?;
    if pupils.iter().all(|s| s.categories.is_empty()) {
        return Err(ExportError::NoSpecialPupils);
    }
    let format = input.opts.format;
    let path = out_file(out, &input.file_name(&school, "参保花名册", format));
    let mut writer = TableWriter::create(&path, format)?;
    let columns: Vec<ColumnSpec> = COLUMNS.iter().map(|(t, w)| ColumnSpec::new(t, *w)).collect();
    let preamble = Preamble {
        title: Some(TITLE.to_owned()),
        lines: vec![vec![format!("学校名称：{school}"), input.date_line()]],
    };
    writer.begin_table("参保花名册", &preamble, &columns)?;
    let table = CategoryTable::builtin();
    let mut seq = 0u32;
    for s in &pupils {
        for mark in &s.categories {
            seq += 1;
            let department = if mark.department.trim().is_empty() {
                table.lookup(&mark.name).map(|c| c.department.clone()).unwrap_or_default()
            } else {
                mark.department.clone()
            };
            let note = input
                .policy
                .and_then(|p| p.rule(&mark.name))
                .filter(|r| r.enroll.away_from_school())
                .map(|r| r.enroll.sentence_zh().to_owned())
                .unwrap_or_default();
            let text = |t: &str| if t.is_empty() { Out::Empty } else { Out::Text(t.to_owned()) };
            writer.row(&[
                Out::Number(f64::from(seq)),
                text(&s.name),
                s.sex.map(|x| text(x.label_zh())).unwrap_or(Out::Empty),
                input.id_cell(s),
                text(&mark.name),
                text(&department),
                text(&s.class_label()),
                text(&s.phone),
                text(s.enrollment.label_zh()),
                text(s.payment.label_zh()),
                text(&note),
            ])?;
        }
    }
    Ok(vec![writer.finish()?])
}
