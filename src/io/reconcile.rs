//! Reconciliation (对账): the agencies' lists matched against the roster by ID number. The tax office's paid list
//! marks pupils paid with the amount, date and channel; the 医保 agency's registration feedback marks them
//! enrolled; a department's list of certified people adds categories. Nothing is overwritten on a mismatch (a
//! different name for the same ID, a status the list contradicts): it is reported for the operator to chase.
//! The whole file is written in one transaction, and running it twice changes nothing the second time.
//! The tax office lists a payment per row, so a pupil can have several rows (a top-up after a part payment, a
//! parent who paid twice): they are summed into the one payment the drive keeps, and a row that is the same
//! payment again (same 票证号码, or same amount, date and channel) is reported, never counted twice. One 票证号码
//! with two amounts is a list in error: the pupil's payment is held for the operator. The receipt numbers that
//! make up a recorded payment are kept, so a later list holding only a top-up adds to it.
//! Every reported row names its file, worksheet (a workbook's) and row.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::ReadError;
use super::class_list::{Problem, RETYPE_AS_TEXT_EN, RETYPE_AS_TEXT_ZH, clean_name, quoted};
use super::cut_line::{LastColumn, cut_cell_message};
use super::header::{self, Column, HeaderMap, Synonyms};
use super::ownership;
use super::table::{self, Cell, Sheet};
use crate::domain::category::CategoryTable;
use crate::domain::coverage::Standing;
use crate::domain::id_number::{self, IdProblem};
use crate::domain::money;
use crate::domain::policy::{self, AmountDispute, EnrolleeKind, Policy, QuoteRequest};
use crate::domain::student::{CategoryMark, Enrollment, PaymentChannel, PaymentStatus, Student};
use crate::domain::unapplied::{EarlierRow, KeptPayment, UnappliedPayment, UnappliedReason, Weighed};
use crate::store::{Change, ChangeOptions, Payment, Receipt, Refusal, Store, StoreError, Unapplied};

/// Which list the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// 税务: who paid, how much, when, through which channel.
    Tax,
    /// 医保经办机构: who was registered (参保登记反馈).
    Agency,
    /// A department's certified people (name, ID number, category).
    Categories,
}

/// The same ID number under another name: reported, never applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NameMismatch {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub roster_name: String,
    pub file_name: String,
    /// The list's file, as given.
    pub file: String,
    /// The worksheet; empty for a CSV.
    pub sheet: String,
    pub row: usize,
}

/// A payment that differs from the amount due under the drive's policy (the payment is still recorded; a row
/// held back as a conflict is a conflict only).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AmountMismatch {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    /// Yuan.
    pub file_amount: f64,
    /// Yuan: the quote's personal_due for the payment date, or its department_due for a department's payment.
    pub due: f64,
    /// The pupil's first row in the file.
    pub row: usize,
    /// Every row whose amount is in `file_amount` (several when the pupil's payments were summed).
    pub rows: Vec<usize>,
    pub file: String,
    /// The worksheet of each of `rows`; empty for a CSV.
    pub sheets: Vec<String>,
}

/// Several payments the tax office lists for one pupil (a top-up after a part payment, a parent who paid twice):
/// recorded as one payment of their sum, as the drive keeps one payment a pupil.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CombinedPayment {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    /// The rows summed, in the file's order.
    pub rows: Vec<usize>,
    pub file: String,
    /// The worksheet of each of `rows`; empty for a CSV.
    pub sheets: Vec<String>,
    /// Yuan, row by row as `rows`; `None` for an amount that could not be read.
    pub amounts: Vec<Option<f64>>,
    /// Yuan: payments an earlier list recorded (by receipt number) that this list does not hold, added to it:
    /// a list holding only a top-up (补缴). `None` when there are none.
    pub earlier: Option<f64>,
    /// Yuan: the sum recorded; `None` when an amount could not be read (the drive's amount is then kept).
    pub total: Option<f64>,
    /// The date recorded: the day the payments first made up the amount due, else the last payment's day.
    pub paid_on: Option<NaiveDate>,
}

/// Tax lists: a family payment two laptops recorded with different amounts (金额待核实, see
/// `Store::amount_disputes`), and the amount the list gives for it. The tax office's record is what the operator
/// was sent to ask for: an amount one of the laptops recorded settles the dispute (the drive holds the list's
/// amount from then on, on every laptop merged with it); a third amount is neither laptop's, so it is not
/// recorded over them (as any other amount than the one recorded is not) and the dispute stays, said.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListedDispute {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    pub file: String,
    pub sheet: String,
    /// The pupil's first row on the list.
    pub row: usize,
    /// Yuan: the amount the drive held, the one the merge kept.
    pub recorded: f64,
    /// Yuan: the other laptops' amounts, which the merge did not keep.
    pub others: Vec<f64>,
    /// Yuan: the list's amount (several rows of one pupil summed).
    pub listed: f64,
}

impl ListedDispute {
    /// The laptops' amounts, the one held first, and the list's: 「两台电脑记录的金额不同（300 元 / 380 元），税务名单为
    /// 380 元」 and "two laptops recorded different amounts (300 / 380 yuan); the tax office lists 380 yuan".
    fn amounts(&self) -> (String, String) {
        let all: Vec<String> =
            std::iter::once(self.recorded).chain(self.others.iter().copied()).map(|a| a.to_string()).collect();
        let (laptops, laptops_en) =
            if self.others.len() > 1 { ("多台", "the laptops") } else { ("两台", "two laptops") };
        let listed = self.listed;
        (
            format!("{laptops}电脑记录的金额不同（{} 元），税务名单为 {listed} 元", all.join(" 元 / ")),
            format!(
                "{laptops_en} recorded different amounts ({} yuan); the tax office lists {listed} yuan",
                all.join(" / ")
            ),
        )
    }

    /// What the report says of a dispute the list settled: the amount held confirmed, or the other laptop's
    /// amount taken; (Chinese, English).
    pub fn settled_words(&self) -> (String, String) {
        let (zh, en) = self.amounts();
        let listed = self.listed;
        #[allow(clippy::float_cmp)] // Both are whole fen in yuan, read from the same integers.
        let kept = self.recorded == listed;
        if kept {
            (
                format!("{zh}，与已记录的相同：金额已由税务名单核实，不再待核实"),
                format!("{en}, the amount recorded: settled by the tax office's list, no longer disputed"),
            )
        } else {
            (
                format!("{zh}：已改为 {listed} 元，金额已由税务名单核实，不再待核实"),
                format!("{en}: now {listed} yuan, settled by the tax office's list, no longer disputed"),
            )
        }
    }

    /// What the report says of a dispute the list gives a third amount for; (Chinese, English).
    pub fn left_words(&self) -> (String, String) {
        let (zh, en) = self.amounts();
        (
            format!("{zh}，与各台电脑记录的都不同：缴费未修改，金额仍待核实，请向税务核实"),
            format!(
                "{en}, none of the laptops' amounts: the payment is not changed and stays disputed; check with the tax office"
            ),
        )
    }
}

/// A family's part payment recorded (300 of the 380 due) that the tax office's list records at the full amount or
/// more: the list's amount is taken, as the tax office received it, and said with the amount it replaced, so the
/// family is not asked for the rest a second time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartCompleted {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    pub file: String,
    pub sheet: String,
    /// The pupil's first row on the list.
    pub row: usize,
    /// Yuan: the part payment the drive held.
    pub recorded: f64,
    /// Yuan: the list's amount (several rows of one pupil summed), now the pupil's.
    pub listed: f64,
    /// Yuan: the amount due for the list's payment date.
    pub due: f64,
}

impl PartCompleted {
    /// 「已记录部分缴费 300 元（应缴 380 元），税务名单为 380 元：已改为 380 元，不再向家长补收」, in English too.
    pub fn words(&self) -> (String, String) {
        let (recorded, listed, due) = (self.recorded, self.listed, self.due);
        (
            format!(
                "已记录部分缴费 {recorded} 元（应缴 {due} 元），税务名单为 {listed} 元：已改为 {listed} 元，不再向家长补收"
            ),
            format!(
                "a part payment of {recorded} yuan was recorded ({due} yuan due), the tax office lists {listed} yuan: \
                 now {listed} yuan, nothing left to collect"
            ),
        )
    }
}

/// The list says something the roster contradicts (enrolled here vs. 异地参保 or 不参保; paid by the family vs.
/// 财政代缴): left as it is, for the operator to decide.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    pub roster: String,
    /// What the list says (a status), against `roster`.
    pub file: String,
    /// The list's file, as given (`file` is the list's status, from before rows named their file).
    pub list: String,
    pub sheet: String,
    pub row: usize,
    /// `recorded_over_status`: yuan still owed when the payment recorded is short of the amount due (部分缴费), which
    /// insures nobody.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short: Option<f64>,
}

/// Tax lists: a family payment recorded already (marked paid on site) that the list holds at the same amount on
/// another day or through another channel: the tax office's record is the payment's, so its date and channel
/// replace the ones recorded, and each replacement is said.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Redated {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    pub file: String,
    pub sheet: String,
    pub row: usize,
    /// The date and channel recorded before, as the roster held them (empty where none).
    pub recorded_on: Option<NaiveDate>,
    pub recorded_channel: String,
    /// What the list gives in their place.
    pub listed_on: Option<NaiveDate>,
    pub listed_channel: String,
}

impl Redated {
    /// The date and channel recorded, then the list's, as the report says them: 「2026-12-05，支付宝」 and
    /// "2026-12-05, Alipay".
    pub fn before_and_after(&self) -> [(String, String); 2] {
        let words = |day: Option<NaiveDate>, channel: &str| {
            let day = day.map(|d| d.to_string());
            let channel_en = PaymentChannel::from_text(channel).map(|c| c.label_en().to_owned());
            let zh: Vec<String> =
                day.iter().cloned().chain((!channel.is_empty()).then(|| channel.to_owned())).collect();
            let en: Vec<String> = day.into_iter().chain(channel_en).collect();
            (zh.join("，"), en.join(", "))
        };
        [words(self.recorded_on, &self.recorded_channel), words(self.listed_on, &self.listed_channel)]
    }
}

/// A conflict's status (its `roster` or `file`, which hold the Chinese label, as `--json` has always given them)
/// as English says it; a payment with its amount and date (`paid_label`) too.
pub fn status_en(label: &str) -> std::borrow::Cow<'_, str> {
    // 在校参保、财政代缴: each status in turn.
    if label.contains('、') {
        return label.split('、').map(status_en).collect::<Vec<_>>().join(", ").into();
    }
    let enrollments = Enrollment::ALL.iter().map(|e| (e.label_zh(), e.label_en()));
    let payments = PaymentStatus::ALL.iter().map(|p| (p.label_zh(), p.label_en()));
    let mut labels = enrollments.chain(payments);
    if let Some((_, en)) = labels.clone().find(|(zh, _)| *zh == label) {
        return en.into();
    }
    // 已缴费（400 元，2026-12-04）: paid (400 yuan, 2026-12-04).
    if let Some((zh, en)) = labels.find(|(zh, _)| label.starts_with(&format!("{zh}（")))
        && let Some(inner) = label[zh.len()..].strip_prefix('（').and_then(|r| r.strip_suffix('）'))
    {
        return format!("{en} ({})", inner.replace(" 元", " yuan").replace('，', ", ")).into();
    }
    label.into()
}

/// A family's payment as a conflict names it: 已缴费（400 元，2026-12-04）, what is known of it.
fn paid_label(amount_fen: Option<i64>, paid_on: Option<NaiveDate>) -> String {
    let parts: Vec<String> =
        [amount_fen.map(|fen| format!("{} 元", money::plain(fen))), paid_on.map(|d| d.to_string())]
            .into_iter()
            .flatten()
            .collect();
    let label = PaymentStatus::Paid.label_zh();
    if parts.is_empty() { label.to_owned() } else { format!("{label}（{}）", parts.join("，")) }
}

/// One 票证号码 with different amounts: the tax office issues a number once per payment, so the list is in error
/// (or an earlier list was). Never taken at either amount: the pupil's payment is left as the drive holds it, for
/// the operator to check with the tax office.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReceiptConflict {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    pub receipt: String,
    pub file: String,
    /// The list's rows with this number, and the worksheet of each (empty for a CSV).
    pub rows: Vec<usize>,
    pub sheets: Vec<String>,
    /// Yuan, row by row as `rows`; `None` for an amount that could not be read.
    pub amounts: Vec<Option<f64>>,
    /// Yuan: the amount an earlier list recorded under this number, when that is what this list's differs from.
    pub recorded: Option<f64>,
}

/// Tax lists: a receipt number (票证号码) met again on a row of another name or ID number. The tax office issues a
/// number once per payment, so the list gives one payment under two payers: said with both rows, the later row
/// neither recorded nor taken for a second family nobody on the roster is. The earlier row is reconciled as
/// any row; the later one is kept as not recorded, naming the earlier row, and listed by `check` until dealt
/// with: for the same amount until dismissed (`UnappliedReason::RepeatedReceipt`), for another amount (money of
/// its own, maybe) as a receipt conflict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepeatedReceipt {
    pub receipt: String,
    pub file: String,
    /// The earlier row and the later one, with the worksheet of each (empty for a CSV).
    pub rows: Vec<usize>,
    pub sheets: Vec<String>,
    /// The name and the ID number each row gives (empty where it gives none).
    pub names: Vec<String>,
    #[serde(serialize_with = "crate::domain::id_shown::ids")]
    pub id_numbers: Vec<String>,
    /// Yuan, row by row; `None` for an amount that could not be read.
    pub amounts: Vec<Option<f64>>,
    /// The later row's payment kept as not recorded: always, whatever its amount (an older canbao kept it only for
    /// another amount).
    pub kept: bool,
}

impl RepeatedReceipt {
    /// Each row as the report names it: 「第 2 行 张三 4502********1234」, "row 2 张三 4502********1234" (the
    /// number as `id` shows it).
    pub fn rows_said(&self, en: bool, id: &dyn Fn(&str) -> String) -> Vec<String> {
        (0..self.rows.len())
            .map(|i| {
                let at = rows_at(&self.sheets[i..=i], &self.rows[i..=i], en);
                let number = self.id_numbers.get(i).filter(|n| !n.is_empty()).map(|n| id(n));
                let name = self.names.get(i).map(String::as_str).unwrap_or_default();
                [Some(at), Some(name.to_owned()).filter(|n| !n.is_empty()), number]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    /// The amounts as a list, "400、380" ("400, 380"), an amount that could not be read as "?".
    pub fn amounts_text(&self, separator: &str) -> String {
        let yuan = |amount: &Option<f64>| amount.map_or_else(|| "?".to_owned(), |a| a.to_string());
        self.amounts.iter().map(yuan).collect::<Vec<_>>().join(separator)
    }

    /// What the report says of it; (Chinese, English).
    pub fn words(&self, id: &dyn Fn(&str) -> String) -> (String, String) {
        let receipt = &self.receipt;
        let (zh_rows, en_rows) = (self.rows_said(false, id).join("、"), self.rows_said(true, id).join("; "));
        let later = self.rows.last().copied().unwrap_or_default();
        let same_amount = self.amounts.first() == self.amounts.last();
        if !same_amount {
            let (amounts, amounts_en) = (self.amounts_text("、"), self.amounts_text(", "));
            (
                format!(
                    "票证号码 {receipt} 重复：{zh_rows}，姓名或号码不同，金额也不同（{amounts} 元）；第 {later} 行未记入，已保存在修改记录中，\
                     「检查名单」（canbao check）会列出，请向税务核实"
                ),
                format!(
                    "receipt {receipt} repeated: {en_rows}, under another name or number and with another amount \
                     ({amounts_en} yuan); row {later} is not recorded, kept in the drive's history and listed by the \
                     roster check, canbao check: check with the tax office"
                ),
            )
        } else {
            (
                format!(
                    "票证号码 {receipt} 重复：{zh_rows}，姓名或号码不同，是同一笔缴费，第 {later} 行不重复计算，已保存在修改记录中，\
                     「检查名单」（canbao check）会列出，直到销项（canbao check --dismiss）；请向税务核实是谁的缴费"
                ),
                format!(
                    "receipt {receipt} repeated: {en_rows}, under another name or number: one payment, row {later} not \
                     counted again; kept in the drive's history and listed by the roster check, canbao check, until \
                     dismissed (canbao check --dismiss); check with the tax office whose payment it is"
                ),
            )
        }
    }
}

/// A row whose number nobody on the roster has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownRow {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    pub file: String,
    pub sheet: String,
    pub row: usize,
    /// Pupils of the same name the roster holds with a number that failed the check (a digit typed wrong):
    /// likely this child, to correct on the detail screen (`E`). A hint only: never matched by guess, since
    /// a wrong digit can be anywhere and two children can share a name.
    pub flagged: Vec<FlaggedPupil>,
}

/// A pupil held with a number that failed the check, named as a hint beside a row nobody on the roster has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlaggedPupil {
    /// The number as the roster holds it.
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    /// 年级班级, empty for a pupil without a class.
    pub class: String,
}

/// A row of the agency's feedback whose own status (参保状态) says the pupil was not registered (未登记, 失败 …):
/// not marked, for the operator to chase (002 三(三): the agency sorts out failed registrations case by case).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotRegistered {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    /// The status as the list writes it; empty when the cell is.
    pub status: String,
    pub file: String,
    pub sheet: String,
    pub row: usize,
}

/// A pupil found by the rounded form of the list's number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundedMatch {
    /// The list's number: the real one.
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    /// The number as the roster holds it.
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub stored: String,
    pub name: String,
    pub file: String,
    pub sheet: String,
    pub row: usize,
}

/// A row matched by its name alone to a pupil held with a number a spreadsheet showed shorter: where its line is
/// in the report, the pupil (id, name, number as shown), and the row's number.
struct RoundedClaim {
    at: usize,
    pupil: i64,
    name: String,
    stored: String,
    number: String,
}

/// How many digits `held`, a number a spreadsheet showed with fewer than 15 (4.50203E+17: 6; the same as a number
/// cell holds it, 450203000000000000: 6, whichever way the drive spells it), keeps, when the 18-digit `number`
/// rounded or cut to that many is those digits: all such a number can say of whose it is. `None` for any other.
fn shown_keeps(number: &str, held: &str) -> Option<usize> {
    let b = number.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let last = match b[17] {
        b'X' => 0,
        d if d.is_ascii_digit() => u64::from(d - b'0'),
        _ => return None,
    };
    let value = number[..17].parse::<u64>().ok()? * 10 + last;
    let held = held.trim();
    let digits = match held.split_once(['E', 'e']) {
        Some((mantissa, exponent)) => {
            if exponent.trim_start_matches('+').parse::<u32>().ok()? != 17 {
                return None;
            }
            let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
            if int.len() != 1 || !int.bytes().chain(frac.bytes()).all(|d| d.is_ascii_digit()) {
                return None;
            }
            format!("{int}{frac}")
        }
        None => {
            let int = match held.split_once('.') {
                Some((int, frac)) if frac.bytes().all(|d| d == b'0') => int,
                Some(_) => return None,
                None => held,
            };
            if int.len() != 18 || !int.bytes().all(|d| d.is_ascii_digit()) {
                return None;
            }
            int.to_owned()
        }
    };
    let kept = digits.trim_end_matches('0');
    let k = u32::try_from(kept.len()).ok().filter(|k| (1..15).contains(k))?;
    let scale = 10u64.pow(18 - k);
    let (rounded, cut) = ((value + scale / 2) / scale, value / scale);
    (kept == rounded.to_string() || kept == cut.to_string()).then_some(kept.len())
}

impl CombinedPayment {
    /// The amounts as a sum, "200 + 180", an amount that could not be read as "?"; payments recorded from an
    /// earlier list first, "200（已记录）+ 180" ("200 (recorded) + 180").
    pub fn amounts_text(&self, en: bool) -> String {
        let yuan = |amount: &Option<f64>| amount.map_or_else(|| "?".to_owned(), |a| a.to_string());
        let earlier = self.earlier.map(|e| if en { format!("{e} (recorded)") } else { format!("{e}（已记录）") });
        earlier.into_iter().chain(self.amounts.iter().map(yuan)).collect::<Vec<_>>().join(" + ")
    }
}

impl ReceiptConflict {
    /// The amounts as a list, "200、380" ("200, 380"), an amount that could not be read as "?".
    pub fn amounts_text(&self, separator: &str) -> String {
        let yuan = |amount: &Option<f64>| amount.map_or_else(|| "?".to_owned(), |a| a.to_string());
        self.amounts.iter().map(yuan).collect::<Vec<_>>().join(separator)
    }
}

/// A report line's rows: "2、4" (or "2, 4").
pub fn rows_text(rows: &[usize], separator: &str) -> String {
    rows.iter().map(usize::to_string).collect::<Vec<_>>().join(separator)
}

/// Where a report line's rows are: "第 2、4 行" ("rows 2, 4"), each run of rows on a worksheet after its name,
/// "[十月] 第 2 行，[十一月] 第 3 行". The file is the caller's to put first.
pub fn rows_at(sheets: &[String], rows: &[usize], en: bool) -> String {
    let mut runs: Vec<(&str, Vec<usize>)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let sheet = sheets.get(i).map_or("", String::as_str);
        match runs.last_mut() {
            Some((last, list)) if *last == sheet => list.push(*row),
            _ => runs.push((sheet, vec![*row])),
        }
    }
    let run = |(sheet, list): &(&str, Vec<usize>)| {
        let sheet = if sheet.is_empty() { String::new() } else { format!("[{sheet}] ") };
        match (list.as_slice(), en) {
            ([n], true) => format!("{sheet}row {n}"),
            ([n], false) => format!("{sheet}第 {n} 行"),
            (_, true) => format!("{sheet}rows {}", rows_text(list, ", ")),
            (_, false) => format!("{sheet}第 {} 行", rows_text(list, "、")),
        }
    };
    runs.iter().map(run).collect::<Vec<_>>().join(if en { "; " } else { "，" })
}

/// A pupil the run changed (on a dry run: would change), with what changed: a preview names each one, so a list
/// of forty pupils is never a change seen only as counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedPupil {
    #[serde(serialize_with = "crate::domain::id_shown::id")]
    pub id_number: String,
    pub name: String,
    /// 年级班级, empty for a pupil without a class.
    pub class: String,
    pub file: String,
    pub sheet: String,
    /// The pupil's first row on the list.
    pub row: usize,
    /// Each field changed, as the drive's history records it (an amount in fen).
    pub fields: Vec<ChangedField>,
    /// How much less than the amount due the payment now recorded is, in fen: a part payment, said as 部分缴费
    /// as the roster says it, never 已缴费.
    #[serde(skip)]
    pub short_fen: Option<i64>,
}

/// One field of a [`ChangedPupil`], before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedField {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl ChangedPupil {
    /// What changed, in Chinese and in English: 「未缴费 → 已缴费（380 元，2026-09-12，微信）」, 「增加 低保」,
    /// 「参保状态 未确认 → 在校参保」. The command line and the screen both say it so.
    pub fn words(&self) -> (String, String) {
        use crate::store::Field;
        let changed = |field: Field| self.fields.iter().find(|f| f.field == field.key());
        let (mut zh, mut en) = (Vec::new(), Vec::new());
        if let Some(f) = changed(Field::Enrollment) {
            let [(old, old_en), (new, new_en)] = [&f.old, &f.new].map(|v| shown_value(Field::Enrollment, v));
            zh.push(format!("参保状态 {old} → {new}"));
            en.push(format!("enrollment {old_en} → {new_en}"));
        }
        let details = [Field::PaidAmount, Field::PaidOn, Field::PaidChannel];
        match changed(Field::Payment) {
            // A new status: the payment it now is, with what the list gives of it.
            Some(f) => {
                let [(old, old_en), (new, new_en)] = [&f.old, &f.new].map(|v| shown_value(Field::Payment, v));
                let given: Vec<(String, String)> = details
                    .iter()
                    .filter_map(|&d| {
                        changed(d).filter(|c| c.new.as_deref().is_some_and(|v| !v.is_empty())).map(|c| (d, c))
                    })
                    .map(|(d, c)| shown_value(d, &c.new))
                    .collect();
                let (new, new_en) = match self.short_fen {
                    Some(_) if f.new.as_deref() == Some(PaymentStatus::Paid.code()) => {
                        ("部分缴费".to_owned(), "part-paid".to_owned())
                    }
                    _ => (new, new_en),
                };
                let mut given = given;
                if let (Some(short), false) = (self.short_fen, given.is_empty()) {
                    // After the amount: what is still owed, as the payment form's status line says it.
                    let short = money::plain(short);
                    given.insert(1, (format!("还差 {short} 元"), format!("{short} yuan short")));
                }
                let (mut paid, mut paid_en) = (format!("{old} → {new}"), format!("{old_en} → {new_en}"));
                if !given.is_empty() {
                    let (list, list_en): (Vec<String>, Vec<String>) = given.into_iter().unzip();
                    paid.push_str(&format!("（{}）", list.join("，")));
                    paid_en.push_str(&format!(" ({})", list_en.join(", ")));
                }
                zh.push(paid);
                en.push(paid_en);
            }
            None => {
                for &d in &details {
                    if let Some(f) = changed(d) {
                        let [(old, old_en), (new, new_en)] = [&f.old, &f.new].map(|v| shown_value(d, v));
                        zh.push(format!("{} {old} → {new}", d.label_zh()));
                        en.push(format!("{} {old_en} → {new_en}", d.label_en()));
                    }
                }
            }
        }
        let mut categories_said = false;
        if let Some(f) = changed(Field::Categories) {
            let [old, new] = [&f.old, &f.new].map(|v| category_marks(v.as_deref()));
            let names = |marks: &[(String, Option<i64>)], other: &[(String, Option<i64>)]| -> Vec<String> {
                marks.iter().filter(|(n, _)| !other.iter().any(|(o, _)| o == n)).map(|(n, _)| n.clone()).collect()
            };
            let (added, removed) = (names(&new, &old), names(&old, &new));
            // In both, certified for another year than before: the list certified it again for this one.
            let again: Vec<String> = new
                .iter()
                .filter(|(n, y)| old.iter().any(|(o, oy)| o == n && oy != y))
                .map(|(n, _)| n.clone())
                .collect();
            if !added.is_empty() {
                zh.push(format!("增加 {}", added.join("、")));
                en.push(format!("{} added", added.join(", ")));
            }
            if !removed.is_empty() {
                zh.push(format!("去掉 {}", removed.join("、")));
                en.push(format!("{} removed", removed.join(", ")));
            }
            if !again.is_empty() {
                zh.push(format!("{} 本年度重新认定", again.join("、")));
                en.push(format!("{} certified again for this year", again.join(", ")));
            }
            categories_said = !(added.is_empty() && removed.is_empty() && again.is_empty());
        }
        let said = [
            Field::Enrollment,
            Field::Payment,
            Field::PaidAmount,
            Field::PaidOn,
            Field::PaidChannel,
            Field::Categories,
        ];
        for f in &self.fields {
            let Some(field) = Field::from_key(f.field).filter(|field| !said.contains(field)) else { continue };
            // The year certified follows the categories: said alone only where their names said nothing.
            if field == Field::CategoriesYear && categories_said {
                continue;
            }
            let [(old, old_en), (new, new_en)] = [&f.old, &f.new].map(|v| shown_value(field, v));
            zh.push(format!("{} {old} → {new}", field.label_zh()));
            en.push(format!("{} {old_en} → {new_en}", field.label_en()));
        }
        (zh.join("；"), en.join("; "))
    }
}

