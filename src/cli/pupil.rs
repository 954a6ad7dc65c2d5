//! The one pupil a command line names (`mark`, `quote`): by ID number, or by name and class, which is how a
//! pupil without a number (or one whose number several pupils share) is named; and what is said when the
//! words fit nobody, or more than one.

use super::UserError;
use crate::domain::class_label::ClassKey;
use crate::domain::id_number;
use crate::domain::student::Student;
use crate::store::Store;

/// The class label the forms and `check` give a pupil with no class, accepted by `--class` for such a pupil.
const NO_CLASS: &str = "未分班";

/// How a command line names a pupil besides the ID number.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct PupilByName {
    /// 姓名：与 --class 一起选定学生（没有身份证号码的学生这样选定），或区分号码相同的学生 (the name: with --class,
    /// picks a pupil, as a pupil without an ID number is picked; also tells apart pupils sharing a flagged number)
    #[arg(long)]
    pub name: Option<String>,
    /// 班级，与 --name 一起使用；没有班级的学生写“未分班” (the class, with --name; 未分班 for a pupil with no class)
    #[arg(long, requires = "name")]
    pub class: Option<String>,
    /// 学校，数据文件有多所学校、同班同名时使用 (the school, where pupils of that name and class are at several)
    #[arg(long, requires = "name")]
    pub school: Option<String>,
    /// 只选没有身份证号码的一条：同班同名的学生另有一条带号码时（重复登记），用它选定没有号码的那条 (only an entry
    /// without an ID number: where a pupil of the name and class is also held with a number, as an entry listed
    /// twice is, this picks the one without)
    #[arg(long, requires = "name", conflicts_with = "id_number")]
    pub without_id: bool,
    /// 姓名班级（或号码）对得上几名学生时，选第几位：序号见未选定时列出的学生，按加入数据文件的先后排列 (where the
    /// name and class, or the number, fit several pupils, the Nth of them as the refusal lists them, in the order
    /// they came onto the drive)
    #[arg(long, value_name = "N", value_parser = super::numbers::nth, allow_negative_numbers = true)]
    pub pick: Option<u32>,
}

/// The one pupil the command line names: by `number` (a valid number, an old 15-digit one converted, or a
/// flagged one as the roster holds it), narrowed by the name, class and school given; without a number, by
/// name and class. `command` is the subcommand, for the command the operator is told to type.
pub fn select(store: &Store, number: Option<&str>, by: &PupilByName, command: &str) -> Result<Student, UserError> {
    let name = by.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    match number.map(str::trim).filter(|n| !n.is_empty()) {
        // A name typed where the number goes (no digit at all): how to name a pupil by name is said.
        Some(text) if !text.chars().any(char::is_numeric) => Err(not_a_number(store, text, name, command)?),
        Some(raw) => {
            let mut found = by_number(store, raw, name)?;
            if let Some(class) = by.class.as_deref() {
                found.retain(|s| in_class(s, class));
            }
            if let Some(school) = by.school.as_deref() {
                found.retain(|s| s.school == school.trim());
            }
            one_by_number(store, raw, name, (by, command), found)
        }
        None => match name {
            Some(name) => by_name(store, name, by, command),
            None => Err(UserError::new(format!(
                "请给出学生的身份证号码；没有身份证号码的学生，请用 --name 姓名 --class 班级 选定：{} \
                 (give the pupil's ID number; a pupil without one is picked by name and class: {})",
                store.command(&format!("{command} --name 姓名 --class 班级 …")),
                store.command(&format!("{command} --name NAME --class CLASS …")),
            ))
            .kind("no_pupil_given")),
        },
    }
}

/// The pupils held with the number, those of `name` if given; a name that fits none of them is said with the
/// holder's name masked (the operator typed another).
fn by_number(store: &Store, raw: &str, name: Option<&str>) -> Result<Vec<Student>, UserError> {
    let number = stored_number(store, raw);
    let mut found = store.students_by_stored_number(&number)?;
    if found.is_empty() && number.contains('e') {
        // A spreadsheet prints 4.50202E+17; typed with a small e it is the same number.
        found = store.students_by_stored_number(&number.to_uppercase())?;
    }
    if let Some(name) = name {
        let holders: Vec<String> = found.iter().map(|s| masked_name(&s.name)).collect();
        found.retain(|s| s.name == name);
        if found.is_empty() && !holders.is_empty() {
            let (holders, holders_en) = (holders.join("、"), holders.join(", "));
            return Err(UserError::new(format!(
                "名单中身份证号码为 {number} 的学生不叫 {name}（名单上是 {holders}），未做修改 \
                 (the pupil with the ID number {number} is not named {name}: the roster has {holders_en}; nothing \
                 changed)"
            ))
            .kind("name_does_not_match"));
        }
    }
    Ok(found)
}

