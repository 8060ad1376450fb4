//! What each kind of step does, and how a step names a case.

use crate::expect::compare;
use crate::service::Service;
use chrono::{DateTime, Utc};
use govflow_case::OpenCase;
use govflow_loader::docs::{ActDoc, ScenarioDoc, StepDoc, SubmitDoc};
use govflow_model::{Actor, CaseId, ProcedureId, RoleId};
use govflow_runtime::Submission;
use std::collections::{BTreeMap, BTreeSet};

pub(crate) struct Runner<'a> {
    pub service: Service,
    doc: &'a ScenarioDoc,
    /// Names given at `submit`.
    names: BTreeMap<String, CaseId>,
    /// The articles the refusals met so far named (for `govflow test --coverage`).
    pub refused_under: BTreeSet<String>,
}

/// What a step did: the case `expect` looks at, or why it was refused (`[code] message`).
type Done = Result<Option<CaseId>, Vec<String>>;

impl<'a> Runner<'a> {
    pub fn new(service: Service, doc: &'a ScenarioDoc) -> Self {
        Runner {
            service,
            doc,
            names: BTreeMap::new(),
            refused_under: BTreeSet::new(),
        }
    }

    /// Runs one step; returns the mismatches (empty when the step did what it expects).
    pub fn step(&mut self, step: &StepDoc) -> Vec<String> {
        let kinds = [
            step.submit.is_some(),
            step.act.is_some(),
            step.clock.is_some(),
            step.restart.is_some(),
            step.reload.is_some(),
        ];
        if kinds.iter().filter(|k| **k).count() != 1 {
            return vec![
                "a step does exactly one of `submit`, `act`, `clock`, `restart` or `reload`".into(),
            ];
        }
        if let Some(at) = step.at {
            if let Err(e) = self.advance(at.with_timezone(&Utc)) {
                return vec![e];
            }
        }
        let done = if let Some(s) = &step.submit {
            self.submit(s)
        } else if let Some(a) = &step.act {
            self.act(a)
        } else if let Some(to) = step.clock {
            self.advance(to.with_timezone(&Utc))
                .map_err(|e| vec![e])
                .and_then(|()| self.looked_at(step))
        } else if let Some(at) = step.restart {
            self.service
                .restart(at.with_timezone(&Utc))
                .map_err(|e| vec![e])
                .and_then(|()| self.looked_at(step))
        } else if let Some(reload) = &step.reload {
            let edits: Vec<(String, String, String)> = reload
                .edits
                .iter()
                .map(|e| (e.file.clone(), e.replace.clone(), e.with.clone()))
                .collect();
            self.service
                .reload(&edits)
                .and_then(|()| self.looked_at(step))
        } else {
            unreachable!("exactly one kind was checked above")
        };
        self.judge(step, done)
    }

    /// Compares what the step did with `expect` or `expect_error`.
    fn judge(&self, step: &StepDoc, done: Done) -> Vec<String> {
        match (&step.expect_error, done) {
            (Some(want), Err(got)) => {
                let prefix = format!("[{}]", want.code);
                let matching = got.iter().any(|line| {
                    line.starts_with(&prefix)
                        && want
                            .contains
                            .as_ref()
                            .is_none_or(|c| line.contains(c.as_str()))
                });
                if matching {
                    Vec::new()
                } else {
                    vec![format!(
                        "expected refusal `{}`{}, got {}",
                        want.code,
                        want.contains
                            .as_ref()
                            .map(|c| format!(" containing `{c}`"))
                            .unwrap_or_default(),
                        got.join("; ")
                    )]
                }
            }
            (Some(want), Ok(_)) => vec![format!(
                "expected refusal `{}`, but the step was accepted",
                want.code
            )],
            (None, Err(got)) => std::iter::once("the step was refused:".to_owned())
                .chain(got)
                .collect(),
            (None, Ok(id)) => match (&step.expect, id) {
                (Some(expect), Some(id)) => compare(&self.service, &id, expect),
                (Some(_), None) => {
                    vec!["`expect` needs a case: submit one first or name it with `case`".into()]
                }
                (None, _) => Vec::new(),
            },
        }
    }

    fn advance(&self, to: DateTime<Utc>) -> Result<(), String> {
        self.service
            .runtime
            .advance(to)
            .map(drop)
            .map_err(|e| format!("moving the clock: {e}"))
    }

