//! Keys to actions, read from TOML (`data/keymap.toml`, overridable per key from the config folder), and the
//! reverse map the help screen and the footer are generated from.

use crate::data_file::Embedded;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use toml::Spanned;

use super::action::Action;

pub const DEFAULT_KEYMAP: &str = include_str!("../../data/keymap.toml");
const DEFAULT_FILE: &str = "data/keymap.toml";

/// Where the operator is, which decides what a key means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    Roster,
    Detail,
    Dashboard,
    Help,
    /// Typing into a text field: characters are typed, never looked up.
    Input,
    Picker,
    Dialog,
}

impl Context {
    pub const ALL: [Context; 8] = [
        Context::Global,
        Context::Roster,
        Context::Detail,
        Context::Dashboard,
        Context::Help,
        Context::Input,
        Context::Picker,
        Context::Dialog,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::Roster => "roster",
            Context::Detail => "detail",
            Context::Dashboard => "dashboard",
            Context::Help => "help",
            Context::Input => "input",
            Context::Picker => "picker",
            Context::Dialog => "dialog",
        }
    }

    fn from_name(name: &str) -> Option<Context> {
        Context::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The context consulted when this one has no binding for a key (before `Global`).
    pub fn fallback(self) -> Option<Context> {
        match self {
            Context::Detail => Some(Context::Roster),
            _ => None,
        }
    }
}

/// A key as the keymap names it: the code plus Ctrl and Alt. Shift is part of the character ("G"), so it is
/// dropped, which also hides the difference between terminals that report it and those that don't.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key { code, ctrl: false, alt: false }
    }

    pub fn from_event(event: &KeyEvent) -> Key {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let code = match event.code {
            // Ctrl-R arrives as 'R' from some terminals and 'r' from others.
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        Key { code, ctrl, alt: event.modifiers.contains(KeyModifiers::ALT) }
    }

    /// Parses the keymap notation: "e", "G", "ctrl-r", "pagedown", "space".
    pub fn parse(text: &str) -> Option<Key> {
        let mut rest = text;
        let (mut ctrl, mut alt) = (false, false);
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 1 && lower.starts_with("ctrl-") {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.chars().count() > 1 && lower.starts_with("alt-") {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" => KeyCode::Tab,
                "backtab" | "shift-tab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "space" => KeyCode::Char(' '),
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" => KeyCode::PageUp,
                "pagedown" => KeyCode::PageDown,
                "insert" => KeyCode::Insert,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return None,
                },
                _ => return None,
            },
        };
        Some(Key { code, ctrl, alt })
    }
}

