//! Mistakes in the market (`generations`, `pricing`, `finance`, `rivals` in
//! scenario.yaml, rival site files, and orders' generations), through the
//! binary: each exits with code 2 and a located message (`error:
//! PATH:LINE:COL: FIELD: message`, an optional `  help:` line, then the
//! source line with a caret), and `run` writes nothing.
//!
//! Each test starts from [`MARKET_SCENARIO`] (every market section filled in)
//! with [`VALID_SITE`] as our site and as a rival's site file, and changes one
//! thing. The builder and checks are shared with tests/validate.rs (tests/support).

mod support;

use std::fs;
use std::path::Path;

use support::{Scenario, VALID_SITE, valid_site_with, warmshell};

/// A scenario.yaml using every market section. Line numbers, for counting
/// expected locations:
///
/// ```text
///  1 start                 13   utilization             23   power_usd_per_mwh
///  2 horizon               14   yearly_decline          24   facility_usd_per_mw
///  4 generations           15   successor_step          26 rivals
///  5   MI355X              16   scarcity_premium        27   neocloud-east
///  6     available         17   floor_usd_per_gpu_hour  28     generation
///  7     gpus_per_rack     18   parity_ratio            29     mw
///  8     rack_kw           20 finance                   30     power_on
///  9     usd_per_gpu       21   discount_rate           31   hyperscaler-west
/// 10     usd_per_gpu_hour  22   depreciation_years      32     generation
/// 12 pricing                                            33     site
/// ```
const MARKET_SCENARIO: &str = r#"start: 2025-01-01
horizon: 2032-12-31

generations:
  MI355X:
    available: 2025-09-01
    gpus_per_rack: 128
    rack_kw: 150
    usd_per_gpu: 25000
    usd_per_gpu_hour: 2.50

pricing:
  utilization: 0.8
  yearly_decline: 0.2
  successor_step: 0.3
  scarcity_premium: 0.3
  floor_usd_per_gpu_hour: 1.5
  parity_ratio: 1.0

finance:
  discount_rate: 0.10
  depreciation_years: 6
  power_usd_per_mwh: 70
  facility_usd_per_mw: 0

rivals:
  neocloud-east:
    generation: GB300
    mw: 200
    power_on: { triangular: [2025-10-01, 2026-03-01, 2026-12-01] }
  hyperscaler-west:
    generation: GB300
    site: rivals/hyperscaler-west.yaml
"#;

/// Where the rival of [`MARKET_SCENARIO`] keeps its site file.
const RIVAL_FILE: &str = "rivals/hyperscaler-west.yaml";

/// `MARKET_SCENARIO` with `from` replaced by `to`; the text must occur once.
fn market_with(from: &str, to: &str) -> String {
    assert_eq!(
        MARKET_SCENARIO.matches(from).count(),
        1,
        "`{from}` must occur once in MARKET_SCENARIO"
    );
    MARKET_SCENARIO.replacen(from, to, 1)
}

/// A scenario with [`MARKET_SCENARIO`] and no sites.
fn market_only() -> Scenario {
    Scenario::new().scenario_yaml(MARKET_SCENARIO)
}

/// [`MARKET_SCENARIO`], our site `a` and the rival's site file, all valid.
fn market() -> Scenario {
    market_only()
        .site("a", VALID_SITE)
        .file(RIVAL_FILE, VALID_SITE)
}

// ---------------------------------------------------------------------------
// The starting point

#[test]
fn the_market_scenario_validates_and_runs_with_both_rivals() {
    let s = market();
    let v = s.validate();
    assert_eq!(v.code, Some(0), "stderr:\n{}", v.stderr);

    let (tmp, dir) = s.write();
    let out = tmp.path().join("out");
    let r = warmshell(&[Path::new("run"), &dir, Path::new("--out"), &out]);
    assert_eq!(
        r.status.code(),
        Some(0),
        "stderr:\n{}",
        String::from_utf8_lossy(&r.stderr)
    );
    let timeline = fs::read_to_string(out.join("timeline.json")).expect("timeline.json");
    for rival in ["neocloud-east", "hyperscaler-west"] {
        assert!(
            timeline.contains(&format!("\"{rival}\"")),
            "timeline.json names rival {rival}"
        );
    }
}

#[test]
fn an_order_may_use_a_generation_defined_in_scenario_yaml() {
    let r = market()
        .site(
            "b",
            valid_site_with("generation: GB300", "generation: MI355X"),
        )
        .validate();
    assert_eq!(r.code, Some(0), "stderr:\n{}", r.stderr);
}

// ---------------------------------------------------------------------------
// 1. Unknown generations

