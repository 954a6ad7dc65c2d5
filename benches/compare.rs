//! `cargo bench --bench compare`: canbao against the bare tools a user could reach for instead, on the same
//! generated files, in the same run. Each figure is the median wall time of several fresh processes.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time(runs: usize, mut setup: impl FnMut(), mut cmd: impl FnMut() -> Command) -> Duration {
    let mut out = Vec::new();
    for _ in 0..runs {
        setup();
        let mut c = cmd();
        let start = Instant::now();
        let status = c.output().expect("command runs");
        out.push(start.elapsed());
        assert!(status.status.success(), "{:?}: {}", c, String::from_utf8_lossy(&status.stderr));
    }
    median(out)
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

fn canbao() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_canbao"));
    c.env("CANBAO_OPERATOR", "bench");
    c
}

fn sqlite3_available() -> bool {
    Command::new("sqlite3").arg("-version").output().is_ok_and(|o| o.status.success())
}

fn row(what: &str, ours: Duration, theirs: Duration, target: &str) {
    let ratio = ours.as_secs_f64() / theirs.as_secs_f64();
    println!(
        "| {what} | {:.1} ms | {:.1} ms | {ratio:.2}× | {target} |",
        ours.as_secs_f64() * 1e3,
        theirs.as_secs_f64() * 1e3
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-compare");
    std::fs::create_dir_all(&dir).expect("bench dir");
    if !sqlite3_available() {
        println!("sqlite3 CLI not found: install it (Debian: apt-get install sqlite3) to run the comparisons");
        return;
    }
    let import_rows: usize =
        std::env::var("CANBAO_BENCH_IMPORT_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let find_rows: usize = std::env::var("CANBAO_BENCH_FIND_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(500_000);

    println!("| measure | canbao | baseline | ratio | target |");
    println!("|---|---|---|---|---|");

    // CSV import with every check against sqlite3's .import into a bare table.
    let csv_path = dir.join(format!("pupils-{import_rows}.csv"));
    std::fs::write(&csv_path, support::csv(&support::pupils(import_rows, 42))).expect("csv");
    let ours_db = dir.join("import.db");
    let bare_db = dir.join("bare.db");
    let ours = time(
        3,
        || remove_db(&ours_db),
        || {
            let mut c = canbao();
            c.arg("--db").arg(&ours_db).arg("import").arg(&csv_path);
            c
        },
    );
    let bare = time(
        3,
        || remove_db(&bare_db),
        || {
            let mut c = Command::new("sqlite3");
            c.arg(&bare_db).arg(".mode csv").arg(format!(".import {} pupils", csv_path.display()));
            c
        },
    );
    row(&format!("CSV import, {import_rows} rows (sqlite3 .import)"), ours, bare, "≤ 2.0×");

    // find on a large drive as a fresh process against a bare LIKE scan of the same file.
    let big_db = dir.join(format!("find-{find_rows}.db"));
    if !big_db.exists() {
        let big_csv = dir.join(format!("pupils-{find_rows}.csv"));
        std::fs::write(&big_csv, support::csv(&support::pupils(find_rows, 7))).expect("csv");
        let status = canbao().arg("--db").arg(&big_db).arg("import").arg(&big_csv).output().expect("import");
        assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    }
    for (label, query, like_column, like) in [
        ("name fragment", "子涵", "name", "子涵"),
        ("pinyin initials", "wzh", "name", "王子"),
        ("ID fragment", "0512007", "id_number", "0512007"),
        ("class", "三年级5班", "class", "5班"),
    ] {
        let ours = time(
            5,
            || {},
            || {
                let mut c = canbao();
                c.arg("--db").arg(&big_db).args(["find", query, "--limit", "20"]);
                c
            },
        );
        let bare = time(
            5,
            || {},
            || {
                let mut c = Command::new("sqlite3");
                c.arg(&big_db).arg(format!("SELECT name, id_number FROM students WHERE {like_column} LIKE '%{like}%'"));
                c
            },
        );
        row(&format!("find at {find_rows}: {label} (sqlite3 LIKE)"), ours, bare, "≤ 1.0×");
    }
}
