//! 缴费告知单: a payment notice for every family still to pay, so nobody writes amounts by hand. One slip per
//! pupil who is not yet paid for and has not declined or left (a pupil paid for by a department, or insured
//! elsewhere, gets none, nor one whose whole premium a department pays by category, not yet recorded), class by
//! class, three or four slips to an A4 page with cut lines between them and each
//! class starting on a new page. Each slip says what the family pays on the given day under the drive's policy,
//! what a department pays and for which category, the last day of that payment window, the coverage period and
//! how to pay (the policy file's `payment_instructions`). Without a policy, or on a day outside every payment
//! window, there are no slips: amounts are never left empty or guessed. A pupil whose category the policy sends
//! to enroll where the benefit was approved (or with the family) gets a slip that says so in place of an amount
//! and the school's payment channels. A family that paid less than due (a tax list's 200 of 400) gets a slip for
//! the rest, saying what was paid; not where two laptops recorded different amounts, which the tax office settles
//! first.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Worksheet, XlsxError};

use super::{FormInput, out_file};
use crate::domain::category::CategoryTable;
use crate::domain::class_label;
use crate::domain::coverage::Standing;
use crate::domain::money;
use crate::domain::policy::{self, EnrollPlace, EnrolleeKind, Policy, QuoteRequest, Refund};
use crate::domain::pupil_flags::HukouPending;
use crate::domain::student::{PaymentStatus, Student};
use crate::io::ReadError;
use crate::io::export::{FileFormat, TableWriter, excel_date, needs_landscape, print_setup};
use crate::io::sheet::ExportError;

pub use super::titles::NOTICES_TITLE as TITLE;

/// What one slip says.
#[derive(Debug, Clone, PartialEq)]
pub struct Slip {
    pub school: String,
    pub class: String,
    pub name: String,
    /// The last four characters of the ID number: enough for the family, nothing for anyone who finds it.
    pub id_tail: String,
    /// 人员类别, 、-separated; empty for most pupils.
    pub categories: String,
    /// What the family pays the tax office.
    pub personal_due_fen: i64,
    /// What a department pays on the pupil's behalf, which department, and for which category.
    pub department_due_fen: i64,
    pub department: Option<String>,
    pub subsidy_category: Option<String>,
    /// The last day of the payment window the day falls in.
    pub last_day: NaiveDate,
    pub coverage_from: NaiveDate,
    pub coverage_to: NaiveDate,
    /// 说明: the day and window the amount is for, and what else the family must know (a refund after paying,
    /// enrolling where the benefit was approved).
    pub note: String,
    /// The pupil's category enrolls away from school under the policy (待遇审批地, with the family): what the
    /// amount line says instead of an amount, e.g. 不随学校参保（应在待遇审批地参保缴费）. No school payment is asked of
    /// such a family.
    pub away: Option<String>,
    /// The subsidy needs 本市户籍 and the ID number doubts it: the amount line gives both amounts, neither as the
    /// one (`pupil_flags::hukou_pending`), and a family whose amount would be 0 still gets its slip.
    pub hukou_pending: Option<HukouPending>,
}

/// The pupils who get a slip: at school, not declined, not yet insured (paid, paid by a department, or insured
/// elsewhere).
pub fn needs_notice(s: &Student) -> bool {
    let standing = Standing::new(s.enrollment, s.payment);
    standing.is_expected() && !standing.is_insured()
}

