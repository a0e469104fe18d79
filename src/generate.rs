//! Generated portfolios: a scenario folder of N varied, valid sites.
//!
//! For benchmarks and scale tests (`warmshell generate --sites N --out DIR`).
//! Each site is drawn from its own ChaCha8 stream keyed by (seed, site
//! index), so the same seed gives the same bytes, and site k is the same
//! file whatever N is (a 1,000-site portfolio starts with the 100-site one).
//!
//! A site is one of three archetypes, as in the default scenario: a fast
//! build bridged by on-site turbines until the grid arrives, a phased campus
//! with grid tranches, and a grid-constrained site with a long
//! interconnection. Halls, orders, crews and every duration vary within
//! ranges taken from `sites/` (facts.md in the shared reference), and racks
//! are sized so every order fits its site's largest hall and power: the
//! portfolio loads with no diagnostic. The text is pure (no I/O): the binary
//! writes it with `report::write`.

use std::fmt::Write as _;

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

use crate::report::Artifact;

/// The most sites one portfolio may have: far beyond any real portfolio, and
/// a typo guard (10,000 sites is ~50 MB of YAML).
pub const MAX_SITES: u32 = 10_000;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GenerateError {
    #[error("--sites must be between 1 and {MAX_SITES} (got {0})")]
    Sites(u32),
}

/// The files of an N-site portfolio: `scenario.yaml` and `site-0001.yaml`...
pub fn portfolio(sites: u32, seed: u64) -> Result<Vec<Artifact>, GenerateError> {
    if sites == 0 || sites > MAX_SITES {
        return Err(GenerateError::Sites(sites));
    }
    let width = sites.to_string().len().max(4);
    let mut out = Vec::with_capacity(sites as usize + 1);
    out.push(Artifact {
        name: "scenario.yaml".into(),
        bytes: scenario_yaml(sites, seed).into_bytes(),
    });
    for k in 0..sites {
        let mut rng = site_rng(seed, k);
        out.push(Artifact {
            name: format!("site-{:0width$}.yaml", k + 1),
            bytes: site_yaml(&mut rng, k).into_bytes(),
        });
    }
    Ok(out)
}

/// Site `k`'s own stream: independent of N and of the other sites.
fn site_rng(seed: u64, k: u32) -> ChaCha8Rng {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8..16].copy_from_slice(b"generate");
    let mut rng = ChaCha8Rng::from_seed(bytes);
    rng.set_stream(u64::from(k));
    rng
}

/// A few helpers over the raw generator; all integer, so the text is the
/// same on every machine.
struct Pick<'a>(&'a mut ChaCha8Rng);

impl Pick<'_> {
    /// Uniform in `lo..=hi`.
    fn int(&mut self, lo: u32, hi: u32) -> u32 {
        let span = u64::from(hi.saturating_sub(lo)) + 1;
        lo + (self.0.next_u64() % span) as u32
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u32) -> bool {
        self.int(0, 99) < percent
    }

    fn one<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.int(0, items.len() as u32 - 1) as usize]
    }
}

fn scenario_yaml(sites: u32, seed: u64) -> String {
    format!(
        "# A generated portfolio of {sites} sites (warmshell generate --sites {sites} --seed {seed}).
# Sites are synthetic: sizes and durations vary within the ranges of the default scenario.
start: 2025-01-01
horizon: 2032-12-31

correlation:
  grid-queue: 0.5      # interconnection studies move together (a regional queue)
  weather: 0.3         # construction in the same seasons

rivals:
  neocloud-gb300:
    generation: GB300
    racks: 1100
    power_on: {{ pert: [2025-12-01, 2026-04-01, 2026-09-30] }}
  hyperscaler-rubin:
    generation: Rubin
    mw: 300
    power_on: {{ triangular: [2026-10-01, 2027-03-01, 2027-12-01] }}
"
    )
}

/// Generations an order may buy: (name, rack kW, earliest order year and month).
const GENERATIONS: [(&str, u32, (u32, u32)); 4] = [
    ("H200", 41, (2025, 1)),
    ("GB200", 132, (2025, 2)),
    ("GB300", 135, (2025, 6)),
    ("Rubin", 200, (2026, 3)),
];

#[derive(Clone, Copy)]
enum Archetype {
    Bridge,
    Phased,
    GridConstrained,
}

