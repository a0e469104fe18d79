//! MS Project XML (MSPDI), which MS Project, ProjectLibre and every tool
//! built on MPXJ open (MPXJ also converts it to Primavera XER and P6 XML).
//!
//! One `Project` per scenario. Each site is a summary task (outline level 1)
//! with its tasks and milestones beneath (level 2). warmshell counts
//! calendar days, so the project has one calendar, "24 Hours", every day
//! working from midnight to midnight: a task of `n` days runs from its start
//! date at 00:00 to its finish date at 00:00 (`n` × 24 hours later), which
//! is exactly warmshell's day clock, and tools read back the same dates.
//! Tasks are manually scheduled (`Manual` 1), so a tool shows warmshell's
//! dates (including the engine's power-on dates, which no link explains)
//! rather than rescheduling them. Links are finish-to-start with lags in
//! elapsed days. Element order follows the MSPDI schema's sequences.

use std::fmt::Write;

use chrono::NaiveDate;

use super::escape::xml;
use super::schedule::{ItemType, LinkType, Schedule};

/// The project's only calendar.
const CALENDAR_UID: u32 = 1;
/// `PredecessorLink/Type`: 0 FF, 1 FS, 2 SF, 3 SS.
const LINK_FS: u32 = 1;
/// `LagFormat` / `DurationFormat`: 7 days, 8 elapsed days.
const FORMAT_DAYS: u32 = 7;
const FORMAT_ELAPSED_DAYS: u32 = 8;
/// `LinkLag` is in tenths of a minute.
const LAG_UNITS_PER_DAY: u64 = 24 * 60 * 10;

fn at_midnight(d: NaiveDate) -> String {
    format!("{d}T00:00:00")
}

/// `PT{h}H0M0S`: a 24-hour day per calendar day.
fn hours(days: u32) -> String {
    format!("PT{}H0M0S", u64::from(days) * 24)
}

pub fn render(schedule: &Schedule) -> Vec<u8> {
    let mut x = String::with_capacity(512 + schedule.items.len() * 700);
    let finish = schedule
        .items
        .iter()
        .map(|i| i.finish)
        .max()
        .unwrap_or(schedule.start);
    x.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    x.push_str("<Project xmlns=\"http://schemas.microsoft.com/project\">\n");
    // Project children in schema order.
    let _ = writeln!(x, " <SaveVersion>14</SaveVersion>");
    let _ = writeln!(x, " <Title>warmshell schedule</Title>");
    let _ = writeln!(x, " <ScheduleFromStart>1</ScheduleFromStart>");
    let _ = writeln!(x, " <StartDate>{}</StartDate>", at_midnight(schedule.start));
    let _ = writeln!(x, " <FinishDate>{}</FinishDate>", at_midnight(finish));
    let _ = writeln!(x, " <CalendarUID>{CALENDAR_UID}</CalendarUID>");
    let _ = writeln!(x, " <DefaultStartTime>00:00:00</DefaultStartTime>");
    let _ = writeln!(x, " <MinutesPerDay>1440</MinutesPerDay>");
    let _ = writeln!(x, " <MinutesPerWeek>10080</MinutesPerWeek>");
    let _ = writeln!(x, " <DaysPerMonth>30</DaysPerMonth>");
    let _ = writeln!(x, " <DurationFormat>{FORMAT_DAYS}</DurationFormat>");
    x.push_str(" <Calendars>\n  <Calendar>\n");
    let _ = writeln!(x, "   <UID>{CALENDAR_UID}</UID>");
    x.push_str("   <Name>24 Hours</Name>\n");
    x.push_str("   <IsBaseCalendar>1</IsBaseCalendar>\n");
    x.push_str("   <BaseCalendarUID>-1</BaseCalendarUID>\n");
    x.push_str("   <WeekDays>\n");
    // DayType 1 = Sunday ... 7 = Saturday; 00:00 to 00:00 is the whole day.
    for day in 1..=7 {
        let _ = writeln!(
            x,
            "    <WeekDay><DayType>{day}</DayType><DayWorking>1</DayWorking><WorkingTimes><WorkingTime><FromTime>00:00:00</FromTime><ToTime>00:00:00</ToTime></WorkingTime></WorkingTimes></WeekDay>"
        );
    }
    x.push_str("   </WeekDays>\n  </Calendar>\n </Calendars>\n <Tasks>\n");
    let mut outline = [0u32; 2];
    for item in &schedule.items {
        // OutlineNumber: `site` or `site.child`.
        let number = if item.outline_level == 1 {
            outline = [outline[0] + 1, 0];
            outline[0].to_string()
        } else {
            outline[1] += 1;
            format!("{}.{}", outline[0], outline[1])
        };
        let summary = item.item_type == ItemType::Summary;
        let milestone = item.item_type == ItemType::Milestone;
        x.push_str("  <Task>\n");
        let _ = writeln!(x, "   <UID>{}</UID>", item.uid);
        let _ = writeln!(x, "   <ID>{}</ID>", item.uid);
        let _ = writeln!(x, "   <Name>{}</Name>", xml(&item.name));
        let _ = writeln!(x, "   <Manual>{}</Manual>", u8::from(!summary));
        let _ = writeln!(x, "   <OutlineNumber>{number}</OutlineNumber>");
        let _ = writeln!(x, "   <OutlineLevel>{}</OutlineLevel>", item.outline_level);
        let _ = writeln!(x, "   <Start>{}</Start>", at_midnight(item.start));
        let _ = writeln!(x, "   <Finish>{}</Finish>", at_midnight(item.finish));
        let _ = writeln!(x, "   <Duration>{}</Duration>", hours(item.duration_days));
        if !summary {
            let _ = writeln!(
                x,
                "   <ManualStart>{}</ManualStart>",
                at_midnight(item.start)
            );
            let _ = writeln!(
                x,
                "   <ManualFinish>{}</ManualFinish>",
                at_midnight(item.finish)
            );
            let _ = writeln!(
                x,
                "   <ManualDuration>{}</ManualDuration>",
                hours(item.duration_days)
            );
        }
        let _ = writeln!(x, "   <DurationFormat>{FORMAT_DAYS}</DurationFormat>");
        let _ = writeln!(x, "   <Milestone>{}</Milestone>", u8::from(milestone));
        let _ = writeln!(x, "   <Summary>{}</Summary>", u8::from(summary));
        let _ = writeln!(x, "   <Critical>{}</Critical>", u8::from(item.critical));
        let notes = if summary {
            format!("warmshell site {}", item.site)
        } else {
            format!("warmshell site {}, {} ({})", item.site, item.id, item.kind)
        };
        let _ = writeln!(x, "   <Notes>{}</Notes>", xml(&notes));
        for link in &item.predecessors {
            let LinkType::FinishToStart = link.link_type;
            let _ = writeln!(
                x,
                "   <PredecessorLink><PredecessorUID>{}</PredecessorUID><Type>{LINK_FS}</Type><LinkLag>{}</LinkLag><LagFormat>{FORMAT_ELAPSED_DAYS}</LagFormat></PredecessorLink>",
                link.uid,
                u64::from(link.lag_days) * LAG_UNITS_PER_DAY
            );
        }
        x.push_str("  </Task>\n");
    }
    x.push_str(" </Tasks>\n</Project>\n");
    x.into_bytes()
}