#[test]
fn unknown_generation_in_an_order_suggests_the_nearest_name() {
    let r = market_only()
        .site(
            "a",
            valid_site_with("generation: GB300", "generation: GB30"),
        )
        .file(RIVAL_FILE, VALID_SITE)
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        35,
        17,
        "orders.gb300-a.generation",
        "unknown generation `GB30`",
    )
    .help_contains("did you mean `GB300`?")
    .points_at("GB30");
}

#[test]
fn unknown_generation_with_no_near_name_lists_every_known_one() {
    let r = market_only()
        .site(
            "a",
            valid_site_with("generation: GB300", "generation: Blackwell"),
        )
        .file(RIVAL_FILE, VALID_SITE)
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        35,
        17,
        "orders.gb300-a.generation",
        "unknown generation `Blackwell`",
    )
    .help_contains("known generations: H100, H200, GB200, GB300, Rubin, Rubin-Ultra, MI355X")
    .help_contains("define others under `generations:` in scenario.yaml")
    .points_at("Blackwell");
}

#[test]
fn unknown_generation_of_a_rival_suggests_the_nearest_name() {
    let r = market()
        .scenario_yaml(&market_with(
            "    generation: GB300\n    mw: 200",
            "    generation: Rubn\n    mw: 200",
        ))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        28,
        17,
        "rivals.neocloud-east.generation",
        "unknown generation `Rubn`",
    )
    .help_contains("did you mean `Rubin`?")
    .points_at("Rubn");
}

// ---------------------------------------------------------------------------
// 2. Unknown fields in the market

#[test]
fn unknown_field_in_pricing_suggests_the_nearest_name() {
    let r = market()
        .scenario_yaml(&market_with("  utilization: 0.8", "  utilisation: 0.8"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        13,
        3,
        "pricing.utilisation",
        "unknown field `utilisation`",
    )
    .help_contains("did you mean `utilization`?")
    .points_at("utilisation");
}

#[test]
fn unknown_field_in_finance_suggests_the_nearest_name() {
    let r = market()
        .scenario_yaml(&market_with("  discount_rate: 0.10", "  discount: 0.10"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        21,
        3,
        "finance.discount",
        "unknown field `discount`",
    )
    .help_contains("did you mean `discount_rate`?")
    .points_at("discount");
}

#[test]
fn unknown_field_in_a_rival_lists_the_allowed_ones() {
    let r = market()
        .scenario_yaml(&market_with(
            "    mw: 200\n",
            "    mw: 200\n    colour: red\n",
        ))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        30,
        5,
        "rivals.neocloud-east.colour",
        "unknown field `colour`",
    )
    .help_contains("allowed here: generation, mw, racks, power_on, site")
    .points_at("colour");
}

#[test]
fn misspelt_rival_field_is_one_error_suggesting_the_right_name() {
    // Not also "missing field `power_on`": the suggestion already says so.
    let r = market()
        .scenario_yaml(&market_with("    power_on: {", "    power_no: {"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        30,
        5,
        "rivals.neocloud-east.power_no",
        "unknown field `power_no`",
    )
    .help_contains("did you mean `power_on`?")
    .points_at("power_no");
}

#[test]
fn unknown_field_in_a_generation_suggests_the_nearest_name() {
    let r = market()
        .scenario_yaml(&market_with("    rack_kw: 150", "    rack_kwh: 150"))
        .validate();
    r.assert_error_at(
        "scenario.yaml",
        8,
        5,
        "generations.MI355X.rack_kwh",
        "unknown field `rack_kwh`",
    )
    .help_contains("did you mean `rack_kw`?")
    .points_at("rack_kwh");
}

// ---------------------------------------------------------------------------
// 3. Out of range

#[test]
fn utilization_above_one_is_out_of_range() {
    let r = market()
        .scenario_yaml(&market_with("  utilization: 0.8", "  utilization: 1.5"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        13,
        16,
        "pricing.utilization",
        "1.5 is out of range: expected a share between 0 and 1",
    )
    .points_at("1.5");
}

#[test]
fn pricing_and_finance_out_of_range_are_all_reported_at_once() {
    let text = market_with("  yearly_decline: 0.2", "  yearly_decline: 1")
        .replace("  parity_ratio: 1.0", "  parity_ratio: 0")
        .replace("  discount_rate: 0.10", "  discount_rate: 2")
        .replace("  successor_step: 0.3", "  successor_step: -0.1");
    let r = market().scenario_yaml(&text).validate();
    r.assert_problems(4);
    r.assert_error_at(
        "scenario.yaml",
        14,
        19,
        "pricing.yearly_decline",
        "1 is out of range: expected a share between 0 and 0.99",
    );
    r.assert_error_at(
        "scenario.yaml",
        15,
        19,
        "pricing.successor_step",
        "-0.1 is out of range",
    );
    r.assert_error_at(
        "scenario.yaml",
        18,
        17,
        "pricing.parity_ratio",
        "0 is out of range: expected a ratio between 0.001 and 1000",
    );
    r.assert_error_at(
        "scenario.yaml",
        21,
        18,
        "finance.discount_rate",
        "2 is out of range",
    );
}

// ---------------------------------------------------------------------------
// 4. Rivals

#[test]
fn rival_with_both_mw_and_racks_is_reported_at_racks() {
    let r = market()
        .scenario_yaml(&market_with(
            "    mw: 200\n",
            "    mw: 200\n    racks: 1500\n",
        ))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        30,
        12,
        "rivals.neocloud-east.racks",
        "give `mw` or `racks`, not both",
    )
    .points_at("1500");
}

#[test]
fn rival_with_a_site_and_a_capacity_is_reported_at_the_capacity() {
    let r = market()
        .scenario_yaml(&market_with(
            "    site: rivals/hyperscaler-west.yaml\n",
            "    site: rivals/hyperscaler-west.yaml\n    mw: 50\n",
        ))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        34,
        9,
        "rivals.hyperscaler-west.mw",
        "`mw` cannot go with `site`",
    )
    .points_at("50");
}

#[test]
fn rival_without_a_capacity_or_a_site_is_reported() {
    let r = market()
        .scenario_yaml(&market_with("    mw: 200\n", ""))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        28,
        5,
        "rivals.neocloud-east",
        "missing `mw` or `racks`",
    )
    .points_at("generation");
}

