//! String identifiers, one type per kind so a state id can never be passed where a role id
//! is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_owned())
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
    };
}

string_id!(
    /// A canonical city id (`wanzhou`, `liaocheng`, …).
    CityId
);
string_id!(
    /// A canonical procedure id (`data_verification`, `objection`, …).
    ProcedureId
);
string_id!(
    /// A state of a procedure's state machine.
    StateId
);
string_id!(
    /// An action a role takes on a case (`reply`, `forward`, …).
    ActionId
);
string_id!(
    /// A canonical role (`provider`, `principal`, `authority`, …).
    RoleId
);
string_id!(
    /// A deadline's name, unique within its procedure.
    DeadlineId
);
string_id!(
    /// A case's id.
    CaseId
);
