//! The HTML report: one self-contained page (inline CSS and SVG, no script,
//! no network) plus each chart as a standalone SVG file.
//!
//! The page's only date is the scenario's as-of date (its start); nothing
//! depends on the clock, so the same inputs give the same bytes.

use std::fmt::Write;

use crate::montecarlo::McResult;
use crate::scenario::Scenario;
use crate::timeline::Timeline;

use super::Artifact;
use super::svg::axis::si;
use super::svg::{self, Chart, Clock, esc};

/// Every chart of the report, in page order.
pub fn charts(scenario: &Scenario, t: &Timeline, mc: Option<&McResult>) -> Vec<Chart> {
    let Some(clock) = Clock::new(&t.start, &t.horizon) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, site) in t.sites.iter().enumerate() {
        // The timeline keeps the scenario's site order; match by id all the same.
        let Some(model) = scenario.sites.iter().find(|s| s.id == site.id) else {
            continue;
        };
        let site_mc = mc.and_then(|m| m.sites.iter().find(|s| s.id == site.id));
        out.push(svg::gantt::chart(
            clock,
            model,
            site,
            site_mc,
            &format!("g{i}"),
        ));
    }
    for site in &t.sites {
        out.push(svg::power::chart(clock, site));
    }
    out.push(svg::dark::chart(clock, t));
    out.push(svg::windows::chart(clock, t));
    if let Some(mc) = mc {
        out.push(svg::mc::power_on(clock, t, mc));
        out.push(svg::mc::milestones(clock, t, mc));
        out.push(svg::mc::tornado(t, mc));
    }
    out
}

/// `report.html` and one `.svg` per chart.
pub fn artifacts(scenario: &Scenario, t: &Timeline, mc: Option<&McResult>) -> Vec<Artifact> {
    let charts = charts(scenario, t, mc);
    let page = page(t, mc, &charts);
    let mut out = vec![Artifact {
        name: "report.html".into(),
        bytes: page.into_bytes(),
    }];
    for c in charts {
        let mut bytes = Vec::with_capacity(c.svg.len() + 40);
        bytes.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        bytes.extend_from_slice(c.svg.as_bytes());
        out.push(Artifact {
            name: c.file,
            bytes,
        });
    }
    out
}

