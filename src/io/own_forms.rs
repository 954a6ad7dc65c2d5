//! canbao's own forms come back to be imported (a teacher corrects the class list or the student information
//! sheet in Excel or WPS): which form a sheet is, and its status cells read back by the definitions that wrote
//! them (`domain::read_back`). A titled form is known by its title (在校学生信息表, a class's 参保缴费核对表, the
//! 参保花名册); the batch template, which has no title, by its header row being a template's, in CSV and XLSX
//! alike, and is then read by that template's own columns. A form is for one insured year, which its label row
//! names (保险年度：2027年度) and the template's file name: one of another year than the drive's is refused
//! ([`other_year`]), never read as this year's list.

use super::forms::template::{Template, Value};
use super::header::{self, Column, Columns, HeaderMap, Synonyms};
use super::table::Cell;
use crate::domain::read_back::{self, Said};
use crate::domain::student::{Enrollment, PaymentStatus};

/// Which of canbao's forms a sheet is.
#[derive(Debug, Clone, PartialEq)]
pub enum OwnForm {
    /// 在校学生信息表: 是否参保.
    Sheet,
    /// 班级核对表: 是否参保, 是否缴费, 参保登记.
    ClassList,
    /// The notice's own 在校学生信息表 (001 附件2, titled 宜宾市在校学生信息表 …) as a school filled it in by hand:
    /// not canbao's export (no 保险年度 row), but its 是否参保 means what the notice's form means, 已参保, and is read
    /// as the sheet's is. Its 备注 are the school's.
    FilledSheet,
    /// 参保花名册: 参保情况, 缴费情况.
    Roster,
    /// The batch template whose header the sheet has: its 参保状态 and 备注 columns.
    Template(Template),
    /// Another of canbao's exports (a workbook canbao wrote whose header is no template this laptop knows): its
    /// statuses are not read.
    Other,
}

impl OwnForm {
    /// Whether its 备注/说明 are canbao's words, never a pupil's note: every form's but the class list's, which
    /// has none of its own (a remarks column a teacher adds to it is theirs).
    pub fn remarks_are_canbaos(&self) -> bool {
        !matches!(self, OwnForm::ClassList | OwnForm::FilledSheet)
    }
}

/// How one status cell reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    /// 是否参保: 是 or 否.
    Insured,
    /// 是否缴费: 是 or 否.
    Paid,
    /// 参保登记: a registration word, or nothing.
    Registration,
    /// 参保情况: a registration word, or 未确认.
    RosterRegistration,
    /// 缴费情况: 未缴费, 已缴费, 财政代缴.
    Payment,
    /// A template's 参保状态: 未确认, 在校参保, 异地参保, 不参保, 已离校.
    Enrollment,
    /// A template's 备注: the reason a pupil is in the not-enrolled file, or nothing.
    TemplateRemark,
    /// The 备注 of the student information sheet and the class list: a part payment said there
    /// (「已缴 300 元，应缴 380 元，差 80 元」) is why 是否参保 says 否 beside a payment, so that 否 claims nothing.
    PartPaymentRemark,
}

impl StatusKind {
    /// The words the column takes, as a message quotes them.
    fn words(self) -> String {
        let quote = |words: &[&str]| words.iter().map(|w| format!("“{w}”")).collect::<Vec<_>>().join("、");
        let enrollments: Vec<&str> = Enrollment::ALL.iter().map(|e| e.label_zh()).collect();
        match self {
            StatusKind::Insured | StatusKind::Paid => quote(&["是", "否"]),
            StatusKind::Registration => format!("{} 或空白", quote(&read_back::registration_words())),
            StatusKind::RosterRegistration => {
                let mut words = read_back::registration_words();
                words.push(Enrollment::Unknown.label_zh());
                quote(&words)
            }
            StatusKind::Payment => quote(&PaymentStatus::ALL.iter().map(|p| p.label_zh()).collect::<Vec<_>>()),
            StatusKind::Enrollment => quote(&enrollments),
            StatusKind::TemplateRemark => {
                let reasons: Vec<&str> =
                    enrollments.into_iter().filter(|w| *w != Enrollment::Here.label_zh()).collect();
                format!("{}（可加“：原因”）或空白", quote(&reasons))
            }
            StatusKind::PartPaymentRemark => String::new(),
        }
    }
}

