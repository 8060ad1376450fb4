//! Loading the committed schedules and the independent fixture.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use govflow_calendar::{Calendar, NaiveDate, YearSchedule};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_else(|| panic!("bad test date {y}-{m}-{day}"))
}

pub fn calendars_dir() -> PathBuf {
    govflow_testkit::repo_root().join("policies/calendars")
}

/// Every `<year>.yaml` in `policies/calendars/`, with its file name.
pub fn schedule_files() -> Vec<(PathBuf, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(calendars_dir())
        .expect("policies/calendars/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable yaml");
            (p, text)
        })
        .collect()
}

pub fn schedules() -> Vec<YearSchedule> {
    schedule_files()
        .into_iter()
        .map(|(path, text)| {
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
        .collect()
}

/// The calendar built from the committed schedules (2018–2026).
pub fn calendar() -> &'static Calendar {
    static CAL: OnceLock<Calendar> = OnceLock::new();
    CAL.get_or_init(|| Calendar::new(schedules()).expect("committed schedules are valid"))
}

/// `engine/calendar/tests/fixtures/workdays-2018-2026.txt`: every day and whether the
/// `chinesecalendar` package calls it a working day.
pub fn fixture() -> &'static [(NaiveDate, bool)] {
    static FIX: OnceLock<Vec<(NaiveDate, bool)>> = OnceLock::new();
    FIX.get_or_init(|| {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/workdays-2018-2026.txt");
        let text = std::fs::read_to_string(&path).expect("fixture exists");
        text.lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .map(|l| {
                let (date, mark) = l.split_once(' ').expect("`DATE MARK` lines");
                let date: NaiveDate = date.parse().expect("ISO date");
                let working = match mark {
                    "W" => true,
                    "R" => false,
                    other => panic!("fixture mark `{other}` on {date}"),
                };
                (date, working)
            })
            .collect()
    })
}

/// The first day on or after `from` that `accept` accepts, walking one day at a time.
pub fn first_on_or_after(from: NaiveDate, accept: impl Fn(NaiveDate) -> bool) -> NaiveDate {
    let mut day = from;
    while !accept(day) {
        day = day.succ_opt().expect("in range");
    }
    day
}

/// 自收到之日起N个工作日内 counted by walking one day at a time: a receipt on a rest day
/// counts as the next working day, and the deadline is the Nth working day after it.
pub fn walk_working_days(
    from: NaiveDate,
    n: u32,
    is_workday: impl Fn(NaiveDate) -> bool,
) -> NaiveDate {
    let mut day = first_on_or_after(from, &is_workday);
    for _ in 0..n {
        day = first_on_or_after(day.succ_opt().expect("in range"), &is_workday);
    }
    day
}
