//! Which cases a person sees: the API's rule ([`govflow_api::Caller::sees`]), so a page
//! never shows what the API would refuse, nor hides what it would give.

use govflow_api::Caller;
use govflow_model::{Actor, Case};

pub fn may_see(actor: &Actor, case: &Case) -> bool {
    Caller(actor.clone()).sees(case)
}