const CSS: &str = "\
:root{--ink:#1F2933;--muted:#52606D;--line:#E4E7EB;--bg:#F5F7FA;--accent:#0072B2}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.5 system-ui,-apple-system,'Segoe UI','DejaVu Sans',Arial,sans-serif}
main{max-width:1180px;margin:0 auto;padding:28px 24px 48px}
header{border-bottom:3px solid var(--accent);margin-bottom:20px;padding-bottom:12px}
h1{font-size:28px;margin:0 0 4px}
h2{font-size:20px;margin:36px 0 12px;padding-top:8px;border-top:1px solid var(--line)}
h3{font-size:16px;margin:0 0 8px}
.meta{color:var(--muted);margin:0}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid var(--line);font-variant-numeric:tabular-nums}
th,td{padding:7px 10px;text-align:left;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#EEF1F5;font-weight:600;font-size:13px}
td.num,th.num{text-align:right}
td{white-space:nowrap}
td:first-child{white-space:normal}
figure{margin:0 0 24px;background:#fff;border:1px solid var(--line);border-radius:6px;padding:16px;break-inside:avoid}
figure svg{display:block;max-width:100%;height:auto}
figcaption{color:var(--muted);font-size:13px;margin-top:8px}
figcaption a{color:var(--accent)}
footer{color:var(--muted);font-size:12px;margin-top:32px}
@media print{body{background:#fff}figure{border:none;padding:0}}
";

fn page(t: &Timeline, mc: Option<&McResult>, charts: &[Chart]) -> String {
    let mut h = String::with_capacity(charts.iter().map(|c| c.svg.len()).sum::<usize>() + 16_384);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Build-out report, as of {start}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n",
        start = esc(&t.start)
    );
    let sites = t.sites.len();
    let _ = write!(
        h,
        "<header>\n<h1>Data-center build-out report</h1>\n<p class=\"meta\">As of {} · horizon {} · \
         {sites} site{} · portfolio NPV {}{}</p>\n</header>\n",
        esc(&t.start),
        esc(&t.horizon),
        if sites == 1 { "" } else { "s" },
        usd(t.portfolio.npv_usd),
        match mc {
            Some(m) => format!(" · Monte Carlo: {} runs, seed {}", m.runs, m.seed),
            None => String::new(),
        }
    );
    summary_table(&mut h, t, mc);

    let section = |h: &mut String, title: &str, intro: &str, pick: &dyn Fn(&Chart) -> bool| {
        let mut any = false;
        for c in charts.iter().filter(|c| pick(c)) {
            if !any {
                let _ = write!(
                    h,
                    "<h2>{}</h2>\n<p class=\"meta\">{}</p>\n",
                    esc(title),
                    esc(intro)
                );
                any = true;
            }
            figure(h, c);
        }
    };
    section(
        &mut h,
        "Schedule",
        "One Gantt chart per site: tasks in schedule order, the critical path in vermillion, \
         dependencies as arrows, milestones as diamonds, and the as-of line.",
        &|c| c.file.starts_with("gantt-"),
    );
    section(
        &mut h,
        "Power",
        "Facility power available against power drawn by energized racks.",
        &|c| c.file.starts_with("power-"),
    );
    section(
        &mut h,
        "Dark GPU-days",
        "GPUs delivered but not earning, by what they wait for.",
        &|c| c.file == "dark-gpu-days.svg",
    );
    section(
        &mut h,
        "Revenue windows",
        "How long each order sells at the scarce price before rivals catch up.",
        &|c| c.file == "windows.svg",
    );
    section(
        &mut h,
        "Monte Carlo",
        "Uncertainty in durations, lead times and risks, sampled over many runs.",
        &|c| c.file.starts_with("mc-") || c.file == "tornado.svg",
    );
    let _ = write!(
        h,
        "<footer>Made by warmshell {}. The page is self-contained (inline SVG and CSS, no \
         script, no network); each chart is also a standalone SVG file beside it.</footer>\n\
         </main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    h
}

fn figure(h: &mut String, c: &Chart) {
    let anchor = c.file.trim_end_matches(".svg");
    let _ = write!(
        h,
        "<figure id=\"{}\" aria-label=\"{}\">\n{}<figcaption>{} <a href=\"{}\">Standalone SVG</a></figcaption>\n</figure>\n",
        esc(anchor),
        esc(&c.heading),
        c.svg,
        esc(&c.caption),
        esc(&percent_encode(&c.file))
    );
}

fn summary_table(h: &mut String, t: &Timeline, mc: Option<&McResult>) {
    h.push_str("<table>\n<thead><tr><th>Site</th><th>First rack powered</th>");
    if mc.is_some() {
        h.push_str("<th>P50 · P90 (Monte Carlo)</th>");
    }
    h.push_str(
        "<th>Fully powered</th><th>Main dark reason</th><th class=\"num\">Dark GPU-days</th>\
         <th class=\"num\">NPV</th></tr></thead>\n<tbody>\n",
    );
    let or_not = |d: &Option<String>| d.as_deref().map_or("not by horizon".to_string(), esc);
    for s in &t.sites {
        let _ = write!(
            h,
            "<tr><td><strong>{}</strong><br><span class=\"meta\">{}</span></td><td>{}</td>",
            esc(&s.name),
            esc(&s.id),
            or_not(&s.first_power_on)
        );
        if let Some(m) = mc {
            let cell = m
                .sites
                .iter()
                .find(|x| x.id == s.id)
                .map(|x| {
                    format!(
                        "{} · {}",
                        or_not(&x.first_power_on.p50),
                        or_not(&x.first_power_on.p90)
                    )
                })
                .unwrap_or_default();
            let _ = write!(h, "<td>{cell}</td>");
        }
        let _ = writeln!(
            h,
            "<td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            or_not(&s.full_power_on),
            s.main_dark_reason.map_or("none", |r| r.label()),
            si(s.dark_gpu_days.total as f64),
            usd(s.money.npv_usd)
        );
    }
    h.push_str("</tbody>\n</table>\n");
}

/// "$1.2B", "−$350M".
fn usd(v: i64) -> String {
    let s = si((v as f64).abs());
    if v < 0 {
        format!("−${s}")
    } else {
        format!("${s}")
    }
}

/// A file name as a relative URL: anything but unreserved characters is %-encoded.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}
