//! What an import of class lists refuses whole because the list is not of this school year's pupils: next school
//! year's list read before the drive's year turned (every pupil one grade up, and `year new --promote` would move
//! them up again), and a list of adults (a staff payroll: 姓名 and 身份证号码, no class), whose rows would otherwise
//! reach the agency's template as 中小学生.

use std::path::Path;

use crate::domain::class_label;

/// A file whose pupils the drive holds would (nearly) all move one grade up (`ImportError::NextYearList`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextYearFile {
    pub file: String,
    /// Pupils of the file the drive holds, and those of them a grade up.
    pub held: usize,
    pub up: usize,
    /// The first of them: name, class held, class the list gives.
    pub example: (String, String, String),
}

/// Whether a class the list gives is one grade above the class held (三年级1班 → 四年级1班, 301班 → 401班, 小一班
/// → 中一班): what next school year's list does to a pupil of a drive whose year has not turned yet.
pub fn a_grade_up(from: &str, to: &str) -> bool {
    class_label::years_apart(from, to) == Some(1)
}

/// Whether a class the list gives is one grade below the class held (三年级1班 → 二年级1班, 401班 → 301班, 中一班
/// → 小一班): what last school year's list does to a promoted pupil. The mirror of [`a_grade_up`], by the same
/// reading of a class's year.
pub fn a_grade_down(from: &str, to: &str) -> bool {
    class_label::years_apart(from, to) == Some(-1)
}

/// Whether a file's pupils that the drive holds would (nearly) all move one grade up: a few pupils put in the next
/// grade is a list of this year; every one of them is next year's list (the mirror of `looks_last_year`).
pub fn looks_next_year(up: usize, held: usize) -> bool {
    up >= 3 && up * 10 >= held * 9
}

/// The pupils of the file being read that the list moves one grade up.
#[derive(Debug, Default)]
pub struct GradeUp {
    up: usize,
    example: Option<(String, String, String)>,
}

impl GradeUp {
    /// A pupil the drive holds whom the list moves from class `from` to class `to`.
    pub fn class_moved(&mut self, name: &str, from: &str, to: &str) {
        if a_grade_up(from, to) {
            self.up += 1;
            if self.example.is_none() {
                self.example = Some((name.to_owned(), from.to_owned(), to.to_owned()));
            }
        }
    }

    /// The file read to its end, with `held` pupils of it the drive held: the file when it looks like next year's
    /// list, and the count starts again for the next file.
    pub fn file_done(&mut self, file: &str, held: usize) -> Option<NextYearFile> {
        let GradeUp { up, example } = std::mem::take(self);
        let example = example.filter(|_| looks_next_year(up, held))?;
        Some(NextYearFile { file: file.to_owned(), held, up, example })
    }
}

/// Why `year new` takes `--force` on `today` for a drive in insured year `current` under `policy`
/// (`cli::year`'s refusal while the year is open): the year's collection or school year not over
/// (`year_policy::year_not_over`, by the date alone with no policy), or a policy of another year, which cannot
/// tell. In Chinese and English, as the reason before 「所以开始新学年要加 --force」; `None` when it starts without.
pub fn start_takes_force(
    policy: Option<&crate::domain::policy::Policy>,
    current: i32,
    today: chrono::NaiveDate,
) -> Option<(String, String)> {
    if let Some(p) = super::year_policy::policy_of_other_year(policy, current) {
        let (name, year) = (&p.name, p.insured_year);
        return Some((
            format!("选定的政策 {name} 是 {year} 年度的，无法据此判断 {current} 年度的集中缴费期是否已结束"),
            format!(
                "the chosen policy {name} is for {year} and cannot tell whether {current}'s concentrated period is over"
            ),
        ));
    }
    super::year_policy::year_not_over(policy, current, today).map(|not_over| not_over.open_words(current))
}

