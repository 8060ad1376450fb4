//! Every city's pack through the pages: one valid case per city (the submissions of
//! `tests/api/cities.rs`), then the board, the list, the CSV, the case page and the packs
//! pages read over real HTTP from the real binary must give the numbers the API gives for
//! the same data, before and after the clock runs past every deadline.

use super::client::Browser;
use crate::support::path;
use crate::support::server::{Options, Server, Who};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// A valid case in one city: who opens it and the body.
struct Submission {
    who: Who,
    body: fn() -> Value,
}

fn submissions() -> BTreeMap<&'static str, Submission> {
    let who = |name, city, department, roles| Who {
        name,
        city,
        department,
        roles,
    };
    BTreeMap::from([
        (
            "wanzhou",
            Submission {
                who: who("wanzhou-citizen", "wanzhou", "", &["applicant"]),
                body: || json!({"city": "wanzhou", "procedure": "data_verification", "provider": "区公安局", "subject": "户籍", "data": {}}),
            },
        ),
        (
            "liaocheng",
            Submission {
                who: who(
                    "liaocheng-health",
                    "liaocheng",
                    "市卫生健康委",
                    &["applicant"],
                ),
                body: || json!({"city": "liaocheng", "procedure": "conditional_share", "provider": "市公安局", "data": {"ground": "conditional_class"}}),
            },
        ),
        (
            "neijiang",
            Submission {
                who: who("neijiang-civil", "neijiang", "市民政局", &["user"]),
                body: || {
                    json!({"city": "neijiang", "procedure": "conditional_share", "provider": "市公安局",
                "data": {"resource": {"sharing": "conditional", "legal_basis": "《中华人民共和国数据安全法》", "legal_basis_kind": "law", "filing": "2020-备-017"}}})
                },
            },
        ),
        (
            "chongqing",
            Submission {
                who: who("chongqing-police", "chongqing", "市公安局", &["provider"]),
                body: || json!({"city": "chongqing", "procedure": "catalog_update", "provider": "市公安局", "data": {"trigger": "law_revised"}}),
            },
        ),
        (
            "jiaozuo",
            Submission {
                who: who(
                    "jiaozuo-transport",
                    "jiaozuo",
                    "市交通运输局",
                    &["provider"],
                ),
                body: || json!({"city": "jiaozuo", "procedure": "catalog_update", "provider": "市交通运输局", "data": {"event": "law_amended"}}),
            },
        ),
        (
            "macun",
            Submission {
                who: who("macun-civil", "macun", "马村区民政局", &["user"]),
                body: || json!({"city": "macun", "procedure": "data_verification", "provider": "马村区公安分局"}),
            },
        ),
    ])
}

