//! `warmshell advise`: the best order date (and generation) for each GPU order.

use std::path::PathBuf;
use std::process::ExitCode;

use warmshell::Scenario;

use super::load;
use super::sampling::{MAX_RUNS, Sampling, runs_up_to};

#[derive(clap::Args)]
pub struct Args {
    #[arg(default_value = "sites")]
    pub dir: PathBuf,
    /// Advise on this order only (SITE/ORDER); repeatable. Default: every order.
    #[arg(long = "order", value_name = "SITE/ORDER")]
    pub orders: Vec<String>,
    /// What to optimize.
    #[arg(long, default_value = "npv", value_parser = ["npv", "dark"])]
    pub objective: String,
    /// Also try other generations: bare, the order's own and every later one;
    /// or a list, --generations=GB300,Rubin.
    #[arg(long, num_args = 0.., value_delimiter = ',', require_equals = true)]
    pub generations: Option<Vec<String>>,
    /// Judge each candidate over N Monte Carlo runs (the same runs for all).
    #[arg(long, value_name = "N", value_parser = runs_up_to(MAX_RUNS))]
    pub mc: Option<u64>,
    /// With --mc: mean, or a percentile such as p10 (cautious), p50, p90.
    #[arg(long)]
    pub stat: Option<String>,
    #[command(flatten)]
    pub sampling: Sampling,
    /// Write advise.csv and advise.svg into this folder.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl Args {
    pub fn run(self) -> ExitCode {
        let Some(scenario) = load(&self.dir) else {
            return ExitCode::from(2);
        };
        let advice = match advise_options(&scenario, &self)
            .and_then(|o| warmshell::advise::advise(&scenario, &o))
        {
            Ok(a) => a,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        use warmshell::advise::{csv, render, svg};
        super::write_chart_and_print(
            self.out.as_deref(),
            "advise",
            || (csv(&scenario, &advice), svg(&scenario, &advice)),
            render(&scenario, &advice),
        )
    }
}

/// The flags checked against the scenario: orders and generations resolved.
fn advise_options(
    scenario: &Scenario,
    r: &Args,
) -> Result<warmshell::advise::Options, warmshell::lever::LeverError> {
    use warmshell::advise::{self, Objective, Stat};
    use warmshell::lever::LeverError;
    let orders = r
        .orders
        .iter()
        .map(|o| advise::parse_order(scenario, o))
        .collect::<Result<Vec<_>, _>>()?;
    let generations = r
        .generations
        .as_ref()
        .map(|names| {
            names
                .iter()
                .filter(|n| !n.is_empty())
                .map(|n| {
                    scenario.market.generation(n).ok_or_else(|| {
                        let all = scenario.market.generations.iter().map(|g| g.name.as_str());
                        let hint = warmshell::diagnostic::did_you_mean(n, all.clone())
                            .unwrap_or_else(|| {
                                format!("generations: {}", all.collect::<Vec<_>>().join(", "))
                            });
                        LeverError(format!("no generation `{n}`; {hint}"))
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?;
    let mc = match (r.mc, &r.stat) {
        (None, Some(_)) => return Err(LeverError("--stat needs --mc N".into())),
        (None, None) => None,
        (Some(n), stat) => Some(advise::Mc {
            runs: n,
            seed: r.sampling.seed,
            threads: r.sampling.threads(),
            stat: Stat::parse(stat.as_deref().unwrap_or("mean"))?,
        }),
    };
    Ok(advise::Options {
        orders,
        objective: if r.objective == "dark" {
            Objective::Dark
        } else {
            Objective::Npv
        },
        generations,
        mc,
    })
}
