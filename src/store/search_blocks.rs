//! Search keys (查找索引), 64 pupils to a row. A search of half a million pupils then steps through about
//! eight thousand rows of contiguous text and can skip a whole block with one `memmem`, instead of paying
//! SQLite's per-row cost half a million times.
//!
//! A block's text is records `id␟key` separated by ␞ (U+001E), in id order; `key` is
//! `domain::search::pack_key`, whose own fields are separated by ␟ (U+001F).

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use crate::domain::search::SEP;

const SHIFT: u32 = 6;
const RECORD_END: char = '\u{1e}';

pub(crate) fn block_of(student_id: i64) -> i64 {
    student_id >> SHIFT
}

/// The records of one block: (student id, packed key).
pub(crate) fn records(block: &str) -> impl Iterator<Item = (i64, &str)> {
    block.split(RECORD_END).filter_map(|record| {
        let (id, key) = record.split_once(SEP)?;
        Some((id.parse().ok()?, key))
    })
}

/// `records` of a block read as bytes, as a search reads them: the keys are matched byte by byte, so the
/// block's text need not be checked for UTF-8 first (a search of 20k pupils spent a quarter of its time so). A
/// record whose id is no number is passed over, as `records` does.
pub(crate) fn records_bytes(block: &[u8]) -> impl Iterator<Item = (i64, &[u8])> {
    block.split(|&b| b == RECORD_END as u8).filter_map(|record| {
        let at = record.iter().position(|&b| b == SEP as u8)?;
        let id = std::str::from_utf8(&record[..at]).ok()?.parse().ok()?;
        Some((id, &record[at + 1..]))
    })
}

/// Writes the keys of many pupils, each block read and written once: an import of 100k pupils touches
/// 1,600 rows here instead of 100k.
pub(crate) fn put_many(conn: &Connection, keys: impl IntoIterator<Item = (i64, String)>) -> Result<()> {
    let mut by_block: BTreeMap<i64, BTreeMap<i64, String>> = BTreeMap::new();
    for (id, key) in keys {
        by_block.entry(block_of(id)).or_default().insert(id, key);
    }
    let mut read = conn.prepare_cached("SELECT keys FROM search_blocks WHERE block = ?1")?;
    let mut write = conn.prepare_cached(
        "INSERT INTO search_blocks(block, keys) VALUES (?1, ?2)
         ON CONFLICT(block) DO UPDATE SET keys = excluded.keys",
    )?;
    for (block, fresh) in by_block {
        let existing: Option<String> = read.query_row([block], |r| r.get(0)).optional()?;
        let text = match existing {
            None => join(fresh.iter().map(|(id, key)| (*id, key.as_str()))),
            Some(old) => {
                let mut merged: BTreeMap<i64, &str> = records(&old).collect();
                for (id, key) in &fresh {
                    merged.insert(*id, key);
                }
                join(merged.into_iter())
            }
        };
        write.execute(params![block, text])?;
    }
    Ok(())
}

/// Starts the record of pupil `id` at the end of `text`, the records of one block in id order: the key is
/// written after it (`domain::search::push_key`). An import writes its added pupils' keys this way, with no
/// string or map entry per pupil, and hands the text to `put_block`.
pub(crate) fn start_record(text: &mut String, id: i64) {
    use std::fmt::Write as _;
    if !text.is_empty() {
        text.push(RECORD_END);
    }
    let _ = write!(text, "{id}");
    text.push(SEP);
}

/// Writes `records` (as `start_record` wrote them, ids ascending, all in `block`) into that block: as
/// `put_many` would have with the same keys.
pub(crate) fn put_block(conn: &Connection, block: i64, records: &str) -> Result<()> {
    let existing: Option<String> = conn
        .prepare_cached("SELECT keys FROM search_blocks WHERE block = ?1")?
        .query_row([block], |r| r.get(0))
        .optional()?;
    let mut write = conn.prepare_cached(
        "INSERT INTO search_blocks(block, keys) VALUES (?1, ?2)
         ON CONFLICT(block) DO UPDATE SET keys = excluded.keys",
    )?;
    match existing {
        None => write.execute(params![block, records])?,
        Some(old) => {
            let mut merged: BTreeMap<i64, &str> = self::records(&old).collect();
            merged.extend(self::records(records));
            write.execute(params![block, join(merged.into_iter())])?
        }
    };
    Ok(())
}

