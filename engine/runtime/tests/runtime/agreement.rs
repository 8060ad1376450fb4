//! The runtime agrees with the scenario world (`govflow-scenario`'s in-memory `World`):
//! the same commands on the same clock leave the same cases, deadlines and histories,
//! case ids aside. Both settle the same pure transitions; this checks that the runtime's
//! store, timers and chunked firing add nothing and lose nothing.

use super::support::*;
use chrono::{DateTime, Utc};
use govflow_loader::load_calendar;
use govflow_model::{Actor, CaseId, Event};
use govflow_runtime::{Error, Runtime};
use govflow_scenario::World;
use serde_json::{json, Value};

enum Step<'a> {
    Submit(&'a Actor, &'a str, &'a str),
    /// Acts on the case at this path: `main`, `main/penalty`.
    Act(&'a str, &'a Actor, &'a str, Value),
    Clock(&'a str),
}

/// The two sides, with the ids each gave the cases by path.
struct Both<'w> {
    world: World<'w>,
    runtime: Runtime,
    /// (path, world id, runtime id)
    cases: Vec<(String, CaseId, CaseId)>,
}

impl Both<'_> {
    fn ids(&self, path: &str) -> (CaseId, CaseId) {
        let (_, w, r) = self
            .cases
            .iter()
            .find(|(p, _, _)| p == path)
            .unwrap_or_else(|| panic!("no case `{path}` yet"));
        (w.clone(), r.clone())
    }

    /// Learns the penalty cases each side opened since the last step.
    fn discover(&mut self) {
        let mut i = 0;
        while i < self.cases.len() {
            let (path, w, r) = self.cases[i].clone();
            let from_world = self.world.children(&w).to_vec();
            let from_runtime: Vec<CaseId> = children(&self.runtime, &r)
                .into_iter()
                .map(|c| c.id)
                .collect();
            assert_eq!(
                from_world.len(),
                from_runtime.len(),
                "penalties of `{path}`"
            );
            if let (Some(w), Some(r)) = (from_world.first(), from_runtime.first()) {
                let child = format!("{path}/penalty");
                if !self.cases.iter().any(|(p, _, _)| *p == child) {
                    self.cases.push((child, w.clone(), r.clone()));
                }
            }
            i += 1;
        }
    }

    /// Each case as JSON, and its history, with the runtime's ids written as the world's.
    fn compare(&self, step: usize) {
        let rename = |mut text: String| {
            for (_, w, r) in &self.cases {
                text = text.replace(r.as_str(), w.as_str());
            }
            text
        };
        for (path, w, r) in &self.cases {
            let world_case = serde_json::to_string_pretty(self.world.case(w)).unwrap();
            let runtime_case =
                rename(serde_json::to_string_pretty(&self.runtime.case(r).unwrap()).unwrap());
            assert_eq!(runtime_case, world_case, "step {step}: case `{path}`");
            let world_events: Vec<&Event> = self.world.events_of(w).collect();
            let world_events = serde_json::to_string_pretty(&world_events).unwrap();
            let runtime_events =
                rename(serde_json::to_string_pretty(&history(&self.runtime, r)).unwrap());
            assert_eq!(
                runtime_events, world_events,
                "step {step}: history of `{path}`"
            );
        }
    }
}

fn code<T>(result: Result<T, Error>) -> Option<&'static str> {
    match result {
        Ok(_) => None,
        Err(Error::Refused(r)) => Some(r.code()),
        Err(e) => panic!("not a refusal: {e}"),
    }
}