/// A value as the history stores it, in words (Chinese, English): a status by its label, fen as yuan, no value
/// as 无.
fn shown_value(field: crate::store::Field, value: &Option<String>) -> (String, String) {
    use crate::store::Field;
    let Some(v) = value.as_deref().filter(|v| !v.is_empty()) else { return ("无".to_owned(), "none".to_owned()) };
    match field {
        Field::Enrollment => Enrollment::from_code(v)
            .map_or_else(|| (v.to_owned(), v.to_owned()), |e| (e.label_zh().to_owned(), e.label_en().to_owned())),
        Field::Payment => PaymentStatus::from_code(v)
            .map_or_else(|| (v.to_owned(), v.to_owned()), |p| (p.label_zh().to_owned(), p.label_en().to_owned())),
        Field::PaidAmount => match v.parse::<i64>() {
            Ok(fen) => (format!("{} 元", money::plain(fen)), format!("{} yuan", money::plain(fen))),
            Err(_) => (v.to_owned(), v.to_owned()),
        },
        Field::PaidChannel => PaymentChannel::from_text(v)
            .map_or_else(|| (v.to_owned(), v.to_owned()), |c| (c.label_zh().to_owned(), c.label_en().to_owned())),
        Field::Categories => {
            let names: Vec<String> = category_marks(Some(v)).into_iter().map(|(n, _)| n).collect();
            if names.is_empty() { ("无".to_owned(), "none".to_owned()) } else { (names.join("、"), names.join(", ")) }
        }
        _ => (v.to_owned(), v.to_owned()),
    }
}

/// The categories a stored list holds (its JSON), each with the year it was certified for where it says one.
fn category_marks(stored: Option<&str>) -> Vec<(String, Option<i64>)> {
    let list: Vec<serde_json::Value> = stored.and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default();
    list.iter()
        .filter_map(|c| Some((c.get("name")?.as_str()?.to_owned(), c.get("year").and_then(serde_json::Value::as_i64))))
        .collect()
}

/// What a reconciliation did, or (dry run) would do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReconcileReport {
    pub source: Source,
    pub dry_run: bool,
    /// Non-empty rows below the header.
    pub rows_read: usize,
    /// Rows that are no pupil (a footer such as 合计, a row with neither name nor ID number), each in
    /// `problems` with its row.
    pub skipped: usize,
    /// Pupils changed by this run.
    pub matched: usize,
    /// Pupils found already so (nothing to change).
    pub already: usize,
    /// Rows read that reached no pupil's outcome: footers and empty rows (`skipped`), and rows held back (an ID
    /// number that cannot be read, an amount or date that cannot, a status that is not registered or paid, a
    /// repeat …), each said in `problems` or its own list. With `further_rows`, `matched`, `already`,
    /// `unknown_rows`, `name_mismatches` and `conflicts` it adds up to `rows_read`.
    pub not_reconciled: usize,
    /// The pupils counted in `matched`, each with what changed, in the list's order.
    pub changed: Vec<ChangedPupil>,
    /// Rows that reached a pupil another row of the list reached too (a second payment, a second category, a
    /// payment listed again under its receipt): the pupil is counted once, in `matched`, `already` or `conflicts`.
    pub further_rows: usize,
    /// Valid ID numbers nobody on the roster has.
    #[serde(serialize_with = "crate::domain::id_shown::ids")]
    pub unknown_ids: Vec<String>,
    /// The same, with the name and row the list gives, for the operator to find the family.
    pub unknown_rows: Vec<UnknownRow>,
    /// Pupils held with a number a spreadsheet rounded, found by that rounded form and the name: the list's
    /// number is the real one, to put right on the detail screen (`E`).
    pub rounded_matches: Vec<RoundedMatch>,
    pub name_mismatches: Vec<NameMismatch>,
    pub amount_mismatches: Vec<AmountMismatch>,
    /// Tax lists: pupils with several payments, recorded as their sum. A row that repeats a payment already
    /// listed is in `problems`, not here.
    pub combined_payments: Vec<CombinedPayment>,
    /// Tax lists: payments recorded already whose date or channel the list's record replaced.
    pub redated: Vec<Redated>,
    /// Tax lists: payments two laptops recorded with different amounts that the list settled (its amount is one
    /// of theirs, and is now the pupil's).
    pub amount_disputes_settled: Vec<ListedDispute>,
    /// Tax lists: such payments the list gives a third amount for: not changed, still disputed (and in
    /// `conflicts`).
    pub amount_disputes_left: Vec<ListedDispute>,
    /// Tax lists: part payments recorded that the list records in full: the list's amount taken, the one it
    /// replaced said.
    pub part_payments_completed: Vec<PartCompleted>,
    pub conflicts: Vec<Conflict>,
    /// Tax lists: payments recorded against the roster's 不参保, 已离校 or 异地参保 (money the tax office received
    /// insures the pupil whatever the school was told): counted in `matched`, the roster's status kept beside the
    /// payment and said here (and in the forms' 备注) for the operator to settle.
    pub recorded_over_status: Vec<Conflict>,
    /// Tax lists: one receipt number with different amounts; the pupil's payment is left as it was.
    pub receipt_conflicts: Vec<ReceiptConflict>,
    /// Tax lists: a receipt number met again under another name or number, with both rows.
    pub repeated_receipts: Vec<RepeatedReceipt>,
    /// Agency feedback rows whose status column says the pupil is not registered (or is empty): not marked.
    pub not_registered: Vec<NotRegistered>,
    /// Agency feedback rows whose status is a word the program does not know (neither registered nor not):
    /// not marked, and said as unknown rather than as a failed registration, so a new word is added, not chased.
    pub unknown_status: Vec<NotRegistered>,
    /// Category names (categories lists) that the category table does not know.
    pub unknown_categories: Vec<String>,
    pub problems: Vec<Problem>,
    /// Tax lists: rows saying a payment was made that were not recorded (a number nobody holds, another name, a
    /// status the roster contradicts …), each kept in the drive's history and listed by `check` until the pupil's
    /// payment is recorded (on a dry run: would be kept).
    pub unapplied_payments: usize,
    /// Tax lists: how many of `unapplied_payments` were kept already by an earlier operation (the same list, or
    /// another holding the same payment, reconciled before), and so are not kept again: `check` lists each once.
    pub unapplied_kept_before: usize,
    /// Tax lists: how many of `unapplied_payments` the operator dismissed already (`check --dismiss`): kept, and
    /// listed by `check` no more, so not counted among the payments it will list.
    pub unapplied_dismissed: usize,
    /// Tax lists: no row is a pupil of the drive, while rows give numbers nobody on it holds: most likely another
    /// school's list, whose payments would be kept in the history and listed by `check` for good. A run is
    /// refused (`ReconcileError::NoPupilOfDrive`) unless the operator means it (`ReconcileOptions::keep_unmatched`);
    /// a dry run says so.
    pub matches_no_pupil: bool,
    /// With `matches_no_pupil` or `other_school`: the rows giving a number nobody on the drive holds (or one that fails the check and
    /// names no pupil), and the rows giving no number whose name nobody holds; 0 otherwise.
    pub strangers: usize,
    pub unnumbered_strangers: usize,
    /// With `matches_no_pupil` or `other_school`: the rows found a pupil by their number, and the rows giving
    /// no number found a pupil by the name alone, which does not make the list this school's; 0 otherwise.
    pub matched_by_number: usize,
    pub matched_by_name: usize,
    /// The list taken on purpose as another school's (`ReconcileOptions::other_school_ok`), whatever its share of
    /// the drive's pupils, and the strangers' payments (rows of numbers or names nobody on the drive holds) not kept so, each still said
    /// in `unknown_rows` or `problems`; false and 0 otherwise.
    pub other_school: bool,
    pub strangers_not_kept: usize,
    /// The list's contents in 64 bits as read (`None` for rows not read from a file): the real run after a
    /// preview passes it back ([`ReconcileOptions::previewed`]) so that a list changed in between is not applied
    /// unseen.
    #[serde(skip)]
    pub stamp: Option<u64>,
}

/// How a reconciliation runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReconcileOptions {
    /// Report what a run would do, and change nothing.
    pub dry_run: bool,
    /// A tax list none of whose rows is a pupil of the drive is reconciled all the same, its payments kept as not
    /// recorded (`--keep-unmatched`, or Yes on the screen): the operator has checked it is this school's.
    pub keep_unmatched: bool,
    /// Such a list taken on purpose as another school's (`--other-school-ok`): the rows that are pupils of the drive
    /// are reconciled (their payments recorded), and the strangers' payments are said but not kept, so `check` does
    /// not list other children's payments for good. `keep_unmatched` keeps them.
    pub other_school_ok: bool,
    /// The stamp of the list the operator previewed ([`ReconcileReport::stamp`]): a list whose contents differ now
    /// is refused whole (`ChangedSincePreview`), as an import's is.
    pub previewed: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(
        "{file}：预览之后文件已被修改，未核对任何内容，请重新核对并查看预览 ({file} changed after the preview: nothing \
         reconciled, reconcile it again to preview it)"
    )]
    ChangedSincePreview { file: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "文件 {file} 的表头中没有人员类别列（人员类别、特殊人员类别 …） \
         (no category column in the header of {file})"
    )]
    NoCategoryColumn { file: String },
    /// A file that is not the list it was given as: the school's class list or one of canbao's own exports given
    /// as the tax office's paid list (every pupil on it would become 已缴费, with no amount and no date) or as the
    /// agency's feedback (every pupil 在校参保). The message says what the file looks like and what the list holds.
    #[error("{0}")]
    NotThisList(String),
    /// Only the sheets hidden in Excel hold a list: they are not read, as the class-list import does not read them.
    #[error(
        "文件 {file} 中可见的工作表里找不到表头行；名单在隐藏的工作表{sheets}中，未核对：若要核对，请在 {} 中取消隐藏后另存，\
         再核对 (no header row in the visible sheets of {file}; the list is in hidden sheets {sheets}, not reconciled: \
         unhide them in {}, save, and reconcile again)",
        .hidden_in.app_zh(),
        .hidden_in.app_en()
    )]
    OnlyHidden { file: String, sheets: String, hidden_in: table::HiddenIn },
    /// The drive itself (`copy` false), or a copy or backup of it, given as an agency's list: what it holds came from
    /// the drive, so there is nothing to reconcile, nor to merge (the way another laptop's drive comes in).
    #[error("{}", this_drive_message(.file, *.copy))]
    ThisDrive { file: String, copy: bool },
    /// A tax list none of whose rows is a pupil of the drive, or fewer of its numbered rows than are strangers'
    /// (`ReconcileReport::matches_no_pupil`; `matched` by number, `by_name` giving no number): another
    /// school's list, most likely. Applied, each of its payments would be kept in the drive's history with other
    /// children's names and numbers, and listed by `check` as paid but not recorded, for good. `rows`: the rows
    /// giving a number nobody on the drive holds, or one that fails the check and names no pupil; `unnumbered`: the
    /// rows giving no number whose name nobody on it holds.
    #[error("{}", no_pupil_message(.file, (*.rows, *.unnumbered), (*.matched, *.by_name)))]
    NoPupilOfDrive { file: String, rows: usize, unnumbered: usize, matched: usize, by_name: usize },
    /// A tax list each of whose dated payments falls before the drive's insured year (`current`) opens: an earlier
    /// year's list (`year`, the latest its rows fall in), read again after the new year began. Applied, each
    /// payment would be kept as paid but not recorded, though its year holds it.
    #[error(
        "{file}：这是 {year} 年度的缴费名单：名单上 {payments} 笔缴费的日期都在本数据文件 {current} 年度的缴费期之前，\
         未核对，未保存任何内容。请向税务部门索取 {current} 年度的缴费名单 ({file}: this \
         is the {year} insured year's tax list: all its {payments} payments are dated before the drive's {current} \
         insured year opens, so nothing was reconciled or saved; ask the tax office for the {current} list)"
    )]
    EarlierYear { file: String, year: i32, current: i32, payments: usize },
    /// A tax list every payment of which (two or more, each priced under the drive's policy) is ten times the full
    /// premium or more (`money::SLIP_FACTOR`): the list is in 分, or its amounts are otherwise wrong throughout. Kept row by row, each
    /// would be held back as a slip (`FarAmount`) and listed by `check` for good; refused whole, nothing is kept
    /// and the operator converts the list (or asks the tax office) and reads it again. `example`: the first row's
    /// amount and the premium it was held against, in fen; `in_fen`: every amount is exactly 100 times its premium.
    #[error("{}", in_fen_message(.file, *.payments, *.example, *.in_fen))]
    AmountsInFen { file: String, payments: (usize, usize), example: (i64, i64), in_fen: bool },
    /// A tax list whose amount column's header says 分 but more than half of whose payments (two or more), so read,
    /// are under a tenth of the premium (380 read as 3.80 元 for 380 元): the amounts are in 元 and the header's unit
    /// does not fit them. Recorded, every family would be a part payer chased for what it paid. `payments`: those
    /// under a tenth, and all; `example`: the first of them as written and the premium, in fen: the pupil's under
    /// the drive's policy, else the policy's personal premium, else the least any notice sets (no policy): `priced`.
    #[error("{}", unit_misfit_message(.file, .header, *.payments, (.example.0.as_str(), .example.1), *.priced))]
    HeaderUnitMisfit { file: String, header: String, payments: (usize, usize), example: (String, i64), priced: Priced },
    /// A tax list every payment of which (two or more, 0 not counted) is at the ceiling of one payment or beyond
    /// (`money::payment_ceiling`, what the payment form and `mark` refuse), not all priced under a policy (none
    /// chosen): 38000 under a 元 header is a list in 分, and recorded it would put 38000 元 in the ledger. One such
    /// payment alone is held at its row, as with a policy. `example`: the first amount; `ceiling`: the ceiling and
    /// the most the chosen policy asks for a pupil's year (none without one), in fen.
    #[error("{}", beyond_ceiling_message(.file, *.payments, *.example, *.ceiling))]
    BeyondAnyPremium { file: String, payments: (usize, usize), example: i64, ceiling: (i64, Option<i64>) },
    /// A tax list with no amount column read but a column whose header names an amount (「金额合计」): recorded, every
    /// payment would be taken in full whatever the column says.
    #[error(
        "{file}：第 {letter} 列“{header}”像是缴费金额，但本次核对无法把它当作金额列读取，整份名单未核对，未保存任何内容。请把这一列的\
         表头改为“缴费金额”（以分为单位的写“缴费金额(分)”）后另存再核对 ({file}: column {letter} “{header}” looks like \
         the amount paid but cannot be read as the amount column, so the whole list was refused and nothing saved; \
         rename its header 缴费金额 (缴费金额(分) for an amount in fen), save and reconcile again)"
    )]
    AmountColumnUnread { file: String, letter: String, header: String },
}

/// What a refusal of a list whose amounts are no pupil's payments says of its rule, with a policy or without:
/// (Chinese, English).
const FAR_RULE: (&str, &str) = (
    "（两笔以上、过半的缴费如此时整份名单不核对；只有一笔时，或少数几笔如此时，只是那几行不记入，保存待核）",
    " (a list is refused whole when two or more of its payments, and more than half, are so; one alone, or a few \
     among payments, is held at its row)",
);

/// What a refusal of a list in 元 under a 分 header says of its rule, with a policy or without: (Chinese, English).
const MISFIT_RULE: (&str, &str) = (
    "（两笔以上、过半的缴费如此时整份名单不核对；只有一笔时按部分缴费读取）",
    " (a list is refused whole when two or more of its payments, and more than half, are so; one alone is read as a \
     part payment)",
);

/// Which of a list's payments a refusal of its amounts is about (`far` of `payments`), as its sentence goes on
/// (「3 笔缴费按分读都」, 「5 笔缴费中有 4 笔按分读」): (Chinese, English).
fn payments_said((far, payments): (usize, usize), what: &str) -> (String, String) {
    if far == payments {
        (format!("{payments} 笔缴费{what}都"), format!("all {payments} payments"))
    } else {
        (format!("{payments} 笔缴费中有 {far} 笔{what}"), format!("{far} of the {payments} payments"))
    }
}

/// Which premium a list's amount was weighed against: the pupil's under the drive's policy, the policy's personal
/// premium where it prices not the pupil (another year's policy, no window on the day), or, no policy chosen, the
/// least any notice sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priced {
    Pupil,
    Policy,
    NoPolicy,
}

fn unit_misfit_message(
    file: &str,
    header: &str,
    payments: (usize, usize),
    (written, due): (&str, i64),
    priced: Priced,
) -> String {
    let due = money::plain(due);
    let (premium, premium_en) = match priced {
        Priced::Pupil => (format!("保费 {due} 元"), format!("for a premium of {due} yuan")),
        Priced::Policy => (
            format!("此学生未能按政策计价，按本年度政策的个人保费 {due} 元计"),
            format!("the pupil not priced by the policy: weighed against its personal premium, {due} yuan"),
        ),
        Priced::NoPolicy => (
            format!("未选政策，按各地最低的保费 {due} 元计"),
            format!("no policy chosen: weighed against the least premium of the notices, {due} yuan"),
        ),
    };
    let (some, some_en) = payments_said(payments, "按分读");
    let (rule, rule_en) = MISFIT_RULE;
    format!(
        "{file}：金额列“{header}”写明以分为单位，但名单上本校学生的 {some}不到保费的十分之一（如“{written}”\
         读作 {written} 分，{premium}），金额像是以元为单位，表头的单位与金额不符，整份名单未核对，未保存任何内容{rule}。请改正表头的单位\
         （以元为单位的写“缴费金额”）后另存再核对，或向税务部门核实实缴金额 ({file}: the amount column “{header}” says fen (分), \
         but {some_en} of this drive's pupils on the list, read in fen, are under a tenth of the premium \
         (such as “{written}” read as {written} fen, {premium_en}): the amounts look like yuan and the \
         header's unit does not fit them, so the whole list was refused and nothing saved{rule_en}; correct the header's unit \
         (缴费金额 for yuan), save and reconcile again, or check the amounts paid with the tax office)"
    )
}

fn beyond_ceiling_message(file: &str, payments: (usize, usize), amount: i64, ceiling: (i64, Option<i64>)) -> String {
    let (weighed, weighed_en) = money::Slip::Ceiling { ceiling: ceiling.0, most: ceiling.1 }.weighed();
    let amount = money::plain(amount);
    let (rule, rule_en) = FAR_RULE;
    let (some, some_en) = payments_said(payments, "的金额");
    format!(
        "{file}：名单上本校学生的 {some}{weighed}（如 {amount} 元），\
         远高于任何保费，金额像是以分为单位，整份名单未核对，未保存任何内容{rule}。请把金额换算为元（以分为单位的，除以 100，或把表头写为\
         “缴费金额(分)”）后另存再核对，或向税务部门核实实缴金额 ({file}: {some_en} of this drive's pupils on \
         the list (such as {amount} yuan) are so: the amount {weighed_en}, far above any premium: the amounts look like fen (分), so the whole list was refused and nothing \
         saved{rule_en}; convert the amounts to yuan (divide fen by 100, or head the column 缴费金额(分)), save and \
         reconcile again, or check the amounts paid with the tax office)"
    )
}

/// What [`ReconcileError::AmountsInFen`] says: every amount far above the premium, most likely in 分, and what to
/// do (convert to 元 and read it again, or check with the tax office), nothing saved. `payments` counts the drive's
/// pupils' payments only (strangers' rows are priced against no pupil), and is said so: 「名单上 3 笔缴费」 read
/// wrong beside a list of 40 rows.
fn in_fen_message(file: &str, payments: (usize, usize), (amount, due): (i64, i64), in_fen: bool) -> String {
    let (amount, due) = (money::plain(amount), money::plain(due));
    let (rule, rule_en) = FAR_RULE;
    let (some, some_en) = payments_said(payments, "的金额");
    let (looks, looks_en) = if in_fen {
        ("金额像是以分为单位", "the amounts look like fen (分), not yuan")
    } else {
        ("金额疑为以分为单位或多写了 0", "the amounts look like fen (分), or have zeros typed twice")
    };
    format!(
        "{file}：名单上本校学生的 {some}是保费的 10 倍以上（如 {amount} 元，保费 {due} 元），{looks}，整份名单\
         未核对，未保存任何内容{rule}。请把金额换算为元（以分为单位的，除以 100）后另存再核对，或向税务部门核实实缴金额 ({file}: \
         {some_en} of this drive's pupils on the list are ten times the premium or more (such as {amount} yuan for a premium of {due} \
         yuan): {looks_en}, so the whole list was refused and nothing saved{rule_en}; convert the amounts to yuan (divide fen \
         by 100), save and reconcile again, or check the amounts paid with the tax office)"
    )
}

use crate::domain::unapplied::school_key;

/// How [`ReconcileError::NotThisList`] names the road for a tax list given as the agency's feedback: the palette
/// entry and the command line. The screen says its own (`ReconcileError::on_screen`).
const TAX_ROAD_ZH: &str = "请用 核对税务缴费名单（命令行：canbao reconcile 文件 --source tax）";
const TAX_ROAD_EN: &str = " with canbao reconcile FILE --source tax";

impl ReconcileError {
    /// The refusal as the screen says it: a tax list given as the agency's feedback names the palette's entry
    /// (`zh`, `en`), not a command line the screen holding the drive would refuse.
    pub fn on_screen(&self, zh: &str, en: &str) -> String {
        match self {
            ReconcileError::NotThisList(message) => message.replace(TAX_ROAD_ZH, zh).replace(TAX_ROAD_EN, en),
            e => e.to_string(),
        }
    }
}

/// What [`ReconcileError::NoPupilOfDrive`] says: that the list is no one's on this drive, and how to go on if meant.
fn no_pupil_message(file: &str, (rows, unnumbered): (usize, usize), (matched, by_name): (usize, usize)) -> String {
    let (strangers, strangers_en) = strangers_words(rows, unnumbered);
    let (none, none_en) = match matched {
        0 => ("没有一行能对上".to_owned(), "the list matches no pupil of this drive".to_owned()),
        n => (
            format!("只有 {n} 行能按身份证号码对上"),
            format!(
                "the list matches almost no pupil of this drive (only {})",
                crate::words::counted(n, "row", "rows")
            ),
        ),
    };
    let (by_name, by_name_en) = by_name_words(by_name);
    format!(
        "{file}：名单中{strangers}，{none}{by_name}，像是另一所学校的税务缴费名单，\
         未核对，未保存任何内容。请确认选对了名单；若确是本校的名单，要把这些缴费作为“税务已缴费、名单未记入”保存在修改记录中，\
         请核对后加 --keep-unmatched 重新核对（命令行：canbao reconcile 文件 --source tax --keep-unmatched）；若确是另一所学校的\
         名单、只要记入其中本校学生的缴费，请加 --other-school-ok（名单外的缴费不保存） ({file}: \
         {none_en} ({strangers_en}{by_name_en}): it looks like another school's tax list, so nothing \
         was reconciled or saved; check that this is the right list, or, if it is this school's and its payments are \
         to be kept in the drive's history as paid but not recorded, reconcile again with --keep-unmatched; if it is \
         another school's and only its rows of this school's pupils are to be recorded, give --other-school-ok, which \
         keeps none of the strangers' payments)"
    )
}

/// What a report's list matching no pupil is said to be (`matches_no_pupil`), as the notes begin: 「名单中没有一行是
/// 本数据文件的学生」, or with a few of its numbered rows matching, how few; then the rows found by the name alone.
pub fn no_pupil_lead(report: &ReconcileReport) -> (String, String) {
    let (by_name, by_name_en) = by_name_words(report.matched_by_name);
    match report.matched_by_number {
        0 => (
            format!("名单中没有一行是本数据文件的学生{by_name}"),
            format!("the list matches no pupil of this drive{by_name_en}"),
        ),
        n if report.matches_no_pupil => (
            format!("名单中按身份证号码只有 {n} 行是本数据文件的学生，{} 行不是{by_name}", report.strangers),
            format!(
                "the list matches almost no pupil of this drive (only {} by ID number, {} not){by_name_en}",
                crate::words::counted(n, "row", "rows"),
                report.strangers
            ),
        ),
        // Taken as another school's (`other_school`) though most of its rows are ours: the counts, not "only".
        n => (
            format!("名单中按身份证号码 {n} 行是本数据文件的学生，{} 行不是{by_name}", report.strangers),
            format!(
                "the list matches {} of this drive by ID number, {} not{by_name_en}",
                crate::words::counted(n, "row", "rows"),
                report.strangers
            ),
        ),
    }
}

/// The rows of a list matching no pupil that give no number and were found a pupil by the name alone, as the
/// refusal and the notes say them after the strangers: (Chinese, English), empty for none.
pub fn by_name_words(by_name: usize) -> (String, String) {
    if by_name == 0 {
        return (String::new(), String::new());
    }
    let rows = crate::words::counted(by_name, "row", "rows");
    (
        format!("（另有 {by_name} 行没有身份证号码，只是姓名与本数据文件中的学生相同，不能说明是本校的名单）"),
        format!(
            "; {rows} without an ID number only {} a pupil's name, which does not make it this school's list",
            if by_name == 1 { "shares" } else { "share" }
        ),
    )
}

/// What a list matching no pupil of the drive holds (`rows` giving numbers nobody holds, `unnumbered` giving no
/// number and names nobody holds), as the refusal and the screen's note say it; (Chinese, English). Rows without a
/// number are said as such: 「身份证号码都不是本数据文件中学生的」 would send the operator looking for numbers the
/// list does not give.
pub fn strangers_words(rows: usize, unnumbered: usize) -> (String, String) {
    let (rows_en, unnumbered_en) =
        (crate::words::counted(rows, "row", "rows"), crate::words::counted(unnumbered, "row", "rows"));
    match (rows, unnumbered) {
        (_, 0) => (
            format!(" {rows} 行的身份证号码都不是本数据文件中学生的"),
            format!("none of the ID numbers of its {rows_en} is on the roster"),
        ),
        (0, _) => (
            format!(" {unnumbered} 行都没有身份证号码，其姓名本数据文件中也没有学生"),
            format!(
                "its {unnumbered_en} {} no ID number, and no pupil on the roster has their names",
                if unnumbered == 1 { "gives" } else { "give" }
            ),
        ),
        _ => (
            format!(
                " {rows} 行的身份证号码都不是本数据文件中学生的，另 {unnumbered} 行没有身份证号码，其姓名本数据文件中也没有学生"
            ),
            format!(
                "none of the ID numbers of its {rows_en} is on the roster, and its {unnumbered_en} without an ID \
                 number have names no pupil on the roster has"
            ),
        ),
    }
}

/// What [`ReconcileError::ThisDrive`] says: that the file is this drive, or a copy of it, and what to give instead.
fn this_drive_message(file: &str, copy: bool) -> String {
    const LIST_ZH: &str = "核对要用税务、医保经办机构或认定部门发来的名单（Excel、WPS 或 CSV 表格），请选择那份名单";
    const LIST_EN: &str =
        "reconcile the list the tax office, the agency or a department sent (an Excel, WPS or CSV sheet)";
    if copy {
        format!(
            "{file} 是本数据文件的副本或备份，不是名单，未核对：其中的学生和记录都来自本数据文件，核对它、并入它都不会带来什么；\
             {LIST_ZH}；若要让数据文件回到这份备份，请用 恢复（canbao restore 文件） ({file} is a copy or backup of this drive, \
             not a list: nothing reconciled; what it holds came from this drive, so neither reconciling nor merging it \
             brings anything; {LIST_EN}; to take the drive back to this backup, restore it: canbao restore FILE)"
        )
    } else {
        format!(
            "{file} 就是正在使用的数据文件本身，不是名单，未核对：{LIST_ZH} ({file} is the drive open now, not a list: \
             nothing reconciled; {LIST_EN})"
        )
    }
}

