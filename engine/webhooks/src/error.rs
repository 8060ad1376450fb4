#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The destination is not on the server's allow-list (or not a URL).
    #[error("{0}")]
    DestinationNotAllowed(String),
    #[error("`{field}`: {message}")]
    InvalidField { field: String, message: String },
    #[error("no subscription `{0}`")]
    NotFound(String),
    /// Concurrent writes kept winning over this one.
    #[error("subscription `{0}` is being changed by another request; try again")]
    Busy(String),
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    #[error(transparent)]
    Store(#[from] govflow_store::Error),
}