/// Writes one pupil's key (a mark that renamed or moved a pupil).
pub(crate) fn put(conn: &Connection, student_id: i64, key: String) -> Result<()> {
    put_many(conn, [(student_id, key)])
}

/// Every pupil's search key, for a process that holds the whole roster (the TUI): the blocks' text in one
/// buffer, looked up by pupil id, so the keys are held once and never copied per pupil.
#[derive(Debug, Clone, Default)]
pub struct SearchKeys {
    text: String,
    /// `spans[id]` is where pupil `id`'s key lies in `text`; (0, 0) when there is none.
    spans: Vec<(u32, u32)>,
}

impl SearchKeys {
    pub fn get(&self, student_id: i64) -> Option<&str> {
        let &(start, end) = self.spans.get(usize::try_from(student_id).ok()?)?;
        (end > start).then(|| &self.text[start as usize..end as usize])
    }

    /// Bytes of key text held.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    fn set(&mut self, student_id: i64, start: usize, end: usize) {
        let (Ok(at), Ok(start), Ok(end)) = (usize::try_from(student_id), u32::try_from(start), u32::try_from(end))
        else {
            return; // Beyond 4 GiB of keys or a negative id: left unsearchable rather than wrong.
        };
        if self.spans.len() <= at {
            self.spans.resize(at + 1, (0, 0));
        }
        self.spans[at] = (start, end);
    }
}

/// The meta key of a drive whose search keys an older canbao wrote (schema 8): they are written again by
/// today's readings before the drive's pupils are searched by them.
pub(crate) const OUTDATED: &str = "search_keys_outdated";

/// Whether the keys are still an older canbao's (see `OUTDATED`).
pub(crate) fn outdated(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS(SELECT 1 FROM meta WHERE key = ?1)", [OUTDATED], |r| r.get(0))?)
}

/// Writes every pupil's key again by today's readings, in one transaction, when they are outdated: false when
/// they were not (another connection wrote them first). Blocks are written whole, in id order.
pub(crate) fn rebuild(conn: &mut Connection) -> Result<bool> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    if !outdated(&tx)? {
        return Ok(false);
    }
    tx.execute_batch(
        "DELETE FROM search_blocks;
         INSERT INTO search_blocks(block, keys)
             SELECT id >> 6,
                    group_concat(id || char(31) || canbao_search_key(name, id_number, grade, class), char(30))
             FROM (SELECT id, name, id_number, grade, class FROM students ORDER BY id)
             GROUP BY id >> 6;",
    )?;
    tx.execute("DELETE FROM meta WHERE key = ?1", [OUTDATED])?;
    tx.commit()?;
    Ok(true)
}

/// How many keys the blocks hold (one record separator fewer than records, per block).
pub(crate) fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT coalesce(sum(length(keys) - length(replace(keys, char(30), '')) + 1), 0) FROM search_blocks",
        [],
        |r| r.get(0),
    )?)
}

