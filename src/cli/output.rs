//! How a command writes its answer: JSON, raw bytes, or ID numbers masked unless revealed.

use serde::Serialize;

use super::{CmdResult, UserError};
use crate::tui::text::{Text, conflict};

/// Writes to standard output; a reader that went away (`| head`) is not an error.
pub(super) fn write_stdout(bytes: &[u8]) -> CmdResult {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(UserError::from(e)),
        _ => Ok(()),
    }
}

/// Whether a command's JSON was printed: its one answer under `--json` (`failure` adds none after it).
static ANSWERED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

pub(super) fn answered() -> bool {
    ANSWERED.load(std::sync::atomic::Ordering::SeqCst)
}

/// A command's report under `--json`: its object with `"ok": true` first, as a failure's answer has `"ok": false`
/// (`failure`), so a script tests one key whatever the command. A report that cannot be written as JSON is the
/// command's failure (`internal`), answered as any other, where it was said on stderr alone and the run exited 0.
pub(super) fn print_json<T: Serialize>(report: &T) -> CmdResult {
    print_report(true, report)
}

/// A report with `"ok"` first: false for one a failure still gives (a push that found nothing to push lists the
/// files it skipped, and exits 1).
pub(super) fn print_report<T: Serialize>(ok: bool, report: &T) -> CmdResult {
    #[derive(Serialize)]
    struct Report<'a, T> {
        ok: bool,
        #[serde(flatten)]
        report: &'a T,
    }
    print_answer(&Report { ok, report })
}

/// A command's report that is a list at the top (`find`, `exports`, `policy list`, `year list`): printed as it
/// is, as scripts read it and README documents it; a list has no place for `ok`.
pub(super) fn print_json_list<T: Serialize>(list: &[T]) -> CmdResult {
    print_answer(&list)
}

/// The command's one answer on standard output, success or failure, once it is written as JSON.
pub(super) fn print_answer<T: Serialize>(value: &T) -> CmdResult {
    let text = serde_json::to_string_pretty(value).map_err(unwritable)?;
    use std::io::Write;
    ANSWERED.store(true, std::sync::atomic::Ordering::SeqCst);
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = writeln!(std::io::stdout().lock(), "{text}");
    Ok(())
}

/// A report that serde could not write: a fault of this program, not of the drive or the files.
fn unwritable(e: serde_json::Error) -> UserError {
    UserError::in_two(format!("无法以 JSON 输出结果：{e}"), format!("the report could not be written as JSON: {e}"))
        .kind("internal")
}

/// A command's JSON as its text output shows ID numbers: the fields its types mark as ID numbers
/// (`domain::id_shown`) masked unless `reveal` (`--reveal`, which the command records in the drive's history before
/// it prints). A script that needs full numbers (to `mark` by them) asks for them as an operator does, and the drive
/// keeps who saw them. Nothing else is masked, however many digits it holds (a receipt, a phone). An object gets
/// `"ok": true` as [`print_json`] gives it; a list (`find`) stays the list it is documented as.
pub(super) fn print_json_ids<T: Serialize>(value: &T, reveal: bool) -> CmdResult {
    // Through a JSON value, as before, so the keys keep their order (sorted) in every command's output.
    match crate::domain::id_shown::revealing(reveal, || serde_json::to_value(value)).map_err(unwritable)? {
        serde_json::Value::Array(list) => print_json_list(&list),
        object => print_json(&object),
    }
}

/// An ID number as text output shows it: masked unless the operator asked for the full number.
pub(crate) use crate::domain::id_number::shown as shown_id;

/// How many conflicts a command lists line by line; past that it says how many more (`--json` has them all).
pub(super) const CONFLICTS_LISTED: usize = 30;

/// The word tables of the language asked for (the bilingual default says a conflict in Chinese).
fn words() -> &'static Text {
    Text::for_language(if super::english() { crate::tui::Language::En } else { crate::tui::Language::Zh })
}

/// A conflict's field and its two values in the words of the language asked for, as the screen says them
/// ([`conflict::conflict_words`]).
pub(super) fn conflict_words(
    field: &str,
    year: Option<i32>,
    kept: Option<&str>,
    lost: Option<&str>,
) -> (String, String, String) {
    conflict::conflict_words(words(), field, year, kept, lost)
}

/// The two sides of a conflict line, (Chinese, English), as the screen says them ([`conflict::kept_and_lost`]).
pub(super) fn kept_and_lost(kept: (&str, &str), lost: (&str, &str), how: conflict::How) -> (String, String) {
    let [zh, en] = [crate::tui::Language::Zh, crate::tui::Language::En]
        .map(|lang| conflict::kept_and_lost(Text::for_language(lang), kept, lost, how));
    (zh, en)
}

/// One pupil's conflict of a merge, (Chinese, English), as the screen's merge preview says it.
pub(super) fn merge_conflict_line(c: &crate::store::merge::Conflict, id: &str) -> (String, String) {
    let [zh, en] = [crate::tui::Language::Zh, crate::tui::Language::En]
        .map(|lang| conflict::merge_conflict_line(Text::for_language(lang), c, id));
    (zh, en)
}

/// From how many conflicts of one field with the same kept and lost values they are one line with a count: a
/// school renamed apart on two laptops conflicts once per pupil, and hundreds of lines would bury the few that
/// concern a pupil of their own. Fewer stay one line per pupil, named.
pub(super) const GROUPED_FROM: usize = 5;

