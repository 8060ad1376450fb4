use chrono::NaiveDate;

/// Why a command was refused. Each variant names the article (or the rule) that forbids
/// it, so the message can be shown to the person who acted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("`{city}` offers no procedure `{procedure}`; it offers: {offered}")]
    UnknownProcedure {
        city: String,
        procedure: String,
        offered: String,
    },
    #[error(
        "the regulation ({document}) does not govern a case received on {received}: it is in force {window} ({article})"
    )]
    NotInForce {
        document: String,
        received: NaiveDate,
        window: String,
        article: String,
    },
    #[error("procedure `{procedure}` has no action `{action}`; its actions are: {offered}")]
    UnknownAction {
        procedure: String,
        action: String,
        offered: String,
    },
    #[error("`{action}` cannot be taken in state `{state}`; it can be taken in: {allowed}")]
    NotInThisState {
        action: String,
        state: String,
        allowed: String,
    },
    #[error("`{action}` is for the {allowed} ({article}); the actor holds {held}")]
    WrongRole {
        action: String,
        allowed: String,
        held: String,
        article: String,
    },
    #[error("{reason} ({article})")]
    OutOfScope { reason: String, article: String },
    #[error("`{field}` is required: {help}")]
    MissingField { field: String, help: String },
    #[error("`{field}` is invalid: {help}")]
    InvalidField { field: String, help: String },
    #[error("state `{state}` has no deadline that may be extended")]
    NothingToExtend { state: String },
    #[error(
        "an extension of {requested} working days would bring `{deadline}` to {total}, over the cap of {cap} ({article})"
    )]
    ExtensionOverCap {
        deadline: String,
        requested: u32,
        total: u32,
        cap: u32,
        article: String,
    },
    #[error(
        "`{deadline}` was originally due on {due}; an extension must be asked for and approved before the original deadline lapses ({article})"
    )]
    ExtensionAfterLapse {
        deadline: String,
        due: NaiveDate,
        article: String,
    },
    #[error("`{deadline}` already has an extension request waiting for approval")]
    ExtensionPending { deadline: String },
    #[error("no extension request is waiting for approval on this case")]
    NoPendingExtension,
    #[error("`{action}` may not be taken before {earliest} ({article}: 「{quote}」)")]
    TooEarly {
        action: String,
        earliest: NaiveDate,
        article: String,
        quote: String,
    },
    #[error("state `{state}` has no deadline whose period is set by an order")]
    NothingToSet { state: String },
    #[error("the period of `{deadline}` cannot be set so: {reason} ({article})")]
    PeriodOutOfBounds {
        deadline: String,
        reason: String,
        article: String,
    },
    #[error("`{deadline}` is {status}; its period can be set only while it runs ({article})")]
    PeriodClosed {
        deadline: String,
        status: String,
        article: String,
    },
    #[error("{message} ({article}: 「{quote}」)")]
    GuardRefused {
        message: String,
        article: String,
        quote: String,
    },
    #[error("the pack's guard could not decide: {0}")]
    GuardFailed(#[from] crate::GuardError),
    #[error("the case is closed in state `{state}`")]
    Closed { state: String },
    #[error(
        "`{action}` is a joint act and {taken}; every body must take it with the same decision ({article})"
    )]
    JointDisagreement {
        action: String,
        taken: String,
        article: String,
    },
    #[error("the data resource breaks the classification rules: {}", describe(.0))]
    Classification(Vec<govflow_model::Violation>),
}

fn describe(violations: &[govflow_model::Violation]) -> String {
    violations
        .iter()
        .map(|v| {
            format!(
                "{} (`{}` fails; {}: 「{}」)",
                v.description,
                v.fields.join("`, `"),
                v.article,
                v.quote
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

impl Refusal {
    /// A stable kind for the HTTP layer and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::UnknownProcedure { .. } => "unknown_procedure",
            Refusal::NotInForce { .. } => "not_in_force",
            Refusal::UnknownAction { .. } => "unknown_action",
            Refusal::NotInThisState { .. } => "not_in_this_state",
            Refusal::WrongRole { .. } => "wrong_role",
            Refusal::OutOfScope { .. } => "out_of_scope",
            Refusal::MissingField { .. } => "missing_field",
            Refusal::InvalidField { .. } => "invalid_field",
            Refusal::NothingToExtend { .. } => "nothing_to_extend",
            Refusal::ExtensionOverCap { .. } => "extension_over_cap",
            Refusal::ExtensionAfterLapse { .. } => "extension_after_lapse",
            Refusal::ExtensionPending { .. } => "extension_pending",
            Refusal::NoPendingExtension => "no_pending_extension",
            Refusal::TooEarly { .. } => "too_early",
            Refusal::NothingToSet { .. } => "nothing_to_set",
            Refusal::PeriodOutOfBounds { .. } => "period_out_of_bounds",
            Refusal::PeriodClosed { .. } => "period_closed",
            Refusal::GuardRefused { .. } => "guard_refused",
            Refusal::GuardFailed(_) => "guard_failed",
            Refusal::Closed { .. } => "closed",
            Refusal::Classification(_) => "classification",
            Refusal::JointDisagreement { .. } => "joint_disagreement",
        }
    }

    /// The articles the refusal names (none for a refusal that rests on no article, such
    /// as an unknown action).
    pub fn articles(&self) -> Vec<&str> {
        match self {
            Refusal::NotInForce { article, .. }
            | Refusal::WrongRole { article, .. }
            | Refusal::OutOfScope { article, .. }
            | Refusal::ExtensionOverCap { article, .. }
            | Refusal::ExtensionAfterLapse { article, .. }
            | Refusal::GuardRefused { article, .. } => vec![article.as_str()],
            Refusal::Classification(violations) => {
                violations.iter().map(|v| v.article.as_str()).collect()
            }
            _ => Vec::new(),
        }
    }

    /// Whether the actor is not allowed (403) rather than the request being wrong (422).
    pub fn is_forbidden(&self) -> bool {
        matches!(self, Refusal::WrongRole { .. } | Refusal::OutOfScope { .. })
    }
}
