//! A case is decided only under the pack version it was received under: when that version
//! can be read neither from memory nor from the store's archive, nothing is decided on the
//! case, and the service says so.

use super::support::*;
use govflow_model::TimerKind;
use govflow_runtime::Error;
use govflow_store::{Batch, Expect};
use serde_json::json;

const LOST: &str = "wanzhou@0000000000000000";

fn a_case_whose_pack_version_cannot_be_read_is_never_decided_on_another(store: Kind) {
    let service = Service::new(store, at("2023-09-28T09:00:00+08:00"));
    let rt = &service.runtime;
    let citizen = actor("citizen", "", &["applicant"]);
    let police = actor("police", "区公安局", &["provider"]);
    let request = request("data_verification", "区公安局");
    let lost = rt.submit(&citizen, &request, None).unwrap().case;
    let kept = rt.submit(&citizen, &request, None).unwrap().case;

    // As if the version `lost` was received under had never been archived.
    let mut orphan = lost.clone();
    orphan.pack_version = LOST.into();
    orphan.revision += 1;
    let mut batch = Batch::new();
    batch.put_case(orphan, Expect::Revision(lost.revision));
    rt.store().commit(batch).unwrap();

    let refused = rt
        .act(
            &police,
            &lost.id,
            "reply",
            &data(json!({"decision": "approve"})),
        )
        .unwrap_err();
    assert!(
        matches!(&refused, Error::PackVersionMissing { version, .. } if version == LOST),
        "{refused}"
    );
    assert_eq!(refused.code(), "pack_version_missing");
    assert!(refused.to_string().contains(LOST), "{refused}");

    // Time passes over both deadlines: the other case lapses; this one's lapse stays armed
    // for its instant, and the case stays as it was.
    let lapse = timer(rt, &lost.id, "verify", TimerKind::Lapse).expect("armed");
    rt.advance(lapse + chrono::Duration::days(2)).unwrap();
    assert!(rt.case(&kept.id).unwrap().overdue, "the other case lapsed");
    let waiting = rt.case(&lost.id).unwrap();
    assert!(!waiting.overdue);
    assert_eq!(waiting.pack_version, LOST);
    assert_eq!(timer(rt, &lost.id, "verify", TimerKind::Lapse), Some(lapse));
    assert_eq!(count(&history(rt, &lost.id), "lapsed"), 0);

    let missing = rt.missing_versions();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0].version, LOST);
    assert_eq!(missing[0].city.as_str(), "wanzhou");
    assert!(
        missing[0].refused >= 2,
        "the action and the timer: {missing:?}"
    );
    let mut metrics = String::new();
    rt.metrics().render(&mut metrics);
    let counted = metrics
        .lines()
        .find_map(|l| l.strip_prefix("govflow_pack_version_missing_total "))
        .and_then(|n| n.parse::<u64>().ok())
        .expect("the counter is exposed");
    assert!(counted >= 2, "{metrics}");
}

on_every_store!(a_case_whose_pack_version_cannot_be_read_is_never_decided_on_another,);
