//! A webhook destination on 127.0.0.1: answers each request as scripted (then 200), and
//! keeps every request it saw, headers and raw body, for the test to verify.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the receiver answers one request.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    Status(u16),
    /// 429 with `Retry-After: <seconds>`.
    TooMany(u64),
    /// Answers nothing for this long (longer than the server's timeout).
    Hang(Duration),
    /// 307 to `/elsewhere` on the receiver, which would record it if it were followed.
    Redirect,
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// What the receiver answered (0: nothing, it hung).
    pub answered: u16,
    pub at: Instant,
}

impl Received {
    pub fn id(&self) -> String {
        self.headers["webhook-id"].to_str().unwrap().to_owned()
    }

    pub fn event(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    pub fn seq(&self) -> u64 {
        self.event()["data"]["seq"].as_u64().expect("data.seq")
    }

    /// Verifies the delivery with the Standard Webhooks reference crate and `secret`.
    pub fn verify(&self, secret: &str) -> Result<(), standardwebhooks::WebhookError> {
        standardwebhooks::Webhook::new(secret)?.verify(&self.body, &self.headers)
    }
}

#[derive(Default)]
struct Shared {
    script: Mutex<VecDeque<Answer>>,
    /// What to answer once the script is used up; 200 unless set.
    otherwise: Mutex<Option<Answer>>,
    received: Mutex<Vec<Received>>,
}

pub struct Receiver {
    pub url: String,
    shared: Arc<Shared>,
    _runtime: tokio::runtime::Runtime,
}

impl Receiver {
    pub fn start() -> Receiver {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let shared = Arc::new(Shared::default());
        let app = axum::Router::new()
            .fallback(receive)
            .with_state(shared.clone());
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind the receiver");
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        runtime.spawn(async move { axum::serve(listener, app).await });
        Receiver {
            url,
            shared,
            _runtime: runtime,
        }
    }

    /// Answers the next requests so, in order.
    pub fn script(&self, answers: &[Answer]) {
        self.shared
            .script
            .lock()
            .unwrap()
            .extend(answers.iter().copied());
    }

    /// Answers every request after the script so (`None`: 200).
    pub fn otherwise(&self, answer: Option<Answer>) {
        *self.shared.otherwise.lock().unwrap() = answer;
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// The deliveries answered 2xx, in the order received.
    pub fn acknowledged(&self) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|r| (200..300).contains(&r.answered))
            .collect()
    }

    /// Waits (patiently) until `n` deliveries were acknowledged; returns them.
    pub fn wait_acknowledged(&self, n: usize) -> Vec<Received> {
        govflow_testkit::wait_for(
            Duration::from_secs(60),
            &format!("{n} acknowledged deliveries"),
            || Some(self.acknowledged()).filter(|a| a.len() >= n),
        )
    }
}

async fn receive(
    State(shared): State<Arc<Shared>>,
    uri: axum::http::Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let answer = shared
        .script
        .lock()
        .unwrap()
        .pop_front()
        .or(*shared.otherwise.lock().unwrap());
    let status = match answer {
        None => 200,
        Some(Answer::Status(s)) => s,
        Some(Answer::TooMany(_)) => 429,
        Some(Answer::Hang(_)) => 0,
        Some(Answer::Redirect) => 307,
    };
    shared.received.lock().unwrap().push(Received {
        path: uri.path().to_owned(),
        headers,
        body,
        answered: status,
        at: Instant::now(),
    });
    match answer {
        None => StatusCode::OK.into_response(),
        Some(Answer::Status(s)) => StatusCode::from_u16(s).unwrap().into_response(),
        Some(Answer::TooMany(secs)) => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", secs.to_string())],
        )
            .into_response(),
        Some(Answer::Redirect) => {
            (StatusCode::TEMPORARY_REDIRECT, [("location", "/elsewhere")]).into_response()
        }
        Some(Answer::Hang(d)) => {
            tokio::time::sleep(d).await;
            StatusCode::OK.into_response()
        }
    }
}
