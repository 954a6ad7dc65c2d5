//! The four ledgers (四本台账, 001 三): 已缴费 · 未缴费 · 异地缴费 · 财政代缴, one worksheet each in XLSX, one
//! file each in CSV. Which ledger a pupil is in comes from `domain::policy::roster_ledger`, so special
//! categories follow the drive's policy.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{FormInput, out_dir, out_file, remark_cell, yuan_cell};
use crate::domain::category::CategoryTable;
use crate::domain::coverage::Standing;
use crate::domain::money;
use crate::domain::policy::{self, AmountDispute, Ledger, Quote, ShareReason};
use crate::domain::roster_check::{self, UnrecordedPayment};
use crate::domain::student::{Enrollment, PaymentStatus, Student, TAX_LIST_WITHOUT_CHANNEL};
use crate::io::export::{ColumnSpec, FileFormat, Out, Preamble, TableWriter, check_targets, place_all};
use crate::io::sheet::ExportError;
use crate::words::Language;
use crate::words::share::ShareWords;

/// The columns every ledger starts with.
const COMMON: [(&str, f64); 6] = [
    ("序号", 7.0),
    ("姓名", 12.0),
    ("身份证号码", 22.0),
    ("所在年级、班级", 16.0),
    ("联系电话", 15.0),
    ("人员类别", 16.0),
];

/// The column every ledger ends with: an ID number the agencies must not take as it stands, and in 未缴费 a
/// family's part payment, which insures nobody (「已缴 300 元，应缴 380 元，差 80 元」).
const REMARK: (&str, f64) = ("备注", 30.0);

/// The department's part of a pupil's premium whose family pays the rest (`part_on_behalf`), in the family's
/// ledger under the 财政代缴 ledger's own words, so what each department pays adds up over the ledgers.
const PART_DEPARTMENT: (&str, f64) = ("代缴部门", 12.0);
const PART_AMOUNT: (&str, f64) = ("代缴金额（元）", 14.0);

/// The columns particular to one ledger.
pub fn extra_columns(ledger: Ledger) -> &'static [(&'static str, f64)] {
    match ledger {
        Ledger::Paid => {
            &[("缴费金额（元）", 14.0), ("缴费日期", 12.0), ("缴费渠道", 20.0), PART_DEPARTMENT, PART_AMOUNT]
        }
        Ledger::Unpaid => &[("应缴金额（元）", 14.0), PART_DEPARTMENT, PART_AMOUNT],
        Ledger::PaidElsewhere => &[("说明", 36.0)],
        Ledger::GovernmentPaid => &[PART_DEPARTMENT, PART_AMOUNT],
    }
}

/// Writes the four ledgers for one school: one XLSX workbook (`--out` a file or folder), or four CSV files
/// (`--out` a folder). A ledger with nobody in it still gets its sheet or file, with the header only.
pub fn export_ledgers(input: &FormInput, out: Option<&Path>) -> Result<Vec<PathBuf>, ExportError> {
    let (school, pupils) = input.school_pupils()?;
    let disputes = input.store.amount_disputes(&pupils)?;
    // Payments the tax office's list recorded: their channel, where the list gave none, is said as the tax office.
    let listed: HashSet<i64> = input
        .store
        .payments_from_a_list(&pupils)?
        .into_iter()
        .filter(|(_, l)| !l.cleared_by_hand)
        .map(|(id, _)| id)
        .collect();
    // Families' payments a tax list holds beside a department's (财政代缴), by ID number: the 财政代缴 ledger says
    // a refund or a correction is owed, as `check` lists them.
    let kept = input.store.unapplied_payments()?;
    let mut on_top: HashMap<String, Vec<UnrecordedPayment>> = HashMap::new();
    for line in roster_check::tax_paid_unrecorded(&kept, &pupils) {
        on_top.entry(line.id_number.clone()).or_default().push(line);
    }
    // A payment the tax office holds under another name for an unpaid pupil: the ledger is what the tax office
    // compares, so it says so as the other forms do, and the child does not read as simply unpaid.
    let other_names = input.other_name_remarks(&school)?;
    let held = (&disputes, &listed, &on_top, &other_names);
    let format = input.opts.format;
    let mut written = Vec::new();
    match format {
        FileFormat::Xlsx => {
            let path = out_file(out, &input.file_name(&school, "四本台账", format));
            let mut writer = TableWriter::create(&path, format, input.store.path())?;
            for ledger in Ledger::ALL {
                write_ledger(&mut writer, input, (&school, &pupils, held), ledger)?;
            }
            written.push(writer.finish()?);
        }
        FileFormat::Csv => {
            let dir = out_dir(out)?;
            let paths: Vec<PathBuf> = Ledger::ALL
                .iter()
                .map(|ledger| dir.join(input.file_name(&school, &format!("{}台账", ledger.label_zh()), format)))
                .collect();
            check_targets(&paths, format, input.store.path())?;
            // Every file or none.
            let mut unplaced = Vec::with_capacity(paths.len());
            for (ledger, path) in Ledger::ALL.into_iter().zip(&paths) {
                let mut writer = TableWriter::create(path, format, input.store.path())?;
                write_ledger(&mut writer, input, (&school, &pupils, held), ledger)?;
                unplaced.push(writer.finish_unplaced()?);
            }
            written = place_all(unplaced)?;
        }
    }
    Ok(written)
}