/// The number as the roster holds it: a valid one in its 18-character form, else as typed, cleaned up.
fn stored_number(store: &Store, raw: &str) -> String {
    let check = id_number::check(raw, store.today());
    match check.result {
        Ok(valid) => valid.number,
        // A number a spreadsheet rounded, in the one form it is kept in however it was typed (5.11502202001205E+17
        // is held as 511502202001205000).
        Err(_) => check.normalized,
    }
}

fn one_by_number(
    store: &Store,
    raw: &str,
    name: Option<&str>,
    (by, command): (&PupilByName, &str),
    found: Vec<Student>,
) -> Result<Student, UserError> {
    let number = stored_number(store, raw);
    let also = [name.map(|n| ("姓名为 ", " named ", n)), by.class.as_deref().map(|c| ("班级为 ", " in ", c))];
    let (also, also_en): (String, String) =
        also.iter().flatten().map(|(zh, en, v)| (format!("、{zh}{v}"), format!("{en}{v}"))).unzip();
    match found.len() {
        // A number copied from a screen or a `find` (masked, as canbao shows them) names no pupil by itself.
        0 if id_number::masked_ends(&number).is_some() => {
            let en = format!(
                "{number} is a masked number, as screens and find show them, and names no pupil: type the whole \
                 number (canbao find --reveal shows it), or leave the number out and name the pupil with --name and \
                 --class"
            );
            let zh = format!(
                "{number} 是打码后的号码（屏幕和 find 显示的那样），不能用来找学生：请输入完整的身份证号码（可用 canbao \
                 find --reveal 查看），或不给号码、只用 --name 姓名 --class 班级 指明学生 ({en})"
            );
            Err(UserError::picked(&zh, &en).kind("no_such_pupil"))
        }
        // A 15-digit number is looked for as its 18-digit form: the operator is shown what they typed, and the
        // form it was looked for as, else the number said is one they never typed.
        0 if number != id_number::normalize(raw) => {
            let typed = raw.trim();
            Err(UserError::new(format!(
                "名单中没有身份证号码为 {typed}（已换算为 18 位号码 {number}）{also} 的学生 (no pupil with the ID \
                 number {typed}, converted to the 18-digit {number}{also_en})"
            ))
            .kind("no_such_pupil"))
        }
        0 => Err(UserError::new(format!(
            "名单中没有身份证号码为 {number}{also} 的学生 (no pupil with the ID number {number}{also_en})"
        ))
        .kind("no_such_pupil")),
        _ => {
            let several = |n| {
                let zh = format!("有 {n} 名学生的身份证号码都是 {number}{also}");
                (zh, format!("{n} pupils share the ID number {number}{also_en}"))
            };
            let fit =
                (format!("身份证号码为 {number}{also} 的学生"), format!("pupils with the ID number {number}{also_en}"));
            // Pupils sharing a flagged number are told apart by name first, as the operator knows them.
            let by_name_first = name.is_none() && found.iter().any(|s| s.name != found[0].name);
            let also = by_name_first.then_some((
                "；也可用 --name 指明是哪一位（同名的再加 --class）",
                "; or add --name, and --class where they share a name",
            ));
            choose(store, found, Typed { number: Some(raw), by, command }, several, fit, also)
        }
    }
}

/// How the command line named the pupil, for the command a listing of several suggests.
struct Typed<'a> {
    number: Option<&'a str>,
    by: &'a PupilByName,
    command: &'a str,
}