#[test]
fn rival_site_file_that_does_not_exist_is_reported_at_the_site_value() {
    let r = market_only().site("a", VALID_SITE).validate();
    r.assert_problems(1);
    let missing = r.path(RIVAL_FILE);
    r.assert_error_at(
        "scenario.yaml",
        33,
        11,
        "rivals.hyperscaler-west.site",
        &format!("rival site file {missing} not found"),
    )
    .help_contains("relative to the scenario folder")
    .points_at("rivals/hyperscaler-west.yaml");
}

#[test]
fn mistake_in_a_rival_site_file_is_located_in_that_file() {
    let r = market_only()
        .site("a", VALID_SITE)
        .file(RIVAL_FILE, valid_site_with("pue: 1.25", "pue: 0.9"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(RIVAL_FILE, 2, 6, "pue", "0.9 is out of range")
        .points_at("0.9");
}

#[test]
fn unknown_generation_in_a_rival_site_file_suggests_the_nearest_name() {
    let r = market_only()
        .site("a", VALID_SITE)
        .file(
            RIVAL_FILE,
            valid_site_with("generation: GB300", "generation: GB30"),
        )
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        RIVAL_FILE,
        35,
        17,
        "orders.gb300-a.generation",
        "unknown generation `GB30`",
    )
    .help_contains("did you mean `GB300`?");
}

#[test]
fn whole_site_check_of_a_rival_site_file_is_located_in_that_file() {
    let r = market_only()
        .site("a", VALID_SITE)
        .file(RIVAL_FILE, valid_site_with("it_mw: 10", "it_mw: 0.1"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        RIVAL_FILE,
        37,
        14,
        "orders.gb300-a.rack_kw",
        "can never be installed",
    );
}

// ---------------------------------------------------------------------------
// 5. Date distributions

#[test]
fn date_distribution_out_of_order_is_reported_at_its_list() {
    let r = market()
        .scenario_yaml(&market_with(
            "[2025-10-01, 2026-03-01, 2026-12-01]",
            "[2026-03-01, 2025-10-01, 2026-12-01]",
        ))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        30,
        29,
        "rivals.neocloud-east.power_on.triangular",
        "expected the dates in increasing order",
    )
    .points_at("[2026-03-01");
}

#[test]
fn date_distribution_with_the_wrong_count_or_form_is_reported() {
    let r = market()
        .scenario_yaml(&market_with(
            "{ triangular: [2025-10-01, 2026-03-01, 2026-12-01] }",
            "{ uniform: [2025-10-01] }",
        ))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        30,
        26,
        "rivals.neocloud-east.power_on.uniform",
        "expected 2 dates, found 1",
    );

    let r = market()
        .scenario_yaml(&market_with("{ triangular:", "{ triangle:"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        30,
        17,
        "rivals.neocloud-east.power_on.triangle",
        "unknown date distribution `triangle`",
    )
    .help_contains("did you mean `triangular`?");
}

// ---------------------------------------------------------------------------
// 6. `run` writes nothing

#[test]
fn run_writes_nothing_for_a_market_mistake() {
    let cases = [
        market_only()
            .site(
                "a",
                valid_site_with("generation: GB300", "generation: GB30"),
            )
            .file(RIVAL_FILE, VALID_SITE),
        market().scenario_yaml(&market_with("  utilization: 0.8", "  utilisation: 0.8")),
        market().scenario_yaml(&market_with("  discount_rate: 0.10", "  discount: 0.10")),
        market().scenario_yaml(&market_with(
            "    mw: 200\n",
            "    mw: 200\n    colour: red\n",
        )),
        market().scenario_yaml(&market_with("  utilization: 0.8", "  utilization: 1.5")),
        market().scenario_yaml(&market_with(
            "    mw: 200\n",
            "    mw: 200\n    racks: 1500\n",
        )),
        market_only().site("a", VALID_SITE),
        market_only()
            .site("a", VALID_SITE)
            .file(RIVAL_FILE, valid_site_with("pue: 1.25", "pue: 0.9")),
        market().scenario_yaml(&market_with(
            "[2025-10-01, 2026-03-01, 2026-12-01]",
            "[2026-03-01, 2025-10-01, 2026-12-01]",
        )),
    ];
    for case in &cases {
        let r = case.run_writes_nothing();
        assert!(
            r.stderr.ends_with("found; nothing was written\n"),
            "stderr:\n{}",
            r.stderr
        );
    }
}

// ---------------------------------------------------------------------------
// Bugs found (src/ is being edited elsewhere; each test is ignored until fixed)

/// `power_on: { triangular: [2024-06-01, 2024-03-01, 2026-12-01] }` with
/// start 2025-01-01: the order check runs on days clamped to the start, where
/// both out-of-order dates are day 0, so the mistake passes `validate`.
#[test]
fn date_distribution_out_of_order_before_the_start_is_still_reported() {
    let r = market()
        .scenario_yaml(&market_with(
            "[2025-10-01, 2026-03-01, 2026-12-01]",
            "[2024-06-01, 2024-03-01, 2026-12-01]",
        ))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        30,
        29,
        "rivals.neocloud-east.power_on.triangular",
        "expected the dates in increasing order",
    );
}

