//! Audit instants: written in UTC so two laptops in different zones (or a laptop whose zone was changed)
//! order their changes by when they happened, shown and dated in Beijing time (北京时间).

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, SecondsFormat, Utc};

/// The zone a drive is worked in: Beijing time (UTC+8, no summer time). The notices' dates (the collecting
/// period, 12-31's deadline, the month a late payer's cover starts) are Beijing dates, so a laptop set to another
/// zone (a machine bought abroad, one left in UTC) must still date a payment and show a time by China's clock:
/// by its own it dated a payment at 00:30 on 1 January in the old year, inside the collecting period.
pub fn beijing() -> FixedOffset {
    // 8 hours is inside the ±24 hours `east_opt` takes, so UTC never stands in.
    FixedOffset::east_opt(8 * 3600).unwrap_or(Utc.fix())
}

/// Today in Beijing, whatever zone this laptop is set to.
pub fn beijing_today() -> NaiveDate {
    Utc::now().with_timezone(&beijing()).date_naive()
}

/// How an instant is written to the audit log: RFC 3339 in UTC ("2026-11-23T02:00:00Z").
pub fn to_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The instant an audit text names. Files written before instants were stored in UTC hold the local offset
/// ("2026-11-23T10:00:00+08:00"); both read to the same instant.
pub fn parse(at: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(at).ok().map(|t| t.with_timezone(&Utc))
}

/// Orders two audit texts by the instants they name; a text that is not an instant sorts before every
/// instant, and two such texts by their text, so the order is total and the same from either file.
pub fn cmp(a: &str, b: &str) -> std::cmp::Ordering {
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Greater,
        (None, Some(_)) => std::cmp::Ordering::Less,
        (None, None) => a.cmp(b),
    }
}

/// "2026-11-23 10:00" in Beijing time, for reports.
pub fn beijing_minutes(at: &str) -> String {
    minutes_at(at, beijing())
}

/// "2026-11-23 10:00:07" in Beijing time: a conflict's two changes, often a few seconds apart, which the
/// operator must be able to tell apart.
pub fn beijing_seconds(at: &str) -> String {
    seconds_at(at, beijing())
}

/// "2026-11-23 10:00:07" at the given offset.
pub fn seconds_at(at: &str, offset: FixedOffset) -> String {
    match parse(at) {
        Some(t) => t.with_timezone(&offset).format("%Y-%m-%d %H:%M:%S").to_string(),
        None => at.get(..19).unwrap_or(at).replace('T', " "),
    }
}

/// "2026-11-23 10:00" at the given offset: how every time is shown to a person (the history, the last backup
/// and a backup's time, since when another canbao holds the drive), so one screen never mixes two clocks.
pub fn minutes_at(at: &str, offset: FixedOffset) -> String {
    match parse(at) {
        Some(t) => t.with_timezone(&offset).format("%Y-%m-%d %H:%M").to_string(),
        None => at.get(..16).unwrap_or(at).replace('T', " "),
    }
}

/// An offset as a person reads it beside a time: `UTC+8`, `UTC-3:30`, `UTC`.
pub fn offset_words(offset: FixedOffset) -> String {
    let seconds = offset.local_minus_utc();
    let (sign, seconds) = if seconds < 0 { ('-', -seconds) } else { ('+', seconds) };
    match (seconds / 3600, seconds % 3600 / 60) {
        (0, 0) => "UTC".to_owned(),
        (hours, 0) => format!("UTC{sign}{hours}"),
        (hours, minutes) => format!("UTC{sign}{hours}:{minutes:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering;

    #[test]
    fn an_offset_text_and_a_utc_text_compare_by_instant() {
        // As text the +08:00 one sorts later; it is an hour earlier.
        assert_eq!(cmp("2026-11-23T10:00:00+08:00", "2026-11-23T03:00:00Z"), Ordering::Less);
        assert_eq!(cmp("2026-11-23T03:00:00Z", "2026-11-23T10:00:00+08:00"), Ordering::Greater);
        assert_eq!(cmp("2026-11-23T10:00:00+08:00", "2026-11-23T02:00:00Z"), Ordering::Equal);
        assert_eq!(cmp("x", "2026-11-23T02:00:00Z"), Ordering::Less);
    }

    #[test]
    fn shown_in_the_zone_asked_for() {
        let beijing = FixedOffset::east_opt(8 * 3600).unwrap();
        assert_eq!(minutes_at("2026-11-23T02:00:00Z", beijing), "2026-11-23 10:00");
        assert_eq!(minutes_at("2026-11-23T10:00:00+08:00", beijing), "2026-11-23 10:00");
        assert_eq!(seconds_at("2026-11-23T02:00:07Z", beijing), "2026-11-23 10:00:07");
    }

    #[test]
    fn written_in_utc() {
        let t = parse("2026-11-23T10:00:00+08:00").unwrap();
        assert_eq!(to_text(t), "2026-11-23T02:00:00Z");
    }
}
