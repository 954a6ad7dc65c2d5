//! A one-line text field (the search line, paths, names, notes) and the order of a form's fields. The caret
//! moves by characters; widths are display cells, so the terminal cursor lands after a Chinese character, not
//! inside it.

use unicode_width::UnicodeWidthStr;

use super::action::Action;

/// A form's fields in the order Up, Down and Tab step through them.
pub trait FormField: Copy + PartialEq + 'static {
    const ALL: &'static [Self];

    fn next(self) -> Self {
        let i = Self::ALL.iter().position(|f| *f == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }

    fn previous(self) -> Self {
        let i = Self::ALL.iter().position(|f| *f == self).unwrap_or(0);
        Self::ALL[(i + Self::ALL.len() - 1) % Self::ALL.len()]
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    /// Byte offset, always on a character boundary.
    caret: usize,
}

impl LineInput {
    pub fn with_text(text: &str) -> LineInput {
        LineInput { text: text.to_owned(), caret: text.len() }
    }

    /// Applies an editing action (a character, a paste, a deletion, a caret move); false when the action is
    /// not an edit, for the field's form to handle.
    pub fn edit(&mut self, action: &Action) -> bool {
        match action {
            Action::Input(c) => self.insert(*c),
            Action::Paste(s) => self.insert_str(s),
            Action::Backspace => self.backspace(),
            Action::Delete => self.delete(),
            Action::ClearLine => self.clear(),
            Action::Left => self.left(),
            Action::Right => self.right(),
            Action::Top => self.home(),
            Action::Bottom => self.end(),
            _ => return false,
        }
        true
    }

    /// [`LineInput::edit`] for a field the form filled in: until the operator has `touched` it (a key typed in it,
    /// its caret moved), a character or paste typed replaces the value instead of joining it, as a typed amount
    /// replaces the payment form's quote; where 「400」 typed over a premium of 380 read 「380400」.
    pub fn edit_filled(&mut self, action: &Action, touched: &mut bool) -> bool {
        if !*touched && matches!(action, Action::Input(_) | Action::Paste(_)) {
            self.clear();
        }
        let edited = self.edit(action);
        *touched |= edited;
        edited
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn set(&mut self, text: &str) {
        self.text = text.to_owned();
        self.caret = self.text.len();
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    pub fn insert(&mut self, c: char) {
        // Line breaks from a paste would break the one-line layout.
        let c = if c == '\n' || c == '\r' || c == '\t' { ' ' } else { c };
        if c.is_control() {
            return;
        }
        self.text.insert(self.caret, c);
        self.caret += c.len_utf8();
    }

    pub fn insert_str(&mut self, s: &str) {
        for c in s.chars() {
            self.insert(c);
        }
    }

    pub fn backspace(&mut self) {
        if let Some(c) = self.text[..self.caret].chars().next_back() {
            self.caret -= c.len_utf8();
            self.text.remove(self.caret);
        }
    }

    pub fn delete(&mut self) {
        if self.caret < self.text.len() {
            self.text.remove(self.caret);
        }
    }

    pub fn left(&mut self) {
        if let Some(c) = self.text[..self.caret].chars().next_back() {
            self.caret -= c.len_utf8();
        }
    }

    pub fn right(&mut self) {
        if let Some(c) = self.text[self.caret..].chars().next() {
            self.caret += c.len_utf8();
        }
    }

    pub fn home(&mut self) {
        self.caret = 0;
    }

    pub fn end(&mut self) {
        self.caret = self.text.len();
    }

    /// Display cells before the caret.
    pub fn caret_cells(&self) -> usize {
        self.text[..self.caret].width()
    }

    /// The part to show in a field `width` cells wide, and the caret's cell within it: the text scrolls left
    /// when the caret would pass the right edge.
    pub fn visible(&self, width: usize) -> (&str, usize) {
        let width = width.max(1);
        let caret = self.caret_cells();
        if caret < width {
            return (&self.text, caret);
        }
        let mut start = 0;
        let mut cut = caret;
        for (i, c) in self.text.char_indices() {
            if cut < width {
                break;
            }
            cut -= unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            start = i + c.len_utf8();
        }
        (&self.text[start..], cut)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editing_by_characters_and_cells() {
        let mut input = LineInput::default();
        for c in "张三x".chars() {
            input.insert(c);
        }
        assert_eq!(input.caret_cells(), 5);
        input.left();
        assert_eq!(input.caret_cells(), 4);
        input.backspace();
        assert_eq!(input.text(), "张x");
        input.home();
        input.delete();
        assert_eq!(input.text(), "x");
        input.end();
        input.insert_str("a\nb");
        assert_eq!(input.text(), "xa b");
    }

    #[test]
    fn long_text_scrolls_to_keep_the_caret() {
        let input = LineInput::with_text("柳州市示范小学三年级");
        let (shown, caret) = input.visible(8);
        assert!(caret < 8);
        assert!(shown.ends_with("年级"));
        assert_eq!(shown.width(), caret);
    }
}
