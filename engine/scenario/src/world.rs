//! An in-memory world: cases, timers ordered by due instant, and the event history, driven
//! by the pure case machine. Moving the clock fires every timer due by then, in due order,
//! exactly as the service does with its durable store.

use chrono::{DateTime, Utc};
use govflow_calendar::Calendar;
use govflow_case::{act, fire, open, settle, Context, OpenCase, Refusal, TimerChange, Transition};
use govflow_loader::LoadedPack;
use govflow_model::{Actor, Case, CaseId, DeadlineId, Event, TimerKind};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

type TimerKey = (CaseId, DeadlineId, TimerKind);

pub struct World<'a> {
    pack: &'a LoadedPack,
    calendar: &'a Calendar,
    now: DateTime<Utc>,
    cases: BTreeMap<CaseId, Case>,
    children: HashMap<CaseId, Vec<CaseId>>,
    due: BTreeSet<(DateTime<Utc>, TimerKey)>,
    armed: HashMap<TimerKey, DateTime<Utc>>,
    events: Vec<Event>,
    next_id: u64,
    /// What went wrong outside any command (a penalty case that could not be opened).
    pub problems: Vec<String>,
}

impl<'a> World<'a> {
    pub fn new(pack: &'a LoadedPack, calendar: &'a Calendar, now: DateTime<Utc>) -> Self {
        World {
            pack,
            calendar,
            now,
            cases: BTreeMap::new(),
            children: HashMap::new(),
            due: BTreeSet::new(),
            armed: HashMap::new(),
            events: Vec::new(),
            next_id: 1,
            problems: Vec::new(),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    fn context(&self) -> Context<'a> {
        Context {
            pack: &self.pack.pack,
            calendar: self.calendar,
            guards: self.pack.scripts.as_ref(),
            now: self.now,
        }
    }

    pub fn submit(&mut self, request: &OpenCase, actor: &Actor) -> Result<CaseId, Refusal> {
        let id = self.new_id();
        let transition = open(&self.context(), id.clone(), request, actor)?;
        self.commit(transition);
        Ok(id)
    }

    pub fn act(
        &mut self,
        case: &CaseId,
        action: &str,
        data: &Map<String, Value>,
        actor: &Actor,
    ) -> Result<(), Refusal> {
        let current = &self.cases[case];
        let transition = act(&self.context(), current, action, data, actor)?;
        self.commit(transition);
        Ok(())
    }

    /// Moves the clock to `to` (never back), firing every timer due by then in due order.
    pub fn advance(&mut self, to: DateTime<Utc>) {
        while let Some((at, key)) = self.due.first().cloned() {
            if at > to {
                break;
            }
            self.due.remove(&(at, key.clone()));
            self.armed.remove(&key);
            self.now = self.now.max(at);
            let (case, deadline, kind) = key;
            if let Some(transition) = fire(&self.context(), &self.cases[&case], &deadline, kind) {
                self.commit(transition);
            }
        }
        self.now = self.now.max(to);
    }

    pub fn case(&self, id: &CaseId) -> &Case {
        &self.cases[id]
    }

    /// The cases opened by `id`'s lapses, oldest first.
    pub fn children(&self, id: &CaseId) -> &[CaseId] {
        self.children.get(id).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn events_of<'s>(&'s self, id: &'s CaseId) -> impl Iterator<Item = &'s Event> + 's {
        self.events.iter().filter(move |e| &e.case == id)
    }

    fn new_id(&mut self) -> CaseId {
        let id = CaseId::new(format!("case-{}", self.next_id));
        self.next_id += 1;
        id
    }

    fn commit(&mut self, transition: Transition) {
        let ctx = self.context();
        let mut next_id = self.next_id;
        let settled = settle(&ctx, transition, &mut || {
            let id = CaseId::new(format!("case-{next_id}"));
            next_id += 1;
            id
        });
        self.next_id = next_id;
        for case in settled.cases {
            if let Some(parent) = &case.parent {
                if !self.cases.contains_key(&case.id) {
                    self.children
                        .entry(parent.clone())
                        .or_default()
                        .push(case.id.clone());
                }
            }
            self.cases.insert(case.id.clone(), case);
        }
        for change in settled.timers {
            match change {
                TimerChange::Arm {
                    case,
                    deadline,
                    kind,
                    at,
                } => {
                    let key = (case, deadline, kind);
                    if let Some(old) = self.armed.insert(key.clone(), at) {
                        self.due.remove(&(old, key.clone()));
                    }
                    self.due.insert((at, key));
                }
                TimerChange::Cancel {
                    case,
                    deadline,
                    kind,
                } => {
                    let key = (case, deadline, kind);
                    if let Some(at) = self.armed.remove(&key) {
                        self.due.remove(&(at, key));
                    }
                }
            }
        }
        self.events.extend(settled.events);
        self.problems.extend(settled.problems);
    }
}