/// The school, its pupils, the payments among theirs two laptops recorded with different amounts, the
/// payments a tax list recorded, the payments a tax list holds that the drive did not record, by ID number, and
/// what 备注 says of a payment the tax list holds for a pupil's number under another name, by pupil id.
type LedgerPupils<'a> = (
    &'a str,
    &'a [Student],
    (
        &'a HashMap<i64, AmountDispute>,
        &'a HashSet<i64>,
        &'a HashMap<String, Vec<UnrecordedPayment>>,
        &'a HashMap<i64, String>,
    ),
);

fn write_ledger(
    writer: &mut TableWriter,
    input: &FormInput,
    (school, pupils, (disputes, listed_payments, on_top, other_names)): LedgerPupils,
    ledger: Ledger,
) -> Result<(), ExportError> {
    let columns: Vec<ColumnSpec> =
        COMMON.iter().chain(extra_columns(ledger)).chain(&[REMARK]).map(|(t, w)| ColumnSpec::new(t, *w)).collect();
    let mut lines = vec![vec![format!("学校名称：{school}"), input.year_line(), input.date_line()]];
    lines.extend(no_policy_line(input, ledger).map(|line| vec![line]));
    // Under a policy of another year the 应缴金额 and 备注 are left empty: said on each ledger, which is handed in
    // on its own.
    lines.extend(input.amounts_not_checked_line("本台账").map(|line| vec![line]));
    // Before the policy's payment windows open no amount is due yet, and after the last one closes none is quoted:
    // the 应缴金额 left empty is said.
    if ledger == Ledger::Unpaid {
        lines.extend(input.windows_not_open_line().or_else(|| input.windows_closed_line()).map(|line| vec![line]));
    }
    let preamble = Preamble { title: Some(format!("{}台账", ledger.label_zh())), lines };
    writer.begin_table(ledger.label_zh(), &preamble, &columns)?;
    // A pupil counted in 财政代缴 whose 本市户籍, which the subsidy needs, is to be checked, and whom nothing is
    // recorded paid for, owes the whole premium if not of the city: the school's list of whom to chase (未缴费)
    // names them as well, said to be counted in 财政代缴, so that neither ledger alone leaves the family unasked.
    let listed = |s: &Student| match input.ledger(s) {
        Some(l) if l == ledger => true,
        Some(Ledger::GovernmentPaid) => ledger == Ledger::Unpaid && hukou_pending(input, s).is_some(),
        _ => false,
    };
    let mut seq = 0u32;
    for s in pupils.iter().filter(|s| listed(s)) {
        seq += 1;
        // Categories carried from an earlier year are shown, said to be certified again, and weigh nothing.
        let categories = input.categories_shown(s);
        let pupil = s;
        let view = input.certified(s);
        let s = view.as_ref();
        let mut row = vec![
            Out::Number(f64::from(seq)),
            Out::Text(s.name.clone()),
            input.id_cell(s),
            Out::Text(s.class_label()),
            Out::Text(crate::domain::phone::on_forms(&s.phone).to_owned()),
            Out::Text(categories),
        ];
        let (cells, remark) = match ledger {
            Ledger::GovernmentPaid => {
                let (cells, share) = government_row(input, pupil);
                (cells, government_remark(s, &share, on_top.get(&s.id_number).map(Vec::as_slice).unwrap_or_default()))
            }
            _ => {
                let mut remark = own_remark(input, ledger, s, disputes.get(&s.id));
                // Chased here while the 本市户籍 a subsidy needs is to be checked: 备注 gives both amounts, as the
                // 应缴金额 is neither until then, and what to record once it is.
                if let Some(pending) = hukou_pending(input, pupil).filter(|_| ledger == Ledger::Unpaid) {
                    let mut said = pending_words(&pending);
                    if input.ledger(pupil) == Some(Ledger::GovernmentPaid) {
                        said.push('；');
                        said.push_str(ALSO_GOVERNMENT);
                    }
                    remark = if remark.is_empty() { said } else { format!("{said}；{remark}") };
                }
                (extra_cells(input, ledger, s, listed_payments.contains(&s.id)), remark)
            }
        };
        row.extend(cells);
        let remark = match other_names.get(&s.id) {
            Some(other) if remark.is_empty() => other.clone(),
            Some(other) => format!("{remark}；{other}"),
            None => remark,
        };
        row.push(remark_cell(&remark, s, &input.flags(s)));
        writer.row(&row)?;
    }
    Ok(())
}

