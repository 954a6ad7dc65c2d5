//! What the roster screen shows of the roster: the rows the search and the filters leave, in display order,
//! the cursor and the first row on screen, the pupils marked for a bulk change, and the search line. The
//! roster itself (`RosterData`) is passed in, not held: a reload replaces it under the view, which then
//! carries its filters, marks and selected pupil over (`RosterView::carry_over`).

use std::collections::HashSet;

use super::input::LineInput;
use super::roster::{Filters, RosterData, Search};

#[derive(Debug, Clone, Default)]
pub struct RosterView {
    /// Row indexes shown, in display order.
    shown: Vec<u32>,
    /// Index into `shown`.
    cursor: usize,
    /// First index of `shown` on screen.
    offset: usize,
    /// Pupils marked for a bulk change.
    marked: HashSet<i64>,
    search: Search,
    search_input: LineInput,
    /// The search line has the keyboard.
    searching: bool,
    filters: Filters,
    /// The row a mark has just taken out of the search or filters, still shown under the cursor so the next key
    /// is for the same child; it leaves the list when the cursor moves or the list is shown anew.
    held: Option<u32>,
    /// The roster shows whole ID numbers (`r`): the search finds any fragment of one. Masked, it finds only what
    /// the mask shows or the counter is told (`Query::masked`).
    numbers_revealed: bool,
}

impl RosterView {
    /// A view of every row of `data`, unfiltered.
    pub fn new(data: &RosterData) -> RosterView {
        let mut view = RosterView::default();
        view.rebuild_shown(data);
        view
    }

    /// Row indexes shown, in display order.
    pub fn shown(&self) -> &[u32] {
        &self.shown
    }

    /// The cursor's position in `shown`.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The position in `shown` of the first row on screen.
    pub fn offset(&self) -> usize {
        self.offset
    }

    pub fn marked(&self) -> &HashSet<i64> {
        &self.marked
    }

    pub fn filters(&self) -> &Filters {
        &self.filters
    }

    /// How many pupils the search finds that the filters leave out, when none is shown.
    pub fn hidden_by_filters(&self) -> usize {
        match self.search.hits() {
            Some(hits) if self.shown.is_empty() && !self.filters.is_empty() => hits.len(),
            _ => 0,
        }
    }

    /// The search line's text and caret.
    pub fn search_input(&self) -> &LineInput {
        &self.search_input
    }

    /// The search line has the keyboard.
    pub fn is_searching(&self) -> bool {
        self.searching
    }

    /// The row index under the cursor.
    pub fn selected_row(&self) -> Option<usize> {
        self.shown.get(self.cursor).map(|&i| i as usize)
    }

    /// The pupil under the cursor.
    pub fn selected_id(&self, data: &RosterData) -> Option<i64> {
        self.selected_row().and_then(|i| data.rows.get(i)).map(|r| r.id)
    }

    /// The marked pupils in roster order.
    pub fn marked_in_roster_order(&self, data: &RosterData) -> Vec<i64> {
        let mut rows: Vec<usize> = self.marked.iter().filter_map(|&id| data.index_of(id)).collect();
        rows.sort_unstable();
        rows.into_iter().map(|i| data.rows[i].id).collect()
    }

    /// `/`: the search line takes the keyboard with a new search, as in every pager: the last one's text is not
    /// added to.
    pub fn start_search(&mut self, data: &RosterData, page: usize) {
        self.searching = true;
        if !self.search_input.is_empty() {
            self.search_input.clear();
            self.run_search(data, page);
        }
    }

    /// Enter on the search line: the list stays as found and the keys go back to the roster.
    pub fn keep_search(&mut self) {
        self.searching = false;
    }

    /// Esc on the search line: the search is dropped, with the keyboard.
    pub fn drop_search(&mut self, data: &RosterData, page: usize) {
        self.searching = false;
        self.search_input.clear();
        self.run_search(data, page);
    }