/// A line of the text report: one pupil's conflict, or many of one shape.
pub(super) enum Listed<'a, T> {
    Pupil(&'a T),
    Group(Vec<&'a T>),
}

/// The conflicts as the text report lists them: the pupils' own first, in their order, then the groups of
/// [`GROUPED_FROM`] or more with the same `shape` (field, kept and lost values), largest first.
pub(super) fn listed<'a, T, K: Eq + std::hash::Hash>(all: &'a [T], shape: impl Fn(&'a T) -> K) -> Vec<Listed<'a, T>> {
    let mut groups: Vec<Vec<&'a T>> = Vec::new();
    let mut index: std::collections::HashMap<K, usize> = std::collections::HashMap::new();
    let mut group_of: Vec<usize> = Vec::with_capacity(all.len());
    for c in all {
        let i = *index.entry(shape(c)).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        if let Some(g) = groups.get_mut(i) {
            g.push(c);
        }
        group_of.push(i);
    }
    let big = |i: usize| groups.get(i).is_some_and(|g| g.len() >= GROUPED_FROM);
    let mut lines: Vec<Listed<'a, T>> =
        all.iter().zip(&group_of).filter(|&(_, &i)| !big(i)).map(|(c, _)| Listed::Pupil(c)).collect();
    let mut many: Vec<Vec<&'a T>> = groups.iter().filter(|g| g.len() >= GROUPED_FROM).cloned().collect();
    // Stable: groups of one size keep the order they first appeared in.
    many.sort_by_key(|g| std::cmp::Reverse(g.len()));
    lines.extend(many.into_iter().map(Listed::Group));
    lines
}

/// Prints the first [`CONFLICTS_LISTED`] lines, each pupil by `pupil` and each group by `group`, and how many
/// conflicts were left out.
pub(super) fn print_listed<T>(lines: &[Listed<T>], pupil: impl Fn(&T), group: impl Fn(&[&T])) {
    let mut left = 0;
    for (n, line) in lines.iter().enumerate() {
        match line {
            Listed::Pupil(c) if n < CONFLICTS_LISTED => pupil(c),
            Listed::Group(g) if n < CONFLICTS_LISTED => group(g),
            Listed::Pupil(_) => left += 1,
            Listed::Group(g) => left += g.len(),
        }
    }
    more_conflicts(left);
}

/// The instants of one side of a group's conflicts: the one they share, else the first and the last.
pub(super) fn span<'a>(times: impl Iterator<Item = &'a str>) -> String {
    let mut times: Vec<String> = times.map(crate::store::instant::beijing_seconds).collect();
    times.sort_unstable();
    match (times.first(), times.last()) {
        (Some(a), Some(b)) if a == b => a.clone(),
        (Some(a), Some(b)) => super::pick(&format!("{a} 至 {b}"), &format!("{a} to {b}")).to_owned(),
        _ => String::new(),
    }
}

/// Where last year's graduates and leavers went, under a year's figures (a drive's `stats`, the county's
/// `rollup`): kept, and counted in none of the lines above.
pub(super) fn former_pupils_said(former: i64) {
    if former > 0 {
        let (who, are) = if former == 1 { ("pupil", "is") } else { ("pupils", "are") };
        let en = format!(
            "{former} {who} who graduated or left before this year {are} in no class this year and not counted"
        );
        super::say(&format!("另有已毕业或往年已离校的学生 {former} 人，不属于本年度任何班级，不计入 ({en})"), &en);
    }
}

/// How many pupils' categories were certified for an earlier year (待重新认定), as `stats` and the county's
/// roll-up say it: none of the year's special groups until certified again.
pub(super) fn categories_to_recertify_said(n: i64) {
    if n > 0 {
        let en = if n == 1 {
            "1 pupil's categories were certified for an earlier year".to_owned()
        } else {
            format!("{n} pupils' categories were certified for an earlier year")
        };
        super::say(&format!("人员类别待重新认定 {n} 人：类别是上一年度认定的 ({en})"), &en);
    }
}

/// The line after the listed conflicts when `more` were left out.
fn more_conflicts(more: usize) {
    if more > 0 {
        super::say(
            &format!("  ……另有 {more} 处冲突未列出，--json 列出全部 ({more} more conflicts: --json lists them all)"),
            &format!("  … {more} more conflicts: --json lists them all"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_json_cannot_write_is_an_internal_failure_with_nothing_printed() {
        // Keys JSON cannot write: a map keyed by pairs.
        let report: std::collections::BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        for result in [print_json(&report), print_json_ids(&report, false), print_json_list(&[&report])] {
            let e = result.expect_err("no JSON for it");
            assert_eq!(e.said.kind, "internal");
            assert!(e.message().contains("JSON"), "{}", e.message());
        }
        // Nothing answered: `failure` answers with the error object.
        assert!(!answered());
    }

    #[test]
    fn many_conflicts_of_one_shape_are_one_line_after_the_pupils_own() {
        let mut all: Vec<(&str, u32)> = vec![("payment", 1), ("school", 2)];
        all.extend(std::iter::repeat_n(("school", 3), GROUPED_FROM));
        all.push(("note", 4));
        all.extend(std::iter::repeat_n(("school", 5), GROUPED_FROM - 1));
        let lines = listed(&all, |c| c.0);
        let shape: Vec<(&str, usize)> = lines
            .iter()
            .map(|l| match l {
                Listed::Pupil(c) => (c.0, 1),
                Listed::Group(g) => (g.first().map_or("", |c| c.0), g.len()),
            })
            .collect();
        assert_eq!(shape, [("payment", 1), ("note", 1), ("school", 2 * GROUPED_FROM)]);
        // Fewer than GROUPED_FROM of a shape stay one line each.
        let few = listed(&all[..2], |c| c.0);
        assert!(few.iter().all(|l| matches!(l, Listed::Pupil(_))));
    }
}
