//! `Idempotency-Key`: a retried submission returns the case the first one created; the key
//! is scoped to the actor and remembered across restarts.

use super::support::*;
use govflow_case::Refusal;
use govflow_runtime::Error;
use govflow_store::CaseQuery;

fn a_retry_with_the_same_key_returns_the_first_case(store: Kind) {
    let service = Service::new(store, at("2023-09-28T09:00:00+08:00"));
    let rt = &service.runtime;
    let edu = actor("edu", "区教委", &["provider"]);
    let submission = request("catalog_update", "区教委");

    let first = rt.submit(&edu, &submission, Some("k-1")).unwrap();
    assert!(!first.replayed);
    rt.advance(at("2023-09-28T10:00:00+08:00")).unwrap();
    let again = rt.submit(&edu, &submission, Some("k-1")).unwrap();
    assert!(again.replayed);
    assert_eq!(again.case, first.case, "the stored case, unchanged");
    assert_eq!(cases(rt, CaseQuery::default()).len(), 1);
    assert_eq!(kinds(&feed(rt)), ["opened"]);

    // The same key with another body is the client's mistake, naming the first case.
    let mut other = submission.clone();
    other.case.subject = Some("another change".into());
    match rt.submit(&edu, &other, Some("k-1")) {
        Err(Error::IdempotencyMismatch { key, case }) => {
            assert_eq!(key, "k-1");
            assert_eq!(case, first.case.id);
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
    assert_eq!(cases(rt, CaseQuery::default()).len(), 1);

    // Another actor's key is its own: the same key and body open a new case.
    let edu2 = actor("edu2", "区教委", &["provider"]);
    let theirs = rt.submit(&edu2, &submission, Some("k-1")).unwrap();
    assert!(!theirs.replayed);
    assert_ne!(theirs.case.id, first.case.id);
    assert_eq!(cases(rt, CaseQuery::default()).len(), 2);

    // Without a key every submission is a new case.
    let keyless = rt.submit(&edu, &submission, None).unwrap();
    assert!(!keyless.replayed);
    assert_eq!(cases(rt, CaseQuery::default()).len(), 3);

    // The key survives a restart.
    let service = service.restart(at("2023-09-29T09:00:00+08:00"));
    let after = service
        .runtime
        .submit(&edu, &submission, Some("k-1"))
        .unwrap();
    assert!(after.replayed);
    assert_eq!(after.case.id, first.case.id);
    assert_eq!(cases(&service.runtime, CaseQuery::default()).len(), 3);
}

fn a_refused_submission_does_not_take_its_key(store: Kind) {
    let service = Service::new(store, at("2023-09-28T09:00:00+08:00"));
    let rt = &service.runtime;
    let edu = actor("edu", "区教委", &["provider"]);
    let mut missing = request("catalog_update", "区教委");
    missing.case.provider = None;
    match rt.submit(&edu, &missing, Some("k-2")) {
        Err(Error::Refused(r)) => assert_eq!(r.code(), "missing_field"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(cases(rt, CaseQuery::default()).is_empty());
    assert!(feed(rt).is_empty());
    // The corrected request under the same key is a new request, not a mismatch.
    let fixed = rt
        .submit(&edu, &request("catalog_update", "区教委"), Some("k-2"))
        .unwrap();
    assert!(!fixed.replayed);
}

fn concurrent_retries_under_one_key_open_one_case(store: Kind) {
    let service = Service::new(store, at("2023-09-28T09:00:00+08:00"));
    let rt = &service.runtime;
    let edu = actor("edu", "区教委", &["provider"]);
    let submission = request("catalog_update", "区教委");
    let results: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| rt.submit(&edu, &submission, Some("k-3")).unwrap()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let fresh: Vec<_> = results.iter().filter(|r| !r.replayed).collect();
    assert_eq!(fresh.len(), 1, "exactly one request created the case");
    assert!(results.iter().all(|r| r.case.id == fresh[0].case.id));
    assert_eq!(cases(rt, CaseQuery::default()).len(), 1);
    assert_eq!(feed(rt).len(), 1);
}

fn unknown_cities_and_cases_are_named(store: Kind) {
    let service = Service::new(store, at("2023-09-28T09:00:00+08:00"));
    let rt = &service.runtime;
    let edu = actor("edu", "区教委", &["provider"]);
    let mut elsewhere = request("catalog_update", "区教委");
    elsewhere.city = "atlantis".into();
    match rt.submit(&edu, &elsewhere, None) {
        Err(Error::UnknownCity { city, served }) => {
            assert_eq!(city, *"atlantis");
            assert!(
                served.contains("wanzhou") && served.contains("jiaozuo"),
                "{served}"
            );
        }
        other => panic!("expected an unknown city, got {other:?}"),
    }
    let missing = govflow_model::CaseId::new("c-000000000000000000");
    match rt.act(&edu, &missing, "submit", &serde_json::Map::new()) {
        Err(Error::CaseNotFound(id)) => assert_eq!(id, missing),
        other => panic!("expected no such case, got {other:?}"),
    }
    // A procedure the city does not offer is a refusal that lists what it offers.
    match rt.submit(&edu, &request("nongov_share", "区教委"), None) {
        Err(Error::Refused(r @ Refusal::UnknownProcedure { .. })) => {
            assert_eq!(r.code(), "unknown_procedure");
            assert!(r.to_string().contains("catalog_update"), "{r}");
        }
        other => panic!("expected an unknown procedure, got {other:?}"),
    }
}

on_every_store!(
    a_retry_with_the_same_key_returns_the_first_case,
    a_refused_submission_does_not_take_its_key,
    concurrent_retries_under_one_key_open_one_case,
    unknown_cities_and_cases_are_named,
);