/// The 未缴费 ledger's line when the drive has no policy: its 应缴金额 is left blank, which would otherwise read as
/// nothing due (the other ledgers have no amount due).
pub fn no_policy_line(input: &FormInput, ledger: Ledger) -> Option<String> {
    (ledger == Ledger::Unpaid && input.policy.is_none()).then(|| {
        "应缴金额未填：数据文件没有选定保费政策，无法计算应缴金额；请用 canbao policy use 选定政策后重新导出".to_owned()
    })
}

/// Why the 未缴费 ledger's 应缴金额 is empty, as its own line says it (no policy, the payment windows not open yet
/// or all closed), in the few words a screen's report holds at 80 columns: both languages, and the English.
pub fn blank_amounts_note(input: &FormInput) -> Option<(String, String)> {
    let (zh, en) = if input.policy.is_none() {
        ("未选定保费政策".to_owned(), "no policy chosen".to_owned())
    } else if let Some((_, first)) = input.windows_not_open() {
        (format!("缴费期 {} 才开始", first.from), format!("payment opens {}", first.from))
    } else if let Some((_, last)) = input.windows_closed() {
        (format!("缴费期已于 {} 结束", last.to), format!("payment closed {}", last.to))
    } else {
        return None;
    };
    let en = format!("unpaid ledger leaves amounts due empty: {en}");
    Some((format!("未缴费台账的应缴金额未填：{zh}（台账中已注明） ({en})"), en))
}

/// What the ledger itself says of the pupil in 备注 (the ID number's remark follows it).
fn own_remark(input: &FormInput, ledger: Ledger, s: &Student, dispute: Option<&AmountDispute>) -> String {
    // A payment a tax list recorded beside the roster's 不参保: the roster's word stays said beside the money.
    // Not for a part payment, which insures nobody: its own remark says what was paid.
    let status = Standing::new(s.enrollment, s.payment)
        .status_remark(s.decline_reason.as_deref())
        .filter(|_| input.part_payment(s).is_none());
    let own = paid_remark(input, ledger, s, dispute);
    match status {
        Some(status) if own.is_empty() => status,
        Some(status) => format!("{status}；{own}"),
        None => own,
    }
}

/// The 已缴费 ledger's 备注 of a pupil marked paid with neither amount nor date recorded.
const AMOUNT_AND_DATE_UNRECORDED: &str = "金额和日期未登记";

/// The 已缴费 ledger's 备注 of a pupil marked paid with a date and no amount.
const AMOUNT_UNRECORDED: &str = "金额未登记";

