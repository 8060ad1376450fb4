//! The body of a delivery: one feed event as a CloudEvents 1.0 event in the structured JSON
//! mode (<https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md>).
//! The `webhook-id` is derived from the subscription and the event's sequence number, so
//! every retry of one delivery carries the same id and a receiver can drop duplicates.

use govflow_store::Recorded;
use serde_json::{json, Map, Value};

/// The event kinds a subscription may ask for: the feed's `kind` of every event.
pub const KINDS: &[&str] = &[
    "opened",
    "acted",
    "extension_requested",
    "extension_approved",
    "extension_rejected",
    "warning",
    "lapsed",
    "elapsed",
    "period_set",
    "penalty_opened",
    "recomputed",
    "child_opened",
    "joint_act_recorded",
];

/// The media type of a structured-mode CloudEvent.
pub const CONTENT_TYPE: &str = "application/cloudevents+json";

/// `msg_<subscription>_<seq>`: the same for every attempt at one delivery.
pub fn webhook_id(subscription: &str, seq: u64) -> String {
    format!("msg_{subscription}_{seq}")
}

/// The feed's kind of an event (`warning`, `lapsed`, …) and its other details.
pub fn kind_and_details(recorded: &Recorded) -> (String, Map<String, Value>) {
    let mut details = match serde_json::to_value(&recorded.event.kind) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let kind = match details.remove("type") {
        Some(Value::String(kind)) => kind,
        _ => String::new(),
    };
    (kind, details)
}

/// The CloudEvent delivering `recorded` under `id`. `data` carries the feed's sequence
/// number, the case, city and kind, the deadline and due date where the event has them,
/// the article, and the event's other details.
pub fn cloud_event(id: &str, recorded: &Recorded) -> Value {
    let (kind, details) = kind_and_details(recorded);
    let e = &recorded.event;
    json!({
        "specversion": "1.0",
        "id": id,
        "source": format!("urn:govflow:city:{}", e.city),
        "type": format!("cn.govflow.case.{kind}"),
        "time": e.at,
        "subject": e.case,
        "datacontenttype": "application/json",
        "data": {
            "seq": recorded.seq,
            "case": e.case,
            "city": e.city,
            "kind": kind,
            "deadline": details.get("deadline"),
            "due_date": details.get("due_date"),
            "article": e.article,
            "actor": e.actor,
            "pack_version": e.pack_version,
            "details": details,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use govflow_store::conformance::event;

    #[test]
    fn a_warning_becomes_a_cloud_event_with_the_feed_fields() {
        let mut recorded = Recorded {
            seq: 42,
            event: event("WZ-1", "received"),
        };
        recorded.event.kind = govflow_model::EventKind::Warning {
            deadline: "reply".into(),
            due_date: chrono::NaiveDate::from_ymd_opt(2024, 3, 1).unwrap(),
            statutory: true,
        };
        let id = webhook_id("sub_a", recorded.seq);
        let body = cloud_event(&id, &recorded);
        assert_eq!(body["specversion"], "1.0");
        assert_eq!(body["id"], "msg_sub_a_42");
        assert_eq!(body["type"], "cn.govflow.case.warning");
        assert_eq!(body["source"], "urn:govflow:city:wanzhou");
        assert_eq!(body["subject"], "WZ-1");
        let data = &body["data"];
        assert_eq!(data["seq"], 42);
        assert_eq!(data["kind"], "warning");
        assert_eq!(data["deadline"], "reply");
        assert_eq!(data["due_date"], "2024-03-01");
        assert_eq!(data["article"], "第十七条");
        assert!(KINDS.contains(&"warning"));
    }
}
