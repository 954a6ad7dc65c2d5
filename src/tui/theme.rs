//! Colours, read from `themes/*.toml`: three built into the binary, and a file of the same name in
//! `<config_dir>/themes/` wins. A bad file is an error naming the file and line, never a panic.

use crate::data_file::Embedded;
use std::path::Path;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::{Deserialize, Deserializer};

/// The themes built into the binary, by name.
pub const BUILTIN: [(&str, &str); 3] = [
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    ("high-contrast", include_str!("../../themes/high-contrast.toml")),
];

/// A colour as a theme file writes it: a name, "reset", "#rrggbb" or an index 0-255.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ThemeColor(pub Color);

impl<'de> Deserialize<'de> for ThemeColor {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Color::from_str(text.trim()).map(ThemeColor).map_err(|_| {
            serde::de::Error::custom(format!(
                "无法识别的颜色「{text}」：可用颜色名、\"reset\"、\"#rrggbb\" 或 0-255 (unknown colour \"{text}\": a colour name, \"reset\", \"#rrggbb\" or 0-255)"
            ))
        })
    }
}

/// Every colour the screens use. All keys are required, so a theme never silently inherits a colour that was
/// chosen for another background.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    #[serde(default)]
    pub description: String,
    pub text: ThemeColor,
    pub muted: ThemeColor,
    pub background: ThemeColor,
    pub title_bg: ThemeColor,
    pub title_fg: ThemeColor,
    pub accent: ThemeColor,
    pub header_fg: ThemeColor,
    pub selected_bg: ThemeColor,
    pub selected_fg: ThemeColor,
    pub marked: ThemeColor,
    pub warning: ThemeColor,
    pub error: ThemeColor,
    pub success: ThemeColor,
    pub paid: ThemeColor,
    pub unpaid: ThemeColor,
    pub government: ThemeColor,
    pub elsewhere: ThemeColor,
    pub declined: ThemeColor,
    pub bar: ThemeColor,
    pub bar_empty: ThemeColor,
    pub popup_bg: ThemeColor,
    pub popup_fg: ThemeColor,
    pub popup_title_bg: ThemeColor,
    pub popup_title_fg: ThemeColor,
    pub input_bg: ThemeColor,
    pub input_fg: ThemeColor,
    /// No colour at all (`NO_COLOR`): what colour told apart is told by reverse video instead.
    #[serde(skip)]
    pub monochrome: bool,
}

static DEFAULT: Embedded<Theme, ThemeError> = Embedded::new(|| Theme::parse(BUILTIN[0].1, "themes/default.toml"));

/// A theme that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThemeError {
    #[error(
        "主题文件 {file}{} 有误：{message} (theme file error: {file}{}: {})",
        line.map(|l| format!(" 第 {l} 行")).unwrap_or_default(),
        line.map(|l| format!(" line {l}")).unwrap_or_default(),
        crate::words::in_language(message, crate::words::Language::En)
    )]
    Invalid { file: String, line: Option<usize>, message: String },
    #[error(
        "无法读取主题文件 {file}：{message} (cannot read the theme file {file}: {})",
        crate::words::in_language(message, crate::words::Language::En)
    )]
    Read { file: String, message: String },
    #[error("没有名为「{name}」的主题，可用：{known} (no theme named {name}; there are {known})")]
    Unknown { name: String, known: String },
}

impl Theme {
    /// The default dark theme.
    pub fn builtin_default() -> Theme {
        DEFAULT.get().clone()
    }