/// Whether `path`, given as an agency's list, is this drive (by whatever path or link) or a plain copy or backup of
/// it (one of its states, or named as its backups are, of one of its schools: `Store::describe_backup`): said as
/// such, where a drive of another laptop is said with the way to merge it. A drive without pupils yet takes any
/// drive for its backup, and is not asked.
pub fn this_drive(store: &Store, path: &Path) -> Option<ReconcileError> {
    let file = table::shown_path(path);
    if store.path().is_some_and(|drive| crate::store::lock::same_file(path, drive)) {
        return Some(ReconcileError::ThisDrive { file, copy: false });
    }
    if super::sniff::file_not_a_table(path) != Some(super::sniff::DRIVE) {
        return None;
    }
    let facts = store.describe_backup(path).ok()?;
    (facts.looks_ours && facts.current_pupils > 0).then_some(ReconcileError::ThisDrive { file, copy: true })
}

/// Rows from hidden rows said one by one in a sheet; the rest are said in one line (as the class-list import does).
const HIDDEN_ROWS_SAID: usize = 10;

/// A worksheet as read for a reconciliation, with what Excel hides of it.
struct ListSheet {
    sheet: Sheet,
    /// Excel hides the whole sheet: not read (the operator does not see it), and said.
    hidden: bool,
    /// The rows Excel hides, as Excel numbers them, ascending: read, and said, so the counts can be matched.
    hidden_rows: Vec<usize>,
    /// The columns Excel hides, from 0 (A), ascending: one the operator sees is read before a hidden one of the
    /// same header, as the class-list import reads them, and each is said, read or not.
    hidden_columns: Vec<usize>,
    /// Whose terms say what the workbook hides (Excel's, or an ODS's spreadsheet's).
    hidden_in: table::HiddenIn,
    /// A CSV's last line with no line break after it (`table::Unended`): cut off mid-record when it ends short of
    /// the header's columns or inside a quoted cell.
    unended: Option<table::Unended>,
}

/// Reads `path` and reconciles it. `policy` (the drive's) is used to compare paid amounts with the amount due.
/// Unless `dry_run`, the drive's automatic backup is taken before anything changes, once the list is read.
pub fn reconcile(
    store: &mut Store,
    path: &Path,
    source: Source,
    policy: Option<&Policy>,
    dry_run: bool,
) -> Result<ReconcileReport, ReconcileError> {
    reconcile_with(store, path, source, policy, ReconcileOptions { dry_run, ..ReconcileOptions::default() })
}

/// Like [`reconcile`], with a list that matches no pupil of the drive kept if `options` say so.
pub fn reconcile_with(
    store: &mut Store,
    path: &Path,
    source: Source,
    policy: Option<&Policy>,
    options: ReconcileOptions,
) -> Result<ReconcileReport, ReconcileError> {
    if let Some(e) = this_drive(store, path) {
        return Err(e);
    }
    let file = table::shown_path(path);
    let bytes = table::file_bytes(path)?;
    let stamp = super::class_list::stamp(&bytes);
    if options.previewed.is_some_and(|previewed| previewed != stamp) {
        return Err(ReconcileError::ChangedSincePreview { file });
    }
    // A workbook canbao wrote (its author in the document properties) is one of its own forms, never an agency's.
    let by_canbao = ownership::workbook_bytes_by_canbao(&bytes);
    let mut sheets = Vec::new();
    for mut rows in table::open_bytes(bytes, &file)? {
        let (name, hidden, hidden_rows, hidden_columns, hidden_in) = (
            std::mem::take(&mut rows.name),
            rows.hidden,
            std::mem::take(&mut rows.hidden_rows),
            std::mem::take(&mut rows.hidden_columns),
            rows.hidden_in,
        );
        let cells = rows.by_ref().collect::<Result<Vec<_>, _>>()?;
        let unended = rows.unended();
        let sheet = Sheet { name, rows: cells };
        sheets.push(ListSheet { sheet, hidden, hidden_rows, hidden_columns, hidden_in, unended });
    }
    let mut report = reconcile_list(store, &file, sheets, by_canbao, source, policy, options)?;
    report.stamp = Some(stamp);
    Ok(report)
}

/// Like [`reconcile`], for a file already read.
pub fn reconcile_sheets(
    store: &mut Store,
    file: &str,
    sheets: &[Sheet],
    source: Source,
    policy: Option<&Policy>,
    dry_run: bool,
) -> Result<ReconcileReport, ReconcileError> {
    let sheets = sheets.iter().map(|sheet| ListSheet {
        sheet: sheet.clone(),
        hidden: false,
        hidden_rows: Vec::new(),
        hidden_columns: Vec::new(),
        hidden_in: table::HiddenIn::Excel,
        unended: None,
    });
    let options = ReconcileOptions { dry_run, ..ReconcileOptions::default() };
    reconcile_list(store, file, sheets.collect(), false, source, policy, options)
}

fn reconcile_list(
    store: &mut Store,
    file: &str,
    sheets: Vec<ListSheet>,
    by_canbao: bool,
    source: Source,
    policy: Option<&Policy>,
    options: ReconcileOptions,
) -> Result<ReconcileReport, ReconcileError> {
    let dry_run = options.dry_run;
    let mut run = Run {
        store,
        source,
        policy,
        // The operator's word that the list is another school's: a tax list's alone, and not with the word to
        // keep every row (the command line refuses the two together).
        other_school: source == Source::Tax && options.other_school_ok && !options.keep_unmatched,
        table: CategoryTable::builtin(),
        synonyms: Synonyms::builtin(),
        today: NaiveDate::MIN,
        file: file.to_owned(),
        seen: HashSet::new(),
        seen_categories: HashSet::new(),
        item_of: HashMap::new(),
        items: Vec::new(),
        item_rows: Vec::new(),
        reached: HashSet::new(),
        unknown_seen: HashSet::new(),
        item_receipts: Vec::new(),
        payments: Vec::new(),
        payments_of: HashMap::new(),
        report: ReconcileReport {
            source,
            dry_run,
            rows_read: 0,
            not_reconciled: 0,
            changed: Vec::new(),
            further_rows: 0,
            skipped: 0,
            matched: 0,
            already: 0,
            unknown_ids: Vec::new(),
            unknown_rows: Vec::new(),
            rounded_matches: Vec::new(),
            name_mismatches: Vec::new(),
            amount_mismatches: Vec::new(),
            combined_payments: Vec::new(),
            redated: Vec::new(),
            amount_disputes_settled: Vec::new(),
            part_payments_completed: Vec::new(),
            amount_disputes_left: Vec::new(),
            conflicts: Vec::new(),
            recorded_over_status: Vec::new(),
            receipt_conflicts: Vec::new(),
            repeated_receipts: Vec::new(),
            not_registered: Vec::new(),
            unknown_status: Vec::new(),
            unknown_categories: Vec::new(),
            problems: Vec::new(),
            unapplied_payments: 0,
            unapplied_kept_before: 0,
            unapplied_dismissed: 0,
            matches_no_pupil: false,
            strangers: 0,
            unnumbered_strangers: 0,
            matched_by_number: 0,
            matched_by_name: 0,
            other_school: false,
            strangers_not_kept: 0,
            stamp: None,
        },
        named_a_pupil: false,
        mistyped_lines: Vec::new(),
        rounded_claims: Vec::new(),
        invalid_kept: 0,
        unnumbered_kept: 0,
        numbered_matches: 0,
        name_only_matches: 0,
        unnumbered_rows: Vec::new(),
        stranger_rows: HashSet::new(),
        year: None,
        other_year_said: false,
        unapplied: Vec::new(),
        item_unapplied: Vec::new(),
        disputes: HashMap::new(),
        item_confirmed: Vec::new(),
        pupils_named: None,
        receipts_met: HashMap::new(),
        hidden_in: table::HiddenIn::Excel,
        amount_unit: AmountUnit::Yuan,
    };
    run.today = run.store.today();
    run.year = run.store.current_year();
    let mut found_header = false;
    // Hidden sheets that hold a list, left out.
    let mut hidden_lists: Vec<String> = Vec::new();
    for ListSheet { sheet, hidden, hidden_rows, hidden_columns, hidden_in, unended } in &sheets {
        run.hidden_in = *hidden_in;
        let Some(mut map) = header::detect(&sheet.rows, run.synonyms) else { continue };
        if *hidden {
            run.hidden_sheet(sheet, &map);
            hidden_lists.push(sheet.name.clone());
            continue;
        }
        if let Some(header_row) = sheet.rows.get(map.row) {
            header::prefer_visible(&mut map, header_row, hidden_columns, run.synonyms);
        }
        found_header = true;
        // Read once for the sheet: every amount of its rows is in the unit its header gives.
        run.amount_unit = AmountUnit::of_sheet(
            &map.header_text(Column::Amount, &sheet.rows),
            sheet.rows.get(..map.row).unwrap_or_default(),
        );
        if source == Source::Categories && !map.columns.contains_key(&Column::Category) {
            return Err(ReconcileError::NoCategoryColumn { file: file.to_owned() });
        }
        // Before a row is read: the whole file is refused, and nothing is written (the changes are applied together
        // at the end), so a list that is not the one named never marks a pupil.
        if let Some(message) = not_this_list(file, sheet, &map, by_canbao, source) {
            return Err(ReconcileError::NotThisList(message));
        }
        if source == Source::Tax
            && let Some(refused) = amount_column_unread(file, sheet, &map)
        {
            return Err(refused);
        }
        run.unused_columns(sheet, &map, hidden_columns);
        if source == Source::Tax {
            run.amount_unit_said(sheet, &map);
        }
        let mut hidden_said = Vec::new();
        // The header's last named column: a last line that ends short of it, or inside a quoted cell, with no line
        // break after it, is a record cut off, as a file still being copied or saved ends. Its payment is half
        // written (an amount cut to its first digits, a date to its year) and the whole one comes with the file.
        let header_width = sheet.rows[map.row].iter().rposition(|c| !c.is_empty()).map_or(0, |at| at + 1);
        let cut_off = unended.and_then(|u| {
            let last = sheet.rows.get(u.row - 1)?;
            if u.in_quote || last.len() < header_width {
                return Some((u.row, None));
            }
            // A line with all its cells, cut inside its last one (`cut_line`): judged by the rows above it.
            let mut column = LastColumn::of(&map, header_width)?;
            for row in sheet.rows.get(map.row + 1..u.row - 1).unwrap_or_default() {
                column.tally(row, run.today);
            }
            let header = sheet.rows[map.row].get(header_width - 1).map(Cell::text).unwrap_or_default();
            Some((u.row, Some((header, column.cut(last, run.today)?))))
        });
        for (index, row) in sheet.rows.iter().enumerate().skip(map.row + 1) {
            if let Some((row_no, cell)) = cut_off.as_ref().filter(|(row_no, _)| *row_no == index + 1) {
                run.cut_off_said(sheet, *row_no, cell.as_ref());
                continue;
            }
            let before = (run.report.rows_read, run.report.skipped);
            run.read_row(sheet, &map, index + 1, row)?;
            // A row Excel hides is read (nothing is dropped unseen) and said, so the operator, who sees only what
            // Excel shows, can match the counts.
            let read = run.report.rows_read == before.0 + 1 && run.report.skipped == before.1;
            if read && hidden_rows.binary_search(&(index + 1)).is_ok() {
                run.hidden_row(sheet, index + 1, &mut hidden_said);
            }
        }
        run.hidden_rows_said(sheet, &hidden_said);
    }
    if !found_header {
        if !hidden_lists.is_empty() {
            let sheets = hidden_lists.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join("、");
            return Err(ReconcileError::OnlyHidden { file: file.to_owned(), sheets, hidden_in: run.hidden_in });
        }
        // One of canbao's own forms that lists no pupils (参保进度汇总) is named as such, not as a list without a header.
        let own_title = sheets.iter().find_map(|s| {
            let head = s.sheet.rows.iter().take(header::HEADER_SEARCH_ROWS);
            ownership::own_title_without_list(&head.map(|row| row.iter().map(Cell::text).collect()).collect::<Vec<_>>())
        });
        if let Some(form) = own_title.or_else(|| by_canbao.then(|| ownership::OWN_FORM_UNTITLED.to_owned())) {
            return Err(ReadError::OwnFormWithoutPupils { file: file.to_owned(), form }.into());
        }
        return Err(ReadError::NoHeader { file: file.to_owned() }.into());
    }
    run.mistyped_of_paid_said();
    run.rounded_claims_said();
    // Before anything is kept: a list whose every payment is of an earlier insured year is last year's list, and
    // applied it would keep each of those payments for `check` as paid but not recorded.
    if let Some(refused) = run.earlier_year_list(file) {
        return Err(refused);
    }
    // Nor a list in 分 (38000 元 in the ledger): each payment held back row by row would be kept for `check` for
    // good. Nor a list in 元 headed 分 (every family a part payer of 3.80 元).
    if let Some(refused) = run.list_in_fen(file).or_else(|| run.header_unit_misfit(file)) {
        return Err(refused);
    }
    run.undated_list_said()?;
    run.settle_payments()?;
    // Before anything is written: another school's list would otherwise keep every one of its payments, with other
    // children's names and numbers, in this drive's append-only history.
    // Judged by the numbers where the list gives any: a name-only row matching a pupil is no evidence the list is
    // this school's (one common name turned another school's list into ours, marking our pupil paid), and a list
    // most of whose numbered rows are strangers' is another school's with a few transferred children, or the
    // district's. Only a list giving no number at all is judged by its names.
    let strangers = run.report.unknown_rows.len() + run.invalid_kept;
    let numbered = run.numbered_matches;
    run.report.matches_no_pupil = source == Source::Tax
        && if numbered + strangers > 0 { strangers > numbered } else { !run.named_a_pupil && run.unnumbered_kept > 0 };
    // The operator's word that the list is another school's holds whatever its share of our pupils (a district's
    // list holds more of ours than strangers): ignored there, it kept every stranger's payment without a word.
    if run.report.matches_no_pupil || run.other_school {
        run.report.strangers = strangers;
        run.report.unnumbered_strangers = run.unnumbered_kept;
        run.report.matched_by_number = numbered;
        run.report.matched_by_name = run.name_only_matches;
    }
    // Taken on purpose as another school's list: its rows that are our pupils count, and its strangers' payments
    // (other children's names and numbers) stay out of the drive's append-only history, said in the report. In the
    // preview as in the run, so the preview shows what the run keeps.
    // Rows giving no number were never kept (`unnumbered_pupil`), and are counted already.
    if run.other_school {
        let before = run.unapplied.len();
        let strangers = std::mem::take(&mut run.stranger_rows);
        run.unapplied
            .retain(|k| k.student_id.is_some() || !strangers.contains(&(k.record.sheet.clone(), k.record.row)));
        run.report.strangers_not_kept += before - run.unapplied.len();
        run.report.other_school = true;
    }
    if run.report.matches_no_pupil && !dry_run && !options.keep_unmatched && !run.other_school {
        let (rows, unnumbered) = (strangers, run.unnumbered_kept);
        let (matched, by_name) = (numbered, run.name_only_matches);
        return Err(ReconcileError::NoPupilOfDrive { file: file.to_owned(), rows, unnumbered, matched, by_name });
    }
    let items: Vec<(i64, Vec<Change>)> = std::mem::take(&mut run.items);
    let rows = std::mem::take(&mut run.item_rows);
    let receipts = std::mem::take(&mut run.item_receipts);
    let unapplied =
        Unapplied { always: std::mem::take(&mut run.unapplied), if_refused: std::mem::take(&mut run.item_unapplied) };
    let confirmed = std::mem::take(&mut run.item_confirmed);
    // The drive's automatic backup, once the list has been read and checked and only the changes are left: a
    // list that cannot be read or is refused takes none, so retrying one does not push the kept backups out.
    if !dry_run {
        run.store.backup_now("reconcile")?;
    }
    // A tax list is the record of money received: its payments are recorded beside a 不参保 or 已离校 (said below),
    // never held back, so no child the tax office collected for is left off the forms.
    let options = ChangeOptions { dry_run, payment_stands: source == Source::Tax, ..ChangeOptions::default() };
    let applied =
        run.store.apply_reconciliation_counted("reconcile", &items, &receipts, &unapplied, &confirmed, options)?;
    let (outcomes, kept_before) = (applied.outcomes, applied.kept_before);
    // The agency's 未参保 kept for `check` is no payment: the tax list's counts of payments not recorded leave it out.
    // Nor one the pupil holding its number has recorded already, this list's own payment among them (a row kept
    // under the list's old spelling of a name since corrected, a department's row beside the family's recorded):
    // `check` does not list it, the reconciliation did not keep it, and the count says what `check` lists. Judged
    // with the list's changes made, before a dry run rolls them back, so the preview counts what the run does.
    let payments = applied.unsettled;
    run.report.unapplied_payments = payments;
    // Those kept before are among the payments counted, never more than they.
    run.report.unapplied_kept_before = if source == Source::Tax { kept_before.min(payments) } else { 0 };
    let dismissed = run.store.dismissed_payments()?;
    let was_dismissed = |list: &[crate::domain::unapplied::KeptPayment]| {
        list.iter()
            .filter(|k| dismissed.get(&k.id_number).is_some_and(|d| d.iter().any(|d| d.same_payment(&k.record))))
            .count()
    };
    run.report.unapplied_dismissed = if source == Source::Tax { was_dismissed(&unapplied.always) } else { 0 };
    for (((outcome, (sheet, row)), if_refused), (_, changes)) in
        outcomes.into_iter().zip(rows).zip(&unapplied.if_refused).zip(&items)
    {
        if outcome.refused.is_none() && !outcome.diffs.is_empty() {
            run.recorded_over_status(outcome.id, changes, &sheet, row)?;
        }
        if outcome.refused.is_some() {
            run.report.unapplied_payments += if_refused.len();
            run.report.unapplied_dismissed += was_dismissed(if_refused);
        }
        match outcome.refused {
            // A list that contradicts the roster is the operator's to look at, never applied.
            Some(refusal) => {
                let student = run.store.student(outcome.id)?;
                let (roster, file) = match refusal {
                    Refusal::PaymentAgainstEnrollment { enrollment, payment } => {
                        (enrollment.label_zh(), payment.label_zh())
                    }
                    Refusal::EnrollmentAgainstPayment { enrollment, payment } => {
                        (payment.label_zh(), enrollment.label_zh())
                    }
                };
                run.conflict(&student, roster, file, &sheet, row);
                // An amount mismatch says a payment was recorded at a wrong amount: this one was not recorded
                // at all, and counting it would tell the operator a payment is on file.
                run.report.amount_mismatches.retain(|m| m.id_number != student.id_number);
                run.report.combined_payments.retain(|c| c.id_number != student.id_number);
                run.report.redated.retain(|c| c.id_number != student.id_number);
                run.report.amount_disputes_settled.retain(|c| c.id_number != student.id_number);
                run.report.part_payments_completed.retain(|c| c.id_number != student.id_number);
            }
            None if outcome.diffs.is_empty() => run.report.already += 1,
            None => {
                run.report.matched += 1;
                let student = run.store.student(outcome.id)?;
                let fields = outcome
                    .diffs
                    .iter()
                    .map(|d| ChangedField { field: d.field.key(), old: d.old.clone(), new: d.new.clone() })
                    .collect();
                // Quoted for the day paid, as the roster's 部分缴费 is. From the changes, not the pupil as read
                // now: a preview's changes were rolled back.
                let new_value = |field: crate::store::Field| {
                    outcome.diffs.iter().find(|d| d.field == field).and_then(|d| d.new.clone())
                };
                let short_fen = match (
                    new_value(crate::store::Field::Payment).as_deref() == Some(PaymentStatus::Paid.code()),
                    new_value(crate::store::Field::PaidAmount).and_then(|a| a.parse::<i64>().ok()),
                    new_value(crate::store::Field::PaidOn).and_then(|d| d.parse::<NaiveDate>().ok()),
                ) {
                    (true, Some(amount), Some(day)) => run
                        .quote_on(&student, day)
                        .and_then(Result::ok)
                        .and_then(|q| (amount < q.personal_due_fen).then(|| q.personal_due_fen - amount)),
                    _ => None,
                };
                run.report.changed.push(ChangedPupil {
                    class: student.class_label(),
                    id_number: student.id_number,
                    name: student.name,
                    file: run.file.clone(),
                    sheet,
                    row,
                    fields,
                    short_fen,
                });
            }
        }
    }
    // Every row read is counted once: a pupil's outcome (one per pupil, the pupil's further rows apart), or not
    // reconciled, so the summary adds up to the rows read.
    let r = &mut run.report;
    let outcomes = r.matched + r.already + r.conflicts.len() + r.unknown_rows.len() + r.name_mismatches.len();
    r.further_rows = run.reached.len().saturating_sub(outcomes);
    r.not_reconciled = r.rows_read.saturating_sub(run.reached.len());
    Ok(run.report)
}

struct Run<'a> {
    /// Whose terms say what the sheet being read hides (Excel's, or an ODS's spreadsheet's).
    hidden_in: table::HiddenIn,
    /// The unit the sheet being read gives its amounts in, by its amount column's header (「缴费金额(分)」).
    amount_unit: AmountUnit,
    store: &'a mut Store,
    source: Source,
    policy: Option<&'a Policy>,
    table: &'a CategoryTable,
    synonyms: &'a Synonyms,
    today: NaiveDate,
    file: String,
    /// Agency lists: ID numbers already met in this file (a registration listed twice is one).
    seen: HashSet<String>,
    /// Categories lists: each pupil's categories already met in this file, by pupil id and category name. A
    /// list with one row per category gives a pupil's second category on a second row with the same number:
    /// only the same number with the same category again is a repeat.
    seen_categories: HashSet<(i64, String)>,
    /// Each pupil's item in `items`, so a later row of the same pupil adds to it (the items are applied
    /// together, each computed from the roster as it was before the run).
    item_of: HashMap<i64, usize>,
    items: Vec<(i64, Vec<Change>)>,
    /// The worksheet and row of each item, for reporting a refusal.
    item_rows: Vec<(String, usize)>,
    /// The rows (sheet, row) that reached a pupil's outcome (a change, nothing to change, a conflict, another
    /// name) or the list of numbers nobody holds; the rest of the rows read were not reconciled.
    reached: HashSet<(String, usize)>,
    /// The numbers in `report.unknown_ids`, so a list of thousands of strangers is not searched row by row.
    unknown_seen: HashSet<String>,
    /// Tax lists: the receipts that make up each item's payment once recorded (`None`: keep the ones kept).
    item_receipts: Vec<Option<Vec<Receipt>>>,
    /// Tax lists: each pupil's rows, settled into one payment once the whole file is read.
    payments: Vec<PupilPayments>,
    /// Each pupil's entry in `payments`, by pupil id.
    payments_of: HashMap<i64, usize>,
    report: ReconcileReport,
    /// Whether a row of the list is a pupil of the drive (by number, an old number or a rounded one, under any
    /// name): a list with none is another school's, most likely.
    named_a_pupil: bool,
    /// The lines said of rows whose number is a pupil's typed wrong (`mistyped_said`): each line's index in the
    /// report, the pupil's id and the words to say it again with, should she turn out recorded paid.
    mistyped_lines: Vec<(usize, i64, String, String)>,
    /// The rows matched by name alone to a pupil held with a number shown shorter (`rounded_claim`).
    rounded_claims: Vec<RoundedClaim>,
    /// Rows kept with a number that fails the check and names no pupil (`UnappliedReason::InvalidNumber`): with
    /// `named_a_pupil` false, a list of only such rows is no more this school's than one of unknown numbers.
    invalid_kept: usize,
    /// Rows kept giving no number and a name (in the class and school given) nobody on the roster holds: with
    /// `named_a_pupil` false, as much another school's as numbers nobody holds, and said as such.
    unnumbered_kept: usize,
    /// Tax lists: rows found a pupil of the drive by the number they give (as held, old, rounded, or typed wrong):
    /// the evidence a list is this school's. A row giving no number found by its name is none (段宇, 张伟 are at
    /// many schools), counted apart in `name_only_matches`.
    numbered_matches: usize,
    name_only_matches: usize,
    /// Tax lists: the rows giving no number and kept as not recorded (`UnappliedReason::NoNumber`), with the class
    /// and school they give, so that the same payment listed again (the same 票证号码) is said as such, not kept and
    /// counted as a second one.
    unnumbered_rows: Vec<(Option<String>, Option<String>, TaxRow)>,
    /// Tax lists: the rows (sheet, row) kept as no pupil's of the drive by their number (one nobody holds, one
    /// failing the check and naming nobody): the strangers `other_school` keeps nothing of. A row giving no number
    /// is never kept under `other_school` (`unnumbered_pupil`).
    stranger_rows: HashSet<(String, usize)>,
    /// A tax list taken as another school's (`ReconcileOptions::other_school_ok`, without `keep_unmatched`): a
    /// row giving no number is then most likely that school's child, whatever name it shares with one of ours, and
    /// no stranger's payment is kept.
    other_school: bool,
    /// The drive's insured year, which kept payments are for.
    year: Option<i32>,
    /// Whether the list was said to be unpriced under a policy of another year: once for the list, not per row.
    other_year_said: bool,
    /// Tax lists: rows saying a payment was made that are not recorded, whatever the outcomes.
    unapplied: Vec<KeptPayment>,
    /// Tax lists: each item's rows, kept as not recorded when that pupil's payment is refused.
    item_unapplied: Vec<Vec<KeptPayment>>,
    /// Tax lists: the payments on the list two laptops recorded with different amounts, by pupil id.
    disputes: HashMap<i64, AmountDispute>,
    /// Tax lists: each item's amount (fen) that settles such a dispute, recorded even when unchanged.
    item_confirmed: Vec<Option<i64>>,
    /// Tax lists: the roster's pupils' keys by name, read once the first row giving a payment but no number is met.
    pupils_named: Option<HashMap<String, Vec<crate::store::NameKeys>>>,
    /// Tax lists: each receipt number met on a payment row, with that row's sheet, row, name, number and amount.
    receipts_met: HashMap<String, (String, usize, String, String, Option<i64>)>,
}

/// A pupil's rows on the tax office's list.
struct PupilPayments {
    student: Student,
    rows: Vec<TaxRow>,
}

/// One row of the tax office's list, as read.
struct TaxRow {
    /// The name and the ID number as the list gives them (the number as found: the real one of a number the
    /// roster holds rounded, the old one of a number since corrected).
    name: String,
    id_number: String,
    sheet: String,
    row: usize,
    /// The ID number column's header, where a problem about the pupil's payment is shown.
    column: String,
    amount_column: String,
    receipt_column: String,
    date_column: String,
    /// A payment an earlier list recorded (by its receipt number) that this list does not hold: not a row of
    /// this file, summed with its rows (a list holding only a top-up adds to what was recorded).
    earlier: bool,
    amount: Option<i64>,
    paid_on: Option<NaiveDate>,
    /// The date cell as written, so two payments on one day at different times stay two.
    paid_on_text: String,
    channel: Option<String>,
    receipt: Option<String>,
    /// The amount cell as written.
    written_amount: Option<String>,
    /// The unit the row's sheet gives its amounts in (`AmountUnit::of_sheet`).
    unit: AmountUnit,
    kind: RowKind,
    /// Matched to the pupil by the name alone, the row giving no number: enough to record an unpaid pupil's
    /// payment on a list that is this school's, never to rewrite a payment the drive holds.
    by_name: bool,
}