/// The slips for the school's pupils (narrowed by `--class`), in roster order, for a payment on `on`, and how
/// many pupils got none because a department pays their whole premium (家庭应缴 0): a slip with a deadline and
/// payment channels would send the family to pay what it does not owe ([`paid_by_department_note`]).
pub fn slips(input: &FormInput, on: NaiveDate) -> Result<(String, Vec<Slip>, usize), ExportError> {
    let policy = input.policy.ok_or_else(|| ExportError::no_policy(input.store))?;
    let table = CategoryTable::builtin();
    let request = |s: Option<&Student>| QuoteRequest {
        categories: s.map(|s| s.categories.iter().map(|c| c.name.clone()).collect()).unwrap_or_default(),
        paid_on: on,
        enrollee: EnrolleeKind::default(),
        freshman: false,
        grade: s.map(|s| class_label::grade_in(&s.grade, &s.class)).unwrap_or_default(),
        birth_date: s.and_then(|s| s.birth_date),
    };
    // A day outside every window fails here, with the windows named, even for a class with nobody to notify; a
    // policy of another insured year than the forms' fails whatever the day: its amounts are not this year's.
    let ordinary = policy::quote_in_year(policy, table, &request(None), input.store.shown_year())?;
    let window = policy.window_for(on).ok_or_else(|| ExportError::no_policy(input.store))?;
    let (school, pupils) = input.school_pupils()?;
    // A family that paid less than due (a tax list's 200 of 400) is asked for the rest on a slip of its own, as
    // the forms count it unpaid (`FormInput::part_payment`); not where two laptops recorded different amounts,
    // which is the tax office's to settle first.
    // Nor the family of a pupil who left: nobody asks it for the rest.
    let rest_due = |s: &Student| {
        let asked = s.enrollment != crate::domain::student::Enrollment::Left;
        input.part_payment(s).filter(|_| asked)
    };
    // A payment the tax office's list recorded and a hand cleared since is still paid there: the slip says so,
    // so the family is not asked to pay twice before the tax office is asked.
    let listed = input.store.payments_from_a_list(&pupils)?;
    // A payment the tax office lists for the pupil's number under another name may be this family's: the slip
    // says it as the other forms do, so the family checks with the tax office before paying a second time.
    let other_names = input.other_name_remarks(&school)?;
    let mut slips = Vec::new();
    let mut paid_by_department = 0;
    for s in pupils.iter().filter(|s| needs_notice(s) || rest_due(s).is_some()) {
        // Categories carried from an earlier year (待重新认定) are not this year's until a department certifies them
        // again: the family is asked for the full amount, which the department pays back once it certifies the
        // pupil (003 四(二)2, 4); a slip for the subsidised part of a lapsed category would leave the pupil unpaid.
        let stale = input.categories_to_recertify(s);
        let to_recertify = !stale.is_empty();
        let certified = input.certified(s);
        let asked = request(Some(&certified));
        let mut quote = policy::quote(policy, table, &asked)
            .map_err(|e| ExportError::NoticeQuote { name: s.name.clone(), reason: e })?;
        // A subsidy that needs 本市户籍 for a pupil whose ID number doubts it: the family may owe the whole amount.
        let hukou_pending = Some(&certified)
            .filter(|_| rest_due(s).is_none())
            .and_then(|c| crate::domain::pupil_flags::hukou_pending(policy, table, c, &asked, &quote));
        // The family owes nothing: the department pays on its own schedule, and the 财政代缴 ledger lists the pupil.
        if quote.personal_due_fen == 0
            && quote.department_due_fen > 0
            && rest_due(s).is_none()
            && hukou_pending.is_none()
        {
            paid_by_department += 1;
            continue;
        }
        let mut note = vec![format!("按{}（{}）缴费计算", on.format("%Y-%m-%d"), window.name)];
        // The quote's own readings to confirm that rest on this pupil's categories (过渡期内脱贫人口 quoted as
        // 已稳定脱贫 on 001: 285, or 95 as a 监测对象), first: a family must not take a provisional figure for a
        // fixed one. Readings every pupil's quote carries are the policy's, not this figure's.
        // A slip that prints no amount nor cover (the pupil enrolls away from school) names neither; a pupil the
        // school enrolls all the same (`--at-school`, a payment recorded here) pays here and has both.
        let away_rule = input.away_rules(s).into_iter().find(|r| r.enroll.required_away());
        let away_slip = away_rule.is_some();
        let provisional = quote.judgements.iter().filter(|j| !ordinary.judgements.contains(j));
        note.splice(0..0, provisional.map(|j| provisional_words(j, quote.personal_due_fen, away_slip)));
        if to_recertify && certified.categories.is_empty() {
            note.push(format!(
                "人员类别（{}）待重新认定：本年度尚未认定，按全额缴费，认定后由认定部门按规定补助",
                super::names(stale.iter().copied())
            ));
        } else if to_recertify {
            note.push(format!(
                "人员类别（{}）待重新认定：本年度尚未认定，按已认定的{}计算，认定后由认定部门按规定补助",
                super::names(stale.iter().copied()),
                super::names(certified.categories.iter())
            ));
        }
        if let Some(l) = listed.get(&s.id).filter(|l| l.cleared_by_hand && s.payment == PaymentStatus::Unpaid) {
            let day = crate::store::instant::beijing_minutes(&l.listed_at);
            note.insert(0, format!("税务名单曾记为已缴费（{day} 核对记入，之后被清除）：请先向税务核实，勿重复缴费"));
        }
        if let Some(remark) = other_names.get(&s.id) {
            note.insert(0, format!("{remark}：请先向税务核实，勿重复缴费"));
        }
        if let Some(part) = rest_due(s) {
            let (paid, short) = (part.paid_fen, part.owed_fen());
            let said = match part.department_fen {
                // 财政代缴 of the department's share only (低保: 285 of 380): the family's share is what is asked.
                Some(department) => format!(
                    "部门代缴 {} 元，家庭应缴 {} 元，尚未缴纳，请缴纳 {} 元",
                    money::plain(department),
                    money::plain(part.due_fen),
                    money::plain(short)
                ),
                None => format!(
                    "已缴 {} 元，应缴 {} 元，请补缴其余 {} 元",
                    money::plain(paid),
                    money::plain(paid + short),
                    money::plain(short)
                ),
            };
            note.insert(0, said);
            quote.personal_due_fen = short;
        }
        let department = quote.paying_department.clone();
        let who = department.as_deref().map(|d| format!("{d}部门")).unwrap_or_else(|| "认定部门".to_owned());
        match quote.refund {
            Some(Refund::Amount { fen }) => note.push(format!("缴费后由{who}补助{}元", money::plain(fen))),
            Some(Refund::Unspecified) => note.push(format!("缴费后由{who}按规定补助")),
            None => {}
        }
        if quote.subsidy_unspecified {
            note.push("人员类别的补助由认定部门确定，以上金额未计入".to_owned());
        }
        if quote.enroll_at_benefit_place
            && let Some(rule) = away_rule
        {
            note.push(format!("{}{}", rule.category, crate::words::quote::ZH.place(rule.enroll)));
        }
        // The ID's last four characters of a number a spreadsheet rounded (…6000) are not the pupil's: the slip says
        // so, as the forms for the agencies do, for the family to give the whole number.
        note.extend(super::id_remark(s).map(str::to_owned));
        note.extend(input.flags(s));
        let away = away_rule.map(|rule| match rule.enroll {
            EnrollPlace::Family => "不随学校参保（以家庭为单位参保缴费）".to_owned(),
            _ => "不随学校参保（应在待遇审批地参保缴费）".to_owned(),
        });
        let class = s.class_label();
        slips.push(Slip {
            school: school.clone(),
            class: if class.trim().is_empty() { super::classes::NO_CLASS.to_owned() } else { class },
            name: s.name.clone(),
            // A number a spreadsheet rounded ends in digits it made up (…2000): none of them is printed as the
            // child's, whichever form the number was kept in.
            id_tail: if s.id_problem.as_deref() == Some(crate::domain::id_number::IdProblem::PrecisionLost.code()) {
                crate::domain::id_number::ROUNDED_TAIL.to_owned()
            } else {
                // An old 15-digit number's as the list gave it: the converted one ends in a check digit worked out.
                id_tail(
                    &crate::domain::id_number::fifteen_as_given(&s.id_number, s.id_kind)
                        .unwrap_or_else(|| s.id_number.clone()),
                )
            },
            categories: input.categories_shown(s),
            personal_due_fen: quote.personal_due_fen,
            department_due_fen: quote.department_due_fen,
            department,
            subsidy_category: quote.subsidy_category.clone(),
            last_day: window.to,
            coverage_from: quote.coverage_from,
            coverage_to: quote.coverage_to,
            note: note.join("；"),
            away,
            hukou_pending,
        });
    }
    if slips.is_empty() {
        return Err(ExportError::NoNotices);
    }
    Ok((school, slips, paid_by_department))
}

