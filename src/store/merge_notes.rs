//! What a merge says besides the pupils' values: the drive's policy of each insured year (the other file's
//! taken when this drive has none, ours kept and said when the two differ), whether the other file is of this
//! drive at all (its schools, a history in common), and which of its values replace ours because its own merge
//! already decided a conflict against ours.

use rusqlite::{OptionalExtension, Transaction, params};
use serde::Serialize;

use super::Result;

/// The policy of one insured year as the two files have it, when they do not agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyNote {
    /// The insured year (`None`: a drive without years).
    pub year: Option<i32>,
    /// This drive's policy of that year before the merge.
    pub ours: Option<String>,
    pub theirs: String,
    pub outcome: PolicyOutcome,
    /// For a policy both files keep a copy of under one name with different texts: the two copies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copies: Option<CopiesApart>,
}

/// One policy name, two texts: each file's copy of it, as the merge weighed them ([`PolicyOutcome::TheirCopyTaken`],
/// [`PolicyOutcome::OurCopyKept`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CopiesApart {
    /// When each copy was kept (`policy use`, `year new`; UTC), `None` for one kept by a canbao that did not say.
    pub ours_kept_at: Option<String>,
    pub theirs_kept_at: Option<String>,
    /// Each copy's 个人缴费标准 in yuan, `None` for a copy that no longer reads.
    pub ours_premium: Option<f64>,
    pub theirs_premium: Option<f64>,
    /// Neither copy was kept later than the other (both undated, or the same second): the one whose text sorts
    /// last was taken, the same on both laptops.
    pub tie: bool,
}

impl Eq for CopiesApart {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyOutcome {
    /// This drive had none: theirs is now this drive's (with the other file's copy of it, for a policy of
    /// its own making).
    Taken,
    /// Both have one and they differ: ours kept.
    KeptOurs,
    /// This drive had none, but theirs is neither bundled nor kept in the other file (chosen by a canbao that
    /// kept no copy): a name this laptop could not read, so not taken.
    NotReadable,
    /// Both keep a copy of the policy under one name, with different texts (one laptop edited its file and chose
    /// it again): theirs, kept later, replaced ours, as the other laptop's merge keeps it, so both quote alike.
    TheirCopyTaken,
    /// As `TheirCopyTaken`, but ours was kept later: ours stays, and the other laptop's merge takes it.
    OurCopyKept,
}

impl PolicyOutcome {
    /// Whether the note is of two texts under one name, which the merge counts among its conflicts.
    pub fn is_copy_conflict(self) -> bool {
        matches!(self, PolicyOutcome::TheirCopyTaken | PolicyOutcome::OurCopyKept)
    }
}

/// The meta key holding a file's policy of insured year `year`, the file being in `current`: the current
/// year's under `policy`, a closed year's under `policy_YEAR`. `None` for a year after the current one.
fn policy_key(year: Option<i32>, current: Option<i32>) -> Option<String> {
    match (year, current) {
        (y, c) if y == c => Some("policy".to_owned()),
        (Some(y), Some(c)) if y < c => Some(format!("policy_{y}")),
        _ => None,
    }
}

fn meta(tx: &Transaction, db: &str, key: &str) -> Result<Option<String>> {
    Ok(tx.query_row(&format!("SELECT value FROM {db}.meta WHERE key = ?1"), [key], |r| r.get(0)).optional()?)
}

/// The policies a file names, by insured year.
fn policies_of(tx: &Transaction, db: &str, current: Option<i32>) -> Result<Vec<(Option<i32>, String)>> {
    let mut out: Vec<(Option<i32>, String)> = Vec::new();
    if let Some(name) = meta(tx, db, "policy")? {
        out.push((current, name));
    }
    let mut stmt = tx.prepare(&format!("SELECT key, value FROM {db}.meta WHERE key LIKE 'policy\\_%' ESCAPE '\\'"))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (key, name) = row?;
        if let Some(year) = key.strip_prefix("policy_").and_then(|y| y.parse::<i32>().ok())
            && Some(year) != current
        {
            out.push((Some(year), name));
        }
    }
    out.sort();
    Ok(out)
}