/// What a row of the tax office's list says of the pupil's payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowKind {
    /// A payment, to count.
    Payment,
    /// No payment (no amount, an amount of 0, a status that is not paid): left out, the pupil's other rows count.
    NotPayment,
    /// Money going back (a negative amount, 退费): what the pupil paid cannot be told from this list, so none of
    /// the pupil's rows are recorded and the payment is left as it was.
    Held,
    /// A payment whose amount cannot be read (`4OO`, a formula without a result): holds the pupil as `Held` does,
    /// and is itself kept as a payment not recorded, with no amount, so `check` and the forms still say it.
    Unreadable,
}

impl RowKind {
    /// A row that says a payment was made, its amount read or not.
    fn says_paid(self) -> bool {
        matches!(self, RowKind::Payment | RowKind::Unreadable)
    }
}

/// An amount cell of the tax office's list.
enum ListAmount {
    Fen(i64),
    /// Below zero: money going back.
    Negative,
    Unreadable,
}

fn read_amount(cell: &Cell, unit: AmountUnit) -> ListAmount {
    if let Some(fen) = unit.fen(cell) {
        return ListAmount::Fen(fen);
    }
    let negative = match cell {
        Cell::Number(f) => f.is_finite() && *f < 0.0,
        Cell::Text(t) => t
            .trim()
            .strip_prefix(['-', '−', '－'])
            .is_some_and(|rest| parse_amount(&Cell::Text(rest.to_owned())).is_some_and(|fen| fen > 0)),
        _ => false,
    };
    if negative { ListAmount::Negative } else { ListAmount::Unreadable }
}

impl TaxRow {
    /// The same payment listed again: the same 票证号码 when both rows have one (a number is issued once per
    /// payment), else the same amount, date (as written, time and all) and channel.
    fn repeats(&self, earlier: &TaxRow) -> bool {
        match (&self.receipt, &earlier.receipt) {
            (Some(a), Some(b)) => a == b,
            _ => {
                self.amount == earlier.amount
                    && self.paid_on_text == earlier.paid_on_text
                    && self.channel == earlier.channel
            }
        }
    }

    /// Same receipt number, both amounts read, and different: not the same payment again but a list in error.
    fn contradicts(&self, other: &TaxRow) -> bool {
        self.receipt.is_some()
            && self.receipt == other.receipt
            && matches!((self.amount, other.amount), (Some(a), Some(b)) if a != b)
    }

    /// A payment recorded from an earlier list, as a row to sum with this list's.
    fn recorded(receipt: &Receipt) -> TaxRow {
        TaxRow {
            name: String::new(),
            id_number: String::new(),
            sheet: String::new(),
            row: 0,
            column: String::new(),
            amount_column: String::new(),
            receipt_column: String::new(),
            date_column: String::new(),
            earlier: true,
            amount: receipt.amount_fen,
            paid_on: receipt.paid_on,
            paid_on_text: receipt.paid_on.map(|d| d.to_string()).unwrap_or_default(),
            channel: receipt.channel.clone(),
            receipt: Some(receipt.number.clone()),
            written_amount: None,
            unit: AmountUnit::Yuan,
            kind: RowKind::Payment,
            by_name: false,
        }
    }

    fn as_receipt(&self) -> Option<Receipt> {
        Some(Receipt {
            number: self.receipt.clone()?,
            amount_fen: self.amount,
            paid_on: self.paid_on,
            channel: self.channel.clone(),
        })
    }

    fn by_department(&self) -> bool {
        self.channel.as_deref().is_some_and(names_a_department)
    }

    /// 第 N 行, with the worksheet when it is not the one `other` is on.
    fn at(&self, other: &TaxRow) -> String {
        if self.sheet == other.sheet || self.sheet.is_empty() {
            format!("第 {} 行", self.row)
        } else {
            format!("工作表「{}」第 {} 行", self.sheet, self.row)
        }
    }

    fn at_en(&self, other: &TaxRow) -> String {
        if self.sheet == other.sheet || self.sheet.is_empty() {
            format!("row {}", self.row)
        } else {
            format!("sheet “{}” row {}", self.sheet, self.row)
        }
    }
}

/// The header words of the agency's column saying where a pupil is insured (参保地, 参保统筹区).
const PLACE_WORDS: [&str; 6] = ["参保地", "参保统筹区", "参保地区", "统筹区", "参保统筹地区", "参保地市"];

/// The agency list's column of where each pupil is insured, if it has one.
fn place_column(sheet: &Sheet, map: &HeaderMap) -> Option<usize> {
    let header = sheet.rows.get(map.row)?;
    header.iter().position(|cell| PLACE_WORDS.contains(&super::header::clean(&cell.text()).as_str()))
}

/// The place a row of the agency's feedback says the pupil is insured in, when it names a city other than the
/// policy's (the city its title begins with, 宜宾市2024年度 → 宜宾市), with that city: 已参保 there is no enrollment
/// here, and not read as one. A place naming no city (a district, 翠屏区) or the policy's own is the drive's.
fn insured_elsewhere(sheet: &Sheet, map: &HeaderMap, row: &[Cell], policy: &Policy) -> Option<(String, String)> {
    let place = row.get(place_column(sheet, map)?)?.text().trim().to_owned();
    let city: String = policy.title.split_inclusive('市').next().filter(|c| c.ends_with('市'))?.to_owned();
    let bare = city.trim_end_matches('市');
    let names_a_city = ['市', '州', '省', '盟'].iter().any(|c| place.contains(*c));
    (names_a_city && !bare.is_empty() && !place.contains(bare)).then_some((place, city))
}