/// A reading the pupil's quote rests on, as the slip's 说明 says it: of the amount (with what the family would pay
/// if the reading is not confirmed, where the quote gives it) or of the cover, as the reading says it bears on;
/// on a slip printing neither (`away`), of neither.
fn provisional_words(j: &policy::Judgement, personal_due_fen: i64, away: bool) -> String {
    match (away, j.bears_on) {
        (true, _) => format!("待核实：{}", j.text),
        (false, policy::BearsOn::Cover) => format!("待遇期待核实：{}", j.text),
        (false, policy::BearsOn::Amount) => match (j.otherwise_personal_fen, j.otherwise_as.as_deref()) {
            (Some(fen), Some(other)) if fen != personal_due_fen => {
                format!("金额待核实：{}；如属{other}，家庭应缴 {} 元", j.text, money::plain(fen))
            }
            _ => format!("金额待核实：{}", j.text),
        },
    }
}

/// What the export says of the pupils [`slips`] gave no slip because a department pays their whole premium;
/// `None` for none.
pub fn paid_by_department_note(count: usize) -> Option<(String, String)> {
    (count > 0).then(|| {
        let who = if count == 1 { "pupil gets" } else { "pupils get" };
        let en = format!(
            "{count} {who} no notice: a department pays the whole premium (the family pays 0), as the 财政代缴 \
             ledger lists them"
        );
        (format!("未出缴费告知单 {count} 人：保费由部门全额代缴，家庭应缴 0 元，见财政代缴台账 ({en})"), en)
    })
}

