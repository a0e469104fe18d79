//! The event loop alone, and one deterministic run of the default scenario.
//!
//!     cargo bench --bench engine
//!
//! `hold/*`: the classic hold model (Vaucher and Duval, 1975): a queue of
//! `size` pending events; each step takes the earliest and schedules a new
//! one a pseudo-random 0..=63 days later. The same steps go through the
//! engine's `EventQueue` and through a bare `std::collections::BinaryHeap`
//! of `Reverse((day, seq))` in the same group, so their ratio is measured
//! under the same load. Throughput is in events (one pop and one push).
//! `engine_queue` pushes as the engine pushes most events (for good);
//! `engine_queue_cancellable` pushes every event so that it can be cancelled,
//! as the engine pushes a burn-in: the hash-indexed `priority-queue` lane;
//! `engine_queue_mix` pushes every third event so, about the engine's share
//! of burn-ins.
//!
//! `simulate/default_scenario`: the `warmshell run sites` path without I/O:
//! every site of the default scenario through the engine and economics.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use warmshell::engine::queue::EventQueue;
use warmshell::engine::{self, Draw, Options};
use warmshell::timeline;

/// Events per measured iteration.
const STEPS: u64 = 100_000;

/// A fixed pseudo-random sequence of day increments (xorshift64), the same
/// for both queues.
struct Increments(u64);

impl Increments {
    fn next(&mut self) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 & 63) as u32
    }
}

/// A hold model run: pending events in, checksum of the popped events out.
type Hold = fn(u64) -> u64;

/// The hold model through the engine's queue; every `NTH` event is pushed
/// as cancellable (0: none). A constant, so that choosing the lane costs no
/// division at run time.
fn hold_engine_queue<const NTH: u64>(size: u64) -> u64 {
    let mut inc = Increments(0x9e37_79b9_7f4a_7c15);
    let mut q = EventQueue::default();
    let push = |q: &mut EventQueue<u64>, day, id: u64| {
        if NTH > 0 && id.is_multiple_of(NTH) {
            q.push_cancellable(day, id)
        } else {
            q.push(day, id)
        }
    };
    for id in 0..size {
        push(&mut q, inc.next(), id);
    }
    let mut checksum = 0u64;
    for next_id in size..size + STEPS {
        let day = q.next_day().unwrap_or(0);
        let id = q.pop_on(day).unwrap_or(0);
        checksum = checksum.wrapping_add(id ^ u64::from(day));
        push(&mut q, day + inc.next(), next_id);
    }
    checksum
}

fn hold_binary_heap(size: u64) -> u64 {
    let mut inc = Increments(0x9e37_79b9_7f4a_7c15);
    let mut q: BinaryHeap<Reverse<(u32, u64)>> = BinaryHeap::new();
    for id in 0..size {
        q.push(Reverse((inc.next(), id)));
    }
    // Ids double as sequence numbers: same-day events leave in push order.
    let mut checksum = 0u64;
    for next_id in size..size + STEPS {
        let Reverse((day, id)) = q.pop().unwrap_or(Reverse((0, 0)));
        checksum = checksum.wrapping_add(id ^ u64::from(day));
        q.push(Reverse((day + inc.next(), next_id)));
    }
    checksum
}

fn hold(c: &mut Criterion) {
    // Both loops pop the same events in the same order.
    for size in [16, 1024] {
        for hold in [
            hold_engine_queue::<0>,
            hold_engine_queue::<1>,
            hold_engine_queue::<3>,
        ] {
            assert_eq!(hold(size), hold_binary_heap(size));
        }
    }
    let mut group = c.benchmark_group("hold");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::Elements(STEPS));
    // 16 pending events is typical of a site (halls, sources, orders,
    // installs, burn-ins); 1,024 is a large site.
    for size in [16u64, 1024] {
        let lanes: [(&str, Hold); 3] = [
            ("engine_queue", hold_engine_queue::<0>),
            ("engine_queue_cancellable", hold_engine_queue::<1>),
            ("engine_queue_mix", hold_engine_queue::<3>),
        ];
        for (name, hold) in lanes {
            group.bench_with_input(BenchmarkId::new(name, size), &size, |b, &s| {
                b.iter(|| hold(black_box(s)))
            });
        }
        group.bench_with_input(BenchmarkId::new("binary_heap", size), &size, |b, &s| {
            b.iter(|| hold_binary_heap(black_box(s)))
        });
    }
    group.finish();
}

fn simulate(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sites");
    let scenario = warmshell::load_dir(&dir).expect("the default scenario loads");
    let mut group = c.benchmark_group("simulate");
    group.sample_size(30);
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("default_scenario", |b| {
        b.iter(|| timeline::run(black_box(&scenario), Options::default()))
    });
    // The engine alone (no economics), one site after another.
    group.bench_function("default_scenario_engine_only", |b| {
        b.iter(|| {
            for site in &scenario.sites {
                let draw = Draw::point(site);
                black_box(engine::simulate(&scenario, site, &draw, Options::default()));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, hold, simulate);
criterion_main!(benches);