impl Run<'_> {
    /// The header cells this list's reconciliation does not read, said once per sheet at the header row, so a
    /// column the operator expected to count (a status, a remark) is never dropped without a word. 序号 is
    /// only numbering.
    /// The header's columns this reconciliation does not read, said in one line; a column Excel hides (`hidden`),
    /// which the operator counting the columns does not see, is said on its own, read or not.
    fn unused_columns(&mut self, sheet: &Sheet, map: &HeaderMap, hidden: &[usize]) {
        let mut used = vec![Column::Seq, Column::Name, Column::IdNumber];
        used.extend_from_slice(match self.source {
            // The class and the school tell whose a payment row giving no ID number is (`unnumbered_pupil`).
            Source::Tax => &[
                Column::Amount,
                Column::PaidOn,
                Column::Channel,
                Column::Receipt,
                Column::PaymentStatus,
                Column::GradeClass,
                Column::Grade,
                Column::Class,
                Column::School,
            ],
            Source::Agency => &[Column::Enrolled],
            Source::Categories => {
                &[Column::Category, Column::DisabilityGrade, Column::DisabilityKind, Column::ValidUntil]
            }
        });
        let mut read: Vec<usize> = used.iter().filter_map(|c| map.columns.get(c).copied()).collect();
        if self.source == Source::Agency {
            read.extend(place_column(sheet, map));
        }
        let Some(header) = sheet.rows.get(map.row) else { return };
        for (i, cell) in header.iter().enumerate().filter(|(i, _)| hidden.binary_search(i).is_ok()) {
            let word = cell.text().trim().to_owned();
            if word.is_empty() {
                continue;
            }
            let (letter, shown) = (header::column_letter(i), super::class_list::quoted(&word));
            let (at, at_en) = (self.hidden_in.zh(), self.hidden_in.en());
            let message = match read.contains(&i) {
                true => format!(
                    "第 {letter} 列“{shown}”{at}已隐藏，仍已用于核对 (column {letter} “{shown}” is hidden {at_en}: \
                     read for the reconciliation all the same)"
                ),
                false => format!(
                    "第 {letter} 列“{shown}”{at}已隐藏，本次核对未使用 (column {letter} “{shown}” is hidden {at_en}: \
                     not used by this reconciliation)"
                ),
            };
            self.problem(sheet, map.row + 1, word, message);
        }
        let unused: Vec<String> = header
            .iter()
            .enumerate()
            .filter(|(i, _)| !read.contains(i) && hidden.binary_search(i).is_err())
            .map(|(_, cell)| cell.text().trim().to_owned())
            .filter(|word| !word.is_empty())
            .collect();
        if !unused.is_empty() {
            let (list, list_en) = (unused.join("、"), unused.join(", "));
            let message = format!("以下列本次核对未使用：{list} (columns this reconciliation does not use: {list_en})");
            self.problem(sheet, map.row + 1, String::new(), message);
        }
    }

    /// A CSV's last line cut off mid-record (`table::Unended`): left out, not reconciled.
    /// A line with all its cells whose last cell looks cut (`cut_line`) is said with that cell and its header.
    fn cut_off_said(&mut self, sheet: &Sheet, row: usize, cell: Option<&(String, String)>) {
        let Some((header, cell)) = cell else {
            let message = "文件最后一行不完整，可能仍在复制或保存中；该行未核对，请等文件完整后再核对 (the file's last \
                           line is incomplete, maybe still being copied or saved: that row was not reconciled; \
                           reconcile the file again once it is complete)";
            self.problem(sheet, row, String::new(), message.to_owned());
            return;
        };
        let message = cut_cell_message(&quoted(cell), ("未核对", "reconciled"), ("核对", "reconcile"));
        self.problem(sheet, row, header.clone(), message);
    }

    fn problem(&mut self, sheet: &Sheet, row: usize, column: String, message: String) {
        self.problem_in(&sheet.name, Some(row), column, message);
    }

    /// An amount column in 分 or 万元 by its header or by a unit line above it, said once for the sheet: the
    /// list shows 38000 where the report and the roster say 380 元.
    fn amount_unit_said(&mut self, sheet: &Sheet, map: &HeaderMap) {
        let (unit, unit_en) = match self.amount_unit {
            AmountUnit::Yuan => return,
            AmountUnit::Fen => ("分", "fen (分)"),
            AmountUnit::TenThousandYuan => ("万元", "ten thousand yuan (万元)"),
        };
        let header = map.header_text(Column::Amount, &sheet.rows);
        let message = match AmountUnit::unit_line(sheet.rows.get(..map.row).unwrap_or_default()) {
            Some((_, line)) if AmountUnit::said_by_header(&header).is_none() => format!(
                "表头上方写明“{line}”：金额列“{header}”各行金额已按{unit}读取，换算为元记录 (the line “{line}” above \
                 the header gives the unit: each amount of “{header}” was read in {unit_en} and recorded in yuan)"
            ),
            _ => format!(
                "金额列“{header}”以{unit}为单位：各行金额已按{unit}读取，换算为元记录 (the amount column “{header}” is \
                 in {unit_en}: each amount was read so and recorded in yuan)"
            ),
        };
        self.problem_in(&sheet.name, None, header, message);
    }

    /// A line about a whole sheet names no row, as the import's do: 「第 0 行」 is no row of any sheet.
    fn sheet_problem(&mut self, sheet: &Sheet, message: String) {
        self.problem_in(&sheet.name, None, String::new(), message);
    }

    fn problem_in(&mut self, sheet: &str, row: Option<usize>, column: String, message: String) {
        // No line of the report shows a whole ID number, whatever cell it quotes (`class_list::shown_text`).
        let message = super::class_list::shown_text(message);
        self.report.problems.push(Problem {
            file: self.file.clone(),
            sheet: sheet.to_owned(),
            row,
            column,
            message,
            ..Problem::default()
        });
    }

    fn read_row(&mut self, sheet: &Sheet, map: &HeaderMap, row_no: usize, row: &[Cell]) -> Result<(), StoreError> {
        if row.iter().all(Cell::is_empty) {
            return Ok(());
        }
        self.report.rows_read += 1;
        let header_of = |c: Column| map.header_text(c, &sheet.rows);
        let file_name = map.get(Column::Name, row).map(|c| clean_name(&c.text())).unwrap_or_default();
        let mut id_cell = map.get(Column::IdNumber, row).cloned().unwrap_or(Cell::Empty);
        // A label before the number (「身份证：4502…」) is no part of it, as the import reads it: left out, said.
        if let Cell::Text(written) = &id_cell
            && let Some((number, label)) = super::class_list::labelled_number(id_number::unwrap_text(written).trim())
        {
            let shown = super::class_list::labelled_shown(written.trim(), &label, &number);
            let message = format!(
                "身份证号码单元格为“{shown}”：号码之前的“{label}”不是号码，已去掉，按号码核对，请核对 (the ID number cell \
                 says “{shown}”: “{label}” before the number is no part of it; it is left out and the number matched, \
                 check it)"
            );
            self.problem(sheet, row_no, header_of(Column::IdNumber), message);
            id_cell = Cell::Text(number);
        }
        let check = match &id_cell {
            Cell::Number(f) => id_number::check_numeric_cell(*f, self.today),
            other => id_number::check(&other.text(), self.today),
        };
        // A number a program printed from the double nearest the number a pupil of the name holds (its check digit
        // failing, or holding by chance) is that number rounded, matched as the E+17 form is, never another child.
        let printed =
            id_number::may_be_printed(&check) && self.store.holds_number_printed_as(&check.normalized, &file_name)?;
        let check = if printed { id_number::as_rounded(check) } else { check };
        // "合计,16人" or "制表人：…" under the list, in the name column or the first: a footer, not a pupil,
        // whatever its second cell holds, as long as that is no ID number.
        let first = row.iter().map(Cell::text).map(|t| t.trim().to_owned()).find(|t| !t.is_empty());
        let footer = [Some(file_name.as_str()), first.as_deref()]
            .into_iter()
            .flatten()
            .find(|text| !text.is_empty() && self.synonyms.is_footer(text));
        if let (Some(footer), Err(_)) = (footer, &check.result) {
            self.report.skipped += 1;
            let message =
                format!("表尾行“{footer}”，不是学生，已跳过 (a footer row, “{footer}”, not a pupil: skipped)");
            self.problem(sheet, row_no, String::new(), message);
            return Ok(());
        }
        if file_name.is_empty() && id_cell.is_empty() {
            self.report.skipped += 1;
            let message = "此行没有姓名和身份证号码，已跳过 (no name and no ID number: row skipped)".to_owned();
            self.problem(sheet, row_no, String::new(), message);
            return Ok(());
        }
        if self.source == Source::Tax
            && self.receipt_repeated(sheet, map, (row_no, row), &file_name, &check.normalized)?
        {
            return Ok(());
        }
        // A payment on the tax list with no number at all: matched by the name to the one pupil it can be, or kept.
        let unnumbered_payment = self.source == Source::Tax
            && !file_name.is_empty()
            && check.result == Err(IdProblem::Missing)
            && id_cell.is_empty()
            && {
                let channel = map.get(Column::Channel, row).filter(|c| !c.is_empty()).map(Cell::text);
                self.tax_row_kind(map, row, channel.as_deref()).0.says_paid()
            };
        // A pupil the row's own number cannot name: found by what survived of one a spreadsheet rounded, or as
        // the number the drive corrected the pupil's from.
        let (mut found, mut by_old_number, mut by_name) = (None, false, false);
        let number = match check.result {
            Err(IdProblem::Missing) if unnumbered_payment => {
                let Some(pupil) = self.unnumbered_pupil(sheet, map, (row_no, row), &file_name)? else {
                    return Ok(());
                };
                let number = pupil.id_number.clone();
                found = Some(pupil);
                by_name = true;
                number
            }
            Ok(valid) => valid.number,
            // The number is in the formula, not in the file: said as the import says it, or the operator, who
            // sees a number in the cell, is told it is empty.
            Err(_) if matches!(id_cell, Cell::Unevaluated(_)) => {
                let formula = if let Cell::Unevaluated(f) = &id_cell { f.as_str() } else { "" };
                let message = table::formula_without_result(
                    formula,
                    ("身份证号码无法读取，此行未核对", "the ID number cannot be read and the row was not matched"),
                    ("核对", "reconcile it"),
                );
                self.problem(sheet, row_no, header_of(Column::IdNumber), message);
                return Ok(());
            }
            Err(IdProblem::PrecisionLost) => {
                let Some(pupil) = self.store.student_of_rounded_number(&check.normalized, &file_name)? else {
                    let kept = (None, check.normalized.as_str(), UnappliedReason::RoundedNumber, None);
                    self.keep_row(sheet, map, row_no, row, kept);
                    let message = format!(
                        "身份证号码曾被表格当作数字保存，15 位之后的数字已丢失，此行未核对：{RETYPE_AS_TEXT_ZH}，再核对 \
                         (the ID number was stored as a number by a spreadsheet and lost its digits after the 15th: \
                         the row was not matched; {RETYPE_AS_TEXT_EN}, and reconcile it again)"
                    );
                    self.problem(sheet, row_no, header_of(Column::IdNumber), message);
                    return Ok(());
                };
                // Matched, as the import matches such a row, and said: the operator sees whom it was taken for.
                let (name, held) = (&pupil.name, id_number::mask(&pupil.id_number));
                let message = format!(
                    "身份证号码曾被表格当作数字保存，15 位之后的数字已丢失；按姓名和留下的前 15 位，此行即 {name}（{held}），\
                     已按此学生核对，请留意；{RETYPE_AS_TEXT_ZH} (the ID number was stored as a number by a \
                     spreadsheet and lost its digits after the 15th; by the name and the 15 digits left, the row is \
                     {name} ({held}), reconciled as that pupil; {RETYPE_AS_TEXT_EN})"
                );
                self.problem(sheet, row_no, header_of(Column::IdNumber), message);
                let number = pupil.id_number.clone();
                found = Some(pupil);
                number
            }
            // A number that fails the check may still be one the drive corrected a pupil's from, under the name.
            Err(problem) => {
                let old = if file_name.is_empty() {
                    None
                } else {
                    self.old_number_pupil(sheet, row_no, &header_of, &check.normalized, &file_name)?
                };
                if old.is_none()
                    && let Some(pupil) = self.mistyped_pupil(&check.normalized, &file_name)?
                {
                    self.mistyped_said(sheet, map, (row_no, row), &check.normalized, &problem, &pupil);
                    return Ok(());
                }
                let Some(pupil) = old else {
                    let kept = (None, check.normalized.as_str(), UnappliedReason::InvalidNumber, None);
                    self.keep_row(sheet, map, row_no, row, kept);
                    self.invalid_kept += 1;
                    // A number failing the check under the name of a pupil of ours (more than one character wrong,
                    // so not paired above) may be hers: kept even from another school's list, for the operator.
                    if file_name.is_empty() || self.store.students_named(&file_name)?.is_empty() {
                        self.stranger_rows.insert((sheet.name.clone(), row_no));
                    }
                    let message = format!("{}，无法核对 ({}; not matched)", problem.message_zh(), problem.message_en());
                    self.problem(sheet, row_no, header_of(Column::IdNumber), message);
                    return Ok(());
                };
                found = Some(pupil);
                by_old_number = true;
                check.normalized.clone()
            }
        };
        // On a categories list the same number again may bring another category (`categories_row`), and on a tax
        // list another payment (`settle_payments`).
        if self.source == Source::Agency && !self.seen.insert(number.clone()) {
            let message = "同一身份证号码在文件中再次出现，只核对第一行 (the same ID again: only the first row counts)";
            self.problem(sheet, row_no, header_of(Column::IdNumber), message.to_owned());
            return Ok(());
        }
        if found.is_none() {
            found = self.store.student_by_id_number(&number)?;
        }
        // The number exactly as the drive held it before a correction: stronger than a rounded look-alike.
        if found.is_none() {
            found = self.old_number_pupil(sheet, row_no, &header_of, &number, &file_name)?;
            by_old_number = found.is_some();
        }
        let rounded = if found.is_none() { self.rounded_pupil(&number, &file_name)? } else { None };
        // A pupil matched by the name alone to a number shown shorter: never recorded; and a number whose birth
        // date is an adult's is no pupil's at all, so not even held for her.
        if let Some((pupil, Some(kept))) = &rounded {
            let adult = id_number::check(&number, self.today)
                .result
                .ok()
                .map(|valid| valid.birth_date)
                .and_then(|birth| crate::domain::pupil_flags::adult_age(birth, self.today).map(|age| (birth, age)));
            let Some((birth, age)) = adult else {
                self.rounded_claim(sheet, map, (row_no, row), &number, (pupil, *kept));
                return Ok(());
            };
            let (name, stored) = (&pupil.name, id_number::mask(&pupil.id_number));
            let message = format!(
                "此号码的出生日期为 {birth}（{age} 岁），是成年人的号码，不是学生的：未按姓名对应到同名学生 {name}\
                 （名单中该生的号码曾被表格四舍五入为 {stored}），此行未记入 (the number's birth date is {birth}, {age} \
                 years old: an adult's number, not a pupil's, so it was not matched by the name to {name}, whose number \
                 the roster holds rounded by a spreadsheet to {stored}; the row was not recorded)"
            );
            self.problem(sheet, row_no, header_of(Column::IdNumber), message);
            // Said once, as an adult's number: kept as a number known to no pupil, never said again as one nor
            // taken for a stranger's row (the guess that the list is another school's).
            // Counted with the rows held back (`not_reconciled`), as it is said in `problems`.
            self.keep_row(sheet, map, row_no, row, (None, &number, UnappliedReason::UnknownNumber, None));
            return Ok(());
        }
        let student = match found {
            Some(s) => s,
            None => match rounded.filter(|(_, kept)| kept.is_none()).map(|(s, _)| s) {
                Some(s) => {
                    self.report.rounded_matches.push(RoundedMatch {
                        id_number: number.clone(),
                        stored: s.id_number.clone(),
                        name: s.name.clone(),
                        file: self.file.clone(),
                        sheet: sheet.name.clone(),
                        row: row_no,
                    });
                    s
                }
                None => {
                    let flagged: Vec<FlaggedPupil> = self
                        .store
                        .flagged_students_named(&file_name)?
                        .into_iter()
                        .map(|s| FlaggedPupil { class: s.class_label(), id_number: s.id_number, name: s.name })
                        .collect();
                    self.keep_row(sheet, map, row_no, row, (None, &number, UnappliedReason::UnknownNumber, None));
                    self.reached.insert((sheet.name.clone(), row_no));
                    // A pupil of the name held with a flagged number is most likely this child, her number typed
                    // wrong on the class list: no stranger, whose payment another school's list would not keep.
                    // Kept, so that once the number is corrected reading the list again records it.
                    if flagged.is_empty() {
                        self.stranger_rows.insert((sheet.name.clone(), row_no));
                    }
                    self.report.unknown_rows.push(UnknownRow {
                        id_number: number.clone(),
                        name: file_name,
                        file: self.file.clone(),
                        sheet: sheet.name.clone(),
                        row: row_no,
                        flagged,
                    });
                    // A tax list's second payment by the same stranger is a second row, not a second number.
                    if self.unknown_seen.insert(number.clone()) {
                        self.report.unknown_ids.push(number);
                    }
                    return Ok(());
                }
            },
        };
        self.named_a_pupil = true;
        if !by_name {
            self.numbered_matches += 1;
        }
        // A pupil found by an old number under a name since corrected is that pupil all the same.
        // A middle dot more or less (or a look-alike) is the same name, not another child's.
        let same_name = || {
            let key = crate::domain::name_alike::match_key;
            file_name == clean_name(&student.name) || key(&file_name) == key(&student.name)
        };
        if !by_old_number && !file_name.is_empty() && !same_name() {
            let kept = (Some(student.id), number.as_str(), UnappliedReason::OtherName, Some(student.name.clone()));
            self.keep_row(sheet, map, row_no, row, kept);
            self.reached.insert((sheet.name.clone(), row_no));
            self.report.name_mismatches.push(NameMismatch {
                id_number: number,
                roster_name: student.name.clone(),
                file_name,
                file: self.file.clone(),
                sheet: sheet.name.clone(),
                row: row_no,
            });
            return Ok(());
        }
        let changes = match self.source {
            Source::Tax => {
                let mut paid = self.tax_row(sheet, map, row_no, row);
                paid.id_number = number;
                paid.by_name = by_name;
                // Said at its row; the pupil's other rows still count.
                if paid.kind == RowKind::NotPayment {
                    return Ok(());
                }
                match self.payments_of.get(&student.id).and_then(|&i| self.payments.get_mut(i)) {
                    Some(earlier) => earlier.rows.push(paid),
                    None => {
                        self.payments_of.insert(student.id, self.payments.len());
                        self.payments.push(PupilPayments { student, rows: vec![paid] });
                    }
                }
                return Ok(());
            }
            Source::Agency => self.agency_row(sheet, map, row_no, row, &student),
            Source::Categories => self.categories_row(sheet, map, row_no, row, &student),
        };
        if let Some(changes) = changes {
            self.reached.insert((sheet.name.clone(), row_no));
            self.item_of.insert(student.id, self.items.len());
            self.items.push((student.id, changes));
            self.item_rows.push((sheet.name.clone(), row_no));
            self.item_receipts.push(None);
            self.item_unapplied.push(Vec::new());
        }
        Ok(())
    }

    /// Whether the row's receipt number (票证号码) is an earlier payment row's under another name or number: then
    /// said with both rows (`RepeatedReceipt`), and the row goes no further, being that payment again (kept as not
    /// recorded when its amount differs). Otherwise the number is noted as this row's.
    fn receipt_repeated(
        &mut self,
        sheet: &Sheet,
        map: &HeaderMap,
        (row_no, row): (usize, &[Cell]),
        file_name: &str,
        number: &str,
    ) -> Result<bool, StoreError> {
        let Some(receipt) = map.get(Column::Receipt, row).map(|c| c.text().trim().to_owned()).filter(|t| !t.is_empty())
        else {
            return Ok(false);
        };
        let channel = map.get(Column::Channel, row).filter(|c| !c.is_empty()).map(Cell::text);
        let (kind, amount, _) = self.tax_row_kind(map, row, channel.as_deref());
        if !kind.says_paid() {
            return Ok(false);
        }
        let Some((first_sheet, first_row, first_name, first_number, first_amount)) = self.receipts_met.get(&receipt)
        else {
            let met = (sheet.name.clone(), row_no, file_name.to_owned(), number.to_owned(), amount);
            self.receipts_met.insert(receipt, met);
            return Ok(false);
        };
        // The same payer again (a row repeated, a second sheet): the pupil's own rows tell it (`settle_payments`).
        if first_name == file_name && first_number == number {
            return Ok(false);
        }
        let earlier = EarlierRow {
            name: first_name.clone(),
            id_number: first_number.clone(),
            sheet: first_sheet.clone(),
            row: *first_row,
        };
        let same_amount = *first_amount == amount;
        let repeated = RepeatedReceipt {
            receipt,
            file: self.file.clone(),
            rows: vec![*first_row, row_no],
            sheets: vec![first_sheet.clone(), sheet.name.clone()],
            names: vec![first_name.clone(), file_name.to_owned()],
            id_numbers: vec![first_number.clone(), number.to_owned()],
            amounts: vec![first_amount.map(money::as_number), amount.map(money::as_number)],
            kept: true,
        };
        // Read as a matched row is, for its amount and date; what its cells fail to say is not said of a row no
        // payment is recorded from.
        let said = self.report.problems.len();
        let paid = self.tax_row(sheet, map, row_no, row);
        self.report.problems.truncate(said);
        let holder = if number.is_empty() { None } else { self.store.student_by_id_number(number)? };
        // The same amount is the one payment under two payers: kept all the same, or once the report is closed
        // nothing says the tax office's receipt names a second child, whose family may be asked to pay (or be
        // recorded paid) on the strength of another's money. Another amount may be money of its own; a row
        // without a number is then kept as such rows are, so `check` lists it by its name.
        let reason = match (same_amount, number.is_empty()) {
            (true, _) => UnappliedReason::RepeatedReceipt,
            (false, true) => UnappliedReason::NoNumber,
            (false, false) => UnappliedReason::ReceiptConflict,
        };
        let record = UnappliedPayment {
            roster_name: holder.as_ref().map(|s| s.name.clone()),
            earlier: Some(earlier),
            ..self.record_of(&paid, reason)
        };
        let student_id = holder.map(|s| s.id);
        self.unapplied.push(KeptPayment { student_id, id_number: number.to_owned(), record });
        self.report.repeated_receipts.push(repeated);
        Ok(true)
    }

    /// A tax list's payment row giving no ID number: the one pupil of the list's name, in the class and at the
    /// school the row gives where it gives them, said at the row as the pupil it was reconciled as; else (nobody of
    /// the name, or several the row does not tell apart) the payment kept as not recorded (`NoNumber`), with its
    /// file and row, and said so. Never dropped: money the tax office received stays on the drive's books.
    fn unnumbered_pupil(
        &mut self,
        sheet: &Sheet,
        map: &HeaderMap,
        (row_no, row): (usize, &[Cell]),
        file_name: &str,
    ) -> Result<Option<Student>, StoreError> {
        if self.pupils_named.is_none() {
            let mut by_name: HashMap<String, Vec<crate::store::NameKeys>> = HashMap::new();
            for s in self.store.name_keys()? {
                // Without its middle dot, each way: 「阿依古丽买买提」 on the list is 「阿依古丽·买买提」 on the roster.
                by_name.entry(crate::domain::name_alike::match_key(&s.name)).or_default().push(s);
            }
            self.pupils_named = Some(by_name);
        }
        let text = |c: Column| map.get(c, row).map(|c| c.text().trim().to_owned()).filter(|t| !t.is_empty());
        let class = text(Column::GradeClass).or_else(|| match (text(Column::Grade), text(Column::Class)) {
            (None, None) => None,
            (grade, class) => Some(crate::domain::class_label::join(
                grade.as_deref().unwrap_or_default(),
                class.as_deref().unwrap_or_default(),
            )),
        });
        let school = text(Column::School);
        use crate::domain::class_label::ClassKey;
        let wanted = class.as_deref().map(ClassKey::parse);
        let school_wanted = school.as_deref().map(school_key);
        let same_name: Vec<i64> = self
            .pupils_named
            .as_ref()
            .and_then(|by_name| by_name.get(&crate::domain::name_alike::match_key(file_name)))
            .map(|list| {
                list.iter()
                    .filter(|s| school_wanted.as_ref().is_none_or(|wanted| school_key(&s.school) == *wanted))
                    .filter(|s| wanted.as_ref().is_none_or(|w| w.names(&ClassKey::of(&s.grade, &s.class))))
                    .map(|s| s.id)
                    .collect()
            })
            .unwrap_or_default();
        let column = map.header_text(Column::IdNumber, &sheet.rows);
        // What the row was matched by, as said: 「姓名和班级」 "name and class".
        let (by, by_en) = match (&class, &school) {
            (Some(_), Some(_)) => ("姓名、班级和学校", "name, class and school"),
            (Some(_), None) => ("姓名和班级", "name and class"),
            (None, Some(_)) => ("姓名和学校", "name and school"),
            (None, None) => ("姓名", "name"),
        };
        if let [id] = same_name.as_slice() {
            // Only the one pupil the row names is read whole.
            let pupil = self.store.student(*id)?;
            self.named_a_pupil = true;
            self.name_only_matches += 1;
            let (name, class) = (&pupil.name, pupil.class_label());
            let (held, held_en) = if pupil.id_number.is_empty() {
                ("无号码".to_owned(), "no number".to_owned())
            } else {
                (id_number::mask(&pupil.id_number), id_number::mask(&pupil.id_number))
            };
            let (class, class_en) =
                if class.is_empty() { ("未分班".to_owned(), "no class".to_owned()) } else { (class.clone(), class) };
            // Another school's list (the operator's word): its row without a number is that school's child, who
            // may share a name with ours (张伟 is at many schools); never recorded on our pupil by the name alone.
            if self.other_school {
                let said = self.report.problems.len();
                let paid = self.tax_row(sheet, map, row_no, row);
                self.report.problems.truncate(said);
                let amount = paid.amount.map_or_else(|| "?".to_owned(), money::plain);
                // A stranger's payment, not kept: counted as one here, as the numbered strangers are once read.
                self.report.strangers_not_kept += 1;
                let message = format!(
                    "身份证号码为空；本机虽有同{by}的学生 {name}（{class}，{held}），但此名单作为另一所学校的\
                     名单核对，仅凭{by}不能说明是本校学生：此行缴费 {amount} 元未记入 {name}，也不保存；如确是本校学生，请向税务核实号码后再核对 \
                     (the ID number is empty; a pupil of the same {by_en} is on the roster, {name} ({class_en}, {held_en}), \
                     but the list is taken as another school's, and the {by_en} alone does not make \
                     the row this school's: its payment of {amount} yuan is not recorded on {name}, nor kept; if the \
                     child is this school's, get the number from the tax office and reconcile again)"
                );
                self.problem(sheet, row_no, column, message);
                return Ok(None);
            }
            let message = format!(
                "身份证号码为空；按{by}，此行即 {name}（{class}，{held}），已按此学生核对，请留意，并向税务核实号码 (the ID \
                 number is empty; by the {by_en}, the row is {name} ({class_en}, {held_en}), the one pupil it can be: \
                 reconciled as that pupil, to note; check the number with the tax office)"
            );
            self.problem(sheet, row_no, column, message);
            return Ok(Some(pupil));
        }
        let (zh, en) = match same_name.len() {
            0 => (format!("本机没有此{by}的学生"), format!("no pupil of this {by_en} on the roster")),
            n => (
                format!("本机有 {n} 名此{by}的学生，无法确定是谁"),
                format!("{n} pupils of this {by_en} on the roster, and the row does not tell which"),
            ),
        };
        // Read as a matched row is, for its amount and date; what its cells fail to say is not said of a row no
        // payment is recorded from.
        let said = self.report.problems.len();
        let paid = self.tax_row(sheet, map, row_no, row);
        self.report.problems.truncate(said);
        // The same payment listed again (the same 票证号码; without the column, the same amount, date and channel)
        // under the same name, class and school: one payment, as a pupil's own rows are (`settle_payments`), where
        // it was kept and counted a second time, and the operator sent to the tax office for twice the money.
        let earlier = self.unnumbered_rows.iter().find(|(c, sc, e)| {
            *c == class && *sc == school && e.name == paid.name && paid.repeats(e) && !paid.contradicts(e)
        });
        if let Some((_, _, earlier)) = earlier {
            let (at, at_en) = (earlier.at(&paid), earlier.at_en(&paid));
            let (message, column) = if paid.receipt.is_some() && earlier.receipt.is_some() {
                let message = format!(
                    "与{at}票证号码相同，是同一笔缴费，不重复计算 (the same receipt number as {at_en}: one payment, not \
                     counted twice)"
                );
                (message, paid.receipt_column.clone())
            } else {
                let message = format!(
                    "与{at}金额、日期、渠道都相同，视为同一笔缴费，不重复计算 (the same amount, date and channel as \
                     {at_en}: taken as the same payment, not counted twice)"
                );
                (message, String::new())
            };
            self.problem(sheet, row_no, column, message);
            return Ok(None);
        }
        let amount = paid.amount.map_or_else(|| "?".to_owned(), money::plain);
        if same_name.is_empty() {
            self.unnumbered_kept += 1;
            // Another school's list (the operator's word): a stranger's payment, not kept, and said so.
            if self.other_school {
                self.report.strangers_not_kept += 1;
                self.unnumbered_rows.push((class, school, paid));
                let message = format!(
                    "身份证号码为空，{zh}：此名单作为另一所学校的名单核对，此行缴费 {amount} 元未记入，也不保存 (the ID \
                     number is empty, {en}: the list is taken as another school's, and the row's payment of {amount} \
                     yuan is not recorded, and not kept)"
                );
                self.problem(sheet, row_no, column, message);
                return Ok(None);
            }
        }
        let mut record = self.record_of(&paid, UnappliedReason::NoNumber);
        record.class = class.clone();
        record.school = school.clone();
        self.unapplied.push(KeptPayment { student_id: None, id_number: String::new(), record });
        self.unnumbered_rows.push((class, school, paid));
        let message = format!(
            "身份证号码为空，{zh}：此行缴费 {amount} 元未记入，保存在修改记录中，「检查名单」（canbao check）会列出，请向税务核实号码 \
             (the ID number is empty, {en}: the row's payment of {amount} yuan is not recorded; it is kept in the \
             drive's history and listed by the roster check, canbao check; ask the tax office for the number)"
        );
        self.problem(sheet, row_no, column, message);
        Ok(None)
    }

    /// The one pupil whose number the drive corrected from `number`, under the list's name (now, or before a
    /// correction): the agencies' lists may still carry a number the school has since put right. Said at the row,
    /// with the pupil's number now, so the operator can have the list corrected too.
    fn old_number_pupil(
        &mut self,
        sheet: &Sheet,
        row_no: usize,
        header_of: &dyn Fn(Column) -> String,
        number: &str,
        file_name: &str,
    ) -> Result<Option<Student>, StoreError> {
        let Some(pupil) = self.store.student_corrected_from(number, file_name)? else { return Ok(None) };
        let (name, (now_zh, now)) = (&pupil.name, id_number::mask_zh_en(&pupil.id_number));
        let message = format!(
            "名单中是 {name} 更正前的旧身份证号码，已按此学生核对（现号码 {now_zh}）；名单仍用旧号码，请向出具名单的单位核实 \
             (the list gives the ID number {name}'s was corrected from on this drive: reconciled as that pupil, whose \
             number is now {now}; the list still has the old number, to check with whoever issued it)"
        );
        self.problem(sheet, row_no, header_of(Column::IdNumber), message);
        Ok(Some(pupil))
    }

    /// The pupil of the list's name holding the valid number the row's, which fails the check, was typed wrong
    /// from: the same first 17 characters (`id_number::mistyped_from`, as the import and `check` pair them).
    fn mistyped_pupil(&self, typed: &str, file_name: &str) -> Result<Option<Student>, StoreError> {
        let Some(first17) = typed.get(..17).filter(|f| !file_name.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
        else {
            return Ok(None);
        };
        let number = format!("{first17}{}", id_number::check_char(first17.as_bytes()));
        if !id_number::mistyped_from(&number, typed, false) {
            return Ok(None);
        }
        Ok(self.store.student_by_id_number(&number)?.filter(|s| clean_name(&s.name) == file_name))
    }

    /// A row whose number is `pupil`'s typed wrong (`mistyped_pupil`): most likely her payment, yet a number the
    /// tax office holds wrong may be another child's, so it is not recorded. Kept for her (`check` lists it, the
    /// forms say it beside her 否) and said at the row, and the list names a pupil of this drive.
    fn mistyped_said(
        &mut self,
        sheet: &Sheet,
        map: &HeaderMap,
        (row_no, row): (usize, &[Cell]),
        typed: &str,
        problem: &IdProblem,
        pupil: &Student,
    ) {
        self.named_a_pupil = true;
        self.numbered_matches += 1;
        let kept = (Some(pupil.id), typed, UnappliedReason::MistypedNumber, Some(pupil.name.clone()));
        self.keep_row(sheet, map, row_no, row, kept);
        let (name, held) = (&pupil.name, id_number::mask(&pupil.id_number));
        let (zh, en) = (
            format!("{}，前 17 位与同名学生 {name}（{held}）的号码相同，像是同一人：此行未记入", problem.message_zh()),
            format!(
                "{}; its first 17 characters are those of {name} ({held}), of the same name: most likely the same \
                 child, not recorded",
                problem.message_en()
            ),
        );
        // What to check with whom and what to record is the list's own: a hurried operator following the tax
        // list's words on a categories list would record a payment the family never made.
        let (ask_zh, ask_en) = match self.source {
            Source::Tax => (
                "请向税务核实后在学生详情中手工记录缴费",
                "check with the tax office, then record the payment by hand on the detail screen",
            ),
            Source::Agency => (
                "请向医保经办机构核实参保登记后在学生详情中手工记录参保状态（在校参保）",
                "check the registration with the medical insurance agency, then record the enrollment status (at \
                 school) by hand on the detail screen",
            ),
            Source::Categories => (
                "请向出具名单的部门（民政、残联等）核实后在学生详情中手工记录人员类别",
                "check with the department that issued the list (civil affairs, disabled persons' federation), then \
                 record the category by hand on the detail screen",
            ),
        };
        let message =
            format!("{zh}，{ask_zh}，学生的号码无需更改 ({en}; {ask_en}; the pupil's number needs no change)");
        if self.source == Source::Tax {
            self.mistyped_lines.push((self.report.problems.len(), pupil.id, zh, en));
        }
        self.problem(sheet, row_no, map.header_text(Column::IdNumber, &sheet.rows), message);
    }

    /// The rows said as a pupil's number typed wrong whose pupil is recorded paid already (by hand, or by another
    /// row of this list): said so, with nothing to record by hand, where asking for it would have her paid twice.
    fn mistyped_of_paid_said(&mut self) {
        for (at, id, zh, en) in std::mem::take(&mut self.mistyped_lines) {
            let by_list = self.payments.iter().any(|p| p.student.id == id && p.rows.iter().any(|r| r.kind.says_paid()));
            let by_hand = self.store.student(id).is_ok_and(|s| s.payment == PaymentStatus::Paid);
            if !(by_list || by_hand) {
                continue;
            }
            let Some(problem) = self.report.problems.get_mut(at) else { continue };
            problem.message = super::class_list::shown_text(format!(
                "{zh}；该生已记为已缴费，无需手工记录，学生的号码无需更改 ({en}; the pupil is recorded paid already: nothing to \
                 record by hand, and the pupil's number needs no change)"
            ));
        }
    }

    /// The one pupil of this name held with this number as a spreadsheet rounds it (the first 15 digits and
    /// 000, or rounded up: `id_number::fifteen_digit_forms`), if exactly one: the import's rule for the same case;
    /// with `None`. Else the one pupil of the name whose number a spreadsheet showed shorter (4.50203E+17, or the
    /// same as a number cell holds it, 450203000000000000) and whose digits left are the number's, with how many
    /// are left (`shown_keeps`): so few tell nothing of whose number it is but the county, and the match is by the
    /// name alone (`rounded_claim`).
    fn rounded_pupil(&self, number: &str, file_name: &str) -> Result<Option<(Student, Option<usize>)>, StoreError> {
        if file_name.is_empty() || number.len() != 18 {
            return Ok(None);
        }
        // Cut or rounded up at the 15th digit, whichever way the program that wrote the class list did it.
        let forms = id_number::fifteen_digit_forms(number).unwrap_or_default();
        let mut fifteen: Vec<Student> = Vec::new();
        for form in &forms {
            for s in self.store.students_by_stored_number(form)? {
                if s.id_problem.is_some() && clean_name(&s.name) == file_name && !fifteen.iter().any(|f| f.id == s.id) {
                    fifteen.push(s);
                }
            }
        }
        let named = self.store.flagged_students_named(file_name)?;
        // The same 15 digits written with an exponent (4.50203201505050E+17), as a CSV may keep them.
        for s in &named {
            let kept_fifteen = id_number::rounding_of(number, &s.id_number) == Some(id_number::Rounding::Fifteen);
            if kept_fifteen && !fifteen.iter().any(|f| f.id == s.id) {
                fifteen.push(s.clone());
            }
        }
        if !fifteen.is_empty() {
            return Ok(if fifteen.len() == 1 { fifteen.pop().map(|s| (s, None)) } else { None });
        }
        let mut shown: Vec<(Student, usize)> = named
            .into_iter()
            .filter(|s| clean_name(&s.name) == file_name)
            .filter_map(|s| shown_keeps(number, &s.id_number).map(|kept| (s, kept)))
            .collect();
        Ok(if shown.len() == 1 { shown.pop().map(|(s, kept)| (s, Some(kept))) } else { None })
    }

    /// A row whose valid number is nobody's, matched by its name alone to the one pupil of the name held with a
    /// number a spreadsheet showed shorter (`kept` digits left: 4.50203E+17): the list's number may be a parent's,
    /// a sibling's or another child's of the name, and recorded it would show this pupil insured while her own
    /// payment is missing. Nothing is recorded; a tax row's payment is kept for `check`, and the operator, having
    /// asked, corrects the pupil's number to the list's with E and reconciles again (the rule for a number typed
    /// wrong, `mistyped_said`). Two numbers claiming one pupil are said so once the list is read
    /// (`rounded_claims_said`).
    fn rounded_claim(
        &mut self,
        sheet: &Sheet,
        map: &HeaderMap,
        (row_no, row): (usize, &[Cell]),
        number: &str,
        (pupil, kept): (&Student, usize),
    ) {
        self.named_a_pupil = true;
        self.numbered_matches += 1;
        let reason = (Some(pupil.id), number, UnappliedReason::RoundedRoster, Some(pupil.name.clone()));
        self.keep_row(sheet, map, row_no, row, reason);
        let (name, stored) = (&pupil.name, id_number::mask(&pupil.id_number));
        let message = format!(
            "此行只按姓名对应到 {name}：名单中该生的身份证号码曾被表格四舍五入为 {stored}，只留下前 {kept} 位，\
             不能说明此号码是该生的，此行未记入；请向家长或税务核实，是该生的号码的，在学生详情中按 E 把号码更正为此号码，\
             再重新核对 (matched {name} by the name only: the roster holds that pupil's number rounded by a \
             spreadsheet to {stored}, its first {kept} digits only, which does not make this number the pupil's: the row \
             was not recorded; check with the family or the tax office, and if the number is the pupil's, correct it \
             to this one with E on the detail screen and reconcile again)"
        );
        self.rounded_claims.push(RoundedClaim {
            at: self.report.problems.len(),
            pupil: pupil.id,
            name: name.clone(),
            stored: stored.clone(),
            number: number.to_owned(),
        });
        self.problem(sheet, row_no, map.header_text(Column::IdNumber, &sheet.rows), message);
    }

    /// The rows matched by name alone to one pupil with a rounded number (`rounded_claim`) under two or more
    /// different numbers: said again as such, since at most one of them can be hers and the list does not say which.
    fn rounded_claims_said(&mut self) {
        let claims = std::mem::take(&mut self.rounded_claims);
        for c in &claims {
            let mut numbers: Vec<&str> =
                claims.iter().filter(|o| o.pupil == c.pupil).map(|o| o.number.as_str()).collect();
            numbers.sort_unstable();
            numbers.dedup();
            if numbers.len() < 2 {
                continue;
            }
            let n = numbers.len();
            let listed: Vec<String> = numbers.iter().map(|number| id_number::mask(number)).collect();
            let (zh_list, en_list) = (listed.join("、"), listed.join(", "));
            let (name, stored) = (&c.name, &c.stored);
            let Some(problem) = self.report.problems.get_mut(c.at) else { continue };
            problem.message = super::class_list::shown_text(format!(
                "{n} 个不同的身份证号码（{zh_list}）都只按姓名对应到 {name}（名单中该生的号码曾被表格四舍五入为 \
                 {stored}），无法确定哪一个是该生的，均未记入；请向家长或税务核实，在学生详情中按 E 把号码更正为该生的\
                 号码，再重新核对 ({n} different ID numbers ({en_list}) each match {name} by the name only (the roster \
                 holds that pupil's number rounded by a spreadsheet to {stored}): which one is the pupil's is not known, \
                 and none was recorded; check with the family or the tax office, correct the pupil's number with E on \
                 the detail screen, and reconcile again)"
            ));
        }
    }

    /// A row of the tax office's list that matched no pupil or another name: kept as not recorded when it says a
    /// payment was made. `kept` is the pupil holding the number (if any), the number, why, and the roster's name.
    fn keep_row(
        &mut self,
        sheet: &Sheet,
        map: &HeaderMap,
        row_no: usize,
        row: &[Cell],
        (student_id, number, reason, roster_name): (Option<i64>, &str, UnappliedReason, Option<String>),
    ) {
        if self.source != Source::Tax || number.is_empty() {
            return;
        }
        // Read as a matched row is, for its amount and date; what its cells fail to say was never said of a row
        // nobody's payment is recorded from (the report names the row for its number or name), so it stays unsaid.
        let said = self.report.problems.len();
        let paid = self.tax_row(sheet, map, row_no, row);
        self.report.problems.truncate(said);
        if !paid.kind.says_paid() {
            return;
        }
        let record = UnappliedPayment { roster_name, ..self.record_of(&paid, reason) };
        self.unapplied.push(KeptPayment { student_id, id_number: number.to_owned(), record });
    }

    /// A matched pupil's rows (the list's own, not payments recorded from an earlier list) kept as not recorded.
    fn keep_rows(&mut self, student: &Student, rows: &[&TaxRow], reason: UnappliedReason, standing: Option<String>) {
        let kept = self.kept_rows(student, rows, reason, standing);
        self.unapplied.extend(kept);
    }

    /// Rows held as no pupil's payment (`FarAmount`), each kept with what it was weighed against, so that `check`
    /// says the rule used.
    fn keep_held_amounts(&mut self, student: &Student, rows: &[(&TaxRow, Weighed)]) {
        for (paid, weighed) in rows {
            let mut kept = self.kept_rows(student, &[*paid], UnappliedReason::FarAmount, None);
            for k in &mut kept {
                k.record.weighed = Some(*weighed);
            }
            self.unapplied.extend(kept);
        }
    }

    fn kept_rows(
        &self,
        student: &Student,
        rows: &[&TaxRow],
        reason: UnappliedReason,
        roster_status: Option<String>,
    ) -> Vec<KeptPayment> {
        rows.iter()
            .filter(|r| !r.earlier && r.kind.says_paid())
            .map(|r| KeptPayment {
                student_id: Some(student.id),
                id_number: if r.id_number.is_empty() { student.id_number.clone() } else { r.id_number.clone() },
                record: UnappliedPayment { roster_status: roster_status.clone(), ..self.record_of(r, reason) },
            })
            .collect()
    }

    /// A payment row as kept: what the list says, where, and why it was not recorded.
    fn record_of(&self, paid: &TaxRow, reason: UnappliedReason) -> UnappliedPayment {
        let file =
            Path::new(&self.file).file_name().map_or_else(|| self.file.clone(), |f| f.to_string_lossy().into_owned());
        UnappliedPayment {
            receipt: paid.receipt.clone(),
            year: self.year,
            written_amount: paid.written_amount.clone().filter(|_| paid.kind == RowKind::Unreadable),
            ..UnappliedPayment::new(&paid.name, paid.amount, paid.paid_on, (&file, &paid.sheet, paid.row), reason)
        }
    }

    /// A payment this run recorded beside an enrollment it contradicts (`ChangeOptions::payment_stands`), said.
    fn recorded_over_status(&mut self, id: i64, changes: &[Change], sheet: &str, row: usize) -> Result<(), StoreError> {
        let Some(status) = changes.iter().find_map(|c| match c {
            Change::Payment(p) => Some(p.status()),
            _ => None,
        }) else {
            return Ok(());
        };
        // The enrollment is never changed by a payment that stands, so the roster's is read the same on a dry run.
        let student = self.store.student(id)?;
        if !Standing::new(student.enrollment, status).payment_contradicts_enrollment() {
            return Ok(());
        }
        // A family's payment short of the amount due (300 of 380) insures nobody: said as such, not as insured.
        let short = changes.iter().find_map(|c| match c {
            Change::Payment(Payment::Paid { amount_fen: Some(fen), paid_on, .. }) => {
                let Some(Ok(q)) = self.quote_on(&student, paid_on.unwrap_or(self.today)) else { return None };
                (*fen < q.personal_due_fen).then(|| money::as_number(q.personal_due_fen - fen))
            }
            _ => None,
        });
        self.report.recorded_over_status.push(Conflict {
            id_number: student.id_number.clone(),
            name: student.name.clone(),
            roster: student.enrollment.label_zh().to_owned(),
            file: status.label_zh().to_owned(),
            list: self.file.clone(),
            sheet: sheet.to_owned(),
            row,
            short,
        });
        Ok(())
    }

    fn conflict(&mut self, student: &Student, roster: &str, file: &str, sheet: &str, row: usize) {
        self.report.conflicts.push(Conflict {
            id_number: student.id_number.clone(),
            name: student.name.clone(),
            roster: roster.to_owned(),
            file: file.to_owned(),
            list: self.file.clone(),
            sheet: sheet.to_owned(),
            row,
            short: None,
        });
    }

    /// A worksheet Excel hides is not read, as the class-list import reads none: the operator does not see it,
    /// and workbooks carry an earlier list that way. One that holds a list is said, with how many rows it has and
    /// how to reconcile it.
    fn hidden_sheet(&mut self, sheet: &Sheet, map: &HeaderMap) {
        let count = sheet.rows.iter().skip(map.row + 1).filter(|r| r.iter().any(|c| !c.is_empty())).count();
        let name = &sheet.name;
        let these = crate::words::counted(count, "row was", "rows were");
        let (at, at_en, app, app_en) =
            (self.hidden_in.zh(), self.hidden_in.en(), self.hidden_in.app_zh(), self.hidden_in.app_en());
        let message = format!(
            "工作表“{name}”{at}是隐藏的，其中 {count} 行未核对；若要核对，请在 {app} 中取消隐藏（右键工作表标签）后另存，再核对 \
             (the sheet “{name}” is hidden {at_en}: its {these} not reconciled; to reconcile them, unhide it \
             in {app_en}, save, and reconcile again)"
        );
        self.sheet_problem(sheet, message);
    }

    /// A row Excel hides, read: the first few said row by row, the rest in one line at the end of the sheet
    /// (`hidden_rows_said`), as a filter can hide hundreds.
    fn hidden_row(&mut self, sheet: &Sheet, row_no: usize, said: &mut Vec<usize>) {
        said.push(row_no);
        if said.len() <= HIDDEN_ROWS_SAID {
            let (at, at_en) = (self.hidden_in.zh(), self.hidden_in.en());
            let message = format!(
                "此行{at}是隐藏的（或被筛选隐藏），已核对，请留意 (the row is hidden {at_en}, or filtered out: reconciled all \
                 the same)"
            );
            self.problem(sheet, row_no, String::new(), message);
        }
    }

    fn hidden_rows_said(&mut self, sheet: &Sheet, said: &[usize]) {
        let Some(rest) = said.get(HIDDEN_ROWS_SAID..).filter(|rest| !rest.is_empty()) else { return };
        let shown: Vec<String> = rest.iter().take(20).map(usize::to_string).collect();
        let more = if rest.len() > shown.len() { "等" } else { "" };
        let (at, at_en) = (self.hidden_in.zh(), self.hidden_in.en());
        let message = format!(
            "另有 {} 行{at}是隐藏的（或被筛选隐藏），已核对：第 {}{more} 行 \
             ({} reconciled all the same: rows {}{})",
            rest.len(),
            shown.join("、"),
            crate::words::counted(
                rest.len(),
                &format!("more row hidden {at_en}, or filtered out, was"),
                &format!("more rows hidden {at_en}, or filtered out, were")
            ),
            shown.join(", "),
            if more.is_empty() { "" } else { " …" }
        );
        self.problem(sheet, rest[0], String::new(), message);
    }

    /// One row of the tax office's list as read. An amount or date that cannot be read is said here, at its
    /// cell, and so is a row that is no payment (`RowKind`); a pupil's rows are settled together once the whole
    /// file is read (`settle_payments`).
    fn tax_row(&mut self, sheet: &Sheet, map: &HeaderMap, row_no: usize, row: &[Cell]) -> TaxRow {
        let header_of = |c: Column| map.header_text(c, &sheet.rows);
        let cell = |c: Column| map.get(c, row).filter(|c| !c.is_empty());
        let text = |c: Column| cell(c).map(|c| c.text().trim().to_owned()).filter(|t| !t.is_empty());
        let channel = cell(Column::Channel).map(Cell::text);
        let (kind, amount, said) = self.tax_row_kind(map, row, channel.as_deref());
        let date_said = said.as_ref().is_some_and(|(column, _)| *column == Column::PaidOn);
        if let Some((column, message)) = said {
            self.problem(sheet, row_no, header_of(column), message);
        }
        let paid_on = cell(Column::PaidOn).and_then(|c| {
            if let Cell::Unevaluated(formula) = c {
                if !date_said {
                    let message = table::formula_without_result(
                        formula,
                        ("缴费日期无法读取，未记录日期", "the payment date cannot be read: the date was not recorded"),
                        ("核对", "reconcile it"),
                    );
                    self.problem(sheet, row_no, header_of(Column::PaidOn), message);
                }
                return None;
            }
            // A day number as text is a list's (a CSV saved from a sheet not formatted as dates), never typed.
            let parsed = super::cell::excel_day(c).or_else(|| parse_date(c));
            if parsed.is_none() {
                let message = format!(
                    "缴费日期“{0}”无法识别，未记录日期 (date “{0}” not understood: the date was not recorded)",
                    c.text()
                );
                self.problem(sheet, row_no, header_of(Column::PaidOn), message);
            }
            // A date after today is kept as the list gives it: the pupil's rows are settled by it
            // (`settle_payments`), never applied without it.
            parsed
        });
        TaxRow {
            name: map.get(Column::Name, row).map(|c| clean_name(&c.text())).unwrap_or_default(),
            id_number: String::new(),
            sheet: sheet.name.clone(),
            row: row_no,
            column: header_of(Column::IdNumber),
            amount_column: header_of(Column::Amount),
            receipt_column: header_of(Column::Receipt),
            date_column: header_of(Column::PaidOn),
            earlier: false,
            amount,
            paid_on,
            paid_on_text: text(Column::PaidOn).unwrap_or_default(),
            channel,
            receipt: text(Column::Receipt),
            written_amount: text(Column::Amount),
            unit: self.amount_unit,
            kind,
            by_name: false,
        }
    }

    /// Whether a row of the tax office's list is a payment, its amount, and what is said at which column when it
    /// is not. A payment is what the tax office says was paid: its status (when the list has one) says paid, and
    /// its amount (when the list has one) is above 0, or 0 from a department for a pupil it pays for in full
    /// (001 附件1 四); a list without amounts gives a date or a receipt number. A refund or an amount that cannot
    /// be read holds the pupil: nobody can tell from the list what the family paid.
    fn tax_row_kind(
        &self,
        map: &HeaderMap,
        row: &[Cell],
        channel: Option<&str>,
    ) -> (RowKind, Option<i64>, Option<(Column, String)>) {
        let cell = |c: Column| map.get(c, row).filter(|c| !c.is_empty());
        let filled = |c: Column| cell(c).is_some_and(|c| !c.text().trim().is_empty());
        let held = "此学生在本名单中的缴费一律未记录（保持原样），请向税务核实";
        let held_en =
            "none of this pupil's rows are recorded, the payment is left as it was: check with the tax office";
        if map.columns.contains_key(&Column::PaymentStatus) {
            let status = cell(Column::PaymentStatus).map(|c| c.text().trim().to_owned()).unwrap_or_default();
            if self.synonyms.is_refund(&status) {
                let message = format!(
                    "缴费状态为“{status}”，是退费而不是缴费：{held} (status “{status}”: a refund, not a payment; {held_en})"
                );
                return (RowKind::Held, None, Some((Column::PaymentStatus, message)));
            }
            if !self.synonyms.is_paid(&status) {
                let message = if status.is_empty() {
                    "缴费状态为空，不当作已缴费，未记录 (no payment status: not taken as paid, not recorded)".to_owned()
                } else {
                    format!(
                        "缴费状态为“{status}”，不是已缴费，未记录 (payment status “{status}”: not paid, not recorded)"
                    )
                };
                return (RowKind::NotPayment, None, Some((Column::PaymentStatus, message)));
            }
        }
        if let Some(channel) = channel.filter(|c| self.synonyms.is_refund(c)) {
            let channel = channel.trim();
            let message = format!(
                "缴费渠道为“{channel}”，是退费而不是缴费：{held} (channel “{channel}”: a refund, not a payment; {held_en})"
            );
            return (RowKind::Held, None, Some((Column::Channel, message)));
        }
        if !map.columns.contains_key(&Column::Amount) {
            if filled(Column::PaidOn) || filled(Column::Receipt) || map.columns.contains_key(&Column::PaymentStatus) {
                return (RowKind::Payment, None, None);
            }
            // The date that would make the row a payment is in a formula the file keeps no result for: said as
            // that, or the operator, who sees a date in the cell, is told the row has none.
            if let Some(Cell::Unevaluated(formula)) = cell(Column::PaidOn) {
                let message = table::formula_without_result(
                    formula,
                    (
                        "缴费日期无法读取，此行未当作缴费记录，未记录",
                        "the payment date cannot be read, so the row was not taken as a payment and not recorded",
                    ),
                    ("核对", "reconcile it"),
                );
                return (RowKind::NotPayment, None, Some((Column::PaidOn, message)));
            }
            let message = "此行没有缴费日期或票证号码，不是缴费记录，未记录 (no payment date or receipt number: not taken as a \
                           payment, not recorded)";
            return (RowKind::NotPayment, None, Some((Column::IdNumber, message.to_owned())));
        }
        // An amount in a formula the file keeps no result for is an amount nobody can read, not a missing one:
        // the pupil is held, as for an amount that cannot be understood, and the formula is said.
        if let Some(Cell::Unevaluated(formula)) = cell(Column::Amount) {
            let message = table::formula_without_result(
                formula,
                (
                    "缴费金额无法读取，此学生在本名单中的缴费一律未记录（保持原样）",
                    "the amount cannot be read and none of this pupil's rows are recorded, the payment left as it was",
                ),
                ("核对", "reconcile it"),
            );
            return (RowKind::Unreadable, None, Some((Column::Amount, message)));
        }
        let Some(amount) = cell(Column::Amount).filter(|c| !c.text().trim().is_empty()) else {
            let message = "没有缴费金额，不是缴费记录，未记录 (no amount: not taken as a payment, not recorded)";
            return (RowKind::NotPayment, None, Some((Column::Amount, message.to_owned())));
        };
        let written = amount.text();
        match read_amount(amount, self.amount_unit) {
            ListAmount::Fen(fen) if fen > 0 => (RowKind::Payment, Some(fen), None),
            // A department's row of 0: the family owes nothing, and the premium went through the department.
            ListAmount::Fen(0) if channel.is_some_and(names_a_department) => (RowKind::Payment, Some(0), None),
            ListAmount::Fen(_) => {
                let message = "金额为 0，不是缴费，未记录 (an amount of 0 is no payment: not recorded)".to_owned();
                (RowKind::NotPayment, None, Some((Column::Amount, message)))
            }
            ListAmount::Negative => {
                let message = format!(
                    "金额“{written}”为负数，是退费而不是缴费：{held} (a negative amount, “{written}”: a refund, not a payment; {held_en})"
                );
                (RowKind::Held, None, Some((Column::Amount, message)))
            }
            ListAmount::Unreadable => {
                // A number the header's unit cannot take to the 分 (380.5 in a column of 分) is said as that.
                let (what, what_en) = match self.amount_unit {
                    AmountUnit::Yuan => ("无法识别", "not understood"),
                    _ if parse_amount(amount).is_none() => ("无法识别", "not understood"),
                    AmountUnit::Fen => {
                        ("不是整数的分（此列以分为单位）", "not a whole number of fen, the column's unit")
                    }
                    AmountUnit::TenThousandYuan => {
                        ("小于 1 分（此列以万元为单位）", "not a whole number of fen in 万元")
                    }
                };
                let message = format!(
                    "金额“{written}”{what}：{held}；此行缴费已保存在修改记录中，「检查名单」（canbao check）会列出 (amount \
                     “{written}” {what_en}: {held_en}; this row's payment is kept in the drive's history and listed \
                     by the roster check, canbao check)"
                );
                (RowKind::Unreadable, None, Some((Column::Amount, message)))
            }
        }
    }

    /// Each pupil's rows on the tax list made into the one payment the drive keeps: a row that repeats a payment
    /// already counted is reported and left out, a row of another payer than the pupil's first row is reported,
    /// and the rest are summed.
    fn settle_payments(&mut self) -> Result<(), StoreError> {
        // The amounts in dispute, read from the log once for every paid pupil the list names.
        let paid: Vec<Student> =
            self.payments.iter().map(|p| &p.student).filter(|s| s.payment == PaymentStatus::Paid).cloned().collect();
        if !paid.is_empty() {
            self.disputes = self.store.amount_disputes(&paid)?;
        }
        for PupilPayments { student, rows } in std::mem::take(&mut self.payments) {
            // A refund or an amount nobody can read: said at its row, and the pupil's payment left as it was.
            if rows.iter().any(|r| matches!(r.kind, RowKind::Held | RowKind::Unreadable)) {
                let paid: Vec<&TaxRow> = rows.iter().filter(|r| r.kind.says_paid()).collect();
                self.keep_rows(&student, &paid, UnappliedReason::Held, None);
                continue;
            }
            // A payment dated where none for the drive's year can be (a payment for an earlier year, a date typed
            // wrong) is not this year's: said at its date, kept as not recorded, and the pupil's other rows count.
            let (rows, outside): (Vec<TaxRow>, Vec<TaxRow>) =
                rows.into_iter().partition(|r| r.kind != RowKind::Payment || self.date_error(&student, r).is_none());
            for paid in &outside {
                let Some(e) = self.date_error(&student, paid) else { continue };
                let message = format!(
                    "{}：此行缴费未记入本年度，已保存在修改记录中，「检查名单」（canbao check）会列出 ({}: this row's payment \
                     is not recorded for the year; kept in the drive's history and listed by the roster check, canbao \
                     check)",
                    e.message_zh(),
                    e.message_en()
                );
                self.problem_in(&paid.sheet, Some(paid.row), paid.date_column.clone(), message);
            }
            // A row of a payment an earlier year holds already (last year's list read again after the new year
            // began) is that year's, said so, and not kept for `check` to list as paid but not recorded.
            let mut not_recorded = Vec::new();
            for paid in &outside {
                let earlier = match (self.date_error(&student, paid), paid.paid_on) {
                    (Some(policy::PaymentDateError::BeforeYear { .. }), Some(day)) => {
                        self.store.earlier_year_payment(student.id, paid.receipt.as_deref(), day)?
                    }
                    _ => None,
                };
                match earlier {
                    Some(year) => self.problem_in(
                        &paid.sheet,
                        Some(paid.row),
                        paid.date_column.clone(),
                        format!(
                            "此行缴费已记入 {year} 年度，不是本年度的缴费，未重复保存 (this row's payment is already \
                             recorded for the {year} insured year, not this one's: not kept again)"
                        ),
                    ),
                    None => not_recorded.push(paid),
                }
            }
            self.keep_rows(&student, &not_recorded, UnappliedReason::OutsideYear, None);
            // A payment of the year dated after today: the list is wrong there, and the date would move the amount
            // due and the cover. Held back as the out-of-year ones are (those said first, as not this year's), never
            // recorded without its date.
            let (rows, future): (Vec<TaxRow>, Vec<TaxRow>) = rows
                .into_iter()
                .partition(|r| r.kind != RowKind::Payment || r.paid_on.is_none_or(|day| day <= self.today));
            for paid in &future {
                let Some(day) = paid.paid_on else { continue };
                // Today is Beijing's, the drive's calendar, said as `mark` says it: a laptop whose clock is in
                // another time zone may already be on the list's date.
                let today = self.today;
                let message = format!(
                    "缴费日期 {day} 晚于今天（北京时间 {today}）：此行缴费未记录，已保存在修改记录中，「检查名单」（canbao \
                     check）会列出 (the payment date {day} is after today, {today} in Beijing: this row's payment is not \
                     recorded; kept in the drive's history and listed by the roster check, canbao check)"
                );
                self.problem_in(&paid.sheet, Some(paid.row), paid.date_column.clone(), message);
            }
            self.keep_rows(&student, &future.iter().collect::<Vec<_>>(), UnappliedReason::FutureDate, None);
            // An amount ten times the full premium or more (40000 for 400: a list in 分, zeros typed twice), or,
            // with no premium to weigh it against (no policy), at the ceiling of one payment or beyond, which `mark`
            // refuses as a slip: never a family's payment, so not recorded (the ledger would read 40000 paid and
            // `check` suggest refunding money never paid), said at its row and kept for `check`; the pupil's other
            // rows count.
            let (rows, far): (Vec<TaxRow>, Vec<TaxRow>) =
                rows.into_iter().partition(|r| self.far_amount(&student, r).is_none());
            let mut held = Vec::new();
            for paid in &far {
                let Some(found) = self.far_amount(&student, paid) else { continue };
                let amount = paid.amount.map(money::plain).unwrap_or_default();
                let (slip, slip_en) = found.far().words();
                // Said by the rule used, in the words of `mark --amount` and the payment form for the same amount
                // (`Slip::weighed`): the premium and the tenfold of it, or the ceiling and why that ceiling.
                let (far_zh, far_en) = found.weighed();
                let message = format!(
                    "金额 {amount} 元{far_zh}，{slip}：此行缴费未记入，已保存在修改记录中，「检查名单」（canbao \
                     check）会列出，请向税务核实实缴金额 (the amount {amount} yuan {far_en}, \
                     {slip_en}: this row's payment is not recorded; kept in the drive's history and listed by the \
                     roster check, canbao check; check the amount paid with the tax office)"
                );
                self.problem_in(&paid.sheet, Some(paid.row), paid.amount_column.clone(), message);
                held.push((paid, Weighed::of(found, None)));
            }
            self.keep_held_amounts(&student, &held);
            // The pupil's payments summed, as `tax_payment` records them and `mark` weighs what it records: two rows
            // of 2000 (no policy) are 4000 元 that `mark --amount 4000` refuses. Held at each row, as one far row is.
            let (summed, rows): (Vec<TaxRow>, Vec<TaxRow>) =
                rows.into_iter().partition(|r| r.kind == RowKind::Payment && !r.earlier && r.amount.is_some());
            let total: i64 = summed.iter().filter_map(|r| r.amount).sum();
            // The total is one payment as `tax_payment` records it, dated the day the rows first made up the amount
            // due, each row priced by its own date to find that day (`recorded_row`): weighed at that day, as `mark`
            // weighs the payment recorded, whatever order the list gives the rows in. Not against each row's own
            // premium: rows in two windows priced apart (a later one charging the financing standard) would let
            // through, weighed against the dearer, a sum that `mark` refuses for the day it is recorded on.
            let department_share = summed.iter().any(TaxRow::by_department);
            let found = self
                .recorded_row(&student, &summed, department_share)
                .or(summed.first())
                .filter(|_| summed.len() >= 2)
                .and_then(|on| money::slip(total, self.full_premium(&student, on), self.policy));
            let rows = match found {
                Some(found) => {
                    let kept_as = Weighed::of(found, Some((summed.len(), total)));
                    let (n, total) = (summed.len(), money::plain(total));
                    let (weighed, weighed_en) = found.weighed();
                    let (slip, slip_en) = found.far().words();
                    for paid in &summed {
                        let message = format!(
                            "此学生在名单上的 {n} 笔缴费合计 {total} 元，{weighed}，{slip}：这几行缴费都未记入，已保存在修改\
                             记录中，「检查名单」（canbao check）会列出，请向税务核实实缴金额 (this pupil's {n} payments on \
                             the list come to {total} yuan, which {weighed_en}, {slip_en}: none of these rows is \
                             recorded; kept in the drive's history and listed by the roster check, canbao check; check \
                             the amounts paid with the tax office)"
                        );
                        self.problem_in(&paid.sheet, Some(paid.row), paid.amount_column.clone(), message);
                    }
                    let held: Vec<(&TaxRow, Weighed)> = summed.iter().map(|r| (r, kept_as)).collect();
                    self.keep_held_amounts(&student, &held);
                    rows
                }
                None => summed.into_iter().chain(rows).collect(),
            };
            if rows.is_empty() {
                continue;
            }
            // One receipt number with two amounts: the list is in error, and taking either amount (or both)
            // would record a payment nobody can vouch for. The pupil's rows are all held.
            let mut contradicted: Vec<&str> = Vec::new();
            for (i, paid) in rows.iter().enumerate() {
                let number = paid.receipt.as_deref().unwrap_or_default();
                if rows[..i].iter().any(|e| paid.contradicts(e)) && !contradicted.contains(&number) {
                    contradicted.push(number);
                }
            }
            if !contradicted.is_empty() {
                self.keep_rows(&student, &rows.iter().collect::<Vec<_>>(), UnappliedReason::ReceiptConflict, None);
                for number in contradicted {
                    let same: Vec<&TaxRow> = rows.iter().filter(|r| r.receipt.as_deref() == Some(number)).collect();
                    self.receipt_conflict(&student, number, &same, None);
                }
                continue;
            }
            let mut kept: Vec<TaxRow> = Vec::new();
            // The rows repeating one kept: the same payment, so they reach the pupil when it does (counted among
            // the pupil's further rows), not held back (未核对), as a row of the same payment is not.
            let mut repeats: Vec<(String, usize)> = Vec::new();
            for paid in rows {
                let Some(earlier) = kept.iter().find(|k| paid.repeats(k)) else {
                    kept.push(paid);
                    continue;
                };
                repeats.push((paid.sheet.clone(), paid.row));
                let (at, at_en) = (earlier.at(&paid), earlier.at_en(&paid));
                // A repeated receipt number is said at the receipt column; a row repeated without one, at the
                // whole row (the amount, date and channel are all the same).
                let (message, column) = if paid.receipt.is_some() && earlier.receipt.is_some() {
                    let message = format!(
                        "与{at}票证号码相同，是同一笔缴费，不重复计算 (the same receipt number as {at_en}: one payment, \
                         not counted twice)"
                    );
                    (message, paid.receipt_column.clone())
                } else {
                    let message = format!(
                        "与{at}金额、日期、渠道都相同，视为同一笔缴费，不重复计算 (the same amount, date and channel as \
                         {at_en}: taken as the same payment, not counted twice)"
                    );
                    (message, String::new())
                };
                self.problem_in(&paid.sheet, Some(paid.row), column, message);
            }
            // The drive keeps one payment a pupil, the family's or a department's: the first row's payer counts,
            // and a row of the other is the operator's to check.
            let department = kept.first().is_some_and(TaxRow::by_department);
            let (mut kept, other): (Vec<TaxRow>, Vec<TaxRow>) =
                kept.into_iter().partition(|r| r.by_department() == department);
            self.keep_rows(&student, &other.iter().collect::<Vec<_>>(), UnappliedReason::OtherPayer, None);
            if let Some(first) = kept.first() {
                for paid in &other {
                    let (at, at_en) = (first.at(paid), first.at_en(paid));
                    let message = if department {
                        format!(
                            "此学生{at}为部门代缴，此行为个人缴费：未核对，请核实 ({at_en} is a department's payment for \
                             this pupil, this row a family's: not applied, to check)"
                        )
                    } else {
                        format!(
                            "此学生{at}为个人缴费，此行为部门代缴：未核对，请核实 ({at_en} is the family's payment for \
                             this pupil, this row a department's: not applied, to check)"
                        )
                    };
                    self.problem_in(&paid.sheet, Some(paid.row), paid.column.clone(), message);
                }
            }
            let Some((first_sheet, first_row)) = kept.first().map(|r| (r.sheet.clone(), r.row)) else { continue };
            // A family's payments listed by receipt number: the numbers an earlier list recorded for the pupil,
            // while the drive's amount is still theirs, are payments too, so a list holding only a top-up (补缴)
            // adds to them, and a list read again adds nothing. A payment the operator changed since, or one
            // recorded without numbers, is not the list's to replace: another amount or date is a conflict
            // (`tax_payment`).
            // A row matched by the name alone never adds to a payment recorded: its receipt may be another child's.
            let by_receipt = !department && kept.iter().all(|r| r.receipt.is_some() && !r.by_name);
            // The recorded payment is made of receipts this list holds or adds to: the list's sum extends it.
            let mut extends_recorded = false;
            if by_receipt {
                let recorded = self.store.receipts(student.id)?;
                let sum: Option<i64> = recorded.iter().map(|r| r.amount_fen).sum();
                let current = !recorded.is_empty()
                    && student.payment == PaymentStatus::Paid
                    && sum.is_some()
                    && sum == student.payment_details.amount_fen;
                if current {
                    extends_recorded = true;
                    let mut held = false;
                    for earlier in &recorded {
                        let on_list: Vec<&TaxRow> =
                            kept.iter().filter(|r| r.receipt.as_deref() == Some(earlier.number.as_str())).collect();
                        let before = TaxRow::recorded(earlier);
                        if on_list.iter().any(|r| r.contradicts(&before)) {
                            self.receipt_conflict(&student, &earlier.number, &on_list, earlier.amount_fen);
                            held = true;
                        }
                        if on_list.is_empty() {
                            kept.push(before);
                        }
                    }
                    if held {
                        let paid: Vec<&TaxRow> = kept.iter().collect();
                        self.keep_rows(&student, &paid, UnappliedReason::ReceiptConflict, None);
                        continue;
                    }
                }
            }
            if !department && !extends_recorded && self.built_on_by_top_up(&student, &kept)? {
                self.reached.extend(repeats);
                self.already_recorded(&student, &kept, (first_sheet, first_row));
                continue;
            }
            let paid: Vec<&TaxRow> = kept.iter().collect();
            let conflicts = self.report.conflicts.len();
            let outcome = self.tax_payment(&student, &kept, extends_recorded);
            // The list's rows (not the receipts recorded before) reach the pupil: a payment, or a conflict.
            if outcome.is_ok() || self.report.conflicts.len() > conflicts {
                for r in paid.iter().filter(|r| r.row > 0) {
                    self.reached.insert((r.sheet.clone(), r.row));
                }
                self.reached.extend(repeats);
            }
            match outcome {
                Ok((changes, confirmed)) => {
                    self.items.push((student.id, changes));
                    self.item_confirmed.push(confirmed);
                    self.item_rows.push((first_sheet, first_row));
                    self.item_receipts.push(by_receipt.then(|| kept.iter().filter_map(TaxRow::as_receipt).collect()));
                    // The roster's standing is the refusal's, filled in when the payment is refused.
                    let if_refused = self.kept_rows(&student, &paid, UnappliedReason::RosterStatus, None);
                    self.item_unapplied.push(if_refused);
                }
                // A status the roster holds against the list, or another payment recorded already, keeps a payment
                // from being recorded here.
                Err(reason) => {
                    let standing = (reason == UnappliedReason::RosterStatus).then(|| student.payment.code().to_owned());
                    self.keep_rows(&student, &paid, reason, standing);
                }
            }
        }
        Ok(())
    }

    /// Whether the list's payment of the pupil is the part payment the operator topped up by hand since (补缴):
    /// the amount recorded before the top-ups (`Store::topped_up_from`), on the date then recorded, or under
    /// receipt numbers the drive recorded for it. That payment is recorded, within the sum; taken as another it
    /// was a conflict whose advice (clear the payment, read the list again) lost the top-up.
    fn built_on_by_top_up(&self, student: &Student, rows: &[TaxRow]) -> Result<bool, StoreError> {
        if student.payment != PaymentStatus::Paid || self.disputes.contains_key(&student.id) {
            return Ok(false);
        }
        let listed: Option<i64> = rows.iter().map(|r| r.amount).sum();
        let Some((before_fen, before_on)) = self.store.topped_up_from(student)? else { return Ok(false) };
        if listed != Some(before_fen) {
            return Ok(false);
        }
        let last_day = rows.iter().filter_map(|r| r.paid_on).max();
        if last_day.is_none() || last_day == before_on {
            return Ok(true);
        }
        let recorded = self.store.receipts(student.id)?;
        Ok(rows.iter().all(|r| {
            r.receipt.as_deref().is_some_and(|n| {
                recorded.iter().any(|e| e.number == n && e.amount_fen == r.amount && e.paid_on == r.paid_on)
            })
        }))
    }

    /// A pupil whose list payment the drive holds already, within a payment recorded since: counted as found
    /// so (原已一致), nothing changed and nothing kept.
    fn already_recorded(&mut self, student: &Student, rows: &[TaxRow], (sheet, row): (String, usize)) {
        for r in rows.iter().filter(|r| r.row > 0 && !r.earlier) {
            self.reached.insert((r.sheet.clone(), r.row));
        }
        let recorded = &student.payment_details;
        let same = Payment::Paid { amount_fen: recorded.amount_fen, paid_on: recorded.paid_on, channel: None };
        self.items.push((student.id, vec![Change::Payment(same)]));
        self.item_confirmed.push(None);
        self.item_rows.push((sheet, row));
        self.item_receipts.push(None);
        self.item_unapplied.push(Vec::new());
    }

    /// One receipt number with different amounts, on this list or against the amount recorded under it: said
    /// with its rows and amounts, and the pupil's payment left as the drive holds it.
    fn receipt_conflict(&mut self, student: &Student, number: &str, rows: &[&TaxRow], recorded: Option<i64>) {
        self.report.receipt_conflicts.push(ReceiptConflict {
            id_number: student.id_number.clone(),
            name: student.name.clone(),
            receipt: number.to_owned(),
            file: self.file.clone(),
            rows: rows.iter().map(|r| r.row).collect(),
            sheets: rows.iter().map(|r| r.sheet.clone()).collect(),
            amounts: rows.iter().map(|r| r.amount.map(money::as_number)).collect(),
            recorded: recorded.map(money::as_number),
        });
    }

    /// The refusal of a tax list every dated payment of which falls before the drive's insured year opens
    /// (`ReconcileError::EarlierYear`), naming the latest year its rows fall in by the same windows a year
    /// earlier; `None` when one of them may be this year's, or none is dated.
    fn earlier_year_list(&self, file: &str) -> Option<ReconcileError> {
        let current = self.year?;
        let mut latest: Option<i32> = None;
        let mut payments = 0;
        for PupilPayments { student, rows } in &self.payments {
            for paid in rows.iter().filter(|r| r.kind == RowKind::Payment && !r.earlier && r.paid_on.is_some()) {
                let Some(policy::PaymentDateError::BeforeYear { paid_on, opens, .. }) = self.date_error(student, paid)
                else {
                    return None;
                };
                // The year whose windows (this year's, moved back a year at a time) the date falls in.
                let back = (1..=50).find(|k| opens.with_year(opens.year() - k).is_none_or(|o| paid_on >= o));
                let year = current - back.unwrap_or(1);
                latest = Some(latest.map_or(year, |l| l.max(year)));
                payments += 1;
            }
        }
        Some(ReconcileError::EarlierYear { file: file.to_owned(), year: latest?, current, payments })
    }

    /// The refusal of a tax list most of whose payments are no pupil's payment (`far_amount`): two or more, and more
    /// than half, with a policy or without (`FAR_RULE`), by `header_unit_misfit`'s rule, so that one slip on a list
    /// of one row is held and said at its row as any slip is, and a list in 分 is not kept row by row for `check`
    /// for good, nor its few small payments (a 30 元 top-up written 3000) recorded at a hundred times. A slip among
    /// many payments is held at its row. A 0 is nothing paid in any unit, and not counted. Each priced under the drive's policy, it
    /// is said against the premium (`ReconcileError::AmountsInFen`); else against the ceiling (`BeyondAnyPremium`).
    fn list_in_fen(&self, file: &str) -> Option<ReconcileError> {
        let (mut payments, mut far, mut in_fen, mut priced, mut example) = (0, 0, true, true, None);
        for (student, paid) in self.listed_payments().filter(|(_, paid)| paid.amount != Some(0)) {
            payments += 1;
            let Some(found) = self.far_amount(student, paid) else { continue };
            far += 1;
            in_fen &= found.far() == money::FarAmount::InFen;
            priced &= found.premium().is_some();
            example = example.or(paid.amount.map(|fen| (fen, found.premium())));
        }
        (far >= 2 && far * 2 > payments).then_some(())?;
        let payments = (far, payments);
        let (fen, due) = example?;
        Some(match due.filter(|_| priced) {
            Some(due) => ReconcileError::AmountsInFen { file: file.to_owned(), payments, example: (fen, due), in_fen },
            None => ReconcileError::BeyondAnyPremium {
                file: file.to_owned(),
                payments,
                example: fen,
                ceiling: (money::payment_ceiling(self.policy), self.policy.map(|p| p.most_a_family_pays_fen())),
            },
        })
    }

    /// The payments of the drive's pupils this list records an amount for.
    fn listed_payments(&self) -> impl Iterator<Item = (&Student, &TaxRow)> {
        self.payments.iter().flat_map(|PupilPayments { student, rows }| {
            rows.iter()
                .filter(|r| r.kind == RowKind::Payment && !r.earlier && r.amount.is_some())
                .map(move |r| (student, r))
        })
    }

    /// The refusal of a tax list headed in 分 most of whose payments, read so, are under a tenth of the full premium
    /// (`ReconcileError::HeaderUnitMisfit`): the reverse of `list_in_fen`, by the same rule, policy or not: two or
    /// more, so that one family's real part payment is read as one, and more than half of them, so that a list of
    /// payments with one small part payment among them is read, the small one said as a part payment (`MISFIT_RULE`:
    /// recorded, a list in 元 would make each family a part payer, where `list_in_fen`'s slips are held). A payment
    /// not priced (no policy) is weighed against the least premium (`money::least_premium`). `None` when the header
    /// says no 分.
    fn header_unit_misfit(&self, file: &str) -> Option<ReconcileError> {
        let (mut payments, mut misfits, mut example, mut header) = (0, 0, None, None);
        // A 0 is nothing paid in any unit, and not counted.
        for (student, paid) in self.listed_payments().filter(|(_, paid)| paid.amount != Some(0)) {
            if paid.unit != AmountUnit::Fen {
                return None;
            }
            let fen = paid.amount?;
            let full = self.full_premium(student, paid);
            payments += 1;
            if !money::under_a_tenth(fen, full.unwrap_or_else(|| money::least_premium(self.policy))) {
                continue;
            }
            misfits += 1;
            // Said as the example was weighed: a row the chosen policy does not price is weighed against its
            // premium, not said as with no policy chosen.
            let priced = match (full, self.policy) {
                (Some(_), _) => Priced::Pupil,
                (None, Some(_)) => Priced::Policy,
                (None, None) => Priced::NoPolicy,
            };
            let full = full.unwrap_or_else(|| money::least_premium(self.policy));
            example = example.or_else(|| Some((paid.written_amount.clone().unwrap_or_default(), full, priced)));
            header = header.or_else(|| Some(paid.amount_column.clone()));
        }
        (misfits >= 2 && misfits * 2 > payments).then_some(())?;
        let (written, full, priced) = example?;
        Some(ReconcileError::HeaderUnitMisfit {
            file: file.to_owned(),
            header: header?,
            payments: (misfits, payments),
            example: (written, full),
            priced,
        })
    }

    /// A tax list none of whose payments gives a date, read on a drive that has moved on into a later insured year:
    /// nothing on it tells this year's list from last year's read again, which `earlier_year_list` refuses only by
    /// its dates. Recorded as this year's (a list without a date column is the tax office's way too), but said
    /// above the rows, in the preview as in the run, so it is not taken silently: the operator checks the year, and
    /// restores the backup taken before the run if it was last year's.
    fn undated_list_said(&mut self) -> Result<(), StoreError> {
        let Some(current) = self.year.filter(|_| self.source == Source::Tax) else { return Ok(()) };
        if self.store.first_year()?.is_none_or(|first| first >= current) {
            return Ok(());
        }
        let rows: Vec<&TaxRow> =
            self.payments.iter().flat_map(|p| &p.rows).filter(|r| r.kind == RowKind::Payment && !r.earlier).collect();
        if rows.is_empty() || rows.iter().any(|r| r.paid_on.is_some()) {
            return Ok(());
        }
        let (n, last) = (rows.len(), current - 1);
        let message = format!(
            "名单中 {n} 笔缴费都没有缴费日期，无法判断是否为 {current} 年度的缴费名单（本数据文件已从 {last} 年度进入 {current} \
             年度）：已按 {current} 年度核对，请核实这是 {current} 年度的名单；如是往年的名单，请用 canbao restore 恢复核对前的\
             备份，并向税务部门索取 {current} 年度的缴费名单 (none of the list's {n} payments gives a date, so nothing \
             tells whether it is the {current} insured year's list, the drive having moved on from {last}: reconciled \
             as {current}'s; check the list is {current}'s, and if it is an earlier year's, restore the backup taken \
             before this run with canbao restore and ask the tax office for the {current} list)"
        );
        self.problem_in("", None, String::new(), message);
        Ok(())
    }

    /// A payment row's amount when it is no pupil's payment: ten times the full premium or more
    /// (`money::far_from_due`), with that premium, where the drive's policy prices the row; else, the policy not
    /// pricing it or none chosen, at the ceiling of one payment or beyond (`money::payment_ceiling`), with no
    /// premium. One rule with a policy and without, as the payment form and `mark` refuse such an amount.
    fn far_amount(&self, student: &Student, paid: &TaxRow) -> Option<money::Slip> {
        let fen = paid.amount.filter(|_| paid.kind == RowKind::Payment && !paid.earlier)?;
        money::slip(fen, self.full_premium(student, paid), self.policy)
    }

    /// The whole amount due for the pupil under the drive's policy on the row's day, before any subsidy: what a
    /// row's amount is weighed against. Not the family's share after it: with a subsidy of 90 % or more, a family
    /// whose category the tax office did not know yet pays the whole premium, ten times its share, and that is a
    /// payment, not a slip. `None` without a policy pricing it.
    fn full_premium(&self, student: &Student, paid: &TaxRow) -> Option<i64> {
        let policy = self.policy?;
        let request = self.request_on(student, paid.paid_on.unwrap_or(self.today));
        policy::full_premium_fen(policy, self.table, &request, self.year)
    }

    /// Why a row's payment date cannot be a payment for the drive's year, if it cannot.
    fn date_error(&self, student: &Student, paid: &TaxRow) -> Option<policy::PaymentDateError> {
        policy::payment_date_error(self.policy, self.year, student.birth_date, paid.paid_on?)
    }

    /// The quote for this pupil paying on `day`, under the drive's policy if it has one, for the drive's year
    /// (a policy of another year prices nothing of it), by the categories certified for that year: one carried
    /// from an earlier year and not certified again (待重新认定) subsidises nothing, so the family owes the full
    /// amount, as the payment notice asks it.
    fn quote_on(&self, student: &Student, day: NaiveDate) -> Option<Result<policy::Quote, policy::QuoteError>> {
        self.policy.map(|policy| policy::quote_in_year(policy, self.table, &self.request_on(student, day), self.year))
    }

    /// What the policy is asked for this pupil paying on `day` (`quote_on`).
    fn request_on(&self, student: &Student, day: NaiveDate) -> QuoteRequest {
        QuoteRequest {
            categories: student.certified_in(self.year).categories.iter().map(|c| c.name.clone()).collect(),
            paid_on: day,
            enrollee: EnrolleeKind::default(),
            freshman: false,
            grade: crate::domain::class_label::grade_in(&student.grade, &student.class),
            birth_date: student.birth_date,
        }
    }

    /// The row whose date a pupil's payment of `rows` is recorded with (`tax_payment`): in date order, the first by
    /// which the rows summed made up the amount due on its own date (the family's share, or the department's where
    /// `department_share`), as a second full payment does not move the cover's start; else the last dated row.
    /// `None` where no row gives a date.
    fn recorded_row<'r>(&self, student: &Student, rows: &'r [TaxRow], department_share: bool) -> Option<&'r TaxRow> {
        let mut by_date: Vec<&TaxRow> = rows.iter().collect();
        by_date.sort_by_key(|r| (r.paid_on.is_none(), r.paid_on));
        let mut running = Some(0_i64);
        for paid in &by_date {
            running = running.zip(paid.amount).map(|(sum, fen)| sum + fen);
            let (Some(sum), Some(day)) = (running, paid.paid_on) else { continue };
            let Some(Ok(q)) = self.quote_on(student, day) else { continue };
            if sum >= if department_share { q.department_due_fen } else { q.personal_due_fen } {
                return Some(*paid);
            }
        }
        by_date.iter().rev().find(|r| r.paid_on.is_some()).copied()
    }

    /// A pupil's payment from their rows (one payer's, no repeats; the list's first, then any recorded from an
    /// earlier list): the amounts summed, dated the day they first made up the amount due (a second full payment
    /// does not move the cover's start), else the last payment's day; checked against the roster and the amount
    /// due. With the changes, the amount that settles the pupil's disputed amounts (see [`ListedDispute`]).
    fn tax_payment(
        &mut self,
        student: &Student,
        rows: &[TaxRow],
        extends_recorded: bool,
    ) -> Result<(Vec<Change>, Option<i64>), UnappliedReason> {
        let Some(first) = rows.first() else { return Err(UnappliedReason::RosterStatus) };
        let row_no = first.row;
        let first_sheet = first.sheet.clone();
        let amount: Option<i64> = rows.iter().map(|r| r.amount).sum();
        let says_department = rows.iter().any(TaxRow::by_department);
        let no_channel = rows.iter().all(|r| r.channel.is_none());
        let department_share = says_department || (no_channel && student.payment == PaymentStatus::Government);
        let chosen = self.recorded_row(student, rows, department_share).unwrap_or(first);
        let paid_on = chosen.paid_on;
        let channel = chosen.channel.clone().or_else(|| rows.iter().rev().find_map(|r| r.channel.clone()));
        let quote = self.quote_on(student, paid_on.unwrap_or(self.today));
        let quoted = match &quote {
            Some(Ok(q)) => Some(q),
            _ => None,
        };
        // A department's payment (代缴) is either the share the policy has it pay or, for a pupil the family pays
        // nothing for (full subsidy), a row of 0: the premium went through the department's own channel.
        let fits_department = |fen: i64| {
            quoted.is_some_and(|q| {
                (q.department_due_fen > 0 && fen == q.department_due_fen) || (fen == 0 && q.personal_due_fen == 0)
            })
        };
        // The list says so in its channel column; without one, a row the roster already holds as 财政代缴 whose
        // amount is the department's is that payment, not a family's.
        let by_department = says_department
            || (no_channel && student.payment == PaymentStatus::Government && amount.is_some_and(fits_department));
        // A 财政代缴 mark that pays only the department's share (低保: 285 of 380) leaves the family's to pay: the
        // family's payment on the list completes it, and is recorded as the family's (the department's share goes
        // with it), as `mark --payment paid --amount 95` records it.
        let completes_family_share = student.payment == PaymentStatus::Government
            && !by_department
            && policy::family_share(
                self.policy,
                self.table,
                &student.certified_in(self.year),
                paid_on.unwrap_or(self.today),
            )
            .is_some();
        if student.payment == PaymentStatus::Government && !by_department && !completes_family_share {
            let (roster, file) = (PaymentStatus::Government.label_zh(), PaymentStatus::Paid.label_zh());
            self.conflict(student, roster, file, &first_sheet, row_no);
            return Err(UnappliedReason::RosterStatus);
        }
        // A family's payment is never turned into a department's: premiums paid are not refunded (003 二(二)).
        if by_department && student.payment == PaymentStatus::Paid {
            let (roster, file) = (PaymentStatus::Paid.label_zh(), PaymentStatus::Government.label_zh());
            self.conflict(student, roster, file, &first_sheet, row_no);
            return Err(UnappliedReason::RosterStatus);
        }
        // A family's payment recorded already (by hand, or from an earlier list) is never replaced by another
        // amount without the operator: which is this year's payment is theirs to find out. The same amount on
        // another day of this year (a payment marked paid on site the day the family showed it, which the tax
        // office dates when the money arrived) is that payment, dated as the tax office knows it. A list that only
        // adds to the receipts recorded extends the payment, and is not another. Two laptops' amounts for the
        // payment (金额待核实) are what the operator asked the tax office about: the list's answer, when it is
        // one of them, is taken (`ListedDispute`).
        let dispute =
            self.disputes.get(&student.id).filter(|_| !by_department && student.payment == PaymentStatus::Paid);
        let settles = dispute.zip(amount).filter(|(d, fen)| d.kept_fen == *fen || d.others_fen.contains(fen));
        if let Some((d, fen)) = dispute.zip(amount) {
            let said = ListedDispute {
                id_number: student.id_number.clone(),
                name: student.name.clone(),
                file: self.file.clone(),
                sheet: first_sheet.clone(),
                row: row_no,
                recorded: money::as_number(d.kept_fen),
                others: d.others_fen.iter().copied().map(money::as_number).collect(),
                listed: money::as_number(fen),
            };
            if settles.is_some() {
                self.report.amount_disputes_settled.push(said);
            } else {
                self.report.amount_disputes_left.push(said);
            }
        }
        let confirmed = settles.map(|(_, fen)| fen);
        // A list adding to the receipts of a disputed payment adds to an amount nobody vouches for: its sum is
        // weighed as any other amount the list gives.
        if !by_department && student.payment == PaymentStatus::Paid && (!extends_recorded || dispute.is_some()) {
            let recorded = &student.payment_details;
            let other_amount = matches!((recorded.amount_fen, amount), (Some(a), Some(b)) if a != b);
            // A part payment recorded (300 of 380) that the list records in full is the tax office's record of the
            // whole premium: taken, and said with the amount it replaced, where asking the operator left the
            // family asked for the rest it had paid. Not over amounts two laptops recorded differently.
            let completes = dispute.is_none()
                && !rows.iter().any(|r| r.by_name)
                && quoted.is_some_and(|q| {
                    matches!((recorded.amount_fen, amount),
                        (Some(a), Some(b)) if a < q.personal_due_fen && b >= q.personal_due_fen)
                });
            if completes && let (Some(q), Some(recorded_fen), Some(listed_fen)) = (quoted, recorded.amount_fen, amount)
            {
                self.report.part_payments_completed.push(PartCompleted {
                    id_number: student.id_number.clone(),
                    name: student.name.clone(),
                    file: self.file.clone(),
                    sheet: first_sheet.clone(),
                    row: row_no,
                    recorded: money::as_number(recorded_fen),
                    listed: money::as_number(listed_fen),
                    due: money::as_number(q.personal_due_fen),
                });
            } else if other_amount && confirmed.is_none() {
                let roster = paid_label(recorded.amount_fen, recorded.paid_on);
                let file = paid_label(amount.or(recorded.amount_fen), paid_on.or(recorded.paid_on));
                self.conflict(student, &roster, &file, &first_sheet, row_no);
                return Err(UnappliedReason::RecordedDiffers);
            }
        }
        let on_list: Vec<&TaxRow> = rows.iter().filter(|r| !r.earlier).collect();
        let rows_no: Vec<usize> = on_list.iter().map(|r| r.row).collect();
        let sheets: Vec<String> = on_list.iter().map(|r| r.sheet.clone()).collect();
        let earlier_rows: Vec<&TaxRow> = rows.iter().filter(|r| r.earlier).collect();
        let earlier: Option<i64> =
            if earlier_rows.is_empty() { None } else { earlier_rows.iter().map(|r| r.amount).sum() };
        if let (Some(quote), Some(fen)) = (&quote, amount) {
            match quote {
                Ok(q) => {
                    let (fits, due) = if by_department {
                        (fits_department(fen), q.department_due_fen)
                    } else {
                        (q.personal_due_fen == fen, q.personal_due_fen)
                    };
                    if !fits {
                        self.report.amount_mismatches.push(AmountMismatch {
                            id_number: student.id_number.clone(),
                            name: student.name.clone(),
                            file_amount: money::as_number(fen),
                            due: money::as_number(due),
                            row: row_no,
                            rows: rows_no.clone(),
                            file: self.file.clone(),
                            sheets: sheets.clone(),
                        });
                    }
                }
                // Another year's policy prices no row of the list: said once, at the first row it stops.
                Err(e @ policy::QuoteError::OtherYear { .. }) if !self.other_year_said => {
                    self.other_year_said = true;
                    let message =
                        format!("无法核对本名单的金额：{e} (cannot check the list's amounts: {})", e.message_en());
                    let (sheet, column) = (first.sheet.clone(), first.amount_column.clone());
                    self.problem_in(&sheet, Some(row_no), column, message);
                }
                Err(policy::QuoteError::OtherYear { .. }) => {}
                Err(e) => {
                    let message = format!("无法核对金额：{e} (cannot check the amount: {})", e.message_en());
                    let (sheet, column) = (first.sheet.clone(), first.amount_column.clone());
                    self.problem_in(&sheet, Some(row_no), column, message);
                }
            }
        }
        if rows.len() > 1 {
            self.report.combined_payments.push(CombinedPayment {
                id_number: student.id_number.clone(),
                name: student.name.clone(),
                rows: rows_no,
                file: self.file.clone(),
                sheets,
                amounts: on_list.iter().map(|r| r.amount.map(money::as_number)).collect(),
                earlier: earlier.map(money::as_number),
                total: amount.map(money::as_number),
                paid_on,
            });
        }
        if by_department {
            return Ok((vec![Change::Payment(Payment::Government)], None));
        }
        // Only what the list gives: a missing column never erases a detail the operator recorded.
        let channel = channel.as_deref().and_then(PaymentChannel::from_text);
        // A top-up list extends the payment rather than re-dating it: its own report line says so; so does the
        // list's amount taken over the one recorded (`amount_disputes_settled`).
        let same_amount = amount.is_none() || amount == student.payment_details.amount_fen;
        // A payment recorded is never re-dated from a row that names the pupil by the name alone: a family of the
        // name at another school paid on its own day. Kept as recorded, and said.
        if student.payment == PaymentStatus::Paid && !extends_recorded && same_amount && rows.iter().any(|r| r.by_name)
        {
            let recorded = &student.payment_details;
            let listed_channel = channel.as_ref().map(|c| c.label_zh().to_owned());
            let redated = paid_on.is_some_and(|d| recorded.paid_on != Some(d));
            let rechanneled = listed_channel.is_some_and(|c| Some(c) != recorded.channel);
            if redated || rechanneled {
                let (day, via) = (
                    recorded.paid_on.map_or_else(|| "日期不详".to_owned(), |d| d.to_string()),
                    recorded.channel.clone().unwrap_or_default(),
                );
                let sep = if via.is_empty() { "" } else { "，" };
                let message = format!(
                    "此行没有身份证号码，只按姓名对上 {name}，其已记录的缴费（{day}{sep}{via}）未按此行改动 (the row gives \
                     no ID number and names {name} by the name alone: the payment recorded ({day}{sep}{via}) was not \
                     changed by it)",
                    name = student.name
                );
                self.problem_in(&first_sheet, Some(row_no), first.column.clone(), message);
            }
            let kept = Payment::Paid { amount_fen: recorded.amount_fen, paid_on: recorded.paid_on, channel: None };
            return Ok((vec![Change::Payment(kept)], confirmed));
        }
        if student.payment == PaymentStatus::Paid && !extends_recorded && same_amount {
            let recorded = &student.payment_details;
            let recorded_channel = recorded.channel.clone().unwrap_or_default();
            let listed_channel = channel.as_ref().map(|c| c.label_zh().to_owned());
            let redated = paid_on.is_some_and(|d| recorded.paid_on != Some(d));
            let rechanneled = listed_channel.as_ref().is_some_and(|c| *c != recorded_channel);
            if redated || rechanneled {
                self.report.redated.push(Redated {
                    id_number: student.id_number.clone(),
                    name: student.name.clone(),
                    file: self.file.clone(),
                    sheet: first_sheet.clone(),
                    row: row_no,
                    recorded_on: recorded.paid_on,
                    recorded_channel: recorded_channel.clone(),
                    listed_on: paid_on.or(recorded.paid_on),
                    listed_channel: listed_channel.unwrap_or(recorded_channel),
                });
            }
        }
        Ok((vec![Change::Payment(Payment::Paid { amount_fen: amount, paid_on, channel })], confirmed))
    }

    fn agency_row(
        &mut self,
        sheet: &Sheet,
        map: &HeaderMap,
        row_no: usize,
        row: &[Cell],
        student: &Student,
    ) -> Option<Vec<Change>> {
        // The feedback lists who was registered; one with a status column says so row by row, and a row that
        // says 未登记 or 失败 is a failed registration, not an enrolment. Only a word that says registered
        // marks the pupil: a status the program does not know is shown to the operator, never guessed.
        if map.columns.contains_key(&Column::Enrolled) {
            let status = map.get(Column::Enrolled, row).map(Cell::text).unwrap_or_default().trim().to_owned();
            if !self.synonyms.is_registered(&status) {
                let unknown = !status.is_empty() && !self.synonyms.is_not_registered(&status);
                let row = NotRegistered {
                    id_number: student.id_number.clone(),
                    name: student.name.clone(),
                    status,
                    file: self.file.clone(),
                    sheet: sheet.name.clone(),
                    row: row_no,
                };
                // The agency has no record of a pupil the drive counts insured here (a department's 财政代缴 that never
                // reached it, a family's payment it has not seen): the very mismatch to chase, a 状态冲突, not a
                // registration that merely failed.
                let insured_here = student.payment.is_settled() && student.enrollment != Enrollment::Elsewhere;
                if insured_here && !unknown {
                    let roster = match student.enrollment {
                        Enrollment::Unknown => student.payment.label_zh().to_owned(),
                        e => format!("{}、{}", e.label_zh(), student.payment.label_zh()),
                    };
                    let listed = if row.status.is_empty() { "（空）".to_owned() } else { row.status.clone() };
                    self.conflict(student, &roster, &listed, &sheet.name, row_no);
                    self.reached.insert((sheet.name.clone(), row_no));
                    // Kept, so `check` lists it while the drive still counts the pupil insured, not only said here.
                    let file = Path::new(&self.file)
                        .file_name()
                        .map_or_else(|| self.file.clone(), |f| f.to_string_lossy().into_owned());
                    let record = UnappliedPayment {
                        name: student.name.clone(),
                        amount_fen: None,
                        paid_on: None,
                        receipt: None,
                        year: self.year,
                        file,
                        sheet: sheet.name.clone(),
                        row: row_no,
                        reason: UnappliedReason::AgencyNotRegistered,
                        roster_name: None,
                        roster_status: Some(student.payment.code().to_owned()),
                        written_amount: None,
                        class: None,
                        earlier: None,
                        dismissed: None,
                        school: None,
                        undismissed: None,
                        agency_status: Some(row.status.clone()),
                        weighed: None,
                    };
                    let id_number = student.id_number.clone();
                    self.unapplied.push(KeptPayment { student_id: Some(student.id), id_number, record });
                } else if unknown {
                    self.report.unknown_status.push(row);
                } else {
                    self.report.not_registered.push(row);
                }
                return None;
            }
        }
        if let Some((place, city)) = self.policy.and_then(|p| insured_elsewhere(sheet, map, row, p)) {
            let header = place_column(sheet, map)
                .and_then(|i| sheet.rows.get(map.row)?.get(i))
                .map(|c| c.text().trim().to_owned())
                .unwrap_or_default();
            let message = format!(
                "参保地为{place}，不是本地（{city}）：未标记，请核对是否异地参保 (insured in {place}, not here ({city}): \
                 not marked; check whether the pupil is insured elsewhere, 异地参保)"
            );
            self.problem(sheet, row_no, header, message);
            self.reached.insert((sheet.name.clone(), row_no));
            return None;
        }
        match student.enrollment {
            Enrollment::Unknown | Enrollment::Here => {
                Some(vec![Change::Enrollment { status: Enrollment::Here, reason: None }])
            }
            other => {
                self.conflict(student, other.label_zh(), Enrollment::Here.label_zh(), &sheet.name, row_no);
                self.reached.insert((sheet.name.clone(), row_no));
                None
            }
        }
    }

    fn categories_row(
        &mut self,
        sheet: &Sheet,
        map: &HeaderMap,
        row_no: usize,
        row: &[Cell],
        student: &Student,
    ) -> Option<Vec<Change>> {
        let column = Some(map.header_text(Column::Category, &sheet.rows)).filter(|h| !h.is_empty());
        let text = map.get(Column::Category, row).map(Cell::text).unwrap_or_default();
        // A pupil met on an earlier row: this row's categories add to what that row gave.
        let earlier = self.item_of.get(&student.id).copied();
        let mut marks = earlier
            .and_then(|i| self.items.get(i))
            .and_then(|(_, changes)| {
                changes.iter().find_map(|c| match c {
                    Change::Categories(marks) => Some(marks.clone()),
                    _ => None,
                })
            })
            .unwrap_or_else(|| student.categories.clone());
        if !self.certificate_in_force(sheet, map, row_no, row) {
            return None;
        }
        let mut known = 0;
        let mut new_in_file = 0;
        let grade = map.get(Column::DisabilityGrade, row).map(Cell::text).unwrap_or_default();
        let kind = map.get(Column::DisabilityKind, row).map(Cell::text).unwrap_or_default();
        for word in crate::domain::category::split_cell(&text) {
            // 「残疾人」 alone is what an operator types for 重度残疾人, but a department's list of certificate holders
            // says it of every grade and kind: only the grade and the kind tell whether the policy's 重度 applies.
            let word = match disability(word, &grade, &kind, self.table) {
                Some(Ok(severe)) => severe,
                Some(Err(message)) => {
                    self.problem(sheet, row_no, column.clone().unwrap_or_default(), message);
                    continue;
                }
                None => word,
            };
            let Some(category) = self.table.lookup(word) else {
                if !self.report.unknown_categories.iter().any(|u| u == word) {
                    self.report.unknown_categories.push(word.to_owned());
                }
                let message = format!("未知的人员类别“{word}”，未标记 (unknown category “{word}”: not marked)");
                self.problem(sheet, row_no, column.clone().unwrap_or_default(), message);
                continue;
            };
            known += 1;
            if self.seen_categories.insert((student.id, category.name.clone())) {
                new_in_file += 1;
            }
            match marks.iter_mut().find(|m| m.name == category.name) {
                // The department's list certifies the category for the year (the pupil's others keep theirs); a
                // mark typed without its department gets the certifying one.
                Some(mark) => {
                    mark.year = None;
                    if mark.department.trim().is_empty() {
                        mark.department = category.department.clone();
                    }
                }
                None => marks.push(CategoryMark {
                    name: category.name.clone(),
                    department: category.department.clone(),
                    year: None,
                }),
            }
        }
        if known == 0 {
            if text.trim().is_empty() {
                let message = "人员类别为空，未标记 (no category given)".to_owned();
                self.problem(sheet, row_no, column.unwrap_or_default(), message);
            }
            return None;
        }
        if new_in_file == 0 {
            let message = "同一身份证号码和人员类别在文件中再次出现，此行未核对 (the same ID and category again: a repeat, \
                           not counted)";
            self.problem(sheet, row_no, column.unwrap_or_default(), message.to_owned());
            return None;
        }
        if let Some(item) = earlier.and_then(|i| self.items.get_mut(i)) {
            item.1 = vec![Change::Categories(marks)];
            self.reached.insert((sheet.name.clone(), row_no));
            return None;
        }
        Some(vec![Change::Categories(marks)])
    }
}

