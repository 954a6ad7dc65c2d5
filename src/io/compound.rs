//! A sanity check of an XLS file (its OLE compound container and its workbook records) before calamine reads
//! it. calamine follows the container's sector chains without checking them: a chain that loops back on itself
//! makes it copy the same sector until memory runs out (found by `cargo fuzz`: a 5 KB file asked for 2 GB),
//! and a link past the end of the table or the file makes it panic. Excel never writes such chains, so a file
//! with one is refused as damaged before calamine sees it; the records are checked as `check_records` says.
//!
//! The layout (header, DIFAT, FAT, directory, mini FAT) is read the way calamine 0.38 reads it (`cfb.rs`), so
//! every chain calamine will follow is one checked here.

use super::xlsx_hidden::Hidden;

const SIGNATURE: &[u8; 8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// Sector numbers from here up are markers (end of chain, free, FAT, DIFAT), not links.
const RESERVED: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const MINI_SECTOR: usize = 64;
/// Streams shorter than this live in the mini stream, chained through the mini FAT.
const MINI_CUTOFF: usize = 4096;

/// The rows (as Excel numbers them) and columns (from 0, A) each sheet of an XLS hides, in the order of the
/// workbook's sheet records (calamine's order of its sheets), as an XLSX's are found (`xlsx_hidden`); empty when
/// the file is no XLS or its records were not reached.
pub(super) type HiddenRows = Vec<Hidden>;

/// The columns of an XLS sheet (BIFF8): a COLINFO range reaching past them is cut there.
const XLS_COLUMNS: usize = 256;

/// `Err` with the reason when the container's chains would send calamine into a loop or past an end. A file
/// calamine refuses by itself (bad signature, odd sector size, too short) passes, so its own message is shown.
/// `Ok` with the rows and columns each sheet hides, read on the way (calamine does not say).
pub(super) fn check(bytes: &[u8], max_cells: usize) -> Result<HiddenRows, &'static str> {
    let Some(header) = bytes.get(..512).filter(|h| h.starts_with(SIGNATURE)) else { return Ok(Vec::new()) };
    let size: usize = match u16_at(header, 30) {
        9 => 512,
        12 => 4096,
        _ => return Ok(Vec::new()),
    };
    if u16_at(header, 32) != 6 || bytes.len() < size {
        return Ok(Vec::new());
    }
    let body = &bytes[size..];
    if !body.len().is_multiple_of(size) {
        return Err("文件末尾的扇区不完整 (the last sector is cut short)");
    }
    let count = body.len() / size;
    let sectors = Sectors { body, size, count };
    let sector = |id: u32| sectors.get(id);

    let mut difat: Vec<u32> = words(&header[76..512]).collect();
    let mut next = u32_at(header, 68);
    let mut steps = 0;
    while next < RESERVED {
        steps += 1;
        if steps > count {
            return Err("扇区分配表链循环 (the DIFAT chain loops)");
        }
        difat.extend(words(sector(next)?));
        next = difat.pop().ok_or("扇区分配表链为空 (an empty DIFAT chain)")?;
    }
    let mut fat = Vec::new();
    for id in difat.into_iter().filter(|&id| id < DIFSECT) {
        fat.extend(words(sector(id)?));
    }
    let limit = fat.len().min(count);
    check_links(&fat, limit)?;

    let dir_start = u32_at(header, 48);
    if !start_ok(dir_start, limit) {
        return Err("目录起始扇区无效 (the directory starts past the end)");
    }
    let mut directory = Vec::new();
    for id in chain(dir_start, &fat) {
        directory.extend_from_slice(sector(id)?);
    }
    // Each entry: its start sector and its length (32 bits in version-3 files, 64 in version 4).
    let entries: Vec<(u32, u64)> = directory
        .chunks_exact(128)
        .map(|e| {
            let len = if size == 512 { u64::from(u32_at(e, 120)) } else { u64_at(e, 120) };
            (u32_at(e, 116), len)
        })
        .collect();

    let mini_fat_len = u32_at(header, 64) as usize;
    let mut mini_fat = Vec::new();
    let mut mini_stream_len = 0;
    let mut root_start = u32::MAX;
    if mini_fat_len > 0 {
        let mini_fat_start = u32_at(header, 60);
        let Some(&(root, root_len)) = entries.first() else { return Ok(Vec::new()) };
        root_start = root;
        if !start_ok(mini_fat_start, limit) || !start_ok(root_start, limit) {
            return Err("迷你扇区表起始扇区无效 (the mini FAT starts past the end)");
        }
        let root_bytes = chain(root_start, &fat).len() * size;
        mini_stream_len = usize::try_from(root_len).unwrap_or(usize::MAX).min(root_bytes);
        let mini_fat_bytes = mini_fat_len.saturating_mul(size);
        for id in chain(mini_fat_start, &fat) {
            mini_fat.extend(words(sector(id)?));
        }
        mini_fat.truncate(mini_fat_bytes / 4);
    }
    // A mini sector must lie inside the mini stream, or calamine reads past it.
    let mini_limit = mini_fat.len().min(mini_stream_len / MINI_SECTOR);
    check_links(&mini_fat, mini_limit)?;
    for &(start, len) in entries.iter().skip(1) {
        let ok = if (len as usize) < MINI_CUTOFF { start_ok(start, mini_limit) } else { start_ok(start, limit) };
        if !ok && len > 0 {
            return Err("数据流起始扇区无效 (a stream starts past the end)");
        }
    }

    let stream = workbook_stream(&sectors, &fat, limit, &directory, &entries, (&mini_fat, root_start))?;
    stream.map_or(Ok(Vec::new()), |stream| check_records(&stream, max_cells))
}

