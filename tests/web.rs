//! The supervision board (`/ui`, issue 11) over real HTTP: the real binary, a temp sled
//! directory, the simulated clock, the real packs; a browser-less client that keeps the
//! session cookie as a browser would.

mod board;
mod browser;
