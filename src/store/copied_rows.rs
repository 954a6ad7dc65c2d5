//! Which of a drive's audit rows a merge copied in from another laptop's file (`CopiedRows`): read by the merge
//! that weighs them, by a restore that tells the laptop's own changes it takes back from another's, and by the
//! readings of a drive's history.

use rusqlite::OptionalExtension;

use super::Result;

/// Which of a drive's audit rows a merge copied in from another laptop's file, kept in the drive's `meta`: the
/// rows after `merge_copies_from` (the log's end when the first merge that kept this record began) are the
/// laptop's own but for the runs `merge_copied:FIRST` = `LAST` each merge copied. A row written on a laptop
/// after its log held another's change came after that change, whatever the two clocks say; a copied row was
/// weighed by the merge that copied it, by instant. Rows from before the record (merges of an older canbao
/// left none) are all weighed by instant, as they always were.
#[derive(Debug, Clone, Default)]
pub(crate) struct CopiedRows {
    from: Option<i64>,
    runs: Vec<(i64, i64)>,
}

/// The meta key of where a drive's record of copied rows begins, and the prefix of each copied run's key.
pub(super) const COPIES_FROM: &str = "merge_copies_from";
pub(super) const COPIED_RUN: &str = "merge_copied:";

impl CopiedRows {
    /// The record of database `db` (`main`, or an attached file) on `conn`.
    pub(crate) fn read(conn: &rusqlite::Connection, db: &str) -> Result<CopiedRows> {
        let from: Option<String> = conn
            .query_row(&format!("SELECT value FROM {db}.meta WHERE key = ?1"), [COPIES_FROM], |r| r.get(0))
            .optional()?;
        let Some(from) = from.and_then(|f| f.parse::<i64>().ok()) else { return Ok(CopiedRows::default()) };
        let mut stmt = conn.prepare(&format!("SELECT key, value FROM {db}.meta WHERE key LIKE ?1"))?;
        let runs = stmt
            .query_map([format!("{COPIED_RUN}%")], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .filter_map(|(key, last)| Some((key.strip_prefix(COPIED_RUN)?.parse().ok()?, last.parse().ok()?)))
            .collect();
        Ok(CopiedRows { from: Some(from), runs })
    }

    /// Whether audit row `id` is known to be the laptop's own (not copied, and within the record).
    pub(crate) fn local(&self, id: i64) -> bool {
        self.from.is_some_and(|from| id > from) && !self.runs.iter().any(|&(first, last)| first <= id && id <= last)
    }

    /// The first row of the run a merge copied that holds row `id`, if one did.
    pub(crate) fn run_of(&self, id: i64) -> Option<i64> {
        self.runs.iter().find(|&&(first, last)| first <= id && id <= last).map(|&(first, _)| first)
    }

    /// The first and last rows of the first run copied after row `id` (see [`CopiedRows::run_after`]).
    pub(crate) fn run_span_after(&self, id: i64) -> Option<(i64, i64)> {
        self.runs.iter().filter(|&&(first, _)| first > id).min().copied()
    }

    /// The first row of the first run copied after row `id`: for a row a merge wrote itself, the rows that same
    /// merge copied (a merge writes its own rows, then copies the other file's).
    pub(crate) fn run_after(&self, id: i64) -> Option<i64> {
        self.runs.iter().map(|&(first, _)| first).filter(|&first| first > id).min()
    }
}
