//! Lowering: raw documents → the validated model. Every reference is resolved here, and
//! every problem is collected rather than stopping at the first.

mod pack;
pub(crate) mod parts;
mod procedure;
mod sink;

pub(crate) use pack::lower_pack;
pub(crate) use sink::Sink;
