//! [`Lead`]: one role held by one process of a cluster, asked of the store no more often
//! than needed.

use crate::{Error, Store};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A role this process may hold for the cluster (see [`Store::lead`]), with the last
/// answer kept for a quarter of the lease: the holder renews three times before its lease
/// could pass, and the others ask again as often, taking the role within a lease and a
/// quarter of its holder's death.
pub struct Lead {
    role: &'static str,
    lease: Duration,
    last: Mutex<Option<(Instant, bool)>>,
}

impl Lead {
    pub const fn new(role: &'static str, lease: Duration) -> Lead {
        Lead {
            role,
            lease,
            last: Mutex::new(None),
        }
    }

    /// Whether this process holds the role now, asking the store when the last answer
    /// is a quarter of a lease old. A change is logged.
    pub fn holds(&self, store: &dyn Store) -> Result<bool, Error> {
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((asked, held)) = *last {
            if asked.elapsed() < self.lease / 4 {
                return Ok(held);
            }
        }
        let asked = Instant::now();
        let held = match store.lead(self.role, self.lease) {
            Ok(held) => held,
            Err(e) => {
                *last = None;
                return Err(e);
            }
        };
        let before = last.map(|(_, h)| h);
        if before != Some(held) {
            if held {
                tracing::info!(
                    role = self.role,
                    "this node now leads the role for the cluster"
                );
            } else if before == Some(true) {
                tracing::warn!(
                    role = self.role,
                    "this node no longer leads the role; another node took it"
                );
            }
        }
        *last = Some((asked, held));
        Ok(held)
    }

    /// The last answer, without asking: whether this process held the role then.
    pub fn held(&self) -> bool {
        self.last
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some_and(|(_, held)| held)
    }

    pub fn role(&self) -> &'static str {
        self.role
    }
}

/// `govflow_leads{role="…"}` for each of `leads`: 1 where this process held the role at
/// its last ask, in the Prometheus text format.
pub fn render_leads(leads: &[&Lead], out: &mut String) {
    use std::fmt::Write;
    let name = "govflow_leads";
    let _ = writeln!(
        out,
        "# HELP {name} Whether this node leads the role for the cluster (1) or another node does (0).\n# TYPE {name} gauge"
    );
    for lead in leads {
        let _ = writeln!(
            out,
            "{name}{{role=\"{}\"}} {}",
            lead.role,
            u8::from(lead.held())
        );
    }
}
