//! Run-by-run access to Monte Carlo samples, for questions the aggregates
//! cannot answer: the distribution of a *difference* between two scenarios
//! (common random numbers), or the expected NPV of one candidate decision.
//!
//! Streams are keyed by (seed, what a quantity is, run index), so two
//! scenarios sampled with the same seed draw the same numbers for every task,
//! lead time and rival they share: comparing them run by run cancels the
//! noise they have in common.

use std::ops::Range;

use rayon::prelude::*;

use super::Plan;
use crate::economics::Economics;
use crate::engine::{Draw, SiteRun};
use crate::scenario::Scenario;

/// One sampled and simulated run.
pub struct SampledRun {
    /// The run index (its random streams are keyed by it).
    pub run: u64,
    /// Each site's sampled durations, in site order.
    pub draws: Vec<Draw>,
    /// Each site's simulation, in site order.
    pub sites: Vec<SiteRun>,
    pub economics: Economics,
}

/// Samples and simulates runs `runs` of `scenario` with `seed`, maps each with
/// `f`, and returns the results in run order, whatever the thread count.
pub fn map_runs<T, F>(
    scenario: &Scenario,
    seed: u64,
    runs: Range<u64>,
    threads: usize,
    f: F,
) -> Result<Vec<T>, rayon::ThreadPoolBuildError>
where
    T: Send,
    F: Fn(&SampledRun) -> T + Sync,
{
    let plan = Plan::new(scenario, seed);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()?;
    Ok(pool.install(|| {
        runs.into_par_iter()
            .map(|run| f(&plan.sample(run)))
            .collect()
    }))
}