    /// Edits the search text and searches again; `edit` says whether it changed anything it handled.
    pub fn edit_search(&mut self, data: &RosterData, page: usize, edit: impl FnOnce(&mut LineInput) -> bool) -> bool {
        let before = self.search_input.text().chars().count();
        let handled = edit(&mut self.search_input);
        if handled {
            // Text taken away widens the list around the child found, whom the highlight stays on; text added is
            // a new search, from its best match.
            let erased = self.search_input.text().chars().count() < before;
            self.run_search_keeping(data, page, erased);
        }
        handled
    }

    /// Re-runs the search after the text changed: a new list, shown from its best match. A search cleared (Esc,
    /// Backspace to nothing, a new `/`) ends instead on the pupil the highlight was on: the child just found is
    /// the one the next key is meant for, not whoever heads the whole roster.
    fn run_search(&mut self, data: &RosterData, page: usize) {
        self.run_search_keeping(data, page, false);
    }

    /// `run_search`, the highlight kept on its pupil also when `keep` (text erased).
    fn run_search_keeping(&mut self, data: &RosterData, page: usize, keep: bool) {
        self.search.update(data, self.search_input.text(), !self.numbers_revealed);
        if keep || self.search_input.is_empty() {
            self.show_keeping(data, page);
        } else {
            self.show_from_top(data);
        }
    }

    /// `r` on the roster shows or masks the numbers: the search, which finds more of a number shown whole,
    /// runs again, the cursor staying on its pupil where the new list holds them.
    pub fn set_numbers_revealed(&mut self, data: &RosterData, revealed: bool, page: usize) {
        if self.numbers_revealed == revealed {
            return;
        }
        self.numbers_revealed = revealed;
        self.search.update(data, self.search_input.text(), !revealed);
        self.refilter(data, page);
    }

    /// Changes the filters: the highlight stays on its pupil where the new list shows them, else goes to the
    /// first row (see `show_keeping`).
    pub fn set_filters(&mut self, data: &RosterData, page: usize, change: impl FnOnce(&mut Filters)) {
        change(&mut self.filters);
        self.show_keeping(data, page);
    }

    /// Esc on the roster drops one thing at a time: the search, then the marks, then the filters. The highlight
    /// stays on its pupil each time.
    pub fn back(&mut self, data: &RosterData, page: usize) {
        if !self.search_input.is_empty() {
            self.search_input.clear();
            self.run_search(data, page);
        } else if !self.marked.is_empty() {
            self.marked.clear();
        } else if !self.filters.is_empty() {
            self.filters = Filters::default();
            self.show_keeping(data, page);
        }
    }

    /// Rebuilds the shown rows for a new search, with the cursor on the first (best) row: the highlight is where
    /// the eye goes, never left at a position the new list gives to another pupil.
    fn show_from_top(&mut self, data: &RosterData) {
        self.rebuild_shown(data);
        self.cursor = 0;
        self.offset = 0;
    }

    /// Rebuilds the shown rows for a search ended or a filter changed, with the cursor on the pupil it was on,
    /// scrolled into view; a list without them starts at its first row. Never the same position, which the new
    /// list gives to another child.
    fn show_keeping(&mut self, data: &RosterData, page: usize) {
        let keep = self.selected_id(data).and_then(|id| data.index_of(id));
        self.rebuild_shown(data);
        match keep.and_then(|index| self.shown.iter().position(|&i| i as usize == index)) {
            Some(pos) => {
                self.cursor = pos;
                // The pupil brought into a list they were off screen in stands mid-page, with rows around them.
                let page = page.max(1);
                if pos < self.offset || pos >= self.offset + page {
                    self.offset = pos.saturating_sub(page / 2);
                }
                self.keep_cursor_visible(page);
            }
            None => {
                self.cursor = 0;
                self.offset = 0;
            }
        }
    }

