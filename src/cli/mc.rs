//! `warmshell mc`: a Monte Carlo on this machine, or one shard of it (`--shard`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use warmshell::{Scenario, report};

use super::load;
use super::sampling::{MAX_RUNS, Sampling, runs_up_to};
use warmshell::montecarlo::shard::{self, ShardSpec};

#[derive(clap::Args)]
pub struct Args {
    #[arg(default_value = "sites")]
    pub dir: PathBuf,
    /// Number of runs.
    #[arg(short = 'n', long = "runs", default_value_t = 1000, value_parser = runs_up_to(MAX_RUNS))]
    pub runs: u64,
    #[command(flatten)]
    pub sampling: Sampling,
    /// Write mc.json into this folder (with --shard: the shard file).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Run only shard I of N (a contiguous block of the runs) and write
    /// OUT/shard-I-of-N.json for `merge`; `auto/N` takes I from
    /// SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX.
    #[arg(long, value_name = "I/N", value_parser = ShardSpec::parse)]
    pub shard: Option<ShardSpec>,
}

impl Args {
    pub fn run(self) -> ExitCode {
        let Args {
            dir,
            runs,
            sampling,
            out,
            shard,
        } = self;
        let Some(scenario) = load(&dir) else {
            return ExitCode::from(2);
        };
        let options = sampling.options(runs);
        if let Some(spec) = shard {
            // Drawn on stderr only when it is a terminal.
            let bar = indicatif::ProgressBar::new(runs);
            return mc_shard(&dir, &scenario, options, spec, out.as_deref(), &bar);
        }
        let result = match super::monte_carlo(&scenario, options) {
            Ok(r) => r,
            Err(code) => return code,
        };
        if let Some(dir) = out
            && let Err(e) = write_mc_json(&dir, &result)
        {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
        print!("{}", report::mc::render(&result));
        ExitCode::SUCCESS
    }
}

/// `mc.json`, written atomically; `mc` and `merge` share it so their bytes agree.
pub fn write_mc_json(dir: &Path, result: &warmshell::montecarlo::McResult) -> std::io::Result<()> {
    let mut bytes = serde_json::to_vec_pretty(result).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    report::write(
        dir,
        &[report::Artifact {
            name: "mc.json".into(),
            bytes,
        }],
    )
}

/// `mc --shard`: runs one block of the runs and writes its shard file into `out`.
fn mc_shard(
    dir: &Path,
    scenario: &Scenario,
    options: warmshell::montecarlo::McOptions,
    spec: ShardSpec,
    out: Option<&Path>,
    bar: &indicatif::ProgressBar,
) -> ExitCode {
    let Some(out) = out else {
        eprintln!("error: --shard needs --out FOLDER, where the shard file is written");
        return ExitCode::from(2);
    };
    let shard = match spec.resolve(|var| std::env::var(var).ok()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let hash = match shard::scenario_hash(dir, scenario) {
        Ok(h) => h,
        Err(e) => {
            eprintln!(
                "error: {}: cannot read the scenario again: {e}",
                dir.display()
            );
            return ExitCode::from(2);
        }
    };
    let block = shard.block(options.runs);
    bar.set_length(block.end - block.start);
    let recorded = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let file = match shard::run(scenario, hash, recorded, options, shard, &|| bar.inc(1)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: cannot start {} threads: {e}", options.threads);
            return ExitCode::from(1);
        }
    };
    bar.finish_and_clear();
    let name = shard.file_name();
    let written = file
        .to_bytes()
        .map_err(std::io::Error::other)
        // Shards of one array job land in one folder at the same time: each
        // is one file renamed into place, never a swap of the whole folder
        // (which would drop the files other shards wrote meanwhile).
        .and_then(|bytes| {
            std::fs::create_dir_all(out)?;
            report::write_file(&out.join(&name), &bytes)
        });
    if let Err(e) = written {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    println!(
        "shard {} of {}: runs {}..{} of {} -> {}",
        shard.index,
        shard.count,
        block.start,
        block.end,
        options.runs,
        out.join(name).display()
    );
    ExitCode::SUCCESS
}
