//! A procedure drawn as an SVG diagram, from its pack: states as boxes in layers by their
//! distance from the initial state, actions and lapses as labelled edges with their
//! articles. `graph` reads the procedure, `layout` places boxes and routes edges (pure
//! geometry), `svg` writes the markup.

mod graph;
mod layout;
mod svg;

pub use graph::Graph;
pub use svg::svg;