/// The one of `found` (one pupil or more that the words typed fit) the command line means: the only one, or the
/// `--pick`th in the order they came onto the drive, which stays as it is (canbao deletes no pupil; a later one
/// comes after). Several without `--pick`, or a `--pick` past them, are listed with what tells them apart (the
/// masked number, the list and row each came from, when, and their status) and how to pick one: an entry of a
/// pupil listed twice, which shares name and class with the other, has no other road, where no number was given.
/// `several` says, in Chinese and English, that the words fit so many (「一年级1班有 2 名学生叫 陈七」), `fit` whom
/// they fit (「一年级1班叫 陈七 的学生」); `also`, another way to tell them apart.
fn choose(
    store: &Store,
    mut found: Vec<Student>,
    typed: Typed,
    several: impl FnOnce(usize) -> (String, String),
    (fit_zh, fit_en): (String, String),
    also: Option<(&str, &str)>,
) -> Result<Student, UserError> {
    found.sort_by_key(|s| s.id);
    let n = found.len();
    let picked = typed.by.pick.map(|p| p as usize);
    match picked {
        None if n == 1 => return Ok(found.remove(0)),
        Some(p) if (1..=n).contains(&p) => return Ok(found.remove(p - 1)),
        _ => {}
    }
    // The example picks the entry without a number if there is one (the one no number reaches), else the last.
    let example_pick = found.iter().position(|s| s.id_number.is_empty()).map_or(n, |i| i + 1);
    let without_pick = PupilByName { pick: None, ..typed.by.clone() };
    let words = as_typed(typed.number, &without_pick);
    let example = store.command(&format!("{} {words} --pick {example_pick} …", typed.command));
    let several_schools = found.iter().any(|s| s.school != found[0].school);
    // Pupils sharing a number may be of other names and classes: each is named with them, where they differ.
    let names = found.iter().any(|s| s.name != found[0].name);
    let classes = found.iter().any(|s| class_or_none(s) != class_or_none(&found[0]));
    let mut ways = Vec::new();
    if several_schools && typed.by.school.is_none() && typed.by.name.is_some() {
        ways.push(("；或加 --school 指明学校", "; or add --school"));
    }
    if !typed.by.without_id && typed.number.is_none() && found.iter().filter(|s| s.id_number.is_empty()).count() == 1 {
        ways.push((
            "；没有身份证号码的一条也可用 --without-id 选定",
            "; the one without an ID number is also picked by --without-id",
        ));
    }
    ways.extend(also);
    let (ways_zh, ways_en): (String, String) = ways.into_iter().map(|(zh, en)| (zh.to_owned(), en.to_owned())).unzip();
    let (head_zh, head_en, kind) = match picked {
        None => {
            let (several_zh, several_en) = several(n);
            (several_zh, several_en, "ambiguous_pupil")
        }
        Some(p) => (
            format!("{fit_zh}只有 {n} 名，没有第 {p} 位，未选定学生"),
            format!("{fit_en}: only {n}, no number {p}: no pupil picked"),
            "no_such_pick",
        ),
    };
    let lines = |en: bool| -> String {
        found
            .iter()
            .enumerate()
            .map(|(i, s)| format!("\n  {}", candidate(s, i + 1, (several_schools, names, classes), en)))
            .collect()
    };
    let (lines_zh, lines_en) = (lines(false), lines(true));
    let legend_zh = "（按加入数据文件的先后编号；身份证号码、来自哪份名单第几行、加入时间、参保缴费状态）";
    let legend_en = "numbered in the order they came onto the drive: ID number, the list and row each came from, when \
                     added, status";
    let how_zh = format!("请加 --pick 序号 指明是哪一位，例如：{example}{ways_zh}");
    let how_en = format!("add --pick N for the one meant, e.g. {example}{ways_en}");
    let zh = format!("{head_zh}{legend_zh}：{lines_zh}\n{how_zh}");
    let en = format!("{head_en} ({legend_en}):{lines_en}\n{how_en}");
    let both = format!("{head_zh}{legend_zh} ({head_en}):{lines_zh}\n{how_zh} ({how_en})");
    let listed: Vec<serde_json::Value> = found
        .iter()
        .enumerate()
        .map(|(i, s)| {
            serde_json::json!({
                "pick": i + 1,
                "name": s.name,
                "school": s.school,
                "class": class_or_none(s),
                "id_number": id_number::mask(&s.id_number),
                "source": s.source,
                "added_at": crate::store::instant::beijing_minutes(&s.created_at),
                "enrollment": s.enrollment.code(),
                "payment": s.payment.code(),
            })
        })
        .collect();
    Err(UserError::new(super::pick(&both, &en).to_owned()).with_pair(zh, en).kind(kind).figure("candidates", listed))
}