/// A rival with an unknown generation is dropped before its site file is
/// queued for loading, so the file's own mistakes go unreported until the
/// generation is fixed (`validate` promises every problem at once).
#[test]
fn rival_site_file_is_checked_even_when_the_rival_generation_is_unknown() {
    let r = market_only()
        .scenario_yaml(&market_with(
            "    generation: GB300\n    site:",
            "    generation: GB30\n    site:",
        ))
        .site("a", VALID_SITE)
        .file(RIVAL_FILE, valid_site_with("pue: 1.25", "pue: 0.9"))
        .validate();
    r.assert_problems(2);
    r.assert_error_at(
        "scenario.yaml",
        32,
        17,
        "rivals.hyperscaler-west.generation",
        "unknown generation `GB30`",
    );
    r.assert_error_at(RIVAL_FILE, 2, 6, "pue", "0.9 is out of range");
}

/// With a mistake in the clock (`horizn:`), `rivals:` is not read at all, so
/// a rival with both `mw` and `racks` (which needs no clock) goes unreported;
/// site files, by contrast, are still checked against a fallback clock.
#[test]
fn rivals_are_checked_even_when_the_clock_has_a_mistake() {
    let text = market_with("horizon: 2032-12-31", "horizn: 2032-12-31")
        .replace("    mw: 200\n", "    mw: 200\n    racks: 1500\n");
    let r = market().scenario_yaml(&text).validate();
    r.assert_problems(2);
    r.assert_error_at("scenario.yaml", 2, 1, "horizn", "unknown field `horizn`");
    r.assert_error_at(
        "scenario.yaml",
        30,
        12,
        "rivals.neocloud-east.racks",
        "give `mw` or `racks`, not both",
    );
}

/// A generation defined under `generations:` with a missing field is left
/// out of the market, so every order of it also gets "unknown generation
/// `MI355X`" with the help "define others under `generations:`", which it
/// is: one mistake, two errors, the second misleading.
#[test]
fn generation_defined_with_a_mistake_is_not_also_unknown_where_used() {
    let r = market()
        .scenario_yaml(&market_with("    usd_per_gpu_hour: 2.50\n", ""))
        .site(
            "b",
            valid_site_with("generation: GB300", "generation: MI355X"),
        )
        .validate();
    r.assert_error_at(
        "scenario.yaml",
        6,
        5,
        "generations.MI355X.usd_per_gpu_hour",
        "missing field `usd_per_gpu_hour`",
    );
    r.assert_problems(1);
}
