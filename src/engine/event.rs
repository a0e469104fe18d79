//! What happens in a simulation: scheduled events, and the log a planner reads.

use serde::Serialize;

use crate::scenario::Day;

/// Identifies a cohort of racks that move through the stages together.
pub type CohortId = u64;

/// An event on the queue. Each value is unique while pending, so a burn-in
/// can be cancelled by its cohort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    TaskStart(usize),
    TaskFinish(usize),
    HallReady(usize),
    PowerOn(usize),
    PowerOff(usize),
    OrderPlaced(usize),
    /// The `batch`-th weekly delivery of an order (0-based).
    Delivery {
        order: usize,
        batch: u32,
    },
    InstallDone(CohortId),
    BurnInDone(CohortId),
}

/// Why a rack is dark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DarkReason {
    /// Waiting to install, and no ready hall has room for it.
    Shell,
    /// Waiting for a crew, or being installed.
    Crew,
    /// Installed, waiting for facility power.
    Power,
    /// Energized, burning in.
    BurnIn,
}

impl DarkReason {
    pub const ALL: [DarkReason; 4] = [
        DarkReason::Shell,
        DarkReason::Crew,
        DarkReason::Power,
        DarkReason::BurnIn,
    ];

    /// In words, for people.
    pub fn label(self) -> &'static str {
        match self {
            DarkReason::BurnIn => "burn-in",
            other => other.as_str(),
        }
    }

    /// As in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            DarkReason::Shell => "shell",
            DarkReason::Crew => "crew",
            DarkReason::Power => "power",
            DarkReason::BurnIn => "burn_in",
        }
    }
}

/// A range of racks of one order, for the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Racks {
    pub order: String,
    /// Rack numbers within the order, 1-based and inclusive.
    pub first: u32,
    pub last: u32,
}

/// One line of the event log (`run --events FILE`): what changed, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Happening {
    TaskStart {
        task: String,
    },
    TaskFinish {
        task: String,
    },
    HallReady {
        hall: String,
    },
    PowerOn {
        source: String,
        mw: String,
    },
    PowerOff {
        source: String,
        mw: String,
    },
    OrderPlaced {
        order: String,
    },
    Delivered {
        #[serde(flatten)]
        racks: Racks,
    },
    InstallStart {
        #[serde(flatten)]
        racks: Racks,
        hall: String,
    },
    Installed {
        #[serde(flatten)]
        racks: Racks,
    },
    Energized {
        #[serde(flatten)]
        racks: Racks,
    },
    /// Switched off because facility power fell below the draw.
    Shed {
        #[serde(flatten)]
        racks: Racks,
    },
    Earning {
        #[serde(flatten)]
        racks: Racks,
    },
    /// The head of a queue cannot move, and why; logged when the reason changes.
    Blocked {
        stage: &'static str,
        #[serde(flatten)]
        racks: Racks,
        reason: DarkReason,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogEntry {
    pub day: Day,
    #[serde(flatten)]
    pub what: Happening,
}
