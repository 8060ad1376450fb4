//! The supervision board (`/ui`, issue 11) over real HTTP: the real binary, a temp sled
//! directory, the simulated clock, the real packs; a browser-less client that keeps the
//! session cookie as a browser would.

mod board;
mod browser;
mod cities;
mod client;

use crate::support::server::Who;

/// The people both tests sign in as: two departments of 万州 and a citizen.
pub const POLICE: Who = Who {
    name: "police",
    city: "wanzhou",
    department: "区公安局",
    roles: &["provider"],
};
pub const CIVIL: Who = Who {
    name: "civil",
    city: "wanzhou",
    department: "区民政局",
    roles: &["provider"],
};
pub const CITIZEN: Who = Who {
    name: "citizen",
    city: "wanzhou",
    department: "",
    roles: &["applicant"],
};
