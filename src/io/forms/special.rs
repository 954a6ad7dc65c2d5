//! 城乡居民基本医疗保险参保花名册 (003 二(二) and its 附件): the special-category pupils, for the certifying
//! departments to hand to the 医保 agency. The notice names the attachment but does not reproduce its columns;
//! these are the roster's own facts a 花名册 is filled from: who, which category, which department.
//!
//! A pupil has one row per certifying department, naming every category that department certified in one cell
//! (「低保对象、孤儿」), so each department counts each child once and takes its own rows; in XLSX each
//! department has its own worksheet to print, stamp and hand in.

use std::path::{Path, PathBuf};

use super::{FormInput, out_file, remark_cell};
use crate::domain::category::CategoryTable;
use crate::domain::coverage::Standing;
use crate::domain::policy;
use crate::domain::student::{CategoryMark, Enrollment, Student};
use crate::io::export::{ColumnSpec, FileFormat, Out, Preamble, TableWriter};
use crate::io::sheet::ExportError;

pub use super::titles::SPECIAL_TITLE as TITLE;

/// The line under each department's table for the school to stamp (单位（盖章）), sign and date.
pub const SIGN_LINE: [&str; 3] = ["单位（盖章）：", "经办人：", super::DATE_TO_SIGN];

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

/// The sheet a department's rows go in when the mark names none and the category table does not know it.
pub const NO_DEPARTMENT: &str = "未注明部门";

/// One row of the roster: the certifying department, the pupil, and the categories that department certified.
type RosterRow<'a> = (String, &'a Student, Vec<&'a CategoryMark>);

/// Writes the roster. XLSX: one worksheet per certifying department (民政, 乡村振兴, 残联, 卫健 …), each with
/// 单位（盖章）、经办人、日期 lines, since each department hands in its own stamped list. CSV: one table of every
/// row, for the agencies' systems. A school without special-category pupils is "nothing to export".
pub fn export_special(input: &FormInput, out: Option<&Path>) -> Result<Vec<PathBuf>, ExportError> {
    let (school, pupils) = input.school_pupils()?;
    if pupils.iter().all(|s| s.categories.is_empty()) {
        return Err(ExportError::NoSpecialPupils);
    }
    let table = CategoryTable::builtin();
    // A child two categories of one department certified (孤儿 and 低保对象, both 民政) is one row of that
    // department's: two rows would count the child twice on a sheet the department totals.
    let mut rows: Vec<RosterRow> = Vec::new();
    for s in &pupils {
        let first = rows.len();
        for mark in &s.categories {
            // 「民政 」 typed with a space (or a full-width one) is 民政: one sheet, and one row of the child on it.
            let department = if mark.department.trim().is_empty() {
                table.lookup(&mark.name).map(|c| c.department.trim().to_owned()).unwrap_or_default()
            } else {
                mark.department.trim().to_owned()
            };
            match rows[first..].iter_mut().find(|(d, _, _)| *d == department) {
                Some((_, _, marks)) => marks.push(mark),
                None => rows.push((department, s, vec![mark])),
            }
        }
    }
    let format = input.opts.format;
    let path = out_file(out, &input.file_name(&school, "参保花名册", format));
    let mut writer = TableWriter::create(&path, format, input.store.path())?;
    let columns: Vec<ColumnSpec> = COLUMNS.iter().map(|(t, w)| ColumnSpec::new(t, *w)).collect();
    let mut groups: Vec<(String, Vec<&RosterRow>)> = Vec::new();
    match format {
        FileFormat::Csv => groups.push((String::new(), rows.iter().collect())),
        FileFormat::Xlsx => {
            for row in &rows {
                let name = if row.0.trim().is_empty() { NO_DEPARTMENT.to_owned() } else { row.0.clone() };
                match groups.iter_mut().find(|(d, _)| *d == name) {
                    Some((_, list)) => list.push(row),
                    None => groups.push((name, vec![row])),
                }
            }
        }
    }
    let mut rows_of = std::collections::HashMap::new();
    for (_, s, _) in &rows {
        *rows_of.entry(s.id).or_insert(0usize) += 1;
    }
    // A pupil on several departments' sheets: each sheet says which department subsidises the child, by the rule
    // the quote applies (003 四(三): the policy's order of full subsidies, else the highest, never a sum), so a
    // clerk reading only the department's own sheet neither arranges a subsidy another department pays nor misses
    // a child it certified: the child stays listed, said to be subsidised elsewhere.
    let mut subsidy_notes: std::collections::HashMap<(i64, &str), SubsidyNote> = std::collections::HashMap::new();
    // So does the one row naming two categories of one department (低保对象、孤儿, both 民政): one subsidy, not two.
    for s in &pupils {
        let of_pupil: Vec<&RosterRow> = rows.iter().filter(|(_, p, _)| p.id == s.id).collect();
        if of_pupil.len() < 2 && of_pupil.iter().all(|(_, _, marks)| marks.len() < 2) {
            continue;
        }
        for (department, note) in subsidy_remarks(input, table, s, &of_pupil) {
            subsidy_notes.insert((s.id, department), note);
        }
    }
    for (department, list) in &groups {
        let mut line = vec![format!("学校名称：{school}")];
        if !department.is_empty() {
            line.push(format!("认定部门：{department}"));
        }
        line.push(input.year_line());
        line.push(input.date_line());
        let mut lines = vec![line];
        // The department's total is of the children it subsidises: the rows of children another department
        // subsidises are counted apart, so the clerk neither pays for them nor reads them as missing.
        let elsewhere = list
            .iter()
            .filter(|(d, s, _)| subsidy_notes.get(&(s.id, d.as_str())).is_some_and(|n| n.paid_elsewhere))
            .count();
        if elsewhere > 0 {
            lines.push(vec![if department.is_empty() {
                format!("共 {} 行，其中 {elsewhere} 行的学生已由另一部门资助，该行部门不重复资助", list.len())
            } else {
                format!("共 {} 人，其中 {elsewhere} 人已由其他部门资助，本部门不重复资助（见备注）", list.len())
            }]);
        }
        let preamble = Preamble { title: Some(TITLE.to_owned()), lines };
        let sheet = if department.is_empty() { "参保花名册" } else { department.as_str() };
        writer.begin_table(sheet, &preamble, &columns)?;
        for (i, (department, s, marks)) in list.iter().enumerate() {
            let subsidy = subsidy_notes.get(&(s.id, department.as_str())).map(|n| n.text.as_str());
            write_row(&mut writer, input, (i + 1, department), s, marks, subsidy)?;
        }
        writer.sign_lines(&[SIGN_LINE.map(str::to_owned).to_vec()])?;
    }
    Ok(vec![writer.finish()?])
}

