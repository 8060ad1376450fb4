//! A procedure as a graph: its states, and the actions and lapses that move a case from
//! one to another, each edge labelled with what moves it and the article it rests on.

use govflow_model::{Procedure, StateId, Target};

#[derive(Debug, Clone, PartialEq)]
pub struct Graph {
    /// The procedure's states, the initial one first.
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: String,
    pub title: String,
    pub initial: bool,
    /// A state a case may also start in (`entry`).
    pub entry: bool,
    pub terminal: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// `reply：approve · 第十七条`, `逾期（verify） · 第十七条`.
    pub label: String,
    /// A deadline's lapse moves the case, not a person's action.
    pub lapse: bool,
}

impl Graph {
    pub fn of(procedure: &Procedure) -> Graph {
        let mut ids: Vec<&StateId> = vec![&procedure.initial];
        ids.extend(procedure.states.keys().filter(|s| **s != procedure.initial));
        let index = |s: &StateId| ids.iter().position(|i| *i == s);
        let nodes = ids
            .iter()
            .map(|id| {
                let state = procedure.state(id);
                Node {
                    id: id.to_string(),
                    title: state.map_or_else(|| id.to_string(), |s| s.title.clone()),
                    initial: **id == procedure.initial,
                    entry: state.is_some_and(|s| s.entry.is_some()),
                    terminal: state.is_some_and(|s| s.terminal),
                }
            })
            .collect();
        let mut edges = Vec::new();
        for action in &procedure.actions {
            let targets: Vec<(Option<&str>, &StateId)> = match &action.to {
                Target::State(s) => vec![(None, s)],
                Target::ByDecision(choices) => choices
                    .iter()
                    .map(|(decision, s)| (Some(decision.as_str()), s))
                    .collect(),
            };
            for from in &action.from {
                for (decision, to) in &targets {
                    let (Some(from), Some(to)) = (index(from), index(to)) else {
                        continue;
                    };
                    let what = match decision {
                        Some(d) => format!("{}：{d}", action.id),
                        None => action.id.to_string(),
                    };
                    edges.push(Edge {
                        from,
                        to,
                        label: format!("{what} · {}", action.basis.article),
                        lapse: false,
                    });
                }
            }
        }
        for (state, rule) in procedure.deadline_rules() {
            let Some(to) = rule.on_lapse.to.as_ref().and_then(index) else {
                continue;
            };
            let Some(from) = index(&state.id) else {
                continue;
            };
            edges.push(Edge {
                from,
                to,
                label: format!("逾期（{}） · {}", rule.id, rule.basis.article),
                lapse: true,
            });
        }
        Graph { nodes, edges }
    }
}
