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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn article(n: &str) -> serde_json::Value {
        json!({"article": n, "quote": "……"})
    }

    /// A ladder: `ordered` lapses to `criticized`; `rectify` from either ends it.
    fn ladder() -> Procedure {
        let deadline = json!({
            "id": "rectify", "responsible": "provider", "span": {"Period": {"WorkingDays": 10}},
            "from": "Entered", "kind": "duty", "statutory": true, "imposed_by": null,
            "warn_before_working_days": null, "extension": null,
            "on_lapse": {"to": "criticized", "open": null, "start": null},
            "basis": article("第四十九条"),
        });
        let state = |id: &str, title: &str, terminal: bool, deadlines: serde_json::Value| json!({"id": id, "title": title, "terminal": terminal, "deadlines": deadlines, "entry": null});
        serde_json::from_value(json!({
            "id": "rectification", "title": "整改", "basis": article("第四十九条"),
            "opened_by": ["authority"], "requires_provider": true, "initial": "ordered",
            "states": {
                "criticized": state("criticized", "通报批评", false, json!([])),
                "ordered": state("ordered", "责令限期改正", false, json!([deadline])),
                "rectified": state("rectified", "已改正", true, json!([])),
            },
            "actions": [{
                "id": "rectify", "from": ["ordered", "criticized"], "to": {"State": "rectified"},
                "roles": ["provider"], "requires": [], "sets_provider": false,
                "cancels_deadlines": false, "not_before": null, "sets_period": null,
                "guards": [], "basis": article("第四十九条"),
            }],
        }))
        .expect("a procedure")
    }

    #[test]
    fn the_initial_state_comes_first_and_every_move_is_an_edge_with_its_article() {
        let g = Graph::of(&ladder());
        let ids: Vec<&str> = g.nodes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["ordered", "criticized", "rectified"]);
        assert!(g.nodes[0].initial && !g.nodes[1].initial);
        assert!(g.nodes[2].terminal && !g.nodes[0].terminal);
        assert_eq!(g.nodes[1].title, "通报批评");
        let edges: Vec<(usize, usize, &str, bool)> = g
            .edges
            .iter()
            .map(|e| (e.from, e.to, e.label.as_str(), e.lapse))
            .collect();
        assert_eq!(
            edges,
            [
                (0, 2, "rectify · 第四十九条", false),
                (1, 2, "rectify · 第四十九条", false),
                (0, 1, "逾期（rectify） · 第四十九条", true),
            ]
        );
    }

    #[test]
    fn a_decision_is_an_edge_per_outcome() {
        let mut p = ladder();
        p.actions[0].to = Target::ByDecision(
            [("approve", "rectified"), ("reject", "criticized")]
                .into_iter()
                .map(|(d, s)| (d.to_owned(), StateId::from(s)))
                .collect(),
        );
        p.actions[0].from.truncate(1);
        let g = Graph::of(&p);
        let labels: Vec<&str> = g
            .edges
            .iter()
            .filter(|e| !e.lapse)
            .map(|e| e.label.as_str())
            .collect();
        assert_eq!(
            labels,
            [
                "rectify：approve · 第四十九条",
                "rectify：reject · 第四十九条"
            ]
        );
    }
}
