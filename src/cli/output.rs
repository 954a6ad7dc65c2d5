//! How a command writes its answer: JSON, raw bytes, or ID numbers masked unless revealed.

use serde::Serialize;

use super::{CmdResult, UserError};
use crate::domain::id_number;

/// Writes to standard output; a reader that went away (`| head`) is not an error.
pub(super) fn write_stdout(bytes: &[u8]) -> CmdResult {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(UserError(e.to_string())),
        _ => Ok(()),
    }
}

pub(super) fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        // A closed pipe (`| head`) is not an error worth a panic.
        Ok(s) => {
            use std::io::Write;
            let _ = writeln!(std::io::stdout().lock(), "{s}");
        }
        Err(e) => eprintln!("JSON: {e}"),
    }
}

/// An ID number as text output shows it: masked unless the operator asked for the full number.
pub(crate) fn shown_id(number: &str, reveal: bool) -> String {
    if reveal { number.to_owned() } else { id_number::mask(number) }
}

/// How many conflicts a command lists line by line; past that it says how many more (`--json` has them all).
pub(super) const CONFLICTS_LISTED: usize = 30;

/// A conflict's field and its two values in the words of the language asked for, as the detail screen shows
/// them (参保状态, 在校参保, 380.00), not the audit log's keys and codes. A status names its insured year.
pub(super) fn conflict_words(
    field: &str,
    year: Option<i32>,
    kept: Option<&str>,
    lost: Option<&str>,
) -> (String, String, String) {
    let lang = if super::english() { crate::tui::Language::En } else { crate::tui::Language::Zh };
    let t = crate::tui::text::Text::for_language(lang);
    let en = lang == crate::tui::Language::En;
    // A merge names a status's year in its field (`enrollment@2027`).
    let (key, year) = match field.split_once('@') {
        Some((key, y)) => (key, y.parse().ok().or(year)),
        None => (field, year),
    };
    let label = match (year, en) {
        (Some(y), true) => format!("{} ({y})", t.field(key)),
        (Some(y), false) => format!("{}（{y} 年度）", t.field(key)),
        (None, _) => t.field(key),
    };
    let value = |v: Option<&str>| match v {
        None => (if en { "(none)" } else { "（无）" }).to_owned(),
        Some(v) => crate::tui::views::value_label(t, key, v),
    };
    (label, value(kept), value(lost))
}

/// The line after the listed conflicts when there were more.
pub(super) fn more_conflicts(total: usize) {
    if total > CONFLICTS_LISTED {
        let more = total - CONFLICTS_LISTED;
        super::say(
            &format!("  ……另有 {more} 处冲突未列出，--json 列出全部 ({more} more conflicts: --json lists them all)"),
            &format!("  … {more} more conflicts: --json lists them all"),
        );
    }
}
