//! Text measured in terminal cells (a Chinese character is two), cut only between characters.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Cuts `s` to at most `width` cells, ending in ".." when something was cut.
pub fn truncate(s: &str, width: usize) -> String {
    // Whatever a drive holds, no control character reaches the terminal (see io::table::printable).
    let s = &*crate::io::table::printable(s);
    if s.width() <= width {
        return s.to_owned();
    }
    let (keep, marker) = if width >= 3 { (width - 2, "..") } else { (width, "") };
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > keep {
            break;
        }
        used += w;
        out.push(c);
    }
    // A wide character that did not fit leaves one cell: fill it so columns stay aligned.
    out.push_str(&" ".repeat(keep - used));
    out.push_str(marker);
    out
}

/// Cuts `s` to at most `width` cells keeping its start and its end, with ".." between: pupils' names and
/// classes that share a long start (阿卜杜热合曼·艾力 and 阿卜杜热合曼·吐尔逊, 一年级实验1班 and 2班) differ at
/// the end, and a row cut after its start alone would show two children alike, told apart only by the last
/// digits of a masked ID number.
pub fn truncate_middle(s: &str, width: usize) -> String {
    let s = &*crate::io::table::printable(s);
    if s.width() <= width || width < 6 {
        return truncate(s, width);
    }
    let keep = width - 2;
    let mut tail_used = 0;
    let mut tail_start = s.len();
    for (at, c) in s.char_indices().rev() {
        let w = c.width().unwrap_or(0);
        if tail_used + w > keep / 2 {
            break;
        }
        tail_used += w;
        tail_start = at;
    }
    let mut head = String::new();
    let mut head_used = 0;
    for c in s[..tail_start].chars() {
        let w = c.width().unwrap_or(0);
        if head_used + w > keep - tail_used {
            break;
        }
        head_used += w;
        head.push(c);
    }
    format!("{head}..{}", &s[tail_start..])
}

/// Exactly `width` cells: cut as `truncate_middle` does, then padded with spaces.
pub fn fit_middle(s: &str, width: usize) -> String {
    let mut out = truncate_middle(s, width);
    let w = out.width();
    out.push_str(&" ".repeat(width.saturating_sub(w)));
    out
}

/// Which folders a shortened path keeps beside its file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Folders {
    /// Those nearest the file, whole folders given up from the root (`.../导出/名单.xlsx`): a line that names a
    /// file the operator knows by its name.
    NearFile,
    /// The path's start, as far as it goes, to the character (`/home/teacher/文.../名单.xlsx`): where an export is
    /// written, read from the root, so the operator sees which folder it goes into.
    FromRoot,
}

/// A file path shortened until it `fits`: whole when it does, else the folders `keep` says with "..." for the
/// rest, so the file name, which says what was written, stays in sight; a file name too long even alone keeps its
/// end (the extension); nothing when not even "..." fits. Not "…": a terminal that draws ambiguous-width
/// characters wide (a Chinese Windows console) would push the rest of the line a cell to the right.
pub fn shorten_path(path: &str, keep: Folders, fits: impl Fn(&str) -> bool) -> String {
    let path = &*crate::io::table::printable(path);
    if fits(path) {
        return path.to_owned();
    }
    let name_at = path.rfind(['/', '\\']).unwrap_or(0);
    // The longest of each kind first: as much of the path as there is room for.
    let folders: Box<dyn Iterator<Item = String>> = match keep {
        Folders::NearFile => Box::new(path.match_indices(['/', '\\']).map(|(at, _)| format!("...{}", &path[at..]))),
        Folders::FromRoot => Box::new(
            path[..name_at].char_indices().rev().map(move |(at, _)| format!("{}...{}", &path[..at], &path[name_at..])),
        ),
    };
    let name_ends =
        path.char_indices().skip(1).map(|(at, _)| at).chain([path.len()]).map(|at| format!("...{}", &path[at..]));
    folders.chain(name_ends).find(|cut| fits(cut)).unwrap_or_default()
}

/// The test for `shorten_path` of a path shown in at most `width` cells.
pub fn within(width: usize) -> impl Fn(&str) -> bool {
    move |s| s.width() <= width
}

/// Exactly `width` cells: cut as `truncate` does, then padded with spaces.
pub fn fit(s: &str, width: usize) -> String {
    let mut out = truncate(s, width);
    let w = out.width();
    out.push_str(&" ".repeat(width.saturating_sub(w)));
    out
}

