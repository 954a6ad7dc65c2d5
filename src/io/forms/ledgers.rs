//! The four ledgers (四本台账, 001 三): 已缴费 · 未缴费 · 异地缴费 · 财政代缴, one worksheet each in XLSX, one
//! file each in CSV. Which ledger a pupil is in comes from `domain::policy::roster_ledger`, so special
//! categories follow the drive's policy.

use std::path::{Path, PathBuf};

use super::{FormInput, categories_text, out_dir, out_file, remark_cell, yuan_cell};
use crate::domain::category::CategoryTable;
use crate::domain::policy::{self, EnrolleeKind, Ledger, Quote, QuoteRequest};
use crate::domain::student::{Enrollment, Student};
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
        row.extend(extra_cells(input, ledger, s));
        row.push(remark_cell(&own_remark(input, ledger, s), s));
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
        // Marked 财政代缴 with no category: nothing says which department pays or how much (check lists them too).
        (Ledger::GovernmentPaid, _) if s.categories.is_empty() => NO_CATEGORY_REMARK.to_owned(),
        _ => String::new(),
    }
}

/// 备注 of a pupil in 财政代缴 without a category: the ledger states no department and no amount as if known.
pub const NO_CATEGORY_REMARK: &str = "无人员类别，代缴部门和金额待核实";

/// The quote for the pupil's payment date, or the export's date. `concentrated` falls back to the first payment
/// window (the concentrated period) when that date is outside every window, for the department's share,
/// which does not depend on the date.
fn quote(input: &FormInput, s: &Student, concentrated: bool) -> Option<Quote> {
    let policy = input.policy?;
    let mut request = QuoteRequest {
        categories: s.categories.iter().map(|c| c.name.clone()).collect(),
        paid_on: s.payment_details.paid_on.unwrap_or(input.opts.date),
        enrollee: EnrolleeKind::default(),
        freshman: false,
        birth_date: s.birth_date,
    };
    let first = policy::quote(policy, CategoryTable::builtin(), &request);
    match (first, policy.windows.first()) {
        (Ok(q), _) => Some(q),
        (Err(_), Some(window)) if concentrated => {
            request.paid_on = window.from;
            request.birth_date = None;
            policy::quote(policy, CategoryTable::builtin(), &request).ok()
        }
        (Err(_), _) => None,
    }
}

fn extra_cells(input: &FormInput, ledger: Ledger, s: &Student) -> Vec<Out<'static>> {
    let text = |t: String| if t.is_empty() { Out::Empty } else { Out::Text(t) };
    match ledger {
        Ledger::Paid => vec![
            s.payment_details.amount_fen.map(yuan_cell).unwrap_or(Out::Empty),
            s.payment_details.paid_on.map(Out::Date).unwrap_or(Out::Empty),
            text(s.payment_details.channel.clone().unwrap_or_default()),
        ],
        Ledger::Unpaid => vec![quote(input, s, false).map(|q| yuan_cell(q.personal_due_fen)).unwrap_or(Out::Empty)],
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
            let place = match (s.enrollment, s.decline_reason.as_deref().map(str::trim)) {
                (Enrollment::Elsewhere, Some(place)) if !place.is_empty() => format!("异地参保：{place}"),
                (Enrollment::Elsewhere, _) => "异地参保".to_owned(),
                (other, _) => other.label_zh().to_owned(),
            };
            vec![text(match away {
                Some(away) if s.enrollment == Enrollment::Elsewhere => format!("{away}；{place}"),
                Some(away) => away,
                None => place,
            })]
        }
        // Neither the department nor its share is known without a category: empty, not 0 元 (备注 says why).
        Ledger::GovernmentPaid if s.categories.is_empty() => vec![Out::Empty, Out::Empty],
        Ledger::GovernmentPaid => {
            let q = quote(input, s, true);
            let department = q
                .as_ref()
                .and_then(|q| q.paying_department.clone())
                .or_else(|| s.categories.iter().map(|c| c.department.clone()).find(|d| !d.is_empty()))
                .unwrap_or_default();
            vec![text(department), q.map(|q| yuan_cell(q.department_due_fen)).unwrap_or(Out::Empty)]
        }
    }
}
