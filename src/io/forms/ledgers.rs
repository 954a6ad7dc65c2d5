//! The four ledgers (四本台账, 001 三): 已缴费 · 未缴费 · 异地缴费 · 财政代缴, one worksheet each in XLSX, one
//! file each in CSV. Which ledger a pupil is in comes from `domain::policy::roster_ledger`, so special
//! categories follow the drive's policy.

use std::path::{Path, PathBuf};

use super::{FormInput, categories_text, out_dir, out_file, remark_cell, yuan_cell};
use crate::domain::category::CategoryTable;
use crate::domain::policy::{
    self, CategoryRule, EnrolleeKind, Ledger, Policy, Quote, QuoteError, QuoteRequest, Refund, Subsidy,
};
use crate::domain::student::{Enrollment, PaymentStatus, Student};
use crate::io::export::{ColumnSpec, FileFormat, Out, Preamble, TableWriter, check_targets, place_all};
use crate::io::sheet::ExportError;

/// The columns every ledger starts with.
const COMMON: [(&str, f64); 6] = [
    ("序号", 7.0),
    ("姓名", 12.0),
    ("身份证号码", 22.0),
    ("所在年级、班级", 16.0),
    ("联系电话", 15.0),
    ("人员类别", 16.0),
];

/// The column every ledger ends with: an ID number the agencies must not take as it stands, and in 已缴费 a
/// payment short of the amount due (「少缴 20 元」).
const REMARK: (&str, f64) = ("备注", 30.0);

/// The columns particular to one ledger.
pub fn extra_columns(ledger: Ledger) -> &'static [(&'static str, f64)] {
    match ledger {
        Ledger::Paid => &[("缴费金额（元）", 14.0), ("缴费日期", 12.0), ("缴费渠道", 12.0)],
        Ledger::Unpaid => &[("应缴金额（元）", 14.0)],
        Ledger::PaidElsewhere => &[("说明", 36.0)],
        Ledger::GovernmentPaid => &[("代缴部门", 12.0), ("代缴金额（元）", 14.0)],
    }
}

/// Writes the four ledgers for one school: one XLSX workbook (`--out` a file or folder), or four CSV files
/// (`--out` a folder). A ledger with nobody in it still gets its sheet or file, with the header only.
pub fn export_ledgers(input: &FormInput, out: Option<&Path>) -> Result<Vec<PathBuf>, ExportError> {
    let (school, pupils) = input.school_pupils()?;
    let format = input.opts.format;
    let mut written = Vec::new();
    match format {
        FileFormat::Xlsx => {
            let path = out_file(out, &input.file_name(&school, "四本台账", format));
            let mut writer = TableWriter::create(&path, format, input.store.path())?;
            for ledger in Ledger::ALL {
                write_ledger(&mut writer, input, &school, &pupils, ledger)?;
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
                write_ledger(&mut writer, input, &school, &pupils, ledger)?;
                unplaced.push(writer.finish_unplaced()?);
            }
            written = place_all(unplaced)?;
        }
    }
    Ok(written)
}

fn write_ledger(
    writer: &mut TableWriter,
    input: &FormInput,
    school: &str,
    pupils: &[Student],
    ledger: Ledger,
) -> Result<(), ExportError> {
    let columns: Vec<ColumnSpec> =
        COMMON.iter().chain(extra_columns(ledger)).chain(&[REMARK]).map(|(t, w)| ColumnSpec::new(t, *w)).collect();
    let preamble = Preamble {
        title: Some(format!("{}台账", ledger.label_zh())),
        lines: vec![vec![format!("学校名称：{school}"), input.year_line(), input.date_line()]],
    };
    writer.begin_table(ledger.label_zh(), &preamble, &columns)?;
    let mut seq = 0u32;
    for s in pupils.iter().filter(|s| input.ledger(s) == Some(ledger)) {
        seq += 1;
        let mut row = vec![
            Out::Number(f64::from(seq)),
            Out::Text(s.name.clone()),
            input.id_cell(s),
            Out::Text(s.class_label()),
            Out::Text(s.phone.clone()),
            Out::Text(categories_text(s)),
        ];
        let (cells, remark) = match ledger {
            Ledger::GovernmentPaid => government_row(input, s).cells_and_remark(),
            _ => (extra_cells(input, ledger, s), own_remark(input, ledger, s)),
        };
        row.extend(cells);
        row.push(remark_cell(&remark, s));
        writer.row(&row)?;
    }
    Ok(())
}

