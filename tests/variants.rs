//! Variants: changes by id applied to a base scenario, checked by the same
//! decoder, every mistake located in the variant file.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use warmshell::engine::Options;
use warmshell::timeline::{self, Timeline};
use warmshell::{LoadError, variant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sites() -> PathBuf {
    root().join("sites")
}

fn warmshell(args: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_warmshell"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("run warmshell")
}

/// A variant file in a temporary folder, based on the default scenario.
struct Case {
    _tmp: tempfile::TempDir,
    file: PathBuf,
}

fn case(changes: &str) -> Case {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("v.yaml");
    let text = format!(
        "name: test\nbase: {}\nchanges:\n{changes}",
        serde_json::to_string(&sites().display().to_string()).unwrap()
    );
    fs::write(&file, text).unwrap();
    Case { _tmp: tmp, file }
}

fn run(c: &Case) -> Timeline {
    let (_, s) = variant::load_file(&c.file).unwrap_or_else(|e| panic!("{e}"));
    timeline::run(&s, Options::default())
}

fn base() -> Timeline {
    timeline::run(&warmshell::load_dir(&sites()).unwrap(), Options::default())
}

fn errors(c: &Case) -> Vec<String> {
    match variant::load_file(&c.file) {
        Err(LoadError::Invalid(d)) => d.iter().map(|d| d.to_string()).collect(),
        Err(e) => vec![e.to_string()],
        Ok(_) => panic!("the variant loaded"),
    }
}

fn task_start(t: &Timeline, site: &str, task: &str) -> chrono::NaiveDate {
    let s = t.sites.iter().find(|s| s.id == site).unwrap();
    let row = s.tasks.iter().find(|r| r.id == task).unwrap();
    row.start.parse().unwrap()
}

fn days(a: chrono::NaiveDate, b: chrono::NaiveDate) -> i64 {
    (b - a).num_days()
}

#[test]
fn every_shipped_variant_loads_on_the_default_scenario() {
    let mut names = Vec::new();
    for e in fs::read_dir(sites().join("variants")).unwrap() {
        let path = e.unwrap().path();
        let (v, s) =
            variant::load_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(s.sites.len(), 3, "{}", path.display());
        names.push(v.name);
    }
    names.sort();
    assert_eq!(
        names,
        [
            "Grid a year late",
            "Orders moved to the next generation",
            "Turbines added at Loudoun"
        ]
    );
}

#[test]
fn shifting_a_task_moves_its_start_by_that_much() {
    // grid-energize follows substation and transformers: both lags grow by 12mo = 365 days.
    let c = case("  - site: abilene-tx\n    shift: { task: grid-energize, by: 12mo }\n");
    let (b, v) = (base(), run(&c));
    let moved = days(
        task_start(&b, "abilene-tx", "grid-energize"),
        task_start(&v, "abilene-tx", "grid-energize"),
    );
    assert_eq!(moved, 365);
    // A task with no predecessor gets a not_before date; negative shifts work on lags.
    let c = case(
        "  - site: loudoun-va\n    shift: { task: load-request, by: 30d }\n  - site: abilene-tx\n    shift: { task: bldg-2-shell, by: -1mo }\n",
    );
    let v = run(&c);
    assert_eq!(
        days(
            task_start(&b, "loudoun-va", "load-request"),
            task_start(&v, "loudoun-va", "load-request")
        ),
        30
    );
    assert_eq!(
        days(
            task_start(&b, "abilene-tx", "bldg-2-shell"),
            task_start(&v, "abilene-tx", "bldg-2-shell")
        ),
        -30
    );
}

#[test]
fn shifting_dates_moves_power_orders_and_rivals() {
    let c = case(concat!(
        "  - site: abilene-tx\n    shift: { order: gb300-a, by: 2mo }\n",
        "  - site: loudoun-va\n    shift: { power: grid-2, by: -3mo }\n",
        "  - shift: { rival: neocloud-gb300, by: 1y }\n",
    ));
    let (b, v) = (base(), run(&c));
    let placed = |t: &Timeline| -> chrono::NaiveDate {
        let s = t.sites.iter().find(|s| s.id == "abilene-tx").unwrap();
        s.orders[0].placed.as_ref().unwrap().parse().unwrap()
    };
    assert_eq!(days(placed(&b), placed(&v)), 61);
    let on = |t: &Timeline| -> chrono::NaiveDate {
        let s = t.sites.iter().find(|s| s.id == "loudoun-va").unwrap();
        s.power_sources
            .iter()
            .find(|p| p.id == "grid-2")
            .unwrap()
            .on
            .parse()
            .unwrap()
    };
    assert_eq!(days(on(&b), on(&v)), -91);
    let rival = |t: &Timeline| -> chrono::NaiveDate {
        let r = t
            .rivals
            .iter()
            .find(|r| r.name == "neocloud-gb300")
            .unwrap();
        r.first_power_on.as_ref().unwrap().parse().unwrap()
    };
    assert_eq!(days(rival(&b), rival(&v)), 365);
}

#[test]
fn add_replace_set_and_remove_change_the_model() {
    let c = case(concat!(
        "  - site: loudoun-va\n    add: { power: { turbines: { mw: 120, from: 2026-06-01 } } }\n",
        "  - site: loudoun-va\n    set: { orders: { rubin-b: { racks: 50 } }, install: { crews: 20 } }\n",
        "  - site: campus-oh\n    replace: { halls: { hall-3: { it_mw: 50, ready: fitout-3 } } }\n",
        "  - site: campus-oh\n    remove: { orders: [rubin-c] }\n",
        "  - remove: { rivals: [xai-colossus-2] }\n",
    ));
    let v = run(&c);
    let l = v.sites.iter().find(|s| s.id == "loudoun-va").unwrap();
    assert!(
        l.power_sources
            .iter()
            .any(|p| p.id == "turbines" && p.on == "2026-06-01")
    );
    assert_eq!(
        l.orders.iter().find(|o| o.id == "rubin-b").unwrap().racks,
        50
    );
    let o = v.sites.iter().find(|s| s.id == "campus-oh").unwrap();
    assert_eq!(
        o.halls.iter().find(|h| h.id == "hall-3").unwrap().it_mw,
        50.0
    );
    assert!(o.orders.iter().all(|x| x.id != "rubin-c"));
    assert!(v.rivals.iter().all(|r| r.name != "xai-colossus-2"));
    // Power-on moves earlier with turbines from mid-2026.
    assert!(l.first_power_on.as_deref() < Some("2029-01-30"));
}

#[test]
fn unknown_ids_are_located_with_a_suggestion() {
    let c = case(concat!(
        "  - site: loudoun\n    shift: { task: energize, by: 1mo }\n",
        "  - site: loudoun-va\n    shift: { task: energise, by: 1mo }\n",
        "  - site: campus-oh\n    replace: { orders: { gb300: { generation: GB300 } } }\n",
        "  - remove: { rivals: [meta-prometeus] }\n",
    ));
    let e = errors(&c);
    let f = c.file.display().to_string();
    assert!(
        e.iter().any(|m| m.starts_with(&format!("{f}:4:11:"))
            && m.contains("unknown site `loudoun`")
            && m.contains("did you mean `loudoun-va`?")),
        "{e:#?}"
    );
    assert!(
        e.iter().any(|m| m.starts_with(&format!("{f}:7:20:"))
            && m.contains("unknown task `energise`")
            && m.contains("did you mean `energize`?")),
        "{e:#?}"
    );
    assert!(
        e.iter().any(|m| m.starts_with(&format!("{f}:9:26:"))
            && m.contains("unknown order `gb300`")
            && m.contains("did you mean `gb300-b`?")),
        "{e:#?}"
    );
    assert!(
        e.iter().any(|m| m.starts_with(&format!("{f}:10:24:"))
            && m.contains("unknown rival `meta-prometeus`")
            && m.contains("did you mean `meta-prometheus`?")),
        "{e:#?}"
    );
}

#[test]
fn adding_an_id_that_exists_suggests_replace() {
    let c =
        case("  - site: loudoun-va\n    add: { power: { grid-1: { mw: 10, from: energize } } }\n");
    let e = errors(&c);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].contains(":5:21:")
            && e[0].contains("`grid-1` already exists")
            && e[0].contains("use `replace`"),
        "{e:#?}"
    );
}

