//! The categories (人员类别) two sides changed apart, united rather than one list replacing the other: a pupil
//! may hold several categories, each certified by its department, and a category added on one side says
//! nothing of the others. A merge of two laptops and a county push unite them the same way, each reading its
//! own history into [`HistoryRow`]s.

use std::collections::BTreeMap;

use super::fields::{categories_from_text, categories_to_text};
pub use super::fields::{certified_categories, with_years};
use super::instant;
use crate::domain::student::CategoryMark;

/// A list as the store writes it (or a county's jsonb text of it), read.
pub fn marks(text: &str) -> Vec<CategoryMark> {
    categories_from_text(text)
}

/// One `created` or `categories` row of a side's history for one pupil, in log order.
pub struct HistoryRow {
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub at: String,
    pub origin: String,
    /// Where the row is from, for the caller's report (a county names the drive that sent it).
    pub event: Option<String>,
    /// The other side lacks this row: a change made apart.
    pub unshared: bool,
}

/// One category's net change on one side since the two last agreed: added (with its mark) or removed, by the
/// last of that side's changes to it, made at `at` (`origin` breaks ties).
#[derive(Clone)]
pub struct CategoryStep {
    pub mark: Option<CategoryMark>,
    pub at: String,
    pub origin: String,
    pub event: Option<String>,
}

/// Each category's net change on one side: the categories rows (their old and new lists) the other side
/// lacks, in log order, and, when the pupil's creation is new to the other side, the categories it was created
/// with (the first change's old list, else the list it holds now, which `held` reads when it is needed).
/// A list's marks are compared with their certification years: a mark without its own year is the set's
/// (`categories_year`, whose rows `rows` holds too; NULL is `first`, the file's first year, where known), so a
/// category certified again for a later year (a department's new list: only the set's year may change) is a
/// change of that category, as an addition is.
pub fn steps<E>(
    rows: &[HistoryRow],
    held: impl FnOnce() -> Result<Vec<CategoryMark>, E>,
    first: Option<i32>,
) -> Result<BTreeMap<String, CategoryStep>, E> {
    let mut steps = BTreeMap::new();
    let mut held = Some(held);
    let mut held_list: Option<Vec<CategoryMark>> = None;
    let list = |text: Option<&str>| categories_from_text(text.unwrap_or("[]"));
    let step = |mark: Option<CategoryMark>, row: &HistoryRow| CategoryStep {
        mark,
        at: row.at.clone(),
        origin: row.origin.clone(),
        event: row.event.clone(),
    };
    // A set's year row: NULL is the first year; where that is not known, the year it was set to (a NULL
    // only stands before a file's first change of the set, made in its first year).
    let years = |row: &HistoryRow| {
        let new = row.new.as_deref().and_then(|y| y.parse::<i32>().ok()).or(first);
        (row.old.as_deref().and_then(|y| y.parse::<i32>().ok()).or(first).or(new), new)
    };
    // The change that wrote a categories row writes the set's year just after it, at its instant.
    let year_with = |i: usize| {
        let (row, next) = (rows.get(i)?, rows.get(i + 1)?);
        (next.field == "categories_year" && next.at == row.at && next.origin == row.origin).then(|| years(next).1)
    };
    let mut set_year = rows.iter().find(|r| r.field == "categories_year").and_then(|r| years(r).0);
    let mut now: Option<Vec<CategoryMark>> = None;
    for (i, row) in rows.iter().enumerate() {
        match row.field.as_str() {
            "created" if row.unshared => {
                // What the list gave: the list before the first change after it, else what the pupil holds.
                let given = match rows[i + 1..].iter().find(|r| r.field == "categories") {
                    Some(r) => list(r.old.as_deref()),
                    None => held_now(&mut held, &mut held_list)?,
                };
                for mark in given {
                    steps.insert(mark.name.clone(), step(Some(mark), row));
                }
            }
            "categories" => {
                let after_year = year_with(i).unwrap_or(set_year);
                let (before, after) = (list(row.old.as_deref()), list(row.new.as_deref()));
                if row.unshared {
                    changed(&mut steps, (&before, set_year), (&after, after_year), &|m| step(m, row));
                }
                now = Some(after);
            }
            "categories_year" => {
                let (old, new) = years(row);
                let paired = i > 0 && year_with(i - 1).is_some() && rows[i - 1].field == "categories";
                if row.unshared && !paired && old != new {
                    // The set certified for another year, its list unchanged.
                    let marks = match (&now, rows[i + 1..].iter().find(|r| r.field == "categories")) {
                        (Some(now), _) => now.clone(),
                        (None, Some(r)) => list(r.old.as_deref()),
                        (None, None) => held_now(&mut held, &mut held_list)?,
                    };
                    changed(&mut steps, (&marks, old), (&marks, new), &|m| step(m, row));
                }
                set_year = new;
            }
            _ => {}
        }
    }
    Ok(steps)
}

