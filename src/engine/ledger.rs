//! Accounting over time: dark GPU-days by reason and month, and the power curve.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::state::GpuCounts;
use crate::scenario::{Day, date_of, day_of};

/// Facility power available and drawn from `day` until the next point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PowerPoint {
    pub day: Day,
    pub available_watts: u64,
    pub drawn_watts: u64,
}

/// Dark GPU-days per calendar month, by reason (indexed by `DarkReason`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DarkLedger {
    start: NaiveDate,
    /// False: keep only the totals (Monte Carlo has no use for months).
    by_month: bool,
    totals: [u64; 4],
    /// Keyed by the first day of the month.
    months: BTreeMap<NaiveDate, [u64; 4]>,
}

impl DarkLedger {
    pub fn new(start: NaiveDate, by_month: bool) -> Self {
        DarkLedger {
            start,
            by_month,
            totals: [0; 4],
            months: BTreeMap::new(),
        }
    }

    /// Books the state `counts` for every day in `[from, until)`, split by month.
    pub fn add(&mut self, from: Day, until: Day, counts: &[GpuCounts]) {
        let mut per_day = [0u64; 4];
        for c in counts {
            for (slot, gpus) in per_day.iter_mut().zip(c.dark) {
                *slot += gpus;
            }
        }
        if per_day == [0; 4] {
            return;
        }
        let days = u64::from(until.saturating_sub(from));
        for (t, g) in self.totals.iter_mut().zip(per_day) {
            *t = t.saturating_add(g.saturating_mul(days));
        }
        if !self.by_month {
            return;
        }
        let mut day = from;
        while day < until {
            let date = date_of(self.start, day);
            let month = date.with_day(1).unwrap_or(date);
            let next_month = month
                .checked_add_months(chrono::Months::new(1))
                .unwrap_or(NaiveDate::MAX);
            let end = until.min(day_of(self.start, next_month).max(day + 1));
            let days = u64::from(end - day);
            let slot = self.months.entry(month).or_default();
            for (s, g) in slot.iter_mut().zip(per_day) {
                *s = s.saturating_add(g.saturating_mul(days));
            }
            day = end;
        }
    }

    /// Months with any dark GPU-days, in order.
    pub fn months(&self) -> impl Iterator<Item = (NaiveDate, [u64; 4])> + '_ {
        self.months.iter().map(|(m, v)| (*m, *v))
    }

    /// Totals by reason over the whole run.
    pub fn totals(&self) -> [u64; 4] {
        self.totals
    }
}

/// Watts as MW with up to six decimals and no trailing zeros (exact for whole watts).
pub fn format_mw(watts: u64) -> String {
    let whole = watts / 1_000_000;
    let frac = watts % 1_000_000;
    if frac == 0 {
        whole.to_string()
    } else {
        let f = format!("{frac:06}");
        format!("{whole}.{}", f.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dark_days_split_at_month_boundaries() {
        let start = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let mut ledger = DarkLedger::new(start, true);
        let counts = [GpuCounts {
            dark: [0, 0, 10, 0],
            earning: 0,
        }];
        ledger.add(20, 40, &counts); // Jan 21 .. Feb 9
        let months: Vec<_> = ledger.months().collect();
        assert_eq!(months.len(), 2);
        assert_eq!(months[0].1[2], 11 * 10);
        assert_eq!(months[1].1[2], 9 * 10);
        assert_eq!(ledger.totals()[2], 200);
    }

    #[test]
    fn megawatts_are_printed_exactly() {
        assert_eq!(format_mw(96_000_000), "96");
        assert_eq!(format_mw(168_750), "0.16875");
    }
}