/// Brings the other file's policy of each insured year this drive also has, when this drive has none for it,
/// with the other file's copy of a policy of its own making; two different policies are listed, ours kept.
/// A year after ours is left to our own `year new`.
pub(super) fn carry_policies(
    tx: &Transaction,
    our_current: Option<i32>,
    their_current: Option<i32>,
) -> Result<Vec<PolicyNote>> {
    let mut notes = Vec::new();
    for (year, theirs) in policies_of(tx, "other", their_current)? {
        let Some(key) = policy_key(year, our_current) else { continue };
        let ours = meta(tx, "main", &key)?;
        let copy_key = format!("policy_copy:{theirs}");
        // A copy we lack of a policy we share or take, so this laptop reads its amounts without the other's
        // config folder. Our own copy of the same name stays: two texts of it were settled by `settle_copies`.
        let copy = || -> Result<()> {
            tx.execute(
                "INSERT INTO main.meta(key, value) SELECT key, value FROM other.meta WHERE key IN (?1, ?2)
                 ON CONFLICT(key) DO NOTHING",
                [&copy_key, &super::policy_copy_at_key(&theirs)],
            )?;
            Ok(())
        };
        match ours {
            Some(o) if o == theirs => copy()?,
            Some(o) => {
                notes.push(PolicyNote { year, ours: Some(o), theirs, outcome: PolicyOutcome::KeptOurs, copies: None })
            }
            None => {
                let readable = crate::domain::policy::PolicySet::builtin().get(&theirs).is_some()
                    || meta(tx, "other", &copy_key)?.is_some()
                    || meta(tx, "main", &copy_key)?.is_some();
                if readable {
                    tx.execute(
                        "INSERT INTO main.meta(key, value) VALUES (?1, ?2)
                         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        params![key, theirs],
                    )?;
                    copy()?;
                }
                let outcome = if readable { PolicyOutcome::Taken } else { PolicyOutcome::NotReadable };
                notes.push(PolicyNote { year, ours: None, theirs, outcome, copies: None });
            }
        }
    }
    Ok(notes)
}

/// Settles each policy name both files keep a copy of with different texts: the copy kept later wins on both
/// laptops (ours stays, or theirs replaces it with when it was kept), so that after merging both ways the two
/// laptops quote, check and count by one text. Undated copies, or two of the same second, go by their texts, the
/// one sorting last winning: the same choice from either side. Each is a note, ours and theirs the name.
/// Run before [`carry_policies`], whose notes follow.
pub(super) fn settle_copies(tx: &Transaction, our_current: Option<i32>) -> Result<Vec<PolicyNote>> {
    let mut stmt = tx.prepare(
        "SELECT substr(o.key, 13), m.value, o.value FROM other.meta o JOIN main.meta m ON m.key = o.key
         WHERE substr(o.key, 1, 12) = 'policy_copy:' AND m.value <> o.value ORDER BY o.key",
    )?;
    let apart = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let ours_by_year = policies_of(tx, "main", our_current)?;
    let mut notes = Vec::new();
    for (name, ours_text, theirs_text) in apart {
        let at_key = super::policy_copy_at_key(&name);
        let (ours_at, theirs_at) = (meta(tx, "main", &at_key)?, meta(tx, "other", &at_key)?);
        let by_time = super::instant::cmp(ours_at.as_deref().unwrap_or(""), theirs_at.as_deref().unwrap_or(""));
        let tie = by_time.is_eq();
        let theirs_win = by_time.then_with(|| ours_text.cmp(&theirs_text)).is_lt();
        if theirs_win {
            for (key, value) in [(format!("policy_copy:{name}"), Some(&theirs_text)), (at_key, theirs_at.as_ref())] {
                match value {
                    Some(v) => tx.execute(
                        "INSERT INTO main.meta(key, value) VALUES (?1, ?2)
                         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        params![key, v],
                    )?,
                    None => tx.execute("DELETE FROM main.meta WHERE key = ?1", [key])?,
                };
            }
        }
        let premium = |text: &str| {
            crate::domain::policy::Policy::from_toml(&name, text, super::KEPT_POLICY_SOURCE)
                .ok()
                .map(|p| crate::domain::money::as_number(p.personal_premium_fen))
        };
        let copies = CopiesApart {
            ours_premium: premium(&ours_text),
            theirs_premium: premium(&theirs_text),
            ours_kept_at: ours_at,
            theirs_kept_at: theirs_at,
            tie,
        };
        // The latest year naming it: the copy of the name is what the current year goes by, a closed year keeping
        // its own before it changes.
        let year = ours_by_year
            .iter()
            .rev()
            .find(|(_, n)| *n == name)
            .map(|(y, _)| *y)
            .unwrap_or_else(|| super::schema::policy_year(&name));
        let outcome = if theirs_win { PolicyOutcome::TheirCopyTaken } else { PolicyOutcome::OurCopyKept };
        notes.push(PolicyNote { year, ours: Some(name.clone()), theirs: name, outcome, copies: Some(copies) });
    }
    Ok(notes)
}

