//! The supervision board (`/ui`, issue 11) over real HTTP: the real binary, a temp sled
//! directory, the simulated clock, the real packs; a browser-less client that keeps the
//! session cookie as a browser would.

mod board;
mod browser;
mod cities;
mod client;
mod extensions;
mod list;
mod packs;

use crate::support::server::Who;

/// The people the tests sign in as: departments of 万州, the head of one, the bureau, a
/// citizen.
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
/// The 区公安局's 主要负责人: approves its extensions.
pub const POLICE_HEAD: Who = Who {
    name: "police_head",
    city: "wanzhou",
    department: "区公安局",
    roles: &["principal"],
};
/// The 区大数据发展局: orders rectifications and sets their periods.
pub const BUREAU: Who = Who {
    name: "bureau",
    city: "wanzhou",
    department: "区大数据发展局",
    roles: &["authority"],
};
pub const CITIZEN: Who = Who {
    name: "citizen",
    city: "wanzhou",
    department: "",
    roles: &["applicant"],
};