/// Why lists that would move their pupils up a grade are not imported, and what to do instead: turn the year
/// first (`year new NEXT --promote` naming `drive`, with `--force` and why where `force` says it takes it; the
/// screen's 开始新学年), or import them on purpose.
pub fn next_year_message(
    files: &[NextYearFile],
    next: Option<i32>,
    drive: Option<&Path>,
    force: Option<&(String, String)>,
) -> String {
    let mut zh = Vec::new();
    let mut en = Vec::new();
    for f in files {
        let (name, from, to) = &f.example;
        let (file, held, up) = (&f.file, f.held, f.up);
        zh.push(format!(
            "{file}：名单上 {held} 名已在册的学生中有 {up} 名会升一个年级（如 {name} 由「{from}」调到「{to}」）"
        ));
        en.push(format!(
            "{file}: {up} of the {held} pupils it lists from the drive would move up a grade ({name} from {from} to {to})"
        ));
    }
    let next = next.map_or_else(|| "YYYY".to_owned(), |y| y.to_string());
    let forced = if force.is_some() { " --force" } else { "" };
    let command = crate::words::canbao_command(drive, &format!("year new {next} --promote{forced}"));
    // The command without `--force` is refused while this year is open: the reason is said, so the flag is taken
    // knowingly, as the merge of a later year's file says it.
    let (why_zh, why_en) = match force {
        Some((zh, en)) => {
            (format!("{zh}，所以开始新学年要加 --force；"), format!("{en}, so starting the year takes --force; "))
        }
        None => (String::new(), String::new()),
    };
    format!(
        "{}；这像是下一学年的班级名单：请先 {command}（{why_zh}屏幕上：命令面板的「开始新学年」），再导入；未导入任何内容。若确要按名单把\
         这些学生调高一个年级，请核对后加 --move-up-a-grade 重新导入（命令行：canbao import --move-up-a-grade 文件） ({}; \
         this looks like next school year's class list: first run {command} ({why_en}on the screen: the palette's \"Start \
         the next school year\"), then import it; nothing was imported. If the pupils are meant to move up a grade, check \
         them and import again with --move-up-a-grade)",
        zh.join("；"),
        en.join("; ")
    )
}

/// A file whose rows with a valid number (nearly) all show adults (`ImportError::AdultList`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdultFile {
    pub file: String,
    /// Rows giving a valid number, and those of them an adult's (`pupil_flags::adult_age`).
    pub valid: usize,
    pub adults: usize,
    /// The youngest and the oldest adult's age.
    pub ages: (i32, i32),
}

/// Whether a file's rows with a valid number are (nearly) all adults': a parent's number typed for a child here and
/// there is a class list; every one of them is a staff list, or some other list of grown-ups.
pub fn looks_adult_list(adults: usize, valid: usize) -> bool {
    adults >= 3 && adults * 10 >= valid * 9
}

/// The rows of the file being read that give a valid number, and the adults among them.
#[derive(Debug, Default)]
pub struct Adults {
    valid: usize,
    adults: usize,
    ages: Option<(i32, i32)>,
}

impl Adults {
    /// A row giving a valid number, whose holder is an adult of that age (`pupil_flags::adult_age`) or not.
    pub fn number_read(&mut self, adult: Option<i32>) {
        self.valid += 1;
        if let Some(age) = adult {
            self.adults += 1;
            let (young, old) = self.ages.unwrap_or((age, age));
            self.ages = Some((young.min(age), old.max(age)));
        }
    }

    /// The file read to its end: the file when it looks like a list of adults, and the count starts again.
    pub fn file_done(&mut self, file: &str) -> Option<AdultFile> {
        let Adults { valid, adults, ages } = std::mem::take(self);
        let ages = ages.filter(|_| looks_adult_list(adults, valid))?;
        Some(AdultFile { file: file.to_owned(), valid, adults, ages })
    }
}