/// What the ledger itself says of the pupil in 备注 (the ID number's remark follows it).
fn own_remark(input: &FormInput, ledger: Ledger, s: &Student) -> String {
    match (ledger, input.policy) {
        // A family that paid less than the quote (a tax list's amount, recorded as it was paid) is asked for the
        // rest: the ledger keeps saying so after the reconcile's report is closed. One that paid more (a category
        // certified after paying) is said too, so the department and the family can settle it.
        (Ledger::Paid, Some(p)) => match policy::pupil_shortfall_fen(p, s, input.opts.date) {
            Some(fen) => policy::shortfall_words(fen).0,
            None => policy::pupil_overpayment_words(p, s, input.opts.date).unwrap_or_default(),
        },
        _ => String::new(),
    }
}

/// 备注 of a pupil in 财政代缴 without a category: the ledger states no department and no amount as if known.
pub const NO_CATEGORY_REMARK: &str = "无人员类别，代缴部门和金额待核实";

/// 备注 of a pupil in 财政代缴 on a drive without a policy: no notice says the department's share.
pub const NO_POLICY_REMARK: &str = "未选用参保政策，代缴金额待核实";

/// The quote for the pupil's payment date, or the export's date; `None` without a policy. `concentrated` falls
/// back to the first payment window (the concentrated period) when that date is outside every window, for the
/// department's share, which does not depend on the date.
fn quote(input: &FormInput, s: &Student, concentrated: bool) -> Option<Result<Quote, QuoteError>> {
    let policy = input.policy?;
    let mut request = QuoteRequest {
        categories: s.categories.iter().map(|c| c.name.clone()).collect(),
        paid_on: s.payment_details.paid_on.unwrap_or(input.opts.date),
        enrollee: EnrolleeKind::default(),
        freshman: false,
        birth_date: s.birth_date,
    };
    let first = policy::quote(policy, CategoryTable::builtin(), &request);
    Some(match (first, policy.windows.first()) {
        (Err(_), Some(window)) if concentrated => {
            request.paid_on = window.from;
            request.birth_date = None;
            policy::quote(policy, CategoryTable::builtin(), &request)
        }
        (first, _) => first,
    })
}

fn extra_cells(input: &FormInput, ledger: Ledger, s: &Student) -> Vec<Out<'static>> {
    let text = |t: String| if t.is_empty() { Out::Empty } else { Out::Text(t) };
    match ledger {
        Ledger::Paid => vec![
            s.payment_details.amount_fen.map(yuan_cell).unwrap_or(Out::Empty),
            s.payment_details.paid_on.map(Out::Date).unwrap_or(Out::Empty),
            text(s.payment_details.channel.clone().unwrap_or_default()),
        ],
        Ledger::Unpaid => vec![
            quote(input, s, false).and_then(Result::ok).map(|q| yuan_cell(q.personal_due_fen)).unwrap_or(Out::Empty),
        ],
        Ledger::PaidElsewhere => {
            let names: Vec<String> = s.categories.iter().map(|c| c.name.clone()).collect();
            let away = input.policy.and_then(|p| {
                names
                    .iter()
                    .filter_map(|n| p.rule(n))
                    .find(|r| r.enroll.away_from_school())
                    .map(|r| format!("{}：{}", r.category, crate::words::quote::ZH.place(r.enroll)))
            });
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
                Some(away) => away,
                None => place,
            })]
        }
        Ledger::GovernmentPaid => government_row(input, s).cells_and_remark().0,
    }
}

/// A 财政代缴 row's 代缴部门, 代缴金额 and 备注. The amount is the department's share under the drive's policy,
/// never a bare 0: where the share is 0 (a 差额补助 the family pays and is paid back, a category the notice
/// gives no subsidy) 备注 says who pays and by which rule, and where the notice gives no amount the cell is
/// empty and 备注 says so.
struct GovernmentRow {
    department: String,
    amount_fen: Option<i64>,
    remark: String,
}

impl GovernmentRow {
    fn cells_and_remark(self) -> (Vec<Out<'static>>, String) {
        let department = if self.department.is_empty() { Out::Empty } else { Out::Text(self.department) };
        (vec![department, self.amount_fen.map(yuan_cell).unwrap_or(Out::Empty)], self.remark)
    }
}