/// The cities with a pack under `cities/`.
fn cities() -> BTreeSet<String> {
    std::fs::read_dir(path("cities"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("pack.yaml").is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

/// The text of the `<td data-field="field">` in `html`, tags stripped.
fn field(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("data-field=\"{name}\""))
        .unwrap_or_else(|| panic!("no field {name} in {html}"));
    let cell = &html[at..];
    let cell = &cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()];
    let mut text = String::new();
    let mut in_tag = false;
    for c in cell.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// Percent-encodes a query value.
fn encode(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

/// The `<tr data-city="city">` row of the packs page.
fn city_row<'h>(html: &'h str, city: &str) -> &'h str {
    let row = html
        .split("<tr ")
        .find(|r| r.starts_with(&format!("data-city=\"{city}\"")))
        .unwrap_or_else(|| panic!("no row for {city}: {html}"));
    &row[..row.find("</tr>").unwrap()]
}

/// What the API says of one city: its cases, and its pack.
struct Api {
    cases: Vec<Value>,
    pack: Value,
}

impl Api {
    fn read(server: &Server, city: &str) -> Api {
        let cases = server.get("admin", &format!("/v1/cases?city={city}"));
        assert_eq!(cases.status, 200, "{cases:#?}");
        let pack = server.get("admin", &format!("/v1/packs/{city}"));
        assert_eq!(pack.status, 200, "{pack:#?}");
        Api {
            cases: cases.body["cases"].as_array().unwrap().clone(),
            pack: pack.body,
        }
    }

    fn open(&self, case: &Value) -> bool {
        let state = case["state"].as_str().unwrap();
        let procedure = case["procedure"].as_str().unwrap();
        self.pack["pack"]["procedures"][procedure]["states"][state]["terminal"] != true
    }

    /// Per department: (在办, 当前超期, 督办中, 本期受理) as the board defines them.
    fn figures(&self) -> BTreeMap<String, [usize; 4]> {
        let mut figures: BTreeMap<String, [usize; 4]> = BTreeMap::new();
        for case in &self.cases {
            let department = case["provider"].as_str().expect("every case here has one");
            let f = figures.entry(department.to_owned()).or_default();
            let penalty = !case["parent"].is_null();
            let open = self.open(case);
            f[0] += usize::from(!penalty && open);
            f[1] += usize::from(!penalty && open && case["overdue"] == true);
            f[2] += usize::from(penalty && open);
            f[3] += usize::from(!penalty);
        }
        figures
    }
}

/// The pages agree with the API on `city`; returns the city's figures summed.
fn pages_agree(server: &Server, admin: &Browser, city: &str) -> [usize; 4] {
    let api = Api::read(server, city);
    assert!(!api.cases.is_empty(), "{city} has a case");
    let mut total = [0; 4];
    for (department, figures) in api.figures() {
        let [open, overdue, supervising, received] = figures;
        for (t, f) in total.iter_mut().zip(figures) {
            *t += f;
        }
        for (count, expected) in [
            ("open", open),
            ("overdue", overdue),
            ("supervising", supervising),
            ("received", received),
        ] {
            assert_eq!(
                admin.board(city, &department, count),
                expected.to_string(),
                "{city} {department} {count}"
            );
            let query = format!(
                "city={city}&department={}&count={count}&period=year",
                encode(&department)
            );
            assert_eq!(admin.listed(&query), expected, "{query}");
        }
    }
    assert_eq!(
        admin.listed(&format!("city={city}")),
        api.cases.len(),
        "{city}"
    );
    let (status, csv) = admin.get(&format!("/ui/cases.csv?city={city}"));
    assert_eq!(status, 200);
    assert_eq!(csv.lines().count(), 1 + api.cases.len(), "{csv}");
    for case in &api.cases {
        let id = case["id"].as_str().unwrap();
        let (status, html) = admin.get(&format!("/ui/cases/{id}"));
        assert_eq!(status, 200, "{html}");
        let state = case["state"].as_str().unwrap();
        assert!(
            html.contains(&format!("<td data-state=\"{state}\">")),
            "{id}"
        );
        // Its procedure's diagram marks that state, and that one only.
        let diagram = &html[html.find("data-diagram=").expect("a diagram")..];
        let diagram = &diagram[..diagram.find("</svg>").unwrap()];
        assert!(
            diagram.contains(&format!("current\" data-state=\"{state}\"")),
            "{id}"
        );
        assert_eq!(diagram.matches("current").count(), 1, "{id}");
        for deadline in case["deadlines"].as_array().unwrap() {
            let name = deadline["name"].as_str().unwrap();
            let due = deadline["due_date"].as_str().unwrap();
            let at = html
                .find(&format!("data-deadline=\"{name}\""))
                .unwrap_or_else(|| panic!("{id}: no deadline {name}"));
            let shown = &html[at..];
            assert!(
                shown[..shown.find("</p>").unwrap()].contains(&format!("到期 {due}")),
                "{id} {name} due {due}: {shown}"
            );
        }
    }
    total
}

/// The packs pages show the version, the status and every procedure's states the API
/// serves for `city`.
fn packs_agree(server: &Server, admin: &Browser, index: &str, city: &str) {
    let api = Api::read(server, city);
    let row = city_row(index, city);
    assert_eq!(field(row, "version"), api.pack["version"].as_str().unwrap());
    let status = api.pack["regulation"]["status"].as_str().unwrap();
    assert!(row.contains(&format!("data-status=\"{status}\"")), "{row}");
    assert_eq!(field(row, "last_error"), "无");
    let procedures = api.pack["pack"]["procedures"].as_object().unwrap();
    assert_eq!(field(row, "procedures"), procedures.len().to_string());

    let (code, html) = admin.get(&format!("/ui/packs/{city}"));
    assert_eq!(code, 200, "{html}");
    for (id, procedure) in procedures {
        let at = html
            .find(&format!("<section class=\"procedure\" id=\"{id}\""))
            .unwrap_or_else(|| panic!("{city}: no section for {id}"));
        let section = &html[at..];
        let section = &section[..section.find("</section>").unwrap()];
        let svg =
            &section[section.find("<svg").expect("a diagram")..section.find("</svg>").unwrap()];
        for (state, s) in procedure["states"].as_object().unwrap() {
            assert!(
                svg.contains(&format!("data-state=\"{state}\"")),
                "{city} {id} {state}"
            );
            assert!(svg.contains(s["title"].as_str().unwrap()));
        }
        for action in procedure["actions"].as_array().unwrap() {
            let label = format!("{} ", action["id"].as_str().unwrap());
            let article = action["basis"]["article"].as_str().unwrap();
            assert!(
                svg.contains(&format!("data-edge=\"{label}"))
                    || svg.contains(&format!("data-edge=\"{}：", label.trim())),
                "{city} {id}: no edge for {label}"
            );
            assert!(svg.contains(article), "{city} {id}: {article}");
        }
        for state in procedure["states"].as_object().unwrap().values() {
            for deadline in state["deadlines"].as_array().unwrap() {
                let name = deadline["id"].as_str().unwrap();
                assert!(
                    section.contains(&format!("data-deadline=\"{name}\"")),
                    "{city} {id} {name}"
                );
            }
        }
    }
}

#[test]
fn every_citys_pages_give_the_numbers_the_api_gives() {
    let submissions = submissions();
    let cities = cities();
    let missing: Vec<&String> = cities
        .iter()
        .filter(|c| !submissions.contains_key(c.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "add a valid submission for {missing:?} to tests/web/cities.rs"
    );
    let tmp = tempfile::tempdir().unwrap();
    let who: Vec<Who> = submissions.values().map(|s| s.who.clone()).collect();
    // Mon 2021-03-01: every city's regulation governs a case received that day.
    let server = Server::start(&Options::new(
        &tmp.path().join("data"),
        "2021-03-01T09:00:00+08:00",
        &who,
    ));
    for city in &cities {
        let s = &submissions[city.as_str()];
        server.submit(s.who.name, (s.body)());
        server.submit(s.who.name, (s.body)());
    }
    let admin = Browser::sign_in(&server, "admin");
    let (status, index) = admin.get("/ui/packs");
    assert_eq!(status, 200, "{index}");
    let packs = server.get("admin", "/v1/packs");
    let years: Vec<String> = packs.body["calendar"]["years"]
        .as_array()
        .unwrap()
        .iter()
        .map(|y| y.to_string())
        .collect();
    assert_eq!(field(&index, "calendar_years"), years.join("、"));
    for city in &cities {
        packs_agree(&server, &admin, &index, city);
        let [open, overdue, supervising, received] = pages_agree(&server, &admin, city);
        assert_eq!(
            (open, overdue, supervising, received),
            (2, 0, 0, 2),
            "{city}"
        );
    }
    // Every deadline of the first steps has passed by June: lapses, penalty cases,
    // cases moved on by their lapse. The pages still agree with the API.
    server.set_clock("2021-06-01T09:00:00+08:00");
    let mut late = 0;
    for city in &cities {
        let [_, overdue, supervising, _] = pages_agree(&server, &admin, city);
        late += overdue + supervising;
    }
    assert!(
        late > 0,
        "the clock's move made some case overdue or supervised"
    );
}