pub(crate) fn load_all(conn: &Connection) -> Result<SearchKeys> {
    let mut all = SearchKeys::default();
    // Sized once up front: growing by doubling would briefly hold twice the roster's keys.
    let (bytes, last_id): (i64, i64) = conn.query_row(
        "SELECT (SELECT coalesce(sum(length(CAST(keys AS BLOB))), 0) FROM search_blocks),
                (SELECT coalesce(max(id), 0) FROM students)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    all.text.reserve(usize::try_from(bytes).unwrap_or(0));
    all.spans.reserve(usize::try_from(last_id).unwrap_or(0) + 1);
    let mut stmt = conn.prepare("SELECT keys FROM search_blocks ORDER BY block")?;
    let mut rows = stmt.query([])?;
    let mut found = Vec::new();
    while let Some(row) = rows.next()? {
        let block = row.get_ref(0)?.as_str().unwrap_or("");
        let base = all.text.len();
        all.text.push_str(block);
        found.clear();
        found.extend(records(block).map(|(id, key)| {
            let start = base + (key.as_ptr() as usize - block.as_ptr() as usize);
            (id, start, start + key.len())
        }));
        for &(id, start, end) in &found {
            all.set(id, start, end);
        }
    }
    Ok(all)
}

fn join<'a>(records: impl Iterator<Item = (i64, &'a str)>) -> String {
    let mut text = String::new();
    for (id, key) in records {
        if !text.is_empty() {
            text.push(RECORD_END);
        }
        text.push_str(&id.to_string());
        text.push(SEP);
        text.push_str(key);
    }
    text
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_block_read_as_bytes_gives_the_records_read_as_text() {
        let block = "1\u{1f}王子涵\u{1f}wangzihan\u{1f}wzh\u{1f}450202\u{1f}三年级5班\u{1e}x\u{1f}no id\u{1e}\u{1e}64\u{1f}吕雪\u{1f}lvxue";
        let as_text: Vec<(i64, &[u8])> = records(block).map(|(id, key)| (id, key.as_bytes())).collect();
        let as_bytes: Vec<(i64, &[u8])> = records_bytes(block.as_bytes()).collect();
        assert_eq!(as_bytes, as_text);
        assert_eq!(as_bytes.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1, 64]);
    }

    use super::*;
    use crate::store::Store;

    fn all(conn: &Connection) -> Vec<(i64, String)> {
        let mut stmt = conn.prepare("SELECT keys FROM search_blocks ORDER BY block").unwrap();
        let blocks: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
        blocks.iter().flat_map(|b| records(b).map(|(id, k)| (id, k.to_owned())).collect::<Vec<_>>()).collect()
    }

    #[test]
    fn keys_land_in_their_blocks_and_replace_older_ones() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.connection();
        put_many(conn, (1..=130).map(|id| (id, format!("k{id}")))).unwrap();
        let blocks: i64 = conn.query_row("SELECT count(*) FROM search_blocks", [], |r| r.get(0)).unwrap();
        assert_eq!(blocks, 3, "ids 1..=130 span blocks 0, 1 and 2");
        put(conn, 64, "renamed".into()).unwrap();
        put(conn, 200, "new".into()).unwrap();
        let keys = all(conn);
        assert_eq!(keys.len(), 131);
        assert!(keys.contains(&(64, "renamed".into())));
        assert!(!keys.contains(&(64, "k64".into())));
        assert!(keys.contains(&(200, "new".into())));
        assert!(keys.windows(2).all(|w| w[0].0 < w[1].0), "records stay in id order");
    }

    #[test]
    fn separators_in_a_name_or_class_cannot_split_a_record() {
        let store = Store::open_in_memory().unwrap();
        put(store.connection(), 9, crate::domain::search::pack_key("李", "", "一年级")).unwrap();
        put(store.connection(), 10, crate::domain::search::pack_key("张\u{1e}09", "", "1班\u{1f}")).unwrap();
        let keys = all(store.connection());
        assert_eq!(keys.len(), 2, "{keys:?}");
        assert!(keys[0].1.starts_with("李"), "pupil 9 keeps their key: {keys:?}");
        assert!(keys[1].1.starts_with("张 09"), "{keys:?}");
    }

    #[test]
    fn a_block_written_whole_is_what_its_keys_one_by_one_make() {
        let (one_by_one, whole) = (Store::open_in_memory().unwrap(), Store::open_in_memory().unwrap());
        // Block 1 holds pupils 64..128: the older keys of 64 and 70 are there before.
        for store in [&one_by_one, &whole] {
            put_many(store.connection(), [(64, "old64".to_owned()), (70, "old70".to_owned())]).unwrap();
        }
        put_many(one_by_one.connection(), [(70, "new70".to_owned()), (71, "k71".to_owned())]).unwrap();
        put_many(one_by_one.connection(), [(130, "k130".to_owned()), (131, "k131".to_owned())]).unwrap();
        let mut text = String::new();
        for (id, key) in [(70, "new70"), (71, "k71")] {
            start_record(&mut text, id);
            text.push_str(key);
        }
        put_block(whole.connection(), 1, &text).unwrap();
        text.clear();
        for (id, key) in [(130, "k130"), (131, "k131")] {
            start_record(&mut text, id);
            text.push_str(key);
        }
        put_block(whole.connection(), 2, &text).unwrap();
        let blocks = |store: &Store| -> Vec<(i64, String)> {
            let mut stmt = store.connection().prepare("SELECT block, keys FROM search_blocks ORDER BY block").unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(|r| r.unwrap()).collect()
        };
        assert_eq!(blocks(&whole), blocks(&one_by_one));
        assert_eq!(all(whole.connection()).len(), 5);
    }

    #[test]
    fn a_key_with_field_separators_reads_back_whole() {
        let store = Store::open_in_memory().unwrap();
        let key = crate::domain::search::pack_key("张三", "45020220150101123X", "三年级2班");
        put(store.connection(), 7, key.clone()).unwrap();
        assert_eq!(all(store.connection()), vec![(7, key)]);
    }
}