/// The last four characters of the ID number, or nothing where they are not an ID number's (a number a
/// spreadsheet turned into 5.11502201604E+17 ends in 「E+17」), as for a pupil without one.
fn id_tail(id: &str) -> String {
    let chars: Vec<char> = id.trim().chars().collect();
    let tail = &chars[chars.len().saturating_sub(4)..];
    let last = tail.len().saturating_sub(1);
    let an_id_numbers =
        tail.iter().enumerate().all(|(i, c)| c.is_ascii_digit() || (i == last && matches!(c, 'X' | 'x')));
    if an_id_numbers { tail.iter().collect() } else { String::new() }
}

/// Writes the slips to one XLSX workbook (`--out` a file or a folder). Returns the file, how many slips, and how
/// many pupils got none because a department pays their whole premium.
pub fn export_notices(
    input: &FormInput,
    on: NaiveDate,
    out: Option<&Path>,
) -> Result<(PathBuf, usize, usize), ExportError> {
    if input.opts.format != FileFormat::Xlsx {
        return Err(ExportError::NoticesXlsxOnly);
    }
    let policy = input.policy.ok_or_else(|| ExportError::no_policy(input.store))?;
    let (school, slips, paid_by_department) = slips(input, on)?;
    let path = out_file(out, &input.file_name(&school, "缴费告知单", FileFormat::Xlsx));
    let mut writer = TableWriter::create(&path, FileFormat::Xlsx, input.store.path())?;
    let starts = page_starts(&slips, &instructions(policy));
    let sheets = sheets_of(&slips, &starts);
    for (n, range) in sheets.iter().enumerate() {
        let name = if sheets.len() == 1 { "缴费告知单".to_owned() } else { format!("缴费告知单{}", n + 1) };
        let sheet = writer.free_sheet(&name)?;
        lay_out(sheet, policy, &slips[range.clone()], &starts[range.clone()])
            .map_err(|e| ReadError::Write { file: path.display().to_string(), reason: e.to_string() })?;
    }
    Ok((writer.finish()?, slips.len(), paid_by_department))
}

