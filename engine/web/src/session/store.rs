//! Signed-in sessions, kept in memory: a random session id (the cookie) → the actor its
//! bearer token speaks for and the session's CSRF token. A restart signs everyone out.

use govflow_model::Actor;
use rand::Rng;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Clone)]
pub struct Session {
    pub actor: Actor,
    /// Every form carries it; a POST without it changes nothing.
    pub csrf: String,
}

#[derive(Debug, Default)]
pub struct Sessions {
    by_id: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    /// A new session for `actor`; returns its id.
    pub fn open(&self, actor: Actor) -> String {
        let id = random();
        let session = Session {
            actor,
            csrf: random(),
        };
        self.lock().insert(id.clone(), session);
        id
    }

    pub fn get(&self, id: &str) -> Option<Session> {
        self.lock().get(id).cloned()
    }

    pub fn close(&self, id: &str) {
        self.lock().remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        // A panic while holding the lock leaves the map whole: every write is one insert
        // or remove.
        self.by_id.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// 32 random alphanumeric characters.
pub fn random() -> String {
    rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(32)
        .map(char::from)
        .collect()
}
