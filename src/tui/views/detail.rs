//! One pupil: every field, what the ID number tells, the amount due under the drive's policy, where a pupil
//! in a special category enrolls, and the pupil's change history.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use super::cells::{fit, truncate};
use super::chrome::{self, Hint};
use crate::domain::id_number::{self, IdKind};
use crate::domain::money;
use crate::domain::policy::{self, DepartmentShare, FamilyPart, RuleStep, ShareReason};
use crate::domain::student::{Enrollment, PaymentStatus};
use crate::store::AuditEntry;
use crate::tui::app::{App, Detail};
use crate::tui::keymap::Context;
use crate::tui::layout;
use crate::tui::text::{Text, fill};
use crate::words::quote::{QuoteWords, rule_text};
use crate::words::share::ShareWords;

const TAIL: &[&str] = &["help", "quit"];
const LABEL: usize = 12;

/// Every key the screen takes, in the footer: the marks first, then the history's pages and the next pupil.
fn hints(t: &Text) -> [Hint<'static>; 13] {
    [
        ("back", None),
        ("edit_identity", None),
        ("enrollment", None),
        ("toggle_paid", None),
        ("toggle_government", None),
        ("categories", None),
        ("edit_note", None),
        ("reveal", None),
        ("undo", None),
        ("history_older", None),
        ("history_newer", None),
        ("down", Some(t.next_pupil)),
        ("up", Some(t.prev_pupil)),
    ]
}

/// Where the screen's parts go, from the app alone: drawing reads it, and so do the history's page keys, which
/// page by the entries a page of the screen holds.
struct Areas {
    frame: layout::FramedAreas,
    footer: Vec<Line<'static>>,
    fields: Rect,
    history: Rect,
}

fn areas(app: &App, detail: Option<&Detail>, area: Rect) -> Areas {
    // Two rows when one cannot hold every key (80 columns): a key left out of the footer is a key unseen.
    let footer = chrome::footer_lines(app, Context::Detail, &hints(app.text), TAIL, area.width as usize, 2);
    let frame = layout::framed_rows(area, footer.len() as u16);
    let body = frame.body;
    let (fields, history) = match detail {
        None => (body, Rect { height: 0, ..body }),
        Some(_) if body.width >= 110 => {
            let left = body.width * 11 / 20;
            (Rect { width: left, ..body }, Rect { x: body.x + left + 1, width: body.width - left - 1, ..body })
        }
        Some(detail) => {
            // Fields, then the notes as they wrap, then the history in what is left (at least a few lines).
            let wanted = top_rows(app, detail, body.width as usize).len() + 1;
            let top = u16::try_from(wanted).unwrap_or(u16::MAX).min(body.height.saturating_sub(4));
            (Rect { height: top, ..body }, Rect { y: body.y + top, height: body.height - top, ..body })
        }
    };
    Areas { frame, footer, fields, history }
}

/// The row of the screen's status line, above its footer.
pub fn status_row(app: &App, area: Rect) -> u16 {
    areas(app, None, area).frame.status.y
}

pub fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let a = areas(app, app.detail.as_ref(), area);
    chrome::title_bar(frame, app, a.frame.title, app.text.detail_title);
    chrome::status_line(frame, app, a.frame.status);
    if !chrome::keys_wait(app) {
        frame.render_widget(Paragraph::new(a.footer), a.frame.footer);
    }
    let Some(detail) = &app.detail else { return };
    let (shown, rest) = split_top(app, detail, a.fields);
    frame.render_widget(Paragraph::new(shown), a.fields);
    history(frame, app, detail, a.history, &rest);
}

/// The rows above the history, one `Line` a row, as drawn: the fields (a long note or amount wrapped under its
/// value), then the notes wrapped as [`layout::wrap`] breaks them. Counted and drawn from the same rows, so the
/// rows the screen has room for are the rows it shows: a note wrapped by the widget broke English words where
/// the count did not, and its last row fell below the pane, out of reach of every key.
///
/// The warnings under the fields (户籍待核实, a reading to confirm, where a pupil enrolls) come before the pupil's
/// own note, which comes before the rest: a long note above them pushed them below the pane in an 80x24 window,
/// out of sight behind a page key, where the note's rows that do not fit go on in the history's pane instead.
fn top_rows(app: &App, detail: &Detail, width: usize) -> Vec<Line<'static>> {
    let (mut rows, note) = fields(app, detail, width);
    let inner = width.saturating_sub(2).max(1);
    let warning = app.theme.fg(app.theme.warning);
    let wrapped = |line: &Line| -> Vec<Line<'static>> {
        let style = line_style(line);
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        let rows = layout::wrap(&crate::io::table::printable(&text), inner);
        rows.into_iter().map(|r| Line::styled(format!(" {r}"), style)).collect()
    };
    let (warnings, rest): (Vec<Line>, Vec<Line>) =
        notes(app, detail).into_iter().partition(|line| line_style(line) == warning && line.width() > 0);
    rows.extend(warnings.iter().flat_map(wrapped));
    rows.extend(note);
    rows.extend(rest.iter().flat_map(wrapped));
    rows
}

/// A line's look as one style: its first span's over the line's own.
fn line_style(line: &Line) -> Style {
    line.spans.first().map_or(line.style, |s| line.style.patch(s.style))
}

/// The rows above the history that fit `area` (with a last row saying the rest follows), and the rest, which the
/// history's pane shows first, a page at a time, so every row is reachable in the smallest window (80x24): a
/// note, an amount or a rule too long for the pane is never cut off without a sign.
fn split_top(app: &App, detail: &Detail, area: Rect) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let cut = Line::styled(format!(" {}", app.text.notes_cut), app.theme.fg(app.theme.warning));
    fit_rows(top_rows(app, detail, area.width as usize), area.height as usize, cut)
}

/// `rows` cut to `height`, the last row kept saying more follows (`cut`), and the rows that did not fit.
fn fit_rows(
    mut rows: Vec<Line<'static>>,
    height: usize,
    cut: Line<'static>,
) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    if rows.len() <= height {
        return (rows, Vec::new());
    }
    let rest = rows.split_off(height.saturating_sub(1));
    if height > 0 {
        rows.push(cut);
    }
    (rows, rest)
}

fn field(app: &App, label: &str, value: String, style: Style, width: usize) -> Line<'static> {
    Line::from(vec![
        Span::styled(fit(&format!(" {label}"), LABEL + 1), app.theme.muted()),
        Span::styled(truncate(&value, width.saturating_sub(LABEL + 2)), style),
    ])
}