/// One status cell of a form: its column and how it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusColumn {
    pub at: usize,
    pub kind: StatusKind,
}

/// The form a sheet is, from the title above its header (see `ownership::export_title`), else the template its
/// header row is, else (`by_canbao`) another of canbao's exports.
pub fn form_of(title: Option<&str>, template: Option<&Template>, by_canbao: bool) -> Option<OwnForm> {
    use super::forms::{classes::CLASS_TITLE, special};
    match title {
        Some(t) if super::sheet::is_title(t) => Some(OwnForm::Sheet),
        Some(t) if t == special::TITLE => Some(OwnForm::Roster),
        Some(t) if t.ends_with(CLASS_TITLE) => Some(OwnForm::ClassList),
        Some(_) => Some(OwnForm::Other),
        None => match template {
            Some(t) => Some(OwnForm::Template(t.clone())),
            None => by_canbao.then_some(OwnForm::Other),
        },
    }
}

/// The insured year a file's name carries (`…-2027年度-批量参保模板-参保-20261204.xlsx`, and before the year came
/// first in every export's name `…-批量参保模板-参保-2027年度-…`): how the batch template, which has no room for a
/// title, says its year. `None` when the name names none, or several.
pub fn year_in_name(name: &str) -> Option<i32> {
    let chars: Vec<char> = name.chars().collect();
    let mut found = None;
    for (at, window) in chars.windows(6).enumerate() {
        let digits = &window[..4];
        let before_is_digit = at > 0 && chars[at - 1].is_ascii_digit();
        if window[4..] == ['年', '度'] && !before_is_digit && digits.iter().all(char::is_ascii_digit) {
            let year: i32 = digits.iter().collect::<String>().parse().ok()?;
            if found.is_some_and(|f| f != year) {
                return None;
            }
            found = Some(year);
        }
    }
    found.filter(|y| (2000..=2100).contains(y))
}

/// Why one of canbao's own forms is not for the drive's current insured year, so an import refuses it: its
/// classes and statuses are that year's, and read into this one they would move every pupil back into last
/// year's class and bring back the pupils who left since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtherYear {
    /// It names a year other than the drive's current one.
    Named(i32),
    /// It names none, as canbao wrote its forms before it kept years, while the drive has started a year after
    /// the first it kept (`first`): such a form is from that year or before.
    Unnamed { first: i32 },
}

/// Whether a form of canbao's naming insured year `named` (`None`: no year said) is another year's than the
/// drive's `current`, whose first year is `first`. A form naming no year is taken in a drive still in its first
/// year, as before: it may be this year's.
pub fn other_year(named: Option<i32>, current: Option<i32>, first: Option<i32>) -> Option<OtherYear> {
    let current = current?;
    match named {
        Some(year) if year != current => Some(OtherYear::Named(year)),
        Some(_) => None,
        None => first.filter(|f| *f < current).map(|first| OtherYear::Unnamed { first }),
    }
}

/// The template among `templates` whose header `row` is: each column's title in order, nothing after them.
pub fn template_of<'t>(templates: &'t [Template], row: &[Cell]) -> Option<&'t Template> {
    let cells: Vec<String> = row.iter().map(|c| c.text().trim().to_owned()).collect();
    templates.iter().find(|t| {
        cells.len() >= t.column.len()
            && t.column.iter().zip(&cells).all(|(c, cell)| c.title.trim() == cell)
            && cells[t.column.len()..].iter().all(String::is_empty)
    })
}

