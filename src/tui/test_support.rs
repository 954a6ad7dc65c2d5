//! What the library's own tests share of the screen: a drawn buffer read as text. (The integration tests have
//! theirs in `tests/common`, which cannot reach code built for the library's tests alone.)

use ratatui::buffer::Buffer;

/// The buffer's rows as text, a wide character once (its hidden cell after it not repeated as a space).
pub(crate) fn rows(buffer: &Buffer) -> Vec<String> {
    (0..buffer.area.height)
        .map(|y| {
            let mut line = String::new();
            let mut skip = 0;
            for x in 0..buffer.area.width {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let symbol = buffer[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
                line.push_str(symbol);
            }
            line
        })
        .collect()
}
