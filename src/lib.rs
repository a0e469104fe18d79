//! warmshell: a discrete-event simulator of AI data-center build-out.
//!
//! Data flows one way: files -> [`scenario`] (checked model) -> [`graph`]
//! (task schedules) -> [`engine`] (racks, halls, power, day by day) ->
//! [`timeline`] (results in dates) -> [`report`] (summary, JSON, CSV).
//! Only `scenario::load` and `report::write*` touch the file system.

pub mod diagnostic;
pub mod economics;
pub mod engine;
pub mod generate;
pub mod graph;
pub mod montecarlo;
pub mod report;
pub mod scenario;
pub mod timeline;

pub use diagnostic::{Diagnostic, Diagnostics};
pub use scenario::{LoadError, Scenario, load_dir};
pub use timeline::Timeline;
