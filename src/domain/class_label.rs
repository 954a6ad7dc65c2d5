//! 年级 and 班级: class lists give them in one column ("三年级（2）班") or two ("三年级" + "2班"); the roster
//! keeps them apart and writes them as one label, so both shapes land on the same class.

/// Cleans a grade or class the way teachers' typing varies: full-width digits and letters, spaces, and
/// parentheses around a class number ("（2）班" and "(2)班" are "2班").
pub fn normalize(text: &str) -> String {
    let out = narrow(text);
    if !out.contains('(') {
        return out;
    }
    strip_number_parens(&out)
}

/// Full-width characters as their ASCII forms, spaces out; parentheses kept.
fn narrow(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            _ => c,
        };
        if c.is_whitespace() {
            continue;
        }
        out.push(c);
    }
    out
}

fn strip_number_parens(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let closing = if chars[i] == '(' { chars[i + 1..].iter().position(|&c| c == ')') } else { None };
        if let Some(len) = closing {
            let inner = &chars[i + 1..i + 1 + len];
            if !inner.is_empty() && inner.iter().all(|c| c.is_ascii_digit() || is_cn_numeral(*c)) {
                out.extend(inner);
                i += len + 2;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn is_cn_numeral(c: char) -> bool {
    "一二三四五六七八九十零〇".contains(c)
}

/// One label from the two parts; a class that already names its grade is not prefixed twice.
pub fn join(grade: &str, class: &str) -> String {
    if grade.is_empty() || class.starts_with(grade) { class.to_owned() } else { format!("{grade}{class}") }
}

/// Splits a combined label into grade and class; a grade shortened to its numeral (三2班, 三（2）班) is the grade.
/// A label with no recognizable grade stays whole as the class.
pub fn split(written: &str) -> (String, String) {
    if let Some((year, class)) = dotted(written) {
        return (format!("{}年级", cn_numeral(year)), format!("{class}班"));
    }
    let label = normalize(written);
    // 三年级（2）, 高一(3): a class number in brackets with no 班 after it is that class, as 三年级2班 is.
    let bracketed = narrow(written).ends_with(')');
    let class_of = |rest: &str| if bracketed { with_ban(rest.to_owned()) } else { rest.to_owned() };
    if let Some(pos) = label.find("年级") {
        let cut = pos + "年级".len();
        if cut < label.len() {
            return (label[..cut].to_owned(), class_of(&label[cut..]));
        }
        return (label, String::new());
    }
    // "2023级1班", "初2023级3班": an intake year, of a school's stage or not, as the grade.
    if let Some(cut) = intake_grade_end(&label)
        && cut < label.len()
    {
        return (label[..cut].to_owned(), class_of(&label[cut..]));
    }
    for prefix in ["高一", "高二", "高三", "初一", "初二", "初三", "小班", "中班", "大班"] {
        if let Some(rest) = label.strip_prefix(prefix)
            && !rest.is_empty()
        {
            return (prefix.to_owned(), class_of(rest));
        }
    }
    shortened_grade(&narrow(written)).unwrap_or((String::new(), label))
}

/// Where an intake year written as a grade ends in a normalized label: 2023级, and a stage's (初2023级, 高中2023级).
fn intake_grade_end(label: &str) -> Option<usize> {
    let stage = ["初中", "高中", "初", "高"].into_iter().find(|s| label.starts_with(s)).map_or(0, str::len);
    let rest = &label[stage..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    (digits == 4 && rest[4..].starts_with('级')).then_some(stage + 4 + '级'.len_utf8())
}

/// A grade shortened to its numeral before the class, as teachers write 三年级2班: 三2班, 三（2）班, 3(2)班 are
/// 三年级 (3年级) and 2班. As `without_grade` reads a cell under a grade column, only a bracket or a change from
/// numerals to digits ends the grade, so 三班, 三一班, 32班 and 十三2班 (no school year) are classes. `cell` is
/// narrowed, its brackets kept: normalized, 3(2)班 would be 32班.
fn shortened_grade(cell: &str) -> Option<(String, String)> {
    let numerals = cell.find(|c: char| !"一二三四五六七八九十".contains(c)).unwrap_or(cell.len());
    let (grade, rest, year) = if numerals > 0 {
        (&cell[..numerals], &cell[numerals..], cn_number(&cell[..numerals])?)
    } else {
        let digits = cell.find(|c: char| !c.is_ascii_digit()).unwrap_or(cell.len());
        (&cell[..digits], &cell[digits..], cell[..digits].parse::<u32>().ok()?)
    };
    if !(1..=12).contains(&year) {
        return None;
    }
    let bracketed = rest
        .strip_prefix('(')
        .and_then(|r| r.split_once(')'))
        .is_some_and(|(inner, _)| !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit() || is_cn_numeral(c)));
    let digit_after_numeral = numerals > 0 && rest.starts_with(|c: char| c.is_ascii_digit());
    (bracketed || digit_after_numeral).then(|| (format!("{grade}年级"), with_ban(normalize(rest))))
}

/// A school year, a mark and a class number, as a one-column 年级班级 cell is often typed: 3.2, 3-2, 3/2,
/// 3年2班, 3.10, 三.2 are the year 3 and the class 2 (10). Nothing else: 3.2.1, 13.2 and 3.0 are no class.
pub fn dotted(cell: &str) -> Option<(u32, u32)> {
    let cell = narrow(cell);
    let cell = cell.strip_suffix('班').unwrap_or(&cell);
    let mark = cell.find(is_class_mark)?;
    let (grade, rest) = cell.split_at(mark);
    let class = rest.chars().next().map(|c| &rest[c.len_utf8()..])?;
    let class = class.strip_prefix('(').and_then(|c| c.strip_suffix(')')).unwrap_or(class);
    let year = if grade.chars().all(|c| c.is_ascii_digit()) && (1..=2).contains(&grade.len()) {
        grade.parse().ok()?
    } else {
        cn_number(grade)?
    };
    let numbered = (1..=2).contains(&class.len()) && class.chars().all(|c| c.is_ascii_digit());
    let class: u32 = if numbered { class.parse().ok()? } else { return None };
    ((1..=12).contains(&year) && class > 0).then_some((year, class))
}

/// A mark between a grade and a class number (3.2, 3-2, 3年2班), or in a class no reading made sense of.
fn is_class_mark(c: char) -> bool {
    matches!(c, '.' | '-' | '/' | '_' | '—' | '·' | '、' | '年')
}

/// A class as read that still holds a number and a mark between numbers (3.2.1, 13-2, 2023年1班): no reading
/// of it is sure, so the import says the cell rather than keep it as a class silently.
pub fn unread_class(class: &str) -> bool {
    let class = class.replace("年级", "");
    class.contains(|c: char| c.is_ascii_digit()) && class.contains(is_class_mark)
}

/// Grade and class from the columns a file has: both, one combined, or either alone.
pub fn from_columns(grade: Option<&str>, class: Option<&str>, combined: Option<&str>) -> (String, String) {
    let grade = grade.map(grade_cell).unwrap_or_default();
    let class_cell = class.unwrap_or_default();
    let class = normalize(class_cell);
    if grade.is_empty() && class.is_empty() {
        return combined.map(|cell| numbered_alone(split(cell))).unwrap_or_default();
    }
    if grade.is_empty() {
        return numbered_alone(split(class_cell));
    }
    // 二年级 | 1.2, 二年级 | 102, 高一 | 2.3: the row's own grade cell names the grade, and a class cell naming
    // another year keeps its class as written beside it, said at the row (`other_year`). Moved into the year the
    // cell names, a pupil would be promoted, or sent out as a leaver, by a year the school's grade column denies.
    if other_year(&grade, class_cell).is_some() {
        // 二 | 三年级1班: a cell naming another grade whole names its class, as on a sheet named for a grade; kept
        // beside the column's grade it would make a class 二年级三年级1班, whose name holds two grades.
        return other_grade_whole(&grade, class_cell).unwrap_or_else(|| (grade, as_written(class_cell)));
    }
    // 高一 | 1.3: the class cell's short grade is read within the column's stage (`in_stage`).
    if let Some(read) = in_stage(&grade, class_cell) {
        return read;
    }
    // 一年级 | 101: the class numbered within its grade, class 1 of 一年级, as 一年级 | 1 is.
    if let Some(number) = numbered_in_grade(&grade, class_cell) {
        return (grade, format!("{number}班"));
    }
    // 2024级 | 一年级2班 (a 年级班级 column beside a 年级 one writing the intake year): the cell names the school year
    // whole, its grade and class, where joined to the column's it would name two grades (2024级一年级2班).
    if matches!(grade_of(&grade), Grade::Other(_)) && dotted(class_cell).is_none() {
        let (named, rest) = split(class_cell);
        if !rest.is_empty() && matches!(grade_of(&named), Grade::Year(_)) {
            return (named, rest);
        }
    }
    let class = without_grade(&grade, class_cell, class);
    (grade, with_ban(class))
}

/// The school year a class cell names when it is another than its grade cell's, however the cell writes it:
/// 1.2, 1-2, 一.2, 1年2班, 一(2)班, 一年级2班, 102 or 0102 beside 二年级 all name the first year. `None` when the
/// cell names the grade's own year, or none.
pub fn other_year(grade: &str, class_cell: &str) -> Option<u32> {
    if let Some((named, _)) = own_grade(grade, class_cell) {
        return match grade_of(&named) {
            Grade::Year(year) => Some(u32::from(year)),
            Grade::Other(_) | Grade::None => None,
        };
    }
    numbered_in_other_grade(grade, class_cell)
}

/// The grade and class a class cell names whole (三年级1班, not 3.1 nor 三(1)班 written short) when its grade is
/// another than the grade column's (二 | 三年级1班): the row goes into that class, said at the row.
pub fn other_grade_whole(grade: &str, class_cell: &str) -> Option<(String, String)> {
    in_stage(grade, class_cell).is_none().then(|| own_grade(grade, class_cell)).flatten()
}

/// A class cell kept as it was written (widths and spaces aside, its brackets kept): 1.2, 三(2)班, 102班.
fn as_written(class_cell: &str) -> String {
    with_ban(narrow(class_cell))
}

/// The school years a grade's class numbers may begin with: its year (七年级 7), and its year within its stage
/// (初一 1, 高一 1), as schools number 初一's classes 101 or 701.
fn numbering_years(grade: &str) -> Option<[u32; 2]> {
    let Grade::Year(year) = grade_of(grade) else { return None };
    let year = u32::from(year);
    let in_stage = match year {
        7..=9 => year - 6,
        10..=12 => year - 9,
        _ => year,
    };
    Some([year, in_stage])
}

/// A class cell that is a bare number of the grade's year and two digits (101 to 199 under 一年级, 1001 under 十年级,
/// 101 or 701 under 初一): the class so numbered within the grade (1). `None` for any other cell, a number of one or
/// two digits (12 under 一年级 is 12班) among them.
pub fn numbered_in_grade(grade: &str, class_cell: &str) -> Option<u32> {
    let cell = narrow(class_cell);
    if cell.len() < 3 || !cell.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let years = numbering_years(&grade_cell(grade))?;
    // 0102: a school year written in two digits, as some schools' systems print every class number in four.
    years.into_iter().flat_map(|year| [year.to_string(), format!("{year:02}")]).find_map(|year| {
        let class = cell.strip_prefix(year.as_str()).filter(|rest| rest.len() == 2)?;
        class.parse::<u32>().ok().filter(|n| *n > 0)
    })
}

/// A class cell that is a bare number of three digits whose first names another school year than its grade's
/// (201 under 一年级), or of four whose first two do (0201, 1101): that year. The class is kept as written and the
/// import says the cell at its row, as neither reading is sure.
pub fn numbered_in_other_grade(grade: &str, class_cell: &str) -> Option<u32> {
    let cell = narrow(class_cell);
    let digits = cell.bytes().all(|b| b.is_ascii_digit());
    if !digits || !(3..=4).contains(&cell.len()) || numbered_in_grade(grade, &cell).is_some() {
        return None;
    }
    numbering_years(&grade_cell(grade))?;
    // 201, and in four digits 0201 or 1101: the year, then two digits of the class.
    let (year, class) = cell.split_at(cell.len() - 2);
    let (year, class): (u32, u32) = (year.parse().ok()?, class.parse().ok()?);
    ((1..=12).contains(&year) && class > 0).then_some(year)
}

/// A class cell with no grade before it: a bare class number (12) is that class (12班), as it is under a grade
/// column, so 12 and 12班 in one list are one class written one way whichever comes first.
fn numbered_alone((grade, class): (String, String)) -> (String, String) {
    if grade.is_empty() && !class.is_empty() && class.chars().all(|c| c.is_ascii_digit()) {
        (grade, with_ban(class))
    } else {
        (grade, class)
    }
}

/// The grade and class a class cell names when it names a school year other than its grade column's
/// (一年级 | 3.2, 一年级 | 三年级2班): as the cell alone reads (3.2 is 三年级2班), within the column's stage (高一 |
/// 2.3 is 高二3班). Only said: the row keeps its grade column's grade (`from_columns`, `other_year`).
pub fn own_grade(grade: &str, class_cell: &str) -> Option<(String, String)> {
    let column = grade_cell(grade);
    let Grade::Year(year) = grade_of(&column) else { return None };
    if let Some(read) = in_stage(&column, class_cell) {
        return (read.0 != column).then_some(read);
    }
    let (named, class) = split(class_cell);
    if named.is_empty() || class.is_empty() {
        return None;
    }
    match grade_of(&named) {
        Grade::Year(own) if own != year => Some((named, with_ban(class))),
        _ => None,
    }
}

/// The grade and class of a class cell that writes its school year short (1.3, 1-3, 1(3), 二(3)班, 三2班) under a
/// grade that names a school year (a grade column, a sheet's name): a junior or senior school counts its years
/// within its stage, so under 高一 the cell 1.3 is 高一3班, and 2.3 高二3班, never a primary school's 一年级. The
/// grade is written as `grade` writes its own (初二, 八年级, 8年级, 高中二年级); `grade` itself when the two agree.
/// `None` for a cell that writes no short year, or a grade that names no school year.
pub fn in_stage(grade: &str, class_cell: &str) -> Option<(String, String)> {
    let column = grade_cell(grade);
    if let Some(stage) = stage_only(&column) {
        let (written, class) = short_grade(class_cell)?;
        return Some((stage.year(written)?, class));
    }
    let Grade::Year(year) = grade_of(&column) else { return None };
    let (written, class) = short_grade(class_cell)?;
    let read = match (year, written) {
        (7..=9, 1..=3) => written + 6,
        (10..=12, 1..=3) => written + 9,
        _ => written,
    };
    if read == u32::from(year) {
        return Some((column, class));
    }
    Some((grade_written_like(&column, read), class))
}

/// A school's stage, as a grade column names it alone (高中, 初中部, 小学) over class cells that write the year
/// within it (1.3).
#[derive(Clone, Copy)]
enum Stage {
    Primary,
    Junior,
    Senior,
}

/// The stage a grade cell names and nothing more: 高中 (高中部, 高), 初中 (初中部, 初), 小学 (小学部).
fn stage_only(grade: &str) -> Option<Stage> {
    match grade.strip_suffix('部').unwrap_or(grade) {
        "小学" => Some(Stage::Primary),
        "初中" | "初" => Some(Stage::Junior),
        "高中" | "高" => Some(Stage::Senior),
        _ => None,
    }
}

impl Stage {
    /// The grade of the stage's year `written` (高中 and 1: 高一; 初中 and 1, or 7: 初一; 小学 and 3: 三年级), written
    /// in the stage's usual short form; `None` for a year the stage has none of (高中 and 5).
    fn year(self, written: u32) -> Option<String> {
        match (self, written) {
            (Stage::Primary, 1..=6) => Some(format!("{}年级", cn_numeral(written))),
            (Stage::Junior, 1..=3) => Some(format!("初{}", cn_numeral(written))),
            (Stage::Junior, 7..=9) => Some(format!("初{}", cn_numeral(written - 6))),
            (Stage::Senior, 1..=3) => Some(format!("高{}", cn_numeral(written))),
            (Stage::Senior, 10..=12) => Some(format!("高{}", cn_numeral(written - 9))),
            _ => None,
        }
    }
}

/// A school year written short before a class number, as a class cell under a grade column often writes it
/// (3.2, 3-2, 3年2班, 3(2), 三(2)班, 三2班): the year as written and the class. A grade written whole (三年级2班,
/// 初一2班) is not short.
fn short_grade(cell: &str) -> Option<(u32, String)> {
    if let Some((year, class)) = dotted(cell) {
        return Some((year, format!("{class}班")));
    }
    let (grade, class) = shortened_grade(&narrow(cell))?;
    match grade_of(&grade) {
        Grade::Year(year) => Some((u32::from(year), class)),
        Grade::Other(_) | Grade::None => None,
    }
}

/// School year `year` written the way `like` writes its grade: 高一 gives 高二, 初中一年级 初中二年级, 7年级 8年级; a
/// year outside `like`'s stage is written as its 年级 (高一 and the year 5: 五年级).
fn grade_written_like(like: &str, year: u32) -> String {
    let written = SchoolGrade::parse(like).and_then(|g| {
        let n = match g.stage {
            "初" | "初中" => year.checked_sub(6).filter(|n| (1..=3).contains(n)),
            "高" | "高中" => year.checked_sub(9).filter(|n| (1..=3).contains(n)),
            _ => Some(year),
        }?;
        let n = if g.digits { n.to_string() } else { cn_numeral(n) };
        Some(format!("{}{n}{}", g.stage, g.suffix))
    });
    written.unwrap_or_else(|| format!("{}年级", cn_numeral(year)))
}

/// Whether a 年级 cell names a grade whole: a school year (三年级, 高一, 3), an intake (2023级) or a kindergarten
/// year (小班). 三年, a 三年级 cut short, names none.
pub fn names_grade(cell: &str) -> bool {
    match grade_of(&grade_cell(cell)) {
        Grade::Year(_) => true,
        Grade::Other(grade) => grade.ends_with('级') || grade.ends_with('班'),
        Grade::None => false,
    }
}

/// Whether a class cell, read alone, gives a class whole: its number and its 班 (1班, 3.2, 三年级（2）班, 火箭班); 三年级,
/// 三年 and 三年级1, such a cell cut short, give none.
pub fn names_class(cell: &str) -> bool {
    let (_, class) = from_columns(None, Some(cell), None);
    class.ends_with('班') && !unread_class(&class)
}

/// A 年级 cell as a grade: a bare school year (3, "03", 三, a number cell or text alike) is that year's grade
/// (三年级), so 3 | 2 is 三年级2班 and not 32班; a bare intake year (2023) is 2023级.
fn grade_cell(cell: &str) -> String {
    let grade = normalize(cell);
    // A bare numeral (二, 十一) is that year's grade too: beside 201 it was 「二1班」, a class no list names.
    if !grade.is_empty()
        && grade.chars().all(is_cn_numeral)
        && let Some(year @ 1..=12) = cn_number(&grade)
    {
        return format!("{}年级", cn_numeral(year));
    }
    if grade.is_empty() || !grade.chars().all(|c| c.is_ascii_digit()) {
        return grade;
    }
    match grade.parse::<u32>() {
        Ok(year @ 1..=12) => format!("{}年级", cn_numeral(year)),
        Ok(1900..=2999) if grade.len() == 4 => format!("{grade}级"),
        _ => grade,
    }
}

/// The class of a cell that repeats its row's grade, however the cell writes it: under 三年级, 三年级2班,
/// 3年级2班, 三（2）班 and 三2班 are all 2班; under 七年级, 初一2班 is. A class number that merely starts with the
/// grade's digit (3年级 + 32班) is left alone: only a bracket or a change from numerals to digits ends the grade.
fn without_grade(grade: &str, cell: &str, class: String) -> String {
    if let Some(rest) = class.strip_prefix(grade) {
        return rest.to_owned();
    }
    let year = match grade_of(grade) {
        Grade::Year(y) => y,
        Grade::Other(_) | Grade::None => return class,
    };
    if let Some((written, number)) = dotted(cell)
        && written == u32::from(year)
    {
        return number.to_string();
    }
    let (written, rest) = split_grade(&class);
    if !written.is_empty() && grade_of(written) == Grade::Year(year) {
        return rest.to_owned();
    }
    let cell = narrow(cell);
    let numeral = cn_numeral(u32::from(year));
    if let Some(rest) = cell.strip_prefix(numeral.as_str())
        && (rest.starts_with('(') || rest.starts_with(|c: char| c.is_ascii_digit()))
    {
        return normalize(rest);
    }
    if let Some(rest) = cell.strip_prefix(year.to_string().as_str())
        && rest.starts_with('(')
    {
        return normalize(rest);
    }
    class
}

/// The grade a sheet's name or a title above the header names, if it names exactly one: 「一年级」, 「初一」,
/// 「三年级学生名单」, 「2024年秋季学期初一新生花名册」, 「2023级」. For a list whose class cells say only 1班, 2班.
/// Not a range (一至六年级) nor a school's name.
pub fn grade_named(text: &str) -> Option<String> {
    let text = narrow(text);
    let chars: Vec<char> = text.chars().collect();
    let is_numeral = |c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c);
    let mut found: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let token = if rest.starts_with(&['年', '级']) {
            // The numeral before 年级, with the 初/高 (初中/高中) before it.
            let start = chars[..i].iter().rposition(|c| !is_numeral(*c)).map_or(0, |p| p + 1);
            let mut from = start;
            for stage in ["初中", "高中", "初", "高"] {
                let n = stage.chars().count();
                if from >= n && chars[from - n..from].iter().copied().eq(stage.chars()) {
                    from -= n;
                    break;
                }
            }
            let before = from.checked_sub(1).and_then(|p| chars.get(p)).copied();
            if start == i || before.is_some_and(|c| "至到-~、,，和与及".contains(c)) {
                return None;
            }
            i += 2;
            Some(chars[from..i].iter().collect::<String>())
        } else if let ['初' | '高', n @ ('一' | '二' | '三'), ..] = rest {
            let next = rest.get(2).copied();
            i += 2;
            // 初一年级 is read at its 年级; 初三6班 names 初三.
            (!next.is_some_and(|c| "一二三四五六七八九十年".contains(c))).then(|| format!("{}{n}", rest[0]))
        } else if rest.len() >= 5
            && rest[..4].iter().all(char::is_ascii_digit)
            && rest[4] == '级'
            && (i == 0 || !chars[i - 1].is_ascii_digit())
        {
            // 初2023级 and 高2023级 of one school are two grades: the stage stays with the year.
            let mut from = i;
            for stage in ["初中", "高中", "初", "高"] {
                let n = stage.chars().count();
                if from >= n && chars[from - n..from].iter().copied().eq(stage.chars()) {
                    from -= n;
                    break;
                }
            }
            i += 5;
            Some(chars[from..i].iter().collect())
        } else {
            i += 1;
            None
        };
        if let Some(token) = token {
            let counts = match grade_of(&token) {
                Grade::Year(_) => true,
                Grade::Other(g) => g.ends_with('级') && !g.ends_with("年级"),
                Grade::None => false,
            };
            if counts && !found.contains(&token) {
                found.push(token);
            }
        }
    }
    match found.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// The grade and class of a row whose cells name no grade, on a sheet (or under a title) that names one
/// (`grade_named`): sheets 一年级 and 二年级 whose class cells read 1班, 2班.
pub fn with_sheet_grade(sheet_grade: &str, (grade, class): (String, String)) -> (String, String) {
    // A class no reading made sense of (3.2.1) may name a grade of its own: the sheet's is not put before it.
    if grade.is_empty() && !class.is_empty() && !sheet_grade.is_empty() && !unread_class(&class) {
        (sheet_grade.to_owned(), with_ban(class))
    } else {
        (grade, class)
    }
}

/// A bare class number ("2", "02", or 2.0 from a numeric cell) gets its 班, so "2", "02" and "2班" are one class.
fn with_ban(class: String) -> String {
    if !class.is_empty() && class.chars().all(|c| c.is_ascii_digit()) {
        let number = class.trim_start_matches('0');
        format!("{}班", if number.is_empty() { "0" } else { number })
    } else if !class.is_empty() && class.chars().all(|c| c.is_ascii_digit() || is_cn_numeral(c)) {
        format!("{class}班")
    } else {
        class
    }
}

/// A key that sorts classes the way a school lists them: 一年级 before 二年级 before 十年级 (not in code-point
/// order), 初一 after 六年级, 2班 before 10班.
pub fn order_key(grade: &str, class: &str) -> String {
    format!("{:03}|{}", grade_rank(grade), natural(class))
}

fn cn_number(s: &str) -> Option<u32> {
    let digit = |c: char| "零一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u32);
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', u] => Some(10 + digit(*u)?),
        [t, '十'] => Some(digit(*t)? * 10),
        [t, '十', u] => Some(digit(*t)? * 10 + digit(*u)?),
        _ => None,
    }
}

fn grade_rank(grade: &str) -> u32 {
    let g = grade.trim_end_matches("年级").trim_end_matches('级');
    if let Ok(n) = g.parse::<u32>() {
        return if n >= 1900 { 100 + (3000 - n.min(3000)) } else { 10 + n };
    }
    if let Some(n) = cn_number(g) {
        return 10 + n;
    }
    let school_stage = [("小班", 1), ("中班", 2), ("大班", 3), ("初中", 16), ("高中", 19), ("初", 16), ("高", 19)];
    for (prefix, base) in school_stage {
        if let Some(rest) = g.strip_prefix(prefix) {
            return base + cn_number(rest).unwrap_or(0);
        }
    }
    if g.is_empty() { 0 } else { 99 }
}

/// A file or folder name as a person sorts it, numbers in number order whether written in digits or Chinese
/// numerals, as `order_key` sorts classes: 一年级名单, 二年级, 三年级 … 十年级 (not 三 before 二, as code points
/// have it), 六年级2班 before 六年级10班. Numbers are padded wider than in class keys: a file name may hold a date.
pub fn name_order_key(name: &str) -> String {
    natural_padded(name, 20)
}

/// Digit runs and Chinese numerals padded so they sort as numbers.
fn natural(s: &str) -> String {
    natural_padded(s, 6)
}

fn natural_padded(s: &str, width: usize) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut digits = String::new();
    let flush = |digits: &mut String, out: &mut String| {
        if !digits.is_empty() {
            let n = digits.parse::<u64>().ok().or_else(|| cn_number(digits).map(u64::from)).unwrap_or(0);
            out.push_str(&format!("{n:0width$}"));
            digits.clear();
        }
    };
    for c in s.chars() {
        if c.is_ascii_digit() || "零一二三四五六七八九十".contains(c) {
            digits.push(c);
        } else {
            flush(&mut digits, &mut out);
            out.push(c);
        }
    }
    flush(&mut digits, &mut out);
    out
}

