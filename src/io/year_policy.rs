//! The policy a new insured year takes when none is named, for `year new` and the TUI's 开始新学年 alike: one
//! for that year named like the drive's (`yibin-2028` for `yibin-2027`) if the config folder or canbao has it,
//! else one made from the drive's policy as `policy new` makes it, written to the config folder's `policies/`.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::domain::category::CategoryTable;
use crate::domain::policy::{self, PaymentWindow, Policy, PolicySet, Renewal, Renewed};

/// What a new year's policy will be.
pub enum YearPolicy {
    /// The drive has no policy to go on.
    None,
    /// A policy for the year the config folder or canbao already has.
    Existing(String),
    /// One made from the drive's policy, to be written with [`write_policy`] when the year starts.
    Made { name: String, renewed: Box<Renewed> },
}

/// The concentrated period (集中缴费期, the policy's first window) of `current`'s policy when it is still open on
/// `today`: starting the next year now would put today's payments, and every mark after, on the new year.
pub fn window_still_open(policy: Option<&Policy>, current: i32, today: NaiveDate) -> Option<&PaymentWindow> {
    // Only the first window: a later one (中途参保 through the insured year) runs while the next year's
    // concentrated period has begun, and starting that year is then right.
    let window = policy.filter(|p| p.insured_year == current)?.windows.first()?;
    (window.from <= today && today <= window.to).then_some(window)
}

/// The name the year's policy takes after the drive's: its city part and the year.
pub fn name_for_year(drive_policy: &str, year: i32) -> String {
    let stem = drive_policy.trim_end_matches(|c: char| c.is_ascii_digit()).trim_end_matches('-');
    format!("{stem}-{year}")
}

/// A policy's file text: the config folder's copy, else canbao's own.
pub fn policy_text(config_dir: Option<&Path>, name: &str) -> Option<String> {
    config_dir
        .and_then(|dir| std::fs::read_to_string(dir.join("policies").join(format!("{name}.toml"))).ok())
        .or_else(|| policy::builtin_text(name).map(str::to_owned))
}

/// The policy for `year` after the drive's policy `drive_policy`; `premium_fen` is the made policy's
/// 个人缴费标准 (else the drive's policy's own). The error says why none could be made, in Chinese and English.
pub fn choose(
    drive_policy: Option<&str>,
    year: i32,
    set: &PolicySet,
    config_dir: Option<&Path>,
    premium_fen: Option<i64>,
) -> Result<YearPolicy, String> {
    let Some(current) = drive_policy else { return Ok(YearPolicy::None) };
    let name = name_for_year(current, year);
    if let Some(found) = set.get(&name).filter(|p| p.insured_year == year) {
        return Ok(YearPolicy::Existing(found.name.clone()));
    }
    let Some(base) = set.get(current) else {
        return Err(format!(
            "找不到数据文件选定的政策“{current}”，无法生成 {year} 年度政策；请用 --policy 指定 \
             (the drive's policy is missing: name the new year's with --policy)"
        ));
    };
    let base_text = policy_text(config_dir, &base.name)
        .ok_or_else(|| format!("读不到政策文件“{}” (cannot read the policy file)", base.name))?;
    let request = Renewal { name: &name, base_name: &base.name, base_text: &base_text, year, premium_fen };
    let renewed = policy::renew(&request, CategoryTable::builtin()).map_err(|e| e.to_string())?;
    Ok(YearPolicy::Made { name, renewed: Box::new(renewed) })
}

/// Writes a made policy to the config folder's `policies/` (never over a file already there); its path.
pub fn write_policy(config_dir: &Path, name: &str, renewed: &Renewed) -> std::io::Result<PathBuf> {
    let dir = config_dir.join("policies");
    std::fs::create_dir_all(&dir)?;
    let target = dir.join(format!("{name}.toml"));
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&target)?;
    std::io::Write::write_all(&mut file, renewed.text.as_bytes())?;
    file.sync_all()?;
    Ok(target)
}
