//! Aggregates that stay small however many runs there are, and merge exactly
//! in any order (integer counts only), so results do not depend on how runs
//! were split between threads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Counts of values quantized to `step` (1 for whole days) or, with
/// `step == 0`, to three significant digits (for money and GPU-days, whose
/// range is wide: the number of bins then stays bounded however many runs
/// there are); plus the exact sum.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    step: i64,
    counts: Bins,
    sum: i128,
    n: u64,
}

/// Where the counts live: a map for wide ranges, or one slot per day for
/// dates (allocated once, so memory does not grow with the runs).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bins {
    Sparse(BTreeMap<i64, u64>),
    /// Counts of 0..len; values outside are clamped.
    Dense(Vec<u64>),
}

impl Default for Bins {
    fn default() -> Self {
        Bins::Sparse(BTreeMap::new())
    }
}

/// P10, P50, P90 and the mean of a quantity.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Summary {
    pub p10: i64,
    pub p50: i64,
    pub p90: i64,
    pub mean: f64,
    /// The 95% confidence interval of the P50 estimate, from order statistics.
    pub p50_ci95: (i64, i64),
}

impl Histogram {
    /// Exact to `step`.
    pub fn new(step: i64) -> Self {
        Histogram {
            step: step.max(1),
            ..Default::default()
        }
    }

    /// Whole days from 0 to `last_day`, one slot each.
    pub fn days(last_day: u32) -> Self {
        Histogram {
            step: 1,
            counts: Bins::Dense(vec![0; last_day as usize + 1]),
            ..Default::default()
        }
    }

    /// Exact to three significant digits.
    pub fn relative() -> Self {
        Histogram {
            step: 0,
            ..Default::default()
        }
    }

    /// The bin of `value`: rounded half up to the step.
    fn key(&self, value: i64) -> i64 {
        let step = if self.step > 0 {
            self.step
        } else {
            significant_step(value)
        };
        let down = value.div_euclid(step) * step;
        if value.rem_euclid(step) * 2 >= step {
            down.saturating_add(step)
        } else {
            down
        }
    }

    pub fn add(&mut self, value: i64) {
        let key = self.key(value);
        match &mut self.counts {
            Bins::Sparse(map) => *map.entry(key).or_default() += 1,
            Bins::Dense(slots) => {
                let last = slots.len().saturating_sub(1);
                if let Some(slot) =
                    slots.get_mut(usize::try_from(key.max(0)).unwrap_or(last).min(last))
                {
                    *slot += 1;
                }
            }
        }
        self.sum += i128::from(value);
        self.n += 1;
    }

    pub fn merge(&mut self, other: &Histogram) {
        match (&mut self.counts, &other.counts) {
            (Bins::Dense(a), Bins::Dense(b)) if a.len() == b.len() => {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
            }
            (a, _) => {
                for (k, c) in other.iter() {
                    match a {
                        Bins::Sparse(map) => *map.entry(k).or_default() += c,
                        Bins::Dense(slots) => {
                            let last = slots.len().saturating_sub(1);
                            slots[usize::try_from(k.max(0)).unwrap_or(last).min(last)] += c;
                        }
                    }
                }
            }
        }
        self.sum += other.sum;
        self.n += other.n;
    }

    pub fn len(&self) -> u64 {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The value of 1-based rank `r` (nearest-rank), clamped to the data.
    pub fn at_rank(&self, r: u64) -> i64 {
        let r = r.clamp(1, self.n.max(1));
        let mut seen = 0;
        for (k, c) in self.iter() {
            seen += c;
            if seen >= r {
                return k;
            }
        }
        0
    }

    /// The nearest-rank percentile: the smallest value with at least `q` of runs at or below it.
    pub fn percentile(&self, q: f64) -> i64 {
        self.at_rank((q * self.n as f64).ceil() as u64)
    }

    pub fn summary(&self) -> Summary {
        let n = self.n as f64;
        // Order-statistic bounds of the median: ranks n/2 -+ 1.96 sqrt(n)/2.
        let half = 1.96 * n.sqrt() / 2.0;
        Summary {
            p10: self.percentile(0.10),
            p50: self.percentile(0.50),
            p90: self.percentile(0.90),
            mean: if self.n == 0 {
                0.0
            } else {
                self.sum as f64 / n
            },
            p50_ci95: (
                self.at_rank((n / 2.0 - half).floor() as u64),
                self.at_rank((n / 2.0 + half).ceil() as u64),
            ),
        }
    }

    /// (value, count) in increasing order: the empirical distribution.
    pub fn iter(&self) -> impl Iterator<Item = (i64, u64)> + '_ {
        let (sparse, dense) = match &self.counts {
            Bins::Sparse(map) => (Some(map.iter().map(|(k, c)| (*k, *c))), None),
            Bins::Dense(slots) => (
                None,
                Some(
                    slots
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| **c > 0)
                        .map(|(k, c)| (k as i64, *c)),
                ),
            ),
        };
        sparse
            .into_iter()
            .flatten()
            .chain(dense.into_iter().flatten())
    }
}