/// What a class label means, however a list writes it: 九年级(6)班, 九年级（6）班, 9年级6班, 初三6班 and 初中三年级六班
/// are one class. The grade is the school year (初一 is 七年级, 高一 is 十年级, as `order_key` ranks them); the
/// class keeps its number as digits. Stored labels stay as the lists wrote them: a key is only compared.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClassKey {
    pub grade: Grade,
    /// The class within the grade with its number as digits ("6班"); "" when only a grade was written.
    pub class: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Grade {
    None,
    /// School year 1–12: 一至六年级, 七至九年级 (初一至初三), 十至十二年级 (高一至高三).
    Year(u8),
    /// A grade that is no school year (2023级, 小班), as normalized.
    Other(String),
}

impl ClassKey {
    /// Reads a label as an operator or a list writes it. Never fails: text with no grade words is a class
    /// named by that text.
    pub fn parse(text: &str) -> ClassKey {
        let label = normalize(text).to_lowercase();
        let (grade, class) = split_grade(&label);
        // 三2班, 三（2）班, 3(2)班: a grade shortened to its numeral, as an import splits it, so a class typed the
        // way the list wrote it finds the class the import made of it. Read before normalizing drops the
        // brackets that tell 3(2)班 from 32班.
        if grade.is_empty()
            && let Some((grade, class)) = shortened_grade(&narrow(text))
        {
            return ClassKey::of(&grade, &class);
        }
        if grade.is_empty()
            && let Some((year, class)) = dotted(text)
        {
            return ClassKey { grade: Grade::Year(year as u8), class: format!("{class}班") };
        }
        // 大(1)班, 大一班 and 大1班: one kindergarten class of 大班, its number however written.
        if grade.is_empty()
            && let Some((year, prefix, rest)) = kindergarten_numbered(&label)
        {
            let stage = ["小", "中", "大"][year as usize - 1];
            let class = match numbered(rest) {
                Some((n, "班")) => format!("{n}班"),
                _ => rest.to_owned(),
            };
            return ClassKey { grade: Grade::Other(format!("{prefix}{stage}班")), class };
        }
        let class = match numbered(class) {
            Some((n, rest)) if rest.is_empty() || rest == "班" => format!("{n}班"),
            Some((n, rest)) => format!("{n}{rest}"),
            None => class.to_owned(),
        };
        ClassKey { grade: grade_of(grade), class }
    }

