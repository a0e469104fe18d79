//! Racks move as cohorts: scaling an order up (with its delivery rate, crews,
//! halls and power scaled alike) adds no events, only bigger counts.

use warmshell::engine::{self, Draw, Options};

const SITE: &str = "pue: 1.2
tasks:
  shell: { duration: 120d }
  grid: { duration: 300d }
halls:
  hall-1: { it_mw: HALL_MW, ready: shell }
power:
  turbines: { mw: BRIDGE_MW, from: 2025-03-01, until: 2025-09-01 }
  grid-1: { mw: GRID_MW, from: grid }
orders:
  a: { generation: GB300, racks: RACKS, rack_kw: 135, gpus_per_rack: 72, ordered: 2025-01-01, lead_time: 150d, racks_per_week: RATE }
install: { crews: CREWS, days_per_rack: 2, burn_in: 14d }
";

/// Event-log length and dark GPU-days of the site scaled by `k`.
fn simulate_scaled(k: u64) -> (usize, u64) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("scenario.yaml"),
        "start: 2025-01-01\nhorizon: 2027-12-31\n",
    )
    .expect("write");
    let site = SITE
        // Whole numbers of racks at every scale: a rack is 135 kW IT, 162 kW facility.
        .replace("HALL_MW", &mw(1_350 * k))
        .replace("BRIDGE_MW", &mw(648 * k))
        .replace("GRID_MW", &mw(1_620 * k))
        .replace("RACKS", &(10 * k).to_string())
        .replace("RATE", &(3 * k).to_string())
        .replace("CREWS", &(2 * k).to_string());
    std::fs::write(dir.path().join("site.yaml"), site).expect("write");
    let scenario = warmshell::load_dir(dir.path()).expect("valid site");
    let site = &scenario.sites[0];
    let run = engine::simulate(
        &scenario,
        site,
        &Draw::point(site),
        Options {
            log: true,
            ..Options::default()
        },
    );
    (run.log.len(), run.dark.totals().iter().sum())
}

/// Thousandths of a MW as a decimal string.
fn mw(milli: u64) -> String {
    format!("{}.{:03}", milli / 1000, milli % 1000)
}

#[test]
fn a_thousand_times_the_racks_costs_no_more_events() {
    let (events_small, dark_small) = simulate_scaled(1);
    let (events_large, dark_large) = simulate_scaled(1000);
    assert_eq!(events_small, events_large);
    assert_eq!(dark_small * 1000, dark_large);
}
