//! Arbitrary bytes as a scenario: load and validate, then (if valid) run,
//! render every output, and sample a few Monte Carlo runs. Any panic, hang
//! or runaway allocation is a bug.
//!
//! Input: if the first byte is odd, the rest is `scenario.yaml`, a NUL byte,
//! then one site file; otherwise the rest is a site file under a fixed
//! two-year `scenario.yaml`. See fuzz/README.md.
//!
//! Mutations: half are structure-aware (`yaml_mutate`: a planner's edits, one
//! line at a time), half libFuzzer's own byte-level ones.

#![no_main]

mod yaml_mutate;

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::{fuzz_mutator, fuzz_target, fuzzer_mutate};
use warmshell::engine::Options;
use warmshell::montecarlo::{self, McOptions};
use warmshell::{report, timeline};

const FIXED_SCENARIO: &[u8] = b"start: 2025-01-01\nhorizon: 2026-12-31\n";

/// One scratch folder per fuzzing process, on tmpfs when there is one.
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("warmshell-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch folder");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (scenario, site) = if mode % 2 == 1 {
        match rest.iter().position(|&b| b == 0) {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &b""[..]),
        }
    } else {
        (FIXED_SCENARIO, rest)
    };
    let dir = scratch();
    if std::fs::write(dir.join("scenario.yaml"), scenario).is_err()
        || std::fs::write(dir.join("site.yaml"), site).is_err()
    {
        return;
    }
    let Ok(scenario) = warmshell::load_dir(dir) else {
        return;
    };
    let t = timeline::run(
        &scenario,
        Options {
            log: true,
            ..Options::default()
        },
    );
    let _ = report::artifacts(&t);
    let _ = report::events_jsonl(&t);
    let _ = report::summary::render(&t);
    let options = McOptions {
        runs: 2,
        seed: 1,
        threads: 1,
    };
    if let Ok(r) = montecarlo::run(&scenario, options, &|| {}) {
        let _ = report::mc::render(&r);
    }
});

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    if seed % 2 == 0
        && let Some(mutant) = yaml_mutate::mutate(&data[..size], seed / 2)
        && mutant.len() <= max_size
    {
        data[..mutant.len()].copy_from_slice(&mutant);
        return mutant.len();
    }
    fuzzer_mutate(data, size, max_size)
});
