//! Planner mistakes, through the binary: every class of mistake exits with
//! code 2 and a located message (`error: PATH:LINE:COL: FIELD: message`, an
//! optional `  help:` line, then the source line with a caret), every
//! mistake is reported at once, and `run` writes nothing.
//!
//! Each test starts from [`VALID_SITE`] and changes one thing. Expected lines
//! and columns are counted in the test text (the line map below), and every
//! located error is also checked to point at the expected token of that text.

mod support;

use std::path::Path;

use support::{Scenario, VALID_SITE, valid_site_with, warmshell};

// ---------------------------------------------------------------------------
// The starting point

#[test]
fn the_valid_site_validates_and_runs() {
    let s = Scenario::new().site("a", VALID_SITE);
    let v = s.validate();
    assert_eq!(v.code, Some(0), "stderr:\n{}", v.stderr);
    assert!(
        v.stdout.contains("ok (1 site, 3 tasks, 20 racks on order)"),
        "stdout:\n{}",
        v.stdout
    );

    let (tmp, dir) = s.write();
    let out = tmp.path().join("out");
    let r = warmshell(&[Path::new("run"), &dir, Path::new("--out"), &out]);
    assert_eq!(
        r.status.code(),
        Some(0),
        "stderr:\n{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(
        out.is_dir(),
        "`run --out` writes its folder for a valid scenario"
    );
}

// ---------------------------------------------------------------------------
// 1. Unknown fields

#[test]
fn unknown_top_level_field_suggests_the_nearest_name() {
    let r = Scenario::new()
        .site(
            "a",
            valid_site_with("name: Test campus", "nmae: Test campus"),
        )
        .validate();
    r.assert_problems(1);
    r.assert_error_at("a.yaml", 1, 1, "nmae", "unknown field `nmae`")
        .help_contains("did you mean `name`?")
        .points_at("nmae");
}

#[test]
fn misspelt_task_field_is_one_error_suggesting_the_right_name() {
    // Not also "missing field `duration`": the suggestion already says so.
    let r = Scenario::new()
        .site("a", valid_site_with("duration: 60d", "duraton: 60d"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        7,
        5,
        "tasks.land.duraton",
        "unknown field `duraton`",
    )
    .help_contains("did you mean `duration`?")
    .points_at("duraton");
}

#[test]
fn unknown_order_field_suggests_the_nearest_name() {
    let r = Scenario::new()
        .site(
            "a",
            valid_site_with("racks_per_week: 5", "rack_per_week: 5"),
        )
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        41,
        5,
        "orders.gb300-a.rack_per_week",
        "unknown field `rack_per_week`",
    )
    .help_contains("did you mean `racks_per_week`?")
    .points_at("rack_per_week");
}

#[test]
fn unknown_field_in_a_risk_suggests_the_nearest_name() {
    let r = Scenario::new()
        .site("a", valid_site_with("probability: 0.2", "probabilty: 0.2"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        13,
        26,
        "tasks.shell-1.risks[0].probabilty",
        "unknown field `probabilty`",
    )
    .help_contains("did you mean `probability`?")
    .points_at("probabilty");
}

#[test]
fn unknown_field_with_no_near_name_lists_the_allowed_ones() {
    let r = Scenario::new()
        .site(
            "a",
            valid_site_with(
                "    ready: shell-1\n",
                "    ready: shell-1\n    colour: red\n",
            ),
        )
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        25,
        5,
        "halls.hall-1.colour",
        "unknown field `colour`",
    )
    .help_contains("allowed here: it_mw, ready")
    .points_at("colour");
}

#[test]
fn missing_field_names_its_path_at_the_mapping() {
    // hall-1 without it_mw: its mapping now starts with `ready` on line 23.
    let r = Scenario::new()
        .site("a", valid_site_with("    it_mw: 10\n", ""))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        23,
        5,
        "halls.hall-1.it_mw",
        "missing field `it_mw`",
    )
    .points_at("ready");
}

#[test]
fn unknown_field_in_scenario_yaml_suggests_the_nearest_name() {
    let r = Scenario::new()
        .scenario_yaml("start: 2025-01-01\nhorizn: 2032-12-31\n")
        .site("a", VALID_SITE)
        .validate();
    r.assert_problems(1);
    r.assert_error_at("scenario.yaml", 2, 1, "horizn", "unknown field `horizn`")
        .help_contains("did you mean `horizon`?");
}

// ---------------------------------------------------------------------------
// 2. Unknown references