/// The first of `rows` that is a template's header, as the importer maps a header: by the template's own
/// columns, not by their words (its 人员类别 is a constant, its 特殊人员类别 the pupil's categories).
pub fn template_header<'t>(templates: &'t [Template], rows: &[Vec<Cell>]) -> Option<(HeaderMap, &'t Template)> {
    rows.iter().take(header::HEADER_SEARCH_ROWS).enumerate().find_map(|(index, row)| {
        let template = template_of(templates, row)?;
        let columns = template_columns(template);
        (columns.contains_key(&Column::Name) && columns.contains_key(&Column::IdNumber))
            .then_some((HeaderMap { row: index, top: index, columns, more_phones: Vec::new() }, template))
    })
}

/// Which cell of a template's row holds each field the importer reads; the first column of a field wins.
fn template_columns(template: &Template) -> Columns {
    let mut columns = Columns::default();
    for (at, column) in template.column.iter().enumerate() {
        let field = match column.value {
            Value::Seq => Column::Seq,
            Value::Name => Column::Name,
            Value::IdNumber => Column::IdNumber,
            Value::Sex => Column::Sex,
            Value::BirthDate => Column::BirthDate,
            Value::Phone => Column::Phone,
            Value::Ethnicity => Column::Ethnicity,
            Value::Address => Column::Address,
            Value::School => Column::School,
            Value::Grade => Column::Grade,
            Value::Class => Column::Class,
            Value::ClassLabel => Column::GradeClass,
            Value::Categories => Column::Category,
            // The agency's columns, or read as statuses (`template_own_columns`).
            Value::IdType | Value::Departments | Value::Enrollment | Value::Remark | Value::Constant | Value::Blank => {
                continue;
            }
        };
        columns.entry(field).or_insert(at);
    }
    columns
}

/// The columns of a form's header canbao writes from what it keeps elsewhere and reads back no field from, or
/// reads as statuses (`status_columns`): passed over without a word, as a class list's 签字 is. The 参保花名册's
/// 认定部门 is its categories' department; a template's are below.
pub fn own_columns(form: &OwnForm, header: &[Cell], map: &HeaderMap) -> Vec<usize> {
    let mut own: Vec<usize> = status_columns(form, header, map).iter().map(|c| c.at).collect();
    match form {
        OwnForm::Template(template) => own.extend(template_own_columns(template)),
        OwnForm::Roster => {
            let word = header::clean("认定部门");
            own.extend(header.iter().position(|c| header::clean(&c.text()) == word));
        }
        OwnForm::Sheet | OwnForm::FilledSheet | OwnForm::ClassList | OwnForm::Other => {}
    }
    own
}

/// The columns of a template's header that are the agency's, not a field canbao keeps (证件类型, a constant, the
/// departments, and the columns it leaves blank for the school to fill), or that it reads as statuses.
fn template_own_columns(template: &Template) -> Vec<usize> {
    let own = |v: Value| {
        matches!(
            v,
            Value::IdType | Value::Departments | Value::Constant | Value::Blank | Value::Enrollment | Value::Remark
        )
    };
    template.column.iter().enumerate().filter(|(_, c)| own(c.value)).map(|(at, _)| at).collect()
}