#[test]
fn removing_a_task_still_referenced_names_every_user() {
    let c = case("  - site: loudoun-va\n    remove: { tasks: [substation] }\n");
    let e = errors(&c);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(e[0].contains(":5:23:"), "{e:#?}");
    assert!(e[0].contains("task `substation` is removed but still used by `tasks.energize.after[0]` (loudoun-va.yaml, line"), "{e:#?}");
    // Removing the user too is fine.
    let c = case(concat!(
        "  - site: loudoun-va\n    remove: { tasks: [substation] }\n",
        "  - site: loudoun-va\n    set: { tasks: { energize: { after: [transformers, fitout-1] } } }\n",
    ));
    run(&c);
}

#[test]
fn what_a_variant_adds_is_checked_by_the_decoder_at_the_variant_line() {
    let c = case(concat!(
        "  - site: abilene-tx\n",
        "    add:\n",
        "      power:\n",
        "        turbines-2: { mw: -5, from: turbine-instal }\n",
    ));
    let e = errors(&c);
    let f = c.file.display().to_string();
    assert!(
        e.iter().any(|m| m.starts_with(&format!(
            "{f}:7:27: in abilene-tx.yaml: power.turbines-2.mw:"
        ))),
        "{e:#?}"
    );
    assert!(
        e.iter().any(|m| m.starts_with(&format!(
            "{f}:7:37: in abilene-tx.yaml: power.turbines-2.from: unknown task `turbine-instal`"
        )) && m.contains("did you mean `turbine-install`?")),
        "{e:#?}"
    );
    // A shifted date outside the scenario points at the shift.
    let c = case("  - site: abilene-tx\n    shift: { order: rubin-b, by: 10y }\n");
    let e = errors(&c);
    assert!(
        e.iter().any(|m| m.starts_with(&format!(
            "{}:5:34: in abilene-tx.yaml: orders.rubin-b.ordered: date",
            c.file.display()
        )) && m.contains("outside the scenario")),
        "{e:#?}"
    );
}

