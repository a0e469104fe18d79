//! CSV files for spreadsheets: tasks, orders, the power curve, dark GPU-days.

use std::io;

use super::Artifact;
use crate::timeline::Timeline;

pub fn all(t: &Timeline) -> io::Result<Vec<Artifact>> {
    Ok(vec![tasks(t)?, orders(t)?, power(t)?, dark(t)?])
}

fn artifact(
    name: &str,
    header: &[&str],
    rows: impl Iterator<Item = Vec<String>>,
) -> io::Result<Artifact> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header)?;
    for row in rows {
        w.write_record(&row)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| io::Error::other(e.to_string()))?;
    Ok(Artifact {
        name: name.into(),
        bytes,
    })
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn tasks(t: &Timeline) -> io::Result<Artifact> {
    let rows = t.sites.iter().flat_map(|s| {
        s.tasks.iter().map(move |k| {
            vec![
                s.id.clone(),
                k.id.clone(),
                k.name.clone(),
                k.kind.into(),
                k.start.clone(),
                k.finish.clone(),
                k.duration_days.to_string(),
                k.total_float_days.to_string(),
                k.critical.to_string(),
            ]
        })
    });
    artifact(
        "tasks.csv",
        &[
            "site",
            "task",
            "name",
            "kind",
            "start",
            "finish",
            "duration_days",
            "total_float_days",
            "critical",
        ],
        rows,
    )
}

fn orders(t: &Timeline) -> io::Result<Artifact> {
    let rows = t.sites.iter().flat_map(|s| {
        s.orders.iter().map(move |o| {
            vec![
                s.id.clone(),
                o.id.clone(),
                o.generation.clone(),
                o.racks.to_string(),
                o.gpus.to_string(),
                opt(&o.placed),
                opt(&o.first_delivery),
                opt(&o.last_delivery),
                opt(&o.first_install),
                opt(&o.all_installed),
                opt(&o.first_power_on),
                opt(&o.full_power_on),
                opt(&o.first_earning),
                opt(&o.full_earning),
                o.at_horizon.earning_gpus.to_string(),
            ]
        })
    });
    artifact(
        "orders.csv",
        &[
            "site",
            "order",
            "generation",
            "racks",
            "gpus",
            "placed",
            "first_delivery",
            "last_delivery",
            "first_install",
            "all_installed",
            "first_power_on",
            "full_power_on",
            "first_earning",
            "full_earning",
            "earning_gpus_at_horizon",
        ],
        rows,
    )
}

fn power(t: &Timeline) -> io::Result<Artifact> {
    let rows = t.sites.iter().flat_map(|s| {
        s.power_curve.iter().map(move |p| {
            vec![
                s.id.clone(),
                p.date.clone(),
                p.available_mw.to_string(),
                p.drawn_mw.to_string(),
            ]
        })
    });
    artifact(
        "power.csv",
        &["site", "date", "available_mw", "drawn_mw"],
        rows,
    )
}

fn dark(t: &Timeline) -> io::Result<Artifact> {
    let rows = t.sites.iter().flat_map(|s| {
        s.dark_by_month.iter().map(move |m| {
            vec![
                s.id.clone(),
                m.month.clone(),
                m.shell.to_string(),
                m.crew.to_string(),
                m.power.to_string(),
                m.burn_in.to_string(),
                m.total.to_string(),
            ]
        })
    });
    artifact(
        "dark_gpu_days.csv",
        &[
            "site", "month", "shell", "crew", "power", "burn_in", "total",
        ],
        rows,
    )
}
