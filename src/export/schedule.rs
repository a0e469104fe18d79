//! The schedule every export draws: per site a summary row, its tasks, and
//! milestones (halls ready, power sources on and off, orders' first delivery
//! and power-on), with dates and finish-to-start links. Built once from the
//! scenario (for links and lags, which the timeline does not hold) and the
//! timeline (for dates), so every format shows the same items.

use std::io;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use crate::scenario::{Scenario, Trigger};
use crate::timeline::Timeline;

pub const FORMAT: &str = "warmshell-schedule";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Schedule {
    pub format: &'static str,
    pub version: u32,
    #[serde(serialize_with = "iso")]
    pub start: NaiveDate,
    #[serde(serialize_with = "iso")]
    pub horizon: NaiveDate,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemType {
    /// A site: spans its tasks and milestones.
    Summary,
    Task,
    /// Zero duration: a `0d` task or an event of the build-out.
    Milestone,
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// 1, 2, ... in output order; the same input gives the same uids.
    pub uid: u32,
    /// The site's id (its file stem).
    pub site: String,
    /// Unique within the site: the task id, or `hall-1:ready`, `grid-1:on`,
    /// `grid-1:off`, `gb300-a:first_delivery`, `gb300-a:first_power_on`,
    /// `gb300-a:full_power_on`; empty for the site's summary.
    pub id: String,
    #[serde(rename = "type")]
    pub item_type: ItemType,
    /// The task's kind (`permitting`, ...), or `site`, `hall`, `power`, `order`.
    pub kind: &'static str,
    pub name: String,
    /// 1 for a site, 2 for what lies beneath it.
    pub outline_level: u8,
    #[serde(serialize_with = "iso")]
    pub start: NaiveDate,
    /// The day successors may start (`start + duration_days`), as in timeline.json.
    #[serde(serialize_with = "iso")]
    pub finish: NaiveDate,
    pub duration_days: u32,
    /// Tasks only.
    pub total_float_days: Option<u32>,
    pub critical: bool,
    pub predecessors: Vec<Link>,
}

/// Finish-to-start: this item starts no earlier than `uid`'s finish plus `lag_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Link {
    pub uid: u32,
    #[serde(rename = "type")]
    pub link_type: LinkType,
    pub lag_days: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LinkType {
    /// Finish-to-start, the only dependency warmshell's format has.
    #[serde(rename = "FS")]
    FinishToStart,
}

fn iso<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(d)
}

fn parse(date: &str) -> io::Result<NaiveDate> {
    NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map_err(|e| io::Error::other(format!("timeline date `{date}`: {e}")))
}