/// A field whose value may be longer than the row: wrapped, its further rows under the value, so no part of
/// it is cut off (the amount due insured elsewhere, where the place comes in the middle).
fn wrapped_field(app: &App, label: &str, value: String, style: Style, width: usize) -> Vec<Line<'static>> {
    // Whatever a drive holds, no control character reaches the terminal (as `truncate` makes sure for a field).
    let rows = layout::wrap(&crate::io::table::printable(&value), width.saturating_sub(LABEL + 2).max(1));
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| {
            let label = if i == 0 { fit(&format!(" {label}"), LABEL + 1) } else { " ".repeat(LABEL + 1) };
            Line::from(vec![Span::styled(label, app.theme.muted()), Span::styled(row, style)])
        })
        .collect()
}

/// The fields, and the pupil's note apart (see `top_rows`).
fn fields(app: &App, d: &Detail, width: usize) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let t = app.text;
    let s = &d.student;
    let theme = &app.theme;
    let plain = Style::default();
    let id = id_number::shown(&s.id_number, app.shows_number_of(s.id));
    let kind = s.id_kind.map(|k| match k {
        IdKind::Resident => t.id_kinds[0],
        IdKind::ResidentConverted => t.id_kinds[1],
        IdKind::HkMoTwPermit => t.id_kinds[2],
        IdKind::ForeignPermanent => t.id_kinds[3],
    });
    let id_value = match kind {
        Some(k) => format!("{id}  {k}"),
        None => id,
    };
    let today = app.store.today();
    // The birth date is digits 7 to 14 of the number: in full beside a masked number it gave away all but two
    // digits without a reveal, so while masked only the year and month are said (the age needs no more).
    let birth_format = if app.shows_number_of(s.id) { "%Y-%m-%d" } else { "%Y-%m" };
    let born = match (s.sex, s.birth_date) {
        (Some(sex), Some(b)) => format!(
            "{}  {}  {}",
            t.pick(sex.label_zh(), sex.label_en()),
            b.format(birth_format),
            fill(t.age, &[&id_number::age_on(b, today)])
        ),
        _ => "-".to_owned(),
    };
    let mut enrollment = t.enrollment(s.enrollment).to_owned();
    if let Some(r) = s.decline_reason.as_deref() {
        let label = match s.enrollment {
            Enrollment::Declined => t.decline_reason,
            Enrollment::Elsewhere => t.elsewhere_place,
            _ => "",
        };
        if !label.is_empty() {
            enrollment.push_str("  ");
            enrollment.push_str(&fill(label, &[&r]));
        }
    }
    // Paid less than the quote (a tax list's amount, recorded as the family paid it): said beside the amount,
    // in the warning colour, until the family pays the rest.
    // Two laptops' amounts for one payment: which was paid is the tax office's to say, so no shortfall is worked
    // out from the one a merge kept.
    let short = match &d.quote {
        Some(Ok(q)) => policy::shortfall_fen(s, q),
        _ => None,
    };
    // A part payment is 部分缴费 (still to collect), as the roster says it.
    // 财政代缴 that pays only the department's share (低保: 285 of 380): the family's is unpaid, so 部分缴费 too.
    let family_owes = d.government.as_ref().is_some_and(|g| {
        matches!(&g.reason, Some(ShareReason::FamilyOwes { because: FamilyPart::PartialSubsidy { .. }, .. }))
    }) && s.payment == PaymentStatus::Government;
    let part_paid = (short.is_some() && d.amount_dispute.is_none()) || family_owes;
    let mut payment = if part_paid { t.part_paid } else { t.payment(s.payment) }.to_owned();
    if s.payment == PaymentStatus::Paid {
        let p = &s.payment_details;
        let amount = p.amount_fen.map(money::two_places).unwrap_or_else(|| "-".into());
        let date = p.paid_on.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
        // A tax list without a channel still says the money reached the tax office; a payment marked by hand
        // without one says nothing, as nothing is known of it.
        let channel = match p.channel.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => channel_label(t, c),
            None if d.listed => t.channel_tax_list_unnamed.to_owned(),
            None => "-".to_owned(),
        };
        payment.push_str("  ");
        payment.push_str(&fill(t.paid_info, &[&amount, &date, &channel]));
    }
    // The two amounts are said in full under the fields, where the words wrap.
    let remark = match (&d.amount_dispute, short) {
        (Some(_), _) => Some(t.amount_to_verify.to_owned()),
        (None, Some(short)) => {
            let (zh, en) = policy::shortfall_words(short);
            Some(t.pick(&zh, &en).to_owned())
        }
        (None, None) => None,
    };
    if let Some(remark) = &remark {
        payment.push_str("  ");
        payment.push_str(remark);
    }
    let categories = if s.categories.is_empty() {
        t.none.to_owned()
    } else {
        // Each category by its own certification year, by the rule `stats` and the forms count by: one carried
        // from an earlier year (待重新认定) says so beside its name, whatever the pupil's others are.
        let carried = s.categories_to_recertify(app.store.shown_year());
        let marks = s
            .categories
            .iter()
            .map(|c| {
                let clause = if carried.contains(&c) { t.with_clause_recertify } else { t.with_clause };
                fill(clause, &[&c.name, &c.department])
            })
            .collect::<Vec<_>>();
        marks.join(t.list_separator())
    };
    let payment_style = theme.fg(match s.payment {
        _ if remark.is_some() => theme.warning,
        PaymentStatus::Unpaid => theme.unpaid,
        PaymentStatus::Paid => theme.paid,
        PaymentStatus::Government => theme.government,
    });
    // A phone that is no phone number (a parent's ID number an earlier canbao took as one) is masked as the ID
    // numbers are, unless revealed, and said, for the operator to correct with E.
    let (phone, phone_style) = match crate::domain::phone::is_no_phone(&s.phone) {
        false => (s.phone.clone(), plain),
        true => {
            let shown = if app.shows_number_of(s.id) {
                s.phone.clone()
            } else {
                crate::domain::id_shown::mask_in_text(&s.phone).into_owned()
            };
            (format!("{shown} {}", t.phone_not_phone), theme.fg(theme.warning))
        }
    };
    let mut lines = vec![
        field(app, t.f_name, s.name.clone(), app.theme.header(), width),
        field(app, t.f_id, id_value, if !s.id_to_verify() { plain } else { theme.fg(theme.warning) }, width),
        field(app, t.f_sex_birth, born, plain, width),
        field(app, t.f_school, s.school.clone(), plain, width),
        field(app, t.f_class, s.class_label(), plain, width),
        field(app, t.f_phone, phone, phone_style, width),
        field(app, t.f_enrollment, enrollment, plain, width),
        field(app, t.f_payment, payment, payment_style, width),
        field(app, t.f_categories, categories, theme.fg(theme.accent), width),
    ];
    // Only where a list gave them: most drives hold neither, and their first page stays as it was. The address
    // is the one place it is shown (personal data, on no list view), whole, wrapped under its label.
    let at = 6;
    let mut personal = Vec::new();
    if let Some(ethnicity) = s.ethnicity.as_deref().filter(|e| !e.is_empty()) {
        personal.push(field(app, t.f_ethnicity, ethnicity.to_owned(), plain, width));
    }
    if let Some(address) = s.address.as_deref().filter(|a| !a.is_empty()) {
        personal.extend(wrapped_field(app, t.f_address, address.to_owned(), plain, width));
    }
    lines.splice(at..at, personal);
    // The pupil's own note whole, wrapped under its label: cut to a row, the rest of it was read nowhere. It
    // comes after the amount due and the cover, and after the warnings under them (`top_rows`): a long note above
    // them pushed them below the pane in an 80x24 window, where the first page must hold the pupil's key facts;
    // the note's rows that do not fit go on in the history's pane.
    let note = wrapped_field(app, t.f_note, s.note.clone(), plain, width);
    if let Some(code) = &s.id_problem {
        let message = Text::lookup(t.problems, code).unwrap_or(code).to_owned();
        // Wrapped, as the amount due is: the advice (请学校重新导出…) is its second half, which a cut line lost.
        lines.extend(wrapped_field(app, t.f_problem, message, theme.fg(theme.warning), width));
    } else if s.id_to_verify() {
        // An old 15-digit number passes every check but is not the pupil's own (only the 1900s' births had them),
        // and the batch template leaves it out: said as `canbao check` lists it, in its words.
        let (zh, en) = crate::domain::roster_check::old_number_text();
        lines.extend(wrapped_field(app, t.f_problem, t.pick(&zh, &en).to_owned(), theme.fg(theme.warning), width));
    }
    // Marked 财政代缴: the department's share as the 财政代缴 ledger states it, in place of the quote's two
    // figures, whose department part may be 0 for a reason only the notes say.
    if let Some(share) = &d.government {
        let style = if share_needs_checking(share) { theme.fg(theme.warning) } else { plain };
        lines.push(field(app, t.f_government, ShareWords::of(t.lang).amount(share), style, width));
    }
    // Insured elsewhere: nothing is collected here, from the family or a department; the notice's figures for
    // enrolling here are only in the rule below, said as such.
    if let Some(elsewhere) = &d.elsewhere {
        let due = match &elsewhere.place {
            Some(place) => fill(t.due_elsewhere_at, &[place]),
            None => t.due_elsewhere.to_owned(),
        };
        lines.extend(wrapped_field(app, t.f_due, due, plain, width));
    } else if let Some((category, place, _)) = collected_away(d) {
        // Sent by the policy to enroll away from school (待遇审批地, the family) and not enrolled here all the same:
        // nothing is collected here, as the 异地缴费 ledger counts the pupil; the notice's figures for paying at
        // school are only in the rule below, said as such. The family's premium first read as owed here.
        let due = app.due_away_words(s, category, *place);
        lines.extend(wrapped_field(app, t.f_due, due, plain, width));
    } else if let Some(Ok(q)) = &d.quote {
        if d.government.is_none() {
            let window = q.window.clone();
            let due = match &d.hukou_pending {
                // Neither amount is the one until the 本市户籍 check: both, the family's first.
                Some(p) => fill(
                    t.due_hukou_pending,
                    &[
                        &money::plain(p.local_personal_fen),
                        &money::plain(p.local_department_fen),
                        &money::plain(p.other_personal_fen),
                        &window,
                    ],
                ),
                // Paid before the category was certified: what the family paid, not an amount due, as `quote`
                // says it; 「个人应缴 380 元」 would read as a 低保 family owing the whole premium.
                None if q.steps.iter().any(|s| matches!(s, RuleStep::PaidFirst(_))) => {
                    fill(t.due_paid_first, &[&money::plain(q.personal_due_fen), &window])
                }
                None => {
                    fill(t.due_line, &[&money::plain(q.personal_due_fen), &money::plain(q.department_due_fen), &window])
                }
            };
            lines.extend(wrapped_field(app, t.f_due, due, plain, width));
            // Part-paid: what was paid and what is still owed, under the whole amount due.
            if let (true, Some(short)) = (part_paid, short) {
                let paid = money::plain(q.personal_due_fen - short);
                let owed = fill(t.due_part, &[&paid, &money::plain(short)]);
                lines.extend(wrapped_field(app, t.part_paid, owed, theme.fg(theme.warning), width));
            }
        }
        // Part-paid: not insured until the rest is paid, and the cover then runs by the day it is paid, not the
        // period the part payment's day would give.
        let no_cover = if family_owes {
            Some(t.coverage_family_share)
        } else {
            (part_paid && d.government.is_none()).then_some(t.coverage_part_paid)
        };
        match no_cover {
            Some(said) => {
                lines.extend(wrapped_field(app, t.f_coverage, said.to_owned(), theme.fg(theme.warning), width));
            }
            // Unpaid: the period is what paying today would give, never a cover the pupil has; said as such, or
            // a teacher answering a parent reads it as insured for the year.
            None if s.payment == PaymentStatus::Unpaid && d.government.is_none() => {
                let said = match app.store.viewed_year() {
                    Some(_) => t.coverage_unpaid_closed.to_owned(),
                    None => fill(t.coverage_unpaid, &[&q.coverage_from, &q.coverage_to]),
                };
                lines.extend(wrapped_field(app, t.f_coverage, said, theme.fg(theme.warning), width));
            }
            None => {
                let coverage = fill(t.coverage_line, &[&q.coverage_from, &q.coverage_to]);
                lines.push(field(app, t.f_coverage, coverage, plain, width));
            }
        }
    } else if family_owes {
        // No quote for today (a day no window takes): the family's share is still unpaid, whatever the day.
        let said = t.coverage_family_share.to_owned();
        lines.extend(wrapped_field(app, t.f_coverage, said, theme.fg(theme.warning), width));
    }
    (lines, note)
}

