//! warmshell: a discrete-event simulator of AI data-center build-out.
//!
//! Data flows one way: files -> [`scenario`] (checked model) -> [`graph`]
//! (task schedules) -> [`engine`] (racks, halls, power, day by day) ->
//! [`timeline`] (results) -> [`report`] (summary, JSON, CSV). Only
//! `scenario::load` and `report::write` touch the file system.

pub mod diagnostic;
pub mod graph;
pub mod scenario;