    /// The key of a stored pupil's grade and class.
    /// Whether a class as a list wrote it (`self`) names the pupil's class `held`: the same class, or a class
    /// written without its grade (「2班」), which names the class in any grade.
    pub fn names(&self, held: &ClassKey) -> bool {
        *held == *self || (self.grade == Grade::None && held.class == self.class)
    }

    pub fn of(grade: &str, class: &str) -> ClassKey {
        ClassKey::parse(&join(grade, class))
    }

    /// The label written the one usual way: 九年级6班, 高一2班.
    pub fn canonical(&self) -> String {
        let grade = match &self.grade {
            Grade::None => String::new(),
            Grade::Year(y) => grade_spellings(*y).swap_remove(0),
            Grade::Other(g) => g.clone(),
        };
        format!("{grade}{}", self.class)
    }

    /// The ways lists write this class: each spelling of the grade with the class number in digits and in
    /// Chinese numerals.
    pub fn spellings(&self) -> Vec<String> {
        let grades = match &self.grade {
            Grade::None => vec![String::new()],
            Grade::Year(y) => grade_spellings(*y),
            Grade::Other(g) => vec![g.clone()],
        };
        let classes = number_spellings(&self.class);
        grades.iter().flat_map(|g| classes.iter().map(move |c| format!("{g}{c}"))).collect()
    }
}

/// One label per class of a school, the first met: a drive may hold a class under two spellings (3年级2班 and
/// 三年级2班, from lists imported before they were read as one), and a count or a form shows it once.
#[derive(Debug, Default)]
pub struct OneSpelling {
    labels: std::collections::HashMap<(String, ClassKey), String>,
    /// The school, grade and class of the last pupil and their label: pupils come class by class.
    last: Option<(String, String, String, String)>,
}

impl OneSpelling {
    pub fn label(&mut self, school: &str, grade: &str, class: &str) -> &str {
        let hit = self.last.as_ref().is_some_and(|(s, g, c, _)| s == school && g == grade && c == class);
        if !hit {
            let label = if grade.is_empty() && class.is_empty() {
                String::new()
            } else {
                self.labels
                    .entry((school.to_owned(), ClassKey::of(grade, class)))
                    .or_insert_with(|| join(grade, class))
                    .clone()
            };
            self.last = Some((school.to_owned(), grade.to_owned(), class.to_owned(), label));
        }
        self.last.as_ref().map_or("", |(.., label)| label.as_str())
    }
}

/// Other ways to write a search word that names a grade, or a grade and (the start of) a class: 初三6 is also
/// 九年级6, 9年级6, 九年级六 …, and 三1班 (a grade shortened to its numeral) 三年级1班. Empty when the word names
/// no grade or numbered class, as a name does not.
pub fn search_spellings(word: &str) -> Vec<String> {
    let label = normalize(word).to_lowercase();
    let (grade, class) = match split_grade(&label) {
        ("", rest) => match bare_grade(rest) {
            Some((year, rest)) => (Grade::Year(year), rest),
            None => (Grade::None, rest),
        },
        (grade, rest) => (grade_of(grade), rest),
    };
    let grades = match grade {
        Grade::Year(y) => grade_spellings(y),
        Grade::None if numbered(class).is_some_and(|(_, rest)| rest.starts_with('班')) => vec![String::new()],
        _ => return Vec::new(),
    };
    let classes = number_spellings(class);
    let lower = word.to_lowercase();
    let mut out: Vec<String> = Vec::new();
    for g in &grades {
        for c in &classes {
            let spelling = format!("{g}{c}");
            if spelling != lower && !out.contains(&spelling) {
                out.push(spelling);
            }
        }
    }
    out
}

/// Up to `n` of `labels` nearest to the class `wanted` names, compared as their one spelling (初一2 and
/// 七年级2班 are one class): by the characters to change, then in the order of `labels`. For a class typed by
/// hand, to offer the ones it likely meant. The empty label (pupils with no class) is no class to offer: it
/// was an empty item in the list.
pub fn nearest<'a>(wanted: &str, labels: &'a [String], n: usize) -> Vec<&'a str> {
    let target: Vec<char> = ClassKey::parse(wanted).canonical().chars().collect();
    let mut ranked: Vec<(usize, usize, &String)> = labels
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| (edit_distance(&target, &ClassKey::parse(l).canonical()), i, l))
        .collect();
    ranked.sort_unstable();
    ranked.into_iter().take(n).map(|(_, _, l)| l.as_str()).collect()
}

/// A class typed by hand for a pupil (`E`, 添加学生, `canbao add`) that the school's `classes` do not have, most
/// often a typo at the counter (三年级9班 for 三年级1班): the nearest it has, up to three, to ask about before a
/// one-pupil class is made. `None` where the school has it, where nothing is typed, and where the school has
/// no classes yet (a new drive: nothing to mistype against).
pub fn new_to_school<'a>(typed: &str, classes: &'a [String]) -> Option<Vec<&'a str>> {
    let key = ClassKey::parse(typed);
    let classes_held = classes.iter().any(|c| !c.trim().is_empty());
    if typed.trim().is_empty() || !classes_held || classes.iter().any(|c| ClassKey::parse(c) == key) {
        return None;
    }
    Some(nearest(typed, classes, 3))
}

/// Characters to insert, delete or change to turn one spelling into the other (also for school names typed
/// by hand).
pub(crate) fn edit_distance(a: &[char], b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb)).min(above + 1).min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

/// Which of `classes` (labels, in the order shown) the typed text means: the class it names, else the first
/// class that one of its spellings begins with (as typing goes: 初 → the first 初一 class, whether the school
/// writes 初一 or 七年级), else the first that contains it.
pub fn class_matching(classes: &[String], typed: &str) -> Option<usize> {
    let text = normalize(typed).to_lowercase();
    if text.is_empty() {
        return None;
    }
    // 三1班 as teachers shorten 三年级1班: the class it names, however the school writes it.
    let wanted = match bare_grade(&text) {
        Some((year, rest)) => ClassKey::parse(&format!("{year}年级{rest}")),
        None => ClassKey::parse(&text),
    };
    let keys: Vec<ClassKey> = classes.iter().map(|c| ClassKey::parse(c)).collect();
    if let Some(i) = keys.iter().position(|k| *k == wanted) {
        return Some(i);
    }
    let spellings: Vec<Vec<String>> = keys
        .iter()
        .zip(classes)
        .map(|(k, label)| {
            let mut all = k.spellings();
            all.push(normalize(label).to_lowercase());
            all
        })
        .collect();
    spellings
        .iter()
        .position(|all| all.iter().any(|s| s.starts_with(&text)))
        .or_else(|| spellings.iter().position(|all| all.iter().any(|s| s.contains(&text))))
}

/// A grade written as its bare numeral right before the class number, as teachers shorten 三年级1班 to 三1班 or
/// 三1: the school year and the rest ("1班"). Read only from what an operator types to find a class (a stored
/// label keeps its own reading); a numeral not followed by a digit (三一班, a name) is no grade.
fn bare_grade(label: &str) -> Option<(u8, &str)> {
    let end = label.char_indices().find(|&(_, c)| !"一二三四五六七八九十".contains(c)).map(|(i, _)| i)?;
    if end == 0 || !label[end..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let year = cn_number(&label[..end]).filter(|n| (1..=12).contains(n))?;
    Some((year as u8, &label[end..]))
}

/// Grade words and the rest of a normalized label; the grade may stand alone ("初三", "九年级").
fn split_grade(label: &str) -> (&str, &str) {
    if let Some(pos) = label.find("年级") {
        let cut = pos + "年级".len();
        return (&label[..cut], &label[cut..]);
    }
    if let Some(cut) = intake_grade_end(label) {
        return (&label[..cut], &label[cut..]);
    }
    for stage in ["高中", "初中", "高", "初"] {
        if let Some(rest) = label.strip_prefix(stage)
            && let Some(n) = rest.chars().next().filter(|c| "一二三123".contains(*c))
        {
            let cut = stage.len() + n.len_utf8();
            return (&label[..cut], &label[cut..]);
        }
    }
    for stage in ["小班", "中班", "大班"] {
        if label.starts_with(stage) && label.len() > stage.len() {
            return (&label[..stage.len()], &label[stage.len()..]);
        }
    }
    ("", label)
}

fn grade_of(grade: &str) -> Grade {
    if grade.is_empty() {
        return Grade::None;
    }
    let g = grade.trim_end_matches("年级");
    let g = g.strip_prefix("小学").unwrap_or(g);
    let number = |s: &str| s.parse::<u32>().ok().or_else(|| cn_number(s));
    let year = match number(g) {
        Some(n) => Some(n),
        None => [("高中", 9), ("初中", 6), ("高", 9), ("初", 6)].into_iter().find_map(|(stage, base)| {
            g.strip_prefix(stage).and_then(number).filter(|n| (1..=3).contains(n)).map(|n| base + n)
        }),
    };
    match year {
        Some(y @ 1..=12) => Grade::Year(y as u8),
        _ => Grade::Other(grade.to_owned()),
    }
}

/// 九年级, 9年级, and for middle school 初三 / 初中三年级, for high school 高一 / 高中一年级 / 十年级; the usual one first.
fn grade_spellings(year: u8) -> Vec<String> {
    let y = u32::from(year);
    let mut out = Vec::with_capacity(4);
    match year {
        10..=12 => out.push(format!("高{}", cn_numeral(y - 9))),
        _ => out.push(format!("{}年级", cn_numeral(y))),
    }
    match year {
        7..=9 => {
            out.push(format!("初{}", cn_numeral(y - 6)));
            out.push(format!("初中{}年级", cn_numeral(y - 6)));
        }
        10..=12 => {
            out.push(format!("高中{}年级", cn_numeral(y - 9)));
            out.push(format!("{}年级", cn_numeral(y)));
        }
        _ => {}
    }
    out.push(format!("{y}年级"));
    out
}

/// A leading class number, in digits or Chinese numerals, and what follows it.
fn numbered(class: &str) -> Option<(u32, &str)> {
    let end = class
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || "零一二三四五六七八九十".contains(c)))
        .map_or(class.len(), |(i, _)| i);
    let head = &class[..end];
    let n = head.parse::<u32>().ok().or_else(|| cn_number(head))?;
    Some((n, &class[end..]))
}