#[test]
fn unknown_task_reference_suggests_the_nearest_id() {
    let site = valid_site_with(
        "      - { task: land, lag: 30d }\n",
        "      - { task: land, lag: 30d }\n      - shel-1\n",
    );
    let r = Scenario::new().site("a", site).validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        19,
        9,
        "tasks.energize.after[1]",
        "unknown task `shel-1`",
    )
    .help_contains("did you mean `shell-1`?")
    .points_at("shel-1");
}

#[test]
fn unknown_task_in_an_after_with_lag_names_the_task_field() {
    let r = Scenario::new()
        .site(
            "a",
            valid_site_with("{ task: land, lag: 30d }", "{ task: lnd, lag: 30d }"),
        )
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        18,
        17,
        "tasks.energize.after[0].task",
        "unknown task `lnd`",
    )
    .help_contains("did you mean `land`?")
    .points_at("lnd");
}

#[test]
fn hall_ready_naming_a_missing_task_suggests_the_nearest_id() {
    let r = Scenario::new()
        .site("a", valid_site_with("ready: shell-1", "ready: shell-2"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        24,
        12,
        "halls.hall-1.ready",
        "unknown task `shell-2`",
    )
    .help_contains("did you mean `shell-1`?")
    .points_at("shell-2");
}

#[test]
fn power_from_and_until_naming_missing_tasks_suggest_the_nearest_id() {
    let site = valid_site_with("from: energize", "from: energise")
        .replace("until: 2031-01-01", "until: enrgize");
    let r = Scenario::new().site("a", site).validate();
    r.assert_problems(2);
    r.assert_error_at(
        "a.yaml",
        29,
        11,
        "power.grid.from",
        "unknown task `energise`",
    )
    .help_contains("did you mean `energize`?")
    .points_at("energise");
    r.assert_error_at(
        "a.yaml",
        31,
        12,
        "power.grid.until",
        "unknown task `enrgize`",
    )
    .help_contains("did you mean `energize`?")
    .points_at("enrgize");
}

#[test]
fn order_placed_when_a_missing_task_finishes_suggests_the_nearest_id() {
    let r = Scenario::new()
        .site("a", valid_site_with("ordered: 2025-03-01", "ordered: lnd"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        39,
        14,
        "orders.gb300-a.ordered",
        "unknown task `lnd`",
    )
    .help_contains("did you mean `land`?")
    .points_at("lnd");
}

#[test]
fn unknown_task_with_no_near_id_lists_the_tasks_of_the_site() {
    let r = Scenario::new()
        .site(
            "a",
            valid_site_with("ordered: 2025-03-01", "ordered: procurement"),
        )
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        39,
        14,
        "orders.gb300-a.ordered",
        "unknown task `procurement`",
    )
    .help_contains("tasks in this site: land, shell-1, energize");
}

// ---------------------------------------------------------------------------
// 3. Dependency cycles

#[test]
fn dependency_cycle_is_listed_hop_by_hop_at_the_after_entry_that_closes_it() {
    // land -> shell-1 -> energize -> land: land now waits for energize (new line 8).
    let site = valid_site_with(
        "    duration: 60d\n",
        "    duration: 60d\n    after: [energize]\n",
    )
    .replace(
        "- { task: land, lag: 30d }",
        "- { task: shell-1, lag: 30d }",
    );
    let r = Scenario::new().site("a", site).validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        8,
        13,
        "tasks.land.after[0]",
        "dependency cycle: land -> shell-1 -> energize -> land",
    )
    .help_contains("remove one of these `after` links")
    .points_at("energize");
}

#[test]
fn task_after_itself_is_a_cycle() {
    let r = Scenario::new()
        .site("a", valid_site_with("after: [land]", "after: [shell-1]"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        11,
        13,
        "tasks.shell-1.after[0]",
        "dependency cycle: shell-1 -> shell-1",
    )
    .points_at("shell-1]");
}

#[test]
fn two_independent_cycles_are_both_reported() {
    // land <-> energize, and shell-1 after itself.
    let site = valid_site_with(
        "    duration: 60d\n",
        "    duration: 60d\n    after: [energize]\n",
    )
    .replace("after: [land]", "after: [shell-1]");
    let r = Scenario::new().site("a", site).validate();
    r.assert_problems(2);
    r.assert_error_at(
        "a.yaml",
        8,
        13,
        "tasks.land.after[0]",
        "dependency cycle: land -> energize -> land",
    );
    r.assert_error_at(
        "a.yaml",
        12,
        13,
        "tasks.shell-1.after[0]",
        "dependency cycle: shell-1 -> shell-1",
    );
}

// ---------------------------------------------------------------------------
// 4. Duplicate ids

#[test]
fn task_id_declared_twice_is_reported_at_the_second_declaration() {
    let site = valid_site_with(
        "    not_before: 2025-06-01\n",
        "    not_before: 2025-06-01\n  land:\n    duration: 1d\n",
    );
    let r = Scenario::new().site("a", site).validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        20,
        3,
        "tasks.land",
        "duplicate id `land`: already given at line 5",
    )
    .help_contains("ids must be unique")
    .points_at("land:");
}

