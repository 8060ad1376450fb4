pub mod admin;
pub mod batch;
pub mod cases;
pub mod events;
pub mod explain;
pub mod ops;
pub mod packs;
pub mod subscriptions;