impl Run<'_> {
    /// Whether the row's certificate (its 有效期至) still holds in the insured year: one that ended before the year
    /// begins certifies nothing for it and is not marked, one that ends within the year is marked and said, so the
    /// operator asks the department for the renewal. A date that cannot be read holds the row back, said, rather
    /// than mark a category that may have lapsed; an empty cell or 长期 is a certificate without an end.
    fn certificate_in_force(&mut self, sheet: &Sheet, map: &HeaderMap, row_no: usize, row: &[Cell]) -> bool {
        let Some(cell) = map.get(Column::ValidUntil, row) else { return true };
        let text = cell.text().trim().to_owned();
        if text.is_empty() || matches!(text.as_str(), "长期" | "长期有效" | "永久" | "永久有效" | "无期限")
        {
            return true;
        }
        let column = map.header_text(Column::ValidUntil, &sheet.rows);
        let Some(until) = parse_date(cell) else {
            let message = format!(
                "证件有效期“{text}”无法识别，此行人员类别未标记，请核对 (the certificate's end date “{text}” cannot be \
                 read: the row's category was not marked; check it)"
            );
            self.problem(sheet, row_no, column, message);
            return false;
        };
        let Some((from, to)) = self.insured_span() else { return true };
        let year = from.year();
        if until < from {
            let message = format!(
                "证件有效期至 {until}，在 {year} 年度开始（{from}）之前已到期，此行人员类别未标记：请向认定部门核实是否已续期 \
                 (the certificate ended on {until}, before the {year} insured year begins on {from}: the row's \
                 category was not marked; ask the certifying department whether it was renewed)"
            );
            self.problem(sheet, row_no, column, message);
            return false;
        }
        if until < to {
            let message = format!(
                "证件有效期至 {until}，在 {year} 年度内到期，已标记人员类别：到期后请向认定部门核实是否续期 (the \
                 certificate ends on {until}, within the {year} insured year: the category was marked; ask the \
                 certifying department about its renewal)"
            );
            self.problem(sheet, row_no, column, message);
        }
        true
    }

    /// The insured year's cover, first and last day: the policy's when it is the drive's year's, else the year.
    fn insured_span(&self) -> Option<(NaiveDate, NaiveDate)> {
        let policy = self.policy.filter(|p| self.year.is_none_or(|y| y == p.insured_year));
        if let Some(p) = policy {
            return Some((p.coverage_from, p.coverage_to));
        }
        let year = self.year?;
        Some((NaiveDate::from_ymd_opt(year, 1, 1)?, NaiveDate::from_ymd_opt(year, 12, 31)?))
    }
}