/// What the ledger says of the pupil's payment in 备注: no amount recorded, a dispute, a shortfall or an
/// overpayment.
fn paid_remark(input: &FormInput, ledger: Ledger, s: &Student, dispute: Option<&AmountDispute>) -> String {
    // Two laptops' amounts for one payment: a 「少缴」 worked out from the one a merge kept would send the school
    // to the family for money the tax office may show paid.
    if let (Ledger::Paid, Some(dispute)) = (ledger, dispute) {
        return dispute.words().0;
    }
    // Marked paid with no amount (a teacher's ticked 班级核对表 read back, an older drive): a blank 缴费金额 would
    // read as a payment of nothing, and the column's total short with no word of why.
    if ledger == Ledger::Paid && s.payment_details.amount_fen.is_none() {
        return match s.payment_details.paid_on {
            None => AMOUNT_AND_DATE_UNRECORDED.to_owned(),
            Some(_) => AMOUNT_UNRECORDED.to_owned(),
        };
    }
    match (ledger, input.priced_policy()) {
        // A family that paid less than the quote (a tax list's amount, recorded as it was paid) is asked for the
        // rest: the ledger keeps saying so after the reconcile's report is closed. One that paid before a category
        // was certified is said with what the policy does then (no department pays on the pupil's behalf; the
        // subsidy goes to the family, or the notice is silent), so no reader takes the department to owe it still.
        (Ledger::Paid, Some(p)) => match policy::pupil_shortfall_fen(p, s, input.opts.date) {
            Some(fen) => policy::shortfall_words(fen).0,
            None => match policy::pupil_paid_first(p, s, input.opts.date) {
                Some(paid) => crate::words::quote::ZH.paid_first(&paid).trim_end_matches('。').to_owned(),
                None => policy::pupil_overpayment_words(p, s, input.opts.date).unwrap_or_default(),
            },
        },
        // A family that paid part of the amount due is chased for the rest (its 应缴金额), what it paid said here. A
        // pupil the policy sends to enroll where the benefit was approved is here only when the school enrolls the
        // pupil all the same (在校参保, a payment): `away_words` says nothing of such a pupil, as the notice asks the
        // family for the school's amount.
        (Ledger::Unpaid, _) => match input.part_payment(s) {
            Some(part) => part.remark(),
            None => away_words(input, s).unwrap_or_default(),
        },
        _ => String::new(),
    }
}

/// The quote for the pupil's payment date, or the export's date; `None` without a policy of the form's year or
/// where no window takes that date.
fn quote(input: &FormInput, s: &Student) -> Option<Quote> {
    policy::quote_pupil(input.priced_policy()?, s, input.opts.date).ok()
}

/// The ledger's own cells of the pupil; `listed`: the payment is one a tax list recorded.
fn extra_cells(input: &FormInput, ledger: Ledger, s: &Student, listed: bool) -> Vec<Out<'static>> {
    let text = |t: String| if t.is_empty() { Out::Empty } else { Out::Text(t) };
    match ledger {
        Ledger::Paid => {
            let channel = s.payment_details.channel.as_deref().map(str::trim).filter(|c| !c.is_empty());
            // A tax list without a channel still says the money reached the tax office; a payment marked by hand
            // without one says nothing, as nothing is known of it.
            let channel = match channel {
                Some(c) => c.to_owned(),
                None if listed => TAX_LIST_WITHOUT_CHANNEL.to_owned(),
                None => String::new(),
            };
            let mut cells = vec![
                s.payment_details.amount_fen.map(yuan_cell).unwrap_or(Out::Empty),
                s.payment_details.paid_on.map(Out::Date).unwrap_or(Out::Empty),
                text(channel),
            ];
            cells.extend(part_cells(input, s));
            cells
        }
        Ledger::Unpaid => {
            let due = match input.part_payment(s) {
                Some(part) => yuan_cell(part.due_fen - part.paid_fen),
                // The family owes 0 or the whole premium by the pupil's 户籍, which is to be checked: neither is the
                // amount, and 备注 gives both.
                None => match quote(input, s) {
                    Some(_) if hukou_pending(input, s).is_some() => Out::Text(PENDING.to_owned()),
                    Some(q) => yuan_cell(q.personal_due_fen),
                    None => Out::Empty,
                },
            };
            let mut cells = vec![due];
            cells.extend(part_cells(input, s));
            cells
        }
        Ledger::PaidElsewhere => {
            let away = away_words(input, s);
            // Where the operator said the pupil is insured (the place typed with 异地参保), beside what the
            // category's rule says: the school hands this ledger in to account for each child not enrolled here.
            let mut place = match (s.enrollment, s.decline_reason.as_deref().map(str::trim)) {
                (Enrollment::Elsewhere, Some(place)) if !place.is_empty() => format!("异地参保：{place}"),
                (Enrollment::Elsewhere, _) => "异地参保".to_owned(),
                (other, _) => other.label_zh().to_owned(),
            };
            // Marked 财政代缴: a department paid where the pupil is insured, which counts the pupil there.
            if s.payment == PaymentStatus::Government {
                place.push_str("（财政代缴）");
            }
            vec![text(match away {
                Some(away) if s.enrollment == Enrollment::Elsewhere => format!("{away}；{place}"),
                // Counted here by the category's rule alone: nobody has said yet that the pupil is insured there,
                // as the student information sheet's 否 says.
                Some(away) => format!("{away}；{AWAY_UNCONFIRMED}"),
                None => place,
            })]
        }
        Ledger::GovernmentPaid => government_row(input, s).0,
    }
}

