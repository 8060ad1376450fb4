//! A browser-less client over real HTTP that signs in and keeps the session cookie as a
//! browser would, and reads the stable hooks of the pages (`data-department`,
//! `data-count`, `data-case`).

use crate::support::server::{token, Server};

/// A signed-in browser: the session cookie and the CSRF token of the last page read.
pub struct Browser<'a> {
    server: &'a Server,
    cookie: String,
    client: reqwest::blocking::Client,
}

impl<'a> Browser<'a> {
    pub fn sign_in(server: &'a Server, who: &str) -> Browser<'a> {
        let client = reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let form = client.get(server.url("/ui/sign-in")).send().unwrap();
        let pre = set_cookie(&form);
        let csrf = csrf(&form.text().unwrap());
        let signed = client
            .post(server.url("/ui/sign-in"))
            .header("cookie", pre)
            .form(&[("csrf", csrf.as_str()), ("token", token(who).as_str())])
            .send()
            .unwrap();
        assert_eq!(signed.status(), 303);
        let cookie = set_cookie(&signed);
        assert!(cookie.starts_with("govflow_session="), "{cookie}");
        Browser {
            server,
            cookie,
            client,
        }
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        let r = self
            .client
            .get(self.server.url(path))
            .header("cookie", &self.cookie)
            .send()
            .unwrap();
        (r.status().as_u16(), r.text().unwrap())
    }

    pub fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let r = self
            .client
            .post(self.server.url(path))
            .header("cookie", &self.cookie)
            .form(form)
            .send()
            .unwrap();
        (r.status().as_u16(), r.text().unwrap())
    }

    /// The number the board shows for the `count` of `department` of `city`.
    pub fn board(&self, city: &str, department: &str, count: &str) -> String {
        let (status, html) = self.get("/ui/board?period=year");
        assert_eq!(status, 200, "{html}");
        let row = html
            .split("<tr ")
            .find(|r| {
                r.starts_with(&format!(
                    "data-department=\"{department}\" data-city=\"{city}\""
                ))
            })
            .unwrap_or_else(|| panic!("no row for {department} of {city}: {html}"));
        let at = row
            .find(&format!("data-count=\"{count}\""))
            .unwrap_or_else(|| panic!("no {count}"));
        let after = &row[at..];
        let text = &after[after.find('>').unwrap() + 1..];
        text[..text.find('<').unwrap()].to_owned()
    }

    /// How many cases the list a board number links to shows, over all its pages.
    pub fn listed(&self, query: &str) -> usize {
        self.listed_ids(query).len()
    }

    /// The ids of the cases the list shows, in order, following its 下一页 links to the
    /// end; each page has at most its `limit` rows.
    pub fn listed_ids(&self, query: &str) -> Vec<String> {
        let mut ids = Vec::new();
        let mut path = format!("/ui/cases?{query}");
        loop {
            let (status, html) = self.get(&path);
            assert_eq!(status, 200, "{path}: {html}");
            let rows: Vec<String> = html
                .split("<tr data-case=\"")
                .skip(1)
                .map(|r| r[..r.find('"').unwrap()].to_owned())
                .collect();
            let shown = html
                .split("data-count=\"listed\">")
                .nth(1)
                .and_then(|t| t[..t.find('<')?].parse::<usize>().ok());
            assert_eq!(shown, Some(rows.len()), "{path}: the page says its rows");
            ids.extend(rows);
            match html.split("rel=\"next\" href=\"").nth(1) {
                Some(rest) => path = rest[..rest.find('"').unwrap()].replace("&amp;", "&"),
                None => {
                    assert!(html.contains("data-end=\"true\""), "{path}: {html}");
                    return ids;
                }
            }
        }
    }

    /// The case ids of a CSV view, in its order (the header line aside).
    pub fn csv_ids(&self, query: &str) -> Vec<String> {
        let (status, csv) = self.get(&format!("/ui/cases.csv?{query}"));
        assert_eq!(status, 200, "{csv}");
        assert!(csv.starts_with('\u{feff}'), "UTF-8 with a BOM: {csv}");
        csv.lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_owned())
            .collect()
    }
}

fn set_cookie(r: &reqwest::blocking::Response) -> String {
    let v = r
        .headers()
        .get("set-cookie")
        .expect("a cookie")
        .to_str()
        .unwrap();
    v.split(';').next().unwrap().to_owned()
}

pub fn csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}