/// A histogram as a shard file stores it (docs/cluster.md): its occupied bins
/// only, so a day histogram of a ten-year horizon costs what it holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistogramRecord {
    step: i64,
    /// Slots of a day histogram; `None` for a map of bins.
    days: Option<u64>,
    /// (bin, count), bins strictly increasing, counts above zero.
    bins: Vec<(i64, u64)>,
    sum: i128,
    n: u64,
}

impl Histogram {
    pub fn record(&self) -> HistogramRecord {
        HistogramRecord {
            step: self.step,
            days: match &self.counts {
                Bins::Sparse(_) => None,
                Bins::Dense(slots) => Some(slots.len() as u64),
            },
            bins: self.iter().collect(),
            sum: self.sum,
            n: self.n,
        }
    }

    /// Rebuilds a histogram of the same kind as `like` (step, slots), or says
    /// why the record cannot be one: counts that do not add up to `n`, bins out
    /// of order or range, a sum no `n` values of 64 bits could reach.
    pub fn from_record(r: &HistogramRecord, like: &Histogram) -> Result<Histogram, String> {
        let slots = match &like.counts {
            Bins::Sparse(_) => None,
            Bins::Dense(s) => Some(s.len()),
        };
        if r.step != like.step || r.days != slots.map(|l| l as u64) {
            return Err("a histogram of another kind or horizon".into());
        }
        if r.bins.windows(2).any(|w| w[0].0 >= w[1].0) || r.bins.iter().any(|b| b.1 == 0) {
            return Err("histogram bins out of order, repeated or empty".into());
        }
        let total = r
            .bins
            .iter()
            .try_fold(0u64, |t, b| t.checked_add(b.1))
            .filter(|&t| t == r.n)
            .ok_or("histogram counts do not add up to its number of values")?;
        if r.sum.unsigned_abs() > u128::from(total) << 63 {
            return Err("histogram sum out of range".into());
        }
        let counts = match slots {
            None => Bins::Sparse(r.bins.iter().copied().collect()),
            Some(len) => {
                let mut dense = vec![0; len];
                for &(k, c) in &r.bins {
                    let slot = usize::try_from(k)
                        .ok()
                        .and_then(|k| dense.get_mut(k))
                        .ok_or("a day histogram bin outside the horizon")?;
                    *slot = c;
                }
                Bins::Dense(dense)
            }
        };
        Ok(Histogram {
            step: r.step,
            counts,
            sum: r.sum,
            n: r.n,
        })
    }
}

/// The power of ten that keeps three significant digits of `value`.
fn significant_step(value: i64) -> i64 {
    let mut step = 1i64;
    let mut v = value.unsigned_abs();
    while v >= 1000 {
        v /= 10;
        step = step.saturating_mul(10);
    }
    step
}

/// Spearman's rank correlation of paired samples (average ranks for ties).
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let mean = (n + 1.0) / 2.0;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mean) * (b - mean);
        sxx += (a - mean) * (a - mean);
        syy += (b - mean) * (b - mean);
    }
    if sxx == 0.0 || syy == 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

fn ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]).then(a.cmp(&b)));
    let mut out = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            out[idx[k]] = avg;
        }
        i = j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut h = Histogram::new(1);
        for v in 1..=100 {
            h.add(v);
        }
        let s = h.summary();
        assert_eq!((s.p10, s.p50, s.p90), (10, 50, 90));
        assert_eq!(s.mean, 50.5);
    }

    #[test]
    fn merging_in_any_order_gives_the_same_histogram() {
        let (mut a, mut b, mut all) = (Histogram::new(10), Histogram::new(10), Histogram::new(10));
        for v in 0..50 {
            a.add(v * 7);
            all.add(v * 7);
        }
        for v in 0..30 {
            b.add(-v * 3);
            all.add(-v * 3);
        }
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b;
        ba.merge(&a);
        assert_eq!(ab, ba);
        assert_eq!(ab, all);
    }

    #[test]
    fn relative_bins_keep_three_significant_digits() {
        let mut h = Histogram::relative();
        for v in [123_456_789, -987_654, 42, 1_234_499] {
            h.add(v);
        }
        let keys: Vec<i64> = h.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, vec![-988_000, 42, 1_230_000, 123_000_000]);
    }

    #[test]
    fn spearman_of_a_monotone_relation_is_one() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert!((spearman(&x, &[1.0, 4.0, 9.0, 16.0]) - 1.0).abs() < 1e-12);
        assert!((spearman(&x, &[4.0, 3.0, 2.0, 1.0]) + 1.0).abs() < 1e-12);
    }
}
