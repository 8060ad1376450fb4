//! Recurring obligations: 万州 第四十四条, each department's annual submission (cron
//! `0 0 0 1 1 *`, Asia/Shanghai) and the authority's annual report, opened once per
//! occurrence for the previous year, caught up once after downtime; 焦作 项目 第九条's
//! plan, owed only by the departments registered for it.

use super::support::*;
use chrono::Datelike;
use govflow_model::{Case, DeadlineStatus, DepartmentRegistry};
use govflow_runtime::Runtime;
use govflow_store::CaseQuery;
use std::collections::BTreeMap;

/// A registry of `names`, with no obligation naming a subset.
fn registry(names: &[&str]) -> DepartmentRegistry {
    DepartmentRegistry {
        departments: names.iter().map(|d| (*d).to_owned()).collect(),
        obligations: BTreeMap::new(),
    }
}

const DEPARTMENTS: [&str; 2] = ["区公安局", "区教委"];

/// 万州's annual_report cases opened by `obligation`, oldest first.
fn opened_by(rt: &Runtime, obligation: &str) -> Vec<Case> {
    let mut found: Vec<Case> = cases(
        rt,
        CaseQuery {
            city: Some("wanzhou".into()),
            procedure: Some("annual_report".into()),
            ..CaseQuery::default()
        },
    )
    .into_iter()
    .filter(|c| c.data.get("obligation").and_then(|v| v.as_str()) == Some(obligation))
    .collect();
    found.sort_by_key(|c| c.received_at);
    found
}

/// The occurrences (local years) each department's cases were opened for.
fn years_by_department(rt: &Runtime) -> Vec<(String, Vec<String>)> {
    let cases = opened_by(rt, "department_annual_submission");
    DEPARTMENTS
        .iter()
        .map(|d| {
            let years = cases
                .iter()
                .filter(|c| c.provider.as_deref() == Some(d))
                .map(|c| c.received_date.format("%Y").to_string())
                .collect();
            ((*d).to_owned(), years)
        })
        .collect()
}

fn expect_years(rt: &Runtime, years: &[&str]) {
    let expected: Vec<(String, Vec<String>)> = DEPARTMENTS
        .iter()
        .map(|d| {
            (
                (*d).to_owned(),
                years.iter().map(|y| (*y).to_owned()).collect(),
            )
        })
        .collect();
    assert_eq!(years_by_department(rt), expected);
    let authority: Vec<String> = opened_by(rt, "district_annual_report")
        .iter()
        .map(|c| {
            assert_eq!(c.provider.as_deref(), Some("区大数据发展局"));
            // The bureau's own report, at its own step, for the year before the occurrence.
            assert_eq!(c.state, *"district_reporting");
            assert_eq!(c.period, Some(c.received_date.year() - 1));
            c.received_date.format("%Y").to_string()
        })
        .collect();
    assert_eq!(authority, years);
}

