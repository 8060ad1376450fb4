//! Comparing a case with what a scenario step expects. Each mismatch is one line,
//! `field: expected X, got Y`.

use crate::service::Service;
use govflow_loader::docs::CaseExpectDoc;
use govflow_model::{Case, CaseId};

pub(crate) fn compare(service: &Service, id: &CaseId, expect: &CaseExpectDoc) -> Vec<String> {
    let read = || -> Result<_, String> {
        let case = service
            .case(id)?
            .ok_or_else(|| format!("no case `{id}` is stored"))?;
        Ok((case, service.children(id)?, service.history(id)?))
    };
    let (case, children, history) = match read() {
        Ok(read) => read,
        Err(e) => return vec![e],
    };
    let case = &case;
    let mut out = Vec::new();
    let check = |out: &mut Vec<String>, field: &str, expected: Option<String>, actual: String| {
        if let Some(expected) = expected {
            if expected != actual {
                out.push(format!("{field}: expected `{expected}`, got `{actual}`"));
            }
        }
    };
    check(&mut out, "id", expect.id.clone(), case.id.to_string());
    check(
        &mut out,
        "state",
        expect.state.clone(),
        case.state.to_string(),
    );
    check(
        &mut out,
        "overdue",
        expect.overdue.map(|b| b.to_string()),
        case.overdue.to_string(),
    );
    check(
        &mut out,
        "regulation_status",
        expect.regulation_status.map(|s| s.as_str().to_owned()),
        case.regulation_status.to_string(),
    );
    check(
        &mut out,
        "provider",
        expect.provider.clone(),
        case.provider.clone().unwrap_or_default(),
    );
    check(
        &mut out,
        "period",
        expect.period.map(|p| p.to_string()),
        case.period
            .map_or_else(|| "none".to_owned(), |p| p.to_string()),
    );
    for (name, want) in &expect.deadlines {
        let Some(d) = case.deadlines.iter().find(|d| d.name.as_str() == name) else {
            out.push(format!(
                "deadlines.{name}: expected a deadline, the case has {}",
                names(case)
            ));
            continue;
        };
        check(
            &mut out,
            &format!("deadlines.{name}.due_date"),
            want.due_date.map(|d| d.to_string()),
            d.due_date.to_string(),
        );
        check(
            &mut out,
            &format!("deadlines.{name}.status"),
            want.status.map(|s| s.as_str().to_owned()),
            d.status.as_str().to_owned(),
        );
        check(
            &mut out,
            &format!("deadlines.{name}.provisional"),
            want.provisional.map(|b| b.to_string()),
            d.provisional.to_string(),
        );
        check(
            &mut out,
            &format!("deadlines.{name}.statutory"),
            want.statutory.map(|b| b.to_string()),
            d.statutory.to_string(),
        );
        check(
            &mut out,
            &format!("deadlines.{name}.article"),
            want.article.clone(),
            d.article.clone(),
        );
    }
    if let Some(penalties) = &expect.penalties {
        if children.len() != penalties.len() {
            out.push(format!(
                "penalties: expected {} case(s), got {}: [{}]",
                penalties.len(),
                children.len(),
                children
                    .iter()
                    .map(|c| format!("{} in `{}`", c.procedure, c.state))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        } else {
            for (i, (want, child)) in penalties.iter().zip(&children).enumerate() {
                let at = |field: &str| format!("penalties[{i}].{field}");
                check(
                    &mut out,
                    &at("procedure"),
                    Some(want.procedure.clone()),
                    child.procedure.to_string(),
                );
                check(
                    &mut out,
                    &at("state"),
                    want.state.clone(),
                    child.state.to_string(),
                );
                check(
                    &mut out,
                    &at("provider"),
                    want.provider.clone(),
                    child.provider.clone().unwrap_or_default(),
                );
            }
        }
    }
    let kinds: Vec<String> = history.iter().map(event_type).collect();
    if let Some(history) = &expect.history {
        let wanted: Vec<&str> = history.iter().map(|e| e.as_str()).collect();
        if wanted != kinds {
            out.push(format!(
                "history: expected [{}], got [{}]",
                wanted.join(", "),
                kinds.join(", ")
            ));
        }
    }
    if let Some(events) = &expect.events {
        let mut rest = kinds.iter();
        for want in events {
            if !rest.any(|k| k == want.as_str()) {
                let wanted: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
                out.push(format!(
                    "events: expected `{}` in order within [{}]",
                    wanted.join(", "),
                    kinds.join(", ")
                ));
                break;
            }
        }
    }
    out
}

fn names(case: &Case) -> String {
    let names: Vec<&str> = case.deadlines.iter().map(|d| d.name.as_str()).collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// The event's `type` as it appears in the feed (`opened`, `warning`, `lapsed`, …).
fn event_type(event: &govflow_model::Event) -> String {
    serde_json::to_value(&event.kind)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_owned))
        .unwrap_or_default()
}
