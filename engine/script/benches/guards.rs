//! Guard evaluations per second: a typical pack guard (a refusal must give its reasons)
//! run against a realistic case, through the same sandbox the service uses.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use govflow_case::{GuardInput, Guards};
use govflow_model::{Actor, ArticleRef, Case, GuardRef, RoleId};
use govflow_script::{Scripts, Source};
use std::hint::black_box;

fn case() -> Case {
    serde_json::from_value(serde_json::json!({
        "id": "case-1", "city": "wanzhou", "procedure": "open_catalog_correction",
        "state": "replying", "overdue": false, "parent": null,
        "pack_version": "wanzhou@bench", "regulation_status": "in_force",
        "received_at": "2021-02-08T01:00:00Z", "received_date": "2021-02-08",
        "opened_by": {"actor": "citizen", "department": ""}, "provider": "区公安局",
        "subject": "户籍信息更正", "data": {"resource": {"sharing": "conditional"}},
        "decision": null, "deadlines": [],
        "entered_at": "2021-02-08T01:00:00Z", "created_at": "2021-02-08T01:00:00Z",
        "updated_at": "2021-02-08T01:00:00Z", "revision": 3
    }))
    .expect("a valid case")
}

fn guards(c: &mut Criterion) {
    let scripts = Scripts::compile(vec![Source {
        name: "reasons_given".into(),
        path: "cities/wanzhou/scripts/reasons_given.rhai".into(),
        text: r#"data.decision != "reject" || !blank(data.reasons)"#.into(),
    }])
    .expect("compiles");
    let guard = GuardRef {
        script: "reasons_given".into(),
        message: "a refusal must give its reasons".into(),
        basis: ArticleRef {
            article: "第三十条".into(),
            quote: "不同意更正的，应当说明理由，并提供依据。".into(),
        },
    };
    let case = case();
    let actor = Actor {
        id: "police".into(),
        jurisdiction: "wanzhou".into(),
        department: "区公安局".into(),
        roles: vec![RoleId::from("provider")],
    };
    let data = serde_json::json!({"decision": "reject", "reasons": "数据与登记原件一致"})
        .as_object()
        .cloned()
        .expect("an object");
    let mut group = c.benchmark_group("guards");
    group.throughput(Throughput::Elements(1));
    group.bench_function("reasons_given", |b| {
        b.iter(|| {
            let input = GuardInput {
                case: &case,
                action: "reply",
                data: &data,
                actor: &actor,
            };
            assert!(scripts
                .check(black_box(&guard), black_box(&input))
                .expect("runs"));
        })
    });
    group.finish();
}

criterion_group!(benches, guards);
criterion_main!(benches);
