//! Sampling durations, reproducibly on every machine and thread count.
//!
//! Every random quantity has its own stream: a ChaCha8 generator keyed by
//! the seed and a stable hash of what it is for ("site/task/load-study"),
//! positioned at the run index. A run therefore draws the same numbers
//! whichever thread runs it, and a task present in two variants of a
//! scenario draws the same numbers in both (common random numbers).
//!
//! All maths is `libm` (pure Rust), never the platform's C library. Every
//! distribution is sampled through its quantile function from a normal
//! score, so correlation groups work with any of them (a Gaussian copula).

use rand_chacha::ChaCha8Rng;
use rand_core::{Rng, SeedableRng};

use crate::scenario::Distribution;
use crate::scenario::duration::MAX_DURATION_DAYS;

/// FNV-1a, 64-bit: a stable hash for stream keys (std's hasher may change).
pub fn stream_key(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The random stream of one quantity in one run.
pub struct Stream(ChaCha8Rng);

impl Stream {
    pub fn new(seed: u64, key: u64, run: u64) -> Self {
        let mut bytes = [0u8; 32];
        bytes[..8].copy_from_slice(&seed.to_le_bytes());
        bytes[8..16].copy_from_slice(&key.to_le_bytes());
        let mut rng = ChaCha8Rng::from_seed(bytes);
        rng.set_stream(run);
        Stream(rng)
    }

    /// Uniform on [0, 1), 53 bits.
    pub fn uniform(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal (Box–Muller).
    pub fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform(); // (0, 1]
        let u2 = self.uniform();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
    }
}

/// The standard normal CDF.
pub fn phi(z: f64) -> f64 {
    0.5 * libm::erfc(-z / std::f64::consts::SQRT_2)
}

/// z at the 90th percentile of the standard normal.
const Z90: f64 = 1.281_551_565_544_600_5;

/// Samples a distribution from a normal score `z`, in days (not yet rounded).
pub struct Sampler {
    dist: Distribution,
    /// Quantiles of the PERT's beta at 1024 even steps, for interpolation.
    pert: Vec<f64>,
}

impl Sampler {
    pub fn new(dist: &Distribution) -> Self {
        let pert = match *dist {
            Distribution::Pert { min, mode, max } if max > min => {
                let (a, b) = pert_shape(min, mode, max);
                beta_quantile_table(a, b)
            }
            _ => Vec::new(),
        };
        Sampler {
            dist: dist.clone(),
            pert,
        }
    }

    pub fn sample(&self, z: f64) -> f64 {
        let days = match self.dist {
            Distribution::Fixed(d) => d,
            Distribution::LogNormal { p50, p90 } => {
                let sigma = (libm::log(p90) - libm::log(p50)) / Z90;
                p50 * libm::exp(sigma * z)
            }
            Distribution::Uniform { min, max } => min + phi(z) * (max - min),
            Distribution::Triangular { min, mode, max } => triangular(phi(z), min, mode, max),
            Distribution::Pert { min, max, .. } => {
                if self.pert.is_empty() {
                    min
                } else {
                    min + interpolate(&self.pert, phi(z)) * (max - min)
                }
            }
        };
        days.clamp(0.0, MAX_DURATION_DAYS)
    }
}

fn triangular(u: f64, a: f64, c: f64, b: f64) -> f64 {
    if b <= a {
        return a;
    }
    let fc = (c - a) / (b - a);
    if u < fc {
        a + libm::sqrt(u * (b - a) * (c - a))
    } else {
        b - libm::sqrt((1.0 - u) * (b - a) * (b - c))
    }
}

/// Beta shape parameters of a PERT (the classic λ = 4).
fn pert_shape(min: f64, mode: f64, max: f64) -> (f64, f64) {
    let r = max - min;
    (1.0 + 4.0 * (mode - min) / r, 1.0 + 4.0 * (max - mode) / r)
}

const TABLE_STEPS: usize = 1024;

fn interpolate(table: &[f64], u: f64) -> f64 {
    let x = u.clamp(0.0, 1.0) * TABLE_STEPS as f64;
    let i = (x.floor() as usize).min(TABLE_STEPS - 1);
    let t = x - i as f64;
    table[i] + t * (table[i + 1] - table[i])
}

/// CDF evaluations used to invert the beta distribution.
const GRID: usize = 8192;

/// Quantiles of Beta(a, b) at u = 0, 1/1024, ..., 1: the CDF on a fine grid
/// of x, inverted by linear interpolation (monotone, one pass).
fn beta_quantile_table(a: f64, b: f64) -> Vec<f64> {
    let ln_norm = libm::lgamma(a + b) - libm::lgamma(a) - libm::lgamma(b);
    let cdf: Vec<f64> = (0..=GRID)
        .map(|i| beta_cdf(i as f64 / GRID as f64, a, b, ln_norm))
        .collect();
    let mut out = Vec::with_capacity(TABLE_STEPS + 1);
    let mut j = 0;
    for i in 0..=TABLE_STEPS {
        let u = i as f64 / TABLE_STEPS as f64;
        while j + 1 < GRID && cdf[j + 1] < u {
            j += 1;
        }
        let (c0, c1) = (cdf[j], cdf[j + 1]);
        let t = if c1 > c0 {
            ((u - c0) / (c1 - c0)).clamp(0.0, 1.0)
        } else {
            0.0
        };
        out.push((j as f64 + t) / GRID as f64);
    }
    out
}

/// The regularized incomplete beta function I_x(a, b) (continued fraction).
/// `ln_norm` is ln Γ(a+b) − ln Γ(a) − ln Γ(b), computed once by the caller.
fn beta_cdf(x: f64, a: f64, b: f64, ln_norm: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_norm + a * libm::log(x) + b * libm::log(1.0 - x);
    let front = libm::exp(ln_front);
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cf(x, a, b) / a
    } else {
        1.0 - front * beta_cf(1.0 - x, b, a) / b
    }
}