/// Settles the text each closed year both files have, under the same policy, went by: a year's own copy
/// (`schema::YEAR_POLICY_COPY`), else the copy of its policy's name. This drive takes the other file's where it
/// has none; two texts are a conflict, each a note, settled by their texts (the one sorting last), the same
/// from either side, and kept as the year's own so that both laptops' closed year quote alike. Run after
/// [`settle_copies`] (which keeps, by the trigger, the text a closed year had before its name's copy changed)
/// and [`carry_policies`] (which gives this drive the other's policy of a year it had none for).
pub(super) fn carry_year_copies(
    tx: &Transaction,
    our_current: Option<i32>,
    their_current: Option<i32>,
) -> Result<Vec<PolicyNote>> {
    let (Some(ours_now), Some(theirs_now)) = (our_current, their_current) else { return Ok(Vec::new()) };
    let closed = ours_now.min(theirs_now);
    let text_of = |db: &str, year: i32, name: &str| -> Result<Option<String>> {
        let own = meta(tx, db, &format!("{}{year}", super::schema::YEAR_POLICY_COPY))?;
        Ok(match own {
            Some(text) => Some(text),
            None => meta(tx, db, &format!("policy_copy:{name}"))?,
        })
    };
    let mut notes = Vec::new();
    for (year, name) in policies_of(tx, "main", our_current)? {
        let Some(year) = year.filter(|&y| y < closed) else { continue };
        if meta(tx, "other", &format!("policy_{year}"))?.as_deref() != Some(name.as_str()) {
            continue;
        }
        let (ours, theirs) = (text_of("main", year, &name)?, text_of("other", year, &name)?);
        let Some(theirs) = theirs else { continue };
        let key = format!("{}{year}", super::schema::YEAR_POLICY_COPY);
        let keep = |text: &str| {
            tx.execute(
                "INSERT INTO main.meta(key, value) VALUES (?1, ?2)
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![key, text],
            )
        };
        let Some(ours) = ours else {
            keep(&theirs)?;
            continue;
        };
        if ours == theirs {
            continue;
        }
        let theirs_win = ours < theirs;
        keep(if theirs_win { &theirs } else { &ours })?;
        let premium = |text: &str| {
            crate::domain::policy::Policy::from_toml(&name, text, super::KEPT_POLICY_SOURCE)
                .ok()
                .map(|p| crate::domain::money::as_number(p.personal_premium_fen))
        };
        let copies = CopiesApart {
            ours_kept_at: None,
            theirs_kept_at: None,
            ours_premium: premium(&ours),
            theirs_premium: premium(&theirs),
            tie: true,
        };
        let outcome = if theirs_win { PolicyOutcome::TheirCopyTaken } else { PolicyOutcome::OurCopyKept };
        notes.push(PolicyNote {
            year: Some(year),
            ours: Some(name.clone()),
            theirs: name,
            outcome,
            copies: Some(copies),
        });
    }
    Ok(notes)
}

/// The schools of the other file's pupils that none of ours is in (nothing when this drive has no pupils yet:
/// a merge into an empty drive takes the other whole). Read before the merge adds any of their pupils.
pub(super) fn other_schools(tx: &Transaction) -> Result<Vec<String>> {
    let mut stmt = tx.prepare(
        "SELECT sc.name FROM other.schools sc
         WHERE EXISTS (SELECT 1 FROM other.students s WHERE s.school_id = sc.id)
           AND EXISTS (SELECT 1 FROM main.students)
           AND sc.name NOT IN (SELECT m.name FROM main.schools m
                               WHERE EXISTS (SELECT 1 FROM main.students s WHERE s.school_id = m.id))
         ORDER BY sc.id",
    )?;
    Ok(stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?)
}

/// A school of the other file that none of our pupils is in, whose pupils are ours by the rows that created
/// them: the same drive with the school renamed on one copy (`canbao school rename`), not another school.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenamedSchool {
    pub name: String,
    /// Their pupils in it whose creation row this drive holds too.
    pub pupils: usize,
    /// This drive renamed its pupils away from the name: the other file still uses the old name. Else the
    /// other file renamed them to it.
    pub older: bool,
}

/// Takes out of `others` (see [`other_schools`]) the schools whose pupils share their creation rows with ours,
/// and returns them. Read once `temp.merge_their_new` holds their rows we lack.
pub(super) fn renamed_schools(tx: &Transaction, others: &mut Vec<String>) -> Result<Vec<RenamedSchool>> {
    let mut shared = tx.prepare(
        "SELECT count(DISTINCT s.id) FROM other.students s JOIN other.schools sc ON sc.id = s.school_id
         JOIN other.audit a ON a.student_id = s.id AND a.field = 'created'
         WHERE sc.name = ?1 AND a.id NOT IN (SELECT id FROM temp.merge_their_new)",
    )?;
    let mut renamed_here =
        tx.prepare("SELECT EXISTS (SELECT 1 FROM main.audit WHERE field = 'school' AND old = ?1)")?;
    let mut renamed = Vec::new();
    let mut still = Vec::new();
    for name in others.drain(..) {
        let pupils: i64 = shared.query_row([&name], |r| r.get(0))?;
        if pupils == 0 {
            still.push(name);
            continue;
        }
        let older: bool = renamed_here.query_row([&name], |r| r.get(0))?;
        renamed.push(RenamedSchool { name, pupils: usize::try_from(pupils).unwrap_or_default(), older });
    }
    *others = still;
    Ok(renamed)
}