    /// Rebuilds the shown rows from the search hits and the filters, keeping the cursor on the same pupil
    /// where it still shows, else at the same position. `page` is the number of rows on screen.
    pub fn refilter(&mut self, data: &RosterData, page: usize) {
        let keep = self.selected_id(data);
        self.rebuild_shown(data);
        if let Some(id) = keep
            && let Some(index) = data.index_of(id)
            && let Some(pos) = self.shown.iter().position(|&i| i as usize == index)
        {
            self.cursor = pos;
        }
        self.cursor = self.cursor.min(self.shown.len().saturating_sub(1));
        self.keep_cursor_visible(page);
    }

    /// As `refilter`, but the pupil under the cursor stays in the list, under the cursor, if they no longer pass
    /// the search or the filters (a mark has just taken them out): the next key is for the same child, not for
    /// whoever would take their row. Returns whether they were held.
    pub fn refilter_holding(&mut self, data: &RosterData, page: usize) -> bool {
        let keep = self.selected_id(data).and_then(|id| data.index_of(id));
        let cursor = self.cursor;
        self.refilter(data, page);
        let Some(index) = keep else { return false };
        if self.shown.contains(&(index as u32)) {
            return false;
        }
        self.cursor = cursor.min(self.shown.len());
        self.shown.insert(self.cursor, index as u32);
        self.held = Some(index as u32);
        self.keep_cursor_visible(page);
        true
    }

    /// The row shown though it no longer passes the search or the filters (see `refilter_holding`).
    pub fn held(&self) -> Option<usize> {
        self.held.map(|i| i as usize)
    }

    /// The rows the search and the filters leave, in display order.
    fn rebuild_shown(&mut self, data: &RosterData) {
        self.held = None;
        self.shown = shown_rows(data, self.search.hits(), &self.filters);
    }

    pub fn move_cursor(&mut self, mut by: isize, page: usize) {
        // A held row leaves as the cursor moves: Down goes to the row that followed it, Up to the one above.
        if let Some(index) = self.held.take()
            && let Some(pos) = self.shown.iter().position(|&i| i == index)
        {
            self.shown.remove(pos);
            if self.cursor > pos {
                self.cursor -= 1;
            } else if self.cursor == pos && by > 0 {
                by -= 1;
            } else if self.cursor == pos && by < 0 && pos == 0 {
                by = 0;
            }
            self.cursor = self.cursor.min(self.shown.len().saturating_sub(1));
        }
        if self.shown.is_empty() {
            return;
        }
        let last = self.shown.len() as isize - 1;
        self.cursor = (self.cursor as isize).saturating_add(by).clamp(0, last) as usize;
        self.keep_cursor_visible(page);
    }

    pub fn keep_cursor_visible(&mut self, page: usize) {
        let page = page.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + page {
            self.offset = self.cursor + 1 - page;
        }
        // After a resize or a narrower result, don't leave empty rows below the last pupil.
        self.offset = self.offset.min(self.shown.len().saturating_sub(page));
    }

    /// The position in `shown` of the `line`th row on screen, if a pupil is there.
    pub fn position_on_screen(&self, line: usize) -> Option<usize> {
        Some(self.offset + line).filter(|&pos| pos < self.shown.len())
    }

    /// Puts the cursor on a position in `shown` (a click).
    pub fn select(&mut self, pos: usize) {
        if pos < self.shown.len() {
            self.cursor = pos;
        }
    }

    /// Puts the cursor on the first of `ids` the list shows; false when it shows none of them.
    pub fn select_first_of(&mut self, data: &RosterData, ids: &[i64], page: usize) -> bool {
        let rows: HashSet<u32> = ids.iter().filter_map(|&id| data.index_of(id)).map(|i| i as u32).collect();
        match self.shown.iter().position(|i| rows.contains(i)) {
            Some(pos) => {
                self.cursor = pos;
                self.keep_cursor_visible(page);
                true
            }
            None => false,
        }
    }

