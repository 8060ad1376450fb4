//! Where each page is.

pub const SIGN_IN: &str = "/ui/sign-in";
pub const SIGN_OUT: &str = "/ui/sign-out";
pub const BOARD: &str = "/ui/board";
pub const CASES: &str = "/ui/cases";
pub const CASES_CSV: &str = "/ui/cases.csv";
pub const SUPERVISION: &str = "/ui/supervision";
pub const PACKS: &str = "/ui/packs";

pub fn case(id: &str) -> String {
    format!("{CASES}/{id}")
}

pub fn pack(city: &str) -> String {
    format!("{PACKS}/{city}")
}
