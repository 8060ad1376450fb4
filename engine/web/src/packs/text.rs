//! How a pack's terms read in Chinese on the packs page: a regulation's status, a
//! deadline's period and what it counts from.

use govflow_model::{
    Anchor, DayOfMonth, DeadlineKind, LightEvent, Period, RegulationStatus, Span, YearOf,
};

pub fn regulation_status(status: RegulationStatus) -> &'static str {
    match status {
        RegulationStatus::InForce => "现行有效",
        RegulationStatus::Draft => "征求意见稿",
        RegulationStatus::Expired => "已失效",
    }
}

/// What turns a light on the board (the pack's `board:` rule).
pub fn light_event(event: LightEvent) -> &'static str {
    match event {
        LightEvent::Warning => "期限预警后",
        LightEvent::Lapse => "期限逾期后",
        LightEvent::SupervisionLapse => "督办期限也逾期后",
    }
}

pub fn period(period: Period) -> String {
    match period {
        Period::WorkingDays(n) => format!("{n} 个工作日"),
        Period::Days(n) => format!("{n} 日"),
        Period::Months(n) => format!("{n} 个月"),
        Period::Years(n) => format!("{n} 年"),
    }
}

pub fn span(span: Span) -> String {
    match span {
        Span::Period(p) => period(p),
        Span::Fixed { month, day, year } => {
            let year = match year {
                YearOf::Same => "当年",
                YearOf::Following => "次年",
                YearOf::Preceding => "上一年",
            };
            match day {
                DayOfMonth::Day(d) => format!("{year} {month} 月 {d} 日前"),
                DayOfMonth::Last => format!("{year} {month} 月底前"),
            }
        }
    }
}

pub fn anchor(anchor: Anchor) -> &'static str {
    match anchor {
        Anchor::Received => "自受理之日起",
        Anchor::Event => "自事由发生之日起（次日起算）",
        Anchor::Entered => "自进入本环节之日起",
        Anchor::EnteredEvent => "自进入本环节之日起（次日起算）",
        Anchor::Period => "按报告期",
    }
}

pub fn kind(kind: DeadlineKind) -> &'static str {
    match kind {
        DeadlineKind::Duty => "办理时限（逾期即超期）",
        DeadlineKind::Notice => "告知期限（届满不算超期）",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_and_fixed_dates_read_as_the_texts_write_them() {
        assert_eq!(span(Span::Period(Period::WorkingDays(10))), "10 个工作日");
        assert_eq!(span(Span::Period(Period::Days(15))), "15 日");
        let report = Span::Fixed {
            month: 1,
            day: DayOfMonth::Day(10),
            year: YearOf::Following,
        };
        assert_eq!(span(report), "次年 1 月 10 日前");
        let plan = Span::Fixed {
            month: 11,
            day: DayOfMonth::Last,
            year: YearOf::Preceding,
        };
        assert_eq!(span(plan), "上一年 11 月底前");
    }
}
