//! Where things go on screen, computed from the terminal size alone, so `update` (page moves, mouse clicks)
//! and the views agree without the views writing anything back.

use ratatui::layout::Rect;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub fn area(size: (u16, u16)) -> Rect {
    Rect::new(0, 0, size.0, size.1)
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

/// The roster screen, top to bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RosterAreas {
    pub title: Rect,
    pub filters: Rect,
    pub search: Rect,
    pub header: Rect,
    pub body: Rect,
    pub status: Rect,
    pub footer: Rect,
}

fn line(area: Rect, y: u16) -> Rect {
    Rect::new(area.x, area.y + y, area.width, 1)
}

/// `footer_rows`: the rows the key hints take (two when one does not hold them, at 80 columns).
pub fn roster(area: Rect, footer_rows: u16) -> RosterAreas {
    let rows = footer_rows.max(1);
    let h = area.height.max(6 + rows);
    RosterAreas {
        title: line(area, 0),
        filters: line(area, 1),
        search: line(area, 2),
        header: line(area, 3),
        body: Rect::new(area.x, area.y + 4, area.width, h - 5 - rows),
        status: line(area, h - 1 - rows),
        footer: Rect::new(area.x, area.y + h - rows, area.width, rows),
    }
}

/// Screens with a title bar, a body, a status line and a footer (detail, dashboard, help).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FramedAreas {
    pub title: Rect,
    pub body: Rect,
    pub status: Rect,
    pub footer: Rect,
}

pub fn framed(area: Rect) -> FramedAreas {
    framed_rows(area, 1)
}

/// A framed screen whose footer takes `footer_rows` rows (its key hints wrap when one row cannot hold them).
pub fn framed_rows(area: Rect, footer_rows: u16) -> FramedAreas {
    let rows = footer_rows.max(1);
    let h = area.height.max(3 + rows);
    FramedAreas {
        title: line(area, 0),
        body: Rect::new(area.x, area.y + 1, area.width, h - 2 - rows),
        status: line(area, h - 1 - rows),
        footer: Rect::new(area.x, area.y + h - rows, area.width, rows),
    }
}

/// Rows of the roster table under a one-row footer (the help screen pages by it too); the app's own page is
/// the roster as drawn (`App::page`).
pub fn page(size: (u16, u16)) -> usize {
    roster(area(size), 1).body.height as usize
}

/// Lines of the dashboard above its class table (totals, progress, ledgers, statuses, header).
pub const DASHBOARD_HEAD: u16 = 9;

/// Class rows visible on the dashboard.
pub fn dashboard_class_rows(size: (u16, u16)) -> usize {
    framed(area(size)).body.height.saturating_sub(DASHBOARD_HEAD) as usize
}

/// The rows a centred dialog as tall as it may be leaves clear at the top: the title bar and the roster's filter
/// and search lines, which a box drawn over them cut into fragments at its sides (「筛 导入报告…  65」).
pub const CLEAR_ABOVE: u16 = 3;

/// A message dialog in a terminal of `size`: the box, the cells a row holds, the rows its lines wrap to, and
/// how many of those rows show at once. Drawing and scrolling both read it, and the dialog draws its lines as
/// [`wrap`] breaks them, the measure counted here, so the last line can always be scrolled into view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MessageBox {
    pub width: u16,
    pub inner_w: usize,
    pub rows: usize,
    pub height: u16,
    pub shown: usize,
}

impl MessageBox {
    /// A long line wraps over several rows, as [`wrap`] breaks it: an English word is not cut, so a line takes
    /// more rows than its width alone says.
    pub fn new<'a>(size: (u16, u16), lines: impl IntoIterator<Item = &'a str>) -> MessageBox {
        let width = size.0.saturating_sub(6).min(100);
        let inner_w = width.saturating_sub(4).max(1) as usize;
        let rows: usize = lines.into_iter().map(|l| wrap(l, inner_w).len()).sum();
        // Clear of the title bar and the roster's filter and search lines above (`CLEAR_ABOVE`), which a box over
        // them left in fragments at its sides, and as far below.
        let most = size.1.saturating_sub(2 * CLEAR_ABOVE);
        let height = u16::try_from(rows).unwrap_or(u16::MAX).saturating_add(5).min(most);
        // The title and a blank row above, the key hints and a blank row below.
        let shown = height.min(size.1).saturating_sub(3).saturating_sub(2) as usize;
        MessageBox { width, inner_w, rows, height, shown }
    }

    /// The furthest the lines scroll: the last row at the bottom of the box.
    pub fn last_offset(&self) -> usize {
        self.rows.saturating_sub(self.shown)
    }
}

/// A yes/no question in a terminal of `size`: the box's width, the cells a row of its text holds, and the most
/// rows the text may take (the frame, the buttons, the key hints and a margin take the rest). The dialog draws
/// its text as [`wrap`] breaks it, and the new year's question counts its rows the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuestionBox {
    pub width: u16,
    pub inner_w: usize,
    pub max_rows: usize,
}