fn each_occurrence_opens_one_case_per_department_once_and_is_caught_up_after_downtime(store: Kind) {
    let service = Service::new(store, at("2025-12-31T12:00:00+08:00"));
    let rt = &service.runtime;
    rt.set_departments(&"wanzhou".into(), registry(&DEPARTMENTS))
        .unwrap();

    // The first pass only records where counting starts: no case for past occurrences.
    rt.advance(at("2025-12-31T12:00:00+08:00")).unwrap();
    assert!(cases(rt, CaseQuery::default()).is_empty());

    // 2026-01-01 00:00 local: one case per department and one for the authority.
    rt.advance(at("2026-01-02T00:00:00+08:00")).unwrap();
    expect_years(rt, &["2026"]);
    for case in opened_by(rt, "department_annual_submission") {
        assert_eq!(case.received_at, at("2026-01-01T00:00:00+08:00"));
        assert_eq!(case.state, *"department_reporting");
        assert_eq!(case.data["occurrence"], "2025-12-31T16:00:00+00:00");
        assert_eq!(case.period, Some(2025));
        // 每年1月上旬 → 01-10, a Saturday in 2026; Sun 01-11 is a rest day too (2026's
        // only 元旦 make-up day is Sun 01-04), so the deadline is Mon 2026-01-12.
        let d = deadline(&case, "department_report");
        assert_eq!(d.due_date, date("2026-01-12"));
        assert!(!d.provisional);
        assert_eq!(d.article, "第四十四条");
    }
    // Moving on opens nothing more.
    rt.advance(at("2026-01-05T09:00:00+08:00")).unwrap();
    expect_years(rt, &["2026"]);

    // Down from 2026-01-05 to 2028-01-05: the 2027 and 2028 occurrences are each still
    // owed, once, at their own instants. The scheduler's first pass catches both up
    // (`stop` is seen only when it goes to sleep, so that pass is complete).
    let service = service.restart(at("2028-01-05T09:00:00+08:00"));
    let rt = &service.runtime;
    rt.start_scheduler().stop();
    expect_years(rt, &["2026", "2027", "2028"]);
    let department = opened_by(rt, "department_annual_submission");
    let (y2026, y2027, y2028) = (&department[0], &department[2], &department[4]);
    assert_eq!(y2027.received_at, at("2027-01-01T00:00:00+08:00"));
    assert_eq!(y2028.received_at, at("2028-01-01T00:00:00+08:00"));
    // No schedule for 2027 or 2028 is loaded, so both are counted on weekends only and
    // marked provisional: 2027-01-10 is a Sunday → Mon 2027-01-11; 2028-01-10 is a Monday.
    let d2027 = deadline(y2027, "department_report");
    assert_eq!(
        (d2027.due_date, d2027.provisional),
        (date("2027-01-11"), true)
    );
    let d2028 = deadline(y2028, "department_report");
    assert_eq!(
        (d2028.due_date, d2028.provisional),
        (date("2028-01-10"), true)
    );
    // The 2026 and 2027 submissions lapsed while the service was down (overdue only: a
    // late annual submission is not among 第四十七条's acts, so no penalty); 2028's is open.
    for (case, status) in [
        (y2026, DeadlineStatus::Missed),
        (y2027, DeadlineStatus::Missed),
        (y2028, DeadlineStatus::Open),
    ] {
        let case = rt.case(&case.id).unwrap();
        assert_eq!(
            deadline(&case, "department_report").status,
            status,
            "{}",
            case.id
        );
        assert!(children(rt, &case.id).is_empty());
    }

    // Nothing is due before 2028-01-06 00:00 (the 2028 warning: 01-07 and 01-06 are the two
    // working days before Mon 01-10), and no occurrence is opened twice.
    let advanced = rt.advance(at("2028-01-05T23:00:00+08:00")).unwrap();
    assert_eq!(advanced.fired, 0);
    expect_years(rt, &["2026", "2027", "2028"]);
    let service = service.restart(at("2028-01-05T23:00:00+08:00"));
    assert_eq!(
        service
            .runtime
            .advance(at("2028-01-05T23:00:00+08:00"))
            .unwrap()
            .fired,
        0
    );
    expect_years(&service.runtime, &["2026", "2027", "2028"]);
}

fn an_occurrence_with_no_registered_department_opens_only_the_authority_case(store: Kind) {
    let service = Service::new(store, at("2025-12-31T12:00:00+08:00"));
    let rt = &service.runtime;
    rt.advance(at("2025-12-31T12:00:00+08:00")).unwrap();
    rt.advance(at("2026-01-02T00:00:00+08:00")).unwrap();
    assert!(opened_by(rt, "department_annual_submission").is_empty());
    assert_eq!(opened_by(rt, "district_annual_report").len(), 1);
    // Registering departments afterwards does not reopen the past occurrence.
    rt.set_departments(&"wanzhou".into(), registry(&["区教委"]))
        .unwrap();
    rt.advance(at("2026-06-01T00:00:00+08:00")).unwrap();
    assert!(opened_by(rt, "department_annual_submission").is_empty());
    // The next occurrence reaches it.
    rt.advance(at("2027-01-01T00:00:00+08:00")).unwrap();
    let opened = opened_by(rt, "department_annual_submission");
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].provider.as_deref(), Some("区教委"));
}

