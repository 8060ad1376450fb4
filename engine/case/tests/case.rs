//! The case machine, one rule at a time: a command applied to a case of a real pack, and
//! the settled changes (cases, timer changes, events) or the refusal it gives.

mod case {
    mod act;
    mod anchor;
    mod children;
    mod extension;
    mod fire;
    mod open;
    mod period;
    mod properties;
    mod reach;
    mod support;
}
