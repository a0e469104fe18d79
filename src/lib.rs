//! warmshell: a discrete-event simulator of AI data-center build-out.
//!
//! Data flows one way: files -> [`scenario`] (checked model) -> [`graph`]
//! (task schedules) -> [`engine`] (racks, halls, power, day by day) ->
//! [`timeline`] (results in dates) -> [`report`] (summary, JSON, CSV).
//! Only `scenario::load` and `report::write*` touch the file system.

pub mod advise;
pub mod compare;
pub mod diagnostic;
pub mod economics;
pub mod engine;
pub mod export;
pub mod generate;
pub mod graph;
pub mod lever;
pub mod montecarlo;
pub mod report;
pub mod scenario;
pub mod schema;
pub mod sweep;
pub mod timeline;
pub mod variant;
pub mod verify;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use scenario::{LoadError, Scenario, load_dir};
pub use timeline::Timeline;