    /// Whether the list shows any of `ids`.
    pub fn shows_any_of(&self, data: &RosterData, ids: &[i64]) -> bool {
        let rows: HashSet<u32> = ids.iter().filter_map(|&id| data.index_of(id)).map(|i| i as u32).collect();
        self.shown.iter().any(|i| rows.contains(i))
    }

    /// Marks the pupil under the cursor (or takes the mark off) and moves down.
    /// Marks or unmarks the pupil under the cursor and moves down; which pupil, if any.
    pub fn toggle_mark(&mut self, data: &RosterData, page: usize) -> Option<i64> {
        let id = self.selected_id(data)?;
        self.toggle_marked(id);
        self.move_cursor(1, page);
        Some(id)
    }

    /// Marks `id` or, marked, unmarks them.
    pub fn toggle_marked(&mut self, id: i64) {
        if !self.marked.remove(&id) {
            self.marked.insert(id);
        }
    }

    /// Marks every pupil shown, or clears the marks if all of them are marked.
    pub fn mark_all_shown(&mut self, data: &RosterData) {
        let ids: Vec<i64> = self.shown.iter().map(|&i| data.rows[i as usize].id).collect();
        if !ids.is_empty() && ids.iter().all(|id| self.marked.contains(id)) {
            self.marked.clear();
        } else {
            self.marked.extend(ids);
        }
    }

    pub fn clear_marks(&mut self) {
        self.marked.clear();
    }

    /// What decides the rows shown, by name: handed to the worker that reads a new roster, which filters it
    /// (`ViewQuery::refilter`), and compared when its result comes back.
    pub fn query(&self, data: &RosterData) -> ViewQuery {
        // The class and category filters are indexes into the roster's lists, which a new roster numbers afresh
        // (a class the writer adds shifts those after it): they are carried over by name, and dropped with it.
        // A class is its label and its school (two schools may each have a 一年级1班).
        let class = self.filters.class.and_then(|c| {
            let label = data.classes.get(c as usize)?;
            Some((label.clone(), data.school_of_class(c).map(str::to_owned)))
        });
        let category = self.filters.category.and_then(|c| data.category_names.get(c as usize)).cloned();
        ViewQuery {
            text: self.search_input.text().to_owned(),
            masked: !self.numbers_revealed,
            filters: Filters { class: None, category: None, ..self.filters.clone() },
            class,
            category,
        }
    }

    /// Moves the view from `old` to a freshly loaded roster `new`, keeping the search, the filters, the marks
    /// still in it and the selected pupil. `hold` keeps that pupil in the list even when they no longer pass
    /// the search or the filters (the detail screen shows them).
    ///
    /// `refiltered` is `new` searched and filtered already (on the worker that read it, at half a million
    /// pupils longer than a frame). A result for another search or other filters than the view's now (typed
    /// while it was worked out) is not taken: `new` is filtered again here.
    ///
    /// `same_pupils`: the new roster is the same drive's, each id still the pupil it was (an import, a save).
    /// False after a restore or another file opened, where an id may now be another child (a namesake in the
    /// restored file's row): the selected and marked pupils are then carried over only as the same person, by
    /// ID number and name. Returns whether the selected pupil (if any) was carried over.
    pub fn carry_over(
        &mut self,
        old: &RosterData,
        new: &RosterData,
        refiltered: Refiltered,
        same_pupils: bool,
        hold: bool,
        page: usize,
    ) -> bool {
        let query = self.query(old);
        let refiltered = if refiltered.is_for(&query) { refiltered } else { query.refilter(new) };
        // The pupil under the cursor by id, never by row: a new roster puts another child at that row.
        let selected = self.selected_id(old);
        let keep = if same_pupils { selected } else { selected.and_then(|id| same_person(old, new, id)) };
        if !same_pupils {
            let marked: Vec<i64> = self.marked.drain().collect();
            self.marked = marked.into_iter().filter_map(|id| same_person(old, new, id)).collect();
        }
        let Refiltered { search, filters, shown, .. } = refiltered;
        (self.search, self.filters, self.shown, self.held) = (search, filters, shown, None);
        self.marked.retain(|id| new.index_of(*id).is_some());
        self.cursor = self.cursor.min(self.shown.len().saturating_sub(1));
        self.keep_cursor_visible(page);
        if let Some(index) = keep.and_then(|id| new.index_of(id)) {
            match self.shown.iter().position(|&i| i as usize == index) {
                Some(pos) => self.cursor = pos,
                // The pupil on the detail screen no longer passes the search or the filters (the writer's save
                // in a read-only instance): it stays in the list, as after a change made here, until leaving
                // the screen refilters, rather than the screen jumping to whoever took its place.
                None if hold => {
                    self.cursor = self.cursor.min(self.shown.len());
                    self.shown.insert(self.cursor, index as u32);
                }
                None => {}
            }
            self.keep_cursor_visible(page);
        }
        selected.is_none() || keep.and_then(|id| new.index_of(id)).is_some()
    }
}

