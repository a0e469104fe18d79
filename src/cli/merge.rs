//! `warmshell merge`: shard files of `mc --shard`, checked and merged into what `mc` writes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use warmshell::report;

use super::load;
use warmshell::montecarlo::shard;

use super::mc::write_mc_json;

#[derive(clap::Args)]
pub struct Args {
    /// Shard files, or folders holding them (every shard-*-of-*.json inside).
    #[arg(required = true, value_name = "SHARD")]
    pub shards: Vec<PathBuf>,
    /// The scenario folder the shards ran on (default: the one they record).
    #[arg(long, value_name = "DIR")]
    pub scenario: Option<PathBuf>,
    /// Write mc.json into this folder.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

impl Args {
    pub fn run(self) -> ExitCode {
        let Args {
            shards,
            scenario,
            out,
        } = self;
        merge(&shards, scenario.as_deref(), out.as_deref())
    }
}

/// `merge`: checks the shards are one whole Monte Carlo, then writes and prints what `mc` would.
fn merge(args: &[PathBuf], scenario: Option<&Path>, out: Option<&Path>) -> ExitCode {
    let fail = |e: &dyn std::fmt::Display| {
        eprintln!("error: {e}");
        ExitCode::from(2)
    };
    let mut paths = Vec::new();
    for arg in args {
        if !arg.is_dir() {
            paths.push(arg.clone());
            continue;
        }
        let listing = match std::fs::read_dir(arg) {
            Ok(l) => l,
            Err(e) => return fail(&format!("{}: cannot list: {e}", arg.display())),
        };
        let mut found: Vec<PathBuf> = listing
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("shard-") && n.ends_with(".json"))
            })
            .collect();
        if found.is_empty() {
            return fail(&format!(
                "{}: no shard-*.json files in this folder",
                arg.display()
            ));
        }
        found.sort();
        paths.extend(found);
    }
    let mut shards = Vec::with_capacity(paths.len());
    for path in paths {
        match shard::ShardFile::read(&path) {
            Ok(file) => shards.push(shard::ReadShard { path, file }),
            Err(e) => return fail(&e),
        }
    }
    let shards = match shard::check_set(shards) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let dir = scenario.map_or_else(|| shards[0].file.scenario_dir.clone(), Path::to_path_buf);
    let Some(loaded) = load(&dir) else {
        if scenario.is_none() {
            eprintln!(
                "error: the shards ran on the scenario in {}; give its folder with --scenario DIR",
                dir.display()
            );
        }
        return ExitCode::from(2);
    };
    let hash = match shard::scenario_hash(&dir, &loaded) {
        Ok(h) => h,
        Err(e) => {
            return fail(&format!(
                "{}: cannot read the scenario again: {e}",
                dir.display()
            ));
        }
    };
    let result = match shard::merge(&loaded, &dir, &hash, shards) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    if let Some(out) = out
        && let Err(e) = write_mc_json(out, &result)
    {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    print!("{}", report::mc::render(&result));
    ExitCode::SUCCESS
}
