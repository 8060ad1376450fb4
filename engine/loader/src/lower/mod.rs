//! Lowering: raw documents → the validated model. Every reference is resolved here, and
//! every problem is collected rather than stopping at the first.

mod basis;
mod pack;
pub(crate) mod parts;
mod procedure;

pub(crate) use basis::Sink;
pub(crate) use pack::lower_pack;