    /// Why the default theme could not be parsed (a broken build): the command line refuses to start on it.
    pub fn builtin_error() -> Option<&'static ThemeError> {
        DEFAULT.error()
    }

    /// Parses one theme file; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Theme, ThemeError> {
        toml::from_str(text).map_err(|e| ThemeError::Invalid {
            file: file.to_owned(),
            line: e
                .span()
                .map(|s| text.as_bytes()[..s.start.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1),
            message: e.message().trim().to_owned(),
        })
    }

    /// Finds a theme by name: `<config_dir>/themes/NAME.toml` first, then the builtin one. A name ending in
    /// `.toml` is read as a path.
    pub fn load(name: Option<&str>, config_dir: Option<&Path>) -> Result<Theme, ThemeError> {
        let name = name.map(str::trim).filter(|n| !n.is_empty()).unwrap_or("default");
        let read = |path: &Path| -> Result<Theme, ThemeError> {
            let file = path.display().to_string();
            let text = std::fs::read_to_string(path)
                .map_err(|e| ThemeError::Read { file: file.clone(), message: e.to_string() })?;
            Theme::parse(&text, &file)
        };
        if name.ends_with(".toml") {
            return read(Path::new(name));
        }
        if let Some(path) = config_dir.map(|d| d.join("themes").join(format!("{name}.toml")))
            && path.is_file()
        {
            return read(&path);
        }
        match BUILTIN.iter().find(|(n, _)| *n == name) {
            Some((n, text)) => Theme::parse(text, &format!("themes/{n}.toml")),
            None => Err(ThemeError::Unknown {
                name: name.to_owned(),
                known: BUILTIN.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
            }),
        }
    }

    /// The theme without colour, for `NO_COLOR` (no-color.org): every colour is the terminal's own, and the
    /// selection, the fields being typed in, the title bar and the filled part of a bar are shown reversed.
    pub fn without_colour(mut self) -> Theme {
        for c in [
            &mut self.text,
            &mut self.muted,
            &mut self.background,
            &mut self.title_bg,
            &mut self.title_fg,
            &mut self.accent,
            &mut self.header_fg,
            &mut self.selected_bg,
            &mut self.selected_fg,
            &mut self.marked,
            &mut self.warning,
            &mut self.error,
            &mut self.success,
            &mut self.paid,
            &mut self.unpaid,
            &mut self.government,
            &mut self.elsewhere,
            &mut self.declined,
            &mut self.bar,
            &mut self.bar_empty,
            &mut self.popup_bg,
            &mut self.popup_fg,
            &mut self.popup_title_bg,
            &mut self.popup_title_fg,
            &mut self.input_bg,
            &mut self.input_fg,
        ] {
            *c = ThemeColor(Color::Reset);
        }
        self.monochrome = true;
        self
    }

    /// Reverse video where a monochrome theme needs it to tell a thing apart.
    fn marked_out(&self, style: Style) -> Style {
        if self.monochrome { style.add_modifier(Modifier::REVERSED) } else { style }
    }

    /// A bar's filled (or empty) part.
    pub fn bar_part(&self, filled: bool) -> Style {
        let style = Style::default().bg(if filled { self.bar.0 } else { self.bar_empty.0 });
        if filled { self.marked_out(style) } else { style }
    }

    pub fn base(&self) -> Style {
        Style::default().fg(self.text.0).bg(self.background.0)
    }

    pub fn muted(&self) -> Style {
        Style::default().fg(self.muted.0)
    }

    pub fn fg(&self, color: ThemeColor) -> Style {
        Style::default().fg(color.0)
    }

    pub fn title(&self) -> Style {
        self.marked_out(Style::default().fg(self.title_fg.0).bg(self.title_bg.0).add_modifier(Modifier::BOLD))
    }

    pub fn header(&self) -> Style {
        Style::default().fg(self.header_fg.0).add_modifier(Modifier::BOLD)
    }

    pub fn selected(&self) -> Style {
        self.marked_out(Style::default().fg(self.selected_fg.0).bg(self.selected_bg.0))
    }

    pub fn key(&self) -> Style {
        Style::default().fg(self.accent.0).add_modifier(Modifier::BOLD)
    }

    pub fn popup(&self) -> Style {
        Style::default().fg(self.popup_fg.0).bg(self.popup_bg.0)
    }

    pub fn popup_title(&self) -> Style {
        self.marked_out(
            Style::default().fg(self.popup_title_fg.0).bg(self.popup_title_bg.0).add_modifier(Modifier::BOLD),
        )
    }

    pub fn input(&self) -> Style {
        self.marked_out(Style::default().fg(self.input_fg.0).bg(self.input_bg.0))
    }

    /// A question's button: the chosen one in the colours of the popup's title, bold (and reversed without colour),
    /// so it stands out from the popup in every theme and on a 16-colour or colourless terminal, where the fields'
    /// grey (`input_bg`) on the popup's black could hardly be told from it; the other as the popup's text.
    pub fn button(&self, chosen: bool) -> Style {
        match chosen {
            true => self.popup_title(),
            false => self.popup(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_theme_parses() {
        for (name, text) in BUILTIN {
            let theme = Theme::parse(text, name).unwrap_or_else(|e| panic!("{e}"));
            assert!(!theme.description.is_empty(), "{name}");
        }
        assert_eq!(Theme::load(None, None), Ok(Theme::builtin_default()));
        assert_eq!(Theme::builtin_default().paid, ThemeColor(Color::Green));
    }

    #[test]
    fn no_color_keeps_the_selection_visible() {
        let theme = Theme::builtin_default().without_colour();
        assert_eq!(theme.paid, ThemeColor(Color::Reset));
        assert!(theme.selected().add_modifier.contains(Modifier::REVERSED));
        assert!(theme.input().add_modifier.contains(Modifier::REVERSED));
        assert!(theme.bar_part(true).add_modifier.contains(Modifier::REVERSED));
        assert!(!theme.bar_part(false).add_modifier.contains(Modifier::REVERSED));
        assert!(
            !Theme::builtin_default().selected().add_modifier.contains(Modifier::REVERSED),
            "colour themes as before"
        );
    }

    #[test]
    fn colour_forms() {
        let text =
            BUILTIN[0].1.replace("paid = \"green\"", "paid = \"#10a020\"").replace("bar = \"green\"", "bar = \"42\"");
        let theme = Theme::parse(&text, "t.toml").expect("parse");
        assert_eq!(theme.paid, ThemeColor(Color::Rgb(0x10, 0xa0, 0x20)));
        assert_eq!(theme.bar, ThemeColor(Color::Indexed(42)));
    }

    #[test]
    fn unknown_key_names_file_and_line() {
        let text = format!("{}\nsparkle = \"red\"\n", BUILTIN[0].1);
        let line = text.lines().position(|l| l.starts_with("sparkle")).expect("line") + 1;
        let err = Theme::parse(&text, "/home/op/.config/canbao/themes/mine.toml").expect_err("unknown key");
        match &err {
            ThemeError::Invalid { file, line: l, message } => {
                assert!(file.ends_with("mine.toml"));
                assert_eq!(*l, Some(line));
                assert!(message.contains("sparkle"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("mine.toml"));
    }

    #[test]
    fn bad_colour_missing_key_and_bad_toml() {
        let bad_colour = BUILTIN[0].1.replace("paid = \"green\"", "paid = \"greenish\"");
        let err = Theme::parse(&bad_colour, "t.toml").expect_err("colour");
        assert!(err.to_string().contains("greenish"), "{err}");
        let line = bad_colour.lines().position(|l| l.starts_with("paid =")).expect("line") + 1;
        assert!(matches!(err, ThemeError::Invalid { line: Some(l), .. } if l == line), "{err}");

        let missing = BUILTIN[0].1.replace("paid = \"green\"\n", "");
        let err = Theme::parse(&missing, "t.toml").expect_err("missing");
        assert!(err.to_string().contains("paid"), "{err}");

        let err = Theme::parse("text = ", "t.toml").expect_err("toml");
        assert!(matches!(err, ThemeError::Invalid { line: Some(1), .. }), "{err}");
    }

    #[test]
    fn config_folder_wins_and_unknown_names_fail() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("themes")).expect("mkdir");
        let custom = BUILTIN[1].1.replace("paid = \"green\"", "paid = \"red\"");
        std::fs::write(dir.path().join("themes/light.toml"), custom).expect("write");
        let theme = Theme::load(Some("light"), Some(dir.path())).expect("load");
        assert_eq!(theme.paid, ThemeColor(Color::Red));
        std::fs::write(dir.path().join("themes/mine.toml"), "text = \"red\"\n").expect("write");
        assert!(matches!(Theme::load(Some("mine"), Some(dir.path())), Err(ThemeError::Invalid { .. })));
        assert!(matches!(Theme::load(Some("nope"), Some(dir.path())), Err(ThemeError::Unknown { .. })));
        assert!(Theme::load(Some("high-contrast"), None).is_ok());
    }
}