/// 代缴部门 and 代缴金额 of a pupil in 已缴费 or 未缴费: the department's part (`part_on_behalf`), empty for most.
fn part_cells(input: &FormInput, s: &Student) -> [Out<'static>; 2] {
    match part_on_behalf(input, s) {
        Some((department, fen)) => {
            [if department.is_empty() { Out::Empty } else { Out::Text(department) }, yuan_cell(fen)]
        }
        None => [Out::Empty, Out::Empty],
    }
}

/// What the 异地缴费 ledger's 说明 adds for a pupil counted there by a category that enrolls away from school
/// (待遇审批地, with the family) whom nobody has confirmed enrolled there (异地参保).
pub const AWAY_UNCONFIRMED: &str = "尚未确认是否已参保";

/// Where the policy has the pupil's category enroll away from school, as the ledgers say it:
/// 「低保对象：应在待遇审批地参保缴费」.
/// Nothing for a pupil the school enrolls (`FormInput::away_rules`).
fn away_words(input: &FormInput, s: &Student) -> Option<String> {
    let rule = input.away_rules(s).into_iter().next()?;
    Some(format!("{}：{}", rule.category, crate::words::quote::ZH.place(rule.enroll)))
}

/// What the 财政代缴 ledger says of the pupil in 备注 besides the department's share (`share`): a pupil whose
/// full-subsidy category puts them here before anyone recorded the department's payment is said to be so, as
/// the roster, the dashboard and the other forms count them not insured yet; and a family's payment a tax list
/// holds beside the department's (`on_top`: `check`'s lines for the pupil) is a refund or a correction owed.
fn government_remark(s: &Student, share: &str, on_top: &[UnrecordedPayment]) -> String {
    let mut parts: Vec<String> = Vec::new();
    if s.payment != PaymentStatus::Government {
        parts.push(UNRECORDED_GOVERNMENT.to_owned());
    }
    for line in on_top.iter().filter(|_| s.payment == PaymentStatus::Government) {
        let (amount, day) = line.amount_and_day(false);
        parts.push(format!(
            "税务名单另有家庭缴费 {amount}（{day}，{}），与财政代缴重复：应退费或更正",
            line.place(false)
        ));
    }
    if !share.trim().is_empty() {
        parts.push(share.trim().to_owned());
    }
    parts.join("；")
}

/// The department's part of the premium of a pupil in 已缴费 or 未缴费 whose family pays the rest (a share subsidy
/// paid to the tax office on the pupil's behalf, 001 附件1 二(二)), as the payment notice states both: (代缴部门,
/// 代缴金额 in fen). `None` for any other pupil: no category, a department that pays it all (the pupil is in
/// 财政代缴), one that pays the family back afterwards (003 四(一)3: nothing is paid on the pupil's behalf), or a
/// family that paid more than its part (the 已缴费 ledger's 备注 says so). Categories carried from an earlier year
/// and not certified again weigh nothing, as everywhere on the ledgers.
fn part_on_behalf(input: &FormInput, s: &Student) -> Option<(String, i64)> {
    let view = input.certified(s);
    if view.categories.is_empty() || input.priced_policy().is_none() {
        return None;
    }
    let share = policy::department_share(input.policy, CategoryTable::builtin(), &view, input.opts.date);
    let Some(ShareReason::FamilyOwes { family_fen, .. }) = share.reason else { return None };
    let paid_more = s.payment == PaymentStatus::Paid && s.payment_details.amount_fen.is_some_and(|a| a > family_fen);
    let fen = share.amount_fen.filter(|&fen| fen > 0 && !paid_more)?;
    Some((share.department, fen))
}

