//! The layers as the source states them: no two files import each other, and the store never reaches into
//! `io` (files in and out sit above the database, not beside it). Read from `src/` as text, so a new import
//! that closes a loop fails here, with the two files named.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/` with the module path it defines (`src/io/table.rs` → `io::table`).
fn modules() -> BTreeMap<Vec<String>, PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("src folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut modules = BTreeMap::new();
    for file in files {
        let relative = file.strip_prefix(&src).expect("under src").with_extension("");
        let mut segments: Vec<String> = relative.iter().map(|s| s.to_string_lossy().into_owned()).collect();
        match segments.last().map(String::as_str) {
            // The binary is a crate of its own: its `crate::` is not the library's.
            Some("main") if segments.len() == 1 => continue,
            Some("lib") if segments.len() == 1 => segments.clear(),
            Some("mod") => {
                segments.pop();
            }
            _ => {}
        }
        modules.insert(segments, file);
    }
    modules
}

#[derive(Debug, PartialEq)]
enum Token {
    Ident(String),
    PathSep,
    Open,
    Close,
    Comma,
    Star,
    Other,
}

/// The code's tokens, without comments, strings and character literals (a path in a message is no import).
fn tokens(code: &str) -> Vec<Token> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !prev_is_ident(&chars, i) {
            // A raw string: r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(Token::Ident("r".into()));
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|h| chars.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{200b}'), or a lifetime ('a), which has no closing quote.
            if next == Some('\\') {
                i += 2;
                while i < chars.len() && chars[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if chars.get(i + 2) == Some(&'\'') {
                i += 3;
            } else {
                i += 1;
            }
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Ident(chars[start..i].iter().collect()));
        } else {
            out.push(match (c, next) {
                (':', Some(':')) => {
                    i += 1;
                    Token::PathSep
                }
                ('{', _) => Token::Open,
                ('}', _) => Token::Close,
                (',', _) => Token::Comma,
                ('*', _) => Token::Star,
                _ if c.is_whitespace() => {
                    i += 1;
                    continue;
                }
                _ => Token::Other,
            });
            i += 1;
        }
    }
    out
}

fn prev_is_ident(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// The paths starting at `tokens[at]` (an identifier followed by `::`), with `{a, b::{c}}` groups expanded.
fn expand(tokens: &[Token], at: usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix;
    let mut i = at;
    loop {
        match tokens.get(i) {
            Some(Token::Ident(name)) => {
                path.push(name.clone());
                i += 1;
                if tokens.get(i) == Some(&Token::PathSep) {
                    i += 1;
                    continue;
                }
                out.push(path);
                return i;
            }
            Some(Token::Open) => {
                i += 1;
                while i < tokens.len() && tokens[i] != Token::Close {
                    if tokens[i] == Token::Comma {
                        i += 1;
                        continue;
                    }
                    i = expand(tokens, i, path.clone(), out).max(i + 1);
                }
                return i + 1;
            }
            Some(Token::Star) | None | Some(_) => {
                out.push(path);
                return i + 1;
            }
        }
    }
}

/// The module paths a file names through `crate::`, `super::` or `self::`, resolved against its own module.
fn imports(module: &[String], code: &str) -> Vec<Vec<String>> {
    // A file's unit tests sit in `mod tests` at its end: there `super` is the file itself.
    let test_start = code.find("#[cfg(test)]\nmod tests").unwrap_or(code.len());
    let mut found = Vec::new();
    for (part, in_tests) in [(&code[..test_start], false), (&code[test_start..], true)] {
        let tokens = tokens(part);
        let mut i = 0;
        while i < tokens.len() {
            let root = match &tokens[i] {
                Token::Ident(name) if matches!(name.as_str(), "crate" | "super" | "self") => name.clone(),
                _ => {
                    i += 1;
                    continue;
                }
            };
            let preceded_by_sep = i > 0 && tokens[i - 1] == Token::PathSep;
            if preceded_by_sep || tokens.get(i + 1) != Some(&Token::PathSep) {
                i += 1;
                continue;
            }
            let base: Vec<String> = match (root.as_str(), in_tests) {
                ("crate", _) => Vec::new(),
                ("self", _) | ("super", true) => module.to_vec(),
                _ => module[..module.len().saturating_sub(1)].to_vec(),
            };
            let mut paths = Vec::new();
            i = expand(&tokens, i + 2, base, &mut paths);
            found.extend(paths);
        }
    }
    found
}

/// The file a module path lands in: the longest prefix that is a module of its own.
fn file_of<'a>(modules: &'a BTreeMap<Vec<String>, PathBuf>, path: &[String]) -> Option<&'a Vec<String>> {
    (0..=path.len()).rev().find_map(|n| modules.get_key_value(&path[..n]).map(|(k, _)| k))
}

fn graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let modules = modules();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, file) in &modules {
        let code = std::fs::read_to_string(file).expect("source file");
        for path in imports(module, &code) {
            if let Some(target) = file_of(&modules, &path)
                && target != module
            {
                edges.entry(module.clone()).or_default().insert(target.clone());
            }
        }
    }
    edges
}

fn name(module: &[String]) -> String {
    if module.is_empty() { "crate".into() } else { module.join("::") }
}

#[test]
fn no_two_files_import_each_other() {
    let edges = graph();
    let mut cycles = Vec::new();
    for (from, targets) in &edges {
        for to in targets {
            let back = edges.get(to).is_some_and(|t| t.contains(from));
            let pair = format!("{} <-> {}", name(from), name(to));
            if back && from < to {
                cycles.push(pair);
            }
        }
    }
    assert!(cycles.is_empty(), "files that import each other:\n{}", cycles.join("\n"));
}

#[test]
fn the_store_does_not_import_io() {
    let edges = graph();
    let reaching: Vec<String> = edges
        .iter()
        .filter(|(from, _)| from.first().is_some_and(|s| s == "store"))
        .flat_map(|(from, targets)| {
            targets.iter().filter(|t| t.first().is_some_and(|s| s == "io")).map(move |t| (from, t))
        })
        .map(|(from, to)| format!("{} -> {}", name(from), name(to)))
        .collect();
    assert!(reaching.is_empty(), "the store imports io:\n{}", reaching.join("\n"));
}

/// The reading itself: an import written any of the ways the crate writes them is seen, and one in a string
/// or a comment is not. Without this the two tests above could pass by seeing nothing.
#[test]
fn imports_are_read_in_every_form_the_crate_uses() {
    let module: Vec<String> = vec!["io".into(), "table".into()];
    let code = "use super::{cell::Cell, workbook::{self, MAX_CELLS}};\n\
                use crate::store::Store;\n\
                fn f() { crate::domain::id_number::mask(\"x\"); let s = \"crate::tui::App\"; }\n\
                // crate::cli::run\n\
                fn g<'a>(c: &'a str) -> char { 'x' }\n\
                #[cfg(test)]\nmod tests {\n    use super::*;\n}\n";
    let found: BTreeSet<String> = imports(&module, code).iter().map(|p| p.join("::")).collect();
    let expected: BTreeSet<String> = [
        "io::cell::Cell",
        "io::workbook::self",
        "io::workbook::MAX_CELLS",
        "store::Store",
        "domain::id_number::mask",
        "io::table",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(found, expected);
    let edges = graph();
    let table = edges.get(&module).expect("io::table imports something");
    assert!(table.contains(&vec!["io".to_owned(), "xlsx_rows".to_owned()]), "{table:?}");
}