/// Column widths: label, value, label, value. 7w + 5 pixels each, 622 in all: inside a portrait A4 page.
const WIDTHS: [f64; 4] = [13.0, 29.0, 15.0, 29.0];
/// The height of a page's printable area in points: A4 (842) less the 0.6" margins, with some room to spare
/// for spreadsheets that wrap a little differently.
const PAGE_POINTS: f64 = 730.0;
const ROW: f64 = 19.0;
const TITLE_ROW: f64 = 24.0;
const CUT_ROW: f64 = 16.0;
const GAP_ROW: f64 = 12.0;
/// Characters per line of the wide text cells (B:D, 73 units) at 9 points, counting a CJK character as one and
/// other characters as half; on the low side so the estimated height is never short.
const WIDE_LINE_CHARS: f64 = 36.0;
const WIDE_LINE_POINTS: f64 = 12.5;

/// The height a wrapped text needs in the wide cell.
fn wide_height(text: &str) -> f64 {
    let width: f64 = text.chars().map(|c| if c.is_ascii() { 0.5 } else { 1.0 }).sum();
    let lines = (width / WIDE_LINE_CHARS).ceil().max(1.0);
    (lines * WIDE_LINE_POINTS + 6.0).max(ROW)
}

/// The instructions a slip prints: the policy's, or where to ask.
fn instructions(policy: &Policy) -> String {
    if policy.payment_instructions.is_empty() {
        "请向当地税务部门（12366）咨询缴费方式".to_owned()
    } else {
        policy.payment_instructions.clone()
    }
}

/// What a slip for a pupil who enrolls away from school says in place of the school's payment channels.
const AWAY_HOW: &str = "不在本校缴费：请按待遇审批地（认定人员类别的部门）的安排办理参保缴费";

/// What a slip for a pupil who enrolls away from school prints for the school's deadline and cover: the family
/// pays and is covered on the terms of the place it enrolls, which the school's dates are not.
const NOT_THE_SCHOOLS: &str = "不适用（不在本校参保缴费）";

/// What a slip's amount line says for a pupil whose subsidy waits on the 本市户籍 check: both amounts.
pub fn hukou_pending_words(p: &HukouPending) -> String {
    format!(
        "户籍待核实：本市户籍应缴 {} 元（部门代缴 {} 元），非本市户籍应缴 {} 元",
        money::plain(p.local_personal_fen),
        money::plain(p.local_department_fen),
        money::plain(p.other_personal_fen)
    )
}

/// The payment channels a slip prints: the policy's, or (a pupil who enrolls away from school) none.
fn slip_how<'a>(slip: &Slip, how: &'a str) -> &'a str {
    if slip.away.is_some() { AWAY_HOW } else { how }
}

/// The slip's rows and their heights, before any is written: a page must know what fits.
fn slip_height(slip: &Slip, how: &str) -> f64 {
    TITLE_ROW + 5.0 * ROW + wide_height(slip_how(slip, how)) + wide_height(&slip.note)
}

struct Formats {
    title: Format,
    label: Format,
    value: Format,
    money: Format,
    away: Format,
    date: Format,
    small: Format,
    cut: Format,
}

fn formats() -> Formats {
    let cell = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter).set_font_size(10);
    Formats {
        title: Format::new()
            .set_bold()
            .set_font_size(14)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter),
        label: cell.clone().set_bold().set_align(FormatAlign::Center).set_text_wrap(),
        value: cell.clone().set_text_wrap().set_num_format("@"),
        money: cell.clone().set_bold().set_font_size(12).set_num_format("0.00"),
        away: cell.clone().set_bold().set_num_format("@"),
        date: cell.clone().set_num_format("yyyy-mm-dd").set_align(FormatAlign::Left),
        small: cell.set_font_size(9).set_text_wrap().set_num_format("@"),
        cut: Format::new()
            .set_border_bottom(FormatBorder::Dashed)
            .set_font_size(8)
            .set_font_color(Color::Gray)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::Bottom),
    }
}

