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

    /// How many cases the list a board number links to shows.
    pub fn listed(&self, query: &str) -> usize {
        let (status, html) = self.get(&format!("/ui/cases?{query}"));
        assert_eq!(status, 200, "{html}");
        html.matches("<tr data-case=").count()
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