fn site_yaml(rng: &mut ChaCha8Rng, k: u32) -> String {
    let mut p = Pick(rng);
    let archetype = *p.one(&[
        Archetype::Bridge,
        Archetype::Phased,
        Archetype::GridConstrained,
    ]);
    let halls = match archetype {
        Archetype::Bridge => p.int(1, 2),
        Archetype::Phased => p.int(2, 4),
        Archetype::GridConstrained => p.int(1, 2),
    };
    let pue_hundredths = p.int(110, 140);
    let kind = match archetype {
        Archetype::Bridge => "fast build, turbine bridge",
        Archetype::Phased => "phased campus",
        Archetype::GridConstrained => "grid-constrained",
    };
    let mut y = String::with_capacity(4096);
    let _ = writeln!(y, "# Generated site {} ({kind}).", k + 1);
    let _ = writeln!(
        y,
        "name: Site {} ({kind}, {halls} hall{})",
        k + 1,
        if halls == 1 { "" } else { "s" }
    );
    let _ = writeln!(
        y,
        "pue: {}.{:02}",
        pue_hundredths / 100,
        pue_hundredths % 100
    );

    // --- Tasks: land, permits, shells and fit-outs, then the grid. ---
    y.push_str("\ntasks:\n");
    let land = p.int(0, 60);
    let _ = writeln!(y, "  land:\n    kind: other\n    duration: {land}d");
    let permit_mode = p.int(2, 6);
    let _ = writeln!(
        y,
        "  permits:\n    kind: permitting\n    duration: {{ triangular: [{}mo, {permit_mode}mo, {}mo] }}\n    after: [land]",
        permit_mode.saturating_sub(1).max(1),
        permit_mode + p.int(2, 6)
    );
    if p.chance(30) {
        let _ = writeln!(
            y,
            "    risks:\n      - {{ name: appeal, probability: 0.{:02}, delay: {{ uniform: [1mo, {}mo] }} }}",
            p.int(5, 30),
            p.int(2, 6)
        );
    }
    let _ = writeln!(
        y,
        "  site-prep:\n    kind: construction\n    duration: {{ pert: [1mo, {}mo, {}mo] }}\n    after: [permits]",
        p.int(2, 3),
        p.int(4, 5)
    );
    for h in 1..=halls {
        let shell_mode = p.int(9, 15);
        let after = if h == 1 {
            " [site-prep]".to_owned()
        } else {
            format!(
                "\n      - {{ task: shell-{}, lag: {}mo }}",
                h - 1,
                p.int(1, 6)
            )
        };
        let _ = writeln!(
            y,
            "  shell-{h}:\n    kind: construction\n    duration: {{ pert: [{}mo, {shell_mode}mo, {}mo] }}\n    after:{after}",
            shell_mode - 2,
            shell_mode + p.int(3, 7)
        );
        if p.chance(40) {
            y.push_str("    group: weather\n");
        }
        if p.chance(25) {
            let _ = writeln!(
                y,
                "    risks:\n      - {{ name: labour shortage, probability: 0.{:02}, delay: {{ triangular: [2w, {}w, {}w] }} }}",
                p.int(10, 35),
                p.int(3, 6),
                p.int(8, 14)
            );
        }
        let _ = writeln!(
            y,
            "  fitout-{h}:\n    kind: construction\n    duration: {{ pert: [2mo, {}mo, {}mo] }}\n    after: [shell-{h}]",
            p.int(3, 4),
            p.int(5, 7)
        );
    }
    // The grid: a study (long-tailed), a substation, transformers, energize.
    let (study_p50, study_p90) = match archetype {
        Archetype::GridConstrained => {
            let p50 = p.int(30, 54);
            (p50, p50 + p.int(18, 36))
        }
        _ => {
            let p50 = p.int(9, 18);
            (p50, p50 + p.int(6, 15))
        }
    };
    let _ = writeln!(
        y,
        "  grid-study:\n    kind: interconnection\n    duration: {{ lognormal: {{ p50: {study_p50}mo, p90: {study_p90}mo }} }}\n    after: [land]"
    );
    if p.chance(60) {
        y.push_str("    group: grid-queue\n");
    }
    if p.chance(35) {
        let _ = writeln!(
            y,
            "    risks:\n      - {{ name: restudy, probability: 0.{:02}, delay: {{ triangular: [3mo, 6mo, 12mo] }} }}",
            p.int(10, 30)
        );
    }
    let _ = writeln!(
        y,
        "  transformers:\n    kind: procurement\n    duration: {{ triangular: [{}w, {}w, {}w] }}\n    after: [land]",
        p.int(80, 100),
        p.int(110, 140),
        p.int(160, 200)
    );
    let _ = writeln!(
        y,
        "  substation:\n    kind: interconnection\n    duration: {{ uniform: [{}mo, {}mo] }}\n    after: [grid-study]",
        p.int(5, 8),
        p.int(10, 16)
    );
    let _ = writeln!(
        y,
        "  grid-energize:\n    kind: interconnection\n    duration: {}d\n    after: [substation, transformers]",
        p.int(14, 45)
    );
    let bridge = matches!(archetype, Archetype::Bridge);
    if bridge {
        let _ = writeln!(
            y,
            "  turbine-permit:\n    kind: permitting\n    duration: {{ triangular: [4mo, {}mo, 12mo] }}\n    after: [land]",
            p.int(5, 8)
        );
        let _ = writeln!(
            y,
            "  turbine-install:\n    kind: construction\n    duration: {{ pert: [1mo, 2mo, 4mo] }}\n    after: [turbine-permit, site-prep]"
        );
    }
    // Tranches of a phased campus after the first: each energized a while later.
    let tranches = match archetype {
        Archetype::Phased => halls,
        _ => 1,
    };
    for t in 2..=tranches {
        let _ = writeln!(
            y,
            "  tranche-{t}:\n    kind: interconnection\n    duration: {{ triangular: [{}mo, {}mo, {}mo] }}\n    after: [grid-energize, fitout-{t}]",
            p.int(1, 3),
            p.int(4, 6),
            p.int(8, 14)
        );
    }

    // --- Halls: 10 to 150 MW of IT each. ---
    y.push_str("\nhalls:\n");
    let mut hall_mw = Vec::with_capacity(halls as usize);
    for h in 1..=halls {
        let mw = p.int(2, 30) * 5;
        hall_mw.push(mw);
        let _ = writeln!(y, "  hall-{h}: {{ it_mw: {mw}, ready: fitout-{h} }}");
    }
    let total_it: u32 = hall_mw.iter().sum();

    // --- Power: grid (one source per tranche), and turbines for a bridge. ---
    y.push_str("\npower:\n");
    // Facility MW for the whole IT load; some sites get less, so power binds.
    let facility = total_it * pue_hundredths / 100;
    let share = if p.chance(30) { p.int(50, 90) } else { 110 };
    let grid_total = (facility * share / 100).max(10);
    for t in 1..=tranches {
        let from = if t == 1 {
            "grid-energize".to_owned()
        } else {
            format!("tranche-{t}")
        };
        let _ = writeln!(
            y,
            "  grid-{t}: {{ mw: {}, from: {from} }}",
            (grid_total / tranches).max(5)
        );
    }
    if bridge {
        let _ = writeln!(
            y,
            "  turbines: {{ mw: {}, from: turbine-install, until: grid-energize }}",
            (facility * p.int(60, 110) / 100).max(10)
        );
    }

    // --- Orders: one to three, of different generations. ---
    y.push_str("\norders:\n");
    let orders = p.int(1, 3.min(halls + 1));
    let first_gen = p.int(0, GENERATIONS.len() as u32 - 1) as usize;
    for o in 0..orders as usize {
        let (generation, rack_kw, earliest) = GENERATIONS[(first_gen + o) % GENERATIONS.len()];
        // Racks fill a share of an even split of the IT capacity. Every hall
        // (10 MW or more) takes a rack of any generation here (200 kW at
        // most), and every grid source gives at least 5 MW.
        let it_kw = total_it * 1000 / orders;
        let fill = p.int(50, 100);
        let racks = (it_kw * fill / 100 / rack_kw).max(1);
        let ordered = if p.chance(35) {
            format!("shell-{}", p.int(1, halls))
        } else {
            let (year, month) = earliest;
            let month = month + p.int(0, 14);
            format!(
                "{}-{:02}-{:02}",
                year + (month - 1) / 12,
                (month - 1) % 12 + 1,
                p.int(1, 28)
            )
        };
        let lead = p.int(3, 6);
        let _ = writeln!(
            y,
            "  order-{}:\n    generation: {generation}\n    racks: {racks}\n    ordered: {ordered}\n    lead_time: {{ triangular: [{}mo, {lead}mo, {}mo] }}\n    racks_per_week: {}",
            o + 1,
            lead - 1,
            lead + p.int(2, 5),
            p.int(10, 60)
        );
    }

    // --- Crews. ---
    let _ = writeln!(
        y,
        "\ninstall:\n  crews: {}\n  days_per_rack: {}\n  burn_in: {}d",
        p.int(4, 40),
        p.int(1, 3),
        p.int(7, 21)
    );
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_zero_and_absurd_sizes() {
        assert_eq!(portfolio(0, 1).err(), Some(GenerateError::Sites(0)));
        assert!(portfolio(MAX_SITES + 1, 1).is_err());
    }

    #[test]
    fn a_site_does_not_depend_on_the_portfolio_size() {
        let small = portfolio(3, 7).expect("3 sites");
        let large = portfolio(20, 7).expect("20 sites");
        // Padding keeps names sortable; contents of site k are the same.
        assert_eq!(small[2].bytes, large[2].bytes);
        assert_ne!(small[1].bytes, small[2].bytes);
    }
}
