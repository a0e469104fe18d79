//! A Mermaid gantt chart, which GitHub and GitLab render in Markdown
//! (inside a ```` ```mermaid ```` block): one section per site, each task
//! with its start date and length in days (explicit dates, since Mermaid's
//! `after` has no lags), critical tasks tagged `crit`, milestones as
//! diamonds. Names go through [`escape::mermaid`](super::escape::mermaid).

use std::fmt::Write;

use super::escape::mermaid as text;
use super::schedule::{ItemType, Schedule};

pub fn render(schedule: &Schedule) -> Vec<u8> {
    let mut m = String::with_capacity(128 + schedule.items.len() * 80);
    m.push_str("gantt\n");
    let _ = writeln!(
        m,
        "    title warmshell schedule from {} (horizon {})",
        schedule.start, schedule.horizon
    );
    m.push_str("    dateFormat YYYY-MM-DD\n");
    m.push_str("    axisFormat %Y-%m\n");
    m.push_str("    todayMarker off\n");
    for item in &schedule.items {
        if item.item_type == ItemType::Summary {
            let _ = writeln!(m, "    section {}", text(&item.name));
            continue;
        }
        let mut tags = Vec::with_capacity(2);
        if item.critical {
            tags.push("crit");
        }
        if item.item_type == ItemType::Milestone {
            tags.push("milestone");
        }
        tags.push("");
        // Ids are `t` and the uid: only letters and digits, whatever the planner's ids.
        let _ = writeln!(
            m,
            "    {} :{}t{}, {}, {}d",
            text(&item.name),
            tags.join(", "),
            item.uid,
            item.start,
            item.duration_days
        );
    }
    m.into_bytes()
}
