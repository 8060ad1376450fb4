//! The index's names read back as written, and a walk over several ranges in the list's
//! order, each case once, from any place in it.

use super::entry::{Listed, CITY, INDEX};
use super::{walk, Cursor, Malformed, Scope, Step};
use crate::counters::names::join;
use crate::light::Light;
use govflow_model::{CaseId, CityId, NaiveDate};
use std::collections::BTreeMap;

fn listed(id: &str, city: &str, due: Option<&str>) -> Listed {
    Listed {
        id: CaseId::new(id),
        city: CityId::new(city),
        department: "区公安局".into(),
        procedure: "data_verification".into(),
        state: "received".into(),
        light: due.map(|_| Light::Yellow),
        overdue: false,
        received: "2024-03-04".parse().unwrap(),
        closed_on: due
            .is_none()
            .then(|| "2024-03-08".parse::<NaiveDate>().unwrap()),
        next_due: due.map(|d| d.parse().unwrap()),
        penalty: false,
    }
}

fn name(audience: &str, l: &Listed) -> String {
    join(&[INDEX, audience, CITY, l.city.as_str(), &l.suffix()])
}

/// Walks `index` for `scope` from `after`, `page` entries at most.
fn walked(
    index: &BTreeMap<String, i64>,
    scope: &Scope<'_>,
    after: Option<&Cursor>,
    page: usize,
) -> Vec<String> {
    let mut out = Vec::new();
    walk::<Malformed>(
        scope,
        |city| city != "hidden",
        after,
        |from, until, limit| {
            Ok(index
                .range(from.to_owned()..until.to_owned())
                .take(limit)
                .map(|(n, v)| (n.clone(), *v))
                .collect())
        },
        |l| {
            out.push(l.id.to_string());
            Ok(if out.len() == page {
                Step::Stop
            } else {
                Step::Go
            })
        },
    )
    .unwrap();
    out
}

#[test]
fn an_entry_reads_back_as_written() {
    for l in [
        listed("a-1", "wanzhou", Some("2024-03-18")),
        listed("a-10", "wanzhou", None),
    ] {
        assert_eq!(Listed::parse("wanzhou", &l.suffix()), Some(l));
    }
    assert_eq!(Listed::parse("wanzhou", "2024-03-18\u{1f}a"), None);
}

#[test]
fn a_walk_merges_cities_and_audiences_in_due_order_once_each() {
    let cases = [
        ("*", listed("b", "wanzhou", Some("2024-03-20"))),
        ("*", listed("a-10", "wanzhou", Some("2024-03-18"))),
        ("*", listed("a-1", "jiaozuo", Some("2024-03-18"))),
        ("*", listed("z", "jiaozuo", Some("2024-03-01"))),
        ("*", listed("c", "wanzhou", None)),
        ("*", listed("h", "hidden", Some("2024-01-01"))),
        ("d:区公安局", listed("b", "wanzhou", Some("2024-03-20"))),
        ("a:citizen", listed("b", "wanzhou", Some("2024-03-20"))),
        ("a:citizen", listed("d", "wanzhou", Some("2024-03-19"))),
    ];
    let index: BTreeMap<String, i64> = cases.iter().map(|(a, l)| (name(a, l), 1)).collect();
    let all = Scope {
        audiences: vec!["*".into()],
        city: None,
        department: None,
    };
    let order = ["z", "a-1", "a-10", "b", "c"];
    assert_eq!(
        walked(&index, &all, None, 100),
        order,
        "the hidden city left out"
    );
    for (i, id) in order.iter().enumerate() {
        let (city, due) = cases
            .iter()
            .map(|(_, l)| l)
            .find(|l| l.id.as_str() == *id)
            .map(|l| (l.city.as_str(), l.next_due))
            .unwrap();
        let at = Cursor::of(&listed(id, city, due.map(|d| d.to_string()).as_deref()));
        assert_eq!(
            walked(&index, &all, Some(&at), 100),
            order[i + 1..],
            "after {id}"
        );
    }
    assert_eq!(walked(&index, &all, None, 2), ["z", "a-1"]);
    let one_city = Scope {
        city: Some("wanzhou"),
        ..all.clone()
    };
    assert_eq!(walked(&index, &one_city, None, 100), ["a-10", "b", "c"]);
    let two = Scope {
        audiences: vec!["d:区公安局".into(), "a:citizen".into()],
        city: None,
        department: None,
    };
    assert_eq!(walked(&index, &two, None, 100), ["d", "b"], "b once");
    assert_eq!(
        Cursor::parse("~/c").map(|c| c.to_string()).as_deref(),
        Some("~/c")
    );
    for bad in ["soon", "2024-13-01/x", "2024-03-01/", "~/a\u{1f}b"] {
        assert_eq!(Cursor::parse(bad), None, "{bad}");
    }
}
