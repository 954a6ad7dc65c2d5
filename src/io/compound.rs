//! A sanity check of an XLS file's container (the OLE compound file) before calamine reads it. calamine
//! follows the container's sector chains without checking them: a chain that loops back on itself makes it
//! copy the same sector until memory runs out (found by `cargo fuzz`: a 5 KB file asked for 2 GB), and a link
//! past the end of the table or the file makes it panic. Excel never writes such chains, so a file with one is
//! refused as damaged before calamine sees it.
//!
//! The layout (header, DIFAT, FAT, directory, mini FAT) is read the way calamine 0.38 reads it (`cfb.rs`), so
//! every chain calamine will follow is one checked here.

const SIGNATURE: &[u8; 8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
/// Sector numbers from here up are markers (end of chain, free, FAT, DIFAT), not links.
const RESERVED: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const MINI_SECTOR: usize = 64;
/// Streams shorter than this live in the mini stream, chained through the mini FAT.
const MINI_CUTOFF: usize = 4096;

/// `Err` with the reason when the container's chains would send calamine into a loop or past an end. A file
/// calamine refuses by itself (bad signature, odd sector size, too short) passes, so its own message is shown.
pub(super) fn check(bytes: &[u8]) -> Result<(), &'static str> {
    let Some(header) = bytes.get(..512).filter(|h| h.starts_with(SIGNATURE)) else { return Ok(()) };
    let size: usize = match u16_at(header, 30) {
        9 => 512,
        12 => 4096,
        _ => return Ok(()),
    };
    if u16_at(header, 32) != 6 || bytes.len() < size {
        return Ok(());
    }
    let body = &bytes[size..];
    if !body.len().is_multiple_of(size) {
        return Err("文件末尾的扇区不完整 (the last sector is cut short)");
    }
    let count = body.len() / size;
    let sector = |id: u32| -> Result<&[u8], &'static str> {
        let id = id as usize;
        if id < count {
            Ok(&body[id * size..(id + 1) * size])
        } else {
            Err("扇区编号超出文件 (a sector past the end)")
        }
    };

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

    let chain = |start: u32, table: &[u32]| -> Vec<u32> {
        // `check_links` has ruled out loops, so every chain ends within the table.
        let mut ids = Vec::new();
        let mut id = start;
        while id < RESERVED {
            ids.push(id);
            id = table[id as usize];
        }
        ids
    };
    let start_ok = |start: u32, limit: usize| start >= RESERVED || (start as usize) < limit;
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
    if mini_fat_len > 0 {
        let mini_fat_start = u32_at(header, 60);
        let Some(&(root_start, root_len)) = entries.first() else { return Ok(()) };
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
    Ok(())
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
        assert_eq!(check(&container(1, &[])), Ok(()));
        let xls = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/split_grade_class.xls"));
        assert_eq!(check(&xls.expect("fixture")), Ok(()));
    }

    #[test]
    fn looping_and_dangling_chains_are_refused() {
        // The directory's sector links to itself: calamine would copy it forever.
        assert!(check(&container(1, &[(1, 1)])).is_err());
        // A longer loop, not through the start.
        assert!(check(&container(1, &[(1, 2), (2, 3), (3, 2)])).is_err());
        // A link to a sector the file does not have.
        assert!(check(&container(1, &[(1, 7)])).is_err());
        assert!(check(&container(9, &[])).is_err());
        let mut cut = container(1, &[]);
        cut.truncate(cut.len() - 3);
        assert!(check(&cut).is_err());
    }

    #[test]
    fn what_calamine_refuses_itself_is_left_to_it() {
        assert_eq!(check(b"not a compound file"), Ok(()));
        let mut odd = container(1, &[(1, 1)]);
        odd[30] = 7; // an impossible sector size: calamine says so
        assert_eq!(check(&odd), Ok(()));
    }
}