/// The status cells of a form whose header row is `header`.
pub fn status_columns(form: &OwnForm, header: &[Cell], map: &HeaderMap) -> Vec<StatusColumn> {
    let titled = |word: &str| {
        let word = header::clean(word);
        header.iter().position(|c| header::clean(&c.text()) == word)
    };
    let enrolled = map.columns.get(&Column::Enrolled).copied();
    let found = |at: Option<usize>, kind: StatusKind| at.map(|at| StatusColumn { at, kind });
    match form {
        OwnForm::Sheet => [found(enrolled, StatusKind::Insured), found(titled("备注"), StatusKind::PartPaymentRemark)]
            .into_iter()
            .flatten()
            .collect(),
        OwnForm::FilledSheet => found(enrolled, StatusKind::Insured).into_iter().collect(),
        // Which words its columns hold is not known: none is read as a status.
        OwnForm::Other => Vec::new(),
        OwnForm::ClassList => [
            found(enrolled, StatusKind::Insured),
            found(titled("是否缴费"), StatusKind::Paid),
            found(titled("参保登记"), StatusKind::Registration),
            found(titled("备注"), StatusKind::PartPaymentRemark),
        ]
        .into_iter()
        .flatten()
        .collect(),
        OwnForm::Roster => {
            [found(titled("参保情况"), StatusKind::RosterRegistration), found(titled("缴费情况"), StatusKind::Payment)]
                .into_iter()
                .flatten()
                .collect()
        }
        OwnForm::Template(template) => template
            .column
            .iter()
            .enumerate()
            .filter_map(|(at, c)| match c.value {
                Value::Enrollment => Some(StatusColumn { at, kind: StatusKind::Enrollment }),
                Value::Remark => Some(StatusColumn { at, kind: StatusKind::TemplateRemark }),
                _ => None,
            })
            .collect(),
    }
}

/// What a row's status cells say, with the reason or place a template's 备注 gives for 不参保 or 异地参保.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RowStatus {
    pub said: Vec<Said>,
    pub reason: Option<String>,
}

/// A status cell that reads as none of the words its form writes there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// Its column.
    pub at: usize,
    pub text: String,
    /// The words the column takes, quoted for a message.
    pub words: String,
}

/// Reads a row's status cells. A row whose status cells are all empty says nothing: a pupil a teacher typed in
/// (or moved onto another class's sheet) by name and number alone. The batch template, though, writes its
/// 备注 empty for a pupil enrolled through the school.
pub fn read_row(columns: &[StatusColumn], row: &[Cell], synonyms: &Synonyms) -> Result<RowStatus, Unreadable> {
    let cell = |at: usize| row.get(at).map(|c| c.text().trim().to_owned()).unwrap_or_default();
    let template = columns.iter().any(|c| c.kind == StatusKind::TemplateRemark);
    let statuses = columns.iter().filter(|c| c.kind != StatusKind::PartPaymentRemark);
    if !template && statuses.clone().all(|c| cell(c.at).is_empty()) {
        return Ok(RowStatus::default());
    }
    let mut status = RowStatus::default();
    let mut part_paid = false;
    for column in columns {
        let text = cell(column.at);
        let unreadable = || Unreadable { at: column.at, text: text.clone(), words: column.kind.words() };
        // 部分缴费 (a part payment, still to collect) says nothing of the statuses: the drive's amount decides.
        if text == crate::domain::coverage::PART_PAID.0
            && matches!(column.kind, StatusKind::Registration | StatusKind::RosterRegistration | StatusKind::Payment)
        {
            continue;
        }
        let said = match column.kind {
            StatusKind::PartPaymentRemark => {
                part_paid = text.split('；').any(crate::domain::policy::is_part_payment_remark);
                continue;
            }
            StatusKind::Insured | StatusKind::Paid if text.is_empty() => continue,
            StatusKind::Insured | StatusKind::Paid => {
                let yes = if column.kind == StatusKind::Insured { synonyms.is_yes(&text) } else { text == "是" };
                let no = text == "否";
                if !(yes || no) {
                    return Err(unreadable());
                }
                if column.kind == StatusKind::Insured { Said::Insured(yes) } else { Said::Paid(yes) }
            }
            StatusKind::Registration | StatusKind::RosterRegistration => {
                let none = text.is_empty()
                    || (column.kind == StatusKind::RosterRegistration && text == Enrollment::Unknown.label_zh());
                if none {
                    Said::Registration(None)
                } else {
                    let word = read_back::registration_words().into_iter().find(|w| *w == text);
                    Said::Registration(Some(word.ok_or_else(unreadable)?))
                }
            }
            StatusKind::Payment if text.is_empty() => continue,
            StatusKind::Payment => {
                let payment = PaymentStatus::ALL.into_iter().find(|p| p.label_zh() == text);
                Said::Payment(payment.ok_or_else(unreadable)?)
            }
            StatusKind::Enrollment if text.is_empty() => continue,
            StatusKind::Enrollment => {
                let enrollment = Enrollment::ALL.into_iter().find(|e| e.label_zh() == text);
                Said::Template(enrollment.ok_or_else(unreadable)?)
            }
            StatusKind::TemplateRemark => {
                let (enrollment, reason) = template_remark(&text).ok_or_else(unreadable)?;
                status.reason = reason;
                Said::Template(enrollment)
            }
        };
        status.said.push(said);
    }
    // 否 beside a part payment says the payment is short, not that nothing was paid: the drive's amount decides.
    if part_paid {
        status.said.retain(|s| *s != Said::Insured(false) && *s != Said::Paid(false));
    }
    Ok(status)
}