/// How a key is shown on the help screen and in the footer. ASCII words, never arrows: arrows are
/// ambiguous-width characters that a CJK terminal may draw two cells wide.
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("S-Tab"),
            KeyCode::Backspace => f.write_str("Bksp"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Up => f.write_str("Up"),
            KeyCode::Down => f.write_str("Down"),
            KeyCode::Left => f.write_str("Left"),
            KeyCode::Right => f.write_str("Right"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Insert => f.write_str("Ins"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// A keymap file that cannot be used, with the file and line to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "按键文件 {file}{}：{message} (keymap file error: {file}{}: {})",
    line.map(|l| format!(" 第 {l} 行")).unwrap_or_default(),
    line.map(|l| format!(" line {l}")).unwrap_or_default(),
    crate::words::in_language(message, crate::words::Language::En)
)]
pub struct KeymapError {
    pub file: String,
    pub line: Option<usize>,
    pub message: String,
}

static BUILTIN: Embedded<Keymap, KeymapError> = Embedded::new(|| Keymap::parse(DEFAULT_KEYMAP, DEFAULT_FILE));

/// The bindings in force: per context, keys in file order with the name of the action each one triggers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Keymap {
    bindings: BTreeMap<Context, Vec<(Key, &'static str)>>,
}

type RawKeymap = BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<String>>>;

impl Keymap {
    /// The builtin keys.
    pub fn builtin() -> Keymap {
        BUILTIN.get().clone()
    }

    /// Why the builtin keymap could not be parsed (a broken build): the command line refuses to start on it.
    pub fn builtin_error() -> Option<&'static KeymapError> {
        BUILTIN.error()
    }

    /// The builtin keys with `<config_dir>/keymap.toml` laid over them, key by key.
    pub fn load(config_dir: Option<&Path>) -> Result<Keymap, KeymapError> {
        let mut map = Keymap::builtin();
        let Some(path) = config_dir.map(|d| d.join("keymap.toml")) else {
            return Ok(map);
        };
        let file = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Ok(text) => map.overlay(&text, &file)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(KeymapError { file, line: None, message: e.to_string() }),
        }
        Ok(map)
    }

    /// Parses a whole keymap.
    pub fn parse(text: &str, file: &str) -> Result<Keymap, KeymapError> {
        let mut map = Keymap { bindings: BTreeMap::new() };
        map.overlay(text, file)?;
        Ok(map)
    }

    /// Applies a file's bindings over the current ones: a key it names gets the new action ("none" unbinds it).
    pub fn overlay(&mut self, text: &str, file: &str) -> Result<(), KeymapError> {
        let error = |span: std::ops::Range<usize>, message: String| KeymapError {
            file: file.to_owned(),
            line: Some(line_of(text, span.start)),
            message,
        };
        let raw: RawKeymap = toml::from_str(text).map_err(|e| KeymapError {
            file: file.to_owned(),
            line: e.span().map(|s| line_of(text, s.start)),
            message: e.message().trim().to_owned(),
        })?;
        // Maps come back sorted by name; file order is what the help screen should follow.
        let mut contexts: Vec<_> = raw.into_iter().collect();
        contexts.sort_by_key(|(name, _)| name.span().start);
        for (context_name, keys) in contexts {
            let context = Context::from_name(context_name.get_ref()).ok_or_else(|| {
                let known: Vec<&str> = Context::ALL.iter().map(|c| c.name()).collect();
                error(
                    context_name.span(),
                    format!(
                        "未知的场景「{0}」，可用：{1} (unknown context \"{0}\"; known: {1})",
                        context_name.get_ref(),
                        known.join(", ")
                    ),
                )
            })?;
            let list = self.bindings.entry(context).or_default();
            let mut keys: Vec<_> = keys.into_iter().collect();
            keys.sort_by_key(|(k, _)| k.span().start);
            for (key_text, action_text) in keys {
                let key = Key::parse(key_text.get_ref()).ok_or_else(|| {
                    error(key_text.span(), format!("无法识别的按键「{0}」 (unknown key \"{0}\")", key_text.get_ref()))
                })?;
                let name = action_text.get_ref().as_str();
                list.retain(|(k, _)| *k != key);
                if name == "none" {
                    continue;
                }
                let Some(name) = Action::bindable_names().find(|n| *n == name) else {
                    return Err(error(action_text.span(), format!("未知的操作「{name}」 (unknown action \"{name}\")")));
                };
                list.push((key, name));
            }
        }
        Ok(())
    }

    /// The action a key triggers in a context: the context itself, its fallback, then the global keys.
    pub fn action(&self, context: Context, key: Key) -> Option<Action> {
        self.action_name(context, key).and_then(Action::from_name)
    }

    pub fn action_name(&self, context: Context, key: Key) -> Option<&'static str> {
        let mut chain = vec![context];
        let mut at = context;
        while let Some(next) = at.fallback() {
            chain.push(next);
            at = next;
        }
        chain.push(Context::Global);
        chain.into_iter().find_map(|c| self.own(c).iter().find(|(k, _)| *k == key).map(|(_, name)| *name))
    }

    /// The bindings written for one context, in file order.
    pub fn own(&self, context: Context) -> &[(Key, &'static str)] {
        self.bindings.get(&context).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The keys that trigger `action` in `context` (including fallbacks), for the footer and the help screen.
    pub fn keys_for(&self, context: Context, action: &str) -> Vec<Key> {
        let mut keys: Vec<Key> = Vec::new();
        let mut at = Some(context);
        let mut chain = Vec::new();
        while let Some(c) = at {
            chain.push(c);
            at = c.fallback();
        }
        chain.push(Context::Global);
        for c in chain {
            for (k, name) in self.own(c) {
                // A key bound nearer shadows the same key further down the chain.
                if *name == action && self.action_name(context, *k) == Some(action) && !keys.contains(k) {
                    keys.push(*k);
                }
            }
        }
        keys
    }

    /// The actions reachable in a context, each with its keys, in the order they are first bound.
    pub fn actions_in(&self, context: Context) -> Vec<(&'static str, Vec<Key>)> {
        let mut out: Vec<(&'static str, Vec<Key>)> = Vec::new();
        for (_, name) in self.own(context) {
            if !out.iter().any(|(n, _)| n == name) {
                out.push((name, self.keys_for(context, name)));
            }
        }
        out.retain(|(_, keys)| !keys.is_empty());
        out
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        Key::parse(s).expect(s)
    }

    fn name(map: &Keymap, context: Context, k: &str) -> Option<&'static str> {
        map.action_name(context, key(k))
    }

    #[test]
    fn builtin_binds_the_issue_keys() {
        let map = Keymap::builtin();
        let roster = [
            ("/", "search"),
            ("esc", "back"),
            ("j", "down"),
            ("k", "up"),
            ("G", "bottom"),
            ("g", "top"),
            ("enter", "open_detail"),
            ("e", "enrollment"),
            ("p", "toggle_paid"),
            ("f", "toggle_government"),
            ("c", "categories"),
            ("n", "edit_note"),
            ("space", "toggle_select"),
            ("u", "undo"),
            ("ctrl-r", "redo"),
            ("d", "dashboard"),
            ("i", "import"),
            ("x", "export"),
            ("r", "reveal"),
            ("?", "help"),
            ("q", "quit"),
        ];
        for (k, action) in roster {
            assert_eq!(name(&map, Context::Roster, k), Some(action), "{k}");
        }
        // Detail falls back to the roster's keys; global keys work everywhere.
        assert_eq!(name(&map, Context::Detail, "p"), Some("toggle_paid"));
        assert_eq!(name(&map, Context::Detail, "esc"), Some("back"));
        assert_eq!(name(&map, Context::Input, "ctrl-c"), Some("quit"));
        assert_eq!(name(&map, Context::Input, "q"), None);
    }

    #[test]
    fn key_notation() {
        assert_eq!(key("ctrl-r"), Key { code: KeyCode::Char('r'), ctrl: true, alt: false });
        assert_eq!(key("Ctrl-R"), key("ctrl-r"));
        assert_eq!(key("space"), Key::plain(KeyCode::Char(' ')));
        assert_eq!(key("-"), Key::plain(KeyCode::Char('-')));
        assert_eq!(key("f5"), Key::plain(KeyCode::F(5)));
        assert_eq!(key("alt-x"), Key { code: KeyCode::Char('x'), ctrl: false, alt: true });
        assert_eq!(Key::parse("f13"), None);
        assert_eq!(Key::parse("hyper-x"), None);
        assert_eq!(key("ctrl-r").to_string(), "Ctrl-r");
        assert_eq!(key("pagedown").to_string(), "PgDn");
        assert!(key("up").to_string().is_ascii());
    }

    #[test]
    fn events_normalize_shift_and_ctrl_case() {
        let shifted = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(&shifted), key("G"));
        let ctrl = KeyEvent::new(KeyCode::Char('R'), KeyModifiers::CONTROL | KeyModifiers::SHIFT);
        assert_eq!(Key::from_event(&ctrl), key("ctrl-r"));
    }

    #[test]
    fn overlay_replaces_and_unbinds() {
        let mut map = Keymap::builtin();
        map.overlay("[roster]\n\"m\" = \"toggle_paid\"\n\"p\" = \"none\"\n", "user.toml").expect("overlay");
        assert_eq!(name(&map, Context::Roster, "m"), Some("toggle_paid"));
        assert_eq!(name(&map, Context::Roster, "p"), None);
        assert_eq!(map.keys_for(Context::Roster, "toggle_paid"), vec![key("m")]);
    }

    #[test]
    fn load_reads_the_config_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert_eq!(Keymap::load(Some(dir.path())).expect("no file"), Keymap::builtin());
        std::fs::write(dir.path().join("keymap.toml"), "[roster]\n\"ctrl-u\" = \"undo\"\n").expect("write");
        let map = Keymap::load(Some(dir.path())).expect("load");
        assert_eq!(name(&map, Context::Roster, "ctrl-u"), Some("undo"));
        assert_eq!(name(&map, Context::Roster, "u"), Some("undo"));
    }

    #[test]
    fn bad_files_name_file_and_line() {
        let cases = [
            ("[roster]\n\"x\" = \"explode\"\n", 2, "explode"),
            ("[roster]\n\"x\" = \"up\"\n\"ctrl-\" = \"up\"\n", 3, "ctrl-"),
            ("[rooster]\n\"x\" = \"up\"\n", 1, "rooster"),
            ("[roster]\n\"x\" = 3\n", 2, "string"),
            ("[roster\n", 1, ""),
            ("[roster]\n\"x\" = \"input\"\n", 2, "input"),
        ];
        for (text, line, word) in cases {
            let err = Keymap::parse(text, "my-keys.toml").expect_err(text);
            assert_eq!(err.file, "my-keys.toml");
            assert_eq!(err.line, Some(line), "{text}: {err}");
            assert!(err.to_string().contains(word), "{err}");
            assert!(err.to_string().contains("my-keys.toml"), "{err}");
        }
    }

    #[test]
    fn actions_in_groups_keys() {
        let map = Keymap::builtin();
        let actions = map.actions_in(Context::Roster);
        let up = actions.iter().find(|(n, _)| *n == "up").expect("up");
        assert_eq!(up.1, vec![key("up"), key("k")]);
    }
}
