//! The real Wanzhou pack and the official calendar, and small helpers to apply commands.

use chrono::{DateTime, Utc};
use govflow_case::{apply, Command, Context, OpenCase, Refusal, Settled};
use govflow_loader::{load_calendar, load_pack, Disk, LoadedPack};
use govflow_model::{Actor, Calendar, Case, CaseId, Pack, ProcedureId, RoleId, Timer};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

pub struct Law {
    pub pack: LoadedPack,
    pub calendar: Calendar,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// 重庆市万州区政务数据资源管理办法, as packed in `cities/wanzhou`.
pub fn wanzhou() -> &'static Law {
    static LAW: OnceLock<Law> = OnceLock::new();
    LAW.get_or_init(|| law("wanzhou"))
}

/// 聊城市政务信息资源共享管理办法, in force 2020-07-01..2022-06-30 (第四十条).
pub fn liaocheng() -> &'static Law {
    static LAW: OnceLock<Law> = OnceLock::new();
    LAW.get_or_init(|| law("liaocheng"))
}

fn law(city: &str) -> Law {
    let (pack, diagnostics) = load_pack(&Disk, &repo().join("cities").join(city));
    Law {
        pack: pack.unwrap_or_else(|| panic!("{city} loads: {diagnostics:#?}")),
        calendar: load_calendar(&Disk, &repo().join("policies/calendars"))
            .expect("the calendars load"),
    }
}

impl Law {
    /// The same law with its pack changed by `edit` (the same guards and calendar).
    pub fn edited(&self, edit: impl FnOnce(&mut Pack)) -> Law {
        let mut pack = (*self.pack.pack).clone();
        edit(&mut pack);
        Law {
            pack: LoadedPack {
                pack: Arc::new(pack),
                ..self.pack.clone()
            },
            calendar: self.calendar.clone(),
        }
    }

    pub fn at(&self, now: DateTime<Utc>) -> Context<'_> {
        Context {
            pack: &self.pack.pack,
            calendar: &self.calendar,
            guards: self.pack.scripts.as_ref(),
            now,
        }
    }

    pub fn open(
        &self,
        now: DateTime<Utc>,
        request: &OpenCase,
        actor: &Actor,
    ) -> Result<Settled, Refusal> {
        apply(&self.at(now), Command::Open { request, actor }, &mut ids())
    }

    pub fn act(
        &self,
        now: DateTime<Utc>,
        case: &Case,
        action: &str,
        data: Value,
        actor: &Actor,
    ) -> Result<Settled, Refusal> {
        let data = as_map(data);
        apply(
            &self.at(now),
            Command::Act {
                case,
                action,
                data: &data,
                actor,
            },
            &mut ids(),
        )
    }

    pub fn fire(&self, now: DateTime<Utc>, case: &Case, timer: &Timer) -> Settled {
        apply(&self.at(now), Command::Fire { case, timer }, &mut ids())
            .expect("firing a timer is never refused")
    }

    /// A data verification (第十七条) asked of `provider` by a citizen at `received`.
    pub fn verification(&self, received: DateTime<Utc>, provider: &str) -> Case {
        let settled = self
            .open(
                received,
                &request("data_verification", provider),
                &citizen(),
            )
            .expect("the request is lawful");
        settled.cases[0].clone()
    }
}

/// Ids `c-000001`, `c-000002`, … for the cases a command opens.
pub fn ids() -> impl FnMut() -> CaseId {
    let mut n = 0;
    move || {
        n += 1;
        CaseId::new(format!("c-{n:06}"))
    }
}

pub fn request(procedure: &str, provider: &str) -> OpenCase {
    OpenCase {
        procedure: ProcedureId::new(procedure),
        received_at: None,
        provider: Some(provider.to_owned()),
        subject: None,
        period: None,
        data: Map::new(),
        parent: None,
        start: None,
    }
}

pub fn actor(id: &str, department: &str, roles: &[&str]) -> Actor {
    Actor {
        id: id.to_owned(),
        jurisdiction: govflow_model::Jurisdiction::All,
        department: department.to_owned(),
        roles: roles.iter().map(|r| RoleId::new(*r)).collect(),
    }
}

pub fn citizen() -> Actor {
    actor("citizen", "", &["applicant"])
}

/// 区公安局's staff, who answer its verifications.
pub fn police() -> Actor {
    actor("police", "区公安局", &["provider"])
}

/// 区公安局's 主要负责人, who approves its extensions.
pub fn police_chief() -> Actor {
    actor("chief", "区公安局", &["principal"])
}

pub fn at(rfc3339: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(rfc3339)
        .expect("an RFC 3339 instant")
        .with_timezone(&Utc)
}

pub fn as_map(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => panic!("action data is an object, not {other}"),
    }
}

/// The event types a command recorded, in order.
pub fn kinds(settled: &Settled) -> Vec<String> {
    settled
        .events
        .iter()
        .map(|e| {
            serde_json::to_value(&e.kind).expect("events encode")["type"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect()
}

pub fn timer(case: &Case, deadline: &str, kind: govflow_model::TimerKind) -> Timer {
    case.armed_timers()
        .find(|t| t.deadline.as_str() == deadline && t.kind == kind)
        .unwrap_or_else(|| panic!("`{deadline}` arms a {kind:?} timer"))
}
