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

/// Where a file's unit tests start (`#[cfg(test)] mod tests`, shared with other files' tests or not), or its end.
fn tests_start(code: &str) -> usize {
    let mut from = 0;
    while let Some(at) = code[from..].find("#[cfg(test)]\n").map(|i| from + i) {
        let after = &code[at + "#[cfg(test)]\n".len()..];
        let after = ["pub(super) ", "pub(crate) ", "pub "].iter().find_map(|v| after.strip_prefix(v)).unwrap_or(after);
        if after.starts_with("mod tests") {
            return at;
        }
        from = at + 1;
    }
    code.len()
}

/// The module paths a file names through `crate::`, `super::` or `self::`, resolved against its own module.
fn imports(module: &[String], code: &str) -> Vec<Vec<String>> {
    // A file's unit tests sit in `mod tests` at its end: there `super` is the file itself.
    let test_start = tests_start(code);
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
    graph_of(true)
}

/// The imports between files; without `tests`, those of unit tests left out (a file's `mod tests`, and a
/// `tests.rs` of its own), which may reach any file to build what they test with (`demo` for a sample drive)
/// without making the code a loop.
fn graph_of(tests: bool) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let modules = modules();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (module, file) in &modules {
        if !tests && module.last().is_some_and(|m| m == "tests") {
            continue;
        }
        let code = std::fs::read_to_string(file).expect("source file");
        let code = match tests {
            true => code.as_str(),
            false => &code[..tests_start(&code)],
        };
        for path in imports(module, code) {
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

/// The groups of files that reach one another through imports (strongly connected components of more than one
/// file), among the files `within` keeps: each as one loop through it, `a -> b -> c -> a`, so the message names
/// the imports to undo. Tarjan's algorithm, iterative over the graph's handful of hundred files.
fn loops(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>, within: impl Fn(&[String]) -> bool) -> Vec<String> {
    let nodes: Vec<&Vec<String>> = edges
        .iter()
        .flat_map(|(from, to)| std::iter::once(from).chain(to))
        .filter(|m| within(m))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let index_of: BTreeMap<&Vec<String>, usize> = nodes.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let next: Vec<Vec<usize>> = nodes
        .iter()
        .map(|m| edges.get(*m).into_iter().flatten().filter_map(|t| index_of.get(t).copied()).collect())
        .collect();
    // Tarjan's strongly connected components.
    let n = nodes.len();
    let (mut index, mut low, mut on_stack) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut groups, mut counter) = (Vec::new(), Vec::new(), 0);
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some((v, child)) = work.pop() {
            if child == 0 {
                index[v] = counter;
                low[v] = counter;
                counter += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = next[v].get(child) {
                work.push((v, child + 1));
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            if low[v] == index[v] {
                let mut group = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    group.push(w);
                    if w == v {
                        break;
                    }
                }
                if group.len() > 1 {
                    groups.push(group);
                }
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
        }
    }
    // One loop through each group: the shortest way back from its first file to itself, inside the group.
    groups
        .into_iter()
        .map(|group| {
            let inside: BTreeSet<usize> = group.iter().copied().collect();
            let start = *group.iter().min_by_key(|&&v| nodes[v]).unwrap_or(&group[0]);
            let mut came_from: BTreeMap<usize, usize> = BTreeMap::new();
            let mut queue = std::collections::VecDeque::from([start]);
            'search: while let Some(v) = queue.pop_front() {
                for &w in &next[v] {
                    if !inside.contains(&w) {
                        continue;
                    }
                    if w == start {
                        came_from.insert(usize::MAX, v);
                        break 'search;
                    }
                    if let std::collections::btree_map::Entry::Vacant(e) = came_from.entry(w) {
                        e.insert(v);
                        queue.push_back(w);
                    }
                }
            }
            let mut path = vec![start];
            let mut at = came_from.get(&usize::MAX).copied();
            while let Some(v) = at.filter(|&v| v != start) {
                path.push(v);
                at = came_from.get(&v).copied();
            }
            path.push(start);
            path.reverse();
            let loop_ = path.iter().map(|&v| name(nodes[v])).collect::<Vec<_>>().join(" -> ");
            let on_it: BTreeSet<usize> = path.iter().copied().collect();
            let others: Vec<String> = group.iter().filter(|v| !on_it.contains(v)).map(|&v| name(nodes[v])).collect();
            if others.is_empty() { loop_ } else { format!("{loop_}, and in loops with them: {}", others.join(", ")) }
        })
        .collect()
}

/// No loop of imports of any length among `io`'s files (a pair, or `sniff -> header -> table -> sniff`): each file
/// of the reading sits on the ones below it. Pairs are forbidden everywhere (`no_two_files_import_each_other`).
#[test]
fn no_loop_of_imports_within_io() {
    let found = loops(&graph_of(false), |m| m.first().is_some_and(|s| s == "io"));
    assert!(found.is_empty(), "files of io that import one another in a loop:\n{}", found.join("\n"));
}

/// The loop finder itself: a loop of three and a pair are found, a chain is not.
#[test]
fn loops_of_any_length_are_found() {
    let m = |s: &str| s.split("::").map(str::to_owned).collect::<Vec<String>>();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (from, to) in [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("x", "y"), ("y", "x")] {
        edges.entry(m(from)).or_default().insert(m(to));
    }
    let found = loops(&edges, |_| true);
    assert_eq!(found, ["a -> b -> c -> a", "x -> y -> x"]);
    assert!(loops(&edges, |m| m[0] != "b").iter().all(|l| !l.contains('a')), "a loop through a file left out");
}

/// Every loop of imports across `src`, listed: printed with `--nocapture`, for the record of what is left.
#[test]
fn loops_across_src_are_listed() {
    let found = loops(&graph_of(false), |_| true);
    println!("loops of imports across src ({}):\n{}", found.len(), found.join("\n"));
}

/// A message broken over source lines without its `\` keeps the next line's indentation as a run of spaces inside
/// the text (「汇总数据库保留一笔，                     与合并的结果相同」). Column layouts that align on purpose live
/// in `words::quote`.
#[test]
fn no_message_holds_a_source_lines_indentation() {
    let mut found = Vec::new();
    for path in modules().values() {
        if path.ends_with("words/quote.rs") {
            continue;
        }
        let code = std::fs::read_to_string(path).unwrap();
        for (n, line) in code.lines().enumerate() {
            let Some(start) = line.find('"') else { continue };
            let text = line[start + 1..].trim_end();
            let Some(end) = text.rfind('"') else { continue };
            let text = text[..end].trim_end();
            if let Some(at) = text.find("        ")
                && !text[..at].trim().is_empty()
                && !text[at..].trim().is_empty()
            {
                found.push(format!("{}:{}", path.display(), n + 1));
            }
        }
    }
    assert!(found.is_empty(), "runs of spaces inside messages:\n{}", found.join("\n"));
}