/// A class number in digits and in Chinese numerals ("6班", "六班"); anything else as it is.
fn number_spellings(class: &str) -> Vec<String> {
    match numbered(class) {
        Some((n, rest)) if n < 100 => vec![format!("{n}{rest}"), format!("{}{rest}", cn_numeral(n))],
        _ => vec![class.to_owned()],
    }
}

/// 1..99 in Chinese numerals, as class lists write them (十二, 二十).
pub fn cn_numeral(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n as usize].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", DIGITS[(n % 10) as usize]),
        20..=99 if n.is_multiple_of(10) => format!("{}十", DIGITS[(n / 10) as usize]),
        20..=99 => format!("{}十{}", DIGITS[(n / 10) as usize], DIGITS[(n % 10) as usize]),
        _ => n.to_string(),
    }
}

/// Where a class goes when the school year turns (`canbao year new --promote`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Promotion {
    /// One grade up, written the way the class was (一年级 → 二年级, 初一 → 初二, 7年级 → 8年级, 小班 → 中班).
    To { grade: String, class: String },
    /// The last grade of its stage (六年级, 九年级 / 初三, 高三 / 十二年级, 大班): the pupils leave (毕业).
    Leaves,
    /// A grade that names no school year (2023级, 实验班, none): the class stays as it is.
    Unchanged,
}

/// One grade's next step.
enum Step {
    Next(String),
    Leaves,
    Unknown,
}

/// A school-year grade as written: its stage prefix (小学, 初, 高 … or none), its number, whether the number is
/// in digits, and its 年级 suffix if any.
struct SchoolGrade {
    stage: &'static str,
    n: u32,
    digits: bool,
    suffix: &'static str,
}

impl SchoolGrade {
    fn parse(grade: &str) -> Option<SchoolGrade> {
        let (body, suffix) = match grade.strip_suffix("年级") {
            Some(body) => (body, "年级"),
            None => (grade, ""),
        };
        let (stage, number) = ["小学", "初中", "高中", "初", "高"]
            .iter()
            .find_map(|p| body.strip_prefix(p).map(|rest| (*p, rest)))
            .unwrap_or(("", body));
        // 初一 and 高三 stand alone; 一 alone (without 年级) is no grade.
        if number.is_empty() || (suffix.is_empty() && matches!(stage, "" | "小学")) {
            return None;
        }
        let digits = number.chars().all(|c| c.is_ascii_digit());
        let n = if digits { number.parse::<u32>().ok() } else { cn_number(number) }?;
        Some(SchoolGrade { stage, n, digits, suffix })
    }

    /// The last grade of the stage, or `None` for a number the stage has no grade of.
    fn last(&self) -> Option<u32> {
        match (self.stage, self.n) {
            ("初" | "初中" | "高" | "高中", 1..=3) => Some(3),
            ("小学" | "", 1..=6) => Some(6),
            ("", 7..=9) => Some(9),
            ("", 10..=12) => Some(12),
            _ => None,
        }
    }
}

/// A kindergarten year, written alone or after 幼儿园 (幼儿园大班): 小班 → 中班 → 大班, whose children leave
/// (毕业), written as the school wrote it.
fn kindergarten_step(grade: &str) -> Option<Step> {
    let (prefix, year) = grade.strip_prefix("幼儿园").map_or(("", grade), |rest| ("幼儿园", rest));
    match year {
        "小班" => Some(Step::Next(format!("{prefix}中班"))),
        "中班" => Some(Step::Next(format!("{prefix}大班"))),
        "大班" => Some(Step::Leaves),
        _ => None,
    }
}

/// A class named by its school year and its number run together, as many schools number classes: 301班 is the
/// third year's 1班, 601班 the sixth year's. `label` normalized; the year and the class number. Three digits
/// only: 1203班 could be 十二年级3班 or an intake's third class, and stays as written.
fn room_numbered(label: &str) -> Option<(u32, u32)> {
    let digits = label.strip_suffix('班').unwrap_or(label);
    if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = u32::from(digits.as_bytes()[0] - b'0');
    let class: u32 = digits[1..].parse().ok()?;
    (year >= 1 && class >= 1).then_some((year, class))
}

/// Whether a list whose class cells are bare numbers of three digits, with no grade anywhere (301, 302班, 401),
/// numbers its classes by school year and class, as most schools that write them so do (301 is the third year's
/// class 1), so that each reads as its year's class (三年级1班). `cells`: the list's class cells; `school`: its
/// school's name. Only when sure: every cell is such a number (none 1班, 300, 1201); and the years the numbers
/// begin with are a primary school's with one of 4 to 6 among them (a year no junior school numbers), or a junior
/// school's 7 to 9 alone, or a nine-year school's both. 1 to 3 alone may be a junior school's 初一 to 初三 (101 for
/// 初一, see `numbers_secondary_years`) and are read only where the name says 小学; a secondary school's name
/// reads no 1 to 6 (a 完全中学 may number its senior years so). Anything else keeps the numbers as written.
pub fn numbers_classes_by_year<S: AsRef<str>>(cells: impl IntoIterator<Item = S>, school: &str) -> bool {
    let mut years = [false; 10];
    for cell in cells {
        let cell = normalize(cell.as_ref());
        if cell.is_empty() {
            continue;
        }
        match room_numbered(&cell) {
            Some((year, _)) if year <= 9 => years[year as usize] = true,
            _ => return false,
        }
    }
    let any = |range: std::ops::RangeInclusive<usize>| range.into_iter().any(|y| years[y]);
    let (low, primary, junior) = (any(1..=3), any(4..=6), any(7..=9));
    let school = normalize(school);
    let secondary_name = names_a_secondary_school(&school);
    let primary_name = school.contains("小学") && !secondary_name;
    match (low, primary, junior) {
        (_, true, _) => !secondary_name,
        (false, false, true) => !primary_name,
        (true, false, false) => primary_name,
        _ => false,
    }
}

/// A class number of three digits as its year's class: 301 and 301班 are 三年级1班, 702 七年级2班; `None` for any
/// other cell. For a list that numbers its classes so (`numbers_classes_by_year`).
pub fn read_by_year(cell: &str) -> Option<(String, String)> {
    let (year, class) = room_numbered(&normalize(cell))?;
    (year <= 9).then(|| (format!("{}年级", cn_numeral(year)), format!("{class}班")))
}

/// The key of the other way a school writes a class it numbers by year: 301班 alone for 三年级1班 (七年级2班 for
/// 702班), and 三年级1班 for 301班 alone. An import puts a list's pupils in such a class the drive already holds
/// the other way, so a school's classes stay one whichever of its lists were read by year (`read_by_year`).
pub fn by_year_spelling(grade: &str, class: &str) -> Option<ClassKey> {
    if grade.is_empty()
        && let Some((grade, class)) = read_by_year(class)
    {
        return Some(ClassKey::of(&grade, &class));
    }
    let key = ClassKey::of(grade, class);
    let Grade::Year(year @ 1..=9) = key.grade else { return None };
    match numbered(&key.class) {
        Some((n @ 1..=99, "班")) => Some(ClassKey::parse(&format!("{year}{n:02}班"))),
        _ => None,
    }
}

/// A kindergarten class written with its year's first character and its number: 小一班, 中(2)班, 大3班,
/// 幼儿园小一班 are classes of 小班, 中班 and 大班. `label` normalized; the year (1 for 小班 to 3 for 大班), what
/// comes before the year's character (幼儿园 or nothing) and after it (一班).
fn kindergarten_numbered(label: &str) -> Option<(u32, &str, &str)> {
    let at = if label.starts_with("幼儿园") { "幼儿园".len() } else { 0 };
    let (prefix, rest) = label.split_at(at);
    let mut chars = rest.chars();
    let year = match chars.next()? {
        '小' => 1,
        '中' => 2,
        '大' => 3,
        _ => return None,
    };
    let number = chars.as_str().strip_suffix('班')?;
    let numbered = (1..=2).contains(&number.chars().count())
        && (number.chars().all(|c| c.is_ascii_digit()) || cn_number(number).is_some());
    numbered.then(|| (year, prefix, &rest['小'.len_utf8()..]))
}

/// The kindergarten year a grade or class names: 小班 (1), 中班 (2), 大班 (3), written alone, after 幼儿园, or
/// before the class (小班1班).
fn kindergarten_year(label: &str) -> Option<u32> {
    let year = label.strip_prefix("幼儿园").unwrap_or(label);
    ["小班", "中班", "大班"].iter().position(|y| year.starts_with(y)).map(|p| p as u32 + 1)
}

/// A class's place in the years a child goes through: kindergarten's 小班, 中班, 大班, or the twelve school
/// years (初一 is the seventh, 高一 the tenth), however the label writes it (三年级1班, 301班, 小一班, 幼儿园中班).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearOfStudy {
    Kindergarten(u32),
    School(u32),
}

/// See [`YearOfStudy`]; `None` for a label naming no such year (2023级1班, 实验班).
pub fn year_of_study(label: &str) -> Option<YearOfStudy> {
    let normalized = normalize(label);
    if let Some((year, _)) = room_numbered(&normalized) {
        return Some(YearOfStudy::School(year));
    }
    if let Some((year, ..)) = kindergarten_numbered(&normalized) {
        return Some(YearOfStudy::Kindergarten(year));
    }
    match ClassKey::parse(label).grade {
        Grade::Year(y) => Some(YearOfStudy::School(u32::from(y))),
        Grade::Other(g) => kindergarten_year(&g).map(YearOfStudy::Kindergarten),
        Grade::None => kindergarten_year(&normalized).map(YearOfStudy::Kindergarten),
    }
}

/// How many years of study class `to` is past class `from` (1: a grade up, -1: a grade down), when both name a
/// year of the same kind (both kindergarten, or both school).
pub fn years_apart(from: &str, to: &str) -> Option<i64> {
    match (year_of_study(from)?, year_of_study(to)?) {
        (YearOfStudy::School(a), YearOfStudy::School(b))
        | (YearOfStudy::Kindergarten(a), YearOfStudy::Kindergarten(b)) => Some(i64::from(b) - i64::from(a)),
        _ => None,
    }
}

/// The step of a class whose label alone names its year by its number or by a kindergarten year's character:
/// 301班 → 401班, 601班 and 901班 leave (the last years of primary and junior school), 小一班 → 中一班, 大一班
/// leaves kindergarten. `None` for any other label.
fn numbered_step(label: &str) -> Option<Promotion> {
    if let Some((year, _)) = room_numbered(label) {
        return Some(match year {
            6 | 9 => Promotion::Leaves,
            _ => Promotion::To { grade: String::new(), class: format!("{}{}", year + 1, &label[1..]) },
        });
    }
    let (year, prefix, rest) = kindergarten_numbered(label)?;
    Some(match year {
        1 => Promotion::To { grade: String::new(), class: format!("{prefix}中{rest}") },
        2 => Promotion::To { grade: String::new(), class: format!("{prefix}大{rest}") },
        _ => Promotion::Leaves,
    })
}

/// A class under a grade column that repeats the grade's year in its own way (三年级 + 301班, 小班 + 小一班):
/// the class as it reads in the next year (401班, 中一班), so the grade and the class do not part.
fn numbered_class_with_grade(grade: &str, class: &str) -> Option<String> {
    let label = normalize(class);
    let held = year_of_study(grade)?;
    if year_of_study(&label)? != held {
        return None;
    }
    match numbered_step(&label)? {
        Promotion::To { class, .. } => Some(class),
        _ => None,
    }
}

fn next_grade(grade: &str) -> Step {
    if let Some(step) = kindergarten_step(grade) {
        return step;
    }
    let Some(g) = SchoolGrade::parse(grade) else { return Step::Unknown };
    let Some(last) = g.last() else { return Step::Unknown };
    if g.n == last {
        return Step::Leaves;
    }
    let written = if g.digits { (g.n + 1).to_string() } else { cn_numeral(g.n + 1) };
    Step::Next(format!("{}{written}{}", g.stage, g.suffix))
}

/// The grade a stored class is in: its grade, or the grade written at the head of the class when no grade was
/// given (初一2班).
fn stored_grade(grade: &str, class: &str) -> String {
    if grade.is_empty() { split(class).0 } else { grade.to_owned() }
}

/// The grade a pupil is in, as the roster holds it: its grade, or the grade written at the head of its class
/// (初一2班) when no grade was given; empty when neither says one.
pub fn grade_in(grade: &str, class: &str) -> String {
    stored_grade(grade, class)
}

