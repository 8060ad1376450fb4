//! What every handler shares: the runtime, the tokens, the response counts, the webhook
//! service, and the limits
//! the router puts on each request.

use crate::auth::Tokens;
use crate::responses::Responses;
use govflow_runtime::Runtime;
use govflow_webhooks::Webhooks;
use std::sync::Arc;
use std::time::Duration;

/// The largest request body accepted (64 KiB): a case's data is small.
pub const BODY_LIMIT: usize = 64 * 1024;
/// The longest a request may run; moving the simulated clock across years is the slowest.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Clone)]
pub struct AppState {
    pub runtime: Runtime,
    pub tokens: Arc<Tokens>,
    pub(crate) responses: Arc<Responses>,
    /// The webhook service, when the server was started with `--webhooks`.
    pub webhooks: Option<Arc<Webhooks>>,
}

impl AppState {
    pub fn new(runtime: Runtime, tokens: Tokens) -> AppState {
        AppState {
            runtime,
            tokens: Arc::new(tokens),
            responses: Arc::default(),
            webhooks: None,
        }
    }

    /// Serves webhook subscriptions through `webhooks`.
    pub fn with_webhooks(mut self, webhooks: Arc<Webhooks>) -> AppState {
        self.webhooks = Some(webhooks);
        self
    }
}