/// Whether each slip starts a page: the first slip, each class's first, and a slip that would not fit on the page
/// (by the estimated heights) or be its fifth.
fn page_starts(slips: &[Slip], how: &str) -> Vec<bool> {
    let mut starts = Vec::with_capacity(slips.len());
    let mut used = 0.0;
    let mut on_page = 0;
    for (i, slip) in slips.iter().enumerate() {
        let height = slip_height(slip, how);
        let new_class = i > 0 && slips[i - 1].class != slip.class;
        let starts_page = i == 0 || new_class || used + height > PAGE_POINTS || on_page == 4;
        if starts_page {
            used = 0.0;
            on_page = 0;
        } else {
            used += CUT_ROW + GAP_ROW;
        }
        used += height;
        on_page += 1;
        starts.push(starts_page);
    }
    starts
}

/// The most pages one sheet holds. Excel allows 1,023 manual page breaks in a sheet (a file with more is refused
/// by the writer and by Excel alike), and a school early in its drive has thousands of families to notify.
const PAGES_PER_SHEET: usize = 1000;

/// The slips of each sheet, as ranges of `slips`: at most [`PAGES_PER_SHEET`] pages each. A class that would
/// cross into the next sheet starts it instead, when the class fits on one sheet, so it prints from one sheet.
fn sheets_of(slips: &[Slip], starts: &[bool]) -> Vec<std::ops::Range<usize>> {
    let class_starts = |i: usize| i == 0 || slips[i - 1].class != slips[i].class;
    // The pages of the class starting at each class's first slip.
    let mut class_pages = vec![0usize; slips.len()];
    let mut first_of_class = 0;
    for (i, &starts_page) in starts.iter().enumerate() {
        if class_starts(i) {
            first_of_class = i;
        }
        class_pages[first_of_class] += usize::from(starts_page);
    }
    let mut sheets = Vec::new();
    let mut first = 0;
    let mut pages = 0;
    // The first slip of the class on this sheet that fits on a sheet of its own and did not start it.
    let mut movable_class: Option<usize> = None;
    for (i, &starts_page) in starts.iter().enumerate() {
        if !starts_page {
            continue;
        }
        if pages == PAGES_PER_SHEET {
            let end = movable_class.unwrap_or(i);
            sheets.push(first..end);
            // The pages of a class moved on are on the new sheet.
            pages = starts[end..i].iter().filter(|&&s| s).count();
            first = end;
            movable_class = None;
        }
        pages += 1;
        if class_starts(i) {
            movable_class = (i > first && class_pages[i] <= PAGES_PER_SHEET).then_some(i);
        }
    }
    if first < slips.len() {
        sheets.push(first..slips.len());
    }
    sheets
}

/// Rows are written top to bottom (the sheet is written as it goes), each row's height before its cells.
/// `starts`: `page_starts` of the slips, which a sheet's first slip always is.
fn lay_out(sheet: &mut Worksheet, policy: &Policy, slips: &[Slip], starts: &[bool]) -> Result<(), XlsxError> {
    let f = formats();
    let how = instructions(policy);
    for (i, w) in WIDTHS.iter().enumerate() {
        sheet.set_column_width(i as u16, *w)?;
    }
    print_setup(sheet, needs_landscape(WIDTHS), None, 3)?;
    let mut row = 0u32;
    let mut breaks = Vec::new();
    for (i, (slip, &starts_page)) in slips.iter().zip(starts).enumerate() {
        if i > 0 && starts_page {
            breaks.push(row);
        } else if i > 0 {
            // A cut line under the slip before, then a little space.
            sheet.set_row_height(row, CUT_ROW)?;
            sheet.merge_range(row, 0, row, 3, "✂ 沿虚线剪开", &f.cut)?;
            sheet.set_row_height(row + 1, GAP_ROW)?;
            row += 2;
        }
        row = write_slip(sheet, &f, row, slip, &how)?;
    }
    // A plain last row: in constant-memory mode a last row with a height of its own is written twice.
    sheet.write_blank(row, 0, &Format::new().set_align(FormatAlign::Bottom))?;
    sheet.set_page_breaks(&breaks)?;
    Ok(())
}