/// One line of a listing of several pupils: its `--pick` number, the name and class where they differ, the masked
/// number (or none), the school where they are at several, the list and row it came from, when it came onto the
/// drive, and its status.
fn candidate(s: &Student, pick: usize, (school, name, class): (bool, bool, bool), en: bool) -> String {
    let number = match (s.id_number.is_empty(), en) {
        (false, _) => id_number::mask(&s.id_number),
        (true, false) => "没有身份证号码".to_owned(),
        (true, true) => "no ID number".to_owned(),
    };
    let school = if school { format!("  {}", s.school) } else { String::new() };
    let source = if s.source.is_empty() { "—" } else { s.source.as_str() };
    let added = crate::store::instant::beijing_minutes(&s.created_at);
    let status = if en {
        format!("{}, {}", s.enrollment.label_en(), s.payment.label_en())
    } else {
        format!("{}、{}", s.enrollment.label_zh(), s.payment.label_zh())
    };
    let note = if s.note.trim().is_empty() {
        String::new()
    } else if en {
        format!("  note: {}", s.note.trim())
    } else {
        format!("  备注：{}", s.note.trim())
    };
    let name = if name { format!("{} ", s.name) } else { String::new() };
    let class = if class { format!("{} ", class_or_none(s)) } else { String::new() };
    format!("[{pick}] {name}{class}{number}{school}  {source}  {added}  {status}{note}")
}

/// The pupil of this name in the class given (and school, if given); the class is asked for, as two pupils
/// of one name are common in a school and the number is not there to tell them apart.
fn by_name(store: &Store, name: &str, by: &PupilByName, command: &str) -> Result<Student, UserError> {
    let named: Vec<Student> = store
        .students_named(name)?
        .into_iter()
        .filter(|s| by.school.as_deref().is_none_or(|school| s.school == school.trim()))
        .collect();
    let at = |pupils: &[&Student]| {
        let several_schools = pupils.iter().any(|s| s.school != pupils[0].school);
        let each = |s: &&Student| {
            let class = class_or_none(s);
            if several_schools { format!("{} {class}", s.school) } else { class }
        };
        let listed: Vec<String> = pupils.iter().map(each).collect();
        (listed.join("、"), listed.join(", "))
    };
    let everyone: Vec<&Student> = named.iter().collect();
    if named.is_empty() {
        let school = by.school.as_deref().map(|s| (format!("{s}的"), format!(" at {s}"))).unwrap_or_default();
        return Err(UserError::new(format!(
            "名单中没有{}叫 {name} 的学生 (no pupil named {name}{} on the roster)",
            school.0, school.1
        ))
        .kind("no_such_pupil"));
    }
    let Some(class) = by.class.as_deref() else {
        let (classes, classes_en) = at(&everyone);
        let first = class_or_none(&named[0]);
        return Err(UserError::new(format!(
            "按姓名选定学生时请同时给出班级（--class）；叫 {name} 的学生在：{classes}；例如：{} \
             (with --name, give the class too (--class); pupils named {name} are in: {classes_en}; e.g. {})",
            example(store, command, name, &first),
            example(store, command, name, &first),
        ))
        .kind("class_needed"));
    };
    let in_it: Vec<&Student> = named.iter().filter(|s| in_class(s, class)).collect();
    let found: Vec<Student> =
        in_it.iter().filter(|s| !by.without_id || s.id_number.is_empty()).map(|s| (*s).clone()).collect();
    match found.as_slice() {
        // Every one of the name in the class holds a number: said, with the numbers masked, as --without-id was
        // given for an entry without one.
        [] if !in_it.is_empty() => {
            let numbers: Vec<String> = in_it.iter().map(|s| id_number::mask(&s.id_number)).collect();
            let (numbers, numbers_en) = (numbers.join("、"), numbers.join(", "));
            Err(UserError::new(format!(
                "{class}叫 {name} 的学生都有身份证号码（{numbers}），没有不带号码的一条：请给出身份证号码，或去掉 \
                 --without-id (every pupil named {name} in {class} holds an ID number, {numbers_en}: none is \
                 without one; give the number, or leave out --without-id)"
            ))
            .kind("no_such_pupil"))
        }
        [] => {
            let (classes, classes_en) = at(&everyone);
            Err(UserError::new(format!(
                "{class}没有叫 {name} 的学生；叫 {name} 的学生在：{classes} \
                 (no pupil named {name} in {class}; pupils named {name} are in: {classes_en})"
            ))
            .kind("no_such_pupil"))
        }
        _ => {
            let (without_zh, without_en) =
                if by.without_id { ("没有身份证号码的", " without an ID number") } else { ("", "") };
            let several = |n| {
                let zh = format!("{class}有 {n} 名{without_zh}学生叫 {name}");
                (zh, format!("{n} pupils named {name}{without_en} in {class}"))
            };
            let fit =
                (format!("{class}叫 {name} 的{without_zh}学生"), format!("pupils named {name}{without_en} in {class}"));
            choose(store, found, Typed { number: None, by, command }, several, fit, None)
        }
    }
}

