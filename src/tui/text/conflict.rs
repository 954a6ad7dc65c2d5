//! A merge conflict in words, for the screen's merge preview and report and for `canbao merge` / `canbao push`
//! alike: the field and values as the detail screen shows them (参保状态, 在校参保, 380.00), each side with when
//! (and, from the county, where) it came from, and an enrollment not applied because it contradicts a payment
//! said as such.

use super::{Text, fill};
use crate::store::merge::Conflict;
use crate::store::merge_renames::SchoolRename;

/// A conflict's field and its two values in `t`'s words, not the audit log's keys and codes. A status names
/// its insured year (a merge names it in the field: `enrollment@2027`).
pub fn conflict_words(
    t: &Text,
    field: &str,
    year: Option<i32>,
    kept: Option<&str>,
    lost: Option<&str>,
) -> (String, String, String) {
    let (key, year) = match field.split_once('@') {
        Some((key, y)) => (key, y.parse().ok().or(year)),
        None => (field, year),
    };
    let label = match year {
        Some(y) => fill(t.conflict_field_year, &[&t.field(key), &y]),
        None => t.field(key),
    };
    let value = |v: Option<&str>| match v {
        None => t.conflict_no_value.to_owned(),
        // A conflict is one line of a report: a long note is cut there (the detail screen’s history shows it whole).
        Some(v) => crate::tui::views::value_label(t, key, v, 40),
    };
    (label, value(kept), value(lost))
}