fn write_slip(sheet: &mut Worksheet, f: &Formats, mut row: u32, slip: &Slip, how: &str) -> Result<u32, XlsxError> {
    sheet.set_row_height(row, TITLE_ROW)?;
    sheet.merge_range(row, 0, row, 3, TITLE, &f.title)?;
    row += 1;
    let pair = |sheet: &mut Worksheet, row: u32, left: (&str, &str), right: (&str, &str)| -> Result<(), XlsxError> {
        sheet.set_row_height(row, ROW)?;
        sheet.write_string_with_format(row, 0, left.0, &f.label)?;
        // Text cells: a name an earlier canbao kept as `'=…` is written as the family wrote it (see `xlsx_text`).
        sheet.write_string_with_format(row, 1, crate::io::table::xlsx_text(left.1), &f.value)?;
        sheet.write_string_with_format(row, 2, right.0, &f.label)?;
        sheet.write_string_with_format(row, 3, crate::io::table::xlsx_text(right.1), &f.value)?;
        Ok(())
    };
    pair(sheet, row, ("学校", &slip.school), ("班级", &slip.class))?;
    row += 1;
    pair(sheet, row, ("学生姓名", &slip.name), ("身份证号后四位", &slip.id_tail))?;
    row += 1;
    let categories = if slip.categories.is_empty() { "—" } else { slip.categories.as_str() };
    sheet.set_row_height(row, ROW)?;
    sheet.write_string_with_format(row, 0, "人员类别", &f.label)?;
    sheet.write_string_with_format(row, 1, categories, &f.value)?;
    sheet.write_string_with_format(row, 2, "缴费截止日期", &f.label)?;
    match excel_date(slip.last_day) {
        _ if slip.away.is_some() => sheet.write_string_with_format(row, 3, NOT_THE_SCHOOLS, &f.value)?,
        Some(d) => sheet.write_date_with_format(row, 3, d, &f.date)?,
        None => sheet.write_string_with_format(row, 3, slip.last_day.format("%Y-%m-%d").to_string(), &f.value)?,
    };
    row += 1;
    sheet.set_row_height(row, ROW)?;
    sheet.write_string_with_format(row, 0, "家庭应缴（元）", &f.label)?;
    if let Some(away) = &slip.away {
        // No amount at all: a slip handed to the family must not ask for a school payment the policy rules out.
        sheet.merge_range(row, 1, row, 3, away, &f.away)?;
    } else if let Some(p) = &slip.hukou_pending {
        sheet.merge_range(row, 1, row, 3, &hukou_pending_words(p), &f.away)?;
    } else {
        sheet.write_number_with_format(row, 1, money::as_number(slip.personal_due_fen), &f.money)?;
        sheet.write_string_with_format(row, 2, "部门代缴（元）", &f.label)?;
        sheet.write_number_with_format(row, 3, money::as_number(slip.department_due_fen), &f.money)?;
    }
    row += 1;
    let paid_by = match (&slip.department, &slip.subsidy_category) {
        (Some(d), Some(c)) if slip.department_due_fen > 0 => format!("{d}（{c}）"),
        (Some(d), None) if slip.department_due_fen > 0 => d.clone(),
        _ => "—".to_owned(),
    };
    let coverage = match slip.away {
        Some(_) => NOT_THE_SCHOOLS.to_owned(),
        None => format!("{} 至 {}", slip.coverage_from.format("%Y-%m-%d"), slip.coverage_to.format("%Y-%m-%d")),
    };
    pair(sheet, row, ("代缴部门", &paid_by), ("待遇享受期", &coverage))?;
    row += 1;
    for (label, text) in [("缴费方式", slip_how(slip, how)), ("说明", slip.note.as_str())] {
        sheet.set_row_height(row, wide_height(text))?;
        sheet.write_string_with_format(row, 0, label, &f.label)?;
        sheet.merge_range(row, 1, row, 3, text, &f.small)?;
        row += 1;
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::policy::PolicySet;

    #[test]
    fn the_id_tail_is_four_characters() {
        assert_eq!(id_tail("45020320190307775X"), "775X");
        assert_eq!(id_tail("123"), "123");
        // A number a spreadsheet kept in its own notation ends in no digits of the pupil's.
        assert_eq!(id_tail("5.11502201604E+17"), "");
        assert_eq!(id_tail(""), "");
    }

    /// The notices name the channels their policy's notice does (000 五, 001 附件1 三, 003 三(二)2).
    #[test]
    fn builtin_policies_say_how_to_pay() {
        let set = PolicySet::builtin();
        let how = |name: &str| instructions(set.get(name).expect("builtin"));
        for name in ["liuzhou-2023", "liuzhou-2021"] {
            for channel in ["广西税务12366", "市民中心", "城市服务", "工商银行", "柳州银行"] {
                assert!(how(name).contains(channel), "{name}: {channel}");
            }
        }
        for channel in ["四川税务", "电子税务局", "柜台"] {
            assert!(how("yibin-2024").contains(channel), "{channel}");
        }
    }

    /// 004 附件 四(二): the 「泉州医疗保障」 account's path and the letter's QR code, not only a phone to call.
    #[test]
    fn quanzhou_slips_give_the_notices_payment_path() {
        let how = instructions(PolicySet::builtin().get("quanzhou-2023").expect("builtin"));
        for said in ["泉州医疗保障", "便民服务", "城乡居民医保缴费", "个人社（医）保缴费办理", "二维码", "0595-12366"]
        {
            assert!(how.contains(said), "{said}: {how}");
        }
        assert!(!how.contains("咨询缴费方式"), "{how}");
    }

    /// 001 附件1 三 (一)–(四): the banks' 智能POS机, the 社保代办点, the tax office's channels and the 「宜宾医保」
    /// account's 缴费服务.
    #[test]
    fn yibin_slips_give_all_four_of_the_notices_ways() {
        let how = instructions(PolicySet::builtin().get("yibin-2024").expect("builtin"));
        for said in
            ["宜宾商业银行", "智能POS机", "社保代办点", "四川税务", "电子税务局", "办税服务厅", "宜宾医保", "缴费服务"]
        {
            assert!(how.contains(said), "{said}: {how}");
        }
    }

    /// 002 五(二) 1–5: 二维码扫码 among the banks' ways, 惠民村镇银行 for 仪陇 only, and the 办税服务大厅.
    #[test]
    fn nanchong_slips_give_all_five_of_the_notices_ways() {
        let how = instructions(PolicySet::builtin().get("nanchong-2023").expect("builtin"));
        for said in
            ["城市服务", "市民中心", "电子税务局", "天府银行", "二维码扫码", "税银POS机", "办税服务大厅", "现金"]
        {
            assert!(how.contains(said), "{said}: {how}");
        }
        assert!(how.contains("惠民村镇银行（仅限仪陇）"), "{how}");
    }

    #[test]
    fn a_long_text_gets_a_taller_row() {
        assert_eq!(wide_height("短"), ROW);
        let long = "甲".repeat(100);
        assert!(wide_height(&long) >= 3.0 * WIDE_LINE_POINTS);
        assert!(wide_height(&long) > wide_height(&"甲".repeat(40)));
    }
}
