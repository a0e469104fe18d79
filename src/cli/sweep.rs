//! `warmshell sweep`: one lever over a range, and the outcome curve.

use std::path::PathBuf;
use std::process::ExitCode;

use warmshell::Scenario;

use super::load;

#[derive(clap::Args)]
pub struct Args {
    #[arg(default_value = "sites")]
    pub dir: PathBuf,
    /// What to vary, KIND:SITE[/ID]: energization:SITE, power:SITE/SOURCE,
    /// task:SITE/TASK (finish), task-start:SITE/TASK, duration:SITE/TASK (factor),
    /// order-date:SITE/ORDER, order-racks:SITE/ORDER, order-generation:SITE/ORDER.
    #[arg(long)]
    pub lever: Option<String>,
    /// First value: a signed duration (-6mo), a date (order-date), a factor or racks.
    #[arg(long, allow_hyphen_values = true)]
    pub from: Option<String>,
    /// Last value (inclusive).
    #[arg(long, allow_hyphen_values = true)]
    pub to: Option<String>,
    /// Step between values (a duration such as 1mo, a factor, or racks).
    #[arg(long)]
    pub step: Option<String>,
    /// Explicit values instead of a range, comma-separated (e.g. GB300,Rubin).
    #[arg(long, value_delimiter = ',', allow_hyphen_values = true)]
    pub values: Vec<String>,
    /// Write sweep.csv and sweep.svg into this folder.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl Args {
    pub fn run(self) -> ExitCode {
        let Args {
            dir,
            lever,
            from,
            to,
            step,
            values,
            out,
        } = self;
        let Some(scenario) = load(&dir) else {
            return ExitCode::from(2);
        };
        let range = SweepRange {
            from,
            to,
            step,
            values,
        };
        let sweeps = match build_sweeps(&scenario, lever.as_deref(), &range) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        use warmshell::sweep::{csv, render, svg};
        super::write_chart_and_print(
            out.as_deref(),
            "sweep",
            || (csv(&scenario, &sweeps), svg(&scenario, &sweeps)),
            render(&scenario, &sweeps),
        )
    }
}

/// The range flags of `sweep`.
struct SweepRange {
    from: Option<String>,
    to: Option<String>,
    step: Option<String>,
    values: Vec<String>,
}

/// One sweep for the named lever, or (without one) one energization sweep per site with power.
fn build_sweeps(
    scenario: &Scenario,
    lever: Option<&str>,
    r: &SweepRange,
) -> Result<Vec<warmshell::sweep::Sweep>, warmshell::lever::LeverError> {
    use warmshell::lever::{self, Lever};
    let levers: Vec<Lever> = match lever {
        Some(spec) => vec![Lever::parse(scenario, spec)?],
        None => (0..scenario.sites.len())
            .filter(|&s| !scenario.sites[s].power.is_empty())
            .map(|site| Lever::Energization { site })
            .collect(),
    };
    if levers.is_empty() {
        return Err(lever::LeverError(
            "no site has power sources to shift; name a lever with --lever".into(),
        ));
    }
    levers
        .into_iter()
        .map(|l| {
            let values = lever::values(
                scenario,
                &l,
                r.from.as_deref(),
                r.to.as_deref(),
                r.step.as_deref(),
                &r.values,
            )?;
            warmshell::sweep::run(scenario, l, &values)
        })
        .collect()
}