/// Whether the two files hold a change in common (one began as a copy of the other, or they were merged
/// before), or this drive holds nothing yet (no pupil, no change): a new drive on a second laptop taking a copy
/// of the first laptop's by a merge, as a drive is handed to a second laptop, has no history to share and takes
/// the copy whole, which is no sign of a wrong file; said so, the very first merge of a copy read as a file of
/// another drive. Read once `temp.merge_their_new` holds their rows we lack. Two empty logs share nothing.
pub(super) fn shares_history(tx: &Transaction) -> Result<bool> {
    Ok(tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM other.audit a WHERE a.id NOT IN (SELECT id FROM temp.merge_their_new))
             OR (EXISTS (SELECT 1 FROM other.audit)
                 AND NOT EXISTS (SELECT 1 FROM main.audit) AND NOT EXISTS (SELECT 1 FROM main.students))",
        [],
        |r| r.get(0),
    )?)
}

/// How far past this laptop's clock a change of the other file may be stamped before the merge says the clocks may
/// be wrong: two laptops' clocks set by hand differ by a minute or two, and no file comes from the future.
pub const CLOCK_AHEAD_MINUTES: i64 = 10;

/// The other file's newest change this drive lacks, stamped later than this laptop's clock by more than
/// `CLOCK_AHEAD_MINUTES`: one of the two clocks is wrong (the other laptop's fast, or this one's slow), and a merge,
/// which goes by when changes were made, would let that laptop's changes win over ones made after them here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockAhead {
    /// The stamp of that change (UTC, as the history holds it).
    pub newest: String,
    /// This laptop's clock when it merged.
    pub now: String,
    /// How far ahead, in whole minutes.
    pub minutes: i64,
}

/// Their rows we lack (`temp.merge_their_new`) against this laptop's clock `now`: said when the newest is ahead
/// (`ClockAhead`). Only rows new to us: a stamp already merged was said then, and changes nothing now.
pub(super) fn their_clock_ahead(tx: &Transaction, now: &str) -> Result<Option<ClockAhead>> {
    let Some(clock) = super::instant::parse(now) else { return Ok(None) };
    let mut stmt = tx.prepare("SELECT a.at FROM temp.merge_their_new n JOIN other.audit a ON a.id = n.id")?;
    let mut rows = stmt.query([])?;
    let mut newest: Option<(chrono::DateTime<chrono::Utc>, String)> = None;
    while let Some(row) = rows.next()? {
        let at: String = row.get(0)?;
        if let Some(t) = super::instant::parse(&at)
            && newest.as_ref().is_none_or(|(n, _)| t > *n)
        {
            newest = Some((t, at));
        }
    }
    Ok(newest.and_then(|(t, at)| {
        let minutes = (t - clock).num_minutes();
        (minutes > CLOCK_AHEAD_MINUTES).then(|| ClockAhead { newest: at, now: now.to_owned(), minutes })
    }))
}

/// This drive's newest change of its own (a row no merge copied in: one copied was said by the merge that
/// copied it) stamped later than this laptop's clock `now` by more than `CLOCK_AHEAD_MINUTES`: this clock was set
/// back since (or was fast then), and a merge, which goes by when changes were made, would let those changes win
/// over the other laptop's made after them, and this laptop's next changes lose to its own older ones. Said as
/// `ClockAhead`, `newest` being this drive's change.
pub(super) fn our_clock_behind(
    tx: &Transaction,
    now: &str,
    copied: &super::copied_rows::CopiedRows,
) -> Result<Option<ClockAhead>> {
    let Some(clock) = super::instant::parse(now) else { return Ok(None) };
    // A stamp later than that, written in UTC or with any zone's offset, is of this day or later (the day of the
    // clock less 14 hours, the farthest offset): only such rows are read.
    let floor = (clock - chrono::Duration::hours(14)).format("%Y-%m-%d").to_string();
    let mut stmt = tx.prepare("SELECT id, at FROM main.audit WHERE substr(at, 1, 10) >= ?1")?;
    let mut rows = stmt.query([floor])?;
    let mut newest: Option<(chrono::DateTime<chrono::Utc>, String)> = None;
    while let Some(row) = rows.next()? {
        let (id, at): (i64, String) = (row.get(0)?, row.get(1)?);
        if copied.run_of(id).is_some() {
            continue;
        }
        if let Some(t) = super::instant::parse(&at)
            && newest.as_ref().is_none_or(|(n, _)| t > *n)
        {
            newest = Some((t, at));
        }
    }
    Ok(newest.and_then(|(t, at)| {
        let minutes = (t - clock).num_minutes();
        (minutes > CLOCK_AHEAD_MINUTES).then(|| ClockAhead { newest: at, now: now.to_owned(), minutes })
    }))
}

