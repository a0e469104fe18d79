//! Deterministic runs of generated portfolios of 10, 100 and 1,000 sites.
//!
//!     cargo bench --bench portfolio
//!
//! Each portfolio is written once (`warmshell::generate`, seed 1) into a
//! temporary folder. `run/N` times `timeline::run` on the loaded scenario
//! (what the engine and economics cost); `load_and_run/N` times what
//! `warmshell run DIR` does before printing: load, validate and run.
//! Time per site should stay flat from 10 to 1,000 sites (linear scaling);
//! benches/measure.sh fits the exponent.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use warmshell::engine::Options;
use warmshell::{generate, report, timeline};

const SIZES: [u32; 3] = [10, 100, 1_000];

fn portfolio(c: &mut Criterion) {
    let root = tempfile::tempdir().expect("a temporary folder");
    let dirs: Vec<_> = SIZES
        .iter()
        .map(|&n| {
            let dir = root.path().join(format!("p{n}"));
            let files = generate::portfolio(n, 1).expect("a valid size");
            report::write(&dir, &files).expect("the portfolio is written");
            (n, dir)
        })
        .collect();

    let mut group = c.benchmark_group("portfolio");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(4));
    for (n, dir) in &dirs {
        let scenario = warmshell::load_dir(dir).expect("a generated portfolio loads");
        group.throughput(Throughput::Elements(u64::from(*n)));
        group.bench_with_input(BenchmarkId::new("run", n), &scenario, |b, s| {
            b.iter(|| timeline::run(black_box(s), Options::default()))
        });
        group.bench_with_input(BenchmarkId::new("load_and_run", n), dir, |b, d| {
            b.iter(|| {
                let s = warmshell::load_dir(black_box(d)).expect("loads");
                timeline::run(&s, Options::default())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, portfolio);
criterion_main!(benches);