/// The container's sectors after its header.
struct Sectors<'a> {
    body: &'a [u8],
    size: usize,
    count: usize,
}

impl Sectors<'_> {
    fn get(&self, id: u32) -> Result<&[u8], &'static str> {
        let id = id as usize;
        if id < self.count {
            Ok(&self.body[id * self.size..(id + 1) * self.size])
        } else {
            Err("扇区编号超出文件 (a sector past the end)")
        }
    }
}

/// The sector ids of a chain. `check_links` has ruled out loops, so every chain ends within the table.
fn chain(start: u32, table: &[u32]) -> Vec<u32> {
    let mut ids = Vec::new();
    let mut id = start;
    while id < RESERVED {
        ids.push(id);
        id = table[id as usize];
    }
    ids
}

/// Whether a chain starting at `start` starts within `limit` sectors (or is empty).
fn start_ok(start: u32, limit: usize) -> bool {
    start >= RESERVED || (start as usize) < limit
}

/// The workbook stream, found as calamine finds it, so its records can be checked too; `None` when the file
/// has none (calamine then says so itself).
fn workbook_stream(
    sectors: &Sectors,
    fat: &[u32],
    limit: usize,
    directory: &[u8],
    entries: &[(u32, u64)],
    (mini_fat, root_start): (&[u32], u32),
) -> Result<Option<Vec<u8>>, &'static str> {
    let names: Vec<String> = directory
        .chunks_exact(128)
        .map(|e| {
            let units: Vec<u16> = e[..64].chunks_exact(2).map(|u| u16::from_le_bytes([u[0], u[1]])).collect();
            String::from_utf16_lossy(&units).split('\0').next().unwrap_or_default().to_owned()
        })
        .collect();
    let Some(index) =
        ["Workbook", "Book"].iter().find_map(|wanted| names.iter().position(|n| n.eq_ignore_ascii_case(wanted)))
    else {
        return Ok(None);
    };
    let (start, len) = entries[index];
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    let mut stream = Vec::new();
    if len < MINI_CUTOFF {
        let mut mini_stream = Vec::new();
        if start_ok(root_start, limit) {
            for id in chain(root_start, fat) {
                mini_stream.extend_from_slice(sectors.get(id)?);
            }
        }
        let mut id = start;
        while id < RESERVED && stream.len() < len {
            let at = id as usize * MINI_SECTOR;
            stream.extend_from_slice(mini_stream.get(at..at + MINI_SECTOR).unwrap_or_default());
            id = mini_fat[id as usize];
        }
    } else {
        for id in chain(start, fat) {
            stream.extend_from_slice(sectors.get(id)?);
            if stream.len() >= len {
                break;
            }
        }
    }
    stream.truncate(len);
    Ok(Some(stream))
}