/// What is said when the words where the number goes are no number: a name, most likely.
fn not_a_number(store: &Store, text: &str, name: Option<&str>, command: &str) -> Result<UserError, UserError> {
    let shown = crate::io::table::printable(text);
    let as_name = name.unwrap_or(text);
    let named = store.students_named(as_name)?;
    let class = named.first().map(class_or_none).unwrap_or_else(|| "一年级1班".to_owned());
    let how = example(store, command, as_name, &class);
    Ok(UserError::new(format!(
        "“{shown}”不是身份证号码；按姓名选定学生（没有身份证号码的学生也这样选定），请用 --name 和 --class，例如：{how} \
         (“{shown}” is not an ID number; to pick a pupil by name, as a pupil without an ID number is picked, use \
         --name and --class, e.g. {how})"
    )).kind("not_an_id_number"))
}

/// The pupil as the command line named them (the number as typed, the name, class and school given), quoted
/// for a shell: for the commands a hint suggests, which must not print a whole ID number the operator never gave
/// (a pupil chosen by name and class is suggested by name and class).
pub fn as_typed(number: Option<&str>, by: &PupilByName) -> String {
    let word = crate::words::shell_word;
    let given = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(|v| word(v).into_owned());
    let mut words: Vec<String> = given(number).into_iter().collect();
    for (option, value) in [("--name", &by.name), ("--class", &by.class), ("--school", &by.school)] {
        if let Some(v) = given(value.as_deref()) {
            words.push(format!("{option} {v}"));
        }
    }
    // The same pupil again: one picked among several is picked the same way.
    if by.without_id {
        words.push("--without-id".to_owned());
    }
    if let Some(n) = by.pick {
        words.push(format!("--pick {n}"));
    }
    words.join(" ")
}

/// `canbao [--db …] COMMAND --name NAME --class CLASS …`, quoted for a shell.
fn example(store: &Store, command: &str, name: &str, class: &str) -> String {
    let word = crate::words::shell_word;
    store.command(&format!("{command} --name {} --class {} …", word(name), word(class)))
}

/// The pupil is in the class typed, written any way lists write it (三（2）班 is 三年级2班); 未分班 is no class.
fn in_class(s: &Student, class: &str) -> bool {
    let class = class.trim();
    if class == NO_CLASS {
        return s.grade.trim().is_empty() && s.class.trim().is_empty();
    }
    ClassKey::of(&s.grade, &s.class) == ClassKey::parse(class)
}

/// The pupil's class label, or 未分班.
fn class_or_none(s: &Student) -> String {
    let label = s.class_label();
    if label.trim().is_empty() { NO_CLASS.to_owned() } else { label }
}

/// A pupil's name as a message about someone else's typing shows it: the first character, then `*` for the
/// rest but the last (赵然家 → 赵*家, 王欣 → 王*).
fn masked_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.as_slice() {
        [] | [_] => name.to_owned(),
        [first, _] => format!("{first}*"),
        [first, .., last] => format!("{first}*{last}"),
    }
}
