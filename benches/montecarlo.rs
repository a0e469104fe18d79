//! Monte Carlo throughput on the default scenario.
//!
//!     cargo bench --bench montecarlo
//!
//! Reports the time of 1,000 runs at 1 and 2 threads; runs per second is
//! 1,000 / that time. (The event-loop and portfolio benchmarks belong to the
//! performance issue.)

use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use warmshell::montecarlo::{self, McOptions};

fn monte_carlo(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sites");
    let scenario = warmshell::load_dir(&dir).expect("the default scenario loads");
    let mut group = c.benchmark_group("mc_default_scenario");
    group.sample_size(10);
    group.throughput(Throughput::Elements(1_000));
    for threads in [1, 2] {
        group.bench_function(format!("1000_runs_{threads}_threads"), |b| {
            b.iter(|| {
                let options = McOptions {
                    runs: 1_000,
                    seed: 1,
                    threads,
                };
                montecarlo::run(&scenario, options, &|| {}).expect("thread pool")
            })
        });
    }
    group.finish();
}

criterion_group!(benches, monte_carlo);
criterion_main!(benches);