/// The warning that the roster's 备注 says of no pupil of several categories which subsidy applies (the highest,
/// never a sum: 003 四(三)), since the drive has no policy of the form's year to quote it from: a department
/// reading its sheet cannot tell whether it pays. None when a policy is chosen or no pupil has two categories.
/// `commands`: the commands that list the policies and choose one (in Chinese and in English).
pub fn subsidy_remarks_unsaid(input: &FormInput, commands: (String, String, String)) -> Option<(String, String)> {
    let (list, use_zh, use_en) = commands;
    let how = (
        format!("请用 {use_zh} 选定政策（{list} 列出可用的政策）后重新导出"),
        format!("choose one with {use_en} ({list} shows them) and export again"),
    );
    subsidy_remarks_unsaid_how(input, how)
}

/// `subsidy_remarks_unsaid`, with `how` (in Chinese and in English) to choose a policy and export again: the screen
/// says where its own policy list is, the command line its commands.
pub fn subsidy_remarks_unsaid_how(input: &FormInput, how: (String, String)) -> Option<(String, String)> {
    if input.priced_policy().is_some() {
        return None;
    }
    let (_, pupils) = input.school_pupils().ok()?;
    let several = pupils.iter().filter(|s| s.categories.len() > 1).count();
    if several == 0 {
        return None;
    }
    let (how_zh, how_en) = how;
    let en = format!(
        "subsidy remarks left blank: {several} pupil(s) have several categories, but the drive has no policy of the \
         form's year, so 备注 does not say which category's subsidy applies (the highest, never a sum); {how_en}"
    );
    let zh = format!(
        "资助备注未填：{several} 名学生属多个人员类别，但数据文件没有本年度的保费政策，备注未写明按哪一类别（最高）资助、\
         其余类别不另资助；{how_zh}"
    );
    Some((format!("{zh} ({en})"), en))
}