/// The pupil's category the policy sends to enroll away from school (待遇审批地, the family; not an optional
/// place) when the school collects nothing from the family for it: unpaid, not enrolled here all the same, neither
/// 财政代缴 nor insured elsewhere (each said in its own words). The ledgers count such a pupil in 异地缴费.
pub(crate) fn collected_away(d: &Detail) -> Option<&(String, policy::EnrollPlace, String)> {
    let s = &d.student;
    let here = s.payment != PaymentStatus::Unpaid || s.enrollment == Enrollment::Here;
    if here || d.government.is_some() || d.elsewhere.is_some() {
        return None;
    }
    d.away.iter().find(|(_, place, _)| place.required_away())
}

/// Longer words under the fields, wrapped: the policy's rule or why there is no amount, and where a pupil in
/// a special category enrolls.
fn notes(app: &App, d: &Detail) -> Vec<Line<'static>> {
    let t = app.text;
    let theme = &app.theme;
    let mut lines = vec![Line::raw("")];
    let warn = theme.fg(theme.warning);
    if let Some(dispute) = &d.amount_dispute {
        let (zh, en) = dispute.words();
        lines.push(Line::styled(t.pick(&zh, &en).to_owned(), warn));
    }
    if let Some(hukou) = &d.hukou {
        lines.push(Line::styled(hukou.clone(), warn));
    }
    for (category, place, clause) in &d.away {
        let sentence = fill(t.label_value, &[category, &QuoteWords::of(t.lang).place(*place)]);
        let text = if clause.is_empty() { sentence } else { fill(t.with_clause, &[&sentence, clause]) };
        lines.push(Line::styled(fill(t.label_value, &[&t.f_where, &text]), warn));
    }
    // Why a department's share is 0, unknown or partial, as the ledger's 备注 says it; the drive without a
    // policy is said below once.
    if let Some(share) = &d.government
        && let Some(reason) = share.reason.as_ref().filter(|r| !matches!(r, ShareReason::NoPolicy))
    {
        let why = ShareWords::of(t.lang).reason(&share.department, reason);
        let style = if share_needs_checking(share) { warn } else { Style::default() };
        lines.push(Line::styled(fill(t.government_note, &[&why]), style));
    }
    match &d.quote {
        Some(Ok(q)) => {
            // Readings the notice does not state, before the rule, so the operator sees what to confirm even
            // where the rule does not fit.
            // Paid before the category was certified: what stands for the family, on its own line, out of the
            // rule below.
            for step in &q.steps {
                if let RuleStep::PaidFirst(paid) = step {
                    lines.push(Line::styled(QuoteWords::of(t.lang).paid_first(paid), warn));
                }
            }
            for j in &q.judgements {
                lines.push(Line::styled(fill(t.to_confirm, &[&t.pick(&j.text, &j.text_en), &j.clause]), warn));
            }
            // Pending the 户籍 check, the rule's closing amounts are one of the two the amount line gives.
            let pending = d.hukou_pending.is_some();
            let steps: Vec<RuleStep> = q
                .steps
                .iter()
                .filter(|s| !matches!(s, RuleStep::PaidFirst(_)))
                .filter(|s| !(pending && matches!(s, RuleStep::Totals { .. })))
                .cloned()
                .collect();
            let mut rule = rule_text(&steps, t.lang);
            // A newborn's rule says the birth date: the year and month only while the number is masked, as above.
            if let Some(b) = d.student.birth_date.filter(|_| !app.shows_number_of(d.student.id)) {
                rule = rule.replace(&b.format("%Y-%m-%d").to_string(), &b.format("%Y-%m").to_string());
            }
            let rule = if d.elsewhere.is_some() {
                fill(t.rule_if_here, &[&rule])
            } else if collected_away(d).is_some() {
                fill(t.rule_if_school, &[&rule])
            } else {
                rule
            };
            lines.push(Line::styled(rule, theme.muted()));
        }
        // Nothing is due here from a pupil insured elsewhere: the policy's refusal of today is no concern of theirs.
        Some(Err(_)) if d.elsewhere.is_some() => {}
        // Nor from one the policy sends away from school: the refusal is said of paying at school all the same.
        Some(Err(e)) if collected_away(d).is_some() => {
            lines.push(Line::styled(fill(t.rule_if_school, &[e]), theme.muted()))
        }
        // Marked 财政代缴: the share above is quoted for the concentrated period when no window takes today, so the
        // refusal of today is the family's part alone, said as such, and only where the family has a part the
        // share's own words leave to be paid (none where the department pays it all, and a share that could
        // not be quoted says its refusal above).
        Some(Err(e)) if let Some(share) = &d.government => {
            let family_part = !matches!(
                share.reason,
                None | Some(
                    ShareReason::Unquotable { .. }
                        | ShareReason::UnknownCategory { .. }
                        | ShareReason::PaidElsewhere { .. }
                )
            );
            if family_part {
                let today = app.store.today().format("%Y-%m-%d").to_string();
                lines.push(Line::styled(fill(t.family_part_today, &[&today, e]), theme.muted()));
            }
        }
        Some(Err(e)) => lines.push(Line::styled(fill(t.label_value, &[&t.f_due, e]), warn)),
        None => {
            lines.push(Line::styled(t.no_policy.to_owned(), theme.muted()));
            if !d.student.categories.is_empty() {
                lines.push(Line::styled(fill(t.label_value, &[&t.f_where, &t.special_without_policy]), warn));
            }
        }
    }
    lines
}

