//! The flags every command that samples shares: how many runs, the seed and
//! the worker threads, with one help text and one range check each.

use clap::builder::RangedU64ValueParser;
use warmshell::montecarlo::McOptions;

/// More runs than anyone needs on one machine; a typo guard.
pub const MAX_RUNS: u64 = 100_000_000;

/// `--seed` and `--threads`, flattened into a command's flags.
#[derive(clap::Args, Clone, Copy, Debug)]
pub struct Sampling {
    /// Seed of every random stream; the same seed gives the same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores); the results do not depend on it.
    #[arg(long, value_parser = RangedU64ValueParser::<usize>::new().range(1..=1024))]
    pub threads: Option<usize>,
}

impl Sampling {
    /// The threads asked for, or all cores.
    pub fn threads(self) -> usize {
        self.threads.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        })
    }

    /// Options for `runs` Monte Carlo runs.
    pub fn options(self, runs: u64) -> McOptions {
        McOptions {
            runs,
            seed: self.seed,
            threads: self.threads(),
        }
    }
}

/// A run count from 1 to `max`: clap rejects anything else with exit code 2,
/// before the scenario is read.
pub fn runs_up_to(max: u64) -> RangedU64ValueParser<u64> {
    RangedU64ValueParser::new().range(1..=max)
}
