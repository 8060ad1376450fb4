//! The server's webhook configuration (`govflow serve --webhooks FILE`): which destinations
//! may be subscribed, how often a failed delivery is retried, how long one attempt may
//! take, how long a rotated-out secret keeps signing.
//!
//! ```yaml
//! allow: ["http://127.0.0.1:*", "https://*.gov.cn"]
//! retry: [5s, 30s, 2m, 10m, 1h, 4h]   # the wait after the 1st, 2nd, … failure
//! timeout: 10s
//! rotation_window: 24h
//! ```
//!
//! An allow-list entry is `scheme://host[:port]`: the host either exact or `*.domain` (any
//! name below `domain`, not `domain` itself), the port a number or `*`, absent meaning the
//! scheme's default. Only the origin is matched; any path is allowed below it.

use serde::Deserialize;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyDoc {
    allow: Vec<String>,
    #[serde(default)]
    retry: Option<Vec<String>>,
    #[serde(default)]
    timeout: Option<String>,
    #[serde(default)]
    rotation_window: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub allow: Vec<Origin>,
    /// The wait after each failure; once all are used, the subscription is parked.
    pub retry: Vec<Duration>,
    /// The longest one attempt may take, connecting and answering.
    pub timeout: Duration,
    /// How long a rotated-out secret keeps signing beside the new one.
    pub rotation_window: Duration,
}

/// One allow-list entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    scheme: String,
    host: Host,
    /// `None`: any port.
    port: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Host {
    Exact(String),
    /// `*.gov.cn`: the suffix `.gov.cn`.
    Below(String),
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read the webhooks file `{path}`: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// Svix's schedule, shortened to a day: a receiver down for a few hours catches up.
const DEFAULT_RETRY: [u64; 7] = [5, 300, 1800, 7200, 18000, 36000, 36000];
/// The longest wait a destination's `Retry-After` is followed for.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(3600);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
const DEFAULT_ROTATION_WINDOW: Duration = Duration::from_secs(24 * 3600);

impl Policy {
    pub fn load(path: &Path) -> Result<Policy, Error> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
            path: shown.clone(),
            source,
        })?;
        Policy::parse(&text).map_err(|message| Error::Invalid {
            path: shown,
            message,
        })
    }

    /// The policy a YAML text describes; the message names the field that is wrong.
    pub fn parse(text: &str) -> Result<Policy, String> {
        let doc: PolicyDoc = serde_yaml::from_str(text).map_err(|e| e.to_string())?;
        let allow = doc
            .allow
            .iter()
            .enumerate()
            .map(|(i, entry)| Origin::parse(entry).map_err(|m| format!("allow[{i}]: {m}")))
            .collect::<Result<Vec<_>, _>>()?;
        let retry = match doc.retry {
            None => DEFAULT_RETRY
                .iter()
                .map(|s| Duration::from_secs(*s))
                .collect(),
            Some(list) => list
                .iter()
                .enumerate()
                .map(|(i, d)| duration(d).map_err(|m| format!("retry[{i}]: {m}")))
                .collect::<Result<Vec<_>, _>>()?,
        };
        let optional = |field: &str, value: Option<String>, default: Duration| match value {
            None => Ok(default),
            Some(text) => duration(&text).map_err(|m| format!("{field}: {m}")),
        };
        let timeout = optional("timeout", doc.timeout, DEFAULT_TIMEOUT)?;
        if timeout.is_zero() {
            return Err("timeout: must be more than zero".into());
        }
        Ok(Policy {
            allow,
            retry,
            timeout,
            rotation_window: optional(
                "rotation_window",
                doc.rotation_window,
                DEFAULT_ROTATION_WINDOW,
            )?,
        })
    }

    /// Why `url` may not be subscribed, or `Ok` when an entry allows it.
    pub fn check(&self, url: &str) -> Result<(), String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("`{url}` is not a URL: {e}"))?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(format!(
                "`{url}` carries credentials; the signature authenticates deliveries"
            ));
        }
        if self.allow.iter().any(|o| o.allows(&parsed)) {
            Ok(())
        } else {
            let allowed: Vec<String> = self.allow.iter().map(ToString::to_string).collect();
            Err(format!(
                "`{url}` is not on the server's allow-list ({})",
                if allowed.is_empty() {
                    "empty".to_owned()
                } else {
                    allowed.join(", ")
                }
            ))
        }
    }

    /// The wait after failure number `attempts` (1 for the first); `None` once the
    /// schedule is used up.
    pub fn backoff(&self, attempts: u32) -> Option<Duration> {
        let i = usize::try_from(attempts).ok()?.checked_sub(1)?;
        self.retry.get(i).copied()
    }
}

