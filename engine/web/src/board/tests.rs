use super::{Light, PeriodChoice};
use govflow_board::{light, Happened};
use govflow_model::{BoardRule, LightEvent, NaiveDate};

fn happened(warning: bool, lapse: bool, supervision_lapse: bool) -> Happened {
    Happened {
        warning,
        lapse,
        supervision_lapse,
    }
}

#[test]
fn the_default_rule_is_yellow_on_a_warning_and_red_on_a_lapse() {
    let rule = BoardRule::default();
    assert_eq!(light(&rule, happened(false, false, false)), Light::Green);
    assert_eq!(light(&rule, happened(true, false, false)), Light::Yellow);
    assert_eq!(light(&rule, happened(false, true, false)), Light::Red);
}

#[test]
fn zhanjiangs_rule_is_yellow_on_a_lapse_and_red_when_the_supervision_lapses_too() {
    let rule = BoardRule {
        yellow: LightEvent::Lapse,
        red: LightEvent::SupervisionLapse,
    };
    assert_eq!(light(&rule, happened(true, false, false)), Light::Green);
    assert_eq!(light(&rule, happened(true, true, false)), Light::Yellow);
    assert_eq!(light(&rule, happened(true, true, true)), Light::Red);
}

#[test]
fn periods_are_the_month_the_quarter_the_year_or_named_dates() {
    let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d).unwrap();
    let today = day(2, 15);
    let (_, month) = PeriodChoice::resolve(Some("month"), None, None, today).unwrap();
    assert_eq!(
        (month.from, month.to),
        (day(2, 1), day(2, 29)),
        "2024 is a leap year"
    );
    let (_, quarter) = PeriodChoice::resolve(Some("quarter"), None, None, today).unwrap();
    assert_eq!((quarter.from, quarter.to), (day(1, 1), day(3, 31)));
    let (_, year) = PeriodChoice::resolve(Some("year"), None, None, today).unwrap();
    assert_eq!((year.from, year.to), (day(1, 1), day(12, 31)));
    let custom = PeriodChoice::resolve(Some("custom"), Some(day(3, 1)), None, today);
    assert!(custom.unwrap_err().contains("`to`"));
    let unknown = PeriodChoice::resolve(Some("week"), None, None, today);
    assert!(unknown.unwrap_err().contains("`period`"));
}