/// The workbook's records, checked for what makes calamine allocate without bound or panic as it opens the
/// file: it builds every sheet as one block from its first to its last cell (two cells far apart ask for
/// billions), reserves what a DIMENSIONS record claims, and subtracts column numbers of a MULRK record
/// without checking their order.
/// On the way, the rows and columns each sheet hides: a ROW record with `fDyZero` set, a COLINFO record with
/// `fHidden`, in the section whose BOF record is where the sheet's BOUNDSHEET record says its sheet starts.
fn check_records(stream: &[u8], max_cells: usize) -> Result<HiddenRows, &'static str> {
    const TOO_LARGE: &str = "工作表范围过大，不像是班级名单 (a sheet spans too many cells to be a class list)";
    // Per open BOF section: the first and last row and column holding a cell.
    let mut sections: Vec<Option<(u32, u32, u32, u32)>> = Vec::new();
    // Per open BOF section, beside `sections`: where its BOF record is, and the rows and columns it hides.
    let mut hiding: Vec<(usize, Hidden)> = Vec::new();
    let mut hidden_at: std::collections::HashMap<usize, Hidden> = std::collections::HashMap::new();
    let mut sheet_starts: Vec<usize> = Vec::new();
    let close = |extent: Option<(u32, u32, u32, u32)>| match extent {
        Some((r0, r1, c0, c1)) => {
            let cells = (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1);
            if cells > max_cells as u64 { Err(TOO_LARGE) } else { Ok(()) }
        }
        None => Ok(()),
    };
    let mut at = 0;
    while at + 4 <= stream.len() {
        let kind = u16_at(stream, at);
        let len = usize::from(u16_at(stream, at + 2));
        let Some(data) = stream.get(at + 4..at + 4 + len) else { break };
        let record_at = at;
        at += 4 + len;
        let mut cell = |row: u16, first: u16, last: u16| {
            if let Some(extent) = sections.last_mut() {
                let (row, first, last) = (u32::from(row), u32::from(first), u32::from(last));
                *extent = Some(match *extent {
                    Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(first), c1.max(last)),
                    None => (row, row, first, last),
                });
            }
        };
        match kind {
            0x0809 => {
                sections.push(None);
                hiding.push((record_at, Hidden::default()));
            }
            0x000A => {
                close(sections.pop().flatten())?;
                if let Some((start, hidden)) = hiding.pop() {
                    hidden_at.insert(start, hidden);
                }
            }
            // An encrypted workbook: calamine stops here and says so.
            0x002F if u16_at(data, 0) != 0 => return Ok(Vec::new()),
            0x0085 if data.len() >= 4 => sheet_starts.push(u32_at(data, 0) as usize),
            // ROW: its row, and in the byte at 12 the flag fDyZero (0x20), set on a row Excel hides.
            0x0208 if data.len() >= 14 && data.get(12).is_some_and(|flags| flags & 0x20 != 0) => {
                if let Some((_, hidden)) = hiding.last_mut() {
                    hidden.rows.push(usize::from(u16_at(data, 0)) + 1);
                }
            }
            // COLINFO: its first and last column, width, format, then the flags (0x01: fHidden). A range over every
            // column (a hostile or odd file) is cut at the sheet's width, and each column held once.
            0x007D if data.len() >= 10 && u16_at(data, 8) & 0x01 != 0 => {
                let (first, last) = (usize::from(u16_at(data, 0)), usize::from(u16_at(data, 2)));
                if let Some((_, hidden)) = hiding.last_mut()
                    && hidden.columns.len() < XLS_COLUMNS
                {
                    hidden.columns.extend(first..=last.min(XLS_COLUMNS - 1));
                }
            }
            0x0200 => {
                let (first_row, end_row, first_col, end_col) = match data.len() {
                    10 => (u32::from(u16_at(data, 0)), u32::from(u16_at(data, 2)), u16_at(data, 4), u16_at(data, 6)),
                    14 | 16 => (u32_at(data, 0), u32_at(data, 4), u16_at(data, 8), u16_at(data, 10)),
                    _ => continue,
                };
                let first_col = if first_col > 0xFF || end_col < first_col { 0 } else { first_col };
                if end_row >= 1 && end_col >= 1 {
                    if end_row - 1 < first_row {
                        return Err("工作表尺寸记录无效 (a DIMENSIONS record ends before it starts)");
                    }
                    let cells = u64::from(end_row - first_row) * u64::from(end_col - first_col);
                    if cells > max_cells as u64 {
                        return Err(TOO_LARGE);
                    }
                }
            }
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 if data.len() >= 4 => {
                cell(u16_at(data, 0), u16_at(data, 2), u16_at(data, 2));
            }
            0x00BD if data.len() >= 6 => {
                let (first, last) = (u16_at(data, 2), u16_at(data, data.len() - 2));
                if last < first {
                    return Err("单元格记录的列号颠倒 (a MULRK record's columns run backwards)");
                }
                cell(u16_at(data, 0), first, last);
            }
            _ => {}
        }
    }
    sections.into_iter().try_for_each(close)?;
    hidden_at.extend(hiding);
    Ok(sheet_starts
        .into_iter()
        .map(|start| {
            let mut hidden = hidden_at.remove(&start).unwrap_or_default();
            for each in [&mut hidden.rows, &mut hidden.columns] {
                each.sort_unstable();
                each.dedup();
            }
            hidden
        })
        .collect())
}

