//! CSV files for spreadsheets: tasks, orders, the power curve, dark GPU-days.

use std::io;

use super::Artifact;
use crate::timeline::Timeline;

pub fn all(t: &Timeline) -> io::Result<Vec<Artifact>> {
    Ok(vec![
        tasks(t)?,
        orders(t)?,
        power(t)?,
        dark(t)?,
        money(t)?,
        money_by_month(t)?,
    ])
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

/// One row per order, then one per site (order empty) and one for the portfolio.
fn money(t: &Timeline) -> io::Result<Artifact> {
    use crate::timeline::MoneyRow;
    fn cells(m: &MoneyRow) -> Vec<String> {
        vec![
            m.revenue_usd.to_string(),
            m.premium_usd.to_string(),
            m.power_usd.to_string(),
            m.capex_usd.to_string(),
            m.residual_usd.to_string(),
            m.dark_depreciation_usd.to_string(),
            m.dark_forgone_usd.to_string(),
            m.npv_usd.to_string(),
            m.payback.clone().unwrap_or_default(),
        ]
    }
    let mut rows = Vec::new();
    for s in &t.sites {
        for o in &s.orders {
            let (start, end, days, by) = match &o.window {
                Some(w) => (
                    w.start.clone(),
                    opt(&w.end),
                    w.days.to_string(),
                    w.ended_by.code().to_owned(),
                ),
                None => Default::default(),
            };
            let mut row = vec![
                s.id.clone(),
                o.id.clone(),
                o.generation.clone(),
                start,
                end,
                days,
                by,
            ];
            row.extend(cells(&o.money));
            rows.push(row);
        }
        let mut row = vec![
            s.id.clone(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ];
        row.extend(cells(&s.money));
        rows.push(row);
    }
    let mut row = vec![
        "(portfolio)".to_owned(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
    ];
    row.extend(cells(&t.portfolio));
    rows.push(row);
    artifact(
        "money.csv",
        &[
            "site",
            "order",
            "generation",
            "window_start",
            "window_end",
            "window_days",
            "window_ended_by",
            "revenue_usd",
            "premium_usd",
            "power_usd",
            "capex_usd",
            "residual_usd",
            "dark_depreciation_usd",
            "dark_forgone_usd",
            "npv_usd",
            "payback",
        ],
        rows.into_iter(),
    )
}

fn money_by_month(t: &Timeline) -> io::Result<Artifact> {
    let rows = t.sites.iter().flat_map(|s| {
        s.money_by_month.iter().map(move |m| {
            vec![
                s.id.clone(),
                m.month.clone(),
                m.revenue_usd.to_string(),
                m.premium_usd.to_string(),
                m.power_usd.to_string(),
                m.capex_usd.to_string(),
                m.dark_depreciation_usd.to_string(),
                m.dark_forgone_usd.to_string(),
            ]
        })
    });
    artifact(
        "money_by_month.csv",
        &[
            "site",
            "month",
            "revenue_usd",
            "premium_usd",
            "power_usd",
            "capex_usd",
            "dark_depreciation_usd",
            "dark_forgone_usd",
        ],
        rows,
    )
}