    fn submit(&mut self, s: &SubmitDoc) -> Done {
        let actor = self.actor(&s.actor).map_err(|e| vec![e])?;
        let submission = Submission {
            city: self.city(),
            case: OpenCase {
                procedure: ProcedureId::new(&s.procedure),
                received_at: s.received_at.map(|t| t.with_timezone(&Utc)),
                provider: s.provider.clone(),
                subject: s.subject.clone(),
                period: s.period,
                data: s.data.clone(),
                parent: None,
                start: s.start.as_deref().map(govflow_model::StateId::new),
            },
        };
        let submitted = self
            .service
            .runtime
            .submit(&actor, &submission, s.idempotency_key.as_deref())
            .map_err(|e| self.refused(e))?;
        self.service.settle().map_err(|e| vec![e])?;
        let id = submitted.case.id;
        let name = s.name.clone().unwrap_or_else(|| "main".into());
        self.names.insert(name, id.clone());
        Ok(Some(id))
    }

    fn act(&mut self, a: &ActDoc) -> Done {
        let actor = self.actor(&a.actor).map_err(|e| vec![e])?;
        let id = self
            .resolve(a.case.as_deref().unwrap_or("main"))
            .map_err(|e| vec![e])?;
        self.service
            .runtime
            .act(&actor, &id, &a.action, &a.data)
            .map_err(|e| self.refused(e))?;
        self.service.settle().map_err(|e| vec![e])?;
        Ok(Some(id))
    }

    /// The case a `clock`, `restart` or `reload` step's `expect` looks at.
    fn looked_at(&self, step: &StepDoc) -> Done {
        match step.case.as_deref() {
            None if !self.names.contains_key("main") => Ok(None),
            reference => self
                .resolve(reference.unwrap_or("main"))
                .map(Some)
                .map_err(|e| vec![e]),
        }
    }

    fn city(&self) -> govflow_model::CityId {
        self.service.city().clone()
    }

    fn actor(&self, name: &str) -> Result<Actor, String> {
        let a = self.doc.actors.get(name).ok_or_else(|| {
            format!(
                "no actor `{name}`; the scenario declares: {}",
                self.doc
                    .actors
                    .keys()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?;
        Ok(Actor {
            id: name.to_owned(),
            jurisdiction: govflow_model::Jurisdiction::All,
            department: a.department.clone(),
            roles: a.roles.iter().map(RoleId::new).collect(),
        })
    }

    /// `main`, a submitted name, a case id, or `<obligation>@<department>`, each followed
    /// by any number of `/penalty` or `/child` (the newest case it opened).
    pub fn resolve(&self, reference: &str) -> Result<CaseId, String> {
        let mut parts = reference.split('/');
        let head = parts.next().unwrap_or("main");
        let mut id = if let Some(id) = self.names.get(head) {
            id.clone()
        } else if let Some((obligation, department)) = head.split_once('@') {
            self.service
                .opened_by_obligation(obligation, department)?
                .map(|c| c.id)
                .ok_or_else(|| {
                    format!(
                        "`{head}`: obligation `{obligation}` has opened no case for `{department}`"
                    )
                })?
        } else if self.service.case(&CaseId::new(head))?.is_some() {
            CaseId::new(head)
        } else {
            return Err(format!(
                "no case named `{head}`: name a case at `submit`, give its id, or `<obligation>@<department>`"
            ));
        };
        for part in parts {
            if part != "penalty" && part != "child" {
                return Err(format!(
                    "`{part}` in `{reference}`: only `penalty` or `child` follows a case name"
                ));
            }
            id = self
                .service
                .children(&id)?
                .last()
                .map(|c| c.id.clone())
                .ok_or_else(|| format!("`{reference}`: the case has opened no case"))?;
        }
        Ok(id)
    }
}

impl Runner<'_> {
    /// The refusal as `[code] message`, its articles noted as exercised.
    fn refused(&mut self, e: govflow_runtime::Error) -> Vec<String> {
        if let govflow_runtime::Error::Refused(refusal) = &e {
            self.refused_under
                .extend(refusal.articles().into_iter().map(str::to_owned));
        }
        vec![format!("[{}] {e}", e.code())]
    }
}