/// Why lists of adults are not imported: as the tax office's list picked as a class list is, with no way round it,
/// for no pupil of a 中小学 or 幼儿园 is that old.
pub fn adult_list_message(files: &[AdultFile]) -> String {
    let mut zh = Vec::new();
    let mut en = Vec::new();
    for f in files {
        let (file, valid, adults, (young, old)) = (&f.file, f.valid, f.adults, f.ages);
        zh.push(format!(
            "{file}：身份证号码有效的 {valid} 行中有 {adults} 行按号码是成年人（{young} 至 {old} 岁），不是中小学、幼儿园学生的年龄"
        ));
        en.push(format!(
            "{file}: {adults} of the {valid} rows with a valid ID number are adults by the number (aged {young} to {old}), no age of a pupil of a school or kindergarten"
        ));
    }
    format!(
        "{}；这像是教职工/成年人名单，不是学生名单；未导入任何内容。请导入学生的班级名单 ({}; this looks like a staff or adults' list, not a list of pupils: nothing imported; import the pupils' class lists)",
        zh.join("；"),
        en.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_grade_up_is_one_school_year_up() {
        assert!(a_grade_up("三年级1班", "四年级1班"));
        assert!(a_grade_up("初一（2）班", "八年级2班"));
        assert!(!a_grade_up("三年级1班", "五年级1班") && !a_grade_up("四年级1班", "三年级1班"));
        assert!(!a_grade_up("三年级1班", "三年级2班"));
    }

    #[test]
    fn a_grade_up_reads_classes_numbered_by_year_and_kindergarten_years() {
        for (from, to) in [
            ("301班", "401班"),
            ("301", "402班"),
            ("301班", "四年级1班"),
            ("三年级(1)班", "401班"),
            ("601班", "701班"),
            ("初一1班", "初二1班"),
            ("初三2班", "高一2班"),
            ("高一(3)班", "高二(3)班"),
            ("小一班", "中一班"),
            ("小(2)班", "中(2)班"),
            ("中一班", "大一班"),
            ("幼儿园小一班", "幼儿园中一班"),
            ("小班1班", "中班1班"),
            ("小班", "中班"),
            ("幼儿园中班", "幼儿园大班"),
        ] {
            assert!(a_grade_up(from, to), "{from} → {to}");
        }
        for (from, to) in [
            ("301班", "301班"),
            ("301班", "501班"),
            ("401班", "301班"),
            ("小一班", "小二班"),
            ("大一班", "一年级1班"),
            ("中一班", "三年级1班"),
            ("1201班", "1301班"),
            ("2023级1班", "2024级1班"),
        ] {
            assert!(!a_grade_up(from, to), "{from} → {to}");
        }
    }

    #[test]
    fn nearly_every_pupil_up_is_next_years_list() {
        let mut up = GradeUp::default();
        for n in 0..9 {
            up.class_moved(&format!("学生{n}"), "三年级1班", "四年级1班");
        }
        up.class_moved("留级", "三年级1班", "三年级1班");
        let file = up.file_done("a.xlsx", 10).expect("next year's");
        assert_eq!((file.up, file.held, file.example.0.as_str()), (9, 10, "学生0"));
        assert_eq!(up.file_done("b.xlsx", 10), None, "counted again for each file");
        up.class_moved("甲", "三年级1班", "四年级1班");
        assert_eq!(up.file_done("c.xlsx", 10), None, "one pupil up is this year's list");
    }

    #[test]
    fn a_list_of_adults_is_one_whose_valid_numbers_nearly_all_are() {
        let mut adults = Adults::default();
        for age in [32, 54, 41] {
            adults.number_read(Some(age));
        }
        let file = adults.file_done("工资表.xlsx").expect("adults");
        assert_eq!((file.valid, file.adults, file.ages), (3, 3, (32, 54)));
        adults.number_read(Some(40));
        for _ in 0..9 {
            adults.number_read(None);
        }
        assert_eq!(adults.file_done("一班.xlsx"), None, "a parent's number among pupils");
    }
}
