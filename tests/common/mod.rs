//! What the test files share: a drive's folder and the fixtures, the screen read as text, a backend that keeps
//! every frame drawn, and the payment lines' numbers read without their references.
// Each test file takes what it needs of this module: what one leaves unused is no dead code of the others.
#![allow(dead_code)]

use std::path::PathBuf;

use canbao::store::Store;
use canbao::tui::{App, Language, Options, views};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The clock of the tests' drives: in the 2027 insured year's collection season.
pub const NOW: &str = "2026-11-23T10:00:00+08:00";

/// The file `name` of tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A folder of the test's own and the path of a drive file in it (`drive.db`), not made yet. The folder is
/// removed when the returned `TempDir` is dropped: keep it bound (`_dir`) for as long as the drive is used.
pub fn new_drive() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("drive.db");
    (dir, db)
}

/// The builtin policy yibin-2024 renewed for the 2027 insured year at `premium_fen` a pupil, as `canbao policy new`
/// makes `yibin-2027`: the policy file's text.
pub fn yibin_2027(premium_fen: i64) -> String {
    let request = canbao::domain::policy::Renewal {
        name: "yibin-2027",
        base_name: "yibin-2024",
        base_text: canbao::domain::policy::builtin_text("yibin-2024").expect("base"),
        year: 2027,
        premium_fen: Some(premium_fen),
    };
    canbao::domain::policy::renew(&request, canbao::domain::category::CategoryTable::builtin()).expect("renewed").text
}

/// An in-memory drive at `NOW`, holding the sample school if `sample`.
pub fn store(sample: bool) -> Store {
    let mut store = Store::open_in_memory().expect("store");
    store.set_fixed_clock(NOW);
    if sample {
        canbao::demo::load_sample(&mut store).expect("sample");
    }
    store
}

/// The screen's options in `lang`, as `operator`, with no theme and no config folder of the machine's.
pub fn options(lang: Language, operator: Option<&str>) -> Options {
    Options { lang, operator: operator.map(str::to_owned), ..Default::default() }
}

/// The app's screen drawn at its size.
pub fn drawn(app: &App) -> ratatui::buffer::Buffer {
    let mut terminal = Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("terminal");
    terminal.draw(|f| views::draw(f, app)).expect("draw");
    terminal.backend().buffer().clone()
}

/// The buffer's rows as text, a wide character once (its hidden cell after it not repeated as a space).
pub fn rows(buffer: &ratatui::buffer::Buffer) -> Vec<String> {
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

/// A `TestBackend` that keeps every frame drawn, as its rows: what the operator saw between two keys.
pub struct Recorder {
    pub backend: TestBackend,
    pub frames: std::rc::Rc<std::cell::RefCell<Vec<String>>>,
}

impl ratatui::backend::Backend for Recorder {
    type Error = <TestBackend as ratatui::backend::Backend>::Error;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a ratatui::buffer::Cell)>,
    {
        self.backend.draw(content)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.backend.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.backend.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<ratatui::layout::Position, Self::Error> {
        self.backend.get_cursor_position()
    }

    fn set_cursor_position<P: Into<ratatui::layout::Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.backend.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.backend.clear()
    }

    fn clear_region(&mut self, clear_type: ratatui::backend::ClearType) -> Result<(), Self::Error> {
        self.backend.clear_region(clear_type)
    }

    fn size(&self) -> Result<ratatui::layout::Size, Self::Error> {
        self.backend.size()
    }

    fn window_size(&mut self) -> Result<ratatui::backend::WindowSize, Self::Error> {
        self.backend.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.frames.borrow_mut().push(rows(self.backend.buffer()).join("\n"));
        self.backend.flush()
    }
}

/// `text` with each payment line's reference taken out of its brackets (`[3 K3F9QX]` read as `[3]`), for tests that
/// name a line by its number alone.
pub fn unreferenced(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('[') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let after = &rest.as_bytes()[digits..];
        let reference = after.len() >= 8
            && after[0] == b' '
            && after[1..7].iter().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            && after[7] == b']';
        if digits > 0 && reference {
            out.push_str(&rest[..digits]);
            rest = &rest[digits + 7..];
        }
    }
    out.push_str(rest);
    out
}