#[test]
fn field_given_twice_is_reported_and_the_rest_of_the_file_still_checked() {
    let site = valid_site_with(
        "    duration: 60d\n",
        "    duration: 60d\n    duration: 90d\n",
    )
    .replace("pue: 1.25", "pue: 0.9");
    let r = Scenario::new().site("a", site).validate();
    r.assert_problems(2);
    r.assert_error_at("a.yaml", 2, 6, "pue", "0.9 is out of range");
    r.assert_error_at(
        "a.yaml",
        8,
        5,
        "tasks.land.duration",
        "duplicate field `duration`: already given at line 7",
    )
    .help_contains("remove one of them")
    .points_at("duration: 90d");
}

#[test]
fn site_ids_are_file_stems_so_a_yaml_and_a_yml_clash() {
    let r = Scenario::new()
        .site("a", VALID_SITE)
        .file("a.yml", VALID_SITE)
        .validate();
    r.assert_problems(1);
    let message = format!(
        "site id `a` is also used by {}; site ids (file names) must be unique",
        r.path("a.yaml")
    );
    r.assert_error_about(&r.path("a.yml"), &message);
}

// ---------------------------------------------------------------------------
// 5. Non-positive and absurd values

#[test]
fn ten_thousand_years_is_too_long_and_the_help_names_the_units() {
    let r = Scenario::new()
        .site("a", valid_site_with("duration: 60d", "duration: 10000y"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        7,
        15,
        "tasks.land.duration",
        "`10000y` is longer than 100 years",
    )
    .help_contains("`d` days, `w` weeks, `mo` months, `y` years")
    .points_at("10000y");
}

#[test]
fn zero_racks_is_out_of_range() {
    let r = Scenario::new()
        .site("a", valid_site_with("racks: 20", "racks: 0"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        36,
        12,
        "orders.gb300-a.racks",
        "0 is out of range: expected racks from 1",
    )
    .points_at("0");
}

#[test]
fn pue_below_one_is_out_of_range() {
    let r = Scenario::new()
        .site("a", valid_site_with("pue: 1.25", "pue: 0.9"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        2,
        6,
        "pue",
        "0.9 is out of range: expected a PUE between 1 and 3",
    )
    .points_at("0.9");
}

#[test]
fn negative_hall_capacity_is_out_of_range() {
    let r = Scenario::new()
        .site("a", valid_site_with("it_mw: 10", "it_mw: -5"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        23,
        12,
        "halls.hall-1.it_mw",
        "-5 is out of range: expected MW greater than 0",
    )
    .points_at("-5");
}

#[test]
fn zero_megawatt_power_source_is_out_of_range() {
    let r = Scenario::new()
        .site("a", valid_site_with("mw: 12", "mw: 0"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        28,
        9,
        "power.grid.mw",
        "0 is out of range: expected MW greater than 0",
    )
    .points_at("0");
}

#[test]
fn duration_without_a_unit_suggests_days_with_the_same_number() {
    let site = valid_site_with("duration: 60d", "duration: 90").replace("lag: 7d", "lag: 7");
    let r = Scenario::new().site("a", site).validate();
    r.assert_problems(2);
    r.assert_error_at("a.yaml", 7, 15, "tasks.land.duration", "`90` has no unit")
        .help_contains("`90d`")
        .points_at("90");
    r.assert_error_at("a.yaml", 30, 10, "power.grid.lag", "`7` has no unit")
        .help_contains("`7d`")
        .points_at("7");
}

#[test]
fn months_written_as_m_suggest_mo() {
    let r = Scenario::new()
        .site("a", valid_site_with("duration: 9mo", "duration: 9m"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        16,
        15,
        "tasks.energize.duration",
        "`9m` has an unknown unit `m`",
    )
    .help_contains("`9mo`")
    .points_at("9m");
}

#[test]
fn unit_error_inside_a_distribution_names_the_list_entry() {
    let r = Scenario::new()
        .site("a", valid_site_with("[3mo, 6mo, 12mo]", "[3mo, 6m, 12mo]"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        10,
        35,
        "tasks.shell-1.duration.triangular[1]",
        "`6m` has an unknown unit `m`",
    )
    .help_contains("`6mo`")
    .points_at("6m,");
}

#[test]
fn fractional_years_suggest_a_smaller_unit() {
    let r = Scenario::new()
        .site("a", valid_site_with("lead_time: 6mo", "lead_time: 1.5y"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        40,
        16,
        "orders.gb300-a.lead_time",
        "not a whole number of units",
    )
    .help_contains("`18mo`");
}

#[test]
fn probability_above_one_is_out_of_range() {
    let r = Scenario::new()
        .site("a", valid_site_with("probability: 0.2", "probability: 1.5"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        13,
        39,
        "tasks.shell-1.risks[0].probability",
        "1.5 is out of range: expected a probability between 0 and 1",
    )
    .points_at("1.5");
}

// ---------------------------------------------------------------------------
// 6. Dates out of range

#[test]
fn date_before_the_scenario_start_says_to_move_start_or_the_date() {
    let r = Scenario::new()
        .site(
            "a",
            valid_site_with("ordered: 2025-03-01", "ordered: 2024-12-31"),
        )
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        39,
        14,
        "orders.gb300-a.ordered",
        "date 2024-12-31 is outside the scenario (2025-01-01 to 2032-12-31)",
    )
    .help_contains("move `start` in scenario.yaml earlier")
    .points_at("2024-12-31");
}

#[test]
fn date_after_the_horizon_says_to_move_the_horizon_or_the_date() {
    let site = valid_site_with("until: 2031-01-01", "until: 2033-01-01")
        .replace("not_before: 2025-06-01", "not_before: 2040-06-01");
    let r = Scenario::new().site("a", site).validate();
    r.assert_problems(2);
    r.assert_error_at(
        "a.yaml",
        19,
        17,
        "tasks.energize.not_before",
        "date 2040-06-01 is outside the scenario",
    )
    .help_contains("move `horizon` in scenario.yaml later")
    .points_at("2040-06-01");
    r.assert_error_at(
        "a.yaml",
        31,
        12,
        "power.grid.until",
        "date 2033-01-01 is outside the scenario",
    )
    .help_contains("move `horizon` in scenario.yaml later")
    .points_at("2033-01-01");
}

#[test]
fn years_ten_thousand_and_zero_are_out_of_range() {
    let site = valid_site_with("not_before: 2025-06-01", "not_before: 10000-01-01")
        .replace("ordered: 2025-03-01", "ordered: 0000-03-01");
    let r = Scenario::new().site("a", site).validate();
    r.assert_problems(2);
    r.assert_error_at(
        "a.yaml",
        19,
        17,
        "tasks.energize.not_before",
        "date `10000-01-01` is out of range",
    )
    .help_contains("between 1900 and 2200")
    .points_at("10000-01-01");
    r.assert_error_at(
        "a.yaml",
        39,
        14,
        "orders.gb300-a.ordered",
        "date `0000-03-01` is out of range",
    )
    .help_contains("between 1900 and 2200")
    .points_at("0000-03-01");
}

#[test]
fn february_thirtieth_is_not_a_date() {
    let r = Scenario::new()
        .site(
            "a",
            valid_site_with("ordered: 2025-03-01", "ordered: 2025-02-30"),
        )
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        39,
        14,
        "orders.gb300-a.ordered",
        "`2025-02-30` is not a date: 2025-02 has 28 days, so there is no day 30",
    )
    .points_at("2025-02-30");
}

#[test]
fn month_thirteen_is_not_a_date() {
    let r = Scenario::new()
        .site(
            "a",
            valid_site_with("not_before: 2025-06-01", "not_before: 2025-13-01"),
        )
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        19,
        17,
        "tasks.energize.not_before",
        "there is no month 13",
    );
}

#[test]
fn date_in_the_wrong_format_shows_the_right_one() {
    let r = Scenario::new()
        .site(
            "a",
            valid_site_with("not_before: 2025-06-01", "not_before: 06/01/2025"),
        )
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        19,
        17,
        "tasks.energize.not_before",
        "`06/01/2025` is not a date",
    )
    .help_contains("YYYY-MM-DD");
}

#[test]
fn horizon_before_start_is_reported_at_the_horizon() {
    let r = Scenario::new()
        .scenario_yaml("start: 2025-01-01\nhorizon: 2024-12-31\n")
        .site("a", VALID_SITE)
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        2,
        10,
        "horizon",
        "horizon 2024-12-31 is not after start 2025-01-01",
    )
    .points_at("2024-12-31");
}

#[test]
fn horizon_more_than_a_century_after_start_is_reported() {
    let r = Scenario::new()
        .scenario_yaml("start: 2025-01-01\nhorizon: 2199-12-31\n")
        .site("a", VALID_SITE)
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "scenario.yaml",
        2,
        10,
        "horizon",
        "more than 100 years after start",
    );
}

// ---------------------------------------------------------------------------
// 7. Orders that can never be installed or powered

#[test]
fn rack_larger_than_every_hall_can_never_be_installed() {
    let r = Scenario::new()
        .site("a", valid_site_with("it_mw: 10", "it_mw: 0.1"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        37,
        14,
        "orders.gb300-a.rack_kw",
        "can never be installed: one rack needs 0.135 MW of IT capacity but the largest hall has 0.1 MW",
    )
    .help_contains("add a hall")
    .points_at("135");
}

#[test]
fn rack_drawing_more_than_all_power_together_can_never_be_powered() {
    // 135 kW of IT fits in 0.16 MW, but 135 kW x 1.25 PUE = 0.16875 MW does not.
    let r = Scenario::new()
        .site("a", valid_site_with("mw: 12", "mw: 0.16"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        37,
        14,
        "orders.gb300-a.rack_kw",
        "can never be powered: one rack draws 0.16875 MW (rack_kw x pue) but all power sources together give 0.16 MW",
    )
    .help_contains("add a source under `power`")
    .points_at("135");
}

#[test]
fn site_with_orders_but_no_power_can_never_be_powered() {
    let site = valid_site_with(
        "power:\n  grid:\n    mw: 12\n    from: energize\n    lag: 7d\n    until: 2031-01-01\n",
        "",
    );
    let r = Scenario::new().site("a", site).validate();
    r.assert_problems(1);
    r.assert_error_at(
        "a.yaml",
        31,
        14,
        "orders.gb300-a.rack_kw",
        "can never be powered: the site has no power sources",
    )
    .points_at("135");
}

// ---------------------------------------------------------------------------
// 8. Files and folders

#[test]
fn unclosed_bracket_is_reported_where_it_opens() {
    let r = Scenario::new()
        .site("a", valid_site_with("after: [land]", "after: [land"))
        .validate();
    r.assert_problems(1);
    r.assert_error_at("a.yaml", 11, 12, "", "unclosed `[`")
        .help_contains("add the matching `]`")
        .points_at("[land");
}

#[test]
fn unclosed_brace_is_reported_where_it_opens() {
    let r = Scenario::new()
        .site(
            "a",
            valid_site_with("{ task: land, lag: 30d }", "{ task: land, lag: 30d"),
        )
        .validate();
    r.assert_problems(1);
    r.assert_error_at("a.yaml", 18, 9, "", "unclosed `{`")
        .help_contains("add the matching `}`")
        .points_at("{ task");
}

#[test]
fn bad_indentation_is_a_located_syntax_error() {
    let r = Scenario::new()
        .site(
            "a",
            valid_site_with("    kind: permitting\n", "     kind: permitting\n"),
        )
        .validate();
    r.assert_problems(1);
    // The reader notices on line 7, where `duration` no longer lines up with `kind`.
    let report = r.assert_error_at("a.yaml", 7, 5, "", "did not find expected key");
    report
        .help_contains("check the indentation")
        .points_at("duration");
    assert!(
        !report.header.contains("at line"),
        "the location is printed once: {}",
        report.header
    );
}

#[test]
fn non_utf8_site_file_is_located_at_the_first_bad_byte() {
    let mut bytes = b"name: Caf".to_vec();
    bytes.push(0xE9); // Latin-1 e-acute
    bytes.extend_from_slice(b"\npue: 1.2\n");
    let r = Scenario::new()
        .site("a", VALID_SITE)
        .file("b.yaml", bytes)
        .validate();
    r.assert_problems(1);
    r.assert_error_at("b.yaml", 1, 10, "", "the file is not valid UTF-8 text")
        .help_contains("save the file as UTF-8");
}

#[test]
fn empty_site_file_is_reported() {
    let r = Scenario::new()
        .site("a", VALID_SITE)
        .site("b", "")
        .validate();
    r.assert_problems(1);
    r.assert_error_about(&r.path("b.yaml"), "the site file is empty")
        .help_contains("`pue`");
}

#[test]
fn empty_scenario_yaml_is_reported() {
    let r = Scenario::new()
        .scenario_yaml("# nothing yet\n")
        .site("a", VALID_SITE)
        .validate();
    r.assert_problems(1);
    r.assert_error_about(&r.path("scenario.yaml"), "the file is empty")
        .help_contains("`start:");
}

#[test]
fn missing_scenario_yaml_is_reported() {
    let r = Scenario::new()
        .without_scenario_file()
        .site("a", VALID_SITE)
        .validate();
    r.assert_problems(1);
    r.assert_error_about(
        &r.path("scenario.yaml"),
        "missing: every scenario folder needs a scenario.yaml with `start` and `horizon`",
    );
}

#[test]
fn folder_without_sites_is_reported() {
    let r = Scenario::new().validate();
    r.assert_problems(1);
    r.assert_error_about(
        &r.dir.display().to_string(),
        "the scenario has no site files",
    );
}

#[test]
fn path_that_is_a_file_is_not_a_scenario_folder() {
    let s = Scenario::new().site("a", VALID_SITE);
    let (_tmp, dir) = s.write();
    let file = dir.join("a.yaml");
    let output = warmshell(&[Path::new("validate"), &file]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim_end(),
        format!(
            "error: {}: is a file; expected a scenario folder holding scenario.yaml and one YAML file per site",
            file.display()
        )
    );
}

#[test]
fn missing_folder_is_reported() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let missing = tmp.path().join("no-such-folder");
    let output = warmshell(&[Path::new("validate"), &missing]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stderr.trim_end(),
        format!("error: {}: scenario folder not found", missing.display())
    );
}

// ---------------------------------------------------------------------------
// 9. Every mistake at once, and `run` writes nothing

#[test]
fn three_unrelated_mistakes_in_a_file_give_three_messages_in_line_order() {
    let site = valid_site_with("pue: 1.25", "pue: 0.9")
        .replace("ready: shell-1", "ready: shell-2")
        .replace("racks: 20", "racks: 0");
    let r = Scenario::new().site("a", site).validate();
    r.assert_problems(3);
    r.assert_error_at("a.yaml", 2, 6, "pue", "0.9 is out of range");
    r.assert_error_at(
        "a.yaml",
        24,
        12,
        "halls.hall-1.ready",
        "unknown task `shell-2`",
    );
    r.assert_error_at(
        "a.yaml",
        36,
        12,
        "orders.gb300-a.racks",
        "0 is out of range",
    );
    let order: Vec<String> = r.reports().into_iter().map(|rep| rep.header).collect();
    assert!(
        order[0].contains(":2:6:") && order[1].contains(":24:12:") && order[2].contains(":36:12:"),
        "{order:#?}"
    );
}

#[test]
fn mistakes_in_several_files_are_reported_together() {
    // scenario.yaml has a typo, site `a` a cycle, site `b` an unknown reference.
    let cyclic = valid_site_with("after: [land]", "after: [shell-1]");
    let broken = valid_site_with("ready: shell-1", "ready: shel-1");
    let r = Scenario::new()
        .scenario_yaml("start: 2025-01-01\nhorizon: 2032-12-31\nhorizn: 2033-12-31\n")
        .site("a", cyclic)
        .site("b", broken)
        .validate();
    r.assert_problems(3);
    r.assert_error_at(
        "a.yaml",
        11,
        13,
        "tasks.shell-1.after[0]",
        "dependency cycle: shell-1 -> shell-1",
    );
    r.assert_error_at(
        "b.yaml",
        24,
        12,
        "halls.hall-1.ready",
        "unknown task `shel-1`",
    )
    .help_contains("did you mean `shell-1`?");
    r.assert_error_at("scenario.yaml", 3, 1, "horizn", "unknown field `horizn`");
}

#[test]
fn run_writes_nothing_for_an_invalid_scenario() {
    let cases = [
        Scenario::new().site("a", valid_site_with("after: [land]", "after: [shel-1]")),
        Scenario::new().site("a", valid_site_with("after: [land]", "after: [shell-1]")),
        Scenario::new().site("a", valid_site_with("mw: 12", "mw: 0.16")),
        Scenario::new().site("a", valid_site_with("after: [land]", "after: [land")),
        Scenario::new()
            .without_scenario_file()
            .site("a", VALID_SITE),
        Scenario::new().site("a", VALID_SITE).site("b", ""),
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