impl QuestionBox {
    pub fn new(size: (u16, u16)) -> QuestionBox {
        let width = 64u16.min(size.0.saturating_sub(4));
        let inner_w = width.saturating_sub(4).max(1) as usize;
        // The frame, the buttons and the hints take 6 rows; the box stays clear of `CLEAR_ABOVE` rows above and as
        // many below.
        QuestionBox { width, inner_w, max_rows: usize::from(size.1.saturating_sub(6 + 2 * CLEAR_ABOVE)).max(1) }
    }

    /// The rows `text` takes in the box.
    pub fn rows(&self, text: &str) -> usize {
        wrap(text, self.inner_w).len()
    }
}

/// Part of a number or a date as a policy's text writes them (2022-09-01, 350.00, 2023年1月1日).
fn in_number(c: char) -> bool {
    c.is_ascii_digit() || "-./:年月日".contains(c)
}

/// Punctuation that closes, which never starts a row. The curly quotes and the ellipsis, which a policy's own text
/// may hold, are escaped: canbao's own texts never draw them (see `text::tests::no_ambiguous_width_characters`).
const CLOSING: &str = "。，、；：！？）」』》〉】〕\u{201d}\u{2019}\u{2026}";
/// Brackets and quotes that open, which never end a row.
const OPENING: &str = "（「『《〈【〔\u{201c}\u{2018}";

/// `text` broken into rows of at most `width` cells: at each newline, and where a row is full, between two
/// characters (Chinese breaks anywhere), or before an English word, a number or a date that would be cut, if
/// the row holds more.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(2);
    let mut rows = Vec::new();
    for line in text.split('\n') {
        let mut row = String::new();
        let mut used = 0;
        for c in line.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width && !row.is_empty() {
                if c == ' ' {
                    rows.push(std::mem::take(&mut row));
                    used = 0;
                    continue;
                }
                // An English word being cut moves whole to the next row when a space comes before it here.
                let word: usize =
                    row.chars().rev().take_while(|ch| *ch != ' ' && ch.width() == Some(1)).map(char::len_utf8).sum();
                let start = row.len() - word;
                let before = &row[..start];
                // A number or date amid Chinese (（2022-09-01至…, 为2023年1月1日) moves whole to the next row: a
                // date read across two rows (20 / 22-09-01) is misread. Not the digits ending an English word
                // (yibin-2028), which the Chinese around it breaks as any other characters.
                let run: usize = row.chars().rev().take_while(|ch| in_number(*ch)).map(char::len_utf8).sum();
                let run_start = row.len() - run;
                let digit_at = row[run_start..].find(|ch: char| ch.is_ascii_digit()).map(|i| run_start + i);
                let number_start = digit_at.filter(|_| {
                    (in_number(c) || CLOSING.contains(c))
                        && !row[..run_start].trim().trim_end_matches(|ch| OPENING.contains(ch)).is_empty()
                        && !row[..run_start].ends_with(|ch: char| ch.is_ascii_alphanumeric())
                });
                let mut split = if let Some(start) = number_start {
                    start
                } else if c.width() == Some(1) && before.ends_with(' ') && !before.trim().is_empty() {
                    start
                } else {
                    row.len()
                };
                // As Chinese typesetting breaks lines (避头尾): punctuation that closes (。，、」）…) never starts a
                // row, the character before it goes down with it; and a bracket or quote that opens (（「“…) never
                // ends one, it goes down with what it opens. Only while what goes down still fits its row.
                loop {
                    let next = row[split..].chars().next().unwrap_or(c);
                    let kept = &row[..split];
                    let back = if CLOSING.contains(next) || kept.ends_with(|ch| OPENING.contains(ch)) {
                        kept.char_indices().next_back().map(|(i, _)| i)
                    } else {
                        None
                    };
                    match back {
                        Some(at) if !row[..at].trim().is_empty() && row[at..].width() + w <= width => split = at,
                        _ => break,
                    }
                }
                let carried = row.split_off(split);
                rows.push(row.trim_end().to_owned());
                row = carried;
                used = row.width();
            }
            row.push(c);
            used += w;
        }
        rows.push(row);
    }
    rows
}

/// Where a dialog of at most `width` × `height` cells goes in `area` of the screen `screen`: centred, and clear of
/// the screen's first `CLEAR_ABOVE` rows (the title bar, the roster's filter and search lines, which the operator
/// reads the dialog's targets by) and as many at its foot (the status line and the key hints). A box taller than
/// the room between is cut to it and centred there, as the message boxes, the questions and the palette are.
pub fn dialog(screen: Rect, area: Rect, width: u16, height: u16) -> Rect {
    let box_ = centered(area, width, height);
    let room = Rect { y: screen.y + CLEAR_ABOVE, height: screen.height.saturating_sub(2 * CLEAR_ABOVE), ..screen }
        .intersection(area);
    if room.height == 0 || (box_.y >= room.y && box_.bottom() <= room.bottom()) {
        return box_;
    }
    centered(room, width, height)
}