/// Whether `grade` is a grade pupils enter school in (入学年级), for a September entry in `entry_year`: 一年级,
/// 七年级 / 初一, 高一 / 十年级, a college's first year (大一, 大学一年级), or the entry year's own intake (2022级). A
/// pupil in such a grade is taken as entering this September (今年9月份入学新生, 004 二): the roster holds no date
/// of entry. Kindergarten (小班) is not counted: the notices speak of 入学 at school.
pub fn entry_grade(grade: &str, entry_year: i32) -> bool {
    let written = normalize(grade).to_lowercase();
    let g = written.trim_end_matches("年级");
    if matches!(g, "大一" | "大学一" | "本科一" | "专科一" | "高职一") {
        return true;
    }
    // 2026级, and a stage's 初2026级 or 高中2026级, read as an import reads them (`intake_grade_end`).
    if let Some(end) = intake_grade_end(g).filter(|&end| end == g.len()) {
        let year = &g[end - '级'.len_utf8() - 4..end - '级'.len_utf8()];
        return year.parse::<i32>().is_ok_and(|year| year == entry_year);
    }
    matches!(ClassKey::parse(grade).grade, Grade::Year(1 | 7 | 10))
}

/// Whether a class is in the first junior grade (七年级, 7年级, 初一, 初中一年级): a school that has such classes
/// and 六年级 too teaches all nine years (九年一贯制), and its 六年级 go on into that grade rather than leave.
pub fn first_junior_grade(grade: &str, class: &str) -> Option<String> {
    // 701班 alone: the school numbers its classes by year (`room_numbered`), its 601班 go on into 701班.
    if grade.is_empty() && room_numbered(&normalize(class)).is_some_and(|(year, _)| year == 7) {
        return Some("七年级".to_owned());
    }
    let grade = stored_grade(grade, class);
    let g = SchoolGrade::parse(&grade)?;
    matches!((g.stage, g.n), ("", 7) | ("初" | "初中", 1)).then_some(grade)
}

/// Whether a school numbers the three years of a secondary school by year (101班 for 初一, 301班 for 初三), so that
/// its 301班 leave (毕业) rather than go on into a 401班 as a primary school's do: its classes numbered by year
/// (`classes`: grade and class) are all of the first three years, and its name says it is a 中学 (初级中学, 实验中学;
/// not a name with 小学 in it too), or its other classes name secondary grades only (初一, 七年级, 高二) and no
/// primary or kindergarten one. The numbers alone cannot tell 初三 from 三年级.
pub fn numbers_secondary_years<'a>(school: &str, classes: impl IntoIterator<Item = (&'a str, &'a str)>) -> bool {
    let (mut numbered, mut secondary, mut other) = (false, false, false);
    for (grade, class) in classes {
        if grade.is_empty()
            && let Some((year, _)) = room_numbered(&normalize(class))
        {
            if year > 3 {
                return false;
            }
            numbered = true;
            continue;
        }
        match year_of_study(&join(grade, class)) {
            Some(YearOfStudy::School(7..)) => secondary = true,
            Some(_) => other = true,
            None => {}
        }
    }
    numbered && ((names_a_secondary_school(&normalize(school))) || (secondary && !other))
}

/// Whether a school's name says it is a secondary school: 中学 (初级中学, 实验中学), 初中 (城关初中, 一中初中部),
/// or a numbered 中 (城关一中, 县二中本部, 第3中); never a name with 小学 in it too (中学附属小学).
fn names_a_secondary_school(school: &str) -> bool {
    let numbered_zhong = school
        .chars()
        .zip(school.chars().skip(1))
        .any(|(before, c)| c == '中' && ("一二三四五六七八九十".contains(before) || before.is_ascii_digit()));
    !school.contains("小学") && (school.contains("中学") || school.contains("初中") || numbered_zhong)
}

/// `promote`, for a school whose first junior grade is written `junior` (see `first_junior_grade`): its last
/// primary grade (六年级, 小学六年级) moves into that grade instead of leaving. Other last grades leave as
/// `promote` says: going on to senior school takes an entrance exam (中考), so a pupil of 九年级 is not taken to
/// be in 高一 the next year. At a school that numbers its secondary years by year (`secondary_numbered`, see
/// [`numbers_secondary_years`]), a 301班 written alone is the last year of its stage, and leaves.
pub fn promote_into(grade: &str, class: &str, junior: Option<&str>, secondary_numbered: bool) -> Promotion {
    if secondary_numbered && grade.is_empty() && room_numbered(&normalize(class)).is_some_and(|(year, _)| year == 3) {
        return Promotion::Leaves;
    }
    let promotion = promote(grade, class);
    let Some(junior) = junior else { return promotion };
    // 601班, alone or under 六年级: into 701班, as the school numbers its classes, whatever its 七年级 is called.
    let room = normalize(class);
    if promotion == Promotion::Leaves
        && room_numbered(&room).is_some_and(|(year, _)| year == 6)
        && (grade.is_empty() || year_of_study(grade) == Some(YearOfStudy::School(6)))
    {
        let class = format!("7{}", &room[1..]);
        let grade = if grade.is_empty() { String::new() } else { junior.to_owned() };
        return Promotion::To { grade, class };
    }
    let sixth = SchoolGrade::parse(&stored_grade(grade, class))
        .is_some_and(|g| matches!(g.stage, "" | "小学") && g.n == 6 && g.last() == Some(6));
    match promotion {
        Promotion::Leaves if sixth && grade.is_empty() => {
            let (_, rest) = split(class);
            Promotion::To { grade: String::new(), class: format!("{junior}{rest}") }
        }
        Promotion::Leaves if sixth => {
            let class = match class.strip_prefix(grade) {
                Some(rest) => format!("{junior}{rest}"),
                None => class.to_owned(),
            };
            Promotion::To { grade: junior.to_owned(), class }
        }
        other => other,
    }
}