/// What a pupil's row says of the subsidy of a child of several categories (`subsidy_remarks`).
struct SubsidyNote {
    text: String,
    /// Another department's row is the one that subsidises the child: this department pays nothing for it.
    paid_elsewhere: bool,
}

/// What each of a pupil's rows (`of_pupil`, one per department) says of the subsidy: on the paying department's
/// row that its category is the one, why (the policy's order, the highest) and the others bring nothing more, on
/// every other row which department subsidises the child and that this one does not subsidise it again. Which
/// category pays is the quote's (`Quote::paying_category`), as on the ledgers and the payment notice. Without a
/// policy of the form's year nothing says which department pays: every row then names the child's other
/// categories and departments, and that only one of them subsidises. Nothing where no category of the pupil is
/// subsidised.
fn subsidy_remarks<'r>(
    input: &FormInput,
    table: &CategoryTable,
    s: &Student,
    of_pupil: &[&'r RosterRow],
) -> Vec<(&'r str, SubsidyNote)> {
    let label = |d: &str| if d.is_empty() { NO_DEPARTMENT.to_owned() } else { d.to_owned() };
    // The child's categories on the other rows, each with its department, as the clerk looks them up.
    let others_of = |department: &str| -> Vec<String> {
        of_pupil
            .iter()
            .filter(|(d, _, _)| d != department)
            .flat_map(|(d, _, m)| m.iter().map(move |m| format!("{}（{}）", m.name, label(d))))
            .collect()
    };
    let Some(policy) = input.priced_policy() else {
        if of_pupil.len() < 2 {
            return Vec::new();
        }
        return of_pupil
            .iter()
            .map(|(department, _, _)| {
                let text = format!(
                    "另属{}；只由其中一个部门资助，不重复资助（未选定本年度政策，资助部门待定）",
                    others_of(department).join("、")
                );
                (department.as_str(), SubsidyNote { text, paid_elsewhere: false })
            })
            .collect();
    };
    // Categories carried from an earlier year and not certified again subsidise nothing this year.
    let certified = input.certified(s);
    let mut request = policy::pupil_request(&certified, input.opts.date);
    // The subsidy does not depend on the day: asked of the concentrated period when no window takes the date.
    let quoted = policy::quote(policy, table, &request).or_else(|first| match policy.windows.first() {
        Some(window) => {
            request.paid_on = window.from;
            request.birth_date = None;
            policy::quote(policy, table, &request)
        }
        None => Err(first),
    });
    let Ok(quote) = quoted else { return Vec::new() };
    let Some(applied) = quote.paying_category() else {
        // Several departments, amounts unspecified and no order among them: no row may say another pays.
        if quote.paying_department.is_some() || of_pupil.len() < 2 {
            return Vec::new();
        }
        return of_pupil
            .iter()
            .map(|(department, _, _)| {
                let text = format!(
                    "另属{}；只由其中一个部门资助，不重复资助（政策未定资助部门，待核实）",
                    others_of(department).join("、")
                );
                (department.as_str(), SubsidyNote { text, paid_elsewhere: false })
            })
            .collect();
    };
    let canonical = |m: &CategoryMark| table.lookup(&m.name).map_or(m.name.clone(), |c| c.name.clone());
    let is_applied = |m: &&CategoryMark| canonical(m) == applied;
    let Some((paying, _, paying_marks)) = of_pupil.iter().find(|(_, _, marks)| marks.iter().any(is_applied)) else {
        return Vec::new();
    };
    let how = if quote.refund.is_some() {
        "差额补助".to_owned()
    } else if quote.subsidy_unspecified {
        "资助（金额由认定部门确定）".to_owned()
    } else if quote.personal_due_fen == 0 {
        "全额资助".to_owned()
    } else {
        format!("资助 {}", crate::domain::money::with_unit(quote.department_due_fen))
    };
    let why = match quote.chosen_among() {
        Some(policy::ChosenBy::Order) => "按多重身份补助顺序",
        Some(policy::ChosenBy::Highest) => "按最高补助",
        None => "",
    };
    let applied_named = paying_marks.iter().find(|m| is_applied(m)).map_or(applied, |m| m.name.as_str());
    of_pupil
        .iter()
        .map(|(department, _, _)| {
            let note = if department == paying {
                let others: Vec<&str> = of_pupil
                    .iter()
                    .filter(|(d, _, _)| d != paying)
                    .flat_map(|(_, _, m)| m.iter().map(|m| m.name.as_str()))
                    .collect();
                let beside: Vec<&str> =
                    paying_marks.iter().filter(|m| !is_applied(m)).map(|m| m.name.as_str()).collect();
                let elsewhere =
                    if others.is_empty() { String::new() } else { format!("另属{}；", others.join("、")) };
                let text = if beside.is_empty() {
                    format!("{elsewhere}{why}由本部门按本类别{how}，不重复资助")
                } else {
                    format!("{elsewhere}{why}由本部门按{applied_named}{how}；{}不另资助", beside.join("、"))
                };
                SubsidyNote { text, paid_elsewhere: false }
            } else {
                let text = format!("已由{}按{applied_named}{how}，不重复资助", label(paying));
                SubsidyNote { text, paid_elsewhere: true }
            };
            (department.as_str(), note)
        })
        .collect()
}