/// `s` right-aligned in `width` cells.
pub fn fit_right(s: &str, width: usize) -> String {
    let cut = truncate(s, width);
    format!("{}{cut}", " ".repeat(width.saturating_sub(cut.width())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_direction_characters_never_reach_the_screen() {
        let shown = fit("李\u{1b}[31m\u{202e}四\u{200b}", 12);
        assert!(!shown.chars().any(crate::io::table::invisible), "{shown:?}");
        assert!(shown.starts_with("李�[31m�四"), "{shown:?}");
    }

    #[test]
    fn cuts_at_cell_boundaries() {
        assert_eq!(fit("张三", 6), "张三  ");
        assert_eq!(fit("阿依古丽买买提", 10), "阿依古丽..");
        assert_eq!(fit("阿依古丽买买提", 9), "阿依古 ..");
        assert_eq!(fit("abc", 2), "ab");
        assert_eq!(fit("张", 1), " ");
        for w in 0..12 {
            assert_eq!(fit("柳州市示范小学", w).width(), w);
        }
        assert_eq!(fit_right("42", 5), "   42");
    }

    #[test]
    fn a_middle_cut_keeps_both_ends() {
        assert_eq!(fit_middle("阿卜杜热合曼·买买提江", 8), "阿卜..江");
        assert_eq!(fit_middle("一年级实验班（双语）", 18), "一年级实..（双语）");
        assert_eq!(fit_middle("张三", 6), "张三  ");
        for w in 0..16 {
            assert_eq!(fit_middle("一年级实验1班", w).width(), w);
            assert_eq!(fit_middle("阿卜杜热合曼·艾力", w).width(), w);
        }
    }

    #[test]
    fn a_shortened_path_keeps_the_file_name_and_gives_up_folders_from_the_left() {
        let path = "/home/teacher/文档/参保/导出/柳州市示范小学-在校学生信息表.xlsx";
        let shorten_path = |path: &str, width: usize| shorten_path(path, Folders::NearFile, within(width));
        assert_eq!(shorten_path(path, 200), path);
        let short = shorten_path(path, 46);
        assert_eq!(short, ".../导出/柳州市示范小学-在校学生信息表.xlsx");
        assert!(short.width() < 46);
        assert_eq!(shorten_path(path, 40), ".../柳州市示范小学-在校学生信息表.xlsx");
        // Not even the name fits: its end, with the extension.
        let cut = shorten_path(path, 20);
        assert!(cut.starts_with("...") && cut.ends_with("信息表.xlsx") && cut.width() <= 20, "{cut}");
        assert_eq!(shorten_path(r"C:\Users\老师\Desktop\名单.xlsx", 21), r"...\Desktop\名单.xlsx");
    }

    /// Where an export goes is read from the root: the path keeps its start, to the character, and the file's
    /// whole name; a name too long for that keeps its end, as the folders nearest the file do.
    #[test]
    fn a_path_shortened_from_the_root_keeps_its_start_and_the_file_name() {
        let path = "/home/teacher/文档/参保/导出/柳州市示范小学-在校学生信息表.xlsx";
        let name = "/柳州市示范小学-在校学生信息表.xlsx";
        assert_eq!(shorten_path(path, Folders::FromRoot, within(200)), path);
        for width in [46, 50, 55] {
            let cut = shorten_path(path, Folders::FromRoot, within(width));
            let head = cut.strip_suffix(name).and_then(|c| c.strip_suffix("...")).expect(&cut);
            assert!(path.starts_with(head) && !head.is_empty(), "{cut}");
            assert!(cut.width() <= width, "{cut}");
            // As much of the start as goes: one character more would not.
            let next = path[head.len()..].chars().next().unwrap();
            assert!(format!("{head}{next}...{name}").width() > width, "{cut}");
        }
        let cut = shorten_path(path, Folders::FromRoot, within(20));
        assert_eq!(cut, shorten_path(path, Folders::NearFile, within(20)));
        assert!(cut.starts_with("...") && cut.ends_with("信息表.xlsx"), "{cut}");
        assert_eq!(shorten_path(path, Folders::FromRoot, within(2)), "");
        // Any test, not only a width: two rows of a wrapped line.
        let two_rows = |s: &str| crate::tui::layout::wrap(&format!("保存到：{s}"), 30).len() <= 2;
        let cut = shorten_path(path, Folders::FromRoot, two_rows);
        assert!(cut.starts_with("/home/") && cut.ends_with(name) && two_rows(&cut), "{cut}");
    }
}