/// Lentz's method for the incomplete beta's continued fraction.
fn beta_cf(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let a: Vec<f64> = (0..3).map(|_| 0.0).collect();
        let mut s1 = Stream::new(7, stream_key(&["x"]), 42);
        let mut s2 = Stream::new(7, stream_key(&["x"]), 42);
        let mut s3 = Stream::new(7, stream_key(&["x"]), 43);
        let v1: Vec<f64> = a.iter().map(|_| s1.uniform()).collect();
        let v2: Vec<f64> = a.iter().map(|_| s2.uniform()).collect();
        let v3: Vec<f64> = a.iter().map(|_| s3.uniform()).collect();
        assert_eq!(v1, v2);
        assert_ne!(v1, v3);
    }

    #[test]
    fn beta_cdf_matches_known_values() {
        // Beta(2, 2): CDF = 3x^2 - 2x^3.
        for x in [0.1, 0.25, 0.5, 0.9] {
            let want = 3.0 * x * x - 2.0 * x * x * x;
            let ln_norm = libm::lgamma(4.0) - 2.0 * libm::lgamma(2.0);
            assert!(
                (beta_cdf(x, 2.0, 2.0, ln_norm) - want).abs() < 1e-12,
                "x = {x}"
            );
        }
    }

    #[test]
    fn quantiles_hit_their_percentiles() {
        let tri = Sampler::new(&Distribution::Triangular {
            min: 0.0,
            mode: 0.0,
            max: 10.0,
        });
        // CDF of triangular(0, 0, 10) at x: 1 - (1 - x/10)^2; median at 10(1 - sqrt(0.5)).
        assert!((tri.sample(0.0) - 10.0 * (1.0 - libm::sqrt(0.5))).abs() < 1e-9);
        let ln = Sampler::new(&Distribution::LogNormal {
            p50: 730.0,
            p90: 1460.0,
        });
        assert!((ln.sample(0.0) - 730.0).abs() < 1e-9);
        assert!((ln.sample(Z90) - 1460.0).abs() < 1e-6);
        let pert = Sampler::new(&Distribution::Pert {
            min: 0.0,
            mode: 5.0,
            max: 10.0,
        });
        assert!(
            (pert.sample(0.0) - 5.0).abs() < 1e-3,
            "symmetric PERT median is the mode"
        );
    }
}