#[test]
fn shape_mistakes_are_located() {
    let c = case(concat!(
        "  - site: abilene-tx\n    shift: { task: substation, by: -20y }\n",
        "  - site: abilene-tx\n    ad: { power: {} }\n",
        "  - site: abilene-tx\n    add: { power: {} }\n    remove: { power: [grid] }\n",
        "  - site: abilene-tx\n    add: { rivals: {} }\n",
        "  - shift: { task: substation, by: 1mo }\n",
        "  - site: abilene-tx\n    shift: { task: substation, by: 3 }\n",
    ));
    let e = errors(&c).join("\n");
    assert!(e.contains(":7:5: changes[1].ad: unknown field `ad`"), "{e}");
    assert!(e.contains("did you mean `add`?"), "{e}");
    assert!(
        e.contains(":8:5: changes[2]: one operation per change, found add and remove"),
        "{e}"
    );
    assert!(
        e.contains("`rivals` is in scenario.yaml: write this change without `site:`"),
        "{e}"
    );
    assert!(
        e.contains("changes[4].shift.task: unknown field `task`"),
        "{e}"
    );
    assert!(e.contains("`3` has no unit"), "{e}");
}

#[test]
fn a_negative_shift_past_a_predecessor_is_refused() {
    let c = case("  - site: abilene-tx\n    shift: { task: substation, by: -1mo }\n");
    let e = errors(&c);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(e[0].contains(":5:36: changes[0].shift.by: task `substation` starts when `large-load-study` finishes; it cannot start 30d earlier"), "{e:#?}");
}

#[test]
fn the_binary_accepts_a_variant_in_place_of_a_folder() {
    let out = warmshell(&[
        Path::new("validate"),
        Path::new("sites/variants/turbines.yaml"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c =
        case("  - site: loudoun-va\n    add: { power: { grid-1: { mw: 10, from: energize } } }\n");
    let out = warmshell(&[Path::new("run"), &c.file]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("already exists") && stderr.contains("5 |     add: { power: { grid-1:"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

/// `after: site-prep` (one predecessor, not a list) is made a list of one
/// `{ task, lag }` when the task is shifted; it used to become a bare mapping
/// that the decoder refused.
#[test]
fn shifting_a_task_with_a_single_predecessor_not_in_a_list() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    fs::create_dir_all(base.join("rivals")).unwrap();
    for dir in ["", "rivals"] {
        for entry in fs::read_dir(sites().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                fs::copy(&path, base.join(dir).join(path.file_name().unwrap())).unwrap();
            }
        }
    }
    let site = base.join("abilene-tx.yaml");
    let text = fs::read_to_string(&site).unwrap();
    assert_eq!(text.matches("after: [site-prep]").count(), 1);
    fs::write(
        &site,
        text.replace("after: [site-prep]", "after: site-prep"),
    )
    .unwrap();
    let file = tmp.path().join("v.yaml");
    let variant = format!(
        "name: test\nbase: {}\nchanges:\n  - site: abilene-tx\n    shift: {{ task: bldg-1-shell, by: 20d }}\n",
        serde_json::to_string(&base.display().to_string()).unwrap()
    );
    fs::write(&file, variant).unwrap();

    let (_, shifted) = variant::load_file(&file).unwrap_or_else(|e| panic!("{e}"));
    let before = timeline::run(&warmshell::load_dir(&base).unwrap(), Options::default());
    let after = timeline::run(&shifted, Options::default());
    assert_eq!(
        days(
            task_start(&before, "abilene-tx", "bldg-1-shell"),
            task_start(&after, "abilene-tx", "bldg-1-shell")
        ),
        20
    );
}
