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
}
