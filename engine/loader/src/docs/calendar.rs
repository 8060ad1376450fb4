use chrono::NaiveDate;
use govflow_calendar::{HolidayPeriod, YearSchedule};
use schemars::JsonSchema;
use serde::Deserialize;

/// `policies/calendars/<year>.yaml`: one year of the State Council's holiday schedule.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarDoc {
    pub schema_version: u32,
    pub year: i32,
    /// The notice and its number (`国办发明电〔2019〕16号`).
    pub source: String,
    pub holidays: Vec<HolidayDoc>,
    /// Weekend days that are working days (调休上班).
    pub makeup_workdays: Vec<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayDoc {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    #[serde(default)]
    pub note: Option<String>,
}

impl From<CalendarDoc> for YearSchedule {
    fn from(doc: CalendarDoc) -> Self {
        YearSchedule {
            schema_version: doc.schema_version,
            year: doc.year,
            source: doc.source,
            holidays: doc
                .holidays
                .into_iter()
                .map(|h| HolidayPeriod {
                    name: h.name,
                    from: h.from,
                    to: h.to,
                    note: h.note,
                })
                .collect(),
            makeup_workdays: doc.makeup_workdays,
        }
    }
}