/// The schedule of `timeline`, a run of `scenario` (same sites, same order).
pub fn build(scenario: &Scenario, timeline: &Timeline) -> io::Result<Schedule> {
    if scenario.sites.len() != timeline.sites.len() {
        return Err(io::Error::other(
            "the timeline is not a run of this scenario",
        ));
    }
    let mut items: Vec<Item> = Vec::new();
    for (site, run) in scenario.sites.iter().zip(&timeline.sites) {
        if site.tasks.len() != run.tasks.len()
            || site.halls.len() != run.halls.len()
            || site.power.len() != run.power_sources.len()
            || site.orders.len() != run.orders.len()
        {
            return Err(io::Error::other(format!(
                "the timeline of site `{}` is not a run of this scenario",
                site.id
            )));
        }
        // Uids are positions: the n-th item (from 1) has uid n.
        let summary_uid = items.len() as u32 + 1;
        let task_uid = |t: usize| summary_uid + 1 + t as u32;
        let mut children: Vec<Item> = Vec::new();
        let item = |id: String, item_type, kind, name: String, start, finish, days| Item {
            uid: 0,
            site: site.id.clone(),
            id,
            item_type,
            kind,
            name,
            outline_level: 2,
            start,
            finish,
            duration_days: days,
            total_float_days: None,
            critical: false,
            predecessors: vec![],
        };
        let milestone = |id: String, kind, name: String, on: NaiveDate, preds: Vec<Link>| Item {
            predecessors: preds,
            ..item(id, ItemType::Milestone, kind, name, on, on, 0)
        };
        let fs = |uid, lag_days| Link {
            uid,
            link_type: LinkType::FinishToStart,
            lag_days,
        };

        for (task, row) in site.tasks.iter().zip(&run.tasks) {
            let kind = if row.duration_days == 0 {
                ItemType::Milestone
            } else {
                ItemType::Task
            };
            let mut it = item(
                task.id.clone(),
                kind,
                row.kind,
                task.name.clone(),
                parse(&row.start)?,
                parse(&row.finish)?,
                row.duration_days,
            );
            it.total_float_days = Some(row.total_float_days);
            it.critical = row.critical;
            it.predecessors = task
                .after
                .iter()
                .map(|d| fs(task_uid(d.task), d.lag))
                .collect();
            children.push(it);
        }
        // The task whose finish a trigger waits for, with the trigger's lag.
        let after_task = |trigger: Trigger, lag| match trigger {
            Trigger::Task(t) => vec![fs(task_uid(t), lag)],
            Trigger::Day(_) => vec![],
        };
        for (hall, row) in site.halls.iter().zip(&run.halls) {
            children.push(milestone(
                format!("{}:ready", hall.id),
                "hall",
                format!("{} ready ({} MW IT)", hall.id, row.it_mw),
                parse(&row.ready)?,
                after_task(Trigger::Task(hall.ready), 0),
            ));
        }
        for (source, row) in site.power.iter().zip(&run.power_sources) {
            children.push(milestone(
                format!("{}:on", source.id),
                "power",
                format!("{} on ({} MW)", source.id, row.mw),
                parse(&row.on)?,
                after_task(source.from, source.lag),
            ));
            if let (Some(off), Some(until)) = (&row.off, source.until) {
                children.push(milestone(
                    format!("{}:off", source.id),
                    "power",
                    format!("{} off", source.id),
                    parse(off)?,
                    after_task(until, source.lag),
                ));
            }
        }
        for (order, row) in site.orders.iter().zip(&run.orders) {
            if let Some(d) = &row.first_delivery {
                let day = parse(d)?;
                // The lead time is the lag after the task that places the order.
                let preds = match order.ordered {
                    Trigger::Task(t) => {
                        let placed = children[t].finish;
                        u32::try_from((day - placed).num_days())
                            .map(|lag| vec![fs(task_uid(t), lag)])
                            .unwrap_or_default()
                    }
                    Trigger::Day(_) => vec![],
                };
                children.push(milestone(
                    format!("{}:first_delivery", order.id),
                    "order",
                    format!(
                        "{} first delivery ({} racks {})",
                        order.id, row.racks, row.generation
                    ),
                    day,
                    preds,
                ));
            }
            for (key, what, date) in [
                (
                    "first_power_on",
                    "first rack powered on",
                    &row.first_power_on,
                ),
                ("full_power_on", "all racks powered on", &row.full_power_on),
            ] {
                if let Some(d) = date {
                    children.push(milestone(
                        format!("{}:{key}", order.id),
                        "order",
                        format!("{} {what}", order.id),
                        parse(d)?,
                        vec![],
                    ));
                }
            }
        }

        let start = children
            .iter()
            .map(|c| c.start)
            .min()
            .unwrap_or(scenario.start);
        let finish = children.iter().map(|c| c.finish).max().unwrap_or(start);
        let mut summary = item(
            String::new(),
            ItemType::Summary,
            "site",
            site.name.clone(),
            start,
            finish,
            u32::try_from((finish - start).num_days()).unwrap_or(0),
        );
        summary.outline_level = 1;
        summary.critical = children.iter().any(|c| c.critical);
        summary.uid = summary_uid;
        items.push(summary);
        for (i, mut c) in children.into_iter().enumerate() {
            c.uid = summary_uid + 1 + i as u32;
            items.push(c);
        }
    }
    Ok(Schedule {
        format: FORMAT,
        version: VERSION,
        start: scenario.start,
        horizon: scenario.horizon,
        items,
    })
}
