//! Pack guards in a rhai sandbox.
//!
//! The engine is built with [`Engine::new_raw`] and only the pure packages a guard needs
//! (no time, no IO, no modules, no `eval`), with limits on operations, call depth, string,
//! array and map sizes. Every script is compiled once when its pack loads, so a syntax
//! error is a pack diagnostic rather than a failure at request time. A guard script sees
//! `this_case` (`case` is a reserved word in rhai), `action`, `data` and `actor`, and must evaluate to `true` or `false`.

mod sandbox;

pub use sandbox::{CompileError, Scripts, Source};
