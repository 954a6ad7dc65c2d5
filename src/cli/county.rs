//! `canbao push` and `canbao rollup`: drive files into the county's PostgreSQL database, and its counts back.

use std::path::{Path, PathBuf};

use super::output::{print_json, shown_id};
use super::{CmdResult, UserError, paperwork, passphrase, say};
use crate::county::{self, DriveFile, Target, drive};
use crate::domain::coverage;
use crate::store::{Store, StoreError};

/// The database URL: the option, else `CANBAO_PG`. Never printed as given (it may carry a password).
pub fn target(url: Option<&str>) -> Result<Target, UserError> {
    let url = match url {
        Some(u) => u.to_owned(),
        None => std::env::var(county::URL_ENV).ok().filter(|u| !u.trim().is_empty()).ok_or_else(|| {
            UserError(format!(
                "没有汇总数据库地址：请用 --to / --from postgresql://用户@服务器/数据库，或设置 {0} \
                 (no county database: give --to / --from postgresql://USER@HOST/DB, or set {0})",
                county::URL_ENV
            ))
        })?,
    };
    Ok(Target::parse(&url)?)
}

/// The insured year of a drive from before years were kept: its policy's, else the year collected for today.
fn drive_year(store: &Store) -> Result<i32, UserError> {
    if let Some(policy) = paperwork::drive_policy(store)? {
        return Ok(policy.insured_year);
    }
    Ok(county::collecting_year(store.today()))
}

/// Opens a drive to read it: never for writing, never its lock (it may be open in a TUI on this laptop).
fn read_drive(path: &Path) -> Result<drive::DriveRead, UserError> {
    if !path.exists() {
        return Err(StoreError::Missing { path: path.display().to_string() }.into());
    }
    let key = passphrase::for_drive(path)?;
    let store = Store::open_read_only_keyed(path, key.as_ref())?;
    let year = drive_year(&store)?;
    let rows = drive::read(store.connection(), year).map_err(|e| UserError(format!("{}: {e}", path.display())))?;
    Ok(rows)
}

pub fn push(files: &[PathBuf], to: Option<&str>, dry_run: bool, reveal: bool, json: bool) -> CmdResult {
    let target = target(to)?;
    let mut read = Vec::new();
    for path in files {
        let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
        read.push((name, read_drive(path)?));
    }
    let drives: Vec<DriveFile> = read.iter().map(|(name, rows)| DriveFile { name: name.clone(), rows }).collect();
    let mut client = target.connect()?;
    let report = county::push_all(&mut client, &drives, dry_run, reveal).map_err(|e| e.scrubbed(&target))?;
    if json {
        print_json(&report);
        return Ok(());
    }
    if report.dry_run {
        say(
            "试运行，汇总数据库未修改 (dry run: the county database is unchanged)",
            "dry run: the county database is unchanged",
        );
    }
    for f in &report.files {
        say(
            &format!(
                "{}（{} 年度）：新增 {}，更新 {}，未变 {}，冲突 {}，新修改记录 {} 条 \
                 (added, updated, unchanged, conflicts, new history rows)",
                f.file, f.year, f.added, f.updated, f.unchanged, f.conflicts, f.audit_rows
            ),
            &format!(
                "{} ({}): added {}, updated {}, unchanged {}, conflicts {}, new history rows {}",
                f.file, f.year, f.added, f.updated, f.unchanged, f.conflicts, f.audit_rows
            ),
        );
    }
    if report.files.len() > 1 {
        say(
            &format!(
                "合计：新增 {}，更新 {}，未变 {}，冲突 {} (total: added, updated, unchanged, conflicts)",
                report.added,
                report.updated,
                report.unchanged,
                report.conflicts.len()
            ),
            &format!(
                "total: added {}, updated {}, unchanged {}, conflicts {}",
                report.added,
                report.updated,
                report.unchanged,
                report.conflicts.len()
            ),
        );
    }
    let at = |t: &Option<String>| t.as_deref().map(crate::store::instant::local_minutes).unwrap_or_default();
    for c in &report.conflicts {
        let id = shown_id(&c.id_number, true);
        // A status's conflict names its insured year.
        let field = match c.year {
            Some(y) => format!("{}@{y}", c.field),
            None => c.field.clone(),
        };
        say(
            &format!(
                "  {} {} {} 「{}」：保留 {:?}（{} {}），舍弃 {:?}（{} {}）",
                c.school,
                c.name,
                id,
                field,
                c.kept,
                c.kept_drive,
                at(&c.kept_at),
                c.lost,
                c.lost_drive,
                at(&c.lost_at)
            ),
            &format!(
                "  {} {} {} {}: kept {:?} ({} {}), lost {:?} ({} {})",
                c.school,
                c.name,
                id,
                field,
                c.kept,
                c.kept_drive,
                at(&c.kept_at),
                c.lost,
                c.lost_drive,
                at(&c.lost_at)
            ),
        );
    }
    Ok(())
}

pub fn rollup(from: Option<&str>, school: Option<&str>, year: Option<i32>, json: bool) -> CmdResult {
    let target = target(from)?;
    let mut client = target.connect()?;
    let r = county::rollup(&mut client, year, school).map_err(|e| e.scrubbed(&target))?;
    if json {
        print_json(&r);
        return Ok(());
    }
    print_rollup(&r);
    Ok(())
}

fn print_rollup(r: &county::Rollup) {
    let en = super::english();
    let year = r.year.map_or_else(String::new, |y| y.to_string());
    let t = &r.totals;
    if en {
        println!(
            "insured year {year}: pupils {}, expected {}, insured {} ({}), family-paid {}, government {}, declined {}, special groups {}",
            t.students,
            t.expected,
            t.enrolled,
            coverage::percent(t.coverage_permille()),
            t.paid,
            t.government,
            t.declined,
            t.special
        );
    } else {
        println!(
            "{year} 年度：学生 {}，应参保 {}，已参保 {}（{}），家庭缴费 {}，财政代缴 {}，不参保 {}，特殊群体 {}",
            t.students,
            t.expected,
            t.enrolled,
            coverage::percent(t.coverage_permille()),
            t.paid,
            t.government,
            t.declined,
            t.special
        );
    }
    let header = if en {
        "school/class\tpupils\texpected\tinsured\trate\tpaid\tgovernment\tdeclined\tspecial"
    } else {
        "学校/班级\t人数\t应参保\t已参保\t参保率\t家庭缴费\t财政代缴\t不参保\t特殊群体"
    };
    println!("{header}");
    let line = |label: &str, c: &county::rollup::Counts| {
        println!(
            "{label}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            c.students,
            c.expected,
            c.enrolled,
            coverage::percent(c.coverage_permille()),
            c.paid,
            c.government,
            c.declined,
            c.special
        );
    };
    match &r.classes {
        Some(classes) => classes.iter().for_each(|c| line(&c.class, &c.counts)),
        None => r.schools.iter().for_each(|s| line(&s.school, &s.counts)),
    }
    if !r.categories.is_empty() {
        let list: Vec<String> = r.categories.iter().map(|c| format!("{} {}", c.category, c.students)).collect();
        println!("{}{}", if en { "special groups: " } else { "特殊群体：" }, list.join("、"));
    }
}