/// Every link in `table` points below `limit`, and no chain comes back to a sector it has passed.
fn check_links(table: &[u32], limit: usize) -> Result<(), &'static str> {
    if table.iter().any(|&next| next < RESERVED && next as usize >= limit) {
        return Err("扇区链指向文件之外 (a sector chain points past the end)");
    }
    // 0 unvisited, 1 on the walk in progress, 2 known to end.
    let mut state = vec![0u8; table.len()];
    let mut walk = Vec::new();
    for first in 0..table.len() {
        let mut id = first;
        while state[id] == 0 {
            state[id] = 1;
            walk.push(id);
            match table[id] {
                next if next < RESERVED => id = next as usize,
                _ => break,
            }
        }
        if state[id] == 1 && table[id] < RESERVED {
            return Err("扇区链循环 (a sector chain loops back on itself)");
        }
        for done in walk.drain(..) {
            state[done] = 2;
        }
    }
    Ok(())
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2).map_or(0, |s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4).map_or(0, |s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    b.get(at..at + 8).map_or(0, |s| u64::from_le_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]))
}

fn words(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: usize = 20_000_000;

    /// A version-3 compound file: header, one FAT sector (sector 0), one directory sector (sector 1) with a
    /// root entry; `links` overrides FAT entries.
    fn container(dir_start: u32, links: &[(usize, u32)]) -> Vec<u8> {
        let mut header = vec![0u8; 512];
        header[..8].copy_from_slice(SIGNATURE);
        header[26..28].copy_from_slice(&3u16.to_le_bytes());
        header[30..32].copy_from_slice(&9u16.to_le_bytes());
        header[32..34].copy_from_slice(&6u16.to_le_bytes());
        header[44..48].copy_from_slice(&1u32.to_le_bytes());
        header[48..52].copy_from_slice(&dir_start.to_le_bytes());
        header[60..64].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        header[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        for (i, chunk) in header[76..512].chunks_exact_mut(4).enumerate() {
            chunk.copy_from_slice(&(if i == 0 { 0 } else { 0xFFFF_FFFFu32 }).to_le_bytes());
        }
        let mut fat = vec![0xFFFF_FFFFu32; 128];
        fat[0] = 0xFFFF_FFFD; // the FAT's own sector
        fat[1] = 0xFFFF_FFFE; // the directory: one sector
        for &(i, next) in links {
            fat[i] = next;
        }
        let mut out = header;
        out.extend(fat.iter().flat_map(|w| w.to_le_bytes()));
        let mut dir = vec![0u8; 512];
        dir[116..120].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        out.extend(dir);
        out
    }

    #[test]
    fn a_sound_container_passes() {
        assert_eq!(check(&container(1, &[]), MAX), Ok(Vec::new()));
        let xls = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/split_grade_class.xls"));
        let xls = xls.expect("fixture");
        assert_eq!(check(&xls, MAX).map(|sheets| sheets.len()), Ok(1), "its one sheet, hiding no rows");
        // Its records are reached: with room for one cell, its sheets are too large.
        assert!(check(&xls, 1).is_err());
    }

    #[test]
    fn looping_and_dangling_chains_are_refused() {
        // The directory's sector links to itself: calamine would copy it forever.
        assert!(check(&container(1, &[(1, 1)]), MAX).is_err());
        // A longer loop, not through the start.
        assert!(check(&container(1, &[(1, 2), (2, 3), (3, 2)]), MAX).is_err());
        // A link to a sector the file does not have.
        assert!(check(&container(1, &[(1, 7)]), MAX).is_err());
        assert!(check(&container(9, &[]), MAX).is_err());
        let mut cut = container(1, &[]);
        cut.truncate(cut.len() - 3);
        assert!(check(&cut, MAX).is_err());
    }

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut out = kind.to_le_bytes().to_vec();
        out.extend_from_slice(&(data.len() as u16).to_le_bytes());
        out.extend_from_slice(data);
        out
    }

    /// A NUMBER record: row, column, format, value.
    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut data = [row.to_le_bytes(), col.to_le_bytes(), [0, 0]].concat();
        data.extend_from_slice(&1.0f64.to_le_bytes());
        record(0x0203, &data)
    }

    fn sheet(body: &[Vec<u8>]) -> Vec<u8> {
        let mut out = record(0x0809, &[0; 16]);
        out.extend(body.concat());
        out.extend(record(0x000A, &[]));
        out
    }

    #[test]
    fn records_that_would_make_calamine_allocate_without_bound_are_refused() {
        assert!(check_records(&sheet(&[number(0, 0), number(59_999, 30)]), MAX).is_ok());
        // Two cells far apart: calamine makes every cell between them, 4 billion here.
        assert!(check_records(&sheet(&[number(0, 0), number(65_535, 65_535)]), MAX).is_err());
        // The same within a sheet left open at the end of the stream.
        let mut open = record(0x0809, &[0; 16]);
        open.extend([number(0, 0), number(65_535, 65_535)].concat());
        assert!(check_records(&open, MAX).is_err());
        // A DIMENSIONS record claiming the whole sheet, or ending before it starts.
        let dims = |r0: u32, r1: u32, c1: u16| {
            record(
                0x0200,
                &[&r0.to_le_bytes()[..], &r1.to_le_bytes(), &0u16.to_le_bytes(), &c1.to_le_bytes(), &[0, 0]].concat(),
            )
        };
        assert!(check_records(&sheet(&[dims(0, 100, 10)]), MAX).is_ok());
        assert!(check_records(&sheet(&[dims(0, 1_048_576, 255)]), MAX).is_err());
        assert!(check_records(&sheet(&[dims(500, 10, 10)]), MAX).is_err());
        // A MULRK whose last column comes before its first.
        let mulrk =
            record(0x00BD, &[&1u16.to_le_bytes()[..], &9u16.to_le_bytes(), &[0; 6], &2u16.to_le_bytes()].concat());
        assert!(check_records(&sheet(&[mulrk]), MAX).is_err());
    }

    #[test]
    fn the_rows_and_columns_each_sheet_hides_are_found_by_where_it_starts() {
        // A ROW record: row, first and last column, height, two unused words, then the flags (0x20: hidden).
        let row = |r: u16, hidden: bool| {
            let flags: u16 = if hidden { 0x0120 } else { 0x0100 };
            let data = [r, 0, 2, 0xFF, 0, 0, flags, 0x0F].map(u16::to_le_bytes).concat();
            record(0x0208, &data)
        };
        // A COLINFO record: first and last column, width, format, flags (0x01: hidden), reserved.
        let colinfo = |first: u16, last: u16, hidden: bool| {
            let data = [first, last, 2_000, 15, u16::from(hidden), 0].map(u16::to_le_bytes).concat();
            record(0x007D, &data)
        };
        let boundsheet = |at: u32| record(0x0085, &[&at.to_le_bytes()[..], &[0, 0, 1, 0, b'S']].concat());
        // Globals with two sheet records, then the sheets: the first hides columns B and E to G (a width alone
        // hides nothing), the second rows 2 and 5 (0-based 1 and 4) and every column from IU on.
        let globals_len = (record(0x0809, &[0; 16]).len() + 2 * boundsheet(0).len() + record(0x000A, &[]).len()) as u32;
        let first =
            sheet(&[colinfo(4, 6, true), colinfo(0, 0, false), colinfo(1, 1, true), row(0, false), row(1, false)]);
        let second_at = globals_len + first.len() as u32;
        let mut stream = record(0x0809, &[0; 16]);
        stream.extend(boundsheet(globals_len));
        stream.extend(boundsheet(second_at));
        stream.extend(record(0x000A, &[]));
        stream.extend(first);
        stream.extend(sheet(&[colinfo(254, 0xFFFF, true), row(0, false), row(4, true), row(1, true)]));
        assert_eq!(
            check_records(&stream, MAX),
            Ok(vec![
                Hidden { rows: vec![], columns: vec![1, 4, 5, 6] },
                Hidden { rows: vec![2, 5], columns: vec![254, 255] }
            ])
        );
    }

    #[test]
    fn what_calamine_refuses_itself_is_left_to_it() {
        assert_eq!(check(b"not a compound file", MAX), Ok(Vec::new()));
        let mut odd = container(1, &[(1, 1)]);
        odd[30] = 7; // an impossible sector size: calamine says so
        assert_eq!(check(&odd, MAX), Ok(Vec::new()));
    }
}