fn write_row(
    writer: &mut TableWriter,
    input: &FormInput,
    (seq, department): (usize, &str),
    s: &Student,
    marks: &[&CategoryMark],
    subsidy: Option<&str>,
) -> Result<(), ExportError> {
    // Each category's place to enroll, once where two categories say the same; none once the school enrolls the
    // pupil all the same (`FormInput::enrolled_at_school`), as `FormInput::away_rules` says.
    let mut notes: Vec<String> = Vec::new();
    for mark in marks {
        let note = input
            .policy
            .and_then(|p| p.rule(&mark.name))
            .filter(|r| r.enroll.away_from_school() && !input.enrolled_at_school(s))
            .map(|r| crate::words::quote::ZH.place(r.enroll).to_owned());
        if let Some(note) = note.filter(|n| !notes.contains(n)) {
            notes.push(note);
        }
    }
    // Carried from an earlier year: the department certifies the category again before it pays (003 二(一)).
    // Each category on its own: one certified this year beside it on the row is the year's.
    let year = input.store.shown_year();
    let stale: Vec<&CategoryMark> = marks.iter().copied().filter(|m| !m.certified_for(year)).collect();
    if stale.len() == marks.len() && !stale.is_empty() {
        notes.insert(0, "待重新认定：人员类别为上一年度认定，本年度尚未认定".to_owned());
    } else if !stale.is_empty() {
        let names = super::names(stale.into_iter());
        notes.insert(0, format!("{names}待重新认定：为上一年度认定，本年度尚未认定"));
    }
    // A part payment: what was paid and is still due, first.
    let part_paid = match input.part_payment(s) {
        Some(part) => {
            notes.insert(0, part.remark());
            true
        }
        None => false,
    };
    // Paid before the category was certified: the department reading its roster is not to pay the premium again
    // on the pupil's behalf, and is told what the policy has it do instead.
    let paid_first = input
        .priced_policy()
        .and_then(|p| crate::domain::policy::pupil_paid_first(p, &input.certified(s), input.opts.date));
    if let Some(paid) = paid_first {
        notes.insert(0, crate::words::quote::ZH.paid_first(&paid).trim_end_matches('。').to_owned());
    }
    let note = notes.join("；");
    let categories: Vec<&str> = marks.iter().map(|m| m.name.as_str()).collect();
    let text = |t: &str| if t.is_empty() { Out::Empty } else { Out::Text(t.to_owned()) };
    writer.row(&[
        Out::Number(seq as f64),
        text(&s.name),
        s.sex.map(|x| text(x.label_zh())).unwrap_or(Out::Empty),
        input.id_cell(s),
        text(&categories.join("、")),
        text(department),
        text(&s.class_label()),
        text(crate::domain::phone::on_forms(&s.phone)),
        // The words the class list prints beside 是否参保: never 在校参保 for a pupil registered and not paid, nor
        // for a part payment (部分缴费), still to collect.
        text(if part_paid {
            crate::domain::coverage::PART_PAID.0
        } else {
            Standing::new(s.enrollment, s.payment).registration_word().unwrap_or(Enrollment::Unknown.label_zh())
        }),
        text(if part_paid { crate::domain::coverage::PART_PAID.0 } else { s.payment.label_zh() }),
        // Which category's subsidy applies, after what the form said of the pupil before (the ID number's first).
        remark_cell(&note, s, &input.flags(s).into_iter().chain(subsidy.map(str::to_owned)).collect::<Vec<_>>()),
    ])?;
    Ok(())
}