/// 备注 of a pupil in the 财政代缴 ledger by a certified full-subsidy category alone, no department's payment
/// recorded (the department pays on its own schedule, by the end of March: 003 三(三)).
pub const UNRECORDED_GOVERNMENT: &str = "已认定类别，未登记代缴";

/// A 财政代缴 row's 代缴部门, 代缴金额 and 备注: the department's share under the drive's policy, never a bare 0
/// (`policy::department_share` says why a share is 0, unknown or partial; 备注 says it in words). `s` as stored:
/// the share is by the categories certified for the form's year, and a category carried from an earlier year is
/// said to be certified again, not taken for none.
fn government_row(input: &FormInput, s: &Student) -> (Vec<Out<'static>>, String) {
    let table = CategoryTable::builtin();
    let share = policy::certified_department_share(input.policy, table, s, input.opts.date, input.store.shown_year());
    let mut remark = ShareWords::of(Language::Zh).remark(&share);
    // Listed here by a category that needs 本市户籍, on an ID number that doubts it: the department's figure holds
    // only once the 户籍 is confirmed, and the family may owe the whole amount instead, as the notice says.
    let pending = hukou_pending(input, s);
    if let Some(pending) = &pending {
        let said = pending_words(pending);
        remark = if remark.trim().is_empty() { said } else { format!("{said}；{remark}") };
    }
    let department = if share.department.is_empty() { Out::Empty } else { Out::Text(share.department) };
    // The department's figure holds only for a pupil of the city: 待核实 until then, never its amount as fact.
    let amount = match pending {
        Some(_) => Out::Text(PENDING.to_owned()),
        None => share.amount_fen.map(yuan_cell).unwrap_or(Out::Empty),
    };
    (vec![department, amount], remark)
}

/// An amount cell (应缴金额, 代缴金额) of a pupil whose 本市户籍 is to be checked: neither figure is the one.
const PENDING: &str = "待核实";

/// What the 未缴费 ledger's 备注 adds of a pupil it names while counted in 财政代缴, pending the 本市户籍 check.
const ALSO_GOVERNMENT: &str = "亦列于财政代缴台账：本市户籍的登记财政代缴，非本市户籍的由家庭缴费";

/// What 备注 says of a pupil whose 本市户籍 is to be checked: both amounts, each by the 户籍.
fn pending_words(pending: &crate::domain::pupil_flags::HukouPending) -> String {
    format!(
        "待核实户籍：本市户籍由部门代缴 {} 元，非本市户籍家庭应缴 {} 元",
        money::plain(pending.local_department_fen),
        money::plain(pending.other_personal_fen)
    )
}

/// Both amounts of an unpaid pupil whose subsidy waits on the 本市户籍 check (`pupil_flags::hukou_pending`), by
/// the categories certified for the form's year; `None` for a pupil a department was recorded paying for.
fn hukou_pending(input: &FormInput, s: &Student) -> Option<crate::domain::pupil_flags::HukouPending> {
    let policy = input.priced_policy().filter(|_| s.payment == PaymentStatus::Unpaid)?;
    let table = CategoryTable::builtin();
    let view = input.certified(s);
    // Quoted as the department's share is (`policy::department_share`): a day no window takes is priced as the
    // concentrated period's first day.
    let mut request = policy::pupil_request(&view, input.opts.date);
    let quote = match policy::quote(policy, table, &request) {
        Ok(q) => q,
        Err(_) => {
            request.paid_on = policy.windows.first()?.from;
            request.birth_date = None;
            policy::quote(policy, table, &request).ok()?
        }
    };
    crate::domain::pupil_flags::hukou_pending(policy, table, &view, &request, &quote)
}