/// 重度残疾人 (001 附件1 四(一), 003 一): 「一二级残疾人和三四级精神、智力残疾人」. A department's list word for a
/// disability the category table does not name — 「残疾人」 alone, or a kind and grade written into the category
/// (精神残疾, 智力残疾人, 三级精神残疾, 四级肢体残疾) — is judged by its grade (written in the word, else the
/// 残疾等级 column) and its kind (in the word, else the 残疾类别 column): grades one and two of any kind, and three
/// and four of a 精神 or 智力 disability (a 多重 disability whose kinds include either), are `Ok` the category's
/// name; any other is `Err` why it is not marked. `None` for a word that is no such disability word.
fn disability<'t>(word: &str, grade: &str, kind: &str, table: &'t CategoryTable) -> Option<Result<&'t str, String>> {
    // 多重（智力、肢体）: the 残疾 a department leaves out.
    let word = crate::domain::category::written_out(word.trim());
    let word = word.as_ref();
    let bare = matches!(word, "残疾" | "残疾人");
    // The table's own words (一二级残疾人, 残疾军人 of 重点优抚) say what they mean.
    if !bare && (table.lookup(word).is_some() || !word.contains("残疾")) {
        return None;
    }
    let severe = table.lookup("重度残疾人").map(|c| c.name.as_str())?;
    let grade = disability_grade(word).or_else(|| disability_grade(grade));
    let kind_text = if disability_kind_named(word) { word } else { kind.trim() };
    let mental = kind_text.contains("精神") || kind_text.contains("智力");
    let shown = if kind.trim().is_empty() || kind_text == word {
        word.to_owned()
    } else {
        format!("{word}（{}）", kind.trim())
    };
    Some(match grade {
        Some(1 | 2) => Ok(severe),
        Some(_) if mental => Ok(severe),
        Some(g) if kind_text.is_empty() => Err(format!(
            "{shown}（{g}级）：未写残疾类别，三四级中只有精神、智力残疾属重度残疾人，请核对，未标记 ({shown}, grade {g}, no \
             kind of disability given: of grades three and four only mental or intellectual disabilities are 重度残疾人; \
             check it; not marked)"
        )),
        Some(g) if kind_text.contains("多重") => Err(format!(
            "{shown}（{g}级）：多重残疾未写明是否含精神、智力残疾，三四级中只有精神、智力残疾属重度残疾人，请核对，未标记 \
             ({shown}, grade {g}: a multiple disability not saying whether it includes a mental or intellectual \
             one, which alone make grades three and four 重度残疾人; check it; not marked)"
        )),
        Some(g) => Err(format!(
            "{shown}（{g}级）：不属于重度残疾人（三四级中只有精神、智力残疾属重度），未标记 ({shown}, grade {g}: not \
             重度残疾人, which at grades three and four is only a mental or intellectual disability; not marked)"
        )),
        // Every grade of a 精神 or 智力 disability is 重度: one and two as any disability, three and four by name.
        None if mental => Ok(severe),
        None => Err(format!(
            "{shown}：未写等级，请核对是否为重度（一二级，或三四级精神、智力残疾），未标记 ({shown} with no grade: check \
             whether it is 重度残疾人: grade one or two, or a mental or intellectual disability of grade three or four; \
             not marked)"
        )),
    })
}