/// Runs `steps` on a fresh world and a fresh runtime started at `start`, comparing after
/// every step.
fn agree(start: &str, steps: &[Step<'_>]) {
    let calendar = load_calendar(&repo().join("policies/calendars")).unwrap();
    let service = Service::new(at(start));
    let pack = service
        .runtime
        .registry()
        .current(&"wanzhou".into())
        .unwrap();
    let mut both = Both {
        world: World::new(&pack, &calendar, at(start)),
        runtime: Runtime::clone(&service.runtime),
        cases: Vec::new(),
    };
    for (n, step) in steps.iter().enumerate() {
        match step {
            Step::Submit(who, procedure, provider) => {
                let submission = request(procedure, provider);
                let w = both.world.submit(&submission.case, who).unwrap();
                let r = both.runtime.submit(who, &submission, None).unwrap().case.id;
                let path = if both.cases.is_empty() {
                    "main".to_owned()
                } else {
                    format!("case{n}")
                };
                both.cases.push((path, w, r));
            }
            Step::Act(path, who, action, body) => {
                let (w, r) = both.ids(path);
                let body = data(body.clone());
                let world = both.world.act(&w, action, &body, who).err();
                let runtime = code(both.runtime.act(who, &r, action, &body));
                assert_eq!(runtime, world.map(|r| r.code()), "step {n}: `{action}`");
            }
            Step::Clock(to) => {
                let to: DateTime<Utc> = at(to);
                both.world.advance(to);
                both.runtime.advance(to).unwrap();
            }
        }
        both.discover();
        both.compare(n);
    }
}

#[test]
fn the_lapse_ladder_scenario_ends_the_same_in_the_world_and_the_runtime() {
    // cities/wanzhou/scenarios/catalog_update_lapse_ladder.yaml, step for step.
    let bureau = actor("bureau", "区大数据发展局", &["authority"]);
    let edu = actor("edu", "区教委", &["provider"]);
    agree(
        "2023-09-28T09:00:00+08:00",
        &[
            Step::Submit(&edu, "catalog_update", "区教委"),
            Step::Clock("2023-10-19T00:00:00+08:00"),
            Step::Clock("2023-10-19T09:00:00+08:00"),
            Step::Clock("2023-11-03T00:00:00+08:00"),
            Step::Act("main", &edu, "submit", json!({})),
            Step::Clock("2023-11-11T00:00:00+08:00"),
            Step::Act(
                "main/penalty",
                &edu,
                "refer",
                json!({"decision": "sanction", "reasons": "多次逾期"}),
            ),
            Step::Act(
                "main/penalty",
                &bureau,
                "refer",
                json!({"decision": "sanction"}),
            ),
            Step::Act(
                "main/penalty",
                &bureau,
                "refer",
                json!({"decision": "sanction", "reasons": "逾期未改正且影响全区目录"}),
            ),
            Step::Act("main/penalty", &edu, "rectify", json!({})),
        ],
    );
}

#[test]
fn the_extension_scenario_ends_the_same_in_the_world_and_the_runtime() {
    // cities/wanzhou/scenarios/data_verification_extension.yaml, step for step.
    let citizen = actor("citizen", "", &["applicant"]);
    let police = actor("police", "区公安局", &["provider"]);
    let police_head = actor("police_head", "区公安局", &["principal"]);
    let other_head = actor("other_head", "区民政局", &["principal"]);
    agree(
        "2021-02-08T09:00:00+08:00",
        &[
            Step::Submit(&citizen, "data_verification", "区公安局"),
            Step::Clock("2021-02-22T10:00:00+08:00"),
            Step::Act(
                "main",
                &police,
                "request_extension",
                json!({"working_days": 11, "reason": "涉及多个系统"}),
            ),
            Step::Act(
                "main",
                &police,
                "request_extension",
                json!({"working_days": 5, "reason": "涉及多个系统"}),
            ),
            Step::Act("main", &other_head, "approve_extension", json!({})),
            Step::Act("main", &police_head, "approve_extension", json!({})),
            Step::Clock("2021-03-06T00:00:00+08:00"),
            Step::Act("main", &police, "reply", json!({"decision": "reject"})),
            Step::Act(
                "main",
                &police,
                "reply",
                json!({"decision": "reject", "reasons": "数据与登记原件一致"}),
            ),
        ],
    );
}
