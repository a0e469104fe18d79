//! The racks of one site, held as cohorts: runs of consecutive racks of one
//! order that move through the stages together. A 10,000-rack order costs no
//! more than its delivery batches and install waves, not one object per rack.

use std::collections::{BTreeMap, VecDeque};

use super::event::{CohortId, DarkReason};
use crate::scenario::Day;

/// What one rack of an order needs and holds.
#[derive(Debug, Clone, Copy)]
pub struct RackSpec {
    pub it_watts: u64,
    pub facility_watts: u64,
    pub gpus: u64,
}

/// Racks `first..first + count` (0-based) of `order`, delivered on `delivered`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cohort {
    pub order: usize,
    pub first: u32,
    pub count: u32,
    pub delivered: Day,
}

impl Cohort {
    /// Queue order at every stage: delivery day, order declaration, rack number.
    pub fn key(&self) -> (Day, usize, u32) {
        (self.delivered, self.order, self.first)
    }

    /// Splits off the first `n` racks (n < count).
    pub fn take_front(&mut self, n: u32) -> Cohort {
        let front = Cohort { count: n, ..*self };
        self.first += n;
        self.count -= n;
        front
    }

    /// Splits off the last `n` racks (n < count).
    pub fn take_back(&mut self, n: u32) -> Cohort {
        self.count -= n;
        Cohort {
            first: self.first + self.count,
            count: n,
            ..*self
        }
    }
}

/// An energized cohort: in burn-in until `burned_in`, then earning.
#[derive(Debug, Clone, Copy)]
pub struct Powered {
    pub id: CohortId,
    pub cohort: Cohort,
    pub burned_in: bool,
}

/// Every delivered rack of a site is in exactly one of these collections.
#[derive(Debug, Default)]
pub struct Racks {
    /// Delivered, not yet installing; sorted by key.
    pub awaiting_install: VecDeque<Cohort>,
    /// Being installed, with the hall each cohort goes into.
    pub installing: BTreeMap<CohortId, (Cohort, usize)>,
    /// Installed, not energized; sorted by key. The flag is true for racks
    /// that finished burn-in before losing power.
    pub awaiting_power: VecDeque<(Cohort, bool)>,
    /// Energized, in the order they were energized (the last is shed first).
    pub energized: Vec<Powered>,
}

/// GPUs of one order in each state at the end of a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GpuCounts {
    pub dark: [u64; 4],
    pub earning: u64,
}

impl GpuCounts {
    pub fn add(&mut self, reason: DarkReason, gpus: u64) {
        self.dark[reason as usize] += gpus;
    }
    pub fn dark_total(&self) -> u64 {
        self.dark.iter().sum()
    }
}

impl Racks {
    /// Inserts keeping the queue sorted (stable for equal keys).
    pub fn queue_install(&mut self, c: Cohort) {
        let at = self
            .awaiting_install
            .partition_point(|x| x.key() <= c.key());
        self.awaiting_install.insert(at, c);
    }

    pub fn queue_power(&mut self, c: Cohort, burned_in: bool) {
        let at = self
            .awaiting_power
            .partition_point(|(x, _)| x.key() <= c.key());
        self.awaiting_power.insert(at, (c, burned_in));
    }

    /// Merges the earning cohort at `i` into its earning neighbours when they
    /// continue each other (same order and delivery day, consecutive racks),
    /// so long runs keep few cohorts. Shedding order is unchanged: merged
    /// cohorts were adjacent in energize order.
    pub fn merge_earning(&mut self, i: usize) {
        let joins = |a: &Powered, b: &Powered| {
            a.burned_in
                && b.burned_in
                && a.cohort.order == b.cohort.order
                && a.cohort.delivered == b.cohort.delivered
                && a.cohort.first + a.cohort.count == b.cohort.first
        };
        let mut i = i;
        if i > 0 && joins(&self.energized[i - 1], &self.energized[i]) {
            let b = self.energized.remove(i);
            self.energized[i - 1].cohort.count += b.cohort.count;
            i -= 1;
        }
        if i + 1 < self.energized.len() && joins(&self.energized[i], &self.energized[i + 1]) {
            let b = self.energized.remove(i + 1);
            self.energized[i].cohort.count += b.cohort.count;
        }
    }