/// Fewer columns than this beside a dialog hold no part of the screen under it worth reading: only fragments (the
/// roster's last column beside the payment form at 80 columns, half a wide character cut by the box's edge).
const FRAGMENT: u16 = 4;

/// What a dialog at `dialog` clears of `screen`: the box, and its rows across the whole screen where it leaves
/// fewer than `FRAGMENT` columns at a side.
pub fn cleared(screen: Rect, dialog: Rect) -> Rect {
    let left = dialog.x.saturating_sub(screen.x);
    let right = screen.right().saturating_sub(dialog.right());
    if left < FRAGMENT || right < FRAGMENT { Rect { x: screen.x, width: screen.width, ..dialog } } else { dialog }
}

/// A box of at most `width` × `height` cells, centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(area.x + (area.width - w) / 2, area.y + (area.height - h) / 2, w, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closing_punctuation_never_starts_a_row() {
        // Eight columns: 「一二三四」 fills the row, and 「。」 would start the next.
        let rows = wrap("一二三四。五六", 8);
        assert_eq!(rows, ["一二三", "四。五六"]);
        assert!(wrap("替换这些文件吗（3 个）？是否", 12).iter().all(|r| !r.starts_with('？') && !r.starts_with('）')));
        assert_eq!(wrap("一二三四五", 8), ["一二三四", "五"], "other characters break where the row is full");
    }

    #[test]
    fn wrapping_breaks_chinese_anywhere_and_english_between_words() {
        assert_eq!(
            wrap("新年度政策：yibin-2028（由当前政策生成）", 20),
            ["新年度政策：yibin-20", "28（由当前政策生成）"]
        );
        assert_eq!(wrap("the new year starts today", 12), ["the new year", "starts today"]);
        assert_eq!(wrap("2024 年度到 2024-02-29，还在", 16), ["2024 年度到", "2024-02-29，还在"]);
        assert_eq!(wrap("一\n\n二", 10), ["一", "", "二"]);
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert!(wrap("三年级3班 -> 四年级3班（464 人）", 12).iter().all(|r| r.width() <= 12));
    }

    #[test]
    fn a_date_amid_chinese_stays_whole() {
        assert_eq!(
            wrap("属“集中缴费期”（2022-09-01至2022-12-31）", 20),
            ["属“集中缴费期”", "（2022-09-01至", "2022-12-31）"]
        );
        assert_eq!(wrap("时间为2023年1月1日至", 16), ["时间为", "2023年1月1日至"]);
        assert_eq!(wrap("截至2022-12-31）。", 14), ["截至", "2022-12-31）。"]);
        assert_eq!(wrap("应缴350元", 8), ["应缴350", "元"]);
        assert_eq!(wrap("应缴350元", 6), ["应缴", "350元"]);
    }

    #[test]
    fn an_opening_bracket_stays_with_what_it_opens() {
        // 「（」, 「“」 and 「「」 would end the row with their words on the next one.
        assert_eq!(wrap("一二三（四五）", 8), ["一二三", "（四五）"]);
        assert_eq!(wrap("一二三“四五”", 7), ["一二三", "“四五”"]);
        assert_eq!(wrap("按下「确定」键", 6), ["按下", "「确", "定」键"]);
        assert_eq!(wrap("期限为（2022-09-01）", 14), ["期限为", "（2022-09-01）"]);
        // Closing punctuation after closing punctuation: both go down with the character before them.
        assert_eq!(wrap("一二三四」。", 10), ["一二三", "四」。"]);
        for width in 14..40 {
            for row in
                wrap("属“集中缴费期”（2022-09-01至2022-12-31）。依“正常缴费后享受待遇”（附件四），见「说明」。", width)
            {
                assert!(!row.ends_with(|c| OPENING.contains(c)), "{width}: {row}");
                assert!(!row.starts_with(|c| CLOSING.contains(c)), "{width}: {row}");
                assert!(row.width() <= width, "{width}: {row}");
            }
        }
    }

    #[test]
    fn the_smallest_screen_has_room_for_eighteen_rows() {
        let a = roster(area((80, 24)), 1);
        assert_eq!(a.body.height, 18);
        assert_eq!(a.footer.y, 23);
        assert_eq!(page((80, 24)), 18);
        // Two rows of key hints: one row fewer of pupils, the status line above the footer.
        let a = roster(area((80, 24)), 2);
        assert_eq!((a.body.height, a.status.y, a.footer.y, a.footer.height), (17, 21, 22, 2));
        assert!(too_small(area((79, 24))));
        assert!(!too_small(area((80, 24))));
    }
}