/// The search text and filters of a view, the class and category filters by name (see `RosterView::query`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewQuery {
    text: String,
    masked: bool,
    /// The filters but the class and the category.
    filters: Filters,
    /// The class filter's label and school.
    class: Option<(String, Option<String>)>,
    category: Option<String>,
}

/// A roster searched and filtered for a view's query, away from the view (on the worker that read it).
#[derive(Debug, Clone)]
pub struct Refiltered {
    query: ViewQuery,
    search: Search,
    /// The filters with the class and the category as the roster numbers them.
    filters: Filters,
    shown: Vec<u32>,
}

impl ViewQuery {
    /// Searches and filters `data` as a view with this query shows it.
    pub fn refilter(&self, data: &RosterData) -> Refiltered {
        let class = self.class.as_ref().and_then(|(label, school)| {
            (0..data.classes.len()).find(|&c| data.class_is(c, label, school.as_deref())).map(|c| c as u32)
        });
        let category = self
            .category
            .as_ref()
            .and_then(|name| data.category_names.iter().position(|c| c == name))
            .map(|c| c as u16);
        let filters = Filters { class, category, ..self.filters.clone() };
        let mut search = Search::default();
        search.update(data, &self.text, self.masked);
        let shown = shown_rows(data, search.hits(), &filters);
        Refiltered { query: self.clone(), search, filters, shown }
    }
}

impl Refiltered {
    /// Whether this is the result for `query`: else the search or the filters changed while it was worked out.
    pub fn is_for(&self, query: &ViewQuery) -> bool {
        self.query == *query
    }

    /// The rows shown, in display order.
    pub fn shown(&self) -> &[u32] {
        &self.shown
    }

    pub fn filters(&self) -> &Filters {
        &self.filters
    }
}

/// The rows the search's hits (`None`: every row) and the filters leave, in display order.
fn shown_rows(data: &RosterData, hits: Option<&[u32]>, filters: &Filters) -> Vec<u32> {
    let rows = &data.rows;
    match hits {
        Some(hits) if filters.is_empty() => hits.to_vec(),
        Some(hits) => hits.iter().copied().filter(|&i| filters.matches(&rows[i as usize])).collect(),
        None if filters.is_empty() => (0..rows.len() as u32).collect(),
        None => (0..rows.len() as u32).filter(|&i| filters.matches(&rows[i as usize])).collect(),
    }
}

/// The id in `new` of pupil `id` of `old`, found as the same person: the same ID number and name, at the same id
/// if it still is them there.
fn same_person(old: &RosterData, new: &RosterData, id: i64) -> Option<i64> {
    let i = old.index_of(id)?;
    let (number, name) = (old.id_number(i), old.name(i));
    let is_them = |j: usize| new.id_number(j) == number && new.name(j) == name;
    match new.index_of(id) {
        Some(j) if is_them(j) => Some(id),
        _ => (0..new.len()).find(|&j| is_them(j)).map(|j| new.rows[j].id),
    }
}
