//! An in-memory world: cases, timers ordered by due instant, and the event history, driven
//! by the pure case machine. Moving the clock fires every timer due by then, in due order,
//! exactly as the service does with its durable store.

use chrono::{DateTime, Utc};
use govflow_calendar::Calendar;
use govflow_case::{act, fire, open, Context, Effect, OpenCase, Refusal, Transition};
use govflow_loader::LoadedPack;
use govflow_model::{Actor, Case, CaseId, DeadlineId, Event, EventKind, TimerKind};
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
        let Transition { case, effects } = transition;
        let id = case.id.clone();
        self.cases.insert(id.clone(), case);
        for effect in effects {
            match effect {
                Effect::ArmTimer {
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
                Effect::CancelTimer {
                    case,
                    deadline,
                    kind,
                } => {
                    let key = (case, deadline, kind);
                    if let Some(at) = self.armed.remove(&key) {
                        self.due.remove(&(at, key));
                    }
                }
                Effect::OpenCase(request) => {
                    let child = self.new_id();
                    // A penalty case is opened by the system; the loader has checked that
                    // the procedure exists, so a refusal here is a pack's date window.
                    match open(&self.context(), child.clone(), &request, &Actor::system()) {
                        Ok(t) => {
                            self.events
                                .push(penalty_opened(&self.cases[&id], &t.case, self.now));
                            self.children.entry(id.clone()).or_default().push(child);
                            self.commit(t);
                        }
                        Err(refusal) => self.problems.push(format!(
                            "the lapse of `{id}` could not open its penalty case: {refusal}"
                        )),
                    }
                }
                Effect::Emit(event) => self.events.push(event),
            }
        }
    }
}

/// The parent's record that its lapse opened `child`.
pub(crate) fn penalty_opened(parent: &Case, child: &Case, at: DateTime<Utc>) -> Event {
    let deadline = child
        .data
        .get("lapsed_deadline")
        .and_then(Value::as_str)
        .unwrap_or_default();
    Event {
        case: parent.id.clone(),
        city: parent.city.clone(),
        at,
        actor: "govflow".into(),
        pack_version: parent.pack_version.clone(),
        kind: EventKind::PenaltyOpened {
            deadline: DeadlineId::new(deadline),
            child: child.id.clone(),
            procedure: child.procedure.clone(),
        },
        article: child
            .data
            .get("article")
            .and_then(Value::as_str)
            .map(str::to_owned),
    }
}