/// A template's 备注 as `forms::template` writes it: nothing for a pupil enrolled through the school, else the
/// enrollment's word with the reason after 「：」; either with the payment's remark (a part payment, amounts in
/// dispute, a payment the tax office holds under another name) and categories to certify again after 「；」, and the
/// ID number's before all (an earlier canbao wrote them last), which are canbao's and say nothing of the enrollment.
fn template_remark(text: &str) -> Option<(Enrollment, Option<String>)> {
    let canbaos = |part: &str| {
        let part = part.trim();
        (part.starts_with("身份证号码") && part.ends_with("待核实"))
            || crate::domain::id_number::is_form_remark(part)
            || crate::domain::policy::is_payment_remark(part)
            || crate::domain::unapplied::is_other_name_remark(part)
            || crate::domain::pupil_flags::is_flag_remark(part)
            || part == super::forms::template::NUMBER_LEFT_OUT
            || part == super::forms::template::ROW_LEFT_OUT
            || super::forms::template::is_recertify_remark(part)
            || super::forms::template::is_benefit_place_remark(part)
    };
    let mut own = text.trim();
    loop {
        match own.rsplit_once('；') {
            Some((before, last)) if canbaos(last) => own = before.trim(),
            None if canbaos(own) => own = "",
            _ => break,
        }
    }
    // The ID number's remarks come first (`forms::template::number_first`).
    while let Some((_, after)) = own.split_once('；').filter(|(first, _)| canbaos(first)) {
        own = after.trim();
    }
    if own.is_empty() {
        return Some((Enrollment::Here, None));
    }
    Enrollment::ALL.into_iter().filter(|e| *e != Enrollment::Here).find_map(|e| {
        let rest = own.strip_prefix(e.label_zh())?;
        if rest.is_empty() {
            return Some((e, None));
        }
        let reason = rest.strip_prefix('：').or_else(|| rest.strip_prefix(':'))?.trim();
        Some((e, (!reason.is_empty()).then(|| reason.to_owned())))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The student information sheet is known by its title with the policy's city before it too.
    #[test]
    fn the_sheet_is_known_with_or_without_its_city() {
        assert_eq!(form_of(Some("在校学生信息表"), None, false), Some(OwnForm::Sheet));
        assert_eq!(form_of(Some("宜宾市在校学生信息表"), None, false), Some(OwnForm::Sheet));
        assert_eq!(form_of(Some("班级在校学生信息表"), None, false), Some(OwnForm::Other));
    }

    #[test]
    fn a_file_name_says_its_year_once() {
        assert_eq!(year_in_name("柳州市示范小学-2027年度-批量参保模板-参保-20261204.xlsx"), Some(2027));
        assert_eq!(year_in_name("out/柳州市示范小学-批量参保模板-未参保-2028年度-20271204.csv"), Some(2028));
        assert_eq!(year_in_name("柳州市示范小学-批量参保模板-参保-20261204.xlsx"), None);
        assert_eq!(year_in_name("2027年度-2028年度.xlsx"), None, "two years: neither");
        assert_eq!(year_in_name("120270年度.xlsx"), None);
        assert_eq!(year_in_name("2027年度-批量参保模板-2027年度.xlsx"), Some(2027));
    }

    /// The batch template's 备注 read back: the enrollment and its reason, whatever canbao added after them of the
    /// payment or the ID number, in either file.
    #[test]
    fn a_template_remark_reads_past_canbaos_payment_and_number_remarks() {
        let paid = "已缴 300 元，应缴 380 元，差 80 元";
        let old = crate::domain::id_number::OLD_NUMBER_REMARK;
        assert_eq!(template_remark(paid), Some((Enrollment::Here, None)));
        assert_eq!(template_remark("金额待核实（两台电脑记录 300 元 / 380 元）"), Some((Enrollment::Here, None)));
        assert_eq!(template_remark(&format!("{paid}；{old}")), Some((Enrollment::Here, None)));
        assert_eq!(template_remark(&format!("已离校；{paid}")), Some((Enrollment::Left, None)));
        let declined = template_remark(&format!("不参保：家长不同意；{old}"));
        assert_eq!(declined, Some((Enrollment::Declined, Some("家长不同意".to_owned()))));
        assert_eq!(template_remark("身份证号码校验码错误，待核实"), Some((Enrollment::Here, None)));
        let left_out = super::super::forms::template::NUMBER_LEFT_OUT;
        let rounded = format!("不参保：家长不同意；身份证号码被表格四舍五入，待核实；{left_out}");
        assert_eq!(template_remark(&rounded), Some((Enrollment::Declined, Some("家长不同意".to_owned()))));
        // As the template writes it: the number's remarks first.
        let rounded = format!("身份证号码被表格四舍五入，待核实；{left_out}；不参保：家长不同意；{paid}");
        assert_eq!(template_remark(&rounded), Some((Enrollment::Declined, Some("家长不同意".to_owned()))));
        assert_eq!(template_remark(&format!("{old}；{left_out}；未确认")), Some((Enrollment::Unknown, None)));
        assert_eq!(template_remark("家长说下周交"), None, "no word of canbao's: unreadable, as before");
        let recertify = "孤儿（待重新认定）：人员类别为上一年度认定，本年度尚未认定，未填入上传模板";
        assert_eq!(template_remark(recertify), Some((Enrollment::Here, None)));
        assert_eq!(template_remark(&format!("未确认；{recertify}")), Some((Enrollment::Unknown, None)));
    }

    #[test]
    fn a_form_of_another_year_is_told_apart() {
        assert_eq!(other_year(Some(2027), Some(2028), Some(2027)), Some(OtherYear::Named(2027)));
        assert_eq!(other_year(Some(2029), Some(2028), Some(2027)), Some(OtherYear::Named(2029)));
        assert_eq!(other_year(Some(2028), Some(2028), Some(2027)), None);
        assert_eq!(other_year(None, Some(2028), Some(2027)), Some(OtherYear::Unnamed { first: 2027 }));
        assert_eq!(other_year(None, Some(2027), Some(2027)), None, "a drive in its first year takes it");
        assert_eq!(other_year(Some(2027), None, None), None, "a drive with no year");
    }

    #[test]
    fn a_templates_remark_reads_as_it_was_written() {
        assert_eq!(template_remark(""), Some((Enrollment::Here, None)));
        assert_eq!(template_remark("身份证号码校验码错误，待核实"), Some((Enrollment::Here, None)));
        assert_eq!(template_remark("未确认"), Some((Enrollment::Unknown, None)));
        assert_eq!(
            template_remark("异地参保：南宁市；身份证号码为空，待核实"),
            Some((Enrollment::Elsewhere, Some("南宁市".into())))
        );
        assert_eq!(
            template_remark("不参保：家长不同意；已在单位参保"),
            Some((Enrollment::Declined, Some("家长不同意；已在单位参保".into())))
        );
        assert_eq!(template_remark("已离校"), Some((Enrollment::Left, None)));
        assert_eq!(template_remark("转学"), None);
        assert_eq!(template_remark("在校参保"), None, "the template never writes it");
    }
}