/// The grade (1–4) a disability's word or 残疾等级 cell gives: 三级, 3级, 三 or 3; `None` when it gives none.
fn disability_grade(text: &str) -> Option<u8> {
    text.chars().find_map(|c| match c {
        '一' | '1' | '１' | '壹' => Some(1),
        '二' | '2' | '２' | '贰' => Some(2),
        '三' | '3' | '３' | '叁' => Some(3),
        '四' | '4' | '４' | '肆' => Some(4),
        _ => None,
    })
}

/// Whether a word names a kind of disability (the kinds of 残疾人证).
fn disability_kind_named(text: &str) -> bool {
    ["精神", "智力", "肢体", "视力", "听力", "言语", "多重"].iter().any(|k| text.contains(k))
}

/// Why the sheet is not the list `source` names, as the message that refuses the file; `None` when it may be. A
/// tax office's list of who paid carries the payments (an amount, a payment date, a receipt number or its own
/// payment status); the school's class list carries none of them, and read as that list it would mark every
/// pupil on it 已缴费 with nothing to show for it. canbao's own forms (the ledgers, whose 未缴费 sheet lists those
/// who have not paid; the template; the class check-lists; the information sheet) list the drive's pupils: never
/// an agency's word on them. A class list (年级, 班级 columns) given as the agency's feedback, without the status
/// column such feedback has, would mark everyone on it 在校参保. A department's categories list has a check of its
/// own (`NoCategoryColumn`), and canbao's special roster is read back as one.
fn not_this_list(file: &str, sheet: &Sheet, map: &HeaderMap, by_canbao: bool, source: Source) -> Option<String> {
    if source == Source::Categories {
        return None;
    }
    let (zh_list, en_list) = match source {
        Source::Tax => ("税务缴费名单", "the tax office's paid list"),
        _ => ("医保经办机构的参保登记反馈", "the agency's registration feedback"),
    };
    // As a report names a worksheet: 税务.xlsx [十月].
    let place = match sheet.name.as_str() {
        "" => file.to_owned(),
        name => format!("{file} [{name}]"),
    };
    let above: Vec<Vec<String>> =
        sheet.rows.iter().take(map.row).map(|row| row.iter().map(Cell::text).collect()).collect();
    let title = ownership::export_title(&above);
    if title.is_some() || by_canbao {
        let (zh_effect, en_effect) = match source {
            Source::Tax => ("已缴费", "paid"),
            _ => ("在校参保", "enrolled here"),
        };
        let (zh_form, en_form) = match &title {
            Some(title) => (title.clone(), format!("a form canbao exported ({title})")),
            None => (
                "表格（文件属性中的作者为 canbao）".to_owned(),
                "a form canbao exported (its document properties name canbao as the author)".to_owned(),
            ),
        };
        return Some(format!(
            "{place} 是 canbao 导出的{zh_form}，不是{zh_list}，未核对：它列的是本数据文件中的学生，按它核对会把表上的学生\
             都记为{zh_effect} ({place} is {en_form}, not {en_list}: nothing reconciled; it lists the drive's \
             own pupils and would mark them all {en_effect})"
        ));
    }
    let header: Vec<String> = sheet
        .rows
        .get(map.row)
        .map(|row| row.iter().map(|c| c.text().trim().to_owned()).filter(|t| !t.is_empty()).collect())
        .unwrap_or_default();
    let class_words: Vec<String> = [Column::GradeClass, Column::Grade, Column::Class, Column::Phone]
        .into_iter()
        .filter(|c| map.columns.contains_key(c))
        .map(|c| map.header_text(c, &sheet.rows).trim().to_owned())
        .collect();
    let quoted = |words: &[String]| words.iter().map(|w| format!("“{w}”")).collect::<String>();
    match source {
        Source::Tax => {
            let evidence = [Column::Amount, Column::PaidOn, Column::Receipt, Column::PaymentStatus];
            if evidence.iter().any(|c| map.columns.contains_key(c)) {
                return None;
            }
            let (zh_looks, en_looks) = if class_words.is_empty() {
                (format!("表头为“{}”", header.join("、")), format!("its header: {}", header.join(", ")))
            } else {
                (
                    format!("看起来是学校的班级名单（有{}列）", quoted(&class_words)),
                    format!("it looks like a school's class list, with columns {}", class_words.join(", ")),
                )
            };
            Some(format!(
                "{place} 不是税务缴费名单，未核对：表中没有缴费金额（实缴金额）、缴费日期、票证号码或缴费状态列，\
                 {zh_looks}。税务缴费名单每一行是一笔缴费，写明金额、缴费日期或票证号码，只有这样的名单才能把学生记为已缴费 \
                 ({place} is not the tax office's paid list: no amount, payment date, receipt number or \
                 payment status column ({en_looks}); nothing reconciled. A tax list gives each payment's amount, date \
                 or receipt number, and only such a list marks pupils paid)"
            ))
        }
        _ => {
            // The tax office's paid list (纳税人姓名, 票证号码, 缴费金额 …) given as the agency's feedback: its
            // payments would be dropped and every payer marked enrolled here. Refused as the class-list import
            // refuses it, naming the reconciliation that reads it.
            let payment: Vec<String> =
                [Column::Amount, Column::PaidOn, Column::Channel, Column::Receipt, Column::PaymentStatus]
                    .into_iter()
                    .filter(|c| map.columns.contains_key(c))
                    .map(|c| map.header_text(c, &sheet.rows).trim().to_owned())
                    .collect();
            let name_header = header::clean(&map.header_text(Column::Name, &sheet.rows));
            let taxpayer = ["纳税人姓名", "缴费人姓名"].contains(&name_header.as_str());
            let receipt = map.columns.contains_key(&Column::Receipt);
            if !map.columns.contains_key(&Column::Enrolled) && (taxpayer || receipt || payment.len() >= 2) {
                return Some(format!(
                    "{place} 看起来是税务缴费名单（有{}列，没有参保状态列），不是医保经办机构的参保登记反馈，未核对：按它核对会把\
                     表上的人都记为在校参保，缴费却不记录。税务缴费名单{TAX_ROAD_ZH} ({place} looks like the tax \
                     office's paid list (columns {}, no registration status column), not the agency's registration \
                     feedback: nothing reconciled, as it would mark everyone on it enrolled here and record no payment. \
                     Reconcile a tax list{TAX_ROAD_EN})",
                    quoted(&payment),
                    payment.join(", ")
                ));
            }
            let class_only: Vec<String> = [Column::GradeClass, Column::Grade, Column::Class]
                .into_iter()
                .filter(|c| map.columns.contains_key(c))
                .map(|c| map.header_text(c, &sheet.rows).trim().to_owned())
                .collect();
            if map.columns.contains_key(&Column::Enrolled) || class_only.is_empty() {
                return None;
            }
            Some(format!(
                "{place} 看起来是学校的班级名单（有{}列，没有参保状态列），不是医保经办机构的参保登记反馈，未核对：\
                 按它核对会把表上的学生都记为在校参保。经办机构的反馈列出登记成功的人员，通常有参保状态列（已登记、登记成功 …）；\
                 若确是经办机构的反馈而没有此列，请在表中加一列“参保状态”，每行填“已登记”，再核对 ({place} \
                 looks like a school's class list (columns {}, no registration status column), not the agency's \
                 registration feedback: nothing reconciled, as it would mark every pupil on it enrolled here. If it is \
                 the agency's feedback, add a column 参保状态 reading 已登记 on each row and reconcile again)",
                quoted(&class_only),
                class_only.join(", ")
            ))
        }
    }
}

/// A channel word that says a department paid (部门代缴, 财政代缴, 政府资助, 医疗救助 …), not the family.
/// A tax list's column whose header names an amount (「金额合计」) where no amount column is read: refused, as each of
/// its rows would otherwise be taken as paid in full whatever it paid.
fn amount_column_unread(file: &str, sheet: &Sheet, map: &HeaderMap) -> Option<ReconcileError> {
    if map.columns.contains_key(&Column::Amount) {
        return None;
    }
    let header = sheet.rows.get(map.row)?;
    let (at, cell) = header.iter().enumerate().find(|(_, c)| header::clean(&c.text()).contains("金额"))?;
    let header = cell.text().trim().to_owned();
    Some(ReconcileError::AmountColumnUnread { file: file.to_owned(), letter: header::column_letter(at), header })
}

fn names_a_department(text: &str) -> bool {
    ["代缴", "财政", "政府", "部门", "资助", "救助", "民政"].iter().any(|w| text.contains(w))
}

/// The unit a list's amount column gives in its header: 「缴费金额(分)」, 「金额（分）」 (a system's export in 分),
/// 「缴费金额（元）」, 「实缴金额（万元）」. A header giving none is in 元, as the tax office's lists are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountUnit {
    Yuan,
    Fen,
    TenThousandYuan,
}

impl AmountUnit {
    /// The unit of a sheet's amounts: the one its amount column's header gives, else the one a line above the
    /// header gives (「单位：分」 beside the title, as exports write it), else 元.
    pub fn of_sheet(header: &str, above: &[Vec<Cell>]) -> AmountUnit {
        Self::said_by_header(header)
            .or_else(|| Self::unit_line(above).map(|(unit, _)| unit))
            .unwrap_or(AmountUnit::Yuan)
    }

    /// The unit a cell of the title rows above the header gives after 单位 (「单位：分」, 「金额单位：万元」,
    /// 「（单位：元）」), with that cell's text. Only a unit word standing alone after it: 「缴费单位：第一小学」
    /// names the payer, not a unit.
    pub fn unit_line(above: &[Vec<Cell>]) -> Option<(AmountUnit, String)> {
        const UNITS: [(&str, AmountUnit); 6] = [
            ("人民币万元", AmountUnit::TenThousandYuan),
            ("万元", AmountUnit::TenThousandYuan),
            ("人民币分", AmountUnit::Fen),
            ("分", AmountUnit::Fen),
            ("人民币元", AmountUnit::Yuan),
            ("元", AmountUnit::Yuan),
        ];
        above.iter().flatten().find_map(|cell| {
            let text = cell.text();
            let narrow = crate::domain::narrow(&text);
            narrow.match_indices("单位").find_map(|(at, word)| {
                let rest = narrow[at + word.len()..].trim_start_matches([':', '(', ' ', '\u{3000}']);
                UNITS.iter().find_map(|&(name, unit)| {
                    let after = rest.strip_prefix(name)?;
                    // The unit word ends there: the line's end, a space, or a bracket or stop after it.
                    let ends = after
                        .chars()
                        .next()
                        .is_none_or(|c| c.is_whitespace() || c.is_ascii_punctuation() || "，。；、）】".contains(c));
                    ends.then(|| (unit, text.trim().to_owned()))
                })
            })
        })
    }

    /// The unit the amount column's header gives, if it gives one: in brackets after the header's words, or
    /// after a slash (「金额/分」), with or without 「单位：」.
    pub fn said_by_header(header: &str) -> Option<AmountUnit> {
        let text: String = crate::domain::narrow(header).chars().filter(|c| !c.is_whitespace()).collect();
        let said = text.split(['(', '[', '【', '/', '〔']).skip(1).map(|part| {
            let part = part.trim_end_matches([')', ']', '】', '〕']);
            part.strip_prefix("单位").map_or(part, |rest| rest.trim_start_matches([':', '：']))
        });
        for unit in said {
            match unit {
                "分" | "人民币分" => return Some(AmountUnit::Fen),
                "万元" | "人民币万元" => return Some(AmountUnit::TenThousandYuan),
                "元" | "人民币元" => return Some(AmountUnit::Yuan),
                _ => {}
            }
        }
        // 「缴费金额 分」, 「金额-元」: the unit after a space or a dash, which the header's words end in once cleaned.
        let cleaned = header::clean(header);
        if let Some(words) = header::strip_amount_unit(&cleaned).filter(|w| w.ends_with('额')) {
            let unit = &cleaned[words.len()..];
            let unit = unit.strip_prefix("单位").unwrap_or(unit);
            match unit.trim_start_matches("人民币") {
                "分" => return Some(AmountUnit::Fen),
                "万元" => return Some(AmountUnit::TenThousandYuan),
                "元" => return Some(AmountUnit::Yuan),
                _ => {}
            }
        }
        None
    }

    /// An amount cell in this unit, in 分, exactly: integer arithmetic, so 38000 分 is 380 元 to the 分. An amount
    /// in 分 with a fraction of a 分 (`380.5`), or one in 万元 with more places than reach a 分, is none. A cell
    /// writing its own 元 (`380元`) is in 元 whatever the header.
    pub fn fen(self, cell: &Cell) -> Option<i64> {
        let own_yuan = matches!(cell, Cell::Text(t) if { let t = t.trim(); t.ends_with('元') && !t.ends_with("万元") });
        match self {
            _ if own_yuan => parse_amount(cell),
            AmountUnit::Yuan => parse_amount(cell),
            // Read as if in 元 (hundredths), then exactly a hundredth of that, or nothing.
            AmountUnit::Fen => parse_amount(cell).filter(|hundredths| hundredths % 100 == 0).map(|h| h / 100),
            AmountUnit::TenThousandYuan => match cell {
                Cell::Number(f) if f.is_finite() && *f >= 0.0 && *f < 1e5 => {
                    let fen = f * 1e6;
                    // The double nearest a decimal of up to six places is within far less than a thousandth of
                    // a 分 of it; further off, the amount has a fraction of a 分.
                    ((fen - fen.round()).abs() < 1e-3).then(|| fen.round() as i64)
                }
                Cell::Text(t) => {
                    let narrowed = crate::domain::narrow(t);
                    let cleaned: String =
                        narrowed.chars().filter(|c| !c.is_whitespace() && *c != ',' && *c != '，').collect();
                    let number = cleaned.trim_start_matches(['¥', '￥']).trim_end_matches("万元");
                    let (whole, places) = number.split_once('.').unwrap_or((number, ""));
                    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
                    if whole.is_empty() || !digits(whole) || !digits(places) || places.len() > 6 {
                        return None;
                    }
                    let places: i64 = if places.is_empty() { 0 } else { format!("{places:0<6}").parse().ok()? };
                    whole.parse::<i64>().ok()?.checked_mul(1_000_000)?.checked_add(places)
                }
                _ => None,
            },
        }
    }
}

/// An amount in yuan as the tax office writes it: a number cell, `380`, `380.00`, `￥95.5`, `1,140.00元`.
pub fn parse_amount(cell: &Cell) -> Option<i64> {
    match cell {
        Cell::Number(f) if f.is_finite() && *f >= 0.0 && *f < 1e9 => Some((f * 100.0).round() as i64),
        Cell::Text(t) => {
            let cleaned: String = t.chars().filter(|c| !c.is_whitespace() && *c != ',' && *c != '，').collect();
            money::parse_yuan(&cleaned)
        }
        _ => None,
    }
}

/// A payment date: `2023-10-08`, `2023/10/8`, `2023.10.08`, `2023年10月8日`, `20231008`, with or without a time
/// after it, or an Excel day number in a cell not formatted as a date (`cell::excel_day`, as the import reads a
/// 出生日期). A day number written as text is no date here: a list's row reads one itself (a CSV saved from a sheet
/// not formatted as dates), while the payment form's typed date comes here alone, and 46346 typed there is no date.
pub fn parse_date(cell: &Cell) -> Option<NaiveDate> {
    if let (Cell::Number(_), Some(day)) = (cell, super::cell::excel_day(cell)) {
        return Some(day);
    }
    let text = cell.text();
    let day = text.split([' ', 'T', '\u{3000}']).next().unwrap_or("").trim();
    for format in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"] {
        if let Ok(date) = NaiveDate::parse_from_str(day, format) {
            return Some(date);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The tax office's paid list given as the agency's feedback is refused, naming the reconciliation that reads
    /// it, where every payer would have been marked enrolled here and no payment recorded; the agency's feedback,
    /// with a status column, is read whatever else it has.
    #[test]
    fn a_tax_list_given_as_the_agencys_feedback_is_refused() {
        let text = |t: &str| Cell::Text(t.to_owned());
        let list = |header: &[&str]| Sheet {
            name: String::new(),
            rows: vec![
                header.iter().map(|h| text(h)).collect(),
                vec![
                    text("孙语"),
                    text("450203201909308803"),
                    text("380"),
                    text("2026-11-20"),
                    text("332023100000000"),
                ],
            ],
        };
        let refused = |header: &[&str]| {
            let sheet = list(header);
            let map = header::detect(&sheet.rows, Synonyms::builtin()).expect("a header");
            not_this_list("tax.csv", &sheet, &map, false, Source::Agency)
        };
        let said = refused(&["纳税人姓名", "证件号码", "缴费金额", "缴费日期", "票证号码"]).expect("refused");
        assert!(said.contains("税务缴费名单") && said.contains("--source tax"), "{said}");
        assert!(refused(&["姓名", "证件号码", "缴费金额", "参保状态", "备注"]).is_none());
        assert!(refused(&["姓名", "证件号码", "备注"]).is_none());
    }

    #[test]
    fn amounts_and_dates_as_agencies_write_them() {
        assert_eq!(parse_amount(&Cell::Number(380.0)), Some(38_000));
        assert_eq!(parse_amount(&Cell::Number(95.5)), Some(9_550));
        assert_eq!(parse_amount(&Cell::Text("1,140.00元".into())), Some(114_000));
        assert_eq!(parse_amount(&Cell::Text("￥285".into())), Some(28_500));
        assert_eq!(parse_amount(&Cell::Text("三百八".into())), None);
        // Full-width, as the same row's ID number may be typed.
        assert_eq!(parse_amount(&Cell::Text("３８０".into())), Some(38_000));
        assert_eq!(parse_amount(&Cell::Text("９５．５０元".into())), Some(9_550));
        let d = NaiveDate::from_ymd_opt(2023, 10, 8);
        for text in ["2023-10-08", "2023/10/8", "2023.10.08", "2023年10月8日", "20231008", "2023-10-08 14:03:11"] {
            assert_eq!(parse_date(&Cell::Text(text.into())), d, "{text}");
        }
        assert_eq!(parse_date(&Cell::Number(45207.0)), d);
        // Typed in the payment form, a day number is no date; a list's is read at its row (`cell::excel_day`).
        assert_eq!(parse_date(&Cell::Text("45207".into())), None);
        assert_eq!(parse_date(&Cell::Text("十月八日".into())), None);
    }

    #[test]
    fn a_negative_amount_is_money_going_back_and_not_unreadable() {
        let kind = |cell: Cell| match read_amount(&cell, AmountUnit::Yuan) {
            ListAmount::Fen(fen) => format!("{fen}"),
            ListAmount::Negative => "negative".to_owned(),
            ListAmount::Unreadable => "unreadable".to_owned(),
        };
        assert_eq!(kind(Cell::Number(-400.0)), "negative");
        assert_eq!(kind(Cell::Text("-380.00".into())), "negative");
        assert_eq!(kind(Cell::Text("－￥380".into())), "negative");
        assert_eq!(kind(Cell::Text("4OO".into())), "unreadable");
        assert_eq!(kind(Cell::Text("-".into())), "unreadable");
        assert_eq!(kind(Cell::Number(0.0)), "0");
        assert_eq!(kind(Cell::Text("380".into())), "38000");
    }

    #[test]
    fn rows_name_their_worksheet() {
        let sheets = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
        assert_eq!(rows_at(&sheets(&["", ""]), &[2, 4], false), "第 2、4 行");
        assert_eq!(
            rows_at(&sheets(&["十月", "十月", "十一月"]), &[2, 4, 3], false),
            "[十月] 第 2、4 行，[十一月] 第 3 行"
        );
        assert_eq!(rows_at(&sheets(&["十月", "十一月"]), &[2, 3], true), "[十月] row 2; [十一月] row 3");
    }

    /// A conflict between two payments names each with its amount and date, in English too.
    #[test]
    fn a_redated_payment_says_its_date_and_channel_before_and_after() {
        let day = |d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
        let redated = Redated {
            id_number: String::new(),
            name: "林彤瑶".into(),
            file: "tax.csv".into(),
            sheet: String::new(),
            row: 2,
            recorded_on: day("2026-11-20"),
            recorded_channel: String::new(),
            listed_on: day("2026-10-01"),
            listed_channel: "支付宝".into(),
        };
        let [before, after] = redated.before_and_after();
        assert_eq!(before, ("2026-11-20".to_owned(), "2026-11-20".to_owned()));
        assert_eq!(after, ("2026-10-01，支付宝".to_owned(), "2026-10-01, Alipay".to_owned()));
    }

    #[test]
    fn a_payment_conflict_is_said_in_english() {
        let recorded = paid_label(Some(40_000), NaiveDate::from_ymd_opt(2026, 11, 20));
        assert_eq!(recorded, "已缴费（400 元，2026-11-20）");
        assert_eq!(status_en(&recorded), "paid (400 yuan, 2026-11-20)");
        assert_eq!(paid_label(None, None), "已缴费");
        assert_eq!(status_en("已缴费"), "paid");
        assert_eq!(status_en("其他"), "其他");
    }

    #[test]
    fn category_cells_split() {
        let words: Vec<&str> = crate::domain::category::split_cell("低保、监测户，孤儿 无").collect();
        assert_eq!(words, ["低保", "监测户", "孤儿"]);
        // A separator inside brackets is part of the name: one disability of two kinds, then another category.
        let words: Vec<&str> =
            crate::domain::category::split_cell("多重残疾（智力、肢体）、低保 多重(智力,肢体)").collect();
        assert_eq!(words, ["多重残疾（智力、肢体）", "低保", "多重(智力,肢体)"]);
    }
}