/// Whether the other file's own merge already weighed our value of field `key` for their pupil `their_id`
/// against theirs and kept theirs: it recorded ours as lost (`KEY:conflict_lost`, old = ours, new = theirs),
/// in a row we lack. Its operator was told; ours is told now, as the value is replaced here.
pub(super) fn lost_there(
    tx: &Transaction,
    their_id: i64,
    key: &str,
    ours: Option<&str>,
    theirs: Option<&str>,
) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM other.audit a JOIN temp.merge_their_new n ON n.id = a.id
             WHERE a.student_id = ?1 AND a.field = ?2 AND a.old IS ?3 AND a.new IS ?4)",
        )?
        .query_row(params![their_id, format!("{key}:conflict_lost"), ours, theirs], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::domain::id_number;
    use crate::store::{Incoming, Store};

    fn valid(first17: &str) -> String {
        format!("{first17}{}", id_number::check_char(first17.as_bytes()))
    }

    fn pupil(school: &str, name: &str, id: &str) -> Incoming {
        Incoming::for_test(school, name, id)
    }

    fn ids() -> Vec<String> {
        vec![valid("45020220150101121"), valid("45020220150101131")]
    }

    fn drive(path: &Path, school: &str, operator: &str, at: &str) -> Store {
        let mut s = Store::open(path).unwrap();
        s.set_fixed_clock(at);
        s.set_operator(operator).unwrap();
        let rows: Vec<Incoming> =
            ids().iter().enumerate().map(|(i, id)| pupil(school, &format!("学生{i}"), id)).collect();
        s.apply_import(&rows, &[], 0, false).unwrap();
        s
    }

    /// Laptop A's drive and B's copy of it.
    fn copies(dir: &Path) -> (Store, Store) {
        let a = drive(&dir.join("a.db"), "测试小学", "甲", "2026-11-23T09:00:00+08:00");
        let b_path = dir.join("b.db");
        a.backup_to(&b_path).unwrap();
        let mut b = Store::open(&b_path).unwrap();
        b.set_operator("乙").unwrap();
        (a, b)
    }

    const CUSTOM: &str = "liuzhou-2027";

    fn custom_text() -> String {
        crate::domain::policy::builtin_text("liuzhou-2023").unwrap().to_owned()
    }

    #[test]
    fn a_policy_this_drive_lacks_is_taken_with_its_copy_and_said_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, b) = copies(dir.path());
        a.set_meta("policy", CUSTOM).unwrap();
        a.keep_policy_text(CUSTOM, &custom_text()).unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop(b);
        let b2 = dir.path().join("b2.db");
        std::fs::copy(&b_path, &b2).unwrap();

        // B (no policy) merges A: takes A's policy and A's copy of it.
        let mut b = Store::open(&b_path).unwrap();
        let report = b.merge_from(&a_path, false).unwrap();
        let year = b.current_year();
        assert_eq!(
            report.policies,
            [PolicyNote { year, ours: None, theirs: CUSTOM.into(), outcome: PolicyOutcome::Taken, copies: None }]
        );
        assert_eq!(b.meta("policy").unwrap().as_deref(), Some(CUSTOM));
        assert!(b.kept_policy(CUSTOM).is_some(), "the drive's copy came along: another laptop can read it");
        // Again: nothing new to say.
        assert!(b.merge_from(&a_path, false).unwrap().policies.is_empty());

        // A merges B's file (no policy): A keeps its own, nothing to say.
        let report = a.merge_from(&b2, false).unwrap();
        assert!(report.policies.is_empty(), "{:?}", report.policies);
        assert_eq!(a.meta("policy").unwrap().as_deref(), Some(CUSTOM));
    }

    /// B's clock runs three hours fast: its note, made before A's by the hour, is stamped after it and wins. A's
    /// merge says how far ahead B's newest change is; a few minutes apart, as two clocks set by hand are, it says
    /// nothing, and a file merged already says nothing again.
    #[test]
    fn a_change_stamped_hours_ahead_of_this_laptops_clock_is_said() {
        for (b_clock, ahead) in [("2026-11-23T13:05:00+08:00", Some(185)), ("2026-11-23T10:09:00+08:00", None)] {
            let dir = tempfile::tempdir().unwrap();
            let (mut a, mut b) = copies(dir.path());
            b.set_fixed_clock(b_clock);
            let p = b.student_by_id_number(&ids()[0]).unwrap().unwrap().id;
            b.set_note(p, "乙的备注").unwrap();
            let b_path = b.path().unwrap().to_owned();
            drop(b);
            a.set_fixed_clock("2026-11-23T10:00:00+08:00");
            let report = a.merge_from(&b_path, false).unwrap();
            assert_eq!(report.their_clock_ahead.as_ref().map(|c| c.minutes), ahead, "{b_clock}: {report:?}");
            if let Some(c) = &report.their_clock_ahead {
                assert_eq!((c.newest.as_str(), c.now.as_str()), ("2026-11-23T05:05:00Z", "2026-11-23T02:00:00Z"));
            }
            assert_eq!(a.merge_from(&b_path, false).unwrap().their_clock_ahead, None, "{b_clock}: merged already");
        }
    }

    #[test]
    fn two_different_policies_keep_ours_and_say_so_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b) = copies(dir.path());
        a.set_meta("policy", "liuzhou-2023").unwrap();
        b.set_meta("policy", "yibin-2024").unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        let report = a.merge_from(&b_path, true).unwrap();
        let year = a.current_year();
        let note = |ours: &str, theirs: &str| PolicyNote {
            year,
            ours: Some(ours.into()),
            theirs: theirs.into(),
            outcome: PolicyOutcome::KeptOurs,
            copies: None,
        };
        assert_eq!(report.policies, [note("liuzhou-2023", "yibin-2024")]);
        assert_eq!(b.merge_from(&a_path, false).unwrap().policies, [note("yibin-2024", "liuzhou-2023")]);
        assert_eq!(b.meta("policy").unwrap().as_deref(), Some("yibin-2024"));
    }

    /// One policy name kept with two texts on two laptops: each merge says it, and both end with the copy kept
    /// later, with its time; two copies of one second go by their texts, the same one from either side.
    #[test]
    fn two_texts_of_one_policy_settle_on_the_same_one_from_either_side() {
        let (early, late) = ("2026-11-23T10:00:00+08:00", "2026-11-23T10:05:00+08:00");
        for (a_clock, b_clock) in [(early, late), (late, early), (early, early)] {
            let dir = tempfile::tempdir().unwrap();
            let (mut a, mut b) = copies(dir.path());
            let (a_text, b_text) = (format!("{}\n# 甲\n", custom_text()), format!("{}\n# 乙\n", custom_text()));
            for (s, clock, text) in [(&mut a, a_clock, &a_text), (&mut b, b_clock, &b_text)] {
                s.set_fixed_clock(clock);
                s.set_meta("policy", CUSTOM).unwrap();
                s.keep_policy_text(CUSTOM, text).unwrap();
            }
            let (a_was, b_was) = (dir.path().join("a0.db"), dir.path().join("b0.db"));
            a.backup_to(&a_was).unwrap();
            b.backup_to(&b_was).unwrap();
            let (a_notes, b_notes) =
                (a.merge_from(&b_was, false).unwrap().policies, b.merge_from(&a_was, false).unwrap().policies);
            let b_wins = match a_clock.cmp(b_clock) {
                std::cmp::Ordering::Equal => b_text > a_text,
                later => later.is_lt(),
            };
            let (text, at) = if b_wins { (&b_text, b_clock) } else { (&a_text, a_clock) };
            for s in [&a, &b] {
                assert_eq!(s.kept_policy_text(CUSTOM).as_ref(), Some(text), "{a_clock} {b_clock}");
                let kept_at = s.kept_policy_at(CUSTOM).unwrap();
                assert!(crate::store::instant::cmp(&kept_at, at).is_eq(), "{kept_at} {at}");
            }
            let outcomes = (a_notes[0].outcome, b_notes[0].outcome);
            let expected = if b_wins {
                (PolicyOutcome::TheirCopyTaken, PolicyOutcome::OurCopyKept)
            } else {
                (PolicyOutcome::OurCopyKept, PolicyOutcome::TheirCopyTaken)
            };
            assert_eq!(outcomes, expected, "{a_clock} {b_clock}");
            assert_eq!((a_notes.len(), b_notes.len()), (1, 1), "{a_notes:?}");
            assert_eq!(a_notes[0].copies.as_ref().map(|c| c.tie), Some(a_clock == b_clock));
            assert_eq!(a_notes[0].year, a.current_year());
        }
    }

    /// Both laptops closed a year under one policy name with two texts of it (never merged since): merged either
    /// way, each says the closed year's conflict, and both end with one text for that year, the same from either
    /// side; the current year's copy settles as before. Before, A's closed year kept its own text and B's took
    /// the name's, so the two laptops quoted that year apart.
    #[test]
    fn a_closed_year_s_two_texts_settle_on_the_same_one_from_either_side() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b) = copies(dir.path());
        let (a_text, b_text) = (format!("{}\n# 甲\n", custom_text()), format!("{}\n# 乙\n", custom_text()));
        let closed = a.current_year().unwrap();
        for (s, clock, text) in
            [(&mut a, "2026-11-23T10:00:00+08:00", &a_text), (&mut b, "2026-11-23T10:05:00+08:00", &b_text)]
        {
            s.set_fixed_clock(clock);
            s.set_meta("policy", CUSTOM).unwrap();
            s.keep_policy_text(CUSTOM, text).unwrap();
            s.start_year(closed + 1, false, None, false).unwrap();
        }
        let (a_was, b_was) = (dir.path().join("a0.db"), dir.path().join("b0.db"));
        a.backup_to(&a_was).unwrap();
        b.backup_to(&b_was).unwrap();
        let (a_notes, b_notes) =
            (a.merge_from(&b_was, false).unwrap().policies, b.merge_from(&a_was, false).unwrap().policies);
        let of_closed = |notes: &[PolicyNote]| {
            notes.iter().filter(|n| n.year == Some(closed)).map(|n| n.outcome).collect::<Vec<_>>()
        };
        let (taken, kept) = (PolicyOutcome::TheirCopyTaken, PolicyOutcome::OurCopyKept);
        let b_sorts_last = b_text > a_text;
        let expected = if b_sorts_last { (vec![taken], vec![kept]) } else { (vec![kept], vec![taken]) };
        assert_eq!((of_closed(&a_notes), of_closed(&b_notes)), expected, "{a_notes:?} {b_notes:?}");
        let text_then = |s: &mut Store| {
            s.view_year(closed).unwrap();
            let text = s.kept_policy_text(CUSTOM);
            s.view_current_year().unwrap();
            text
        };
        let then = if b_sorts_last { &b_text } else { &a_text };
        assert_eq!((text_then(&mut a).as_ref(), text_then(&mut b).as_ref()), (Some(then), Some(then)));
        // The current year's copy: B's, kept later, on both.
        assert_eq!((a.kept_policy_text(CUSTOM), b.kept_policy_text(CUSTOM)), (Some(b_text.clone()), Some(b_text)));
        // Merged again: nothing left to settle.
        let b_path = b.path().unwrap().to_owned();
        let again = a.merge_from(&b_path, false).unwrap().policies;
        assert!(again.is_empty(), "{again:?}");
    }

    #[test]
    fn a_policy_of_its_own_making_without_a_copy_is_not_taken() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b) = copies(dir.path());
        a.set_meta("policy", CUSTOM).unwrap();
        let a_path = a.path().unwrap().to_owned();
        drop(a);
        let report = b.merge_from(&a_path, false).unwrap();
        assert_eq!(report.policies[0].outcome, PolicyOutcome::NotReadable);
        assert_eq!(b.meta("policy").unwrap(), None, "a name this laptop cannot read is not made the drive's");
    }

    #[test]
    fn another_schools_file_is_said_and_refused_unless_confirmed() {
        let dir = tempfile::tempdir().unwrap();
        let mut ours = drive(&dir.path().join("a.db"), "柳州市示范小学", "甲", "2026-11-23T09:00:00+08:00");
        let theirs = drive(&dir.path().join("o.db"), "柳州市第二小学", "丙", "2026-11-23T09:30:00+08:00");
        let other = theirs.path().unwrap().to_owned();
        drop(theirs);
        let before = ours.students(&Default::default()).unwrap();

        let preview = ours.merge_from_checked(&other, true, false).unwrap();
        assert_eq!(preview.other_schools, ["柳州市第二小学"]);
        assert!(!preview.shared_history);
        let refused = ours.merge_from_checked(&other, false, false).unwrap_err();
        assert!(refused.to_string().contains("柳州市第二小学"), "{refused}");
        assert!(refused.to_string().contains("--other-school"), "{refused}");
        assert_eq!(ours.students(&Default::default()).unwrap(), before, "nothing changed");
        let done = ours.merge_from_checked(&other, false, true).unwrap();
        assert_eq!(done.other_schools, ["柳州市第二小学"]);

        // Copies of one drive: nothing to say.
        let (mut a, b) = copies(&dir.path().join("c"));
        let b_path = b.path().unwrap().to_owned();
        drop(b);
        let report = a.merge_from_checked(&b_path, false, false).unwrap();
        assert!(report.other_schools.is_empty() && report.shared_history, "{report:?}");
    }

    /// A copy of a drive handed to a second laptop, brought in there by a merge into a new drive (no pupil, no
    /// change yet), is the first laptop's drive taken whole: no warning of files that share no history, and
    /// the two then share it. Two drives of their own still do not.
    #[test]
    fn a_copy_merged_into_a_new_drive_is_not_said_to_share_no_history() {
        let dir = tempfile::tempdir().unwrap();
        let (a, copy) = copies(dir.path());
        let copy_path = copy.path().unwrap().to_owned();
        drop(copy);
        let mut second = Store::open(&dir.path().join("second.db")).unwrap();
        second.set_operator("乙").unwrap();
        let preview = second.merge_from_checked(&copy_path, true, false).unwrap();
        let report = second.merge_from_checked(&copy_path, false, false).unwrap();
        for r in [&preview, &report] {
            assert!(r.shared_history && r.other_schools.is_empty(), "nothing to warn of: {r:?}");
        }
        assert_eq!(report.added, 2);
        let a_path = a.path().unwrap().to_owned();
        drop(a);
        assert!(second.merge_from_checked(&a_path, false, false).unwrap().shared_history, "shared since");
        let own = drive(&dir.path().join("own.db"), "测试小学", "丙", "2026-11-23T09:30:00+08:00");
        let own_path = own.path().unwrap().to_owned();
        drop(own);
        let mut first = Store::open(&a_path).unwrap();
        assert!(!first.merge_from_checked(&own_path, true, false).unwrap().shared_history, "a drive of its own");
    }

    /// A backup taken before the first import holds no pupil and no change: said so, not as a file that shares
    /// no history with this drive.
    #[test]
    fn a_file_with_no_pupils_is_said_to_hold_none() {
        let dir = tempfile::tempdir().unwrap();
        let empty_path = dir.path().join("empty.db");
        let mut empty = Store::open(&empty_path).unwrap();
        empty.set_operator("甲").unwrap();
        drop(empty);
        let mut ours = drive(&dir.path().join("a.db"), "测试小学", "甲", "2026-11-23T09:00:00+08:00");
        let report = ours.merge_from_checked(&empty_path, false, false).unwrap();
        assert!(report.other_has_no_pupils && !report.shared_history, "{report:?}");
        let a_path = ours.path().unwrap().to_owned();
        drop(ours);
        let mut own = drive(&dir.path().join("own.db"), "测试小学", "丙", "2026-11-23T09:30:00+08:00");
        assert!(!own.merge_from_checked(&a_path, true, false).unwrap().other_has_no_pupils);
    }

    #[test]
    fn an_older_copy_after_a_school_rename_is_the_same_drive_in_either_direction() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, b) = copies(dir.path());
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        a.rename_school("测试小学", "测试小学本部").unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop(b);
        // The renamed copy merges the older one: it still uses the old name, its pupils are ours.
        let older = a.merge_from_checked(&b_path, true, false).unwrap();
        assert!(older.other_schools.is_empty(), "{older:?}");
        assert_eq!(older.renamed_schools, [RenamedSchool { name: "测试小学".into(), pupils: 2, older: true }]);
        drop(a);
        // The older copy merges the renamed one: the other file has renamed the school.
        let mut b = Store::open(&b_path).unwrap();
        let newer = b.merge_from_checked(&a_path, true, false).unwrap();
        assert!(newer.other_schools.is_empty(), "{newer:?}");
        assert_eq!(newer.renamed_schools, [RenamedSchool { name: "测试小学本部".into(), pupils: 2, older: false }]);
    }

    #[test]
    fn a_value_the_other_laptops_merge_decided_against_ours_is_listed() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b) = copies(dir.path());
        let id = ids()[0].clone();
        let pupil = |s: &Store| s.student_by_id_number(&id).unwrap().unwrap().id;
        a.set_fixed_clock("2026-11-23T10:00:00+08:00");
        let p = pupil(&a);
        a.set_note(p, "甲写的").unwrap();
        b.set_fixed_clock("2026-11-23T10:00:05+08:00");
        let p = pupil(&b);
        b.set_note(p, "乙写的").unwrap();
        let (a_path, b_path) = (a.path().unwrap().to_owned(), b.path().unwrap().to_owned());
        drop(a);
        let first = b.merge_from(&a_path, false).unwrap();
        assert_eq!(first.conflicts.len(), 1, "{first:?}");
        drop(b);

        let mut a = Store::open(&a_path).unwrap();
        let report = a.merge_from(&b_path, false).unwrap();
        assert!(report.conflicts.is_empty(), "{report:?}");
        assert_eq!(report.decided_there.len(), 1, "{report:?}");
        let c = &report.decided_there[0];
        assert_eq!((c.field.as_str(), c.kept.as_deref(), c.lost.as_deref()), ("note", Some("乙写的"), Some("甲写的")));
        // Told once: a second merge of the same file says nothing more.
        assert!(a.merge_from(&b_path, false).unwrap().decided_there.is_empty());
    }

    #[test]
    fn a_merged_history_reads_by_instant_with_seconds_where_a_minute_is_shared() {
        let dir = tempfile::tempdir().unwrap();
        let (mut a, mut b) = copies(dir.path());
        let id = ids()[0].clone();
        let pupil = |s: &Store| s.student_by_id_number(&id).unwrap().unwrap().id;
        // B's clock in UTC, A's in Beijing time: B's note is the later by instant, A's by text.
        b.set_fixed_clock("2026-11-23T02:00:20Z");
        let p = pupil(&b);
        b.set_note(p, "乙写的").unwrap();
        a.set_fixed_clock("2026-11-23T10:00:10+08:00");
        let p = pupil(&a);
        a.set_note(p, "甲写的").unwrap();
        let b_path = b.path().unwrap().to_owned();
        drop(b);
        a.set_fixed_clock("2026-11-23T10:30:00+08:00");
        a.merge_from(&b_path, false).unwrap();
        let history = a.history(p).unwrap();
        let ats: Vec<&str> = history.iter().map(|e| e.at.as_str()).collect();
        let mut sorted = ats.clone();
        sorted.sort_by(|x, y| crate::store::instant::cmp(x, y));
        assert_eq!(ats, sorted, "oldest first by instant, whatever the log order");
        let notes: Vec<(&str, &str)> = history
            .iter()
            .filter(|e| e.field == "note" && e.action != "merge")
            .map(|e| (e.operator.as_str(), e.shown_at.as_str()))
            .collect();
        let beijing = chrono::FixedOffset::east_opt(8 * 3600).unwrap();
        let shown = |at: &str| crate::store::instant::seconds_at(at, beijing);
        if a.display_offset() == beijing {
            assert_eq!(notes, [("甲", shown("2026-11-23T02:00:10Z").as_str()), ("乙", &shown("2026-11-23T02:00:20Z"))]);
        }
        assert!(notes.iter().all(|(_, at)| at.len() == "2026-11-23 10:00:10".len()), "{notes:?}");
        let lone = history.iter().find(|e| e.action == "merge").unwrap();
        assert_eq!(lone.shown_at.len(), "2026-11-23 10:30".len(), "a minute of its own shows no seconds");
    }
}
