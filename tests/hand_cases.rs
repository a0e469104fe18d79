//! The hand-computed fixtures, checked against the figures derived by hand in
//! each `fixtures/<case>/README.md` (not against the program's own output).

use std::path::Path;

use warmshell::engine::Options;
use warmshell::timeline::{self, SiteTimeline};

fn site(case: &str) -> SiteTimeline {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(case);
    let scenario = warmshell::load_dir(&dir).unwrap_or_else(|e| panic!("{case}: {e}"));
    let mut t = timeline::run(&scenario, Options::default());
    assert_eq!(t.sites.len(), 1);
    t.sites.remove(0)
}

/// (shell, crew, power, burn_in) GPU-days.
fn dark(s: &SiteTimeline) -> (u64, u64, u64, u64) {
    let d = s.dark_gpu_days;
    (d.shell, d.crew, d.power, d.burn_in)
}

#[test]
fn power_wait_racks_power_on_when_the_grid_arrives() {
    let s = site("power-wait");
    let o = &s.orders[0];
    assert_eq!(o.first_delivery.as_deref(), Some("2025-06-30")); // day 180
    assert_eq!(o.all_installed.as_deref(), Some("2025-07-01")); // day 181
    assert_eq!(o.first_power_on.as_deref(), Some("2025-10-28")); // day 300
    assert_eq!(o.full_earning.as_deref(), Some("2025-11-11")); // day 314
    // 720 GPUs: 1 day installing, 119 days waiting for power, 14 days burn-in.
    assert_eq!(dark(&s), (0, 720, 85_680, 10_080));
    assert_eq!(s.main_dark_reason.map(|r| r.as_str()), Some("power"));
}

#[test]
fn bridge_gap_sheds_the_newest_racks_and_restarts_their_burn_in() {
    let s = site("bridge-gap");
    let (a, b) = (&s.orders[0], &s.orders[1]);
    assert_eq!(a.first_power_on.as_deref(), Some("2025-01-12")); // day 11
    assert_eq!(a.first_earning.as_deref(), Some("2025-01-26")); // day 25
    assert_eq!(b.first_power_on.as_deref(), Some("2025-04-02")); // day 91
    // b lost power on day 100 during burn-in and burns in again from day 130.
    assert_eq!(b.first_earning.as_deref(), Some("2025-05-25")); // day 144
    assert_eq!(dark(&s), (0, 56, 1_200, 928));
    // Power available drops to 0.5 MW on day 100; 2 racks of a (0.4 MW) stay on.
    let gap = s
        .power_curve
        .iter()
        .find(|p| p.date == "2025-04-11")
        .expect("a point on day 100");
    assert_eq!((gap.available_mw, gap.drawn_mw), (0.5, 0.4));
    let back = s
        .power_curve
        .iter()
        .find(|p| p.date == "2025-05-11")
        .expect("a point on day 130");
    assert_eq!((back.available_mw, back.drawn_mw), (1.5, 1.4));
}

#[test]
fn shell_and_crew_split_waiting_racks_by_hall_room() {
    let s = site("shell-and-crew");
    let o = &s.orders[0];
    assert_eq!(o.first_power_on.as_deref(), Some("2025-01-08")); // day 7
    assert_eq!(o.full_power_on.as_deref(), Some("2025-01-29")); // day 28
    // 155 rack-days waiting for a shell, 40 for crews; 4 GPUs per rack.
    assert_eq!(dark(&s), (620, 160, 0, 0));
}

#[test]
fn critical_path_follows_lags_and_not_before_dates() {
    let s = site("critical-path");
    let row = |id: &str| s.tasks.iter().find(|t| t.id == id).expect("task");
    assert_eq!(
        (row("grid").start.as_str(), row("grid").finish.as_str()),
        ("2025-02-15", "2025-06-15")
    );
    assert_eq!(row("fitout").start, "2025-05-01");
    assert_eq!(row("shell").total_float_days, 55);
    assert_eq!(row("fitout").total_float_days, 25);
    assert_eq!(s.critical_path, ["permit", "grid", "energize"]);
}

#[test]
fn window_18_months_earns_its_premium_until_the_rival_reaches_parity() {
    let s = site("window-18-months");
    let o = &s.orders[0];
    let w = o.window.as_ref().expect("the order powers on");
    assert_eq!(
        (w.start.as_str(), w.end.as_deref()),
        ("2025-07-01", Some("2027-01-01"))
    );
    assert_eq!(w.days, 549);
    assert_eq!(w.ended_by.code(), "parity");
    let m = &o.money;
    assert_eq!(m.premium_usd, 75_893_760);
    assert_eq!(m.revenue_usd, 454_947_840);
    assert_eq!(m.power_usd, 10_968_000);
    assert_eq!(m.capex_usd, 288_000_000);
    assert_eq!(m.dark_depreciation_usd, 11_967_123);
    assert_eq!(m.dark_forgone_usd, 50_319_360);
    assert_eq!(m.residual_usd, 155_835_616);
    assert_eq!(m.npv_usd, 311_815_456);
    assert_eq!(m.payback.as_deref(), Some("2026-12-15"));
}

#[test]
fn dark_50b_half_the_gpus_wait_18_months_for_power() {
    let s = site("dark-50b");
    assert_eq!(s.dark_gpu_days.total, 275_000_000);
    assert_eq!(s.dark_gpu_days.power, 274_000_000);
    assert_eq!(s.money.capex_usd, 50_000_000_000);
    assert_eq!(s.money.dark_depreciation_usd, 6_278_538_813);
    assert_eq!(s.money.dark_forgone_usd, 10_560_000_000);
    assert_eq!(s.orders[0].full_power_on.as_deref(), Some("2026-07-04"));
}