impl Origin {
    fn parse(entry: &str) -> Result<Origin, String> {
        let (scheme, rest) = entry
            .split_once("://")
            .ok_or_else(|| format!("`{entry}` is not `scheme://host[:port]`"))?;
        if scheme != "http" && scheme != "https" {
            return Err(format!("`{entry}`: the scheme must be `http` or `https`"));
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains('/') {
            return Err(format!(
                "`{entry}`: write an origin (`scheme://host[:port]`), without a path"
            ));
        }
        let (host, port) =
            match rest.rsplit_once(':') {
                Some((host, "*")) => (host, None),
                Some((host, port)) => (
                    host,
                    Some(port.parse::<u16>().map_err(|_| {
                        format!("`{entry}`: the port `{port}` is not a number or `*`")
                    })?),
                ),
                None => (rest, Some(if scheme == "https" { 443 } else { 80 })),
            };
        let host = host.to_ascii_lowercase();
        let host = match host.strip_prefix("*.") {
            Some(domain) if !domain.is_empty() && !domain.contains('*') => {
                Host::Below(format!(".{domain}"))
            }
            _ if host.is_empty() || host.contains('*') => {
                return Err(format!(
                    "`{entry}`: the host must be a name, an address or `*.domain`"
                ))
            }
            _ => Host::Exact(host),
        };
        Ok(Origin {
            scheme: scheme.to_owned(),
            host,
            port,
        })
    }

    fn allows(&self, url: &reqwest::Url) -> bool {
        let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
            return false;
        };
        url.scheme() == self.scheme
            && match &self.host {
                Host::Exact(h) => &host == h,
                Host::Below(suffix) => host.ends_with(suffix.as_str()),
            }
            && self
                .port
                .is_none_or(|p| url.port_or_known_default() == Some(p))
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let host = match &self.host {
            Host::Exact(h) => h.clone(),
            Host::Below(suffix) => format!("*{suffix}"),
        };
        match self.port {
            Some(port) => write!(f, "{}://{host}:{port}", self.scheme),
            None => write!(f, "{}://{host}:*", self.scheme),
        }
    }
}

/// `250ms`, `5s`, `2m`, `1h`.
fn duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration like `250ms`, `5s`, `2m` or `1h`"))?;
    let secs = |factor: u64| Duration::from_secs(n.saturating_mul(factor));
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(secs(1)),
        "m" => Ok(secs(60)),
        "h" => Ok(secs(3600)),
        _ => Err(format!(
            "`{text}` is not a duration like `250ms`, `5s`, `2m` or `1h`"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(allow: &str) -> Policy {
        Policy::parse(&format!("allow: {allow}")).unwrap()
    }

    #[test]
    fn the_allow_list_matches_origins() {
        let p =
            policy(r#"["http://127.0.0.1:*", "https://*.gov.cn", "http://hooks.example:8080"]"#);
        for ok in [
            "http://127.0.0.1:4000/hook",
            "http://127.0.0.1/x",
            "https://data.wanzhou.gov.cn/webhooks",
            "https://A.GOV.CN",
            "http://hooks.example:8080/",
        ] {
            assert_eq!(p.check(ok), Ok(()), "{ok}");
        }
        for refused in [
            "https://127.0.0.1:4000/hook",
            "http://169.254.169.254/latest/meta-data",
            "https://gov.cn/",
            "https://evilgov.cn/",
            "https://x.gov.cn:8443/",
            "http://x.gov.cn/",
            "http://hooks.example/",
            "http://user:pw@127.0.0.1:4000/",
            "not a url",
        ] {
            assert!(p.check(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn a_bad_entry_or_duration_is_named() {
        let err = Policy::parse("allow: [\"ftp://x\"]").unwrap_err();
        assert!(err.contains("allow[0]"), "{err}");
        let err = Policy::parse("allow: []\nretry: [5s, soon]").unwrap_err();
        assert!(err.contains("retry[1]") && err.contains("`soon`"), "{err}");
        let err = Policy::parse("allow: []\ntimeuot: 5s").unwrap_err();
        assert!(err.contains("timeuot"), "{err}");
    }

    #[test]
    fn backoff_follows_the_schedule_then_gives_up() {
        let p = Policy::parse("allow: []\nretry: [250ms, 2s, 1m]\ntimeout: 1s").unwrap();
        assert_eq!(p.backoff(1), Some(Duration::from_millis(250)));
        assert_eq!(p.backoff(3), Some(Duration::from_secs(60)));
        assert_eq!(p.backoff(4), None);
        assert_eq!(p.timeout, Duration::from_secs(1));
    }
}
