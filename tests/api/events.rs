//! The event feed (`GET /v1/events?after=&limit=`) other systems follow with a cursor,
//! and one case's history (`GET /v1/cases/{id}/events`).

use super::{id, start, who, Api};
use serde_json::{json, Value};

/// Reads the feed as `who` from `after`, `limit` at a time, until the cursor stops (a page
/// may be empty yet move it past other cities' events); returns the events and the cursor.
fn read_all(api: &Api, who: &str, mut after: u64, limit: usize) -> (Vec<Value>, u64) {
    let mut events = Vec::new();
    loop {
        let page = api.get(who, &format!("/v1/events?after={after}&limit={limit}"));
        assert_eq!(page.status, 200, "{page:#?}");
        let batch = page.body["events"].as_array().unwrap().clone();
        let next = page.body["next_after"].as_u64().expect("next_after");
        assert!(batch.len() <= limit);
        if next == after {
            assert!(
                batch.is_empty(),
                "the cursor moves past every event returned"
            );
            return (events, after);
        }
        assert!(next > after, "the cursor never goes back");
        after = next;
        events.extend(batch);
    }
}

fn seqs(events: &[Value]) -> Vec<u64> {
    events.iter().map(|e| e["seq"].as_u64().unwrap()).collect()
}

fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

/// A wanzhou verification with an extension (3 events) and a liaocheng share request
/// answered (2 events): 5 events in all.
fn activity() -> (Api, String, String) {
    let api = start(
        "2021-02-22T10:00:00+08:00",
        &[
            who("citizen", "wanzhou", "", &["applicant"]),
            who("police", "wanzhou", "区公安局", &["provider"]),
            who("police_head", "wanzhou", "区公安局", &["principal"]),
            who("health", "liaocheng", "市卫生健康委", &["applicant"]),
            who("lc_police", "liaocheng", "市公安局", &["provider"]),
        ],
    );
    let wanzhou = id(&api.submit(
        "citizen",
        json!({"city": "wanzhou", "procedure": "data_verification", "provider": "区公安局"}),
    ));
    let liaocheng = id(&api.submit(
        "health",
        json!({"city": "liaocheng", "procedure": "conditional_share", "provider": "市公安局",
            "data": {"ground": "conditional_class"}}),
    ));
    let ask = json!({"working_days": 5, "reason": "涉及多个系统"});
    api.act_ok("police", &wanzhou, "request_extension", ask);
    api.act_ok(
        "lc_police",
        &liaocheng,
        "reply",
        json!({"decision": "approve"}),
    );
    api.act_ok("police_head", &wanzhou, "approve_extension", json!({}));
    (api, wanzhou, liaocheng)
}

/// Paging with `next_after` visits every event once, in sequence order, without gaps,
/// whatever the page size; after new activity the last cursor yields only the new events.
#[test]
fn the_feed_pages_in_order_and_resumes_from_the_cursor() {
    let (api, wanzhou, liaocheng) = activity();
    let (all, cursor) = read_all(&api, "admin", 0, 1000);
    assert_eq!(seqs(&all), [1, 2, 3, 4, 5]);
    assert_eq!(cursor, 5);
    assert_eq!(
        kinds(&all),
        [
            "opened",
            "opened",
            "extension_requested",
            "acted",
            "extension_approved"
        ]
    );
    let cases: Vec<_> = all.iter().map(|e| e["case"].as_str().unwrap()).collect();
    assert_eq!(
        cases,
        [&wanzhou, &liaocheng, &wanzhou, &liaocheng, &wanzhou]
    );
    assert_eq!(all[2]["details"]["working_days"], 5);
    assert_eq!(all[2]["article"], "第十七条");
    // Received Mon 02-22 (no holiday in sight): due 03-08; 5 more working days → 03-15.
    assert_eq!(all[4]["details"]["due_date"], "2021-03-15");
    for limit in [1, 2, 3] {
        assert_eq!(read_all(&api, "admin", 0, limit).0, all, "pages of {limit}");
    }

    let more = api.submit(
        "citizen",
        json!({"city": "wanzhou", "procedure": "data_verification", "provider": "区公安局"}),
    );
    let reply = json!({"decision": "reject", "reasons": "数据与登记原件一致"});
    api.act_ok("police", &wanzhou, "reply", reply);
    let (new, cursor) = read_all(&api, "admin", cursor, 1);
    assert_eq!(seqs(&new), [6, 7]);
    assert_eq!(kinds(&new), ["opened", "acted"]);
    assert_eq!(new[0]["case"], id(&more).as_str());
    assert_eq!(new[1]["case"], wanzhou.as_str());
    assert_eq!(cursor, 7);
    assert!(read_all(&api, "admin", cursor, 10).0.is_empty());
}

/// A city-bound actor's feed holds only its city's events, yet its cursor still reaches
/// the end of the feed, so it never rereads the others.
#[test]
fn a_city_bound_actor_follows_only_its_citys_events() {
    let (api, wanzhou, liaocheng) = activity();
    let (own, cursor) = read_all(&api, "health", 0, 2);
    assert_eq!(seqs(&own), [2, 4]);
    assert!(own
        .iter()
        .all(|e| e["city"] == "liaocheng" && e["case"] == liaocheng.as_str()));
    assert_eq!(cursor, 5);
    let (own, _) = read_all(&api, "citizen", 0, 1000);
    assert_eq!(seqs(&own), [1, 3, 5]);
    assert!(own.iter().all(|e| e["case"] == wanzhou.as_str()));
    let filtered = api.get("admin", "/v1/events?after=0&city=liaocheng");
    assert_eq!(seqs(filtered.body["events"].as_array().unwrap()), [2, 4]);
}

/// A case's history is its own events, oldest first, with actor and article.
#[test]
fn a_cases_history_is_its_events_in_order() {
    let (api, wanzhou, liaocheng) = activity();
    let history = api.get("citizen", &format!("/v1/cases/{wanzhou}/events"));
    assert_eq!(history.status, 200, "{history:#?}");
    let events = history.body.as_array().unwrap();
    assert_eq!(
        kinds(events),
        ["opened", "extension_requested", "extension_approved"]
    );
    assert_eq!(seqs(events), [1, 3, 5]);
    let actors: Vec<_> = events
        .iter()
        .map(|e| e["actor"].as_str().unwrap())
        .collect();
    assert_eq!(actors, ["citizen", "police", "police_head"]);
    assert_eq!(api.history(&liaocheng), ["opened", "acted"]);
}
