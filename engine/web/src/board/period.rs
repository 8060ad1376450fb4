//! 本月 / 本季度 / 本年 / 自定义: the period a board counts, from the URL.

use super::Period;
use chrono::Datelike;
use govflow_model::NaiveDate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodChoice {
    Month,
    Quarter,
    Year,
    Custom,
}

impl PeriodChoice {
    pub const ALL: [PeriodChoice; 4] = [
        PeriodChoice::Month,
        PeriodChoice::Quarter,
        PeriodChoice::Year,
        PeriodChoice::Custom,
    ];

    pub fn id(self) -> &'static str {
        match self {
            PeriodChoice::Month => "month",
            PeriodChoice::Quarter => "quarter",
            PeriodChoice::Year => "year",
            PeriodChoice::Custom => "custom",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PeriodChoice::Month => "本月",
            PeriodChoice::Quarter => "本季度",
            PeriodChoice::Year => "本年",
            PeriodChoice::Custom => "自定义",
        }
    }

    /// `period=month|quarter|year|custom`; `custom` needs `from` and `to`. The error names
    /// the field.
    pub fn resolve(
        period: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<(PeriodChoice, Period), String> {
        let choice = match period.unwrap_or("month") {
            "month" => PeriodChoice::Month,
            "quarter" => PeriodChoice::Quarter,
            "year" => PeriodChoice::Year,
            "custom" => PeriodChoice::Custom,
            other => {
                return Err(format!(
                    "`period` is `{other}`; use month, quarter, year or custom"
                ))
            }
        };
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a valid date");
        let (y, m) = (today.year(), today.month());
        let period = match choice {
            PeriodChoice::Month => Period {
                from: date(y, m, 1),
                to: last_day(y, m),
            },
            PeriodChoice::Quarter => {
                let first = (m - 1) / 3 * 3 + 1;
                Period {
                    from: date(y, first, 1),
                    to: last_day(y, first + 2),
                }
            }
            PeriodChoice::Year => Period {
                from: date(y, 1, 1),
                to: date(y, 12, 31),
            },
            PeriodChoice::Custom => {
                let from = from.ok_or("`from` is required for a custom period")?;
                let to = to.ok_or("`to` is required for a custom period")?;
                if to < from {
                    return Err(format!("`to` ({to}) is before `from` ({from})"));
                }
                Period { from, to }
            }
        };
        Ok((choice, period))
    }
}

fn last_day(year: i32, month: u32) -> NaiveDate {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).expect("a valid date") - chrono::Days::new(1)
}