    pub fn crews_busy(&self) -> u32 {
        self.installing.values().map(|(c, _)| c.count).sum()
    }

    /// GPUs per order and state. Racks waiting to install count as `crew`
    /// while, taken in queue order, a ready hall still has room for them, and
    /// as `shell` after that.
    pub fn counts(&self, specs: &[RackSpec], hall_room: &[Option<u64>]) -> Vec<GpuCounts> {
        let mut out = self.counts_waiting(specs, hall_room);
        for p in &self.energized {
            let gpus = u64::from(p.cohort.count) * specs[p.cohort.order].gpus;
            if p.burned_in {
                out[p.cohort.order].earning += gpus;
            } else {
                out[p.cohort.order].add(DarkReason::BurnIn, gpus);
            }
        }
        out
    }

    /// As [`counts`](Self::counts), without the energized racks: the engine
    /// keeps running totals of those, so it need not walk them every day.
    pub fn counts_waiting(&self, specs: &[RackSpec], hall_room: &[Option<u64>]) -> Vec<GpuCounts> {
        let mut out = vec![GpuCounts::default(); specs.len()];
        // Halls' room left, taken in queue order (no allocation when nothing waits).
        let mut room: Vec<u64> = if self.awaiting_install.is_empty() {
            Vec::new()
        } else {
            hall_room.iter().map(|r| r.unwrap_or(0)).collect()
        };
        // Once no hall has room for the smallest rack, the rest wait for a shell.
        let smallest = specs.iter().map(|s| s.it_watts.max(1)).min().unwrap_or(1);
        let mut full = room.iter().all(|&r| r < smallest);
        for c in &self.awaiting_install {
            let spec = specs[c.order];
            if full {
                out[c.order].add(DarkReason::Shell, u64::from(c.count) * spec.gpus);
                continue;
            }
            let mut left = u64::from(c.count);
            for r in room.iter_mut() {
                let fit = left.min(*r / spec.it_watts.max(1));
                *r -= fit * spec.it_watts;
                left -= fit;
            }
            out[c.order].add(DarkReason::Crew, (u64::from(c.count) - left) * spec.gpus);
            out[c.order].add(DarkReason::Shell, left * spec.gpus);
            full = room.iter().all(|&r| r < smallest);
        }
        for (c, _) in self.installing.values() {
            out[c.order].add(DarkReason::Crew, u64::from(c.count) * specs[c.order].gpus);
        }
        for (c, _) in &self.awaiting_power {
            out[c.order].add(DarkReason::Power, u64::from(c.count) * specs[c.order].gpus);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting_keeps_rack_numbers() {
        let mut c = Cohort {
            order: 0,
            first: 10,
            count: 5,
            delivered: 3,
        };
        let front = c.take_front(2);
        assert_eq!((front.first, front.count, c.first, c.count), (10, 2, 12, 3));
        let back = c.take_back(1);
        assert_eq!((back.first, back.count, c.first, c.count), (14, 1, 12, 2));
    }

    #[test]
    fn waiting_racks_split_into_crew_and_shell_by_room_left() {
        let specs = [RackSpec {
            it_watts: 100,
            facility_watts: 120,
            gpus: 8,
        }];
        let mut racks = Racks::default();
        racks.queue_install(Cohort {
            order: 0,
            first: 0,
            count: 5,
            delivered: 0,
        });
        // Room for 3 racks in a ready hall, none in a hall that is not ready.
        let counts = racks.counts(&specs, &[Some(350), None]);
        assert_eq!(counts[0].dark[DarkReason::Crew as usize], 24);
        assert_eq!(counts[0].dark[DarkReason::Shell as usize], 16);
    }
}
