//! Rental prices of a generation over time.
//!
//! Uses `libm` (pure Rust) for powers so that results are identical on every
//! platform, whatever its C maths library.

use chrono::NaiveDate;

use crate::scenario::market::{Market, Pricing};

/// Price per GPU-hour of one generation, day by day from the scenario start.
#[derive(Debug, Clone)]
pub struct PriceCurve {
    launch: f64,
    /// Days from the start to availability (may be negative).
    available: i64,
    /// Days from the start on which each later generation becomes available.
    successors: Vec<i64>,
    pricing: Pricing,
}

impl PriceCurve {
    pub fn new(market: &Market, g: usize, start: NaiveDate) -> Self {
        let mut successors = Vec::new();
        let mut next = market.generations[g].successor;
        while let Some(s) = next {
            if successors.len() > market.generations.len() {
                break; // successors form a chain by date; this only guards a hand-built market
            }
            successors.push(market.available_day(s, start));
            next = market.generations[s].successor;
        }
        PriceCurve {
            launch: market.generations[g].usd_per_gpu_hour,
            available: market.available_day(g, start),
            successors,
            pricing: market.pricing,
        }
    }

    /// (scarce, commodity) price per GPU-hour for days `0..=horizon`.
    ///
    /// Scarce: the launch price less the yearly decline since availability
    /// (compounded daily) and a step for each successor available by then,
    /// never below the floor. Commodity: the scarce price less the scarcity
    /// premium, never below the floor. Built by multiplying day by day, so a
    /// table costs two `pow` calls however long the horizon.
    pub fn table(&self, horizon: u32) -> Vec<(f64, f64)> {
        let p = &self.pricing;
        let daily = libm::pow(1.0 - p.yearly_decline, 1.0 / 365.0);
        let mut base = self.launch * libm::pow(daily, (-self.available).max(0) as f64);
        let mut out = Vec::with_capacity(horizon as usize + 1);
        for day in 0..=i64::from(horizon) {
            if day > self.available && day > 0 {
                base *= daily;
            }
            let steps = self.successors.iter().filter(|&&s| s <= day).count();
            let mut scarce = base;
            for _ in 0..steps {
                scarce *= 1.0 - p.successor_step;
            }
            let scarce = scarce.max(p.floor_usd_per_gpu_hour);
            let commodity = (scarce * (1.0 - p.scarcity_premium)).max(p.floor_usd_per_gpu_hour);
            out.push((scarce, commodity));
        }
        out
    }

    /// The first day the next generation is available, if any.
    pub fn successor_day(&self) -> Option<i64> {
        self.successors.first().copied()
    }
}
