//! Which cases a person sees. The city is the API's rule ([`govflow_api::Caller`]); within
//! it, a person whose roles reach only their department's cases (the vocabulary's
//! `Reach::Department`, as for acting) or their own (`Reach::Opener`) sees only those,
//! while a role reaching the city (监管部门) sees all of the city's.

use govflow_api::Caller;
use govflow_model::{Actor, Case, Reach};

pub fn may_see(actor: &Actor, case: &Case) -> bool {
    if Caller(actor.clone()).require_city(&case.city).is_err() {
        return false;
    }
    if actor.reaches(Reach::Everything) || actor.reaches(Reach::City) {
        return true;
    }
    let own_department = !actor.department.is_empty()
        && (case.provider.as_deref() == Some(actor.department.as_str())
            || case.opened_by.department == actor.department);
    own_department || case.opened_by.actor == actor.id
}