fn departments_of_a_city_without_a_pack_are_refused(store: Kind) {
    let service = Service::new(store, at("2025-12-31T12:00:00+08:00"));
    let err = service
        .runtime
        .set_departments(&"atlantis".into(), registry(&["x"]))
        .unwrap_err();
    assert!(
        matches!(&err, govflow_runtime::Error::UnknownCity { city, served } if city == "atlantis" && served.contains("wanzhou")),
        "{err}"
    );
}

/// 焦作 项目 第九条 falls on the 项目单位 only: `scope: registered` opens the plan for
/// the departments registered under the obligation's id, for the following year.
fn a_registered_obligation_falls_only_on_the_departments_registered_for_it(store: Kind) {
    let service = Service::new(store, at("2024-12-31T12:00:00+08:00"));
    let rt = &service.runtime;
    let jiaozuo = "jiaozuo".into();
    rt.set_departments(
        &jiaozuo,
        DepartmentRegistry {
            departments: ["市公安局", "市民政局"].map(String::from).into(),
            obligations: BTreeMap::from([(
                "it_annual_plan".to_owned(),
                ["市公安局".to_owned()].into(),
            )]),
        },
    )
    .unwrap();
    rt.advance(at("2024-12-31T12:00:00+08:00")).unwrap();
    rt.advance(at("2025-01-02T00:00:00+08:00")).unwrap();
    let plans = cases(
        rt,
        CaseQuery {
            city: Some(jiaozuo.clone()),
            procedure: Some("it_project_plan".into()),
            ..CaseQuery::default()
        },
    );
    assert_eq!(plans.len(), 1);
    assert_eq!(plans[0].provider.as_deref(), Some("市公安局"));
    assert_eq!(plans[0].period, Some(2026));
    // 11月底前 of 2025, the year before the plan year: Sun 2025-11-30 → Mon 12-01.
    assert_eq!(
        deadline(&plans[0], "annual_plan").due_date,
        date("2025-12-01")
    );
}

fn a_registry_naming_an_unknown_obligation_or_department_is_refused_and_changes_nothing(
    store: Kind,
) {
    let service = Service::new(store, at("2024-12-31T12:00:00+08:00"));
    let rt = &service.runtime;
    let jiaozuo = "jiaozuo".into();
    let subset = |obligation: &str, name: &str| DepartmentRegistry {
        departments: ["市公安局".to_owned()].into(),
        obligations: BTreeMap::from([(obligation.to_owned(), [name.to_owned()].into())]),
    };
    let err = rt
        .set_departments(&jiaozuo, subset("annual_plan", "市公安局"))
        .unwrap_err();
    assert_eq!(err.code(), "invalid_field");
    assert!(err.to_string().contains("it_annual_plan"), "{err}");
    let err = rt
        .set_departments(&jiaozuo, subset("it_annual_plan", "市民政局"))
        .unwrap_err();
    assert!(err.to_string().contains("市民政局"), "{err}");
    assert_eq!(
        rt.departments(&jiaozuo).unwrap(),
        DepartmentRegistry::default()
    );
}

on_every_store!(
    each_occurrence_opens_one_case_per_department_once_and_is_caught_up_after_downtime,
    an_occurrence_with_no_registered_department_opens_only_the_authority_case,
    departments_of_a_city_without_a_pack_are_refused,
    a_registered_obligation_falls_only_on_the_departments_registered_for_it,
    a_registry_naming_an_unknown_obligation_or_department_is_refused_and_changes_nothing,
);