/// A 财政代缴 mark the ledger flags 待核实: drawn in the warning colour.
fn share_needs_checking(share: &DepartmentShare) -> bool {
    share.reason.as_ref().is_some_and(|r| r.to_verify() || matches!(r, ShareReason::NoCategory | ShareReason::NoPolicy))
}

fn channel_label(t: &Text, stored: &str) -> String {
    match crate::domain::student::PaymentChannel::from_text(stored) {
        Some(c) => t.channel_name(&c).to_owned(),
        None => stored.to_owned(),
    }
}

/// The history as the screen draws it: each entry's rows, newest first, and how many rows a page holds. The rows
/// the pane above had no room for come first (`notes`, one entry each, so a page may end within a note and none of
/// its rows is ever cut), on pages of their own.
pub(crate) struct HistoryRows {
    pub entries: Vec<Vec<String>>,
    pub room: usize,
    pub notes: Vec<Line<'static>>,
    /// Per entry of `entries`, which note row or history entry it is (of them all, the notes first): an entry
    /// taller than a page is cut into pages' worth, each said to go on, and counted as one entry.
    pub entry_of: Vec<usize>,
}

impl HistoryRows {
    fn of(app: &App, d: &Detail, area: Rect, rest: &[Line<'static>]) -> HistoryRows {
        let width = area.width as usize;
        let room = area.height.saturating_sub(1) as usize;
        let reveal = app.shows_number_of(d.student.id);
        let history = with_grades(&d.history, &d.student.grade);
        // Rows of the pane above, as they were laid out there; one wider than this pane (the wide screen's history
        // column is narrower than its fields') wraps again, in the look of its value.
        let mut notes = Vec::new();
        for line in rest {
            if line.width() <= width {
                notes.push(line.clone());
                continue;
            }
            let style = line.spans.last().map_or(line.style, |s| line.style.patch(s.style));
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            let rows = layout::wrap(text.trim(), width.saturating_sub(1).max(1));
            notes.extend(rows.into_iter().map(|r| Line::styled(format!(" {r}"), style)));
        }
        let mut entries: Vec<Vec<String>> = notes.iter().map(|l| vec![l.to_string()]).collect();
        let mut entry_of: Vec<usize> = (0..notes.len()).collect();
        // Values are shown whole, wrapped (an overwritten note is read nowhere else on screen): cut to a quarter
        // of the column, a long note lost its end behind 「..」. An entry taller than a page goes on over pages
        // of its own, each but the last ending in a row naming the key to the rest, so the others stay a key
        // away and none of its rows is left out.
        let key = app.keymap.keys_for(Context::Detail, "history_older").first().map(|k| k.to_string());
        let more = truncate(&format!("   {}", fill(app.text.entry_continues, &[&key.unwrap_or_default()])), width);
        for (i, e) in history.iter().rev().enumerate() {
            let rows = wrap_entry(&history_line(app.text, e, reveal, usize::MAX), width);
            if rows.len() <= room || room < 2 {
                entries.push(rows);
                entry_of.push(notes.len() + i);
                continue;
            }
            let mut parts = rows.chunks(room - 1).peekable();
            while let Some(part) = parts.next() {
                let mut part = part.to_vec();
                if parts.peek().is_some() {
                    part.push(more.clone());
                }
                entries.push(part);
                entry_of.push(notes.len() + i);
            }
        }
        HistoryRows { entries, room, notes, entry_of }
    }

    /// How many entries the page from entry `first` shows: whole entries while they fit, and always its
    /// first, cut to the page if it alone is taller. The notes and the history never share a page, each having
    /// its own heading.
    pub fn page_len(&self, first: usize) -> usize {
        let end = if first < self.notes.len() { self.notes.len() } else { self.entries.len() };
        let mut used = 0;
        let mut n = 0;
        for rows in self.entries[..end].iter().skip(first).map(Vec::len) {
            if used + rows > self.room {
                break;
            }
            used += rows;
            n += 1;
        }
        n.max(usize::from(first < self.entries.len()))
    }

    /// Where the page before the one from entry `first` starts: as many entries before it as fit, at least one.
    pub fn page_before(&self, first: usize) -> usize {
        let mut used = 0;
        let mut start = first.min(self.entries.len());
        // The first page of the history begins after the notes; those before it, at the first note.
        let floor = if start > self.notes.len() { self.notes.len() } else { 0 };
        while start > floor {
            let rows = self.entries[start - 1].len();
            if used + rows > self.room && start < first {
                break;
            }
            used += rows;
            start -= 1;
        }
        start
    }
}

/// The detail screen's history as its page keys see it, in a terminal of the app's size.
pub(crate) fn history_pages(app: &App) -> Option<HistoryRows> {
    let detail = app.detail.as_ref()?;
    let a = areas(app, Some(detail), layout::area(app.size));
    let (_, rest) = split_top(app, detail, a.fields);
    Some(HistoryRows::of(app, detail, a.history, &rest))
}

fn history(frame: &mut Frame, app: &App, d: &Detail, area: Rect, rest: &[Line<'static>]) {
    if area.height == 0 {
        return;
    }
    let t = app.text;
    let width = area.width as usize;
    let pages = HistoryRows::of(app, d, area, rest);
    let total = pages.entries.len();
    // Newest first: what just happened is what the operator wants to check, and where a new page starts. Each
    // entry wraps whole within the column, its old and new values last: cut to the column, they were lost on a
    // wide screen's narrower history column. Only whole entries are shown, but the page's first always.
    let first = app.history_offset.min(total.saturating_sub(1));
    let shown = pages.page_len(first);
    let notes = pages.notes.len();
    if first < notes {
        // The notes the fields' pane had no room for, under a heading naming the key on to the history.
        let key = app.keymap.keys_for(Context::Detail, "history_older").first().map(|k| k.to_string());
        let heading = format!(" {}", fill(t.notes_continued, &[&key.unwrap_or_default()]));
        let mut lines = vec![Line::styled(fit(&heading, width), app.theme.header())];
        lines.extend(pages.notes.into_iter().skip(first).take(shown));
        return frame.render_widget(Paragraph::new(lines), area);
    }
    // Which entries show, of how many, whenever some do not: a history longer than the page never looks whole.
    // A page of an entry taller than a page counts as that entry.
    let entry = |at: usize| pages.entry_of.get(at).map_or(0, |&e| e.saturating_sub(notes));
    let entries = pages.entry_of.last().map_or(0, |&e| (e + 1).saturating_sub(notes));
    let range = if first > notes || first + shown < total {
        fill(t.history_range, &[&(entry(first) + 1), &(entry(first + shown - 1) + 1), &entries])
    } else {
        String::new()
    };
    let heading = format!(" {}", t.history);
    let range = if range.is_empty() {
        range
    } else {
        format!("{} ", truncate(&range, width.saturating_sub(heading.width() + 3)))
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(fit(&heading, width.saturating_sub(range.width())), app.theme.header()),
        Span::styled(range, app.theme.muted()),
    ])];
    if d.history.is_empty() {
        lines.push(Line::styled(format!(" {}", t.no_history), app.theme.muted()));
    }
    for rows in pages.entries.into_iter().skip(first).take(shown) {
        lines.extend(rows.into_iter().take(pages.room).map(Line::raw));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// One history entry in rows of `width` cells: a space before the first, three before the others so each entry
/// starts where the eye finds it.
fn wrap_entry(entry: &str, width: usize) -> Vec<String> {
    let entry = crate::io::table::printable(entry);
    let first_w = width.saturating_sub(1).max(1);
    let mut rows = layout::wrap(&entry, first_w);
    let first = rows.first().cloned().unwrap_or_default();
    if rows.len() <= 1 {
        return vec![format!(" {first}")];
    }
    // The rest wraps again, to the narrower width under the indent.
    let rest = entry.get(first.len()..).unwrap_or_default().trim_start();
    rows = layout::wrap(rest, width.saturating_sub(3).max(2));
    std::iter::once(format!(" {first}")).chain(rows.into_iter().map(|r| format!("   {r}"))).collect()
}

/// `history` (oldest first) with each class's values joined to their grades (四年级1班, 已离校2027年度): a class
/// row holds the class alone, and 「1班 -> 2027年度」 said neither which grade's class nor that the pupil left. The
/// grades are those of the grade row written in the same step (a promotion, a move out, a merge's record of a
/// value that lost, an `E` correction), else the grade the pupil had then; `grade_now` when no row changed it.
fn with_grades(history: &[AuditEntry], grade_now: &str) -> Vec<AuditEntry> {
    use crate::domain::class_label::join;
    let grade_key = crate::store::Field::Grade.key();
    let class_key = crate::store::Field::Class.key();
    let mut grade = history
        .iter()
        .find(|e| e.field == grade_key)
        .and_then(|e| e.old.clone())
        .unwrap_or_else(|| grade_now.to_owned());
    let mut out: Vec<AuditEntry> = Vec::with_capacity(history.len());
    for e in history {
        let suffix = e.field.strip_prefix(class_key).filter(|s| s.is_empty() || s.starts_with(':'));
        let mut shown = e.clone();
        if let Some(suffix) = suffix {
            // The grade row of the same step comes just before its class row (grade, then class).
            let step = out
                .iter()
                .rev()
                .take_while(|g| g.at == e.at && g.operator == e.operator)
                .find(|g| g.action == e.action && g.field.strip_prefix(grade_key) == Some(suffix));
            let (old_grade, new_grade) = match step {
                Some(g) => (g.old.clone().unwrap_or_default(), g.new.clone().unwrap_or_default()),
                None => (grade.clone(), grade.clone()),
            };
            shown.old = e.old.as_deref().map(|c| join(&old_grade, c));
            shown.new = e.new.as_deref().map(|c| join(&new_grade, c));
        } else if e.field == grade_key {
            grade = e.new.clone().unwrap_or_default();
        }
        out.push(shown);
    }
    out
}

/// One history entry as a line; each old and new value whole, unless wider than `cap` cells.
fn history_line(t: &Text, e: &AuditEntry, reveal: bool, cap: usize) -> String {
    let at = &e.shown_at;
    if e.action == "reveal" {
        // Its row holds where the numbers were shown, not a value that changed.
        let scope = e.new.as_deref().unwrap_or_default();
        return fill(t.history_reveal, &[at, &e.operator, &Text::lookup(t.reveal_scopes, scope).unwrap_or(scope)]);
    }
    let action = Text::lookup(t.audit_actions, &e.action).unwrap_or(&e.action);
    // A payment the tax office listed and a reconciliation did not record: the record in words, never its JSON.
    if e.field == crate::domain::unapplied::UNAPPLIED_PAYMENT
        && let Some(kept) = e.new.as_deref().and_then(crate::domain::unapplied::UnappliedPayment::from_json)
    {
        let summary = kept.summary(t.lang == crate::words::Language::En);
        if let Some(why) = &kept.dismissed {
            return fill(t.history_unapplied_dismissed, &[at, &e.operator, why, &summary]);
        }
        if let Some(undone) = &kept.undismissed {
            return fill(t.history_unapplied_undismissed, &[at, &e.operator, &undone.why, &summary]);
        }
        if kept.reason == crate::domain::unapplied::UnappliedReason::AgencyNotRegistered {
            return fill(t.history_agency_not_registered, &[at, &e.operator, &action, &summary]);
        }
        return fill(t.history_unapplied, &[at, &e.operator, &action, &summary]);
    }
    // The tax list's amount recorded over the same amount: a confirmation that settled two laptops' amounts,
    // not a change (`Store::apply_reconciliation`).
    if e.action == "reconcile"
        && e.field == crate::store::Field::PaidAmount.key()
        && let Some(fen) = e.new.as_deref().filter(|new| e.old.as_deref() == Some(*new))
    {
        let amount = value_label(t, &e.field, fen, cap);
        return fill(t.history_amount_listed, &[at, &e.operator, &action, &amount]);
    }
    // A corrected number's old and new values are ID numbers: masked as the ID field is, unless revealed (a
    // reveal's own row holds where it was shown, not a number).
    let number = Text::base_field(&e.field) == "id_number" && e.action != "reveal" && !reveal;
    // A merge's row of a value it did not keep holds that value as old and the one kept as new: said as such, as
    // "old -> new" would read as a change not applied (未缴费 -> 已缴费 of a pupil who is paid).
    let line = if Text::base_field(&e.field) == e.field { t.history_line } else { t.history_conflict_line };
    if number && let (Some(old), Some(new)) = (&e.old, &e.new) {
        let (old, new) = masked_correction(t, old, new);
        return fill(line, &[at, &e.operator, &action, &t.field(&e.field), &old, &new]);
    }
    let value = |v: &Option<String>| match v {
        None => "-".to_owned(),
        Some(v) if number => id_number::mask(v),
        Some(v) => value_label(t, &e.field, v, cap),
    };
    fill(line, &[at, &e.operator, &action, &t.field(&e.field), &value(&e.old), &value(&e.new)])
}

/// A number corrected, both sides masked, showing that it changed where the masks alone would look alike: a
/// length changed is said on both sides (a 17-character number corrected to 18 differs by one `*`), and a change
/// the masks hide altogether (the same length and the same first and last four characters) names the places of
/// the characters that changed, never the characters.
fn masked_correction(t: &Text, old: &str, new: &str) -> (String, String) {
    let (mut shown_old, mut shown_new) = (id_number::mask(old), id_number::mask(new));
    let (old_len, new_len) = (old.chars().count(), new.chars().count());
    if old_len != new_len {
        shown_old.push_str(&fill(t.history_id_length, &[&old_len]));
        shown_new.push_str(&fill(t.history_id_length, &[&new_len]));
    } else if old != new && shown_old == shown_new {
        let places = id_number::changed_places(old, new);
        shown_new.push_str(&fill(t.history_id_changed_at, &[&places.join(t.pick("、", ", "))]));
    }
    (shown_old, shown_new)
}

/// Stored values in the words of the screen: status codes as labels, fen as yuan, category lists as names; free
/// text (a note, a reason) cut to `cap` cells.
pub(crate) fn value_label(t: &Text, field: &str, v: &str, cap: usize) -> String {
    // A value a merge did not keep is a value of its field.
    match Text::base_field(field) {
        "enrollment" => Enrollment::from_code(v).map_or(v.to_owned(), |e| t.enrollment(e).to_owned()),
        "payment" => PaymentStatus::from_code(v).map_or(v.to_owned(), |p| t.payment(p).to_owned()),
        "paid_amount_fen" => v.parse().map_or(v.to_owned(), money::two_places),
        "paid_channel" => channel_label(t, v),
        "categories" => {
            // A category certified later than the pupil's others (one certified again this year beside one still
            // carried) is stored with its year: said, else a certification reads as the same names before and after.
            let named = |c: &serde_json::Value| {
                let name = c.get("name")?.as_str()?;
                Some(match c.get("year").and_then(serde_json::Value::as_i64) {
                    Some(year) => fill(t.history_category_year, &[&name, &year]),
                    None => name.to_owned(),
                })
            };
            let names: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(v)
                .map(|list| list.iter().filter_map(named).collect())
                .unwrap_or_default();
            if names.is_empty() { t.none.to_owned() } else { names.join(t.list_separator()) }
        }
        // A phone that is an ID number (a parent's, which an earlier canbao took as a phone) is masked in a merge's
        // report and the history as the ID numbers are.
        "phone" if !v.is_empty() => {
            let v = crate::domain::id_shown::mask_in_text(v);
            if v.width() > cap { truncate(&v, cap) } else { v.into_owned() }
        }
        "" => String::new(),
        // An empty note or phone reads as any field with no value does (「无」, "none"), not as a pair of quotes.
        _ if v.is_empty() => t.none.to_owned(),
        _ => {
            if v.width() > cap {
                truncate(v, cap)
            } else {
                v.to_owned()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_that_do_not_fit_end_in_a_row_saying_so() {
        let rows: Vec<Line<'static>> = ["一", "二", "三", "四"].into_iter().map(Line::raw).collect();
        // Four rows in three: two and the sign.
        let (fitted, rest) = fit_rows(rows.clone(), 3, Line::raw("cut"));
        let text: Vec<String> = fitted.iter().map(ToString::to_string).collect();
        assert_eq!(text, ["一", "二", "cut"]);
        // The rest, every row of it, for the history's pane.
        assert_eq!(rest, rows[2..]);
        // Room for all: as they are.
        assert_eq!(fit_rows(rows.clone(), 4, Line::raw("cut")), (rows, Vec::new()));
    }

    #[test]
    fn a_value_a_merge_did_not_keep_is_shown_in_the_historys_words() {
        let entry = |field: &str, old: &str, new: &str| AuditEntry {
            at: "2026-12-02T07:21:00Z".into(),
            shown_at: "2026-12-02 15:21".into(),
            operator: "李老师".into(),
            action: "merge".into(),
            field: field.into(),
            old: Some(old.into()),
            new: Some(new.into()),
        };
        let zh = Text::for_language(crate::words::Language::Zh);
        let en = Text::for_language(crate::words::Language::En);
        let line = |t: &Text, e: &AuditEntry| history_line(t, e, false, 40);
        let phone = entry("phone:conflict_lost", "13911112222", "13733334444");
        assert_eq!(
            line(zh, &phone),
            "2026-12-02 15:21 李老师 合并 联系电话（合并冲突）：未采用 13911112222，保留 13733334444"
        );
        assert_eq!(
            line(en, &phone),
            "2026-12-02 15:21 李老师 merged phone (conflict): 13911112222 not kept, 13733334444 kept"
        );
        let enrollment = entry("enrollment:conflict_lost", "declined", "here");
        assert_eq!(
            line(zh, &enrollment),
            "2026-12-02 15:21 李老师 合并 参保状态（合并冲突）：未采用 不参保，保留 在校参保"
        );
        // The value a merge did not keep is named as such: never read as a change to the value kept.
        let payment = entry("payment:conflict_lost", "unpaid", "paid");
        assert_eq!(line(zh, &payment), "2026-12-02 15:21 李老师 合并 缴费状态（合并冲突）：未采用 未缴费，保留 已缴费");
        assert_eq!(line(en, &payment), "2026-12-02 15:21 李老师 merged payment (conflict): unpaid not kept, paid kept");
        // A number that lost is masked as every number in the history is.
        let number = entry("id_number:conflict_lost", "450205201807079061", "450205201807079062");
        let shown = line(zh, &number);
        assert!(shown.contains("身份证号码（合并冲突）：未采用") && !shown.contains("201807079061"), "{shown}");
    }

    /// A merge's record of a class that lost names both classes with their grades, read from the record of the
    /// grade beside it; a class changed within its grade (no grade row of its step) is named with the grade the
    /// pupil had then.
    #[test]
    fn a_class_that_lost_in_a_merge_is_named_with_its_grade() {
        let entry = |at: &str, action: &str, field: &str, old: &str, new: &str| AuditEntry {
            at: at.into(),
            shown_at: "2026-12-06 13:05".into(),
            operator: if action == "year" { "乙" } else { "甲" }.into(),
            action: action.into(),
            field: field.into(),
            old: Some(old.into()),
            new: Some(new.into()),
        };
        let history = [
            entry("2026-12-06T04:00:00Z", "edit", "class", "1班", "2班"),
            entry("2026-12-06T05:05:59Z", "year", "grade", "四年级", "已离校"),
            entry("2026-12-06T05:05:59Z", "year", "class", "2班", "2027年度"),
            entry("2026-12-06T05:07:00Z", "merge", "grade:conflict_lost", "四年级", "已离校"),
            entry("2026-12-06T05:07:00Z", "merge", "class:conflict_lost", "2班", "2027年度"),
        ];
        let shown = with_grades(&history, "已离校");
        let zh = Text::for_language(crate::words::Language::Zh);
        let lines: Vec<String> = shown.iter().map(|e| history_line(zh, e, false, 40)).collect();
        assert!(lines[0].ends_with("班级：四年级1班 -> 四年级2班"), "{lines:?}");
        assert!(lines[2].ends_with("新年度 班级：四年级2班 -> 已离校2027年度"), "{lines:?}");
        assert!(lines[4].ends_with("班级（合并冲突）：未采用 四年级2班，保留 已离校2027年度"), "{lines:?}");
    }

    /// A payment the tax office listed and a reconciliation did not record is said in words in the history, in
    /// either language: never its field's key or the record's JSON.
    #[test]
    fn a_payment_kept_as_not_recorded_is_said_in_words() {
        use crate::domain::unapplied::{UnappliedPayment, UnappliedReason};
        let kept = UnappliedPayment {
            receipt: Some("332023100800017".into()),
            year: Some(2024),
            sheet: "十月".into(),
            roster_name: Some("王明刚".into()),
            ..UnappliedPayment::for_test(
                "王明钢",
                38_000,
                chrono::NaiveDate::from_ymd_opt(2023, 10, 8),
                ("税务.xlsx", 3),
                UnappliedReason::OtherName,
            )
        };
        let entry = AuditEntry {
            at: "2026-12-02T07:21:00Z".into(),
            shown_at: "2026-12-02 15:21".into(),
            operator: "李老师".into(),
            action: "reconcile".into(),
            field: "payment_unapplied".into(),
            old: None,
            new: Some(kept.to_json()),
        };
        let zh = Text::for_language(crate::words::Language::Zh);
        let en = Text::for_language(crate::words::Language::En);
        assert_eq!(
            history_line(zh, &entry, false, 40),
            "2026-12-02 15:21 李老师 核对 税务名单的缴费未记入：王明钢，380 元，2023-10-08，票证号码 332023100800017，\
             税务.xlsx [十月] 第 3 行（本机记录为 王明刚，税务名单为 王明钢）"
        );
        assert_eq!(
            history_line(en, &entry, false, 40),
            "2026-12-02 15:21 李老师 reconciled a payment on the tax list not recorded: 王明钢, 380 yuan, 2023-10-08, \
             receipt 332023100800017, 税务.xlsx [十月] row 3 (the roster holds the number under 王明刚, the list says \
             王明钢)"
        );
    }

    /// The tax list's amount a reconciliation recorded unchanged, settling two laptops' amounts, reads as that
    /// in either language, not as a change of 380.00 to 380.00.
    #[test]
    fn the_tax_lists_amount_recorded_unchanged_is_said_as_settling_the_dispute() {
        let entry = |old: &str, new: &str| AuditEntry {
            at: "2026-12-02T07:21:00Z".into(),
            shown_at: "2026-12-02 15:21".into(),
            operator: "李老师".into(),
            action: "reconcile".into(),
            field: "paid_amount_fen".into(),
            old: Some(old.into()),
            new: Some(new.into()),
        };
        let zh = Text::for_language(crate::words::Language::Zh);
        let en = Text::for_language(crate::words::Language::En);
        assert_eq!(
            history_line(zh, &entry("38000", "38000"), false, 40),
            "2026-12-02 15:21 李老师 核对 缴费金额：380.00，税务名单确认，两台电脑的金额不再待核实"
        );
        assert!(history_line(en, &entry("38000", "38000"), false, 40).ends_with("no longer disputed"));
        // The list's amount taken over another is a change, said as one.
        assert_eq!(
            history_line(zh, &entry("40000", "38000"), false, 40),
            "2026-12-02 15:21 李老师 核对 缴费金额：400.00 -> 380.00"
        );
    }

    /// Pages hold whole entries: forward from where the page on screen ends, back to the furthest start whose
    /// page reaches the one on screen, and an entry taller than a page is a page of its own.
    #[test]
    fn history_pages_hold_whole_entries_and_none_is_skipped() {
        let rows = |heights: &[usize]| HistoryRows {
            entries: heights.iter().map(|&h| vec![String::new(); h]).collect(),
            room: 4,
            notes: Vec::new(),
            entry_of: (0..heights.len()).collect(),
        };
        let h = rows(&[1, 2, 1, 3, 5, 1, 1]);
        assert_eq!([h.page_len(0), h.page_len(3), h.page_len(4), h.page_len(5), h.page_len(7)], [3, 1, 1, 2, 0]);
        assert_eq!(
            [h.page_before(3), h.page_before(4), h.page_before(5), h.page_before(1), h.page_before(0)],
            [0, 2, 4, 0, 0]
        );
        // Forward then back from every page start, the pages met going forward are met again going back.
        let mut starts = vec![0];
        while let Some(&at) = starts.last() {
            let next = at + h.page_len(at);
            if next >= h.entries.len() {
                break;
            }
            starts.push(next);
        }
        assert_eq!(starts, [0, 3, 4, 5]);
        assert!(starts.windows(2).all(|w| h.page_before(w[1]) <= w[0]), "{starts:?}");
        // Two of the entries rows that did not fit under the fields: pages of their own, before the history's.
        let h = HistoryRows { notes: vec![Line::raw(""); 2], ..rows(&[1, 1, 1, 1]) };
        assert_eq!([h.page_len(0), h.page_len(1), h.page_len(2)], [2, 1, 2]);
        assert_eq!([h.page_before(2), h.page_before(1), h.page_before(3)], [0, 0, 2]);
    }

    #[test]
    fn a_history_entry_wraps_whole_with_an_indent() {
        let entry = "2026-12-02 04:16 李老师 marked reason or place: - -> 已在外地购买商业保险";
        let rows = wrap_entry(entry, 30);
        assert!(rows.len() > 1, "{rows:?}");
        assert!(rows.iter().all(|r| r.width() <= 30), "{rows:?}");
        assert!(rows[0].starts_with(" 2026") && rows[1..].iter().all(|r| r.starts_with("   ")), "{rows:?}");
        // Nothing is lost: the rows hold every character of the entry.
        let letters = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(letters(&rows.concat()), letters(entry));
        assert_eq!(wrap_entry("short", 30), [" short"]);
    }
}