/// The list the pupil holds, read once.
fn held_now<E>(
    held: &mut Option<impl FnOnce() -> Result<Vec<CategoryMark>, E>>,
    cache: &mut Option<Vec<CategoryMark>>,
) -> Result<Vec<CategoryMark>, E> {
    if let Some(read) = held.take() {
        *cache = Some(read()?);
    }
    Ok(cache.clone().unwrap_or_default())
}

/// Each category a change added (or certified for another year: its mark as the list gave it) or removed, from
/// the lists before and after it, each with the set's year then.
fn changed(
    steps: &mut BTreeMap<String, CategoryStep>,
    (before, before_year): (&[CategoryMark], Option<i32>),
    (after, after_year): (&[CategoryMark], Option<i32>),
    step: &dyn Fn(Option<CategoryMark>) -> CategoryStep,
) {
    let resolved = |m: &CategoryMark, year: Option<i32>| CategoryMark { year: m.year.or(year), ..m.clone() };
    for mark in after {
        let now = resolved(mark, after_year);
        if before.iter().all(|b| resolved(b, before_year) != now) {
            steps.insert(mark.name.clone(), step(Some(mark.clone())));
        }
    }
    for mark in before.iter().filter(|b| after.iter().all(|a| a.name != b.name)) {
        steps.insert(mark.name.clone(), step(None));
    }
}

/// A category one side added and the other removed: the newer change (`kept`) decided it.
pub struct Lost {
    pub kept: CategoryStep,
    pub lost: CategoryStep,
    /// Ours was the newer change (ours: the side whose list the union starts from).
    pub ours_kept: bool,
    /// The list there would have been had the lost change won.
    pub lost_list: String,
}

pub struct Union {
    /// The united list, as the store writes categories.
    pub list: String,
    pub lost: Vec<Lost>,
}

/// Ours (`ours_list`, as stored) with each side's steps applied category by category. A category both sides
/// added (perhaps from two departments' lists) or both removed is one change, theirs taken when `they_win`
/// (the group's decision as for any field); only a category one side added and the other removed is a
/// conflict, decided by the newer of the two changes.
pub fn unite(
    ours_list: &str,
    theirs: &BTreeMap<String, CategoryStep>,
    ours: &BTreeMap<String, CategoryStep>,
    they_win: bool,
) -> Union {
    let mut held: BTreeMap<String, CategoryMark> =
        categories_from_text(ours_list).into_iter().map(|m| (m.name.clone(), m)).collect();
    let apply = |held: &mut BTreeMap<String, CategoryMark>, name: &String, step: &CategoryStep| match &step.mark {
        Some(mark) => {
            held.insert(name.clone(), mark.clone());
        }
        None => {
            held.remove(name);
        }
    };
    let text = |held: &BTreeMap<String, CategoryMark>| categories_to_text(&held.values().cloned().collect::<Vec<_>>());
    let mut decided = Vec::new();
    for (name, theirs_step) in theirs {
        match ours.get(name) {
            None => apply(&mut held, name, theirs_step),
            Some(ours_step) if ours_step.mark.is_some() == theirs_step.mark.is_some() => {
                if they_win {
                    apply(&mut held, name, theirs_step);
                }
            }
            Some(ours_step) => {
                let theirs_newer = instant::cmp(&theirs_step.at, &ours_step.at)
                    .then_with(|| theirs_step.origin.cmp(&ours_step.origin))
                    .is_gt();
                if theirs_newer {
                    apply(&mut held, name, theirs_step);
                }
                let (kept, lost) = if theirs_newer { (theirs_step, ours_step) } else { (ours_step, theirs_step) };
                decided.push((name, kept.clone(), lost.clone(), !theirs_newer));
            }
        }
    }
    let lost = decided
        .into_iter()
        .map(|(name, kept, lost, ours_kept)| {
            let mut other = held.clone();
            apply(&mut other, name, &lost);
            Lost { kept, lost, ours_kept, lost_list: text(&other) }
        })
        .collect();
    Union { list: text(&held), lost }
}