fn government_row(input: &FormInput, s: &Student) -> GovernmentRow {
    // Neither the department nor its share is known without a category: empty, not 0 元 (check lists them too).
    if s.categories.is_empty() {
        return GovernmentRow { department: String::new(), amount_fen: None, remark: NO_CATEGORY_REMARK.to_owned() };
    }
    let certifying = s.categories.iter().map(|c| c.department.clone()).find(|d| !d.is_empty()).unwrap_or_default();
    let (Some(policy), Some(quoted)) = (input.policy, quote(input, s, true)) else {
        return GovernmentRow { department: certifying, amount_fen: None, remark: NO_POLICY_REMARK.to_owned() };
    };
    let q = match quoted {
        Ok(q) => q,
        Err(QuoteError::UnknownCategory { name, .. }) => {
            let remark = format!("人员类别“{name}”不在类别表中，代缴部门和金额待核实");
            return GovernmentRow { department: certifying, amount_fen: None, remark };
        }
        Err(e) => {
            return GovernmentRow {
                department: certifying,
                amount_fen: None,
                remark: format!("代缴金额无法计算：{e}"),
            };
        }
    };
    let department = q.paying_department.clone().filter(|d| !d.is_empty()).unwrap_or(certifying);
    let plain = crate::domain::money::plain;
    // The rule that gave the subsidy (or named one without its amount), for its category and clause.
    let rule = q
        .subsidy_category
        .as_deref()
        .and_then(|c| policy.rule(c))
        .or_else(|| subsidy_rules(policy, s).find(|r| r.subsidy == Subsidy::Unspecified));
    let named = |r: Option<&CategoryRule>| r.map(|r| (r.category.clone(), r.clause.clone())).unwrap_or_default();
    if let Some(refund) = q.refund {
        // 差额补助 (003 三(三)2、四(一)3): the family pays the whole premium, the department pays the difference
        // back to the family, and nothing goes to the tax office on the pupil's behalf: 0 is the share.
        let (category, clause) = named(rule);
        let back = match refund {
            Refund::Amount { fen } => format!("事后发放补助 {} 元", plain(fen)),
            Refund::Unspecified => "事后发放差额补助".to_owned(),
        };
        return GovernmentRow {
            department: department.clone(),
            amount_fen: Some(q.department_due_fen),
            remark: format!(
                "{category}为差额补助，部门不代缴：由家庭缴纳 {} 元，{department}{back}（{clause}）",
                plain(q.personal_due_fen)
            ),
        };
    }
    if q.subsidy_unspecified {
        let (category, clause) = named(rule);
        return GovernmentRow {
            department: department.clone(),
            amount_fen: None,
            remark: format!(
                "{}未规定{category}的资助金额（{clause}），代缴金额以{department}核定为准",
                policy.document
            ),
        };
    }
    if q.department_due_fen == 0 {
        // The notice gives none of the pupil's categories a subsidy: the family owes the whole premium, and the
        // 财政代缴 mark is the operator's, to be checked.
        return GovernmentRow {
            department,
            amount_fen: Some(0),
            remark: format!(
                "{}未规定{}的资助，部门代缴 0 元，按通知由家庭缴纳 {} 元；财政代缴待核实",
                policy.document,
                super::categories_text(s),
                plain(q.personal_due_fen)
            ),
        };
    }
    let remark = if q.personal_due_fen > 0 {
        // The department pays only part: the family's part is still due (a 75 % subsidy; the financing
        // standard from July, 003 三(一)2).
        let why = if q.total_due_fen > policy.personal_premium_fen {
            let window = policy.windows.iter().find(|w| w.name == q.window);
            format!(
                "{}按筹资标准 {} 元缴纳，{}",
                q.window,
                plain(q.total_due_fen),
                window.map(|w| w.clause.as_str()).unwrap_or_default()
            )
        } else {
            let (category, clause) = named(rule);
            format!("{category}部分资助，{clause}")
        };
        format!("家庭另缴 {} 元（{why}）", plain(q.personal_due_fen))
    } else {
        String::new()
    };
    GovernmentRow { department, amount_fen: Some(q.department_due_fen), remark }
}

/// The policy's rules for the pupil's categories.
fn subsidy_rules<'a>(policy: &'a Policy, s: &'a Student) -> impl Iterator<Item = &'a CategoryRule> + 'a {
    s.categories
        .iter()
        .filter_map(|c| CategoryTable::builtin().lookup(&c.name))
        .filter_map(move |c| policy.rule(&c.name))
}