/// The class a stored grade and class move to when the school year turns. A grade written inside the class
/// (no grade column, or the class repeating it) moves with it.
pub fn promote(grade: &str, class: &str) -> Promotion {
    if grade.is_empty() {
        let (inner, rest) = split(class);
        if inner.is_empty() {
            let label = normalize(class);
            if let Some(step) = numbered_step(&label) {
                return step;
            }
            // A kindergarten year written as the class alone (大班, 幼儿园中班) is its grade.
            return match kindergarten_step(&label) {
                Some(Step::Next(g)) => Promotion::To { grade: String::new(), class: g },
                Some(Step::Leaves) => Promotion::Leaves,
                Some(Step::Unknown) | None => Promotion::Unchanged,
            };
        }
        return match next_grade(&inner) {
            Step::Next(g) => Promotion::To { grade: String::new(), class: format!("{g}{rest}") },
            Step::Leaves => Promotion::Leaves,
            Step::Unknown => Promotion::Unchanged,
        };
    }
    match next_grade(grade) {
        Step::Next(g) => {
            let class = match class.strip_prefix(grade) {
                Some(rest) => format!("{g}{rest}"),
                None => numbered_class_with_grade(grade, class).unwrap_or_else(|| class.to_owned()),
            };
            Promotion::To { grade: g, class }
        }
        Step::Leaves => Promotion::Leaves,
        // A kindergarten's classes under the kindergarten's name (幼儿园 + 小一班, 幼儿园 + 大班) step as the class
        // alone does, under the same name.
        Step::Unknown if grade.contains('幼') => match promote("", class) {
            Promotion::To { class, .. } => Promotion::To { grade: grade.to_owned(), class },
            other => other,
        },
        Step::Unknown => Promotion::Unchanged,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn entry_grades_are_the_first_year_of_each_school_stage() {
        use super::{entry_grade, grade_in};
        for g in [
            "一年级",
            "1年级",
            "小学一年级",
            "七年级",
            "初一",
            "初中一年级",
            "高一",
            "十年级",
            "高中一年级",
            "大一",
            "大学一年级",
            "2022级",
        ] {
            assert!(entry_grade(g, 2022), "{g}");
        }
        for g in ["二年级", "六年级", "八年级", "初二", "高二", "大二", "2021级", "小班", "", "实验班"]
        {
            assert!(!entry_grade(g, 2022), "{g}");
        }
        assert_eq!(grade_in("", "初一2班"), "初一");
        assert_eq!(grade_in("一年级", "2班"), "一年级");
    }

    #[test]
    fn nearest_offers_no_empty_class() {
        // A drive of one class, its grade's pupils not yet in classes, and pupils with no class at all.
        let labels: Vec<String> = ["一年级1班", "", "一年级"].map(str::to_owned).into();
        assert_eq!(super::nearest("九年级1班", &labels, 3), ["一年级1班", "一年级"]);
    }

    use super::*;

    #[test]
    fn classes_move_up_a_grade_and_last_grades_leave() {
        let to = |g: &str, c: &str| Promotion::To { grade: g.into(), class: c.into() };
        // Primary, as Chinese numerals and digits, and with 小学.
        assert_eq!(promote("一年级", "1班"), to("二年级", "1班"));
        assert_eq!(promote("五年级", "(3)班"), to("六年级", "(3)班"));
        assert_eq!(promote("六年级", "2班"), Promotion::Leaves);
        assert_eq!(promote("3年级", "2班"), to("4年级", "2班"));
        assert_eq!(promote("小学二年级", "1班"), to("小学三年级", "1班"));
        // Junior: 七至九年级, 初一至初三, 初中X年级.
        assert_eq!(promote("七年级", "1班"), to("八年级", "1班"));
        assert_eq!(promote("九年级", "6班"), Promotion::Leaves);
        assert_eq!(promote("初一", "2班"), to("初二", "2班"));
        assert_eq!(promote("初二", "2班"), to("初三", "2班"));
        assert_eq!(promote("初三", "2班"), Promotion::Leaves);
        assert_eq!(promote("初中一年级", "1班"), to("初中二年级", "1班"));
        assert_eq!(promote("初中三年级", "1班"), Promotion::Leaves);
        // Senior.
        assert_eq!(promote("高一", "3班"), to("高二", "3班"));
        assert_eq!(promote("高二", "3班"), to("高三", "3班"));
        assert_eq!(promote("高三", "3班"), Promotion::Leaves);
        assert_eq!(promote("高中二年级", "1班"), to("高中三年级", "1班"));
        assert_eq!(promote("高中三年级", "1班"), Promotion::Leaves);
        assert_eq!(promote("十年级", "1班"), to("十一年级", "1班"));
        assert_eq!(promote("十二年级", "1班"), Promotion::Leaves);
        // Kindergarten.
        assert_eq!(promote("小班", "1班"), to("中班", "1班"));
        assert_eq!(promote("中班", "1班"), to("大班", "1班"));
        assert_eq!(promote("大班", "1班"), Promotion::Leaves);
        // A kindergarten's years written after 幼儿园, or as the class alone, step the same way.
        assert_eq!(promote("幼儿园小班", ""), to("幼儿园中班", ""));
        assert_eq!(promote("幼儿园中班", "2班"), to("幼儿园大班", "2班"));
        assert_eq!(promote("幼儿园大班", ""), Promotion::Leaves);
        assert_eq!(promote("", "幼儿园大班"), Promotion::Leaves);
        assert_eq!(promote("", "中班"), to("", "大班"));
        assert_eq!(promote("", "大班"), Promotion::Leaves);
        // A class naming no school year stays (the report lists it).
        for (grade, class) in [("学前班", ""), ("", "学前班"), ("启智班", ""), ("", "2023级1班"), ("", "实验班")]
        {
            assert_eq!(promote(grade, class), Promotion::Unchanged, "{grade} {class}");
        }
        // The grade written in the class moves with it.
        assert_eq!(promote("", "三年级2班"), to("", "四年级2班"));
        assert_eq!(promote("", "初三6班"), Promotion::Leaves);
        assert_eq!(promote("三年级", "三年级2班"), to("四年级", "四年级2班"));
        // No school year: kept.
        assert_eq!(promote("2023级", "1班"), Promotion::Unchanged);
        assert_eq!(promote("", "实验班"), Promotion::Unchanged);
        assert_eq!(promote("十三年级", "1班"), Promotion::Unchanged);
    }

    #[test]
    fn classes_numbered_by_year_move_up_and_their_last_years_leave() {
        let to = |g: &str, c: &str| Promotion::To { grade: g.into(), class: c.into() };
        assert_eq!(promote("", "301班"), to("", "401班"));
        assert_eq!(promote("", "112班"), to("", "212班"));
        assert_eq!(promote("", "３０１班"), to("", "401班"));
        assert_eq!(promote("", "501"), to("", "601"));
        assert_eq!(promote("", "701班"), to("", "801班"));
        // A primary school's sixth year and a junior school's third leave (毕业).
        assert_eq!(promote("", "601班"), Promotion::Leaves);
        assert_eq!(promote("", "901班"), Promotion::Leaves);
        assert_eq!(promote_into("", "601班", None, false), Promotion::Leaves, "a primary school");
        // A school teaching all nine years (it has 701班, or a 七年级) keeps its sixth year, into 701班.
        assert_eq!(first_junior_grade("", "701班").as_deref(), Some("七年级"));
        assert_eq!(first_junior_grade("", "801班"), None);
        assert_eq!(promote_into("", "601班", Some("七年级"), false), to("", "701班"));
        assert_eq!(promote_into("", "602班", Some("初一"), false), to("", "702班"));
        assert_eq!(promote_into("", "901班", Some("七年级"), false), Promotion::Leaves);
        // A junior school numbering 初一 as 101班 (its name, or its other classes' grades, say it): 301班 is 初三,
        // and leaves; 101班 and 201班 move up as anywhere.
        let junior_school = [("", "101班"), ("", "201班"), ("", "301班")];
        assert!(numbers_secondary_years("城关初级中学", junior_school));
        assert!(numbers_secondary_years("第二中学", junior_school));
        for name in ["城关一中", "县二中本部", "城关镇初中", "城关一中初中部", "第3中"] {
            assert!(numbers_secondary_years(name, junior_school), "{name}");
        }
        for name in ["城关中心校", "中心小学", "中一中学附属小学", "城关学校中部"] {
            assert!(!numbers_secondary_years(name, junior_school), "{name}");
        }
        assert!(numbers_secondary_years("城关学校", junior_school.into_iter().chain([("初一", "4班")])));
        assert!(numbers_secondary_years("城关学校", junior_school.into_iter().chain([("", "七年级4班")])));
        assert!(!numbers_secondary_years("城关学校", junior_school), "the numbers alone say a primary school");
        assert!(!numbers_secondary_years("中学附属小学", junior_school));
        assert!(!numbers_secondary_years(
            "城关学校",
            junior_school.into_iter().chain([("初一", "4班"), ("一年级", "1班")])
        ));
        assert!(!numbers_secondary_years("第二中学", junior_school.into_iter().chain([("", "401班")])), "years 1 to 4");
        assert!(!numbers_secondary_years("第二中学", [("初一", "1班")]), "no class numbered by year");
        assert_eq!(promote_into("", "301班", None, true), Promotion::Leaves);
        assert_eq!(promote_into("", "３０２", None, true), Promotion::Leaves);
        assert_eq!(promote_into("", "101班", None, true), to("", "201班"));
        assert_eq!(promote_into("", "201班", None, true), to("", "301班"));
        assert_eq!(promote_into("", "301班", None, false), to("", "401班"), "a primary school's third year");
        // Under a grade column naming the same year, the class moves with the grade.
        assert_eq!(promote("三年级", "301班"), to("四年级", "401班"));
        assert_eq!(promote("六年级", "601班"), Promotion::Leaves);
        assert_eq!(promote_into("六年级", "601班", Some("七年级"), false), to("七年级", "701班"));
        assert_eq!(promote("三年级", "401班"), to("四年级", "401班"), "another year's number is a name");
        // No year, or not three digits: kept.
        for class in ["001班", "300班", "1201班", "12班", "30班"] {
            assert_eq!(promote("", class), Promotion::Unchanged, "{class}");
        }
    }

    #[test]
    fn kindergarten_classes_named_by_year_and_number_move_up_and_da_ban_leaves() {
        let to = |g: &str, c: &str| Promotion::To { grade: g.into(), class: c.into() };
        assert_eq!(promote("", "小一班"), to("", "中一班"));
        assert_eq!(promote("", "中一班"), to("", "大一班"));
        assert_eq!(promote("", "大一班"), Promotion::Leaves, "大班 leave kindergarten");
        assert_eq!(promote("", "小(2)班"), to("", "中2班"));
        assert_eq!(promote("", "中3班"), to("", "大3班"));
        assert_eq!(promote("", "小十二班"), to("", "中十二班"));
        assert_eq!(promote("", "幼儿园小一班"), to("", "幼儿园中一班"));
        assert_eq!(promote("", "幼儿园大二班"), Promotion::Leaves);
        // Under the kindergarten's name, or a grade of the same year.
        assert_eq!(promote("幼儿园", "小一班"), to("幼儿园", "中一班"));
        assert_eq!(promote("幼儿园", "大一班"), Promotion::Leaves);
        assert_eq!(promote("幼儿园", "中班"), to("幼儿园", "大班"));
        assert_eq!(promote("小班", "小一班"), to("中班", "中一班"));
        assert_eq!(promote("大班", "大一班"), Promotion::Leaves);
        // A 大班 leaves even at a school that teaches 七年级: it goes on to primary school, not into it.
        assert_eq!(promote_into("", "大一班", Some("七年级"), false), Promotion::Leaves);
        for class in ["大一", "中学", "大学一年级", "小一二三班", "中队"] {
            assert_eq!(promote("", class), Promotion::Unchanged, "{class}");
        }
        assert_eq!(promote("大一", "1班"), Promotion::Unchanged, "a college's first year");
    }

    #[test]
    fn the_year_of_study_is_read_from_each_way_of_writing_a_class() {
        use YearOfStudy::{Kindergarten, School};
        for (label, year) in [
            ("三年级1班", School(3)),
            ("301班", School(3)),
            ("601", School(6)),
            ("初一(2)班", School(7)),
            ("高一3班", School(10)),
            ("高中二年级1班", School(11)),
            ("十二年级1班", School(12)),
            ("小一班", Kindergarten(1)),
            ("中(2)班", Kindergarten(2)),
            ("大三班", Kindergarten(3)),
            ("小班1班", Kindergarten(1)),
            ("幼儿园大班", Kindergarten(3)),
            ("中班", Kindergarten(2)),
        ] {
            assert_eq!(year_of_study(label), Some(year), "{label}");
        }
        for label in ["2023级1班", "实验班", "1201班", "", "大一"] {
            assert_eq!(year_of_study(label), None, "{label}");
        }
        assert_eq!(years_apart("小一班", "中一班"), Some(1));
        assert_eq!(years_apart("301班", "二年级1班"), Some(-1));
        assert_eq!(years_apart("大一班", "一年级1班"), None, "kindergarten and school are not one count");
    }

    #[test]
    fn a_nine_year_schools_sixth_grade_goes_on_into_its_first_junior_grade() {
        let to = |g: &str, c: &str| Promotion::To { grade: g.into(), class: c.into() };
        assert_eq!(first_junior_grade("七年级", "1班").as_deref(), Some("七年级"));
        assert_eq!(first_junior_grade("", "初一2班").as_deref(), Some("初一"));
        assert_eq!(first_junior_grade("7年级", "2班").as_deref(), Some("7年级"));
        assert_eq!(first_junior_grade("初中一年级", "2班").as_deref(), Some("初中一年级"));
        for (grade, class) in [("八年级", "1班"), ("六年级", "1班"), ("高一", "1班"), ("", "实验班"), ("一年级", "1班")]
        {
            assert_eq!(first_junior_grade(grade, class), None, "{grade}{class}");
        }
        assert_eq!(promote_into("六年级", "2班", Some("七年级"), false), to("七年级", "2班"));
        assert_eq!(promote_into("小学六年级", "2班", Some("初一"), false), to("初一", "2班"));
        assert_eq!(promote_into("六年级", "六年级2班", Some("七年级"), false), to("七年级", "七年级2班"));
        assert_eq!(promote_into("", "六年级2班", Some("初一"), false), to("", "初一2班"));
        // The other last grades leave as before; with no junior grade, 六年级 leaves.
        assert_eq!(promote_into("九年级", "2班", Some("七年级"), false), Promotion::Leaves);
        assert_eq!(promote_into("大班", "2班", Some("七年级"), false), Promotion::Leaves);
        assert_eq!(promote_into("六年级", "2班", None, false), Promotion::Leaves);
        assert_eq!(promote_into("五年级", "2班", Some("七年级"), false), to("六年级", "2班"));
    }

    #[test]
    fn classes_sort_as_schools_list_them() {
        let mut labels = [
            ("初一", "1班"),
            ("二年级", "10班"),
            ("十年级", "1班"),
            ("一年级", "2班"),
            ("二年级", "9班"),
            ("六年级", "三班"),
            ("六年级", "十二班"),
            ("", "实验班"),
        ];
        labels.sort_by_key(|(g, c)| order_key(g, c));
        let joined: Vec<String> = labels.iter().map(|(g, c)| join(g, c)).collect();
        assert_eq!(
            joined,
            ["实验班", "一年级2班", "二年级9班", "二年级10班", "六年级三班", "六年级十二班", "初一1班", "十年级1班"]
        );
    }

    #[test]
    fn both_shapes_land_on_one_class() {
        let from_one = from_columns(None, None, Some("三年级（2）班"));
        let from_two = from_columns(Some("三年级"), Some("2班"), None);
        let from_two_full = from_columns(Some("三年级"), Some("三年级(2)班"), None);
        assert_eq!(from_one, ("三年级".to_owned(), "2班".to_owned()));
        assert_eq!(from_one, from_two);
        assert_eq!(from_one, from_two_full);
    }

    #[test]
    fn a_class_cell_repeating_its_grade_gives_the_class_once() {
        let three_two = ("三年级".to_owned(), "2班".to_owned());
        for cell in ["三（2）班", "三(2)班", "三2班", "三年级2班", "3年级2班", "三年级（2）班", " 三 (2) 班"]
        {
            assert_eq!(from_columns(Some("三年级"), Some(cell), None), three_two, "{cell}");
        }
        assert_eq!(from_columns(Some("3年级"), Some("3(2)班"), None), ("3年级".into(), "2班".into()));
        assert_eq!(from_columns(Some("七年级"), Some("初一2班"), None), ("七年级".into(), "2班".into()));
        assert_eq!(from_columns(Some("初一"), Some("七年级(2)班"), None), ("初一".into(), "2班".into()));
        // A class number that only starts with the grade's numeral is the class.
        assert_eq!(from_columns(Some("3年级"), Some("32班"), None), ("3年级".into(), "32班".into()));
        assert_eq!(from_columns(Some("三年级"), Some("三班"), None), three_two_of("三班"));
        assert_eq!(from_columns(Some("三年级"), Some("三十班"), None), three_two_of("三十班"));
        // Another grade in the cell is not taken for this one: the row keeps the column's, the cell as written.
        assert_eq!(from_columns(Some("三年级"), Some("四(2)班"), None), three_two_of("四(2)班"));
        assert_eq!(from_columns(Some("三年级"), Some("四（2）班"), None), three_two_of("四(2)班"));
    }

    fn three_two_of(class: &str) -> (String, String) {
        ("三年级".to_owned(), class.to_owned())
    }

    #[test]
    fn a_sheet_or_title_naming_one_grade_gives_it() {
        for (text, grade) in [
            ("一年级", "一年级"),
            ("二年级 ", "二年级"),
            ("三年级学生名单", "三年级"),
            ("初一", "初一"),
            ("初一年级", "初一年级"),
            ("初中二年级", "初中二年级"),
            ("高三", "高三"),
            ("初三6班学生名单", "初三"),
            ("2023级", "2023级"),
            ("城中区实验小学四年级学生花名册", "四年级"),
            ("2024年秋季学期初一新生名单", "初一"),
            ("小学五年级", "五年级"),
        ] {
            assert_eq!(grade_named(text).as_deref(), Some(grade), "{text}");
        }
        for text in [
            "Sheet1",
            "1班",
            "班级名单",
            "一至六年级",
            "1-6年级",
            "一年级、二年级",
            "2024年秋季学期学生名册",
            "初三6班初二",
        ] {
            assert_eq!(grade_named(text), None, "{text}");
        }
        assert_eq!(with_sheet_grade("一年级", ("".into(), "1班".into())), ("一年级".into(), "1班".into()));
        assert_eq!(with_sheet_grade("一年级", ("".into(), "2".into())), ("一年级".into(), "2班".into()));
        assert_eq!(with_sheet_grade("一年级", ("二年级".into(), "1班".into())), ("二年级".into(), "1班".into()));
        assert_eq!(with_sheet_grade("一年级", (String::new(), String::new())), (String::new(), String::new()));
    }

    #[test]
    fn a_class_held_under_two_spellings_is_shown_one_way() {
        let mut one = OneSpelling::default();
        assert_eq!(one.label("甲校", "三年级", "2班"), "三年级2班");
        assert_eq!(one.label("甲校", "3年级", "2班"), "三年级2班");
        assert_eq!(one.label("甲校", "三年级", "2班"), "三年级2班");
        assert_eq!(one.label("甲校", "七年级", "1班"), "七年级1班");
        assert_eq!(one.label("甲校", "初一", "1班"), "七年级1班");
        assert_eq!(one.label("乙校", "3年级", "2班"), "3年级2班", "each school its own");
        assert_eq!(one.label("甲校", "三年级", "12班"), "三年级12班");
        assert_eq!(one.label("甲校", "", ""), "");
    }

    #[test]
    fn split_then_join_is_identity_on_labels() {
        for label in ["三年级2班", "2023级1班", "高一3班", "大班1班", "七年级10班", "实验班"] {
            let (g, c) = split(label);
            assert_eq!(join(&g, &c), label, "{label}");
        }
    }

    #[test]
    fn normalizes_width_and_spaces() {
        assert_eq!(normalize(" 三年级 ２班 "), "三年级2班");
        assert_eq!(normalize("四年级(十)班"), "四年级十班");
        assert_eq!(normalize("（实验）班"), "(实验)班");
    }

    #[test]
    fn a_class_cell_shortening_its_grade_names_it() {
        let three_two = ("三年级".to_owned(), "2班".to_owned());
        for cell in ["三2班", "三（2）班", "三(2)班", " 三 (2) 班", "三2", "三２班"] {
            assert_eq!(split(cell), three_two, "{cell}");
            assert_eq!(from_columns(None, Some(cell), None), three_two, "{cell}");
            assert_eq!(from_columns(None, None, Some(cell)), three_two, "{cell}");
            // A sheet named for the grade adds nothing to a cell that names it.
            assert_eq!(with_sheet_grade("三年级", from_columns(None, Some(cell), None)), three_two, "{cell}");
        }
        assert_eq!(split("3(2)班"), ("3年级".into(), "2班".into()));
        assert_eq!(from_columns(None, Some("3（2）班"), None), ("3年级".into(), "2班".into()));
        assert_eq!(split("三（二）班"), ("三年级".into(), "二班".into()));
        assert_eq!(split("十二(3)班"), ("十二年级".into(), "3班".into()));
        assert_eq!(with_sheet_grade("三年级", split("四(1)班")), ("四年级".into(), "1班".into()));
        // No bracket and no change from numerals to digits: a class, not a grade.
        for cell in ["三班", "三一班", "32班", "十三2班", "(2)班", "三(实验)班", "2"] {
            assert_eq!(split(cell).0, "", "{cell}");
        }
    }

    #[test]
    fn a_grade_and_class_written_as_numbers_are_that_grade_and_class() {
        let three_two = ("三年级".to_owned(), "2班".to_owned());
        for (grade, class) in [("3", "2"), ("03", "02"), ("3", "2班"), ("3", "(2)班"), ("3", "（2）班"), ("３", "２")]
        {
            assert_eq!(from_columns(Some(grade), Some(class), None), three_two, "{grade} | {class}");
        }
        assert_eq!(ClassKey::of("三年级", "2班"), ClassKey::of("3年级", "2"));
        let (grade, class) = from_columns(Some("3"), Some("2"), None);
        assert_eq!(ClassKey::of(&grade, &class), ClassKey::parse("三年级2班"));
        assert_eq!(from_columns(Some("7"), Some("1"), None), ("七年级".into(), "1班".into()));
        assert_eq!(ClassKey::of("七年级", "1班"), ClassKey::parse("初一1班"));
        assert_eq!(from_columns(Some("12"), Some("10"), None), ("十二年级".into(), "10班".into()));
        assert_eq!(from_columns(Some("2023"), Some("1"), None), ("2023级".into(), "1班".into()));
        // No school year: kept as written.
        assert_eq!(from_columns(Some("13"), Some("1"), None), ("13".into(), "1班".into()));
    }

    #[test]
    fn a_bare_class_number_alone_is_its_class() {
        for cell in ["12", "012", "12班", "１２"] {
            assert_eq!(from_columns(None, Some(cell), None), (String::new(), "12班".into()), "{cell}");
            assert_eq!(from_columns(None, None, Some(cell)), (String::new(), "12班".into()), "{cell}");
        }
    }

    #[test]
    fn a_class_cell_naming_another_grade_is_read_as_it_reads_alone() {
        for (grade, class, named) in
            [("一年级", "3.2", "三年级2班"), ("1", "3-2", "三年级2班"), ("二年级", "三（2）班", "三年级2班")]
        {
            let alone = from_columns(None, Some(class), None);
            assert_eq!(own_grade(grade, class), Some(alone.clone()), "{grade} | {class}");
            assert_eq!(join(&alone.0, &alone.1), named);
            // The row keeps its grade column's grade, its class cell as written.
            let (kept, as_written) = from_columns(Some(grade), Some(class), None);
            assert_eq!(kept, grade_cell(grade), "{grade} | {class}");
            assert_eq!(as_written, narrow(class), "{grade} | {class}");
        }
        // A cell naming its grade whole names its class: never 一年级三年级2班.
        for grade in ["一年级", "一", "1"] {
            assert_eq!(own_grade(grade, "三年级2班"), Some(("三年级".into(), "2班".into())), "{grade}");
            assert_eq!(from_columns(Some(grade), Some("三年级2班"), None), ("三年级".into(), "2班".into()), "{grade}");
        }
        // The same school year, or a class naming none, is no disagreement.
        for (grade, class) in
            [("三年级", "3.2"), ("七年级", "初一2班"), ("一年级", "2班"), ("一年级", "32班"), ("2023级", "3.2")]
        {
            assert_eq!(own_grade(grade, class), None, "{grade} | {class}");
        }
    }

    #[test]
    fn a_class_cell_writing_its_year_short_is_read_within_its_grade_columns_stage() {
        let agreeing = [
            ("高一", ["1.3", "1-3", "1(3)", "1（3）班", "一(3)班", "10.3"]),
            ("初二", ["2.3", "2/3", "2(3)", "二(3)班", "二3班", "8.3"]),
            ("高三", ["3.3", "3-3", "3年3班", "三（3）班", "12.3", "3.3班"]),
            ("七年级", ["1.3", "1-3", "1(3)", "一(3)班", "7.3", "7-3"]),
            ("高中一年级", ["1.3", "1-3", "1(3)", "一(3)班", "10.3", "10-3"]),
            ("三年级", ["3.3", "3-3", "3(3)", "三(3)班", "三3班", "3年3班"]),
        ];
        for (grade, cells) in agreeing {
            for cell in cells {
                let read = (grade.to_owned(), "3班".to_owned());
                assert_eq!(from_columns(Some(grade), Some(cell), None), read, "{grade} | {cell}");
                assert_eq!(in_stage(grade, cell), Some(read), "{grade} | {cell}");
                assert_eq!(own_grade(grade, cell), None, "{grade} | {cell}: the same year");
            }
        }
        // Another year of the stage names that year, written as the grade column writes its own; the row keeps
        // the column's grade and its cell as written, and says it.
        for (grade, cell, read) in [
            ("高一", "2.3", "高二"),
            ("高一", "3(3)", "高三"),
            ("初一", "三(3)班", "初三"),
            ("七年级", "2-3", "八年级"),
            ("7", "2-3", "八年级"),
            ("7年级", "2.3", "8年级"),
            ("高中一年级", "2.3", "高中二年级"),
            ("十年级", "2.3", "十一年级"),
            // Outside the stage: the year as the cell alone reads it.
            ("高一", "5.3", "五年级"),
            ("初二", "4-3", "四年级"),
            ("一年级", "3.3", "三年级"),
        ] {
            let read = (read.to_owned(), "3班".to_owned());
            let kept = (grade_cell(grade), cell.to_owned());
            assert_eq!(from_columns(Some(grade), Some(cell), None), kept, "{grade} | {cell}");
            assert_eq!(own_grade(grade, cell), Some(read), "{grade} | {cell}");
        }
        // A grade column naming only the stage: the cell's short year is the stage's, in its usual short form.
        for (grade, cell, read) in [
            ("高中", "1.3", "高一"),
            ("高中", "1-3", "高一"),
            ("高中", "1(3)", "高一"),
            ("高中部", "二(3)班", "高二"),
            ("高中", "12.3", "高三"),
            ("初中", "1.3", "初一"),
            ("初中", "3-3", "初三"),
            ("初中", "8(3)", "初二"),
            ("小学", "1.3", "一年级"),
            ("小学", "6-3", "六年级"),
        ] {
            let read = (read.to_owned(), "3班".to_owned());
            assert_eq!(from_columns(Some(grade), Some(cell), None), read, "{grade} | {cell}");
            assert_eq!(own_grade(grade, cell), None, "{grade} | {cell}: a stage names no year to differ from");
        }
        for (grade, cell) in [("高中", "5.3"), ("小学", "7.3"), ("初中", "4(3)"), ("高中", "3班")] {
            assert_eq!(in_stage(grade, cell), None, "{grade} | {cell}");
        }
        // No grade column, or a grade naming no school year: the cell as it reads alone.
        assert_eq!(from_columns(None, Some("3.2"), None), ("三年级".into(), "2班".into()));
        assert_eq!(from_columns(None, None, Some("1.3")), ("一年级".into(), "3班".into()));
        for (grade, cell) in
            [("2023级", "1.3"), ("实验部", "1.3"), ("高一", "三年级2班"), ("高一", "3班"), ("高一", "13")]
        {
            assert_eq!(in_stage(grade, cell), None, "{grade} | {cell}");
        }
    }

    #[test]
    fn a_grade_and_class_in_one_cell_with_a_mark_between_are_read() {
        let three_two = ("三年级".to_owned(), "2班".to_owned());
        for cell in ["3.2", "3-2", "3/2", "3年2班", "3年(2)班", "三(2)班", "3.2班", "３．２", " 3 - 2 "] {
            assert_eq!(split(cell), three_two, "{cell}");
            assert_eq!(from_columns(None, Some(cell), None), three_two, "{cell}");
            assert_eq!(from_columns(None, None, Some(cell)), three_two, "{cell}");
            assert_eq!(with_sheet_grade("四年级", split(cell)), three_two, "{cell}: the cell names its grade");
            assert_eq!(ClassKey::parse(cell), ClassKey::of("三年级", "2班"), "{cell}");
            assert!(!unread_class(&split(cell).1), "{cell}");
        }
        assert_eq!(split("3.10"), ("三年级".into(), "10班".into()));
        assert_eq!(from_columns(Some("三年级"), Some("3.2"), None), three_two);
        for cell in ["3.2.1", "13.2", "3.0", "3.123", "2023年1班"] {
            let (grade, class) = split(cell);
            assert!(grade.is_empty() && unread_class(&class), "{cell}: {grade} {class}");
            assert_eq!(with_sheet_grade("四年级", split(cell)).0, "", "{cell}");
        }
        for class in ["2班", "实验班", "三年级2班", "2023级1班"] {
            assert!(!unread_class(class), "{class}");
        }
    }

    #[test]
    fn class_alone_is_split_when_it_names_its_grade() {
        assert_eq!(from_columns(None, Some("五年级1班"), None), ("五年级".into(), "1班".into()));
        assert_eq!(from_columns(None, Some("1班"), None), ("".into(), "1班".into()));
        assert_eq!(from_columns(Some("五年级"), Some("2"), None), ("五年级".into(), "2班".into()));
    }

    #[test]
    fn a_class_is_one_class_however_a_list_writes_it() {
        let nine_six = ClassKey::of("九年级", "6班");
        for written in
            ["九年级(6)班", "九年级（6）班", "9年级6班", "初三6班", "初中三年级六班", "九年级６班", " 初三 (6) 班 "]
        {
            assert_eq!(ClassKey::parse(written), nine_six, "{written}");
        }
        assert_eq!(ClassKey::parse("初三6"), nine_six, "a bare number is the class of that number");
        assert_eq!(ClassKey::parse("高一(2)班"), ClassKey::of("十年级", "2班"));
        assert_eq!(ClassKey::parse("高中一年级2班"), ClassKey::of("高一", "2班"));
        assert_eq!(ClassKey::parse("初一1班"), ClassKey::of("七年级", "1班"));
        assert_ne!(ClassKey::parse("初三6班"), ClassKey::parse("三年级6班"));
        assert_ne!(ClassKey::parse("九年级6班"), ClassKey::parse("九年级16班"));
        assert_ne!(ClassKey::parse("高三1班"), ClassKey::parse("初三1班"));
        assert_eq!(ClassKey::parse("2023级1班"), ClassKey::of("2023级", "1班"));
        assert_eq!(ClassKey::parse("实验班"), ClassKey { grade: Grade::None, class: "实验班".into() });
        assert_eq!(nine_six.canonical(), "九年级6班");
        assert_eq!(ClassKey::parse("10年级2班").canonical(), "高一2班");
    }

    #[test]
    fn a_grade_shortened_to_its_numeral_names_the_class_as_an_import_reads_it() {
        let three_two = ClassKey::of("三年级", "2班");
        for written in ["三2班", "三（2）班", "三(2)班", "3(2)班", "3（2）班", "三2", " 三 2 班 "] {
            assert_eq!(ClassKey::parse(written), three_two, "{written}");
            let (grade, class) = split(written);
            assert_eq!(ClassKey::of(&grade, &class), three_two, "{written}: as an import splits it");
        }
        assert_eq!(ClassKey::parse("十二3班"), ClassKey::of("高三", "3班"));
        for not_shortened in ["32班", "12班", "三班", "三一班", "二十1班"] {
            assert_eq!(ClassKey::parse(not_shortened).grade, Grade::None, "{not_shortened}: no school year");
        }
    }

    #[test]
    fn the_canonical_grade_ranks_as_the_roster_orders_it() {
        for y in 1..=12u8 {
            let written = grade_spellings(y);
            let ranks: Vec<u32> = written.iter().map(|g| grade_rank(g)).collect();
            assert!(ranks.iter().all(|&r| r == 10 + u32::from(y)), "{y}: {written:?} {ranks:?}");
        }
    }

    #[test]
    fn search_words_get_the_other_spellings_of_their_grade() {
        let forms = search_spellings("初三6");
        for f in ["九年级6", "9年级6", "九年级六", "初三六"] {
            assert!(forms.iter().any(|s| s == f), "{f} in {forms:?}");
        }
        assert!(!forms.iter().any(|s| s == "初三6"), "the word itself is matched anyway");
        assert!(search_spellings("九年级（6）班").iter().any(|s| s == "九年级6班"));
        assert!(search_spellings("高一").iter().any(|s| s == "十年级"));
        assert!(search_spellings("六班").iter().any(|s| s == "6班"));
        assert!(search_spellings("王六").is_empty(), "a name is no class");
        assert!(search_spellings("zs").is_empty());
        assert!(search_spellings("初").is_empty(), "not yet a grade");
    }

    #[test]
    fn a_grade_shortened_to_its_numeral_before_the_class_number_is_read_as_the_grade() {
        for (word, wanted) in [("三1", "三年级1"), ("三1班", "三年级1班"), ("三(1)班", "三年级1班"), ("十二3", "高三3")]
        {
            let forms = search_spellings(word);
            assert!(forms.iter().any(|s| s == wanted), "{word}: {forms:?}");
        }
        assert!(
            search_spellings("三一班").iter().all(|s| !s.contains("年级")),
            "no digit, no grade: {:?}",
            search_spellings("三一班")
        );
        assert!(search_spellings("二十1").is_empty(), "no school year");
        let classes: Vec<String> = ["三年级1班", "三年级10班", "四年级1班"].map(String::from).to_vec();
        assert_eq!(class_matching(&classes, "三1"), Some(0));
        assert_eq!(class_matching(&classes, "四1班"), Some(2));
        assert_eq!(class_matching(&classes, "三10"), Some(1));
    }

    #[test]
    fn typing_jumps_to_the_class_it_means() {
        let classes: Vec<String> =
            ["一年级1班", "一年级2班", "七年级1班", "九年级5班", "九年级6班", "高一2班", "实验班"]
                .map(String::from)
                .to_vec();
        assert_eq!(class_matching(&classes, "初三6班"), Some(4));
        assert_eq!(class_matching(&classes, "9年级6班"), Some(4));
        assert_eq!(class_matching(&classes, "九年级（6）班"), Some(4));
        assert_eq!(class_matching(&classes, "初三6"), Some(4));
        assert_eq!(class_matching(&classes, "初三"), Some(3), "the grade's first class");
        assert_eq!(class_matching(&classes, "初"), Some(2), "as typing goes: the first 初 class");
        assert_eq!(class_matching(&classes, "十年级2班"), Some(5));
        assert_eq!(class_matching(&classes, "高一(2)班"), Some(5));
        assert_eq!(class_matching(&classes, "一年级2"), Some(1));
        assert_eq!(class_matching(&classes, "实验"), Some(6));
        assert_eq!(class_matching(&classes, "八年级"), None);
        assert_eq!(class_matching(&classes, ""), None);
    }

    #[test]
    fn a_kindergarten_class_is_one_class_however_its_number_is_written() {
        let key = ClassKey::parse("大一班");
        for same in ["大(1)班", "大（1）班", "大1班", "大01班"] {
            assert_eq!(ClassKey::parse(same), key, "{same}");
        }
        assert_ne!(ClassKey::parse("大二班"), key);
        assert_ne!(ClassKey::parse("中一班"), key);
        assert_eq!(ClassKey::parse("幼儿园小(2)班"), ClassKey::parse("幼儿园小二班"));
        assert_eq!(ClassKey::parse("大班1班"), key);
    }

    /// A class cell naming another school year than its row's grade cell, however it writes the year, never moves
    /// the row into that year: the row keeps the grade cell's grade and the cell as written, and `other_year` says
    /// which year the cell named. Beside its own grade the same cell is that grade's class 2.
    #[test]
    fn a_class_cell_naming_another_year_keeps_the_grade_cells_grade_however_written() {
        let family = [
            "1.2",
            "1-2",
            "1/2",
            "1年2班",
            "一.2",
            "一(2)班",
            "一（2）班",
            "1(2)",
            "一年级2班",
            "1年级2班",
            "102",
            "0102",
            "１０２",
            " 1 . 2 ",
            "1.2班",
        ];
        let first_two = ClassKey::of("一年级", "2班");
        for cell in family {
            assert_eq!(
                from_columns(Some("一年级"), Some(cell), None),
                ("一年级".into(), "2班".into()),
                "一年级 | {cell}"
            );
            assert_eq!(other_year("一年级", cell), None, "一年级 | {cell}");
            for grade in ["二年级", "2", "六年级", "小学二年级"] {
                let (kept, class) = from_columns(Some(grade), Some(cell), None);
                // 一年级2班 names its class whole: the pupil goes into it, never a class 二年级一年级2班.
                if other_grade_whole(grade, cell).is_some() {
                    assert!(["一年级2班", "1年级2班"].contains(&cell), "{grade} | {cell}: written short");
                    assert_eq!(ClassKey::of(&kept, &class), first_two, "{grade} | {cell}");
                    continue;
                }
                assert_eq!(kept, grade_cell(grade), "{grade} | {cell}");
                assert_eq!(class, as_written(cell), "{grade} | {cell}");
                assert_eq!(other_year(grade, cell), Some(1), "{grade} | {cell}");
                let key = ClassKey::of(&kept, &class);
                assert_ne!(key, first_two, "{grade} | {cell}: not moved into the year the cell names");
                assert_ne!(key, ClassKey::of(&kept, "2班"), "{grade} | {cell}: nor silently the grade's own 2班");
            }
        }
        assert_eq!(join(&from_columns(Some("二年级"), Some("1.2"), None).0, "1.2"), "二年级1.2");
        assert_eq!(from_columns(Some("二年级"), Some("102"), None), ("二年级".into(), "102班".into()));
        assert_eq!(from_columns(Some("二年级"), Some("一（2）班"), None), ("二年级".into(), "一(2)班".into()));
        // A junior or senior school's years, in the stage's count or the twelve's.
        for (grade, cell, year) in [
            ("初二", "1.2", 7),
            ("初二", "7.2", 7),
            ("八年级", "1-2", 7),
            ("初二", "102", 1),
            ("初二", "702", 7),
            ("初二", "0702", 7),
            ("高一", "2.3", 11),
            ("高一", "1101", 11),
            ("高一", "201", 2),
        ] {
            assert_eq!(other_year(grade, cell), Some(year), "{grade} | {cell}");
            assert_eq!(
                from_columns(Some(grade), Some(cell), None),
                (grade.into(), as_written(cell)),
                "{grade} | {cell}"
            );
        }
        for (grade, cell, class) in
            [("初二", "802", "2班"), ("初二", "0802", "2班"), ("初二", "202", "2班"), ("高一", "1003", "3班")]
        {
            assert_eq!(other_year(grade, cell), None, "{grade} | {cell}");
            assert_eq!(from_columns(Some(grade), Some(cell), None), (grade.into(), class.into()), "{grade} | {cell}");
        }
        // No school year to differ from, or none named: no other year.
        for (grade, cell) in
            [("高中", "2.3"), ("2023级", "3.2"), ("实验部", "102"), ("二年级", "12"), ("二年级", "2班")]
        {
            assert_eq!(other_year(grade, cell), None, "{grade} | {cell}");
        }
        assert_eq!(other_year("二年级", "1002"), Some(10), "a four-digit number of another year");
        assert_eq!(other_year("二年级", "0002"), None);
        assert_eq!(other_year("二年级", "2002"), None, "no school year 20");
    }

    /// A list of bare three-digit class numbers and no grade reads them as years and classes only when the numbers
    /// (and the school's name) leave no doubt which years they are; otherwise they stay as written.
    #[test]
    fn three_digit_class_numbers_read_as_years_only_when_the_list_leaves_no_doubt() {
        for (cells, school) in [
            (&["301", "302", "401", "601"][..], "城关中心校"),
            (&["401", "402"][..], "城关中心校"),
            (&["101班", "３０２", "503"][..], ""),
            (&["301", "302"][..], "城关镇第二小学"),
            (&["701", "801", "901"][..], "城关中学"),
            (&["701", "702"][..], ""),
            (&["101", "601", "701", "901"][..], "城关学校"),
            (&["301", "", "302"][..], "第二小学"),
        ] {
            assert!(numbers_classes_by_year(cells.iter().copied(), school), "{cells:?} {school}");
        }
        for (cells, school) in [
            // 1 to 3 alone: a primary school's, or a junior school's 初一 to 初三.
            (&["301", "302"][..], "城关中心校"),
            (&["101", "201", "301"][..], "城关初级中学"),
            (&["101", "102"][..], ""),
            // A secondary school's 401: perhaps its senior years.
            (&["101", "401"][..], "城关中学"),
            (&["401"][..], "县一中"),
            // 1 to 3 with 7 to 9 and no 4 to 6: no one school's years.
            (&["101", "701"][..], ""),
            // A primary school writing 701: not sure what it is.
            (&["701"][..], "第二小学"),
            // Not every cell a year's class number.
            (&["301", "1班"][..], "第二小学"),
            (&["301", "300"][..], "第二小学"),
            (&["401", "1201"][..], ""),
            (&["401", "001"][..], ""),
            (&["401", "实验班"][..], ""),
            (&["401", "4.1"][..], ""),
            (&[][..], "第二小学"),
            (&[""][..], "第二小学"),
        ] {
            assert!(!numbers_classes_by_year(cells.iter().copied(), school), "{cells:?} {school}");
        }
        for (cell, grade, class) in [
            ("301", "三年级", "1班"),
            ("301班", "三年级", "1班"),
            ("６１２", "六年级", "12班"),
            ("702", "七年级", "2班"),
        ] {
            assert_eq!(read_by_year(cell), Some((grade.to_owned(), class.to_owned())), "{cell}");
            let (grade, class) = read_by_year(cell).unwrap_or_default();
            assert_eq!(year_of_study(&join(&grade, &class)), year_of_study(cell), "{cell}: the year it already named");
        }
        for cell in ["300", "1201", "012", "30", "三年级1班", "3.1"] {
            assert_eq!(read_by_year(cell), None, "{cell}");
        }
    }

    /// Labels as schools write them, full-width digits and brackets included, land on the class they name.
    #[test]
    fn class_labels_with_full_width_digits_brackets_and_intake_years_are_read_as_they_mean() {
        let senior_three = ClassKey::of("十年级", "3班");
        for written in ["高一(3)班", "高一（3）班", "高一（３）班", "高一3班", "高中一年级(3)班", " 高一 ( 3 ) 班"]
        {
            assert_eq!(ClassKey::parse(written), senior_three, "{written}");
            assert_eq!(split(written).1, "3班", "{written}");
        }
        // A class number in brackets with no 班: the class all the same, as the import stores it.
        for (written, grade) in
            [("三年级（2）", "三年级"), ("三年级(2)", "三年级"), ("三年级（２）", "三年级"), ("高一（2）", "高一")]
        {
            let read = (grade.to_owned(), "2班".to_owned());
            assert_eq!(split(written), read, "{written}");
            assert_eq!(from_columns(None, Some(written), None), read, "{written}");
            assert_eq!(from_columns(None, None, Some(written)), read, "{written}");
            assert_eq!(from_columns(Some(grade), Some(written), None), read, "{written}");
            assert_eq!(ClassKey::parse(written), ClassKey::of(grade, "2班"), "{written}");
        }
        assert!(!names_class("三年级1"), "a cell cut short, no bracket: no class");
        // An intake year of a school's stage is a grade of its own, no school year: never 初二's class 23级3班.
        for (written, grade) in [
            ("初2023级3班", "初2023级"),
            ("初２０２３级（３）班", "初2023级"),
            ("高2023级3班", "高2023级"),
            ("高中2023级3班", "高中2023级"),
            ("2023级3班", "2023级"),
        ] {
            let read = (grade.to_owned(), "3班".to_owned());
            assert_eq!(split(written), read, "{written}");
            assert_eq!(from_columns(None, Some(written), None), read, "{written}");
            assert_eq!(ClassKey::parse(written), ClassKey { grade: Grade::Other(grade.into()), class: "3班".into() });
            assert_eq!(year_of_study(written), None, "{written}");
            assert_eq!(promote("", written), Promotion::Unchanged, "{written}");
        }
        assert_ne!(ClassKey::parse("初2023级3班"), ClassKey::parse("高2023级3班"));
        assert_eq!(grade_named("初2023级").as_deref(), Some("初2023级"));
        assert_eq!(grade_named("城关中学高中2023级学生名单").as_deref(), Some("高中2023级"));
        assert_eq!(grade_named("2023级").as_deref(), Some("2023级"));
        // A class without its grade, however wide its digits.
        for written in ["2班", "２班", "(2)班", "（２）班"] {
            assert_eq!(ClassKey::parse(written), ClassKey { grade: Grade::None, class: "2班".into() }, "{written}");
            assert_eq!(from_columns(None, Some(written), None), (String::new(), "2班".into()), "{written}");
        }
        assert_eq!(from_columns(None, Some("２"), None), (String::new(), "2班".into()));
    }

    /// The current year's intake written with its stage (初2026级, 高中2026级) is an entry grade, as 2026级 is:
    /// read as the import reads 初2023级, the stage kept with the year.
    #[test]
    fn an_intake_year_with_its_stage_is_an_entry_grade_of_that_year() {
        for g in ["初2026级", "初中2026级", "高2026级", "高中2026级", "2026级", "初２０２６级"] {
            assert!(super::entry_grade(g, 2026), "{g}");
        }
        for g in ["初2025级", "高中2027级", "初2026", "初2026级1班", "小2026级"] {
            assert!(!super::entry_grade(g, 2026), "{g}");
        }
    }
}