/// Why a conflict was settled as it was, as its line says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum How<'a> {
    /// The newer change kept.
    Newer,
    /// An enrollment not applied because it contradicts the payment kept (its status).
    AgainstPayment(&'a str),
    /// An 已离校 marked apart from the payment kept (its status): the operator is told how to mark it where the
    /// payment is held, if the pupil left after paying.
    LeftAgainstPayment(&'a str),
    /// A field of a recorded payment kept over a later change made without knowing of it.
    PaymentOverLater,
    /// Two amounts recorded apart on the two sides: the newer kept, the money to check with the tax office.
    TwoAmounts,
    /// Two amounts recorded apart in one second (instants are whole seconds): neither is newer, and the one kept
    /// was chosen by the order both directions of a merge choose by (the laptops' origins), not by time.
    TwoAmountsOneSecond,
}

impl<'a> How<'a> {
    /// From a conflict's field, its two values (as stored) and the payment it names (`Conflict::payment_kept`).
    pub fn of(field: &str, kept: Option<&str>, lost: Option<&str>, payment_kept: Option<&'a str>) -> How<'a> {
        use crate::domain::student::Enrollment;
        use crate::store::Field;
        let key = field.split(['@', ':']).next().unwrap_or(field);
        let payment_field = matches!(
            Field::from_key(key),
            Some(Field::Payment | Field::PaidAmount | Field::PaidOn | Field::PaidChannel)
        );
        let amount = |v: Option<&str>| v.is_some_and(|v| !v.is_empty());
        match payment_kept {
            Some(_) if payment_field => How::PaymentOverLater,
            Some(payment) if key == Field::Enrollment.key() && lost == Some(Enrollment::Left.code()) => {
                How::LeftAgainstPayment(payment)
            }
            Some(payment) => How::AgainstPayment(payment),
            None if key == Field::PaidAmount.key() && amount(kept) && amount(lost) => How::TwoAmounts,
            None => How::Newer,
        }
    }

    /// As it reads with the instants of the two changes, `kept_at` and `lost_at`: two amounts of one second
    /// were not told apart by time, and the line must not say the newer was kept.
    pub fn at(self, kept_at: &str, lost_at: &str) -> How<'a> {
        match self {
            How::TwoAmounts if crate::store::instant::cmp(kept_at, lost_at).is_eq() => How::TwoAmountsOneSecond,
            how => how,
        }
    }
}

/// The two sides of a conflict: each value with where and when it came from. An enrollment not applied because
/// it contradicts a payment says so and names the payment; a payment kept over a later change says why; two
/// amounts recorded apart ask for them to be checked.
pub fn kept_and_lost(t: &Text, (kept, kept_from): (&str, &str), (lost, lost_from): (&str, &str), how: How) -> String {
    match how {
        How::Newer => fill(t.conflict_kept_lost, &[&kept, &kept_from, &lost, &lost_from]),
        How::TwoAmounts => fill(t.conflict_two_amounts, &[&kept, &kept_from, &lost, &lost_from]),
        How::TwoAmountsOneSecond => fill(t.conflict_two_amounts_one_second, &[&kept, &kept_from, &lost, &lost_from]),
        How::PaymentOverLater => fill(t.conflict_payment_over_later, &[&kept, &kept_from, &lost, &lost_from]),
        How::AgainstPayment(payment) => {
            let paid = conflict_words(t, "payment", None, Some(payment), None).1;
            fill(t.conflict_against_payment, &[&kept, &paid, &kept_from, &lost, &lost_from])
        }
        How::LeftAgainstPayment(payment) => {
            let paid = conflict_words(t, "payment", None, Some(payment), None).1;
            fill(t.conflict_left_against_payment, &[&kept, &paid, &kept_from, &lost, &lost_from])
        }
    }
}

/// A merge's count of recorded payments kept over a later change made without knowing of them, as its report
/// and preview say it (nothing when there are none).
pub fn payments_kept_line(t: &Text, r: &crate::store::merge::MergeReport) -> Option<String> {
    let n = r.payments_kept_over_later;
    (n > 0).then(|| fill(t.merge_payments_kept, &[&n]))
}

/// Under the counts, how many pupils (each side apart) still differ from the other file because a restore took a
/// change back (`MergeReport::restore_taken_back`): a merge that updates nothing and meets no conflict would
/// otherwise read as if the two files agreed. `None` when nothing differs so.
pub fn restore_differs_line(t: &Text, r: &crate::store::merge::MergeReport) -> Option<String> {
    let mut sides: Vec<(&str, bool)> =
        r.restore_taken_back.iter().map(|b| (b.id_number.as_str(), b.restored_here)).collect();
    sides.sort_unstable();
    sides.dedup();
    (!sides.is_empty()).then(|| fill(t.merge_restore_differs, &[&sides.len()]))
}

/// The time of a conflict's kept value, marked as an undo's when an undo wrote it back: the time alone reads as
/// a change made then, and the operator would look for one.
pub fn undone_at(t: &Text, at: String, undone: bool) -> String {
    if undone { fill(t.conflict_undone_at, &[&at]) } else { at }
}

/// One pupil's conflict of a merge as a line: name, ID number as given (masked or not), field, and both sides
/// with their times to the second in this computer's zone.
pub fn merge_conflict_line(t: &Text, c: &Conflict, id: &str) -> String {
    use crate::store::instant::beijing_seconds;
    // A class with its grade (四年级2班), as the two sides' grades go with it.
    let whole = |class: Option<&str>, grade: &Option<String>| {
        class.map(|c| crate::domain::class_label::join(grade.as_deref().unwrap_or_default(), c))
    };
    let (kept, lost) = match &c.grades {
        Some([kept_grade, lost_grade]) => (whole(c.kept.as_deref(), kept_grade), whole(c.lost.as_deref(), lost_grade)),
        None => (c.kept.clone(), c.lost.clone()),
    };
    let (field, kept, lost) = conflict_words(t, &c.field, None, kept.as_deref(), lost.as_deref());
    // Each side's time with who made the change, where the log tells (「2026-11-23 10:00:00，甲」): two laptops' people
    // ask each other about the change, which the times alone do not name.
    let (kept_at, lost_at) = (
        undone_at(t, by_operator(t, beijing_seconds(&c.kept_at), &c.kept_by), c.kept_undone),
        by_operator(t, beijing_seconds(&c.lost_at), &c.lost_by),
    );
    let how = How::of(&c.field, c.kept.as_deref(), c.lost.as_deref(), c.payment_kept.as_deref());
    let sides = kept_and_lost(t, (&kept, &kept_at), (&lost, &lost_at), how.at(&c.kept_at, &c.lost_at));
    let line = fill(t.merge_conflict, &[&c.name, &id, &field, &sides]);
    if c.tax_record_lost {
        fill(t.merge_tax_record_lost, &[&line])
    } else if c.tax_record_kept {
        fill(t.merge_tax_record_kept, &[&line])
    } else {
        line
    }
}

/// A conflict side's time with the operator who made the change (`conflict_by`), or the time alone when no
/// operator is known.
pub fn by_operator(t: &Text, at: String, operator: &str) -> String {
    match operator.trim() {
        "" => at,
        operator => fill(t.conflict_by, &[&at, &operator]),
    }
}

/// A value of ours the other laptop's own merge already let lose to theirs (see `MergeReport::decided_there`):
/// a conflict line that says where it was decided.
pub fn decided_there_line(t: &Text, c: &Conflict, id: &str) -> String {
    fill(t.merge_decided_there, &[&merge_conflict_line(t, c, id)])
}

/// What a merge's preview and report say first, before its counts: the other file is of another school, or of
/// no history in common with this drive.
pub fn merge_warnings(t: &Text, r: &crate::store::merge::MergeReport) -> Vec<String> {
    warnings(t, r, false)
}

/// [`merge_warnings`] as the screen says them: a school to rename is renamed through the palette's entry, which
/// the screen holding the drive has, not by a command line it would refuse.
pub fn merge_warnings_on_screen(t: &Text, r: &crate::store::merge::MergeReport) -> Vec<String> {
    warnings(t, r, true)
}

fn warnings(t: &Text, r: &crate::store::merge::MergeReport, on_screen: bool) -> Vec<String> {
    let mut lines = Vec::new();
    if !r.other_schools.is_empty() {
        let sep = if t.lang == crate::tui::Language::En { ", " } else { "、" };
        lines.push(fill(t.merge_other_school, &[&r.other_schools.join(sep)]));
    }
    for school in &r.renamed_schools {
        let template = if school.older { t.merge_old_school_name } else { t.merge_new_school_name };
        lines.push(fill(template, &[&school.name, &school.pupils]));
    }
    lines.extend(r.school_renames.iter().flat_map(|rename| school_rename_lines(t, rename, on_screen)));
    if r.other_has_no_pupils {
        lines.push(t.merge_other_has_no_pupils.to_owned());
    } else if !r.shared_history {
        lines.push(t.merge_no_shared_history.to_owned());
    }
    lines.extend(clock_lines(t, r.their_clock_ahead.as_ref(), r.our_clock_behind.as_ref()));
    if let Some(c) = &r.copied_into_later_year {
        let counts: [&dyn std::fmt::Display; 7] =
            [&c.from_year, &c.pupils, &c.to_year, &c.promoted, &c.graduated, &c.left, &c.from_year];
        lines.push(fill(t.merge_copied_later_year, &counts));
        lines.extend(c.years_not_promoted.iter().map(|year| fill(t.merge_copied_not_promoted, &[year])));
    }
    lines
}

/// The clocks a merge found wrong (`MergeReport::their_clock_ahead`, `our_clock_behind`, or the refusal's
/// `StoreError::MergeClock`): each with both times and how far apart.
pub fn clock_lines(
    t: &Text,
    their_clock_ahead: Option<&crate::store::merge_notes::ClockAhead>,
    our_clock_behind: Option<&crate::store::merge_notes::ClockAhead>,
) -> Vec<String> {
    use crate::store::instant::beijing_seconds;
    let said = [(t.merge_clock_ahead, their_clock_ahead), (t.merge_clock_behind, our_clock_behind)];
    said.into_iter()
        .filter_map(|(template, c)| {
            let c = c?;
            let (hours, minutes) = (c.minutes / 60, c.minutes % 60);
            let how_far = match (t.lang == crate::tui::Language::En, hours) {
                (false, 0) => format!("{minutes} 分钟"),
                (false, _) => format!("{hours} 小时 {minutes} 分钟"),
                (true, 0) => format!("{minutes} min"),
                (true, _) => format!("{hours} h {minutes} min"),
            };
            Some(fill(template, &[&beijing_seconds(&c.newest), &beijing_seconds(&c.now), &how_far]))
        })
        .collect()
}

/// How many pupils the closed-year lines name, per year, before saying how many more.
pub const CLOSED_YEAR_NAMED: usize = 3;

/// The other laptop's changes a merge wrote into a year this drive has closed (`MergeReport::into_closed_years`):
/// per year, how many pupils, then the first few with the fields changed; `id` shows a number (masked unless
/// revealed). Nothing on this year's roster shows them.
pub fn closed_year_lines(t: &Text, r: &crate::store::merge::MergeReport, id: &dyn Fn(&str) -> String) -> Vec<String> {
    let mut lines = Vec::new();
    let sep = if t.lang == crate::tui::Language::En { ", " } else { "、" };
    for group in r.into_closed_years.chunk_by(|a, b| a.year == b.year) {
        let year = group[0].year;
        let header = match group.iter().any(|c| c.moved_this_year.is_some()) {
            true => t.merge_into_closed_year_moved,
            false => t.merge_into_closed_year,
        };
        lines.push(fill(header, &[&year, &group.len(), &year, &year]));
        for c in group.iter().take(CLOSED_YEAR_NAMED) {
            // A class change names the class it made, and this year's it moved, in place of 年级/班级.
            let class_said = c.class_now.as_ref().map(|now| match &c.moved_this_year {
                Some(moved) => fill(t.merge_into_closed_year_class_moved, &[now, &(year + 1), moved]),
                None => fill(t.merge_into_closed_year_class, &[now]),
            });
            let mut fields: Vec<String> = Vec::new();
            for f in &c.fields {
                let of_class = f == "grade" || f == "class";
                match &class_said {
                    Some(said) if of_class => {
                        if !fields.contains(said) {
                            fields.push(said.clone());
                        }
                    }
                    _ => fields.push(t.field(f)),
                }
            }
            lines.push(fill(
                t.merge_into_closed_year_pupil,
                &[&c.name, &id(&c.id_number), &year, &c.class, &fields.join(sep)],
            ));
        }
        if group.len() > CLOSED_YEAR_NAMED {
            lines.push(fill(t.merge_into_closed_year_more, &[&(group.len() - CLOSED_YEAR_NAMED)]));
        }
    }
    // A leaving carried into this year changes this year's roster after all: each pupil named, moved or not.
    for l in &r.leavers_across_year {
        let line = match l.kept_because {
            None => fill(t.merge_leaver_carried, &[&l.name, &id(&l.id_number), &l.year, &l.class]),
            Some(why) => {
                let why = if why == "listed_this_year" { t.merge_leaver_listed } else { t.merge_leaver_marked };
                let line = if l.left_here { t.merge_leaver_back } else { t.merge_leaver_not_carried };
                fill(line, &[&l.name, &id(&l.id_number), &l.year, &why, &l.class])
            }
        };
        lines.push(line);
    }
    lines
}

/// Top-ups of one payment both laptops recorded, all kept (`MergeReport::top_ups_joined`), a line per pupil,
/// then pupils both marked paid apart (`MergeReport::paid_apart`), a line each;
/// `id` shows a number (masked unless revealed).
pub fn top_ups_joined_lines(
    t: &Text,
    r: &crate::store::merge::MergeReport,
    id: &dyn Fn(&str) -> String,
) -> Vec<String> {
    use crate::domain::money::plain;
    let sep = if t.lang == crate::tui::Language::En { " + " } else { "、" };
    let each = |fen: &[i64]| fen.iter().map(|&f| plain(f)).collect::<Vec<_>>().join(sep);
    r.top_ups_joined
        .iter()
        .map(|j| {
            let (before, ours, theirs, total) =
                (plain(j.before_fen), each(&j.ours_fen), each(&j.theirs_fen), plain(j.total_fen));
            let line = fill(t.merge_top_ups_joined, &[&j.name, &id(&j.id_number), &before, &ours, &theirs, &total]);
            if j.same_amount { line + t.merge_top_ups_same_amount } else { line }
        })
        .chain(r.paid_apart.iter().map(|p| {
            let value = |key: &str, v: &Option<String>| match v.as_deref().filter(|v| !v.is_empty()) {
                None => t.conflict_no_value.to_owned(),
                Some(v) => crate::tui::views::value_label(t, key, v, 40),
            };
            let (channel, on) = (crate::store::Field::PaidChannel.key(), crate::store::Field::PaidOn.key());
            let (ours_channel, ours_on) = (value(channel, &p.ours_channel), value(on, &p.ours_paid_on));
            let (theirs_channel, theirs_on) = (value(channel, &p.theirs_channel), value(on, &p.theirs_paid_on));
            fill(
                t.merge_paid_apart,
                &[&p.name, &id(&p.id_number), &ours_channel, &ours_on, &theirs_channel, &theirs_on],
            )
        }))
        .collect()
}

/// Pupils a restore of this drive removed that the merge brought back whole (`MergeReport::restored_pupils_back`),
/// a line each; then changes a restore took back that one of the two files still holds
/// (`MergeReport::restore_taken_back`), a line per pupil and side with the values; `id` shows a number (masked
/// unless revealed).
pub fn taken_back_lines(t: &Text, r: &crate::store::merge::MergeReport, id: &dyn Fn(&str) -> String) -> Vec<String> {
    let sep = if t.lang == crate::tui::Language::En { ", " } else { "、" };
    let mut lines: Vec<String> = r
        .restored_pupils_back
        .iter()
        .map(|p| fill(t.merge_restored_pupil_back, &[&p.name, &id(&p.id_number)]))
        .collect();
    for here in [true, false] {
        let side: Vec<_> = r.restore_taken_back.iter().filter(|b| b.restored_here == here).collect();
        let template = if here { t.merge_taken_back_here } else { t.merge_taken_back_there };
        for pupil in side.chunk_by(|a, b| a.id_number == b.id_number) {
            let what: Vec<String> = pupil
                .iter()
                .map(|b| {
                    let (field, value, _) = conflict_words(t, &b.field, None, b.value.as_deref(), None);
                    format!("{field} {value}")
                })
                .collect();
            lines.push(fill(template, &[&pupil[0].name, &id(&pupil[0].id_number), &what.join(sep)]));
        }
    }
    lines
}

/// A number one laptop corrected a pupil to that the other gave another pupil (`NumberTaken`), as the report says
/// it; `number` and `kept` as they are shown (masked unless revealed).
pub fn number_taken_line(t: &Text, n: &crate::store::merge::NumberTaken, number: &str, kept: &str) -> String {
    let side = if n.corrected_here { t.merge_here } else { t.merge_there };
    // A pupil held without a number keeps none: said as an empty conflict value is.
    let kept = if kept.is_empty() { t.conflict_no_value } else { kept };
    fill(t.merge_number_taken, &[&number, &n.holder, &n.holder_class, &n.name, &n.class, &side, &kept])
}

/// A school renamed on one laptop only, as the report says it: followed, or left with the command to type (on
/// the screen, the palette entry) that renames `from` to `to`.
fn school_rename_lines(t: &Text, rename: &SchoolRename, on_screen: bool) -> Vec<String> {
    let road = |command: &str, from: &str, to: &str| match on_screen {
        true => fill(t.merge_rename_on_screen, &[&from, &to]),
        false => fill(t.merge_rename_run, &[&command]),
    };
    match rename {
        SchoolRename::Followed { old, new, here, moved } => {
            let template = if *here { t.merge_rename_followed_here } else { t.merge_rename_followed_there };
            vec![fill(template, &[old, new, moved])]
        }
        SchoolRename::Overruled { old, new, here, newer, stayed } => {
            let template = if *here { t.merge_rename_overruled_here } else { t.merge_rename_overruled_there };
            vec![fill(template, &[old, new, newer, stayed])]
        }
        SchoolRename::NameTaken { old, new, here, left, command } => {
            let template = if *here { t.merge_rename_taken_here } else { t.merge_rename_taken_there };
            vec![fill(template, &[old, new, left, &road(command, old, new)])]
        }
        SchoolRename::Apart { old, ours, theirs, ours_pupils, theirs_pupils, to_ours, to_theirs } => {
            let mut lines = vec![fill(t.merge_rename_apart, &[old, ours, theirs, ours_pupils, theirs_pupils])];
            for (name, other, command) in [(theirs, ours, to_theirs), (ours, theirs, to_ours)] {
                if let Some(command) = command {
                    lines.push(fill(t.merge_rename_choose, &[name, &road(command, other, name)]));
                }
            }
            lines
        }
    }
}

/// The drive's policy of each year where the two files did not agree, as the report says it.
pub fn merge_policy_lines(t: &Text, r: &crate::store::merge::MergeReport) -> Vec<String> {
    use crate::store::merge_notes::PolicyOutcome;
    r.policies
        .iter()
        .map(|p| {
            let year = p.year.map_or_else(|| "-".to_owned(), |y| y.to_string());
            match p.outcome {
                PolicyOutcome::Taken => fill(t.merge_policy_taken, &[&year, &p.theirs]),
                PolicyOutcome::KeptOurs => {
                    fill(t.merge_policy_kept, &[&year, &p.ours.as_deref().unwrap_or_default(), &p.theirs])
                }
                PolicyOutcome::NotReadable => fill(t.merge_policy_unreadable, &[&year, &p.theirs]),
                PolicyOutcome::TheirCopyTaken | PolicyOutcome::OurCopyKept => {
                    let c = p.copies.as_ref();
                    let unknown = t.merge_policy_copy_unknown;
                    let at = |a: Option<&String>| {
                        a.map_or_else(|| unknown.to_owned(), |a| crate::store::instant::beijing_seconds(a))
                    };
                    let premium = |p: Option<f64>| p.map_or_else(|| unknown.to_owned(), |y| y.to_string());
                    let why =
                        if c.is_some_and(|c| c.tie) { t.merge_policy_copy_tie } else { t.merge_policy_copy_later };
                    let template = if p.outcome == PolicyOutcome::TheirCopyTaken {
                        t.merge_policy_copy_taken
                    } else {
                        t.merge_policy_copy_kept
                    };
                    let (ours_at, theirs_at) =
                        (at(c.and_then(|c| c.ours_kept_at.as_ref())), at(c.and_then(|c| c.theirs_kept_at.as_ref())));
                    let (ours, theirs) =
                        (premium(c.and_then(|c| c.ours_premium)), premium(c.and_then(|c| c.theirs_premium)));
                    fill(template, &[&year, &p.theirs, &ours, &ours_at, &theirs, &theirs_at, &why])
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::merge::MergeReport;
    use crate::store::merge_notes::RenamedSchool;

    fn payment_conflict(field: &str, kept: &str, lost: Option<&str>, payment_kept: Option<&str>) -> Conflict {
        Conflict {
            id_number: "4502**********8803".into(),
            name: "孙语".into(),
            field: field.into(),
            kept: Some(kept.into()),
            kept_at: "2026-11-23T02:00:00Z".into(),
            lost: lost.map(str::to_owned),
            lost_at: "2026-11-23T02:05:00Z".into(),
            payment_kept: payment_kept.map(str::to_owned),
            grades: None,
            tax_record_lost: false,
            tax_record_kept: false,
            kept_undone: false,
            kept_by: String::new(),
            lost_by: String::new(),
        }
    }

    #[test]
    fn a_kept_value_an_undo_wrote_back_is_said_to_be_one() {
        let undone = Conflict { kept_undone: true, ..payment_conflict("name", "袁怡", Some("袁一怡"), None) };
        let zh = Text::for_language(crate::tui::Language::Zh);
        let en = Text::for_language(crate::tui::Language::En);
        let (zh_line, en_line) = (merge_conflict_line(zh, &undone, "4502"), merge_conflict_line(en, &undone, "4502"));
        assert!(zh_line.contains("保留 袁怡（") && zh_line.contains("，撤销），舍弃 袁一怡（"), "{zh_line}");
        assert!(en_line.contains(", undone), dropped"), "{en_line}");
        let made = payment_conflict("name", "袁怡", Some("袁一怡"), None);
        assert!(!merge_conflict_line(zh, &made, "4502").contains("撤销"));
    }

    /// The differences a restore left are counted a pupil and side each, as their lines below are: two fields of
    /// one pupil are one, the same pupil taken back on the other side another.
    #[test]
    fn the_differences_a_restore_left_are_counted_as_their_lines() {
        use crate::store::merge_restored::TakenBack;
        let back = |field: &str, restored_here: bool| TakenBack {
            id_number: "4502**********8803".into(),
            name: "孙语".into(),
            field: field.into(),
            value: Some("declined".into()),
            at: "2026-11-23T02:00:00Z".into(),
            restored_here,
        };
        let zh = Text::for_language(crate::tui::Language::Zh);
        let en = Text::for_language(crate::tui::Language::En);
        assert_eq!(restore_differs_line(zh, &MergeReport::default()), None);
        let one = MergeReport {
            restore_taken_back: vec![back("enrollment", true), back("decline_reason", true)],
            ..MergeReport::default()
        };
        assert_eq!(taken_back_lines(zh, &one, &|n| n.to_owned()).len(), 1);
        assert_eq!(
            restore_differs_line(zh, &one).as_deref(),
            Some("仍有 1 处因恢复备份而与对方数据文件不同（见下），请核实")
        );
        assert_eq!(
            restore_differs_line(en, &one).as_deref(),
            Some("1 difference from the other file left by a restore (below): check it")
        );
        let two = MergeReport {
            restore_taken_back: vec![back("enrollment", true), back("payment", false)],
            ..MergeReport::default()
        };
        assert_eq!(taken_back_lines(en, &two, &|n| n.to_owned()).len(), 2);
        assert!(restore_differs_line(en, &two).is_some_and(|l| l.starts_with("2 differences") && l.ends_with("them")));
    }

    /// A class conflict names each side's whole class, grade and class: 「保留 2班，舍弃 1班」 said not which grade.
    #[test]
    fn a_class_conflict_names_the_grade() {
        let grade = Some("四年级".to_owned());
        let c =
            Conflict { grades: Some([grade.clone(), grade]), ..payment_conflict("class", "2班", Some("1班"), None) };
        for lang in [crate::tui::Language::Zh, crate::tui::Language::En] {
            let line = merge_conflict_line(Text::for_language(lang), &c, "");
            assert!(line.contains("四年级2班") && line.contains("四年级1班"), "{line}");
        }
    }

    /// A payment kept over a later change made without knowing of it says so on each of its lines, and the
    /// report counts them; two amounts recorded apart ask to be checked with the tax office.
    #[test]
    fn a_payment_kept_over_a_later_change_and_two_amounts_are_said_in_both_languages() {
        let zh = Text::for_language(crate::tui::Language::Zh);
        let en = Text::for_language(crate::tui::Language::En);
        let kept = payment_conflict("payment", "paid", Some("government"), Some("paid"));
        let line = merge_conflict_line(zh, &kept, &kept.id_number);
        assert!(line.contains("「缴费状态」：保留 已缴费（") && line.contains("未采用 财政代缴（"), "{line}");
        assert!(line.ends_with("：这是不知道这笔缴费时作的修改，已收的缴费保留"), "{line}");
        let line = merge_conflict_line(en, &kept, &kept.id_number);
        assert!(line.ends_with("not applied: it was made without knowing of the payment, which stands"), "{line}");
        let amount = payment_conflict("paid_amount_fen", "38000", None, Some("paid"));
        assert!(merge_conflict_line(zh, &amount, "").contains("保留 380.00（"), "the payment's amount named");
        let two = payment_conflict("paid_amount_fen", "20000", Some("38000"), None);
        let line = merge_conflict_line(zh, &two, &two.id_number);
        assert!(line.contains("保留 200.00（") && line.contains("舍弃 380.00（"), "{line}");
        assert!(line.ends_with("两边记录的缴费金额不同，保留较新的，请向税务核实"), "{line}");
        assert!(merge_conflict_line(en, &two, "").ends_with("check with the tax office"));
        assert!(merge_conflict_line(en, &two, "").contains("the newer kept"));
        // Both amounts of one second (the same instant written in two zones): no newer to keep, and the line
        // says what chose, in both languages.
        let one_second = Conflict { lost_at: "2026-11-23T10:00:00+08:00".into(), ..two.clone() };
        let line = merge_conflict_line(zh, &one_second, &one_second.id_number);
        assert!(line.contains("保留 200.00（") && line.contains("舍弃 380.00（"), "{line}");
        assert!(!line.contains("保留较新的") && line.contains("同一秒") && line.contains("请向税务核实"), "{line}");
        let line = merge_conflict_line(en, &one_second, "");
        assert!(!line.contains("newer kept") && line.contains("in the same second"), "{line}");
        assert!(line.ends_with("check with the tax office"), "{line}");
        let report = MergeReport { payments_kept_over_later: 2, ..MergeReport::default() };
        assert_eq!(
            payments_kept_line(zh, &report).as_deref(),
            Some(
                "已记录的缴费保留，未被较晚的修改覆盖：2 笔（那些修改是另一台电脑在不知道这笔缴费时作的，见下列冲突）"
            )
        );
        assert!(payments_kept_line(en, &report).is_some_and(|l| l.starts_with("Recorded payments kept over a later")));
        assert_eq!(payments_kept_line(zh, &MergeReport::default()), None);
    }

    /// The other laptop's changes to a year closed here: how many pupils, the first few named with their number
    /// as shown and the fields changed, and how many more, in both languages.
    #[test]
    fn changes_into_a_closed_year_are_counted_and_the_first_pupils_named() {
        use crate::store::merge::ClosedYearChange;
        let zh = Text::for_language(crate::tui::Language::Zh);
        let en = Text::for_language(crate::tui::Language::En);
        let change = |i: usize| ClosedYearChange {
            year: 2027,
            id_number: format!("45020220150101123{i}"),
            name: format!("学生{i}"),
            class: "一年级1班".into(),
            fields: vec!["enrollment".into(), "payment".into()],
            class_now: None,
            moved_this_year: None,
            student: 0,
        };
        let report = MergeReport { into_closed_years: (0..5).map(change).collect(), ..MergeReport::default() };
        let masked = |n: &str| crate::domain::id_number::mask(n);
        let lines = closed_year_lines(zh, &report, &masked);
        assert_eq!(lines.len(), 2 + CLOSED_YEAR_NAMED, "{lines:?}");
        assert_eq!(
            lines[0],
            "对方对 2027 年度（本机已结束的年度）的修改涉及 5 名学生，已记入 2027 年度：本年度的名单和统计不变，用 --year 2027 查看"
        );
        assert_eq!(
            lines[1],
            format!("  学生0 {}（2027 年度在 一年级1班）：参保状态、缴费状态", masked(&change(0).id_number))
        );
        assert!(!lines.iter().any(|l| l.contains(&change(0).id_number)), "numbers masked");
        assert_eq!(lines[4], "  另有 2 名学生（--json 列出全部）");
        let lines = closed_year_lines(en, &report, &masked);
        assert!(
            lines[0].starts_with(
                "The other file's changes to insured year 2027, a year this drive has closed, concern 5 pupils"
            ),
            "{lines:?}"
        );
        assert!(lines[1].ends_with("(in 2027 in 一年级1班): enrollment, payment"), "{lines:?}");
        assert_eq!(lines[4], "  ... and 2 more pupils (--json lists them all)");
        let one = MergeReport { into_closed_years: vec![change(0)], ..MergeReport::default() };
        assert!(closed_year_lines(en, &one, &masked)[0].contains("concern 1 pupil:"));
        assert!(closed_year_lines(zh, &MergeReport::default(), &masked).is_empty());
    }

    /// A class changed in a closed year is said with the class it made and this year's class it moved, not as
    /// 年级、班级, and the year's line no longer says this year is unchanged.
    #[test]
    fn a_class_changed_into_a_closed_year_names_the_class_and_this_years_move() {
        use crate::store::merge::ClosedYearChange;
        let zh = Text::for_language(crate::tui::Language::Zh);
        let en = Text::for_language(crate::tui::Language::En);
        let change = |moved: Option<&str>| ClosedYearChange {
            year: 2027,
            id_number: "450202201403010021".into(),
            name: "六年乙".into(),
            class: "六年级2班".into(),
            fields: vec!["grade".into(), "class".into(), "payment".into()],
            class_now: Some("六年级1班".into()),
            moved_this_year: moved.map(str::to_owned),
            student: 0,
        };
        let shown = |n: &str| n.to_owned();
        let moved = MergeReport { into_closed_years: vec![change(Some("七年级1班"))], ..MergeReport::default() };
        let lines = closed_year_lines(zh, &moved, &shown);
        assert_eq!(
            lines[1],
            "  六年乙 450202201403010021（2027 年度在 六年级2班）：班级改为 六年级1班，2028 年度的班级随之改为 七年级1班、缴费状态"
        );
        assert!(!lines[0].contains("不变"), "{lines:?}");
        let lines = closed_year_lines(en, &moved, &shown);
        assert!(
            lines[1].ends_with("class changed to 六年级1班, and the class of 2028 with it to 七年级1班, payment"),
            "{lines:?}"
        );
        assert!(!lines[0].contains("unchanged"), "{lines:?}");
        let kept = MergeReport { into_closed_years: vec![change(None)], ..MergeReport::default() };
        let lines = closed_year_lines(zh, &kept, &shown);
        assert!(lines[1].ends_with("：班级改为 六年级1班、缴费状态"), "{lines:?}");
        assert!(lines[0].contains("本年度的名单和统计不变"), "{lines:?}");
    }

    #[test]
    fn a_school_renamed_on_a_copy_is_said_by_its_name_not_as_another_school() {
        let zh = Text::for_language(crate::tui::Language::Zh);
        let en = Text::for_language(crate::tui::Language::En);
        let renamed = |name: &str, older| RenamedSchool { name: name.into(), pupils: 2, older };
        let older = MergeReport {
            renamed_schools: vec![renamed("测试小学", true)],
            shared_history: true,
            ..MergeReport::default()
        };
        assert_eq!(merge_warnings(zh, &older), ["对方数据文件仍使用旧校名 测试小学（2 人）"]);
        assert_eq!(merge_warnings(en, &older), ["The other file still uses the school's old name 测试小学 (2 pupils)"]);
        let newer = MergeReport {
            renamed_schools: vec![renamed("测试小学本部", false)],
            shared_history: true,
            ..MergeReport::default()
        };
        assert_eq!(merge_warnings(zh, &newer), ["对方数据文件已将校名改为 测试小学本部（2 人）"]);
    }

    /// A conflict whose lost value is the tax office's record says so after its two sides, in both languages.
    #[test]
    fn a_conflict_that_dropped_the_tax_offices_record_says_so() {
        let zh = Text::for_language(crate::tui::Language::Zh);
        let en = Text::for_language(crate::tui::Language::En);
        let plain = payment_conflict("paid_channel", "现金", Some("银行"), None);
        let dropped = Conflict { tax_record_lost: true, ..plain.clone() };
        let line = merge_conflict_line(zh, &dropped, "4502**********8803");
        assert_eq!(
            line,
            format!(
                "{}：舍弃的是核对税务名单时记录的，请向税务核实",
                merge_conflict_line(zh, &plain, "4502**********8803")
            )
        );
        assert!(
            merge_conflict_line(en, &dropped, "x")
                .ends_with("the value dropped is the one the tax office's list recorded: check with the tax office")
        );
        assert!(!merge_conflict_line(zh, &plain, "x").contains("税务名单"));
    }

    /// The other file's change stamped ahead of this laptop's clock is said with both times and how far, in hours
    /// and minutes.
    #[test]
    fn a_change_stamped_ahead_of_this_clock_says_both_times_and_how_far() {
        use crate::store::instant::beijing_seconds;
        let (newest, now) = ("2026-11-23T05:05:00Z", "2026-11-23T02:00:00Z");
        let ahead = |minutes| MergeReport {
            shared_history: true,
            their_clock_ahead: Some(crate::store::merge_notes::ClockAhead {
                newest: newest.into(),
                now: now.into(),
                minutes,
            }),
            ..MergeReport::default()
        };
        let (newest, now) = (beijing_seconds(newest), beijing_seconds(now));
        let zh = merge_warnings(Text::for_language(crate::tui::Language::Zh), &ahead(185));
        assert_eq!(zh.len(), 1, "{zh:?}");
        assert!(
            zh[0].starts_with(&format!(
                "对方数据文件最新的修改时间为 {newest}，比本机现在的时间（{now}）晚 3 小时 5 分钟：时钟可能不准"
            )),
            "{zh:?}"
        );
        let en = merge_warnings(Text::for_language(crate::tui::Language::En), &ahead(25));
        assert!(
            en[0].contains(&format!("stamped {newest}, later than this laptop's clock ({now}) by 25 min")),
            "{en:?}"
        );
        assert!(
            merge_warnings(
                Text::for_language(crate::tui::Language::En),
                &MergeReport { shared_history: true, ..MergeReport::default() }
            )
            .is_empty()
        );
    }

    /// A file with no pupil shares no history either: it is said to hold none, not to be of another drive.
    #[test]
    fn a_file_with_no_pupils_is_said_to_hold_none_rather_than_no_history() {
        let empty = MergeReport { other_has_no_pupils: true, shared_history: false, ..MergeReport::default() };
        let zh = merge_warnings(Text::for_language(crate::tui::Language::Zh), &empty).join("\n");
        assert!(zh.contains("对方数据文件中没有学生") && !zh.contains("没有共同的修改记录"), "{zh}");
        let en = merge_warnings(Text::for_language(crate::tui::Language::En), &empty).join("\n");
        assert!(en.contains("holds no pupils") && !en.contains("share no history"), "{en}");
    }

    #[test]
    fn a_rename_onto_a_school_the_drive_has_names_both_schools_and_the_command() {
        let taken = MergeReport {
            school_renames: vec![SchoolRename::NameTaken {
                old: "甲小学".into(),
                new: "乙小学".into(),
                here: false,
                left: 2,
                command: "canbao --db d.db school rename 甲小学 乙小学 --merge".into(),
            }],
            shared_history: true,
            ..MergeReport::default()
        };
        let zh = Text::for_language(crate::tui::Language::Zh);
        assert_eq!(
            merge_warnings(zh, &taken),
            [
                "另一台电脑已将学校「甲小学」改名为「乙小学」，但本机已有名为「乙小学」的学校，未替你合并：本机在「甲小学」下的 2 \
              名学生仍在「甲小学」；如是同一所学校，请运行：canbao --db d.db school rename 甲小学 乙小学 --merge"
            ]
        );
        let en = Text::for_language(crate::tui::Language::En);
        assert!(merge_warnings(en, &taken)[0].ends_with("run: canbao --db d.db school rename 甲小学 乙小学 --merge"));
    }

    /// On the screen a school left to rename is renamed through the palette's 「学校改名」, named with both names,
    /// never by a command line the screen holding the drive refuses; the command line's report keeps its command.
    #[test]
    fn the_screen_names_the_palette_entry_for_a_school_left_to_rename() {
        let report = MergeReport {
            school_renames: vec![
                SchoolRename::NameTaken {
                    old: "甲小学".into(),
                    new: "乙小学".into(),
                    here: true,
                    left: 2,
                    command: "canbao --db d.db school rename 甲小学 乙小学 --merge".into(),
                },
                SchoolRename::Apart {
                    old: "甲小学".into(),
                    ours: "乙小学".into(),
                    theirs: "丙小学".into(),
                    ours_pupils: 3,
                    theirs_pupils: 4,
                    to_ours: Some("canbao school rename 丙小学 乙小学 --merge".into()),
                    to_theirs: Some("canbao school rename 乙小学 丙小学 --merge".into()),
                },
            ],
            shared_history: true,
            ..MergeReport::default()
        };
        let zh = Text::for_language(crate::tui::Language::Zh);
        let lines = merge_warnings_on_screen(zh, &report);
        assert!(lines.iter().all(|l| !l.contains("canbao") && !l.contains("请运行")), "{lines:?}");
        assert!(
            lines[0].ends_with("如是同一所学校，请在命令面板（:）中选「学校改名」，把「甲小学」改名为「乙小学」"),
            "{lines:?}"
        );
        assert!(lines.contains(
            &"如都应叫「丙小学」，请在命令面板（:）中选「学校改名」，把「乙小学」改名为「丙小学」".to_owned()
        ));
        assert!(lines.contains(
            &"如都应叫「乙小学」，请在命令面板（:）中选「学校改名」，把「丙小学」改名为「乙小学」".to_owned()
        ));
        let en = Text::for_language(crate::tui::Language::En);
        let lines = merge_warnings_on_screen(en, &report);
        assert!(lines.iter().all(|l| !l.contains("canbao") && !l.contains("run:")), "{lines:?}");
        assert!(
            lines[0].ends_with("choose 'Rename a school' in the palette (:) and rename 甲小学 to 乙小学"),
            "{lines:?}"
        );
        // The command line's report as before.
        assert!(
            merge_warnings(zh, &report)[0].ends_with("请运行：canbao --db d.db school rename 甲小学 乙小学 --merge")
        );
    }

    /// An 已离校 not applied beside another laptop's payment tells the operator how to mark it where the payment
    /// is held; a 不参保 not applied does not (`mark` refuses it over a payment anyway).
    #[test]
    fn a_leaving_not_applied_beside_a_payment_says_to_merge_the_payments_laptop_and_mark_it_again() {
        let zh = Text::for_language(crate::tui::Language::Zh);
        let en = Text::for_language(crate::tui::Language::En);
        let left = payment_conflict("enrollment", "here", Some("left"), Some("paid"));
        let line = merge_conflict_line(zh, &left, &left.id_number);
        assert!(line.contains("未采用 已离校（") && line.ends_with("再标记已离校"), "{line}");
        assert!(line.contains("请先合并收这笔缴费的电脑的文件"), "{line}");
        let line = merge_conflict_line(en, &left, "");
        assert!(line.contains("merge the file of the laptop that took the payment"), "{line}");
        let declined = payment_conflict("enrollment", "here", Some("declined"), Some("paid"));
        let line = merge_conflict_line(zh, &declined, "");
        assert!(line.ends_with("：与缴费矛盾"), "{line}");
    }
}
